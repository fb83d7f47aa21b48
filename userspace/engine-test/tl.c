// SPDX-License-Identifier: GPL-2.0
/*
 * Test library for the numaclaims engine unit tests: heap builder, extent
 * record, independent invariant checker, snapshots.  See tl.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <inttypes.h>

#include "tl.h"

#define FMT64 "%" PRIu64

static const char *fail(struct tl *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *fail(struct tl *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	return t->msg;
}

/* ---------------------------------------------------------------- buddy */

/*
 * Walk the documented free lists (free_head[order] or dirty_head[order] →
 * next[] → CE_NO_FRAME).  Bounded, so a corrupted list cannot hang a test.
 */
static u32 tl_list_blocks(const struct ce_pool *p, u32 f)
{
	u32 n = 0;

	for (; f != CE_NO_FRAME && f < p->nr_frames; f = p->next[f]) {
		if (++n > p->nr_frames)
			break;
	}
	return n;
}

u32 tl_clean_blocks(const struct ce_heap *h, u32 node, unsigned int order)
{
	if (!h->node[node].has_pool)
		return 0;
	return tl_list_blocks(&h->node[node].pool,
			      h->node[node].pool.free_head[order]);
}

u32 tl_dirty_blocks(const struct ce_heap *h, u32 node, unsigned int order)
{
	if (!h->node[node].has_pool)
		return 0;
	return tl_list_blocks(&h->node[node].pool,
			      h->node[node].pool.dirty_head[order]);
}

/* Free blocks of @order, clean or dirty. */
u32 tl_free_blocks(const struct ce_heap *h, u32 node, unsigned int order)
{
	return tl_clean_blocks(h, node, order) + tl_dirty_blocks(h, node, order);
}

u64 tl_dirty_pages(const struct ce_heap *h, u32 node)
{
	u64 pages = 0;
	unsigned int o;

	for (o = 0; o <= CE_MAX_ORDER; o++)
		pages += (u64)tl_dirty_blocks(h, node, o) << o;
	return pages;
}

bool tl_has_clean_block(const struct ce_heap *h, u32 node, unsigned int order)
{
	unsigned int o;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return false;
	for (o = order; o <= CE_MAX_ORDER; o++)
		if (h->node[node].pool.free_head[o] != CE_NO_FRAME)
			return true;
	return false;
}

bool tl_has_block(const struct ce_heap *h, u32 node, unsigned int order)
{
	unsigned int o;

	if (!h->node[node].has_pool)
		return false;
	for (o = order; o <= CE_MAX_ORDER; o++)
		if (h->node[node].pool.free_head[o] != CE_NO_FRAME ||
		    h->node[node].pool.dirty_head[o] != CE_NO_FRAME)
			return true;
	return false;
}

/* -------------------------------------------------------------- building */

int tl_grow(struct tl *t, u32 node, unsigned int order)
{
	u32 f, sz = 1U << order, slot = ce_pool_slot_take(&t->h, node, order);

	if (slot == CE_NO_FRAME)
		return -ENOSPC;
	if ((u64)slot + sz > t->nr_frames[node] || (slot & (sz - 1))) {
		fail(t, "slot %u of order %u on node %u is outside the pool or unaligned",
		     slot, order, node);
		return TL_EBADFRAME;
	}
	for (f = slot; f < slot + sz; f++)
		if (t->chunk_of[node][f]) {
			fail(t, "slot %u of order %u on node %u: frame %u holds a page already",
			     slot, order, node, f);
			return TL_EBADFRAME;
		}
	ce_pool_add_chunk(&t->h, node, slot, order);
	memset(t->chunk_of[node] + slot, order + 1, sz);
	t->base.reserved[node] += sz;
	t->base.total += sz;
	t->base.resized[node] = true;
	return 0;
}

int tl_shrink(struct tl *t, u32 node, u64 pages)
{
	int rc = ce_pool_shrink_commit(&t->h, node, pages);
	unsigned int order;
	bool dirty;
	u32 f, i;

	if (rc)
		return rc;
	t->base.reserved[node] -= pages;
	t->base.total -= pages;
	t->base.resized[node] = true;
	while ((f = ce_pool_shrink_take(&t->h, node, CE_MAX_ORDER, &order, &dirty)) !=
	       CE_NO_FRAME) {
		if ((u64)f + (1U << order) > t->nr_frames[node] ||
		    (f & ((1U << order) - 1)) || order > CE_MAX_ORDER) {
			fail(t, "shrink took block %u of order %u on node %u: outside the pool or unaligned",
			     f, order, node);
			return TL_EBADFRAME;
		}
		for (i = f; i < f + (1U << order); i++)
			if (!t->chunk_of[node][i] || t->in_use[node][i]) {
				fail(t, "shrink took frame %u on node %u: %s",
				     i, node, t->in_use[node][i] ?
				     "it is in use" : "it holds no page");
				return TL_EBADFRAME;
			}
		memset(t->chunk_of[node] + f, 0, 1U << order);
		pages -= 1U << order;
	}
	if (pages || t->h.node[node].shrink_pending) {
		fail(t, "shrink on node %u left " FMT64 " pages untaken (" FMT64 " pending)",
		     node, pages, t->h.node[node].shrink_pending);
		return TL_EBADFRAME;
	}
	return 0;
}

