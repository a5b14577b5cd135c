/*
 * telegram.c - unit tests of the Telegram Desktop export reader on the fixtures of
 * tests/data/ingest/telegram/ (made with Python's json module in the exports' layout): a
 * whole-account export with text entity arrays, links, captions, forwards, polls and service
 * messages; a single-chat export; an export cut off in the middle (the messages before the
 * cut come through, then the cut is reported); damaged messages.
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

static void assert_id(const idt_record *rec, const char *id)
{
	assert_int_equal(rec->id_len, strlen(id));
	assert_memory_equal(rec->id_json, id, strlen(id));
}

static idt_reader *open_fixture(const char *name)
{
	char path[4096];
	const char *root = getenv("IDT_SOURCE_ROOT");
	snprintf(path, sizeof path, "%s/tests/data/ingest/telegram/%s", root ? root : ".", name);
	idt_reader *r = NULL;
	assert_int_equal(idt_reader_open(path, NULL, &r, NULL), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_TELEGRAM);
	return r;
}

/* The first messages of result.json and cut.json. */
static void check_first(idt_reader *r)
{
	idt_record rec;
	idt_error err;
	/* message 1 is a service message without text: no record */
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"1001:2\"");
	assert_int_equal(rec.nfields, 2);
	assert_field(&rec, 0, "text", "Fresh mephedrone 4MMC, menu DM \xE2\x9C\x89");
	assert_field(&rec, 1, "links", "https://t.me/candyshop/5");
	assert_string_equal(rec.prov.msg_id, "2");
	assert_string_equal(rec.prov.sender, "Vendor");
	assert_string_equal(rec.prov.date, "2024-01-31T21:41:05");
	assert_string_equal(rec.prov.chat, "Candy Shop \xF0\x9F\x8D\xAC");
	assert_int_equal(rec.prov.line, 41);
	assert_int_equal(rec.prov.offset, 793);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"1001:3\"");
	assert_field(&rec, 0, "text", "Photo caption: 1g = 50\xE2\x82\xAC");
	assert_int_equal(rec.prov.line, 64);
}

static void test_full(void **state)
{
	(void)state;
	idt_reader *r = open_fixture("result.json");
	idt_record rec;
	idt_error err;
	check_first(r);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"1001:4\"");
	assert_field(&rec, 0, "text", "Forwarded offer");
	assert_field(&rec, 1, "forwarded_from", "Weed Delivery Berlin");
	assert_string_equal(rec.prov.sender, "user77"); /* from is null: from_id */
	/* message 5: a photo without caption: no record */
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"1001:6\"");
	assert_int_equal(rec.nfields, 1);
	assert_field(&rec, 0, "poll", "Which one next week?\nKetamine\nMDMA");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"7:10\"");
	assert_field(&rec, 0, "text", "note: \"quote\" \\ backslash");
	assert_string_equal(rec.prov.chat, "Saved Messages");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

static void test_single_chat(void **state)
{
	(void)state;
	idt_reader *r = open_fixture("chat.json");
	idt_record rec;
	idt_error err;
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"55:100\"");
	assert_field(&rec, 0, "text", "happy new year, 20% off");
	assert_string_equal(rec.prov.chat, "Dealer");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"55:101\"");
	assert_field(&rec, 0, "text", "need 2 @plug");
	assert_string_equal(rec.prov.sender, "Me");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

static void test_cut(void **state)
{
	(void)state;
	idt_reader *r = open_fixture("cut.json");
	idt_record rec;
	idt_error err = {0};
	check_first(r);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "export cut short");
	assert_int_equal(err.line, 75);
	assert_int_equal(err.offset, 1526);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

static void test_damaged(void **state)
{
	(void)state;
	static const char in[] = "{\"name\":\"c\",\"id\":1,\"messages\":[\n"
	                         "{\"id\":1,\"text\":\"ok\"},\n"
	                         "{\"id\":2,\"text\":\"bad \\x escape\"},\n"
	                         "{\"id\":3,\"text\":[\"a\",{\"type\":\"bold\",\"text\":\"b\"}]}\n"
	                         "]}";
	idt_reader_opts o = {.format = IDT_FMT_TELEGRAM};
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open_mem(in, sizeof in - 1, "d.json", &o, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "text", "ok");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "malformed message");
	assert_int_equal(err.line, 3);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"1:3\"");
	assert_field(&rec, 0, "text", "ab");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);

	/* a message over the record limit is skipped, the next ones are read */
	static const char big[] = "{\"name\":\"c\",\"id\":1,\"messages\":[\n"
	                          "{\"id\":1,\"text\":\"0123456789012345678901234567890123456789"
	                          "0123456789012345678901234567890123456789 \\\" ] }\"},\n"
	                          "{\"id\":2,\"text\":\"next\"}]}";
	idt_reader_opts small = {.format = IDT_FMT_TELEGRAM, .max_record = 40};
	assert_int_equal(idt_reader_open_mem(big, sizeof big - 1, "big.json", &small, &r, &err),
	                 IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_ELIMIT);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.offset, 32);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"1:2\"");
	assert_field(&rec, 0, "text", "next");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);

	/* a broken document structure ends the reading with a report */
	static const char bad[] = "{\"messages\":[{\"id\":1,\"text\":\"x\"} {\"id\":2}]}";
	assert_int_equal(idt_reader_open_mem(bad, sizeof bad - 1, "b.json", &o, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "1");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_int_equal(err.offset, 33);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_single_chat),
	    cmocka_unit_test(test_cut),
	    cmocka_unit_test(test_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
