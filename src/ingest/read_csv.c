/*
 * read_csv.c - CSV (RFC 4180) and TSV: a header row of column names, then a record per row.
 *
 * The format, as read here:
 *
 *   element          rule
 *   ---------------- ---------------------------------------------------------------------------
 *   separator        ',' (CSV) or TAB (TSV)
 *   row end          LF or CRLF; a row may span lines inside a quoted field
 *   quoted field     starts with '"'; '""' inside is one '"'; may hold separators and newlines;
 *                    text after the closing quote is kept as written (lenient: "a"b -> ab)
 *   bare quote       a '"' not at the start of a field is an ordinary character
 *   BOM              a UTF-8 BOM before the header is ignored
 *   blank line       skipped silently
 *   header           the first row; names matched exactly
 *
 * Mapping to a record: opts->text_fields name the text columns (fields in that order, named as
 * in the header); with no text_fields given and no "text" column, every column except the id
 * becomes a text field.  opts->id_field (default "id") names the id column, whose value becomes
 * a JSON string; without one the id is the row number (1 = the first row after the header).
 * Provenance: the file, the first line of the row, its byte offset.
 *
 * Damage: a quoted field still open at the end of input (or past max_record bytes) is reported
 * as IDT_EPARSE at the opening quote; reading resumes at the first following line that parses on
 * its own into as many columns as the header (a plausible row).  A row longer than max_record
 * without an open quote is reported as IDT_ELIMIT and skipped.  A row holding none of the text
 * columns (too few columns) is IDT_EPARSE "missing text columns".  Memory: one row, at most
 * max_record bytes, plus the decoded fields.
 */
#include <stdlib.h>
#include "ingest_int.h"

typedef struct csv_span {
	size_t s, e; /* raw field bytes, offsets from the row start */
	int quoted;  /* starts with '"': unquote when copying */
	int set;     /* the row has this column */
} csv_span;

typedef struct csv_state {
	char sep;
	size_t ncols;    /* columns of the header */
	size_t *slot_of; /* per header column: 1 + slot, or 0 (not wanted) */
	size_t nslots;   /* text slots, then the id slot if id_col */
	char **names;    /* per text slot: the field name (owned) */
	size_t *name_lens;
	int has_id;      /* the id column exists: it is slot nslots - 1 */
	csv_span *spans; /* per slot, for the current row */
	uint64_t row;    /* data rows returned or skipped so far */
	idt_buf id;      /* the current row's id, JSON-encoded */
} csv_state;

enum { ROW_OK, ROW_MORE, ROW_UNTERMINATED };

/* ======================================================================================
 * Low level: one row
 * ====================================================================================== */

/*
 * Parses the row at b[0..n) (n bytes available; eof: no more after them).  On ROW_OK *end is
 * the byte after the row (after its newline) and *ncols its column count, and the wanted
 * columns' spans are set.  ROW_MORE: the row goes on past n (*qoff: where the quoted field
 * being read opened, SIZE_MAX if none).  ROW_UNTERMINATED: a quoted field opened at *qoff
 * never closes (at eof), or its "closing" quote, after a newline, is followed by text: the
 * quote that closed it really opened a field of a later row.
 */
static int parse_row(const char *b, size_t n, int eof, const csv_state *cs, size_t *end,
                     size_t *ncols, size_t *qoff)
{
	size_t i = 0, col = 0;
	*qoff = SIZE_MAX;
	for (size_t k = 0; k < cs->nslots; k++) cs->spans[k].set = 0;
	for (;;) {
		size_t fs = i;
		int quoted = 0;
		if (i < n && b[i] == '"') {
			quoted = 1;
			i++;
			for (;;) {
				const char *q = memchr(b + i, '"', n - i);
				if (!q) {
					*qoff = fs;
					return eof ? ROW_UNTERMINATED : ROW_MORE;
				}
				i = (size_t)(q - b) + 1;
				if (i == n && !eof) { /* "" split by the buffer end? */
					*qoff = fs;
					return ROW_MORE;
				}
				if (i < n && b[i] == '"') {
					i++;
					continue;
				}
				break;
			}
			/* text after a closing quote that ended a multi-line field: the quote was
			 * most likely never closed and this one opens a later field */
			if (i < n && b[i] != cs->sep && b[i] != '\n' && b[i] != '\r' &&
			    memchr(b + fs, '\n', i - fs)) {
				*qoff = fs;
				return ROW_UNTERMINATED;
			}
		}
		while (i < n && b[i] != cs->sep && b[i] != '\n') i++;
		if (i >= n && !eof) return ROW_MORE;
		size_t fe = i;
		if (fe > fs && b[fe - 1] == '\r' && (i >= n || b[i] == '\n')) fe--;
		if (col < cs->ncols && cs->slot_of[col]) {
			csv_span *sp = &cs->spans[cs->slot_of[col] - 1];
			*sp = (csv_span){fs, fe, quoted, 1};
		}
		col++;
		if (i < n && b[i] == cs->sep) {
			i++;
			continue;
		}
		*end = i < n ? i + 1 : n;
		*ncols = col;
		return ROW_OK;
	}
}

