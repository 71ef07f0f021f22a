#!/bin/sh
# make demo: boot Debian's 6.12 kernel under QEMU with oomq and show one
# real OOM without the module (the kernel kills the biggest process) and
# one with it (the process queued in /proc/oom dies instead).
#
#   demo.sh RUNNER OOMQCTL      (the static test runner and oomqctl)
#
# Environment: DEMO_SERIES (6.12 or 6.1), VM_BUILD (build/vm).
# Prints the guest's "demo:" lines as they come; exits 0 when the queued
# process died and the other one lived.
set -eu

runner=$1
oomqctl=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
vmdir=${VM_BUILD:-$top/build/vm}
series=${DEMO_SERIES:-6.12}

kver=$("$top/tests/vm/kernels.sh" resolve "$series")
"$top/tests/vm/kernels.sh" fetch "$kver" >&2
work=$vmdir/demo-$kver
mkdir -p "$work"
echo "demo: building oomq.ko for $kver" >&2
"$top/scripts/kbuild.sh" "$kver" "$work/kbuild"
VM_INIT=$top/tests/vm/demo-init "$top/tests/vm/mkinitramfs.sh" \
	"$work/initramfs.cpio.gz" "$runner" "$work/kbuild/module/oomq.ko" \
	"$oomqctl"
echo "demo: booting $kver in QEMU (TCG, 384 MiB); log: $work/console.log" >&2
echo
timeout -k 5 600 qemu-system-x86_64 -accel tcg,thread=single -smp 2 \
	-m 384M -nodefaults -display none -no-reboot -serial stdio \
	-kernel "$vmdir/kernels/$kver/vmlinuz" \
	-initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 |
	tee "$work/console.log" | tr -d '\r' |
	sed -n 's/^demo: \{0,1\}//p'
grep -q '^demo: RESULT: the queued' "$work/console.log"
