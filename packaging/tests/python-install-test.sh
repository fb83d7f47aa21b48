#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The Python binding built against an installed libclaims (LIBCLAIMS=
# pkg-config, a scratch make install) and installed with make -C python
# install: it imports from the install, links the installed libclaims.so.1,
# raises ModuleNotLoaded without the device; uninstall leaves no file.
# TAP output.
#
# usage: packaging/tests/python-install-test.sh
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$TOP/userspace/tests/tap.sh"
prefix=$tmp/prefix
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
py=(make -s --no-print-directory -C "$TOP/python" O="$tmp/build" LIBCLAIMS=pkg-config PREFIX="$prefix")

t "make install libclaims into a scratch prefix" \
	make -s --no-print-directory -C "$TOP/userspace" O="$tmp/us" PREFIX="$prefix" install
t "the binding builds against it (LIBCLAIMS=pkg-config)" "${py[@]}"
t "make -C python install PREFIX=scratch" "${py[@]}" install
site=$(find "$prefix/lib" -path '*-packages/numaclaims' -type d)
t "installed as ${site#$prefix/}" test -n "$site" -a -f "$site/__init__.py"
t "the extension links the installed libclaims.so.1" \
	bash -c "LD_LIBRARY_PATH='$prefix/lib' ldd '$site'/_claims*.so | grep -q '$prefix/lib/libclaims.so.1'"
t "it imports from the install and raises ModuleNotLoaded without the device" \
	env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$prefix/lib" PYTHONPATH="${site%/numaclaims}" \
	/usr/bin/python3 -B -c "
import numaclaims as nc
assert nc.__file__.startswith('$site'), nc.__file__
try:
    nc.Handle('/nonexistent/numaclaims')
except nc.ModuleNotLoaded as e:
    assert 'modprobe numaclaims' in e.strerror, e
else:
    raise SystemExit('no exception')"
t "make -C python uninstall leaves no file" \
	bash -c "'${py[0]}' ${py[*]:1} uninstall && [ -z \"\$(find '$prefix' -path '*-packages*' ! -type d)\" ] && [ ! -e '$site' ]"
tap_end