/* Copies field raw[0..n) into out, unquoted ("" -> "); returns the length. */
static size_t unquote(const char *raw, size_t n, int quoted, char *out)
{
	if (!quoted) {
		memcpy(out, raw, n);
		return n;
	}
	size_t o = 0, i = 1;
	while (i < n) {
		if (raw[i] == '"') {
			if (i + 1 < n && raw[i + 1] == '"') {
				out[o++] = '"';
				i += 2;
				continue;
			}
			i++; /* the closing quote; what follows is kept as written */
			memcpy(out + o, raw + i, n - i);
			return o + n - i;
		}
		out[o++] = raw[i++];
	}
	return o;
}

static uint64_t count_nl(const char *b, size_t n)
{
	uint64_t k = 0;
	const char *e = b + n;
	while ((b = memchr(b, '\n', (size_t)(e - b)))) b++, k++;
	return k;
}

/* 1 if the row is blank (no bytes but a line end). */
static int blank_row(const char *b, size_t n)
{
	return n == 0 || (n == 1 && b[0] == '\n') || (n == 2 && b[0] == '\r' && b[1] == '\n') ||
	       (n == 1 && b[0] == '\r');
}

/* ======================================================================================
 * Rows from the input, with resynchronisation
 * ====================================================================================== */

/* Consumes n bytes at the input position, counting newlines. */
static void consume(idt_reader *r, size_t n)
{
	r->line += count_nl(r->in.buf + r->in.pos, n);
	r->in.pos += n;
	if (r->in.scan < r->in.pos) r->in.scan = r->in.pos;
}

/* Makes the whole line at the input position available; *len includes its '\n' (if any).
 * IDT_ELIMIT if longer than the record limit. */
static idt_status whole_line(idt_reader *r, size_t *len)
{
	for (;;) {
		size_t n = idt__in_avail(&r->in);
		const char *b = r->in.buf + r->in.pos;
		const char *nl = memchr(b, '\n', n);
		if (nl) {
			*len = (size_t)(nl - b) + 1;
			return IDT_OK;
		}
		if (r->in.eof) {
			*len = n;
			return r->in.ioerr ? IDT_EIO : IDT_OK;
		}
		if (n > r->max_record) return IDT_ELIMIT;
		idt_status st = idt__in_fill(&r->in, n + IDT__IN_CHUNK);
		if (st && st != IDT_ELIMIT) return st;
		if (st == IDT_ELIMIT && idt__in_avail(&r->in) == n) return IDT_ELIMIT;
	}
}

/* Skips the rest of the current line, however long, without buffering it. */
static void skip_line(idt_reader *r)
{
	for (;;) {
		size_t n = idt__in_avail(&r->in);
		const char *b = r->in.buf + r->in.pos;
		const char *nl = memchr(b, '\n', n);
		if (nl) {
			r->in.pos += (size_t)(nl - b) + 1;
			r->line++;
			break;
		}
		r->in.pos += n;
		if (r->in.eof || idt__in_fill(&r->in, 1) || !idt__in_avail(&r->in)) {
			r->line++;
			break;
		}
	}
	if (r->in.scan < r->in.pos) r->in.scan = r->in.pos;
}

/* After a broken row: skips lines until one parses alone into ncols columns. */
static void resync(idt_reader *r, csv_state *cs)
{
	for (;;) {
		size_t len, end, ncols, qoff;
		idt_status st = whole_line(r, &len);
		if (st == IDT_ELIMIT) {
			skip_line(r);
			continue;
		}
		if (st || len == 0) return;
		const char *b = r->in.buf + r->in.pos;
		if (parse_row(b, len, 1, cs, &end, &ncols, &qoff) == ROW_OK && end == len &&
		    (ncols == cs->ncols || blank_row(b, len)))
			return;
		consume(r, len);
	}
}

/*
 * The next row at the input position: IDT_OK with *n bytes (spans set), IDT_END, or an error
 * (reported in err; the input is already past the damage).  *off and *line locate the row.
 */
