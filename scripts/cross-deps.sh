#!/bin/sh
# Install what `make check-cross` needs: a cross compiler, the target's
# libnl and libinih through Debian multiarch, qemu user and system
# emulation and file(1).  Idempotent: the foreign architecture is added
# (and apt's lists refreshed) only once; scripts/install-deps.sh installs only what
# is missing.
#
#   scripts/cross-deps.sh [DEBIAN_ARCH [GNU_TRIPLET]]   default: arm64
set -eu

arch=${1:-arm64}
triplet=${2:-aarch64-linux-gnu}
here=$(dirname "$0")

if [ "$arch" != "$(dpkg --print-architecture)" ] &&
	! dpkg --print-foreign-architectures | grep -qx "$arch"; then
	if [ "$(id -u)" != 0 ]; then
		echo "cross-deps: run as root: dpkg --add-architecture $arch" >&2
		exit 1
	fi
	echo "cross-deps: dpkg --add-architecture $arch"
	dpkg --add-architecture "$arch"
	# install-deps.sh runs apt-get update before it installs anything,
	# which is always the case right after a new architecture.
fi

exec "$here/install-deps.sh" "gcc-$triplet" "libc6-dev-$arch-cross" \
	"libnl-3-dev:$arch" "libnl-genl-3-dev:$arch" "libinih-dev:$arch" \
	qemu-user qemu-system-arm file
