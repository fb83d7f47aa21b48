#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/ksft-headers.sh - print an include directory holding the kselftest
# headers of the installed Debian linux-source-6.1, extracting them once.
#
# usage: CFLAGS += -I$(tools/ksft-headers.sh)
#        (in a Makefile:  KSFT_INC := $(shell tools/ksft-headers.sh))
#
# The directory is ${NUMACLAIMS_CACHE:-/var/cache/numaclaims}/ksft-VERSION,
# VERSION being the linux-source-6.1 package version (e.g. 6.1.192-2).  It
# holds, from tools/testing/selftests of /usr/src/linux-source-6.1.tar.xz:
#   kselftest.h  kselftest_harness.h  kselftest_module.h
#   kselftest/module.sh  kselftest/runner.sh  kselftest/prefix.pl
# (kselftest_harness.h includes only kselftest.h and libc/uapi headers).
# The first call takes about 10 s (xz); later calls only stat the directory.
# Safe to run concurrently.  Prints the directory on stdout, nothing else.
set -u
. "$(dirname "$0")/lib.sh"
export NC_PROG=ksft-headers.sh

case "${1:-}" in
-h|--help) sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
esac

TARBALL=${NUMACLAIMS_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
PREFIX=linux-source-6.1/tools/testing/selftests
MEMBERS=(kselftest.h kselftest_harness.h kselftest_module.h
	 kselftest/module.sh kselftest/runner.sh kselftest/prefix.pl)

[ -r "$TARBALL" ] || nc_die "$TARBALL not found; run: tools/deps.sh kunit"
version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null)
if [ -z "$version" ]; then	# a tarball not from the package: key on its identity
	version=unpackaged-$(stat -c '%s-%Y' "$TARBALL")
fi
cache=$(nc_cache_dir) || nc_die "no usable cache directory"
dir=$cache/ksft-$version

if [ -f "$dir/kselftest_harness.h" ] && [ -f "$dir/kselftest.h" ]; then
	echo "$dir"
	exit 0
fi

tmp=$(mktemp -d "$cache/.ksft-tmp.XXXXXX") || nc_die "cannot create a directory in $cache"
trap 'rm -rf "$tmp"' EXIT
# --occurrence stops reading the 130 MB archive once every member is found.
if ! nice tar -xJf "$TARBALL" -C "$tmp" --occurrence --strip-components=4 \
	"${MEMBERS[@]/#/$PREFIX/}" 2>"$tmp/.err"; then
	cat "$tmp/.err" >&2
	nc_die "extracting the kselftest headers from $TARBALL failed"
fi
rm -f "$tmp/.err"
chmod 755 "$tmp"
# Atomic publish; if another run won the race, keep its copy.
mv -T "$tmp" "$dir" 2>/dev/null || [ -f "$dir/kselftest_harness.h" ] ||
	nc_die "cannot create $dir"
echo "$dir"
