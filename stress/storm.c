// SPDX-License-Identifier: GPL-2.0
/*
 * storm: a NUMA boot storm.  N domain builder processes start at the same
 * instant; each creates a domain, claims its memory as a claim set sized to
 * its node(s), populates it and drops what is left of its claim, as
 * libxenguest's meminit_hvm() does.  The claim set comes from libclaims'
 * planner (claims_build_claim()): the builder's home node if it fits, else
 * the fewest closest nodes by SLIT distance, else (for most builders) a
 * spread with a host-wide part; a claim refused because another builder got
 * there first (ENOMEM) is planned again from fresh state, a bounded number
 * of times, with no lock shared between the builders.  A quarter of the
 * builders give no CPU node but two vCPUs (on one-CPU nodes: two nodes), an
 * eighth accept one node only.  A builder nothing fits gives up at claim
 * time, before allocating anything.  Meanwhile "hog" processes populate
 * domains without any claim, competing for the unclaimed memory.
 *
 * Checked: every builder whose claim was accepted gets all its memory (a
 * claim is a guarantee: no populate fails after an accepted claim),
 * node-claimed memory lands 100% on the claimed node, the invariants hold,
 * and destroying everything puts every pool page back.
 *
 * Domains are sized from what each node can give: its unclaimed pool
 * pages plus what a claim may grow its pool by (HOST_INFO growable_pages).
 * --grow runs the storm on pools that grow on claim (the module loaded
 * with pool_grow_on_claim=1, typically pool_mb=0): it also checks that the
 * pools grew for the claims and that, once the domains are gone, every
 * pool shrinks back to its size before the round (the surplus goes back
 * to Linux) within --release-wait milliseconds.
 *
 * usage: storm [--builders N[,N...]] [--hogs H] [--seed S] [--grow]
 *              [--release-wait MS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib.h"
#include "claims.h"

#define MAX_BUILDERS	256
#define MAX_HOGS	16

enum outcome { PENDING, ADMITTED, REFUSED, FAILED };
enum claim_kind { KIND_NONE, KIND_HOME, KIND_OTHER_NODE, KIND_NODES, KIND_HOST };

struct builder_result {
	int outcome;
	int kind;
	u32 domid;
	u64 pages;
	u64 claimed[NUMACLAIMS_MAX_NODES];	/* node claims installed */
	u64 t_done_us;				/* since start */
	u64 host_part;				/* host-wide part installed */
	u64 order_fallbacks;
	u32 attempts;				/* plans installed (races lost + 1) */
	int err;				/* errno of a failure */
	char why[160];
};

struct shared {
	volatile int go;
	volatile int stop_hogs;
	u64 t0;
	struct builder_result b[MAX_BUILDERS];
	u64 hog_pages[MAX_HOGS];
};

static struct shared *sh;
static u32 pool_node[NUMACLAIMS_MAX_NODES];
static int nr_pool_nodes;
static bool grow_mode;
static u64 release_wait_ms = 20000;

static void wait_go(void)
{
	while (!sh->go)
		usleep(100);
}

/*
 * Populate @pages of the domain, @node (or -1: anywhere), order 9 while it
 * goes, falling back to order 0 for an extent the pool cannot give whole
 * (claims guarantee pages, not contiguity), as Xen's meminit falls back.
 */
static int populate_part(int fd, u32 domid, int node, u64 *gfn, u64 pages,
			 u64 *fallbacks)
{
	u32 flags = node >= 0 ? NUMACLAIMS_MEMF_NODE(node) |
				NUMACLAIMS_MEMF_EXACT_NODE : 0;
	int ret;

	*gfn = (*gfn + 511) & ~511ULL;	/* order-9 extents need aligned gfns */
	while (pages >= 512) {
		u64 n = pages / 512 > 8 ? 8 : pages / 512, done = 0;

		ret = st_populate_range(fd, domid, *gfn, n, 9, flags, &done);
		*gfn += done * 512;
		pages -= done * 512;
		if (ret == -ENOMEM) {
			(*fallbacks)++;
			break;
		}
		if (ret)
			return ret;
	}
	while (pages) {
		u64 n = pages > 512 ? 512 : pages, done = 0;

		ret = st_populate_range(fd, domid, *gfn, n, 0, flags, &done);
		*gfn += done;
		pages -= done;
		if (ret)
			return ret;
	}
	return 0;
}

