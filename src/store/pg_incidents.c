/*
 * pg_incidents.c - incidents in PostgreSQL (the port of sqlite_incidents.c): create, read,
 * update, delete, correlation on save, full-text search with filters, the network graph,
 * attachments' metadata and the public warnings.
 *
 * An incident is one row of `incidents` plus child rows (countries by role, substances,
 * observables through the shared `observables` table, attachments), a derived
 * `incident_routes` row per (substance, origin, destination) for route correlation, and its
 * full-text document in the `search` column: to_tsvector('simple', ...) of the title, the
 * narrative and the "extra" words (substance ids and names, observable values, concealment,
 * source URL and platform), folded in C first (idt__pg_fold: case, diacritics, punctuation) so
 * that it matches like SQLite's FTS5 unicode61 index: whole words, no stemming, no stop words.
 *
 * Correlation: on every save the incident's links are recomputed against ALL incidents
 * (`correlations`, a < b), and filtered by the reader's visibility whenever they are read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "graph.h"
#include "pg_int.h"
#include "stats.h"
#include "util/util.h"

/* ---------------------------------------------------------------- helpers */

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Is incident id visible to org?  1 yes, 0 no, -1 error. */
static int visible(PGconn *c, int64_t id, int64_t org)
{
	PGresult *r = idt__pg_q(
	    c, NULL, "SELECT 1 FROM incidents i WHERE i.id = $1 AND " PG_VISIBLE("i", "$2"), "ii",
	    id, org);
	if (!r) return -1;
	int v = PQntuples(r) > 0;
	PQclear(r);
	return v;
}

/* Owner org of incident id (0 if absent). */
static int64_t owner_of(PGconn *c, int64_t id, int64_t *version)
{
	PGresult *r =
	    idt__pg_q(c, NULL, "SELECT org_id, version FROM incidents WHERE id = $1", "i", id);
	int64_t org = 0;
	if (r && PQntuples(r) == 1) {
		org = idt__pg_int(r, 0, 0);
		if (version) *version = idt__pg_int(r, 0, 1);
	}
	PQclear(r);
	return org;
}

static void iso_times(json_t *o, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *t = json_object_get(o, *keys);
		if (!json_is_integer(t)) continue;
		char b[32];
		idt__time_iso(json_integer_value(t), b);
		json_object_set_new(o, *keys, json_string(b));
	}
}

/* ---------------------------------------------------------------- writing children */

static idt_status write_countries(PGconn *c, int64_t id, json_t *doc)
{
	static const char *const roles[] = {"origin", "transit", "destination"};
	for (int r = 0; r < 3; r++) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(doc, roles[r]), i, x)
		{
			idt_status st = idt__pg_exec(
			    c, NULL,
			    "INSERT INTO incident_countries(incident_id, role, seq, country)"
			    " VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING",
			    "itit", id, roles[r], (int64_t)i, json_string_value(x));
			if (st != IDT_OK) return st;
		}
	}
	return IDT_OK;
}

static idt_status write_substances(PGconn *c, int64_t id, json_t *doc)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(doc, "substances"), i, s)
	{
		idt_status st = idt__pg_exec(
		    c, NULL,
		    "INSERT INTO incident_substances(incident_id, seq, substance, name, class,"
		    " quantity, unit, form, purity) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
		    "iitttjttj", id, (int64_t)i, jstr(s, "id"), jstr(s, "name"), jstr(s, "class"),
		    json_object_get(s, "quantity"), jstr(s, "unit"), jstr(s, "form"),
		    json_object_get(s, "purity"));
		if (st != IDT_OK) return st;
	}
	return IDT_OK;
}

static idt_status write_observables(PGconn *c, int64_t id, json_t *doc)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(doc, "observables"), i, o)
	{
		const char *type = jstr(o, "type"), *value = jstr(o, "value");
		idt_status st = idt__pg_exec(
		    c, NULL,
		    "INSERT INTO observables(type, value) SELECT $1, $2 WHERE NOT EXISTS"
		    " (SELECT 1 FROM observables WHERE type = $1 AND value = $2)"
		    " ON CONFLICT (type, value) DO NOTHING",
		    "tt", type, value);
		if (st != IDT_OK) return st;
		st =
		    idt__pg_exec(c, NULL,
		                 "INSERT INTO incident_observables(incident_id, observable_id, seq,"
		                 " raw) SELECT $1, id, $2, $3 FROM observables WHERE type = $4 AND"
		                 " value = $5 ON CONFLICT DO NOTHING",
		                 "iittt", id, (int64_t)i, jstr(o, "raw"), type, value);
		if (st != IDT_OK) return st;
	}
	return IDT_OK;
}

static idt_status write_routes(PGconn *c, int64_t id, json_t *doc)
{
	const char *occ = jstr(doc, "occurred_on");
	if (!occ) return IDT_OK; /* no date: no route correlation */
	return idt__pg_exec(
	    c, NULL,
	    "INSERT INTO incident_routes(substance, origin, destination, day, incident_id)"
	    " SELECT s.substance, o.country, d.country, $2::text::date - DATE '1970-01-01', $1"
	    " FROM incident_substances s"
	    " JOIN incident_countries o ON o.incident_id = $1 AND o.role = 'origin'"
	    " JOIN incident_countries d ON d.incident_id = $1 AND d.role = 'destination'"
	    " WHERE s.incident_id = $1 ON CONFLICT DO NOTHING",
	    "it", id, occ);
}

/* Appends the folded form of s (if any) and a space. */
static void fold_into(idt_buf *b, const char *s)
{
	if (!s || !*s) return;
	char *f = idt__pg_fold(s, strlen(s));
	if (f && *f) {
		idt__buf_puts(b, f);
		idt__buf_putc(b, ' ');
	}
	free(f);
}

