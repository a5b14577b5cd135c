/*
 * html.c - unit tests of the HTML reader on the fixtures in tests/data/ingest/html/: visible
 * text (scripts, styles, templates and comments dropped; blocks as lines; entities decoded),
 * title, description, alt text and resolved links as separate fields; charsets from <meta>,
 * a BOM (UTF-16) or defaulted; a page in the wrong charset reported, then returned; broken
 * markup; a page over the record limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "interdict.h"

static void assert_field(const idt_record *rec, size_t fi, const char *name, const char *text)
{
	assert_true(fi < rec->nfields);
	assert_int_equal(rec->fields[fi].name_len, strlen(name));
	assert_memory_equal(rec->fields[fi].name, name, strlen(name));
	if (rec->fields[fi].len != strlen(text) || memcmp(rec->fields[fi].text, text, strlen(text)))
		print_error("field %s: got [%.*s]\n", name, (int)rec->fields[fi].len,
		            rec->fields[fi].text);
	assert_int_equal(rec->fields[fi].len, strlen(text));
	assert_memory_equal(rec->fields[fi].text, text, strlen(text));
}

static idt_reader *open_fixture(const char *name, idt_reader_opts *o)
{
	const char *root = getenv("IDT_SOURCE_ROOT");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/ingest/html/%s", root ? root : ".", name);
	idt_reader *r = NULL;
	idt_error err = {0};
	assert_int_equal(idt_reader_open(path, o, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_HTML);
	return r;
}

static void test_shop(void **state)
{
	(void)state;
	idt_reader *r = open_fixture("shop.html", NULL);
	idt_record rec;
	idt_error err;
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_int_equal(rec.nfields, 5);
	assert_field(&rec, 0, "title", "Pharmacy & More | Buy Oxycodone");
	assert_field(&rec, 1, "description", "No prescription needed \xE2\x80\x93 fast delivery");
	assert_field(&rec, 2, "text",
	             "Welcome\nBuy oxycodone\xC2\xA0"
	             "30mg <today>.\nShips worldwide.\nItem 42\n"
	             "First\nSecond \xF0\x9F\x98\x80\nEnable JavaScript");
	assert_field(&rec, 3, "alt", "fentanyl powder");
	assert_field(&rec, 4, "links", "http://shop.example/catalog/item/42?ref=1");
	assert_string_equal(rec.prov.url, "http://shop.example/catalog/");
	assert_non_null(strstr(rec.prov.file, "shop.html"));
	assert_int_equal(rec.id_json[0], '"');
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

static void test_charsets(void **state)
{
	(void)state;
	idt_record rec;
	idt_error err;
	idt_reader *r = open_fixture("cp1251.html", NULL);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "title", "Магазин");
	assert_field(&rec, 1, "text", "Купить мефедрон");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);

	r = open_fixture("utf16.html", NULL);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "title", "UTF-16 page");
	assert_field(&rec, 1, "text", "Grüße, 大麻");
	idt_reader_close(r);

	/* declared UTF-8, written in windows-1251: reported, then the page with U+FFFD */
	r = open_fixture("wrong-charset.html", NULL);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_non_null(strstr(err.msg, "invalid"));
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "title", "Wrong");
	assert_int_equal(rec.fields[1].len, 14 * 3 + 1); /* 14 letters as U+FFFD, a space */
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

static void test_broken(void **state)
{
	(void)state;
	idt_reader *r = open_fixture("broken.html", NULL);
	idt_record rec;
	idt_error err;
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_int_equal(rec.nfields, 1);
	assert_field(&rec, 0, "text",
	             "unclosed bold italic\ncell one\ncell two\nafter &bogus; &amp entity");
	idt_reader_close(r);
}

static void test_mem_and_limit(void **state)
{
	(void)state;
	static const char page[] = "<!DOCTYPE html><p>one</p><p>two</p>";
	idt_reader *r;
	idt_record rec;
	idt_error err;
	assert_int_equal(idt_reader_open_mem(page, sizeof page - 1, NULL, NULL, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_HTML);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "text", "one\ntwo");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);

	idt_reader_opts o = {.format = IDT_FMT_HTML, .max_record = 10};
	assert_int_equal(idt_reader_open_mem(page, sizeof page - 1, "p", &o, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_ELIMIT);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);

	/* an empty page is a record with empty text */
	o.max_record = 0;
	assert_int_equal(idt_reader_open_mem("", 0, "e", &o, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "text", "");
	idt_reader_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shop),
	    cmocka_unit_test(test_charsets),
	    cmocka_unit_test(test_broken),
	    cmocka_unit_test(test_mem_and_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
