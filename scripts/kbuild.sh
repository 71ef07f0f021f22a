#!/bin/sh
# Build the module for one kernel in a private copy of the sources, so
# builds for several kernels never share objects:
#   scripts/kbuild.sh KVER OUTDIR [kbuild arguments...]
# The module ends up in OUTDIR/module/oomq.ko; the full log in
# OUTDIR/build.log.  Fails if the build fails or prints any warning.
set -eu

kver=$1 out=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${KDIR:-/lib/modules/$kver/build}

if [ ! -d "$kdir" ]; then
	echo "kbuild: no kernel headers for $kver at $kdir" >&2
	exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Copy only what kbuild needs; keep old objects so rebuilds are fast.
cp -p "$top/Kbuild" "$out/"
mkdir -p "$out/module" "$out/include/uapi/linux"
cp -p "$top"/module/*.c "$top"/module/*.h "$top/module/Kbuild" "$out/module/"
cp -p "$top/include/uapi/linux/oomq.h" "$out/include/uapi/linux/"

status=0
make -C "$kdir" M="$out" "$@" modules >"$out/build.log" 2>&1 || status=$?
# Kbuild's note that BTF needs a vmlinux is not about our code.
if grep -v 'Skipping BTF generation' "$out/build.log" |
	grep -E -i 'warning|error' >/dev/null || [ $status != 0 ]; then
	cat "$out/build.log" >&2
	echo "kbuild: building for $kver failed or warned" >&2
	exit 1
fi