int tl_build(struct tl *t, const struct tl_layout *l)
{
	u32 i, n, k;

	memset(t, 0, sizeof(*t));
	ce_heap_init(&t->h);
	t->h.merge_like_only = l->merge_like_only;
	t->next_domid = 1;

	for (i = 0; i < l->nr; i++) {
		const struct tl_node_layout *nl = &l->nodes[i];
		u32 cursor = 0, rep, reps = nl->repeat ? nl->repeat : 1;

		n = nl->node;
		/* First pass: size the pool. */
		for (rep = 0; rep < reps; rep++)
		for (k = 0; k < TL_MAX_CHUNKS && nl->chunks[k] != TL_END; k++) {
			int c = nl->chunks[k];
			u32 sz = 1U << (c >= 100 ? c - 100 : c);

			if (c < 100)
				cursor = (cursor + sz - 1) & ~(sz - 1);
			cursor += sz;
		}
		t->nr_frames[n] = cursor + nl->slack;
		if (ce_pool_init(&t->h, n, t->nr_frames[n]))
			return -1;
		/* A node may have superpages only: no frames. */
		t->chunk_of[n] = calloc(t->nr_frames[n] + 1, 1);
		t->in_use[n] = calloc(t->nr_frames[n] + 1, 1);
		if (!t->chunk_of[n] || !t->in_use[n])
			return -1;
		/* Second pass: add the chunks. */
		cursor = 0;
		for (rep = 0; rep < reps; rep++)
		for (k = 0; k < TL_MAX_CHUNKS && nl->chunks[k] != TL_END; k++) {
			int c = nl->chunks[k];
			u32 sz;

			if (c >= 100) {
				cursor += 1U << (c - 100);
				continue;
			}
			sz = 1U << c;
			cursor = (cursor + sz - 1) & ~(sz - 1);
			ce_pool_add_chunk(&t->h, n, cursor, c);
			memset(t->chunk_of[n] + cursor, c + 1, sz);
			t->base.chunks[n][c]++;
			t->base.reserved[n] += sz;
			cursor += sz;
		}
		t->base.total += t->base.reserved[n];
		if (!nl->superpages && !nl->sp_slack)
			continue;
		if (ce_sp_pool_init(&t->h, n, nl->superpages + nl->sp_slack))
			return -1;
		t->sp_in_use[n] = calloc(nl->superpages + nl->sp_slack, 1);
		if (!t->sp_in_use[n])
			return -1;
		/* Slots from the top down, so the stack's order is not 0, 1.. */
		for (k = nl->superpages; k-- > 0;)
			ce_sp_pool_add(&t->h, n, k + nl->sp_slack);
		t->base.sp_reserved[n] = nl->superpages;
	}
	for (n = 0; n < CE_MAX_NODES; n++) {
		unsigned int o;

		if (!t->h.node[n].has_pool)
			continue;
		t->pool_node[t->nr_pool++] = n;
		for (o = 0; o <= CE_MAX_ORDER; o++)
			t->base.free_blocks[n][o] = tl_free_blocks(&t->h, n, o);
	}
	return 0;
}

void tl_release(struct tl *t)
{
	u32 n;

	for (n = 0; n < CE_MAX_NODES; n++) {
		if (t->h.node[n].has_pool)
			ce_pool_destroy(&t->h, n);
		free(t->chunk_of[n]);
		free(t->in_use[n]);
		free(t->sp_in_use[n]);
		t->chunk_of[n] = t->in_use[n] = t->sp_in_use[n] = NULL;
	}
	free(t->ext);
	t->ext = NULL;
	t->nr_ext = t->cap_ext = 0;
}

/* --------------------------------------------------------------- domains */

struct ce_domain *tl_dom(struct tl *t, u64 max_pages)
{
	int i;

	for (i = 0; i < TL_MAX_DOMS; i++) {
		if (t->dom_live[i])
			continue;
		ce_domain_init(&t->h, &t->dom[i], t->next_domid++, max_pages);
		t->dom_live[i] = true;
		t->dom_seq[i] = ++t->seq;
		return &t->dom[i];
	}
	return NULL;
}

int tl_dom_index(const struct tl *t, const struct ce_domain *d)
{
	if (!d)
		return -1;
	return (int)(d - t->dom);
}

void tl_destroy(struct tl *t, struct ce_domain *d)
{
	size_t i = t->nr_ext;

	while (i-- > 0)
		if (t->ext[i].d == d)
			tl_free_ext(t, i);
	ce_domain_remove(&t->h, d);
	t->dom_live[tl_dom_index(t, d)] = false;
}

/* ------------------------------------------------------------ allocation */

static void tl_push_ext(struct tl *t, struct tl_ext e);

