#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/guest/realvm.sh - real VMs on numaclaims domains (busybox sh, run
# inside the test VM of tests/suites/realvm.suite, numaclaims.ko loaded).
#
# A domain builder the Xen way, with nested QEMU (TCG) as the VMM and the
# tiny multiboot guest of vmguest/ as the VM: create a domain, claim its
# memory on one node, populate it there, release what is left of the claim,
# start QEMU with the domain's device node as guest RAM
# (memory-backend-file,mem-path=/dev/numaclaims-domN,share=on,prealloc=off,
# align=2M), then check from both sides that the guest's writes are the
# domain's pages: the guest's checksum (closed form), the pattern read back
# through debugfs, the pages' node.  The module has a superpage pool
# (realvm.suite: superpage_pool_mb), so the order-9 populates take
# superpages, and QEMU's mapping of the domain is all 2 MiB pages (smaps
# FilePmdMapped).  Then: a destroyed domain's pages reach the next domain
# scrubbed, a hole in a domain kills QEMU with SIGBUS (prealloc=on too, at
# start), QEMU refuses a backend larger than the domain, and a guest with two
# virtual NUMA nodes backed by two domains on two host nodes: one of
# superpages, all 2 MiB pages in QEMU, one of 4 KiB pages (order 0), none.
#
# TAP to $VM_OUT (trailing plan), echoed to the console.  Exit status 0 when
# every line is ok.  Environment: RV_SIZE (MiB, default 16), RV_NODE (the
# node of the main domain, default 1, or 0 on a one-node VM).
set -u
. /lib/realvm/realvm-lib.sh
rv_no_numa_balancing

out=${VM_OUT:-/dev/null}
exec 3>"$out"
num=0 fail=0
say() { echo "$*"; echo "$*" >&3; }
result() {	# STATUS(0 ok) TEXT
	num=$((num + 1))
	if [ "$1" = 0 ]; then say "ok $num $2"; else say "not ok $num $2"; fail=1; fi
}
check() {	# TEXT CMD...: ok when CMD succeeds
	_t=$1
	shift
	if "$@"; then result 0 "$_t"; else result 1 "$_t"; fi
}
diag() { say "# $*"; }

size=${RV_SIZE:-16}
pages=$((size * 256))
nodes=${VM_NODES:-2}
node=${RV_NODE:-1}
[ "$nodes" -lt 2 ] && node=0
other=$(( node == 0 ? 1 : 0 ))
seed=5eed01
work=/tmp/realvm
mkdir -p "$work"
qpid=

# run_qemu NAME MEM_ARGS APPEND [MEM_MIB]: run the guest to its end; the
# status lands in $work/NAME.rc, its console in $work/NAME.con.
run_qemu() {
	: >"$work/$1.con"
	# shellcheck disable=SC2046
	$(rv_qemu_base "$work/$1.con" "${4:-$size}") $2 -append "$3" \
		>"$work/$1.err" 2>&1 </dev/null
	echo $? >"$work/$1.rc"
}

# start_qemu NAME MEM_ARGS APPEND: start the guest with "hold" in the
# background; $qpid is QEMU's pid.  Waits (60 s at most) until the guest
# has reported and halted, or QEMU is gone.
start_qemu() {
	: >"$work/$1.con"
	sh -c "exec $(rv_qemu_base "$work/$1.con" "$size") $2 -append '$3 hold'" \
		>"$work/$1.err" 2>&1 </dev/null &
	qpid=$!
	_i=0
	while [ $_i -lt 600 ]; do
		grep -q '^vmguest: holding' "$work/$1.con" && return 0
		kill -0 "$qpid" 2>/dev/null || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
stop_qemu() {
	[ -n "$qpid" ] || return 0
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	qpid=
}

dom_field() {	# DOMID FIELD: a number of the domain's `claimctl list --json`
	claimctl list --json | tr '{' '\n' | sed -n "s/^\"domid\":$1,.*\"$2\":\([0-9-]*\).*/\1/p"
}
is_chardev() { [ -c "$1" ]; }
gone() { [ ! -e "$1" ]; }

# page_ok DOMID GFN SEED GUEST_ADDR NODE: the page holds the guest's pattern
# (and is on NODE, if debugfs says)
page_ok() {
	_got=$(rv_page_sum "$1" "$2")
	_want="nonzero=[0-9]* first=$(rv_first "$3" "$4")\( .*\)\{0,1\}"
	echo "$_got" | grep -qx "$_want" || { diag "domain $1 gfn $2: $_got, want first=$(rv_first "$3" "$4")"; return 1; }
	_nz=${_got#nonzero=}
	_nz=${_nz%% *}
	[ "$_nz" -ge 4000 ] || { diag "domain $1 gfn $2: only $_nz nonzero bytes"; return 1; }
	case "$_got" in
	*" node="*)	# newer modules say where the page is
		[ "${_got##* node=}" = "$5" ] || { diag "domain $1 gfn $2: $_got, want node=$5"; return 1; } ;;
	esac
}
page_zero() {	# DOMID GFN
	_got=$(rv_page_sum "$1" "$2")
	case "$_got" in "nonzero=0 first=0"|"nonzero=0 first=0 "*) ;; *) false ;; esac || { diag "domain $1 gfn $2: $_got"; return 1; }
}

