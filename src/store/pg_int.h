/*
 * pg_int.h - private to the PostgreSQL backend (src/store/pg_*.c): the connection pool, the
 * parameterised-query helpers, transactions and the functions the pg_*.c files share.  The
 * backend ports the SQLite backend's semantics (sqlite_int.h) statement by statement.
 *
 * Every statement is a constant SQL text with $n parameters sent through PQexecParams; values
 * are never spliced into SQL.  Where a query grows with the filters a request uses (search),
 * it is assembled from constant fragments only, and the values still go as parameters.
 *
 * Concurrency: several server processes may share one database.  Every write transaction
 * (and every transaction that appends to the audit log) takes the transaction-level advisory
 * lock PG_LOCK_WRITE right after BEGIN, so writers are serialised across processes exactly as
 * SQLite's BEGIN IMMEDIATE serialises them, and the audit hash chain stays linear: the chain
 * head read after taking the lock is the latest committed one.  Readers never take it.
 */
#ifndef IDT_PG_INT_H
#define IDT_PG_INT_H

#include <pthread.h>
#include <libpq-fe.h>
#include "store.h"

#define PG_ROUTE_WINDOW  30   /* days: same substance on the same route within +-30 days */
#define PG_CORR_CAP      1000 /* links made per observable on one save */
#define PG_POOL_DEFAULT  8
#define PG_POOL_MAX      64
#define PG_MAX_PARAMS    24

/* Advisory lock keys (per database): writers, and migrations at open. */
#define PG_LOCK_WRITE   0x49445401LL /* "IDT" 01 */
#define PG_LOCK_MIGRATE 0x49445402LL

/* The visibility predicate for incident alias i and the parameter o holding the reader's
 * organisation (e.g. "$2"), the same expression as SQ_VISIBLE. */
#define PG_VISIBLE(i, o)                                                                           \
	"(" i ".org_id = " o " OR (" i ".status <> 'draft' AND (" i ".distribution = 'all' OR"     \
	" (" i ".distribution = 'sharing-group' AND EXISTS (SELECT 1 FROM sharing_group_orgs g"    \
	" WHERE g.group_id = " i ".sharing_group_id AND g.org_id = " o ")))))"

/* Rows (dim, key) of incident alias i for two of the statistics dimensions (stats.h), for a
 * LATERAL list of an incident's counter keys: "YYYY-MM class" per class named, when dated;
 * "FROM TO" per pair of an origin and a destination country.  Shared by the counters kept on
 * every write (pg_incidents.c, count_keys) and migration 5, which fills them (pg_db.c). */
#define PG_MONTH_CLASS_KEYS                                                                        \
	"SELECT DISTINCT 'month_class', substr(i.occurred_on, 1, 7) || ' ' || s.class FROM"        \
	" incident_substances s WHERE s.incident_id = i.id AND s.class IS NOT NULL AND"            \
	" i.occurred_on IS NOT NULL"
#define PG_ROUTE_KEYS                                                                              \
	"SELECT DISTINCT 'route', o.country || ' ' || d.country FROM incident_countries o JOIN"    \
	" incident_countries d ON d.incident_id = o.incident_id AND d.role = 'destination' WHERE"  \
	" o.incident_id = i.id AND o.role = 'origin'"

/* Writes the filter keys (hit.h) of hit hit_id of org: of verdict (NULL: none) and sources
 * (an array or one source object; NULL: none); keys already there are kept.  Inside the
 * caller's write transaction. */
idt_status idt__pg_hit_keys(PGconn *c, int64_t org, const char *hit_id, json_t *verdict,
                            json_t *sources);

typedef struct pg_store {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *conninfo; /* the URL given, less our own parameters (owned) */
	PGconn **conns; /* `n` slots; NULL until first needed (connections open lazily) */
	bool *busy;     /* slot i is lent to a thread */
	int n;
} pg_store;

