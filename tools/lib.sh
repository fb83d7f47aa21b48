# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# tools/lib.sh - helpers shared by the numaclaims tools scripts.
#
# Source it from bash:  . "$(dirname "$0")/lib.sh"
# Nothing here changes the caller's shell options.

# Repository root (the directory above tools/).
nc_repo_root() {
	(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
}

nc_die() {
	echo "${NC_PROG:-${0##*/}}: error: $*" >&2
	exit "${NC_DIE_STATUS:-1}"
}

nc_warn() {
	echo "${NC_PROG:-${0##*/}}: $*" >&2
}

# The Debian 6.1 kernel installed on this machine, e.g. 6.1.0-56-amd64: the
# newest release that has both /boot/vmlinuz-REL and /lib/modules/REL/build
# (i.e. linux-image-amd64 and linux-headers-amd64 of the same version).
# NUMACLAIMS_KVER overrides the choice.  Prints nothing and fails if none.
nc_kver() {
	if [ -n "${NUMACLAIMS_KVER:-}" ]; then
		echo "$NUMACLAIMS_KVER"
		return 0
	fi
	local v best=
	for v in /boot/vmlinuz-6.1.*; do
		[ -e "$v" ] || continue
		v=${v#/boot/vmlinuz-}
		[ -d "/lib/modules/$v/build/" ] || continue
		best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n1)
	done
	[ -n "$best" ] || return 1
	echo "$best"
}

# Cache directory for things built once per machine (initramfs base,
# kselftest headers, KUnit kernel, ...): ${NUMACLAIMS_CACHE:-/var/cache/numaclaims}.
# Created if missing.  If it cannot be created or written (not root), falls
# back to ${XDG_CACHE_HOME:-$HOME/.cache}/numaclaims with a note on stderr.
nc_cache_dir() {
	local d=${NUMACLAIMS_CACHE:-/var/cache/numaclaims}
	if mkdir -p "$d" 2>/dev/null && [ -w "$d" ]; then
		echo "$d"
		return 0
	fi
	local fb=${XDG_CACHE_HOME:-$HOME/.cache}/numaclaims
	mkdir -p "$fb" || return 1
	[ -n "${NC_CACHE_WARNED:-}" ] ||
		echo "${0##*/}: note: $d not writable, using $fb (set NUMACLAIMS_CACHE)" >&2
	export NC_CACHE_WARNED=1
	echo "$fb"
}

# The failure tools/vm.sh appended to its --out file when the VM died or
# hung ("not ok N vm: NAME: WHAT", the first lines of the panic as "# "
# diagnostics, "Bail out!"), as a TAP document of one test for a runner
# that builds its own TAP from that file; nothing if the VM did not die.
nc_vm_failure_tap() {	# OUT-FILE
	grep -aq '^Bail out! ' "$1" 2>/dev/null || return 0
	echo "1..1"
	sed -n '/^not ok [0-9]* vm: /,/^Bail out! /p' "$1" |
		sed '1s/^not ok [0-9]*/not ok 1/; /^Bail out! /d'
}
