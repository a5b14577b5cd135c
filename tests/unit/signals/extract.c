/*
 * extract.c - tests of idt_signals_extract(): for every kind, texts that must yield exactly the
 * listed signals (type, span, value) and texts that must yield none; the type names; the
 * callback's stop; invalid UTF-8 and empty input.
 */
#include <pthread.h>
#include "sigtest.h"
#include "signals/signals_int.h"

#define PRICE IDT_SIG_PRICE
#define QTY   IDT_SIG_QUANTITY
#define PUR   IDT_SIG_PURITY
#define CON   IDT_SIG_CONTACT
#define PHONE IDT_SIG_PHONE
#define EMAIL IDT_SIG_EMAIL
#define WAL   IDT_SIG_WALLET
#define URL   IDT_SIG_URL
#define ONION IDT_SIG_ONION
#define CAS   IDT_SIG_CAS

static void test_exact_offsets(void **state)
{
	(void)state;
	collected c = {.n = 0};
	const char *t = "Only $120 for 3.5g";
	assert_int_equal(idt_signals_extract(t, strlen(t), collect_cb, &c), IDT_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.sig[0].type, IDT_SIG_PRICE);
	assert_int_equal(c.sig[0].start, 5);
	assert_int_equal(c.sig[0].end, 9);
	assert_string_equal(c.sig[0].value, "120 USD");
	assert_int_equal(c.sig[1].type, IDT_SIG_QUANTITY);
	assert_int_equal(c.sig[1].start, 14);
	assert_int_equal(c.sig[1].end, 18);
	assert_string_equal(c.sig[1].value, "3.5 g");
}

static void test_prices(void **state)
{
	(void)state;
	CHECK("Selling for $120, or 10 EUR/g, or 0.05 BTC per gram", {PRICE, "$120", "120 USD"},
	      {PRICE, "10 EUR/g", "10 EUR/g"}, {PRICE, "0.05 BTC per gram", "0.05 BTC/g"});
	CHECK("€10 £20 ¥300 ₽500 ₹100 ₿0.01", {PRICE, "€10", "10 EUR"},
	      {PRICE, "£20", "20 GBP"}, {PRICE, "¥300", "300 CNY"}, {PRICE, "₽500", "500 RUB"},
	      {PRICE, "₹100", "100 INR"}, {PRICE, "₿0.01", "0.01 BTC"});
	CHECK("US$50 CA$60 R$30 AU$ 70", {PRICE, "US$50", "50 USD"}, {PRICE, "CA$60", "60 CAD"},
	      {PRICE, "R$30", "30 BRL"}, {PRICE, "AU$ 70", "70 AUD"});
	CHECK("120 USD, 0.3 xmr, 150 USDT, 200 CHF, 1500 RUB, 99 euros, 20 bucks",
	      {PRICE, "120 USD", "120 USD"}, {PRICE, "0.3 xmr", "0.3 XMR"},
	      {PRICE, "150 USDT", "150 USDT"}, {PRICE, "200 CHF", "200 CHF"},
	      {PRICE, "1500 RUB", "1500 RUB"}, {PRICE, "99 euros", "99 EUR"},
	      {PRICE, "20 bucks", "20 USD"});
	CHECK("USD 120 and BTC 0.5", {PRICE, "USD 120", "120 USD"}, {PRICE, "BTC 0.5", "0.5 BTC"});
	CHECK("10,50 € 1.000,50 EUR 1,000 USD 120€ 5k USD $5k", {PRICE, "10,50 €", "10.50 EUR"},
	      {PRICE, "1.000,50 EUR", "1000.50 EUR"}, {PRICE, "1,000 USD", "1000 USD"},
	      {PRICE, "120€", "120 EUR"}, {PRICE, "5k USD", "5000 USD"},
	      {PRICE, "$5k", "5000 USD"});
	CHECK("$20 a gram, 50 EUR per oz, $10/pill", {PRICE, "$20 a gram", "20 USD/g"},
	      {PRICE, "50 EUR per oz", "50 EUR/oz"}, {PRICE, "$10/pill", "10 USD/pill"});
	CHECK("3000 рублей за 1 г, 3000р за 1г, 500 грн", {PRICE, "3000 рублей", "3000 RUB"},
	      {QTY, "1 г", "1 g"}, {PRICE, "3000р", "3000 RUB"}, {QTY, "1г", "1 g"},
	      {PRICE, "500 грн", "500 UAH"});
	/* no currency, or a code that is a word in lower case before an amount */
	check_none("call me at 5, try 20 of them, usd 20, sol 3, I have 12 cats");
	check_none("$ 5abc and 1.2.3 USD");
	check_none("a $2.5 billion deal, 3 million EUR, €40 mln");
}

