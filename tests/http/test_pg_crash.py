"""test_pg_crash.py - durability on PostgreSQL when the DATABASE dies (issue 9): a private
PostgreSQL cluster (initdb in a temporary directory, fsync on) serves a running `interdict
serve` while clients stream writes; the postmaster is killed with SIGKILL in the middle, and
started again (crash recovery from the WAL).  The same interdict process, without a restart,
then finds every write it acknowledged (synchronous commit), re-establishes its pooled
connections by itself, keeps a verifying audit chain and takes new writes."""
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import PG, Server, check, eq, finish, incident, setup_world  # noqa: E402

bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
if not PG or not bins:
    print("skipped: needs IDT_TEST_PG and PostgreSQL's server programs (scripts/pg-test)")
    sys.exit(77)
BIN_DIR = bins[-1]
ROOT = os.geteuid() == 0


def as_pg(args, **kw):
    """Runs a PostgreSQL program as the postgres OS user when we are root."""
    cmd = (["runuser", "-u", "postgres", "--"] if ROOT else []) + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


base = tempfile.mkdtemp(prefix="idt-pgcrash-")
data = os.path.join(base, "data")
port = free_port()
if ROOT:
    shutil.chown(base, "postgres")
r = as_pg([f"{BIN_DIR}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
           "--locale=C.UTF-8"])
if r.returncode != 0:
    print(r.stderr, file=sys.stderr)
    sys.exit(1)
with open(os.path.join(data, "postgresql.conf"), "a") as f:
    f.write(f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{base}'\n"
            "fsync = on\nsynchronous_commit = on\nmax_connections = 50\n")


def pg_start():
    for _ in range(30):  # the killed server's children may still hold its shared memory
        r = as_pg([f"{BIN_DIR}/pg_ctl", "-D", data, "-l", os.path.join(base, "log"), "-w",
                   "-t", "60", "start"])
        if r.returncode == 0:
            return
        time.sleep(1)
    raise RuntimeError("cannot start the private PostgreSQL: " + r.stderr)


def postmaster_pid():
    with open(os.path.join(data, "postmaster.pid")) as f:
        return int(f.readline())


srv = None
try:
    pg_start()
    url = f"postgresql://postgres@127.0.0.1:{port}"
    harness.PG = url  # this test's servers live on the private cluster
    harness.pg_sql("CREATE DATABASE crash")
    srv = Server(db=f"{url}/crash")
    setup_world(srv)
    srv.start()
    acked = {}
    lock = threading.Lock()
    stop = threading.Event()
    errors = []

    def writer(n):
        c = srv.login("a-analyst")
        k = 0
        while not stop.is_set():
            k += 1
            title = f"pgcrash w{n} #{k}"
            try:
                st, body = c.post("/api/v1/incidents", incident(
                    title, observables=[{"type": "phone", "value": f"+4477009{n:02d}{k % 1000:03d}"}]))
            except (ConnectionError, OSError) as e:
                errors.append(repr(e))
                return
            if st == 201:
                with lock:
                    acked[body["id"]] = title
            elif st in (401, 500, 503):  # the database is down: nothing acknowledged
                time.sleep(0.05)
            else:
                errors.append(f"{st} {body}")
                return

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 90
    while time.time() < deadline and len(acked) < 40:
        time.sleep(0.2)
    os.kill(postmaster_pid(), signal.SIGKILL)  # the database dies mid-stream
    time.sleep(1.0)
    n_at_kill = len(acked)
    pg_start()  # crash recovery
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    eq(errors, [], "the server answered throughout (500 while the database was down)")
    check(n_at_kill > 20, f"a stream of writes was acknowledged before the kill ({n_at_kill})")
    c = srv.login("a-analyst")
    missing = []
    for iid, title in sorted(acked.items()):
        st, body = c.get(f"/api/v1/incidents/{iid}")
        if st != 200 or body["title"] != title:
            missing.append((iid, title, st))
    eq(missing, [], "every acknowledged write survived the database's crash")
    adm = srv.login("a-admin")
    st, v = adm.get("/api/v1/audit/verify")
    eq((st, v["ok"]), (200, True), "audit chain intact after the crash")
    eq(c.post("/api/v1/incidents", incident("after the crash"))[0], 201, "writes go on")
    srv.stop()
finally:
    if srv:
        srv.proc and srv.stop()
        shutil.rmtree(srv.tmp, ignore_errors=True)
    as_pg([f"{BIN_DIR}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"])
    shutil.rmtree(base, ignore_errors=True)
finish()
