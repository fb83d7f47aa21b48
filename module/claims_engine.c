// SPDX-License-Identifier: GPL-2.0
/*
 * The numaclaims accounting engine.  See claims_engine.h for the locking
 * rules and docs/SPEC.md / the Xen claim-set design for the semantics.
 *
 * This file is compiled unchanged into numaclaims.ko, numaclaims_kunit.ko
 * and the userspace engine tests: it includes nothing but nc_shim.h.
 */
#include "claims_engine.h"

/* Frame states (struct ce_pool.state). */
#define CE_FRAME_TAIL		0x00	/* inside a block, not its head */
#define CE_FRAME_FREE		0x40	/* head of a free block; low bits: order */
#define CE_FRAME_USED		0x80	/* allocated to a domain or nobody */
#define CE_FRAME_OFFLINE	0xc0	/* taken out of service */
#define CE_FRAME_DIRTY		0x20	/* free head or offline frame: not known zero */
#define CE_FRAME_SCRUB		0x10	/* head of the block being scrubbed */
/* Offline for good (hardware poison): on no list, never onlined. */
#define CE_FRAME_RETIRED	(CE_FRAME_OFFLINE | CE_FRAME_SCRUB)
/* Head of an absent block (no page there); low bits: order. */
#define CE_FRAME_ABSENT		(CE_FRAME_USED | CE_FRAME_SCRUB)
#define CE_FRAME_KIND(s)	((s) & 0xc0)
#define CE_FRAME_ORDER(s)	((s) & 0x0f)

/* ---------------------------------------------------------------------------
 * Buddy allocator over the frames of one pool.  Free blocks of each order are
 * on a doubly linked list threaded through next[]/prev[] of their head frame,
 * so taking and putting a block is O(1) and splitting/merging O(CE_MAX_ORDER).
 *
 * Scrubbing (Xen's model): a free block is clean (known to be zero: the pool
 * was reserved zeroed, or the block was scrubbed since a domain had it) or
 * dirty, and each kind has its own lists (free_head[], dirty_head[]).
 * Freeing by a domain makes a block dirty; buddies merge whatever their
 * kind and the merged block is dirty if either half was (mixed merging
 * keeps the large blocks populate wants; see ce_heap.merge_like_only for
 * the alternative); a dirty block that is split leaves dirty halves.  So a
 * dirty block may hold clean pages, never the other way round: the module
 * keeps which pages really need clearing (a bit per frame) and a scrub of a
 * dirty block clears only those.  Allocation takes a clean block first and
 * a dirty one only when no clean block fits.
 */

static u32 *pool_head(struct ce_pool *p, bool dirty, unsigned int order)
{
	return dirty ? &p->dirty_head[order] : &p->free_head[order];
}

static void pool_list_add(struct ce_pool *p, u32 f, unsigned int order,
			  bool dirty)
{
	u32 *headp = pool_head(p, dirty, order), head = *headp;

	p->state[f] = CE_FRAME_FREE | (dirty ? CE_FRAME_DIRTY : 0) | order;
	p->prev[f] = CE_NO_FRAME;
	p->next[f] = head;
	if (head != CE_NO_FRAME)
		p->prev[head] = f;
	*headp = f;
	if (dirty)
		p->nr_dirty += 1ULL << order;
}

static void pool_list_del(struct ce_pool *p, u32 f, unsigned int order)
{
	bool dirty = p->state[f] & CE_FRAME_DIRTY;
	u32 next = p->next[f], prev = p->prev[f];

	if (prev != CE_NO_FRAME)
		p->next[prev] = next;
	else
		*pool_head(p, dirty, order) = next;
	if (next != CE_NO_FRAME)
		p->prev[next] = prev;
	p->state[f] = CE_FRAME_TAIL;
	if (dirty)
		p->nr_dirty -= 1ULL << order;
}

/* Is @s the head of a free block of @order that a block of @dirty may join? */
static bool pool_buddy_free(const struct ce_pool *p, u8 s, unsigned int order,
			    bool dirty)
{
	if ((s & ~CE_FRAME_DIRTY) != (CE_FRAME_FREE | order))
		return false;
	return !p->merge_like_only || !!(s & CE_FRAME_DIRTY) == dirty;
}

/* Put the block at @f on the lists; merge with free buddies inside its chunk. */
static void pool_put_block(struct ce_pool *p, u32 f, unsigned int order,
			   bool dirty)
{
	while (order < p->chunk_order[f]) {
		u32 buddy = f ^ (1U << order);
		u8 s = p->state[buddy];

		/*
		 * The same chunk: a grow may have put a smaller chunk where
		 * a shrink left a hole in this one.
		 */
		if (p->chunk_order[buddy] <= order ||
		    !pool_buddy_free(p, s, order, dirty))
			break;
		dirty |= s & CE_FRAME_DIRTY;
		pool_list_del(p, buddy, order);
		f = min(f, buddy);
		order++;
	}
	pool_list_add(p, f, order, dirty);
}

/* Give back the block at @f (it becomes free). */
static void pool_free_block(struct ce_pool *p, u32 f, unsigned int order,
			    bool dirty)
{
	p->nr_free += 1ULL << order;
	pool_put_block(p, f, order, dirty);
}

static bool pool_lists_have(const struct ce_pool *p, unsigned int order)
{
	unsigned int o;

	for (o = order; o <= CE_MAX_ORDER; o++)
		if (p->free_head[o] != CE_NO_FRAME ||
		    p->dirty_head[o] != CE_NO_FRAME)
			return true;
	return false;
}

/*
 * Can the pool give a block of @order?  A block being scrubbed counts: it is
 * free, only off the lists for a moment (ce_alloc_extent() then answers
 * -EAGAIN and the caller makes the scrubber give it back), so scrubbing
 * never changes which node an allocation chooses.
 */
static bool pool_can_alloc(const struct ce_pool *p, unsigned int order)
{
	return pool_lists_have(p, order) ||
	       (p->scrub_frame != CE_NO_FRAME && p->scrub_order >= order);
}

/* The first block of the lowest order >= @order on one kind of lists. */
static u32 pool_find(struct ce_pool *p, bool dirty, unsigned int order,
		     unsigned int *o_out)
{
	unsigned int o;

	for (o = order; o <= CE_MAX_ORDER; o++) {
		u32 f = *pool_head(p, dirty, o);

		if (f != CE_NO_FRAME) {
			*o_out = o;
			return f;
		}
	}
	return CE_NO_FRAME;
}

/*
 * Take a block of @order, splitting a larger one: a clean block if there is
 * one of any order >= @order, else a dirty one (*@dirty says which; the
 * halves split off keep the block's kind).  @dirty_first: the other way
 * round (offlining keeps the clean memory for domains).  CE_NO_FRAME if the
 * lists have no block that large.
 */
static u32 pool_alloc_block(struct ce_pool *p, unsigned int order,
			    bool dirty_first, bool *dirty)
{
	unsigned int o = 0;
	u32 f;

	*dirty = dirty_first;
	f = pool_find(p, *dirty, order, &o);
	if (f == CE_NO_FRAME) {
		*dirty = !dirty_first;
		f = pool_find(p, *dirty, order, &o);
	}
	if (f == CE_NO_FRAME)
		return CE_NO_FRAME;
	pool_list_del(p, f, o);
	while (o > order) {
		o--;
		pool_list_add(p, f + (1U << o), o, *dirty);
	}
	memset(&p->state[f], CE_FRAME_USED, 1U << order);
	p->nr_free -= 1ULL << order;
	return f;
}

void ce_heap_init(struct ce_heap *h)
{
	memset(h, 0, sizeof(*h));
}

int ce_pool_init(struct ce_heap *h, u32 node, u32 nr_frames)
{
	struct ce_pool *p;
	unsigned int o;

	if (node >= CE_MAX_NODES || h->node[node].has_pool)
		return -EINVAL;
	p = &h->node[node].pool;
	memset(p, 0, sizeof(*p));
	p->next = ce_calloc(nr_frames ? nr_frames : 1, sizeof(u32));
	p->prev = ce_calloc(nr_frames ? nr_frames : 1, sizeof(u32));
	p->state = ce_calloc(nr_frames ? nr_frames : 1, sizeof(u8));
	p->chunk_order = ce_calloc(nr_frames ? nr_frames : 1, sizeof(u8));
	if (!p->next || !p->prev || !p->state || !p->chunk_order) {
		ce_pool_destroy(h, node);
		return -ENOMEM;
	}
	p->nr_frames = nr_frames;
	for (o = 0; o <= CE_MAX_ORDER; o++) {
		p->free_head[o] = CE_NO_FRAME;
		p->dirty_head[o] = CE_NO_FRAME;
		p->absent_head[o] = CE_NO_FRAME;
	}
	p->offline_head = CE_NO_FRAME;
	p->scrub_frame = CE_NO_FRAME;
	p->held_head = CE_NO_FRAME;
	p->merge_like_only = h->merge_like_only;
	h->node[node].has_pool = true;
	h->nodes_with_pool |= BIT_ULL(node);
	if (node + 1 > h->nr_nodes)
		h->nr_nodes = node + 1;
	return 0;
}

