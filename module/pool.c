// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims core: the heap.  Per-node pools of real pages (frames, the
 * held and dirty bitmaps, reserve at load and release at unload), held
 * pages and their reaper, the heap lock and its bounded bulk holds, offline
 * and online, and the consistent snapshots the front ends read.  The
 * accounting decisions are the engine's (claims_engine.c); the lock order
 * is at the top of nc_core.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>
#include "nc_internal.h"
#ifndef NC_NO_TRACEPOINTS
#define CREATE_TRACE_POINTS
#endif
#include "nc_trace.h"

void ce_trace_recall(u32 domid, int node, u64 pages)
{
	trace_numaclaims_claim_recall(domid, node, pages);
}

DEFINE_SPINLOCK(nc_heap_lock);
struct ce_heap nc_heap;

/* Frame number -> struct page, per node; written at init, then read-only. */
static struct page **nc_frames[CE_MAX_NODES];

/*
 * Held frames (freed by their domain while someone else still had a
 * reference to the page, see nc_pool_free_block()) are on the engine's
 * per-node held list (ce_free_held(), ce_held_next()): the reaper visits
 * them, not the pool.
 */

/*
 * Dirty frames, per node: pages a domain had (and so may hold its data),
 * not zeroed since.  Pools are reserved zeroed; a frame becomes dirty when
 * it leaves a physmap and is cleaned when populate hands it out again (only
 * dirty pages are cleared) or when the pool gives it back to Linux at
 * unload.  So no domain sees another's data and no domain data reaches
 * Linux's allocator.  Bits change under the heap lock (set) or while the
 * frame is owned by one caller (cleared).
 */
static unsigned long *nc_dirty[CE_MAX_NODES];

/*
 * Superpages, per node (docs/MAPPING.md, "Superpages"): index -> the head
 * page of a PMD-order compound folio, never split.  Dirty bits as for
 * frames, one per superpage, and a held bit per superpage (set under the
 * heap lock with ce_free_superpage_held(), cleared by the reaper): one bit
 * per 2 MiB, read only while a superpage is held.  Written at init, then
 * read-only (the bitmaps as nc_dirty[]).
 */
static struct page **nc_sp[CE_MAX_NODES];
static unsigned long *nc_sp_held[CE_MAX_NODES];
static unsigned long *nc_sp_dirty[CE_MAX_NODES];

unsigned int nc_debug;
u64 nc_verify_failures_count;
/* Written under the heap lock (nc_bulk_unlock()). */
static struct nc_hold_stats nc_hold_stats;
static void nc_reap_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(nc_reap_work, nc_reap_work_fn);

struct page *nc_frame_page(u32 node, u32 frame)
{
	return nc_frames[node][frame];
}

struct page *nc_superpage(u32 node, u32 index)
{
	return nc_sp[node][index];
}

/* Clear the 512 pages of a superpage (never a poisoned one). */
static void nc_clear_superpage(struct page *head)
{
	u32 i;

	for (i = 0; i < CE_SP_PAGES; i++)
		if (!PageHWPoison(head + i))
			clear_highpage(head + i);
}

/* Is any page of @head's superpage hardware-poisoned? */
static bool nc_superpage_poisoned(struct page *head)
{
	u32 i;

	for (i = 0; i < CE_SP_PAGES; i++)
		if (PageHWPoison(head + i))
			return true;
	return false;
}

/*
 * Zero superpage @index of @node if a domain had it since it was last
 * cleared; true if it did.  The caller owns it (allocated, not yet in a
 * physmap).  With debug=2, checks every page handed out is zero.
 */
bool nc_sp_clear_if_dirty(u32 node, u32 index)
{
	struct page *head = nc_superpage(node, index);
	bool dirty = test_and_clear_bit(index, nc_sp_dirty[node]);
	u32 i;

	if (dirty)
		nc_clear_superpage(head);
	if (unlikely(nc_debug & NC_DEBUG_VERIFY_ZERO))
		for (i = 0; i < CE_SP_PAGES; i++)
			if (!nc_page_is_zero(head + i)) {
				WRITE_ONCE(nc_verify_failures_count,
					   nc_verify_failures_count + 1);
				pr_err_ratelimited("node %u superpage %u: handed to a domain not zero\n",
						   node, index);
				break;
			}
	return dirty;
}

/*
 * Zero @frame of @node if it may hold a domain's data (its nc_dirty bit);
 * true if it did.  The caller owns the frame: it is out of every free
 * list and physmap, or going back to Linux.
 */
bool nc_clear_if_dirty(u32 node, u32 frame)
{
	struct page *page = nc_frame_page(node, frame);

	if (!test_and_clear_bit(frame, nc_dirty[node]))
		return false;
	/* Never touch poisoned memory: the next allocation retires it. */
	if (PageHWPoison(page))
		return false;
	clear_highpage(page);
	return true;
}

/* ---------------------------------------------------------------------------
 * Pools.
 */

/* Free pages of @node now (all its zones). */
static u64 nc_node_free_pages(int node)
{
	pg_data_t *pgdat = NODE_DATA(node);
	u64 free = 0;
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++)
		if (populated_zone(&pgdat->node_zones[z]))
			free += zone_page_state(&pgdat->node_zones[z],
						NR_FREE_PAGES);
	return free;
}

/* How pool pages are taken from Linux: on the node, zeroed, no retrying. */
#define NC_POOL_GFP	(GFP_HIGHUSER | __GFP_ZERO | __GFP_THISNODE | \
			 __GFP_NOWARN | __GFP_NORETRY)

/* pool_max_percent, for resizes after load. */
static unsigned int nc_max_percent;

/* Growing on claim, per node, and what grew so (see nc_release_fn()). */
static bool nc_grow_on[CE_MAX_NODES];
static u64 nc_surplus[CE_MAX_NODES];
static unsigned int nc_release_ms = 10000;

/*
 * A pool may take at most @max_percent of the node's free memory at load
 * (so Linux keeps the rest), and never more than the metadata can index:
 * nc_frames[] (8 bytes per page) must stay within kvmalloc()'s INT_MAX.
 */
static int nc_pool_check_size(int node, u64 nr_pages, unsigned int max_percent)
{
	u64 free = nc_node_free_pages(node);
	u64 limit = div_u64(free * max_percent, 100);

	if (nr_pages > NC_POOL_MAX_PAGES) {
		pr_err("node %d: a pool of %llu MiB is above the per-node maximum of %llu MiB\n",
		       node, nr_pages >> (20 - PAGE_SHIFT),
		       (u64)NC_POOL_MAX_PAGES >> (20 - PAGE_SHIFT));
		return -EINVAL;
	}
	if (nr_pages > limit) {
		pr_err("node %d: a pool of %llu MiB is more than %u%% of the node's %llu MiB free memory; ask for less, or raise pool_max_percent= (up to 100) to take it deliberately\n",
		       node, nr_pages >> (20 - PAGE_SHIFT), max_percent,
		       free >> (20 - PAGE_SHIFT));
		return -EINVAL;
	}
	return 0;
}

