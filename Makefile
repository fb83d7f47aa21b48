# SPDX-License-Identifier: GPL-2.0
# numaclaims: top-level Makefile.  Targets users run:
#
#   make demo           a boot storm of real tiny VMs (nested QEMU) on claimed memory
#   make check          every test (engine, claimctl, kselftests on 2 and 4 nodes,
#                       KUnit and the debug kernel, real VMs, stress-short)
#   make module         numaclaims.ko for the running kernel (KDIR=... for another)
#   make userspace      libclaims and claimctl in build/userspace
#   make install        claimctl, libclaims, headers, pkg-config, the udev rule and
#                       the libvirt hook (PREFIX, DESTDIR)
#   make uninstall      remove exactly what install installed
#   make install-module numaclaims.ko into /lib/modules/KREL/extra, depmod (KDIR, DESTDIR)
#   make dkms-install   DKMS: /usr/src/numaclaims-VERSION, rebuilt on kernel upgrades
#   make pkg-test       man pages, completion, modinfo, install-module, Python unit tests
#   make dkms-test      dkms add/build/install/remove against the VM kernel
#   make pkg-vm         the example builder and the Python binding in a 2-node VM
#   make libvirt-vm     the libvirt hook (packaging/libvirt) on sample domain XMLs,
#                       and libvirt's QEMU command line as the QEMU user, in a 2-node VM
#   make selftests      kselftests in 2- and 4-node VMs (module-vm: the VM kernel)
#   make kunit          KUnit in 2- and 4-node VMs on the debug kernel
#   make kunit-module   numaclaims_kunit.ko (KDIR=... on a CONFIG_KUNIT=m kernel)
#   The kernel matrix, S = 612 (Debian's 6.12, bookworm-backports) or 73
#   (Debian's 7.3, trixie-backports, built in a cached trixie root,
#   tools/trixie-root.sh): module-S, selftests-S (2 nodes), selftests-S-4
#   (4 nodes), realvm-S, i.e.
#   make module-612, selftests-612, selftests-612-4, realvm-612,
#        module-73, selftests-73, selftests-73-4, realvm-73
#   make kunit-612      KUnit on a 6.12 debug kernel (Debian's 6.12 has no KUnit)
#   make realvm         nested QEMU guests on a numaclaims domain
#   make planner-vm     the builder planner in a 4-node VM with asymmetric distances
#   make hw-check       on a real NUMA server: build, load, kselftests, KUnit, benchmark,
#                       unload, report (build/hw-check/hw-check.md, .json)
#   make hw-check-vm    tools/hw-check.sh in a 2-node VM, its report checked
#   make stress         the full reliability run (stress-short is in check)
#   make bench          benchmarks, figures into docs/PERFORMANCE.md
#   make bench-scrub    only the scrubbing benchmarks (bench/scrub-run.sh)
#   make help           this list
#
# Developers' targets, the fast ones first (each suite of `make check` is one):
#
#   make unit           engine-test, claimctl-test and tools-test: no VM
#   make engine-test    the accounting engine's userspace tests (gcc and clang, ASan/UBSan)
#   make claimctl-test  libclaims, claimctl and the planner, and `make install`, on the host
#   make tools-test     the TAP counter, the splat check, deps.sh, Kbuild, this help
#   make module-vm      numaclaims.ko for the VMs' Debian 6.1 kernel (make module-612: 6.12)
#   make selftests-2    kselftests in a 2-node VM (selftests-4: 4 nodes)
#   make claimctl-smoke claimctl against the module in a 2-node VM
#   make scrub-isolcpus the node scrubbers keep off isolated CPUs
#   make membench-smoke membench on a domain in a 2-node VM
#   make selftests-libmk the kselftests built by the kernel's lib.mk, in and out of tree
#   make kunitconfig-test kunit/numaclaims.kunitconfig against the kernel's Kconfig
#   make vm-harness-test tools/vm.sh reports a panicking and a hung guest
#   make kunit-kernel   build (once, cached) the 6.1 debug/KUnit kernel (kunit-kernel-612)
#   make kunit-2        KUnit in a 2-node VM (kunit-4: 4 nodes)
#   make kunit-module-612 numaclaims_kunit.ko for the 6.12 debug kernel
#   make selftests-debug the kselftests on the debug kernel (KASAN, lockdep, kmemleak)
#   make trixie-root-73 the cached Debian 13 root that builds for 7.3
#   make stress-short   the reliability run in about 4 minutes (in check)
#   make summary        count build/results/*.tap again
#   make clean          remove build/
#   make uninstall-module, dkms-source, dkms-uninstall: the undo of install-module,
#                       the DKMS source tree alone, dkms remove
#
# Server targets (module, userspace, install) install only build
# dependencies; the VM targets install the VM stack (tools/deps.sh).

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build
RESULTS := $(BUILD)/results
DEPS := $(TOP)/tools/deps.sh
# The one VM suite runner: $(SUITE) NAME [SERIES] runs tests/suites/NAME.suite.
SUITE := $(TOP)/tools/run-suite.sh
# The Debian 6.1 kernel the test VMs boot (tools/kver.sh), and its headers.
KVER = $(shell $(TOP)/tools/kver.sh)
VM_KDIR = /lib/modules/$(KVER)/build
# `make module` builds for the running kernel, as on a real server.
KDIR ?= /lib/modules/$(shell uname -r)/build
# The debug/KUnit kernel's build tree (built once, cached outside the repo).
KUNIT_KDIR = $(shell $(TOP)/tools/kunit-kernel.sh --print-kdir)

