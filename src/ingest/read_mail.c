/*
 * read_mail.c - e-mail: mbox files (a record per message) and single .eml messages.
 *
 * An mbox is messages one after another, each opening with a "From " line after a blank line
 * (or at the start); inside bodies, lines starting "From " were escaped as ">From " (one '>' is
 * removed again here, as mboxrd readers do).  A file that does not start with "From " is one
 * message (.eml).  Line ends may be LF or CRLF.
 *
 * A message (RFC 5322) is header fields, a blank line, a body; MIME (RFC 2045-2047) structures
 * the body:
 *
 *   header / part                          what is read
 *   -------------------------------------- ------------------------------------------------
 *   From (encoded words decoded)           prov.sender
 *   Message-ID                             prov.msg_id; the record id (a JSON string)
 *   Date (RFC 5322)                        prov.date as ISO 8601 with its offset
 *   Subject (encoded words decoded)        field "subject"
 *   multipart/(any)                        every part, to a depth of 16; in
 *                                          multipart/alternative the text/plain part only, or
 *                                          the HTML one when there is no plain one
 *   text/plain (and other text types)      field "text", after Content-Transfer-Encoding
 *                                          (base64, quoted-printable, 7bit, 8bit) and charset
 *                                          (iconv) are undone
 *   text/html                              through the HTML reader: its visible text and alt
 *                                          text go to "text", its link targets to "links"
 *   message/rfc822 (a forwarded message)   its Subject and text, into "text"
 *   attachments (other types)              their file names, into "attachments"
 *
 * No message id: the id is the message number (1-based).  Provenance: the file (prov.chat is
 * its name without directory, the mailbox), the message's first line and byte offset.
 *
 * Damage: bytes invalid in a part's charset, an unknown charset, broken base64, a multipart
 * body whose closing boundary is missing: the message is reported as IDT_EPARSE, then
 * returned with what could be read.  A message longer than max_record is reported as
 * IDT_ELIMIT and skipped up to the next "From " line, without being held in memory.
 */
#include <ctype.h>
#include <stdlib.h>
#include <strings.h>
#include "ingest_int.h"

#define MAX_DEPTH 16

typedef struct mail_state {
	idt_buf msg;       /* owned: the current message, LF line ends */
	idt_buf next_from; /* owned: a "From " line read ahead */
	int has_next;      /* next_from holds the next message's first line */
	uint64_t next_line, next_off;
	int mbox;       /* the input is an mbox (else one message) */
	int done;       /* the single message was read */
	uint64_t count; /* messages so far */
	/* the record */
	idt_buf subject, text, links, attach;
	idt_buf msgid, sender, id, scratch, conv;
	char date[64];
	char chat[256];
	idt__html html;
	const char *damage; /* the first damage found in the message, or NULL */
	int pending;        /* a damaged message was reported: it is returned next */
	uint64_t line, off; /* the message's first line and offset */
	size_t nfields;
} mail_state;

/* ======================================================================================
 * Low level: headers, encoded words, transfer encodings
 * ====================================================================================== */

/* The value of header `name` in the header block h[0..n) (LF line ends), unfolded, into out
 * (replacing it).  0 if absent. */
static int header_get(const char *h, size_t n, const char *name, idt_buf *out)
{
	size_t k = strlen(name);
	const char *p = h, *e = h + n;
	out->len = 0;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;
		if ((size_t)(le - p) > k && p[k] == ':' && !strncasecmp(p, name, k)) {
			const char *v = p + k + 1;
			for (;;) {
				while (v < le && (*v == ' ' || *v == '\t')) v++;
				size_t vn = (size_t)(le - v);
				if (vn && v[vn - 1] == '\r') vn--;
				if (out->len && vn) idt__buf_putc(out, ' ');
				idt__buf_append(out, v, vn);
				/* continuation lines start with white space */
				if (!nl || nl + 1 >= e || (nl[1] != ' ' && nl[1] != '\t')) break;
				v = nl + 1;
				nl = memchr(v, '\n', (size_t)(e - v));
				le = nl ? nl : e;
			}
			idt__buf_putc(out, 0);
			out->len--;
			return 1;
		}
		p = nl ? nl + 1 : e;
	}
	return 0;
}

