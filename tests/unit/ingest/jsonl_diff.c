/*
 * jsonl_diff.c - differential test of the JSON Lines scanner (read_jsonl.c) against jansson:
 * on many generated lines (random nesting, escapes, Unicode, numbers near the limits, and
 * damaged variants of each) the scanner must accept exactly the lines jansson accepts as an
 * object, and extract the same text and id values.  The comparison itself (jsonl_diff.h) is
 * shared with fuzz/fuzz_read_jsonl.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "jsonl_diff.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void put(idt_buf *b, const char *s)
{
	idt__buf_puts(b, s);
}

static const char *const keys[] = {"text", "title", "id", "x", "t\\u0065xt", "ti\\/tle", "\\u00e9"};
static const char *const pieces[] = {
    "a",
    " ",
    "fentanyl",
    "\\n",
    "\\\"",
    "\\\\",
    "\\/",
    "\\u00e9",
    "\\u20AC",
    "\\ud83d\\ude00",
    "é",
    "€",
    "😀",
    "\\t",
    "\\b\\f\\r",
    "\\u0041",
    "\xd0\xba\xd0\xbe\xd0\xba\xd0\xb0",
    "\\uDBFF\\uDFFF",
    "日本",
};
static const char *const numbers[] = {
    "0",
    "-0",
    "42",
    "-17",
    "3.14",
    "1e10",
    "1E+2",
    "-2.5e-3",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "1e308",
    "1.7976931348623157e308",
    "1.8e308",
    "2e308",
    "0.0000001e315",
    "123456789012345678901234567890",
    "1e-400",
    "10e307",
    "0e999999",
};

static void gen_string(idt_buf *b)
{
	put(b, "\"");
	int n = (int)rnd(5);
	for (int i = 0; i < n; i++) put(b, pieces[rnd(IDT_ARRAY_LEN(pieces))]);
	put(b, "\"");
}

static void ws(idt_buf *b)
{
	static const char *const w[] = {"", "", "", " ", "\t", " \r ", "  "};
	put(b, w[rnd(IDT_ARRAY_LEN(w))]);
}

static void gen_value(idt_buf *b, int depth)
{
	int k = (int)rnd(depth > 4 ? 5 : 8);
	switch (k) {
	case 0:
	case 1: gen_string(b); break;
	case 2: put(b, numbers[rnd(IDT_ARRAY_LEN(numbers))]); break;
	case 3: put(b, rnd(3) == 0 ? "true" : rnd(2) ? "false" : "null"); break;
	case 4: gen_string(b); break;
	case 5:
	case 6: {
		put(b, "{");
		int n = (int)rnd(4);
		for (int i = 0; i < n; i++) {
			if (i) put(b, ",");
			ws(b);
			put(b, "\"");
			put(b, keys[rnd(IDT_ARRAY_LEN(keys))]);
			put(b, "\"");
			ws(b);
			put(b, ":");
			ws(b);
			gen_value(b, depth + 1);
			ws(b);
		}
		put(b, "}");
		break;
	}
	default: {
		put(b, "[");
		int n = (int)rnd(4);
		for (int i = 0; i < n; i++) {
			if (i) put(b, ",");
			ws(b);
			gen_value(b, depth + 1);
		}
		put(b, "]");
	}
	}
}

static void gen_object(idt_buf *b)
{
	b->len = 0;
	ws(b);
	put(b, "{");
	int n = (int)rnd(6);
	for (int i = 0; i < n; i++) {
		if (i) put(b, ",");
		ws(b);
		put(b, "\"");
		put(b, keys[rnd(IDT_ARRAY_LEN(keys))]);
		put(b, "\":");
		ws(b);
		gen_value(b, 1);
	}
	put(b, "}");
	ws(b);
}

/* A damaged variant: a byte replaced, inserted or deleted, or the line cut. */
static void mutate(idt_buf *b)
{
	static const char bytes[] =
	    "{}[]\",:\\u0eE+-.tfn \x01\x7f\x80\xbf\xc0\xc3\xe2\xed\xf0\xf4\xf5\xff";
	if (!b->len) return;
	size_t at = rnd((uint32_t)b->len);
	char c = bytes[rnd(sizeof bytes - 1)];
	switch (rnd(4)) {
	case 0: b->data[at] = c; break;
	case 1:
		idt__buf_putc(b, 0);
		memmove(b->data + at + 1, b->data + at, b->len - at - 1);
		b->data[at] = c;
		break;
	case 2:
		memmove(b->data + at, b->data + at + 1, b->len - at - 1);
		b->len--;
		break;
	default: b->len = at;
	}
}

