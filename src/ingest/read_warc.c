/*
 * read_warc.c - web archives: WARC 1.0/1.1 and the older ARC, plain or gzip-compressed (one gzip
 * member per record, as crawlers write them, or one stream for the whole file).
 *
 * A WARC file is a sequence of records:
 *
 *   WARC/1.1\r\n                               version line
 *   WARC-Type: response\r\n                    named fields, "Name: value" lines
 *   WARC-Record-ID: <urn:uuid:...>\r\n
 *   WARC-Date: 2024-01-01T00:00:00Z\r\n
 *   WARC-Target-URI: http://shop.example/\r\n
 *   Content-Type: application/http; msgtype=response\r\n
 *   Content-Length: 1234\r\n                   bytes of the block
 *   \r\n
 *   <content block: 1234 bytes>                for a response, an HTTP response as received
 *   \r\n\r\n                                   record end
 *
 *   field              used for
 *   ------------------ ----------------------------------------------------------------------
 *   WARC-Type          response and resource records are read (except resources with a
 *                      metadata: URI, a crawler's own log); warcinfo gives the file name;
 *                      request, metadata, revisit, conversion, continuation are skipped
 *   WARC-Record-ID     the record's id (a JSON string)
 *   WARC-Target-URI    provenance url (links of a page are resolved against it)
 *   WARC-Date          provenance date
 *   Content-Type       application/http: the block is an HTTP response; otherwise the
 *                      block's own media type (resource records)
 *   Content-Length     the block's length
 *
 * An ARC file (v1 or v2) starts with a "filedesc://NAME ..." record; each record is one header
 * line "URL IP DATE CONTENT-TYPE [...] LENGTH", LENGTH bytes (an HTTP response for http URLs),
 * and a newline.
 *
 * The payload: the HTTP status line and headers are parsed; chunked transfer coding and gzip or
 * deflate content coding are undone (at most max_record bytes come out); HTML goes through the
 * HTML reader (fields title, description, text, alt, links) with the charset of the HTTP
 * Content-Type; text/plain, JSON and XML become one "text" field; other media types (images,
 * scripts, styles, binaries) are not text and are skipped.
 *
 * Damage, reported as IDT_EPARSE with the record's offset (in the decompressed stream), then
 * the reader resynchronises on the next line starting "WARC/1." (or a plausible ARC header):
 *   - a Content-Length that lies (the block is not followed by the record end): the record is
 *     reported, then returned with the bytes up to the next record header;
 *   - a damaged or truncated gzip member: the member is dropped from the point of damage, the
 *     next member is found by its magic bytes; the record it hit is reported, then returned
 *     with the bytes that could be read;
 *   - a record cut by the end of the file: reported, then returned as far as it goes;
 *   - anything that is not a record header: reported and skipped to the next header.
 * A block longer than max_record is skipped (streamed through, never held) with IDT_ELIMIT.
 */
#include <stdlib.h>
#include <strings.h>
#include <zlib.h>
#include "ingest_int.h"

#define MAX_HEADER_LINE ((size_t)64 << 10)

/* ======================================================================================
 * Record state
 * ====================================================================================== */

typedef struct warc_state {
	idt__in *src; /* the (decompressed) record stream: &r->in or &dec */
	idt__in dec;  /* owned: decompressed stream (gzip input) */
	idt__gz gz;   /* the gzip layer (gzip input) */
	int gzip;     /* 1: the input is gzip */
	/* the current record's header (copies: they outlive the buffer) */
	char type[32];
	char id[512];
	char uri[8192];
	char date[64];
	char ctype[256];
	uint64_t length;
	int has_length;
	int arc;             /* the record is an ARC record */
	char filename[1024]; /* from the warcinfo record (WARC-Filename) or the ARC filedesc */
	/* the payload */
	idt_buf body;     /* owned: the decoded payload (chunks undone, inflated) */
	idt_buf body2;    /* owned: scratch for decoding */
	idt_buf text;     /* owned: a text payload as UTF-8 */
	idt__html html;   /* owned: a HTML payload's fields */
	idt_buf idj;      /* owned: the record id as JSON */
	size_t nfields;   /* fields of the prepared record (in r->fields) */
	uint64_t rec_off; /* offset of the prepared record */
	int pending;      /* a damaged record was reported: it is returned next */
} warc_state;

