/*
 * pg_audit.c - the audit log and the alerts in PostgreSQL (the port of sqlite_audit.c).
 *
 * Audit: entries are appended by idt__pg_audit() (pg_db.c) inside the transaction of the
 * change they record, which holds PG_LOCK_WRITE, so the chain stays linear with any number of
 * server processes; triggers refuse UPDATE, DELETE and TRUNCATE on audit_log; audit_verify
 * recomputes the chain (audit_chain.h) from the first entry, reading in one snapshot.
 *
 * Alerts: a subscription is (user, kind, value) with kind substance / class / country /
 * observable ("type:normalised value").  When an incident is created, or a save widens who may
 * see it, every subscription matching one of its keys whose user may see the incident gets a
 * notification (one per user and incident), and a webhook delivery is queued if the
 * subscription has a webhook URL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_int.h"
#include "audit_chain.h"

/* ---------------------------------------------------------------- audit */

PG_DECL(idt_status, audit_append, const idt_actor *a, const char *action, const char *object_type,
        const char *object_id, json_t *detail)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	if (r == IDT_OK) r = idt__pg_audit(c, a, action, object_type, 0, object_id, detail);
	if (c) r = idt__pg_end(c, r);
	idt__pg_release(st, c);
	return r;
}

#define AUDIT_COLS                                                                                 \
	"SELECT id, ts, user_id, username, org_id, addr, action, object_type, object_id, detail,"  \
	" prev_hash, hash FROM audit_log"

PG_DECL(idt_status, audit_list, int64_t after_id, int64_t limit, json_t **out)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r;
	*out = idt__pg_rows(idt__pg_q(c, &r, AUDIT_COLS " WHERE id > $1 ORDER BY id LIMIT $2", "ii",
	                              after_id, limit));
	idt__pg_release(st, c);
	if (!*out) return r != IDT_OK ? r : IDT_ESTORE;
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

/* Checks the rows of one batch against the chain; returns false at the first bad entry. */
static bool verify_rows(const PGresult *res, char prev[65], int64_t *expect_id, int64_t *checked,
                        int64_t *bad_id)
{
	for (int k = 0; k < PQntuples(res); k++) {
		int64_t id = idt__pg_int(res, k, 0);
		const char *ph = idt__pg_text(res, k, 10), *h = idt__pg_text(res, k, 11);
		char *canon = idt__audit_canonical(
		    id, idt__pg_int(res, k, 1), idt__pg_int(res, k, 2), idt__pg_text(res, k, 3),
		    idt__pg_int(res, k, 4), idt__pg_text(res, k, 5), idt__pg_text(res, k, 6),
		    idt__pg_text(res, k, 7), idt__pg_text(res, k, 8), idt__pg_text(res, k, 9));
		char calc[65];
		bool ok = canon && idt__audit_hash(prev, canon, strlen(canon), calc) == IDT_OK &&
		          ph && h && strcmp(ph, prev) == 0 && strcmp(h, calc) == 0 &&
		          (*expect_id == 0 || id == *expect_id);
		free(canon);
		if (!ok) {
			*bad_id = id;
			return false;
		}
		memcpy(prev, h, 65);
		*expect_id = id + 1;
		(*checked)++;
	}
	return true;
}

PG_DECL(idt_status, audit_verify, int64_t *checked, int64_t *bad_id)
{
	*checked = 0, *bad_id = 0;
	PGconn *c = idt__pg_acquire(st);
	if (!c) return IDT_ESTORE;
	/* one snapshot, read in batches of 10,000 entries (bounded memory) */
	PGresult *b = PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	idt_status r = PQresultStatus(b) == PGRES_COMMAND_OK ? IDT_OK : IDT_ESTORE;
	PQclear(b);
	char prev[65] = IDT_AUDIT_GENESIS;
	int64_t expect_id = 0, after = -1;
	bool going = true;
	while (r == IDT_OK && going) {
		PGresult *res = idt__pg_q(
		    c, &r, AUDIT_COLS " WHERE id > $1 ORDER BY id LIMIT 10000", "i", after);
		if (!res) break;
		int n = PQntuples(res);
		going = verify_rows(res, prev, &expect_id, checked, bad_id) && n == 10000;
		if (n) after = idt__pg_int(res, n - 1, 0);
		PQclear(res);
	}
	PQclear(PQexec(c, "COMMIT"));
	idt__pg_release(st, c);
	return r;
}

