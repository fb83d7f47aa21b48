// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side test of claims_build_claim()'s install/re-plan loop, without a
 * device: planner.c is linked with this file's claims_physinfo(),
 * claims_domain_getinfo() and claims_domain_claim_memory() instead of
 * libclaims.c's, over a small model of the module's claim accounting
 * (CLAIM_SET all or nothing: each node part within the node's unclaimed
 * memory, the total within the host's, the domain's own claims counting as
 * free, tot + claims within max).  A "thief" (another builder) takes
 * memory between a builder's read of the host and its install, so the
 * install loses the race with ENOMEM exactly as on a real host, as many
 * times as a test asks.  TAP on stdout.
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
#include "tap.h"

struct claims_handle {
	int unused;
};

#define DOM	7		/* the builder's domain */
#define NODES	2

/* the model */
static uint64_t avail[NODES], others[NODES];	/* others' node claims */
static uint64_t others_host;			/* others' host-wide claims */
static uint64_t mine[NODES], mine_host, max_pages = ~0ULL;
static int steals;		/* installs the thief beats */
static uint64_t steal_pages;	/* what it claims on the planned node each time */
static int lose;		/* installs refused with no visible change (a
				 * claim that came and went in between) */
static int installs, reads;
static int fail_errno;		/* make the next install fail with this */

int claims_physinfo(struct claims_handle *h, struct numaclaims_host_info *hi)
{
	uint64_t total_claims = others_host + mine_host;
	int n;

	(void)h;
	reads++;
	memset(hi, 0, sizeof(*hi));
	hi->nr_nodes = NODES;
	hi->nr_domains = 2;
	for (n = 0; n < NODES; n++) {
		hi->nodes[n].has_pool = 1;
		hi->nodes[n].reserved_pages = avail[n];
		hi->nodes[n].avail_pages = avail[n];
		hi->nodes[n].outstanding_claims = others[n] + mine[n];
		hi->total_avail_pages += avail[n];
		total_claims += others[n] + mine[n];
	}
	hi->outstanding_claims = total_claims;
	return 0;
}

int claims_domain_getinfo(struct claims_handle *h, uint32_t domid,
			  struct numaclaims_domain_info *di)
{
	int n;

	(void)h;
	if (domid != DOM)
		return -ESRCH;
	memset(di, 0, sizeof(*di));
	di->domid = domid;
	di->max_pages = max_pages;
	for (n = 0; n < NODES; n++) {
		di->claims[n] = mine[n];
		di->node_claims += mine[n];
	}
	di->outstanding_pages = di->node_claims + mine_host;
	return 0;
}

int claims_domain_claim_memory(struct claims_handle *h, uint32_t domid,
			       uint32_t mode, uint32_t *nr,
			       struct numaclaims_claim *set)
{
	uint64_t want[NODES] = { 0 }, host = 0, total = 0, unclaimed = 0;
	uint32_t i;
	int n;

	(void)h;
	if (domid != DOM || mode != NUMACLAIMS_CLAIM_SET)
		return -EINVAL;
	installs++;
	if (fail_errno) {
		int e = fail_errno;

		fail_errno = 0;
		return -e;
	}
	if (lose > 0) {
		lose--;
		return -ENOMEM;
	}
	/* another builder wins the race: it claims on the first planned node */
	if (steals > 0 && set[0].target < NODES) {
		steals--;
		others[set[0].target] += steal_pages;
	}
	for (i = 0; i < *nr; i++) {
		if (set[i].target == NUMACLAIMS_TARGET_HOST)
			host = set[i].pages;
		else if (set[i].target < NODES)
			want[set[i].target] = set[i].pages;
		else
			return -EINVAL;
		total += set[i].pages;
	}
	for (n = 0; n < NODES; n++) {
		if (want[n] > avail[n] - others[n])	/* own claim counts as free */
			return -ENOMEM;
		unclaimed += avail[n];
	}
	unclaimed -= others[0] + others[1] + others_host;
	if (total > max_pages)
		return -EINVAL;
	if (total > unclaimed)
		return -ENOMEM;
	for (n = 0; n < NODES; n++)
		mine[n] = want[n];
	mine_host = host;
	return 0;
}

static void reset(uint64_t a0, uint64_t a1)
{
	avail[0] = a0;
	avail[1] = a1;
	others[0] = others[1] = others_host = 0;
	mine[0] = mine[1] = mine_host = 0;
	max_pages = ~0ULL;
	steals = 0;
	steal_pages = 0;
	lose = 0;
	installs = reads = 0;
	fail_errno = 0;
}

