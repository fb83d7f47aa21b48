// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libclaims: the builder planner.  claims_plan_compute() is pure (a
 * topology and a request in, a plan out) so that the unit tests can feed it
 * any topology; claims_plan_topology_read() reads the live host and
 * claims_build_claim() is the lock-free plan/install/re-plan loop.  The
 * rules are in claims.h.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numa.h>

#include "claims.h"

/* LIBCLAIMS_1.4's policy and pad were 1.3's reserved[0]: the size is 1.3's. */
_Static_assert(sizeof(struct claims_plan_request) == 72 &&
	       offsetof(struct claims_plan_request, policy) == 40,
	       "struct claims_plan_request keeps libclaims 1.3's layout");

/* Parts are whole 2 MiB (order-9 extents) where a node's room allows. */
#define PL_ALIGN	512ULL
/* Candidate counts up to this are searched exhaustively (2^16 sets). */
#define PL_EXACT_MAX	16

struct pl {
	const struct claims_plan_topology *t;
	const struct claims_plan_request *r;
	int cpu;			/* cpu_node or -1 */
	int sp;				/* CLAIMS_PLAN_SUPERPAGES: whole 2 MiB */
	uint32_t max_nodes;
	const uint32_t *ncpu;		/* what @vcpus counts: cores or CPUs */
	int cand[NUMACLAIMS_MAX_NODES];	/* nodes that may take memory */
	int nc;
};

/* The cost of a set: the worst and the sum of its CPU-to-memory distances. */
struct pl_cost {
	uint32_t worst;
	uint64_t sum;
	uint64_t free;
	uint64_t mask;
};

static uint32_t dist(const struct pl *pl, int a, int b)
{
	return pl->t->distance[a][b];
}

static int popcount64(uint64_t m)
{
	return __builtin_popcountll(m);
}

static void set_cost(const struct pl *pl, uint64_t mask, struct pl_cost *c)
{
	int i, j;

	memset(c, 0, sizeof(*c));
	c->mask = mask;
	for (i = 0; i < (int)pl->t->nr_nodes; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		c->free += pl->t->free_pages[i];
		if (pl->cpu >= 0) {
			uint32_t d = dist(pl, pl->cpu, i);

			c->worst = d > c->worst ? d : c->worst;
			c->sum += d;
			continue;
		}
		if (popcount64(mask) == 1) {
			c->worst = dist(pl, i, i);
			continue;
		}
		for (j = 0; j < (int)pl->t->nr_nodes; j++) {
			uint32_t d;

			if (j == i || !(mask & (1ULL << j)))
				continue;
			d = dist(pl, i, j);
			c->worst = d > c->worst ? d : c->worst;
			c->sum += d;
		}
	}
}

/* a better than b: closer, then closer in sum, then more room, then lower ids. */
static int cost_better(const struct pl_cost *a, const struct pl_cost *b)
{
	if (a->worst != b->worst)
		return a->worst < b->worst;
	if (a->sum != b->sum)
		return a->sum < b->sum;
	if (a->free != b->free)
		return a->free > b->free;
	return a->mask < b->mask;
}

static int set_fits(const struct pl *pl, uint64_t mask, const struct pl_cost *c)
{
	const struct claims_plan_request *r = pl->r;
	uint64_t cpus = 0;
	int i;

	if (c->free < r->pages)
		return 0;
	if (r->max_distance && c->worst > r->max_distance)
		return 0;
	if (pl->cpu < 0 && r->vcpus) {
		for (i = 0; i < (int)pl->t->nr_nodes; i++)
			if (mask & (1ULL << i))
				cpus += pl->ncpu[i];
		if (cpus < r->vcpus)
			return 0;
	}
	return 1;
}

