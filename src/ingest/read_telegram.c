/*
 * read_telegram.c - Telegram Desktop JSON exports (result.json): a record per message.
 *
 * The export is one JSON document, either a whole account or a single chat:
 *
 *   { "about": ..., "personal_information": {...}, "contacts": {...},
 *     "chats": { "about": ..., "list": [ CHAT, ... ] }, "left_chats": { "list": [...] }, ... }
 *   CHAT = { "name": "Vendor", "type": "personal_chat", "id": 4711, "messages": [ MSG, ... ] }
 *
 *   MSG member      type                         used for
 *   --------------- ---------------------------- ------------------------------------------
 *   id              number                       prov.msg_id; the record id (with the chat's)
 *   type            "message" / "service"        (both read; service messages rarely have text)
 *   date            "2024-01-31T21:41:05"        prov.date
 *   from, from_id   string                       prov.sender (from, else from_id)
 *   forwarded_from  string                       field "forwarded_from"
 *   text            string, or array of strings  field "text" (a media message's caption is its
 *                   and entities {type, text,    text); entities contribute their text, and
 *                   href}                        text_link entities their href to "links"
 *   poll            {question, answers[{text}]}  field "poll"
 *
 * Streaming: the document is walked token by token with a small stack (never built in memory);
 * each message object is cut out whole (at most max_record bytes) and parsed with jansson.
 * Provenance: the file, the line and byte offset of the message, the chat's name.  The id is
 * "CHAT_ID:MSG_ID" (a JSON string) where the chat has an id, else the message id.
 *
 * Damage: an export cut off in the middle (a truncated file) is reported as IDT_EPARSE at the
 * cut after every message before it has been returned; a malformed message object is reported
 * and skipped; a message over max_record is streamed past (never held) and reported as
 * IDT_ELIMIT; JSON that breaks the document's structure is reported and ends the reading.
 * Messages with no text at all (media without caption, most service messages) give no record.
 */
#include <jansson.h>
#include <stdlib.h>
#include "ingest_int.h"

#define TG_MAX_DEPTH 256
#define TG_KEY       16 /* key bytes kept (longer keys are never ones we look for) */

typedef struct tg_level {
	char type;        /* '{' or '[' */
	char key[TG_KEY]; /* the key this container is the value of ("" in arrays) */
	char name[256];   /* "name" member seen in this object (a chat's name) */
	char id[32];      /* "id" member seen in this object */
} tg_level;

enum { X_VALUE, X_KEY_OR_END, X_KEY, X_COLON, X_COMMA_OR_END, X_VALUE_OR_END, X_DONE };

typedef struct tg_state {
	tg_level *stack; /* owned, TG_MAX_DEPTH levels */
	int depth;
	int expect;
	char key[TG_KEY];                  /* the pending key of the current object */
	int dead;                          /* the document is broken: nothing more to read */
	idt_buf id;                        /* owned: the current record's id */
	idt_buf msgid, sender, date, chat; /* owned: provenance strings (NUL-terminated) */
	idt_buf text, links, poll, fwd;    /* owned: field text */
} tg_state;

/* ======================================================================================
 * Low level: tokens in the buffered input
 * ====================================================================================== */

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Consumes n bytes, counting lines. */
static void take(idt_reader *r, size_t n)
{
	const char *b = r->in.buf + r->in.pos, *e = b + n;
	while ((b = memchr(b, '\n', (size_t)(e - b)))) b++, r->line++;
	r->in.pos += n;
	if (r->in.scan < r->in.pos) r->in.scan = r->in.pos;
}

/* Makes more of the input available after `have` unread bytes: 1 if there is more, 0 at the
 * end, -1 if a token would exceed the record limit. */
static int more(idt_reader *r, size_t have)
{
	if (r->in.eof) return 0;
	if (have > r->max_record) return -1;
	idt_status st = idt__in_fill(&r->in, have + IDT__IN_CHUNK);
	if (st && st != IDT_ELIMIT) return 0;
	return idt__in_avail(&r->in) > have ? 1 : (r->in.eof ? 0 : -1);
}

/* The length of the complete token at the position: a string (quotes included), a number or
 * a literal, or a whole object/array when `whole`.  0: the input ends first; SIZE_MAX: over
 * the limit. */