# guest_ok NAME SEED: the guest's result line is complete and right: no bad
# word, no old data, the checksum of its closed form, the range covering all
# but the firmware's 2 MiB at the bottom and 128 KiB at the top.
guest_ok() {
	_c=$work/$1.con
	_hi=$(rv_field "$_c" hi)
	_sum=$(rv_field "$_c" sum)
	[ -n "$_hi" ] && [ -n "$_sum" ] || { diag "$1: no result line: $(tr '\n' ' ' <"$_c")"; return 1; }
	_want=$(rv_sum "0x$2" "0x$_hi")
	[ "$(rv_field "$_c" bad)" = 00000000 ] &&
		[ "$(rv_field "$_c" old)" = 00000000 ] &&
		[ "$_sum" = "$_want" ] &&
		[ $((0x$_hi)) -ge $(( (size << 20) - (1 << 20) )) ] ||
		{ diag "$1: $(grep '^vmguest: seed' "$_c"), want sum=$_want, hi >= $(( size - 1 )) MiB"; return 1; }
}

baseline=$(info_json)
diag "real VMs on numaclaims domains: ${size} MiB guests, main domain on node $node of $nodes; $($RV_QEMU --version | head -n1)"
check "baseline: no domain, invariants hold" \
	eval '[ "$(claimctl list --json)" = "{\"page_size\":4096,\"domains\":[]}" ] &&
	      [ "$(cat /sys/kernel/debug/numaclaims/invariants)" = ok ]'

# ---- the builder: create, claim, populate, release, start ------------------
d=$(claimctl create --max "${size}M")
check "create --max ${size}M: domain ${d:-?}" [ -n "$d" ]
d=${d:-0}
dev=$(rv_dev "$d")
check "the domain's device node $dev appears" is_chardev "$dev"
check "claim ${size}M on node $node" claimctl claim "$d" "$node:${size}M"
check "populate ${size}M on node $node (exact, order 9, gfns 0..$((pages - 1)))" \
	eval 'claimctl populate $d ${size}M --node $node --exact --order 9 >/dev/null'
claimctl claim "$d" clear
check "release the leftover claim: the domain has $pages pages, no claim" \
	[ "$(dom_field "$d" tot_pages)" = "$pages" -a "$(dom_field "$d" claimed_pages)" = 0 ]

run_qemu big "$(rv_mem_file $((size * 2)) "$dev")" "seed=0" $((size * 2))
check "QEMU refuses a $((size * 2)) MiB backend on a $size MiB domain (lseek(SEEK_END) = max_pages)" \
	eval '[ "$(cat $work/big.rc)" != 0 ] && ! grep -q vmguest $work/big.con'
diag "$(head -n1 "$work/big.err")"

t0=$(rv_now_ms)
start_qemu main "$(rv_mem_file "$size" "$dev")" "seed=$seed"
rc=$?
t1=$(rv_now_ms)
check "nested QEMU runs the guest on the domain's memory ($((t1 - t0)) ms to its report)" [ $rc = 0 ]
[ $rc = 0 ] || diag "QEMU: $(tr '\n' ' ' <"$work/main.err")"
check "the guest's checksum is right, no bad word, it saw only zeros first" guest_ok main "$seed"
mapped=$(rv_numa_maps "$qpid" "file=$dev")
diag "QEMU's mapping of $dev (numa_maps): $mapped"
check "numa_maps: QEMU's guest RAM is on node $node only" \
	eval 'echo "$mapped" | grep -q "N$node=" && ! echo "$mapped" | grep -q "N$other="'
# The domain's order-9 extents are superpages (the module's superpage pool
# has unclaimed ones on the node), and QEMU maps the backend 2 MiB-aligned.
sm=$(rv_smaps "$qpid" "$dev")
diag "QEMU's mapping of $dev (smaps, kB): $sm"
check "smaps: all $size MiB of the guest's RAM are mapped with 2 MiB pages (FilePmdMapped = Rss = $((size * 1024)) kB)" \
	[ "$sm" = "rss=$((size * 1024)) pmd=$((size * 1024))" ]
stop_qemu