/* A parameter (boundary, charset, name, filename) of a header value into out (cap bytes). */
static int header_param(const char *v, const char *param, char *out, size_t cap)
{
	size_t k = strlen(param);
	*out = 0;
	for (const char *p = strchr(v, ';'); p; p = strchr(p + 1, ';')) {
		const char *q = p + 1;
		while (*q == ' ' || *q == '\t') q++;
		if (strncasecmp(q, param, k) || (q[k] != '=' && q[k] != '*')) continue;
		q += k;
		if (*q == '*') { /* RFC 2231 name*=charset''value: the value part, as is */
			q = strchr(q, '=');
			if (!q) continue;
			const char *tick = strstr(q, "''");
			if (tick && (!strchr(q, ';') || tick < strchr(q, ';'))) q = tick + 1;
		}
		q++;
		size_t i = 0;
		if (*q == '"') {
			q++;
			while (*q && *q != '"' && i + 1 < cap) {
				if (*q == '\\' && q[1]) q++;
				out[i++] = *q++;
			}
		} else {
			while (*q && *q != ';' && *q != ' ' && *q != '\t' && i + 1 < cap)
				out[i++] = *q++;
		}
		out[i] = 0;
		return 1;
	}
	return 0;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+' || c == '-') return 62;
	if (c == '/' || c == '_') return 63;
	return -1;
}

/* Decodes base64 s[0..n) into out (appending); 1 if it held invalid characters. */
static int base64_decode(const char *s, size_t n, idt_buf *out)
{
	uint32_t acc = 0;
	int bits = 0, bad = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '=') break;
		if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
		int v = b64val(c);
		if (v < 0) {
			bad = 1;
			continue;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (idt__buf_putc(out, (char)(acc >> bits))) return 1;
		}
	}
	return bad;
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* Decodes quoted-printable s[0..n) into out; `q`: the RFC 2047 Q form ('_' is a space). */
static void qp_decode(const char *s, size_t n, int q, idt_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '_' && q) {
			idt__buf_putc(out, ' ');
		} else if (c == '=' && i + 1 < n && s[i + 1] == '\n') {
			i++; /* soft line break */
		} else if (c == '=' && i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else if (c == '=' && i + 2 < n && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
			idt__buf_putc(out, (char)(hexv(s[i + 1]) * 16 + hexv(s[i + 2])));
			i += 2;
		} else {
			idt__buf_putc(out, c);
		}
	}
}

/* Appends text in `charset` to out as UTF-8, noting damage in ms. */
static void append_text(mail_state *ms, const char *charset, const char *s, size_t n, idt_buf *out)
{
	size_t bad = 0;
	int unknown = 0;
	idt__to_utf8(charset, s, n, out, &bad, &unknown);
	if (!ms->damage && unknown) ms->damage = "unknown charset; read as UTF-8";
	if (!ms->damage && bad)
		ms->damage = "bytes invalid in the part's charset (replaced by U+FFFD)";
}

/* Decodes the RFC 2047 encoded words of header value v into out (replacing it). */
static void decode_words(mail_state *ms, const char *v, idt_buf *out)
{
	out->len = 0;
	const char *p = v;
	int last_word = 0; /* white space between two encoded words is dropped */
	while (*p) {
		const char *w = strstr(p, "=?");
		const char *q1 = w ? strchr(w + 2, '?') : NULL;
		const char *q2 = q1 && q1[1] && q1[2] == '?' ? q1 + 2 : NULL;
		const char *end = q2 ? strstr(q2 + 1, "?=") : NULL;
		if (!end) {
			idt__buf_puts(out, p);
			break;
		}
		size_t gap = (size_t)(w - p);
		int blank = strspn(p, " \t") == gap;
		if (!(blank && last_word)) idt__buf_append(out, p, gap);
		char cs[64];
		size_t csn = (size_t)(q1 - w - 2);
		if (csn >= sizeof cs) csn = sizeof cs - 1;
		memcpy(cs, w + 2, csn);
		cs[csn] = 0;
		char *star = strchr(cs, '*'); /* RFC 2231 language */
		if (star) *star = 0;
		ms->scratch.len = 0;
		if ((q1[1] | 0x20) == 'b')
			base64_decode(q2 + 1, (size_t)(end - q2 - 1), &ms->scratch);
		else
			qp_decode(q2 + 1, (size_t)(end - q2 - 1), 1, &ms->scratch);
		append_text(ms, cs, ms->scratch.data ? ms->scratch.data : "", ms->scratch.len, out);
		last_word = 1;
		p = end + 2;
	}
	idt__buf_putc(out, 0);
	out->len--;
}