static size_t token_len(idt_reader *r, int whole)
{
	size_t i = 0;
	for (;;) {
		const char *b = r->in.buf + r->in.pos;
		size_t n = idt__in_avail(&r->in);
		if (whole) {
			/* a balanced object or array, strings respected; restarts after a refill */
			int depth = 0, instr = 0;
			for (i = 0; i < n; i++) {
				char c = b[i];
				if (instr) {
					if (c == '\\')
						i++;
					else if (c == '"')
						instr = 0;
				} else if (c == '"') {
					instr = 1;
				} else if (c == '{' || c == '[') {
					depth++;
				} else if (c == '}' || c == ']') {
					if (--depth == 0) return i + 1;
				}
			}
		} else if (n && b[0] == '"') {
			for (i = i ? i : 1; i < n; i++) {
				if (b[i] == '\\') {
					if (i + 1 >= n) break;
					i++;
				} else if (b[i] == '"') {
					return i + 1;
				}
			}
			if (i > n) i = n;
		} else {
			while (i < n &&
			       (b[i] == '-' || b[i] == '+' || b[i] == '.' ||
			        (b[i] >= '0' && b[i] <= '9') || (b[i] >= 'a' && b[i] <= 'z') ||
			        (b[i] >= 'A' && b[i] <= 'Z')))
				i++;
			if (i < n || (r->in.eof && i)) return i;
		}
		int m = more(r, n);
		if (m == 0) return 0;
		if (m < 0) return SIZE_MAX;
		if (whole) i = 0;
	}
}

/* Consumes the object or array at the position without holding it (a message over the
 * limit): 1 when it has ended, 0 if the input ends first. */
static int skip_value(idt_reader *r)
{
	int depth = 0, instr = 0, esc = 0;
	for (;;) {
		size_t n = idt__in_avail(&r->in);
		const char *b = r->in.buf + r->in.pos;
		for (size_t i = 0; i < n; i++) {
			char c = b[i];
			if (instr) {
				if (esc)
					esc = 0;
				else if (c == '\\')
					esc = 1;
				else if (c == '"')
					instr = 0;
			} else if (c == '"') {
				instr = 1;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if ((c == '}' || c == ']') && --depth == 0) {
				take(r, i + 1);
				return 1;
			}
		}
		take(r, n);
		if (more(r, 0) <= 0) return 0;
	}
}

/* Copies the JSON string literal s[0..n) (quotes included), decoded, into out (cap bytes). */
static void copy_string(const char *s, size_t n, char *out, size_t cap)
{
	json_error_t je;
	json_t *j = json_loadb(s, n, JSON_DECODE_ANY, &je);
	const char *v = j && json_is_string(j) ? json_string_value(j) : "";
	snprintf(out, cap, "%s", v);
	json_decref(j);
}

/* ======================================================================================
 * Messages
 * ====================================================================================== */

static void put(idt_buf *b, const char *s)
{
	if (s) idt__buf_puts(b, s);
}

static void end_line(idt_buf *b)
{
	if (b->len && b->data[b->len - 1] != '\n') idt__buf_putc(b, '\n');
}

/* The text of a "text" member: a string, or an array of strings and entities. */
static void message_text(tg_state *ts, json_t *t)
{
	if (json_is_string(t)) {
		put(&ts->text, json_string_value(t));
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(t, i, e)
	{
		if (json_is_string(e)) {
			put(&ts->text, json_string_value(e));
			continue;
		}
		put(&ts->text, json_string_value(json_object_get(e, "text")));
		const char *href = json_string_value(json_object_get(e, "href"));
		if (href) {
			end_line(&ts->links);
			put(&ts->links, href);
		}
	}
}

/* Fills r->fields from the message object m; returns how many. */
static size_t message_fields(idt_reader *r, tg_state *ts, json_t *m)
{
	idt_buf *bufs[] = {&ts->text, &ts->links, &ts->poll, &ts->fwd};
	static const char *const names[] = {"text", "links", "poll", "forwarded_from"};
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) bufs[i]->len = 0;
	json_t *t = json_object_get(m, "text");
	if (t) message_text(ts, t);
	json_t *cap = json_object_get(m, "caption"); /* older exports */
	if (json_is_string(cap)) {
		end_line(&ts->text);
		put(&ts->text, json_string_value(cap));
	}
	json_t *poll = json_object_get(m, "poll");
	if (json_is_object(poll)) {
		put(&ts->poll, json_string_value(json_object_get(poll, "question")));
		size_t i;
		json_t *a;
		json_array_foreach(json_object_get(poll, "answers"), i, a)
		{
			end_line(&ts->poll);
			put(&ts->poll, json_string_value(json_object_get(a, "text")));
		}
	}
	put(&ts->fwd, json_string_value(json_object_get(m, "forwarded_from")));
	size_t nf = 0;
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) {
		if (!bufs[i]->len || (i == 3 && nf == 0)) continue; /* a name alone is no record */
		r->fields[nf++] =
		    (idt_field){names[i], strlen(names[i]), bufs[i]->data, bufs[i]->len};
	}
	return nf;
}

