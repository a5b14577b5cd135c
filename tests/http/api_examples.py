#!/usr/bin/env python3
"""api_examples.py - regenerates the recorded examples of docs/api.md from a live server.

Starts `interdict serve --demo` (IDT_BIN, default build/src/cli/interdict), sends one example
request per endpoint as the demo users, and rewrites the part of docs/api.md between the
marker comments BEGIN and END below with each endpoint's description (below) and the request
and response actually exchanged.  Everything outside the markers (the conventions above, the
hand-written "More endpoints" after) is kept byte for byte; without both markers, once each and
in order, nothing is written.  Run it after changing the API:

    IDT_BIN=build/src/cli/interdict python3 tests/http/api_examples.py

With --check it writes nothing and fails (exit 1) unless docs/api.md is current: the markers
in place, and the recorded section the same as a new run would write, except for the
response bodies (times, tokens and hashes differ from run to run): the same endpoints in the
same order, descriptions, requests (hex ids aside) and status codes (test 'http-api-examples').
"""
import sys, json, os
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault('IDT_BIN', os.path.join(ROOT, 'build', 'src', 'cli', 'interdict'))
os.environ['IDT_TEST_PG'] = ''
from harness import *
srv = Server(demo=True, extra=["--webhook-allow", "http://127.0.0.1:9999/"]); srv.start()
out = []
def show(c, method, path, body=None, note=None, raw=False, hdr=None, trunc=1400):
    if raw:
        st, data = c.raw(method, path, body, hdr or {})
        resp = data.decode()[:trunc]
    else:
        st, data = c.req(method, path, body, headers=hdr)
        resp = json.dumps(data, indent=2, ensure_ascii=False) if data is not None else ""
        if len(resp) > trunc:
            resp = resp[:trunc] + "\n  …"
    req = f"{method} {path}"
    if body is not None and not raw and not isinstance(body, bytes):
        req += "\n\n" + json.dumps(body, indent=2, ensure_ascii=False)
    elif isinstance(body, bytes):
        req += "\nContent-Type: " + (hdr or {}).get("Content-Type", "") + "\n\n<" + str(len(body)) + " bytes>"
    out.append((method, path, req, st, resp))
    return st, data
