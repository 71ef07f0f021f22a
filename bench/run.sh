#!/bin/bash
# make bench: the CPU cost of oomqd's ranking pass and of earlyoom's victim
# search, per process, measured in the same run over the same live
# population, reported as ratios.  Performance claims live here, re-runnable,
# never in timed tests.
#
#   bench/run.sh BENCH_DIR      (BENCH_DIR holds oomqd-pass and bench-spawn)
#
# Environment: BENCH_SIZES ("1000 10000"), BENCH_ROUNDS (3),
# BENCH_PASS_S (1.5: seconds of oomqd passes per measurement),
# BENCH_EARLYOOM_S (4: seconds of earlyoom searches per measurement).
#
# For each size N: bench-spawn tops the host up to N processes (counting
# what already runs), then BENCH_ROUNDS rounds each measure, back to back:
#   - oomqd-pass with the built-in defaults (modern port, no rules);
#   - oomqd-pass with the shipped agent/oomqd.conf (rules on comm),
#     listening to process events as the daemon does, so that after the
#     untimed first pass only new and changed processes have their comm
#     read (agent/verdicts.h);
#   - $CONF-no-events: the same without events (oomqd-pass -E), what a
#     pass costs when the events are lost or not allowed, and what every
#     pass cost before them;
#   - modern-static and $CONF-static: both again, statically linked,
#     as the daemon ships for small systems (no shared libc pages in the
#     peak RSS);
#   - earlyoom --dryrun (see measure_earlyoom for what is counted);
#   - earlyoom --dryrun with $CONF's rules on names as --prefer and
#     --avoid (conf_regex), the like-for-like peer of the $CONF run:
#     with them earlyoom reads comm of every process too.
# Every measurement appends one line to $OUT/raw.tsv:
#   N round tool run procs work cpu_us hwm_kb anon_kb
# (work = passes or searches).  report.awk turns the rounds into medians
# and per-round ratios: results.md, results.json, printed.
#
# Every run above reads /proc (-s proc).  With the oomq module loaded
# (/proc/oom exists: make bench-vm runs this script in a guest that has
# it) each round also measures the same passes from the module's task
# dump: modern-netlink, $CONF-netlink, modern-netlink-static and
# $CONF-netlink-static, and dump-only-netlink, the dump alone with
# nothing ranked (its share).  The report compares every oomqd run against the earlyoom of its size.
#
# Cleanup is unconditional (trap on EXIT, INT, TERM): earlyoom is killed,
# bench-spawn is told to SIGKILL and reap its children, and pid_max and
# threads-max are restored.  If this script is SIGKILLed, earlyoom and
# bench-spawn still get a parent-death signal and clean up (only the
# sysctls then stay raised).
set -eu

BENCH_DIR=${1:?usage: bench/run.sh BENCH_DIR}
OUT=$BENCH_DIR
SIZES=${BENCH_SIZES:-1000 10000}
ROUNDS=${BENCH_ROUNDS:-3}
PASS_S=${BENCH_PASS_S:-1.5}
EO_S=${BENCH_EARLYOOM_S:-4}
EO_MIN_SEARCHES=10
CONF=agent/oomqd.conf
HERE=$(cd "$(dirname "$0")" && pwd)

spawn_pid=
eo_pid=
restore=()

