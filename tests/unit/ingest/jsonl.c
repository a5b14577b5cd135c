/*
 * jsonl.c - unit tests of the JSON Lines and plain-text readers through the public reader API:
 * exact field text, ids and provenance (line, byte offset), and every kind of bad line
 * (invalid JSON, NUL bytes, no text field, over-long lines) reported with its location while
 * the following records still come through; the same on memory and stream inputs.
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

/* Expects a record whose field `fi` is named `name` with text `text`. */
static void assert_field(const idt_record *rec, size_t fi, const char *name, const char *text,
                         size_t len)
{
	assert_true(fi < rec->nfields);
	assert_int_equal(rec->fields[fi].name_len, strlen(name));
	assert_memory_equal(rec->fields[fi].name, name, strlen(name));
	assert_int_equal(rec->fields[fi].len, len);
	if (len) assert_memory_equal(rec->fields[fi].text, text, len);
}

static void assert_id(const idt_record *rec, const char *id)
{
	if (!id) {
		assert_null(rec->id_json);
		return;
	}
	assert_non_null(rec->id_json);
	assert_int_equal(rec->id_len, strlen(id));
	assert_memory_equal(rec->id_json, id, strlen(id));
}

static const char sample[] =
    "{\"id\":\"a1\",\"title\":\"Fent\\u0061nyl \\ud83d\\ude00\",\"text\":\"plain text\"}\r\n"
    "\n"
    "   \r\n"
    "{\"text\":\"no id\"}\n"
    "{\"id\":42,\"text\":\"bad\" \"json\"}\n"
    "{\"id\":7,\"other\":\"x\"}\n"
    "{\"id\":[1,{\"a\":2}],\"title\":null,\"text\":1.5e3}\n"
    "{\"id\":8,\"text\":\"NUL\x00here\"}\n"
    "{\"text\":\"dup 1\",\"text\":\"dup 2\",\"id\":\"last\"}"; /* no final newline */

static void check_sample(idt_reader *r)
{
	idt_record rec;
	idt_error err = {0};

	assert_int_equal(idt_reader_format(r), IDT_FMT_JSONL);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"a1\"");
	assert_int_equal(rec.nfields, 2);
	assert_field(&rec, 0, "title", "Fentanyl \xf0\x9f\x98\x80", 13);
	assert_field(&rec, 1, "text", "plain text", 10);
	assert_string_equal(rec.prov.file, "sample.jsonl");
	assert_int_equal(rec.prov.line, 1);
	assert_int_equal(rec.prov.offset, 0);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, NULL);
	assert_int_equal(rec.nfields, 1);
	assert_field(&rec, 0, "text", "no id", 5);
	assert_int_equal(rec.prov.line, 4);
	assert_int_equal(rec.prov.offset, 76);

	/* {"id":42,"text":"bad" "json"}: the error points at the second string */
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_int_equal(err.line, 5);
	assert_int_equal(err.offset, 115);
	assert_string_equal(err.msg, "expected ',' or '}'");
	assert_string_equal(err.where, "sample.jsonl");

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "no text field");
	assert_int_equal(err.line, 6);
	assert_int_equal(err.offset, 123);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "[1,{\"a\":2}]");
	assert_int_equal(rec.nfields, 1); /* title null: absent; the number is text */
	assert_field(&rec, 0, "text", "1.5e3", 5);
	assert_int_equal(rec.prov.line, 7);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "NUL byte");
	assert_int_equal(err.line, 8);
	assert_int_equal(err.offset, 208);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"last\"");
	assert_int_equal(rec.nfields, 1);
	assert_field(&rec, 0, "text", "dup 2", 5);
	assert_int_equal(rec.prov.line, 9);
	assert_int_equal(rec.prov.offset, 216);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	assert_int_equal(idt_reader_bytes(r), sizeof sample - 1);
}

static const char *const title_text[] = {"title", "text"};

static void test_mem(void **state)
{
	(void)state;
	idt_reader_opts o = {.text_fields = title_text, .ntext_fields = 2};
	idt_reader *r;
	assert_int_equal(
	    idt_reader_open_mem(sample, sizeof sample - 1, "sample.jsonl", &o, &r, NULL), IDT_OK);
	check_sample(r);
	idt_reader_close(r);
}

static void test_stream(void **state)
{
	(void)state;
	FILE *fp = tmpfile();
	assert_non_null(fp);
	fwrite(sample, 1, sizeof sample - 1, fp);
	rewind(fp);
	idt_reader_opts o = {.format = IDT_FMT_JSONL, .text_fields = title_text, .ntext_fields = 2};
	idt_reader *r;
	assert_int_equal(idt_reader_open_stream(fp, "sample.jsonl", &o, &r, NULL), IDT_OK);
	check_sample(r);
	idt_reader_close(r);
	fclose(fp);
}

