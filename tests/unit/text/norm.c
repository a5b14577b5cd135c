/*
 * tests/unit/text/norm.c - idt_normalize(): each obfuscation technique with its exact folded
 * text and the exact original byte span of the folded word; invalid UTF-8, NUL bytes, empty
 * input, the cap; idempotence; and the offset map's invariants on mixed text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "interdict/text.h"
#include "text/text_int.h" /* idt__norm_reference */

static idt_folder *F;
static idt_norm *N;

static int setup(void **state)
{
	(void)state;
	if (idt_folder_new(&F) != IDT_OK) return -1;
	return idt_norm_new(0, &N) == IDT_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	idt_norm_free(N);
	idt_folder_free(F);
	return 0;
}

/* ---------------------------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------------------------- */

/* Normalises in[0..len) and checks the folded text is exactly `want`. */
static void norm_is(const char *in, size_t len, const char *want)
{
	assert_int_equal(idt_normalize(F, in, len, N), IDT_OK);
	size_t n;
	const char *t = idt_norm_text(N, &n);
	if (n != strlen(want) || memcmp(t, want, n) != 0)
		fail_msg("normalize(\"%.*s\") = \"%.*s\", expected \"%s\"", (int)len, in, (int)n, t,
		         want);
}

#define NORM_IS(lit, want) norm_is(lit, sizeof(lit) - 1, want)

/* The original span of the first occurrence of `word` in the last folded text. */
static void span_is(const char *word, size_t ostart, size_t oend)
{
	size_t n;
	const char *t = idt_norm_text(N, &n);
	size_t wl = strlen(word);
	for (size_t i = 0; i + wl <= n; i++) {
		if (memcmp(t + i, word, wl) != 0) continue;
		size_t a, b;
		idt_norm_span(N, i, i + wl, &a, &b);
		if (a != ostart || b != oend)
			fail_msg("span of \"%s\" is [%zu,%zu), expected [%zu,%zu)", word, a, b,
			         ostart, oend);
		return;
	}
	fail_msg("\"%s\" not in the folded text", word);
}

/* The run count of folded byte number `pos`. */
static void run_is(size_t pos, unsigned want)
{
	assert_int_equal(idt_norm_run(N, pos), want);
}

/* ---------------------------------------------------------------------------------------
 * Obfuscation techniques
 * --------------------------------------------------------------------------------------- */

static void test_leetspeak(void **state)
{
	(void)state;
	NORM_IS("buy f3nt@nyl now", "buy fentanyl now");
	span_is("fentanyl", 4, 12);
	NORM_IS("C0CAINE", "cocaine");
	span_is("cocaine", 0, 7);
	NORM_IS("k3t4m1n3 h3r01n m3th", "ketamine heroin meth");
	span_is("heroin", 9, 15);
	/* numbers with units and chemical names keep their digits */
	NORM_IS("100mg 3.5g oxy30 5413-05-8", "100mg 3 5g oxy30 5413 05 8");
	span_is("5g", 8, 10);
	NORM_IS("2C-B 4-AcO-DMT 25I-NBOMe 1P-LSD 5-MeO-DMT MDMA",
	        "2c b 4 aco dmt 25i nbome 1p lsd 5 meo dmt mdma");
	/* symbols fold only between word characters; digits only next to >= 2 letters */
	NORM_IS("hello! $100 @user gla$$ a@1 x4", "helo 100 user gla a 1 x4");
	span_is("user", 13, 17);
}

