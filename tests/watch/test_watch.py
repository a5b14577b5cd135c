#!/usr/bin/env python3
"""`interdict watch` and `interdict evidence`, end to end, against the fixture sites on a local
web server (fixture_server.py) and a real `interdict serve` on loopback:

  watch --once --submit  ->  robots.txt honoured, only in-scope pages, a User-Agent naming
  Interdict, a proxy used -> a WARC file, read back by `interdict scan --format warc` with the
  right URLs and text, its record digests re-computed here with hashlib -> `evidence verify` OK,
  and failing (naming the record) after a byte is flipped -> hits in the server's queue with
  their source (URL, platform, fetch time, WARC record id and file SHA-256) -> the pharmacy's
  verdict with reasons -> a reported listing's takedown timed -> a bundle with its manifest ->
  a WARC file attached to an incident -> a robots.txt override recorded -> SIGTERM stops a
  looping watch cleanly.
"""
import gzip, hashlib, json, os, re, shutil, signal, socket, sqlite3, subprocess, sys, tempfile
import time, unittest, urllib.request, zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_server  # noqa: E402

BIN = os.environ["IDT_BIN"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def gzip_members(data):
    """The decompressed gzip members of data, one by one (each must be one WARC record)."""
    out = []
    while data:
        d = zlib.decompressobj(31)
        out.append(d.decompress(data))
        if not d.eof:
            raise AssertionError("a gzip member is cut")
        data = d.unused_data
    return out


def parse_record(raw):
    """(headers dict, block) of one WARC record, checking its framing."""
    head, sep, rest = raw.partition(b"\r\n\r\n")
    assert sep, "no header end"
    lines = head.decode().split("\r\n")
    assert lines[0] == "WARC/1.1", lines[0]
    h = {}
    for l in lines[1:]:
        k, _, v = l.partition(": ")
        h[k] = v
    n = int(h["Content-Length"])
    block = rest[:n]
    assert len(block) == n and rest[n:] == b"\r\n\r\n", "record end"
    return h, block


def http_payload(block):
    head, _, body = block.partition(b"\r\n\r\n")
    assert b"chunked" not in head.lower()
    return body


class Watch(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="interdict-watch-")
        cls.sites = fixture_server.Sites(gone_after=1)
        db = os.path.join(cls.dir, "server.db")
        adm = [BIN, "admin", "--db", db]
        run = lambda a, **kw: subprocess.run(adm + a, check=True, capture_output=True, **kw)
        run(["create-org", "--name", "Agency", "--country", "FR", "--kind", "government"])
        run(["create-user", "--org", "Agency", "--username", "ana", "--role", "analyst"],
            input=b"correct horse battery\n")
        cls.token = run(["create-token", "--user", "ana", "--name", "watch", "--scopes",
                         "read,write,submit-hits"], text=True).stdout.split()[-1]
        port = free_port()
        cls.url = f"http://127.0.0.1:{port}"
        cls.server = subprocess.Popen(
            [BIN, "serve", "--db", db, "--listen", f"127.0.0.1:{port}", "--data-dir",
             os.path.join(cls.dir, "data")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        cls.env = dict(os.environ, XDG_CACHE_HOME=cls.dir)
        cls.state = os.path.join(cls.dir, "watch.db")
        cls.warc_dir = os.path.join(cls.dir, "warc")
        base = cls.sites.base
        cls.list = os.path.join(cls.dir, "watch.list")
        with open(cls.list, "w") as f:
            f.write(f"""# the watch tests' list
[source shop]
url = {base}/shop/
platform = night-market
schedule = 1h
depth = 1
scope = prefix
rate = 50/s

[source rxmeds]
url = http://{fixture_server.PHARMACY_HOST}/
platform = rxmeds
depth = 1
rate = 50/s
proxy = http://127.0.0.1:{cls.sites.port}
""")
        cls.round1 = cls.watch("--once", "--submit", cls.url, "--token", cls.token)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=10)
        cls.sites.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def watch(cls, *args, lst=None):
        return subprocess.run([BIN, "watch", "--list", lst or cls.list, "--state", cls.state,
                               "--warc-dir", cls.warc_dir, "--timeout", "10"] + list(args),
                              capture_output=True, text=True, env=cls.env, timeout=120)

    def cli(self, *args):
        return subprocess.run([BIN] + list(args), capture_output=True, text=True, env=self.env,
                              timeout=60)

    def api(self, path, body=None, method=None):
        req = urllib.request.Request(self.url + path, data=body, method=method,
                                     headers={"Authorization": "Bearer " + self.token,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)

    def warcs(self):
        return sorted(os.path.join(self.warc_dir, n) for n in os.listdir(self.warc_dir))

    # ------------------------------------------------------------------ tests (in order)

    def test_1_crawl_polite(self):
        p = self.round1
        self.assertEqual(p.returncode, 0, p.stderr)
        paths = self.sites.paths()
        self.assertEqual(paths[0], "/robots.txt")  # robots.txt before anything else
        self.assertNotIn("/shop/private/stash.html", paths)  # Disallow honoured
        self.assertIn("disallowed by robots.txt", p.stderr)
        self.assertEqual(set(paths), {"/robots.txt", "/shop/", "/shop/item-fent.html",
                                      "/shop/item-bike.html", "/shop/listing-77.html",
                                      "/shop/old-listing"})
        self.assertEqual(len(paths), len(set(paths)))  # each page once
        # the pharmacy went through the proxy, by its name
        self.assertEqual(set(self.sites.paths(fixture_server.PHARMACY_HOST)),
                         {"/robots.txt", "/", "/products.html", "/about.html"})
        for _, _, ua in self.sites.requests:
            self.assertIn("Interdict/", ua)
        self.assertNotIn("elsewhere.invalid", p.stderr.replace("not followed", ""))

    def test_2_warc_digests_by_hashlib(self):
        files = self.warcs()
        self.assertEqual(len(files), 1, files)
        self.assertTrue(files[0].endswith(".warc.gz"))
        data = open(files[0], "rb").read()
        recs = [parse_record(m) for m in gzip_members(data)]
        self.assertEqual(recs[0][0]["WARC-Type"], "warcinfo")
        self.assertEqual(recs[0][0]["WARC-Filename"], os.path.basename(files[0]))
        ids = set()
        responses = {}
        for h, block in recs:
            self.assertRegex(h["WARC-Record-ID"],
                             r"^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$")
            self.assertRegex(h["WARC-Date"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            ids.add(h["WARC-Record-ID"])
            self.assertEqual(h["WARC-Block-Digest"], "sha256:" + hashlib.sha256(block).hexdigest())
            if h["WARC-Type"] == "response":
                self.assertEqual(h["Content-Type"], "application/http; msgtype=response")
                self.assertEqual(h["WARC-Payload-Digest"],
                                 "sha256:" + hashlib.sha256(http_payload(block)).hexdigest())
                responses[h["WARC-Target-URI"]] = (h, block)
            elif h["WARC-Type"] == "request":
                self.assertTrue(block.startswith(b"GET "), block[:40])
                self.assertIn(b"User-Agent: Mozilla/5.0 (compatible; Interdict/", block)
        self.assertEqual(len(ids), len(recs))
        for h, _ in recs:
            if h["WARC-Type"] == "request":
                self.assertIn(h["WARC-Concurrent-To"], ids)
        base = self.sites.base
        self.assertEqual(len([r for r in recs if r[0]["WARC-Type"] == "response"]), 10)
        h, block = responses[base + "/shop/item-fent.html"]
        self.assertTrue(block.startswith(b"HTTP/1.1 200 "))
        self.assertIn(b"Pure fentanyl powder for sale", block)
        self.assertTrue(responses[base + "/shop/old-listing"][1].startswith(b"HTTP/1.1 301"))
        self.assertIn("http://rxmeds-pharmacy.test/products.html", responses)
        # the file's SHA-256 is in the state database
        con = sqlite3.connect(self.state)
        (sha,) = con.execute("SELECT sha256 FROM warc_files WHERE name = ?",
                             (os.path.basename(files[0]),)).fetchone()
        self.assertEqual(sha, hashlib.sha256(data).hexdigest())

    def test_3_read_back_by_interdicts_warc_reader(self):
        f = self.warcs()[0]
        p = self.cli("scan", "--format", "warc", "--all", f)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = [json.loads(l) for l in p.stdout.splitlines()]
        by_url = {v["source"]["url"]: v for v in out}
        base = self.sites.base
        self.assertEqual(set(by_url), {base + "/robots.txt", base + "/shop/",
                                       base + "/shop/item-fent.html", base + "/shop/item-bike.html",
                                       base + "/shop/listing-77.html",
                                       "http://rxmeds-pharmacy.test/robots.txt",
                                       "http://rxmeds-pharmacy.test/",
                                       "http://rxmeds-pharmacy.test/products.html",
                                       "http://rxmeds-pharmacy.test/about.html"})
        v = by_url[base + "/shop/item-fent.html"]
        self.assertTrue(v["flagged"])
        self.assertEqual([s["id"] for s in v["substances"]], ["fentanyl"])
        self.assertFalse(by_url[base + "/shop/item-bike.html"]["flagged"])

    def test_4_evidence_verify(self):
        f = self.warcs()[0]
        p = self.cli("evidence", "verify", "--state", self.state, f)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("21 records, digests verified", p.stdout)
        self.assertIn("matches the state database", p.stdout)
        # a byte flipped inside the fentanyl listing's response: the record is named
        data = bytearray(open(f, "rb").read())
        members, off, rec_id, start = gzip_members(bytes(data)), 0, None, 0
        raw = bytes(data)
        for m in members:
            d = zlib.decompressobj(31)
            d.decompress(raw[off:])
            size = len(raw) - off - len(d.unused_data)
            h, _ = parse_record(m)
            if h.get("WARC-Type") == "response" and h["WARC-Target-URI"].endswith("item-fent.html"):
                rec_id, start = h["WARC-Record-ID"], off + size // 2
                break
            off += size
        self.assertIsNotNone(rec_id)
        bad = os.path.join(self.dir, os.path.basename(f))
        data[start] ^= 0x20
        open(bad, "wb").write(data)
        p = self.cli("evidence", "verify", "--state", self.state, bad)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("FAIL", p.stdout)
        self.assertIn(rec_id, p.stdout)
        self.assertIn("differs from the recorded", p.stdout)  # same name: the file's SHA-256
        # an uncompressed copy with one changed byte in a block: the block digest names it
        plain = b"".join(gzip_members(open(f, "rb").read()))
        i = plain.index(b"Pure fentanyl powder for sale")
        plain = plain[:i] + b"Q" + plain[i + 1:]
        pf = os.path.join(self.dir, "plain.warc")
        open(pf, "wb").write(plain)
        p = self.cli("evidence", "verify", "--state", self.state, pf)
        self.assertEqual(p.returncode, 1)
        self.assertIn(rec_id, p.stdout)
        self.assertIn("block digest mismatch", p.stdout)
        self.assertIn("payload digest mismatch", p.stdout)

    def test_5_hits_in_the_queue(self):
        items = self.api("/api/v1/hits?per_page=100")["items"]
        by_url = {}
        for h in items:
            for s in h["sources"]:
                by_url[s["url"]] = (h, s)
        base = self.sites.base
        for u in (base + "/shop/item-fent.html", base + "/shop/listing-77.html",
                  "http://rxmeds-pharmacy.test/", "http://rxmeds-pharmacy.test/products.html"):
            self.assertIn(u, by_url)
        self.assertNotIn(base + "/shop/item-bike.html", by_url)
        self.assertNotIn(base + "/shop/private/stash.html", by_url)
        f = self.warcs()[0]
        sha = hashlib.sha256(open(f, "rb").read()).hexdigest()
        recs = {h["WARC-Record-ID"]: h for h, _ in map(parse_record, gzip_members(open(f, "rb").read()))}
        h, s = by_url[base + "/shop/item-fent.html"]
        self.assertEqual(s["platform"], "night-market")
        self.assertEqual(s["warc_sha256"], sha)
        self.assertEqual(s["warc_file"], os.path.basename(f))
        self.assertEqual(recs[s["warc_record_id"]]["WARC-Target-URI"], s["url"])
        self.assertEqual(recs[s["warc_record_id"]]["WARC-Date"], s["fetched_at"])
        self.assertEqual(recs[s["warc_record_id"]]["WARC-Payload-Digest"], s["payload_digest"])
        self.assertIn("Pure fentanyl powder", h["verdict"]["fields"]["text"])
        self.assertNotIn("pharmacy", s)  # the shop is no pharmacy

    def test_6_pharmacy_verdict(self):
        items = self.api("/api/v1/hits?per_page=100")["items"]
        h = [h for h in items if h["sources"][0]["url"] == "http://rxmeds-pharmacy.test/"][0]
        ph = h["sources"][0]["pharmacy"]
        self.assertEqual(ph["verdict"], "likely-illegitimate")
        self.assertAlmostEqual(ph["score"], 0.95)
        reasons = " | ".join(ph["reasons"])
        self.assertIn("without a prescription: Tramadol, Oxycodone, Alprazolam", reasons)
        self.assertIn("no verifiable address or licence number", reasons)
        self.assertIn("payment in cryptocurrency only", reasons)
        self.assertIn("domain name built on 'pharma'", reasons)
        self.assertIn("pharmacy", h["verdict"]["categories"])
        self.assertTrue(any(r.startswith("internet pharmacy assessment: likely-illegitimate")
                            for r in h["verdict"]["reasons"]))
        con = sqlite3.connect(self.state)
        row = con.execute("SELECT verdict, score FROM pharmacy WHERE site = ?",
                          (fixture_server.PHARMACY_HOST,)).fetchone()
        self.assertEqual(row, ("likely-illegitimate", 0.95))
        row = con.execute("SELECT verdict FROM pharmacy WHERE site = '127.0.0.1'").fetchone()
        self.assertEqual(row, ("not-a-pharmacy",))

    def test_7_takedown_timed(self):
        base = self.sites.base
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 7200))
        p = self.cli("watch", "report-takedown", "--state", self.state, "--url",
                     base + "/shop/listing-77.html", "--platform", "night-market", "--reference",
                     "NM-2026-0042", "--at", at)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.cli("watch", "report-takedown", "--state", self.state, "--url",
                     base + "/shop/item-fent.html", "--platform", "night-market", "--reference",
                     "NM-2026-0043")
        self.assertEqual(p.returncode, 0, p.stderr)
        n_before = len(self.api("/api/v1/hits?per_page=100")["items"])
        p = self.watch("--once", "--submit", self.url, "--token", self.token)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "")  # nothing new or changed: no hit
        self.assertIn("taken down (HTTP 404)", p.stderr)
        self.assertEqual(len(self.api("/api/v1/hits?per_page=100")["items"]), n_before)
        p = self.cli("watch", "takedowns", "--json", "--state", self.state)
        self.assertEqual(p.returncode, 0, p.stderr)
        t = json.loads(p.stdout)
        by = {x["url"]: x for x in t["takedowns"]}
        gone = by[base + "/shop/listing-77.html"]
        self.assertEqual(gone["gone_how"], "HTTP 404")
        self.assertEqual(gone["reference"], "NM-2026-0042")
        self.assertGreaterEqual(gone["seconds_to_takedown"], 7200)
        self.assertLess(gone["seconds_to_takedown"], 7200 + 120)
        self.assertIsNone(by[base + "/shop/item-fent.html"]["gone_at"])  # still online
        self.assertEqual(t["median_seconds"], gone["seconds_to_takedown"])
        self.assertEqual(t["platforms"]["night-market"]["reported"], 2)
        self.assertEqual(t["platforms"]["night-market"]["gone"], 1)
        p = self.cli("watch", "takedowns", "--state", self.state)
        self.assertIn("median time to takedown: 2.0 h (1 of 2 taken down)", p.stdout)
        self.assertIn("night-market: 2.0 h (1 of 2)", p.stdout)

    def test_8_bundle(self):
        base = self.sites.base
        out = os.path.join(self.dir, "bundle")
        p = self.cli("evidence", "bundle", "--state", self.state, "--out", out,
                     base + "/shop/item-fent.html", "http://nowhere.invalid/")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        man = json.load(open(os.path.join(out, "manifest.json")))
        self.assertEqual(len(man["files"]), 2)  # both rounds captured the listing
        for fe in man["files"]:
            data = open(os.path.join(out, fe["file"]), "rb").read()
            self.assertEqual(fe["sha256"], hashlib.sha256(data).hexdigest())
            self.assertEqual(fe["recorded_sha256"], fe["sha256"])
            self.assertEqual(fe["result"], "verified")
        caps = man["captures"]
        self.assertEqual({c["url"] for c in caps}, {base + "/shop/item-fent.html"})
        self.assertEqual(len(caps), 3)  # round 1, round 2 crawl, round 2 takedown re-check
        for c in caps:
            self.assertRegex(c["fetched_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertIn(c["warc_file"], {f["file"] for f in man["files"]})
        self.assertEqual(man["urls_without_capture"], ["http://nowhere.invalid/"])

    def test_9_incident_attach_and_bundle(self):
        # the analyst confirms the pharmacy's hit into an incident (source URL pre-filled)
        items = self.api("/api/v1/hits?per_page=100")["items"]
        hit = [h for h in items if h["sources"][0]["url"] == "http://rxmeds-pharmacy.test/"][0]
        inc = self.api(f"/api/v1/hits/{hit['id']}/confirm", b"{}", "POST")
        self.assertEqual(inc["source"]["url"], "http://rxmeds-pharmacy.test/")
        # an internet-pharmacy incident, the assessment's reasons kept in its source verdict
        self.assertEqual(inc["type"], "internet-pharmacy")
        self.assertTrue(any(r.startswith("internet pharmacy assessment: likely-illegitimate")
                            for r in inc["source"]["verdict"]["reasons"]))
        self.assertEqual(inc["source"]["verdict"]["source"]["pharmacy"]["score"], 0.95)
        # the WARC file named in the hit's source goes to the incident's attachments
        f = os.path.join(self.warc_dir, hit["sources"][0]["warc_file"])
        p = self.cli("evidence", "attach", "--incident", str(inc["id"]), "--server", self.url,
                     "--token", self.token, f)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(f, "rb") as fp:
            sha = hashlib.sha256(fp.read()).hexdigest()
        self.assertEqual(p.stdout.strip(), sha)
        self.assertEqual(sha, hit["sources"][0]["warc_sha256"])
        got = self.api(f"/api/v1/incidents/{inc['id']}")
        self.assertIn(sha, [a["sha256"] for a in got["attachments"]])
        # a bundle of the incident's evidence
        out = os.path.join(self.dir, "bundle-incident")
        p = self.cli("evidence", "bundle", "--state", self.state, "--out", out, "--incident",
                     str(inc["id"]), "--server", self.url, "--token", self.token)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        with open(os.path.join(out, "manifest.json")) as fp:
            man = json.load(fp)
        self.assertEqual(man["incident"]["id"], inc["id"])
        with open(os.path.join(out, "incident.json"), "rb") as fp:
            self.assertEqual(man["incident"]["sha256"], hashlib.sha256(fp.read()).hexdigest())
        # the source URL and the incident's url observables (the links of the page)
        want = {inc["source"]["url"]} | {o["value"] for o in inc["observables"]
                                         if o["type"] == "url"}
        self.assertIn("http://rxmeds-pharmacy.test/products.html", want)
        self.assertEqual({c["url"] for c in man["captures"]}, want)
        self.assertIn(os.path.basename(f), [x["file"] for x in man["files"]])
        # a wrong token: refused, exit 4
        p = self.cli("evidence", "attach", "--incident", str(inc["id"]), "--server", self.url,
                     "--token", "idt_" + "0" * 64, f)
        self.assertEqual(p.returncode, 4)
        self.assertIn("HTTP 401", p.stderr)

    def test_a_robots_override_recorded(self):
        lst = os.path.join(self.dir, "override.list")
        with open(lst, "w") as f:
            f.write(f"""[source private]
url = {self.sites.base}/shop/private/stash.html
depth = 0
rate = 50/s
robots = override
override-by = J. Doe, Cyber Unit
override-reason = court order 2026/117
""")
        n = len(self.sites.requests)
        p = self.watch("--check", lst=lst)  # for review: prints, fetches nothing
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("robots    = OVERRIDDEN by J. Doe, Cyber Unit: court order 2026/117",
                      p.stdout)
        self.assertIn("1 source, watch list OK", p.stdout)
        self.assertEqual(len(self.sites.requests), n)
        p = self.watch("--once", lst=lst)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("/shop/private/stash.html", self.sites.paths())
        con = sqlite3.connect(self.state)
        ev = con.execute("SELECT detail FROM events WHERE kind = 'robots-override'").fetchall()
        self.assertEqual(len(ev), 1)
        self.assertIn("court order 2026/117", ev[0][0])
        newest = self.warcs()[-1]
        info = gzip_members(open(newest, "rb").read())[0]
        self.assertIn(b"robots=override by=J. Doe, Cyber Unit reason=court order 2026/117", info)
        # robots = override without who and why is refused
        with open(lst, "a") as f:
            f.write("\n[source bad]\nurl = http://127.0.0.1:1/\nrobots = override\n")
        p = self.watch("--once", lst=lst)
        self.assertEqual(p.returncode, 2)
        self.assertIn("override-by and override-reason", p.stderr)

    def test_a2_robots_redirect_and_unavailable(self):
        lst = os.path.join(self.dir, "robots.list")
        proxy = f"http://127.0.0.1:{self.sites.port}"
        with open(lst, "w") as f:
            f.write(f"""[source moved]
url = http://{fixture_server.MOVED_HOST}/
rate = 50/s
proxy = {proxy}

[source down]
url = http://{fixture_server.DOWN_HOST}/
rate = 50/s
proxy = {proxy}
""")
        p = self.watch("--once", lst=lst)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.sites.paths(fixture_server.MOVED_HOST),
                         ["/robots.txt", "/policy/robots.txt", "/", "/open.html"])
        self.assertEqual(self.sites.paths(fixture_server.DOWN_HOST), ["/robots.txt"])
        self.assertIn("down.test/robots.txt: unavailable", p.stderr)

    def test_a3_failed_submission_retried(self):
        lst = os.path.join(self.dir, "retry.list")
        with open(lst, "w") as f:
            f.write(f"[source one]\nurl = {self.sites.base}/shop/item-fent.html\ndepth = 0\n"
                    "rate = 50/s\n")
        state = os.path.join(self.dir, "retry.db")
        run = lambda *a: subprocess.run(
            [BIN, "watch", "--list", lst, "--state", state, "--warc-dir", self.warc_dir,
             "--once", "--token", self.token] + list(a),
            capture_output=True, text=True, env=self.env, timeout=60)
        p = run("--submit", f"http://127.0.0.1:{free_port()}")  # nobody listens
        self.assertEqual(p.returncode, 4)
        self.assertIn("sent again next round", p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 1)
        p = run("--submit", self.url)  # the same unchanged page: a hit again, submitted
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 1)
        self.assertIn("1 hits submitted", p.stderr)
        p = run("--submit", self.url)  # now it is known: no hit
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "")

    def test_a4_loop_runs_only_due_sources(self):
        # shop (schedule 1h) and rxmeds (24h) ran in rounds 1 and 2: in a loop they are not
        # due; only the pending takedown (item-fent) is re-checked
        before = len(self.sites.requests)
        proc = subprocess.Popen([BIN, "watch", "--list", self.list, "--state", self.state,
                                 "--warc-dir", self.warc_dir], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env)
        time.sleep(2)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, 0, err)
        new = [p for _, p, _ in self.sites.requests[before:]]
        self.assertEqual(new, ["/robots.txt", "/shop/item-fent.html"])
        self.assertEqual(out, b"")

    def test_a5_size_cap_and_timeout(self):
        lst = os.path.join(self.dir, "caps.list")
        with open(lst, "w") as f:
            f.write(f"[source big]\nurl = {self.sites.base}/shop/big.html\ndepth = 0\nrate = 50/s\n"
                    f"[source slow]\nurl = {self.sites.base}/shop/slow.html\ndepth = 0\nrate = 50/s\n")
        wd = os.path.join(self.dir, "warc-caps")
        t0 = time.time()
        p = subprocess.run([BIN, "watch", "--list", lst, "--state", os.path.join(self.dir, "caps.db"),
                            "--warc-dir", wd, "--once", "--timeout", "1", "--max-bytes", "10K"],
                           capture_output=True, text=True, env=self.env, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertLess(time.time() - t0, 4.5)  # the stalled page did not hold the round
        self.assertIn("big.html: HTTP 200, 10240 bytes, flagged, cut at the size cap", p.stderr)
        self.assertIn("slow.html", p.stderr)
        (f,) = os.listdir(wd)
        with open(os.path.join(wd, f), "rb") as fp:
            recs = [parse_record(m) for m in gzip_members(fp.read())]
        big = [(h, b) for h, b in recs if h.get("WARC-Target-URI", "").endswith("big.html")
               and h["WARC-Type"] == "response"][0]
        self.assertEqual(big[0]["WARC-Truncated"], "length")
        self.assertEqual(len(big[1]), 10240)
        self.assertEqual(big[0]["WARC-Block-Digest"], "sha256:" + hashlib.sha256(big[1]).hexdigest())
        slow = [h for h, b in recs if h.get("WARC-Target-URI", "").endswith("slow.html")
                and h["WARC-Type"] == "response"]
        self.assertEqual(len(slow), 1)  # what came (the headers) is kept, marked cut
        self.assertEqual(slow[0]["WARC-Truncated"], "length")

    def test_b_sigterm_stops_cleanly(self):
        lst = os.path.join(self.dir, "slow.list")
        with open(lst, "w") as f:
            f.write(f"[source slow]\nurl = {self.sites.base}/shop/\nrate = 1/2s\nschedule = 1m\n")
        before = set(self.warcs())
        proc = subprocess.Popen([BIN, "watch", "--list", lst, "--state", self.state,
                                 "--warc-dir", self.warc_dir], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env)
        time.sleep(1.5)
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=15)
        self.assertEqual(rc, 0)
        new = set(self.warcs()) - before
        self.assertEqual(len(new), 1)
        self.assertFalse([n for n in new if n.endswith(".open")])
        p = self.cli("evidence", "verify", "--state", self.state, *new)
        self.assertEqual(p.returncode, 0, p.stdout)

    def test_c_server_takedowns(self):
        # issue 10: listings of an incident reported on the server are re-checked by the
        # watch with --submit; the server records when each disappeared and /stats shows the
        # time to takedown
        base = self.sites.base
        inc = self.api("/api/v1/incidents", json.dumps(
            {"type": "online-offer", "title": "night-market listings", "status": "confirmed"}
        ).encode(), "POST")
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3 * 3600))
        p = self.cli("watch", "report-takedown", "--submit", self.url, "--token", self.token,
                     "--incident", str(inc["id"]), "--url", base + "/shop/listing-77.html",
                     "--platform", "night-market", "--reference", "NM-S-1", "--at", at)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"at {at}: takedown ", p.stdout)
        self.api(f"/api/v1/incidents/{inc['id']}/takedowns", json.dumps(
            {"url": base + "/shop/item-fent.html", "platform": "night-market",
             "reference": "NM-S-2"}).encode(), "POST")
        p = self.cli("watch", "report-takedown", "--submit", self.url, "--token", self.token,
                     "--url", base + "/shop/x.html", "--platform", "p", "--reference", "r")
        self.assertEqual(p.returncode, 2)  # --incident missing
        before = len(self.sites.requests)
        p = self.watch("--once", "--submit", self.url, "--token", self.token)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"{base}/shop/listing-77.html: taken down (HTTP 404)", p.stderr)
        # item-fent is pending both locally (test_7) and on the server: fetched once for both
        # (plus once by the crawl of its source)
        fent = [x for _, x, _ in self.sites.requests[before:] if x == "/shop/item-fent.html"]
        self.assertEqual(len(fent), 2)
        items = self.api(f"/api/v1/incidents/{inc['id']}/takedowns")["items"]
        by = {t["url"]: t for t in items}
        gone = by[base + "/shop/listing-77.html"]
        self.assertEqual((gone["how"], gone["checks"], gone["reference"]), ("HTTP 404", 1, "NM-S-1"))
        self.assertGreaterEqual(gone["seconds_to_takedown"], 3 * 3600)
        self.assertLess(gone["seconds_to_takedown"], 3 * 3600 + 120)
        self.assertEqual(gone["last_check"], gone["gone_at"])
        online = by[base + "/shop/item-fent.html"]
        self.assertEqual((online["gone_at"], online["how"], online["checks"]), (None, None, 1))
        self.assertIsNotNone(online["last_check"])
        td = self.api("/api/v1/stats")["takedowns"]
        self.assertEqual((td["reported"], td["gone"], td["open"]), (2, 1, 1))
        self.assertEqual(td["median_seconds"], gone["seconds_to_takedown"])
        self.assertEqual(td["by_platform"][0]["platform"], "night-market")
        self.assertEqual(td["by_platform"][0]["median_seconds"], gone["seconds_to_takedown"])
        # the open one only, next round
        open_ = self.api("/api/v1/takedowns?open=true")["items"]
        self.assertEqual([t["url"] for t in open_], [base + "/shop/item-fent.html"])
        self.assertEqual(gone["created_by"], "ana")  # the token's user reported it
        # a token for hits only may not read takedowns: a note, and the round still succeeds
        hits_only = subprocess.run([BIN, "admin", "--db", os.path.join(self.dir, "server.db"),
                                    "create-token", "--user", "ana", "--name", "hits-only",
                                    "--scopes", "submit-hits"], check=True, capture_output=True,
                                   text=True).stdout.split()[-1]
        p = self.watch("--once", "--submit", self.url, "--token", hits_only)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("may not read the server's takedowns", p.stderr)
        self.assertEqual(self.api(f"/api/v1/incidents/{inc['id']}/takedowns")["items"][1]["checks"],
                         1)  # nothing recorded with that token


if __name__ == "__main__":
    unittest.main(verbosity=2)
