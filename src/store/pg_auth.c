/*
 * pg_auth.c - organisations, users, sharing groups, sessions and API tokens in PostgreSQL
 * (the port of sqlite_auth.c), and the backend's ops table.  Secrets never reach the
 * database: sessions and tokens are stored by the 32-byte hash of their secret (BYTEA),
 * passwords as libsodium argon2id strings made by the caller.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_int.h"

/* Runs an INSERT ... RETURNING id; *id (may be NULL) gets it.  Releases the connection. */
static idt_status insert_id(idt_store *st, PGconn *c, PGresult *r, idt_status s, int64_t *id)
{
	if (r && id) *id = PQntuples(r) == 1 ? idt__pg_int(r, 0, 0) : 0;
	PQclear(r);
	idt__pg_release(st, c);
	return s;
}

static idt_status list_json(idt_store *st, PGconn *c, PGresult *r, idt_status s, json_t **out)
{
	*out = idt__pg_rows(r);
	idt__pg_release(st, c);
	return *out ? IDT_OK : s != IDT_OK ? s : IDT_ESTORE;
}

/* ---------------------------------------------------------------- organisations */

static idt_status org_create(idt_store *st, const char *name, const char *country, const char *kind,
                             int64_t *id)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(c, &s,
	                        "INSERT INTO orgs(name, country, kind, created_at) VALUES"
	                        " ($1,$2,$3,$4) RETURNING id",
	                        "ttti", name, country, kind, idt__now());
	return insert_id(st, c, r, s, id);
}

static idt_status org_list(idt_store *st, json_t **out)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(
	    c, &s, "SELECT id, name, country, kind, created_at FROM orgs ORDER BY id", "");
	return list_json(st, c, r, s, out);
}

static idt_status org_find(idt_store *st, const char *name, int64_t *id)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(c, &s,
	                        "SELECT id FROM orgs WHERE name = $1 OR id::text = $1"
	                        " ORDER BY (name = $1) DESC, id LIMIT 1",
	                        "t", name);
	if (r) s = PQntuples(r) == 1 ? IDT_OK : IDT_ENOTFOUND;
	if (s == IDT_OK) *id = idt__pg_int(r, 0, 0);
	PQclear(r);
	idt__pg_release(st, c);
	return s;
}

/* ---------------------------------------------------------------- users */

static idt_status user_create(idt_store *st, int64_t org_id, const char *username,
                              const char *pwhash, idt_role role, int64_t *id)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r =
	    idt__pg_q(c, &s,
	              "INSERT INTO users(org_id, username, pwhash, role, created_at)"
	              " VALUES ($1,$2,$3,$4,$5) RETURNING id",
	              "ittti", org_id, username, pwhash, idt__role_name(role), idt__now());
	return insert_id(st, c, r, s, id);
}

#define USER_COLS "SELECT id, org_id, username, pwhash, role, disabled FROM users"

static idt_status user_fetch(PGresult *r, idt_status s, idt_user_rec *out)
{
	if (r) s = PQntuples(r) == 1 ? IDT_OK : IDT_ENOTFOUND;
	if (s == IDT_OK) {
		out->id = idt__pg_int(r, 0, 0);
		out->org_id = idt__pg_int(r, 0, 1);
		out->username = strdup(PQgetvalue(r, 0, 2));
		out->pwhash = strdup(PQgetvalue(r, 0, 3));
		idt__role_parse(PQgetvalue(r, 0, 4), &out->role);
		out->disabled = PQgetvalue(r, 0, 5)[0] == 't';
		if (!out->username || !out->pwhash) {
			idt__user_clear(out);
			s = IDT_ENOMEM;
		}
	}
	PQclear(r);
	return s;
}

static idt_status user_get(idt_store *st, int64_t id, idt_user_rec *out)
{
	memset(out, 0, sizeof *out);
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(c, &s, USER_COLS " WHERE id = $1", "i", id);
	s = user_fetch(r, s, out);
	idt__pg_release(st, c);
	return s;
}