/* Are all 2^@order pages from @page on @node?  (Fault injection: no.) */
static bool nc_chunk_on_node(struct page *page, unsigned int order, int node,
			     u32 frame)
{
	u32 i;

	if ((nc_debug & NC_DEBUG_FAIL_RESERVE) && frame)
		return false;
	for (i = 0; i < (1U << order); i++)
		if (page_to_nid(page + i) != node)
			return false;
	return true;
}

/* Free @node's frame table and bitmaps (a pool that failed or is gone). */
static void nc_pool_free_meta(int node)
{
	kvfree(nc_frames[node]);
	kvfree(nc_dirty[node]);
	nc_frames[node] = NULL;
	nc_dirty[node] = NULL;
	kvfree(nc_sp[node]);
	kvfree(nc_sp_held[node]);
	kvfree(nc_sp_dirty[node]);
	nc_sp[node] = NULL;
	nc_sp_held[node] = NULL;
	nc_sp_dirty[node] = NULL;
}

/*
 * Reserve @nr superpages on @node: PMD-order compound folios, zeroed, that
 * stay whole (a superpage is mapped as one PMD and given back whole).
 * __GFP_RETRY_MAYFAIL compacts as hugetlb's pool does; what cannot be had
 * is warned about, as for the 4 KiB pool.
 */
static void nc_sp_reserve(int node, u32 nr)
{
	const gfp_t gfp = GFP_HIGHUSER | __GFP_COMP | __GFP_ZERO |
			  __GFP_THISNODE | __GFP_NOWARN | __GFP_RETRY_MAYFAIL;
	u32 i;

	for (i = 0; i < nr; i++) {
		struct page *page = alloc_pages_node(node, gfp, CE_SP_ORDER);

		if (!page)
			break;
		if (!nc_chunk_on_node(page, CE_SP_ORDER, node, i)) {
			WARN_ON_ONCE(!(nc_debug & NC_DEBUG_FAIL_RESERVE));
			put_page(page);
			break;
		}
		nc_sp[node][i] = page;
		spin_lock(&nc_heap_lock);
		ce_sp_pool_add(&nc_heap, node, i);
		spin_unlock(&nc_heap_lock);
		cond_resched();
	}
	if (i < nr)
		pr_warn("node %d: reserved %u of %u superpages\n", node, i, nr);
}

/*
 * Reserve @nr_pages on @node: 2 MiB chunks while they come, then smaller
 * orders.  Orders only go down, so every chunk starts at a frame number
 * aligned to its size, as the engine's buddy allocator requires.  Every page
 * is split to order 0 (so it can later be mapped and reference counted on
 * its own) and checked to really be on @node.  Pages come zeroed: the pool
 * starts clean (nc_dirty all clear).
 */
static int nc_pool_reserve(int node, u64 nr_pages, u64 capacity, u32 nr_sp)
{
	const gfp_t gfp = NC_POOL_GFP;
	unsigned int order = CE_MAX_ORDER;
	u32 frame = 0, i;
	int ret;

	if (!capacity && !nr_sp)
		return 0;
	nc_frames[node] = kvcalloc(capacity, sizeof(struct page *), GFP_KERNEL);
	nc_dirty[node] = kvcalloc(BITS_TO_LONGS(capacity), sizeof(long),
				  GFP_KERNEL);
	nc_sp[node] = kvcalloc(nr_sp, sizeof(struct page *), GFP_KERNEL);
	nc_sp_held[node] = kvcalloc(BITS_TO_LONGS(nr_sp), sizeof(long),
				    GFP_KERNEL);
	nc_sp_dirty[node] = kvcalloc(BITS_TO_LONGS(nr_sp), sizeof(long),
				     GFP_KERNEL);
	ret = nc_frames[node] && nc_dirty[node] &&
	      nc_sp[node] && nc_sp_held[node] && nc_sp_dirty[node] ?
	      0 : -ENOMEM;
	if (!ret)
		ret = ce_pool_init(&nc_heap, node, capacity);
	if (!ret) {
		ret = ce_sp_pool_init(&nc_heap, node, nr_sp);
		if (ret)
			ce_pool_destroy(&nc_heap, node);
	}
	if (ret) {
		nc_pool_free_meta(node);
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
		/*
		 * Check the whole chunk before any of it enters nc_frames[]:
		 * what is in nc_frames[] is freed once, by nc_pool_release().
		 */
		if (!nc_chunk_on_node(page, order, node, frame)) {
			WARN_ON_ONCE(!(nc_debug & NC_DEBUG_FAIL_RESERVE));
			for (i = 0; i < (1U << order); i++)
				__free_page(page + i);
			break;
		}
		for (i = 0; i < (1U << order); i++)
			nc_frames[node][frame + i] = page + i;
		spin_lock(&nc_heap_lock);
		ce_pool_add_chunk(&nc_heap, node, frame, order);
		spin_unlock(&nc_heap_lock);
		frame += 1U << order;
		cond_resched();
	}
	if (frame < nr_pages)
		pr_warn("node %d: reserved %u of %llu pages\n", node, frame,
			nr_pages);
	nc_sp_reserve(node, nr_sp);
	return 0;
}

/*
 * Is @page all zeroes?  A poisoned page is not read (it is never handed
 * out: the engine retires it) and counts as zero.
 */
bool nc_page_is_zero(struct page *page)
{
	void *p;
	bool zero;

	if (PageHWPoison(page))
		return true;
	p = kmap_local_page(page);
	zero = !memchr_inv(p, 0, PAGE_SIZE);

	kunmap_local(p);
	return zero;
}

/*
 * Give @node's superpages back to Linux, zeroed, as nc_pool_release() does
 * its pages: a held one only loses the pool's reference.
 */
static void nc_sp_release(int node)
{
	u32 i, nr = nc_heap.node[node].sp_nr;

	for (i = 0; nc_sp[node] && i < nr; i++) {
		struct page *head = nc_sp[node][i];

		if (!head)
			continue;
		/*
		 * Poisoned: kept from Linux for good, as memory_failure()
		 * keeps the pages it cannot handle (a buddy allocator that
		 * took it back would drop the whole block at its next use).
		 */
		if (nc_superpage_poisoned(head)) {
			pr_warn("node %d: superpage %u hardware-poisoned: not given back to Linux\n",
				node, i);
			continue;
		}
		if (test_and_clear_bit(i, nc_sp_dirty[node]))
			nc_clear_superpage(head);
		put_page(head);
		cond_resched();
	}
}

