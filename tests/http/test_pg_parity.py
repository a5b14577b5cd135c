"""test_pg_parity.py - the PostgreSQL backend answers exactly as the SQLite one (issue 9): the
bundled demo data set is loaded into both, then every demo user reads the same things through
both servers — statistics, searches (words, accents, filters, pages), every incident with its
correlations, network graphs, the triage queue, notifications, public warnings — and the
answers must be equal once the moments of writing (timestamps) are set aside."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import PG, Server, check, eq, finish  # noqa: E402

if not PG:
    print("skipped: needs IDT_TEST_PG (scripts/pg-test)")
    sys.exit(77)

TIME_KEYS = {"created_at", "updated_at", "first_seen", "last_seen", "decided_at", "time", "ts",
             "read_at"}
LOGINS = {"admin": "demo-admin-2026", "nora.analyst": "demo-analyst-2026"}


def strip(v):
    """The answer without the moments it was written at."""
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in TIME_KEYS}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def demo_logins(srv):
    import re
    out = "".join(srv.out_lines)
    return {u: pw for u, pw, _, _ in
            re.findall(r"^  (\S+)\s+(\S+)\s+(admin|analyst|viewer)\s+(.+)$", out, re.M)}


saved = harness.PG
harness.PG = ""          # this one on SQLite
lite = Server(demo=True)
harness.PG = saved       # and this one on PostgreSQL
pg = Server(demo=True)
try:
    lite.start()
    pg.start()
    logins = demo_logins(lite)
    check(len(logins) >= 5, "demo logins")
    eq(demo_logins(pg), logins, "the same demo logins")
    reads = ["/api/v1/stats", "/api/v1/warnings", "/api/v1/hits?per_page=100",
             "/api/v1/notifications",
             "/api/v1/incidents?per_page=100", "/api/v1/incidents?per_page=7&page=2",
             "/api/v1/incidents?q=fentanyl", "/api/v1/incidents?q=telegram+wickr",
             "/api/v1/incidents?q=Turkiye", "/api/v1/incidents?type=seizure",
             "/api/v1/incidents?country=GB", "/api/v1/incidents?class=opioid",
             "/api/v1/incidents?from=2026-01-01&to=2026-06-30",
             "/api/v1/incidents?q=%22OR%22+1%3D1", "/api/v1/admin/orgs",
             "/api/v1/admin/groups"]
    compared = 0
    for user, pw in sorted(logins.items()):
        cl, cp = lite.login(user, pw), pg.login(user, pw)
        st, everything = cl.get("/api/v1/incidents", per_page=100)
        ids = [x["id"] for x in everything["items"]] if st == 200 else []
        paths = list(reads) + [f"/api/v1/incidents/{i}" for i in ids] + \
            [f"/api/v1/incidents/{i}/network?depth=2" for i in ids[:5]]
        for path in paths:
            a, b = cl.req("GET", path), cp.req("GET", path)
            if not eq(a[0], b[0], f"{user} {path}: status"):
                continue
            compared += 1
            sa, sb = strip(a[1]), strip(b[1])
            if path.startswith("/api/v1/hits"):  # hits loaded in the same second or the next:
                for x in (sa, sb):               # their order by last_seen is the clock's
                    x["items"].sort(key=lambda h: h["id"])
            if sa != sb:
                check(False, f"{user} {path}: answers differ\n  sqlite: "
                      f"{json.dumps(sa, sort_keys=True)[:600]}\n  pg:     "
                      f"{json.dumps(sb, sort_keys=True)[:600]}")
    check(compared > 100, f"answers compared ({compared})")
finally:
    pg.cleanup()
    lite.cleanup()
finish()
