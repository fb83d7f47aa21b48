#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/deps.sh - install the Debian (bookworm) packages numaclaims needs.
#
# usage: tools/deps.sh [--check|--list] GROUP...
#
# Groups:
#   build  compile libclaims and claimctl, and the module against kernel
#          headers that are already there (the server's own: never a kernel)
#   vm     boot kernels under QEMU (tools/vm.sh)
#   kunit  build the KUnit kernel from linux-source-6.1
#   vm612  Debian's 6.12 kernel (image + headers) and linux-source-6.12 from
#          bookworm-backports, for the second-kernel runs (make selftests-612,
#          kunit-612); the only group that adds the backports apt source
#          (/etc/apt/sources.list.d/numaclaims-bookworm-backports.list,
#          mirror: the machine's bookworm one, or NC_BACKPORTS_MIRROR)
#   vm73   Debian's 7.3 kernel (trixie-backports), for make module-73,
#          selftests-73, realvm-73: only debootstrap on the host; the trixie
#          root (gcc 14, the 7.3 headers) and the kernel image are made and
#          cached by tools/trixie-root.sh, never installed on the host
#   test   sanitizers (ASan/UBSan), libFuzzer, valgrind, JSON/Prometheus parsers
#   bench  benchmarks and their plots
#   dkms   dkms, for the DKMS packaging test only (make dkms-test)
#   pkg    mandoc (man page lint), man-db, python3-dev (the Python
#          binding), for make pkg-test
#   libvirt libvirt's QEMU driver and virsh (no daemon is started): make
#          libvirt-vm asks libvirt for the QEMU command line of the sample
#          domains (virsh -c qemu:///embed domxml-to-native)
#   all    every group above
#
# Idempotent: only packages that dpkg-query does not report as installed are
# installed, and `apt-get update` runs only when something is missing.
# Non-interactive (DEBIAN_FRONTEND=noninteractive, no stdin needed,
# --no-install-recommends).  As root it runs apt-get directly; otherwise via
# sudo if there is one, else it fails naming the missing packages.
# Prints one line per group.
#
#   --check  install nothing; exit 1 and name what is missing
#   --list   print the packages of the groups, one per line
#
# Without apt/dpkg (Fedora, RHEL, ...; or NC_DEPS_NO_APT=1) nothing is
# installed: the tools and headers of each group are checked and what is
# missing is named (exit 1).
#
# Exit status: 0 all present, 1 missing/install failed, 2 usage error.
set -u
PROG=deps.sh

group_pkgs() {
	case "$1" in
	build)	echo gcc make libc6-dev pkg-config libnuma-dev ;;
	vm)	echo qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio kmod gzip numactl ;;
	# perl: prove, which judges the kselftests' TAP (tools/run-suite.sh).
	kunit)	echo linux-source-6.1 bc bison flex libelf-dev libssl-dev python3 xz-utils rsync perl ;;
	# bpo:NAME is a package of bookworm-backports (see bpo_resolve):
	# present if some NAME.*-amd64 is installed, so a newer backport is
	# not fetched on every run (the installed kernel is the cache).
	vm612)	echo bpo:linux-image-6.12 bpo:linux-headers-6.12 bpo:linux-source-6.12 ;;
	# The 7.3 build root and kernel come from tools/trixie-root.sh.
	vm73)	echo debootstrap ;;
	# libFuzzer (libclang_rt.fuzzer-x86_64.a) and the ASan/UBSan runtimes
	# are in libclang-rt-14-dev on bookworm; llvm-14 has llvm-symbolizer,
	# which ASan needs for readable stack traces.
	test)	echo clang libclang-rt-14-dev llvm-14 valgrind jq python3-jsonschema python3-prometheus-client ;;
	bench)	echo python3-matplotlib valgrind ;;
	dkms)	echo dkms ;;
	pkg)	echo mandoc man-db python3-dev ;;
	libvirt) echo libvirt-clients libvirt-daemon-driver-qemu python3 ;;
	*)	return 1 ;;
	esac
}
ALL_GROUPS="build vm kunit vm612 vm73 test bench dkms pkg libvirt"

