#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/vm.sh - boot a kernel under QEMU (TCG) with emulated NUMA nodes, load
# modules, run one command in the guest and return its exit status.
#
# usage: tools/vm.sh [options] -- COMMAND [ARGS...]
#
#   --nodes N            NUMA nodes (default 2); one CPU per node, -smp N
#   --mem-per-node SIZE  memory per node, K/M/G suffix, plain = MiB
#                        (default 512M); -m is N * SIZE
#   --dist D             distance between any two different nodes (default 21)
#   --dist-matrix M      every distance, row by row: "10,12,20/30,10,21/..."
#                        (row a, column b: from node a's CPUs to node b's
#                        memory; may be asymmetric; 10 on the diagonal,
#                        11..254 elsewhere); overrides --dist
#   --kernel PATH        kernel image (default /boot/vmlinuz-$(tools/kver.sh))
#   --module PATH.ko     module to insmod before the command; repeatable,
#                        loaded in the order given
#   --params "k=v ..."   parameters for the FIRST --module (numaclaims.ko),
#                        given to the kernel verbatim as modprobe would:
#                        space-separated k=v, "..." around values with spaces
#   --rmmod              after the command, rmmod the modules in reverse
#                        order; a failed rmmod turns status 0 into 125
#   --add SRC[:DEST]     copy a file or directory into the guest (DEST
#                        default /bin/<basename of SRC>); repeatable.  The
#                        shared libraries of dynamically linked ELF files are
#                        copied along (found with ldd), so e.g.
#                        --add /usr/bin/numactl works
#   --out FILE           the guest's second serial port (/dev/ttyS1, exported
#                        to the command as $VM_OUT) is written to FILE on
#                        the host, CRs stripped: a clean channel for TAP output
#   --timeout SECONDS    whole-run limit (default 300); then QEMU is killed
#                        and the status is 124
#   --log FILE           console log (default build/vm/console-DATE-PID.log;
#                        build/vm/console-latest.log links to the last one)
#   --append "ARGS"      extra kernel command line arguments
#   --machine pc|q35     QEMU machine type (default pc: boots ~1 s faster)
#   --tcg-threads single|multi
#                        TCG's vCPU threads (default single: every vCPU in
#                        one host thread, round-robin).  multi (MTTCG, one
#                        thread per vCPU) is faster for parallel guests but
#                        can crash a guest kernel that live-patches its text
#                        (static keys, tracepoints): see "Why single-threaded
#                        TCG" below; only benchmarks may ask for it
#   --name NAME          the run's name in failure reports (default: the
#                        basename of --out without .tap, else "vm")
#   --quiet              do not copy the console to stdout
#   --splat-check        run tools/splat-check.sh on the log after the run;
#                        a splat turns status 0 into 126
#   --dry-run            build the initramfs, print the QEMU command, stop
#
# COMMAND ARGS... are joined with spaces (like ssh) and run by /bin/sh in the
# guest with stdin from /dev/null, cwd /root, PATH=/usr/local/bin:/bin:/sbin:...,
# and VM_NODES=N exported.  The guest is busybox (static) in an initramfs with
# proc, sysfs, devtmpfs, debugfs, tracefs and a tmpfs /tmp mounted.  Added
# binaries must be static or have their libraries found by ldd on the host.
#
# Exit status: the command's; 124 timeout; 125 the VM did not get to report a
# status (boot failure, insmod failure, bad usage, QEMU error: the last 30
# console lines are shown); 126 with --splat-check, command ok but splat.
#
# A VM that panics, oopses fatally or hangs is reported by name: vm.sh prints
# "vm.sh: VM FAILED (NAME): ..." with the first lines of the panic (or the
# last console lines of a hang), and with --out it appends the same as TAP
# to FILE: a "not ok" line numbered after the last result, the panic's lines
# as "# " diagnostics and "Bail out!", so that tools/tap-count.sh and prove
# name the failure instead of only counting a bad plan.
#
# Why single-threaded TCG (the default).  x86 Linux changes its own code
# while it runs: enabling a static key or a tracepoint (for example the
# first trace event enabled starts the sched_switch probe that records
# command names, patching a jump in __schedule) goes through
# text_poke_bp(): an int3 first, an IPI to every CPU, the new bytes, the
# int3 removed, and the int3 handler recognises only an int3 it is still
# patching.  Under multi-threaded TCG another vCPU can still execute a
# translation of the half-patched bytes after the patch is done, traps on
# the stale int3 and the kernel dies ("Oops: int3" in __schedule, then
# "Kernel panic - not syncing: Fatal exception in interrupt"): intermittent,
# and not numaclaims' code (its own tracepoint sites are patched the same
# way, by the kernel).  With one TCG thread no vCPU is ever inside a
# translation block while another writes code, and a write invalidates the
# page's translations before any vCPU runs again, so the race cannot happen.
#
# Environment: NUMACLAIMS_CACHE (cache dir, default /var/cache/numaclaims),
# QEMU (qemu binary, default qemu-system-x86_64), NUMACLAIMS_KVER.
set -u
set -o pipefail

TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$TOOLS/lib.sh"
ROOT=$(nc_repo_root)
export NC_PROG=vm.sh
export NC_DIE_STATUS=125

MARK=@@NUMACLAIMS-VM
INITRAMFS_BASE_VERSION=1	# bump when the base layout below changes

usage() { sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit "${1:-125}"; }

nodes=2 mem_per_node=512M dist=21 dist_matrix='' kernel='' params='' params_set=0
timeout=300 log='' append='' quiet=0 machine=pc out='' rmmod=0 splat=0 dry=0
tcg_threads=single name=''

modules=() adds=() cmd=()

need_arg() { [ $# -ge 2 ] || nc_die "option $1 needs an argument"; }
while [ $# -gt 0 ]; do
	opt=$1
	case "$opt" in
	--*=*)	set -- "${opt%%=*}" "${opt#*=}" "${@:2}"; continue ;;
	esac
	case "$opt" in
	--nodes)	need_arg "$@"; nodes=$2; shift ;;
	--mem-per-node)	need_arg "$@"; mem_per_node=$2; shift ;;
	--dist)		need_arg "$@"; dist=$2; shift ;;
	--dist-matrix)	need_arg "$@"; dist_matrix=$2; shift ;;
	--kernel)	need_arg "$@"; kernel=$2; shift ;;
	--module)	need_arg "$@"; modules+=("$2"); shift ;;
	--params)	need_arg "$@"; params=$2; params_set=1; shift ;;
	--rmmod)	rmmod=1 ;;
	--add)		need_arg "$@"; adds+=("$2"); shift ;;
	--out)		need_arg "$@"; out=$2; shift ;;
	--timeout)	need_arg "$@"; timeout=$2; shift ;;
	--log)		need_arg "$@"; log=$2; shift ;;
	--append)	need_arg "$@"; append=$2; shift ;;
	--machine)	need_arg "$@"; machine=$2; shift ;;
	--tcg-threads)	need_arg "$@"; tcg_threads=$2; shift ;;
	--name)		need_arg "$@"; name=$2; shift ;;
	--quiet|-q)	quiet=1 ;;
	--splat-check)	splat=1 ;;
	--dry-run)	dry=1 ;;
	-h|--help)	usage 0 ;;
	--)		shift; cmd=("$@"); break ;;
	*)		nc_warn "unknown option or missing '--' before the command: $opt"; usage ;;
	esac
	shift
done

