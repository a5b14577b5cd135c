/*
 * reader.c - the public reader API: opening a file, stream or memory buffer, copying the
 * options, detecting the format from the name and the first bytes, and dispatching to the
 * format's reader (read_*.c).  Formats and what each yields are described in docs/formats.md.
 *
 * Gzip: a gzip input of any format but WARC is inflated by the gzip layer (gzin.c) between the
 * input and the format's reader (r->raw -> r->gz -> r->in); damage in it is reported from
 * idt_reader_next() once the reader has read past it.
 *
 * Detection (IDT_FMT_AUTO), first match wins:
 *   0. gzip input (but .warc.gz / .arc.gz, read by the WARC reader) is inflated first, and
 *      what follows looks at the inflated bytes;
 *   1. the name's extension (".gz" looked through): .jsonl .ndjson -> JSONL, .csv -> CSV,
 *      .tsv .tab -> TSV, .html .htm .xhtml -> HTML, .warc .arc -> WARC, .mbox .eml -> MBOX;
 *      .json -> JSONL if the first line is one JSON object, else TELEGRAM; .txt -> WHATSAPP if
 *      the first line looks like a WhatsApp message, else TEXT;
 *   2. the first bytes: "WARC/1.", "filedesc://" (or gzip magic left for the WARC reader)
 *      -> WARC; "From " or an e-mail header -> MBOX; "<!DOCTYPE html", "<html" (and other
 *      HTML starts) -> HTML; '{' -> JSONL or TELEGRAM as above; a WhatsApp date -> WHATSAPP;
 *      a header row of names separated by tabs / commas -> TSV / CSV; anything else -> TEXT.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include "ingest_int.h"

#define PEEK ((size_t)64 << 10) /* bytes looked at for detection */

static const char *const format_names[IDT_FMT_COUNT] = {
    "auto", "jsonl", "text", "csv", "tsv", "html", "warc", "telegram", "whatsapp", "mbox",
};

IDT_API const char *idt_format_name(idt_format f)
{
	if ((unsigned)f >= IDT_FMT_COUNT) return "unknown";
	return format_names[f];
}

IDT_API idt_format idt_format_parse(const char *s)
{
	static const struct {
		const char *name;
		idt_format f;
	} alias[] = {
	    {"ndjson", IDT_FMT_JSONL}, {"json", IDT_FMT_JSONL}, {"txt", IDT_FMT_TEXT},
	    {"plain", IDT_FMT_TEXT},   {"arc", IDT_FMT_WARC},   {"eml", IDT_FMT_MBOX},
	    {"htm", IDT_FMT_HTML},     {"email", IDT_FMT_MBOX},
	};
	if (!s) return IDT_FMT_COUNT;
	for (int i = 0; i < IDT_FMT_COUNT; i++)
		if (strcasecmp(s, format_names[i]) == 0) return (idt_format)i;
	for (size_t i = 0; i < IDT_ARRAY_LEN(alias); i++)
		if (strcasecmp(s, alias[i].name) == 0) return alias[i].f;
	return IDT_FMT_COUNT;
}

/* The reader of each format; NULL: not available. */
static const idt__fmt_ops *fmt_ops(idt_format f)
{
	switch (f) {
	case IDT_FMT_JSONL: return &idt__jsonl_ops;
	case IDT_FMT_TEXT: return &idt__text_ops;
	case IDT_FMT_CSV:
	case IDT_FMT_TSV: return &idt__csv_ops;
	case IDT_FMT_HTML: return &idt__html_ops;
	case IDT_FMT_WARC: return &idt__warc_ops;
	case IDT_FMT_TELEGRAM: return &idt__telegram_ops;
	case IDT_FMT_WHATSAPP: return &idt__whatsapp_ops;
	case IDT_FMT_MBOX: return &idt__mail_ops;
	default: return NULL;
	}
}

/* ======================================================================================
 * Detection
 * ====================================================================================== */

static int starts_with_ci(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && strncasecmp(s, pre, k) == 0;
}

