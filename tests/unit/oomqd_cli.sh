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

# After a refused reload: the daemon said it kept the old config.
kept_old_config() {
	n=$((n + 1))
	grep -q "reload failed: keeping the old config" "$tmp/err" ||
		fail "$what: the old config not kept"
}

# daemon PATTERN ARGS...: oomqd ARGS --dry-run in the background until
# PATTERN shows on its stderr (2 s at most), then SIGTERM; $during, if
# set, is run half a second after the start (with $pid set).  got is
# the exit code; a daemon that ignores SIGTERM is SIGKILLed after 5 s.
daemon() {
	pattern=$1
	shift
	"$oomqd" "$@" --dry-run >/dev/null 2>"$tmp/err" &
	pid=$!
	sleep 0.5
	[ -n "$during" ] && eval "$during"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		grep -qF -- "$pattern" "$tmp/err" && break
		sleep 0.2
	done
	kill -TERM $pid
	(sleep 5 && kill -KILL $pid 2>/dev/null) &
	watchdog=$!
	wait $pid
	got=$?
	kill $watchdog 2>/dev/null
	during=
}
during=

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

# --timestamps: every line stamped with the seconds since boot, and a
# journal's <N> before it, as the kernel's console lines are.
what="--timestamps"
: >"$tmp/err"
JOURNAL_STREAM=$(stat -c %d:%i "$tmp/err") \
	"$oomqd" --timestamps --list --proc-root "$tmp/none" 2>>"$tmp/err"
got=$?
check 1 "oomqd: $tmp/none:"
n=$((n + 1))
up=$(cut -d. -f1 /proc/uptime)
stamp=$(sed -n 's/^<3>\[ *\([0-9]*\)\.[0-9]\{6\}\] oomqd: .*/\1/p' "$tmp/err")
# CLOCK_MONOTONIC is /proc/uptime's clock less suspended time.
if [ -z "$stamp" ] || [ "$stamp" -gt "$up" ] ||
	[ "$(grep -vc '^<[0-9]>\[ *[0-9]*\.[0-9]\{6\}\] oomqd: ' "$tmp/err")" != 0 ]; then
	fail "$what: a line without its stamp or a stamp past $up s"
fi

# A reader that went away: a failed write, not death by SIGPIPE (141).
what="--list into a closed pipe"
{
	sleep 0.3
	"$oomqd" --list --proc-root "$fix" 2>"$tmp/err"
	echo $? >"$tmp/code"
} | true
got=$(cat "$tmp/code")
check 1 "oomqd: stdout: Broken pipe"

# The daemon on a /proc without uptime: the ranking fails and says
# which file (without --dry-run, the -ENOENT was taken for "module not
# loaded"; a dry run sets no TTL and keeps no record in /run/oomqd).
what="daemon, a /proc file missing"
cp -r "$fix" "$tmp/proc"
rm "$tmp/proc/uptime"
daemon "ranking pass failed" --proc-root "$tmp/proc"
check 0 "oomqd: ranking pass failed: $tmp/proc/uptime: No such file"

# A FIFO where the config was: refused at once, not waited on (open()
# blocked until a writer came, and SIGHUP with it).
what="--check on a FIFO"
mkfifo "$tmp/fifo.conf"
timeout 5 "$oomqd" --check "$tmp/fifo.conf" >"$tmp/err" 2>&1
got=$?
check 2 "$tmp/fifo.conf: not a regular file"

what="SIGHUP with a FIFO for a config"
printf '[oomqd]\nqueue_length = 3\n' >"$tmp/live.conf"
during='rm "$tmp/live.conf"; mkfifo "$tmp/live.conf"; kill -HUP $pid'
daemon "reload failed" --config "$tmp/live.conf" --proc-root "$fix"
check 0 "oomqd: $tmp/live.conf: not a regular file"
kept_old_config

# A bad regex in match_ancestor_comm on SIGHUP: refused with its line,
# the rules in force stay.
what="SIGHUP with a bad match_ancestor_comm"
printf '[rule builds]\nmatch_ancestor_comm = ^(make|ninja)$\npause = yes\n' \
	>"$tmp/anc.conf"
printf '[rule builds]\nmatch_ancestor_comm = ^(make\npause = yes\n' \
	>"$tmp/anc-bad.conf"
during='cp "$tmp/anc-bad.conf" "$tmp/anc.conf"; kill -HUP $pid'
daemon "reload failed" --config "$tmp/anc.conf" --proc-root "$fix"
check 0 "$tmp/anc.conf:2: match_ancestor_comm: bad regex '^(make'"
kept_old_config

# psi_cgroup on a read-only memory.pressure, as the shipped unit's
# ProtectControlGroups=yes makes every cgroup file: the trigger cannot
# be set, and the daemon refuses to start (exit 2), naming the drop-in
# that allows the one file.  Needs a mount namespace (root).
mkdir -p "$tmp/cg"
echo "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" \
	>"$tmp/cg/memory.pressure"
printf '[thresholds]\npsi_cgroup = %s\n' "$tmp/cg" >"$tmp/cg.conf"
if unshare -m true 2>/dev/null; then
	what="psi_cgroup read-only"
	unshare -m sh -c "mount --bind '$tmp/cg' '$tmp/cg' &&
		mount -o remount,bind,ro '$tmp/cg' &&
		exec timeout 10 '$oomqd' --config '$tmp/cg.conf' \
			--proc-root '$fix' --dry-run" >/dev/null 2>"$tmp/err"
	got=$?
	check 2 "ReadWritePaths=$tmp/cg/memory.pressure to oomqd.service"
else
	echo "oomqd_cli: no mount namespace (not root?): psi_cgroup" \
		"read-only not checked"
fi

# A psi_cgroup not there yet (user.slice before the first login) is no
# reason to refuse: watched once it appears.
what="psi_cgroup missing"
printf '[thresholds]\npsi_cgroup = %s\n' "$tmp/nocg" >"$tmp/nocg.conf"
daemon "not there (yet)" --config "$tmp/nocg.conf" --proc-root "$fix"
check 0 "psi_cgroup: $tmp/nocg/memory.pressure: not there (yet)"

# PSI averages that stop reading: said once, not silently ignored.
what="PSI averages unreadable"
mkdir "$tmp/proc/pressure"
cp tests/fixtures/pressure/memory "$tmp/proc/pressure/memory"
cp "$fix/uptime" "$tmp/proc/uptime"
during='echo garbage >"$tmp/proc/pressure/memory"; kill -HUP $pid'
daemon "PSI averages not read" --proc-root "$tmp/proc"
check 0 "oomqd: $tmp/proc/pressure/memory: Invalid argument: PSI averages not read"

echo "oomqd_cli: $((n - failed))/$n passed"
[ "$failed" = 0 ]