/* ---------------------------------------------------------------- alerts */

/* The match keys of incident id: rows of (kind, value). */
static PGresult *incident_keys(PGconn *c, int64_t id, idt_status *st)
{
	return idt__pg_q(
	    c, st,
	    "SELECT DISTINCT 'substance' AS kind, substance AS value FROM incident_substances"
	    " WHERE incident_id = $1 UNION ALL"
	    " SELECT DISTINCT 'class', class FROM incident_substances WHERE incident_id = $1"
	    " AND class IS NOT NULL UNION ALL"
	    " SELECT DISTINCT 'country', country FROM incident_countries WHERE incident_id = $1"
	    " UNION ALL SELECT 'observable', ob.type || ':' || ob.value FROM incident_observables "
	    "io"
	    " JOIN observables ob ON ob.id = io.observable_id WHERE io.incident_id = $1",
	    "i", id);
}

static idt_status notify(PGconn *c, int64_t sub_id, int64_t user_id, const char *webhook,
                         int64_t incident_id, const char *why, const char *kind, const char *value)
{
	char reason[512];
	snprintf(reason, sizeof reason, "%s incident matches %s %s", why, kind, value);
	idt_status r;
	PGresult *ins = idt__pg_q(c, &r,
	                          "INSERT INTO notifications(user_id, incident_id, subscription_id,"
	                          " reason, created_at) VALUES ($1,$2,$3,$4,$5)"
	                          " ON CONFLICT DO NOTHING RETURNING id",
	                          "iiiti", user_id, incident_id, sub_id, reason, idt__now());
	if (!ins) return r;
	int64_t nid = PQntuples(ins) == 1 ? idt__pg_int(ins, 0, 0) : 0;
	PQclear(ins);
	if (!nid || !webhook) return IDT_OK;
	PGresult *s =
	    idt__pg_q(c, &r, "SELECT title, type, occurred_on FROM incidents WHERE id = $1", "i",
	              incident_id);
	json_t *p = NULL;
	if (s && PQntuples(s) == 1)
		p = json_pack("{s:I,s:s,s:{s:I,s:s?,s:s?,s:s?}}", "notification_id",
		              (json_int_t)nid, "reason", reason, "incident", "id",
		              (json_int_t)incident_id, "title", idt__pg_text(s, 0, 0), "type",
		              idt__pg_text(s, 0, 1), "occurred_on", idt__pg_text(s, 0, 2));
	PQclear(s);
	char *pj = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	if (pj)
		r = idt__pg_exec(
		    c, NULL,
		    "INSERT INTO webhook_queue(url, payload, created_at) VALUES ($1,$2,$3)", "tti",
		    webhook, pj, idt__now());
	free(pj);
	return r;
}

idt_status idt__pg_alerts_match(PGconn *c, const idt_actor *a, int64_t id, const char *why)
{
	idt_status r;
	PGresult *keys = incident_keys(c, id, &r);
	if (!keys) return r;
	for (int k = 0; r == IDT_OK && k < PQntuples(keys); k++) {
		const char *kind = PQgetvalue(keys, k, 0), *value = PQgetvalue(keys, k, 1);
		/* subscribers to this key who may see the incident (visibility for THEIR org) */
		PGresult *s = idt__pg_q(
		    c, &r,
		    "SELECT s.id, s.user_id, s.webhook FROM subscriptions s JOIN users u ON"
		    " u.id = s.user_id JOIN incidents i ON i.id = $3 WHERE s.kind = $1 AND"
		    " s.value = $2 AND NOT u.disabled AND u.id <> $4 AND " PG_VISIBLE(
		        "i", "u.org_id") " ORDER BY s.id",
		    "ttii", kind, value, id, a->user_id);
		if (!s) break;
		for (int j = 0; r == IDT_OK && j < PQntuples(s); j++)
			r = notify(c, idt__pg_int(s, j, 0), idt__pg_int(s, j, 1),
			           idt__pg_text(s, j, 2), id, why, kind, value);
		PQclear(s);
	}
	PQclear(keys);
	return r;
}