hi=$((0x$(rv_field "$work/main.con" hi) ))
g_mid=$(( (hi >> 13) ))
g_last=$(( (hi >> 12) - 1 ))
check "debugfs: the guest's pattern is in the domain's pages (gfns 512, $g_mid, $g_last)" \
	eval 'page_ok $d 512 0x$seed $((512 << 12)) $node && page_ok $d $g_mid 0x$seed $((g_mid << 12)) $node &&
	      page_ok $d $g_last 0x$seed $((g_last << 12)) $node'
check "after QEMU: all $pages pages still on node $node, none held" \
	[ "$(rv_dom_node_pages "$d" "$node")" = "$pages" -a \
	"$(claimctl info --json | sed -n 's/.*"total":{[^}]*"held_pages":\([0-9]*\),"superpages":{[^}]*"held_pages":\([0-9]*\)[,}].*/\1 \2/p' | { read -r a b && echo $((a + b)); })" = 0 ]

claimctl destroy "$d"
check "destroy: the device node goes, the counters are back to the baseline" \
	eval '[ ! -e $dev ] && [ "$(info_json)" = "$baseline" ]'

# ---- the next domain gets the same pages, scrubbed --------------------------
e=$(claimctl create --max "${size}M")
e=${e:-0}
claimctl claim "$e" "$node:${size}M"
claimctl populate "$e" "${size}M" --node "$node" --exact --order 9 >/dev/null
claimctl claim "$e" clear
check "the next domain $e on node $node (the same superpages: populate zeroes them) reads zeros where the guest wrote (gfns 512, $g_mid, $g_last)" \
	eval 'page_zero $e 512 && page_zero $e $g_mid && page_zero $e $g_last'
run_qemu second "$(rv_mem_file "$size" "$(rv_dev "$e")" on)" "seed=1"
check "a second VM on domain $e, prealloc=on (fully populated: fine): exits through isa-debug-exit (status 1), zeros first, right checksum" \
	eval '[ "$(cat $work/second.rc)" = 1 ] && guest_ok second 1'
claimctl destroy "$e"

# ---- holes: SIGBUS ------------------------------------------------------------
# The hole is in the middle: SeaBIOS uses the top of RAM, the loader the
# bottom, so QEMU gets to run the guest, whose first pass reads the hole.
h=$(claimctl create --max "${size}M")
h=${h:-0}
claimctl populate "$h" $((size / 2))M --node "$node" --exact --order 9 >/dev/null
claimctl populate "$h" $((size / 4))M --gfn $((size * 3 / 4 * 256)) --node "$node" --exact --order 9 >/dev/null
run_qemu hole "$(rv_mem_file "$size" "$(rv_dev "$h")")" "seed=2"
check "a domain with a hole at [$((size / 2)), $((size * 3 / 4))) MiB: the guest's access to it kills QEMU (SIGBUS, status $(cat "$work/hole.rc"))" \
	eval '[ "$(cat $work/hole.rc)" = 135 ] && grep -q "^vmguest: start" $work/hole.con &&
	      ! grep -q "^vmguest: seed" $work/hole.con'
run_qemu prealloc "$(rv_mem_file "$size" "$(rv_dev "$h")" on)" "seed=2"
check "the same with prealloc=on: QEMU touches the hole at start and never runs the guest (status $(cat "$work/prealloc.rc"))" \
	eval '[ "$(cat $work/prealloc.rc)" != 0 ] && ! grep -q vmguest $work/prealloc.con'
diag "prealloc=on: $(head -n1 "$work/prealloc.err")"
claimctl destroy "$h"