anon = srv.client()
show(anon, "GET", "/api/v1/health")
show(anon, "POST", "/api/v1/auth/login", {"username": "nora.analyst", "password": "demo-analyst-2026"})
nora = srv.login("nora.analyst", "demo-analyst-2026")
show(nora, "GET", "/api/v1/auth/me")
show(nora, "GET", "/api/v1/incidents?q=fentanyl&country=GB&per_page=2")
show(nora, "POST", "/api/v1/subscriptions", {"kind": "observable", "value": "phone:+44 7700 900123", "webhook": "http://127.0.0.1:9999/hook"})
sven = srv.login("sven.analyst", "demo-analyst-2026")
sven.post("/api/v1/subscriptions", {"kind": "substance", "value": "fentanyl"})
st, inc = show(nora, "POST", "/api/v1/incidents", {"type": "seizure", "title": "Fentanyl in toner cartridges", "status": "confirmed", "occurred_on": "2026-03-20", "origin": ["CN"], "destination": ["GB"], "transport_mode": "postal", "concealment": "toner cartridge", "substances": [{"id": "fentanyl", "quantity": 12.5, "unit": "g", "form": "powder", "purity": 40}], "observables": [{"type": "phone", "value": "0044 7700 900123"}, {"type": "tracking", "value": "lx 987 654 321 cn"}], "tlp": "amber", "distribution": "sharing-group", "sharing_group_id": 1}, trunc=4000)
iid = inc["id"]
show(nora, "GET", f"/api/v1/incidents/{iid}", trunc=800)
show(nora, "PATCH", f"/api/v1/incidents/{iid}", {"status": "shared", "version": 1}, trunc=500)
show(nora, "GET", f"/api/v1/incidents/{iid}/network?depth=2", trunc=1500)
st, att = show(nora, "POST", f"/api/v1/incidents/{iid}/attachments?name=photo.jpg", b"\xff\xd8\xff\xe0 demo bytes", hdr={"Content-Type": "image/jpeg", "X-CSRF-Token": nora.csrf})
st, d = nora.raw("GET", f"/api/v1/incidents/{iid}/attachments/{att['sha256']}")
out.append(("GET", f"/api/v1/incidents/{iid}/attachments/{att['sha256']}", f"GET /api/v1/incidents/{iid}/attachments/{att['sha256']}", st, "<%d bytes, Content-Type: %s, Content-Disposition: %s>" % (len(d), nora.last_headers.get("content-type"), nora.last_headers.get("content-disposition"))))
show(nora, "GET", "/api/v1/stats", trunc=2500)
show(nora, "GET", "/api/v1/substances?q=nitazene", trunc=600)
show(nora, "GET", "/api/v1/hits?status=new&class=opioid&min_score=0.8&sort=score&per_page=1", trunc=1500)
tok = nora.post("/api/v1/tokens", {"name": "scanner", "scopes": ["submit-hits"]})[1]["token"]
sc = srv.client(token=tok)
show(sc, "POST", "/api/v1/hits", [{"id": "post-77", "flagged": True, "score": 0.86, "categories": ["offer"], "substances": [{"id": "fentanyl", "name": "Fentanyl", "class": "opioid", "control": ["UN1961:I"]}], "signals": [{"type": "phone", "value": "+447700900123", "field": "text", "start": 20, "end": 33}], "evidence": [{"field": "text", "start": 0, "end": 8, "text": "fentanyl", "kind": "name", "term": "Fentanyl"}], "text": "fentanyl for sale, +447700900123", "source": {"url": "https://market.example/l/77", "platform": "market"}}])
hid = nora.get("/api/v1/hits?per_page=1")[1]["items"][0]["id"]
show(nora, "GET", f"/api/v1/hits/{hid}", trunc=900)
show(nora, "POST", f"/api/v1/hits/{hid}/confirm", {"distribution": "own-org"}, trunc=1200)
hid2 = nora.get("/api/v1/hits?status=new&per_page=1")[1]["items"][0]["id"]
show(nora, "POST", f"/api/v1/hits/{hid2}/dismiss", {"reason": "news report, not an offer"})
show(nora, "GET", "/api/v1/subscriptions")
xs = nora.post("/api/v1/subscriptions", {"kind": "class", "value": "opioid"})[1]
show(nora, "DELETE", "/api/v1/subscriptions/%d" % xs["id"])
show(sven, "GET", "/api/v1/notifications?limit=2")
show(sven, "POST", "/api/v1/notifications/1/read")
show(nora, "GET", "/api/v1/sharing-groups")
show(nora, "POST", "/api/v1/tokens", {"name": "feed reader", "scopes": ["read"]})
rt = nora.get("/api/v1/tokens")[1]
show(nora, "GET", "/api/v1/tokens", trunc=700)
show(nora, "DELETE", "/api/v1/tokens/2")
t2 = nora.post("/api/v1/tokens", {"name": "feed", "scopes": ["read"]})[1]["token"]
show(anon, "GET", "/api/v1/feeds/alerts.atom?token=idt_…", raw=True) if False else None
t2 = sven.post("/api/v1/tokens", {"name": "feed", "scopes": ["read"]})[1]["token"]
st, d = anon.raw("GET", "/api/v1/feeds/alerts.atom?token=" + t2)
out.append(("GET", "/api/v1/feeds/alerts.atom", "GET /api/v1/feeds/alerts.atom?token=idt_…", st, d.decode()[:900]))
show(anon, "GET", "/api/v1/warnings?limit=1", trunc=900)
show(anon, "GET", "/api/v1/feeds/warnings.atom", raw=True, trunc=900)
adm = srv.login("admin", "demo-admin-2026")
show(adm, "GET", "/api/v1/admin/orgs", trunc=500)
show(adm, "POST", "/api/v1/admin/orgs", {"name": "Westland Coast Guard", "country": "IE", "kind": "government"})
show(adm, "GET", "/api/v1/admin/users", trunc=500)
show(adm, "POST", "/api/v1/admin/users", {"org_id": 6, "username": "wes.analyst", "password": "a-long-password", "role": "analyst"})
show(adm, "PATCH", "/api/v1/admin/users/8", {"role": "viewer", "disabled": False})
show(adm, "GET", "/api/v1/admin/sharing-groups", trunc=500)
show(adm, "POST", "/api/v1/admin/sharing-groups", {"name": "North Sea", "members": [2, 6]})
show(adm, "PUT", "/api/v1/admin/sharing-groups/3/members/5")
show(adm, "DELETE", "/api/v1/admin/sharing-groups/3/members/5")
show(adm, "GET", "/api/v1/admin/tokens", trunc=500)
show(adm, "POST", "/api/v1/admin/tokens", {"user_id": 6, "name": "platform feed", "scopes": ["submit-hits"]})
show(adm, "DELETE", "/api/v1/admin/tokens/%d" % adm.get("/api/v1/admin/tokens")[1]["items"][-1]["id"])
show(adm, "GET", "/api/v1/audit?after=0&limit=2", trunc=1200)
st, d = adm.raw("GET", "/api/v1/audit/export")
out.append(("GET", "/api/v1/audit/export", "GET /api/v1/audit/export", st, "\n".join(d.decode().splitlines()[:2])))
show(adm, "GET", "/api/v1/audit/verify")
show(nora, "DELETE", f"/api/v1/incidents/{iid}")
show(nora, "POST", "/api/v1/incidents", {"type": "seizure", "title": "x", "colour": "red"})
show(nora, "POST", "/api/v1/auth/logout")
show(nora, "POST", "/api/v1/incidents", {"type": "seizure", "title": "x", "colour": "red"})
srv.cleanup()
ex = [list(x) for x in out]