static idt_status write_search(PGconn *c, int64_t id, json_t *doc)
{
	idt_buf t = {0};
	size_t i;
	json_t *x;
	fold_into(&t, jstr(doc, "title"));
	fold_into(&t, jstr(doc, "narrative"));
	json_array_foreach(json_object_get(doc, "substances"), i, x)
	{
		fold_into(&t, jstr(x, "id"));
		fold_into(&t, jstr(x, "name"));
	}
	json_array_foreach(json_object_get(doc, "observables"), i, x)
	    fold_into(&t, jstr(x, "value"));
	fold_into(&t, jstr(doc, "concealment"));
	json_t *src = json_object_get(doc, "source");
	fold_into(&t, jstr(src, "url"));
	fold_into(&t, jstr(src, "platform"));
	if (idt__buf_putc(&t, 0) != IDT_OK) {
		idt__buf_free(&t);
		return IDT_ENOMEM;
	}
	idt_status st = idt__pg_exec(c, NULL,
	                             "UPDATE incidents SET search = to_tsvector('simple', $2)"
	                             " WHERE id = $1",
	                             "it", id, t.data);
	idt__buf_free(&t);
	return st;
}

/* Recomputes the correlations of incident id against every other incident. */
static idt_status correlate(PGconn *c, int64_t id, bool fresh)
{
	idt_status st = IDT_OK;
	if (!fresh)
		st = idt__pg_exec(c, NULL, "DELETE FROM correlations WHERE a = $1 OR b = $1", "i",
		                  id);
	if (st != IDT_OK) return st;
	int64_t now = idt__now();
	/* shared observables: one index probe per observable (io_obs), capped per observable */
	PGresult *mine = idt__pg_q(c, &st,
	                           "SELECT io.observable_id, ob.type || ':' || ob.value FROM"
	                           " incident_observables io JOIN observables ob ON"
	                           " ob.id = io.observable_id WHERE io.incident_id = $1",
	                           "i", id);
	if (!mine) return st;
	for (int k = 0; st == IDT_OK && k < PQntuples(mine); k++)
		st = idt__pg_exec(c, NULL,
		                  "INSERT INTO correlations(a, b, kind, detail, created_at)"
		                  " SELECT least($1, x.incident_id), greatest($1, x.incident_id),"
		                  " 'observable', $3, $4 FROM incident_observables x"
		                  " WHERE x.observable_id = $2 AND x.incident_id <> $1 LIMIT $5"
		                  " ON CONFLICT DO NOTHING",
		                  "iitii", id, idt__pg_int(mine, k, 0), idt__pg_text(mine, k, 1),
		                  now, (int64_t)PG_CORR_CAP);
	PQclear(mine);
	if (st != IDT_OK) return st;
	/* same substance on the same route within the window (ir primary key range scan) */
	return idt__pg_exec(
	    c, NULL,
	    "INSERT INTO correlations(a, b, kind, detail, created_at)"
	    " SELECT least($1, r.incident_id), greatest($1, r.incident_id), 'route',"
	    " m.substance || ':' || m.origin || '>' || m.destination, $2"
	    " FROM incident_routes m JOIN incident_routes r ON r.substance = m.substance"
	    " AND r.origin = m.origin AND r.destination = m.destination"
	    " AND r.day BETWEEN m.day - $3 AND m.day + $3 AND r.incident_id <> $1"
	    " WHERE m.incident_id = $1 LIMIT 20000 ON CONFLICT DO NOTHING",
	    "iii", id, now, (int64_t)PG_ROUTE_WINDOW);
}

