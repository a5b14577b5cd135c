/*
 * scan_int.h - private to src/scan: the compiled scanner, the per-thread scratch, the result,
 * and the scoring model shared by scan_db.c (compilation and cache), scan.c (matching and
 * overlap resolution), score.c (the scoring model) and verdict_json.c (output).
 */
#ifndef IDT_SCAN_INT_H
#define IDT_SCAN_INT_H

#include <hs/hs.h>
#include "interdict/scan.h"
#include "util/util.h"

/* What a compiled pattern stands for: one or more kb terms, or one or more phrases (a term
 * and a phrase, or two entities, may share a normal form). */
typedef struct scan_ref {
	uint32_t is_phrase : 1;
	uint32_t index : 31; /* kb term index or kb phrase index */
} scan_ref;

/* Script class of a code point, for token boundaries. */
enum {
	SCRIPT_SPACE = 0, /* start/end of text or the separator */
	SCRIPT_WORD,      /* letters and digits of scripts written with spaces (Latin, Cyrillic) */
	SCRIPT_UNSPACED,  /* scripts written without spaces: Han, kana, Thai, Lao, Khmer, Myanmar */
	SCRIPT_SYMBOL     /* emoji and other symbols: always their own token */
};

typedef struct scan_pattern {
	const char *folded;  /* normal form (owned by the scanner's string block) */
	uint32_t len;        /* its length in bytes */
	uint8_t lead, trail; /* 1: the compiled literal has a space before / after the normal form
	                        (the token boundary; scanned text is padded with spaces) */
	uint8_t first_script, last_script; /* SCRIPT_* of its first and last character */
	uint8_t need_runs;                 /* 1 if some letter of the term is repeated (see runs) */
	const uint8_t *runs; /* per folded byte: the term's own run length (if need_runs) */
	uint32_t run_sum; /* letters of the term before collapsing: the more, the more specific */
	uint32_t ref0;    /* first entry in sc->refs */
	uint32_t nrefs;   /* number of entries */
} scan_pattern;

/* The scoring model: weights and threshold, loaded from data/scoring/model.conf. */
typedef struct scan_model {
	double term_weight[IDT_TERM_KIND_COUNT]; /* decisive term, by kind */
	double weak_weight;                      /* a weak term, when corroborated */
	double signal_weight[IDT_SIG_TYPE_COUNT];
	double threshold;                       /* flagged when score >= threshold */
	double name_only_cap;                   /* score cap with substances but no signal */
	int weak_needs_corroboration;           /* 1: weak terms alone count for nothing */
	double corroborate[IDT_SIG_TYPE_COUNT]; /* how much each signal type corroborates */
	double corroboration_needed;            /* weak terms count when the sum reaches this */
	size_t near_bytes;                      /* a signal this close to a weak term is "near" */
	double other_weak;                      /* per other weak term of the same entity */
	double near_factor;                     /* ... and corroborates this many times more */
	size_t context_terms_needed; /* distinct context terms of one entity that count together
	                                without a weak or decisive term of it */
} scan_model;

struct idt_scanner {
	const idt_kb *kb;
	const idt_folder *folder;
	hs_database_t *db;
	scan_pattern *pats;
	size_t npats;
	scan_ref *refs;
	size_t nrefs;
	char *strings; /* normal forms and run arrays of every pattern, one block */
	int cached;    /* the database came from the cache */
	scan_model model;
	unsigned flags;    /* IDT_SCAN_* from the options */
	int has_cas_terms; /* the kb has CAS numbers (verified against the original) */
};

/* A match that survived boundary and repetition checks, in folded coordinates. */
typedef struct scan_hit {
	uint32_t pat;
	uint32_t field;
	size_t start, end;   /* folded span */
	size_t ostart, oend; /* original span */
	int dropped;
} scan_hit;

struct idt_scratch {
	hs_scratch_t *hs;
	idt_norm *norm;
	scan_hit *hits;
	size_t nhits, caphits;
	const char *cur_text; /* folded text of the field being scanned */
	size_t cur_len;
	uint32_t cur_field;
	const idt_scanner *sc;
	int overflow;       /* too many raw matches in this record */
	uint8_t *pat_count; /* per pattern: evidence kept in the current field (kept zero
	                       between fields) */
	char *pad;          /* the folded text between spaces, as scanned */
	size_t padcap;
	size_t *ins; /* second pass: folded positions where a space is inserted */
	size_t nins, capins;
	char *plain;  /* the plain copy of a field for the signal extractors (plain.c) */
	size_t *pmap; /* per byte of it: start and end of its original character */
	size_t plaincap;
	char *alt; /* second pass: the folded text with every leet digit of a word folded */
	size_t altcap;
	size_t *win; /* second pass: windows to scan, pairs of folded start and end */
	size_t nwin, capwin;
	size_t win_a, win_ins0, win_nins; /* the window being scanned: its start in the folded
	                                     text, its first split point and their number */
};

struct idt_result {
	idt_evidence *ev;
	size_t nev, capev;
	uint32_t *subs;
	size_t nsubs, capsubs;
	double *weights; /* per evidence: weight counted in the score (0: not counted) */
	size_t capweights;
	char **reasons; /* owned strings */
	size_t nreasons, capreasons;
	double score;
	int flagged;
	unsigned categories;
	size_t invalid_utf8;  /* invalid bytes seen in the record's fields */
	size_t field_len[16]; /* lengths of the first 16 fields of the record (for "near") */
	size_t nfields;
};

#define SCAN_MAX_HITS 100000 /* raw matches kept per record; more are ignored */

idt_status idt__scan_model_load(scan_model *m, const char *text, size_t len, idt_error *err);
void idt__scan_model_default(scan_model *m);
/* Computes score, flagged, categories and reasons of r from its evidence. */
idt_status idt__scan_score(const idt_scanner *sc, idt_result *r);
idt_status idt__result_add_evidence(idt_result *r, const idt_evidence *e);
void idt__result_clear(idt_result *r);
int idt__script_of(uint32_t cp);

/* plain.c: the plain copy of a field for the signal extractors.  Returns 1 with the copy in
 * s->plain[0, *outlen) when the field has anything to change, else 0. */
int idt__plain_copy(idt_scratch *s, const char *text, size_t len, size_t *outlen);
/* The original span of the copy's bytes [a, b). */
void idt__plain_span(const idt_scratch *s, size_t a, size_t b, size_t *oa, size_t *ob);
/* The ASCII letter a Cyrillic or Greek letter imitates, in its case ("Μ" -> 'M'), or 0. */
char idt__lookalike(uint32_t cp);
/* Whether the word of t around [a, b) has an ASCII letter (64 bytes each way at most). */
int idt__word_has_ascii_letter(const unsigned char *t, size_t len, size_t a, size_t b);

#endif
