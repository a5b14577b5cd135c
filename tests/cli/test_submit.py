#!/usr/bin/env python3
"""`interdict scan --submit`: flagged verdicts reach a real `interdict serve` on loopback, with
the text of their fields; a second submission of the same input is merged, not duplicated; a
wrong token fails loudly (exit 4) and nothing is added."""
import json, os, socket, subprocess, tempfile, time, unittest, urllib.request

BIN = os.environ["IDT_BIN"]
ROOT = os.environ["IDT_SOURCE_ROOT"]
SAMPLES = os.path.join(ROOT, "data", "samples", "listings.jsonl")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Submit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="interdict-submit-")
        db = os.path.join(cls.dir, "t.db")
        adm = [BIN, "admin", "--db", db]
        subprocess.run(adm + ["create-org", "--name", "Agency", "--country", "FR", "--kind", "government"], check=True, capture_output=True)
        subprocess.run(adm + ["create-user", "--org", "Agency", "--username", "ana", "--role", "analyst"], input=b"correct horse battery\n", check=True, capture_output=True)
        out = subprocess.run(adm + ["create-token", "--user", "ana", "--name", "scan", "--scopes", "read,submit-hits"], check=True, capture_output=True, text=True).stdout
        cls.token = out.split()[-1]
        cls.port = free_port()
        cls.url = f"http://127.0.0.1:{cls.port}"
        cls.server = subprocess.Popen([BIN, "serve", "--db", db, "--listen", f"127.0.0.1:{cls.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=10)

    def scan(self, token):
        env = dict(os.environ, XDG_CACHE_HOME=self.dir)
        return subprocess.run([BIN, "scan", "-t", "title", "-t", "text", "--submit", self.url, "--token", token, SAMPLES], capture_output=True, text=True, env=env)

    def hits(self):
        req = urllib.request.Request(self.url + "/api/v1/hits?per_page=100", headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)["items"]

    def test_submit_merge_and_bad_token(self):
        p = self.scan(self.token)
        self.assertEqual(p.returncode, 0, p.stderr)
        flagged = [json.loads(l) for l in p.stdout.splitlines()]
        self.assertIn(f"{len(flagged)} hits submitted", p.stderr)
        hits = self.hits()
        self.assertEqual(len(hits), len(flagged))
        by_id = {h["verdict"]["id"]: h["verdict"] for h in hits}
        self.assertEqual(set(by_id), {v["id"] for v in flagged})
        # The original text travels with the verdict, so evidence can be shown in context.
        s2 = by_id["s2"]
        self.assertIn("f3nt@nyl", s2["fields"]["text"])
        ev = [e for e in s2["evidence"] if e["field"] == "text"][0]
        self.assertEqual(s2["fields"]["text"].encode()[ev["start"]:ev["end"]].decode(), ev["text"])
        # Again: merged, not duplicated.
        self.assertEqual(self.scan(self.token).returncode, 0)
        self.assertEqual(len(self.hits()), len(flagged))
        # A wrong token: reported, exit 4.
        p = self.scan("idt_" + "0" * 64)
        self.assertEqual(p.returncode, 4)
        self.assertIn("submit to", p.stderr)
        self.assertIn("HTTP 401", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
