// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims: NUMA-aware memory claim sets (Xen's XEN_DOMCTL_claim_memory)
 * for Linux.  This file is the front end: module parameters, the misc
 * device /dev/numaclaims and its ioctls, AUTODESTROY, and debugfs.
 *
 * Every ioctl handler is copy-in -> validate -> act -> copy-out; a request
 * that fails validation changes nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cdev.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "nc_core.h"
#include "nc_trace.h"
#include "nc_compat.h"

/*
 * A buffer that is written whole before it is read (by a copy from user
 * space, or a memset): CONFIG_INIT_STACK_ALL_ZERO, on in distribution
 * kernels, would otherwise zero it on every call.
 */
#if __has_attribute(__uninitialized__)
#define nc_uninit __attribute__((__uninitialized__))
#else
#define nc_uninit
#endif

static unsigned int pool_mb = 64;
module_param(pool_mb, uint, 0444);
MODULE_PARM_DESC(pool_mb, "Pool size per node in MiB (default 64)");

static int node_pool_mb[CE_MAX_NODES];
static unsigned int nr_node_pool_mb;
module_param_array(node_pool_mb, int, &nr_node_pool_mb, 0444);
MODULE_PARM_DESC(node_pool_mb,
		 "Pool size in MiB per node id (negative: pool_mb, 0: no pool)");

static unsigned int pool_max_percent = 80;
module_param(pool_max_percent, uint, 0444);
MODULE_PARM_DESC(pool_max_percent,
		 "Largest pool as a percentage of a node's free memory at load (1-100, default 80): a larger pool_mb/node_pool_mb fails the load");

module_param_named(debug, nc_debug, uint, 0444);
MODULE_PARM_DESC(debug,
		 "Test hooks: 1 debugfs page file, 2 verify every page handed out or given back to Linux is zero, 4 reserve only one chunk per node (fault injection)");

/**
 * struct nc_file - one open /dev/numaclaims.
 * @autodestroy: domains created through this file with AUTODESTROY and not
 *               destroyed yet; each entry holds a reference, and is
 *               destroyed when the file closes.  Protected by
 *               nc_owner_lock.
 */
struct nc_file {
	struct list_head autodestroy;
};

/*
 * One lock for every file's autodestroy list (nc_domain_obj.owner_link), so
 * that a DOMAIN_DESTROY through any file takes the domain off its creator's
 * list at once: a long-lived file that creates and destroys AUTODESTROY
 * domains must not pile up dead ones until it is closed.
 */
static DEFINE_MUTEX(nc_owner_lock);

/* ---------------------------------------------------------------------------
 * Domain device nodes: /dev/numaclaims-domN (NUMACLAIMS_DOMAIN_DEV_FMT), one
 * minor per domid, so a VMM can open a domain's memory by path.
 */
#define NC_DOMDEV_MINORS	0x8000U		/* domids 1 .. 0x7fef */
static dev_t nc_domdev_base;
static struct cdev nc_domdev_cdev;
static struct class *nc_domdev_class;

/*
 * Privilege is a property of the open file: its opener's credentials
 * (file->f_cred), as for drivers that hand out capabilities through an fd.
 * A privileged process may pass the fd to a helper that has none.
 */
