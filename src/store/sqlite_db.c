/*
 * sqlite_db.c - the SQLite backend's foundation: opening the database (WAL, synchronous=FULL,
 * foreign keys), the versioned migrations, the connection pool and the statement helpers the
 * other sqlite_*.c files use.
 *
 * Migrations: schema_version holds one row, the version applied; migrations[] holds the SQL of
 * each version in order and is only ever appended to.  Opening applies the missing ones, each
 * in its own transaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "sqlite_int.h"
#include "audit_chain.h"

/* ---------------------------------------------------------------- migrations */

/*
 * Migration 5's counters in dim_stats, per visibility key (owner, distribution, group, draft):
 *   month_class  "YYYY-MM class": incidents of that month of occurred_on naming that class;
 *   route        "FROM TO": incidents with FROM among their origins and TO among their
 *                destinations (every pair of the two lists);
 *   transit      country: incidents with that transit country.
 * Invariant: each counter equals its count over the current rows.  A trigger per change keeps
 * it: a change of the incident's key or date moves all its keys; a class, origin, destination
 * or transit country appearing in (or leaving) an incident for the first (last) time adds
 * (removes) the keys it takes part in.  When an incident is deleted, the BEFORE DELETE
 * trigger removes its keys and the cascaded deletions of its rows then find no incident.
 */
/* SQL assembled from macros: kept as written, one clause per line */
/* clang-format off */
#define VK_OLD                                                                                     \
	" org_id = OLD.org_id AND distribution = OLD.distribution AND grp ="                       \
	" coalesce(OLD.sharing_group_id, 0) AND draft = (OLD.status = 'draft')"
#define VK_NEW                                                                                     \
	" NEW.org_id, NEW.distribution, coalesce(NEW.sharing_group_id, 0), NEW.status = 'draft'"
#define VK_I " i.org_id, i.distribution, coalesce(i.sharing_group_id, 0), i.status = 'draft'"
#define DIM_INC                                                                                    \
	" ON CONFLICT(org_id, distribution, grp, draft, dim, key) DO UPDATE SET n = n + 1;"
/* the keys of incident `id` dated `occ`, as a column k */
#define MC_KEYS(id, occ)                                                                           \
	"SELECT DISTINCT substr(" occ ", 1, 7) || ' ' || class AS k FROM incident_substances"     \
	" WHERE incident_id = " id " AND class IS NOT NULL AND " occ " IS NOT NULL"
#define ROUTE_KEYS(id)                                                                             \
	"SELECT DISTINCT o.country || ' ' || d.country AS k FROM incident_countries o JOIN"       \
	" incident_countries d ON d.incident_id = o.incident_id AND d.role = 'destination'"       \
	" WHERE o.incident_id = " id " AND o.role = 'origin'"
#define TRANSIT_KEYS(id)                                                                           \
	"SELECT DISTINCT country AS k FROM incident_countries WHERE incident_id = " id            \
	" AND role = 'transit'"
/* all the keys of dimension dim of the incident: withdrawn from OLD's visibility key, added
 * to NEW's */
#define DIM_OUT(dim, keys) "UPDATE dim_stats SET n = n - 1 WHERE" VK_OLD " AND dim = '" dim "'" \
	" AND key IN (" keys ");"
#define DIM_IN(dim, keys)                                                                          \
	"INSERT INTO dim_stats SELECT" VK_NEW ", '" dim "', x.k, 1 FROM (" keys ") x WHERE true"  \
	DIM_INC
#define INCIDENT_MOVES                                                                             \
	DIM_OUT("month_class", MC_KEYS("OLD.id", "OLD.occurred_on"))                               \
	DIM_OUT("route", ROUTE_KEYS("OLD.id")) DIM_OUT("transit", TRANSIT_KEYS("OLD.id"))
#define MC_TRIGGERS                                                                                \
	"CREATE TRIGGER dims5_del BEFORE DELETE ON incidents BEGIN " INCIDENT_MOVES " END;"        \
	"CREATE TRIGGER dims5_upd AFTER UPDATE OF org_id, distribution, sharing_group_id,"         \
	" status, occurred_on ON incidents BEGIN " INCIDENT_MOVES                                  \
	DIM_IN("month_class", MC_KEYS("NEW.id", "NEW.occurred_on"))                                \
	DIM_IN("route", ROUTE_KEYS("NEW.id")) DIM_IN("transit", TRANSIT_KEYS("NEW.id")) " END;"   \
	"CREATE TRIGGER mclass_ins AFTER INSERT ON incident_substances WHEN NEW.class IS NOT NULL" \
	" AND NOT EXISTS (SELECT 1 FROM incident_substances x WHERE x.incident_id ="              \
	" NEW.incident_id AND x.class = NEW.class AND x.seq <> NEW.seq) BEGIN INSERT INTO"         \
	" dim_stats SELECT" VK_I ", 'month_class', substr(i.occurred_on, 1, 7) || ' ' ||"         \
	" NEW.class, 1 FROM incidents i WHERE i.id = NEW.incident_id AND i.occurred_on IS NOT"     \
	" NULL" DIM_INC " END;"                                                                    \
	"CREATE TRIGGER mclass_del AFTER DELETE ON incident_substances WHEN OLD.class IS NOT NULL" \
	" AND NOT EXISTS (SELECT 1 FROM incident_substances x WHERE x.incident_id ="              \
	" OLD.incident_id AND x.class = OLD.class) BEGIN UPDATE dim_stats SET n = n - 1 WHERE"     \
	" (org_id, distribution, grp, draft, dim, key) = (SELECT" VK_I ", 'month_class',"          \
	" substr(i.occurred_on, 1, 7) || ' ' || OLD.class FROM incidents i WHERE i.id ="           \
	" OLD.incident_id); END;"
/* a country that is new (gone) in role `role` of the incident pairs with every country of
 * the other role; `pair` is the key, built from the new country c and the other one x.k */
