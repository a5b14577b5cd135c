/*
 * sqlite_incidents.c - incidents in SQLite: create, read, update, delete, correlation on save,
 * full-text search with filters, the network graph, attachments' metadata and the public
 * warnings.
 *
 * An incident is one row of `incidents` plus child rows (countries by role, substances,
 * observables through the shared `observables` table, attachments), a derived `incident_routes`
 * row per (substance, origin, destination) for route correlation, and an FTS5 row (title,
 * narrative, and "extra": substance names, observable values, concealment, source URL).
 *
 * Correlation: on every save the incident's links are recomputed against ALL incidents
 * (stored in `correlations`, a < b), and filtered by the reader's visibility whenever they are
 * read, so that a later change of sharing shows or hides them without recomputation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "graph.h"
#include "sqlite_int.h"
#include "stats.h"
#include "util/util.h"

_Thread_local int64_t idt__correlate_ns, idt__correlate_cpu_ns;

/* ---------------------------------------------------------------- helpers */

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Is incident id visible to org?  1 yes, 0 no, -1 error. */
static int visible(sqlite3 *db, int64_t id, int64_t org)
{
	sqlite3_stmt *s = idt__sq_prep(
	    db, "SELECT 1 FROM incidents i WHERE i.id = ? AND " SQ_VISIBLE("i"), "i", id);
	if (!s) return -1;
	idt__sq_bind_org(s, org);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Owner org of incident id (0 if absent). */
static int64_t owner_of(sqlite3 *db, int64_t id, int64_t *version)
{
	sqlite3_stmt *s =
	    idt__sq_prep(db, "SELECT org_id, version FROM incidents WHERE id = ?", "i", id);
	int64_t org = 0;
	if (s && sqlite3_step(s) == SQLITE_ROW) {
		org = sqlite3_column_int64(s, 0);
		if (version) *version = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	return org;
}

/* ---------------------------------------------------------------- writing children */

static idt_status write_countries(sqlite3 *db, int64_t id, json_t *doc)
{
	static const char *const roles[] = {"origin", "transit", "destination"};
	for (int r = 0; r < 3; r++) {
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(doc, roles[r]), i, c)
		{
			idt_status st =
			    idt__sq_exec(db,
			                 "INSERT OR IGNORE INTO incident_countries(incident_id,"
			                 " role, seq, country) VALUES (?,?,?,?)",
			                 "itit", id, roles[r], (int64_t)i, json_string_value(c));
			if (st != IDT_OK) return st;
		}
	}
	return IDT_OK;
}

static idt_status write_substances(sqlite3 *db, int64_t id, json_t *doc)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(doc, "substances"), i, s)
	{
		sqlite3_stmt *q = idt__sq_prep(
		    db,
		    "INSERT INTO incident_substances(incident_id, seq, substance, name, class,"
		    " quantity, unit, form, purity) VALUES (?,?,?,?,?,?,?,?,?)",
		    "iittt", id, (int64_t)i, jstr(s, "id"), jstr(s, "name"), jstr(s, "class"));
		if (!q) return IDT_ESTORE;
		json_t *qty = json_object_get(s, "quantity"), *pur = json_object_get(s, "purity");
		if (json_is_number(qty)) sqlite3_bind_double(q, 6, json_number_value(qty));
		sqlite3_bind_text(q, 7, jstr(s, "unit"), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 8, jstr(s, "form"), -1, SQLITE_TRANSIENT);
		if (json_is_number(pur)) sqlite3_bind_double(q, 9, json_number_value(pur));
		idt_status st = idt__sq_run(q);
		if (st != IDT_OK) return st;
	}
	return IDT_OK;
}

static idt_status write_observables(sqlite3 *db, int64_t id, json_t *doc)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(doc, "observables"), i, o)
	{
		const char *type = jstr(o, "type"), *value = jstr(o, "value");
		idt_status st = idt__sq_exec(db,
		                             "INSERT INTO observables(type, value) VALUES (?,?)"
		                             " ON CONFLICT(type, value) DO NOTHING",
		                             "tt", type, value);
		if (st != IDT_OK) return st;
		st = idt__sq_exec(db,
		                  "INSERT OR IGNORE INTO incident_observables(incident_id,"
		                  " observable_id, seq, raw) SELECT ?, id, ?, ? FROM observables"
		                  " WHERE type = ? AND value = ?",
		                  "iittt", id, (int64_t)i, jstr(o, "raw"), type, value);
		if (st != IDT_OK) return st;
	}
	return IDT_OK;
}

static idt_status write_routes(sqlite3 *db, int64_t id, json_t *doc)
{
	const char *occ = jstr(doc, "occurred_on");
	if (!occ) return IDT_OK; /* no date: no route correlation */
	return idt__sq_exec(
	    db,
	    "INSERT OR IGNORE INTO incident_routes(substance, origin, destination, day,"
	    " incident_id) SELECT s.substance, o.country, d.country,"
	    " CAST(julianday(?2) AS INTEGER), ?1 FROM incident_substances s"
	    " JOIN incident_countries o ON o.incident_id = ?1 AND o.role = 'origin'"
	    " JOIN incident_countries d ON d.incident_id = ?1 AND d.role = 'destination'"
	    " WHERE s.incident_id = ?1",
	    "it", id, occ);
}

/*
 * Filter tokens: the type, substances, classes and countries of an incident are also indexed
 * as single FTS5 tokens "x" + kind letter + hex of the value (s substance, k class, c country,
 * t type, m month of occurred_on "YYYY-MM"), so that a search with filters is an intersection of
 * FTS5 doclists walked in descending rowid order instead of a scan of incidents checking each
 * filter.
 */
static void filter_token(idt_buf *b, char kind, const char *v)
{
	if (!v) return;
	idt__buf_printf(b, " x%c", kind);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		idt__buf_printf(b, "%02x", *p);
	idt__buf_putc(b, ' ');
}

