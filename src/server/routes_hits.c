/*
 * routes_hits.c - the triage queue: submitting scan verdicts (one or an array), listing the
 * caller organisation's queue, confirming a hit into a pre-filled incident and dismissing it
 * with a reason.  A submission is validated as a whole before anything is stored: one bad hit
 * rejects the request and stores nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "routes.h"
#include "store/hit.h"

#define MAX_HITS_PER_REQUEST 1000

static idt_store *ST(idt_req *r)
{
	return r->srv->st;
}

/* Moves top-level provenance members into "source" (url, platform, file, line, ...). */
static void gather_source(json_t *h)
{
	static const char *const moved[] = {"url",    "platform", "file", "line",
	                                    "msg_id", "sender",   "date", "chat"};
	json_t *src = json_object_get(h, "source");
	src = src ? json_deep_copy(src) : json_object();
	for (size_t i = 0; i < sizeof moved / sizeof moved[0]; i++) {
		json_t *v = json_object_get(h, moved[i]);
		if (v && !json_object_get(src, moved[i])) json_object_set(src, moved[i], v);
		json_object_del(h, moved[i]);
	}
	if (json_object_size(src))
		json_object_set_new(h, "source", src);
	else
		json_decref(src), json_object_del(h, "source");
}

static int hit_id_ok(const char *s)
{
	if (!s || strlen(s) != 32) return 0;
	for (const char *c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) return 0;
	return 1;
}

