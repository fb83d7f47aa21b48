#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The libvirt hook (packaging/libvirt/numaclaims-hook) in a 2-node test VM
# (busybox, numaclaims.ko loaded with pool_mb=96), run by
# tools/run-suite.sh libvirt-vm (tests/suites/libvirt-vm.suite; make libvirt-vm).
#
# The hook is run exactly as libvirt runs it (argv GUEST OPERATION SUBOP -,
# the domain XML with its id on stdin) from where make install puts it,
# /etc/libvirt/hooks/qemu.d/numaclaims, for each sample XML of
# /lib/libvirt-test: the domains it makes (size, nodes, claims released),
# their device nodes (owner and mode) and the node it puts where libvirt
# points QEMU's mem-path; refusals (exit 1, one line, every counter at the
# baseline); release (every counter back).  libvirt itself (virsh -c
# qemu:///embed, the QEMU driver in-process, no daemon) turns the same XML
# into QEMU's command line; its memory options (-object
# memory-backend-file with libvirt's mem-path, -numa, -m, -smp,
# memory-backend=) run the tiny guest of vmguest/ as the QEMU user
# (setpriv), and the guest's writes are checked in the domains' pages.
#
# TAP on $VM_OUT.
set -u
. /lib/realvm/realvm-lib.sh
rv_no_numa_balancing
exec 3>"${VM_OUT:-/dev/stdout}"
n=0 failed=0
log=/tmp/lv.log
ok() {	# STATUS TEXT
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2" >&3
	else
		echo "not ok $n $2" >&3
		[ -s "$log" ] && sed 's/^/#   /' "$log" >&3
		failed=$((failed + 1))
	fi
	echo "$([ "$1" = 0 ] || echo not )ok $n $2"
}
t() {	# TEXT CMD...
	_t=$1
	shift
	"$@"
	ok $? "$_t"
}
diag() { echo "# $*" >&3; echo "# $*"; }

HOOK=/etc/libvirt/hooks/qemu.d/numaclaims
X=/lib/libvirt-test
R=/tmp/lvroot			# libvirt's embedded driver root
QUID=64055 QGID=108		# libvirt-qemu, kvm (qemu.conf below: user, group)
echo "libvirt-qemu:x:$QUID:$QGID:Libvirt Qemu:/var/lib/libvirt:/bin/false" >>/etc/passwd
echo "nobody:x:65534:65534:nobody:/nonexistent:/bin/false" >>/etc/passwd
# libvirt's own default group (Debian builds it with libvirt-qemu) must exist
printf 'kvm:x:%s:libvirt-qemu\nlibvirt-qemu:x:%s:\nnogroup:x:65534:\n' "$QGID" "$QUID" >>/etc/group
mkdir -p "$R/etc" "$R/ram" /tmp/lv
chmod 1777 /tmp/lv
# What the hook reads too: QEMU's user and group, memory_backing_dir.
printf 'user = "libvirt-qemu"\ngroup = "kvm"\nmemory_backing_dir = "%s/ram"\n' "$R" >"$R/etc/qemu.conf"
export NUMACLAIMS_QEMU_CONF=$R/etc/qemu.conf
MEMDIR=$R/ram/libvirt/qemu
STATE=/run/numaclaims/libvirt