static idt_status write_fts(sqlite3 *db, int64_t id, json_t *doc)
{
	idt_buf extra = {0};
	size_t i;
	json_t *x;
	filter_token(&extra, 't', jstr(doc, "type"));
	const char *occ = jstr(doc, "occurred_on");
	if (occ && strlen(occ) >= 7) {
		char ym[8];
		memcpy(ym, occ, 7);
		ym[7] = 0;
		filter_token(&extra, 'm', ym);
	}
	json_array_foreach(json_object_get(doc, "substances"), i, x)
	{
		filter_token(&extra, 's', jstr(x, "id"));
		filter_token(&extra, 'k', jstr(x, "class"));
	}
	for (const char *const *r = (const char *const[]){"origin", "transit", "destination", NULL};
	     *r; r++)
		json_array_foreach(json_object_get(doc, *r), i, x)
		    filter_token(&extra, 'c', json_string_value(x));
	json_array_foreach(json_object_get(doc, "substances"), i, x)
	{
		idt__buf_printf(&extra, "%s %s ", jstr(x, "id") ? jstr(x, "id") : "",
		                jstr(x, "name") ? jstr(x, "name") : "");
	}
	json_array_foreach(json_object_get(doc, "observables"), i, x)
	{
		idt__buf_printf(&extra, "%s ", jstr(x, "value") ? jstr(x, "value") : "");
	}
	if (jstr(doc, "concealment")) idt__buf_printf(&extra, "%s ", jstr(doc, "concealment"));
	json_t *src = json_object_get(doc, "source");
	if (jstr(src, "url")) idt__buf_printf(&extra, "%s ", jstr(src, "url"));
	if (jstr(src, "platform")) idt__buf_printf(&extra, "%s ", jstr(src, "platform"));
	idt__buf_putc(&extra, 0);
	idt_status st = idt__sq_exec(db, "DELETE FROM incidents_fts WHERE rowid = ?", "i", id);
	if (st == IDT_OK)
		st = idt__sq_exec(db,
		                  "INSERT INTO incidents_fts(rowid, title, narrative, extra)"
		                  " VALUES (?,?,?,?)",
		                  "ittt", id, jstr(doc, "title"), jstr(doc, "narrative"),
		                  extra.data ? extra.data : "");
	idt__buf_free(&extra);
	return st;
}

/* Recomputes the correlations of incident id against every other incident. */
static idt_status correlate(sqlite3 *db, int64_t id, bool fresh)
{
	idt_status st = IDT_OK;
	if (!fresh) {
		st = idt__sq_exec(db, "DELETE FROM correlations WHERE a = ?1", "i", id);
		if (st == IDT_OK)
			st = idt__sq_exec(db, "DELETE FROM correlations WHERE b = ?1", "i", id);
	}
	if (st != IDT_OK) return st;
	int64_t now = idt__now();
	/* shared observables: one index probe per observable (io_obs), capped per observable */
	sqlite3_stmt *mine = idt__sq_prep(db,
	                                  "SELECT io.observable_id, ob.type || ':' || ob.value FROM"
	                                  " incident_observables io JOIN observables ob ON"
	                                  " ob.id = io.observable_id WHERE io.incident_id = ?",
	                                  "i", id);
	if (!mine) return IDT_ESTORE;
	while (st == IDT_OK && sqlite3_step(mine) == SQLITE_ROW)
		st = idt__sq_exec(
		    db,
		    "INSERT OR IGNORE INTO correlations(a, b, kind, detail, created_at)"
		    " SELECT min(?1, x.incident_id), max(?1, x.incident_id),"
		    " 'observable', ?3, ?4 FROM incident_observables x"
		    " WHERE x.observable_id = ?2 AND x.incident_id <> ?1 LIMIT ?5",
		    "iitii", id, sqlite3_column_int64(mine, 0), idt__sq_text(mine, 1), now,
		    (int64_t)SQ_CORR_CAP);
	sqlite3_finalize(mine);
	if (st != IDT_OK) return st;
	/* same substance on the same route within the window (ir primary key range scan) */
	return idt__sq_exec(
	    db,
	    "INSERT OR IGNORE INTO correlations(a, b, kind, detail, created_at)"
	    " SELECT min(?1, r.incident_id), max(?1, r.incident_id), 'route',"
	    " m.substance || ':' || m.origin || '>' || m.destination, ?2"
	    " FROM incident_routes m JOIN incident_routes r ON r.substance = m.substance"
	    " AND r.origin = m.origin AND r.destination = m.destination"
	    " AND r.day BETWEEN m.day - ?3 AND m.day + ?3 AND r.incident_id <> ?1"
	    " WHERE m.incident_id = ?1 LIMIT 20000",
	    "iii", id, now, (int64_t)SQ_ROUTE_WINDOW);
}

static idt_status write_all(sqlite3 *db, int64_t id, json_t *doc, bool fresh)
{
	idt_status st = IDT_OK;
	static const char *const wipe[] = {
	    "DELETE FROM incident_countries WHERE incident_id = ?",
	    "DELETE FROM incident_substances WHERE incident_id = ?",
	    "DELETE FROM incident_observables WHERE incident_id = ?",
	    "DELETE FROM incident_routes WHERE incident_id = ?",
	};
	for (size_t i = 0; i < IDT_ARRAY_LEN(wipe) && st == IDT_OK; i++)
		st = idt__sq_exec(db, wipe[i], "i", id);
	if (st == IDT_OK) st = write_countries(db, id, doc);
	if (st == IDT_OK) st = write_substances(db, id, doc);
	if (st == IDT_OK) st = write_observables(db, id, doc);
	if (st == IDT_OK) st = write_routes(db, id, doc);
	if (st == IDT_OK) st = write_fts(db, id, doc);
	if (st == IDT_OK) {
		struct timespec t0, t1, c0, c1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
		st = correlate(db, id, fresh);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		idt__correlate_ns =
		    (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec);
		idt__correlate_cpu_ns =
		    (int64_t)(c1.tv_sec - c0.tv_sec) * 1000000000 + (c1.tv_nsec - c0.tv_nsec);
	}
	return st;
}

/* The sharing group must exist and contain the actor's organisation. */
static idt_status check_group(sqlite3 *db, const idt_actor *a, json_t *doc)
{
	const char *dist = jstr(doc, "distribution");
	if (!dist || strcmp(dist, "sharing-group") != 0) return IDT_OK;
	json_int_t g = json_integer_value(json_object_get(doc, "sharing_group_id"));
	sqlite3_stmt *s = idt__sq_prep(db,
	                               "SELECT 1 FROM sharing_group_orgs WHERE group_id = ? AND"
	                               " org_id = ?",
	                               "ii", (int64_t)g, a->org_id);
	int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? IDT_OK : IDT_EINVAL;
}

static char *dump(json_t *v)
{
	return v && !json_is_null(v) ? json_dumps(v, JSON_COMPACT) : NULL;
}

