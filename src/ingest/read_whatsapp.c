/*
 * read_whatsapp.c - WhatsApp chat exports ("Export chat" -> without media: a .txt file), a
 * record per message.
 *
 * Each message starts on a line with its date and time, then the sender and the text; the lines
 * that follow, up to the next such line, continue the text.  The header's form depends on the
 * phone and its locale:
 *
 *   Android (US)       12/31/23, 9:41 PM - Name: text
 *   Android (EU, UK)   31/12/2023, 21:41 - Name: text
 *   Android (DE)       31.12.23, 21:41 - Name: text
 *   iOS                [31.12.23, 21:41:05] Name: text
 *   iOS (US)           [12/31/23, 9:41:05 PM] Name: text      (AM/PM may follow U+202F)
 *   ISO locales        2023-12-31, 21:41 - Name: text
 *   system lines       12/31/23, 9:41 PM - Messages and calls are end-to-end encrypted. ...
 *
 * iOS marks some lines with U+200E before the bracket; it is skipped.  A header without
 * "Name: " is a system line (group changes, encryption notices): a record without a sender.
 *
 * Dates: the order of day and month is learnt from the file as soon as a line makes it
 * certain (a first number above 12: day first; a second above 12: month first); before that,
 * dates with '/' and AM/PM are read month first, all others day first.  Two-digit years are
 * 20YY.  prov.date is ISO 8601 local time without a zone ("2023-12-31T21:41:05").
 *
 * Record: field "text" (the message, continuation lines joined with '\n'), id = the line number
 * of the message's first line, prov.sender, prov.date, prov.line / offset of the first line,
 * prov.chat = the file name without directory and ".txt" ("WhatsApp Chat with X").  Text
 * before the first header is one record, without sender or date.  A message longer than
 * max_record is cut there (reported as IDT_ELIMIT, then returned); a single over-long line is
 * skipped and reported.
 */
#include <stdlib.h>
#include "ingest_int.h"

typedef struct wa_msg {
	int have;       /* a message is being collected */
	uint64_t line;  /* its first line */
	uint64_t off;   /* its offset */
	idt_buf sender; /* owned, NUL-terminated (len 0: a system line) */
	char date[64];  /* ISO 8601, "" if unknown */
	idt_buf text;   /* owned */
	int cut;        /* the text reached the limit */
} wa_msg;

typedef struct wa_state {
	wa_msg cur;      /* the message being collected */
	idt_buf pending; /* owned: a header line read ahead (the next message) */
	uint64_t pend_line, pend_off;
	int has_pending;
	int order; /* 0 unknown, 1 day first, 2 month first */
	char chat[256];
	char idbuf[32];
} wa_state;

/* ======================================================================================
 * Header lines
 * ====================================================================================== */

typedef struct wa_head {
	char date[64];
	size_t rest; /* offset of what follows the header (sender or system text) */
} wa_head;

static size_t digits(const char *s, size_t n, size_t i, int max, int *val)
{
	int v = 0, k = 0;
	while (i + (size_t)k < n && k < max && s[i + k] >= '0' && s[i + k] <= '9')
		v = v * 10 + (s[i + k] - '0'), k++;
	*val = v;
	return (size_t)k;
}

/* Skips a space, NBSP (C2 A0) or narrow NBSP (E2 80 AF) at i; returns the new i. */
static size_t skip_space(const char *s, size_t n, size_t i)
{
	for (;;) {
		if (i < n && s[i] == ' ')
			i++;
		else if (i + 1 < n && !memcmp(s + i, "\xC2\xA0", 2))
			i += 2;
		else if (i + 2 < n && !memcmp(s + i, "\xE2\x80\xAF", 3))
			i += 3;
		else
			return i;
	}
}

/*
 * Parses a message header at the start of s[0..n).  Returns 1 and fills h, or 0 if the line
 * is not a header.  *order is the file's day/month order, learnt here.
 */
