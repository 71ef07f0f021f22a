#!/bin/sh
# Install the Debian packages the build and the tests need, if any are
# missing.  Needs root for apt-get; without root it only lists what is
# missing and fails, so a developer sees what to install.
set -eu
. "$(dirname "$0")/retry.sh"

PACKAGES="
	make gcc libc6-dev pkg-config
	libnl-3-dev libnl-genl-3-dev check libinih-dev libsystemd-dev
	clang clang-format llvm libclang-rt-14-dev git
	sparse linux-source-6.1 xz-utils
	qemu-system-x86 busybox-static cpio zstd
	$*
"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# A suite whose lists fail is dropped; the install says what is missing.
retry apt-get update -qq || echo "install-deps: going on with the lists that came" >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
