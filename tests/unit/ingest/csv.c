/*
 * csv.c - unit tests of the CSV/TSV reader: RFC 4180 quoting (fields spanning lines, ""),
 * BOM, CRLF, column choice by name, ids, provenance, and damaged input (an unterminated quote
 * resynchronised at the next plausible row, short rows, over-long rows), on memory and stream
 * inputs, and the fixture tests/data/ingest/listings.csv.
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
	if (rec->fields[fi].len != strlen(text))
		print_error("field %s: got [%.*s]\n", name, (int)rec->fields[fi].len,
		            rec->fields[fi].text);
	assert_int_equal(rec->fields[fi].len, strlen(text));
	assert_memory_equal(rec->fields[fi].text, text, strlen(text));
}

static void assert_id(const idt_record *rec, const char *id)
{
	assert_non_null(rec->id_json);
	assert_int_equal(rec->id_len, strlen(id));
	assert_memory_equal(rec->id_json, id, strlen(id));
}

static const char *const title_desc[] = {"title", "description"};

static const char sample[] = "\xEF\xBB\xBF"
                             "id,title,price,description\r\n"             /* line 1 */
                             "a1,Blue pills,10,\"Fast, discreet\"\r\n"    /* line 2 */
                             "\r\n"                                       /* 3 blank */
                             "a2,\"Multi\nline \"\"title\"\"\",5,plain\n" /* 4-5 */
                             "\"a\"\"3\",only title\n"                    /* 6: short row */
                             "a4,,,\n"                                    /* 7: empty fields */
                             "a5,last,1,\"no newline at end\"";           /* 8 */

static void check_sample(idt_reader *r)
{
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_format(r), IDT_FMT_CSV);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"a1\"");
	assert_int_equal(rec.nfields, 2);
	assert_field(&rec, 0, "title", "Blue pills");
	assert_field(&rec, 1, "description", "Fast, discreet");
	assert_int_equal(rec.prov.line, 2);
	assert_int_equal(rec.prov.offset, 31);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"a2\"");
	assert_field(&rec, 0, "title", "Multi\nline \"title\"");
	assert_field(&rec, 1, "description", "plain");
	assert_int_equal(rec.prov.line, 4);
	assert_int_equal(rec.prov.offset, 68);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"a\\\"3\"");
	assert_int_equal(rec.nfields, 1);
	assert_field(&rec, 0, "title", "only title");
	assert_int_equal(rec.prov.line, 6);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"a4\"");
	assert_int_equal(rec.nfields, 2);
	assert_field(&rec, 0, "title", "");
	assert_field(&rec, 1, "description", "");
	assert_int_equal(rec.prov.line, 7);

	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"a5\"");
	assert_field(&rec, 1, "description", "no newline at end");
	assert_int_equal(rec.prov.line, 8);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
}

static void test_mem(void **state)
{
	(void)state;
	idt_reader_opts o = {.text_fields = title_desc, .ntext_fields = 2};
	idt_reader *r;
	assert_int_equal(idt_reader_open_mem(sample, sizeof sample - 1, "s.csv", &o, &r, NULL),
	                 IDT_OK);
	check_sample(r);
	idt_reader_close(r);
}

static void test_stream(void **state)
{
	(void)state;
	FILE *fp = tmpfile();
	fwrite(sample, 1, sizeof sample - 1, fp);
	rewind(fp);
	idt_reader_opts o = {.text_fields = title_desc, .ntext_fields = 2};
	idt_reader *r;
	assert_int_equal(idt_reader_open_stream(fp, "s.csv", &o, &r, NULL), IDT_OK);
	check_sample(r);
	idt_reader_close(r);
	fclose(fp);
}

/* An unterminated quote: reported at the quote, the reader resumes at the next plausible row. */
static void test_unterminated(void **state)
{
	(void)state;
	static const char in[] = "id,text\n"
	                         "1,ok\n"
	                         "2,\"broken quote\n"
	                         "junk line\n"
	                         "3,good again\n"
	                         "4,\"fine\"\n";
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open_mem(in, sizeof in - 1, "u.csv", NULL, &r, NULL), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"1\"");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "unterminated quoted field");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.offset, 15);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"3\"");
	assert_field(&rec, 0, "text", "good again");
	assert_int_equal(rec.prov.line, 5);
	assert_int_equal(rec.prov.offset, 39);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"4\"");
	assert_field(&rec, 0, "text", "fine");
	assert_int_equal(rec.prov.line, 6);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

