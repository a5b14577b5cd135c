/*
 * kb_lint.c - `interdict kb lint`: checks a loaded knowledge base beyond its syntax.
 *
 * Reports, through a callback: every diagnostic recorded while loading (syntax, unknown keys,
 * classes and control entries, CAS check digits, missing sources), extension sections naming
 * an unknown entity, a (normalised) term claimed by two entities, a phrase that is also a
 * substance term, and ordinary dictionary words marked decisive.  Terms are compared after
 * normalisation, exactly as the scanner will see them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "kb_int.h"
#include "text/text_int.h"

/* A string -> value map over normalised terms (open addressing; keys are malloc'ed). */
typedef struct smap {
	char **keys;
	size_t *vals;
	size_t size, count;
} smap;

static uint64_t shash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static idt_status smap_init(smap *m, size_t expect)
{
	m->size = 64;
	while (m->size < expect * 2) m->size *= 2;
	m->keys = calloc(m->size, sizeof *m->keys);
	m->vals = calloc(m->size, sizeof *m->vals);
	m->count = 0;
	return m->keys && m->vals ? IDT_OK : IDT_ENOMEM;
}

static void smap_free(smap *m)
{
	for (size_t i = 0; m->keys && i < m->size; i++) free(m->keys[i]);
	free(m->keys);
	free(m->vals);
}

/* Finds key; if absent and val_if_new != SIZE_MAX inserts it (taking a copy).  Returns the
 * slot, or SIZE_MAX if absent (or on allocation failure). */
static size_t smap_slot(smap *m, const char *k, size_t n, size_t val_if_new)
{
	size_t s = (size_t)shash(k, n) & (m->size - 1);
	while (m->keys[s]) {
		if (strlen(m->keys[s]) == n && memcmp(m->keys[s], k, n) == 0) return s;
		s = (s + 1) & (m->size - 1);
	}
	if (val_if_new == SIZE_MAX || (m->count + 1) * 2 > m->size) return SIZE_MAX;
	m->keys[s] = idt__strndup(k, n);
	if (!m->keys[s]) return SIZE_MAX;
	m->vals[s] = val_if_new;
	m->count++;
	return s;
}

typedef struct lint {
	const idt_kb *kb;
	idt_lint_fn fn;
	void *ctx;
	size_t errors;
	int stopped;
} lint;

