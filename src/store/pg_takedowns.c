/*
 * pg_takedowns.c - takedown tracking in PostgreSQL (issue 10), statement by statement the
 * SQLite backend's (sqlite_takedowns.c): an incident's listings reported to a platform, the
 * checks that find them gone, and the time-to-takedown aggregates.
 *
 * Access control is the incident's: every query joins the takedown to its incident and applies
 * PG_VISIBLE; a takedown of an incident the actor may not see does not exist for it
 * (IDT_ENOTFOUND), and only the incident's organisation may change one (IDT_EDENIED).  Rows are
 * shaped and aggregated by takedown.c.
 */
#include "pg_int.h"
#include "takedown.h"

/* The incident's organisation and whether the actor may see it: 1 visible (*org set), 0 not
 * (or absent), -1 error. */
static int incident_access(PGconn *c, const idt_actor *a, int64_t incident_id, int64_t *org)
{
	PGresult *r = idt__pg_q(
	    c, NULL, "SELECT i.org_id FROM incidents i WHERE i.id = $1 AND " PG_VISIBLE("i", "$2"),
	    "ii", incident_id, a->org_id);
	if (!r) return -1;
	int v = PQntuples(r) > 0;
	if (v) *org = idt__pg_int(r, 0, 0);
	PQclear(r);
	return v;
}

/* Checks that the actor may change the takedowns of incident_id. */
static idt_status may_change(PGconn *c, const idt_actor *a, int64_t incident_id)
{
	int64_t org = 0;
	int v = incident_access(c, a, incident_id, &org);
	return idt__takedown_access(v, org, a->org_id);
}

/* Takedown id as the API shows it to the actor (visible incidents only). */
static idt_status get_one(PGconn *c, const idt_actor *a, int64_t id, json_t **out)
{
	*out = NULL;
	idt_status st = IDT_ESTORE;
	PGresult *r = idt__pg_q(c, &st,
	                        "SELECT " IDT__TAKEDOWN_COLS " FROM takedowns t JOIN incidents i"
	                        " ON i.id = t.incident_id LEFT JOIN users u ON u.id = t.created_by"
	                        " WHERE t.id = $1 AND " PG_VISIBLE("i", "$2"),
	                        "ii", id, a->org_id);
	if (!r) return st;
	int n = PQntuples(r);
	if (n) *out = idt__takedown_shape(idt__pg_row(r, 0), a->org_id);
	PQclear(r);
	return !n ? IDT_ENOTFOUND : *out ? IDT_OK : IDT_ENOMEM;
}

/* Ends a change of takedown id begun with status r: the audit entry (action, the document and
 * the incident), the takedown as it now is into *out, then commit (or roll back on failure). */
static idt_status finish(PGconn *c, const idt_actor *a, idt_status r, const char *action,
                         int64_t id, json_t *doc, int64_t incident_id, json_t **out)
{
	if (r == IDT_OK) {
		json_t *det = idt__takedown_detail(doc, incident_id);
		r = det ? idt__pg_audit(c, a, action, "takedown", id, NULL, det) : IDT_ENOMEM;
		json_decref(det);
	}
	if (r == IDT_OK) r = get_one(c, a, id, out);
	if (c) r = idt__pg_end(c, r);
	if (r != IDT_OK) json_decref(*out), *out = NULL;
	return r;
}

PG_DECL(idt_status, takedown_create, const idt_actor *a, int64_t incident_id, json_t *doc,
        json_t **out)
{
	*out = NULL;
	PGconn *c = idt__pg_acquire(st);
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	if (r == IDT_OK) r = may_change(c, a, incident_id);
	int64_t id = 0;
	if (r == IDT_OK) {
		PGresult *q = idt__pg_q(
		    c, &r,
		    "INSERT INTO takedowns(incident_id, url, platform, reference, reported_at,"
		    " created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
		    "itttiii", incident_id, json_string_value(json_object_get(doc, "url")),
		    json_string_value(json_object_get(doc, "platform")),
		    json_string_value(json_object_get(doc, "reference")),
		    (int64_t)json_integer_value(json_object_get(doc, "reported_at")), a->user_id,
		    idt__now());
		if (q) id = idt__pg_int(q, 0, 0), r = IDT_OK;
		PQclear(q);
	}
	r = finish(c, a, r, "takedown-report", id, doc, incident_id, out);
	idt__pg_release(st, c);
	return r;
}