/* Sum of the @k largest values of @v[cand]: a bound for pruning sizes. */
static uint64_t top_k_sum(const struct pl *pl, int k, int use_cpus)
{
	uint64_t v[NUMACLAIMS_MAX_NODES], sum = 0, x;
	int i, j;

	for (i = 0; i < pl->nc; i++) {
		x = use_cpus ? pl->ncpu[pl->cand[i]] :
			       pl->t->free_pages[pl->cand[i]];
		for (j = i; j > 0 && v[j - 1] < x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	for (i = 0; i < k && i < pl->nc; i++)
		sum += v[i];
	return sum;
}

/* Exhaustive: the best fitting set of exactly @k candidates, or 0. */
static uint64_t best_exact(const struct pl *pl, int k)
{
	struct pl_cost best = { 0 }, c;
	uint64_t v, mask, found = 0;
	int i;

	/* every k-subset of the candidate indices (Gosper's hack) */
	for (v = (1ULL << k) - 1; v < (1ULL << pl->nc);) {
		uint64_t t = v | (v - 1);

		mask = 0;
		for (i = 0; i < pl->nc; i++)
			if (v & (1ULL << i))
				mask |= 1ULL << pl->cand[i];
		set_cost(pl, mask, &c);
		if (set_fits(pl, mask, &c) && (!found || cost_better(&c, &best))) {
			best = c;
			found = mask;
		}
		if (k == pl->nc)
			break;
		v = (t + 1) | (((~t & -~t) - 1) >> (__builtin_ctzll(v) + 1));
	}
	return found;
}

/*
 * Greedy, for many candidates: each candidate seeds a set of @k that grows
 * by the candidate keeping the set closest among those after which the
 * largest remaining candidates can still complete it (memory and vCPUs);
 * the best fitting set of size @k seen, or 0.
 */
static uint64_t best_greedy(const struct pl *pl, int k)
{
	const struct claims_plan_topology *t = pl->t;
	uint64_t need_cpus = pl->cpu < 0 ? pl->r->vcpus : 0, found = 0;
	int byfree[NUMACLAIMS_MAX_NODES], bycpu[NUMACLAIMS_MAX_NODES];
	struct pl_cost best = { 0 }, c;
	int s, i, j;

	/* candidates by free pages and by CPUs, largest first */
	for (i = 0; i < pl->nc; i++) {
		int x = pl->cand[i];

		for (j = i; j > 0 && t->free_pages[byfree[j - 1]] < t->free_pages[x]; j--)
			byfree[j] = byfree[j - 1];
		byfree[j] = x;
		for (j = i; j > 0 && pl->ncpu[bycpu[j - 1]] < pl->ncpu[x]; j--)
			bycpu[j] = bycpu[j - 1];
		bycpu[j] = x;
	}
	for (s = 0; s < pl->nc; s++) {
		uint64_t mask = 1ULL << pl->cand[s];
		int size;

		for (size = 1; size < k; size++) {
			struct pl_cost nb = { 0 };
			uint64_t next = 0;

			for (i = 0; i < pl->nc; i++) {
				uint64_t m = mask | (1ULL << pl->cand[i]), mem = 0, cpus = 0;
				int more = k - size - 1, got;

				if (m == mask)
					continue;
				/* can the largest others still complete it? */
				for (j = 0; j < pl->nc; j++)
					if (m >> pl->cand[j] & 1) {
						mem += t->free_pages[pl->cand[j]];
						cpus += pl->ncpu[pl->cand[j]];
					}
				for (j = 0, got = 0; j < pl->nc && got < more; j++)
					if (!(m >> byfree[j] & 1)) {
						mem += t->free_pages[byfree[j]];
						got++;
					}
				for (j = 0, got = 0; need_cpus && j < pl->nc && got < more; j++)
					if (!(m >> bycpu[j] & 1)) {
						cpus += pl->ncpu[bycpu[j]];
						got++;
					}
				if (mem < pl->r->pages || cpus < need_cpus)
					continue;
				set_cost(pl, m, &c);
				if (!next || cost_better(&c, &nb)) {
					nb = c;
					next = m;
				}
			}
			if (!next)
				break;
			mask = next;
		}
		if (size < k)
			continue;
		set_cost(pl, mask, &c);
		if (set_fits(pl, mask, &c) && (!found || cost_better(&c, &best))) {
			best = c;
			found = mask;
		}
	}
	return found;
}

/* Rule 2's fill order: a before b? */
static int fill_before(const struct pl *pl, int a, int b)
{
	const uint64_t *f = pl->t->free_pages;

	if (pl->cpu >= 0) {
		uint32_t da = dist(pl, pl->cpu, a), db = dist(pl, pl->cpu, b);

		if (da != db)
			return da < db;
		if (f[a] != f[b])
			return f[a] > f[b];
		return a < b;
	}
	/* even split: the node with the least room first */
	if (f[a] != f[b])
		return f[a] < f[b];
	return a < b;
}

static int order_nodes(const struct pl *pl, uint64_t mask, int *out)
{
	int i, j, n = 0;

	for (i = 0; i < (int)pl->t->nr_nodes; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		for (j = n; j > 0 && fill_before(pl, i, out[j - 1]); j--)
			out[j] = out[j - 1];
		out[j] = i;
		n++;
	}
	return n;
}

/* Rule 3's order: nearest to cpu_node as fill_before(), else most room. */
static int spread_before(const struct pl *pl, int a, int b)
{
	const uint64_t *f = pl->t->free_pages;

	if (pl->cpu >= 0)
		return fill_before(pl, a, b);
	if (f[a] != f[b])
		return f[a] > f[b];
	return a < b;
}

/* Split r->pages over @mask (which can take it) into part[node]. */
static void split(const struct pl *pl, uint64_t mask, uint64_t *part)
{
	const uint64_t *f = pl->t->free_pages;
	uint64_t left = pl->r->pages, rest_free = 0, p;
	int ord[NUMACLAIMS_MAX_NODES], n, i;

	n = order_nodes(pl, mask, ord);
	for (i = 0; i < n; i++)
		rest_free += f[ord[i]];
	for (i = 0; i < n && left; i++) {
		uint64_t room = f[ord[i]];

		rest_free -= room;
		if (pl->cpu >= 0) {
			/* nearest first, as much as it has */
			p = room < left ? room : left;
			if (p < left && (p & ~(PL_ALIGN - 1)) &&
			    rest_free >= left - (p & ~(PL_ALIGN - 1)))
				p &= ~(PL_ALIGN - 1);
		} else {
			/* evenly: a share rounded up to 2 MiB, least room first */
			uint64_t share = (left + (n - i) - 1) / (n - i);

			/*
			 * rounded up unless that leaves the next nodes nothing
			 * (superpages: always, rooms and size are whole 2 MiB)
			 */
			if (pl->sp ||
			    ((share + PL_ALIGN - 1) & ~(PL_ALIGN - 1)) < left)
				share = (share + PL_ALIGN - 1) & ~(PL_ALIGN - 1);
			p = room < share ? room : share;
			p = p < left ? p : left;
		}
		part[ord[i]] = p;
		left -= p;
	}
}

/* @cmd: the node entries' (NUMACLAIMS_CLAIM_SUPERPAGES for superpages). */
static void emit(struct claims_plan *p, const uint64_t *part, uint64_t host,
		 uint32_t cmd)
{
	int n;

	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		if (!part[n])
			continue;
		p->set[p->nr_entries++] = (struct numaclaims_claim){
			.pages = part[n], .target = (uint32_t)n, .cmd = cmd };
		p->nodemask |= 1ULL << n;
	}
	if (host) {
		p->set[p->nr_entries++] = (struct numaclaims_claim){
			.pages = host, .target = NUMACLAIMS_TARGET_HOST };
		p->host_pages = host;
	}
}

static int check_input(const struct claims_plan_topology *t,
		       const struct claims_plan_request *r)
{
	uint64_t all, look;
	int a, b, i;

	if (!t || !r || !r->pages || (r->flags & ~CLAIMS_PLAN_FLAGS))
		return -EINVAL;
	if (r->policy > CLAIMS_PLAN_POLICY_MAX || r->pad)
		return -EINVAL;
	for (i = 0; i < 3; i++)
		if (r->reserved[i])
			return -EINVAL;
	/* superpages: whole 2 MiB, on nodes only (no host-wide part) */
	if ((r->flags & CLAIMS_PLAN_SUPERPAGES) &&
	    ((r->flags & CLAIMS_PLAN_SPREAD) ||
	     r->pages % NUMACLAIMS_SUPERPAGE_PAGES))
		return -EINVAL;
	if (!t->nr_nodes || t->nr_nodes > NUMACLAIMS_MAX_NODES || t->pad)
		return -EINVAL;
	all = t->nr_nodes == 64 ? ~0ULL : (1ULL << t->nr_nodes) - 1;
	if ((t->pool_nodes & ~all) || (r->allowed_nodes & ~all))
		return -EINVAL;
	if (r->cpu_node < CLAIMS_PLAN_NO_NODE ||
	    r->cpu_node >= (int32_t)t->nr_nodes)
		return -EINVAL;
	if (r->max_nodes > NUMACLAIMS_MAX_NODES ||
	    r->max_attempts > CLAIMS_PLAN_MAX_ATTEMPTS)
		return -EINVAL;
	for (i = 0; i < (int)t->nr_nodes; i++)
		if (t->free_pages[i] && !(t->pool_nodes & (1ULL << i)))
			return -EINVAL;
	/* every distance a plan may read: between pool nodes, from cpu_node */
	look = t->pool_nodes;
	for (a = 0; a < (int)t->nr_nodes; a++) {
		if (!(look & (1ULL << a)))
			continue;
		for (b = 0; b < (int)t->nr_nodes; b++)
			if ((look & (1ULL << b)) && !t->distance[a][b])
				return -EINVAL;
		if (r->cpu_node >= 0 && !t->distance[r->cpu_node][a])
			return -EINVAL;
	}
	return 0;
}

/* Rules 1 and 2 with @pl->ncpu counting the vCPUs' CPUs: 1 and @p, or 0. */
static int plan_nodes(struct pl *pl, struct claims_plan *p)
{
	uint64_t part[NUMACLAIMS_MAX_NODES] = { 0 };
	const struct claims_plan_request *r = pl->r;
	int k;

	for (k = 1; k <= pl->nc && k <= (int)pl->max_nodes; k++) {
		uint64_t mask;

		if (top_k_sum(pl, k, 0) < r->pages ||
		    (pl->cpu < 0 && r->vcpus && top_k_sum(pl, k, 1) < r->vcpus))
			continue;
		mask = pl->nc > PL_EXACT_MAX ? best_greedy(pl, k) : best_exact(pl, k);
		if (!mask)
			continue;
		split(pl, mask, part);
		emit(p, part, 0, pl->sp ? NUMACLAIMS_CLAIM_SUPERPAGES : 0);
		p->nodemask = mask;	/* also a node only there for its CPUs */
		p->kind = k == 1 ? CLAIMS_PLAN_ONE_NODE : CLAIMS_PLAN_NODES;
		return 1;
	}
	return 0;
}

int claims_plan_compute(const struct claims_plan_topology *t,
			const struct claims_plan_request *r,
			struct claims_plan *p)
{
	return claims_plan_compute_cores(t, NULL, r, p);
}

static int plan_compute(const struct claims_plan_topology *t,
			const uint32_t *cores,
			const struct claims_plan_request *r,
			struct claims_plan *p);

/*
 * CLAIMS_PLAN_SUPERPAGES: the same rules on a copy of @t whose free_pages
 * (the nodes' unclaimed superpages) are whole 2 MiB and whose host-wide
 * room is their sum (superpage claims are not in the host's 4 KiB total).
 */
int claims_plan_compute_cores(const struct claims_plan_topology *t,
			      const uint32_t *cores,
			      const struct claims_plan_request *r,
			      struct claims_plan *p)
{
	struct claims_plan_topology *c;
	uint32_t n;
	int ret;

	if (!t || !r || !(r->flags & CLAIMS_PLAN_SUPERPAGES) ||
	    !t->nr_nodes || t->nr_nodes > NUMACLAIMS_MAX_NODES)
		return plan_compute(t, cores, r, p);
	c = malloc(sizeof(*c));
	if (!c) {
		if (p)
			memset(p, 0, sizeof(*p));
		return -ENOMEM;
	}
	*c = *t;
	c->host_free_pages = 0;
	for (n = 0; n < c->nr_nodes; n++) {
		c->free_pages[n] &= ~((uint64_t)NUMACLAIMS_SUPERPAGE_PAGES - 1);
		c->host_free_pages += c->free_pages[n];
	}
	ret = plan_compute(c, cores, r, p);
	free(c);
	return ret;
}

static int plan_compute(const struct claims_plan_topology *t,
			const uint32_t *cores,
			const struct claims_plan_request *r,
			struct claims_plan *p)
{
	uint64_t allowed, eligible = 0;
	uint64_t part[NUMACLAIMS_MAX_NODES] = { 0 };
	struct pl pl = { .t = t, .r = r };
	struct pl_cost c;
	int ret, i, n, smt = 0;

	if (!p)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	ret = check_input(t, r);
	if (ret)
		return ret;
	for (n = 0; cores && n < (int)t->nr_nodes; n++) {
		if (cores[n] > t->cpus[n] || (t->cpus[n] && !cores[n]))
			return -EINVAL;
		smt |= cores[n] < t->cpus[n];
	}
	pl.cpu = r->cpu_node;
	pl.sp = !!(r->flags & CLAIMS_PLAN_SUPERPAGES);
	pl.max_nodes = r->max_nodes ? r->max_nodes : NUMACLAIMS_MAX_NODES;
	allowed = t->pool_nodes & (r->allowed_nodes ? r->allowed_nodes : ~0ULL);
	if (!allowed)
		return -ENOENT;
	for (n = 0; n < (int)t->nr_nodes; n++) {
		if (!(allowed & (1ULL << n)))
			continue;
		if (pl.cpu >= 0 && r->max_distance &&
		    dist(&pl, pl.cpu, n) > r->max_distance)
			continue;
		eligible |= 1ULL << n;
		if (t->free_pages[n])
			pl.cand[pl.nc++] = n;
	}
	if (r->pages > t->host_free_pages)
		return -ENOMEM;

	/*
	 * rules 1 and 2: the fewest nodes, the closest set of that size; with
	 * vCPUs first a set with a physical core for each, then (or with the
	 * memory-only policy only) one with a logical CPU for each
	 */
	if (smt && r->vcpus && pl.cpu < 0 &&
	    r->policy == CLAIMS_PLAN_POLICY_CORES) {
		pl.ncpu = cores;
		if (plan_nodes(&pl, p))
			goto done;
	}
	pl.ncpu = t->cpus;
	if (plan_nodes(&pl, p))
		goto done;

	/* rule 3: what the nearest (or roomiest) nodes have, the rest host-wide */
	if (!(r->flags & CLAIMS_PLAN_SPREAD))
		return -ENOMEM;
	{
		uint64_t left = r->pages, mask = 0;
		int ord[NUMACLAIMS_MAX_NODES], used = 0, j;

		for (i = 0; i < pl.nc; i++) {
			for (j = i; j > 0 && spread_before(&pl, pl.cand[i], ord[j - 1]); j--)
				ord[j] = ord[j - 1];
			ord[j] = pl.cand[i];
		}
		for (i = 0; i < pl.nc && left && used < (int)pl.max_nodes; i++) {
			uint64_t m = mask | (1ULL << ord[i]), take;

			set_cost(&pl, m, &c);
			if (r->max_distance && c.worst > r->max_distance)
				continue;
			take = t->free_pages[ord[i]] & ~(PL_ALIGN - 1);
			take = take < left ? take : left;
			if (!take)
				continue;
			part[ord[i]] = take;
			left -= take;
			mask = m;
			used++;
		}
		emit(p, part, left, 0);
		p->kind = CLAIMS_PLAN_HOST_SPREAD;
	}
done:
	/* the distance of the node parts, before a spread's mask may widen */
	if (p->nodemask) {
		set_cost(&pl, p->nodemask, &c);
		p->distance = c.worst;
	} else {
		p->nodemask = eligible ? eligible : allowed;
	}
	p->cpu_nodemask = pl.cpu >= 0 ? 1ULL << pl.cpu : p->nodemask;
	return 0;
}

/* ---- the live host ---- */

int claims_plan_topology_read(struct claims_handle *h, uint32_t domid,
			      struct claims_plan_topology *t)
{
	return claims_plan_topology_read_flags(h, domid, 0, t);
}

int claims_plan_topology_read_flags(struct claims_handle *h, uint32_t domid,
				    uint32_t flags,
				    struct claims_plan_topology *t)
{
	struct numaclaims_host_info hi;
	struct numaclaims_domain_info di;
	int ret, a, b, numa;
	uint32_t n;

	if (!t || (flags & ~CLAIMS_PLAN_FLAGS))
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	ret = claims_physinfo(h, &hi);
	if (ret)
		return ret;
	memset(&di, 0, sizeof(di));
	if (domid) {
		ret = claims_domain_getinfo(h, domid, &di);
		if (ret)
			return ret;
	}
	t->nr_nodes = hi.nr_nodes ? hi.nr_nodes : 1;
	if (t->nr_nodes > NUMACLAIMS_MAX_NODES)
		t->nr_nodes = NUMACLAIMS_MAX_NODES;
	for (n = 0; n < t->nr_nodes; n++) {
		const struct numaclaims_node_info *ni = &hi.nodes[n];
		uint64_t claimed;

		if (!ni->has_pool)
			continue;
		t->pool_nodes |= 1ULL << n;
		/* the two snapshots differ if a recall came in between */
		claimed = ni->outstanding_claims > di.claims[n] ?
			  ni->outstanding_claims - di.claims[n] : 0;
		t->free_pages[n] = ni->avail_pages > claimed ?
				   ni->avail_pages - claimed : 0;
		/* what a claim may grow the pool by (grow on claim) */
		t->free_pages[n] += hi.growable_pages[n];
		if (flags & CLAIMS_PLAN_SUPERPAGES) {
			const struct numaclaims_node_superpages *sp =
				&hi.superpages[n];

			claimed = sp->outstanding_claims > di.superpage_claims[n] ?
				  sp->outstanding_claims - di.superpage_claims[n] : 0;
			t->free_pages[n] = sp->free_pages > claimed ?
					   sp->free_pages - claimed : 0;
			t->host_free_pages += t->free_pages[n];
		}
	}
	if (!(flags & CLAIMS_PLAN_SUPERPAGES)) {
		uint64_t claimed = hi.outstanding_claims > di.outstanding_pages ?
				   hi.outstanding_claims - di.outstanding_pages : 0;

		t->host_free_pages = hi.total_avail_pages > claimed ?
				     hi.total_avail_pages - claimed : 0;
		t->host_free_pages += hi.total_growable_pages;
	}

	numa = numa_available() >= 0;
	for (a = 0; a < (int)t->nr_nodes; a++) {
		for (b = 0; b < (int)t->nr_nodes; b++) {
			int d = numa && a <= numa_max_node() && b <= numa_max_node() ?
				numa_distance(a, b) : 0;

			t->distance[a][b] = d > 0 ? (uint32_t)d : a == b ? 10 : 20;
		}
		if (numa && a <= numa_max_node()) {
			struct bitmask *cpus = numa_allocate_cpumask();

			if (cpus && !numa_node_to_cpus(a, cpus))
				t->cpus[a] = numa_bitmask_weight(cpus);
			if (cpus)
				numa_free_cpumask(cpus);
		}
	}
	if (!numa) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);

		t->cpus[0] = online > 0 ? (uint32_t)online : 1;
	}
	return 0;
}

