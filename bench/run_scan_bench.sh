#!/usr/bin/env bash
# run_scan_bench.sh - the scan benchmark: `interdict scan` against ripgrep, GNU grep and a raw
# Vectorscan scan (bench/hs_ceiling), in the same run, on the same bytes, with the same term
# list; writes the result table into the "## Scanning" section of docs/performance.md.
#
# What runs (each REPS times, round-robin so that noise spreads evenly; the best wall time wins):
#   interdict scan --quiet --threads 1 CORPUS > /dev/null    end to end, one scanning thread
#   interdict scan --quiet --threads 2 CORPUS > /dev/null    two scanning threads
#   rg -c -F -i -f TERMS CORPUS                               ripgrep, count mode
#   LC_ALL=C grep -c -F -i -f TERMS CORPUS                    GNU grep, count mode
#   LC_ALL=C grep -o -F -i -f TERMS CORPUS                    (extra: grep printing every match)
#   rg -c -F -f TERMS CORPUS                                  (extra: ripgrep without -i)
#   hs_ceiling --rounds REPS TERMS CORPUS                     raw Vectorscan block scans
# TERMS is `interdict kb terms` (every knowledge-base term and signal phrase, as written),
# lower-cased and de-duplicated.  The corpus is bench/gen_corpus.py's JSON Lines (seed 42).
# Speeds are corpus bytes (10^6 per MB, the whole JSON Lines file) per second of wall time, so
# every ratio is a ratio of times on the same corpus.  Peak RSS comes from /usr/bin/time -v.
#
# Usage: bench/run_scan_bench.sh [--mb 200] [--small-mb 5] [--reps 3] [--build DIR]
#                                [--work DIR] [--no-write] [--slow S] [--nice N] [--profile]
#   --build DIR   meson build directory (default build-bench; set up with
#                 `meson setup build-bench -Dbuildtype=release -Dtests=false` if missing)
#   --work DIR    where the corpora, term list and logs go (default /tmp/interdict-bench)
#   --no-write    print the table, do not edit docs/performance.md
#   --slow S      a program whose run takes over S seconds (default 60) is not repeated
#   --nice N      run every measured program under `nice -n N` (a negative N needs root: on a
#                 shared machine it keeps other work from inflating the wall times)
#   --profile     also run `perf record` on `interdict scan --threads 1` over the corpus and
#                 print where the time goes (needs perf)
# Run from anywhere; paths are relative to the repository.  Owned by the benchmark helper.
set -euo pipefail

MB=200 SMALL_MB=5 REPS=3 BUILD=build-bench WORK=/tmp/interdict-bench WRITE=1 PROFILE=0 NICE=
SLOW=60
ARGS="$*"
while [ $# -gt 0 ]; do
	case "$1" in
	--mb) MB=$2; shift 2 ;;
	--small-mb) SMALL_MB=$2; shift 2 ;;
	--reps) REPS=$2; shift 2 ;;
	--build) BUILD=$2; shift 2 ;;
	--work) WORK=$2; shift 2 ;;
	--no-write) WRITE=0; shift ;;
	--profile) PROFILE=1; shift ;;
	--nice) NICE=$2; shift 2 ;;
	--slow) SLOW=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 0 ;;
	*) echo "run_scan_bench: unknown option $1" >&2; exit 2 ;;
	esac
done

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
for tool in rg grep python3 /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "run_scan_bench: $tool is missing" >&2; exit 4; }
done
[ -d "$BUILD" ] || meson setup "$BUILD" -Dbuildtype=release -Dtests=false >/dev/null
ninja -C "$BUILD" src/cli/interdict bench/hs_ceiling >/dev/null
IDT="$REPO/$BUILD/src/cli/interdict"
HSC="$REPO/$BUILD/bench/hs_ceiling"
mkdir -p "$WORK"
LOG="$WORK/runs.tsv"
: >"$LOG"
LOAD0=$(cut -d' ' -f1 /proc/loadavg)

# ----- inputs ----------------------------------------------------------------------------
corpus() { # corpus MB -> path (generated once per size; deterministic)
	local f="$WORK/corpus-${1}mb-seed42.jsonl"
	[ -s "$f" ] || python3 bench/gen_corpus.py --mb "$1" --seed 42 --out "$f" 2>/dev/null
	echo "$f"
}
BIG=$(corpus "$MB")
SMALL=$(corpus "$SMALL_MB")
TERMS="$WORK/terms.txt"
"$IDT" kb terms >"$WORK/terms.raw"
python3 - "$WORK/terms.raw" "$TERMS" <<'EOF'
import sys
terms = sorted({l.rstrip("\n").lower() for l in open(sys.argv[1], encoding="utf-8") if l.strip()})
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(terms) + "\n")
EOF
NTERMS=$(wc -l <"$TERMS")
[ "$NTERMS" -ge 5000 ] || echo "run_scan_bench: warning: only $NTERMS terms (< 5000)" >&2
echo "corpus $BIG ($(stat -c %s "$BIG") bytes), $NTERMS terms; $REPS rounds" >&2