static void test_generated(void **state)
{
	(void)state;
	idt_buf b = {0};
	size_t accepted = 0, rejected = 0;
	for (int i = 0; i < 200000; i++) {
		gen_object(&b);
		int m = (int)rnd(3);
		for (int k = 0; k < m; k++) mutate(&b);
		if (memchr(b.data, 0, b.len)) continue;
		int r = jsonl_diff_check(b.data, b.len);
		if (r < 0) {
			print_error("mismatch on line: %.*s\n", (int)b.len, b.data);
			fail();
		}
		if (r)
			accepted++;
		else
			rejected++;
	}
	idt__buf_free(&b);
	print_message("accepted %zu, rejected %zu\n", accepted, rejected);
	assert_true(accepted > 50000);
	assert_true(rejected > 50000);
}

/* Hand-picked edge cases, each checked against jansson. */
static void test_edges(void **state)
{
	(void)state;
	static const char *const cases[] = {
	    "{}",
	    "{ }",
	    " {}",
	    "{} ",
	    "[]",
	    "1",
	    "\"s\"",
	    "{\"a\":1}",
	    "{\"a\":01}",
	    "{\"a\":-}",
	    "{\"a\":1.}",
	    "{\"a\":.5}",
	    "{\"a\":1e}",
	    "{\"a\":1e+}",
	    "{\"a\":tru}",
	    "{\"a\":truex}",
	    "{\"a\":nulll}",
	    "{\"a\":1,}",
	    "{,}",
	    "{\"a\"}",
	    "{\"a\":}",
	    "{\"a\" 1}",
	    "{1:1}",
	    "{'a':1}",
	    "{\"a\":[1,]}",
	    "{\"a\":[,1]}",
	    "{\"a\":\"\\x\"}",
	    "{\"a\":\"\\u12\"}",
	    "{\"a\":\"\\uD800\"}",
	    "{\"a\":\"\\uDC00\"}",
	    "{\"a\":\"\\uD800\\u0041\"}",
	    "{\"a\":\"\\uD800\\uDC00\"}",
	    "{\"a\":\"\\u0000\"}",
	    "{\"text\":\"\\u0000\"}",
	    "{\"a\":\"\x7f\"}",
	    "{\"a\":\"\x1f\"}",
	    "{\"a\":\"\t\"}",
	    "{\"a\":\"\xc0\x80\"}",
	    "{\"a\":\"\xed\xa0\x80\"}",
	    "{\"a\":\"\xf4\x90\x80\x80\"}",
	    "{\"a\":\"\xe2\x82\"}",
	    "{\"a\":1}{}",
	    "{\"a\":1} x",
	    "{\"text\":\"a\",\"text\":\"b\"}",
	    "{\"text\":5}",
	    "{\"text\":null}",
	    "{\"t\\u0065xt\":\"esc key\"}",
	    "{\"id\":{\"a\":[1,2]},\"text\":\"x\"}",
	    "{\"a\":1e400}",
	    "{\"a\":-1e400}",
	    "{\"a\":1e-400}",
	    "{\"a\":0.0e999999999999}",
	    "{\"a\":99999999999999999999}",
	    "{\"a\":-9223372036854775808}",
	    "{\"a\":-9223372036854775809}",
	    "{\"a\":9223372036854775807}",
	    "{\"a\":9223372036854775808}",
	    "{\"a\":1.7976931348623157e308}",
	    "{\"a\":1.7976931348623158e308}",
	    "{\"a\":1.797693134862315807e308}",
	    "{\"a\":1.7976931348623159e308}",
	    "{\"a\":"
	    "17976931348623158079372897140530341507993413271003782693617377898044496829276475094664"
	    "90179775872070963302864166928879109465555478519404026306574886715058206819089020007083"
	    "83676273854845817711531764475730270069855571366959622842914819860834936475292719074168"
	    "444365510704342711559699508093042880177904174497791e0}",
	    "{\"a\":"
	    "17976931348623158079372897140530341507993413271003782693617377898044496829276475094664"
	    "90179775872070963302864166928879109465555478519404026306574886715058206819089020007083"
	    "83676273854845817711531764475730270069855571366959622842914819860834936475292719074168"
	    "444365510704342711559699508093042880177904174497792e0}",
	    "{\"a\":\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"}",
	    "{\"a\":\"\\U0041\"}",
	    "{\"a\":\"\\uZZZZ\"}",
	    "{\"a\":\r\n1}",
	    "\xef\xbb\xbf{}",
	    "{\"a\":[[[[[]]]]]}",
	    "{\"a\":-01}",
	    "{\"a\":+1}",
	    "{\"a\":Infinity}",
	    "{\"a\":NaN}",
	    "{\"a\":\"unterminated}",
	    "{\"a\":1",
	    "{\"a\":\"\\",
	};
	for (size_t i = 0; i < IDT_ARRAY_LEN(cases); i++) {
		if (jsonl_diff_check(cases[i], strlen(cases[i])) < 0) {
			print_error("mismatch on case %zu: %s\n", i, cases[i]);
			fail();
		}
	}
}