static bool nc_file_admin(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

static int nc_domdev_open(struct inode *inode, struct file *file)
{
	struct nc_domain_obj *dom;
	int ret;

	if (!nc_file_admin(file))
		return -EPERM;
	dom = nc_domain_get(iminor(inode));
	if (!dom)
		return -ESRCH;
	ret = nc_domain_attach_file(dom, file);
	nc_domain_put(dom);
	return ret;
}

static const struct file_operations nc_domdev_fops = {
	.owner = THIS_MODULE,
	.open = nc_domdev_open,
	.release = nc_domain_file_release,
	.mmap = nc_domain_file_mmap,
	.llseek = nc_domain_file_llseek,
};

static char *nc_domdev_devnode(NC_DEVNODE_CONST struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0600;
	return NULL;
}

/*
 * A domain has a device node exactly while it is alive: both are decided
 * under the domain's lock (@devnode), so a destroy racing with the create
 * (another caller guessing the new domid) never leaves a node behind.  A
 * missing node only costs the path, not the domain: warn and go on.
 */
static void nc_domdev_add(struct nc_domain_obj *dom)
{
	u32 domid = dom->acct.domid;
	struct device *dev;

	if (nc_domain_lock(dom))
		return;
	dev = device_create(nc_domdev_class, NULL,
			    MKDEV(MAJOR(nc_domdev_base), domid), NULL,
			    "numaclaims-dom%u", domid);
	if (IS_ERR(dev))
		pr_warn("domain %u: no device node (%ld)\n", domid,
			PTR_ERR(dev));
	else
		dom->devnode = true;
	mutex_unlock(&dom->lock);
}

static void nc_domdev_remove(struct nc_domain_obj *dom)
{
	mutex_lock(&dom->lock);
	if (dom->devnode)
		device_destroy(nc_domdev_class,
			       MKDEV(MAJOR(nc_domdev_base), dom->acct.domid));
	dom->devnode = false;
	mutex_unlock(&dom->lock);
}

static int nc_domdev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&nc_domdev_base, 0, NC_DOMDEV_MINORS,
				  "numaclaims-dom");
	if (ret)
		return ret;
	cdev_init(&nc_domdev_cdev, &nc_domdev_fops);
	nc_domdev_cdev.owner = THIS_MODULE;
	ret = cdev_add(&nc_domdev_cdev, nc_domdev_base, NC_DOMDEV_MINORS);
	if (ret)
		goto out_region;
	nc_domdev_class = nc_class_create("numaclaims");
	if (IS_ERR(nc_domdev_class)) {
		ret = PTR_ERR(nc_domdev_class);
		goto out_cdev;
	}
	nc_domdev_class->devnode = nc_domdev_devnode;
	return 0;
out_cdev:
	cdev_del(&nc_domdev_cdev);
out_region:
	unregister_chrdev_region(nc_domdev_base, NC_DOMDEV_MINORS);
	return ret;
}

static void nc_domdev_exit(void)
{
	class_destroy(nc_domdev_class);
	cdev_del(&nc_domdev_cdev);
	unregister_chrdev_region(nc_domdev_base, NC_DOMDEV_MINORS);
}

/*
 * Destroy a domain on behalf of user space, then its device node (an open
 * of the node in between finds the domain dying: ESRCH).  @killable: the
 * DESTROY ioctl's wait for a populate in progress ends on a fatal signal;
 * closing the creator's file must destroy, and waits.
 */
static int nc_destroy(struct nc_domain_obj *dom, bool killable)
{
	int ret = killable ? nc_domain_destroy_killable(dom) :
			     nc_domain_destroy(dom);

	if (ret != -EINTR)
		nc_domdev_remove(dom);
	return ret;
}

/* Drop a destroyed domain from its creator's autodestroy list, if on one. */
static void nc_forget_owner(struct nc_domain_obj *dom)
{
	bool listed;

	mutex_lock(&nc_owner_lock);
	listed = !list_empty(&dom->owner_link);
	if (listed)
		list_del_init(&dom->owner_link);
	mutex_unlock(&nc_owner_lock);
	if (listed)
		nc_domain_put(dom);	/* the list's reference */
}

static int nc_open(struct inode *inode, struct file *file)
{
	struct nc_file *nf = kzalloc(sizeof(*nf), GFP_KERNEL_ACCOUNT);

	if (!nf)
		return -ENOMEM;
	INIT_LIST_HEAD(&nf->autodestroy);
	file->private_data = nf;
	return 0;
}

static int nc_release(struct inode *inode, struct file *file)
{
	struct nc_file *nf = file->private_data;
	struct nc_domain_obj *dom;

	mutex_lock(&nc_owner_lock);
	while ((dom = list_first_entry_or_null(&nf->autodestroy,
					       struct nc_domain_obj, owner_link))) {
		list_del_init(&dom->owner_link);
		mutex_unlock(&nc_owner_lock);
		nc_destroy(dom, false);	/* -ESRCH if already destroyed */
		nc_domain_put(dom);
		mutex_lock(&nc_owner_lock);
	}
	mutex_unlock(&nc_owner_lock);
	kfree(nf);
	return 0;
}

/* ---------------------------------------------------------------------------
 * Handlers.  @arg is the kernel copy of the ioctl structure; what they leave
 * in it is copied back for _IOR ioctls (also on failure, for nr_done),
 * unless the ioctl's @out says this call wrote nothing (CLAIM_MEMORY SET).
 */

/**
 * struct nc_call - one ioctl call.
 * @file:    the open /dev/numaclaims.
 * @nf:      its state.
 * @created: DOMAIN_CREATE's new domain (a reference), for its undo: the
 *           undo acts on this object, never on a domid looked up again
 *           (which another builder's new domain may have taken by then).
 */
