#!/bin/sh
# Boot Debian's arm64 kernel in qemu-system-aarch64 (TCG, a few seconds)
# with an initramfs of static arm64 busybox, the cross-built oomq.ko and
# the static oomqd and oomqctl, and check that the module loads and
# works there: /proc/oom, oomqctl status (2 before insmod, 0 after), the
# task dump oomqd ranks from, oomqd --once, rmmod.  Real OOMs are the
# amd64 VM bench's job (tests/vm): the steering code is the same.
#
#   scripts/check-cross-vm.sh KERNEL DIR   e.g. arm64-6.1 build/aarch64-linux-gnu
#
# KERNEL is a spec of tests/vm/kernels.sh, which fetches its image; DIR/
# static holds oomqd and oomqctl, build/kbuild/KERNEL/module/oomq.ko the
# module (make check-cross-module).  busybox's .deb is downloaded to
# DIR/debs and unpacked, not installed.
set -eu

spec=$1 dir=$2
eval "$(tests/vm/kernels.sh info "$spec")"
debs=$dir/debs
vm=$dir/vm/$kver
mkdir -p "$debs" "$vm"

cached() {
	for d in "$debs/$1_"*_arm64.deb; do
		[ -f "$d" ] && echo "$d"
	done | tail -n 1
}

# fetch PACKAGE: the newest downloaded .deb of PACKAGE:arm64.
fetch() {
	if [ -z "$(cached "$1")" ]; then
		(cd "$debs" && apt-get download -qq \
			-o APT::Sandbox::User=root "$1:arm64" >&2)
	fi
	cached "$1"
}

tests/vm/kernels.sh fetch "$spec"

root=$vm/root
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
dpkg-deb --fsys-tarfile "$(fetch busybox-static)" |
	tar -x -O ./bin/busybox >"$root/bin/busybox"
chmod 755 "$root/bin/busybox"
cp "$dir/static/oomqd" "$dir/static/oomqctl" "$root/bin/"
cp "build/kbuild/$spec/module/oomq.ko" agent/oomqd.conf "$root/"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "== uname: $(uname -rm)"
oomqctl status >/dev/null 2>&1
echo "== status-before: $?"
insmod /oomq.ko
echo "== insmod: $?"
sleep 1000 &
s1=$!
sleep 1000 &
s2=$!
echo "$s2 $s1" >/proc/oom
[ "$(cat /proc/oom)" = "$s2 $s1" ]
echo "== proc-oom: $?"
oomqctl status | grep -qx "queue=$s2,$s1"
echo "== status-after: $?"
oomqd --list --source netlink -c /oomqd.conf >/tmp/list
grep -q "^# source: netlink task dump" /tmp/list &&
	grep -q "^ *[0-9]* *$s1 sleep " /tmp/list
echo "== list-netlink: $?"
oomqd --once -c /oomqd.conf
echo "== once: $?"
[ -n "$(cat /proc/oom)" ]
echo "== once-queue: $?"
kill $s1 $s2
rmmod oomq
echo "== rmmod: $?"
dmesg | grep -E "WARNING|BUG|Oops|Call trace" >/dev/null
echo "== no-warnings: $(($? == 1 ? 0 : 1))"
poweroff -f
INIT
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$vm/initrd.gz"

timeout 180 qemu-system-aarch64 -M virt -cpu cortex-a57 -m 384 -smp 1 \
	-nographic -no-reboot -kernel "$image" -initrd "$vm/initrd.gz" \
	-append "console=ttyAMA0 panic=-1 quiet" >"$vm/console.log" 2>&1 || true

passed=0
failed=0
for c in status-before:2 insmod:0 proc-oom:0 status-after:0 \
	list-netlink:0 once:0 once-queue:0 rmmod:0 no-warnings:0; do
	got=$(sed -n "s/^== ${c%:*}: \([0-9]*\).*/\1/p" "$vm/console.log" | tr -d '\r')
	if [ "$got" = "${c#*:}" ]; then
		echo "ok   $kver ${c%:*}"
		passed=$((passed + 1))
	else
		echo "FAIL $kver ${c%:*}: got '${got}', want ${c#*:}"
		failed=$((failed + 1))
	fi
done
[ "$failed" = 0 ] || sed 's/^/     | /' "$vm/console.log" | tail -n 40
echo "check-cross-vm: $passed passed, $failed failed"
[ "$failed" = 0 ]
