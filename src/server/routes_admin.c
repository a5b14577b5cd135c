/*
 * routes_admin.c - handlers for administration (organisations, users, sharing groups, API
 * tokens; the audit log, its export and verification) and for each user's own things (tokens,
 * sharing groups, alert subscriptions, notifications and the Atom feed of alerts).
 *
 * Admins administer the whole instance; every administrative change is itself audited.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "routes.h"
#include "store/observable.h"

static idt_store *ST(idt_req *r)
{
	return r->srv->st;
}

static int reply_list(idt_req *r, idt_status s, json_t *items)
{
	return s == IDT_OK ? idt__reply(r, 200, json_pack("{s:o}", "items", items))
	                   : idt__reply_status(r, s);
}

static void audit(idt_req *r, const char *action, const char *type, int64_t id, json_t *det)
{
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	ST(r)->ops->audit_append(ST(r), &r->actor, action, type, sid, det);
	json_decref(det);
}

/* ---------------------------------------------------------------- organisations */

static const char *const org_kinds[] = {"government", "international-body", "platform",
                                        "drug-checking-service", NULL};

int idt__h_orgs_list(idt_req *r, char **p)
{
	(void)p;
	json_t *out = NULL;
	idt_status s_ = ST(r)->ops->org_list(ST(r), &out);
	return reply_list(r, s_, out);
}

int idt__h_org_create(idt_req *r, char **p)
{
	(void)p;
	json_t *b = idt__body_json(r, false);
	if (!b) return 0;
	static const char *const keys[] = {"name", "country", "kind", NULL};
	const char *name = json_string_value(json_object_get(b, "name"));
	const char *country = json_string_value(json_object_get(b, "country"));
	const char *kind = json_string_value(json_object_get(b, "kind"));
	int kind_ok = 0;
	for (const char *const *k = org_kinds; kind && *k; k++) kind_ok |= strcmp(*k, kind) == 0;
	if (idt__only_keys(r, b, keys, "organisation") != 0) goto out;
	if (!name || strlen(name) == 0 || strlen(name) > 200)
		idt__reply_err(r, 400, "invalid_field", "'name' must be 1 to 200 bytes");
	else if (!idt__country_valid(country))
		idt__reply_err(r, 400, "invalid_field",
		               "'country' must be an ISO 3166 alpha-2 code");
	else if (!kind_ok)
		idt__reply_err(r, 400, "invalid_field",
		               "'kind' must be government, international-body, platform or "
		               "drug-checking-service");
	else {
		int64_t id = 0;
		idt_status s = ST(r)->ops->org_create(ST(r), name, country, kind, &id);
		if (s != IDT_OK)
			idt__reply_status(r, s);
		else {
			audit(r, "create", "org", id, json_pack("{s:s}", "name", name));
			idt__reply(r, 201,
			           json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "name",
			                     name, "country", country, "kind", kind));
		}
	}
out:
	json_decref(b);
	return 0;
}

/* ---------------------------------------------------------------- users */

static int username_ok(const char *u)
{
	size_t n = u ? strlen(u) : 0;
	if (n == 0 || n > 64) return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)u[i]) && !strchr("._@-", u[i])) return 0;
	return 1;
}

int idt__h_users_list(idt_req *r, char **p)
{
	(void)p;
	int64_t org;
	if (idt__arg_int(r, "org_id", 0, INT64_MAX, 0, &org) != 0) return 0;
	json_t *out = NULL;
	idt_status s_ = ST(r)->ops->user_list(ST(r), org, &out);
	return reply_list(r, s_, out);
}

