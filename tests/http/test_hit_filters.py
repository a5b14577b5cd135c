"""test_hit_filters.py - server-side filters of the triage queue, GET /api/v1/hits:

- status, min_score, category, substance, class, source (a platform or a URL's host, of any
  source the hit was submitted with), created_after / created_before (first seen), each alone
  and combined, compared exactly with the hits computed here from what was submitted;
- paging (page / per_page) over a filtered list gives each match once, total counts them all;
  sort=score (highest first) and the default (most recently seen first);
- facets=true: every category, substance, class and source of the queue of that status with
  its count; a merged submission adds the keys of its new source;
- another organisation's hits never match; a bad filter is a 400 naming the parameter;
- the keys rebuilt by the migration that introduced them give the same answers."""
import json
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import SRC, Server, check, eq, finish, pg_sql, setup_world  # noqa: E402

SUBS = {"fentanyl": "opioid", "heroin": "opioid", "cocaine": "stimulant", "mdma": "entactogen"}


def hit(n, score, cats, subs, url=None, platform=None):
    h = {"id": f"rec-{n}", "flagged": True, "score": score, "categories": cats,
         "substances": [{"id": s, "name": s.title(), "class": SUBS[s]} for s in subs],
         "signals": [], "evidence": [], "text": f"listing number {n} " + " ".join(subs)}
    src = {}
    if url:
        src["url"] = url
    if platform:
        src["platform"] = platform
    if src:
        h["source"] = src
    return h


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


