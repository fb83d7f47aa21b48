// SPDX-License-Identifier: GPL-2.0
/*
 * A deliberately naive reference model of the claims accounting, written
 * from docs/SPEC.md and the engine's documented decisions (not from the
 * engine's code), for the randomised differential test.  It models the
 * counters only; which buddy block is used is left to the engine, the
 * model only asks whether a node's buddy has a free block of the order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <inttypes.h>

#include "tl.h"

#define FMT64 "%" PRIu64

static bool pool(const struct tl_model *m, u64 node)
{
	return node < CE_MAX_NODES && (m->pool_mask & BIT_ULL(node));
}

void tl_model_init(struct tl_model *m, const struct tl *t)
{
	u32 n;

	memset(m, 0, sizeof(*m));
	m->nr_nodes = t->h.nr_nodes;
	m->pool_mask = t->h.nodes_with_pool;
	for (n = 0; n < CE_MAX_NODES; n++) {
		m->reserved[n] = t->h.node[n].reserved_pages;
		m->avail[n] = t->h.node[n].avail_pages;
		m->offlined[n] = t->h.node[n].offlined_pages;
		m->total += m->avail[n];
		m->sp_reserved[n] = t->base.sp_reserved[n];
		m->sp_avail[n] = t->base.sp_reserved[n];
	}
}

void tl_model_create(struct tl_model *m, int i, u64 max, u64 seq,
		     const struct ce_domain *engine_d)
{
	struct tl_mdom *d = &m->d[i];

	memset(d, 0, sizeof(*d));
	d->live = true;
	d->seq = seq;
	d->max = max;
	d->affinity = m->pool_mask;
	/* Where round robin starts is the engine's choice; take it. */
	d->last = engine_d->last_alloc_node;
}

static u64 sum_nodes(const u64 *per_node)
{
	u64 s = 0;
	u32 n;

	for (n = 0; n < CE_MAX_NODES; n++)
		s += per_node[n];
	return s;
}

/* Superpage claims, in superpages. */
static u64 sp_claimed(const struct tl_mdom *d)
{
	return sum_nodes(d->sp_claims);
}

static u64 outstanding(const struct tl_mdom *d)
{
	return d->host + sum_nodes(d->claims);
}

void tl_model_release(struct tl_model *m, int i)
{
	struct tl_mdom *d = &m->d[i];
	u32 n;

	for (n = 0; n < CE_MAX_NODES; n++) {
		m->node_out[n] -= d->claims[n];
		m->outstanding -= d->claims[n];
		d->claims[n] = 0;
	}
	m->outstanding -= d->host;
	d->host = 0;
	for (n = 0; n < CE_MAX_NODES; n++) {
		m->sp_out[n] -= d->sp_claims[n];
		d->sp_claims[n] = 0;
	}
}

void tl_model_remove(struct tl_model *m, int i)
{
	tl_model_release(m, i);
	m->d[i].live = false;
}