static void test_homoglyphs(void **state)
{
	(void)state;
	/* Cyrillic е (U+0435) at bytes 1..2 */
	NORM_IS("f\xD0\xB5ntanyl", "fentanyl");
	span_is("fentanyl", 0, 9);
	/* all Cyrillic look-alikes: с о с а і п? no: "сосаіnе" with Latin n */
	NORM_IS("\xD1\x81\xD0\xBE\xD1\x81\xD0\xB0\xD1\x96n\xD0\xB5", "cocaine");
	span_is("cocaine", 0, 13);
	/* Greek ο (U+03BF) and ν (U+03BD) */
	NORM_IS("c\xCE\xBF"
	        "caine \xCE\xBD"
	        "alium",
	        "cocaine valium");
	span_is("valium", 9, 16);
	/* Cyrillic words that are not disguise fold the same in either case */
	NORM_IS("\xD0\x9A\xD0\x9E\xD0\x9A\xD0\x90\xD0\x98\xD0\x9D "
	        "\xD0\xBA\xD0\xBE\xD0\xBA\xD0\xB0\xD0\xB8\xD0\xBD",
	        "koka\xD0\xB8h koka\xD0\xB8h");
	span_is("koka\xD0\xB8h", 0, 12);
}

static void test_fullwidth_and_math(void **state)
{
	(void)state;
	NORM_IS("\xEF\xBD\x86\xEF\xBD\x85\xEF\xBD\x8E\xEF\xBD\x94\xEF\xBD\x81\xEF\xBD\x8E"
	        "\xEF\xBD\x99\xEF\xBD\x8C",
	        "fentanyl");
	span_is("fentanyl", 0, 24);
	/* mathematical bold 𝐜𝐨𝐜𝐚𝐢𝐧𝐞 */
	NORM_IS("x \xF0\x9D\x90\x9C\xF0\x9D\x90\xA8\xF0\x9D\x90\x9C\xF0\x9D\x90\x9A\xF0\x9D\x90\xA2"
	        "\xF0\x9D\x90\xA7\xF0\x9D\x90\x9E",
	        "x cocaine");
	span_is("cocaine", 2, 30);
	/* circled letters and the fullwidth at sign */
	NORM_IS("\xE2\x93\x92\xE2\x93\x9E\xE2\x93\x9A\xE2\x93\x94 m\xEF\xBC\xA0ndy", "coke mandy");
	span_is("mandy", 13, 20);
	/* negative squared letters 🅲🅾🅺🅴; micrograms stay micrograms */
	NORM_IS("\xF0\x9F\x85\xB2\xF0\x9F\x85\xBE\xF0\x9F\x85\xBA\xF0\x9F\x85\xB4 100\xC2\xB5g",
	        "coke 100ug");
	span_is("coke", 0, 16);
	span_is("100ug", 17, 23);
}

static void test_diacritics(void **state)
{
	(void)state;
	NORM_IS("caf\xC3\xA9 se\xC3\xB1or", "cafe senor");
	span_is("cafe", 0, 5);
	span_is("senor", 6, 12);
	/* decomposed: the combining acute joins the span of its letter */
	NORM_IS("cafe\xCC\x81 x", "cafe x");
	span_is("cafe", 0, 6);
	NORM_IS("\xC5\x82"
	        "od\xC5\xBA",
	        "lodz"); /* ł has no decomposition: via UTS #39 */
}

static void test_zero_width(void **state)
{
	(void)state;
	NORM_IS("co\xE2\x80\x8B"
	        "caine",
	        "cocaine"); /* U+200B does not split the word */
	span_is("cocaine", 0, 10);
	NORM_IS("her\xC2\xADoin \xEF\xBB\xBFmdma\xE2\x81\xA0", "heroin mdma");
	span_is("heroin", 0, 8);
	span_is("mdma", 12, 16); /* the BOM before and the word joiner after are not in it */
}

static void test_spelled_out(void **state)
{
	(void)state;
	NORM_IS("buy c.o.c.a.i.n.e now", "buy cocaine now");
	span_is("cocaine", 4, 17);
	NORM_IS("c o c a i n e", "cocaine");
	span_is("cocaine", 0, 13);
	NORM_IS("c-o-c-a-i-n-e", "cocaine");
	NORM_IS("c . o . k . e", "coke");
	NORM_IS("c.0.c.a.1.n.e", "cocaine"); /* leet digits standing alone between letters */
	span_is("cocaine", 0, 13);
	NORM_IS("c.o.c.a.i.n.e x", "cocaine x"); /* a different separator ends the run */
	NORM_IS("i want a car", "i want a car");
	NORM_IS("a b", "a b");
	NORM_IS("plan a 1 b", "plan a 1 b");
	NORM_IS("\xD0\xB4.\xD0\xB6.\xD1\x88", "\xD0\xB4\xD0\xB6\xD1\x88"); /* д.ж.ш: cased */
	NORM_IS("\xE5\xA4\xA7 \xE9\xBA\xBB \xE4\xB9\xB0", "\xE5\xA4\xA7 \xE9\xBA\xBB \xE4\xB9\xB0");
}

