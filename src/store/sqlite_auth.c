/*
 * sqlite_auth.c - organisations, users, sharing groups, sessions and API tokens in SQLite.
 * Secrets never reach the database: sessions and tokens are stored by the 32-byte hash of
 * their secret, passwords as libsodium argon2id strings made by the caller.
 */
#include <stdlib.h>
#include <string.h>
#include "sqlite_int.h"

static const char *const role_names[] = {"viewer", "analyst", "admin"};

const char *idt__role_name(idt_role r)
{
	return (unsigned)r < 3 ? role_names[r] : "viewer";
}

int idt__role_parse(const char *s, idt_role *out)
{
	for (int i = 0; i < 3; i++)
		if (s && strcmp(s, role_names[i]) == 0) {
			*out = (idt_role)i;
			return 0;
		}
	return -1;
}

void idt__user_clear(idt_user_rec *u)
{
	if (!u) return;
	free(u->username);
	free(u->pwhash);
	memset(u, 0, sizeof *u);
}

/* Runs a single-statement write in its own transaction-free autocommit; *id gets rowid. */
static idt_status insert_id(idt_store *st, sqlite3_stmt *s, sqlite3 *db, int64_t *id)
{
	idt_status r = idt__sq_run(s);
	if (r == IDT_OK && id) *id = sqlite3_last_insert_rowid(db);
	idt__sq_release(st, db);
	return r;
}

static idt_status list_json(idt_store *st, sqlite3 *db, sqlite3_stmt *s, json_t **out)
{
	*out = idt__sq_rows(s);
	idt__sq_release(st, db);
	return *out ? IDT_OK : IDT_ESTORE;
}

/* ---------------------------------------------------------------- organisations */

static idt_status org_create(idt_store *st, const char *name, const char *country, const char *kind,
                             int64_t *id)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s =
	    idt__sq_prep(db, "INSERT INTO orgs(name, country, kind, created_at) VALUES (?,?,?,?)",
	                 "ttti", name, country, kind, idt__now());
	return insert_id(st, s, db, id);
}

static idt_status org_list(idt_store *st, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(
	    db, "SELECT id, name, country, kind, created_at FROM orgs ORDER BY id", "");
	return list_json(st, db, s, out);
}

static idt_status org_find(idt_store *st, const char *name, int64_t *id)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(
	    db, "SELECT id FROM orgs WHERE name = ? OR CAST(id AS TEXT) = ?", "tt", name, name);
	idt_status r = IDT_ENOTFOUND;
	if (!s)
		r = IDT_ESTORE;
	else if (sqlite3_step(s) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		r = IDT_OK;
	}
	sqlite3_finalize(s);
	idt__sq_release(st, db);
	return r;
}

/* ---------------------------------------------------------------- users */

static idt_status user_create(idt_store *st, int64_t org_id, const char *username,
                              const char *pwhash, idt_role role, int64_t *id)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s =
	    idt__sq_prep(db,
	                 "INSERT INTO users(org_id, username, pwhash, role, created_at)"
	                 " VALUES (?,?,?,?,?)",
	                 "ittti", org_id, username, pwhash, idt__role_name(role), idt__now());
	return insert_id(st, s, db, id);
}

static idt_status user_fetch(idt_store *st, const char *sql, const char *types, int64_t id,
                             const char *name, idt_user_rec *out)
{
	memset(out, 0, sizeof *out);
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s =
	    types[0] == 'i' ? idt__sq_prep(db, sql, "i", id) : idt__sq_prep(db, sql, "t", name);
	idt_status r = IDT_ENOTFOUND;
	if (!s)
		r = IDT_ESTORE;
	else if (sqlite3_step(s) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(s, 0);
		out->org_id = sqlite3_column_int64(s, 1);
		out->username = strdup(idt__sq_text(s, 2));
		out->pwhash = strdup(idt__sq_text(s, 3));
		idt__role_parse(idt__sq_text(s, 4), &out->role);
		out->disabled = sqlite3_column_int(s, 5) != 0;
		r = (out->username && out->pwhash) ? IDT_OK : IDT_ENOMEM;
		if (r != IDT_OK) idt__user_clear(out);
	}
	sqlite3_finalize(s);
	idt__sq_release(st, db);
	return r;
}

static idt_status user_get(idt_store *st, int64_t id, idt_user_rec *out)
{
	return user_fetch(st,
	                  "SELECT id, org_id, username, pwhash, role, disabled FROM users"
	                  " WHERE id = ?",
	                  "i", id, NULL, out);
}

static idt_status user_by_name(idt_store *st, const char *username, idt_user_rec *out)
{
	return user_fetch(st,
	                  "SELECT id, org_id, username, pwhash, role, disabled FROM users"
	                  " WHERE username = ?",
	                  "t", 0, username, out);
}

