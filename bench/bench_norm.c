/*
 * bench_norm.c - throughput of idt_normalize() against ICU's NFKC_Casefold normaliser (and
 * utf8proc's map) on the same bytes, in the same run, on one core.
 *
 * The text is generated deterministically (a fixed xorshift seed): marketplace- and chat-like
 * listings, mostly ASCII, with some Cyrillic, Chinese, emoji, accented Spanish/French and a few
 * obfuscated drug names, one record per line.  Each normaliser is run over every record; the
 * best of several rounds is reported in MB/s of UTF-8 input, with the ratio to ICU.
 *
 * ICU's C API normalises UTF-16, so it is timed twice: normalising text already converted to
 * UTF-16 (ICU's best case, the ratio's reference) and including the UTF-8 → UTF-16 conversion a
 * UTF-8 pipeline would pay.  Usage: bench_norm [MiB of text, default 32] [rounds, default 5]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <utf8proc.h>

#include <interdict.h>

/* ---------------------------------------------------------------------------------------
 * Deterministic text
 * --------------------------------------------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

#define PICK(a) ((a)[rnd(sizeof(a) / sizeof((a)[0]))])

static const char *const en[] = {
    "fast",     "shipping", "discreet", "quality",   "best",      "price",    "stealth",
    "vendor",   "order",    "now",      "available", "worldwide", "escrow",   "tracking",
    "package",  "delivery", "the",      "and",       "for",       "with",     "your",
    "review",   "customer", "product",  "pure",      "lab",       "tested",   "bulk",
    "discount", "sample",   "free",     "message",   "contact",   "telegram", "wickr",
    "payment",  "bitcoin",  "monero",   "refund",    "policy",    "Europe",   "USA",
    "UK",       "days",     "weeks",    "stock",     "new",       "batch",    "Premium",
    "CAR",      "garden",   "tools",    "books",     "phone",     "case",     "shoes",
    "jacket",   "vintage",  "original", "brand",     "sale",      "great",    "condition",
};
static const char *const drugs[] = {
    "cocaine",   "MDMA",  "ketamine", "fentanyl",     "heroin",       "xanax",
    "oxycodone", "LSD",   "c0caine",  "k3tamine",     "f3nt@nyl",     "c.o.c.a.i.n.e",
    "2C-B",      "4-MMC", "weeed",    "ｃｏｋｅ",     "метамфетамин", "кокаин",
    "大麻",      "冰毒",  "cannabis", "crystal meth",
};
static const char *const ru[] = {"доставка", "быстро", "качество", "цена",  "закладки",
                                 "магазин",  "отзывы", "купить",   "город", "гарантия"};
static const char *const zh[] = {"快递", "质量", "价格", "联系", "微信",
                                 "出售", "现货", "包邮", "正品", "批发"};
static const char *const emoji[] = {"🔥", "❄️", "💊", "🍁", "👍🏽", "🚀", "💯", "✅", "🇺🇸", "😀"};
static const char *const acc[] = {"envío", "rápido",   "calidad", "précis",    "café",
                                  "señor", "garantía", "qualité", "livraison", "über"};

static size_t put(char *buf, size_t pos, const char *w)
{
	size_t n = strlen(w);
	memcpy(buf + pos, w, n);
	return pos + n;
}

/* Fills buf (size cap) with records separated by '\n'; returns the bytes used. */
static size_t generate(char *buf, size_t cap)
{
	size_t pos = 0;
	while (pos + 1024 < cap) {
		uint32_t kind = rnd(100);
		uint32_t words = 15 + rnd(50);
		for (uint32_t w = 0; w < words; w++) {
			uint32_t r = rnd(1000);
			if (w) buf[pos++] = r < 30 ? ',' : ' ';
			if (r < 10) {
				pos = put(buf, pos, PICK(drugs));
			} else if (r < 40) {
				pos += (size_t)sprintf(buf + pos, "%u%s", 1 + rnd(500),
				                       rnd(2) ? "mg" : ".5g");
			} else if (r < 60) {
				pos += (size_t)sprintf(buf + pos, "$%u", 5 + rnd(900));
			} else if (kind < 5 && r < 500) {
				pos = put(buf, pos, PICK(ru));
			} else if (kind >= 5 && kind < 9 && r < 500) {
				pos = put(buf, pos, PICK(zh));
			} else if (r < 75 || (kind >= 9 && kind < 12 && r < 200)) {
				pos = put(buf, pos, PICK(emoji));
			} else if (kind >= 12 && kind < 15 && r < 400) {
				pos = put(buf, pos, PICK(acc));
			} else {
				pos = put(buf, pos, PICK(en));
			}
		}
		buf[pos++] = '\n';
	}
	return pos;
}

/* ---------------------------------------------------------------------------------------
 * Timing
 * --------------------------------------------------------------------------------------- */