/* RFC 5322 date -> ISO 8601 ("2003-07-01T10:52:37+02:00") into out; 0 if not understood. */
static int date_iso(const char *v, char *out, size_t cap)
{
	static const char *const mon[] = {"jan", "feb", "mar", "apr", "may", "jun",
	                                  "jul", "aug", "sep", "oct", "nov", "dec"};
	const char *p = v;
	while (*p && !isdigit((unsigned char)*p)) p++; /* the day name */
	int d = 0, y = 0, hh = 0, mm = 0, ss = 0, m = -1, n = 0;
	char mname[4] = "";
	if (sscanf(p, "%d %3s %d %d:%d%n", &d, mname, &y, &hh, &mm, &n) != 5) return 0;
	p += n;
	if (*p == ':') {
		int k = 0;
		if (sscanf(p, ":%d%n", &ss, &k) == 1) p += k;
	}
	for (int i = 0; i < 12; i++)
		if (!strcasecmp(mname, mon[i])) m = i + 1;
	if (m < 0 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60) return 0;
	if (y < 50)
		y += 2000;
	else if (y < 1000)
		y += 1900;
	while (*p == ' ') p++;
	char zone[8] = "";
	if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
	    isdigit((unsigned char)p[4]))
		snprintf(zone, sizeof zone, "%c%.2s:%.2s", *p, p + 1, p + 3);
	else if (!strncasecmp(p, "GMT", 3) || !strncasecmp(p, "UT", 2) || *p == 'Z')
		snprintf(zone, sizeof zone, "Z");
	snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d%s", y % 10000, m, d, hh, mm, ss, zone);
	return 1;
}

/* ======================================================================================
 * MIME
 * ====================================================================================== */

static void end_line(idt_buf *b)
{
	if (b->len && b->data[b->len - 1] != '\n') idt__buf_putc(b, '\n');
}

/* Splits entity s[0..n) into its header block and body. */
static void split_entity(const char *s, size_t n, size_t *hlen, const char **body, size_t *blen)
{
	const char *e = s + n;
	if (n && s[0] == '\n') { /* no headers */
		*hlen = 0;
		*body = s + 1;
		*blen = n - 1;
		return;
	}
	const char *p = s;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl) {
			*hlen = n;
			*body = e;
			*blen = 0;
			return;
		}
		if (nl + 1 < e && nl[1] == '\n') {
			*hlen = (size_t)(nl - s);
			*body = nl + 2;
			*blen = (size_t)(e - nl - 2);
			return;
		}
		p = nl + 1;
	}
}

static void parse_entity(mail_state *ms, const char *s, size_t n, int depth, size_t max_record);

/* The media type of a Content-Type value, lower-cased, into t (cap bytes). */
static void media_type(const char *v, char *t, size_t cap, const char *def)
{
	size_t i = 0;
	while (*v == ' ') v++;
	while (v[i] && v[i] != ';' && v[i] != ' ' && i + 1 < cap)
		t[i] = (char)tolower((unsigned char)v[i]), i++;
	t[i] = 0;
	if (!i || !strchr(t, '/')) snprintf(t, cap, "%s", def);
}

/* The parts of a multipart body between its boundaries into parts / lens (at most max).
 * Returns 1 if the closing boundary is missing. */
static int each_part(const char *b, size_t n, const char *boundary, const char **parts,
                     size_t *lens, size_t *count, size_t max)
{
	size_t bl = strlen(boundary);
	const char *p = b, *e = b + n, *start = NULL;
	*count = 0;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;
		size_t len = (size_t)(le - p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
			len--;
		if (len >= bl + 2 && p[0] == '-' && p[1] == '-' && !memcmp(p + 2, boundary, bl)) {
			int closing = len >= bl + 4 && p[bl + 2] == '-' && p[bl + 3] == '-';
			if (start && *count == max) return 1; /* too many parts */
			if (start) {
				const char *pe =
				    p > start ? p - 1 : p; /* the newline before belongs
				                              to the boundary */
				parts[*count] = start;
				lens[(*count)++] = (size_t)(pe - start);
			}
			if (closing && len == bl + 4) return 0;
			start = nl ? nl + 1 : e;
		}
		p = nl ? nl + 1 : e;
	}
	if (start && *count < max) {
		parts[*count] = start;
		lens[(*count)++] = (size_t)(e - start);
	}
	return 1;
}

