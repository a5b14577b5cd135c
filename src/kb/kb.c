/*
 * kb.c - the knowledge base object: its arena, the id index, accessors, and the fixed
 * vocabularies (classes, term kinds, control entry forms, CAS numbers).  Parsing the text
 * format is kb_parse.c's job, checking it kb_lint.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "kb_int.h"
#include "kb/embedded.h"

/* ----- arena ----------------------------------------------------------------------------- */

void *idt__kb_alloc(idt_kb *kb, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	kb_chunk *c = kb->arena;
	if (!c || c->size - c->used < n) {
		size_t size = n > 60000 ? n : 65536 - sizeof(kb_chunk);
		c = malloc(sizeof(kb_chunk) + size);
		if (!c) return NULL;
		c->size = size;
		c->used = 0;
		c->next = kb->arena;
		kb->arena = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

const char *idt__kb_strndup(idt_kb *kb, const char *s, size_t n)
{
	char *p = idt__kb_alloc(kb, n + 1);
	if (!p) return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

idt_status idt__kb_diag(idt_kb *kb, const char *severity, const char *file, uint32_t line,
                        const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (kb->ndiags == kb->capdiags) {
		size_t ncap = kb->capdiags ? kb->capdiags * 2 : 16;
		kb_diag *p = realloc(kb->diags, ncap * sizeof *p);
		if (!p) return IDT_ENOMEM;
		kb->diags = p;
		kb->capdiags = ncap;
	}
	const char *m = idt__kb_strndup(kb, msg, strlen(msg));
	if (!m) return IDT_ENOMEM;
	kb->diags[kb->ndiags++] = (kb_diag){severity, file, line, m};
	return IDT_OK;
}

/* ----- life cycle -------------------------------------------------------------------------- */

IDT_API idt_status idt_kb_new(idt_kb **out)
{
	*out = calloc(1, sizeof(idt_kb));
	return *out ? IDT_OK : IDT_ENOMEM;
}

IDT_API void idt_kb_free(idt_kb *kb)
{
	if (!kb) return;
	for (kb_chunk *c = kb->arena, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(kb->subs);
	free(kb->terms);
	free(kb->term_files);
	free(kb->phrases);
	free(kb->pending);
	free(kb->diags);
	free(kb->index);
	free(kb);
}

IDT_API idt_status idt_kb_load_bundled(idt_kb **out, idt_error *err)
{
	idt_kb *kb;
	idt_status st = idt_kb_new(&kb);
	if (st) {
		*out = NULL;
		return st;
	}
	for (const struct idt__embedded *e = idt__kb_files; e->name; e++) {
		size_t n = strlen(e->name);
		int is_kb = (n > 3 && strcmp(e->name + n - 3, ".kb") == 0) ||
		            (n > 8 && strcmp(e->name + n - 8, ".phrases") == 0);
		if (!is_kb) continue; /* the scoring model is embedded too; it is not a kb file */
		st = idt_kb_add_text(kb, e->name, e->data, e->len, err);
		if (st && st != IDT_EPARSE) {
			idt_kb_free(kb);
			*out = NULL;
			return st;
		}
	}
	*out = kb;
	/* Syntax problems of the bundled files are kept as diagnostics for `kb lint`; CI keeps
	 * them at zero, so loading does not fail on them. */
	return IDT_OK;
}

/* ----- id index ------------------------------------------------------------------------------ */

static size_t id_slot(const char *id, size_t mask)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)h & mask;
}

static idt_status index_rebuild(idt_kb *kb, size_t size)
{
	uint32_t *ix = malloc(size * sizeof *ix);
	if (!ix) return IDT_ENOMEM;
	memset(ix, 0xff, size * sizeof *ix);
	for (size_t i = 0; i < kb->nsubs; i++) {
		size_t s = id_slot(kb->subs[i].id, size - 1);
		while (ix[s] != UINT32_MAX) s = (s + 1) & (size - 1);
		ix[s] = (uint32_t)i;
	}
	free(kb->index);
	kb->index = ix;
	kb->index_size = size;
	return IDT_OK;
}

/* Registers substance kb->subs[i] in the index (called after appending it). */
idt_status idt__kb_index_add(idt_kb *kb, size_t i);
idt_status idt__kb_index_add(idt_kb *kb, size_t i)
{
	if ((kb->nsubs + 1) * 2 > kb->index_size)
		return index_rebuild(kb, kb->index_size ? kb->index_size * 2 : 256);
	size_t s = id_slot(kb->subs[i].id, kb->index_size - 1);
	while (kb->index[s] != UINT32_MAX) s = (s + 1) & (kb->index_size - 1);
	kb->index[s] = (uint32_t)i;
	return IDT_OK;
}

IDT_API size_t idt_kb_find(const idt_kb *kb, const char *id)
{
	if (!kb->index_size) return (size_t)-1;
	size_t s = id_slot(id, kb->index_size - 1);
	while (kb->index[s] != UINT32_MAX) {
		if (strcmp(kb->subs[kb->index[s]].id, id) == 0) return kb->index[s];
		s = (s + 1) & (kb->index_size - 1);
	}
	return (size_t)-1;
}

/* ----- accessors ------------------------------------------------------------------------------ */

IDT_API size_t idt_kb_substance_count(const idt_kb *kb)
{
	return kb->nsubs;
}

IDT_API const idt_substance *idt_kb_substance(const idt_kb *kb, size_t i)
{
	return i < kb->nsubs ? &kb->subs[i] : NULL;
}

IDT_API size_t idt_kb_term_count(const idt_kb *kb)
{
	return kb->nterms;
}

IDT_API const idt_term *idt_kb_term(const idt_kb *kb, size_t i)
{
	return i < kb->nterms ? &kb->terms[i] : NULL;
}

const char *idt__kb_term_file(const idt_kb *kb, size_t i)
{
	return i < kb->nterms ? kb->term_files[i] : NULL;
}

IDT_API size_t idt_kb_phrase_count(const idt_kb *kb)
{
	return kb->nphrases;
}

IDT_API const idt_phrase *idt_kb_phrase(const idt_kb *kb, size_t i)
{
	return i < kb->nphrases ? &kb->phrases[i] : NULL;
}

IDT_API uint64_t idt_kb_hash(const idt_kb *kb)
{
	return kb->hash;
}

/* ----- vocabularies ----------------------------------------------------------------------------
 */

static const char *const class_names[IDT_CLASS_COUNT] = {
    "cannabis",    "synthetic-cannabinoid", "opioid",   "stimulant", "entactogen",
    "psychedelic", "dissociative",          "sedative", "precursor", "other"};

IDT_API const char *idt_class_name(idt_class c)
{
	return (unsigned)c < IDT_CLASS_COUNT ? class_names[c] : NULL;
}

IDT_API idt_class idt_class_parse(const char *s, size_t len)
{
	for (int i = 0; i < IDT_CLASS_COUNT; i++)
		if (strlen(class_names[i]) == len && memcmp(class_names[i], s, len) == 0)
			return (idt_class)i;
	return IDT_CLASS_COUNT;
}

IDT_API const char *idt_term_kind_name(idt_term_kind k)
{
	static const char *const names[IDT_TERM_KIND_COUNT] = {"name",  "abbr", "brand",  "slang",
	                                                       "emoji", "cas",  "context"};
	return (unsigned)k < IDT_TERM_KIND_COUNT ? names[k] : NULL;
}

IDT_API int idt_cas_valid(const char *s, size_t len)
{
	/* NNNNNNN-NN-N: 2 to 7 digits, 2 digits, 1 check digit.  The check digit is the sum of
	 * the other digits, each times its position counted from the right, modulo 10. */
	if (len < 7 || len > 12) return 0;
	size_t d1 = 0;
	while (d1 < len && s[d1] >= '0' && s[d1] <= '9') d1++;
	if (d1 < 2 || d1 > 7 || len != d1 + 5 || s[d1] != '-' || s[d1 + 3] != '-') return 0;
	if (s[0] == '0') return 0;
	char digits[12];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '-') continue;
		if (s[i] < '0' || s[i] > '9') return 0;
		digits[n++] = s[i];
	}
	unsigned sum = 0;
	for (size_t i = 0; i + 1 < n; i++)
		sum += (unsigned)(digits[n - 2 - i] - '0') * (unsigned)(i + 1);
	return (int)(sum % 10) == digits[n - 1] - '0';
}