static void test_repetition(void **state)
{
	(void)state;
	NORM_IS("cocaaaine weeed weed", "cocaine wed wed");
	span_is("cocaine", 0, 9);
	run_is(0, 1);
	run_is(3, 3); /* the a of cocaine */
	run_is(9, 3); /* the e of the first wed */
	run_is(13, 2);
	size_t a, b;
	idt_norm_span(N, 3, 4, &a, &b);
	assert_int_equal(a, 3);
	assert_int_equal(b, 6);
	/* repetition after folding: two fullwidth a's, a leet digit pair */
	NORM_IS("\xEF\xBD\x81\xEF\xBD\x81 b00k", "a bok");
	run_is(0, 2);
	run_is(3, 2);
	span_is("a", 0, 6);
}

static void test_emoji(void **state)
{
	(void)state;
	/* ❄ U+2744 + VS16, 👍 + skin tone U+1F3FD */
	NORM_IS("buy\xE2\x9D\x84\xEF\xB8\x8Fnow \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
	        "buy \xE2\x9D\x84 now \xF0\x9F\x91\x8D");
	span_is("\xE2\x9D\x84", 3, 6);
	span_is("now", 9, 12);
	span_is("\xF0\x9F\x91\x8D", 13, 17);
	/* each symbol is its own token; ZWJ sequences fall apart into their symbols */
	NORM_IS("\xF0\x9F\x92\x8A\xF0\x9F\x92\x8A", "\xF0\x9F\x92\x8A \xF0\x9F\x92\x8A");
	NORM_IS("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9",
	        "\xF0\x9F\x91\xA8 \xF0\x9F\x91\xA9");
}

static void test_cjk_and_other_scripts(void **state)
{
	(void)state;
	/* 出售大麻100克 */
	NORM_IS("\xE5\x87\xBA\xE5\x94\xAE\xE5\xA4\xA7\xE9\xBA\xBB"
	        "100\xE5\x85\x8B",
	        "\xE5\x87\xBA\xE5\x94\xAE\xE5\xA4\xA7\xE9\xBA\xBB"
	        "100\xE5\x85\x8B");
	span_is("\xE5\xA4\xA7\xE9\xBA\xBB", 6, 12);
	/* Arabic letters stay, Arabic-Indic digits become ASCII: ٣٠ */
	NORM_IS("\xD8\xAD\xD8\xB4\xD9\x8A\xD8\xB4 \xD9\xA3\xD9\xA0",
	        "\xD8\xAD\xD8\xB4\xD9\x8A\xD8\xB4 30");
	span_is("30", 9, 13);
	/* Thai กัญชา: the vowel mark is stripped, its bytes join the consonant's span */
	NORM_IS("\xE0\xB8\x81\xE0\xB8\xB1\xE0\xB8\x8D\xE0\xB8\x8A\xE0\xB8\xB2",
	        "\xE0\xB8\x81\xE0\xB8\x8D\xE0\xB8\x8A\xE0\xB8\xB2");
	span_is("\xE0\xB8\x81", 0, 6);
}

/* ---------------------------------------------------------------------------------------
 * Bad and edge input
 * --------------------------------------------------------------------------------------- */

