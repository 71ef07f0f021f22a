#!/bin/sh
# oomqctl as a user meets it without the module: exit codes and
# messages.  Usage: oomqctl_cli.sh path/to/oomqctl
set -u

ctl=$1
failed=0
n=0

# expect CODE STREAM PATTERN ARGS...: exit code CODE and PATTERN (a
# fixed string) on STREAM (out or err).
expect() {
	code=$1 stream=$2 pattern=$3
	shift 3
	n=$((n + 1))
	"$ctl" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$code" ] || ! grep -qF -- "$pattern" "$tmp/$stream"; then
		echo "FAIL: oomqctl $*: exit $got (want $code)," \
			"want '$pattern' on std$stream:" >&2
		cat "$tmp/out" "$tmp/err" >&2
		failed=$((failed + 1))
	fi
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

expect 0 out "usage: oomqctl status" --help
expect 1 err "oomqctl: no command"
expect 1 err "usage: oomqctl status" bogus
expect 1 err "unknown command 'bogus'" bogus
expect 1 err "status takes no arguments" status now
expect 1 err "'12x' is not a PID list" set-queue 1 12x
expect 1 err "'0' is not a PID list" set-queue 0
expect 1 err "nothing to set" set-config
expect 1 err "want badness, origin or auto" set-config mode=fast
expect 1 err "--count needs a number" events --count

# Usage errors come before any netlink: no module needed for those.
if [ -d /sys/module/oomq ]; then
	echo "oomqctl_cli: oomq is loaded, skipping the no-module checks"
else
	msg='oomqctl: oomq module not loaded (no generic netlink family "oomq")'
	expect 2 err "$msg" status
	expect 2 err "$msg" events --count 1 --timeout 1
	expect 2 err "$msg" set-queue 1 2 3
	expect 2 err "$msg" set-queue
	expect 2 err "$msg" set-config ttl_ms=1000 mode=auto
fi

# The real socket path, against a family every kernel has: nlctrl has
# no command 1 or 2 (our GET_STATUS and SET_QUEUE), and its command 3
# (GETFAMILY, our SET_CONFIG) wants a family name we do not send.
export OOMQCTL_FAMILY=nlctrl
expect 3 err "oomqctl: status: kernel refused: Operation not supported" status
expect 3 err "oomqctl: set-queue: kernel refused: Operation not supported" \
	set-queue 1 2
expect 3 err "oomqctl: set-config: kernel refused:" set-config ttl_ms=1
expect 4 err 'oomqctl: events: no multicast group "events"' events
unset OOMQCTL_FAMILY

echo "oomqctl_cli: $((n - failed))/$n passed"
[ "$failed" = 0 ]
