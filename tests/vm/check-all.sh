#!/bin/sh
# Run the VM bench on several kernels, one after the other, and end with
# a combined "N passed, N failed, N skipped" line.
#
#   check-all.sh RUNNER OOMQCTL OOMQD SERIES...
set -eu

runner=$1
oomqctl=$2
oomqd=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
skip=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

for series in "$@"; do
	rc=0
	"$here/run.sh" "$series" "$runner" "$oomqctl" "$oomqd" >"$out" || rc=$?
	# Everything but run.sh's own summary line.
	grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$out" || true
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "vm-case kernel=$series case=bench result=fail" \
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