struct nc_call {
	struct file *file;
	struct nc_file *nf;
	struct nc_domain_obj *created;
};

static int nc_check_pad(u32 pad)
{
	return pad ? -EINVAL : 0;
}

/* Look up and lock a domain; on success the caller unlocks and puts. */
static int nc_get_locked(u32 domid, struct nc_domain_obj **out)
{
	struct nc_domain_obj *dom = nc_domain_get(domid);
	int ret;

	if (!dom)
		return -ESRCH;
	ret = nc_domain_lock(dom);
	if (ret) {
		nc_domain_put(dom);
		return ret;
	}
	*out = dom;
	return 0;
}

static void nc_put_locked(struct nc_domain_obj *dom)
{
	mutex_unlock(&dom->lock);
	nc_domain_put(dom);
}

static int nc_ioc_domain_create(struct nc_call *call, void *arg)
{
	struct numaclaims_domain_create *c = arg;
	struct nc_domain_obj *dom;
	int ret;

	if (c->flags & ~NUMACLAIMS_DOMAIN_FLAGS || c->reserved[0] ||
	    c->reserved[1])
		return -EINVAL;
	ret = nc_domain_alloc(c->max_pages, c->flags, &dom);
	if (ret)
		return ret;
	/*
	 * On its creator's list before its id is published: a destroy by
	 * another caller that guesses the id takes it off the list again.
	 */
	if (c->flags & NUMACLAIMS_DOMAIN_AUTODESTROY) {
		kref_get(&dom->ref);		/* the list's reference */
		mutex_lock(&nc_owner_lock);
		list_add(&dom->owner_link, &call->nf->autodestroy);
		mutex_unlock(&nc_owner_lock);
	}
	nc_domain_publish(dom);
	c->domid = dom->acct.domid;
	nc_domdev_add(dom);
	call->created = dom;			/* our reference, for the undo */
	return 0;
}

static int nc_ioc_domain_destroy(struct nc_call *call, void *arg)
{
	struct numaclaims_domain_destroy *c = arg;
	struct nc_domain_obj *dom;
	int ret;

	if (nc_check_pad(c->pad))
		return -EINVAL;
	dom = nc_domain_get(c->domid);
	if (!dom)
		return -ESRCH;
	ret = nc_destroy(dom, true);
	if (!ret)
		nc_forget_owner(dom);
	nc_domain_put(dom);
	return ret;
}

static int nc_ioc_domain_open(struct nc_call *call, void *arg)
{
	struct numaclaims_domain_open *o = arg;
	struct nc_domain_obj *dom;
	struct file *file;
	int fd;

	if (o->flags & ~NUMACLAIMS_OPEN_FLAGS)
		return -EINVAL;
	dom = nc_domain_get(o->domid);
	if (!dom)
		return -ESRCH;
	fd = get_unused_fd_flags(O_RDWR | (o->flags & NUMACLAIMS_OPEN_CLOEXEC ?
					    O_CLOEXEC : 0));
	if (fd < 0)
		goto out;
	file = nc_domain_file(dom);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto out;
	}
	fd_install(fd, file);
out:
	nc_domain_put(dom);
	return fd;
}

static int nc_ioc_set_max_pages(struct nc_call *call, void *arg)
{
	struct numaclaims_max_pages *c = arg;
	struct nc_domain_obj *dom;
	int ret;

	if (nc_check_pad(c->pad))
		return -EINVAL;
	ret = nc_get_locked(c->domid, &dom);
	if (ret)
		return ret;
	spin_lock(&nc_heap_lock);
	ce_set_max_pages(&nc_heap, &dom->acct, c->max_pages);
	spin_unlock(&nc_heap_lock);
	nc_put_locked(dom);
	return 0;
}

static int nc_ioc_set_node_affinity(struct nc_call *call, void *arg)
{
	struct numaclaims_node_affinity *c = arg;
	struct nc_domain_obj *dom;
	int ret;

	if (nc_check_pad(c->pad))
		return -EINVAL;
	ret = nc_get_locked(c->domid, &dom);
	if (ret)
		return ret;
	spin_lock(&nc_heap_lock);
	ret = ce_set_node_affinity(&nc_heap, &dom->acct, c->nodemask);
	spin_unlock(&nc_heap_lock);
	nc_put_locked(dom);
	return ret;
}

/* Claim sets up to this size are copied to the stack, not to the heap. */
#define NC_CLAIM_SET_ON_STACK	9

