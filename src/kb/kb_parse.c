/*
 * kb_parse.c - reads the knowledge base's text format (docs/knowledge-base.md) into an idt_kb:
 * entity files (*.kb: [id] sections of key = value; value lines, [+id] extension sections)
 * and phrase files (*.phrases: [signal-type] sections whose keys are languages).
 *
 * Problems are recorded as diagnostics (file, line, message) and the offending line or
 * section is skipped; the load goes on, so `kb lint` can report every problem at once.
 * idt_kb_add_text() returns IDT_EPARSE when it recorded an error, with the first in err.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "kb_int.h"
#include "interdict/signals.h"

idt_status idt__kb_index_add(idt_kb *kb, size_t i);

#define MAX_LIST 64 /* control entries or CAS numbers of one entity */

typedef enum { SEC_NONE, SEC_ENTITY, SEC_EXTEND, SEC_PHRASES, SEC_SKIP } sec_kind;

typedef struct parser {
	idt_kb *kb;
	const char *file;        /* arena copy of the file name */
	uint32_t line;           /* current line, 1-based */
	const char *file_source; /* file default source (arena), or NULL */
	sec_kind sec;
	uint32_t sec_line;  /* line of the section header */
	size_t ent;         /* SEC_ENTITY: index of the entity being built */
	const char *ext_id; /* SEC_EXTEND: entity id (arena) */
	int signal;         /* SEC_PHRASES: signal type */
	int have_name, have_class;
	const char *control[MAX_LIST];
	size_t ncontrol;
	const char *cas[MAX_LIST];
	size_t ncas;
	const char *units[MAX_LIST];
	size_t nunits;
	uint32_t cue;  /* cue number for the context terms being added, else 0 */
	size_t errors; /* errors recorded by this parse */
	uint32_t first_error_line;
} parser;

static const struct {
	const char *name;
	int type;
} phrase_types[] = {
    {"shipping", IDT_SIG_SHIPPING}, {"no-rx", IDT_SIG_NO_RX},
    {"request", IDT_SIG_REQUEST},   {"instructions", IDT_SIG_INSTRUCTIONS},
    {"warning", IDT_SIG_WARNING},   {"offer", IDT_SIG_OFFER},
};

static idt_status diag(parser *p, const char *sev, const char *fmt, const char *arg)
{
	if (sev[0] == 'e') {
		if (!p->errors++) p->first_error_line = p->line;
	}
	return idt__kb_diag(p->kb, sev, p->file, p->line, fmt, arg);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) (*s)++, (*n)--;
	while (*n && is_space((*s)[*n - 1])) (*n)--;
}

/* Cuts a comment: '#' at the start of the line, or preceded by white space and followed by
 * white space or the end of the line ("Love Potion #9" keeps its '#'). */
static size_t strip_comment(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '#') continue;
		int before = i == 0 || is_space(s[i - 1]);
		int after = i + 1 == n || is_space(s[i + 1]);
		if ((i == 0) || (before && after)) return i;
	}
	return n;
}

static int valid_id(const char *s, size_t n)
{
	if (!n || n > 100) return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return 0;
	}
	return 1;
}

/* ----- growing arrays ------------------------------------------------------------------------ */

static idt_status grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap) return IDT_OK;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, ncap * elem);
	if (!p) return IDT_ENOMEM;
	*arr = p;
	*cap = ncap;
	return IDT_OK;
}

