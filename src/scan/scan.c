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
 */
#include <stdio.h>
#include <stdlib.h>
#include "scan_int.h"

#define MAX_PER_PATTERN 4   /* evidence kept per pattern and field; more occurrences add nothing */
#define MAX_EVIDENCE    512 /* evidence kept per record */

/* ----- raw matches -----------------------------------------------------------------------------
 */

/* In the camel-case pass, how many inserted spaces precede padded position v. */
static size_t inserted_before(const idt_scratch *s, size_t v)
{
	size_t k = 0;
	while (k < s->nins && s->ins[k] + 1 + k < v) k++;
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
	 * spaces inserted before (camel-case pass). */
	size_t end = (size_t)to - pt->trail, start = end - pt->len;
	h->start = start - 1 - inserted_before(s, start);
	h->end = h->start + pt->len;
	h->dropped = 0;
	return 0;
}

/* The text must repeat each letter at least as often as the term does ("weed" needs "ee"). */
static int runs_ok(const scan_pattern *pt, const idt_norm *norm, size_t start)
{
	if (!pt->need_runs) return 1;
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
	e.signal = *sig;
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

/* Scans ' ' + folded + ' ' (spaces inserted at s->ins when s->nins > 0): the compiled literals
 * carry their token-boundary spaces, so only whole tokens match. */
static idt_status scan_padded(const idt_scanner *sc, idt_scratch *s, const char *ft, size_t flen)
{
	if (pad_reserve(s, flen + s->nins + 2)) return IDT_ENOMEM;
	char *w = s->pad;
	size_t from = 0;
	*w++ = ' ';
	for (size_t k = 0; k < s->nins; k++) {
		memcpy(w, ft + from, s->ins[k] - from);
		w += s->ins[k] - from;
		*w++ = ' ';
		from = s->ins[k];
	}
	memcpy(w, ft + from, flen - from);
	w += flen - from;
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

/*
 * Sellers glue words in camel case ("ChemKush", "BuyFentanylNow"): where the ORIGINAL has an
 * ASCII lower-case letter followed by an upper-case one inside a token, a second pass scans
 * the text with a space inserted there.  Collects those folded positions in s->ins; returns
 * how many ("XaNaX" has some too, but its whole-word match came in the first pass).
 */
static size_t camel_points(idt_scratch *s, const char *orig, size_t olen, const char *ft,
                           size_t flen)
{
	s->nins = 0;
	for (size_t o = 1; o < olen; o++) {
		if (!(orig[o] >= 'A' && orig[o] <= 'Z' && orig[o - 1] >= 'a' && orig[o - 1] <= 'z'))
			continue;
		size_t p = folded_at(s->norm, flen, o), os, oe;
		if (p == 0 || p >= flen || ft[p - 1] == ' ' || ft[p] == ' ') continue;
		idt_norm_span(s->norm, p, p + 1, &os, &oe);
		if (os != o || (s->nins && s->ins[s->nins - 1] >= p)) continue;
		if (s->nins == s->capins) {
			size_t cap = s->capins ? s->capins * 2 : 16;
			size_t *q = realloc(s->ins, cap * sizeof *q);
			if (!q) break; /* fewer camel-case splits; nothing else is lost */
			s->ins = q;
			s->capins = cap;
		}
		s->ins[s->nins++] = p;
	}
	return s->nins;
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
		st = scan_padded(sc, s, ft, flen);
		if (!st && camel_points(s, f->text, f->len, ft, flen))
			st = scan_padded(sc, s, ft, flen);
		s->nins = 0;
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
	resolve_same_span(sc, s->hits + from, s->nhits - from);
	resolve_nested(sc, s->hits + from, s->nhits - from);
	return hits_to_evidence(sc, s, r, from);
}

/* The structured signals of every field (after all terms, so that IDT_SCAN_LAZY_SIGNALS can
 * skip records without any), minus CAS numbers the knowledge base already named. */
static idt_status scan_signals(const idt_scanner *sc, const idt_field *fields, size_t nfields,
                               idt_result *r)
{
	int any_term = 0;
	for (size_t i = 0; i < r->nev && !any_term; i++)
		any_term = r->ev[i].kind == IDT_EV_SUBSTANCE;
	if ((sc->flags & IDT_SCAN_LAZY_SIGNALS) && !any_term) return IDT_OK;
	size_t from = r->nev;
	for (size_t i = 0; i < nfields; i++) {
		sig_ctx c = {r, (uint32_t)i, IDT_OK};
		idt_status st = idt_signals_extract(fields[i].text, fields[i].len, on_signal, &c);
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
	if (!st) st = scan_signals(sc, fields, nfields, r);
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