static void test_invalid_utf8(void **state)
{
	(void)state;
	size_t first = 99;
	NORM_IS("abc\xFF"
	        "def\xC3",
	        "abc def");
	assert_int_equal(idt_norm_invalid(N, &first), 2);
	assert_int_equal(first, 3);
	/*      ^ offset 3: the 0xFF */
	span_is("def", 4, 7);
	NORM_IS("\xE2\x82 co\xED\xA0\x80"
	        "ke \xC0\xAF",
	        "co ke"); /* truncated, surrogate, overlong */
	assert_int_equal(idt_norm_invalid(N, &first), 7);
	assert_int_equal(first, 0);
	NORM_IS("clean", "clean");
	assert_int_equal(idt_norm_invalid(N, &first), 0);
	assert_int_equal(first, 0);
}

static void test_nul_bytes(void **state)
{
	(void)state;
	NORM_IS("co\0caine", "co caine");
	span_is("caine", 3, 8);
	NORM_IS("\0\0a\0\0b\0", "a b");
}

static void test_empty(void **state)
{
	(void)state;
	NORM_IS("", "");
	NORM_IS(" .,;- \t\n\xE2\x80\x8B ", "");
	assert_int_equal(idt_normalize(F, NULL, 0, N), IDT_OK);
	assert_int_equal(idt_norm_run(N, 0), 1);
	char *d;
	size_t dl;
	assert_int_equal(idt_normalize_dup(F, " Caf\xC3\xA9 ", 8, &d, &dl), IDT_OK);
	assert_string_equal(d, "cafe");
	assert_int_equal(dl, 4);
	free(d);
}

static void test_cap(void **state)
{
	(void)state;
	idt_norm *small;
	assert_int_equal(idt_norm_new(8, &small), IDT_OK);
	assert_int_equal(idt_normalize(F, "0123456789 abc", 14, small), IDT_ELIMIT);
	size_t n = 99;
	idt_norm_text(small, &n);
	assert_int_equal(n, 0);
	assert_int_equal(idt_normalize(F, "12345678", 8, small), IDT_OK);
	idt_norm_text(small, &n);
	assert_int_equal(n, 8);
	/* a long input folded into a short text is fine */
	char big[200000];
	memset(big, ' ', sizeof big);
	memcpy(big + 150000, "x", 1);
	assert_int_equal(idt_normalize(F, big, sizeof big, small), IDT_OK);
	idt_norm_free(small);
	idt_norm_free(NULL);
	idt_folder_free(NULL);
}

/* ---------------------------------------------------------------------------------------
 * Properties
 * --------------------------------------------------------------------------------------- */

static const char *const samples[] = {
    "buy f3nt@nyl now",
    "c.o.c.a.i.n.e x y",
    "i want a car",
    "cocaaaine weeed",
    "100mg 3.5g oxy30 2C-B 25I-NBOMe",
    "hello! $100 @user gla$$ a@1",
    "f\xD0\xB5ntanyl \xD0\x9A\xD0\x9E\xD0\x9A\xD0\x90\xD0\x98\xD0\x9D",
    "\xEF\xBD\x86\xEF\xBD\x85\xEF\xBD\x8E",
    "buy\xE2\x9D\x84\xEF\xB8\x8Fnow \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
    ("\xE5\x87\xBA\xE5\x94\xAE\xE5\xA4\xA7\xE9\xBA\xBB"
     "100\xE5\x85\x8B"),
    "caf\xC3\xA9 \xEF\xAC\x81ne \xC3\x9F \xE2\x84\x80 \xE2\x91\xB4",
    "x y z w4 a1b2 p@$$ w33d k3t4m1n3 c 0 c",
    "aaa b c ll m o o n",
};

static void test_idempotent(void **state)
{
	(void)state;
	idt_norm *n2;
	assert_int_equal(idt_norm_new(0, &n2), IDT_OK);
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		assert_int_equal(idt_normalize(F, samples[i], strlen(samples[i]), N), IDT_OK);
		size_t l1, l2;
		const char *t1 = idt_norm_text(N, &l1);
		assert_int_equal(idt_normalize(F, t1, l1, n2), IDT_OK);
		const char *t2 = idt_norm_text(n2, &l2);
		if (l1 != l2 || memcmp(t1, t2, l1) != 0)
			fail_msg("\"%s\" -> \"%.*s\" -> \"%.*s\"", samples[i], (int)l1, t1, (int)l2,
			         t2);
	}
	idt_norm_free(n2);
}

