// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims core: physmaps.  A domain's gfn -> page map (one xarray entry
 * per extent), populate and decrease (XENMEM_populate_physmap and
 * XENMEM_decrease_reservation), and the lookups the fault path and the
 * tests make.  The pages come from and go back to pool.c; the lock order
 * is at the top of nc_core.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include "nc_internal.h"
#include "nc_trace.h"

/*
 * Physmap entries: one per extent, xa_mk_value(frame | node << 32 |
 * counted << 40 | order << 41), stored as a multi-index entry over the
 * extent's 2^order gfns (CONFIG_XARRAY_MULTI; without it one order-0 entry
 * per page).  @frame is the extent's first frame: the frame of a gfn inside
 * it is frame + (gfn & (2^order - 1)), as populate places an extent's gfns
 * aligned to its order.  A decrease of part of an extent splits its entry
 * (nc_physmap_split()), so an entry's order is always the order of the range
 * it covers.
 */
#define NC_PM_NODE_SHIFT	32
#define NC_PM_COUNTED		BIT_ULL(40)
#define NC_PM_ORDER_SHIFT	41
#define NC_PM_SUPER		BIT_ULL(45)
#define NC_PM_MULTI		(IS_ENABLED(CONFIG_XARRAY_MULTI) && \
				 !(nc_debug & NC_DEBUG_PER_PAGE_PM))

/*
 * A superpage's entry has NC_PM_SUPER, order 9 and the superpage's index
 * for @frame; it is never split (a decrease of part of it is refused), so
 * it needs CONFIG_XARRAY_MULTI: without it there are no superpages.
 */
struct nc_pm {
	u32 node, frame;	/* frame: the first of the entry's range */
	unsigned int order;
	bool counted;
	bool super;
};

static void *pm_encode(u32 node, u32 frame, bool counted, unsigned int order)
{
	return xa_mk_value((u64)frame | (u64)node << NC_PM_NODE_SHIFT |
			   (counted ? NC_PM_COUNTED : 0) |
			   (u64)order << NC_PM_ORDER_SHIFT);
}

static void *pm_encode_super(u32 node, u32 index, bool counted)
{
	return xa_mk_value(xa_to_value(pm_encode(node, index, counted,
						 CE_SP_ORDER)) | NC_PM_SUPER);
}

static struct nc_pm pm_decode(void *entry)
{
	u64 v = xa_to_value(entry);

	return (struct nc_pm){
		.frame = (u32)v,
		.node = (v >> NC_PM_NODE_SHIFT) & 0xff,
		.counted = v & NC_PM_COUNTED,
		.order = (v >> NC_PM_ORDER_SHIFT) & 0xf,
		.super = v & NC_PM_SUPER,
	};
}

/* The frame of @gfn in the entry @pm that covers it. */
static u32 pm_frame(const struct nc_pm *pm, u64 gfn)
{
	return pm->frame + (u32)(gfn & ((1ULL << pm->order) - 1));
}

/*
 * Free one physmap entry (an extent, or the part of one a split left)
 * whose entry is already erased and whose user mappings are already gone;
 * caller holds nc_heap_lock and the domain lock.  Returns true if any page
 * is held (see nc_pool_free_block()).
 */
bool nc_free_entry(struct nc_domain_obj *dom, void *entry)
{
	struct nc_pm pm = pm_decode(entry);

	if (pm.super)
		return nc_pool_free_superpage(dom, pm.node, pm.frame,
					      pm.counted);
	return nc_pool_free_block(dom, pm.node, pm.frame, pm.order, pm.counted);
}

/* The page of @gfn in the entry @pm that covers it. */
static struct page *pm_page(const struct nc_pm *pm, u64 gfn)
{
	if (pm->super)
		return nc_superpage(pm->node, pm->frame) +
		       (gfn & (CE_SP_PAGES - 1));
	return nc_frame_page(pm->node, pm_frame(pm, gfn));
}

/*
 * The fault handler returns a page locked, and the PTE or PMD is put in
 * place after it returns, under that lock (finish_fault()): so a fault that
 * found a page of @entry before the entry was erased (or its domain marked
 * dying) may still be mapping it after the unmap.  Such a fault holds a
 * reference and the page lock: wait for each (lock and unlock the page, as
 * truncation does).  Returns true if any page of the entry had a reference
 * besides the pool's: the caller then unmaps the entry's range again, and
 * whatever still holds a reference is a pin, counted as held.  Sleeps; no
 * heap lock.
 */
