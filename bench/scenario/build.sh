#!/bin/sh
# Build what the scenario guest boots, under OUT (build/scenario):
#   OUT/rootfs/        debootstrap'ed minimal Debian bookworm with earlyoom,
#                      nohang, busybox and procps (cached: minutes to make)
#   OUT/disk.img       ext4 made from it by mke2fs -d (no root tools on
#                      the image, no loop mount), plus /scenario: scn and
#                      its role symlinks, oomq.ko, static oomqd and its
#                      configs, the file working set
#   OUT/initramfs.gz   static busybox and the modules the 6.12 kernel
#                      needs to mount the disk (ext4, virtio_blk)
#
#   build.sh OUT KVER OOMQ_KO OOMQD
set -eu

out=$1 kver=$2 ko=$3 oomqd=$4
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
	debootstrap --variant=minbase \
		--include=earlyoom,nohang,busybox,procps \
		bookworm "$out/rootfs.tmp" "$mirror" >"$out/debootstrap.log" 2>&1 || {
		tail -n 20 "$out/debootstrap.log" >&2
		exit 1
	}
	rm -rf "$out/rootfs.tmp/var/cache/apt/archives"/*.deb
	mv "$out/rootfs.tmp" "$out/rootfs"
fi

# /scenario inside the image.
s=$out/rootfs/scenario
rm -rf "$s"
mkdir -p "$s/bin"
gcc -static -O2 -Wall -Wextra -o "$s/bin/scn" "$here/scn.c"
for r in kdeinit ksmserver kwin terminal make sh doctool heartbeat; do
	ln -s scn "$s/bin/$r"
done
install -m 755 "$here/guest-init" "$s/init"
install -m 755 "$here/finish" "$s/finish"
strip --strip-debug -o "$s/oomq.ko" "$ko"
install -m 755 "$oomqd" "$s/oomqd"
cp "$top/agent/oomqd.conf" "$s/oomqd.conf"
sed 's/^kill = off/kill = on/' "$top/agent/oomqd.conf" >"$s/oomqd-kill.conf"
grep -q '^kill = on' "$s/oomqd-kill.conf"
# Pausing on (at 25 % MemAvailable), and the scenario's doc tool named
# with the compilers in the builds rule, as a user whose build runs one
# would.
sed -e "s/^pause_pct = 0/pause_pct = ${SCENARIO_PAUSE_PCT:-25}/" \
	-e 's/^match_comm = ^(cc1|/match_comm = ^(doctool|cc1|/' \
	"$top/agent/oomqd.conf" >"$s/oomqd-pause.conf"
grep -q '^pause_pct = [1-9]' "$s/oomqd-pause.conf"
grep -q '(doctool|cc1|' "$s/oomqd-pause.conf"
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
deb=
for f in "$top/build/vm/debs/linux-image-$kver-unsigned_"*.deb; do
	[ -f "$f" ] && deb=$f
done
[ -n "$deb" ] || { echo "scenario: no .deb for $kver" >&2; exit 1; }
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
echo "scenario: $out/disk.img and $out/initramfs.gz ready" >&2
