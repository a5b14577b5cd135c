/*
 * routes_takedowns.c - takedown tracking (issue 10): an incident's listings marked "reported to
 * platform" (POST /incidents/{id}/takedowns), listed per incident or for the whole caller's
 * view (GET /takedowns, what `interdict watch` pulls to re-check), and the results of checks
 * (PATCH /takedowns/{id}: seen gone, or just checked).  The store applies access control
 * (takedowns live and die with their incident's visibility) and audits every change; these
 * handlers validate the documents and turn times into unix seconds.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "routes.h"

#define TD_URL_MAX  2048 /* bytes */
#define TD_NAME_MAX 100  /* platform */
#define TD_REF_MAX  200  /* reference, how */
#define TD_SKEW     300  /* seconds a time may lie in the future (clocks differ) */

static idt_store *ST(idt_req *r)
{
	return r->srv->st;
}

/* ---------------------------------------------------------------- validation */

int64_t idt__utc_parse(const char *s)
{
	struct tm tm = {0};
	int n = 0;
	if (!s || strlen(s) != 20 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 20)
		return -1;
	for (int i = 0; i < 20; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && i != 19 &&
		    (s[i] < '0' || s[i] > '9'))
			return -1;
	struct tm want = tm;
	tm.tm_year -= 1900, tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	struct tm back;
	if (t < 0 || !gmtime_r(&t, &back) || back.tm_year + 1900 != want.tm_year ||
	    back.tm_mon + 1 != want.tm_mon || back.tm_mday != want.tm_mday ||
	    back.tm_hour != want.tm_hour || back.tm_min != want.tm_min ||
	    back.tm_sec != want.tm_sec)
		return -1; /* 2026-02-30, 25:00 */
	return (int64_t)t;
}

/* Printable text without control characters, 1..max bytes (0 allowed when empty_ok). */
static int text_ok(const char *s, size_t max, int empty_ok)
{
	size_t n = s ? strlen(s) : 0;
	if (!s || (!n && !empty_ok) || n > max) return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
	return 1;
}

/* An http(s) URL with a host and no whitespace. */
static int url_ok(const char *s)
{
	if (!text_ok(s, TD_URL_MAX, 0) || strchr(s, ' ')) return 0;
	size_t k = strncmp(s, "http://", 7) == 0 ? 7 : strncmp(s, "https://", 8) == 0 ? 8 : 0;
	return k && s[k] && s[k] != '/' && s[k] != '?' && s[k] != '#';
}

/* A member that must be a string if present: its value, NULL if absent; *bad set if present
 * but not a string. */
static const char *opt_str(json_t *b, const char *k, int *bad)
{
	json_t *v = json_object_get(b, k);
	if (v && !json_is_string(v)) *bad = 1;
	return json_string_value(v);
}

/* A time member (RFC 3339 UTC) if present: 0 absent, -1 bad (400 sent), else 1 with *t. */
static int opt_time(idt_req *r, json_t *b, const char *k, int64_t *t)
{
	json_t *v = json_object_get(b, k);
	if (!v) return 0;
	*t = json_is_string(v) ? idt__utc_parse(json_string_value(v)) : -1;
	if (*t < 0) {
		idt__reply_err(r, 400, "invalid_field",
		               "'%s' must be a UTC time like 2026-11-29T09:00:00Z", k);
		return -1;
	}
	if (*t > idt__now() + TD_SKEW) {
		idt__reply_err(r, 400, "invalid_field", "'%s' lies in the future", k);
		return -1;
	}
	return 1;
}

/* The body of POST /incidents/{id}/takedowns as a canonical document; NULL after a 400. */
static json_t *report_doc(idt_req *r, json_t *b)
{
	static const char *const keys[] = {"url", "platform", "reference", "reported_at", NULL};
	if (idt__only_keys(r, b, keys, "takedown") != 0) return NULL;
	int bad_url = 0, bad_plat = 0, bad_ref = 0;
	const char *url = opt_str(b, "url", &bad_url), *plat = opt_str(b, "platform", &bad_plat),
	           *ref = opt_str(b, "reference", &bad_ref);
	if (!url_ok(url))
		return idt__reply_err(r, 400, "invalid_field",
		                      "'url' must be an http:// or https:// URL (at most %d bytes)",
		                      TD_URL_MAX),
		       NULL;
	if (bad_plat || !text_ok(plat, TD_NAME_MAX, 0) || !plat[strspn(plat, " ")])
		return idt__reply_err(r, 400, "invalid_field",
		                      "'platform' must name the platform (1..%d characters)",
		                      TD_NAME_MAX),
		       NULL;
	if (bad_ref || (ref && !text_ok(ref, TD_REF_MAX, 1)))
		return idt__reply_err(r, 400, "invalid_field",
		                      "'reference' must be text of at most %d bytes", TD_REF_MAX),
		       NULL;
	int64_t at = idt__now();
	if (opt_time(r, b, "reported_at", &at) < 0) return NULL;
	return json_pack("{s:s,s:s,s:s,s:I}", "url", url, "platform", plat, "reference",
	                 ref ? ref : "", "reported_at", (json_int_t)at);
}

