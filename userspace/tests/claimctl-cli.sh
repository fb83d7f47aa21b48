#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# claimctl's command line on the host, without the module: usage errors
# (exit 2), device errors (exit 1) and their messages, help.  TAP output.
#
# usage: CLAIMCTL=build/userspace/claimctl bash userspace/tests/claimctl-cli.sh
set -u
CLAIMCTL=${CLAIMCTL:-build/userspace/claimctl}
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME STATUS PATTERN(stdout+stderr, grep -E) -- ARGS...
expect() {
	local name=$1 status=$2 pattern=$3 rc
	shift 4
	n=$((n + 1))
	"$CLAIMCTL" "$@" >"$tmp/out" 2>&1 </dev/null
	rc=$?
	if [ "$rc" -eq "$status" ] && grep -Eq -- "$pattern" "$tmp/out"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		echo "# claimctl $* -> exit $rc (want $status), output:"
		sed 's/^/#   /' "$tmp/out"
		echo "# wanted pattern: $pattern"
		failed=$((failed + 1))
	fi
}

# expect_without NAME STATUS PATTERN BAD -- ARGS...: as expect, and BAD
# (grep -E) nowhere in the output.
expect_without() {
	local name=$1 status=$2 pattern=$3 bad=$4 rc
	shift 5
	n=$((n + 1))
	"$CLAIMCTL" "$@" >"$tmp/out" 2>&1 </dev/null
	rc=$?
	if [ "$rc" -eq "$status" ] && grep -Eq -- "$pattern" "$tmp/out" &&
	   ! grep -Eq -- "$bad" "$tmp/out"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		echo "# claimctl $* -> exit $rc (want $status), output:"
		sed 's/^/#   /' "$tmp/out"
		echo "# wanted pattern: $pattern, and not: $bad"
		failed=$((failed + 1))
	fi
}

# option_error NAME MESSAGE -- ARGS...: exit 2 and MESSAGE as the one line
# that names claimctl, with no getopt message (argv[0]: or COMMAND:) too.
option_error() {
	local name=$1 msg=$2 rc
	shift 3
	n=$((n + 1))
	"$CLAIMCTL" "$@" >"$tmp/out" 2>&1 </dev/null
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(grep -c '^claimctl: ' "$tmp/out")" -eq 1 ] &&
	   grep -qxF "claimctl: $msg" "$tmp/out" &&
	   ! grep -Eq 'unrecognized|requires an argument|invalid option|^[a-z/.]+: ' \
		<(grep -v -e '^claimctl: ' -e '^usage: claimctl ' "$tmp/out"); then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		echo "# claimctl $* -> exit $rc (want 2), output:"
		sed 's/^/#   /' "$tmp/out"
		echo "# wanted the one line: claimctl: $msg"
		failed=$((failed + 1))
	fi
}

expect "--help lists commands" 0 '^commands:' -- --help
expect "--version" 0 '^claimctl [0-9]+\.[0-9]+\.[0-9]+$' -- --version
expect "no command is a usage error" 2 '^usage: claimctl' --
expect "unknown command" 2 "unknown command 'bogus'" -- bogus
expect "unknown global option" 2 'see .claimctl --help' -- --bogus info
option_error "unknown global option, prefix once" "unknown option '--bogus'" -- --bogus info
option_error "unknown short global option" "unknown option -x" -- -x info
option_error "global option without its argument" "option -d needs an argument" -- -d
option_error "global long option without its argument" \
	"option '--device' needs an argument" -- --device
option_error "unknown command option, prefix once" "unknown option '--bogus'" -- info --bogus
option_error "command option without its argument" \
	"option '--order' needs an argument" -- populate 3 1M --order
option_error "unknown short command option" "unknown option -x" -- info -x
option_error "unknown option of run before the command" "unknown option '--bogus'" -- run 3 --bogus true
expect "claim with a duplicate node" 2 \
	"^claimctl: node 0 is listed twice in the claim set$" -- claim 3 0:1G,0:1G
