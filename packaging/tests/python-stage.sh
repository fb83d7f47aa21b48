#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A minimal CPython for the busybox initramfs of the test VMs: the host's
# python3 binary as STAGE/usr/bin/python3 and, of its standard library,
# only the modules the binding and its VM test import (found by importing
# them here) plus encodings/ (startup needs the codecs), under
# STAGE/usr/lib/python3.X; the numaclaims package (PYDIR, built by
# python/Makefile) as STAGE/opt/numaclaims-python.  vm.sh --add copies the
# shared libraries of the ELF files along (libc, libm, libz, libexpat,
# libnuma).  About 8 MB instead of the 54 MB of the whole library.
# Checks the stage on the host (PYTHONHOME=STAGE/usr: only the staged
# library is seen) before the VM boots.
#
# usage: python-stage.sh PYDIR STAGE [MODULE...]
#   PYDIR "-": no numaclaims package, only the standard library modules
#   named (make libvirt-vm: the libvirt hook's, packaging/libvirt/tests).
set -eu
if [ "$1" = - ]; then
	PYDIR=-
else
	PYDIR=$(cd "$1" && pwd)
fi
STAGE=$2
shift 2
mods=${*:-numaclaims}
mods=$(echo "sys os errno $mods" | tr ' ' ',')
PY=${PYTHON:-/usr/bin/python3}
rm -rf "$STAGE"
mkdir -p "$STAGE/usr/bin" "$STAGE/opt"
exe=$("$PY" -c 'import sys, os; print(os.path.realpath(sys.executable))')
stdlib=$("$PY" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
dynload=$("$PY" -c 'import sysconfig; print(sysconfig.get_path("platstdlib"))')/lib-dynload
cp "$exe" "$STAGE/usr/bin/python3"
if [ "$PYDIR" != - ]; then
	mkdir -p "$STAGE/opt/numaclaims-python"
	cp -r "$PYDIR/numaclaims" "$STAGE/opt/numaclaims-python/"
	find "$STAGE/opt" -name __pycache__ -prune -exec rm -rf {} +
fi
dest=$STAGE/usr/lib/${stdlib##*/}
mkdir -p "$dest/lib-dynload"
cp -r "$stdlib/encodings" "$dest/"
# What the VM test imports, and what they import.
PYTHONPATH=$PYDIR "$PY" -S -B -c '
import '"$mods"'
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if f:
        print(f)' | while read -r f; do
	case "$f" in
	"$stdlib"/*) rel=${f#"$stdlib"/} ;;
	"$dynload"/*) rel=lib-dynload/${f#"$dynload"/} ;;
	*) continue ;;
	esac
	mkdir -p "$dest/$(dirname "$rel")"
	cp "$f" "$dest/$rel"
done
[ -f "$dest/os.py" ]	# Python's landmark for its prefix
find "$dest" -name __pycache__ -prune -exec rm -rf {} +
# The stage alone imports them (and runs the binding).
if [ "$PYDIR" = - ]; then
	env -i PYTHONHOME="$STAGE/usr" "$STAGE/usr/bin/python3" -S -B -c \
		'import '"$mods"'; print("staged python", sys.version.split()[0], "with '"$mods"'")'
else
	env -i PYTHONHOME="$STAGE/usr" PYTHONPATH="$STAGE/opt/numaclaims-python" \
		"$STAGE/usr/bin/python3" -S -B -c 'import '"$mods"'; print("staged python", sys.version.split()[0], "numaclaims", numaclaims.__version__)'
fi
