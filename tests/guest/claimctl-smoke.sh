#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# claimctl against the real module, inside a 2-node VM (busybox sh), with
# numaclaims.ko loaded with pools of at least 128 MiB per node (pool_mb=256;
# make claimctl-smoke: tests/suites/claimctl-smoke.suite).
#
# TAP goes to $VM_OUT or stdout; command output to stdout.
# Every check that fails prints the command's output as diagnostics.  At
# the end every counter must be back at its baseline (a leak check).
# Every JSON output checked is also recorded in the TAP as a comment line
# "# json COMMAND {...}", which claimctl-json.sh --from-tap validates
# against docs/claimctl.schema.json on the host (make claimctl-smoke).
set -u
out=/tmp/claimctl-smoke.out
# pass, fail, run, tap_done (tests/guest/lib.sh)
. /lib/numaclaims/guest-lib.sh

# json NAME COMMAND STATUS PATTERN CMD...: CMD exits STATUS and prints one
# line of JSON on stdout that matches PATTERN; the line is recorded for the
# schema check as "# json COMMAND ...".
json() {
	name=$1 def=$2 want=$3 pattern=$4
	shift 4
	echo "+ $*"
	"$@" >"$out.json" 2>"$out.err"
	rc=$?
	cat "$out.json" "$out.err" >"$out"
	cat "$out"
	if [ -s "$out.json" ]; then
		echo "# json $def $(head -n 1 "$out.json")" >&3
	fi
	if [ "$rc" -ne "$want" ]; then
		echo "# exit $rc, want $want" >>"$out"
		fail "$name"
	elif [ "$(grep -c '' "$out.json")" -ne 1 ]; then
		echo "# not one line of JSON on stdout" >>"$out"
		fail "$name"
	elif ! grep -Eq -- "$pattern" "$out.json"; then
		echo "# no match for: $pattern" >>"$out"
		fail "$name"
	else
		pass "$name"
	fi
}

# Baseline of the host counters, to compare at the end.
claimctl info --json >/tmp/baseline.json 2>&1
baseline_free=$(sed -n 's/.*"total":{"reserved_pages":[0-9]*,"free_pages":\([0-9]*\).*/\1/p' /tmp/baseline.json)

run "version talks to the module" 0 '^module API version 5$' claimctl version
json "version --json names the module's API" version 0 \
	'^\{"claimctl":"[0-9.]+","libclaims":"[0-9.]+","uapi_version":5,"module_api_version":5\}$' \
	claimctl --json version
json "topology --json: two nodes with a pool" topology 0 \
	'^\{"nr_nodes":2,"nodes":\[\{"node":0,"size_bytes":[0-9]+,"free_bytes":[0-9]+,"pool":true,"distances":\[10,[0-9]+\]\},\{"node":1,.*"pool":true' \
	claimctl topology --json
run "info shows two pools" 0 '^numaclaims: 2 nodes with a pool, 0 domains' claimctl info
run "create --max 256M" 0 '^[0-9]+$' claimctl create --max 256M
D=$(cat "$out")
json "claim 0:64M,1:64M --json prints the installed set" claim 0 \
	"^\\{\"domid\":$D,\"page_size\":4096,\"nodes\":\\[\\{\"node\":0,\"claimed_pages\":16384\\},\\{\"node\":1,\"claimed_pages\":16384\\}\\],\"superpages\":\\[\\],\"host\":\\{\"claimed_pages\":0\\},\"total\":\\{\"claimed_pages\":32768\\}\\}\$" \
	claimctl claim "$D" 0:64M,1:64M --json
json "claims --json shows the set" claims 0 \
	'"nodes":\[\{"node":0,"claimed_pages":16384\},\{"node":1,"claimed_pages":16384\}\],"superpages":\[\],"host":\{"claimed_pages":0\},"total":\{"claimed_pages":32768\}' \
	claimctl claims "$D" --json
json "info --json: the claims per node" info 0 \
	'"nodes":\[\{"node":0,"reserved_pages":65536,"free_pages":65536,"claimed_pages":16384,"unclaimed_pages":49152,"offlined_pages":0,"scrub_pages":[0-9]+,"held_pages":0,"superpages":\{[^}]*\}\},\{"node":1,.*\],"host":\{"claimed_pages":0\},"total":\{"reserved_pages":131072,"free_pages":131072,"claimed_pages":32768,' \
	claimctl --json info
