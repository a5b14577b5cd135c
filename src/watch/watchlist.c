/*
 * watchlist.c - the watch list: the monitored sources, as a small reviewable text file.
 *
 *   # comments and blank lines are ignored
 *   [source pharmacy-a]              a source; the name is used in the state and in hits
 *   url      = https://pharma.example/         the seed URL (http or https), required
 *   platform = pharma.example        platform name in hits (default: the seed's host)
 *   schedule = 6h                    interval between rounds: N s|m|h|d (default 24h)
 *   depth    = 1                     links followed from the seed (default 1, at most 5)
 *   scope    = host                  host: same scheme, host and port as the seed (default)
 *                                    prefix [URL]: URLs starting with URL (default the seed)
 *   rate     = 1/5s                  at most N requests per period to one host (default 1/2s)
 *   robots   = honour                honour (default) | override
 *   override-by     = A. Name, unit  required with robots = override: who authorised it
 *   override-reason = warrant 123    required with robots = override: why
 *   proxy    = socks5h://127.0.0.1:9050   a libcurl proxy (Tor, an investigative network)
 *   max-pages = 50                   pages per round (default 100, at most 10,000)
 *
 * Keys are case-sensitive; unknown keys, duplicate names and bad values are errors with their
 * line (a watch list is reviewed and must say exactly what it does).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "watch/watch.h"

#define MAX_LIST ((size_t)1 << 20)

int idt_url_split(const char *url, idt_url *u)
{
	memset(u, 0, sizeof *u);
	const char *p;
	if (!strncasecmp(url, "http://", 7)) {
		strcpy(u->scheme, "http");
		u->port = 80;
		p = url + 7;
	} else if (!strncasecmp(url, "https://", 8)) {
		strcpy(u->scheme, "https");
		u->port = 443;
		p = url + 8;
	} else {
		return -1;
	}
	size_t hl = strcspn(p, "/?#");
	const char *at = memchr(p, '@', hl);
	if (at) return -1; /* no credentials in watched URLs */
	const char *colon = NULL;
	if (*p == '[') {
		const char *rb = memchr(p, ']', hl);
		if (!rb) return -1;
		colon = (size_t)(rb - p) + 1 < hl && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(p, ':', hl);
	}
	size_t host_len = colon ? (size_t)(colon - p) : hl;
	if (host_len == 0 || host_len >= sizeof u->host) return -1;
	for (size_t i = 0; i < host_len; i++) u->host[i] = (char)tolower((unsigned char)p[i]);
	if (colon) {
		char *e;
		long port = strtol(colon + 1, &e, 10);
		if (e != p + hl || port <= 0 || port > 65535) return -1;
		u->port = (int)port;
	}
	const char *rest = p + hl;
	size_t pl = strcspn(rest, "#");
	if (pl >= sizeof u->path - 1) return -1;
	if (*rest != '/') {
		u->path[0] = '/';
		memcpy(u->path + 1, rest, pl);
	} else {
		memcpy(u->path, rest, pl);
	}
	return 0;
}

void idt_url_origin(const idt_url *u, char *buf, size_t n)
{
	int def = (!strcmp(u->scheme, "http") && u->port == 80) ||
	          (!strcmp(u->scheme, "https") && u->port == 443);
	if (def)
		snprintf(buf, n, "%s://%s", u->scheme, u->host);
	else
		snprintf(buf, n, "%s://%s:%d", u->scheme, u->host, u->port);
}

/* ----------------------------------------------------------------- values */

static int64_t parse_duration(const char *v)
{
	char *e;
	double n = strtod(v, &e);
	if (e == v || n <= 0) return -1;
	while (*e == ' ') e++;
	double mul = !*e || !strcmp(e, "s") ? 1
	             : !strcmp(e, "ms")     ? 0.001
	             : !strcmp(e, "m")      ? 60
	             : !strcmp(e, "h")      ? 3600
	             : !strcmp(e, "d")      ? 86400
	                                    : -1;
	if (mul < 0) return -1;
	double s = n * mul;
	return s < 1 ? 1 : (int64_t)s;
}