int tl_alloc(struct tl *t, struct ce_domain *d, unsigned int order,
	     int req_node, u32 memflags, u32 *node_out)
{
	u32 node = CE_NO_FRAME, frame = CE_NO_FRAME, sz, f;
	bool dirty = false, had_clean[CE_MAX_NODES];
	int rc;

	/* Which nodes had a clean block that fits, before the call. */
	for (f = 0; f < CE_MAX_NODES; f++)
		had_clean[f] = tl_has_clean_block(&t->h, f, order);
	rc = ce_alloc_extent(&t->h, d, order, req_node, memflags, &node,
			     &frame, &dirty);
	if (rc)
		return rc;
	if (node >= CE_MAX_NODES || !t->h.node[node].has_pool) {
		fail(t, "alloc returned node %u without pool", node);
		return TL_EBADFRAME;
	}
	sz = 1U << order;
	if (frame >= t->nr_frames[node] || frame + sz > t->nr_frames[node] ||
	    (frame & (sz - 1))) {
		fail(t, "alloc returned bad frame %u order %u node %u",
		     frame, order, node);
		return TL_EBADFRAME;
	}
	for (f = frame; f < frame + sz; f++) {
		if (!t->chunk_of[node][f] ||
		    t->chunk_of[node][f] - 1 < (int)order) {
			fail(t, "frame %u (extent %u order %u node %u) is not in a chunk of order >= %u",
			     f, frame, order, node, order);
			return TL_EBADFRAME;
		}
		if (t->in_use[node][f]) {
			fail(t, "frame %u (extent %u order %u node %u) handed out twice",
			     f, frame, order, node);
			return TL_EBADFRAME;
		}
	}
	/* Clean memory first: a dirty block only when no clean one fits. */
	if (dirty && had_clean[node]) {
		fail(t, "alloc of order %u on node %u took a dirty block although a clean one fitted",
		     order, node);
		return TL_EBADFRAME;
	}
	memset(t->in_use[node] + frame, 1, sz);
	tl_push_ext(t, (struct tl_ext){
		.d = d, .node = node, .frame = frame, .order = order,
		.counted = d && !(memflags & CE_MEMF_NO_REFCOUNT),
		.dirty = dirty,
	});
	if (!d)
		t->nobody_pages[node] += sz;
	if (node_out)
		*node_out = node;
	return 0;
}

u64 tl_alloc_n(struct tl *t, struct ce_domain *d, unsigned int order,
	       int req_node, u32 memflags, u64 count, int *rc)
{
	u64 done = 0;
	int r = 0;

	while (done < count) {
		r = tl_alloc(t, d, order, req_node, memflags, NULL);
		if (r)
			break;
		done++;
	}
	if (rc)
		*rc = r;
	return done;
}

int tl_alloc_sp(struct tl *t, struct ce_domain *d, int req_node,
		u32 memflags, u32 *node_out)
{
	u32 node = CE_NO_FRAME, index = CE_NO_FRAME;
	int rc;

	rc = ce_alloc_superpage(&t->h, d, req_node, memflags, &node, &index);
	if (rc)
		return rc;
	if (node >= CE_MAX_NODES || !t->sp_in_use[node]) {
		fail(t, "superpage alloc returned node %u without superpages",
		     node);
		return TL_EBADFRAME;
	}
	if (index >= t->h.node[node].sp_nr || t->sp_in_use[node][index]) {
		fail(t, "superpage alloc returned bad or used index %u on node %u",
		     index, node);
		return TL_EBADFRAME;
	}
	t->sp_in_use[node][index] = 1;
	tl_push_ext(t, (struct tl_ext){
		.d = d, .node = node, .frame = index, .order = CE_SP_ORDER,
		.counted = d && !(memflags & CE_MEMF_NO_REFCOUNT), .sp = true,
	});
	if (!d)
		t->nobody_sp[node]++;
	if (node_out)
		*node_out = node;
	return 0;
}

void tl_free_ext(struct tl *t, size_t idx)
{
	struct tl_ext e = t->ext[idx];
	u32 sz = 1U << e.order;

	if (e.sp) {
		ce_free_superpage(&t->h, e.d, e.node, e.frame, e.counted);
		t->sp_in_use[e.node][e.frame] = 0;
		if (!e.d)
			t->nobody_sp[e.node]--;
		t->ext[idx] = t->ext[--t->nr_ext];
		return;
	}
	ce_free_pages(&t->h, e.d, e.node, e.frame, e.order, e.counted);
	memset(t->in_use[e.node] + e.frame, 0, sz);
	if (!e.d)
		t->nobody_pages[e.node] -= sz;
	t->ext[idx] = t->ext[--t->nr_ext];
}

static void tl_push_ext(struct tl *t, struct tl_ext e)
{
	if (t->nr_ext == t->cap_ext) {
		t->cap_ext = t->cap_ext ? 2 * t->cap_ext : 256;
		t->ext = realloc(t->ext, t->cap_ext * sizeof(*t->ext));
		if (!t->ext)
			abort();
	}
	t->ext[t->nr_ext++] = e;
}

/*
 * Replace extent @idx by what is left of it without @page: one aligned
 * buddy block per order below the extent's.
 */
static void tl_take_page(struct tl *t, size_t idx, u32 page)
{
	struct tl_ext e = t->ext[idx];
	unsigned int o;

	t->ext[idx] = t->ext[--t->nr_ext];
	for (o = 0; o < e.order; o++) {
		struct tl_ext rest = e;

		rest.order = o;
		rest.frame = (page ^ (1U << o)) & ~((1U << o) - 1);
		tl_push_ext(t, rest);
	}
}

