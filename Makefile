# SPDX-License-Identifier: GPL-2.0
# vfio-pci reset and error-recovery series: build, boot and test harness.
# Every target is a thin wrapper around a script in scripts/; 'make help'
# lists them.  Make variables become the scripts' arguments.

SHELL := /bin/bash
S := scripts

# 'make' and 'make check' run every queue unless QUEUE= names one; the
# targets that work on one tree default to the mainline queue.
QUEUE ?=
Q1 := $(or $(QUEUE),mainline)
KSRC ?=
QEMU ?=
TESTS ?=
CMD ?=
FORCE ?=
VARIANT ?=
RUN_ARGS = $(if $(QUEUE),--queue '$(QUEUE)') $(if $(KSRC),--ksrc '$(KSRC)') \
	$(if $(QEMU),--qemu '$(QEMU)') $(if $(TESTS),--tests '$(TESTS)')
KERNEL = build/$(Q1)/kbuild/arch/x86/boot/bzImage

.PHONY: all check deps qemu tree export kernel selftests tools initramfs run \
	shell qemu-cmdline host-test series-check soak ab help clean distclean

all:
	@bash $(S)/main.sh all $(RUN_ARGS)

# VARIANT=name: not the default check but one queue's kernel variant
# (configs/variant/NAME: e.g. kcsan) running the tests that variant lists.
ifeq ($(VARIANT),)
check:
	@bash $(S)/main.sh check $(RUN_ARGS)
else
check: tree initramfs qemu
	@bash $(S)/variant.sh '$(VARIANT)' '$(Q1)' $(if $(QEMU),--qemu '$(QEMU)')
endif

deps:
	@bash $(S)/deps.sh

qemu: deps
	@bash $(S)/qemu.sh setup '$(QEMU)'

tree: deps
	@bash $(S)/tree.sh '$(Q1)' '$(KSRC)' $(if $(FORCE),force)

export:
	@bash $(S)/export.sh '$(Q1)'

kernel: tree
	@bash $(S)/build-kernel.sh '$(Q1)'

selftests: deps
	@bash $(S)/tree.sh mainline
	@bash $(S)/build-selftests.sh

tools: selftests
	@bash $(S)/build-tools.sh

initramfs: selftests tools
	@bash $(S)/initramfs.sh

# TESTS="a b": only those test binaries.  CMD='...': run that one shell
# command in the guest instead, and return its exit status.
run: kernel initramfs qemu
ifneq ($(CMD),)
	@bash $(S)/run-vm.sh cmd $(KERNEL) --results build/results/$(Q1) --cmd '$(CMD)' $(if $(QEMU),--qemu '$(QEMU)')
else
	@bash $(S)/vm-verdict.sh '$(Q1)' $(if $(TESTS),--tests '$(TESTS)') $(if $(QEMU),--qemu '$(QEMU)')
endif

shell: kernel initramfs qemu
	@bash $(S)/run-vm.sh shell $(KERNEL) $(if $(QEMU),--qemu '$(QEMU)')

qemu-cmdline: qemu
	@bash $(S)/run-vm.sh print $(KERNEL) $(if $(QEMU),--qemu '$(QEMU)')

# The soak: the race suite with its soak case raised to SOAK_RESETS resets
# or SOAK_SECONDS seconds, whichever comes first.
SOAK_RESETS ?= 1000
SOAK_SECONDS ?= 900
soak: kernel initramfs qemu
	@bash $(S)/soak.sh '$(Q1)' --resets '$(SOAK_RESETS)' --seconds '$(SOAK_SECONDS)' $(if $(QEMU),--qemu '$(QEMU)')

ab: kernel initramfs qemu
	@bash $(S)/ab.sh '$(Q1)' $(if $(QEMU),--qemu '$(QEMU)') $(if $(TESTS),--tests '$(TESTS)')

host-test: selftests
	@bash $(S)/host-tests.sh

series-check: tree
	@bash $(S)/series-check.sh '$(Q1)' all

help:
	@echo 'make             every queue: build base + series, boot QEMU, run the kselftests'
	@echo 'make check       + host tests and series checks (round trip, checkpatch, per-patch'
	@echo '                 build, sparse/W=1); ends with "N passed, N failed, N skipped"'
	@echo 'make check VARIANT=kcsan  one queue'"'"'s kernel variant (configs/variant/) on its tests'
	@echo 'make tree        build/QUEUE/linux = base + patches/QUEUE (one commit per patch)'
	@echo 'make export      write build/QUEUE/linux commits back to patches/QUEUE'
	@echo 'make kernel      configure (tinyconfig + configs/) and build the queue'"'"'s bzImage'
	@echo 'make selftests   build tools/testing/selftests/vfio (static) from build/mainline/linux'
	@echo 'make tools       build the static vfio-reset CLI for the guest'
	@echo 'make initramfs   pack busybox + kselftests + topology into build/initramfs.cpio'
	@echo 'make run         boot the queue'"'"'s kernel and run the kselftests (TESTS=, or CMD=)'
	@echo 'make shell       boot to an interactive guest shell (Ctrl-a x quits QEMU)'
	@echo 'make qemu-cmdline  print the QEMU command line without running it'
	@echo 'make host-test   harness parsers, shellcheck, tools/vfio-reset unit tests'
	@echo 'make series-check  round trip, checkpatch, per-patch build, sparse/W=1 of one queue'
	@echo 'make ab          the same tests on the base and the series kernel of one queue'
	@echo 'make soak        the race suite with its soak case raised (SOAK_RESETS=1000 SOAK_SECONDS=900)'
	@echo 'make clean       remove results, initramfs and test builds (keeps bases and kernels)'
	@echo 'make distclean   remove build/ entirely'
	@echo 'Variables: QUEUE=mainline|6.12 (all/check: default every queue; others: mainline)'
	@echo '           KSRC=/path/to/linux (with QUEUE=)  QEMU=/path/to/qemu-system-x86_64'
	@echo '           TESTS="vfio_pci_hot_reset_test ..."  CMD="shell command"  FORCE=1 (tree)'
	@echo '           VARIANT=kcsan (check: that kernel variant of QUEUE, default mainline)'

clean:
	rm -rf build/results build/initramfs build/initramfs.cpio build/selftests \
		build/vfio-reset build/vfio-reset-static build/*/per-patch.ok

distclean:
	rm -rf build
