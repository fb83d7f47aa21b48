#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) and cache the numaclaims debug/KUnit kernel: Debian's
# linux-source-6.1 configured from tinyconfig + kunit/numaclaims.kunitconfig
# (KASAN, UBSAN, lockdep, kmemleak, KUnit framework without built-in suites,
# ACPI NUMA), built with `kunit.py build --arch=x86_64`.  With --series 6.12
# the same from bookworm-backports' linux-source-6.12 (tools/deps.sh vm612):
# Debian's own 6.12 kernel has no KUnit (# CONFIG_KUNIT is not set).
#
# usage: tools/kunit-kernel.sh [--series 6.1|6.12]
#                              [--print-kdir | --print-bzimage |
#                               --print-srctree | --print-dir | --print-key |
#                               --check | --prune]
#
#   --series S       which linux-source-S (default 6.1); every option below
#                    acts on that series' kernels only
#   (no option)      build if needed; print the KDIR on stdout (last line)
#   --print-kdir     same
#   --print-bzimage  build if needed; print the bzImage path
#   --print-srctree  build if needed; print the kernel source tree (kunit.py)
#   --print-dir      build if needed; print the cache directory of this key
#   --print-key      print the cache key, never build
#   --check          exit 0 if the kernel for the current key is built, 1 if
#                    not; never build
#   --prune          delete the cached kernels of other keys of the series
#                    (older fragment or script versions; ~300 MB each) that
#                    no build holds
#
# stdout carries only the requested path; all build output goes to stderr.
#
# Layout, with CACHE=${NUMACLAIMS_CACHE:-/var/cache/numaclaims} and S the
# series (6.1, 6.12):
#   $CACHE/linux-source-S_<debian version>/      pristine source tree (shared)
#   $CACHE/kunit-kernel-S-<key>/build/           O= tree = KDIR for
#                                                `make -C $KDIR M=$PWD modules`
#   $CACHE/kunit-kernel-S-<key>/bzImage          the kernel to boot
#   $CACHE/kunit-kernel-S-<key>/config           its .config
#   $CACHE/kunit-kernel-S-<key>/done             written last: the cache hit
# <key> = sha256 of the fragment, the linux-source-S package version, the
# compiler version and the text of this script's build functions (as printed
# by `declare -f`, so comments here do not invalidate the cache).
#
# Why tinyconfig first: `kunit.py build` alone writes only the kunitconfig to
# .config and lets olddefconfig default everything else, i.e. a near-defconfig
# x86_64 kernel (19 min cold on 2 cores here, against ~8 for tinyconfig +
# fragment).  kunit.py keeps an existing .config when the kunitconfig is a
# subset of it and equals the one it recorded in last_used_kunitconfig, so we
# seed both from tinyconfig + fragment and let kunit.py build and validate.
#
# Environment: NUMACLAIMS_CACHE, NUMACLAIMS_JOBS (default: nproc),
# NUMACLAIMS_LINUX_TARBALL (default /usr/src/linux-source-S.tar.xz).

set -euo pipefail

# The whole script is one compound command: bash reads it completely before
# running it, so editing (or git checkout of) this file during a long run
# cannot derail the running copy.
{

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fragment=$repo/kunit/numaclaims.kunitconfig
. "$repo/tools/lib.sh"
cache=$(nc_cache_dir) || { echo "kunit-kernel: error: no usable cache directory" >&2; exit 1; }
jobs=${NUMACLAIMS_JOBS:-$(nproc)}

die() { echo "kunit-kernel: error: $*" >&2; exit 1; }
log() { echo "kunit-kernel: $*" >&2; }

mode=kdir series=6.1
while [ $# -gt 0 ]; do
	case "$1" in
	--print-kdir) mode=kdir ;;
	--print-bzimage) mode=bzimage ;;
	--print-srctree) mode=srctree ;;
	--print-dir) mode=dir ;;
	--print-key) mode=key ;;
	--check) mode=check ;;
	--prune) mode=prune ;;
	--series) [ $# -ge 2 ] || die "--series needs 6.1 or 6.12"; series=$2; shift ;;
	--series=*) series=${1#*=} ;;
	-h | --help) sed -n '4,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done
case "$series" in
6.1 | 6.12) ;;
*) die "unknown series '$series' (6.1 or 6.12)" ;;
esac
pkg=linux-source-$series
tarball=${NUMACLAIMS_LINUX_TARBALL:-/usr/src/$pkg.tar.xz}

[ -r "$fragment" ] || die "missing $fragment"

