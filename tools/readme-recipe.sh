#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/readme-recipe.sh - print a recipe of README.md as a test runs it:
# the fenced block after the line "<!-- recipe: NAME ...", without its
# settings (the lines before the block's first blank line), which the test
# writes itself.  Fails (status 1) if the recipe is missing, has no
# settings or no body, so a README edit cannot silently drop what a test
# runs.
#
# usage: tools/readme-recipe.sh NAME [README]   (body on stdout)
#        tools/readme-recipe.sh --settings NAME [README]
#        tools/readme-recipe.sh --all NAME [README]   (a block without
#            settings, e.g. an XML fragment: every line)
set -eu
part=body
case "${1:-}" in
--settings) part=settings; shift ;;
--all) part=all; shift ;;
esac
name=${1:?usage: readme-recipe.sh [--settings] NAME [README]}
readme=${2:-$(dirname "$0")/../README.md}
awk -v name="$name" -v part="$part" '
	index($0, "<!-- recipe: " name " ") == 1 || $0 == "<!-- recipe: " name " -->" { armed = 1; next }
	armed == 1 && /^```/ { armed = 2; inset = part != "all"; next }
	armed == 2 && /^```/ { armed = 3; exit }
	armed == 2 && inset && /^$/ { inset = 0; next }
	armed == 2 && inset { nset++; if (part == "settings") print; next }
	armed == 2 { nbody++; if (part == "body" || part == "all") print }
	END { if (armed != 3 || (part != "all" && !nset) || !nbody) exit 1 }' "$readme" || {
	echo "readme-recipe.sh: no complete recipe '$name' (settings, blank line, body; with --all, a body) in $readme" >&2
	exit 1
}
