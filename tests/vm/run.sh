#!/bin/sh
# Boot one Debian kernel under QEMU (TCG) with the oomq initramfs, run every
# guest case in that one boot, and report.
#
#   run.sh KERNEL RUNNER [OOMQCTL [OOMQD]]
#
# KERNEL is a kernel spec of tests/vm/kernels.sh (6.1, 7, arm64-6.12...);
# RUNNER, OOMQCTL and OOMQD are static binaries for its architecture.
#
# VM_KERNEL_IMAGE (a bzImage) and VM_KDIR (the kernel build tree to build
# the module against) boot a kernel of your own instead of Debian's
# (make check-debug's); KERNEL is then only a label.
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

spec=$1
runner=$2
oomqctl=${3:-}
oomqd=${4:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
vmdir=${VM_BUILD:-$top/build/vm}
kernels=$top/tests/vm/kernels.sh

if [ -n "${VM_KERNEL_IMAGE:-}" ]; then
	# A kernel of one's own, of this machine's architecture, built
	# where it lies, in the module's default mode as every spec (VM_HOOK:
	# another mode=).
	kdir=${VM_KDIR:?VM_KDIR: the build tree of VM_KERNEL_IMAGE}
	kver=$(cat "$kdir/include/config/kernel.release")
	image=$VM_KERNEL_IMAGE
	arch=$(dpkg --print-architecture)
	mode=own
	hook=${VM_HOOK:-auto}
else
	"$kernels" fetch "$spec"
	# name= kver= arch= ... image=
	eval "$("$kernels" info "$spec")"
	[ "$image" != - ] || { echo "run.sh: $spec has no image to boot" >&2; exit 1; }
fi
work=$vmdir/$kver
# What the verdict lines call this boot: a two-node one (VM_NUMA, below)
# is kernel=KVER+numa, as the guest's runner names it too.
label=$kver${VM_NUMA:++numa}
mkdir -p "$work"
case $arch in
amd64)
	qemu="qemu-system-x86_64 -accel tcg,thread=single"
	console=ttyS0
	;;
arm64)
	qemu="qemu-system-aarch64 -M virt -cpu cortex-a57 -accel tcg,thread=single"
	console=ttyAMA0
	export VM_STRIP=aarch64-linux-gnu-strip
	;;
*) echo "run.sh: no QEMU machine for $arch" >&2; exit 1 ;;
esac

# Out-of-tree builds for two kernels in one source directory collide, so
# each kernel gets its own copy of the sources.
# Host-side cases, merged into the verdict by parse-log.sh.
hostcases=$work/host-cases
: >"$hostcases"
host_case() {
	printf 'vm-case kernel=%s case=%s result=%s detail="%s"\n' \
		"$label" "$1" "$2" "$3" >>"$hostcases"
}

module=-
# kbuild OUTDIR [SRC]: the module of SRC (default VM_SRC, or this tree)
# for the kernel booted.
kbuild() (
	src=${2:-${VM_SRC:-}}
	[ -z "$src" ] || export OOMQ_SRC="$src"
	if [ "$mode" = own ]; then
		KDIR=$kdir "$top/scripts/kbuild.sh" "$kver" "$1"
	else
		"$kernels" build "$spec" "$1"
	fi
)
if kbuild "$work/kbuild" >"$work/module-build.log" 2>&1; then
	module=$work/kbuild/module/oomq.ko
	host_case module_build pass "built against $kdir ($mode)"
else
	# The guest still runs the cases that need no module.
	host_case module_build fail "does not build: $work/module-build.log"
	tail -n 20 "$work/module-build.log" >&2
fi

# A test-only family that sleeps under genl_mutex (netlink_parallel).
testmod=-
if kbuild "$work/genl_block" "$top/tests/vm/genl_block" \
	>"$work/genl-block-build.log" 2>&1; then
	testmod=$work/genl_block/oomq_genl_block.ko
else
	host_case genl_block_build fail "does not build: $work/genl-block-build.log"
fi