/* ======================================================================================
 * Low level: lines and bytes of the record stream
 * ====================================================================================== */

static void src_skip(idt__in *in, size_t n)
{
	in->pos += n;
	if (in->scan < in->pos) in->scan = in->pos;
}

/* Consumes n bytes of the record stream without holding them (a block over the limit). */
static idt_status src_discard(idt__in *in, uint64_t n)
{
	while (n) {
		if (!idt__in_avail(in)) {
			idt_status st = idt__in_fill(in, 1);
			if (st) return st;
			if (!idt__in_avail(in)) return IDT_END;
		}
		size_t k = idt__in_avail(in);
		if (k > n) k = (size_t)n;
		src_skip(in, k);
		n -= k;
	}
	return IDT_OK;
}

/* 1 if the line looks like an ARC record header: URL IP DATE TYPE ... LENGTH. */
static int arc_header_line(const char *s, size_t n)
{
	if (n < 10 || n > MAX_HEADER_LINE) return 0;
	const char *sp = memchr(s, ' ', n);
	if (!sp || !memmem(s, (size_t)(sp - s), "://", 3)) return 0;
	size_t fields = 1;
	for (size_t i = 0; i < n; i++) fields += s[i] == ' ';
	if (fields < 5) return 0;
	size_t e = n;
	while (e > 0 && s[e - 1] == '\r') e--;
	size_t d = e;
	while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9') d--;
	return d < e && d > 0 && s[d - 1] == ' ';
}

/*
 * Moves the record stream to the next line that starts a record ("WARC/1." or an ARC header),
 * searching from the current position (which must be at a line start or inside a line whose
 * start is not wanted: `skip_first` skips to the next line first).
 */
static void resync(idt__in *in, int skip_first)
{
	for (;;) {
		const char *line;
		size_t len;
		uint64_t off;
		if (skip_first) {
			skip_first = 0;
		} else {
			/* peek: is the line at the position a header? */
			idt__in_fill(in, 16);
			size_t n = idt__in_avail(in);
			if (n == 0) return;
			const char *b = in->buf + in->pos;
			const char *nl = memchr(b, '\n', n);
			if (n >= 7 && memcmp(b, "WARC/1.", 7) == 0) return;
			if (nl && arc_header_line(b, (size_t)(nl - b))) return;
		}
		idt_status st = idt__in_line(in, MAX_HEADER_LINE, &line, &len, &off);
		if (st == IDT_END || st == IDT_EIO || st == IDT_ENOMEM) return;
	}
}

/* Copies a header value (spaces trimmed) into out (cap bytes, cut if longer). */
static void copy_value(const char *v, size_t n, char *out, size_t cap)
{
	while (n && (*v == ' ' || *v == '\t')) v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r')) n--;
	if (n >= cap) n = cap - 1;
	memcpy(out, v, n);
	out[n] = 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int any = 0;
	while (*s == ' ') s++;
	for (; *s >= '0' && *s <= '9'; s++, any = 1) {
		if (v > (UINT64_MAX - 9) / 10) return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	while (*s == ' ' || *s == '\r') s++;
	*out = v;
	return any && !*s;
}

/* ======================================================================================
 * Payloads: HTTP, transfer and content codings, media types
 * ====================================================================================== */

typedef struct http_msg {
	const char *body;
	size_t body_len;
	char ctype[256];
	char cenc[64];
	int chunked;
} http_msg;

/* Parses an HTTP response at b[0..n); 0 if it is not one (then the block is the payload). */
static int http_parse(const char *b, size_t n, http_msg *m)
{
	memset(m, 0, sizeof *m);
	if (n < 5 || memcmp(b, "HTTP/", 5) != 0) return 0;
	const char *p = memchr(b, '\n', n), *e = b + n;
	if (!p) {
		m->body = e;
		return 1;
	}
	p++;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;
		size_t len = (size_t)(le - p);
		if (len && p[len - 1] == '\r') len--;
		if (len == 0) {
			p = nl ? nl + 1 : e;
			break;
		}
		const char *colon = memchr(p, ':', len);
		if (colon) {
			size_t k = (size_t)(colon - p);
			const char *v = colon + 1;
			size_t vn = len - k - 1;
			if (k == 12 && !strncasecmp(p, "Content-Type", 12))
				copy_value(v, vn, m->ctype, sizeof m->ctype);
			else if (k == 16 && !strncasecmp(p, "Content-Encoding", 16))
				copy_value(v, vn, m->cenc, sizeof m->cenc);
			else if (k == 17 && !strncasecmp(p, "Transfer-Encoding", 17)) {
				char te[64];
				copy_value(v, vn, te, sizeof te);
				m->chunked = strcasestr(te, "chunked") != NULL;
			}
		}
		p = nl ? nl + 1 : e;
	}
	m->body = p;
	m->body_len = (size_t)(e - p);
	return 1;
}