static int parse_head(const char *s, size_t n, int *order, wa_head *h)
{
	size_t i = 0;
	while (i + 2 < n &&
	       (!memcmp(s + i, "\xE2\x80\x8E", 3) || !memcmp(s + i, "\xE2\x80\x8F", 3)))
		i += 3;
	int bracket = i < n && s[i] == '[';
	if (bracket) i++;
	int a, b, c;
	size_t la = digits(s, n, i, 4, &a);
	if (!la || i + la >= n) return 0;
	i += la;
	char sep = s[i];
	if (sep != '/' && sep != '.' && sep != '-') return 0;
	size_t lb = digits(s, n, ++i, 2, &b);
	if (!lb || i + lb >= n || s[i + lb] != sep) return 0;
	i += lb + 1;
	size_t lc = digits(s, n, i, 4, &c);
	if (!lc) return 0;
	i += lc;
	if (i < n && s[i] == '.') i++;
	if (i < n && s[i] == ',') i++;
	size_t j = skip_space(s, n, i);
	if (j == i) return 0;
	i = j;
	int hh, mm, ss = 0;
	size_t lh = digits(s, n, i, 2, &hh);
	if (!lh || i + lh >= n || s[i + lh] != ':') return 0;
	i += lh + 1;
	if (digits(s, n, i, 2, &mm) != 2) return 0;
	i += 2;
	if (i + 2 < n && s[i] == ':' && digits(s, n, i + 1, 2, &ss) == 2) i += 3;
	/* AM / PM */
	j = skip_space(s, n, i);
	int pm = -1;
	static const char *const ampm[] = {"AM", "am", "a.m.", "a. m.",
	                                   "PM", "pm", "p.m.", "p. m."};
	for (size_t k = 0; k < IDT_ARRAY_LEN(ampm); k++) {
		size_t kl = strlen(ampm[k]);
		if (j + kl <= n && !memcmp(s + j, ampm[k], kl)) {
			pm = k >= 4;
			i = j + kl;
			break;
		}
	}
	/* the end of the header */
	if (bracket) {
		if (i + 1 >= n || s[i] != ']' || s[i + 1] != ' ') return 0;
		i += 2;
	} else {
		if (i + 3 > n || memcmp(s + i, " - ", 3) != 0) {
			if (i + 2 == n && !memcmp(s + i, " -", 2))
				i = n - 3; /* "... - " cut */
			else
				return 0;
		}
		i += 3;
	}
	/* the date */
	int y, mo, d;
	if (la == 4) {
		y = a, mo = b, d = c;
	} else {
		if (!*order && a > 12) *order = 1;
		if (!*order && b > 12) *order = 2;
		int o = *order ? *order : (sep == '/' && pm >= 0 ? 2 : 1);
		d = o == 1 ? a : b;
		mo = o == 1 ? b : a;
		y = lc <= 2 ? 2000 + c : c;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60) return 0;
	if (pm >= 0) {
		if (hh < 1 || hh > 12) return 0;
		if (pm && hh < 12) hh += 12;
		if (!pm && hh == 12) hh = 0;
	}
	snprintf(h->date, sizeof h->date, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, hh, mm, ss);
	h->rest = i > n ? n : i;
	return 1;
}

/* ======================================================================================
 * Messages
 * ====================================================================================== */

/* Starts message m from line s[0..n) (a header if h, else a line before any header). */
static void start_msg(idt_reader *r, wa_msg *m, const char *s, size_t n, const wa_head *h,
                      uint64_t line, uint64_t off)
{
	m->have = 1;
	m->cut = 0;
	m->line = line;
	m->off = off;
	m->sender.len = 0;
	m->text.len = 0;
	m->date[0] = 0;
	size_t i = 0;
	if (h) {
		memcpy(m->date, h->date, sizeof m->date);
		i = h->rest;
		/* "Name: text"; a name is short and has no ": " inside */
		const char *colon = NULL;
		for (size_t k = i; k + 1 < n && k - i < 128; k++)
			if (s[k] == ':' && s[k + 1] == ' ') {
				colon = s + k;
				break;
			}
		if (!colon && n >= 1 && s[n - 1] == ':' && n - i < 128) colon = s + n - 1;
		if (colon && colon > s + i) {
			idt__buf_append(&m->sender, s + i, (size_t)(colon - s - i));
			i = (size_t)(colon - s) + (colon + 1 < s + n ? 2 : 1);
		}
	}
	idt__buf_putc(&m->sender, 0);
	m->sender.len--;
	/* iOS puts U+200E before "image omitted" and notices */
	while (i + 2 < n && !memcmp(s + i, "\xE2\x80\x8E", 3)) i += 3;
	if (idt__buf_append(&m->text, s + i, n - i)) m->cut = 1;
	(void)r;
}

