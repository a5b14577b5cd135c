/*
 * mail.c - unit tests of the mbox / .eml reader on the fixtures of tests/data/ingest/mail/
 * (made with Python): encoded-word headers, quoted-printable with soft breaks, ">From "
 * unescaping, multipart/alternative (plain preferred), HTML parts in windows-1251 and base64,
 * attachment names, a forwarded message/rfc822, dates as ISO 8601, provenance; damage (broken
 * base64, a missing closing boundary, an unknown charset) reported then returned; a message
 * over the record limit skipped.
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

static const char *fixture(const char *name)
{
	static char path[4096];
	const char *root = getenv("IDT_SOURCE_ROOT");
	snprintf(path, sizeof path, "%s/tests/data/ingest/mail/%s", root ? root : ".", name);
	return path;
}

static void test_mbox(void **state)
{
	(void)state;
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open(fixture("inbox.mbox"), NULL, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_MBOX);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"<m1@example.onion>\"");
	assert_int_equal(rec.nfields, 2);
	assert_field(&rec, 0, "subject", "Oxycodone \xE2\x80\x93 price list");
	assert_field(
	    &rec, 1, "text",
	    "Oxycodone 80mg \xE2\x80\x93 4\xE2\x82\xAC each, shipping worldwide. Soft break "
	    "joined.\nFrom the old days: quoted From line");
	assert_string_equal(rec.prov.sender, "Аптека <vendor@example.onion>");
	assert_string_equal(rec.prov.msg_id, "<m1@example.onion>");
	assert_string_equal(rec.prov.date, "2024-01-01T10:00:00+01:00");
	assert_string_equal(rec.prov.chat, "inbox.mbox");
	assert_int_equal(rec.prov.line, 1);
	assert_int_equal(rec.prov.offset, 0);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"<m2@example.com>\"");
	assert_field(&rec, 0, "subject", "Re: order");
	assert_field(&rec, 1, "text", "Fentanyl patches in stock (plain)");
	assert_int_equal(rec.nfields, 2); /* the HTML alternative is not read */
	assert_string_equal(rec.prov.date, "2024-01-02T11:00:00Z");
	assert_int_equal(rec.prov.line, 15);
	assert_int_equal(rec.prov.offset, 475);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "3"); /* no Message-ID: the message number */
	assert_null(rec.prov.msg_id);
	assert_field(&rec, 0, "subject", "Price");
	assert_field(&rec, 1, "text", "Мефедрон, закладки\nкристаллы");
	assert_field(&rec, 2, "attachments", "price_list.pdf");
	assert_string_equal(rec.prov.date, "2024-01-03T12:00:00+03:00");
	assert_int_equal(rec.prov.line, 33);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

static void test_eml(void **state)
{
	(void)state;
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open(fixture("tip.eml"), NULL, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_MBOX);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"<tip1@example.org>\"");
	assert_field(&rec, 0, "subject", "Fwd: suspicious offer");
	assert_field(&rec, 1, "text", "See below.\nSubject: Ketamine 5g\nKetamine 5g for 100 EUR.");
	assert_string_equal(rec.prov.sender, "Tipster <tip@example.org>");
	assert_string_equal(rec.prov.date, "2024-01-04T08:30:15-05:00");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);

	/* html links from a multipart/alternative without a plain part */
	static const char html[] =
	    "Subject: h\nContent-Type: multipart/alternative; boundary=x\n\n"
	    "--x\nContent-Type: text/html\n\n<p>Buy <a href=\"http://a.example/\">"
	    "here</a></p>\n--x--\n";
	assert_int_equal(idt_reader_open_mem(html, sizeof html - 1, "h.eml", NULL, &r, &err),
	                 IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 1, "text", "Buy here");
	assert_field(&rec, 2, "links", "http://a.example/");
	idt_reader_close(r);
}

static void test_damaged(void **state)
{
	(void)state;
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open(fixture("broken.eml"), NULL, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "multipart body without its closing boundary");
	assert_int_equal(err.line, 1);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "subject", "broken");
	assert_field(&rec, 1, "text", "Hello world\nunknown charset text");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);

	/* a message over the limit is skipped up to the next "From " line */
	static const char mbox[] = "From a\nSubject: one\n\nshort\n\n"
	                           "From b\nSubject: two\n\n"
	                           "0123456789012345678901234567890123456789\n"
	                           "0123456789012345678901234567890123456789\n\n"
	                           "From c\nSubject: three\n\nshort again\n";
	idt_reader_opts o = {.max_record = 64};
	assert_int_equal(idt_reader_open_mem(mbox, sizeof mbox - 1, "m.mbox", &o, &r, &err),
	                 IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "subject", "one");
	assert_field(&rec, 1, "text", "short");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_ELIMIT);
	assert_int_equal(err.line, 6);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "subject", "three");
	assert_int_equal(rec.prov.line, 12);
	assert_id(&rec, "3");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mbox),
	    cmocka_unit_test(test_eml),
	    cmocka_unit_test(test_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