[ -n "$oomqctl" ] && [ -x "$oomqctl" ] || oomqctl=-
# Without oomqd in the image the agent_* cases fail and say so.
[ -n "$oomqd" ] && [ -x "$oomqd" ] || oomqd=-
# The guest's busybox: this machine's, or its architecture's static one.
busybox=/bin/busybox
if [ "$arch" != "$(dpkg --print-architecture)" ]; then
	busybox=$work/busybox
	if [ ! -x "$busybox" ]; then
		deb=$(cd "$vmdir/debs" 2>/dev/null &&
			ls "busybox-static_"*"_$arch.deb" 2>/dev/null | tail -n 1 || true)
		if [ -z "$deb" ]; then
			mkdir -p "$vmdir/debs"
			(cd "$vmdir/debs" && "$top/scripts/kernel-apt.sh" get \
				download -qq "busybox-static:$arch" >&2)
			deb=$(cd "$vmdir/debs" &&
				ls "busybox-static_"*"_$arch.deb" | tail -n 1)
		fi
		# /bin before trixie, /usr/bin since.
		path=$(dpkg-deb -c "$vmdir/debs/$deb" | awk '{ print $6 }' |
			grep -x -e ./bin/busybox -e ./usr/bin/busybox)
		dpkg-deb --fsys-tarfile "$vmdir/debs/$deb" |
			tar -x -O "$path" >"$busybox.tmp"
		chmod 755 "$busybox.tmp"
		mv "$busybox.tmp" "$busybox"
	fi
fi
# zram and what it needs, from the kernel's package (agent_zram): none
# for a kernel of one's own, and the case skips.
zmods=$work/zram-modules
rm -rf "$zmods"
mkdir -p "$zmods"
deb=
for f in "$vmdir/debs/linux-image-$kver-unsigned_"*.deb \
	"$vmdir/debs/linux-modules-${kver}_"*.deb; do
	[ -f "$f" ] && deb=$f
done
if [ -n "$deb" ]; then
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$zmods" --wildcards \
		'*/zram.ko*' '*/zsmalloc.ko*' '*/lz4_compress.ko*' \
		'*/lz4hc_compress.ko*' '*/crypto/lzo-rle.ko*' 2>/dev/null || :
	find "$zmods" -name '*.ko*' | while read -r f; do
		case $f in
		*.xz) xz -dc "$f" >"$zmods/$(basename "$f" .xz)" ;;
		*.zst) zstd -qdc "$f" >"$zmods/$(basename "$f" .zst)" ;;
		*) cp "$f" "$zmods/" ;;
		esac
	done
	find "$zmods" -mindepth 1 -type d -prune -exec rm -rf {} +
fi
VM_ZRAM_MODULES=$zmods VM_BUSYBOX=$busybox \
	"$top/tests/vm/mkinitramfs.sh" "$work/initramfs.cpio.gz" "$runner" \
	"$module" "$oomqctl" "$oomqd" \
	"${VM_OOMQD_CONF:-$top/tests/vm/oomqd-vmtest.conf}" "$testmod"

log=$vmdir/$label.log
append="console=$console panic_on_warn=1 oops=panic panic=-1 slab_nomerge"
# Unthrottled /dev/kmsg: the runner prints its results through it so they
# never interleave mid-line with kernel messages on the console.
append="$append printk.devkmsg=on mitigations=off"
append="$append vmtest.cases=${VM_CASES:-all} vmtest.mode=$hook ${VM_APPEND:-}"

# VM_NUMA=1: two memory nodes of half the memory each, one CPU (and
# socket: a package across nodes is a topology the kernel warns of) each,
# for the numa_* cases.  512 MiB by default: node 1 must hold big and two
# queued holders beside what the kernel keeps there.
mem=${VM_MEM:-384}
smp=2
numa=
if [ -n "${VM_NUMA:-}" ]; then
	mem=${VM_MEM:-512}
	smp=2,sockets=2,cores=1,threads=1
	half=$((mem / 2))
	for n in 0 1; do
		numa="$numa -object memory-backend-ram,id=mem$n,size=${half}M"
		numa="$numa -numa node,nodeid=$n,cpus=$n,memdev=mem$n"
	done
fi

echo "vm: booting $kver (log: $log)" >&2
start=$(date +%s)
rc=0
# shellcheck disable=SC2086
timeout -k 5 "${VM_TIMEOUT:-600}" $qemu -smp $smp \
	-m "${mem}M" $numa -nodefaults -display none -no-reboot \
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

exec "$top/tests/vm/parse-log.sh" "$label" "$log" "$hostcases"
