/*
 * pg_hits.c - the triage queue in PostgreSQL (the port of sqlite_hits.c).  A hit is a scan
 * verdict submitted to an organisation's queue, keyed by (organisation, content hash):
 * submitting the same content again bumps its count and last_seen and adds the new source (at
 * most 50 kept) instead of creating a second entry.  Hits are private to their organisation.
 * Submitting and deciding run in write transactions (PG_LOCK_WRITE), so two server processes
 * merging the same hit, or deciding it, do so one after the other.
 */
#include <stdlib.h>
#include <string.h>
#include "hit.h"
#include "pg_int.h"

#define MAX_SOURCES 50

static char *dumps(json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT) : NULL;
}

idt_status idt__pg_hit_keys(PGconn *c, int64_t org, const char *hit_id, json_t *verdict,
                            json_t *sources)
{
	json_t *keys = json_array();
	idt_status r = keys ? idt__hit_keys(verdict, sources, keys) : IDT_ENOMEM;
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k)
	{
		if (r != IDT_OK) break;
		r = idt__pg_exec(c, NULL,
		                 "INSERT INTO hit_keys(org_id, kind, value, hit_id) VALUES"
		                 " ($1,$2,$3,$4) ON CONFLICT DO NOTHING",
		                 "ittt", org, json_string_value(json_array_get(k, 0)),
		                 json_string_value(json_array_get(k, 1)), hit_id);
	}
	json_decref(keys);
	return r;
}

/* Stores or merges one hit inside the caller's transaction (which holds PG_LOCK_WRITE). */
static idt_status submit_one(PGconn *c, const idt_actor *a, const char *hit_id, json_t *hit,
                             bool *merged)
{
	*merged = false;
	json_t *src = json_object_get(hit, "source");
	idt_status r = IDT_OK;
	PGresult *s = NULL;
	if (r == IDT_OK)
		s = idt__pg_q(c, &r, "SELECT sources FROM hits WHERE org_id = $1 AND id = $2", "it",
		              a->org_id, hit_id);
	int64_t now = idt__now();
	if (r == IDT_OK && PQntuples(s) == 1) {
		*merged = true;
		json_t *sources = json_loads(idt__pg_text(s, 0, 0) ?: "[]", 0, NULL);
		if (!json_is_array(sources)) json_decref(sources), sources = json_array();
		int dup = 0;
		size_t i;
		json_t *x;
		json_array_foreach(sources, i, x) dup = dup || json_equal(x, src);
		if (src && !dup && json_array_size(sources) < MAX_SOURCES)
			json_array_append(sources, src);
		char *sj = dumps(sources);
		r = idt__pg_exec(c, NULL,
		                 "UPDATE hits SET last_seen = $1, seen_count = seen_count + 1,"
		                 " sources = $2 WHERE org_id = $3 AND id = $4",
		                 "itit", now, sj, a->org_id, hit_id);
		free(sj);
		json_decref(sources);
	} else if (r == IDT_OK) {
		json_t *sources = json_array();
		if (src) json_array_append(sources, src);
		char *sj = dumps(sources), *vj = dumps(hit);
		r = idt__pg_exec(
		    c, NULL,
		    "INSERT INTO hits(id, org_id, verdict, score, flagged, first_seen,"
		    " last_seen, sources, submitted_by) VALUES ($1,$2,$3,$4,$5::boolean,"
		    "$6,$7,$8,$9)",
		    "titdtiiti", hit_id, a->org_id, vj,
		    json_number_value(json_object_get(hit, "score")),
		    json_is_true(json_object_get(hit, "flagged")) ? "true" : "false", now, now, sj,
		    a->user_id);
		free(sj), free(vj);
		json_decref(sources);
	}
	PQclear(s);
	/* the filter keys: of the verdict when new, of the source always */
	if (r == IDT_OK) r = idt__pg_hit_keys(c, a->org_id, hit_id, *merged ? NULL : hit, src);
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:b}", "merged", *merged);
		r = idt__pg_audit(c, a, "submit", "hit", 0, hit_id, det);
		json_decref(det);
	}
	return r;
}

PG_DECL(idt_status, hit_submit, const idt_actor *a, const char *hit_id, json_t *hit, bool *merged)
{
	*merged = false;
	PGconn *c = idt__pg_acquire(st);
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	if (r == IDT_OK) r = submit_one(c, a, hit_id, hit, merged);
	if (c) r = idt__pg_end(c, r);
	idt__pg_release(st, c);
	return r;
}