#define ROUTE_TRIGGER(name, role, other, pair)                                                     \
	"CREATE TRIGGER " name "_ins AFTER INSERT ON incident_countries WHEN NEW.role = '" role   \
	"' AND NOT EXISTS (SELECT 1 FROM incident_countries x WHERE x.incident_id ="              \
	" NEW.incident_id AND x.role = NEW.role AND x.country = NEW.country AND x.seq <> NEW.seq)" \
	" BEGIN INSERT INTO dim_stats SELECT" VK_I ", 'route', " pair("NEW.country") ", 1 FROM"    \
	" incidents i JOIN (SELECT DISTINCT country AS k FROM incident_countries WHERE"            \
	" incident_id = NEW.incident_id AND role = '" other "') x WHERE i.id = NEW.incident_id"    \
	DIM_INC " END;"                                                                            \
	"CREATE TRIGGER " name "_del AFTER DELETE ON incident_countries WHEN OLD.role = '" role   \
	"' AND NOT EXISTS (SELECT 1 FROM incident_countries x WHERE x.incident_id ="              \
	" OLD.incident_id AND x.role = OLD.role AND x.country = OLD.country) BEGIN UPDATE"         \
	" dim_stats SET n = n - 1 WHERE (org_id, distribution, grp, draft) = (SELECT" VK_I         \
	" FROM incidents i WHERE i.id = OLD.incident_id) AND dim = 'route' AND key IN (SELECT "    \
	pair("OLD.country") " FROM (SELECT DISTINCT country AS k FROM incident_countries WHERE"    \
	" incident_id = OLD.incident_id AND role = '" other "') x); END;"
#define FROM_C(c) c " || ' ' || x.k"
#define TO_C(c)   "x.k || ' ' || " c
#define ROUTE_TRIGGERS                                                                             \
	ROUTE_TRIGGER("route_o", "origin", "destination", FROM_C)                                  \
	ROUTE_TRIGGER("route_d", "destination", "origin", TO_C)
#define TRANSIT_TRIGGERS                                                                           \
	"CREATE TRIGGER transit_ins AFTER INSERT ON incident_countries WHEN NEW.role = 'transit'"  \
	" AND NOT EXISTS (SELECT 1 FROM incident_countries x WHERE x.incident_id ="               \
	" NEW.incident_id AND x.role = NEW.role AND x.country = NEW.country AND x.seq <> NEW.seq)" \
	" BEGIN INSERT INTO dim_stats SELECT" VK_I ", 'transit', NEW.country, 1 FROM incidents i"  \
	" WHERE i.id = NEW.incident_id" DIM_INC " END;"                                            \
	"CREATE TRIGGER transit_del AFTER DELETE ON incident_countries WHEN OLD.role = 'transit'"  \
	" AND NOT EXISTS (SELECT 1 FROM incident_countries x WHERE x.incident_id ="               \
	" OLD.incident_id AND x.role = OLD.role AND x.country = OLD.country) BEGIN UPDATE"         \
	" dim_stats SET n = n - 1 WHERE (org_id, distribution, grp, draft, dim, key) = (SELECT"    \
	VK_I ", 'transit', OLD.country FROM incidents i WHERE i.id = OLD.incident_id); END;"

/* clang-format on */

