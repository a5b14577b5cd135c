/*
 * observable.c - normal forms of observables (see observable.h for the table).  Each type has
 * one small normaliser that writes into the caller's fixed buffer; anything it cannot read as
 * a value of its type is rejected with a reason rather than stored half-normalised, because a
 * wrong normal form silently breaks correlation.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <interdict.h>
#include "observable.h"

const char *const idt__obs_types[] = {"url",   "domain", "onion", "handle",  "phone",
                                      "email", "wallet", "pgp",   "company", "tracking"};
const size_t idt__obs_ntypes = sizeof idt__obs_types / sizeof idt__obs_types[0];

int idt__obs_type_valid(const char *type)
{
	for (size_t i = 0; i < idt__obs_ntypes; i++)
		if (strcmp(type, idt__obs_types[i]) == 0) return 1;
	return 0;
}

/* ---------------------------------------------------------------- helpers */

static idt_status bad(const char **why, const char *msg)
{
	if (why) *why = msg;
	return IDT_EINVAL;
}

/* Trims ASCII white space from both ends of s[0..*len); returns the new start. */
static const char *trim(const char *s, size_t *len)
{
	size_t n = *len;
	while (n && isspace((unsigned char)*s)) s++, n--;
	while (n && isspace((unsigned char)s[n - 1])) n--;
	*len = n;
	return s;
}

static int has_ctl(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 1;
	return 0;
}

/* Validates and lower-cases a host name s[0..len) into out; 0 on success. */
static int host_norm(const char *s, size_t len, char *out, int need_dot)
{
	if (len && s[len - 1] == '.') len--;
	if (len == 0 || len > 253) return -1;
	size_t label = 0, dots = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0 || out[i - 1] == '-') return -1;
			label = 0, dots++;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (label == 0 && c == '-') return -1;
			if (++label > 63) return -1;
		} else {
			return -1;
		}
		out[i] = (char)tolower(c);
	}
	if (label == 0 || out[len - 1] == '-') return -1;
	if (need_dot && dots == 0) return -1;
	out[len] = 0;
	return 0;
}

/* ---------------------------------------------------------------- per type */

static idt_status norm_domain(const char *s, size_t len, char *out, const char **why)
{
	if (host_norm(s, len, out, 1) != 0) return bad(why, "not a valid domain name");
	return IDT_OK;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

static int unreserved(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Appends path/query bytes to out with percent-encoding normalised; -1 on overflow/bad. */
static int put_pct(const char *s, size_t len, char *out, size_t *o)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (*o + 4 > IDT_OBS_MAX) return -1;
		if (c == '%') {
			if (i + 2 >= len) return -1;
			int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
			if (h < 0 || l < 0) return -1;
			int v = h * 16 + l;
			if (unreserved(v)) {
				out[(*o)++] = (char)v;
			} else {
				out[(*o)++] = '%';
				out[(*o)++] = "0123456789ABCDEF"[h];
				out[(*o)++] = "0123456789ABCDEF"[l];
			}
			i += 2;
		} else if (c <= 0x20 || c >= 0x7f) {
			/* non-ASCII and spaces are percent-encoded */
			out[(*o)++] = '%';
			out[(*o)++] = "0123456789ABCDEF"[c >> 4];
			out[(*o)++] = "0123456789ABCDEF"[c & 15];
		} else {
			out[(*o)++] = (char)c;
		}
	}
	return 0;
}

/* Removes "." and ".." segments of an absolute path p (NUL-terminated, in place). */
static void drop_dot_segments(char *p)
{
	char *w = p; /* output end; p[0] == '/' */
	const char *r = p;
	while (*r) {
		const char *seg = r + 1, *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);
		if (n == 1 && seg[0] == '.') {
			if (!end) *w++ = '/';
		} else if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (w > p && *--w != '/') {
			}
			if (!end) *w++ = '/';
		} else {
			*w++ = '/';
			memmove(w, seg, n);
			w += n;
		}
		r = end ? end : seg + n;
	}
	if (w == p) *w++ = '/';
	*w = 0;
}