static idt_status write_all(PGconn *c, int64_t id, json_t *doc, bool fresh)
{
	idt_status st = IDT_OK;
	static const char *const wipe[] = {
	    "DELETE FROM incident_countries WHERE incident_id = $1",
	    "DELETE FROM incident_substances WHERE incident_id = $1",
	    "DELETE FROM incident_observables WHERE incident_id = $1",
	    "DELETE FROM incident_routes WHERE incident_id = $1",
	};
	for (size_t i = 0; i < IDT_ARRAY_LEN(wipe) && st == IDT_OK && !fresh; i++)
		st = idt__pg_exec(c, NULL, wipe[i], "i", id);
	if (st == IDT_OK) st = write_countries(c, id, doc);
	if (st == IDT_OK) st = write_substances(c, id, doc);
	if (st == IDT_OK) st = write_observables(c, id, doc);
	if (st == IDT_OK) st = write_routes(c, id, doc);
	if (st == IDT_OK) st = write_search(c, id, doc);
	if (st == IDT_OK) {
		struct timespec t0, t1, c0, c1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
		st = correlate(c, id, fresh);
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
static idt_status check_group(PGconn *c, const idt_actor *a, json_t *doc)
{
	const char *dist = jstr(doc, "distribution");
	if (!dist || strcmp(dist, "sharing-group") != 0) return IDT_OK;
	json_int_t g = json_integer_value(json_object_get(doc, "sharing_group_id"));
	int64_t n = 0;
	idt_status st = idt__pg_exec(c, &n,
	                             "SELECT 1 FROM sharing_group_orgs WHERE group_id = $1 AND"
	                             " org_id = $2",
	                             "ii", (int64_t)g, a->org_id);
	if (st != IDT_OK) return st;
	return n > 0 ? IDT_OK : IDT_EINVAL;
}

static char *dump(json_t *v)
{
	return v && !json_is_null(v) ? json_dumps(v, JSON_COMPACT) : NULL;
}

/* The 13 scalar values of an incident row, as text parameters, in the order: type, status,
 * title, narrative, occurred_on, reported_on, transport_mode, concealment, source, evidence,
 * tlp, distribution, sharing_group_id.  src/ev/gid are storage the caller frees. */
typedef struct scalars {
	const char *v[13];
	char *src, *ev;
	char gid[24];
} scalars;

static void get_scalars(json_t *doc, scalars *s)
{
	static const char *const keys[] = {"type",      "status",      "title",
	                                   "narrative", "occurred_on", "reported_on"};
	for (size_t k = 0; k < IDT_ARRAY_LEN(keys); k++) s->v[k] = jstr(doc, keys[k]);
	if (!s->v[3]) s->v[3] = "";
	s->v[6] = jstr(doc, "transport_mode");
	s->v[7] = jstr(doc, "concealment");
	s->src = dump(json_object_get(doc, "source"));
	s->ev = dump(json_object_get(doc, "evidence"));
	s->v[8] = s->src;
	s->v[9] = s->ev;
	s->v[10] = jstr(doc, "tlp");
	s->v[11] = jstr(doc, "distribution");
	json_t *g = json_object_get(doc, "sharing_group_id");
	const char *dist = s->v[11];
	s->v[12] = NULL;
	if (json_is_integer(g) && dist && strcmp(dist, "sharing-group") == 0) {
		snprintf(s->gid, sizeof s->gid, "%lld", (long long)json_integer_value(g));
		s->v[12] = s->gid;
	}
}

static void free_scalars(scalars *s)
{
	free(s->src), free(s->ev);
}

/*
 * Statistics counters (table incident_counts, migrations 3 and 5): for each visibility key
 * (owner, distribution, group, draft) and dimension (type, month and type, class, substance,
 * origin, destination, transit, month and class, origin-destination route; stats.h) the number
 * of incidents.  Every write of an incident withdraws its keys before
 * the change (delta -1) and adds them after it (+1), inside the write's transaction, so the
 * figures are exact; the SQLite backend keeps the same counters with triggers.
 */
static idt_status count_keys(PGconn *c, int64_t id, int64_t delta)
{
	return idt__pg_exec(
	    c, NULL,
	    "INSERT INTO incident_counts(org_id, distribution, grp, draft, dim, key, n)"
	    " SELECT i.org_id, i.distribution, coalesce(i.sharing_group_id, 0), i.status = 'draft',"
	    " k.dim, k.key, $2 FROM incidents i CROSS JOIN LATERAL (SELECT 'type' AS dim,"
	    " i.type AS key UNION ALL SELECT 'month', substr(i.occurred_on, 1, 7) || ' ' || i.type"
	    " WHERE i.occurred_on IS NOT NULL UNION ALL SELECT DISTINCT 'class', s.class FROM"
	    " incident_substances s WHERE s.incident_id = i.id AND s.class IS NOT NULL UNION ALL"
	    " SELECT DISTINCT 'substance', s.substance FROM incident_substances s WHERE"
	    " s.incident_id = i.id UNION ALL SELECT DISTINCT c.role, c.country FROM"
	    " incident_countries c WHERE c.incident_id = i.id AND c.role IN ('origin',"
	    " 'destination', 'transit') UNION ALL " PG_MONTH_CLASS_KEYS " UNION ALL " PG_ROUTE_KEYS
	    ") k WHERE i.id = $1 ON CONFLICT (org_id, distribution, grp, draft, dim,"
	    " key) DO UPDATE SET n = incident_counts.n + excluded.n",
	    "ii", id, delta);
}

idt_status idt__pg_incident_insert(PGconn *c, const idt_actor *a, json_t *doc, int64_t *id)
{
	idt_status st = check_group(c, a, doc);
	if (st != IDT_OK) return st;
	char org[24], user[24], now[24];
	snprintf(org, sizeof org, "%lld", (long long)a->org_id);
	snprintf(user, sizeof user, "%lld", (long long)a->user_id);
	snprintf(now, sizeof now, "%lld", (long long)idt__now());
	scalars s = {0};
	get_scalars(doc, &s);
	const char *vals[16] = {org, user, now};
	memcpy(vals + 3, s.v, sizeof s.v);
	PGresult *r = idt__pg_qv(
	    c, &st,
	    "INSERT INTO incidents(org_id, created_by, created_at, updated_at, type, status, title,"
	    " narrative, occurred_on, reported_on, day, transport_mode, concealment, source,"
	    " evidence, tlp, distribution, sharing_group_id) VALUES ($1,$2,$3,$3,$4,$5,$6,$7,"
	    "$8,$9,$8::text::date - DATE '1970-01-01',$10,$11,$12,$13,$14,$15,$16) RETURNING id",
	    16, vals);
	free_scalars(&s);
	if (!r) return st;
	*id = idt__pg_int(r, 0, 0);
	PQclear(r);
	st = write_all(c, *id, doc, true);
	return st == IDT_OK ? count_keys(c, *id, 1) : st;
}

/* ---------------------------------------------------------------- reading */

static json_t *child_rows(PGconn *c, const char *sql, int64_t id)
{
	json_t *r = idt__pg_rows(idt__pg_q(c, NULL, sql, "i", id));
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

static json_t *countries(PGconn *c, int64_t id, const char *role)
{
	json_t *a = json_array();
	PGresult *r = idt__pg_q(c, NULL,
	                        "SELECT country FROM incident_countries WHERE incident_id = $1"
	                        " AND role = $2 ORDER BY seq",
	                        "it", id, role);
	for (int k = 0; r && k < PQntuples(r); k++)
		json_array_append_new(a, json_string(PQgetvalue(r, k, 0)));
	PQclear(r);
	return a;
}

/* The visible correlations of id, for reader org. */
static json_t *correlations(PGconn *c, int64_t id, int64_t org)
{
	json_t *r = idt__pg_rows(
	    idt__pg_q(c, NULL,
	              "SELECT i.id AS incident_id, i.title, i.type, c.kind, c.detail FROM"
	              " (SELECT b AS other, kind, detail FROM correlations WHERE a = $1 UNION ALL"
	              "  SELECT a AS other, kind, detail FROM correlations WHERE b = $1) c"
	              " JOIN incidents i ON i.id = c.other WHERE " PG_VISIBLE(
	                  "i", "$2") " ORDER BY i.id LIMIT 1000",
	              "ii", id, org));
	return r ? r : json_array();
}

idt_status idt__pg_incident_doc(PGconn *c, const idt_actor *a, int64_t id, json_t **out)
{
	*out = NULL;
	idt_status st;
	PGresult *r = idt__pg_q(
	    c, &st,
	    "SELECT i.id, i.type, i.status, i.title, i.narrative, i.occurred_on, i.reported_on,"
	    " i.transport_mode, i.concealment, i.source, i.evidence, i.tlp, i.distribution,"
	    " i.sharing_group_id, i.created_at, i.updated_at, i.version, i.org_id,"
	    " o.name AS org_name, o.country AS org_country, o.kind AS org_kind,"
	    " u.username AS created_by FROM incidents i JOIN orgs o ON o.id = i.org_id"
	    " LEFT JOIN users u ON u.id = i.created_by WHERE i.id = $1 AND " PG_VISIBLE("i", "$2"),
	    "ii", id, a->org_id);
	if (!r) return st;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return IDT_ENOTFOUND;
	}
	json_t *d = idt__pg_row(r, 0);
	PQclear(r);
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
	iso_times(d, (const char *const[]){"created_at", "updated_at", NULL});
	json_object_set_new(d, "origin", countries(c, id, "origin"));
	json_object_set_new(d, "transit", countries(c, id, "transit"));
	json_object_set_new(d, "destination", countries(c, id, "destination"));
	json_t *subs =
	    child_rows(c,
	               "SELECT substance AS id, name, class, quantity, unit, form, purity"
	               " FROM incident_substances WHERE incident_id = $1 ORDER BY seq",
	               id);
	drop_nulls(subs);
	json_object_set_new(d, "substances", subs);
	json_t *obs = child_rows(c,
	                         "SELECT ob.type, ob.value, io.raw FROM incident_observables io"
	                         " JOIN observables ob ON ob.id = io.observable_id"
	                         " WHERE io.incident_id = $1 ORDER BY io.seq",
	                         id);
	drop_nulls(obs);
	json_object_set_new(d, "observables", obs);
	json_object_set_new(
	    d, "attachments",
	    child_rows(c,
	               "SELECT sha256, name, media_type, size FROM attachments"
	               " WHERE incident_id = $1 ORDER BY created_at, sha256 COLLATE \"C\"",
	               id));
	json_object_set_new(d, "correlations", correlations(c, id, a->org_id));
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

PG_DECL(idt_status, incident_create, const idt_actor *a, json_t *doc, json_t **out)
{
	*out = NULL;
	PGconn *c = idt__pg_acquire(st);
	int64_t id = 0;
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	if (r == IDT_OK) r = idt__pg_incident_insert(c, a, doc, &id);
	if (r == IDT_OK) r = idt__pg_audit(c, a, "create", "incident", id, NULL, NULL);
	if (r == IDT_OK) r = idt__pg_alerts_match(c, a, id, "new");
	if (r == IDT_OK) r = idt__pg_incident_doc(c, a, id, out);
	if (c) r = idt__pg_end(c, r);
	if (r != IDT_OK) json_decref(*out), *out = NULL;
	idt__pg_release(st, c);
	return r;
}

/* Records a read (search, network view, attachment) in its own light transaction. */
static idt_status audit_read(PGconn *c, const idt_actor *a, const char *action, int64_t id,
                             json_t *det)
{
	idt_status r = idt__pg_begin_light(c);
	if (r == IDT_OK) r = idt__pg_end(c, idt__pg_audit(c, a, action, "incident", id, NULL, det));
	return r;
}

PG_DECL(idt_status, incident_get, const idt_actor *a, int64_t id, json_t **out)
{
	/* read in one snapshot, then record the read */
	PGconn *c = idt__pg_acquire(st);
	*out = NULL;
	idt_status r = IDT_ESTORE;
	if (c) {
		PGresult *b = PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
		r = PQresultStatus(b) == PGRES_COMMAND_OK ? IDT_OK : IDT_ESTORE;
		PQclear(b);
	}
	if (r == IDT_OK) r = idt__pg_incident_doc(c, a, id, out);
	if (c) PQclear(PQexec(c, r == IDT_OK ? "COMMIT" : "ROLLBACK"));
	if (r == IDT_OK) r = audit_read(c, a, "read", id, NULL);
	if (r != IDT_OK && *out) json_decref(*out), *out = NULL;
	idt__pg_release(st, c);
	return r;
}

static const char *const editable_keys[] = {
    "type",        "status",       "title",           "narrative",   "occurred_on",
    "reported_on", "origin",       "transit",         "destination", "transport_mode",
    "concealment", "substances",   "observables",     "source",      "evidence",
    "tlp",         "distribution", "sharing_group_id"};

static idt_status update_row(PGconn *c, int64_t id, json_t *doc)
{
	char now[24], sid[24];
	snprintf(now, sizeof now, "%lld", (long long)idt__now());
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	scalars s = {0};
	get_scalars(doc, &s);
	const char *vals[15];
	memcpy(vals, s.v, sizeof s.v);
	vals[13] = now;
	vals[14] = sid;
	idt_status st;
	PGresult *r = idt__pg_qv(
	    c, &st,
	    "UPDATE incidents SET type = $1, status = $2, title = $3, narrative = $4,"
	    " occurred_on = $5, reported_on = $6, day = $5::text::date - DATE '1970-01-01',"
	    " transport_mode = $7, concealment = $8, source = $9, evidence = $10, tlp = $11,"
	    " distribution = $12, sharing_group_id = $13, updated_at = $14,"
	    " version = version + 1 WHERE id = $15",
	    15, vals);
	free_scalars(&s);
	PQclear(r);
	return st;
}

PG_DECL(idt_status, incident_update, const idt_actor *a, int64_t id, int64_t version, json_t *patch,
        json_t **out)
{
	*out = NULL;
	PGconn *c = idt__pg_acquire(st);
	json_t *cur = NULL;
	int64_t curver = 0;
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	if (r == IDT_OK) r = idt__pg_incident_doc(c, a, id, &cur);
	if (r == IDT_OK && owner_of(c, id, &curver) != a->org_id) r = IDT_EDENIED;
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
		r = check_group(c, a, doc);
	}
	if (r == IDT_OK) r = count_keys(c, id, -1);
	if (r == IDT_OK) r = update_row(c, id, doc);
	if (r == IDT_OK) r = write_all(c, id, doc, false);
	if (r == IDT_OK) r = count_keys(c, id, 1);
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:O}", "changed", changed);
		r = idt__pg_audit(c, a, "update", "incident", id, NULL, det);
		json_decref(det);
	}
	if (r == IDT_OK && new_reach != old_reach && new_reach != 0)
		r = idt__pg_alerts_match(c, a, id, "shared");
	if (r == IDT_OK) r = idt__pg_incident_doc(c, a, id, out);
	if (c) r = idt__pg_end(c, r);
	if (r != IDT_OK && *out) json_decref(*out), *out = NULL;
	json_decref(cur), json_decref(doc), json_decref(changed);
	idt__pg_release(st, c);
	return r;
}