/* ---- exact claims for migration and restore ---- */

int claims_plan_like(const struct numaclaims_domain_info *orig,
		     struct claims_plan *p)
{
	uint64_t part[NUMACLAIMS_MAX_NODES] = { 0 }, host, total = 0, mem = 0;
	int n, one = -1, nodes = 0;

	if (!p)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	if (!orig || orig->node_claims > orig->outstanding_pages)
		return -EINVAL;
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		if (orig->node_pages[n]) {
			one = n;
			nodes++;
		}
		mem += orig->node_pages[n];
	}
	/* uncounted pages never take a claim: only their node's are known */
	if (orig->uncounted_pages && (nodes != 1 || orig->uncounted_pages > mem))
		return -EINVAL;
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		part[n] = orig->node_pages[n] + orig->claims[n];
		if (n == one)
			part[n] -= orig->uncounted_pages;
		if (part[n] < orig->claims[n] || total + part[n] < total)
			return -EINVAL;		/* overflow */
		total += part[n];
	}
	host = orig->outstanding_pages - orig->node_claims;
	if (total + host < total || !(total + host))
		return -EINVAL;
	emit(p, part, host, 0);
	p->cpu_nodemask = p->nodemask;
	p->kind = host ? CLAIMS_PLAN_HOST_SPREAD :
		  popcount64(p->nodemask) == 1 ? CLAIMS_PLAN_ONE_NODE :
		  CLAIMS_PLAN_NODES;
	return 0;
}