expect "claim usage line follows the error" 2 \
	'^usage: claimctl claim DOMID SPEC \[--json\]$' -- claim 3 0:1G,0:1G
expect "claim with a bad suffix" 2 'bad size suffix' -- claim 3 0:1Q
expect "claim with a bad node" 2 'nodes 0 to 63' -- claim 3 64:1G
expect "claim with a size of 2^52 pages or more" 2 'too large' -- \
	claim 3 0:18446744073709551615p,host:1p
expect "claim with a missing argument" 2 "'claim' takes 2 arguments, 1 given" -- claim 3
expect "bad domid" 2 "bad domain id 'x'" -- destroy x
# A --device path that does not exist is the path's fault, not the module's.
expect_without "a --device path that does not exist names --device" 1 \
	'^claimctl: open /nonexistent/numaclaims: ENOENT \(No such file or directory\): check --device: it names the numaclaims device \(default /dev/numaclaims\)$' \
	'module' -- --device /nonexistent/numaclaims info
expect_without "metrics: a --device path that does not exist names --device" 1 \
	'open /nonexistent/numaclaims: ENOENT .*: check --device' 'module' \
	-- --device /nonexistent/numaclaims metrics
expect_without "build: a --device path that does not exist names --device" 1 \
	'^claimctl: open /nonexistent/numaclaims: ENOENT \(No such file or directory\): check --device' \
	'module' -- --device /nonexistent/numaclaims build 3 1G
# A device node without a driver (ENXIO): the module; one hint, modprobe,
# in every command (and libclaims' claims_strerror()).
if mknod "$tmp/nodev" c 240 250 2>/dev/null; then
	for cmd in info list metrics "build 3 1G"; do
		expect_without "$cmd: the module-not-loaded hint says modprobe" 1 \
			"open $tmp/nodev: ENXIO .*: is the numaclaims module loaded\\? \\(modprobe numaclaims\\)\$" \
			'insmod' -- --device "$tmp/nodev" $cmd
	done
else
	for cmd in info list metrics "build 3 1G"; do
		n=$((n + 1))
		echo "ok $n # SKIP $cmd: the module-not-loaded hint (mknod needs root)"
	done
fi
# Sizes: libclaims' messages, none suggesting 1Kp or calling 0x a suffix.
expect_without "--max 1K: not a multiple of a page, no 1Kp" 2 \
	"^claimctl: size '1K' is not a multiple of the 4 KiB page size \\(4K is one page\\)\$" \
	'1Kp' -- create --max 1K
expect_without "--max 1KiB: no 1KiBp" 2 "size '1KiB' is not a multiple" '1KiBp' -- create --max 1KiB
expect "--max 100: bytes, 100p means pages" 2 "size '100' is not a multiple .*100p means pages" -- create --max 100
expect_without "--max 0x1000: sizes are decimal, not a bad suffix" 2 \
	"^claimctl: bad size '0x1000': sizes are decimal \\(4096 or 4K, not 0x1000\\)\$" \
	'suffix' -- create --max 0x1000
expect "claim 0:64m parses (case-insensitive units)" 1 '^claimctl: claim for domain 3: ENOTTY' -- \
	--device /dev/null claim 3 0:64m,1:1gib