usage() { sed -n '3,35s/^# \{0,1\}//p' "$0"; exit "${1:-2}"; }

mode=install
groups=()
for a in "$@"; do
	case "$a" in
	--check)	mode=check ;;
	--list)		mode=list ;;
	-h|--help)	usage 0 ;;
	all)		read -ra g <<<"$ALL_GROUPS"; groups+=("${g[@]}") ;;
	-*)		echo "$PROG: unknown option $a" >&2; usage ;;
	*)		group_pkgs "$a" >/dev/null ||
				{ echo "$PROG: unknown group '$a' (groups: $ALL_GROUPS all)" >&2; exit 2; }
			groups+=("$a") ;;
	esac
done
[ ${#groups[@]} -gt 0 ] || usage

if [ "$mode" = list ]; then
	for g in "${groups[@]}"; do group_pkgs "$g" | tr ' ' '\n'; done | awk '!seen[$0]++'
	exit 0
fi

installed() {
	case "$1" in
	bpo:*-source-*)	installed "${1#bpo:}" ;;
	bpo:*)	dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${1#bpo:}.*-amd64" 2>/dev/null |
			grep -q "^ii  ${1#bpo:}\.[^ ]*-amd64$" ;;
	*)	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ] ;;
	esac
}

# The backports source, added only when a bpo: package is to be installed.
# Backports are NotAutomatic: nothing else on the machine moves to them.
BPO_LIST=/etc/apt/sources.list.d/numaclaims-bookworm-backports.list
bpo_source() {
	[ -f "$BPO_LIST" ] && return 0
	local mirror=${NC_BACKPORTS_MIRROR:-} keyring=/usr/share/keyrings/debian-archive-keyring.gpg opt=
	# The mirror the machine already uses for bookworm (offline machines
	# reach only that one), else Debian's.
	[ -n "$mirror" ] || mirror=$(apt-cache policy 2>/dev/null |
		awk '$3 == "bookworm/main" && $2 ~ /^https?:/ { print $2; exit }')
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	[ -r "$keyring" ] && opt="[signed-by=$keyring] "
	echo "$PROG: adding bookworm-backports ($mirror) in $BPO_LIST"
	echo "deb ${opt}$mirror bookworm-backports main" |
		"${SUDO[@]}" tee "$BPO_LIST" >/dev/null
}

# bpo:linux-image-6.12 -> linux-image-6.12.95+deb12-amd64: what the
# backports meta package (linux-image-amd64, linux-headers-amd64) depends on.
bpo_resolve() {
	local p=${1#bpo:} meta
	case "$p" in
	*-source-*) echo "$p/bookworm-backports"; return 0 ;;
	linux-image-*) meta=linux-image-amd64 ;;
	linux-headers-*) meta=linux-headers-amd64 ;;
	*) return 1 ;;
	esac
	apt-cache show "$meta" 2>/dev/null |
		awk -v p="$p." '$1 == "Depends:" && index($2, p) == 1 && $2 ~ /-amd64$/ { print $2 }' |
		sort -V | tail -n1 | grep .
}

# What a group needs as commands (c:NAME) and headers (h:PATH), for systems
# without dpkg, where package names differ.
group_needs() {
	case "$1" in
	build)	echo c:gcc c:make c:pkg-config h:numa.h h:stdio.h ;;
	vm)	echo c:qemu-system-x86_64 c:busybox c:cpio c:gzip c:numactl ;;
	kunit)	echo c:bc c:bison c:flex c:python3 c:xz c:rsync c:prove ;;
	vm612)	echo g:/boot/vmlinuz-6.12.* g:/usr/src/linux-source-6.12.tar.xz ;;
	vm73)	echo c:debootstrap ;;
	test)	echo c:clang c:valgrind ;;
	bench)	echo c:python3 c:valgrind ;;
	dkms)	echo c:dkms ;;
	pkg)	echo c:mandoc c:man c:python3-config ;;
	libvirt) echo c:virsh c:python3 ;;
	esac
}