/* "N/PERIOD" ("2/s", "1/5s", "30/m") into requests per second. */
static double parse_rate(const char *v)
{
	char *e;
	double n = strtod(v, &e);
	if (e == v || n <= 0 || *e != '/') return -1;
	const char *per = e + 1;
	char *e2;
	double k = strtod(per, &e2);
	if (e2 == per) k = 1;
	double unit = !strcmp(e2, "s")    ? 1
	              : !strcmp(e2, "ms") ? 0.001
	              : !strcmp(e2, "m")  ? 60
	              : !strcmp(e2, "h")  ? 3600
	                                  : -1;
	if (unit < 0 || k <= 0) return -1;
	double r = n / (k * unit);
	return r > 100 ? -1 : r; /* beyond 100/s is no rate limit */
}

static char *dup_str(const char *s)
{
	return strdup(s);
}

static void free_source(idt_watch_source *s)
{
	free(s->name);
	free(s->url);
	free(s->platform);
	free(s->prefix);
	free(s->override_by);
	free(s->override_reason);
	free(s->proxy);
}

void idt_watchlist_free(idt_watchlist *wl)
{
	if (!wl) return;
	for (size_t i = 0; i < wl->n; i++) free_source(&wl->src[i]);
	free(wl->src);
	wl->src = NULL;
	wl->n = 0;
}

static idt_status fail(idt_error *err, uint32_t line, const char *msg)
{
	if (err) {
		err->code = IDT_EPARSE;
		err->msg = msg;
		err->line = line;
	}
	return IDT_EPARSE;
}

/* Sets key = val on s.  NULL, or the error message. */
static const char *set_key(idt_watch_source *s, const char *key, const char *val)
{
	char **str = NULL;
	if (!strcmp(key, "url")) {
		idt_url u;
		if (idt_url_split(val, &u)) return "url must be an http:// or https:// URL";
		str = &s->url;
	} else if (!strcmp(key, "platform")) {
		str = &s->platform;
	} else if (!strcmp(key, "schedule")) {
		if ((s->interval = parse_duration(val)) < 0) return "schedule: N s|m|h|d";
	} else if (!strcmp(key, "depth")) {
		char *e;
		long d = strtol(val, &e, 10);
		if (*e || d < 0 || d > 5) return "depth must be 0..5";
		s->depth = (int)d;
	} else if (!strcmp(key, "max-pages")) {
		char *e;
		long d = strtol(val, &e, 10);
		if (*e || d < 1 || d > 10000) return "max-pages must be 1..10000";
		s->max_pages = (int)d;
	} else if (!strcmp(key, "scope")) {
		if (!strcmp(val, "host")) {
			s->scope = IDT_SCOPE_HOST;
		} else if (!strncmp(val, "prefix", 6) && (!val[6] || val[6] == ' ')) {
			s->scope = IDT_SCOPE_PREFIX;
			const char *p = val + 6;
			while (*p == ' ') p++;
			if (*p) {
				idt_url u;
				if (idt_url_split(p, &u))
					return "scope prefix must be an http(s) URL";
				free(s->prefix);
				if (!(s->prefix = dup_str(p))) return "out of memory";
			}
		} else {
			return "scope must be 'host' or 'prefix [URL]'";
		}
	} else if (!strcmp(key, "rate")) {
		if ((s->rate = parse_rate(val)) < 0)
			return "rate: N/PERIOD, e.g. 1/2s, 30/m (at most 100/s)";
	} else if (!strcmp(key, "robots")) {
		if (!strcmp(val, "honour") || !strcmp(val, "honor"))
			s->robots_override = 0;
		else if (!strcmp(val, "override"))
			s->robots_override = 1;
		else
			return "robots must be 'honour' or 'override'";
	} else if (!strcmp(key, "override-by")) {
		str = &s->override_by;
	} else if (!strcmp(key, "override-reason")) {
		str = &s->override_reason;
	} else if (!strcmp(key, "proxy")) {
		if (strncmp(val, "socks5h://", 10) && strncmp(val, "socks5://", 9) &&
		    strncmp(val, "socks4a://", 10) && strncmp(val, "http://", 7) &&
		    strncmp(val, "https://", 8))
			return "proxy must be socks5h://, socks5://, socks4a://, http:// or "
			       "https://";
		str = &s->proxy;
	} else {
		return "unknown key";
	}
	if (str) {
		free(*str);
		if (!(*str = dup_str(val))) return "out of memory";
	}
	return NULL;
}

