"""test_atom.py - the Atom feeds (public warnings, a user's alerts) checked against the
structure RFC 4287 requires (section numbers below), on a real server with the demo data:

  feed (4.1.1): exactly one id, title, updated; author unless every entry has one; at most one
                generator, icon, logo, rights, subtitle; a link rel="self" (SHOULD, and the
                server promises it); no two rel="alternate" links with the same type/hreflang
  entry (4.1.2): exactly one id, title, updated; at most one content, published, rights,
                source, summary; a link rel="alternate" when there is no content; an author
                here or on the feed
  constructs:   dates are RFC 3339 date-times (3.3); ids are absolute IRIs (4.2.6); text
                constructs have type text|html|xhtml and "text" holds no markup (3.1);
                persons have exactly one name, at most one uri and email (3.2); links have
                an href (4.2.7)

plus: served as application/atom+xml, well-formed XML in the Atom namespace, entry ids unique,
XML special characters in user text escaped, the feed's updated not older than its entries,
and the alerts feed's token checks."""
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, check, eq, finish  # noqa: E402

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def kids(el, name):
    return el.findall(A + name)


def one(el, name, where):
    n = len(kids(el, name))
    eq(n, 1, f"{where}: exactly one atom:{name}")
    return kids(el, name)[0] if n else None


def at_most_one(el, name, where):
    check(len(kids(el, name)) <= 1, f"{where}: at most one atom:{name}")


def text_construct(el, where):
    if el is None:
        return
    t = el.get("type", "text")
    check(t in ("text", "html", "xhtml"), f"{where}: text construct type {t!r}")
    if t == "text":
        eq(len(list(el)), 0, f"{where}: type text holds no markup")


def date(el, where):
    if el is not None:
        check(RFC3339.match(el.text or "") is not None, f"{where}: RFC 3339 date ({el.text!r})")


def person(el, where):
    eq(len(kids(el, "name")), 1, f"{where}: a person has exactly one name")
    check(len(kids(el, "uri")) <= 1 and len(kids(el, "email")) <= 1, f"{where}: uri, email")


def links(el, where):
    alts = {}
    for ln in kids(el, "link"):
        check(bool(ln.get("href")), f"{where}: link has href")
        if ln.get("rel", "alternate") == "alternate":
            key = (ln.get("type"), ln.get("hreflang"))
            check(key not in alts, f"{where}: one alternate link per type/hreflang")
            alts[key] = ln
    return alts


def check_feed(body, headers, name, want_entries=None):
    eq(headers.get("content-type", "").split(";")[0], "application/atom+xml",
       f"{name}: Content-Type")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        check(False, f"{name}: well-formed XML ({e})")
        return None
    eq(root.tag, A + "feed", f"{name}: root is atom:feed")
    fid = one(root, "id", name)
    if fid is not None:
        check(IRI.match(fid.text or "") is not None, f"{name}: feed id is an IRI")
    text_construct(one(root, "title", name), f"{name} title")
    upd = one(root, "updated", name)
    date(upd, f"{name} updated")
    for k in ("generator", "icon", "logo", "rights", "subtitle"):
        at_most_one(root, k, name)
    for k in ("rights", "subtitle"):
        for el in kids(root, k):
            text_construct(el, f"{name} {k}")
    feed_links = links(root, name)
    del feed_links
    selfs = [ln for ln in kids(root, "link") if ln.get("rel") == "self"]
    eq(len(selfs), 1, f"{name}: one link rel=self")
    feed_authors = kids(root, "author")
    for p in feed_authors:
        person(p, f"{name} author")
    entries = kids(root, "entry")
    ids = []
    for i, e in enumerate(entries):
        w = f"{name} entry {i}"
        eid = one(e, "id", w)
        if eid is not None:
            check(IRI.match(eid.text or "") is not None, f"{w}: id is an IRI")
            ids.append(eid.text)
        text_construct(one(e, "title", w), f"{w} title")
        eu = one(e, "updated", w)
        date(eu, f"{w} updated")
        if eu is not None and upd is not None:
            check(eu.text <= upd.text, f"{w}: not newer than the feed's updated")
        for k in ("content", "published", "rights", "source", "summary"):
            at_most_one(e, k, w)
        for k in ("summary", "rights"):
            for el in kids(e, k):
                text_construct(el, f"{w} {k}")
        for el in kids(e, "published"):
            date(el, f"{w} published")
        alts = links(e, w)
        if not kids(e, "content"):
            check(len(alts) >= 1, f"{w}: a link rel=alternate when there is no content")
        for p in kids(e, "author"):
            person(p, f"{w} author")
        check(bool(feed_authors) or bool(kids(e, "author")), f"{w}: an author (here or feed)")
    eq(len(ids), len(set(ids)), f"{name}: entry ids unique")
    if want_entries is not None:
        eq(len(entries), want_entries, f"{name}: entries")
    return root


