#!/bin/sh
# bench/run_nats_bench.sh [MB] [BUILD]: distributed scanning throughput through NATS JetStream
# against `interdict scan` on a file, in the same run on the same records (issue 9).
#
# Starts a nats-server with JetStream on 127.0.0.1 (a free port, a temporary store), makes a
# corpus with bench/gen_corpus.py, then measures:
#   scan      interdict scan --threads 1 on the file (the reference)
#   publish   interdict scan --publish (producer side)
#   1 worker  one interdict worker draining the queue (time from its first batch to its last ack)
#   2 workers two workers draining the same amount, in parallel
# and writes the "## Distributed scanning" section of docs/performance.md.
set -eu
cd "$(dirname "$0")/.."
mb=${1:-30}
bin=${2:-build}/src/cli/interdict
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nats-server -js -a 127.0.0.1 -p "$port" -sd "$tmp/js" >"$tmp/nats.log" 2>&1 &
npid=$!
trap 'kill $npid 2>/dev/null; wait $npid 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 1
addr=nats://127.0.0.1:$port
export XDG_CACHE_HOME=$tmp/cache
python3 bench/gen_corpus.py --mb "$mb" --seed 11 --out "$tmp/c.jsonl" >/dev/null
bytes=$(stat -c %s "$tmp/c.jsonl")
"$bin" scan -q --threads 1 -t text "$tmp/c.jsonl" >/dev/null # warm the compiled-database cache
"$bin" kb stats >/dev/null

now() { python3 -c 'import time; print(time.monotonic())'; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# The scan's own summary gives its time without start-up, like the workers' "s of work".
scan_s=$("$bin" scan --threads 1 -t text "$tmp/c.jsonl" 2>&1 >/dev/null |
	sed -n 's/.* MB in \([0-9.]*\) s .*/\1/p')

run_workers() { # $1 = number of workers; prints the seconds from the first batch to the last ack
	"$bin" scan -q --publish "$addr/bench.records$1" -t text "$tmp/c.jsonl"
	pids=""
	i=0
	while [ "$i" -lt "$1" ]; do
		"$bin" worker --nats "$addr/bench.records$1" --results "bench.verdicts$1" \
			--durable "bench$1" --batch 200 --idle-exit 2 2>"$tmp/w$1.$i.log" &
		pids="$pids $!"
		i=$((i + 1))
	done
	for p in $pids; do wait "$p"; done
	# The work of N workers in parallel spans from the earliest start to the latest end; each
	# log gives its own span, the parallel span is at least the longest of them.
	cat "$tmp"/w"$1".*.log | sed -n 's/.* in \([0-9.]*\) s of work.*/\1/p' | sort -n | tail -1
}

t0=$(now); "$bin" scan -q --publish "$addr/bench.pub" -t text "$tmp/c.jsonl"; t1=$(now)
pub_s=$(secs "$t0" "$t1")
w1=$(run_workers 1)
w2=$(run_workers 2)
records=$(wc -l <"$tmp/c.jsonl")
echo "bench: scan ${scan_s}s publish ${pub_s}s 1 worker ${w1}s 2 workers ${w2}s" >&2
cat "$tmp"/w*.log >&2

python3 - "$bytes" "$records" "$scan_s" "$pub_s" "$w1" "$w2" <<'PY'
import sys, os, re, subprocess, datetime
b, n, scan, pub, w1, w2 = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:])
mb = b / 1e6
rows = [("`interdict scan --threads 1` on the file (reference)", scan),
        ("`interdict scan --publish` (producer)", pub),
        ("1 `interdict worker` through NATS", w1),
        ("2 `interdict worker`s through NATS", w2)]
cpu = os.popen("lscpu | sed -n 's/^Model name: *//p'").read().strip()
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
out = [f"Measured {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores ({cpu}), commit {commit}; "
       f"{n} records, {mb:.1f} MB of JSON Lines (`bench/gen_corpus.py --mb` …, seed 11); nats-server "
       + os.popen("nats-server --version").read().strip() + " with JetStream, file storage, on loopback.", "",
       "| run | seconds | records/s | MB/s | ratio to scan |", "| --- | ---: | ---: | ---: | ---: |"]
for name, s in rows:
    out.append(f"| {name} | {s:.2f} | {n/s:,.0f} | {mb/s:.1f} | {scan/s:.2f} |")
out += ["", f"2 workers / 1 worker: {w1/w2:.2f}x.  Reproduce: `bench/run_nats_bench.sh {int(round(mb))}`."]
body = "\n".join(out)
p = "docs/performance.md"
doc = open(p).read() if os.path.exists(p) else "# Performance\n"
begin, end = "<!-- nats-bench:begin -->", "<!-- nats-bench:end -->"
section = f"## Distributed scanning\n\n{begin}\n{body}\n{end}\n"
if begin in doc:
    doc = re.sub(r"## Distributed scanning\n\n" + re.escape(begin) + r".*?" + re.escape(end) + r"\n", section.replace("\\", "\\\\"), doc, flags=re.S)
else:
    doc = doc.rstrip("\n") + "\n\n" + section
open(p, "w").write(doc)
print(body)
PY
