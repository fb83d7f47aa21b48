#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# claimctl's JSON against its schema, docs/claimctl.schema.json.  TAP output.
#
#   claimctl-json.sh TOPDIR
#       every JSON printer's output on fixed structures (claimctl-unit
#       --json-samples), claimctl's own version and topology on this host,
#       and the schema's strictness: a renamed field, a node id as a string,
#       the old "target" form, an extra field all fail validation.
#   claimctl-json.sh --from-tap TOPDIR TAPFILE
#       the real outputs the VM smoke test (claimctl-smoke.sh) recorded as
#       "# json COMMAND {...}" lines: each valid, every command present.
#
# Environment: CLAIMCTL (claimctl), CLAIMCTL_UNIT (claimctl-unit), both
# default build/userspace/.  Needs jq and python3-jsonschema
# (tools/deps.sh test).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

from_tap=
if [ "${1:-}" = --from-tap ]; then
	from_tap=${3:?usage: claimctl-json.sh --from-tap TOPDIR TAPFILE}
	shift
fi
TOP=${1:-.}
CLAIMCTL=${CLAIMCTL:-$TOP/build/userspace/claimctl}
CLAIMCTL_UNIT=${CLAIMCTL_UNIT:-$TOP/build/userspace/claimctl-unit}
SCHEMA=$TOP/docs/claimctl.schema.json
VALIDATE=$(dirname "${BASH_SOURCE[0]}")/claimctl-schema.py

# A python3 that has jsonschema (Debian's, or the first in PATH).
py=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then py=$p; break; fi
done
if [ -z "$py" ] || ! command -v jq >/dev/null; then
	echo "not ok 1 jq and python3-jsonschema are installed (tools/deps.sh test)"
	echo "1..1"
	exit 1
fi

valid() {	# valid DEF FILE: the schema's DEF accepts FILE
	"$py" "$VALIDATE" "$SCHEMA" "$1" "$2"
}

invalid() {	# invalid DEF JQ-FILTER FILE: DEF refuses FILE | jq FILTER
	jq -c "$2" "$3" >"$tmp/mutant.json" || return 1
	if "$py" "$VALIDATE" "$SCHEMA" "$1" "$tmp/mutant.json"; then
		echo "the schema accepted: $(cat "$tmp/mutant.json")"
		return 1
	fi
}

t "the schema is a valid draft 2020-12 schema with every command" \
	"$py" "$VALIDATE" "$SCHEMA" --check
read -ra commands < <("$py" "$VALIDATE" "$SCHEMA" --defs | tr '\n' ' ')

if [ -n "$from_tap" ]; then
	# "# json COMMAND {...}": one per real output the smoke test checked.
	t "the smoke test recorded JSON" grep -q '^# json ' "$from_tap"
	i=0
	while read -r _ _ def doc; do
		i=$((i + 1))
		printf '%s\n' "$doc" >"$tmp/real-$i.json"
		t "real $def output is valid: $(head -c 60 "$tmp/real-$i.json")" \
			valid "$def" "$tmp/real-$i.json"
	done < <(grep '^# json ' "$from_tap")
	for c in "${commands[@]}"; do
		t "the smoke test checked real $c JSON" grep -q "^# json $c {" "$from_tap"
	done
	tap_end
	exit
fi

