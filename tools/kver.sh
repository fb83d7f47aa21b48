#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/kver.sh - print the Debian kernel release installed on this machine
# for a series (default 6.1: e.g. 6.1.0-56-amd64; 6.12, from
# bookworm-backports: e.g. 6.12.95+deb12-amd64): the newest one that has
# both /boot/vmlinuz-REL and /lib/modules/REL/build.  NUMACLAIMS_KVER
# overrides the 6.1 choice, NUMACLAIMS_KVER_612 the 6.12 one.
#
#   tools/kver.sh                        -> 6.1.0-56-amd64
#   tools/kver.sh --vmlinuz              -> /boot/vmlinuz-6.1.0-56-amd64
#   tools/kver.sh --build                -> /lib/modules/6.1.0-56-amd64/build
#   tools/kver.sh --series 6.12 [--vmlinuz|--build]   the same for 6.12
set -u
. "$(dirname "$0")/lib.sh"

series=6.1 what=
while [ $# -gt 0 ]; do
	case "$1" in
	--series)	[ $# -ge 2 ] || { echo "kver.sh: --series needs 6.1 or 6.12" >&2; exit 2; }
			series=$2; shift ;;
	--series=*)	series=${1#*=} ;;
	--vmlinuz|--build)	what=$1 ;;
	-h|--help)	sed -n '3,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*)		echo "kver.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

# The newest REL of /boot/vmlinuz-$1.* with a /lib/modules/REL/build.
newest() {
	local v best=
	for v in /boot/vmlinuz-"$1".*; do
		[ -e "$v" ] || continue
		v=${v#/boot/vmlinuz-}
		[ -d "/lib/modules/$v/build/" ] || continue
		best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n1)
	done
	[ -n "$best" ] && echo "$best"
}

case "$series" in
6.1)	kver=$(nc_kver) ;;
6.12)	if [ -n "${NUMACLAIMS_KVER_612:-}" ]; then kver=$NUMACLAIMS_KVER_612; else kver=$(newest 6.12); fi ;;
*)	echo "kver.sh: unknown series '$series' (6.1 or 6.12)" >&2; exit 2 ;;
esac
if [ -z "$kver" ]; then
	case "$series" in
	6.1)	echo "kver.sh: error: no Debian 6.1 kernel with matching headers found" \
		     "(/boot/vmlinuz-6.1.* and /lib/modules/*/build); run: tools/deps.sh vm" >&2 ;;
	*)	echo "kver.sh: error: no Debian $series kernel with matching headers found" \
		     "(/boot/vmlinuz-$series.* and /lib/modules/*/build); run: tools/deps.sh vm612" >&2 ;;
	esac
	exit 1
fi
case "$what" in
"")		echo "$kver" ;;
--vmlinuz)	echo "/boot/vmlinuz-$kver" ;;
--build)	echo "/lib/modules/$kver/build" ;;
esac
