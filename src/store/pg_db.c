/*
 * pg_db.c - the PostgreSQL backend's foundation: opening (the URL, the pool size), the
 * versioned migrations, the connection pool, the parameterised-query helpers, transactions,
 * the audit chain append and the text folding of the full-text index.
 *
 * Location: a libpq connection URL, postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?...].
 * One parameter is ours and is removed before libpq sees the URL: pool_size=N (1..64,
 * default 8), the number of connections this process keeps.  Connections open lazily.
 *
 * Migrations: schema_version(version) holds the versions applied; migrations[] holds the SQL
 * of each version in order and is only ever appended to.  Opening takes the session advisory
 * lock PG_LOCK_MIGRATE, so that several `interdict serve` processes starting at once apply
 * each migration exactly once, then applies the missing ones, each in its own transaction.
 *
 * Durability: every connection runs with synchronous_commit = on, so a write acknowledged to
 * the client has been flushed by the server; only the audit entries of reads commit
 * asynchronously (idt__pg_begin_light).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "pg_int.h"
#include "audit_chain.h"
#include "util/util.h"

/* ---------------------------------------------------------------- migrations */

static const char *const migrations[] = {
    /* 1: the whole initial model (docs/data-model.md), as in the SQLite backend */
    "CREATE TABLE orgs(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " country TEXT NOT NULL CHECK (length(country) = 2 AND country = upper(country)),"
    " kind TEXT NOT NULL CHECK (kind IN ('government','international-body','platform',"
    "'drug-checking-service')), created_at BIGINT NOT NULL);"
    "CREATE TABLE users(id BIGSERIAL PRIMARY KEY, org_id BIGINT NOT NULL REFERENCES orgs(id),"
    " username TEXT NOT NULL UNIQUE, pwhash TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK (role IN ('admin','analyst','viewer')),"
    " disabled BOOLEAN NOT NULL DEFAULT false, created_at BIGINT NOT NULL);"
    "CREATE TABLE sharing_groups(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " owner_org BIGINT NOT NULL REFERENCES orgs(id), created_at BIGINT NOT NULL);"
    "CREATE TABLE sharing_group_orgs(group_id BIGINT NOT NULL REFERENCES sharing_groups(id)"
    " ON DELETE CASCADE, org_id BIGINT NOT NULL REFERENCES orgs(id),"
    " PRIMARY KEY (group_id, org_id));"
    "CREATE INDEX sgo_org ON sharing_group_orgs(org_id, group_id);"
    "CREATE TABLE sessions(hash BYTEA PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id)"
    " ON DELETE CASCADE, csrf TEXT NOT NULL, created_at BIGINT NOT NULL,"
    " expires_at BIGINT NOT NULL);"
    "CREATE INDEX sessions_expiry ON sessions(expires_at);"
    "CREATE TABLE api_tokens(id BIGSERIAL PRIMARY KEY, hash BYTEA NOT NULL UNIQUE,"
    " user_id BIGINT NOT NULL REFERENCES users(id), name TEXT NOT NULL,"
    " scopes BIGINT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT);"
    "CREATE TABLE incidents(id BIGSERIAL PRIMARY KEY, org_id BIGINT NOT NULL"
    " REFERENCES orgs(id), created_by BIGINT NOT NULL REFERENCES users(id), type TEXT NOT NULL,"
    " status TEXT NOT NULL, title TEXT NOT NULL, narrative TEXT NOT NULL DEFAULT '',"
    " occurred_on TEXT, reported_on TEXT, day BIGINT, transport_mode TEXT, concealment TEXT,"
    " source TEXT, evidence TEXT, tlp TEXT NOT NULL, distribution TEXT NOT NULL"
    " CHECK (distribution IN ('own-org','sharing-group','all')),"
    " sharing_group_id BIGINT REFERENCES sharing_groups(id),"
    " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
    " version BIGINT NOT NULL DEFAULT 1, search TSVECTOR NOT NULL DEFAULT ''::tsvector);"
    "CREATE INDEX incidents_org ON incidents(org_id, id);"
    "CREATE INDEX incidents_dist ON incidents(distribution, sharing_group_id);"
    "CREATE INDEX incidents_occ ON incidents(occurred_on);"
    "CREATE INDEX incidents_type ON incidents(type, occurred_on);"
    "CREATE INDEX incidents_search ON incidents USING GIN (search);"
    "CREATE TABLE incident_countries(incident_id BIGINT NOT NULL REFERENCES incidents(id)"
    " ON DELETE CASCADE, role TEXT NOT NULL, seq INTEGER NOT NULL, country TEXT NOT NULL,"
    " PRIMARY KEY (incident_id, role, seq));"
    "CREATE INDEX ic_country ON incident_countries(country, incident_id);"
    "CREATE TABLE incident_substances(incident_id BIGINT NOT NULL REFERENCES incidents(id)"
    " ON DELETE CASCADE, seq INTEGER NOT NULL, substance TEXT NOT NULL, name TEXT,"
    " class TEXT, quantity DOUBLE PRECISION, unit TEXT, form TEXT, purity DOUBLE PRECISION,"
    " PRIMARY KEY (incident_id, seq));"
    "CREATE INDEX is_substance ON incident_substances(substance, incident_id);"
    "CREATE INDEX is_class ON incident_substances(class, incident_id);"
    "CREATE TABLE observables(id BIGSERIAL PRIMARY KEY, type TEXT NOT NULL,"
    " value TEXT NOT NULL, UNIQUE (type, value));"
    "CREATE TABLE incident_observables(incident_id BIGINT NOT NULL REFERENCES incidents(id)"
    " ON DELETE CASCADE, observable_id BIGINT NOT NULL REFERENCES observables(id),"
    " seq INTEGER NOT NULL, raw TEXT, PRIMARY KEY (incident_id, observable_id));"
    "CREATE INDEX io_obs ON incident_observables(observable_id, incident_id);"
    "CREATE TABLE incident_routes(substance TEXT NOT NULL, origin TEXT NOT NULL,"
    " destination TEXT NOT NULL, day BIGINT NOT NULL, incident_id BIGINT NOT NULL"
    " REFERENCES incidents(id) ON DELETE CASCADE,"
    " PRIMARY KEY (substance, origin, destination, day, incident_id));"
    "CREATE INDEX ir_incident ON incident_routes(incident_id);"
    "CREATE TABLE correlations(a BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    " b BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE, kind TEXT NOT NULL,"
    " detail TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (a, b, kind, detail));"
    "CREATE INDEX corr_b ON correlations(b, a);"
    "CREATE TABLE attachments(incident_id BIGINT NOT NULL REFERENCES incidents(id)"
    " ON DELETE CASCADE, sha256 TEXT NOT NULL, name TEXT NOT NULL, media_type TEXT NOT NULL,"
    " size BIGINT NOT NULL, created_at BIGINT NOT NULL, created_by BIGINT,"
    " PRIMARY KEY (incident_id, sha256));"
    "CREATE TABLE hits(id TEXT NOT NULL, org_id BIGINT NOT NULL REFERENCES orgs(id),"
    " verdict TEXT NOT NULL, score DOUBLE PRECISION, flagged BOOLEAN,"
    " first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL,"
    " seen_count BIGINT NOT NULL DEFAULT 1, sources TEXT,"
    " status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','confirmed','dismissed')),"
    " reason TEXT, incident_id BIGINT REFERENCES incidents(id) ON DELETE SET NULL,"
    " decided_by BIGINT, decided_at BIGINT, submitted_by BIGINT, PRIMARY KEY (org_id, id));"
    "CREATE INDEX hits_queue ON hits(org_id, status, last_seen);"
    "CREATE TABLE audit_log(id BIGINT PRIMARY KEY, ts BIGINT NOT NULL, user_id BIGINT,"
    " username TEXT, org_id BIGINT, addr TEXT, action TEXT NOT NULL, object_type TEXT,"
    " object_id TEXT, detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $f$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $f$;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log"
    " FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log"
    " FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_log"
    " FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();"
    "CREATE TABLE subscriptions(id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL"
    " REFERENCES users(id) ON DELETE CASCADE, kind TEXT NOT NULL, value TEXT NOT NULL,"
    " webhook TEXT, created_at BIGINT NOT NULL);"
    "CREATE INDEX subs_match ON subscriptions(kind, value);"
    "CREATE INDEX subs_user ON subscriptions(user_id);"
    "CREATE TABLE notifications(id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL"
    " REFERENCES users(id) ON DELETE CASCADE, incident_id BIGINT NOT NULL"
    " REFERENCES incidents(id) ON DELETE CASCADE, subscription_id BIGINT"
    " REFERENCES subscriptions(id) ON DELETE SET NULL, reason TEXT NOT NULL,"
    " created_at BIGINT NOT NULL, read_at BIGINT, UNIQUE (user_id, incident_id));"
    "CREATE TABLE webhook_queue(id BIGSERIAL PRIMARY KEY, url TEXT NOT NULL,"
    " payload TEXT NOT NULL, created_at BIGINT NOT NULL);",
    /* 2: the audit log indexed by object (an incident's history) */
    "CREATE INDEX audit_object ON audit_log(object_type, object_id);",
    /* 3: statistics counters by visibility key and dimension (type, month and type, class,
     * substance, origin, destination), kept by the incident writes (pg_incidents.c,
     * count_keys), so that statistics cost a few rows instead of a scan; filled from the
     * incidents already there */
    "CREATE TABLE incident_counts(org_id BIGINT NOT NULL, distribution TEXT NOT NULL,"
    " grp BIGINT NOT NULL, draft BOOLEAN NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL,"
    " n BIGINT NOT NULL, PRIMARY KEY (org_id, distribution, grp, draft, dim, key));"
    "INSERT INTO incident_counts SELECT i.org_id, i.distribution,"
    " coalesce(i.sharing_group_id, 0), i.status = 'draft', k.dim, k.key, count(*)"
    " FROM incidents i CROSS JOIN LATERAL (SELECT 'type' AS dim, i.type AS key UNION ALL"
    " SELECT 'month', substr(i.occurred_on, 1, 7) || ' ' || i.type WHERE i.occurred_on IS NOT"
    " NULL UNION ALL SELECT DISTINCT 'class', s.class FROM incident_substances s WHERE"
    " s.incident_id = i.id AND s.class IS NOT NULL UNION ALL SELECT DISTINCT 'substance',"
    " s.substance FROM incident_substances s WHERE s.incident_id = i.id UNION ALL SELECT"
    " DISTINCT c.role, c.country FROM incident_countries c WHERE c.incident_id = i.id AND"
    " c.role IN ('origin', 'destination')) k GROUP BY 1, 2, 3, 4, 5, 6;",
    /* 4: takedown tracking (issue 10), as in the SQLite backend (pg_takedowns.c) */
    "CREATE TABLE takedowns(id BIGSERIAL PRIMARY KEY, incident_id BIGINT NOT NULL"
    " REFERENCES incidents(id) ON DELETE CASCADE, url TEXT NOT NULL, platform TEXT NOT NULL,"
    " reference TEXT NOT NULL DEFAULT '', reported_at BIGINT NOT NULL, gone_at BIGINT,"
    " how TEXT, last_check BIGINT, checks BIGINT NOT NULL DEFAULT 0, created_by BIGINT"
    " REFERENCES users(id), created_at BIGINT NOT NULL, UNIQUE (incident_id, url, reference));"
    "CREATE INDEX takedowns_open ON takedowns(gone_at, id);",
    /* 5: counters by month and class, origin-destination route and transit country (the
     * dashboard's charts and map), kept by count_keys from now on; filled here from the
     * incidents already there */
    "INSERT INTO incident_counts SELECT i.org_id, i.distribution,"
    " coalesce(i.sharing_group_id, 0), i.status = 'draft', k.dim, k.key, count(*)"
    " FROM incidents i CROSS JOIN LATERAL (SELECT DISTINCT 'transit' AS dim, c.country AS key"
    " FROM incident_countries c WHERE c.incident_id = i.id AND c.role = 'transit'"
    " UNION ALL " PG_MONTH_CLASS_KEYS " UNION ALL " PG_ROUTE_KEYS ") k GROUP BY 1, 2, 3, 4, 5, 6;",
    /* 6: the triage queue's filter keys (hit.h), filled from the hits already there by
     * fill_hit_keys below */
    ("CREATE TABLE hit_keys(org_id BIGINT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,"
     " hit_id TEXT NOT NULL, PRIMARY KEY (org_id, kind, value, hit_id));"),
    /* 7: a hit's keys by hit: the facets join hits to their keys, and without this index a
     * plan made before the tables are first analysed (a nested loop from hits, probing the
     * primary key by its org_id prefix only) took minutes at 20,000 hits */
    "CREATE INDEX hit_keys_hit ON hit_keys(org_id, hit_id);",
};

