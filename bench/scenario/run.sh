#!/bin/sh
# make bench-scenario: every variant of the load against every contender,
# each run in a fresh boot of the same disk image, one after the other
# (the 2 cores are shared: two TCG guests at once would measure each
# other), appended to the results store; then report.py renders it.
#
#   run.sh OUT KVER
#
# OUT holds disk.img, initramfs.gz and commit.json (build.sh).
# Environment:
#   SCENARIO_GUEST        busybox (scn is PID 1, no systemd) or systemd
#                         (systemd as PID 1, the session and the build
#                         in the user manager's scopes: OUT is that
#                         image's, build/scenario/systemd); its runs are
#                         another load (guest=systemd), never in a table
#                         with the busybox guest's
#   SCENARIO_VARIANTS     meltdown big leak swap zram mix sizes late (the
#                         matrix); short spike slow on demand
#   SCENARIO_CONTENDERS   kernel earlyoom nohang oracle oomq-hand oomqd;
#                         oracle-fit: the oracle at the largest -j that
#                         also reads its files back no more than
#                         SCENARIO_FIT_READ_MIB (its own search, below);
#                         oomqd-NAME runs the shipped config with the
#                         knobs of bench/scenario/oomqd/NAME.conf; in
#                         the systemd guest also systemd-oomd (and no
#                         oomq-hand: the session's user cannot write
#                         /proc/oom); kernel earlyoom systemd-oomd oomqd
#                         there by default
#   SCENARIO_RUNS         runs of each variant and contender the store
#                         should hold for this build (5 of the meltdown,
#                         2 of the others): what the store already has is
#                         not run again, so a cut matrix resumes and a
#                         larger number extends it
#   SCENARIO_ORACLE_J     the oracle's -j, as VARIANT=N words (else the
#                         one bench-scenario-oracle found, else scn.c's
#                         estimate from the jobs' sizes); the same for
#                         oracle-fit: SCENARIO_ORACLE_FIT_J
#   SCENARIO_SESSION_NAMES=random   the session's roles named at random
#                         too (by default kdeinit, ksmserver, kwin,
#                         terminal, as in KDE)
#   SCENARIO_RESULTS      the store's directory (OUT): runs.jsonl, logs/,
#                         the report; make passes build/scenario for
#                         both guests, so their runs share one store
#   SCENARIO_ARGS         more scn.NAME=VALUE for scn.c (a different load:
#                         its runs are kept apart from the variant's)
#   SCENARIO_MEM, SCENARIO_BOOT_TIMEOUT   guest MiB (512), s per boot (720)
#   SCENARIO_SEARCH=1     instead of the matrix, find each variant's
#                         oracle -j (make bench-scenario-oracle)
#   SCENARIO_SEARCH=fit   the same for oracle-fit (make
#                         bench-scenario-oracle-fit): a -j fits only if
#                         the guest also read back (swap-ins, file
#                         refaults) no more than SCENARIO_FIT_READ_MIB
#                         (32) during the load: the largest make -j
#                         that runs without evicting what its jobs read
set -eu

out=$1 kver=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
res=${SCENARIO_RESULTS:-$out}
store=$res/runs.jsonl
variants=${SCENARIO_VARIANTS:-meltdown big leak swap zram mix sizes late}
guest=${SCENARIO_GUEST:-busybox}
case $guest in
busybox)
	contenders=${SCENARIO_CONTENDERS:-kernel earlyoom nohang oracle \
oomq-hand oomqd}
	;;
systemd)
	contenders=${SCENARIO_CONTENDERS:-kernel earlyoom systemd-oomd oomqd}
	;;
*)
	echo "scenario: unknown guest '$guest' (busybox, systemd)" >&2
	exit 1
	;;
esac
# An image from before the systemd guest names none: busybox.
g=$(sed -n 's/.*"guest": "\([^"]*\)".*/\1/p' "$out/commit.json")
[ "${g:-busybox}" = "$guest" ] || {
	echo "scenario: $out is the ${g:-busybox} guest's image, not $guest" >&2
	exit 1
}
mkdir -p "$res/logs"