# ----- timing ----------------------------------------------------------------------------
# timed NAME INPUT CMD... : runs CMD once with standard output to $OUT (default /dev/null),
# appends "NAME INPUT wall user sys maxrss_kb rc" to the log.
# A program whose run took more than SLOW seconds is not repeated (keeps the whole benchmark
# near 10 minutes on a busy machine); the table says how many runs each row had.
declare -A TOO_SLOW=()
timed() {
	local name=$1 input=$2
	shift 2
	[ -z "${TOO_SLOW[$name/$input]:-}" ] || return 0
	local t0=$EPOCHREALTIME rc=0
	${NICE:+nice -n "$NICE"} /usr/bin/time -f "%U %S %M" -o "$WORK/time.out" "$@" >"${OUT:-/dev/null}" 2>"$WORK/stderr.out" || rc=$?
	local t1=$EPOCHREALTIME
	local wall
	wall=$(python3 -c "print('%.4f' % ($t1 - $t0))")
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$input" "$wall" "$(tail -1 "$WORK/time.out" |
		tr ' ' '\t')" "$rc" >>"$LOG"
	if python3 -c "import sys; sys.exit(0 if $wall > $SLOW else 1)"; then
		TOO_SLOW[$name/$input]=1
		echo "run_scan_bench: $name took ${wall} s (> $SLOW s): not repeated" >&2
	fi
	# grep exits 1 when nothing matches; anything above is a failure
	if [ "$rc" -gt 1 ]; then
		echo "run_scan_bench: $name failed (exit $rc):" >&2
		cat "$WORK/stderr.out" >&2
		exit 4
	fi
}

# Warm-up: fills the compiled-database cache and the page cache; the summary line gives the
# record and flagged counts.
"$IDT" scan --threads 2 "$BIG" 2>"$WORK/summary.txt" >"$WORK/verdicts.jsonl" || true
SUMMARY=$(grep '^interdict:' "$WORK/summary.txt" | tail -1 || true)
echo "$SUMMARY" >&2

for rep in $(seq "$REPS"); do
	echo "round $rep/$REPS" >&2
	timed interdict-t1 big "$IDT" scan --quiet --threads 1 "$BIG"
	timed interdict-t2 big "$IDT" scan --quiet --threads 2 "$BIG"
	# rg and grep write to a file: GNU grep stops at the first match when its output is
	# /dev/null, even with -c.
	OUT="$WORK/ref.out" timed rg big rg -c -F -i -f "$TERMS" "$BIG"
	OUT="$WORK/ref.out" timed grep big env LC_ALL=C grep -c -F -i -f "$TERMS" "$BIG"
	OUT="$WORK/ref.out" timed grep-o big env LC_ALL=C grep -o -F -i -f "$TERMS" "$BIG"
	OUT="$WORK/ref.out" timed rg-case big rg -c -F -f "$TERMS" "$BIG"
	timed interdict-t1 small "$IDT" scan --quiet --threads 1 "$SMALL"
	timed interdict-t2 small "$IDT" scan --quiet --threads 2 "$SMALL"
done
echo "hs_ceiling" >&2
${NICE:+nice -n "$NICE"} "$HSC" --rounds "$REPS" "$TERMS" "$BIG" >"$WORK/hs.txt" 2>"$WORK/hs.err"
${NICE:+nice -n "$NICE"} "$HSC" --case --rounds "$REPS" "$TERMS" "$BIG" 2>>"$WORK/hs.err" | sed 's/^/case-/' >>"$WORK/hs.txt"

# ----- report ----------------------------------------------------------------------------
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
MACHINE="$(nproc) cores ($CPU), $(awk '/MemTotal/ {printf "%.0f GB RAM", $2/1048576}' /proc/meminfo), 1-minute load average $LOAD0 at the start, $(cut -d' ' -f1 /proc/loadavg) at the end"
VERSIONS="$(rg --version | sed -n 1p), $(grep --version | sed -n 1p), Vectorscan $(dpkg-query -W -f '${Version}' libvectorscan5 2>/dev/null || echo '?')"
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include data 2>/dev/null || echo '+local changes')"
CMD="bench/run_scan_bench.sh${ARGS:+ $ARGS}"

