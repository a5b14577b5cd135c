/*
 * pharmacy.c - an internet pharmacy assessed in the spirit of the established criteria for
 * legitimate online pharmacies (NABP's .pharmacy and "Not Recommended" criteria, LegitScript's
 * healthcare merchant standards, the WHO's guidance on medicines sold over the internet).  It
 * is a triage aid, not a certification: it names the red flags seen on the site's pages.
 *
 *   red flag                                             weight  seen as
 *   ---------------------------------------------------- ------  ---------------------------
 *   prescription-only or controlled medicines offered      0.45  scanner no-prescription
 *   without a prescription                                       signals + substances with an
 *                                                                RX/WATCH or UN1961/UN1971/
 *                                                                national control entry
 *   (no-prescription language alone: 0.25; controlled
 *   medicines without it: 0.15)
 *   no verifiable address and no licence number            0.20  (one of them missing: 0.10)
 *   payment in cryptocurrency only                         0.20  wallet signals or crypto words,
 *                                                                no card payment words
 *   domain name built on pharma/pharm/rx/meds/pills        0.10  the host name
 *
 * Score = sum, at most 1.  Verdict: >= 0.6 likely-illegitimate, >= 0.3 suspicious, else
 * no-red-flags.  A site is assessed only if it offers medicines (or no-prescription language)
 * and presents itself as a pharmacy (pharmacy words in several languages, no-prescription
 * language, a pharmacy domain name); otherwise it is not-a-pharmacy (score 0).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include "watch/watch.h"

/* ----------------------------------------------------------------- text tests */

/* 1 if needle (lower case) occurs in the lower-cased text as a whole word (alnum bounds). */
static int has_word(const char *t, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++) {
		if (strncasecmp(t + i, needle, k)) continue;
		int lb = i == 0 || !isalnum((unsigned char)t[i - 1]);
		int rb = i + k == n || !isalnum((unsigned char)t[i + k]);
		if (lb && rb) return 1;
	}
	return 0;
}

static int any_word(const char *t, size_t n, const char *const *w)
{
	for (; *w; w++)
		if (has_word(t, n, *w)) return 1;
	return 0;
}

/* A cue word followed within 40 bytes by a run of at least 3 digits: a licence or
 * registration number. */
static int has_number_after(const char *t, size_t n, const char *const *cues)
{
	for (const char *const *c = cues; *c; c++) {
		size_t k = strlen(*c);
		for (size_t i = 0; i + k <= n; i++) {
			if (strncasecmp(t + i, *c, k)) continue;
			size_t run = 0;
			for (size_t j = i + k; j < n && j < i + k + 40; j++) {
				run = isdigit((unsigned char)t[j]) ? run + 1 : 0;
				if (run >= 3) return 1;
			}
		}
	}
	return 0;
}

/* A house number near a street word ("12 High Street", "Hauptstraße 5", "10 rue ..."). */
static int has_address(const char *t, size_t n)
{
	static const char *const streets[] = {"street", "road",    "avenue", "lane", "boulevard",
	                                      "straße", "strasse", "rue ",   "via ", "calle ",
	                                      "square", "drive",   NULL};
	for (const char *const *s = streets; *s; s++) {
		size_t k = strlen(*s);
		for (size_t i = 0; i + k <= n; i++) {
			if (strncasecmp(t + i, *s, k)) continue;
			size_t a = i > 30 ? i - 30 : 0, b = i + k + 30 < n ? i + k + 30 : n;
			for (size_t j = a; j < b; j++)
				if (isdigit((unsigned char)t[j])) return 1;
		}
	}
	return 0;
}

static void add_name(idt_pharmacy *p, const char *name)
{
	if (strstr(p->names, name)) return;
	size_t have = strlen(p->names), k = strlen(name);
	if (have + k + 3 >= sizeof p->names) return;
	if (have) strcat(p->names, ", ");
	strcat(p->names, name);
}

