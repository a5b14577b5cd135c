/*
 * demo.c - loads the bundled demo data set (data/demo/demo.json, embedded at build time) into
 * a fresh store: organisations of each kind, users of each role with documented passwords,
 * sharing groups, about twenty incidents (through the same validation as the API, so
 * observables are normalised and correlated), and triage hits made by scanning the bundled
 * sample listings (data/samples/listings.jsonl) with the real scanner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server.h"
#include "kb/embedded.h"

extern const struct idt__embedded idt__demo_files[];

static const char *embedded(const char *suffix, size_t *len)
{
	for (const struct idt__embedded *e = idt__demo_files; e->name; e++) {
		size_t n = strlen(e->name), m = strlen(suffix);
		if (n >= m && strcmp(e->name + n - m, suffix) == 0) {
			*len = e->len;
			return e->data;
		}
	}
	return NULL;
}

static int64_t lookup(json_t *map, const char *name)
{
	return json_integer_value(json_object_get(map, name ? name : ""));
}

static idt_status load_orgs_users(idt_store *st, json_t *demo, json_t *orgs, json_t *users,
                                  json_t *logins)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(demo, "organisations"), i, o)
	{
		int64_t id;
		const char *name = json_string_value(json_object_get(o, "name"));
		idt_status s =
		    st->ops->org_create(st, name, json_string_value(json_object_get(o, "country")),
		                        json_string_value(json_object_get(o, "kind")), &id);
		if (s != IDT_OK) return s;
		json_object_set_new(orgs, name, json_integer(id));
	}
	json_array_foreach(json_object_get(demo, "users"), i, o)
	{
		const char *u = json_string_value(json_object_get(o, "username"));
		const char *pw = json_string_value(json_object_get(o, "password"));
		const char *org = json_string_value(json_object_get(o, "org"));
		idt_role role;
		char h[128];
		int64_t id;
		if (idt__role_parse(json_string_value(json_object_get(o, "role")), &role) != 0)
			return IDT_EINVAL;
		idt_status s = idt__password_hash(pw, h);
		if (s == IDT_OK) s = st->ops->user_create(st, lookup(orgs, org), u, h, role, &id);
		if (s != IDT_OK) return s;
		json_t *a = json_pack("{s:I,s:I,s:s}", "id", (json_int_t)id, "org_id",
		                      (json_int_t)lookup(orgs, org), "role", idt__role_name(role));
		json_object_set_new(users, u, a);
		json_array_append_new(logins,
		                      json_pack("{s:s,s:s,s:s,s:s}", "username", u, "password", pw,
		                                "role", idt__role_name(role), "org", org));
	}
	return IDT_OK;
}

static idt_status load_groups(idt_store *st, json_t *demo, json_t *orgs, json_t *groups)
{
	size_t i, j;
	json_t *g, *m;
	json_array_foreach(json_object_get(demo, "sharing_groups"), i, g)
	{
		int64_t id;
		const char *name = json_string_value(json_object_get(g, "name"));
		idt_status s = st->ops->group_create(
		    st, name, lookup(orgs, json_string_value(json_object_get(g, "owner"))), &id);
		if (s != IDT_OK) return s;
		json_array_foreach(json_object_get(g, "members"), j, m)
		{
			s = st->ops->group_set_member(st, id, lookup(orgs, json_string_value(m)),
			                              true);
			if (s != IDT_OK) return s;
		}
		json_object_set_new(groups, name, json_integer(id));
	}
	return IDT_OK;
}

static void actor_of(json_t *users, const char *name, idt_actor *a)
{
	json_t *u = json_object_get(users, name ? name : "");
	a->user_id = json_integer_value(json_object_get(u, "id"));
	a->org_id = json_integer_value(json_object_get(u, "org_id"));
	idt__role_parse(json_string_value(json_object_get(u, "role")), &a->role);
	a->username = name;
	a->addr = "demo-loader";
}

static idt_status load_incidents(idt_store *st, idt_req *req, json_t *demo, json_t *users,
                                 json_t *groups, const char **errmsg)
{
	size_t i;
	json_t *in;
	json_array_foreach(json_object_get(demo, "incidents"), i, in)
	{
		json_t *doc = json_deep_copy(in), *valid = NULL, *out = NULL;
		idt_actor a = {0};
		actor_of(users, json_string_value(json_object_get(in, "user")), &a);
		const char *g = json_string_value(json_object_get(in, "group"));
		if (g)
			json_object_set_new(doc, "sharing_group_id",
			                    json_integer(lookup(groups, g)));
		json_object_del(doc, "user");
		json_object_del(doc, "group");
		idt_status s = IDT_EINVAL;
		if (idt__incident_validate(req, doc, true, &valid) == 0)
			s = st->ops->incident_create(st, &a, valid, &out);
		else
			*errmsg = "a demo incident failed validation";
		json_decref(doc), json_decref(valid), json_decref(out);
		if (s != IDT_OK) return s;
	}
	return IDT_OK;
}

/* Scans the sample listings and submits the flagged ones as hits. */
static idt_status load_hits(idt_store *st, idt_req *req, const idt_scanner *sc, json_t *demo,
                            json_t *users)
{
	json_t *cfg = json_object_get(demo, "hits");
	size_t len;
	const char *text = embedded("listings.jsonl", &len);
	if (!sc || !text) return IDT_OK;
	idt_actor a = {0};
	actor_of(users, json_string_value(json_object_get(cfg, "user")), &a);
	idt_scratch *scr = NULL;
	if (idt_scratch_new(sc, &scr) != IDT_OK) return IDT_ENOMEM;
	idt_result *res = NULL;
	idt_status s = IDT_OK;
	const char *p = text, *end = text + len;
	while (p < end && s == IDT_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) nl = end;
		json_t *rec = json_loadb(p, (size_t)(nl - p), 0, NULL);
		p = nl + 1;
		if (!json_is_object(rec)) {
			json_decref(rec);
			continue;
		}
		const char *title = json_string_value(json_object_get(rec, "title"));
		const char *body = json_string_value(json_object_get(rec, "text"));
		idt_field f[2] = {{"title", 5, title ? title : "", title ? strlen(title) : 0},
		                  {"text", 4, body ? body : "", body ? strlen(body) : 0}};
		char *buf = NULL;
		size_t blen = 0, bcap = 0;
		char *idj = json_dumps(json_object_get(rec, "id"), JSON_ENCODE_ANY);
		if (idt_scan(sc, scr, f, 2, &res) == IDT_OK && idt_result_flagged(res) &&
		    idt_result_json(sc, res, f, 2, idj, idj ? strlen(idj) : 0, NULL, 0, &buf, &blen,
		                    &bcap) == IDT_OK) {
			json_t *v = json_loadb(buf, blen, 0, NULL);
			char url[256], hid[33];
			snprintf(url, sizeof url, "%s%s",
			         json_string_value(json_object_get(cfg, "url_prefix")),
			         json_string_value(json_object_get(rec, "id")) ?: "x");
			if (v) {
				json_object_set_new(
				    v, "fields",
				    json_pack("{s:s,s:s}", "title", f[0].text, "text", f[1].text));
				json_object_set_new(v, "source",
				                    json_pack("{s:s,s:O}", "url", url, "platform",
				                              json_object_get(cfg, "platform")));
				bool merged;
				if (idt__hit_validate(req, v, 0, hid) == 0)
					s = st->ops->hit_submit(st, &a, hid, v, &merged);
			}
			json_decref(v);
		}
		free(buf);
		free(idj);
		json_decref(rec);
	}
	idt_result_free(res);
	idt_scratch_free(scr);
	return s;
}

