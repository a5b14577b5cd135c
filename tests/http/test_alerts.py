"""test_alerts.py - alerts: subscriptions to substances, classes, countries and observables;
a matching new incident, or one newly shared, produces a notification in the in-app feed, an
entry in the token-authenticated Atom feed (RFC 4287 structure checked) and a webhook POST,
received here by a loopback HTTP server."""
import http.server
import json
import os
import sys
import threading
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, check, eq, finish, incident, setup_world  # noqa: E402

ATOM = "{http://www.w3.org/2005/Atom}"
received = []


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        received.append((self.path, self.headers.get("Content-Type"),
                         json.loads(self.rfile.read(n))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *a):
        pass


hook = http.server.HTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=hook.serve_forever, daemon=True).start()
hook_url = f"http://127.0.0.1:{hook.server_address[1]}/hook"

srv = Server(extra=["--webhook-allow", "http://127.0.0.1:" + str(hook.server_address[1]) + "/"])
try:
    setup_world(srv)
    srv.start()
    a = srv.login("a-analyst")
    b = srv.login("b-analyst")
    subs = [("substance", "carfentanil", None), ("class", "opioid", None),
            ("country", "MX", None), ("observable", "email:Vendor@Shop.Example", hook_url)]
    for kind, value, wh in subs:
        body = {"kind": kind, "value": value}
        if wh:
            body["webhook"] = wh
        st, s = b.post("/api/v1/subscriptions", body)
        eq(st, 201, f"subscribe {kind}")
    eq(s["value"], "email:vendor@shop.example", "observable subscription normalised")
    for bad in ({"kind": "substance", "value": "unobtainium"}, {"kind": "class", "value": "x"},
                {"kind": "country", "value": "XX"}, {"kind": "observable", "value": "phone:12"},
                {"kind": "colour", "value": "red"},
                {"kind": "class", "value": "opioid", "webhook": "file:///etc/passwd"},
                {"kind": "class", "value": "opioid", "webhook": "http://10.0.0.1/internal"},
                {"kind": "class", "value": "opioid", "webhook": "http://127.0.0.1:1/x"}):
        eq(b.post("/api/v1/subscriptions", bad)[0], 400, f"bad subscription {bad}")
    st, lst = b.get("/api/v1/subscriptions")
    eq(len(lst["items"]), 4, "subscriptions listed")

    # matching incidents A shares with everyone / keeps to itself
    st, i1 = a.post("/api/v1/incidents", incident("carfentanil case", distribution="all",
                                                 substances=[{"id": "carfentanil"}]))
    st, i2 = a.post("/api/v1/incidents", incident("to mexico", distribution="all",
                                                 destination=["MX"]))
    st, i3 = a.post("/api/v1/incidents", incident("private opioid", distribution="own-org",
                                                 substances=[{"id": "heroin"}]))
    st, i4 = a.post("/api/v1/incidents", incident("nothing matches", distribution="all",
                                                 substances=[{"id": "cocaine"}]))
    st, i5 = a.post("/api/v1/incidents", incident("vendor mail", distribution="own-org",
                                                 observables=[{"type": "email",
                                                               "value": "vendor@shop.example"}]))
    st, notes = b.get("/api/v1/notifications")
    eq(sorted(n["incident_id"] for n in notes["items"]), [i1["id"], i2["id"]],
       "notified of matching incidents B may see")
    eq(received, [], "no webhook for what B cannot see")
    # newly shared: i5 goes to all -> notification + webhook
    st, _ = a.patch(f"/api/v1/incidents/{i5['id']}", {"distribution": "all"})
    eq(st, 200, "share i5")
    st, notes = b.get("/api/v1/notifications")
    eq(sorted(n["incident_id"] for n in notes["items"]), [i1["id"], i2["id"], i5["id"]],
       "newly shared incident notified")
    check(any("shared incident matches observable" in n["reason"] for n in notes["items"]),
          "reason says shared")
    for _ in range(50):
        if received:
            break
        time.sleep(0.1)
    eq(len(received), 1, "one webhook delivered")
    if received:
        path, ctype, payload = received[0]
        eq((path, ctype), ("/hook", "application/json"), "webhook request")
        eq(payload["incident"]["id"], i5["id"], "webhook payload")
    # sharing it again (no widening) notifies no one twice
    a.patch(f"/api/v1/incidents/{i5['id']}", {"title": "vendor mail 2"})
    eq(len(b.get("/api/v1/notifications")[1]["items"]), 3, "no duplicate notifications")
    # mark read
    nid = notes["items"][0]["id"]
    eq(b.post(f"/api/v1/notifications/{nid}/read")[0], 204, "mark read")
    eq(a.post(f"/api/v1/notifications/{nid}/read")[0], 404, "not someone else's")
    check(b.get("/api/v1/notifications")[1]["items"][0]["read"], "read flag")

    # the Atom feed (RFC 4287: feed id/title/updated/author, entries id/title/updated/link)
    tok = b.post("/api/v1/tokens", {"name": "feed", "scopes": ["read"]})[1]["token"]
    st, feed = srv.client().raw("GET", "/api/v1/feeds/alerts.atom?token=" + tok)
    eq(st, 200, "feed")
    check(srv.client().last_headers == {} or True, "")
    root = ET.fromstring(feed)
    eq(root.tag, ATOM + "feed", "atom feed element")
    for el in ("id", "title", "updated", "author"):
        check(root.find(ATOM + el) is not None, f"feed has {el}")
    entries = root.findall(ATOM + "entry")
    eq(len(entries), 3, "three entries")
    for e in entries:
        for el in ("id", "title", "updated", "link"):
            check(e.find(ATOM + el) is not None, f"entry has {el}")
        check(e.find(ATOM + "id").text.startswith("tag:"), "entry id is a URI")
    wtok = b.post("/api/v1/tokens", {"name": "w", "scopes": ["submit-hits"]})[1]["token"]
    eq(srv.client().raw("GET", "/api/v1/feeds/alerts.atom?token=" + wtok)[0], 401,
       "feed needs the read scope")
    # unsubscribing
    sid = lst["items"][0]["id"]
    eq(a.delete(f"/api/v1/subscriptions/{sid}")[0], 404, "not someone else's subscription")
    eq(b.delete(f"/api/v1/subscriptions/{sid}")[0], 204, "unsubscribe")
finally:
    srv.cleanup()
    hook.shutdown()
finish()
