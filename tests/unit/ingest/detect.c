/*
 * detect.c - unit tests of format detection (IDT_FMT_AUTO): by the name's extension (".gz"
 * looked through) on every fixture, and by the first bytes for nameless input (standard input),
 * plus format names.
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

static idt_format detect_file(const char *rel)
{
	char path[4096];
	const char *root = getenv("IDT_SOURCE_ROOT");
	snprintf(path, sizeof path, "%s/tests/data/ingest/%s", root ? root : ".", rel);
	idt_reader *r;
	idt_error err = {0};
	if (idt_reader_open(path, NULL, &r, &err) != IDT_OK) {
		print_error("%s: %s\n", rel, err.msg);
		return IDT_FMT_COUNT;
	}
	idt_format f = idt_reader_format(r);
	idt_reader_close(r);
	return f;
}

static idt_format detect_mem(const char *s)
{
	idt_reader *r;
	if (idt_reader_open_mem(s, strlen(s), "-", NULL, &r, NULL) != IDT_OK) return IDT_FMT_COUNT;
	idt_format f = idt_reader_format(r);
	idt_reader_close(r);
	return f;
}

static void test_by_name(void **state)
{
	(void)state;
	assert_int_equal(detect_file("listings.csv"), IDT_FMT_CSV);
	assert_int_equal(detect_file("html/shop.html"), IDT_FMT_HTML);
	assert_int_equal(detect_file("html/utf16.html"), IDT_FMT_HTML);
	assert_int_equal(detect_file("warc/shop.warc"), IDT_FMT_WARC);
	assert_int_equal(detect_file("warc/shop.warc.gz"), IDT_FMT_WARC);
	assert_int_equal(detect_file("warc/shop.arc"), IDT_FMT_WARC);
	assert_int_equal(detect_file("telegram/result.json"), IDT_FMT_TELEGRAM);
	assert_int_equal(detect_file("telegram/chat.json"), IDT_FMT_TELEGRAM);
	assert_int_equal(detect_file("whatsapp/ios.txt"), IDT_FMT_WHATSAPP);
	assert_int_equal(detect_file("whatsapp/eu.txt"), IDT_FMT_WHATSAPP);
	assert_int_equal(detect_file("whatsapp/WhatsApp Chat with Plug.txt"), IDT_FMT_WHATSAPP);
	assert_int_equal(detect_file("mail/inbox.mbox"), IDT_FMT_MBOX);
	assert_int_equal(detect_file("mail/tip.eml"), IDT_FMT_MBOX);
	assert_int_equal(detect_file("site/notes.txt"), IDT_FMT_TEXT);
}

static void test_by_content(void **state)
{
	(void)state;
	assert_int_equal(detect_mem("{\"id\":1,\"text\":\"a\"}\n{\"id\":2}\n"), IDT_FMT_JSONL);
	assert_int_equal(detect_mem("{\n \"about\": \"x\",\n \"chats\": {\"list\": []}\n}\n"),
	                 IDT_FMT_TELEGRAM);
	assert_int_equal(detect_mem("WARC/1.1\r\nWARC-Type: warcinfo\r\n"), IDT_FMT_WARC);
	assert_int_equal(detect_mem("filedesc://x.arc 0.0.0.0 20240101000000 text/plain 5\n"),
	                 IDT_FMT_WARC);
	assert_int_equal(detect_mem("From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n"),
	                 IDT_FMT_MBOX);
	assert_int_equal(detect_mem("Received: from x\nSubject: y\n\nbody\n"), IDT_FMT_MBOX);
	assert_int_equal(detect_mem("  <!DOCTYPE html><p>x</p>"), IDT_FMT_HTML);
	assert_int_equal(detect_mem("<html><body>x</body></html>"), IDT_FMT_HTML);
	assert_int_equal(detect_mem("[31.12.23, 21:41:05] A: hi\n"), IDT_FMT_WHATSAPP);
	assert_int_equal(detect_mem("12/31/23, 9:41 PM - A: hi\n"), IDT_FMT_WHATSAPP);
	assert_int_equal(detect_mem("id,title,text\n1,a,b\n"), IDT_FMT_CSV);
	assert_int_equal(detect_mem("id\ttext\n1\tb\n"), IDT_FMT_TSV);
	assert_int_equal(detect_mem("Hello, world\nthis is text\n"), IDT_FMT_TEXT);
	assert_int_equal(detect_mem("just one line"), IDT_FMT_TEXT);
	assert_int_equal(detect_mem(""), IDT_FMT_TEXT);
}

/* s[0..n) as one gzip member into out (room for n + 64); returns its length. */
static size_t gzip_mem(const char *s, size_t n, unsigned char *out, size_t cap)
{
	z_stream zs = {0};
	deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = (unsigned char *)s;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	size_t k = zs.total_out;
	deflateEnd(&zs);
	return k;
}

