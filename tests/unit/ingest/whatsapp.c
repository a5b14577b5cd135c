/*
 * whatsapp.c - unit tests of the WhatsApp export reader on the fixtures of
 * tests/data/ingest/whatsapp/: Android (US, 12-hour, CRLF) and iOS (German, bracketed, U+200E
 * marks) and day-first / ISO dates, multi-line messages with blank lines, system lines,
 * senders that are phone numbers, ": " inside the text; a message over the record limit.
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

static void assert_text(const idt_record *rec, const char *text)
{
	assert_int_equal(rec->nfields, 1);
	assert_int_equal(rec->fields[0].name_len, 4);
	assert_memory_equal(rec->fields[0].name, "text", 4);
	if (rec->fields[0].len != strlen(text) || memcmp(rec->fields[0].text, text, strlen(text)))
		print_error("text: got [%.*s]\n", (int)rec->fields[0].len, rec->fields[0].text);
	assert_int_equal(rec->fields[0].len, strlen(text));
	assert_memory_equal(rec->fields[0].text, text, strlen(text));
}

static void assert_msg(idt_reader *r, const char *id, const char *sender, const char *date,
                       uint64_t line, const char *text)
{
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_int_equal(rec.id_len, strlen(id));
	assert_memory_equal(rec.id_json, id, strlen(id));
	if (sender)
		assert_string_equal(rec.prov.sender, sender);
	else
		assert_null(rec.prov.sender);
	if (*date)
		assert_string_equal(rec.prov.date, date);
	else
		assert_null(rec.prov.date);
	assert_int_equal(rec.prov.line, line);
	assert_text(&rec, text);
}

static idt_reader *open_fixture(const char *name)
{
	char path[4096];
	const char *root = getenv("IDT_SOURCE_ROOT");
	snprintf(path, sizeof path, "%s/tests/data/ingest/whatsapp/%s", root ? root : ".", name);
	idt_reader *r = NULL;
	assert_int_equal(idt_reader_open(path, NULL, &r, NULL), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_WHATSAPP);
	return r;
}

static void test_android(void **state)
{
	(void)state;
	idt_reader *r = open_fixture("WhatsApp Chat with Plug.txt");
	idt_record rec;
	assert_msg(r, "1", NULL, "2023-12-31T21:41:00", 1,
	           "Messages and calls are end-to-end encrypted. No one outside of this chat can "
	           "read them.");
	assert_msg(r, "2", "Plug", "2023-12-31T21:41:00", 2, "got the white, 80 a g");
	assert_msg(r, "3", "Plug", "2023-12-31T21:42:00", 3,
	           "line two follows\nsecond line of the message\n\nfourth line after a blank one");
	assert_msg(r, "7", "+1 555 0100", "2024-01-01T00:05:00", 7, "<Media omitted>");
	assert_msg(r, "8", "Plug", "2024-01-01T12:30:00", 8, "ok: see you at 3:30");
	assert_int_equal(idt_reader_next(r, &rec, NULL), IDT_END);
	idt_reader_close(r);

	r = open_fixture("WhatsApp Chat with Plug.txt");
	assert_int_equal(idt_reader_next(r, &rec, NULL), IDT_OK);
	assert_string_equal(rec.prov.chat, "WhatsApp Chat with Plug");
	assert_int_equal(rec.prov.offset, 0);
	assert_int_equal(idt_reader_next(r, &rec, NULL), IDT_OK);
	assert_int_equal(rec.prov.offset, 109);
	idt_reader_close(r);
}

static void test_ios(void **state)
{
	(void)state;
	idt_reader *r = open_fixture("ios.txt");
	idt_record rec;
	assert_msg(r, "1", "Dealer Berlin", "2023-12-31T21:41:05", 1,
	           "Messages and calls are end-to-end encrypted.");
	assert_msg(r, "2", "Dealer Berlin", "2023-12-31T21:41:05", 2, "Gras 10€/g, Koks 80");
	assert_msg(r, "3", "Ich", "2024-01-01T00:15:30", 3, "brauche 2g\nmorgen?");
	assert_msg(r, "5", "Dealer Berlin", "2024-01-02T09:00:00", 5, "image omitted");
	assert_int_equal(idt_reader_next(r, &rec, NULL), IDT_END);
	idt_reader_close(r);
}

static void test_eu(void **state)
{
	(void)state;
	idt_reader *r = open_fixture("eu.txt");
	idt_record rec;
	assert_msg(r, "1", NULL, "2023-12-31T21:41:00", 1, "Alice created group \"Party\"");
	assert_msg(r, "2", "Alice", "2023-12-31T21:42:00", 2, "anyone has molly?");
	assert_msg(r, "3", "Bob", "2023-12-31T22:00:00", 3, "not me");
	assert_int_equal(idt_reader_next(r, &rec, NULL), IDT_END);
	idt_reader_close(r);
}

/* Day/month order learnt from the file; text before the first header; the record limit. */
static void test_order_and_limit(void **state)
{
	(void)state;
	static const char in[] = "exported by hand\n"
	                         "03/04/2024, 10:00 - A: first (ambiguous: day first)\n"
	                         "04/25/2024, 10:00 - B: month first, learnt\n"
	                         "03/04/2024, 11:00 - A: now March 4\n"
	                         "03/04/2024, 12:00 - A: a long message\n"
	                         "0123456789\n0123456789\n0123456789\n0123456789\n0123456789\n"
	                         "0123456789\n"
	                         "03/05/2024, 12:00 - A: after\n";
	idt_reader_opts o = {.format = IDT_FMT_WHATSAPP, .max_record = 60};
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open_mem(in, sizeof in - 1, "x.txt", &o, &r, NULL), IDT_OK);
	assert_msg(r, "1", NULL, "", 1, "exported by hand");
	assert_msg(r, "2", "A", "2024-04-03T10:00:00", 2, "first (ambiguous: day first)");
	assert_msg(r, "3", "B", "2024-04-25T10:00:00", 3, "month first, learnt");
	assert_msg(r, "4", "A", "2024-03-04T11:00:00", 4, "now March 4");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_ELIMIT);
	assert_int_equal(err.line, 5);
	assert_msg(r, "5", "A", "2024-03-04T12:00:00", 5,
	           "a long message\n0123456789\n0123456789\n0123456789\n0123456789");
	assert_msg(r, "12", "A", "2024-03-05T12:00:00", 12, "after");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_android),
	    cmocka_unit_test(test_ios),
	    cmocka_unit_test(test_eu),
	    cmocka_unit_test(test_order_and_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