int idt__h_hits_post(idt_req *r, char **p)
{
	(void)p;
	json_t *b = idt__body_json(r, true);
	if (!b) return 0;
	json_t *arr = json_is_array(b) ? json_incref(b) : json_pack("[O]", b);
	size_t n = json_array_size(arr);
	char(*ids)[33] = NULL;
	if (n == 0 || n > MAX_HITS_PER_REQUEST) {
		idt__reply_err(r, 400, "invalid_field", "send 1 to %d hits", MAX_HITS_PER_REQUEST);
		goto out;
	}
	ids = calloc(n, sizeof *ids);
	if (!ids) {
		idt__reply_status(r, IDT_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (idt__hit_validate(r, json_array_get(arr, i), i, ids[i]) != 0) goto out;
	json_t **hs = calloc(n, sizeof *hs);
	const char **idp = calloc(n, sizeof *idp);
	bool *merged = calloc(n, sizeof *merged);
	idt_status s = hs && idp && merged ? IDT_OK : IDT_ENOMEM;
	for (size_t i = 0; s == IDT_OK && i < n; i++) {
		hs[i] = json_deep_copy(json_array_get(arr, i));
		gather_source(hs[i]);
		idp[i] = ids[i];
	}
	if (s == IDT_OK && ST(r)->ops->hit_submit_many)
		s = ST(r)->ops->hit_submit_many(ST(r), &r->actor, n, idp, hs, merged);
	else
		for (size_t i = 0; s == IDT_OK && i < n; i++)
			s = ST(r)->ops->hit_submit(ST(r), &r->actor, ids[i], hs[i], &merged[i]);
	json_t *results = json_array();
	size_t created = 0, merged_n = 0;
	for (size_t i = 0; s == IDT_OK && i < n; i++) {
		merged[i] ? merged_n++ : created++;
		json_array_append_new(results,
		                      json_pack("{s:s,s:b}", "id", ids[i], "merged", merged[i]));
	}
	for (size_t i = 0; hs && i < n; i++) json_decref(hs[i]);
	free(hs), free(idp), free(merged);
	if (s != IDT_OK) {
		json_decref(results);
		idt__reply_status(r, s);
		goto out;
	}
	idt__metrics_hits(r->srv, n);
	idt__reply(r, created ? 201 : 200,
	           json_pack("{s:o,s:I,s:I}", "results", results, "created", (json_int_t)created,
	                     "merged", (json_int_t)merged_n));
out:
	free(ids);
	json_decref(arr);
	json_decref(b);
	return 0;
}

/* A filter value (category, substance, class, source): 1..IDT__HIT_KEY_MAX bytes without
 * control characters; 0 if absent or good, else -1 after a 400 naming it. */
static int key_arg(idt_req *r, const char *name, const char **out)
{
	const char *v = *out = idt__arg(r, name);
	size_t n = v ? strlen(v) : 1;
	int ok = n >= 1 && n <= IDT__HIT_KEY_MAX;
	for (size_t i = 0; v && ok && i < n; i++) ok = (unsigned char)v[i] >= 0x20 && v[i] != 0x7f;
	if (ok) return 0;
	idt__reply_err(r, 400, "invalid_parameter",
	               "'%s' must be 1 to %d characters without control characters", name,
	               IDT__HIT_KEY_MAX);
	return -1;
}

/* A time bound: RFC 3339 UTC ("2026-11-29T09:00:00Z") or a date ("2026-11-29", midnight UTC);
 * 0 in *out if absent; -1 after a 400 naming it. */
static int time_arg(idt_req *r, const char *name, int64_t *out)
{
	const char *v = idt__arg(r, name);
	*out = 0;
	if (!v) return 0;
	char full[24];
	if (strlen(v) == 10) snprintf(full, sizeof full, "%sT00:00:00Z", v);
	int64_t t = idt__utc_parse(strlen(v) == 10 ? full : v);
	if (t >= 0) {
		*out = t;
		return 0;
	}
	idt__reply_err(r, 400, "invalid_parameter",
	               "'%s' must be a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SSZ", name);
	return -1;
}

/* GET /hits: the organisation's queue, filtered in the query (docs/api.md). */
int idt__h_hits_list(idt_req *r, char **p)
{
	(void)p;
	idt_hit_filter f = {.min_score = -1};
	if (idt__arg_int(r, "page", 1, 100000, 1, &f.page) != 0 ||
	    idt__arg_int(r, "per_page", 1, 100, 20, &f.per_page) != 0)
		return 0;
	f.status = idt__arg(r, "status");
	if (f.status && strcmp(f.status, "new") != 0 && strcmp(f.status, "confirmed") != 0 &&
	    strcmp(f.status, "dismissed") != 0)
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'status' must be new, confirmed or dismissed");
	const char *min = idt__arg(r, "min_score");
	if (min) {
		char *end = NULL;
		f.min_score = strtod(min, &end);
		if (!*min || *end || !(f.min_score >= 0 && f.min_score <= 1))
			return idt__reply_err(r, 400, "invalid_parameter",
			                      "'min_score' must be a number from 0 to 1");
	}
	if (key_arg(r, "category", &f.category) || key_arg(r, "substance", &f.substance) ||
	    key_arg(r, "class", &f.cls) || key_arg(r, "source", &f.source) ||
	    time_arg(r, "created_after", &f.after) || time_arg(r, "created_before", &f.before))
		return 0;
	/* 0 is "no bound" in idt_hit_filter; before the epoch's first second nothing was seen */
	if (idt__arg(r, "created_before") && f.before == 0) f.before = 1;
	if (f.cls && idt_class_parse(f.cls, strlen(f.cls)) == IDT_CLASS_COUNT)
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'class' must be a substance class, not '%.64s'", f.cls);
	if (f.after && f.before && f.before <= f.after)
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'created_before' must be later than 'created_after'");
	const char *sort = idt__arg(r, "sort"), *facets = idt__arg(r, "facets");
	if (sort && strcmp(sort, "last_seen") != 0 && strcmp(sort, "score") != 0)
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'sort' must be last_seen or score");
	f.by_score = sort && strcmp(sort, "score") == 0;
	if (facets && strcmp(facets, "true") != 0 && strcmp(facets, "false") != 0)
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'facets' must be true or false");
	f.facets = facets && strcmp(facets, "true") == 0;
	json_t *out = NULL;
	idt_status s = ST(r)->ops->hit_list(ST(r), &r->actor, &f, &out);
	return s == IDT_OK ? idt__reply(r, 200, out) : idt__reply_status(r, s);
}

int idt__h_hit_get(idt_req *r, char **p)
{
	if (!hit_id_ok(p[0])) return idt__reply_status(r, IDT_ENOTFOUND);
	json_t *out = NULL;
	idt_status s = ST(r)->ops->hit_get(ST(r), &r->actor, p[0], &out);
	return s == IDT_OK ? idt__reply(r, 200, out) : idt__reply_status(r, s);
}

int idt__h_hit_confirm(idt_req *r, char **p)
{
	if (!hit_id_ok(p[0])) return idt__reply_status(r, IDT_ENOTFOUND);
	json_t *over = NULL;
	if (r->body.len) {
		over = idt__body_json(r, false);
		if (!over) return 0;
	}
	json_t *hit = NULL, *doc = NULL, *out = NULL, *valid = NULL;
	idt_status s = ST(r)->ops->hit_get(ST(r), &r->actor, p[0], &hit);
	if (s != IDT_OK) {
		idt__reply_status(r, s);
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(hit, "status")), "new") != 0) {
		idt__reply_err(r, 409, "conflict", "the hit was already %s",
		               json_string_value(json_object_get(hit, "status")));
		goto out;
	}
	doc = idt__hit_prefill(r->srv, hit);
	if (over) {
		/* the analyst's corrections, validated as an incident patch first */
		json_t *checked = NULL;
		if (idt__incident_validate(r, over, false, &checked) != 0) goto out;
		json_decref(checked);
		json_object_update(doc, over);
		json_object_del(doc, "version");
	}
	if (idt__incident_validate(r, doc, true, &valid) != 0) goto out;
	s = ST(r)->ops->hit_confirm(ST(r), &r->actor, p[0], valid, &out);
	if (s == IDT_OK)
		idt__reply(r, 201, out);
	else
		idt__reply_status(r, s);
out:
	json_decref(over), json_decref(hit), json_decref(doc), json_decref(valid);
	return 0;
}

int idt__h_hit_dismiss(idt_req *r, char **p)
{
	if (!hit_id_ok(p[0])) return idt__reply_status(r, IDT_ENOTFOUND);
	json_t *b = idt__body_json(r, false);
	if (!b) return 0;
	static const char *const keys[] = {"reason", NULL};
	json_t *reason = json_object_get(b, "reason");
	if (idt__only_keys(r, b, keys, "dismissal") == 0) {
		if (!json_is_string(reason) || json_string_length(reason) == 0 ||
		    json_string_length(reason) > 500)
			idt__reply_err(r, 400, "missing_field",
			               "'reason' (1 to 500 bytes) is required to dismiss a hit");
		else
			idt__reply_status(r, ST(r)->ops->hit_dismiss(ST(r), &r->actor, p[0],
			                                             json_string_value(reason)));
	}
	json_decref(b);
	return 0;
}