static void builder(int idx, u64 seed, u64 node_pages)
{
	struct builder_result *r = &sh->b[idx];
	struct claims_plan_request req = { .cpu_node = CLAIMS_PLAN_NO_NODE };
	struct claims_plan plan;
	struct claims_handle *h;
	struct st_rng rng;
	struct numaclaims_claim clear = { 0, NUMACLAIMS_TARGET_HOST, 0 };
	u32 home, i;
	u64 pages, gfn = 0;
	int fd, ret;
	u32 domid;

	st_rng_seed(&rng, seed);
	home = pool_node[idx % nr_pool_nodes];
	/* A domain between 1/16 and 1/4 of a node, in odd page counts. */
	pages = node_pages / 16 + st_rng_below(&rng, node_pages * 3 / 16);
	r->pages = pages;
	req.pages = pages;
	if (nr_pool_nodes > 1 && st_rng_chance(&rng, 25)) {
		req.vcpus = 2;		/* one CPU per node in the VMs */
	} else {
		req.cpu_node = (int32_t)home;
		if (st_rng_chance(&rng, 12))
			req.max_nodes = 1;	/* a VMM that cannot split */
	}
	if (!req.max_nodes)
		req.flags = CLAIMS_PLAN_SPREAD;

	fd = raw_open();
	ret = fd < 0 ? fd : claims_open_handle(RAW_DEVICE, &h);
	if (ret) {
		r->outcome = FAILED;
		r->err = -ret;
		snprintf(r->why, sizeof(r->why), "open: %s", raw_errname(ret));
		_exit(1);
	}
	wait_go();

	ret = raw_create(fd, pages, 0, &domid);
	if (ret) {
		r->outcome = FAILED;
		snprintf(r->why, sizeof(r->why), "create: %s", raw_errname(ret));
		_exit(1);
	}
	r->domid = domid;

	/* the claim: planned from the live host, re-planned on a lost race */
	ret = claims_build_claim(h, domid, &req, &plan);
	r->attempts = plan.attempts;
	if (ret == -ENOMEM) {
		/* nothing fits: give up before allocating anything */
		r->t_done_us = st_now_us() - sh->t0;
		ret = raw_destroy(fd, domid);
		r->outcome = ret ? FAILED : REFUSED;
		if (ret)
			snprintf(r->why, sizeof(r->why), "destroy: %s",
				 raw_errname(ret));
		_exit(ret ? 1 : 0);
	}
	if (ret) {
		r->outcome = FAILED;
		snprintf(r->why, sizeof(r->why), "claim: %s", raw_errname(ret));
		_exit(1);
	}
	for (i = 0; i < plan.nr_entries; i++)
		if (plan.set[i].target < NUMACLAIMS_MAX_NODES)
			r->claimed[plan.set[i].target] = plan.set[i].pages;
	r->host_part = plan.host_pages;
	r->kind = plan.kind == CLAIMS_PLAN_HOST_SPREAD ? KIND_HOST :
		  plan.kind == CLAIMS_PLAN_NODES ? KIND_NODES :
		  plan.nodemask == 1ULL << home ? KIND_HOME : KIND_OTHER_NODE;

	/* populate: node parts exactly on their node, the host part anywhere */
	ret = 0;
	for (i = 0; i < NUMACLAIMS_MAX_NODES && !ret; i++)
		if (r->claimed[i])
			ret = populate_part(fd, domid, (int)i, &gfn, r->claimed[i],
					    &r->order_fallbacks);
	if (!ret && plan.host_pages) {
		raw_set_affinity(fd, domid, plan.nodemask);
		ret = populate_part(fd, domid, -1, &gfn, plan.host_pages,
				    &r->order_fallbacks);
	}
	if (ret) {
		r->outcome = FAILED;
		r->err = -ret;
		snprintf(r->why, sizeof(r->why),
			 "populate with an accepted claim failed: %s at gfn %llu",
			 raw_errname(ret), gfn);
		_exit(1);
	}
	/* meminit_hvm() always drops what is left of its claim */
	ret = raw_claim_set(fd, domid, &clear, 1);
	if (ret) {
		r->outcome = FAILED;
		snprintf(r->why, sizeof(r->why), "release claim: %s", raw_errname(ret));
		_exit(1);
	}
	r->t_done_us = st_now_us() - sh->t0;
	r->outcome = ADMITTED;
	_exit(0);
}