int tl_model_install(struct tl_model *m, int i,
		     const struct numaclaims_claim *set, u32 nr)
{
	struct tl_mdom *d = &m->d[i];
	u64 seen = 0, seen_sp = 0, sum = 0, sum_sp = 0, host = 0;
	u64 claims[CE_MAX_NODES] = { 0 }, sps[CE_MAX_NODES] = { 0 };
	bool seen_host = false;
	u32 k, n;

	if (nr == 0)
		return -EINVAL;
	/* One 4 KiB and one superpage entry per node, and HOST. */
	if (nr > 2 * m->nr_nodes + 1)
		return -E2BIG;
	for (k = 0; k < nr; k++) {
		const struct numaclaims_claim *c = &set[k];
		bool sp = c->cmd == NUMACLAIMS_CLAIM_SUPERPAGES;

		if (c->cmd != NUMACLAIMS_CLAIM_PAGES_CMD && !sp)
			return -EINVAL;
		/* Superpages: a node target, whole superpages. */
		if (sp && (c->target >= NUMACLAIMS_TARGET_SPECIAL ||
			   c->pages % CE_SP_PAGES))
			return -EINVAL;
		if (sp) {
			if (c->target < CE_MAX_NODES &&
			    (seen_sp & BIT_ULL(c->target)))
				return -EINVAL;
			if (__builtin_add_overflow(sum, c->pages, &sum))
				return -EINVAL;
			if (!pool(m, c->target))
				return -ENOENT;
			n = c->target;
			seen_sp |= BIT_ULL(n);
			if (c->pages / CE_SP_PAGES >
			    m->sp_avail[n] - m->sp_out[n] + d->sp_claims[n])
				return -ENOMEM;
			sps[n] = c->pages / CE_SP_PAGES;
			sum_sp += c->pages;
			continue;
		}
		if (c->target >= NUMACLAIMS_TARGET_SPECIAL) {
			if (c->target == NUMACLAIMS_TARGET_HOST) {
				if (seen_host)
					return -EINVAL;
				seen_host = true;
			} else if (c->target == NUMACLAIMS_TARGET_LEGACY) {
				if (nr != 1)
					return -EINVAL;
			} else {
				return -EINVAL;
			}
		} else if (c->target < CE_MAX_NODES &&
			   (seen & BIT_ULL(c->target))) {
			return -EINVAL;
		}
		if (__builtin_add_overflow(sum, c->pages, &sum))
			return -EINVAL;
		if (c->target >= NUMACLAIMS_TARGET_SPECIAL) {
			if (c->target == NUMACLAIMS_TARGET_HOST)
				host = c->pages;
			continue;
		}
		if (!pool(m, c->target))
			return -ENOENT;
		n = c->target;
		seen |= BIT_ULL(n);
		if (c->pages > m->avail[n] - m->node_out[n] + d->claims[n])
			return -ENOMEM;
		claims[n] = c->pages;
	}

	if (set[0].target == NUMACLAIMS_TARGET_LEGACY) {
		u64 pages = set[0].pages;

		if (pages == 0) {
			tl_model_release(m, i);
			return 0;
		}
		if (pages <= d->tot || pages > d->max)
			return -EINVAL;
		if (pages - d->tot > m->total - m->outstanding + outstanding(d))
			return -ENOMEM;
		tl_model_release(m, i);
		d->host = pages - d->tot;
		m->outstanding += d->host;
		return 0;
	}

	/*
	 * 3. max_pages: tot_pages + total > max_pages; a set claiming nothing
	 * always passes ({0, HOST} clears even while tot_pages > max_pages).
	 */
	if (sum && (d->tot > d->max || sum > d->max - d->tot))
		return -EINVAL;
	/*
	 * 4. host-wide unclaimed memory (4 KiB claims only), own claims
	 * counted as free.
	 */
	if (sum - sum_sp > m->total - m->outstanding + outstanding(d))
		return -ENOMEM;

	tl_model_release(m, i);
	for (n = 0; n < CE_MAX_NODES; n++) {
		d->claims[n] = claims[n];
		m->node_out[n] += claims[n];
		d->sp_claims[n] = sps[n];
		m->sp_out[n] += sps[n];
	}
	d->host = host;
	m->outstanding += sum - sum_sp;
	return 0;
}

int tl_model_legacy(struct tl_model *m, int i, u64 pages)
{
	struct tl_mdom *d = &m->d[i];

	if (pages == 0) {
		tl_model_release(m, i);
		return 0;
	}
	/* One claim at a time: superpage claims count. */
	if (outstanding(d) || sp_claimed(d))
		return -EINVAL;
	if (pages <= d->tot || pages > d->max)
		return -EINVAL;
	if (pages - d->tot > m->total - m->outstanding)
		return -ENOMEM;
	d->host = pages - d->tot;
	m->outstanding += d->host;
	return 0;
}

void tl_model_set_max(struct tl_model *m, int i, u64 max)
{
	struct tl_mdom *d = &m->d[i];
	u64 allowed, out, excess, r;
	u32 n;

	d->max = max;
	allowed = max > d->tot ? max - d->tot : 0;
	out = outstanding(d) + sp_claimed(d) * CE_SP_PAGES;
	if (out <= allowed)
		return;
	excess = out - allowed;
	r = min(excess, d->host);
	d->host -= r;
	m->outstanding -= r;
	excess -= r;
	for (n = 0; n < CE_MAX_NODES && excess; n++) {
		r = min(excess, d->claims[n]);
		d->claims[n] -= r;
		m->node_out[n] -= r;
		m->outstanding -= r;
		excess -= r;
	}
	/* Last the superpage claims, whole superpages, ascending nodes. */
	for (n = 0; n < CE_MAX_NODES && excess; n++) {
		r = min(d->sp_claims[n], (excess + CE_SP_PAGES - 1) / CE_SP_PAGES);
		d->sp_claims[n] -= r;
		m->sp_out[n] -= r;
		excess -= min(excess, r * CE_SP_PAGES);
	}
}