# ---- validate -------------------------------------------------------------
[ ${#cmd[@]} -gt 0 ] || nc_die "no command given (tools/vm.sh [options] -- COMMAND)"
[[ $nodes =~ ^[1-9][0-9]*$ ]] && [ "$nodes" -le 64 ] || nc_die "--nodes must be 1..64, not '$nodes'"
[[ $dist =~ ^[0-9]+$ ]] && [ "$dist" -ge 11 ] && [ "$dist" -le 254 ] ||
	nc_die "--dist must be 11..254 (10 is the local distance), not '$dist'"
if [ -n "$dist_matrix" ]; then	# -> dm[a * nodes + b]
	IFS='/' read -r -a dm_rows <<<"$dist_matrix"
	[ ${#dm_rows[@]} -eq "$nodes" ] ||
		nc_die "--dist-matrix has ${#dm_rows[@]} rows, --nodes is $nodes"
	dm=()
	for ((a = 0; a < nodes; a++)); do
		IFS=',' read -r -a dm_row <<<"${dm_rows[a]}"
		[ ${#dm_row[@]} -eq "$nodes" ] ||
			nc_die "--dist-matrix row $a has ${#dm_row[@]} values, not $nodes"
		for ((b = 0; b < nodes; b++)); do
			v=${dm_row[b]}
			if [ $a -eq $b ]; then
				[ "$v" = 10 ] || nc_die "--dist-matrix: node $a to itself must be 10, not '$v'"
			else
				[[ $v =~ ^[0-9]+$ ]] && [ "$v" -ge 11 ] && [ "$v" -le 254 ] ||
					nc_die "--dist-matrix: node $a to $b must be 11..254, not '$v'"
			fi
			dm+=("$v")
		done
	done
fi
[[ $timeout =~ ^[1-9][0-9]*$ ]] || nc_die "--timeout must be a positive number of seconds"
case "$machine" in pc|q35) ;; *) nc_die "--machine must be pc or q35" ;; esac
case "$tcg_threads" in single|multi) ;; *) nc_die "--tcg-threads must be single or multi, not '$tcg_threads'" ;; esac
if [ -z "$name" ]; then
	name=vm
	[ -n "$out" ] && name=$(basename "$out" .tap)
fi
[ "$params_set" = 0 ] || [ ${#modules[@]} -gt 0 ] || nc_die "--params given but no --module"

# SIZE -> MiB
to_mib() {
	local s=$1 n u
	[[ $s =~ ^([0-9]+)([KkMmGgTt]?)(i?[Bb])?$ ]] || return 1
	n=${BASH_REMATCH[1]} u=${BASH_REMATCH[2]}
	case "$u" in
	K|k)	[ $((n % 1024)) -eq 0 ] || return 1; echo $((n / 1024)) ;;
	""|M|m)	echo "$n" ;;
	G|g)	echo $((n * 1024)) ;;
	T|t)	echo $((n * 1024 * 1024)) ;;
	esac
}
node_mib=$(to_mib "$mem_per_node") && [ "$node_mib" -ge 32 ] ||
	nc_die "--mem-per-node must be a size of at least 32M (e.g. 512M, 1G), not '$mem_per_node'"
total_mib=$((nodes * node_mib))

if [ -z "$kernel" ]; then
	kver=$(nc_kver) || nc_die "no Debian 6.1 kernel found; run tools/deps.sh vm (or pass --kernel)"
	kernel=/boot/vmlinuz-$kver
fi
[ -r "$kernel" ] || nc_die "kernel image '$kernel' not found or not readable"
for m in "${modules[@]}"; do
	[ -r "$m" ] || nc_die "module '$m' not found"
	case "$m" in *.ko) ;; *) nc_die "module '$m' is not a .ko file" ;; esac
done

QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null || nc_die "$QEMU not found; run tools/deps.sh vm"
for t in cpio gzip busybox; do
	[ "$t" = busybox ] && { [ -x /bin/busybox ] || nc_die "/bin/busybox missing; run tools/deps.sh vm"; continue; }
	command -v $t >/dev/null || nc_die "$t not found; run tools/deps.sh vm"
done

