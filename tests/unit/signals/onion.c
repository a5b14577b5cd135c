/*
 * onion.c - tests of idt_onion_valid(): real v3 addresses (DuckDuckGo's and the Tor Project's
 * onions) are valid with or without ".onion"; every single-character corruption, a wrong
 * version byte, v2 addresses and bad lengths are not.
 */
#include "sigtest.h"
#include "signals/signals_int.h"

static const char *const good[] = {
    "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad",
    "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid",
};

static void test_valid_onions(void **state)
{
	(void)state;
	char buf[80];
	for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
		assert_int_equal(idt_onion_valid(good[k], 56), 1);
		snprintf(buf, sizeof buf, "%s.onion", good[k]);
		assert_int_equal(idt_onion_valid(buf, 62), 1);
		for (int i = 0; i < 62; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] = (char)(buf[i] - 32);
		assert_int_equal(idt_onion_valid(buf, 62), 1); /* base32 ignores case */
	}
}

static void test_corrupted_onions(void **state)
{
	(void)state;
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	char buf[57];
	int bad = 0, total = 0;
	for (size_t k = 0; k < sizeof good / sizeof good[0]; k++)
		for (int i = 0; i < 56; i++) {
			memcpy(buf, good[k], 57);
			/* a few substitutions per position; every one must fail */
			for (int a = 0; a < 32; a += 7) {
				if (alphabet[a] == good[k][i]) continue;
				buf[i] = alphabet[a];
				total++;
				bad += idt_onion_valid(buf, 56) == 0;
			}
		}
	assert_int_equal(bad, total);
	/* the example in the brief, its last character changed */
	assert_int_equal(
	    idt_onion_valid("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczae.onion", 62),
	    0);
	/* v2, wrong lengths, bad characters, wrong suffix */
	assert_int_equal(idt_onion_valid("expyuzz4wqqyqhjn", 16), 0);
	assert_int_equal(idt_onion_valid("expyuzz4wqqyqhjn.onion", 22), 0);
	assert_int_equal(idt_onion_valid(good[0], 55), 0);
	assert_int_equal(
	    idt_onion_valid("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzcza1", 56), 0);
	assert_int_equal(
	    idt_onion_valid("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onian", 62),
	    0);
	assert_int_equal(idt_onion_valid(NULL, 0), 0);
	assert_int_equal(idt_onion_valid("", 0), 0);
}

/* base32 of 35 bytes: 56 characters */
static void b32enc(const uint8_t *raw, char *out)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	for (int i = 0; i < 56; i++) {
		int bit = i * 5, v = 0;
		for (int b = 0; b < 5; b++, bit++)
			v = (v << 1) | ((raw[bit / 8] >> (7 - bit % 8)) & 1);
		out[i] = alphabet[v];
	}
	out[56] = 0;
}

/* The same key with a correct checksum but version 4 (or 3 with a checksum computed for 4). */
static void test_version_byte(void **state)
{
	(void)state;
	uint8_t raw[35], buf[48], h[32];
	char addr[57];
	for (int v = 2; v <= 4; v++) {
		for (int i = 0; i < 32; i++) raw[i] = (uint8_t)(i * 7 + 1);
		memcpy(buf, ".onion checksum", 15);
		memcpy(buf + 15, raw, 32);
		buf[47] = (uint8_t)v;
		idt__sha3_256(buf, sizeof buf, h);
		raw[32] = h[0];
		raw[33] = h[1];
		raw[34] = (uint8_t)v;
		b32enc(raw, addr);
		assert_int_equal(idt_onion_valid(addr, 56), v == 3);
		raw[34] = 3; /* checksum of another version */
		b32enc(raw, addr);
		assert_int_equal(idt_onion_valid(addr, 56), v == 3);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_onions),
	    cmocka_unit_test(test_corrupted_onions),
	    cmocka_unit_test(test_version_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
