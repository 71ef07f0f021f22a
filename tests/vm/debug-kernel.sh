#!/bin/sh
# The debug kernel of `make check-debug`: Debian's linux-source-6.12
# configured from tests/vm/debug.config over allnoconfig (KASAN, lockdep,
# PROVE_RCU, full preemption, ...), built once per machine and cached in
# build/debugk/VERSION-HASH/ (VERSION the source package's, HASH that of
# the fragment): vmlinuz, kernelrelease, and build/, the output tree that
# out-of-tree modules build against (make -C .../build M=...).
#
#   debug-kernel.sh	build if not cached; print the cache directory
#
# Environment: DEBUGK_BUILD (cache root, default build/debugk),
# DEBUGK_VERSION (a linux-source-6.12 version instead of apt's candidate),
# DEBUGK_JOBS (make -j, default the number of CPUs), DEBUGK_RT=1 (the
# same kernel with PREEMPT_RT: tests/vm/debug-rt.config on top).  The build runs
# under nice: about 12 CPU minutes, 7 to 30 on two shared cores.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
base=${DEBUGK_BUILD:-$top/build/debugk}
frag=$top/tests/vm/debug.config
[ "${DEBUGK_RT:-0}" = 0 ] || frag="$frag $top/tests/vm/debug-rt.config"
pkg=linux-source-6.12

die() {
	echo "debug-kernel.sh: $*" >&2
	exit 1
}

candidate() {
	apt-cache show --no-all-versions "$pkg" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1
}

# shellcheck disable=SC2086
hash=$(cat $frag | sha256sum | cut -c1-12)
ver=${DEBUGK_VERSION:-$(candidate)}
if [ -z "$ver" ]; then
	# Fresh machines ship without apt lists; offline ones may still
	# have a kernel built from this fragment.
	apt-get update -qq >&2 || true
	ver=$(candidate)
fi
if [ -z "$ver" ]; then
	for out in "$base"/*-"$hash"/vmlinuz; do
		[ -f "$out" ] && cached=${out%/vmlinuz}
	done
	[ -n "${cached:-}" ] ||
		die "apt knows no $pkg and no debug kernel is cached"
	echo "$cached"
	exit 0
fi

out=$base/$ver-$hash
if [ -f "$out/vmlinuz" ]; then
	echo "$out"
	exit 0
fi

# The source: the package's tarball, unpacked once per version.
src=$base/src/$ver/linux-source-6.12
if [ ! -f "$src/Makefile" ]; then
	mkdir -p "$base/debs"
	deb=$base/debs/${pkg}_$(echo "$ver" | sed 's/:/%3a/')_all.deb
	if [ ! -f "$deb" ]; then
		echo "debug-kernel.sh: downloading $pkg $ver" >&2
		(cd "$base/debs" && apt-get download -qq \
			-o APT::Sandbox::User=root "$pkg=$ver" >&2) ||
			die "cannot download $pkg=$ver"
	fi
	[ -f "$deb" ] || die "apt-get download left no $deb"
	tmp=$base/src/$ver.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO ./usr/src/linux-source-6.12.tar.xz | tar -xJ -C "$tmp"
	rm -rf "$base/src/$ver"
	mv "$tmp" "$base/src/$ver"
fi

# Kconfig and the kernel build need these beyond what `make deps` has.
"$top/scripts/install-deps.sh" flex bison bc libelf-dev libssl-dev >&2

# An interrupted build goes on where it stopped.
kbuild=$out/build
mkdir -p "$kbuild"
log=$out/build.log
echo "debug-kernel.sh: building $pkg $ver with $frag" \
	"(log: $log)" >&2
start=$(date +%s)
# shellcheck disable=SC2086
(cd "$src" && scripts/kconfig/merge_config.sh -n -O "$kbuild" $frag) \
	>"$log" 2>&1 || die "merge_config.sh failed: $log"
# merge_config.sh only warns when a value is dropped (a missing dependency,
# a renamed symbol): a kernel without KASAN must not pass for one with it.
# A fragment may name values it rules out ("# not on RT: CONFIG_X ...").
# shellcheck disable=SC2086
allowed=$(sed -n 's/^# not on RT: //p' $frag | tr ' ' '\n' | sed '/^$/d')
missing=$(sed -n 's/^Value requested for \(CONFIG_[A-Z0-9_]*\) .*/\1/p' "$log" |
	grep -vxF "${allowed:-none}" || true)
if [ -n "$missing" ]; then
	grep -A2 '^Value requested for' "$log" >&2
	die "$frag: values not in the final .config: $missing"
fi
nice make -C "$src" O="$kbuild" -j"${DEBUGK_JOBS:-$(nproc)}" \
	>>"$log" 2>&1 || {
	tail -n 30 "$log" >&2
	die "kernel build failed: $log"
}
make -s -C "$src" O="$kbuild" kernelrelease >"$out/kernelrelease"
cp "$kbuild/arch/x86/boot/bzImage" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
echo "debug-kernel.sh: built $(cat "$out/kernelrelease") in" \
	"$(($(date +%s) - start)) s" | tee -a "$log" >&2
echo "$out"
