/*
 * sqlite_audit.c - the audit log and the alerts in SQLite.
 *
 * Audit: entries are appended by idt__sq_audit() (sqlite_db.c) inside the transaction of the
 * change they record; triggers refuse UPDATE and DELETE on audit_log; audit_verify recomputes
 * the chain (audit_chain.h) from the first entry.
 *
 * Alerts: a subscription is (user, kind, value) with kind substance / class / country /
 * observable ("type:normalised value").  When an incident is created, or a save widens who may
 * see it, every subscription matching one of its keys whose user may see the incident gets a
 * notification (one per user and incident), and a webhook delivery is queued if the
 * subscription has a webhook URL.
 */
#include <stdlib.h>
#include <string.h>
#include "sqlite_int.h"
#include "audit_chain.h"

/* ---------------------------------------------------------------- audit */

SQ_DECL(idt_status, audit_append, const idt_actor *a, const char *action, const char *object_type,
        const char *object_id, json_t *detail)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK) r = idt__sq_audit(db, a, action, object_type, 0, object_id, detail);
	r = idt__sq_end(db, r);
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, audit_list, int64_t after_id, int64_t limit, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(db,
	                               "SELECT id, ts, user_id, username, org_id, addr, action,"
	                               " object_type, object_id, detail, prev_hash, hash FROM"
	                               " audit_log WHERE id > ? ORDER BY id LIMIT ?",
	                               "ii", after_id, limit);
	*out = idt__sq_rows(s);
	idt__sq_release(st, db);
	if (!*out) return IDT_ESTORE;
	size_t i;
	json_t *e;
	json_array_foreach(*out, i, e)
	{
		char t[32];
		idt__time_iso(json_integer_value(json_object_get(e, "ts")), t);
		json_object_set_new(e, "time", json_string(t));
		const char *d = json_string_value(json_object_get(e, "detail"));
		if (d) {
			json_t *v = json_loads(d, JSON_DECODE_ANY, NULL);
			if (v) json_object_set_new(e, "detail", v);
		}
	}
	return IDT_OK;
}

SQ_DECL(idt_status, audit_verify, int64_t *checked, int64_t *bad_id)
{
	*checked = 0, *bad_id = 0;
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(db,
	                               "SELECT id, ts, user_id, username, org_id, addr, action,"
	                               " object_type, object_id, detail, prev_hash, hash FROM"
	                               " audit_log ORDER BY id",
	                               "");
	idt_status r = s ? IDT_OK : IDT_ESTORE;
	char prev[65] = IDT_AUDIT_GENESIS;
	int64_t expect_id = 0;
	while (r == IDT_OK && sqlite3_step(s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		const char *ph = idt__sq_text(s, 10), *h = idt__sq_text(s, 11);
		char *canon = idt__audit_canonical(
		    id, sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2), idt__sq_text(s, 3),
		    sqlite3_column_int64(s, 4), idt__sq_text(s, 5), idt__sq_text(s, 6),
		    idt__sq_text(s, 7), idt__sq_text(s, 8), idt__sq_text(s, 9));
		char calc[65];
		int ok = canon && idt__audit_hash(prev, canon, strlen(canon), calc) == IDT_OK &&
		         ph && h && strcmp(ph, prev) == 0 && strcmp(h, calc) == 0 &&
		         (expect_id == 0 || id == expect_id);
		free(canon);
		if (!ok) {
			*bad_id = id;
			break;
		}
		memcpy(prev, h, 65);
		expect_id = id + 1;
		(*checked)++;
	}
	sqlite3_finalize(s);
	idt__sq_release(st, db);
	return r;
}

/* ---------------------------------------------------------------- alerts */

