#!/bin/sh
# bench/server/run.sh [BUILD_DIR] [INCIDENTS] [OBS_PER_INCIDENT] [SECONDS]
#
# The server benchmark: bulk-loads INCIDENTS incidents (default 1,000,000) with
# OBS_PER_INCIDENT observable links each (default 5: 5,000,000) into a fresh SQLite database
# (load.py), starts `interdict serve` on loopback with 4 threads, and measures with wrk
# (2 threads, 16 connections, SECONDS each, default 20) the requests/s and p50/p99 latency of
# incident read, search and create; then the correlation of a new incident at p50/p99 (the
# server's own timing of that step, 2,000 sequential creates).  IDT_BENCH_DB=PATH reuses a
# database loaded before (IDT_BENCH_USER names its analyst, default bench).  Needs wrk
# (`scripts/bootstrap --bench`).  Prints a Markdown table for docs/performance.md.
set -eu
BUILD=${1:-build}
N=${2:-1000000}
K=${3:-5}
SECS=${4:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(cd "$BUILD" && pwd)/src/cli/interdict
TMP=$(mktemp -d /tmp/idt-bench-XXXXXX)
DB=$TMP/bench.db
trap 'kill $SRV 2>/dev/null || true; rm -rf "$TMP"' EXIT INT TERM
command -v wrk >/dev/null || { echo "run.sh: wrk is needed (scripts/bootstrap --bench)" >&2; exit 2; }

if [ -n "${IDT_BENCH_DB:-}" ]; then
	DB=$IDT_BENCH_DB
else
	"$BIN" admin --db "$DB" create-org --name A --country GB --kind government >/dev/null
	"$BIN" admin --db "$DB" create-org --name B --country DE --kind government >/dev/null
	"$BIN" admin --db "$DB" create-org --name C --country NL --kind platform >/dev/null
	echo "bench-password-123" | "$BIN" admin --db "$DB" create-user --org A \
		--username bench --role analyst >/dev/null
	"$BIN" admin --db "$DB" create-group --name G --owner A --member B >/dev/null
	python3 "$HERE/load.py" "$DB" "$N" "$K" >&2
fi
TOKEN=$("$BIN" admin --db "$DB" create-token --user "${IDT_BENCH_USER:-bench}" --name bench \
	--scopes read,write)

"$BIN" serve --db "$DB" --listen 127.0.0.1:0 --threads 4 --data-dir "$TMP/data" \
	>"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
for _ in $(seq 1 100); do
	grep -q "listening on" "$TMP/serve.out" 2>/dev/null && break
	sleep 0.1
done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$TMP/serve.out" | head -1)
URL=http://127.0.0.1:$PORT
export IDT_TOKEN=$TOKEN IDT_N=$N IDT_DISTINCT=$((N * K * 2 / 5))

row() { # name script
	out=$(wrk -t2 -c16 -d"${SECS}s" --latency -s "$HERE/$2" "$URL" 2>&1)
	rps=$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')
	p50=$(echo "$out" | sed -n 's/^ *50% *\([0-9.]*[a-z]*\).*/\1/p')
	p99=$(echo "$out" | sed -n 's/^ *99% *\([0-9.]*[a-z]*\).*/\1/p')
	non2xx=$(echo "$out" | sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p')
	echo "| $1 | $rps | $p50 | $p99 | ${non2xx:-0} |"
}
echo "| request | req/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
row "incident read (GET /incidents/{id})" read.lua
row "search (GET /incidents?q=…[&filter])" search.lua
row "incident create (POST /incidents)" create.lua
CORR=$(python3 "$HERE/correlate.py" "$PORT" "$TOKEN" 2000 "$IDT_DISTINCT")
echo
echo "correlation of a new incident (server timing, 2000 creates): $CORR"
STATS=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/stats")
echo "statistics (GET /stats, one request): ${STATS}s"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
kill $SRV
wait $SRV 2>/dev/null || true