# The variants of the load: scn.c's knobs, and a swap disk's size.
variant_args() {
	case $1 in
	meltdown) echo "scn.build=1" ;; # make -j of 14 workers, the session
	big) echo "scn.build=1 scn.ksmserver_mib=80" ;; # innocent > worker
	leak) echo "scn.build=0 scn.leak=1" ;; # a tab leaks, 2 apps idle
	swap) echo "scn.build=1" ;; # with a 128 MiB swap disk
	zram) echo "scn.build=1 scn.zram_mib=128" ;; # with 128 MiB of zram
	mix) echo "scn.build=1 scn.leak=1" ;; # the meltdown and the leak
	# A build of jobs of mixed sizes: 11 of 30 MiB, 3 of 120.
	sizes) echo "scn.build=1 scn.worker_mib=30 scn.grow_ms=5000" \
		"scn.work_ms=3000 scn.large_every=5 scn.large_mib=120" \
		"scn.large_grow_ms=15000 scn.large_work_ms=10000" ;;
	# The same jobs, the 3 large ones last: continued on the small
	# ones' estimate.
	late) echo "scn.build=1 scn.worker_mib=30 scn.grow_ms=5000" \
		"scn.work_ms=3000 scn.large_from=12 scn.large_mib=120" \
		"scn.large_grow_ms=15000 scn.large_work_ms=10000" ;;
	# Loads nobody tuned pausing to (not in the default matrix): 60
	# short jobs of 25 MiB from an unbounded make -j; jobs that take
	# their 60 MiB in half a second; jobs of 40 MiB growing over 30 s.
	short) echo "scn.build=1 scn.workers=60 scn.worker_mib=25" \
		"scn.grow_ms=1500 scn.work_ms=1000 scn.stagger_ms=100" ;;
	spike) echo "scn.build=1 scn.grow_ms=500 scn.work_ms=10000" \
		"scn.stagger_ms=500" ;;
	slow) echo "scn.build=1 scn.worker_mib=40 scn.grow_ms=30000" \
		"scn.work_ms=2000" ;;
	*) return 1 ;;
	esac
}
variant_swap() {
	[ "$1" = swap ] && echo 128 || echo 0
}
target_runs() {
	if [ -n "${SCENARIO_RUNS:-}" ]; then
		echo "$SCENARIO_RUNS"
	elif [ "$1" = meltdown ]; then
		echo 5
	else
		echo 2
	fi
}
# What makes two runs the same load (the names and the contender aside).
# A session named at random is another load too.
load_of() {
	l="$(variant_args "$1") mem=${SCENARIO_MEM:-512}"
	l="$l swap=$(variant_swap "$1")"
	[ "$guest" = busybox ] || l="$l guest=$guest"
	[ "${SCENARIO_SESSION_NAMES:-}" = random ] && l="$l session=random"
	echo "$l ${SCENARIO_ARGS:-}" | sed 's/ *$//'
}

for v in $variants; do
	variant_args "$v" >/dev/null || {
		echo "scenario: unknown variant '$v'" >&2
		exit 1
	}
done
for c in $contenders; do
	case $guest/$c in
	*/kernel | */earlyoom | */nohang | */oracle | */oomqd) ;;
	busybox/oracle-fit) ;;
	busybox/oomq-hand | systemd/systemd-oomd) ;;
	*/oomqd-*)
		[ -f "$here/oomqd/${c#oomqd-}.conf" ] || {
			echo "scenario: no bench/scenario/oomqd/${c#oomqd-}.conf" >&2
			exit 1
		}
		;;
	*)
		echo "scenario: no contender '$c' in the $guest guest" >&2
		exit 1
		;;
	esac
done