int idt__h_user_create(idt_req *r, char **p)
{
	(void)p;
	json_t *b = idt__body_json(r, false);
	if (!b) return 0;
	static const char *const keys[] = {"org_id", "username", "password", "role", NULL};
	const char *user = json_string_value(json_object_get(b, "username"));
	const char *pw = json_string_value(json_object_get(b, "password"));
	const char *role = json_string_value(json_object_get(b, "role"));
	json_t *org = json_object_get(b, "org_id");
	idt_role ro;
	if (idt__only_keys(r, b, keys, "user") != 0) goto out;
	if (!json_is_integer(org))
		idt__reply_err(r, 400, "wrong_type", "'org_id' must be an integer");
	else if (!username_ok(user))
		idt__reply_err(r, 400, "invalid_field",
		               "'username' must be 1 to 64 letters, digits or . _ @ -");
	else if (!pw || strlen(pw) < 10 || strlen(pw) > 1024)
		idt__reply_err(r, 400, "invalid_field", "'password' must have 10 to 1024 bytes");
	else if (idt__role_parse(role, &ro) != 0)
		idt__reply_err(r, 400, "invalid_field", "'role' must be admin, analyst or viewer");
	else {
		char h[128];
		int64_t id = 0;
		idt_status s = idt__password_hash(pw, h);
		if (s == IDT_OK)
			s = ST(r)->ops->user_create(ST(r), json_integer_value(org), user, h, ro,
			                            &id);
		if (s != IDT_OK)
			idt__reply_status(r, s);
		else {
			audit(r, "create", "user", id,
			      json_pack("{s:s,s:s,s:O}", "username", user, "role", role, "org_id",
			                org));
			idt__reply(r, 201,
			           json_pack("{s:I,s:s,s:s,s:O}", "id", (json_int_t)id, "username",
			                     user, "role", role, "org_id", org));
		}
	}
out:
	json_decref(b);
	return 0;
}

int idt__h_user_patch(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	json_t *b = idt__body_json(r, false);
	if (!b) return 0;
	static const char *const keys[] = {"role", "disabled", "password", NULL};
	json_t *role = json_object_get(b, "role"), *dis = json_object_get(b, "disabled");
	const char *pw = json_string_value(json_object_get(b, "password"));
	idt_role ro = IDT_ROLE_VIEWER;
	if (idt__only_keys(r, b, keys, "user") != 0) goto out;
	if (role && idt__role_parse(json_string_value(role), &ro) != 0)
		idt__reply_err(r, 400, "invalid_field", "'role' must be admin, analyst or viewer");
	else if (dis && !json_is_boolean(dis))
		idt__reply_err(r, 400, "wrong_type", "'disabled' must be a boolean");
	else if (json_object_get(b, "password") && (!pw || strlen(pw) < 10 || strlen(pw) > 1024))
		idt__reply_err(r, 400, "invalid_field", "'password' must have 10 to 1024 bytes");
	else {
		char h[128];
		idt_status s = pw ? idt__password_hash(pw, h) : IDT_OK;
		if (s == IDT_OK)
			s = ST(r)->ops->user_update(ST(r), id, role ? (int)ro : -1,
			                            dis ? json_is_true(dis) : -1, pw ? h : NULL);
		if (s == IDT_OK) {
			json_t *det = json_deep_copy(b);
			if (json_object_get(det, "password"))
				json_object_set_new(det, "password", json_string("(changed)"));
			audit(r, "update", "user", id, det);
		}
		idt__reply_status(r, s);
	}
out:
	json_decref(b);
	return 0;
}

/* ---------------------------------------------------------------- sharing groups */

int idt__h_groups_list(idt_req *r, char **p)
{
	(void)p;
	json_t *out = NULL;
	idt_status s_ = ST(r)->ops->group_list(ST(r), 0, &out);
	return reply_list(r, s_, out);
}

int idt__h_my_groups(idt_req *r, char **p)
{
	(void)p;
	json_t *out = NULL;
	idt_status s_ = ST(r)->ops->group_list(ST(r), r->actor.org_id, &out);
	return reply_list(r, s_, out);
}