/* Migration 6's second half: the keys of every stored hit, by the same function as new
 * submissions (the JSON is read in C: stored JSON is text the database never parses).  Runs
 * inside the migration's transaction. */
static idt_status fill_hit_keys(PGconn *c)
{
	idt_status r = IDT_OK;
	PGresult *s = idt__pg_q(c, &r, "SELECT org_id, id, verdict, sources FROM hits", "");
	for (int k = 0; s && r == IDT_OK && k < PQntuples(s); k++) {
		json_t *v = json_loads(idt__pg_text(s, k, 2) ?: "{}", 0, NULL);
		json_t *src = json_loads(idt__pg_text(s, k, 3) ?: "[]", 0, NULL);
		r = idt__pg_hit_keys(c, idt__pg_int(s, k, 0), PQgetvalue(s, k, 1), v, src);
		json_decref(v), json_decref(src);
	}
	PQclear(s);
	return r;
}

/* C steps run after the SQL of a migration, in its transaction (NULL: none), by version. */
static idt_status (*const migration_steps[])(PGconn *c) = {
    NULL, NULL, NULL, NULL, NULL, fill_hit_keys, NULL,
};
_Static_assert(IDT_ARRAY_LEN(migration_steps) == IDT_ARRAY_LEN(migrations),
               "one step (or NULL) per migration");

