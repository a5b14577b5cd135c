/*
 * robots.c - robots.txt (RFC 9309, the Robots Exclusion Protocol) parsed and matched.
 *
 * The file is a sequence of groups; each group starts with one or more user-agent lines,
 * followed by rules:
 *
 *   line                   meaning
 *   ---------------------- ---------------------------------------------------------------
 *   User-agent: NAME       the group applies to crawlers whose product token is NAME
 *                          (case-insensitive); "*" to every crawler not named elsewhere
 *   Allow: PATTERN         a path pattern that may be fetched
 *   Disallow: PATTERN      a path pattern that may not; an empty pattern disallows nothing
 *   Crawl-delay: SECONDS   not in the RFC, widely used: the wait between requests
 *   Sitemap: URL           ignored
 *   # ...                  comment, to the end of the line
 *
 * Patterns match from the start of the path (with its query): '*' matches any run of
 * characters, '$' at the end anchors the pattern at the end of the path.  The longest
 * matching pattern wins; between an Allow and a Disallow of equal length, Allow wins; no match
 * allows.  The groups naming the agent are merged; if none names it, the "*" groups are used.
 * Lines without a colon, unknown keys and rules before any user-agent line are ignored.
 * Percent-encoding is compared as written (no normalisation).
 *
 * Limits: 512 KiB of text is read (RFC 9309 asks for at least 500 KiB), 10,000 rules kept, a
 * pattern at most 2,048 bytes (longer lines are ignored).  The matcher's work is bounded by
 * pattern length times path length.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "watch/watch.h"

#define MAX_TEXT    ((size_t)512 << 10)
#define MAX_RULES   10000
#define MAX_PATTERN 2048

typedef struct rule {
	char *pat;  /* the pattern, NUL-terminated, owned */
	size_t len; /* its length (for longest-match) */
	int allow;
} rule;

struct idt_robots {
	rule *rules; /* owned, n of cap */
	size_t n, cap;
	double delay; /* seconds */
	int deny_all;
};

/* ----------------------------------------------------------------- building */

static int add_rule(idt_robots *r, const char *p, size_t len, int allow)
{
	if (r->n >= MAX_RULES) return 0;
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 16;
		rule *q = realloc(r->rules, ncap * sizeof *q);
		if (!q) return -1;
		r->rules = q;
		r->cap = ncap;
	}
	char *s = malloc(len + 1);
	if (!s) return -1;
	memcpy(s, p, len);
	s[len] = 0;
	r->rules[r->n++] = (rule){s, len, allow};
	return 0;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s)) (*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1])) (*e)--;
}

/* 1 if the user-agent value names agent: its product token (up to the first space or '/')
 * equals agent, case-insensitively. */
static int names_agent(const char *v, size_t n, const char *agent)
{
	size_t k = 0;
	while (k < n && v[k] != ' ' && v[k] != '/' && v[k] != '\t') k++;
	return k == strlen(agent) && strncasecmp(v, agent, k) == 0;
}

/*
 * Two passes over the lines: the first finds whether any group names the agent; the second
 * keeps the rules of the chosen groups (the agent's, else "*").
 */
static int parse_pass(idt_robots *r, const char *txt, size_t len, const char *agent, int want_star,
                      int *named)
{
	int in_agents = 0; /* the previous meaningful line was a user-agent line */
	int take = 0;      /* the current group is chosen */
	const char *p = txt, *end = txt + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		const char *hash = memchr(p, '#', (size_t)(le - p));
		const char *s = p, *e = hash ? hash : le;
		p = eol ? eol + 1 : end;
		const char *colon = memchr(s, ':', (size_t)(e - s));
		if (!colon) continue;
		const char *ks = s, *ke = colon, *vs = colon + 1, *ve = e;
		trim(&ks, &ke);
		trim(&vs, &ve);
		size_t kl = (size_t)(ke - ks), vl = (size_t)(ve - vs);
		if (kl == 10 && !strncasecmp(ks, "user-agent", 10)) {
			if (!in_agents) take = 0;
			in_agents = 1;
			if (names_agent(vs, vl, agent)) {
				*named = 1;
				if (!want_star) take = 1;
			} else if (vl == 1 && *vs == '*' && want_star) {
				take = 1;
			}
			continue;
		}
		int allow = kl == 5 && !strncasecmp(ks, "allow", 5);
		int disallow = kl == 8 && !strncasecmp(ks, "disallow", 8);
		int delay = kl == 11 && !strncasecmp(ks, "crawl-delay", 11);
		if (!allow && !disallow && !delay)
			continue; /* sitemap, unknown: not a group line */
		in_agents = 0;
		if (!take || !r) continue;
		if (delay) {
			char buf[32];
			size_t n = vl < sizeof buf - 1 ? vl : sizeof buf - 1;
			memcpy(buf, vs, n);
			buf[n] = 0;
			double d = strtod(buf, NULL);
			if (d > 0 && d <= 86400 && d > r->delay) r->delay = d;
			continue;
		}
		if (vl == 0 || vl > MAX_PATTERN) continue; /* empty Disallow: nothing disallowed */
		if (add_rule(r, vs, vl, allow)) return -1;
	}
	return 0;
}