void idt_pharmacy_add(idt_pharmacy *p, const idt_kb *kb, const idt_result *res,
                      const idt_field *fields, size_t nfields)
{
	static const char *const card[] = {"visa",       "mastercard",       "credit card",
	                                   "debit card", "american express", "amex",
	                                   "paypal",     "maestro",          NULL};
	static const char *const crypto[] = {
	    "bitcoin",  "btc",    "monero",         "xmr", "usdt", "tether", "ethereum",
	    "litecoin", "crypto", "cryptocurrency", NULL};
	static const char *const licence[] = {
	    "licence", "license", "registration no", "registration number",
	    "reg. no", "gphc",    "pharmacy number", "nabp",
	    NULL};
	static const char *const shopfront[] = {"pharmacy",        "pharmacie", "apotheke",
	                                        "farmacia",        "drugstore", "chemist",
	                                        "online pharmacy", NULL};
	p->pages++;
	if (idt_result_categories(res) & IDT_CAT_PHARMACY) p->rx_category++;
	for (size_t f = 0; f < nfields; f++)
		if (any_word(fields[f].text, fields[f].len, shopfront)) p->presents = 1;
	for (size_t i = 0; i < idt_result_evidence_count(res); i++) {
		const idt_evidence *e = idt_result_evidence(res, i);
		if (e->kind != IDT_EV_SIGNAL) continue;
		if (e->signal.type == IDT_SIG_NO_RX) p->no_rx++;
		if (e->signal.type == IDT_SIG_WALLET) p->crypto++;
	}
	for (size_t i = 0; i < idt_result_substance_count(res); i++) {
		const idt_substance *s = idt_kb_substance(kb, idt_result_substance(res, i));
		if (!s) continue;
		int rx = 0, ctl = 0;
		for (size_t c = 0; c < s->ncontrol; c++) {
			const char *v = s->control[c];
			if (!strncmp(v, "RX", 2) || !strncmp(v, "WATCH", 5))
				rx = 1;
			else if (!strncmp(v, "UN1961", 6) || !strncmp(v, "UN1971", 6) ||
			         (strlen(v) > 3 && v[2] == ':'))
				ctl = 1;
		}
		p->rx_offered += rx;
		p->controlled += ctl;
		if (rx || ctl) add_name(p, s->name);
	}
	for (size_t f = 0; f < nfields; f++) {
		const char *t = fields[f].text;
		size_t n = fields[f].len;
		if (any_word(t, n, card)) p->card = 1;
		if (any_word(t, n, crypto)) p->crypto++;
		if (has_number_after(t, n, licence)) p->licence = 1;
		if (has_address(t, n)) p->address = 1;
	}
}

/* ----------------------------------------------------------------- verdict */

static int domain_flag(const char *host, char *why, size_t n)
{
	static const char *const stems[] = {"pharma", "pharm", "meds", "pills", "rx", NULL};
	char name[256];
	snprintf(name, sizeof name, "%s", host);
	char *dot = strrchr(name, '.');
	if (dot && !isdigit((unsigned char)dot[1]))
		*dot = 0; /* the top-level domain */
	else if (dot)
		return 0; /* an IP address */
	for (const char *const *s = stems; *s; s++)
		if (strstr(name, *s)) {
			snprintf(why, n, "domain name built on '%s': %s", *s, host);
			return 1;
		}
	return 0;
}

idt_status idt_pharmacy_assess(const idt_pharmacy *p, double *score, const char **verdict,
                               char **reasons_json)
{
	*reasons_json = NULL;
	char r[4][700];
	int nr = 0;
	double s = 0;
	int medicines = p->rx_offered || p->controlled;
	char dom[300];
	int domain = domain_flag(p->host, dom, sizeof dom);
	/* a site is assessed as a pharmacy when it offers medicines and presents itself as one
	 * (pharmacy words, no-prescription language, a pharmacy domain name) */
	if (!(medicines || p->no_rx) || !(p->presents || p->no_rx || domain)) {
		*score = 0;
		*verdict = "not-a-pharmacy";
		*reasons_json =
		    strdup("[\"no medicine offered by a site presenting itself as a pharmacy\"]");
		return *reasons_json ? IDT_OK : IDT_ENOMEM;
	}
	if (p->no_rx && medicines) {
		s += 0.45;
		snprintf(
		    r[nr++], sizeof r[0],
		    "prescription-only or controlled medicines offered without a prescription: "
		    "%s (%d no-prescription phrase%s)",
		    p->names, p->no_rx, p->no_rx == 1 ? "" : "s");
	} else if (p->no_rx) {
		s += 0.25;
		snprintf(r[nr++], sizeof r[0], "no-prescription language (%d phrase%s)", p->no_rx,
		         p->no_rx == 1 ? "" : "s");
	} else {
		s += 0.15;
		snprintf(r[nr++], sizeof r[0],
		         "prescription-only or controlled medicines offered: %s", p->names);
	}
	if (!p->licence && !p->address) {
		s += 0.2;
		snprintf(r[nr++], sizeof r[0],
		         "no verifiable address or licence number on the site");
	} else if (!p->licence) {
		s += 0.1;
		snprintf(r[nr++], sizeof r[0], "no licence or registration number on the site");
	} else if (!p->address) {
		s += 0.1;
		snprintf(r[nr++], sizeof r[0], "no postal address on the site");
	}
	if (p->crypto && !p->card) {
		s += 0.2;
		snprintf(r[nr++], sizeof r[0], "payment in cryptocurrency only (no card payment)");
	}
	if (domain) {
		s += 0.1;
		snprintf(r[nr++], sizeof r[0], "%s", dom);
	}
	if (s > 1) s = 1;
	s = (double)(long)(s * 100 + 0.5) / 100; /* two decimals, as reported */
	*score = s;
	*verdict = s >= 0.6 ? "likely-illegitimate" : s >= 0.3 ? "suspicious" : "no-red-flags";
	json_t *arr = json_array();
	for (int i = 0; arr && i < nr; i++) json_array_append_new(arr, json_string(r[i]));
	*reasons_json = arr ? json_dumps(arr, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(arr);
	return *reasons_json ? IDT_OK : IDT_ENOMEM;
}