/* Nesting around jansson's depth limit. */
static void test_depth(void **state)
{
	(void)state;
	for (int d = 2040; d <= 2052; d++) {
		for (int inner = 0; inner < 3; inner++) {
			idt_buf b = {0};
			put(&b, "{\"a\":");
			for (int i = 0; i < d; i++) put(&b, i % 2 ? "[" : "{\"k\":");
			put(&b, inner == 0 ? "1" : inner == 1 ? "[]" : "{}");
			for (int i = d - 1; i >= 0; i--) put(&b, i % 2 ? "]" : "}");
			put(&b, "}");
			if (jsonl_diff_check(b.data, b.len) < 0) {
				print_error("mismatch at depth %d inner %d\n", d, inner);
				fail();
			}
			idt__buf_free(&b);
		}
	}
}

/* The vector UTF-8 check against the scalar decoder, on random mixes of valid sequences of
 * every length, boundary code points, overlongs, surrogates, stray and truncated bytes. */
static void test_utf8_vector(void **state)
{
	(void)state;
	if (!idt__json_utf8_valid("a", 1)) skip(); /* no SSSE3: the scalar path is used */
	static const char *const bits[] = {
	    "a",
	    " ",
	    "\x7f",
	    "\xc2\x80",
	    "\xdf\xbf",
	    "\xe0\xa0\x80",
	    "\xef\xbf\xbf",
	    "\xed\x9f\xbf",
	    "\xee\x80\x80",
	    "\xf0\x90\x80\x80",
	    "\xf4\x8f\xbf\xbf",
	    "\xd0\xba",
	    "\xe5\x95\x86",
	    "\xf0\x9f\x94\xa5",
	    /* invalid */
	    "\x80",
	    "\xbf",
	    "\xc0\x80",
	    "\xc1\xbf",
	    "\xe0\x80\x80",
	    "\xe0\x9f\xbf",
	    "\xed\xa0\x80",
	    "\xed\xbf\xbf",
	    "\xf0\x80\x80\x80",
	    "\xf0\x8f\xbf\xbf",
	    "\xf4\x90\x80\x80",
	    "\xf5\x80\x80\x80",
	    "\xff",
	    "\xfe",
	    "\xc2",
	    "\xe2\x82",
	    "\xf0\x9f\x94",
	};
	char buf[512];
	for (int iter = 0; iter < 300000; iter++) {
		size_t n = 0;
		if (rnd(3) == 0) { /* a long ASCII start (the 64-byte fast path), then a mix */
			n = 60 + rnd(80);
			memset(buf, 'a', n);
		}
		int parts = (int)rnd(24);
		int bad_ok = rnd(4) == 0; /* a quarter of the strings may hold invalid pieces */
		for (int k = 0; k < parts; k++) {
			const char *b = bits[rnd(bad_ok ? IDT_ARRAY_LEN(bits) : 14)];
			size_t bl = strlen(b);
			if (n + bl > sizeof buf) break;
			memcpy(buf + n, b, bl);
			n += bl;
		}
		int want = 1;
		for (size_t i = 0; i < n;) {
			uint32_t cp;
			size_t k = idt__utf8_decode((const unsigned char *)buf + i, n - i, &cp);
			if (!k) {
				want = 0;
				break;
			}
			i += k;
		}
		if (idt__json_utf8_valid(buf, n) != want) {
			print_error("utf8 mismatch (want %d) on %zu bytes:", want, n);
			for (size_t i = 0; i < n; i++) print_error(" %02x", (unsigned char)buf[i]);
			print_error("\n");
			fail();
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_generated),
	    cmocka_unit_test(test_utf8_vector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