static idt_status add_term(parser *p, uint32_t ent, const char *text, size_t n, idt_term_kind kind,
                           idt_trust trust, const char *lang)
{
	idt_kb *kb = p->kb;
	idt_term t = {0};
	t.text = idt__kb_strndup(kb, text, n);
	if (!t.text) return IDT_ENOMEM;
	t.substance = ent;
	t.kind = kind;
	t.trust = trust;
	snprintf(t.lang, sizeof t.lang, "%s", lang);
	t.line = p->line;
	t.cue = kind == IDT_TERM_CONTEXT ? p->cue : 0;
	if (p->sec == SEC_EXTEND) {
		idt_status st =
		    grow((void **)&kb->pending, &kb->cappending, kb->npending, sizeof *kb->pending);
		if (st) return st;
		kb->pending[kb->npending++] = (kb_pending){p->ext_id, p->file, t};
		return IDT_OK;
	}
	size_t cap = kb->capterms;
	idt_status st = grow((void **)&kb->terms, &kb->capterms, kb->nterms, sizeof *kb->terms);
	if (st) return st;
	if (kb->capterms != cap) {
		const char **f = realloc(kb->term_files, kb->capterms * sizeof *f);
		if (!f) return IDT_ENOMEM;
		kb->term_files = f;
	}
	kb->term_files[kb->nterms] = p->file;
	kb->terms[kb->nterms++] = t;
	return IDT_OK;
}

/* ----- sections ------------------------------------------------------------------------------ */

static idt_status end_section(parser *p)
{
	idt_kb *kb = p->kb;
	if (p->sec == SEC_ENTITY) {
		idt_substance *s = &kb->subs[p->ent];
		uint32_t line = p->line;
		p->line = p->sec_line;
		idt_status st = IDT_OK;
		if (!p->have_name) st = diag(p, "error", "entity '%s' has no name", s->id);
		if (!st && !p->have_class) st = diag(p, "error", "entity '%s' has no class", s->id);
		if (!st && !s->source) s->source = p->file_source;
		if (!st && !s->source) st = diag(p, "error", "entity '%s' cites no source", s->id);
		p->line = line;
		if (st) return st;
		if (!p->have_class) s->cls = IDT_CLASS_OTHER;
		if (!s->name) s->name = s->id;
		size_t nall = p->ncontrol + p->ncas + p->nunits;
		const char **c = idt__kb_alloc(kb, (nall + 1) * sizeof *c);
		if (!c) return IDT_ENOMEM;
		memcpy(c, p->control, p->ncontrol * sizeof *c);
		memcpy(c + p->ncontrol, p->cas, p->ncas * sizeof *c);
		memcpy(c + p->ncontrol + p->ncas, p->units, p->nunits * sizeof *c);
		s->control = c;
		s->ncontrol = p->ncontrol;
		s->cas = c + p->ncontrol;
		s->ncas = p->ncas;
		s->units = c + p->ncontrol + p->ncas;
		s->nunits = p->nunits;
	}
	p->sec = SEC_NONE;
	return IDT_OK;
}

static idt_status begin_section(parser *p, const char *s, size_t n)
{
	idt_kb *kb = p->kb;
	idt_status st = end_section(p);
	if (st) return st;
	p->sec_line = p->line;
	p->have_name = p->have_class = 0;
	p->ncontrol = p->ncas = p->nunits = 0;
	trim(&s, &n);
	int extend = n && s[0] == '+';
	if (extend) s++, n--;
	/* Phrase files: the section names a signal type. */
	size_t flen = strlen(p->file);
	if (flen > 8 && strcmp(p->file + flen - 8, ".phrases") == 0) {
		for (size_t i = 0; i < IDT_ARRAY_LEN(phrase_types); i++)
			if (strlen(phrase_types[i].name) == n &&
			    memcmp(phrase_types[i].name, s, n) == 0) {
				p->sec = SEC_PHRASES;
				p->signal = phrase_types[i].type;
				return IDT_OK;
			}
		p->sec = SEC_SKIP;
		char id[128];
		snprintf(id, sizeof id, "%.*s", (int)(n < 100 ? n : 100), s);
		return diag(p, "error", "unknown signal type [%s]", id);
	}
	char id[128];
	snprintf(id, sizeof id, "%.*s", (int)(n < 100 ? n : 100), s);
	if (!valid_id(s, n)) {
		p->sec = SEC_SKIP;
		return diag(p, "error", "invalid entity id '%s' (use a-z, 0-9 and '-')", id);
	}
	if (extend) {
		p->sec = SEC_EXTEND;
		p->ext_id = idt__kb_strndup(kb, s, n);
		return p->ext_id ? IDT_OK : IDT_ENOMEM;
	}
	if (idt_kb_find(kb, id) != (size_t)-1) {
		p->sec = SEC_SKIP;
		const idt_substance *o = &kb->subs[idt_kb_find(kb, id)];
		char msg[300];
		snprintf(msg, sizeof msg, "duplicate entity id '%s' (first defined in %s:%u)", id,
		         o->file, o->line);
		return diag(p, "error", "%s", msg);
	}
	st = grow((void **)&kb->subs, &kb->capsubs, kb->nsubs, sizeof *kb->subs);
	if (st) return st;
	idt_substance *sub = &kb->subs[kb->nsubs];
	memset(sub, 0, sizeof *sub);
	sub->id = idt__kb_strndup(kb, s, n);
	if (!sub->id) return IDT_ENOMEM;
	sub->file = p->file;
	sub->line = p->line;
	sub->cls = IDT_CLASS_OTHER;
	p->ent = kb->nsubs++;
	p->sec = SEC_ENTITY;
	return idt__kb_index_add(kb, p->ent);
}

