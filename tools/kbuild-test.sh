#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/kbuild-test.sh - the Kbuild file's own checks, without a kernel tree:
# a 32-bit kernel configuration is refused (physmap values and gfn indices
# need a 64-bit unsigned long), a 64-bit one is not, and "make clean" (which
# reads Kbuild without the kernel's configuration) is not either.  TAP.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
n=0 fail=0
check() {	# WANT(refused|accepted) TEXT MAKE-VARS...
	local want=$1 text=$2 out got
	shift 2
	out=$(make -s -f "$TOP/Kbuild" "$@" 2>&1)
	got=accepted
	grep -q "numaclaims needs a 64-bit kernel (CONFIG_64BIT)" <<<"$out" && got=refused
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n kbuild: $text ($got)"
	else
		echo "not ok $n kbuild: $text ($got, wanted $want)"
		fail=1
	fi
}
echo "TAP version 13"
echo "1..3"
check refused "a 32-bit kernel configuration" CONFIG_MODULES=y CONFIG_64BIT=
check accepted "a 64-bit kernel configuration" CONFIG_MODULES=y CONFIG_64BIT=y
check accepted "no configuration loaded (make clean)"
exit $fail
