# SPDX-License-Identifier: GPL-2.0
# vfio-pci reset and error-recovery series: build, boot and test harness.
# Every target is a thin wrapper around a script in scripts/; 'make help'
# lists them.  KSRC=/path/to/linux uses your own tree as the base (it is
# copied, never modified).

SHELL := /bin/bash
export KSRC TESTS VM_TIMEOUT

S := scripts

.PHONY: all check tree export kernel selftests tools initramfs run shell \
	host-test series-check ab deps help clean distclean

all:
	@bash $(S)/main.sh all

check:
	@bash $(S)/main.sh check

deps:
	@bash $(S)/deps.sh $(if $(KSRC),--no-base)

tree: deps
	@bash $(S)/tree.sh

export:
	@bash $(S)/export.sh

kernel: tree
	@bash $(S)/build-kernel.sh

selftests: tree
	@bash $(S)/build-selftests.sh

tools: tree
	@bash $(S)/build-tools.sh

initramfs: selftests tools
	@bash $(S)/initramfs.sh

run: kernel initramfs
	@bash $(S)/run.sh

shell: kernel initramfs
	@bash $(S)/run-vm.sh shell

ab: kernel initramfs
	@bash $(S)/ab.sh

host-test: tree
	@bash $(S)/host-tests.sh

series-check: tree
	@bash $(S)/series-check.sh all

help:
	@echo 'make             build base + series, boot QEMU, show the reset topology, run the kselftests'
	@echo 'make check       host tests + series checks (round trip, checkpatch, per-patch build,'
	@echo '                 sparse/W=1) + kernel + VM run; ends with "N passed, N failed, N skipped"'
	@echo 'make tree        build/linux = base + patches/ (one commit per patch)'
	@echo 'make export      write build/linux commits back to patches/'
	@echo 'make kernel      configure (tinyconfig + configs/*.config) and build bzImage'
	@echo 'make selftests   build tools/testing/selftests/vfio (static) from build/linux'
	@echo 'make tools       build the static vfio-reset CLI for the guest'
	@echo 'make initramfs   pack busybox + kselftests + topology into build/initramfs.cpio'
	@echo 'make run         boot and run the kselftests (no rebuild of what is current)'
	@echo 'make shell       boot to an interactive guest shell (Ctrl-a x quits QEMU)'
	@echo 'make host-test   harness parsers, shellcheck, tools/vfio-reset unit tests'
	@echo 'make series-check  round trip, checkpatch, per-patch build, sparse/W=1'
	@echo 'make ab          the same tests on the base kernel and the series kernel: table + latencies'
	@echo 'make clean       remove build/ except the extracted base and the kernel objects'
	@echo 'make distclean   remove build/ entirely'
	@echo 'Variables: KSRC=/path/to/linux  VM_TIMEOUT=seconds  JOBS=n'
	@echo '           TESTS="vfio_smoke_test ..." (make run: only those test binaries)'

clean:
	rm -rf build/results build/initramfs build/initramfs.cpio build/selftests \
		build/vfio-reset build/vfio-reset-static build/per-patch.ok

distclean:
	rm -rf build
