#!/bin/bash
# Pack the guest's initramfs without root: busybox (static), the guest
# scripts, the topology's device table, the kselftests and, when built, the
# static vfio-reset CLI.  cpio -R 0:0 makes every file root's.
set -eu
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2153 # SELFTESTS and INITRD come from lib.sh
ROOT=$BUILD/initramfs
rm -rf "$ROOT"
mkdir -p "$ROOT"/bin "$ROOT"/lib/vfio-harness "$ROOT"/etc "$ROOT"/usr/lib/kselftests
cp /bin/busybox "$ROOT/bin/busybox"
ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' ||
	die "/bin/busybox is not static: apt-get install busybox-static"
install -m 755 "$TOP/scripts/guest/init" "$ROOT/init"
install -m 755 "$TOP/scripts/guest/qemu-monitor" "$ROOT/bin/qemu-monitor"
install -m 644 "$TOP/scripts/guest/topology.sh" "$TOP/scripts/guest/run-tests.sh" \
	"$TOP/scripts/guest/bench.sh" "$TOP/scripts/guest/kmemleak.sh" "$ROOT/lib/vfio-harness/"
python3 "$TOP/scripts/topology.py" guest-table "$TOP/configs/topology" >"$ROOT/etc/vfio-topology"
install -m 644 "$TOP/configs/guest-tests" "$ROOT/etc/vfio-tests"
[ -d "$SELFTESTS/install" ] || die "no kselftests in $SELFTESTS: run 'make selftests'"
cp -a "$SELFTESTS/install" "$ROOT/usr/lib/kselftests/vfio"
if [ -x "$BUILD/vfio-reset-static/vfio-reset" ]; then
	# The CLI, the device keeper example and their in-guest integration
	# test, run after the kselftests.
	cp "$BUILD/vfio-reset-static/vfio-reset" "$BUILD/vfio-reset-static/device-keeper" \
		"$ROOT/bin/"
	install -m 755 "$TOP/tools/vfio-reset/tests/guest-test.sh" \
		"$ROOT/usr/lib/kselftests/vfio/vfio_reset_cli_test.sh"
	echo "vfio_reset_cli_test.sh all" >>"$ROOT/etc/vfio-tests"
fi
(cd "$ROOT" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$INITRD"
say "initramfs: $INITRD ($(du -h "$INITRD" | cut -f1))"
