/*
 * sqlite_hits.c - the triage queue in SQLite.  A hit is a scan verdict submitted to an
 * organisation's queue, keyed by (organisation, content hash): submitting the same content
 * again bumps its count and last_seen and adds the new source (at most 50 kept) instead of
 * creating a second entry.  Hits are private to their organisation.
 */
#include <stdlib.h>
#include <string.h>
#include "hit.h"
#include "sqlite_int.h"

#define MAX_SOURCES 50

static char *dumps(json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT) : NULL;
}

idt_status idt__sq_hit_keys(sqlite3 *db, int64_t org, const char *hit_id, json_t *verdict,
                            json_t *sources)
{
	json_t *keys = json_array();
	idt_status r = keys ? idt__hit_keys(verdict, sources, keys) : IDT_ENOMEM;
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k)
	{
		if (r != IDT_OK) break;
		r = idt__sq_exec(db,
		                 "INSERT OR IGNORE INTO hit_keys(org_id, kind, value, hit_id)"
		                 " VALUES (?,?,?,?)",
		                 "ittt", org, json_string_value(json_array_get(k, 0)),
		                 json_string_value(json_array_get(k, 1)), hit_id);
	}
	json_decref(keys);
	return r;
}

/* Stores or merges one hit inside the caller's transaction. */
static idt_status submit_one(sqlite3 *db, const idt_actor *a, const char *hit_id, json_t *hit,
                             bool *merged)
{
	*merged = false;
	json_t *src = json_object_get(hit, "source");
	idt_status r = IDT_OK;
	sqlite3_stmt *s = r == IDT_OK ? idt__sq_prep(db,
	                                             "SELECT sources FROM hits WHERE org_id = ? AND"
	                                             " id = ?",
	                                             "it", a->org_id, hit_id)
	                              : NULL;
	int64_t now = idt__now();
	if (r == IDT_OK && !s) r = IDT_ESTORE;
	if (r == IDT_OK && sqlite3_step(s) == SQLITE_ROW) {
		*merged = true;
		json_t *sources = json_loads(idt__sq_text(s, 0) ?: "[]", 0, NULL);
		if (!json_is_array(sources)) json_decref(sources), sources = json_array();
		int dup = 0;
		size_t i;
		json_t *x;
		json_array_foreach(sources, i, x) dup = dup || json_equal(x, src);
		if (src && !dup && json_array_size(sources) < MAX_SOURCES)
			json_array_append(sources, src);
		char *sj = dumps(sources);
		sqlite3_finalize(s), s = NULL;
		r = idt__sq_exec(db,
		                 "UPDATE hits SET last_seen = ?, seen_count = seen_count + 1,"
		                 " sources = ? WHERE org_id = ? AND id = ?",
		                 "itit", now, sj, a->org_id, hit_id);
		free(sj);
		json_decref(sources);
	} else if (r == IDT_OK) {
		sqlite3_finalize(s), s = NULL;
		json_t *sources = json_array();
		if (src) json_array_append(sources, src);
		char *sj = dumps(sources), *vj = dumps(hit);
		json_t *score = json_object_get(hit, "score");
		r = idt__sq_exec(db,
		                 "INSERT INTO hits(id, org_id, verdict, score, flagged, first_seen,"
		                 " last_seen, sources, submitted_by) VALUES (?,?,?,?,?,?,?,?,?)",
		                 "titdiiiti", hit_id, a->org_id, vj, json_number_value(score),
		                 (int64_t)json_is_true(json_object_get(hit, "flagged")), now, now,
		                 sj, a->user_id);
		free(sj), free(vj);
		json_decref(sources);
	}
	sqlite3_finalize(s);
	/* the filter keys: of the verdict when new, of the source always */
	if (r == IDT_OK) r = idt__sq_hit_keys(db, a->org_id, hit_id, *merged ? NULL : hit, src);
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:b}", "merged", *merged);
		r = idt__sq_audit(db, a, "submit", "hit", 0, hit_id, det);
		json_decref(det);
	}
	return r;
}