/* ---------------------------------------------------------------------------
 * Absent frames: frame numbers below a pool's top that hold no page (a
 * shrink gave the page back to Linux, or a grow skipped them to align a
 * chunk).  They are kept as blocks on their own buddy lists, threaded
 * through next[]/prev[] as free blocks are, so a grow finds an aligned
 * slot in O(CE_MAX_ORDER) and a shrink gives frames back in O(1) a block.
 */

static void absent_add(struct ce_pool *p, u32 f, unsigned int order)
{
	u32 head = p->absent_head[order];

	p->state[f] = CE_FRAME_ABSENT | order;
	p->prev[f] = CE_NO_FRAME;
	p->next[f] = head;
	if (head != CE_NO_FRAME)
		p->prev[head] = f;
	p->absent_head[order] = f;
	p->nr_absent += 1ULL << order;
}

static void absent_del(struct ce_pool *p, u32 f, unsigned int order)
{
	u32 next = p->next[f], prev = p->prev[f];

	if (prev != CE_NO_FRAME)
		p->next[prev] = next;
	else
		p->absent_head[order] = next;
	if (next != CE_NO_FRAME)
		p->prev[next] = prev;
	p->state[f] = CE_FRAME_TAIL;
	p->nr_absent -= 1ULL << order;
}

/* Make the block at @f absent, merged with absent buddies below top. */
static void absent_put(struct ce_pool *p, u32 f, unsigned int order)
{
	while (order < CE_MAX_ORDER) {
		u32 buddy = f ^ (1U << order);

		if ((u64)buddy + (1U << order) > p->top ||
		    p->state[buddy] != (CE_FRAME_ABSENT | order))
			break;
		absent_del(p, buddy, order);
		f = min(f, buddy);
		order++;
	}
	absent_add(p, f, order);
}

/* Make frames @from .. @to - 1 absent, as aligned blocks. */
static void absent_span(struct ce_pool *p, u32 from, u32 to)
{
	while (from < to) {
		unsigned int o = 0;

		while (o < CE_MAX_ORDER && !(from & (1U << o)) &&
		       (u64)from + (2U << o) <= to)
			o++;
		absent_put(p, from, o);
		from += 1U << o;
	}
}

void ce_pool_add_chunk(struct ce_heap *h, u32 node, u32 first_frame,
		       unsigned int order)
{
	struct ce_node *n = &h->node[node];
	struct ce_pool *p = &n->pool;
	u32 i;

	/* Above top: what it skips is absent, for a later grow. */
	if (first_frame >= p->top) {
		absent_span(p, p->top, first_frame);
		p->top = first_frame + (1U << order);
	}
	for (i = 0; i < (1U << order); i++) {
		p->chunk_order[first_frame + i] = order;
		p->state[first_frame + i] = CE_FRAME_TAIL;
	}
	/* The module reserves pool pages zeroed: a new chunk is clean. */
	pool_free_block(p, first_frame, order, false);
	n->reserved_pages += 1ULL << order;
	n->avail_pages += 1ULL << order;
	h->total_avail_pages += 1ULL << order;
}

u32 ce_pool_slot_take(struct ce_heap *h, u32 node, unsigned int order)
{
	struct ce_pool *p;
	unsigned int o;
	u64 slot;
	u32 f;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool ||
	    order > CE_MAX_ORDER)
		return CE_NO_FRAME;
	p = &h->node[node].pool;
	for (o = order; o <= CE_MAX_ORDER; o++) {
		f = p->absent_head[o];
		if (f == CE_NO_FRAME)
			continue;
		absent_del(p, f, o);
		/* Split down: the upper halves stay absent. */
		while (o > order) {
			o--;
			absent_add(p, f + (1U << o), o);
		}
		return f;
	}
	slot = ((u64)p->top + (1U << order) - 1) & ~((u64)(1U << order) - 1);
	if (slot + (1U << order) > p->nr_frames)
		return CE_NO_FRAME;
	absent_span(p, p->top, (u32)slot);
	p->top = (u32)slot + (1U << order);
	return (u32)slot;
}

u64 ce_pool_free_slots(const struct ce_heap *h, u32 node)
{
	const struct ce_pool *p;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return 0;
	p = &h->node[node].pool;
	return p->nr_frames - p->top + p->nr_absent;
}

u64 ce_pool_unclaimed(const struct ce_heap *h, u32 node)
{
	const struct ce_node *n;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return 0;
	n = &h->node[node];
	return min(n->avail_pages - n->outstanding_claims,
		   h->total_avail_pages - h->outstanding_claims);
}

int ce_pool_shrink_commit(struct ce_heap *h, u32 node, u64 pages)
{
	struct ce_node *n;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return -ENOENT;
	node = ce_array_index_nospec(node, CE_MAX_NODES);
	n = &h->node[node];
	if (pages > ce_pool_unclaimed(h, node))
		return -EBUSY;
	n->avail_pages -= pages;
	n->reserved_pages -= pages;
	n->shrink_pending += pages;
	h->total_avail_pages -= pages;
	return 0;
}

u32 ce_pool_shrink_take(struct ce_heap *h, u32 node, unsigned int max_order,
			unsigned int *order_out, bool *dirty_out)
{
	struct ce_node *n;
	struct ce_pool *p;
	unsigned int o, max_o = 0;
	u32 f = CE_NO_FRAME;
	bool dirty = false;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool ||
	    !h->node[node].shrink_pending)
		return CE_NO_FRAME;
	n = &h->node[node];
	p = &n->pool;
	while (max_o < CE_MAX_ORDER && max_o < max_order &&
	       (2ULL << max_o) <= n->shrink_pending)
		max_o++;
	/* Whole blocks, the largest that fits first: Linux gets them whole. */
	for (o = max_o + 1; o > 0 && f == CE_NO_FRAME; o--) {
		dirty = p->dirty_head[o - 1] != CE_NO_FRAME;
		f = *pool_head(p, dirty, o - 1);
		if (f != CE_NO_FRAME) {
			pool_list_del(p, f, o - 1);
			p->nr_free -= 1ULL << (o - 1);
			*order_out = o - 1;
		}
	}
	if (f == CE_NO_FRAME) {
		/* Only larger blocks (or the one being scrubbed) are left. */
		f = pool_alloc_block(p, max_o, true, &dirty);
		if (f == CE_NO_FRAME)
			return CE_NO_FRAME;
		memset(&p->state[f], CE_FRAME_TAIL, 1U << max_o);
		*order_out = max_o;
	}
	absent_put(p, f, *order_out);
	n->shrink_pending -= 1ULL << *order_out;
	*dirty_out = dirty;
	return f;
}

/*
 * Retire a node's pool.  The caller has destroyed every domain; the pool's
 * pages are free or offlined and go back to Linux with the node's counters.
 */
void ce_pool_destroy(struct ce_heap *h, u32 node)
{
	struct ce_node *n = &h->node[node];
	struct ce_pool *p = &n->pool;

	ce_sp_pool_destroy(h, node);
	ce_free(p->next);
	ce_free(p->prev);
	ce_free(p->state);
	ce_free(p->chunk_order);
	memset(p, 0, sizeof(*p));
	if (n->has_pool) {
		h->total_avail_pages -= n->avail_pages;
		h->total_held_pages -= n->held_pages;
		h->nodes_with_pool &= ~BIT_ULL(node);
	}
	n->has_pool = false;
	n->reserved_pages = 0;
	n->avail_pages = 0;
	n->offlined_pages = 0;
	n->offline_pending = 0;
	n->shrink_pending = 0;
	n->held_pages = 0;
	n->retired_pages = 0;
}

