# SPDX-License-Identifier: GPL-2.0
# tests/tests.mk - the test suites of the Makefile (included at its end):
# every suite writes TAP to build/results/, `make check` runs them all and
# counts, `summary` counts again.  The VM suites are one line each,
# $(SUITE) NAME [SERIES] (tools/run-suite.sh, tests/suites/NAME.suite);
# the build rules they depend on (module-vm, module-S, kunit-module...)
# are the Makefile's.


unit: engine-test claimctl-test tools-test

# The TAP counter's own test (it decides what `make check` reports), and the
# splat check's (it decides whether a VM run with a kernel report passed).
# deps-test checks that the build group is there: install it first (the
# first target of `make check` on a fresh machine).
tools-test: deps-build
	@mkdir -p $(RESULTS)
	$(TOP)/tools/tap-count.sh --selftest > $(RESULTS)/tools.tap
	$(TOP)/tools/deps-test.sh > $(RESULTS)/deps.tap
	$(TOP)/tools/splat-check.sh --selftest > $(RESULTS)/splat.tap
	$(TOP)/tools/kbuild-test.sh > $(RESULTS)/kbuild.tap
	$(TOP)/tools/make-help-test.sh > $(RESULTS)/make-help.tap

# tools/vm.sh itself: a panicking and a hung guest are reported by name
# with the panic's first lines (stderr, TAP, tap-count), and live text
# patching (trace events toggled while the other vCPU schedules) cannot
# crash a guest under vm.sh's single-threaded TCG, on 6.1 and 6.12.
vm-harness-test: deps-vm deps-vm612
	@mkdir -p $(RESULTS)
	set -o pipefail; $(TOP)/tools/vm-harness-test.sh | tee $(RESULTS)/vm-harness.tap

engine-test: deps-build deps-test deps-kunit
	nice $(MAKE) -C userspace/engine-test check

claimctl-test: deps-build deps-test
	nice $(MAKE) -C userspace unit-test

# Real VMs: nested QEMU in a two-node VM runs the tiny multiboot guest of
# vmguest/ with a numaclaims domain as its RAM (tests/guest/realvm.sh).
realvm: module-vm userspace deps-vm
	$(SUITE) realvm

# membench's smoke mode against the real module: placement of a domain's
# mapped memory as Linux sees it, and claimctl run (never a timing).
membench-smoke: module-vm userspace deps-vm
	@mkdir -p $(RESULTS)
	$(SUITE) membench-smoke

# The builder planner (claimctl build) in a four-node VM with asymmetric
# SLIT distances (QEMU -numa dist): plans from the live host, a storm of
# parallel builders, and stress/storm on that topology
# (tests/guest/planner-vm.sh).
planner-vm: module-vm userspace deps-vm
	@mkdir -p $(RESULTS)
	$(SUITE) planner-vm

# The one command for a real server (tools/hw-check.sh): prerequisites,
# build for the running kernel, load with pools of 10% of each node's free
# memory (HW_CHECK="--pool-percent 20" or other options of hw-check.sh),
# kselftests, KUnit with CONFIG_KUNIT=m, the benchmark, unload, memory
# back; report in build/hw-check/.  Loads the module into THIS kernel.
# deps-kunit: linux-source-6.1, whose kselftest headers the selftests use.
HW_CHECK ?=
hw-check: deps-build deps-kunit
	$(TOP)/tools/hw-check.sh $(HW_CHECK)

# hw-check.sh in a two-node VM as if it were the server (prebuilt
# artifacts), then its report, JSON (docs/hw-check.schema.json) and the
# claimctl metrics it recorded checked on the host; a second run on the
# debug kernel (CONFIG_KUNIT=y) covers the KUnit step (tools/hw-check-vm.sh).
hw-check-vm: module-vm userspace kunit-module deps-vm deps-test deps-kunit
	@mkdir -p $(RESULTS)
	nice $(MAKE) -s -C selftests
	nice $(MAKE) -s -C bench membench
	set -o pipefail; $(TOP)/tools/hw-check-vm.sh | tee $(RESULTS)/hw-check-vm.tap

# claimctl against the real module in a two-node VM; then the JSON it
# printed there against docs/claimctl.schema.json (jq, python3-jsonschema).
claimctl-smoke: module-vm userspace deps-test
	@mkdir -p $(RESULTS)
	$(SUITE) claimctl-smoke

# The node scrubbers keep off isolated CPUs (isolcpus=1: node 1's only CPU).
scrub-isolcpus: module-vm deps-test
	@mkdir -p $(RESULTS)
	$(SUITE) scrub-isolcpus

selftests: selftests-2 selftests-4

selftests-2 selftests-4: selftests-%: module-vm deps-kunit
	$(SUITE) selftests-$*

# selftests/Makefile with the kernel's lib.mk: dropped into a copy of the
# kselftest part of linux-source-6.1 as tools/testing/selftests/numaclaims
# and built, run (SKIP: no module on the host), installed; and out of tree.
selftests-libmk: deps-build deps-kunit
	@mkdir -p $(RESULTS)
	nice $(TOP)/selftests/libmk-test.sh > $(RESULTS)/selftests-libmk.tap

# kunit/.kunitconfig parses with kunit.py's parser and is a subset of the
# debug kernel's fragment.
kunitconfig-test: deps-kunit
	@mkdir -p $(RESULTS)
	$(TOP)/tools/kunitconfig-test.sh > $(RESULTS)/kunitconfig.tap

kunit: kunit-2 kunit-4 selftests-debug

kunit-2 kunit-4: kunit-%: kunit-module
	$(SUITE) kunit-$*