SQ_DECL(idt_status, hit_submit, const idt_actor *a, const char *hit_id, json_t *hit, bool *merged)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK) r = submit_one(db, a, hit_id, hit, merged);
	r = idt__sq_end(db, r);
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, hit_submit_many, const idt_actor *a, size_t n, const char *const *ids,
        json_t *const *hits, bool *merged)
{
	/* one transaction (one fsync) for a whole submission: all or nothing */
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_begin(db);
	for (size_t i = 0; r == IDT_OK && i < n; i++)
		r = submit_one(db, a, ids[i], hits[i], &merged[i]);
	r = idt__sq_end(db, r);
	idt__sq_release(st, db);
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
	                    json_boolean(json_integer_value(json_object_get(h, "flagged"))));
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

/* The filters of idt_hit_filter over hits h: ?1 org, ?2 status, ?3 min score, ?4 and ?5
 * first_seen bounds, ?6..?9 keys (hit.h). */
#define HIT_KEY(p, kind)                                                                           \
	" AND (" p " IS NULL OR EXISTS (SELECT 1 FROM hit_keys k WHERE k.org_id = h.org_id AND"    \
	" k.kind = '" kind "' AND k.value = " p " AND k.hit_id = h.id))"
/* clang-format off */
#define HIT_WHERE                                                                                  \
	" WHERE h.org_id = ?1 AND (?2 IS NULL OR h.status = ?2) AND (?3 < 0 OR h.score >= ?3)"      \
	" AND (?4 = 0 OR h.first_seen >= ?4) AND (?5 = 0 OR h.first_seen < ?5)"                    \
	HIT_KEY("?6", "category") HIT_KEY("?7", "substance") HIT_KEY("?8", "class")                \
	HIT_KEY("?9", "source")
/* clang-format on */
#define HIT_ARGS(f, a)                                                                             \
	(a)->org_id, (f)->status, (f)->min_score, (f)->after, (f)->before, (f)->category,          \
	    (f)->substance, (f)->cls, (f)->source

