// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims core: scrubbing.  Background scrubbing (Xen's idle scrubbing,
 * scrub_free_pages()): one kthread per node with a pool, bound to the
 * node's housekeeping CPUs, at the lowest priority, freezable, and the
 * scrub= parameter; and the
 * clearing populate does itself before a domain sees an extent.  The
 * out/abort protocol between a scrubber and a populate or offline that
 * needs its block is at the top of nc_core.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/freezer.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/isolation.h>
#include <linux/seq_file.h>
#include <linux/topology.h>
#include <linux/wait.h>
#include "nc_internal.h"

/*
 * A scrubber takes one dirty free block at a time off the lists under
 * the heap lock (ce_scrub_take(): at most NC_SCRUB_ORDER, the rest of a
 * larger block stays listed), clears the block's dirty pages outside it and
 * lists it again clean.  A populate or an offline that needs the block
 * while it is out raises @abort: the scrubber stops at the next page, puts
 * the block back dirty (what it cleared is clean in nc_dirty, so nothing
 * is cleared twice) and wakes them.  scrub=0 stops it: populate then
 * clears the pages it hands out, as before.
 */
#define NC_SCRUB_ORDER		9U

/**
 * struct nc_scrubber - one node's scrubber.
 * @task:    the kthread; set at load, cleared at unload.
 * @wait:    the scrubber waits for work here (woken by nc_scrub_kick()).
 * @done:    callers wait here for the block @out to be put back.
 * @abort:   a caller needs the block @out: set under nc_heap_lock, cleared
 *           by the scrubber under it when the block is back.
 * @out:     a block is off the engine's lists; written under nc_heap_lock
 *           (WRITE_ONCE), read by waiters without it.
 * @scrubbed: pages cleared in the background; the scrubber's (READ_ONCE).
 * @populate_scrubbed: pages cleared by populate; written under the
 *           domain's lock, so racing populates may lose a count: figures.
 * @aborts:  blocks put back unfinished; under nc_heap_lock.
 * @blocks:  blocks put back clean; under nc_heap_lock.
 * @puts:    blocks put back, clean or not: written under nc_heap_lock
 *           (WRITE_ONCE), read by waiters without it (their ticket).
 */
struct nc_scrubber {
	struct task_struct *task;
	wait_queue_head_t wait;
	wait_queue_head_t done;
	bool abort;
	bool out;
	u64 scrubbed;
	u64 populate_scrubbed;
	u64 aborts;
	u64 blocks;
	u64 puts;
};

static struct nc_scrubber nc_scrubbers[CE_MAX_NODES];
static bool nc_scrub_on = true;

/* Wake the scrubbers of every node with dirty pages (after frees). */
void nc_scrub_kick(void)
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

	/*
	 * Lowest priority a module can give (SCHED_IDLE is not exported to
	 * modules: sched_set_normal() takes a nice value), and frozen for
	 * suspend and hibernation like any background kthread.
	 */
	set_user_nice(current, MAX_NICE);
	set_freezable();
	while (!kthread_should_stop()) {
		unsigned int order;
		bool clean;
		u32 frame;

		wait_event_freezable(s->wait, kthread_should_stop() ||
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
			wait_event_freezable_timeout(s->wait,
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
		WRITE_ONCE(s->puts, s->puts + 1);
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
 * back at its next page (false if no block is out) and gives the caller a
 * ticket: the scrubber's put count.  nc_scrub_wait_block() then waits until
 * that count moves, i.e. for that block's put, not for a moment with no
 * block out (the scrubber may have taken the next one before the waiter
 * runs): at most one page's clearing.  Killable for populate (which
 * reports how far it got); not for offline (@killable false), which
 * finishes the offline it committed rather than spin after a SIGKILL.  The
 * domain's lock may be held: the scrubber never takes it.
 */
bool nc_scrub_abort_locked(u32 node, u64 *ticket)
{
	lockdep_assert_held(&nc_heap_lock);
	*ticket = nc_scrubbers[node].puts;
	if (!nc_scrubbers[node].out)
		return false;
	WRITE_ONCE(nc_scrubbers[node].abort, true);
	return true;
}

int nc_scrub_wait_block(u32 node, u64 ticket, bool killable)
{
	struct nc_scrubber *s = &nc_scrubbers[node];

	if (!killable) {
		wait_event(s->done, READ_ONCE(s->puts) != ticket);
		return 0;
	}
	return wait_event_killable(s->done, READ_ONCE(s->puts) != ticket) ?
	       -EINTR : 0;
}

/*
 * Where @node's scrubber may run: the node's CPUs that are housekeeping
 * CPUs (not isolcpus=, not nohz_full=: those are for vCPUs and latency
 * work), else any housekeeping CPU (a node without CPUs, or all of them
 * isolated).  The mask is set once, at load.
 */
static void nc_scrub_affine(struct task_struct *t, u32 node)
{
	cpumask_var_t mask;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return;
	cpumask_and(mask, housekeeping_cpumask(HK_TYPE_KTHREAD),
		    housekeeping_cpumask(HK_TYPE_DOMAIN));
	cpumask_and(mask, mask, cpu_online_mask);
	if (cpumask_intersects(mask, cpumask_of_node(node)))
		cpumask_and(mask, mask, cpumask_of_node(node));
	if (!cpumask_empty(mask))
		set_cpus_allowed_ptr(t, mask);
	free_cpumask_var(mask);
}

void nc_scrub_start(void)
{
	u32 node;

	for (node = 0; node < CE_MAX_NODES; node++) {
		struct nc_scrubber *s = &nc_scrubbers[node];
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
		nc_scrub_affine(t, node);
		s->task = t;
		wake_up_process(t);
	}
}

void nc_scrub_stop(void)
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

/*
 * Scrub an extent before a domain sees it.  A block the engine lists as
 * clean is zero already (reserved zeroed, scrubbed in the background or
 * by the reaper): nothing to do.  A dirty one (Xen's fallback to unscrubbed
 * memory in alloc_heap_pages()) has only the pages that had a domain's data
 * cleared (nc_dirty).  With debug=verify every page handed out is checked
 * to be zero, and a clean block to have no dirty page.
 */
void nc_scrub_extent(u32 node, u32 frame, unsigned int order, bool dirty)
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
			WRITE_ONCE(nc_verify_failures_count,
				   nc_verify_failures_count + 1);
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
