/*
 * scan_db.c - builds an idt_scanner: every knowledge-base term and signal phrase is normalised
 * (exactly as scanned text will be), identical normal forms are merged into one pattern that
 * refers to all of them, and the patterns are compiled into one Vectorscan literal database.
 *
 * The compiled database is cached in opts->cache_dir as interdict-HASH.hsdb, where HASH covers
 * every pattern's normal form (so a change to the knowledge base or to the normaliser gives a
 * new file) and the Vectorscan version.  A damaged or foreign cache file is ignored and
 * replaced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <unicode/uchar.h>
#include "scan_int.h"
#include "kb/embedded.h"

int idt__script_of(uint32_t cp)
{
	if (cp < 0x80) {
		if (cp == ' ') return SCRIPT_SPACE;
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
		    (cp >= 'A' && cp <= 'Z'))
			return SCRIPT_WORD;
		return SCRIPT_SYMBOL;
	}
	if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
	    (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	    (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F) ||
	    (cp >= 0x0E00 && cp <= 0x0EFF) || (cp >= 0x1780 && cp <= 0x17FF) ||
	    (cp >= 0x1000 && cp <= 0x109F) || (cp >= 0xFF66 && cp <= 0xFF9F))
		return SCRIPT_UNSPACED;
	if (u_isalnum((UChar32)cp) || u_charType((UChar32)cp) == U_NON_SPACING_MARK ||
	    u_charType((UChar32)cp) == U_COMBINING_SPACING_MARK)
		return SCRIPT_WORD;
	return SCRIPT_SYMBOL;
}

/* Script of the first / last character of s[0..n). */
static int first_script(const char *s, size_t n)
{
	uint32_t cp;
	if (!idt__utf8_decode((const unsigned char *)s, n, &cp)) return SCRIPT_SYMBOL;
	return idt__script_of(cp);
}

static int last_script(const char *s, size_t n)
{
	size_t i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
	if (i == 0) return SCRIPT_SYMBOL;
	uint32_t cp;
	if (!idt__utf8_decode((const unsigned char *)s + i - 1, n - i + 1, &cp))
		return SCRIPT_SYMBOL;
	return idt__script_of(cp);
}

/* ----- collecting patterns ---------------------------------------------------------------------
 */

typedef struct item {
	char *folded; /* malloc'ed normal form */
	size_t len;
	uint8_t *runs; /* malloc'ed, or NULL when every run is 1 */
	scan_ref ref;
} item;

/* Orders items by normal form, then by repetition (items differing only in a letter's run
 * length, "MDA" and "MMDA", stay distinct patterns), then phrases after terms. */
static int cmp_runs(const item *x, const item *y)
{
	for (size_t i = 0; i < x->len; i++) {
		unsigned a = x->runs ? x->runs[i] : 1, b = y->runs ? y->runs[i] : 1;
		if (a != b) return a < b ? -1 : 1;
	}
	return 0;
}

static int same_form(const item *x, const item *y)
{
	return x->len == y->len && memcmp(x->folded, y->folded, x->len) == 0 && cmp_runs(x, y) == 0;
}

static int cmp_item(const void *a, const void *b)
{
	const item *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->folded, y->folded, n);
	if (c) return c;
	if (x->len != y->len) return x->len < y->len ? -1 : 1;
	c = cmp_runs(x, y);
	if (c) return c;
	if (x->ref.is_phrase != y->ref.is_phrase) return x->ref.is_phrase ? 1 : -1;
	return x->ref.index < y->ref.index ? -1 : x->ref.index > y->ref.index;
}

static idt_status fold_item(const idt_folder *f, idt_norm *norm, const char *text, item *it)
{
	idt_status st = idt_normalize(f, text, strlen(text), norm);
	if (st) return st;
	size_t n;
	const char *t = idt_norm_text(norm, &n);
	it->folded = idt__strndup(t, n);
	it->len = n;
	it->runs = NULL;
	if (!it->folded) return IDT_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		unsigned r = idt_norm_run(norm, i);
		if (r <= 1) continue;
		if (!it->runs) {
			it->runs = malloc(n);
			if (!it->runs) return IDT_ENOMEM;
			memset(it->runs, 1, n);
		}
		it->runs[i] = (uint8_t)(r > 255 ? 255 : r);
	}
	return IDT_OK;
}

static void free_items(item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].folded);
		free(items[i].runs);
	}
	free(items);
}