SQ_DECL(idt_status, hit_list, const idt_actor *a, const idt_hit_filter *f, json_t **out)
{
	*out = NULL;
	sqlite3 *db = idt__sq_acquire(st);
	sqlite3_stmt *s = idt__sq_prep(
	    db,
	    HIT_COLS HIT_WHERE " ORDER BY CASE WHEN ?10 THEN h.score END DESC, h.last_seen DESC,"
	                       " h.id LIMIT ?11 OFFSET ?12",
	    "itdiittttiii", HIT_ARGS(f, a), (int64_t)f->by_score, f->per_page,
	    (f->page - 1) * f->per_page);
	json_t *items = idt__sq_rows(s);
	s = idt__sq_prep(db, "SELECT count(*) FROM hits h" HIT_WHERE, "itdiitttt", HIT_ARGS(f, a));
	int64_t total = -1;
	if (s && sqlite3_step(s) == SQLITE_ROW) total = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	json_t *facets = NULL;
	if (f->facets && (facets = json_object())) {
		/* the keys of the hits of this status, whatever the other filters */
		s = idt__sq_prep(db,
		                 "SELECT k.kind, k.value, count(*) FROM hit_keys k JOIN hits h ON"
		                 " h.org_id = k.org_id AND h.id = k.hit_id WHERE k.org_id = ?1 AND"
		                 " (?2 IS NULL OR h.status = ?2) GROUP BY k.kind, k.value ORDER BY"
		                 " k.kind, k.value",
		                 "it", a->org_id, f->status);
		int rc = SQLITE_ERROR;
		idt_status r = s ? IDT_OK : IDT_ESTORE;
		while (r == IDT_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
			r = idt__hit_facet_add(facets, idt__sq_text(s, 0), idt__sq_text(s, 1),
			                       sqlite3_column_int64(s, 2));
		sqlite3_finalize(s);
		if (r != IDT_OK || rc != SQLITE_DONE) json_decref(facets), facets = NULL;
	}
	idt__sq_release(st, db);
	if (!items || total < 0 || (f->facets && !facets)) {
		json_decref(items), json_decref(facets);
		return IDT_ESTORE;
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

static idt_status hit_fetch(sqlite3 *db, const idt_actor *a, const char *hit_id, json_t **out)
{
	*out = NULL;
	sqlite3_stmt *s =
	    idt__sq_prep(db, HIT_COLS " WHERE h.org_id = ? AND h.id = ?", "it", a->org_id, hit_id);
	if (!s) return IDT_ESTORE;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = idt__sq_row(s);
		shape(*out);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? IDT_OK : rc == SQLITE_DONE ? IDT_ENOTFOUND : IDT_ESTORE;
}

SQ_DECL(idt_status, hit_get, const idt_actor *a, const char *hit_id, json_t **out)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = hit_fetch(db, a, hit_id, out);
	idt__sq_release(st, db);
	return r;
}

/* Moves a 'new' hit to `status`; IDT_ECONFLICT if already decided. */
static idt_status decide(sqlite3 *db, const idt_actor *a, const char *hit_id, const char *status,
                         const char *reason, int64_t incident_id)
{
	json_t *h = NULL;
	idt_status r = hit_fetch(db, a, hit_id, &h);
	if (r == IDT_OK && strcmp(json_string_value(json_object_get(h, "status")), "new") != 0)
		r = IDT_ECONFLICT;
	json_decref(h);
	if (r != IDT_OK) return r;
	sqlite3_stmt *s =
	    idt__sq_prep(db,
	                 "UPDATE hits SET status = ?, reason = ?, decided_by = ?,"
	                 " decided_at = ? WHERE org_id = ? AND id = ?",
	                 "ttiiit", status, reason, a->user_id, idt__now(), a->org_id, hit_id);
	r = idt__sq_run(s);
	if (r == IDT_OK && incident_id)
		r = idt__sq_exec(db, "UPDATE hits SET incident_id = ? WHERE org_id = ? AND id = ?",
		                 "iit", incident_id, a->org_id, hit_id);
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:s?,s:I}", "reason", reason, "incident_id",
		                        (json_int_t)incident_id);
		r = idt__sq_audit(db, a, status[0] == 'd' ? "dismiss" : "confirm", "hit", 0, hit_id,
		                  det);
		json_decref(det);
	}
	return r;
}

SQ_DECL(idt_status, hit_dismiss, const idt_actor *a, const char *hit_id, const char *reason)
{
	sqlite3 *db = idt__sq_acquire(st);
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK) r = decide(db, a, hit_id, "dismissed", reason, 0);
	r = idt__sq_end(db, r);
	idt__sq_release(st, db);
	return r;
}

SQ_DECL(idt_status, hit_confirm, const idt_actor *a, const char *hit_id, json_t *doc, json_t **out)
{
	*out = NULL;
	sqlite3 *db = idt__sq_acquire(st);
	int64_t id = 0;
	idt_status r = idt__sq_begin(db);
	if (r == IDT_OK) r = idt__sq_incident_insert(db, a, doc, &id);
	if (r == IDT_OK) r = decide(db, a, hit_id, "confirmed", NULL, id);
	if (r == IDT_OK) {
		json_t *det = json_pack("{s:s}", "hit", hit_id);
		r = idt__sq_audit(db, a, "create", "incident", id, NULL, det);
		json_decref(det);
	}
	if (r == IDT_OK) r = idt__sq_alerts_match(db, a, id, "new");
	if (r == IDT_OK) r = idt__sq_incident_doc(db, a, id, out);
	r = idt__sq_end(db, r);
	if (r != IDT_OK && *out) json_decref(*out), *out = NULL;
	idt__sq_release(st, db);
	return r;
}
