#!/bin/sh
# Build what the scenario guest boots, under OUT (build/scenario):
#   OUT/rootfs/        debootstrap'ed minimal Debian bookworm with earlyoom,
#                      nohang, busybox and procps (cached: minutes to make)
#   OUT/disk.img       ext4 made from it by mke2fs -d (no root tools on
#                      the image, no loop mount), plus /scenario: scn (PID 1
#                      links it under each role's name of the run), oomq.ko,
#                      static oomqd and its configs (conf/oomqd.conf as
#                      shipped, conf/oomqd-NAME.conf with the knobs of
#                      oomqd/NAME.conf set), zram and its compressors from
#                      the kernel package, the file working set
#   OUT/initramfs.gz   static busybox and the modules the 6.12 kernel
#                      needs to mount the disk (ext4, virtio_blk)
#   OUT/commit.json    what the guest runs was built from: the last commit
#                      that changed it (git describe, hash), whether the
#                      tree differs there (and a hash of how), HEAD,
#                      hashes of oomqd and oomq.ko, the guest
#
#   build.sh OUT KVER OOMQ_KO OOMQD
#
# SCENARIO_GUEST=systemd builds the systemd guest instead (scenario.mk
# puts it in build/scenario/systemd): the same with Debian's systemd as
# PID 1, systemd-oomd (its package's defaults, which are Fedora's and
# Ubuntu's), dbus and the user session's PAM and D-Bus pieces; /scenario/
# init is systemd, which starts bench/scenario/systemd/scenario.service.
set -eu

out=$1 kver=$2 ko=$3 oomqd=$4
guest=${SCENARIO_GUEST:-busybox}
case $guest in
busybox) pkgs=earlyoom,nohang,busybox,procps ;;
systemd)
	pkgs=earlyoom,nohang,busybox,procps,systemd,systemd-sysv,systemd-oomd
	pkgs=$pkgs,dbus,dbus-user-session,libpam-systemd
	;;
*)
	echo "scenario: unknown guest '$guest' (busybox, systemd)" >&2
	exit 1
	;;
