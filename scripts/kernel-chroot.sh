#!/bin/sh
# A Debian trixie chroot under build/chroot/trixie for building the module
# against kernels whose kbuild tools (fixdep, modpost) need a newer glibc
# and whose Makefiles want gcc-14: trixie's 6.12 (+deb13) and the 7.x of
# trixie-backports, for amd64 and (cross) arm64.  Made once per machine
# with debootstrap; kernel headers are installed into it with its own apt
# (trixie, trixie-security, trixie-backports), as a trixie user would.
#
#   scripts/kernel-chroot.sh path           make it if needed, print its root
#   scripts/kernel-chroot.sh run CMD...     CMD inside it (cwd /), as root
#   scripts/kernel-chroot.sh apt ARGS...    apt-get ARGS inside it
#
# Needs root (debootstrap, chroot, unshare).  A command gets /proc in a
# mount namespace of its own (unshare): it goes with the command, even a
# killed one, and nothing is ever mounted in the machine's namespace.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/retry.sh"
suite=trixie
root=${KCHROOT_DIR:-$top/build/chroot/$suite}
stamp=$root/.oomq-chroot
# What kbuild needs (perl: W=1 runs kernel-doc), and the arm64 cross
# compiler.  A chroot made with an older list gets the rest installed.
packages="make gcc libc6-dev perl gcc-aarch64-linux-gnu libc6-dev-arm64-cross kmod xz-utils zstd ca-certificates"

die() {
	echo "kernel-chroot: $*" >&2
	exit 1
}

make_chroot() {
	[ "$(id -u)" = 0 ] || die "needs root (debootstrap)"
	command -v debootstrap >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
			install -y -qq --no-install-recommends debootstrap >&2
	uri=$("$top/scripts/kernel-apt.sh" uri)
	echo "kernel-chroot: debootstrap $suite into $root (once per machine)" >&2
	# A /proc that an older in_chroot() mounted and never unmounted (its
	# run killed): rm would walk into it.
	while mountpoint -q "$root/proc" 2>/dev/null; do
		umount "$root/proc" || die "cannot unmount $root/proc"
	done
	rm -rf "$root"
	mkdir -p "$root"
	debootstrap --variant=minbase --include="$(echo $packages | tr ' ' ,)" \
		"$suite" "$root" \
		"$uri" >"$root.log" 2>&1 || {
		tail -n 20 "$root.log" >&2
		die "debootstrap failed (log: $root.log)"
	}
	sec=${uri%/debian}/debian-security
	cat >"$root/etc/apt/sources.list" <<SOURCES
deb $uri $suite main
deb $sec $suite-security main
deb $uri $suite-backports main
SOURCES
	rm -f "$root/etc/apt/sources.list.d/"*
	echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/99oomq"
	in_chroot dpkg --add-architecture arm64
	retry in_chroot apt-get -qq update ||
		echo "kernel-chroot: going on with the lists that came" >&2
	echo "$packages" >"$stamp"
}

# /proc mounted here and unmounted after left it mounted when the run
# was killed (a CI run cut short): the next rm -rf of build/ failed on it.
in_chroot() {
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		unshare --mount-proc="$root/proc" chroot "$root" "$@"
}

[ -f "$stamp" ] || make_chroot
if [ "$(cat "$stamp")" != "$packages" ]; then
	# shellcheck disable=SC2086
	in_chroot apt-get install -y -qq --no-install-recommends $packages >&2
	echo "$packages" >"$stamp"
fi
case "${1:-}" in
path) echo "$root" ;;
run)
	shift
	# objtool reads /proc/self/limits.
	in_chroot "$@"
	;;
apt)
	shift
	# Kernel headers bring the image (6.12) and its initramfs, which
	# nothing here boots: update-initramfs is diverted to true.
	if [ ! -L "$root/usr/sbin/update-initramfs" ]; then
		in_chroot dpkg-divert --local --rename \
			--add /usr/sbin/update-initramfs >&2
		ln -s /bin/true "$root/usr/sbin/update-initramfs"
	fi
	# A day-old list may name headers the archive no longer has.
	if [ -n "$(find "$stamp" -mmin +1440)" ]; then
		retry in_chroot apt-get -qq update >&2 && touch "$stamp"
	fi
	# An install cut short (a killed CI run) leaves dpkg half done, and
	# apt refuses everything until it is finished.
	in_chroot dpkg --configure -a >&2
	in_chroot apt-get -o APT::Sandbox::User=root "$@"
	;;
*) die "usage: kernel-chroot.sh path | run CMD... | apt ARGS..." ;;
esac