static idt_status user_list(idt_store *st, int64_t org_id, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(
	    db,
	    "SELECT u.id, u.username, u.role, u.org_id, o.name AS org_name, u.disabled,"
	    " u.created_at FROM users u JOIN orgs o ON o.id = u.org_id"
	    " WHERE ?1 = 0 OR u.org_id = ?1 ORDER BY u.id",
	    "i", org_id);
	idt_status r = list_json(st, db, s, out);
	if (r == IDT_OK) {
		size_t i;
		json_t *u;
		json_array_foreach(*out, i, u)
		{
			json_t *d = json_object_get(u, "disabled");
			json_object_set_new(u, "disabled", json_boolean(json_integer_value(d)));
		}
	}
	return r;
}

static idt_status user_update(idt_store *st, int64_t id, int role, int disabled, const char *pwhash)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK && role >= 0)
		r = idt__sq_exec(db, "UPDATE users SET role = ? WHERE id = ?", "ti",
		                 idt__role_name((idt_role)role), id);
	if (r == IDT_OK && disabled >= 0)
		r = idt__sq_exec(db, "UPDATE users SET disabled = ? WHERE id = ?", "ii",
		                 (int64_t)disabled, id);
	if (r == IDT_OK && disabled > 0) /* a disabled user's sessions end now */
		r = idt__sq_exec(db, "DELETE FROM sessions WHERE user_id = ?", "i", id);
	if (r == IDT_OK && pwhash)
		r = idt__sq_exec(db, "UPDATE users SET pwhash = ? WHERE id = ?", "ti", pwhash, id);
	if (r == IDT_OK && sqlite3_changes(db) == 0 && role < 0 && disabled < 0 && !pwhash)
		r = IDT_OK;
	if (r == IDT_OK) {
		sqlite3_stmt *s = idt__sq_prep(db, "SELECT 1 FROM users WHERE id = ?", "i", id);
		if (!s || sqlite3_step(s) != SQLITE_ROW) r = IDT_ENOTFOUND;
		sqlite3_finalize(s);
	}
	r = idt__sq_end(db, r);
	idt__sq_release(st, db);
	return r;
}

/* ---------------------------------------------------------------- sharing groups */

static idt_status group_create(idt_store *st, const char *name, int64_t owner_org, int64_t *id)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK)
		r = idt__sq_exec(db,
		                 "INSERT INTO sharing_groups(name, owner_org, created_at)"
		                 " VALUES (?,?,?)",
		                 "tii", name, owner_org, idt__now());
	int64_t gid = sqlite3_last_insert_rowid(db);
	/* the owner is always a member */
	if (r == IDT_OK)
		r = idt__sq_exec(db,
		                 "INSERT INTO sharing_group_orgs(group_id, org_id) VALUES (?,?)",
		                 "ii", gid, owner_org);
	r = idt__sq_end(db, r);
	if (r == IDT_OK && id) *id = gid;
	idt__sq_release(st, db);
	return r;
}

static idt_status group_set_member(idt_store *st, int64_t group_id, int64_t org_id, bool member)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r;
	if (member)
		r = idt__sq_exec(db,
		                 "INSERT OR IGNORE INTO sharing_group_orgs(group_id, org_id)"
		                 " VALUES (?,?)",
		                 "ii", group_id, org_id);
	else
		r = idt__sq_exec(db,
		                 "DELETE FROM sharing_group_orgs WHERE group_id = ? AND org_id = ?",
		                 "ii", group_id, org_id);
	idt__sq_release(st, db);
	return r;
}

static idt_status group_list(idt_store *st, int64_t org_id, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(
	    db,
	    "SELECT g.id, g.name, g.owner_org, (SELECT json_group_array(m.org_id) FROM"
	    " sharing_group_orgs m WHERE m.group_id = g.id) AS members FROM sharing_groups g"
	    " WHERE ?1 = 0 OR EXISTS (SELECT 1 FROM sharing_group_orgs m WHERE"
	    " m.group_id = g.id AND m.org_id = ?1) ORDER BY g.id",
	    "i", org_id);
	idt_status r = list_json(st, db, s, out);
	if (r == IDT_OK) {
		size_t i;
		json_t *g;
		json_array_foreach(*out, i, g)
		{
			json_t *m =
			    json_loads(json_string_value(json_object_get(g, "members")), 0, NULL);
			json_object_set_new(g, "members", m ? m : json_array());
		}
	}
	return r;
}

static idt_status group_is_member(idt_store *st, int64_t group_id, int64_t org_id, bool *member)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(db,
	                               "SELECT (SELECT 1 FROM sharing_groups WHERE id = ?1),"
	                               " (SELECT 1 FROM sharing_group_orgs WHERE group_id = ?1 AND"
	                               " org_id = ?2)",
	                               "ii", group_id, org_id);
	idt_status r = IDT_ESTORE;
	if (s && sqlite3_step(s) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) == SQLITE_NULL)
			r = IDT_ENOTFOUND;
		else {
			*member = sqlite3_column_type(s, 1) != SQLITE_NULL;
			r = IDT_OK;
		}
	}
	sqlite3_finalize(s);
	idt__sq_release(st, db);
	return r;
}

