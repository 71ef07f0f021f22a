# shellcheck shell=sh
# Sourced: retry CMD... runs CMD until it succeeds, at most 3 times,
# waiting 30 and 60 s between tries.  For apt-get update: a Debian
# mirror in the middle of a sync serves a Release that does not match
# its Packages ("File has unexpected size ... Mirror sync in progress?")
# for a few minutes, and a fresh apt state has no old lists to fall
# back on.  (A proxy can keep such a pair for a day: callers that can
# go on with the lists that did come say so, see kernel-apt.sh.)
retry() {
	retry_wait=30
	while ! "$@"; do
		if [ "$retry_wait" -gt 60 ]; then
			echo "retry: gave up on: $*" >&2
			return 1
		fi
		echo "retry: '$*' failed, again in $retry_wait s" >&2
		sleep "$retry_wait"
		retry_wait=$((retry_wait * 2))
	done
}
