#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# selftests/libmk-test.sh - TAP: selftests/Makefile works with the kernel's
# lib.mk both ways.  In a kernel tree: a copy of the kselftest part of
# Debian's linux-source-6.1 (tools/ksft-headers.sh --tree) with this
# directory dropped in as tools/testing/selftests/numaclaims is built with
# `make -C tools/testing/selftests TARGETS=numaclaims` (also with O=), run
# with run_tests and installed with install (run_kselftest.sh and
# kselftest-list.txt); out of tree: `make -C selftests`, run_tests, OUTPUT=.
# Without the module every run is kselftest's SKIP (exit 4), which the
# runner must report as "ok N selftests: numaclaims: numaclaims_test # SKIP";
# its TAP is judged by prove.  Run by `make selftests-libmk` (in make check).
#
# usage: selftests/libmk-test.sh [--keep]    (--keep: leave the scratch tree)
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
keep=0
[ "${1:-}" = --keep ] && keep=1

tree=$("$TOP/tools/ksft-headers.sh" --tree) || { echo "Bail out! tools/ksft-headers.sh --tree failed"; exit 1; }
tmp=$(mktemp -d /tmp/nc-libmk.XXXXXX) || exit 1
if [ "$keep" = 1 ]; then echo "# scratch tree: $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi

# t NAME COMMAND... and tap_end (tmp is set above).
. "$TOP/userspace/tests/tap.sh"
# A static binary that lists the same tests as the checkout build.
same_tests() {	# BINARY
	[ -x "$1" ] && ! readelf -l "$1" | grep -q INTERP &&
		"$1" -l --harness-test >"$tmp/list" && [ -s "$tmp/list" ] &&
		diff -u "$tmp/ref.list" "$tmp/list"
}
# The runner's TAP: valid for prove, and the suite line skipped.
runner_skips() {	# FILE COLLECTION-LABEL
	cat "$1"
	prove --exec cat "$1" &&
		grep -qx "ok 1 selftests: $2: numaclaims_test # SKIP" "$1"
}

# A kernel tree: the extracted kselftest files plus this directory.
K=$tmp/linux
cp -a "$tree" "$K"
KS=$K/tools/testing/selftests
mkdir "$KS/numaclaims"
cp -a "$HERE"/. "$KS/numaclaims/"

# The reference list, from the checkout build: at least every TEST*() (variants add
# more; --harness-test lists the harness.* tests of nc_harness.c too).
kmake() { make -s --no-print-directory -C "$KS" TARGETS=numaclaims "$@"; }
ref_ok() {
	make -s --no-print-directory -C "$HERE" OUTPUT="$tmp/ref" &&
		"$tmp/ref/numaclaims_test" -l --harness-test >"$tmp/ref.list" &&
		want=$(cat "$HERE"/nc_*.c | grep -cE '^TEST[A-Z_]*\(') &&
		got=$(wc -l <"$tmp/ref.list") &&
		echo "TEST*()s in nc_*.c: $want, listed: $got" && [ "$want" -gt 0 ] && [ "$got" -ge "$want" ]
}
t "out of tree: make -C selftests OUTPUT=DIR builds numaclaims_test, listing at least every TEST*() of nc_*.c" ref_ok
t "out of tree: the binary is static" same_tests "$tmp/ref/numaclaims_test"

t "in a kernel tree: make -C tools/testing/selftests TARGETS=numaclaims (NUMACLAIMS_UAPI) builds it" \
	kmake NUMACLAIMS_UAPI="$TOP/uapi"
t "in a kernel tree: tools/testing/selftests/numaclaims/numaclaims_test is static, with the same tests" \
	same_tests "$KS/numaclaims/numaclaims_test"

# lib.mk's run_tests: the kernel's runner.sh, collection "numaclaims".
in_tree_run() {
	kmake NUMACLAIMS_UAPI="$TOP/uapi" run_tests >"$tmp/run.tap" 2>&1
	runner_skips "$tmp/run.tap" numaclaims
}
t "in a kernel tree: run_tests reports the suite (SKIP without the module) in valid TAP" in_tree_run

# install: the kselftest_install tree run_kselftest.sh runs from a list.
inst=$tmp/inst
installed() {
	kmake NUMACLAIMS_UAPI="$TOP/uapi" KSFT_INSTALL_PATH="$inst" install >/dev/null &&
		grep -qx "numaclaims:numaclaims_test" "$inst/kselftest-list.txt" &&
		[ -x "$inst/numaclaims/numaclaims_test" ] &&
		grep -qx "timeout=600" "$inst/numaclaims/settings" &&
		[ -x "$inst/run_kselftest.sh" ] && [ -f "$inst/kselftest/runner.sh" ]
}
t "in a kernel tree: install puts numaclaims_test, its settings and the list entry in kselftest_install" installed
installed_run() {
	"$inst/run_kselftest.sh" -c numaclaims >"$tmp/inst.tap" 2>&1
	runner_skips "$tmp/inst.tap" numaclaims
}
t "installed: run_kselftest.sh -c numaclaims runs it (SKIP) in valid TAP" installed_run

# O=: the objects go below O/kselftest, not into the source tree.
objs() {
	kmake NUMACLAIMS_UAPI="$TOP/uapi" O="$tmp/obj" &&
		same_tests "$tmp/obj/kselftest/numaclaims/numaclaims_test"
}
t "in a kernel tree with O=DIR: the binary is DIR/kselftest/numaclaims/numaclaims_test" objs

# The header is looked for, and its absence named.
no_uapi() {
	! out=$(PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH= \
		make -s --no-print-directory -C "$KS" TARGETS=numaclaims O="$tmp/obj2" 2>&1) &&
		echo "$out" && grep -q "linux/numaclaims.h not found.*NUMACLAIMS_UAPI=" <<<"$out" &&
		[ ! -e "$tmp/obj2/kselftest/numaclaims/numaclaims_test" ]
}
t "in a kernel tree without the uapi header: make fails naming NUMACLAIMS_UAPI" no_uapi
# An installed libclaims (its pkg-config Cflags) provides it.
pc_uapi() {
	mkdir -p "$tmp/prefix/include/numaclaims/linux" "$tmp/pc" &&
		cp "$TOP/uapi/linux/numaclaims.h" "$tmp/prefix/include/numaclaims/linux/" &&
		printf 'includedir=%s\nName: libclaims\nDescription: test\nVersion: 0\nCflags: -I${includedir}\n' \
			"$tmp/prefix/include/numaclaims" >"$tmp/pc/libclaims.pc" &&
		PKG_CONFIG_LIBDIR="$tmp/pc" PKG_CONFIG_PATH= kmake O="$tmp/obj3" &&
		same_tests "$tmp/obj3/kselftest/numaclaims/numaclaims_test"
}
t "in a kernel tree: an installed libclaims (pkg-config) provides linux/numaclaims.h" pc_uapi

# Out of tree, lib.mk's run_tests and clean.
# Out of tree, lib.mk's run_tests and clean.  (The runner names the
# collection after the directory.)
oot_run() {
	make -s --no-print-directory -C "$HERE" OUTPUT="$tmp/ref" run_tests >"$tmp/oot.tap" 2>&1
	runner_skips "$tmp/oot.tap" "$HERE"
}
t "out of tree: make -C selftests run_tests runs the kernel's runner (SKIP) in valid TAP" oot_run
oot_clean() {
	make -s --no-print-directory -C "$HERE" OUTPUT="$tmp/ref" clean && [ ! -e "$tmp/ref/numaclaims_test" ]
}
t "out of tree: make -C selftests clean removes the binary" oot_clean

tap_end