int idt__h_group_create(idt_req *r, char **p)
{
	(void)p;
	json_t *b = idt__body_json(r, false);
	if (!b) return 0;
	static const char *const keys[] = {"name", "members", NULL};
	const char *name = json_string_value(json_object_get(b, "name"));
	json_t *members = json_object_get(b, "members");
	if (idt__only_keys(r, b, keys, "sharing group") != 0) goto out;
	if (!name || !*name || strlen(name) > 200) {
		idt__reply_err(r, 400, "invalid_field", "'name' must be 1 to 200 bytes");
		goto out;
	}
	if (members && (!json_is_array(members) || json_array_size(members) > 1000)) {
		idt__reply_err(r, 400, "wrong_type",
		               "'members' must be an array of organisation ids");
		goto out;
	}
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m) if (!json_is_integer(m))
	{
		idt__reply_err(r, 400, "wrong_type",
		               "'members' must be an array of organisation ids");
		goto out;
	}
	int64_t id = 0;
	idt_status s = ST(r)->ops->group_create(ST(r), name, r->actor.org_id, &id);
	json_array_foreach(members, i, m)
	{
		if (s == IDT_OK)
			s = ST(r)->ops->group_set_member(ST(r), id, json_integer_value(m), true);
	}
	if (s != IDT_OK) {
		idt__reply_status(r, s);
		goto out;
	}
	audit(r, "create", "sharing-group", id,
	      json_pack("{s:s,s:O?}", "name", name, "members", members));
	idt__reply(r, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "name", name));
out:
	json_decref(b);
	return 0;
}

static int member_change(idt_req *r, char **p, bool member)
{
	int64_t g, o;
	if (idt__parse_id(p[0], &g) != 0 || idt__parse_id(p[1], &o) != 0)
		return idt__reply_status(r, IDT_ENOTFOUND);
	bool was;
	idt_status s = ST(r)->ops->group_is_member(ST(r), g, o, &was);
	if (s == IDT_OK) s = ST(r)->ops->group_set_member(ST(r), g, o, member);
	if (s == IDT_OK)
		audit(r, member ? "add-member" : "remove-member", "sharing-group", g,
		      json_pack("{s:I}", "org_id", (json_int_t)o));
	return idt__reply_status(r, s);
}

int idt__h_group_member_put(idt_req *r, char **p)
{
	return member_change(r, p, true);
}

int idt__h_group_member_delete(idt_req *r, char **p)
{
	return member_change(r, p, false);
}

/* ---------------------------------------------------------------- tokens */

static int token_create(idt_req *r, int64_t user_id, json_t *b)
{
	const char *name = json_string_value(json_object_get(b, "name"));
	unsigned scopes = idt__scopes_parse(json_object_get(b, "scopes"));
	if (!name || !*name || strlen(name) > 100)
		return idt__reply_err(r, 400, "invalid_field", "'name' must be 1 to 100 bytes");
	if (!scopes)
		return idt__reply_err(r, 400, "invalid_field",
		                      "'scopes' must be a non-empty array of read, write, "
		                      "submit-hits");
	char token[80];
	int64_t id = 0;
	idt_status s = idt__token_new(ST(r), user_id, name, scopes, token, &id);
	if (s != IDT_OK) return idt__reply_status(r, s);
	audit(r, "create", "token", id,
	      json_pack("{s:s,s:I,s:O}", "name", name, "user_id", (json_int_t)user_id, "scopes",
	                json_object_get(b, "scopes")));
	/* the secret is shown once, here; only its hash is stored */
	return idt__reply(r, 201,
	                  json_pack("{s:I,s:s,s:s,s:O,s:I}", "id", (json_int_t)id, "token", token,
	                            "name", name, "scopes", json_object_get(b, "scopes"), "user_id",
	                            (json_int_t)user_id));
}

int idt__h_tokens_list(idt_req *r, char **p)
{
	(void)p;
	json_t *out = NULL;
	idt_status s_ = ST(r)->ops->token_list(ST(r), 0, &out);
	return reply_list(r, s_, out);
}

