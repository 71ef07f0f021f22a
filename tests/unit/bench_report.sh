#!/bin/sh
# The scenario bench's report as README shows it (bench/scenario/
# record.py, report.py --readme) over a store of made-up consoles whose
# answers are known: the goals' overview, what was read back, README
# rewritten between its markers and nowhere else, and a README without
# them refused.  Usage: bench_report.sh (from the top of the tree)
set -u

here=bench/scenario
failed=0
n=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: bench report: $*" >&2
	failed=$((failed + 1))
}

# want FILE PATTERN: PATTERN (a fixed string) is in FILE.
want() {
	n=$((n + 1))
	grep -qF -- "$2" "$1" || fail "no '$2' in $(basename "$1")"
}

# console CONTENDER STALL_MS WALL_MS JOBS_KILLED PGIN_END [CPU_MS]: a
# console as scn.c and finish print it, the load's samples reading back
# PGIN_END pages from 0; PRE_STALL_MS (default 1) late before the load
# (the session starting).
console() {
	pre=${PRE_STALL_MS:-1} whole=$2
	[ "$pre" -le "$whole" ] || whole=$pre
	{
		echo "SCN-SAMPLE t=-500 avail_kb=300000 some10=0 full10=0 hb_ms=$pre read_ms=1 pgin=7"
		echo "SCN-SAMPLE t=0 avail_kb=300000 some10=0 full10=0 hb_ms=1 read_ms=1 pgin=100"
		echo "SCN-SAMPLE t=1000 avail_kb=90000 some10=500 full10=400 hb_ms=$2 read_ms=3 pgin=$((100 + $5))"
		[ -n "${6:-}" ] && echo "SCN-AGENT name=$1 pid=99 hwm_kb=1500 cpu_ms=$6"
		echo "SCN-RESULT build=1 leak=0 innocents_killed=0 innocents=- jobs_killed=$4 jobs_total=14 jobs_done=$((14 - $4)) jobs=0 fit=3 leaker_killed=0 leaker_how=- t_leaker_ms=-1 other_killed=0 total_kills=$4 kernel_kills=0 kernel_log_kills=0 user_kills=$4 t_resolved_ms=-1 t_workers_gone_ms=$3 max_stall_ms=$whole max_stall_at_ms=500 max_read_ms=3 avail_at_load_kb=300000 mem_total_kb=470000 swap_total_kb=0 timed_out=0"
	}
}

cat >"$tmp/commit.json" <<EOF
{"describe": "0123456789ab", "commit": "0123456789abcdef", "head": "x",
 "dirty": 0, "changes": "", "oomqd_sha256": "a", "oomq_ko_sha256": "b",
 "kernel": "6.12", "guest": "busybox", "built": "2026-01-01T00:00:00Z"}
EOF
mkdir -p "$tmp/logs"
run=0
# add CONTENDER STALL_MS WALL_MS JOBS_KILLED PGIN_END [CPU_MS], in the
# busybox guest (or the one LOAD_MORE names: guest=systemd)
add() {
	run=$((run + 1))
	console "$@" >"$tmp/logs/$run.log"
	"$here/record.py" add "$tmp/runs.jsonl" "$tmp/logs/$run.log" \
		--variant late \
		--load "scn.build=1 mem=512 swap=0${LOAD_MORE:+ $LOAD_MORE}" \
		--contender "$1" --commit "$tmp/commit.json" \
		--names "worker=abcdef tab=ghijkl" --args "scn.contender=$1" \
		--boot-s 60 --rc 0 || fail "record.py add $1"
}
# Two runs each: the best peer's median stall 200 ms, earlyoom's CPU
# 400 ms, the oracle's build 40 s after reading 200 MiB back (51200
# pages); oomqd within the stall goal in both runs (its second run's
# longest stall 90 ms as the session starts, 60 in the load), twice the
# oracle's build time, above earlyoom's CPU in one run.
add kernel 900 30000 3 80000
add kernel 1100 32000 2 80000
add earlyoom 250 11000 4 60000 380
add earlyoom 150 11000 4 60000 420
add nohang 300 12000 4 60000 3000
add nohang 300 12000 4 60000 3000
add oracle 120 39000 0 51200
add oracle 140 41000 0 51200
add oomqd 40 80000 0 0 390
PRE_STALL_MS=90 add oomqd 60 84000 0 256 450
# The systemd guest's late: a table of its own, in neither the overview
# nor README.
LOAD_MORE=guest=systemd add oomqd 70 90000 0 0 500

cat >"$tmp/README.md" <<'EOF'
# before
kept above
<!-- report.py --readme: the goals' overview -->
stale table
<!-- end of report.py's overview -->
kept below
EOF
cp "$tmp/README.md" "$tmp/README.orig"
if ! "$here/report.py" "$tmp/runs.jsonl" "$tmp" \
	--readme="$tmp/README.md" >"$tmp/out" 2>"$tmp/err"; then
	fail "report.py --readme exited $?: $(cat "$tmp/err")"
fi
line=$(grep '^| late |' "$tmp/README.md")
echo "$line" >"$tmp/line"
# shellcheck disable=SC2016 # a literal backquote
want "$tmp/line" '| `0123456789ab` | 2/2 | 0 yes | 0 yes |'
want "$tmp/line" '65 [40-90] / 200 earlyoom = 0.33 yes'
want "$tmp/line" '| 50 [40-60] / 200 earlyoom = 0.25 |'
want "$tmp/line" '82.0 [80.0-84.0] / 40.0 oracle = 2.05 **NO**'
want "$tmp/line" '420 [390-450] / 400 earlyoom = 1.05 **NO**'
want "$tmp/line" '| 0 [0-1] / 200 |'
want "$tmp/README.md" "# before
kept above"
want "$tmp/README.md" "late: every run"
want "$tmp/README.md" "| 0 / 0 | 200 | - | 60 |" # the oracle's read back
n=$((n + 1))
[ "$(grep -c '^| late' "$tmp/README.md")" = 1 ] ||
	fail "the systemd guest's late is in README's overview"
n=$((n + 1))
[ "$(grep -c '<summary>late: every run' "$tmp/README.md")" = 1 ] ||
	fail "the systemd guest's runs are in README"
want "$tmp/results.md" "late, systemd guest"
n=$((n + 1))
[ "$(tail -n 1 "$tmp/README.md")" = "kept below" ] ||
	fail "README's text after the markers changed"
n=$((n + 1))
grep -q "stale table" "$tmp/README.md" &&
	fail "the old overview is still in README"
want "$tmp/results.md" "## Issue 14's goals: oomqd, shipped config, every run"
want "$tmp/results.md" "| read back (swap-ins, refaults), MiB |"

# Again: the same README, not a second overview.
cp "$tmp/README.md" "$tmp/README.once"
"$here/report.py" "$tmp/runs.jsonl" "$tmp" --readme="$tmp/README.md" \
	>/dev/null 2>&1
n=$((n + 1))
cmp -s "$tmp/README.md" "$tmp/README.once" ||
	fail "a second --readme changed README again"

# No markers: refused, the file untouched.
printf '# no markers\n' >"$tmp/plain.md"
n=$((n + 1))
if "$here/report.py" "$tmp/runs.jsonl" "$tmp" --readme="$tmp/plain.md" \
	>/dev/null 2>"$tmp/err"; then
	fail "a README without markers was accepted"
fi
want "$tmp/err" "has no <!-- report.py --readme"
n=$((n + 1))
[ "$(cat "$tmp/plain.md")" = "# no markers" ] ||
	fail "a README without markers was changed"

echo "bench report: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