/* ---------------------------------------------------------------------------
 * Superpages: per node, a stack of free whole order-9 blocks that are never
 * split (docs/MAPPING.md, "Superpages").  Their accounting is kept apart
 * from the 4 KiB pool's: a superpage is never counted in avail_pages,
 * outstanding_claims, held_pages or reserved_pages, so every rule about
 * 4 KiB memory stays as it was, and no allocation of 4 KiB pages can ever
 * break up a superpage (that is what protects superpage claims).
 *
 * Which superpage a counted order-9 allocation may take on node n: one of
 * its own superpage claim on n (redeemed first), else an unclaimed one
 * (sp_avail > sp_claims).  An uncounted (NO_REFCOUNT) one takes unclaimed
 * superpages only.  Redeem order of a counted superpage: the domain's
 * superpage claim on n; if it had none there, the 512 pages redeem its
 * 4 KiB claims as any allocation does (node n, host-wide, other nodes),
 * and what is still missing for tot_pages + claims <= max_pages gives up
 * superpage claims of other nodes, a whole superpage at a time (ascending
 * from n + 1).  4 KiB allocations end their redeem the same way.
 */

int ce_sp_pool_init(struct ce_heap *h, u32 node, u32 nr)
{
	struct ce_node *n;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool ||
	    h->node[node].sp_free)
		return -EINVAL;
	n = &h->node[node];
	n->sp_free = ce_calloc(nr ? nr : 1, sizeof(u32));
	if (!n->sp_free)
		return -ENOMEM;
	n->sp_nr = nr;
	return 0;
}

void ce_sp_pool_add(struct ce_heap *h, u32 node, u32 index)
{
	struct ce_node *n = &h->node[node];

	n->sp_free[n->sp_avail++] = index;
	n->sp_reserved++;
}

void ce_sp_pool_destroy(struct ce_heap *h, u32 node)
{
	struct ce_node *n = &h->node[node];

	ce_free(n->sp_free);
	n->sp_free = NULL;
	n->sp_nr = 0;
	n->sp_reserved = 0;
	n->sp_avail = 0;
	n->sp_claims = 0;
	n->sp_held = 0;
	n->sp_retired = 0;
}

/* Superpages of @node that no claim of anyone but @d (counted) holds. */
static bool sp_node_fits(const struct ce_heap *h, const struct ce_domain *d,
			 bool counted, u32 node)
{
	const struct ce_node *n;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return false;
	n = &h->node[node];
	if (!n->sp_avail)
		return false;
	if (counted && d->sp_claims[node])
		return true;
	return n->sp_avail > n->sp_claims;
}

static void drop_sp_claim(struct ce_heap *h, struct ce_domain *d, u32 node,
			  u64 sps)
{
	d->sp_claims[node] -= sps;
	d->sp_claims_total -= sps;
	h->node[node].sp_claims -= sps;
}

/* 4 KiB claims + superpage claims, in pages. */
static u64 all_claims(const struct ce_domain *d)
{
	return d->outstanding_pages + d->sp_claims_total * CE_SP_PAGES;
}

/* ---------------------------------------------------------------------------
 * Domains.
 */

void ce_domain_init(struct ce_heap *h, struct ce_domain *d, u32 domid,
		    u64 max_pages)
{
	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->max_pages = max_pages;
	d->node_affinity = h->nodes_with_pool;
	d->last_alloc_node = CE_MAX_NODES - 1;
	d->next = h->domains;
	if (h->domains)
		h->domains->prev = d;
	h->domains = d;
	h->nr_domains++;
}

void ce_domain_remove(struct ce_heap *h, struct ce_domain *d)
{
	ce_release_claims(h, d);
	if (d->prev)
		d->prev->next = d->next;
	else
		h->domains = d->next;
	if (d->next)
		d->next->prev = d->prev;
	d->prev = d->next = NULL;
	h->nr_domains--;
}

struct ce_domain *ce_domain_find(struct ce_heap *h, u32 domid)
{
	struct ce_domain *d;

