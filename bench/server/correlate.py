#!/usr/bin/env python3
"""correlate.py PORT TOKEN COUNT DISTINCT: creates COUNT incidents one by one, each sharing a
loaded phone number, a substance and a route, and reports the server's own measure of the
correlation step (the Server-Timing header: wall-clock `correlate;dur=MS` and the thread's CPU
time `correlate-cpu;dur=MS`, which a busy machine's scheduling does not inflate) at p50 / p99."""
import http.client
import json
import random
import sys

port, token, count, distinct = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
random.seed(7)
SUBST = ["fentanyl", "heroin", "cocaine", "methamphetamine", "mdma", "cannabis", "ketamine",
         "tramadol", "carfentanil", "mephedrone", "alprazolam", "oxycodone"]
CTY = ["CN", "IN", "NL", "DE", "GB", "US", "MX", "CO", "EC", "ES", "BE", "TR", "IR", "AF", "PK",
       "TH", "MM", "LA", "CA", "AU"]
durs, cpus, links = [], [], []
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
for k in range(count):
    v = random.randrange(0, distinct)
    v -= v % 3
    body = {"type": "seizure", "title": f"corr {k}", "status": "confirmed",
            "distribution": "all",
            "occurred_on": "%d-%02d-%02d" % (random.randint(2024, 2026), random.randint(1, 12),
                                             random.randint(1, 28)),
            "origin": [random.choice(CTY)], "destination": [random.choice(CTY)],
            "substances": [{"id": random.choice(SUBST)}],
            "observables": [{"type": "phone", "value": "+4477%08d" % v},
                            {"type": "email", "value": f"user{v + 1}@mail{(v + 1) % 1000}.example"}]}
    conn.request("POST", "/api/v1/incidents", json.dumps(body),
                 {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = conn.getresponse()
    data = json.loads(r.read())
    assert r.status == 201, data
    t = r.getheader("Server-Timing")  # correlate;dur=WALL, correlate-cpu;dur=CPU
    wall, cpu = (float(x.split("dur=")[1]) for x in t.split(","))
    durs.append(wall)
    cpus.append(cpu)
    links.append(len(data["correlations"]))
durs.sort()
cpus.sort()
p = lambda v, q: v[min(len(v) - 1, int(q * len(v)))]
print(json.dumps({"count": count, "wall_p50_ms": round(p(durs, 0.50), 3),
                  "wall_p99_ms": round(p(durs, 0.99), 3), "wall_max_ms": round(durs[-1], 3),
                  "cpu_p50_ms": round(p(cpus, 0.50), 3), "cpu_p99_ms": round(p(cpus, 0.99), 3),
                  "mean_links": round(sum(links) / len(links), 1)}))