esac
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/bench/scenario
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The mirror apt uses on this machine.
mirror=$(sed -n 's/^URIs: *\([^ ]*debian\)$/\1/p' \
	/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' \
	/etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

if [ ! -d "$out/rootfs" ]; then
	command -v debootstrap >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
	echo "scenario: debootstrap bookworm from $mirror (a few minutes)" >&2
	rm -rf "$out/rootfs.tmp"
	debootstrap --variant=minbase --include="$pkgs" \
		bookworm "$out/rootfs.tmp" "$mirror" >"$out/debootstrap.log" 2>&1 || {
		tail -n 20 "$out/debootstrap.log" >&2
		exit 1
	}
	rm -rf "$out/rootfs.tmp/var/cache/apt/archives"/*.deb
	mv "$out/rootfs.tmp" "$out/rootfs"
fi

# The systemd guest: systemd-oomd as Debian ships it, the session's
# user, no contender unless a run starts it, nothing timed to wake up
# during the load, and the unit that starts the load.
systemd_guest() {
	r=$1
	# Debian's systemd-oomd package ships the defaults Fedora (its
	# systemd-oomd-defaults, https://fedoraproject.org/wiki/Changes/
	# EnableSystemdOomd: "ManagedOOMMemoryPressure=kill and
	# ManagedOOMMemoryPressureLimit=50% on user@.service ... exceeds 50%
	# for 20 seconds", and swap kills from the root slice) and Ubuntu
	# (since 22.04) enable: the same three files.  SwapUsedLimit stays
	# oomd's compiled-in 90%.  The bench measures these, so check them.
	d=$r/usr/lib/systemd
	u=$d/system/user@.service.d/10-oomd-user-service-defaults.conf
	for f in "$d/system/-.slice.d/10-oomd-root-slice-defaults.conf \
ManagedOOMSwap=kill" "$u ManagedOOMMemoryPressure=kill" \
		"$u ManagedOOMMemoryPressureLimit=50%" \
		"$d/oomd.conf.d/10-oomd-defaults.conf \
DefaultMemoryPressureDurationSec=20s"; do
		grep -qx "${f#* }" "${f%% *}" || {
			echo "scenario: not in ${f%% *}: ${f#* }" >&2
			exit 1
		}
	done
	if grep -v -e '^#' -e '^$' -e '^\[OOM\]$' "$r/etc/systemd/oomd.conf" |
		grep -q .; then
		echo "scenario: $r/etc/systemd/oomd.conf is changed" >&2
		exit 1
	fi
	grep -q '^user:' "$r/etc/passwd" ||
		chroot "$r" useradd -m -u 1000 -U -s /bin/sh user
	systemctl --root="$r" disable --quiet earlyoom.service \
		nohang.service nohang-desktop.service systemd-oomd.service \
		systemd-oomd.socket apt-daily.timer apt-daily-upgrade.timer \
		dpkg-db-backup.timer e2scrub_all.timer fstrim.timer \
		e2scrub_reap.service 2>/dev/null
	# No console login competes with the load for ttyS0.
	systemctl --root="$r" mask --quiet serial-getty@ttyS0.service \
		getty@tty1.service
	# oomqd's unit as shipped (systemd/start points it at the config).
	install -m 644 "$here/systemd/scenario.service" \
		"$top/dist/systemd/oomqd.service" "$r/etc/systemd/system/"
	systemctl --root="$r" enable --quiet scenario.service
}
[ "$guest" = busybox ] || systemd_guest "$out/rootfs"

# /scenario inside the image.
s=$out/rootfs/scenario
rm -rf "$s"
mkdir -p "$s/bin" "$s/conf" "$s/modules"
gcc -static -O2 -Wall -Wextra -o "$s/bin/scn" "$here/scn.c"
if [ "$guest" = systemd ]; then
	ln -s /lib/systemd/systemd "$s/init"
	install -m 755 "$here/systemd/start" "$s/start"
else
	install -m 755 "$here/guest-init" "$s/init"
fi
install -m 755 "$here/guest-swap" "$here/finish" "$s/"
strip --strip-debug -o "$s/oomq.ko" "$ko"
install -m 755 "$oomqd" "$s/oomqd"
# The contender "oomqd" runs the shipped config, unchanged.
cp "$top/agent/oomqd.conf" "$s/conf/oomqd.conf"
for f in "$here"/oomqd/*.conf; do
	[ -f "$f" ] || continue
	c=$s/conf/oomqd-$(basename "$f")
	"$here/conf-merge.py" "$top/agent/oomqd.conf" "$f" >"$c"
	"$oomqd" --check "$c" >/dev/null || {
		echo "scenario: $f makes a config oomqd refuses" >&2
		exit 1
	}
done

# The kernel package: modules for the initramfs and for zram.
deb=
for f in "${VM_BUILD:-$top/build/vm}/debs/linux-image-$kver-unsigned_"*.deb; do
	[ -f "$f" ] && deb=$f
done
[ -n "$deb" ] || { echo "scenario: no .deb for $kver" >&2; exit 1; }
# zram for the zram variant (a module in Debian's 6.12, lz4 by default).
zr=$out/zram.d
rm -rf "$zr"
mkdir -p "$zr"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$zr" --wildcards \
	'*/zram.ko.xz' '*/lz4_compress.ko.xz' '*/lz4hc_compress.ko.xz'
find "$zr" -name '*.ko.xz' | while read -r f; do
	xz -dc "$f" >"$s/modules/$(basename "$f" .xz)"
done
rm -rf "$zr"
[ -f "$s/modules/zram.ko" ] || {
	echo "scenario: no zram.ko in $deb" >&2
	exit 1
}

# Incompressible, so ext4 stores every block: 256 MiB the workers read
# through (scn.ws_mib of it), 1 MiB the heartbeat reads from.
[ "$(stat -c %s "$out/ws.dat" 2>/dev/null)" = 268435456 ] ||
	head -c 256M /dev/urandom >"$out/ws.dat"
[ -f "$out/hb.dat" ] || head -c 1M /dev/urandom >"$out/hb.dat"
cp "$out/ws.dat" "$out/hb.dat" "$s/"

rm -f "$out/disk.img.tmp"
mke2fs -q -t ext4 -L scenario -d "$out/rootfs" "$out/disk.img.tmp" 1G
mv "$out/disk.img.tmp" "$out/disk.img"

# The initramfs: busybox, the modules, initramfs-init.
ir=$out/initramfs.d
rm -rf "$ir"
mkdir -p "$ir/bin" "$ir/lib" "$ir/proc" "$ir/sys" "$ir/dev" "$ir/x"
cp /bin/busybox "$ir/bin/busybox"
for a in sh mount umount insmod sleep mkdir switch_root poweroff echo; do
	ln -s busybox "$ir/bin/$a"
done
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$ir/x" --wildcards \
	'*/crc16.ko.xz' '*/mbcache.ko.xz' '*/jbd2.ko.xz' \
	'*/crc32c_generic.ko.xz' '*/ext4.ko.xz' '*/virtio_blk.ko.xz'
find "$ir/x" -name '*.ko.xz' | while read -r f; do
	xz -dc "$f" >"$ir/lib/$(basename "$f" .xz)"
done
rm -rf "$ir/x"
install -m 755 "$here/initramfs-init" "$ir/init"
(cd "$ir" && find . -print0 | sort -z |
	cpio --null --create --format=newc --owner=0:0 --quiet) |
	gzip -1 >"$out/initramfs.gz"
rm -rf "$ir"
# What the guest's oomqd and module were built from (run.sh stamps every
# run with it; report.py never mixes two in a table): the last commit that
# changed what goes into the guest (the daemon, the module, the headers
# and libraries they share, their build, the guest's scenario), not HEAD,
# so a commit to the README or the report does not make the store's runs
# another build's; plus whether those paths differ from it, and a hash of
# how. (run.sh's variants and contender arguments are in every run's
# record, and a different load is a different table.)
desc=unknown sha=unknown head=unknown dirty=0 changes=
b=bench/scenario
paths="agent module include lib Makefile scripts/kbuild.sh $b/scn.c
	$b/guest-init $b/guest-swap $b/initramfs-init $b/finish $b/build.sh
	$b/boot.sh $b/conf-merge.py $b/oomqd"
[ "$guest" = busybox ] || paths="$paths $b/systemd dist/systemd/oomqd.service"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	head=$(git -C "$top" describe --always --dirty --abbrev=12)
	# shellcheck disable=SC2086 # one argument per path
	sha=$(git -C "$top" log -1 --format=%H -- $paths)
	desc=$(git -C "$top" describe --always --abbrev=12 "$sha")
	# shellcheck disable=SC2086
	if [ -n "$(git -C "$top" status --porcelain -- $paths)" ]; then
		dirty=1 desc=$desc-dirty
		changes=$({
			git -C "$top" diff HEAD -- $paths
			git -C "$top" ls-files -z -o --exclude-standard -- $paths |
				(cd "$top" && xargs -0r cat)
		} | sha1sum | cut -c1-12)
	fi
fi
hash() {
	sha256sum "$1" | cut -c1-16
}
cat >"$out/commit.json" <<EOF
{"describe": "$desc", "commit": "$sha", "head": "$head", "dirty": $dirty,
 "changes": "$changes", "oomqd_sha256": "$(hash "$oomqd")",
 "oomq_ko_sha256": "$(hash "$ko")", "kernel": "$kver", "guest": "$guest",
 "built": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"}
EOF
echo "scenario: $out/disk.img and $out/initramfs.gz ready" \
	"($guest guest, $desc)" >&2
