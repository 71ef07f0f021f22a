#!/bin/sh
# The Debian kernels oomq is built and tested on, one "kernel spec" each:
# which suite and architecture it comes from, how to build the module
# against its headers, and the image the VM bench boots.  Each spec
# resolves to the newest kernel its package pattern matches.
#
#   kernels.sh list [all|boot|ARCH]  spec names (boot: those with an image)
#   kernels.sh resolve NAME          its newest KVER
#   kernels.sh fetch NAME|KVER       headers ready, boot image cached
#   kernels.sh info NAME             name= kver= arch= suite= mode= hook=
#                                    kdir= image= (shell assignments)
#   kernels.sh build NAME OUTDIR [KBUILD_ARGS...]
#                                    oomq.ko in OUTDIR/module (kbuild.sh)
#   kernels.sh all                   resolve and fetch 6.1 and 6.12
#
# How a spec is built against ("mode"):
#   host     headers installed on this machine with its own apt (Debian
#            12's suites: it is one), /lib/modules/KVER/build
#   extract  flavour, common headers and linux-kbuild unpacked from the
#            .debs under build/kernels/KVER (another release's kbuild
#            runs here; another architecture's headers are cross-built
#            with this machine's cross compiler); nothing is installed
#   chroot   installed with apt into the trixie chroot of
#            scripts/kernel-chroot.sh (gcc-14, glibc 2.41: what trixie's
#            6.12 and the 7.x backports need) and built there
# Packages are looked up and downloaded through scripts/kernel-apt.sh
# (an apt state of its own), images never installed: only vmlinuz is
# taken out of the .deb, into build/vm/kernels/KVER/.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
vmdir=${VM_BUILD:-$top/build/vm}
kdirs=$top/build/kernels
kapt=$top/scripts/kernel-apt.sh
kchroot=$top/scripts/kernel-chroot.sh
. "$top/scripts/retry.sh"

die() {
	echo "kernels.sh: $*" >&2
	exit 1
}

# NAME ARCH SUITE MODE HOOK PATTERN.  HOOK is the module's mode= the VM
# bench loads it with: auto, the default, everywhere (Debian's 5.10,
# built with gcc-10, inlines oom_badness() into oom_evaluate_task(); auto
# finds that at the first OOM and keeps to mode=origin there).  PATTERN is an
# extended regexp over package names: the image, or for a build-only
# spec the headers.  Cloud
# flavours are the smallest that boot under QEMU; generic ones are what
# most machines run.  The 7.x image is split since 6.19: vmlinuz is in
# linux-binary-unsigned-*, modules in linux-modules-* (the guest boots
# from its initramfs and loads no module but oomq.ko, and zram's).
specs() {
	cat <<'EOF'
5.10 amd64 bullseye extract auto ^linux-image-5\.10\.0-[0-9]+-amd64-unsigned$
6.1 amd64 bookworm host auto ^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$
6.1-rt amd64 bookworm host auto ^linux-image-6\.1\.0-[0-9]+-rt-amd64-unsigned$
6.12 amd64 bookworm host auto ^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$
6.12-deb13 amd64 trixie chroot auto ^linux-image-6\.12\.[0-9]+\+deb13-amd64-unsigned$
7 amd64 trixie-backports chroot auto ^linux-binary-unsigned-7\.[0-9]+\.[0-9]+\+deb13-amd64$
arm64-6.1 arm64 bookworm extract auto ^linux-image-6\.1\.0-[0-9]+-cloud-arm64-unsigned$
arm64-6.12 arm64 bookworm extract auto ^linux-image-6\.12\.[0-9]+\+deb12-arm64-unsigned$
arm64-7 arm64 trixie-backports chroot auto ^linux-binary-unsigned-7\.[0-9]+\.[0-9]+\+deb13-arm64$
armhf-6.1 armhf bookworm extract auto ^linux-headers-6\.1\.0-[0-9]+-armmp$
EOF
}

# spec NAME: sets name arch suite mode pattern, or fails.
spec() {
	line=$(specs | awk -v n="$1" '$1 == n')
	[ -n "$line" ] || die "unknown kernel spec '$1' (kernels.sh list)"
	# shellcheck disable=SC2086
	set -- $line
	name=$1 arch=$2 suite=$3 mode=$4 hook=$5 pattern=$6
}

list() {
	case ${1:-all} in
	all) specs | awk '{ print $1 }' ;;
	boot) specs | awk '$6 !~ /headers/ { print $1 }' ;;
	*) specs | awk -v a="$1" '$2 == a { print $1 }' ;;
	esac
}

# The newest package matching $pattern that $suite has: the release,
# its security suite (where kernel updates come first) or its updates.
newest() {
	"$kapt" cache pkgnames "$(echo "$pattern" | sed 's/^^\([a-z-]*\).*/\1/')" |
		grep -E "$pattern" | sort -V -r | while read -r pkg; do
		if "$kapt" cache madison "$pkg" |
			grep -qE " $suite(-security|-updates)?/"; then
			echo "$pkg"
			break
		fi
	done
}

