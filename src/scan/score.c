/*
 * score.c - the scoring model: reads data/scoring/model.conf (weights and threshold, see the
 * comments there and docs/scoring.md) and turns a record's evidence into its verdict: which
 * substances count, the score, flagged, the categories and a reason line for every weight.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include "scan_int.h"

void idt__scan_model_default(scan_model *m)
{
	memset(m, 0, sizeof *m);
	m->threshold = 0.5;
	m->name_only_cap = 0.55;
	m->weak_needs_corroboration = 1;
	for (int k = 0; k < IDT_TERM_KIND_COUNT; k++) m->term_weight[k] = 0.5;
	m->weak_weight = 0.3;
	for (int k = 0; k < IDT_SIG_TYPE_COUNT; k++) m->signal_weight[k] = 0.2;
	m->signal_weight[IDT_SIG_URL] = 0.05;
	m->corroboration_needed = 1.0;
	m->near_bytes = 48;
	m->near_factor = 2.0;
	m->context_terms_needed = 2;
}

static int parse_weight(const char *v, size_t n, double *out)
{
	char buf[32];
	if (n == 0 || n >= sizeof buf) return 0;
	memcpy(buf, v, n);
	buf[n] = 0;
	char *end;
	double d = strtod(buf, &end);
	if (*end || !(d >= 0.0 && d <= 1e6)) return 0;
	*out = d;
	return 1;
}

/* Sets key to w; 0 for an unknown key or a weight outside 0..1 (near_* are not weights). */
static int set_key(scan_model *m, const char *k, size_t kn, double w)
{
	if (w > 1.0 && !(kn > 5 && memcmp(k, "near_", 5) == 0) &&
	    !(kn == 20 && memcmp(k, "context_terms_needed", 20) == 0))
		return 0;
#define KEY(s) (kn == strlen(s) && memcmp(k, s, kn) == 0)
	if (KEY("threshold"))
		m->threshold = w;
	else if (KEY("name_only_cap"))
		m->name_only_cap = w;
	else if (KEY("weak_needs_corroboration"))
		m->weak_needs_corroboration = w != 0.0;
	else if (KEY("term.weak"))
		m->weak_weight = w;
	else if (kn > 5 && memcmp(k, "term.", 5) == 0) {
		for (int t = 0; t < IDT_TERM_KIND_COUNT; t++)
			if (kn - 5 == strlen(idt_term_kind_name(t)) &&
			    memcmp(k + 5, idt_term_kind_name(t), kn - 5) == 0) {
				m->term_weight[t] = w;
				return 1;
			}
		return 0;
	} else if (KEY("near_bytes")) {
		m->near_bytes = (size_t)w;
		return 1;
	} else if (KEY("near_factor")) {
		m->near_factor = w;
		return 1;
	} else if (KEY("context_terms_needed")) {
		if (w < 1 || w > 16 || w != floor(w)) return 0;
		m->context_terms_needed = (size_t)w;
		return 1;
	} else if (KEY("corroborate.other_weak")) {
		m->other_weak = w;
	} else if (KEY("corroboration_needed")) {
		m->corroboration_needed = w;
	} else if (kn > 12 && memcmp(k, "corroborate.", 12) == 0) {
		idt_signal_type t = idt_signal_type_parse(k + 12, kn - 12);
		if (t == IDT_SIG_TYPE_COUNT) return 0;
		m->corroborate[t] = w;
	} else if (kn > 7 && memcmp(k, "signal.", 7) == 0) {
		idt_signal_type t = idt_signal_type_parse(k + 7, kn - 7);
		if (t == IDT_SIG_TYPE_COUNT) return 0;
		m->signal_weight[t] = w;
	} else
		return 0;
	return 1;
#undef KEY
}