srv = Server(demo=True)
try:
    srv.start()
    anon = srv.client()
    st, body = anon.raw("GET", "/api/v1/feeds/warnings.atom")
    eq(st, 200, "warnings feed is public")
    hdrs = dict(anon.last_headers)
    st_w, warns = anon.get("/api/v1/warnings")
    root = check_feed(body, hdrs, "warnings", len(warns["items"]))
    check(len(warns["items"]) >= 2, "the demo has warnings")
    if root is not None:
        titles = [e.find(A + "title").text for e in kids(root, "entry")]
        eq(titles, [x["title"] for x in warns["items"]], "warnings feed = GET /warnings")

    # alerts: sven subscribes, nora shares an incident with XML special characters
    sven = srv.login("sven.analyst", "demo-analyst-2026")
    nora = srv.login("nora.analyst", "demo-analyst-2026")
    st, _ = sven.post("/api/v1/subscriptions", {"kind": "substance", "value": "fentanyl"})
    eq(st, 201, "subscribe")
    tricky = 'Tablets <"Punisher"> & co \'ltd\' ]]> <![CDATA[x'
    st, inc = nora.post("/api/v1/incidents", {
        "type": "seizure", "title": tricky, "status": "confirmed", "distribution": "all",
        "narrative": "5 < 6 & 7 > 3", "substances": [{"id": "fentanyl"}]})
    eq(st, 201, "create the tricky incident")
    tok = sven.post("/api/v1/tokens", {"name": "feed", "scopes": ["read"]})[1]["token"]
    st, body = anon.raw("GET", "/api/v1/feeds/alerts.atom?token=" + tok)
    eq(st, 200, "alerts feed with a read token")
    root = check_feed(body, anon.last_headers, "alerts")
    if root is not None:
        titles = [e.find(A + "title").text for e in kids(root, "entry")]
        check(tricky in titles, f"special characters escaped and read back: {titles}")
    eq(anon.raw("GET", "/api/v1/feeds/alerts.atom")[0], 401, "alerts feed needs a token")
    eq(anon.raw("GET", "/api/v1/feeds/alerts.atom?token=idt_" + "0" * 64)[0], 401,
       "alerts feed refuses a bad token")
    wtok = sven.post("/api/v1/tokens", {"name": "w", "scopes": ["write"]})[1]["token"]
    st, _ = anon.raw("GET", "/api/v1/feeds/alerts.atom?token=" + wtok)
    check(st in (401, 403), f"alerts feed refuses a token without the read scope ({st})")
    # a user with no notifications still gets a valid (empty) feed
    ntok = nora.post("/api/v1/tokens", {"name": "feed", "scopes": ["read"]})[1]["token"]
    st, body = anon.raw("GET", "/api/v1/feeds/alerts.atom?token=" + ntok)
    eq(st, 200, "empty alerts feed")
    check_feed(body, anon.last_headers, "empty alerts")
finally:
    srv.cleanup()
finish()
