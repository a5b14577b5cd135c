/*
 * bench_read.c - throughput of the readers (src/ingest) on generated inputs, beside the ceiling
 * of a raw pass over the same bytes (read from a file + memchr for newlines).
 *
 *   bench_read [MB]     (default 256 MB of JSON Lines; the WARC is a quarter of that)
 *
 * For each format it writes a deterministic input to a temporary file, then times, on one core:
 *   raw     fread() in 1 MiB chunks + memchr() for every newline (what any reader must pay)
 *   reader  idt_reader_open() + idt_reader_next() until the end, touching every field byte
 * and prints MB/s (10^6 bytes of input per CPU-second: per core) for each, best of 3 runs.
 * Inputs:
 *   jsonl        marketplace listings (id, seller, price, title, text, tags, ts), words from
 *                English, Russian, Spanish and Chinese with emoji and some escapes
 *   jsonl-ascii  the same with English words only
 *   csv          the mixed listings as a CSV export (quoted descriptions, a tenth multi-line)
 *   html         2000 shop pages (10 KB each: head, style, script, 20 items with links and
 *                images), each read from memory as one page
 *   warc         the same pages as HTTP responses in a gzip-per-record WARC (MB/s of the
 *                compressed file; the decompressed MB/s is printed too)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include "interdict.h"

static double now(void)
{
	struct timespec ts;
	/* CPU time of the process: MB/s per core, unaffected by other work on the machine */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *const words[] = {
    "fast",     "shipping", "discreet", "quality", "product", "order",    "today",     "price",
    "gram",     "bulk",     "discount", "stealth", "vendor",  "reliable", "new",       "listing",
    "pills",    "pure",     "tested",   "review",  "buy",     "sell",     "worldwide", "escrow",
    "доставка", "качество", "быстро",   "envío",   "calidad", "商品",     "发货",      "🔥",
};

static int ascii_only; /* words from the English part of the list only */

static void words_into(FILE *fp, int n, int json)
{
	for (int i = 0; i < n; i++) {
		if (i) fputc(' ', fp);
		fputs(words[rnd(ascii_only ? 24 : sizeof words / sizeof *words)], fp);
		if (json && rnd(40) == 0) fputs("\\n", fp);
		if (json && rnd(200) == 0) fputs("\\u00e9\\\"", fp);
	}
}

static void gen_jsonl(FILE *fp, size_t bytes)
{
	for (long i = 0; ftell(fp) < (long)bytes; i++) {
		fprintf(fp, "{\"id\":\"L%ld\",\"seller\":\"user%u\",\"price\":%u.%02u,\"title\":\"",
		        i, rnd(100000), rnd(1000), rnd(100));
		words_into(fp, 4 + (int)rnd(8), 1);
		fputs("\",\"text\":\"", fp);
		words_into(fp, 20 + (int)rnd(150), 1);
		fprintf(fp, "\",\"tags\":[\"a\",\"b\"],\"ts\":%u}\n", 1700000000u + rnd(10000000));
	}
}

/* CSV: the same listings as a spreadsheet export (quoted descriptions, some with newlines). */
static void gen_csv(FILE *fp, size_t bytes)
{
	fputs("id,seller,price,title,text\r\n", fp);
	for (long i = 0; ftell(fp) < (long)bytes; i++) {
		fprintf(fp, "L%ld,user%u,%u.%02u,", i, rnd(100000), rnd(1000), rnd(100));
		words_into(fp, 4 + (int)rnd(8), 0);
		fputs(",\"", fp);
		words_into(fp, 20 + (int)rnd(150), 0);
		if (rnd(10) == 0) fputs("\n\"\"quoted\"\" line", fp);
		fputs("\"\r\n", fp);
	}
}