bool nc_entry_fault_barrier(void *entry)
{
	struct nc_pm pm = pm_decode(entry);
	u32 i, n = pm.super ? 1 : 1U << pm.order;
	bool busy = false;

	for (i = 0; i < n; i++) {
		struct page *page = pm.super ? nc_superpage(pm.node, pm.frame) :
				    nc_frame_page(pm.node, pm.frame + i);

		if (page_ref_count(page) == 1)
			continue;
		lock_page(page);
		unlock_page(page);
		busy = true;
	}
	return busy;
}

/* Pages of a physmap entry. */
static u64 nc_entry_pages(void *entry)
{
	return 1ULL << pm_decode(entry).order;
}

/* Remove every user mapping of gfns [@gfn, @gfn + @pages). */
static void nc_unmap_gfns(struct nc_domain_obj *dom, u64 gfn, u64 pages)
{
	unmap_mapping_range(dom->inode->i_mapping, (loff_t)gfn << PAGE_SHIFT,
			    (loff_t)pages << PAGE_SHIFT, 1);
}

/*
 * Take the entries of gfns [@first, @last] out of @xa, from the lowest,
 * into @entries (if not NULL): at most @max of them and at most
 * NC_LOCK_BATCH pages (one entry is at most 2^CE_MAX_ORDER <= NC_LOCK_BATCH
 * pages), so the work under the xarray's lock, and then the caller's under
 * the heap lock, is bounded (xa_destroy() would walk it all with interrupts
 * off).  Every entry must lie wholly inside the range.  Returns how many;
 * *@pages (if not NULL) gets their pages.
 */
unsigned int nc_physmap_take(struct xarray *xa, u64 first, u64 last,
			     void **entries, unsigned int max, u64 *pages)
{
	XA_STATE(xas, xa, first);
	unsigned int n = 0;
	u64 taken = 0;
	void *entry;

	BUILD_BUG_ON((1U << CE_MAX_ORDER) > NC_LOCK_BATCH);
	BUILD_BUG_ON(CE_MAX_ORDER > 15);	/* the entry's 4 order bits */
	xas_lock(&xas);
	xas_for_each(&xas, entry, last) {
		u64 more = nc_entry_pages(entry);

		if (n && taken + more > NC_LOCK_BATCH)
			break;
		xas_store(&xas, NULL);
		if (entries)
			entries[n] = entry;
		taken += more;
		if (++n == max)
			break;
	}
	xas_unlock(&xas);
	if (pages)
		*pages = taken;
	return n;
}

/* ---------------------------------------------------------------------------
 * Populate and decrease.
 */

/*
 * Before each extent: -EINTR on a signal or when a destroy of the domain is
 * waiting for its lock (the caller reports how far it got: a retry finds
 * the domain gone, or goes on), then the extent's gfn, checked: -EINVAL for
 * a gfn not aligned to the order or beyond NUMACLAIMS_MAX_GFN.  The gfns are
 * kernel memory: the ioctl copies them in before it takes the domain's lock.
 */
static int nc_next_gfn(struct nc_domain_obj *dom,
		       const struct nc_gfn_list *gfns, u64 i,
		       unsigned int order, u64 *gfn)
{
	if (signal_pending(current) || atomic_read(&dom->destroy_waiters))
		return -EINTR;
	*gfn = gfns->kernel[i];
	if (*gfn & ((1ULL << order) - 1))
		return -EINVAL;
	if (*gfn >= NUMACLAIMS_MAX_GFN ||
	    *gfn + (1ULL << order) > NUMACLAIMS_MAX_GFN)
		return -EINVAL;
	return 0;
}

/*
 * Test hook (debugfs "populate_hooks", debug=1): the next store of a page
 * numbered @nc_pm_fail_at (1-based) of an extent waits @nc_pm_fail_delay_ms
 * and fails with -ENOMEM, once, so that a test can touch and pin the pages
 * stored before it meanwhile (with debug=8, the per-page store).
 */
static unsigned int nc_pm_fail_at, nc_pm_fail_delay_ms;