/* gzip input of any format is inflated first, then detected and read; damage is reported. */
static void test_gzip(void **state)
{
	(void)state;
	static const char jl[] = "{\"id\":1,\"text\":\"one\"}\n{\"id\":2,\"text\":\"two\"}\n";
	static const char wa[] = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <r>\r\n"
	                         "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi\r\n\r\n";
	unsigned char z[512];
	idt_reader *r;
	idt_record rec;
	idt_error err = {0};
	size_t zn = gzip_mem(jl, sizeof jl - 1, z, sizeof z);
	const char *names[] = {"listings.jsonl.gz", "-"};
	for (int k = 0; k < 2; k++) {
		assert_int_equal(idt_reader_open_mem((char *)z, zn, names[k], NULL, &r, &err),
		                 IDT_OK);
		assert_int_equal(idt_reader_format(r), IDT_FMT_JSONL);
		assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
		assert_int_equal(rec.fields[0].len, 3);
		assert_memory_equal(rec.fields[0].text, "one", 3);
		assert_int_equal(rec.prov.line, 1);
		assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
		assert_memory_equal(rec.fields[0].text, "two", 3);
		assert_int_equal(rec.prov.offset, 22);
		assert_int_equal(idt_reader_next(r, &rec, &err), IDT_END);
		assert_int_equal(idt_reader_bytes(r), zn);
		idt_reader_close(r);
	}
	/* cut: the first record, then the damage, then the end */
	assert_int_equal(idt_reader_open_mem((char *)z, zn - 12, "cut.jsonl.gz", NULL, &r, &err),
	                 IDT_OK);
	idt_status st;
	int ok = 0, bad = 0;
	while ((st = idt_reader_next(r, &rec, &err)) != IDT_END) {
		if (st == IDT_OK)
			ok++;
		else if (err.msg && strstr(err.msg, "gzip"))
			bad++;
	}
	assert_true(ok >= 1);
	assert_int_equal(bad, 1);
	idt_reader_close(r);
	/* a nameless gzip WARC */
	zn = gzip_mem(wa, sizeof wa - 1, z, sizeof z);
	assert_int_equal(idt_reader_open_mem((char *)z, zn, "-", NULL, &r, &err), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_WARC);
	assert_int_equal(idt_reader_next(r, &rec, &err), IDT_OK);
	assert_memory_equal(rec.fields[0].text, "hi", 2);
	idt_reader_close(r);
}

static void test_forced(void **state)
{
	(void)state;
	static const char in[] = "id,text\n1,a\n";
	idt_reader_opts o = {.format = IDT_FMT_TEXT};
	idt_reader *r;
	assert_int_equal(idt_reader_open_mem(in, sizeof in - 1, "x.csv", &o, &r, NULL), IDT_OK);
	assert_int_equal(idt_reader_format(r), IDT_FMT_TEXT);
	idt_reader_close(r);
	o.format = (idt_format)99;
	idt_error err = {0};
	assert_int_equal(idt_reader_open_mem(in, sizeof in - 1, "x.csv", &o, &r, &err), IDT_EINVAL);
	assert_null(r);
	for (int f = 1; f < IDT_FMT_COUNT; f++) {
		o.format = (idt_format)f;
		assert_int_equal(idt_reader_open_mem("", 0, "e", &o, &r, &err), IDT_OK);
		idt_record rec;
		idt_status st;
		int guard = 0;
		while ((st = idt_reader_next(r, &rec, &err)) != IDT_END) assert_true(++guard < 3);
		idt_reader_close(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_by_name),
	    cmocka_unit_test(test_by_content),
	    cmocka_unit_test(test_forced),
	    cmocka_unit_test(test_gzip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