# A name no oomq source, config or packaged peer config holds: 6 to 12
# letters, new for every run.
rand_name() {
	while :; do
		len=$((6 + $(od -An -N1 -tu1 /dev/urandom) % 7))
		n=$(LC_ALL=C tr -dc 'abcdefghijklmnopqrstuvwxyz' </dev/urandom |
			head -c "$len")
		if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
			git -C "$top" grep -qiF "$n" && continue
		else
			grep -rqiF "$n" "$top/agent" "$top/module" "$top/include" \
				"$top/lib" "$top/tools" "$top/debian" && continue
		fi
		grep -qsiF "$n" "$out/rootfs/etc/nohang/nohang.conf" \
			"$out/rootfs/etc/default/earlyoom" && continue
		echo "$n"
		return
	done
}
names_of_run() {
	n="worker=$(rand_name) tab=$(rand_name) editor=$(rand_name)"
	n="$n browser=$(rand_name)"
	if [ "${SCENARIO_SESSION_NAMES:-}" = random ]; then
		for r in kdeinit ksmserver kwin terminal; do
			n="$n $r=$(rand_name)"
		done
	fi
	echo "$n"
}

# The oracle's -j for variant $1, as scn arguments: SCENARIO_ORACLE_J,
# else the search's, else -1 (scn.c estimates it from the jobs' sizes and
# MemAvailable); scn.jobs_from says which, for the report.  With $2 =
# fit, oracle-fit's: SCENARIO_ORACLE_FIT_J, else its own search's.
oracle_j() {
	set=${SCENARIO_ORACLE_J:-} tsv=$res/oracle-j.tsv
	if [ "${2:-}" = fit ]; then
		set=${SCENARIO_ORACLE_FIT_J:-} tsv=$res/oracle-fit-j.tsv
	fi
	for w in $set; do
		if [ "${w%%=*}" = "$1" ]; then
			echo "scn.jobs=${w#*=} scn.jobs_from=set"
			return
		fi
	done
	j=
	[ -f "$tsv" ] &&
		j=$(awk -v l="$(load_of "$1")" -F '\t' \
			'$1 == l { j = $2 } END { print j }' "$tsv")
	if [ -n "$j" ]; then
		echo "scn.jobs=$j scn.jobs_from=searched"
	else
		echo "scn.jobs=-1 scn.jobs_from=estimate"
	fi
}

# One boot of contender $2 in variant $1; extra scn args $3. Appends the
# run to the store and prints it; $log is its console.
boot() {
	v=$1 c=$2 extra=$3
	stamp=$(date -u +%Y%m%dT%H%M%SZ)
	mkdir -p "$res/logs/$v"
	log=$res/logs/$v/$c-$stamp.log
	[ "$guest" = busybox ] || log=$res/logs/$v/$guest-$c-$stamp.log
	names=$(names_of_run)
	# The guest runs oracle-fit's (and its search's) make as the oracle.
	gc=$c
	case $c in oracle-fit*) gc=oracle ;; esac
	args="scn.contender=$gc $(variant_args "$v") ${SCENARIO_ARGS:-} $extra"
	[ "$guest" = systemd ] && args="$args scn.systemd=1"
	for w in $names; do
		args="$args scn.name.$w"
	done
	t0=$(date +%s)
	rc=0
	SCENARIO_SWAP_MIB=$(variant_swap "$v") \
		"$here/boot.sh" "$out" "$kver" "$log" "$args" || rc=$?
	dt=$(($(date +%s) - t0))
	"$here/record.py" add "$store" "$log" --variant "$v" \
		--load "$(load_of "$v")" --contender "$c" \
		--commit "$out/commit.json" --names "$names" --args "$args" \
		--boot-s "$dt" --rc "$rc"
	r=$(sed -n 's/.*SCN-RESULT //p' "$log" | tr -d '\r')
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "scenario: $v $c: guest cut off after $dt s" >&2
	elif [ -z "$r" ]; then
		echo "scenario: $v $c: no result (qemu status $rc), see $log" >&2
	else
		echo "scenario: $v $c ($dt s): $r" >&2
	fi
}

start=$(date +%s)
commit=$(sed -n 's/.*"describe": "\([^"]*\)".*/\1/p' "$out/commit.json")

# The value of KEY in the newest run's result line (log $1).
result() {
	sed -n 's/.*SCN-RESULT //p' "$1" | tr -d '\r' | tr ' ' '\n' |
		sed -n "s/^$2=//p"
}

