/*
 * hs_ceiling.c - the matcher's ceiling: a raw Vectorscan (libhs) block scan, on one core, of
 * the same term list over the same corpus, with nothing else (no JSON parsing, no
 * normalisation, no boundary checks, no output).  `interdict scan` cannot be faster than this.
 *
 * Input: a term file (one term per line, UTF-8; blank lines skipped; duplicates allowed) and a
 * JSON Lines corpus whose records carry a "text" string (bench/gen_corpus.py).  The corpus is
 * read and its text fields extracted with jansson before any timing.  The terms are compiled
 * with hs_compile_lit_multi() in HS_MODE_BLOCK, caseless (HS_FLAG_CASELESS folds ASCII only,
 * as `grep -F -i` does in the C locale) unless --case is given.
 *
 * Three ways to scan are timed, each the best of --rounds rounds:
 *   records  one hs_scan() per record's text (what a record-at-a-time scanner pays);
 *   concat   one hs_scan() over all texts joined by '\n' (the text alone, no per-call cost);
 *   file     one hs_scan() over the raw JSON Lines bytes (what rg and grep see).
 * Output, one line per mode, for scripts (bench/run_scan_bench.sh):
 *   MODE seconds=S cpu_seconds=T bytes=B corpus_bytes=C mbps=M matches=N
 * where S is the best wall time, T the best process CPU time (a shared machine's noise inflates
 * S more than T), mbps is B / S in 10^6 bytes per second and C is the corpus file's size (so a
 * script can express every tool's speed as corpus bytes per second).  Compile time goes to stderr.
 *
 * Usage: hs_ceiling [--case] [--rounds N] TERMS CORPUS.jsonl
 * Owned by the benchmark helper; see bench/README.md.  Memory: the corpus is held twice
 * (raw and extracted text), so give it a few hundred MB at most.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hs.h>
#include <jansson.h>

/* ----- input --------------------------------------------------------------------------- */

/* Reads a whole file into a malloc'd buffer (caller frees); NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	size_t cap = 1 << 20, n = 0;
	char *p = malloc(cap);
	for (size_t got; p && (got = fread(p + n, 1, cap - n, f)) > 0;) {
		n += got;
		if (n == cap) {
			char *q = realloc(p, cap *= 2);
			if (!q) free(p);
			p = q;
		}
	}
	fclose(f);
	*len = n;
	return p;
}

typedef struct {
	char *text;     /* all record texts, joined by '\n' (owned) */
	size_t len;     /* bytes in text */
	size_t *off;    /* record i is text[off[i] .. off[i] + rlen[i]) (owned) */
	uint32_t *rlen; /* byte length of record i's text (owned) */
	size_t n;       /* records */
} corpus;

/* Extracts every record's "text" string.  Lines that are not JSON objects with a string
 * "text" are skipped (the generator writes none).  Returns 0, or -1 out of memory. */
static int extract(const char *raw, size_t rawlen, corpus *c)
{
	size_t lines = 0;
	for (size_t i = 0; i < rawlen; i++) lines += raw[i] == '\n';
	c->text = malloc(rawlen + 1);
	c->off = malloc((lines + 1) * sizeof *c->off);
	c->rlen = malloc((lines + 1) * sizeof *c->rlen);
	if (!c->text || !c->off || !c->rlen) return -1;
	for (size_t at = 0; at < rawlen;) {
		const char *nl = memchr(raw + at, '\n', rawlen - at);
		size_t end = nl ? (size_t)(nl - raw) : rawlen;
		json_t *j = json_loadb(raw + at, end - at, JSON_ALLOW_NUL, NULL);
		json_t *t = j ? json_object_get(j, "text") : NULL;
		if (json_is_string(t)) {
			size_t tl = json_string_length(t);
			if (c->n) c->text[c->len++] = '\n';
			c->off[c->n] = c->len;
			c->rlen[c->n++] = (uint32_t)tl;
			memcpy(c->text + c->len, json_string_value(t), tl);
			c->len += tl;
		}
		json_decref(j);
		at = end + 1;
	}
	return 0;
}