static bool cmd_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);
	PQclear(r);
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

static idt_status migrate_locked(PGconn *c, const char **errmsg)
{
	if (!cmd_ok(c, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)")) {
		*errmsg = "cannot create schema_version";
		return IDT_ESTORE;
	}
	const int64_t known = (int64_t)IDT_ARRAY_LEN(migrations);
	for (;;) {
		PGresult *r =
		    idt__pg_q(c, NULL, "SELECT coalesce(max(version), 0) FROM schema_version", "");
		if (!r) {
			*errmsg = "cannot read schema_version";
			return IDT_ESTORE;
		}
		int64_t v = idt__pg_int(r, 0, 0);
		PQclear(r);
		if (v > known) {
			*errmsg = "the database was made by a newer interdict (schema version)";
			return IDT_ESTORE;
		}
		if (v == known) return IDT_OK;
		if (!cmd_ok(c, "BEGIN")) return IDT_ESTORE;
		/* constant SQL (several statements): PQexec, not PQexecParams */
		if (!cmd_ok(c, migrations[v]) ||
		    (migration_steps[v] && migration_steps[v](c) != IDT_OK) ||
		    idt__pg_exec(c, NULL, "INSERT INTO schema_version(version) VALUES ($1)", "i",
		                 v + 1) != IDT_OK ||
		    !cmd_ok(c, "COMMIT")) {
			cmd_ok(c, "ROLLBACK");
			*errmsg = "a migration failed";
			return IDT_ESTORE;
		}
	}
}

