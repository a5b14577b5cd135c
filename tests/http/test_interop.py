"""test_interop.py - exports (MISP, STIX 2.1, CSV) and imports (MISP, STIX) through a real
server (issue 8):

- access control: for every user x every incident (each distribution level and status), a
  single export answers 200 exactly when GET /incidents/{id} does, and search and
  sharing-group exports hold exactly the incidents the user may see (never another);
- the MISP event is checked field by field against the MISP core format's required fields,
  their JSON types and the valid category/type pairs, and the mapping of every observable
  type is asserted exactly;
- exports are deterministic (same bytes twice);
- export -> import round trips (MISP and STIX) keep every observable, and STIX keeps the
  incident's details; imports are drafts of the importer's organisation and correlate;
- what an import cannot map is listed; bad requests get 4xx and create nothing;
- CSV: one row per incident and per observable, RFC 4180 quoting, formula guard.

STIX schema validation is in tests/interop (node + ajv)."""
import csv
import io
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
from harness import Server, check, eq, finish, incident, setup_world  # noqa: E402
from fixture import OBSERVABLES, full_incident  # noqa: E402

USERS = ["a-admin", "a-analyst", "a-viewer", "b-analyst", "b-viewer", "c-analyst"]
ORG_OF = {u: u[0].upper() for u in USERS}
GROUP = {"A", "B"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DIGITS = re.compile(r"^[0-9]+$")

# MISP core format (draft-dulaunoy-misp-core-format, "Attribute type"): the categories in which
# each type Interdict uses is valid.
MISP_VALID = {
    "url": {"External analysis", "Network activity", "Payload delivery"},
    "domain": {"External analysis", "Network activity", "Payload delivery"},
    "onion-address": {"External analysis", "Network activity", "Payload delivery"},
    "email-src": {"Network activity", "Payload delivery", "Social network"},
    "phone-number": {"Financial fraud", "Other", "Person"},
    "btc": {"Financial fraud"},
    "xmr": {"Financial fraud"},
    "text": {"Antivirus detection", "Artifacts dropped", "Attribution", "External analysis",
             "Financial fraud", "Internal reference", "Network activity", "Other",
             "Payload delivery", "Payload installation", "Payload type",
             "Persistence mechanism", "Person", "Social network", "Support Tool"},
}


def misp_ids(doc):
    evs = doc["response"] if "response" in doc else [doc]
    return {int(e["Event"]["id"]) for e in evs}


def stix_ids(doc):
    out = set()
    for o in doc["objects"]:
        if o["type"] == "report":
            for e in o.get("extensions", {}).values():
                if "incident_id" in e:
                    out.add(e["incident_id"])
    return out


def csv_ids(text):
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    return {int(r["incident_id"]) for r in rows if r["record"] == "incident"}


def export_ids(fmt, body):
    if fmt == "csv":
        return csv_ids(body)
    doc = json.loads(body)
    return misp_ids(doc) if fmt == "misp" else stix_ids(doc)


def check_misp_event(ev, where):
    """The MISP core format's MUST/SHALL members of an Event, with their JSON types."""
    for k in ("uuid", "id", "info", "threat_level_id", "analysis", "date", "timestamp",
              "publish_timestamp", "org_id", "orgc_id", "attribute_count", "distribution",
              "sharing_group_id"):
        check(isinstance(ev.get(k), str), f"{where}: Event.{k} is a string ({ev.get(k)!r})")
    check(isinstance(ev.get("published"), bool), f"{where}: Event.published is a boolean")
    check(UUID.match(ev["uuid"]) is not None, f"{where}: Event.uuid is a UUID")
    for k in ("id", "timestamp", "publish_timestamp", "org_id", "orgc_id", "attribute_count",
              "sharing_group_id"):
        check(DIGITS.match(ev[k]) is not None, f"{where}: Event.{k} is decimal ({ev[k]!r})")
    check(ev["threat_level_id"] in ("1", "2", "3", "4"), f"{where}: threat_level_id")
    check(ev["analysis"] in ("0", "1", "2"), f"{where}: analysis")
    check(ev["distribution"] in ("0", "1", "2", "3", "4"), f"{where}: distribution")
    check(re.match(r"^\d{4}-\d{2}-\d{2}$", ev["date"]) is not None, f"{where}: date")
    check(ev["distribution"] == "4" or ev["sharing_group_id"] == "0",
          f"{where}: sharing_group_id is 0 unless distribution is 4")
    check(len(ev["info"]) <= 256 and "\n" not in ev["info"], f"{where}: info short, one line")
    for o in ("Org", "Orgc"):
        for k in ("id", "name", "uuid"):
            check(isinstance(ev[o].get(k), str), f"{where}: {o}.{k} is a string")
        check(UUID.match(ev[o]["uuid"]) is not None, f"{where}: {o}.uuid")
    for t in ev.get("Tag", []):
        check(isinstance(t.get("name"), str), f"{where}: Tag.name")
    attrs = [(a, None) for a in ev.get("Attribute", [])]
    for ob in ev.get("Object", []):
        for k in ("uuid", "name", "meta-category", "description", "template_uuid",
                  "template_version", "timestamp", "distribution"):
            check(isinstance(ob.get(k), str), f"{where}: Object.{k} is a string")
        check(isinstance(ob.get("deleted"), bool), f"{where}: Object.deleted")
        check(UUID.match(ob["template_uuid"]) is not None, f"{where}: Object.template_uuid")
        check(DIGITS.match(ob.get("id", "")) is not None, f"{where}: Object.id")
        for a in ob["Attribute"]:
            attrs.append((a, ob))
            eq(a.get("object_id"), ob.get("id"), f"{where}: object attribute's object_id")
            check(isinstance(a.get("object_relation"), str),
                  f"{where}: object attribute has object_relation")
    for a, ob in attrs:
        for k in ("uuid", "id", "type", "category", "value", "event_id", "distribution",
                  "timestamp", "sharing_group_id"):
            check(isinstance(a.get(k), str), f"{where}: Attribute.{k} is a string ({a})")
        for k in ("to_ids", "deleted"):
            check(isinstance(a.get(k), bool), f"{where}: Attribute.{k} is a boolean")
        check(UUID.match(a["uuid"]) is not None, f"{where}: Attribute.uuid")
        check(a["distribution"] in ("0", "1", "2", "3", "4", "5"), f"{where}: A.distribution")
        check(a["category"] in MISP_VALID.get(a["type"], set()),
              f"{where}: category {a['category']!r} valid for type {a['type']!r}")
    eq(ev["attribute_count"], str(len(attrs)), f"{where}: attribute_count counts every attribute")
    ids = [a["id"] for a, _ in attrs]
    eq(len(ids), len(set(ids)), f"{where}: attribute ids unique")
    uuids = [a["uuid"] for a, _ in attrs] + [o["uuid"] for o in ev.get("Object", [])]
    eq(len(uuids), len(set(uuids)), f"{where}: attribute and object uuids unique")


def obs_set(inc):
    return sorted((o["type"], o["value"]) for o in inc["observables"])


srv = Server()
try:
    w = setup_world(srv)
    srv.start()
    cl = {u: srv.login(u) for u in USERS}

    # ---------------------------------------------------------------- access control
    def mk(user, word, dist, status="confirmed"):
        doc = incident(f"case {word}", status=status, distribution=dist, narrative=word,
                       observables=[{"type": "phone", "value": "+44 7700 900555"}])
        if dist == "sharing-group":
            doc["sharing_group_id"] = w["group"]
        st, body = cl[user].post("/api/v1/incidents", doc)
        eq(st, 201, f"create {word}")
        return {"id": body["id"], "org": ORG_OF[user], "dist": dist, "status": status,
                "word": word}

    incs = [
        mk("a-analyst", "zqownA", "own-org"),
        mk("a-analyst", "zqgrpA", "sharing-group"),
        mk("a-analyst", "zqallA", "all"),
        mk("a-analyst", "zqdraftallA", "all", status="draft"),
        mk("a-analyst", "zqdraftgrpA", "sharing-group", status="draft"),
        mk("b-analyst", "zqgrpB", "sharing-group"),
        mk("b-analyst", "zqownB", "own-org"),
        mk("c-analyst", "zqownC", "own-org"),
        mk("c-analyst", "zqallC", "all"),
    ]

    def visible(user, i):
        org = ORG_OF[user]
        if i["org"] == org:
            return True
        if i["status"] == "draft":
            return False
        return i["dist"] == "all" or (i["dist"] == "sharing-group" and org in GROUP)

    for u in USERS:
        c = cl[u]
        want = {i["id"] for i in incs if visible(u, i)}
        group_want = {i["id"] for i in incs if i["dist"] == "sharing-group"
                      and i["status"] != "draft"} if ORG_OF[u] in GROUP else None
        for fmt in ("misp", "stix", "csv"):
            for i in incs:
                st, body = c.raw("GET", f"/api/v1/incidents/{i['id']}/export?format={fmt}")
                eq(st, 200 if visible(u, i) else 404, f"{u} {fmt} export of {i['word']}")
                if st == 200:
                    eq(export_ids(fmt, body), {i["id"]}, f"{u} {fmt} export holds {i['word']}")
                else:
                    check(i["word"].encode() not in body, f"{u} {fmt}: 404 body leaks nothing")
            st, body = c.raw("GET", f"/api/v1/incidents/export?format={fmt}&limit=1000")
            eq(st, 200, f"{u} {fmt} search export")
            eq(export_ids(fmt, body), want, f"{u} {fmt} search export = visible incidents")
            for i in incs:
                if not visible(u, i):
                    check(i["word"].encode() not in body, f"{u} {fmt} export leaks {i['word']}")
            st, body = c.raw("GET", f"/api/v1/incidents/export?format={fmt}&q=zqgrpB")
            eq(export_ids(fmt, body) if st == 200 else None,
               {incs[5]["id"]} if visible(u, incs[5]) else set(), f"{u} {fmt} search q=")
            st, body = c.raw("GET", f"/api/v1/sharing-groups/{w['group']}/export?format={fmt}")
            if group_want is None:
                eq(st, 404, f"{u} {fmt}: a group you are not in is not found")
            else:
                eq(st, 200, f"{u} {fmt} group export")
                eq(export_ids(fmt, body), group_want, f"{u} {fmt} group export")
    anon = srv.client()
    eq(anon.raw("GET", f"/api/v1/incidents/{incs[2]['id']}/export?format=misp")[0], 401,
       "export needs a caller")
    eq(cl["a-analyst"].raw("GET", f"/api/v1/incidents/{incs[0]['id']}/export")[0], 400,
       "export without a format")
    eq(cl["a-analyst"].raw("GET", f"/api/v1/incidents/{incs[0]['id']}/export?format=xml")[0],
       400, "export in an unknown format")
    eq(cl["a-analyst"].raw("GET", "/api/v1/incidents/export?format=csv&country=XX")[0], 400,
       "search export checks filters like search")
    eq(cl["a-analyst"].raw("GET", "/api/v1/sharing-groups/999/export?format=csv")[0], 404,
       "export of an unknown group")
    tok = cl["a-analyst"].post("/api/v1/tokens", {"name": "w", "scopes": ["write"]})[1]["token"]
    eq(srv.client(token=tok).raw("GET", "/api/v1/incidents/export?format=csv")[0], 403,
       "export needs the read scope")

    # ---------------------------------------------------------------- the MISP mapping
    a = cl["a-analyst"]
    st, full = a.post("/api/v1/incidents", full_incident(distribution="sharing-group",
                                                         sharing_group_id=w["group"],
                                                         status="shared"))
    eq(st, 201, "create the fixture incident")
    fid = full["id"]
    st, mdoc = a.get(f"/api/v1/incidents/{fid}/export", format="misp")
    eq(st, 200, "MISP export of the fixture")
    ev = mdoc["Event"]
    check_misp_event(ev, "fixture")
    eq(ev["info"], full["title"], "info = title")
    eq(ev["date"], "2026-03-20", "date = occurred_on")
    eq((ev["distribution"], ev["sharing_group_id"]), ("4", str(w["group"])),
       "sharing group -> distribution 4")
    eq(ev["SharingGroup"]["name"], "G", "SharingGroup name")
    eq((ev["analysis"], ev["threat_level_id"], ev["published"]), ("1", "2", True),
       "analysis, threat level, published")
    eq(ev["Orgc"]["name"], "A", "Orgc")
    eq(ev["EventReport"][0]["content"], full["narrative"], "narrative in the EventReport")
    tags = {t["name"] for t in ev["Tag"]}
    for t in ("tlp:amber", 'interdict:incident-type="online-offer"',
              'interdict:substance="fentanyl"', 'interdict:origin="CN"',
              'interdict:transit="NL"', 'interdict:destination="GB"',
              'interdict:transport-mode="postal"'):
        check(t in tags, f"tag {t}")
    attrs = sorted((x["type"], x["category"], x["value"], x["to_ids"]) for x in ev["Attribute"])
    eq(attrs, sorted([
        ("url", "Network activity", "https://shop.example/listing/1?id=7", True),
        ("url", "Network activity", "https://shop.example/it's-here", True),
        ("domain", "Network activity", "shop.example", True),
        ("onion-address", "Network activity",
         "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion", True),
        ("phone-number", "Person", "+447700900123", False),
        ("email-src", "Social network", "seller@mail.example", True),
        ("text", "Social network", "0123456789ABCDEF0123456789ABCDEF01234567", False),
        ("text", "Other", "LX123456789CN", False),
    ]), "event attributes: type, category, value, to_ids")
    objs = sorted((o["name"], tuple(sorted((x["object_relation"], x["type"], x["value"])
                                           for x in o["Attribute"]))) for o in ev["Object"])
    eq(objs, sorted([
        ("coin-address", (("address", "btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
                          ("symbol", "text", "BTC"))),
        ("coin-address", (("address-xmr", "xmr", OBSERVABLES[8]["value"]),
                          ("symbol", "text", "XMR"))),
        ("coin-address", (("address-crypto", "text",
                           "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb"),
                          ("symbol", "text", "ETH"))),
        ("user-account", (("account-type", "text", "telegram"),
                          ("username", "text", "plugs_uk"))),
        ("legal-entity", (("name", "text", "Hubei Fine   Chemicals Co."),)),
    ]), "event objects (coin-address, user-account, legal-entity)")
    st, own = a.get(f"/api/v1/incidents/{incs[0]['id']}/export", format="misp")
    eq(own["Event"]["distribution"], "0", "own-org -> distribution 0")
    st, al = a.get(f"/api/v1/incidents/{incs[2]['id']}/export", format="misp")
    eq(al["Event"]["distribution"], "1", "all -> distribution 1 (this community)")
    check_misp_event(own["Event"], "own-org incident")

    # ---------------------------------------------------------------- deterministic
    for fmt in ("misp", "stix", "csv"):
        one = a.raw("GET", f"/api/v1/incidents/{fid}/export?format={fmt}")[1]
        two = a.raw("GET", f"/api/v1/incidents/{fid}/export?format={fmt}")[1]
        eq(one, two, f"{fmt} export is reproducible")
    st, sdoc = a.get(f"/api/v1/incidents/{fid}/export", format="stix")
    eq(a.last_headers.get("content-type"), "application/stix+json;version=2.1", "STIX type")
    types = sorted({o["type"] for o in sdoc["objects"]})
    eq(types, sorted(["identity", "extension-definition", "marking-definition", "url",
                      "domain-name", "email-addr", "user-account", "interdict-phone",
                      "interdict-wallet", "interdict-pgp-fingerprint",
                      "interdict-tracking-number", "observed-data", "indicator",
                      "relationship", "report"]), "STIX object types")
    pats = sorted(o["pattern"] for o in sdoc["objects"] if o["type"] == "indicator")
    eq(pats, sorted([
        "[url:value = 'https://shop.example/listing/1?id=7']",
        "[url:value = 'https://shop.example/it\\'s-here']",
        "[domain-name:value = 'shop.example']",
        "[domain-name:value = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion']",
        "[email-addr:value = 'seller@mail.example']",
        "[user-account:account_type = 'telegram' AND user-account:account_login = 'plugs_uk']",
    ]), "STIX indicator patterns")
    marks = {o["id"] for o in sdoc["objects"] if o["type"] == "marking-definition"}
    eq(marks, {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"}, "TLP:AMBER 2.0")
    # STIX 2.1 section 2.9: deterministic SCO id of url 'https://shop.example/listing/1?id=7'
    import uuid
    want_url = "url--" + str(uuid.uuid5(uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"),
                                        '{"value":"https://shop.example/listing/1?id=7"}'))
    check(want_url in {o["id"] for o in sdoc["objects"]}, "SCO ids per STIX 2.1 section 2.9")

    # ---------------------------------------------------------------- round trips
    for fmt in ("misp", "stix"):
        body = a.raw("GET", f"/api/v1/incidents/{fid}/export?format={fmt}")[1]
        b = cl["b-analyst"]
        st, res = b.req("POST", f"/api/v1/import?format={fmt}", body)
        eq(st, 201, f"{fmt} import")
        eq(len(res["created"]), 1, f"{fmt} import creates one incident")
        eq(res["unmapped"], [], f"{fmt} round trip maps everything")
        nid = res["created"][0]["id"]
        st, new = b.get(f"/api/v1/incidents/{nid}")
        eq(obs_set(new), obs_set(full), f"{fmt} round trip keeps every observable")
        eq((new["status"], new["distribution"], new["org"]["name"]), ("draft", "own-org", "B"),
           f"{fmt} import: a draft of the importer's organisation")
        eq(new["title"], full["title"], f"{fmt} title")
        eq(new["narrative"], full["narrative"], f"{fmt} narrative")
        eq(new["tlp"], "amber", f"{fmt} TLP")
        eq(new["type"], "online-offer", f"{fmt} type")
        eq((new["origin"], new["transit"], new["destination"]), (["CN"], ["NL"], ["GB"]),
           f"{fmt} countries")
        eq([s["id"] for s in new["substances"]], ["fentanyl"], f"{fmt} substances")
        check(fid in {x["incident_id"] for x in new["correlations"]},
              f"{fmt} import correlates with the original")
        if fmt == "stix":
            eq((new["occurred_on"], new["reported_on"], new["transport_mode"],
                new["concealment"]), ("2026-03-20", "2026-03-22", "postal", "toner cartridge"),
               "stix keeps dates, transport and concealment")
            s = new["substances"][0]
            eq((s["quantity"], s["unit"], s["form"], s["purity"]), (12.5, "g", "powder", 40.0),
               "stix keeps quantities")
        # the original's owner is not the importer's: the import is invisible to A
        eq(a.get(f"/api/v1/incidents/{nid}")[0], 404, f"{fmt} imported draft is B's only")
    # a whole search round-trips too
    body = a.raw("GET", "/api/v1/incidents/export?format=stix&limit=1000")[1]
    st, res = a.req("POST", "/api/v1/import?format=stix", body)
    eq((st, len(res["created"])), (201, len(stix_ids(json.loads(body)))),
       "a search export imports as one incident per report")

    # ---------------------------------------------------------------- foreign documents
    foreign = {"Event": {
        "info": "Partner event", "date": "2026-02-01", "threat_level_id": "1",
        "analysis": "0", "distribution": "3",
        "Tag": [{"name": "tlp:white"}, {"name": "misp-galaxy:threat-actor=\"X\""}],
        "Attribute": [
            {"type": "ip-dst", "category": "Network activity", "value": "192.0.2.1"},
            {"type": "hostname", "category": "Network activity", "value": "Drugs.Example"},
            {"type": "email", "category": "Social network", "value": "x@drugs.example"},
            {"type": "phone-number", "category": "Person", "value": "12345"},
            {"type": "btc", "category": "Financial fraud",
             "value": "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
            {"type": "twitter-id", "category": "Social network", "value": "@DrugShop"},
        ],
        "Object": [{"name": "person", "Attribute": [
            {"object_relation": "phone-number", "type": "phone-number",
             "value": "+49 151 2345 6789"},
            {"object_relation": "full-name", "type": "full-name", "value": "J. Doe"}]}],
    }}
    st, res = a.post("/api/v1/import?format=misp", foreign)
    eq(st, 201, "foreign MISP event imported")
    st, new = a.get(f"/api/v1/incidents/{res['created'][0]['id']}")
    eq(obs_set(new), sorted([("domain", "drugs.example"), ("email", "x@drugs.example"),
                             ("wallet", "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
                             ("handle", "twitter:@drugshop"), ("phone", "+4915123456789")]),
       "foreign event: mapped observables")
    eq((new["tlp"], new["occurred_on"]), ("clear", "2026-02-01"), "tlp:white -> clear; date")
    why = " | ".join(f"{u['where']}: {u['reason']}" for u in res["unmapped"])
    for frag in ("ip-dst", "misp-galaxy:threat-actor", "12345", "full-name"):
        check(frag in why, f"unmapped lists {frag}: {why}")
    eq(len(res["unmapped"]), 4, "exactly four things unmapped")

    bundle = {"type": "bundle", "id": "bundle--6d5c8f2e-9a38-4c83-8f4a-0e6f5e3b1c11",
              "objects": [
                  {"type": "indicator", "spec_version": "2.1",
                   "id": "indicator--0b2b6c4c-2b1a-4c1e-9d1e-7f0d8a4e6b21",
                   "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                   "pattern": "[domain-name:value = 'pills.example']", "pattern_type": "stix",
                   "valid_from": "2026-01-01T00:00:00Z"},
                  {"type": "indicator", "spec_version": "2.1",
                   "id": "indicator--1b2b6c4c-2b1a-4c1e-9d1e-7f0d8a4e6b21",
                   "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                   "pattern": "[ipv4-addr:value = '192.0.2.1'] OR [url:value = 'x']",
                   "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"},
                  {"type": "ipv4-addr", "spec_version": "2.1",
                   "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "value": "192.0.2.1"},
              ]}
    st, res = a.post("/api/v1/import?format=stix", bundle)
    eq(st, 201, "a bundle without a report is one incident")
    st, new = a.get(f"/api/v1/incidents/{res['created'][0]['id']}")
    eq(obs_set(new), [("domain", "pills.example")], "indicator pattern mapped")
    eq(len(res["unmapped"]), 2, f"complex pattern and ipv4-addr unmapped: {res['unmapped']}")

    # ---------------------------------------------------------------- refused imports
    st0, before = a.get("/api/v1/incidents", per_page=1)
    n_before = before["total"]
    for fmt, doc, want in (("misp", {"nothing": 1}, 400), ("stix", {"type": "report"}, 400),
                           ("xml", foreign, 400), (None, foreign, 400),
                           ("misp", {"Event": {"info": "x", "Attribute": [
                               {"type": "ip-dst", "value": "192.0.2.1"}]}}, 201)):
        path = "/api/v1/import" + (f"?format={fmt}" if fmt else "")
        st, res = a.post(path, doc)
        eq(st, want, f"import {fmt} {str(doc)[:40]}")
    eq(a.req("POST", "/api/v1/import?format=misp", "{not json")[0], 400, "malformed JSON")
    st, res = a.post("/api/v1/import?format=misp", [{"Event": {"info": "x"}}] * 1001)
    eq((st, res["error"]["code"]), (400, "too_many_incidents"), "at most 1,000 per import")
    eq(cl["a-viewer"].post("/api/v1/import?format=misp", foreign)[0], 403, "viewers cannot")
    eq(a.req("POST", "/api/v1/import?format=misp", json.dumps(foreign),
             headers={"Content-Type": "text/plain"})[0], 415, "JSON only")
    eq(a.get("/api/v1/incidents", per_page=1)[1]["total"], n_before + 1,
       "refused imports created nothing (one accepted event created one)")

    # ---------------------------------------------------------------- CSV
    st, evil = a.post("/api/v1/incidents", incident("=HYPERLINK(\"http://x\")",
                                                    observables=OBSERVABLES[:2]))
    body = a.raw("GET", f"/api/v1/incidents/{evil['id']}/export?format=csv")[1]
    eq(a.last_headers.get("content-type"), "text/csv; charset=utf-8; header=present", "CSV type")
    check(body.endswith(b"\r\n") and b"\r\n" in body, "CRLF line ends")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    eq([r["record"] for r in rows], ["incident", "observable", "observable"], "CSV rows")
    eq(rows[0]["title"], "'=HYPERLINK(\"http://x\")", "formula guard")
    eq((rows[1]["observable_type"], rows[1]["observable_value"]),
       ("url", "https://shop.example/listing/1?id=7"), "observable row")
    body = a.raw("GET", f"/api/v1/incidents/{fid}/export?format=csv")[1]
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    eq(len(rows), 1 + len(full["observables"]), "one row per incident and per observable")
    eq((rows[0]["origin"], rows[0]["substances"], rows[0]["org"]), ("CN", "fentanyl 12.5 g", "A"),
       "incident row")
    eq({(r["observable_type"], r["observable_value"]) for r in rows[1:]},
       set(obs_set(full)), "every observable has its row")
finally:
    srv.cleanup()

# ---------------------------------------------------------------- the demo users
# every demo user's exports hold exactly what the API lets that user read
DEMO = {"admin": "demo-admin-2026", "nora.analyst": "demo-analyst-2026",
        "nick.viewer": "demo-viewer-2026", "sven.analyst": "demo-analyst-2026",
        "eva.checker": "demo-analyst-2026", "pat.platform": "demo-analyst-2026",
        "ian.intl": "demo-analyst-2026"}
srv = Server(demo=True)
try:
    srv.start()
    seen_counts = set()
    for user, pw in DEMO.items():
        c = srv.login(user, pw)
        st, res = c.get("/api/v1/incidents", per_page=100)
        want = {x["id"] for x in res["items"]}
        seen_counts.add(len(want))
        st, groups = c.get("/api/v1/sharing-groups")
        for fmt in ("misp", "stix", "csv"):
            st, body = c.raw("GET", f"/api/v1/incidents/export?format={fmt}&limit=1000")
            eq(export_ids(fmt, body), want, f"demo {user}: {fmt} export = what search shows")
            for g in groups["items"]:
                st, body = c.raw("GET", f"/api/v1/sharing-groups/{g['id']}/export?format={fmt}")
                got = export_ids(fmt, body)
                check(got <= want, f"demo {user}: group {g['id']} {fmt} export within search")
                for i in got:
                    st, inc = c.get(f"/api/v1/incidents/{i}")
                    eq((inc["distribution"], inc["sharing_group_id"]),
                       ("sharing-group", g["id"]), f"demo {user}: {i} is group {g['id']}'s")
        for i in range(1, 25):
            st, _ = c.get(f"/api/v1/incidents/{i}")
            st2 = c.raw("GET", f"/api/v1/incidents/{i}/export?format=stix")[0]
            eq(st2, st, f"demo {user}: export of {i} answers like GET ({st})")
    check(len(seen_counts) > 1, f"demo users see different incidents ({seen_counts})")
finally:
    srv.cleanup()
finish()