/* ----- scanning ------------------------------------------------------------------------ */

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ctx)
{
	(void)id, (void)from, (void)to, (void)flags;
	++*(uint64_t *)ctx;
	return 0;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* Compiles the terms in buf (one per line) into a literal block-mode database. */
static hs_database_t *compile(char *buf, size_t len, unsigned flag, size_t *nterms)
{
	size_t cap = 1;
	for (size_t i = 0; i < len; i++) cap += buf[i] == '\n';
	const char **ex = malloc(cap * sizeof *ex);
	size_t *lens = malloc(cap * sizeof *lens);
	unsigned *flags = malloc(cap * sizeof *flags), *ids = malloc(cap * sizeof *ids);
	size_t n = 0;
	for (size_t at = 0; ex && lens && flags && ids && at < len;) {
		char *nl = memchr(buf + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t l = end - at;
		if (l && buf[at + l - 1] == '\r') l--;
		if (l) {
			ex[n] = buf + at, lens[n] = l, flags[n] = flag, ids[n] = (unsigned)n;
			n++;
		}
		at = end + 1;
	}
	hs_database_t *db = NULL;
	hs_compile_error_t *err = NULL;
	if (n && hs_compile_lit_multi(ex, flags, ids, lens, (unsigned)n, HS_MODE_BLOCK, NULL, &db,
	                              &err) != HS_SUCCESS) {
		fprintf(stderr, "hs_ceiling: compile failed: %s (term %d)\n",
		        err ? err->message : "?", err ? err->expression : -1);
		hs_free_compile_error(err);
		db = NULL;
	}
	free(ex), free(lens), free(flags), free(ids);
	*nterms = n;
	return db;
}

/* Times one mode: best of `rounds`; prints the result line.  Returns 0 or -1. */
static int run(const char *mode, hs_database_t *db, hs_scratch_t *s, const corpus *c,
               const char *raw, size_t rawlen, int rounds)
{
	double best = 1e30, best_cpu = 1e30;
	uint64_t matches = 0;
	size_t bytes = 0;
	for (int r = 0; r < rounds; r++) {
		uint64_t m = 0;
		hs_error_t e = HS_SUCCESS;
		double t0 = now(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		if (strcmp(mode, "records") == 0) {
			for (size_t i = 0; i < c->n && e == HS_SUCCESS; i++)
				e = hs_scan(db, c->text + c->off[i], c->rlen[i], 0, s, on_match,
				            &m);
			bytes = c->len - (c->n ? c->n - 1 : 0); /* the texts without the joins */
		} else if (strcmp(mode, "concat") == 0) {
			e = hs_scan(db, c->text, (unsigned)c->len, 0, s, on_match, &m);
			bytes = c->len;
		} else {
			e = hs_scan(db, raw, (unsigned)rawlen, 0, s, on_match, &m);
			bytes = rawlen;
		}
		double t = now() - t0, ct = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (e != HS_SUCCESS) {
			fprintf(stderr, "hs_ceiling: hs_scan failed (%d)\n", e);
			return -1;
		}
		if (t < best) best = t;
		if (ct < best_cpu) best_cpu = ct;
		matches = m;
	}
	printf(
	    "%s seconds=%.4f cpu_seconds=%.4f bytes=%zu corpus_bytes=%zu mbps=%.1f matches=%llu\n",
	    mode, best, best_cpu, bytes, rawlen, (double)bytes / best / 1e6,
	    (unsigned long long)matches);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned flag = HS_FLAG_CASELESS;
	int rounds = 3, a = 1;
	for (; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
		if (strcmp(argv[a], "--case") == 0)
			flag = 0;
		else if (strcmp(argv[a], "--rounds") == 0 && a + 1 < argc)
			rounds = atoi(argv[++a]);
		else
			break;
	}
	if (argc - a != 2 || rounds < 1) {
		fputs("usage: hs_ceiling [--case] [--rounds N] TERMS CORPUS.jsonl\n", stderr);
		return 2;
	}
	size_t tlen = 0, rawlen = 0, nterms = 0;
	char *terms = slurp(argv[a], &tlen);
	char *raw = slurp(argv[a + 1], &rawlen);
	if (!terms || !raw || rawlen > UINT32_MAX) {
		fprintf(stderr, "hs_ceiling: cannot read %s or %s (or corpus over 4 GB)\n", argv[a],
		        argv[a + 1]);
		return 4;
	}
	double t0 = now();
	hs_database_t *db = compile(terms, tlen, flag, &nterms);
	if (!db) return 4;
	fprintf(stderr, "hs_ceiling: %zu terms compiled in %.2f s (%s)\n", nterms, now() - t0,
	        flag ? "caseless" : "case-sensitive");
	hs_scratch_t *s = NULL;
	corpus c = {0};
	if (hs_alloc_scratch(db, &s) != HS_SUCCESS || extract(raw, rawlen, &c)) {
		fputs("hs_ceiling: out of memory\n", stderr);
		return 4;
	}
	int rc = run("records", db, s, &c, raw, rawlen, rounds) ||
	         run("concat", db, s, &c, raw, rawlen, rounds) ||
	         run("file", db, s, &c, raw, rawlen, rounds);
	hs_free_scratch(s);
	hs_free_database(db);
	free(c.text), free(c.off), free(c.rlen), free(terms), free(raw);
	return rc ? 4 : 0;
}
