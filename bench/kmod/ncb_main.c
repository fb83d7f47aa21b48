// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims_bench.ko: in-kernel baselines for the numaclaims benchmarks,
 * measured in the same VM run as the ioctl benchmarks (bench/nc_bench.c).
 *
 * Not a test and not part of numaclaims.ko: it only times things.  One
 * debugfs file, /sys/kernel/debug/numaclaims_bench/cmd; write one command,
 * then read its result ("key=value ...") from the same open file.  The work
 * runs in the writer's context, so the caller pins itself to a CPU of the
 * node first (nc_bench does).
 *
 *   alloc NODE PAGES ORDER CLEAR
 *	alloc_pages_node(NODE, GFP_HIGHUSER | __GFP_THISNODE, ORDER) until
 *	PAGES pages are held, clear_highpage() on every page if CLEAR (what a
 *	scrubbing populate does), cond_resched() per extent as populate does.
 *	Timed: the allocation loop.  Untimed: freeing.
 *	-> ns=<timed> pages=<got> offnode=<pages not on NODE> failed=<allocs>
 *
 *   clear NODE PAGES REPS
 *	The node's raw page-clearing bandwidth: hold PAGES pages of NODE,
 *	clear them once (untimed warm-up: QEMU backs guest RAM on first
 *	touch), then REPS timed passes of clear_highpage() over all of them.
 *	-> ns=<best pass> all=<ns,ns,...> pages=<held>
 *
 *   hold NODE PAGES / clearheld / release
 *	The same as clear, split so that several processes can clear at the
 *	same moment (the scaling benchmark): hold (and warm up) PAGES pages
 *	of NODE in this open file, time one clear pass over them, give them
 *	back (also done when the file is closed).
 *	-> hold: pages=<held>; clearheld: ns=<pass> pages=<held>
 *
 *   xarray PAGES
 *	xa_store() of PAGES value entries into a fresh xarray, one per page,
 *	as populate fills its physmap.  -> ns=<timed>
 *
 *   engine FRAMES ORDER CLAIM
 *	The claims engine (module/claims_engine.c, linked in unchanged) on a
 *	private heap with one node of FRAMES frames and one domain, CLAIM: the
 *	domain first claims every frame on the node.  Times FRAMES >> ORDER
 *	extent allocations, each under a private spinlock exactly as populate
 *	takes nc_heap_lock, then their frees.  This is the heap lock's critical
 *	section as populate and destroy run it.
 *	-> ns_alloc=<total> ns_free=<total> extents=<n> ns_lock=<empty lock/unlock total>
 *
 *   install ENTRIES ITERS
 *	The engine's share of a claim-set install: ce_claim_set_install() of
 *	ENTRIES (at most 16) node entries of 16 pages, ITERS times under a private
 *	spinlock, on a private heap with ENTRIES nodes of 512 frames.
 *	-> ns=<total> iters=<n>
 *
 *   prims ITERS
 *	What the pieces of a claim-set install cost here, ITERS times each,
 *	with the written command buffer as the user pointer, each as the
 *	module does it: copy_from_user() of the 24-byte structure, of 4 claim
 *	entries (64 bytes) to the stack, capable(CAP_SYS_ADMIN), a domain
 *	lookup as nc_domain_get()/put() do it (RCU, xa_load,
 *	kref_get_unless_zero, kref_put), a mutex lock+unlock, a spinlock
 *	lock+unlock.  The copies have a size the compiler does not know, as
 *	in the module (so hardened usercopy checks them).
 *	-> copy_from_user=<ns> copy_array=<ns> capable=<ns> lookup=<ns>
 *	   mutex=<ns> spinlock=<ns> (per call)
 *
 *   lock THREADS ITERS ORDER WORK MODE
 *	The single-heap-lock experiment.  THREADS kthreads, thread i bound to
 *	a CPU of node i % nodes, each with its own engine heap (so no shared
 *	data), each doing ITERS extent allocations of ORDER under a lock
 *	followed by WORK clear_page() calls outside it (the scrub of a real
 *	populate: 1 for order 0, 512 for order 9); MODE 0: every thread takes
 *	one global spinlock (numaclaims today), MODE 1: each thread its own
 *	lock (ideal per-node locking).  Freed in batches when the pool runs out.
 *	-> ns=<wall> ops=<total extents> max_thread_ns=<slowest thread>
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/kref.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include "../module/claims_engine.h"

