#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# What README.md and tools/README.md tell a user must exist: links inside
# the repository, module parameters and selftest binaries that are real,
# claimctl commands that claimctl has; and the README explains numastat.
# TAP output.
#
# usage: CLAIMCTL=build/userspace/claimctl docs-test.sh TOPDIR
set -u
TOP=${1:-.}
CLAIMCTL=${CLAIMCTL:-$TOP/build/userspace/claimctl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

# Every relative markdown link of FILE resolves inside the repository.
links_inside() {
	local file=$1 dir target path bad=0 root
	dir=$(dirname "$file")
	root=$(cd "$TOP" && pwd -P)
	while read -r target; do
		case $target in
		http://* | https://* | mailto:* | '#'*) continue ;;
		esac
		target=${target%%#*}
		path=$(realpath -m "$dir/$target")
		case $path/ in
		"$root"/*) ;;
		*) echo "$file: link outside the repository: $target"; bad=1; continue ;;
		esac
		[ -e "$path" ] || { echo "$file: broken link: $target"; bad=1; }
	done < <(grep -o '\](\([^)]*\))' "$file" | sed 's/^](\(.*\))$/\1/')
	# No path into a sibling of the repository, linked or not.
	if grep -n '\.\./shared/\|\.\./SPEC' "$file"; then bad=1; fi
	return $bad
}

# Every --params NAME= of tools/README.md is a module parameter.
params_exist() {
	local p bad=0
	for p in $(grep -o -- '--params "[^"]*"' "$TOP/tools/README.md" |
		   sed 's/--params "//; s/"$//' | tr ' ' '\n' | sed 's/=.*//'); do
		grep -Eq "module_param(_array)?\($p," "$TOP"/module/*.c ||
			{ echo "no module parameter $p"; bad=1; }
	done
	return $bad
}

# Every build/selftests/NAME of tools/README.md is built from selftests/NAME.c.
selftests_exist() {
	local b bad=0
	for b in $(grep -o 'build/selftests/[A-Za-z0-9_-]*' "$TOP/tools/README.md"); do
		[ -f "$TOP/selftests/${b#build/selftests/}.c" ] ||
			{ echo "no selftests/${b#build/selftests/}.c"; bad=1; }
	done
	return $bad
}

# Every "# claimctl CMD" of the README walk-through is a claimctl command.
walkthrough_commands() {
	local c bad=0
	"$CLAIMCTL" --help >"$tmp/help" || return 1
	for c in $(grep -o '^# claimctl [a-z-]*' "$TOP/README.md" | awk '{print $3}' | sort -u); do
		grep -Eq "^  $c " "$tmp/help" || { echo "claimctl has no command $c"; bad=1; }
	done
	return $bad
}

# Every file git tracks directly in DIR (and DIR/kmod/ for bench) is named
# in DIR/README.md; every top-level folder is in README.md's Layout table.
files_named() {
	local dir=$1 f bad=0
	for f in $(git -C "$TOP" ls-files "$dir" | grep -v '/testdata/'); do
		f=${f#"$dir"/}
		grep -qF -- "$f" "$TOP/$dir/README.md" || { echo "$dir/README.md does not name $f"; bad=1; }
	done
	return $bad
}
layout_complete() {
	local d bad=0
	for d in $(git -C "$TOP" ls-files | grep / | cut -d/ -f1 | sort -u) build; do
		sed -n '/^## Layout/,/^## /p' "$TOP/README.md" | grep -q "\`$d/" ||
			{ echo "README's Layout has no $d/"; bad=1; }
	done
	return $bad
}

t "README.md links only inside the repository" links_inside "$TOP/README.md"
t "README and docs cite no tracker issue numbers (a reader has no tracker)" \
	bash -c "! grep -nE '\\b[Ii]ssues? [0-9]+' '$TOP/README.md' '$TOP'/docs/*.md '$TOP/tools/README.md' '$TOP/bench/README.md'"
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	t "tools/README.md names every file of tools/" files_named tools
	t "bench/README.md names every file of bench/" files_named bench
	t "README's Layout names every top-level folder" layout_complete
fi
t "tools/README.md links only inside the repository" links_inside "$TOP/tools/README.md"
t "tools/README.md: --params are module parameters" params_exist
t "tools/README.md: build/selftests/ binaries exist" selftests_exist
t "tools/README.md names no claims_test or pool_pages" \
	bash -c "! grep -nE '\\bclaims_test\\b|pool_pages' '$TOP/tools/README.md'"
t "README walk-through commands are claimctl's" walkthrough_commands
t "README walk-through shows claimctl run" grep -q '^# claimctl run ' "$TOP/README.md"
t "README info table has the scrub and held columns" \
	grep -Eq '^node +reserved +free +claimed +unclaimed +offlined +scrub +held$' "$TOP/README.md"
t "README says the pool is inside numastat -m's MemUsed" \
	bash -c "grep -q 'numastat -m' '$TOP/README.md' && grep -q 'MemUsed' '$TOP/README.md'"
t "README's info table matches claimctl's header" \
	bash -c "grep -q 'reserved, free, claimed, unclaimed, offlined, scrub, held' <('$CLAIMCTL' --help)"
tap_end