static const char *const migrations[] = {
    /* 1: the whole initial model (docs/data-model.md) */
    "CREATE TABLE orgs(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " country TEXT NOT NULL CHECK (length(country) = 2 AND country = upper(country)),"
    " kind TEXT NOT NULL CHECK (kind IN ('government','international-body','platform',"
    "'drug-checking-service')), created_at INTEGER NOT NULL);"
    "CREATE TABLE users(id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES orgs(id),"
    " username TEXT NOT NULL UNIQUE, pwhash TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK (role IN ('admin','analyst','viewer')),"
    " disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);"
    "CREATE TABLE sharing_groups(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " owner_org INTEGER NOT NULL REFERENCES orgs(id), created_at INTEGER NOT NULL);"
    "CREATE TABLE sharing_group_orgs(group_id INTEGER NOT NULL REFERENCES sharing_groups(id)"
    " ON DELETE CASCADE, org_id INTEGER NOT NULL REFERENCES orgs(id),"
    " PRIMARY KEY (group_id, org_id)) WITHOUT ROWID;"
    "CREATE INDEX sgo_org ON sharing_group_orgs(org_id, group_id);"
    "CREATE TABLE sessions(hash BLOB PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id)"
    " ON DELETE CASCADE, csrf TEXT NOT NULL, created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE api_tokens(id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE,"
    " user_id INTEGER NOT NULL REFERENCES users(id), name TEXT NOT NULL,"
    " scopes INTEGER NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER);"
    "CREATE TABLE incidents(id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES orgs(id),"
    " created_by INTEGER NOT NULL REFERENCES users(id), type TEXT NOT NULL,"
    " status TEXT NOT NULL, title TEXT NOT NULL, narrative TEXT NOT NULL DEFAULT '',"
    " occurred_on TEXT, reported_on TEXT, day INTEGER, transport_mode TEXT, concealment TEXT,"
    " source TEXT, evidence TEXT, tlp TEXT NOT NULL, distribution TEXT NOT NULL"
    " CHECK (distribution IN ('own-org','sharing-group','all')),"
    " sharing_group_id INTEGER REFERENCES sharing_groups(id),"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
    " version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX incidents_org ON incidents(org_id, id);"
    "CREATE INDEX incidents_dist ON incidents(distribution, sharing_group_id);"
    "CREATE INDEX incidents_occ ON incidents(occurred_on);"
    "CREATE INDEX incidents_type ON incidents(type, occurred_on);"
    "CREATE TABLE incident_countries(incident_id INTEGER NOT NULL REFERENCES incidents(id)"
    " ON DELETE CASCADE, role TEXT NOT NULL, seq INTEGER NOT NULL, country TEXT NOT NULL,"
    " PRIMARY KEY (incident_id, role, seq)) WITHOUT ROWID;"
    "CREATE INDEX ic_country ON incident_countries(country, incident_id);"
    "CREATE TABLE incident_substances(incident_id INTEGER NOT NULL REFERENCES incidents(id)"
    " ON DELETE CASCADE, seq INTEGER NOT NULL, substance TEXT NOT NULL, name TEXT,"
    " class TEXT, quantity REAL, unit TEXT, form TEXT, purity REAL,"
    " PRIMARY KEY (incident_id, seq)) WITHOUT ROWID;"
    "CREATE INDEX is_substance ON incident_substances(substance, incident_id);"
    "CREATE INDEX is_class ON incident_substances(class, incident_id);"
    "CREATE TABLE observables(id INTEGER PRIMARY KEY, type TEXT NOT NULL, value TEXT NOT NULL,"
    " UNIQUE (type, value));"
    "CREATE TABLE incident_observables(incident_id INTEGER NOT NULL REFERENCES incidents(id)"
    " ON DELETE CASCADE, observable_id INTEGER NOT NULL REFERENCES observables(id),"
    " seq INTEGER NOT NULL, raw TEXT,"
    " PRIMARY KEY (incident_id, observable_id)) WITHOUT ROWID;"
    "CREATE INDEX io_obs ON incident_observables(observable_id, incident_id);"
    "CREATE TABLE incident_routes(substance TEXT NOT NULL, origin TEXT NOT NULL,"
    " destination TEXT NOT NULL, day INTEGER NOT NULL, incident_id INTEGER NOT NULL"
    " REFERENCES incidents(id) ON DELETE CASCADE,"
    " PRIMARY KEY (substance, origin, destination, day, incident_id)) WITHOUT ROWID;"
    "CREATE INDEX ir_incident ON incident_routes(incident_id);"
    "CREATE TABLE correlations(a INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    " b INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE, kind TEXT NOT NULL,"
    " detail TEXT NOT NULL, created_at INTEGER NOT NULL,"
    " PRIMARY KEY (a, b, kind, detail)) WITHOUT ROWID;"
    "CREATE INDEX corr_b ON correlations(b, a);"
    "CREATE TABLE attachments(incident_id INTEGER NOT NULL REFERENCES incidents(id)"
    " ON DELETE CASCADE, sha256 TEXT NOT NULL, name TEXT NOT NULL, media_type TEXT NOT NULL,"
    " size INTEGER NOT NULL, created_at INTEGER NOT NULL, created_by INTEGER,"
    " PRIMARY KEY (incident_id, sha256)) WITHOUT ROWID;"
    "CREATE VIRTUAL TABLE incidents_fts USING fts5(title, narrative, extra,"
    " tokenize = 'unicode61 remove_diacritics 2');"
    "CREATE TABLE hits(id TEXT NOT NULL, org_id INTEGER NOT NULL REFERENCES orgs(id),"
    " verdict TEXT NOT NULL, score REAL, flagged INTEGER, first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL, seen_count INTEGER NOT NULL DEFAULT 1, sources TEXT,"
    " status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','confirmed','dismissed')),"
    " reason TEXT, incident_id INTEGER REFERENCES incidents(id) ON DELETE SET NULL,"
    " decided_by INTEGER, decided_at INTEGER, submitted_by INTEGER,"
    " PRIMARY KEY (org_id, id));"
    "CREATE INDEX hits_queue ON hits(org_id, status, last_seen);"
    "CREATE TABLE audit_log(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, user_id INTEGER,"
    " username TEXT, org_id INTEGER, addr TEXT, action TEXT NOT NULL, object_type TEXT,"
    " object_id TEXT, detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
    "CREATE TABLE subscriptions(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL"
    " REFERENCES users(id) ON DELETE CASCADE, kind TEXT NOT NULL, value TEXT NOT NULL,"
    " webhook TEXT, created_at INTEGER NOT NULL);"
    "CREATE INDEX subs_match ON subscriptions(kind, value);"
    "CREATE INDEX subs_user ON subscriptions(user_id);"
    "CREATE TABLE notifications(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL"
    " REFERENCES users(id) ON DELETE CASCADE, incident_id INTEGER NOT NULL"
    " REFERENCES incidents(id) ON DELETE CASCADE, subscription_id INTEGER"
    " REFERENCES subscriptions(id) ON DELETE SET NULL, reason TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, read_at INTEGER, UNIQUE (user_id, incident_id));"
    "CREATE TABLE webhook_queue(id INTEGER PRIMARY KEY, url TEXT NOT NULL,"
    " payload TEXT NOT NULL, created_at INTEGER NOT NULL);",
    /* 2: counters of incidents by visibility key and type / class, kept by triggers, so that
     * statistics cost a few rows instead of a scan of every incident */
    "CREATE TABLE incident_stats(org_id INTEGER NOT NULL, distribution TEXT NOT NULL, grp"
    " INTEGER NOT NULL, draft INTEGER NOT NULL, type TEXT NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY (org_id, distribution, grp, draft, type)) WITHOUT ROWID;"
    "CREATE TABLE class_stats(org_id INTEGER NOT NULL, distribution TEXT NOT NULL, grp"
    " INTEGER NOT NULL, draft INTEGER NOT NULL, class TEXT NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY (org_id, distribution, grp, draft, class)) WITHOUT ROWID;"
    "CREATE TRIGGER stats_ins AFTER INSERT ON incidents BEGIN INSERT INTO incident_stats"
    " VALUES (NEW.org_id, NEW.distribution, coalesce(NEW.sharing_group_id, 0), NEW.status ="
    " 'draft', NEW.type, 1) ON CONFLICT(org_id, distribution, grp, draft, type) DO UPDATE SET"
    " n = n + 1; END;"
    "CREATE TRIGGER stats_del BEFORE DELETE ON incidents BEGIN UPDATE incident_stats SET n ="
    " n - 1 WHERE org_id = OLD.org_id AND distribution = OLD.distribution AND grp ="
    " coalesce(OLD.sharing_group_id, 0) AND draft = (OLD.status = 'draft') AND type ="
    " OLD.type; UPDATE class_stats SET n = n - 1 WHERE org_id = OLD.org_id AND distribution ="
    " OLD.distribution AND grp = coalesce(OLD.sharing_group_id, 0) AND draft = (OLD.status ="
    " 'draft') AND class IN (SELECT class FROM incident_substances WHERE incident_id = OLD.id"
    " AND class IS NOT NULL); END;"
    "CREATE TRIGGER stats_upd AFTER UPDATE OF org_id, distribution, sharing_group_id, status,"
    " type ON incidents BEGIN UPDATE incident_stats SET n = n - 1 WHERE org_id = OLD.org_id"
    " AND distribution = OLD.distribution AND grp = coalesce(OLD.sharing_group_id, 0) AND"
    " draft = (OLD.status = 'draft') AND type = OLD.type; INSERT INTO incident_stats VALUES"
    " (NEW.org_id, NEW.distribution, coalesce(NEW.sharing_group_id, 0), NEW.status = 'draft',"
    " NEW.type, 1) ON CONFLICT(org_id, distribution, grp, draft, type) DO UPDATE SET n = n +"
    " 1; UPDATE class_stats SET n = n - 1 WHERE org_id = OLD.org_id AND distribution ="
    " OLD.distribution AND grp = coalesce(OLD.sharing_group_id, 0) AND draft = (OLD.status ="
    " 'draft') AND class IN (SELECT class FROM incident_substances WHERE incident_id = OLD.id"
    " AND class IS NOT NULL); INSERT INTO class_stats SELECT NEW.org_id, NEW.distribution,"
    " coalesce(NEW.sharing_group_id, 0), NEW.status = 'draft', c.class, 1 FROM (SELECT"
    " DISTINCT class FROM incident_substances WHERE incident_id = NEW.id AND class IS NOT"
    " NULL) c WHERE true ON CONFLICT(org_id, distribution, grp, draft, class) DO UPDATE SET n"
    " = n + 1; END;"
    "CREATE TRIGGER class_ins AFTER INSERT ON incident_substances WHEN NEW.class IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM incident_substances x WHERE x.incident_id ="
    " NEW.incident_id AND x.class = NEW.class AND x.seq <> NEW.seq) BEGIN INSERT INTO"
    " class_stats SELECT i.org_id, i.distribution, coalesce(i.sharing_group_id, 0), i.status"
    " = 'draft', NEW.class, 1 FROM incidents i WHERE i.id = NEW.incident_id ON"
    " CONFLICT(org_id, distribution, grp, draft, class) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER class_del AFTER DELETE ON incident_substances WHEN OLD.class IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM incident_substances x WHERE x.incident_id ="
    " OLD.incident_id AND x.class = OLD.class) BEGIN UPDATE class_stats SET n = n - 1 WHERE"
    " (org_id, distribution, grp, draft, class) = (SELECT i.org_id, i.distribution,"
    " coalesce(i.sharing_group_id, 0), i.status = 'draft', OLD.class FROM incidents i WHERE"
    " i.id = OLD.incident_id); END;"
    "INSERT INTO incident_stats SELECT org_id, distribution, coalesce(sharing_group_id, 0),"
    " status = 'draft', type, count(*) FROM incidents GROUP BY 1, 2, 3, 4, 5;"
    "INSERT INTO class_stats SELECT i.org_id, i.distribution, coalesce(i.sharing_group_id,"
    " 0), i.status = 'draft', s.class, count(DISTINCT i.id) FROM incidents i JOIN"
    " incident_substances s ON s.incident_id = i.id WHERE s.class IS NOT NULL GROUP BY 1, 2,"
    " 3, 4, 5;",
    /* 3: counters by month and type, substance, origin and destination country (the
     * dashboard), and the audit log indexed by object (an incident's history) */
    "CREATE TABLE dim_stats(org_id INTEGER NOT NULL, distribution TEXT NOT NULL, grp INTEGER"
    " NOT NULL, draft INTEGER NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT"
    " NULL, PRIMARY KEY (org_id, distribution, grp, draft, dim, key)) WITHOUT ROWID;"
    "CREATE INDEX audit_object ON audit_log(object_type, object_id);"
    "CREATE TRIGGER dims_ins AFTER INSERT ON incidents WHEN NEW.occurred_on IS NOT NULL BEGIN"
    " INSERT INTO dim_stats VALUES (NEW.org_id, NEW.distribution,"
    " coalesce(NEW.sharing_group_id, 0), NEW.status = 'draft', 'month',"
    " substr(NEW.occurred_on, 1, 7) || ' ' || NEW.type, 1) ON CONFLICT(org_id, distribution,"
    " grp, draft, dim, key) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER dims_del BEFORE DELETE ON incidents BEGIN UPDATE dim_stats SET n = n - 1"
    " WHERE org_id = OLD.org_id AND distribution = OLD.distribution AND grp ="
    " coalesce(OLD.sharing_group_id, 0) AND draft = (OLD.status = 'draft') AND dim = 'month'"
    " AND key = substr(OLD.occurred_on, 1, 7) || ' ' || OLD.type; UPDATE dim_stats SET n = n"
    " - 1 WHERE org_id = OLD.org_id AND distribution = OLD.distribution AND grp ="
    " coalesce(OLD.sharing_group_id, 0) AND draft = (OLD.status = 'draft') AND dim ="
    " 'substance' AND key IN (SELECT substance FROM incident_substances WHERE incident_id ="
    " OLD.id); UPDATE dim_stats SET n = n - 1 WHERE org_id = OLD.org_id AND distribution ="
    " OLD.distribution AND grp = coalesce(OLD.sharing_group_id, 0) AND draft = (OLD.status ="
    " 'draft') AND dim = 'origin' AND key IN (SELECT country FROM incident_countries WHERE"
    " incident_id = OLD.id AND role = 'origin'); UPDATE dim_stats SET n = n - 1 WHERE org_id"
    " = OLD.org_id AND distribution = OLD.distribution AND grp ="
    " coalesce(OLD.sharing_group_id, 0) AND draft = (OLD.status = 'draft') AND dim ="
    " 'destination' AND key IN (SELECT country FROM incident_countries WHERE incident_id ="
    " OLD.id AND role = 'destination'); END;"
    "CREATE TRIGGER dims_upd AFTER UPDATE OF org_id, distribution, sharing_group_id, status,"
    " type, occurred_on ON incidents BEGIN UPDATE dim_stats SET n = n - 1 WHERE org_id ="
    " OLD.org_id AND distribution = OLD.distribution AND grp = coalesce(OLD.sharing_group_id,"
    " 0) AND draft = (OLD.status = 'draft') AND dim = 'month' AND key ="
    " substr(OLD.occurred_on, 1, 7) || ' ' || OLD.type; INSERT INTO dim_stats SELECT"
    " NEW.org_id, NEW.distribution, coalesce(NEW.sharing_group_id, 0), NEW.status = 'draft',"
    " 'month', substr(NEW.occurred_on, 1, 7) || ' ' || NEW.type, 1 WHERE NEW.occurred_on IS"
    " NOT NULL ON CONFLICT(org_id, distribution, grp, draft, dim, key) DO UPDATE SET n = n +"
    " 1; UPDATE dim_stats SET n = n - 1 WHERE org_id = OLD.org_id AND distribution ="
    " OLD.distribution AND grp = coalesce(OLD.sharing_group_id, 0) AND draft = (OLD.status ="
    " 'draft') AND dim = 'substance' AND key IN (SELECT substance FROM incident_substances"
    " WHERE incident_id = OLD.id); INSERT INTO dim_stats SELECT NEW.org_id, NEW.distribution,"
    " coalesce(NEW.sharing_group_id, 0), NEW.status = 'draft', 'substance', x.k, 1 FROM"
    " (SELECT DISTINCT substance AS k FROM incident_substances WHERE incident_id = NEW.id) x"
    " WHERE true ON CONFLICT(org_id, distribution, grp, draft, dim, key) DO UPDATE SET n = n"
    " + 1; UPDATE dim_stats SET n = n - 1 WHERE org_id = OLD.org_id AND distribution ="
    " OLD.distribution AND grp = coalesce(OLD.sharing_group_id, 0) AND draft = (OLD.status ="
    " 'draft') AND dim = 'origin' AND key IN (SELECT country FROM incident_countries WHERE"
    " incident_id = OLD.id AND role = 'origin'); INSERT INTO dim_stats SELECT NEW.org_id,"
    " NEW.distribution, coalesce(NEW.sharing_group_id, 0), NEW.status = 'draft', 'origin',"
    " x.k, 1 FROM (SELECT DISTINCT country AS k FROM incident_countries WHERE incident_id ="
    " NEW.id AND role = 'origin') x WHERE true ON CONFLICT(org_id, distribution, grp, draft,"
    " dim, key) DO UPDATE SET n = n + 1; UPDATE dim_stats SET n = n - 1 WHERE org_id ="
    " OLD.org_id AND distribution = OLD.distribution AND grp = coalesce(OLD.sharing_group_id,"
    " 0) AND draft = (OLD.status = 'draft') AND dim = 'destination' AND key IN (SELECT"
    " country FROM incident_countries WHERE incident_id = OLD.id AND role = 'destination');"
    " INSERT INTO dim_stats SELECT NEW.org_id, NEW.distribution,"
    " coalesce(NEW.sharing_group_id, 0), NEW.status = 'draft', 'destination', x.k, 1 FROM"
    " (SELECT DISTINCT country AS k FROM incident_countries WHERE incident_id = NEW.id AND"
    " role = 'destination') x WHERE true ON CONFLICT(org_id, distribution, grp, draft, dim,"
    " key) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER subst_ins AFTER INSERT ON incident_substances WHEN NOT EXISTS (SELECT 1"
    " FROM incident_substances x WHERE x.incident_id = NEW.incident_id AND x.substance ="
    " NEW.substance AND x.seq <> NEW.seq) BEGIN INSERT INTO dim_stats SELECT i.org_id,"
    " i.distribution, coalesce(i.sharing_group_id, 0), i.status = 'draft', 'substance',"
    " NEW.substance, 1 FROM incidents i WHERE i.id = NEW.incident_id ON CONFLICT(org_id,"
    " distribution, grp, draft, dim, key) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER subst_del AFTER DELETE ON incident_substances WHEN NOT EXISTS (SELECT 1"
    " FROM incident_substances x WHERE x.incident_id = OLD.incident_id AND x.substance ="
    " OLD.substance) BEGIN UPDATE dim_stats SET n = n - 1 WHERE (org_id, distribution, grp,"
    " draft, dim, key) = (SELECT i.org_id, i.distribution, coalesce(i.sharing_group_id, 0),"
    " i.status = 'draft', 'substance', OLD.substance FROM incidents i WHERE i.id ="
    " OLD.incident_id); END;"
    "CREATE TRIGGER country_ins AFTER INSERT ON incident_countries WHEN NEW.role IN"
    " ('origin', 'destination') AND NOT EXISTS (SELECT 1 FROM incident_countries x WHERE"
    " x.incident_id = NEW.incident_id AND x.role = NEW.role AND x.country = NEW.country AND"
    " x.seq <> NEW.seq) BEGIN INSERT INTO dim_stats SELECT i.org_id, i.distribution,"
    " coalesce(i.sharing_group_id, 0), i.status = 'draft', NEW.role, NEW.country, 1 FROM"
    " incidents i WHERE i.id = NEW.incident_id ON CONFLICT(org_id, distribution, grp, draft,"
    " dim, key) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER country_del AFTER DELETE ON incident_countries WHEN OLD.role IN"
    " ('origin', 'destination') AND NOT EXISTS (SELECT 1 FROM incident_countries x WHERE"
    " x.incident_id = OLD.incident_id AND x.role = OLD.role AND x.country = OLD.country)"
    " BEGIN UPDATE dim_stats SET n = n - 1 WHERE (org_id, distribution, grp, draft, dim, key)"
    " = (SELECT i.org_id, i.distribution, coalesce(i.sharing_group_id, 0), i.status ="
    " 'draft', OLD.role, OLD.country FROM incidents i WHERE i.id = OLD.incident_id); END;"
    "INSERT INTO dim_stats SELECT org_id, distribution, coalesce(sharing_group_id, 0), status"
    " = 'draft', 'month', substr(occurred_on, 1, 7) || ' ' || type, count(*) FROM incidents"
    " WHERE occurred_on IS NOT NULL GROUP BY 1, 2, 3, 4, 6;"
    "INSERT INTO dim_stats SELECT i.org_id, i.distribution, coalesce(i.sharing_group_id, 0),"
    " i.status = 'draft', 'substance', s.substance, count(DISTINCT i.id) FROM incidents i"
    " JOIN incident_substances s ON s.incident_id = i.id GROUP BY 1, 2, 3, 4, 6;"
    "INSERT INTO dim_stats SELECT i.org_id, i.distribution, coalesce(i.sharing_group_id, 0),"
    " i.status = 'draft', c.role, c.country, count(DISTINCT i.id) FROM incidents i JOIN"
    " incident_countries c ON c.incident_id = i.id WHERE c.role IN ('origin', 'destination')"
    " GROUP BY 1, 2, 3, 4, 5, 6;",
    /* 4: takedown tracking (issue 10): an incident's listings reported to a platform, and when
     * each was seen gone (sqlite_takedowns.c) */
    "CREATE TABLE takedowns(id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL"
    " REFERENCES incidents(id) ON DELETE CASCADE, url TEXT NOT NULL, platform TEXT NOT NULL,"
    " reference TEXT NOT NULL DEFAULT '', reported_at INTEGER NOT NULL, gone_at INTEGER,"
    " how TEXT, last_check INTEGER, checks INTEGER NOT NULL DEFAULT 0, created_by INTEGER"
    " REFERENCES users(id), created_at INTEGER NOT NULL, UNIQUE (incident_id, url, reference));"
    "CREATE INDEX takedowns_open ON takedowns(gone_at, id);",
    /* 5: counters by month and class, origin-destination route and transit country (the
     * dashboard's charts and map), in dim_stats; see the macros above */
    MC_TRIGGERS ROUTE_TRIGGERS TRANSIT_TRIGGERS
    "INSERT INTO dim_stats SELECT " VK_I ", 'month_class', substr(i.occurred_on, 1, 7) || ' '"
    " || s.class, count(DISTINCT i.id) FROM incidents i JOIN incident_substances s ON"
    " s.incident_id = i.id WHERE s.class IS NOT NULL AND i.occurred_on IS NOT NULL GROUP BY 1,"
    " 2, 3, 4, 6;"
    "INSERT INTO dim_stats SELECT " VK_I ", 'route', o.country || ' ' || d.country,"
    " count(DISTINCT i.id) FROM incidents i JOIN incident_countries o ON o.incident_id = i.id"
    " AND o.role = 'origin' JOIN incident_countries d ON d.incident_id = i.id AND d.role ="
    " 'destination' GROUP BY 1, 2, 3, 4, 6;"
    "INSERT INTO dim_stats SELECT " VK_I ", 'transit', c.country, count(DISTINCT i.id) FROM"
    " incidents i JOIN incident_countries c ON c.incident_id = i.id AND c.role = 'transit'"
    " GROUP BY 1, 2, 3, 4, 6;",
    /* 6: the triage queue's filter keys (hit.h), filled from the hits already there by
     * fill_hit_keys below */
    ("CREATE TABLE hit_keys(org_id INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,"
     " hit_id TEXT NOT NULL, PRIMARY KEY (org_id, kind, value, hit_id)) WITHOUT ROWID;"),
    /* 7: a hit's keys by hit (the facets join hits to their keys) */
    "CREATE INDEX hit_keys_hit ON hit_keys(org_id, hit_id);",
};