# hook GUEST OP SUBOP XML [ID]: as libvirt calls it; stderr in $log
hook() {
	sed "s/<domain type='qemu'>/<domain type='qemu' id='${5:-1}'>/" "$4" |
		"$HOOK" "$1" "$2" "$3" - >/tmp/lv.out 2>"$log"
}
prepare() { hook "$1" prepare begin "$2" "${3:-1}"; }
release() { hook "$1" stopped end "$2" "${3:-1}" && hook "$1" release end "$2" "${3:-1}"; }
# doms: the domids, sorted
doms() { claimctl list --json | tr '{' '\n' | sed -n 's/^"domid":\([0-9]*\),.*/\1/p' | sort -n | tr '\n' ' '; }
dom_field() {	# DOMID FIELD
	claimctl list --json | tr '{' '\n' | sed -n "s/^\"domid\":$1,.*\"$2\":\([0-9-]*\).*/\1/p"
}
# state_domids GUEST: the domids the hook recorded
state_domids() { sed -n 's/.*"domids": \[\([0-9, ]*\)\].*/\1/p' "$STATE/$1.json" 2>/dev/null | tr -d ','; }
# dom_ok DOMID PAGES NODE: PAGES pages, all on NODE, no claim left
dom_ok() {
	[ "$(dom_field "$1" tot_pages)" = "$2" ] && [ "$(dom_field "$1" claimed_pages)" = 0 ] &&
		[ "$(rv_dom_node_pages "$1" "$3")" = "$2" ] ||
		{ echo "domain $1: tot $(dom_field "$1" tot_pages) claimed $(dom_field "$1" claimed_pages) on node $3 $(rv_dom_node_pages "$1" "$3"), want $2 $3" >>"$log"; return 1; }
}
# given PATH DOMID: PATH is a node of domain DOMID's device, libvirt-qemu's,
# 0600, as /dev/numaclaims-domDOMID
given() {
	_d=/dev/numaclaims-dom$2
	[ -c "$1" ] && [ "$(stat -c '%t:%T %u:%g %a' "$1")" = "$(stat -c '%t:%T' "$_d") $QUID:$QGID 600" ] &&
		[ "$(stat -c '%u:%g %a' "$_d")" = "$QUID:$QGID 600" ] ||
		{ echo "$1: $(stat -c '%F %t:%T %u:%g %a' "$1" 2>&1); $_d: $(stat -c '%t:%T %u:%g %a' "$_d" 2>&1)" >>"$log"; return 1; }
}
same_info() { [ "$(info_json)" = "$1" ] || { echo "info: $(info_json)"; echo "want: $1"; } >>"$log"; [ "$(info_json)" = "$1" ]; }
clean() {	# GUEST ID: no state, no memory directory, no domain
	[ ! -e "$STATE/$1.json" ] && [ ! -e "$MEMDIR/$2-$1" ] && [ -z "$(doms)" ] ||
		{ ls -lR "$STATE" "$MEMDIR" >>"$log" 2>&1; echo "domains: $(doms)" >>"$log"; return 1; }
}
refused() {	# PATTERN: exit 1 (in $rc), one line on stderr matching PATTERN
	[ "$rc" = 1 ] && [ "$(wc -l <"$log")" = 1 ] && grep -q "$1" "$log" ||
		{ echo "exit $rc, stderr above, want one line matching: $1" >>"$log"; return 1; }
}

# ---- libvirt's QEMU command line ---------------------------------------------
# lv_mem XML ID: the memory options of libvirt's command line for XML, with
# the id libvirt gives the started guest (domxml-to-native pretends: -1).
lv_mem() {
	_id=$2
	virsh -q -c "qemu:///embed?root=$R" domxml-to-native qemu-argv "$1" >/tmp/lv/argv 2>>"$log" || return 1
	eval "set -- $(cat /tmp/lv/argv)"
	_o=
	while [ $# -gt 1 ]; do
		case "$1" in
		-m|-smp|-numa) _o="$_o $1 $2"; shift ;;
		-object) case "$2" in *memory-backend*) _o="$_o -object '$2'" ;; esac; shift ;;
		-machine) _mb=$(echo "$2" | tr ',' '\n' | grep '^memory-backend=') && _o="$_o -machine $_mb"; shift ;;
		esac
		shift
	done
	echo "$_o" | sed "s|/-1-|/$_id-|g"
}
# run_guest NAME UID:GID MEMARGS SEED: the tiny guest to its end as that
# user; 1 (isa-debug-exit, no bad word) in /tmp/lv/NAME.rc
run_guest() {
	: >"/tmp/lv/$1.con"
	chmod 666 "/tmp/lv/$1.con"
	# shellcheck disable=SC2046
	eval "/usr/bin/setpriv --reuid ${2%:*} --regid ${2#*:} --clear-groups $(rv_qemu_base "/tmp/lv/$1.con" 16) $3 -append 'seed=$4'" \
		>"/tmp/lv/$1.err" 2>&1 </dev/null
	echo $? >"/tmp/lv/$1.rc"
}
guest_ok() {	# NAME SEED: the guest's checksum over [2 MiB, hi) is right
	_c=/tmp/lv/$1.con
	_hi=$(rv_field "$_c" hi)
	[ "$(cat "/tmp/lv/$1.rc")" = 1 ] && [ -n "$_hi" ] && [ "$(rv_field "$_c" bad)" = 00000000 ] &&
		[ "$(rv_field "$_c" sum)" = "$(rv_sum "0x$2" "0x$_hi")" ] &&
		[ $((0x$_hi)) -ge $((15 << 20)) ] ||
		{ { echo "QEMU exit $(cat "/tmp/lv/$1.rc")"; cat "/tmp/lv/$1.err" "$_c"; } >>"$log"; return 1; }
}
page_ok() {	# DOMID GFN SEED GUEST_ADDR NODE: the guest's pattern, on NODE
	_got=$(rv_page_sum "$1" "$2")
	_f=$(rv_first "$3" "$4")
	case "$_got" in
	"nonzero="*" first=$_f"|"nonzero="*" first=$_f "*)
		case "$_got" in *" node="*) [ "${_got##* node=}" = "$5" ] && return 0 ;; *) return 0 ;; esac ;;
	esac
	echo "domain $1 gfn $2: $_got, want first=$(rv_first "$3" "$4") node=$5" >>"$log"
	return 1
}

