/*
 * sqlite_takedowns.c - takedown tracking in SQLite (issue 10): an incident's listings reported
 * to a platform, the checks that find them gone, and the time-to-takedown aggregates.
 *
 * Access control is the incident's: every query joins the takedown to its incident and applies
 * SQ_VISIBLE; a takedown of an incident the actor may not see does not exist for it
 * (IDT_ENOTFOUND), and only the incident's organisation may change one (IDT_EDENIED).  Rows are
 * shaped and aggregated by takedown.c, shared with the PostgreSQL backend.
 */
#include "sqlite_int.h"
#include "takedown.h"

/* The incident's organisation and whether the actor may see it: 1 visible (*org set), 0 not
 * (or absent), -1 error. */
static int incident_access(sqlite3 *db, const idt_actor *a, int64_t incident_id, int64_t *org)
{
	sqlite3_stmt *s =
	    idt__sq_prep(db, "SELECT i.org_id FROM incidents i WHERE i.id = ? AND " SQ_VISIBLE("i"),
	                 "i", incident_id);
	if (!s) return -1;
	idt__sq_bind_org(s, a->org_id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) *org = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Checks that the actor may change the takedowns of incident_id: IDT_OK, IDT_ENOTFOUND,
 * IDT_EDENIED or IDT_ESTORE. */
static idt_status may_change(sqlite3 *db, const idt_actor *a, int64_t incident_id)
{
	int64_t org = 0;
	int v = incident_access(db, a, incident_id, &org);
	return idt__takedown_access(v, org, a->org_id);
}

/* Takedown id as the API shows it to the actor (visible incidents only). */
static idt_status get_one(sqlite3 *db, const idt_actor *a, int64_t id, json_t **out)
{
	*out = NULL;
	sqlite3_stmt *s = idt__sq_prep(db,
	                               "SELECT " IDT__TAKEDOWN_COLS " FROM takedowns t JOIN"
	                               " incidents i ON i.id = t.incident_id LEFT JOIN users u ON"
	                               " u.id = t.created_by WHERE t.id = ? AND " SQ_VISIBLE("i"),
	                               "i", id);
	if (!s) return IDT_ESTORE;
	idt__sq_bind_org(s, a->org_id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) *out = idt__takedown_shape(idt__sq_row(s), a->org_id);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW    ? (*out ? IDT_OK : IDT_ENOMEM)
	       : rc == SQLITE_DONE ? IDT_ENOTFOUND
	                           : IDT_ESTORE;
}

/* Ends a change of takedown id begun with status r: the audit entry (action, the document and
 * the incident), the takedown as it now is into *out, then commit (or roll back on failure). */
static idt_status finish(sqlite3 *db, const idt_actor *a, idt_status r, const char *action,
                         int64_t id, json_t *doc, int64_t incident_id, json_t **out)
{
	if (r == IDT_OK) {
		json_t *det = idt__takedown_detail(doc, incident_id);
		r = det ? idt__sq_audit(db, a, action, "takedown", id, NULL, det) : IDT_ENOMEM;
		json_decref(det);
	}
	if (r == IDT_OK) r = get_one(db, a, id, out);
	r = idt__sq_end(db, r);
	if (r != IDT_OK) json_decref(*out), *out = NULL;
	return r;
}

SQ_DECL(idt_status, takedown_create, const idt_actor *a, int64_t incident_id, json_t *doc,
        json_t **out)
{
	*out = NULL;
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK) r = may_change(db, a, incident_id);
	if (r == IDT_OK)
		r = idt__sq_exec(
		    db,
		    "INSERT INTO takedowns(incident_id, url, platform, reference, reported_at,"
		    " created_by, created_at) VALUES (?,?,?,?,?,?,?)",
		    "itttiii", incident_id, json_string_value(json_object_get(doc, "url")),
		    json_string_value(json_object_get(doc, "platform")),
		    json_string_value(json_object_get(doc, "reference")),
		    (int64_t)json_integer_value(json_object_get(doc, "reported_at")), a->user_id,
		    idt__now());
	int64_t id = r == IDT_OK ? sqlite3_last_insert_rowid(db) : 0;
	r = finish(db, a, r, "takedown-report", id, doc, incident_id, out);
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, takedown_list, const idt_actor *a, int64_t incident_id, bool open_only,
        const char *platform, json_t **out)
{
	*out = NULL;
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = IDT_OK;
	int64_t org = 0;
	if (incident_id) {
		int v = incident_access(db, a, incident_id, &org);
		r = v < 0 ? IDT_ESTORE : v == 0 ? IDT_ENOTFOUND : IDT_OK;
	}
	sqlite3_stmt *s = NULL;
	if (r == IDT_OK)
		s = idt__sq_prep(db,
		                 "SELECT " IDT__TAKEDOWN_COLS
		                 " FROM takedowns t JOIN incidents i ON"
		                 " i.id = t.incident_id LEFT JOIN users u ON u.id = t.created_by"
		                 " WHERE (? = 0 OR t.incident_id = ?) AND (? = 0 OR t.gone_at IS"
		                 " NULL) AND (? IS NULL OR t.platform = ?) AND " SQ_VISIBLE(
		                     "i") " ORDER BY t.id LIMIT ?",
		                 "iiitti", incident_id, incident_id, (int64_t)open_only, platform,
		                 platform, (int64_t)IDT__TAKEDOWN_LIST_MAX);
	if (s) idt__sq_bind_org(s, a->org_id);
	if (r == IDT_OK) {
		*out = idt__sq_rows(s);
		r = *out ? IDT_OK : IDT_ESTORE;
	}
	idt__sq_release(st, db);
	if (*out) idt__takedown_shape_all(*out, a->org_id);
	return r;
}

