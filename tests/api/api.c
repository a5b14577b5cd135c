/*
 * api.c - tests of libinterdict through its public header only (<interdict.h>): status names,
 * version, the bundled knowledge base, a scan from start to finish, idempotent free
 * functions, and the out-of-memory-free error paths a caller sees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <interdict.h>

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(idt_status_name(IDT_OK), "IDT_OK");
	assert_string_equal(idt_status_name(IDT_EPARSE), "IDT_EPARSE");
	assert_string_equal(idt_status_name(IDT_ECONFLICT), "IDT_ECONFLICT");
	assert_string_equal(idt_status_name((idt_status)999), "IDT_UNKNOWN");
	assert_string_equal(idt_status_str(IDT_ENOMEM), "out of memory");
	assert_non_null(idt_status_str((idt_status)-1));
	assert_non_null(strchr(idt_version(), '.'));
}

static void test_free_accepts_null(void **state)
{
	(void)state;
	idt_kb_free(NULL);
	idt_folder_free(NULL);
	idt_norm_free(NULL);
	idt_scanner_free(NULL);
	idt_scratch_free(NULL);
	idt_result_free(NULL);
	idt_reader_close(NULL);
}

static void test_vocabularies(void **state)
{
	(void)state;
	for (int c = 0; c < IDT_CLASS_COUNT; c++) {
		const char *n = idt_class_name((idt_class)c);
		assert_non_null(n);
		assert_int_equal(idt_class_parse(n, strlen(n)), c);
	}
	assert_null(idt_class_name(IDT_CLASS_COUNT));
	assert_int_equal(idt_class_parse("opiates", 7), IDT_CLASS_COUNT);
	for (int t = 0; t < IDT_SIG_TYPE_COUNT; t++) {
		const char *n = idt_signal_type_name((idt_signal_type)t);
		assert_non_null(n);
		assert_int_equal(idt_signal_type_parse(n, strlen(n)), t);
	}
	assert_string_equal(idt_category_name(IDT_CAT_PURCHASE_REQUEST), "purchase-request");
}

static void test_end_to_end(void **state)
{
	(void)state;
	idt_kb *kb;
	idt_folder *f;
	idt_scanner *sc;
	idt_scratch *s;
	idt_result *r = NULL;
	idt_error err = {0};
	assert_int_equal(idt_kb_load_bundled(&kb, &err), IDT_OK);
	assert_true(idt_kb_substance_count(kb) > 100);
	assert_int_not_equal(idt_kb_find(kb, "fentanyl"), (size_t)-1);
	assert_int_equal(idt_folder_new(&f), IDT_OK);
	assert_int_equal(idt_scanner_new(kb, f, NULL, &sc, &err), IDT_OK);
	assert_int_equal(idt_scratch_new(sc, &s), IDT_OK);
	const char *text = "f3nt@nyl 5g for sale, telegram @plugz";
	idt_field fd = {"text", 4, text, strlen(text)};
	assert_int_equal(idt_scan(sc, s, &fd, 1, &r), IDT_OK);
	assert_true(idt_result_flagged(r));
	assert_true(idt_result_score(r) >= 0.5 && idt_result_score(r) <= 1.0);
	assert_true(idt_result_categories(r) & IDT_CAT_OFFER);
	uint32_t sub = idt_result_substance(r, 0);
	assert_string_equal(idt_kb_substance(kb, sub)->id, "fentanyl");
	assert_int_equal(idt_result_substance(r, 99), UINT32_MAX);
	assert_null(idt_result_evidence(r, 9999));
	assert_true(idt_result_reason_count(r) >= 2);
	/* Re-using the result for a clean record clears it. */
	fd.text = "nothing to see";
	fd.len = strlen(fd.text);
	assert_int_equal(idt_scan(sc, s, &fd, 1, &r), IDT_OK);
	assert_false(idt_result_flagged(r));
	assert_int_equal(idt_result_evidence_count(r), 0);
	idt_result_free(r);
	idt_scratch_free(s);
	idt_scanner_free(sc);
	idt_folder_free(f);
	idt_kb_free(kb);
}

static void test_missing_file_is_located(void **state)
{
	(void)state;
	idt_kb *kb;
	assert_int_equal(idt_kb_new(&kb), IDT_OK);
	idt_error err = {0};
	assert_int_equal(idt_kb_add_file(kb, "/nonexistent/x.kb", &err), IDT_EIO);
	assert_string_equal(err.where, "/nonexistent/x.kb");
	idt_kb_free(kb);
	idt_reader *rd = NULL;
	assert_int_equal(idt_reader_open("/nonexistent/x.jsonl", NULL, &rd, &err), IDT_EIO);
	assert_null(rd);
}

static void test_json_string_helper(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	assert_int_equal(idt_json_append_str(&buf, &len, &cap, "a\"b\n\xff", 5), IDT_OK);
	assert_int_equal(len, strlen("\"a\\\"b\\n\xEF\xBF\xBD\""));
	assert_memory_equal(buf, "\"a\\\"b\\n\xEF\xBF\xBD\"", len);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_names),     cmocka_unit_test(test_free_accepts_null),
		cmocka_unit_test(test_vocabularies),     cmocka_unit_test(test_end_to_end),
		cmocka_unit_test(test_missing_file_is_located), cmocka_unit_test(test_json_string_helper),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