static void text_part(mail_state *ms, const char *h, size_t hn, const char *type, const char *ct,
                      const char *body, size_t blen, size_t max_record)
{
	idt_buf cte = {0};
	char charset[64] = "";
	header_param(ct, "charset", charset, sizeof charset);
	header_get(h, hn, "Content-Transfer-Encoding", &cte);
	ms->conv.len = 0;
	const char *data = body;
	size_t dn = blen;
	if (cte.data && !strncasecmp(cte.data, "base64", 6)) {
		if (base64_decode(body, blen, &ms->conv) && !ms->damage)
			ms->damage = "broken base64";
		data = ms->conv.data ? ms->conv.data : "";
		dn = ms->conv.len;
	} else if (cte.data && !strncasecmp(cte.data, "quoted-printable", 16)) {
		qp_decode(body, blen, 0, &ms->conv);
		data = ms->conv.data ? ms->conv.data : "";
		dn = ms->conv.len;
	}
	idt__buf_free(&cte);
	if (!strcmp(type, "text/html")) {
		if (idt__html_extract(&ms->html, data, dn, charset[0] ? charset : NULL, NULL,
		                      max_record) == IDT_OK) {
			if (ms->html.bad_bytes && !ms->damage)
				ms->damage =
				    "bytes invalid in the part's charset (replaced by U+FFFD)";
			end_line(&ms->text);
			idt__buf_append(&ms->text, ms->html.text.data, ms->html.text.len);
			if (ms->html.alt.len) {
				end_line(&ms->text);
				idt__buf_append(&ms->text, ms->html.alt.data, ms->html.alt.len);
			}
			if (ms->html.links.len) {
				end_line(&ms->links);
				idt__buf_append(&ms->links, ms->html.links.data,
				                ms->html.links.len);
			}
		}
		return;
	}
	end_line(&ms->text);
	append_text(ms, charset, data, dn, &ms->text);
}

static void parse_entity(mail_state *ms, const char *s, size_t n, int depth, size_t max_record)
{
	size_t hn, blen;
	const char *body;
	split_entity(s, n, &hn, &body, &blen);
	idt_buf ct = {0}, disp = {0};
	header_get(s, hn, "Content-Type", &ct);
	header_get(s, hn, "Content-Disposition", &disp);
	const char *ctv = ct.data ? ct.data : "";
	char type[128];
	media_type(ctv, type, sizeof type, "text/plain");
	char fname[512] = "";
	if (!header_param(disp.data ? disp.data : "", "filename", fname, sizeof fname))
		header_param(ctv, "name", fname, sizeof fname);
	int attachment = disp.data && !strncasecmp(disp.data, "attachment", 10);
	if (!strncmp(type, "multipart/", 10) && depth < MAX_DEPTH) {
		char boundary[256];
		if (header_param(ctv, "boundary", boundary, sizeof boundary) && boundary[0]) {
			const char *parts[256];
			size_t lens[256], count;
			if (each_part(body, blen, boundary, parts, lens, &count, 256) &&
			    !ms->damage)
				ms->damage = count == 256
				                 ? "more than 256 MIME parts (the rest skipped)"
				                 : "multipart body without its closing boundary";
			int alt = !strcmp(type, "multipart/alternative"), has_plain = 0;
			if (alt)
				for (size_t i = 0; i < count; i++) {
					size_t phn, pbl;
					const char *pb;
					idt_buf pct = {0};
					split_entity(parts[i], lens[i], &phn, &pb, &pbl);
					header_get(parts[i], phn, "Content-Type", &pct);
					char pt[128];
					media_type(pct.data ? pct.data : "", pt, sizeof pt,
					           "text/plain");
					has_plain |= !strcmp(pt, "text/plain");
					idt__buf_free(&pct);
				}
			for (size_t i = 0; i < count; i++) {
				if (alt && has_plain) {
					size_t phn, pbl;
					const char *pb;
					idt_buf pct = {0};
					split_entity(parts[i], lens[i], &phn, &pb, &pbl);
					header_get(parts[i], phn, "Content-Type", &pct);
					char pt[128];
					media_type(pct.data ? pct.data : "", pt, sizeof pt,
					           "text/plain");
					idt__buf_free(&pct);
					if (strcmp(pt, "text/plain")) continue;
				}
				parse_entity(ms, parts[i], lens[i], depth + 1, max_record);
			}
			goto done;
		}
	}
	if (!strcmp(type, "message/rfc822") && depth < MAX_DEPTH) {
		size_t ihn, ibl;
		const char *ib;
		split_entity(body, blen, &ihn, &ib, &ibl);
		idt_buf subj = {0}, dec = {0};
		if (header_get(body, ihn, "Subject", &subj)) {
			decode_words(ms, subj.data, &dec);
			end_line(&ms->text);
			idt__buf_puts(&ms->text, "Subject: ");
			idt__buf_append(&ms->text, dec.data, dec.len);
		}
		idt__buf_free(&subj);
		idt__buf_free(&dec);
		parse_entity(ms, body, blen, depth + 1, max_record);
		goto done;
	}
	if (!attachment && !strncmp(type, "text/", 5)) {
		text_part(ms, s, hn, type, ctv, body, blen, max_record);
	} else if (fname[0]) {
		idt_buf dec = {0};
		decode_words(ms, fname, &dec);
		end_line(&ms->attach);
		idt__buf_append(&ms->attach, dec.data, dec.len);
		idt__buf_free(&dec);
	}
done:
	idt__buf_free(&ct);
	idt__buf_free(&disp);
}