/* Every folded byte maps inside the input, starts never decrease, every span is non-empty
 * unless it is a separator's. */
static void test_offset_map_invariants(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		size_t len = strlen(samples[i]), n, prev = 0;
		assert_int_equal(idt_normalize(F, samples[i], len, N), IDT_OK);
		const char *t = idt_norm_text(N, &n);
		for (size_t j = 0; j < n; j++) {
			size_t a, b;
			idt_norm_span(N, j, j + 1, &a, &b);
			assert_true(a >= prev && a <= b && b <= len);
			if (t[j] != ' ') assert_true(b > a);
			prev = a;
			assert_true(idt_norm_run(N, j) >= 1);
		}
	}
}

/* The fast loops (16-byte blocks, the branch-free byte loop, word and letter runs) give the
 * same text, spans and runs as the general path, on generated word soup with every kind of
 * boundary they must hand over. */
static void test_fast_loops_match_general_path(void **state)
{
	(void)state;
	static const char *const words[] = {
	    "fast",
	    "shipping",
	    "a",
	    "i",
	    "x",
	    "book",
	    "weed",
	    "Quality",
	    "c o c a",
	    "f3nt@nyl",
	    "100mg",
	    "  ",
	    ", ",
	    "caf\xC3\xA9",
	    "\xD0\xBA\xD0\xBE",
	    "\xF0\x9F\x94\xA5",
	    "ll",
	    "AAA",
	    "b",
	    "e",
	    "\xE2\x80\x8B",
	    "t.h.e",
	    "\n",
	    "x!y",
	    "ZZ top",
	};
	char buf[4096];
	uint64_t r = 12345;
	idt_norm *n2;
	assert_int_equal(idt_norm_new(0, &n2), IDT_OK);
	for (int round = 0; round < 400; round++) {
		size_t len = 0;
		while (len < sizeof buf - 64) {
			r = r * 6364136223846793005ull + 1442695040888963407ull;
			const char *w = words[(r >> 33) % (sizeof words / sizeof words[0])];
			size_t wl = strlen(w);
			memcpy(buf + len, w, wl);
			len += wl;
			buf[len++] = (r >> 20) % 7 ? ' ' : '.';
			if (len > (size_t)(round * 10 + 20)) break;
		}
		assert_int_equal(idt_normalize(F, buf, len, N), IDT_OK);
		idt__norm_reference = 1;
		assert_int_equal(idt_normalize(F, buf, len, n2), IDT_OK);
		idt__norm_reference = 0;
		size_t l1, l2;
		const char *t1 = idt_norm_text(N, &l1), *t2 = idt_norm_text(n2, &l2);
		if (l1 != l2 || memcmp(t1, t2, l1) != 0)
			fail_msg("\"%.*s\": \"%.*s\" vs \"%.*s\"", (int)len, buf, (int)l1, t1,
			         (int)l2, t2);
		for (size_t j = 0; j < l1; j++) {
			size_t a, b, a2, b2;
			if (t1[j] == ' ') continue; /* a space's span may differ: not a contract */
			idt_norm_span(N, j, j + 1, &a, &b);
			idt_norm_span(n2, j, j + 1, &a2, &b2);
			if (a != a2 || b != b2)
				fail_msg("\"%.*s\" byte %zu: [%zu,%zu) vs [%zu,%zu)", (int)len, buf,
				         j, a, b, a2, b2);
			assert_int_equal(idt_norm_run(N, j), idt_norm_run(n2, j));
		}
	}
	idt_norm_free(n2);
}

/* Inputs longer than the pass's 64 KiB chunks, with the largest expansions (U+FDFA, 3 bytes,
 * folds to 33) on chunk boundaries: the folded text and its map stay consistent. */