/* Sets b to the NUL-terminated s (or empty). */
static void set_str(idt_buf *b, const char *s)
{
	b->len = 0;
	put(b, s ? s : "");
	idt__buf_putc(b, 0);
	b->len--;
}

/* The message object at the position, n bytes: a record (1), nothing to return (0), or an
 * error reported in err (-1). */
static int message(idt_reader *r, tg_state *ts, size_t n, idt_record *rec, idt_error *err)
{
	const char *b = r->in.buf + r->in.pos;
	uint64_t off = idt__in_offset(&r->in), line = r->line + 1;
	json_error_t je;
	json_t *m = json_loadb(b, n, 0, &je);
	take(r, n);
	if (!m) {
		idt__rerr(r, err, IDT_EPARSE, "malformed message", line + (uint64_t)je.line - 1,
		          off + (uint64_t)je.position);
		return -1;
	}
	size_t nf = message_fields(r, ts, m);
	if (nf) {
		const tg_level *chat = ts->depth >= 2 ? &ts->stack[ts->depth - 2] : NULL;
		json_t *id = json_object_get(m, "id");
		char num[32] = "";
		if (json_is_integer(id))
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(id));
		else if (json_is_string(id))
			snprintf(num, sizeof num, "%s", json_string_value(id));
		set_str(&ts->msgid, num);
		ts->id.len = 0;
		if (chat && chat->id[0]) {
			char both[80];
			int k = snprintf(both, sizeof both, "%s:%s", chat->id, num);
			idt__buf_json_str(&ts->id, both, (size_t)k);
		} else if (json_is_integer(id)) {
			put(&ts->id, num);
		} else {
			idt__buf_json_str(&ts->id, num, strlen(num));
		}
		const char *from = json_string_value(json_object_get(m, "from"));
		if (!from) from = json_string_value(json_object_get(m, "from_id"));
		if (!from) from = json_string_value(json_object_get(m, "actor"));
		set_str(&ts->sender, from);
		set_str(&ts->date, json_string_value(json_object_get(m, "date")));
		set_str(&ts->chat, chat ? chat->name : NULL);
		idt__rec_init(r, rec);
		rec->id_json = ts->id.data;
		rec->id_len = ts->id.len;
		rec->fields = r->fields;
		rec->nfields = nf;
		rec->prov.line = line;
		rec->prov.offset = off;
		rec->prov.msg_id = num[0] ? ts->msgid.data : NULL;
		rec->prov.sender = ts->sender.len ? ts->sender.data : NULL;
		rec->prov.date = ts->date.len ? ts->date.data : NULL;
		rec->prov.chat = ts->chat.len ? ts->chat.data : NULL;
	}
	json_decref(m);
	return nf ? 1 : 0;
}

/* ======================================================================================
 * The document walk
 * ====================================================================================== */

static idt_status dead(idt_reader *r, tg_state *ts, idt_error *err, const char *msg)
{
	ts->dead = 1;
	return idt__rerr(r, err, IDT_EPARSE, msg, r->line + 1, idt__in_offset(&r->in));
}

/* After a value: what comes next. */
static void after_value(tg_state *ts)
{
	ts->expect = ts->depth ? X_COMMA_OR_END : X_DONE;
}

