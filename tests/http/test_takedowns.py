#!/usr/bin/env python3
"""test_takedowns.py - takedown tracking (issue 10): an incident's listings reported to a
platform (POST /incidents/{id}/takedowns), listed per incident and for the caller's whole view
(GET /takedowns, what `interdict watch` pulls), checks recorded (PATCH /takedowns/{id}), and the
time to takedown in GET /stats.

- create, list (filters open= and platform=), check, gone (the first time seen gone is kept);
- validation: every refusal is a 400 naming the field, and changes nothing (list, audit log);
- access control exactly like incidents: a member of the sharing group sees the takedowns of a
  shared incident but may not change them (403), an outsider gets 404 for everything and sees
  none in /takedowns and none in /stats; viewers read, analysts report;
- /stats: counts, median and the share within 24 h computed from known times, overall and per
  platform, over the caller's incidents only;
- every change in the hash-chained audit log, which still verifies."""
import calendar
import time

from harness import Server, setup_world, incident, eq, check, finish

DAY = 86400


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


srv = Server()
srv.start()
try:
    w = setup_world(srv)
    a = srv.login("a-analyst")
    av = srv.login("a-viewer")
    b = srv.login("b-analyst")
    c = srv.login("c-analyst")
    adm = srv.login("a-admin")
    st, own = a.post("/api/v1/incidents", incident("own listing", distribution="own-org"))
    eq(st, 201, "own-org incident")
    st, shared = a.post("/api/v1/incidents", incident("shared listing",
                                                      distribution="sharing-group",
                                                      sharing_group_id=w["group"]))
    eq(st, 201, "shared incident")
    I1, I2 = own["id"], shared["id"]
    now = int(time.time())

    # ---- create
    st, t1 = a.post(f"/api/v1/incidents/{I1}/takedowns",
                    {"url": "https://market.example/l/77", "platform": "market-x",
                     "reference": "TS-2026-0042", "reported_at": iso(now - 2 * DAY)})
    eq(st, 201, "report a listing")
    eq((t1["incident_id"], t1["url"], t1["platform"], t1["reference"], t1["reported_at"]),
       (I1, "https://market.example/l/77", "market-x", "TS-2026-0042", iso(now - 2 * DAY)),
       "stored as given")
    eq((t1["gone_at"], t1["how"], t1["checks"], t1["last_check"], t1["seconds_to_takedown"]),
       (None, None, 0, None, None), "open, never checked")
    eq((t1["editable"], t1["created_by"]), (True, "a-analyst"), "the reporter's own")
    st, t2 = a.post(f"/api/v1/incidents/{I1}/takedowns",
                    {"url": "http://shop.example/item/9", "platform": "shop-y"})
    eq(st, 201, "reported_at and reference default")
    check(abs(calendar.timegm(time.strptime(t2["reported_at"], "%Y-%m-%dT%H:%M:%SZ")) - now)
          <= 5, f"reported now: {t2['reported_at']}")
    eq(t2["reference"], "", "no reference")
    st, t3 = a.post(f"/api/v1/incidents/{I2}/takedowns",
                    {"url": "https://market.example/l/78", "platform": "market-x",
                     "reference": "TS-2026-0043", "reported_at": iso(now - 3 * DAY)})
    eq(st, 201, "report on the shared incident")
    eq(a.post(f"/api/v1/incidents/{I1}/takedowns",
              {"url": "https://market.example/l/77", "platform": "market-x",
               "reference": "TS-2026-0042"})[0], 409, "the same report twice")

    # ---- validation: 400 naming the field, nothing changed
    st, log0 = adm.get("/api/v1/audit", limit=1000)
    n_audit = len(log0["items"])
    bad = [
        ({"url": "ftp://market.example/x", "platform": "p"}, "'url'"),
        ({"url": "market.example/x", "platform": "p"}, "'url'"),
        ({"url": "https:///nohost", "platform": "p"}, "'url'"),
        ({"url": 7, "platform": "p"}, "'url'"),
        ({"platform": "p"}, "'url'"),
        ({"url": "https://m.example/1", "platform": ""}, "'platform'"),
        ({"url": "https://m.example/1", "platform": "   "}, "'platform'"),
        ({"url": "https://m.example/1"}, "'platform'"),
        ({"url": "https://m.example/1", "platform": "p", "reported_at": "2026-11-29 09:00:00"},
         "'reported_at'"),
        ({"url": "https://m.example/1", "platform": "p", "reported_at": "2026-02-30T09:00:00Z"},
         "'reported_at'"),
        ({"url": "https://m.example/1", "platform": "p", "reported_at": "2026-11-29T09:00:00+01:00"},
         "'reported_at'"),
        ({"url": "https://m.example/1", "platform": "p", "reported_at": iso(now + 2 * DAY)},
         "'reported_at'"),
        ({"url": "https://m.example/1", "platform": "p", "reference": 12}, "'reference'"),
        ({"url": "https://m.example/1", "platform": "p", "gone_at": iso(now)}, "'gone_at'"),
    ]
    for body, field in bad:
        st, err = a.post(f"/api/v1/incidents/{I1}/takedowns", body)
        eq(st, 400, f"refused: {body}")
        check(field in (err or {}).get("error", {}).get("message", ""),
              f"the message names {field}: {err}")
    eq(a.req("POST", f"/api/v1/incidents/{I1}/takedowns", "not json")[0], 400, "not JSON")
    bad_patch = [
        ({"how": "HTTP 404"}, "'gone_at'"),
        ({"gone_at": iso(now)}, "'gone_at'"),
        ({"gone_at": "yesterday", "how": "HTTP 404"}, "'gone_at'"),
        ({"gone_at": iso(now - 10 * DAY), "how": "HTTP 404"}, "before"),
        ({"gone_at": iso(now), "how": "HTTP 404", "checked_at": iso(now - 60)}, "'gone_at'"),
        ({"checked_at": iso(now + DAY)}, "'checked_at'"),
        ({"gone_at": iso(now), "how": ""}, "'how'"),
        ({"status": "gone"}, "'status'"),
    ]
    for body, field in bad_patch:
        st, err = a.patch(f"/api/v1/takedowns/{t1['id']}", body)
        eq(st, 400, f"check refused: {body}")
        check(field in (err or {}).get("error", {}).get("message", ""),
              f"the message names {field}: {err}")
    st, lst = a.get(f"/api/v1/incidents/{I1}/takedowns")
    eq([(t["id"], t["checks"], t["gone_at"]) for t in lst["items"]],
       [(t1["id"], 0, None), (t2["id"], 0, None)], "refusals changed nothing")
    st, log1 = adm.get("/api/v1/audit", limit=1000)
    eq([e["action"] for e in log1["items"][n_audit:] if e["object_type"] == "takedown"], [],
       "refusals wrote no audit entry")

    # ---- roles
    eq(av.post(f"/api/v1/incidents/{I1}/takedowns",
               {"url": "https://m.example/2", "platform": "p"})[0], 403, "a viewer may not report")
    eq(av.patch(f"/api/v1/takedowns/{t1['id']}", {})[0], 403, "a viewer may not record checks")
    st, vl = av.get(f"/api/v1/incidents/{I1}/takedowns")
    eq((st, len(vl["items"])), (200, 2), "a viewer of the organisation reads them")

    # ---- checks
    st, ck = a.patch(f"/api/v1/takedowns/{t1['id']}", {})
    eq(st, 200, "a check")
    eq((ck["checks"], ck["gone_at"], ck["how"]), (1, None, None), "checked, still online")
    check(ck["last_check"] is not None, "last check recorded")
    gone = now - 2 * DAY + 7200
    st, g = a.patch(f"/api/v1/takedowns/{t1['id']}", {"gone_at": iso(gone), "how": "HTTP 404"})
    eq(st, 200, "seen gone")
    eq((g["checks"], g["gone_at"], g["how"], g["seconds_to_takedown"], g["last_check"]),
       (2, iso(gone), "HTTP 404", 7200, iso(gone)), "gone: when and how, time to takedown")
    st, g2 = a.patch(f"/api/v1/takedowns/{t1['id']}",
                     {"gone_at": iso(now), "how": "content no longer flagged"})
    eq((st, g2["checks"], g2["gone_at"], g2["how"]), (200, 3, iso(gone), "HTTP 404"),
       "the first time seen gone is kept")
    st, op = a.get("/api/v1/takedowns", open="true")
    eq(sorted(t["id"] for t in op["items"]), sorted([t2["id"], t3["id"]]), "open ones")
    st, mk = a.get("/api/v1/takedowns", platform="market-x")
    eq(sorted(t["id"] for t in mk["items"]), sorted([t1["id"], t3["id"]]), "by platform")
    st, both = a.get("/api/v1/takedowns", open="true", platform="market-x")
    eq([t["id"] for t in both["items"]], [t3["id"]], "open on one platform")
    eq(a.get("/api/v1/takedowns", open="yes")[0], 400, "open must be true or false")

    # ---- access control
    st, bl = b.get("/api/v1/takedowns")
    eq([t["id"] for t in bl["items"]], [t3["id"]], "a group member sees the shared incident's")
    eq(bl["items"][0]["editable"], False, "but may not change them")
    eq(b.get(f"/api/v1/incidents/{I2}/takedowns")[0], 200, "a group member lists them")
    eq(b.patch(f"/api/v1/takedowns/{t3['id']}", {})[0], 403, "a group member may not check")
    eq(b.post(f"/api/v1/incidents/{I2}/takedowns",
              {"url": "https://m.example/3", "platform": "p"})[0], 403,
       "nor report on another organisation's incident")
    eq(b.get(f"/api/v1/incidents/{I1}/takedowns")[0], 404, "an own-org incident: 404")
    eq(b.patch(f"/api/v1/takedowns/{t1['id']}", {})[0], 404, "its takedown: 404")
    for who, name in ((c, "outsider"),):
        st, cl = who.get("/api/v1/takedowns")
        eq((st, cl["items"]), (200, []), f"{name}: none in /takedowns")
        for iid in (I1, I2):
            eq(who.get(f"/api/v1/incidents/{iid}/takedowns")[0], 404, f"{name}: list 404")
            eq(who.post(f"/api/v1/incidents/{iid}/takedowns",
                        {"url": "https://m.example/4", "platform": "p"})[0], 404,
               f"{name}: report 404")
        for t in (t1, t2, t3):
            eq(who.patch(f"/api/v1/takedowns/{t['id']}", {})[0], 404, f"{name}: check 404")
        eq(who.patch("/api/v1/takedowns/999999", {})[0], 404, "no such takedown: 404 too")
        st, cs = who.get("/api/v1/stats")
        eq(cs["takedowns"], {"reported": 0, "gone": 0, "open": 0, "median_seconds": None,
                             "within_24h": None, "by_platform": []}, f"{name}: none in stats")

    # ---- stats from known times (a's view: t1 gone after 2 h, t2 open since now, t3 open 3
    # days; plus three more on a third incident)
    st, third = a.post("/api/v1/incidents", incident("third", distribution="own-org"))
    I3 = third["id"]
    for k, (plat, rep, dur) in enumerate((("shop-y", now - 5 * DAY, 3600),
                                          ("shop-y", now - 5 * DAY, 2 * DAY),
                                          ("market-x", now - 4 * DAY, 10800))):
        st, t = a.post(f"/api/v1/incidents/{I3}/takedowns",
                       {"url": f"https://s.example/{k}", "platform": plat,
                        "reported_at": iso(rep)})
        eq(st, 201, f"report {k}")
        st, _ = a.patch(f"/api/v1/takedowns/{t['id']}", {"gone_at": iso(rep + dur),
                                                           "how": "HTTP 410"})
        eq(st, 200, f"gone {k}")
    st, s = a.get("/api/v1/stats")
    eq(st, 200, "stats")
    td = s["takedowns"]
    # gone: 7200, 3600, 172800, 10800 -> sorted 3600 7200 10800 172800 -> median 9000;
    # decided: 4 gone + t3 (open for 3 days); within 24 h: 3 of 5
    eq((td["reported"], td["gone"], td["open"], td["median_seconds"]), (6, 4, 2, 9000),
       "overall counts and median")
    eq(td["within_24h"], 0.6, "share taken down within 24 h")
    eq(td["by_platform"],
       [{"platform": "market-x", "reported": 3, "gone": 2, "open": 1, "median_seconds": 9000,
         "within_24h": 2 / 3},
        {"platform": "shop-y", "reported": 3, "gone": 2, "open": 1, "median_seconds": 88200,
         "within_24h": 0.5}], "per platform")
    st, bs = b.get("/api/v1/stats")
    eq((bs["takedowns"]["reported"], bs["takedowns"]["open"], bs["takedowns"]["gone"]),
       (1, 1, 0), "a group member's stats: the shared incident only")

    # an odd count (the middle value) in another organisation: its figures are its own, and
    # a's do not move
    st, cinc = c.post("/api/v1/incidents", incident("c's listings", distribution="own-org"))
    for k, dur in enumerate((5000, 100, 200)):
        st, t = c.post(f"/api/v1/incidents/{cinc['id']}/takedowns",
                       {"url": f"https://odd.example/{k}", "platform": "odd-z",
                        "reported_at": iso(now - DAY)})
        eq(st, 201, f"c reports {k}")
        c.patch(f"/api/v1/takedowns/{t['id']}", {"gone_at": iso(now - DAY + dur), "how": "HTTP 404"})
    st, cs = c.get("/api/v1/stats")
    eq((cs["takedowns"]["reported"], cs["takedowns"]["median_seconds"],
        cs["takedowns"]["within_24h"], [p["platform"] for p in cs["takedowns"]["by_platform"]]),
       (3, 200, 1.0, ["odd-z"]), "an odd count: the middle value")
    eq(a.get("/api/v1/stats")[1]["takedowns"], td, "another organisation's takedowns do not count")

    # ---- audit
    st, log = adm.get("/api/v1/audit", limit=1000)
    tds = [e for e in log["items"] if e["object_type"] == "takedown"]
    eq([e["action"] for e in tds[:6]],
       ["takedown-report", "takedown-report", "takedown-report", "takedown-check",
        "takedown-gone", "takedown-gone"], "reports and checks audited in order")
    eq((tds[0]["object_id"], tds[0]["username"], tds[0]["detail"]["incident_id"],
        tds[0]["detail"]["url"], tds[0]["detail"]["platform"]),
       (str(t1["id"]), "a-analyst", I1, "https://market.example/l/77", "market-x"),
       "what was reported, by whom, on which incident")
    eq((tds[4]["detail"]["how"], tds[4]["object_id"]), ("HTTP 404", str(t1["id"])),
       "how it disappeared")
    st, v = adm.get("/api/v1/audit/verify")
    eq((v["ok"], v["first_bad_id"]), (True, 0), "the chain verifies")

    # ---- deleting the incident deletes its takedowns
    eq(a.delete(f"/api/v1/incidents/{I3}")[0], 204, "delete the third incident")
    st, s2 = a.get("/api/v1/stats")
    eq(s2["takedowns"]["reported"], 3, "its takedowns went with it")
finally:
    srv.stop()
    srv.cleanup()
finish()