static void html_page(FILE *fp, long i)
{
	fprintf(fp,
	        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Listing %ld</title>"
	        "<meta name=\"description\" content=\"",
	        i);
	words_into(fp, 12, 0);
	fputs("\"><style>body{color:red}</style><script>var x = 1;</script></head><body>\n", fp);
	for (int p = 0; p < 20; p++) {
		fputs("<div class=\"item\"><p>", fp);
		words_into(fp, 30 + (int)rnd(40), 0);
		fprintf(fp, " &amp; more</p><a href=\"/item/%u\">see</a><img src=\"x.png\" alt=\"",
		        rnd(9999));
		words_into(fp, 3, 0);
		fputs("\"></div>\n", fp);
	}
	fputs("</body></html>\n", fp);
}

/* WARC of gzip members, one per record, each an HTTP response with an HTML page. */
static void gen_warc(FILE *fp, size_t bytes)
{
	char *page = NULL;
	size_t plen = 0;
	for (long i = 0; ftell(fp) < (long)bytes; i++) {
		FILE *pf = open_memstream(&page, &plen);
		html_page(pf, i);
		fclose(pf);
		char *rec = NULL;
		size_t rlen = 0;
		FILE *rf = open_memstream(&rec, &rlen);
		char http[256];
		int hl = snprintf(http, sizeof http,
		                  "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
		                  "Content-Length: %zu\r\n\r\n",
		                  plen);
		fprintf(rf,
		        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: "
		        "<urn:uuid:%08lx-0000-0000-0000-000000000000>\r\n"
		        "WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: "
		        "http://shop.example/item/%ld\r\n"
		        "Content-Type: application/http; msgtype=response\r\nContent-Length: "
		        "%zu\r\n\r\n",
		        i, i, (size_t)hl + plen);
		fwrite(http, 1, (size_t)hl, rf);
		fwrite(page, 1, plen, rf);
		fputs("\r\n\r\n", rf);
		fclose(rf);
		uLongf zl = compressBound(rlen) + 32;
		unsigned char *z = malloc(zl);
		z_stream zs = {0};
		deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
		zs.next_in = (unsigned char *)rec;
		zs.avail_in = (uInt)rlen;
		zs.next_out = z;
		zs.avail_out = (uInt)zl;
		deflate(&zs, Z_FINISH);
		fwrite(z, 1, zs.total_out, fp);
		deflateEnd(&zs);
		free(z);
		free(rec);
		free(page);
		page = NULL;
	}
}

static double raw_pass(const char *path, size_t *bytes)
{
	double best = 1e30;
	for (int run = 0; run < 3; run++) {
		FILE *fp = fopen(path, "rb");
		static char buf[1 << 20];
		size_t n, total = 0, lines = 0;
		double t = now();
		while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
			const char *p = buf, *e = buf + n;
			while ((p = memchr(p, '\n', (size_t)(e - p)))) p++, lines++;
			total += n;
		}
		t = now() - t;
		fclose(fp);
		if (t < best) best = t;
		*bytes = total + (lines & 1) * 0;
	}
	return best;
}

static double reader_pass(const char *path, idt_format fmt, size_t *nrec, size_t *nerr)
{
	double best = 1e30;
	static const char *const tf[] = {"title", "text"};
	for (int run = 0; run < 3; run++) {
		idt_reader_opts o = {.format = fmt, .text_fields = tf, .ntext_fields = 2};
		idt_reader *r;
		idt_error err;
		double t = now();
		if (idt_reader_open(path, &o, &r, &err)) return -1;
		idt_record rec;
		idt_status st;
		size_t recs = 0, errs = 0;
		unsigned long sum = 0;
		while ((st = idt_reader_next(r, &rec, &err)) != IDT_END) {
			if (st == IDT_EIO) break;
			if (st) {
				errs++;
				continue;
			}
			recs++;
			for (size_t i = 0; i < rec.nfields; i++)
				sum += rec.fields[i].len + (unsigned char)rec.fields[i].text[0];
		}
		idt_reader_close(r);
		t = now() - t;
		if (sum == 1) puts("");
		if (t < best) best = t;
		*nrec = recs;
		*nerr = errs;
	}
	return best;
}