/* ---------------------------------------------------------------- sessions and tokens */

static idt_status session_create(idt_store *st, const uint8_t hash[32], int64_t user_id,
                                 const char *csrf, int64_t expires)
{
	sqlite3 *db = idt__sq_acquire(st);
	int64_t now = idt__now();
	idt_status r = idt__sq_exec(db, "DELETE FROM sessions WHERE expires_at < ?", "i", now);
	if (r == IDT_OK)
		r = idt__sq_exec(db,
		                 "INSERT INTO sessions(hash, user_id, csrf, created_at, expires_at)"
		                 " VALUES (?,?,?,?,?)",
		                 "bitii", hash, 32, user_id, csrf, now, expires);
	idt__sq_release(st, db);
	return r;
}

static idt_status session_delete(idt_store *st, const uint8_t hash[32])
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_exec(db, "DELETE FROM sessions WHERE hash = ?", "b", hash, 32);
	idt__sq_release(st, db);
	return r;
}

static idt_status session_get(idt_store *st, const uint8_t hash[32], idt_cred_rec *out)
{
	memset(out, 0, sizeof *out);
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(db,
	                               "SELECT user_id, csrf, expires_at FROM sessions"
	                               " WHERE hash = ? AND expires_at > ?",
	                               "bi", hash, 32, idt__now());
	idt_status r = IDT_ENOTFOUND;
	if (!s)
		r = IDT_ESTORE;
	else if (sqlite3_step(s) == SQLITE_ROW) {
		out->user_id = sqlite3_column_int64(s, 0);
		const char *c = idt__sq_text(s, 1);
		snprintf(out->csrf, sizeof out->csrf, "%s", c ? c : "");
		out->expires = sqlite3_column_int64(s, 2);
		out->scopes = IDT_SCOPE_ALL;
		r = IDT_OK;
	}
	sqlite3_finalize(s);
	idt__sq_release(st, db);
	return r;
}

static idt_status token_create(idt_store *st, const uint8_t hash[32], int64_t user_id,
                               const char *name, unsigned scopes, int64_t *id)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s =
	    idt__sq_prep(db,
	                 "INSERT INTO api_tokens(hash, user_id, name, scopes, created_at)"
	                 " VALUES (?,?,?,?,?)",
	                 "bitii", hash, 32, user_id, name, (int64_t)scopes, idt__now());
	return insert_id(st, s, db, id);
}

static idt_status token_get(idt_store *st, const uint8_t hash[32], idt_cred_rec *out)
{
	memset(out, 0, sizeof *out);
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(db,
	                               "SELECT id, user_id, scopes FROM api_tokens"
	                               " WHERE hash = ? AND revoked_at IS NULL",
	                               "b", hash, 32);
	idt_status r = IDT_ENOTFOUND;
	if (!s)
		r = IDT_ESTORE;
	else if (sqlite3_step(s) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(s, 0);
		out->user_id = sqlite3_column_int64(s, 1);
		out->scopes = (unsigned)sqlite3_column_int64(s, 2);
		r = IDT_OK;
	}
	sqlite3_finalize(s);
	idt__sq_release(st, db);
	return r;
}

static idt_status token_list(idt_store *st, int64_t user_id, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(
	    db,
	    "SELECT t.id, t.name, t.user_id, u.username, t.scopes, t.created_at, t.revoked_at"
	    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
	    " WHERE ?1 = 0 OR t.user_id = ?1 ORDER BY t.id",
	    "i", user_id);
	idt_status r = list_json(st, db, s, out);
	if (r == IDT_OK) {
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
	return r;
}

static idt_status token_revoke(idt_store *st, int64_t id, int64_t owner_id)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_exec(db,
	                            "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND"
	                            " (?3 = 0 OR user_id = ?3) AND revoked_at IS NULL",
	                            "iii", idt__now(), id, owner_id);
	if (r == IDT_OK && sqlite3_changes(db) == 0) r = IDT_ENOTFOUND;
	idt__sq_release(st, db);
	return r;
}

/* The ops table lives here; the incident, hit, audit and alert ops are in their files. */
SQ_DECL(idt_status, incident_create, const idt_actor *a, json_t *doc, json_t **out);
SQ_DECL(idt_status, incident_get, const idt_actor *a, int64_t id, json_t **out);
SQ_DECL(idt_status, incident_update, const idt_actor *a, int64_t id, int64_t version, json_t *doc,
        json_t **out);
