#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# notify_screenshot.sh NOTIFY_POST OOMQD OUTDIR: a pause and a kill
# notified the production way, and photographed.
#
# In a private mount namespace (a tmpfs on /run), a logind session is
# faked the way sd-login reads it (/run/systemd/sessions/ID: UID, TYPE,
# ACTIVE), for an unprivileged user whose session bus (dbus-daemon) is
# at /run/user/UID/bus with dunst on it, drawing on an Xvfb display.
# The kill is oomqd's own: a proactive kill of a process of ours, on a
# fake /proc that says memory is critical (as oomqd_events.sh does).
# The pause is posted by notify_post through the same helper (a real
# pause needs a build job under real pressure).  The helper finds the
# user through sd-login, becomes it and calls Notify.  Then
# OUTDIR/notify-pause.png and OUTDIR/notify-kill.png are `import
# -window root` of the display.  Skipped (77) without root or the tools.
set -eu
post=$(realpath "$1")
oomqd=$(realpath "$2")
mkdir -p "$3"
out=$(realpath "$3")

if [ "$(id -u)" != 0 ]; then
	echo "notify_screenshot: skipped: needs root (unshare -m, setresuid)"
	exit 77
fi
for t in Xvfb dunst dunstctl dbus-daemon import unshare setpriv; do
	command -v $t >/dev/null || {
		echo "notify_screenshot: skipped: no $t"
		exit 77
	}
done

user=nobody
uid=$(id -u $user)
gid=$(id -g $user)
disp=:${NOTIFY_DISPLAY:-97}
exec unshare -m --propagation private sh -eu -c '
post=$1 oomqd=$2 out=$3 uid=$4 gid=$5 disp=$6
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/systemd/sessions /run/user/$uid
chown $uid:$gid /run/user/$uid
chmod 0700 /run/user/$uid
printf "UID=%s\nUSER=nobody\nACTIVE=1\nSTATE=active\nTYPE=x11\nCLASS=user\n" \
	$uid >/run/systemd/sessions/c1
as_user() {
	setpriv --reuid=$uid --regid=$gid --clear-groups env HOME=/tmp \
		XDG_RUNTIME_DIR=/run/user/$uid DISPLAY=$disp \
		DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$uid/bus "$@"
}
pids=
cleanup() { kill $pids 2>/dev/null || :; }
trap cleanup EXIT
Xvfb $disp -screen 0 800x200x24 -ac -nolisten tcp >/dev/null 2>&1 &
pids="$pids $!"
as_user dbus-daemon --session --address=unix:path=/run/user/$uid/bus \
	--nofork --nopidfile >/dev/null 2>&1 &
pids="$pids $!"
sleep 1
as_user dunst -config /dev/null >/dev/null 2>&1 &
pids="$pids $!"
sleep 1
# The notification must be on screen, not merely sent.
shot() {
	sleep 1
	n=$(as_user dunstctl count displayed)
	if [ "$n" != 1 ]; then
		echo "notify_screenshot: $1: $n notifications shown, not 1" >&2
		exit 1
	fi
	DISPLAY=$disp import -window root "$out/$1"
	as_user dunstctl close-all
	echo "notify_screenshot: $out/$1"
}
# The daemon itself: no $OOMQD_NOTIFY_ADDRESS, logind finds the user.
unset OOMQD_NOTIFY_ADDRESS DBUS_SESSION_BUS_ADDRESS
"$post" pause make 4711 2411724 6
shot notify-pause.png
# SIGTERM ignored, so only the SIGKILL after kill_grace_ms ends it.
sh -c "trap \"\" TERM; exec sleep 60" &
victim=$!
fake=$(mktemp -d)
ln -s /proc/$victim $fake/$victim
printf "%s\n" "MemTotal: 16000000 kB" "MemFree: 100000 kB" \
	"MemAvailable: 100000 kB" "SwapTotal: 0 kB" "SwapFree: 0 kB" \
	>$fake/meminfo
echo "1000.00 2000.00" >$fake/uptime
printf "[thresholds]\nkill = on\nkill_grace_ms = 500\npsi_some_pct = 0\npsi_full_pct = 0\n" \
	>$fake/oomqd.conf
timeout -s TERM 3 "$oomqd" --config $fake/oomqd.conf --proc-root $fake \
	>$out/oomqd.log 2>&1 || :
kill -KILL $victim 2>/dev/null || :
rm -rf $fake
grep -q "proactive kill: SIGTERM to pid $victim" $out/oomqd.log
shot notify-kill.png
' sh "$post" "$oomqd" "$out" "$uid" "$gid" "$disp"