static void bind_scalars(sqlite3_stmt *q, json_t *doc, int first)
{
	/* type, status, title, narrative, occurred_on, reported_on, day(occurred_on),
	 * transport_mode, concealment, source, evidence, tlp, distribution, sharing_group_id */
	static const char *const keys[] = {"type",      "status",      "title",
	                                   "narrative", "occurred_on", "reported_on"};
	int i = first;
	for (size_t k = 0; k < IDT_ARRAY_LEN(keys); k++, i++)
		sqlite3_bind_text(q, i, jstr(doc, keys[k]), -1, SQLITE_TRANSIENT);
	if (!jstr(doc, "narrative")) sqlite3_bind_text(q, first + 3, "", 0, SQLITE_STATIC);
	sqlite3_bind_text(q, i++, jstr(doc, "occurred_on"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, i++, jstr(doc, "transport_mode"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, i++, jstr(doc, "concealment"), -1, SQLITE_TRANSIENT);
	char *src = dump(json_object_get(doc, "source")),
	     *ev = dump(json_object_get(doc, "evidence"));
	sqlite3_bind_text(q, i++, src, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, i++, ev, -1, SQLITE_TRANSIENT);
	free(src), free(ev);
	sqlite3_bind_text(q, i++, jstr(doc, "tlp"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, i++, jstr(doc, "distribution"), -1, SQLITE_TRANSIENT);
	json_t *g = json_object_get(doc, "sharing_group_id");
	const char *dist = jstr(doc, "distribution");
	if (json_is_integer(g) && dist && strcmp(dist, "sharing-group") == 0)
		sqlite3_bind_int64(q, i, json_integer_value(g));
	else
		sqlite3_bind_null(q, i);
}

idt_status idt__sq_incident_insert(sqlite3 *db, const idt_actor *a, json_t *doc, int64_t *id)
{
	idt_status st = check_group(db, a, doc);
	if (st != IDT_OK) return st;
	int64_t now = idt__now();
	sqlite3_stmt *q = idt__sq_prep(
	    db,
	    "INSERT INTO incidents(org_id, created_by, created_at, updated_at, type, status,"
	    " title, narrative, occurred_on, reported_on, day, transport_mode, concealment,"
	    " source, evidence, tlp, distribution, sharing_group_id) VALUES (?,?,?,?,?,?,?,?,?,?,"
	    "CAST(julianday(?) AS INTEGER),?,?,?,?,?,?,?)",
	    "iiii", a->org_id, a->user_id, now, now);
	if (!q) return IDT_ESTORE;
	bind_scalars(q, doc, 5);
	st = idt__sq_run(q);
	if (st != IDT_OK) return st;
	*id = sqlite3_last_insert_rowid(db);
	return write_all(db, *id, doc, true);
}

/* ---------------------------------------------------------------- reading */

static json_t *child_rows(sqlite3 *db, const char *sql, int64_t id)
{
	json_t *r = idt__sq_rows(idt__sq_prep(db, sql, "i", id));
	return r ? r : json_array();
}

static void drop_nulls(json_t *arr)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		const char *k;
		void *tmp;
		json_t *v;
		json_object_foreach_safe(o, tmp, k, v)
		{
			if (json_is_null(v)) json_object_del(o, k);
		}
	}
}

static json_t *countries(sqlite3 *db, int64_t id, const char *role)
{
	json_t *a = json_array();
	sqlite3_stmt *s =
	    idt__sq_prep(db,
	                 "SELECT country FROM incident_countries WHERE incident_id = ?"
	                 " AND role = ? ORDER BY seq",
	                 "it", id, role);
	while (s && sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_string(idt__sq_text(s, 0)));
	sqlite3_finalize(s);
	return a;
}

/* The visible correlations of id, for reader org. */
static json_t *correlations(sqlite3 *db, int64_t id, int64_t org)
{
	sqlite3_stmt *s = idt__sq_prep(
	    db,
	    "SELECT i.id AS incident_id, i.title, i.type, c.kind, c.detail FROM"
	    " (SELECT b AS other, kind, detail FROM correlations WHERE a = ?1 UNION ALL"
	    "  SELECT a AS other, kind, detail FROM correlations WHERE b = ?1) c"
	    " JOIN incidents i ON i.id = c.other WHERE " SQ_VISIBLE(
	        "i") " ORDER BY i.id LIMIT 1000",
	    "i", id);
	if (s) idt__sq_bind_org(s, org);
	json_t *r = idt__sq_rows(s);
	return r ? r : json_array();
}

idt_status idt__sq_incident_doc(sqlite3 *db, const idt_actor *a, int64_t id, json_t **out)
{
	*out = NULL;
	sqlite3_stmt *s = idt__sq_prep(
	    db,
	    "SELECT i.id, i.type, i.status, i.title, i.narrative, i.occurred_on, i.reported_on,"
	    " i.transport_mode, i.concealment, i.source, i.evidence, i.tlp, i.distribution,"
	    " i.sharing_group_id, i.created_at, i.updated_at, i.version, i.org_id,"
	    " o.name AS org_name, o.country AS org_country, o.kind AS org_kind,"
	    " u.username AS created_by FROM incidents i JOIN orgs o ON o.id = i.org_id"
	    " LEFT JOIN users u ON u.id = i.created_by WHERE i.id = ? AND " SQ_VISIBLE("i"),
	    "i", id);
	if (!s) return IDT_ESTORE;
	idt__sq_bind_org(s, a->org_id);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc == SQLITE_DONE ? IDT_ENOTFOUND : IDT_ESTORE;
	}
	json_t *d = idt__sq_row(s);
	sqlite3_finalize(s);
	/* nest the organisation; parse the JSON columns; ISO times */
	json_t *org =
	    json_pack("{s:O,s:O,s:O,s:O}", "id", json_object_get(d, "org_id"), "name",
	              json_object_get(d, "org_name"), "country", json_object_get(d, "org_country"),
	              "kind", json_object_get(d, "org_kind"));
	json_object_set_new(d, "org", org);
	json_object_set_new(
	    d, "editable",
	    json_boolean(json_integer_value(json_object_get(d, "org_id")) == a->org_id));
	json_object_del(d, "org_id"), json_object_del(d, "org_name");
	json_object_del(d, "org_country"), json_object_del(d, "org_kind");
	for (const char *const *k = (const char *const[]){"source", "evidence", NULL}; *k; k++) {
		json_t *v = json_loads(json_string_value(json_object_get(d, *k)) ?: "null",
		                       JSON_DECODE_ANY, NULL);
		json_object_set_new(d, *k, v ? v : json_null());
	}
	for (const char *const *k = (const char *const[]){"created_at", "updated_at", NULL}; *k;
	     k++) {
		char t[32];
		idt__time_iso(json_integer_value(json_object_get(d, *k)), t);
		json_object_set_new(d, *k, json_string(t));
	}
	json_object_set_new(d, "origin", countries(db, id, "origin"));
	json_object_set_new(d, "transit", countries(db, id, "transit"));
	json_object_set_new(d, "destination", countries(db, id, "destination"));
	json_t *subs =
	    child_rows(db,
	               "SELECT substance AS id, name, class, quantity, unit, form, purity"
	               " FROM incident_substances WHERE incident_id = ? ORDER BY seq",
	               id);
	drop_nulls(subs);
	json_object_set_new(d, "substances", subs);
	json_t *obs = child_rows(db,
	                         "SELECT ob.type, ob.value, io.raw FROM incident_observables io"
	                         " JOIN observables ob ON ob.id = io.observable_id"
	                         " WHERE io.incident_id = ? ORDER BY io.seq",
	                         id);
	drop_nulls(obs);
	json_object_set_new(d, "observables", obs);
	json_object_set_new(d, "attachments",
	                    child_rows(db,
	                               "SELECT sha256, name, media_type, size FROM attachments"
	                               " WHERE incident_id = ? ORDER BY created_at, sha256",
	                               id));
	json_object_set_new(d, "correlations", correlations(db, id, a->org_id));
	*out = d;
	return IDT_OK;
}