idt_status idt__demo_load(idt_store *st, const idt_kb *kb, const idt_scanner *sc, json_t **logins,
                          const char **errmsg)
{
	size_t len;
	const char *text = embedded("demo.json", &len);
	*logins = NULL;
	*errmsg = "cannot load the demo data set";
	if (!text) return IDT_EINVAL;
	json_t *demo = json_loadb(text, len, 0, NULL);
	if (!demo) return IDT_EPARSE;
	json_t *orgs = json_object(), *users = json_object(), *groups = json_object();
	json_t *out = json_array();
	idt_server fake = {.kb = kb};
	idt_req req = {.srv = &fake, .fd = -1};
	idt_status s = load_orgs_users(st, demo, orgs, users, out);
	if (s == IDT_OK) s = load_groups(st, demo, orgs, groups);
	if (s == IDT_OK) s = load_incidents(st, &req, demo, users, groups, errmsg);
	if (s == IDT_OK) s = load_hits(st, &req, sc, demo, users);
	if (s != IDT_OK && req.json) {
		static char msg[600];
		snprintf(msg, sizeof msg, "demo data: %s",
		         json_string_value(
		             json_object_get(json_object_get(req.json, "error"), "message")));
		*errmsg = msg;
	}
	json_decref(req.json);
	json_decref(demo), json_decref(orgs), json_decref(users), json_decref(groups);
	if (s != IDT_OK) {
		json_decref(out);
		return s;
	}
	*logins = out;
	return IDT_OK;
}
