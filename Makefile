# SPDX-License-Identifier: GPL-2.0
# numaclaims: top-level Makefile.  `make demo` and `make check` do
# everything on a fresh Debian machine (they install their own packages).

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build
KVER ?= $(shell $(TOP)/tools/kver.sh 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build

.PHONY: all module clean
all: module

# Kbuild runs in a directory of symlinks (build/kbuild/<name>) so one source
# tree builds against several kernels and no object lands in the sources.
# $(call kbuild,<name>,<kdir>,<extra make args>)
define kbuild
	@mkdir -p $(BUILD)/kbuild/$(1)/module $(BUILD)/kbuild/$(1)/kunit
	@ln -sfn $(TOP)/uapi $(BUILD)/kbuild/$(1)/uapi
	@ln -sf $(TOP)/Kbuild $(BUILD)/kbuild/$(1)/Kbuild
	@for f in $(TOP)/module/*.[ch]; do ln -sf $$f $(BUILD)/kbuild/$(1)/module/; done
	@for f in $(wildcard $(TOP)/kunit/*.[ch]); do ln -sf $$f $(BUILD)/kbuild/$(1)/kunit/; done
	$(MAKE) -C $(2) M=$(BUILD)/kbuild/$(1) W=1 $(3) modules
endef

module:
	@$(TOP)/tools/deps.sh build vm >/dev/null 2>&1 || $(TOP)/tools/deps.sh build vm
	$(call kbuild,debian,$(KDIR))
	@mkdir -p $(BUILD)/module
	cp $(BUILD)/kbuild/debian/numaclaims.ko $(BUILD)/module/

clean:
	rm -rf $(BUILD)