/* ---------------------------------------------------------------- create / read / update */

/* How far an incident reaches: 0 own org, 1 a group (+ id), 2 everyone. */
static int64_t reach(const char *status, const char *dist, int64_t group)
{
	if (!status || strcmp(status, "draft") == 0 || !dist || strcmp(dist, "own-org") == 0)
		return 0;
	if (strcmp(dist, "all") == 0) return 1LL << 40;
	return group;
}

SQ_DECL(idt_status, incident_create, const idt_actor *a, json_t *doc, json_t **out)
{
	*out = NULL;
	sqlite3 *db = idt__sq_acquire(st);
	int64_t id = 0;
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK) r = idt__sq_incident_insert(db, a, doc, &id);
	if (r == IDT_OK) r = idt__sq_audit(db, a, "create", "incident", id, NULL, NULL);
	if (r == IDT_OK) r = idt__sq_alerts_match(db, a, id, "new");
	if (r == IDT_OK) r = idt__sq_incident_doc(db, a, id, out);
	r = idt__sq_end(db, r);
	if (r != IDT_OK) json_decref(*out), *out = NULL;
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, incident_get, const idt_actor *a, int64_t id, json_t **out)
{
	/* read in a read transaction (concurrent with writers under WAL), then record the read */
	sqlite3 *db = idt__sq_acquire(st);
	*out = NULL;
	idt_status r =
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? IDT_OK : IDT_ESTORE;
	if (r == IDT_OK) r = idt__sq_incident_doc(db, a, id, out);
	if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (r == IDT_OK) r = idt__sq_begin_light(db);
	if (r == IDT_OK)
		r = idt__sq_end(db, idt__sq_audit(db, a, "read", "incident", id, NULL, NULL));
	if (r != IDT_OK && *out) json_decref(*out), *out = NULL;
	idt__sq_release(st, db);
	return r;
}

static const char *const editable_keys[] = {
    "type",        "status",       "title",           "narrative",   "occurred_on",
    "reported_on", "origin",       "transit",         "destination", "transport_mode",
    "concealment", "substances",   "observables",     "source",      "evidence",
    "tlp",         "distribution", "sharing_group_id"};

SQ_DECL(idt_status, incident_update, const idt_actor *a, int64_t id, int64_t version, json_t *patch,
        json_t **out)
{
	*out = NULL;
	sqlite3 *db = idt__sq_acquire(st);
	json_t *cur = NULL;
	int64_t curver = 0;
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK) r = idt__sq_incident_doc(db, a, id, &cur);
	if (r == IDT_OK && owner_of(db, id, &curver) != a->org_id) r = IDT_EDENIED;
	if (r == IDT_OK && version && version != curver) r = IDT_ECONFLICT;
	json_t *doc = json_object(), *changed = json_array();
	int64_t old_reach = 0, new_reach = 0;
	if (r == IDT_OK) {
		old_reach = reach(jstr(cur, "status"), jstr(cur, "distribution"),
		                  json_integer_value(json_object_get(cur, "sharing_group_id")));
		for (size_t k = 0; k < IDT_ARRAY_LEN(editable_keys); k++) {
			json_t *v = json_object_get(patch, editable_keys[k]);
			if (v) {
				json_object_set(doc, editable_keys[k], v);
				if (!json_equal(v, json_object_get(cur, editable_keys[k])))
					json_array_append_new(changed,
					                      json_string(editable_keys[k]));
			} else {
				json_object_set(doc, editable_keys[k],
				                json_object_get(cur, editable_keys[k]));
			}
		}
		new_reach = reach(jstr(doc, "status"), jstr(doc, "distribution"),
		                  json_integer_value(json_object_get(doc, "sharing_group_id")));
		r = check_group(db, a, doc);
	}
	if (r == IDT_OK) {
		sqlite3_stmt *q = idt__sq_prep(
		    db,
		    "UPDATE incidents SET type = ?, status = ?, title = ?, narrative = ?,"
		    " occurred_on = ?, reported_on = ?, day = CAST(julianday(?) AS INTEGER),"
		    " transport_mode = ?, concealment = ?, source = ?, evidence = ?, tlp = ?,"
		    " distribution = ?, sharing_group_id = ?, updated_at = ?,"
		    " version = version + 1 WHERE id = ?",
		    "");
		if (!q)
			r = IDT_ESTORE;
		else {
			bind_scalars(q, doc, 1);
			sqlite3_bind_int64(q, 15, idt__now());
			sqlite3_bind_int64(q, 16, id);
			r = idt__sq_run(q);
		}
	}
	if (r == IDT_OK) r = write_all(db, id, doc, false);
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:O}", "changed", changed);
		r = idt__sq_audit(db, a, "update", "incident", id, NULL, det);
		json_decref(det);
	}
	if (r == IDT_OK && new_reach != old_reach && new_reach != 0)
		r = idt__sq_alerts_match(db, a, id, "shared");
	if (r == IDT_OK) r = idt__sq_incident_doc(db, a, id, out);
	r = idt__sq_end(db, r);
	if (r != IDT_OK && *out) json_decref(*out), *out = NULL;
	json_decref(cur), json_decref(doc), json_decref(changed);
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, incident_delete, const idt_actor *a, int64_t id)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK) {
		int v = visible(db, id, a->org_id);
		r = v < 0 ? IDT_ESTORE : v == 0 ? IDT_ENOTFOUND : IDT_OK;
	}
	if (r == IDT_OK && owner_of(db, id, NULL) != a->org_id) r = IDT_EDENIED;
	if (r == IDT_OK) r = idt__sq_exec(db, "DELETE FROM incidents_fts WHERE rowid = ?", "i", id);
	if (r == IDT_OK) r = idt__sq_exec(db, "DELETE FROM incidents WHERE id = ?", "i", id);
	if (r == IDT_OK) r = idt__sq_audit(db, a, "delete", "incident", id, NULL, NULL);
	r = idt__sq_end(db, r);
	idt__sq_release(st, db);
	return r;
}