python3 - "$LOG" "$WORK/hs.txt" "$BIG" "$SMALL" "$NTERMS" "$SUMMARY" "$MACHINE" "$VERSIONS" \
	"$COMMIT" "$CMD" "$REPS" "$WRITE" "$REPO/docs/performance.md" "$MB" "$SMALL_MB" "$LOAD0" <<'EOF'
import datetime, os, sys
(log, hsf, big, small, nterms, summary, machine, versions, commit, cmd, reps, write, doc, mb,
 small_mb, load0) = sys.argv[1:]
load0 = float(load0)
runs = {}
for line in open(log):
    name, inp, wall, user, sys_, rss, rc = line.rstrip("\n").split("\t")
    r = runs.setdefault((name, inp), {"wall": [], "cpu": [], "rss": []})
    r["wall"].append(float(wall))
    r["cpu"].append(float(user) + float(sys_))
    r["rss"].append(int(rss))
hs = {}
for line in open(hsf):
    mode, *kv = line.split()
    hs[mode] = dict(x.split("=") for x in kv)
B = os.path.getsize(big)
wall = lambda n, i="big": min(runs[(n, i)]["wall"])
cpu = lambda n, i="big": min(runs[(n, i)]["cpu"])
rss = lambda n, i: max(runs[(n, i)]["rss"]) / 1024
runs_of = lambda n, i="big": len(runs[(n, i)]["wall"])
hsw = lambda m: float(hs[m]["seconds"])
hsc = lambda m: float(hs[m]["cpu_seconds"])
t1, t2, c1 = wall("interdict-t1"), wall("interdict-t2"), cpu("interdict-t1")
rows = [
    ("`interdict scan --quiet --threads 1`", t1, c1, 1, runs_of("interdict-t1")),
    ("`interdict scan --quiet --threads 2`", t2, cpu("interdict-t2"), 2, runs_of("interdict-t2")),
    ("`rg -c -F -i -f TERMS`", wall("rg"), cpu("rg"), 1, runs_of("rg")),
    ("`LC_ALL=C grep -c -F -i -f TERMS`", wall("grep"), cpu("grep"), 1, runs_of("grep")),
    ("`LC_ALL=C grep -o -F -i -f TERMS` (every match, not only the first of a line)",
     wall("grep-o"), cpu("grep-o"), 1, runs_of("grep-o")),
    ("`rg -c -F -f TERMS` (no `-i`; reference)", wall("rg-case"), cpu("rg-case"), 1,
     runs_of("rg-case")),
    ("Vectorscan ceiling: each record's text as a block", hsw("records"), hsc("records"), 1, reps),
    ("Vectorscan ceiling: all texts as one block", hsw("concat"), hsc("concat"), 1, reps),
    ("Vectorscan: the raw JSON Lines file as one block", hsw("file"), hsc("file"), 1, reps),
    ("Vectorscan ceiling, case-sensitive (as the matcher runs on folded text): a block per record",
     hsw("case-records"), hsc("case-records"), 1, reps),
]
out = []
w = out.append
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
w("<!-- scan-bench:begin (generated by bench/run_scan_bench.sh; edit outside the markers) -->")
w("Measured %s on %s; commit %s; %s." % (date, machine, commit, versions))
if load0 > 0.5 * os.cpu_count():
    w("")
    w("**The machine was busy when this ran** (load average %.1f on %d cores): wall times are "
      "inflated and unsteady; CPU times are the steadier estimate, and the targets are judged on "
      "them." % (load0, os.cpu_count()))
w("")
w("Corpus: `bench/gen_corpus.py --mb %s --seed 42`, %d bytes of JSON Lines (%s).  Terms: %s "
  "(`interdict kb terms`, lower-cased, de-duplicated), the same list for every program.  Best "
  "of %s runs.  MB = 10^6 bytes of the JSON Lines file; MB/s is per second of wall time, "
  "MB per CPU-second per second of user + system time (less disturbed by other load on a "
  "shared machine); runs: how many runs the best was taken from." % (mb, B, summary.replace("interdict: ", "interdict's summary: ")
                        or "no summary", nterms, reps))
