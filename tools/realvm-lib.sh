# SPDX-License-Identifier: GPL-2.0
# tools/realvm-lib.sh - shared by the scripts that run real (nested QEMU) VMs
# on numaclaims domains inside the test VM (busybox sh): sourced, not run.
#
# The tiny guest is vmguest/guest.S (/lib/realvm/vmguest.elf in the VM).

RV_ELF=${RV_ELF:-/lib/realvm/vmguest.elf}
RV_QEMU=${RV_QEMU:-qemu-system-x86_64}
RV_ACCEL=${RV_ACCEL:-tcg,tb-size=16}
RV_K=$((0x9e3779b1))
RV_LO=$((0x200000))
RV_PAGE=/sys/kernel/debug/numaclaims/page

# info_json: HOST_INFO as JSON without scrub_pages, for baselines: the
# scrubbers change those on their own, while a domain's pages being freed
# shows in every other figure.
info_json() { claimctl info --json | sed 's/"scrub_pages":[0-9]*,//g'; }

# rv_dev DOMID: the domain's device node (what QEMU gets as mem-path).
rv_dev() { echo "/dev/numaclaims-dom$1"; }

# rv_mib SIZE ("16M" or "16") -> 16
rv_mib() { echo "${1%[Mm]}"; }

# rv_qemu_base DEBUGCON_FILE MEM_MIB: the common part of a nested QEMU
# command line ($RV_ACCEL: TCG with 16 MiB of translation cache, or kvm; no
# devices but the debug console and isa-debug-exit, the tiny guest as a
# multiboot kernel).
rv_qemu_base() {
	echo "$RV_QEMU -m $2M $(rv_qemu_args "$1")"
}

# rv_qemu_args DEBUGCON_FILE: rv_qemu_base without the binary and -m (the
# README recipe's $VM).
rv_qemu_args() {
	echo "-machine pc -accel $RV_ACCEL -nodefaults" \
		"-no-user-config -display none -monitor none -serial none" \
		"-debugcon file:$1 -device isa-debug-exit,iobase=0xf4,iosize=4" \
		"-kernel $RV_ELF"
}

# rv_mem_file MEM_MIB PATH [PREALLOC]: guest RAM from a file or device
# (the numaclaims domain).  prealloc=off: QEMU maps it and touches nothing;
# the guest's first access of each page maps the domain's page.  align=2M:
# QEMU maps the backend 2 MiB-aligned (it reserves the range itself and
# maps the file MAP_FIXED into it, so the module's own alignment of mmap()
# does not apply), so that a superpage domain is mapped with PMDs.
rv_mem_file() {
	echo "-object memory-backend-file,id=m,size=$1M,mem-path=$2,share=on,prealloc=${3:-off},align=2M" \
		"-machine memory-backend=m"
}

# rv_mem_anon MEM_MIB NODE POLICY: anonymous guest RAM bound to (or
# preferring) a host node, preallocated at start (QEMU's own NUMA placement).
rv_mem_anon() {
	echo "-object memory-backend-ram,id=m,size=$1M,host-nodes=$2,policy=$3,prealloc=on" \
		"-machine memory-backend=m"
}

# rv_word SEED ADDR: the 32-bit pattern word the guest writes at ADDR.
rv_word() { echo $(( (($2) * RV_K + ($1)) & 0xffffffff )); }

# rv_first SEED ADDR: the first u64 of the page at ADDR as the debugfs
# "page" file prints it (%llx).
rv_first() {
	_lo=$(rv_word "$1" "$2")
	_hi=$(rv_word "$1" $(($2 + 4)))
	if [ "$_hi" -eq 0 ]; then printf '%x\n' "$_lo"; else printf '%x%08x\n' "$_hi" "$_lo"; fi
}

# rv_sum SEED HI: the sum the guest reports for [2 MiB, HI), 8 hex digits.
rv_sum() {
	_n=$(( ($2 - RV_LO) / 4 ))
	printf '%08x\n' $(( (RV_K * (_n * RV_LO + 2 * _n * (_n - 1)) + _n * ($1)) & 0xffffffff ))
}

# rv_field FILE NAME: the hex value of NAME=... on the guest's result line.
rv_field() {
	sed -n "s/^vmguest: seed=.* $2=\([0-9a-f]*\).*/\1/p" "$1" | tail -n1
}

