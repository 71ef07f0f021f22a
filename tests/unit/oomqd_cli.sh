#!/bin/sh
# oomqd as a shell and a service manager meet it, without the module
# and on the fake /proc: what reaches stdout and stderr, exit codes, and
# that nothing blocks.  Usage: oomqd_cli.sh path/to/oomqd
set -u

oomqd=$1
fix=tests/fixtures/proc
failed=0
n=0

fail() {
	echo "FAIL: $*" >&2
	[ -s "$tmp/err" ] && sed 's/^/  stderr: /' "$tmp/err" >&2
	failed=$((failed + 1))
}

# check CODE PATTERN: the last run's exit code and a fixed string on
# its stderr.
check() {
	n=$((n + 1))
	if [ "$got" != "$1" ] || ! grep -qF -- "$2" "$tmp/err"; then
		fail "$what: exit $got (want $1), want '$2' on stderr"
	fi
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Journal priorities only when stderr is the stream JOURNAL_STREAM
# names: a shell started from a unit passes the variable on to commands
# whose stderr it redirected.
what="JOURNAL_STREAM naming another stream"
JOURNAL_STREAM=1:2 "$oomqd" --list --proc-root "$tmp/none" 2>"$tmp/err"
got=$?
check 1 "oomqd: $tmp/none:"
n=$((n + 1))
grep -q '^<' "$tmp/err" && fail "$what: a <N> prefix on a plain file"

what="JOURNAL_STREAM naming stderr"
: >"$tmp/err"
JOURNAL_STREAM=$(stat -c %d:%i "$tmp/err") \
	"$oomqd" --list --proc-root "$tmp/none" 2>>"$tmp/err"
got=$?
check 1 "<3>oomqd: $tmp/none:"

# A reader that went away: a failed write, not death by SIGPIPE (141).
what="--list into a closed pipe"
{
	sleep 0.3
	"$oomqd" --list --proc-root "$fix" 2>"$tmp/err"
	echo $? >"$tmp/code"
} | true
got=$(cat "$tmp/code")
check 1 "oomqd: stdout: Broken pipe"

echo "oomqd_cli: $((n - failed))/$n passed"
[ "$failed" = 0 ]