	for (d = h->domains; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

/* The domain's host-wide claim: the part of its claims bound to no node. */
static u64 host_wide_claim(const struct ce_domain *d)
{
	return d->outstanding_pages - d->node_claims;
}

static void drop_node_claim(struct ce_heap *h, struct ce_domain *d, u32 node,
			    u64 pages)
{
	d->claims[node] -= pages;
	d->node_claims -= pages;
	d->outstanding_pages -= pages;
	h->node[node].outstanding_claims -= pages;
	h->outstanding_claims -= pages;
}

static void drop_host_wide_claim(struct ce_heap *h, struct ce_domain *d,
				 u64 pages)
{
	d->outstanding_pages -= pages;
	h->outstanding_claims -= pages;
}

void ce_release_claims(struct ce_heap *h, struct ce_domain *d)
{
	u32 node;

	/* Claims exist only on nodes with a pool, all below nr_nodes. */
	for (node = 0; node < h->nr_nodes && d->node_claims; node++)
		if (d->claims[node])
			drop_node_claim(h, d, node, d->claims[node]);
	drop_host_wide_claim(h, d, host_wide_claim(d));
	for (node = 0; node < h->nr_nodes && d->sp_claims_total; node++)
		if (d->sp_claims[node])
			drop_sp_claim(h, d, node, d->sp_claims[node]);
}

/*
 * Upstream Xen lets max_pages drop below tot_pages + outstanding_pages and
 * keeps the claims (a known hole).  We recall the excess so that
 * tot_pages + outstanding_pages <= max_pages keeps holding: the host-wide
 * part first (it promises no placement), then node claims in node order.
 */
void ce_set_max_pages(struct ce_heap *h, struct ce_domain *d, u64 max_pages)
{
	u64 allowed = max_pages > d->tot_pages ? max_pages - d->tot_pages : 0;
	u64 excess, take;
	u32 node;

	d->max_pages = max_pages;
	if (all_claims(d) <= allowed)
		return;
	excess = all_claims(d) - allowed;
	take = min(excess, host_wide_claim(d));
	drop_host_wide_claim(h, d, take);
	excess -= take;
	for (node = 0; node < CE_MAX_NODES && excess; node++) {
		take = min(excess, d->claims[node]);
		if (take)
			drop_node_claim(h, d, node, take);
		excess -= take;
	}
	/* Then superpage claims, whole superpages, in node order. */
	for (node = 0; node < CE_MAX_NODES && excess; node++) {
		take = min_t(u64, d->sp_claims[node],
			   (excess + CE_SP_PAGES - 1) / CE_SP_PAGES);
		if (take)
			drop_sp_claim(h, d, node, take);
		excess -= min(excess, take * CE_SP_PAGES);
	}
}

int ce_set_node_affinity(struct ce_heap *h, struct ce_domain *d, u64 mask)
{
	if (!(mask & h->nodes_with_pool))
		return -EINVAL;
	d->node_affinity = mask & h->nodes_with_pool;
	return 0;
}

/* ---------------------------------------------------------------------------
 * Claims.
 */

static u64 host_unclaimed(const struct ce_heap *h)
{
	return h->total_avail_pages - h->outstanding_claims;
}

static u64 node_unclaimed(const struct ce_heap *h, u32 node)
{
	return h->node[node].avail_pages - h->node[node].outstanding_claims;
}

int ce_claim_set_check_count(const struct ce_heap *h, u32 nr_entries)
{
	if (!nr_entries)
		return -EINVAL;
	if (nr_entries > 2 * h->nr_nodes + 1)
		return -E2BIG;
	return 0;
}

/*
 * Replace all of @d's claims by @node_claims[] plus @host_wide, and its
 * superpage claims by @sp_claims[] (superpages; NULL: none).
 */
static void install_claims(struct ce_heap *h, struct ce_domain *d,
			   const u64 *node_claims, u64 host_wide,
			   const u64 *sp_claims)
{
	u32 node;

	ce_release_claims(h, d);
	for (node = 0; node < h->nr_nodes; node++) {
		if (sp_claims && sp_claims[node]) {
			d->sp_claims[node] = sp_claims[node];
			d->sp_claims_total += sp_claims[node];
			h->node[node].sp_claims += sp_claims[node];
		}
		if (!node_claims[node])
			continue;
		d->claims[node] = node_claims[node];
		d->node_claims += node_claims[node];
		h->node[node].outstanding_claims += node_claims[node];
	}
	d->outstanding_pages = d->node_claims + host_wide;
	h->outstanding_claims += d->outstanding_pages;
}

/*
 * Legacy target arithmetic (domain_set_outstanding_pages()), shared by
 * CLAIM_PAGES and a LEGACY claim-set entry.  Returns the host-wide claim.
 */
static int legacy_claim(const struct ce_domain *d, u64 target, u64 *claim)
{
	if (target <= d->tot_pages || target > d->max_pages)
		return -EINVAL;
	*claim = target - d->tot_pages;
	return 0;
}

int ce_claim_set_install(struct ce_heap *h, struct ce_domain *d,
			 const struct numaclaims_claim *set, u32 nr_entries)
{
	u64 node_claims[CE_MAX_NODES], sp_claims[CE_MAX_NODES];
	u64 seen_nodes = 0, seen_sp = 0, host_wide = 0, total = 0, total4k = 0;
	bool seen_host = false;
	u32 i;
	int ret;

	/* 1. count */
	ret = ce_claim_set_check_count(h, nr_entries);
	if (ret)
		return ret;
	/* Only nodes below nr_nodes can have a pool (and so be read back). */
	memset(node_claims, 0, h->nr_nodes * sizeof(node_claims[0]));
	memset(sp_claims, 0, h->nr_nodes * sizeof(sp_claims[0]));

	/* 2. per entry, in array order */
	for (i = 0; i < nr_entries; i++) {
		const struct numaclaims_claim *c = &set[i];
		bool sp = c->cmd == NUMACLAIMS_CLAIM_SUPERPAGES;
		u32 node = c->target;

		if (c->cmd != NUMACLAIMS_CLAIM_PAGES_CMD && !sp)
			return -EINVAL;
		if (sp && (c->target >= NUMACLAIMS_TARGET_SPECIAL ||
			   c->pages % CE_SP_PAGES))
			return -EINVAL;
		if (c->target == NUMACLAIMS_TARGET_LEGACY) {
			u64 claim = 0;

			if (nr_entries != 1)
				return -EINVAL;
			if (!c->pages) {
				ce_release_claims(h, d);
				return 0;
			}
			ret = legacy_claim(d, c->pages, &claim);
			if (ret)
				return ret;
			if (claim > host_unclaimed(h) + d->outstanding_pages)
				return -ENOMEM;
			install_claims(h, d, node_claims, claim, NULL);
			return 0;
		}
		if (c->target == NUMACLAIMS_TARGET_HOST) {
			if (seen_host)
				return -EINVAL;
			seen_host = true;
			host_wide = c->pages;
		} else if (c->target >= NUMACLAIMS_TARGET_SPECIAL) {
			return -EINVAL;
		} else {
			u64 seen = sp ? seen_sp : seen_nodes;

			if (node < CE_MAX_NODES && (seen & BIT_ULL(node)))
				return -EINVAL;
		}
		if (check_add_overflow(total, c->pages, &total))
			return -EINVAL;
		if (!sp)
			total4k += c->pages;
		if (c->target == NUMACLAIMS_TARGET_HOST)
			continue;
		if (node >= CE_MAX_NODES || !h->node[node].has_pool)
			return -ENOENT;
		/* A user value that indexes arrays from here on. */
		node = ce_array_index_nospec(node, CE_MAX_NODES);
		if (sp) {
			const struct ce_node *n = &h->node[node];
			u64 sps = c->pages / CE_SP_PAGES;

			seen_sp |= BIT_ULL(node);
			/* Own superpage claim here is replaced: free. */
			if (sps > n->sp_avail - n->sp_claims +
				  d->sp_claims[node])
				return -ENOMEM;
			sp_claims[node] = sps;
			continue;
		}
		seen_nodes |= BIT_ULL(node);
		/* The domain's own claim here is replaced, so it counts as free. */
		if (c->pages > node_unclaimed(h, node) + d->claims[node])
			return -ENOMEM;
		node_claims[node] = c->pages;
	}

	/*
	 * 3. the domain's limit.  A set claiming nothing always passes, so
	 * {0, HOST} clears the claims even after SET_MAX_PAGES went below
	 * tot_pages.
	 */
	if (total && (total > d->max_pages ||
		      d->tot_pages > d->max_pages - total))
		return -EINVAL;

	/* 4. the host's unclaimed memory (4 KiB claims) */
	if (total4k > host_unclaimed(h) + d->outstanding_pages)
		return -ENOMEM;

	install_claims(h, d, node_claims, host_wide, sp_claims);
	return 0;
}

/* Spread @need over the nodes of @mask, each up to @room less what it grows already. */
static u64 spread_growth(const struct ce_heap *h, u64 mask, const u64 *room,
			 u64 *shortfall, u64 need)
{
	u32 node;

	for (node = 0; node < h->nr_nodes && need; node++) {
		u64 take;

		if (!(mask & BIT_ULL(node)) || room[node] <= shortfall[node])
			continue;
		take = min(need, room[node] - shortfall[node]);
		shortfall[node] += take;
		need -= take;
	}
	return need;
}

int ce_claim_set_shortfall(const struct ce_heap *h, const struct ce_domain *d,
			   const struct numaclaims_claim *set, u32 nr_entries,
			   u64 grow, const u64 *room, u64 *shortfall)
{
	u64 set_nodes = 0, total4k = 0, have, host;
	u32 i, node;

	memset(shortfall, 0, CE_MAX_NODES * sizeof(*shortfall));
	if (ce_claim_set_check_count(h, nr_entries))
		return -EINVAL;
	grow &= h->nodes_with_pool;
	for (i = 0; i < nr_entries; i++) {
		const struct numaclaims_claim *c = &set[i];

		if (c->cmd != NUMACLAIMS_CLAIM_PAGES_CMD &&
		    c->cmd != NUMACLAIMS_CLAIM_SUPERPAGES)
			return -EINVAL;
		if (c->target == NUMACLAIMS_TARGET_LEGACY) {
			u64 claim;

			if (nr_entries != 1 || c->cmd != NUMACLAIMS_CLAIM_PAGES_CMD)
				return -EINVAL;
			if (!c->pages || legacy_claim(d, c->pages, &claim))
				return 0;	/* fails, or fits, for another reason */
			total4k = claim;
			break;
		}
		if (c->target == NUMACLAIMS_TARGET_HOST) {
			if (c->cmd != NUMACLAIMS_CLAIM_PAGES_CMD)
				return -EINVAL;
			if (check_add_overflow(total4k, c->pages, &total4k))
				return -EINVAL;
			continue;
		}
		node = c->target;
		if (node >= CE_MAX_NODES || !h->node[node].has_pool)
			return -EINVAL;
		node = ce_array_index_nospec(node, CE_MAX_NODES);
		if (c->cmd == NUMACLAIMS_CLAIM_SUPERPAGES) {
			const struct ce_node *n = &h->node[node];

			/* Superpage pools do not grow. */
			if (c->pages / CE_SP_PAGES > n->sp_avail - n->sp_claims +
						     d->sp_claims[node])
				return -ENOMEM;
			continue;
		}
		if (set_nodes & BIT_ULL(node))
			return -EINVAL;
		set_nodes |= BIT_ULL(node);
		if (check_add_overflow(total4k, c->pages, &total4k))
			return -EINVAL;
		have = node_unclaimed(h, node) + d->claims[node];
		if (c->pages <= have)
			continue;
		if (!(grow & BIT_ULL(node)) || c->pages - have > room[node])
			return -ENOMEM;
		shortfall[node] = c->pages - have;
	}

	/* What the host-wide check lacks after those grow: the set's nodes first. */
	have = host_unclaimed(h) + d->outstanding_pages;
	for (node = 0; node < h->nr_nodes; node++)
		have += shortfall[node];
	if (total4k <= have)
		return 0;
	host = total4k - have;
	host = spread_growth(h, grow & set_nodes, room, shortfall, host);
	host = spread_growth(h, grow & ~set_nodes, room, shortfall, host);
	return host ? -ENOMEM : 0;
}

int ce_claim_set_get(const struct ce_heap *h, const struct ce_domain *d,
		     struct numaclaims_claim *set, u32 *nr_entries)
{
	u32 needed = 0, node;

	for (node = 0; node < h->nr_nodes; node++)
		needed += !!d->claims[node] + !!d->sp_claims[node];
	if (host_wide_claim(d))
		needed++;
	if (needed > *nr_entries) {
		*nr_entries = needed;
		return -ERANGE;
	}
	needed = 0;
	for (node = 0; node < h->nr_nodes; node++) {
		if (!d->claims[node])
			continue;
		set[needed].pages = d->claims[node];
		set[needed].target = node;
		set[needed].cmd = NUMACLAIMS_CLAIM_PAGES_CMD;
		needed++;
	}
	for (node = 0; node < h->nr_nodes; node++) {
		if (!d->sp_claims[node])
			continue;
		set[needed].pages = d->sp_claims[node] * CE_SP_PAGES;
		set[needed].target = node;
		set[needed].cmd = NUMACLAIMS_CLAIM_SUPERPAGES;
		needed++;
	}
	if (host_wide_claim(d)) {
		set[needed].pages = host_wide_claim(d);
		set[needed].target = NUMACLAIMS_TARGET_HOST;
		set[needed].cmd = NUMACLAIMS_CLAIM_PAGES_CMD;
		needed++;
	}
	*nr_entries = needed;
	return 0;
}

int ce_claim_pages_legacy(struct ce_heap *h, struct ce_domain *d, u64 pages)
{
	u64 claim = 0, zero[CE_MAX_NODES] = { 0 };
	int ret;

	if (!pages) {
		ce_release_claims(h, d);
		return 0;
	}
	/* One active claim per domain (superpage claims count). */
	if (d->outstanding_pages || d->sp_claims_total)
		return -EINVAL;
	ret = legacy_claim(d, pages, &claim);
	if (ret)
		return ret;
	if (claim > host_unclaimed(h))
		return -ENOMEM;
	install_claims(h, d, zero, claim, NULL);
	return 0;
}

/* ---------------------------------------------------------------------------
 * Allocation: protection checks, node choice (get_free_buddy()), redeeming.
 */

static bool node_fits(const struct ce_heap *h, const struct ce_domain *d,
		      bool counted, u32 node, u64 pages, unsigned int order)
{
	const struct ce_node *n;
	u64 usable;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return false;
	n = &h->node[node];
	usable = node_unclaimed(h, node) + (counted ? d->claims[node] : 0);
	return pages <= usable && pool_can_alloc(&n->pool, order);
}

/*
 * Pick a node as upstream get_free_buddy() does: the requested node, else
 * the domain's affinity round robin from the node after the last one used;
 * then (unless exact) the remaining nodes in order.
 */
static int choose_node(const struct ce_heap *h, const struct ce_domain *d,
		       bool counted, int req_node, bool exact, u64 pages,
		       unsigned int order)
{
	u64 affinity = d ? d->node_affinity : h->nodes_with_pool;
	u64 tried = 0;
	u32 start, i, node;

	if (req_node >= 0) {
		if (node_fits(h, d, counted, req_node, pages, order))
			return req_node;
		if (exact)
			return -1;
		tried |= BIT_ULL(req_node);
	}
	start = d ? d->last_alloc_node + 1 : 0;
	for (i = 0; i < CE_MAX_NODES; i++) {
		node = (start + i) % CE_MAX_NODES;
		if (!(affinity & BIT_ULL(node)) || (tried & BIT_ULL(node)))
			continue;
		if (node_fits(h, d, counted, node, pages, order))
			return node;
		tried |= BIT_ULL(node);
	}
	if (exact)
		return -1;
	for (node = 0; node < h->nr_nodes; node++) {
		if (tried & BIT_ULL(node))
			continue;
		if (node_fits(h, d, counted, node, pages, order))
			return node;
	}
	return -1;
}

/*
 * What tot_pages + all claims <= max_pages still needs after a counted
 * allocation redeemed its 4 KiB claims: superpage claims of other nodes
 * (then @node's), whole superpages, ascending from @node + 1.
 */
static void sp_redeem_excess(struct ce_heap *h, struct ce_domain *d, u32 node)
{
	u64 allowed = d->max_pages > d->tot_pages ?
		      d->max_pages - d->tot_pages : 0;
	u32 i;

	for (i = 1; i <= h->nr_nodes && d->sp_claims_total &&
		    all_claims(d) > allowed; i++) {
		u32 other = (node + i) % h->nr_nodes;
		u64 excess = all_claims(d) - allowed;
		u64 take = min_t(u64, d->sp_claims[other],
			       (excess + CE_SP_PAGES - 1) / CE_SP_PAGES);

		if (!take)
			continue;
		drop_sp_claim(h, d, other, take);
		d->redeemed[2] += take * CE_SP_PAGES;
	}
}

/*
 * Redeem claims for a counted allocation of @pages on @node (Xen's
 * redeem_claims_for_allocation()): the claim on @node, then the host-wide
 * claim, then other nodes' claims, so tot_pages + outstanding_pages stays
 * within max_pages.
 */
static void redeem_claims(struct ce_heap *h, struct ce_domain *d, u32 node,
			  u64 pages)
{
	u64 take;
	u32 i;

	take = min(pages, d->claims[node]);
	if (take)
		drop_node_claim(h, d, node, take);
	d->redeemed[0] = take;
	pages -= take;

	take = min(pages, host_wide_claim(d));
	drop_host_wide_claim(h, d, take);
	d->redeemed[1] = take;
	pages -= take;
	d->redeemed[2] = pages;

	/* Other nodes' claims, in order after @node, while there are any. */
	for (i = 1; i < h->nr_nodes && pages && d->node_claims; i++) {
		u32 other = (node + i) % h->nr_nodes;

		take = min(pages, d->claims[other]);
		if (take)
			drop_node_claim(h, d, other, take);
		pages -= take;
	}
	d->redeemed[2] -= pages;
	sp_redeem_excess(h, d, node);
}

/*
 * The checks every allocation makes first, in the documented order: the
 * requested node (ENOENT without a pool), then the domain's max_pages
 * (E2BIG) for a counted one.  *@req_node is clamped for speculation.
 */
static int alloc_prechecks(struct ce_heap *h, struct ce_domain *d,
			   bool counted, int *req_node, u64 pages)
{
	if (d)
		memset(d->redeemed, 0, sizeof(d->redeemed));
	if (*req_node >= 0 &&
	    (*req_node >= CE_MAX_NODES || !h->node[*req_node].has_pool))
		return -ENOENT;
	if (*req_node >= 0)
		*req_node = ce_array_index_nospec(*req_node, CE_MAX_NODES);
	if (counted && (d->tot_pages > d->max_pages ||
			pages > d->max_pages - d->tot_pages))
		return -E2BIG;
	return 0;
}

/*
 * @node's available memory went down: recall the claims that no longer fit,
 * node claims there, then host-wide ones, from the newest domains first.
 */
static void recall_claims(struct ce_heap *h, u32 node)
{
	struct ce_node *n = &h->node[node];
	struct ce_domain *d;

	for (d = h->domains; d && n->outstanding_claims > n->avail_pages;
	     d = d->next) {
		u64 take = min(d->claims[node],
			       n->outstanding_claims - n->avail_pages);

		if (take) {
			drop_node_claim(h, d, node, take);
			ce_trace_recall(d->domid, node, take);
		}
	}
	for (d = h->domains; d && h->outstanding_claims > h->total_avail_pages;
	     d = d->next) {
		u64 take = min(host_wide_claim(d),
			       h->outstanding_claims - h->total_avail_pages);

		drop_host_wide_claim(h, d, take);
		if (take)
			ce_trace_recall(d->domid, -1, take);
	}
}

/*
 * The block [@f, @f + 2^@order) of @node, just taken off the free lists:
 * if h->frame_bad() says any frame of it is bad, retire those (offline for
 * good, counted in retired_pages) and put the others back one by one with
 * the block's kind (they merge again); available memory goes down by the
 * frames retired and the claims that no longer fit are recalled, as an
 * offline does.  Returns whether any frame was bad.  O(2^order).
 */
static bool pool_retire_bad(struct ce_heap *h, u32 node, u32 f,
			    unsigned int order, bool dirty)
{
	struct ce_node *n = &h->node[node];
	struct ce_pool *p = &n->pool;
	u32 i, nr = 1U << order, bad = 0;

	for (i = 0; i < nr; i++)
		bad += h->frame_bad(node, f + i);
	if (!bad)
		return false;
	for (i = 0; i < nr; i++) {
		if (h->frame_bad(node, f + i))
			p->state[f + i] = CE_FRAME_RETIRED;
		else
			pool_free_block(p, f + i, 0, dirty);
	}
	n->avail_pages -= bad;
	h->total_avail_pages -= bad;
	n->offlined_pages += bad;
	n->retired_pages += bad;
	recall_claims(h, node);
	return true;
}

int ce_alloc_extent(struct ce_heap *h, struct ce_domain *d,
		    unsigned int order, int req_node, u32 memflags,
		    u32 *node_out, u32 *frame_out, bool *dirty_out)
{
	bool dirty;
	bool counted = d && !(memflags & CE_MEMF_NO_REFCOUNT);
	bool exact = memflags & CE_MEMF_EXACT_NODE;
	u64 pages, usable;
	u32 frame;
	int node, ret;

	/* Validated before it is used as a shift count or an index. */
	if (order > CE_MAX_ORDER)
		return -EINVAL;
	pages = 1ULL << order;
again:
	ret = alloc_prechecks(h, d, counted, &req_node, pages);
	if (ret)
		return ret;

	/* Protection of host-wide claims. */
	usable = host_unclaimed(h) + (counted ? d->outstanding_pages : 0);
	if (pages > usable)
		return -ENOMEM;

	/* Protection of node claims, per candidate node. */
	node = choose_node(h, d, counted, req_node, exact, pages, order);
	if (node < 0)
		return -ENOMEM;

	frame = pool_alloc_block(&h->node[node].pool, order, false, &dirty);
	if (frame == CE_NO_FRAME) {
		/*
		 * The node fits only because of the block being scrubbed:
		 * nothing changed; the caller makes the scrubber give it back
		 * (within one page) and tries again.
		 */
		*node_out = node;
		return -EAGAIN;
	}
	/*
	 * A bad frame in it: retired, the rest back on the lists, claims
	 * that no longer fit recalled; decide again (each pass retires at
	 * least one frame, so this ends).
	 */
	if (h->frame_bad && pool_retire_bad(h, node, frame, order, dirty))
		goto again;
	h->node[node].avail_pages -= pages;
	h->total_avail_pages -= pages;
	if (d) {
		d->node_pages[node] += pages;
		d->last_alloc_node = node;
		if (counted) {
			d->tot_pages += pages;
			redeem_claims(h, d, node, pages);
		} else {
			d->uncounted_pages += pages;
		}
	}
	*node_out = node;
	*frame_out = frame;
	if (dirty_out)
		*dirty_out = dirty;
	return 0;
}

/*
 * Pick a node for a superpage: the requested one; else the nodes where @d
 * has superpage claims (round robin from the node after the last one
 * used), then its affinity, then (unless exact) any node.
 */
static int sp_choose_node(const struct ce_heap *h, const struct ce_domain *d,
			  bool counted, int req_node, bool exact)
{
	u64 affinity = d ? d->node_affinity : h->nodes_with_pool;
	u32 start = d ? d->last_alloc_node + 1 : 0, i, node;

	if (req_node >= 0)
		return sp_node_fits(h, d, counted, req_node) ? req_node : -1;
	for (i = 0; counted && i < CE_MAX_NODES; i++) {
		node = (start + i) % CE_MAX_NODES;
		if (d->sp_claims[node] && sp_node_fits(h, d, counted, node))
			return node;
	}
	for (i = 0; i < CE_MAX_NODES; i++) {
		node = (start + i) % CE_MAX_NODES;
		if ((affinity & BIT_ULL(node)) &&
		    sp_node_fits(h, d, counted, node))
			return node;
	}
	if (exact)
		return -1;
	for (node = 0; node < h->nr_nodes; node++)
		if (sp_node_fits(h, d, counted, node))
			return node;
	return -1;
}

/* @node has fewer free superpages: recall the superpage claims over them. */
static void sp_recall_claims(struct ce_heap *h, u32 node)
{
	struct ce_node *n = &h->node[node];
	struct ce_domain *d;

	for (d = h->domains; d && n->sp_claims > n->sp_avail; d = d->next) {
		u64 take = min(d->sp_claims[node], n->sp_claims - n->sp_avail);

		if (take) {
			drop_sp_claim(h, d, node, take);
			ce_trace_recall(d->domid, node, take * CE_SP_PAGES);
		}
	}
}

int ce_alloc_superpage(struct ce_heap *h, struct ce_domain *d, int req_node,
		       u32 memflags, u32 *node_out, u32 *index_out)
{
	bool counted = d && !(memflags & CE_MEMF_NO_REFCOUNT);
	bool exact = memflags & CE_MEMF_EXACT_NODE;
	struct ce_node *n;
	int node, ret;

again:
	ret = alloc_prechecks(h, d, counted, &req_node, CE_SP_PAGES);
	if (ret)
		return ret;
	node = sp_choose_node(h, d, counted, req_node, exact);
	if (node < 0)
		return -ENOMEM;
	n = &h->node[node];
	*index_out = n->sp_free[--n->sp_avail];
	/*
	 * A bad page in it: retired whole, the superpage claims that no
	 * longer fit recalled (newest domains first); choose again.
	 */
	if (h->sp_bad && h->sp_bad(node, *index_out)) {
		n->sp_retired++;
		sp_recall_claims(h, node);
		goto again;
	}
	*node_out = node;
	if (!d)
		return 0;
	d->node_pages[node] += CE_SP_PAGES;
	d->sp_pages[node]++;
	d->last_alloc_node = node;
	if (!counted) {
		d->uncounted_pages += CE_SP_PAGES;
		return 0;
	}
	d->tot_pages += CE_SP_PAGES;
	if (d->sp_claims[node]) {
		drop_sp_claim(h, d, node, 1);
		d->redeemed[0] = CE_SP_PAGES;
		sp_redeem_excess(h, d, node);
	} else {
		redeem_claims(h, d, node, CE_SP_PAGES);
	}
	return 0;
}

static void domain_drop_sp(struct ce_domain *d, u32 node, bool counted)
{
	d->node_pages[node] -= CE_SP_PAGES;
	d->sp_pages[node]--;
	if (counted)
		d->tot_pages -= CE_SP_PAGES;
	else
		d->uncounted_pages -= CE_SP_PAGES;
}

void ce_free_superpage(struct ce_heap *h, struct ce_domain *d, u32 node,
		       u32 index, bool counted)
{
	struct ce_node *n = &h->node[node];

	n->sp_free[n->sp_avail++] = index;
	if (d)
		domain_drop_sp(d, node, counted);
}

void ce_free_superpage_held(struct ce_heap *h, struct ce_domain *d, u32 node,
			    bool counted)
{
	h->node[node].sp_held++;
	domain_drop_sp(d, node, counted);
}

void ce_retire_superpage_held(struct ce_heap *h, u32 node)
{
	h->node[node].sp_held--;
	h->node[node].sp_retired++;
}

void ce_release_superpage_held(struct ce_heap *h, u32 node, u32 index)
{
	struct ce_node *n = &h->node[node];

	n->sp_held--;
	n->sp_free[n->sp_avail++] = index;
}

/* Take pages from @d's accounting (the physmap no longer has them). */
static void domain_drop_pages(struct ce_domain *d, u32 node, u64 pages,
			      bool counted)
{
	d->node_pages[node] -= pages;
	if (counted)
		d->tot_pages -= pages;
	else
		d->uncounted_pages -= pages;
}

void ce_free_pages(struct ce_heap *h, struct ce_domain *d, u32 node,
		   u32 frame, unsigned int order, bool counted)
{
	u64 pages = 1ULL << order;

	/* It had a domain's data (or may have): dirty. */
	pool_free_block(&h->node[node].pool, frame, order, true);
	h->node[node].avail_pages += pages;
	h->total_avail_pages += pages;
	if (d)
		domain_drop_pages(d, node, pages, counted);
}

/*
 * Held frames stay CE_FRAME_USED (not free, not offline) and are linked,
 * newest first, through next[]/prev[], which no USED frame otherwise uses:
 * the reaper visits them without scanning the pool.
 */
void ce_free_held(struct ce_heap *h, struct ce_domain *d, u32 node,
		  u32 frame, bool counted)
{
	struct ce_pool *p = &h->node[node].pool;

	p->prev[frame] = CE_NO_FRAME;
	p->next[frame] = p->held_head;
	if (p->held_head != CE_NO_FRAME)
		p->prev[p->held_head] = frame;
	p->held_head = frame;
	h->node[node].held_pages++;
	h->total_held_pages++;
	domain_drop_pages(d, node, 1, counted);
}

/* Take @frame off @node's held list. */
static void held_unlink(struct ce_heap *h, u32 node, u32 frame)
{
	struct ce_pool *p = &h->node[node].pool;
	u32 next = p->next[frame], prev = p->prev[frame];

	if (prev != CE_NO_FRAME)
		p->next[prev] = next;
	else
		p->held_head = next;
	if (next != CE_NO_FRAME)
		p->prev[next] = prev;
	h->node[node].held_pages--;
	h->total_held_pages--;
}

void ce_retire_held(struct ce_heap *h, u32 node, u32 frame)
{
	held_unlink(h, node, frame);
	h->node[node].pool.state[frame] = CE_FRAME_RETIRED;
	h->node[node].offlined_pages++;
	h->node[node].retired_pages++;
}

void ce_release_held(struct ce_heap *h, u32 node, u32 frame)
{
	held_unlink(h, node, frame);
	/* The caller scrubbed it. */
	pool_free_block(&h->node[node].pool, frame, 0, false);
	h->node[node].avail_pages++;
	h->total_avail_pages++;
}

/* ---------------------------------------------------------------------------
 * Offline and online.  Unlike upstream Xen, whose unsigned subtraction can
 * wrap, counters never go below zero: claims that no longer fit are
 * recalled from the newest domains first.
 */

/*
 * Offline in two steps, so that no hold of the heap lock grows with the
 * request: ce_offline_commit() takes the pages out of the accounting at once
 * (the request is atomic: it fits or changes nothing) and leaves their frames
 * on the free lists as offline_pending; ce_offline_settle() then moves them
 * to the offline stack a bounded batch at a time, and the caller drops the
 * heap lock between batches.  Allocations in between cannot take them: every
 * allocation is bounded by avail_pages, and the free lists hold
 * avail_pages + offline_pending frames.
 */
int ce_offline_commit(struct ce_heap *h, u32 node, u64 pages)
{
	struct ce_node *n;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return -ENOENT;
	node = ce_array_index_nospec(node, CE_MAX_NODES);
	n = &h->node[node];
	if (pages > n->avail_pages)
		return -ENOMEM;

	n->avail_pages -= pages;
	n->offlined_pages += pages;
	n->offline_pending += pages;
	h->total_avail_pages -= pages;
	recall_claims(h, node);
	return 0;
}

u64 ce_offline_settle(struct ce_heap *h, u32 node, u64 max_frames)
{
	struct ce_node *n;
	u64 i;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return 0;
	n = &h->node[node];
	for (i = 0; i < max_frames && n->offline_pending; i++) {
		bool dirty;
		u32 f = pool_alloc_block(&n->pool, 0, true, &dirty);

		/* Only the block being scrubbed is left: the caller waits. */
		if (f == CE_NO_FRAME)
			break;
		/* Dirty frames go first; each keeps its kind while offline. */
		n->pool.state[f] = CE_FRAME_OFFLINE |
				   (dirty ? CE_FRAME_DIRTY : 0);
		n->pool.next[f] = n->pool.offline_head;
		n->pool.offline_head = f;
		n->offline_pending--;
	}
	return n->offline_pending;
}

int ce_offline_pages(struct ce_heap *h, u32 node, u64 pages)
{
	int ret = ce_offline_commit(h, node, pages);

	if (!ret)
		ce_offline_settle(h, node, pages);
	return ret;
}

/*
 * Online is atomic per call and costs O(@pages) frame moves: a caller that
 * must bound its heap-lock holds onlines in batches (each one a complete,
 * consistent online of part of the request).
 */
int ce_online_pages(struct ce_heap *h, u32 node, u64 pages)
{
	struct ce_node *n;
	u64 i;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return -ENOENT;
	node = ce_array_index_nospec(node, CE_MAX_NODES);
	n = &h->node[node];
	if (pages > n->offlined_pages - n->offline_pending - n->retired_pages)
		return -EINVAL;
	for (i = 0; i < pages; i++) {
		u32 f = n->pool.offline_head;

		bool dirty = n->pool.state[f] & CE_FRAME_DIRTY;

		n->pool.offline_head = n->pool.next[f];
		n->pool.state[f] = CE_FRAME_USED;
		pool_free_block(&n->pool, f, 0, dirty);
	}
	n->avail_pages += pages;
	n->offlined_pages -= pages;
	h->total_avail_pages += pages;
	return 0;
}

/* The frame after @frame on a node's held or offline list (or its head). */
static u32 pool_list_next(const struct ce_heap *h, u32 node, bool held,
			  u32 frame)
{
	const struct ce_pool *p;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return CE_NO_FRAME;
	p = &h->node[node].pool;
	if (frame != CE_NO_FRAME)
		return p->next[frame];
	return held ? p->held_head : p->offline_head;
}

u32 ce_held_next(const struct ce_heap *h, u32 node, u32 frame)
{
	return pool_list_next(h, node, true, frame);
}

u32 ce_offline_frame_next(const struct ce_heap *h, u32 node, u32 frame)
{
	return pool_list_next(h, node, false, frame);
}

#define CE_CHECK(cond, msg)			\
	do {					\
		if (!(cond)) {			\
			*why = (msg);		\
			return -EUCLEAN;	\
		}				\
	} while (0)

/* ---------------------------------------------------------------------------
 * Scrubbing: one block per node at a time is off the lists, being scrubbed
 * outside the heap lock.  Its pages stay free (nr_free, avail_pages) and
 * waiting for scrubbing (ce_scrub_pages()) until ce_scrub_put().
 */

u64 ce_scrub_pages(const struct ce_heap *h, u32 node)
{
	const struct ce_pool *p;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return 0;
	p = &h->node[node].pool;
	return p->nr_dirty +
	       (p->scrub_frame != CE_NO_FRAME ? 1ULL << p->scrub_order : 0);
}

u32 ce_scrub_take(struct ce_heap *h, u32 node, unsigned int max_order,
		  unsigned int *order_out)
{
	struct ce_pool *p;
	unsigned int o;
	u32 f;

	if (node >= CE_MAX_NODES || !h->node[node].has_pool)
		return CE_NO_FRAME;
	p = &h->node[node].pool;
	if (p->scrub_frame != CE_NO_FRAME || max_order > CE_MAX_ORDER)
		return CE_NO_FRAME;
	/* The largest dirty block first: large clean blocks are worth most. */
	for (o = CE_MAX_ORDER; p->dirty_head[o] == CE_NO_FRAME; o--)
		if (!o)
			return CE_NO_FRAME;
	f = p->dirty_head[o];
	pool_list_del(p, f, o);
	/* Split down to @max_order: the upper halves stay dirty, listed. */
	while (o > max_order) {
		o--;
		pool_list_add(p, f + (1U << o), o, true);
	}
	p->state[f] = CE_FRAME_SCRUB | o;
	p->scrub_frame = f;
	p->scrub_order = o;
	*order_out = o;
	return f;
}

void ce_scrub_put(struct ce_heap *h, u32 node, bool clean)
{
	struct ce_pool *p = &h->node[node].pool;
	u32 f = p->scrub_frame;

	if (f == CE_NO_FRAME)
		return;
	p->scrub_frame = CE_NO_FRAME;
	p->state[f] = CE_FRAME_TAIL;
	pool_put_block(p, f, p->scrub_order, !clean);
}

/*
 * The held list: exactly held_pages frames, each CE_FRAME_USED, prev links
 * consistent, no loop.  O(held_pages).
 */
static int held_list_audit(const struct ce_heap *h, u32 node, const char **why)
{
	const struct ce_pool *p = &h->node[node].pool;
	u32 f, prev = CE_NO_FRAME;
	u64 n = 0;

	for (f = p->held_head; f != CE_NO_FRAME; prev = f, f = p->next[f]) {
		CE_CHECK(f < p->nr_frames && ++n <= h->node[node].held_pages,
			 "the held list leaves the pool or is longer than held_pages");
		CE_CHECK(p->prev[f] == prev,
			 "the held list's prev links are inconsistent");
		CE_CHECK(p->state[f] == CE_FRAME_USED,
			 "a frame on the held list is not in use (free, offline or a tail)");
	}
	CE_CHECK(n == h->node[node].held_pages,
		 "the held list is shorter than held_pages: a held frame is lost");
	return 0;
}

/*
 * Walk one node's free lists and check them against the pool's counters:
 * every listed head says free, its order and its kind; clean + dirty +
 * being scrubbed = nr_free.  O(free blocks): for tests and debugfs, not
 * for a hot path.
 */
int ce_pool_audit(const struct ce_heap *h, u32 node, const char **why)
{
	const struct ce_pool *p = &h->node[node].pool;
	u64 clean = 0, dirty = 0, blocks = 0, absent = 0;
	unsigned int o, k;

	if (!h->node[node].has_pool)
		return 0;
	for (o = 0; o <= CE_MAX_ORDER; o++) {
		for (k = 0; k < 2; k++) {
			u32 f = k ? p->dirty_head[o] : p->free_head[o];
			u32 prev = CE_NO_FRAME;

			for (; f != CE_NO_FRAME; prev = f, f = p->next[f]) {
				CE_CHECK(f < p->nr_frames && ++blocks <= p->nr_frames,
					 "a free list leaves the pool or loops");
				CE_CHECK(p->prev[f] == prev,
					 "a free list's prev links are inconsistent");
				CE_CHECK(p->state[f] == (CE_FRAME_FREE | o |
					 (k ? CE_FRAME_DIRTY : 0)),
					 "a listed block's head has the wrong state (order or clean/dirty)");
				if (k)
					dirty += 1ULL << o;
				else
					clean += 1ULL << o;
			}
		}
	}
	CE_CHECK(dirty == p->nr_dirty,
		 "pool nr_dirty != pages on the dirty lists");
	CE_CHECK(clean + ce_scrub_pages(h, node) == p->nr_free,
		 "clean + dirty != free: a free page is on no list");
	blocks = 0;
	for (o = 0; o <= CE_MAX_ORDER; o++) {
		u32 f = p->absent_head[o], prev = CE_NO_FRAME;

		for (; f != CE_NO_FRAME; prev = f, f = p->next[f]) {
			CE_CHECK((u64)f + (1U << o) <= p->top &&
				 !(f & ((1U << o) - 1)) &&
				 ++blocks <= p->nr_frames,
				 "an absent list leaves the used frames, is unaligned or loops");
			CE_CHECK(p->prev[f] == prev,
				 "an absent list's prev links are inconsistent");
			CE_CHECK(p->state[f] == (CE_FRAME_ABSENT | o),
				 "an absent block's head has the wrong state");
			absent += 1ULL << o;
		}
	}
	CE_CHECK(absent == p->nr_absent,
		 "pool nr_absent != frames on the absent lists");
	return held_list_audit(h, node, why);
}

/* ---------------------------------------------------------------------------
 * The invariant checker (docs/SPEC.md "Invariants").
 */

/*
 * O(domains x nr_nodes) with O(1) stack: the per-node sums are taken node
 * by node (nr_nodes, the highest node with a pool + 1, not CE_MAX_NODES),
 * so a caller holding a spinlock does bounded work: at most
 * NUMACLAIMS domids x nr_nodes steps, and no 1 KiB array on the stack.
 */
int ce_check_invariants(const struct ce_heap *h, const char **why)
{
	u64 avail = 0, outstanding = 0, held = 0;
	const struct ce_domain *d;
	u32 node, nr_domains = 0;

	for (d = h->domains; d; d = d->next) {
		u64 node_claims = 0, node_pages = 0, sp_claims = 0;

		CE_CHECK(d->next == NULL || d->next->prev == d,
			 "domain list links are inconsistent");
		for (node = 0; node < CE_MAX_NODES; node++) {
			if (node >= h->nr_nodes) {
				CE_CHECK(!d->claims[node] && !d->node_pages[node],
					 "a domain claims a node without a pool");
				continue;
			}
			CE_CHECK(!d->claims[node] || h->node[node].has_pool,
				 "a domain claims a node without a pool");
			node_claims += d->claims[node];
			node_pages += d->node_pages[node];
			sp_claims += d->sp_claims[node];
			CE_CHECK(d->sp_pages[node] * CE_SP_PAGES <=
				 d->node_pages[node],
				 "domain.sp_pages[n] > domain.node_pages[n]");
		}
		CE_CHECK(d->sp_claims_total == sp_claims,
			 "domain.sp_claims_total != sum of domain.sp_claims[n]");
		CE_CHECK(d->node_claims == node_claims,
			 "domain.node_claims != sum of domain.claims[n]");
		CE_CHECK(d->node_claims <= d->outstanding_pages,
			 "domain.node_claims > domain.outstanding_pages");
		CE_CHECK(all_claims(d) <=
			 (d->max_pages > d->tot_pages ?
			  d->max_pages - d->tot_pages : 0),
			 "domain claims (4 KiB + superpage) > max(0, max_pages - tot_pages)");
		CE_CHECK(node_pages == d->tot_pages + d->uncounted_pages,
			 "domain node_pages != tot_pages + uncounted_pages");
		outstanding += d->outstanding_pages;
		nr_domains++;
	}
	CE_CHECK(nr_domains == h->nr_domains, "nr_domains is wrong");
	CE_CHECK(h->outstanding_claims == outstanding,
		 "outstanding_claims != sum of domain.outstanding_pages");
	CE_CHECK(h->outstanding_claims <= h->total_avail_pages,
		 "outstanding_claims > total_avail_pages");

	for (node = 0; node < CE_MAX_NODES; node++) {
		const struct ce_node *n = &h->node[node];
		u64 claims_sum = 0, pages_sum = 0, sp_claims_sum = 0, sp_sum = 0;

		for (d = h->domains; node < h->nr_nodes && d; d = d->next) {
			claims_sum += d->claims[node];
			pages_sum += d->node_pages[node] -
				     d->sp_pages[node] * CE_SP_PAGES;
			sp_claims_sum += d->sp_claims[node];
			sp_sum += d->sp_pages[node];
		}
		CE_CHECK(n->sp_claims == sp_claims_sum,
			 "node superpage claims != sum of domain.sp_claims[n]");
		CE_CHECK(n->sp_claims <= n->sp_avail,
			 "node superpage claims > free superpages");
		CE_CHECK(n->sp_reserved == n->sp_avail + n->sp_held + sp_sum +
			 n->sp_retired,
			 "a superpage is lost: reserved != free + held + in physmaps");
		CE_CHECK(n->sp_avail <= n->sp_nr && n->sp_reserved <= n->sp_nr,
			 "more superpages than superpage slots");
		CE_CHECK(n->has_pool || !n->sp_reserved,
			 "a node without pool has superpages");
		CE_CHECK(n->outstanding_claims == claims_sum,
			 "node_outstanding_claims[n] != sum of domain.claims[n]");
		CE_CHECK(n->outstanding_claims <= n->avail_pages,
			 "node_outstanding_claims[n] > node_avail_pages[n]");
		CE_CHECK(n->reserved_pages == n->avail_pages +
			 n->offlined_pages + n->held_pages + pages_sum,
			 "a pool page is lost: reserved != free + offlined + held + in physmaps");
		CE_CHECK(!n->has_pool || n->pool.nr_free ==
			 n->avail_pages + n->offline_pending + n->shrink_pending,
			 "pool free frames != node_avail_pages[n] + offline_pending[n] + shrink_pending[n]");
		CE_CHECK(!n->has_pool || (n->pool.top <= n->pool.nr_frames &&
			 n->pool.top - n->pool.nr_absent ==
			 n->reserved_pages + n->shrink_pending),
			 "pool frames in use != reserved_pages[n] + shrink_pending[n] (a frame number is lost or used twice)");
		CE_CHECK(!n->has_pool || ce_scrub_pages(h, node) <= n->pool.nr_free,
			 "pool pages waiting for scrubbing > pool free frames");
		/* O(1) here; ce_pool_audit() walks the whole held list. */
		CE_CHECK(!n->has_pool ||
			 (n->pool.held_head == CE_NO_FRAME) == !n->held_pages,
			 "held_pages[n] and the held list disagree on being empty");
		CE_CHECK(!n->has_pool || n->pool.held_head == CE_NO_FRAME ||
			 (n->pool.held_head < n->pool.nr_frames &&
			  n->pool.prev[n->pool.held_head] == CE_NO_FRAME &&
			  n->pool.state[n->pool.held_head] == CE_FRAME_USED),
			 "the held list's head is not a held frame");
		CE_CHECK(n->offline_pending + n->retired_pages <=
			 n->offlined_pages,
			 "offline_pending[n] + retired_pages[n] > node_offlined_pages[n]");
		CE_CHECK(n->has_pool || !n->reserved_pages,
			 "a node without pool has reserved pages");
		CE_CHECK(!!(h->nodes_with_pool & BIT_ULL(node)) == n->has_pool,
			 "nodes_with_pool mask is wrong");
		avail += n->avail_pages;
		held += n->held_pages;
	}
	CE_CHECK(h->total_held_pages == held,
		 "total_held_pages != sum of node held_pages[n]");
	CE_CHECK(h->total_avail_pages == avail,
		 "total_avail_pages != sum of node_avail_pages[n]");
	return 0;
}