PG_DECL(idt_status, incident_delete, const idt_actor *a, int64_t id)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	if (r == IDT_OK) {
		int v = visible(c, id, a->org_id);
		r = v < 0 ? IDT_ESTORE : v == 0 ? IDT_ENOTFOUND : IDT_OK;
	}
	if (r == IDT_OK && owner_of(c, id, NULL) != a->org_id) r = IDT_EDENIED;
	if (r == IDT_OK) r = count_keys(c, id, -1);
	if (r == IDT_OK) r = idt__pg_exec(c, NULL, "DELETE FROM incidents WHERE id = $1", "i", id);
	if (r == IDT_OK) r = idt__pg_audit(c, a, "delete", "incident", id, NULL, NULL);
	if (c) r = idt__pg_end(c, r);
	idt__pg_release(st, c);
	return r;
}

/* ---------------------------------------------------------------- search */

/* Text parameters collected while the WHERE clause is assembled from constant fragments;
 * $1 is always the reader's organisation. */
typedef struct binds {
	const char *v[16];
	int n;
} binds;

/* Appends frag, whose one parameter is written "$?" and numbered here, bound to v. */
static void add_t(idt_buf *sql, binds *b, const char *frag, const char *v)
{
	const char *p = strstr(frag, "$?");
	if (!p || b->n >= (int)IDT_ARRAY_LEN(b->v)) return;
	idt__buf_append(sql, frag, (size_t)(p - frag));
	b->v[b->n++] = v;
	idt__buf_printf(sql, "$%d", b->n);
	idt__buf_puts(sql, p + 2);
}