: >"$log"
# shellcheck disable=SC2034  # (used in eval)
base=$(info_json)
diag "$(python3 -V 2>&1), $(virsh -v 2>&1 | sed 's/^/libvirt /'), $($RV_QEMU --version | head -n1)"

# ---- a guest that did not opt in ------------------------------------------------
prepare nc-not-opted-in $X/no-opt-in.xml 1
rc=$?
t "no numaclaims metadata: prepare exits 0 and says nothing" [ $rc = 0 -a ! -s "$log" ]
t "no numaclaims metadata: no domain, no state, no memory node, counters unchanged" \
	eval 'clean nc-not-opted-in 1 && same_info "$base"'
hook nc-not-opted-in release end $X/no-opt-in.xml 1
ok $? "no numaclaims metadata: release exits 0"

# ---- one node, strict, and two cells on two nodes, prepared at once -----------
: >"$log"
( prepare nc-one-node $X/one-node-strict.xml 1; echo $? >/tmp/lv/p1 ) &
p1=$!
( sed "s/<domain type='qemu'>/<domain type='qemu' id='2'>/" $X/two-cells.xml |
	"$HOOK" nc-two-cells prepare begin - 2>/tmp/lv/p2.err; echo $? >/tmp/lv/p2 ) &
wait $p1 $!
cat /tmp/lv/p2.err >>"$log"
t "two guests prepared at once (one-node-strict, two-cells): both exit 0" \
	[ "$(cat /tmp/lv/p1) $(cat /tmp/lv/p2)" = "0 0" ]
d1=$(state_domids nc-one-node)
# shellcheck disable=SC2046
set -- $(state_domids nc-two-cells)
a=${1:-0} b=${2:-0}
diag "nc-one-node: domain $d1; nc-two-cells: domains $a $b; all: $(doms)"
t "one-node-strict: one domain of 16 MiB (4096 pages), all on host node 1, claim released" dom_ok "${d1:-0}" 4096 1
t "two-cells: cell 0's domain has 8 MiB on node 0, cell 1's 8 MiB on node 1, claims released" \
	eval 'dom_ok $a 2048 0 && dom_ok $b 2048 1'
t "three domains in all" [ "$(doms | wc -w)" = 3 ]
t "one-node-strict: $MEMDIR/1-nc-one-node/pc.ram is domain $d1's device, libvirt-qemu:kvm 0600, as its /dev node" \
	given "$MEMDIR/1-nc-one-node/pc.ram" "${d1:-0}"
t "two-cells: ram-node0 and ram-node1 are domains $a and $b, given to libvirt-qemu:kvm" \
	eval 'given $MEMDIR/2-nc-two-cells/ram-node0 $a && given $MEMDIR/2-nc-two-cells/ram-node1 $b'
t "the guest's memory directory is libvirt-qemu's, 0700" \
	[ "$(stat -c '%u:%g %a' "$MEMDIR/1-nc-one-node")" = "$QUID:$QGID 700" ]
prepare nc-one-node $X/one-node-strict.xml 1
rc=$?
t "prepare again (the same guest and id): exit 0, nothing new" eval '[ $rc = 0 ] && [ "$(doms | wc -w)" = 3 ] && [ "$(state_domids nc-one-node)" = "$d1" ]'

# libvirt's command lines for them, run as libvirt-qemu
: >"$log"
m1=$(lv_mem $X/one-node-strict.xml 1)
t "libvirt (virsh domxml-to-native) gives one-node-strict QEMU mem-path $MEMDIR/1-nc-one-node/pc.ram" \
	eval 'echo "$m1" | grep -q "\"mem-path\":\"$MEMDIR/1-nc-one-node/pc.ram\",\"share\":true" && echo "$m1" | grep -q "memory-backend=pc.ram"'