/*
 * Give every page of @node's pool back to Linux, zeroed: a page a domain
 * had is cleared first.  Domains are gone, and with them every mapping
 * (each domain file holds a module reference).  numaclaims.ko cannot get
 * here with a page held (held pages hold the module: nc_held_get()); a
 * KUnit pool could, if a case left one: such a page is cleared too and
 * only loses the pool's reference, so it is never freed while in use.
 */
static void nc_pool_release(int node)
{
	struct ce_pool *p = &nc_heap.node[node].pool;
	u64 held = nc_heap.node[node].held_pages, scrubbed = 0, bad = 0;
	u64 returned = 0;
	u32 f;

	if (!nc_frames[node])
		return;
	held += nc_heap.node[node].sp_held * CE_SP_PAGES;
	if (held)
		pr_warn("node %d: %llu pages still held at unload: they go back to Linux (zeroed) when released\n",
			node, held);
	for (f = 0; f < p->nr_frames; f++) {
		struct page *page = nc_frames[node][f];

		if (!page)
			continue;
		/* Poisoned: kept from Linux for good (see nc_sp_release()). */
		if (PageHWPoison(page)) {
			pr_warn("node %d: frame %u hardware-poisoned: not given back to Linux\n",
				node, f);
			continue;
		}
		scrubbed += nc_clear_if_dirty(node, f);
		if ((nc_debug & NC_DEBUG_VERIFY_ZERO) && !nc_page_is_zero(page))
			bad++;
		__free_page(page);
		returned++;
		if (!(f & 511))
			cond_resched();
	}
	if (nc_debug & NC_DEBUG_VERIFY_ZERO)
		pr_info("node %d: unload: %llu pages back to Linux, %llu scrubbed, %llu not zero\n",
			node, returned, scrubbed, bad);
	WARN_ON_ONCE(bad);
	nc_sp_release(node);
	ce_pool_destroy(&nc_heap, node);
	nc_pool_free_meta(node);
}

/* ---------------------------------------------------------------------------
 * Held pages.
 */

/*
 * Held pages keep the module loaded: unload would otherwise have to take a
 * page from under its holder (a pipe, O_DIRECT or io_uring still reading
 * it) or give it to Linux unscrubbed.  nc_held_units counts held frames
 * and held superpages, under the heap lock with the engine's own held
 * counters, so the reference is there exactly while HOST_INFO shows a page
 * held: the first one held takes it (on a decrease or destroy, which hold
 * a reference of their own), the reaper's release of the last one drops
 * it.  The reaper runs as the work, which unload cancels synchronously, or
 * from nc_core_exit(): it returns before the module's text goes.
 */
static u64 nc_held_units;

static void nc_held_get(void)
{
	lockdep_assert_held(&nc_heap_lock);
	if (!nc_held_units++)
		__module_get(THIS_MODULE);
}

static void nc_held_put(void)
{
	lockdep_assert_held(&nc_heap_lock);
	if (!WARN_ON_ONCE(!nc_held_units) && !--nc_held_units)
		module_put(THIS_MODULE);
}

/* Is the pool's own reference the only one left on @page? */
static bool nc_page_unheld(struct page *page)
{
	return page_ref_count(page) == 1;
}

/*
 * The reaper.  A pass visits the held frames only (the engine's per-node
 * held list), NC_REAP_BATCH at a time: under the heap lock it takes the
 * next batch and notes the first frame after it, drops the lock, reads each
 * page's refcount and scrubs the ones nobody holds any more, and releases
 * those under one more short hold.  Frees add held frames at the list's
 * head meanwhile; only a pass removes frames (passes are serialised by
 * nc_reap_mutex, and unload cancels the work first), so the frame noted
 * after a batch is still listed when the next batch starts from it.  A
 * frame added during a pass is seen by the next one (its free kicks it).
 *
 * Scheduling: a pass runs NC_REAP_INTERVAL after a held page appears
 * (nc_reap_kick(), which also brings a backed-off pass forward and never
 * pushes one back); while pages stay held, a pass that reaped nothing
 * doubles the interval up to NC_REAP_MAX_INTERVAL, and one that reaped
 * something, or followed a kick since the previous pass chose its
 * interval, goes back to NC_REAP_INTERVAL (a kick racing with the start of
 * a pass is counted, not lost).  Work per pass:
 * O(held pages) plus the superpage held bitmap (one bit per 2 MiB) while a
 * superpage is held.  On system_unbound_wq: not on the CPU whose free
 * queued it (a vCPU's), and within the housekeeping CPUs.
 */
#define NC_REAP_INTERVAL	(HZ / 20)
#define NC_REAP_MAX_INTERVAL	(5 * HZ)
#define NC_REAP_BATCH		64U

static DEFINE_MUTEX(nc_reap_mutex);	/* one pass at a time; the stats */
static struct nc_reap_stats nc_reap_stats;

/* When the next pass runs: under nc_reap_sched.lock. */
static struct {
	spinlock_t lock;
	unsigned long interval;	/* after a pass that reaps nothing */
	unsigned long due;	/* jiffies: when the queued pass runs */
	bool queued;		/* a pass is queued and has not started */
	u64 kicks;		/* nc_reap_kick() calls */
	u64 kicks_seen;		/* kicks when the last pass chose its interval */
} nc_reap_sched = {
	.lock = __SPIN_LOCK_UNLOCKED(nc_reap_sched.lock),
	.interval = NC_REAP_INTERVAL,
};

/* A pass over @node's held superpages: how many are still held. */
static u64 nc_reap_superpages(u32 node)
{
	u32 nr = nc_heap.node[node].sp_nr, i;
	u64 still = 0, held;

	spin_lock(&nc_heap_lock);
	held = nc_heap.node[node].sp_held;
	spin_unlock(&nc_heap_lock);
	if (!held)
		return 0;
	for_each_set_bit(i, nc_sp_held[node], nr) {
		struct page *head = nc_superpage(node, i);

		cond_resched();
		nc_reap_stats.sp_visited++;
		/* Poisoned: retired whole and never touched, held or not. */
		if (nc_superpage_poisoned(head)) {
			clear_bit(i, nc_sp_held[node]);
			spin_lock(&nc_heap_lock);
			ce_retire_superpage_held(&nc_heap, node);
			nc_held_put();
			spin_unlock(&nc_heap_lock);
			pr_warn_ratelimited("node %u: held superpage %u hardware-poisoned: retired\n",
					    node, i);
			continue;
		}
		if (!nc_page_unheld(head)) {
			still++;
			continue;
		}
		clear_bit(i, nc_sp_held[node]);
		nc_clear_superpage(head);
		clear_bit(i, nc_sp_dirty[node]);
		spin_lock(&nc_heap_lock);
		ce_release_superpage_held(&nc_heap, node, i);
		nc_held_put();
		spin_unlock(&nc_heap_lock);
		nc_reap_stats.reaped += CE_SP_PAGES;
	}
	return still;
}