static int nc_claim_set_install_ioc(struct numaclaims_claim_memory *c)
{
	struct numaclaims_claim small[NC_CLAIM_SET_ON_STACK] nc_uninit;
	struct numaclaims_claim *set = small;
	size_t size = array_size(c->nr_entries, sizeof(*set));
	struct nc_domain_obj *dom;
	int ret;

	/*
	 * Step 1 of the documented order, before any allocation or copy.
	 * nr_nodes is set while the module loads and never changes after,
	 * so this needs no heap lock.
	 */
	ret = ce_claim_set_check_count(&nc_heap, c->nr_entries);
	if (ret)
		return ret;
	if (c->nr_entries > NC_CLAIM_SET_ON_STACK) {
		set = memdup_user(u64_to_user_ptr(c->claim_set), size);
		if (IS_ERR(set))
			return PTR_ERR(set);
	} else if (copy_from_user(small, u64_to_user_ptr(c->claim_set), size)) {
		return -EFAULT;
	}
	ret = nc_get_locked(c->domid, &dom);
	if (!ret) {
		u64 node_claims, host_claim;

		spin_lock(&nc_heap_lock);
		ret = ce_claim_set_install(&nc_heap, &dom->acct, set,
					   c->nr_entries);
		node_claims = dom->acct.node_claims;
		host_claim = dom->acct.outstanding_pages - node_claims;
		spin_unlock(&nc_heap_lock);
		trace_numaclaims_claim_install(c->domid, c->nr_entries,
					       node_claims, host_claim, ret);
		nc_put_locked(dom);
	}
	if (set != small)
		kfree(set);
	return ret;
}

static int nc_claim_set_get_ioc(struct numaclaims_claim_memory *c)
{
	u32 nr = min_t(u32, c->nr_entries, CE_MAX_NODES + 1);
	struct numaclaims_claim *set;
	struct nc_domain_obj *dom;
	int ret;

	set = kcalloc(nr ? nr : 1, sizeof(*set), GFP_KERNEL);
	if (!set)
		return -ENOMEM;
	dom = nc_domain_get(c->domid);
	if (!dom) {
		kfree(set);
		return -ESRCH;
	}
	spin_lock(&nc_heap_lock);
	ret = READ_ONCE(dom->dying) ? -ESRCH :
	      ce_claim_set_get(&nc_heap, &dom->acct, set, &nr);
	spin_unlock(&nc_heap_lock);
	nc_domain_put(dom);
	c->nr_entries = nr;
	if (!ret && copy_to_user(u64_to_user_ptr(c->claim_set), set,
				 array_size(nr, sizeof(*set))))
		ret = -EFAULT;
	kfree(set);
	return ret;
}

/* Only GET writes to the structure (nr_entries); SET leaves it as it was. */
static bool nc_claim_memory_out(const void *arg)
{
	const struct numaclaims_claim_memory *c = arg;

	return c->mode == NUMACLAIMS_CLAIM_GET;
}

static int nc_ioc_claim_memory(struct nc_call *call, void *arg)
{
	struct numaclaims_claim_memory *c = arg;

	/* SET mutates: the privilege check comes before any validation. */
	if (c->mode == NUMACLAIMS_CLAIM_SET && !nc_file_admin(call->file))
		return -EPERM;
	if (c->pad)
		return -EINVAL;
	switch (c->mode) {
	case NUMACLAIMS_CLAIM_SET:
		return nc_claim_set_install_ioc(c);
	case NUMACLAIMS_CLAIM_GET:
		return nc_claim_set_get_ioc(c);
	default:
		return -EINVAL;
	}
}

static int nc_ioc_claim_pages(struct nc_call *call, void *arg)
{
	struct numaclaims_reservation *r = arg;
	struct nc_domain_obj *dom;
	int ret;

	if (r->extent_start || r->extent_order || r->mem_flags || r->pad)
		return -EINVAL;
	r->nr_done = 0;
	ret = nc_get_locked(r->domid, &dom);
	if (ret)
		return ret;
	spin_lock(&nc_heap_lock);
	ret = ce_claim_pages_legacy(&nc_heap, &dom->acct, r->nr_extents);
	spin_unlock(&nc_heap_lock);
	nc_put_locked(dom);
	return ret;
}

/* Gfns copied in per batch, with no numaclaims lock held. */
#define NC_GFN_BATCH	512U

/*
 * POPULATE_PHYSMAP and DECREASE_RESERVATION: copy a batch of gfns in, then
 * take the domain's lock for that batch only, so user memory (which may
 * fault into userfaultfd, FUSE or this very domain's mapping) is never read
 * under a numaclaims lock and a destroy waits for at most one extent.  A
 * call with no extents still validates its arguments.
 */
