"""openapi_responses.py - records real responses of a demo server (as admin, analyst and
anonymous: successes and errors) and checks them against data/openapi/interdict.json with
validate_responses.mjs: documented status, and the body valid against the documented schema.
Skips (77) without node or tests/interop/node_modules."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
sys.path.insert(0, HERE)
from harness import SRC, Server  # noqa: E402
from fixture import full_incident  # noqa: E402

if not shutil.which("node") or not os.path.isdir(os.path.join(HERE, "node_modules", "ajv")):
    print("skip: node or tests/interop/node_modules absent (npm ci --prefix tests/interop)")
    sys.exit(77)

samples = []
srv = Server(demo=True)
out = tempfile.mkdtemp(prefix="idt-oa-")
try:
    srv.start()
    adm = srv.login("admin", "demo-admin-2026")
    nora = srv.login("nora.analyst", "demo-analyst-2026")
    anon = srv.client()

    def rec(c, method, tmpl, url=None, body=None):
        st, data = c.req(method.upper(), url or tmpl, body)
        if isinstance(data, (bytes, bytearray)):
            data = None  # not JSON (feeds, CSV, STIX types are checked elsewhere)
        samples.append({"method": method, "path": tmpl, "status": st, "body": data})
        return st, data

    rec(anon, "get", "/api/v1/health")
    rec(anon, "get", "/api/v1/warnings")
    rec(anon, "get", "/api/v1/incidents")  # 401
    rec(anon, "post", "/api/v1/auth/login", body={"username": "nobody", "password": "x"})
    rec(nora, "get", "/api/v1/auth/me")
    rec(nora, "get", "/api/v1/incidents", "/api/v1/incidents?q=fentanyl&per_page=5")
    rec(nora, "get", "/api/v1/incidents", "/api/v1/incidents?country=ZZ")  # 400
    st, inc = rec(nora, "post", "/api/v1/incidents", body=full_incident())
    rec(nora, "post", "/api/v1/incidents", body={"type": "seizure"})  # 400
    iid = inc["id"]
    rec(nora, "get", "/api/v1/incidents/{id}", f"/api/v1/incidents/{iid}")
    rec(nora, "get", "/api/v1/incidents/{id}", "/api/v1/incidents/999999")  # 404
    rec(nora, "patch", "/api/v1/incidents/{id}", f"/api/v1/incidents/{iid}",
        {"status": "shared", "version": 1})
    rec(nora, "patch", "/api/v1/incidents/{id}", f"/api/v1/incidents/{iid}",
        {"status": "closed", "version": 1})  # 409
    rec(nora, "get", "/api/v1/incidents/{id}/network", f"/api/v1/incidents/{iid}/network?depth=2")
    rec(nora, "get", "/api/v1/stats")
    rec(nora, "get", "/api/v1/substances", "/api/v1/substances?q=fent")
    rec(nora, "get", "/api/v1/incidents/{id}/export", f"/api/v1/incidents/{iid}/export?format=misp")
    rec(nora, "get", "/api/v1/incidents/{id}/export", f"/api/v1/incidents/{iid}/export")  # 400
    body = nora.raw("GET", f"/api/v1/incidents/{iid}/export?format=stix")[1]
    rec(nora, "post", "/api/v1/import", "/api/v1/import?format=stix", json.loads(body))
    rec(nora, "post", "/api/v1/import", "/api/v1/import?format=misp", {"x": 1})  # 400
    st, hits = rec(nora, "get", "/api/v1/hits")
    if hits.get("items"):
        rec(nora, "get", "/api/v1/hits/{id}", f"/api/v1/hits/{hits['items'][0]['id']}")
    rec(nora, "get", "/api/v1/hits/{id}", "/api/v1/hits/" + "0" * 32)  # 404
    st, sub = rec(nora, "post", "/api/v1/subscriptions", body={"kind": "substance",
                                                               "value": "fentanyl"})
    rec(nora, "get", "/api/v1/subscriptions")
    rec(nora, "delete", "/api/v1/subscriptions/{id}", f"/api/v1/subscriptions/{sub['id']}")
    rec(nora, "get", "/api/v1/notifications")
    rec(nora, "get", "/api/v1/sharing-groups")
    st, tok = rec(nora, "post", "/api/v1/tokens", body={"name": "t", "scopes": ["read"]})
    rec(nora, "get", "/api/v1/tokens")
    rec(nora, "delete", "/api/v1/tokens/{id}", f"/api/v1/tokens/{tok['id']}")
    rec(nora, "get", "/api/v1/admin/orgs")  # 403
    rec(adm, "get", "/api/v1/admin/orgs")
    rec(adm, "get", "/api/v1/admin/users")
    rec(adm, "get", "/api/v1/admin/sharing-groups")
    rec(adm, "get", "/api/v1/admin/tokens")
    rec(adm, "get", "/api/v1/audit", "/api/v1/audit?limit=5")
    rec(adm, "get", "/api/v1/audit/verify")
    rec(nora, "delete", "/api/v1/incidents/{id}", f"/api/v1/incidents/{iid}")
    sp = os.path.join(out, "samples.json")
    with open(sp, "w") as f:
        json.dump(samples, f)
    r = subprocess.run(["node", os.path.join(HERE, "validate_responses.mjs"),
                        os.path.join(SRC, "data", "openapi", "interdict.json"), sp])
    sys.exit(r.returncode)
finally:
    srv.cleanup()
    shutil.rmtree(out, ignore_errors=True)