SQ_DECL(idt_status, takedown_check, const idt_actor *a, int64_t id, json_t *doc, json_t **out)
{
	*out = NULL;
	sqlite3 *db = idt__sq_acquire(st);
	int64_t incident_id = 0, reported = 0;
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK) {
		sqlite3_stmt *s = idt__sq_prep(
		    db, "SELECT incident_id, reported_at FROM takedowns WHERE id = ?", "i", id);
		int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
		if (rc == SQLITE_ROW) {
			incident_id = sqlite3_column_int64(s, 0);
			reported = sqlite3_column_int64(s, 1);
		}
		sqlite3_finalize(s);
		r = rc == SQLITE_ROW ? IDT_OK : rc == SQLITE_DONE ? IDT_ENOTFOUND : IDT_ESTORE;
	}
	if (r == IDT_OK) r = may_change(db, a, incident_id);
	json_t *gone = json_object_get(doc, "gone_at");
	if (r == IDT_OK && json_is_integer(gone) && json_integer_value(gone) < reported)
		r = IDT_EINVAL;
	if (r == IDT_OK) {
		sqlite3_stmt *q = idt__sq_prep(
		    db,
		    "UPDATE takedowns SET checks = checks + 1, last_check = ?, gone_at ="
		    " coalesce(gone_at, ?), how = CASE WHEN gone_at IS NULL THEN ? ELSE how END"
		    " WHERE id = ?",
		    "i", (int64_t)json_integer_value(json_object_get(doc, "checked_at")));
		if (q && json_is_integer(gone)) sqlite3_bind_int64(q, 2, json_integer_value(gone));
		if (q && json_is_integer(gone))
			sqlite3_bind_text(q, 3, json_string_value(json_object_get(doc, "how")), -1,
			                  SQLITE_TRANSIENT);
		if (q) sqlite3_bind_int64(q, 4, id);
		r = idt__sq_run(q);
	}
	r = finish(db, a, r, json_is_integer(gone) ? "takedown-gone" : "takedown-check", id, doc,
	           incident_id, out);
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, takedown_stats, const idt_actor *a, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s =
	    idt__sq_prep(db,
	                 "SELECT t.platform, t.reported_at, t.gone_at FROM takedowns t"
	                 " JOIN incidents i ON i.id = t.incident_id WHERE " SQ_VISIBLE(
	                     "i") " ORDER BY t.platform, t.id LIMIT ?",
	                 "i", (int64_t)IDT__TAKEDOWN_STATS_MAX);
	if (s) idt__sq_bind_org(s, a->org_id);
	json_t *rows = idt__sq_rows(s);
	idt__sq_release(st, db);
	*out = rows ? idt__takedown_stats(rows, idt__now()) : NULL;
	idt_status r = !rows ? IDT_ESTORE : *out ? IDT_OK : IDT_ENOMEM;
	json_decref(rows);
	return r;
}
