/*
 * scan.c - scanning one record: each field is normalised, the folded text is matched against
 * the compiled database, raw matches are checked (token boundaries, letter repetition, CAS
 * form in the original), nested matches are resolved to the most specific term, spans are
 * mapped back to the original bytes, and the structured signals of the original text are
 * added.  score.c then turns the evidence into a verdict.
 *
 * Boundaries: a term whose first (last) character is a letter or digit of a script written
 * with spaces must not continue a word on that side ("meth" does not match in "method"); a
 * term that starts or ends in a script written without spaces (Chinese, Japanese, Thai) or
 * with a symbol (emoji) matches anywhere.
 *
 * The second look (second_look, second_pass): windows around camel-case joins, quantities glued
 * to names, Latin glued to Chinese, and words with leet digits the normaliser keeps are scanned
 * again with spaces inserted or the digits folded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include "scan_int.h"
#include "text/text_int.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_PER_PATTERN 4   /* evidence kept per pattern and field; more occurrences add nothing */
#define MAX_EVIDENCE    512 /* evidence kept per record */

/* ----- raw matches -----------------------------------------------------------------------------
 */

/* In a second-pass window, how many inserted spaces precede padded position v. */
static size_t inserted_before(const idt_scratch *s, size_t v)
{
	size_t k = 0;
	while (k < s->win_nins && s->ins[s->win_ins0 + k] - s->win_a + 1 + k < v) k++;
	return k;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ctx)
{
	IDT_UNUSED(from);
	IDT_UNUSED(flags);
	idt_scratch *s = ctx;
	if (s->nhits == s->caphits) {
		if (s->caphits >= SCAN_MAX_HITS) {
			s->overflow = 1;
			return 1; /* stop: the record is a pathological repetition */
		}
		size_t ncap = s->caphits ? s->caphits * 2 : 256;
		scan_hit *p = realloc(s->hits, ncap * sizeof *p);
		if (!p) {
			s->overflow = 1;
			return 1;
		}
		s->hits = p;
		s->caphits = ncap;
	}
	const scan_pattern *pt = &s->sc->pats[id];
	scan_hit *h = &s->hits[s->nhits++];
	h->pat = id;
	h->field = s->cur_field;
	/* Padded coordinates to folded ones: drop the literal's spaces, the leading pad and any
	 * spaces inserted before (second look), and add the window's start. */
	size_t end = (size_t)to - pt->trail, start = end - pt->len;
	h->start = s->win_a + start - 1 - inserted_before(s, start);
	h->end = h->start + pt->len;
	h->dropped = 0;
	return 0;
}

/* The text must repeat each letter at least as often as the term does ("weed" needs "ee";
 * "MMDA" is not "MDA"), in terms of IDT__RUNS_STRICT_MAX folded bytes or fewer: in a longer
 * name a doubled letter written once is a misspelling of it ("adderal"), not another word. */
static int runs_ok(const scan_pattern *pt, const idt_norm *norm, size_t start)
{
	if (!pt->need_runs || pt->len > IDT__RUNS_STRICT_MAX) return 1;
	for (size_t i = 0; i < pt->len; i++)
		if (pt->runs[i] > 1 && idt_norm_run(norm, start + i) < pt->runs[i]) return 0;
	return 1;
}

/* A CAS term must be written as a CAS number in the original: digits and hyphens only. */
static int cas_form_ok(const idt_scanner *sc, const scan_pattern *pt, const char *orig, size_t os,
                       size_t oe)
{
	const scan_ref *r = &sc->refs[pt->ref0];
	if (r->is_phrase || idt_kb_term(sc->kb, r->index)->kind != IDT_TERM_CAS) return 1;
	int hyphens = 0;
	for (size_t i = os; i < oe; i++) {
		if (orig[i] == '-')
			hyphens++;
		else if (orig[i] < '0' || orig[i] > '9')
			return 0;
	}
	return hyphens == 2;
}

static int cmp_hit(const void *a, const void *b)
{
	const scan_hit *x = a, *y = b;
	if (x->field != y->field) return x->field < y->field ? -1 : 1;
	if (x->start != y->start) return x->start < y->start ? -1 : 1;
	if (x->end != y->end) return x->end > y->end ? -1 : 1; /* longer first */
	return x->pat < y->pat ? -1 : x->pat > y->pat;
}

/* Nesting is resolved within a family: substance terms (0), phrases (1), context terms (2).
 * A context phrase never hides a term inside it ("indica" in "indica strain"). */
static int pattern_family(const idt_scanner *sc, uint32_t pat)
{
	const scan_ref *ref = &sc->refs[sc->pats[pat].ref0];
	if (ref->is_phrase) return 1;
	return idt_kb_term(sc->kb, ref->index)->kind == IDT_TERM_CONTEXT ? 2 : 0;
}

