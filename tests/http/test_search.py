"""test_search.py - full-text search (FTS5) with filters and pagination: words from the title,
narrative, substance names, observables and concealment; every filter alone and combined;
pages; hostile query strings (FTS5 syntax, SQL) are treated as words and change nothing."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, check, eq, finish, incident, setup_world  # noqa: E402

srv = Server()
try:
    setup_world(srv)
    srv.start()
    a = srv.login("a-analyst")
    ids = {}

    def mk(key, **kw):
        st, body = a.post("/api/v1/incidents", incident(**kw))
        eq(st, 201, f"create {key}")
        ids[key] = body["id"]

    mk("bananas", title="Cocaine in banana boxes", type="seizure", occurred_on="2026-01-10",
       origin=["EC"], destination=["GB"], substances=[{"id": "cocaine"}],
       concealment="hollowed bananas", narrative="Reefer container at Southampton")
    mk("pills", title="Fentanyl pills by post", type="seizure", occurred_on="2026-02-10",
       origin=["CN"], destination=["GB"], substances=[{"id": "fentanyl"}],
       observables=[{"type": "email", "value": "pills@vendor.example"}])
    mk("offer", title="Online offer", type="online-offer", occurred_on="2026-03-10",
       substances=[{"id": "heroin"}], narrative="Vendor ships from Türkiye via Bulgaria",
       origin=["TR"], transit=["BG"])
    mk("lab", title="Laboratory", type="illicit-laboratory", occurred_on="2026-04-10",
       origin=["NL"], substances=[{"id": "mdma"}], narrative="Tablet press and precursors")
    for k in range(25):
        mk(f"bulk{k}", title=f"Bulk case number {k}", type="suspicious-shipment",
           occurred_on="2025-12-01", narrative="routine bulkword")

    def find(**q):
        st, res = a.get("/api/v1/incidents", per_page=100, **q)
        eq(st, 200, f"search {q}")
        return {x["id"] for x in res["items"]}

    eq(find(q="banan"), set(), "FTS matches whole words")
    eq(find(q="bananas"), {ids["bananas"]}, "concealment words")
    eq(find(q="southampton"), {ids["bananas"]}, "narrative, case-insensitive")
    eq(find(q="fentanyl"), {ids["pills"]}, "substance id")
    eq(find(q="pills vendor"), {ids["pills"]}, "observable value, all words must match")
    eq(find(q="turkiye"), {ids["offer"]}, "diacritics folded")
    eq(find(type="online-offer"), {ids["offer"]}, "type filter")
    eq(find(substance="mdma"), {ids["lab"]}, "substance filter")
    eq(find(**{"class": "stimulant"}), {ids["bananas"]}, "class filter")
    eq(find(country="BG"), {ids["offer"]}, "country filter (transit)")
    eq(find(country="GB"), {ids["bananas"], ids["pills"]}, "country filter (destination)")
    eq(find(**{"from": "2026-02-01", "to": "2026-03-31"}), {ids["pills"], ids["offer"]}, "dates")
    eq(find(**{"from": "2026-01-11", "to": "2026-02-10"}), {ids["pills"]}, "exact days within months")
    eq(find(**{"from": "2025-11-30", "to": "2026-01-10"}), {ids["bananas"]} | {ids[f"bulk{k}"] for k in range(25)},
       "range across a year boundary")
    eq(find(**{"from": "2020-01-01", "to": "2026-12-31"}), set(ids.values()), "long range (SQL)")
    eq(find(**{"from": "2026-04-01"}), {ids["lab"]}, "open range")
    eq(find(q="laboratory", **{"from": "2026-04-01", "to": "2026-04-30"}), {ids["lab"]},
       "words and dates")
    eq(find(observable="email:PILLS@vendor.example"), {ids["pills"]}, "observable filter")
    eq(find(q="fentanyl", country="EC"), set(), "filters combine")
    # pagination
    st, p1 = a.get("/api/v1/incidents", q="bulkword", per_page=10, page=1)
    st, p3 = a.get("/api/v1/incidents", q="bulkword", per_page=10, page=3)
    eq((p1["total"], len(p1["items"]), len(p3["items"])), (25, 10, 5), "pages")
    all_pages = set()
    for page in (1, 2, 3):
        all_pages |= {x["id"] for x in a.get("/api/v1/incidents", q="bulkword", per_page=10,
                                                page=page)[1]["items"]}
    eq(len(all_pages), 25, "pages cover every result once")
    # hostile queries: FTS5 operators and SQL are just words
    for q in ('"', "NEAR(a b)", "title:x OR 1=1", "x' OR '1'='1", "*", "-", "a AND", "\\",
              "') ; DROP TABLE incidents; --", "bananas OR fentanyl"):
        st, res = a.get("/api/v1/incidents", q=q)
        eq(st, 200, f"hostile query {q!r}")
    eq(find(q="bananas OR fentanyl"), set(), "OR is a word, not an operator")
    eq(len(find()), 29, "nothing changed")
    # bad filters are 400s
    for q in ({"class": "candy"}, {"country": "gb"}, {"from": "2026-13-01"},
              {"observable": "phone:123"}, {"observable": "nocolon"}, {"page": "0"},
              {"per_page": "1000"}, {"page": "1; DROP"}):
        st, body = a.get("/api/v1/incidents", **q)
        eq(st, 400, f"bad filter {q}")
        check(isinstance(body, dict) and "error" in body, "error body")
finally:
    srv.cleanup()
finish()