size_t tl_hold_page(struct tl *t, size_t idx, u32 offset)
{
	struct tl_ext e = t->ext[idx];
	u32 page = e.frame + offset;

	ce_free_held(&t->h, e.d, e.node, page, e.counted);
	t->held_pages[e.node]++;
	tl_take_page(t, idx, page);
	/* in_use stays set: nobody may be handed this frame meanwhile. */
	tl_push_ext(t, (struct tl_ext){ .d = NULL, .node = e.node,
					.frame = page, .held = true });
	return t->nr_ext - 1;
}

size_t tl_hold_sp(struct tl *t, size_t idx)
{
	struct tl_ext *e = &t->ext[idx];

	ce_free_superpage_held(&t->h, e->d, e->node, e->counted);
	t->held_sp[e->node]++;
	/* sp_in_use stays set until the release. */
	e->d = NULL;
	e->held = true;
	return idx;
}

u64 tl_dom_sp(const struct tl *t, const struct ce_domain *d, int node)
{
	u64 nr = 0;
	size_t i;

	for (i = 0; i < t->nr_ext; i++)
		nr += t->ext[i].sp && !t->ext[i].held && t->ext[i].d == d &&
		      (node < 0 || t->ext[i].node == (u32)node);
	return nr;
}

void tl_release_held(struct tl *t, size_t idx)
{
	struct tl_ext e = t->ext[idx];

	if (e.sp) {
		ce_release_superpage_held(&t->h, e.node, e.frame);
		t->held_sp[e.node]--;
		t->sp_in_use[e.node][e.frame] = 0;
		t->ext[idx] = t->ext[--t->nr_ext];
		return;
	}
	ce_release_held(&t->h, e.node, e.frame);
	t->held_pages[e.node]--;
	t->in_use[e.node][e.frame] = 0;
	t->ext[idx] = t->ext[--t->nr_ext];
}

void tl_retire_held(struct tl *t, size_t idx)
{
	struct tl_ext e = t->ext[idx];

	/* in_use stays set: a retired frame is never handed out again. */
	if (e.sp) {
		ce_retire_superpage_held(&t->h, e.node);
		t->held_sp[e.node]--;
	} else {
		ce_retire_held(&t->h, e.node, e.frame);
		t->held_pages[e.node]--;
	}
	t->ext[idx] = t->ext[--t->nr_ext];
}

void tl_free_page(struct tl *t, size_t idx, u32 offset)
{
	struct tl_ext e = t->ext[idx];
	u32 page = e.frame + offset;

	ce_free_pages(&t->h, e.d, e.node, page, 0, e.counted);
	t->in_use[e.node][page] = 0;
	if (!e.d)
		t->nobody_pages[e.node]--;
	tl_take_page(t, idx, page);
}

size_t tl_find_ext(const struct tl *t, const struct ce_domain *d, int node)
{
	size_t i = t->nr_ext;

	while (i-- > 0)
		if (t->ext[i].d == d && !t->ext[i].held &&
		    (node < 0 || t->ext[i].node == (u32)node))
			return i;
	return (size_t)-1;
}

u64 tl_free_dom(struct tl *t, struct ce_domain *d, int node, u64 max_pages)
{
	u64 freed = 0;
	size_t i;

	while (freed < max_pages &&
	       (i = tl_find_ext(t, d, node)) != (size_t)-1) {
		freed += 1ULL << t->ext[i].order;
		tl_free_ext(t, i);
	}
	return freed;
}

int tl_install(struct tl *t, struct ce_domain *d,
	       const struct numaclaims_claim *set, u32 nr)
{
	return ce_claim_set_install(&t->h, d, set, nr);
}

/* ---------------------------------------------------------------- checks */

/*
 * Superpages of node @n: the counters against the record and the domains'
 * sums (@claims, @in_physmaps), and the free stack against the record.
 */
static const char *tl_check_sp(struct tl *t, u32 n, u64 claims,
			       u64 in_physmaps)
{
	const struct ce_node *nd = &t->h.node[n];
	u64 i;

#define SP_EQ(what, a, b) do {						\
	if ((u64)(a) != (u64)(b))					\
		return fail(t, "node %u: " what ": " FMT64 " != " FMT64,	\
			    n, (u64)(a), (u64)(b));			\
} while (0)
	SP_EQ("sp_reserved != built", nd->sp_reserved, t->base.sp_reserved[n]);
	SP_EQ("sp_held != recorded", nd->sp_held, t->held_sp[n]);
	SP_EQ("sp_claims != sum of domain superpage claims", nd->sp_claims,
	      claims);
#undef SP_EQ
	if (nd->sp_reserved != nd->sp_avail + nd->sp_held + in_physmaps +
			       t->nobody_sp[n] + nd->sp_retired)
		return fail(t, "node %u: sp_reserved " FMT64 " != free " FMT64 " + held " FMT64 " + domains " FMT64 " + nobody " FMT64 " + retired " FMT64,
			    n, nd->sp_reserved, nd->sp_avail, nd->sp_held,
			    in_physmaps, t->nobody_sp[n], nd->sp_retired);
	if (nd->sp_claims > nd->sp_avail)
		return fail(t, "node %u: sp_claims " FMT64 " > free superpages " FMT64,
			    n, nd->sp_claims, nd->sp_avail);
	if (nd->sp_avail > nd->sp_nr)
		return fail(t, "node %u: sp_avail " FMT64 " > slots %u", n,
			    nd->sp_avail, nd->sp_nr);
	/* Every slot on the free stack is known, free and there once. */
	for (i = 0; i < nd->sp_avail; i++) {
		u32 x = nd->sp_free[i];

		if (x >= nd->sp_nr || !t->sp_in_use[n])
			return fail(t, "node %u: free superpage %u out of range",
				    n, x);
		if (t->sp_in_use[n][x])
			return fail(t, "node %u: superpage %u is free and in use (or free twice)",
				    n, x);
		t->sp_in_use[n][x] = 2;
	}
	for (i = 0; i < nd->sp_avail; i++)
		t->sp_in_use[n][nd->sp_free[i]] = 0;
	return NULL;
}