/* TSV, no id column (row numbers), all columns when no "text" column and no names given. */
static void test_tsv_all_columns(void **state)
{
	(void)state;
	static const char in[] = "name\tbody\n"
	                         "x\ty\n"
	                         "\n"
	                         "only\n";
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open_mem(in, sizeof in - 1, "t.tsv", NULL, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_TSV);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "1");
	assert_int_equal(rec.nfields, 2);
	assert_field(&rec, 0, "name", "x");
	assert_field(&rec, 1, "body", "y");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "2");
	assert_int_equal(rec.nfields, 1);
	assert_field(&rec, 0, "name", "only");
	assert_int_equal(rec.prov.line, 4);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

static void test_damaged(void **state)
{
	(void)state;
	/* a missing text column: reported; an over-long row: reported and skipped */
	static const char *const tf[] = {"text"};
	char in[4096];
	int n = snprintf(in, sizeof in, "id,other,text\n1,a\n2,b,%0200d\n3,c,d\n", 7);
	idt_reader_opts o = {.text_fields = tf, .ntext_fields = 1, .max_record = 100};
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	FILE *fp = tmpfile();
	fwrite(in, 1, (size_t)n, fp);
	rewind(fp);
	assert_int_equal(idt_reader_open_stream(fp, "d.csv", &o, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "missing text columns");
	assert_int_equal(err.line, 2);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_ELIMIT);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.offset, 18);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"3\"");
	assert_field(&rec, 0, "text", "d");
	assert_int_equal(rec.prov.line, 4);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
	fclose(fp);

	/* explicit text columns that do not exist */
	static const char *const nope[] = {"nope"};
	o = (idt_reader_opts){.format = IDT_FMT_CSV, .text_fields = nope, .ntext_fields = 1};
	assert_int_equal(idt_reader_open_mem("a,b\n1,2\n", 8, "n.csv", &o, &r, &err), IDT_EINVAL);
	assert_null(r);

	/* an unterminated quote running to the end of input */
	static const char tail[] = "id,text\n1,\"never closed\n2,x\n";
	assert_int_equal(idt_reader_open_mem(tail, sizeof tail - 1, "t.csv", NULL, &r, &err),
	                 IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.offset, 10);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"2\"");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

/* Many rows with multi-line quoted fields across 1 MiB chunks (stream): none lost. */
static void test_chunks(void **state)
{
	(void)state;
	FILE *fp = tmpfile();
	fputs("id,text\n", fp);
	size_t n = 100000;
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%zu,\"row %zu\nsecond \"\"line\"\", padding padding padding\"\r\n", i,
		        i);
	rewind(fp);
	idt_reader *r;
	idt_record rec;
	assert_int_equal(idt_reader_open_stream(fp, "c.csv", NULL, &r, NULL), IDT_OK);
	for (size_t i = 0; i < n; i++) {
		char id[32], text[96];
		assert_int_equal(idt_reader_next(r, &rec, NULL), IDT_OK);
		snprintf(id, sizeof id, "\"%zu\"", i);
		snprintf(text, sizeof text, "row %zu\nsecond \"line\", padding padding padding", i);
		assert_id(&rec, id);
		assert_field(&rec, 0, "text", text);
		assert_int_equal(rec.prov.line, 2 + 2 * i);
	}
	assert_int_equal(idt_reader_next(r, &rec, NULL), IDT_END);
	idt_reader_close(r);
	fclose(fp);
}

/* The fixture: a marketplace export as a spreadsheet writes it. */
static void test_fixture(void **state)
{
	(void)state;
	const char *root = getenv("IDT_SOURCE_ROOT");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/ingest/listings.csv", root ? root : ".");
	static const char *const tf[] = {"title", "description"};
	idt_reader_opts o = {.text_fields = tf, .ntext_fields = 2, .id_field = "listing_id"};
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open(path, &o, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_CSV);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"L-1001\"");
	assert_field(&rec, 0, "title", "Oxycodone 30mg, no prescription");
	assert_field(&rec, 1, "description", "Ships in \"stealth\" packaging.\nEscrow accepted.");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"L-1002\"");
	assert_field(&rec, 0, "title", "Vintage lamp");
	assert_field(&rec, 1, "description", "Brass, 1970s; works fine");
	assert_int_equal(rec.prov.line, 4);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"L-1003\"");
	assert_field(&rec, 0, "title", "Кокаин 1г");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mem),          cmocka_unit_test(test_stream),
	    cmocka_unit_test(test_unterminated), cmocka_unit_test(test_tsv_all_columns),
	    cmocka_unit_test(test_damaged),      cmocka_unit_test(test_fixture),
	    cmocka_unit_test(test_chunks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
