/*
 * fold.c - builds the per-code-point fold table (text_int.h) at start-up from ICU's Unicode
 * facts, and owns idt_folder_new() / idt_folder_free().
 *
 * For every code point >= U+0080 the table records what idt_normalize() turns it into:
 *
 *   kind          which code points                              becomes
 *   FOLD_DROP     default-ignorable (ZWSP, ZWJ, soft hyphen,      nothing; the token goes on
 *                 variation selectors, tags, fillers), format
 *                 characters (Cf), emoji skin-tone modifiers
 *   FOLD_MARK     combining marks (Mn, Mc, Me)                   nothing; the bytes join the
 *                                                                span of the letter before
 *   FOLD_SEP      controls, white space, punctuation, math (Sm)   a token boundary
 *                 and modifier (Sk) symbols
 *   FOLD_SYMBOL   other symbols (So, Sc: emoji, currency),        itself, as its own token
 *                 unassigned and private-use code points
 *   FOLD_LETTER   letters and numbers whose fold is themselves    itself
 *   FOLD_MAP      everything else                                the pool string
 *
 * The fold of a letter or number is computed as: NFKC_Casefold; canonical decomposition; marks
 * and default-ignorables removed; canonical composition (so "é" → "e", "ﬁ" → "fi", "ｆ" → "f",
 * "𝐟" → "f", "ß" → "ss").  Then each remaining code point is folded further:
 *   - a non-ASCII cased letter (Lu, Ll, Lt: Latin, Greek, Cyrillic, Armenian, Cherokee ...)
 *     that UTS #39 (ICU's spoof checker skeleton, marks ignored) says is confusable with an
 *     ASCII letter becomes that letter (lower-case letters preferred, so "ł" → "l" rather
 *     than "i"): "а" (Cyrillic) → "a", "ο" (Greek) →
 *     "o", "ν" → "v".  Case folding comes first, so a lower-case letter and its capital must
 *     fold alike; when the lower-case letter itself has no ASCII look-alike, its capital's is
 *     used ("н" → "h" because "Н" looks like "H").  Confusables between letters and digits
 *     ("з" looks like "3") are NOT applied: a letter stays a letter.  Letters of scripts
 *     without case (Hebrew, Arabic, CJK, Thai ...) are never folded to look-alikes: they are
 *     genuine text, not disguise ("ا" stays, although UTS #39 likens it to "l");
 *   - a decimal digit of any script (Nd) becomes its ASCII digit ("٣" → "3");
 *   - other code points are kept when they are letters or symbols, and become a separator
 *     (ASCII space) when they are punctuation, spaces or other symbols ("⑴" → "1", "℀" → "a c").
 * Symbols with a compatibility mapping fold like letters ("Ⓐ" → "a", "™" → "tm"), and so do
 * the negative circled and squared Latin letters U+1F150.. and U+1F170.. ("🅰" → "a"), which
 * have none.  Exception: "μ" (and "µ", "Μ") folds to "u", as in "ug", not to the "m" its
 * capital looks like.  Punctuation
 * whose NFKC form is one of the leet symbols "@$!|" (fullwidth "＠") maps to it.
 *
 * Building takes ~20-40 ms (most of it opening ICU's confusables data); blocks of 256 identical
 * entries are shared, so the table takes ~0.5 MB.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "text/text_int.h"
#include "util/util.h"

/* ---------------------------------------------------------------------------------------
 * Build context
 * --------------------------------------------------------------------------------------- */

#define MAX_UNITS 64 /* UTF-16 units of any intermediate fold (U+FDFA needs 18) */

typedef struct skel_entry {
	UChar sk[4]; /* skeleton of an ASCII letter or digit, marks removed */
	int len;
	char ascii; /* the lower-case ASCII letter or the digit */
} skel_entry;