/* Adds the match keys of incident id to keys (array of [kind, value]). */
static void incident_keys(sqlite3 *db, int64_t id, json_t *keys)
{
	static const char *const q[] = {
	    "SELECT DISTINCT 'substance', substance FROM incident_substances WHERE incident_id = ?",
	    "SELECT DISTINCT 'class', class FROM incident_substances WHERE incident_id = ?"
	    " AND class IS NOT NULL",
	    "SELECT DISTINCT 'country', country FROM incident_countries WHERE incident_id = ?",
	    "SELECT 'observable', ob.type || ':' || ob.value FROM incident_observables io JOIN"
	    " observables ob ON ob.id = io.observable_id WHERE io.incident_id = ?",
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		sqlite3_stmt *s = idt__sq_prep(db, q[i], "i", id);
		while (s && sqlite3_step(s) == SQLITE_ROW)
			json_array_append_new(
			    keys, json_pack("[s,s]", idt__sq_text(s, 0), idt__sq_text(s, 1)));
		sqlite3_finalize(s);
	}
}

static idt_status notify(sqlite3 *db, int64_t sub_id, int64_t user_id, const char *webhook,
                         int64_t incident_id, const char *why, const char *kind, const char *value)
{
	char reason[512];
	snprintf(reason, sizeof reason, "%s incident matches %s %s", why, kind, value);
	idt_status r = idt__sq_exec(db,
	                            "INSERT OR IGNORE INTO notifications(user_id, incident_id,"
	                            " subscription_id, reason, created_at) VALUES (?,?,?,?,?)",
	                            "iiiti", user_id, incident_id, sub_id, reason, idt__now());
	if (r != IDT_OK || sqlite3_changes(db) == 0 || !webhook) return r;
	int64_t nid = sqlite3_last_insert_rowid(db);
	sqlite3_stmt *s = idt__sq_prep(
	    db, "SELECT title, type, occurred_on FROM incidents WHERE id = ?", "i", incident_id);
	json_t *p = NULL;
	if (s && sqlite3_step(s) == SQLITE_ROW)
		p = json_pack("{s:I,s:s,s:{s:I,s:s?,s:s?,s:s?}}", "notification_id",
		              (json_int_t)nid, "reason", reason, "incident", "id",
		              (json_int_t)incident_id, "title", idt__sq_text(s, 0), "type",
		              idt__sq_text(s, 1), "occurred_on", idt__sq_text(s, 2));
	sqlite3_finalize(s);
	char *pj = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	if (pj)
		r = idt__sq_exec(
		    db, "INSERT INTO webhook_queue(url, payload, created_at) VALUES (?,?,?)", "tti",
		    webhook, pj, idt__now());
	free(pj);
	return r;
}

idt_status idt__sq_alerts_match(sqlite3 *db, const idt_actor *a, int64_t id, const char *why)
{
	json_t *keys = json_array();
	incident_keys(db, id, keys);
	idt_status r = IDT_OK;
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k)
	{
		const char *kind = json_string_value(json_array_get(k, 0));
		const char *value = json_string_value(json_array_get(k, 1));
		/* subscribers to this key who may see the incident (visibility for THEIR org) */
		sqlite3_stmt *s = idt__sq_prep(
		    db,
		    "SELECT s.id, s.user_id, s.webhook FROM subscriptions s JOIN users u ON"
		    " u.id = s.user_id JOIN incidents i ON i.id = ?3 WHERE s.kind = ?1 AND"
		    " s.value = ?2 AND u.disabled = 0 AND u.id <> ?4 AND (i.org_id = u.org_id OR"
		    " (i.status <> 'draft' AND (i.distribution = 'all' OR (i.distribution ="
		    " 'sharing-group' AND EXISTS (SELECT 1 FROM sharing_group_orgs g WHERE"
		    " g.group_id = i.sharing_group_id AND g.org_id = u.org_id)))))",
		    "ttii", kind, value, id, a->user_id);
		if (!s) {
			r = IDT_ESTORE;
			break;
		}
		while (r == IDT_OK && sqlite3_step(s) == SQLITE_ROW)
			r = notify(db, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
			           idt__sq_text(s, 2), id, why, kind, value);
		sqlite3_finalize(s);
		if (r != IDT_OK) break;
	}
	json_decref(keys);
	return r;
}