void nc_physmap_test_hooks(unsigned int fail_at, unsigned int delay_ms)
{
	WRITE_ONCE(nc_pm_fail_delay_ms, delay_ms);
	WRITE_ONCE(nc_pm_fail_at, fail_at);
}

static bool nc_pm_inject_failure(u64 i)
{
	unsigned int at = READ_ONCE(nc_pm_fail_at);

	if (!at || i + 1 != at || cmpxchg(&nc_pm_fail_at, at, 0) != at)
		return false;
	msleep(READ_ONCE(nc_pm_fail_delay_ms));
	return true;
}

/*
 * Enter an extent into the physmap: one multi-index entry (without
 * CONFIG_XARRAY_MULTI, or with debug=8, one entry per page).  The caller
 * holds the domain's lock and found the range empty.  On an error,
 * *@stored gets how many of the extent's pages entered the physmap (0 for
 * a multi-index store: all or nothing); they are visible to faults, reads
 * and pins, and the caller undoes them (nc_populate_undo()).
 */
static int nc_physmap_store(struct nc_domain_obj *dom, u64 gfn, u32 node,
			    u32 frame, unsigned int order, bool counted,
			    bool super, u64 *stored)
{
	unsigned int step = NC_PM_MULTI ? order : 0;
	u64 i, n = 1ULL << (order - step);

	for (i = 0; i < n; i++) {
		u64 index = gfn + (i << step);
		XA_STATE_ORDER(xas, &dom->physmap, index, step);
		void *entry = super ? pm_encode_super(node, frame, counted) :
			      pm_encode(node, frame + (u32)(i << step),
					counted, step);

		*stored = i << step;
		if (unlikely(nc_pm_inject_failure(i)))
			return -ENOMEM;
		do {
			xas_lock(&xas);
			xas_store(&xas, entry);
			xas_unlock(&xas);
		} while (xas_nomem(&xas, GFP_KERNEL_ACCOUNT));
		if (xas_error(&xas))
			return xas_error(&xas);
	}
	*stored = n << step;
	return 0;
}

/*
 * Undo the extent [@frame, +2^@order) of @node that populate took for @gfn
 * and could not enter whole into the physmap, @stored of its pages (from
 * the first) being in it: those were visible, so a fault may have mapped
 * them, a read be copying them, a pin (vmsplice, O_DIRECT) hold them.  So,
 * as decrease does: under the invalidate lock erase them, unmap them and
 * wait for faults in flight (nc_entry_fault_barrier()); then free them
 * through the held-aware path, as written (dirty).  The rest of the extent
 * nobody saw, but the engine lists it to scrub as every free (a redundant
 * clear of clean pages, on an error path).  The claims it redeemed stay
 * redeemed, as in upstream Xen; the counters stay consistent.  The
 * domain's lock is held.
 */
static void nc_populate_undo(struct nc_domain_obj *dom, u64 gfn, u32 node,
			     u32 frame, unsigned int order, bool counted,
			     bool super, u64 stored)
{
	struct address_space *mapping = dom->inode->i_mapping;
	u64 i, n = 1ULL << order, t0;
	bool busy = false, held = false;

	if (stored) {
		/* A superpage is stored in one go: all or nothing. */
		WARN_ON_ONCE(super);
		filemap_invalidate_lock(mapping);
		nc_physmap_take(&dom->physmap, gfn, gfn + stored - 1, NULL,
				UINT_MAX, NULL);
		nc_unmap_gfns(dom, gfn, stored);
		for (i = 0; i < stored; i++)
			busy |= nc_entry_fault_barrier(pm_encode(node,
						frame + (u32)i, counted, 0));
		if (busy)
			nc_unmap_gfns(dom, gfn, stored);
		filemap_invalidate_unlock(mapping);
	}
	nc_bulk_lock(&t0);
	if (super) {
		ce_free_superpage(&nc_heap, &dom->acct, node, frame, counted);
	} else if (!stored) {
		ce_free_pages(&nc_heap, &dom->acct, node, frame, order,
			      counted);
	} else {
		for (i = 0; i < stored; i++)
			held |= nc_pool_free_block(dom, node, frame + (u32)i, 0,
						   counted);
		for (; i < n; i++)
			ce_free_pages(&nc_heap, &dom->acct, node,
				      frame + (u32)i, 0, counted);
	}
	nc_bulk_unlock(t0, n, "populate undo");
	if (held)
		nc_reap_kick();
	/*
	 * The engine lists every freed page to scrub: wake the scrubbers (the
	 * old undo did not, and its pages waited for the next free's kick).
	 */
	nc_scrub_kick();
}

