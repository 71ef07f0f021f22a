#!/bin/sh
# The Debian kernels the VM bench boots: resolve the newest of each series
# from apt, install its headers (to build the module against) and extract
# its vmlinuz into build/vm/kernels/KVER/ without installing the image
# package (that would regenerate a host initramfs and cost minutes).
#
#   kernels.sh resolve SERIES	print the newest KVER of 6.1 or 6.12
#   kernels.sh fetch KVER	headers installed, vmlinuz cached
#   kernels.sh all		resolve and fetch both series
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
vmdir=${VM_BUILD:-$top/build/vm}

die() {
	echo "kernels.sh: $*" >&2
	exit 1
}

# Package name patterns, as extended regexps over `apt-cache pkgnames`.
# The cloud flavour of 6.1 is the smallest that boots under QEMU; 6.12 is
# the bookworm backport ("+deb12"), generic flavour.
pattern() {
	case "$1" in
	6.1) echo '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' ;;
	6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
	*) die "unknown series '$1' (want 6.1 or 6.12)" ;;
	esac
}

newest() {
	apt-cache pkgnames linux-image- | grep -E "$(pattern "$1")" |
		sort -V | tail -n 1
}

resolve() {
	pkg=$(newest "$1")
	if [ -z "$pkg" ]; then
		# Fresh machines ship without apt lists.
		apt-get update -qq >&2 || die "apt-get update failed"
		pkg=$(newest "$1")
	fi
	[ -n "$pkg" ] || die "no package matches $(pattern "$1")"
	pkg=${pkg#linux-image-}
	echo "${pkg%-unsigned}"
}

# The downloaded .deb of package $1, if any (there is one per kernel ABI).
cached_deb() {
	for f in "$vmdir/debs/$1_"*.deb; do
		[ -f "$f" ] && echo "$f"
	done | tail -n 1
}

fetch() {
	kver=$1
	if [ ! -d "/lib/modules/$kver/build" ]; then
		echo "kernels.sh: installing linux-headers-$kver" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "linux-headers-$kver" >&2 ||
			die "cannot install linux-headers-$kver"
	fi
	dst=$vmdir/kernels/$kver
	[ -f "$dst/vmlinuz" ] && return 0

	mkdir -p "$vmdir/debs" "$dst"
	pkg=linux-image-$kver-unsigned
	deb=$(cached_deb "$pkg")
	if [ -z "$deb" ]; then
		echo "kernels.sh: downloading $pkg" >&2
		(cd "$vmdir/debs" &&
			apt-get download -qq -o APT::Sandbox::User=root \
				"$pkg" >&2) || die "cannot download $pkg"
		deb=$(cached_deb "$pkg")
		[ -n "$deb" ] || die "apt-get download left no $pkg .deb"
	fi
	# Only the kernel image: extracting the whole package writes
	# hundreds of MiB of modules the guest never loads.
	tmp=$dst/.extract
	rm -rf "$tmp"
	mkdir -p "$tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmp" "./boot/vmlinuz-$kver"
	mv "$tmp/boot/vmlinuz-$kver" "$dst/vmlinuz"
	rm -rf "$tmp"
}

case "${1:-}" in
resolve) resolve "${2:?series}" ;;
fetch) fetch "${2:?kver}" ;;
all)
	for s in 6.1 6.12; do
		k=$(resolve "$s")
		fetch "$k"
		echo "$k"
	done
	;;
*) die "usage: kernels.sh resolve SERIES | fetch KVER | all" ;;
esac
