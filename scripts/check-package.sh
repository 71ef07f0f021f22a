#!/bin/sh
# make check-package: the Debian packages and make install, end to end.
#
#   1. build oomq-dkms and oomqd with dpkg-buildpackage from a copy of the
#      tree in build/deb/src (it writes to the parent directory), so the
#      checkout stays clean; the .debs end up in build/deb/;
#   2. the man pages against the built programs (scripts/check-man.sh),
#      and lintian on the packages: any error fails (every tag is printed);
#   3. dpkg -i both on this machine, then `dkms build` for Debian's 5.10,
#      6.1, 6.1-rt and 6.12 header trees (the postinst only builds for
#      the running kernel), an untested kernel refused, and the installed
#      files checked; oomq-dkms in the trixie chroot built by its dkms for
#      7.x, and purged there;
#   4. dpkg --purge both and no residue left;
#   5. make install / make uninstall (and install-dkms / uninstall-dkms)
#      into a temporary DESTDIR that must end up empty.
#
# Needs root (dpkg -i).  Installs oomqd and oomq-dkms on this machine and
# purges them again: a copy installed by hand before is purged too.
# Modules are only built here, never loaded.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/deb
kernels=$top/tests/vm/kernels.sh
version=$(sed -n 's/^VERSION := //p' Makefile)
debver=$(sed -n '1s/^oomq (\([^)]*\)).*/\1/p' debian/changelog)

die() {
	echo "check-package: $*" >&2
	exit 1
}
step() {
	echo "check-package: $*"
}

[ "$(id -u)" = 0 ] || die "needs root (dpkg -i)"
[ "${debver%-*}" = "$version" ] ||
	die "debian/changelog is $debver, Makefile's VERSION is $version"

# dh_dkms is in dh-dkms on Debian 12, not in dkms itself.
scripts/install-deps.sh debhelper dh-dkms dkms lintian mandoc

# A leftover of an earlier run that failed half-way.
for p in oomqd oomq-dkms; do
	if dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null |
		grep -qv '^not-installed$'; then
		step "purging the $p left installed"
		dpkg --purge "$p" >/dev/null
	fi
done

step "1. dpkg-buildpackage"
rm -rf "$out"
src=$out/src/oomq-$version
mkdir -p "$src"
# The files git knows (tracked, or new and not ignored), as they are in
# the work tree; a plain copy without build/ outside a git checkout.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# shellcheck disable=SC2016 # the inner sh expands $f
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do
			if [ -e "$f" ] || [ -L "$f" ]; then printf "%s\0" "$f"; fi
		done' sh |
		tar --null -T - -cf - | tar -xf - -C "$src"
else
	tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$src"
