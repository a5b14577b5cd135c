"""test_openapi.py - keeps the OpenAPI 3.1 description (data/openapi/interdict.json, served at
GET /api/v1/openapi.json) true to the server:

- the route table of src/server/routes.c and the document's operations are the same set, both
  ways (a route added without documenting it, or a documented route that does not exist,
  fails);
- every documented operation is answered by the running server (not 404 "no such endpoint",
  not 405), probed without credentials so that nothing changes;
- public routes (PUBLIC in routes.c) and only they have `security: []`; the least role and
  token scope of each operation (`x-interdict-access`) match the route table;
- path templates and path parameters agree; the served document is the file.

Validation against the OpenAPI 3.1 schema itself is tests/interop/validate_openapi.mjs."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import SRC, Server, check, eq, finish  # noqa: E402

ROUTES_C = os.path.join(SRC, "src", "server", "routes.c")
DOC = os.path.join(SRC, "data", "openapi", "interdict.json")
ROLE = {"0": "viewer", "IDT_ROLE_VIEWER": "viewer", "IDT_ROLE_ANALYST": "analyst",
        "IDT_ROLE_ADMIN": "admin"}
SCOPE = {"R": "read", "W": "write", "W | S": "write or submit-hits", "0": None}


def route_table():
    """(method, path with {} for parameters) -> (role, scope, public) from routes.c."""
    text = open(ROUTES_C, encoding="utf-8").read()
    table = text[text.index("static const route routes[]"):]
    table = table[:table.index("};")]
    out = {}
    for m in re.finditer(r'\{\s*"([A-Z]+)",\s*"(/api/v1[^"]*)",\s*(\w+),\s*([^,]+?),\s*'
                         r'([^,]+?),\s*([^}]*?)\}', table, re.S):
        method, path, _fn, role, scope, flags = m.groups()
        flags = re.sub(r"/\*.*?\*/", "", flags, flags=re.S).strip()
        out[(method.lower(), path)] = (ROLE[role.strip()], SCOPE[scope.strip()],
                                       "PUBLIC" in flags)
    return out


def doc_ops(doc):
    out = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete", "head", "options"):
                out[(method, re.sub(r"\{[^}]+\}", "{}", path))] = (path, op)
    return out


routes = route_table()
check(len(routes) >= 45, f"parsed the route table of routes.c ({len(routes)} routes)")
doc = json.load(open(DOC, encoding="utf-8"))
ops = doc_ops(doc)
check(doc["openapi"].startswith("3.1."), "OpenAPI 3.1")
eq(sorted(set(routes) - set(ops)), [], "routes of routes.c missing from the OpenAPI document")
eq(sorted(set(ops) - set(routes)), [], "documented operations that routes.c does not have")

params = doc["components"]["parameters"]
for key, (path, op) in sorted(ops.items()):
    if key not in routes:
        continue
    role, scope, public = routes[key]
    where = f"{key[0].upper()} {path}"
    if public:
        eq(op.get("security"), [], f"{where}: public, so security: []") if \
            path != "/api/v1/feeds/alerts.atom" else \
            eq(op.get("security"), [{"feedToken": []}], f"{where}: ?token= security")
    else:
        check(op.get("security") != [], f"{where}: needs a caller, not security: []")
        acc = op.get("x-interdict-access", {})
        eq(acc.get("role", "viewer"), role, f"{where}: least role")
        eq(acc.get("scope"), scope, f"{where}: token scope")
    names = set(re.findall(r"\{([^}]+)\}", path))
    declared = set()
    for p in op.get("parameters", []):
        if "$ref" in p:
            p = params[p["$ref"].rsplit("/", 1)[1]]
        if p["in"] == "path":
            declared.add(p["name"])
            check(p.get("required") is True, f"{where}: path parameter {p['name']} required")
    eq(declared, names, f"{where}: path parameters match the template")
    check(any(c.startswith("2") for c in op["responses"]), f"{where}: documents a 2xx")
    ids = [o.get("operationId") for _, o in ops.values()]
eq(len(ids), len(set(ids)), "operationIds unique")

srv = Server()
try:
    srv.start()
    anon = srv.client()
    st, served = anon.get("/api/v1/openapi.json")
    eq(st, 200, "GET /api/v1/openapi.json is public")
    eq(anon.last_headers.get("content-type"), "application/json", "served as JSON")
    check(served == doc, "the served document is data/openapi/interdict.json")
    for (method, tmpl), (path, op) in sorted(ops.items()):
        url = tmpl.replace("{}", "1")
        st, body = anon.req(method.upper(), url, {} if method in ("post", "put", "patch") else None,
                            csrf=False)
        code = body.get("error", {}).get("code") if isinstance(body, dict) else None
        check(st != 405 and not (st == 404 and code == "not_found" and
                                 body["error"]["message"] == "no such endpoint"),
              f"{method.upper()} {path}: the server answers it ({st} {code})")
        if not routes.get((method, tmpl), (0, 0, True))[2]:
            eq(st, 401, f"{method.upper()} {path}: needs a caller")
    st, body = anon.get("/api/v1/no-such-thing")
    eq((st, body["error"]["message"]), (404, "no such endpoint"), "unknown paths: 404")
finally:
    srv.cleanup()
finish()