# ---------------------------------------------------------------- the document
import re
desc = {
 ("GET","/api/v1/health"): ("Public. Liveness and version.", ""),
 ("POST","/api/v1/auth/login"): ("Public. Logs in with a user name and password (argon2id). Sets the session cookie `idt_session` (HttpOnly, SameSite=Strict, Path=/, 12 h) and returns the per-session CSRF token, which every state-changing request made with the cookie must send as `X-CSRF-Token`. Failed logins are limited to 5 per user name and 20 per client address per 15 minutes: beyond, `429` with `Retry-After: 900` (even with the right password). Unknown users and wrong passwords get the same answer after the same work.", ""),
 ("GET","/api/v1/auth/me"): ("The caller, its role and organisation; the CSRF token (cookie sessions) or the token's scopes (API tokens).", ""),
 ("GET","/api/v1/incidents"): ("Search (read scope). Parameters, all optional and combinable: `q` (full text over title, narrative, substance names, observable values, concealment, source; every word must match; operators are not interpreted), `type`, `status`, `substance` (knowledge-base id), `class`, `country` (any of origin/transit/destination), `from`/`to` (occurred_on, YYYY-MM-DD, inclusive; ranges up to 60 months use the index), `observable` (`TYPE:VALUE`, normalised before matching), `page` (1..), `per_page` (1..100, default 20). Only incidents the caller may see are searched and counted; `total` counts at most 200 (`total_capped` says when there are more). Each search is audited with the ids it returned.", ""),
 ("POST","/api/v1/incidents"): ("Creates an incident in the caller's organisation (analyst or admin; write scope). `type` and `title` are required; defaults: `status` draft, `tlp` amber, `distribution` own-org. Substance names and classes come from the knowledge base; observables are normalised (docs/data-model.md). The response is the stored incident, with `correlations`: every incident the caller may see that shares a normalised observable, or the same substance on the same route (origin → destination) within 30 days.", ""),
 ("GET","/api/v1/incidents/{id}"): ("One incident (read scope), with its visible correlations and attachments. `404` if it does not exist or the caller may not see it (never `403`, which would reveal it). Every read is audited.", ""),
 ("PATCH","/api/v1/incidents/{id}"): ("Changes the members sent (analyst or admin of the owning organisation; write scope). Arrays (substances, observables, countries) are replaced whole. Optional `version` enables optimistic locking (`409` if stale). `403` if the caller sees but does not own it, `404` if it cannot see it. Correlations are recomputed; if the change widens who may see the incident (out of draft, or to a group / all), matching subscribers are notified.", ""),
 ("DELETE","/api/v1/incidents/{id}"): ("Deletes an incident of the caller's organisation (analyst or admin; write scope). `204`.", ""),
 ("GET","/api/v1/incidents/{id}/network"): ("The correlation graph around an incident (read scope): incident and observable nodes, `has` edges (incident–observable) and `route` edges (incident–incident). `depth` 1..3 (default 1) counts incident hops. Only incidents the caller may see appear; at most 500 nodes (`truncated`).", ""),
 ("POST","/api/v1/incidents/{id}/attachments"): ("Uploads an attachment (raw body up to 16 MiB; `name` query parameter; `Content-Type` kept as metadata). Stored content-addressed under DATA_DIR/attachments/ by its SHA-256, durably before the metadata is committed.", ""),
 ("GET","/api/v1/incidents/{id}/attachments/{sha256}"): ("Downloads an attachment of a visible incident, always as `application/octet-stream` with `Content-Disposition: attachment` (user content is never rendered inline).", ""),
 ("GET","/api/v1/stats"): ("Dashboard figures over the incidents the caller may see, each a count of distinct incidents: `by_type`, `by_class`, `by_month` (month of `occurred_on` and type), `by_month_class` (month and substance class, the last 24 months: this UTC month and the 23 before it), `top_substances` (the 20 most named), `origins`, `transits` and `destinations` (by country), and `routes` (`{origin, destination, n}`: every pair of an incident's origin and destination countries, the same country twice left out; the 200 most frequent, most first); and, for the caller's organisation, `hits_per_day` over 90 days and `triage_queue` (new hits); `takedowns`: see Takedown tracking below.  Undated incidents are in no month.  Served from counters kept by the database (milliseconds at a million incidents); reading them writes nothing to the audit log.  Schema `Stats` in the OpenAPI document.", ""),
 ("GET","/api/v1/substances"): ("Knowledge-base lookup for forms (`q`: part of a name or id; at most 50).", ""),
 ("GET","/api/v1/hits"): ("The organisation's triage queue (read scope). Filters, all optional and combined in the database query: `status` (new / confirmed / dismissed), `min_score` (0..1), `category` (of the verdict), `substance` (knowledge-base id), `class`, `source` (a platform, or a URL's host — lower case, without port or user info — of any source the hit was submitted with), `created_after` / `created_before` (first seen; `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`); `sort` `last_seen` (most recently seen first, the default) or `score` (highest first); `page`, `per_page` (1..100); `total` counts every match. `facets=true` adds `facets`: each category, substance, class and source of the queue of that status (the other filters left out) with its number of hits, for filter menus. A bad filter is `400 invalid_parameter` naming the parameter. Hits are private to the organisation that received them.", ""),
 ("POST","/api/v1/hits"): ("Submits scan verdicts (docs/output.md), one object or an array of up to 1,000 (analyst or admin; write or submit-hits scope). Besides the verdict members, a hit may carry `source` (`url`, `platform`, `file`, `line`, …) or those members at top level, and the original text as `text` or `fields` (`{\"title\": …, \"text\": …}`). Unknown members are refused. The hit id is a hash of the content (the text when sent, else the substances, signals and evidence): identical content is merged (count, last seen, sources). One bad hit refuses the whole request; a valid request is stored in one transaction (1,000 hits in about 0.2 s).", ""),
 ("GET","/api/v1/hits/{id}"): ("One hit of the organisation's queue.", ""),
 ("POST","/api/v1/hits/{id}/confirm"): ("Confirms a new hit into an incident pre-filled from it: type from the categories, title from the substances and platform, substances, observables from the signals (phone, e-mail, wallet, URL, onion, contact handle), the evidence spans, the source (hit id, URL, platform, verdict) and a narrative quoting the evidence. The optional body holds corrections (any incident members). `201` with the incident; `409` if the hit was already decided.", ""),
 ("POST","/api/v1/hits/{id}/dismiss"): ("Dismisses a new hit; `reason` (1–500 bytes) is required. `204`; `409` if already decided.", ""),
 ("POST","/api/v1/subscriptions"): ("Subscribes the caller to a `substance` (knowledge-base id), `class`, `country` or `observable` (`TYPE:VALUE`, normalised), optionally with a `webhook` (http/https URL; the server only delivers to the URL prefixes its operator allowed with `interdict serve --webhook-allow`, so that users cannot make it call internal services: anything else is `400 webhook_not_allowed`). When an incident is created, or a change widens who may see it, each matching subscriber who may see it gets one notification (never for their own incidents), and a JSON POST to the webhook.", ""),
 ("GET","/api/v1/subscriptions"): ("The caller's subscriptions.", ""),
 ("DELETE","/api/v1/subscriptions/{id}"): ("Removes one of the caller's subscriptions.", ""),
 ("GET","/api/v1/notifications"): ("The caller's in-app alert feed, newest first (`limit` ≤ 500). An incident the caller can no longer see is not shown.", ""),
 ("POST","/api/v1/notifications/{id}/read"): ("Marks one of the caller's notifications read.", ""),
 ("GET","/api/v1/sharing-groups"): ("The sharing groups the caller's organisation belongs to (for the distribution picker).", ""),
 ("POST","/api/v1/tokens"): ("Creates an API token for the caller: `name`, `scopes` ⊆ {read, write, submit-hits}. The secret is returned once; only its BLAKE2b hash is stored. A token never exceeds its owner's role. Use as `Authorization: Bearer idt_…` (no CSRF needed).", ""),
 ("GET","/api/v1/tokens"): ("The caller's tokens (never the secrets).", ""),
 ("DELETE","/api/v1/tokens/{id}"): ("Revokes one of the caller's tokens; it stops working immediately.", ""),
 ("GET","/api/v1/feeds/alerts.atom"): ("The caller's notifications as an Atom feed (RFC 4287), for feed readers: authenticated by `?token=` (an API token with the read scope).", ""),
 ("GET","/api/v1/warnings"): ("Public. Drug-checking warnings: incidents of type `warning`, not drafts, distributed to all, published by organisations of kind `drug-checking-service`.", ""),
 ("GET","/api/v1/feeds/warnings.atom"): ("Public. The same warnings as an Atom feed (RFC 4287).", ""),
 ("GET","/api/v1/admin/orgs"): ("Admin. All organisations.", ""),
 ("POST","/api/v1/admin/orgs"): ("Admin. Creates an organisation: `name`, `country` (ISO 3166 alpha-2), `kind` (government, international-body, platform, drug-checking-service).", ""),
 ("GET","/api/v1/admin/users"): ("Admin. Users (optionally `org_id`).", ""),
 ("POST","/api/v1/admin/users"): ("Admin. Creates a user: `org_id`, `username`, `password` (10+ bytes), `role` (admin, analyst, viewer).", ""),
 ("PATCH","/api/v1/admin/users/{id}"): ("Admin. Changes `role`, `disabled` (ends the user's sessions) or `password`.", ""),
 ("GET","/api/v1/admin/sharing-groups"): ("Admin. All sharing groups with their member organisations.", ""),
 ("POST","/api/v1/admin/sharing-groups"): ("Admin. Creates a sharing group owned by the admin's organisation (always a member), with optional `members`.", ""),
 ("PUT","/api/v1/admin/sharing-groups/{id}/members/{org}"): ("Admin. Adds an organisation to a group.", ""),
 ("DELETE","/api/v1/admin/sharing-groups/{id}/members/{org}"): ("Admin. Removes an organisation from a group; its users immediately stop seeing the group's incidents.", ""),
 ("GET","/api/v1/admin/tokens"): ("Admin. All API tokens.", ""),
 ("POST","/api/v1/admin/tokens"): ("Admin. Creates a token for any user (`user_id`, `name`, `scopes`).", ""),
 ("DELETE","/api/v1/admin/tokens/{id}"): ("Admin. Revokes any token.", ""),
 ("GET","/api/v1/audit"): ("Admin. The audit log, oldest first: `after` (entry id), `limit` ≤ 1000. Each entry: who (user id, name, organisation), when, from which address, what (action, object, detail), and its place in the hash chain (`prev_hash`, `hash`).", ""),
 ("GET","/api/v1/audit/export"): ("Admin. The whole audit log as JSON Lines (`application/x-ndjson`), verifiable offline: hash = BLAKE2b-256(raw prev_hash ‖ canonical entry), canonical = JSON with sorted keys (docs/data-model.md).", ""),
 ("GET","/api/v1/audit/verify"): ("Admin. Recomputes the chain; `first_bad_id` names the first entry that was changed, removed or reordered (0 if intact). Also `interdict admin audit-verify`.", ""),
 ("DELETE","/api/v1/incidents/{id}#"): ("", ""),
 ("POST","/api/v1/auth/logout"): ("Ends the session (cookie and server side).", ""),
}
def pattern(path):
    p = path.split("?")[0]
    p = re.sub(r"/incidents/\d+", "/incidents/{id}", p)
    p = re.sub(r"/attachments\?.*", "/attachments", p)
    p = re.sub(r"/attachments/[0-9a-f]{64}", "/attachments/{sha256}", p)
    p = re.sub(r"/hits/[0-9a-f]{32}", "/hits/{id}", p)
    p = re.sub(r"/(notifications|tokens|users|subscriptions)/\d+", r"/\1/{id}", p)
    p = re.sub(r"/sharing-groups/\d+/members/\d+", "/sharing-groups/{id}/members/{org}", p)
    return p
