/*
 * sqlite_int.h - private to the SQLite backend: the connection pool, statement helpers and the
 * functions the sqlite_*.c files share.
 *
 * Every statement is a constant SQL text with ?-parameters; values are bound, never spliced.
 * Where a query grows with the filters a request uses (search), it is assembled from constant
 * fragments only, and the values still go through bindings.
 */
#ifndef IDT_SQLITE_INT_H
#define IDT_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include "store.h"

#define SQ_SCHEMA_VERSION 4
#define SQ_ROUTE_WINDOW   30   /* days: same substance on the same route within +-30 days */
#define SQ_CORR_CAP       1000 /* links made per observable or route on one save */

/* The visibility predicate for incident alias i; binds parameter :org. */
#define SQ_VISIBLE(i)                                                                              \
	"(" i ".org_id = :org OR (" i ".status <> 'draft' AND (" i ".distribution = 'all' OR (" i  \
	".distribution = 'sharing-group' AND EXISTS (SELECT 1 FROM sharing_group_orgs g WHERE "    \
	"g.group_id = " i ".sharing_group_id AND g.org_id = :org)))))"

/* The same predicate on the counters of incident_stats / class_stats (alias s). */
#define SQ_VISIBLE_STATS                                                                           \
	"(s.org_id = :org OR (s.draft = 0 AND (s.distribution = 'all' OR (s.distribution ="        \
	" 'sharing-group' AND EXISTS (SELECT 1 FROM sharing_group_orgs g WHERE g.group_id = s.grp" \
	" AND g.org_id = :org)))))"

typedef struct sq_store {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sqlite3 **conns; /* pool of `n` connections, each used by one thread at a time */
	bool *busy;
	int n;
} sq_store;

/* Takes a connection from the pool (waits for one); give it back with sq_release. */
sqlite3 *idt__sq_acquire(idt_store *st);
void idt__sq_release(idt_store *st, sqlite3 *db);

/*
 * Prepares sql and binds positional parameters by `types`: 't' const char * (NULL binds
 * null), 'i' int64_t, 'd' double, 'b' (const void *, int len) blob, 'n' null.  A parameter
 * named :org, if the statement has one, is bound afterwards with sq_bind_org().  Returns NULL
 * on failure (the reason is in sqlite3_errmsg(db)).
 */
sqlite3_stmt *idt__sq_prep(sqlite3 *db, const char *sql, const char *types, ...);
void idt__sq_bind_org(sqlite3_stmt *s, int64_t org);
/* The next positional (not :named) parameter index after i. */
int idt__sq_next_pos(sqlite3_stmt *s, int i);
/* Runs a statement to completion; returns an idt_status mapped from the SQLite result. */
idt_status idt__sq_exec(sqlite3 *db, const char *sql, const char *types, ...);
/* Steps a prepared statement once, finalises it, maps the result. */
idt_status idt__sq_run(sqlite3_stmt *s);
idt_status idt__sq_map(int rc);

/* Writes the filter keys (hit.h) of hit hit_id of org: of verdict (NULL: none) and sources
 * (an array or one source object; NULL: none); keys already there are kept.  Inside the
 * caller's write transaction. */
idt_status idt__sq_hit_keys(sqlite3 *db, int64_t org, const char *hit_id, json_t *verdict,
                            json_t *sources);

idt_status idt__sq_begin(sqlite3 *db); /* BEGIN IMMEDIATE, serialised in the process */
/* The same for a transaction that only records the audit entry of a read (synchronous=NORMAL). */
idt_status idt__sq_begin_light(sqlite3 *db);
idt_status idt__sq_commit(sqlite3 *db);
void idt__sq_rollback(sqlite3 *db);
/* Ends a transaction: commit if st == IDT_OK (returning the commit's status), else roll back
 * and return st. */
idt_status idt__sq_end(sqlite3 *db, idt_status st);

/* The current row as a JSON object (column name -> value); a new reference. */
json_t *idt__sq_row(sqlite3_stmt *s);
/* Every remaining row as an array of objects; finalises s. */
json_t *idt__sq_rows(sqlite3_stmt *s);
/* A column as a string or NULL (borrowed, valid until the next step). */
const char *idt__sq_text(sqlite3_stmt *s, int col);

/* Appends an entry to the audit chain inside the caller's transaction. */
idt_status idt__sq_audit(sqlite3 *db, const idt_actor *a, const char *action,
                         const char *object_type, int64_t object_id, const char *object_sid,
                         json_t *detail);

/* Incident internals shared by sqlite_incidents.c and sqlite_hits.c (caller holds a
 * transaction). */
idt_status idt__sq_incident_insert(sqlite3 *db, const idt_actor *a, json_t *doc, int64_t *id);
idt_status idt__sq_incident_doc(sqlite3 *db, const idt_actor *a, int64_t id, json_t **out);

/* Alert matching for incident id after a save that made it visible to new readers. */
idt_status idt__sq_alerts_match(sqlite3 *db, const idt_actor *a, int64_t id, const char *why);

extern const idt_store_ops idt__sq_ops;
void idt__sq_close(idt_store *st);
/* Op implementations by file. */
#define SQ_DECL(ret, name, ...) ret idt__sq_##name(idt_store *st, __VA_ARGS__)

#endif