typedef struct build_ctx {
	const UNormalizer2 *nfkc_cf, *nfd, *nfc;
	USpoofChecker *spoof; /* owned until the end of the build */
	skel_entry skel[62];  /* letters first, then digits */
	int nskel;
	char *pool; /* grows; handed to the folder */
	size_t pool_len, pool_cap;
	uint32_t uniform_val[32]; /* values of shared uniform blocks ... */
	uint16_t uniform_blk[32]; /* ... and their block indexes */
	int nuniform;
} build_ctx;

static bool is_letter_type(int t)
{
	return t >= U_UPPERCASE_LETTER && t <= U_OTHER_LETTER;
}

static bool is_mark_type(int t)
{
	return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK;
}

static bool is_leet_sym(int c)
{
	return c == '@' || c == '$' || c == '!' || c == '|';
}

/* Skeleton of the UTF-16 string in[0..n) with combining marks removed, into out (cap units).
 * Returns the length, or -1 on an ICU error or overflow. */
static int skeleton(build_ctx *bc, const UChar *in, int n, UChar *out, int cap)
{
	UErrorCode e = U_ZERO_ERROR;
	UChar tmp[MAX_UNITS];
	int32_t m = uspoof_getSkeleton(bc->spoof, 0, in, n, tmp, MAX_UNITS, &e);
	if (U_FAILURE(e) || m > MAX_UNITS) return -1;
	int k = 0;
	for (int32_t i = 0; i < m;) {
		UChar32 c;
		U16_NEXT(tmp, i, m, c);
		if (is_mark_type(u_charType(c))) continue;
		if (k + 2 > cap) return -1;
		U16_APPEND_UNSAFE(out, k, c);
	}
	return k;
}

/* The ASCII look-alike of the letter c ('a'..'z'), or 0.  Only letter targets are accepted. */
static char ascii_lookalike(build_ctx *bc, UChar32 c)
{
	UChar in[2], sk[8];
	int n = 0;
	U16_APPEND_UNSAFE(in, n, c);
	int m = skeleton(bc, in, n, sk, 8);
	if (m <= 0 || m > 4 || sk[0] >= 0x80) return 0;
	for (int i = 0; i < bc->nskel; i++) {
		const skel_entry *s = &bc->skel[i];
		if (s->len == m && memcmp(s->sk, sk, (size_t)m * sizeof(UChar)) == 0 &&
		    s->ascii >= 'a' && s->ascii <= 'z')
			return s->ascii;
	}
	return 0;
}

/* Skeletons of the 62 ASCII letters and digits; lower-case letters win over upper-case ones
 * (both stored as the lower-case letter), letters over digits ("O" and "0" share one). */