SQ_DECL(idt_status, incident_delete, const idt_actor *a, int64_t id);
SQ_DECL(idt_status, incident_search, const idt_actor *a, const idt_search *s, json_t **out);
SQ_DECL(idt_status, incident_network, const idt_actor *a, int64_t id, int depth, json_t **out);
SQ_DECL(idt_status, attachment_add, const idt_actor *a, int64_t incident_id, const char *sha256,
        const char *name, const char *media_type, int64_t size, json_t **out);
SQ_DECL(idt_status, attachment_visible, const idt_actor *a, int64_t incident_id, const char *sha256,
        json_t **meta);
SQ_DECL(idt_status, incident_history, const idt_actor *a, int64_t id, json_t **out);
SQ_DECL(idt_status, warnings_list, int64_t limit, json_t **out);
SQ_DECL(idt_status, stats, const idt_actor *a, json_t **out);
SQ_DECL(idt_status, hit_submit, const idt_actor *a, const char *hit_id, json_t *hit, bool *merged);
SQ_DECL(idt_status, hit_submit_many, const idt_actor *a, size_t n, const char *const *ids,
        json_t *const *hits, bool *merged);
SQ_DECL(idt_status, hit_list, const idt_actor *a, const idt_hit_filter *f, json_t **out);
SQ_DECL(idt_status, hit_get, const idt_actor *a, const char *hit_id, json_t **out);
SQ_DECL(idt_status, hit_dismiss, const idt_actor *a, const char *hit_id, const char *reason);
SQ_DECL(idt_status, hit_confirm, const idt_actor *a, const char *hit_id, json_t *doc, json_t **out);
SQ_DECL(idt_status, audit_append, const idt_actor *a, const char *action, const char *object_type,
        const char *object_id, json_t *detail);
SQ_DECL(idt_status, audit_list, int64_t after_id, int64_t limit, json_t **out);
SQ_DECL(idt_status, audit_verify, int64_t *checked, int64_t *bad_id);
SQ_DECL(idt_status, sub_create, const idt_actor *a, const char *kind, const char *value,
        const char *webhook, int64_t *id);
SQ_DECL(idt_status, sub_list, const idt_actor *a, json_t **out);
SQ_DECL(idt_status, sub_delete, const idt_actor *a, int64_t id);
SQ_DECL(idt_status, notif_list, const idt_actor *a, int64_t limit, json_t **out);
SQ_DECL(idt_status, notif_mark_read, const idt_actor *a, int64_t id);
SQ_DECL(idt_status, webhook_claim, int64_t limit, json_t **out);
void idt__sq_close(idt_store *st);

/* issue 10: takedown tracking (sqlite_takedowns.c) */
SQ_DECL(idt_status, takedown_create, const idt_actor *a, int64_t incident_id, json_t *doc,
        json_t **out);
SQ_DECL(idt_status, takedown_list, const idt_actor *a, int64_t incident_id, bool open_only,
        const char *platform, json_t **out);
SQ_DECL(idt_status, takedown_check, const idt_actor *a, int64_t id, json_t *doc, json_t **out);
SQ_DECL(idt_status, takedown_stats, const idt_actor *a, json_t **out);

const idt_store_ops idt__sq_ops = {
    .close = idt__sq_close,
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
    .incident_create = idt__sq_incident_create,
    .incident_get = idt__sq_incident_get,
    .incident_update = idt__sq_incident_update,
    .incident_delete = idt__sq_incident_delete,
    .incident_search = idt__sq_incident_search,
    .incident_network = idt__sq_incident_network,
    .attachment_add = idt__sq_attachment_add,
    .attachment_visible = idt__sq_attachment_visible,
    .incident_history = idt__sq_incident_history,
    .warnings_list = idt__sq_warnings_list,
    .stats = idt__sq_stats,
    .hit_submit = idt__sq_hit_submit,
    .hit_submit_many = idt__sq_hit_submit_many,
    .hit_list = idt__sq_hit_list,
    .hit_get = idt__sq_hit_get,
    .hit_dismiss = idt__sq_hit_dismiss,
    .hit_confirm = idt__sq_hit_confirm,
    .audit_append = idt__sq_audit_append,
    .audit_list = idt__sq_audit_list,
    .audit_verify = idt__sq_audit_verify,
    .sub_create = idt__sq_sub_create,
    .sub_list = idt__sq_sub_list,
    .sub_delete = idt__sq_sub_delete,
    .notif_list = idt__sq_notif_list,
    .notif_mark_read = idt__sq_notif_mark_read,
    .webhook_claim = idt__sq_webhook_claim,
    .takedown_create = idt__sq_takedown_create,
    .takedown_list = idt__sq_takedown_list,
    .takedown_check = idt__sq_takedown_check,
    .takedown_stats = idt__sq_takedown_stats,
};