/* ---------------------------------------------------------------- search */

/* Bound values collected while the WHERE clause is assembled from constant fragments. */
typedef struct binds {
	const char *v[16];
	int64_t iv[16];
	char kind[16]; /* 't' or 'i' */
	int n;
} binds;

static void add_t(idt_buf *sql, binds *b, const char *frag, const char *v)
{
	idt__buf_puts(sql, frag);
	b->kind[b->n] = 't';
	b->v[b->n++] = v;
}

/* Binds the collected values to the positional parameters; returns the last index used. */
static int bind_all(sqlite3_stmt *s, const binds *b, int64_t org)
{
	int pos = 0;
	for (int i = 0; i < b->n; i++) {
		pos = idt__sq_next_pos(s, pos);
		if (b->kind[i] == 't')
			sqlite3_bind_text(s, pos, b->v[i], -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(s, pos, b->iv[i]);
	}
	idt__sq_bind_org(s, org);
	return pos;
}

/* Turns "word word" into the FTS5 query "\"word\" \"word\"" (each word a phrase). */
static char *fts_query(const char *q)
{
	idt_buf b = {.cap_limit = 4096};
	const char *p = q;
	while (*p) {
		while (*p == ' ') p++;
		const char *w = p;
		while (*p && *p != ' ') p++;
		if (p > w) {
			if (b.len) idt__buf_putc(&b, ' ');
			idt__buf_putc(&b, '"');
			for (const char *c = w; c < p; c++) {
				if (*c == '"') idt__buf_putc(&b, '"');
				idt__buf_putc(&b, *c);
			}
			idt__buf_putc(&b, '"');
		}
	}
	if (idt__buf_putc(&b, 0) != IDT_OK) {
		idt__buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* A date range of at most 60 months as "(xmHEX(YYYY-MM) OR ...)", ANDed to the FTS5 query
 * (the exact days are still checked in SQL); longer or open ranges are left to SQL alone. */
static void month_tokens(idt_buf *m, const char *from, const char *to)
{
	if (!from || !to || strcmp(from, to) > 0) return;
	int y = atoi(from), mo = atoi(from + 5), ty = atoi(to), tm = atoi(to + 5);
	int n = (ty - y) * 12 + (tm - mo) + 1;
	if (n < 1 || n > 60) return;
	idt__buf_puts(m, m->len ? " AND (" : "(");
	for (int i = 0; i < n; i++) {
		char ym[32]; /* the dates were validated: 4-digit years */
		snprintf(ym, sizeof ym, "%04d-%02d", (y + (mo - 1 + i) / 12) % 10000,
		         (mo - 1 + i) % 12 + 1);
		idt_buf t = {0};
		filter_token(&t, 'm', ym);
		idt__buf_printf(m, "%s\"%.*s\"", i ? " OR " : "", t.len > 2 ? (int)t.len - 2 : 0,
		                t.data ? t.data + 1 : "");
		idt__buf_free(&t);
	}
	idt__buf_putc(m, ')');
}

SQ_DECL(idt_status, incident_search, const idt_actor *a, const idt_search *q, json_t **out)
{
	*out = NULL;
	idt_buf where = {0};
	binds b = {0};
	char *fq = NULL;
	/* with words or filters, the FTS5 index drives the query in descending rowid order (no
	 * materialised list of matches); otherwise the incidents table does */
	idt_buf m = {.cap_limit = 8192};
	if (q->q && *q->q) {
		fq = fts_query(q->q);
		if (!fq) return IDT_ENOMEM;
		/* the words, each a phrase, joined by AND */
		for (const char *w = fq; *w;) {
			const char *e = strstr(w + 1, "\" \"");
			size_t n = e ? (size_t)(e - w) + 1 : strlen(w);
			idt__buf_printf(&m, "%s%.*s", m.len ? " AND " : "", (int)n, w);
			w += n + (e ? 1 : 0);
		}
	}
	const char kinds[] = {'t', 's', 'k', 'c'};
	const char *vals[] = {q->type, q->substance, q->cls, q->country};
	for (int k = 0; k < 4; k++) {
		if (!vals[k]) continue;
		idt_buf t = {0};
		filter_token(&t, kinds[k], vals[k]); /* " xKHEX " */
		idt__buf_printf(&m, "%s\"%.*s\"", m.len ? " AND " : "",
		                t.len > 2 ? (int)t.len - 2 : 0, t.data ? t.data + 1 : "");
		idt__buf_free(&t);
	}
	month_tokens(&m, q->from, q->to);
	if (idt__buf_putc(&m, 0) != IDT_OK) {
		idt__buf_free(&m);
		free(fq);
		return IDT_ELIMIT;
	}
	bool use_fts = m.data && m.data[strspn(m.data, " ")] != 0;
	if (use_fts)
		add_t(
		    &where, &b,
		    " FROM incidents_fts JOIN incidents i ON i.id = incidents_fts.rowid JOIN orgs o"
		    " ON o.id = i.org_id WHERE incidents_fts MATCH ? AND " SQ_VISIBLE("i"),
		    m.data);
	else
		idt__buf_puts(
		    &where,
		    " FROM incidents i JOIN orgs o ON o.id = i.org_id WHERE " SQ_VISIBLE("i"));
	if (q->status) add_t(&where, &b, " AND i.status = ?", q->status);
	if (q->group) {
		idt__buf_puts(&where,
		              " AND i.distribution = 'sharing-group' AND i.status <> 'draft'"
		              " AND i.sharing_group_id = ?");
		b.kind[b.n] = 'i';
		b.iv[b.n++] = q->group;
	}
	if (q->from) add_t(&where, &b, " AND i.occurred_on >= ?", q->from);
	if (q->to) add_t(&where, &b, " AND i.occurred_on <= ?", q->to);
	if (q->obs_type && q->obs_value) {
		add_t(&where, &b,
		      " AND i.id IN (SELECT io.incident_id FROM observables ob JOIN"
		      " incident_observables io ON io.observable_id = ob.id WHERE ob.type = ?",
		      q->obs_type);
		add_t(&where, &b, " AND ob.value = ?)", q->obs_value);
	}
	idt_buf sql = {0};
	idt__buf_puts(&sql, "SELECT i.id, i.type, i.status, i.title, i.occurred_on, i.tlp,"
	                    " i.distribution, i.org_id, o.name AS org_name, i.updated_at");
	idt__buf_append(&sql, where.data, where.len);
	idt__buf_puts(&sql, use_fts ? " ORDER BY incidents_fts.rowid DESC LIMIT ? OFFSET ?"
	                            : " ORDER BY i.id DESC LIMIT ? OFFSET ?");
	idt__buf_putc(&sql, 0);
	idt_buf csql = {0};
	idt__buf_puts(&csql, "SELECT count(*) FROM (SELECT 1");
	idt__buf_append(&csql, where.data, where.len);
	idt__buf_puts(&csql, " LIMIT 201)");
	idt__buf_putc(&csql, 0);

	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = IDT_ESTORE;
	sqlite3_stmt *s = sql.data ? idt__sq_prep(db, sql.data, "") : NULL;
	json_t *items = NULL;
	int64_t total = 0;
	if (s) {
		int pos = bind_all(s, &b, a->org_id);
		pos = idt__sq_next_pos(s, pos);
		sqlite3_bind_int64(s, pos, q->per_page);
		sqlite3_bind_int64(s, idt__sq_next_pos(s, pos), (q->page - 1) * q->per_page);
		items = idt__sq_rows(s);
	}
	/* a short page already saw every match: no second pass to count them */
	size_t got = items ? json_array_size(items) : 0;
	bool short_page = items && (int64_t)got < q->per_page && (got > 0 || q->page == 1);
	if (short_page) total = (q->page - 1) * q->per_page + (int64_t)got;
	sqlite3_stmt *c = !short_page && csql.data ? idt__sq_prep(db, csql.data, "") : NULL;
	if (c) {
		bind_all(c, &b, a->org_id);
		if (sqlite3_step(c) == SQLITE_ROW) total = sqlite3_column_int64(c, 0);
		sqlite3_finalize(c);
	}
	if (items) {
		json_t *ids = json_array();
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			char t[32];
			idt__time_iso(json_integer_value(json_object_get(it, "updated_at")), t);
			json_object_set_new(it, "updated_at", json_string(t));
			json_array_append(ids, json_object_get(it, "id"));
		}
		/* a search reads the incidents it lists: audit it */
		json_t *det = json_pack("{s:s?,s:o}", "q", q->q, "ids", ids);
		if (idt__sq_begin_light(db) == IDT_OK)
			idt__sq_end(db, idt__sq_audit(db, a, "search", "incident", 0, NULL, det));
		json_decref(det);
		*out =
		    json_pack("{s:o,s:I,s:b,s:I,s:I}", "items", items, "total",
		              (json_int_t)(total > 200 ? 200 : total), "total_capped", total > 200,
		              "page", (json_int_t)q->page, "per_page", (json_int_t)q->per_page);
		r = *out ? IDT_OK : IDT_ENOMEM;
	}
	idt__sq_release(st, db);
	idt__buf_free(&where), idt__buf_free(&sql), idt__buf_free(&csql), idt__buf_free(&m);
	free(fq);
	return r;
}

/* ---------------------------------------------------------------- network graph */

static int add_incident_node(idt__graph *g, sqlite3_stmt *s)
{
	char key[32];
	snprintf(key, sizeof key, "i:%lld", (long long)sqlite3_column_int64(s, 0));
	json_t *n = json_pack("{s:s,s:I,s:s?,s:s?,s:s?,s:s?}", "kind", "incident", "incident_id",
	                      (json_int_t)sqlite3_column_int64(s, 0), "title", idt__sq_text(s, 1),
	                      "type", idt__sq_text(s, 2), "org", idt__sq_text(s, 3), "occurred_on",
	                      idt__sq_text(s, 4));
	return idt__graph_add_node(g, key, n);
}

/* Expands incident id: its observables, the visible incidents sharing them, its route links.
 * New incident ids go to next. */
static idt_status expand(sqlite3 *db, idt__graph *g, int64_t id, int64_t org, json_t *next)
{
	char ikey[32];
	snprintf(ikey, sizeof ikey, "i:%lld", (long long)id);
	sqlite3_stmt *s =
	    idt__sq_prep(db,
	                 "SELECT ob.id, ob.type, ob.value FROM incident_observables io"
	                 " JOIN observables ob ON ob.id = io.observable_id"
	                 " WHERE io.incident_id = ? ORDER BY io.seq",
	                 "i", id);
	if (!s) return IDT_ESTORE;
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t oid = sqlite3_column_int64(s, 0);
		char okey[32];
		snprintf(okey, sizeof okey, "o:%lld", (long long)oid);
		int fresh = idt__graph_add_node(g, okey,
		                     json_pack("{s:s,s:s,s:s}", "kind", "observable", "type",
		                               idt__sq_text(s, 1), "value", idt__sq_text(s, 2)));
		if (fresh < 0) break;
		idt__graph_add_edge(g, ikey, okey, "has", NULL);
		if (!fresh) continue;
		sqlite3_stmt *o = idt__sq_prep(
		    db,
		    "SELECT i.id, i.title, i.type, og.name, i.occurred_on FROM"
		    " incident_observables x JOIN incidents i ON i.id = x.incident_id"
		    " JOIN orgs og ON og.id = i.org_id WHERE x.observable_id = ? AND"
		    " x.incident_id <> ? AND " SQ_VISIBLE("i") " ORDER BY i.id LIMIT 100",
		    "ii", oid, id);
		if (!o) break;
		idt__sq_bind_org(o, org);
		while (sqlite3_step(o) == SQLITE_ROW) {
			char k2[32];
			snprintf(k2, sizeof k2, "i:%lld", (long long)sqlite3_column_int64(o, 0));
			int f2 = add_incident_node(g, o);
			if (f2 < 0) break;
			idt__graph_add_edge(g, k2, okey, "has", NULL);
			if (f2)
				json_array_append_new(next,
				                      json_integer(sqlite3_column_int64(o, 0)));
		}
		sqlite3_finalize(o);
	}
	sqlite3_finalize(s);
	/* route links (incident - incident) */
	s = idt__sq_prep(
	    db,
	    "SELECT i.id, i.title, i.type, og.name, i.occurred_on, c.detail FROM"
	    " (SELECT b AS other, detail FROM correlations WHERE a = ?1 AND"
	    "  kind = 'route' UNION ALL SELECT a, detail FROM correlations WHERE"
	    "  b = ?1 AND kind = 'route') c JOIN incidents i ON i.id = c.other"
	    " JOIN orgs og ON og.id = i.org_id WHERE " SQ_VISIBLE("i") " ORDER BY i.id LIMIT 100",
	    "i", id);
	if (!s) return IDT_ESTORE;
	idt__sq_bind_org(s, org);
	while (sqlite3_step(s) == SQLITE_ROW) {
		char k2[32];
		snprintf(k2, sizeof k2, "i:%lld", (long long)sqlite3_column_int64(s, 0));
		int f2 = add_incident_node(g, s);
		if (f2 < 0) break;
		idt__graph_add_edge(g, ikey, k2, "route", idt__sq_text(s, 5));
		if (f2) json_array_append_new(next, json_integer(sqlite3_column_int64(s, 0)));
	}
	sqlite3_finalize(s);
	return IDT_OK;
}

SQ_DECL(idt_status, incident_network, const idt_actor *a, int64_t id, int depth, json_t **out)
{
	*out = NULL;
	idt__graph g = {json_array(), json_array(), json_object(), 0};
	json_t *frontier = json_array(), *visited = json_array();
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = IDT_OK;
	sqlite3_stmt *s =
	    idt__sq_prep(db,
	                 "SELECT i.id, i.title, i.type, og.name, i.occurred_on FROM"
	                 " incidents i JOIN orgs og ON og.id = i.org_id WHERE i.id = ?"
	                 " AND " SQ_VISIBLE("i"),
	                 "i", id);
	if (!s)
		r = IDT_ESTORE;
	else {
		idt__sq_bind_org(s, a->org_id);
		if (sqlite3_step(s) == SQLITE_ROW)
			add_incident_node(&g, s);
		else
			r = IDT_ENOTFOUND;
		sqlite3_finalize(s);
	}
	json_array_append_new(frontier, json_integer(id));
	for (int d = 0; r == IDT_OK && d < depth && json_array_size(frontier) && !g.truncated;
	     d++) {
		json_t *next = json_array();
		size_t i;
		json_t *v;
		json_array_foreach(frontier, i, v)
		{
			json_array_append(visited, v);
			r = expand(db, &g, json_integer_value(v), a->org_id, next);
			if (r != IDT_OK || g.truncated) break;
		}
		json_decref(frontier);
		frontier = next;
	}
	if (r == IDT_OK && idt__sq_begin_light(db) == IDT_OK) {
		json_t *det = json_pack("{s:i,s:O}", "depth", depth, "expanded", visited);
		r = idt__sq_end(db, idt__sq_audit(db, a, "network", "incident", id, NULL, det));
		json_decref(det);
	}
	if (r == IDT_OK)
		*out = json_pack("{s:I,s:i,s:O,s:O,s:b}", "root", (json_int_t)id, "depth", depth,
		                 "nodes", g.nodes, "edges", g.edges, "truncated", g.truncated);
	json_decref(g.nodes), json_decref(g.edges), json_decref(g.seen);
	json_decref(frontier), json_decref(visited);
	idt__sq_release(st, db);
	return r;
}

/* ---------------------------------------------------------------- attachments */

SQ_DECL(idt_status, attachment_add, const idt_actor *a, int64_t incident_id, const char *sha256,
        const char *name, const char *media_type, int64_t size, json_t **out)
{
	*out = NULL;
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK) {
		int v = visible(db, incident_id, a->org_id);
		r = v < 0 ? IDT_ESTORE : v == 0 ? IDT_ENOTFOUND : IDT_OK;
	}
	if (r == IDT_OK && owner_of(db, incident_id, NULL) != a->org_id) r = IDT_EDENIED;
	if (r == IDT_OK)
		r = idt__sq_exec(
		    db,
		    "INSERT INTO attachments(incident_id, sha256, name, media_type, size,"
		    " created_at, created_by) VALUES (?,?,?,?,?,?,?)"
		    " ON CONFLICT(incident_id, sha256) DO UPDATE SET name = excluded.name",
		    "ittti"
		    "ii",
		    incident_id, sha256, name, media_type, size, idt__now(), a->user_id);
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:s,s:s,s:I}", "sha256", sha256, "name", name, "size",
		                        (json_int_t)size);
		r = idt__sq_audit(db, a, "attach", "incident", incident_id, NULL, det);
		json_decref(det);
	}
	r = idt__sq_end(db, r);
	if (r == IDT_OK)
		*out = json_pack("{s:s,s:s,s:s,s:I}", "sha256", sha256, "name", name, "media_type",
		                 media_type, "size", (json_int_t)size);
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, attachment_visible, const idt_actor *a, int64_t incident_id, const char *sha256,
        json_t **meta)
{
	*meta = NULL;
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s =
	    idt__sq_prep(db,
	                 "SELECT t.sha256, t.name, t.media_type, t.size FROM"
	                 " attachments t JOIN incidents i ON i.id = t.incident_id"
	                 " WHERE t.incident_id = ? AND t.sha256 = ? AND " SQ_VISIBLE("i"),
	                 "it", incident_id, sha256);
	idt_status r = IDT_ESTORE;
	if (s) {
		idt__sq_bind_org(s, a->org_id);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*meta = idt__sq_row(s);
			r = IDT_OK;
		} else {
			r = rc == SQLITE_DONE ? IDT_ENOTFOUND : IDT_ESTORE;
		}
		sqlite3_finalize(s);
	}
	if (r == IDT_OK && idt__sq_begin_light(db) == IDT_OK) {
		json_t *det = json_pack("{s:s}", "sha256", sha256);
		idt__sq_end(db, idt__sq_audit(db, a, "read-attachment", "incident", incident_id,
		                              NULL, det));
		json_decref(det);
	}
	idt__sq_release(st, db);
	return r;
}

