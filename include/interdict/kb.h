/*
 * interdict/kb.h - the substance knowledge base: entities, their control status and the terms
 * that name them.
 *
 * The knowledge base is a set of reviewable text files (docs/knowledge-base.md gives the
 * format): each entity has a stable id, an English name, a class, control entries such as
 * "UN1961:I" or "UN1988:T1", CAS numbers, and terms (names in many languages, abbreviations,
 * brand names, street slang, emoji), each term marked decisive or weak ("?" keys): a weak term
 * counts only with corroborating context.  The bundled files are compiled into the library;
 * agencies add national lists with idt_kb_add_file().
 *
 * Ownership: an idt_kb owns every string it hands out; they live as long as the kb.
 * Threads: loading is single-threaded; a loaded kb is read-only and may be shared.
 */
#ifndef INTERDICT_KB_H
#define INTERDICT_KB_H

#include "status.h"
#include "text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct idt_kb idt_kb;

/* The fixed class vocabulary, in this order (idt_class_name() spells them). */
typedef enum idt_class {
	IDT_CLASS_CANNABIS = 0,
	IDT_CLASS_SYNTHETIC_CANNABINOID,
	IDT_CLASS_OPIOID,
	IDT_CLASS_STIMULANT,
	IDT_CLASS_ENTACTOGEN,
	IDT_CLASS_PSYCHEDELIC,
	IDT_CLASS_DISSOCIATIVE,
	IDT_CLASS_SEDATIVE,
	IDT_CLASS_PRECURSOR,
	IDT_CLASS_OTHER,
	IDT_CLASS_COUNT
} idt_class;

/* How far a term can be trusted alone. */
typedef enum idt_trust {
	IDT_TRUST_DECISIVE = 0, /* names the substance beyond doubt ("fentanyl", "4-ANPP") */
	IDT_TRUST_WEAK = 1      /* counts only with corroboration ("ice", "blues", an emoji) */
} idt_trust;

/* What a term is. */
typedef enum idt_term_kind {
	IDT_TERM_NAME = 0, /* a name (English or another language, INN, chemical name) */
	IDT_TERM_ABBR,     /* an abbreviation or code ("4-ANPP", "MDMA") */
	IDT_TERM_BRAND,    /* a medicine's brand name */
	IDT_TERM_SLANG,    /* street slang */
	IDT_TERM_EMOJI,    /* an emoji code */
	IDT_TERM_CAS,      /* a CAS registry number */
	IDT_TERM_CONTEXT,  /* a word of a drug's trade or use that names nothing alone ("strain",
	                      "couch lock", "double dipped"); always weak, and it counts only beside
	                      other terms of its entity (docs/scoring.md) */
	IDT_TERM_KIND_COUNT
} idt_term_kind;

typedef struct idt_substance {
	const char *id;             /* stable id, e.g. "fentanyl" */
	const char *name;           /* preferred English name */
	idt_class cls;              /* class */
	const char *const *control; /* control entries, e.g. "UN1961:I" */
	size_t ncontrol;
	const char *const *cas; /* CAS numbers as written ("437-38-7") */
	size_t ncas;
	const char *const *units; /* trade units whose quantities are a context cue of it
	                             ("QP", "zip", "mcg"; docs/scoring.md) */
	size_t nunits;
	const char *source; /* citation of the public source(s) */
	const char *file;   /* the file it was defined in */
	uint32_t line;      /* the line of its header there */
} idt_substance;

typedef struct idt_term {
	const char *text;   /* as written in the knowledge base */
	uint32_t substance; /* index of its entity */
	idt_term_kind kind;
	idt_trust trust;
	char lang[8];  /* BCP 47 language ("en", "zh", "ru"), "" if not language-specific */
	uint32_t line; /* line in the entity's file */
	uint32_t cue;  /* context terms: the variants of one cue ("strain | strains") share
	                  this number (> 0); 0 for every other term */
} idt_term;

/*
 * A phrase of a signal list (data/signals/NAME.phrases): matched on normalised text like a term,
 * it reports a phrase signal (shipping, no-prescription, request, ...) instead of a substance.
 */
typedef struct idt_phrase {
	const char *text; /* as written */
	int signal;       /* an idt_signal_type (interdict/signals.h) */
	char lang[8];     /* language of the phrase */
	const char *file; /* defining file */
	uint32_t line;    /* line there */
} idt_phrase;

/* The bundled knowledge base (compiled into the library). */
IDT_API idt_status idt_kb_load_bundled(idt_kb **out, idt_error *err);

/* An empty knowledge base, to fill with idt_kb_add_file()/idt_kb_add_text(). */
IDT_API idt_status idt_kb_new(idt_kb **out);

/*
 * Adds the entities of a knowledge-base file (or every .kb file of a directory).  On a syntax
 * error returns IDT_EPARSE with err->where/line set; the entities read before it stay added.
 */
IDT_API idt_status idt_kb_add_file(idt_kb *kb, const char *path, idt_error *err);

/* As idt_kb_add_file, from memory; `name` is used in messages and as the entity's file. */
IDT_API idt_status idt_kb_add_text(idt_kb *kb, const char *name, const char *text, size_t len,
                                   idt_error *err);

IDT_API void idt_kb_free(idt_kb *kb); /* NULL allowed */

IDT_API size_t idt_kb_substance_count(const idt_kb *kb);
IDT_API const idt_substance *idt_kb_substance(const idt_kb *kb, size_t i);
IDT_API size_t idt_kb_term_count(const idt_kb *kb);
IDT_API const idt_term *idt_kb_term(const idt_kb *kb, size_t i);

IDT_API size_t idt_kb_phrase_count(const idt_kb *kb);
IDT_API const idt_phrase *idt_kb_phrase(const idt_kb *kb, size_t i);

/* The index of the entity with this id, or (size_t)-1. */
IDT_API size_t idt_kb_find(const idt_kb *kb, const char *id);

/* A 64-bit content hash of everything loaded (keys the compiled-database cache). */
IDT_API uint64_t idt_kb_hash(const idt_kb *kb);

/* "opioid" etc.; NULL for an out-of-range value.  idt_class_parse returns IDT_CLASS_COUNT
 * for an unknown name. */
IDT_API const char *idt_class_name(idt_class c);
IDT_API idt_class idt_class_parse(const char *s, size_t len);
IDT_API const char *idt_term_kind_name(idt_term_kind k);

/* Validates a CAS registry number ("437-38-7"): form and check digit.  1 if valid. */
IDT_API int idt_cas_valid(const char *s, size_t len);

/* Lint findings, one per call of the callback; `severity` is "error" or "warning". */
typedef int (*idt_lint_fn)(void *ctx, const char *severity, const char *file, uint32_t line,
                           const char *message);

/*
 * Checks the knowledge base: CAS check digits, a term claimed by two entities, unknown classes
 * or control codes, missing sources, ordinary dictionary words marked decisive (`dict`, a
 * newline-separated word list, may be NULL).  Returns the number of errors in *nerrors.
 */
IDT_API idt_status idt_kb_lint(const idt_kb *kb, const idt_folder *folder, const char *dict,
                               size_t dictlen, idt_lint_fn fn, void *ctx, size_t *nerrors);

#ifdef __cplusplus
}
#endif
#endif
