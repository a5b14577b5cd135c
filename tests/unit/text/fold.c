/*
 * tests/unit/text/fold.c - the fold table against its references.
 *
 * The table is built from ICU (NFKC_Casefold, canonical decomposition, UTS #39 skeletons).  Here
 * it is compared, code point by code point, with an independent derivation from utf8proc
 * (utf8proc_map with COMPAT | CASEFOLD | COMPOSE | STRIPMARK) plus the same documented
 * post-rules (confusables via ICU's spoof checker, any-script digits to ASCII, punctuation to
 * separators), over whole blocks of letters.  Also: the table is a fixpoint (folding a fold
 * changes nothing), and the build stays fast.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <utf8proc.h>

#include "text/text_int.h"
#include "util/util.h"

static idt_folder *F;
static USpoofChecker *SC;

static int setup(void **state)
{
	(void)state;
	UErrorCode e = U_ZERO_ERROR;
	SC = uspoof_open(&e);
	return idt_folder_new(&F) == IDT_OK && U_SUCCESS(e) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	idt_folder_free(F);
	uspoof_close(SC);
	return 0;
}

/* ---------------------------------------------------------------------------------------
 * An independent reference fold, from utf8proc
 * --------------------------------------------------------------------------------------- */

/* ICU skeleton of c with marks removed, as UTF-8 in out; returns its length. */
static size_t skel(UChar32 c, char *out)
{
	UChar in[2], sk[64];
	int32_t n = 0, m;
	U16_APPEND_UNSAFE(in, n, c);
	UErrorCode e = U_ZERO_ERROR;
	m = uspoof_getSkeleton(SC, 0, in, n, sk, 64, &e);
	size_t k = 0;
	for (int32_t i = 0; i < m && U_SUCCESS(e);) {
		UChar32 x;
		U16_NEXT(sk, i, m, x);
		int t = u_charType(x);
		if (t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK ||
		    t == U_ENCLOSING_MARK)
			continue;
		k += idt__utf8_encode((uint32_t)x, out + k);
	}
	return k;
}

/* The ASCII letter whose skeleton equals c's, or 0 (the rule documented in fold.c). */
static char lookalike(UChar32 c)
{
	char a[64], b[64];
	size_t na = skel(c, a);
	for (int up = 0; up < 2; up++) {
		for (char l = 'a'; l <= 'z'; l++) {
			size_t nb = skel(up ? l - 32 : l, b);
			if (na == nb && memcmp(a, b, na) == 0) return l;
		}
	}
	return 0;
}

/* Reference fold of cp into out; returns the length. */
static size_t ref_fold(uint32_t cp, char *out)
{
	char in[4];
	size_t n = idt__utf8_encode(cp, in);
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t ml = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)n, &m,
	                                   UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE |
	                                       UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
	size_t k = 0;
	for (utf8proc_ssize_t i = 0; i < ml;) {
		utf8proc_int32_t c;
		i += utf8proc_iterate(m + i, ml - i, &c);
		int t = u_charType(c);
		char buf[4];
		if (c < 0x80) {
			buf[0] = (char)((c >= 'A' && c <= 'Z') ? c | 0x20 : c);
			bool word = (buf[0] >= 'a' && buf[0] <= 'z') || (c >= '0' && c <= '9') ||
			            strchr("@$!|", c);
			if (!word) buf[0] = ' ';
			if (buf[0] != ' ' || (k > 0 && out[k - 1] != ' ')) out[k++] = buf[0];
		} else if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
			continue;
		} else if (c == 0x03BC || c == 0x039C) { /* documented: micro */
			out[k++] = 'u';
		} else if (t == U_UPPERCASE_LETTER || t == U_LOWERCASE_LETTER ||
		           t == U_TITLECASE_LETTER) {
			char l = lookalike(c);
			if (!l && u_toupper(c) != c) l = lookalike(u_toupper(c));
			if (l)
				out[k++] = l;
			else
				k += idt__utf8_encode((uint32_t)c, out + k);
		} else if (t == U_MODIFIER_LETTER || t == U_OTHER_LETTER) {
			k += idt__utf8_encode((uint32_t)c, out + k);
		} else if (u_charDigitValue(c) >= 0 && u_charDigitValue(c) <= 9 &&
		           (t == U_DECIMAL_DIGIT_NUMBER || t == U_OTHER_NUMBER ||
		            t == U_LETTER_NUMBER)) {
			out[k++] = (char)('0' + u_charDigitValue(c));
		} else if (t == U_OTHER_SYMBOL || t == U_CURRENCY_SYMBOL ||
		           t == U_DECIMAL_DIGIT_NUMBER || t == U_OTHER_NUMBER ||
		           t == U_LETTER_NUMBER) {
			k += idt__utf8_encode((uint32_t)c, out + k);
		} else if (k > 0 && out[k - 1] != ' ') {
			out[k++] = ' ';
		}
	}
	while (k > 0 && out[k - 1] == ' ') k--;
	free(m);
	return k;
}