# Everything below that shapes the kernel is in these functions; their text
# is part of the cache key.

# Seed O=$1 with tinyconfig + fragment and check the result.
configure_kernel() {
	local src=$1 obj=$2
	make -C "$src" ARCH=x86_64 O="$obj" tinyconfig >&2
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" >&2
	make -C "$src" ARCH=x86_64 O="$obj" olddefconfig >&2
	verify_config "$obj/.config"
}

# Fail loudly if Kconfig dropped (or added) anything the fragment decides.
verify_config() {
	local config=$1 line name value bad=0
	while IFS= read -r line; do
		if [[ $line =~ ^CONFIG_([A-Za-z0-9_]+)=(.*)$ ]]; then
			name=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
			if ! grep -qxF "CONFIG_$name=$value" "$config"; then
				echo "kunit-kernel: CONFIG_$name=$value requested but .config has:" \
					"$(grep -E "^(# )?CONFIG_$name[= ]" "$config" || echo '(nothing: missing dependency?)')" >&2
				bad=1
			fi
		elif [[ $line =~ ^#\ CONFIG_([A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			name=${BASH_REMATCH[1]}
			if grep -q "^CONFIG_$name=" "$config"; then
				echo "kunit-kernel: CONFIG_$name requested off but .config has:" \
					"$(grep "^CONFIG_$name=" "$config")" >&2
				bad=1
			fi
		fi
	done <"$fragment"
	[ $bad = 0 ] || die "Kconfig did not accept $fragment (see above)"
}

# Out-of-tree modules built against O=$2 must be UBSAN-instrumented (on 6.1
# that takes UBSAN_SANITIZE_ALL): build a probe module with a shift by a
# variable count and a variable array index, and find UBSAN's shift and
# bounds handlers among its undefined symbols.
check_ubsan_module() {
	local src=$1 obj=$2 probe=$2/../ubsan-probe sym
	rm -rf "$probe"
	mkdir -p "$probe"
	echo 'obj-m := ubsan_probe.o' >"$probe/Kbuild"
	cat >"$probe/ubsan_probe.c" <<-'EOF'
		// SPDX-License-Identifier: GPL-2.0
		#include <linux/module.h>
		u64 ubsan_probe_shift(unsigned int order);
		u64 ubsan_probe_shift(unsigned int order) { return 1ULL << order; }
		int ubsan_probe_index(int i);
		int ubsan_probe_index(int i) { static int a[4]; return a[i]; }
		MODULE_LICENSE("GPL");
	EOF
	make -C "$src" ARCH=x86_64 O="$obj" M="$probe" modules >&2 ||
		die "building the UBSAN probe module failed"
	for sym in __ubsan_handle_shift_out_of_bounds __ubsan_handle_out_of_bounds; do
		nm -u "$probe/ubsan_probe.ko" | grep -qw "$sym" ||
			die "modules built against $obj are not UBSAN-instrumented (no $sym); see the UBSAN section of $fragment"
	done
	rm -rf "$probe"
}

# kunit.py build in O=$2, keeping the seeded .config.
build_kernel() {
	local src=$1 obj=$2 out
	# What kunit.py would record after generating a .config itself: the
	# kunitconfig merged with its x86_64 qemu config.
	(cd "$src/tools/testing/kunit" && python3 - "$obj" "$fragment") <<-'EOF'
		import os, sys
		import kunit_kernel
		obj, frag = sys.argv[1], sys.argv[2]
		tree = kunit_kernel.LinuxSourceTree(obj, kunitconfig_paths=[frag], arch='x86_64')
		kconfig = tree._ops.make_arch_config(tree._kconfig)
		path = kunit_kernel.get_old_kunitconfig_path(obj)
		if os.path.exists(path): os.remove(path)  # write_to_file appends
		kconfig.write_to_file(path)
	EOF
	out=$(python3 "$src/tools/testing/kunit/kunit.py" build --arch=x86_64 \
		--kunitconfig="$fragment" --build_dir="$obj" --jobs="$jobs" 2>&1) || {
		echo "$out" >&2
		die "kunit.py build failed"
	}
	echo "$out" >&2
	# kunit.py regenerating the .config means it threw away the tinyconfig
	# base (and built a near-defconfig kernel); that is a bug here.
	if grep -q "Generating .config\|Regenerating .config" <<<"$out"; then
		die "kunit.py regenerated .config from its defaults; the seeding is broken"
	fi
	verify_config "$obj/.config"
	[ -s "$obj/Module.symvers" ] || make -C "$src" ARCH=x86_64 O="$obj" -j"$jobs" modules >&2
	[ -s "$obj/Module.symvers" ] || die "no Module.symvers in $obj"
	check_ubsan_module "$src" "$obj"
	[ -f "$obj/arch/x86/boot/bzImage" ] || die "no bzImage in $obj"
	# No built-in KUnit suites (kunit.py parse on 6.1 would drop the module
	# suites after them): the kunit_test_suites table must be empty.
	local start end
	start=$(awk '$3 == "__kunit_suites_start" {print $1}' "$obj/System.map")
	end=$(awk '$3 == "__kunit_suites_end" {print $1}' "$obj/System.map")
	[ -n "$start" ] && [ "$start" = "$end" ] ||
		die "built-in KUnit suites in vmlinux ($start..$end); disable them in $fragment"
}

if [ "$series" = 6.1 ]; then deps=kunit; else deps=vm612; fi
pkgver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	die "$pkg is not installed (tools/deps.sh $deps)"
ccver=$(gcc --version 2>/dev/null | head -n1) || die "no gcc"
key=$( {
	cat "$fragment"
	echo "$pkg $pkgver"
	echo "$ccver"
	declare -f configure_kernel verify_config check_ubsan_module build_kernel
} | sha256sum | cut -c1-16)

dir=$cache/kunit-kernel-$series-$key
kdir=$dir/build
src=$cache/${pkg}_$pkgver

print_result() {
	case $mode in
	kdir) echo "$kdir" ;;
	bzimage) echo "$dir/bzImage" ;;
	srctree) echo "$src" ;;
	dir) echo "$dir" ;;
	esac
}

