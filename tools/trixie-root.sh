#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/trixie-root.sh - the Debian 13 (trixie) build root and Debian's 7.3
# kernel (trixie-backports), made once and cached like the kernels.
#
# usage: tools/trixie-root.sh [--print-root|--print-krel|--print-kdir|--print-vmlinuz]
#        tools/trixie-root.sh --run DIR -- COMMAND [ARGS...]
#
# The 7.3 headers need trixie's gcc 14 (bookworm's gcc 12 rejects
# -fmin-function-alignment) and its glibc (their objtool), so the module
# is built the way a Debian 13 + backports user builds it: in a trixie root
# made with debootstrap (minbase), holding linux-headers-KREL from
# trixie-backports and what it depends on (gcc-14, make, libelf, ...).
# The kernel the VMs boot is /usr/lib/modules/KREL/vmlinuz of that
# release's image package (linux-binary-KREL on 7.x, where linux-image-KREL
# is a meta package; linux-image-KREL itself if it holds the image),
# fetched with apt-get download in the root and extracted next to it; it is
# never installed on the host or in the root.
#
# KREL: NUMACLAIMS_KVER_73 if set, else the newest 7.3.*-amd64 headers that
# trixie-backports' linux-headers-amd64 depends on (decided once, when the
# root is made).
#
# Cache: $(nc_cache_dir)/trixie-7.3/ (default /var/cache/numaclaims):
#   root/             the chroot
#   vmlinuz-KREL      the 7.3 kernel image
#   stamp             KREL, written last: without it everything is rebuilt
# One run at a time (flock on trixie-7.3.lock next to it).  Every mount
# (debootstrap's /proc, --run's /proc and DIR) lives in a private mount
# namespace (unshare -m) that goes away with the command, so nothing stays
# mounted even if it is killed; mounts a crashed older run left under the
# root are unmounted before the root is removed.
#
#   --print-root      the root, made if needed (as the others)
#   --print-krel      e.g. 7.3.4+deb13-amd64
#   --print-kdir      the headers as seen inside the root: /usr/src/linux-headers-KREL
#   --print-vmlinuz   the kernel image on the host
#   --run DIR -- CMD  CMD in the root (cwd DIR), with /proc and DIR (a host
#                     directory, bind-mounted at the same path) mounted
#
# Mirror: NC_TRIXIE_MIRROR, else the machine's bookworm one, else Debian's.
# Progress on stderr; output of the --print options on stdout.
set -u
NC_PROG=trixie-root.sh
. "$(dirname "$0")/lib.sh"

