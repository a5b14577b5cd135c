/*
 * test_pharmacy.c - the internet-pharmacy assessment (src/watch/pharmacy.c) on pages scanned
 * with the bundled knowledge base: a rogue pharmacy, a pharmacy with an address, a licence
 * and card payment, a shop that is no pharmacy, and the weights and thresholds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "watch/watch.h"

typedef struct world {
	idt_kb *kb;
	idt_folder *folder;
	idt_scanner *sc;
	idt_scratch *scratch;
	idt_result *res;
} world;

static int setup(void **state)
{
	world *w = calloc(1, sizeof *w);
	idt_error err = {0};
	assert_int_equal(idt_kb_load_bundled(&w->kb, &err), IDT_OK);
	assert_int_equal(idt_folder_new(&w->folder), IDT_OK);
	assert_int_equal(idt_scanner_new(w->kb, w->folder, NULL, &w->sc, &err), IDT_OK);
	assert_int_equal(idt_scratch_new(w->sc, &w->scratch), IDT_OK);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;
	idt_result_free(w->res);
	idt_scratch_free(w->scratch);
	idt_scanner_free(w->sc);
	idt_folder_free(w->folder);
	idt_kb_free(w->kb);
	free(w);
	return 0;
}

static void add_page(world *w, idt_pharmacy *p, const char *text)
{
	idt_field f = {"text", 4, text, strlen(text)};
	assert_int_equal(idt_scan(w->sc, w->scratch, &f, 1, &w->res), IDT_OK);
	idt_pharmacy_add(p, w->kb, w->res, &f, 1);
}

static void test_rogue(void **state)
{
	world *w = *state;
	idt_pharmacy p = {0};
	strcpy(p.host, "cheap-pills.example");
	add_page(w, &p, "Online pharmacy: buy tramadol and oxycodone, no prescription needed.");
	add_page(w, &p, "Payment: Bitcoin only. BTC bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq");
	double score;
	const char *verdict;
	char *reasons;
	assert_int_equal(idt_pharmacy_assess(&p, &score, &verdict, &reasons), IDT_OK);
	assert_string_equal(verdict, "likely-illegitimate");
	assert_true(score > 0.949 && score < 0.951); /* 0.45 + 0.2 + 0.2 + 0.1 */
	assert_non_null(strstr(reasons, "without a prescription: Tramadol, Oxycodone"));
	assert_non_null(strstr(reasons, "no verifiable address or licence number"));
	assert_non_null(strstr(reasons, "cryptocurrency only"));
	assert_non_null(strstr(reasons, "domain name built on 'pills'"));
	free(reasons);
}

static void test_licensed_looking(void **state)
{
	world *w = *state;
	idt_pharmacy p = {0};
	strcpy(p.host, "citychemist.example");
	add_page(w, &p,
	         "City Pharmacy, 12 High Street, London. GPhC registration number 1234567. "
	         "Tramadol is dispensed against a valid prescription. We accept Visa and "
	         "Mastercard.");
	double score;
	const char *verdict;
	char *reasons;
	assert_int_equal(idt_pharmacy_assess(&p, &score, &verdict, &reasons), IDT_OK);
	assert_int_equal(p.licence, 1);
	assert_int_equal(p.address, 1);
	assert_int_equal(p.card, 1);
	assert_string_equal(verdict, "no-red-flags");
	assert_true(score > 0.149 && score < 0.151); /* controlled medicine offered: 0.15 */
	free(reasons);
}

static void test_not_a_pharmacy(void **state)
{
	world *w = *state;
	idt_pharmacy p = {0};
	strcpy(p.host, "market.example");
	add_page(w, &p, "Fentanyl powder for sale, 10g $450, telegram @vendor");
	double score;
	const char *verdict;
	char *reasons;
	assert_int_equal(idt_pharmacy_assess(&p, &score, &verdict, &reasons), IDT_OK);
	assert_string_equal(verdict, "not-a-pharmacy");
	assert_true(score == 0);
	free(reasons);
	/* the same offer on a pharmacy domain is assessed */
	strcpy(p.host, "rx-direct.example");
	assert_int_equal(idt_pharmacy_assess(&p, &score, &verdict, &reasons), IDT_OK);
	assert_string_equal(verdict, "suspicious"); /* 0.15 + 0.2 + 0.1 */
	assert_true(score > 0.449 && score < 0.451);
	free(reasons);
	/* an IP address has no domain name to judge */
	strcpy(p.host, "127.0.0.1");
	assert_int_equal(idt_pharmacy_assess(&p, &score, &verdict, &reasons), IDT_OK);
	assert_string_equal(verdict, "not-a-pharmacy");
	free(reasons);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rogue),
	    cmocka_unit_test(test_licensed_looking),
	    cmocka_unit_test(test_not_a_pharmacy),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