#define NCB_OUT_MAX	512
#define NCB_MAX_REPS	16
#define NCB_MAX_THREADS	64
#define NCB_MAX_ENTRIES	16

/*
 * The engine's hook for offline recalls: numaclaims.ko traces them
 * (module/pool.c); the engine linked in here has nothing to trace.
 */
void ce_trace_recall(u32 domid, int node, u64 pages)
{
}

/* Pages held by a measurement: page pointer and order of each extent. */
struct ncb_extents {
	struct page **page;
	u8 *order;
	unsigned long nr;
};

/* Per open file: the last result, and pages held between commands. */
struct ncb_result {
	struct mutex lock;
	char out[NCB_OUT_MAX];
	int len;
	struct ncb_extents held;
};

static int ncb_extents_alloc(struct ncb_extents *e, unsigned long max)
{
	e->nr = 0;
	e->page = kvcalloc(max, sizeof(*e->page), GFP_KERNEL);
	e->order = kvcalloc(max, sizeof(*e->order), GFP_KERNEL);
	if (!e->page || !e->order) {
		kvfree(e->page);
		kvfree(e->order);
		return -ENOMEM;
	}
	return 0;
}

static void ncb_extents_free(struct ncb_extents *e)
{
	unsigned long i;

	for (i = 0; i < e->nr; i++) {
		__free_pages(e->page[i], e->order[i]);
		if (!(i & 63))
			cond_resched();
	}
	kvfree(e->page);
	kvfree(e->order);
	e->page = NULL;
	e->order = NULL;
	e->nr = 0;
}

static gfp_t ncb_gfp(unsigned int order)
{
	gfp_t gfp = GFP_HIGHUSER | __GFP_THISNODE | __GFP_NOWARN;

	return order ? gfp | __GFP_NORETRY : gfp;
}

static int ncb_cmd_alloc(struct ncb_result *r, int node, unsigned long pages,
			 unsigned int order, bool clear)
{
	unsigned long want = pages >> order, got = 0, offnode = 0, failed = 0;
	struct ncb_extents e;
	u64 t0, t1;
	unsigned long i, j;

	if (order > MAX_ORDER - 1 || !want || !node_state(node, N_MEMORY))
		return -EINVAL;
	if (ncb_extents_alloc(&e, want))
		return -ENOMEM;
	t0 = ktime_get_ns();
	for (i = 0; i < want; i++) {
		struct page *page = alloc_pages_node(node, ncb_gfp(order), order);

		if (!page) {
			failed++;
			break;
		}
		if (clear)
			for (j = 0; j < (1UL << order); j++)
				clear_highpage(page + j);
		e.page[e.nr] = page;
		e.order[e.nr++] = order;
		got += 1UL << order;
		cond_resched();
	}
	t1 = ktime_get_ns();
	for (i = 0; i < e.nr; i++)
		if (page_to_nid(e.page[i]) != node)
			offnode += 1UL << order;
	ncb_extents_free(&e);
	r->len = scnprintf(r->out, NCB_OUT_MAX,
			   "ns=%llu pages=%lu offnode=%lu failed=%lu\n",
			   t1 - t0, got, offnode, failed);
	return 0;
}

/* Hold @pages pages of @node, 2 MiB chunks first; ->nr extents. */
static int ncb_hold(struct ncb_extents *e, int node, unsigned long pages)
{
	unsigned int order = 9;
	unsigned long held = 0;

	if (ncb_extents_alloc(e, pages))
		return -ENOMEM;
	while (held < pages) {
		struct page *page;

		while ((1UL << order) > pages - held)
			order--;
		page = alloc_pages_node(node, ncb_gfp(order), order);
		if (!page) {
			if (!order)
				break;
			order--;
			continue;
		}
		e->page[e->nr] = page;
		e->order[e->nr++] = order;
		held += 1UL << order;
		cond_resched();
	}
	return held == pages ? 0 : -ENOMEM;
}