run "info shows 64 MiB claimed on each node" 0 \
	'^0 +256\.00 +256\.00 +64\.00 +192\.00 +0\.00 +[0-9]+\.[0-9]+ +0\.00$' claimctl info
run "populate 32M on node 0 (exact)" 0 'into domain' \
	claimctl -v populate "$D" 32M --node 0 --exact
json "populate 32M on node 1 --json (exact, 2 MiB extents, default gfn)" populate 0 \
	"^\\{\"domid\":$D,\"page_size\":4096,\"gfn\":8192,\"order\":9,\"node\":1,\"exact\":true,\"no_refcount\":false,\"superpages\":false,\"nr_extents\":16,\"nr_done\":16,\"size_pages\":8192,\"populated_pages\":8192,\"error\":null\\}\$" \
	claimctl populate "$D" 32M --node 1 --exact --order 9 --json
json "list --json: memory and redeemed claims per node" list 0 \
	"\"domid\":$D,\"max_pages\":65536,\"tot_pages\":16384,\"claimed_pages\":16384,\"uncounted_pages\":0,\"superpage_claimed_pages\":0,\"nodes\":\\[\\{\"node\":0,\"claimed_pages\":8192,\"mem_pages\":8192,\"superpage_claimed_pages\":0,\"superpage_mem_pages\":0\\},\\{\"node\":1,\"claimed_pages\":8192,\"mem_pages\":8192,\"superpage_claimed_pages\":0,\"superpage_mem_pages\":0\\}\\],\"host\":\\{\"claimed_pages\":0\\},\"affinity\":\\[[0-9,]*\\],\"flags\":\\[\\],\"numa_nodes\":2,\"numa_optimised\":false,\"memory_numa_node_0\":33554432,\"memory_numa_node_1\":33554432\\}" \
	claimctl list --json
run "list table" 0 "^$D +256\.00 +64\.00 +64\.00 +32\.00 +32\.00 +32\.00 +32\.00 +0\.00" \
	claimctl list
run "info --pages after populate" 0 '^0 +65536 +57344 +8192 +49152 +0 +[0-9]+ +0$' \
	claimctl info --pages
run "list: numa 2, opt no (memory on both of the 2 pool nodes)" 0 \
	"^$D +256\.00 .* 2 no " claimctl list
run "metrics: numa_nodes 2 (XenServer 9's per-VM NUMA metrics)" 0 \
	"^numaclaims_domain_numa_nodes\\{domid=\"$D\"\\} 2\$" claimctl metrics
run "metrics: numa_optimised 0" 0 \
	"^numaclaims_domain_numa_optimised\\{domid=\"$D\"\\} 0\$" claimctl metrics
run "metrics: memory_numa_node bytes on node 1" 0 \
	"^numaclaims_domain_memory_numa_node_bytes\\{domid=\"$D\",node=\"1\"\\} 33554432\$" \
	claimctl metrics

# Exact claims for a migration target: domain T claims what D has (32 MiB
# populated + 32 MiB claimed on each node), from D itself and from D's
# saved description, ten times over: the same set every time.
claimctl list --json >/tmp/desc.json
run "create the migration target" 0 '^[0-9]+$' claimctl create --max 256M
T=$(cat "$out")
run "build --like FILE (D's saved description): 64 MiB on each node" 0 \
	"^set=0:16384p,1:16384p nodes=0-1 cpu_nodes=0-1 kind=nodes distance=0 attempts=1\$" \
	claimctl build "$T" --like /tmp/desc.json
claimctl claims "$T" --json >/tmp/like.first
i=0 same=0
while [ $i -lt 10 ]; do
	claimctl build "$T" --like "$D" >/dev/null 2>&1 &&
		claimctl claims "$T" --json | sed "s/\"domid\":$T,//" >/tmp/like.now &&
		sed "s/\"domid\":$T,//" /tmp/like.first | cmp -s - /tmp/like.now && same=$((same + 1))
	claimctl build "$T" --like /tmp/desc.json >/dev/null 2>&1 &&
		claimctl claims "$T" --json | cmp -s - /tmp/like.first && same=$((same + 1))
	i=$((i + 1))
done
run "20 builds --like D / D's description: the identical claim set each time" 0 '^20$' echo "$same"
run "the target's claims: exactly D's memory + claims, nothing grown" 0 \
	'"nodes":\[\{"node":0,"claimed_pages":16384\},\{"node":1,"claimed_pages":16384\}\],"superpages":\[\],"host":\{"claimed_pages":0\},"total":\{"claimed_pages":32768\}' \
	claimctl claims "$T" --json
