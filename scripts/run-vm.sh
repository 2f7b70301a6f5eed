#!/bin/bash
# Boot the test kernel in QEMU on the topology of configs/topology.
#
#   run-vm.sh check   run the kselftests; console in build/results/console.log;
#                     QEMU is killed after VM_TIMEOUT seconds (default 900)
#   run-vm.sh shell   interactive guest shell on this terminal
#
# TCG only (KVM does not work on these machines).  The guest reaches QEMU's
# HMP monitor through a virtio-serial port named qemu-monitor: a unix socket
# serves the monitor and a second chardev of the same QEMU connects to it.
# TESTS="vfio_smoke_test ..." runs only those test binaries.
# Exit status: 0 guest finished, 124 timeout, other: QEMU failed.
set -eu
. "$(dirname "$0")/lib.sh"

mode=${1:-check}
KERNEL=${KERNEL:-$KBUILD/arch/x86/boot/bzImage}
INITRD=$BUILD/initramfs.cpio
VM_TIMEOUT=${VM_TIMEOUT:-900}
[ -f "$KERNEL" ] || die "no kernel at $KERNEL: run 'make kernel'"
[ -f "$INITRD" ] || die "no initramfs at $INITRD: run 'make initramfs'"

run=$(mktemp -d /tmp/vfio-vm.XXXXXX)
trap 'rm -rf "$run"' EXIT
mkdir -p "$RESULTS"

# shellcheck disable=SC2207 # one QEMU argument per line, none with spaces
topology=($(python3 "$TOP/scripts/topology.py" qemu-args "$TOP/configs/topology"))
# shellcheck disable=SC2054 # the commas are QEMU option syntax
args=(
	# One vCPU: QEMU 7.2 crashed once (SIGSEGV in the device emulation)
	# under the race test with two TCG vCPU threads.  The guest's threads
	# still preempt each other, and lockdep judges lock order, not timing.
	-machine q35,kernel-irqchip=split -accel tcg -cpu max -smp 1 -m 2G
	-nodefaults -no-reboot -display none
	# The IOMMU first: QEMU wants it before the devices it translates for.
	-device intel-iommu,intremap=on,caching-mode=on
	"${topology[@]}"
	-chardev "socket,id=hmp,path=$run/hmp.sock,server=on,wait=off"
	-mon chardev=hmp,mode=readline
	-device virtio-serial-pci,id=vser,bus=pcie.0,addr=0x1e
	-chardev "socket,id=hmp_guest,path=$run/hmp.sock"
	-device virtserialport,bus=vser.0,chardev=hmp_guest,name=qemu-monitor
	-kernel "$KERNEL" -initrd "$INITRD"
	-append "console=ttyS0 panic=-1 rdinit=/init vfio.mode=$mode${TESTS:+ vfio.tests=$(echo "$TESTS" | tr ' ' ,)}"
)

case $mode in
shell)
	exec qemu-system-x86_64 "${args[@]}" -serial mon:stdio
	;;
check)
	console=$RESULTS/console.log
	say "booting: $(basename "$KERNEL"), $(grep -c -- '^' "$BUILD/initramfs/etc/vfio-topology") devices with roles; console: $console (timeout ${VM_TIMEOUT}s)"
	set +e
	timeout -s KILL "$VM_TIMEOUT" qemu-system-x86_64 "${args[@]}" -serial stdio </dev/null |
		tee "$console" | grep --line-buffered -E '^(vfio-harness|  [0-9A-Z]|KTAP|ok |not ok |# vfio-harness)'
	status=${PIPESTATUS[0]}
	set -e
	[ "$status" = 137 ] && exit 124
	exit "$status"
	;;
*)
	die "usage: run-vm.sh check|shell"
	;;
esac