fi
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	die "dpkg-buildpackage failed (log: $out/build.log)"
}
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out/"
for f in "$out"/src/*.ddeb; do
	[ ! -e "$f" ] || mv "$f" "$out/"
done
arch=$(dpkg --print-architecture)
dkms_deb=$out/oomq-dkms_${debver}_all.deb
oomqd_deb=$out/oomqd_${debver}_${arch}.deb
changes=$out/oomq_${debver}_${arch}.changes
for f in "$dkms_deb" "$oomqd_deb" "$changes"; do
	[ -f "$f" ] || die "dpkg-buildpackage left no $f"
done
ls -l "$out"/*.deb

scripts/check-man.sh "$src/build"

step "2. lintian"
# As nobody: lintian unpacks what it checks and warns when run as root.
as_nobody=""
if command -v runuser >/dev/null && id nobody >/dev/null 2>&1; then
	as_nobody="runuser -u nobody --"
fi
$as_nobody lintian --fail-on error --display-info --tag-display-limit 0 \
	"$changes" || die "lintian found errors"

# The postinst builds for the running kernel and the newest one, or, in
# a chroot or container whose running kernel has no modules directory,
# for every kernel with headers; `dkms build` then finds it built.
# Kernels with headers on this machine (host) or unpacked under
# build/kernels (5.10: extract) are built here; 7.x in the trixie chroot
# below.
step "3. dpkg -i and dkms build for Debian's 5.10, 6.1, 6.1-rt and 6.12"
kvers=""
for s in 5.10 6.1 6.1-rt 6.12; do
	"$kernels" fetch "$s"
	eval "$("$kernels" info "$s")"
	kvers="$kvers $kver=$kdir"
done
dpkg -i "$dkms_deb" "$oomqd_deb" >"$out/install.log" 2>&1 || {
	cat "$out/install.log" >&2
	die "dpkg -i failed"
}
dpkg-query -W -f='${Depends}\n' oomq-dkms | grep -q 'dkms' ||
	die "oomq-dkms does not depend on dkms"
dkms status -m oomq -v "$version" | grep -q . ||
	die "oomq/$version is not registered with dkms"
# dkms_build ROOT KVER [DKMS ARGS...]: dkms builds oomq for KVER on this
# machine (ROOT empty) or in the chroot at ROOT; $ko is the module.
dkms_build() {
	r=$1 k=$2
	shift 2
	${r:+"$top/scripts/kernel-chroot.sh" run} dkms build "oomq/$version" \
		-k "$k" "$@" >"$out/dkms-$k.log" 2>&1 || {
		cat "$out/dkms-$k.log" >&2
		# dkms writes the kbuild log here.
		cat "$r/var/lib/dkms/oomq/$version/build/make.log" >&2 || true
		die "dkms build failed for $k"
	}
	# 6.12's modules are xz-compressed.
	ko=""
	for f in "$r/var/lib/dkms/oomq/$version/$k/$(uname -m)/module/oomq.ko"*; do
		[ ! -f "$f" ] || ko=$f
	done
	[ -n "$ko" ] || die "dkms build left no oomq.ko for $k"
	modinfo -F vermagic "$ko" | grep -q "^$k " ||
		die "$ko is not built for $k"
}
for kk in $kvers; do
	k=${kk%%=*}
	dkms_build "" "$k" --kernelsourcedir "${kk#*=}"
	# Signed with /var/lib/dkms/mok.key when dkms could make one.
	signer=$(modinfo -F signer "$ko" || true)
	step "dkms built oomq/$version for $k: $ko (signer: ${signer:-none})"
done
dkms status -m oomq -v "$version"

# An untested kernel: refused by BUILD_EXCLUSIVE_KERNEL, with a message,
# and dkms's "skipped" status 77 (its postinst goes on).
k=7.99.0-untested-amd64
kk=${kvers##* }
rc=0
dkms build "oomq/$version" -k "$k" --kernelsourcedir "${kk#*=}" \
	>"$out/dkms-$k.log" 2>&1 || rc=$?
if [ $rc != 77 ] || ! grep -q BUILD_EXCLUSIVE "$out/dkms-$k.log"; then
	cat "$out/dkms-$k.log" >&2
	die "dkms build for $k: exit $rc, want 77 and BUILD_EXCLUSIVE"
fi
step "dkms refuses the untested $k: $(grep -m 1 BUILD_EXCLUSIVE "$out/dkms-$k.log")"

# 7.x: its kbuild needs trixie's gcc-14 and glibc, so the package goes
# into the trixie chroot (scripts/kernel-chroot.sh) with trixie's dkms,
# as on a trixie machine with the backports kernel, and out again.
step "3b. dpkg -i and dkms build for Debian's 7.x in the trixie chroot"
chroot=$top/scripts/kernel-chroot.sh
"$kernels" fetch 7
eval "$("$kernels" info 7)"
root=$("$chroot" path)
"$chroot" apt install -y -qq --no-install-recommends dkms \
	>"$out/chroot-dkms.log" 2>&1 || {
	cat "$out/chroot-dkms.log" >&2
	die "cannot install dkms in the chroot"
}
cp "$dkms_deb" "$root/tmp/"
"$chroot" run dpkg -i "/tmp/${dkms_deb##*/}" >"$out/chroot-install.log" 2>&1 || {
	cat "$out/chroot-install.log" >&2
	die "dpkg -i oomq-dkms failed in the chroot"
}
dkms_build "$root" "$kver"
step "dkms built oomq/$version for $kver in the chroot: ${ko#"$root"}"
"$chroot" run dpkg --purge oomq-dkms >"$out/chroot-purge.log" 2>&1 || {
	cat "$out/chroot-purge.log" >&2
	die "dpkg --purge oomq-dkms failed in the chroot"
}
rm -f "$root/tmp/${dkms_deb##*/}"
[ ! -e "$root/usr/src/oomq-$version" ] && [ ! -e "$root/var/lib/dkms/oomq" ] ||
	die "oomq left in the chroot after purge"

