/*
 * contact.c - ways to reach a seller, found in the original text: messenger handles, phone
 * numbers, e-mail addresses, URLs, onion addresses, and the long tokens that may be wallets.
 *
 * Contacts are keyword-driven: a handle counts only after the name of its service
 * ("telegram: @name", "wickr me: name", "threema ABCD1234"), or in the service's own link
 * (t.me/name, telegram.me/name, wa.me/447700900123).  After a keyword, a "strong" separator
 * (':' '-' '=' '>' '|', the words "me" or "id", or an '@' before the handle) lets any handle
 * through; with only spaces between, the handle must contain a digit or '_' ("wickr is down"
 * is no handle, "wickr dr_white" is).  "tg", "snap" and "sc" always need a strong separator.
 *
 *   service    handle                                      value
 *   telegram   @?[A-Za-z][A-Za-z0-9_]{4,31}                "telegram:@name"
 *              t.me/+HASH, t.me/joinchat/HASH (invites)    "telegram:+HASH" (case kept)
 *   wickr      [A-Za-z0-9_.-]{3,32}                        "wickr:name"
 *   signal     name.NN username, or a phone number         "signal:name.01", "signal:+44..."
 *   whatsapp   a phone number, wa.me/NUMBER                "whatsapp:+447700900123"
 *   viber      a phone number                              "viber:+..."
 *   threema    8 characters [A-Z0-9*]                      "threema:abcd1234"
 *   session    66 hex digits starting 05 (no keyword)      "session:05..."
 *   snapchat   [A-Za-z][A-Za-z0-9._-]{2,14}                "snapchat:name"
 *   kik        [A-Za-z0-9._]{2,20}                         "kik:name"
 *   discord    [A-Za-z0-9._]{2,32}, optional #NNNN         "discord:name#1234"
 *   wechat     [A-Za-z][A-Za-z0-9_-]{5,19}, or a phone     "wechat:name"
 *   icq        5-10 digits                                 "icq:123456789"
 *
 * Handles are lower-cased.  A contact naming a phone number is followed by a phone signal for
 * the number itself.
 *
 * Phone numbers (value E.164): "+CC ..." anywhere; "00CC ..." and bare "CC..." digits after a
 * cue word (tel, phone, call, text, sms, mobile, cell, telefon(e/o), or a messenger name); North
 * American "(NXX) NXX-XXXX" anywhere and "NXX-NXX-XXXX" after a cue, as +1.  A national number
 * without a country code ("07700 900123") names no country and is not reported.
 *
 * URLs: http:// https:// and www. forms; value lower-case scheme and host, default port
 * dropped, fragment dropped, "/" for an empty path.  A URL whose host is a v3 onion with a bad
 * checksum is not reported at all; a good one is also reported as an onion.  v2 onions (16
 * characters, no checksum, retired) are reported as URLs only, bare or not.
 */
#include <string.h>
#include "signals_int.h"

/* A small value builder: appends, truncating at 127 bytes. */
typedef struct val {
	char v[128];
	size_t n;
} val;

static void vput(val *v, const char *p, size_t n)
{
	if (n > sizeof v->v - 1 - v->n) n = sizeof v->v - 1 - v->n;
	memcpy(v->v + v->n, p, n);
	v->n += n;
}

static void vputs(val *v, const char *p)
{
	vput(v, p, strlen(p));
}

/* Appends s[a..b), lower-cased. */
static void vlower(val *v, const idt__sx *x, size_t a, size_t b)
{
	for (size_t k = a; k < b && v->n < sizeof v->v - 1; k++)
		v->v[v->n++] = (char)idt__lower(x->s[k]);
}

/* ------------------------------------------------------------------------------------------
 * Phone numbers
 * ------------------------------------------------------------------------------------------ */

/* Skips what may separate two digit groups: ')' , one of " -./", '('; returns p if nothing. */
static size_t group_sep(const idt__sx *x, size_t p)
{
	size_t q = p;
	if (idt__at(x, q) == ')') q++;
	int c = idt__at(x, q);
	if (c == ' ' || c == '-' || c == '.' || c == '/') q++;
	if (idt__at(x, q) == '(') q++;
	return q;
}