PG_DECL(idt_status, incident_search, const idt_actor *a, const idt_search *q, json_t **out)
{
	*out = NULL;
	idt_buf where = {.cap_limit = 16384};
	char org[24];
	snprintf(org, sizeof org, "%lld", (long long)a->org_id);
	binds b = {.v = {org}, .n = 1};
	char *fq = NULL;
	idt__buf_puts(&where, " FROM incidents i JOIN orgs o ON o.id = i.org_id WHERE " PG_VISIBLE(
	                          "i", "$1::bigint"));
	if (q->q && *q->q) {
		fq = idt__pg_fold(q->q, strlen(q->q));
		if (!fq) return IDT_ENOMEM;
		/* the words were reduced to letters and digits by the caller; plainto_tsquery
		 * ANDs them and knows no operators (an OR is a word) */
		add_t(&where, &b, " AND i.search @@ plainto_tsquery('simple', $?)", fq);
	}
	if (q->type) add_t(&where, &b, " AND i.type = $?", q->type);
	if (q->substance)
		add_t(&where, &b,
		      " AND EXISTS (SELECT 1 FROM incident_substances s WHERE s.incident_id = i.id"
		      " AND s.substance = $?)",
		      q->substance);
	if (q->cls)
		add_t(&where, &b,
		      " AND EXISTS (SELECT 1 FROM incident_substances s WHERE s.incident_id = i.id"
		      " AND s.class = $?)",
		      q->cls);
	if (q->country)
		add_t(&where, &b,
		      " AND EXISTS (SELECT 1 FROM incident_countries c WHERE c.incident_id = i.id"
		      " AND c.country = $?)",
		      q->country);
	if (q->status) add_t(&where, &b, " AND i.status = $?", q->status);
	char group[24];
	snprintf(group, sizeof group, "%lld", (long long)q->group);
	if (q->group)
		add_t(&where, &b,
		      " AND i.distribution = 'sharing-group' AND i.status <> 'draft'"
		      " AND i.sharing_group_id = $?::bigint",
		      group);
	if (q->from) add_t(&where, &b, " AND i.occurred_on >= $?", q->from);
	if (q->to) add_t(&where, &b, " AND i.occurred_on <= $?", q->to);
	if (q->obs_type && q->obs_value) {
		add_t(&where, &b,
		      " AND i.id IN (SELECT io.incident_id FROM observables ob JOIN"
		      " incident_observables io ON io.observable_id = ob.id WHERE ob.type = $?",
		      q->obs_type);
		add_t(&where, &b, " AND ob.value = $?)", q->obs_value);
	}
	char lim[24], off[24];
	snprintf(lim, sizeof lim, "%lld", (long long)q->per_page);
	snprintf(off, sizeof off, "%lld", (long long)((q->page - 1) * q->per_page));
	const char *vals[18];
	memcpy(vals, b.v, sizeof(const char *) * (size_t)b.n);
	vals[b.n] = lim;
	vals[b.n + 1] = off;
	idt_buf sql = {0}, csql = {0};
	idt__buf_puts(&sql, "SELECT i.id, i.type, i.status, i.title, i.occurred_on, i.tlp,"
	                    " i.distribution, i.org_id, o.name AS org_name, i.updated_at");
	idt__buf_append(&sql, where.data, where.len);
	idt__buf_printf(&sql, " ORDER BY i.id DESC LIMIT $%d OFFSET $%d", b.n + 1, b.n + 2);
	idt__buf_putc(&sql, 0);
	idt__buf_puts(&csql, "SELECT count(*) FROM (SELECT 1");
	idt__buf_append(&csql, where.data, where.len);
	idt__buf_puts(&csql, " LIMIT 201) x");
	idt__buf_putc(&csql, 0);

	PGconn *c = idt__pg_acquire(st);
	idt_status r = IDT_ESTORE;
	json_t *items = NULL;
	int64_t total = 0;
	if (c && sql.data && csql.data) {
		items = idt__pg_rows(idt__pg_qv(c, &r, sql.data, b.n + 2, vals));
		/* a short page already saw every match: no second pass to count them */
		size_t got = items ? json_array_size(items) : 0;
		bool short_page = items && (int64_t)got < q->per_page && (got > 0 || q->page == 1);
		if (short_page) {
			total = (q->page - 1) * q->per_page + (int64_t)got;
		} else {
			PGresult *cr = idt__pg_qv(c, NULL, csql.data, b.n, vals);
			if (cr) total = idt__pg_int(cr, 0, 0);
			PQclear(cr);
		}
	}
	if (items) {
		json_t *ids = json_array();
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			iso_times(it, (const char *const[]){"updated_at", NULL});
			json_array_append(ids, json_object_get(it, "id"));
		}
		/* a search reads the incidents it lists: audit it */
		json_t *det = json_pack("{s:s?,s:o}", "q", q->q, "ids", ids);
		audit_read(c, a, "search", 0, det);
		json_decref(det);
		*out =
		    json_pack("{s:o,s:I,s:b,s:I,s:I}", "items", items, "total",
		              (json_int_t)(total > 200 ? 200 : total), "total_capped", total > 200,
		              "page", (json_int_t)q->page, "per_page", (json_int_t)q->per_page);
		r = *out ? IDT_OK : IDT_ENOMEM;
	}
	idt__pg_release(st, c);
	idt__buf_free(&where), idt__buf_free(&sql), idt__buf_free(&csql);
	free(fq);
	return r;
}

