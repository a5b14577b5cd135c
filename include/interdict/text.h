/*
 * interdict/text.h - text normalisation with an offset map back to the original bytes.
 *
 * Sellers hide names with look-alike letters ("fеntanyl" with a Cyrillic е), fullwidth forms,
 * accents, leetspeak ("f3nt@nyl"), zero-width characters, separators ("c.o.c.a.i.n.e") and
 * letter repetition ("cocaaaine").  The normaliser turns any UTF-8 text into a canonical stream
 * in which all of those read the same, and keeps, for every byte of that stream, where it came
 * from in the original, so that a match found in the stream is reported as a span of the
 * ORIGINAL bytes and quoted from them.
 *
 * The canonical stream ("folded text"):
 *   - NFKC, case folded, diacritics removed, confusables of Latin letters and digits (UTS #39)
 *     folded to ASCII; letters of other scripts stay (folded) UTF-8;
 *   - inside a token that also contains letters, leetspeak digits and symbols are folded
 *     (0→o 1→i 3→e 4→a 5→s 7→t 8→b @→a $→s !→i |→l); tokens of digits only stay digits;
 *   - zero-width and other format characters are dropped;
 *   - every run of separators (white space, punctuation) becomes one ASCII space; the stream
 *     neither starts nor ends with a space;
 *   - a run of three or more single-letter tokens joined by separators is glued into one token
 *     ("c.o.c.a.i.n.e" → "cocaine"); ordinary words are never glued together;
 *   - a run of the same ASCII letter is collapsed to one letter ("cocaaaine", "weed" → "wed");
 *     idt_norm_run() gives the original run length so that a matcher can require at least the
 *     repetition the term itself has ("wed" does not match "weed", "weeeed" does);
 *   - emoji and other symbols are kept as their own tokens (variation selectors dropped);
 *   - invalid UTF-8 bytes are counted, reported and replaced by a separator; never a crash.
 *
 * The same function normalises knowledge-base terms, so a term and the text agree on form.
 *
 * Threads: an idt_folder is immutable after idt_folder_new() and may be shared by all threads;
 * an idt_norm is a per-thread work buffer.
 */
#ifndef INTERDICT_TEXT_H
#define INTERDICT_TEXT_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The fold tables, derived at start-up from ICU and utf8proc.  Immutable and shareable. */
typedef struct idt_folder idt_folder;

/* A normalisation result buffer: the folded text and its maps.  Reused across calls. */
typedef struct idt_norm idt_norm;

/* Builds the fold tables.  On failure *out is NULL.  Takes a few milliseconds. */
IDT_API idt_status idt_folder_new(idt_folder **out);
IDT_API void idt_folder_free(idt_folder *f); /* NULL allowed */

/* A normalisation buffer whose folded text may not exceed `cap` bytes (0: 64 MiB). */
IDT_API idt_status idt_norm_new(size_t cap, idt_norm **out);
IDT_API void idt_norm_free(idt_norm *n); /* NULL allowed */

/*
 * Normalises s[0..len) into n, replacing what n held.  Returns IDT_OK even when the input had
 * invalid UTF-8 (see idt_norm_invalid()); IDT_ELIMIT if the folded text would exceed the cap
 * (n is then empty); IDT_ENOMEM.  The folded text is NOT NUL-terminated.
 */
IDT_API idt_status idt_normalize(const idt_folder *f, const char *s, size_t len, idt_norm *n);

/* The folded text; valid until the next idt_normalize() on n. */
IDT_API const char *idt_norm_text(const idt_norm *n, size_t *len);

/*
 * Maps the folded span [start, end) (end > start, end <= folded length) to the original span
 * [*ostart, *oend): the bytes of the original text that produced it.
 */
IDT_API void idt_norm_span(const idt_norm *n, size_t start, size_t end, size_t *ostart,
			   size_t *oend);

/* How many identical letters of the original were collapsed into folded byte pos (>= 1). */
IDT_API unsigned idt_norm_run(const idt_norm *n, size_t pos);

/* Invalid UTF-8 in the last input: how many bytes, and the offset of the first (if any). */
IDT_API size_t idt_norm_invalid(const idt_norm *n, size_t *first_offset);

/* Convenience: normalise into a new malloc'ed NUL-terminated string (caller frees). */
IDT_API idt_status idt_normalize_dup(const idt_folder *f, const char *s, size_t len, char **out,
				     size_t *outlen);

#ifdef __cplusplus
}
#endif
#endif