/* Among hits on the same span, keeps those of the most specific repetition: "MMDA" in the text
 * matches both the MDA and the MMDA patterns (same normal form); MMDA, with more letters, wins. */
static void resolve_same_span(const idt_scanner *sc, scan_hit *h, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && h[j].field == h[i].field && h[j].start == h[i].start &&
		       h[j].end == h[i].end)
			j++;
		uint32_t best[3] = {0, 0, 0}; /* per family */
		for (size_t k = i; k < j; k++) {
			int fam = pattern_family(sc, h[k].pat);
			if (sc->pats[h[k].pat].run_sum > best[fam])
				best[fam] = sc->pats[h[k].pat].run_sum;
		}
		for (size_t k = i; k < j; k++)
			if (sc->pats[h[k].pat].run_sum < best[pattern_family(sc, h[k].pat)])
				h[k].dropped = 1;
		i = j;
	}
}

/* Drops every hit strictly inside another hit of the same family (pattern_family) in the
 * same field: "crack cocaine" wins over the "cocaine" inside it. */
static void resolve_nested(const idt_scanner *sc, scan_hit *h, size_t n)
{
	for (int fam = 0; fam < 3; fam++) {
		size_t cover_end = 0, cover_start = 0;
		uint32_t cover_field = UINT32_MAX;
		for (size_t i = 0; i < n; i++) {
			if (h[i].dropped || pattern_family(sc, h[i].pat) != fam) continue;
			if (h[i].field == cover_field && h[i].end <= cover_end &&
			    !(h[i].start == cover_start && h[i].end == cover_end)) {
				h[i].dropped = 1;
				continue;
			}
			if (h[i].field != cover_field || h[i].end > cover_end) {
				cover_field = h[i].field;
				cover_start = h[i].start;
				cover_end = h[i].end;
			}
		}
	}
}

/* ----- results ---------------------------------------------------------------------------------
 */

idt_status idt__result_add_evidence(idt_result *r, const idt_evidence *e)
{
	if (r->nev == r->capev) {
		size_t ncap = r->capev ? r->capev * 2 : 16;
		idt_evidence *p = realloc(r->ev, ncap * sizeof *p);
		if (!p) return IDT_ENOMEM;
		r->ev = p;
		r->capev = ncap;
	}
	r->ev[r->nev++] = *e;
	return IDT_OK;
}

void idt__result_clear(idt_result *r)
{
	for (size_t i = 0; i < r->nreasons; i++) free(r->reasons[i]);
	r->nev = r->nsubs = r->nreasons = 0;
	r->score = 0;
	r->flagged = 0;
	r->categories = 0;
	r->invalid_utf8 = 0;
}

typedef struct sig_ctx {
	idt_result *r;
	uint32_t field;
	idt_status st;
	const idt_scratch *plain; /* set when the signals come from the field's plain copy */
} sig_ctx;

static int on_signal(void *ctx, const idt_signal *sig)
{
	sig_ctx *c = ctx;
	if (c->r->nev >= MAX_EVIDENCE) return 1;
	idt_evidence e = {0};
	e.kind = IDT_EV_SIGNAL;
	e.field = c->field;
	e.start = sig->start;
	e.end = sig->end;
	if (c->plain) idt__plain_span(c->plain, sig->start, sig->end, &e.start, &e.end);
	e.signal = *sig;
	e.signal.start = e.start;
	e.signal.end = e.end;
	c->st = idt__result_add_evidence(c->r, &e);
	return c->st != IDT_OK;
}

/* 1 if an earlier ref of the pattern names the same entity with at least the same trust
 * (one normal form can be the English, French and German name at once: one piece of
 * evidence is enough). */
static int same_entity_before(const idt_scanner *sc, const scan_pattern *pt, uint32_t k)
{
	const scan_ref *r = &sc->refs[pt->ref0 + k];
	if (r->is_phrase) return 0;
	const idt_term *t = idt_kb_term(sc->kb, r->index);
	for (uint32_t j = 0; j < pt->nrefs; j++) {
		const scan_ref *o = &sc->refs[pt->ref0 + j];
		if (j == k || o->is_phrase) continue;
		const idt_term *ot = idt_kb_term(sc->kb, o->index);
		if (ot->substance != t->substance) continue;
		if (ot->trust < t->trust || (ot->trust == t->trust && j < k)) return 1;
	}
	return 0;
}