static int nc_gfn_op(struct numaclaims_reservation *r, bool populate)
{
	const u64 __user *ugfns = u64_to_user_ptr(r->extent_start);
	u64 *buf = NULL, left = r->nr_extents, done;
	struct nc_gfn_list gfns;
	struct nc_domain_obj *dom;
	int ret;

	dom = nc_domain_get(r->domid);
	if (!dom)
		return -ESRCH;
	if (left) {
		buf = kmalloc_array(min_t(u64, left, NC_GFN_BATCH),
				    sizeof(*buf), GFP_KERNEL);
		if (!buf) {
			nc_domain_put(dom);
			return -ENOMEM;
		}
	}
	gfns.kernel = buf;
	do {
		u64 n = min_t(u64, left, NC_GFN_BATCH);
		bool fault = false;

		if (n) {
			/* What could be read is done, then EFAULT. */
			unsigned long short_by = copy_from_user(buf,
					ugfns + r->nr_done, n * sizeof(*buf));

			if (short_by) {
				n = (n * sizeof(*buf) - short_by) / sizeof(*buf);
				fault = true;
			}
		}
		ret = nc_domain_lock(dom);
		if (ret)
			break;
		done = 0;
		if (populate)
			ret = nc_populate(dom, &gfns, n, r->extent_order,
					  r->mem_flags, &done);
		else
			ret = nc_decrease(dom, &gfns, n, r->extent_order,
					  &done);
		mutex_unlock(&dom->lock);
		r->nr_done += done;
		left -= done;
		if (!ret && fault)
			ret = -EFAULT;
	} while (!ret && left);
	kfree(buf);
	nc_domain_put(dom);
	return ret;
}

static int nc_ioc_populate(struct nc_call *call, void *arg)
{
	struct numaclaims_reservation *r = arg;

	r->nr_done = 0;
	if (r->pad)
		return -EINVAL;
	return nc_gfn_op(r, true);
}

static int nc_ioc_decrease(struct nc_call *call, void *arg)
{
	struct numaclaims_reservation *r = arg;

	r->nr_done = 0;
	if (r->pad || r->mem_flags)
		return -EINVAL;
	return nc_gfn_op(r, false);
}

static int nc_ioc_domain_info(struct nc_call *call, void *arg)
{
	struct numaclaims_domain_info *i = arg;
	struct nc_domain_obj *dom;
	const struct ce_domain *d;

	u32 domid = i->domid;

	if (i->flags & ~NUMACLAIMS_INFO_NEXT || i->pad)
		return -EINVAL;
again:
	dom = i->flags & NUMACLAIMS_INFO_NEXT ? nc_domain_get_next(domid) :
						nc_domain_get(domid);
	if (!dom)
		return -ESRCH;
	d = &dom->acct;
	spin_lock(&nc_heap_lock);
	/* A domain being destroyed is gone: ESRCH, or the next one. */
	if (READ_ONCE(dom->dying)) {
		spin_unlock(&nc_heap_lock);
		domid = d->domid + 1;
		nc_domain_put(dom);
		if (!(i->flags & NUMACLAIMS_INFO_NEXT))
			return -ESRCH;
		goto again;
	}
	i->domid = d->domid;
	i->domain_flags = dom->flags;
	i->max_pages = d->max_pages;
	i->tot_pages = d->tot_pages;
	i->outstanding_pages = d->outstanding_pages;
	i->node_claims = d->node_claims;
	i->uncounted_pages = d->uncounted_pages;
	i->node_affinity = d->node_affinity;
	memcpy(i->claims, d->claims, sizeof(i->claims));
	memcpy(i->node_pages, d->node_pages, sizeof(i->node_pages));
	spin_unlock(&nc_heap_lock);
	nc_domain_put(dom);
	return 0;
}

static int nc_ioc_host_info(struct nc_call *call, void *arg)
{
	struct numaclaims_host_info *hi = arg;
	u32 node;

	/* One critical section: the figures agree with each other. */
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
		hi->total_scrub_pages += hi->scrub_pages[node];
	}
	hi->total_held_pages = nc_heap.total_held_pages;
	spin_unlock(&nc_heap_lock);
	return 0;
}

/* OFFLINE_PAGES and ONLINE_PAGES: bounded heap-lock holds (nc_host_*). */
static int nc_ioc_offline(struct nc_call *call, void *arg)
{
	struct numaclaims_offline *o = arg;

	return o->pad ? -EINVAL : nc_host_offline(o->node, o->pages);
}