int tl_model_set_affinity(struct tl_model *m, int i, u64 mask)
{
	mask &= m->pool_mask;
	if (!mask)
		return -EINVAL;
	m->d[i].affinity = mask;
	return 0;
}

/*
 * What is still above max_pages after a counted allocation on @node gives
 * up superpage claims, whole ones, of the nodes after @node (wrapping),
 * @node's own last.
 */
static void sp_excess(struct tl_model *m, struct tl_mdom *d, u32 node)
{
	u64 allowed = d->max > d->tot ? d->max - d->tot : 0;
	u32 k;

	for (k = 1; k <= CE_MAX_NODES; k++) {
		u32 n = (node + k) % CE_MAX_NODES;
		u64 all = outstanding(d) + sp_claimed(d) * CE_SP_PAGES, r;

		if (all <= allowed)
			return;
		r = min(d->sp_claims[n],
			(all - allowed + CE_SP_PAGES - 1) / CE_SP_PAGES);
		d->sp_claims[n] -= r;
		m->sp_out[n] -= r;
	}
}

static void redeem(struct tl_model *m, struct tl_mdom *d, u32 node, u64 sz)
{
	u64 r;
	u32 k;

	r = min(sz, d->claims[node]);
	d->claims[node] -= r;
	m->node_out[node] -= r;
	m->outstanding -= r;
	sz -= r;
	r = min(sz, d->host);
	d->host -= r;
	m->outstanding -= r;
	sz -= r;
	for (k = 1; k < CE_MAX_NODES && sz; k++) {
		u32 n = (node + k) % CE_MAX_NODES;

		r = min(sz, d->claims[n]);
		d->claims[n] -= r;
		m->node_out[n] -= r;
		m->outstanding -= r;
		sz -= r;
	}
	sp_excess(m, d, node);
}

int tl_model_alloc(struct tl_model *m, int i, unsigned int order,
		   int req_node, u32 flags, const struct ce_heap *h,
		   u32 *node_out)
{
	struct tl_mdom *d = i >= 0 ? &m->d[i] : NULL;
	bool counted = d && !(flags & CE_MEMF_NO_REFCOUNT);
	bool exact = flags & CE_MEMF_EXACT_NODE;
	u32 cand[3 * CE_MAX_NODES], nr = 0, k, n;
	u64 sz, aff;

	if (order > CE_MAX_ORDER)
		return -EINVAL;
	if (req_node >= 0 && !pool(m, req_node))
		return -ENOENT;
	sz = 1ULL << order;
	if (counted && d->tot + sz > d->max)
		return -E2BIG;
	if (sz > m->total - m->outstanding + (counted ? outstanding(d) : 0))
		return -ENOMEM;

	aff = d ? d->affinity : m->pool_mask;
	if (req_node >= 0)
		cand[nr++] = req_node;
	if (!(req_node >= 0 && exact)) {
		u32 last = d ? d->last : CE_MAX_NODES - 1;

		for (k = 1; k <= CE_MAX_NODES; k++) {
			n = (last + k) % CE_MAX_NODES;
			if (aff & BIT_ULL(n))
				cand[nr++] = n;
		}
		if (!exact)
			for (n = 0; n < CE_MAX_NODES; n++)
				if (pool(m, n) && !(aff & BIT_ULL(n)))
					cand[nr++] = n;
	}
	for (k = 0; k < nr; k++) {
		u64 room;

		n = cand[k];
		room = m->avail[n] - m->node_out[n] +
		       (counted ? d->claims[n] : 0);
		if (sz <= room && tl_has_block(h, n, order))
			break;
	}
	if (k == nr)
		return -ENOMEM;

	m->avail[n] -= sz;
	m->total -= sz;
	if (d) {
		d->node_pages[n] += sz;
		if (counted) {
			d->tot += sz;
			redeem(m, d, n, sz);
		} else {
			d->uncounted += sz;
		}
		d->last = n;
	}
	*node_out = n;
	return 0;
}

void tl_model_free(struct tl_model *m, int i, u32 node, unsigned int order,
		   bool counted)
{
	u64 sz = 1ULL << order;

	m->avail[node] += sz;
	m->total += sz;
	if (i < 0)
		return;
	m->d[i].node_pages[node] -= sz;
	if (counted)
		m->d[i].tot -= sz;
	else
		m->d[i].uncounted -= sz;
}