/*
 * Is every gfn of [@gfn, @gfn + 2^@order) populated?  -EINVAL if not.
 * *@big is set to the entry when one larger than the range covers it (a
 * decrease of part of an extent), else NULL.  One lookup per entry.
 */
static int nc_physmap_covered(struct nc_domain_obj *dom, u64 gfn,
			      unsigned int order, void **big)
{
	u64 idx = gfn, end = gfn + (1ULL << order);

	*big = NULL;
	while (idx < end) {
		void *entry = xa_load(&dom->physmap, idx);
		struct nc_pm pm;

		if (!entry || !xa_is_value(entry))
			return -EINVAL;
		pm = pm_decode(entry);
		if (pm.order > order) {
			/* A superpage goes back whole (uapi DECREASE). */
			if (pm.super)
				return -EINVAL;
			*big = entry;
			return 0;
		}
		idx = (idx | ((1ULL << pm.order) - 1)) + 1;
	}
	return 0;
}

/*
 * Split @entry, which covers @gfn with an order larger than @order, until
 * the entry covering @gfn has @order; every new entry has its own first
 * frame.  Each step lowers the order by at most XA_CHUNK_SHIFT, as far as
 * xas_split() goes in one step (XA_CHUNK_SHIFT is 4 on CONFIG_BASE_SMALL
 * kernels): at most 2^XA_CHUNK_SHIFT stores under the xarray's lock per
 * step.  The caller holds the domain's lock (no populate or decrease
 * runs meanwhile), not the invalidate lock: a fault or read that looks a
 * gfn up meanwhile (RCU) finds, in every state of the split, an entry that
 * maps it to the same page (xas_split() first fills the new slots with the
 * old entry, which decodes right for each of them).  -ENOMEM leaves the
 * same pages mapped, by finer entries.
 */