# ---- work dirs, log -------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/numaclaims-vm.XXXXXX") || nc_die "mktemp failed"
qemu_pid_file=$work/qemu.pid
cleanup() {
	if [ -s "$qemu_pid_file" ]; then
		kill "$(cat "$qemu_pid_file")" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$log" ]; then
	mkdir -p "$ROOT/build/vm" || nc_die "cannot create $ROOT/build/vm"
	log=$ROOT/build/vm/console-$(date +%Y%m%d-%H%M%S)-$$.log
	ln -sfn "${log##*/}" "$ROOT/build/vm/console-latest.log" 2>/dev/null
else
	mkdir -p "$(dirname "$log")" || nc_die "cannot create the directory of $log"
fi
: >"$log" || nc_die "cannot write log $log"

# ---- initramfs: cached busybox base + per-run part -------------------------
# The kernel unpacks concatenated (separately compressed) cpio archives in
# order, so the base (busybox + applet links + directories) is built once
# and cached, and each run only packs /init, the modules and added files.
# /dev/console comes from the kernel's built-in default initramfs.
cpio_gz() {	# DIR OUT: pack DIR as a root-owned newc cpio, gzip'ed
	(cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -n -1 >"$2"
}

cache=$(nc_cache_dir) || nc_die "no usable cache directory"
bb_sum=$(sha256sum /bin/busybox | cut -c1-16)
base=$cache/initramfs/base-v$INITRAMFS_BASE_VERSION-$bb_sum.cpio.gz
if [ ! -s "$base" ]; then
	mkdir -p "$cache/initramfs" || nc_die "cannot create $cache/initramfs"
	st=$work/base
	mkdir -p "$st"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,tmp,run,root,mnt,var/tmp}
	cp /bin/busybox "$st/bin/busybox"
	/bin/busybox --list-full | while read -r p; do
		[ "$p" = bin/busybox ] && continue
		mkdir -p "$st/$(dirname "$p")"
		ln -sf /bin/busybox "$st/$p"
	done
	echo "root:x:0:0:root:/root:/bin/sh" >"$st/etc/passwd"
	echo "root:x:0:" >"$st/etc/group"
	cpio_gz "$st" "$base.$$" && mv -f "$base.$$" "$base" ||
		{ rm -f "$base.$$"; nc_die "building the initramfs base failed"; }
	rm -rf "$st"
fi

st=$work/run
mkdir -p "$st/etc/numaclaims-vm" "$st/lib/numaclaims-vm" "$st/bin"

# Shared libraries of a dynamically linked ELF file, as absolute host paths.
elf_libs() {
	[ "$(head -c4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] || return 0
	ldd "$1" 2>/dev/null | awk '
		/not found/ { print "NOTFOUND " $1; next }
		/=>/ { if ($3 ~ /^\//) print $3; next }
		$1 ~ /^\// { print $1 }'
}
declare -A libs_done=()
copy_libs_of() {
	local f=$1 lib
	while read -r lib; do
		case "$lib" in
		NOTFOUND\ *) nc_warn "warning: $f needs ${lib#NOTFOUND } which ldd cannot find"; continue ;;
		esac
		[ -n "${libs_done[$lib]:-}" ] && continue
		libs_done[$lib]=1
		mkdir -p "$st$(dirname "$lib")"
		cp -L "$lib" "$st$lib" || nc_die "cannot copy library $lib"
	done < <(elf_libs "$f")
}

for a in "${adds[@]}"; do
	src=$a dest=
	if [[ $a == *:/* ]]; then
		src=${a%:/*} dest=/${a##*:/}
	fi
	[ -e "$src" ] || nc_die "--add: '$src' not found"
	[ -n "$dest" ] || dest=/bin/$(basename "$src")
	[[ $dest == */ ]] && dest=$dest$(basename "$src")
	mkdir -p "$st$(dirname "$dest")"
	cp -rL "$src" "$st$dest" || nc_die "--add: cannot copy '$src'"
	while IFS= read -r -d '' f; do
		copy_libs_of "$f"
	done < <(find "$st$dest" -type f -perm -u+x -print0)
done

modnames=()
i=0
for m in "${modules[@]}"; do
	i=$((i + 1))
	b=$(basename "$m")
	cp "$m" "$st/lib/numaclaims-vm/$i-$b"
	modnames+=("$b")
done

printf '%s\n' "${cmd[*]}" >"$st/etc/numaclaims-vm/cmd"

{
	cat <<EOF
#!/bin/sh
# /init generated by tools/vm.sh
export PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin HOME=/root TERM=dumb VM_NODES=$nodes
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug
[ -d /sys/kernel/tracing ] && mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
hostname numaclaims-vm
up() { cut -d' ' -f1 /proc/uptime; }
vm_exit() {
	sync
	echo "$MARK-EXIT@@ \$1 uptime=\$(up)"
	poweroff -f
	sleep 5
	reboot -f
	sleep 5
	exit "\$1"
}
vm_insmod() {
	f=\$1 name=\$2
	shift 2
	if ! insmod "\$f" "\$@"; then
		echo "$MARK-INSMOD-FAILED@@ \$name"
		vm_exit 125
	fi
}
echo "$MARK-BOOTED@@ uptime=\$(up) nodes=\$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)"
EOF
	if [ -n "$out" ]; then
		echo 'stty -F /dev/ttyS1 raw -echo 2>/dev/null; export VM_OUT=/dev/ttyS1'
	fi
	i=0
	for b in "${modnames[@]}"; do
		i=$((i + 1))
		if [ $i -eq 1 ] && [ -n "$params" ]; then
			# One argument, verbatim: the kernel parses it as it parses
			# modprobe options (k=v separated by spaces, "..." quoting).
			printf "vm_insmod /lib/numaclaims-vm/%s %s '%s'\n" "$i-$b" "$b" \
				"${params//\'/\'\\\'\'}"
		else
			printf 'vm_insmod /lib/numaclaims-vm/%s %s\n' "$i-$b" "$b"
		fi
	done
	cat <<EOF
echo "$MARK-RUN@@ uptime=\$(up)"
cd /root
/bin/sh /etc/numaclaims-vm/cmd </dev/null
rc=\$?
EOF
	if [ "$rmmod" = 1 ]; then
		for ((j = ${#modnames[@]} - 1; j >= 0; j--)); do
			b=${modnames[j]%.ko}
			printf 'rmmod %s || { echo "%s-RMMOD-FAILED@@ %s"; [ $rc -eq 0 ] && rc=125; }\n' \
				"$b" "$MARK" "$b"
		done
	fi
	echo 'vm_exit $rc'
} >"$st/init"
chmod 755 "$st/init"

initrd=$work/initrd.img
cpio_gz "$st" "$work/run.cpio.gz" || nc_die "packing the initramfs failed"
cat "$base" "$work/run.cpio.gz" >"$initrd"

# ---- QEMU -------------------------------------------------------------------
# One socket per node, as on a real multi-socket server.  (QEMU >= 6.2 makes
# -smp N into N cores of one socket sharing an L3, and Linux then WARNs at
# boot that an LLC spans two NUMA nodes.)
qemu=("$QEMU" -machine "$machine" -cpu max -accel "tcg,thread=$tcg_threads"
      -smp "$nodes,sockets=$nodes,cores=1,threads=1" -m "${total_mib}M"
      -nodefaults -no-user-config -display none -monitor none -no-reboot
      -serial stdio)
[ -n "$out" ] && qemu+=(-serial "file:$work/out.raw")
for ((n = 0; n < nodes; n++)); do
	qemu+=(-object "memory-backend-ram,id=m$n,size=${node_mib}M"
	       -numa "node,nodeid=$n,cpus=$n,memdev=m$n")
done
for ((a = 0; a < nodes; a++)); do
	for ((b = 0; b < nodes; b++)); do
		[ $a -eq $b ] || qemu+=(-numa "dist,src=$a,dst=$b,val=${dm[a * nodes + b]:-$dist}")
	done
done
qemu+=(-kernel "$kernel" -initrd "$initrd"
       -append "console=ttyS0,115200 panic=-1 rdinit=/init $append"
       -pidfile "$qemu_pid_file")

if [ "$dry" = 1 ]; then
	keep=$ROOT/build/vm/initrd-dry-run.img
	mkdir -p "$ROOT/build/vm" && cp "$initrd" "$keep"
	printf '%q ' "${qemu[@]/#$initrd/$keep}"; echo
	exit 0
fi

t0=$(date +%s.%N)
if [ "$quiet" = 1 ]; then
	timeout -k 10 "$timeout" "${qemu[@]}" </dev/null 2>&1 | sed -u 's/\r*$//' >"$log"
else
	timeout -k 10 "$timeout" "${qemu[@]}" </dev/null 2>&1 | sed -u 's/\r*$//' | tee "$log"
fi
qemu_status=${PIPESTATUS[0]}
t1=$(date +%s.%N)
rm -f "$qemu_pid_file"
[ -n "$out" ] && { tr -d '\r' <"$work/out.raw" >"$out" 2>/dev/null || : >"$out"; }

# ---- result -----------------------------------------------------------------
marker() { grep -a -o "$MARK-$1@@.*" "$log" | tail -n1; }
exit_line=$(marker EXIT)
run_line=$(marker RUN)
insmod_line=$(marker INSMOD-FAILED)
rmmod_lines=$(grep -a -o "$MARK-RMMOD-FAILED@@.*" "$log")

show_tail() {
	echo "---- last 30 console lines ($log) ----" >&2
	tail -n 30 "$log" | grep -av "^$MARK" >&2
	echo "----" >&2
}

# The first lines of the first fatal splat in the console (an oops, a
# panic, a BUG): what a reader needs to see first.
FATAL_RE='Kernel panic|Oops|kernel BUG at|BUG: |general protection fault|watchdog: BUG|rcu: INFO|blocked for more than'
fatal_lines() {
	grep -a -v "^$MARK" "$log" | grep -a -E -m1 -A 11 "$FATAL_RE" | head -n 12
}
# The kselftest or KTAP case the guest was running, from the clean channel.
last_running() {
	[ -n "$out" ] && [ -s "$out" ] || return 0
	grep -a -o -E '#  RUN +[^ ]+|# Subtest: [^ ]+' "$out" | tail -n1 |
		sed -E 's/.*(RUN|Subtest:) +//'
}
# report_failure WHAT: "VM FAILED" on stderr and, with --out, as TAP.
report_failure() {
	local what=$1 running lines panic n
	running=$(last_running)
	lines=$(fatal_lines)
	if [ -n "$lines" ]; then
		panic=$(grep -a -E -m1 'Kernel panic.*' <<<"$lines" | sed 's/^\[[^]]*\] *//')
		[ -n "$panic" ] || panic=$(head -n1 <<<"$lines" | sed 's/^\[[^]]*\] *//')
		what="$what: $panic"
	else
		lines=$(grep -a -v "^$MARK" "$log" | tail -n 8)
	fi
	[ -n "$running" ] && what="$what (while running $running)"
	echo "$NC_PROG: VM FAILED ($name): $what" >&2
	sed 's/^/    /' <<<"$lines" >&2
	[ -n "$out" ] || return 0
	n=$(grep -a -o -E '^(not )?ok [0-9]+' "$out" 2>/dev/null | tail -n1 | awk '{ print $NF }')
	n=$(( ${n:-0} + 1 ))
	{
		[ -s "$out" ] || echo "TAP version 13"
		echo "not ok $n vm: $name: $what"
		sed 's/^/# /' <<<"$lines"
		echo "Bail out! $name: the VM died ($what)"
	} >>"$out"
}

if [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; then
	nc_warn "error: timed out after ${timeout}s; QEMU killed"
	show_tail
	if [ -n "$(fatal_lines)" ]; then
		report_failure "no result within ${timeout} s after a fatal kernel error"
	else
		report_failure "hung: no result within ${timeout} s, QEMU killed"
	fi
	exit 124
fi
if [ -n "$insmod_line" ]; then
	nc_warn "error: insmod ${insmod_line#*@@ } failed in the guest (see the kernel messages above it in $log)"
	show_tail
	report_failure "insmod ${insmod_line#*@@ } failed"
	exit 125
fi
if [ -z "$exit_line" ]; then
	nc_warn "error: the guest never reported the command's exit status (QEMU status $qemu_status)"
	show_tail
	if [ -n "$(fatal_lines)" ]; then
		report_failure "kernel died"
	else
		report_failure "the guest stopped without reporting a status (QEMU status $qemu_status)"
	fi
	exit 125
fi

status=$(sed -n 's/^[^ ]* \([0-9]*\).*/\1/p' <<<"$exit_line")
[ -n "$status" ] || status=125
if [ -n "$rmmod_lines" ]; then
	nc_warn "error: rmmod failed in the guest: $(sed 's/.*@@ //' <<<"$rmmod_lines" | tr '\n' ' ')"
fi

# Times: the guest's uptime at the RUN and EXIT markers gives the command's
# duration; the rest of the wall time is boot (QEMU, firmware, kernel, init,
# insmod) plus a short power-off.
up_run=$(sed -n 's/.*uptime=\([0-9.]*\).*/\1/p' <<<"$run_line")
up_exit=$(sed -n 's/.*uptime=\([0-9.]*\).*/\1/p' <<<"$exit_line")
summary=$(awk -v t0="$t0" -v t1="$t1" -v r="${up_run:-0}" -v e="${up_exit:-0}" 'BEGIN {
	total = t1 - t0; cmd = e - r; if (cmd < 0) cmd = 0
	printf "boot %.1fs, command %.1fs, total %.1fs", total - cmd, cmd, total }')

if [ "$splat" = 1 ] && ! "$TOOLS/splat-check.sh" "$log" >&2; then
	[ "$status" -eq 0 ] && status=126
fi

if [ "$quiet" = 0 ] || [ "$status" -ne 0 ]; then
	nc_warn "exit status $status ($nodes nodes; $summary; log $log)"
fi
exit "$status"