/* The body of PATCH /takedowns/{id}; NULL after a 400. */
static json_t *check_doc(idt_req *r, json_t *b)
{
	static const char *const keys[] = {"checked_at", "gone_at", "how", NULL};
	if (idt__only_keys(r, b, keys, "takedown check") != 0) return NULL;
	int64_t checked = idt__now(), gone = 0;
	int has_checked = opt_time(r, b, "checked_at", &checked);
	if (has_checked < 0) return NULL;
	int has_gone = opt_time(r, b, "gone_at", &gone);
	if (has_gone < 0) return NULL;
	int bad = 0;
	const char *how = opt_str(b, "how", &bad);
	if (bad || (how && !text_ok(how, TD_REF_MAX, 0)))
		return idt__reply_err(r, 400, "invalid_field",
		                      "'how' must say how the listing disappeared (1..%d bytes)",
		                      TD_REF_MAX),
		       NULL;
	if (has_gone != !!how)
		return idt__reply_err(r, 400, "invalid_field",
		                      "'gone_at' and 'how' go together (or neither, for a check)"),
		       NULL;
	if (has_gone && !has_checked) checked = gone;
	if (has_gone && gone > checked)
		return idt__reply_err(r, 400, "invalid_field", "'gone_at' is after 'checked_at'"),
		       NULL;
	json_t *d = json_pack("{s:I}", "checked_at", (json_int_t)checked);
	if (d && has_gone) {
		json_object_set_new(d, "gone_at", json_integer(gone));
		json_object_set_new(d, "how", json_string(how));
	}
	return d;
}

/* ?open=true|false and ?platform=; -1 after a 400. */
static int list_args(idt_req *r, bool *open_only, const char **platform)
{
	const char *o = idt__arg(r, "open");
	*platform = idt__arg(r, "platform");
	*open_only = o && strcmp(o, "true") == 0;
	if (o && !*open_only && strcmp(o, "false") != 0)
		return idt__reply_err(r, 400, "invalid_parameter", "'open' must be true or false"),
		       -1;
	if (*platform && !text_ok(*platform, TD_NAME_MAX, 0))
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'platform' must be 1..%d characters", TD_NAME_MAX),
		       -1;
	return 0;
}

/* ---------------------------------------------------------------- handlers */

int idt__h_takedown_create(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	json_t *b = idt__body_json(r, false), *out = NULL;
	if (!b) return 0;
	json_t *doc = report_doc(r, b);
	if (doc) {
		idt_status s = ST(r)->ops->takedown_create(ST(r), &r->actor, id, doc, &out);
		if (s == IDT_ECONFLICT)
			idt__reply_err(r, 409, "conflict",
			               "this listing was already reported with this reference");
		else if (s == IDT_OK)
			idt__reply(r, 201, out);
		else
			idt__reply_status(r, s);
	}
	json_decref(b), json_decref(doc);
	return 0;
}

/* The takedowns of incident id (0: of every incident the caller may see), as {items}. */
static int list(idt_req *r, int64_t id)
{
	bool open_only;
	const char *platform;
	if (list_args(r, &open_only, &platform) != 0) return 0;
	json_t *out = NULL;
	idt_status s = ST(r)->ops->takedown_list(ST(r), &r->actor, id, open_only, platform, &out);
	return s == IDT_OK ? idt__reply(r, 200, json_pack("{s:o}", "items", out))
	                   : idt__reply_status(r, s);
}

int idt__h_takedowns_of_incident(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	return list(r, id);
}

int idt__h_takedowns_list(idt_req *r, char **p)
{
	(void)p;
	return list(r, 0);
}

int idt__h_takedown_patch(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	json_t *b = idt__body_json(r, false), *out = NULL;
	if (!b) return 0;
	json_t *doc = check_doc(r, b);
	if (doc) {
		idt_status s = ST(r)->ops->takedown_check(ST(r), &r->actor, id, doc, &out);
		if (s == IDT_EINVAL)
			idt__reply_err(r, 400, "invalid_field",
			               "'gone_at' is before the listing was reported");
		else if (s == IDT_OK)
			idt__reply(r, 200, out);
		else
			idt__reply_status(r, s);
	}
	json_decref(b), json_decref(doc);
	return 0;
}