/* An unclaimed competitor: grabs what unclaimed memory it can, then frees. */
static void hog(int idx, u64 seed, u64 max_pages)
{
	struct st_rng rng;
	u64 gfn = 0, done;
	int fd = raw_open();
	u32 domid;

	st_rng_seed(&rng, seed);
	if (fd < 0 || raw_create(fd, max_pages, NUMACLAIMS_DOMAIN_AUTODESTROY, &domid))
		_exit(1);
	wait_go();
	while (!sh->stop_hogs) {
		int ret = st_populate_range(fd, domid, gfn, 64, 0, 0, &done);

		gfn += done;
		sh->hog_pages[idx] = gfn;
		if (ret == -ENOMEM || ret == -E2BIG) {
			/* give a random part back, as a ballooning guest would */
			u64 back = st_rng_below(&rng, gfn + 1), i, d;

			for (i = 0; i < back; i++) {
				u64 g = gfn - 1 - i;

				if (raw_decrease(fd, domid, &g, 1, 0, &d))
					break;
			}
			gfn -= i;
			usleep(1000);
		} else if (ret) {
			_exit(2);
		}
	}
	_exit(0);	/* AUTODESTROY frees everything */
}

/* Figures: storm.KEY, storm_grow.KEY with --grow (one table, two storms). */
#define FIG(key, ...) do {						\
	char k_[64];							\
									\
	snprintf(k_, sizeof(k_), "%s.%s",				\
		 grow_mode ? "storm_grow" : "storm", key);		\
	tap_fig(k_, __VA_ARGS__);					\
} while (0)

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

struct totals {
	u64 builders, admitted, refused, failed, verified;
	u64 node_claimed, node_placed, home, other_node, nodes, host, fallbacks;
	u64 replans, attempts_max;
	u64 violations, lost;
	u64 refusal_ms[MAX_BUILDERS * 8];
	u64 nr_refusal_ms;
	u64 build_ms_max;
	u64 grown, pool_back_ms, not_back;	/* --grow */
	u64 short_rounds;			/* --grow: capacity not all there */
};

static u64 pool_pages(const struct numaclaims_host_info *hi)
{
	u64 sum = 0;
	int i;

	for (i = 0; i < nr_pool_nodes; i++)
		sum += hi->nodes[pool_node[i]].reserved_pages;
	return sum;
}

/*
 * --grow: once the domains are gone every pool shrinks back to its size
 * in @r0 (the surplus goes back to Linux); false, with why, if not within
 * release_wait_ms.
 */
static bool pools_back(int fd, const struct numaclaims_host_info *r0,
		       struct totals *t)
{
	struct numaclaims_host_info hi;
	u64 start = st_now_us(), ms;
	int i;

	for (;;) {
		bool back = true;

		st_hostinfo(fd, &hi);
		/* the size, and the release done (it commits first) */
		for (i = 0; i < nr_pool_nodes; i++)
			back &= hi.nodes[pool_node[i]].reserved_pages ==
				r0->nodes[pool_node[i]].reserved_pages &&
				!st_pool_attr(pool_node[i], "surplus_pages");
		ms = (st_now_us() - start) / 1000;
		if (back) {
			if (ms > t->pool_back_ms)
				t->pool_back_ms = ms;
			return true;
		}
		if (ms > release_wait_ms)
			break;
		usleep(20000);
	}
	for (i = 0; i < nr_pool_nodes; i++)
		tap_diag("node %u: pool %llu pages, %llu before the round",
			 pool_node[i],
			 (u64)hi.nodes[pool_node[i]].reserved_pages,
			 (u64)r0->nodes[pool_node[i]].reserved_pages);
	return false;
}