static u64 ncb_clear_pass(const struct ncb_extents *e)
{
	u64 t0 = ktime_get_ns();
	unsigned long i, j;

	for (i = 0; i < e->nr; i++) {
		for (j = 0; j < (1UL << e->order[i]); j++)
			clear_highpage(e->page[i] + j);
		cond_resched();
	}
	return ktime_get_ns() - t0;
}

static int ncb_cmd_clear(struct ncb_result *r, int node, unsigned long pages,
			 unsigned int reps)
{
	u64 best = U64_MAX, ns;
	struct ncb_extents e;
	unsigned int i;
	int ret;

	if (!pages || !reps || reps > NCB_MAX_REPS ||
	    !node_state(node, N_MEMORY))
		return -EINVAL;
	ret = ncb_hold(&e, node, pages);
	if (ret) {
		ncb_extents_free(&e);
		return ret;
	}
	ncb_clear_pass(&e);	/* warm-up: first touch of the guest RAM */
	r->len = 0;
	for (i = 0; i < reps; i++) {
		ns = ncb_clear_pass(&e);
		best = min(best, ns);
		r->len += scnprintf(r->out + r->len, NCB_OUT_MAX - r->len,
				    "%s%llu", i ? "," : "all=", ns);
	}
	ncb_extents_free(&e);
	r->len += scnprintf(r->out + r->len, NCB_OUT_MAX - r->len,
			    " ns=%llu pages=%lu\n", best, pages);
	return 0;
}

static int ncb_cmd_hold(struct ncb_result *r, int node, unsigned long pages)
{
	int ret;

	if (r->held.nr || !pages || !node_state(node, N_MEMORY))
		return -EINVAL;
	ret = ncb_hold(&r->held, node, pages);
	if (ret) {
		ncb_extents_free(&r->held);
		return ret;
	}
	ncb_clear_pass(&r->held);	/* warm-up */
	r->len = scnprintf(r->out, NCB_OUT_MAX, "pages=%lu\n", pages);
	return 0;
}

static int ncb_cmd_clearheld(struct ncb_result *r)
{
	unsigned long i, pages = 0;
	u64 ns;

	if (!r->held.nr)
		return -EINVAL;
	for (i = 0; i < r->held.nr; i++)
		pages += 1UL << r->held.order[i];
	ns = ncb_clear_pass(&r->held);
	r->len = scnprintf(r->out, NCB_OUT_MAX, "ns=%llu pages=%lu\n", ns,
			   pages);
	return 0;
}

static int ncb_cmd_xarray(struct ncb_result *r, unsigned long pages)
{
	struct xarray xa;
	unsigned long i;
	u64 t0, t1;
	int ret = 0;

	if (!pages)
		return -EINVAL;
	xa_init(&xa);
	t0 = ktime_get_ns();
	for (i = 0; i < pages; i++) {
		ret = xa_err(xa_store(&xa, i, xa_mk_value(i), GFP_KERNEL));
		if (ret)
			break;
		if (!(i & 511))
			cond_resched();
	}
	t1 = ktime_get_ns();
	xa_destroy(&xa);
	if (ret)
		return ret;
	r->len = scnprintf(r->out, NCB_OUT_MAX, "ns=%llu pages=%lu\n",
			   t1 - t0, pages);
	return 0;
}

/* ---------------------------------------------------------------------------
 * The claims engine on a private heap.
 */

struct ncb_heap {
	struct ce_heap heap;
	struct ce_domain dom;
	u32 *frames;		/* extents held */
	u32 nr_held;
};

static struct ncb_heap *ncb_heap_new(u32 frames, bool claim)
{
	struct ncb_heap *b = kvzalloc(sizeof(*b), GFP_KERNEL);
	u32 f;