cleanup() {
	local i
	if [ -n "$eo_pid" ]; then
		kill -KILL "$eo_pid" 2>/dev/null || true
		wait "$eo_pid" 2>/dev/null || true
		eo_pid=
	fi
	if [ -n "$spawn_pid" ]; then
		kill -TERM "$spawn_pid" 2>/dev/null || true
		wait "$spawn_pid" 2>/dev/null || true
		spawn_pid=
	fi
	for ((i = ${#restore[@]} - 1; i >= 0; i--)); do
		echo "${restore[i]#* }" >"${restore[i]%% *}" || true
	done
	restore=()
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	echo "bench: $*" >&2
	exit 1
}

nprocs() {
	local p=(/proc/[0-9]*)
	echo "${#p[@]}"
}

# Raise a sysctl to at least $2, remembering the old value for cleanup.
raise_sysctl() {
	local f=$1 want=$2 cur
	cur=$(cat "$f")
	[ "$cur" -ge "$want" ] && return 0
	restore+=("$f $cur")
	echo "$want" >"$f" || die "cannot raise $f to $want"
	echo "bench: $f $cur -> $want (restored at exit)"
}

# key=value from a line of oomqd-pass output
kv() {
	local k=$1 line=$2
	line=" $line "
	line=${line#* "$k"=}
	echo "${line%% *}"
}

record() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$OUT/raw.tsv"
}

start_population() {
	local n=$1 have spawn
	have=$(nprocs)
	spawn=$((n - have - 1)) # the measuring process is one more
	[ "$spawn" -ge 0 ] || spawn=0
	raise_sysctl /proc/sys/kernel/pid_max $((n * 2 + 4096))
	raise_sysctl /proc/sys/kernel/threads-max $((n * 2 + 4096))
	if [ "$(ulimit -u)" != unlimited ] && [ "$(ulimit -u)" -lt $((n * 2)) ]; then
		ulimit -u $((n * 2)) || die "cannot raise ulimit -u to $((n * 2))"
	fi
	: >"$OUT/spawn.out"
	"$BENCH_DIR/bench-spawn" "$spawn" >"$OUT/spawn.out" &
	spawn_pid=$!
	for _ in $(seq 600); do
		grep -q '^ready' "$OUT/spawn.out" && break
		kill -0 "$spawn_pid" 2>/dev/null || die "bench-spawn $spawn failed"
		sleep 0.05
	done
	grep -q '^ready' "$OUT/spawn.out" || die "bench-spawn $spawn: not ready after 30 s"
	echo "bench: $n processes: $have running, $spawn spawned, $(nprocs) now"
}

stop_population() {
	kill -TERM "$spawn_pid"
	wait "$spawn_pid" || die "bench-spawn did not exit cleanly"
	spawn_pid=
}

measure_oomqd() {
	local n=$1 round=$2 run=$3 line bin=$BENCH_DIR/oomqd-pass
	shift 3
	# A run named *-static measures the statically linked build.
	[ "${run%-static}" = "$run" ] || bin=$BENCH_DIR/oomqd-pass-static
	line=$("$bin" -t "$PASS_S" -n 5 "$@") ||
		die "oomqd-pass $* failed"
	[ "$(kv truncated "$line")" = 0 ] || die "oomqd-pass: table full: $line"
	case "$(kv events "$line") $run" in
	"on "* | "off "* ) ;;
	*) echo "bench: warning: $run: no process events" \
		"($(kv events "$line")): it measures the -no-events cost" ;;
	esac
	record "$n" "$round" oomqd "$run" "$(kv procs "$line")" \
		"$(kv passes "$line")" "$(kv cpu_us "$line")" "$(kv hwm_kb "$line")" \
		"$(kv rss_anon_kb "$line")"
}

# utime + stime of $1 in clock ticks: /proc/PID/stat fields 14 and 15,
# counted after the ")" that ends comm (comm may hold spaces).
cpu_ticks() {
	local s f
	s=$(cat "/proc/$1/stat") || return 1
	read -r -a f <<<"${s##*) }"
	echo $((f[11] + f[12]))
}

status_kb() {
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"
}

# One search = one "sending SIG..." (victim found; --dryrun then prints
# "dryrun, not actually sending any signal") or "Could not find a process
# to kill" line.
searches() {
	grep -cE '^(sending SIG|Could not find a process)' "$OUT/earlyoom.log" || true
}

# Wait until earlyoom finishes a search after the $1th.
next_search() {
	local c
	while c=$(searches) && [ "$c" -le "$1" ]; do
		kill -0 "$eo_pid" 2>/dev/null || die "earlyoom exited: $(tail -n 3 "$OUT/earlyoom.log")"
		sleep 0.005
	done
	echo "$c"
}

# earlyoom's victim search, as earlyoom 1.7 runs it: thresholds that
# always trigger (-m 99: MemAvailable at or below 99% of MemTotal; -s 100:
# free swap at or below 100%, true with or without swap), --dryrun so
# nothing is killed, -r 3600 so no periodic report is printed.  Each loop
# then reads /proc/meminfo, prints two or three lines, and runs
# kill_process(): readdir /proc, read /proc/PID/oom_score of every process,
# then statm (VmRSS, which also skips kernel threads) of those whose score
# is not below the best so far, and comm and oom_score_adj of the
# candidates; after it, earlyoom sleeps ~100 ms.
#
# Counted: earlyoom's utime+stime (/proc/PID/stat, clock ticks) between
# two moments just after a search ended, i.e. while it sleeps, divided by
# the searches that ended in between.  Start-up and the first search are
# outside the window.  The meminfo read and the printing of each loop are
# inside it: they are part of what earlyoom does per search, and small
# next to reading ~2 files per process.  The sleeps cost no CPU, so they
# do not matter.  Peak RSS is earlyoom's VmHWM at the end; RssAnon (its
# private memory, at the end) is recorded next to it.
#
# measure_earlyoom N ROUND RUN [ARGS]: RUN names the record ("dryrun":
# earlyoom as shipped; "names": with --prefer/--avoid, where earlyoom
# also reads /proc/PID/comm of every process, as oomqd must for rules on
# names).
measure_earlyoom() {
	local n=$1 round=$2 run=$3 c0 c1 t0 t1 p0 p1 hwm anon start
	shift 3
	# --pdeathsig: it must not outlive this script either.
	setpriv --pdeathsig KILL earlyoom --dryrun -m 99 -s 100 -r 3600 "$@" \
		>"$OUT/earlyoom.log" 2>&1 &
	eo_pid=$!
	c0=$(next_search 0)
	t0=$(cpu_ticks "$eo_pid")
	p0=$(nprocs)
	start=$SECONDS
	c1=$c0
	while [ $((SECONDS - start)) -lt "$EO_S" ] ||
		[ $((c1 - c0)) -lt "$EO_MIN_SEARCHES" ]; do
		c1=$(next_search "$c1")
	done
	t1=$(cpu_ticks "$eo_pid")
	p1=$(nprocs)
	hwm=$(status_kb "$eo_pid" VmHWM)
	anon=$(status_kb "$eo_pid" RssAnon)
	kill -TERM "$eo_pid"
	wait "$eo_pid" || true
	eo_pid=
	record "$n" "$round" earlyoom "$run" $(((p0 + p1) / 2)) $((c1 - c0)) \
		$(((t1 - t0) * 1000000 / $(getconf CLK_TCK))) "$hwm" "$anon"
}

# The names of $CONF's rules on comm as one earlyoom regex: $1 = prefer
# (action prefer, or a priority above the default: queued earlier) or
# avoid (action avoid or protect, or priority 0).  Rules on anything but
# comm have no earlyoom counterpart and are left out.
conf_regex() {
	awk -v want="$1" '
	function flush() {
		if (pat != "" && (cls = class()) == want)
			re = re (re == "" ? "" : "|") "(" pat ")"
		pat = action = prio = ""
	}
	function class() {
		if (action == "prefer" || (prio != "" && prio + 0 > def + 0))
			return "prefer"
		if (action == "avoid" || action == "protect" || prio == "0")
			return "avoid"
		return ""
	}
	/^\[/ { flush(); rule = $0 ~ /^\[rule / }
	{ sub(/[ \t]+$/, "") }
	/^default_priority *=/ { sub(/^[^=]*= */, ""); def = $0 }
	rule && /^match_comm *=/ { sub(/^[^=]*= */, ""); pat = $0 }
	rule && /^action *=/ { sub(/^[^=]*= */, ""); action = $0 }
	rule && /^priority *=/ { sub(/^[^=]*= */, ""); prio = $0 }
	END { flush(); print re }
	' "$CONF"
}

[ "$(id -u)" = 0 ] || die "needs root (pid_max, earlyoom reads every process)"
command -v earlyoom >/dev/null || die "earlyoom missing: scripts/install-deps.sh"
for b in oomqd-pass oomqd-pass-static bench-spawn; do
	[ -x "$BENCH_DIR/$b" ] || die "build first: make bench-build"
done
pgrep -x earlyoom >/dev/null &&
	echo "bench: warning: an earlyoom is already running; it adds load"

mkdir -p "$OUT"
: >"$OUT/raw.tsv"
for n in $SIZES; do
	start_population "$n"
	for round in $(seq "$ROUNDS"); do
		measure_oomqd "$n" "$round" modern -s proc
		measure_oomqd "$n" "$round" "$CONF" -c "$CONF" -s proc
		measure_oomqd "$n" "$round" "$CONF-no-events" -c "$CONF" \
			-s proc -E
		measure_oomqd "$n" "$round" modern-static -s proc
		measure_oomqd "$n" "$round" "$CONF-static" -c "$CONF" -s proc
		if [ -e /proc/oom ]; then
			measure_oomqd "$n" "$round" modern-netlink -s netlink
			measure_oomqd "$n" "$round" "$CONF-netlink" -c "$CONF" \
				-s netlink
			measure_oomqd "$n" "$round" modern-netlink-static \
				-s netlink
			measure_oomqd "$n" "$round" "$CONF-netlink-static" \
				-c "$CONF" -s netlink
			# Of which the dump itself: kernel and transport.
			measure_oomqd "$n" "$round" dump-only-netlink \
				-s netlink -D
		fi
		measure_earlyoom "$n" "$round" dryrun
		measure_earlyoom "$n" "$round" names \
			--prefer "$(conf_regex prefer)" --avoid "$(conf_regex avoid)"
		echo "bench: $n processes, round $round/$ROUNDS done"
	done
	stop_population
done
cleanup

awk -f "$HERE/report.awk" \
	-v kernel="$(uname -r)" -v cpus="$(nproc)" \
	-v earlyoom="$(earlyoom -v 2>&1 | head -n 1)" \
	-v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	-v md="$OUT/results.md" -v json="$OUT/results.json" "$OUT/raw.tsv"
cat "$OUT/results.md"
echo "bench: wrote $OUT/results.md $OUT/results.json"