PG_DECL(idt_status, takedown_list, const idt_actor *a, int64_t incident_id, bool open_only,
        const char *platform, json_t **out)
{
	*out = NULL;
	PGconn *c = idt__pg_acquire(st);
	idt_status r = c ? IDT_OK : IDT_ESTORE;
	int64_t org = 0;
	if (r == IDT_OK && incident_id) {
		int v = incident_access(c, a, incident_id, &org);
		r = v < 0 ? IDT_ESTORE : v == 0 ? IDT_ENOTFOUND : IDT_OK;
	}
	if (r == IDT_OK) {
		*out = idt__pg_rows(idt__pg_q(
		    c, &r,
		    "SELECT " IDT__TAKEDOWN_COLS " FROM takedowns t JOIN incidents i ON"
		    " i.id = t.incident_id LEFT JOIN users u ON u.id = t.created_by"
		    " WHERE ($2::bigint = 0 OR t.incident_id = $2) AND ($3::bigint = 0 OR"
		    " t.gone_at IS NULL) AND ($4::text IS NULL OR t.platform = $4) AND " PG_VISIBLE(
		        "i", "$1") " ORDER BY t.id LIMIT $5",
		    "iiiti", a->org_id, incident_id, (int64_t)open_only, platform,
		    (int64_t)IDT__TAKEDOWN_LIST_MAX));
		if (*out)
			r = IDT_OK;
		else if (r == IDT_OK)
			r = IDT_ESTORE;
	}
	idt__pg_release(st, c);
	if (*out) idt__takedown_shape_all(*out, a->org_id);
	return r;
}

PG_DECL(idt_status, takedown_check, const idt_actor *a, int64_t id, json_t *doc, json_t **out)
{
	*out = NULL;
	PGconn *c = idt__pg_acquire(st);
	int64_t incident_id = 0, reported = 0;
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	if (r == IDT_OK) {
		PGresult *q = idt__pg_q(
		    c, &r, "SELECT incident_id, reported_at FROM takedowns WHERE id = $1", "i", id);
		if (q && PQntuples(q)) {
			incident_id = idt__pg_int(q, 0, 0);
			reported = idt__pg_int(q, 0, 1);
		}
		r = !q ? r : PQntuples(q) ? IDT_OK : IDT_ENOTFOUND;
		PQclear(q);
	}
	if (r == IDT_OK) r = may_change(c, a, incident_id);
	json_t *gone = json_object_get(doc, "gone_at");
	if (r == IDT_OK && json_is_integer(gone) && json_integer_value(gone) < reported)
		r = IDT_EINVAL;
	if (r == IDT_OK)
		r = idt__pg_exec(
		    c, NULL,
		    "UPDATE takedowns SET checks = checks + 1, last_check = $1, gone_at ="
		    " coalesce(gone_at, $2::bigint), how = CASE WHEN gone_at IS NULL THEN $3::text"
		    " ELSE how END WHERE id = $4",
		    "ijti", (int64_t)json_integer_value(json_object_get(doc, "checked_at")),
		    json_is_integer(gone) ? gone : NULL,
		    json_is_integer(gone) ? json_string_value(json_object_get(doc, "how")) : NULL,
		    id);
	r = finish(c, a, r, json_is_integer(gone) ? "takedown-gone" : "takedown-check", id, doc,
	           incident_id, out);
	idt__pg_release(st, c);
	return r;
}

PG_DECL(idt_status, takedown_stats, const idt_actor *a, json_t **out)
{
	*out = NULL;
	PGconn *c = idt__pg_acquire(st);
	json_t *rows = c ? idt__pg_rows(idt__pg_q(
	                       c, NULL,
	                       "SELECT t.platform, t.reported_at, t.gone_at FROM takedowns t"
	                       " JOIN incidents i ON i.id = t.incident_id WHERE " PG_VISIBLE(
	                           "i", "$1") " ORDER BY t.platform, t.id LIMIT $2",
	                       "ii", a->org_id, (int64_t)IDT__TAKEDOWN_STATS_MAX))
	                 : NULL;
	idt__pg_release(st, c);
	*out = rows ? idt__takedown_stats(rows, idt__now()) : NULL;
	idt_status r = !rows ? IDT_ESTORE : *out ? IDT_OK : IDT_ENOMEM;
	json_decref(rows);
	return r;
}