idt_status idt_robots_parse(const char *txt, size_t len, const char *agent, idt_robots **out)
{
	*out = NULL;
	idt_robots *r = calloc(1, sizeof *r);
	if (!r) return IDT_ENOMEM;
	if (!txt) len = 0;
	if (len > MAX_TEXT) len = MAX_TEXT;
	if (len >= 3 && !memcmp(txt, "\xEF\xBB\xBF", 3)) txt += 3, len -= 3;
	int named = 0;
	parse_pass(NULL, txt, len, agent, 0, &named);
	if (parse_pass(r, txt, len, agent, !named, &named)) {
		idt_robots_free(r);
		return IDT_ENOMEM;
	}
	*out = r;
	return IDT_OK;
}

idt_status idt_robots_allow_all(idt_robots **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? IDT_OK : IDT_ENOMEM;
}

idt_status idt_robots_deny_all(idt_robots **out)
{
	*out = calloc(1, sizeof **out);
	if (!*out) return IDT_ENOMEM;
	(*out)->deny_all = 1;
	return IDT_OK;
}

void idt_robots_free(idt_robots *r)
{
	if (!r) return;
	for (size_t i = 0; i < r->n; i++) free(r->rules[i].pat);
	free(r->rules);
	free(r);
}

/* ----------------------------------------------------------------- matching */

/*
 * 1 if pat[0..m) matches a prefix of s[0..n) ('*' any run, a final '$' the end of s).  The
 * classic wildcard matcher with one backtrack point (the last '*'): a pattern without '$'
 * behaves as if it ended in '*'.  O(m * n) at worst.
 */
static int match(const char *pat, size_t m, const char *s, size_t n)
{
	int anchored = m > 0 && pat[m - 1] == '$';
	if (anchored) m--;
	size_t p = 0, i = 0, star = (size_t)-1, si = 0;
	while (i < n) {
		if (p == m && !anchored) return 1; /* the implicit trailing '*' */
		if (p < m && pat[p] == '*') {
			star = p++;
			si = i;
			continue;
		}
		if (p < m && pat[p] == s[i]) {
			p++, i++;
			continue;
		}
		if (star != (size_t)-1) {
			p = star + 1;
			i = ++si;
			continue;
		}
		return 0;
	}
	while (p < m && pat[p] == '*') p++;
	return p == m;
}

int idt_robots_allowed(const idt_robots *r, const char *path, size_t len)
{
	if (len == 11 && !memcmp(path, "/robots.txt", 11)) return 1;
	if (r->deny_all) return 0;
	size_t best = 0;
	int verdict = 1, found = 0;
	for (size_t i = 0; i < r->n; i++) {
		const rule *u = &r->rules[i];
		if (found && u->len < best) continue;
		if (!match(u->pat, u->len, path, len)) continue;
		if (!found || u->len > best || (u->len == best && u->allow)) verdict = u->allow;
		found = 1;
		best = u->len;
	}
	return verdict;
}

double idt_robots_crawl_delay(const idt_robots *r)
{
	return r->delay;
}

size_t idt_robots_rule_count(const idt_robots *r)
{
	return r->n;
}