static idt_status migrate(PGconn *c, const char **errmsg)
{
	/* a migration may take long on a big database: the others wait for it without limit */
	if (!cmd_ok(c, "SET lock_timeout = 0") ||
	    idt__pg_exec(c, NULL, "SELECT pg_advisory_lock($1)", "i", PG_LOCK_MIGRATE) != IDT_OK) {
		*errmsg = "cannot take the migration lock";
		return IDT_ESTORE;
	}
	idt_status s = migrate_locked(c, errmsg);
	idt__pg_exec(c, NULL, "SELECT pg_advisory_unlock($1)", "i", PG_LOCK_MIGRATE);
	if (!cmd_ok(c, "SET lock_timeout = '30s'") && s == IDT_OK) s = IDT_ESTORE;
	return s;
}

/* ---------------------------------------------------------------- connections */

/*
 * Session settings of every connection: acknowledged writes are durable; the time zone and
 * encoding are fixed; a writer waits at most 30 s for the write lock (SQLite's busy timeout
 * is 10 s) instead of forever behind a stuck process, and a session left idle inside a
 * transaction (a process frozen mid-write) is ended by the server after 60 s, which releases
 * the lock.
 */
#define SESSION_SETTINGS                                                                           \
	"SET synchronous_commit = on; SET client_min_messages = warning; SET TIME ZONE 'UTC';"     \
	" SET client_encoding = 'UTF8'; SET lock_timeout = '30s';"                                 \
	" SET idle_in_transaction_session_timeout = '60s'"