diag "one-node-strict, libvirt's memory options: $m1"
m2=$(lv_mem $X/two-cells.xml 2)
t "libvirt gives two-cells two memory-backend-file objects, $MEMDIR/2-nc-two-cells/ram-node0 and ram-node1, bound to host nodes 0 and 1" \
	eval 'echo "$m2" | grep -q "\"mem-path\":\"$MEMDIR/2-nc-two-cells/ram-node0\",\"share\":true,.*\"host-nodes\":\[0\],\"policy\":\"bind\"" &&
	      echo "$m2" | grep -q "\"mem-path\":\"$MEMDIR/2-nc-two-cells/ram-node1\",\"share\":true,.*\"host-nodes\":\[1\],\"policy\":\"bind\""'
diag "two-cells, libvirt's memory options: $m2"

: >"$log"
run_guest nobody 65534:65534 "$m1" 11
t "QEMU as nobody (not given the domain) cannot open libvirt's mem-path: it exits before the guest runs" \
	eval 'grep -q "can.t open backing store .*pc.ram.*Permission denied" /tmp/lv/nobody.err && ! grep -q vmguest /tmp/lv/nobody.con'
diag "as nobody: $(head -n1 /tmp/lv/nobody.err)"
: >"$log"
run_guest one $QUID:$QGID "$m1" 11
t "one-node-strict: QEMU as libvirt-qemu runs the guest on libvirt's command line (exit 1: no bad word, right checksum)" guest_ok one 11
t "one-node-strict: the guest's writes are in domain $d1's pages, on node 1 (gfns 1024, 3000)" \
	eval 'page_ok $d1 1024 0x11 $((1024 << 12)) 1 && page_ok $d1 3000 0x11 $((3000 << 12)) 1'
: >"$log"
run_guest two $QUID:$QGID "$m2" 22
t "two-cells: QEMU as libvirt-qemu runs the two-node guest (right checksum)" guest_ok two 22
t "two-cells: guest RAM below 8 MiB is domain $a's on node 0, above it domain $b's on node 1" \
	eval 'page_ok $a 1024 0x22 $((1024 << 12)) 0 && page_ok $b 256 0x22 $((2304 << 12)) 1'

: >"$log"
( release nc-one-node $X/one-node-strict.xml 1; echo $? >/tmp/lv/r1 ) &
p1=$!
( release nc-two-cells $X/two-cells.xml 2; echo $? >/tmp/lv/r2 ) &
wait $p1 $!
t "both released at once (stopped end, release end): exit 0" [ "$(cat /tmp/lv/r1) $(cat /tmp/lv/r2)" = "0 0" ]
t "after release: no domain, no state, no memory nodes, every counter at the baseline" \
	eval 'clean nc-one-node 1 && clean nc-two-cells 2 && same_info "$base"'
release nc-one-node $X/one-node-strict.xml 1
t "release again: exit 0" [ $? = 0 ]

# <memnode> over vCPU placement: the cells' nodes swapped, the vCPUs not
sed "s/cellid='0' mode='strict' nodeset='0'/cellid='0' mode='strict' nodeset='1'/;
     s/cellid='1' mode='strict' nodeset='1'/cellid='1' mode='strict' nodeset='0'/" $X/two-cells.xml >/tmp/lv/swapped.xml
: >"$log"
prepare nc-two-cells /tmp/lv/swapped.xml 2
rc=$?
# shellcheck disable=SC2046
set -- $(state_domids nc-two-cells)
a=${1:-0} b=${2:-0}
t "two-cells with the <memnode>s swapped (vCPU 0 still on node 0): cell 0's 8 MiB on node 1, cell 1's on node 0" \
	eval '[ $rc = 0 ] && dom_ok $a 2048 1 && dom_ok $b 2048 0'
release nc-two-cells /tmp/lv/swapped.xml 2
t "released, counters at the baseline" eval 'clean nc-two-cells 2 && same_info "$base"'

# ---- preferred ---------------------------------------------------------------------
# on_node XML ID NODE TEXT: nc-preferred prepared from XML has its 16 MiB
# on NODE; released again
on_node() {
	: >"$log"
	prepare nc-preferred "$1" "$2"
	_rc=$? _node=$3
	t "$4: exit 0, 16 MiB on node $3" eval '[ $_rc = 0 ] && dom_ok "$(state_domids nc-preferred)" 4096 $_node'
	release nc-preferred "$1" "$2"
}
on_node $X/preferred.xml 3 0 "preferred (node 0), node 0 has room"
# no <numatune>, the vCPU pinned (<vcpu cpuset>): the memory next to it
for c in 0 1; do
	sed "/<numatune>/,/<\/numatune>/d; s/<vcpu placement='static'>/<vcpu placement='static' cpuset='$c'>/" \
		$X/preferred.xml >/tmp/lv/cpu$c.xml
	on_node /tmp/lv/cpu$c.xml 3 $c "no numatune, vCPU on host CPU $c (the planner's --cpu-node)"
