#!/bin/sh
# Build the guest initramfs: static busybox with its applet links, /init,
# the test runner, and (when given) the module, oomqctl, oomqd with its
# config (as /etc/oomqd-vmtest.conf) and the test-only genl_block module.
#
#   mkinitramfs.sh OUT.cpio.gz RUNNER [MODULE.ko|-] [OOMQCTL|-] [OOMQD|-]
#		[OOMQD_CONF|-] [GENL_BLOCK.ko|-]
#
# VM_INIT names another /init (make demo's tests/vm/demo-init),
# VM_BUSYBOX another busybox (default /bin/busybox); VM_ZRAM_MODULES a
# directory of the kernel's zram modules, put in /lib/modules/zram
# (agent_zram).
set -eu

out=$1
runner=$2
module=${3:--}
oomqctl=${4:--}
oomqd=${5:--}
oomqd_conf=${6:--}
genl_block=${7:--}
here=$(cd "$(dirname "$0")" && pwd)

root=$out.d
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
	"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" \
	"$root/lib/modules" "$root/etc"

# VM_BUSYBOX: the guest architecture's static busybox.  The applet list
# is this machine's (the same Debian busybox, so the same applets).
cp "${VM_BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
for applet in $(/bin/busybox --list-full); do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
cp "${VM_INIT:-$here/init}" "$root/init"
cp "$runner" "$root/bin/oomq-vmtest"
# Debug info only makes the image bigger; the guest never reads it.
if [ "$module" != - ]; then
	"${VM_STRIP:-strip}" --strip-debug -o "$root/lib/modules/oomq.ko" "$module"
fi
if [ -n "${VM_ZRAM_MODULES:-}" ] && [ -d "$VM_ZRAM_MODULES" ]; then
	mkdir -p "$root/lib/modules/zram"
	cp "$VM_ZRAM_MODULES"/*.ko "$root/lib/modules/zram/" 2>/dev/null || :
fi
[ "$oomqctl" = - ] || cp "$oomqctl" "$root/bin/oomqctl"
[ "$oomqd" = - ] || "${VM_STRIP:-strip}" -o "$root/bin/oomqd" "$oomqd"
[ "$oomqd_conf" = - ] || cp "$oomqd_conf" "$root/etc/oomqd-vmtest.conf"
[ "$genl_block" = - ] ||
	"${VM_STRIP:-strip}" --strip-debug -o "$root/lib/modules/oomq_genl_block.ko" "$genl_block"
chmod 755 "$root/init" "$root/bin/oomq-vmtest"

(cd "$root" && find . -print0 | sort -z |
	cpio --null --create --format=newc --owner=0:0 --quiet) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$root"
