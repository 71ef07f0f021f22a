#!/bin/sh
# Turn one guest serial log into the bench's verdict.
#
#   parse-log.sh KVER LOG [HOST_CASES]
#
# Prints the guest's "vm-case" lines, the host's (HOST_CASES, a file of
# "vm-case" lines run.sh wrote), two more host-side cases (the guest
# finished: "summary"; the kernel log is clean: "kernel_log"), and ends with
# "N passed, N failed, N skipped".  Exits 1 if anything failed.
set -eu

kver=$1
log=$2
hostcases=${3:-/dev/null}

# Console lines carry a printk prefix ("[   12.345678] "); the runner's own
# lines start at their keyword.  \r comes from the serial line discipline.
cases=$(tr -d '\r' <"$log" | sed -n 's/^.*\(vm-case .*\)$/\1/p')
summary=$(tr -d '\r' <"$log" |
	sed -n 's/^.*[] ]\([0-9]* passed, [0-9]* failed.*\)$/\1/p' | tail -n 1)

# Splats, on any kernel line but the runner's own (a detail could quote one).
# The OOM report itself prints a "Call Trace:", which is not one.  Most
# debug-kernel reports (make check-debug) start with "BUG:" or "WARNING:":
# KASAN ("BUG: KASAN: slab-use-after-free"), lockdep ("WARNING: possible
# circular locking dependency detected"), PROVE_RCU ("WARNING: suspicious
# RCU usage"), DEBUG_ATOMIC_SLEEP ("BUG: sleeping function called from
# invalid context"), debugobjects (a WARN); the others are named below:
# lockdep's unregistered key, kmemleak's count and its list as init prints
# it, RCU stalls and hung tasks.
splats='WARNING:|BUG:|Oops|general protection fault|Kernel panic|kernel BUG at'
splats="$splats|UBSAN|refcount_t:|list_[a-z_]* corruption|[Bb]ad page"
splats="$splats|INFO: trying to register non-static key"
splats="$splats|kmemleak: [0-9]+ new suspected|unreferenced object 0x"
splats="$splats|detected stalls? on CPU|blocked for more than [0-9]+ seconds"
splat=$(tr -d '\r' <"$log" | grep -v 'vm-case ' | grep -E -m 3 "$splats" ||
	true)

host() {
	printf 'vm-case kernel=%s case=%s result=%s detail="%s"\n' \
		"$kver" "$1" "$2" "$3"
}

{
	cat "$hostcases"
	[ -z "$cases" ] || printf '%s\n' "$cases"
	if [ -n "$summary" ]; then
		host summary pass "guest: $summary"
	else
		host summary fail "no summary line: guest hung, timed out or panicked; see $log"
	fi
	if [ -z "$splat" ]; then
		host kernel_log pass "no WARNING/BUG/Oops/panic/UBSAN/kmemleak/stall splat"
	else
		host kernel_log fail "$(printf '%s' "$splat" | tr '\n"' '|'"'" |
			cut -c1-300)"
	fi
} | awk '
	{ print }
	/ result=pass / { p++ }
	/ result=fail / { f++ }
	/ result=skip / { s++ }
	END {
		printf "%d passed, %d failed, %d skipped\n", p, f, s
		exit f > 0
	}'
