"""test_stats.py - GET /api/v1/stats, the dashboard's figures, from known incidents:

- by_month_class (incidents per month of occurred_on and substance class, the last 24
  months), routes (origin-destination country pairs, same-country pairs left out), transits,
  and the older members (by_type, by_class, by_month, top_substances, origins, destinations),
  each compared exactly with the figures computed here from the incidents each user may see;
- an outsider's figures exclude other organisations' incidents; drafts count for their own
  organisation only; a change of sharing, status, date, substances or countries and a
  deletion move the counts at once;
- the counters rebuilt by the migration that introduced them (run again on a copy of the
  database rolled back to the version before) give the same figures;
- /stats writes nothing to the audit log;
- the document has exactly the members of the OpenAPI schema (data/openapi/interdict.json),
  both ways, with the item shapes it gives."""
import datetime
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (PG, SRC, Server, check, eq, finish, incident, pg_sql,  # noqa: E402
                     setup_world)

CLASS = {"fentanyl": "opioid", "heroin": "opioid", "cocaine": "stimulant", "mdma": "entactogen",
         "alprazolam": "sedative"}
NEW_DIMS = ("month_class", "route", "transit")


def month_back(k):
    """YYYY-MM of the month k months before this one (UTC)."""
    t = datetime.datetime.now(datetime.timezone.utc)
    m = t.year * 12 + t.month - 1 - k
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def day_of(k):
    return month_back(k) + "-15"


# ---------------------------------------------------------------- the model
def visible(inc, org, groups):
    if inc["org"] == org:
        return True
    if inc["doc"].get("status", "draft") == "draft":
        return False
    dist = inc["doc"].get("distribution", "own-org")
    return dist == "all" or (dist == "sharing-group" and inc["doc"].get("sharing_group_id") in groups)


def expected(incs, org, groups):
    """The stats members computed from the incidents org may see."""
    vis = [i["doc"] for i in incs.values() if visible(i, org, groups)]
    since = month_back(23)
    count = {}

    def add(dim, key):
        count.setdefault(dim, {})
        count[dim][key] = count[dim].get(key, 0) + 1

    for d in vis:
        subs = {s["id"] for s in d.get("substances", [])}
        classes = {CLASS[s] for s in subs}
        occ = d.get("occurred_on")
        add("type", d["type"])
        for c in classes:
            add("class", c)
            if occ and occ[:7] >= since:
                add("month_class", (occ[:7], c))
        if occ:
            add("month", (occ[:7], d["type"]))
        for s in subs:
            add("substance", s)
        for role in ("origin", "destination", "transit"):
            for c in set(d.get(role, [])):
                add(role, c)
        for o in set(d.get("origin", [])):
            for t in set(d.get("destination", [])):
                if o != t:
                    add("route", (o, t))

    def by_n(dim):  # count descending, then key
        return sorted(count.get(dim, {}).items(), key=lambda kv: (-kv[1], kv[0]))

    return {
        "by_type": [{"type": k, "n": n} for k, n in sorted(count.get("type", {}).items())],
        "by_class": [{"class": k, "n": n} for k, n in sorted(count.get("class", {}).items())],
        "by_month": [{"month": k[0], "type": k[1], "n": n}
                     for k, n in sorted(count.get("month", {}).items())],
        "by_month_class": [{"month": k[0], "class": k[1], "n": n}
                           for k, n in sorted(count.get("month_class", {}).items())],
        "top_substances": [k for k, _ in by_n("substance")][:20],
        "origins": [{"country": k, "n": n} for k, n in by_n("origin")],
        "destinations": [{"country": k, "n": n} for k, n in by_n("destination")],
        "transits": [{"country": k, "n": n} for k, n in by_n("transit")],
        "routes": [{"origin": k[0], "destination": k[1], "n": n} for k, n in by_n("route")],
    }


def got_of(s):
    g = {k: s[k] for k in ("by_type", "by_class", "by_month", "by_month_class", "origins",
                           "destinations", "transits", "routes")}
    g["top_substances"] = [x["id"] for x in s["top_substances"]]
    return g