/* The library never prints: server notices are dropped. */
static void quiet(void *arg, const char *msg)
{
	(void)arg, (void)msg;
}

static PGconn *connect_one(const char *conninfo)
{
	PGconn *c = PQconnectdb(conninfo);
	if (!c) return NULL;
	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	if (!cmd_ok(c, SESSION_SETTINGS)) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

/*
 * Splits our parameter pool_size off the URL: *conninfo gets a malloc'ed copy without it.
 * Returns 0, or -1 (bad value or no memory; *errmsg set).
 */
static int parse_url(const char *url, char **conninfo, int *pool, const char **errmsg)
{
	*pool = PG_POOL_DEFAULT;
	size_t n = strlen(url);
	char *out = malloc(n + 1);
	if (!out) {
		*errmsg = "out of memory";
		return -1;
	}
	const char *q = strchr(url, '?');
	size_t base = q ? (size_t)(q - url) : n;
	memcpy(out, url, base);
	size_t o = base;
	char sep = '?';
	for (const char *p = q ? q + 1 : NULL; p && *p;) {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > 10 && strncmp(p, "pool_size=", 10) == 0) {
			char num[16];
			size_t k = len - 10 < sizeof num - 1 ? len - 10 : sizeof num - 1;
			memcpy(num, p + 10, k);
			num[k] = 0;
			char *e;
			long v = strtol(num, &e, 10);
			if (*e || v < 1 || v > PG_POOL_MAX) {
				free(out);
				*errmsg = "pool_size must be 1..64";
				return -1;
			}
			*pool = (int)v;
		} else if (len) {
			out[o++] = sep;
			memcpy(out + o, p, len);
			o += len;
			sep = '&';
		}
		p = end ? end + 1 : NULL;
	}
	out[o] = 0;
	*conninfo = out;
	return 0;
}

void idt__pg_close(idt_store *st)
{
	if (!st) return;
	pg_store *q = st->impl;
	if (q) {
		for (int i = 0; i < q->n; i++)
			if (q->conns[i]) PQfinish(q->conns[i]);
		free(q->conns);
		free(q->busy);
		free(q->conninfo);
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		free(q);
	}
	free(st);
}

/* Every operation of store.h implemented?  The interface grows with the server; an operation
 * added to the SQLite backend only must fail the opening loudly (and with it every test on
 * PostgreSQL), not crash one request later, so this backend implements the optional ones too.
 * idt_store_ops holds function pointers only. */
static bool ops_complete(void)
{
	typedef void (*fn)(void);
	_Static_assert(sizeof(idt_store_ops) % sizeof(fn) == 0, "idt_store_ops: pointers only");
	fn f[sizeof(idt_store_ops) / sizeof(fn)];
	memcpy(f, &idt__pg_ops, sizeof f);
	for (size_t i = 0; i < IDT_ARRAY_LEN(f); i++)
		if (!f[i]) return false;
	return true;
}