/* ----- keys ------------------------------------------------------------------------------------
 */

typedef idt_status (*item_fn)(parser *p, const char *s, size_t n, void *ctx);

/* Splits v on sep and calls fn for each trimmed item; an empty item is skipped, or an error
 * when empty_ok is 0. */
static idt_status split_items(parser *p, const char *v, size_t n, char sep, int empty_ok,
                              item_fn fn, void *ctx)
{
	size_t i = 0;
	while (i <= n) {
		size_t j = i;
		while (j < n && v[j] != sep) j++;
		const char *s = v + i;
		size_t len = j - i;
		trim(&s, &len);
		if (!len && !empty_ok)
			return diag(p, "error", "empty variant in a context cue%s", "");
		if (len) {
			idt_status st = fn(p, s, len, ctx);
			if (st) return st;
		}
		i = j + 1;
	}
	return IDT_OK;
}

/* Splits a value on ';' and calls fn for each trimmed, non-empty item. */
static idt_status each_item(parser *p, const char *v, size_t n, item_fn fn, void *ctx)
{
	return split_items(p, v, n, ';', 1, fn, ctx);
}

typedef struct term_ctx {
	idt_term_kind kind;
	idt_trust trust;
	const char *lang;
} term_ctx;

static idt_status item_term(parser *p, const char *s, size_t n, void *vctx)
{
	term_ctx *c = vctx;
	uint32_t ent = p->sec == SEC_ENTITY ? (uint32_t)p->ent : UINT32_MAX;
	return add_term(p, ent, s, n, c->kind, c->trust, c->lang);
}

/* A context cue: its variants separated by '|' ("couch lock | couchlock | couch-lock") are
 * terms sharing one cue number, so that they count as one piece of context. */
static idt_status item_context(parser *p, const char *s, size_t n, void *vctx)
{
	p->cue = ++p->kb->ncues;
	idt_status st = split_items(p, s, n, '|', 0, item_term, vctx);
	p->cue = 0;
	return st;
}

/* A trade unit, as the quantity extractor writes it: "QP", "zip", "mcg" (docs/scoring.md). */
static idt_status item_unit(parser *p, const char *s, size_t n, void *ctx)
{
	IDT_UNUSED(ctx);
	char u[64];
	snprintf(u, sizeof u, "%.*s", (int)(n < 60 ? n : 60), s);
	if (p->nunits == MAX_LIST) return diag(p, "error", "too many units at '%s'", u);
	const char *c = idt__kb_strndup(p->kb, s, n);
	if (!c) return IDT_ENOMEM;
	p->units[p->nunits++] = c;
	return IDT_OK;
}

