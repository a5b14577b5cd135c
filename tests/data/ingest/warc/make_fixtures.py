#!/usr/bin/env python3
"""Writes the WARC/ARC fixtures of tests/unit/ingest/warc.c into this directory.

Run it again only to change the fixtures (the outputs are committed):
    python3 tests/data/ingest/warc/make_fixtures.py

  shop.warc           plain WARC 1.1: warcinfo, request, response (HTML in windows-1251,
                      chunked and gzip-coded), resource (text/plain), an image response
                      (skipped), a response whose Content-Length lies, a good last response
  shop.warc.gz        the same records, one gzip member each, with the 4th member damaged
  cut.warc.gz         two members, the file cut in the middle of the second
  shop.arc            ARC v1: filedesc, two HTTP responses
"""
import gzip, os, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def record(typ, rid, uri, ctype, block, length=None, extra=b""):
    h = b"WARC/1.1\r\nWARC-Type: " + typ + b"\r\nWARC-Record-ID: <urn:uuid:" + rid + b">\r\n"
    h += b"WARC-Date: 2024-05-01T12:00:00Z\r\n"
    if uri:
        h += b"WARC-Target-URI: " + uri + b"\r\n"
    h += extra
    h += b"Content-Type: " + ctype + b"\r\n"
    h += b"Content-Length: " + str(len(block) if length is None else length).encode() + b"\r\n\r\n"
    return h + block + b"\r\n\r\n"


def chunked(data, size=40):
    out = b""
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


page = "<html><head><title>Аптека</title></head><body><p>Купить оксикодон без рецепта</p>" \
       "<a href=\"/cart\">Корзина</a></body></html>"
body = chunked(gzip.compress(page.encode("cp1251")))
http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1251\r\n"
        b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + body)

records = [
    record(b"warcinfo", b"00000000-0000-0000-0000-000000000001", None,
           b"application/warc-fields", b"software: make_fixtures.py\r\nformat: WARC File Format 1.1\r\n",
           extra=b"WARC-Filename: shop.warc\r\n"),
    record(b"request", b"00000000-0000-0000-0000-000000000002", b"http://shop.example/ru",
           b"application/http; msgtype=request", b"GET /ru HTTP/1.1\r\nHost: shop.example\r\n\r\n"),
    record(b"response", b"00000000-0000-0000-0000-000000000003", b"http://shop.example/ru",
           b"application/http; msgtype=response", http),
    record(b"resource", b"00000000-0000-0000-0000-000000000004", b"http://shop.example/notes.txt",
           b"text/plain; charset=utf-8", "Notes: fentanyl patches, 50 µg/h".encode()),
    record(b"response", b"00000000-0000-0000-0000-000000000005", b"http://shop.example/logo.png",
           b"application/http; msgtype=response",
           b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\x00\x00"),
    # the length says 10 bytes too few
    record(b"response", b"00000000-0000-0000-0000-000000000006", b"http://shop.example/lies",
           b"application/http; msgtype=response",
           b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe length of this record lies",
           length=60),
    record(b"response", b"00000000-0000-0000-0000-000000000007", b"http://shop.example/last",
           b"application/http; msgtype=response",
           b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Last &amp; good</p>"),
]

with open(os.path.join(HERE, "shop.warc"), "wb") as f:
    f.write(b"".join(records))

# gzip, a member per record (the lying one left out: one damage per file); member 4 damaged
good = [r for i, r in enumerate(records) if i != 5]
members = [gzip.compress(r, mtime=0) for r in good]
m = bytearray(members[3])
for i in range(20, min(40, len(m) - 8)):
    m[i] ^= 0x5A
members[3] = bytes(m)
with open(os.path.join(HERE, "shop.warc.gz"), "wb") as f:
    f.write(b"".join(members))

# a file cut in the middle of its second member
two = gzip.compress(records[2], mtime=0) + gzip.compress(records[6], mtime=0)
with open(os.path.join(HERE, "cut.warc.gz"), "wb") as f:
    f.write(two[:len(two) - 25])

# ARC v1
def arc_rec(url, ip, date, ctype, block):
    return b"%s %s %s %s %d\n" % (url, ip, date, ctype, len(block)) + block + b"\n"

desc = b"1 0 Interdict\nURL IP-address Archive-date Content-type Archive-length\n"
arc = arc_rec(b"filedesc://shop.arc", b"0.0.0.0", b"20240501120000", b"text/plain", desc)
arc += arc_rec(b"http://shop.example/a", b"192.0.2.1", b"20240501120001", b"text/html",
               b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<title>A</title><p>Page A text</p>")
arc += arc_rec(b"http://shop.example/b.txt", b"192.0.2.1", b"20240501120002", b"text/plain",
               b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nPlain B")
with open(os.path.join(HERE, "shop.arc"), "wb") as f:
    f.write(arc)
