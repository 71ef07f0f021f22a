#!/bin/sh
# Debian's kernel headers for another architecture, usable for a cross
# build on this machine.  Prints the KDIR to build against.
#
#   scripts/cross-headers.sh DEBIAN_ARCH KVER OUTDIR
#   e.g. scripts/cross-headers.sh arm64 6.1.0-57-cloud-arm64 build/aarch64-linux-gnu/kheaders
#
# `apt-get install linux-headers-KVER:arm64` does not work through
# multiarch: the package depends on gcc-12 of its own architecture
# (gcc-12 is not Multi-Arch: foreign), so apt would replace the host's
# gcc-12 with gcc-12:arm64 and remove the host toolchain, dkms and the
# amd64 headers with it.  Instead: download the flavour package and
# unpack it under OUTDIR/KVER (not registered with dpkg).  Its tree is
# ARCH-specific (.config, Module.symvers, arch/ARCH) and arch-free
# otherwise: the Makefile includes the linux-headers-*-common package
# (Architecture: all) and scripts/ and tools/ point at linux-kbuild-*,
# whose fixdep, modpost and genksyms must run on the build machine.  So
# both come from the host's architecture at the same version, installed
# here if missing, and the unpacked tree's links point at the host's
# linux-kbuild.
set -eu

arch=$1 kver=$2 out=$3
pkg=linux-headers-$kver
mkdir -p "$out/debs"
out=$(cd "$out" && pwd)
dst=$out/$kver
kdir=$dst/usr/src/$pkg

cached_deb() {
	for f in "$out/debs/${pkg}_"*"_$arch.deb"; do
		[ -f "$f" ] && echo "$f"
	done | tail -n 1
}

if [ ! -f "$kdir/Makefile" ]; then
	deb=$(cached_deb)
	if [ -z "$deb" ]; then
		echo "cross-headers: downloading $pkg:$arch" >&2
		(cd "$out/debs" && apt-get download -qq \
			-o APT::Sandbox::User=root "$pkg:$arch" >&2) ||
			{ echo "cross-headers: no $pkg:$arch" >&2; exit 1; }
		deb=$(cached_deb)
	fi
	# The common headers and kbuild, at the exact version it wants;
	# not the rest (6.12's headers depend on the arm64 linux-image,
	# which would install an arm64 kernel and initramfs into /boot).
	lk='\(linux-\(headers\|kbuild\)-[^ (]*\)'
	need=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -n \
		-e "s/^ *$lk ([>=]* *\([^)]*\)).*/\1=\3/p" -e t \
		-e "s/^ *$lk *\$/\1/p")
	missing=""
	for p in $need; do
		v=$(dpkg-query -W -f='${Status} ${Version}\n' "${p%%=*}" \
			2>/dev/null || true)
		case $p in
		*=*) want="install ok installed ${p#*=}" ;;
		*) want="install ok installed ${v##* }" ;;
		esac
		[ "$v" = "$want" ] || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "cross-headers: installing$missing" >&2
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $missing >&2
	fi
	rm -rf "$dst"
	mkdir -p "$dst"
	dpkg-deb -x "$deb" "$dst"
	# scripts -> ../../lib/linux-kbuild-X/scripts: the host's kbuild.
	for l in scripts tools; do
		t=$(readlink "$kdir/$l")
		kb=${t#../../lib/}
		kb=${kb%%/*}
		mkdir -p "$dst/usr/lib"
		ln -sfn "/usr/lib/$kb" "$dst/usr/lib/$kb"
	done
fi
[ -f "$kdir/scripts/basic/fixdep" ] || {
	echo "cross-headers: $kdir/scripts has no fixdep" >&2
	exit 1
}
echo "$kdir"