idt_status idt__scan_model_load(scan_model *m, const char *text, size_t len, idt_error *err)
{
	size_t i = 0;
	uint64_t line = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *s = text + i;
		size_t n = end - i;
		line++;
		i = end + 1;
		const char *hash = memchr(s, '#', n);
		if (hash) n = (size_t)(hash - s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
		while (n && (*s == ' ' || *s == '\t')) s++, n--;
		if (!n) continue;
		const char *eq = memchr(s, '=', n);
		if (!eq) return idt__err(err, IDT_EPARSE, "expected 'key = value'", NULL, line, 0);
		size_t kn = (size_t)(eq - s);
		while (kn && (s[kn - 1] == ' ' || s[kn - 1] == '\t')) kn--;
		const char *v = eq + 1;
		size_t vn = n - (size_t)(v - s);
		while (vn && (*v == ' ' || *v == '\t')) v++, vn--;
		double w;
		if (!parse_weight(v, vn, &w))
			return idt__err(err, IDT_EPARSE,
			                "value must be a number (weights from 0 to 1)", NULL, line,
			                0);
		if (!set_key(m, s, kn, w))
			return idt__err(err, IDT_EPARSE, "unknown key", NULL, line, 0);
	}
	return IDT_OK;
}

/* ----- scoring -----------------------------------------------------------------------------------
 */

/* Signals that make a record about trafficking rather than talk (and corroborate weak terms). */
static int is_trafficking_signal(idt_signal_type t)
{
	switch (t) {
	case IDT_SIG_URL:
	case IDT_SIG_EMAIL:
	case IDT_SIG_WARNING:
	case IDT_SIG_CAS: return 0;
	default: return 1;
	}
}

