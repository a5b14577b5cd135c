/*
 * test_warc.c - the WARC writer and verifier (src/watch/warc_write.c, warc_verify.c): records
 * and their digests (chunked payloads de-chunked), rotation by size with one SHA-256 per
 * finished file, verification of good files and of damaged ones (the record named), and
 * libinterdict's WARC reader on the files written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>
#include "watch/watch.h"

typedef struct files {
	char path[8][4096];
	char sha[8][65];
	int n;
} files;

static void on_done(void *ctx, const char *path, const char *sha, uint64_t size)
{
	files *f = ctx;
	assert_true(size > 0);
	assert_true(f->n < 8);
	snprintf(f->path[f->n], sizeof f->path[0], "%s", path);
	snprintf(f->sha[f->n], 65, "%s", sha);
	f->n++;
}

static const char req[] = "GET /a HTTP/1.1\r\nHost: shop.example\r\n\r\n";
static const char resp[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 52\r\n\r\n"
    "<html><title>fentanyl for sale</title><p>x</p></html>";
static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                              "Content-Type: text/plain\r\n\r\n"
                              "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n";

typedef struct seen {
	int n, bad;
	char last_bad[128];
} seen;

static int on_check(void *ctx, const idt_warc_check *c)
{
	seen *s = ctx;
	s->n++;
	if (c->block_ok == 0 || c->payload_ok == 0 || c->problem) {
		s->bad++;
		snprintf(s->last_bad, sizeof s->last_bad, "%s", c->record_id);
	}
	return 0;
}

static void test_write_rotate_verify(void **state)
{
	(void)state;
	char dir[] = "/tmp/idt-warc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	files f = {0};
	idt_warc_opts o = {.dir = dir, .prefix = "t", .max_size = 600, .done = on_done, .ctx = &f};
	idt_warc_writer *w;
	assert_int_equal(idt_warc_writer_new(&o, &w), IDT_OK);
	idt_warc_loc loc[3];
	assert_int_equal(idt_warc_write_exchange(w, "http://shop.example/a", "2026-11-29T10:00:00Z",
	                                         "127.0.0.1", req, strlen(req), resp, strlen(resp),
	                                         0, &loc[0]),
	                 IDT_OK);
	assert_int_equal(f.n, 0); /* still open */
	assert_int_equal(idt_warc_write_exchange(w, "http://shop.example/c", "2026-11-29T10:00:01Z",
	                                         NULL, req, strlen(req), chunked, strlen(chunked),
	                                         1, &loc[1]),
	                 IDT_OK);
	assert_int_equal(f.n, 1); /* past 600 bytes: rotated before the second exchange */
	assert_int_equal(idt_warc_write_exchange(w, "http://shop.example/d", "2026-11-29T10:00:02Z",
	                                         NULL, NULL, 0, resp, strlen(resp), 0, &loc[2]),
	                 IDT_OK);
	assert_int_equal(idt_warc_writer_free(w), IDT_OK);
	assert_int_equal(f.n, 3);
	assert_string_not_equal(loc[0].file, loc[1].file);
	assert_int_equal(strncmp(loc[0].record_id, "<urn:uuid:", 10), 0);
	/* the chunked payload's digest is that of "hello, world" */
	char hex[65], want[80];
	idt_sha256_hex("hello, world", 12, hex);
	snprintf(want, sizeof want, "sha256:%s", hex);
	assert_string_equal(loc[1].payload_sha256, want);
	for (int i = 0; i < f.n; i++) {
		char sha[65];
		assert_int_equal(idt_sha256_file(f.path[i], sha), IDT_OK);
		assert_string_equal(sha, f.sha[i]);
		seen s = {0};
		size_t bad = 99;
		assert_int_equal(idt_warc_verify(f.path[i], on_check, &s, &bad), IDT_OK);
		assert_int_equal(bad, 0);
		assert_int_equal(s.bad, 0);
		assert_int_equal(s.n, i == 2 ? 2 : 3); /* warcinfo, response[, request] */
	}
	/* the cut response is marked */
	{
		gzFile gz = gzopen(f.path[1], "rb");
		assert_non_null(gz);
		char buf[8192];
		int n = gzread(gz, buf, sizeof buf - 1);
		gzclose(gz);
		assert_true(n > 0);
		buf[n] = 0;
		assert_non_null(strstr(buf, "\r\nWARC-Truncated: length\r\n"));
		gz = gzopen(f.path[0], "rb");
		n = gzread(gz, buf, sizeof buf - 1);
		gzclose(gz);
		buf[n] = 0;
		assert_null(strstr(buf, "WARC-Truncated"));
	}
	/* libinterdict's reader finds the page and its URL */
	idt_reader_opts ro = {.format = IDT_FMT_WARC};
	idt_reader *rd;
	idt_record rec;
	idt_error err = {0};
	assert_int_equal(idt_reader_open(f.path[0], &ro, &rd, &err), IDT_OK);
	assert_int_equal(idt_reader_next(rd, &rec, &err), IDT_OK);
	assert_string_equal(rec.prov.url, "http://shop.example/a");
	assert_int_equal(idt_reader_next(rd, &rec, &err), IDT_END);
	idt_reader_close(rd);
	/* damage: a byte of the compressed response flipped */
	FILE *fp = fopen(f.path[0], "r+b");
	assert_non_null(fp);
	fseek(fp, (long)loc[0].offset + 40, SEEK_SET);
	int c = fgetc(fp);
	fseek(fp, (long)loc[0].offset + 40, SEEK_SET);
	fputc(c ^ 0x10, fp);
	fclose(fp);
	seen s = {0};
	size_t bad = 0;
	assert_int_equal(idt_warc_verify(f.path[0], on_check, &s, &bad), IDT_OK);
	assert_true(bad >= 1);
	for (int i = 0; i < f.n; i++) unlink(f.path[i]);
	rmdir(dir);
}

static void test_plain_damage_named(void **state)
{
	(void)state;
	char *rec;
	size_t n;
	assert_int_equal(idt_warc_format_response("http://x.example/", "2026-11-29T10:00:00Z",
	                                          "<urn:uuid:1>", resp, strlen(resp), &rec, &n),
	                 IDT_OK);
	assert_int_equal(memcmp(rec, "WARC/1.1\r\nWARC-Type: response\r\n", 31), 0);
	assert_int_equal(memcmp(rec + n - 4, "\r\n\r\n", 4), 0);
	/* no digests written by format_response: nothing to check, framing fine */
	char path[] = "/tmp/idt-warc-plain-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, rec, n), (ssize_t)n);
	/* a second record whose Content-Length lies */
	const char *liar = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:2>\r\n"
	                   "Content-Length: 100\r\n\r\nshort\r\n\r\n";
	assert_int_equal(write(fd, liar, strlen(liar)), (ssize_t)strlen(liar));
	close(fd);
	seen s = {0};
	size_t bad = 0;
	assert_int_equal(idt_warc_verify(path, on_check, &s, &bad), IDT_OK);
	assert_int_equal(bad, 1);
	assert_string_equal(s.last_bad, "<urn:uuid:2>");
	unlink(path);
	free(rec);
	size_t b2;
	assert_int_equal(idt_warc_verify("/nonexistent/x.warc", NULL, NULL, &b2), IDT_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_rotate_verify),
	    cmocka_unit_test(test_plain_damage_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