/* Migration 6's second half: the keys of every stored hit, by the same function as new
 * submissions (the JSON is read in C, never by SQL).  Runs inside the migration's
 * transaction. */
static idt_status fill_hit_keys(sqlite3 *db)
{
	sqlite3_stmt *s = idt__sq_prep(db, "SELECT org_id, id, verdict, sources FROM hits", "");
	if (!s) return IDT_ESTORE;
	idt_status r = IDT_OK;
	int rc = SQLITE_ERROR;
	while (r == IDT_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *v = json_loads(idt__sq_text(s, 2) ?: "{}", 0, NULL);
		json_t *src = json_loads(idt__sq_text(s, 3) ?: "[]", 0, NULL);
		r = idt__sq_hit_keys(db, sqlite3_column_int64(s, 0), idt__sq_text(s, 1), v, src);
		json_decref(v), json_decref(src);
	}
	if (r == IDT_OK && rc != SQLITE_DONE) r = IDT_ESTORE;
	sqlite3_finalize(s);
	return r;
}

/* C steps run after the SQL of a migration, in its transaction (NULL: none), by version. */
static idt_status (*const migration_steps[])(sqlite3 *db) = {
    NULL, NULL, NULL, NULL, NULL, fill_hit_keys, NULL,
};

/* Applies the missing migrations.  The version is read inside the write transaction, so that
 * several processes opening one database at once apply each migration exactly once. */
