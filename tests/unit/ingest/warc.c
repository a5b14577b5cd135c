/*
 * warc.c - unit tests of the WARC/ARC reader on the fixtures of tests/data/ingest/warc/ (made
 * by make_fixtures.py there): HTTP responses with chunked and gzip codings and a non-UTF-8
 * charset, resource records, skipped request/warcinfo/image records, provenance (record id,
 * URL, date, file name, offset), and damage: a Content-Length that lies, a damaged gzip member,
 * a file cut inside a member, a record over the limit; plain and gzip, memory and stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>
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

static char *fixture_path(const char *name)
{
	static char path[4096];
	const char *root = getenv("IDT_SOURCE_ROOT");
	snprintf(path, sizeof path, "%s/tests/data/ingest/warc/%s", root ? root : ".", name);
	return path;
}

static char *slurp(const char *name, size_t *len)
{
	FILE *fp = fopen(fixture_path(name), "rb");
	assert_non_null(fp);
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

#define URN(n) "\"<urn:uuid:00000000-0000-0000-0000-00000000000" #n ">\""

/* The records every shop.warc* file starts with. */
static void check_ru_page(idt_reader *r)
{
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_format(r), IDT_FMT_WARC);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, URN(3));
	assert_int_equal(rec.nfields, 3);
	assert_field(&rec, 0, "title", "Аптека");
	assert_field(&rec, 1, "text", "Купить оксикодон без рецепта\nКорзина");
	assert_field(&rec, 2, "links", "http://shop.example/cart");
	assert_string_equal(rec.prov.url, "http://shop.example/ru");
	assert_string_equal(rec.prov.date, "2024-05-01T12:00:00Z");
	assert_string_equal(rec.prov.chat, "shop.warc");
	assert_int_equal(rec.prov.offset, 562);
}

static void check_plain(idt_reader *r)
{
	idt_record rec;
	idt_error err = {0};
	check_ru_page(r);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, URN(4));
	assert_field(&rec, 0, "text", "Notes: fentanyl patches, 50 µg/h");
	assert_string_equal(rec.prov.url, "http://shop.example/notes.txt");
	assert_int_equal(rec.prov.offset, 1082);
	/* the image is skipped; the lying record is reported, then returned */
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "Content-Length does not match the record");
	assert_int_equal(err.offset, 1665);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, URN(6));
	assert_field(&rec, 0, "text", "the length of this record lies");
	assert_string_equal(rec.prov.url, "http://shop.example/lies");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, URN(7));
	assert_field(&rec, 0, "text", "Last & good");
	assert_int_equal(rec.prov.offset, 1988);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
}

static void test_plain(void **state)
{
	(void)state;
	idt_reader *r;
	assert_int_equal(idt_reader_open(fixture_path("shop.warc"), NULL, &r, NULL), IDT_OK);
	check_plain(r);
	idt_reader_close(r);
	size_t len;
	char *buf = slurp("shop.warc", &len);
	assert_int_equal(idt_reader_open_mem(buf, len, "shop.warc", NULL, &r, NULL), IDT_OK);
	check_plain(r);
	idt_reader_close(r);
	free(buf);
}

static void check_gzip(idt_reader *r)
{
	idt_record rec;
	idt_error err = {0};
	check_ru_page(r);
	/* member 4 (notes.txt) is damaged: reported, the reader finds member 5 (the image,
	 * skipped) and 6 */
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "damaged gzip member");
	assert_int_equal(err.offset, 1082);
	idt_status st;
	while ((st = idt_reader_next(r, &rec, &err)) == IDT_OK && rec.id_len &&
	       memcmp(rec.id_json, URN(7), rec.id_len) != 0) {
	}
	assert_int_equal(st, IDT_OK);
	assert_id(&rec, URN(7));
	assert_field(&rec, 0, "text", "Last & good");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
}

static void test_gzip(void **state)
{
	(void)state;
	idt_reader *r;
	assert_int_equal(idt_reader_open(fixture_path("shop.warc.gz"), NULL, &r, NULL), IDT_OK);
	check_gzip(r);
	idt_reader_close(r);
	size_t len;
	char *buf = slurp("shop.warc.gz", &len);
	idt_reader_opts o = {.format = IDT_FMT_WARC};
	assert_int_equal(idt_reader_open_mem(buf, len, "mem", &o, &r, NULL), IDT_OK);
	check_gzip(r);
	idt_reader_close(r);
	free(buf);
}

static void test_cut(void **state)
{
	(void)state;
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open(fixture_path("cut.warc.gz"), NULL, &r, NULL), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, URN(3));
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "gzip member cut short");
	assert_int_equal(err.offset, 520);
	/* what could be read of the cut record still comes through, with its provenance */
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, URN(7));
	assert_string_equal(rec.prov.url, "http://shop.example/last");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