int main(void)
{
	struct claims_handle h = { 0 };
	struct claims_plan_request r = { .cpu_node = 0 };
	struct claims_plan p, zero;
	int ret;

	printf("TAP version 13\n");
	memset(&zero, 0, sizeof(zero));

	/* no race: one plan, one install */
	reset(1000, 1000);
	r.pages = 600;
	ret = claims_build_claim(&h, DOM, &r, &p);
	tap(ret == 0 && p.attempts == 1 && installs == 1 && mine[0] == 600 &&
	    p.nr_entries == 1 && p.set[0].target == 0,
	    "no race: node 0 installed at the first attempt (ret %d, attempts %u)",
	    ret, p.attempts);

	/* one lost race: node 0 is taken; the re-plan from fresh state goes to node 1 */
	reset(1000, 1000);
	steals = 1;
	steal_pages = 500;
	ret = claims_build_claim(&h, DOM, &r, &p);
	tap(ret == 0 && p.attempts == 2 && installs == 2 && mine[0] == 0 &&
	    mine[1] == 600 && p.kind == CLAIMS_PLAN_ONE_NODE && p.nodemask == 2 &&
	    p.cpu_nodemask == 1,
	    "lost race: re-planned from fresh state onto node 1 (ret %d, attempts %u, installs %d)",
	    ret, p.attempts, installs);
	tap(reads >= 2, "lost race: the host was read again before the second plan (%d reads)",
	    reads);

	/* two lost races: both single nodes taken, the third plan spans both */
	reset(1000, 1000);
	steals = 2;
	steal_pages = 700;
	r.pages = 500;
	ret = claims_build_claim(&h, DOM, &r, &p);
	tap(ret == 0 && p.attempts == 3 && mine[0] == 300 && mine[1] == 200 &&
	    p.kind == CLAIMS_PLAN_NODES,
	    "two lost races: the third plan is node 0's 300 + node 1's 200 (ret %d, attempts %u, %" PRIu64 "+%" PRIu64 ")",
	    ret, p.attempts, mine[0], mine[1]);

	/* losing every race: bounded, nothing installed, old claims kept */
	reset(100000, 100000);
	mine[1] = 123;		/* the domain's current claim set */
	lose = 1000;
	r.pages = 600;
	r.max_attempts = 5;
	ret = claims_build_claim(&h, DOM, &r, &p);
	zero.attempts = 5;
	tap(ret == -ENOMEM && installs == 5 && !memcmp(&p, &zero, sizeof(p)),
	    "every race lost: -ENOMEM after max_attempts 5 installs, the plan empty but attempts (ret %d, installs %d)",
	    ret, installs);
	tap(mine[1] == 123 && mine[0] == 0 && mine_host == 0,
	    "every race lost: the domain keeps its previous claims");
	r.max_attempts = 0;
	reset(100000, 100000);
	lose = 1000;
	ret = claims_build_claim(&h, DOM, &r, &p);
	tap(ret == -ENOMEM && installs == CLAIMS_PLAN_ATTEMPTS,
	    "max_attempts 0: the default bound, %d installs (got %d)",
	    CLAIMS_PLAN_ATTEMPTS, installs);

	/* the race leaves nothing: the re-plan refuses without installing */
	reset(1000, 1000);
	steals = 1;
	steal_pages = 1000;
	others[1] = 1000;
	r.pages = 600;
	ret = claims_build_claim(&h, DOM, &r, &p);
	zero.attempts = 1;
	tap(ret == -ENOMEM && installs == 1 && !memcmp(&p, &zero, sizeof(p)),
	    "race leaves nothing: refused by the re-plan, 1 install tried (ret %d, installs %d)",
	    ret, installs);

	/* another error is returned at once, never retried */
	reset(1000, 1000);
	fail_errno = EPERM;
	ret = claims_build_claim(&h, DOM, &r, &p);
	tap(ret == -EPERM && installs == 1, "EPERM from the install: returned at once (installs %d)",
	    installs);
	reset(1000, 1000);
	max_pages = 100;
	ret = claims_build_claim(&h, DOM, &r, &p);
	tap(ret == -EINVAL && installs == 1,
	    "a set above max_pages: EINVAL at once, not retried (installs %d)", installs);

	/* the domain's own claims count as free when it plans again */
	reset(1000, 1000);
	others[0] = 200;
	mine[0] = 700;		/* node 0: 1000 avail, 900 claimed, 700 of them ours */
	r.pages = 750;
	ret = claims_build_claim(&h, DOM, &r, &p);
	tap(ret == 0 && mine[0] == 750 && mine[1] == 0 && p.kind == CLAIMS_PLAN_ONE_NODE,
	    "re-claiming: the domain's own 700 on node 0 count as free, 750 fit there (%" PRIu64 ", %" PRIu64 ")",
	    mine[0], mine[1]);

	/* bad input changes nothing */
	reset(1000, 1000);
	r.pages = 100;
	tap(claims_build_claim(&h, 0, &r, &p) == -EINVAL && !installs,
	    "domid 0: EINVAL, nothing installed");
	tap(claims_build_claim(&h, DOM, NULL, &p) == -EINVAL && !installs,
	    "NULL request: EINVAL");
	tap(claims_build_claim(&h, DOM, &r, NULL) == -EINVAL && !installs, "NULL plan: EINVAL");
	r.max_attempts = CLAIMS_PLAN_MAX_ATTEMPTS + 1;
	tap(claims_build_claim(&h, DOM, &r, &p) == -EINVAL && !installs && !reads,
	    "max_attempts above the limit: EINVAL before reading anything");
	r.max_attempts = 0;
	tap(claims_build_claim(&h, DOM + 1, &r, &p) == -ESRCH && !installs,
	    "no such domain: ESRCH, nothing installed");
	r.pages = 0;
	tap(claims_build_claim(&h, DOM, &r, &p) == -EINVAL && !installs, "0 pages: EINVAL");

	return tap_end();
}
