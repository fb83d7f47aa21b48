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
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/nodemask.h>
#include <linux/pseudo_fs.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include "nc_core.h"
#include "nc_compat.h"

DEFINE_SPINLOCK(nc_heap_lock);
struct nc_heap nc_heap;

/* Frame number -> struct page, per node; written at init, then read-only. */
static struct page **nc_frames[NC_MAX_NODES];

/*
 * Held frames, per node: freed by their domain while someone else still had
 * a reference to the page (see nc_free_entry()).  A bit is set under the
 * heap lock together with nc_free_held(); the reaper clears it when the page
 * is back to the pool's own reference, scrubs the page and returns it.
 */
static unsigned long *nc_held[NC_MAX_NODES];
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
	nc_held[node] = kvcalloc(BITS_TO_LONGS(nr_pages), sizeof(long),
				 GFP_KERNEL);
	ret = nc_frames[node] && nc_held[node] ? 0 : -ENOMEM;
	if (!ret)
		ret = nc_pool_init(&nc_heap, node, nr_pages);
	if (ret) {
		kvfree(nc_frames[node]);
		kvfree(nc_held[node]);
		nc_frames[node] = NULL;
		nc_held[node] = NULL;
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

/*
 * Give every page of @node's pool back to Linux.  Domains are gone, and with
 * them every mapping (each domain file holds a module reference).  A page
 * still held by someone (a get_user_pages() pin that outlived its domain)
 * only loses the pool's reference here: it goes back to Linux when its last
 * holder lets go, and is never freed while in use.
 */
static void nc_pool_release(int node)
{
	struct nc_pool *p = &nc_heap.node[node].pool;
	u64 held = nc_heap.node[node].held_pages;
	u32 f;

	if (!nc_frames[node])
		return;
	if (held)
		pr_warn("node %d: %llu pages still held at unload: they go back to Linux when released\n",
			node, held);
	for (f = 0; f < p->nr_frames; f++) {
		if (nc_frames[node][f])
			__free_page(nc_frames[node][f]);
		if (!(f & 511))
			cond_resched();
	}
	nc_pool_destroy(&nc_heap, node);
	kvfree(nc_frames[node]);
	kvfree(nc_held[node]);
	nc_frames[node] = NULL;
	nc_held[node] = NULL;
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

	for (node = 0; node < NC_MAX_NODES; node++) {
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
			spin_lock(&nc_heap_lock);
			nc_release_held(&nc_heap, node, f);
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
		 unsigned int default_pool_mb)
{
	int node, ret;

	nc_heap_init(&nc_heap);
	nc_mnt = kern_mount(&nc_fs_type);
	if (IS_ERR(nc_mnt)) {
		ret = PTR_ERR(nc_mnt);
		nc_mnt = NULL;
		return ret;
	}
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
	cancel_delayed_work_sync(&nc_reap_work);
	nc_reap_held();
	for (node = 0; node < NC_MAX_NODES; node++)
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
	dom->inode = alloc_anon_inode(nc_mnt->mnt_sb);
	if (IS_ERR(dom->inode)) {
		ret = PTR_ERR(dom->inode);
		kfree(dom);
		return ret;
	}

	/* Allocate the id without publishing the domain yet. */
	ret = xa_alloc_cyclic(&nc_domains, &domid, XA_ZERO_ENTRY, limit,
			      &nc_next_domid, GFP_KERNEL);
	if (ret < 0) {
		iput(dom->inode);
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

/*
 * Free one physmap page whose entry is already erased and whose user
 * mappings are already gone; caller holds nc_heap_lock and the domain lock.
 * A page someone still holds (a pin, an O_DIRECT or vmsplice in flight)
 * leaves the domain but waits, held, for the reaper.  Returns true if so.
 */
static bool nc_free_entry(struct nc_domain_obj *dom, void *entry)
{
	u32 node, frame;
	bool counted;

	pm_decode(entry, &node, &frame, &counted);
	if (nc_page_unheld(nc_frame_page(node, frame))) {
		nc_free_pages(&nc_heap, &dom->acct, node, frame, 0, counted);
		return false;
	}
	set_bit(frame, nc_held[node]);
	nc_free_held(&nc_heap, &dom->acct, node, frame, counted);
	return true;
}

/* Remove every user mapping of gfns [@gfn, @gfn + @pages). */
static void nc_unmap_gfns(struct nc_domain_obj *dom, u64 gfn, u64 pages)
{
	unmap_mapping_range(dom->inode->i_mapping, (loff_t)gfn << PAGE_SHIFT,
			    (loff_t)pages << PAGE_SHIFT, 1);
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
	bool held = false;

	mutex_lock(&dom->lock);
	if (dom->dying) {
		mutex_unlock(&dom->lock);
		return -ESRCH;
	}
	WRITE_ONCE(dom->dying, true);
	xa_erase(&nc_domains, dom->acct.domid);

	/*
	 * No fault maps a page while we hold the invalidate lock; after the
	 * unmap no process maps one, and a fault that comes later finds the
	 * domain dying or the physmap empty (SIGBUS).
	 */
	filemap_invalidate_lock(dom->inode->i_mapping);
	unmap_mapping_range(dom->inode->i_mapping, 0, 0, 1);
	spin_lock(&nc_heap_lock);
	xa_for_each(&dom->physmap, gfn, entry) {
		held |= nc_free_entry(dom, entry);
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
	filemap_invalidate_unlock(dom->inode->i_mapping);
	xa_destroy(&dom->physmap);
	if (held)
		nc_reap_kick();
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
	struct address_space *mapping = dom->inode->i_mapping;
	u64 pages = 1ULL << order;
	void **entries;
	bool held = false;
	int ret = 0;

	*nr_done = 0;
	if (order > NC_MAX_ORDER)
		return -EINVAL;
	entries = kmalloc_array(pages, sizeof(*entries), GFP_KERNEL);
	if (!entries)
		return -ENOMEM;

	for (; *nr_done < nr_extents; (*nr_done)++) {
		u64 gfn, j;

		ret = nc_next_gfn(gfns, *nr_done, order, &gfn);
		if (ret)
			break;
		for (j = 0; j < pages && xa_load(&dom->physmap, gfn + j); j++)
			;
		if (j < pages) {
			ret = -EINVAL;
			break;
		}

		/*
		 * Erase, then unmap, under the invalidate lock (never held
		 * while user memory is read: the gfn array may live in this
		 * very mapping), then free: one heap-lock round trip for the
		 * whole extent.
		 */
		filemap_invalidate_lock(mapping);
		for (j = 0; j < pages; j++)
			entries[j] = xa_erase(&dom->physmap, gfn + j);
		nc_unmap_gfns(dom, gfn, pages);
		filemap_invalidate_unlock(mapping);
		spin_lock(&nc_heap_lock);
		for (j = 0; j < pages; j++)
			held |= nc_free_entry(dom, entries[j]);
		spin_unlock(&nc_heap_lock);
		cond_resched();
	}
	kfree(entries);
	if (held)
		nc_reap_kick();
	return ret;
}

/* The node numaclaims placed @gfn on, or -1.  Caller holds the domain's lock. */
int nc_physmap_node(struct nc_domain_obj *dom, u64 gfn)
{
	void *entry = xa_load(&dom->physmap, gfn);
	u32 node, frame;
	bool counted;

	if (!entry)
		return -1;
	pm_decode(entry, &node, &frame, &counted);
	return node;
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
	u32 node, frame;
	bool counted;

	if (!entry || !xa_is_value(entry))
		return NULL;
	pm_decode(entry, &node, &frame, &counted);
	return nc_frame_page(node, frame);
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