/* Turns the kept hits of one field into evidence. */
static idt_status hits_to_evidence(const idt_scanner *sc, idt_scratch *s, idt_result *r,
                                   size_t from)
{
	for (size_t i = from; i < s->nhits; i++) {
		scan_hit *h = &s->hits[i];
		if (h->dropped) continue;
		/* Bound repeated occurrences of one pattern (counts reset below). */
		if (s->pat_count[h->pat] >= MAX_PER_PATTERN) continue;
		s->pat_count[h->pat]++;
		if (r->nev >= MAX_EVIDENCE) break;
		const scan_pattern *pt = &sc->pats[h->pat];
		for (uint32_t k = 0; k < pt->nrefs && r->nev < MAX_EVIDENCE; k++) {
			const scan_ref *ref = &sc->refs[pt->ref0 + k];
			if (same_entity_before(sc, pt, k)) continue;
			idt_evidence e = {0};
			e.field = h->field;
			e.start = h->ostart;
			e.end = h->oend;
			if (!ref->is_phrase) {
				e.kind = IDT_EV_SUBSTANCE;
				e.term = ref->index;
				e.substance = idt_kb_term(sc->kb, ref->index)->substance;
			} else {
				const idt_phrase *ph = idt_kb_phrase(sc->kb, ref->index);
				e.kind = IDT_EV_SIGNAL;
				e.signal.type = (idt_signal_type)ph->signal;
				e.signal.start = h->ostart;
				e.signal.end = h->oend;
				snprintf(e.signal.value, sizeof e.signal.value, "%s", ph->text);
			}
			idt_status st = idt__result_add_evidence(r, &e);
			if (st) return st;
		}
	}
	for (size_t i = from; i < s->nhits; i++) s->pat_count[s->hits[i].pat] = 0;
	return IDT_OK;
}

/* Drops structured CAS signals that are a knowledge-base CAS term already. */
static void drop_known_cas(idt_result *r, size_t from)
{
	size_t w = from;
	for (size_t i = from; i < r->nev; i++) {
		idt_evidence *e = &r->ev[i];
		int dup = 0;
		if (e->kind == IDT_EV_SIGNAL && e->signal.type == IDT_SIG_CAS)
			for (size_t j = from; j < r->nev && !dup; j++)
				dup = r->ev[j].kind == IDT_EV_SUBSTANCE &&
				      r->ev[j].field == e->field && r->ev[j].start <= e->start &&
				      r->ev[j].end >= e->end;
		if (!dup) r->ev[w++] = *e;
	}
	r->nev = w;
}

/* Makes room for n bytes in the scratch's padded buffer. */
static int pad_reserve(idt_scratch *s, size_t n)
{
	if (n <= s->padcap) return 0;
	size_t cap = s->padcap ? s->padcap : 4096;
	while (cap < n) cap *= 2;
	char *p = realloc(s->pad, cap);
	if (!p) return -1;
	s->pad = p;
	s->padcap = cap;
	return 0;
}

/* Scans ' ' + text[a, b) + ' ', with a space inserted at each of s->ins[i0, i1) (positions
 * inside the window): the compiled literals carry their token-boundary spaces, so only whole
 * tokens match.  a and b are token boundaries (a space or the text's ends). */
static idt_status scan_padded(const idt_scanner *sc, idt_scratch *s, const char *text, size_t a,
                              size_t b, size_t i0, size_t i1)
{
	if (pad_reserve(s, b - a + (i1 - i0) + 2)) return IDT_ENOMEM;
	s->win_a = a;
	s->win_ins0 = i0;
	s->win_nins = i1 - i0;
	char *w = s->pad;
	size_t from = a;
	*w++ = ' ';
	for (size_t k = i0; k < i1; k++) {
		memcpy(w, text + from, s->ins[k] - from);
		w += s->ins[k] - from;
		*w++ = ' ';
		from = s->ins[k];
	}
	memcpy(w, text + from, b - from);
	w += b - from;
	*w++ = ' ';
	hs_error_t e = hs_scan(sc->db, s->pad, (unsigned)(w - s->pad), 0, s->hs, on_match, s);
	return e == HS_SUCCESS || e == HS_SCAN_TERMINATED ? IDT_OK : IDT_ENOMEM;
}

