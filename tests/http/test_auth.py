"""test_auth.py - authentication: login, wrong password, rate limiting, the session cookie's
attributes, CSRF on cookie writes, API token scopes and revocation, logout, roles, and the
admin CLI that bootstraps it all."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import PASSWORD, Server, check, eq, finish, incident, setup_world  # noqa: E402

srv = Server()
try:
    w = setup_world(srv)
    srv.start()
    anon = srv.client()

    # unauthenticated: every non-public endpoint says 401, public ones answer
    for method, path in (("GET", "/api/v1/incidents"), ("GET", "/api/v1/incidents/1"),
                         ("POST", "/api/v1/incidents"), ("GET", "/api/v1/hits"),
                         ("POST", "/api/v1/hits"), ("GET", "/api/v1/audit"),
                         ("GET", "/api/v1/admin/users"), ("GET", "/api/v1/notifications"),
                         ("GET", "/api/v1/auth/me"), ("GET", "/api/v1/stats"),
                         ("GET", "/api/v1/incidents/1/network")):
        st, body = anon.req(method, path, {} if method == "POST" else None)
        eq(st, 401, f"anonymous {method} {path}")
        check(isinstance(body, dict) and body["error"]["code"] == "unauthenticated",
              f"error body for {path}: {body}")
    eq(anon.get("/api/v1/health")[0], 200, "health is public")
    eq(anon.get("/api/v1/warnings")[0], 200, "warnings are public")
    eq(anon.get("/api/v1/feeds/alerts.atom")[0], 401, "alerts feed needs a token")

    # login
    c = srv.client()
    st, body = c.login("a-analyst", PASSWORD)
    eq(st, 200, "login")
    eq(body["user"]["username"], "a-analyst", "login user")
    eq(body["user"]["role"], "analyst", "login role")
    eq(len(body["csrf_token"]), 64, "csrf token length")
    sc = c.last_set_cookie or ""
    check("HttpOnly" in sc and "SameSite=Strict" in sc and "Path=/" in sc,
          f"cookie attributes: {sc}")
    st, me = c.get("/api/v1/auth/me")
    eq((st, me["user"]["username"], me["csrf_token"]), (200, "a-analyst", c.csrf), "me")

    # wrong password / unknown user: same answer
    bad = srv.client()
    st1, b1 = bad.login("a-analyst", "wrong-password")
    st2, b2 = bad.login("nobody-here", "wrong-password")
    eq((st1, st2), (401, 401), "wrong password and unknown user")
    eq(b1["error"]["message"], b2["error"]["message"], "no user enumeration")

    # CSRF: cookie writes need the header; a wrong header is refused; nothing is created
    st, body = c.post("/api/v1/incidents", incident("csrf-less"), csrf=False)
    eq(st, 403, "cookie write without CSRF token")
    eq(body["error"]["code"], "csrf", "csrf error code")
    st, _ = c.req("POST", "/api/v1/incidents", incident("csrf-wrong"), csrf=False,
                  headers={"X-CSRF-Token": "0" * 64})
    eq(st, 403, "cookie write with a wrong CSRF token")
    st, res = c.get("/api/v1/incidents", q="csrf")
    eq(res["total"], 0, "nothing created without CSRF")
    st, inc = c.post("/api/v1/incidents", incident("with csrf"))
    eq(st, 201, "cookie write with CSRF token")
    # a JSON body must be sent as JSON (no form posts from other sites)
    st, _ = c.req("POST", "/api/v1/incidents", '{"type":"seizure","title":"x"}',
                  headers={"Content-Type": "text/plain"})
    eq(st, 415, "text/plain body refused")

    # roles: a viewer reads but cannot write; an analyst cannot administer
    v = srv.login("a-viewer")
    eq(v.get(f"/api/v1/incidents/{inc['id']}")[0], 200, "viewer reads")
    eq(v.post("/api/v1/incidents", incident("viewer write"))[0], 403, "viewer cannot create")
    eq(v.patch(f"/api/v1/incidents/{inc['id']}", {"title": "x"})[0], 403, "viewer cannot patch")
    eq(c.get("/api/v1/admin/users")[0], 403, "analyst cannot list users")
    eq(c.get("/api/v1/audit")[0], 403, "analyst cannot read the audit log")
    adm = srv.login("a-admin")
    eq(adm.get("/api/v1/admin/users")[0], 200, "admin lists users")

    # API tokens: scopes and revocation
    st, t_read = c.post("/api/v1/tokens", {"name": "ro", "scopes": ["read"]})
    eq(st, 201, "create read token")
    check(t_read["token"].startswith("idt_") and len(t_read["token"]) == 68, "token format")
    st, t_sub = c.post("/api/v1/tokens", {"name": "scanner", "scopes": ["submit-hits"]})
    st, t_rw = c.post("/api/v1/tokens", {"name": "rw", "scopes": ["read", "write"]})
    ro, sub, rw = (srv.client(token=t["token"]) for t in (t_read, t_sub, t_rw))
    eq(ro.get(f"/api/v1/incidents/{inc['id']}")[0], 200, "read token reads")
    st, body = ro.post("/api/v1/incidents", incident("ro write"))
    eq((st, body["error"]["code"]), (403, "insufficient_scope"), "read token cannot write")
    eq(sub.get("/api/v1/incidents")[0], 403, "submit token cannot read incidents")
    eq(sub.post("/api/v1/incidents", incident("sub write"))[0], 403,
       "submit token cannot create incidents")
    hit = {"id": "x1", "flagged": True, "score": 0.9, "categories": ["offer"],
           "substances": [{"id": "cocaine", "name": "Cocaine", "class": "stimulant",
                           "control": ["UN1961:I"]}], "signals": [], "evidence": []}
    eq(sub.post("/api/v1/hits", hit)[0], 201, "submit token submits hits")
    eq(rw.post("/api/v1/incidents", incident("token write"))[0], 201,
       "write token creates without CSRF")
    check("csrf_token" not in rw.get("/api/v1/auth/me")[1], "no CSRF for tokens")
    eq(srv.client(token="idt_" + "0" * 64).get("/api/v1/incidents")[0], 401, "unknown token")
    eq(srv.client(token="garbage").get("/api/v1/incidents")[0], 401, "malformed token")
    st, mine = c.get("/api/v1/tokens")
    eq(sorted(t["name"] for t in mine["items"]), ["ro", "rw", "scanner"], "own tokens listed")
    check(all("token" not in t and "hash" not in t for t in mine["items"]),
          "token list reveals no secret")
    # another user cannot revoke my token; I can
    b = srv.login("b-analyst")
    eq(b.delete(f"/api/v1/tokens/{t_read['id']}")[0], 404, "others cannot revoke my token")
    eq(c.delete(f"/api/v1/tokens/{t_read['id']}")[0], 204, "revoke own token")
    eq(ro.get("/api/v1/incidents")[0], 401, "revoked token refused")
    # admin revokes another's token
    eq(adm.delete(f"/api/v1/admin/tokens/{t_rw['id']}")[0], 204, "admin revokes a token")
    eq(rw.get("/api/v1/incidents")[0], 401, "admin-revoked token refused")
    # CLI-made tokens
    tok = srv.admin("create-token", "--user", "b-analyst", "--name", "cli", "--scopes", "read")
    eq(srv.client(token=tok).get("/api/v1/auth/me")[1]["user"]["username"], "b-analyst",
       "token from the admin CLI")

    # disabling a user ends its sessions
    st, _ = adm.patch(f"/api/v1/admin/users/{w['user']['b-viewer']}", {"disabled": True})
    eq(st, 204, "disable user")
    eq(srv.client().login("b-viewer", PASSWORD)[0], 401, "disabled user cannot log in")

    # logout
    eq(c.post("/api/v1/auth/logout")[0], 204, "logout")
    eq(c.get("/api/v1/incidents")[0], 401, "session gone after logout")

    # rate limiting: 5 failures per user name, then 429 even with the right password
    r = srv.client()
    codes = [r.login("a-viewer", "nope-nope-nope")[0] for _ in range(5)]
    eq(codes, [401] * 5, "five failures")
    st, body = r.login("a-viewer", PASSWORD)
    eq(st, 429, "sixth attempt rate-limited, even with the right password")
    eq(r.last_headers.get("retry-after"), "900", "Retry-After")
    eq(srv.client().login("a-analyst", PASSWORD)[0], 200, "other users unaffected")
finally:
    srv.cleanup()
finish()
