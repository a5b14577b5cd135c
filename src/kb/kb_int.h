/*
 * kb_int.h - the knowledge base's private structure, shared by the files of src/kb (parser,
 * lint, accessors).  Nothing outside src/kb includes it.
 */
#ifndef IDT_KB_INT_H
#define IDT_KB_INT_H

#include "interdict/kb.h"
#include "util/util.h"

/* A chunked arena: strings and arrays live until the kb is freed, at stable addresses. */
typedef struct kb_chunk {
	struct kb_chunk *next;
	size_t used, size;
	char data[];
} kb_chunk;

/* A diagnostic recorded while loading (syntax errors, unknown keys); lint reports them all. */
typedef struct kb_diag {
	const char *severity; /* "error" or "warning" (constant) */
	const char *file;     /* arena string */
	uint32_t line;
	const char *msg; /* arena string */
} kb_diag;

/* A term of an extension section ([+id]) whose entity was not defined yet. */
typedef struct kb_pending {
	const char *entity_id; /* arena string */
	const char *file;      /* arena string */
	idt_term term;
} kb_pending;

struct idt_kb {
	kb_chunk *arena;
	idt_substance *subs;
	size_t nsubs, capsubs;
	idt_term *terms;
	size_t nterms, capterms;
	const char **term_files; /* parallel to terms: defining file (arena) */
	idt_phrase *phrases;
	size_t nphrases, capphrases;
	kb_pending *pending;
	size_t npending, cappending;
	uint32_t ncues; /* context cues numbered so far (idt_term.cue) */
	kb_diag *diags;
	size_t ndiags, capdiags;
	uint64_t hash; /* content hash of every file added, in order */
	/* id -> substance index, open addressing; size is a power of two, 0 while empty */
	uint32_t *index;
	size_t index_size;
};

void *idt__kb_alloc(idt_kb *kb, size_t n);
const char *idt__kb_strndup(idt_kb *kb, const char *s, size_t n);
idt_status idt__kb_diag(idt_kb *kb, const char *severity, const char *file, uint32_t line,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* 1 if code is a known control entry form. */
int idt__kb_control_valid(const char *s, size_t n);
/* The file that defined term i. */
const char *idt__kb_term_file(const idt_kb *kb, size_t i);

#endif
