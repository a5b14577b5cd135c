"""test_group_export.py - exporting a sharing group (GET /sharing-groups/{id}/export, MISP,
STIX and CSV) reads only the group's incidents: the audit log after an export holds a read
entry for each exported incident exactly once, and the export's searches name only those,
never an incident shared with another group the caller also belongs to, its own-org or
distribution-all incidents, or drafts.  With ?limit=N the first N are exported and only they
are read."""
import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, eq, finish, incident, setup_world  # noqa: E402

srv = Server()
try:
    w = setup_world(srv)
    G = w["group"]  # A and B
    H = int(srv.admin("create-group", "--name", "H", "--owner", "A", "--member", "C"))
    srv.start()
    a = srv.login("a-analyst")
    b = srv.login("b-analyst")
    adm = srv.login("a-admin")

    def mk(who, title, **kw):
        st, body = who.post("/api/v1/incidents", incident(title, **kw))
        eq(st, 201, f"create {title}")
        return body["id"]

    in_g = [mk(a, "g one", distribution="sharing-group", sharing_group_id=G),
            mk(a, "g two", distribution="sharing-group", sharing_group_id=G),
            mk(b, "g from b", distribution="sharing-group", sharing_group_id=G)]
    others = [mk(a, "h one", distribution="sharing-group", sharing_group_id=H),
              mk(a, "h two", distribution="sharing-group", sharing_group_id=H),
              mk(a, "own", distribution="own-org"), mk(a, "everyone", distribution="all"),
              mk(a, "g draft", distribution="sharing-group", sharing_group_id=G,
                 status="draft"),
              mk(b, "b own", distribution="own-org")]

    def last_id():
        after, last = 0, 0
        while True:
            st, log = adm.get("/api/v1/audit", after=after, limit=1000)
            if not log["items"]:
                return last
            last = after = log["items"][-1]["id"]

    for fmt in ("misp", "stix", "csv"):
        for who, name in ((a, "a-analyst"), (b, "b-analyst")):
            mark = last_id()
            st, body = who.raw("GET", f"/api/v1/sharing-groups/{G}/export?format={fmt}")
            eq(st, 200, f"{name} {fmt} export")
            st, log = adm.get("/api/v1/audit", after=mark, limit=1000)
            mine = [e for e in log["items"] if e["username"] == name]
            reads = sorted(int(e["object_id"]) for e in mine if e["action"] == "read")
            eq(reads, sorted(in_g), f"{name} {fmt}: read (and audited) the group's incidents only,"
               " each once")
            searched = sorted(i for e in mine if e["action"] == "search"
                              for i in e["detail"]["ids"])
            eq(searched, sorted(in_g), f"{name} {fmt}: the searches name the group's only")
            eq(sorted({e["action"] for e in mine}), ["read", "search"], f"{name} {fmt}: nothing else")
            if fmt == "csv":
                got = sorted({int(r["incident_id"]) for r in
                              csv.DictReader(io.StringIO(body.decode()))})
                eq(got, sorted(in_g), f"{name} csv: exactly the group's incidents")

    # a limit: the first N (newest first) exported, and only they read
    mark = last_id()
    st, body = a.raw("GET", f"/api/v1/sharing-groups/{G}/export?format=csv&limit=2")
    eq(st, 200, "limited export")
    got = sorted({int(r["incident_id"]) for r in csv.DictReader(io.StringIO(body.decode()))})
    eq(got, sorted(in_g)[-2:], "limit=2: the two newest")
    st, log = adm.get("/api/v1/audit", after=mark, limit=1000)
    mine = [e for e in log["items"] if e["username"] == "a-analyst"]
    eq(sorted(int(e["object_id"]) for e in mine if e["action"] == "read"), got,
       "limit=2: only the exported read")
    eq(sorted(i for e in mine if e["action"] == "search" for i in e["detail"]["ids"]), got,
       "limit=2: the search names only the exported")
    # the other group, for its members
    st, body = a.raw("GET", f"/api/v1/sharing-groups/{H}/export?format=csv")
    eq(sorted({int(r["incident_id"]) for r in csv.DictReader(io.StringIO(body.decode()))}),
       sorted(others[:2]), "group H: its own two")
    eq(b.raw("GET", f"/api/v1/sharing-groups/{H}/export?format=csv")[0], 404,
       "a group b is not in")
finally:
    srv.cleanup()
finish()