bool idt__sx_phone(const idt__sx *x, size_t p, bool need_prefix, size_t *end, char *e164)
{
	char d[16];
	size_t n = 0, best_n = 0, best_end = 0, q = p;
	bool intl = false;
	if (idt__at(x, q) == '+') {
		q++;
		intl = true;
	} else if (idt__at(x, q) == '0' && idt__at(x, q + 1) == '0') {
		q += 2;
		intl = true;
		if (idt__at(x, q) == ' ' || idt__at(x, q) == '-') q++;
	}
	if (need_prefix && !intl) return false;
	while (idt__digit(idt__at(x, q))) {
		while (idt__digit(idt__at(x, q))) {
			if (n == 15) goto done; /* 16 digits: no phone number this long */
			d[n++] = (char)x->s[q++];
		}
		if (idt__alpha(idt__at(x, q))) break; /* "2mg": this group is no part of it */
		if (idt__phone_check(d, n)) {
			best_n = n;
			best_end = q;
		}
		size_t r = q, t = q;
		if (idt__at(x, t) == ' ') t++;
		if (idt__sx_prefix(x, t, "(0)")) {
			r = t + 3; /* a trunk prefix written after the country code */
			if (idt__at(x, r) == ' ') r++;
		} else {
			r = group_sep(x, q);
			if (r - q > 3) break;
		}
		if (r == q) break;
		q = r;
	}
done:
	if (!best_n) return false;
	e164[0] = '+';
	memcpy(e164 + 1, d, best_n);
	e164[best_n + 1] = 0;
	*end = best_end;
	return true;
}

/* "NXX?NXX?XXXX" with one separator kind (or "(NXX) NXX-XXXX" if paren): a North American
 * number; "+1..." goes to e164, the end to *end. */
static bool nanp(const idt__sx *x, size_t p, bool paren, size_t *end, char *e164)
{
	char d[11] = "1";
	size_t q = p, n = 1;
	if (paren && idt__at(x, q++) != '(') return false;
	for (int g = 0; g < 3; g++) {
		int len = g == 2 ? 4 : 3;
		if (g == 0 && !idt__digit(idt__at(x, q))) return false;
		for (int k = 0; k < len; k++, q++) {
			if (!idt__digit(idt__at(x, q))) return false;
			d[n++] = (char)x->s[q];
		}
		if (g == 0 && paren) {
			if (idt__at(x, q++) != ')') return false;
			if (idt__at(x, q) == ' ') q++;
		} else if (g < 2) {
			int c = idt__at(x, q);
			if (c != '-' && c != '.' && c != ' ') return false;
			if (g == 0 && !paren && c != idt__at(x, q + 4)) return false;
			q++;
		}
	}
	/* area code and exchange start with 2-9 */
	if (d[1] < '2' || d[4] < '2' || idt__alnum(idt__at(x, q))) return false;
	memcpy(e164, "+", 1);
	memcpy(e164 + 1, d, 11);
	e164[12] = 0;
	*end = q;
	return true;
}

size_t idt__contact_plus(idt__sx *x, size_t i)
{
	char e164[20];
	size_t end;
	if (i > 0 && (idt__alnum(x->s[i - 1]) || x->s[i - 1] == '+')) return 0;
	if (!idt__digit(idt__at(x, i + 1))) return 0;
	if (!idt__sx_phone(x, i, true, &end, e164)) return 0;
	idt__sx_emit(x, IDT_SIG_PHONE, i, end, e164, strlen(e164));
	return end;
}

size_t idt__contact_paren(idt__sx *x, size_t i)
{
	char e164[20];
	size_t end;
	if (i > 0 && idt__alnum(x->s[i - 1])) return 0;
	if (!nanp(x, i, true, &end, e164)) return 0;
	idt__sx_emit(x, IDT_SIG_PHONE, i, end, e164, strlen(e164));
	return end;
}

/* ------------------------------------------------------------------------------------------
 * E-mail
 * ------------------------------------------------------------------------------------------ */