	if (!b)
		return NULL;
	ce_heap_init(&b->heap);
	b->frames = kvcalloc(frames, sizeof(u32), GFP_KERNEL);
	if (!b->frames || ce_pool_init(&b->heap, 0, frames)) {
		kvfree(b->frames);
		kvfree(b);
		return NULL;
	}
	for (f = 0; f + 512 <= frames; f += 512)
		ce_pool_add_chunk(&b->heap, 0, f, 9);
	for (; f < frames; f++)
		ce_pool_add_chunk(&b->heap, 0, f, 0);
	ce_domain_init(&b->heap, &b->dom, 1, frames);
	if (claim) {
		struct numaclaims_claim c = { .pages = frames, .target = 0 };

		ce_claim_set_install(&b->heap, &b->dom, &c, 1);
	}
	return b;
}

static void ncb_heap_free(struct ncb_heap *b)
{
	ce_domain_remove(&b->heap, &b->dom);
	ce_pool_destroy(&b->heap, 0);
	kvfree(b->frames);
	kvfree(b);
}

/* One extent under @lock; false when the pool is empty. */
static bool ncb_engine_alloc(struct ncb_heap *b, spinlock_t *lock,
			     unsigned int order)
{
	u32 node, frame;
	int ret;

	spin_lock(lock);
	ret = ce_alloc_extent(&b->heap, &b->dom, order, 0,
			      NUMACLAIMS_MEMF_EXACT_NODE, &node, &frame, NULL);
	spin_unlock(lock);
	if (ret)
		return false;
	b->frames[b->nr_held++] = frame;
	return true;
}

static void ncb_engine_free_one(struct ncb_heap *b, spinlock_t *lock,
				unsigned int order)
{
	spin_lock(lock);
	ce_free_pages(&b->heap, &b->dom, 0, b->frames[--b->nr_held], order,
		      true);
	spin_unlock(lock);
}

static int ncb_cmd_engine(struct ncb_result *r, u32 frames,
			  unsigned int order, bool claim)
{
	spinlock_t lock;
	u32 extents = frames >> order, i;
	struct ncb_heap *b;
	u64 t0, t_alloc, t_free, t_lock;

	if (!frames || order > CE_MAX_ORDER || !extents)
		return -EINVAL;
	spin_lock_init(&lock);
	b = ncb_heap_new(frames, claim);
	if (!b)
		return -ENOMEM;
	t0 = ktime_get_ns();
	for (i = 0; i < extents; i++)
		if (!ncb_engine_alloc(b, &lock, order))
			break;
	t_alloc = ktime_get_ns() - t0;
	extents = b->nr_held;
	t0 = ktime_get_ns();
	while (b->nr_held)
		ncb_engine_free_one(b, &lock, order);
	t_free = ktime_get_ns() - t0;
	t0 = ktime_get_ns();
	for (i = 0; i < extents; i++) {
		spin_lock(&lock);
		spin_unlock(&lock);
	}
	t_lock = ktime_get_ns() - t0;
	ncb_heap_free(b);
	r->len = scnprintf(r->out, NCB_OUT_MAX,
			   "ns_alloc=%llu ns_free=%llu extents=%u ns_lock=%llu\n",
			   t_alloc, t_free, extents, t_lock);
	return 0;
}