static idt_status user_by_name(idt_store *st, const char *username, idt_user_rec *out)
{
	memset(out, 0, sizeof *out);
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(c, &s, USER_COLS " WHERE username = $1", "t", username);
	s = user_fetch(r, s, out);
	idt__pg_release(st, c);
	return s;
}

static idt_status user_list(idt_store *st, int64_t org_id, json_t **out)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r =
	    idt__pg_q(c, &s,
	              "SELECT u.id, u.username, u.role, u.org_id, o.name AS org_name, u.disabled,"
	              " u.created_at FROM users u JOIN orgs o ON o.id = u.org_id"
	              " WHERE $1::bigint = 0 OR u.org_id = $1::bigint ORDER BY u.id",
	              "i", org_id);
	return list_json(st, c, r, s, out);
}

static idt_status user_update(idt_store *st, int64_t id, int role, int disabled, const char *pwhash)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r = idt__pg_begin(c);
	int64_t n = 0;
	if (r == IDT_OK) {
		r = idt__pg_exec(c, &n, "SELECT 1 FROM users WHERE id = $1 FOR UPDATE", "i", id);
		if (r == IDT_OK && n == 0) r = IDT_ENOTFOUND;
	}
	if (r == IDT_OK && role >= 0)
		r = idt__pg_exec(c, NULL, "UPDATE users SET role = $1 WHERE id = $2", "ti",
		                 idt__role_name((idt_role)role), id);
	if (r == IDT_OK && disabled >= 0)
		r = idt__pg_exec(c, NULL, "UPDATE users SET disabled = $1::boolean WHERE id = $2",
		                 "ti", disabled ? "true" : "false", id);
	if (r == IDT_OK && disabled > 0) /* a disabled user's sessions end now */
		r = idt__pg_exec(c, NULL, "DELETE FROM sessions WHERE user_id = $1", "i", id);
	if (r == IDT_OK && pwhash)
		r = idt__pg_exec(c, NULL, "UPDATE users SET pwhash = $1 WHERE id = $2", "ti",
		                 pwhash, id);
	r = idt__pg_end(c, r);
	idt__pg_release(st, c);
	return r;
}

/* ---------------------------------------------------------------- sharing groups */

static idt_status group_create(idt_store *st, const char *name, int64_t owner_org, int64_t *id)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r = idt__pg_begin(c);
	int64_t gid = 0;
	if (r == IDT_OK) {
		PGresult *res = idt__pg_q(c, &r,
		                          "INSERT INTO sharing_groups(name, owner_org, created_at)"
		                          " VALUES ($1,$2,$3) RETURNING id",
		                          "tii", name, owner_org, idt__now());
		if (res) gid = idt__pg_int(res, 0, 0);
		PQclear(res);
	}
	/* the owner is always a member */
	if (r == IDT_OK)
		r = idt__pg_exec(c, NULL,
		                 "INSERT INTO sharing_group_orgs(group_id, org_id) VALUES ($1,$2)",
		                 "ii", gid, owner_org);
	r = idt__pg_end(c, r);
	if (r == IDT_OK && id) *id = gid;
	idt__pg_release(st, c);
	return r;
}

static idt_status group_set_member(idt_store *st, int64_t group_id, int64_t org_id, bool member)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r;
	if (member)
		r = idt__pg_exec(c, NULL,
		                 "INSERT INTO sharing_group_orgs(group_id, org_id) VALUES ($1,$2)"
		                 " ON CONFLICT DO NOTHING",
		                 "ii", group_id, org_id);
	else
		r = idt__pg_exec(
		    c, NULL, "DELETE FROM sharing_group_orgs WHERE group_id = $1 AND org_id = $2",
		    "ii", group_id, org_id);
	idt__pg_release(st, c);
	return r;
}

