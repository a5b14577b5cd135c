#!/usr/bin/env python3
"""CLI tests of `interdict scan` and `interdict kb`: the real program on real files.

Covers the verdict contract on the bundled samples, output order with many threads, every kind
of bad input (invalid JSON, a missing field, invalid UTF-8, an over-long line, NUL bytes) with
its message and the exit status, plain text input, --explain, --kb-extra, kb lint/stats/lookup.
Run by meson with IDT_BIN set to the program and IDT_SOURCE_ROOT to the repository.
"""
import json, os, subprocess, sys, tempfile, unittest

BIN = os.environ["IDT_BIN"]
ROOT = os.environ["IDT_SOURCE_ROOT"]
SAMPLES = os.path.join(ROOT, "data", "samples", "listings.jsonl")


def run(args, stdin=None, env=None):
    e = dict(os.environ)
    e["XDG_CACHE_HOME"] = CACHE
    if env:
        e.update(env)
    p = subprocess.run([BIN] + args, input=stdin, capture_output=True, env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def verdicts(out):
    return [json.loads(l) for l in out.decode().splitlines() if l.strip()]


class Samples(unittest.TestCase):
    def setUp(self):
        rc, out, err = run(["scan", "--all", "-t", "title", "-t", "text", SAMPLES])
        self.assertEqual(rc, 0, err)
        self.v = {x["id"]: x for x in verdicts(out)}
        self.src = {json.loads(l)["id"]: json.loads(l) for l in open(SAMPLES, encoding="utf-8")}

    def test_every_record_has_a_verdict_in_order(self):
        ids = [json.loads(l)["id"] for l in open(SAMPLES, encoding="utf-8")]
        rc, out, _ = run(["scan", "--all", "-t", "title", "-t", "text", "--threads", "2", SAMPLES])
        self.assertEqual([x["id"] for x in verdicts(out)], ids)

    def test_offers_are_flagged_with_the_right_substances(self):
        want = {"s1": "cocaine", "s2": "fentanyl", "s9": "cocaine", "s10": "cocaine",
                "s21": "heroin", "s5": "oxycodone", "s17": "alprazolam", "s8": "alprazolam"}
        for rid, sub in want.items():
            v = self.v[rid]
            self.assertTrue(v["flagged"], rid)
            self.assertIn(sub, [s["id"] for s in v["substances"]], rid)
            self.assertIn("offer" if rid not in ("s5", "s17") else "pharmacy", v["categories"], rid)

    def test_benign_records_are_not_flagged(self):
        for rid in ("s3", "s14", "s18", "s22"):
            self.assertFalse(self.v[rid]["flagged"], rid)
            self.assertEqual(self.v[rid]["substances"], [], rid)

    def test_evidence_quotes_the_original_bytes(self):
        for rid, v in self.v.items():
            for e in v["evidence"]:
                raw = self.src[rid][e["field"]].encode("utf-8")
                self.assertEqual(raw[e["start"]:e["end"]].decode("utf-8"), e["text"], (rid, e))

    def test_obfuscated_spellings(self):
        texts = {e["text"] for e in self.v["s2"]["evidence"] if e.get("substance")}
        self.assertTrue(any(t.startswith("F3NT@NYL") for t in texts), texts)
        self.assertIn("f3nt@nyl", texts)
        self.assertIn("c.o.c.a.i.n.e", {e["text"] for e in self.v["s9"]["evidence"]})
        self.assertTrue(any(e["text"].startswith("Xаnах") for e in self.v["s8"]["evidence"]))

    def test_cas_number_names_the_precursor(self):
        v = self.v["s4"]
        self.assertTrue(v["flagged"])
        cas = [s for s in v["substances"] if "5413-05-8" in s.get("cas", [])]
        self.assertEqual(len(cas), 1)
        self.assertEqual(cas[0]["class"], "precursor")

    def test_other_languages(self):
        self.assertIn("stimulant", [s["class"] for s in self.v["s10"]["substances"]])
        self.assertTrue(self.v["s11"]["substances"])  # Russian: mephedrone
        self.assertIn("methamphetamine", [s["id"] for s in self.v["s12"]["substances"]])

    def test_request_and_warning_categories(self):
        self.assertIn("purchase-request", self.v["s6"]["categories"])
        self.assertIn("warning", self.v["s13"]["categories"])
        self.assertNotIn("offer", self.v["s13"]["categories"])

    def test_provenance(self):
        self.assertEqual(self.v["s3"]["source"]["line"], 3)
        self.assertTrue(self.v["s3"]["source"]["file"].endswith("listings.jsonl"))


class BadInput(unittest.TestCase):
    def test_each_bad_line_is_reported_and_the_rest_scanned(self):
        lines = [
            b'{"id": 1, "text": "fentanyl 5g"}',
            b'{"id": 2, "text": "broken',                         # invalid JSON
            b'{"id": 3, "title": "no text field"}',               # missing field
            b'{"id": 4, "text": "coca\xffine and heroin 2g"}',    # invalid UTF-8 in JSON
            b'{"id": 5, "text": "nul \x00 byte"}',                # NUL byte
            b'{"id": 6, "text": "' + b"a" * (17 << 20) + b'"}',   # over 16 MiB
            b'{"id": 7, "text": "cocaine 1g"}',
        ]
        with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as f:
            f.write(b"\n".join(lines) + b"\n")
        try:
            rc, out, err = run(["scan", "--all", f.name])
        finally:
            os.unlink(f.name)
        self.assertEqual(rc, 3, err)
        ids = [v["id"] for v in verdicts(out)]
        self.assertEqual(ids, [1, 7])
        for line in (2, 3, 4, 5, 6):
            self.assertIn(f"{f.name}:{line}:", err)
        self.assertIn("5 malformed", err)

    def test_invalid_utf8_in_plain_text_is_replaced_and_scanned(self):
        rc, out, err = run(["scan", "--format", "text", "--all"],
                           stdin=b"coca\xffine \xc3( and heroin 2g\n")
        self.assertEqual(rc, 0, err)
        v = verdicts(out)[0]
        self.assertIn("heroin", [s["id"] for s in v["substances"]])
        self.assertEqual(v["invalid_utf8"], 2)
        self.assertIn("invalid UTF-8", err)

    def test_unreadable_file_is_a_failure(self):
        rc, _, err = run(["scan", "/nonexistent/file.jsonl"])
        self.assertEqual(rc, 4)
        self.assertIn("/nonexistent/file.jsonl", err)

    def test_usage_errors(self):
        self.assertEqual(run(["scan", "--threads", "0"])[0], 2)
        self.assertEqual(run(["scan", "--format", "nope"])[0], 2)
        self.assertEqual(run(["nonsense"])[0], 2)


class Modes(unittest.TestCase):
    def test_plain_text_from_stdin_and_fail_on_flag(self):
        rc, out, _ = run(["scan", "--format", "text", "--fail-on-flag", "-q"],
                         stdin=b"nothing here\nselling h3r0in 10g, wickr: dealer\n")
        self.assertEqual(rc, 1)
        v = verdicts(out)
        self.assertEqual(len(v), 1)
        self.assertEqual(v[0]["id"], 2)
        self.assertEqual(v[0]["substances"][0]["id"], "heroin")

    def test_explain_is_plain_when_piped(self):
        rc, out, _ = run(["scan", "--explain", "-t", "title", "-t", "text", "-q", SAMPLES])
        self.assertEqual(rc, 0)
        text = out.decode()
        self.assertIn("FLAGGED", text)
        self.assertIn("[[f3nt@nyl]]", text)
        self.assertNotIn("\033[", text)
        self.assertIn("score", text)

    def test_kb_extra_adds_a_national_list(self):
        with tempfile.NamedTemporaryFile("w", suffix=".kb", delete=False) as f:
            f.write("source = Test national list\n[zorbitol]\nname = Zorbitol\nclass = other\n"
                    "control = XX:schedule-1\n")
        try:
            rc, out, _ = run(["scan", "--format", "text", "--kb-extra", f.name, "-q"],
                             stdin=b"zorbitol 10g for sale\n")
        finally:
            os.unlink(f.name)
        v = verdicts(out)
        self.assertEqual(v[0]["substances"][0]["control"], ["XX:schedule-1"])

    def test_many_threads_same_output(self):
        data = open(SAMPLES, "rb").read() * 200
        outs = []
        for n in ("1", "2", "4"):
            rc, out, _ = run(["scan", "--all", "-t", "title", "-t", "text", "-q", "-j", n],
                             stdin=data)
            self.assertEqual(rc, 0)
            outs.append(out)
        self.assertEqual(outs[0], outs[1])
        self.assertEqual(outs[0], outs[2])
        self.assertEqual(len(verdicts(outs[0])), 24 * 200)


class Kb(unittest.TestCase):
    def test_lookup_explains_normalisation(self):
        rc, out, _ = run(["kb", "lookup", "c.o.c.a.i.n.e"])
        self.assertEqual(rc, 0)
        self.assertIn('normalised: "cocaine"', out.decode())
        self.assertIn("[cocaine]", out.decode())

    def test_stats_json(self):
        rc, out, _ = run(["kb", "stats", "--json"])
        s = json.loads(out)
        self.assertGreater(s["entities"], 0)
        self.assertIn("entities per class", s)

    def test_lint_reports_a_bad_file_with_its_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".kb", delete=False) as f:
            f.write("source = s\n[x]\nname = X\nclass = opioid\ncas = 50-36-3\n")
        try:
            rc, out, _ = run(["kb", "lint", "--kb-extra", f.name])
        finally:
            os.unlink(f.name)
        self.assertEqual(rc, 1)
        self.assertIn(f"{f.name}:5: error: invalid CAS number '50-36-3'", out.decode())


if __name__ == "__main__":
    CACHE = tempfile.mkdtemp(prefix="interdict-cache-")
    unittest.main(verbosity=2)