static int ncb_cmd_install(struct ncb_result *r, u32 entries,
			   unsigned long iters)
{
	struct numaclaims_claim set[NCB_MAX_ENTRIES];
	struct ce_heap *h;
	struct ce_domain *d;
	spinlock_t lock;
	unsigned long i;
	u64 t0, t1;
	u32 n;
	int ret = 0;

	if (!entries || entries > NCB_MAX_ENTRIES || !iters)
		return -EINVAL;
	spin_lock_init(&lock);
	h = kvzalloc(sizeof(*h), GFP_KERNEL);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!h || !d) {
		kvfree(h);
		kfree(d);
		return -ENOMEM;
	}
	ce_heap_init(h);
	for (n = 0; n < entries && !ret; n++) {
		ret = ce_pool_init(h, n, 512);
		if (!ret)
			ce_pool_add_chunk(h, n, 0, 9);
		set[n].pages = 16;
		set[n].target = n;
		set[n].cmd = 0;
	}
	if (!ret) {
		ce_domain_init(h, d, 1, 1ULL << 20);
		t0 = ktime_get_ns();
		for (i = 0; i < iters && !ret; i++) {
			spin_lock(&lock);
			ret = ce_claim_set_install(h, d, set, entries);
			spin_unlock(&lock);
		}
		t1 = ktime_get_ns();
		ce_domain_remove(h, d);
	}
	for (n = 0; n < entries; n++)
		ce_pool_destroy(h, n);
	kvfree(h);
	kfree(d);
	if (ret)
		return ret;
	r->len = scnprintf(r->out, NCB_OUT_MAX, "ns=%llu iters=%lu\n",
			   t1 - t0, iters);
	return 0;
}

struct ncb_obj {
	struct kref ref;
};

static void ncb_obj_release(struct kref *ref)
{
}

/* Sizes the compiler cannot see through, as the module's are. */
static size_t ncb_struct_size = 24, ncb_array_size = 64;

static int ncb_cmd_prims(struct ncb_result *r, const char __user *ubuf,
			 size_t len, unsigned long iters)
{
	DEFINE_XARRAY(xa);
	struct ncb_obj obj;
	struct mutex m;
	spinlock_t lock;
	u64 t[7];
	unsigned long i;
	u64 kbuf[3], karray[8];
	int fail = 0;

	if (!iters || len < 64)
		return -EINVAL;
	kref_init(&obj.ref);
	mutex_init(&m);
	spin_lock_init(&lock);
	if (xa_err(xa_store(&xa, 7, &obj, GFP_KERNEL)))
		return -ENOMEM;
	t[0] = ktime_get_ns();
	for (i = 0; i < iters; i++)
		fail |= !!copy_from_user(kbuf, ubuf, READ_ONCE(ncb_struct_size));
	t[1] = ktime_get_ns();
	for (i = 0; i < iters; i++)
		fail |= !!copy_from_user(karray, ubuf, READ_ONCE(ncb_array_size));
	t[2] = ktime_get_ns();
	for (i = 0; i < iters; i++)
		fail |= !capable(CAP_SYS_ADMIN);
	t[3] = ktime_get_ns();
	for (i = 0; i < iters; i++) {
		struct ncb_obj *o;

		rcu_read_lock();
		o = xa_load(&xa, 7);
		if (o && !kref_get_unless_zero(&o->ref))
			o = NULL;
		rcu_read_unlock();
		if (o)
			kref_put(&o->ref, ncb_obj_release);
	}
	t[4] = ktime_get_ns();
	for (i = 0; i < iters; i++) {
		if (mutex_lock_killable(&m))
			fail = 1;
		else
			mutex_unlock(&m);
	}
	t[5] = ktime_get_ns();
	for (i = 0; i < iters; i++) {
		spin_lock(&lock);
		spin_unlock(&lock);
	}
	t[6] = ktime_get_ns();
	xa_destroy(&xa);
	if (fail)
		return -EFAULT;
	r->len = scnprintf(r->out, NCB_OUT_MAX,
			   "copy_from_user=%llu copy_array=%llu capable=%llu "
			   "lookup=%llu mutex=%llu spinlock=%llu\n",
			   div64_u64(t[1] - t[0], iters), div64_u64(t[2] - t[1], iters),
			   div64_u64(t[3] - t[2], iters), div64_u64(t[4] - t[3], iters),
			   div64_u64(t[5] - t[4], iters), div64_u64(t[6] - t[5], iters));
	return 0;
}

/* The lock experiment. */
static DEFINE_SPINLOCK(ncb_global_lock);