static int is_roman_schedule(const char *s, size_t n)
{
	return (n == 1 && s[0] == 'I') || (n == 2 && memcmp(s, "II", 2) == 0) ||
	       (n == 3 && memcmp(s, "III", 3) == 0) || (n == 2 && memcmp(s, "IV", 2) == 0);
}

int idt__kb_control_valid(const char *s, size_t n)
{
	if ((n == 5 && memcmp(s, "WATCH", 5) == 0) || (n == 3 && memcmp(s, "NPS", 3) == 0) ||
	    (n == 2 && memcmp(s, "RX", 2) == 0))
		return 1;
	if (n == 9 && memcmp(s, "INCB:ISSL", 9) == 0) return 1;
	if (n > 7 && (memcmp(s, "UN1961:", 7) == 0 || memcmp(s, "UN1971:", 7) == 0))
		return is_roman_schedule(s + 7, n - 7);
	if (n == 9 && memcmp(s, "UN1988:T", 8) == 0) return s[8] == '1' || s[8] == '2';
	/* National: CC:anything, CC an ISO 3166-1 alpha-2 code (upper case). */
	if (n > 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] == ':') {
		for (size_t i = 3; i < n; i++) {
			char c = s[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'))
				return 0;
		}
		return 1;
	}
	return 0;
}
