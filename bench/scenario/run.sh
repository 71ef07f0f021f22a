#!/bin/sh
# make bench-scenario: each contender SCENARIO_RUNS times, each run in a
# fresh boot of the same disk image, one after the other (the 2 cores are
# shared: two TCG guests at once would measure each other).
#
#   run.sh OUT KVER [RESULTS]
#
# OUT holds disk.img and initramfs.gz (build.sh); RESULTS (default OUT)
# gets logs/, results.md, results.json and the plots.
# Environment: SCENARIO_RUNS (5), SCENARIO_CONTENDERS (all seven),
# SCENARIO_BOOT_TIMEOUT (s per boot, 420) and the guest's knobs that
# boot.sh reads (SCENARIO_ARGS: more scn.NAME=VALUE for scn.c).
set -eu

out=$1 kver=$2 res=${3:-$1}
here=$(cd "$(dirname "$0")" && pwd)
runs=${SCENARIO_RUNS:-5}
contenders=${SCENARIO_CONTENDERS:-kernel earlyoom nohang oomq-hand oomqd oomqd-kill oomqd-pause}
rm -rf "$res/logs"
mkdir -p "$res/logs"
start=$(date +%s)
n=1
while [ "$n" -le "$runs" ]; do
	for c in $contenders; do
		log=$res/logs/$c-$n.log
		t0=$(date +%s)
		rc=0
		"$here/boot.sh" "$out" "$kver" "$c" "$log" || rc=$?
		r=$(sed -n 's/.*SCN-RESULT //p' "$log" | tr -d '\r')
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			echo "scenario: $c run $n: guest cut off after $(($(date +%s) - t0)) s" >&2
		elif [ -z "$r" ]; then
			echo "scenario: $c run $n: no result (qemu status $rc), see $log" >&2
		else
			echo "scenario: $c run $n ($(($(date +%s) - t0)) s): $r" >&2
		fi
	done
	n=$((n + 1))
done
# shellcheck disable=SC2086 # one argument per contender
"$here/report.py" "$res" $contenders
echo "scenario: $(($(date +%s) - start)) s for $runs run(s) of: $contenders"
echo "scenario: wrote $res/results.md $res/results.json"
for f in "$res"/plot-*.png; do
	[ -f "$f" ] && echo "scenario: plot $f"
done
exit 0