/* A pass over @node's held frames: how many are still held. */
static u64 nc_reap_frames(u32 node)
{
	u32 batch[NC_REAP_BATCH], n, i, f;
	DECLARE_BITMAP(unheld, NC_REAP_BATCH);
	DECLARE_BITMAP(poisoned, NC_REAP_BATCH);
	u64 still = 0, reaped, retired;

	spin_lock(&nc_heap_lock);
	f = ce_held_next(&nc_heap, node, CE_NO_FRAME);
	spin_unlock(&nc_heap_lock);
	while (f != CE_NO_FRAME) {
		/* The batch from f; f becomes the first frame after it. */
		spin_lock(&nc_heap_lock);
		for (n = 0; f != CE_NO_FRAME && n < NC_REAP_BATCH;
		     f = ce_held_next(&nc_heap, node, f))
			batch[n++] = f;
		spin_unlock(&nc_heap_lock);

		bitmap_zero(unheld, NC_REAP_BATCH);
		bitmap_zero(poisoned, NC_REAP_BATCH);
		for (i = 0; i < n; i++) {
			struct page *page = nc_frame_page(node, batch[i]);

			/*
			 * Hardware poison: retired, never touched, whoever
			 * holds it (memory_failure() may keep a reference
			 * for good).
			 */
			if (PageHWPoison(page)) {
				__set_bit(i, poisoned);
				continue;
			}
			if (!nc_page_unheld(page))
				continue;
			clear_highpage(page);
			clear_bit(batch[i], nc_dirty[node]);
			__set_bit(i, unheld);
		}
		reaped = bitmap_weight(unheld, NC_REAP_BATCH);
		retired = bitmap_weight(poisoned, NC_REAP_BATCH);
		if (reaped || retired) {
			spin_lock(&nc_heap_lock);
			for_each_set_bit(i, unheld, NC_REAP_BATCH) {
				ce_release_held(&nc_heap, node, batch[i]);
				nc_held_put();
			}
			for_each_set_bit(i, poisoned, NC_REAP_BATCH) {
				ce_retire_held(&nc_heap, node, batch[i]);
				nc_held_put();
			}
			spin_unlock(&nc_heap_lock);
		}
		if (retired)
			pr_warn_ratelimited("node %u: %llu held page(s) hardware-poisoned: retired\n",
					    node, retired);
		nc_reap_stats.visited += n;
		nc_reap_stats.last_visited += n;
		nc_reap_stats.reaped += reaped;
		still += n - reaped - retired;
		cond_resched();
	}
	return still;
}

/*
 * One pass: return every held page nobody holds any more to the pool,
 * scrubbed.  Returns how many pages (superpages count one) are still held;
 * *@reaped gets how many pages it returned.  Sleeps; holds the heap lock
 * for at most NC_REAP_BATCH frames at a time.  Caller holds nc_reap_mutex.
 */
static u64 nc_reap_pass(u64 *reaped)
{
	u64 still = 0, t0 = ktime_get_ns();
	u32 node;

	lockdep_assert_held(&nc_reap_mutex);
	*reaped = nc_reap_stats.reaped;
	nc_reap_stats.last_visited = 0;
	for (node = 0; node < CE_MAX_NODES; node++) {
		if (!nc_frames[node])
			continue;
		still += nc_reap_superpages(node);
		still += nc_reap_frames(node);
	}
	nc_reap_stats.passes++;
	nc_reap_stats.ns += ktime_get_ns() - t0;
	nc_reap_stats.still = still;
	*reaped = nc_reap_stats.reaped - *reaped;
	return still;
}

u64 nc_reap_held(void)
{
	u64 reaped, still;

	mutex_lock(&nc_reap_mutex);
	still = nc_reap_pass(&reaped);
	mutex_unlock(&nc_reap_mutex);
	return still;
}

/* Queue a pass @delay from now unless one is queued sooner; sched lock held. */
static void nc_reap_queue(unsigned long delay)
{
	unsigned long due = jiffies + delay;

	lockdep_assert_held(&nc_reap_sched.lock);
	if (nc_reap_sched.queued && !time_after(nc_reap_sched.due, due))
		return;
	nc_reap_sched.queued = true;
	nc_reap_sched.due = due;
	mod_delayed_work(system_unbound_wq, &nc_reap_work, delay);
}

static void nc_reap_work_fn(struct work_struct *work)
{
	u64 reaped, still;

	spin_lock(&nc_reap_sched.lock);
	nc_reap_sched.queued = false;
	spin_unlock(&nc_reap_sched.lock);

	/* The pass and its schedule in one: debugfs reads both consistent. */
	mutex_lock(&nc_reap_mutex);
	still = nc_reap_pass(&reaped);
	spin_lock(&nc_reap_sched.lock);
	/* A page held since the last choice: start again from 50 ms. */
	if (reaped || nc_reap_sched.kicks != nc_reap_sched.kicks_seen)
		nc_reap_sched.interval = NC_REAP_INTERVAL;
	else
		nc_reap_sched.interval = min_t(unsigned long,
					       2 * nc_reap_sched.interval,
					       NC_REAP_MAX_INTERVAL);
	nc_reap_sched.kicks_seen = nc_reap_sched.kicks;
	if (still)
		nc_reap_queue(nc_reap_sched.interval);
	spin_unlock(&nc_reap_sched.lock);
	mutex_unlock(&nc_reap_mutex);
}

/* A page was held: a pass within NC_REAP_INTERVAL, and no back-off. */
void nc_reap_kick(void)
{
	spin_lock(&nc_reap_sched.lock);
	nc_reap_sched.kicks++;
	nc_reap_sched.interval = NC_REAP_INTERVAL;
	nc_reap_queue(NC_REAP_INTERVAL);
	spin_unlock(&nc_reap_sched.lock);
}

/* Unload and KUnit: the work is cancelled; forget its schedule. */
static void nc_reap_stop(void)
{
	cancel_delayed_work_sync(&nc_reap_work);
	spin_lock(&nc_reap_sched.lock);
	nc_reap_sched.queued = false;
	nc_reap_sched.kicks_seen = nc_reap_sched.kicks;
	nc_reap_sched.interval = NC_REAP_INTERVAL;
	spin_unlock(&nc_reap_sched.lock);
}

/* Between passes: the figures and the schedule that followed the last one. */
void nc_reap_stats_get(struct nc_reap_stats *st)
{
	mutex_lock(&nc_reap_mutex);
	*st = nc_reap_stats;
	spin_lock(&nc_reap_sched.lock);
	st->interval_ms = jiffies_to_msecs(nc_reap_sched.interval);
	st->queued = nc_reap_sched.queued;
	spin_unlock(&nc_reap_sched.lock);
	mutex_unlock(&nc_reap_mutex);
}

void nc_reap_stats_reset(void)
{
	mutex_lock(&nc_reap_mutex);
	memset(&nc_reap_stats, 0, sizeof(nc_reap_stats));
	mutex_unlock(&nc_reap_mutex);
}