/* ---------------------------------------------------------------------------------------
 * Tests
 * --------------------------------------------------------------------------------------- */

/* Letters and numbers of whole blocks: the table equals the reference. */
static void test_blocks_match_utf8proc(void **state)
{
	(void)state;
	static const uint32_t blocks[][2] = {
	    {0x00C0, 0x024F},   /* Latin-1 letters, Latin Extended-A and -B */
	    {0x0370, 0x03FF},   /* Greek */
	    {0x0400, 0x052F},   /* Cyrillic and supplement */
	    {0x0530, 0x058F},   /* Armenian */
	    {0x05D0, 0x05EA},   /* Hebrew letters */
	    {0x0620, 0x064A},   /* Arabic letters */
	    {0x0660, 0x0669},   /* Arabic-Indic digits */
	    {0x0E01, 0x0E30},   /* Thai consonants */
	    {0x1E00, 0x1EFF},   /* Latin Extended Additional */
	    {0x2070, 0x209F},   /* super- and subscripts */
	    {0x2100, 0x214F},   /* letterlike symbols */
	    {0x2460, 0x24FF},   /* enclosed alphanumerics */
	    {0x3040, 0x30FF},   /* kana */
	    {0x4E00, 0x4FFF},   /* CJK (a sample) */
	    {0xAC00, 0xAD00},   /* Hangul (a sample) */
	    {0xFF01, 0xFF5E},   /* fullwidth ASCII */
	    {0x1D400, 0x1D7FF}, /* mathematical alphanumerics */
	};
	unsigned checked = 0, diffs = 0;
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
		for (uint32_t cp = blocks[b][0]; cp <= blocks[b][1]; cp++) {
			int t = u_charType((UChar32)cp);
			bool letter = t >= U_UPPERCASE_LETTER && t <= U_OTHER_LETTER;
			bool number = t == U_DECIMAL_DIGIT_NUMBER || t == U_LETTER_NUMBER ||
			              t == U_OTHER_NUMBER;
			if (!letter && !number) continue;
			if (u_hasBinaryProperty((UChar32)cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
				continue;
			/* U+037A GREEK YPOGEGRAMMENI: NFKC_Casefold (ICU) gives " ι", utf8proc
			 * decomposes it to U+0345, a mark, and strips it.  The table follows ICU.
			 */
			if (cp == 0x037A) continue;
			char a[128], r[128];
			size_t na = idt__fold_cp(F, cp, a), nr = ref_fold(cp, r);
			checked++;
			if (na != nr || memcmp(a, r, na) != 0) {
				if (diffs < 40)
					print_message(
					    "U+%04X: table \"%.*s\", reference \"%.*s\"\n", cp,
					    (int)na, a, (int)nr, r);
				diffs++;
			}
		}
	}
	print_message("%u letters and numbers compared, %u differ\n", checked, diffs);
	assert_true(checked > 3000);
	assert_int_equal(diffs, 0);
}

/* Documented folds of single code points, exactly. */
static void test_documented_folds(void **state)
{
	(void)state;
	static const struct {
		uint32_t cp;
		const char *fold;
	} cases[] = {
	    {0x00E9, "e"},
	    {0x00F1, "n"},
	    {0x00DF, "ss"},
	    {0xFB01, "fi"},
	    {0xFF46, "f"},
	    {0x1D41F, "f"},
	    {0x0430, "a"},
	    {0x0435, "e"},
	    {0x043E, "o"},
	    {0x0440, "p"},
	    {0x0441, "c"},
	    {0x0443, "y"},
	    {0x0445, "x"},
	    {0x0455, "s"},
	    {0x0456, "i"},
	    {0x03BF, "o"},
	    {0x03BD, "v"},
	    {0x0410, "a"},
	    {0x041E, "o"},
	    {0x0663, "3"},
	    {0x2460, "1"},
	    {0x24B6, "a"},
	    {0x2122, "tm"},
	    {0x00B2, "2"},
	    {0x200B, ""},
	    {0x200D, ""},
	    {0xFEFF, ""},
	    {0x00AD, ""},
	    {0xFE0F, ""},
	    {0x1F3FD, ""},
	    {0x0301, ""},
	    {0x00A0, " "},
	    {0x3000, " "},
	    {0x2014, " "},
	    {0x00BF, " "},
	    {0x1F525, "\xF0\x9F\x94\xA5"},
	    {0x5927, "\xE5\xA4\xA7"},
	    {0x0437, "\xD0\xB7"}, /* з stays: no letter→digit */
	    {0x0414, "\xD0\xB4"}, /* Д → д */
	    {0xFF20, "@"},
	    {0x00B5, "u"},
	    {0x03BC, "u"},
	    {0x039C, "u"},
	    {0x1F170, "a"},
	    {0x1F189, "z"},
	    {0x1F150, "a"},
	    {0x1F1FA, "\xF0\x9F\x87\xBA"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[128];
		size_t n = idt__fold_cp(F, cases[i].cp, out);
		if (n != strlen(cases[i].fold) || memcmp(out, cases[i].fold, n) != 0)
			fail_msg("U+%04X folds to \"%.*s\", expected \"%s\"", cases[i].cp, (int)n,
			         out, cases[i].fold);
	}
}

/* Folding a fold changes nothing: every non-ASCII code point of every fold is its own fold. */
static void test_fixpoint(void **state)
{
	(void)state;
	for (uint32_t cp = 0x80; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF) continue;
		uint32_t e = idt__fold_entry(F, cp);
		if ((e & FOLD_KIND_MASK) != FOLD_MAP) continue;
		const char *p = F->pool + FOLD_OFF(e), *end = p + FOLD_LEN(e);
		assert_true(p < end && *p != ' ' && end[-1] != ' ');
		while (p < end) {
			uint32_t c;
			size_t k =
			    idt__utf8_decode((const unsigned char *)p, (size_t)(end - p), &c);
			assert_true(k > 0);
			if (c >= 0x80) {
				uint32_t ce = idt__fold_entry(F, c) & FOLD_KIND_MASK;
				if (ce != FOLD_LETTER && ce != FOLD_SYMBOL)
					fail_msg("U+%04X folds via U+%04X of kind %u", cp, c, ce);
			} else if (c == ' ') {
				assert_true(p[1] != ' ');
			}
			p += k;
		}
	}
}

static void test_build_time_and_size(void **state)
{
	(void)state;
	print_message("fold table: %.1f ms, %zu bytes\n", idt__folder_build_ms(F),
	              idt__folder_bytes(F));
	assert_true(idt__folder_build_ms(F) < 1000); /* ~20 ms; generous under sanitizers */
	assert_true(idt__folder_bytes(F) < 4u << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_documented_folds),
	    cmocka_unit_test(test_blocks_match_utf8proc),
	    cmocka_unit_test(test_fixpoint),
	    cmocka_unit_test(test_build_time_and_size),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