# ---------------------------------------------------------------- a small schema checker
def deref(doc, schema):
    while "$ref" in schema:
        node = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def check_schema(doc, schema, value, where):
    """Checks value against the subset of JSON Schema the document uses for /stats: $ref,
    type (one or a list), properties, required, additionalProperties false, items."""
    schema = deref(doc, schema)
    types = schema.get("type")
    if types:
        types = types if isinstance(types, list) else [types]
        pytype = {"object": dict, "array": list, "string": str, "null": type(None),
                  "boolean": bool}
        ok = any((t == "integer" and isinstance(value, int) and not isinstance(value, bool)) or
                 (t == "number" and isinstance(value, (int, float)) and not isinstance(value, bool)) or
                 (t in pytype and isinstance(value, pytype[t])) for t in types)
        if not check(ok, f"{where}: {value!r} is not {types}"):
            return
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            check(k in value, f"{where}: required member {k} missing")
        if schema.get("additionalProperties") is False:
            eq(sorted(set(value) - set(props)), [], f"{where}: members not in the schema")
        for k, v in value.items():
            if k in props:
                check_schema(doc, props[k], v, f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            check_schema(doc, schema["items"], v, f"{where}[{i}]")


# ---------------------------------------------------------------- the test
srv = Server()
try:
    w = setup_world(srv)
    srv.start()
    A, B, C = w["org"]["A"], w["org"]["B"], w["org"]["C"]
    G = w["group"]
    groups = {A: {G}, B: {G}, C: set()}
    users = {A: srv.login("a-analyst"), B: srv.login("b-analyst"), C: srv.login("c-analyst")}
    adm = srv.login("a-admin")
    incs = {}

    def mk(key, who, **kw):
        doc = incident(key, **kw)
        st, body = users[who].post("/api/v1/incidents", doc)
        eq(st, 201, f"create {key}")
        incs[key] = {"id": body["id"], "org": who, "doc": doc}

    def change(key, **kw):
        inc = incs[key]
        st, _ = users[inc["org"]].patch(f"/api/v1/incidents/{inc['id']}", kw)
        eq(st, 200, f"change {key} {kw}")
        inc["doc"].update(kw)

    def compare(tag):
        for org, name in ((A, "A"), (B, "B"), (C, "C")):
            st, s = users[org].get("/api/v1/stats")
            eq(st, 200, f"{tag}: {name} stats")
            want = expected(incs, org, groups[org])
            got = got_of(s)
            for k in want:
                eq(got[k], want[k], f"{tag}: {name} {k}")

    fen = {"id": "fentanyl"}
    mk("a-own", A, type="seizure", occurred_on=day_of(0), distribution="own-org",
       substances=[fen, {"id": "heroin"}], origin=["CN", "IN"], destination=["GB"],
       transit=["DE"])
    mk("a-group", A, type="stopped-shipment", occurred_on=day_of(1),
       distribution="sharing-group", sharing_group_id=G, substances=[{"id": "cocaine"}, fen],
       origin=["CO"], destination=["NL", "GB"], transit=["DE", "BE"])
    mk("a-all", A, type="seizure", occurred_on=day_of(1), distribution="all",
       substances=[{"id": "cocaine"}], origin=["CO"], destination=["NL"])
    mk("a-draft", A, type="online-offer", occurred_on=day_of(5), distribution="all",
       status="draft", substances=[{"id": "mdma"}], origin=["NL"], destination=["DE"])
    mk("a-old", A, type="seizure", occurred_on=day_of(30), distribution="all",
       substances=[fen], origin=["CN"], destination=["GB"])
    mk("a-undated", A, type="warning", distribution="all", substances=[{"id": "alprazolam"}],
       origin=["IN"], destination=["GB"])
    mk("a-domestic", A, type="seizure", occurred_on=day_of(0), distribution="all",
       substances=[{"id": "heroin"}], origin=["GB", "GB"], destination=["GB"])
    mk("b-group", B, type="seizure", occurred_on=day_of(2), distribution="sharing-group",
       sharing_group_id=G, substances=[{"id": "heroin"}], origin=["AF"], destination=["DE"],
       transit=["IR", "TR"])
    mk("c-own", C, type="seizure", occurred_on=day_of(0), distribution="own-org",
       substances=[fen], origin=["NL"], destination=["AU"])

    # ---- exact figures, hand-checked for A, then the model for everyone
    st, s = users[A].get("/api/v1/stats")
    eq(s["by_month_class"], sorted([
        {"month": month_back(0), "class": "opioid", "n": 2},
        {"month": month_back(1), "class": "stimulant", "n": 2},
        {"month": month_back(1), "class": "opioid", "n": 1},
        {"month": month_back(2), "class": "opioid", "n": 1},
        {"month": month_back(5), "class": "entactogen", "n": 1},
    ], key=lambda x: (x["month"], x["class"])), "A: months by class (the old one and the "
       "undated one left out)")
    eq(s["routes"], [{"origin": "CN", "destination": "GB", "n": 2},
                     {"origin": "CO", "destination": "NL", "n": 2},
                     {"origin": "IN", "destination": "GB", "n": 2},
                     {"origin": "AF", "destination": "DE", "n": 1},
                     {"origin": "CO", "destination": "GB", "n": 1},
                     {"origin": "NL", "destination": "DE", "n": 1}], "A: routes")
    eq(s["transits"], [{"country": "DE", "n": 2}, {"country": "BE", "n": 1},
                       {"country": "IR", "n": 1}, {"country": "TR", "n": 1}], "A: transits")
    st, s = users[C].get("/api/v1/stats")
    eq(s["routes"], [{"origin": "CN", "destination": "GB", "n": 1},
                     {"origin": "CO", "destination": "NL", "n": 1},
                     {"origin": "IN", "destination": "GB", "n": 1},
                     {"origin": "NL", "destination": "AU", "n": 1}],
       "C (outsider): the shared and the own-org incidents of A and B left out")
    eq(s["by_month_class"], [{"month": month_back(1), "class": "stimulant", "n": 1},
                             {"month": month_back(0), "class": "opioid", "n": 2}],
       "C: months by class")
    eq(s["transits"], [], "C: no transit country it may see")
    compare("created")

    # ---- changes move the counts
    change("a-group", distribution="own-org")
    compare("unshared")
    change("a-group", distribution="sharing-group", sharing_group_id=G)
    change("a-draft", status="confirmed")
    compare("shared again, draft confirmed")
    change("a-all", occurred_on=day_of(3), substances=[{"id": "heroin"}, {"id": "cocaine"}])
    compare("date and substances changed")
    change("b-group", origin=["AF", "PK"], destination=["DE", "GB"], transit=["TR"])
    compare("countries changed")
    change("a-undated", occurred_on=day_of(4))
    compare("dated")
    change("a-old", status="draft")
    compare("back to draft")
    st, _ = users[A].delete(f"/api/v1/incidents/{incs['a-all']['id']}")
    eq(st, 204, "delete")
    del incs["a-all"]
    compare("deleted")

    # ---- no audit entries
    st, log = adm.get("/api/v1/audit", limit=1000)
    last = log["items"][-1]["id"]
    for org in (A, B, C):
        users[org].get("/api/v1/stats")
    st, log = adm.get("/api/v1/audit", after=last, limit=1000)
    eq([(e["action"], e["object_type"]) for e in log["items"]], [], "/stats audits nothing")

    # ---- the OpenAPI schema of the document, both ways
    doc = json.load(open(os.path.join(SRC, "data", "openapi", "interdict.json"), encoding="utf-8"))
    schema = doc["paths"]["/api/v1/stats"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    st, s = users[A].get("/api/v1/stats")
    props = deref(doc, schema)
    eq(sorted(props.get("properties", {})), sorted(s), "schema members = response members")
    eq(sorted(props.get("required", [])), sorted(s), "every member required")
    check_schema(doc, schema, s, "stats")

    # ---- migration 5 run again on the same data gives the same figures
    st, before = users[A].get("/api/v1/stats")
    srv.stop()
    if srv.pg_name:
        # back to version 4: migration 6 (the triage queue's keys) is run again too
        pg_sql("DELETE FROM incident_counts WHERE dim IN ('month_class', 'route', 'transit');"
               " DROP TABLE hit_keys; DELETE FROM schema_version WHERE version >= 5",
               srv.pg_name)
    else:
        db = sqlite3.connect(srv.db)
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND"
                                  " name IN ('dims5_del', 'dims5_upd', 'mclass_ins',"
                                  " 'mclass_del', 'route_o_ins', 'route_o_del', 'route_d_ins',"
                                  " 'route_d_del', 'transit_ins', 'transit_del')").fetchall():
            db.execute(f"DROP TRIGGER {name}")
        db.execute("DELETE FROM dim_stats WHERE dim IN ('month_class', 'route', 'transit')")
        db.execute("DROP TABLE hit_keys")  # back to version 4: migration 6 runs again too
        db.execute("DELETE FROM schema_version WHERE version >= 5")
        db.commit()
        db.close()
    srv.start()
    users = {A: srv.login("a-analyst"), B: srv.login("b-analyst"), C: srv.login("c-analyst")}
    st, after = users[A].get("/api/v1/stats")
    eq(after, before, "the migration fills the counters as the triggers kept them")
    compare("after the migration")
    change("b-group", origin=["PK"], destination=["GB"], transit=[])
    compare("kept after the migration")
finally:
    srv.cleanup()
finish()