int claims_build_like(struct claims_handle *h, uint32_t domid,
		      const struct numaclaims_domain_info *orig,
		      struct claims_plan *p)
{
	uint32_t nr;
	int ret;

	ret = claims_plan_like(orig, p);
	if (ret)
		return ret;
	nr = p->nr_entries;
	ret = claims_domain_claim_memory(h, domid, NUMACLAIMS_CLAIM_SET, &nr, p->set);
	if (ret) {
		memset(p, 0, sizeof(*p));
		return ret;
	}
	p->attempts = 1;
	return 0;
}

/* ---- physical cores from sysfs ---- */

/* CPU numbers claims_node_cores() handles (Linux's largest NR_CPUS). */
#define PL_MAX_CPUS	8192
#define PL_WORDS	(PL_MAX_CPUS / 64)
/* A list file of 8192 CPUs, each on its own ("0,2,4,...,8190"), fits. */
#define PL_LIST_LEN	(64 * 1024)

/* ROOT/@rel into @buf (NUL-terminated, trailing newline dropped). */
static int read_sysfs(const char *root, const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t got, n = 0;
	int fd, err;

	if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)n < len - 1) {
		got = read(fd, buf + n, len - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			close(fd);
			return err;
		}
		if (!got)
			break;
		n += got;
	}
	close(fd);
	if ((size_t)n == len - 1)
		return -E2BIG;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return 0;
}

