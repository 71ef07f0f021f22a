#!/bin/sh
# Boot one Debian kernel under QEMU (TCG) with the oomq initramfs, run every
# guest case in that one boot, and report.
#
#   run.sh SERIES RUNNER [OOMQCTL [OOMQD]]	SERIES is 6.1 or 6.12
#
# VM_KERNEL_IMAGE (a bzImage) and VM_KDIR (the kernel build tree to build
# the module against) boot a kernel of your own instead of Debian's
# (make check-debug's); SERIES is then only a label.
#
# Environment: VM_MEM (MiB, default 384), VM_TIMEOUT (s, default 600),
# VM_CASES (comma-separated case names, default all), VM_APPEND (extra
# kernel arguments), VM_SRC (tree to build the module from, default this
# one: point it at a deliberately broken copy to see the bench catch it),
# VM_OOMQD_CONF (oomqd's config for the agent_* cases, default
# tests/vm/oomqd-vmtest.conf).
#
# Prints the guest's per-case lines and ends with "N passed, N failed,
# N skipped"; exits non-zero if any case failed, the guest never printed
# its summary, or the kernel log holds a splat.
set -eu

series=$1
runner=$2
oomqctl=${3:-}
oomqd=${4:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
vmdir=${VM_BUILD:-$top/build/vm}

if [ -n "${VM_KERNEL_IMAGE:-}" ]; then
	kdir=${VM_KDIR:?VM_KDIR: the build tree of VM_KERNEL_IMAGE}
	kver=$(cat "$kdir/include/config/kernel.release")
	image=$VM_KERNEL_IMAGE
else
	kver=$("$top/tests/vm/kernels.sh" resolve "$series")
	"$top/tests/vm/kernels.sh" fetch "$kver"
	kdir=/lib/modules/$kver/build
	image=$vmdir/kernels/$kver/vmlinuz
fi
work=$vmdir/$kver
mkdir -p "$work"

# Out-of-tree builds for two kernels in one source directory collide, so
# each kernel gets its own copy of the sources.
# Host-side cases, merged into the verdict by parse-log.sh.
hostcases=$work/host-cases
: >"$hostcases"
host_case() {
	printf 'vm-case kernel=%s case=%s result=%s detail="%s"\n' \
		"$kver" "$1" "$2" "$3" >>"$hostcases"
}

module=-
src=$work/src
rm -rf "$src"
mkdir -p "$src"
msrc=${VM_SRC:-$top}
cp -R "$msrc/Kbuild" "$msrc/module" "$msrc/include" "$src/"
if make -s -C "$kdir" M="$src" modules \
	>"$work/module-build.log" 2>&1; then
	module=$src/module/oomq.ko
	host_case module_build pass "built against $kdir"
else
	# The guest still runs the cases that need no module.
	host_case module_build fail "does not build: $work/module-build.log"
	tail -n 20 "$work/module-build.log" >&2
fi

[ -n "$oomqctl" ] && [ -x "$oomqctl" ] || oomqctl=-
# Without oomqd in the image the agent_* cases fail and say so.
[ -n "$oomqd" ] && [ -x "$oomqd" ] || oomqd=-
"$top/tests/vm/mkinitramfs.sh" "$work/initramfs.cpio.gz" "$runner" \
	"$module" "$oomqctl" "$oomqd" \
	"${VM_OOMQD_CONF:-$top/tests/vm/oomqd-vmtest.conf}"

log=$vmdir/$kver.log
append="console=ttyS0 panic_on_warn=1 oops=panic panic=-1 slab_nomerge"
# Unthrottled /dev/kmsg: the runner prints its results through it so they
# never interleave mid-line with kernel messages on the console.
append="$append printk.devkmsg=on mitigations=off"
append="$append vmtest.cases=${VM_CASES:-all} ${VM_APPEND:-}"

echo "vm: booting $kver (log: $log)" >&2
start=$(date +%s)
rc=0
timeout -k 5 "${VM_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg,thread=single -smp 2 \
	-m "${VM_MEM:-384}M" -nodefaults -display none -no-reboot \
	-serial stdio -kernel "$image" \
	-initrd "$work/initramfs.cpio.gz" -append "$append" \
	</dev/null >"$log" 2>&1 || rc=$?
elapsed=$(($(date +%s) - start))
echo "vm: $kver: qemu exited with status $rc after $elapsed s" >&2
case $rc in
0) ;;
124 | 137) host_case qemu fail "timed out after $elapsed s (VM_TIMEOUT)" ;;
*) host_case qemu fail "exited with status $rc" ;;
esac

exec "$top/tests/vm/parse-log.sh" "$kver" "$log" "$hostcases"
