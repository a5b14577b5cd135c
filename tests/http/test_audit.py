"""test_audit.py - the audit log: every read and change of an incident is recorded with who,
when, what and the client address; admins list, export and verify it; the log is append-only
(triggers refuse UPDATE/DELETE) and hash-chained, so that editing a row directly in the SQLite
file (after dropping the triggers, as an attacker with the file could) is detected by the API
and by `interdict admin audit-verify`."""
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, PG, Server, check, eq, finish, incident, pg_sql, setup_world  # noqa: E402


def tamper(srv, sql):
    """Runs SQL directly on the server's database, as an attacker with access to it could
    (issue 9: through psql on PostgreSQL, where triggers are dropped with ON audit_log)."""
    if PG:
        pg_sql(sql.replace("DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_update ON audit_log")
               .replace("DROP TRIGGER audit_no_delete", "DROP TRIGGER audit_no_delete ON audit_log"),
               db=srv.pg_name)
        return
    db = sqlite3.connect(srv.db)
    try:
        db.executescript(sql)
        db.commit()
    finally:
        db.close()

srv = Server()
try:
    setup_world(srv)
    srv.start()
    a = srv.login("a-analyst")
    adm = srv.login("a-admin")
    b = srv.login("b-analyst")
    st, inc = a.post("/api/v1/incidents", incident("audited", distribution="all"))
    iid = str(inc["id"])
    a.get(f"/api/v1/incidents/{iid}")
    b.get(f"/api/v1/incidents/{iid}")
    a.patch(f"/api/v1/incidents/{iid}", {"title": "audited (edited)"})
    a.get("/api/v1/incidents", q="audited")
    b.get(f"/api/v1/incidents/{iid}/network")

    st, log = adm.get("/api/v1/audit", limit=1000)
    eq(st, 200, "admin reads the audit log")
    mine = [e for e in log["items"] if e["object_type"] == "incident" and
            (e["object_id"] == iid or e["action"] == "search")]
    eq([(e["action"], e["username"]) for e in mine],
       [("create", "a-analyst"), ("read", "a-analyst"), ("read", "b-analyst"),
        ("update", "a-analyst"), ("search", "a-analyst"), ("network", "b-analyst")],
       "every read and change recorded")
    check(all(e["addr"] == "127.0.0.1" for e in mine), "client address recorded")
    check(all(e["time"].endswith("Z") for e in mine), "time recorded")
    eq(mine[3]["detail"], {"changed": ["title"]}, "what changed")
    eq(mine[4]["detail"]["ids"], [inc["id"]], "search results recorded")
    logins = [e for e in log["items"] if e["action"] in ("login", "login-failed")]
    eq(len(logins), 3, "logins recorded")
    ids = [e["id"] for e in log["items"]]
    eq(ids, list(range(1, len(ids) + 1)), "consecutive ids")
    check(all(log["items"][k]["prev_hash"] == log["items"][k - 1]["hash"]
              for k in range(1, len(ids))), "entries chained")
    st, v = adm.get("/api/v1/audit/verify")
    eq((v["ok"], v["first_bad_id"]), (True, 0), "chain verifies")
    st, exp = adm.raw("GET", "/api/v1/audit/export")
    lines = [json.loads(x) for x in exp.decode().splitlines()]
    eq(st, 200, "export")
    check(len(lines) >= len(ids), "export has every entry")
    eq(adm.last_headers.get("content-type"), "application/x-ndjson", "export type")

    # append-only: the database itself refuses changes
    for sql in ("UPDATE audit_log SET username = 'x' WHERE id = 2", "DELETE FROM audit_log"):
        try:
            tamper(srv, sql)
            check(False, f"{sql} should fail")
        except (sqlite3.DatabaseError, RuntimeError) as e:
            check("append-only" in str(e), f"trigger message: {e}")
    # tampering: drop the trigger, rewrite who read the incident
    target = mine[2]["id"]
    tamper(srv, "DROP TRIGGER audit_no_update;"
           f" UPDATE audit_log SET username = 'somebody-else' WHERE id = {int(target)};")
    st, v = adm.get("/api/v1/audit/verify")
    eq((v["ok"], v["first_bad_id"]), (False, target), "tampering detected by the API")
    srv.stop()
    r = subprocess.run([BIN, "admin", "--db", srv.db, "audit-verify"], capture_output=True,
                       text=True)
    eq(r.returncode, 4, "audit-verify exits 4 on a broken chain")
    check(f"BROKEN at entry {target}" in r.stdout, f"CLI names the entry: {r.stdout}")
    # deleting an entry (re-hashing nothing) is detected too
    tamper(srv, f"UPDATE audit_log SET username = 'b-analyst' WHERE id = {int(target)};"
           f" DROP TRIGGER audit_no_delete; DELETE FROM audit_log WHERE id = {int(target) + 1};")
    r = subprocess.run([BIN, "admin", "--db", srv.db, "audit-verify"], capture_output=True,
                       text=True)
    check(r.returncode == 4 and f"BROKEN at entry {target + 2}" in r.stdout,
          f"deleted entry detected: {r.stdout}")
finally:
    srv.cleanup()
finish()