done
t "released, counters at the baseline" eval 'clean nc-preferred 3 && same_info "$base"'
# crowd node 0: a domain claims all of its unclaimed memory but 8 MiB
un0=$(claimctl info --json | tr '{' '\n' | sed -n 's/^"node":0,.*"unclaimed_pages":\([0-9-]*\).*/\1/p')
blk=$(claimctl create)
claimctl claim "$blk" "0:$((un0 - 2048))p"
crowded=$(info_json)
diag "node 0 crowded: domain $blk claims $((un0 - 2048)) of its $un0 unclaimed pages"
on_node $X/preferred.xml 4 1 "preferred (node 0), node 0 full: the memory elsewhere"
t "preferred: released, the counters as before it" same_info "$crowded"
sed "s/nodeset='1'/nodeset='0'/; s/cpuset='1'/cpuset='0'/" $X/one-node-strict.xml >/tmp/lv/strict0.xml
# refusal GUEST XML ID TEXT PATTERN: prepare exits 1 with one line
refusal() {
	: >"$log"
	prepare "$1" "$2" "$3"
	rc=$?
	t "$4" refused "$5"
	diag "$(cat "$log")"
}
refusal nc-one-node /tmp/lv/strict0.xml 5 \
	"strict (node 0), node 0 full: refused (exit 1, one line naming the cell, the mode and the node)" \
	"^numaclaims: guest 'nc-one-node' refused: pc.ram (16 MiB, strict host node 0) does not fit now: "
t "the refusal left nothing: counters as before it" eval 'same_info "$crowded" && [ ! -e $STATE/nc-one-node.json ] && [ ! -e $MEMDIR/5-nc-one-node ]'
claimctl destroy "$blk"

# ---- too big ------------------------------------------------------------------------
refusal nc-too-big $X/too-big.xml 6 "too-big (cell 1: 512 MiB on node 1): refused, one line" \
	"^numaclaims: guest 'nc-too-big' refused: ram-node1 (512 MiB, strict host node 1) does not fit now: "
t "too-big: cell 0's domain undone, no state, no memory node, every counter at the baseline" \
	eval 'clean nc-too-big 6 && same_info "$base"'

# ---- opted in, but libvirt would not give QEMU a file -----------------------------
sed '/<memoryBacking>/,/<\/memoryBacking>/d' $X/one-node-strict.xml >/tmp/lv/nofile.xml
refusal nc-one-node /tmp/lv/nofile.xml 7 "opted in without <memoryBacking><source type='file'/>: refused, one line" \
	"needs <memoryBacking><source type=.file./><access mode=.shared./>"
t "and nothing done" eval 'clean nc-one-node 7 && same_info "$base"'

# ---- the README's block (tools/readme-recipe.sh --all libvirt-xml) in a guest -----
RX=/lib/libvirt-readme.xml
prepare nc-readme $RX 8
rc=$?
dr=$(state_domids nc-readme)
t "README's libvirt block: the hook claims the guest's 16 MiB on host node 1 (strict), given to libvirt-qemu at libvirt's mem-path" \
	eval '[ $rc = 0 ] && dom_ok "${dr:-0}" 4096 1 && given $MEMDIR/8-nc-readme/pc.ram "${dr:-0}"'
mr=$(lv_mem $RX 8)
t "README's libvirt block: libvirt accepts the XML and gives QEMU that mem-path, bound to node 1" \
	eval 'echo "$mr" | grep -q "\"mem-path\":\"$MEMDIR/8-nc-readme/pc.ram\".*\"host-nodes\":\[1\]"'
run_guest readme $QUID:$QGID "$mr" 33
t "README's libvirt block: QEMU as libvirt-qemu runs the guest on it (right checksum)" guest_ok readme 33
release nc-readme $RX 8
t "README's libvirt block: released, every counter at the baseline" eval 'clean nc-readme 8 && same_info "$base"'

: >"$log"
t "the end: invariants hold" [ "$(cat /sys/kernel/debug/numaclaims/invariants)" = ok ]
echo "1..$n" >&3
[ "$failed" = 0 ]