/* The first folded position whose original start is >= o (the map is monotonic). */
static size_t folded_at(const idt_norm *n, size_t flen, size_t o)
{
	size_t lo = 0, hi = flen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, os, oe;
		idt_norm_span(n, mid, mid + 1, &os, &oe);
		if (os < o)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Records [a, b) of the folded text for the second pass (widened and merged later). */
static int add_window(idt_scratch *s, size_t a, size_t b)
{
	if (s->nwin == s->capwin) {
		size_t cap = s->capwin ? s->capwin * 2 : 16;
		size_t *q = realloc(s->win, 2 * cap * sizeof *q);
		if (!q) return 0; /* fewer windows; nothing else is lost */
		s->win = q;
		s->capwin = cap;
	}
	s->win[2 * s->nwin] = a;
	s->win[2 * s->nwin + 1] = b;
	s->nwin++;
	return 1;
}

/* Records folded position p as a split point of the second pass (unordered; sorted later). */
static int add_split(idt_scratch *s, size_t p)
{
	if (s->nins == s->capins) {
		size_t cap = s->capins ? s->capins * 2 : 16;
		size_t *q = realloc(s->ins, cap * sizeof *q);
		if (!q) return 0; /* fewer splits; nothing else is lost */
		s->ins = q;
		s->capins = cap;
	}
	s->ins[s->nins++] = p;
	return add_window(s, p, p);
}

/* The folded position of original offset o when a character starts exactly there inside a
 * token (not beside a space), else 0. */
static size_t split_at(const idt_scratch *s, const char *ft, size_t flen, size_t o)
{
	size_t p = folded_at(s->norm, flen, o), os, oe;
	if (p == 0 || p >= flen || ft[p - 1] == ' ' || ft[p] == ' ') return 0;
	idt_norm_span(s->norm, p, p + 1, &os, &oe);
	return os == o ? p : 0;
}

static int is_ascii_letter(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ascii_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Whether original offset o starts a number glued to the word before it that ends its token
 * as a quantity: digits, then a unit of weight or volume ("cocaina5g", "кокаин5г",
 * "mdma100mg"). */
static int glued_quantity(const char *orig, size_t olen, size_t o)
{
	int prev = (unsigned char)orig[o - 1];
	if (!is_ascii_digit((unsigned char)orig[o]) || !(is_ascii_letter(prev) || prev >= 0x80))
		return 0;
	size_t q = o;
	while (q < olen && (is_ascii_digit((unsigned char)orig[q]) ||
	                    ((orig[q] == '.' || orig[q] == ',') && q + 1 < olen &&
	                     is_ascii_digit((unsigned char)orig[q + 1]))))
		q++;
	size_t u = q;
	while (u < olen &&
	       (is_ascii_letter((unsigned char)orig[u]) || (unsigned char)orig[u] >= 0x80))
		u++;
	if (u < olen && is_ascii_digit((unsigned char)orig[u])) return 0;
	/* the units of weight and volume sellers glue to a number ("z3ne" is no quantity) */
	static const char *const units[] = {
	    "g",
	    "mg",
	    "kg",
	    "gr",
	    "ug",
	    "mcg",
	    "ml",
	    "oz",
	    "lb",
	    "lbs",
	    "\xd0\xb3",                 /* г */
	    "\xd0\xb3\xd1\x80",         /* гр */
	    "\xd0\xbc\xd0\xb3",         /* мг */
	    "\xd0\xba\xd0\xb3",         /* кг */
	    "\xe5\x85\x8b",             /* 克 */
	    "\xe6\xaf\xab\xe5\x85\x8b", /* 毫克 */
	};
	for (size_t k = 0; k < IDT_ARRAY_LEN(units); k++)
		if (strlen(units[k]) == u - q && strncasecmp(units[k], orig + q, u - q) == 0)
			return 1;
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Where the second pass has something to look at.  In the original: an upper-case letter
 * after a lower-case one (camel case) or a digit after a letter (a glued quantity); in the
 * folded text: a lead byte >= 0xE0 (scripts without spaces) or a digit beside a letter (leet).
 * Most text has few of them: 16 bytes at a time where SSE2 is there.
 */
static int is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static int orig_candidate(const unsigned char *u, size_t i)
{
	unsigned char c = u[i], p = i ? u[i - 1] : ' ';
	return c == 0xCE || (c >= 'A' && c <= 'Z' && is_lower(p)) ||
	       (c >= '0' && c <= '9' && (is_lower(p) || (p >= 'A' && p <= 'Z') || p >= 0x80));
}

static int folded_candidate(const unsigned char *f, size_t i, size_t n)
{
	unsigned char c = f[i];
	if (c >= 0xE0) return 1;
	return c >= '0' && c <= '9' &&
	       ((i > 0 && is_lower(f[i - 1])) || (i + 1 < n && is_lower(f[i + 1])));
}

#ifdef __SSE2__
/* Bytes of v in [lo, lo + span]: 0xFF, else 0. */
static __m128i in_range(__m128i v, char lo, char span)
{
	__m128i t = _mm_sub_epi8(v, _mm_set1_epi8(lo));
	return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(span)), t);
}
#endif

/* The first i >= from where orig_candidate() holds, or n. */
static size_t next_orig(const unsigned char *u, size_t from, size_t n)
{
	size_t i = from;
	if (i == 0) {
		if (n && orig_candidate(u, 0)) return 0;
		i = 1;
	}
#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(u + i));
		__m128i p = _mm_loadu_si128((const __m128i *)(u + i - 1));
		__m128i plow = in_range(p, 'a', 25), pup = in_range(p, 'A', 25);
		__m128i phigh = _mm_cmpeq_epi8(_mm_max_epu8(p, _mm_set1_epi8((char)0x80)), p);
		__m128i m = _mm_and_si128(in_range(v, 'A', 25), plow);
		m = _mm_or_si128(m, _mm_and_si128(in_range(v, '0', 9),
		                                  _mm_or_si128(_mm_or_si128(plow, pup), phigh)));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xCE)));
		int bits = _mm_movemask_epi8(m);
		if (bits) return i + (size_t)__builtin_ctz((unsigned)bits);
	}
