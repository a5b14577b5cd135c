"""test_pg_multi.py - several `interdict serve` processes on one PostgreSQL database (issue 9):
two servers start at the same moment on a fresh database (the migrations run once, under the
advisory lock), then clients write through both at once (incidents sharing observables,
updates, the same hit submitted through both); every write is visible through the other
server, identical hits merge into one across processes, correlations span incidents created
on different servers, the audit log has consecutive ids and its chain verifies."""
import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, PG, Server, check, eq, finish, incident, pg_sql, setup_world  # noqa: E402

if not PG:
    print("skipped: needs IDT_TEST_PG (scripts/pg-test)")
    sys.exit(77)

one = Server()
two = Server(db=one.db + "?pool_size=2")  # a small pool: threads wait for connections
try:
    # both start at once on the empty database: both migrate, one after the other
    errs = []

    def start(s):
        try:
            s.start()
        except Exception as e:  # noqa: BLE001
            errs.append(repr(e))

    ts = [threading.Thread(target=start, args=(s,)) for s in (one, two)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    eq(errs, [], "both servers started on a fresh database")
    versions = [int(v) for v in pg_sql("SELECT version FROM schema_version ORDER BY version",
                                       db=one.pg_name).split()]
    eq(versions, list(range(1, len(versions) + 1)), "each migration applied once, in order")
    setup_world(one)
    r = subprocess.run([BIN, "admin", "--db", one.db + "?pool_size=0", "list", "orgs"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode != 0 and "pool_size must be 1..64" in r.stderr,
          f"a bad pool_size is refused: {r.returncode} {r.stderr}")

    N = 15
    created = {}     # id -> (server index, title)
    hit_ids = set()
    lock = threading.Lock()
    failures_w = []

    def writer(srv_index, n):
        srv = (one, two)[srv_index]
        try:
            c = srv.login("a-analyst" if n % 2 == 0 else "b-analyst")
            for k in range(N):
                title = f"multi s{srv_index} w{n} #{k}"
                st, body = c.post("/api/v1/incidents", incident(
                    title, distribution="all",
                    observables=[{"type": "phone", "value": f"+44770090{k % 5:04d}"}]))
                if st != 201:
                    failures_w.append(f"create {title}: {st} {body}")
                    continue
                with lock:
                    created[body["id"]] = (srv_index, title)
                if k % 3 == 0:
                    st, _ = c.patch(f"/api/v1/incidents/{body['id']}", {"title": title + " (u)"})
                    if st == 200:
                        with lock:
                            created[body["id"]] = (srv_index, title + " (u)")
                    else:
                        failures_w.append(f"update {title}: {st}")
                # the same hit through both servers, from org A's analysts
                if n % 2 == 0:
                    st, res = c.post("/api/v1/hits", {"id": k, "flagged": True, "score": 0.5,
                                                      "text": f"shared hit #{k % 4}"})
                    if st in (200, 201):
                        with lock:
                            hit_ids.add(res["results"][0]["id"])
                    else:
                        failures_w.append(f"hit: {st} {res}")
        except Exception as e:  # noqa: BLE001
            failures_w.append(repr(e))

    threads = [threading.Thread(target=writer, args=(i // 2, i)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    eq(failures_w, [], "every write through either server succeeded")
    eq(len(created), 4 * N, "every incident created")

    # every write is visible through the other server (and the same through both)
    views = [one.login("b-viewer"), two.login("b-viewer")]
    wrong = []
    for iid, (origin, title) in sorted(created.items()):
        for v in views:
            st, body = v.get(f"/api/v1/incidents/{iid}")
            if st != 200 or body["title"] != title:
                wrong.append((iid, origin, title, st))
    eq(wrong, [], "each incident, with its last title, readable through both servers")
    # correlations across servers: same phone number on incidents created on either server
    st, inc = views[1].get(f"/api/v1/incidents/{min(created)}")
    linked = {c["incident_id"] for c in inc["correlations"]}
    others = {i for i, (s, _) in created.items() if s != created[min(created)][0]}
    check(linked & others, "correlated with incidents created through the other server")
    # search through either server sees everything
    for v in views:
        st, res = v.get("/api/v1/incidents", q="multi", per_page=100)
        eq(res["total"], 4 * N, "search sees every incident")
    # identical hits merged across processes: 4 distinct texts
    a1, a2 = one.login("a-analyst"), two.login("a-analyst")
    st, h1 = a1.get("/api/v1/hits", per_page=100)
    st, h2 = a2.get("/api/v1/hits", per_page=100)
    eq(h1["total"], 4, "identical hits merged into one per text")
    eq(sorted(h["id"] for h in h1["items"]), sorted(h["id"] for h in h2["items"]),
       "the same queue through both servers")
    eq(sum(h["seen_count"] for h in h1["items"]), 2 * N, "every submission counted once")
    # the audit chain is linear and verifies, seen from both
    for s in (one, two):
        adm = s.login("a-admin")
        st, v = adm.get("/api/v1/audit/verify")
        eq((v["ok"], v["first_bad_id"]), (True, 0), "audit chain verifies")
    ids = [int(x) for x in pg_sql("SELECT id FROM audit_log ORDER BY id", db=one.pg_name).split()]
    eq(ids, list(range(1, len(ids) + 1)), "consecutive audit ids across processes")
    check(len(ids) > 4 * N * 2, f"audit entries from both servers ({len(ids)})")
    two.stop()
    one.stop()
finally:
    two.cleanup()
    one.cleanup()
finish()