/* ---------------------------------------------------------------- network graph */

static int add_incident_node(idt__graph *g, const PGresult *res, int k)
{
	char key[32];
	int64_t id = idt__pg_int(res, k, 0);
	snprintf(key, sizeof key, "i:%lld", (long long)id);
	json_t *n = json_pack("{s:s,s:I,s:s?,s:s?,s:s?,s:s?}", "kind", "incident", "incident_id",
	                      (json_int_t)id, "title", idt__pg_text(res, k, 1), "type",
	                      idt__pg_text(res, k, 2), "org", idt__pg_text(res, k, 3),
	                      "occurred_on", idt__pg_text(res, k, 4));
	return idt__graph_add_node(g, key, n);
}

/* Expands incident id: its observables, the visible incidents sharing them, its route links.
 * New incident ids go to next. */
static idt_status expand(PGconn *c, idt__graph *g, int64_t id, int64_t org, json_t *next)
{
	char ikey[32];
	snprintf(ikey, sizeof ikey, "i:%lld", (long long)id);
	idt_status st;
	PGresult *s = idt__pg_q(c, &st,
	                        "SELECT ob.id, ob.type, ob.value FROM incident_observables io"
	                        " JOIN observables ob ON ob.id = io.observable_id"
	                        " WHERE io.incident_id = $1 ORDER BY io.seq",
	                        "i", id);
	if (!s) return st;
	for (int k = 0; k < PQntuples(s); k++) {
		int64_t oid = idt__pg_int(s, k, 0);
		char okey[32];
		snprintf(okey, sizeof okey, "o:%lld", (long long)oid);
		int fresh = idt__graph_add_node(g, okey,
		                     json_pack("{s:s,s:s,s:s}", "kind", "observable", "type",
		                               PQgetvalue(s, k, 1), "value", PQgetvalue(s, k, 2)));
		if (fresh < 0) break;
		idt__graph_add_edge(g, ikey, okey, "has", NULL);
		if (!fresh) continue;
		PGresult *o = idt__pg_q(
		    c, &st,
		    "SELECT i.id, i.title, i.type, og.name, i.occurred_on FROM"
		    " incident_observables x JOIN incidents i ON i.id = x.incident_id"
		    " JOIN orgs og ON og.id = i.org_id WHERE x.observable_id = $1 AND"
		    " x.incident_id <> $2 AND " PG_VISIBLE("i", "$3") " ORDER BY i.id LIMIT 100",
		    "iii", oid, id, org);
		if (!o) break;
		for (int j = 0; j < PQntuples(o); j++) {
			char k2[32];
			snprintf(k2, sizeof k2, "i:%lld", (long long)idt__pg_int(o, j, 0));
			int f2 = add_incident_node(g, o, j);
			if (f2 < 0) break;
			idt__graph_add_edge(g, k2, okey, "has", NULL);
			if (f2) json_array_append_new(next, json_integer(idt__pg_int(o, j, 0)));
		}
		PQclear(o);
	}
	PQclear(s);
	/* route links (incident - incident) */
	s = idt__pg_q(c, &st,
	              "SELECT i.id, i.title, i.type, og.name, i.occurred_on, c.detail FROM"
	              " (SELECT b AS other, detail FROM correlations WHERE a = $1 AND"
	              "  kind = 'route' UNION ALL SELECT a, detail FROM correlations WHERE"
	              "  b = $1 AND kind = 'route') c JOIN incidents i ON i.id = c.other"
	              " JOIN orgs og ON og.id = i.org_id WHERE " PG_VISIBLE(
	                  "i", "$2") " ORDER BY i.id LIMIT 100",
	              "ii", id, org);
	if (!s) return st;
	for (int k = 0; k < PQntuples(s); k++) {
		char k2[32];
		snprintf(k2, sizeof k2, "i:%lld", (long long)idt__pg_int(s, k, 0));
		int f2 = add_incident_node(g, s, k);
		if (f2 < 0) break;
		idt__graph_add_edge(g, ikey, k2, "route", idt__pg_text(s, k, 5));
		if (f2) json_array_append_new(next, json_integer(idt__pg_int(s, k, 0)));
	}
	PQclear(s);
	return IDT_OK;
}