#endif
	while (i < n && !orig_candidate(u, i)) i++;
	return i;
}

/* The first i >= from where folded_candidate() holds, or n. */
static size_t next_folded(const unsigned char *f, size_t from, size_t n)
{
	size_t i = from;
#ifdef __SSE2__
	if (i == 0 && n && !folded_candidate(f, 0, n)) i = 1;
	for (; i >= 1 && i + 17 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(f + i));
		__m128i p = _mm_loadu_si128((const __m128i *)(f + i - 1));
		__m128i x = _mm_loadu_si128((const __m128i *)(f + i + 1));
		__m128i wide = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8((char)0xE0)), v);
		__m128i near = _mm_or_si128(in_range(p, 'a', 25), in_range(x, 'a', 25));
		__m128i m = _mm_or_si128(wide, _mm_and_si128(in_range(v, '0', 9), near));
		int bits = _mm_movemask_epi8(m);
		if (bits) return i + (size_t)__builtin_ctz((unsigned)bits);
	}
#endif
	while (i < n && !folded_candidate(f, i, n)) i++;
	return i;
}

/* The script class of the character that ends just before folded position p (p > 0). */
static int script_before(const char *ft, size_t p)
{
	size_t q = p - 1;
	while (q > 0 && ((unsigned char)ft[q] & 0xC0) == 0x80 && p - q < 4) q--;
	uint32_t cp = (unsigned char)ft[q];
	if (cp >= 0x80 && !idt__utf8_decode((const unsigned char *)ft + q, p - q, &cp))
		return SCRIPT_SYMBOL;
	return idt__script_of(cp);
}

/* The letter a leet digit stands for, or 0 ("2", "6", "9" and every other byte). */
static char leet_digit_letter(char c)
{
	return c >= '0' && c <= '9' ? idt__leet_letter(c) : 0;
}

/* Makes s->alt a copy of the folded text, once (*changed says whether it is one); 0 when
 * out of memory. */
static int alt_begin(idt_scratch *s, const char *ft, size_t flen, int *changed)
{
	if (*changed) return 1;
	if (flen > s->altcap) {
		char *p = realloc(s->alt, flen);
		if (!p) return 0;
		s->alt = p;
		s->altcap = flen;
	}
	memcpy(s->alt, ft, flen);
	*changed = 1;
	return 1;
}

/*
 * Greek capitals that look like Latin capitals while their small letters look like other
 * Latin letters: the fold follows the small letter ("μ" -> u, as in "ug"), so a disguised
 * "ΜDΜΑ" folds to "udua".  In a word that has ASCII letters they are a disguise: the copy of
 * the second look reads them as the capital they imitate (the look-alikes of plain.c), where
 * that differs from the fold.
 */
static void greek_capital(idt_scratch *s, const unsigned char *u, size_t olen, const char *ft,
                          size_t flen, size_t o, int *alt)
{
	uint32_t cp;
	if (idt__utf8_decode(u + o, olen - o, &cp) != 2) return;
	char latin = idt__lookalike(cp);
	if (latin < 'A' || latin > 'Z') return;
	latin = (char)(latin - 'A' + 'a');
	size_t p = folded_at(s->norm, flen, o), os, oe;
	if (p >= flen || ft[p] == latin || !is_ascii_letter((unsigned char)ft[p])) return;
	idt_norm_span(s->norm, p, p + 1, &os, &oe);
	if (os != o || oe != o + 2 || !idt__word_has_ascii_letter(u, olen, o, o + 2) ||
	    !alt_begin(s, ft, flen, alt))
		return;
	s->alt[p] = latin;
	add_window(s, p, p + 1);
}