/* Undoes chunked transfer coding of b[0..n) into out; 1 if it was damaged (the rest is kept
 * as it is). */
static int dechunk(const char *b, size_t n, idt_buf *out)
{
	const char *p = b, *e = b + n;
	while (p < e) {
		uint64_t size = 0;
		int digits = 0;
		while (p < e) {
			int v = *p >= '0' && *p <= '9'                     ? *p - '0'
			        : (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f' ? (*p | 0x20) - 'a' + 10
			                                                   : -1;
			if (v < 0) break;
			if (size > (UINT64_MAX >> 4)) return 1;
			size = size * 16 + (uint64_t)v;
			digits++;
			p++;
		}
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		if (!digits || !nl) {
			idt__buf_append(out, p, (size_t)(e - p));
			return 1;
		}
		p = nl + 1;
		if (size == 0) return 0;
		if (size > (uint64_t)(e - p)) {
			idt__buf_append(out, p, (size_t)(e - p));
			return 1;
		}
		if (idt__buf_append(out, p, (size_t)size)) return 1;
		p += size;
		if (p < e && *p == '\r') p++;
		if (p < e && *p == '\n') p++;
	}
	return 0;
}

/* Inflates b[0..n) (gzip, zlib or raw deflate) into out, up to its cap; 1 if damaged. */
static int inflate_body(const char *b, size_t n, int raw, idt_buf *out)
{
	z_stream z = {0};
	if (inflateInit2(&z, raw ? -15 : 15 + 32) != Z_OK) return 1;
	z.next_in = (unsigned char *)b;
	z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	int ret = Z_OK, damaged = 0;
	while (ret == Z_OK) {
		if (idt__buf_reserve(out, 1 << 16)) {
			damaged = 1; /* past the cap: the rest is cut */
			break;
		}
		z.next_out = (unsigned char *)out->data + out->len;
		z.avail_out =
		    (uInt)(out->cap - out->len > UINT32_MAX ? UINT32_MAX : out->cap - out->len);
		uInt before = z.avail_out;
		ret = inflate(&z, Z_NO_FLUSH);
		out->len += before - z.avail_out;
		if (ret == Z_BUF_ERROR && z.avail_in == 0) break; /* input ended early */
	}
	if (ret != Z_STREAM_END) damaged = 1;
	inflateEnd(&z);
	return damaged;
}

enum { PAY_SKIP, PAY_HTML, PAY_TEXT };

/* What to do with a payload of media type ct (NULL or "": sniffed from the bytes). */
static int media_kind(const char *ct, const char *b, size_t n)
{
	char t[128];
	size_t k = 0;
	if (ct)
		while (ct[k] && ct[k] != ';' && ct[k] != ' ' && k + 1 < sizeof t) t[k] = ct[k], k++;
	t[k] = 0;
	if (k) {
		if (!strcasecmp(t, "text/html") || !strcasecmp(t, "application/xhtml+xml"))
			return PAY_HTML;
		if (!strcasecmp(t, "text/plain") || !strcasecmp(t, "application/json") ||
		    !strcasecmp(t, "application/ld+json") || !strcasecmp(t, "text/xml") ||
		    !strcasecmp(t, "application/xml") || !strcasecmp(t, "text/csv") ||
		    !strcasecmp(t, "application/rss+xml") || !strcasecmp(t, "application/atom+xml"))
			return PAY_TEXT;
		if (strcasecmp(t, "application/octet-stream") && strcasecmp(t, "unk") &&
		    strcasecmp(t, "no-type") && strcasecmp(t, "unknown"))
			return PAY_SKIP;
	}
	/* no (useful) type: sniff */
	size_t i = 0;
	while (i < n && i < 512 && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	if (i < n && b[i] == '<') return PAY_HTML;
	size_t look = n < 512 ? n : 512, ctl = 0;
	for (size_t j = 0; j < look; j++)
		ctl += (unsigned char)b[j] < 0x20 && b[j] != '\n' && b[j] != '\r' && b[j] != '\t';
	return n && ctl == 0 ? PAY_TEXT : PAY_SKIP;
}

/*
 * Prepares the record of the current header with block b[0..n) into r->fields.  Returns 1 if
 * there is a record to return, 0 if the record is not text (skipped), or an error status
 * through *st.
 */
static int prepare(idt_reader *r, warc_state *ws, const char *b, size_t n, int *damaged,
                   idt_status *st)
{
	*st = IDT_OK;
	http_msg m;
	const char *ct = ws->ctype;
	int is_http = !ws->arc ? strcasestr(ws->ctype, "application/http") != NULL
	                       : (n >= 5 && memcmp(b, "HTTP/", 5) == 0);
	const char *body = b;
	size_t blen = n;
	if (is_http && http_parse(b, n, &m)) {
		body = m.body;
		blen = m.body_len;
		ct = m.ctype;
		ws->body.len = 0;
		if (m.chunked) {
			*damaged |= dechunk(body, blen, &ws->body);
			body = ws->body.data ? ws->body.data : "";
			blen = ws->body.len;
		}
		if (m.cenc[0] && strcasecmp(m.cenc, "identity")) {
			int raw = 0;
			if (!strcasecmp(m.cenc, "gzip") || !strcasecmp(m.cenc, "x-gzip") ||
			    !strcasecmp(m.cenc, "deflate")) {
				ws->body2.len = 0;
				int bad = inflate_body(body, blen, raw, &ws->body2);
				if (bad && !strcasecmp(m.cenc, "deflate")) {
					ws->body2.len = 0; /* some servers send raw deflate */
					bad = inflate_body(body, blen, 1, &ws->body2);
				}
				*damaged |= bad;
				body = ws->body2.data ? ws->body2.data : "";
				blen = ws->body2.len;
			} else {
				return 0; /* br, compress: not readable here */
			}
		}
	}
	int kind = media_kind(ct, body, blen);
	if (kind == PAY_SKIP) return 0;
	char charset[64] = "";
	idt__charset_from_content_type(ct, strlen(ct), charset, sizeof charset);
	if (kind == PAY_HTML) {
		*st = idt__html_extract(&ws->html, body, blen, charset[0] ? charset : NULL,
		                        ws->uri[0] ? ws->uri : NULL, r->max_record);
		if (*st) return 0;
		ws->nfields = idt__html_fields(&ws->html, r->fields);
	} else {
		size_t bad = 0;
		int unknown = 0;
		ws->text.len = 0;
		*st = idt__to_utf8(charset, body, blen, &ws->text, &bad, &unknown);
		if (*st) return 0;
		r->fields[0] =
		    (idt_field){"text", 4, ws->text.data ? ws->text.data : "", ws->text.len};
		ws->nfields = 1;
	}
	ws->idj.len = 0;
	if (ws->id[0])
		*st = idt__buf_json_str(&ws->idj, ws->id, strlen(ws->id));
	else
		*st = idt__buf_json_str(&ws->idj, ws->uri, strlen(ws->uri));
	return *st ? 0 : 1;
}

static void fill_record(idt_reader *r, warc_state *ws, idt_record *rec)
{
	idt__rec_init(r, rec);
	rec->id_json = ws->idj.data;
	rec->id_len = ws->idj.len;
	rec->fields = r->fields;
	rec->nfields = ws->nfields;
	rec->prov.offset = ws->rec_off;
	rec->prov.url = ws->uri[0] ? ws->uri : NULL;
	rec->prov.date = ws->date[0] ? ws->date : NULL;
	rec->prov.chat = ws->filename[0] ? ws->filename : NULL;
}

/* ======================================================================================
 * Record headers
 * ====================================================================================== */

/* Reads the named fields after a "WARC/1.x" line up to the blank line.  IDT_OK, or IDT_EPARSE
 * (message in *msg) for a header that never ends or a missing Content-Length. */
static idt_status read_warc_header(warc_state *ws, const char **msg)
{
	ws->type[0] = ws->id[0] = ws->uri[0] = ws->date[0] = ws->ctype[0] = 0;
	ws->has_length = 0;
	ws->arc = 0;
	for (int nlines = 0;; nlines++) {
		const char *line;
		size_t len;
		uint64_t off;
		idt_status st = idt__in_line(ws->src, MAX_HEADER_LINE, &line, &len, &off);
		if (st == IDT_END || nlines > 1000) {
			*msg = "record header cut short";
			return IDT_EPARSE;
		}
		if (st == IDT_ELIMIT) {
			*msg = "record header line too long";
			return IDT_EPARSE;
		}
		if (st) return st;
		if (len && line[len - 1] == '\r') len--;
		if (len == 0) break;
		if (len >= 7 && memcmp(line, "WARC/1.", 7) == 0) {
			*msg = "record header without its end";
			return IDT_EPARSE;
		}
		const char *colon = memchr(line, ':', len);
		if (!colon) continue;
		size_t k = (size_t)(colon - line);
		const char *v = colon + 1;
		size_t vn = len - k - 1;
		if (k == 9 && !strncasecmp(line, "WARC-Type", 9))
			copy_value(v, vn, ws->type, sizeof ws->type);
		else if (k == 14 && !strncasecmp(line, "WARC-Record-ID", 14))
			copy_value(v, vn, ws->id, sizeof ws->id);
		else if (k == 15 && !strncasecmp(line, "WARC-Target-URI", 15)) {
			copy_value(v, vn, ws->uri, sizeof ws->uri);
			/* WARC 1.0 examples write it in angle brackets */
			size_t ul = strlen(ws->uri);
			if (ul >= 2 && ws->uri[0] == '<' && ws->uri[ul - 1] == '>') {
				memmove(ws->uri, ws->uri + 1, ul - 2);
				ws->uri[ul - 2] = 0;
			}
		} else if (k == 9 && !strncasecmp(line, "WARC-Date", 9))
			copy_value(v, vn, ws->date, sizeof ws->date);
		else if (k == 12 && !strncasecmp(line, "Content-Type", 12))
			copy_value(v, vn, ws->ctype, sizeof ws->ctype);
		else if (k == 13 && !strncasecmp(line, "WARC-Filename", 13))
			copy_value(v, vn, ws->filename, sizeof ws->filename);
		else if (k == 14 && !strncasecmp(line, "Content-Length", 14)) {
			char num[32];
			copy_value(v, vn, num, sizeof num);
			ws->has_length = parse_u64(num, &ws->length);
		}
	}
	if (!ws->has_length) {
		*msg = "record without a valid Content-Length";
		return IDT_EPARSE;
	}
	return IDT_OK;
}

/* Parses an ARC header line: URL IP DATE TYPE [...] LENGTH. */
static int read_arc_header(warc_state *ws, const char *line, size_t len)
{
	char buf[MAX_HEADER_LINE + 1];
	if (len && line[len - 1] == '\r') len--;
	if (len > MAX_HEADER_LINE) return 0;
	memcpy(buf, line, len);
	buf[len] = 0;
	char *f[16];
	size_t nf = 0;
	for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && nf < 16;
	     t = strtok_r(NULL, " ", &save))
		f[nf++] = t;
	if (nf < 5 || !parse_u64(f[nf - 1], &ws->length)) return 0;
	ws->type[0] = ws->id[0] = 0;
	ws->arc = 1;
	ws->has_length = 1;
	copy_value(f[0], strlen(f[0]), ws->uri, sizeof ws->uri);
	copy_value(f[3], strlen(f[3]), ws->ctype, sizeof ws->ctype);
	/* 14-digit date YYYYMMDDhhmmss -> ISO 8601 */
	const char *d = f[2];
	if (strlen(d) == 14 && strspn(d, "0123456789") == 14)
		snprintf(ws->date, sizeof ws->date, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", d, d + 4,
		         d + 6, d + 8, d + 10, d + 12);
	else
		copy_value(d, strlen(d), ws->date, sizeof ws->date);
	if (!strncmp(f[0], "filedesc://", 11)) {
		snprintf(ws->type, sizeof ws->type, "filedesc");
		copy_value(f[0] + 11, strlen(f[0] + 11), ws->filename, sizeof ws->filename);
	} else {
		snprintf(ws->type, sizeof ws->type, "response");
	}
	return 1;
}

/* ======================================================================================
 * The reader
 * ====================================================================================== */

static void warc_free(idt_reader *r)
{
	warc_state *ws = r->state;
	if (!ws) return;
	if (ws->gzip) {
		idt__in_free(&ws->dec);
		idt__gz_free(&ws->gz);
	}
	idt__buf_free(&ws->body);
	idt__buf_free(&ws->body2);
	idt__buf_free(&ws->text);
	idt__buf_free(&ws->idj);
	idt__html_free(&ws->html);
	free(ws);
	r->state = NULL;
}

static idt_status warc_init(idt_reader *r, idt_error *err)
{
	idt__html_global_init();
	warc_state *ws = calloc(1, sizeof *ws);
	if (!ws) return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
	r->state = ws;
	ws->src = &r->in;
	ws->body.cap_limit = ws->body2.cap_limit = r->max_record;
	ws->text.cap_limit = r->max_record * 3 + 64;
	idt__in_fill(&r->in, 2);
	if (idt__in_avail(&r->in) >= 2 && (unsigned char)r->in.buf[r->in.pos] == 0x1F &&
	    (unsigned char)r->in.buf[r->in.pos + 1] == 0x8B) {
		ws->gzip = 1;
		if (idt__gz_init(&ws->gz, &r->in))
			return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
		if (idt__in_init_pull(&ws->dec, idt__gz_pull, &ws->gz, r->max_record))
			return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
		ws->src = &ws->dec;
	}
	return IDT_OK;
}

/* A damage of the gzip layer inside [from, to) of the record stream, or NULL; clears it. */
static const char *gz_damage_in(warc_state *ws, uint64_t from, uint64_t to)
{
	if (!ws->gzip || ws->gz.dmg == UINT64_MAX) return NULL;
	if (ws->gz.dmg < from) { /* between records: already past it */
		ws->gz.dmg = UINT64_MAX;
		return NULL;
	}
	if (ws->gz.dmg >= to) return NULL;
	return ws->gz.dmg_msg;
}

/*
 * The block of the current header is at the record stream position (n bytes of it in the
 * buffer, `want` announced).  Handles a record whose length lies or whose data is damaged:
 * prepares what can be read, resynchronises, reports.  Returns the status to give.
 */
static idt_status damaged_record(idt_reader *r, warc_state *ws, size_t n, uint64_t cut,
                                 const char *msg, idt_error *err)
{
	idt__in *in = ws->src;
	const char *b = in->buf + in->pos;
	/* the block ends at the next record header after its start, or at the cut */
	size_t end = n;
	if (cut != UINT64_MAX && cut - idt__in_offset(in) < end)
		end = (size_t)(cut - idt__in_offset(in));
	for (size_t i = 0; i + 8 <= end; i++) {
		const char *w = memmem(b + i, end - i, "WARC/1.", 7);
		if (!w) break;
		if (w == b || w[-1] == '\n') {
			end = (size_t)(w - b);
			break;
		}
		i = (size_t)(w - b);
	}
	size_t keep = end;
	while (keep && (b[keep - 1] == '\n' || b[keep - 1] == '\r')) keep--;
	idt_status st;
	int damaged = 0;
	ws->pending = prepare(r, ws, b, keep, &damaged, &st) && !st;
	src_skip(in, end);
	if (ws->gzip) ws->gz.dmg = UINT64_MAX;
	resync(in, 0);
	return idt__rerr(r, err, IDT_EPARSE, msg, 0, ws->rec_off);
}

static idt_status warc_next(idt_reader *r, idt_record *rec, idt_error *err)
{
	warc_state *ws = r->state;
	idt__in *in = ws->src;
	if (ws->pending) {
		ws->pending = 0;
		fill_record(r, ws, rec);
		return IDT_OK;
	}
	for (;;) {
		/* the version line (blank lines between records are skipped) */
		const char *line;
		size_t len;
		uint64_t off;
		idt_status st = idt__in_line(in, MAX_HEADER_LINE, &line, &len, &off);
		if (st == IDT_END) return IDT_END;
		if (st == IDT_EIO || st == IDT_ENOMEM)
			return idt__rerr(r, err, st, "read failed", 0, idt__in_offset(in));
		ws->rec_off = off;
		if (st == IDT_ELIMIT) {
			resync(in, 0);
			return idt__rerr(r, err, IDT_EPARSE, "not a record header", 0, off);
		}
		if (len && line[len - 1] == '\r') len--;
		if (len == 0) continue;
		const char *msg = NULL;
		if (len >= 7 && memcmp(line, "WARC/1.", 7) == 0) {
			st = read_warc_header(ws, &msg);
			if (st == IDT_EPARSE) {
				resync(in, 0);
				return idt__rerr(r, err, st, msg, 0, off);
			}
			if (st) return idt__rerr(r, err, st, "read failed", 0, off);
		} else if (!arc_header_line(line, len) || !read_arc_header(ws, line, len)) {
			resync(in, 0);
			return idt__rerr(r, err, IDT_EPARSE, "not a record header", 0, off);
		}

		/* the block */
		if (ws->length > r->max_record) {
			st = src_discard(in, ws->length);
			if (st == IDT_OK) resync(in, 0);
			return idt__rerr(r, err, IDT_ELIMIT, "record larger than the record limit",
			                 0, off);
		}
		size_t want = (size_t)ws->length;
		st = idt__in_fill(in, want + 4);
		if (st && st != IDT_ELIMIT) return idt__rerr(r, err, st, "read failed", 0, off);
		size_t n = idt__in_avail(in);
		const char *b = in->buf + in->pos;
		uint64_t start = idt__in_offset(in);
		const char *dmg = gz_damage_in(ws, off, start + want + 4);
		if (dmg) return damaged_record(r, ws, n, ws->gz.dmg, dmg, err);
		if (n < want)
			return damaged_record(r, ws, n, UINT64_MAX,
			                      "record cut short by the end of input", err);
		/* the record end: CRLF CRLF (WARC) or LF (ARC); tolerate LF LF, or the next
		 * header straight away */
		size_t t = want, tail = n - want;
		int ok;
		if (ws->arc)
			ok = tail == 0 || b[t] == '\n' ||
			     (tail >= 2 && b[t] == '\r' && b[t + 1] == '\n');
		else
			ok = tail == 0 || (tail >= 4 && !memcmp(b + t, "\r\n\r\n", 4)) ||
			     (tail >= 2 && !memcmp(b + t, "\n\n", 2)) ||
			     (tail >= 7 && !memcmp(b + t, "WARC/1.", 7)) ||
			     (tail < 4 && !memcmp(b + t, "\r\n\r\n", tail));
		if (!ok)
			return damaged_record(r, ws, n, UINT64_MAX,
			                      "Content-Length does not match the record", err);

		int take = !strcasecmp(ws->type, "response") || !strcasecmp(ws->type, "resource");
		if (!strncasecmp(ws->uri, "metadata:", 9)) take = 0; /* the crawler's own log */
		if (!strcasecmp(ws->type, "warcinfo")) {
			/* a warcinfo block may name the file too */
			const char *f = memmem(b, want, "filename:", 9);
			if (f && !ws->filename[0]) {
				const char *nl = memchr(f, '\n', want - (size_t)(f - b));
				copy_value(f + 9, (size_t)((nl ? nl : b + want) - f - 9),
				           ws->filename, sizeof ws->filename);
			}
		}
		int damaged = 0;
		int got = take && prepare(r, ws, b, want, &damaged, &st);
		src_skip(in, want);
		if (st) return idt__rerr(r, err, st, "cannot decode the record", 0, off);
		if (!got) continue;
		fill_record(r, ws, rec);
		return IDT_OK;
	}
}

const idt__fmt_ops idt__warc_ops = {warc_init, warc_next, warc_free};