static void round_run(int fd, int nb, int nh, u64 seed, struct totals *t)
{
	struct numaclaims_host_info hi, r0;
	struct numaclaims_domain_info di;
	pid_t pids[MAX_BUILDERS + MAX_HOGS];
	u64 node_pages = ~0ULL, lost;
	char why[256];
	int i, status, bad = 0, n;

	memset(sh, 0, sizeof(*sh));
	st_hostinfo(fd, &r0);
	/* what a node can give: its free pool pages and what it may grow by */
	for (i = 0; i < nr_pool_nodes; i++) {
		u32 n = pool_node[i];
		u64 give = r0.nodes[n].avail_pages + r0.growable_pages[n], cap;

		if (give < node_pages)
			node_pages = give;
		if (!grow_mode)
			continue;
		/* on growing pools, as on sized ones: the whole capacity */
		cap = st_pool_attr(n, "capacity_pages");
		if (give != cap) {
			tap_diag("round of %d: node %u has %llu free pool pages and may grow by %llu, of a capacity of %llu",
				 nb, n, (u64)r0.nodes[n].avail_pages,
				 (u64)r0.growable_pages[n], cap);
			t->short_rounds++;
		}
	}

	for (i = 0; i < nb; i++) {
		pids[i] = fork();
		if (!pids[i])
			builder(i, seed * 1000003ULL + i, node_pages);
	}
	for (i = 0; i < nh; i++) {
		pids[nb + i] = fork();
		if (!pids[nb + i])
			hog(i, seed * 7919ULL + i, node_pages / 8);
	}
	usleep(200000);		/* let every process reach the start line */
	sh->t0 = st_now_us();
	__sync_synchronize();
	sh->go = 1;
	for (i = 0; i < nb; i++)
		waitpid(pids[i], &status, 0);
	if (grow_mode) {	/* the builders' claims grew the pools */
		st_hostinfo(fd, &hi);
		if (pool_pages(&hi) > pool_pages(&r0))
			t->grown += pool_pages(&hi) - pool_pages(&r0);
	}
	sh->stop_hogs = 1;
	for (i = 0; i < nh; i++) {
		waitpid(pids[nb + i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			tap_diag("hog %d exited with status %#x", i, status);
			bad++;
		}
	}

	/* every admitted domain: fully populated, node claims on their node */
	for (i = 0; i < nb; i++) {
		struct builder_result *r = &sh->b[i];
		u32 node;

		t->builders++;
		t->replans += r->attempts > 1 ? r->attempts - 1 : 0;
		if (r->attempts > t->attempts_max)
			t->attempts_max = r->attempts;
		switch (r->outcome) {
		case REFUSED:
			t->refused++;
			if (t->nr_refusal_ms < ARRAY_SIZE(t->refusal_ms))
				t->refusal_ms[t->nr_refusal_ms++] = r->t_done_us / 1000;
			continue;
		case ADMITTED:
			t->admitted++;
			break;
		default:
			t->failed++;
			tap_diag("builder %d (domain %u, %llu pages): %s",
				 i, r->domid, r->pages, r->why[0] ? r->why :
				 "died without a result");
			continue;
		}
		if (r->t_done_us / 1000 > t->build_ms_max)
			t->build_ms_max = r->t_done_us / 1000;
		t->home += r->kind == KIND_HOME;
		t->other_node += r->kind == KIND_OTHER_NODE;
		t->nodes += r->kind == KIND_NODES;
		t->host += r->kind == KIND_HOST;
		t->fallbacks += r->order_fallbacks;
		if (raw_dom_info_flags(fd, r->domid, 0, &di)) {
			tap_diag("builder %d: domain %u vanished", i, r->domid);
			bad++;
			continue;
		}
		if (di.tot_pages != r->pages || di.outstanding_pages) {
			tap_diag("builder %d: domain %u tot %llu of %llu"
				 ", outstanding %llu", i, r->domid,
				 (unsigned long long)di.tot_pages, r->pages,
				 (unsigned long long)di.outstanding_pages);
			bad++;
			continue;
		}
		for (node = 0; node < NUMACLAIMS_MAX_NODES; node++) {
			if (!r->claimed[node])
				continue;
			t->node_claimed += r->claimed[node];
			t->node_placed += di.node_pages[node] < r->claimed[node] ?
					  di.node_pages[node] : r->claimed[node];
			/* a spread's host-wide part may land on any node too */
			if (r->host_part ? di.node_pages[node] < r->claimed[node] :
			    di.node_pages[node] != r->claimed[node]) {
				tap_diag("builder %d: domain %u has %llu pages on node %u, claimed %llu",
					 i, r->domid,
					 (unsigned long long)di.node_pages[node],
					 node, r->claimed[node]);
				bad++;
			}
		}
		t->verified++;
	}
	if (st_check_quiescent(fd, &lost, why, sizeof(why))) {
		tap_diag("after the storm: %s", why);
		bad++;
	}
	t->lost += lost;
	n = st_debugfs_invariants(why, sizeof(why));
	if (n > 0) {
		tap_diag("%s", why);
		bad++;
	}
	st_hostinfo(fd, &hi);
	if (hi.outstanding_claims) {
		tap_diag("claims left after every builder released its own: %llu",
			 (unsigned long long)hi.outstanding_claims);
		bad++;
	}
	if (st_back_to_baseline(fd, NULL, &lost, why, sizeof(why))) {
		tap_diag("after destroying the domains: %s", why);
		bad++;
	}
	t->lost += lost;
	t->violations += bad;
	if (grow_mode && !pools_back(fd, &r0, t))
		t->not_back++;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "builders", required_argument, NULL, 'b' },
		{ "hogs", required_argument, NULL, 'h' },
		{ "seed", required_argument, NULL, 's' },
		{ "grow", no_argument, NULL, 'g' },
		{ "release-wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	char builders_arg[128] = "16", *tok, *save = NULL;
	struct totals *t;
	u64 seed = st_seed_default(), mask;
	int fd, opt, hogs = 2, nr, i, round = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'b': snprintf(builders_arg, sizeof(builders_arg), "%s", optarg); break;
		case 'h': hogs = atoi(optarg); break;
		case 's': seed = st_parse_u64(optarg); break;
		case 'g': grow_mode = true; break;
		case 'w': release_wait_ms = st_parse_u64(optarg); break;
		default:
			fprintf(stderr, "usage: storm [--builders N[,N..]] [--hogs H] [--seed S] [--grow] [--release-wait MS]\n");
			return 2;
		}
	}
	if (hogs > MAX_HOGS)
		hogs = MAX_HOGS;
	printf("TAP version 13\n");
	tap_diag("storm --builders %s --hogs %d --seed %llu%s", builders_arg,
		 hogs, seed, grow_mode ? " --grow" : "");
	fd = raw_open();
	if (fd < 0) {
		tap_ok(false, "open %s: %s", RAW_DEVICE, raw_errname(fd));
		return tap_done();
	}
	mask = st_pool_nodes(fd, &nr);
	for (i = 0; i < NUMACLAIMS_MAX_NODES; i++)
		if (mask & (1ULL << i))
			pool_node[nr_pool_nodes++] = i;
	if (grow_mode) {
		struct numaclaims_host_info hi;

		st_hostinfo(fd, &hi);
		tap_ok(hi.total_growable_pages > 0,
		       "--grow: the pools grow on claim (%llu pages growable)",
		       (u64)hi.total_growable_pages);
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	t = calloc(1, sizeof(*t));
	if (sh == MAP_FAILED || !t || !nr_pool_nodes) {
		tap_ok(false, "setup (%d pool nodes)", nr_pool_nodes);
		return tap_done();
	}

	for (tok = strtok_r(builders_arg, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save), round++) {
		int nb = atoi(tok);
		struct totals before = *t;

		if (nb < 1 || nb > MAX_BUILDERS)
			nb = 16;
		round_run(fd, nb, hogs, seed + round, t);
		tap_ok(t->failed == before.failed,
		       "storm of %d builders on %d nodes: no builder failed", nb,
		       nr_pool_nodes);
		tap_ok(t->verified - before.verified == t->admitted - before.admitted,
		       "storm of %d: every admitted domain fully populated (%llu of %llu)",
		       nb, t->verified - before.verified, t->admitted - before.admitted);
		tap_ok(t->admitted + t->refused - before.admitted - before.refused == (u64)nb,
		       "storm of %d: %llu admitted + %llu refused", nb,
		       t->admitted - before.admitted, t->refused - before.refused);
		tap_ok(t->violations == before.violations,
		       "storm of %d: invariants, placement, baseline after destroy", nb);
	}
	tap_ok(t->node_claimed == t->node_placed,
	       "node-claimed pages placed on the claimed node: %llu of %llu",
	       t->node_placed, t->node_claimed);
	tap_ok(t->lost == 0, "pages lost: %llu", t->lost);
	tap_ok(t->attempts_max <= CLAIMS_PLAN_ATTEMPTS,
	       "re-planning after a lost race is bounded: at most %llu"
	       " installs per builder (%llu re-plans in all)",
	       t->attempts_max, t->replans);
	if (grow_mode) {
		tap_ok(t->grown > 0 && t->admitted > 0,
		       "--grow: the claims grew the pools (%llu pages, %llu domains admitted)",
		       t->grown, t->admitted);
		tap_ok(!t->short_rounds,
		       "--grow: every round starts with each node's whole capacity to give (free + growable pages; %llu nodes short)",
		       t->short_rounds);
		tap_ok(!t->not_back,
		       "--grow: every pool back to its size before each round once the domains are gone (%llu rounds not; slowest %llu ms)",
		       t->not_back, t->pool_back_ms);
	}

	qsort(t->refusal_ms, t->nr_refusal_ms, sizeof(u64), cmp_u64);
	FIG("builders", "%llu", t->builders);
	FIG("admitted", "%llu", t->admitted);
	FIG("admitted_home", "%llu", t->home);
	FIG("admitted_other_node", "%llu", t->other_node);
	FIG("admitted_nodes", "%llu", t->nodes);
	FIG("admitted_host_wide", "%llu", t->host);
	FIG("replans", "%llu", t->replans);
	FIG("attempts_max", "%llu", t->attempts_max);
	FIG("refused", "%llu", t->refused);
	FIG("failed", "%llu", t->failed);
	FIG("fully_populated", "%llu", t->verified);
	FIG("placement_pct", "%.1f", t->node_claimed ?
		100.0 * t->node_placed / t->node_claimed : 100.0);
	FIG("node_claimed_pages", "%llu", t->node_claimed);
	FIG("order9_fallbacks", "%llu", t->fallbacks);
	if (t->nr_refusal_ms)
		FIG("refusal_ms", "%llu/%llu/%llu",
			t->refusal_ms[0], t->refusal_ms[t->nr_refusal_ms / 2],
			t->refusal_ms[t->nr_refusal_ms - 1]);
	else
		FIG("refusal_ms", "-");
	FIG("build_ms_max", "%llu", t->build_ms_max);
	FIG("violations", "%llu", t->violations);
	FIG("pages_lost", "%llu", t->lost);
	if (grow_mode) {
		FIG("pool_grown_pages", "%llu", t->grown);
		FIG("pool_back_ms", "%llu", t->pool_back_ms);
	}
	close(fd);
	return tap_done();
}