/* Leet folding of the token around folded digit d (see second_look); returns its end. */
static size_t leet_token(idt_scratch *s, const char *ft, size_t flen, size_t d, int *changed)
{
	const unsigned char *f = (const unsigned char *)ft;
	size_t a = d, b = d;
	while (a > 0 && ft[a - 1] != ' ') a--;
	while (b < flen && ft[b] != ' ') b++;
	unsigned letters = 0, leet = 0, lead = 0, digits = 0;
	int ascii = 1;
	for (size_t k = a; k < b; k++) {
		unsigned char c = f[k];
		ascii &= c < 0x80;
		letters += is_ascii_letter(c);
		digits += is_ascii_digit(c);
		if (leet_digit_letter((char)c)) leet++;
		if (k == a + lead && is_ascii_digit(c)) lead++;
	}
	/* a number with its unit ("100mg", "5g", "250mcg"): nothing to fold */
	size_t rest = b - a - lead;
	int number_with_unit = lead == leet && lead == digits &&
	                       (rest <= 2 || (rest == 3 && (!memcmp(ft + a + lead, "mcg", 3) ||
	                                                    !memcmp(ft + a + lead, "lbs", 3) ||
	                                                    !memcmp(ft + a + lead, "pcs", 3))));
	/* a word, not a code, hash or wallet: no more digits than letters, no digit that stands
	 * for no letter, and short */
	int wordlike = digits == leet && leet <= letters && b - a <= 32;
	if (!(ascii && letters >= 3 && leet && !number_with_unit && wordlike)) return b;
	if (!alt_begin(s, ft, flen, changed)) return flen; /* no leet look; nothing is lost */
	for (size_t k = a; k < b; k++) {
		char l = leet_digit_letter(ft[k]);
		if (l) s->alt[k] = l;
	}
	add_window(s, a, b);
	return b;
}

/*
 * What the second look at a field scans: split points in s->ins (sorted, distinct), windows
 * in s->win, and *alt = 1 with a leet-folded copy of the folded text in s->alt.
 *   - camel case: sellers glue words ("ChemKush", "BuyFentanylNow"): where the ORIGINAL has an
 *     ASCII lower-case letter followed by an upper-case one inside a token ("XaNaX" has some
 *     too, but its whole-word match came in the first pass);
 *   - a quantity glued to a name ("cocaina5g", "кокаин5г");
 *   - a change between a script written without spaces and one written with them, which the
 *     folded text keeps glued ("出售cocaine现货": "selling cocaine in stock");
 *   - leet digits the normaliser keeps: it folds them only where they cannot be a number
 *     ("k3tamine", "w33d"), and keeps a leading digit ("4mmc", "3-MMC", "2c-b") and longer
 *     runs ("oxy30").  The copy folds every leet digit of a word of three or more ASCII
 *     letters ("0xycodone", "n174zene", "3cstasy"); a number with its unit ("100mcg") and
 *     codes, hashes and wallets are left alone;
 *   - Greek capitals disguising Latin ones in a Latin word ("ΜDΜΑ"): greek_capital().
 * Returns the number of split points plus *alt (0: nothing to look at again).
 */
static size_t second_look(idt_scratch *s, const char *orig, size_t olen, const char *ft,
                          size_t flen, int *alt)
{
	const unsigned char *u = (const unsigned char *)orig, *f = (const unsigned char *)ft;
	s->nins = 0;
	*alt = 0;
	for (size_t o = next_orig(u, 0, olen); o < olen; o = next_orig(u, o + 1, olen)) {
		if (u[o] == 0xCE) {
			greek_capital(s, u, olen, ft, flen, o, alt);
			continue;
		}
		int camel = u[o] >= 'A' && u[o] <= 'Z' && is_lower(u[o - 1]);
		if (!camel && !glued_quantity(orig, olen, o)) continue;
		size_t p = split_at(s, ft, flen, o);
		if (p && !add_split(s, p)) break;
	}
	for (size_t p = next_folded(f, 0, flen); p < flen;) {
		if (f[p] < 0xE0) {
			p = next_folded(f, leet_token(s, ft, flen, p, alt), flen);
			continue;
		}
		/* Scripts without spaces are all at U+0E00 or above: a lead byte >= 0xE0.  A
		 * split goes before such a character that follows a letter or digit of a spaced
		 * script, and after one that such a letter or digit follows. */
		uint32_t cp;
		size_t n = idt__utf8_decode(f + p, flen - p, &cp);
		if (!n) n = 1, cp = 0xFFFD;
		if (idt__script_of(cp) == SCRIPT_UNSPACED) {
			if (p > 0 && f[p - 1] != ' ' && script_before(ft, p) == SCRIPT_WORD)
				add_split(s, p);
			if (p + n < flen && f[p + n] != ' ' && f[p + n] < 0xE0) {
				uint32_t next = f[p + n];
				if (next >= 0x80 &&
				    !idt__utf8_decode(f + p + n, flen - p - n, &next))
					next = 0xFFFD;
				if (idt__script_of(next) == SCRIPT_WORD) add_split(s, p + n);
			}
		}
		p = next_folded(f, p + n, flen);
	}
	if (s->nins > 1) {
		qsort(s->ins, s->nins, sizeof *s->ins, cmp_size);
		size_t w = 1;
		for (size_t k = 1; k < s->nins; k++)
			if (s->ins[k] != s->ins[w - 1]) s->ins[w++] = s->ins[k];
		s->nins = w;
	}
	return s->nins + (size_t)*alt;
}