static idt_status item_control(parser *p, const char *s, size_t n, void *ctx)
{
	IDT_UNUSED(ctx);
	char code[128];
	snprintf(code, sizeof code, "%.*s", (int)(n < 120 ? n : 120), s);
	if (!idt__kb_control_valid(s, n))
		return diag(p, "error", "unknown control entry '%s'", code);
	if (p->ncontrol == MAX_LIST)
		return diag(p, "error", "too many control entries at '%s'", code);
	const char *c = idt__kb_strndup(p->kb, s, n);
	if (!c) return IDT_ENOMEM;
	p->control[p->ncontrol++] = c;
	return IDT_OK;
}

static idt_status item_cas(parser *p, const char *s, size_t n, void *vctx)
{
	size_t k = 0;
	while (k < n && s[k] != ' ' && s[k] != '(' && s[k] != '\t') k++;
	char num[128];
	snprintf(num, sizeof num, "%.*s", (int)(k < 120 ? k : 120), s);
	if (!idt_cas_valid(s, k))
		return diag(p, "error", "invalid CAS number '%s' (form or check digit)", num);
	if (p->sec == SEC_ENTITY) {
		if (p->ncas == MAX_LIST)
			return diag(p, "error", "too many CAS numbers at '%s'", num);
		const char *c = idt__kb_strndup(p->kb, s, k);
		if (!c) return IDT_ENOMEM;
		p->cas[p->ncas++] = c;
	}
	return item_term(p, s, k, vctx);
}

static idt_status item_phrase(parser *p, const char *s, size_t n, void *vctx)
{
	const char *lang = vctx;
	idt_kb *kb = p->kb;
	idt_status st =
	    grow((void **)&kb->phrases, &kb->capphrases, kb->nphrases, sizeof *kb->phrases);
	if (st) return st;
	idt_phrase *ph = &kb->phrases[kb->nphrases];
	memset(ph, 0, sizeof *ph);
	ph->text = idt__kb_strndup(kb, s, n);
	if (!ph->text) return IDT_ENOMEM;
	ph->signal = p->signal;
	snprintf(ph->lang, sizeof ph->lang, "%s", lang);
	ph->file = p->file;
	ph->line = p->line;
	kb->nphrases++;
	return IDT_OK;
}

static int key_is(const char *k, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(k, name, n) == 0;
}

/* The term keys: base name, kind, default language. */
static const struct {
	const char *key;
	idt_term_kind kind;
	const char *lang;
} term_keys[] = {
    {"name", IDT_TERM_NAME, "en"},       {"names", IDT_TERM_NAME, "en"},
    {"iupac", IDT_TERM_NAME, ""},        {"abbr", IDT_TERM_ABBR, ""},
    {"brands", IDT_TERM_BRAND, ""},      {"slang", IDT_TERM_SLANG, "en"},
    {"emoji", IDT_TERM_EMOJI, ""},       {"cas", IDT_TERM_CAS, ""},
    {"context", IDT_TERM_CONTEXT, "en"},
};

