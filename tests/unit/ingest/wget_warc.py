#!/usr/bin/env python3
"""Round trip through a real crawler's WARC: serves tests/data/ingest/site/ on 127.0.0.1 with
Python's http.server, crawls it with `wget --warc-file` (plain and gzip), reads the WARC back
with read_dump and checks that every page comes back with its URL and its text.

    wget_warc.py READ_DUMP      (exit 77: skipped when wget is not installed)
"""
import http.server, json, os, shutil, subprocess, sys, tempfile, threading

EXPECT = {
    "index.html": {"title": "Night Pharmacy", "text": "Oxycodone 80mg",
                   "description": "Prescription drugs without prescription",
                   "links": "/oxy.html"},
    "oxy.html": {"title": "Oxycodone 80mg", "text": "Oxycodone 80 mg, 100 pills \u2013 ships in 24h.",
                 "alt": "white round pills"},
    "ru.html": {"title": "Закладки", "text": "Мефедрон и альфа-PVP, закладки по городу."},
    "notes.txt": {"text": "Orders ship from Rotterdam. Payment in Monero only."},
}
NOT_IN_TEXT = ["trackVisitor", "heroin"]


def main():
    dump = sys.argv[1]
    wget = shutil.which("wget")
    if not wget:
        print("wget not installed: skipped")
        return 77
    root = os.environ.get("IDT_SOURCE_ROOT", ".")
    site = os.path.join(root, "tests", "data", "ingest", "site")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=site, **kw)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    port = srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d/" % port
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for gz in (True, False):
            name = os.path.join(tmp, "crawl-gz" if gz else "crawl")
            cmd = [wget, "--no-proxy", "-e", "robots=off", "--recursive", "--level=2",
                   "--no-verbose", "--tries=3", "--timeout=30", "-P", os.path.join(tmp, "m"),
                   "--warc-file=" + name, base + "index.html"]
            if not gz:
                cmd.insert(1, "--no-warc-compression")
            # exit 8: some URL gave an HTTP error (pills.png does not exist): expected
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               timeout=300)
            if p.returncode not in (0, 8):
                print("wget failed with exit code %d:\n%s" % (p.returncode, p.stderr))
                return 1
            path = name + (".warc.gz" if gz else ".warc")
            out = subprocess.run([dump, path], check=True, capture_output=True, text=True).stdout
            recs = [json.loads(line) for line in out.splitlines()]
            errors = [r for r in recs if "error" in r]
            if errors:
                print("%s: unexpected errors: %s" % (path, errors))
                failures += 1
            by_url = {r["url"]: r for r in recs if "error" not in r}
            for page, fields in EXPECT.items():
                rec = by_url.get(base + page)
                if not rec:
                    print("%s: %s missing; got %s" % (path, page, sorted(by_url)))
                    failures += 1
                    continue
                if not rec["id"].startswith("<urn:uuid:"):
                    print("%s: %s: bad id %r" % (path, page, rec["id"]))
                    failures += 1
                for f, want in fields.items():
                    got = rec["fields"].get(f, "")
                    if want not in got:
                        print("%s: %s: field %s: %r not in %r" % (path, page, f, want, got))
                        failures += 1
                for bad in NOT_IN_TEXT:
                    if bad in rec["fields"].get("text", ""):
                        print("%s: %s: script text leaked: %r" % (path, page, bad))
                        failures += 1
    srv.shutdown()
    print("ok" if not failures else "%d failures" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
