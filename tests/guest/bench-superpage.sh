#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the 2-node superpage VM (busybox sh) that bench/superpage-run.sh
# boots; numaclaims.ko is NOT loaded by vm.sh: every step loads it afresh
# (/lib/numaclaims/numaclaims.ko) and unloads it after, so that each mode of the storm
# starts from the same pool.  JSON lines go to $VM_OUT, progress to the
# console.
#
#   frag   per seed, per mode (sp, claims, none): insmod with the frag pools,
#          `spbench frag` (the same churn, then the storm), rmmod
#   touch  nr_hugepages reserved, insmod with a pool and superpages of the
#          size touched, `spbench touch`, rmmod
#
# Settings (environment): SP_SEEDS ("1 2 3"), SP_BUILDERS (8), SP_VM_MIB
# (16), SP_ROUNDS (4), SP_POOL_MB (160), SP_SUPER_MB (64), SP_KEEP (50: % of
# the superpages the churn leaves alone), SP_TOUCH_MIB (128), SP_TOUCH_REPS
# (4, the first a warm-up), SP_PUNCH (75: % of the churn domains decreased
# every other page), SP_STEPS ("frag touch").
set -u
out=${VM_OUT:-/dev/stdout}
ko=/lib/numaclaims/numaclaims.ko
fail=0
step() { echo "superpage-guest: $* (uptime $(cut -d' ' -f1 /proc/uptime))"; }

# As bench-membench.sh: no NUMA-balancing hinting faults in the counts.
[ -w /proc/sys/kernel/numa_balancing ] && echo 0 >/proc/sys/kernel/numa_balancing

# load PARAMS...: a fresh numaclaims.ko on node 0 only (scrub=0: populate
# clears what it hands out, no background scrubber competes for the vCPUs).
load() { insmod "$ko" scrub=0 "$@" || { echo "superpage-guest: insmod $* FAILED"; fail=1; return 1; }; }
unload() { rmmod numaclaims || { echo "superpage-guest: rmmod FAILED"; fail=1; }; }

for s in ${SP_STEPS:-frag touch}; do
	case $s in
	frag)
		for seed in ${SP_SEEDS:-1 2 3}; do
			for mode in sp claims none; do
				step "frag seed $seed mode $mode"
				load node_pool_mb="${SP_POOL_MB:-160},0" \
					node_superpage_mb="${SP_SUPER_MB:-64},0" || continue
				spbench frag --mode "$mode" --seed "$seed" --node 0 \
					--builders "${SP_BUILDERS:-8}" --vm-mib "${SP_VM_MIB:-16}" \
					--rounds "${SP_ROUNDS:-4}" --keep-sp "${SP_KEEP:-50}" --punch "${SP_PUNCH:-75}" \
					>"$out" || { echo "superpage-guest: spbench frag FAILED"; fail=1; }
				unload
			done
		done ;;
	touch)
		mib=${SP_TOUCH_MIB:-128}
		step "touch $mib MiB"
		# hugetlb's 2 MiB pages for the MAP_HUGETLB row, reserved first
		# (a fresh guest has the contiguous memory), spread over the nodes.
		echo $((mib / 2)) >/proc/sys/vm/nr_hugepages
		# THP as most distributions ship it (and the host here):
		# "madvise", so that MAP_POPULATE and the 4 KiB row are 4 KiB
		# pages and only the MADV_HUGEPAGE row is THP (Debian's 6.1
		# guest kernel defaults to "always").
		echo madvise >/sys/kernel/mm/transparent_hugepage/enabled
		echo "{\"bench\":\"sp_touch_setup\",\"nr_hugepages\":$(cat /proc/sys/vm/nr_hugepages),\"thp_enabled\":\"$(cat /sys/kernel/mm/transparent_hugepage/enabled)\",\"thp_defrag\":\"$(cat /sys/kernel/mm/transparent_hugepage/defrag)\"}" >"$out"
		load node_pool_mb="$((mib + 8)),0" node_superpage_mb="$((mib + 4)),0" &&
		{ spbench touch --node 0 --mib "$mib" --reps "${SP_TOUCH_REPS:-4}" \
			>"$out" || { echo "superpage-guest: spbench touch FAILED"; fail=1; }
		  unload; }
		echo 0 >/proc/sys/vm/nr_hugepages ;;
	*)	echo "superpage-guest: unknown step $s"; fail=1 ;;
	esac
done
echo "{\"bench\":\"sp_end\",\"failed\":$fail}" >"$out"
step "done, failed=$fail"
exit $fail