PG_DECL(idt_status, incident_network, const idt_actor *a, int64_t id, int depth, json_t **out)
{
	*out = NULL;
	idt__graph g = {json_array(), json_array(), json_object(), 0};
	json_t *frontier = json_array(), *visited = json_array();
	PGconn *c = idt__pg_acquire(st);
	idt_status r = IDT_OK;
	PGresult *s = idt__pg_q(c, &r,
	                        "SELECT i.id, i.title, i.type, og.name, i.occurred_on FROM"
	                        " incidents i JOIN orgs og ON og.id = i.org_id WHERE i.id = $1"
	                        " AND " PG_VISIBLE("i", "$2"),
	                        "ii", id, a->org_id);
	if (s) {
		if (PQntuples(s) == 1)
			add_incident_node(&g, s, 0);
		else
			r = IDT_ENOTFOUND;
		PQclear(s);
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
			r = expand(c, &g, json_integer_value(v), a->org_id, next);
			if (r != IDT_OK || g.truncated) break;
		}
		json_decref(frontier);
		frontier = next;
	}
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:i,s:O}", "depth", depth, "expanded", visited);
		r = audit_read(c, a, "network", id, det);
		json_decref(det);
	}
	if (r == IDT_OK)
		*out = json_pack("{s:I,s:i,s:O,s:O,s:b}", "root", (json_int_t)id, "depth", depth,
		                 "nodes", g.nodes, "edges", g.edges, "truncated", g.truncated);
	json_decref(g.nodes), json_decref(g.edges), json_decref(g.seen);
	json_decref(frontier), json_decref(visited);
	idt__pg_release(st, c);
	return r;
}

/* ---------------------------------------------------------------- attachments */

PG_DECL(idt_status, attachment_add, const idt_actor *a, int64_t incident_id, const char *sha256,
        const char *name, const char *media_type, int64_t size, json_t **out)
{
	*out = NULL;
	PGconn *c = idt__pg_acquire(st);
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	if (r == IDT_OK) {
		int v = visible(c, incident_id, a->org_id);
		r = v < 0 ? IDT_ESTORE : v == 0 ? IDT_ENOTFOUND : IDT_OK;
	}
	if (r == IDT_OK && owner_of(c, incident_id, NULL) != a->org_id) r = IDT_EDENIED;
	if (r == IDT_OK)
		r = idt__pg_exec(
		    c, NULL,
		    "INSERT INTO attachments(incident_id, sha256, name, media_type, size,"
		    " created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)"
		    " ON CONFLICT (incident_id, sha256) DO UPDATE SET name = excluded.name",
		    "ittti"
		    "ii",
		    incident_id, sha256, name, media_type, size, idt__now(), a->user_id);
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:s,s:s,s:I}", "sha256", sha256, "name", name, "size",
		                        (json_int_t)size);
		r = idt__pg_audit(c, a, "attach", "incident", incident_id, NULL, det);
		json_decref(det);
	}
	if (c) r = idt__pg_end(c, r);
	if (r == IDT_OK)
		*out = json_pack("{s:s,s:s,s:s,s:I}", "sha256", sha256, "name", name, "media_type",
		                 media_type, "size", (json_int_t)size);
	idt__pg_release(st, c);
	return r;
}

PG_DECL(idt_status, attachment_visible, const idt_actor *a, int64_t incident_id, const char *sha256,
        json_t **meta)
{
	*meta = NULL;
	PGconn *c = idt__pg_acquire(st);
	idt_status r;
	PGresult *s =
	    idt__pg_q(c, &r,
	              "SELECT t.sha256, t.name, t.media_type, t.size FROM"
	              " attachments t JOIN incidents i ON i.id = t.incident_id"
	              " WHERE t.incident_id = $1 AND t.sha256 = $2 AND " PG_VISIBLE("i", "$3"),
	              "iti", incident_id, sha256, a->org_id);
	if (s) {
		if (PQntuples(s) == 1)
			*meta = idt__pg_row(s, 0);
		else
			r = IDT_ENOTFOUND;
		PQclear(s);
	}
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:s}", "sha256", sha256);
		audit_read(c, a, "read-attachment", incident_id, det);
		json_decref(det);
	}
	idt__pg_release(st, c);
	return r;
}

/* ---------------------------------------------------------------- public warnings, stats */