static idt_status group_list(idt_store *st, int64_t org_id, json_t **out)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(
	    c, &s,
	    "SELECT g.id, g.name, g.owner_org, (SELECT coalesce(json_agg(m.org_id ORDER BY"
	    " m.org_id), '[]'::json) FROM sharing_group_orgs m WHERE m.group_id = g.id) AS members"
	    " FROM sharing_groups g WHERE $1::bigint = 0 OR EXISTS (SELECT 1 FROM"
	    " sharing_group_orgs m WHERE m.group_id = g.id AND m.org_id = $1::bigint) ORDER BY "
	    "g.id",
	    "i", org_id);
	return list_json(st, c, r, s, out);
}

static idt_status group_is_member(idt_store *st, int64_t group_id, int64_t org_id, bool *member)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(c, &s,
	                        "SELECT (SELECT 1 FROM sharing_groups WHERE id = $1),"
	                        " (SELECT 1 FROM sharing_group_orgs WHERE group_id = $1 AND"
	                        " org_id = $2)",
	                        "ii", group_id, org_id);
	if (r) {
		if (PQgetisnull(r, 0, 0))
			s = IDT_ENOTFOUND;
		else
			*member = !PQgetisnull(r, 0, 1);
	}
	PQclear(r);
	idt__pg_release(st, c);
	return s;
}

/* ---------------------------------------------------------------- sessions and tokens */

static idt_status session_create(idt_store *st, const uint8_t hash[32], int64_t user_id,
                                 const char *csrf, int64_t expires)
{
	PGconn *c = idt__pg_acquire(st);
	int64_t now = idt__now();
	idt_status r =
	    idt__pg_exec(c, NULL, "DELETE FROM sessions WHERE expires_at < $1", "i", now);
	if (r == IDT_OK)
		r = idt__pg_exec(c, NULL,
		                 "INSERT INTO sessions(hash, user_id, csrf, created_at, expires_at)"
		                 " VALUES ($1,$2,$3,$4,$5)",
		                 "bitii", hash, 32, user_id, csrf, now, expires);
	idt__pg_release(st, c);
	return r;
}

static idt_status session_delete(idt_store *st, const uint8_t hash[32])
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r = idt__pg_exec(c, NULL, "DELETE FROM sessions WHERE hash = $1", "b", hash, 32);
	idt__pg_release(st, c);
	return r;
}

static idt_status session_get(idt_store *st, const uint8_t hash[32], idt_cred_rec *out)
{
	memset(out, 0, sizeof *out);
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(c, &s,
	                        "SELECT user_id, csrf, expires_at FROM sessions"
	                        " WHERE hash = $1 AND expires_at > $2",
	                        "bi", hash, 32, idt__now());
	if (r) s = PQntuples(r) == 1 ? IDT_OK : IDT_ENOTFOUND;
	if (s == IDT_OK) {
		out->user_id = idt__pg_int(r, 0, 0);
		snprintf(out->csrf, sizeof out->csrf, "%s", PQgetvalue(r, 0, 1));
		out->expires = idt__pg_int(r, 0, 2);
		out->scopes = IDT_SCOPE_ALL;
	}
	PQclear(r);
	idt__pg_release(st, c);
	return s;
}

static idt_status token_create(idt_store *st, const uint8_t hash[32], int64_t user_id,
                               const char *name, unsigned scopes, int64_t *id)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(c, &s,
	                        "INSERT INTO api_tokens(hash, user_id, name, scopes, created_at)"
	                        " VALUES ($1,$2,$3,$4,$5) RETURNING id",
	                        "bitii", hash, 32, user_id, name, (int64_t)scopes, idt__now());
	return insert_id(st, c, r, s, id);
}