/* ======================================================================================
 * Messages from the input
 * ====================================================================================== */

static int is_from_line(const char *s, size_t n)
{
	return n >= 5 && !memcmp(s, "From ", 5);
}

/* Builds the record of the message in ms->msg. */
static void build(idt_reader *r, mail_state *ms)
{
	idt_buf *bufs[] = {&ms->subject, &ms->text, &ms->links, &ms->attach};
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) bufs[i]->len = 0;
	ms->damage = NULL;
	ms->date[0] = 0;
	const char *s = ms->msg.data ? ms->msg.data : "";
	size_t n = ms->msg.len, hn, blen;
	const char *body;
	split_entity(s, n, &hn, &body, &blen);
	idt_buf v = {0};
	if (header_get(s, hn, "Subject", &v)) decode_words(ms, v.data, &ms->subject);
	ms->sender.len = 0;
	if (header_get(s, hn, "From", &v)) decode_words(ms, v.data, &ms->sender);
	ms->msgid.len = 0;
	if (header_get(s, hn, "Message-ID", &v)) {
		idt__buf_append(&ms->msgid, v.data, v.len);
		idt__buf_putc(&ms->msgid, 0);
		ms->msgid.len--;
	}
	if (header_get(s, hn, "Date", &v)) date_iso(v.data, ms->date, sizeof ms->date);
	idt__buf_free(&v);
	parse_entity(ms, s, n, 0, r->max_record);
	ms->id.len = 0;
	if (ms->msgid.len)
		idt__buf_json_str(&ms->id, ms->msgid.data, ms->msgid.len);
	else
		idt__buf_printf(&ms->id, "%llu", (unsigned long long)ms->count);
	static const char *const names[] = {"subject", "text", "links", "attachments"};
	size_t nf = 0;
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) {
		size_t len = bufs[i]->len;
		while (len && (bufs[i]->data[len - 1] == '\n' || bufs[i]->data[len - 1] == '\r'))
			len--;
		if (!len && i != 1) continue;
		r->fields[nf++] =
		    (idt_field){names[i], strlen(names[i]), len ? bufs[i]->data : "", len};
	}
	ms->nfields = nf;
}

static void fill_record(idt_reader *r, mail_state *ms, idt_record *rec)
{
	idt__rec_init(r, rec);
	rec->id_json = ms->id.data;
	rec->id_len = ms->id.len;
	rec->fields = r->fields;
	rec->nfields = ms->nfields;
	rec->prov.line = ms->line;
	rec->prov.offset = ms->off;
	rec->prov.msg_id = ms->msgid.len ? ms->msgid.data : NULL;
	rec->prov.sender = ms->sender.len ? ms->sender.data : NULL;
	rec->prov.date = ms->date[0] ? ms->date : NULL;
	rec->prov.chat = ms->chat[0] ? ms->chat : NULL;
}

/* Appends a body line to the message, LF-terminated, with one '>' of ">From " removed. */
static int add_line(mail_state *ms, const char *s, size_t n)
{
	if (n && s[n - 1] == '\r') n--;
	if (ms->mbox && n >= 6 && s[0] == '>') {
		size_t k = 0;
		while (k < n && s[k] == '>') k++;
		if (n - k >= 5 && !memcmp(s + k, "From ", 5)) s++, n--;
	}
	if (idt__buf_reserve(&ms->msg, n + 1)) return -1;
	idt__buf_append(&ms->msg, s, n);
	idt__buf_putc(&ms->msg, '\n');
	return 0;
}

