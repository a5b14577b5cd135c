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
 * The rules in detail (src/text/fold.c and norm.c implement them; tests/unit/text checks them):
 *
 *   Characters.  Per code point, from ICU: NFKC_Casefold, then marks (Mn, Mc, Me) removed after
 *   canonical decomposition ("é" → "e", "ﬁ" → "fi", "ß" → "ss", "ｆ" and "𝐟" → "f").  A
 *   cased non-ASCII letter (Latin, Greek, Cyrillic, Armenian, Cherokee ...) that UTS #39 likens
 *   to an ASCII letter becomes it ("а" → "a", "ο" → "o", "ν" → "v", "ł" → "l"); if the
 *   lower-case letter has no look-alike its capital's is used, so both cases fold alike ("н"
 *   and "Н" → "h").  Letter/digit look-alikes ("з"/"3") are not applied, and letters of
 *   scripts without case (CJK, Thai, Arabic, Hebrew ...) never become ASCII.  Decimal digits
 *   of every script become ASCII digits ("٣" → "3").  Default-ignorable and format characters
 *   (U+200B..U+200F, U+2060, U+FEFF, soft hyphen, variation selectors, tags) and emoji skin
 *   tones are dropped without splitting the token; a combining mark is dropped and its bytes
 *   join the span of the letter before it.  White space, controls, NUL, punctuation, math
 *   (Sm) and modifier (Sk) symbols are separators.  Other symbols (So, Sc: emoji, "€") are
 *   each a token of their own ("buy❄now" → "buy ❄ now"); unassigned and private-use code
 *   points too.  Symbols with a compatibility form fold like letters ("Ⓐ" → "a", "™" → "tm"),
 *   and so do the negative circled and squared letters ("🅰" → "a").  "μ" and "µ" fold to
 *   "u" (micro: "100µg" → "100ug"), not to the "m" their capital looks like.
 *
 *   Leetspeak.  Applied per segment, a maximal run of ASCII letters, digits and "@$!|" inside a
 *   token.  In a segment with at least 2 ASCII letters: its leading digits stay (numbers with
 *   units and chemical names: "100mg", "25i", "2c", "1p"); a run of digits after a letter folds
 *   when it is at most 2 long inside the segment ("w33d", "h3r01n") or 1 long at its end
 *   ("k3t4m1n3" → "ketamine"; "oxy30" stays; note "mp3" → "mpe"); the symbols "@$!|" fold when
 *   they stand between word characters ("f3nt@nyl" → "fentanyl").  With fewer letters nothing
 *   folds ("a1" stays) and symbols between word characters are separators ("a@1" → "a 1").
 *   "@$!|" at the start or end of a token are always separators ("hello!", "$100", "@user").
 *   Separators split tokens first: "3.5g" → "3 5g", "5413-05-8" → "5413 05 8".
 *
 *   Gluing.  A single-letter token is one (cased) letter after folding and collapsing ("aaa"
 *   is one).  A run of them is glued when it has at least 3 letters and every separator in it
 *   is the same original byte string ("c.o.c.a.i.n.e x" → "cocaine x"; "c o c a i n e" →
 *   "cocaine"); a single leet digit standing between them joins ("c.0.c.a.1.n.e").  Scripts
 *   without case are never glued.  Idempotence (normalising folded text changes nothing)
 *   holds except where that separator rule kept letters apart ("a.b c.d" → "a b c d").
 *
 *   Limits.  A token longer than 64 KiB (folded) is not leet-folded (its symbols stay as they
 *   are), and a glue run ends after 64 KiB: this bounds the work buffers.  Nothing that long
 *   is a word.
 *
 *   Repetition.  Identical ASCII letters in a row, also across dropped characters and after
 *   folding ("b00k" → "bok"), collapse to one; idt_norm_run() counts them.
 *
 * The offset map costs 5 bytes per folded byte (a 32-bit original start and an 8-bit original
 * length) plus 12 bytes per collapsed run; inputs are limited to 4 GiB - 128 KiB (IDT_ELIMIT).
 * All bytes of one folded character share its span; a space maps to the first byte of the
 * separator run it stands for (an empty span when it only separates a symbol).
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

/* Builds the fold tables (~20-50 ms, ~180 KB).  On failure *out is NULL: IDT_ENOMEM, or
 * IDT_EIO when ICU cannot load its normalisation or confusables data. */
IDT_API idt_status idt_folder_new(idt_folder **out);
IDT_API void idt_folder_free(idt_folder *f); /* NULL allowed */

/* A normalisation buffer whose folded text may not exceed `cap` bytes (0: 64 MiB). */
IDT_API idt_status idt_norm_new(size_t cap, idt_norm **out);
IDT_API void idt_norm_free(idt_norm *n); /* NULL allowed */

/*
 * Normalises s[0..len) into n, replacing what n held.  Returns IDT_OK even when the input had
 * invalid UTF-8 (see idt_norm_invalid()); IDT_ELIMIT if the folded text would exceed the cap
 * (n is then empty); IDT_ENOMEM (n is then empty); IDT_EINVAL for a NULL f or n, or a NULL s
 * with len > 0.  The folded text is NOT NUL-terminated.  Thread-safe for distinct n.
 */
IDT_API idt_status idt_normalize(const idt_folder *f, const char *s, size_t len, idt_norm *n);

/* The folded text; valid until the next idt_normalize() on n. */
IDT_API const char *idt_norm_text(const idt_norm *n, size_t *len);

/*
 * Maps the folded span [start, end) (end > start, end <= folded length) to the original span
 * [*ostart, *oend): the bytes of the original text that produced it, from the first byte of
 * the character that produced folded byte `start` to the end of the character (with its
 * combining marks, or the whole collapsed run) that produced byte end-1.  Out-of-range
 * arguments are clamped; on an empty folded text both are 0.
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