int idt__h_token_create(idt_req *r, char **p)
{
	(void)p;
	json_t *b = idt__body_json(r, false);
	if (!b) return 0;
	static const char *const keys[] = {"user_id", "name", "scopes", NULL};
	json_t *uid = json_object_get(b, "user_id");
	idt_user_rec u;
	if (idt__only_keys(r, b, keys, "token") != 0) goto out;
	if (!json_is_integer(uid)) {
		idt__reply_err(r, 400, "wrong_type", "'user_id' must be an integer");
		goto out;
	}
	if (ST(r)->ops->user_get(ST(r), json_integer_value(uid), &u) != IDT_OK) {
		idt__reply_err(r, 400, "invalid_reference", "no such user");
		goto out;
	}
	idt__user_clear(&u);
	token_create(r, json_integer_value(uid), b);
out:
	json_decref(b);
	return 0;
}

int idt__h_token_revoke(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	idt_status s = ST(r)->ops->token_revoke(ST(r), id, 0);
	if (s == IDT_OK) audit(r, "revoke", "token", id, NULL);
	return idt__reply_status(r, s);
}

int idt__h_my_tokens(idt_req *r, char **p)
{
	(void)p;
	json_t *out = NULL;
	idt_status s_ = ST(r)->ops->token_list(ST(r), r->actor.user_id, &out);
	return reply_list(r, s_, out);
}

int idt__h_my_token_create(idt_req *r, char **p)
{
	(void)p;
	json_t *b = idt__body_json(r, false);
	if (!b) return 0;
	static const char *const keys[] = {"name", "scopes", NULL};
	if (idt__only_keys(r, b, keys, "token") == 0) {
		/* a token never carries more than its owner's role allows: roles are checked
		 * on every request; a viewer's write scope is useless */
		token_create(r, r->actor.user_id, b);
	}
	json_decref(b);
	return 0;
}

int idt__h_my_token_revoke(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	idt_status s = ST(r)->ops->token_revoke(ST(r), id, r->actor.user_id);
	if (s == IDT_OK) audit(r, "revoke", "token", id, NULL);
	return idt__reply_status(r, s);
}

/* ---------------------------------------------------------------- audit */

int idt__h_audit_list(idt_req *r, char **p)
{
	(void)p;
	int64_t after, limit;
	if (idt__arg_int(r, "after", 0, INT64_MAX, 0, &after) != 0 ||
	    idt__arg_int(r, "limit", 1, 1000, 100, &limit) != 0)
		return 0;
	json_t *out = NULL;
	idt_status s_ = ST(r)->ops->audit_list(ST(r), after, limit, &out);
	return reply_list(r, s_, out);
}

int idt__h_audit_export(idt_req *r, char **p)
{
	(void)p;
	/* JSON Lines, oldest first, with prev_hash/hash so that the chain can be verified
	 * offline; capped at 64 MiB */
	idt_buf b = {.cap_limit = 64u << 20};
	int64_t after = 0;
	for (;;) {
		json_t *page = NULL;
		idt_status s = ST(r)->ops->audit_list(ST(r), after, 1000, &page);
		if (s != IDT_OK) {
			idt__buf_free(&b);
			return idt__reply_status(r, s);
		}
		size_t i;
		json_t *e;
		idt_status ws = IDT_OK;
		json_array_foreach(page, i, e)
		{
			char *line = json_dumps(e, JSON_COMPACT | JSON_ENSURE_ASCII);
			if (line) {
				ws = idt__buf_puts(&b, line);
				if (ws == IDT_OK) ws = idt__buf_putc(&b, '\n');
			}
			free(line);
			after = json_integer_value(json_object_get(e, "id"));
			if (ws != IDT_OK) break;
		}
		size_t n = json_array_size(page);
		json_decref(page);
		if (ws != IDT_OK) {
			idt__buf_free(&b);
			return idt__reply_err(r, 413, "too_large",
			                      "export larger than 64 MiB; page "
			                      "with GET /api/v1/audit");
		}
		if (n < 1000) break;
	}
	ST(r)->ops->audit_append(ST(r), &r->actor, "export", "audit", NULL, NULL);
	r->raw = b.data ? b.data : strdup("");
	r->raw_len = b.len;
	r->raw_type = "application/x-ndjson";
	snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"audit.jsonl\"");
	r->status = 200;
	return 0;
}