resolve() {
	spec "$1"
	pkg=$(newest)
	[ -n "$pkg" ] || die "$name: no package in $suite matches $pattern"
	pkg=${pkg#linux-image-}
	pkg=${pkg#linux-binary-unsigned-}
	pkg=${pkg#linux-headers-}
	echo "${pkg%-unsigned}"
}

# The spec of KVER: the one it resolves from, or a host kernel of this
# machine's release for a KVER no spec names (as fetch took before).
spec_of_kver() {
	for n in $(list all); do
		spec "$n"
		if echo "linux-image-$1-unsigned" | grep -qE "$pattern" ||
			echo "linux-binary-unsigned-$1" | grep -qE "$pattern" ||
			echo "linux-headers-$1" | grep -qE "$pattern"; then
			return 0
		fi
	done
	name=$1 arch=$(dpkg --print-architecture) suite=bookworm mode=host
	hook=auto pattern=
}

# The directory kbuild runs in for KVER of the current spec.
kdir() {
	case $mode in
	host) echo "/lib/modules/$1/build" ;;
	extract) echo "$kdirs/$1/root/usr/src/linux-headers-$1" ;;
	chroot) echo "/usr/src/linux-headers-$1" ;;
	esac
}

# download DIR PACKAGE[:ARCH]: its .deb in DIR (kept), path printed.
download() {
	dir=$1 pkg=${2%:*}
	a=all
	case $2 in *:*) a=${2#*:} ;; esac
	deb=$(ls "$dir/${pkg}_"*"_$a.deb" "$dir/${pkg}_"*_all.deb \
		2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$deb" ]; then
		mkdir -p "$dir"
		echo "kernels.sh: downloading $pkg:$a" >&2
		q=$pkg:$a
		[ "$a" != all ] || q=$pkg
		(cd "$dir" && "$kapt" get download -qq "$q" >&2) ||
			die "cannot download $q"
		deb=$(ls "$dir/${pkg}_"*"_$a.deb" "$dir/${pkg}_"*_all.deb \
			2>/dev/null | sort -V | tail -n 1)
	fi
	echo "$deb"
}

# The headers packages a flavour package depends on: common and kbuild.
header_deps() {
	dpkg-deb -f "$1" Depends | tr ',' '\n' |
		sed -n 's/^ *\(linux-\(headers\|kbuild\)-[^ (]*\).*/\1/p'
}

# Unpack the headers of KVER (any architecture) with their common
# headers and this machine's linux-kbuild of the same version.
extract_headers() {
	kver=$1
	root=$kdirs/$kver/root
	[ -f "$root/.complete" ] && return 0
	debs=$kdirs/$kver/debs
	flavour=$(download "$debs" "linux-headers-$kver:$arch")
	rm -rf "$root"
	mkdir -p "$root"
	dpkg-deb -x "$flavour" "$root"
	host=$(dpkg --print-architecture)
	for dep in $(header_deps "$flavour"); do
		case $dep in
		linux-kbuild-*) deb=$(download "$debs" "$dep:$host") ;;
		# Architecture: all.
		*-common) deb=$(download "$debs" "$dep") ;;
		*) deb=$(download "$debs" "$dep:$arch") ;;
		esac
		dpkg-deb -x "$deb" "$root"
	done
	mk=$root/usr/src/linux-headers-$kver/Makefile
	# "include /usr/src/linux-headers-X-common/Makefile"; scripts and
	# tools are relative links into usr/lib/linux-kbuild-X already.
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$mk"
	# Its release's compiler (5.10: gcc-10) may not be here; this
	# machine's gcc of the same target builds modules for it.
	vars=$root/usr/src/linux-headers-$kver/.kernelvariables
	cc=$(sed -n 's/^CC = .*(CROSS_COMPILE)\(gcc-[0-9]*\)$/\1/p' "$vars")
	if [ -n "$cc" ] && [ "$arch" = "$host" ] && ! command -v "$cc" >/dev/null; then
		echo "kernels.sh: $kver wants $cc; building with gcc" >&2
		sed -i "s/(CROSS_COMPILE)$cc\$/(CROSS_COMPILE)gcc/" "$vars"
	fi
	[ -x "$root/usr/src/linux-headers-$kver/scripts/basic/fixdep" ] ||
		die "$kver: no fixdep in the unpacked headers"
	touch "$root/.complete"
}

