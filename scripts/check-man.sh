#!/bin/sh
# The man pages against the programs: lint-clean, and the options,
# commands and exit statuses that `oomqd --help` and `oomqctl --help`
# list are exactly the ones the pages document.
#
#   scripts/check-man.sh DIR     DIR holds the oomqd and oomqctl to ask
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:?usage: check-man.sh DIR}
fail=0

bad() {
	echo "check-man: $*" >&2
	fail=1
}

# "a b c" and "b c d": the words of the first missing from the second.
missing() {
	for w in $1; do
		case " $2 " in
		*" $w "*) ;;
		*) printf '%s ' "$w" ;;
		esac
	done
}

# The words of roff text with \- turned into -.
unroff() {
	sed -e 's/\\-/-/g' "$1"
}

# Lines of section $2 (.SH NAME) of page $1, \- turned into -.
section() {
	unroff "$1" | awk -v s="$2" '/^\.SH /{on = ($0 == ".SH " s); next} on'
}

for page in "$top"/man/*.[1-8]; do
	out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
	[ -z "$out" ] || bad "groff -ww $page: $out"
	if command -v mandoc >/dev/null; then
		out=$(mandoc -Tlint "$page" 2>&1 || true)
		[ -z "$out" ] || bad "mandoc -Tlint: $out"
	fi
	out=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
	[ -z "$out" ] || bad "man -l $page: $out"
done

# oomqd: options and exit statuses.
help=$("$bin/oomqd" --help)
code=$(echo "$help" | sed -n 's/^  -\(.\), --\([a-z-]*\).*/-\1 --\2/p' | tr '\n' ' ')
man=$(section "$top/man/oomqd.8" OPTIONS |
	sed -n 's/^\.BR \(-[^ ]*\) ", " \(--[a-z-]*\).*/\1 \2/p' | tr '\n' ' ')
m=$(missing "$code" "$man")
[ -z "$m" ] || bad "oomqd(8) does not document $m"
m=$(missing "$man" "$code")
[ -z "$m" ] || bad "oomqd(8) documents options oomqd lacks: $m"
code=$(echo "$help" | sed -n '/^Exit status:/,$s/^  \([0-9]\)  .*/\1/p' | tr '\n' ' ')
man=$(section "$top/man/oomqd.8" "EXIT STATUS" | sed -n 's/^\.B \([0-9]\)$/\1/p' |
	tr '\n' ' ')
[ "$code" = "$man" ] || bad "oomqd exit statuses: --help '$code', oomqd(8) '$man'"

# oomqctl: commands, their options and exit statuses.
help=$("$bin/oomqctl" --help)
code=$(echo "$help" | sed -n 's/^\(usage:\)\{0,1\} *oomqctl \([a-z-]*\).*/\2/p' | tr '\n' ' ')
man=$(section "$top/man/oomqctl.8" SYNOPSIS | awk '
	prev == ".SY oomqctl" { sub(/^\.BR? /, ""); sub(/[ |].*/, ""); print }
	{ prev = $0 }' | grep -v '^help$' | tr '\n' ' ')
m=$(missing "$code" "$man")
[ -z "$m" ] || bad "oomqctl(8) does not document the commands $m"
m=$(missing "$man" "$code")
[ -z "$m" ] || bad "oomqctl(8) documents commands oomqctl lacks: $m"
code=$(echo "$help" | grep -o -- '--[a-z-]*' | sort -u | tr '\n' ' ')
man=$(section "$top/man/oomqctl.8" SYNOPSIS | grep -o -- '--[a-z-]*' |
	grep -v '^--help$' | sort -u | tr '\n' ' ')
[ "$code" = "$man" ] || bad "oomqctl options: --help '$code', oomqctl(8) '$man'"
code=$(echo "$help" | sed -n '/^exit:/,$p' | grep -o '[0-9] [a-z]' | cut -c1 | tr '\n' ' ')
man=$(section "$top/man/oomqctl.8" "EXIT STATUS" | sed -n 's/^\.B \([0-9]\)$/\1/p' |
	tr '\n' ' ')
[ "$code" = "$man" ] || bad "oomqctl exit statuses: --help '$code', oomqctl(8) '$man'"

[ "$fail" = 0 ] || exit 1
echo "check-man: man pages lint-clean and in step with --help"
