#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# notify_screenshot.sh NOTIFY_POST OUTDIR: a pause and a kill notified
# the production way, and photographed.
#
# In a private mount namespace (a tmpfs on /run), a logind session is
# faked the way sd-login reads it (/run/systemd/sessions/ID: UID, TYPE,
# ACTIVE), for an unprivileged user whose session bus (dbus-daemon) is
# at /run/user/UID/bus with dunst on it, drawing on an Xvfb display.
# notify_post posts through the helper as the daemon does; the helper
# finds the user through sd-login, becomes it and calls Notify.  Then
# OUTDIR/notify-pause.png and OUTDIR/notify-kill.png are `import
# -window root` of the display.  Skipped (77) without root or the tools.
set -eu
post=$(realpath "$1")
out=$(realpath "$2")

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
mkdir -p "$out"
exec unshare -m --propagation private sh -eu -c '
post=$1 out=$2 uid=$3 gid=$4 disp=$5
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
"$post" kill chromium 4242 1258291
shot notify-kill.png
' sh "$post" "$out" "$uid" "$gid" "$disp"