static void report(lint *l, const char *sev, const char *file, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void report(lint *l, const char *sev, const char *file, uint32_t line, const char *fmt, ...)
{
	if (l->stopped) return;
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (sev[0] == 'e') l->errors++;
	if (l->fn(l->ctx, sev, file, line, msg)) l->stopped = 1;
}

/* Dictionary: lower-case entries are ordinary words ("error" when decisive); entries that
 * exist only capitalised are names ("warning"). */
static idt_status load_dict(smap *m, const char *dict, size_t len)
{
	size_t lines = 1;
	for (size_t i = 0; i < len; i++) lines += dict[i] == '\n';
	idt_status st = smap_init(m, lines);
	if (st) return st;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(dict + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - dict) : len;
		size_t n = end - i;
		if (n && dict[i + n - 1] == '\r') n--;
		if (n && !memchr(dict + i, '\'', n)) {
			char w[128];
			if (n < sizeof w) {
				int lower = dict[i] >= 'a' && dict[i] <= 'z';
				for (size_t k = 0; k < n; k++) {
					char c = dict[i + k];
					w[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
				}
				size_t s = smap_slot(m, w, n, lower ? 1 : 2);
				if (s != SIZE_MAX && lower) m->vals[s] = 1;
			}
		}
		i = end + 1;
	}
	return IDT_OK;
}

/*
 * The form under which the scanner tells terms apart: the normal form, plus, in short terms,
 * the run length of every collapsed letter ("mda" and "mmda" fold alike but are different
 * terms; "adderall" and "aderall" are one).  Returns a
 * malloc'ed key in *key (NULL when the term normalises to nothing).
 */
static idt_status term_key(const idt_folder *f, idt_norm *n, const char *text, char **key,
                           size_t *klen)
{
	*key = NULL;
	*klen = 0;
	idt_status st = idt_normalize(f, text, strlen(text), n);
	if (st) return st;
	size_t len;
	const char *t = idt_norm_text(n, &len);
	if (!len) return IDT_OK;
	idt_buf b = {0};
	st = idt__buf_append(&b, t, len);
	for (size_t i = 0; !st && len <= IDT__RUNS_STRICT_MAX && i < len; i++)
		if (idt_norm_run(n, i) > 1)
			st = idt__buf_printf(&b, "|%zu:%u", i, idt_norm_run(n, i));
	if (st) {
		idt__buf_free(&b);
		return st;
	}
	*key = b.data;
	*klen = b.len;
	return IDT_OK;
}

/* The term in lower case if it is one ASCII word, for the dictionary check; else 0. */
static size_t ascii_word(const char *text, char *out, size_t cap)
{
	size_t n = strlen(text);
	if (!n || n >= cap) return 0;
	for (size_t i = 0; i < n; i++) {
		char c = text[i];
		if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
		if (!(c >= 'a' && c <= 'z')) return 0;
		out[i] = c;
	}
	return n;
}

/* 1 if the term first seen with this normal form belongs to another entity than term i. */
static int m_other(size_t first, size_t i, const idt_kb *kb)
{
	return first != i && kb->terms[first].substance != kb->terms[i].substance;
}

static const char *sub_id(const idt_kb *kb, uint32_t i)
{
	return kb->subs[i].id;
}

IDT_API idt_status idt_kb_lint(const idt_kb *kb, const idt_folder *folder, const char *dict,
                               size_t dictlen, idt_lint_fn fn, void *ctx, size_t *nerrors)
{
	lint l = {kb, fn, ctx, 0, 0};
	for (size_t i = 0; i < kb->ndiags; i++)
		report(&l, kb->diags[i].severity, kb->diags[i].file, kb->diags[i].line, "%s",
		       kb->diags[i].msg);
	for (size_t i = 0; i < kb->npending; i++)
		report(&l, "error", kb->pending[i].file, kb->pending[i].term.line,
		       "term '%s' extends unknown entity '%s'", kb->pending[i].term.text,
		       kb->pending[i].entity_id);

	smap terms = {0}, words = {0};
	idt_status st = smap_init(&terms, kb->nterms + kb->nphrases);
	if (!st && dict) st = load_dict(&words, dict, dictlen);
	idt_norm *norm = NULL;
	if (!st) st = idt_norm_new(0, &norm);
	for (size_t i = 0; !st && i < kb->nterms; i++) {
		const idt_term *t = &kb->terms[i];
		char *key;
		size_t klen;
		st = term_key(folder, norm, t->text, &key, &klen);
		if (st) break;
		if (!key) {
			report(&l, "error", kb->term_files[i], t->line,
			       "term '%s' normalises to nothing", t->text);
			continue;
		}
		/* A term that folds to one ASCII letter or digit ("🅿" → "p") matches in every
		 * price list and model number. */
		if (klen == 1 || (klen > 1 && key[1] == '|'))
			report(
			    &l, "error", kb->term_files[i], t->line,
			    "term '%s' normalises to the single character '%c': too short to match "
			    "safely",
			    t->text, key[0]);
		size_t s = smap_slot(&terms, key, klen, i);
		free(key);
		if (s == SIZE_MAX) {
			st = IDT_ENOMEM;
			break;
		}
		if (m_other(terms.vals[s], i, kb))
			report(&l, "error", kb->term_files[i], t->line,
			       "term '%s' of '%s' is also claimed by '%s' (%s:%u) as '%s'", t->text,
			       sub_id(kb, t->substance),
			       sub_id(kb, kb->terms[terms.vals[s]].substance),
			       kb->term_files[terms.vals[s]], kb->terms[terms.vals[s]].line,
			       kb->terms[terms.vals[s]].text);
		char word[128];
		size_t wn = ascii_word(t->text, word, sizeof word);
		if (dict && wn && t->trust == IDT_TRUST_DECISIVE &&
		    (t->kind == IDT_TERM_SLANG || t->kind == IDT_TERM_ABBR)) {
			size_t w = smap_slot(&words, word, wn, SIZE_MAX);
			if (w != SIZE_MAX)
				report(&l, words.vals[w] == 1 ? "error" : "warning",
				       kb->term_files[i], t->line,
				       "decisive %s '%s' of '%s' is an ordinary %s; mark it weak "
				       "('%s?')",
				       idt_term_kind_name(t->kind), t->text,
				       sub_id(kb, t->substance),
				       words.vals[w] == 1 ? "dictionary word" : "proper name",
				       t->kind == IDT_TERM_SLANG ? "slang" : "abbr");
		}
	}
	for (size_t i = 0; !st && i < kb->nphrases; i++) {
		const idt_phrase *ph = &kb->phrases[i];
		char *key;
		size_t klen;
		st = term_key(folder, norm, ph->text, &key, &klen);
		if (st) break;
		if (!key) {
			report(&l, "error", ph->file, ph->line, "phrase '%s' normalises to nothing",
			       ph->text);
			continue;
		}
		size_t s = smap_slot(&terms, key, klen, SIZE_MAX);
		free(key);
		if (s != SIZE_MAX && terms.vals[s] < kb->nterms)
			report(&l, "warning", ph->file, ph->line,
			       "phrase '%s' is also a term of '%s'", ph->text,
			       sub_id(kb, kb->terms[terms.vals[s]].substance));
	}
	idt_norm_free(norm);
	smap_free(&terms);
	if (dict) smap_free(&words);
	if (nerrors) *nerrors = l.errors;
	if (st) return st;
	return l.stopped ? IDT_STOPPED : IDT_OK;
}