run "build --like into a domain too small: EINVAL, its claims unchanged" 1 'EINVAL' \
	sh -c "claimctl create --max 4M >/tmp/small.id && claimctl build \$(cat /tmp/small.id) --like $D"
run "the small domain claims nothing" 0 '"total":\{"claimed_pages":0\}' \
	sh -c 'claimctl claims $(cat /tmp/small.id) --json'
run "destroy the small domain" 0 '' sh -c 'claimctl destroy $(cat /tmp/small.id)'
run "destroy the migration target" 0 '' claimctl destroy "$T"
run "claim beyond a node fails with ENOMEM and names the node" 1 \
	"^claimctl: claim for domain $D: ENOMEM \(Cannot allocate memory\): node 0 has only 224 MiB unclaimed, 1 GiB asked" \
	claimctl claim "$D" 0:1G
run "a failed claim changed nothing" 0 '"total":\{"claimed_pages":16384\}' \
	claimctl claims "$D" --json
run "claim above max_pages fails with EINVAL" 1 \
	"EINVAL .*raise the limit with 'claimctl maxmem $D SIZE'" \
	claimctl claim "$D" 0:128M,1:128M
run "claim on a node without a pool fails with ENOENT" 1 \
	'ENOENT .*nodes with a pool: 0-1' claimctl claim "$D" 5:4K
run "populate over populated gfns fails with EEXIST" 1 \
	'EEXIST .*populated 0 B of 4 KiB \(0 of 1 extents of 4 KiB\) from gfn 0x0' \
	claimctl populate "$D" 4K --gfn 0
json "create --max 4M --json" create 0 \
	'^\{"domid":[0-9]+,"page_size":4096,"max_pages":1024,"flags":\[\]\}$' \
	claimctl create --max 4M --json
S=$(sed -n 's/^{"domid":\([0-9]*\),.*/\1/p' "$out.json")
json "populate beyond max_pages --json: how far it got, and the errno" populate 1 \
	'"nr_extents":2048,"nr_done":1024,"size_pages":2048,"populated_pages":1024,"error":"E2BIG"\}$' \
	claimctl populate "$S" 8M --json
run "free what it got" 0 '' claimctl free "$S" --gfn 0 4M
run "populate beyond max_pages stops with E2BIG and says how far it got, in sizes" 1 \
	"E2BIG .*populated 4 MiB of 8 MiB \(1024 of 2048 extents of 4 KiB\) from gfn 0x0; .*would exceed its max of 4 MiB" \
	claimctl populate "$S" 8M
run "destroy the 4M domain" 0 '' claimctl destroy "$S"
run "free 32M at gfn 0" 0 '' claimctl free "$D" --gfn 0 32M
run "free again: not populated" 1 'EINVAL' claimctl free "$D" --gfn 0 4K
run "claim clear" 0 '' claimctl claim "$D" clear
run "no claims left" 0 '"nodes":\[\],"superpages":\[\],"host":\{"claimed_pages":0\},"total":\{"claimed_pages":0\}' \
	claimctl claims "$D" --json
run "legacy claim-pages 128M" 0 '' claimctl claim-pages "$D" 128M
run "legacy claim is host-wide: target - tot" 0 \
	'"nodes":\[\],"superpages":\[\],"host":\{"claimed_pages":24576\},"total":\{"claimed_pages":24576\}' \
	claimctl claims "$D" --json
run "second legacy claim fails" 1 \
	"EINVAL .*release it first with 'claimctl claim-pages $D 0'" \
	claimctl claim-pages "$D" 128M
run "legacy claim-set entry replaces it" 0 'host +96\.00' \
	claimctl -v claim "$D" legacy:128M
run "maxmem below tot recalls the claims" 0 '' claimctl maxmem "$D" 16M
run "claims recalled" 0 '"total":\{"claimed_pages":0\}' claimctl claims "$D" --json
run "affinity 1" 0 '' claimctl affinity "$D" 1
run "affinity shows in list" 0 '"affinity":\[1\],"flags":\[\]' claimctl list --json
run "affinity without a pool node fails" 1 'EINVAL .*must name a node with a pool: 0-1' \
	claimctl affinity "$D" 5
run "offline 8M of node 0" 0 '' claimctl offline 0 8M
run "info shows offlined pages" 0 '^0 +256\.00 +248\.00 +0\.00 +248\.00 +8\.00 +[0-9]+\.[0-9]+ +0\.00$' claimctl info
run "online more than offlined fails" 1 'node 0 has only 8 MiB offlined, 16 MiB asked' \
	claimctl online 0 16M