/*
 * Give back the block [@frame, @frame + 2^@order) of @node that @dom had
 * (a physmap entry, already erased, whose user mappings are already gone);
 * caller holds nc_heap_lock and the domain lock.  The whole block goes back
 * in one engine call when no page of it is held; else page by page, and a
 * page someone still holds (a pin, an O_DIRECT or vmsplice in flight)
 * leaves the domain but waits, held, for the reaper.  Returns true if any
 * page is held.  Work: one read of each page's refcount, one engine call
 * per block (or per page when some are held).
 */
bool nc_pool_free_block(struct nc_domain_obj *dom, u32 node, u32 frame,
			unsigned int order, bool counted)
{
	u32 i, n = 1U << order;
	bool held = false;

	/*
	 * It had the domain's data: zeroed before anyone else sees it.  Bit
	 * by bit and atomic, like the clears, which run outside the heap
	 * lock on other frames of the same words (a non-atomic word update
	 * here could undo one).
	 */
	for (i = 0; i < n; i++)
		set_bit(frame + i, nc_dirty[node]);
	for (i = 0; i < n; i++)
		if (!nc_page_unheld(nc_frame_page(node, frame + i)))
			break;
	if (i == n) {
		ce_free_pages(&nc_heap, &dom->acct, node, frame, order,
			      counted);
		return false;
	}
	for (i = 0; i < n; i++) {
		u32 f = frame + i;

		if (nc_page_unheld(nc_frame_page(node, f))) {
			ce_free_pages(&nc_heap, &dom->acct, node, f, 0,
				      counted);
			continue;
		}
		ce_free_held(&nc_heap, &dom->acct, node, f, counted);
		nc_held_get();
		held = true;
	}
	return held;
}

/*
 * nc_pool_free_block() for superpage @index: back whole, or held whole
 * while anyone holds a reference to any of its pages (the folio's).
 */
bool nc_pool_free_superpage(struct nc_domain_obj *dom, u32 node, u32 index,
			    bool counted)
{
	set_bit(index, nc_sp_dirty[node]);
	if (nc_page_unheld(nc_superpage(node, index))) {
		ce_free_superpage(&nc_heap, &dom->acct, node, index, counted);
		return false;
	}
	set_bit(index, nc_sp_held[node]);
	ce_free_superpage_held(&nc_heap, &dom->acct, node, counted);
	nc_held_get();
	return true;
}

/* Heap-lock holds of the bulk paths: the longest seen (debugfs lock_holds). */
void nc_bulk_lock(u64 *t0)
{
	spin_lock(&nc_heap_lock);
	*t0 = ktime_get_ns();
}

void nc_bulk_unlock(u64 t0, u64 work, const char *what)
{
	u64 ns = ktime_get_ns() - t0;
	struct nc_hold_stats *st = &nc_hold_stats;

	if (work > st->max_work) {
		st->max_work = work;
		st->max_work_site = what;
	}
	if (ns > st->max_ns) {
		st->max_ns = ns;
		st->max_ns_site = what;
	}
	spin_unlock(&nc_heap_lock);
}

/*
 * Offline and online of a whole request in bounded heap-lock holds: the
 * accounting is committed at once (atomic, O(domains)), the frames move
 * NC_LOCK_BATCH at a time with the lock dropped in between.  One offline or
 * online at a time (nc_offline_lock), so an online's check that enough
 * pages are offline holds for all its batches.
 */
static DEFINE_MUTEX(nc_offline_lock);

int nc_host_offline(u32 node, u64 pages)
{
	u64 left, t0, ticket;
	int ret;

	if (mutex_lock_killable(&nc_offline_lock))
		return -EINTR;
	nc_bulk_lock(&t0);
	ret = ce_offline_commit(&nc_heap, node, pages);
	nc_bulk_unlock(t0, 0, "offline commit");
	for (left = pages; !ret && left; cond_resched()) {
		u64 before = left;
		bool wait;

		nc_bulk_lock(&t0);
		left = ce_offline_settle(&nc_heap, node, NC_LOCK_BATCH);
		/* What is left is the block being scrubbed: have it back. */
		wait = left && left == before;
		if (wait && WARN_ON_ONCE(!nc_scrub_abort_locked(node, &ticket)))
			left = 0;
		nc_bulk_unlock(t0, before - left, "offline");
		/* Committed: finish it (one page's wait at most), signal or not. */
		if (wait && left)
			nc_scrub_wait_block(node, ticket, false);
	}
	mutex_unlock(&nc_offline_lock);
	trace_numaclaims_offline(node, pages, false, ret);
	return ret;
}

int nc_host_online(u32 node, u64 pages)
{
	u64 t0, batch, total __maybe_unused = pages;
	int ret;

	if (mutex_lock_killable(&nc_offline_lock))
		return -EINTR;
	spin_lock(&nc_heap_lock);
	ret = -ENOENT;
	if (node < CE_MAX_NODES) {
		node = array_index_nospec(node, CE_MAX_NODES);
		/* Retired (poisoned) pages are offline for good. */
		if (nc_heap.node[node].has_pool)
			ret = pages > nc_heap.node[node].offlined_pages -
				      nc_heap.node[node].retired_pages ?
			      -EINVAL : 0;
	}
	spin_unlock(&nc_heap_lock);
	while (!ret && pages) {
		batch = min_t(u64, pages, NC_LOCK_BATCH);
		nc_bulk_lock(&t0);
		ret = ce_online_pages(&nc_heap, node, batch);
		nc_bulk_unlock(t0, batch, "online");
		pages -= batch;
		cond_resched();
	}
	mutex_unlock(&nc_offline_lock);
	trace_numaclaims_offline(node, total, true, ret);
	return ret;
}

/* ---------------------------------------------------------------------------
 * Resizing a pool while domains run (NUMACLAIMS_IOC_POOL_RESIZE, sysfs).
 * Under nc_offline_lock, so one resize, offline or online at a time; a
 * grow's slots and a shrink's frames are only ever taken under it, so a
 * frame number a shrink made absent is not reused before its page is gone.
 */

/*
 * Add 2^@order pages from @page (split) to @node's pool, in slots as large
 * as the engine has (the capacity was checked: order 0 always fits), one
 * slot per heap-lock hold.
 */
static void nc_pool_add_pages(int node, struct page *page, unsigned int order)
{
	u32 done = 0, i;
	u64 t0;

	while (done < (1U << order)) {
		unsigned int o = order;
		u32 slot;

		/* The largest aligned piece of what is left. */
		while ((done & ((1U << o) - 1)) ||
		       done + (1U << o) > (1U << order))
			o--;
		nc_bulk_lock(&t0);
		while ((slot = ce_pool_slot_take(&nc_heap, node, o)) ==
		       CE_NO_FRAME && o)
			o--;
		if (WARN_ON_ONCE(slot == CE_NO_FRAME)) {
			nc_bulk_unlock(t0, 0, "grow");
			for (i = done; i < (1U << order); i++)
				__free_page(page + i);
			return;
		}
		for (i = 0; i < (1U << o); i++)
			nc_frames[node][slot + i] = page + done + i;
		ce_pool_add_chunk(&nc_heap, node, slot, o);
		nc_bulk_unlock(t0, 1U << o, "grow");
		done += 1U << o;
		cond_resched();
	}
}