static idt_status migrate(sqlite3 *db, const char **errmsg)
{
	_Static_assert(sizeof migration_steps / sizeof migration_steps[0] ==
	                   sizeof migrations / sizeof migrations[0],
	               "one step (or NULL) per migration");
	const int64_t last = (int64_t)(sizeof migrations / sizeof migrations[0]);
	if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		*errmsg = "cannot create schema_version (database busy or read-only)";
		return IDT_ESTORE;
	}
	for (;;) {
		if (idt__sq_begin(db) != IDT_OK) {
			*errmsg = "cannot lock the database to migrate it";
			return IDT_ESTORE;
		}
		int64_t v = 0;
		sqlite3_stmt *s = idt__sq_prep(db, "SELECT max(version) FROM schema_version", "");
		if (s && sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		if (!s || v >= last) {
			idt__sq_rollback(db);
			if (!s) return IDT_ESTORE;
			if (v == last) return IDT_OK;
			*errmsg = "the database was made by a newer interdict (schema version)";
			return IDT_ESTORE;
		}
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
		    (migration_steps[v] && migration_steps[v](db) != IDT_OK) ||
		    idt__sq_exec(db, "INSERT INTO schema_version(version) VALUES (?)", "i",
		                 (int64_t)(v + 1)) != IDT_OK) {
			*errmsg = "a migration failed";
			idt__sq_rollback(db);
			return IDT_ESTORE;
		}
		if (idt__sq_commit(db) != IDT_OK) return IDT_ESTORE;
	}
}

