"""test_demo.py - `interdict serve --demo`: a fresh database with the bundled demo data set
(organisations of each kind, users of each role, sharing groups, ~20 incidents, hits from
scanning the sample listings); prints the URL and the demo logins, which work."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, check, eq, finish  # noqa: E402

srv = Server(demo=True)
try:
    srv.start()
    out = "".join(srv.out_lines)
    logins = re.findall(r"^  (\S+)\s+(\S+)\s+(admin|analyst|viewer)\s+(.+)$", out, re.M)
    check(len(logins) >= 5, f"demo logins printed: {out}")
    eq({l[2] for l in logins}, {"admin", "analyst", "viewer"}, "every role")
    check(f"http://127.0.0.1:{srv.port}/" in out, "URL printed")
    for user, pw, role, org in logins:
        eq(srv.client().login(user, pw)[0], 200, f"demo login {user}")
    nora = srv.login("nora.analyst", "demo-analyst-2026")
    st, res = nora.get("/api/v1/incidents", per_page=100)
    check(res["total"] >= 12, f"incidents visible to nora ({res['total']})")
    st, hits = nora.get("/api/v1/hits", per_page=100)
    check(hits["total"] >= 5, f"hits from scanning the samples ({hits['total']})")
    check(any(h["verdict"]["substances"][0]["id"] == "fentanyl" for h in hits["items"]),
          "the fentanyl listing is in the queue")
    st, w = srv.client().get("/api/v1/warnings")
    check(len(w["items"]) >= 3, "public warnings")
    adm = srv.login("admin", "demo-admin-2026")
    st, orgs = adm.get("/api/v1/admin/orgs")
    eq({o["kind"] for o in orgs["items"]},
       {"government", "drug-checking-service", "platform", "international-body"}, "org kinds")
    st, v = adm.get("/api/v1/audit/verify")
    eq(v["ok"], True, "audit chain of the demo load")
    # correlation across organisations in the demo: the UK phone links two agencies' cases
    st, one = nora.get("/api/v1/incidents/1")
    check(any(c["detail"] == "phone:+447700900123" for c in one["correlations"]),
          "demo correlation")
finally:
    srv.cleanup()
finish()