/*
 * Grow @node's pool by @pages, all or nothing: every page is taken from
 * Linux first (the chunks listed through page->lru, each one's order in
 * page->private), and only once all of them are there do they join the
 * pool.
 */
static int nc_pool_grow(int node, u64 pages)
{
	unsigned int order = CE_MAX_ORDER;
	struct page *page, *next;
	LIST_HEAD(chunks);
	u64 got = 0;
	int ret = 0;

	if (pages > div_u64(nc_node_free_pages(node) * nc_max_percent, 100))
		return -ENOMEM;
	while (got < pages) {
		while ((1ULL << order) > pages - got)
			order--;
		page = alloc_pages_node(node, NC_POOL_GFP, order);
		if (!page) {
			if (!order) {
				ret = -ENOMEM;
				break;
			}
			order--;
			continue;
		}
		set_page_private(page, order);
		list_add_tail(&page->lru, &chunks);
		if (!nc_chunk_on_node(page, order, node, 1)) {
			ret = -ENOMEM;
			break;
		}
		got += 1ULL << order;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	list_for_each_entry_safe(page, next, &chunks, lru) {
		order = page_private(page);
		list_del(&page->lru);
		set_page_private(page, 0);
		if (ret) {
			__free_pages(page, order);
			continue;
		}
		split_page(page, order);
		nc_pool_add_pages(node, page, order);
	}
	return ret;
}

/*
 * Shrink @node's pool by @pages: committed at once (all or nothing), then
 * the blocks leave at most NC_LOCK_BATCH pages a heap-lock hold; with no
 * lock held their pages are cleared if a domain wrote them and go back to
 * Linux.
 */
static int nc_pool_shrink(int node, u64 pages)
{
	struct page **batch;
	unsigned long *dirty;
	u64 t0, ticket;
	int ret;

	BUILD_BUG_ON(NC_LOCK_BATCH < (1U << CE_MAX_ORDER));
	batch = kvmalloc_array(NC_LOCK_BATCH, sizeof(*batch), GFP_KERNEL);
	dirty = bitmap_zalloc(NC_LOCK_BATCH, GFP_KERNEL);
	if (!batch || !dirty) {
		kvfree(batch);
		bitmap_free(dirty);
		return -ENOMEM;
	}
	nc_bulk_lock(&t0);
	ret = ce_pool_shrink_commit(&nc_heap, node, pages);
	nc_bulk_unlock(t0, 0, "shrink commit");
	while (!ret && pages) {
		unsigned int order;
		bool wait = false, blk_dirty;
		u32 n = 0, i, f;

		nc_bulk_lock(&t0);
		/* Blocks of at most what the batch has room for. */
		while (n < NC_LOCK_BATCH &&
		       (f = ce_pool_shrink_take(&nc_heap, node,
						ilog2(NC_LOCK_BATCH - n),
						&order, &blk_dirty)) !=
		       CE_NO_FRAME) {
			for (i = 0; i < (1U << order); i++, n++) {
				batch[n] = nc_frames[node][f + i];
				nc_frames[node][f + i] = NULL;
				__assign_bit(n, dirty,
					     test_and_clear_bit(f + i,
								nc_dirty[node]));
			}
		}
		/* Only the block being scrubbed is left: have it back. */
		if (!n && nc_heap.node[node].shrink_pending)
			wait = nc_scrub_abort_locked(node, &ticket);
		nc_bulk_unlock(t0, n, "shrink");
		if (!n && WARN_ON_ONCE(!wait))
			break;
		/* Committed: finish it (one page's wait at most). */
		if (wait)
			nc_scrub_wait_block(node, ticket, false);
		for (i = 0; i < n; i++) {
			if (test_bit(i, dirty))
				clear_highpage(batch[i]);
			__free_page(batch[i]);
		}
		pages -= n;
		cond_resched();
	}
	kvfree(batch);
	bitmap_free(dirty);
	return ret;
}

int nc_pool_resize(u32 node, u64 pages)
{
	u64 t0 __maybe_unused = ktime_get_ns(), old = 0, cap = 0;
	int ret;

	if (mutex_lock_killable(&nc_offline_lock))
		return -EINTR;
	/* Sizes cannot change while nc_offline_lock is held. */
	ret = nc_pool_size(node, &old, &cap) ? 0 : -ENOENT;
	if (!ret) {
		node = array_index_nospec(node, CE_MAX_NODES);
		if (pages > cap)
			ret = -ENOSPC;
		else if (pages > old)
			ret = nc_pool_grow(node, pages - old);
		else if (pages < old)
			ret = nc_pool_shrink(node, old - pages);
	}
	/* The size is the administrator's now: no surplus to give back. */
	if (!ret)
		WRITE_ONCE(nc_surplus[node], 0);
	mutex_unlock(&nc_offline_lock);
	trace_numaclaims_pool_resize(node, old, ret ? old : pages,
				     ktime_get_ns() - t0, ret);
	return ret;
}

/* A node's pool size and capacity in pages; false if it has no pool. */
bool nc_pool_size(u32 node, u64 *pages, u64 *capacity)
{
	bool has;

	if (node >= CE_MAX_NODES)
		return false;
	node = array_index_nospec(node, CE_MAX_NODES);
	spin_lock(&nc_heap_lock);
	has = nc_heap.node[node].has_pool && nc_frames[node];
	if (has) {
		*pages = nc_heap.node[node].reserved_pages;
		*capacity = nc_heap.node[node].pool.nr_frames;
	}
	spin_unlock(&nc_heap_lock);
	return has;
}

/* ---------------------------------------------------------------------------
 * Claims that grow the pool (grow_on_claim, per node): a claim set that
 * does not fit a node's unclaimed pool memory first grows that node's pool
 * by the shortfall, within its capacity and pool_max_percent, then
 * installs as any claim does.  What grew this way is the node's surplus
 * (hugetlb's surplus pages): every grow_release_ms the release work gives
 * the part of it that is free and unclaimed back to Linux.  A resize by
 * hand makes the pool's size the administrator's again: surplus 0.
 * nc_grow_on and nc_surplus (declared with the pools) are under
 * nc_offline_lock.
 */

static void nc_release_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(nc_release_work, nc_release_fn);
/* When each node's pool last grew on claim (jiffies). */
static unsigned long nc_grown_at[CE_MAX_NODES];

static void nc_release_queue(void)
{
	queue_delayed_work(system_unbound_wq, &nc_release_work,
			   msecs_to_jiffies(READ_ONCE(nc_release_ms)));
}

/*
 * Give back what of each node's surplus is free and unclaimed, once
 * grow_release_ms have passed since the node's pool last grew on claim (a
 * boot storm's builders claim, free and claim again: the pool does not
 * shrink and grow under them).
 */
static void nc_release_fn(struct work_struct *work)
{
	unsigned long wait = msecs_to_jiffies(READ_ONCE(nc_release_ms));
	bool more = false;
	u32 node;

	mutex_lock(&nc_offline_lock);
	for (node = 0; node < CE_MAX_NODES; node++) {
		u64 give, t0 __maybe_unused = ktime_get_ns();
		u64 old __maybe_unused;

		if (!nc_surplus[node])
			continue;
		if (time_before(jiffies, nc_grown_at[node] + wait)) {
			more = true;
			continue;
		}
		spin_lock(&nc_heap_lock);
		old = nc_heap.node[node].reserved_pages;
		give = min(nc_surplus[node], ce_pool_unclaimed(&nc_heap, node));
		spin_unlock(&nc_heap_lock);
		if (give && !nc_pool_shrink(node, give)) {
			WRITE_ONCE(nc_surplus[node], nc_surplus[node] - give);
			trace_numaclaims_pool_resize(node, old, old - give,
						     ktime_get_ns() - t0, 0);
		}
		more |= nc_surplus[node] != 0;
	}
	mutex_unlock(&nc_offline_lock);
	if (more)
		nc_release_queue();
}

/*
 * What a claim may still grow @node's pool by (heap lock held): 0 unless
 * it grows on claim, else the capacity left, at most pool_max_percent of
 * the node's free memory now (what nc_pool_grow() allows).  A shrink in
 * flight (a surplus release) holds nc_offline_lock, which the grow waits
 * for: the frames it has yet to give back count as capacity left.
 */
u64 nc_pool_room(u32 node)
{
	u64 free;

	lockdep_assert_held(&nc_heap_lock);
	if (node >= CE_MAX_NODES || !READ_ONCE(nc_grow_on[node]) ||
	    !nc_frames[node])
		return 0;
	free = div_u64(nc_node_free_pages(node) * nc_max_percent, 100);
	return min(ce_pool_free_slots(&nc_heap, node) +
		   nc_heap.node[node].shrink_pending, free);
}

/*
 * A claim that grows the pools: nc_pool_grow_lock(), then
 * nc_pool_grow_locked() with what each node lacks, then the install, then
 * nc_pool_grow_unlock().  Under nc_offline_lock throughout, so no release,
 * resize or offline runs between the grow and the install; other builders'
 * claims can still take the new memory first (the install is ENOMEM).
 */
int nc_pool_grow_lock(void)
{
	return mutex_lock_killable(&nc_offline_lock) ? -EINTR : 0;
}

void nc_pool_grow_unlock(void)
{
	mutex_unlock(&nc_offline_lock);
}

int nc_pool_grow_locked(const u64 *shortfall)
{
	u32 node;
	int ret = 0;

	lockdep_assert_held(&nc_offline_lock);
	for (node = 0; node < CE_MAX_NODES && !ret; node++) {
		u64 t0 __maybe_unused = ktime_get_ns(), room;
		u64 old __maybe_unused;	/* traced */

		if (!shortfall[node])
			continue;
		spin_lock(&nc_heap_lock);
		old = nc_heap.node[node].reserved_pages;
		room = nc_pool_room(node);
		spin_unlock(&nc_heap_lock);
		/* As a claim refused: the claim says ENOMEM. */
		if (shortfall[node] > room) {
			ret = -ENOMEM;
			break;
		}
		ret = nc_pool_grow(node, shortfall[node]);
		if (!ret) {
			WRITE_ONCE(nc_surplus[node],
				   nc_surplus[node] + shortfall[node]);
			nc_grown_at[node] = jiffies;
		}
		trace_numaclaims_pool_resize(node, old,
					     ret ? old : old + shortfall[node],
					     ktime_get_ns() - t0, ret);
	}
	/* What grew before a node failed is surplus: it goes back too. */
	nc_release_queue();
	return ret;
}

bool nc_pool_grows_on_claim(u32 node)
{
	return node < CE_MAX_NODES && READ_ONCE(nc_grow_on[node]);
}

int nc_pool_set_grow_on_claim(u32 node, bool on)
{
	u64 pages, cap;

	if (!nc_pool_size(node, &pages, &cap))
		return -ENOENT;
	if (mutex_lock_killable(&nc_offline_lock))
		return -EINTR;
	WRITE_ONCE(nc_grow_on[node], on);
	mutex_unlock(&nc_offline_lock);
	return 0;
}

/* Lockless: a figure for sysfs, written under nc_offline_lock. */
u64 nc_pool_surplus(u32 node)
{
	if (node >= CE_MAX_NODES)
		return 0;
	return READ_ONCE(nc_surplus[array_index_nospec(node, CE_MAX_NODES)]);
}

unsigned int nc_pool_release_ms(void)
{
	return READ_ONCE(nc_release_ms);
}

void nc_pool_set_release_ms(unsigned int ms)
{
	WRITE_ONCE(nc_release_ms, ms);
	mod_delayed_work(system_unbound_wq, &nc_release_work,
			 msecs_to_jiffies(ms));
}

/* ---------------------------------------------------------------------------
 * Load and unload.
 */

/* Of @mb MiB, whole superpages. */
static u32 nc_mb_to_superpages(long mb)
{
	return mb > 0 ? (u32)((u64)mb >> (CE_SP_ORDER + PAGE_SHIFT - 20)) : 0;
}

/* The engine's frame_bad: hardware-poisoned (memory_failure()). */
static bool nc_frame_bad(u32 node, u32 frame)
{
	return PageHWPoison(nc_frame_page(node, frame));
}

/* The engine's sp_bad: any of the superpage's 512 pages poisoned. */
static bool nc_sp_bad(u32 node, u32 index)
{
	return nc_superpage_poisoned(nc_superpage(node, index));
}

int nc_core_init(const struct nc_core_config *cfg)
{
	int node, ret;

	if (!cfg->max_percent || cfg->max_percent > 100) {
		pr_err("pool_max_percent=%u: must be 1 to 100\n",
		       cfg->max_percent);
		return -EINVAL;
	}

	nc_debug = cfg->debug;
	nc_max_percent = cfg->max_percent;
	nc_release_ms = cfg->grow_release_ms;
	for (node = 0; node < CE_MAX_NODES; node++) {
		nc_grow_on[node] = cfg->grow_on_claim;
		nc_surplus[node] = 0;
	}
	ce_heap_init(&nc_heap);
	/* Poisoned frames are retired when an allocation takes them. */
	if (IS_ENABLED(CONFIG_MEMORY_FAILURE)) {
		nc_heap.frame_bad = nc_frame_bad;
		nc_heap.sp_bad = nc_sp_bad;
	}
	ret = nc_domfile_mount();
	if (ret)
		return ret;
	for_each_node_state(node, N_MEMORY) {
		long mb = cfg->pool_mb, sp_mb = cfg->superpage_mb;
		long max_mb = cfg->pool_max_mb;
		u64 pages, capacity;
		u32 sps;

		if (node >= CE_MAX_NODES) {
			pr_warn("node %d: above %d nodes, no pool\n", node,
				CE_MAX_NODES);
			continue;
		}
		if (cfg->node_pool_mb && node < cfg->nr_node_pool_mb &&
		    cfg->node_pool_mb[node] >= 0)
			mb = cfg->node_pool_mb[node];
		if (cfg->node_superpage_mb &&
		    node < cfg->nr_node_superpage_mb &&
		    cfg->node_superpage_mb[node] >= 0)
			sp_mb = cfg->node_superpage_mb[node];
		if (cfg->node_pool_max_mb && node < cfg->nr_node_pool_max_mb &&
		    cfg->node_pool_max_mb[node] >= 0)
			max_mb = cfg->node_pool_max_mb[node];
		pages = (u64)mb << (20 - PAGE_SHIFT);
		capacity = max_t(u64, pages, (u64)max_mb << (20 - PAGE_SHIFT));
		sps = nc_mb_to_superpages(sp_mb);
		ret = nc_pool_check_size(node, pages + sps * CE_SP_PAGES,
					 cfg->max_percent);
		if (!ret && capacity > NC_POOL_MAX_PAGES) {
			pr_err("node %d: a pool capacity of %llu MiB is above the per-node maximum of %llu MiB\n",
			       node, capacity >> (20 - PAGE_SHIFT),
			       (u64)NC_POOL_MAX_PAGES >> (20 - PAGE_SHIFT));
			ret = -EINVAL;
		}
		if (!ret)
			ret = nc_pool_reserve(node, pages, capacity, sps);
		if (ret) {
			nc_core_exit();
			return ret;
		}
		pr_info("node %d: pool of %llu pages, %llu superpages\n", node,
			nc_heap.node[node].reserved_pages,
			nc_heap.node[node].sp_reserved);
	}
	nc_scrub_start();
	return 0;
}

void nc_core_exit(void)
{
	int node;

	nc_domain_destroy_all();
	cancel_delayed_work_sync(&nc_release_work);
	/* Each puts its block back before it stops: every page listed. */
	nc_scrub_stop();
	nc_reap_stop();
	nc_reap_held();
	for (node = 0; node < CE_MAX_NODES; node++)
		nc_pool_release(node);
	/* A KUnit case that left a page held: the pools forgot it. */
	spin_lock(&nc_heap_lock);
	if (nc_held_units) {
		nc_held_units = 1;
		nc_held_put();
	}
	spin_unlock(&nc_heap_lock);
	nc_domfile_unmount();
}

/*
 * Of a node's offlined pages, those retired for good (hardware poison);
 * *@sp gets its retired superpages.
 */
u64 nc_node_retired(u32 node, u64 *sp)
{
	u64 r;

	spin_lock(&nc_heap_lock);
	r = nc_heap.node[node].retired_pages;
	*sp = nc_heap.node[node].sp_retired;
	spin_unlock(&nc_heap_lock);
	return r;
}

/* KUnit: change the debug= bits (e.g. verify zero); returns the old ones. */
unsigned int nc_core_set_debug(unsigned int debug)
{
	unsigned int old = nc_debug;

	nc_debug = debug;
	return old;
}

/* ---------------------------------------------------------------------------
 * What the front ends read: each in one critical section.
 */

/*
 * HOST_INFO: every figure in one critical section, so they agree with each
 * other.  The ioctl and KUnit's baselines both read the heap through this.
 */
void nc_host_info(struct numaclaims_host_info *hi)
{
	u64 scrub = 0, growable = 0;
	u32 node;

	spin_lock(&nc_heap_lock);
	hi->nr_nodes = nc_heap.nr_nodes;
	hi->nr_domains = nc_heap.nr_domains;
	hi->total_avail_pages = nc_heap.total_avail_pages;
	hi->outstanding_claims = nc_heap.outstanding_claims;
	for (node = 0; node < CE_MAX_NODES; node++) {
		const struct ce_node *n = &nc_heap.node[node];

		hi->nodes[node].reserved_pages = n->reserved_pages;
		hi->nodes[node].avail_pages = n->avail_pages;
		hi->nodes[node].outstanding_claims = n->outstanding_claims;
		hi->nodes[node].offlined_pages = n->offlined_pages;
		hi->nodes[node].has_pool = n->has_pool;
		hi->nodes[node].pad = 0;
		hi->held_pages[node] = n->held_pages;
		hi->scrub_pages[node] = ce_scrub_pages(&nc_heap, node);
		scrub += hi->scrub_pages[node];
		hi->superpages[node].reserved_pages =
			n->sp_reserved * CE_SP_PAGES;
		hi->superpages[node].free_pages = n->sp_avail * CE_SP_PAGES;
		hi->superpages[node].outstanding_claims =
			n->sp_claims * CE_SP_PAGES;
		hi->superpages[node].held_pages = n->sp_held * CE_SP_PAGES;
		hi->growable_pages[node] = nc_pool_room(node);
		growable += hi->growable_pages[node];
	}
	hi->total_growable_pages = growable;
	hi->total_scrub_pages = scrub;
	hi->total_held_pages = nc_heap.total_held_pages;
	spin_unlock(&nc_heap_lock);
}

/* The engine's invariant checker on the live heap: 0, or why not. */
int nc_heap_check(const char **why)
{
	int ret;

	spin_lock(&nc_heap_lock);
	ret = ce_check_invariants(&nc_heap, why);
	spin_unlock(&nc_heap_lock);
	return ret;
}

void nc_hold_stats_get(struct nc_hold_stats *st)
{
	spin_lock(&nc_heap_lock);
	*st = nc_hold_stats;
	spin_unlock(&nc_heap_lock);
}

/* Decrease's extents and unmap calls (one per run of gfns); heap lock held. */
void nc_hold_stats_decrease(u64 extents, u64 unmaps)
{
	lockdep_assert_held(&nc_heap_lock);
	nc_hold_stats.decrease_extents += extents;
	nc_hold_stats.decrease_unmaps += unmaps;
}

void nc_hold_stats_reset(void)
{
	spin_lock(&nc_heap_lock);
	memset(&nc_hold_stats, 0, sizeof(nc_hold_stats));
	spin_unlock(&nc_heap_lock);
}

/* Pages handed to a domain or given back to Linux not zero (debug=2). */
u64 nc_verify_failures(void)
{
	return READ_ONCE(nc_verify_failures_count);
}