# MiB the guest read back during the load (log $1): swap-ins
# and refaulted file pages (scn.c's pgin), from the load's first sample
# to its last; empty without them.
read_back_mib() {
	tr -d '\r' <"$1" |
		sed -n 's/.*SCN-SAMPLE t=[0-9][0-9]* .*pgin=\([0-9][0-9]*\).*/\1/p' |
		sed -n '1p;$p' | tr '\n' ' ' |
		awk 'NF == 2 { print int(($2 - $1) * 4 / 1024) }'
}

if [ "${SCENARIO_SEARCH:-0}" != 0 ]; then
	# The oracle's -j, once per variant with a build: from scn.c's
	# estimate up, one boot each, while a run kills no job and no
	# innocent and is faster than the one with a job fewer (down if the
	# estimate already kills). Every boot goes to the store as contender
	# oracle-search; the -j found to oracle-j.tsv, which the oracle's
	# runs take from then on.  For oracle-fit (SCENARIO_SEARCH=fit) a
	# run must also read back no more than SCENARIO_FIT_READ_MIB: boots
	# as oracle-fit-search, the -j to oracle-fit-j.tsv.
	c=oracle-search tsv=$res/oracle-j.tsv max_read=
	if [ "$SCENARIO_SEARCH" = fit ]; then
		c=oracle-fit-search tsv=$res/oracle-fit-j.tsv
		max_read=${SCENARIO_FIT_READ_MIB:-32}
	fi
	for v in $variants; do
		case $(variant_args "$v") in *scn.build=0*) continue ;; esac
		best='' best_t='' j=-1 step=1
		while :; do
			boot "$v" "$c" \
				"scn.oracle=1 scn.jobs=$j scn.jobs_from=search"
			jj=$(result "$log" jobs)
			t=$(result "$log" t_workers_gone_ms)
			total=$(result "$log" jobs_total)
			read=$(read_back_mib "$log")
			# The oracle's own kill of the tab is no OOM.
			if [ -n "$jj" ] && [ "$(result "$log" jobs_done)" = "$total" ] &&
				[ "$(result "$log" innocents_killed)" = 0 ] &&
				{ [ -z "$max_read" ] ||
					[ "${read:-$max_read}" -le "$max_read" ]; } &&
				{ [ -z "$best_t" ] || [ "$t" -lt "$best_t" ]; }; then
				best=$jj best_t=$t
				if [ "$step" != 1 ] || [ "$jj" -ge "$total" ]; then
					break
				fi
			elif [ -z "$best" ] && [ "${jj:-1}" -gt 1 ]; then
				step=-1
			else
				break
			fi
			j=$((jj + step))
		done
		if [ -n "$best" ]; then
			printf '%s\t%s\t%s\t%s\n' "$(load_of "$v")" "$best" \
				"$commit" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$tsv"
			echo "scenario: $v: $c found -j$best ($best_t ms)" >&2
		else
			echo "scenario: $v: no -j ran without a kill${max_read:+ or more read back}" >&2
		fi
	done
	echo "scenario: $(($(date +%s) - start)) s; wrote $tsv"
	exit 0
fi

# Round-robin, so that whatever else the machine does spreads over all
# contenders alike: round n boots every (variant, contender) that has
# fewer than n of its target runs in the store.
max=0
for v in $variants; do
	t=$(target_runs "$v")
	[ "$t" -gt "$max" ] && max=$t
done
n=1
while [ "$n" -le "$max" ]; do
	for v in $variants; do
		[ "$n" -le "$(target_runs "$v")" ] || continue
		for c in $contenders; do
			extra=
			case $c in
			oracle | oracle-fit)
				# No build, nothing for it to schedule: the
				# oracle's answer to a lone leak is trivial.
				case $(variant_args "$v") in
				*scn.build=0*) continue ;;
				esac
				extra="scn.oracle=1 $(oracle_j "$v" "${c#oracle-}")"
				;;
			oomq-hand) extra="scn.queue=1" ;;
			esac
			have=$("$here/record.py" count "$store" "$out/commit.json" \
				"$v" "$(load_of "$v")" "$c")
			[ "$have" -lt "$n" ] || continue
			boot "$v" "$c" "$extra"
		done
	done
	n=$((n + 1))
done
echo "scenario: $(($(date +%s) - start)) s of runs ($commit)"
"$here/report.py" "$store" "$res"