srv = Server()
try:
    setup_world(srv)
    srv.start()
    a = srv.login("a-analyst")
    b = srv.login("b-analyst")
    tok = a.post("/api/v1/tokens", {"name": "scanner", "scopes": ["submit-hits"]})[1]["token"]
    scanner = srv.client(token=tok)
    btok = b.post("/api/v1/tokens", {"name": "scanner", "scopes": ["submit-hits"]})[1]["token"]
    bscanner = srv.client(token=btok)

    first = [
        hit(1, 0.95, ["offer"], ["fentanyl"], "https://Market.Example:8443/l/1", "market"),
        hit(2, 0.55, ["offer", "shipping"], ["cocaine", "fentanyl"], "http://user@shop.example/x"),
        hit(3, 0.80, ["request"], ["heroin"], None, "telegram"),
        hit(4, 0.30, ["offer"], ["mdma"], "https://market.example/l/4", "market"),
    ]
    second = [
        hit(5, 0.70, ["offer"], ["heroin", "cocaine"], "https://forum.example/t/5", "forum"),
        hit(6, 0.99, ["warning"], ["fentanyl"]),
    ]
    model = {}  # hit number -> what the filters see

    def submit(batch, when_tag):
        st, res = scanner.post("/api/v1/hits", batch)
        eq(st, 201, f"submit {when_tag}")
        for h, r in zip(batch, res["results"]):
            src = h.get("source", {})
            sources = set()
            if src.get("platform"):
                sources.add(src["platform"])
            if src.get("url"):
                host = src["url"].split("://", 1)[1].split("/", 1)[0].split("@")[-1]
                sources.add(host.split(":")[0].lower())
            model[int(h["id"].split("-")[1])] = {
                "id": r["id"], "score": h["score"], "cats": set(h["categories"]),
                "subs": {s["id"] for s in h["substances"]},
                "classes": {s["class"] for s in h["substances"]}, "sources": sources,
                "batch": when_tag, "status": "new"}

    started = int(time.time())
    submit(first, "first")
    time.sleep(1.2)
    boundary = int(time.time())
    time.sleep(1.1)
    submit(second, "second")
    # b's organisation gets the same content: its own hits, never a's
    st, _ = bscanner.post("/api/v1/hits", first[:2])
    eq(st, 201, "b's submission")
    # a merge adds its source's keys: hit 6 seen again on a platform
    st, res = scanner.post("/api/v1/hits", dict(second[1], source={"platform": "pastebin"}))
    eq((st, res["merged"]), (200, 1), "merged")
    model[6]["sources"].add("pastebin")
    # one dismissed
    st, _ = a.post(f"/api/v1/hits/{model[3]['id']}/dismiss", {"reason": "not an offer"})
    eq(st, 204, "dismiss")
    model[3]["status"] = "dismissed"

    # b's queue: the content of a's first two, submitted after the boundary
    bmodel = {n: dict(model[n], batch="second", status="new",
                      sources=set(model[n]["sources"])) for n in (1, 2)}

    def want(status=None, min_score=None, category=None, substance=None, cls=None,
             source=None, after=None, before=None, of=None):
        out = []
        for n, m in sorted((of or model).items()):
            if status and m["status"] != status:
                continue
            if min_score is not None and m["score"] < min_score:
                continue
            if category and category not in m["cats"]:
                continue
            if substance and substance not in m["subs"]:
                continue
            if cls and cls not in m["classes"]:
                continue
            if source and source not in m["sources"]:
                continue
            if after and m["batch"] != "second":
                continue
            if before and m["batch"] != "first":
                continue
            out.append(n)
        return out

    by_id = {m["id"]: n for n, m in model.items()}

    def got(who=None, **q):
        st, res = (who or a).get("/api/v1/hits", per_page=100, **q)
        eq(st, 200, f"list {q}")
        return sorted(by_id.get(x["id"], -1) for x in res["items"]), res

    cases = [
        ({}, {}),
        ({"status": "new"}, {"status": "new"}),
        ({"status": "dismissed"}, {"status": "dismissed"}),
        ({"min_score": "0.7"}, {"min_score": 0.7}),
        ({"min_score": "0"}, {"min_score": 0}),
        ({"min_score": "1"}, {"min_score": 1}),
        ({"category": "offer"}, {"category": "offer"}),
        ({"category": "shipping"}, {"category": "shipping"}),
        ({"category": "nothing-like-it"}, {"category": "nothing-like-it"}),
        ({"substance": "fentanyl"}, {"substance": "fentanyl"}),
        ({"class": "opioid"}, {"cls": "opioid"}),
        ({"class": "stimulant"}, {"cls": "stimulant"}),
        ({"source": "market"}, {"source": "market"}),
        ({"source": "market.example"}, {"source": "market.example"}),
        ({"source": "shop.example"}, {"source": "shop.example"}),
        ({"source": "telegram"}, {"source": "telegram"}),
        ({"source": "pastebin"}, {"source": "pastebin"}),
        ({"created_after": iso(boundary)}, {"after": True}),
        ({"created_before": iso(boundary)}, {"before": True}),
        ({"created_after": "2000-01-01", "created_before": iso(boundary)}, {"before": True}),
        ({"status": "new", "class": "opioid", "min_score": "0.6"},
         {"status": "new", "cls": "opioid", "min_score": 0.6}),
        ({"category": "offer", "source": "market.example", "substance": "mdma"},
         {"category": "offer", "source": "market.example", "substance": "mdma"}),
        ({"class": "opioid", "created_after": iso(boundary), "category": "offer"},
         {"cls": "opioid", "after": True, "category": "offer"}),
    ]

    def check_cases(tag):
        for q, m in cases:
            g, res = got(**q)
            eq(g, want(**m), f"{tag}: filter {q}")
            eq(res["total"], len(want(**m)), f"{tag}: total of {q}")
            g, res = got(b, **q)
            eq(g, want(of=bmodel, **m), f"{tag}: b, its own hits only, {q}")

    # exact answers for a few, by hand
    eq(got(**{"class": "opioid"})[0], [1, 2, 3, 5, 6], "opioid hits")
    eq(got(source="market.example")[0], [1, 4], "the host, lower case, without port")
    eq(got(source="shop.example")[0], [2], "the host without user info")
    eq(got(min_score="0.7", status="new")[0], [1, 5, 6], "new, score at least 0.7")
    eq(got(created_after=iso(boundary))[0], [5, 6], "first seen after the boundary")
    today = time.strftime("%Y-%m-%d", time.gmtime(started))
    eq(got(created_after=today)[0], [1, 2, 3, 4, 5, 6], "a date is its midnight (UTC)")
    eq(got(created_before="1970-01-01")[0], [], "before the epoch: none")
    check_cases("filters")
    # b: its two hits, and only them, whatever the filter
    eq(got(b)[1]["total"], 2, "b's queue")
    eq(got(b, source="forum")[1]["total"], 0, "a's source is not b's")

    # ---- paging and order
    st, res = a.get("/api/v1/hits", per_page=2, page=1, status="new", sort="score")
    eq([by_id[x["id"]] for x in res["items"]], [6, 1], "by score, page 1")
    eq(res["total"], 5, "total with paging")
    seen = []
    for page in (1, 2, 3):
        st, res = a.get("/api/v1/hits", per_page=2, page=page, status="new", sort="score",
                        category="offer")
        seen += [by_id[x["id"]] for x in res["items"]]
    eq(seen, [1, 5, 2, 4], "filtered pages: each match once, highest score first")
    st, res = a.get("/api/v1/hits", per_page=100)
    eq(by_id[res["items"][0]["id"]], 6, "default order: most recently seen first (the merge)")

    # ---- facets
    st, res = a.get("/api/v1/hits", per_page=1, status="new", facets="true", category="offer")
    eq(res["total"], 4, "facets leave the filters alone")
    fac = {k: {x["value"]: x["n"] for x in v} for k, v in res["facets"].items()}
    eq(fac["category"], {"offer": 4, "shipping": 1, "warning": 1}, "facets: categories")
    eq(fac["class"], {"opioid": 4, "stimulant": 2, "entactogen": 1}, "facets: classes")
    eq(fac["substance"], {"fentanyl": 3, "cocaine": 2, "heroin": 1, "mdma": 1},
       "facets: substances")
    eq(fac["source"], {"market": 2, "market.example": 2, "shop.example": 1, "forum": 1,
                       "forum.example": 1, "pastebin": 1}, "facets: sources")
    eq(sorted(x["value"] for x in res["facets"]["category"]),
       [x["value"] for x in res["facets"]["category"]], "facet values sorted")
    check("facets" not in got()[1], "no facets unless asked")

    # ---- the OpenAPI document names every parameter and member, both ways
    doc = json.load(open(os.path.join(SRC, "data", "openapi", "interdict.json"), encoding="utf-8"))
    op = doc["paths"]["/api/v1/hits"]["get"]
    eq(sorted(x["name"] for x in op["parameters"]),
       sorted(["status", "min_score", "category", "substance", "class", "source",
               "created_after", "created_before", "sort", "facets", "page", "per_page"]),
       "documented parameters")
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    eq(sorted(schema["properties"]), sorted(res), "documented members of the list")
    eq(sorted(schema["properties"]["facets"]["properties"]), sorted(res["facets"]),
       "documented facets")

    # ---- bad filters: 400 naming the parameter
    for q, name in [({"min_score": "1.5"}, "min_score"), ({"min_score": "-0.1"}, "min_score"),
                    ({"min_score": "high"}, "min_score"), ({"min_score": ""}, "min_score"),
                    ({"min_score": "nan"}, "min_score"),
                    ({"class": "painkiller"}, "class"), ({"status": "open"}, "status"),
                    ({"category": ""}, "category"), ({"source": "x" * 201}, "source"),
                    ({"substance": "a\tb"}, "substance"),
                    ({"created_after": "yesterday"}, "created_after"),
                    ({"created_after": "2026-02-30"}, "created_after"),
                    ({"created_before": "2026-11-29 10:00:00"}, "created_before"),
                    ({"created_after": "2026-11-29", "created_before": "2026-11-28"},
                     "created_before"),
                    ({"sort": "random"}, "sort"), ({"facets": "yes"}, "facets"),
                    ({"per_page": "0"}, "per_page")]:
        st, res = a.get("/api/v1/hits", **q)
        eq(st, 400, f"refused: {q}")
        check(f"'{name}'" in (res or {}).get("error", {}).get("message", ""),
              f"the message names {name}: {res}")

    # ---- migration 6 run again: the keys rebuilt from the stored hits
    srv.stop()
    if srv.pg_name:
        # back to version 5 (the table's index, migration 7, goes with it)
        pg_sql("DROP TABLE hit_keys; DELETE FROM schema_version WHERE version >= 6",
               srv.pg_name)
    else:
        db = sqlite3.connect(srv.db)
        db.execute("DROP TABLE hit_keys")
        db.execute("DELETE FROM schema_version WHERE version >= 6")
        db.commit()
        db.close()
    srv.start()
    a = srv.login("a-analyst")
    b = srv.login("b-analyst")
    check_cases("after the migration")
    eq(sorted(x["value"] for x in a.get("/api/v1/hits", facets="true",
                                                     status="new")[1]["facets"]["source"]),
       sorted(fac["source"]), "sources rebuilt")
finally:
    srv.cleanup()
finish()