static void emit(idt_reader *r, wa_state *ws, idt_record *rec)
{
	wa_msg *m = &ws->cur;
	m->have = 0;
	idt__rec_init(r, rec);
	int k = snprintf(ws->idbuf, sizeof ws->idbuf, "%llu", (unsigned long long)m->line);
	rec->id_json = ws->idbuf;
	rec->id_len = (size_t)k;
	r->fields[0] = (idt_field){"text", 4, m->text.data ? m->text.data : "", m->text.len};
	rec->fields = r->fields;
	rec->nfields = 1;
	rec->prov.line = m->line;
	rec->prov.offset = m->off;
	rec->prov.sender = m->sender.len ? m->sender.data : NULL;
	rec->prov.date = m->date[0] ? m->date : NULL;
	rec->prov.chat = ws->chat[0] ? ws->chat : NULL;
}

static idt_status wa_next(idt_reader *r, idt_record *rec, idt_error *err)
{
	wa_state *ws = r->state;
	wa_msg *m = &ws->cur;
	for (;;) {
		if (!m->have && ws->has_pending) {
			wa_head h;
			ws->has_pending = 0;
			parse_head(ws->pending.data, ws->pending.len, &ws->order, &h);
			start_msg(r, m, ws->pending.data, ws->pending.len, &h, ws->pend_line,
			          ws->pend_off);
		}
		const char *line;
		size_t len;
		uint64_t off;
		idt_status st = idt__in_line(&r->in, r->max_record, &line, &len, &off);
		if (st == IDT_END) {
			if (!m->have) return IDT_END;
			emit(r, ws, rec);
			return IDT_OK;
		}
		if (st == IDT_EIO || st == IDT_ENOMEM)
			return idt__rerr(r, err, st, "read failed", r->line,
			                 idt__in_offset(&r->in));
		r->line++;
		if (st == IDT_ELIMIT)
			return idt__rerr(r, err, st, "line longer than the record limit", r->line,
			                 off);
		if (r->line == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
			line += 3;
			len -= 3;
			off += 3;
		}
		if (len && line[len - 1] == '\r') len--;
		wa_head h;
		if (parse_head(line, len, &ws->order, &h)) {
			if (m->have) {
				ws->pending.len = 0;
				if (idt__buf_append(&ws->pending, line, len))
					return idt__rerr(r, err, IDT_ENOMEM, "out of memory",
					                 r->line, off);
				ws->has_pending = 1;
				ws->pend_line = r->line;
				ws->pend_off = off;
				emit(r, ws, rec);
				return IDT_OK;
			}
			start_msg(r, m, line, len, &h, r->line, off);
			continue;
		}
		if (!m->have) {
			if (len == 0) continue; /* blank lines before any message */
			start_msg(r, m, line, len, NULL, r->line, off);
			continue;
		}
		if (m->cut) continue;
		if (idt__buf_reserve(&m->text, len + 1) || idt__buf_putc(&m->text, '\n') ||
		    idt__buf_append(&m->text, line, len)) {
			m->cut = 1;
			return idt__rerr(r, err, IDT_ELIMIT,
			                 "message longer than the record limit (cut)", m->line,
			                 m->off);
		}
	}
}

static void wa_free(idt_reader *r)
{
	wa_state *ws = r->state;
	if (!ws) return;
	idt__buf_free(&ws->cur.sender);
	idt__buf_free(&ws->cur.text);
	idt__buf_free(&ws->pending);
	free(ws);
	r->state = NULL;
}

static idt_status wa_init(idt_reader *r, idt_error *err)
{
	wa_state *ws = calloc(1, sizeof *ws);
	if (!ws) return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
	r->state = ws;
	ws->cur.text.cap_limit = r->max_record;
	ws->cur.sender.cap_limit = 4096;
	/* the chat: the file name without directory and extension */
	const char *base = strrchr(r->name, '/');
	base = base ? base + 1 : r->name;
	if (strcmp(base, "-")) {
		size_t n = strlen(base);
		if (n > 4 && !strcmp(base + n - 4, ".txt")) n -= 4;
		snprintf(ws->chat, sizeof ws->chat, "%.*s", (int)n, base);
	}
	return IDT_OK;
}

const idt__fmt_ops idt__whatsapp_ops = {wa_init, wa_next, wa_free};
