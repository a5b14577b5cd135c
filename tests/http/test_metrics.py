#!/usr/bin/env python3
"""GET /api/v1/metrics: Prometheus text for admins (a scraper uses an admin's read token);
request counters by method and status class, the latency histogram, and the hits accepted."""
import re
from harness import Server, setup_world, eq, check, finish, Client

srv = Server()
srv.start()
try:
    w = setup_world(srv)
    admin = srv.login("a-admin")
    analyst = srv.login("a-analyst")
    eq(Client(srv.port).get("/api/v1/metrics")[0], 401, "anonymous")
    eq(analyst.get("/api/v1/metrics")[0], 403, "an analyst")
    hit = {"id": "m1", "flagged": True, "score": 0.9, "categories": ["offer"],
           "substances": [{"id": "fentanyl", "name": "Fentanyl", "class": "opioid", "control": ["UN1961:I"]}],
           "signals": [], "evidence": [], "fields": {"text": "fentanyl 5g"}}
    st, _ = analyst.post("/api/v1/hits", [hit, dict(hit, id="m2")])
    check(st in (200, 201), f"hits accepted ({st})")
    analyst.get("/api/v1/nonexistent")
    st, body = admin.get("/api/v1/metrics")
    eq(st, 200, "an admin")
    text = body.decode() if isinstance(body, bytes) else str(body)
    check(admin.last_headers.get("content-type", "").startswith("text/plain; version=0.0.4"), "content type")
    check("# TYPE interdict_http_requests_total counter" in text, "requests counter")
    check(re.search(r'interdict_http_requests_total\{method="POST",code="2xx"\} [1-9]', text), "POST 2xx counted")
    check(re.search(r'interdict_http_requests_total\{method="GET",code="4xx"\} [1-9]', text), "GET 4xx counted")
    check("interdict_hits_submitted_total 2" in text, "two hits counted")
    inf = re.search(r'duration_seconds_bucket\{le="\+Inf"\} (\d+)', text)
    cnt = re.search(r'duration_seconds_count (\d+)', text)
    check(inf and cnt and inf.group(1) == cnt.group(1) and int(cnt.group(1)) >= 4, "histogram totals")
finally:
    srv.stop()
    srv.cleanup()
finish()