static idt_status tg_next(idt_reader *r, idt_record *rec, idt_error *err)
{
	tg_state *ts = r->state;
	if (ts->dead) return IDT_END;
	for (;;) {
		/* white space */
		for (;;) {
			size_t n = idt__in_avail(&r->in), i = 0;
			const char *b = r->in.buf + r->in.pos;
			while (i < n && is_ws(b[i])) i++;
			take(r, i);
			if (i < n) break;
			if (more(r, 0) <= 0) {
				if (ts->expect == X_DONE) return IDT_END;
				return dead(r, ts, err, "export cut short");
			}
		}
		char c = r->in.buf[r->in.pos];
		tg_level *top = ts->depth ? &ts->stack[ts->depth - 1] : NULL;
		switch (ts->expect) {
		case X_DONE: return dead(r, ts, err, "text after the export");
		case X_COLON:
			if (c != ':') return dead(r, ts, err, "expected ':'");
			take(r, 1);
			ts->expect = X_VALUE;
			continue;
		case X_COMMA_OR_END:
			if (c == ',') {
				take(r, 1);
				ts->expect = top->type == '{' ? X_KEY : X_VALUE;
				continue;
			}
			if (c != top->type + 2)
				return dead(r, ts, err, "expected ',' or a closing bracket");
			take(r, 1);
			ts->depth--;
			after_value(ts);
			continue;
		case X_KEY_OR_END:
		case X_KEY:
			if (c == '}' && ts->expect == X_KEY_OR_END) {
				take(r, 1);
				ts->depth--;
				after_value(ts);
				continue;
			}
			if (c != '"') return dead(r, ts, err, "expected a key");
			{
				size_t n = token_len(r, 0);
				if (n == 0) return dead(r, ts, err, "export cut short");
				if (n == SIZE_MAX)
					return dead(r, ts, err, "key longer than the record limit");
				copy_string(r->in.buf + r->in.pos, n, ts->key, sizeof ts->key);
				take(r, n);
			}
			ts->expect = X_COLON;
			continue;
		case X_VALUE_OR_END:
			if (c == ']') {
				take(r, 1);
				ts->depth--;
				after_value(ts);
				continue;
			}
			/* fall through */
		case X_VALUE: break;
		}
		/* a value */
		int in_messages = top && top->type == '[' && !strcmp(top->key, "messages");
		if (c == '{' && in_messages) {
			size_t n = token_len(r, 1);
			if (n == 0) return dead(r, ts, err, "export cut short");
			if (n == SIZE_MAX || n > r->max_record) {
				uint64_t off = idt__in_offset(&r->in), line = r->line + 1;
				if (n != SIZE_MAX)
					take(r, n);
				else if (!skip_value(r))
					return dead(r, ts, err, "export cut short");
				after_value(ts);
				return idt__rerr(r, err, IDT_ELIMIT,
				                 "message longer than the record limit", line, off);
			}
			int got = message(r, ts, n, rec, err);
			after_value(ts);
			if (got > 0) return IDT_OK;
			if (got < 0) return IDT_EPARSE;
			continue;
		}
		if (c == '{' || c == '[') {
			if (ts->depth >= TG_MAX_DEPTH) return dead(r, ts, err, "nesting too deep");
			tg_level *l = &ts->stack[ts->depth++];
			l->type = c;
			l->name[0] = l->id[0] = 0;
			snprintf(l->key, sizeof l->key, "%s",
			         top && top->type == '{' ? ts->key : "");
			take(r, 1);
			ts->expect = c == '{' ? X_KEY_OR_END : X_VALUE_OR_END;
			continue;
		}
		if (c != '"' && c != '-' && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z'))
			return dead(r, ts, err, "invalid value");
		size_t n = token_len(r, 0);
		if (n == 0) return dead(r, ts, err, "export cut short");
		if (n == SIZE_MAX) return dead(r, ts, err, "value longer than the record limit");
		const char *b = r->in.buf + r->in.pos;
		if (top && top->type == '{' && c == '"' && !strcmp(ts->key, "name"))
			copy_string(b, n, top->name, sizeof top->name);
		if (top && top->type == '{' && !strcmp(ts->key, "id")) {
			if (c == '"')
				copy_string(b, n, top->id, sizeof top->id);
			else
				snprintf(top->id, sizeof top->id, "%.*s", (int)(n < 31 ? n : 31),
				         b);
		}
		take(r, n);
		after_value(ts);
		if (!top && c != '{' && c != '[') return dead(r, ts, err, "not a Telegram export");
	}
}

static void tg_free(idt_reader *r)
{
	tg_state *ts = r->state;
	if (!ts) return;
	idt_buf *bufs[] = {&ts->id,   &ts->msgid, &ts->sender, &ts->date, &ts->chat,
	                   &ts->text, &ts->links, &ts->poll,   &ts->fwd};
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) idt__buf_free(bufs[i]);
	free(ts->stack);
	free(ts);
	r->state = NULL;
}

static idt_status tg_init(idt_reader *r, idt_error *err)
{
	tg_state *ts = calloc(1, sizeof *ts);
	if (!ts) return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
	r->state = ts;
	ts->stack = calloc(TG_MAX_DEPTH, sizeof *ts->stack);
	if (!ts->stack) return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
	ts->expect = X_VALUE;
	idt_buf *bufs[] = {&ts->text, &ts->links, &ts->poll, &ts->fwd};
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) bufs[i]->cap_limit = r->max_record + 64;
	/* a UTF-8 BOM */
	if (idt__in_fill(&r->in, 3) == IDT_OK && idt__in_avail(&r->in) >= 3 &&
	    !memcmp(r->in.buf + r->in.pos, "\xEF\xBB\xBF", 3))
		r->in.pos += 3;
	return IDT_OK;
}

const idt__fmt_ops idt__telegram_ops = {tg_init, tg_next, tg_free};
