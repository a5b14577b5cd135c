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

int idt__h_hits_list(idt_req *r, char **p)
{
	(void)p;
	int64_t page, per_page;
	if (idt__arg_int(r, "page", 1, 100000, 1, &page) != 0 ||
	    idt__arg_int(r, "per_page", 1, 100, 20, &per_page) != 0)
		return 0;
	const char *status = idt__arg(r, "status");
	if (status && strcmp(status, "new") != 0 && strcmp(status, "confirmed") != 0 &&
	    strcmp(status, "dismissed") != 0)
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'status' must be new, confirmed or dismissed");
	json_t *out = NULL;
	idt_status s = ST(r)->ops->hit_list(ST(r), &r->actor, status, page, per_page, &out);
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