static void test_arc(void **state)
{
	(void)state;
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open(fixture_path("shop.arc"), NULL, &r, NULL), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_WARC);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"http://shop.example/a\"");
	assert_field(&rec, 0, "title", "A");
	assert_field(&rec, 1, "text", "Page A text");
	assert_string_equal(rec.prov.date, "2024-05-01T12:00:01Z");
	assert_string_equal(rec.prov.chat, "shop.arc");
	assert_int_equal(rec.prov.offset, 128);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_field(&rec, 0, "text", "Plain B");
	assert_string_equal(rec.prov.url, "http://shop.example/b.txt");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

static void test_limit_and_garbage(void **state)
{
	(void)state;
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	/* records over the limit are skipped (streamed through), the small last one is read */
	idt_reader_opts o = {.max_record = 200};
	assert_int_equal(idt_reader_open(fixture_path("shop.warc"), &o, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_ELIMIT); /* the page: 300 bytes */
	assert_int_equal(err.offset, 562);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, URN(4));
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, URN(6));
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, URN(7));
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);

	/* garbage before and between records */
	static const char in[] =
	    "garbage line\r\n"
	    "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <x1>\r\n"
	    "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"
	    "more garbage\r\n"
	    "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: oops\r\n\r\n"
	    "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <x2>\r\n"
	    "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nworld\r\n\r\n";
	o = (idt_reader_opts){.format = IDT_FMT_WARC};
	assert_int_equal(idt_reader_open_mem(in, sizeof in - 1, "g", &o, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "not a record header");
	assert_int_equal(err.offset, 0);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"<x1>\"");
	assert_field(&rec, 0, "text", "hello");
	assert_int_equal(rec.prov.offset, 14);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "not a record header");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_EPARSE);
	assert_string_equal(err.msg, "record without a valid Content-Length");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_id(&rec, "\"<x2>\"");
	assert_field(&rec, 0, "text", "world");
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
	idt_reader_close(r);
}

/* Thousands of records (a few MB) through a stream, plain and gzip: every record comes back,
 * in order, across the 1 MiB refills of both the compressed and the decompressed buffers. */
static void write_member(FILE *fp, const char *rec, size_t n, int gz)
{
	if (!gz) {
		fwrite(rec, 1, n, fp);
		return;
	}
	uLongf zl = compressBound(n) + 64;
	unsigned char *z = malloc(zl);
	z_stream zs = {0};
	deflateInit2(&zs, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = (unsigned char *)rec;
	zs.avail_in = (uInt)n;
	zs.next_out = z;
	zs.avail_out = (uInt)zl;
	deflate(&zs, Z_FINISH);
	fwrite(z, 1, zs.total_out, fp);
	deflateEnd(&zs);
	free(z);
}

static void test_many(void **state)
{
	(void)state;
	for (int gz = 0; gz < 2; gz++) {
		FILE *fp = tmpfile();
		char body[2048], rec[4096];
		int nrec = 3000;
		for (int i = 0; i < nrec; i++) {
			int bl = snprintf(body, sizeof body,
			                  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
			                  "record %d %0*d",
			                  i, 200 + (i * 37) % 1500, i);
			int n = snprintf(
			    rec, sizeof rec,
			    "WARC/1.1\r\nWARC-Type: response\r\n"
			    "WARC-Record-ID: <urn:x:%d>\r\nWARC-Target-URI: http://h/%d\r\n"
			    "Content-Type: application/http; msgtype=response\r\n"
			    "Content-Length: %d\r\n\r\n%s\r\n\r\n",
			    i, i, bl, body);
			write_member(fp, rec, (size_t)n, gz);
		}
		rewind(fp);
		idt_reader_opts o = {.format = IDT_FMT_WARC};
		idt_reader *r;
		idt_record rec2;
		idt_error err = {0};
		assert_int_equal(idt_reader_open_stream(fp, "many", &o, &r, &err), IDT_OK);
		for (int i = 0; i < nrec; i++) {
			char id[64], text[32];
			assert_int_equal(idt_reader_next(r, &rec2, &err), IDT_OK);
			snprintf(id, sizeof id, "\"<urn:x:%d>\"", i);
			assert_id(&rec2, id);
			int tl = snprintf(text, sizeof text, "record %d ", i);
			assert_memory_equal(rec2.fields[0].text, text, (size_t)tl);
			assert_int_equal(rec2.fields[0].len,
			                 (size_t)tl + 200 + (size_t)((i * 37) % 1500));
		}
		assert_int_equal(idt_reader_next(r, &rec2, &err), IDT_END);
		idt_reader_close(r);
		fclose(fp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_gzip),
	    cmocka_unit_test(test_cut),
	    cmocka_unit_test(test_arc),
	    cmocka_unit_test(test_limit_and_garbage),
	    cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