static void test_quantities(void **state)
{
	(void)state;
	CHECK("3.5g, 28 grams, 100 pills, 2 kilos, 1 oz, 10 tabs, 50 blotters",
	      {QTY, "3.5g", "3.5 g"}, {QTY, "28 grams", "28 g"}, {QTY, "100 pills", "100 pills"},
	      {QTY, "2 kilos", "2 kg"}, {QTY, "1 oz", "1 oz"}, {QTY, "10 tabs", "10 tabs"},
	      {QTY, "50 blotters", "50 blotters"});
	CHECK("100 x 2mg xanax, 1/2 oz, 250mcg, 200 µg, 5 ml, 2 lbs, 3,5g",
	      {QTY, "100 x 2mg", "100 x 2 mg"}, {QTY, "1/2 oz", "1/2 oz"},
	      {QTY, "250mcg", "250 mcg"}, {QTY, "200 µg", "200 mcg"}, {QTY, "5 ml", "5 ml"},
	      {QTY, "2 lbs", "2 lb"}, {QTY, "3,5g", "3.5 g"});
	CHECK("QP available, eightball or 8ball, half o, a zip, 2 zips, a teener",
	      {QTY, "QP", "4 oz (QP)"}, {QTY, "eightball", "3.5 g (eightball)"},
	      {QTY, "8ball", "3.5 g (eightball)"}, {QTY, "half o", "0.5 oz (half o)"},
	      {QTY, "zip", "1 oz (zip)"}, {QTY, "2 zips", "2 oz (zip)"},
	      {QTY, "teener", "1.75 g (teenth)"});
	CHECK("5 г и 10 мг, 3克", {QTY, "5 г", "5 g"}, {QTY, "10 мг", "10 mg"},
	      {QTY, "3克", "3 g"});
	CHECK("5G Mdma Crystal", {QTY, "5G", "5 g"});
	CHECK("an 8th for $40, 1/8th or 1/4th, 10 geltabs", {QTY, "8th", "3.5 g (eighth)"},
	      {PRICE, "$40", "40 USD"}, {QTY, "1/8th", "1/8 oz"}, {QTY, "1/4th", "1/4 oz"},
	      {QTY, "10 geltabs", "10 tabs"});
	check_none("the 8th floor, on May 8th");
	/* fractions in words, bare decimals, more spellings of grams, pounds, international units
	 */
	CHECK("half gram, half a pound, quarter-pound, quarter of an ounce, half key",
	      {QTY, "half gram", "0.5 g"}, {QTY, "half a pound", "0.5 lb"},
	      {QTY, "quarter-pound", "0.25 lb"}, {QTY, "quarter of an ounce", "0.25 oz"},
	      {QTY, "half key", "0.5 kg"});
	CHECK(".25 gram, (.5g), 5 gms, 1 grm, 1 Pound, 2 pounds, 5000iu",
	      {QTY, ".25 gram", "0.25 g"}, {QTY, ".5g", "0.5 g"}, {QTY, "5 gms", "5 g"},
	      {QTY, "1 grm", "1 g"}, {QTY, "1 Pound", "1 lb"}, {QTY, "2 pounds", "2 lb"},
	      {QTY, "5000iu", "5000 iu"});
	/* sterling, jackets, versions and decimals that are not quantities */
	check_none("costs 20 pounds, 4.99 pounds, a quarter zip, half-zip fleece, half time");
	check_none("v.5g, 1.25.5 g, x.5 mg, .25 pounds");
	/* stretched words of four letters or more; short units must be exact */
	CHECK("3.5 graams, 1 ounceeee, 10 pilllls", {QTY, "3.5 graams", "3.5 g"},
	      {QTY, "1 ounceeee", "1 oz"}, {QTY, "10 pilllls", "10 pills"});
	check_none("5 mgg, 2 ozz");
	/* not quantities */
	check_none(
	    "the 5G rollout, 4G network, 5G phone, qp in lower case, a zip file, zip code 90210");
	check_none("v1.5mg 2020 года 10 grande 3rd 5pm 7 days 1/3 oz 10x better");
}