static idt_status token_get(idt_store *st, const uint8_t hash[32], idt_cred_rec *out)
{
	memset(out, 0, sizeof *out);
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(c, &s,
	                        "SELECT id, user_id, scopes FROM api_tokens"
	                        " WHERE hash = $1 AND revoked_at IS NULL",
	                        "b", hash, 32);
	if (r) s = PQntuples(r) == 1 ? IDT_OK : IDT_ENOTFOUND;
	if (s == IDT_OK) {
		out->id = idt__pg_int(r, 0, 0);
		out->user_id = idt__pg_int(r, 0, 1);
		out->scopes = (unsigned)idt__pg_int(r, 0, 2);
	}
	PQclear(r);
	idt__pg_release(st, c);
	return s;
}

static idt_status token_list(idt_store *st, int64_t user_id, json_t **out)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status s;
	PGresult *r = idt__pg_q(
	    c, &s,
	    "SELECT t.id, t.name, t.user_id, u.username, t.scopes, t.created_at, t.revoked_at"
	    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
	    " WHERE $1::bigint = 0 OR t.user_id = $1::bigint ORDER BY t.id",
	    "i", user_id);
	s = list_json(st, c, r, s, out);
	if (s == IDT_OK) {
		size_t i;
		json_t *t;
		json_array_foreach(*out, i, t)
		{
			json_int_t sc = json_integer_value(json_object_get(t, "scopes"));
			json_t *a = json_array();
			if (sc & IDT_SCOPE_READ) json_array_append_new(a, json_string("read"));
			if (sc & IDT_SCOPE_WRITE) json_array_append_new(a, json_string("write"));
			if (sc & IDT_SCOPE_SUBMIT)
				json_array_append_new(a, json_string("submit-hits"));
			json_object_set_new(t, "scopes", a);
			json_object_set_new(
			    t, "revoked",
			    json_boolean(!json_is_null(json_object_get(t, "revoked_at"))));
		}
	}
	return s;
}

static idt_status token_revoke(idt_store *st, int64_t id, int64_t owner_id)
{
	PGconn *c = idt__pg_acquire(st);
	int64_t n = 0;
	idt_status r =
	    idt__pg_exec(c, &n,
	                 "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND"
	                 " ($3::bigint = 0 OR user_id = $3::bigint) AND revoked_at IS NULL",
	                 "iii", idt__now(), id, owner_id);
	if (r == IDT_OK && n == 0) r = IDT_ENOTFOUND;
	idt__pg_release(st, c);
	return r;
}

/* The ops table lives here; the incident, hit, audit and alert ops are in their files. */
PG_DECL(idt_status, incident_create, const idt_actor *a, json_t *doc, json_t **out);
PG_DECL(idt_status, incident_get, const idt_actor *a, int64_t id, json_t **out);
PG_DECL(idt_status, incident_update, const idt_actor *a, int64_t id, int64_t version, json_t *doc,
        json_t **out);
PG_DECL(idt_status, incident_delete, const idt_actor *a, int64_t id);
PG_DECL(idt_status, incident_search, const idt_actor *a, const idt_search *s, json_t **out);
PG_DECL(idt_status, incident_network, const idt_actor *a, int64_t id, int depth, json_t **out);
PG_DECL(idt_status, attachment_add, const idt_actor *a, int64_t incident_id, const char *sha256,
        const char *name, const char *media_type, int64_t size, json_t **out);
PG_DECL(idt_status, attachment_visible, const idt_actor *a, int64_t incident_id, const char *sha256,
        json_t **meta);
PG_DECL(idt_status, incident_history, const idt_actor *a, int64_t id, json_t **out);
PG_DECL(idt_status, warnings_list, int64_t limit, json_t **out);
PG_DECL(idt_status, stats, const idt_actor *a, json_t **out);
PG_DECL(idt_status, hit_submit, const idt_actor *a, const char *hit_id, json_t *hit, bool *merged);
PG_DECL(idt_status, hit_submit_many, const idt_actor *a, size_t n, const char *const *ids,
        json_t *const *hits, bool *merged);