w("")
w("| program | runs | wall s | CPU s | MB/s | MB/s per core | MB per CPU-s |")
w("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, t, c, cores, n in rows:
    w("| %s | %s | %.2f | %.2f | %.0f | %.0f | %.0f |" % (name, n, t, c, B / t / 1e6,
                                                        B / t / 1e6 / cores, B / c / 1e6))
w("")
busy = load0 > 0.5 * os.cpu_count()
w("| ratio | by wall time | by CPU time | target (judged by %s time) |"
  % ("CPU" if busy else "wall"))
w("| --- | ---: | ---: | --- |")
ok = lambda b: "met" if b else "**missed**"
pick = lambda rw, rc: rc if busy else rw
for label, m in (("all texts as one block", "concat"), ("a block per record", "records")):
    rw, rc = hsw(m) / t1, hsc(m) / c1
    w("| interdict (1 thread) / Vectorscan ceiling, %s | %.1f%% | %.1f%% | >= 40%%: %s |"
      % (label, 100 * rw, 100 * rc, ok(pick(rw, rc) >= 0.4)))
rw, rc = wall("rg") / t1, cpu("rg") / c1
w("| interdict (1 thread) speed / rg -F -i speed | %.2fx | %.2fx | > 1: %s |"
  % (rw, rc, ok(pick(rw, rc) > 1)))
w("| interdict (1 thread) speed / grep -F -i speed (C locale, count) | %.2fx | %.2fx | reference |"
  % (wall("grep") / t1, cpu("grep") / c1))
w("| interdict (1 thread) speed / grep -o -F -i speed (C locale) | %.2fx | %.2fx | reference |"
  % (wall("grep-o") / t1, cpu("grep-o") / c1))
w("| interdict (1 thread) speed / rg -F speed (no -i) | %.2fx | %.2fx | reference |"
  % (wall("rg-case") / t1, cpu("rg-case") / c1))
w("| 2 threads / 1 thread | %.2fx | (CPU used: %.2fx) | >= 1.8x: %s |"
  % (t1 / t2, cpu("interdict-t2") / c1,
     ok(t1 / t2 >= 1.8) + (" (by wall time; unsteady on a busy machine)" if busy else "")))
peak = max(rss(n, i) for n in ("interdict-t1", "interdict-t2") for i in ("small", "big"))
for n, label in (("interdict-t1", "1 thread"), ("interdict-t2", "2 threads")):
    w("| interdict peak RSS, %s MB / %s MB corpus, %s | %.0f / %.0f MB | | < 256 MB: %s |"
      % (small_mb, mb, label, rss(n, "small"), rss(n, "big"), ok(peak < 256)))
w("")
w("Reproduce (from the repository root; builds `build-bench` with `meson setup build-bench "
  "-Dbuildtype=release -Dtests=false` if it is missing): `%s`" % cmd)
w("<!-- scan-bench:end -->")
block = "\n".join(out) + "\n"
print(block)
if write != "1":
    sys.exit(0)
text = open(doc).read() if os.path.exists(doc) else (
    "# Performance\n\nMeasured throughput of Interdict's parts; each section is written by its "
    "benchmark under `bench/` (bench/README.md).\n")
begin, end = "<!-- scan-bench:begin", "<!-- scan-bench:end -->"
if begin in text and end in text:
    a = text.index(begin)
    b = text.index(end) + len(end) + 1
    text = text[:a] + block + text[b:]
elif "\n## Scanning\n" in text:
    a = text.index("\n## Scanning\n") + len("\n## Scanning\n")
    text = text[:a] + "\n" + block + text[a:]
else:
    text = text.rstrip("\n") + "\n\n## Scanning\n\n" + block
open(doc, "w").write(text)
print("run_scan_bench: wrote %s" % doc, file=sys.stderr)
EOF

# ----- optional profile ------------------------------------------------------------------
if [ "$PROFILE" = 1 ]; then
	command -v perf >/dev/null || { echo "run_scan_bench: perf is missing" >&2; exit 4; }
	# ~300 samples a second: enough for percentages, and the stacks of 200 MB stay small
	perf record -q --call-graph dwarf,16384 -F 300 -o "$WORK/perf.data" \
		"$IDT" scan --quiet --threads 1 "$BIG" >/dev/null 2>"$WORK/perf.err"
	echo "## where the time goes: interdict scan --threads 1 on $BIG"
	echo "## (children %: the function and its callees; self %: the function alone)"
	perf report -i "$WORK/perf.data" --children --stdio -g none --percent-limit 1 2>/dev/null |
		grep -E '^ +[0-9]' | grep -v '\[k\]' | grep -v '\[\.\] 0x0000' | head -60
fi