/* ---------------------------------------------------------------- connections */

static sqlite3 *open_conn(const char *path, const char **errmsg)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		*errmsg = "cannot open the database file";
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_extended_result_codes(db, 1);
	/* WAL for concurrent readers; FULL so that an acknowledged commit survives power loss
	 * and SIGKILL alike; foreign keys enforced; no loading of extensions. */
	const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                      " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
	                      " PRAGMA cache_size=-65536;";
	if (sqlite3_exec(db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		*errmsg = "cannot configure the database (WAL)";
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	return db;
}

void idt__sq_close(idt_store *st)
{
	if (!st) return;
	sq_store *q = st->impl;
	if (q) {
		for (int i = 0; i < q->n; i++) sqlite3_close(q->conns[i]);
		free(q->conns);
		free(q->busy);
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		free(q);
	}
	free(st);
}

idt_status idt__sqlite_open(const char *path, int pool_size, idt_store **out, const char **errmsg)
{
	const char *dummy;
	if (!errmsg) errmsg = &dummy;
	*out = NULL;
	if (pool_size < 1) pool_size = 1;
	if (pool_size > 64) pool_size = 64;
	idt_store *st = calloc(1, sizeof *st);
	sq_store *q = calloc(1, sizeof *q);
	if (!st || !q) {
		free(st), free(q);
		return IDT_ENOMEM;
	}
	st->ops = &idt__sq_ops;
	st->impl = q;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->conns = calloc((size_t)pool_size, sizeof *q->conns);
	q->busy = calloc((size_t)pool_size, sizeof *q->busy);
	if (!q->conns || !q->busy) {
		idt__sq_close(st);
		return IDT_ENOMEM;
	}
	for (int i = 0; i < pool_size; i++) {
		q->conns[i] = open_conn(path, errmsg);
		if (!q->conns[i]) {
			idt__sq_close(st);
			return IDT_ESTORE;
		}
		q->n++;
		if (i == 0) {
			/* another process may be migrating a large database: wait for it */
			sqlite3_busy_timeout(q->conns[0], 600000);
			idt_status s = migrate(q->conns[0], errmsg);
			sqlite3_busy_timeout(q->conns[0], 10000);
			if (s != IDT_OK) {
				idt__sq_close(st);
				return s;
			}
		}
	}
	*out = st;
	return IDT_OK;
}

sqlite3 *idt__sq_acquire(idt_store *st)
{
	sq_store *q = st->impl;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		for (int i = 0; i < q->n; i++)
			if (!q->busy[i]) {
				q->busy[i] = true;
				pthread_mutex_unlock(&q->mu);
				return q->conns[i];
			}
		pthread_cond_wait(&q->cv, &q->mu);
	}
}