static idt_status key_value(parser *p, const char *k, size_t kn, const char *v, size_t vn)
{
	idt_kb *kb = p->kb;
	if (key_is(k, kn, "source")) {
		const char *src = idt__kb_strndup(kb, v, vn);
		if (!src) return IDT_ENOMEM;
		if (p->sec == SEC_ENTITY)
			kb->subs[p->ent].source = src;
		else if (p->sec == SEC_NONE)
			p->file_source = src;
		return IDT_OK;
	}
	if (p->sec == SEC_SKIP) return IDT_OK;
	if (p->sec == SEC_NONE) return diag(p, "error", "key outside a section: '%s'", "");
	if (key_is(k, kn, "note")) return IDT_OK;
	if (p->sec == SEC_PHRASES) {
		char lang[8];
		if (kn == 0 || kn >= sizeof lang) return diag(p, "error", "bad language key%s", "");
		snprintf(lang, sizeof lang, "%.*s", (int)kn, k);
		return each_item(p, v, vn, item_phrase, lang);
	}
	if (p->sec == SEC_ENTITY && key_is(k, kn, "class")) {
		idt_class c = idt_class_parse(v, vn);
		char cls[64];
		snprintf(cls, sizeof cls, "%.*s", (int)(vn < 60 ? vn : 60), v);
		if (p->have_class) return diag(p, "error", "second class '%s'", cls);
		p->have_class = 1; /* even when unknown: one error is enough */
		if (c == IDT_CLASS_COUNT) return diag(p, "error", "unknown class '%s'", cls);
		kb->subs[p->ent].cls = c;
		return IDT_OK;
	}
	if (p->sec == SEC_ENTITY && key_is(k, kn, "control"))
		return each_item(p, v, vn, item_control, NULL);
	if (p->sec == SEC_ENTITY && key_is(k, kn, "units"))
		return each_item(p, v, vn, item_unit, NULL);
	/* Term keys: base[.lang][?] */
	term_ctx ctx = {IDT_TERM_NAME, IDT_TRUST_DECISIVE, ""};
	char lang[8] = "";
	if (kn && k[kn - 1] == '?') {
		ctx.trust = IDT_TRUST_WEAK;
		kn--;
	}
	size_t base = 0;
	while (base < kn && k[base] != '.') base++;
	if (base < kn) {
		size_t ln = kn - base - 1;
		if (ln == 0 || ln >= sizeof lang)
			return diag(p, "error", "bad language in key%s", "");
		snprintf(lang, sizeof lang, "%.*s", (int)ln, k + base + 1);
	}
	for (size_t i = 0; i < IDT_ARRAY_LEN(term_keys); i++) {
		if (!key_is(k, base, term_keys[i].key)) continue;
		ctx.kind = term_keys[i].kind;
		ctx.lang = lang[0] ? lang : term_keys[i].lang;
		if (ctx.kind == IDT_TERM_CONTEXT) ctx.trust = IDT_TRUST_WEAK; /* never decisive */
		if (key_is(k, base, "name")) {
			if (p->sec != SEC_ENTITY)
				return diag(p, "error", "'name' in an extension%s", "");
			if (p->have_name) return diag(p, "error", "second 'name'%s", "");
			p->have_name = 1;
			kb->subs[p->ent].name = idt__kb_strndup(kb, v, vn);
			if (!kb->subs[p->ent].name) return IDT_ENOMEM;
		}
		if (ctx.kind == IDT_TERM_CAS) return each_item(p, v, vn, item_cas, &ctx);
		if (ctx.kind == IDT_TERM_CONTEXT) return each_item(p, v, vn, item_context, &ctx);
		return each_item(p, v, vn, item_term, &ctx);
	}
	char key[64];
	snprintf(key, sizeof key, "%.*s", (int)(kn < 60 ? kn : 60), k);
	return diag(p, "error", "unknown key '%s'", key);
}

/* ----- lines ---------------------------------------------------------------------------------- */

static idt_status parse_line(parser *p, const char *s, size_t n)
{
	n = strip_comment(s, n);
	trim(&s, &n);
	if (!n) return IDT_OK;
	if (s[0] == '[') {
		if (s[n - 1] != ']') return diag(p, "error", "unterminated section header%s", "");
		return begin_section(p, s + 1, n - 2);
	}
	size_t eq = 0;
	while (eq < n && s[eq] != '=') eq++;
	if (eq == n) return diag(p, "error", "expected 'key = value'%s", "");
	const char *k = s, *v = s + eq + 1;
	size_t kn = eq, vn = n - eq - 1;
	trim(&k, &kn);
	trim(&v, &vn);
	if (!kn) return diag(p, "error", "empty key%s", "");
	return key_value(p, k, kn, v, vn);
}