case $mode in
key) echo "$key"; exit 0 ;;
check) [ -f "$dir/done" ]; exit ;;
prune)
	# This series' kernels; for 6.1 also those of before the series
	# (kunit-kernel-<key>).
	for d in "$cache"/kunit-kernel-*/; do
		d=${d%/}
		case "${d##*/}" in
		kunit-kernel-"$series"-*) ;;
		kunit-kernel-[0-9a-f]*) [ "$series" = 6.1 ] && [[ ${d##*/} =~ ^kunit-kernel-[0-9a-f]{16}$ ]] || continue ;;
		*) continue ;;
		esac
		[ -d "$d" ] && [ "$d" != "$dir" ] || continue
		(
			exec 9>"$d.lock"
			flock -n 9 || { log "skipping $d: being built"; exit 0; }
			log "removing $d"
			rm -rf "$d" && rm -f "$d.lock"
		)
	done
	exit 0
	;;
esac

# Fast path: the cache hit needs no lock.
if [ -f "$dir/done" ]; then
	print_result
	exit 0
fi

mkdir -p "$cache"
exec 9>"$dir.lock"
if ! flock -n 9; then
	log "another build of $key is running; waiting for it"
	flock 9
fi
if [ -f "$dir/done" ]; then
	print_result
	exit 0
fi

# The source tree is shared by all keys of one package version.
if [ ! -f "$src/.numaclaims-extracted" ]; then
	exec 8>"$src.lock"
	flock 8
	if [ ! -f "$src/.numaclaims-extracted" ]; then
		[ -r "$tarball" ] || die "missing $tarball (tools/deps.sh kunit)"
		log "extracting $tarball into $src"
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		tar -xJf "$tarball" -C "$src.tmp"
		mv "$src.tmp/$pkg" "$src"
		rmdir "$src.tmp"
		touch "$src/.numaclaims-extracted"
	fi
	exec 8>&-
fi

# Builds share 2 cores with everything else: lower our priority unless the
# caller already did (`nice tools/kunit-kernel.sh`).
[ "$(nice)" -gt 0 ] || renice -n 10 -p $$ >/dev/null

start=$(date +%s)
log "building $dir (key $key, $pkg $pkgver, $jobs jobs); takes ~10 min on 2 cores"
# An interrupted build is resumed incrementally in the same directory.
mkdir -p "$kdir"
configure_kernel "$src" "$kdir"
build_kernel "$src" "$kdir"
cp "$kdir/arch/x86/boot/bzImage" "$dir/bzImage"
cp "$kdir/.config" "$dir/config"
{
	echo "key=$key"
	echo "linux_source=$pkg $pkgver"
	echo "compiler=$ccver"
	echo "fragment=$fragment"
	echo "build_seconds=$(($(date +%s) - start))"
	echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$dir/done.tmp"
mv "$dir/done.tmp" "$dir/done"
log "built in $(($(date +%s) - start)) s: $dir"
print_result
exit
}