/* A line over the limit is skipped without being buffered and the next one is read. */
static void test_long_line(void **state)
{
	(void)state;
	FILE *fp = tmpfile();
	assert_non_null(fp);
	fputs("{\"text\":\"first\"}\n{\"text\":\"", fp);
	size_t big = (size_t)5 << 20;
	char *junk = malloc(big);
	memset(junk, 'x', big);
	fwrite(junk, 1, big, fp);
	free(junk);
	fputs("\"}\n{\"text\":\"after\"}\n", fp);
	rewind(fp);
	idt_reader_opts o = {.max_record = 1000};
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open_stream(fp, "long.jsonl", &o, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "text", "first", 5);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_ELIMIT);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.offset, 17);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "text", "after", 5);
	assert_int_equal(rec.prov.line, 3);
	assert_int_equal(rec.prov.offset, 17 + 9 + big + 3);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
	fclose(fp);
}

/* Many records across several 1 MiB chunks: none lost, offsets exact. */
static void test_chunks(void **state)
{
	(void)state;
	FILE *fp = tmpfile();
	assert_non_null(fp);
	size_t n = 200000;
	uint64_t off = 0;
	for (size_t i = 0; i < n; i++)
		off += (uint64_t)fprintf(fp, "{\"id\":%zu,\"text\":\"r%zu\"}\n", i, i);
	rewind(fp);
	idt_reader *r;
	idt_record rec;
	assert_int_equal(idt_reader_open_stream(fp, "-", NULL, &r, NULL), IDT_OK);
	uint64_t expect = 0;
	for (size_t i = 0; i < n; i++) {
		char id[32], text[32];
		assert_int_equal(idt_reader_next(r, &rec, NULL), IDT_OK);
		snprintf(id, sizeof id, "%zu", i);
		int tl = snprintf(text, sizeof text, "r%zu", i);
		assert_id(&rec, id);
		assert_field(&rec, 0, "text", text, (size_t)tl);
		assert_int_equal(rec.prov.offset, expect);
		assert_int_equal(rec.prov.line, i + 1);
		expect += strlen("{\"id\":,\"text\":\"r\"}\n") + 2 * strlen(id);
	}
	assert_int_equal(expect, off);
	assert_int_equal(idt_reader_next(r, &rec, NULL), IDT_END);
	idt_reader_close(r);
	fclose(fp);
}

static void test_text(void **state)
{
	(void)state;
	static const char in[] = "\xEF\xBB\xBF"
	                         "first line\r\n\nthird \xff line\nNUL\x00x\nlast";
	idt_reader_opts o = {.format = IDT_FMT_TEXT};
	idt_reader *r;
	idt_record rec;
	idt_error err;
	assert_int_equal(idt_reader_open_mem(in, sizeof in - 1, "t.txt", &o, &r, NULL), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "1");
	assert_field(&rec, 0, "text", "first line", 10);
	assert_int_equal(rec.prov.offset, 3);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "3");
	assert_field(&rec, 0, "text", "third \xff line", 12); /* invalid UTF-8 passed on */
	assert_int_equal(rec.prov.line, 3);
	assert_int_equal(rec.prov.offset, 16);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_int_equal(err.line, 4);
	assert_int_equal(err.offset, 32);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "5");
	assert_field(&rec, 0, "text", "last", 4);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

static void test_formats(void **state)
{
	(void)state;
	assert_string_equal(idt_format_name(IDT_FMT_JSONL), "jsonl");
	assert_int_equal(idt_format_parse("jsonl"), IDT_FMT_JSONL);
	assert_int_equal(idt_format_parse("NDJSON"), IDT_FMT_JSONL);
	assert_int_equal(idt_format_parse("text"), IDT_FMT_TEXT);
	assert_int_equal(idt_format_parse("warc"), IDT_FMT_WARC);
	assert_int_equal(idt_format_parse("nope"), IDT_FMT_COUNT);
	for (int f = 0; f < IDT_FMT_COUNT; f++)
		assert_int_equal(idt_format_parse(idt_format_name((idt_format)f)), f);

	idt_reader *r;
	assert_int_equal(idt_reader_open_mem("{\"text\":\"a\"}\n", 13, "x", NULL, &r, NULL),
	                 IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_JSONL);
	idt_reader_close(r);
	assert_int_equal(idt_reader_open_mem("hello world\n", 12, "x", NULL, &r, NULL), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_TEXT);
	idt_reader_close(r);

	idt_error err = {0};
	assert_int_equal(idt_reader_open("/nonexistent/file.jsonl", NULL, &r, &err), IDT_EIO);
	assert_null(r);
	assert_string_equal(err.where, "/nonexistent/file.jsonl");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mem),       cmocka_unit_test(test_stream),
	    cmocka_unit_test(test_long_line), cmocka_unit_test(test_chunks),
	    cmocka_unit_test(test_text),      cmocka_unit_test(test_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