void idt__sq_release(idt_store *st, sqlite3 *db)
{
	sq_store *q = st->impl;
	pthread_mutex_lock(&q->mu);
	for (int i = 0; i < q->n; i++)
		if (q->conns[i] == db) q->busy[i] = false;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* ---------------------------------------------------------------- statements */

static sqlite3_stmt *vprep(sqlite3 *db, const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		sqlite3_finalize(s);
		return NULL;
	}
	int i = 0, rc = SQLITE_OK;
	for (const char *t = types; *t && rc == SQLITE_OK; t++) {
		i = idt__sq_next_pos(s, i);
		switch (*t) {
		case 't': {
			const char *v = va_arg(ap, const char *);
			rc = v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(s, i);
			break;
		}
		case 'i': rc = sqlite3_bind_int64(s, i, va_arg(ap, int64_t)); break;
		case 'd': rc = sqlite3_bind_double(s, i, va_arg(ap, double)); break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			int n = va_arg(ap, int);
			rc = sqlite3_bind_blob(s, i, p, n, SQLITE_TRANSIENT);
			break;
		}
		case 'n': rc = sqlite3_bind_null(s, i); break;
		default: rc = SQLITE_MISUSE;
		}
	}
	if (rc != SQLITE_OK) {
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

sqlite3_stmt *idt__sq_prep(sqlite3 *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *s = vprep(db, sql, types, ap);
	va_end(ap);
	return s;
}

int idt__sq_next_pos(sqlite3_stmt *s, int i)
{
	int n = sqlite3_bind_parameter_count(s);
	for (i++; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(s, i);
		if (!name || name[0] != ':') return i;
	}
	return i;
}

void idt__sq_bind_org(sqlite3_stmt *s, int64_t org)
{
	int i = sqlite3_bind_parameter_index(s, ":org");
	if (i > 0) sqlite3_bind_int64(s, i, org);
}

idt_status idt__sq_map(int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW: return IDT_OK;
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY: return IDT_ECONFLICT;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL: return IDT_EINVAL;
	case SQLITE_NOMEM: return IDT_ENOMEM;
	default: return IDT_ESTORE;
	}
}

idt_status idt__sq_run(sqlite3_stmt *s)
{
	if (!s) return IDT_ESTORE;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) rc = SQLITE_DONE;
	if (rc != SQLITE_DONE) rc = sqlite3_extended_errcode(sqlite3_db_handle(s));
	sqlite3_finalize(s);
	return idt__sq_map(rc);
}

idt_status idt__sq_exec(sqlite3 *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *s = vprep(db, sql, types, ap);
	va_end(ap);
	return idt__sq_run(s);
}