/* "0-3,8,10-11" (sysfs' cpulist format; "" is empty) into @bits. */
static int parse_cpulist(const char *s, uint64_t *bits)
{
	memset(bits, 0, PL_WORDS * sizeof(*bits));
	while (*s) {
		unsigned long a, b;
		char *end;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		errno = 0;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (errno || b < a)
			return -EINVAL;
		if (b >= PL_MAX_CPUS)
			return -E2BIG;
		for (; a <= b; a++)
			bits[a / 64] |= 1ULL << (a % 64);
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		s = end;
	}
	return 0;
}

int claims_node_cores(const char *sysfs_root, int node)
{
	uint64_t cpus[PL_WORDS], sib[PL_WORDS];
	char rel[96], *buf;
	int ret, c, d, cores = 0;

	if (node < 0)
		return -EINVAL;
	if (!sysfs_root || !*sysfs_root)
		sysfs_root = CLAIMS_SYSFS_ROOT;
	buf = malloc(PL_LIST_LEN);
	if (!buf)
		return -ENOMEM;
	snprintf(rel, sizeof(rel), "devices/system/node/node%d/cpulist", node);
	ret = read_sysfs(sysfs_root, rel, buf, PL_LIST_LEN);
	if (!ret)
		ret = parse_cpulist(buf, cpus);
	for (c = 0; !ret && c < PL_MAX_CPUS; c++) {
		int first = 1;

		if (!(cpus[c / 64] >> (c % 64) & 1))
			continue;
		snprintf(rel, sizeof(rel),
			 "devices/system/cpu/cpu%d/topology/core_cpus_list", c);
		ret = read_sysfs(sysfs_root, rel, buf, PL_LIST_LEN);
		if (ret == -ENOENT) {
			snprintf(rel, sizeof(rel),
				 "devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
			ret = read_sysfs(sysfs_root, rel, buf, PL_LIST_LEN);
		}
		if (ret == -ENOENT) {
			ret = 0;	/* no topology: a core of its own */
			cores++;
			continue;
		}
		if (!ret)
			ret = parse_cpulist(buf, sib);
		/* a core once: at the first of its threads on this node */
		for (d = 0; !ret && d < c; d++)
			if ((sib[d / 64] & cpus[d / 64]) >> (d % 64) & 1)
				first = 0;
		cores += first;
	}
	free(buf);
	return ret ? ret : cores;
}

int claims_plan(struct claims_handle *h, uint32_t domid,
		const struct claims_plan_request *r, struct claims_plan *p)
{
	struct claims_plan_topology t;
	uint32_t cores[NUMACLAIMS_MAX_NODES];
	int ret, n, c;

	if (!p)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	ret = claims_plan_topology_read_flags(h, domid, r ?
				r->flags & CLAIMS_PLAN_SUPERPAGES : 0, &t);
	if (ret)
		return ret;
	for (n = 0; n < (int)t.nr_nodes; n++) {
		c = t.cpus[n] ? claims_node_cores(NULL, n) : 0;
		/* unreadable, or not what libnuma counted: every CPU a core */
		cores[n] = c > 0 && (uint32_t)c <= t.cpus[n] ? (uint32_t)c : t.cpus[n];
	}
	return claims_plan_compute_cores(&t, cores, r, p);
}

int claims_build_claim(struct claims_handle *h, uint32_t domid,
		       const struct claims_plan_request *r,
		       struct claims_plan *p)
{
	uint32_t attempts, a, nr, tried = 0;
	int ret = -ENOMEM;

	if (!p)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	if (!r || !domid || r->max_attempts > CLAIMS_PLAN_MAX_ATTEMPTS)
		return -EINVAL;
	attempts = r->max_attempts ? r->max_attempts : CLAIMS_PLAN_ATTEMPTS;
	for (a = 1; a <= attempts; a++) {
		ret = claims_plan(h, domid, r, p);
		if (ret)
			break;		/* nothing fits the host as it is now */
		p->attempts = ++tried;
		nr = p->nr_entries;
		ret = claims_domain_claim_memory(h, domid, NUMACLAIMS_CLAIM_SET,
						 &nr, p->set);
		if (ret != -ENOMEM)
			break;
		/* lost the race: let the winner run, then plan again */
		sched_yield();
	}
	if (ret) {
		memset(p, 0, sizeof(*p));
		p->attempts = tried;
	}
	return ret;
}