expect "a leading space is refused" 2 "bad size ' 1G'" -- create --max ' 1G'
expect "an Arabic-Indic digit is not a node" 2 "bad node '"$'\xd9\xa1'"'" -- claim 3 $'\xd9\xa1:1G'
# A negative number is not an unknown option.
for args in "claim 2 -1:1G" "destroy -1" "populate 2 -4096" "build 2 -4096"; do
	set -- $args
	last=${!#}
	option_error "$args: negative, not an unknown option" \
		"'$last' is not an option: domain ids, nodes and sizes are never negative" -- $args
done
# Only the commands that take a SIZE explain SIZE.
expect_without "version --help has no SIZE line" 0 '^usage: claimctl version' '^SIZE' -- version --help
expect_without "list --help has no SIZE line" 0 '^usage: claimctl list' '^SIZE' -- list --help
expect "populate --help explains SIZE" 0 '^SIZE: 512M, 2G, 1g, 1GiB' -- populate --help
expect "claim --help explains SIZE" 0 '^SIZE: ' -- claim --help
expect "a device that is not numaclaims" 1 \
	'^claimctl: read host info: ENOTTY \(Inappropriate ioctl for device\)' \
	-- --device /dev/null info
expect "claim against a non-numaclaims device" 1 \
	'^claimctl: claim for domain 3: ENOTTY' -- --device /dev/null claim 3 0:4K
expect "option of another command" 2 "option --gfn does not apply to 'info'" -- info --gfn 0
expect "global --json on a command without JSON" 2 \
	"option --json does not apply to 'destroy'" -- --json destroy 3
expect "populate order above 9" 2 "order '10' is too large \(at most 9\)" -- populate 3 4M --order 10
expect "populate size not a multiple of the extent" 2 \
	'not a non-zero multiple of the extent size 8 KiB' -- populate 3 3p --order 1
expect "populate gfn beyond 2^40" 2 'gfn .* is too large' -- populate 3 1p --gfn 0x10000000000
expect "free needs --gfn" 2 'free needs --gfn START' -- free 3 1M
# give: usage errors before anything is touched.
expect "give needs an owner" 2 "takes 2 arguments, 1 given" -- give 3
expect "give: empty owner" 2 "needs an owner: USER, USER:GROUP or :GROUP" -- give 3 :
expect "give: unknown user" 2 "no user 'no-such-user-nc' \\(a name or a number\\)" -- give 3 no-such-user-nc
expect "give: unknown group" 2 "no group 'no-such-group-nc'" -- give 3 0:no-such-group-nc
expect "give: mode beyond 0777" 2 "bad --mode '1777': permission bits in octal" -- give 3 0 --mode 1777
expect "give: mode not octal" 2 "bad --mode '0x1ff'" -- give 3 0 --mode 0x1ff
expect "give: bad domid" 2 "bad domain id 'x'" -- give x 0
expect "give: --mode elsewhere" 2 "option --mode does not apply to 'destroy'" -- destroy 3 --mode 0600
expect "give: no such domain (no node)" 1 "give domain 4094 to 0: ESRCH" -- give 4094 0
expect "create --hold needs --autodestroy" 2 'only makes sense with --autodestroy' -- create --hold
expect "affinity with a reversed range" 2 'first node above last' -- affinity 3 3-1
expect "affinity all parses (numactl's node strings)" 1 \
	"^claimctl: .*ENOTTY|node list 'all' needs NUMA support" -- --device /dev/null affinity 3 all
expect "affinity with a node the host lacks is the module's to refuse" 1 \
	'^claimctl: .*ENOTTY' -- --device /dev/null affinity 3 0-63
expect "claim spec with spaces after commas" 1 '^claimctl: claim for domain 3: ENOTTY' -- \
	--device /dev/null claim 3 '0:4K, host:4K,	1:8K'
expect "claim spec with a trailing comma and space" 2 'empty entry' -- claim 3 '0:4K, '
expect "offline with a bad node" 2 "bad node 'n1'" -- offline n1 1M
expect "per-command --help" 0 '^usage: claimctl populate DOMID SIZE' -- populate --help
expect "help COMMAND" 0 '^usage: claimctl claim DOMID SPEC' -- help claim
expect "help of an unknown command" 2 "unknown command 'nope'" -- help nope
expect "version without the module still names claimctl" 1 \
	'^claimctl [0-9.]+ \(libclaims [0-9.]+, uapi version [0-9]+\)' -- --device /nonexistent version
# topology works without the module, or says NUMA is missing.
expect "topology without the module" 0 '^node +size\(MiB\)|^claimctl: read NUMA topology: ENOSYS' -- \
	--device /nonexistent topology
expect "options after positional arguments" 1 \
	'^claimctl: open /nonexistent: ENOENT' -- --device /nonexistent free 3 1M --gfn 0
# run: claimctl's options end at the command; the command keeps its own.
expect "run without a command" 2 "'run' needs a command to run" -- run 3
expect "run without arguments" 2 "'run' needs a domain id and a command" -- run
expect "run with a bad node list" 2 "bad node list 'x'" -- run 3 --cpunodebind x true
expect "run with an option of another command" 2 "option --gfn does not apply to 'run'" -- run 3 --gfn 0 true
expect "run leaves the command's options alone" 1 '^claimctl: open /nonexistent: ENOENT' -- \
	--device /nonexistent run 3 --cpunodebind 0 ls -j --gfn 0
expect "run with -- before the command" 1 '^claimctl: open /nonexistent: ENOENT' -- \
	--device /nonexistent run 3 --fd -- ls --json
expect "run against a non-numaclaims device" 1 '^claimctl: run in domain 3: ENOTTY' -- \
	--device /dev/null run 3 true
expect "run --help names the environment" 0 'NUMACLAIMS_MEM_PATH' -- run --help
# build --policy: how --vcpus counts CPUs; checked before the device is opened.
expect "build --policy with an unknown policy" 2 "^claimctl: --policy 'smt': give cores or mem-only$" -- \
	--device /nonexistent build 3 1G --vcpus 4 --policy smt
expect "build --policy without --vcpus" 2 '^claimctl: --policy says how --vcpus counts CPUs: give --vcpus$' -- \
	--device /nonexistent build 3 1G --policy mem-only
expect "build --policy without its argument" 2 "option '--policy' needs an argument" -- \
	build 3 1G --vcpus 4 --policy
expect "build --vcpus --policy mem-only parses" 1 '^claimctl: open /nonexistent: ENOENT' -- \
	--device /nonexistent build 3 1G --vcpus 4 --policy=mem-only
expect "build --vcpus --policy cores parses" 1 '^claimctl: open /nonexistent: ENOENT' -- \
	--device /nonexistent build 3 1G --policy cores --vcpus 4
expect "build --help explains --policy" 0 'mem-only \(logical CPUs only' -- build --help
# build --like SRC: the exact set of a domain or a saved description.
cat >"$tmp/dom.json" <<'JSON'
{"domid":1,"max_pages":262144,"tot_pages":20480,"claimed_pages":36864,"uncounted_pages":0,
 "nodes":[{"node":0,"claimed_pages":16384,"mem_pages":16384},
          {"node":1,"claimed_pages":16384,"mem_pages":4096}],
 "host":{"claimed_pages":4096},"affinity":[0,1],"flags":[]}
JSON
expect "build --like FILE --dry-run: pages + claim per node, host-wide claim, no module" 0 \
	'^set=0:32768p,1:20480p,host:4096p nodes=0-1 cpu_nodes=0-1 kind=spread ' -- \
	--device /nonexistent build 3 --like "$tmp/dom.json" --dry-run
expect "build --like FILE --dry-run --json" 0 '"nodes":\[\{"node":0,"claimed_pages":32768\},\{"node":1,"claimed_pages":20480\}\],"superpages":\[\],"host":\{"claimed_pages":4096\}' -- \
	--device /nonexistent build 3 --like "$tmp/dom.json" --dry-run --json
expect "build --like with a SIZE" 2 '^claimctl: --like takes the size from the original: give no SIZE$' -- \
	build 3 1G --like "$tmp/dom.json"
expect "build --like with a planner option" 2 '^claimctl: --like claims exactly .* no planner options' -- \
	build 3 --like "$tmp/dom.json" --vcpus 2
echo '{"page_size":4096,"domains":[]}' >"$tmp/none.json"
expect "build --like a description without a domain" 1 '0 domains in the description, not one' -- \
	--device /nonexistent build 3 --like "$tmp/none.json" --dry-run
expect "build --like a file that is not there" 1 "^claimctl: build for domain 3: --like $tmp/nope: ENOENT" -- \
	--device /nonexistent build 3 --like "$tmp/nope" --dry-run
expect "build --like DOMID needs the module" 1 '^claimctl: open /nonexistent: ENOENT' -- \
	--device /nonexistent build 3 --like 5 --dry-run
expect "build --like without SRC" 2 "option '--like' needs an argument" -- build 3 --like
# build's options go through claimctl's one option table (getopt_long).
expect "build with a third argument" 2 "'build' takes up to 2 arguments, 3 given" -- build 3 1G 2G
expect "a planner option on another command" 2 "option --vcpus does not apply to 'populate'" -- populate 3 1G --vcpus 2
expect "build --dry-run=1: a flag takes no value" 2 "^claimctl: option '--dry-run' takes no value$" -- build 3 1G --dry-run=1
expect "destroy --all=yes: a flag takes no value" 2 "^claimctl: option '--all' takes no value$" -- destroy --all=yes
expect "build without SIZE or --like" 2 "takes a domain id and a size \(or --like SRC\)" -- build 3 --dry-run
expect "build --json before SIZE still parses" 1 '^claimctl: open /nonexistent: ENOENT' -- \
	--device /nonexistent build 3 --json 1G --dry-run
# Superpages (API version 4): specs, populate --superpages, build --superpages.
expect "claim a superpage spec that is not whole 2 MiB" 2 \
	"^claimctl: size '3M' is not a multiple of the 2 MiB superpage size in claim entry '0:3M:2M'" -- \
	claim 3 0:3M:2M
expect "claim host superpages" 2 'superpages are claimed on a node' -- claim 3 host:4M:2M
expect "claim with superpages parses" 1 '^claimctl: open /nonexistent: ENOENT' -- \
	--device /nonexistent claim 3 '0:1G, 0:64M:2M, 1:2M:2M'
expect "populate --superpages with another order" 2 \
	'^claimctl: --superpages populates 2 MiB superpages, order 9, not --order 0$' -- \
	populate 3 4M --superpages --order 0
expect "populate --superpages: whole 2 MiB" 2 'not a non-zero multiple of the extent size 2 MiB' -- \
	populate 3 3M --superpages
expect "populate --superpages parses (order 9 by default)" 1 '^claimctl: open /nonexistent: ENOENT' -- \
	--device /nonexistent populate 3 4M --superpages --node 1 --exact
expect "populate --superpages --order 9 parses" 1 '^claimctl: open /nonexistent: ENOENT' -- \
	--device /nonexistent populate 3 4M --order 9 --superpages
expect "--superpages does not apply to free" 2 "option --superpages does not apply to 'free'" -- \
	free 3 4M --gfn 0 --superpages
expect "populate --help explains --superpages" 0 'superpages only' -- populate --help
expect "build --superpages with --spread" 2 '^claimctl: --superpages are claimed on nodes only: no --spread$' -- \
	build 3 4G --superpages --spread
expect "build --superpages: whole 2 MiB" 2 'with --superpages the size must be whole 2 MiB' -- \
	build 3 3M --superpages
expect "build --superpages parses" 1 '^claimctl: open /nonexistent: ENOENT' -- \
	--device /nonexistent build 3 4G --superpages --vcpus 2
expect "build --help explains --superpages" 0 "nodes' unclaimed superpages" -- build --help
# --like does not recreate superpage claims (claims_plan_like() has room
# for 4 KiB entries only): refused, not silently dropped.
sed 's/"mem_pages":16384}/"mem_pages":16384,"superpage_claimed_pages":1024,"superpage_mem_pages":0}/' \
	"$tmp/dom.json" >"$tmp/spdom.json"
expect "build --like a domain with a superpage claim is refused" 1 \
	'^claimctl: build for domain 3: domain 1 has a superpage claim on node 0, which --like cannot recreate yet' -- \
	--device /nonexistent build 3 --like "$tmp/spdom.json" --dry-run
sed 's/"mem_pages":16384}/"mem_pages":16384,"superpage_claimed_pages":0,"superpage_mem_pages":512}/' \
	"$tmp/dom.json" >"$tmp/sppages.json"
expect "build --like: superpages in the physmap are claimed as their pages" 0 \
	'^set=0:32768p,1:20480p,host:4096p ' -- \
	--device /nonexistent build 3 --like "$tmp/sppages.json" --dry-run
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