static idt_status next_row(idt_reader *r, csv_state *cs, size_t *n, size_t *ncols, uint64_t *off,
                           uint64_t *line, idt_error *err)
{
	for (;;) {
		size_t avail = idt__in_avail(&r->in), end, qoff;
		if (avail == 0) {
			if (r->in.ioerr)
				return idt__rerr(r, err, IDT_EIO, "read failed", r->line, 0);
			if (r->in.eof) return IDT_END;
		}
		const char *b = r->in.buf + r->in.pos;
		*off = idt__in_offset(&r->in);
		*line = r->line + 1;
		int res = avail ? parse_row(b, avail, r->in.eof, cs, &end, ncols, &qoff) : ROW_MORE;
		if (res == ROW_OK && end > r->max_record) {
			consume(r, end);
			return idt__rerr(r, err, IDT_ELIMIT, "row longer than the record limit",
			                 *line, *off);
		}
		if (res == ROW_OK) {
			*n = end;
			return IDT_OK;
		}
		if (res == ROW_MORE && avail <= r->max_record) {
			idt_status st = idt__in_fill(&r->in, avail + IDT__IN_CHUNK);
			if (st == IDT_ELIMIT && idt__in_avail(&r->in) > avail) st = IDT_OK;
			if (st == IDT_OK) continue;
			if (st != IDT_ELIMIT)
				return idt__rerr(r, err, st, "read failed", *line, *off);
		}
		/* too long, or a quote never closed */
		if (res == ROW_MORE && qoff == SIZE_MAX) {
			skip_line(r);
			return idt__rerr(r, err, IDT_ELIMIT, "row longer than the record limit",
			                 *line, *off);
		}
		uint64_t qline = *line + count_nl(b, qoff);
		idt__rerr(r, err, IDT_EPARSE, "unterminated quoted field", qline, *off + qoff);
		/* resume after the line of the opening quote */
		consume(r, qoff);
		skip_line(r);
		resync(r, cs);
		cs->row++;
		return IDT_EPARSE;
	}
}

/* ======================================================================================
 * Header, records
 * ====================================================================================== */

static void csv_free(idt_reader *r)
{
	csv_state *cs = r->state;
	if (!cs) return;
	if (cs->names)
		for (size_t i = 0; i < cs->nslots; i++) free(cs->names[i]);
	free(cs->names);
	free(cs->name_lens);
	free(cs->slot_of);
	free(cs->spans);
	idt__buf_free(&cs->id);
	free(cs);
	r->state = NULL;
}

/* Column names of the header row b[0..n) into an array of owned strings. */
static idt_status header_names(csv_state *cs, const char *b, size_t n, char ***out, size_t *nout)
{
	size_t cap = 1;
	for (size_t i = 0; i < n; i++) cap += b[i] == cs->sep;
	char **names = calloc(cap, sizeof *names);
	if (!names) return IDT_ENOMEM;
	size_t i = 0, k = 0;
	while (k < cap) {
		size_t fs = i;
		int quoted = i < n && b[i] == '"';
		if (quoted) {
			i++;
			while (i < n) {
				if (b[i] == '"' && (i + 1 >= n || b[i + 1] != '"')) break;
				i += b[i] == '"' ? 2 : 1;
			}
		}
		while (i < n && b[i] != cs->sep && b[i] != '\n') i++;
		size_t fe = i;
		if (fe > fs && b[fe - 1] == '\r') fe--;
		names[k] = malloc(fe - fs + 1);
		if (!names[k]) return IDT_ENOMEM; /* caller frees what was made */
		size_t len = unquote(b + fs, fe - fs, quoted, names[k]);
		names[k][len] = 0;
		k++;
		if (i >= n || b[i] != cs->sep) break;
		i++;
	}
	*out = names;
	*nout = k;
	return IDT_OK;
}

