/*
 * validate.c - unit tests of the server's small validators (src/server/validate.c): dates,
 * ISO 3166 country codes, and the reduction of a search string to words FTS5 cannot
 * interpret as operators.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include "server/server.h"

static void test_dates(void **st)
{
	(void)st;
	assert_true(idt__date_valid("2026-02-28"));
	assert_true(idt__date_valid("2024-02-29"));
	assert_false(idt__date_valid("2026-02-29"));
	assert_false(idt__date_valid("1900-02-29"));
	assert_true(idt__date_valid("2000-02-29"));
	assert_false(idt__date_valid("2026-13-01"));
	assert_false(idt__date_valid("2026-1-01"));
	assert_false(idt__date_valid("2026-01-01T00:00"));
	assert_false(idt__date_valid(NULL));
}

static void test_countries(void **st)
{
	(void)st;
	assert_true(idt__country_valid("GB"));
	assert_true(idt__country_valid("ZW"));
	assert_false(idt__country_valid("UK")); /* not an ISO 3166 code */
	assert_false(idt__country_valid("gb"));
	assert_false(idt__country_valid("GBR"));
	assert_false(idt__country_valid(""));
}

static void words(const char *in, const char *want)
{
	char *w = idt__fts_words(in);
	assert_non_null(w);
	assert_string_equal(w, want);
	free(w);
}

static void test_fts_words(void **st)
{
	(void)st;
	words("fentanyl  pills", "fentanyl pills");
	words("\"a\" OR b*", "a OR b");
	words("x'); DROP TABLE incidents; --", "x DROP TABLE incidents");
	words("NEAR(a b) title:x", "NEAR a b title x");
	words("Türkiye", "Türkiye");
	words("---", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_countries),
	    cmocka_unit_test(test_fts_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
