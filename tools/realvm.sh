#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/realvm.sh - real VMs on numaclaims domains: nested QEMU (TCG) inside
# the test VM of tools/vm.sh, the tiny guest of vmguest/ as the VM.
#
# usage: tools/realvm.sh test  [--out FILE.tap] [--kernel PATH --module PATH.ko]
#                                                   (make realvm, realvm-73)
#        tools/realvm.sh storm [--out FILE.jsonl] [--vms N] [--modes "..."]
#        tools/realvm.sh demo                       (make demo)
#
#   test   tools/realvm-guest.sh in a two-node VM: one VM on a domain,
#          checked from both sides, its RAM on 2 MiB pages (superpages,
#          align=2M) and a 4 KiB domain's on 4 KiB pages, scrubbing, SIGBUS
#          on holes, two virtual nodes on two domains.  TAP to FILE (default
#          build/results/realvm.tap).  About 1 minute.
#   storm  tools/realvm-storm.sh in a three-node VM: N tiny VMs (default 10)
#          started at once by parallel builders on nodes 0 and 1, with claim
#          sets, then with QEMU's own host-nodes=N,policy=bind,prealloc=on
#          (and policy=preferred); node 2 holds the QEMU processes.  The
#          table on stdout, JSON lines to FILE (default
#          build/realvm/storm.jsonl).  About 2 minutes.
#   demo   tools/demo-guest.sh: the storm with claim sets only, verbose:
#          per-node tables before and after, every VM's placement and share
#          of RAM on 2 MiB pages.  About 2 minutes.
#
#   --kernel PATH     the test VM's kernel (default tools/vm.sh's, the
#                     Debian 6.1 one); with --module built against it
#   --module PATH.ko  numaclaims.ko (default build/module/numaclaims.ko)
#
# Needs build/module/numaclaims.ko (or --module) and
# build/userspace/claimctl-static (make module-vm userspace); builds vmguest
# itself.  The QEMU binary, its TCG
# accelerator module and the firmware it loads (SeaBIOS, the multiboot
# option ROM, kvmvapic) are copied into the test VM's initramfs.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}
[ $# -gt 0 ] && shift
out='' vms=10 modes='claims bind preferred' timeout='' ko='' kernel=()
while [ $# -gt 0 ]; do
	case "$1" in
	--out)		out=$2; shift ;;
	--vms)		vms=$2; shift ;;
	--modes)	modes=$2; shift ;;
	--timeout)	timeout=$2; shift ;;
	--kernel)	kernel=(--kernel "$2"); shift ;;
	--module)	ko=$2; shift ;;
	-h|--help)	sed -n '3,34s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*)		echo "realvm.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

ko=${ko:-$TOP/build/module/numaclaims.ko}
claimctl=$TOP/build/userspace/claimctl-static
for f in "$ko" "$claimctl"; do
	[ -r "$f" ] || { echo "realvm.sh: $f missing (make module-vm userspace)" >&2; exit 1; }
done
make -s -C "$TOP/vmguest" O="$TOP/build/vmguest" >/dev/null
QEMU_BIN=$(command -v qemu-system-x86_64) || { echo "realvm.sh: no qemu-system-x86_64 (tools/deps.sh vm)" >&2; exit 1; }
QEMU_BIN=$(readlink -f "$QEMU_BIN")
accel=/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so

# QEMU finds its firmware and modules relative to its binary, so it keeps
# its host paths in the VM.
adds=(--add "$QEMU_BIN:/usr/bin/qemu-system-x86_64"
      --add "$accel:$accel"
      --add /usr/share/seabios/bios-256k.bin:/usr/share/seabios/bios-256k.bin
      --add /usr/share/qemu/multiboot_dma.bin:/usr/share/qemu/multiboot_dma.bin
      --add /usr/share/qemu/kvmvapic.bin:/usr/share/qemu/kvmvapic.bin
      --add "$TOP/build/vmguest/vmguest.elf:/lib/realvm/vmguest.elf"
      --add "$TOP/tools/realvm-lib.sh:/lib/realvm/realvm-lib.sh"
      --add "$claimctl:/bin/claimctl")

case "$mode" in
test)
	out=${out:-$TOP/build/results/realvm.tap}
	mkdir -p "$(dirname "$out")" "$TOP/build/realvm"
	# The README's VM recipe, run as written (tools/realvm-guest.sh).
	"$TOP/tools/readme-recipe.sh" vm >"$TOP/build/realvm/recipe-vm.sh"
	adds+=(--add "$TOP/build/realvm/recipe-vm.sh:/lib/realvm/recipe-vm.sh"
	       --add "$(command -v setpriv):/bin/setpriv")	# util-linux, not busybox's
	exec "$TOP/tools/vm.sh" --nodes 2 --mem-per-node 512M "${kernel[@]}" \
		--module "$ko" --params "pool_mb=64 superpage_pool_mb=32 debug=1" "${adds[@]}" \
		--add "$TOP/tools/realvm-guest.sh:/bin/realvm-guest" \
		--out "$out" --quiet --splat-check --timeout "${timeout:-300}" \
		-- realvm-guest
	;;
storm|demo)
	if [ "$mode" = demo ]; then
		cmd=demo	# tools/demo-guest.sh
	else
		cmd="RV_VMS=$vms RV_MODES='$modes' RV_OOM_KILL_ALLOCATING=${RV_OOM_KILL_ALLOCATING:-1} realvm-storm"
	fi
	out=${out:-$TOP/build/realvm/storm.jsonl}
	mkdir -p "$(dirname "$out")"
	# The demo shows the console: loglevel=5 keeps the kernel's boot
	# chatter off it, and its warnings on.
	quiet=(--quiet)
	[ "$mode" = demo ] && quiet=(--append loglevel=5)
	# numactl: the QEMU processes run with their own memory preferring
	# node 2, so that nodes 0 and 1 hold guest RAM only.
	log=$TOP/build/vm/realvm-$mode.log
	rc=0
	"$TOP/tools/vm.sh" --nodes 3 --mem-per-node 768M "${kernel[@]}" "${quiet[@]}" --log "$log" \
		--timeout "${timeout:-600}" "${adds[@]}" \
		--add "$ko:/lib/realvm/numaclaims.ko" \
		--add "$(command -v numactl):/usr/bin/numactl" \
		--add "$TOP/tools/realvm-storm.sh:/bin/realvm-storm" \
		--add "$TOP/tools/demo-guest.sh:/bin/demo" \
		--out "$out" \
		-- "$cmd" || rc=$?
	# The bind mode makes the OOM killer kill QEMUs on purpose: its
	# reports (with a stack dump) are expected; any other splat is not.
	awk '/invoked oom-killer:/ { skip = 1 }
	     !skip { print }
	     skip && /(Out of memory|Memory cgroup out of memory): Killed process|oom_reaper:/ { skip = 0 }' \
		"$log" >"$log.no-oom"
	if ! "$TOP/tools/splat-check.sh" "$log.no-oom" >&2; then
		[ "$rc" = 0 ] && rc=126
	fi
	[ "$mode" = storm ] && sed -n '/^mode  *started/,/^@@NUMACLAIMS-VM-EXIT/p' "$log" | grep -av '^@@\|^\['
	echo "realvm.sh: JSON lines in $out, console in $log"
	exit "$rc"
	;;
*)
	sed -n '3,34s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