# ---- two virtual nodes on two domains on two host nodes -------------------------
if [ "$nodes" -ge 2 ]; then
	half=$((size / 2))
	a=$(claimctl create --max "${half}M")
	b=$(claimctl create --max "${half}M")
	a=${a:-0} b=${b:-0}
	claimctl claim "$a" "0:${half}M" && claimctl claim "$b" "1:${half}M"
	claimctl populate "$a" "${half}M" --node 0 --exact --order 9 >/dev/null
	# b is a domain of 4 KiB pages (order 0): the contrast to a's superpages
	claimctl populate "$b" "${half}M" --node 1 --exact --order 0 >/dev/null
	claimctl claim "$a" clear; claimctl claim "$b" clear
	start_qemu numa "-object memory-backend-file,id=m0,size=${half}M,mem-path=$(rv_dev "$a"),share=on,prealloc=off,align=2M \
		-object memory-backend-file,id=m1,size=${half}M,mem-path=$(rv_dev "$b"),share=on,prealloc=off,align=2M \
		-numa node,nodeid=0,memdev=m0 -numa node,nodeid=1,memdev=m1" "seed=3"
	rc=$?
	sa=$(rv_smaps "$qpid" "$(rv_dev "$a")") sb=$(rv_smaps "$qpid" "$(rv_dev "$b")")
	stop_qemu
	check "a guest with two virtual nodes on domains $a (host node 0, superpages) and $b (host node 1, 4 KiB pages) runs, right checksum" \
		eval '[ $rc = 0 ] && guest_ok numa 3'
	diag "QEMU's mappings (smaps, kB): domain $a $sa, domain $b $sb"
	rss=${sb#rss=}
	check "smaps: virtual node 0's RAM (superpages) is all mapped with 2 MiB pages, virtual node 1's (4 KiB pages, align=2M all the same) none (FilePmdMapped 0, at least $((half - 2)) MiB resident)" \
		[ "$sa" = "rss=$((half << 10)) pmd=$((half << 10))" -a "${sb#* }" = pmd=0 -a "${rss%% *}" -ge $(( (half - 2) << 10 )) ]
	gb=$(( (half << 8) + 256 ))	# guest page: 1 MiB into virtual node 1
	check "guest RAM below ${half} MiB is domain $a's gfn = guest page, above it domain $b's gfn = guest page - $((half << 8))" \
		eval 'page_ok $a 1024 0x3 $((1024 << 12)) 0 && page_ok $b 256 0x3 $((gb << 12)) 1'
	check "domain $a's pages are all on node 0, domain $b's on node 1" \
		[ "$(rv_dom_node_pages "$a" 0)" = $((half << 8)) -a "$(rv_dom_node_pages "$b" 1)" = $((half << 8)) ]
	claimctl destroy "$a"; claimctl destroy "$b"
fi

# ---- the README's recipe, as written, QEMU as an unprivileged user ------------
# /lib/realvm/recipe-vm.sh is the README's block without its two settings
# lines (tools/readme-recipe.sh vm); ours: the tiny guest, uid/gid 4242.
recipe() {	# NAME SIZE [SED]: run the recipe (SED edits it first); status
	_r=$work/$1
	: >"$_r.con"; chown 4242:4242 "$_r.con"	# QEMU (uid 4242) writes its console there
	{
		echo "SIZE=$2 VCPUS=1 VMUSER=4242 VMGROUP=4242"
		echo "VM=\"$(rv_qemu_args "$_r.con") -append seed=7\""
		sed "${3:-}" /lib/realvm/recipe-vm.sh
	} >"$_r.sh"
	sh "$_r.sh" >"$_r.out" 2>&1 </dev/null
}
show() {	# FILE: as diagnostics
	while IFS= read -r _l; do diag "  $_l"; done <"$1"
}
before=$(info_json)
recipe recipe "${size}M"
rc=$?
check "README recipe: plan, claim, populate, give, run QEMU (claimctl run, setpriv) as uid 4242, destroy: exit 0, the guest ran on the domain (right checksum)" \
	eval '[ $rc = 0 ] && guest_ok recipe 7'
[ "$fail" = 0 ] || show "$work/recipe.out"
check "README recipe: the plan it printed put the memory on one node, and everything is back to the baseline (no domain, every counter)" \
	eval 'grep -q "^set=[0-9]*:$((size << 8))p nodes=[0-9] " "$work/recipe.out" && [ "$(info_json)" = "$before" ]'
# Without its 'claimctl give' line, QEMU (uid 4242) cannot open the memory.
recipe nogive "${size}M" '/^claimctl give /d'
check "README recipe without 'give': QEMU as uid 4242 is refused the domain's node (Permission denied), the guest never runs, nothing is left" \
	eval 'grep -q "numaclaims-dom[0-9]*.*Permission denied" "$work/nogive.out" && [ ! -s "$work/nogive.con" ] && [ "$(info_json)" = "$before" ]'
[ "$fail" = 0 ] || show "$work/nogive.out"
# A VM that does not fit: refused at claim time, before QEMU exists.
recipe toobig 64G
rc=$?
check "README recipe, a VM that fits no node (64G): exit 1 with the planner's refusal, QEMU never started, every counter back to the baseline" \
	eval '[ $rc = 1 ] && grep -q "^claimctl: .*ENOMEM" "$work/toobig.out" && [ ! -s "$work/toobig.con" ] && [ "$(info_json)" = "$before" ]'
[ "$fail" = 0 ] || show "$work/toobig.out"

check "the end: every counter back to the baseline, invariants hold" \
	eval '[ "$(info_json)" = "$baseline" ] &&
	      [ "$(cat /sys/kernel/debug/numaclaims/invariants)" = ok ]'
[ "$fail" = 0 ] || { claimctl info; claimctl list; }
say "1..$num"
exit $fail