/* Can @d (counted or not; NULL: nobody) take a superpage of @node? */
static bool sp_fits(const struct tl_model *m, const struct tl_mdom *d,
		    bool counted, u32 node)
{
	if (!pool(m, node) || !m->sp_avail[node])
		return false;
	return (counted && d->sp_claims[node]) ||
	       m->sp_avail[node] > m->sp_out[node];
}

int tl_model_alloc_sp(struct tl_model *m, int i, int req_node, u32 flags,
		      u32 *node_out)
{
	struct tl_mdom *d = i >= 0 ? &m->d[i] : NULL;
	bool counted = d && !(flags & CE_MEMF_NO_REFCOUNT);
	bool exact = flags & CE_MEMF_EXACT_NODE;
	u32 last = d ? d->last : CE_MAX_NODES - 1, cand[3 * CE_MAX_NODES];
	u64 aff = d ? d->affinity : m->pool_mask;
	u32 nr = 0, k, n;

	if (req_node >= 0 && !pool(m, req_node))
		return -ENOENT;
	if (counted && d->tot + CE_SP_PAGES > d->max)
		return -E2BIG;
	if (req_node >= 0) {
		/* A requested node is the only candidate. */
		cand[nr++] = req_node;
	} else {
		/* Own superpage claims, then affinity, round robin after the
		 * last node; then (unless exact) every node ascending. */
		for (k = 1; counted && k <= CE_MAX_NODES; k++)
			if (d->sp_claims[(last + k) % CE_MAX_NODES])
				cand[nr++] = (last + k) % CE_MAX_NODES;
		for (k = 1; k <= CE_MAX_NODES; k++)
			if (aff & BIT_ULL((last + k) % CE_MAX_NODES))
				cand[nr++] = (last + k) % CE_MAX_NODES;
		for (n = 0; !exact && n < CE_MAX_NODES; n++)
			cand[nr++] = n;
	}
	for (k = 0; k < nr && !sp_fits(m, d, counted, cand[k]); k++)
		;
	if (k == nr)
		return -ENOMEM;
	n = cand[k];

	m->sp_avail[n]--;
	*node_out = n;
	if (!d)
		return 0;
	d->node_pages[n] += CE_SP_PAGES;
	d->sp_pages[n]++;
	d->last = n;
	if (!counted) {
		d->uncounted += CE_SP_PAGES;
		return 0;
	}
	d->tot += CE_SP_PAGES;
	if (d->sp_claims[n]) {
		d->sp_claims[n]--;
		m->sp_out[n]--;
		sp_excess(m, d, n);
	} else {
		redeem(m, d, n, CE_SP_PAGES);
	}
	return 0;
}

/* A superpage of slot @i's (-1: nobody's) physmap leaves it. */
static void sp_leaves(struct tl_model *m, int i, u32 node, bool counted)
{
	if (i < 0)
		return;
	m->d[i].node_pages[node] -= CE_SP_PAGES;
	m->d[i].sp_pages[node]--;
	if (counted)
		m->d[i].tot -= CE_SP_PAGES;
	else
		m->d[i].uncounted -= CE_SP_PAGES;
}

void tl_model_free_sp(struct tl_model *m, int i, u32 node, bool counted)
{
	m->sp_avail[node]++;
	sp_leaves(m, i, node, counted);
}

void tl_model_hold_sp(struct tl_model *m, int i, u32 node, bool counted)
{
	m->sp_held[node]++;
	sp_leaves(m, i, node, counted);
}

void tl_model_release_sp(struct tl_model *m, u32 node)
{
	m->sp_held[node]--;
	m->sp_avail[node]++;
}

/* Domains with a live model entry, newest first. */
static int newest_order(const struct tl_model *m, int *idx)
{
	int nr = 0, i, j;

	for (i = 0; i < TL_MAX_DOMS; i++)
		if (m->d[i].live)
			idx[nr++] = i;
	for (i = 1; i < nr; i++)
		for (j = i; j > 0 && m->d[idx[j]].seq > m->d[idx[j - 1]].seq; j--) {
			int x = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = x;
		}
	return nr;
}

int tl_model_offline(struct tl_model *m, u32 node, u64 pages)
{
	int idx[TL_MAX_DOMS], nr, k;

	if (!pool(m, node))
		return -ENOENT;
	if (pages > m->avail[node])
		return -ENOMEM;
	m->avail[node] -= pages;
	m->total -= pages;
	m->offlined[node] += pages;
	nr = newest_order(m, idx);
	for (k = 0; k < nr && m->node_out[node] > m->avail[node]; k++) {
		struct tl_mdom *d = &m->d[idx[k]];
		u64 r = min(d->claims[node], m->node_out[node] - m->avail[node]);

		d->claims[node] -= r;
		m->node_out[node] -= r;
		m->outstanding -= r;
	}
	for (k = 0; k < nr && m->outstanding > m->total; k++) {
		struct tl_mdom *d = &m->d[idx[k]];
		u64 r = min(d->host, m->outstanding - m->total);

		d->host -= r;
		m->outstanding -= r;
	}
	return 0;
}

