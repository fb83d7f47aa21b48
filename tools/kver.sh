#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/kver.sh - print the Debian 6.1 kernel release installed on this
# machine (e.g. 6.1.0-56-amd64): the newest one that has both
# /boot/vmlinuz-REL and /lib/modules/REL/build.  NUMACLAIMS_KVER overrides.
#
#   tools/kver.sh            -> 6.1.0-56-amd64
#   tools/kver.sh --vmlinuz  -> /boot/vmlinuz-6.1.0-56-amd64
#   tools/kver.sh --build    -> /lib/modules/6.1.0-56-amd64/build
set -u
. "$(dirname "$0")/lib.sh"

if ! kver=$(nc_kver); then
	echo "kver.sh: error: no Debian 6.1 kernel with matching headers found" \
	     "(/boot/vmlinuz-6.1.* and /lib/modules/*/build); run: tools/deps.sh vm" >&2
	exit 1
fi
case "${1:-}" in
"")		echo "$kver" ;;
--vmlinuz)	echo "/boot/vmlinuz-$kver" ;;
--build)	echo "/lib/modules/$kver/build" ;;
-h|--help)	sed -n '3,9s/^# \{0,1\}//p' "$0" ;;
*)		echo "kver.sh: unknown option $1" >&2; exit 2 ;;
esac