/* 1 if the first line of s[0..n) is one JSON object. */
static int first_line_is_object(const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);
	size_t len = nl ? (size_t)(nl - s) : n;
	if (len && s[len - 1] == '\r') len--;
	const char *msg;
	size_t off;
	return idt__json_line(s, len, NULL, NULL, 0, NULL, &msg, &off) == IDT_OK;
}

/* 1 if the line at s looks like the start of a WhatsApp message: "12/31/23, 9:41 PM - ",
 * "[31.12.23, 21:41:05] ", "2023-12-31 21:41 - " ... (digits, separators, a time). */
int idt__whatsapp_line_start(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == '[') i++;
	int groups = 0;
	while (groups < 3) {
		size_t d = 0;
		while (i < n && isdigit((unsigned char)s[i]) && d < 4) i++, d++;
		if (!d) return 0;
		groups++;
		if (groups < 3) {
			if (i >= n || (s[i] != '/' && s[i] != '.' && s[i] != '-')) return 0;
			i++;
		}
	}
	if (i < n && s[i] == '.') i++;
	if (i < n && s[i] == ',') i++;
	if (i >= n || s[i] != ' ') return 0;
	i++;
	size_t d = 0;
	while (i < n && isdigit((unsigned char)s[i]) && d < 2) i++, d++;
	return d && i < n && s[i] == ':';
}

static const char *const mail_headers[] = {
    "Received:", "Return-Path:",  "Message-ID:",   "From:", "Date:",     "Subject:",
    "To:",       "MIME-Version:", "Delivered-To:", "X-",    "Reply-To:", "Content-Type:",
};

/* Separators in the line at s (up to its newline), outside double quotes. */
static size_t count_seps(const char *s, size_t n, char sep, size_t *len)
{
	const char *nl = memchr(s, '\n', n);
	*len = nl ? (size_t)(nl - s) : n;
	size_t k = 0;
	int q = 0;
	for (size_t i = 0; i < *len; i++) {
		if (s[i] == '"')
			q = !q;
		else if (s[i] == sep && !q)
			k++;
	}
	return k;
}

/*
 * 1 if the input starts like a table separated by `sep`: a first line of short names (letters,
 * digits, spaces, _ - . and quotes) with at least one separator, and a second line (when there
 * is one) with as many separators.
 */
static int looks_like_header(const char *s, size_t n, char sep)
{
	size_t len;
	size_t seps = count_seps(s, n, sep, &len);
	if (!seps) return 0;
	size_t cell = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == (unsigned char)sep) {
			if (cell > 64) return 0;
			cell = 0;
		} else if (c == '\r' && i + 1 == len) {
		} else if (isalnum(c) || c == '_' || c == '-' || c == ' ' || c == '"' || c == '.' ||
		           c >= 0x80) {
			cell++;
		} else {
			return 0;
		}
	}
	if (cell > 64) return 0;
	if (len + 1 >= n) return !memchr(s, ' ', len); /* one line: names without spaces */
	size_t len2;
	return count_seps(s + len + 1, n - len - 1, sep, &len2) == seps;
}

static idt_format detect_content(const char *s, size_t n)
{
	if (n >= 2 && (unsigned char)s[0] == 0x1F && (unsigned char)s[1] == 0x8B)
		return IDT_FMT_WARC;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3;
	if (starts_with_ci(s, n, "WARC/") || starts_with_ci(s, n, "filedesc://"))
		return IDT_FMT_WARC;
	if (n >= 5 && memcmp(s, "From ", 5) == 0) return IDT_FMT_MBOX;
	for (size_t i = 0; i < IDT_ARRAY_LEN(mail_headers); i++)
		if (n >= strlen(mail_headers[i]) &&
		    memcmp(s, mail_headers[i], strlen(mail_headers[i])) == 0)
			return IDT_FMT_MBOX;
	size_t i = 0;
	while (i < n && isspace((unsigned char)s[i])) i++;
	const char *t = s + i;
	size_t tn = n - i;
	if (starts_with_ci(t, tn, "<!doctype html") || starts_with_ci(t, tn, "<html") ||
	    starts_with_ci(t, tn, "<head") || starts_with_ci(t, tn, "<body") ||
	    starts_with_ci(t, tn, "<!--") || starts_with_ci(t, tn, "<meta") ||
	    starts_with_ci(t, tn, "<title"))
		return IDT_FMT_HTML;
	if (tn && *t == '{') {
		if (first_line_is_object(s, n)) return IDT_FMT_JSONL;
		if (memmem(s, n, "\"messages\"", 10) || memmem(s, n, "\"chats\"", 7))
			return IDT_FMT_TELEGRAM;
		return IDT_FMT_JSONL;
	}
	if (idt__whatsapp_line_start(s, n)) return IDT_FMT_WHATSAPP;
	if (looks_like_header(s, n, '\t')) return IDT_FMT_TSV;
	if (looks_like_header(s, n, ',')) return IDT_FMT_CSV;
	return IDT_FMT_TEXT;
}