static idt_status resolve_pending(idt_kb *kb)
{
	size_t keep = 0;
	for (size_t i = 0; i < kb->npending; i++) {
		kb_pending *pd = &kb->pending[i];
		size_t ent = idt_kb_find(kb, pd->entity_id);
		if (ent == (size_t)-1) {
			kb->pending[keep++] = *pd;
			continue;
		}
		parser p = {.kb = kb,
		            .file = pd->file,
		            .line = pd->term.line,
		            .sec = SEC_ENTITY,
		            .cue = pd->term.cue};
		idt_status st = add_term(&p, (uint32_t)ent, pd->term.text, strlen(pd->term.text),
		                         pd->term.kind, pd->term.trust, pd->term.lang);
		if (st) return st;
	}
	kb->npending = keep;
	return IDT_OK;
}

IDT_API idt_status idt_kb_add_text(idt_kb *kb, const char *name, const char *text, size_t len,
                                   idt_error *err)
{
	parser p = {.kb = kb, .sec = SEC_NONE, .signal = -1};
	p.file = idt__kb_strndup(kb, name, strlen(name));
	if (!p.file) return IDT_ENOMEM;
	kb->hash = idt__hash64(kb->hash, name, strlen(name));
	kb->hash = idt__hash64(kb->hash, text, len);
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
	size_t i = 0;
	idt_status st = IDT_OK;
	while (i < len && !st) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		p.line++;
		st = parse_line(&p, text + i, end - i);
		i = end + 1;
	}
	if (!st) st = end_section(&p);
	if (!st) st = resolve_pending(kb);
	if (st) return idt__err(err, st, idt_status_str(st), p.file, p.line, 0);
	if (p.errors) {
		for (size_t d = kb->ndiags; d-- > 0;)
			if (kb->diags[d].file == p.file && kb->diags[d].line == p.first_error_line)
				return idt__err(err, IDT_EPARSE, kb->diags[d].msg, p.file,
				                p.first_error_line, 0);
		return idt__err(err, IDT_EPARSE, "syntax error", p.file, p.first_error_line, 0);
	}
	return IDT_OK;
}

static idt_status add_one_file(idt_kb *kb, const char *path, idt_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) return idt__err(err, IDT_EIO, "cannot open file", path, 0, 0);
	idt_buf b = {.cap_limit = 256u << 20};
	char chunk[65536];
	size_t n;
	idt_status st = IDT_OK;
	while (!st && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		st = idt__buf_append(&b, chunk, n);
	int bad = ferror(f);
	fclose(f);
	if (!st && bad) st = IDT_EIO;
	if (!st)
		st = idt_kb_add_text(kb, path, b.data ? b.data : "", b.len, err);
	else
		idt__err(err, st, "cannot read file", path, 0, 0);
	idt__buf_free(&b);
	return st;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && strcmp(s + n - m, suf) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

IDT_API idt_status idt_kb_add_file(idt_kb *kb, const char *path, idt_error *err)
{
	struct stat sb;
	if (stat(path, &sb) != 0) return idt__err(err, IDT_EIO, "cannot open file", path, 0, 0);
	if (!S_ISDIR(sb.st_mode)) return add_one_file(kb, path, err);
	DIR *d = opendir(path);
	if (!d) return idt__err(err, IDT_EIO, "cannot open directory", path, 0, 0);
	char **names = NULL;
	size_t n = 0, cap = 0;
	idt_status st = IDT_OK;
	struct dirent *e;
	while (!st && (e = readdir(d))) {
		if (!has_suffix(e->d_name, ".kb") && !has_suffix(e->d_name, ".phrases")) continue;
		if ((st = grow((void **)&names, &cap, n, sizeof *names))) break;
		size_t len = strlen(path) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n]) {
			st = IDT_ENOMEM;
			break;
		}
		snprintf(names[n++], len, "%s/%s", path, e->d_name);
	}
	closedir(d);
	if (n) qsort(names, n, sizeof *names, cmp_str);
	idt_status first = st;
	for (size_t i = 0; i < n && (first == IDT_OK || first == IDT_EPARSE); i++) {
		idt_error e2, *ep = first ? &e2 : err;
		st = add_one_file(kb, names[i], ep);
		if (st && !first) first = st;
	}
	for (size_t i = 0; i < n; i++) free(names[i]);
	free(names);
	return first;
}