int idt__h_audit_verify(idt_req *r, char **p)
{
	(void)p;
	int64_t checked = 0, bad = 0;
	idt_status s = ST(r)->ops->audit_verify(ST(r), &checked, &bad);
	if (s != IDT_OK) return idt__reply_status(r, s);
	return idt__reply(r, 200,
	                  json_pack("{s:b,s:I,s:I}", "ok", bad == 0, "checked", (json_int_t)checked,
	                            "first_bad_id", (json_int_t)bad));
}

/* ---------------------------------------------------------------- alerts */

int idt__h_subs_list(idt_req *r, char **p)
{
	(void)p;
	json_t *out = NULL;
	idt_status s_ = ST(r)->ops->sub_list(ST(r), &r->actor, &out);
	return reply_list(r, s_, out);
}

/* Normalises a subscription value for its kind into out; 0 on success (else a 400 sent). */
static int sub_value(idt_req *r, const char *kind, const char *v, char *out, size_t n)
{
	if (!v || !*v || strlen(v) > 2100)
		return idt__reply_err(r, 400, "invalid_field",
		                      "'value' must be a non-empty string"),
		       -1;
	if (strcmp(kind, "substance") == 0) {
		if (r->srv->kb && idt_kb_find(r->srv->kb, v) == (size_t)-1)
			return idt__reply_err(r, 400, "unknown_substance",
			                      "'%.64s' is not in the knowledge base", v),
			       -1;
		snprintf(out, n, "%s", v);
	} else if (strcmp(kind, "class") == 0) {
		if (idt_class_parse(v, strlen(v)) == IDT_CLASS_COUNT)
			return idt__reply_err(r, 400, "invalid_field", "unknown class"), -1;
		snprintf(out, n, "%s", v);
	} else if (strcmp(kind, "country") == 0) {
		if (!idt__country_valid(v))
			return idt__reply_err(r, 400, "invalid_field",
			                      "a country must be an ISO 3166 alpha-2 code"),
			       -1;
		snprintf(out, n, "%s", v);
	} else if (strcmp(kind, "observable") == 0) {
		const char *colon = strchr(v, ':');
		char type[16], norm[IDT_OBS_MAX + 1];
		const char *why = "bad observable";
		if (!colon || (size_t)(colon - v) >= sizeof type)
			return idt__reply_err(r, 400, "invalid_field",
			                      "an observable subscription is TYPE:VALUE"),
			       -1;
		memcpy(type, v, (size_t)(colon - v));
		type[colon - v] = 0;
		if (idt__obs_normalize(type, colon + 1, strlen(colon + 1), NULL, NULL, norm,
		                       &why) != IDT_OK)
			return idt__reply_err(r, 400, "invalid_observable", "%s", why), -1;
		snprintf(out, n, "%s:%s", type, norm);
	} else {
		return idt__reply_err(r, 400, "invalid_field",
		                      "'kind' must be substance, class, country or observable"),
		       -1;
	}
	return 0;
}

/* Webhooks go only where the operator allows (--webhook-allow: comma-separated URL prefixes),
 * so that no user can make the server POST to internal services (SSRF). */
static int webhook_allowed(const char *allow, const char *url)
{
	if (!allow) return 0;
	const char *p = allow;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n && strncmp(url, p, n) == 0) return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

