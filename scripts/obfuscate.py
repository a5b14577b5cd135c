#!/usr/bin/env python3
"""obfuscate.py IN.jsonl OUT.jsonl [--rate R] [--seed S] [--fields F,F]: the tricks sellers use.

Rewrites words of the given text fields (default: every string field but "id") the way
sellers hide names from keyword filters, deterministically from the seed: leetspeak,
Cyrillic and Greek look-alike letters, fullwidth forms, zero-width characters inside words,
spelled-out separators ("c.o.c.a.i.n.e"), repeated letters, and alternating case.  Each word
of 4 or more letters is changed with probability R (default 0.5) by one trick.  Used by
scripts/quality to measure robustness (docs/quality.md); no knowledge of drugs is used.
"""
import argparse, json, random, re

LEET = {"a": "4", "e": "3", "o": "0", "i": "1", "s": "5", "t": "7"}
HOMO = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "s": "ѕ",
        "A": "Α", "B": "Β", "E": "Ε", "H": "Η", "K": "Κ", "M": "Μ", "O": "Ο", "T": "Τ"}


def leet(w, r):
    return "".join(LEET.get(c, c) if c in LEET and r.random() < 0.6 else c for c in w)


def homoglyph(w, r):
    return "".join(HOMO.get(c, c) if c in HOMO and r.random() < 0.7 else c for c in w)


def fullwidth(w, r):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in w)


def zero_width(w, r):
    k = r.randrange(1, len(w))
    return w[:k] + r.choice(["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"]) + w[k:]


def separators(w, r):
    return r.choice([".", " ", "-", "*", "_"]).join(w)


def repeat(w, r):
    k = r.randrange(len(w))
    return w[:k] + w[k] * r.randrange(2, 5) + w[k + 1:]


def alternate(w, r):
    return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(w))


TRICKS = [leet, homoglyph, fullwidth, zero_width, separators, repeat, alternate]


def obfuscate(text, r, rate):
    def sub(m):
        w = m.group(0)
        if len(w) < 4 or r.random() >= rate:
            return w
        return r.choice(TRICKS)(w, r)
    return re.sub(r"[A-Za-z]+", sub, text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--rate", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fields", default="")
    a = ap.parse_args()
    r = random.Random(a.seed)
    fields = set(filter(None, a.fields.split(",")))
    with open(a.inp, encoding="utf-8") as f, open(a.out, "w", encoding="utf-8") as o:
        for line in f:
            rec = json.loads(line)
            for k, v in rec.items():
                if k != "id" and isinstance(v, str) and (not fields or k in fields):
                    rec[k] = obfuscate(v, r, a.rate)
            o.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
