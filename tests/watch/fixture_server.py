"""fixture_server.py - the fixture web sites of the watch tests, on 127.0.0.1 (Python standard
library only).

  http://127.0.0.1:PORT/robots.txt          sites/robots.txt (keeps crawlers out of /shop/private/)
  http://127.0.0.1:PORT/shop/...            sites/shop/... (a marketplace)
  http://127.0.0.1:PORT/shop/old-listing    301 to /shop/item-bike.html
  http://127.0.0.1:PORT/shop/big.html       300 KB (size cap); /shop/slow.html stalls 5 s
  http://127.0.0.1:PORT/shop/listing-77.html  200 for the first `gone_after` requests, then 404
                                            (a listing the platform takes down)
  http://PHARMACY_HOST/...                  sites/pharmacy/... when the server is used as an HTTP
                                            proxy (the watch list's proxy setting): a pharmacy
                                            with a telling domain name, no DNS needed
  http://MOVED_HOST/ (through the proxy)    robots.txt answers 301 to /policy/robots.txt, which
                                            disallows /hidden; / links /hidden.html, /open.html
  http://DOWN_HOST/ (through the proxy)     robots.txt answers 503

Every request is logged (path, User-Agent) in `requests`.
"""
import http.server
import os
import threading
import time
import urllib.parse

SITES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sites")
PHARMACY_HOST = "rxmeds-pharmacy.test"
MOVED_HOST = "moved.test"  # its robots.txt is a redirect
DOWN_HOST = "down.test"    # its robots.txt is a 503


class Sites:
    def __init__(self, gone_after=1):
        self.gone_after = gone_after
        self.requests = []  # (host, path, user_agent)
        self.counts = {}
        self.lock = threading.Lock()
        sites = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                target = self.path
                host = "127.0.0.1"
                if target.startswith("http://"):
                    u = urllib.parse.urlsplit(target)
                    host, target = u.hostname, (u.path or "/") + ("?" + u.query if u.query else "")
                with sites.lock:
                    sites.requests.append((host, target, self.headers.get("User-Agent", "")))
                    n = sites.counts[(host, target)] = sites.counts.get((host, target), 0) + 1
                if host == PHARMACY_HOST:
                    return self.file(os.path.join(SITES, "pharmacy"), target)
                if host == MOVED_HOST:  # robots.txt redirected (to be followed)
                    if target == "/robots.txt":
                        self.send_response(301)
                        self.send_header("Location", "/policy/robots.txt")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    if target == "/policy/robots.txt":
                        return self.send_plain(200, "User-agent: *\nDisallow: /hidden\n")
                    if target == "/":
                        return self.send_html('<a href="/hidden.html">h</a> <a href="/open.html">o</a>')
                    return self.send_html("<p>a page</p>")
                if host == DOWN_HOST:  # robots.txt answers 503: nothing may be fetched
                    return self.send_plain(503, "try later")
                if host != "127.0.0.1":
                    return self.send_plain(502, "unknown host")
                if target == "/robots.txt":
                    return self.file(SITES, "/robots.txt")
                if target == "/shop/old-listing":
                    self.send_response(301)
                    self.send_header("Location", "/shop/item-bike.html")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if target == "/shop/big.html":  # 300 KB, for the size cap
                    return self.send_html("<p>" + "fentanyl for sale " * 17000 + "</p>")
                if target == "/shop/slow.html":  # headers, then nothing for 5 s
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    self.wfile.flush()
                    time.sleep(5)
                    return
                if target == "/shop/listing-77.html" and n > sites.gone_after:
                    return self.send_plain(404, "This listing was removed.")
                return self.file(SITES, target)

            def file(self, root, target):
                path = urllib.parse.unquote(target.split("?")[0])
                if path.endswith("/"):
                    path += "index.html"
                full = os.path.normpath(os.path.join(root, path.lstrip("/")))
                if not full.startswith(root) or not os.path.isfile(full):
                    return self.send_plain(404, "not found")
                with open(full, "rb") as f:
                    body = f.read()
                ctype = "text/html; charset=utf-8" if full.endswith(".html") else "text/plain"
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def send_html(self, html):
                body = ("<!DOCTYPE html><html><body>" + html + "</body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def send_plain(self, code, text):
                body = text.encode()
                self.send_response(code)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a crawler hanging up at its size cap or timeout is expected

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def paths(self, host="127.0.0.1"):
        with self.lock:
            return [p for h, p, _ in self.requests if h == host]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":
    import time
    s = Sites()
    print(s.base, flush=True)
    while True:
        time.sleep(3600)