static void bench(const char *label, idt_format fmt, void (*gen)(FILE *, size_t), size_t bytes,
                  const char *ext)
{
	char path[] = "/tmp/bench_readXXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) return;
	FILE *fp = fdopen(fd, "wb");
	gen(fp, bytes);
	fclose(fp);
	char named[64];
	snprintf(named, sizeof named, "%s%s", path, ext);
	rename(path, named);
	size_t total = 0, recs = 0, errs = 0;
	double traw = raw_pass(named, &total);
	double trd = reader_pass(named, fmt, &recs, &errs);
	if (trd < 0)
		printf("%-12s %8.1f MB  raw %8.0f MB/s  reader: not available\n", label,
		       total / 1e6, total / traw / 1e6);
	else
		printf("%-12s %8.1f MB  raw %8.0f MB/s  reader %8.1f MB/s  (%zu records, %zu "
		       "errors)\n",
		       label, total / 1e6, total / traw / 1e6, total / trd / 1e6, recs, errs);
	if (fmt == IDT_FMT_WARC) {
		/* the decompressed size, for MB/s of WARC text */
		gzFile gz = gzopen(named, "rb");
		static char buf[1 << 16];
		size_t dec = 0;
		int k;
		while (gz && (k = gzread(gz, buf, sizeof buf)) > 0) dec += (size_t)k;
		if (gz) gzclose(gz);
		printf("%-12s %8.1f MB decompressed: reader %8.1f MB/s\n", "", dec / 1e6,
		       dec / trd / 1e6);
	}
	if (getenv("BENCH_KEEP"))
		printf("kept %s\n", named);
	else
		remove(named);
}

/* HTML: many pages, each opened from memory as a page. */
static void bench_html(int npages)
{
	char **pages = calloc((size_t)npages, sizeof *pages);
	size_t *lens = calloc((size_t)npages, sizeof *lens);
	size_t total = 0;
	for (int i = 0; i < npages; i++) {
		FILE *pf = open_memstream(&pages[i], &lens[i]);
		html_page(pf, i);
		fclose(pf);
		total += lens[i];
	}
	double best = 1e30, braw = 1e30;
	size_t nfields = 0;
	for (int run = 0; run < 3; run++) {
		double t = now();
		size_t lines = 0;
		for (int i = 0; i < npages; i++) {
			const char *p = pages[i], *e = p + lens[i];
			while ((p = memchr(p, '\n', (size_t)(e - p)))) p++, lines++;
		}
		t = now() - t;
		if (t < braw) braw = t;
		if (lines == 1) puts("");
		idt_reader_opts o = {.format = IDT_FMT_HTML};
		t = now();
		for (int i = 0; i < npages; i++) {
			idt_reader *r;
			idt_record rec;
			if (idt_reader_open_mem(pages[i], lens[i], "page.html", &o, &r, NULL))
				continue;
			while (idt_reader_next(r, &rec, NULL) == IDT_OK) nfields += rec.nfields;
			idt_reader_close(r);
		}
		t = now() - t;
		if (t < best) best = t;
	}
	printf("%-12s %8.1f MB  raw %8.0f MB/s  reader %8.1f MB/s  (%d pages, %zu fields)\n",
	       "html", total / 1e6, total / braw / 1e6, total / best / 1e6, npages, nfields / 3);
	for (int i = 0; i < npages; i++) free(pages[i]);
	free(pages);
	free(lens);
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 256;
	bench("jsonl", IDT_FMT_JSONL, gen_jsonl, mb << 20, ".jsonl");
	ascii_only = 1;
	bench("jsonl-ascii", IDT_FMT_JSONL, gen_jsonl, mb << 20, ".jsonl");
	ascii_only = 0;
	bench("csv", IDT_FMT_CSV, gen_csv, mb << 20, ".csv");
	bench_html(2000);
	bench("warc", IDT_FMT_WARC, gen_warc, (mb / 4) << 20, ".warc.gz");
	return 0;
}