static idt_status add_reason(idt_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static idt_status add_reason(idt_result *r, const char *fmt, ...)
{
	if (r->nreasons == r->capreasons) {
		size_t ncap = r->capreasons ? r->capreasons * 2 : 8;
		char **p = realloc(r->reasons, ncap * sizeof *p);
		if (!p) return IDT_ENOMEM;
		r->reasons = p;
		r->capreasons = ncap;
	}
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	r->reasons[r->nreasons] = idt__strndup(buf, strlen(buf));
	if (!r->reasons[r->nreasons]) return IDT_ENOMEM;
	r->nreasons++;
	return IDT_OK;
}

static idt_status add_substance(idt_result *r, uint32_t sub)
{
	for (size_t i = 0; i < r->nsubs; i++)
		if (r->subs[i] == sub) return IDT_OK;
	if (r->nsubs == r->capsubs) {
		size_t ncap = r->capsubs ? r->capsubs * 2 : 8;
		uint32_t *p = realloc(r->subs, ncap * sizeof *p);
		if (!p) return IDT_ENOMEM;
		r->subs = p;
		r->capsubs = ncap;
	}
	r->subs[r->nsubs++] = sub;
	return IDT_OK;
}

static double term_weight(const scan_model *m, const idt_term *t)
{
	return t->trust == IDT_TRUST_WEAK ? m->weak_weight : m->term_weight[t->kind];
}

/* A prescription-only medicine that no drug-control list names (control RX alone): its weak
 * names are corroborated by an offer (a price, a count of pills, shipping, a contact, "no
 * prescription"), not by its dose, which every patient and every health forum writes beside
 * the name ("Abilify 5mg"). */
static int rx_only(const idt_substance *s)
{
	if (!s->ncontrol) return 0;
	for (size_t k = 0; k < s->ncontrol; k++)
		if (strcmp(s->control[k], "RX") != 0) return 0;
	return 1;
}

/* The unit of a quantity value: the trade name in parentheses ("4 oz (QP)" -> "QP") or the
 * last word ("280 mcg" -> "mcg"); its length to *n. */
static const char *quantity_unit(const char *v, size_t *n)
{
	const char *open = strchr(v, '(');
	if (open) {
		const char *close = strchr(open, ')');
		*n = close ? (size_t)(close - open - 1) : strlen(open + 1);
		return open + 1;
	}
	const char *sp = strrchr(v, ' ');
	const char *u = sp ? sp + 1 : v;
	*n = strlen(u);
	return u;
}

/* A quantity that is a dose: "5 mg", "100 mcg", "10 ml", "5000 iu" (not a count of units,
 * "30 pills", nor "100 x 2 mg"). */
static int is_dose(const char *v)
{
	static const char *const dose[] = {"mg", "mcg", "ml", "mg/ml", "iu"};
	size_t n;
	const char *u = quantity_unit(v, &n);
	if (u == v || strstr(v, " x ")) return 0;
	for (size_t k = 0; k < IDT_ARRAY_LEN(dose); k++)
		if (strlen(dose[k]) == n && memcmp(dose[k], u, n) == 0) return 1;
	return 0;
}

/* Whether the record has a quantity in one of the substance's trade units (kb `units`): one
 * more context cue ("4 oz (QP)" for cannabis, "280 mcg" for LSD), counted once. */
static int has_trade_unit(const idt_substance *s, const idt_result *r)
{
	for (size_t k = 0; k < r->nev && s->nunits; k++) {
		const idt_evidence *e = &r->ev[k];
		if (e->kind != IDT_EV_SIGNAL || e->signal.type != IDT_SIG_QUANTITY) continue;
		size_t n;
		const char *u = quantity_unit(e->signal.value, &n);
		for (size_t j = 0; j < s->nunits; j++)
			if (strlen(s->units[j]) == n && strncasecmp(s->units[j], u, n) == 0)
				return 1;
	}
	return 0;
}

/* Whether two terms are one piece of evidence: the same term, or variants of one context cue. */
static int same_cue(const idt_kb *kb, uint32_t a, uint32_t b)
{
	if (a == b) return 1;
	uint32_t ca = idt_kb_term(kb, a)->cue;
	return ca && ca == idt_kb_term(kb, b)->cue;
}

/* Distance in bytes between two spans of one field (0 when they overlap). */
static size_t span_gap(const idt_evidence *a, const idt_evidence *b)
{
	if (a->end <= b->start) return b->start - a->end;
	if (b->end <= a->start) return a->start - b->end;
	return 0;
}

/* A signal is near a weak term when both are in one field within near_bytes of each other,
 * or when the signal stands in a short field (a title of at most 2 * near_bytes): a title
 * like "5G White Widow" speaks of the whole listing. */
static int is_near(const scan_model *m, const idt_result *r, const idt_evidence *sig,
                   const idt_evidence *weak)
{
	if (sig->field == weak->field && span_gap(sig, weak) <= m->near_bytes) return 1;
	return sig->field < IDT_ARRAY_LEN(r->field_len) && sig->field < r->nfields &&
	       r->field_len[sig->field] <= 2 * m->near_bytes;
}

/*
 * Whether weak evidence i is corroborated by drug-typical context: each signal type counts
 * once, with corroborate[type], multiplied by near_factor when a signal of that type stands
 * within near_bytes of the term in the same field ("ice 3.5g" is nearer to a drug than a
 * watch's "glass" and its weight "99g" lines apart).  A decisive term in the record also
 * corroborates (checked by the caller).
 */
static int corroborated(const scan_model *m, const idt_kb *kb, const idt_result *r, size_t i)
{
	if (!m->weak_needs_corroboration) return 1;
	const idt_evidence *w = &r->ev[i];
	double best[IDT_SIG_TYPE_COUNT] = {0};
	int rx = rx_only(idt_kb_substance(kb, w->substance));
	for (size_t k = 0; k < r->nev; k++) {
		const idt_evidence *e = &r->ev[k];
		if (e->kind != IDT_EV_SIGNAL) continue;
		if (rx && e->signal.type == IDT_SIG_QUANTITY && is_dose(e->signal.value)) continue;
		double c = m->corroborate[e->signal.type];
		if (is_near(m, r, e, w)) c *= m->near_factor;
		if (c > best[e->signal.type]) best[e->signal.type] = c;
	}
	double support = 0;
	for (int t = 0; t < IDT_SIG_TYPE_COUNT; t++) support += best[t];
	/* Other weak terms naming the same entity ("bud", "nugs", "indica") are independent
	 * cues: each distinct one adds corroborate.other_weak. */
	for (size_t k = 0; k < r->nev && m->other_weak > 0; k++) {
		const idt_evidence *e = &r->ev[k];
		if (e->kind != IDT_EV_SUBSTANCE || e->substance != w->substance ||
		    same_cue(kb, e->term, w->term))
			continue;
		int first = 1; /* count each distinct term (or cue) once */
		for (size_t j = 0; j < k && first; j++)
			first = !(r->ev[j].kind == IDT_EV_SUBSTANCE &&
			          same_cue(kb, r->ev[j].term, e->term));
		if (first) support += m->other_weak;
	}
	return support >= m->corroboration_needed - 1e-9;
}

/*
 * Whether context term i ("strain", "couch lock") may count at all: a context word names
 * nothing alone, so it needs a weak or decisive term of the same entity in the record, or
 * context_terms_needed distinct cues of it together ("strain" and "couch lock" point one way;
 * "indoor" and "outdoor", variants of one cue, do not make a garden-furniture listing cannabis).
 */
static int context_supported(const scan_model *m, const idt_kb *kb, const idt_result *r, size_t i)
{
	const idt_evidence *w = &r->ev[i];
	size_t ctx = 1 + has_trade_unit(idt_kb_substance(kb, w->substance), r);
	for (size_t k = 0; k < r->nev; k++) {
		const idt_evidence *e = &r->ev[k];
		if (e->kind != IDT_EV_SUBSTANCE || e->substance != w->substance ||
		    e->term == w->term)
			continue;
		const idt_term *t = idt_kb_term(kb, e->term);
		if (t->kind != IDT_TERM_CONTEXT) return 1;
		if (t->cue == idt_kb_term(kb, w->term)->cue)
			continue; /* a variant of the same cue */
		int first = 1;    /* count each distinct cue once */
		for (size_t j = 0; j < k && first; j++)
			first = !(r->ev[j].kind == IDT_EV_SUBSTANCE &&
			          r->ev[j].substance == w->substance &&
			          idt_kb_term(kb, r->ev[j].term)->cue == t->cue);
		ctx += first;
	}
	return ctx >= m->context_terms_needed;
}

/* Whether term evidence i counts: decisive terms always; weak ones when the record has a
 * decisive term or drug-typical context; context terms only beside other terms of their
 * entity, and then as weak ones. */
static int term_counts(const scan_model *m, const idt_kb *kb, const idt_result *r, size_t i,
                       int decisive)
{
	const idt_term *t = idt_kb_term(kb, r->ev[i].term);
	if (t->trust != IDT_TRUST_WEAK) return 1;
	if (t->kind == IDT_TERM_CONTEXT && !context_supported(m, kb, r, i)) return 0;
	return decisive || corroborated(m, kb, r, i);
}

idt_status idt__scan_score(const idt_scanner *sc, idt_result *r)
{
	const scan_model *m = &sc->model;
	const idt_kb *kb = sc->kb;
	int decisive = 0, trafficking = 0;
	for (size_t i = 0; i < r->nev; i++) {
		const idt_evidence *e = &r->ev[i];
		if (e->kind == IDT_EV_SUBSTANCE)
			decisive |= idt_kb_term(kb, e->term)->trust == IDT_TRUST_DECISIVE;
		else
			trafficking |= is_trafficking_signal(e->signal.type);
	}
	if (r->capweights < r->nev) {
		double *w = realloc(r->weights, r->nev * sizeof *w);
		if (!w) return IDT_ENOMEM;
		r->weights = w;
		r->capweights = r->nev;
	}
	/* Substances: each counts once, with its strongest term. */
	idt_status st = IDT_OK;
	double keep = 1.0;
	for (size_t i = 0; i < r->nev && !st; i++) {
		const idt_evidence *e = &r->ev[i];
		r->weights[i] = 0;
		if (e->kind != IDT_EV_SUBSTANCE) continue;
		const idt_term *t = idt_kb_term(kb, e->term);
		if (!term_counts(m, kb, r, i, decisive)) continue;
		double w = term_weight(m, t);
		int best = 1;
		for (size_t j = 0; j < r->nev && best; j++) {
			const idt_evidence *o = &r->ev[j];
			if (j == i || o->kind != IDT_EV_SUBSTANCE || o->substance != e->substance)
				continue;
			const idt_term *ot = idt_kb_term(kb, o->term);
			if (!term_counts(m, kb, r, j, decisive)) continue;
			double ow = term_weight(m, ot);
			if (ow > w || (ow == w && j < i)) best = 0;
		}
		st = add_substance(r, e->substance);
		if (st || !best) continue;
		r->weights[i] = w;
		keep *= 1.0 - w;
		const idt_substance *s = idt_kb_substance(kb, e->substance);
		st = add_reason(r, "%s %s '%s' names %s (%s): +%.2f",
		                t->kind == IDT_TERM_CONTEXT  ? "corroborated"
		                : t->trust == IDT_TRUST_WEAK ? "corroborated weak"
		                                             : "decisive",
		                idt_term_kind_name(t->kind), t->text, s->name,
		                idt_class_name(s->cls), w);
	}
	if (st) return st;
	/* Signals: each type counts once, and only when a substance is present. */
	unsigned seen = 0, cats = 0;
	for (size_t i = 0; i < r->nev && !st; i++) {
		const idt_evidence *e = &r->ev[i];
		if (e->kind != IDT_EV_SIGNAL) continue;
		idt_signal_type t = e->signal.type;
		switch (t) {
		case IDT_SIG_REQUEST: cats |= IDT_CAT_PURCHASE_REQUEST; break;
		case IDT_SIG_NO_RX: cats |= IDT_CAT_PHARMACY; break;
		case IDT_SIG_INSTRUCTIONS: cats |= IDT_CAT_INSTRUCTIONS; break;
		case IDT_SIG_WARNING: cats |= IDT_CAT_WARNING; break;
		case IDT_SIG_URL:
		case IDT_SIG_EMAIL:
		case IDT_SIG_CAS: break;
		default: cats |= IDT_CAT_OFFER; break;
		}
		if (!r->nsubs || (seen & (1u << t))) continue;
		seen |= 1u << t;
		double w = m->signal_weight[t];
		if (w <= 0) continue;
		r->weights[i] = w;
		keep *= 1.0 - w;
		st = add_reason(r, "signal %s '%s': +%.2f", idt_signal_type_name(t),
		                e->signal.value, w);
	}
	if (st) return st;
	double score = r->nsubs ? 1.0 - keep : 0.0;
	if (r->nsubs && !trafficking && score > m->name_only_cap) {
		score = m->name_only_cap;
		st = add_reason(r, "no trafficking signal: score capped at %.2f", m->name_only_cap);
	}
	/* A request or a warning is not an offer just because it names a quantity. */
	if (cats & (IDT_CAT_PURCHASE_REQUEST | IDT_CAT_WARNING | IDT_CAT_INSTRUCTIONS)) {
		int offer_words = 0;
		for (size_t i = 0; i < r->nev; i++)
			offer_words |= r->ev[i].kind == IDT_EV_SIGNAL &&
			               (r->ev[i].signal.type == IDT_SIG_OFFER ||
			                r->ev[i].signal.type == IDT_SIG_SHIPPING ||
			                r->ev[i].signal.type == IDT_SIG_WALLET);
		if (!offer_words) cats &= ~(unsigned)IDT_CAT_OFFER;
	}
	if (!r->nsubs)
		cats = 0;
	else if (!cats)
		cats = IDT_CAT_DISCUSSION;
	r->categories = cats;
	r->score = floor(score * 1000.0 + 0.5) / 1000.0;
	r->flagged = r->nsubs > 0 && r->score >= m->threshold;
	/* A record that names no substance needs no explanation (and most records name none). */
	if (!st && r->nsubs)
		st = add_reason(r, "score %.3f %s threshold %.2f", r->score,
		                r->flagged ? ">=" : "<", m->threshold);
	return st;
}

IDT_API const char *idt_category_name(unsigned bit)
{
	switch (bit) {
	case IDT_CAT_OFFER: return "offer";
	case IDT_CAT_PURCHASE_REQUEST: return "purchase-request";
	case IDT_CAT_PHARMACY: return "pharmacy";
	case IDT_CAT_INSTRUCTIONS: return "instructions";
	case IDT_CAT_WARNING: return "warning";
	case IDT_CAT_DISCUSSION: return "discussion";
	default: return NULL;
	}
}
