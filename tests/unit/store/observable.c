/*
 * observable.c - unit tests of observable normalisation (src/store/observable.c): the exact
 * normal form of every type, and the rejection (with a reason) of values that are not of
 * their type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "store/observable.h"

static void norm_ok(const char *type, const char *in, const char *platform, const char *want)
{
	char out[IDT_OBS_MAX + 1];
	const char *why = NULL;
	idt_status s = idt__obs_normalize(type, in, strlen(in), platform, NULL, out, &why);
	if (s != IDT_OK) fail_msg("%s '%s' rejected: %s", type, in, why);
	assert_string_equal(out, want);
}

static void norm_bad(const char *type, const char *in)
{
	char out[IDT_OBS_MAX + 1];
	const char *why = NULL;
	assert_int_equal(idt__obs_normalize(type, in, strlen(in), NULL, NULL, out, &why),
	                 IDT_EINVAL);
	assert_non_null(why);
	assert_string_equal(out, "");
}

static void test_phone(void **st)
{
	(void)st;
	norm_ok("phone", "+44 7700 900123", NULL, "+447700900123");
	norm_ok("phone", "0044-7700-900-123", NULL, "+447700900123");
	norm_ok("phone", " +1 (555) 010.9999 ", NULL, "+15550109999");
	norm_bad("phone", "07700 900123");             /* national form: country unknown */
	norm_bad("phone", "+0 123 456 789");           /* no country code 0 */
	norm_bad("phone", "+44 7700");                 /* too short */
	norm_bad("phone", "+44 7700 900 123 456 789"); /* > 15 digits */
	norm_bad("phone", "+44 7700 9OO123");          /* letter O */
}

static void test_email_domain(void **st)
{
	(void)st;
	norm_ok("email", "Seller@Mail.Example", NULL, "seller@mail.example");
	norm_ok("domain", "Shop.EXAMPLE.", NULL, "shop.example");
	norm_bad("email", "no-at.example");
	norm_bad("email", "a@b@c.example");
	norm_bad("email", "a@localhost");
	norm_bad("domain", "-bad.example");
	norm_bad("domain", "a..b");
	norm_bad("domain", "exa mple.com");
}

static void test_url(void **st)
{
	(void)st;
	norm_ok("url", "HTTPS://Shop.Example:443/a/./b/../c?x=1#frag", NULL,
	        "https://shop.example/a/c?x=1");
	norm_ok("url", "http://shop.example", NULL, "http://shop.example/");
	norm_ok("url", "http://user:pw@shop.example:8080/%7euser/%2f", NULL,
	        "http://shop.example:8080/~user/%2F");
	norm_ok("url", "https://shop.example/a b", NULL, "https://shop.example/a%20b");
	norm_bad("url", "ftp://shop.example/");
	norm_bad("url", "shop.example/path");
	norm_bad("url", "https://shop.example:99999/");
	norm_bad("url", "https://shop.example/%zz");
}

static void test_handle_wallet_onion(void **st)
{
	(void)st;
	norm_ok("handle", "Telegram:@Plugs_UK", NULL, "telegram:@plugs_uk");
	norm_ok("handle", "@Plugs_UK", "Wickr", "wickr:@plugs_uk");
	norm_bad("handle", "@nobody"); /* no platform */
	norm_ok("wallet", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", NULL,
	        "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
	norm_ok("wallet", "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", NULL,
	        "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
	norm_ok("wallet", "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", NULL,
	        "btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq");
	norm_bad("wallet", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb");     /* checksum */
	norm_bad("wallet", "eth:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"); /* wrong chain */
	norm_bad("onion", "notanonion.onion");
}

static void test_pgp_company_tracking(void **st)
{
	(void)st;
	norm_ok("pgp", "0x0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567", NULL,
	        "0123456789ABCDEF0123456789ABCDEF01234567");
	norm_bad("pgp", "0123");
	norm_ok("company", "  Hubei Fine   Chemicals Co. ", NULL, "hubei fine chemicals co.");
	norm_ok("tracking", "lx 123-456-789 cn", NULL, "LX123456789CN");
	norm_bad("tracking", "LX12");
	norm_bad("colour", "red");
	norm_bad("email", "a\x01@b.example");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_phone),
	    cmocka_unit_test(test_email_domain),
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_handle_wallet_onion),
	    cmocka_unit_test(test_pgp_company_tracking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