/* The extension of name (after the last '.', ".gz" looked through) into ext, or "". */
static void name_ext(const char *name, char *ext, size_t cap, int *gz)
{
	*ext = 0;
	*gz = 0;
	if (!name) return;
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	size_t n = strlen(base);
	if (n > 3 && strcasecmp(base + n - 3, ".gz") == 0) {
		*gz = 1;
		n -= 3;
	}
	const char *dot = NULL;
	for (size_t i = 0; i < n; i++)
		if (base[i] == '.') dot = base + i;
	if (!dot) return;
	size_t k = n - (size_t)(dot + 1 - base);
	if (k >= cap) return;
	memcpy(ext, dot + 1, k);
	ext[k] = 0;
}

static idt_format detect(const char *name, const char *s, size_t n)
{
	char ext[16];
	int gz;
	name_ext(name, ext, sizeof ext, &gz);
	if (*ext) {
		if (!strcasecmp(ext, "jsonl") || !strcasecmp(ext, "ndjson")) return IDT_FMT_JSONL;
		if (!strcasecmp(ext, "csv")) return IDT_FMT_CSV;
		if (!strcasecmp(ext, "tsv") || !strcasecmp(ext, "tab")) return IDT_FMT_TSV;
		if (!strcasecmp(ext, "html") || !strcasecmp(ext, "htm") ||
		    !strcasecmp(ext, "xhtml"))
			return IDT_FMT_HTML;
		if (!strcasecmp(ext, "warc") || !strcasecmp(ext, "arc")) return IDT_FMT_WARC;
		if (!strcasecmp(ext, "mbox") || !strcasecmp(ext, "eml") || !strcasecmp(ext, "mbx"))
			return IDT_FMT_MBOX;
		if (!strcasecmp(ext, "json")) {
			size_t i = 0;
			while (i < n && isspace((unsigned char)s[i])) i++;
			return first_line_is_object(s + i, n - i) ? IDT_FMT_JSONL
			                                          : IDT_FMT_TELEGRAM;
		}
		if (!strcasecmp(ext, "txt")) {
			const char *t = s;
			size_t tn = n;
			if (tn >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) t += 3, tn -= 3;
			/* WhatsApp marks some exports with U+200E before the bracket */
			if (tn >= 3 && memcmp(t, "\xE2\x80\x8E", 3) == 0) t += 3, tn -= 3;
			return idt__whatsapp_line_start(t, tn) ? IDT_FMT_WHATSAPP : IDT_FMT_TEXT;
		}
	}
	return detect_content(s, n);
}

/* 1 if the name says web archive (".warc.gz", ".arc.gz": the WARC reader inflates those). */
static int name_is_archive(const char *name)
{
	char ext[16];
	int gz;
	name_ext(name, ext, sizeof ext, &gz);
	return !strcasecmp(ext, "warc") || !strcasecmp(ext, "arc");
}

/* ======================================================================================
 * Opening and closing
 * ====================================================================================== */

/* Puts the gzip layer between the input and the reader: r->in becomes the inflated stream. */
static idt_status wrap_gzip(idt_reader *r)
{
	r->raw = r->in; /* the compressed input, with its buffer and stream */
	memset(&r->in, 0, sizeof r->in);
	r->gz_wrapped = 1;
	idt_status st = idt__gz_init(&r->gz, &r->raw);
	if (!st) st = idt__in_init_pull(&r->in, idt__gz_pull, &r->gz, r->max_record);
	return st;
}