PG_DECL(idt_status, warnings_list, int64_t limit, json_t **out)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r;
	*out = idt__pg_rows(idt__pg_q(
	    c, &r,
	    "SELECT i.id, i.title, i.narrative, i.occurred_on, i.updated_at, o.name AS org_name,"
	    " o.country AS org_country, (SELECT coalesce(json_agg(json_build_object('id',"
	    " s.substance, 'name', s.name, 'class', s.class) ORDER BY s.seq), '[]'::json) FROM"
	    " incident_substances s WHERE s.incident_id = i.id) AS substances FROM incidents i"
	    " JOIN orgs o ON o.id = i.org_id WHERE i.type = 'warning' AND"
	    " o.kind = 'drug-checking-service' AND i.distribution = 'all' AND i.status <> 'draft'"
	    " ORDER BY i.updated_at DESC, i.id DESC LIMIT $1",
	    "i", limit));
	idt__pg_release(st, c);
	if (!*out) return r != IDT_OK ? r : IDT_ESTORE;
	size_t i;
	json_t *w;
	json_array_foreach(*out, i, w) iso_times(w, (const char *const[]){"updated_at", NULL});
	return IDT_OK;
}

/* Text ordering as SQLite's (bytewise), whatever the database's collation. */
#define BYTES " COLLATE \"C\""

/* The visibility predicate for a row of incident_counts (alias s), reader org $1. */
#define PG_VISIBLE_COUNTS                                                                          \
	"(s.org_id = $1 OR (NOT s.draft AND (s.distribution = 'all' OR (s.distribution ="          \
	" 'sharing-group' AND EXISTS (SELECT 1 FROM sharing_group_orgs g WHERE g.group_id = s.grp" \
	" AND g.org_id = $1)))))"

/*
 * Statistics of the incidents the actor may see, summed from the counters (incident_counts,
 * see count_keys) over the visibility keys the actor may see: a few rows instead of a scan of
 * every incident, as in the SQLite backend.
 */
PG_DECL(idt_status, stats, const idt_actor *a, json_t **out)
{
	*out = NULL;
	idt__stats_acc acc;
	idt_status r = idt__stats_init(&acc, idt__now());
	if (r != IDT_OK) return r;
	PGconn *c = idt__pg_acquire(st);
	PGresult *d = idt__pg_q(c, &r,
	                        "SELECT s.dim, s.key, sum(s.n)::bigint AS n FROM incident_counts s "
	                        "WHERE " PG_VISIBLE_COUNTS
	                        " GROUP BY s.dim, s.key HAVING sum(s.n) > 0 ORDER BY s.dim" BYTES
	                        ", CASE WHEN s.dim IN ('month', 'type', 'class', 'month_class')"
	                        " THEN s.key END" BYTES ", n DESC, s.key" BYTES,
	                        "i", a->org_id);
	if (!d && r == IDT_OK) r = IDT_ESTORE;
	for (int k = 0; d && r == IDT_OK && k < PQntuples(d); k++)
		r = idt__stats_add(&acc, PQgetvalue(d, k, 0), PQgetvalue(d, k, 1),
		                   idt__pg_int(d, k, 2));
	PQclear(d);
	/* hits flagged per day over the last 90 days (the organisation's own queue) */
	json_t *hits_day = NULL;
	if (r == IDT_OK)
		hits_day = idt__pg_rows(idt__pg_q(
		    c, NULL,
		    "SELECT to_char(to_timestamp(first_seen) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
		    " AS day, count(*) AS n FROM hits WHERE org_id = $1 AND first_seen >= $2"
		    " GROUP BY 1 ORDER BY 1",
		    "ii", a->org_id, idt__now() - 90 * 86400));
	PGresult *q =
	    idt__pg_q(c, NULL, "SELECT count(*) FROM hits WHERE org_id = $1 AND status = 'new'",
	              "i", a->org_id);
	int64_t queue = q ? idt__pg_int(q, 0, 0) : -1;
	PQclear(q);
	idt__pg_release(st, c);
	if (r != IDT_OK || !hits_day || queue < 0) {
		json_decref(hits_day);
		idt__stats_clear(&acc);
		return r != IDT_OK ? r : IDT_ESTORE;
	}
	return idt__stats_finish(&acc, hits_day, queue, out);
}

PG_DECL(idt_status, incident_history, const idt_actor *a, int64_t id, json_t **out)
{
	/* the changes of a visible incident (who changed what, when); reads by others are not
	 * shown: who looked at an incident is for admins (GET /audit) */
	*out = NULL;
	PGconn *c = idt__pg_acquire(st);
	int v = c ? visible(c, id, a->org_id) : -1;
	idt_status r = v < 0 ? IDT_ESTORE : v == 0 ? IDT_ENOTFOUND : IDT_OK;
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	if (r == IDT_OK) {
		*out = idt__pg_rows(
		    idt__pg_q(c, &r,
		              "SELECT id, ts, username, action, detail FROM audit_log WHERE"
		              " object_type = 'incident' AND object_id = $1 AND action IN "
		              "('create', 'update',"
		              " 'attach') ORDER BY id",
		              "t", sid));
		if (!*out && r == IDT_OK) r = IDT_ESTORE;
	}
	idt__pg_release(st, c);
	size_t i;
	json_t *e;
	json_array_foreach(*out, i, e)
	{
		char t[32];
		idt__time_iso(json_integer_value(json_object_get(e, "ts")), t);
		json_object_set_new(e, "time", json_string(t));
		json_object_del(e, "ts");
		const char *dj = json_string_value(json_object_get(e, "detail"));
		json_t *dv = dj ? json_loads(dj, JSON_DECODE_ANY, NULL) : NULL;
		json_object_set_new(e, "detail", dv ? dv : json_null());
	}
	return r;
}