static idt_status norm_url(const char *s, size_t len, char *out, const char **why)
{
	const char *sep = NULL;
	for (size_t i = 0; i + 2 < len; i++)
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
			sep = s + i;
			break;
		}
	if (!sep) return bad(why, "a URL needs a scheme (http:// or https://)");
	size_t slen = (size_t)(sep - s);
	char scheme[8];
	if (slen == 0 || slen >= sizeof scheme) return bad(why, "unsupported URL scheme");
	for (size_t i = 0; i < slen; i++) scheme[i] = (char)tolower((unsigned char)s[i]);
	scheme[slen] = 0;
	int defport;
	if (strcmp(scheme, "http") == 0)
		defport = 80;
	else if (strcmp(scheme, "https") == 0)
		defport = 443;
	else
		return bad(why, "unsupported URL scheme (http and https only)");

	const char *p = sep + 3, *end = s + len;
	const char *hend = p;
	while (hend < end && *hend != '/' && *hend != '?' && *hend != '#') hend++;
	/* authority: [userinfo@]host[:port]; user info is dropped */
	const char *at = memchr(p, '@', (size_t)(hend - p));
	if (at) p = at + 1;
	const char *colon = memchr(p, ':', (size_t)(hend - p));
	const char *hostend = colon ? colon : hend;
	long port = defport;
	if (colon) {
		if (colon + 1 == hend) {
			port = defport;
		} else {
			port = 0;
			for (const char *q = colon + 1; q < hend; q++) {
				if (!isdigit((unsigned char)*q) || port > 65535)
					return bad(why, "bad port in URL");
				port = port * 10 + (*q - '0');
			}
			if (port == 0 || port > 65535) return bad(why, "bad port in URL");
		}
	}
	char host[256];
	if ((size_t)(hostend - p) >= sizeof host ||
	    host_norm(p, (size_t)(hostend - p), host, 0) != 0)
		return bad(why, "bad host in URL");
	size_t o = (size_t)snprintf(out, IDT_OBS_MAX, "%s://%s", scheme, host);
	if (port != defport) o += (size_t)snprintf(out + o, IDT_OBS_MAX - o, ":%ld", port);

	const char *frag = memchr(hend, '#', (size_t)(end - hend));
	if (frag) end = frag;
	const char *qm = memchr(hend, '?', (size_t)(end - hend));
	const char *pathend = qm ? qm : end;
	size_t pstart = o;
	if (hend == pathend) {
		out[o++] = '/';
	} else if (put_pct(hend, (size_t)(pathend - hend), out, &o) != 0) {
		return bad(why, "URL too long or bad percent-encoding");
	}
	out[o] = 0;
	drop_dot_segments(out + pstart);
	o = strlen(out);
	if (qm && qm + 1 < end) {
		if (o + 1 > IDT_OBS_MAX) return bad(why, "URL too long");
		out[o++] = '?';
		if (put_pct(qm + 1, (size_t)(end - qm - 1), out, &o) != 0)
			return bad(why, "URL too long or bad percent-encoding");
	}
	out[o] = 0;
	return IDT_OK;
}

static idt_status norm_onion(const char *s, size_t len, char *out, const char **why)
{
	/* accept a bare address or an http(s) URL of one */
	for (size_t i = 0; i + 2 < len; i++)
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
			s += i + 3, len -= i + 3;
			break;
		}
	size_t n = 0;
	while (n < len && s[n] != '/' && s[n] != ':' && s[n] != '?') n++;
	if (n != 62) return bad(why, "not a v3 onion address (56 characters + .onion)");
	for (size_t i = 0; i < n; i++) out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = 0;
	if (strcmp(out + 56, ".onion") != 0 || !idt_onion_valid(out, n))
		return bad(why, "not a valid v3 onion address");
	return IDT_OK;
}

static idt_status norm_handle(const char *s, size_t len, const char *platform, char *out,
                              const char **why)
{
	const char *colon = memchr(s, ':', len);
	char plat[32];
	size_t pl;
	if (colon) {
		pl = (size_t)(colon - s);
		if (pl == 0 || pl >= sizeof plat) return bad(why, "bad platform in handle");
		memcpy(plat, s, pl);
		len -= pl + 1, s = colon + 1;
	} else {
		if (!platform || !*platform)
			return bad(why, "a handle needs a platform (\"telegram:@name\")");
		pl = strlen(platform);
		if (pl >= sizeof plat) return bad(why, "bad platform in handle");
		memcpy(plat, platform, pl);
	}
	for (size_t i = 0; i < pl; i++) {
		plat[i] = (char)tolower((unsigned char)plat[i]);
		if (!isalnum((unsigned char)plat[i]) && plat[i] != '-' && plat[i] != '_')
			return bad(why, "bad platform in handle");
	}
	plat[pl] = 0;
	if (len && *s == '@') s++, len--;
	if (len == 0 || len > 64) return bad(why, "bad handle name");
	size_t o = (size_t)snprintf(out, IDT_OBS_MAX, "%s:@", plat);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '_' && c != '.' && c != '-')
			return bad(why, "bad character in handle");
		out[o++] = (char)tolower(c);
	}
	out[o] = 0;
	return IDT_OK;
}

static idt_status norm_phone(const char *s, size_t len, char *out, const char **why)
{
	size_t o = 0, i = 0;
	if (len >= 1 && s[0] == '+')
		i = 1;
	else if (len >= 2 && s[0] == '0' && s[1] == '0')
		i = 2;
	else
		return bad(why, "a phone number must be in international form (+CC...)");
	out[o++] = '+';
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isdigit(c)) {
			if (o >= 16) return bad(why, "too many digits for E.164");
			out[o++] = (char)c;
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
			continue;
		} else {
			return bad(why, "bad character in phone number");
		}
	}
	out[o] = 0;
	if (o < 8) return bad(why, "too few digits for E.164");
	if (out[1] == '0') return bad(why, "E.164 country codes do not start with 0");
	return IDT_OK;
}