order = []
seen = set()
for m, path, req, st, resp in ex:
    key = (m, pattern(path))
    if key in seen:
        key = (m, pattern(path) + (" (refused: unknown field)" if st == 400 else " (after logout)"))
    seen.add(key)
    order.append((key, req, st, resp))
BEGIN = ("<!-- BEGIN recorded examples: written by tests/http/api_examples.py from a live "
         "server; edit the script, not this section -->")
END = "<!-- END recorded examples -->"
parts = []
for (m, p), req, st, resp in order:
    d = desc.get((m, p), ("", ""))[0]
    if p.endswith("(refused: unknown field)"):
        d = "A refused request: 400 naming the field, and nothing is stored."
    if p.endswith("(after logout)"):
        d = "The same session after logout: 401."
    parts.append(f"\n### `{m} {p}`\n\n{d}\n\n```http\n{req}\n```\n\n")
    lang = "xml" if resp.startswith("<?xml") else ("json" if resp.startswith(("{", "[")) else "")
    parts.append(f"Response `{st}`" + (":\n\n```" + lang + "\n" + resp + "\n```\n" if resp else " (no body).\n"))
section = "".join(parts)
missing = [k for k in desc if k not in seen and not k[1].endswith("#")]
print("undocumented by example:", missing)

doc_path = os.path.join(ROOT, 'docs', 'api.md')
doc = open(doc_path, encoding='utf-8').read()
if doc.count(BEGIN) != 1 or doc.count(END) != 1 or doc.index(BEGIN) > doc.index(END):
    sys.exit(f"{doc_path}: the markers {BEGIN!r} and {END!r} must each be there once, in this "
             "order; nothing written")