# The kernel series besides the VMs' 6.1: see "The kernel matrix" below.
SERIES := 612 73

.PHONY: all deps module module-vm uninstall userspace demo check unit tools-test engine-test claimctl-test claimctl-smoke scrub-isolcpus planner-vm \
	hw-check hw-check-vm \
	selftests selftests-2 selftests-4 selftests-libmk kunitconfig-test realvm membench-smoke kunit-kernel kunit kunit-module \
	kunit-2 kunit-4 selftests-debug summary install clean help bench bench-scrub stress stress-short \
	$(foreach s,$(SERIES),module-$(s) selftests-$(s) selftests-$(s)-4 realvm-$(s)) \
	kunit-kernel-612 kunit-module-612 kunit-612 trixie-root-73 vm-harness-test

all: module userspace

help:
	@sed -n '2,/^$$/s/^# \{0,1\}//p' Makefile

deps-%:
	@$(DEPS) $*

# Kbuild runs in a directory of symlinks (build/kbuild/<name>) so one source
# tree builds against several kernels and no object lands in the sources.
# $(call kbuild,<name>,<kdir>[,<command the make runs under>])
define kbuild
	@mkdir -p $(BUILD)/kbuild/$(1)/module $(BUILD)/kbuild/$(1)/kunit
	@ln -sfn $(TOP)/uapi $(BUILD)/kbuild/$(1)/uapi
	@ln -sf $(TOP)/Kbuild $(BUILD)/kbuild/$(1)/Kbuild
	@ln -sf $(TOP)/VERSION $(BUILD)/kbuild/$(1)/VERSION
	@for f in $(TOP)/module/*.[ch]; do ln -sf $$f $(BUILD)/kbuild/$(1)/module/; done
	@for f in $(TOP)/kunit/*.[ch]; do ln -sf $$f $(BUILD)/kbuild/$(1)/kunit/; done
	$(3) nice $(MAKE) -C $(2) M=$(BUILD)/kbuild/$(1) W=1 modules
endef

# numaclaims.ko for the running kernel (KDIR=... for another one): what a
# real server builds.  Needs only the compiler, make, libnuma-dev and that
# kernel's headers; never the VM stack.
module: deps-build
	@[ -f "$(KDIR)/Makefile" ] || { \
		echo "make module: no kernel headers in $(KDIR)." >&2; \
		echo "  Install the headers of the kernel you build for: linux-headers-$$(uname -r) (Debian, Ubuntu)," >&2; \
		echo "  kernel-devel-$$(uname -r) (Fedora, RHEL), or pass KDIR=/path/to/kernel/build." >&2; \
		exit 1; }
	$(call kbuild,host,$(KDIR))
	@mkdir -p $(BUILD)/module
	cp $(BUILD)/kbuild/host/numaclaims.ko $(BUILD)/module/

# numaclaims.ko for the Debian 6.1 kernel the test VMs boot (every VM test
# and the demo use this one); installs the VM stack.
module-vm: deps-build deps-vm
	$(call kbuild,debian,$(VM_KDIR))
	@mkdir -p $(BUILD)/module
	cp $(BUILD)/kbuild/debian/numaclaims.ko $(BUILD)/module/

userspace: deps-build
	nice $(MAKE) -C userspace all static

# claimctl, libclaims, headers, pkg-config, man pages, bash completion, the
# udev rule and the modprobe.d example (userspace/Makefile's install), and
# the libvirt hook (packaging/libvirt); the module is install-module's, or
# DKMS's.
install: userspace
	$(MAKE) -C userspace install
	$(MAKE) -C packaging/libvirt install

uninstall:
	$(MAKE) -C packaging/libvirt uninstall
	$(MAKE) -C userspace uninstall

# ---------------------------------------------------------------------------
# The module, installed for the kernel of KDIR (default the running one) in
# /lib/modules/KREL/extra, then depmod (a live install only: with DESTDIR
# the package's postinst runs depmod).  KREL is KDIR's kernel release.
PKG_VERSION := $(shell cat $(TOP)/VERSION)
# (UTS_RELEASE: Debian's include/config/kernel.release is the upstream version.)
KREL ?= $(shell sed -n 's/^#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR = /lib/modules/$(KREL)/extra
RUN_DEPMOD = $(if $(DESTDIR),,yes)

install-module: module
	@[ -n "$(KREL)" ] || { echo "install-module: no kernel release in $(KDIR)" >&2; exit 1; }
	install -D -m 0644 $(BUILD)/kbuild/host/numaclaims.ko $(DESTDIR)$(MODDIR)/numaclaims.ko
	$(if $(RUN_DEPMOD),depmod -a $(KREL))

uninstall-module:
	@[ -n "$(KREL)" ] || { echo "uninstall-module: no kernel release (KREL=...)" >&2; exit 1; }
	rm -f $(DESTDIR)$(MODDIR)/numaclaims.ko
	rmdir $(DESTDIR)$(MODDIR) 2>/dev/null || true
	$(if $(RUN_DEPMOD),depmod -a $(KREL))

# DKMS (dkms.conf): the module's sources, exactly, in
# DKMS_SRCTREE/numaclaims-VERSION; dkms-install adds, builds and installs
# them for DKMS_KVER (default the running kernel) and every later kernel.
DKMS ?= dkms
DKMS_SRCTREE ?= /usr/src
DKMS_TREE ?= /var/lib/dkms
DKMS_KVER ?= $(shell uname -r)
DKMS_SRC = $(DESTDIR)$(DKMS_SRCTREE)/numaclaims-$(PKG_VERSION)
DKMS_ARGS = --sourcetree $(DKMS_SRCTREE) --dkmstree $(DKMS_TREE)

dkms-source:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/module $(DKMS_SRC)/uapi/linux
	install -m 0644 $(TOP)/dkms.conf $(TOP)/Kbuild $(TOP)/VERSION $(DKMS_SRC)/
	install -m 0644 $(TOP)/module/*.[ch] $(DKMS_SRC)/module/
	install -m 0644 $(TOP)/uapi/linux/numaclaims.h $(DKMS_SRC)/uapi/linux/

dkms-install: deps-build deps-dkms
	$(MAKE) --no-print-directory dkms-source DESTDIR=
	install -d $(DKMS_TREE)
	$(DKMS) $(DKMS_ARGS) add -m numaclaims -v $(PKG_VERSION)
	$(DKMS) $(DKMS_ARGS) build -m numaclaims -v $(PKG_VERSION) -k $(DKMS_KVER)
	$(DKMS) $(DKMS_ARGS) install -m numaclaims -v $(PKG_VERSION) -k $(DKMS_KVER)

dkms-uninstall:
	$(DKMS) $(DKMS_ARGS) remove -m numaclaims -v $(PKG_VERSION) --all
	rm -rf $(DKMS_SRCTREE)/numaclaims-$(PKG_VERSION)

# ---------------------------------------------------------------------------
# The demo: a boot storm of real tiny VMs (nested QEMU) on claimed memory
# in a three-node VM (tests/guest/demo.sh).  About 2 minutes.
demo: module-vm userspace deps-vm
	$(SUITE) demo

# ---------------------------------------------------------------------------
# The debug/KUnit kernel and the modules built against it.

kunit-kernel: deps-kunit deps-vm
	$(TOP)/tools/kunit-kernel.sh

# numaclaims.ko and numaclaims_kunit.ko built against the debug kernel.
# On a distribution kernel with CONFIG_KUNIT=m:
#   make kunit-module KDIR=/lib/modules/$(uname -r)/build
KDIR_GIVEN := $(filter command line environment,$(origin KDIR))
kunit-module: $(if $(KDIR_GIVEN),,kunit-kernel)
	$(call kbuild,kunit,$(if $(KDIR_GIVEN),$(KDIR),$(KUNIT_KDIR)))
	@mkdir -p $(BUILD)/kunit-module
	cp $(BUILD)/kbuild/kunit/numaclaims.ko $(BUILD)/kbuild/kunit/numaclaims_kunit.ko \
		$(BUILD)/kunit-module/

# ---------------------------------------------------------------------------
# The kernel matrix: every Debian kernel series the tests run on besides the
# VMs' 6.1 is one entry of SERIES, with four variables, and gets the same
# targets: module-S (numaclaims.ko for it), selftests-S and selftests-S-4
# (the kselftests in a 2- and a 4-node VM), realvm-S (the real-VM test).
# SERIES is set at the top (before .PHONY).
# Results: build/results/selftests-{2,4}nodes-S.tap, realvm-S.tap.
#   KDEPS_S    what must exist before the module is built
#   KDIR_S     its kernel build directory (a shell word: evaluated there)
#   KRUN_S     the command the module's make runs under (empty: the host)
#   VMLINUZ_S  the kernel image the VMs boot
# Debian's 6.12 from bookworm-backports (tools/deps.sh vm612 adds that
# source).  KUnit needs a 6.12 debug kernel built like the 6.1 one
# (tools/kunit-kernel.sh --series 6.12, cached in /var/cache/numaclaims), as
# Debian's 6.12 has no KUnit: kunit-612 below.
KVER_612 = $(shell $(TOP)/tools/kver.sh --series 6.12)
KDEPS_612 := deps-build deps-vm deps-vm612
KDIR_612 = /lib/modules/$(KVER_612)/build
KRUN_612 :=
VMLINUZ_612 = /boot/vmlinuz-$(KVER_612)

# The newest: Debian's 7.3 from trixie-backports, built for the way a Debian
# 13 + backports user does, in a trixie root (debootstrap, gcc 14, the 7.3
# headers: bookworm's gcc 12 rejects their flags), made once and cached with
# the 7.3 image in /var/cache/numaclaims/trixie-7.3 (tools/trixie-root.sh;
# the host only gets debootstrap, tools/deps.sh vm73).  The module is built
# in the root with the repository bind-mounted at its own path; the
# kselftests, claimctl and the real-VM guest are the host's static builds.
TRIXIE_ROOT := $(TOP)/tools/trixie-root.sh
KDEPS_73 := deps-build trixie-root-73
KDIR_73 = $$($(TRIXIE_ROOT) --print-kdir)
KRUN_73 = $(TRIXIE_ROOT) --run $(TOP) --
VMLINUZ_73 = $(shell $(TRIXIE_ROOT) --print-vmlinuz)

trixie-root-73: deps-vm73
	@$(TRIXIE_ROOT) --print-vmlinuz >/dev/null

.SECONDEXPANSION:
$(addprefix module-,$(SERIES)): module-%: $$(KDEPS_$$*)
	$(call kbuild,debian-$*,$(KDIR_$*),$(KRUN_$*))
	@mkdir -p $(BUILD)/module-$*
	cp $(BUILD)/kbuild/debian-$*/numaclaims.ko $(BUILD)/module-$*/