PG_DECL(idt_status, hit_submit_many, const idt_actor *a, size_t n, const char *const *ids,
        json_t *const *hits, bool *merged)
{
	/* one transaction (one commit) for a whole submission: all or nothing */
	PGconn *c = idt__pg_acquire(st);
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	for (size_t i = 0; r == IDT_OK && i < n; i++)
		r = submit_one(c, a, ids[i], hits[i], &merged[i]);
	if (c) r = idt__pg_end(c, r);
	idt__pg_release(st, c);
	return r;
}

/* Shapes a hits row into the API form (verdict and sources parsed, times ISO). */
static void shape(json_t *h)
{
	json_t *v = json_loads(json_string_value(json_object_get(h, "verdict")) ?: "{}", 0, NULL);
	json_object_set_new(h, "verdict", v ? v : json_object());
	json_t *s = json_loads(json_string_value(json_object_get(h, "sources")) ?: "[]", 0, NULL);
	json_object_set_new(h, "sources", s ? s : json_array());
	json_object_set_new(h, "flagged",
	                    json_boolean(json_is_true(json_object_get(h, "flagged"))));
	for (const char *const *k =
	         (const char *const[]){"first_seen", "last_seen", "decided_at", NULL};
	     *k; k++) {
		json_t *t = json_object_get(h, *k);
		if (json_is_integer(t)) {
			char b[32];
			idt__time_iso(json_integer_value(t), b);
			json_object_set_new(h, *k, json_string(b));
		}
	}
}

#define HIT_COLS                                                                                   \
	"SELECT h.id, h.verdict, h.score, h.flagged, h.first_seen, h.last_seen, h.seen_count,"     \
	" h.sources, h.status, h.reason, h.incident_id, u.username AS decided_by, h.decided_at"    \
	" FROM hits h LEFT JOIN users u ON u.id = h.decided_by"

/* The filters of idt_hit_filter over hits h: $1 org, $2 status, $3 min score, $4 and $5
 * first_seen bounds, $6..$9 keys (hit.h); the same conditions as in sqlite_hits.c. */
#define HIT_KEY(p, kind)                                                                           \
	" AND (" p "::text IS NULL OR EXISTS (SELECT 1 FROM hit_keys k WHERE k.org_id = h.org_id"  \
	" AND k.kind = '" kind "' AND k.value = " p "::text AND k.hit_id = h.id))"
/* clang-format off */
#define HIT_WHERE                                                                                  \
	" WHERE h.org_id = $1 AND ($2::text IS NULL OR h.status = $2::text)"                       \
	" AND ($3::double precision < 0 OR h.score >= $3::double precision)"                       \
	" AND ($4::bigint = 0 OR h.first_seen >= $4::bigint)"                                      \
	" AND ($5::bigint = 0 OR h.first_seen < $5::bigint)"                                       \
	HIT_KEY("$6", "category") HIT_KEY("$7", "substance") HIT_KEY("$8", "class")                \
	HIT_KEY("$9", "source")
/* clang-format on */
#define HIT_ARGS(f, a)                                                                             \
	(a)->org_id, (f)->status, (f)->min_score, (f)->after, (f)->before, (f)->category,          \
	    (f)->substance, (f)->cls, (f)->source

PG_DECL(idt_status, hit_list, const idt_actor *a, const idt_hit_filter *f, json_t **out)
{
	*out = NULL;
	PGconn *c = idt__pg_acquire(st);
	idt_status r = IDT_OK;
	json_t *items = idt__pg_rows(idt__pg_q(
	    c, &r,
	    HIT_COLS HIT_WHERE " ORDER BY CASE WHEN $10::boolean THEN h.score END DESC NULLS LAST,"
	                       " h.last_seen DESC, h.id COLLATE \"C\" LIMIT $11 OFFSET $12",
	    "itdiitttttii", HIT_ARGS(f, a), f->by_score ? "true" : "false", f->per_page,
	    (f->page - 1) * f->per_page));
	PGresult *s = idt__pg_q(c, NULL, "SELECT count(*) FROM hits h" HIT_WHERE, "itdiitttt",
	                        HIT_ARGS(f, a));
	int64_t total = s ? idt__pg_int(s, 0, 0) : -1;
	PQclear(s);
	json_t *facets = NULL;
	if (f->facets && (facets = json_object())) {
		/* the keys of the hits of this status, whatever the other filters */
		idt_status fr = IDT_OK;
		s = idt__pg_q(c, &fr,
		              "SELECT k.kind, k.value, count(*) FROM hit_keys k JOIN hits h ON"
		              " h.org_id = k.org_id AND h.id = k.hit_id WHERE k.org_id = $1 AND"
		              " ($2::text IS NULL OR h.status = $2::text) GROUP BY k.kind, k.value"
		              " ORDER BY k.kind COLLATE \"C\", k.value COLLATE \"C\"",
		              "it", a->org_id, f->status);
		if (!s) fr = IDT_ESTORE;
		for (int k = 0; s && fr == IDT_OK && k < PQntuples(s); k++)
			fr = idt__hit_facet_add(facets, PQgetvalue(s, k, 0), PQgetvalue(s, k, 1),
			                        idt__pg_int(s, k, 2));
		PQclear(s);
		if (fr != IDT_OK) json_decref(facets), facets = NULL;
	}
	idt__pg_release(st, c);
	if (!items || total < 0 || (f->facets && !facets)) {
		json_decref(items), json_decref(facets);
		return r != IDT_OK ? r : IDT_ESTORE;
	}
	size_t i;
	json_t *h;
	json_array_foreach(items, i, h) shape(h);
	*out = json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                 (json_int_t)f->page, "per_page", (json_int_t)f->per_page);
	if (*out && facets)
		json_object_set_new(*out, "facets", facets);
	else
		json_decref(facets);
	return *out ? IDT_OK : IDT_ENOMEM;
}

