#!/usr/bin/env python3
"""Distributed scanning on a real nats-server (JetStream) on loopback.

The fault test of issue 9: N records are published with `interdict scan --publish`; three
`interdict worker` processes pull them; one is killed with SIGKILL in the middle of its work;
afterwards every record has exactly one verdict on the results stream, none lost, none twice.
Also: SIGTERM stops a worker cleanly; the metrics endpoint speaks Prometheus text.
Skips (77) where nats-server is not installed.
"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, time, unittest, urllib.request

BIN = os.environ["IDT_BIN"]
ROOT = os.environ["IDT_SOURCE_ROOT"]
NATS = shutil.which("nats-server")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Nats(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="interdict-nats-")
        self.port = free_port()
        self.server = subprocess.Popen([NATS, "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", os.path.join(self.dir, "js")],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.assertTrue(wait_port(self.port))
        self.addr = f"nats://127.0.0.1:{self.port}"
        self.env = dict(os.environ, XDG_CACHE_HOME=self.dir)

    def tearDown(self):
        self.server.terminate()
        self.server.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)

    def publish(self, n):
        src = [json.loads(l) for l in open(os.path.join(ROOT, "data", "samples", "listings.jsonl"), encoding="utf-8")]
        path = os.path.join(self.dir, "records.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for i in range(n):
                r = dict(src[i % len(src)])
                r["id"] = f"r{i}"
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        p = subprocess.run([BIN, "scan", "--publish", self.addr + "/interdict.records", "-t", "title", "-t", "text", path],
                           capture_output=True, text=True, env=self.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"{n} records published", p.stderr)

    def worker(self, *extra):
        return subprocess.Popen([BIN, "worker", "--nats", self.addr + "/interdict.records", "--batch", "20",
                                 "--ack-wait", "2", "--idle-exit", "6"] + list(extra),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=self.env)

    def collect(self):
        p = subprocess.run([BIN, "collect", "--nats", self.addr + "/interdict.verdicts", "--idle", "2"],
                           capture_output=True, text=True, env=self.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        return [json.loads(l) for l in p.stdout.splitlines()]

    def check_exactly_once(self, n):
        verdicts = self.collect()
        ids = [v["id"] for v in verdicts]
        self.assertEqual(len(set(ids)), n, "every record has a verdict")
        self.assertEqual(len(ids), n, "no record has two")
        flagged = {v["id"]: v["flagged"] for v in verdicts}
        self.assertTrue(flagged["r1"])   # s2 in the samples: fentanyl
        self.assertFalse(flagged["r2"])  # s3: bread

    def finish(self, workers):
        redelivered = 0
        for w in workers:
            self.assertEqual(w.wait(timeout=120), 0)
            err = w.stderr.read()
            redelivered += int(err.split(" redelivered")[0].rsplit(" ", 1)[-1])
        return redelivered

    def test_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(self):
        n = 6000
        self.publish(n)
        mport = free_port()
        victim = self.worker("--metrics", f"127.0.0.1:{mport}", "--batch", "200")
        workers = [self.worker() for _ in range(2)]
        self.assertTrue(wait_port(mport, 30))
        deadline = time.time() + 30
        while time.time() < deadline:  # kill it once it is working
            body = urllib.request.urlopen(f"http://127.0.0.1:{mport}/metrics", timeout=5).read().decode()
            if "interdict_worker_batch_seconds_count 0" not in body:
                break
            time.sleep(0.005)
        victim.kill()
        victim.wait()
        self.finish(workers)
        self.check_exactly_once(n)

    def test_crash_after_verdicts_before_ack_is_redelivered_once(self):
        # The worst moment, made deterministic: verdicts stored, records not acknowledged.
        n = 1000
        self.publish(n)
        victim = subprocess.Popen([BIN, "worker", "--nats", self.addr + "/interdict.records", "--batch", "100",
                                   "--ack-wait", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=dict(self.env, IDT_FAULT_CRASH_BEFORE_ACK="1"))
        self.assertEqual(victim.wait(timeout=60), 137)
        redelivered = self.finish([self.worker() for _ in range(2)])
        self.assertGreaterEqual(redelivered, 100, "the crashed worker's batch came back")
        self.check_exactly_once(n)

    def test_sigterm_stops_cleanly_and_metrics(self):
        self.publish(200)
        mport = free_port()
        w = self.worker("--metrics", f"127.0.0.1:{mport}")
        self.assertTrue(wait_port(mport))
        deadline = time.time() + 30
        while time.time() < deadline:
            body = urllib.request.urlopen(f"http://127.0.0.1:{mport}/metrics", timeout=5).read().decode()
            if "interdict_worker_records_total 200" in body:
                break
            time.sleep(0.2)
        self.assertIn("# TYPE interdict_worker_records_total counter", body)
        self.assertIn("interdict_worker_records_total 200", body)
        self.assertEqual(urllib.request.urlopen(f"http://127.0.0.1:{mport}/health", timeout=5).read(), b"ok\n")
        w.send_signal(signal.SIGTERM)
        self.assertEqual(w.wait(timeout=10), 0)
        self.assertIn("stopped by signal", w.stderr.read())
        self.assertEqual(len(self.collect()), 200)


if __name__ == "__main__":
    if not NATS:
        print("nats-server not installed: skipped")
        sys.exit(77)
    unittest.main(verbosity=2)