const char *tl_check(struct tl *t)
{
	const struct ce_heap *h = &t->h;
	const struct ce_domain *d;
	const char *why = NULL;
	u64 sum_avail = 0, sum_out = 0, node_out[CE_MAX_NODES] = { 0 };
	u64 node_pages[CE_MAX_NODES] = { 0 };
	u64 sp_out[CE_MAX_NODES] = { 0 }, sp_pages[CE_MAX_NODES] = { 0 };
	u64 pool_mask = 0;
	u32 n, nr_doms = 0, highest = 0, live = 0;
	u64 prev_seq = ~0ULL;
	int rc, i;
	size_t e;

	rc = ce_check_invariants(h, &why);
	if (rc)
		return fail(t, "ce_check_invariants() = %d: %s", rc,
			    why ? why : "(no reason)");

	/* Domain list: consistent links, newest first, all known. */
	for (d = h->domains; d; d = d->next) {
		int idx = tl_dom_index(t, d);

		if (++nr_doms > TL_MAX_DOMS)
			return fail(t, "domain list longer than %d", TL_MAX_DOMS);
		if (idx < 0 || idx >= TL_MAX_DOMS || !t->dom_live[idx])
			return fail(t, "unknown domain %p on the list", (void *)d);
		if (d->next && d->next->prev != d)
			return fail(t, "domain list: next->prev broken at dom %u",
				    d->domid);
		if (t->dom_seq[idx] > prev_seq)
			return fail(t, "domain list not newest first at dom %u",
				    d->domid);
		prev_seq = t->dom_seq[idx];
	}
	if (h->domains && h->domains->prev)
		return fail(t, "first domain has a prev link");
	for (i = 0; i < TL_MAX_DOMS; i++)
		live += t->dom_live[i];
	if (nr_doms != live || h->nr_domains != live)
		return fail(t, "nr_domains %u, on list %u, live %u",
			    h->nr_domains, nr_doms, live);

	for (d = h->domains; d; d = d->next) {
		u64 nc = 0, pages = 0, allowed, spc = 0;

		for (n = 0; n < CE_MAX_NODES; n++) {
			if ((d->claims[n] || d->node_pages[n] ||
			     d->sp_claims[n] || d->sp_pages[n]) &&
			    !h->node[n].has_pool)
				return fail(t, "dom %u has claim/pages on node %u without pool",
					    d->domid, n);
			if (d->sp_pages[n] * CE_SP_PAGES > d->node_pages[n])
				return fail(t, "dom %u node %u: " FMT64 " superpages but " FMT64 " pages",
					    d->domid, n, (u64)d->sp_pages[n],
					    d->node_pages[n]);
			spc += d->sp_claims[n];
			sp_out[n] += d->sp_claims[n];
			sp_pages[n] += d->sp_pages[n];
			nc += d->claims[n];
			node_out[n] += d->claims[n];
			node_pages[n] += d->node_pages[n];
			pages += d->node_pages[n];
		}
		if (nc != d->node_claims)
			return fail(t, "dom %u: node_claims " FMT64 " != sum of claims " FMT64,
				    d->domid, d->node_claims, nc);
		if (d->node_claims > d->outstanding_pages)
			return fail(t, "dom %u: node_claims " FMT64 " > outstanding " FMT64,
				    d->domid, d->node_claims, d->outstanding_pages);
		allowed = d->max_pages > d->tot_pages ?
			  d->max_pages - d->tot_pages : 0;
		if (spc != d->sp_claims_total)
			return fail(t, "dom %u: sp_claims_total " FMT64 " != sum " FMT64,
				    d->domid, d->sp_claims_total, spc);
		/* Superpage claims count against max_pages too. */
		if (d->outstanding_pages + spc * CE_SP_PAGES > allowed)
			return fail(t, "dom %u: outstanding " FMT64 " + superpage claims " FMT64 " > max(0, max " FMT64 " - tot " FMT64 ")",
				    d->domid, d->outstanding_pages,
				    spc * CE_SP_PAGES, d->max_pages,
				    d->tot_pages);
		if (pages != d->tot_pages + d->uncounted_pages)
			return fail(t, "dom %u: node_pages sum " FMT64 " != tot " FMT64 " + uncounted " FMT64,
				    d->domid, pages, d->tot_pages,
				    d->uncounted_pages);
		if (!d->node_affinity ||
		    (d->node_affinity & ~h->nodes_with_pool))
			return fail(t, "dom %u: bad affinity %#llx (pool mask %#llx)",
				    d->domid,
				    (unsigned long long)d->node_affinity,
				    (unsigned long long)h->nodes_with_pool);
		sum_out += d->outstanding_pages;
	}

	/* Our own record of extents must agree with the domains' counters. */
	for (i = 0; i < TL_MAX_DOMS; i++) {
		u64 tot = 0, unc = 0, np[CE_MAX_NODES] = { 0 };

		if (!t->dom_live[i])
			continue;
		for (n = 0; n < CE_MAX_NODES; n++)
			if (t->dom[i].sp_pages[n] != tl_dom_sp(t, &t->dom[i], n))
				return fail(t, "dom %u node %u: sp_pages " FMT64 ", extents say " FMT64,
					    t->dom[i].domid, n,
					    (u64)t->dom[i].sp_pages[n],
					    tl_dom_sp(t, &t->dom[i], n));
		for (e = 0; e < t->nr_ext; e++) {
			if (t->ext[e].d != &t->dom[i])
				continue;
			if (t->ext[e].counted)
				tot += 1ULL << t->ext[e].order;
			else
				unc += 1ULL << t->ext[e].order;
			np[t->ext[e].node] += 1ULL << t->ext[e].order;
		}
		d = &t->dom[i];
		if (tot != d->tot_pages || unc != d->uncounted_pages)
			return fail(t, "dom %u: tot " FMT64 " uncounted " FMT64 ", extents say " FMT64 " and " FMT64,
				    d->domid, d->tot_pages, d->uncounted_pages,
				    tot, unc);
		for (n = 0; n < CE_MAX_NODES; n++)
			if (np[n] != d->node_pages[n])
				return fail(t, "dom %u node %u: node_pages " FMT64 ", extents say " FMT64,
					    d->domid, n, d->node_pages[n], np[n]);
	}

	for (n = 0; n < CE_MAX_NODES; n++) {
		const struct ce_node *nd = &h->node[n];
		u64 free_pages = 0;
		const char *audit = NULL;
		unsigned int o;

		why = tl_check_sp(t, n, sp_out[n], sp_pages[n]);
		if (why)
			return why;
		/* From here on node_pages counts 4 KiB pages only. */
		node_pages[n] -= sp_pages[n] * CE_SP_PAGES;
		if (!nd->has_pool) {
			if (nd->reserved_pages || nd->avail_pages ||
			    nd->outstanding_claims || nd->offlined_pages)
				return fail(t, "node %u has no pool but counters", n);
			continue;
		}
		pool_mask |= BIT_ULL(n);
		highest = n;
		sum_avail += nd->avail_pages;
		if (nd->outstanding_claims != node_out[n])
			return fail(t, "node %u: outstanding_claims " FMT64 " != sum of domain claims " FMT64,
				    n, nd->outstanding_claims, node_out[n]);
		if (nd->outstanding_claims > nd->avail_pages)
			return fail(t, "node %u: outstanding_claims " FMT64 " > avail " FMT64,
				    n, nd->outstanding_claims, nd->avail_pages);
		if (nd->reserved_pages != t->base.reserved[n])
			return fail(t, "node %u: reserved " FMT64 " != built " FMT64,
				    n, nd->reserved_pages, t->base.reserved[n]);
		if (nd->held_pages != t->held_pages[n])
			return fail(t, "node %u: held " FMT64 ", recorded " FMT64,
				    n, nd->held_pages, t->held_pages[n]);
		if (nd->reserved_pages != nd->avail_pages + nd->offlined_pages +
					  node_pages[n] + t->nobody_pages[n] +
					  nd->held_pages)
			return fail(t, "node %u: reserved " FMT64 " != avail " FMT64 " + offlined " FMT64 " + domains " FMT64 " + nobody " FMT64 " + held " FMT64,
				    n, nd->reserved_pages, nd->avail_pages,
				    nd->offlined_pages, node_pages[n],
				    t->nobody_pages[n], nd->held_pages);
		/* Frames committed offline but not settled stay on the lists. */
		if (nd->offline_pending > nd->offlined_pages)
			return fail(t, "node %u: offline_pending " FMT64 " > offlined " FMT64,
				    n, nd->offline_pending, nd->offlined_pages);
		if (nd->pool.nr_free != nd->avail_pages + nd->offline_pending +
					 nd->shrink_pending)
			return fail(t, "node %u: pool nr_free " FMT64 " != avail " FMT64 " + offline_pending " FMT64 " + shrink_pending " FMT64,
				    n, nd->pool.nr_free, nd->avail_pages,
				    nd->offline_pending, nd->shrink_pending);
		for (o = 0; o <= CE_MAX_ORDER; o++)
			free_pages += (u64)tl_free_blocks(h, n, o) << o;
		/* The block being scrubbed is free, off the lists. */
		if (nd->pool.scrub_frame != CE_NO_FRAME)
			free_pages += 1ULL << nd->pool.scrub_order;
		if (free_pages != nd->avail_pages + nd->offline_pending +
				  nd->shrink_pending)
			return fail(t, "node %u: free lists hold " FMT64 " pages, avail " FMT64 " + offline_pending " FMT64 " + shrink_pending " FMT64,
				    n, free_pages, nd->avail_pages,
				    nd->offline_pending, nd->shrink_pending);
		/* Frames holding a page: reserved + shrink_pending, as built. */
		{
			u64 holding = 0;
			u32 f;

			for (f = 0; f < t->nr_frames[n]; f++)
				holding += !!t->chunk_of[n][f];
			if (holding != nd->reserved_pages + nd->shrink_pending)
				return fail(t, "node %u: " FMT64 " frames hold a page, reserved " FMT64 " + shrink_pending " FMT64,
					    n, holding, nd->reserved_pages,
					    nd->shrink_pending);
		}
		/* Scrubbing: clean + dirty = free, as the lists say. */
		if (tl_dirty_pages(h, n) != nd->pool.nr_dirty)
			return fail(t, "node %u: dirty lists hold " FMT64 " pages, nr_dirty " FMT64,
				    n, tl_dirty_pages(h, n), nd->pool.nr_dirty);
		if (ce_pool_audit(h, n, &audit))
			return fail(t, "node %u: ce_pool_audit(): %s", n, audit);
	}
	if (pool_mask != h->nodes_with_pool)
		return fail(t, "nodes_with_pool %#llx, expected %#llx",
			    (unsigned long long)h->nodes_with_pool,
			    (unsigned long long)pool_mask);
	if (pool_mask && h->nr_nodes != highest + 1)
		return fail(t, "nr_nodes %u, expected %u", h->nr_nodes,
			    highest + 1);
	if (sum_avail != h->total_avail_pages)
		return fail(t, "total_avail " FMT64 " != sum of node avail " FMT64,
			    h->total_avail_pages, sum_avail);
	if (sum_out != h->outstanding_claims)
		return fail(t, "outstanding_claims " FMT64 " != sum of domains " FMT64,
			    h->outstanding_claims, sum_out);
	if (h->outstanding_claims > h->total_avail_pages)
		return fail(t, "outstanding_claims " FMT64 " > total_avail " FMT64,
			    h->outstanding_claims, h->total_avail_pages);
	return NULL;
}