run "online 8M of node 0" 0 '' claimctl online 0 8M
# Pools resized while the domain lives (capacity: pool_max_mb=256).
run "pool shows size and capacity" 0 '^0 +256\.00 +256\.00 +256\.00 +0\.00 +256\.00$' claimctl pool
json "pool --json" pool 0 '^\{"page_size":4096,"nodes":\[\{"node":0,"pool_pages":65536,"capacity_pages":65536,"free_pages":65536,"claimed_pages":0,"unclaimed_pages":65536\},\{"node":1,' \
	claimctl pool --json
run "metrics: node 0's capacity" 0 '^numaclaims_node_capacity_pages\{node="0"\} 65536$' claimctl metrics
run "pool shrinks node 0 to 200M" 0 '' claimctl pool 0:200M
run "metrics: node 0's pool after the shrink" 0 '^numaclaims_node_reserved_pages\{node="0"\} 51200$' claimctl metrics
run "info shows the smaller pool" 0 '^0 +200\.00 +200\.00 ' claimctl info
run "pool above the capacity is refused" 1 "ENOSPC .*node 0's pool can hold at most 256 MiB .*300 MiB asked" \
	claimctl pool 0:300M
run "pool with one node above capacity changes none" 1 "ENOSPC .*node 1's pool can hold at most 256 MiB" \
	claimctl pool 0:128M,1:1G
run "node 0 kept its size" 0 '^0 +200\.00 ' claimctl info
run "create a domain to claim node 1" 0 '^[0-9]+$' claimctl create --max 256M
P=$(head -n 1 "$out")
run "claim 64M of node 1" 0 '' claimctl claim "$P" 1:64M
run "a shrink below the claims is refused, node 0 put back" 1 \
	"EBUSY .*node 1's claims, domains, held and offlined pages need 96 MiB of its pool" \
	claimctl pool 0:256M,1:32M
run "node 0 was put back to 200M" 0 '^0 +200\.00 ' claimctl info
run "node 1 kept its size" 0 '^1 +256\.00 ' claimctl info
run "destroy that domain" 0 '' claimctl destroy "$P"
run "pool grows node 0 back" 0 '' claimctl pool 0:256M
run "destroy" 0 '' claimctl destroy "$D"
run "destroy again fails with ESRCH" 1 \
	"^claimctl: destroy domain $D: ESRCH \(No such process\): no domain $D" \
	claimctl destroy "$D"

# autodestroy: gone when claimctl exits; with --hold, alive until EOF.
run "create --autodestroy warns it dies with claimctl" 0 'destroyed now that claimctl exits' \
	claimctl create --autodestroy --max 4M