/*
 * The windows of the second pass: each changed token or split point with up to
 * WINDOW_CONTEXT bytes of whole tokens on either side (multi-word terms such as "crystal
 * meth" reach into the neighbours), merged.  A token longer than that makes the window the
 * whole text: a window may only start and end at token boundaries.  Returns the number of
 * windows in s->win (pairs of start, end).
 */
#define WINDOW_CONTEXT 48

static size_t window_start(const char *ft, size_t p)
{
	size_t lim = p > WINDOW_CONTEXT ? p - WINDOW_CONTEXT : 0, q = p;
	while (q > 0 && ft[q - 1] != ' ' && p - q < 4 * WINDOW_CONTEXT) q--;
	if (q > 0 && ft[q - 1] != ' ') return 0; /* a very long token: from the start */
	while (q > lim) {                        /* whole tokens before it, while they fit */
		size_t r = q - 1;
		while (r > 0 && ft[r - 1] != ' ') r--;
		if (r < lim) break;
		q = r;
	}
	return q;
}

static size_t window_end(const char *ft, size_t flen, size_t p)
{
	size_t lim = flen - p > WINDOW_CONTEXT ? p + WINDOW_CONTEXT : flen, q = p;
	while (q < flen && ft[q] != ' ' && q - p < 4 * WINDOW_CONTEXT) q++;
	if (q < flen && ft[q] != ' ') return flen;
	while (q < lim) {
		size_t r = q + 1;
		while (r < flen && ft[r] != ' ') r++;
		if (r > lim) break;
		q = r;
	}
	return q;
}

