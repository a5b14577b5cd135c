/*
 * bench_signals.c - throughput of idt_signals_extract() on mixed listing text, against a
 * memchr() scan of the same bytes (the cost of merely reading them) as the reference ratio.
 *
 * The text is generated deterministically (fixed xorshift seed): marketplace- and chat-like
 * records, mostly English with some Cyrillic and Chinese, dense in what the extractor looks
 * at: numbers, prices, quantities, percentages, handles, phone numbers, e-mail addresses,
 * URLs, wallets (valid and corrupted) and onions, one record per line.  The extractor runs on
 * every record, as the scanner does; memchr() looks for a byte absent from the text over the
 * whole buffer.  The best of several rounds is reported, in MB/s of input.
 *
 * Usage: bench_signals [MiB of text, default 32 | FILE] [rounds, default 5]
 * With a FILE (e.g. listings one per line), its lines are the records instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <interdict.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

#define PICK(a) ((a)[rnd(sizeof(a) / sizeof((a)[0]))])

static const char *const words[] = {
    "fast",     "shipping", "discreet", "quality",   "best",      "price",   "stealth",
    "vendor",   "order",    "now",      "available", "worldwide", "escrow",  "tracking",
    "package",  "delivery", "the",      "and",       "for",       "with",    "your",
    "review",   "customer", "product",  "pure",      "lab",       "tested",  "bulk",
    "sample",   "free",     "message",  "contact",   "payment",   "bitcoin", "monero",
    "refund",   "policy",   "Europe",   "USA",       "days",      "weeks",   "stock",
    "new",      "batch",    "Premium",  "garden",    "tools",     "signal",  "telegram",
    "half",     "cocaine",  "MDMA",     "ketamine",  "per",       "a",       "доставка",
    "качество", "цена",     "快递",     "质量",      "价格",      "2024",    "10",
};

static const char *const signals[] = {
    "$120",
    "3.5g",
    "0.05 BTC",
    "10 EUR/g",
    "100 pills",
    "28 grams",
    "99% pure",
    "20% off",
    "telegram: @plug_shop",
    "wickr me: dr.white",
    "+44 7700 900123",
    "t.me/candyshop",
    "plug99@proton.me",
    "https://example.com/shop?id=3",
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
    "58-08-2",
    "€50",
};

/* Fills buf with about cap bytes of records separated by '\n'; returns the length. */
static size_t gen(char *buf, size_t cap)
{
	size_t n = 0;
	while (n + 512 < cap) {
		int nw = 20 + (int)rnd(60);
		for (int w = 0; w < nw; w++) {
			const char *t = rnd(60) == 0 ? PICK(signals) : PICK(words);
			size_t l = strlen(t);
			memcpy(buf + n, t, l);
			n += l;
			buf[n++] = rnd(10) == 0 ? ',' : ' ';
			if (rnd(15) == 0) buf[n - 1] = '.';
		}
		buf[n++] = '\n';
	}
	return n;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int count_cb(void *ctx, const idt_signal *s)
{
	(void)s;
	(*(size_t *)ctx)++;
	return 0;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 32, len;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	char *buf;
	if (rounds <= 0) return 2;
	if (mib == 0 && argc > 1) {
		FILE *f = fopen(argv[1], "rb");
		if (!f || fseek(f, 0, SEEK_END) || (len = (size_t)ftell(f)) == 0) return 2;
		rewind(f);
		buf = malloc(len);
		if (!buf || fread(buf, 1, len, f) != len) return 1;
		fclose(f);
	} else {
		size_t cap = (mib ? mib : 32) << 20;
		buf = malloc(cap);
		if (!buf) return 1;
		len = gen(buf, cap);
	}
	double best_x = 1e30, best_m = 1e30;
	size_t nsig = 0, hits = 0;
	for (int r = 0; r < rounds; r++) {
		double t0 = now();
		nsig = 0;
		for (size_t p = 0; p < len;) {
			const char *nl = memchr(buf + p, '\n', len - p);
			size_t e = nl ? (size_t)(nl - buf) : len;
			idt_signals_extract(buf + p, e - p, count_cb, &nsig);
			p = e + 1;
		}
		double t1 = now();
		hits = 0;
		for (const char *p = buf; (p = memchr(p, 1, (size_t)(buf + len - p))); p++) hits++;
		double t2 = now();
		if (t1 - t0 < best_x) best_x = t1 - t0;
		if (t2 - t1 < best_m) best_m = t2 - t1;
	}
	double mb = (double)len / 1e6;
	printf("text: %.1f MB, %zu signals\n", mb, nsig);
	printf("idt_signals_extract: %8.1f MB/s\n", mb / best_x);
	printf("memchr scan:         %8.1f MB/s%s\n", mb / best_m, hits ? " (!)" : "");
	printf("ratio extract/memchr: %.4f\n", best_m / best_x);
	free(buf);
	return 0;
}