struct ncb_thread {
	struct task_struct *task;
	struct completion *go;
	struct completion done;
	struct ncb_heap *b;
	spinlock_t own_lock;
	spinlock_t *lock;
	struct page *scratch;
	unsigned long iters;
	unsigned int order, work;
	u64 t0, t1;
	int ret;
};

static int ncb_lock_thread(void *arg)
{
	struct ncb_thread *t = arg;
	void *scratch = page_address(t->scratch);
	unsigned long i;
	unsigned int w;

	wait_for_completion(t->go);
	t->t0 = ktime_get_ns();
	for (i = 0; i < t->iters; i++) {
		if (!ncb_engine_alloc(t->b, t->lock, t->order)) {
			/* Pool empty: give everything back (destroy-like). */
			while (t->b->nr_held)
				ncb_engine_free_one(t->b, t->lock, t->order);
			if (!ncb_engine_alloc(t->b, t->lock, t->order)) {
				t->ret = -ENOMEM;
				break;
			}
		}
		for (w = 0; w < t->work; w++)
			clear_page(scratch);
		if (!(i & 63))
			cond_resched();
	}
	t->t1 = ktime_get_ns();
	complete(&t->done);
	/* Stay alive until the creator stops us (it reads t->task). */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static int ncb_cmd_lock(struct ncb_result *r, unsigned int nthreads,
			unsigned long iters, unsigned int order,
			unsigned int work, unsigned int mode)
{
	DECLARE_COMPLETION_ONSTACK(go);
	struct ncb_thread *th;
	int nodes[NCB_MAX_THREADS], nr_nodes = 0, node, ret = 0;
	u64 start = U64_MAX, end = 0, slowest = 0;
	unsigned int i, created = 0;

	if (!nthreads || nthreads > NCB_MAX_THREADS || !iters ||
	    order > CE_MAX_ORDER || mode > 1 || work > 4096)
		return -EINVAL;
	for_each_node_state(node, N_CPU)
		if (nr_nodes < NCB_MAX_THREADS)
			nodes[nr_nodes++] = node;
	if (!nr_nodes)
		return -ENODEV;
	th = kcalloc(nthreads, sizeof(*th), GFP_KERNEL);
	if (!th)
		return -ENOMEM;
	for (i = 0; i < nthreads; i++) {
		struct ncb_thread *t = &th[i];
		int nid = nodes[i % nr_nodes];

		t->go = &go;
		init_completion(&t->done);
		spin_lock_init(&t->own_lock);
		t->lock = mode ? &t->own_lock : &ncb_global_lock;
		t->iters = iters;
		t->order = order;
		t->work = work;
		/* 8 MiB of frames per thread: alloc frees in batches. */
		t->b = ncb_heap_new(2048, true);
		t->scratch = alloc_pages_node(nid, GFP_KERNEL, 0);
		if (!t->b || !t->scratch) {
			ret = -ENOMEM;
			break;
		}
		t->task = kthread_create_on_node(ncb_lock_thread, t, nid,
						 "ncb_lock/%u", i);
		if (IS_ERR(t->task)) {
			ret = PTR_ERR(t->task);
			t->task = NULL;
			break;
		}
		kthread_bind(t->task, cpumask_first(cpumask_of_node(nid)));
		wake_up_process(t->task);
		created++;
	}
	/* Start every thread at once (also after a failure: they must end). */
	complete_all(&go);
	for (i = 0; i < created; i++) {
		struct ncb_thread *t = &th[i];

		wait_for_completion(&t->done);
		kthread_stop(t->task);
		if (t->ret && !ret)
			ret = t->ret;
		start = min(start, t->t0);
		end = max(end, t->t1);
		slowest = max(slowest, t->t1 - t->t0);
	}
	for (i = 0; i < nthreads; i++) {
		if (th[i].b) {
			while (th[i].b->nr_held)
				ncb_engine_free_one(th[i].b, &th[i].own_lock,
						    order);
			ncb_heap_free(th[i].b);
		}
		if (th[i].scratch)
			__free_page(th[i].scratch);
	}
	kfree(th);
	if (ret)
		return ret;
	r->len = scnprintf(r->out, NCB_OUT_MAX,
			   "ns=%llu ops=%lu max_thread_ns=%llu\n", end - start,
			   iters * nthreads, slowest);
	return 0;
}

/* ---------------------------------------------------------------------------
 * debugfs.
 */

static int ncb_open(struct inode *inode, struct file *file)
{
	struct ncb_result *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	file->private_data = r;
	return 0;
}

static int ncb_release(struct inode *inode, struct file *file)
{
	struct ncb_result *r = file->private_data;

	if (r->held.page)
		ncb_extents_free(&r->held);
	kfree(r);
	return 0;
}

static ssize_t ncb_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	struct ncb_result *r = file->private_data;
	unsigned long a[5] = { 0 };
	char buf[128], op[16];
	int n, ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	n = sscanf(buf, "%15s %lu %lu %lu %lu %lu", op, &a[0], &a[1], &a[2],
		   &a[3], &a[4]);
	if (n < 1)
		return -EINVAL;
	mutex_lock(&r->lock);
	r->len = 0;
	if (!strcmp(op, "alloc") && n == 5 && a[0] < MAX_NUMNODES)
		ret = ncb_cmd_alloc(r, a[0], a[1], a[2], a[3]);
	else if (!strcmp(op, "clear") && n == 4 && a[0] < MAX_NUMNODES)
		ret = ncb_cmd_clear(r, a[0], a[1], a[2]);
	else if (!strcmp(op, "hold") && n == 3 && a[0] < MAX_NUMNODES)
		ret = ncb_cmd_hold(r, a[0], a[1]);
	else if (!strcmp(op, "clearheld") && n == 1)
		ret = ncb_cmd_clearheld(r);
	else if (!strcmp(op, "release") && n == 1) {
		if (r->held.page)
			ncb_extents_free(&r->held);
		r->len = scnprintf(r->out, NCB_OUT_MAX, "ok=1\n");
		ret = 0;
	} else if (!strcmp(op, "xarray") && n == 2)
		ret = ncb_cmd_xarray(r, a[0]);
	else if (!strcmp(op, "engine") && n == 4 && a[0] <= (1UL << 24))
		ret = ncb_cmd_engine(r, a[0], a[1], a[2]);
	else if (!strcmp(op, "prims") && n == 2)
		ret = ncb_cmd_prims(r, ubuf, len, a[0]);
	else if (!strcmp(op, "install") && n == 3)
		ret = ncb_cmd_install(r, a[0], a[1]);
	else if (!strcmp(op, "lock") && n == 6)
		ret = ncb_cmd_lock(r, a[0], a[1], a[2], a[3], a[4]);
	else
		ret = -EINVAL;
	mutex_unlock(&r->lock);
	return ret ? ret : len;
}

static ssize_t ncb_read(struct file *file, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	struct ncb_result *r = file->private_data;
	ssize_t ret;

	mutex_lock(&r->lock);
	ret = r->len ? simple_read_from_buffer(ubuf, len, ppos, r->out, r->len)
		     : -ENODATA;
	mutex_unlock(&r->lock);
	return ret;
}

static const struct file_operations ncb_fops = {
	.owner = THIS_MODULE,
	.open = ncb_open,
	.release = ncb_release,
	.write = ncb_write,
	.read = ncb_read,
	.llseek = default_llseek,
};

static struct dentry *ncb_dir;

static int __init ncb_init(void)
{
	ncb_dir = debugfs_create_dir("numaclaims_bench", NULL);
	debugfs_create_file("cmd", 0600, ncb_dir, NULL, &ncb_fops);
	return 0;
}

static void __exit ncb_exit(void)
{
	debugfs_remove_recursive(ncb_dir);
}

module_init(ncb_init);
module_exit(ncb_exit);

MODULE_DESCRIPTION("numaclaims benchmarks: in-kernel baselines");
MODULE_AUTHOR("The numaclaims authors");
MODULE_LICENSE("GPL");