static int build_skel_table(build_ctx *bc)
{
	static const char order[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	for (const char *p = order; *p; p++) {
		UChar in[1] = {(UChar)*p};
		skel_entry *s = &bc->skel[bc->nskel];
		s->len = skeleton(bc, in, 1, s->sk, 4);
		if (s->len <= 0) continue;
		s->ascii = (*p >= 'A' && *p <= 'Z') ? (char)(*p | 0x20) : *p;
		bool dup = false;
		for (int i = 0; i < bc->nskel; i++)
			if (bc->skel[i].len == s->len &&
			    memcmp(bc->skel[i].sk, s->sk, (size_t)s->len * sizeof(UChar)) == 0)
				dup = true;
		if (!dup) bc->nskel++;
	}
	return bc->nskel > 0 ? 0 : -1;
}

/* ---------------------------------------------------------------------------------------
 * Folding one code point
 * --------------------------------------------------------------------------------------- */

/* NFKC_Casefold, then NFD, marks and default-ignorables removed, then NFC.  Returns the UTF-16
 * length in out (MAX_UNITS), or -1. */
static int base_fold(build_ctx *bc, UChar32 cp, UChar *out)
{
	UErrorCode e = U_ZERO_ERROR;
	UChar in[2], a[MAX_UNITS], b[MAX_UNITS];
	int n = 0;
	U16_APPEND_UNSAFE(in, n, cp);
	int32_t na = unorm2_normalize(bc->nfkc_cf, in, n, a, MAX_UNITS, &e);
	int32_t nb = U_SUCCESS(e) ? unorm2_normalize(bc->nfd, a, na, b, MAX_UNITS, &e) : 0;
	if (U_FAILURE(e) || nb > MAX_UNITS) return -1;
	int k = 0;
	for (int32_t i = 0; i < nb;) {
		UChar32 c;
		U16_NEXT(b, i, nb, c);
		if (is_mark_type(u_charType(c)) ||
		    u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
			continue;
		U16_APPEND_UNSAFE(a, k, c);
	}
	int32_t m = unorm2_normalize(bc->nfc, a, k, out, MAX_UNITS, &e);
	return U_FAILURE(e) || m > MAX_UNITS ? -1 : m;
}

/* Appends the fold of one code point c of a base fold to out (UTF-8, room for 4 more bytes
 * guaranteed by the caller), as described at the top of this file. */
static size_t fold_one(build_ctx *bc, UChar32 c, char *out)
{
	int t = u_charType(c);
	if (c < 0x80) {
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || is_leet_sym(c)) {
			*out = (char)c;
			return 1;
		}
		if (c >= 'A' && c <= 'Z') {
			*out = (char)(c | 0x20);
			return 1;
		}
		*out = ' ';
		return 1;
	}
	if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || t == U_FORMAT_CHAR ||
	    is_mark_type(t))
		return 0;
	if (c == 0x03BC) { /* μ, also from µ and Μ: micro, as in "ug" (Μ looks like M) */
		*out = 'u';
		return 1;
	}
	if (t == U_UPPERCASE_LETTER || t == U_LOWERCASE_LETTER || t == U_TITLECASE_LETTER) {
		char a = ascii_lookalike(bc, c);
		if (!a) {
			UChar32 up = u_toupper(c);
			if (up != c) a = ascii_lookalike(bc, up);
		}
		if (a) {
			*out = a;
			return 1;
		}
		return idt__utf8_encode((uint32_t)c, out);
	}
	if (is_letter_type(t)) return idt__utf8_encode((uint32_t)c, out);
	if (t == U_DECIMAL_DIGIT_NUMBER || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER) {
		int32_t v = u_charDigitValue(c);
		if (v >= 0 && v <= 9) {
			*out = (char)('0' + v);
			return 1;
		}
		return idt__utf8_encode((uint32_t)c, out);
	}
	if (t == U_OTHER_SYMBOL || t == U_CURRENCY_SYMBOL || t == U_UNASSIGNED ||
	    t == U_PRIVATE_USE_CHAR)
		return idt__utf8_encode((uint32_t)c, out);
	*out = ' ';
	return 1;
}

/* Appends s[0..n) to the pool and returns the FOLD_MAP entry for it, or UINT32_MAX when the
 * pool cannot grow. */
static uint32_t pool_entry(build_ctx *bc, const char *s, size_t n)
{
	if (bc->pool_len + n > FOLD_MAX_OFF) return UINT32_MAX;
	if (bc->pool_len + n > bc->pool_cap) {
		size_t nc = bc->pool_cap ? bc->pool_cap * 2 : 65536;
		char *p = realloc(bc->pool, nc);
		if (!p) return UINT32_MAX;
		bc->pool = p;
		bc->pool_cap = nc;
	}
	memcpy(bc->pool + bc->pool_len, s, n);
	uint32_t e = FOLD_MAP | ((uint32_t)n << 4) | ((uint32_t)bc->pool_len << 10);
	bc->pool_len += n;
	return e;
}

/* Whether cp has a canonical decomposition (then marks may need stripping). */
static bool has_decomposition(build_ctx *bc, UChar32 cp)
{
	UErrorCode e = U_ZERO_ERROR;
	UChar buf[MAX_UNITS];
	return unorm2_getRawDecomposition(bc->nfd, cp, buf, MAX_UNITS, &e) >= 0;
}

