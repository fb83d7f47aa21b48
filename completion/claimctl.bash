# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion for claimctl(8), installed as
# $PREFIX/share/bash-completion/completions/claimctl.
#
# The lists below are claimctl's own: the commands of `claimctl help`, the
# options of `claimctl --help` and of each `claimctl COMMAND --help` usage
# line.  packaging/tests/completion-test.sh (make pkg-test) fails when
# they drift apart.  Needs nothing but bash (bash-completion's helpers are
# not used).

_claimctl_commands="info list create destroy give claim claims claim-pages populate free maxmem affinity offline online pool run build topology metrics version help"
_claimctl_global_options="--device --help --json --pages --verbose --version"

# The options of COMMAND, as its usage line lists them.
_claimctl_command_options()
{
	case "$1" in
	info) echo "--json --pages" ;;
	list) echo "--json --pages" ;;
	create) echo "--autodestroy --hold --json --max" ;;
	destroy) echo "--all" ;;
	give) echo "--mode" ;;
	claim) echo "--json" ;;
	claims) echo "--json --pages" ;;
	claim-pages) echo "" ;;
	populate) echo "--exact --gfn --json --no-refcount --node --order --superpages" ;;
	free) echo "--gfn --order" ;;
	maxmem) echo "" ;;
	affinity) echo "" ;;
	offline) echo "" ;;
	online) echo "" ;;
	pool) echo "--json --pages" ;;
	run) echo "--cpunodebind --fd" ;;
	build) echo "--attempts --cpu-node --dry-run --json --like --max-distance --max-nodes --nodes --policy --spread --superpages --vcpus" ;;
	topology) echo "--json" ;;
	metrics) echo "" ;;
	version) echo "--json" ;;
	help) echo "" ;;
	esac
}

# Commands whose first argument is a domain id.
_claimctl_domid_commands=" destroy give claim claims claim-pages populate free maxmem affinity run build "

# Existing domains: their device nodes (CLAIMCTL_DOMAIN_GLOB for tests).
_claimctl_domids()
{
	local f
	for f in ${CLAIMCTL_DOMAIN_GLOB:-/dev/numaclaims-dom*}; do
		[ -e "$f" ] && echo "${f##*-dom}"
	done
}

_claimctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=
	local i cmd= cmdi=0 w nargs=0
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	# The command: the first word that is neither an option nor the
	# argument of --device.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case "$w" in
		-d|--device) i=$((i + 1)) ;;
		-*) ;;
		*) cmd=$w; cmdi=$i; break ;;
		esac
	done

	case "$prev" in
	-d|--device)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	esac

	if [ -z "$cmd" ]; then
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "$_claimctl_global_options" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_claimctl_commands" -- "$cur"))
		fi
		return 0
	fi

	# Positional arguments before the cursor, and run's CMD after "--".
	for ((i = cmdi + 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [ "$cmd" = run ] && [ "$w" = -- ]; then
			if [ $((i + 1)) -eq "$COMP_CWORD" ]; then
				COMPREPLY=($(compgen -c -- "$cur"))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			return 0
		fi
		case "$w" in
		--max|--node|--order|--gfn|--cpunodebind|--cpu-node|--vcpus|--nodes|--max-distance|--max-nodes|--attempts|--policy|--like|--mode)
			i=$((i + 1)) ;;
		-*) ;;
		*) nargs=$((nargs + 1)) ;;
		esac
	done

	case "$prev" in
	--order) COMPREPLY=($(compgen -W "0 1 2 3 4 5 6 7 8 9" -- "$cur")); return 0 ;;
	--policy) COMPREPLY=($(compgen -W "cores mem-only" -- "$cur")); return 0 ;;
	--like) COMPREPLY=($(compgen -W "$(_claimctl_domids)" -- "$cur") $(compgen -f -- "$cur")); return 0 ;;
	--mode) COMPREPLY=($(compgen -W "0600 0660 0400 0440" -- "$cur")); return 0 ;;
	--max|--node|--gfn|--cpunodebind|--cpu-node|--vcpus|--nodes|--max-distance|--max-nodes|--attempts)
		return 0 ;;
	esac

	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$(_claimctl_command_options "$cmd") --help" -- "$cur"))
		return 0
	fi
	if [ "$cmd" = help ] && [ "$nargs" -eq 0 ]; then
		COMPREPLY=($(compgen -W "$_claimctl_commands" -- "$cur"))
	elif [ "$nargs" -eq 0 ] && [[ "$_claimctl_domid_commands" == *" $cmd "* ]]; then
		COMPREPLY=($(compgen -W "$(_claimctl_domids)" -- "$cur"))
	elif [ "$cmd" = give ] && [ "$nargs" -eq 1 ]; then
		COMPREPLY=($(compgen -u -- "$cur"))
	elif [ "$cmd" = claim ] && [ "$nargs" -eq 1 ]; then
		COMPREPLY=($(compgen -W "clear host: legacy:" -- "$cur"))
		compopt -o nospace 2>/dev/null
	fi
	return 0
}
complete -F _claimctl claimctl