static int nc_physmap_split(struct nc_domain_obj *dom, u64 gfn,
			    unsigned int order, void *entry)
{
	struct nc_pm pm = pm_decode(entry);

	while (pm.order > order) {
		unsigned int to = max_t(int, order,
					(int)pm.order - XA_CHUNK_SHIFT);
		u64 base = gfn & ~((1ULL << pm.order) - 1), i;
		XA_STATE_ORDER(xas, &dom->physmap, base, to);

		xas_split_alloc(&xas, entry, pm.order, GFP_KERNEL);
		if (xas_error(&xas))
			return xas_error(&xas);
		xas_lock(&xas);
		xas_split(&xas, entry, pm.order);
		for (i = 0; i < 1ULL << (pm.order - to); i++) {
			xas_set_order(&xas, base + (i << to), to);
			xas_store(&xas, pm_encode(pm.node,
						  pm.frame + (u32)(i << to),
						  pm.counted, to));
		}
		/* Split to @to, every slot exists: no store allocates. */
		WARN_ON_ONCE(xas_error(&xas));
		xas_unlock(&xas);
		xas_nomem(&xas, GFP_KERNEL);	/* no error: frees the spares */
		/* Go on with the new entry that covers @gfn. */
		pm.frame += (u32)(((gfn - base) >> to) << to);
		pm.order = to;
		entry = pm_encode(pm.node, pm.frame, pm.counted, to);
	}
	return 0;
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
	bool sp_only = memflags & NUMACLAIMS_MEMF_SUPERPAGE;
	bool try_super = order == CE_SP_ORDER && NC_PM_MULTI;
	u64 pages;
	int ret = 0;

	*nr_done = 0;
	/* Validated before it is used as a shift count. */
	if (order > CE_MAX_ORDER || (memflags & ~NUMACLAIMS_MEMF_FLAGS))
		return -EINVAL;
	if (sp_only && order != CE_SP_ORDER)
		return -EINVAL;
	pages = 1ULL << order;
	if (req_node >= 0 &&
	    (req_node >= CE_MAX_NODES || !nc_heap.node[req_node].has_pool))
		return -ENOENT;

	for (; *nr_done < nr_extents; (*nr_done)++) {
		unsigned long index;
		u64 gfn, redeemed[3], ticket = 0, stored;
		u32 node = 0, frame = 0;
		bool dirty = false, aborted = false, super;

		ret = nc_next_gfn(dom, gfns, *nr_done, order, &gfn);
		if (ret)
			return ret;
		index = gfn;
		if (xa_find(&dom->physmap, &index, gfn + pages - 1, XA_PRESENT))
			return -EEXIST;

again:
		spin_lock(&nc_heap_lock);
		ret = -ENOMEM;
		if (try_super)
			ret = ce_alloc_superpage(&nc_heap, &dom->acct, req_node,
						 memflags, &node, &frame);
		super = !ret;
		if (ret == -ENOMEM && !sp_only)
			ret = ce_alloc_extent(&nc_heap, &dom->acct, order,
					      req_node, memflags, &node, &frame,
					      &dirty);
		if (ret == -EAGAIN)
			aborted = nc_scrub_abort_locked(node, &ticket);
		memcpy(redeemed, dom->acct.redeemed, sizeof(redeemed));
		spin_unlock(&nc_heap_lock);
		/* Only the block being scrubbed fits: it comes back now. */
		if (ret == -EAGAIN) {
			ret = aborted ? nc_scrub_wait_block(node, ticket, true) : 0;
			if (ret)
				return ret;
			cond_resched();
			goto again;
		}
		if (ret) {
			trace_numaclaims_populate_refused(dom->acct.domid, gfn,
				order, req_node,
				memflags & NUMACLAIMS_MEMF_EXACT_NODE, ret);
			return ret;
		}
		trace_numaclaims_populate_extent(dom->acct.domid, gfn, order,
						 node, redeemed[0], redeemed[1],
						 redeemed[2]);

		if (super) {
			nc_sp_clear_if_dirty(node, frame);
			/*
			 * The page-cache convention: a folio's index is its
			 * file offset.  finish_fault() of 6.12 and later maps
			 * no folio that reaches past i_size by its index.
			 */
			page_folio(nc_superpage(node, frame))->index = gfn;
		} else
			nc_scrub_extent(node, frame, order, dirty);
		ret = nc_physmap_store(dom, gfn, node, frame, order, counted,
				       super, &stored);
		if (ret) {
			nc_populate_undo(dom, gfn, node, frame, order, counted,
					 super, stored);
			return ret;
		}
		cond_resched();
	}
	return 0;
}

/*
 * Extents one decrease batch takes: their unmaps merge into one per run of
 * contiguous gfns (one TLB flush each, not one per extent), their frees
 * into one heap-lock hold of at most max(NC_LOCK_BATCH, one extent) pages.
 */
#define NC_DECREASE_BATCH	64U

/*
 * Unmap the @nb extents of 2^@order pages at @gfn[0..nb): one
 * unmap_mapping_range() per run of contiguous gfns.  Returns how many.
 */
static unsigned int nc_unmap_extents(struct nc_domain_obj *dom,
				     const u64 *gfn, unsigned int nb,
				     unsigned int order)
{
	u64 first = gfn[0], pages = 1ULL << order, run = pages;
	unsigned int j, runs = 0;

	for (j = 1; j < nb; j++) {
		if (gfn[j] == first + run) {
			run += pages;
			continue;
		}
		nc_unmap_gfns(dom, first, run);
		runs++;
		first = gfn[j];
		run = pages;
	}
	nc_unmap_gfns(dom, first, run);
	return runs + 1;
}

/*
 * Decrease reservation (XENMEM_decrease_reservation).  Called with the
 * domain's lock held.  Every page of an extent must be populated, else the
 * extent is refused whole (EINVAL) and nothing of it is freed.  Freeing
 * never gives claims back.
 *
 * In batches of up to NC_DECREASE_BATCH extents: first each extent is
 * checked and, when it is part of a larger entry, that entry split, without
 * the invalidate lock (the domain's lock keeps populate and decrease out;
 * a fault or read that looks a gfn up meanwhile finds the same page through
 * the old entry or a finer one, and the split's allocations may reclaim,
 * which is not done under a lock faults wait for); then, under the
 * invalidate lock, the batch's entries are erased and its runs unmapped
 * once; then the pages are freed.  A batch ends before an extent it
 * already has (the same gfn twice: the second is refused, as one at a
 * time), and at the first extent refused, after the ones before it are
 * done (*@nr_done counts them, as before).
 */
