#!/usr/bin/env python3
"""load.py DB [INCIDENTS] [OBS_PER_INCIDENT]: bulk-loads a server database for the benchmark.

The database must exist (created and migrated by `interdict admin create-org`, organisations
1..3 present).  Rows are generated inside SQLite with recursive CTEs (no per-row Python), with
synchronous=OFF during the load only, then indexes are analysed.  Layout (deterministic):

  incidents      N, owned round-robin by organisations 1..3, distribution all / sharing
                 group 1 / own-org, dates over 2024-2026, one of 9 types
  substances     one per incident, from 12 knowledge-base ids; origin + destination countries
  observables    N * K links (default K = 5) over about N * K / 2.5 distinct values: phones
                 +4477NNNNNNNN, e-mails userN@mailM.example, handles telegram:@userN
  routes         one per incident (substance, origin, destination, day)
  full text      title + narrative of every incident, and the filter tokens of
                 src/store/sqlite_incidents.c (type, substance, class, countries, month)
"""
import sqlite3
import sys
import time

db_path = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
K = int(sys.argv[3]) if len(sys.argv) > 3 else 5
DISTINCT = max(1, N * K * 2 // 5)

SUBST = ["fentanyl", "heroin", "cocaine", "methamphetamine", "mdma", "cannabis", "ketamine",
         "tramadol", "carfentanil", "mephedrone", "alprazolam", "oxycodone"]
CLASS = ["opioid", "opioid", "stimulant", "stimulant", "entactogen", "cannabis",
         "dissociative", "opioid", "opioid", "stimulant", "sedative", "opioid"]
TYPES = ["seizure", "stopped-shipment", "suspicious-shipment", "online-offer",
         "purchase-request", "illicit-laboratory", "internet-pharmacy", "diversion-attempt",
         "warning"]
COUNTRIES = ["CN", "IN", "NL", "DE", "GB", "US", "MX", "CO", "EC", "ES", "BE", "TR", "IR",
             "AF", "PK", "TH", "MM", "LA", "CA", "AU"]
WORDS = ["parcel", "container", "vendor", "courier", "powder", "tablets", "airport", "port",
         "darknet", "telegram", "shipment", "customs", "laboratory", "precursor", "market"]


def arr(name, items):
    return f"{name}(k, v) AS (VALUES " + ",".join(f"({i},'{v}')" for i, v in enumerate(items)) + ")"


def main():
    t0 = time.time()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    db.execute("PRAGMA temp_store=MEMORY")
    user = db.execute("SELECT min(id) FROM users").fetchone()[0] or 1
    db.execute("BEGIN")
    ctes = ", ".join([arr("subst", SUBST), arr("cls", CLASS), arr("types", TYPES),
                      arr("cty", COUNTRIES), arr("words", WORDS)])
    seq = f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {N}), {ctes}"
    db.execute(f"""{seq}
        INSERT INTO incidents(id, org_id, created_by, type, status, title, narrative,
          occurred_on, day, tlp, distribution, sharing_group_id, created_at, updated_at)
        SELECT i, 1 + i % 3, {user}, (SELECT v FROM types WHERE k = i % 9), 'confirmed',
          'Case ' || i || ' ' || (SELECT v FROM words WHERE k = i % 15) || ' '
            || (SELECT v FROM subst WHERE k = i % 12),
          'Narrative of case ' || i || ': ' || (SELECT v FROM words WHERE k = (i / 15) % 15)
            || ' ' || (SELECT v FROM words WHERE k = (i / 225) % 15),
          date('2024-01-01', '+' || (i % 1000) || ' days'),
          CAST(julianday('2024-01-01') AS INTEGER) + i % 1000, 'amber',
          CASE i % 3 WHEN 0 THEN 'all' WHEN 1 THEN 'sharing-group' ELSE 'own-org' END,
          CASE i % 3 WHEN 1 THEN 1 END, 1700000000 + i, 1700000000 + i FROM n""")
    print(f"incidents {time.time() - t0:.1f}s", flush=True)
    db.execute(f"""{seq}
        INSERT INTO incident_substances(incident_id, seq, substance, name, class, quantity, unit)
        SELECT i, 0, (SELECT v FROM subst WHERE k = i % 12), (SELECT v FROM subst WHERE k = i % 12),
          (SELECT v FROM cls WHERE k = i % 12), i % 1000, 'g' FROM n""")
    db.execute(f"""{seq}
        INSERT INTO incident_countries(incident_id, role, seq, country)
        SELECT i, 'origin', 0, (SELECT v FROM cty WHERE k = i % 20) FROM n
        UNION ALL SELECT i, 'destination', 0, (SELECT v FROM cty WHERE k = (i / 20) % 20) FROM n""")
    db.execute(f"""{seq}
        INSERT INTO incident_routes(substance, origin, destination, day, incident_id)
        SELECT (SELECT v FROM subst WHERE k = i % 12), (SELECT v FROM cty WHERE k = i % 20),
          (SELECT v FROM cty WHERE k = (i / 20) % 20),
          CAST(julianday('2024-01-01') AS INTEGER) + i % 1000, i FROM n ORDER BY 1, 2, 3, 4, 5""")
    print(f"substances, countries, routes {time.time() - t0:.1f}s", flush=True)
    # distinct observables: value number v -> type by v % 3
    db.execute(f"""WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {DISTINCT - 1})
        INSERT INTO observables(id, type, value)
        SELECT i + 1, CASE i % 3 WHEN 0 THEN 'phone' WHEN 1 THEN 'email' ELSE 'handle' END,
          CASE i % 3 WHEN 0 THEN '+4477' || printf('%08d', i)
                     WHEN 1 THEN 'user' || i || '@mail' || (i % 1000) || '.example'
                     ELSE 'telegram:@user' || i END FROM n""")
    print(f"observables {time.time() - t0:.1f}s", flush=True)
    # links: incident i, slot j -> a pseudo-random observable (multiplicative hash)
    db.execute(f"""WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < {N * K - 1})
        INSERT OR IGNORE INTO incident_observables(incident_id, observable_id, seq, raw)
        SELECT 1 + x / {K}, 1 + ((x * 2654435761) % 4294967296) % {DISTINCT}, x % {K}, NULL
        FROM n""")
    print(f"observable links {time.time() - t0:.1f}s", flush=True)
    # extra: as the server writes it, with the filter tokens x<kind><hex> (hex() is upper
    # case; the tokenizer folds case)
    db.execute("""INSERT INTO incidents_fts(rowid, title, narrative, extra)
        SELECT i.id, i.title, i.narrative, s.substance || ' xt' || hex(i.type) || ' xs'
          || hex(s.substance) || ' xk' || hex(s.class) || ' xc' || hex(co.country) || ' xc'
          || hex(cd.country) || ' xm' || hex(substr(i.occurred_on, 1, 7))
        FROM incidents i JOIN incident_substances s ON s.incident_id = i.id
        JOIN incident_countries co ON co.incident_id = i.id AND co.role = 'origin'
        JOIN incident_countries cd ON cd.incident_id = i.id AND cd.role = 'destination'""")
    print(f"full text {time.time() - t0:.1f}s", flush=True)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    n_links = db.execute("SELECT count(*) FROM incident_observables").fetchone()[0]
    n_obs = db.execute("SELECT count(*) FROM observables").fetchone()[0]
    print(f"loaded {N} incidents, {n_links} observable links over {n_obs} observables "
          f"in {time.time() - t0:.1f}s", flush=True)


main()
