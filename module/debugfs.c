// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims front end: debugfs (/sys/kernel/debug/numaclaims/).  The
 * invariant checker, the per-node figures, the scrubbers, the longest
 * heap-lock holds, and (debug=1) a page hook for scrubbing tests.  Every
 * figure is read through the core's API (nc_core.h), in one critical
 * section each.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "nc_core.h"

static int nc_invariants_show(struct seq_file *m, void *unused)
{
	const char *why = NULL;
	int ret;

	ret = nc_heap_check(&why);
	if (ret)
		seq_printf(m, "VIOLATION: %s\n", why);
	else
		seq_puts(m, "ok\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nc_invariants);

/*
 * "nodes": the per-node figures of HOST_INFO for scripts and numastat-style
 * tools, with claimctl's names: a header line, then one line per node with
 * a pool, in 4 KiB pages.
 */
static int nc_nodes_show(struct seq_file *m, void *unused)
{
	struct numaclaims_host_info *hi;
	u32 node;

	hi = kzalloc(sizeof(*hi), GFP_KERNEL);
	if (!hi)
		return -ENOMEM;
	nc_host_info(hi);
	seq_puts(m, "node reserved_pages free_pages claimed_pages unclaimed_pages offlined_pages held_pages retired_pages retired_superpages\n");
	for (node = 0; node < NUMACLAIMS_MAX_NODES; node++) {
		const struct numaclaims_node_info *ni = &hi->nodes[node];
		u64 sp_retired, retired = nc_node_retired(node, &sp_retired);

		if (ni->has_pool)
			seq_printf(m, "%u %llu %llu %llu %llu %llu %llu %llu %llu\n",
				   node, ni->reserved_pages, ni->avail_pages,
				   ni->outstanding_claims,
				   ni->avail_pages - ni->outstanding_claims,
				   ni->offlined_pages, hi->held_pages[node],
				   retired, sp_retired);
	}
	kfree(hi);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nc_nodes);

/*
 * "lock_holds": the most frames a bulk path (offline, online, decrease,
 * destroy) handled under one hold of the heap lock, and the longest such
 * hold, since load or the last write to the file (which resets them).
 * Also the pages handed out not zero (debug=2 checks them), and the
 * extents decrease freed and the unmap calls (TLB flushes) it made.
 */
static int nc_lock_holds_show(struct seq_file *m, void *unused)
{
	struct nc_hold_stats st;

	nc_hold_stats_get(&st);
	seq_printf(m, "max_frames=%llu site=%s\nmax_ns=%llu site=%s\nbatch=%u\nverify_failures=%llu\n",
		   st.max_work, st.max_work_site ?: "-", st.max_ns,
		   st.max_ns_site ?: "-", NC_LOCK_BATCH,
		   nc_verify_failures());
	seq_printf(m, "decrease_extents=%llu decrease_unmaps=%llu\n",
		   st.decrease_extents, st.decrease_unmaps);
	return 0;
}

/*
 * "reaper": what the reaper of held pages did since load or the last write
 * to the file (which resets the counters, not the interval): passes, held
 * frames visited (each pass visits the held ones only), pages reaped, time
 * in passes, and the current interval between passes (it backs off while
 * nothing is reaped).
 */
static int nc_reaper_show(struct seq_file *m, void *unused)
{
	struct nc_reap_stats st;

	nc_reap_stats_get(&st);
	seq_printf(m, "passes=%llu\nvisited=%llu\nlast_visited=%llu\nsp_visited=%llu\nreaped=%llu\nstill_held=%llu\nns=%llu\ninterval_ms=%u\nqueued=%d\n",
		   st.passes, st.visited, st.last_visited, st.sp_visited,
		   st.reaped, st.still, st.ns, st.interval_ms, st.queued);
	return 0;
}

/*
 * A file of figures since load or the last reset: a read shows them, a
 * write (CAP_SYS_ADMIN of the opener) resets them.  @i_private: its
 * struct nc_figures_file.
 */
struct nc_figures_file {
	int (*show)(struct seq_file *m, void *unused);
	void (*reset)(void);
};

static int nc_figures_open(struct inode *inode, struct file *file)
{
	const struct nc_figures_file *ff = inode->i_private;

	return single_open(file, ff->show, NULL);
}

static ssize_t nc_figures_write(struct file *file, const char __user *buf,
				size_t len, loff_t *ppos)
{
	const struct nc_figures_file *ff = file_inode(file)->i_private;

	if (!nc_file_admin(file))
		return -EPERM;
	ff->reset();
	return len;
}

static const struct file_operations nc_figures_fops = {
	.owner = THIS_MODULE,
	.open = nc_figures_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = nc_figures_write,
	.release = single_release,
};

static const struct nc_figures_file nc_lock_holds_file = {
	.show = nc_lock_holds_show,
	.reset = nc_hold_stats_reset,
};

static const struct nc_figures_file nc_reaper_file = {
	.show = nc_reaper_show,
	.reset = nc_reap_stats_reset,
};

/*
 * "page": write "fill DOMID GFN PATTERN" to fill a populated page with a
 * 64-bit pattern, or "sum DOMID GFN" and read back
 * "nonzero=<bytes> first=<first u64> node=<node numaclaims placed it on>"
 * from the same open file.
 */
struct nc_page_result {
	u64 nonzero;
	u64 first;
	int node;
	bool valid;
};

static int nc_page_open(struct inode *inode, struct file *file)
{
	file->private_data = kzalloc(sizeof(struct nc_page_result), GFP_KERNEL);
	return file->private_data ? 0 : -ENOMEM;
}

static int nc_page_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t nc_page_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	struct nc_page_result *res = file->private_data;
	struct nc_domain_obj *dom;
	char buf[96], op[8];
	u64 gfn, pattern = 0, *p;
	struct page *page;
	unsigned int i;
	u32 domid;
	int n, ret;

	if (!nc_file_admin(file))
		return -EPERM;
	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	n = sscanf(buf, "%7s %u %llu %llx", op, &domid, &gfn, &pattern);
	if (n < 3 || (strcmp(op, "fill") && strcmp(op, "sum")) ||
	    (!strcmp(op, "fill") && n != 4))
		return -EINVAL;
	ret = nc_domain_get_locked(domid, &dom);
	if (ret)
		return ret;
	page = nc_physmap_page(dom, gfn);
	if (!page) {
		nc_domain_put_locked(dom);
		return -EINVAL;
	}
	p = kmap_local_page(page);
	if (!strcmp(op, "fill")) {
		for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
			p[i] = pattern;
	} else {
		const u8 *bytes = (const u8 *)p;

		res->nonzero = 0;
		for (i = 0; i < PAGE_SIZE; i++)
			res->nonzero += bytes[i] != 0;
		res->first = p[0];
		res->node = nc_physmap_node(dom, gfn);
		res->valid = true;
	}
	kunmap_local(p);
	nc_domain_put_locked(dom);
	return len;
}

static ssize_t nc_page_read(struct file *file, char __user *ubuf, size_t len,
			    loff_t *ppos)
{
	struct nc_page_result *res = file->private_data;
	char buf[64];
	int n;

	if (!res->valid)
		return -ENODATA;
	n = scnprintf(buf, sizeof(buf), "nonzero=%llu first=%llx node=%d\n",
		      res->nonzero, res->first, res->node);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations nc_page_fops = {
	.owner = THIS_MODULE,
	.open = nc_page_open,
	.release = nc_page_release,
	.write = nc_page_write,
	.read = nc_page_read,
};

DEFINE_SHOW_ATTRIBUTE(nc_scrub);

/*
 * The test hooks' files (debug=1 only) take "A DELAY_MS" (DELAY_MS at most
 * 10 s) and pass both on:
 *  - "domid_hooks": A is the next id the allocator tries, and every destroy
 *    waits DELAY_MS before it removes the device node (a test of id reuse);
 *  - "populate_hooks": the next store of page A (1-based; 0 cancels) of a
 *    populated extent waits DELAY_MS and fails with ENOMEM, once.  With
 *    debug=8 the physmap stores an extent page by page (as without
 *    CONFIG_XARRAY_MULTI), so the pages before A are visible meanwhile: a
 *    test of populate's undo.
 */
static ssize_t nc_hooks_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	void (*hook)(unsigned int a, unsigned int delay_ms) =
		file_inode(file)->i_private;
	unsigned int a, delay;
	char buf[32];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%u %u", &a, &delay) != 2 || delay > 10000)
		return -EINVAL;
	hook(a, delay);
	return len;
}

static const struct file_operations nc_hooks_fops = {
	.owner = THIS_MODULE,
	.write = nc_hooks_write,
};

static struct dentry *nc_debugfs;

void nc_debugfs_init(bool page_hook)
{
	nc_debugfs = debugfs_create_dir("numaclaims", NULL);
	debugfs_create_file("invariants", 0400, nc_debugfs, NULL,
			    &nc_invariants_fops);
	debugfs_create_file("nodes", 0444, nc_debugfs, NULL, &nc_nodes_fops);
	debugfs_create_file("scrub", 0444, nc_debugfs, NULL, &nc_scrub_fops);
	debugfs_create_file("lock_holds", 0600, nc_debugfs,
			    (void *)&nc_lock_holds_file, &nc_figures_fops);
	debugfs_create_file("reaper", 0600, nc_debugfs,
			    (void *)&nc_reaper_file, &nc_figures_fops);
	if (page_hook) {
		debugfs_create_file("page", 0600, nc_debugfs, NULL,
				    &nc_page_fops);
		debugfs_create_file("domid_hooks", 0200, nc_debugfs,
				    nc_domain_test_hooks, &nc_hooks_fops);
		debugfs_create_file("populate_hooks", 0200, nc_debugfs,
				    nc_physmap_test_hooks, &nc_hooks_fops);
	}
}

void nc_debugfs_exit(void)
{
	debugfs_remove_recursive(nc_debugfs);
}
