#!/bin/sh
# make bench-startup: what each contender's start and idle cost in CPU
# in the scenario guest, cold (the first run of its code since boot)
# and warm (started again in the same boot).  The scenario bench boots
# afresh for every run, so every contender starts cold there, and under
# TCG (no KVM here) a block of guest code is translated on its first
# execution, charged to the process that runs it: a cost real hardware
# does not have, the larger the more code a start runs.
#
#   startup.sh OUT KVER
#
# OUT holds the scenario image (build.sh).  One boot of a copy of it
# whose /scenario/init is startup-init; SCENARIO_STARTUP_ROUNDS starts
# of each contender (5).  Prints, per contender, the CPU of its start
# (its first 2 s) cold and warm (median), and of 4 s idle after it
# (ms/s), against earlyoom's; keeps the console in OUT/startup/.
set -eu

out=$1 kver=$2
here=$(cd "$(dirname "$0")" && pwd)
rounds=${SCENARIO_STARTUP_ROUNDS:-5}
dir=$out/startup
mkdir -p "$dir"
# The image with startup-init as its init: written into a sparse copy
# by debugfs, no mount and no root tools needed.
cp --sparse=always "$out/disk.img" "$dir/disk.img.tmp"
debugfs -w -f - "$dir/disk.img.tmp" >/dev/null 2>"$dir/debugfs.log" <<EOT
rm /scenario/init
write $here/startup-init /scenario/init
sif /scenario/init mode 0100755
EOT
mv "$dir/disk.img.tmp" "$dir/disk.img"
log=$dir/console.log
SCENARIO_DISK=$dir/disk.img "$here/boot.sh" "$out" "$kver" "$log" \
	"scn.rounds=$rounds" || {
	echo "startup: the guest did not finish (console: $log)" >&2
	exit 1
}
grep -q "SCN-STARTUP done" "$log" || {
	echo "startup: no result (console: $log)" >&2
	exit 1
}
tr -d '\r' <"$log" | awk '
/SCN-STARTUP contender=/ {
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		v[kv[1]] = kv[2]
	}
	c = v["contender"]
	if (v["cpu2_us"] < 0 || v["cpu6_us"] < 0) {
		died[c] = 1
		next
	}
	n[c]++
	start[c, n[c]] = v["cpu2_us"] / 1000
	idle[c, n[c]] = (v["cpu6_us"] - v["cpu2_us"]) / 4000
	if (!(c in seen)) {
		seen[c] = 1
		order[++nc] = c
	}
}
# The median of a[c, from], ..., a[c, n[c]].
function median(a, c, from,    m, i, j, t) {
	m = 0
	for (i = from; i <= n[c]; i++)
		s[++m] = a[c, i]
	for (i = 2; i <= m; i++)
		for (j = i; j > 1 && s[j - 1] > s[j]; j--) {
			t = s[j]; s[j] = s[j - 1]; s[j - 1] = t
		}
	if (!m)
		return -1
	return m % 2 ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
}
END {
	printf "%-9s %9s %9s %9s %11s\n", "contender", "cold ms", "warm ms", \
		"cold-warm", "idle ms/s"
	for (k = 1; k <= nc; k++) {
		c = order[k]
		# Round 1 is cold; the warm median is of the rounds after it.
		cold[c] = start[c, 1]
		warm[c] = median(start, c, 2)
		printf "%-9s %9.1f %9.1f %9.1f %11.2f%s\n", c, cold[c], \
			warm[c], cold[c] - warm[c], median(idle, c, 1), \
			(c in died) ? "  (died in a round)" : ""
	}
	if ("earlyoom" in cold && "oomqd" in cold)
		printf "oomqd/earlyoom: cold start %.2f, warm start %.2f\n", \
			cold["oomqd"] / cold["earlyoom"], \
			warm["oomqd"] / warm["earlyoom"]
}' | tee "$dir/result.txt"