static int nc_ioc_online(struct nc_call *call, void *arg)
{
	struct numaclaims_offline *o = arg;

	return o->pad ? -EINVAL : nc_host_online(o->node, o->pages);
}

/*
 * A domain whose id cannot be copied out to the caller would be lost to it:
 * undo the create, of exactly the domain this call made.
 */
static void nc_undo_domain_create(struct nc_call *call, void *arg)
{
	struct nc_domain_obj *dom = call->created;

	if (dom && !nc_destroy(dom, false))
		nc_forget_owner(dom);
}

/**
 * struct nc_ioctl_desc - how one ioctl is dispatched.
 * @cmd:     the ioctl number as published (direction and current size).
 * @admin:   needs CAP_SYS_ADMIN (checked before anything else).
 * @handler: the handler.
 * @undo:    if set, called when the handler succeeded but its result cannot
 *           be copied back (EFAULT), so the call changes nothing.
 * @out:     for an _IOWR ioctl whose handler writes to the structure only in
 *           some cases: true if this call's result must be copied back.  A
 *           structure the handler left as it was is not copied back.
 * @minsz:   size of the structure's first published version, if it has
 *           grown since (else the current size is the minimum).
 */
struct nc_ioctl_desc {
	unsigned int cmd;
	bool admin;
	int (*handler)(struct nc_call *call, void *arg);
	void (*undo)(struct nc_call *call, void *arg);
	bool (*out)(const void *arg);
	unsigned int minsz;
};

/* Indexed by the ioctl's number (_IOC_NR); a hole has no handler. */
#define NC_IOCTL(cmd, ...)	[_IOC_NR(cmd)] = { cmd, __VA_ARGS__ }

static const struct nc_ioctl_desc nc_ioctls[] = {
	NC_IOCTL(NUMACLAIMS_IOC_DOMAIN_CREATE, true, nc_ioc_domain_create,
		 nc_undo_domain_create),
	NC_IOCTL(NUMACLAIMS_IOC_DOMAIN_DESTROY, true, nc_ioc_domain_destroy),
	NC_IOCTL(NUMACLAIMS_IOC_SET_MAX_PAGES, true, nc_ioc_set_max_pages),
	NC_IOCTL(NUMACLAIMS_IOC_SET_NODE_AFFINITY, true,
		 nc_ioc_set_node_affinity),
	/* SET checks CAP_SYS_ADMIN itself; GET is read-only. */
	NC_IOCTL(NUMACLAIMS_IOC_CLAIM_MEMORY, false, nc_ioc_claim_memory, NULL,
		 nc_claim_memory_out),
	NC_IOCTL(NUMACLAIMS_IOC_CLAIM_PAGES, true, nc_ioc_claim_pages),
	NC_IOCTL(NUMACLAIMS_IOC_POPULATE_PHYSMAP, true, nc_ioc_populate),
	NC_IOCTL(NUMACLAIMS_IOC_DECREASE_RESERVATION, true, nc_ioc_decrease),
	NC_IOCTL(NUMACLAIMS_IOC_DOMAIN_INFO, false, nc_ioc_domain_info),
	NC_IOCTL(NUMACLAIMS_IOC_HOST_INFO, false, nc_ioc_host_info, NULL, NULL,
		 NUMACLAIMS_HOST_INFO_SIZE_VER1),
	NC_IOCTL(NUMACLAIMS_IOC_OFFLINE_PAGES, true, nc_ioc_offline),
	NC_IOCTL(NUMACLAIMS_IOC_ONLINE_PAGES, true, nc_ioc_online),
	NC_IOCTL(NUMACLAIMS_IOC_DOMAIN_OPEN, true, nc_ioc_domain_open),
};

/*
 * Extensible structs (copy_struct_from_user()): the size in the ioctl
 * number is the caller's structure size.  Shorter than ours but not than
 * the first version (@minsz): the tail reads as zero and only the caller's
 * size is copied back; longer: the unknown tail must be zero.  Shorter
 * than the first version: EINVAL.
 */
