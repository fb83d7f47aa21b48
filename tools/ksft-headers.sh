#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/ksft-headers.sh - print the kselftest directory of the installed
# Debian linux-source-6.1 (its headers and lib.mk), extracting it once.
#
# usage: tools/ksft-headers.sh           the selftests directory (-I and lib.mk)
#        tools/ksft-headers.sh --tree    the root of the extracted mini tree
#        (in a Makefile:  KSFT_DIR := $(shell tools/ksft-headers.sh)
#                         CFLAGS += -I$(KSFT_DIR); include $(KSFT_DIR)/lib.mk)
#
# The tree is ${NUMACLAIMS_CACHE:-/var/cache/numaclaims}/kselftest-VERSION-KEY,
# VERSION being the linux-source-6.1 package version (e.g. 6.1.192-3), KEY
# a hash of the list of files below (a new file: a new directory).  It
# holds what a selftest needs of the kernel tree, in the kernel's layout,
# from /usr/src/linux-source-6.1.tar.xz:
#   tools/testing/selftests/  kselftest.h  kselftest_harness.h
#       kselftest_module.h  lib.mk  (lib.mk includes no other makefile in
#       6.1; its run_tests sources kselftest/runner.sh, which runs
#       kselftest/prefix.pl)  kselftest/module.sh  kselftest/runner.sh
#       kselftest/prefix.pl  Makefile  run_kselftest.sh
#   scripts/subarch.include   (included by tools/testing/selftests/Makefile)
#   tools/testing/kunit/kunit_config.py   (kunit.py's kunitconfig parser, for
#       tools/kunitconfig-test.sh)
# so that a copy of the tree plus a TARGET directory is enough for
# `make -C tools/testing/selftests TARGETS=numaclaims [run_tests|install]`
# (selftests/libmk-test.sh does exactly that).  kselftest_harness.h
# includes only kselftest.h and libc/uapi headers.  The first call takes
# about 10 s (xz); later calls only stat the directory.  Safe to run
# concurrently.  Prints the directory on stdout, nothing else.
set -u
. "$(dirname "$0")/lib.sh"
export NC_PROG=ksft-headers.sh

what=selftests
case "${1:-}" in
-h|--help) sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
--tree) what=tree ;;
'') ;;
*) nc_die "unknown option $1 (see --help)" ;;
esac

TARBALL=${NUMACLAIMS_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
KSFT=tools/testing/selftests
MEMBERS=("$KSFT/kselftest.h" "$KSFT/kselftest_harness.h" "$KSFT/kselftest_module.h"
	 "$KSFT/kselftest/module.sh" "$KSFT/kselftest/runner.sh" "$KSFT/kselftest/prefix.pl"
	 "$KSFT/lib.mk" "$KSFT/Makefile" "$KSFT/run_kselftest.sh"
	 scripts/subarch.include tools/testing/kunit/kunit_config.py)

[ -r "$TARBALL" ] || nc_die "$TARBALL not found; run: tools/deps.sh kunit"
version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null)
if [ -z "$version" ]; then	# a tarball not from the package: key on its identity
	version=unpackaged-$(stat -c '%s-%Y' "$TARBALL")
fi
cache=$(nc_cache_dir) || nc_die "no usable cache directory"
dir=$cache/kselftest-$version-$(printf '%s\n' "${MEMBERS[@]}" | sha256sum | cut -c1-8)

print() {
	if [ "$what" = tree ]; then echo "$dir"; else echo "$dir/$KSFT"; fi
	exit 0
}
complete() {	# DIR: every member there
	local m
	for m in "${MEMBERS[@]}"; do [ -f "$1/$m" ] || return 1; done
}

complete "$dir" && print

tmp=$(mktemp -d "$cache/.ksft-tmp.XXXXXX") || nc_die "cannot create a directory in $cache"
trap 'rm -rf "$tmp"' EXIT
# --occurrence stops reading the 130 MB archive once every member is found.
if ! nice tar -xJf "$TARBALL" -C "$tmp" --occurrence --strip-components=1 \
	"${MEMBERS[@]/#/linux-source-6.1/}" 2>"$tmp/.err"; then
	cat "$tmp/.err" >&2
	nc_die "extracting the kselftest files from $TARBALL failed"
fi
rm -f "$tmp/.err"
complete "$tmp" || nc_die "$TARBALL lacks some of: ${MEMBERS[*]}"
chmod 755 "$tmp"
# Atomic publish; if another run won the race, keep its copy.
mv -T "$tmp" "$dir" 2>/dev/null || complete "$dir" || nc_die "cannot create $dir"
print