idt_status idt__pg_open(const char *url, idt_store **out, const char **errmsg)
{
	const char *dummy;
	if (!errmsg) errmsg = &dummy;
	*out = NULL;
	if (!ops_complete()) {
		*errmsg = "this build's PostgreSQL backend lacks a storage operation (store.h)";
		return IDT_ESTORE;
	}
	idt_store *st = calloc(1, sizeof *st);
	pg_store *q = calloc(1, sizeof *q);
	if (!st || !q) {
		free(st), free(q);
		return IDT_ENOMEM;
	}
	st->ops = &idt__pg_ops;
	st->impl = q;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	int pool;
	if (parse_url(url, &q->conninfo, &pool, errmsg) != 0) {
		idt__pg_close(st);
		return IDT_EINVAL;
	}
	q->conns = calloc((size_t)pool, sizeof *q->conns);
	q->busy = calloc((size_t)pool, sizeof *q->busy);
	if (!q->conns || !q->busy) {
		idt__pg_close(st);
		return IDT_ENOMEM;
	}
	q->n = pool;
	q->conns[0] = connect_one(q->conninfo);
	if (!q->conns[0]) {
		*errmsg = "cannot connect to the PostgreSQL server";
		idt__pg_close(st);
		return IDT_ESTORE;
	}
	idt_status s = migrate(q->conns[0], errmsg);
	if (s != IDT_OK) {
		idt__pg_close(st);
		return s;
	}
	*out = st;
	return IDT_OK;
}

PGconn *idt__pg_acquire(idt_store *st)
{
	pg_store *q = st->impl;
	pthread_mutex_lock(&q->mu);
	int slot = -1;
	while (slot < 0) {
		/* an open idle connection first, then an empty slot */
		for (int i = 0; i < q->n && slot < 0; i++)
			if (!q->busy[i] && q->conns[i]) slot = i;
		for (int i = 0; i < q->n && slot < 0; i++)
			if (!q->busy[i]) slot = i;
		if (slot < 0) pthread_cond_wait(&q->cv, &q->mu);
	}
	q->busy[slot] = true;
	PGconn *c = q->conns[slot];
	pthread_mutex_unlock(&q->mu);
	/* connect or repair outside the lock.  PQconsumeInput reads what the server sent while
	 * the connection was idle: a server that restarted or ended the session has closed it,
	 * which marks it bad here instead of failing the caller's first statement. */
	if (c && (PQconsumeInput(c) == 0 || PQstatus(c) != CONNECTION_OK)) {
		PQreset(c);
		if (PQstatus(c) == CONNECTION_OK) cmd_ok(c, SESSION_SETTINGS);
	}
	if (!c) c = connect_one(q->conninfo);
	pthread_mutex_lock(&q->mu);
	q->conns[slot] = c;
	if (!c) { /* unreachable server: give the slot back */
		q->busy[slot] = false;
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return c;
}

void idt__pg_release(idt_store *st, PGconn *c)
{
	if (!c) return;
	pg_store *q = st->impl;
	/* never hand on a connection inside a transaction */
	if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE)
		cmd_ok(c, "ROLLBACK");
	pthread_mutex_lock(&q->mu);
	for (int i = 0; i < q->n; i++)
		if (q->conns[i] == c) q->busy[i] = false;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* ---------------------------------------------------------------- statements */

static idt_status map_error(const PGresult *r)
{
	const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!code) return IDT_ESTORE;
	if (strcmp(code, "23505") == 0) return IDT_ECONFLICT; /* unique_violation */
	if (strcmp(code, "23503") == 0 || strcmp(code, "23514") == 0 ||
	    strcmp(code, "23502") == 0 || strcmp(code, "22P02") == 0 ||
	    strcmp(code, "22007") == 0 || strcmp(code, "22008") == 0)
		return IDT_EINVAL; /* foreign key, check, not null, bad value */
	return IDT_ESTORE;
}

