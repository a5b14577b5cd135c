/*
 * test_watchlist.c - the watch-list format (src/watch/watchlist.c) and URL splitting: defaults,
 * every key, and errors with their line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "watch/watch.h"

static idt_status parse(const char *t, idt_watchlist *wl, idt_error *err)
{
	memset(err, 0, sizeof *err);
	return idt_watchlist_parse(t, strlen(t), wl, err);
}

static void test_full(void **state)
{
	(void)state;
	idt_watchlist wl;
	idt_error err;
	const char *t = "# sources\n"
	                "[source pharmacy-a]\n"
	                "url = https://Pharma.Example/shop?x=1\n"
	                "schedule = 6h\n"
	                "depth = 2\n"
	                "scope = prefix https://pharma.example/shop\n"
	                "rate = 1/5s\n"
	                "robots = override\n"
	                "override-by = A. Name, unit 3\n"
	                "override-reason = warrant 123\n"
	                "proxy = socks5h://127.0.0.1:9050\n"
	                "max-pages = 7\n"
	                "\n"
	                "[source b]\n"
	                "url = http://b.example\n";
	assert_int_equal(parse(t, &wl, &err), IDT_OK);
	assert_int_equal(wl.n, 2);
	idt_watch_source *a = &wl.src[0];
	assert_string_equal(a->name, "pharmacy-a");
	assert_string_equal(a->platform, "pharma.example");
	assert_int_equal(a->interval, 6 * 3600);
	assert_int_equal(a->depth, 2);
	assert_int_equal(a->scope, IDT_SCOPE_PREFIX);
	assert_string_equal(a->prefix, "https://pharma.example/shop");
	assert_true(a->rate > 0.199 && a->rate < 0.201);
	assert_int_equal(a->robots_override, 1);
	assert_string_equal(a->override_reason, "warrant 123");
	assert_string_equal(a->proxy, "socks5h://127.0.0.1:9050");
	assert_int_equal(a->max_pages, 7);
	idt_watch_source *b = &wl.src[1];
	assert_int_equal(b->interval, 86400);
	assert_int_equal(b->depth, 1);
	assert_int_equal(b->scope, IDT_SCOPE_HOST);
	assert_true(b->rate > 0.49 && b->rate < 0.51);
	assert_int_equal(b->robots_override, 0);
	assert_null(b->proxy);
	assert_int_equal(b->line, 14);
	idt_watchlist_free(&wl);
}

static void expect_error(const char *t, uint64_t line, const char *msg)
{
	idt_watchlist wl;
	idt_error err;
	assert_int_equal(parse(t, &wl, &err), IDT_EPARSE);
	assert_int_equal(err.line, line);
	assert_non_null(strstr(err.msg, msg));
	idt_watchlist_free(&wl);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("url = http://a/\n", 1, "before the first");
	expect_error("[source a]\nurl = ftp://a/\n", 2, "http");
	expect_error("[source a]\nurl = http://a/\ncolour = red\n", 3, "unknown key");
	expect_error("[source a]\nurl = http://a/\ndepth = 9\n", 3, "depth");
	expect_error("[source a]\nurl = http://a/\nrate = 1000/s\n", 3, "rate");
	expect_error("[source a]\nurl = http://a/\nrobots = override\n", 1, "override-by");
	expect_error("[source a]\nurl = http://a/\n[source a]\nurl = http://b/\n", 3, "duplicate");
	expect_error("[source a]\nplatform = x\n", 1, "no url");
	expect_error("[source a]\nurl = http://a/\nproxy = ftp://x\n", 3, "proxy");
	expect_error("[thing]\n", 1, "[source NAME]");
	expect_error("[source a b]\n", 1, "letters");
}

static void test_urls(void **state)
{
	(void)state;
	idt_url u;
	char o[400];
	assert_int_equal(idt_url_split("HTTP://Shop.Example:8080/a/b?q=1#frag", &u), 0);
	assert_string_equal(u.scheme, "http");
	assert_string_equal(u.host, "shop.example");
	assert_int_equal(u.port, 8080);
	assert_string_equal(u.path, "/a/b?q=1");
	idt_url_origin(&u, o, sizeof o);
	assert_string_equal(o, "http://shop.example:8080");
	assert_int_equal(idt_url_split("https://x.example?q", &u), 0);
	assert_string_equal(u.path, "/?q");
	idt_url_origin(&u, o, sizeof o);
	assert_string_equal(o, "https://x.example");
	assert_int_equal(idt_url_split("file:///etc/passwd", &u), -1);
	assert_int_equal(idt_url_split("http://user:pw@x/", &u), -1);
	assert_int_equal(idt_url_split("http://x:99999/", &u), -1);
	assert_int_equal(idt_url_split("http:///", &u), -1);
	assert_int_equal(idt_watch_parse_time("2026-11-29T17:30:05Z"), 1795973405);
	assert_int_equal(idt_watch_parse_time("2026-11-29"), 1795910400);
	assert_int_equal(idt_watch_parse_time("yesterday"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_urls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
