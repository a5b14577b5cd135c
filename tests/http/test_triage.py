"""test_triage.py - the triage queue fed by real scan verdicts: `interdict scan` runs on the
bundled sample listings, its verdicts are posted (one, then an array), identical content is
merged, a hit is confirmed into a pre-filled incident (substances, observables from the signals,
evidence, source) and another dismissed with a reason."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, SRC, Server, check, eq, finish, setup_world  # noqa: E402

samples = os.path.join(SRC, "data", "samples", "listings.jsonl")
out = subprocess.run([BIN, "scan", "--quiet", "--text-field", "title", "--text-field", "text",
                      samples], capture_output=True, text=True, timeout=120)
verdicts = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
texts = {}
with open(samples, encoding="utf-8") as f:
    for line in f:
        rec = json.loads(line)
        texts[rec["id"]] = {"title": rec.get("title", ""), "text": rec.get("text", "")}
check(len(verdicts) >= 5, f"the scanner flags the samples ({len(verdicts)})")
s2 = next(v for v in verdicts if v["id"] == "s2")  # fentanyl, telegram handle, BTC wallet

srv = Server()
try:
    setup_world(srv)
    srv.start()
    a = srv.login("a-analyst")
    tok = a.post("/api/v1/tokens", {"name": "scanner", "scopes": ["submit-hits"]})[1]["token"]
    scanner = srv.client(token=tok)

    # one verdict, with its original text and a source
    h = dict(s2, fields=texts["s2"], source={"url": "https://market.example/l/2",
                                               "platform": "market"})
    st, res = scanner.post("/api/v1/hits", h)
    eq(st, 201, "submit one hit")
    eq((res["created"], res["merged"]), (1, 0), "created")
    hid = res["results"][0]["id"]
    eq(len(hid), 32, "hit id is a content hash")

    # the same content again (another source): merged, not duplicated
    h2 = dict(h, source={"url": "https://mirror.example/l/2", "platform": "mirror"})
    st, res = scanner.post("/api/v1/hits", h2)
    eq((st, res["results"][0]["id"], res["results"][0]["merged"]), (200, hid, True), "merged")

    # an array of all the verdicts (s2 among them: merged again)
    batch = [dict(v, fields=texts[v["id"]]) for v in verdicts]
    st, res = scanner.post("/api/v1/hits", batch)
    eq(st, 201, "submit an array")
    eq(res["created"] + res["merged"], len(verdicts), "every hit accounted for")
    eq(res["merged"], 1, "only s2 merged")
    st, q = a.get("/api/v1/hits", per_page=100, status="new")
    eq(q["total"], len(verdicts), "queue size")
    st, hit = a.get(f"/api/v1/hits/{hid}")
    eq(hit["seen_count"], 3, "seen three times")
    eq(sorted(s["url"] for s in hit["sources"] if "url" in s),
       ["https://market.example/l/2", "https://mirror.example/l/2"], "both sources kept")
    eq(hit["verdict"]["evidence"], s2["evidence"], "evidence kept exactly")

    # confirm into a pre-filled incident (with one correction by the analyst)
    st, inc = a.post(f"/api/v1/hits/{hid}/confirm", {"distribution": "sharing-group",
                                                      "sharing_group_id": 1,
                                                      "status": "confirmed"})
    eq(st, 201, "confirm")
    eq(inc["type"], "online-offer", "type from the categories")
    eq([s["id"] for s in inc["substances"]], ["fentanyl"], "substances from the verdict")
    eq(inc["substances"][0]["class"], "opioid", "class from the knowledge base")
    obs = {(o["type"], o["value"]) for o in inc["observables"]}
    check(("wallet", "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa") in obs, f"wallet observable {obs}")
    check(("handle", "telegram:@china_labs_chem") in obs, f"handle observable {obs}")
    eq(inc["source"]["hit_id"], hid, "source hit")
    eq(inc["source"]["url"], "https://market.example/l/2", "source url")
    eq(inc["evidence"], s2["evidence"], "evidence spans carried over")
    check("f3nt@nyl" in inc["narrative"], "narrative quotes the evidence")
    eq((inc["distribution"], inc["status"]), ("sharing-group", "confirmed"), "analyst's changes")
    st, hit = a.get(f"/api/v1/hits/{hid}")
    eq((hit["status"], hit["incident_id"], hit["decided_by"]),
       ("confirmed", inc["id"], "a-analyst"), "hit marked confirmed")
    eq(a.post(f"/api/v1/hits/{hid}/confirm")[0], 409, "cannot confirm twice")
    # bad corrections are refused and change nothing
    other = next(r["id"] for r in res["results"] if r["id"] != hid)
    st, body = a.post(f"/api/v1/hits/{other}/confirm", {"tlp": "purple"})
    eq(st, 400, "bad correction")
    eq(a.get(f"/api/v1/hits/{other}")[1]["status"], "new", "hit unchanged")

    # dismiss: a reason is required
    eq(a.post(f"/api/v1/hits/{other}/dismiss", {})[0], 400, "dismiss without reason")
    eq(a.post(f"/api/v1/hits/{other}/dismiss", {"reason": ""})[0], 400, "empty reason")
    st, _ = a.post(f"/api/v1/hits/{other}/dismiss", {"reason": "news article, not an offer"})
    eq(st, 204, "dismiss")
    st, hit = a.get(f"/api/v1/hits/{other}")
    eq((hit["status"], hit["reason"]), ("dismissed", "news article, not an offer"), "dismissed")
    eq(a.post(f"/api/v1/hits/{other}/dismiss", {"reason": "again"})[0], 409, "dismiss twice")
    st, q = a.get("/api/v1/hits", status="dismissed")
    eq([x["id"] for x in q["items"]], [other], "dismissed list")
    # viewers see the queue but cannot decide
    v = srv.login("a-viewer")
    eq(v.get("/api/v1/hits")[0], 200, "viewer sees the queue")
    third = next(r["id"] for r in res["results"] if r["id"] not in (hid, other))
    eq(v.post(f"/api/v1/hits/{third}/dismiss", {"reason": "x"})[0], 403, "viewer cannot dismiss")
    # malformed hits: the whole request is refused, nothing stored
    before = a.get("/api/v1/hits", per_page=1)[1]["total"]
    st, body = scanner.post("/api/v1/hits", [dict(s2, text="new text"), {"score": "high"}])
    eq(st, 400, "one bad hit refuses the request")
    check("hit 1" in body["error"]["message"], f"names the bad hit: {body}")
    st, body = scanner.post("/api/v1/hits", dict(s2, colour="red"))
    eq((st, body["error"]["code"]), (400, "unknown_field"), "unknown field in a hit")
    check("colour" in body["error"]["message"], "names the field")
    eq(a.get("/api/v1/hits", per_page=1)[1]["total"], before, "nothing stored")
finally:
    srv.cleanup()
finish()