# rv_page_sum DOMID GFN: "nonzero=N first=X" of one domain page (debugfs).
rv_page_sum() {
	exec 4<>"$RV_PAGE" || return 1
	printf 'sum %s %s' "$1" "$2" >&4 || { exec 4<&-; return 1; }
	read -r _l <&4
	exec 4<&-
	echo "$_l"
}

# rv_dom_node_pages DOMID NODE: pages the domain has on NODE (claimctl
# list's nN-mem: {"node":N,"claimed_pages":C,"mem_pages":M} in "nodes").
rv_dom_node_pages() {
	claimctl list --json | tr '{' '\n' | awk -v d="$1" -v n="$2" '
		/^"domid":/ { split($0, a, /[:,]/); cur = a[2] + 0; next }
		cur == d && /^"node":/ {
			split($0, a, /[:,}]/)
			if (a[2] + 0 == n && a[5] == "\"mem_pages\"") { print a[6] + 0; found = 1 }
		}
		END { if (!found) print 0 }'
}

# rv_numa_maps PID PATTERN: "N0=a N1=b ..." page counts of the mapping of
# process PID whose numa_maps line matches PATTERN (awk regex).
rv_numa_maps() {
	awk -v p="$2" '$0 ~ p {
		for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) printf "%s ", $i
		exit }' "/proc/$1/numa_maps" 2>/dev/null
}

# rv_no_numa_balancing: turn automatic NUMA balancing off in the test VM.
# Its scanner makes the PMDs of domain mappings PROT_NONE for hinting faults
# (the pages cannot migrate: they are not on the LRU), and 6.1's smaps does
# not count a PROT_NONE PMD at all (follow_trans_huge_pmd() with FOLL_DUMP
# skips it: gup_can_follow_protnone()), so Rss and FilePmdMapped of a
# superpage domain read 0 once the scanner has been by (seen in CI, under
# load). A server that places memory with claims has nothing for it to do
# either (docs/MAPPING.md).
rv_no_numa_balancing() {
	[ -w /proc/sys/kernel/numa_balancing ] && echo 0 >/proc/sys/kernel/numa_balancing
	return 0
}

# rv_smaps PID PATH: "rss=R pmd=P": kB of process PID's mappings of PATH
# resident (Rss) and mapped with 2 MiB pages (FilePmdMapped), from smaps.
rv_smaps() {
	awk -v p="$2" '/^[0-9a-f]+-[0-9a-f]+ / { m = ($NF == p); next }
		m && $1 == "Rss:" { r += $2 }
		m && $1 == "FilePmdMapped:" { f += $2 }
		END { printf "rss=%d pmd=%d\n", r, f }' "/proc/$1/smaps" 2>/dev/null
}

# rv_pmd_share PID PATH: the share of PATH's resident pages in process PID
# that are mapped with 2 MiB pages, as a percentage ("-" when none is
# resident).
rv_pmd_share() {
	rv_smaps "$1" "$2" | awk -F'[ =]' '{ if ($2 > 0) printf "%d%%\n", $4 * 100 / $2; else print "-" }'
}

# rv_node_free_kb NODE: free memory of a node in kB: MemFree plus the pages
# on the per-CPU free lists (free, but not in MemFree; tens of MiB after a
# burst of frees).
rv_node_free_kb() {
	_pcp=$(awk -v n="$1" '/^Node/ { cur = $2; sub(",", "", cur) }
		cur == n && $1 == "count:" { s += $2 } END { print s * 4 }' /proc/zoneinfo)
	awk -v p="$_pcp" '$3 == "MemFree:" { print $4 + p }' "/sys/devices/system/node/node$1/meminfo"
}

# rv_wmark_kb NODE: the node's summed "high" watermarks in kB (below it the
# allocator reclaims; there is nothing to reclaim in an initramfs VM).
rv_wmark_kb() {
	awk -v n="$1" '/^Node/ { cur = $2; sub(",", "", cur) }
		cur == n && $1 == "high" { s += $2 } END { print s * 4 }' /proc/zoneinfo
}

# rv_now_ms: milliseconds since boot.
rv_now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