static idt_status norm_email(const char *s, size_t len, char *out, const char **why)
{
	const char *at = memchr(s, '@', len);
	if (!at || at == s || memchr(at + 1, '@', len - (size_t)(at - s) - 1))
		return bad(why, "not an e-mail address");
	size_t ll = (size_t)(at - s);
	if (ll > 64) return bad(why, "e-mail local part too long");
	for (size_t i = 0; i < ll; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || strchr("()<>[]\\,;:\"", c))
			return bad(why, "bad character in e-mail address");
		out[i] = (char)tolower(c);
	}
	out[ll] = '@';
	if (host_norm(at + 1, len - ll - 1, out + ll + 1, 1) != 0)
		return bad(why, "bad domain in e-mail address");
	return IDT_OK;
}

static idt_status norm_wallet(const char *s, size_t len, const char *chain, char *out,
                              const char **why)
{
	const char *colon = memchr(s, ':', len);
	char want[16] = "";
	if (colon && (size_t)(colon - s) < sizeof want) {
		memcpy(want, s, (size_t)(colon - s));
		want[colon - s] = 0;
		for (char *p = want; *p; p++) *p = (char)tolower((unsigned char)*p);
		len -= (size_t)(colon - s) + 1, s = colon + 1;
	}
	if (len == 0 || len > 128) return bad(why, "bad wallet address length");
	const char *got = NULL;
	if (!idt_wallet_valid(s, len, &got) || !got)
		return bad(why, "not a checksum-valid wallet address");
	if ((want[0] && strcmp(want, got) != 0) || (chain && *chain && strcasecmp(chain, got) != 0))
		return bad(why, "wallet address does not belong to the given chain");
	size_t o = (size_t)snprintf(out, IDT_OBS_MAX, "%s:", got);
	/* Hex and bech32 addresses are case-insensitive: one case; base58 keeps its case. */
	int fold = (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ||
	           strncasecmp(s, "bc1", 3) == 0 || strncasecmp(s, "ltc1", 4) == 0 ||
	           strncasecmp(s, "tb1", 3) == 0;
	for (size_t i = 0; i < len; i++)
		out[o++] = fold ? (char)tolower((unsigned char)s[i]) : s[i];
	out[o] = 0;
	return IDT_OK;
}

static idt_status norm_pgp(const char *s, size_t len, char *out, const char **why)
{
	size_t o = 0;
	size_t i = 0;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) i = 2;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == ':') continue;
		if (hexval(c) < 0 || o >= 64) return bad(why, "not a PGP fingerprint");
		out[o++] = (char)toupper(c);
	}
	out[o] = 0;
	if (o != 40 && o != 64) return bad(why, "a PGP fingerprint has 40 or 64 hex digits");
	return IDT_OK;
}

static idt_status norm_company(const char *s, size_t len, char *out, const char **why)
{
	if (len > 256) return bad(why, "company name too long");
	size_t o = 0;
	int space = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isspace(c)) {
			space = 1;
			continue;
		}
		if (space && o) out[o++] = ' ';
		space = 0;
		out[o++] = (char)tolower(c);
	}
	out[o] = 0;
	if (o == 0) return bad(why, "empty company name");
	return IDT_OK;
}

static idt_status norm_tracking(const char *s, size_t len, char *out, const char **why)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '-') continue;
		if (!isalnum(c) || o >= 40) return bad(why, "not a parcel tracking number");
		out[o++] = (char)toupper(c);
	}
	out[o] = 0;
	if (o < 6) return bad(why, "tracking number too short");
	return IDT_OK;
}

idt_status idt__obs_normalize(const char *type, const char *s, size_t len, const char *platform,
                              const char *chain, char out[IDT_OBS_MAX + 1], const char **why)
{
	out[0] = 0;
	if (!type || !s) return bad(why, "missing observable type or value");
	s = trim(s, &len);
	if (len == 0) return bad(why, "empty observable value");
	if (len > IDT_OBS_MAX) return bad(why, "observable value too long");
	if (has_ctl(s, len)) return bad(why, "control character in observable value");
	idt_status st;
	if (strcmp(type, "url") == 0)
		st = norm_url(s, len, out, why);
	else if (strcmp(type, "domain") == 0)
		st = norm_domain(s, len, out, why);
	else if (strcmp(type, "onion") == 0)
		st = norm_onion(s, len, out, why);
	else if (strcmp(type, "handle") == 0)
		st = norm_handle(s, len, platform, out, why);
	else if (strcmp(type, "phone") == 0)
		st = norm_phone(s, len, out, why);
	else if (strcmp(type, "email") == 0)
		st = norm_email(s, len, out, why);
	else if (strcmp(type, "wallet") == 0)
		st = norm_wallet(s, len, chain, out, why);
	else if (strcmp(type, "pgp") == 0)
		st = norm_pgp(s, len, out, why);
	else if (strcmp(type, "company") == 0)
		st = norm_company(s, len, out, why);
	else if (strcmp(type, "tracking") == 0)
		st = norm_tracking(s, len, out, why);
	else
		return bad(why, "unknown observable type");
	if (st != IDT_OK) out[0] = 0;
	return st;
}