int idt__h_sub_create(idt_req *r, char **p)
{
	(void)p;
	json_t *b = idt__body_json(r, false);
	if (!b) return 0;
	static const char *const keys[] = {"kind", "value", "webhook", NULL};
	const char *kind = json_string_value(json_object_get(b, "kind"));
	const char *value = json_string_value(json_object_get(b, "value"));
	json_t *wh = json_object_get(b, "webhook");
	const char *hook = json_string_value(wh);
	char norm[2200];
	if (idt__only_keys(r, b, keys, "subscription") != 0) goto out;
	if (!kind) {
		idt__reply_err(r, 400, "missing_field", "'kind' is required");
		goto out;
	}
	if (sub_value(r, kind, value, norm, sizeof norm) != 0) goto out;
	if (wh && !json_is_null(wh)) {
		size_t n = hook ? strlen(hook) : 0;
		int ok = hook && n < 500 &&
		         (strncmp(hook, "http://", 7) == 0 || strncmp(hook, "https://", 8) == 0);
		for (size_t i = 0; ok && i < n; i++)
			ok = (unsigned char)hook[i] > 0x20 && hook[i] != 0x7f;
		if (!ok) {
			idt__reply_err(r, 400, "invalid_field",
			               "'webhook' must be an http:// or https:// URL");
			goto out;
		}
		if (!webhook_allowed(r->srv->opts.webhook_allow, hook)) {
			idt__reply_err(r, 400, "webhook_not_allowed",
			               "the server does not deliver webhooks to this URL "
			               "(see interdict serve --webhook-allow)");
			goto out;
		}
	} else {
		hook = NULL;
	}
	int64_t id = 0;
	idt_status s = ST(r)->ops->sub_create(ST(r), &r->actor, kind, norm, hook, &id);
	if (s != IDT_OK)
		idt__reply_status(r, s);
	else
		idt__reply(r, 201,
		           json_pack("{s:I,s:s,s:s,s:s?}", "id", (json_int_t)id, "kind", kind,
		                     "value", norm, "webhook", hook));
out:
	json_decref(b);
	return 0;
}

int idt__h_sub_delete(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	return idt__reply_status(r, ST(r)->ops->sub_delete(ST(r), &r->actor, id));
}

int idt__h_notifs_list(idt_req *r, char **p)
{
	(void)p;
	int64_t limit;
	if (idt__arg_int(r, "limit", 1, 500, 100, &limit) != 0) return 0;
	json_t *out = NULL;
	idt_status s_ = ST(r)->ops->notif_list(ST(r), &r->actor, limit, &out);
	return reply_list(r, s_, out);
}

int idt__h_notif_read(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	return idt__reply_status(r, ST(r)->ops->notif_mark_read(ST(r), &r->actor, id));
}

int idt__h_alerts_atom(idt_req *r, char **p)
{
	(void)p;
	/* feed readers cannot log in: the token (read scope) comes in the query string */
	idt_actor a = {0};
	unsigned scopes = 0;
	char username[128];
	const char *tok = idt__arg(r, "token");
	if (!tok ||
	    idt__token_actor(r->srv, tok, &a, &scopes, username, sizeof username) != IDT_OK ||
	    !(scopes & IDT_SCOPE_READ))
		return idt__reply_err(r, 401, "unauthenticated",
		                      "a valid API token with the read scope is required");
	a.username = username;
	a.addr = r->addr;
	json_t *items = NULL;
	idt_status s = ST(r)->ops->notif_list(ST(r), &a, 100, &items);
	if (s != IDT_OK) return idt__reply_status(r, s);
	r->raw = idt__atom_alerts(r->srv, username, items, &r->raw_len);
	json_decref(items);
	if (!r->raw) return idt__reply_status(r, IDT_ENOMEM);
	r->raw_type = "application/atom+xml; charset=utf-8";
	r->status = 200;
	return 0;
}