PG_DECL(idt_status, hit_list, const idt_actor *a, const idt_hit_filter *f, json_t **out);
PG_DECL(idt_status, hit_get, const idt_actor *a, const char *hit_id, json_t **out);
PG_DECL(idt_status, hit_dismiss, const idt_actor *a, const char *hit_id, const char *reason);
PG_DECL(idt_status, hit_confirm, const idt_actor *a, const char *hit_id, json_t *doc, json_t **out);
PG_DECL(idt_status, audit_append, const idt_actor *a, const char *action, const char *object_type,
        const char *object_id, json_t *detail);
PG_DECL(idt_status, audit_list, int64_t after_id, int64_t limit, json_t **out);
PG_DECL(idt_status, audit_verify, int64_t *checked, int64_t *bad_id);
PG_DECL(idt_status, sub_create, const idt_actor *a, const char *kind, const char *value,
        const char *webhook, int64_t *id);
PG_DECL(idt_status, sub_list, const idt_actor *a, json_t **out);
PG_DECL(idt_status, sub_delete, const idt_actor *a, int64_t id);
PG_DECL(idt_status, notif_list, const idt_actor *a, int64_t limit, json_t **out);
PG_DECL(idt_status, notif_mark_read, const idt_actor *a, int64_t id);
PG_DECL(idt_status, webhook_claim, int64_t limit, json_t **out);

/* issue 10: takedown tracking (pg_takedowns.c) */
PG_DECL(idt_status, takedown_create, const idt_actor *a, int64_t incident_id, json_t *doc,
        json_t **out);
PG_DECL(idt_status, takedown_list, const idt_actor *a, int64_t incident_id, bool open_only,
        const char *platform, json_t **out);
PG_DECL(idt_status, takedown_check, const idt_actor *a, int64_t id, json_t *doc, json_t **out);
PG_DECL(idt_status, takedown_stats, const idt_actor *a, json_t **out);

const idt_store_ops idt__pg_ops = {
    .close = idt__pg_close,
    .org_create = org_create,
    .org_list = org_list,
    .org_find = org_find,
    .user_create = user_create,
    .user_get = user_get,
    .user_by_name = user_by_name,
    .user_list = user_list,
    .user_update = user_update,
    .group_create = group_create,
    .group_set_member = group_set_member,
    .group_list = group_list,
    .group_is_member = group_is_member,
    .session_create = session_create,
    .session_delete = session_delete,
    .session_get = session_get,
    .token_create = token_create,
    .token_get = token_get,
    .token_list = token_list,
    .token_revoke = token_revoke,
    .incident_create = idt__pg_incident_create,
    .incident_get = idt__pg_incident_get,
    .incident_update = idt__pg_incident_update,
    .incident_delete = idt__pg_incident_delete,
    .incident_search = idt__pg_incident_search,
    .incident_network = idt__pg_incident_network,
    .attachment_add = idt__pg_attachment_add,
    .attachment_visible = idt__pg_attachment_visible,
    .incident_history = idt__pg_incident_history,
    .warnings_list = idt__pg_warnings_list,
    .stats = idt__pg_stats,
    .hit_submit = idt__pg_hit_submit,
    .hit_submit_many = idt__pg_hit_submit_many,
    .hit_list = idt__pg_hit_list,
    .hit_get = idt__pg_hit_get,
    .hit_dismiss = idt__pg_hit_dismiss,
    .hit_confirm = idt__pg_hit_confirm,
    .audit_append = idt__pg_audit_append,
    .audit_list = idt__pg_audit_list,
    .audit_verify = idt__pg_audit_verify,
    .sub_create = idt__pg_sub_create,
    .sub_list = idt__pg_sub_list,
    .sub_delete = idt__pg_sub_delete,
    .notif_list = idt__pg_notif_list,
    .notif_mark_read = idt__pg_notif_mark_read,
    .webhook_claim = idt__pg_webhook_claim,
    .takedown_create = idt__pg_takedown_create,
    .takedown_list = idt__pg_takedown_list,
    .takedown_check = idt__pg_takedown_check,
    .takedown_stats = idt__pg_takedown_stats,
};
