#!/bin/sh
# apt-get or apt-cache over Debian's suites of other releases, with an
# apt state of its own under build/apt: the machine's sources, lists and
# dpkg status are never read or changed.  The archive is the one the
# machine's own sources name (its URI is reused with other suite names).
#
#   scripts/kernel-apt.sh update          refresh the lists (once a day)
#   scripts/kernel-apt.sh get ARGS...     apt-get ARGS (e.g. download)
#   scripts/kernel-apt.sh cache ARGS...   apt-cache ARGS
#   scripts/kernel-apt.sh uri             the Debian archive URI it uses
#
# KAPT_DIR (default build/apt) holds sources.list, lists/ and an empty
# dpkg status.  Suites and architectures are those the kernel specs of
# tests/vm/kernels.sh need.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${KAPT_DIR:-$top/build/apt}

die() {
	echo "kernel-apt: $*" >&2
	exit 1
}

# The machine's Debian URI (deb822 or one-line sources): the first one
# whose suite is a release's, so a mirror or proxy set up here is used.
debian_uri() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed -n -e 's/^URIs: *\([^ ]*\/debian\)\/*$/\1/p' \
			-e 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\/debian\)\/* .*/\2/p' "$f"
	done | head -n 1
}

setup() {
	uri=$(debian_uri)
	[ -n "$uri" ] || die "no Debian archive URI in /etc/apt/sources*"
	sec=${uri%/debian}/debian-security
	key=/usr/share/keyrings/debian-archive-keyring.gpg
	# The machine's apt.conf.d is not read: a container's "no cache"
	# setting makes every apt-cache call parse every list again.
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/cache" \
		"$dir/apt.conf.d" "$dir/sources.list.d" "$dir/preferences.d"
	: >>"$dir/status"
	{
		o="[signed-by=$key"
		echo "deb $o arch=amd64] $uri bullseye main"
		echo "deb $o arch=amd64] $sec bullseye-security main"
		echo "deb $o arch=amd64,arm64,armhf] $uri bookworm main"
		echo "deb $o arch=amd64,arm64,armhf] $sec bookworm-security main"
		echo "deb $o arch=amd64,arm64] $uri trixie main"
		echo "deb $o arch=amd64,arm64] $sec trixie-security main"
		echo "deb $o arch=amd64,arm64] $uri trixie-backports main"
	} >"$dir/sources.list.new"
	mv "$dir/sources.list.new" "$dir/sources.list"
	cat >"$dir/apt.conf" <<CONF
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/sources.list.d";
Dir::Etc::Parts "$dir/apt.conf.d";
Dir::Etc::Preferences "$dir/preferences";
Dir::Etc::PreferencesParts "$dir/preferences.d";
Dir::State::Lists "$dir/lists";
Dir::State::status "$dir/status";
Dir::Cache "$dir/cache";
Dir::Cache::archives "$dir/archives";
Dir::Cache::pkgcache "$dir/cache/pkgcache.bin";
Dir::Cache::srcpkgcache "$dir/cache/srcpkgcache.bin";
APT::Architecture "amd64";
APT::Architectures { "amd64"; "arm64"; "armhf"; };
Acquire::Languages "none";
APT::Sandbox::User "root";
CONF
}

export APT_CONFIG="$dir/apt.conf"
case "${1:-}" in
uri)
	uri=$(debian_uri)
	[ -n "$uri" ] || die "no Debian archive URI in /etc/apt/sources*"
	echo "$uri"
	;;
update)
	setup
	apt-get -qq update
	touch "$dir/updated"
	;;
get | cache)
	# Fresh, or older than a day: kernels move on.
	if [ ! -f "$dir/updated" ] ||
		[ -n "$(find "$dir/updated" -mmin +1440)" ]; then
		"$0" update >&2 || die "apt-get update failed"
	fi
	cmd=apt-$1
	shift
	exec "$cmd" "$@"
	;;
*) die "usage: kernel-apt.sh update | get ARGS... | cache ARGS... | uri" ;;
esac