int nc_decrease(struct nc_domain_obj *dom, const struct nc_gfn_list *gfns,
		u64 nr_extents, unsigned int order, u64 *nr_done)
{
	struct address_space *mapping = dom->inode->i_mapping;
	unsigned int max_ext, max_entries;
	bool held = false;
	void **entries;
	u64 pages, t0;
	int ret = 0;

	*nr_done = 0;
	/* Validated before it is used as a shift count. */
	if (order > CE_MAX_ORDER)
		return -EINVAL;
	pages = 1ULL << order;
	max_ext = clamp_t(u64, NC_LOCK_BATCH >> order, 1, NC_DECREASE_BATCH);
	max_entries = max_ext * pages;
	entries = kmalloc_array(max_entries, sizeof(*entries), GFP_KERNEL);
	if (!entries)
		return -ENOMEM;

	while (!ret && *nr_done < nr_extents) {
		const u64 *batch = &gfns->kernel[*nr_done];
		unsigned int nb = 0, n = 0, runs, j, k;
		bool busy = false;

		for (; nb < max_ext && *nr_done + nb < nr_extents; nb++) {
			void *big;
			u64 gfn;

			ret = nc_next_gfn(dom, gfns, *nr_done + nb, order, &gfn);
			if (ret)
				break;
			for (k = 0; k < nb && batch[k] != gfn; k++)
				;
			if (k < nb)
				break;		/* the next batch refuses it */
			ret = nc_physmap_covered(dom, gfn, order, &big);
			if (!ret && big)
				ret = nc_physmap_split(dom, gfn, order, big);
			if (ret)
				break;
		}
		if (!nb)
			break;

		filemap_invalidate_lock(mapping);
		for (j = 0; j < nb; j++)
			n += nc_physmap_take(&dom->physmap, batch[j],
					     batch[j] + pages - 1, entries + n,
					     max_entries - n, NULL);
		runs = nc_unmap_extents(dom, batch, nb, order);
		for (j = 0; j < n; j++)
			busy |= nc_entry_fault_barrier(entries[j]);
		if (busy)
			runs += nc_unmap_extents(dom, batch, nb, order);
		filemap_invalidate_unlock(mapping);

		nc_bulk_lock(&t0);
		for (j = 0; j < n; j++)
			held |= nc_free_entry(dom, entries[j]);
		nc_hold_stats_decrease(nb, runs);
		nc_bulk_unlock(t0, nb * pages, "decrease");
		*nr_done += nb;
		cond_resched();
	}
	kfree(entries);
	if (held)
		nc_reap_kick();
	if (*nr_done)
		nc_scrub_kick();
	return ret;
}

/* The node numaclaims placed @gfn on, or -1.  Caller holds the domain's lock. */
int nc_physmap_node(struct nc_domain_obj *dom, u64 gfn)
{
	void *entry = xa_load(&dom->physmap, gfn);

	return entry ? pm_decode(entry).node : -1;
}

/* Entries in @dom's physmap: one per extent (KUnit).  Domain lock held. */
u64 nc_physmap_entries(struct nc_domain_obj *dom)
{
	unsigned long index;
	void *entry;
	u64 n = 0;

	xa_for_each(&dom->physmap, index, entry)
		n++;
	return n;
}


/* The page at @gfn without the domain's lock (RCU), or NULL. */
struct page *nc_physmap_lookup(struct nc_domain_obj *dom, u64 gfn)
{
	void *entry = xa_load(&dom->physmap, gfn);
	struct nc_pm pm;

	if (!entry || !xa_is_value(entry))
		return NULL;
	pm = pm_decode(entry);
	return pm_page(&pm, gfn);
}

/* The page at @gfn, or NULL.  Caller holds the domain's lock. */
struct page *nc_physmap_page(struct nc_domain_obj *dom, u64 gfn)
{
	return nc_physmap_lookup(dom, gfn);
}
