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
. "$top/scripts/retry.sh"

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

# apt-get update; a list that does not match its Release (a mirror in
# the middle of a sync, a proxy's stale copy) fails its whole suite, so
# that suite's architecture is dropped from sources.list for the next
# try: one armhf list must not hide bookworm-security's amd64 kernels.
update_lists() {
	apt-get -qq update 2>"$dir/update.err" && return 0
	cat "$dir/update.err" >&2
	sed -n 's|.*Failed to fetch .*/dists/\([^/ ]*\)/[^/ ]*/binary-\([^/ ]*\)/.*|\1 \2|p' \
		"$dir/update.err" | sort -u | while read -r suite arch; do
		echo "kernel-apt: $suite $arch dropped: its list failed" >&2
		awk -v s="$suite" -v a="$arch" '$5 == s {
			sub("arch=", "", $3); sub("]", "", $3)
			n = split($3, as, ","); $3 = ""
			for (i = 1; i <= n; i++)
				if (as[i] != a)
					$3 = $3 ($3 == "" ? "" : ",") as[i]
			if ($3 == "")
				next
			$3 = "arch=" $3 "]"
		} { print }' "$dir/sources.list" >"$dir/sources.list.new"
		mv "$dir/sources.list.new" "$dir/sources.list"
	done
	return 1
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
	# apt drops a suite whose lists do not match its Release and keeps
	# the others: a kernel of that suite is then looked up in the
	# lists there are (an older point release, or "no package").
	if ! retry update_lists; then
		ls "$dir/lists/"*_Packages >/dev/null 2>&1 ||
			die "apt-get update failed, no list at all"
		echo "kernel-apt: going on with the lists that came" >&2
	fi
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