static idt_status hit_fetch(PGconn *c, const idt_actor *a, const char *hit_id, json_t **out)
{
	*out = NULL;
	idt_status r;
	PGresult *s = idt__pg_q(c, &r, HIT_COLS " WHERE h.org_id = $1 AND h.id = $2", "it",
	                        a->org_id, hit_id);
	if (!s) return r;
	if (PQntuples(s) == 1) {
		*out = idt__pg_row(s, 0);
		shape(*out);
	} else {
		r = IDT_ENOTFOUND;
	}
	PQclear(s);
	return r;
}

PG_DECL(idt_status, hit_get, const idt_actor *a, const char *hit_id, json_t **out)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r = hit_fetch(c, a, hit_id, out);
	idt__pg_release(st, c);
	return r;
}

/* Moves a 'new' hit to `status`; IDT_ECONFLICT if already decided. */
static idt_status decide(PGconn *c, const idt_actor *a, const char *hit_id, const char *status,
                         const char *reason, int64_t incident_id)
{
	json_t *h = NULL;
	idt_status r = hit_fetch(c, a, hit_id, &h);
	if (r == IDT_OK && strcmp(json_string_value(json_object_get(h, "status")), "new") != 0)
		r = IDT_ECONFLICT;
	json_decref(h);
	if (r != IDT_OK) return r;
	r = idt__pg_exec(c, NULL,
	                 "UPDATE hits SET status = $1, reason = $2, decided_by = $3,"
	                 " decided_at = $4 WHERE org_id = $5 AND id = $6",
	                 "ttiiit", status, reason, a->user_id, idt__now(), a->org_id, hit_id);
	if (r == IDT_OK && incident_id)
		r = idt__pg_exec(c, NULL,
		                 "UPDATE hits SET incident_id = $1 WHERE org_id = $2 AND id = $3",
		                 "iit", incident_id, a->org_id, hit_id);
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:s?,s:I}", "reason", reason, "incident_id",
		                        (json_int_t)incident_id);
		r = idt__pg_audit(c, a, status[0] == 'd' ? "dismiss" : "confirm", "hit", 0, hit_id,
		                  det);
		json_decref(det);
	}
	return r;
}

PG_DECL(idt_status, hit_dismiss, const idt_actor *a, const char *hit_id, const char *reason)
{
	PGconn *c = idt__pg_acquire(st);
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	if (r == IDT_OK) r = decide(c, a, hit_id, "dismissed", reason, 0);
	if (c) r = idt__pg_end(c, r);
	idt__pg_release(st, c);
	return r;
}

PG_DECL(idt_status, hit_confirm, const idt_actor *a, const char *hit_id, json_t *doc, json_t **out)
{
	*out = NULL;
	PGconn *c = idt__pg_acquire(st);
	int64_t id = 0;
	/* one transaction: the incident exists if and only if the hit is marked confirmed */
	idt_status r = c ? idt__pg_begin(c) : IDT_ESTORE;
	if (r == IDT_OK) r = idt__pg_incident_insert(c, a, doc, &id);
	if (r == IDT_OK) r = decide(c, a, hit_id, "confirmed", NULL, id);
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:s}", "hit", hit_id);
		r = idt__pg_audit(c, a, "create", "incident", id, NULL, det);
		json_decref(det);
	}
	if (r == IDT_OK) r = idt__pg_alerts_match(c, a, id, "new");
	if (r == IDT_OK) r = idt__pg_incident_doc(c, a, id, out);
	if (c) r = idt__pg_end(c, r);
	if (r != IDT_OK && *out) json_decref(*out), *out = NULL;
	idt__pg_release(st, c);
	return r;
}
