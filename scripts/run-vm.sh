#!/bin/bash
# Boot a test kernel in QEMU on the topology of configs/topology.
#
#   run-vm.sh MODE KERNEL [options]
#     MODE check   run the kselftests of configs/guest-tests; console in
#                  RESULTS/console.log; QEMU is killed at the timeout
#     MODE cmd     run one shell command in the guest (--cmd); exit with its status
#     MODE shell   interactive guest shell on this terminal
#     MODE print   print the QEMU command line, one argument per line; run nothing
#   options:
#     --results DIR      where console.log goes (check, cmd)
#     --tests "A B"      only these test binaries (check)
#     --cmd "COMMAND"    the guest command (cmd)
#     --require LIST     features the kernel must offer (VFIO_SELFTESTS_REQUIRE),
#                        besides fault-injection, which every harness kernel has
#     --env "K=V ..."    environment of the kselftests (check), e.g. the
#                        soak's bounds; names and values without spaces or commas
#     --timeout SECONDS  kill QEMU after this long (default 3600)
#     --qemu PATH        this qemu-system-x86_64 (else scripts/qemu.sh chooses)
#
# TCG only (KVM does not work on these machines), two vCPUs.  The guest
# reaches QEMU's HMP monitor through a virtio-serial port named
# qemu-monitor: a unix socket serves the monitor and a second chardev of
# the same QEMU connects to it.
# Exit status (check): 0 guest finished, 124 timeout, other: QEMU failed.
set -eu
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: run-vm.sh check|cmd|shell|print KERNEL [--results DIR] [--tests LIST] [--cmd CMD] [--require LIST] [--env LIST] [--timeout S] [--qemu PATH]"
mode=$1 kernel=$2
shift 2
results='' tests='' cmd='' require='' env='' timeout=3600 qemu=''
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "run-vm.sh: $1 needs a value"
	case $1 in
	--results) results=$2 ;;
	--tests) tests=$2 ;;
	--cmd) cmd=$2 ;;
	--require) require=$2 ;;
	--env) env=$2 ;;
	--timeout) timeout=$2 ;;
	--qemu) qemu=$2 ;;
	*) die "run-vm.sh: unknown option $1" ;;
	esac
	shift 2
done
case $mode in check | cmd | shell | print) ;; *) die "run-vm.sh: unknown mode $mode" ;; esac
[ "$mode" != cmd ] || [ -n "$cmd" ] || die "run-vm.sh cmd needs --cmd 'COMMAND'"
for kv in $env; do
	[[ $kv =~ ^[A-Z_][A-Z0-9_]*=[^,]*$ ]] || die "run-vm.sh --env: '$kv' is not NAME=VALUE (no commas)"
done
[ -f "$kernel" ] || die "no kernel at $kernel: run 'make kernel'"
# QEMU may run in a chroot that sees build/ at the same absolute path.
kernel=$(realpath "$kernel")
[ -f "$INITRD" ] || die "no initramfs at $INITRD: run 'make initramfs'"

run=$(mktemp -d /tmp/vfio-vm.XXXXXX)
trap 'rm -rf "$run"' EXIT
# The guest command travels in a file of its own initramfs overlay: the
# kernel command line would mangle quotes and spaces.
if [ "$mode" = cmd ]; then
	mkdir -p "$run/overlay/etc"
	printf '%s\n' "$cmd" >"$run/overlay/etc/vfio-cmd"
	(cd "$run/overlay" && find . | cpio --quiet -o -H newc -R 0:0) >"$run/cmd.cpio"
	cat "$INITRD" "$run/cmd.cpio" >"$run/initrd"
else
	ln -s "$INITRD" "$run/initrd"
fi

# One 1 GiB and two 2 MiB huge pages for upstream's DMA-mapping test.
append="console=ttyS0 panic=-1 rdinit=/init vfio_pci.enable_sriov=1 hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=2 vfio.mode=$mode"
[ -z "$tests" ] || append="$append vfio.tests=$(echo "$tests" | tr ' ' ,)"
# Every kernel the harness builds carries configs/20-debug.config, whose
# fault injection the fail-nth test needs: never let it skip here.
require=${require:+$require,}fault-injection
append="$append vfio.require=$require"
[ -z "$env" ] || append="$append vfio.env=$(echo "$env" | tr ' ' ,)"

# shellcheck disable=SC2207 # one QEMU argument per line, none with spaces
topology=($(python3 "$TOP/scripts/topology.py" qemu-args "$TOP/configs/topology"))
# la57=off: with 5-level paging, the KASAN kernels (6.12 and 7.3) now and
# then report a wild-memory-access in handle_edge_irq() during early boot
# (an interrupt taken in identify_cpu(), on an irq_desc in the 5-level
# direct map), before any driver runs; 4-level paging is what the hosts
# these kernels run on mostly use anyway.
# shellcheck disable=SC2054 # the commas are QEMU option syntax
args=(
	-machine q35,kernel-irqchip=split -accel tcg,thread=multi -cpu max,la57=off -smp 2 -m 4G
	-nodefaults -no-reboot -display none
	# The IOMMU first: QEMU wants it before the devices it translates for.
	-device intel-iommu,intremap=on,caching-mode=on
	"${topology[@]}"
	-chardev "socket,id=hmp,path=$run/hmp.sock,server=on,wait=off"
	-object monitor-hmp,id=hmp_mon,chardev=hmp,readline=on
	-device virtio-serial-pci,id=vser,bus=pcie.0,addr=0x1e
	-chardev "socket,id=hmp_guest,path=$run/hmp.sock"
	-device virtserialport,bus=vser.0,chardev=hmp_guest,name=qemu-monitor
	-kernel "$kernel" -initrd "$run/initrd"
	-append "$append"
)
qemu_exec() { bash "$TOP/scripts/qemu.sh" exec "$qemu" -- "${args[@]}" "$@"; }

case $mode in
print)
	bash "$TOP/scripts/qemu.sh" setup "$qemu"
	printf '%s\n' qemu-system-x86_64 "${args[@]}" -serial stdio
	;;
shell)
	bash "$TOP/scripts/qemu.sh" setup "$qemu"
	qemu_exec -serial mon:stdio
	;;
check | cmd)
	[ -n "$results" ] || die "run-vm.sh $mode needs --results DIR"
	mkdir -p "$results"
	console=$results/console.log
	bash "$TOP/scripts/qemu.sh" setup "$qemu"
	say "booting: $kernel, $(grep -c -- '^' "$BUILD/initramfs/etc/vfio-topology") devices with roles; console: $console (timeout ${timeout}s)"
	filter='^(vfio-harness|  [0-9A-Z]|KTAP|ok |not ok |# vfio-harness)'
	[ "$mode" = cmd ] && filter='^(vfio-harness: |vfio-cmd: )'
	set +e
	timeout -s KILL "$timeout" bash "$TOP/scripts/qemu.sh" exec "$qemu" -- "${args[@]}" -serial stdio </dev/null |
		tee "$console" | grep --line-buffered -E "$filter" | sed -u 's/^vfio-cmd: //'
	status=${PIPESTATUS[0]}
	set -e
	[ "$status" = 137 ] && exit 124
	[ "$status" = 0 ] || exit "$status"
	if [ "$mode" = cmd ]; then
		rc=$(sed -n 's/^vfio-harness: command exit status \([0-9]*\).*/\1/p' "$console" | tail -n 1)
		[ -n "$rc" ] || die "the guest did not finish the command (console: $console)"
		exit "$rc"
	fi
	;;
esac
