/* SPDX-License-Identifier: GPL-2.0 */
/*
 * claimctl build: the builder planner of libclaims (claims_build_claim())
 * on the command line.  claimctl.c's command table parses the options
 * (getopt_long, as every command's) and calls cc_build_main(), which checks
 * their values and plans.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#ifndef CLAIMCTL_BUILD_H
#define CLAIMCTL_BUILD_H

/** CC_BUILD_USAGE - the synopsis of the command. */
#define CC_BUILD_USAGE \
	"DOMID {SIZE | --like DOMID|FILE} [--cpu-node N | --vcpus N [--policy cores|mem-only]] " \
	"[--nodes NODELIST] " \
	"[--max-distance D] [--max-nodes K] [--spread | --superpages] [--attempts N] " \
	"[--dry-run] [--json]"

/** CC_BUILD_HELP - the text of 'claimctl build --help'. */
#define CC_BUILD_HELP \
	"Plan a claim set for domain DOMID from the host as it is now and\n" \
	"install it (libclaims' claims_build_claim()): one node if one can take\n" \
	"SIZE (the nearest to --cpu-node, else the one with the most unclaimed\n" \
	"memory), else the fewest nodes that can, closest together by SLIT\n" \
	"distance, else with --spread what the nodes have plus a host-wide part.\n" \
	"When another builder wins the race for the memory (ENOMEM), plan again\n" \
	"from fresh state, up to --attempts times (default 8).  No lock is taken.\n" \
	"  --cpu-node N      the vCPUs run on node N: memory nearest to it\n" \
	"  --vcpus N         (without --cpu-node) the memory's nodes need N CPUs:\n" \
	"                    N physical cores if any allowed set has them (SMT\n" \
	"                    siblings count once), else N logical CPUs\n" \
	"  --policy P        with --vcpus: cores (the default, as above) or\n" \
	"                    mem-only (logical CPUs only: libclaims 1.3's plans)\n" \
	"  --nodes NODELIST  only these nodes (0,1, 0-3, all)\n" \
	"  --max-distance D  memory at most SLIT distance D from the CPUs\n" \
	"  --max-nodes K     at most K nodes (1: one node or nothing)\n" \
	"  --spread          allow a host-wide part as the last resort\n" \
	"  --superpages      plan SIZE (whole 2 MiB) as superpage claims: the\n" \
	"                    nodes' unclaimed superpages are what they can take;\n" \
	"                    populate each part with 'claimctl populate DOMID\n" \
	"                    SIZE --node N --exact --superpages' (order 9)\n" \
	"  --dry-run         print the plan, install nothing\n" \
	"  --like SRC        no SIZE, no planning: claim exactly the memory of\n" \
	"                    domain SRC of this host, or of the domain described\n" \
	"                    in file SRC (claimctl list --json, one domain; ./3\n" \
	"                    for a file named 3): on each node its pages there\n" \
	"                    plus its claim there, its host-wide claim host-wide,\n" \
	"                    as one claim set (migration target, restore)\n" \
	"Prints one line (--json: an object):\n" \
	"  set=0:4096p,1:2048p nodes=0,1 cpu_nodes=0 kind=nodes distance=21 attempts=1\n" \
	"set= is a claim set 'claimctl claim' takes; populate each node part\n" \
	"with --node N --exact (a superpage part N:SIZE:2M also with\n" \
	"--superpages), a host part without --node; run the vCPUs on\n" \
	"cpu_nodes.  Exit status 1 when nothing fits (ENOMEM): nothing was\n" \
	"installed and the domain keeps its claims.\n"

/**
 * struct cc_build_opts - claimctl build's command line, as claimctl.c's
 * option parser leaves it: the option values as given (checked here).
 * @device, @json, @verbose: claimctl's global options.
 * @argc, @argv: the positional arguments: DOMID, then SIZE.
 * @like: --like SRC.  @cpu_node ... @attempts: the planner's options.
 * @spread, @superpages, @dry_run: the flags.
 */
struct cc_build_opts {
	const char *device;
	int json, verbose;
	int argc;
	char **argv;
	const char *like, *cpu_node, *vcpus, *policy, *nodes;
	const char *max_distance, *max_nodes, *attempts;
	int spread, superpages, dry_run;
};

/**
 * cc_build_main() - claimctl build.
 *
 * Return: the exit status (0, 1 failure, 2 usage).
 */
int cc_build_main(const struct cc_build_opts *o);

#endif /* CLAIMCTL_BUILD_H */