static idt_status collect(idt_scanner *sc, item **out, size_t *nout)
{
	const idt_kb *kb = sc->kb;
	size_t nt = idt_kb_term_count(kb), np = idt_kb_phrase_count(kb);
	item *items = calloc(nt + np + 1, sizeof *items);
	idt_norm *norm = NULL;
	idt_status st = items ? idt_norm_new(0, &norm) : IDT_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; !st && i < nt + np; i++) {
		const char *text =
		    i < nt ? idt_kb_term(kb, i)->text : idt_kb_phrase(kb, i - nt)->text;
		if (i < nt && idt_kb_term(kb, i)->kind == IDT_TERM_CAS) sc->has_cas_terms = 1;
		st = fold_item(sc->folder, norm, text, &items[n]);
		if (st) {
			n++;
			break;
		}
		if (items[n].len == 0) { /* a term of separators only: nothing to match */
			free(items[n].folded);
			free(items[n].runs);
			continue;
		}
		items[n].ref.is_phrase = i >= nt;
		items[n].ref.index = (uint32_t)(i < nt ? i : i - nt);
		n++;
	}
	idt_norm_free(norm);
	if (st) {
		free_items(items, n);
		return st;
	}
	qsort(items, n, sizeof *items, cmp_item);
	*out = items;
	*nout = n;
	return IDT_OK;
}

/* Merges sorted items with equal normal forms into patterns. */
static idt_status build_patterns(idt_scanner *sc, item *items, size_t n)
{
	size_t npat = 0, bytes = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && same_form(&items[i], &items[i - 1])) continue;
		npat++;
		bytes += items[i].len * 2 + 3;
	}
	sc->pats = calloc(npat ? npat : 1, sizeof *sc->pats);
	sc->refs = calloc(n ? n : 1, sizeof *sc->refs);
	sc->strings = malloc(bytes ? bytes : 1);
	if (!sc->pats || !sc->refs || !sc->strings) return IDT_ENOMEM;
	char *w = sc->strings;
	size_t p = 0;
	for (size_t i = 0; i < n; i++) {
		int same = i && same_form(&items[i], &items[i - 1]);
		if (!same) {
			scan_pattern *pt = &sc->pats[p++];
			int fs = first_script(items[i].folded, items[i].len);
			int ls = last_script(items[i].folded, items[i].len);
			/* A side that is a letter or digit of a script written with spaces must
			 * meet a token boundary: the literal carries the space itself. */
			pt->lead = fs == SCRIPT_WORD;
			pt->trail = ls == SCRIPT_WORD;
			if (pt->lead) *w++ = ' ';
			memcpy(w, items[i].folded, items[i].len);
			pt->folded = w;
			pt->len = (uint32_t)items[i].len;
			w += items[i].len;
			if (pt->trail) *w++ = ' ';
			*w++ = 0;
			pt->first_script = (uint8_t)fs;
			pt->last_script = (uint8_t)ls;
			pt->ref0 = (uint32_t)i;
			pt->run_sum = (uint32_t)items[i].len;
			if (items[i].runs) {
				memcpy(w, items[i].runs, items[i].len);
				pt->runs = (const uint8_t *)w;
				pt->need_runs = 1;
				w += items[i].len;
				for (size_t k = 0; k < items[i].len; k++)
					pt->run_sum += items[i].runs[k] - 1u;
			}
		}
		sc->pats[p - 1].nrefs++;
		sc->refs[i] = items[i].ref;
	}
	sc->npats = npat;
	sc->nrefs = n;
	return IDT_OK;
}

/* ----- compiling and caching -------------------------------------------------------------------
 */

static uint64_t patterns_hash(const idt_scanner *sc)
{
	uint64_t h = idt__hash64(0x1d7, hs_version(), strlen(hs_version()));
	for (size_t i = 0; i < sc->npats; i++) {
		const scan_pattern *pt = &sc->pats[i];
		h = idt__hash64(h, pt->folded - pt->lead, pt->len + pt->lead + pt->trail + 1u);
	}
	return h;
}

static void cache_path(const idt_scanner *sc, const char *dir, char *out, size_t n)
{
	snprintf(out, n, "%s/interdict-%016llx.hsdb", dir, (unsigned long long)patterns_hash(sc));
}