/* The table entry for cp >= 0x80, or UINT32_MAX on an internal failure. */
static uint32_t entry_for(build_ctx *bc, UChar32 cp)
{
	int t = u_charType(cp);
	if (t == U_UNASSIGNED || t == U_PRIVATE_USE_CHAR) return FOLD_SYMBOL;
	if (t == U_SURROGATE) return FOLD_SEP;
	if (cp >= 0x1F3FB && cp <= 0x1F3FF) return FOLD_DROP; /* emoji skin tones */
	if ((cp >= 0x1F150 && cp <= 0x1F169) || (cp >= 0x1F170 && cp <= 0x1F189)) {
		/* negative circled and squared Latin letters ("🅲🅾🅺🅴"): symbols without a
		 * compatibility form, used as letters */
		char c = (char)('a' + (cp - (cp >= 0x1F170 ? 0x1F170 : 0x1F150)));
		return pool_entry(bc, &c, 1);
	}
	if (t == U_FORMAT_CHAR || u_hasBinaryProperty(cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
		return FOLD_DROP;
	if (is_mark_type(t)) return FOLD_MARK;
	if (t == U_CONTROL_CHAR || t == U_SPACE_SEPARATOR || t == U_LINE_SEPARATOR ||
	    t == U_PARAGRAPH_SEPARATOR)
		return FOLD_SEP;
	bool letter = is_letter_type(t);
	uint32_t glue =
	    (t == U_UPPERCASE_LETTER || t == U_LOWERCASE_LETTER || t == U_TITLECASE_LETTER)
	        ? FOLD_GLUE
	        : 0;
	/* Letters without case never fold to ASCII look-alikes (below): when they are also
	 * normalisation-inert, they stay as they are.  This skips most of the code space (CJK,
	 * Hangul, Yi, Tangut ...) quickly. */
	if ((t == U_OTHER_LETTER || t == U_MODIFIER_LETTER) && unorm2_isInert(bc->nfkc_cf, cp) &&
	    !has_decomposition(bc, cp))
		return FOLD_LETTER | glue;

	UChar base[MAX_UNITS];
	int nb = base_fold(bc, cp, base);
	if (nb < 0) return UINT32_MAX;
	bool sym = t == U_OTHER_SYMBOL || t == U_CURRENCY_SYMBOL;
	UChar32 first;
	int i0 = 0;
	if (nb > 0) U16_NEXT(base, i0, nb, first);
	bool same = nb > 0 && i0 == nb && first == cp;
	if (!letter && t != U_DECIMAL_DIGIT_NUMBER && t != U_LETTER_NUMBER && t != U_OTHER_NUMBER &&
	    !(sym && !same)) {
		/* Punctuation, Sm, Sk, and symbols without a mapping. */
		if (nb == 1 && base[0] < 0x80 && is_leet_sym(base[0])) {
			char c = (char)base[0];
			return pool_entry(bc, &c, 1);
		}
		return sym ? FOLD_SYMBOL : FOLD_SEP;
	}

	char out[4 * MAX_UNITS + 8];
	size_t n = 0;
	for (int i = 0; i < nb;) {
		UChar32 c;
		U16_NEXT(base, i, nb, c);
		size_t k = fold_one(bc, c, out + n);
		/* Separators: never leading, never doubled (trailing ones are cut below). */
		if (k == 1 && out[n] == ' ' && (n == 0 || out[n - 1] == ' ')) continue;
		n += k;
	}
	while (n > 0 && out[n - 1] == ' ') n--;
	if (n == 0) return nb == 0 ? FOLD_DROP : FOLD_SEP;
	char self[4];
	size_t ns = idt__utf8_encode((uint32_t)cp, self);
	if (n == ns && memcmp(out, self, n) == 0) return (sym ? FOLD_SYMBOL : FOLD_LETTER) | glue;
	if (n > FOLD_MAX_LEN) return sym ? FOLD_SYMBOL : FOLD_LETTER; /* none in Unicode 15 */
	return pool_entry(bc, out, n);
}

/* ---------------------------------------------------------------------------------------
 * The table
 * --------------------------------------------------------------------------------------- */

static idt_status build_blocks(build_ctx *bc, idt_folder *f)
{
	size_t cap = 64;
	f->stage2 = malloc(cap * 256 * sizeof(uint32_t));
	if (!f->stage2) return IDT_ENOMEM;
	uint32_t blk[256];
	for (uint32_t b = 0; b < (0x110000 >> 8); b++) {
		bool uniform = true;
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t cp = (b << 8) | i;
			blk[i] = cp < 0x80 ? FOLD_SEP : entry_for(bc, (UChar32)cp);
			if (blk[i] == UINT32_MAX) return IDT_ENOMEM;
			if (blk[i] != blk[0]) uniform = false;
		}
		if (uniform) {
			int u;
			for (u = 0; u < bc->nuniform; u++)
				if (bc->uniform_val[u] == blk[0]) break;
			if (u < bc->nuniform) {
				f->stage1[b] = bc->uniform_blk[u];
				continue;
			}
			if (bc->nuniform < (int)IDT_ARRAY_LEN(bc->uniform_val)) {
				bc->uniform_val[bc->nuniform] = blk[0];
				bc->uniform_blk[bc->nuniform++] = (uint16_t)f->nblocks;
			}
		}
		if (f->nblocks == cap) {
			uint32_t *p = realloc(f->stage2, cap * 2 * 256 * sizeof(uint32_t));
			if (!p) return IDT_ENOMEM;
			f->stage2 = p;
			cap *= 2;
		}
		memcpy(f->stage2 + f->nblocks * 256, blk, sizeof blk);
		f->stage1[b] = (uint16_t)f->nblocks++;
	}
	return IDT_OK;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Builds the table.  ICU failures to load its data are reported as IDT_EIO. */
idt_status idt_folder_new(idt_folder **out)
{
	if (!out) return IDT_EINVAL;
	*out = NULL;
	double t0 = now_ms();
	idt_folder *f = calloc(1, sizeof *f);
	build_ctx *bc = calloc(1, sizeof *bc);
	idt_status st = IDT_ENOMEM;
	if (!f || !bc) goto done;
	UErrorCode e = U_ZERO_ERROR;
	bc->nfkc_cf = unorm2_getNFKCCasefoldInstance(&e);
	bc->nfd = unorm2_getNFDInstance(&e);
	bc->nfc = unorm2_getNFCInstance(&e);
	bc->spoof = U_SUCCESS(e) ? uspoof_open(&e) : NULL;
	st = IDT_EIO;
	if (U_FAILURE(e) || !bc->spoof || build_skel_table(bc) != 0) goto done;
	st = build_blocks(bc, f);
	if (st != IDT_OK) goto done;
	f->pool = bc->pool;
	f->pool_len = bc->pool_len;
	bc->pool = NULL;
	f->build_ms = now_ms() - t0;
	*out = f;
	f = NULL;
done:
	if (bc) {
		if (bc->spoof) uspoof_close(bc->spoof);
		free(bc->pool);
		free(bc);
	}
	idt_folder_free(f);
	return st;
}

void idt_folder_free(idt_folder *f)
{
	if (!f) return;
	free(f->stage2);
	free(f->pool);
	free(f);
}

size_t idt__folder_bytes(const idt_folder *f)
{
	return sizeof *f + f->nblocks * 256 * sizeof(uint32_t) + f->pool_len;
}

double idt__folder_build_ms(const idt_folder *f)
{
	return f->build_ms;
}

size_t idt__fold_cp(const idt_folder *f, uint32_t cp, char *out)
{
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z') cp |= 0x20;
		bool word = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
		out[0] = word ? (char)cp : ' ';
		return 1;
	}
	if (cp > 0x10FFFF) return 0;
	uint32_t e = idt__fold_entry(f, cp);
	switch (e & FOLD_KIND_MASK) {
	case FOLD_LETTER:
	case FOLD_SYMBOL: return idt__utf8_encode(cp, out);
	case FOLD_MAP: memcpy(out, f->pool + FOLD_OFF(e), FOLD_LEN(e)); return FOLD_LEN(e);
	case FOLD_SEP: out[0] = ' '; return 1;
	default: return 0;
	}
}