/* ---------------------------------------------------------------- public warnings, stats */

SQ_DECL(idt_status, warnings_list, int64_t limit, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(
	    db,
	    "SELECT i.id, i.title, i.narrative, i.occurred_on, i.updated_at, o.name AS org_name,"
	    " o.country AS org_country, (SELECT json_group_array(json_object('id', s.substance,"
	    " 'name', s.name, 'class', s.class)) FROM incident_substances s WHERE"
	    " s.incident_id = i.id) AS substances FROM incidents i JOIN orgs o ON"
	    " o.id = i.org_id WHERE i.type = 'warning' AND o.kind = 'drug-checking-service'"
	    " AND i.distribution = 'all' AND i.status <> 'draft'"
	    " ORDER BY i.updated_at DESC, i.id DESC LIMIT ?",
	    "i", limit);
	*out = idt__sq_rows(s);
	idt__sq_release(st, db);
	if (!*out) return IDT_ESTORE;
	size_t i;
	json_t *w;
	json_array_foreach(*out, i, w)
	{
		json_t *subs = json_loads(jstr(w, "substances") ?: "[]", 0, NULL);
		json_object_set_new(w, "substances", subs ? subs : json_array());
		char t[32];
		idt__time_iso(json_integer_value(json_object_get(w, "updated_at")), t);
		json_object_set_new(w, "updated_at", json_string(t));
	}
	return IDT_OK;
}