static int cache_load(idt_scanner *sc, const char *dir)
{
	char path[4096];
	cache_path(sc, dir, path, sizeof path);
	FILE *f = fopen(path, "rb");
	if (!f) return 0;
	idt_buf b = {.cap_limit = 1u << 30};
	char chunk[65536];
	size_t n;
	idt_status st = IDT_OK;
	while (!st && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		st = idt__buf_append(&b, chunk, n);
	fclose(f);
	int ok = 0;
	if (!st && b.len && hs_deserialize_database(b.data, b.len, &sc->db) == HS_SUCCESS) ok = 1;
	idt__buf_free(&b);
	return ok;
}

/* Creates dir and its parents (errors show up when the file is written). */
static void mkdir_p(const char *dir)
{
	char d[4096];
	snprintf(d, sizeof d, "%s", dir);
	for (char *p = d + 1; *p; p++) {
		if (*p != '/') continue;
		*p = 0;
		(void)mkdir(d, 0755);
		*p = '/';
	}
	(void)mkdir(d, 0755);
}

static void cache_store(const idt_scanner *sc, const char *dir)
{
	char path[4096], tmp[4200];
	char *bytes = NULL;
	size_t len = 0;
	if (hs_serialize_database(sc->db, &bytes, &len) != HS_SUCCESS) return;
	mkdir_p(dir);
	cache_path(sc, dir, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (f) {
		int ok = fwrite(bytes, 1, len, f) == len;
		ok = (fclose(f) == 0) && ok;
		if (!ok || rename(tmp, path) != 0) unlink(tmp);
	}
	free(bytes);
}

static idt_status compile(idt_scanner *sc, idt_error *err)
{
	if (sc->npats == 0) return IDT_OK; /* an empty kb matches nothing */
	const char **exprs = malloc(sc->npats * sizeof *exprs);
	unsigned *ids = malloc(sc->npats * sizeof *ids);
	unsigned *flags = calloc(sc->npats, sizeof *flags);
	size_t *lens = malloc(sc->npats * sizeof *lens);
	idt_status st = IDT_OK;
	if (!exprs || !ids || !flags || !lens) st = IDT_ENOMEM;
	for (size_t i = 0; !st && i < sc->npats; i++) {
		const scan_pattern *pt = &sc->pats[i];
		exprs[i] = pt->folded - pt->lead;
		ids[i] = (unsigned)i;
		lens[i] = pt->len + pt->lead + pt->trail;
	}
	hs_compile_error_t *cerr = NULL;
	if (!st && hs_compile_lit_multi(exprs, flags, ids, lens, (unsigned)sc->npats, HS_MODE_BLOCK,
	                                NULL, &sc->db, &cerr) != HS_SUCCESS) {
		size_t at = cerr && cerr->expression >= 0 ? (size_t)cerr->expression : 0;
		const scan_ref *r = &sc->refs[sc->pats[at].ref0];
		st = idt__err(err, IDT_EPATTERN, "a term could not be compiled", NULL, 0, 0);
		if (err) err->index = r->index;
		hs_free_compile_error(cerr);
	}
	free(exprs);
	free(ids);
	free(flags);
	free(lens);
	return st;
}

static void load_model(idt_scanner *sc)
{
	idt__scan_model_default(&sc->model);
	for (const struct idt__embedded *e = idt__kb_files; e->name; e++)
		if (strcmp(e->name, "data/scoring/model.conf") == 0)
			(void)idt__scan_model_load(&sc->model, e->data, e->len, NULL);
}

IDT_API idt_status idt_scanner_new(const idt_kb *kb, const idt_folder *folder,
                                   const idt_scanner_opts *opts, idt_scanner **out, idt_error *err)
{
	*out = NULL;
	if (!kb || !folder) return IDT_EINVAL;
	idt_scanner *sc = calloc(1, sizeof *sc);
	if (!sc) return IDT_ENOMEM;
	sc->kb = kb;
	sc->folder = folder;
	sc->flags = opts ? opts->flags : 0;
	load_model(sc);
	item *items = NULL;
	size_t n = 0;
	idt_status st = collect(sc, &items, &n);
	if (!st) st = build_patterns(sc, items, n);
	if (items) free_items(items, n);
	const char *dir = opts ? opts->cache_dir : NULL;
	if (!st && dir && sc->npats && cache_load(sc, dir)) sc->cached = 1;
	if (!st && !sc->cached) {
		st = compile(sc, err);
		if (!st && dir && sc->db) cache_store(sc, dir);
	}
	if (st) {
		idt_scanner_free(sc);
		return st;
	}
	*out = sc;
	return IDT_OK;
}

IDT_API void idt_scanner_free(idt_scanner *sc)
{
	if (!sc) return;
	hs_free_database(sc->db);
	free(sc->pats);
	free(sc->refs);
	free(sc->strings);
	free(sc);
}

IDT_API int idt_scanner_cached(const idt_scanner *sc)
{
	return sc->cached;
}

IDT_API idt_status idt_scratch_new(const idt_scanner *sc, idt_scratch **out)
{
	*out = NULL;
	idt_scratch *s = calloc(1, sizeof *s);
	if (!s) return IDT_ENOMEM;
	s->sc = sc;
	idt_status st = idt_norm_new(0, &s->norm);
	s->pat_count = calloc(sc->npats ? sc->npats : 1, 1);
	if (!s->pat_count) st = IDT_ENOMEM;
	if (!st && sc->db && hs_alloc_scratch(sc->db, &s->hs) != HS_SUCCESS) st = IDT_ENOMEM;
	if (st) {
		idt_scratch_free(s);
		return st;
	}
	*out = s;
	return IDT_OK;
}

IDT_API void idt_scratch_free(idt_scratch *s)
{
	if (!s) return;
	if (s->hs) hs_free_scratch(s->hs);
	idt_norm_free(s->norm);
	free(s->hits);
	free(s->pat_count);
	free(s->pad);
	free(s->ins);
	free(s->alt);
	free(s->plain);
	free(s->pmap);
	free(s->win);
	free(s);
}
