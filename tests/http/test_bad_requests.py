"""test_bad_requests.py - malformed JSON, wrong types, oversize bodies, unknown fields, SQL and
path tricks: each gets a clear 4xx JSON error {"error": {"code", "message"}} and nothing in the
database changes (compared through the API and the audit of changes)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, check, eq, finish, incident, setup_world  # noqa: E402


def err(st_body, status, code, msg):
    st, body = st_body
    eq(st, status, msg)
    check(isinstance(body, dict) and "error" in body and body["error"].get("code") == code,
          f"{msg}: error code {code}, got {body}")
    return body


srv = Server(extra=["--web-root", os.path.dirname(__file__)])
try:
    setup_world(srv)
    srv.start()
    a = srv.login("a-analyst")
    adm = srv.login("a-admin")
    st, inc = a.post("/api/v1/incidents", incident("the original", distribution="all"))
    iid = inc["id"]

    def snapshot():
        st, res = adm.get("/api/v1/incidents", per_page=100)
        st, one = adm.get(f"/api/v1/incidents/{iid}")
        st, users = adm.get("/api/v1/admin/users")
        st, orgs = adm.get("/api/v1/admin/orgs")
        for k in ("correlations",):
            one.pop(k, None)
        return ([x["id"] for x in res["items"]], one, users, orgs)
    before = snapshot()
    P = "/api/v1/incidents"

    err(a.post(P, "{not json"), 400, "malformed_json", "malformed JSON")
    err(a.post(P, "[1,2]"), 400, "wrong_type", "array where an object is due")
    err(a.post(P, '{"type":"seizure","title":"a","title":"b"}'), 400, "malformed_json",
        "duplicate keys")
    err(a.post(P, b'{"type":"seizure","title":"\xff\xfe"}'), 400, "malformed_json",
        "invalid UTF-8")
    err(a.post(P, {"type": "seizure", "title": 5}), 400, "wrong_type", "number as title")
    err(a.post(P, {"type": "seizure", "title": "x", "substances": "fentanyl"}), 400,
        "wrong_type", "string as array")
    err(a.post(P, {"type": "seizure", "title": "x", "substances": [{"id": "unobtainium"}]}),
        400, "unknown_substance", "unknown substance")
    err(a.post(P, {"type": "seizure", "title": "x", "origin": ["XX"]}), 400, "invalid_field",
        "bad country")
    err(a.post(P, {"type": "seizure", "title": "x", "occurred_on": "2026-02-30"}), 400,
        "invalid_field", "bad date")
    err(a.post(P, {"type": "robbery", "title": "x"}), 400, "invalid_field", "bad type")
    err(a.post(P, {"title": "x"}), 400, "missing_field", "missing type")
    err(a.post(P, {"type": "seizure", "title": "x", "tlp": "red", "distribution": "all"}), 400,
        "invalid_field", "TLP:RED to all")
    err(a.post(P, {"type": "seizure", "title": "x",
                   "observables": [{"type": "phone", "value": "07700 900123"}]}), 400,
        "invalid_observable", "national phone form")
    b = err(a.post(P, {"type": "seizure", "title": "x", "colour": "blue"}), 400,
            "unknown_field", "unknown field")
    check("colour" in b["error"]["message"], "the unknown field is named")
    b = err(a.post(P, {"type": "seizure", "title": "x",
                       "substances": [{"id": "cocaine", "grade": 1}]}), 400,
            "unknown_field", "nested unknown field")
    check("grade" in b["error"]["message"], "the nested unknown field is named")
    err(a.req("POST", P, '{"type":"seizure","title":"x"}', headers={"Content-Type": "text/xml"}),
        415, "unsupported_media_type", "wrong content type")
    big = '{"type":"seizure","title":"x","narrative":"' + "a" * (2 << 20) + '"}'
    err(a.post(P, big), 413, "body_too_large", "2 MiB body")
    err(a.post(P, {"type": "seizure", "title": "x", "narrative": "n" * 100001}), 400,
        "invalid_field", "narrative too long")
    err(a.patch(f"{P}/{iid}", {"version": "one"}), 400, "wrong_type", "version as string")
    err(a.patch(f"{P}/{iid}", {"title": "stale", "version": 99}), 409, "conflict",
        "stale version")
    # SQL tricks: stored literally or refused; never executed
    st, tricky = a.post(P, incident("x'); DROP TABLE incidents; --",
                                    narrative="1 OR 1=1; DELETE FROM users"))
    eq(st, 201, "SQL in values is just text")
    eq(a.get(f"{P}/{tricky['id']}")[1]["title"], "x'); DROP TABLE incidents; --",
       "stored literally")
    eq(a.delete(f"{P}/{tricky['id']}")[0], 204, "cleanup")
    for path in (f"{P}/1%20OR%201=1", f"{P}/1'", f"{P}/-1", f"{P}/0", f"{P}/99999999999999999999",
                 f"{P}/{iid}%00", "/api/v1/hits/../incidents", "/api/v1/hits/%2e%2e"):
        st, body = a.get(path)
        check(st in (400, 404), f"{path}: {st}")
        check(isinstance(body, dict) and "error" in body, f"{path}: JSON error")
    err(a.get("/api/v1/nothing"), 404, "not_found", "unknown endpoint")
    err(a.req("PUT", P, {}), 405, "method_not_allowed", "wrong method")
    # path tricks on the static web root (this directory): nothing outside it
    for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd",
                 "/.hidden", "/harness.py/..", "//etc/passwd", "/./harness.py"):
        st, body = srv.client().raw("GET", path)
        check(st == 404 and b"root:" not in body, f"static {path}: {st}")
    st, body = srv.client().raw("GET", "/harness.py")
    check(st == 200 and b"harness.py" in body, "a real static file is served")
    eq(srv.client().last_headers if False else 0, 0, "")
    # admin endpoints: same rules
    err(adm.post("/api/v1/admin/users", {"org_id": 1, "username": "new", "password": "short",
                                         "role": "analyst"}), 400, "invalid_field", "short pw")
    err(adm.post("/api/v1/admin/users", {"org_id": 999, "username": "new",
                                         "password": "long-enough-pw", "role": "analyst"}),
        400, "invalid_reference", "unknown org")
    err(adm.post("/api/v1/admin/users", {"org_id": 1, "username": "a-analyst",
                                         "password": "long-enough-pw", "role": "analyst"}),
        409, "conflict", "duplicate user")
    err(adm.post("/api/v1/admin/orgs", {"name": "X", "country": "ZZ", "kind": "government"}),
        400, "invalid_field", "bad org country")
    err(adm.post("/api/v1/admin/orgs", {"name": "X", "country": "FR", "kind": "cartel"}),
        400, "invalid_field", "bad org kind")
    eq(snapshot(), before, "nothing changed")
finally:
    srv.cleanup()
finish()