for f in /usr/sbin/oomqd /usr/sbin/oomqctl /etc/oomqd.conf \
	/lib/systemd/system/oomqd.service /etc/init.d/oomqd \
	/usr/lib/modules-load.d/oomq.conf /usr/share/man/man4/oomq.4.gz \
	/usr/share/man/man8/oomqd.8.gz /usr/share/man/man8/oomqctl.8.gz \
	"/usr/src/oomq-$version/dkms.conf"; do
	[ -e "$f" ] || die "$f is not installed"
done
dpkg-query -W -f='${Conffiles}\n' oomqd | grep -q ' /etc/oomqd.conf ' ||
	die "/etc/oomqd.conf is not a conffile"
/usr/sbin/oomqd --version | grep -qx "oomqd $version" ||
	die "oomqd --version is not $version"
/usr/sbin/oomqd --check /etc/oomqd.conf >/dev/null ||
	die "the installed /etc/oomqd.conf does not pass oomqd --check"
if [ -e /run/systemd/system ] || command -v systemd-analyze >/dev/null; then
	systemd-analyze verify /lib/systemd/system/oomqd.service ||
		die "systemd-analyze verify failed on oomqd.service"
fi
# The init script under busybox, as on an embedded image.  The module is
# not loadable here; oomqd runs without it.
bb=$(command -v busybox || true)
if [ -n "$bb" ]; then
	"$bb" sh /etc/init.d/oomqd start
	sleep 1
	"$bb" sh /etc/init.d/oomqd status
	"$bb" sh /etc/init.d/oomqd stop
	if "$bb" sh /etc/init.d/oomqd status >/dev/null; then
		die "init script: oomqd still running after stop"
	fi
fi

step "4. dpkg --purge and no residue"
dpkg --purge oomqd oomq-dkms >"$out/purge.log" 2>&1 || {
	cat "$out/purge.log" >&2
	die "dpkg --purge failed"
}
residue=""
for f in /usr/src/oomq-* /var/lib/dkms/oomq /etc/oomqd.conf \
	/lib/systemd/system/oomqd.service /usr/lib/systemd/system/oomqd.service \
	/etc/systemd/system/*/oomqd.service /etc/init.d/oomqd /etc/rc?.d/*oomqd \
	/usr/lib/modules-load.d/oomq.conf /usr/sbin/oomqd /usr/sbin/oomqctl \
	/usr/share/doc/oomqd /usr/share/doc/oomq-dkms /var/log/oomqd.log \
	/run/oomqd.pid /lib/modules/*/updates/dkms/oomq.ko; do
	if [ -e "$f" ] || [ -L "$f" ]; then
		residue="$residue $f"
	fi
done
[ -z "$residue" ] || die "left after purge:$residue"
if dpkg-query -W oomqd oomq-dkms >/dev/null 2>&1; then
	die "dpkg still knows oomqd or oomq-dkms"
fi

step "5. make install / uninstall round trips"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
for vars in "" "PREFIX=/usr UNITDIR=/lib/systemd/system"; do
	# shellcheck disable=SC2086
	make -s --no-print-directory install install-dkms DESTDIR="$d" \
		$vars >/dev/null
	for f in etc/init.d/oomqd etc/oomqd.conf \
		"usr/src/oomq-$version/dkms.conf"; do
		[ -f "$d/$f" ] || die "make install $vars: no $f"
	done
	# shellcheck disable=SC2086
	make -s --no-print-directory uninstall uninstall-dkms DESTDIR="$d" \
		$vars >/dev/null
	left=$(find "$d" -mindepth 1)
	[ -z "$left" ] || die "make uninstall $vars left: $left"
done

step "all passed"