static void test_purity(void **state)
{
	(void)state;
	CHECK("99% pure MDMA, purity 90%, MDMA 84%, 87% cocaine, Reinheit: 80 %",
	      {PUR, "99% pure", "99%"}, {PUR, "purity 90%", "90%"}, {PUR, "84%", "84%"},
	      {PUR, "87%", "87%"}, {PUR, "Reinheit: 80 %", "80%"});
	CHECK("чистота 95%, мефедрон 97%, 纯度 99%", {PUR, "чистота 95%", "95%"},
	      {PUR, "97%", "97%"}, {PUR, "纯度 99%", "99%"});
	check_none("скидка 10%, 10% скидка");
	/* a purity word between two percentages belongs to the first (found by fuzzing) */
	CHECK("99% purA 84%", {PUR, "99% purA", "99%"}, {PUR, "84%", "84%"});
	CHECK("pureza 85% y 99.5% pure", {PUR, "pureza 85%", "85%"}, {PUR, "99.5% pure", "99.5%"});
	/* discounts and other percentages */
	check_none("20% off today, 10% discount, MDMA 20% off, 50% of people, 30% rabatt");
	check_none("battery 80%, 100% sure, 150% pure, 0% pure, growth of 12%");
}

static void test_contacts(void **state)
{
	(void)state;
	CHECK("telegram: @DrWhite_shop t.me/DrWhiteShop wickr me: dr.white",
	      {CON, "telegram: @DrWhite_shop", "telegram:@drwhite_shop"},
	      {CON, "t.me/DrWhiteShop", "telegram:@drwhiteshop"},
	      {CON, "wickr me: dr.white", "wickr:dr.white"});
	CHECK("https://t.me/joinchat/AbCdEfGhIjK and telegram.me/plug_uk",
	      {URL, "https://t.me/joinchat/AbCdEfGhIjK", "https://t.me/joinchat/AbCdEfGhIjK"},
	      {CON, "t.me/joinchat/AbCdEfGhIjK", "telegram:+AbCdEfGhIjK"},
	      {CON, "telegram.me/plug_uk", "telegram:@plug_uk"});
	CHECK("tg @candyman99, Telegram candy_man", {CON, "tg @candyman99", "telegram:@candyman99"},
	      {CON, "Telegram candy_man", "telegram:@candy_man"});
	CHECK("Signal: +44 7700 900123", {CON, "Signal: +44 7700 900123", "signal:+447700900123"},
	      {PHONE, "+44 7700 900123", "+447700900123"});
	CHECK("signal dealer.42", {CON, "signal dealer.42", "signal:dealer.42"});
	CHECK("whatsapp me on +44 7700 900123, my wickr is dr_white",
	      {CON, "whatsapp me on +44 7700 900123", "whatsapp:+447700900123"},
	      {PHONE, "+44 7700 900123", "+447700900123"},
	      {CON, "wickr is dr_white", "wickr:dr_white"});
	CHECK("whatsapp +1 (555) 234-5678 wa.me/447700900123",
	      {CON, "whatsapp +1 (555) 234-5678", "whatsapp:+15552345678"},
	      {PHONE, "+1 (555) 234-5678", "+15552345678"},
	      {CON, "wa.me/447700900123", "whatsapp:+447700900123"},
	      {PHONE, "447700900123", "+447700900123"});
	CHECK("threema ABCD1234, snap: weedman420, kik: bar_99, discord: seller#1234",
	      {CON, "threema ABCD1234", "threema:abcd1234"},
	      {CON, "snap: weedman420", "snapchat:weedman420"}, {CON, "kik: bar_99", "kik:bar_99"},
	      {CON, "discord: seller#1234", "discord:seller#1234"});
	CHECK("session 0512345678901234567890123456789012345678901234567890123456789abcde",
	      {CON, "0512345678901234567890123456789012345678901234567890123456789abcde",
	       "session:0512345678901234567890123456789012345678901234567890123456789abcde"});
	CHECK("Контакты: телеграм @plug_msk, пиши в телеге: @Best_Shop77; 电报 @cn_seller88",
	      {CON, "телеграм @plug_msk", "telegram:@plug_msk"},
	      {CON, "телеге: @Best_Shop77", "telegram:@best_shop77"},
	      {CON, "电报 @cn_seller88", "telegram:@cn_seller88"});
	check_none("привет @someone, email@ x.com, @plug_msk");
	CHECK("WeChat: plug_888 ICQ 123456789", {CON, "WeChat: plug_888", "wechat:plug_888"},
	      {CON, "ICQ 123456789", "icq:123456789"});
	/* keywords without handles, or with a rule of dashes after them */
	check_none("snap  -------------- ignore, telegram ---- name_1, wickr me ----- x_1");
	check_none("the telegram channel, wickr is down, signal strength, snap a photo, "
	           "sc 2 days, tg me, threema abcd1234, kik off, t.me/abc");
}

