#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# completion/claimctl.bash against claimctl itself: its command list is
# exactly `claimctl help`'s, its global options `claimctl --help`'s, and
# each command's options those of the command's usage line; then what it
# completes for typical command lines (commands, options, domids from the
# domain device nodes, claim targets, help topics, run's CMD).  TAP output.
#
# usage: CLAIMCTL=build/userspace/claimctl packaging/tests/completion-test.sh [TOP]
set -u
TOP=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
CLAIMCTL=${CLAIMCTL:-$TOP/build/userspace/claimctl}
COMP=$TOP/completion/claimctl.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$TOP/userspace/tests/tap.sh"

t "bash -n completion/claimctl.bash" bash -n "$COMP"
t "it registers _claimctl for claimctl" \
	bash -c ". '$COMP' && complete -p claimctl | grep -q -- '-F _claimctl claimctl\$'"

help_cmds=$("$CLAIMCTL" help | awk '/^commands:/ {f = 1; next} f && /^$/ {exit} f {print $1}')
t "claimctl help lists commands ($(echo $help_cmds | wc -w))" test -n "$help_cmds"
t "the completion's commands are claimctl help's, in its order" \
	bash -c ". '$COMP' && diff <(echo '$help_cmds') <(tr ' ' '\n' <<<\"\$_claimctl_commands\")"
help_opts=$("$CLAIMCTL" --help | awk '/^options:/ {f = 1; next} f && /^$/ {exit} f' |
	grep -o -- '--[a-z][a-z-]*' | sort -u)
t "the completion's global options are claimctl --help's" \
	bash -c ". '$COMP' && diff <(echo '$help_opts') <(tr ' ' '\n' <<<\"\$_claimctl_global_options\" | sort -u)"
for c in $help_cmds; do
	usage=$("$CLAIMCTL" "$c" --help | head -n1)
	want=$(grep -o -- '--[a-z][a-z-]*' <<<"$usage" | sort -u | tr '\n' ' ')
	t "options of '$c' are its usage line's (${want:-none})" \
		bash -c ". '$COMP' && [ \"\$(_claimctl_command_options '$c' | tr ' ' '\n' | sed '/^\$/d' | sort -u | tr '\n' ' ')\" = '$want' ]"
done

# complete WORDS...: what the completion offers for the command line WORDS,
# the cursor on the last word; one candidate per line, sorted.
mkdir -p "$tmp/dev"
touch "$tmp/dev/numaclaims-dom3" "$tmp/dev/numaclaims-dom12"
cat >"$tmp/complete.sh" <<SH
. '$COMP'
export CLAIMCTL_DOMAIN_GLOB='$tmp/dev/numaclaims-dom*'
COMP_WORDS=("\$@"); COMP_CWORD=\$((\$# - 1))
_claimctl
printf '%s\n' "\${COMPREPLY[@]}" | sort
SH
check() {	# check "WANT (space-separated)" WORDS...
	local want=$1
	shift
	t "claimctl ${*:2} <TAB> offers: $want" \
		bash -c "got=\$(bash '$tmp/complete.sh' \"\$@\" | tr '\n' ' '); echo \"got: \$got\"; [ \"\$got\" = '$want ' ]" _ "$@"
}
check "claim claim-pages claims" claimctl cl
check "--device" claimctl --dev
check "info" claimctl --device /dev/numaclaims inf
check "--exact" claimctl populate 3 1G --ex
check "--cpu-node" claimctl build 3 1G --cpu
check "--cpunodebind" claimctl run 3 --cpun
check "12 3" claimctl destroy ""
check "3" claimctl --json claims 3
check "clear" claimctl claim 3 cl
check "0 1 2 3 4 5 6 7 8 9" claimctl populate 3 1G --order ""
check "cores mem-only" claimctl build 3 1G --vcpus 4 --policy ""
check "mem-only" claimctl build 3 1G --vcpus 4 --policy m
check "--spread" claimctl build 3 1G --policy cores --sp
check "12" claimctl build 5 --like 1
check "populate" claimctl help pop
check "--json" claimctl version --j
check "--hold" claimctl create --autodestroy --ho
t "claimctl run 3 -- <TAB> offers commands" \
	bash -c "bash '$tmp/complete.sh' claimctl run 3 -- bas | grep -qx bash"
tap_end