static idt_status csv_init(idt_reader *r, idt_error *err)
{
	csv_state *cs = calloc(1, sizeof *cs);
	if (!cs) return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
	r->state = cs;
	cs->sep = r->fmt == IDT_FMT_TSV ? '\t' : ',';
	cs->id.cap_limit = r->max_record * 6 + 16;
	r->text.cap_limit = 0; /* sized per row below, never past the row */

	/* the header: the first non-blank row (BOM skipped), read with no column wanted */
	size_t n = 0, ncols;
	uint64_t off, line;
	idt_status st;
	idt_error e2;
	if (idt__in_fill(&r->in, 3) == IDT_OK && idt__in_avail(&r->in) >= 3 &&
	    memcmp(r->in.buf + r->in.pos, "\xEF\xBB\xBF", 3) == 0)
		r->in.pos += 3;
	do {
		if (n) consume(r, n);
		st = next_row(r, cs, &n, &ncols, &off, &line, &e2);
	} while (st == IDT_OK && blank_row(r->in.buf + r->in.pos, n));
	cs->row = 0;
	if (st == IDT_END) return IDT_OK; /* empty input: no rows */
	if (st) {
		if (err) *err = e2;
		return st == IDT_ELIMIT || st == IDT_EPARSE ? IDT_EPARSE : st;
	}
	char **hn = NULL;
	size_t nh = 0;
	st = header_names(cs, r->in.buf + r->in.pos, n, &hn, &nh);
	consume(r, n);
	if (st == IDT_OK) {
		cs->ncols = nh;
		cs->slot_of = calloc(nh ? nh : 1, sizeof *cs->slot_of);
		cs->names = calloc(nh + r->ntext + 1, sizeof *cs->names);
		cs->name_lens = calloc(nh + r->ntext + 1, sizeof *cs->name_lens);
		cs->spans = calloc(nh + r->ntext + 1, sizeof *cs->spans);
		if (!cs->slot_of || !cs->names || !cs->name_lens || !cs->spans) st = IDT_ENOMEM;
	}
	size_t idcol = SIZE_MAX;
	for (size_t c = 0; st == IDT_OK && c < nh; c++)
		if (strcmp(hn[c], r->id_name) == 0 && idcol == SIZE_MAX) idcol = c;
	/* text slots: the named columns, in the order asked; or every column but the id */
	int all = 0;
	if (st == IDT_OK && r->text_default) {
		all = 1;
		for (size_t c = 0; c < nh; c++)
			if (strcmp(hn[c], "text") == 0) all = 0;
	}
	for (size_t t = 0; st == IDT_OK && t < (all ? nh : r->ntext); t++) {
		size_t c = t;
		if (!all)
			for (c = 0; c < nh && strcmp(hn[c], r->text_names[t]) != 0; c++) {
			}
		if (c >= nh || c == idcol || cs->slot_of[c]) continue;
		cs->name_lens[cs->nslots] = strlen(hn[c]);
		cs->names[cs->nslots] = idt__strndup(hn[c], cs->name_lens[cs->nslots]);
		if (!cs->names[cs->nslots])
			st = IDT_ENOMEM;
		else
			cs->slot_of[c] = ++cs->nslots;
	}
	size_t ntextslots = cs->nslots;
	if (st == IDT_OK && idcol != SIZE_MAX) {
		cs->has_id = 1;
		cs->slot_of[idcol] = ++cs->nslots;
	}
	for (size_t c = 0; c < nh; c++) free(hn ? hn[c] : NULL);
	free(hn);
	if (st) return idt__rerr(r, err, st, "out of memory", 0, 0);
	if (ntextslots == 0)
		return idt__rerr(r, err, IDT_EINVAL, "none of the text columns is in the header", 1,
		                 0);
	if (ntextslots > r->fields_cap) {
		idt_field *f = realloc(r->fields, ntextslots * sizeof *f);
		if (!f) return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
		r->fields = f;
		r->fields_cap = ntextslots;
	}
	return IDT_OK;
}

static idt_status csv_next(idt_reader *r, idt_record *rec, idt_error *err)
{
	csv_state *cs = r->state;
	if (!cs->ncols) return IDT_END;
	size_t n, ncols;
	uint64_t off, line;
	idt_status st;
	const char *b;
	for (;;) {
		st = next_row(r, cs, &n, &ncols, &off, &line, err);
		if (st) {
			if (st == IDT_ELIMIT) cs->row++;
			return st;
		}
		b = r->in.buf + r->in.pos;
		if (!blank_row(b, n)) break;
		consume(r, n);
	}
	cs->row++;
	size_t ntext = cs->nslots - (size_t)cs->has_id;
	r->text.len = 0;
	st = idt__buf_reserve(&r->text, n);
	if (st) {
		consume(r, n);
		return idt__rerr(r, err, st, "out of memory", line, off);
	}
	idt__rec_init(r, rec);
	size_t nf = 0;
	for (size_t k = 0; k < ntext; k++) {
		const csv_span *sp = &cs->spans[k];
		if (!sp->set) continue;
		char *t = r->text.data + r->text.len;
		size_t tn = unquote(b + sp->s, sp->e - sp->s, sp->quoted, t);
		r->text.len += tn;
		r->fields[nf++] = (idt_field){cs->names[k], cs->name_lens[k], t, tn};
	}
	cs->id.len = 0;
	const csv_span *ids = cs->has_id ? &cs->spans[cs->nslots - 1] : NULL;
	if (ids && ids->set) {
		char *t = r->text.data + r->text.len;
		size_t tn = unquote(b + ids->s, ids->e - ids->s, ids->quoted, t);
		st = idt__buf_json_str(&cs->id, t, tn);
	} else {
		st = idt__buf_printf(&cs->id, "%llu", (unsigned long long)cs->row);
	}
	consume(r, n);
	if (st) return idt__rerr(r, err, st, "id too long", line, off);
	if (nf == 0) return idt__rerr(r, err, IDT_EPARSE, "missing text columns", line, off);
	rec->id_json = cs->id.data;
	rec->id_len = cs->id.len;
	rec->fields = r->fields;
	rec->nfields = nf;
	rec->prov.line = line;
	rec->prov.offset = off;
	return IDT_OK;
}

const idt__fmt_ops idt__csv_ops = {csv_init, csv_next, csv_free};