static PGresult *vq(PGconn *c, idt_status *st, const char *sql, const char *types, va_list ap)
{
	const char *vals[PG_MAX_PARAMS];
	int lens[PG_MAX_PARAMS], fmts[PG_MAX_PARAMS];
	char nums[PG_MAX_PARAMS][40];
	int n = 0;
	idt_status dummy;
	if (!st) st = &dummy;
	*st = IDT_OK;
	if (!c) {
		*st = IDT_ESTORE;
		return NULL;
	}
	for (const char *t = types; *t; t++, n++) {
		if (n == PG_MAX_PARAMS) {
			*st = IDT_EINVAL;
			return NULL;
		}
		lens[n] = 0, fmts[n] = 0, vals[n] = NULL;
		switch (*t) {
		case 't': vals[n] = va_arg(ap, const char *); break;
		case 'i':
			snprintf(nums[n], sizeof nums[n], "%lld", (long long)va_arg(ap, int64_t));
			vals[n] = nums[n];
			break;
		case 'd':
			snprintf(nums[n], sizeof nums[n], "%.17g", va_arg(ap, double));
			vals[n] = nums[n];
			break;
		case 'j': {
			json_t *j = va_arg(ap, json_t *);
			if (json_is_number(j)) {
				snprintf(nums[n], sizeof nums[n], "%.17g", json_number_value(j));
				vals[n] = nums[n];
			}
			break;
		}
		case 'b':
			vals[n] = va_arg(ap, const char *);
			lens[n] = va_arg(ap, int);
			fmts[n] = 1;
			break;
		case 'n': break;
		default: *st = IDT_EINVAL; return NULL;
		}
	}
	PGresult *r = PQexecParams(c, sql, n, NULL, vals, lens, fmts, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) return r;
	*st = map_error(r);
	PQclear(r);
	return NULL;
}

PGresult *idt__pg_q(PGconn *c, idt_status *st, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	PGresult *r = vq(c, st, sql, types, ap);
	va_end(ap);
	return r;
}

PGresult *idt__pg_qv(PGconn *c, idt_status *st, const char *sql, int n, const char *const *vals)
{
	idt_status dummy;
	if (!st) st = &dummy;
	*st = IDT_OK;
	if (!c) {
		*st = IDT_ESTORE;
		return NULL;
	}
	PGresult *r = PQexecParams(c, sql, n, NULL, vals, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) return r;
	*st = map_error(r);
	PQclear(r);
	return NULL;
}

idt_status idt__pg_exec(PGconn *c, int64_t *affected, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	idt_status st;
	PGresult *r = vq(c, &st, sql, types, ap);
	va_end(ap);
	if (r && affected) *affected = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return st;
}

static idt_status begin(PGconn *c, bool light)
{
	if (!cmd_ok(c, "BEGIN")) return IDT_ESTORE;
	if ((light && !cmd_ok(c, "SET LOCAL synchronous_commit = off")) ||
	    idt__pg_exec(c, NULL, "SELECT pg_advisory_xact_lock($1)", "i", PG_LOCK_WRITE) !=
	        IDT_OK) {
		cmd_ok(c, "ROLLBACK");
		return IDT_ESTORE;
	}
	return IDT_OK;
}

idt_status idt__pg_begin(PGconn *c)
{
	return begin(c, false);
}

idt_status idt__pg_begin_light(PGconn *c)
{
	return begin(c, true);
}

idt_status idt__pg_end(PGconn *c, idt_status st)
{
	if (st != IDT_OK) {
		cmd_ok(c, "ROLLBACK");
		return st;
	}
	PGresult *r = PQexec(c, "COMMIT");
	/* COMMIT of a transaction that failed reports ROLLBACK, not an error */
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COMMIT") == 0;
	PQclear(r);
	if (!ok && PQtransactionStatus(c) != PQTRANS_IDLE) cmd_ok(c, "ROLLBACK");
	return ok ? IDT_OK : IDT_ESTORE;
}

/* ---------------------------------------------------------------- rows */

/* Type OIDs of pg_type (stable across versions). */
enum {
	OID_BOOL = 16,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_JSON = 114,
	OID_FLOAT4 = 700,
	OID_FLOAT8 = 701,
	OID_NUMERIC = 1700,
	OID_JSONB = 3802
};

static json_t *value(const PGresult *res, int r, int col)
{
	if (PQgetisnull(res, r, col)) return json_null();
	const char *v = PQgetvalue(res, r, col);
	switch (PQftype(res, col)) {
	case OID_INT8:
	case OID_INT4:
	case OID_INT2: return json_integer(strtoll(v, NULL, 10));
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC: return json_real(strtod(v, NULL));
	case OID_BOOL: return json_boolean(v[0] == 't');
	case OID_JSON:
	case OID_JSONB: {
		json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);
		return j ? j : json_null();
	}
	default: return json_stringn(v, (size_t)PQgetlength(res, r, col));
	}
}