static bool local_char(int c)
{
	return idt__alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* Domain labels from p: returns the end of the last good label of a name with at least two
 * labels and an alphabetic top-level label of 2+ letters, or 0. */
static size_t domain_end(const idt__sx *x, size_t p)
{
	size_t q = p, good = 0;
	int labels = 0;
	for (;;) {
		size_t a = q;
		while (idt__alnum(idt__at(x, q)) || idt__at(x, q) == '-') q++;
		if (q == a || q - a > 63 || x->s[a] == '-' || x->s[q - 1] == '-') break;
		labels++;
		bool alpha = q - a >= 2;
		for (size_t k = a; k < q && alpha; k++) alpha = idt__alpha(x->s[k]);
		if (labels >= 2 && alpha) good = q;
		if (idt__at(x, q) != '.' || !idt__alnum(idt__at(x, q + 1))) break;
		q++;
	}
	return good;
}

size_t idt__contact_email(idt__sx *x, size_t i)
{
	size_t p = i;
	while (p - i <= 64 && local_char(idt__at(x, p))) p++;
	if (idt__at(x, p) != '@' || p - i > 64 || x->s[p - 1] == '.') return 0;
	size_t end = domain_end(x, p + 1);
	if (!end) return 0;
	val v = {.n = 0};
	vlower(&v, x, i, end);
	idt__sx_emit(x, IDT_SIG_EMAIL, i, end, v.v, v.n);
	return end;
}

/* ------------------------------------------------------------------------------------------
 * URLs and onions
 * ------------------------------------------------------------------------------------------ */

static bool path_char(int c)
{
	return c > 0x20 && c < 0x7f && !strchr("<>\"`{}|\\^", c);
}

static size_t telegram_link(idt__sx *x, size_t start, size_t p);
static size_t whatsapp_link(idt__sx *x, size_t start, size_t p);

/* A URL at i: scheme word [i, we) followed by "://", or "www." when www.  Returns its end. */
static size_t url(idt__sx *x, size_t i, size_t we, bool www)
{
	size_t h = www ? i : we + 3;
	if (!www && !idt__sx_prefix(x, we, "://")) return 0;
	if (www && idt__at(x, we) != '.') return 0;
	size_t he = h;
	while (idt__alnum(idt__at(x, he)) || idt__at(x, he) == '-' || idt__at(x, he) == '.') he++;
	size_t q = he;
	while (he > h && x->s[he - 1] == '.') he--; /* "see www.example.com." */
	if (domain_end(x, h) != he) {
		/* not a domain name: a v2/v3 onion still is ("xxx.onion" passes), IPs are not */
		return 0;
	}
	/* onion host: the label before ".onion" */
	size_t ol = 0, oa = he;
	if (he - h > 6 && idt__sx_eq(x, he - 6, he, ".onion")) {
		oa = he - 6;
		while (oa > h && x->s[oa - 1] != '.') oa--;
		ol = he - 6 - oa;
		if (ol == 56 && !idt_onion_valid((const char *)x->s + oa, ol)) return q;
	}
	/* port */
	size_t port_a = 0, port_b = 0;
	if (q == he && idt__at(x, q) == ':' && idt__digit(idt__at(x, q + 1))) {
		port_a = ++q;
		while (idt__digit(idt__at(x, q)) && q - port_a < 6) q++;
		port_b = q;
	} else {
		q = he;
	}
	/* path, query, fragment */
	size_t pa = q, frag = 0;
	if (idt__at(x, q) == '/' || idt__at(x, q) == '?' || idt__at(x, q) == '#') {
		int depth = 0;
		while (path_char(idt__at(x, q))) {
			if (x->s[q] == '(') depth++;
			if (x->s[q] == ')') depth--;
			q++;
		}
		while (q > pa) {
			int c = x->s[q - 1];
			if (c == ')' && depth < 0)
				depth++;
			else if (!strchr(".,;:!?'\"]", c))
				break;
			q--;
		}
	}
	for (size_t k = pa; k < q; k++)
		if (x->s[k] == '#') {
			frag = k;
			break;
		}
	bool https = !www && we - i == 5;
	val v = {.n = 0};
	vputs(&v, https ? "https://" : "http://");
	vlower(&v, x, h, he);
	if (port_b > port_a) {
		bool dflt = idt__sx_eq(x, port_a, port_b, https ? "443" : "80");
		if (!dflt) {
			vput(&v, ":", 1);
			vput(&v, (const char *)x->s + port_a, port_b - port_a);
		}
	}
	size_t pe = frag ? frag : q;
	if (pe == pa || x->s[pa] != '/') vput(&v, "/", 1);
	vput(&v, (const char *)x->s + pa, pe - pa);
	if (idt__sx_emit(x, IDT_SIG_URL, i, q, v.v, v.n)) return q;
	if (ol == 56) {
		val o = {.n = 0};
		vlower(&o, x, oa, he);
		if (idt__sx_emit(x, IDT_SIG_ONION, oa, he, o.v, o.n)) return q;
	}
	/* a messenger's own link inside the URL */
	size_t hs = h;
	if (idt__sx_prefix(x, hs, "www.")) hs += 4;
	if (idt__sx_eq(x, hs, he, "t.me") || idt__sx_eq(x, hs, he, "telegram.me") ||
	    idt__sx_eq(x, hs, he, "telegram.dog")) {
		if (idt__at(x, he) == '/') telegram_link(x, hs, he + 1);
	} else if (idt__sx_eq(x, hs, he, "wa.me")) {
		if (idt__at(x, he) == '/') whatsapp_link(x, hs, he + 1);
	}
	return q;
}

size_t idt__contact_long(idt__sx *x, size_t i, size_t we)
{
	size_t n = we - i;
	const char *chain = NULL;
	if ((n == 56 || n == 16) && idt__sx_prefix(x, we, ".onion") &&
	    !idt__alnum(idt__at(x, we + 6))) {
		val v = {.n = 0};
		if (n == 56) {
			if (!idt_onion_valid((const char *)x->s + i, n)) return we + 6;
			vlower(&v, x, i, we + 6);
			idt__sx_emit(x, IDT_SIG_ONION, i, we + 6, v.v, v.n);
		} else {
			vputs(&v, "http://");
			vlower(&v, x, i, we + 6);
			vput(&v, "/", 1);
			idt__sx_emit(x, IDT_SIG_URL, i, we + 6, v.v, v.n);
		}
		return we + 6;
	}
	if (n == 66 && x->s[i] == '0' && x->s[i + 1] == '5') {
		size_t k = i;
		while (k < we && (idt__digit(x->s[k]) ||
		                  (idt__lower(x->s[k]) >= 'a' && idt__lower(x->s[k]) <= 'f')))
			k++;
		if (k == we) {
			val v = {.n = 0};
			vputs(&v, "session:");
			vlower(&v, x, i, we);
			idt__sx_emit(x, IDT_SIG_CONTACT, i, we, v.v, v.n);
			return we;
		}
	}
	if (n >= 26 && n <= 106 && idt_wallet_valid((const char *)x->s + i, n, &chain)) {
		val v = {.n = 0};
		vputs(&v, chain);
		vput(&v, ":", 1);
		/* hex and bech32 are case-insensitive: one spelling per address */
		if (x->s[i] == '0' || idt__sx_prefix(x, i, "bc1") || idt__sx_prefix(x, i, "ltc1"))
			vlower(&v, x, i, we);
		else
			vput(&v, (const char *)x->s + i, n);
		idt__sx_emit(x, IDT_SIG_WALLET, i, we, v.v, v.n);
		return we;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * Messenger handles
 * ------------------------------------------------------------------------------------------ */

/* Emits a contact "svc:" + value over [a, b), then, for a phone, the phone over [pa, b). */
static void emit_contact_phone(idt__sx *x, const char *svc, size_t a, size_t pa, size_t b,
                               const char *e164)
{
	val v = {.n = 0};
	vputs(&v, svc);
	vput(&v, ":", 1);
	vputs(&v, e164);
	if (idt__sx_emit(x, IDT_SIG_CONTACT, a, b, v.v, v.n)) return;
	idt__sx_emit(x, IDT_SIG_PHONE, pa, b, e164, strlen(e164));
}

/* t.me/NAME, t.me/+HASH, t.me/joinchat/HASH at p (after the '/'); contact over [start, end). */
static size_t telegram_link(idt__sx *x, size_t start, size_t p)
{
	val v = {.n = 0};
	vputs(&v, "telegram:");
	bool invite = false;
	if (idt__at(x, p) == '+')
		invite = true, p++;
	else if (idt__sx_prefix(x, p, "joinchat/"))
		invite = true, p += 9;
	else if (idt__sx_prefix(x, p, "s/"))
		p += 2; /* the channel preview page */
	size_t q = p;
	while (idt__alnum(idt__at(x, q)) || idt__at(x, q) == '_' ||
	       (invite && idt__at(x, q) == '-'))
		q++;
	if (invite) {
		if (q - p < 10 || q - p > 64) return 0;
		vput(&v, "+", 1);
		vput(&v, (const char *)x->s + p, q - p); /* invite hashes are case-sensitive */
	} else {
		if (q - p < 5 || q - p > 32 || !idt__alpha(x->s[p])) return 0;
		vput(&v, "@", 1);
		vlower(&v, x, p, q);
	}
	idt__sx_emit(x, IDT_SIG_CONTACT, start, q, v.v, v.n);
	return q;
}

/* wa.me/NUMBER at p (after the '/'). */
static size_t whatsapp_link(idt__sx *x, size_t start, size_t p)
{
	char e164[20];
	size_t end;
	if (!idt__digit(idt__at(x, p))) return 0;
	if (!idt__sx_phone(x, p, false, &end, e164)) return 0;
	emit_contact_phone(x, "whatsapp", start, p, end, e164);
	return end;
}

typedef struct service {
	const char *name;  /* value prefix */
	const char *extra; /* handle characters besides ASCII letters and digits */
	int minl, maxl;    /* handle length, characters */
	bool letter_first; /* the handle starts with a letter */
	bool phone;        /* a phone number may stand for the handle */
	bool handle;       /* a handle may follow (else phone only) */
	bool need_strong;  /* a bare space is not enough of a separator */
	bool at;           /* the value keeps an '@' before the handle */
} service;

static const service *service_of(int kind)
{
	static const service tg = {"telegram", "_", 5, 32, true, true, true, false, true};
	static const service tg_short = {"telegram", "_", 5, 32, true, true, true, true, true};
	static const service wickr = {"wickr", "_.-", 3, 32, false, false, true, false, false};
	static const service sig = {"signal", "_.", 5, 35, true, true, true, false, false};
	static const service wa = {"whatsapp", "", 0, 0, false, true, false, false, false};
	static const service viber = {"viber", "", 0, 0, false, true, false, false, false};
	static const service threema = {"threema", "*", 8, 8, false, false, true, false, false};
	static const service snapchat = {"snapchat", "._-", 3, 15, true, false, true, false, false};
	static const service snap = {"snapchat", "._-", 3, 15, true, false, true, true, false};
	static const service kik = {"kik", "._", 2, 20, false, false, true, false, false};
	static const service discord = {"discord", "._#", 2, 37, false, false, true, false, false};
	static const service wechat = {"wechat", "_-", 6, 20, true, true, true, false, false};
	static const service icq = {"icq", "", 5, 10, false, false, true, false, false};
	switch (kind) {
	case IDT__KW_TELEGRAM: return &tg;
	case IDT__KW_TG: return &tg_short;
	case IDT__KW_WICKR: return &wickr;
	case IDT__KW_SIGNAL: return &sig;
	case IDT__KW_WHATSAPP: return &wa;
	case IDT__KW_VIBER: return &viber;
	case IDT__KW_THREEMA: return &threema;
	case IDT__KW_SNAPCHAT: return &snapchat;
	case IDT__KW_SNAP: return &snap;
	case IDT__KW_KIK: return &kik;
	case IDT__KW_DISCORD: return &discord;
	case IDT__KW_WECHAT: return &wechat;
	case IDT__KW_ICQ: return &icq;
	default: return NULL;
	}
}

/* Skips the separator after a keyword; *strong tells whether it was more than spaces. */
static size_t after_keyword(const idt__sx *x, size_t p, bool *strong)
{
	*strong = false;
	p = idt__sx_spaces(x, p, 3);
	/* at most two separator characters: "snap ------- ignore" is a rule, not a handle */
	for (int k = 0; k < 3; k++) {
		int c = idt__at(x, p);
		bool fw = c == 0xEF && idt__at(x, p + 1) == 0xBC && idt__at(x, p + 2) == 0x9A;
		if (!fw && c != ':' && c != '-' && c != '=' && c != '>' && c != '|') break;
		if (k == 2) return x->len; /* nothing can follow at the end of the text */
		p += fw ? 3 : 1;           /* U+FF1A full-width colon */
		*strong = true;
		p = idt__sx_spaces(x, p, 3);
	}
	size_t w = idt__sx_word_end(x, p);
	if (idt__sx_eq(x, p, w, "me") || idt__sx_eq(x, p, w, "id")) {
		*strong = true;
		p = idt__sx_spaces(x, w, 3);
		for (int k = 0; k < 2 && (idt__at(x, p) == ':' || idt__at(x, p) == '-'); k++)
			p = idt__sx_spaces(x, p + 1, 3);
		w = idt__sx_word_end(x, p);
	}
	/* one filler word: "whatsapp me on +44...", "my wickr is dr_white" */
	if (idt__at(x, w) == ' ' && (idt__sx_eq(x, p, w, "on") || idt__sx_eq(x, p, w, "at") ||
	                             idt__sx_eq(x, p, w, "via") || idt__sx_eq(x, p, w, "is")))
		p = idt__sx_spaces(x, w, 3);
	return p;
}

/* A handle for service sv at p; returns its end or 0. */
static size_t handle_end(const idt__sx *x, const service *sv, size_t p, bool strong)
{
	size_t q = p;
	bool marked = false;
	while (idt__alnum(idt__at(x, q)) ||
	       (idt__at(x, q) > 0 && strchr(sv->extra, idt__at(x, q)) != NULL)) {
		if (!idt__alpha(x->s[q])) marked = true;
		q++;
	}
	while (q > p && (x->s[q - 1] == '.' || x->s[q - 1] == '-' || x->s[q - 1] == '#')) q--;
	if ((int)(q - p) < sv->minl || (int)(q - p) > sv->maxl) return 0;
	if (sv->letter_first && !idt__alpha(x->s[p])) return 0;
	if (sv == service_of(IDT__KW_SIGNAL)) {
		/* Signal usernames end in a dot and at least two digits: name.01 */
		size_t d = q;
		while (d > p && idt__digit(x->s[d - 1])) d--;
		if (q - d < 2 || d - 1 <= p || x->s[d - 1] != '.') return 0;
		return q;
	}
	if (sv == service_of(IDT__KW_ICQ)) {
		for (size_t k = p; k < q; k++)
			if (!idt__digit(x->s[k])) return 0; /* ICQ numbers are digits */
		return q;
	}
	if (sv == service_of(IDT__KW_THREEMA)) {
		for (size_t k = p; k < q; k++)
			if (x->s[k] >= 'a' && x->s[k] <= 'z') return 0; /* IDs are upper case */
		return q;
	}
	if (!strong && !marked) return 0;
	return q;
}

static size_t messenger(idt__sx *x, size_t i, size_t we, int kind)
{
	const service *sv = service_of(kind);
	bool strong;
	size_t p = after_keyword(x, we, &strong), end;
	char e164[20];
	if (idt__at(x, p) == '@' && sv->handle) {
		strong = true;
		p++;
	}
	if (sv->need_strong && !strong) return 0;
	if (sv->phone && (idt__at(x, p) == '+' || idt__digit(idt__at(x, p)))) {
		if (!idt__sx_phone(x, p, false, &end, e164)) return 0;
		emit_contact_phone(x, sv->name, i, p, end, e164);
		return end;
	}
	if (!sv->handle || !(end = handle_end(x, sv, p, strong))) return 0;
	val v = {.n = 0};
	vputs(&v, sv->name);
	vput(&v, sv->at ? ":@" : ":", sv->at ? 2 : 1);
	vlower(&v, x, p, end);
	idt__sx_emit(x, IDT_SIG_CONTACT, i, end, v.v, v.n);
	return end;
}

/* A phone number after a cue word ("tel: 447700900123", "call 555-123-4567"). */
static size_t phone_cue(idt__sx *x, size_t we)
{
	bool strong;
	char e164[20];
	size_t p = we, end;
	if (idt__at(x, p) == '.') p++; /* "tel." */
	p = after_keyword(x, p, &strong);
	size_t w = idt__sx_word_end(x, p);
	if (idt__sx_eq(x, p, w, "no") || idt__sx_eq(x, p, w, "nr") ||
	    idt__sx_eq(x, p, w, "number")) {
		p = w + (idt__at(x, w) == '.');
		p = after_keyword(x, p, &strong);
	}
	if (idt__at(x, p) == '#') p = idt__sx_spaces(x, p + 1, 2);
	if (idt__at(x, p) == '+') return 0; /* the '+' trigger handles it */
	if (!idt__digit(idt__at(x, p)) && idt__at(x, p) != '(') return 0;
	/* the North American shapes first: "571-278-0418" is not +57 */
	if (!nanp(x, p, false, &end, e164) && !nanp(x, p, true, &end, e164) &&
	    !idt__sx_phone(x, p, false, &end, e164))
		return 0;
	idt__sx_emit(x, IDT_SIG_PHONE, p, end, e164, strlen(e164));
	return end;
}

size_t idt__contact_word(idt__sx *x, size_t i, size_t we, int kind)
{
	switch (kind) {
	case IDT__KW_HTTP: return url(x, i, we, false);
	case IDT__KW_WWW: return url(x, i, we, true);
	case IDT__KW_T:
		if (idt__sx_prefix(x, we, ".me/")) return telegram_link(x, i, we + 4);
		return 0;
	case IDT__KW_WA:
		if (idt__sx_prefix(x, we, ".me/")) return whatsapp_link(x, i, we + 4);
		return 0;
	case IDT__KW_PHONE: return phone_cue(x, we);
	case IDT__KW_TELEGRAM:
		if (idt__sx_prefix(x, we, ".me/")) return telegram_link(x, i, we + 4);
		if (idt__sx_prefix(x, we, ".dog/")) return telegram_link(x, i, we + 5);
		return messenger(x, i, we, kind);
	default: return messenger(x, i, we, kind);
	}
}

/* Cue words in other scripts for an "@handle" after them: Telegram in Russian and Ukrainian
 * (and its slang), Chinese ("电报", and "飞机" - "aeroplane" - for its logo), Arabic, Persian. */
static const char *const telegram_cues[] = {
    "телеграм", "Телеграм", "телеграмм", "Телеграмм", "телеграме", "телеге",
    "телега",   "Телега",   "тг",        "ТГ",        "Тг",        "телеграмі",
    "电报",     "飞机",     "تلغرام",    "تليجرام",   "تلگرام",    NULL,
};

size_t idt__contact_at(idt__sx *x, size_t i)
{
	size_t q = i, end;
	if (i > 0 && idt__alnum(x->s[i - 1])) return 0;
	/* the cue: non-ASCII bytes ending right before the '@', past spaces, ':' and '-'; the cue
	 * word must end there (it may be the tail of a longer run: "в телеге") */
	for (int k = 0; k < 4 && q > 0 && strchr(" \t:-", x->s[q - 1]) && x->s[q - 1]; k++) q--;
	size_t b = q;
	while (q > 0 && x->s[q - 1] >= 0x80 && b - q < 24) q--;
	if (q == b) return 0;
	bool cue = false;
	for (const char *const *c = telegram_cues; *c && !cue; c++) {
		size_t n = strlen(*c);
		cue = b - q >= n && memcmp(x->s + b - n, *c, n) == 0;
		if (cue) q = b - n;
	}
	if (!cue || q < x->last_end) return 0;
	const service *sv = service_of(IDT__KW_TELEGRAM);
	if (!(end = handle_end(x, sv, i + 1, true))) return 0;
	val v = {.n = 0};
	vputs(&v, "telegram:@");
	vlower(&v, x, i + 1, end);
	idt__sx_emit(x, IDT_SIG_CONTACT, q, end, v.v, v.n);
	return end;
}
