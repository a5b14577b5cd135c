"""stix_export.py - exports STIX 2.1 bundles from a real server (the demo data set plus an
incident with every observable type and every TLP) and validates them with validate_stix.mjs
against the OASIS STIX 2.1 JSON schemas.  Skips (77) without node, node_modules or ../shared."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
sys.path.insert(0, HERE)
from harness import Server  # noqa: E402
from fixture import full_incident  # noqa: E402

SRC = os.environ.get("IDT_SOURCE_ROOT", os.path.join(HERE, "..", ".."))
if not os.path.isdir(os.path.join(SRC, "..", "shared", "schemas", "stix2.1")):
    print("skip: ../shared/schemas/stix2.1 is absent")
    sys.exit(77)
if not shutil.which("node") or not os.path.isdir(os.path.join(HERE, "node_modules", "ajv")):
    print("skip: node or tests/interop/node_modules absent (npm ci --prefix tests/interop)")
    sys.exit(77)

out = tempfile.mkdtemp(prefix="idt-stix-")
srv = Server(demo=True)
try:
    srv.start()
    c = srv.login("nora.analyst", "demo-analyst-2026")
    files = []

    def save(name, path):
        st, body = c.raw("GET", path)
        if st != 200:
            print(f"FAIL: GET {path}: {st} {body[:300]!r}", file=sys.stderr)
            sys.exit(1)
        p = os.path.join(out, name + ".json")
        with open(p, "wb") as f:
            f.write(body)
        files.append(p)

    for i, tlp in enumerate(["clear", "green", "amber", "amber+strict", "red"]):
        st, inc = c.post("/api/v1/incidents", full_incident(f"fixture {tlp}", tlp=tlp))
        if st != 201:
            print(f"FAIL: create: {st} {inc}", file=sys.stderr)
            sys.exit(1)
        save(f"incident-{i}", f"/api/v1/incidents/{inc['id']}/export?format=stix")
    st, minimal = c.post("/api/v1/incidents", {"type": "warning", "title": "bare"})
    save("minimal", f"/api/v1/incidents/{minimal['id']}/export?format=stix")
    save("search-all", "/api/v1/incidents/export?format=stix&limit=1000")
    save("search-fentanyl", "/api/v1/incidents/export?format=stix&q=fentanyl")
    save("group-1", "/api/v1/sharing-groups/1/export?format=stix")
    validator = os.path.join(HERE, "validate_stix.mjs")
    # the validator must be able to fail: a report without "published", created without
    # milliseconds, and a custom SCO whose extension-definition is not in the bundle
    broken = json.load(open(files[0]))
    for o in broken["objects"]:
        if o["type"] == "report":
            del o["published"]
            o["created"] = o["created"][:19] + "Z"
    broken["objects"].append({"type": "interdict-phone", "spec_version": "2.1",
                              "id": "interdict-phone--0d3c7c2e-5f0b-5a43-8d3f-6c9a6bb7b8e1",
                              "value": "+447700900123"})
    bp = os.path.join(out, "broken.json")
    with open(bp, "w") as f:
        json.dump(broken, f)
    r = subprocess.run(["node", validator, bp], capture_output=True, text=True)
    if r.returncode != 1 or r.stderr.count("FAIL") < 3:
        print(f"FAIL: the validator accepted a broken bundle ({r.returncode}): {r.stderr}",
              file=sys.stderr)
        sys.exit(1)
    r = subprocess.run(["node", validator] + files)
    sys.exit(r.returncode)
finally:
    srv.cleanup()
    shutil.rmtree(out, ignore_errors=True)