static void test_phones(void **state)
{
	(void)state;
	CHECK("UK +44 7700 900123, DE +49 30 1234567, FR +33 6 12 34 56 78, RU +7 (916) 123-45-67",
	      {PHONE, "+44 7700 900123", "+447700900123"},
	      {PHONE, "+49 30 1234567", "+49301234567"},
	      {PHONE, "+33 6 12 34 56 78", "+33612345678"},
	      {PHONE, "+7 (916) 123-45-67", "+79161234567"});
	CHECK("NL +31 6 12345678 / ES +34 612 345 678 / IN +91 98765 43210 / BR +55 11 91234-5678",
	      {PHONE, "+31 6 12345678", "+31612345678"}, {PHONE, "+34 612 345 678", "+34612345678"},
	      {PHONE, "+91 98765 43210", "+919876543210"},
	      {PHONE, "+55 11 91234-5678", "+5511912345678"});
	CHECK("+44 (0) 20 7946 0958 then 100 pills",
	      {PHONE, "+44 (0) 20 7946 0958", "+442079460958"}, {QTY, "100 pills", "100 pills"});
	CHECK("tel: 33612345678, call 0044 7700 900123, (212) 555-0100, phone 212-555-0100",
	      {PHONE, "33612345678", "+33612345678"}, {PHONE, "0044 7700 900123", "+447700900123"},
	      {PHONE, "(212) 555-0100", "+12125550100"}, {PHONE, "212-555-0100", "+12125550100"});
	CHECK("call 571-278-0418", {PHONE, "571-278-0418", "+15712780418"});
	/* national numbers without a country, North American area codes and Russian numbers
	 * that cannot exist, bad lengths, unknown codes, arithmetic */
	check_none("07700 900123, +44 7700 9001, +999 123456789, 2+2 = 4, +5 points, C++ 17, "
	           "+1234567890123456, 212-555-0100, (123) 555-0100, +1 123 456 7890, "
	           "+7 10 11 12 13 14");
}

static void test_email(void **state)
{
	(void)state;
	CHECK("mail John.Doe@Example.COM or plug_99+meds@proton.me.",
	      {EMAIL, "John.Doe@Example.COM", "john.doe@example.com"},
	      {EMAIL, "plug_99+meds@proton.me", "plug_99+meds@proton.me"});
	check_none("me@localhost, @handle, a@b.c, name@@x.com, x@1.2.3.4");
}

