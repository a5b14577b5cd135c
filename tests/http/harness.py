"""harness.py - shared helpers of the HTTP API tests (Python standard library only).

Each test starts a real `interdict serve` on 127.0.0.1 with a free port (--listen :0, the
port is read from the server's first line) and a fresh temporary database, talks to it with
http.client, and stops it.  IDT_BIN names the interdict program.
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

BIN = os.environ.get("IDT_BIN") or os.path.join(
    os.environ.get("IDT_BUILD_ROOT", "build"), "src", "cli", "interdict")
SRC = os.environ.get("IDT_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
PASSWORD = "correct-horse-battery"

failures = []

# issue 9: with IDT_TEST_PG set to a PostgreSQL URL prefix (postgresql://USER@HOST:PORT, see
# scripts/pg-test-setup), every Server gets a fresh PostgreSQL database of its own (created
# and dropped with psql) instead of a temporary SQLite file.  IDT_TEST_REQUIRE_PG (the
# 'http-pg' suite) makes a test skip (exit 77) when no PostgreSQL is configured.
PG = os.environ.get("IDT_TEST_PG", "").rstrip("/")
if os.environ.get("IDT_TEST_REQUIRE_PG") and not PG:
    print("skipped: IDT_TEST_PG is not set (run scripts/pg-test)")
    sys.exit(77)
_pg_seq = [0]


def pg_sql(sql, db="postgres"):
    """Runs SQL on the test PostgreSQL server (database db) with psql; returns stdout.  Raises
    with psql's message on failure."""
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                        f"{PG}/{db}", "-c", sql], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip())
    return r.stdout


def check(cond, msg):
    """Records a failed expectation (the test goes on, then exits 1 at the end)."""
    if not cond:
        failures.append(msg)
        print("FAIL:", msg, file=sys.stderr)
    return cond


def eq(got, want, msg):
    return check(got == want, f"{msg}: got {got!r}, want {want!r}")


def finish():
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
    print("ok")
    sys.exit(0)


class Server:
    """A running `interdict serve` on a fresh database in a temporary directory."""

    def __init__(self, demo=False, db=None, tmp=None, extra=()):
        self.tmp = tmp or tempfile.mkdtemp(prefix="idt-http-")
        self.db = db or os.path.join(self.tmp, "test.db")
        self.pg_name = None  # issue 9: the PostgreSQL database this Server created
        if PG and not db:
            _pg_seq[0] += 1
            self.pg_name = f"idt_test_{os.getpid()}_{_pg_seq[0]}_{int(time.time() * 1000) % 100000}"
            pg_sql(f"CREATE DATABASE {self.pg_name}")
            self.db = f"{PG}/{self.pg_name}"
        self.proc = None
        self.demo = demo
        self.extra = list(extra)
        self.out_lines = []

    def admin(self, *args, password=None):
        """Runs `interdict admin --db DB ARGS`; returns stdout (raises on failure)."""
        cmd = [BIN, "admin", "--db", self.db] + list(args)
        r = subprocess.run(cmd, input=(password + "\n") if password else None,
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"{cmd}: {r.returncode} {r.stderr}")
        return r.stdout.strip()

    def start(self):
        cmd = [BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir",
               os.path.join(self.tmp, "data"), "--threads", "4"] + self.extra
        if self.demo and ((self.pg_name and not self.out_lines) or
                          (not self.pg_name and not os.path.exists(self.db))):
            cmd.append("--demo")
        cmd += ["--db", self.db]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server exited: " + self.proc.stderr.read())
            self.out_lines.append(line)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                return self
        raise RuntimeError("server did not start")

    def stop(self, sig=signal.SIGTERM):
        """Stops the server gracefully; it must exit 0 (under the sanitizers: no leak, no
        error report)."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            _, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        rc = self.proc.returncode
        self.proc = None
        if sig == signal.SIGTERM and not check(rc == 0, f"server exit status {rc}"):
            print(err[-4000:], file=sys.stderr)
        return rc

    def kill9(self):
        self.proc.kill()  # SIGKILL
        self.proc.communicate()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.pg_name:  # issue 9
            pg_sql(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")
            self.pg_name = None

    def client(self, **kw):
        return Client(self.port, **kw)

    def login(self, username, password=PASSWORD):
        c = self.client()
        st, body = c.login(username, password)
        if st != 200:
            raise RuntimeError(f"login {username}: {st} {body}")
        return c


class Client:
    """An API client: a session cookie + CSRF token, or a bearer token."""

    def __init__(self, port, token=None):
        self.port = port
        self.token = token
        self.cookie = None
        self.csrf = None
        self.last_headers = {}

    def raw(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if self.cookie:
            h["Cookie"] = "idt_session=" + self.cookie
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        self.last_headers = {k.lower(): v for k, v in r.getheaders()}
        self.last_set_cookie = r.getheader("Set-Cookie")
        conn.close()
        return r.status, data

    def req(self, method, path, obj=None, csrf=True, headers=None):
        h = dict(headers or {})
        body = None
        if obj is not None:
            body = obj if isinstance(obj, (bytes, str)) else json.dumps(obj)
            h.setdefault("Content-Type", "application/json")
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        st, data = self.raw(method, path, body, h)
        try:
            return st, json.loads(data) if data else None
        except ValueError:
            return st, data

    def get(self, path, **q):
        if q:
            path += "?" + urllib.parse.urlencode(q)
        return self.req("GET", path)

    def post(self, path, obj=None, **kw):
        return self.req("POST", path, obj, **kw)

    def patch(self, path, obj, **kw):
        return self.req("PATCH", path, obj, **kw)

    def delete(self, path, **kw):
        return self.req("DELETE", path, **kw)

    def login(self, username, password):
        st, body = self.req("POST", "/api/v1/auth/login",
                            {"username": username, "password": password})
        if st == 200:
            m = re.search(r"idt_session=([0-9a-f]{64})", self.last_set_cookie or "")
            self.cookie = m.group(1) if m else None
            self.csrf = body["csrf_token"]
        return st, body


def setup_world(srv):
    """Creates, through `interdict admin`, the organisations and users most tests use:
    orgs A (GB government), B (DE government), C (NL drug-checking-service); group G = {A, B};
    users a-admin, a-analyst, a-viewer, b-analyst, b-viewer, c-analyst (password PASSWORD).
    Returns a dict of ids."""
    w = {"org": {}, "user": {}}
    for name, cc, kind in (("A", "GB", "government"), ("B", "DE", "government"),
                           ("C", "NL", "drug-checking-service")):
        w["org"][name] = int(srv.admin("create-org", "--name", name, "--country", cc,
                                       "--kind", kind))
    pwfile = os.path.join(srv.tmp, "pw")
    with open(pwfile, "w") as f:
        f.write(PASSWORD + "\n")
    for user, org, role in (("a-admin", "A", "admin"), ("a-analyst", "A", "analyst"),
                            ("a-viewer", "A", "viewer"), ("b-analyst", "B", "analyst"),
                            ("b-viewer", "B", "viewer"), ("c-analyst", "C", "analyst")):
        w["user"][user] = int(srv.admin("create-user", "--org", org, "--username", user,
                                        "--role", role, "--password-file", pwfile))
    w["group"] = int(srv.admin("create-group", "--name", "G", "--owner", "A",
                               "--member", "B"))
    return w


def incident(title, **kw):
    d = {"type": "seizure", "title": title, "status": "confirmed"}
    d.update(kw)
    return d