what=print-root run_dir=
case "${1:-}" in
--print-root|--print-krel|--print-kdir|--print-vmlinuz) what=${1#--}; shift ;;
--run)	[ $# -ge 3 ] && [ "$3" = -- ] || nc_die "usage: --run DIR -- COMMAND"
	what=run run_dir=$(cd "$2" && pwd) || nc_die "--run: no directory $2"
	shift 3 ;;
-h|--help) sed -n '3,41s/^# \{0,1\}//p' "$0"; exit 0 ;;
"")	;;
*)	nc_die "unknown option $1 (see --help)" ;;
esac
[ $# -eq 0 ] || [ "$what" = run ] || nc_die "unexpected argument $1"
[ "$(id -u)" -eq 0 ] || nc_die "needs root (debootstrap, chroot, mounts)"

cache=$(nc_cache_dir) || nc_die "no usable cache directory"
dir=$cache/trixie-7.3
root=$dir/root
log() { echo "$NC_PROG: $*" >&2; }

# Unmount whatever is mounted under the root (deepest first).
umount_under() {
	local m
	awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts |
		sort -r | while read -r m; do umount -l "$m" && log "unmounted stale $m"; done
}

mirror() {
	local m=${NC_TRIXIE_MIRROR:-}
	[ -n "$m" ] || m=$(apt-cache policy 2>/dev/null |
		awk '$3 == "bookworm/main" && $2 ~ /^https?:/ { print $2; exit }')
	echo "${m:-http://deb.debian.org/debian}"
}

# In the root, in a mount namespace of its own, with /proc mounted.
in_root() {	# [--bind DIR] CMD...
	local bind=
	if [ "$1" = --bind ]; then bind=$2; shift 2; fi
	unshare --mount --propagation private -- /bin/sh -ec '
		root=$1 bind=$2; shift 2
		mount -t proc proc "$root/proc"
		if [ -n "$bind" ]; then
			mkdir -p "$root$bind"; mount --bind "$bind" "$root$bind"
		fi
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' \
		sh "$root" "$bind" "$@"
}

build() {
	local m krel img pkg t0=$SECONDS tmp
	m=$(mirror)
	command -v debootstrap >/dev/null || nc_die "debootstrap missing; run tools/deps.sh vm73"
	umount_under
	# Never remove through a mount (a bind-mounted repository).
	! awk -v r="$root" '$2 == r || index($2, r "/") == 1 { f = 1 } END { exit !f }' /proc/mounts ||
		nc_die "something is still mounted under $root; unmount it first"
	rm -rf --one-file-system "$root" "$dir"/vmlinuz-* "$dir/stamp"
	mkdir -p "$dir"
	log "debootstrap trixie ($m) into $root"
	unshare --mount --propagation private -- \
		debootstrap --variant=minbase trixie "$root" "$m" >"$dir/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$dir/debootstrap.log" >&2; nc_die "debootstrap failed (log: $dir/debootstrap.log)"; }
	log "debootstrap: $((SECONDS - t0)) s"
	echo "deb $m trixie-backports main" >"$root/etc/apt/sources.list.d/trixie-backports.list"
	# No daemons in the root.
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	in_root apt-get -q update >>"$dir/apt.log" 2>&1 ||
		{ tail -n 30 "$dir/apt.log" >&2; nc_die "apt-get update in the root failed"; }
	krel=${NUMACLAIMS_KVER_73:-}
	if [ -z "$krel" ]; then
		krel=$(in_root apt-cache show -o APT::Default-Release=trixie-backports \
			linux-headers-amd64/trixie-backports 2>/dev/null |
			grep -o 'linux-headers-7\.3\.[^ ,]*-amd64' | sed 's/^linux-headers-//' |
			sort -V | tail -n1)
		[ -n "$krel" ] || nc_die "no 7.3 headers in trixie-backports (linux-headers-amd64)"
	fi
	log "kernel $krel: installing linux-headers-$krel, gcc, make"
	in_root apt-get -q -y --no-install-recommends -t trixie-backports install \
		"linux-headers-$krel" make gcc libc6-dev libelf-dev >>"$dir/apt.log" 2>&1 ||
		{ tail -n 30 "$dir/apt.log" >&2; nc_die "installing the 7.3 headers failed (log: $dir/apt.log)"; }
	log "packages: $((SECONDS - t0)) s"
	# The image: linux-binary-KREL on 7.x, else linux-image-KREL.
	img=
	for pkg in "linux-binary-$krel" "linux-image-$krel-unsigned" "linux-image-$krel"; do
		in_root apt-cache show "$pkg" >/dev/null 2>&1 || continue
		tmp=$(mktemp -d "$root/var/tmp/img.XXXXXX")
		in_root /bin/sh -c "cd ${tmp#"$root"} && apt-get -q -o APT::Sandbox::User=root download $pkg" >>"$dir/apt.log" 2>&1 ||
			{ rm -rf "$tmp"; continue; }
		dpkg-deb --fsys-tarfile "$tmp"/*.deb |
			tar -x -C "$tmp" --wildcards "./usr/lib/modules/$krel/vmlinuz" "./boot/vmlinuz-$krel" 2>/dev/null
		for img in "$tmp/usr/lib/modules/$krel/vmlinuz" "$tmp/boot/vmlinuz-$krel" ""; do
			[ -n "$img" ] && [ -s "$img" ] && break
		done
		if [ -n "$img" ]; then
			cp "$img" "$dir/vmlinuz-$krel.tmp" && mv -f "$dir/vmlinuz-$krel.tmp" "$dir/vmlinuz-$krel"
			log "kernel image from $pkg"
			rm -rf "$tmp"
			break
		fi
		rm -rf "$tmp"
	done
	[ -s "$dir/vmlinuz-$krel" ] || nc_die "no package of trixie-backports holds the $krel image"
	in_root apt-get clean >/dev/null 2>&1
	[ -f "$root/usr/src/linux-headers-$krel/Makefile" ] || nc_die "no headers in the root"
	echo "$krel" >"$dir/stamp.tmp" && mv -f "$dir/stamp.tmp" "$dir/stamp"
	log "made in $((SECONDS - t0)) s"
}

ready() {
	local k
	[ -s "$dir/stamp" ] || return 1
	k=$(cat "$dir/stamp")
	[ -s "$dir/vmlinuz-$k" ] && [ -f "$root/usr/src/linux-headers-$k/Makefile" ] &&
		[ -x "$root/usr/bin/make" ]
}

mkdir -p "$dir" || nc_die "cannot create $dir"
exec 9>"$dir.lock"
if ! ready; then
	flock -n 9 || { log "waiting for another run making $dir"; flock 9; }
	ready || build
fi
krel=$(cat "$dir/stamp")
case "$what" in
print-root)	echo "$root" ;;
print-krel)	echo "$krel" ;;
print-kdir)	echo "/usr/src/linux-headers-$krel" ;;
print-vmlinuz)	echo "$dir/vmlinuz-$krel" ;;
run)		# Shared lock: the root is not rebuilt under a build.
		flock -u 9; flock -s 9
		in_root --bind "$run_dir" /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$run_dir" "$@" ;;
esac