static const char *finish_source(idt_watch_source *s)
{
	if (!s->url) return "the source has no url";
	if (s->robots_override &&
	    (!s->override_by || !*s->override_by || !s->override_reason || !*s->override_reason))
		return "robots = override needs override-by and override-reason";
	if (!s->platform) {
		idt_url u;
		idt_url_split(s->url, &u);
		if (!(s->platform = dup_str(u.host))) return "out of memory";
	}
	if (s->scope == IDT_SCOPE_PREFIX && !s->prefix && !(s->prefix = dup_str(s->url)))
		return "out of memory";
	return NULL;
}

idt_status idt_watchlist_parse(const char *text, size_t len, idt_watchlist *wl, idt_error *err)
{
	memset(wl, 0, sizeof *wl);
	if (len > MAX_LIST) return fail(err, 0, "the watch list is larger than 1 MiB");
	size_t cap = 0;
	idt_watch_source *cur = NULL;
	uint32_t line = 0;
	const char *p = text, *end = text + len;
	char buf[8192];
	while (p < end) {
		line++;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		size_t n = (size_t)(le - p);
		const char *s = p;
		p = eol ? eol + 1 : end;
		while (n && isspace((unsigned char)*s)) s++, n--;
		while (n && isspace((unsigned char)s[n - 1])) n--;
		if (!n || *s == '#') continue;
		if (n >= sizeof buf) return fail(err, line, "line longer than 8 KiB");
		memcpy(buf, s, n);
		buf[n] = 0;
		if (buf[0] == '[') {
			if (cur) {
				const char *m = finish_source(cur);
				if (m) return fail(err, cur->line, m);
			}
			if (strncmp(buf, "[source ", 8) || buf[n - 1] != ']')
				return fail(err, line, "a section is [source NAME]");
			buf[n - 1] = 0;
			const char *name = buf + 8;
			while (*name == ' ') name++;
			if (!*name) return fail(err, line, "a source needs a name");
			for (const char *c = name; *c; c++)
				if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' &&
				    *c != '.')
					return fail(err, line,
					            "a source name is letters, digits, - _ .");
			for (size_t i = 0; i < wl->n; i++)
				if (!strcmp(wl->src[i].name, name))
					return fail(err, line, "duplicate source name");
			if (wl->n == cap) {
				size_t nc = cap ? cap * 2 : 8;
				idt_watch_source *q = realloc(wl->src, nc * sizeof *q);
				if (!q) return IDT_ENOMEM;
				wl->src = q;
				cap = nc;
			}
			cur = &wl->src[wl->n++];
			memset(cur, 0, sizeof *cur);
			cur->line = line;
			cur->interval = 86400;
			cur->depth = 1;
			cur->rate = 0.5;
			cur->max_pages = 100;
			if (!(cur->name = dup_str(name))) return IDT_ENOMEM;
			continue;
		}
		char *eq = strchr(buf, '=');
		if (!eq) return fail(err, line, "expected key = value");
		if (!cur) return fail(err, line, "a key before the first [source NAME]");
		char *ke = eq;
		while (ke > buf && isspace((unsigned char)ke[-1])) ke--;
		*ke = 0;
		char *v = eq + 1;
		while (isspace((unsigned char)*v)) v++;
		const char *m = set_key(cur, buf, v);
		if (m) return fail(err, line, m);
	}
	if (cur) {
		const char *m = finish_source(cur);
		if (m) return fail(err, cur->line, m);
	}
	return IDT_OK;
}

idt_status idt_watchlist_load(const char *path, idt_watchlist *wl, idt_error *err)
{
	memset(wl, 0, sizeof *wl);
	FILE *f = fopen(path, "rb");
	if (!f) return IDT_EIO;
	char *buf = malloc(MAX_LIST + 1);
	if (!buf) {
		fclose(f);
		return IDT_ENOMEM;
	}
	size_t n = fread(buf, 1, MAX_LIST + 1, f);
	fclose(f);
	if (err) err->where = path;
	idt_status st = idt_watchlist_parse(buf, n, wl, err);
	free(buf);
	return st;
}