SQ_DECL(idt_status, sub_create, const idt_actor *a, const char *kind, const char *value,
        const char *webhook, int64_t *id)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_exec(db,
	                            "INSERT INTO subscriptions(user_id, kind, value, webhook,"
	                            " created_at) VALUES (?,?,?,?,?)",
	                            "ittti", a->user_id, kind, value, webhook, idt__now());
	if (r == IDT_OK) *id = sqlite3_last_insert_rowid(db);
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, sub_list, const idt_actor *a, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	*out = idt__sq_rows(idt__sq_prep(db,
	                                 "SELECT id, kind, value, webhook, created_at FROM"
	                                 " subscriptions WHERE user_id = ? ORDER BY id",
	                                 "i", a->user_id));
	idt__sq_release(st, db);
	return *out ? IDT_OK : IDT_ESTORE;
}

SQ_DECL(idt_status, sub_delete, const idt_actor *a, int64_t id)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_exec(db, "DELETE FROM subscriptions WHERE id = ? AND user_id = ?",
	                            "ii", id, a->user_id);
	if (r == IDT_OK && sqlite3_changes(db) == 0) r = IDT_ENOTFOUND;
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, notif_list, const idt_actor *a, int64_t limit, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	/* re-check visibility: an incident un-shared since the notification is not shown */
	sqlite3_stmt *s = idt__sq_prep(
	    db,
	    "SELECT n.id, n.incident_id, n.reason, n.created_at, n.read_at, i.title, i.type,"
	    " i.occurred_on, i.updated_at, o.name AS org_name FROM notifications n JOIN"
	    " incidents i ON i.id = n.incident_id JOIN orgs o ON o.id = i.org_id"
	    " WHERE n.user_id = ? AND " SQ_VISIBLE("i") " ORDER BY n.id DESC LIMIT ?",
	    "ii", a->user_id, limit);
	if (s) idt__sq_bind_org(s, a->org_id);
	*out = idt__sq_rows(s);
	idt__sq_release(st, db);
	if (!*out) return IDT_ESTORE;
	size_t i;
	json_t *n;
	json_array_foreach(*out, i, n)
	{
		char t[32];
		idt__time_iso(json_integer_value(json_object_get(n, "created_at")), t);
		json_object_set_new(n, "created_at", json_string(t));
		idt__time_iso(json_integer_value(json_object_get(n, "updated_at")), t);
		json_object_set_new(n, "updated_at", json_string(t));
		json_object_set_new(n, "read",
		                    json_boolean(!json_is_null(json_object_get(n, "read_at"))));
	}
	return IDT_OK;
}

SQ_DECL(idt_status, notif_mark_read, const idt_actor *a, int64_t id)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r =
	    idt__sq_exec(db, "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ?",
	                 "iii", idt__now(), id, a->user_id);
	if (r == IDT_OK && sqlite3_changes(db) == 0) r = IDT_ENOTFOUND;
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, webhook_claim, int64_t limit, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_begin(db);
	*out = NULL;
	if (r == IDT_OK) {
		*out = idt__sq_rows(idt__sq_prep(
		    db, "SELECT id, url, payload FROM webhook_queue ORDER BY id LIMIT ?", "i",
		    limit));
		if (!*out) r = IDT_ESTORE;
	}
	size_t i;
	json_t *w;
	json_array_foreach(*out, i, w)
	{
		if (r == IDT_OK)
			r = idt__sq_exec(db, "DELETE FROM webhook_queue WHERE id = ?", "i",
			                 (int64_t)json_integer_value(json_object_get(w, "id")));
	}
	r = idt__sq_end(db, r);
	if (r != IDT_OK) json_decref(*out), *out = NULL;
	idt__sq_release(st, db);
	return r;
}