A=$(head -n 1 "$out")
run "the autodestroy domain is gone" 1 'ESRCH' claimctl claims "$A"
rm -f /tmp/hold.fifo
mkfifo /tmp/hold.fifo
claimctl create --autodestroy --hold --max 4M </tmp/hold.fifo >/tmp/hold.id 2>&1 &
holder=$!
exec 4>/tmp/hold.fifo
i=0
while [ ! -s /tmp/hold.id ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
H=$(head -n 1 /tmp/hold.id)
run "create --autodestroy --hold keeps the domain" 0 "^$H +4\.00 .* autodestroy$" claimctl list
exec 4>&-
wait $holder
run "closing --hold's stdin destroys the domain" 1 'ESRCH' claimctl claims "$H"

# run: a command with a domain's memory in its environment, bound to the
# CPUs of the domain's nodes (the test VM: CPU N is node N's only CPU).
run "create a domain to run in" 0 '^[0-9]+$' claimctl create --max 16M
R=$(cat "$out")
run "run in a domain without memory fails" 1 'populate it first' \
	claimctl run "$R" -- true
run "populate 8M on node 1" 0 '' claimctl populate "$R" 8M --node 1 --exact
run "run exports the domain's memory" 0 \
	"^$R /dev/numaclaims-dom$R 8388608 1 1\$" \
	claimctl run "$R" -- sh -c 'echo $NUMACLAIMS_DOMID $NUMACLAIMS_MEM_PATH $NUMACLAIMS_MEM_SIZE $NUMACLAIMS_MEM_NODES $NUMACLAIMS_CPU_NODES'
run "the domain's device node exists" 0 '' \
	claimctl run "$R" -- sh -c '[ -c "$NUMACLAIMS_MEM_PATH" ]'
run "run binds to the CPUs of the memory's node" 0 '^Cpus_allowed_list:[[:space:]]+1$' \
	claimctl run "$R" -- cat /proc/self/status
run "run --cpunodebind 0 binds to node 0" 0 '^Cpus_allowed_list:[[:space:]]+0$' \
	claimctl run "$R" --cpunodebind 0 cat /proc/self/status
run "run --cpunodebind on a node that does not exist" 1 'EINVAL .*no CPUs' \
	claimctl run "$R" --cpunodebind 9 true
run "run --fd passes a descriptor" 0 '^fd ok$' \
	claimctl run "$R" --fd -- sh -c '[ -e "/proc/self/fd/$NUMACLAIMS_MEM_FD" ] && echo fd ok'
run "without --fd no descriptor is passed" 0 '^unset$' \
	claimctl run "$R" -- sh -c 'echo ${NUMACLAIMS_MEM_FD:-unset}'
run "run returns the command's status" 7 '' claimctl run "$R" -- sh -c 'exit 7'
run "run of a missing command is 127" 127 'ENOENT' claimctl run "$R" -- /nonexistent/cmd
run "run in a domain that does not exist" 1 'ESRCH' claimctl run 32000 -- true
# give: the node's owner and mode (ls -ln: mode, links, uid, gid).
run "give to 4242: the node is uid 4242's, mode 0600, group unchanged" 0 '^crw------- +1 +4242 +0 ' \
	sh -c 'claimctl give "$0" 4242 && ls -ln "/dev/numaclaims-dom$0"' "$R"
run "give :4243 sets the group, and mode 0660" 0 '^crw-rw---- +1 +4242 +4243 ' \
	sh -c 'claimctl give "$0" :4243 && ls -ln "/dev/numaclaims-dom$0"' "$R"
run "give root --mode 0400 takes it back" 0 '^cr-------- +1 +0 +4243 ' \
	sh -c 'claimctl give "$0" root --mode 0400 && ls -ln "/dev/numaclaims-dom$0"' "$R"
run "give of a domain that does not exist" 1 'ESRCH' claimctl give 32000 4242
run "destroy the run domain" 0 '' claimctl destroy "$R"

# The module is in use while any domain exists (rmmod refused, as for kvm
# with VMs); destroy --all is the administrator's way out.
claimctl create --max 8M >/tmp/all1.id
claimctl create --max 8M >/tmp/all2.id
claimctl populate "$(cat /tmp/all2.id)" 2M >/dev/null
run "rmmod is refused while domains exist (in use: EWOULDBLOCK)" 1 'in use|temporarily unavailable' rmmod numaclaims
run "destroy --all with a domain id is a usage error" 2 "'destroy --all' takes no domain id" \
	sh -c 'claimctl destroy --all $(cat /tmp/all1.id)'
run "destroy needs a domain id or --all" 2 "needs a domain id, or --all" claimctl destroy
run "destroy --all destroys every domain" 0 '^destroyed 2 domains$' claimctl -v destroy --all
run "destroy --all with none left destroys nothing" 0 '^destroyed 0 domains$' claimctl -v destroy --all
run "no domains left" 0 '^\(no domains\)$' claimctl list
json "every counter back at its baseline" info 0 \
	"\"host\":\\{\"claimed_pages\":0\\},\"total\":\\{\"reserved_pages\":131072,\"free_pages\":$baseline_free,\"claimed_pages\":0,\"unclaimed_pages\":$baseline_free,\"offlined_pages\":0,\"scrub_pages\":[0-9]+,\"held_pages\":0,\"superpages\":\\{[^}]*\\}\\}\\}\$" \
	claimctl info --json
# Pages to scrub (API version 3) may be left by the destroys until the
# background scrubbers run: not a leak, but always a part of the free pages.
run "scrub pages are a part of the free pages (nodes 0, 1 and the total)" 0 '^ok$' \
	sh -c 'claimctl --json info | tr "{" "\n" |
		sed -n "s/.*\"free_pages\":\([0-9]*\),.*\"scrub_pages\":\([0-9]*\),.*/\1 \2/p" |
		{ c=0; while read -r f s; do [ "$s" -le "$f" ] || exit 1; c=$((c + 1)); done
		  [ "$c" = 3 ] && echo ok; }'
if [ -r /sys/kernel/debug/numaclaims/invariants ]; then
	run "module invariants hold" 0 '^ok$' cat /sys/kernel/debug/numaclaims/invariants
fi

tap_done