if [ -n "${NC_DEPS_NO_APT:-}" ] || ! command -v dpkg-query >/dev/null 2>&1 ||
   ! command -v apt-get >/dev/null 2>&1; then
	bad=0
	for g in "${groups[@]}"; do
		miss=
		for n in $(group_needs "$g"); do
			case "$n" in
			c:*)	command -v "${n#c:}" >/dev/null 2>&1 || miss+=" ${n#c:}" ;;
			h:*)	echo "#include <${n#h:}>" | ${CC:-cc} -E -x c - >/dev/null 2>&1 ||
					miss+=" <${n#h:}>" ;;
			g:*)	compgen -G "${n#g:}" >/dev/null || miss+=" ${n#g:}" ;;
			esac
		done
		if [ -z "$miss" ]; then
			echo "$PROG: $g: ok (no apt: checked, nothing installed)"
		else
			echo "$PROG: $g: MISSING$miss (no apt: install them with your package manager, e.g. numactl-devel for <numa.h>)"
			bad=1
		fi
	done
	exit $bad
fi

# Packages missing, over all groups, without duplicates.
missing=()
for g in "${groups[@]}"; do
	for p in $(group_pkgs "$g"); do
		installed "$p" && continue
		case " ${missing[*]} " in *" $p "*) ;; *) missing+=("$p") ;; esac
	done
done

report() {	# one line per group
	local g p miss
	for g in "${groups[@]}"; do
		miss=
		for p in $(group_pkgs "$g"); do installed "$p" || miss+=" $p"; done
		if [ -z "$miss" ]; then
			echo "$PROG: $g: ok"
		else
			echo "$PROG: $g: MISSING$miss"
		fi
	done
}

if [ ${#missing[@]} -eq 0 ]; then
	report
	exit 0
fi
if [ "$mode" = check ]; then
	report
	exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1; then
	# -n: never prompt when there is no terminal to answer on.
	if [ -t 0 ]; then SUDO=(sudo); else SUDO=(sudo -n); fi
else
	echo "$PROG: error: not root and no sudo; as root, run:" >&2
	echo "  apt-get update && apt-get install --no-install-recommends ${missing[*]}" >&2
	case " ${missing[*]}" in *" bpo:"*)
		echo "  (bpo:NAME: the NAME.*-amd64 package of bookworm-backports, after adding" \
		     "'deb http://deb.debian.org/debian bookworm-backports main' to $BPO_LIST)" >&2 ;;
	esac
	exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/deps.XXXXXX.log")
trap 'rm -f "$log"' EXIT
apt=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y
     -o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0)
case " ${missing[*]}" in *" bpo:"*) bpo_source || exit 1 ;; esac
echo "$PROG: installing: ${missing[*]}"
if ! "${apt[@]}" update </dev/null >"$log" 2>&1; then
	cat "$log" >&2
	echo "$PROG: error: apt-get update failed; missing: ${missing[*]}" >&2
	exit 1
fi
names=()
for p in "${missing[@]}"; do
	case "$p" in
	bpo:*)	n=$(bpo_resolve "$p") || {
			echo "$PROG: error: $p: no such package in bookworm-backports ($BPO_LIST)" >&2
			exit 1
		}
		names+=("$n") ;;
	*)	names+=("$p") ;;
	esac
done
if ! "${apt[@]}" install --no-install-recommends "${names[@]}" </dev/null >>"$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "$PROG: error: apt-get install failed; missing: ${missing[*]}" >&2
	exit 1
fi
report
for p in "${missing[@]}"; do
	installed "$p" || { echo "$PROG: error: $p still not installed" >&2; exit 1; }
done
exit 0
