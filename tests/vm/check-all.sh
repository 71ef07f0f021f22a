#!/bin/sh
# Run the VM bench on several kernels, one after the other, and end with
# a combined "N passed, N failed, N skipped" line.
#
#   check-all.sh KERNEL[:CASES]...
#
# KERNEL is a spec of tests/vm/kernels.sh, with "+numa" a two-node boot
# of it (run.sh's VM_NUMA); CASES (comma-separated) runs only those cases
# there (VM_CASES), else every case, or VM_CASES if set.
# The guest's binaries, "RUNNER OOMQCTL OOMQD": VM_HOST_BIN for kernels of
# this machine's architecture, VM_<ARCH>_BIN (VM_ARM64_BIN) for others.
# Prints how long each kernel took.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
host=$(dpkg --print-architecture)
pass=0
fail=0
skip=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

for arg in "$@"; do
	k=${arg%%:*}
	cases=${VM_CASES:-}
	[ "$k" = "$arg" ] || cases=${arg#*:}
	numa=${VM_NUMA:-}
	case $k in *+numa) k=${k%+numa} numa=1 ;; esac
	arch=$("$here/kernels.sh" info "$k" | sed -n 's/.* arch=\([^ ]*\) .*/\1/p')
	if [ "$arch" = "$host" ]; then
		bin=${VM_HOST_BIN:-}
	else
		bin=$(eval echo "\${VM_$(echo "$arch" | tr a-z A-Z)_BIN:-}")
	fi
	rc=0
	start=$(date +%s)
	# shellcheck disable=SC2086
	VM_CASES=$cases VM_NUMA=$numa "$here/run.sh" "$k" $bin >"$out" || rc=$?
	echo "check-all: $k took $(($(date +%s) - start)) s" >&2
	# Everything but run.sh's own summary line.
	grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$out" || true
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "vm-case kernel=$k case=bench result=fail" \
			"detail=\"run.sh exited $rc without a verdict\""
		fail=$((fail + 1))
		continue
	fi
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + ${s:-0}))
	[ "$rc" = 0 ] || [ "$f" != 0 ] || fail=$((fail + 1))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