install_host_headers() {
	kver=$1
	[ -d "/lib/modules/$kver/build" ] && return 0
	echo "kernels.sh: installing linux-headers-$kver" >&2
	i() {
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
			install -y -qq --no-install-recommends "linux-headers-$kver" >&2
	}
	# This machine's lists may be older than the kernel apt's.
	i || { retry apt-get -o DPkg::Lock::Timeout=600 update -qq >&2; i; } ||
		die "cannot install linux-headers-$kver"
}

install_chroot_headers() {
	kver=$1
	root=$("$kchroot" path)
	[ -f "$root/usr/src/linux-headers-$kver/Makefile" ] && return 0
	echo "kernels.sh: installing linux-headers-$kver:$arch in the chroot" >&2
	mkdir -p "$kdirs"
	log=$kdirs/chroot-apt-$kver.log
	"$kchroot" apt install -y -qq --no-install-recommends \
		"linux-headers-$kver:$arch" >"$log" 2>&1 || {
		tail -n 20 "$log" >&2
		die "cannot install linux-headers-$kver:$arch in the chroot"
	}
}

# vmlinuz out of the image package, into $vmdir/kernels/KVER/.
fetch_image() {
	kver=$1
	dst=$vmdir/kernels/$kver
	[ -f "$dst/vmlinuz" ] && return 0
	pkg=$(echo "${pattern:-^linux-image-}" | sed 's/^^\([a-z-]*\).*/\1/')$kver
	case $pkg in linux-image-*) pkg=$pkg-unsigned ;; esac
	deb=$(download "$vmdir/debs" "$pkg:$arch")
	# Only the kernel: the rest is hundreds of MiB of modules.
	path=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -Fx \
		-e "./boot/vmlinuz-$kver" \
		-e "./usr/lib/modules/$kver/vmlinuz" \
		-e "./usr/lib/modules/$kver/vmlinuz.unsigned" | head -n 1)
	[ -n "$path" ] || die "$deb holds no vmlinuz"
	tmp=$dst/.extract
	rm -rf "$tmp"
	mkdir -p "$tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "$path"
	mv "$tmp/$path" "$dst/vmlinuz"
	rm -rf "$tmp"
}

fetch() {
	case $1 in
	# Not "a && b": a failure there would go on without a spec.
	*.*.*)
		spec_of_kver "$1" || exit 1
		kver=$1
		;;
	*)
		kver=$(resolve "$1") || exit 1
		spec "$1"
		;;
	esac
	case $mode in
	host) install_host_headers "$kver" ;;
	extract) extract_headers "$kver" ;;
	chroot) install_chroot_headers "$kver" ;;
	esac
	case $pattern in
	*headers*) ;;
	*) fetch_image "$kver" ;;
	esac
	# A split image's modules, where run.sh finds zram (agent_zram).
	case $pattern in
	*linux-binary-unsigned*)
		download "$vmdir/debs" "linux-modules-$kver:$arch" >/dev/null
		;;
	esac
}

info() {
	kver=$(resolve "$1")
	spec "$1"
	image=-
	case $pattern in *headers*) ;; *) image=$vmdir/kernels/$kver/vmlinuz ;; esac
	echo "name=$name kver=$kver arch=$arch suite=$suite mode=$mode" \
		"hook=$hook kdir=$(kdir "$kver") image=$image"
}

# The cross compiler prefix and kbuild's ARCH for $arch.
cross_args() {
	[ "$arch" = "$(dpkg --print-architecture)" ] && return 0
	case $arch in
	arm64) echo "ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	armhf) echo "ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-" ;;
	*) die "no cross compiler known for $arch" ;;
	esac
}

build() {
	n=$1 out=$2
	shift 2
	fetch "$n"
	mkdir -p "$(dirname "$out")"
	out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
	if [ "$mode" = chroot ]; then
		# The build runs inside the chroot: OUTDIR is a link into it.
		root=$("$kchroot" path)
		inner=$root/oomq/$(echo "$out" | sed "s|^$top/||; s|/|_|g")
		mkdir -p "$inner"
		[ -L "$out" ] || rm -rf "$out"
		ln -sfn "$inner" "$out"
		export KCHROOT="$root"
	fi
	# shellcheck disable=SC2046
	KDIR=$(kdir "$kver") "$top/scripts/kbuild.sh" "$kver" "$out" \
		$(cross_args) "$@"
}

case "${1:-}" in
list) list "${2:-all}" ;;
resolve) resolve "${2:?name}" ;;
fetch) fetch "${2:?name or kver}" ;;
info) info "${2:?name}" ;;
build)
	[ $# -ge 3 ] || die "usage: kernels.sh build NAME OUTDIR [ARGS...]"
	shift
	build "$@"
	;;
all)
	for s in 6.1 6.12; do
		k=$(resolve "$s")
		fetch "$k"
		echo "$k"
	done
	;;
*) die "usage: kernels.sh list | resolve NAME | fetch NAME|KVER | info NAME | build NAME OUTDIR [ARGS...] | all" ;;
esac