/* CPU time of this thread: on a busy machine, time spent descheduled does not count against
 * either normaliser (on an idle one it equals wall time). */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct rec {
	size_t off, len;   /* in the UTF-8 text */
	size_t uoff, ulen; /* in the UTF-16 copy */
} rec;

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 32;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	if (mib == 0 || rounds <= 0) {
		fprintf(stderr, "usage: bench_norm [MiB] [rounds]\n");
		return 2;
	}
	size_t cap = mib << 20;
	char *text = malloc(cap);
	if (!text) return 1;
	size_t len = generate(text, cap);

	/* Records, and their UTF-16 copies for ICU. */
	size_t nrec = 0, maxrec = 0;
	for (size_t i = 0; i < len; i++) nrec += text[i] == '\n';
	rec *recs = calloc(nrec, sizeof *recs);
	UChar *u16 = malloc(len * sizeof(UChar) + 16);
	UChar *u16tmp = malloc(1 << 16), *u16out = malloc(1 << 18);
	if (!recs || !u16 || !u16tmp || !u16out) return 1;
	size_t r = 0, start = 0, upos = 0, ascii = 0;
	for (size_t i = 0; i < len; i++) {
		ascii += (unsigned char)text[i] < 0x80;
		if (text[i] != '\n') continue;
		UErrorCode e = U_ZERO_ERROR;
		int32_t ul = 0;
		u_strFromUTF8(u16 + upos, (int32_t)(len - upos), &ul, text + start,
		              (int32_t)(i - start), &e);
		recs[r] = (rec){start, i - start, upos, (size_t)ul};
		if (i - start > maxrec) maxrec = i - start;
		upos += (size_t)ul;
		r++;
		start = i + 1;
	}

	idt_folder *f;
	double tb = now();
	idt_status st = idt_folder_new(&f);
	tb = now() - tb;
	if (st != IDT_OK) {
		fprintf(stderr, "idt_folder_new: %s\n", idt_status_str(st));
		return 1;
	}
	idt_norm *n;
	if (idt_norm_new(0, &n) != IDT_OK) return 1;
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *icu = unorm2_getNFKCCasefoldInstance(&e);
	if (U_FAILURE(e)) return 1;

	double best_idt = 1e9, best_icu = 1e9, best_icu8 = 1e9, best_u8p = 1e9;
	size_t out_idt = 0, out_icu = 0;
	for (int k = 0; k < rounds; k++) {
		double t0 = now();
		out_idt = 0;
		for (size_t i = 0; i < nrec; i++) {
			idt_normalize(f, text + recs[i].off, recs[i].len, n);
			size_t ol;
			idt_norm_text(n, &ol);
			out_idt += ol;
		}
		double t1 = now();
		out_icu = 0;
		for (size_t i = 0; i < nrec; i++) {
			UErrorCode e2 = U_ZERO_ERROR;
			out_icu += (size_t)unorm2_normalize(
			    icu, u16 + recs[i].uoff, (int32_t)recs[i].ulen, u16out, 1 << 17, &e2);
		}
		double t2 = now();
		for (size_t i = 0; i < nrec; i++) {
			UErrorCode e2 = U_ZERO_ERROR;
			int32_t ul = 0;
			u_strFromUTF8(u16tmp, 1 << 15, &ul, text + recs[i].off,
			              (int32_t)recs[i].len, &e2);
			unorm2_normalize(icu, u16tmp, ul, u16out, 1 << 17, &e2);
		}
		double t3 = now();
		if (k < 2) { /* utf8proc is slow: two rounds are enough */
			for (size_t i = 0; i < nrec; i++) {
				utf8proc_uint8_t *o = NULL;
				utf8proc_map((const utf8proc_uint8_t *)text + recs[i].off,
				             (utf8proc_ssize_t)recs[i].len, &o,
				             UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
				                 UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK);
				free(o);
			}
			double t4 = now();
			if (t4 - t3 < best_u8p) best_u8p = t4 - t3;
		}
		if (t1 - t0 < best_idt) best_idt = t1 - t0;
		if (t2 - t1 < best_icu) best_icu = t2 - t1;
		if (t3 - t2 < best_icu8) best_icu8 = t3 - t2;
	}
	double mb = (double)len / 1e6;
	printf("bench_norm: %.1f MB, %zu records (longest %zu bytes), %.1f%% ASCII bytes, "
	       "best of %d rounds, one core, thread CPU time\n",
	       mb, nrec, maxrec, 100.0 * (double)ascii / (double)len, rounds);
	printf("  %-44s %8.0f MB/s  (%.2fx ICU)\n", "idt_normalize (fold+leet+glue+offset map)",
	       mb / best_idt, best_icu / best_idt);
	printf("  %-44s %8.0f MB/s\n", "ICU unorm2 NFKC_Casefold (UTF-16 input)", mb / best_icu);
	printf("  %-44s %8.0f MB/s\n", "ICU incl. UTF-8 -> UTF-16 conversion", mb / best_icu8);
	printf("  %-44s %8.0f MB/s\n", "utf8proc_map COMPAT|CASEFOLD|STRIPMARK", mb / best_u8p);
	printf("  folder build %.1f ms; folded output %zu bytes (ICU %zu UTF-16 units)\n", tb * 1e3,
	       out_idt, out_icu);
	idt_norm_free(n);
	idt_folder_free(f);
	free(text);
	free(recs);
	free(u16);
	free(u16tmp);
	free(u16out);
	return 0;
}
