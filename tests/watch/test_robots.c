/*
 * test_robots.c - the robots.txt parser and matcher (src/watch/robots.c): group choice,
 * longest match, Allow on ties, wildcards and '$', comments, Crawl-delay, limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "watch/watch.h"

static idt_robots *parse(const char *txt, const char *agent)
{
	idt_robots *r = NULL;
	assert_int_equal(idt_robots_parse(txt, strlen(txt), agent, &r), IDT_OK);
	assert_non_null(r);
	return r;
}

static int allowed(const idt_robots *r, const char *path)
{
	return idt_robots_allowed(r, path, strlen(path));
}

static void test_groups(void **state)
{
	(void)state;
	const char *txt = "# a comment\n"
	                  "User-agent: *\n"
	                  "Disallow: /private/\n"
	                  "\n"
	                  "User-agent: Interdict\n"
	                  "User-agent: OtherBot/2.0\n"
	                  "Disallow: /shop/\n"
	                  "Allow: /shop/public\n"
	                  "\n"
	                  "User-agent: interdict\n" /* a second group for us: merged */
	                  "Disallow: /tmp # trailing comment\n";
	idt_robots *r = parse(txt, "Interdict");
	assert_int_equal(idt_robots_rule_count(r), 3);
	assert_true(allowed(r, "/private/x")); /* the * group does not apply to us */
	assert_false(allowed(r, "/shop/item"));
	assert_true(allowed(r, "/shop/public/a")); /* longer Allow wins */
	assert_false(allowed(r, "/tmp"));
	assert_false(allowed(r, "/tmpfile"));
	assert_true(allowed(r, "/"));
	assert_true(allowed(r, "/robots.txt"));
	idt_robots_free(r);
	r = parse(txt, "SomeBot");
	assert_false(allowed(r, "/private/x"));
	assert_true(allowed(r, "/shop/item"));
	idt_robots_free(r);
	r = parse(txt, "OtherBot"); /* product token before '/' */
	assert_false(allowed(r, "/shop/item"));
	idt_robots_free(r);
}

static void test_wildcards(void **state)
{
	(void)state;
	idt_robots *r = parse("User-agent: *\n"
	                      "Disallow: /*.pdf$\n"
	                      "Disallow: /search*q=\n"
	                      "Allow: /page\n"
	                      "Disallow: /page\n"
	                      "Disallow: /a*b*c\n",
	                      "Interdict");
	assert_false(allowed(r, "/docs/file.pdf"));
	assert_true(allowed(r, "/docs/file.pdf?x=1")); /* '$' anchors at the end */
	assert_false(allowed(r, "/search?lang=en&q=x"));
	assert_true(allowed(r, "/search?lang=en"));
	assert_true(allowed(r, "/page"));   /* equal length: Allow wins */
	assert_false(allowed(r, "/aXbYc")); /* backtracking */
	assert_false(allowed(r, "/abbbcc"));
	assert_true(allowed(r, "/abab"));
	idt_robots_free(r);
}

static void test_empty_and_delay(void **state)
{
	(void)state;
	idt_robots *r = parse("User-agent: *\nDisallow:\nCrawl-delay: 2.5\n", "Interdict");
	assert_int_equal(idt_robots_rule_count(r), 0);
	assert_true(allowed(r, "/anything"));
	assert_true(idt_robots_crawl_delay(r) > 2.49 && idt_robots_crawl_delay(r) < 2.51);
	idt_robots_free(r);
	r = parse("", "Interdict");
	assert_true(allowed(r, "/x"));
	idt_robots_free(r);
	/* CRLF lines, a BOM, odd spacing, rules before any group (ignored) */
	r = parse("\xEF\xBB\xBF"
	          "Disallow: /early\r\nUSER-AGENT :  *  \r\ndisallow:/x\r\n",
	          "Interdict");
	assert_true(allowed(r, "/early"));
	assert_false(allowed(r, "/x/y"));
	idt_robots_free(r);
	assert_int_equal(idt_robots_deny_all(&r), IDT_OK);
	assert_false(allowed(r, "/"));
	assert_true(allowed(r, "/robots.txt"));
	idt_robots_free(r);
}

static void test_limits(void **state)
{
	(void)state;
	/* 20,000 rules: 10,000 kept */
	size_t n = 20000 * 24 + 32;
	char *big = malloc(n);
	size_t off = (size_t)snprintf(big, n, "User-agent: *\n");
	for (int i = 0; i < 20000; i++)
		off += (size_t)snprintf(big + off, n - off, "Disallow: /%d\n", i);
	idt_robots *r = NULL;
	assert_int_equal(idt_robots_parse(big, off, "Interdict", &r), IDT_OK);
	assert_int_equal(idt_robots_rule_count(r), 10000);
	assert_false(allowed(r, "/9999"));
	idt_robots_free(r);
	free(big);
	idt_robots_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_groups),
	    cmocka_unit_test(test_wildcards),
	    cmocka_unit_test(test_empty_and_delay),
	    cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
