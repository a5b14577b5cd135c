/*
 * keccak.c - tests of src/signals/keccak.c: the published empty-message digests of Keccak-256
 * and SHA3-256, "abc", a message longer than one block (NIST's 200 x 0xA3), and the bare
 * permutation of the zero state.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "signals/signals_int.h"

static void hex(const uint8_t *h, char *out)
{
	for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", h[i]);
}

static void test_keccak256_vectors(void **state)
{
	(void)state;
	uint8_t h[32];
	char s[65];
	idt__keccak256("", 0, h);
	hex(h, s);
	assert_string_equal(s, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
	idt__keccak256("abc", 3, h);
	hex(h, s);
	assert_string_equal(s, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

static void test_sha3_256_vectors(void **state)
{
	(void)state;
	uint8_t h[32], msg[200];
	char s[65];
	idt__sha3_256("", 0, h);
	hex(h, s);
	assert_string_equal(s, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
	idt__sha3_256("abc", 3, h);
	hex(h, s);
	assert_string_equal(s, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
	memset(msg, 0xA3, sizeof msg);
	idt__sha3_256(msg, sizeof msg, h);
	hex(h, s);
	assert_string_equal(s, "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787");
}

/* Keccak-f[1600] applied once to the all-zero state: the first lanes published in the Keccak
 * team's KeccakF-1600-IntermediateValues.txt. */
static void test_permutation_of_zero_state(void **state)
{
	(void)state;
	uint64_t st[25] = {0};
	idt__keccak_f1600(st);
	assert_true(st[0] == 0xF1258F7940E1DDE7ULL);
	assert_true(st[1] == 0x84D5CCF933C0478AULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keccak256_vectors),
	    cmocka_unit_test(test_sha3_256_vectors),
	    cmocka_unit_test(test_permutation_of_zero_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