static long nc_ioctl(struct file *file, unsigned int cmd, unsigned long uarg)
{
	void __user *argp = (void __user *)uarg;
	const struct nc_ioctl_desc *desc;
	struct nc_call call = { .file = file, .nf = file->private_data };
	unsigned int usize = _IOC_SIZE(cmd), ksize, csize, nr = _IOC_NR(cmd);
	u64 small[8] nc_uninit;
	void *karg;
	long ret;

	if (cmd == NUMACLAIMS_IOC_API_VERSION)
		return NUMACLAIMS_API_VERSION;
	if (_IOC_TYPE(cmd) != NUMACLAIMS_IOC_MAGIC)
		return -ENOTTY;
	if (nr >= ARRAY_SIZE(nc_ioctls))
		return -ENOTTY;
	/* nr comes from user space and selects a function pointer. */
	desc = &nc_ioctls[array_index_nospec(nr, ARRAY_SIZE(nc_ioctls))];
	if (!desc->handler || _IOC_DIR(desc->cmd) != _IOC_DIR(cmd))
		return -ENOTTY;
	if (desc->admin && !nc_file_admin(file))
		return -EPERM;
	ksize = _IOC_SIZE(desc->cmd);
	if (usize < (desc->minsz ? desc->minsz : ksize))
		return -EINVAL;
	/* Copied back: what both sides know. */
	csize = min(usize, ksize);

	karg = ksize <= sizeof(small) ? small : kmalloc(ksize, GFP_KERNEL);
	if (!karg)
		return -ENOMEM;
	if (_IOC_DIR(cmd) & _IOC_WRITE) {
		/* Fills all ksize bytes (a shorter caller's tail with zeros). */
		ret = copy_struct_from_user(karg, ksize, argp, usize);
		if (ret) {
			ret = ret == -E2BIG ? -EINVAL : ret;
			goto out;
		}
	} else {
		memset(karg, 0, ksize);
	}
	/*
	 * A mutating call whose answer cannot be copied back must not change
	 * anything the caller then never hears of (populate's nr_done, a
	 * decrease, a legacy claim): prove the struct writable first, by
	 * writing back what was read.  (DOMAIN_CREATE's undo below still
	 * covers a struct made read-only by another thread meanwhile.)
	 */
	if (desc->admin && (_IOC_DIR(cmd) & _IOC_READ) &&
	    (!desc->out || desc->out(karg)) && copy_to_user(argp, karg, csize)) {
		ret = -EFAULT;
		goto out;
	}
	ret = desc->handler(&call, karg);
	if ((_IOC_DIR(cmd) & _IOC_READ) && (!desc->out || desc->out(karg)) &&
	    (copy_to_user(argp, karg, csize) ||
	     /*
	      * A read-only struct longer than ours: the tail we do not know
	      * reads as zero.  (A written one's tail was checked zero above.)
	      */
	     (usize > ksize && !(_IOC_DIR(cmd) & _IOC_WRITE) &&
	      clear_user(argp + ksize, usize - ksize)))) {
		if (!ret && desc->undo)
			desc->undo(&call, karg);
		ret = -EFAULT;
	}
	if (call.created)
		nc_domain_put(call.created);
out:
	if (karg != small)
		kfree(karg);
	return ret;
}

static const struct file_operations nc_fops = {
	.owner = THIS_MODULE,
	.open = nc_open,
	.release = nc_release,
	.unlocked_ioctl = nc_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice nc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "numaclaims",
	.fops = &nc_fops,
	.mode = 0600,
};

/* ---------------------------------------------------------------------------
 * debugfs: the invariant checker and a page hook for scrubbing tests.
 */

static struct dentry *nc_debugfs;

static int nc_invariants_show(struct seq_file *m, void *unused)
{
	const char *why = NULL;
	int ret;

	spin_lock(&nc_heap_lock);
	ret = ce_check_invariants(&nc_heap, &why);
	spin_unlock(&nc_heap_lock);
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
	struct numaclaims_node_info *ni;
	u64 *held;
	u32 node;

	ni = kcalloc(CE_MAX_NODES, sizeof(*ni), GFP_KERNEL);
	held = kcalloc(CE_MAX_NODES, sizeof(*held), GFP_KERNEL);
	if (!ni || !held) {
		kfree(ni);
		kfree(held);
		return -ENOMEM;
	}
	spin_lock(&nc_heap_lock);
	for (node = 0; node < nc_heap.nr_nodes; node++) {
		const struct ce_node *n = &nc_heap.node[node];

		ni[node].has_pool = n->has_pool;
		ni[node].reserved_pages = n->reserved_pages;
		ni[node].avail_pages = n->avail_pages;
		ni[node].outstanding_claims = n->outstanding_claims;
		ni[node].offlined_pages = n->offlined_pages;
		held[node] = n->held_pages;
	}
	spin_unlock(&nc_heap_lock);
	seq_puts(m, "node reserved_pages free_pages claimed_pages unclaimed_pages offlined_pages held_pages\n");
	for (node = 0; node < CE_MAX_NODES; node++)
		if (ni[node].has_pool)
			seq_printf(m, "%u %llu %llu %llu %llu %llu %llu\n", node,
				   ni[node].reserved_pages, ni[node].avail_pages,
				   ni[node].outstanding_claims,
				   ni[node].avail_pages -
				   ni[node].outstanding_claims,
				   ni[node].offlined_pages, held[node]);
	kfree(ni);
	kfree(held);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nc_nodes);