# The kselftests on the debug kernel: lockdep and KASAN see the ioctl paths.
# About 10 minutes with both host cores busy (create_enospc alone about 400 s
# of its 1200 s scaled timeout), so the VM gets 40.
selftests-debug: kunit-module
	$(SUITE) selftests-debug

# The kernel matrix's test targets (SERIES, module-S: the Makefile):
# selftests-S and selftests-S-4 (the kselftests in a 2- and a 4-node VM),
# realvm-S; kunit-612 on 6.12's debug kernel.
$(addprefix selftests-,$(SERIES)): selftests-%: module-% deps-vm deps-kunit
	$(SUITE) selftests-2 $*

$(foreach s,$(SERIES),selftests-$(s)-4): selftests-%-4: module-% deps-vm deps-kunit
	$(SUITE) selftests-4 $*

$(addprefix realvm-,$(SERIES)): realvm-%: module-% userspace deps-vm
	$(SUITE) realvm $*

kunit-612: kunit-module-612
	$(SUITE) kunit-2 612

# Reliability: boot storms, random operations, crashes, hostile input,
# isolation, engine fuzzing.  `stress-short` (about 2 minutes) is part of
# `make check`; `make stress` is the full run (about 25 minutes) that
# docs/RELIABILITY.md reports.
stress-short: module-vm kunit-module deps-vm deps-test
	$(TOP)/stress/run_vm.sh --short

stress: module-vm kunit-module deps-vm deps-test
	$(TOP)/stress/run_vm.sh

# Packaging, host side (no VM): man pages (mandoc lint, man -l, a page per
# exported symbol), the bash completion against claimctl's command table,
# the module's modinfo (version, a description for every parameter) and
# make install-module (staged and live, with depmod), the Python binding's
# unit tests.  make install itself is claimctl-test's libclaims-install.
.PHONY: pkg-test dkms-test pkg-vm
pkg-test: userspace module-vm deps-pkg
	@mkdir -p $(RESULTS)
	nice $(MAKE) -s -C python
	@set -o pipefail; rc=0; \
	CLAIMCTL=$(BUILD)/userspace/claimctl bash $(TOP)/packaging/tests/man-test.sh $(TOP) \
		| tee $(RESULTS)/man.tap || rc=1; \
	CLAIMCTL=$(BUILD)/userspace/claimctl bash $(TOP)/packaging/tests/completion-test.sh $(TOP) \
		| tee $(RESULTS)/completion.tap || rc=1; \
	bash $(TOP)/packaging/tests/module-test.sh $(BUILD)/kbuild/debian/numaclaims.ko $(VM_KDIR) \
		| tee $(RESULTS)/modinfo.tap || rc=1; \
	$(MAKE) -s -C python check || rc=1; \
	bash $(TOP)/packaging/tests/python-install-test.sh | tee $(RESULTS)/python-install.tap || rc=1; \
	exit $$rc

# DKMS add/build/install/remove against the VM kernel's headers
# (packaging/tests/dkms-test.sh; the host kernel loads no module, so build
# and install only, and nothing is left in /lib/modules).
dkms-test: deps-build deps-vm deps-dkms
	@mkdir -p $(RESULTS)
	set -o pipefail; bash $(TOP)/packaging/tests/dkms-test.sh $(KVER) | tee $(RESULTS)/dkms.tap

# In a 2-node VM: the example domain builder (built statically against a
# make install into build/pkg/prefix, with pkg-config) and the Python
# binding on a CPython staged into the initramfs
# (tests/guest/pkg-vm.sh, python-stage.sh).
pkg-vm: module-vm userspace deps-vm deps-pkg
	$(SUITE) pkg-vm

# The libvirt hook (packaging/libvirt/numaclaims-hook, docs/LIBVIRT.md) in a
# 2-node VM: run as libvirt runs it on the sample domain XMLs of
# packaging/libvirt/tests, then libvirt's own QEMU command line for them
# (virsh domxml-to-native) as the QEMU user on the domains it made
# (tests/suites/libvirt-vm.suite, tests/guest/libvirt-vm.sh).
.PHONY: libvirt-vm
libvirt-vm: module-vm userspace deps-vm deps-libvirt
	nice $(SUITE) libvirt-vm

# The kernel matrix in `make check`: the 2-node kselftests on every series,
# and on the newest (the last of SERIES) the 4-node ones and the real VMs
# too; KUnit on 6.12's debug kernel.
NEWEST := $(lastword $(SERIES))
CHECK_SERIES := $(addprefix selftests-,$(SERIES)) kunit-612 selftests-$(NEWEST)-4 realvm-$(NEWEST)

# `make check` runs every suite even if one fails, then counts.
CHECK_SUITES := tools-test vm-harness-test selftests-libmk kunitconfig-test engine-test claimctl-test pkg-test dkms-test claimctl-smoke scrub-isolcpus pkg-vm libvirt-vm planner-vm hw-check-vm membench-smoke realvm selftests-2 selftests-4 kunit-2 \
		kunit-4 selftests-debug $(CHECK_SERIES) stress-short

check:
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@failed=0; for s in $(CHECK_SUITES); do \
		echo "=== make $$s ==="; \
		if ! $(MAKE) --no-print-directory $$s; then \
			echo "=== $$s FAILED ==="; failed=1; \
			echo "not ok 1 make $$s" > $(RESULTS)/make-$$s.tap; \
		fi; \
	done; \
	$(TOP)/tools/tap-count.sh $(RESULTS)/*.tap; \
	exit $$failed

summary:
	@$(TOP)/tools/tap-count.sh $(RESULTS)/*.tap

