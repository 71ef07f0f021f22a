#!/bin/sh
# checkpatch --strict and sparse over the kernel side (module/, include/).
# checkpatch.pl comes from Debian's linux-source package at run time; it
# is not copied into this tree.
#   scripts/style.sh KVER
set -eu

kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/style
tools=$out/checkpatch

if [ ! -x "$tools/scripts/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null |
		sort -V | tail -n 1)
	if [ -z "$tarball" ]; then
		echo "style: install linux-source-6.1 for checkpatch.pl" >&2
		exit 1
	fi
	mkdir -p "$tools"
	dir=$(basename "$tarball" .tar.xz)
	tar -xJf "$tarball" -C "$tools" --strip-components=1 \
		"$dir/scripts/checkpatch.pl" "$dir/scripts/spelling.txt" \
		"$dir/scripts/const_structs.checkpatch"
fi

cd "$top"
status=0
# The UAPI header is shared with user space and keeps its own types.
"$tools/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
	-f module/*.c module/*.h module/compat/*.c include/uapi/linux/oomq.h || status=1

# C=2: run sparse over every file, not only the ones rebuilt.
if ! "$top/scripts/kbuild.sh" "$kver" "$out/sparse-$kver" C=2 CHECK=sparse; then
	status=1
fi
[ $status = 0 ] && echo "style: checkpatch --strict and sparse clean"
exit $status