mkdir "$tmp/samples"
t "claimctl-unit writes its JSON samples" "$CLAIMCTL_UNIT" --json-samples "$tmp/samples"
for f in "$tmp"/samples/*.json; do
	b=$(basename "$f" .json)
	t "$b JSON is valid" valid "${b%%.*}" "$f"
done
for c in "${commands[@]}"; do
	t "a $c sample exists" test -s "$tmp/samples/$c.json"
done

# The names are the tables': the info columns are the README table's.
info_keys() {
	local want got
	want=$(grep -E '^node +reserved +free' "$TOP/README.md" | head -1 |
	       awk '{for (i = 2; i <= NF; i++) printf "%s_pages\n", $i}' | sort)
	got=$(jq -r '.nodes[0] | keys[] | select(. != "node" and . != "superpages")' \
		"$tmp/samples/info.json" | sort)
	[ -n "$want" ] && [ "$want" = "$got" ] &&
		[ "$(jq -r '.total | keys[] | select(. != "superpages")' \
			"$tmp/samples/info.json" | sort)" = "$want" ]
}
t "info JSON keys are the info table's columns + _pages" info_keys
# ... and "superpages" has the columns of the README's superpage table.
sp_keys() {
	local want
	want=$(grep -E '^node +reserved +free +claimed +unclaimed +held *$' "$TOP/README.md" |
	       head -1 | awk '{for (i = 2; i <= NF; i++) printf "%s_pages\n", $i}' | sort)
	[ -n "$want" ] &&
		[ "$(jq -r '.nodes[0].superpages | keys[]' "$tmp/samples/info.superpages.json" |
		     sort)" = "$want" ] &&
		[ "$(jq -r '.total.superpages | keys[]' "$tmp/samples/info.superpages.json" |
		     sort)" = "$want" ]
}
t "info JSON superpages keys are the superpage table's columns + _pages" sp_keys
# Every node is "node": integer, in every command; host is always an object.
node_types() {
	local f
	for f in "$tmp"/samples/*.json; do
		jq -e '[.. | objects | select(has("node")) | .node | type] |
		       all(. == "number" or . == "null")' "$f" >/dev/null ||
			{ echo "$f: a node that is not a number"; return 1; }
		jq -e '[.. | objects | select(has("host")) | .host | type] |
		       all(. == "object")' "$f" >/dev/null ||
			{ echo "$f: a host that is not an object"; return 1; }
	done
}
t "node ids are integers and host is an object everywhere (jq)" node_types

# The schema refuses what a regression would print.
S=$tmp/samples
t "refuses a renamed info column (free -> avail)" invalid info \
	'.nodes[0] |= (.avail_pages = .free_pages | del(.free_pages))' "$S/info.json"
t "refuses a node id as a string" invalid info '.nodes[0].node = "0"' "$S/info.json"
t "refuses an info node without scrub_pages (API version 3)" invalid info \
	'del(.nodes[0].scrub_pages)' "$S/info.json"
t "refuses an info total without scrub_pages" invalid info 'del(.total.scrub_pages)' "$S/info.json"
t "info sample has the fake host's scrub pages (nodes 1024, 256; total 1280)" \
	jq -e '[.nodes[].scrub_pages] == [1024, 256] and .total.scrub_pages == 1280' "$S/info.json"
t "refuses a node id above 63" invalid claims '.nodes[0].node = 64' "$S/claims.json"
t "refuses the old claims form (target: 0 | \"host\")" invalid claims \
	'{domid, page_size, claims: [{target: 0, pages: 1}, {target: "host", pages: 1}], total_pages: 2}' \
	"$S/claims.json"
t "refuses host: true in a claim set" invalid claims '.host = true' "$S/claims.json"
t "refuses an extra field" invalid list '.domains[0].node_claims = 0' "$S/list.json"
t "refuses a missing field" invalid list 'del(.domains[0].affinity)' "$S/list.json"
t "refuses a count as a string" invalid list '.domains[0].max_pages = "262144"' "$S/list.json"
t "refuses a list domain without numa_nodes" invalid list 'del(.domains[0].numa_nodes)' "$S/list.json"
t "refuses numa_optimised as a number" invalid list '.domains[1].numa_optimised = 1' "$S/list.json"
t "refuses memory_numa_node_64 (nodes are 0-63)" invalid list '.domains[0].memory_numa_node_64 = 0' "$S/list.json"
t "refuses memory_numa_node_N in MiB strings" invalid list '.domains[0].memory_numa_node_0 = "64.00"' "$S/list.json"
# XenServer 9's names: every node of "nodes" has memory_numa_node_N, in bytes.
numa_fields() {
	jq -e '.domains | all(. as $d | [.nodes[] | .node as $n |
		$d["memory_numa_node_\($n)"] == .mem_pages * 4096] | all) and
		([.[] | [.numa_nodes, .numa_optimised]] == [[2, false], [1, true]])' "$S/list.json"
}
t "list sample: memory_numa_node_N = mem_pages * 4096, numa_nodes 2/1, optimised false/true" numa_fields
t "refuses the old list field names" invalid list \
	'.domains[0] |= (.outstanding_pages = .claimed_pages | del(.claimed_pages))' "$S/list.json"
t "refuses autodestroy as a boolean" invalid create \
	'del(.flags) | .autodestroy = true' "$S/create.json"
t "refuses a version without module_api_version" invalid version \
	'del(.module_api_version)' "$S/version.json"
t "refuses populate without nr_done" invalid populate 'del(.nr_done)' "$S/populate.json"
t "refuses an error that is not an errno name" invalid populate \
	'.error = "out of memory"' "$S/populate.failed.json"
t "refuses a topology size in MiB strings" invalid topology \
	'.nodes[0].size_bytes = "512.00"' "$S/topology.json"

# The README's examples: each "# claimctl ... --json ..." line of a console
# block followed by its output line.
readme_examples() {
	local cmd doc def i=0
	while IFS= read -r cmd && IFS= read -r doc; do
		def=$(printf '%s\n' "$cmd" | tr ' ' '\n' |
		      grep -vxE '#|claimctl|--json|-j|[0-9]+' | head -1)
		printf '%s\n' "$doc" >"$tmp/readme.json"
		valid "$def" "$tmp/readme.json" || return 1
		i=$((i + 1))
	done < <(grep -A1 -E '^# claimctl .*--json' "$TOP/README.md" | grep -v '^--$')
	echo "$i examples"
	[ "$i" -ge 3 ]
}
t "README's JSON examples are valid" readme_examples

# claimctl itself, on this host (no module needed).
version_json() {	# version_json ARGS...: exit 1 without the module, valid JSON
	local rc=0
	"$CLAIMCTL" --device "$tmp/none" "$@" >"$tmp/version.json" 2>"$tmp/err" || rc=$?
	cat "$tmp/version.json" "$tmp/err"
	[ "$rc" = 1 ] && grep -q '^claimctl: open .*ENOENT' "$tmp/err" &&
		valid version "$tmp/version.json" &&
		jq -e '.module_api_version == null and .claimctl == .libclaims' "$tmp/version.json"
}
t "claimctl --json version without the module" version_json --json version
t "claimctl version --json without the module" version_json version --json
topology_json() {
	"$CLAIMCTL" --device "$tmp/none" --json topology >"$tmp/topology.json" 2>"$tmp/err"
	case $? in
	0) valid topology "$tmp/topology.json" &&
	   jq -e '.nodes | length > 0 and all(.pool == null)' "$tmp/topology.json" ;;
	*) grep -q 'no NUMA support' "$tmp/err" ;;	# a kernel without NUMA
	esac
}
t "claimctl --json topology on this host" topology_json
t "create, claim, populate take --json" bash -c '
	for c in create "claim 3 0:4K" "populate 3 4K"; do
		"$1" --device /nonexistent $c --json 2>&1 | grep -q "does not apply" && exit 1
	done; exit 0' _ "$CLAIMCTL"
tap_end