/* A damage of the gzip layer the reader has read past, reported once (IDT_EPARSE), or IDT_OK. */
static idt_status gz_damage(idt_reader *r, int at_end, idt_error *err)
{
	if (!r->gz_wrapped || r->gz.dmg == UINT64_MAX) return IDT_OK;
	if (!at_end && r->gz.dmg > idt__in_offset(&r->in)) return IDT_OK;
	uint64_t off = r->gz.dmg;
	r->gz.dmg = UINT64_MAX;
	return idt__err(err, IDT_EPARSE, r->gz.dmg_msg, r->name, 0, off);
}

IDT_API void idt_reader_close(idt_reader *r)
{
	if (!r) return;
	if (r->ops && r->ops->free) r->ops->free(r);
	idt__in_free(&r->in);
	if (r->gz_wrapped) {
		idt__gz_free(&r->gz);
		idt__in_free(&r->raw);
	}
	for (size_t i = 0; i < r->ntext; i++) free(r->text_names[i]);
	free(r->text_names);
	free(r->text_lens);
	free(r->id_name);
	free(r->name);
	free(r->fields);
	idt__buf_free(&r->text);
	free(r);
}

/* A reader with the options copied (input not yet set up). */
static idt_status reader_new(const idt_reader_opts *opts, const char *name, idt_reader **out)
{
	static const char *const def_text[] = {"text"};
	idt_reader_opts o = {0};
	if (opts) o = *opts;
	if ((unsigned)o.format >= IDT_FMT_COUNT) return IDT_EINVAL;
	const char *const *tf = o.text_fields && o.ntext_fields ? o.text_fields : def_text;
	size_t nt = o.text_fields && o.ntext_fields ? o.ntext_fields : 1;
	if (nt > 63) return IDT_EINVAL;
	for (size_t i = 0; i < nt; i++)
		if (!tf[i]) return IDT_EINVAL;

	idt_reader *r = calloc(1, sizeof *r);
	if (!r) return IDT_ENOMEM;
	*out = r;
	r->fmt = o.format;
	r->text_default = !(o.text_fields && o.ntext_fields);
	r->max_record = o.max_record ? o.max_record : IDT__MAX_RECORD_DEF;
	if (r->max_record > SIZE_MAX / 8) r->max_record = SIZE_MAX / 8; /* sums stay exact */
	r->name = idt__strndup(name, strlen(name));
	r->text_names = calloc(nt, sizeof *r->text_names);
	r->text_lens = calloc(nt, sizeof *r->text_lens);
	const char *idn = o.id_field ? o.id_field : "id";
	r->id_name = idt__strndup(idn, strlen(idn));
	r->id_len = strlen(idn);
	r->fields_cap = nt > IDT__MAX_FIELDS ? nt : IDT__MAX_FIELDS;
	r->fields = calloc(r->fields_cap, sizeof *r->fields);
	if (!r->name || !r->text_names || !r->text_lens || !r->id_name || !r->fields)
		return IDT_ENOMEM;
	r->ntext = nt;
	for (size_t i = 0; i < nt; i++) {
		r->text_lens[i] = strlen(tf[i]);
		r->text_names[i] = idt__strndup(tf[i], r->text_lens[i]);
		if (!r->text_names[i]) return IDT_ENOMEM;
	}
	r->text.cap_limit = r->max_record + 4096;
	return IDT_OK;
}

/* Detects the format if needed and starts its reader. */
static idt_status reader_start(idt_reader *r, idt_error *err)
{
	/* gzip: inflated here for every format but WARC (.warc.gz, .arc.gz), which inflates
	 * member by member itself */
	idt__in_fill(&r->in, 2);
	if (idt__in_avail(&r->in) >= 2 && (unsigned char)r->in.buf[r->in.pos] == 0x1F &&
	    (unsigned char)r->in.buf[r->in.pos + 1] == 0x8B && r->fmt != IDT_FMT_WARC &&
	    !name_is_archive(r->name)) {
		idt_status st = wrap_gzip(r);
		if (st) return idt__err(err, st, "out of memory", r->name, 0, 0);
	}
	if (r->fmt == IDT_FMT_AUTO) {
		idt_status st = idt__in_fill(&r->in, PEEK);
		if (st && st != IDT_ELIMIT) return idt__err(err, st, "read failed", r->name, 0, 0);
		size_t n = idt__in_avail(&r->in);
		r->fmt = detect(r->name, r->in.buf + r->in.pos, n);
	}
	r->ops = fmt_ops(r->fmt);
	if (!r->ops) return idt__err(err, IDT_EINVAL, "format not supported", r->name, 0, 0);
	if (r->ops->init) return r->ops->init(r, err);
	return IDT_OK;
}