static int cmp_window(const void *a, const void *b)
{
	const size_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static size_t merge_windows(idt_scratch *s, const char *ft, size_t flen)
{
	for (size_t k = 0; k < s->nwin; k++) {
		s->win[2 * k] = window_start(ft, s->win[2 * k]);
		s->win[2 * k + 1] = window_end(ft, flen, s->win[2 * k + 1]);
	}
	if (s->nwin > 1) qsort(s->win, s->nwin, 2 * sizeof *s->win, cmp_window);
	size_t w = 0;
	for (size_t k = 0; k < s->nwin; k++) {
		if (w && s->win[2 * k] <= s->win[2 * (w - 1) + 1]) {
			if (s->win[2 * k + 1] > s->win[2 * (w - 1) + 1])
				s->win[2 * (w - 1) + 1] = s->win[2 * k + 1];
			continue;
		}
		s->win[2 * w] = s->win[2 * k];
		s->win[2 * w + 1] = s->win[2 * k + 1];
		w++;
	}
	return s->nwin = w;
}

/* The second look at a field: its windows scanned with the split points inserted and the
 * leet-folded copy when there is one. */
static idt_status second_pass(const idt_scanner *sc, idt_scratch *s, const char *text)
{
	size_t i = 0;
	for (size_t k = 0; k < s->nwin; k++) {
		size_t a = s->win[2 * k], b = s->win[2 * k + 1], i0;
		while (i < s->nins && s->ins[i] <= a) i++;
		i0 = i;
		while (i < s->nins && s->ins[i] < b) i++;
		idt_status st = scan_padded(sc, s, text, a, b, i0, i);
		if (st) return st;
	}
	return IDT_OK;
}

static int same_hit(const scan_hit *a, const scan_hit *b)
{
	return a->pat == b->pat && a->start == b->start && a->end == b->end && a->field == b->field;
}

static idt_status scan_field(const idt_scanner *sc, idt_scratch *s, const idt_field *f,
                             uint32_t field, idt_result *r)
{
	idt_status st = idt_normalize(sc->folder, f->text, f->len, s->norm);
	if (st) return st;
	size_t bad_first;
	r->invalid_utf8 += idt_norm_invalid(s->norm, &bad_first);
	size_t flen;
	const char *ft = idt_norm_text(s->norm, &flen);
	size_t from = s->nhits;
	s->cur_field = field;
	s->nins = 0;
	if (sc->db && flen) {
		st = scan_padded(sc, s, ft, 0, flen, 0, 0);
		s->nwin = 0;
		int alt = 0;
		if (!st && second_look(s, f->text, f->len, ft, flen, &alt) &&
		    merge_windows(s, ft, flen))
			st = second_pass(sc, s, alt ? s->alt : ft);
		s->nins = s->nwin = 0;
		if (st) return st;
	}
	/* Check each raw match, then resolve nesting and map to the original. */
	if (s->nhits > from) qsort(s->hits + from, s->nhits - from, sizeof *s->hits, cmp_hit);
	size_t w = from;
	for (size_t i = from; i < s->nhits; i++) {
		scan_hit h = s->hits[i];
		if (w > from && same_hit(&s->hits[w - 1], &h)) continue; /* found by both passes */
		const scan_pattern *pt = &sc->pats[h.pat];
		if (!runs_ok(pt, s->norm, h.start)) continue;
		idt_norm_span(s->norm, h.start, h.end, &h.ostart, &h.oend);
		if (sc->has_cas_terms && !cas_form_ok(sc, pt, f->text, h.ostart, h.oend)) continue;
		s->hits[w++] = h;
	}
	s->nhits = w;
	if (w > from) { /* (s->hits is NULL until the first match) */
		resolve_same_span(sc, s->hits + from, s->nhits - from);
		resolve_nested(sc, s->hits + from, s->nhits - from);
	}
	return hits_to_evidence(sc, s, r, from);
}

/* The structured signals of every field (after all terms, so that IDT_SCAN_LAZY_SIGNALS can
 * skip records without any), minus CAS numbers the knowledge base already named. */
static idt_status scan_signals(const idt_scanner *sc, idt_scratch *s, const idt_field *fields,
                               size_t nfields, idt_result *r)
{
	int any_term = 0;
	for (size_t i = 0; i < r->nev && !any_term; i++)
		any_term = r->ev[i].kind == IDT_EV_SUBSTANCE;
	if ((sc->flags & IDT_SCAN_LAZY_SIGNALS) && !any_term) return IDT_OK;
	size_t from = r->nev;
	for (size_t i = 0; i < nfields; i++) {
		sig_ctx c = {r, (uint32_t)i, IDT_OK, NULL};
		const char *text = fields[i].text;
		size_t len = fields[i].len;
		if (idt__plain_copy(s, text, len, &len)) {
			text = s->plain; /* signals read the plain copy, spans mapped back */
			c.plain = s;
		}
		idt_status st = idt_signals_extract(text, len, on_signal, &c);
		if (c.st) return c.st;
		if (st && st != IDT_STOPPED) return st;
	}
	if (any_term && sc->has_cas_terms && r->nev > from) drop_known_cas(r, 0);
	return IDT_OK;
}

IDT_API idt_status idt_scan(const idt_scanner *sc, idt_scratch *scratch, const idt_field *fields,
                            size_t nfields, idt_result **out)
{
	idt_result *r = *out;
	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r) return IDT_ENOMEM;
	} else {
		idt__result_clear(r);
	}
	scratch->nhits = 0;
	scratch->overflow = 0;
	idt_status st = IDT_OK;
	r->nfields = nfields;
	for (size_t i = 0; i < nfields && i < IDT_ARRAY_LEN(r->field_len); i++)
		r->field_len[i] = fields[i].len;
	for (size_t i = 0; i < nfields && !st; i++)
		st = scan_field(sc, scratch, &fields[i], (uint32_t)i, r);
	if (!st) st = scan_signals(sc, scratch, fields, nfields, r);
	if (!st) st = idt__scan_score(sc, r);
	if (st) {
		if (!*out)
			idt_result_free(r);
		else
			idt__result_clear(r);
		return st;
	}
	*out = r;
	return IDT_OK;
}

IDT_API void idt_result_free(idt_result *r)
{
	if (!r) return;
	idt__result_clear(r);
	free(r->ev);
	free(r->subs);
	free(r->weights);
	free(r->reasons);
	free(r);
}

IDT_API int idt_result_flagged(const idt_result *r)
{
	return r->flagged;
}

IDT_API double idt_result_score(const idt_result *r)
{
	return r->score;
}

IDT_API size_t idt_result_evidence_count(const idt_result *r)
{
	return r->nev;
}

IDT_API const idt_evidence *idt_result_evidence(const idt_result *r, size_t i)
{
	return i < r->nev ? &r->ev[i] : NULL;
}

IDT_API size_t idt_result_substance_count(const idt_result *r)
{
	return r->nsubs;
}

IDT_API uint32_t idt_result_substance(const idt_result *r, size_t i)
{
	return i < r->nsubs ? r->subs[i] : UINT32_MAX;
}

IDT_API unsigned idt_result_categories(const idt_result *r)
{
	return r->categories;
}

IDT_API size_t idt_result_reason_count(const idt_result *r)
{
	return r->nreasons;
}

IDT_API const char *idt_result_reason(const idt_result *r, size_t i)
{
	return i < r->nreasons ? r->reasons[i] : NULL;
}

IDT_API size_t idt_result_invalid_utf8(const idt_result *r)
{
	return r->invalid_utf8;
}
