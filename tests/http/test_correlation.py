"""test_correlation.py - correlation on save and the network graph: observables written
differently but equal once normalised link incidents (phone formats, e-mail case, URL forms,
wallet), the same substance on the same route links within the 30-day window and not beyond,
an unrelated incident stays unlinked, links follow updates, and network?depth=N grows with N."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, check, eq, finish, incident, setup_world  # noqa: E402

srv = Server()
try:
    setup_world(srv)
    srv.start()
    a = srv.login("a-analyst")

    def mk(title, **kw):
        st, body = a.post("/api/v1/incidents", incident(title, **kw))
        eq(st, 201, f"create {title}: {body if st != 201 else ''}")
        return body

    def links(inc_id):
        st, body = a.get(f"/api/v1/incidents/{inc_id}")
        return {(c["incident_id"], c["kind"], c["detail"]) for c in body["correlations"]}

    i1 = mk("one", observables=[{"type": "phone", "value": "+44 7700 900123"},
                                {"type": "email", "value": "Seller@Mail.Example"}])
    eq(i1["correlations"], [], "first incident: nothing to link")
    i2 = mk("two", observables=[{"type": "phone", "value": "0044-7700-900-123"}])
    eq([(c["incident_id"], c["detail"]) for c in i2["correlations"]],
       [(i1["id"], "phone:+447700900123")], "phone formats correlate on save")
    i3 = mk("three", observables=[{"type": "email", "value": "seller@mail.example"},
                                  {"type": "url", "value": "HTTPS://Shop.Example:443/a/./b/../c#x"}])
    eq({c["incident_id"] for c in i3["correlations"]}, {i1["id"]}, "e-mail case")
    i4 = mk("four", observables=[{"type": "url", "value": "https://shop.example/a/c"},
                                 {"type": "wallet",
                                  "value": "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"}])
    eq({c["incident_id"] for c in i4["correlations"]}, {i3["id"]}, "canonical URLs")
    eq(i4["observables"][0]["value"], "https://shop.example/a/c", "URL normal form")
    i5 = mk("five", observables=[{"type": "wallet", "value": "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"}])
    eq({c["incident_id"] for c in i5["correlations"]}, {i4["id"]}, "wallet with/without chain")
    # links are symmetric
    check((i2["id"], "observable", "phone:+447700900123") in links(i1["id"]), "symmetric link")

    # routes: same substance, same origin and destination, within 30 days
    route = dict(origin=["CO"], destination=["ES"], substances=[{"id": "cocaine"}])
    r1 = mk("route one", occurred_on="2026-01-10", **route)
    r2 = mk("route two", occurred_on="2026-02-05", **route)  # 26 days later: linked
    r3 = mk("route three", occurred_on="2026-04-20", **route)  # far: not linked
    r4 = mk("other drug", occurred_on="2026-01-11", origin=["CO"], destination=["ES"],
            substances=[{"id": "heroin"}])
    r5 = mk("other route", occurred_on="2026-01-11", origin=["CO"], destination=["PT"],
            substances=[{"id": "cocaine"}])
    eq({(c["incident_id"], c["kind"], c["detail"]) for c in r2["correlations"]},
       {(r1["id"], "route", "cocaine:CO>ES")}, "route within the window")
    eq(r3["correlations"], [], "route outside the window")
    eq(r4["correlations"], [], "other substance")
    eq(r5["correlations"], [], "other destination")
    unrelated = mk("unrelated", observables=[{"type": "phone", "value": "+33 6 12 34 56 78"}])
    eq(unrelated["correlations"], [], "unrelated incident")

    # links follow updates: change i2's phone -> link to i1 gone; add the French one -> new
    st, up = a.patch(f"/api/v1/incidents/{i2['id']}",
                     {"observables": [{"type": "phone", "value": "+33612345678"}]})
    eq({c["incident_id"] for c in up["correlations"]}, {unrelated["id"]}, "relinked on update")
    check(all(l[0] != i2["id"] for l in links(i1["id"])), "old link removed")
    st, up = a.patch(f"/api/v1/incidents/{i2['id']}",
                     {"observables": [{"type": "phone", "value": "+447700900123"}]})

    # network: chain i2 -phone- i1 -email- i3 -url- i4 -wallet- i5
    def net(inc_id, depth):
        st, g = a.get(f"/api/v1/incidents/{inc_id}/network", depth=depth)
        eq(st, 200, "network")
        inc_nodes = {n["incident_id"] for n in g["nodes"] if n["kind"] == "incident"}
        obs_nodes = {n["value"] for n in g["nodes"] if n["kind"] == "observable"}
        ids = {n["id"] for n in g["nodes"]}
        check(all(e["source"] in ids and e["target"] in ids for e in g["edges"]),
              "edges join nodes")
        return inc_nodes, obs_nodes
    eq(net(i2["id"], 1)[0], {i2["id"], i1["id"]}, "depth 1")
    eq(net(i2["id"], 2)[0], {i2["id"], i1["id"], i3["id"]}, "depth 2")
    nodes, obs = net(i2["id"], 3)
    eq(nodes, {i2["id"], i1["id"], i3["id"], i4["id"]}, "depth 3")
    check("seller@mail.example" in obs and "https://shop.example/a/c" in obs, "observable nodes")
    eq(net(r2["id"], 1)[0], {r1["id"], r2["id"]}, "route edge in the graph")
    eq(a.get(f"/api/v1/incidents/{i2['id']}/network", depth=9)[0], 400, "depth capped")

    # search by observable uses the normal form
    st, res = a.get("/api/v1/incidents", observable="phone:0044 7700 900123")
    eq({x["id"] for x in res["items"]}, {i1["id"], i2["id"]}, "search by observable")
finally:
    srv.cleanup()
finish()