PG_DECL(idt_status, sub_create, const idt_actor *a, const char *kind, const char *value,
        const char *webhook, int64_t *id)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r;
	PGresult *res = idt__pg_q(c, &r,
	                          "INSERT INTO subscriptions(user_id, kind, value, webhook,"
	                          " created_at) VALUES ($1,$2,$3,$4,$5) RETURNING id",
	                          "ittti", a->user_id, kind, value, webhook, idt__now());
	if (res) *id = idt__pg_int(res, 0, 0);
	PQclear(res);
	idt__pg_release(st, c);
	return r;
}

PG_DECL(idt_status, sub_list, const idt_actor *a, json_t **out)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r;
	*out = idt__pg_rows(idt__pg_q(c, &r,
	                              "SELECT id, kind, value, webhook, created_at FROM"
	                              " subscriptions WHERE user_id = $1 ORDER BY id",
	                              "i", a->user_id));
	idt__pg_release(st, c);
	return *out ? IDT_OK : r != IDT_OK ? r : IDT_ESTORE;
}

PG_DECL(idt_status, sub_delete, const idt_actor *a, int64_t id)
{
	PGconn *c = idt__pg_acquire(st);
	int64_t n = 0;
	idt_status r =
	    idt__pg_exec(c, &n, "DELETE FROM subscriptions WHERE id = $1 AND user_id = $2", "ii",
	                 id, a->user_id);
	if (r == IDT_OK && n == 0) r = IDT_ENOTFOUND;
	idt__pg_release(st, c);
	return r;
}

PG_DECL(idt_status, notif_list, const idt_actor *a, int64_t limit, json_t **out)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r;
	/* re-check visibility: an incident un-shared since the notification is not shown */
	*out = idt__pg_rows(idt__pg_q(
	    c, &r,
	    "SELECT n.id, n.incident_id, n.reason, n.created_at, n.read_at, i.title, i.type,"
	    " i.occurred_on, i.updated_at, o.name AS org_name FROM notifications n JOIN"
	    " incidents i ON i.id = n.incident_id JOIN orgs o ON o.id = i.org_id"
	    " WHERE n.user_id = $1 AND " PG_VISIBLE("i", "$3") " ORDER BY n.id DESC LIMIT $2",
	    "iii", a->user_id, limit, a->org_id));
	idt__pg_release(st, c);
	if (!*out) return r != IDT_OK ? r : IDT_ESTORE;
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

PG_DECL(idt_status, notif_mark_read, const idt_actor *a, int64_t id)
{
	PGconn *c = idt__pg_acquire(st);
	int64_t n = 0;
	idt_status r = idt__pg_exec(
	    c, &n, "UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3", "iii",
	    idt__now(), id, a->user_id);
	if (r == IDT_OK && n == 0) r = IDT_ENOTFOUND;
	idt__pg_release(st, c);
	return r;
}

PG_DECL(idt_status, webhook_claim, int64_t limit, json_t **out)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r;
	/* claimed = deleted in the same statement: two processes never send one delivery twice */
	*out = idt__pg_rows(idt__pg_q(
	    c, &r,
	    "DELETE FROM webhook_queue WHERE id IN (SELECT id FROM webhook_queue ORDER BY id"
	    " LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id, url, payload",
	    "i", limit));
	idt__pg_release(st, c);
	if (!*out) return r != IDT_OK ? r : IDT_ESTORE;
	/* RETURNING does not keep an order: restore the queue's */
	json_t *sorted = json_array();
	while (json_array_size(*out)) {
		size_t best = 0, i;
		json_t *w;
		json_array_foreach(*out, i, w)
		{
			if (json_integer_value(json_object_get(w, "id")) <
			    json_integer_value(json_object_get(json_array_get(*out, best), "id")))
				best = i;
		}
		json_array_append(sorted, json_array_get(*out, best));
		json_array_remove(*out, best);
	}
	json_decref(*out);
	*out = sorted;
	return IDT_OK;
}
