#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The man pages of man/: mandoc -T lint and man -l (groff warnings) are
# clean on every page, every exported symbol of userspace/libclaims.map
# has a page (its family's, or a .so link to it) that names it in NAME and
# SYNOPSIS, every .so link points at a page that exists, and claimctl(8)
# documents exactly the commands and global options `claimctl help` lists.
# TAP output.
#
# usage: CLAIMCTL=build/userspace/claimctl packaging/tests/man-test.sh [TOP]
set -u
TOP=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
CLAIMCTL=${CLAIMCTL:-$TOP/build/userspace/claimctl}
MAN=$TOP/man
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$TOP/userspace/tests/tap.sh"

pages=() links=()
for f in "$MAN"/*.[0-9]; do
	if grep -q '^\.so ' "$f"; then links+=("$f"); else pages+=("$f"); fi
done
t "man/ has claimctl.8, libclaims.3 and family pages (${#pages[@]} pages, ${#links[@]} links)" \
	test -f "$MAN/claimctl.8" -a -f "$MAN/libclaims.3" -a ${#pages[@]} -ge 10
for f in "${pages[@]}"; do
	b=${f##*/}
	t "mandoc -T lint $b" bash -c "out=\$(mandoc -T lint -W warning '$f' 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
	t "man -l $b renders without warnings" \
		bash -c "out=\$(MANWIDTH=80 man --warnings -E UTF-8 -l '$f' 2>&1 >'$tmp/out'); echo \"\$out\"; [ -z \"\$out\" ] && grep -q '^NAME' '$tmp/out' && grep -q '^SEE ALSO' '$tmp/out'"
done
for f in "${links[@]}"; do
	b=${f##*/}
	t ".so link $b points at an existing page of its section" \
		bash -c "[ \$(wc -l < '$f') = 1 ] && tgt=\$(sed -n 's|^\.so man3/\(.*\)\$|\1|p' '$f') &&
			 [ -n \"\$tgt\" ] && [ -f '$MAN/'\"\$tgt\" ] && ! grep -q '^\.so' '$MAN/'\"\$tgt\""
done

# Every symbol of the version script: a page NAME.3 and, in the page it
# leads to, NAME in the NAME section and a prototype in the SYNOPSIS.
syms=$(sed -n 's/^[[:space:]]*\(claims_[a-z0-9_]*\);$/\1/p' "$TOP/userspace/libclaims.map")
# Every page's .TH names the release: the repository's VERSION file.
th_release() {
	local f v bad=0
	v=$(cat "$TOP/VERSION")
	for f in "${pages[@]}"; do
		grep -q "^\.TH .* \"numaclaims $v\" " "$f" || { echo "$f: $(grep '^\.TH' "$f")"; bad=1; }
	done
	return $bad
}
t "every page's .TH names the release of the VERSION file" th_release
t "libclaims.map exports symbols ($(echo $syms | wc -w))" test -n "$syms"
for s in $syms; do
	t "$s has a man page that names and declares it" bash -c "
		f='$MAN/$s.3'; [ -f \"\$f\" ] || { echo 'no man/$s.3'; exit 1; }
		tgt=\$(sed -n 's|^\.so man3/||p' \"\$f\"); [ -n \"\$tgt\" ] && f='$MAN/'\$tgt
		awk '/^\.SH NAME/{getline; print; exit}' \"\$f\" | grep -qw '$s' || { echo 'not in NAME of '\$f; exit 1; }
		awk '/^\.SH SYNOPSIS/{s=1;next} /^\.SH/{s=0} s' \"\$f\" | grep -q '$s(' || { echo 'no prototype in '\$f; exit 1; }"
done
# No page for a function that does not exist (a renamed call).
t "every page in man/ is for an exported function, libclaims or claimctl" bash -c "
	for f in '$MAN'/*.[0-9]; do b=\${f##*/}; b=\${b%.*}
		case \$b in libclaims|claimctl) continue ;; esac
		echo ' $(echo $syms) ' | grep -q \" \$b \" || { echo \"man/\$b: no such symbol\"; exit 1; }
	done"

# claimctl(8) and claimctl itself: the same commands and global options.
help_cmds=$("$CLAIMCTL" help | awk '/^commands:/ {f = 1; next} f && /^$/ {exit} f {print $1}' | sort)
man_cmds=$(MANWIDTH=200 man -E UTF-8 -l "$MAN/claimctl.8" 2>/dev/null |
	awk '/^COMMANDS/ {f = 1; next} /^[A-Z]/ {f = 0} f && /^       [a-z]/ {print $1}' | sort)
t "claimctl(8) COMMANDS are exactly claimctl help's ($(echo $help_cmds | wc -w))" \
	bash -c "diff <(echo '$help_cmds') <(echo '$man_cmds')"
help_opts=$("$CLAIMCTL" --help | awk '/^options:/ {f = 1; next} f && /^$/ {exit} f' |
	grep -o -- '--[a-z][a-z-]*' | sort -u)
man_opts=$(MANWIDTH=200 man -E UTF-8 -l "$MAN/claimctl.8" 2>/dev/null |
	awk '/^OPTIONS/ {f = 1; next} /^[A-Z]/ {f = 0} f && /^       -/' | grep -o -- '--[a-z][a-z-]*' | sort -u)
t "claimctl(8) OPTIONS are exactly claimctl --help's" \
	bash -c "diff <(echo '$help_opts') <(echo '$man_opts')"
# The module parameters the FILES section names exist.
t "claimctl(8) names real module parameters" bash -c "
	ps=\$(grep -ow '[a-z_]*_mb\|[a-z_]*_percent' '$MAN/claimctl.8' | sort -u); [ -n \"\$ps\" ] || exit 1
	for p in \$ps; do
		grep -q \"module_param[a-z_]*(\$p,\" '$TOP'/module/*.c || { echo \"no parameter \$p\"; exit 1; }
	done"
tap_end
