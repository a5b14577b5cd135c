/*
 * interdict/scan.h - the scanner: finds substances and trafficking signals in records and
 * returns explainable verdicts.
 *
 * An idt_scanner compiles every term of a knowledge base, and every phrase of its signal lists,
 * into one Vectorscan database, which it caches on disk keyed by the knowledge base's hash.  It
 * is immutable once built and may be shared by any number of threads; each thread scans with
 * its own idt_scratch.
 *
 * A record is one or more named text fields (a listing's title and description, a message).
 * Scanning yields an idt_result: the substances found with the evidence for each (spans of the
 * ORIGINAL text of a field), the structured and phrase signals, a score, categories and the
 * flagged verdict; idt_result_json() writes it in the verdict contract of docs/output.md.
 */
#ifndef INTERDICT_SCAN_H
#define INTERDICT_SCAN_H

#include "status.h"
#include "kb.h"
#include "signals.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct idt_scanner idt_scanner;
typedef struct idt_scratch idt_scratch;
typedef struct idt_result idt_result;

typedef struct idt_scanner_opts {
	const char *cache_dir; /* where compiled databases are cached; NULL: no cache */
	unsigned flags;        /* IDT_SCAN_* bits, 0 for the defaults */
} idt_scanner_opts;

enum {
	/* Extract the structured signals (prices, wallets, ...) only of records in which a
	 * knowledge-base term matched.  Such records are the only ones that can be flagged, so
	 * flagged verdicts are unchanged; unflagged verdicts of the other records then list no
	 * signals.  For callers that output flagged verdicts only (saves about a quarter of the
	 * time on ordinary traffic). */
	IDT_SCAN_LAZY_SIGNALS = 1u << 0
};

/* A named text field of a record.  Borrowed: the text must outlive the scan call (and the
 * result, whose evidence points into it only as offsets). */
typedef struct idt_field {
	const char *name;
	size_t name_len;
	const char *text;
	size_t len;
} idt_field;

/*
 * Compiles the scanner for kb (which must outlive it) with folder (likewise).  On a term that
 * will not compile returns IDT_EPATTERN with err->index set to the term's index.
 */
IDT_API idt_status idt_scanner_new(const idt_kb *kb, const idt_folder *folder,
				   const idt_scanner_opts *opts, idt_scanner **out, idt_error *err);
IDT_API void idt_scanner_free(idt_scanner *sc); /* NULL allowed */

/* 1 if the compiled database came from the cache (for diagnostics). */
IDT_API int idt_scanner_cached(const idt_scanner *sc);

/* Per-thread scratch space for sc. */
IDT_API idt_status idt_scratch_new(const idt_scanner *sc, idt_scratch **out);
IDT_API void idt_scratch_free(idt_scratch *s); /* NULL allowed */

/*
 * Scans one record.  The result is written into *out, which is reused if non-NULL (pass the
 * previous result to avoid allocation) or allocated.  Thread-safe for distinct scratches.
 */
IDT_API idt_status idt_scan(const idt_scanner *sc, idt_scratch *scratch, const idt_field *fields,
			    size_t nfields, idt_result **out);

IDT_API void idt_result_free(idt_result *r); /* NULL allowed */

/* ----- reading a result (every pointer lives as long as the result and the scanner) ----- */

/* What an evidence span is. */
typedef enum idt_evidence_kind {
	IDT_EV_SUBSTANCE = 0, /* a knowledge-base term */
	IDT_EV_SIGNAL = 1     /* a signal (structured or phrase) */
} idt_evidence_kind;

typedef struct idt_evidence {
	idt_evidence_kind kind;
	uint32_t field;      /* index into the fields passed to idt_scan */
	size_t start, end;   /* span in that field's original text */
	uint32_t substance;  /* kb entity index (IDT_EV_SUBSTANCE) */
	uint32_t term;       /* kb term index (IDT_EV_SUBSTANCE) */
	idt_signal signal;   /* the signal (IDT_EV_SIGNAL) */
} idt_evidence;

IDT_API int idt_result_flagged(const idt_result *r);
IDT_API double idt_result_score(const idt_result *r);
IDT_API size_t idt_result_evidence_count(const idt_result *r);
IDT_API const idt_evidence *idt_result_evidence(const idt_result *r, size_t i);
/* Distinct substances, in order of first evidence: kb entity indices. */
IDT_API size_t idt_result_substance_count(const idt_result *r);
IDT_API uint32_t idt_result_substance(const idt_result *r, size_t i);
/* Invalid UTF-8 bytes found in the record's fields (each replaced; the scan went on). */
IDT_API size_t idt_result_invalid_utf8(const idt_result *r);
/* Categories: a bit set of IDT_CAT_* values. */
IDT_API unsigned idt_result_categories(const idt_result *r);

enum {
	IDT_CAT_OFFER = 1u << 0,
	IDT_CAT_PURCHASE_REQUEST = 1u << 1,
	IDT_CAT_PHARMACY = 1u << 2,
	IDT_CAT_INSTRUCTIONS = 1u << 3,
	IDT_CAT_WARNING = 1u << 4,
	IDT_CAT_DISCUSSION = 1u << 5
};
IDT_API const char *idt_category_name(unsigned bit);

/* The reasons behind the score, one line each ("decisive name: fentanyl (+0.60)"). */
IDT_API size_t idt_result_reason_count(const idt_result *r);
IDT_API const char *idt_result_reason(const idt_result *r, size_t i);

/*
 * Writes the verdict of r as one line of JSON (no trailing newline) in the contract of
 * docs/output.md.  `id_json` is the record's id, already JSON-encoded (e.g. "\"a1\"" or "42"),
 * or NULL for null; `extra_json`, if non-NULL, is a JSON object's members text (without braces)
 * appended to the verdict (provenance).  Appends to *buf (realloc'ed; caller frees), growing
 * *len and *cap.
 */
IDT_API idt_status idt_result_json(const idt_scanner *sc, const idt_result *r,
				   const idt_field *fields, size_t nfields, const char *id_json,
				   size_t id_len, const char *extra_json, size_t extra_len,
				   char **buf, size_t *len, size_t *cap);

#ifdef __cplusplus
}
#endif
#endif