/*
 * Statistics of the incidents the actor may see, summed from the trigger-kept counters
 * (incident_stats, class_stats, dim_stats; see migrations 2, 3 and 5 in sqlite_db.c) over the
 * visibility keys the actor may see, and shaped by stats.c: a few rows instead of a scan.
 */
SQ_DECL(idt_status, stats, const idt_actor *a, json_t **out)
{
	*out = NULL;
	idt__stats_acc acc;
	idt_status r = idt__stats_init(&acc, idt__now());
	if (r != IDT_OK) return r;
	/* one result of (dim, key, n) rows in the order stats.h asks for */
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(
	    db,
	    "SELECT dim, key, n FROM (SELECT 'type' AS dim, s.type AS key, sum(s.n) AS n FROM"
	    " incident_stats s WHERE " SQ_VISIBLE_STATS " GROUP BY s.type HAVING sum(s.n) > 0"
	    " UNION ALL"
	    " SELECT 'class', s.class, sum(s.n) FROM class_stats s WHERE " SQ_VISIBLE_STATS
	    " GROUP BY s.class HAVING sum(s.n) > 0 UNION ALL"
	    " SELECT s.dim, s.key, sum(s.n) FROM dim_stats s WHERE " SQ_VISIBLE_STATS
	    " GROUP BY s.dim, s.key HAVING sum(s.n) > 0) ORDER BY dim, CASE WHEN dim IN ('type',"
	    " 'class', 'month', 'month_class') THEN key END, n DESC, key",
	    "");
	if (s)
		idt__sq_bind_org(s, a->org_id);
	else
		r = IDT_ESTORE;
	int rc = SQLITE_ROW;
	while (r == IDT_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		r = idt__stats_add(&acc, idt__sq_text(s, 0), idt__sq_text(s, 1),
		                   sqlite3_column_int64(s, 2));
	if (r == IDT_OK && rc != SQLITE_DONE) r = IDT_ESTORE;
	sqlite3_finalize(s);
	/* hits flagged per day over the last 90 days (the organisation's own queue) */
	json_t *hits_day = NULL;
	if (r == IDT_OK)
		hits_day = idt__sq_rows(idt__sq_prep(
		    db,
		    "SELECT date(first_seen, 'unixepoch') AS day, count(*) AS n FROM hits WHERE"
		    " org_id = ? AND first_seen >= ? GROUP BY day ORDER BY day",
		    "ii", a->org_id, idt__now() - 90 * 86400));
	s = idt__sq_prep(db, "SELECT count(*) AS n FROM hits WHERE org_id = ? AND status = 'new'",
	                 "i", a->org_id);
	int64_t queue = -1;
	if (s && sqlite3_step(s) == SQLITE_ROW) queue = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	idt__sq_release(st, db);
	if (r != IDT_OK || !hits_day || queue < 0) {
		json_decref(hits_day);
		idt__stats_clear(&acc);
		return r != IDT_OK ? r : IDT_ESTORE;
	}
	return idt__stats_finish(&acc, hits_day, queue, out);
}

SQ_DECL(idt_status, incident_history, const idt_actor *a, int64_t id, json_t **out)
{
	/* the changes of a visible incident (who changed what, when); reads by others are not
	 * shown: who looked at an incident is for admins (GET /audit) */
	*out = NULL;
	sqlite3 *db = idt__sq_acquire(st);
	int v = visible(db, id, a->org_id);
	idt_status r = v < 0 ? IDT_ESTORE : v == 0 ? IDT_ENOTFOUND : IDT_OK;
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	if (r == IDT_OK) {
		*out = idt__sq_rows(idt__sq_prep(
		    db,
		    "SELECT id, ts, username, action, detail FROM audit_log WHERE"
		    " object_type = 'incident' AND object_id = ? AND action IN ('create', 'update',"
		    " 'attach') ORDER BY id",
		    "t", sid));
		if (!*out) r = IDT_ESTORE;
	}
	idt__sq_release(st, db);
	size_t i;
	json_t *e;
	json_array_foreach(*out, i, e)
	{
		char t[32];
		idt__time_iso(json_integer_value(json_object_get(e, "ts")), t);
		json_object_set_new(e, "time", json_string(t));
		json_object_del(e, "ts");
		const char *d = json_string_value(json_object_get(e, "detail"));
		json_t *dv = d ? json_loads(d, JSON_DECODE_ANY, NULL) : NULL;
		json_object_set_new(e, "detail", dv ? dv : json_null());
	}
	return r;
}