int tl_model_online(struct tl_model *m, u32 node, u64 pages)
{
	if (!pool(m, node))
		return -ENOENT;
	if (pages > m->offlined[node])
		return -EINVAL;
	m->avail[node] += pages;
	m->total += pages;
	m->offlined[node] -= pages;
	return 0;
}

/* A shrink gives back only free pages no claim needs; it never recalls. */
int tl_model_shrink(struct tl_model *m, u32 node, u64 pages)
{
	if (!pool(m, node))
		return -ENOENT;
	if (pages > m->avail[node] - m->node_out[node] ||
	    pages > m->total - m->outstanding)
		return -EBUSY;
	m->reserved[node] -= pages;
	m->avail[node] -= pages;
	m->total -= pages;
	return 0;
}

void tl_model_grow(struct tl_model *m, u32 node, u64 pages)
{
	m->reserved[node] += pages;
	m->avail[node] += pages;
	m->total += pages;
}

static const char *mfail(struct tl *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *mfail(struct tl *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	return t->msg;
}

#define MCMP(what, eng, mod, ...) do {					\
	if ((u64)(eng) != (u64)(mod))					\
		return mfail(t, what ": engine " FMT64 ", model " FMT64,	\
			     ##__VA_ARGS__, (u64)(eng), (u64)(mod));	\
} while (0)

const char *tl_model_compare(struct tl *t, const struct tl_model *m)
{
	const struct ce_heap *h = &t->h;
	u32 n;
	int i;

	MCMP("total_avail_pages", h->total_avail_pages, m->total);
	MCMP("outstanding_claims", h->outstanding_claims, m->outstanding);
	for (n = 0; n < CE_MAX_NODES; n++) {
		MCMP("node %u avail", h->node[n].avail_pages, m->avail[n], n);
		MCMP("node %u outstanding", h->node[n].outstanding_claims,
		     m->node_out[n], n);
		MCMP("node %u offlined", h->node[n].offlined_pages,
		     m->offlined[n], n);
		MCMP("node %u reserved", h->node[n].reserved_pages,
		     m->reserved[n], n);
		MCMP("node %u sp_reserved", h->node[n].sp_reserved,
		     m->sp_reserved[n], n);
		MCMP("node %u sp_avail", h->node[n].sp_avail, m->sp_avail[n], n);
		MCMP("node %u sp_claims", h->node[n].sp_claims, m->sp_out[n], n);
		MCMP("node %u sp_held", h->node[n].sp_held, m->sp_held[n], n);
	}
	for (i = 0; i < TL_MAX_DOMS; i++) {
		const struct ce_domain *d = &t->dom[i];
		const struct tl_mdom *x = &m->d[i];

		MCMP("slot %d live", t->dom_live[i], x->live, i);
		if (!x->live)
			continue;
		MCMP("dom %u max_pages", d->max_pages, x->max, d->domid);
		MCMP("dom %u tot_pages", d->tot_pages, x->tot, d->domid);
		MCMP("dom %u uncounted_pages", d->uncounted_pages, x->uncounted,
		     d->domid);
		MCMP("dom %u outstanding_pages", d->outstanding_pages,
		     outstanding(x), d->domid);
		MCMP("dom %u host-wide part", tl_host_part(d), x->host,
		     d->domid);
		MCMP("dom %u node_affinity", d->node_affinity, x->affinity,
		     d->domid);
		MCMP("dom %u last_alloc_node", d->last_alloc_node, x->last,
		     d->domid);
		for (n = 0; n < CE_MAX_NODES; n++) {
			MCMP("dom %u claims[%u]", d->claims[n], x->claims[n],
			     d->domid, n);
			MCMP("dom %u node_pages[%u]", d->node_pages[n],
			     x->node_pages[n], d->domid, n);
			MCMP("dom %u sp_claims[%u]", d->sp_claims[n],
			     x->sp_claims[n], d->domid, n);
			MCMP("dom %u sp_pages[%u]", d->sp_pages[n],
			     x->sp_pages[n], d->domid, n);
		}
	}
	return NULL;
}
