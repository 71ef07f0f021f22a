#!/bin/sh
# make bench-vm: bench/run.sh inside a QEMU guest running Debian's kernel
# with oomq.ko loaded, so oomqd's ranking pass is measured both ways, from
# /proc and from the module's task dump, next to earlyoom over the same
# processes in the same boot.
#
#   bench/vm.sh BENCH_DIR    (BENCH_DIR holds oomqd-pass-static, bench-spawn)
#
# Environment: BENCH_VM_SERIES (6.12), BENCH_VM_MEM (MiB, 3072: 10,000
# idle processes need about 1.5 GiB), BENCH_VM_TIMEOUT (s, 3600), and
# BENCH_SIZES, BENCH_ROUNDS (1 here: TCG is slow), BENCH_PASS_S,
# BENCH_EARLYOOM_S as for bench/run.sh, which they are passed on to.
#
# The guest is the VM bench's (static busybox as /bin/sh) plus what
# run.sh needs that busybox lacks, copied from this machine with their
# shared libraries: bash, earlyoom, setpriv (--pdeathsig) and getconf.
# Results: BENCH_DIR/vm/KVER/results.md and results.json.
set -eu

BENCH_DIR=$(cd "${1:?usage: bench/vm.sh BENCH_DIR}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
series=${BENCH_VM_SERIES:-6.12}

kver=$("$top/tests/vm/kernels.sh" resolve "$series")
"$top/tests/vm/kernels.sh" fetch "$kver"
work=$BENCH_DIR/vm/$kver
rm -rf "$work"
mkdir -p "$work/src"

cp -R "$top/Kbuild" "$top/module" "$top/include" "$work/src/"
make -s -C "/lib/modules/$kver/build" M="$work/src" modules \
	>"$work/module-build.log" 2>&1 || {
	tail -n 20 "$work/module-build.log" >&2
	echo "bench-vm: the module does not build for $kver" >&2
	exit 1
}

root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
	"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/bench/agent"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list-full); do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done

# A dynamic binary and every library it loads, at the same paths.
copy_with_libs() {
	bin=$(command -v "$1") || {
		echo "bench-vm: $1 not installed" >&2
		exit 1
	}
	# Busybox's applet of the same name would come first in PATH.
	for d in bin sbin usr/bin usr/sbin; do
		rm -f "$root/$d/$1"
	done
	mkdir -p "$root$(dirname "$bin")"
	cp -L "$bin" "$root$bin"
	for lib in $(ldd "$bin" | awk '/=> \// { print $3 } /^\t\// { print $1 }'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
for b in bash earlyoom setpriv getconf; do
	copy_with_libs "$b"
done

cp "$top/bench/run.sh" "$top/bench/report.awk" "$root/bench/"
cp "$top/agent/oomqd.conf" "$root/bench/agent/"
# run.sh takes oomqd-pass from BENCH_DIR: the static build serves both.
mkdir -p "$root/bench/out"
cp "$BENCH_DIR/oomqd-pass-static" "$root/bench/out/oomqd-pass"
cp "$BENCH_DIR/oomqd-pass-static" "$BENCH_DIR/bench-spawn" "$root/bench/out/"
strip --strip-debug -o "$root/oomq.ko" "$work/src/module/oomq.ko"
cp "$top/bench/vm-init" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . -print0 | sort -z |
	cpio --null --create --format=newc --owner=0:0 --quiet) |
	gzip -1 >"$work/initramfs.cpio.gz"
rm -rf "$root"

env="bench.sizes=$(echo "${BENCH_SIZES:-1000 10000}" | tr ' ' ,)"
env="$env bench.rounds=${BENCH_ROUNDS:-1}"
env="$env bench.pass_s=${BENCH_PASS_S:-1.5} bench.eo_s=${BENCH_EARLYOOM_S:-4}"
log=$work/console.log
echo "bench-vm: booting $kver (log: $log)" >&2
rc=0
timeout -k 5 "${BENCH_VM_TIMEOUT:-3600}" qemu-system-x86_64 \
	-accel tcg,thread=single -smp 2 -m "${BENCH_VM_MEM:-3072}M" \
	-nodefaults -display none -no-reboot -serial stdio \
	-kernel "${VM_BUILD:-$top/build/vm}/kernels/$kver/vmlinuz" \
	-initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet $env" \
	</dev/null >"$log" 2>&1 || rc=$?
[ "$rc" = 0 ] || {
	tail -n 30 "$log" >&2
	echo "bench-vm: qemu exited with status $rc" >&2
	exit 1
}

grep -q '^bench-vm: run.sh exited with status 0' "$log" || {
	tail -n 30 "$log" >&2
	echo "bench-vm: bench/run.sh failed in the guest" >&2
	exit 1
}
# The guest prints each result file between BEGIN and END lines.
extract() {
	sed -n "/^bench-vm: BEGIN $1\r\?\$/,/^bench-vm: END $1\r\?\$/p" "$log" |
		sed '1d;$d' | tr -d '\r' >"$work/$1"
	[ -s "$work/$1" ] || {
		tail -n 30 "$log" >&2
		echo "bench-vm: no $1 from the guest" >&2
		exit 1
	}
}
extract results.md
extract results.json
extract raw.tsv
cat "$work/results.md"
echo "bench-vm: wrote $work/results.md $work/results.json"