static void test_wallets(void **state)
{
	(void)state;
	CHECK(
	    "BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa or bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
	    {WAL, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
	    {WAL, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
	     "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"});
	CHECK("eth: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.",
	      {WAL, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	       "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"});
	CHECK(
	    "USDT TRC20: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
	    {WAL, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "trx:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"});
	CHECK(
	    "xmr:44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2"
	    "wfn3RVGQBEP3A",
	    {WAL,
	     "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn"
	     "3"
	     "RVGQBEP3A",
	     "xmr:"
	     "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2"
	     "wfn3RVGQBEP3A"});
	CHECK("LTC LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9", {WAL, "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9",
	                                                 "ltc:LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9"});
	/* one character changed: not wallets, and nothing else either */
	check_none("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz "
	           "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD "
	           "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5 TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u");
}

static void test_urls_and_onions(void **state)
{
	(void)state;
	CHECK("visit HTTPS://Example.COM:443/path?q=1#frag or www.shop.co.uk/x. (see http://a.io)",
	      {URL, "HTTPS://Example.COM:443/path?q=1#frag", "https://example.com/path?q=1"},
	      {URL, "www.shop.co.uk/x", "http://www.shop.co.uk/x"},
	      {URL, "http://a.io", "http://a.io/"});
	CHECK("http://example.com:8080/a_(b)",
	      {URL, "http://example.com:8080/a_(b)", "http://example.com:8080/a_(b)"});
	CHECK("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
	      {ONION, "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
	       "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"});
	CHECK("http://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion/shop",
	      {URL, "http://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion/shop",
	       "http://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion/shop"},
	      {ONION, "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
	       "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"});
	CHECK("old expyuzz4wqqyqhjn.onion",
	      {URL, "expyuzz4wqqyqhjn.onion", "http://expyuzz4wqqyqhjn.onion/"});
	/* a corrupted v3 onion, bare or in a URL, is nothing at all */
	check_none("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczae.onion "
	           "http://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczae.onion/x "
	           "http://localhost/ http://1.2.3.4/ www. and ftp://x.org");
}

static void test_cas(void **state)
{
	(void)state;
	CHECK("CAS 58-08-2 (caffeine), 50-00-0 and 7732-18-5", {CAS, "58-08-2", "58-08-2"},
	      {CAS, "50-00-0", "50-00-0"}, {CAS, "7732-18-5", "7732-18-5"});
	check_none("58-08-3 2023-10-05 12-34-56-7 05-08-2");
}

static void test_robustness(void **state)
{
	(void)state;
	/* invalid UTF-8 around signals */
	CHECK("\xff\xfe$120\xc3\x28 3.5g\xe2\x82", {PRICE, "$120", "120 USD"},
	      {QTY, "3.5g", "3.5 g"});
	/* truncated input: nothing past len is read */
	collected c = {.n = 0};
	assert_int_equal(idt_signals_extract("$12", 1, collect_cb, &c), IDT_OK);
	assert_int_equal(c.n, 0);
	assert_int_equal(idt_signals_extract(NULL, 0, collect_cb, &c), IDT_OK);
	assert_int_equal(idt_signals_extract(NULL, 3, collect_cb, &c), IDT_EINVAL);
	assert_int_equal(idt_signals_extract("x", 1, NULL, NULL), IDT_EINVAL);
}

static int stop_after_one(void *ctx, const idt_signal *s)
{
	(void)s;
	(*(int *)ctx)++;
	return 1;
}

static void test_stop(void **state)
{
	(void)state;
	int n = 0;
	const char *t = "$1 $2 $3";
	assert_int_equal(idt_signals_extract(t, strlen(t), stop_after_one, &n), IDT_STOPPED);
	assert_int_equal(n, 1);
	/* a contact stopped before its phone */
	n = 0;
	t = "whatsapp +44 7700 900123";
	assert_int_equal(idt_signals_extract(t, strlen(t), stop_after_one, &n), IDT_STOPPED);
	assert_int_equal(n, 1);
}

static void test_keyword_index(void **state)
{
	(void)state;
	assert_int_equal(idt__kw_selfcheck(), 1);
}

static void test_phone_table(void **state)
{
	(void)state;
	assert_int_equal(idt__phone_selfcheck(), 1);
	/* country code length returned; national lengths enforced */
	assert_int_equal(idt__phone_check("447700900123", 12), 2);
	assert_int_equal(idt__phone_check("4477009001", 10), 0);
	assert_int_equal(idt__phone_check("12125550100", 11), 1);
	assert_int_equal(idt__phone_check("3531234567", 10), 3);
	assert_int_equal(idt__phone_check("0447700900123", 13), 0);
	assert_int_equal(idt__phone_check("999123456789", 12), 0);
}

/* Several threads extracting from the same text at once get the same signals as one. */
static const char *const mt_text =
    "Selling 3.5g for $120 or 0.05 BTC, telegram: @plug_99, +44 7700 900123, "
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad."
    "onion 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed 99% pure";

static void *mt_worker(void *arg)
{
	collected *ref = arg, c;
	for (int k = 0; k < 200; k++) {
		c.n = 0;
		if (idt_signals_extract(mt_text, strlen(mt_text), collect_cb, &c) != IDT_OK ||
		    c.n != ref->n)
			return (void *)1;
		for (int j = 0; j < c.n; j++)
			if (c.sig[j].type != ref->sig[j].type ||
			    c.sig[j].start != ref->sig[j].start ||
			    c.sig[j].end != ref->sig[j].end ||
			    strcmp(c.sig[j].value, ref->sig[j].value) != 0)
				return (void *)1;
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	static collected ref;
	pthread_t t[4];
	memset(&ref, 0, sizeof ref);
	assert_int_equal(idt_signals_extract(mt_text, strlen(mt_text), collect_cb, &ref), IDT_OK);
	assert_int_equal(ref.n, 9);
	for (int k = 0; k < 4; k++)
		assert_int_equal(pthread_create(&t[k], NULL, mt_worker, &ref), 0);
	for (int k = 0; k < 4; k++) {
		void *r;
		assert_int_equal(pthread_join(t[k], &r), 0);
		assert_null(r);
	}
}

static void test_type_names(void **state)
{
	(void)state;
	static const char *const names[] = {
	    "price", "quantity", "purity", "contact", "phone",        "email",   "wallet", "url",
	    "onion", "shipping", "no-rx",  "request", "instructions", "warning", "offer",  "cas",
	};
	assert_int_equal(sizeof names / sizeof *names, IDT_SIG_TYPE_COUNT);
	for (int t = 0; t < IDT_SIG_TYPE_COUNT; t++) {
		assert_string_equal(idt_signal_type_name((idt_signal_type)t), names[t]);
		assert_int_equal(idt_signal_type_parse(names[t], strlen(names[t])), t);
	}
	assert_null(idt_signal_type_name(IDT_SIG_TYPE_COUNT));
	assert_null(idt_signal_type_name((idt_signal_type)-1));
	assert_int_equal(idt_signal_type_parse("pric", 4), IDT_SIG_TYPE_COUNT);
	assert_int_equal(idt_signal_type_parse("prices", 6), IDT_SIG_TYPE_COUNT);
	assert_int_equal(idt_signal_type_parse("price", 4), IDT_SIG_TYPE_COUNT);
	assert_int_equal(idt_signal_type_parse(NULL, 0), IDT_SIG_TYPE_COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_offsets),   cmocka_unit_test(test_prices),
	    cmocka_unit_test(test_quantities),      cmocka_unit_test(test_purity),
	    cmocka_unit_test(test_contacts),        cmocka_unit_test(test_phones),
	    cmocka_unit_test(test_email),           cmocka_unit_test(test_wallets),
	    cmocka_unit_test(test_urls_and_onions), cmocka_unit_test(test_cas),
	    cmocka_unit_test(test_robustness),      cmocka_unit_test(test_stop),
	    cmocka_unit_test(test_type_names),      cmocka_unit_test(test_keyword_index),
	    cmocka_unit_test(test_phone_table),     cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