json_t *idt__pg_row(const PGresult *res, int r)
{
	json_t *o = json_object();
	int n = PQnfields(res);
	for (int i = 0; i < n && o; i++) {
		json_t *v = value(res, r, i);
		json_object_set_new(o, PQfname(res, i), v ? v : json_null());
	}
	return o;
}

json_t *idt__pg_rows(PGresult *res)
{
	if (!res) return NULL;
	json_t *a = json_array();
	int n = PQntuples(res);
	for (int r = 0; r < n && a; r++) json_array_append_new(a, idt__pg_row(res, r));
	PQclear(res);
	return a;
}

const char *idt__pg_text(const PGresult *res, int r, int col)
{
	return PQgetisnull(res, r, col) ? NULL : PQgetvalue(res, r, col);
}

int64_t idt__pg_int(const PGresult *res, int r, int col)
{
	return PQgetisnull(res, r, col) ? 0 : strtoll(PQgetvalue(res, r, col), NULL, 10);
}

/* ---------------------------------------------------------------- text folding */

char *idt__pg_fold(const char *s, size_t len)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &m,
	                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
	                                      UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
	if (n < 0) { /* not UTF-8 (cannot happen for validated input): keep ASCII words */
		m = malloc(len + 1);
		if (!m) return NULL;
		for (size_t i = 0; i < len; i++)
			m[i] = (unsigned char)s[i] < 0x80 ? (utf8proc_uint8_t)s[i] : ' ';
		m[len] = 0;
		n = (utf8proc_ssize_t)len;
	}
	/* letters and digits stay, everything else separates words */
	char *out = malloc((size_t)n + 1);
	if (!out) {
		free(m);
		return NULL;
	}
	size_t o = 0;
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(m + i, n - i, &cp);
		if (k <= 0) {
			i++;
			continue;
		}
		utf8proc_category_t cat = utf8proc_category(cp);
		bool word = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO &&
		            (cat <= UTF8PROC_CATEGORY_LO || cat >= UTF8PROC_CATEGORY_ND);
		if (word) {
			memcpy(out + o, m + i, (size_t)k);
			o += (size_t)k;
		} else if (o && out[o - 1] != ' ') {
			out[o++] = ' ';
		}
		i += k;
	}
	while (o && out[o - 1] == ' ') o--;
	out[o] = 0;
	free(m);
	return out;
}

/* ---------------------------------------------------------------- audit */

idt_status idt__pg_audit(PGconn *c, const idt_actor *a, const char *action, const char *object_type,
                         int64_t object_id, const char *object_sid, json_t *detail)
{
	char prev[65] = IDT_AUDIT_GENESIS, hash[65], oid[32];
	int64_t id = 1;
	idt_status st;
	/* the caller's transaction holds PG_LOCK_WRITE: this is the committed chain head */
	PGresult *r =
	    idt__pg_q(c, &st, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", "");
	if (!r) return st;
	if (PQntuples(r) == 1) {
		id = idt__pg_int(r, 0, 0) + 1;
		const char *h = idt__pg_text(r, 0, 1);
		if (h && strlen(h) == 64) memcpy(prev, h, 65);
	}
	PQclear(r);
	if (!object_sid && object_id) {
		snprintf(oid, sizeof oid, "%lld", (long long)object_id);
		object_sid = oid;
	}
	char *dj =
	    detail ? json_dumps(detail, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	int64_t ts = idt__now();
	const idt_actor none = {0};
	if (!a) a = &none;
	char *canon = idt__audit_canonical(id, ts, a->user_id, a->username, a->org_id, a->addr,
	                                   action, object_type, object_sid, dj);
	st = IDT_ENOMEM;
	if (canon && idt__audit_hash(prev, canon, strlen(canon), hash) == IDT_OK)
		st = idt__pg_exec(c, NULL,
		                  "INSERT INTO audit_log(id, ts, user_id, username, org_id, addr,"
		                  " action, object_type, object_id, detail, prev_hash, hash) VALUES"
		                  " ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
		                  "iiititttttt"
		                  "t",
		                  id, ts, a->user_id, a->username, a->org_id, a->addr, action,
		                  object_type, object_sid, dj, prev, hash);
	free(canon);
	free(dj);
	return st;
}
