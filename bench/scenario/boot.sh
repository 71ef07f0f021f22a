#!/bin/sh
# One fresh boot of the scenario image:
#   boot.sh OUT KVER LOG ARGS
# ARGS are the kernel command line's scn.NAME=VALUE (run.sh: the variant,
# the contender, the names of the run).  SCENARIO_SWAP_MIB gives the guest
# a swap disk of that size (/dev/vdb, swapon'ed by guest-init);
# SCENARIO_DISK another image than OUT/disk.img (startup.sh's copy).
# qemu -snapshot: every boot starts from the same disk image, writes are
# dropped.  Exit 0 with LOG holding the guest's console; 124 if the guest
# had to be cut off (SCENARIO_BOOT_TIMEOUT seconds, 720).
set -eu

out=$1 kver=$2 log=$3 args=$4
top=$(cd "$(dirname "$0")/../.." && pwd)
vmlinuz=${VM_BUILD:-$top/build/vm}/kernels/$kver/vmlinuz
set --
if [ "${SCENARIO_SWAP_MIB:-0}" -gt 0 ]; then
	swap=$out/swap-${SCENARIO_SWAP_MIB}.img
	if [ ! -f "$swap" ]; then
		truncate -s "${SCENARIO_SWAP_MIB}M" "$swap.tmp"
		mkswap -q "$swap.tmp" >/dev/null
		mv "$swap.tmp" "$swap"
	fi
	set -- -drive "file=$swap,if=virtio,format=raw,snapshot=on"
fi
rc=0
timeout -k 5 "${SCENARIO_BOOT_TIMEOUT:-720}" qemu-system-x86_64 \
	-accel tcg,thread=single -smp 2 -m "${SCENARIO_MEM:-512}M" \
	-nodefaults -display none -no-reboot -serial stdio \
	-kernel "$vmlinuz" -initrd "$out/initramfs.gz" \
	-drive "file=${SCENARIO_DISK:-$out/disk.img},if=virtio,format=raw,snapshot=on" "$@" \
	-append "console=ttyS0 root=/dev/vda panic=-1 quiet log_buf_len=1M $args" \
	</dev/null >"$log" 2>&1 || rc=$?
exit $rc