i, j = doc.index(BEGIN) + len(BEGIN), doc.index(END)
new_doc = doc[:i] + "\n" + section + "\n" + doc[j:]


def skeleton(text):
    """The recorded section without its response bodies: headings, descriptions, requests and
    status lines."""
    out, fence, in_resp = [], False, False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
            in_resp = fence and line != "```http"
            if in_resp or (not fence):
                continue
        if in_resp:
            continue
        # hit ids and hashes in request paths depend on which hit a run picked
        out.append(re.sub(r"\b[0-9a-f]{32,64}\b", "HEX", line.rstrip()))
    return "\n".join(x for x in out if x)


if "--check" in sys.argv[1:]:
    problems = []
    if new_doc[:i] != doc[:i] or new_doc[-(len(doc) - j):] != doc[j:]:
        problems.append("the text outside the markers would change")
    if skeleton(doc[i:j]) != skeleton(section):
        import difflib
        problems.append("the recorded section is not current (run tests/http/api_examples.py):\n" +
                        "\n".join(difflib.unified_diff(skeleton(doc[i:j]).splitlines(),
                                                        skeleton(section).splitlines(),
                                                        "docs/api.md", "a new run", lineterm="",
                                                        n=1)))
    if missing:
        problems.append(f"described endpoints without an example: {missing}")
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    sys.exit(1 if problems else 0)
with open(doc_path, 'w', encoding='utf-8') as out:
    out.write(new_doc)