static idt_status open_common(FILE *fp, int own, const char *data, size_t len, const char *name,
                              const idt_reader_opts *opts, idt_reader **out, idt_error *err)
{
	idt_reader *r = NULL;
	idt_status st = reader_new(opts, name, &r);
	if (st) {
		idt__err(err, st, st == IDT_EINVAL ? "invalid reader options" : "out of memory",
		         name, 0, 0);
	} else if (fp) {
		st = idt__in_init_stream(&r->in, fp, own, r->max_record);
		if (st) idt__err(err, st, "out of memory", name, 0, 0);
	} else {
		idt__in_init_mem(&r->in, data, len);
	}
	if (!st) st = reader_start(r, err);
	if (st) {
		/* once the input is set up it owns the stream; before, close it here */
		if (own && !(r && (r->in.fp || r->raw.fp))) fclose(fp);
		idt_reader_close(r);
		*out = NULL;
		return st;
	}
	*out = r;
	return IDT_OK;
}

IDT_API idt_status idt_reader_open(const char *path, const idt_reader_opts *opts, idt_reader **out,
                                   idt_error *err)
{
	if (!out) return IDT_EINVAL;
	*out = NULL;
	if (!path || strcmp(path, "-") == 0)
		return open_common(stdin, 0, NULL, 0, "-", opts, out, err);
	FILE *fp = fopen(path, "rb");
	if (!fp) return idt__err(err, IDT_EIO, "cannot open the file", path, 0, 0);
	return open_common(fp, 1, NULL, 0, path, opts, out, err);
}

IDT_API idt_status idt_reader_open_stream(FILE *fp, const char *name, const idt_reader_opts *opts,
                                          idt_reader **out, idt_error *err)
{
	if (!out) return IDT_EINVAL;
	*out = NULL;
	if (!fp) return idt__err(err, IDT_EINVAL, "no stream", name, 0, 0);
	return open_common(fp, 0, NULL, 0, name ? name : "-", opts, out, err);
}

IDT_API idt_status idt_reader_open_mem(const char *data, size_t len, const char *name,
                                       const idt_reader_opts *opts, idt_reader **out,
                                       idt_error *err)
{
	if (!out) return IDT_EINVAL;
	*out = NULL;
	if (!data && len) return idt__err(err, IDT_EINVAL, "no data", name, 0, 0);
	return open_common(NULL, 0, data ? data : "", len, name ? name : "-", opts, out, err);
}

void idt__rec_init(idt_reader *r, idt_record *rec)
{
	memset(rec, 0, sizeof *rec);
	rec->prov.file = r->name;
}

IDT_API idt_status idt_reader_next(idt_reader *r, idt_record *rec, idt_error *err)
{
	if (!r || !rec) return IDT_EINVAL;
	idt_status st = gz_damage(r, 0, err);
	if (st) return st;
	st = r->ops->next(r, rec, err);
	if (st == IDT_END && gz_damage(r, 1, err)) return IDT_EPARSE;
	if (st == IDT_OK)
		r->nrec++;
	else if (err && st != IDT_END)
		err->index = r->nrec;
	return st;
}

IDT_API idt_format idt_reader_format(const idt_reader *r)
{
	return r ? r->fmt : IDT_FMT_AUTO;
}

IDT_API uint64_t idt_reader_bytes(const idt_reader *r)
{
	if (!r) return 0;
	return r->gz_wrapped ? idt__in_offset(&r->raw) : idt__in_offset(&r->in);
}