/* Takes a connection from the pool (waits for a free slot, connects a NULL slot, resets a
 * broken one); NULL if the server cannot be reached.  Give it back with idt__pg_release. */
PGconn *idt__pg_acquire(idt_store *st);
void idt__pg_release(idt_store *st, PGconn *c);

/*
 * Runs sql with parameters described by `types`, one letter each: 't' const char * (NULL
 * sends null), 'i' int64_t, 'd' double, 'j' json_t * number or anything else as null,
 * 'b' (const void *, int len) bytes (sent binary, for BYTEA), 'n' null.  Returns the result
 * (PGRES_TUPLES_OK or PGRES_COMMAND_OK; the caller PQclear()s it) or NULL with *st set from
 * the SQLSTATE (unique violation IDT_ECONFLICT, foreign key / check / not null IDT_EINVAL,
 * else IDT_ESTORE).  st may be NULL.
 */
PGresult *idt__pg_q(PGconn *c, idt_status *st, const char *sql, const char *types, ...);
/* The same with n text parameters in an array (a query assembled from constant fragments). */
PGresult *idt__pg_qv(PGconn *c, idt_status *st, const char *sql, int n, const char *const *vals);
/* The same for a statement whose rows are not needed; *affected (may be NULL) gets the number
 * of rows it changed. */
idt_status idt__pg_exec(PGconn *c, int64_t *affected, const char *sql, const char *types, ...);

/* BEGIN and take PG_LOCK_WRITE; _light also commits asynchronously (the audit entries of
 * reads: like SQLite's synchronous=NORMAL, they survive a crash of the server process). */
idt_status idt__pg_begin(PGconn *c);
idt_status idt__pg_begin_light(PGconn *c);
/* COMMIT if st == IDT_OK (returning the commit's status), else ROLLBACK and return st. */
idt_status idt__pg_end(PGconn *c, idt_status st);

/* Row r as a JSON object (column name -> value by column type: integers, floats, booleans,
 * json/jsonb parsed, text); a new reference. */
json_t *idt__pg_row(const PGresult *res, int r);
/* Every row as an array of objects; PQclear()s res.  NULL if res is NULL. */
json_t *idt__pg_rows(PGresult *res);
/* A value as a string (NULL when SQL null; borrowed from res) or an integer (0 when null). */
const char *idt__pg_text(const PGresult *res, int r, int col);
int64_t idt__pg_int(const PGresult *res, int r, int col);

/* Folds text for the full-text index and queries: case folded, diacritics stripped, every
 * character that is not a letter or digit made a space (the FTS5 unicode61 tokenizer's view),
 * so PostgreSQL's parser sees plain words only.  Returns a malloc'ed string the caller frees,
 * or NULL (allocation failure). */
char *idt__pg_fold(const char *s, size_t len);

/* Appends an entry to the audit chain inside the caller's transaction (which holds
 * PG_LOCK_WRITE). */
idt_status idt__pg_audit(PGconn *c, const idt_actor *a, const char *action, const char *object_type,
                         int64_t object_id, const char *object_sid, json_t *detail);

/* Incident internals shared by pg_incidents.c and pg_hits.c (caller holds a transaction). */
idt_status idt__pg_incident_insert(PGconn *c, const idt_actor *a, json_t *doc, int64_t *id);
idt_status idt__pg_incident_doc(PGconn *c, const idt_actor *a, int64_t id, json_t **out);

/* Alert matching for incident id after a save that made it visible to new readers. */
idt_status idt__pg_alerts_match(PGconn *c, const idt_actor *a, int64_t id, const char *why);

/* Opens the PostgreSQL backend (declared here and in store.c). */
idt_status idt__pg_open(const char *url, idt_store **out, const char **errmsg);

extern const idt_store_ops idt__pg_ops;
void idt__pg_close(idt_store *st);
/* Op implementations by file. */
#define PG_DECL(ret, name, ...) ret idt__pg_##name(idt_store *st, __VA_ARGS__)

#endif
