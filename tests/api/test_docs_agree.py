#!/usr/bin/env python3
"""The documentation and the code agree: every status code of include/interdict/status.h is in
docs/errors.md with the same value, and every option a command's --help prints is documented
in docs/cli.md under that command's heading (and every documented option exists)."""
import os, re, subprocess, sys, unittest

ROOT = os.environ["IDT_SOURCE_ROOT"]
BIN = os.environ["IDT_BIN"]


def read(*p):
    with open(os.path.join(ROOT, *p), encoding="utf-8") as f:
        return f.read()


class Agree(unittest.TestCase):
    def test_status_codes(self):
        header = dict((n, int(v)) for n, v in re.findall(r"\b(IDT_[A-Z]+)\s*=\s*(\d+)", read("include", "interdict", "status.h")))
        docs = dict((n, int(v)) for v, n in re.findall(r"^\| (\d+) \| `(IDT_[A-Z]+)`", read("docs", "errors.md"), re.M))
        self.assertTrue(header)
        self.assertEqual(header, docs)

    def test_cli_options(self):
        out = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
        commands = re.findall(r"^  ([a-z]+) ", out, re.M)
        self.assertIn("scan", commands)
        docs = read("docs", "cli.md")
        sections = dict(re.findall(r"^## ([a-z]+)\n(.*?)(?=^## |\Z)", docs, re.M | re.S))
        for cmd in commands:
            self.assertIn(cmd, sections, f"docs/cli.md has no section for '{cmd}'")
            helptext = subprocess.run([BIN, cmd, "--help"], capture_output=True, text=True).stdout
            helptext = re.sub(r"'[^'\n]*'", "", helptext)  # quoted examples of other commands
            in_help = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]+)", helptext))
            in_docs = set(re.findall(r"`(--[a-z][a-z0-9-]+)", sections[cmd]))
            self.assertEqual(in_help, in_docs, f"options of '{cmd}': help vs docs/cli.md")


if __name__ == "__main__":
    unittest.main(verbosity=2)
