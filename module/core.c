// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims core: per-node pools of real pages, domains, populate and
 * decrease.  The accounting decisions are the engine's (claims_engine.c);
 * this file owns the pages, the physmaps and the locks (see nc_core.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "nc_core.h"

DEFINE_SPINLOCK(nc_heap_lock);
struct nc_heap nc_heap;

/* Frame number -> struct page, per node; written at init, then read-only. */
static struct page **nc_frames[NC_MAX_NODES];

/* domid -> struct nc_domain_obj; ids 1 .. 0x7fef as Xen's DOMID_FIRST_RESERVED */
static DEFINE_XARRAY_ALLOC1(nc_domains);
static u32 nc_next_domid;
#define NC_DOMID_MAX	0x7fefU

/* Physmap entries: xa_mk_value(frame | node << 32 | counted << 40). */
#define NC_PM_NODE_SHIFT	32
#define NC_PM_COUNTED		BIT_ULL(40)

static void *pm_encode(u32 node, u32 frame, bool counted)
{
	return xa_mk_value((u64)frame | (u64)node << NC_PM_NODE_SHIFT |
			   (counted ? NC_PM_COUNTED : 0));
}

static void pm_decode(void *entry, u32 *node, u32 *frame, bool *counted)
{
	u64 v = xa_to_value(entry);

	*frame = (u32)v;
	*node = (v >> NC_PM_NODE_SHIFT) & 0xff;
	*counted = v & NC_PM_COUNTED;
}

struct page *nc_frame_page(u32 node, u32 frame)
{
	return nc_frames[node][frame];
}

/* ---------------------------------------------------------------------------
 * Pools.
 */

/*
 * Reserve @nr_pages on @node: 2 MiB chunks while they come, then smaller
 * orders.  Orders only go down, so every chunk starts at a frame number
 * aligned to its size, as the engine's buddy allocator requires.  Every page
 * is split to order 0 (so it can later be mapped and reference counted on
 * its own) and checked to really be on @node.
 */
static int nc_pool_reserve(int node, u64 nr_pages)
{
	const gfp_t gfp = GFP_HIGHUSER | __GFP_THISNODE | __GFP_NOWARN |
			  __GFP_NORETRY;
	unsigned int order = NC_MAX_ORDER;
	u32 frame = 0, i;
	int ret;

	if (!nr_pages)
		return 0;
	if (nr_pages > U32_MAX / 2)
		return -EINVAL;
	nc_frames[node] = kvcalloc(nr_pages, sizeof(struct page *), GFP_KERNEL);
	if (!nc_frames[node])
		return -ENOMEM;
	ret = nc_pool_init(&nc_heap, node, nr_pages);
	if (ret) {
		kvfree(nc_frames[node]);
		nc_frames[node] = NULL;
		return ret;
	}

	while (frame < nr_pages) {
		struct page *page;

		while ((1ULL << order) > nr_pages - frame)
			order--;
		page = alloc_pages_node(node, gfp, order);
		if (!page) {
			if (!order)
				break;
			order--;
			continue;
		}
		split_page(page, order);
		for (i = 0; i < (1U << order); i++) {
			if (WARN_ON_ONCE(page_to_nid(page + i) != node)) {
				for (i = 0; i < (1U << order); i++)
					__free_page(page + i);
				goto out;
			}
			nc_frames[node][frame + i] = page + i;
		}
		spin_lock(&nc_heap_lock);
		nc_pool_add_chunk(&nc_heap, node, frame, order);
		spin_unlock(&nc_heap_lock);
		frame += 1U << order;
		cond_resched();
	}
out:
	if (frame < nr_pages)
		pr_warn("node %d: reserved %u of %llu pages\n", node, frame,
			nr_pages);
	return 0;
}

/* Give every page of @node's pool back to Linux. Domains are gone. */
static void nc_pool_release(int node)
{
	struct nc_pool *p = &nc_heap.node[node].pool;
	u32 f;

	if (!nc_frames[node])
		return;
	for (f = 0; f < p->nr_frames; f++) {
		if (nc_frames[node][f])
			__free_page(nc_frames[node][f]);
		if (!(f & 511))
			cond_resched();
	}
	nc_pool_destroy(&nc_heap, node);
	kvfree(nc_frames[node]);
	nc_frames[node] = NULL;
}

int nc_core_init(const int *node_pool_mb, unsigned int nr_node_pool_mb,
		 unsigned int default_pool_mb)
{
	int node, ret;

	nc_heap_init(&nc_heap);
	for_each_node_state(node, N_MEMORY) {
		long mb = default_pool_mb;

		if (node >= NC_MAX_NODES) {
			pr_warn("node %d: above %d nodes, no pool\n", node,
				NC_MAX_NODES);
			continue;
		}
		if (node < nr_node_pool_mb && node_pool_mb[node] >= 0)
			mb = node_pool_mb[node];
		ret = nc_pool_reserve(node, (u64)mb << (20 - PAGE_SHIFT));
		if (ret) {
			nc_core_exit();
			return ret;
		}
		pr_info("node %d: pool of %llu pages\n", node,
			nc_heap.node[node].reserved_pages);
	}
	return 0;
}

void nc_core_exit(void)
{
	int node;

	nc_domain_destroy_all();
	for (node = 0; node < NC_MAX_NODES; node++)
		nc_pool_release(node);
}

/* ---------------------------------------------------------------------------
 * Domains.
 */

static void nc_domain_release(struct kref *ref)
{
	struct nc_domain_obj *dom = container_of(ref, struct nc_domain_obj, ref);

	xa_destroy(&dom->physmap);
	/* nc_domain_get() may still be looking at it, under RCU. */
	kfree_rcu(dom, rcu);
}

void nc_domain_put(struct nc_domain_obj *dom)
{
	kref_put(&dom->ref, nc_domain_release);
}

int nc_domain_create(u64 max_pages, u32 flags, struct nc_domain_obj **out)
{
	struct nc_domain_obj *dom;
	struct xa_limit limit = XA_LIMIT(1, NC_DOMID_MAX);
	u32 domid;
	int ret;

	dom = kzalloc(sizeof(*dom), GFP_KERNEL);
	if (!dom)
		return -ENOMEM;
	kref_init(&dom->ref);		/* the domains xarray's reference */
	mutex_init(&dom->lock);
	xa_init(&dom->physmap);
	INIT_LIST_HEAD(&dom->owner_link);
	dom->flags = flags;

	/* Allocate the id without publishing the domain yet. */
	ret = xa_alloc_cyclic(&nc_domains, &domid, XA_ZERO_ENTRY, limit,
			      &nc_next_domid, GFP_KERNEL);
	if (ret < 0) {
		kfree(dom);
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	spin_lock(&nc_heap_lock);
	nc_domain_init(&nc_heap, &dom->acct, domid, max_pages);
	spin_unlock(&nc_heap_lock);
	kref_get(&dom->ref);		/* the caller's reference */
	xa_store(&nc_domains, domid, dom, GFP_KERNEL);
	*out = dom;
	return 0;
}

/*
 * Lookups run under RCU, without the xarray's lock: a domain whose last
 * reference is gone (destroyed and unpublished, its memory freed only after
 * a grace period) is not found.
 */
struct nc_domain_obj *nc_domain_get(u32 domid)
{
	struct nc_domain_obj *dom;

	rcu_read_lock();
	dom = xa_load(&nc_domains, domid);
	if (dom && !kref_get_unless_zero(&dom->ref))
		dom = NULL;
	rcu_read_unlock();
	return dom;
}

struct nc_domain_obj *nc_domain_get_next(u32 domid)
{
	struct nc_domain_obj *dom;
	unsigned long index = domid;

	xa_lock(&nc_domains);
	dom = xa_find(&nc_domains, &index, ULONG_MAX, XA_PRESENT);
	if (dom)
		kref_get(&dom->ref);
	xa_unlock(&nc_domains);
	return dom;
}

/* Take the domain's lock; -ESRCH if it is being destroyed. */
int nc_domain_lock(struct nc_domain_obj *dom)
{
	if (mutex_lock_killable(&dom->lock))
		return -EINTR;
	if (dom->dying) {
		mutex_unlock(&dom->lock);
		return -ESRCH;
	}
	return 0;
}

/* Free one physmap page; caller holds nc_heap_lock and the domain lock. */
static void nc_free_entry(struct nc_domain_obj *dom, void *entry)
{
	u32 node, frame;
	bool counted;

	pm_decode(entry, &node, &frame, &counted);
	nc_free_pages(&nc_heap, &dom->acct, node, frame, 0, counted);
}

/*
 * Destroy: mark dying under the domain lock (waiting for any call in
 * progress), unpublish the id, give every page back, release the claims.
 * The structure lives on until the last reference is put.
 */
int nc_domain_destroy(struct nc_domain_obj *dom)
{
	unsigned long gfn;
	void *entry;
	int ret, batch = 0;

	mutex_lock(&dom->lock);
	if (dom->dying) {
		mutex_unlock(&dom->lock);
		return -ESRCH;
	}
	dom->dying = true;
	xa_erase(&nc_domains, dom->acct.domid);

	spin_lock(&nc_heap_lock);
	xa_for_each(&dom->physmap, gfn, entry) {
		nc_free_entry(dom, entry);
		if (++batch == 512) {
			/* Bound heap-lock hold times on huge domains. */
			spin_unlock(&nc_heap_lock);
			cond_resched();
			batch = 0;
			spin_lock(&nc_heap_lock);
		}
	}
	nc_domain_remove(&nc_heap, &dom->acct);
	spin_unlock(&nc_heap_lock);
	xa_destroy(&dom->physmap);
	ret = 0;
	mutex_unlock(&dom->lock);
	nc_domain_put(dom);		/* the domains xarray's reference */
	return ret;
}

void nc_domain_destroy_all(void)
{
	struct nc_domain_obj *dom;

	while ((dom = nc_domain_get_next(0))) {
		nc_domain_destroy(dom);
		nc_domain_put(dom);
	}
}

/* ---------------------------------------------------------------------------
 * Populate and decrease.
 */

/*
 * The next extent's gfn, checked: -EINTR on a signal (the caller reports how
 * far it got), -EFAULT, or -EINVAL for a gfn not aligned to the order or
 * beyond NUMACLAIMS_MAX_GFN.
 */
static int nc_next_gfn(const struct nc_gfn_list *gfns, u64 i,
		       unsigned int order, u64 *gfn)
{
	if (signal_pending(current))
		return -EINTR;
	if (gfns->kernel)
		*gfn = gfns->kernel[i];
	else if (get_user(*gfn, gfns->user + i))
		return -EFAULT;
	if (*gfn & ((1ULL << order) - 1))
		return -EINVAL;
	if (*gfn >= NUMACLAIMS_MAX_GFN ||
	    *gfn + (1ULL << order) > NUMACLAIMS_MAX_GFN)
		return -EINVAL;
	return 0;
}

/* Scrub (zero) an extent: no domain ever sees another domain's data. */
static void nc_scrub(u32 node, u32 frame, unsigned int order)
{
	u32 i;

	for (i = 0; i < (1U << order); i++)
		clear_highpage(nc_frame_page(node, frame + i));
}

/*
 * Populate (XENMEM_populate_physmap).  Called with the domain's lock held.
 * The heap lock is taken once per extent, never across extents.
 */
int nc_populate(struct nc_domain_obj *dom, const struct nc_gfn_list *gfns,
		u64 nr_extents, unsigned int order, u32 memflags,
		u64 *nr_done)
{
	int req_node = NUMACLAIMS_MEMF_GET_NODE(memflags);
	bool counted = !(memflags & NUMACLAIMS_MEMF_NO_REFCOUNT);
	u64 pages = 1ULL << order;
	int ret = 0;

	*nr_done = 0;
	if (order > NC_MAX_ORDER || (memflags & ~NUMACLAIMS_MEMF_FLAGS))
		return -EINVAL;
	if (req_node >= 0 &&
	    (req_node >= NC_MAX_NODES || !nc_heap.node[req_node].has_pool))
		return -ENOENT;

	for (; *nr_done < nr_extents; (*nr_done)++) {
		unsigned long index;
		u32 node, frame;
		u64 gfn, j;

		ret = nc_next_gfn(gfns, *nr_done, order, &gfn);
		if (ret)
			return ret;
		index = gfn;
		if (xa_find(&dom->physmap, &index, gfn + pages - 1, XA_PRESENT))
			return -EEXIST;

		spin_lock(&nc_heap_lock);
		ret = nc_alloc_extent(&nc_heap, &dom->acct, order, req_node,
				      memflags, &node, &frame);
		spin_unlock(&nc_heap_lock);
		if (ret)
			return ret;

		nc_scrub(node, frame, order);
		for (j = 0; j < pages; j++) {
			ret = xa_err(xa_store(&dom->physmap, gfn + j,
					      pm_encode(node, frame + j, counted),
					      GFP_KERNEL));
			if (ret)
				break;
		}
		if (ret) {
			/*
			 * The extent cannot enter the physmap: give the pages
			 * back.  The claims it redeemed stay redeemed, as in
			 * upstream Xen; the counters stay consistent.
			 */
			u64 k;

			for (k = 0; k < j; k++)
				xa_erase(&dom->physmap, gfn + k);
			spin_lock(&nc_heap_lock);
			nc_free_pages(&nc_heap, &dom->acct, node, frame, order,
				      counted);
			spin_unlock(&nc_heap_lock);
			return ret;
		}
		cond_resched();
	}
	return 0;
}

/*
 * Decrease reservation (XENMEM_decrease_reservation).  Called with the
 * domain's lock held.  Every page of an extent must be populated, else the
 * extent is refused whole (EINVAL) and nothing of it is freed.  Freeing
 * never gives claims back.
 */
int nc_decrease(struct nc_domain_obj *dom, const struct nc_gfn_list *gfns,
		u64 nr_extents, unsigned int order, u64 *nr_done)
{
	u64 pages = 1ULL << order;
	int ret;

	*nr_done = 0;
	if (order > NC_MAX_ORDER)
		return -EINVAL;

	for (; *nr_done < nr_extents; (*nr_done)++) {
		u64 gfn, j;

		ret = nc_next_gfn(gfns, *nr_done, order, &gfn);
		if (ret)
			return ret;
		for (j = 0; j < pages; j++)
			if (!xa_load(&dom->physmap, gfn + j))
				return -EINVAL;

		for (j = 0; j < pages; j++) {
			void *entry = xa_erase(&dom->physmap, gfn + j);

			spin_lock(&nc_heap_lock);
			nc_free_entry(dom, entry);
			spin_unlock(&nc_heap_lock);
		}
		cond_resched();
	}
	return 0;
}

/* The page at @gfn, or NULL.  Caller holds the domain's lock. */
struct page *nc_physmap_page(struct nc_domain_obj *dom, u64 gfn)
{
	void *entry = xa_load(&dom->physmap, gfn);
	u32 node, frame;
	bool counted;

	if (!entry)
		return NULL;
	pm_decode(entry, &node, &frame, &counted);
	return nc_frame_page(node, frame);
}