KUNIT612_KDIR = $(shell $(TOP)/tools/kunit-kernel.sh --series 6.12 --print-kdir)

kunit-kernel-612: deps-kunit deps-vm deps-vm612
	$(TOP)/tools/kunit-kernel.sh --series 6.12

kunit-module-612: kunit-kernel-612
	$(call kbuild,kunit-612,$(KUNIT612_KDIR))
	@mkdir -p $(BUILD)/kunit-module-612
	cp $(BUILD)/kbuild/kunit-612/numaclaims.ko $(BUILD)/kbuild/kunit-612/numaclaims_kunit.ko \
		$(BUILD)/kunit-module-612/

# Benchmarks (not tests, never in `make check`): build/bench/results.json,
# docs/perf/*.png and the tables of docs/PERFORMANCE.md.  About 8 minutes.
bench: deps-build deps-vm deps-bench
	$(TOP)/bench/run.sh

# The scrubbing section alone (bench/run.sh runs it too): 3 minutes.
bench-scrub: deps-build deps-vm deps-bench
	$(TOP)/bench/scrub-run.sh

.PHONY: install-module uninstall-module dkms-source dkms-install dkms-uninstall

clean:
	rm -rf $(BUILD)

# Every test suite, `make check` and `summary`: tests/tests.mk.
include $(TOP)/tests/tests.mk