void tl_snap(const struct tl *t, struct tl_snap *s)
{
	u32 n;
	unsigned int o;

	memcpy(&s->h, &t->h, sizeof(s->h));
	memcpy(s->dom, t->dom, sizeof(s->dom));
	memcpy(s->dom_live, t->dom_live, sizeof(s->dom_live));
	for (n = 0; n < CE_MAX_NODES; n++)
		for (o = 0; o <= CE_MAX_ORDER; o++)
			s->free_blocks[n][o] = tl_free_blocks(&t->h, n, o);
}

#define SNAP_CMP(what, a, b, ...) do {					\
	if ((a) != (b))							\
		return fail(t, what ": " FMT64 " -> " FMT64, ##__VA_ARGS__,	\
			    (u64)(a), (u64)(b));				\
} while (0)

const char *tl_snap_diff(struct tl *t, const struct tl_snap *s)
{
	const struct ce_heap *a = &s->h, *b = &t->h;
	u32 n;
	unsigned int o;
	int i;

	SNAP_CMP("total_avail_pages", a->total_avail_pages, b->total_avail_pages);
	SNAP_CMP("outstanding_claims", a->outstanding_claims, b->outstanding_claims);
	SNAP_CMP("nr_domains", a->nr_domains, b->nr_domains);
	SNAP_CMP("nr_nodes", a->nr_nodes, b->nr_nodes);
	SNAP_CMP("nodes_with_pool", a->nodes_with_pool, b->nodes_with_pool);
	if (a->domains != b->domains)
		return fail(t, "domain list head changed");
	for (n = 0; n < CE_MAX_NODES; n++) {
		const struct ce_node *x = &a->node[n], *y = &b->node[n];

		SNAP_CMP("node %u has_pool", x->has_pool, y->has_pool, n);
		SNAP_CMP("node %u reserved", x->reserved_pages, y->reserved_pages, n);
		SNAP_CMP("node %u avail", x->avail_pages, y->avail_pages, n);
		SNAP_CMP("node %u outstanding", x->outstanding_claims, y->outstanding_claims, n);
		SNAP_CMP("node %u offlined", x->offlined_pages, y->offlined_pages, n);
		SNAP_CMP("node %u nr_free", x->pool.nr_free, y->pool.nr_free, n);
		SNAP_CMP("node %u sp_reserved", x->sp_reserved, y->sp_reserved, n);
		SNAP_CMP("node %u sp_avail", x->sp_avail, y->sp_avail, n);
		SNAP_CMP("node %u sp_claims", x->sp_claims, y->sp_claims, n);
		SNAP_CMP("node %u sp_held", x->sp_held, y->sp_held, n);
		for (o = 0; o <= CE_MAX_ORDER; o++) {
			SNAP_CMP("node %u free_head[%u]", x->pool.free_head[o],
				 y->pool.free_head[o], n, o);
			SNAP_CMP("node %u dirty_head[%u]", x->pool.dirty_head[o],
				 y->pool.dirty_head[o], n, o);
			SNAP_CMP("node %u free blocks of order %u",
				 s->free_blocks[n][o], tl_free_blocks(b, n, o),
				 n, o);
		}
	}
	for (i = 0; i < TL_MAX_DOMS; i++) {
		const struct ce_domain *x = &s->dom[i], *y = &t->dom[i];

		SNAP_CMP("dom slot %d live", s->dom_live[i], t->dom_live[i], i);
		if (!t->dom_live[i])
			continue;
		SNAP_CMP("dom %u domid", x->domid, y->domid, x->domid);
		SNAP_CMP("dom %u max_pages", x->max_pages, y->max_pages, x->domid);
		SNAP_CMP("dom %u tot_pages", x->tot_pages, y->tot_pages, x->domid);
		SNAP_CMP("dom %u outstanding_pages", x->outstanding_pages, y->outstanding_pages, x->domid);
		SNAP_CMP("dom %u node_claims", x->node_claims, y->node_claims, x->domid);
		SNAP_CMP("dom %u sp_claims_total", x->sp_claims_total, y->sp_claims_total, x->domid);
		SNAP_CMP("dom %u uncounted_pages", x->uncounted_pages, y->uncounted_pages, x->domid);
		SNAP_CMP("dom %u node_affinity", x->node_affinity, y->node_affinity, x->domid);
		SNAP_CMP("dom %u last_alloc_node", x->last_alloc_node, y->last_alloc_node, x->domid);
		if (x->prev != y->prev || x->next != y->next)
			return fail(t, "dom %u list links changed", x->domid);
		for (n = 0; n < CE_MAX_NODES; n++) {
			SNAP_CMP("dom %u claims[%u]", x->claims[n], y->claims[n], x->domid, n);
			SNAP_CMP("dom %u node_pages[%u]", x->node_pages[n], y->node_pages[n], x->domid, n);
			SNAP_CMP("dom %u sp_claims[%u]", x->sp_claims[n], y->sp_claims[n], x->domid, n);
			SNAP_CMP("dom %u sp_pages[%u]", x->sp_pages[n], y->sp_pages[n], x->domid, n);
		}
	}
	return NULL;
}