static void test_long_inputs(void **state)
{
	(void)state;
	static const char *const pieces[] = {
	    "\xEF\xB7\xBA",     "\xE2\x84\x80", "word ",     "\xF0\x9F\x94\xA5", "a b c ", "x",
	    "\xD0\xBA\xD0\xBE", "  ",           "f3nt@nyl ", "\xC3\x9F",         "\xFF",
	};
	size_t cap = 300000, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	uint64_t r = 99;
	while (len + 16 < cap) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		const char *pc = pieces[(r >> 33) % (sizeof pieces / sizeof pieces[0])];
		size_t pl = strlen(pc);
		memcpy(buf + len, pc, pl);
		len += pl;
	}
	for (int k = 0; k < 2; k++) {
		idt__norm_reference = k;
		assert_int_equal(idt_normalize(F, buf, len, N), IDT_OK);
		size_t n, prev = 0;
		const char *t = idt_norm_text(N, &n);
		assert_true(n > len / 2);
		assert_true(t[0] != ' ' && t[n - 1] != ' ');
		for (size_t j = 0; j < n; j++) {
			size_t a, b;
			idt_norm_span(N, j, j + 1, &a, &b);
			assert_true(a >= prev && a <= b && b <= len);
			prev = a;
			if (j > 0) assert_false(t[j] == ' ' && t[j - 1] == ' ');
		}
	}
	idt__norm_reference = 0;
	/* all expansions: 100000 x U+FDFA */
	for (size_t j = 0; j + 3 <= cap; j += 3) memcpy(buf + j, "\xEF\xB7\xBA", 3);
	assert_int_equal(idt_normalize(F, buf, cap / 3 * 3, N), IDT_OK);
	size_t n;
	idt_norm_text(N, &n);
	assert_true(n > cap * 10);
	idt_norm *small;
	assert_int_equal(idt_norm_new(100000, &small), IDT_OK);
	assert_int_equal(idt_normalize(F, buf, cap / 3 * 3, small), IDT_ELIMIT);
	idt_norm_free(small);
	free(buf);
}

/* Tokens and glue runs longer than the 64 KiB slow-path limit are handled without their
 * scratch buffers growing with them. */
static void test_huge_tokens(void **state)
{
	(void)state;
	size_t len = 300000;
	char *buf = malloc(len);
	assert_non_null(buf);
	for (size_t j = 0; j < len; j += 2) memcpy(buf + j, j % 4 ? "a@" : "b1", 2);
	assert_int_equal(idt_normalize(F, buf, len, N), IDT_OK);
	size_t n;
	const char *t = idt_norm_text(N, &n);
	assert_int_equal(n, len - 1); /* one token, too long to fold: kept as written, but the
	                                 trailing "@" */
	assert_memory_equal(t, "b1a@", 4);
	for (size_t j = 0; j < len; j += 2) memcpy(buf + j, j % 4 ? "x " : "y ", 2);
	assert_int_equal(idt_normalize(F, buf, len, N), IDT_OK);
	t = idt_norm_text(N, &n);
	assert_true(n < len / 2 + 10); /* glued, in runs of up to 64 KiB */
	assert_memory_equal(t, "yxyx", 4);
	size_t spaces = 0;
	for (size_t j = 0; j < n; j++) spaces += t[j] == ' ';
	assert_true(spaces >= 2 && spaces <= 10);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_leetspeak),
	    cmocka_unit_test(test_homoglyphs),
	    cmocka_unit_test(test_fullwidth_and_math),
	    cmocka_unit_test(test_diacritics),
	    cmocka_unit_test(test_zero_width),
	    cmocka_unit_test(test_spelled_out),
	    cmocka_unit_test(test_repetition),
	    cmocka_unit_test(test_emoji),
	    cmocka_unit_test(test_cjk_and_other_scripts),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_nul_bytes),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_idempotent),
	    cmocka_unit_test(test_offset_map_invariants),
	    cmocka_unit_test(test_fast_loops_match_general_path),
	    cmocka_unit_test(test_long_inputs),
	    cmocka_unit_test(test_huge_tokens),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