/*
 * Write transactions are serialised in the process by one mutex, taken before BEGIN IMMEDIATE
 * and released after COMMIT or ROLLBACK: waiting threads queue on the mutex instead of polling
 * SQLite's busy handler (whose sleeps grow under contention).  A thread holds at most one
 * transaction, so a thread-local flag says whether it holds the mutex.
 *
 * Durability with group commit: transactions commit with synchronous=NORMAL (in WAL mode: no
 * fsync at COMMIT; a crash of the process loses nothing, a power cut could), then, after the
 * write mutex is released, wait until the WAL file has been fsync'ed past their commit.  One
 * waiting thread fsyncs for all who committed before it started (leader), the others wait for
 * it: N concurrent writers cost about one fsync instead of N, and the next transaction runs
 * while the fsync does.  A call returns IDT_OK only after its fsync.  "Light" transactions (the
 * audit entries of reads) skip the wait; the next write's fsync covers them.  Statements run
 * outside a transaction keep synchronous=FULL.
 */
static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local bool holding, light;

static pthread_mutex_t sync_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sync_cv = PTHREAD_COND_INITIALIZER;
static uint64_t commit_seq, synced_seq; /* commits made / made durable (all stores) */
static bool syncing;                    /* a leader is in fsync */

/* fsyncs the WAL file of db; 0 on success */
static int sync_wal(sqlite3 *db)
{
	const char *path = sqlite3_db_filename(db, "main");
	char wal[4200];
	if (!path || !*path || snprintf(wal, sizeof wal, "%s-wal", path) >= (int)sizeof wal)
		return -1;
	int fd = open(wal, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return errno == ENOENT ? 0 : -1; /* no WAL: everything is in the database */
	int r = fsync(fd);
	close(fd);
	return r;
}

/* Returns once commit number `seq` is durable; IDT_EIO if an fsync failed. */
static idt_status durable(sqlite3 *db, uint64_t seq)
{
	idt_status st = IDT_OK;
	pthread_mutex_lock(&sync_mu);
	while (synced_seq < seq) {
		if (syncing) {
			pthread_cond_wait(&sync_cv, &sync_mu);
			continue;
		}
		syncing = true;
		uint64_t target = commit_seq; /* every commit so far has written its frames */
		pthread_mutex_unlock(&sync_mu);
		int r = sync_wal(db);
		pthread_mutex_lock(&sync_mu);
		syncing = false;
		if (r == 0 && target > synced_seq) synced_seq = target;
		pthread_cond_broadcast(&sync_cv);
		if (r != 0) {
			st = IDT_EIO;
			break;
		}
	}
	pthread_mutex_unlock(&sync_mu);
	return st;
}

static idt_status begin(sqlite3 *db, bool is_light)
{
	pthread_mutex_lock(&write_mu);
	holding = true;
	light = is_light;
	sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) return IDT_OK;
	idt__sq_rollback(db);
	return IDT_ESTORE;
}

idt_status idt__sq_begin(sqlite3 *db)
{
	return begin(db, false);
}

idt_status idt__sq_begin_light(sqlite3 *db)
{
	return begin(db, true);
}

static void release(sqlite3 *db)
{
	sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	light = false;
	if (holding) {
		holding = false;
		pthread_mutex_unlock(&write_mu);
	}
}

idt_status idt__sq_commit(sqlite3 *db)
{
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
		bool wait = !light;
		pthread_mutex_lock(&sync_mu);
		uint64_t seq = ++commit_seq; /* numbered in commit order: the write lock is held */
		pthread_mutex_unlock(&sync_mu);
		release(db);
		return wait ? durable(db, seq) : IDT_OK;
	}
	idt__sq_rollback(db);
	return IDT_ESTORE;
}

void idt__sq_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	release(db);
}

idt_status idt__sq_end(sqlite3 *db, idt_status st)
{
	if (st == IDT_OK) return idt__sq_commit(db);
	idt__sq_rollback(db);
	return st;
}

json_t *idt__sq_row(sqlite3_stmt *s)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(s);
	for (int i = 0; i < n && o; i++) {
		const char *name = sqlite3_column_name(s, i);
		json_t *v;
		switch (sqlite3_column_type(s, i)) {
		case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(s, i)); break;
		case SQLITE_FLOAT: v = json_real(sqlite3_column_double(s, i)); break;
		case SQLITE_NULL: v = json_null(); break;
		default:
			v = json_stringn((const char *)sqlite3_column_text(s, i),
			                 (size_t)sqlite3_column_bytes(s, i));
		}
		if (!v) v = json_null();
		json_object_set_new(o, name, v);
	}
	return o;
}

json_t *idt__sq_rows(sqlite3_stmt *s)
{
	json_t *a = json_array();
	if (!s) {
		json_decref(a);
		return NULL;
	}
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) json_array_append_new(a, idt__sq_row(s));
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		json_decref(a);
		return NULL;
	}
	return a;
}

const char *idt__sq_text(sqlite3_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s, col);
}

/* ---------------------------------------------------------------- audit */

idt_status idt__sq_audit(sqlite3 *db, const idt_actor *a, const char *action,
                         const char *object_type, int64_t object_id, const char *object_sid,
                         json_t *detail)
{
	char prev[65] = IDT_AUDIT_GENESIS, hash[65], oid[32];
	int64_t id = 1;
	sqlite3_stmt *s =
	    idt__sq_prep(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", "");
	if (!s) return IDT_ESTORE;
	if (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0) + 1;
		const char *h = idt__sq_text(s, 1);
		if (h && strlen(h) == 64) memcpy(prev, h, 65);
	}
	sqlite3_finalize(s);
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
	idt_status st = IDT_ENOMEM;
	if (canon && idt__audit_hash(prev, canon, strlen(canon), hash) == IDT_OK)
		st = idt__sq_exec(db,
		                  "INSERT INTO audit_log(id, ts, user_id, username, org_id, addr, "
		                  "action, object_type, object_id, detail, prev_hash, hash) VALUES "
		                  "(?,?,?,?,?,?,?,?,?,?,?,?)",
		                  "iiititttttt"
		                  "t",
		                  id, ts, a->user_id, a->username, a->org_id, a->addr, action,
		                  object_type, object_sid, dj, prev, hash);
	free(canon);
	free(dj);
	return st;
}

/* ---------------------------------------------------------------- time */

int64_t idt__now(void)
{
	return (int64_t)time(NULL);
}

void idt__time_iso(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