static idt_status mail_next(idt_reader *r, idt_record *rec, idt_error *err)
{
	mail_state *ms = r->state;
	if (ms->pending) {
		ms->pending = 0;
		fill_record(r, ms, rec);
		return IDT_OK;
	}
	if (ms->done) return IDT_END;
	ms->msg.len = 0;
	int too_long = 0, have = 0, prev_blank = 1;
	if (ms->has_next) { /* the "From " line read ahead starts this message */
		ms->has_next = 0;
		ms->line = ms->next_line;
		ms->off = ms->next_off;
		have = 1;
	}
	for (;;) {
		const char *line;
		size_t len;
		uint64_t off;
		idt_status st = idt__in_line(&r->in, r->max_record, &line, &len, &off);
		if (st == IDT_END) {
			if (!ms->mbox) ms->done = 1;
			if (!have) return IDT_END;
			break;
		}
		if (st == IDT_EIO || st == IDT_ENOMEM)
			return idt__rerr(r, err, st, "read failed", r->line,
			                 idt__in_offset(&r->in));
		r->line++;
		if (st == IDT_ELIMIT) {
			if (!have) {
				have = 1;
				ms->line = r->line;
				ms->off = off;
			}
			too_long = 1;
			prev_blank = 0;
			continue;
		}
		if (r->line == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
			line += 3, len -= 3;
		size_t clen = len && line[len - 1] == '\r' ? len - 1 : len;
		if (ms->mbox && prev_blank && is_from_line(line, clen)) {
			if (have) {
				ms->has_next = 1;
				ms->next_line = r->line;
				ms->next_off = off;
				break;
			}
			have = 1;
			ms->line = r->line;
			ms->off = off;
			prev_blank = 0;
			continue; /* the "From " line itself is not part of the message */
		}
		if (!have) {
			if (!clen) continue;
			have = 1;
			ms->line = r->line;
			ms->off = off;
		}
		prev_blank = clen == 0;
		if (!too_long && add_line(ms, line, len)) too_long = 1;
	}
	ms->count++;
	if (too_long)
		return idt__rerr(r, err, IDT_ELIMIT, "message longer than the record limit",
		                 ms->line, ms->off);
	/* a message's trailing blank line separates it from the next "From " */
	while (ms->msg.len >= 2 && ms->msg.data[ms->msg.len - 1] == '\n' &&
	       ms->msg.data[ms->msg.len - 2] == '\n')
		ms->msg.len--;
	build(r, ms);
	if (ms->damage) {
		ms->pending = 1;
		return idt__rerr(r, err, IDT_EPARSE, ms->damage, ms->line, ms->off);
	}
	fill_record(r, ms, rec);
	return IDT_OK;
}

static void mail_free(idt_reader *r)
{
	mail_state *ms = r->state;
	if (!ms) return;
	idt_buf *bufs[] = {&ms->msg,   &ms->next_from, &ms->subject, &ms->text,
	                   &ms->links, &ms->attach,    &ms->msgid,   &ms->sender,
	                   &ms->id,    &ms->scratch,   &ms->conv};
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) idt__buf_free(bufs[i]);
	idt__html_free(&ms->html);
	free(ms);
	r->state = NULL;
}

static idt_status mail_init(idt_reader *r, idt_error *err)
{
	idt__html_global_init();
	mail_state *ms = calloc(1, sizeof *ms);
	if (!ms) return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
	r->state = ms;
	ms->msg.cap_limit = r->max_record;
	size_t cap = r->max_record * 3 + 64;
	idt_buf *bufs[] = {&ms->subject, &ms->text,    &ms->links,
	                   &ms->attach,  &ms->scratch, &ms->conv};
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) bufs[i]->cap_limit = cap;
	idt__in_fill(&r->in, 5);
	size_t n = idt__in_avail(&r->in);
	const char *b = r->in.buf + r->in.pos;
	if (n >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3)) b += 3, n -= 3;
	ms->mbox = is_from_line(b, n);
	const char *base = strrchr(r->name, '/');
	base = base ? base + 1 : r->name;
	if (strcmp(base, "-")) snprintf(ms->chat, sizeof ms->chat, "%s", base);
	return IDT_OK;
}

const idt__fmt_ops idt__mail_ops = {mail_init, mail_next, mail_free};
