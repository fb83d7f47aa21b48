#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The built module as modinfo sees it, and make install-module:
#  * modinfo KO: version is the release (the VERSION file), every
#    module_param of module/*.c has a description, and modinfo lists no
#    other parameter; vermagic is the kernel's;
#  * make install-module DESTDIR=stage: the module in
#    lib/modules/KREL/extra/, no depmod in a stage; uninstall-module
#    empties the stage;
#  * a live make install-module (root): /lib/modules/KREL/extra, depmod
#    finds it by name (modinfo -k KREL numaclaims); uninstall-module
#    removes it and depmod forgets it.  Removed at the end, also on failure.
# TAP output.
#
# usage: packaging/tests/module-test.sh KO KDIR
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KO=${1:?usage: module-test.sh KO KDIR}
KDIR=${2:?usage: module-test.sh KO KDIR}
KREL=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h")
VERSION=$(cat "$TOP/VERSION")
tmp=$(mktemp -d)
live=/lib/modules/$KREL/extra/numaclaims.ko
mk=(make -s --no-print-directory -C "$TOP" KDIR="$KDIR")
cleanup() {
	if [ -n "${live_installed:-}" ] && [ -e "$live" ]; then
		rm -f "$live"; rmdir "${live%/*}" 2>/dev/null; depmod -a "$KREL"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$TOP/userspace/tests/tap.sh"
not() { ! "$@"; }

params=$(sed -n 's/^[[:space:]]*module_param\(_array\|_named\|_cb\)\{0,1\}(\([a-z_0-9]*\),.*/\2/p' \
	"$TOP"/module/*.c | sort -u)
t "the sources declare module parameters ($(echo $params))" test -n "$params"
t "modinfo: version $VERSION (the VERSION file)" \
	bash -c "[ \"\$(modinfo -F version '$KO')\" = '$VERSION' ]"
for p in $params; do
	t "modinfo describes parameter $p" \
		bash -c "modinfo -F parm '$KO' | awk -v p='$p' 'index(\$0, p \":\") == 1 { d = substr(\$0, length(p) + 2); typed = sub(/ \\([a-z ]+\\)\$/, \"\", d); print; if (typed && d ~ /[A-Za-z]/) ok = 1 } END { exit !ok }'"
done
t "modinfo lists exactly the sources' parameters" \
	bash -c "diff <(echo '$params') <(modinfo -F parm '$KO' | sed 's/:.*//' | sort -u)"
t "modinfo: description, GPL licence, vermagic $KREL" \
	bash -c "modinfo -F description '$KO' | grep -q 'claim sets' &&
		 [ \"\$(modinfo -F license '$KO')\" = GPL ] &&
		 modinfo -F vermagic '$KO' | grep -q '^$KREL '"

t "make install-module DESTDIR=stage" "${mk[@]}" DESTDIR="$tmp/stage" install-module
t "staged in lib/modules/$KREL/extra/numaclaims.ko, version $VERSION" \
	bash -c "[ \"\$(modinfo -F version '$tmp/stage/lib/modules/$KREL/extra/numaclaims.ko')\" = '$VERSION' ]"
t "a staged install-module runs no depmod (and has nothing else)" \
	bash -c "! make -n -s -C '$TOP' KDIR='$KDIR' DESTDIR=/stage install-module | grep -q depmod &&
		 [ \"\$(cd '$tmp/stage' && find . ! -type d)\" = './lib/modules/$KREL/extra/numaclaims.ko' ]"
t "make uninstall-module DESTDIR=stage empties the stage" \
	bash -c "'${mk[0]}' -s --no-print-directory -C '$TOP' KDIR='$KDIR' DESTDIR='$tmp/stage' uninstall-module &&
		 [ -z \"\$(find '$tmp/stage' ! -type d)\" ] && [ ! -e '$tmp/stage/lib/modules/$KREL/extra' ]"
t "a live install-module and uninstall-module run depmod -a $KREL" \
	bash -c "make -n -s -C '$TOP' KDIR='$KDIR' install-module | grep -qx 'depmod -a $KREL' &&
		 make -n -s -C '$TOP' KDIR='$KDIR' uninstall-module | grep -qx 'depmod -a $KREL'"
if [ "$(id -u)" = 0 ] && [ ! -e "$live" ]; then
	live_installed=1
	t "make install-module (live, $KREL)" "${mk[@]}" install-module
	t "depmod finds it: modinfo -k $KREL numaclaims is extra/numaclaims.ko, $VERSION" \
		bash -c "[ \"\$(modinfo -k '$KREL' -F filename numaclaims)\" = '$live' ] &&
			 [ \"\$(modinfo -k '$KREL' -F version numaclaims)\" = '$VERSION' ]"
	t "modprobe resolves it (dry run): modprobe -n -v -S $KREL numaclaims" \
		bash -c "modprobe -n -v -S '$KREL' numaclaims | grep -q 'insmod $live'"
	t "make uninstall-module (live)" "${mk[@]}" uninstall-module
	t "gone, and depmod forgot it" \
		bash -c "[ ! -e '$live' ] && ! modinfo -k '$KREL' numaclaims"
else
	t "live install-module skipped (not root, or a numaclaims.ko already in $live) # SKIP" true
fi
tap_end
