// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims core: per-node pools of real pages, domains, populate and
 * decrease.  The accounting decisions are the engine's (claims_engine.c);
 * this file owns the pages, the physmaps and the locks (see nc_core.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/nospec.h>
#include <linux/nodemask.h>
#include <linux/pseudo_fs.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include "nc_core.h"
#ifndef NC_NO_TRACEPOINTS
#define CREATE_TRACE_POINTS
#endif
#include "nc_trace.h"

void ce_trace_recall(u32 domid, int node, u64 pages)
{
	trace_numaclaims_claim_recall(domid, node, pages);
}
#include "nc_compat.h"

DEFINE_SPINLOCK(nc_heap_lock);
struct ce_heap nc_heap;

/* Frame number -> struct page, per node; written at init, then read-only. */
static struct page **nc_frames[CE_MAX_NODES];

/*
 * Held frames, per node: freed by their domain while someone else still had
 * a reference to the page (see nc_free_entry()).  A bit is set under the
 * heap lock together with ce_free_held(); the reaper clears it when the page
 * is back to the pool's own reference, scrubs the page and returns it.
 */
static unsigned long *nc_held[CE_MAX_NODES];

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

unsigned int nc_debug;
struct nc_hold_stats nc_hold_stats;
static void nc_reap_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(nc_reap_work, nc_reap_work_fn);
#define NC_REAP_INTERVAL	(HZ / 20)

/* One inode per domain on this pseudo filesystem: a mapping of its own. */
#define NC_FS_MAGIC	0x6e636c6dU	/* "nclm" */
static struct vfsmount *nc_mnt;

/* domid -> struct nc_domain_obj; ids 1 .. 0x7fef as Xen's DOMID_FIRST_RESERVED */
static DEFINE_XARRAY_ALLOC1(nc_domains);
static u32 nc_next_domid;
#define NC_DOMID_MAX	0x7fefU

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
#define NC_PM_MULTI		IS_ENABLED(CONFIG_XARRAY_MULTI)

struct nc_pm {
	u32 node, frame;	/* frame: the first of the entry's range */
	unsigned int order;
	bool counted;
};

static void *pm_encode(u32 node, u32 frame, bool counted, unsigned int order)
{
	return xa_mk_value((u64)frame | (u64)node << NC_PM_NODE_SHIFT |
			   (counted ? NC_PM_COUNTED : 0) |
			   (u64)order << NC_PM_ORDER_SHIFT);
}

static struct nc_pm pm_decode(void *entry)
{
	u64 v = xa_to_value(entry);

	return (struct nc_pm){
		.frame = (u32)v,
		.node = (v >> NC_PM_NODE_SHIFT) & 0xff,
		.counted = v & NC_PM_COUNTED,
		.order = (v >> NC_PM_ORDER_SHIFT) & 0xf,
	};
}

/* The frame of @gfn in the entry @pm that covers it. */
static u32 pm_frame(const struct nc_pm *pm, u64 gfn)
{
	return pm->frame + (u32)(gfn & ((1ULL << pm->order) - 1));
}

struct page *nc_frame_page(u32 node, u32 frame)
{
	return nc_frames[node][frame];
}

/*
 * Zero @frame of @node if it may hold a domain's data (its nc_dirty bit);
 * true if it did.  The caller owns the frame: it is out of every free
 * list and physmap, or going back to Linux.
 */
static bool nc_clear_if_dirty(u32 node, u32 frame)
{
	if (!test_and_clear_bit(frame, nc_dirty[node]))
		return false;
	clear_highpage(nc_frame_page(node, frame));
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

/*
 * Reserve @nr_pages on @node: 2 MiB chunks while they come, then smaller
 * orders.  Orders only go down, so every chunk starts at a frame number
 * aligned to its size, as the engine's buddy allocator requires.  Every page
 * is split to order 0 (so it can later be mapped and reference counted on
 * its own) and checked to really be on @node.  Pages come zeroed: the pool
 * starts clean (nc_dirty all clear).
 */
static int nc_pool_reserve(int node, u64 nr_pages)
{
	const gfp_t gfp = GFP_HIGHUSER | __GFP_ZERO | __GFP_THISNODE |
			  __GFP_NOWARN | __GFP_NORETRY;
	unsigned int order = CE_MAX_ORDER;
	u32 frame = 0, i;
	int ret;

	if (!nr_pages)
		return 0;
	nc_frames[node] = kvcalloc(nr_pages, sizeof(struct page *), GFP_KERNEL);
	nc_held[node] = kvcalloc(BITS_TO_LONGS(nr_pages), sizeof(long),
				 GFP_KERNEL);
	nc_dirty[node] = kvcalloc(BITS_TO_LONGS(nr_pages), sizeof(long),
				  GFP_KERNEL);
	ret = nc_frames[node] && nc_held[node] && nc_dirty[node] ? 0 : -ENOMEM;
	if (!ret)
		ret = ce_pool_init(&nc_heap, node, nr_pages);
	if (ret) {
		kvfree(nc_frames[node]);
		kvfree(nc_held[node]);
		kvfree(nc_dirty[node]);
		nc_frames[node] = NULL;
		nc_held[node] = NULL;
		nc_dirty[node] = NULL;
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
	return 0;
}

/* Is @page all zeroes? */
static bool nc_page_is_zero(struct page *page)
{
	void *p = kmap_local_page(page);
	bool zero = !memchr_inv(p, 0, PAGE_SIZE);

	kunmap_local(p);
	return zero;
}

/*
 * Give every page of @node's pool back to Linux, zeroed: a page a domain
 * had is cleared first.  Domains are gone, and with them every mapping
 * (each domain file holds a module reference).  A page still held by
 * someone (a get_user_pages() pin that outlived its domain) is cleared too
 * and only loses the pool's reference here: it goes back to Linux when its
 * last holder lets go, and is never freed while in use.
 */
static void nc_pool_release(int node)
{
	struct ce_pool *p = &nc_heap.node[node].pool;
	u64 held = nc_heap.node[node].held_pages, scrubbed = 0, bad = 0;
	u64 returned = 0;
	u32 f;

	if (!nc_frames[node])
		return;
	if (held)
		pr_warn("node %d: %llu pages still held at unload: they go back to Linux (zeroed) when released\n",
			node, held);
	for (f = 0; f < p->nr_frames; f++) {
		struct page *page = nc_frames[node][f];

		if (!page)
			continue;
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
	ce_pool_destroy(&nc_heap, node);
	kvfree(nc_frames[node]);
	kvfree(nc_held[node]);
	kvfree(nc_dirty[node]);
	nc_frames[node] = NULL;
	nc_held[node] = NULL;
	nc_dirty[node] = NULL;
}

/* ---------------------------------------------------------------------------
 * Held pages.
 */

/* Is the pool's own reference the only one left on @page? */
static bool nc_page_unheld(struct page *page)
{
	return page_ref_count(page) == 1;
}

/*
 * Return every held page nobody holds any more to the pool, scrubbed.
 * Returns how many are still held.  Sleeps; takes the heap lock per page.
 */
u64 nc_reap_held(void)
{
	u64 still = 0;
	u32 node;

	for (node = 0; node < CE_MAX_NODES; node++) {
		u32 nr = nc_heap.node[node].pool.nr_frames, f;

		if (!nc_held[node])
			continue;
		for_each_set_bit(f, nc_held[node], nr) {
			struct page *page = nc_frame_page(node, f);

			if (!nc_page_unheld(page)) {
				still++;
				continue;
			}
			if (!test_and_clear_bit(f, nc_held[node]))
				continue;
			clear_highpage(page);
			clear_bit(f, nc_dirty[node]);
			spin_lock(&nc_heap_lock);
			ce_release_held(&nc_heap, node, f);
			spin_unlock(&nc_heap_lock);
			cond_resched();
		}
	}
	return still;
}

static void nc_reap_work_fn(struct work_struct *work)
{
	if (nc_reap_held())
		schedule_delayed_work(&nc_reap_work, NC_REAP_INTERVAL);
}

static void nc_reap_kick(void)
{
	schedule_delayed_work(&nc_reap_work, NC_REAP_INTERVAL);
}

/* ---------------------------------------------------------------------------
 * Background scrubbing (Xen's idle scrubbing, scrub_free_pages()): one
 * kthread per node with a pool, bound to the node's CPUs, at the lowest
 * priority.  It takes one dirty free block at a time off the lists under
 * the heap lock (ce_scrub_take(): at most NC_SCRUB_ORDER, the rest of a
 * larger block stays listed), clears the block's dirty pages outside it and
 * lists it again clean.  A populate or an offline that needs the block
 * while it is out raises @abort: the scrubber stops at the next page, puts
 * the block back dirty (what it cleared is clean in nc_dirty, so nothing
 * is cleared twice) and wakes them.  scrub=0 stops it: populate then
 * clears the pages it hands out, as before.
 */
#define NC_SCRUB_ORDER		9U

struct nc_scrubber {
	struct task_struct *task;
	wait_queue_head_t wait;		/* the scrubber waits for work here */
	wait_queue_head_t done;		/* callers wait for the block here */
	bool abort;
	bool out;			/* a block is off the lists */
	u64 scrubbed;			/* pages cleared in the background */
	u64 populate_scrubbed;		/* pages cleared by populate */
	u64 aborts;
	u64 blocks;
};

static struct nc_scrubber nc_scrubbers[CE_MAX_NODES];
static bool nc_scrub_on = true;

/* Wake the scrubbers of every node with dirty pages (after frees). */
static void nc_scrub_kick(void)
{
	u32 node;

	if (!READ_ONCE(nc_scrub_on))
		return;
	for (node = 0; node < CE_MAX_NODES; node++)
		if (nc_scrubbers[node].task)
			wake_up(&nc_scrubbers[node].wait);
}

static int nc_scrub_param_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	if (!ret)
		nc_scrub_kick();
	return ret;
}

static const struct kernel_param_ops nc_scrub_param_ops = {
	.set = nc_scrub_param_set,
	.get = param_get_bool,
};
module_param_cb(scrub, &nc_scrub_param_ops, &nc_scrub_on, 0644);
__MODULE_PARM_TYPE(scrub, "bool");
MODULE_PARM_DESC(scrub, "Scrub freed memory in the background, one thread per node (default 1; 0: populate clears what it hands out)");

static bool nc_scrub_has_work(u32 node)
{
	return READ_ONCE(nc_scrub_on) &&
	       READ_ONCE(nc_heap.node[node].pool.nr_dirty);
}

/* Clear the dirty pages of [@frame, @frame + 2^@order); false if aborted. */
static bool nc_scrub_block(struct nc_scrubber *s, u32 node, u32 frame,
			   unsigned int order)
{
	u32 i;

	for (i = 0; i < (1U << order); i++) {
		if (READ_ONCE(s->abort) || kthread_should_stop())
			return false;
		s->scrubbed += nc_clear_if_dirty(node, frame + i);
		if ((i & 63) == 63)
			cond_resched();
	}
	return true;
}

static int nc_scrub_thread(void *arg)
{
	u32 node = (uintptr_t)arg;
	struct nc_scrubber *s = &nc_scrubbers[node];

	set_user_nice(current, MAX_NICE);
	while (!kthread_should_stop()) {
		unsigned int order;
		bool clean;
		u32 frame;

		wait_event_interruptible(s->wait, kthread_should_stop() ||
					 nc_scrub_has_work(node));
		if (kthread_should_stop())
			break;
		spin_lock(&nc_heap_lock);
		frame = READ_ONCE(nc_scrub_on) ?
			ce_scrub_take(&nc_heap, node, NC_SCRUB_ORDER, &order) :
			CE_NO_FRAME;
		WRITE_ONCE(s->out, frame != CE_NO_FRAME);
		spin_unlock(&nc_heap_lock);
		if (frame == CE_NO_FRAME) {
			/* Nothing left that is not being handed out: wait. */
			wait_event_interruptible_timeout(s->wait,
				kthread_should_stop(), HZ / 10);
			continue;
		}
		clean = nc_scrub_block(s, node, frame, order);
		spin_lock(&nc_heap_lock);
		ce_scrub_put(&nc_heap, node, clean);
		WRITE_ONCE(s->out, false);
		if (clean)
			s->blocks++;
		else
			s->aborts++;
		WRITE_ONCE(s->abort, false);
		spin_unlock(&nc_heap_lock);
		wake_up_all(&s->done);
		cond_resched();
	}
	return 0;
}

/*
 * The block @node's scrubber has out is needed (the engine said -EAGAIN):
 * nc_scrub_abort_locked() asks the scrubber, under the heap lock, to put it
 * back at its next page (false if no block is out); nc_scrub_wait_block()
 * then waits, killably, until it has.  The domain's lock may be held: the
 * scrubber never takes it.
 */
static bool nc_scrub_abort_locked(u32 node)
{
	lockdep_assert_held(&nc_heap_lock);
	if (!nc_scrubbers[node].out)
		return false;
	WRITE_ONCE(nc_scrubbers[node].abort, true);
	return true;
}

static int nc_scrub_wait_block(u32 node)
{
	struct nc_scrubber *s = &nc_scrubbers[node];

	return wait_event_killable(s->done, !READ_ONCE(s->out)) ? -EINTR : 0;
}

static void nc_scrub_start(void)
{
	u32 node;

	for (node = 0; node < CE_MAX_NODES; node++) {
		struct nc_scrubber *s = &nc_scrubbers[node];
		const struct cpumask *mask = cpumask_of_node(node);
		struct task_struct *t;

		memset(s, 0, sizeof(*s));
		init_waitqueue_head(&s->wait);
		init_waitqueue_head(&s->done);
		if (!nc_heap.node[node].has_pool)
			continue;
		t = kthread_create_on_node(nc_scrub_thread,
					   (void *)(uintptr_t)node, node,
					   "nc_scrub/%u", node);
		if (IS_ERR(t)) {
			/* Populate clears what it hands out, as scrub=0. */
			pr_warn("node %u: no scrubber (%ld)\n", node, PTR_ERR(t));
			continue;
		}
		/* Node-local; a node without CPUs is scrubbed from anywhere. */
		if (cpumask_intersects(mask, cpu_online_mask))
			set_cpus_allowed_ptr(t, mask);
		s->task = t;
		wake_up_process(t);
	}
}

static void nc_scrub_stop(void)
{
	u32 node;

	for (node = 0; node < CE_MAX_NODES; node++) {
		if (!nc_scrubbers[node].task)
			continue;
		kthread_stop(nc_scrubbers[node].task);
		nc_scrubbers[node].task = NULL;
	}
}

/* Pages populate cleared itself on @node (for tests: the clean path clears none). */
u64 nc_scrub_populate_cleared(u32 node)
{
	return node < CE_MAX_NODES ?
	       READ_ONCE(nc_scrubbers[node].populate_scrubbed) : 0;
}

/* debugfs "scrub": a line per node with a pool. */
int nc_scrub_show(struct seq_file *m, void *unused)
{
	u32 node;

	seq_printf(m, "enabled %d\n", READ_ONCE(nc_scrub_on));
	seq_puts(m, "node scrub_pages scrubbed_background scrubbed_populate blocks aborts cpu_ns\n");
	for (node = 0; node < CE_MAX_NODES; node++) {
		struct nc_scrubber *s = &nc_scrubbers[node];
		u64 pages, cpu = 0;

		if (!nc_heap.node[node].has_pool)
			continue;
		spin_lock(&nc_heap_lock);
		pages = ce_scrub_pages(&nc_heap, node);
		spin_unlock(&nc_heap_lock);
		if (s->task)
			cpu = s->task->se.sum_exec_runtime;
		seq_printf(m, "%u %llu %llu %llu %llu %llu %llu\n", node, pages,
			   READ_ONCE(s->scrubbed), READ_ONCE(s->populate_scrubbed),
			   READ_ONCE(s->blocks), READ_ONCE(s->aborts), cpu);
	}
	return 0;
}

/* ---------------------------------------------------------------------------
 * The pseudo filesystem of domain inodes.
 */

static int nc_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, NC_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type nc_fs_type = {
	.name = KBUILD_MODNAME "_dom",
	.init_fs_context = nc_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

int nc_core_init(const int *node_pool_mb, unsigned int nr_node_pool_mb,
		 unsigned int default_pool_mb, unsigned int max_percent)
{
	int node, ret;

	if (!max_percent || max_percent > 100) {
		pr_err("pool_max_percent=%u: must be 1 to 100\n", max_percent);
		return -EINVAL;
	}

	ce_heap_init(&nc_heap);
	nc_mnt = kern_mount(&nc_fs_type);
	if (IS_ERR(nc_mnt)) {
		ret = PTR_ERR(nc_mnt);
		nc_mnt = NULL;
		return ret;
	}
	for_each_node_state(node, N_MEMORY) {
		long mb = default_pool_mb;

		if (node >= CE_MAX_NODES) {
			pr_warn("node %d: above %d nodes, no pool\n", node,
				CE_MAX_NODES);
			continue;
		}
		if (node < nr_node_pool_mb && node_pool_mb[node] >= 0)
			mb = node_pool_mb[node];
		ret = nc_pool_check_size(node, (u64)mb << (20 - PAGE_SHIFT),
					 max_percent);
		if (!ret)
			ret = nc_pool_reserve(node, (u64)mb << (20 - PAGE_SHIFT));
		if (ret) {
			nc_core_exit();
			return ret;
		}
		pr_info("node %d: pool of %llu pages\n", node,
			nc_heap.node[node].reserved_pages);
	}
	nc_scrub_start();
	return 0;
}

void nc_core_exit(void)
{
	int node;

	nc_domain_destroy_all();
	/* Each puts its block back before it stops: every page listed. */
	nc_scrub_stop();
	cancel_delayed_work_sync(&nc_reap_work);
	nc_reap_held();
	for (node = 0; node < CE_MAX_NODES; node++)
		nc_pool_release(node);
	if (nc_mnt)
		kern_unmount(nc_mnt);
	nc_mnt = NULL;
}

/* ---------------------------------------------------------------------------
 * Domains.
 */

static void nc_domain_release(struct kref *ref)
{
	struct nc_domain_obj *dom = container_of(ref, struct nc_domain_obj, ref);

	xa_destroy(&dom->physmap);
	if (dom->inode)
		iput(dom->inode);
	/* nc_domain_get() may still be looking at it, under RCU. */
	kfree_rcu(dom, rcu);
}

void nc_domain_put(struct nc_domain_obj *dom)
{
	kref_put(&dom->ref, nc_domain_release);
}

/*
 * A new domain with its id reserved but not published: nc_domain_get()
 * does not find it until nc_domain_publish() (so its creator can finish
 * setting it up, e.g. put it on its AUTODESTROY list, first).  Charged to
 * the caller's memory cgroup, like the physmap that grows with it.
 */
int nc_domain_alloc(u64 max_pages, u32 flags, struct nc_domain_obj **out)
{
	struct nc_domain_obj *dom;
	struct xa_limit limit = XA_LIMIT(1, NC_DOMID_MAX);
	u32 domid;
	int ret;

	dom = kzalloc(sizeof(*dom), GFP_KERNEL_ACCOUNT);
	if (!dom)
		return -ENOMEM;
	kref_init(&dom->ref);		/* the domains xarray's reference */
	mutex_init(&dom->lock);
	/*
	 * XA_FLAGS_ACCOUNT: the xarray's own node allocations (made under its
	 * lock with GFP_NOWAIT, not with xa_store()'s gfp) are charged too.
	 */
	xa_init_flags(&dom->physmap, XA_FLAGS_ACCOUNT);
	atomic_set(&dom->destroy_waiters, 0);
	INIT_LIST_HEAD(&dom->owner_link);
	dom->flags = flags;
	dom->inode = alloc_anon_inode(nc_mnt->mnt_sb);
	if (IS_ERR(dom->inode)) {
		ret = PTR_ERR(dom->inode);
		kfree(dom);
		return ret;
	}

	/* Allocate the id without publishing the domain yet. */
	ret = xa_alloc_cyclic(&nc_domains, &domid, XA_ZERO_ENTRY, limit,
			      &nc_next_domid, GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		iput(dom->inode);
		kfree(dom);
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	spin_lock(&nc_heap_lock);
	ce_domain_init(&nc_heap, &dom->acct, domid, max_pages);
	spin_unlock(&nc_heap_lock);
	kref_get(&dom->ref);		/* the caller's reference */
	*out = dom;
	return 0;
}

/* Make @dom findable by its id (the slot exists: this cannot fail). */
void nc_domain_publish(struct nc_domain_obj *dom)
{
	xa_store(&nc_domains, dom->acct.domid, dom, GFP_KERNEL);
}

int nc_domain_create(u64 max_pages, u32 flags, struct nc_domain_obj **out)
{
	int ret = nc_domain_alloc(max_pages, flags, out);

	if (!ret)
		nc_domain_publish(*out);
	return ret;
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

/*
 * Free one physmap entry (an extent, or the part of one a split left)
 * whose entry is already erased and whose user mappings are already gone;
 * caller holds nc_heap_lock and the domain lock.  The whole block goes back
 * in one engine call when no page of it is held; else page by page, and a
 * page someone still holds (a pin, an O_DIRECT or vmsplice in flight)
 * leaves the domain but waits, held, for the reaper.  Returns true if any
 * page is held.  Work: one read of each page's refcount, one engine call
 * per block (or per page when some are held).
 */
static bool nc_free_entry(struct nc_domain_obj *dom, void *entry)
{
	struct nc_pm pm = pm_decode(entry);
	u32 i, n = 1U << pm.order;
	bool held = false;

	/* It had the domain's data: zeroed before anyone else sees it. */
	bitmap_set(nc_dirty[pm.node], pm.frame, n);
	for (i = 0; i < n; i++)
		if (!nc_page_unheld(nc_frame_page(pm.node, pm.frame + i)))
			break;
	if (i == n) {
		ce_free_pages(&nc_heap, &dom->acct, pm.node, pm.frame,
			      pm.order, pm.counted);
		return false;
	}
	for (i = 0; i < n; i++) {
		u32 frame = pm.frame + i;

		if (nc_page_unheld(nc_frame_page(pm.node, frame))) {
			ce_free_pages(&nc_heap, &dom->acct, pm.node, frame, 0,
				      pm.counted);
			continue;
		}
		set_bit(frame, nc_held[pm.node]);
		ce_free_held(&nc_heap, &dom->acct, pm.node, frame, pm.counted);
		held = true;
	}
	return held;
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
 * Take the entries of gfns [@first, @last] out of @xa, from the lowest,
 * into @entries (if not NULL): at most @max of them and at most
 * NC_LOCK_BATCH pages (one entry is at most 2^CE_MAX_ORDER <= NC_LOCK_BATCH
 * pages), so the work under the xarray's lock, and then the caller's under
 * the heap lock, is bounded (xa_destroy() would walk it all with interrupts
 * off).  Every entry must lie wholly inside the range.  Returns how many;
 * *@pages (if not NULL) gets their pages.
 */
static unsigned int nc_physmap_take(struct xarray *xa, u64 first, u64 last,
				    void **entries, unsigned int max,
				    u64 *pages)
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

/*
 * Destroy: announce it (a populate in progress stops at its next extent),
 * mark dying under the domain lock, unpublish the id, unmap, give every page
 * back in bounded batches, release the claims.  The structure lives on until
 * the last reference is put.  @killable: the wait for the domain's lock ends
 * with -EINTR on a fatal signal (the ioctl); the file-release and unload
 * paths must destroy, and wait.
 */
static int __nc_domain_destroy(struct nc_domain_obj *dom, bool killable)
{
	struct address_space *mapping = dom->inode->i_mapping;
	void *small[16], **entries;
	unsigned int n, max;
	bool held = false;
	u64 t0, released, pages;

	atomic_inc(&dom->destroy_waiters);
	if (!killable) {
		mutex_lock(&dom->lock);
	} else if (mutex_lock_killable(&dom->lock)) {
		atomic_dec(&dom->destroy_waiters);
		return -EINTR;
	}
	atomic_dec(&dom->destroy_waiters);
	if (dom->dying) {
		mutex_unlock(&dom->lock);
		return -ESRCH;
	}
	WRITE_ONCE(dom->dying, true);
	xa_erase(&nc_domains, dom->acct.domid);

	/*
	 * A fault that looked a page up before it saw dying holds the
	 * invalidate lock, shared: we wait for it, then unmap what it mapped.
	 * Every later fault sees dying (SIGBUS), so the pages can be freed
	 * after the lock is dropped.
	 */
	filemap_invalidate_lock(mapping);
	unmap_mapping_range(mapping, 0, 0, 1);
	filemap_invalidate_unlock(mapping);

	entries = kmalloc_array(NC_LOCK_BATCH, sizeof(*entries), GFP_KERNEL);
	max = entries ? NC_LOCK_BATCH : ARRAY_SIZE(small);
	if (!entries)
		entries = small;
	while ((n = nc_physmap_take(&dom->physmap, 0, ULONG_MAX, entries, max,
				    &pages))) {
		unsigned int i;

		nc_bulk_lock(&t0);
		for (i = 0; i < n; i++)
			held |= nc_free_entry(dom, entries[i]);
		nc_bulk_unlock(t0, pages, "destroy");
		cond_resched();
	}
	if (entries != small)
		kfree(entries);
	spin_lock(&nc_heap_lock);
	released = dom->acct.outstanding_pages;
	ce_domain_remove(&nc_heap, &dom->acct);
	spin_unlock(&nc_heap_lock);
	if (released)
		trace_numaclaims_claim_release(dom->acct.domid, released);
	if (held)
		nc_reap_kick();
	nc_scrub_kick();
	mutex_unlock(&dom->lock);
	nc_domain_put(dom);		/* the domains xarray's reference */
	return 0;
}

int nc_domain_destroy(struct nc_domain_obj *dom)
{
	return __nc_domain_destroy(dom, false);
}

int nc_domain_destroy_killable(struct nc_domain_obj *dom)
{
	return __nc_domain_destroy(dom, true);
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

u64 nc_verify_failures;

/*
 * Scrub an extent before a domain sees it.  A block the engine lists as
 * clean is zero already (reserved zeroed, scrubbed in the background or
 * by the reaper): nothing to do.  A dirty one (Xen's fallback to unscrubbed
 * memory in alloc_heap_pages()) has only the pages that had a domain's data
 * cleared (nc_dirty).  With debug=verify every page handed out is checked
 * to be zero, and a clean block to have no dirty page.
 */
static void nc_scrub(u32 node, u32 frame, unsigned int order, bool dirty)
{
	bool verify = unlikely(nc_debug & NC_DEBUG_VERIFY_ZERO);
	u64 cleared = 0;
	u32 i;

	if (!dirty && !verify)
		return;
	for (i = 0; i < (1U << order); i++) {
		struct page *page = nc_frame_page(node, frame + i);
		bool bit = nc_clear_if_dirty(node, frame + i);

		cleared += bit;
		if (verify && ((bit && !dirty) || !nc_page_is_zero(page))) {
			WRITE_ONCE(nc_verify_failures, nc_verify_failures + 1);
			pr_err_ratelimited("node %u frame %u: handed to a domain %s\n",
					   node, frame + i,
					   bit && !dirty ? "dirty in a clean block" :
					   "not zero");
		}
	}
	if (cleared)
		WRITE_ONCE(nc_scrubbers[node].populate_scrubbed,
			   nc_scrubbers[node].populate_scrubbed + cleared);
}

/*
 * Enter an extent into the physmap: one multi-index entry (without
 * CONFIG_XARRAY_MULTI, one entry per page).  The caller holds the domain's
 * lock and found the range empty.  On -ENOMEM nothing is left stored.
 */
static int nc_physmap_store(struct nc_domain_obj *dom, u64 gfn, u32 node,
			    u32 frame, unsigned int order, bool counted)
{
	unsigned int step = NC_PM_MULTI ? order : 0;
	u64 i, n = 1ULL << (order - step);
	int ret;

	for (i = 0; i < n; i++) {
		u64 index = gfn + (i << step);
		XA_STATE_ORDER(xas, &dom->physmap, index, step);
		void *entry = pm_encode(node, frame + (u32)(i << step),
					counted, step);

		do {
			xas_lock(&xas);
			xas_store(&xas, entry);
			xas_unlock(&xas);
		} while (xas_nomem(&xas, GFP_KERNEL_ACCOUNT));
		ret = xas_error(&xas);
		if (ret) {
			if (i)
				nc_physmap_take(&dom->physmap, gfn,
						gfn + (i << step) - 1, NULL,
						UINT_MAX, NULL);
			return ret;
		}
	}
	return 0;
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
 * step.  The caller holds the domain's lock and the mapping's invalidate
 * lock, exclusive: no populate, decrease or fault sees the array in
 * between.  -ENOMEM leaves the same pages mapped, by finer entries.
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
	u64 pages;
	int ret = 0;

	*nr_done = 0;
	/* Validated before it is used as a shift count. */
	if (order > CE_MAX_ORDER || (memflags & ~NUMACLAIMS_MEMF_FLAGS))
		return -EINVAL;
	pages = 1ULL << order;
	if (req_node >= 0 &&
	    (req_node >= CE_MAX_NODES || !nc_heap.node[req_node].has_pool))
		return -ENOENT;

	for (; *nr_done < nr_extents; (*nr_done)++) {
		unsigned long index;
		u64 gfn, redeemed[3];
		u32 node, frame;
		bool dirty;

		ret = nc_next_gfn(dom, gfns, *nr_done, order, &gfn);
		if (ret)
			return ret;
		index = gfn;
		if (xa_find(&dom->physmap, &index, gfn + pages - 1, XA_PRESENT))
			return -EEXIST;

again:
		spin_lock(&nc_heap_lock);
		ret = ce_alloc_extent(&nc_heap, &dom->acct, order, req_node,
				      memflags, &node, &frame, &dirty);
		if (ret == -EAGAIN)
			nc_scrub_abort_locked(node);
		memcpy(redeemed, dom->acct.redeemed, sizeof(redeemed));
		spin_unlock(&nc_heap_lock);
		/* Only the block being scrubbed fits: it comes back now. */
		if (ret == -EAGAIN) {
			ret = nc_scrub_wait_block(node);
			if (ret)
				return ret;
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

		nc_scrub(node, frame, order, dirty);
		ret = nc_physmap_store(dom, gfn, node, frame, order, counted);
		if (ret) {
			/*
			 * The extent cannot enter the physmap: give the pages
			 * back (clean: no domain saw them).  The claims it
			 * redeemed stay redeemed, as in upstream Xen; the
			 * counters stay consistent.
			 */
			spin_lock(&nc_heap_lock);
			ce_free_pages(&nc_heap, &dom->acct, node, frame, order,
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
	struct address_space *mapping = dom->inode->i_mapping;
	void **entries;
	bool held = false;
	u64 pages, t0;
	int ret = 0;

	*nr_done = 0;
	/* Validated before it is used as a shift count. */
	if (order > CE_MAX_ORDER)
		return -EINVAL;
	pages = 1ULL << order;
	entries = kmalloc_array(pages, sizeof(*entries), GFP_KERNEL);
	if (!entries)
		return -ENOMEM;

	for (; *nr_done < nr_extents; (*nr_done)++) {
		unsigned int n, j;
		void *big;
		u64 gfn;

		ret = nc_next_gfn(dom, gfns, *nr_done, order, &gfn);
		if (ret)
			break;
		ret = nc_physmap_covered(dom, gfn, order, &big);
		if (ret)
			break;

		/*
		 * Split an entry larger than the extent, erase the extent's
		 * entries, then unmap, under the invalidate lock, then free:
		 * one heap-lock round trip for the whole extent (at most
		 * 2^CE_MAX_ORDER pages, one engine call per entry).
		 */
		filemap_invalidate_lock(mapping);
		if (big)
			ret = nc_physmap_split(dom, gfn, order, big);
		if (ret) {
			filemap_invalidate_unlock(mapping);
			break;
		}
		n = nc_physmap_take(&dom->physmap, gfn, gfn + pages - 1,
				    entries, pages, NULL);
		nc_unmap_gfns(dom, gfn, pages);
		filemap_invalidate_unlock(mapping);
		nc_bulk_lock(&t0);
		for (j = 0; j < n; j++)
			held |= nc_free_entry(dom, entries[j]);
		nc_bulk_unlock(t0, pages, "decrease");
		cond_resched();
	}
	kfree(entries);
	if (held)
		nc_reap_kick();
	if (*nr_done)
		nc_scrub_kick();
	return ret;
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
	u64 left, t0;
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
		if (wait && WARN_ON_ONCE(!nc_scrub_abort_locked(node)))
			left = 0;
		nc_bulk_unlock(t0, before - left, "offline");
		if (wait && left)
			nc_scrub_wait_block(node);
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
		if (nc_heap.node[node].has_pool)
			ret = pages > nc_heap.node[node].offlined_pages ?
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

/* ---------------------------------------------------------------------------
 * Domain files: mmap of a domain's physmap (see NUMACLAIMS_IOC_DOMAIN_OPEN).
 *
 * The fault path takes neither the domain's lock nor the heap lock: it
 * looks the gfn up in the physmap (RCU) under the domain mapping's
 * invalidate lock, shared, and inserts the page itself.  Decrease and
 * destroy erase the entries and unmap under the same lock, exclusive, so a
 * fault either maps a page before it is unmapped or finds a hole.
 */

/* The page at @gfn without the domain's lock (RCU), or NULL. */
static struct page *nc_physmap_lookup(struct nc_domain_obj *dom, u64 gfn)
{
	void *entry = xa_load(&dom->physmap, gfn);
	struct nc_pm pm;

	if (!entry || !xa_is_value(entry))
		return NULL;
	pm = pm_decode(entry);
	return nc_frame_page(pm.node, pm_frame(&pm, gfn));
}

/* The page at @gfn, or NULL.  Caller holds the domain's lock. */
struct page *nc_physmap_page(struct nc_domain_obj *dom, u64 gfn)
{
	return nc_physmap_lookup(dom, gfn);
}

static vm_fault_t nc_dom_fault(struct vm_fault *vmf)
{
	struct nc_domain_obj *dom = vmf->vma->vm_file->private_data;
	struct address_space *mapping = dom->inode->i_mapping;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	struct page *page;

	filemap_invalidate_lock_shared(mapping);
	page = READ_ONCE(dom->dying) ? NULL :
				       nc_physmap_lookup(dom, vmf->pgoff);
	if (page)
		ret = vmf_insert_page(vmf->vma, vmf->address, page);
	filemap_invalidate_unlock_shared(mapping);
	return ret;
}

static const struct vm_operations_struct nc_dom_vm_ops = {
	.fault = nc_dom_fault,
};

int nc_domain_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct nc_domain_obj *dom = file->private_data;
	u64 end;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (check_add_overflow((u64)vma->vm_pgoff, (u64)vma_pages(vma), &end) ||
	    end > NUMACLAIMS_MAX_GFN)
		return -ENXIO;
	if (READ_ONCE(dom->dying))
		return -ESRCH;
	/*
	 * Ordinary pages inserted by the fault handler (not PFN mappings):
	 * get_user_pages(), move_pages(2) and numa_maps see them.  No growth
	 * by mremap() past the range checked here.
	 */
	nc_vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &nc_dom_vm_ops;
	return 0;
}

/* SEEK_END answers max_pages << PAGE_SHIFT: how a VMM sizes its backend. */
loff_t nc_domain_file_llseek(struct file *file, loff_t offset, int whence)
{
	struct nc_domain_obj *dom = file->private_data;
	u64 pages;

	spin_lock(&nc_heap_lock);
	pages = min_t(u64, dom->acct.max_pages, NUMACLAIMS_MAX_GFN);
	spin_unlock(&nc_heap_lock);
	return fixed_size_llseek(file, offset, whence,
				 (loff_t)pages << PAGE_SHIFT);
}

int nc_domain_file_release(struct inode *inode, struct file *file)
{
	nc_domain_put(file->private_data);
	return 0;
}

static const struct file_operations nc_domain_fops = {
	.owner = THIS_MODULE,
	.mmap = nc_domain_file_mmap,
	.llseek = nc_domain_file_llseek,
	.release = nc_domain_file_release,
};

/*
 * Make @file (opened by some other route, e.g. a device node) a file of
 * @dom: its mappings go to the domain's own address space.  Takes a
 * reference to @dom, dropped by the file's release.
 */
int nc_domain_attach_file(struct nc_domain_obj *dom, struct file *file)
{
	if (READ_ONCE(dom->dying))
		return -ESRCH;
	kref_get(&dom->ref);
	file->private_data = dom;
	file->f_mapping = dom->inode->i_mapping;
	return 0;
}

/* A new file for @dom (O_RDWR), holding a reference to it and the module. */
struct file *nc_domain_file(struct nc_domain_obj *dom)
{
	struct file *file;

	if (READ_ONCE(dom->dying))
		return ERR_PTR(-ESRCH);
	if (!try_module_get(THIS_MODULE))
		return ERR_PTR(-ENODEV);
	ihold(dom->inode);
	file = alloc_file_pseudo(dom->inode, nc_mnt, "numaclaims-domain",
				 O_RDWR, &nc_domain_fops);
	if (IS_ERR(file)) {
		iput(dom->inode);
		module_put(THIS_MODULE);
		return file;
	}
	kref_get(&dom->ref);
	file->private_data = dom;
	return file;
}
