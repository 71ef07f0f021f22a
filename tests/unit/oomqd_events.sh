#!/bin/sh
# oomqd's events where people look, end to end: a proactive kill of a
# process of ours (on a fake /proc that says memory is critical) as
# journald stores it (MESSAGE_ID, OOMQ_* fields), the pre_kill and
# post_kill hooks with their environment (pre_kill while the victim
# still lives), and the metrics file (promtool-clean when promtool is
# there).  journald is one of our own, in a private mount namespace, so
# the host's journal is never touched.  Needs root, unshare(1) and
# systemd-journald; says "skipped" and why otherwise.
# Usage: oomqd_events.sh path/to/oomqd
set -u

oomqd=$(realpath "$1")
journald=/lib/systemd/systemd-journald
n=0
failed=0

skip() {
	echo "oomqd_events: skipped: $*"
	exit 0
}

[ "$(id -u)" = 0 ] || skip "not root"
[ -x "$journald" ] || skip "no $journald"
command -v journalctl >/dev/null || skip "no journalctl"
nm -D "$oomqd" 2>/dev/null | grep -q sd_journal_sendv ||
	skip "oomqd built without libsystemd (OOMQD_SYSTEMD=0)"
unshare --mount --propagation private true 2>/dev/null ||
	skip "unshare --mount refused here"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# In the namespace: journald, the victim, oomqd under the journal's
# stream for 4 s; then the journal exported to $tmp/journal.
cat >"$tmp/inner.sh" <<'INNER'
set -u
tmp=$1 oomqd=$2 journald=$3
for d in /run/systemd /run/log /var/log/journal; do
	mkdir -p "$d" && mount -t tmpfs tmpfs "$d" || exit 1
done
mkdir -p /run/systemd/journal
"$journald" >"$tmp/journald.log" 2>&1 &
jpid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -S /run/systemd/journal/socket ] && [ -S /run/systemd/journal/stdout ] && break
	sleep 0.2
done
# SIGTERM ignored, so only the SIGKILL after kill_grace_ms ends it.
sh -c 'trap "" TERM; exec sleep 60' &
victim=$!
echo $victim >"$tmp/victim"
mkdir "$tmp/proc" "$tmp/metrics"
ln -s /proc/$victim "$tmp/proc/$victim"
printf '%s\n' 'MemTotal: 16000000 kB' 'MemFree: 100000 kB' \
	'MemAvailable: 100000 kB' 'SwapTotal: 0 kB' 'SwapFree: 0 kB' \
	>"$tmp/proc/meminfo"
echo '1000.00 2000.00' >"$tmp/proc/uptime"
cat >"$tmp/oomqd.conf" <<CONF
[oomqd]
metrics_dir = $tmp/metrics
metrics_interval_s = 1
[thresholds]
kill = on
kill_grace_ms = 1000
psi_some_pct = 0
psi_full_pct = 0
[hooks]
pre_kill = env | grep ^OOMQ_ | sort >$tmp/pre; kill -0 \$OOMQ_PID && echo alive >>$tmp/pre
post_kill = env | grep ^OOMQ_ | sort >$tmp/post
CONF
# systemd-cat connects stderr to journald's stream; JOURNAL_STREAM is
# set as systemd sets it for a unit.
timeout -s TERM 4 systemd-cat -t oomqd sh -c \
	"JOURNAL_STREAM=\$(stat -L -c %d:%i /proc/self/fd/2) exec $oomqd \
	--config $tmp/oomqd.conf --proc-root $tmp/proc"
kill -KILL $victim 2>/dev/null
journalctl --no-pager -o export SYSLOG_IDENTIFIER=oomqd >"$tmp/journal"
journalctl --no-pager -o short-monotonic SYSLOG_IDENTIFIER=oomqd \
	>"$tmp/journal.txt"
kill $jpid
wait $jpid
INNER
unshare --mount --propagation private \
	sh "$tmp/inner.sh" "$tmp" "$oomqd" "$journald" >"$tmp/inner.log" 2>&1 ||
	{
		cat "$tmp/inner.log"
		echo "oomqd_events: the namespace run failed"
		exit 1
	}
victim=$(cat "$tmp/victim")

# has FILE TEXT WHAT: FILE holds the line TEXT.
has() {
	n=$((n + 1))
	if ! grep -qxF -- "$2" "$1" 2>/dev/null; then
		echo "FAIL: $3: no line '$2' in $(basename "$1")" >&2
		failed=$((failed + 1))
	fi
}

# The entry of one MESSAGE_ID, from journalctl's export format.
entry() {
	awk -v id="MESSAGE_ID=$1" 'BEGIN { RS = ""; FS = "\n" }
		{ for (i = 1; i <= NF; i++) if ($i == id) { print; exit } }' \
		"$tmp/journal" >"$tmp/entry"
}

entry 8bd2646ed6b743e49c3f16703d29052e
has "$tmp/entry" "OOMQ_EVENT=kill" "journal: the kill"
has "$tmp/entry" "OOMQ_VICTIM_PID=$victim" "journal: the kill"
has "$tmp/entry" "OOMQ_VICTIM_COMM=sleep" "journal: the kill"
has "$tmp/entry" "OOMQ_CHOICE=proactive" "journal: the kill"
has "$tmp/entry" "PRIORITY=4" "journal: the kill"
has "$tmp/entry" "MESSAGE=proactive kill: SIGTERM to pid $victim (sleep), RSS $(sed -n 's/^OOMQ_RSS_KB=//p' "$tmp/entry") KiB; SIGKILL in 1000 ms (memory critical)" "journal: the kill"
entry cdfed8686c784bc981ae6f645f2491d6
has "$tmp/entry" "OOMQ_EVENT=killed" "journal: the victim gone"
has "$tmp/entry" "OOMQ_VICTIM_PID=$victim" "journal: the victim gone"
has "$tmp/pre" "OOMQ_EVENT=kill" "pre_kill"
has "$tmp/pre" "OOMQ_PID=$victim" "pre_kill"
has "$tmp/pre" "alive" "pre_kill, while the victim lives"
has "$tmp/post" "OOMQ_EVENT=killed" "post_kill"
has "$tmp/post" "OOMQ_COMM=sleep" "post_kill"
has "$tmp/metrics/oomqd.prom" "# TYPE oomqd_proactive_kills_total counter" \
	"metrics"
promtool=${PROMTOOL:-promtool}
if command -v "$promtool" >/dev/null; then
	n=$((n + 1))
	"$promtool" check metrics <"$tmp/metrics/oomqd.prom" >"$tmp/lint" 2>&1
	if [ $? != 0 ] || [ -s "$tmp/lint" ]; then
		echo "FAIL: promtool check metrics:" >&2
		cat "$tmp/lint" >&2
		failed=$((failed + 1))
	fi
else
	echo "oomqd_events: no promtool: 'promtool check metrics' not run"
fi
[ "$failed" = 0 ] || {
	sed 's/^/  journal: /' "$tmp/journal.txt" >&2
	cat "$tmp/inner.log" >&2
}
echo "oomqd_events: $((n - failed))/$n passed"
[ "$failed" = 0 ]
