#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS against the Debian 6.1 kernel the test VMs boot (tools/kver.sh):
# make dkms-install stages exactly the module's sources and runs dkms add,
# build and install; the module lands in /lib/modules/KVER/updates/dkms,
# depmod knows it by name, its version and vermagic are right; make
# dkms-uninstall removes it again.  Build and install only: the host kernel
# cannot load modules.  The DKMS trees (sources, build) and the signing key
# DKMS generates are in a scratch directory; what goes into /lib/modules is
# removed at the end, also on failure.  TAP output.
#
# usage: packaging/tests/dkms-test.sh [KVER]
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${1:-$("$TOP/tools/kver.sh")}
tmp=$(mktemp -d)
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dkms.conf")
# DKMS signs with this key, and generates it if missing: keep it here.
export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub
mk=(make -s --no-print-directory -C "$TOP" DKMS_SRCTREE="$tmp/src"
    DKMS_TREE="$tmp/dkms" DKMS_KVER="$KVER")
ko=/lib/modules/$KVER/updates/dkms/numaclaims.ko
cleanup() {
	if [ -e "$tmp/dkms/numaclaims" ] || [ -e "$ko" ]; then
		"${mk[@]}" dkms-uninstall >/dev/null 2>&1
		rm -f "$ko"
		depmod -a "$KVER" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$TOP/userspace/tests/tap.sh"

not() { ! "$@"; }
t "no numaclaims in /lib/modules/$KVER/updates/dkms before the test" not test -e "$ko"
t "dkms.conf's PACKAGE_VERSION ($VERSION) is the repository's VERSION file (which the module, libclaims and Python are built from)" \
	bash -c "[ \"\$(cat '$TOP/VERSION')\" = '$VERSION' ]"
t "make dkms-source stages dkms.conf, Kbuild, VERSION, module/ and uapi/ only" \
	bash -c "'${mk[0]}' -s --no-print-directory -C '$TOP' DESTDIR='$tmp/stage' dkms-source &&
		 cd '$tmp/stage/usr/src/numaclaims-$VERSION' &&
		 [ \"\$(ls)\" = \"\$(printf 'Kbuild\nVERSION\ndkms.conf\nmodule\nuapi')\" ] &&
		 [ \"\$(ls module)\" = \"\$(cd '$TOP/module' && ls *.[ch])\" ] &&
		 cmp uapi/linux/numaclaims.h '$TOP/uapi/linux/numaclaims.h'"
t "make dkms-install: dkms add, build and install for $KVER" "${mk[@]}" dkms-install
t "dkms status: numaclaims/$VERSION installed for $KVER" \
	bash -c "dkms --sourcetree '$tmp/src' --dkmstree '$tmp/dkms' status numaclaims |
		 grep -E '^numaclaims/$VERSION, $KVER, x86_64: installed'"
t "the module is in /lib/modules/$KVER/updates/dkms" test -f "$ko"
t "depmod knows it: modinfo -k $KVER numaclaims finds that file" \
	bash -c "[ \"\$(modinfo -k '$KVER' -F filename numaclaims)\" = '$ko' ]"
t "its version is $VERSION" \
	bash -c "[ \"\$(modinfo -k '$KVER' -F version numaclaims)\" = '$VERSION' ]"
t "its vermagic is $KVER's" \
	bash -c "modinfo -k '$KVER' -F vermagic numaclaims | grep -q '^$KVER SMP'"
t "it has its parameters (pool_mb, node_pool_mb)" \
	bash -c "modinfo -k '$KVER' -F parm numaclaims | grep -q '^pool_mb:' &&
		 modinfo -k '$KVER' -F parm numaclaims | grep -q '^node_pool_mb:'"
t "the DKMS build is numaclaims.ko only (no KUnit module)" \
	bash -c "[ \"\$(find '$tmp/dkms' -name '*.ko' -printf '%f\n' | sort -u)\" = numaclaims.ko ]"
t "make dkms-uninstall" "${mk[@]}" dkms-uninstall
t "the module is gone from /lib/modules/$KVER" not test -e "$ko"
t "depmod no longer knows numaclaims" not modinfo -k "$KVER" numaclaims
t "the DKMS tree and the staged sources are gone" \
	bash -c "[ ! -e '$tmp/dkms/numaclaims' ] && [ ! -e '$tmp/src/numaclaims-$VERSION' ]"
tap_end