/* ------------------------------------------------------------- teardown */

const char *tl_finish(struct tl *t)
{
	const char *msg;
	u64 retired;
	u32 n;
	unsigned int o;
	int i;

	/*
	 * Free the allocations for nobody first: the engine's checker counts
	 * every allocated page as in some domain's physmap.
	 */
	for (size_t e = t->nr_ext; e-- > 0;) {
		if (t->ext[e].held)
			tl_release_held(t, e);
		else if (!t->ext[e].d)
			tl_free_ext(t, e);
	}
	msg = tl_check(t);
	if (msg)
		return msg;
	for (i = 0; i < TL_MAX_DOMS; i++) {
		if (!t->dom_live[i])
			continue;
		tl_destroy(t, &t->dom[i]);
		msg = tl_check(t);
		if (msg)
			return msg;
	}
	for (n = 0; n < CE_MAX_NODES; n++) {
		/* Retired frames (h.frame_bad) stay offline for good. */
		u64 off = t->h.node[n].offlined_pages -
			  t->h.node[n].retired_pages;
		int rc;

		if (!t->h.node[n].has_pool || !off)
			continue;
		rc = ce_online_pages(&t->h, n, off);
		if (rc)
			return fail(t, "online of " FMT64 " pages on node %u: %d",
				    off, n, rc);
	}
	msg = tl_check(t);
	if (msg)
		return msg;

	/* Back to the baseline: every counter, every buddy merged again. */
	if (t->nr_ext)
		return fail(t, "%zu extents left", t->nr_ext);
	if (t->h.domains || t->h.nr_domains)
		return fail(t, "domains left on the heap");
	if (t->h.outstanding_claims)
		return fail(t, "outstanding_claims " FMT64 " after teardown",
			    t->h.outstanding_claims);
	for (n = 0, retired = 0; n < CE_MAX_NODES; n++)
		retired += t->h.node[n].retired_pages;
	if (t->h.total_avail_pages != t->base.total - retired)
		return fail(t, "total_avail " FMT64 " != baseline " FMT64 " - retired " FMT64,
			    t->h.total_avail_pages, t->base.total, retired);
	for (n = 0; n < CE_MAX_NODES; n++) {
		const struct ce_node *nd = &t->h.node[n];
		u64 r = nd->retired_pages;

		if (!nd->has_pool)
			continue;
		if (nd->sp_avail != t->base.sp_reserved[n] - nd->sp_retired ||
		    nd->sp_claims)
			return fail(t, "node %u: free superpages " FMT64 " (baseline " FMT64 "), superpage claims " FMT64,
				    n, nd->sp_avail, t->base.sp_reserved[n],
				    nd->sp_claims);
		if (nd->avail_pages != t->base.reserved[n] - r ||
		    nd->outstanding_claims || nd->offlined_pages != r)
			return fail(t, "node %u: avail " FMT64 " (baseline " FMT64 " - retired " FMT64 "), outstanding " FMT64 ", offlined " FMT64,
				    n, nd->avail_pages, t->base.reserved[n], r,
				    nd->outstanding_claims, nd->offlined_pages);
		/*
		 * Around a retired frame the buddies cannot merge back; after
		 * a resize the blocks are not the layout's.
		 */
		for (o = 0; !r && !t->base.resized[n] && o <= CE_MAX_ORDER; o++)
			if (tl_free_blocks(&t->h, n, o) != t->base.free_blocks[n][o])
				return fail(t, "node %u: %u free blocks of order %u, baseline %u (buddies not merged back)",
					    n, tl_free_blocks(&t->h, n, o), o,
					    t->base.free_blocks[n][o]);
	}
	return NULL;
}
