// SPDX-License-Identifier: GPL-2.0
/*
 * claimctl build DOMID SIZE [OPTIONS]: plan a claim set with libclaims'
 * planner and install it (claims_build_claim()), or with --dry-run only
 * plan it (claims_plan()).  See claimctl_build.h for the options.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "claimctl.h"
#include "claimctl_build.h"

#define EXIT_USAGE	2

/* claimctl's printers (cc_usage_error(), cc_error()) with build's words. */
static int bd_usage(const char *fmt, const char *arg)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	cc_usage_error(fmt, arg);
#pragma GCC diagnostic pop
	return EXIT_USAGE;
}

static int bd_error(uint32_t domid, int err, const char *hint)
{
	char what[48];

	snprintf(what, sizeof(what), "build for domain %u", domid);
	return cc_error(what, err, hint);
}

static const char *bd_kind(uint32_t kind)
{
	switch (kind) {
	case CLAIMS_PLAN_ONE_NODE:	return "one-node";
	case CLAIMS_PLAN_NODES:		return "nodes";
	case CLAIMS_PLAN_HOST_SPREAD:	return "spread";
	default:			return "none";
	}
}

static void bd_print(const struct claims_plan *p, uint32_t domid, int json,
		     int installed)
{
	char nodes[4 * NUMACLAIMS_MAX_NODES], cpus[4 * NUMACLAIMS_MAX_NODES];
	uint32_t i;
	int n;

	if (json) {
		/* claimctl's JSON conventions: as `claims --json`, plus the plan */
		uint64_t total = 0;

		printf("{\"domid\":%u,\"page_size\":%llu,\"installed\":%s,"
		       "\"kind\":\"%s\",\"nodes\":[", domid, CLAIMS_PAGE_SIZE,
		       installed ? "true" : "false", bd_kind(p->kind));
		for (i = 0, n = 0; i < p->nr_entries; i++) {
			total += p->set[i].pages;
			if (p->set[i].target == NUMACLAIMS_TARGET_HOST ||
			    p->set[i].cmd)
				continue;
			printf("%s{\"node\":%u,\"claimed_pages\":%" PRIu64 "}",
			       n++ ? "," : "", p->set[i].target,
			       (uint64_t)p->set[i].pages);
		}
		printf("],\"superpages\":[");
		for (i = 0, n = 0; i < p->nr_entries; i++)
			if (p->set[i].cmd == NUMACLAIMS_CLAIM_SUPERPAGES)
				printf("%s{\"node\":%u,\"claimed_pages\":%" PRIu64 "}",
				       n++ ? "," : "", p->set[i].target,
				       (uint64_t)p->set[i].pages);
		printf("],\"host\":{\"claimed_pages\":%" PRIu64 "},"
		       "\"total\":{\"claimed_pages\":%" PRIu64 "},\"mem_nodes\":[",
		       p->host_pages, total);
		for (n = 0, i = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (p->nodemask & (1ULL << n))
				printf("%s%d", i++ ? "," : "", n);
		printf("],\"cpu_nodes\":[");
		for (n = 0, i = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (p->cpu_nodemask & (1ULL << n))
				printf("%s%d", i++ ? "," : "", n);
		printf("],\"distance\":%u,\"attempts\":%u}\n", p->distance,
		       p->attempts);
		return;
	}
	printf("set=");
	for (i = 0; i < p->nr_entries; i++) {
		if (p->set[i].target == NUMACLAIMS_TARGET_HOST)
			printf("%shost:%" PRIu64 "p", i ? "," : "",
			       (uint64_t)p->set[i].pages);
		else
			printf("%s%u:%" PRIu64 "p%s", i ? "," : "",
			       p->set[i].target, (uint64_t)p->set[i].pages,
			       p->set[i].cmd == NUMACLAIMS_CLAIM_SUPERPAGES ?
			       ":2M" : "");
	}
	printf(" nodes=%s cpu_nodes=%s kind=%s distance=%u attempts=%u\n",
	       cc_format_nodelist(nodes, sizeof(nodes), p->nodemask),
	       cc_format_nodelist(cpus, sizeof(cpus), p->cpu_nodemask),
	       bd_kind(p->kind), p->distance, p->attempts);
}

/* Why nothing fits: what the allowed nodes and the host have unclaimed. */
static void bd_nomem_hint(char *buf, size_t len, struct claims_handle *h,
			  uint32_t domid, const struct claims_plan_request *r,
			  uint32_t attempts)
{
	struct claims_plan_topology t;

	if (claims_plan_topology_read_flags(h, domid,
					    r->flags & CLAIMS_PLAN_SUPERPAGES, &t)) {
		snprintf(buf, len, "no plan fits the host now");
		return;
	}
	cc_build_nomem_hint(buf, len, r, &t, attempts);
}

static int bd_u32(const char *s, uint64_t max, const char *what, uint32_t *v)
{
	char err[CC_ERR_LEN];
	uint64_t x;

	if (cc_parse_u64(s, max, what, &x, err, sizeof(err)))
		return bd_usage("%s", err);
	*v = (uint32_t)x;
	return 0;
}

/* Open the device, or say why not (one line): 0 or -errno. */
static int bd_open(const char *device, struct claims_handle **h)
{
	int ret = claims_open_handle(device, h);
	char what[300];

	if (ret) {
		snprintf(what, sizeof(what), "open %s", device ? device : CLAIMS_DEVICE);
		cc_error(what, -ret, cc_open_hint(-ret, device));
	}
	return ret;
}

/*
 * The end of a build: on error @hint and exit 1, else the plan and with
 * --verbose @what; the handle closed either way.
 */
static int bd_done(struct claims_handle *h, uint32_t domid, int ret,
		   const char *hint, const struct claims_plan *p, int json,
		   int dry, int verbose, const char *what)
{
	if (ret) {
		claims_close(h);
		return bd_error(domid, -ret, hint);
	}
	bd_print(p, domid, json, !dry);
	if (verbose && !dry)
		fprintf(stderr, "claimctl: domain %u: %s\n", domid, what);
	claims_close(h);
	return EXIT_SUCCESS;
}

/* --like SRC: a domain id of this host, or a file of `claimctl list --json`. */
static int bd_read_like(struct claims_handle *h, const char *src,
			struct numaclaims_domain_info *orig, char *err, size_t len)
{
	char *text = NULL;
	size_t n = 0, got;
	uint32_t domid;
	FILE *f;
	int ret;

	if (!cc_parse_domid(src, &domid, err, len)) {
		ret = claims_domain_getinfo(h, domid, orig);
		if (ret)
			snprintf(err, len, "--like %u: %s (%s)%s", domid,
				 cc_errno_name(-ret), strerror(-ret),
				 ret == -ESRCH ? ": no such domain (claimctl list)" : "");
		return ret;
	}
	f = fopen(src, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, len, "--like %s: %s (%s)", src, cc_errno_name(-ret),
			 strerror(-ret));
		return ret;
	}
	do {
		char *grown = realloc(text, n + 4096 + 1);

		if (!grown) {
			free(text);
			fclose(f);
			snprintf(err, len, "--like %s: out of memory", src);
			return -ENOMEM;
		}
		text = grown;
		got = fread(text + n, 1, 4096, f);
		n += got;
	} while (got == 4096 && n < (16 << 20));
	fclose(f);
	text[n] = 0;
	{
		char why[CC_ERR_LEN];

		ret = cc_parse_domain_json(text, orig, why, sizeof(why));
		if (ret)
			snprintf(err, len, "--like %s: %s", src, why);
	}
	free(text);
	return ret;
}

/* claimctl build DOMID --like SRC [--dry-run] [--json] */
static int bd_like(const char *device, uint32_t domid, const char *src,
		   int dry, int json, int verbose)
{
	struct numaclaims_domain_info orig;
	struct claims_handle *h = NULL;
	struct claims_plan p;
	char err[CC_ERR_LEN + 64], what[96];
	uint32_t src_domid, n;
	int ret;

	/* a file and --dry-run: no device needed */
	if ((!dry || !cc_parse_domid(src, &src_domid, err, sizeof(err))) &&
	    bd_open(device, &h))
		return EXIT_FAILURE;
	ret = bd_read_like(h, src, &orig, err, sizeof(err));
	if (ret) {
		claims_close(h);
		fprintf(stderr, "claimctl: build for domain %u: %s\n", domid, err);
		return EXIT_FAILURE;
	}
	/*
	 * claims_plan_like() recreates 4 KiB claims (a superpage in the
	 * physmap counts as its 512 pages); a superpage claim it would drop.
	 */
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
		if (orig.superpage_claims[n]) {
			claims_close(h);
			fprintf(stderr,
				"claimctl: build for domain %u: domain %u has a superpage claim on node %u, which --like cannot recreate yet; claim with 'claimctl claim %u SPEC' (NODE:SIZE:2M)\n",
				domid, orig.domid, n, domid);
			return EXIT_FAILURE;
		}
	ret = dry ? claims_plan_like(&orig, &p) : claims_build_like(h, domid, &orig, &p);
	if (ret) {
		struct claims_plan q;

		if (ret == -EINVAL && claims_plan_like(&orig, &q))
			snprintf(err, sizeof(err),
				 "the description has nothing to claim, or uncounted pages on "
				 "several nodes (their counted split is not known)");
		else if (ret == -ENOMEM)
			snprintf(err, sizeof(err),
				 "the exact set does not fit the host now; nothing was "
				 "installed (claimctl info)");
		else if (ret == -EINVAL)
			snprintf(err, sizeof(err),
				 "the set is above the domain's max (claimctl list; claimctl maxmem)");
		else
			cc_generic_hint(err, sizeof(err), -ret, domid);
	}
	snprintf(what, sizeof(what), "the claims of domain %u's memory installed",
		 orig.domid);
	return bd_done(h, domid, ret, err, &p, json, dry, verbose, what);
}

int cc_build_main(const struct cc_build_opts *o)
{
	const char *device = o->device, *like = o->like;
	int json = o->json, verbose = o->verbose, dry = o->dry_run;
	/* Options of the planner, which --like leaves no room for. */
	int planning = o->cpu_node || o->vcpus || o->policy || o->nodes ||
		       o->max_distance || o->max_nodes || o->attempts ||
		       o->spread || o->superpages;
	struct claims_plan_request r = { .cpu_node = CLAIMS_PLAN_NO_NODE };
	struct claims_plan_topology t;
	struct claims_plan p;
	struct claims_handle *h;
	char err[CC_ERR_LEN], what[96];
	int ret, have_cpu = !!o->cpu_node, have_vcpus = !!o->vcpus;
	int have_policy = !!o->policy, have_size = o->argc >= 2;
	uint32_t domid, v;

	if (o->argc < 1)
		return bd_usage("%s", "'build' takes a domain id and a size (or --like SRC)");
	if (cc_parse_domid(o->argv[0], &domid, err, sizeof(err)))
		return bd_usage("%s", err);
	if (have_size) {
		if (cc_parse_size(o->argv[1], &r.pages, err, sizeof(err)))
			return bd_usage("%s", err);
		if (!r.pages)
			return bd_usage("%s", "the size must not be 0");
	}
	if (o->spread)
		r.flags |= CLAIMS_PLAN_SPREAD;
	if (o->superpages)
		r.flags |= CLAIMS_PLAN_SUPERPAGES;
	if (o->cpu_node) {
		if (cc_parse_node(o->cpu_node, &v, err, sizeof(err)))
			return bd_usage("%s", err);
		r.cpu_node = (int32_t)v;
	}
	if (o->vcpus && bd_u32(o->vcpus, UINT32_MAX, "vcpus", &r.vcpus))
		return EXIT_USAGE;
	if (o->policy) {
		if (!strcmp(o->policy, "cores"))
			r.policy = CLAIMS_PLAN_POLICY_CORES;
		else if (!strcmp(o->policy, "mem-only"))
			r.policy = CLAIMS_PLAN_POLICY_MEM_ONLY;
		else
			return bd_usage("--policy '%s': give cores or mem-only", o->policy);
	}
	if (o->nodes) {
		if (cc_parse_host_nodelist(o->nodes, &r.allowed_nodes, err,
					   sizeof(err)))
			return bd_usage("%s", err);
		if (!r.allowed_nodes)
			return bd_usage("%s", "--nodes names no node");
	}
	if (o->max_distance) {
		if (bd_u32(o->max_distance, 255, "distance", &r.max_distance))
			return EXIT_USAGE;
		if (r.max_distance < 10)
			return bd_usage("--max-distance %s is below the local distance 10",
					o->max_distance);
	}
	if (o->max_nodes) {
		if (bd_u32(o->max_nodes, NUMACLAIMS_MAX_NODES, "max-nodes",
			   &r.max_nodes))
			return EXIT_USAGE;
		if (!r.max_nodes)
			return bd_usage("%s", "--max-nodes must be 1 or more");
	}
	if (o->attempts) {
		if (bd_u32(o->attempts, CLAIMS_PLAN_MAX_ATTEMPTS, "attempts",
			   &r.max_attempts))
			return EXIT_USAGE;
		if (!r.max_attempts)
			return bd_usage("%s", "--attempts must be 1 or more");
	}
	if (like && have_size)
		return bd_usage("%s", "--like takes the size from the original: give no SIZE");
	if (like && planning)
		return bd_usage("%s", "--like claims exactly the original's distribution: "
				"no planner options (--cpu-node, --vcpus, --nodes, ...)");
	if (like)
		return bd_like(device, domid, like, dry, json, verbose);
	if (!r.pages)
		return bd_usage("%s", "'build' takes a domain id and a size (or --like SRC)");
	if (have_cpu && have_vcpus)
		return bd_usage("%s", "give --cpu-node or --vcpus, not both");
	if (have_policy && !have_vcpus)
		return bd_usage("%s", "--policy says how --vcpus counts CPUs: give --vcpus");
	if ((r.flags & CLAIMS_PLAN_SUPERPAGES) && (r.flags & CLAIMS_PLAN_SPREAD))
		return bd_usage("%s", "--superpages are claimed on nodes only: no --spread");
	if ((r.flags & CLAIMS_PLAN_SUPERPAGES) &&
	    r.pages % NUMACLAIMS_SUPERPAGE_PAGES)
		return bd_usage("%s", "with --superpages the size must be whole 2 MiB (e.g. 4G, 2M)");

	if (bd_open(device, &h))
		return EXIT_FAILURE;
	/* Clear errors for what only the host can judge, before planning. */
	ret = claims_plan_topology_read_flags(h, domid,
					      r.flags & CLAIMS_PLAN_SUPERPAGES, &t);
	if (ret) {
		claims_close(h);
		if (ret == -ESRCH)
			return bd_error(domid, ESRCH, "no such domain (claimctl list)");
		return bd_error(domid, -ret, "reading the host state");
	}
	if (have_cpu && (uint32_t)r.cpu_node >= t.nr_nodes) {
		claims_close(h);
		snprintf(err, sizeof(err), "--cpu-node %d: the host has nodes 0-%u",
			 r.cpu_node, t.nr_nodes - 1);
		return bd_error(domid, EINVAL, err);
	}
	if (t.nr_nodes < 64 && (r.allowed_nodes >> t.nr_nodes)) {
		char want[4 * NUMACLAIMS_MAX_NODES];

		claims_close(h);
		snprintf(err, sizeof(err), "--nodes %s: the host has nodes 0-%u",
			 cc_format_nodelist(want, sizeof(want), r.allowed_nodes),
			 t.nr_nodes - 1);
		return bd_error(domid, EINVAL, err);
	}

	if (r.allowed_nodes && !(r.allowed_nodes & t.pool_nodes)) {
		char want[4 * NUMACLAIMS_MAX_NODES], pools[4 * NUMACLAIMS_MAX_NODES];

		claims_close(h);
		snprintf(err, sizeof(err), "none of nodes %s has a pool (pools: %s)",
			 cc_format_nodelist(want, sizeof(want), r.allowed_nodes),
			 cc_format_nodelist(pools, sizeof(pools), t.pool_nodes));
		return bd_error(domid, ENOENT, err);
	}
	ret = dry ? claims_plan(h, domid, &r, &p) : claims_build_claim(h, domid, &r, &p);
	if (ret) {
		if (ret == -ENOMEM)
			bd_nomem_hint(err, sizeof(err), h, domid, &r, p.attempts);
		else if (ret == -EINVAL)
			snprintf(err, sizeof(err),
				 "the plan is above the domain's max or was refused "
				 "(claimctl list; claimctl maxmem)");
		else
			cc_generic_hint(err, sizeof(err), -ret, domid);
	}
	snprintf(what, sizeof(what), "%s plan installed after %u attempt%s",
		 bd_kind(p.kind), p.attempts, p.attempts == 1 ? "" : "s");
	return bd_done(h, domid, ret, err, &p, json, dry, verbose, what);
}