/*
 * "lock_holds": the most frames a bulk path (offline, online, decrease,
 * destroy) handled under one hold of the heap lock, and the longest such
 * hold, since load or the last write to the file (which resets them).
 * Also the pages handed out not zero (debug=2 checks them).
 */
static int nc_lock_holds_show(struct seq_file *m, void *unused)
{
	struct nc_hold_stats st;

	spin_lock(&nc_heap_lock);
	st = nc_hold_stats;
	spin_unlock(&nc_heap_lock);
	seq_printf(m, "max_frames=%llu site=%s\nmax_ns=%llu site=%s\nbatch=%u\nverify_failures=%llu\n",
		   st.max_work, st.max_work_site ?: "-", st.max_ns,
		   st.max_ns_site ?: "-", NC_LOCK_BATCH,
		   READ_ONCE(nc_verify_failures));
	return 0;
}

static int nc_lock_holds_open(struct inode *inode, struct file *file)
{
	return single_open(file, nc_lock_holds_show, NULL);
}

static ssize_t nc_lock_holds_write(struct file *file, const char __user *buf,
				   size_t len, loff_t *ppos)
{
	if (!nc_file_admin(file))
		return -EPERM;
	spin_lock(&nc_heap_lock);
	memset(&nc_hold_stats, 0, sizeof(nc_hold_stats));
	spin_unlock(&nc_heap_lock);
	return len;
}

static const struct file_operations nc_lock_holds_fops = {
	.owner = THIS_MODULE,
	.open = nc_lock_holds_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = nc_lock_holds_write,
	.release = single_release,
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
	ret = nc_get_locked(domid, &dom);
	if (ret)
		return ret;
	page = nc_physmap_page(dom, gfn);
	if (!page) {
		nc_put_locked(dom);
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
	nc_put_locked(dom);
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

static int __init numaclaims_init(void)
{
	int ret;

	ret = nc_core_init(node_pool_mb, nr_node_pool_mb, pool_mb,
			   pool_max_percent);
	if (ret)
		return ret;
	ret = nc_domdev_init();
	if (ret) {
		nc_core_exit();
		return ret;
	}
	ret = misc_register(&nc_misc);
	if (ret) {
		nc_domdev_exit();
		nc_core_exit();
		return ret;
	}
	nc_debugfs = debugfs_create_dir("numaclaims", NULL);
	debugfs_create_file("invariants", 0400, nc_debugfs, NULL,
			    &nc_invariants_fops);
	debugfs_create_file("nodes", 0444, nc_debugfs, NULL, &nc_nodes_fops);
	debugfs_create_file("scrub", 0444, nc_debugfs, NULL, &nc_scrub_fops);
	debugfs_create_file("lock_holds", 0600, nc_debugfs, NULL,
			    &nc_lock_holds_fops);
	/* A hook that writes domain memory: only when asked for (tests). */
	if (nc_debug & NC_DEBUG_PAGE_HOOK)
		debugfs_create_file("page", 0600, nc_debugfs, NULL,
				    &nc_page_fops);
	return 0;
}

static void __exit numaclaims_exit(void)
{
	struct nc_domain_obj *dom;
	u32 domid = 0;

	debugfs_remove_recursive(nc_debugfs);
	misc_deregister(&nc_misc);
	/* Every domain file is closed (each holds the module): remove nodes. */
	while ((dom = nc_domain_get_next(domid))) {
		domid = dom->acct.domid + 1;
		nc_domdev_remove(dom);
		nc_domain_put(dom);
	}
	nc_domdev_exit();
	nc_core_exit();
}

module_init(numaclaims_init);
module_exit(numaclaims_exit);

MODULE_DESCRIPTION("NUMA-aware memory claim sets (Xen claims for Linux)");
MODULE_AUTHOR("The numaclaims authors");
MODULE_LICENSE("GPL");
/* The numaclaims release (dkms.conf PACKAGE_VERSION, libclaims VERSION). */
MODULE_VERSION("1.3.0");
