// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims: NUMA-aware memory claim sets (Xen's XEN_DOMCTL_claim_memory)
 * for Linux.  This file is the front end: module parameters, the misc
 * device /dev/numaclaims, its ioctl table and handlers, load and unload.
 *
 * Every ioctl handler is copy-in -> validate -> call the core (nc_core.h)
 * -> copy-out; a request that fails validation changes nothing.  The
 * handlers take no core lock and call no engine function: the core does
 * both (docs/DESIGN.md).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "nc_core.h"

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

static int node_pool_mb[NUMACLAIMS_MAX_NODES];
static unsigned int nr_node_pool_mb;
module_param_array(node_pool_mb, int, &nr_node_pool_mb, 0444);
MODULE_PARM_DESC(node_pool_mb,
		 "Pool size in MiB per node id (negative: pool_mb, 0: no pool)");

static unsigned int superpage_pool_mb;
module_param(superpage_pool_mb, uint, 0444);
MODULE_PARM_DESC(superpage_pool_mb,
		 "Superpages per node in MiB, 2 MiB blocks kept whole and mapped with one PMD, on top of pool_mb (default 0)");

static int node_superpage_mb[NUMACLAIMS_MAX_NODES];
static unsigned int nr_node_superpage_mb;
module_param_array(node_superpage_mb, int, &nr_node_superpage_mb, 0444);
MODULE_PARM_DESC(node_superpage_mb,
		 "Superpage MiB per node id (negative: superpage_pool_mb, 0: none)");

static unsigned int pool_max_mb;
module_param(pool_max_mb, uint, 0444);
MODULE_PARM_DESC(pool_max_mb,
		 "Most a node's pool can be resized to at run time, in MiB (default 0: its size at load; the pool's metadata takes 18 bytes per 4 KiB of it)");

static int node_pool_max_mb[NUMACLAIMS_MAX_NODES];
static unsigned int nr_node_pool_max_mb;
module_param_array(node_pool_max_mb, int, &nr_node_pool_max_mb, 0444);
MODULE_PARM_DESC(node_pool_max_mb,
		 "Most MiB a resize can grow the pool to, per node id (negative: pool_max_mb)");

static bool pool_grow_on_claim;
module_param(pool_grow_on_claim, bool, 0444);
MODULE_PARM_DESC(pool_grow_on_claim,
		 "Every node's pool grows from Linux for a claim that does not fit, up to its capacity (pool_max_mb); per node: /sys/kernel/numaclaims/nodeN/grow_on_claim (default N)");

static unsigned int pool_grow_release_ms = 10000;
module_param(pool_grow_release_ms, uint, 0444);
MODULE_PARM_DESC(pool_grow_release_ms,
		 "How often pool memory that grew for claims and is free and unclaimed goes back to Linux, in ms (default 10000; also /sys/kernel/numaclaims/grow_release_ms)");

static unsigned int pool_max_percent = 80;
module_param(pool_max_percent, uint, 0444);
MODULE_PARM_DESC(pool_max_percent,
		 "Largest pool as a percentage of a node's free memory at load (1-100, default 80): a larger pool_mb/node_pool_mb fails the load");

static unsigned int debug;
module_param(debug, uint, 0444);
MODULE_PARM_DESC(debug,
		 "Test hooks: 1 debugfs page file, 2 verify every page handed out or given back to Linux is zero, 4 reserve only one chunk per node (fault injection), 8 physmap entries per page (as without CONFIG_XARRAY_MULTI; no superpages)");

/**
 * struct nc_file - one open /dev/numaclaims.
 * @autodestroy: domains created through this file with AUTODESTROY and not
 *               destroyed yet; each entry holds a reference, and is
 *               destroyed when the file closes.  Protected by the
 *               core's nc_owner_lock (nc_domain_create_user()).
 */
struct nc_file {
	struct list_head autodestroy;
};

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

	nc_domain_autodestroy(&nf->autodestroy);
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

static int nc_ioc_domain_create(struct nc_call *call, void *arg)
{
	struct numaclaims_domain_create *c = arg;
	struct nc_domain_obj *dom;
	int ret;

	if (c->flags & ~NUMACLAIMS_DOMAIN_FLAGS || c->reserved[0] ||
	    c->reserved[1])
		return -EINVAL;
	ret = nc_domain_create_user(c->max_pages, c->flags,
				    &call->nf->autodestroy, &dom);
	if (ret)
		return ret;
	c->domid = nc_domain_id(dom);
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
	ret = nc_domain_destroy_user(dom, true);
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
	ret = nc_domain_get_locked(c->domid, &dom);
	if (ret)
		return ret;
	nc_domain_set_max_pages(dom, c->max_pages);
	nc_domain_put_locked(dom);
	return 0;
}

static int nc_ioc_set_node_affinity(struct nc_call *call, void *arg)
{
	struct numaclaims_node_affinity *c = arg;
	struct nc_domain_obj *dom;
	int ret;

	if (nc_check_pad(c->pad))
		return -EINVAL;
	ret = nc_domain_get_locked(c->domid, &dom);
	if (ret)
		return ret;
	ret = nc_domain_set_node_affinity(dom, c->nodemask);
	nc_domain_put_locked(dom);
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

	/* Step 1 of the documented order, before any allocation or copy. */
	ret = nc_claim_set_check(c->nr_entries);
	if (ret)
		return ret;
	if (c->nr_entries > NC_CLAIM_SET_ON_STACK) {
		set = memdup_user(u64_to_user_ptr(c->claim_set), size);
		if (IS_ERR(set))
			return PTR_ERR(set);
	} else if (copy_from_user(small, u64_to_user_ptr(c->claim_set), size)) {
		return -EFAULT;
	}
	ret = nc_domain_get_locked(c->domid, &dom);
	if (!ret) {
		ret = nc_domain_claim_set(dom, set, c->nr_entries);
		nc_domain_put_locked(dom);
	}
	if (set != small)
		kfree(set);
	return ret;
}

static int nc_claim_set_get_ioc(struct numaclaims_claim_memory *c)
{
	u32 nr = min_t(u32, c->nr_entries, NUMACLAIMS_MAX_CLAIM_ENTRIES);
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
	ret = nc_domain_claim_get(dom, set, &nr);
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
	ret = nc_domain_get_locked(r->domid, &dom);
	if (ret)
		return ret;
	ret = nc_domain_claim_pages(dom, r->nr_extents);
	nc_domain_put_locked(dom);
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
		nc_domain_unlock(dom);
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
	u32 domid = i->domid;
	int ret;

	if (i->flags & ~NUMACLAIMS_INFO_NEXT || i->pad)
		return -EINVAL;
again:
	dom = i->flags & NUMACLAIMS_INFO_NEXT ? nc_domain_get_next(domid) :
						nc_domain_get(domid);
	if (!dom)
		return -ESRCH;
	ret = nc_domain_info(dom, i);
	/* A domain being destroyed is gone: ESRCH, or the next one. */
	if (ret) {
		domid = nc_domain_id(dom) + 1;
		nc_domain_put(dom);
		if (!(i->flags & NUMACLAIMS_INFO_NEXT))
			return ret;
		goto again;
	}
	nc_domain_put(dom);
	return 0;
}

static int nc_ioc_host_info(struct nc_call *call, void *arg)
{
	nc_host_info(arg);
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

static int nc_ioc_pool_resize(struct nc_call *call, void *arg)
{
	struct numaclaims_pool_resize *r = arg;

	return r->flags ? -EINVAL : nc_pool_resize(r->node, r->pages);
}

/*
 * A domain whose id cannot be copied out to the caller would be lost to it:
 * undo the create, of exactly the domain this call made.
 */
static void nc_undo_domain_create(struct nc_call *call, void *arg)
{
	struct nc_domain_obj *dom = call->created;

	if (dom)
		nc_domain_destroy_user(dom, false);
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
	NC_IOCTL(NUMACLAIMS_IOC_DOMAIN_INFO, false, nc_ioc_domain_info, NULL,
		 NULL, NUMACLAIMS_DOMAIN_INFO_SIZE_VER1),
	NC_IOCTL(NUMACLAIMS_IOC_HOST_INFO, false, nc_ioc_host_info, NULL, NULL,
		 NUMACLAIMS_HOST_INFO_SIZE_VER1),
	NC_IOCTL(NUMACLAIMS_IOC_OFFLINE_PAGES, true, nc_ioc_offline),
	NC_IOCTL(NUMACLAIMS_IOC_ONLINE_PAGES, true, nc_ioc_online),
	NC_IOCTL(NUMACLAIMS_IOC_DOMAIN_OPEN, true, nc_ioc_domain_open),
	NC_IOCTL(NUMACLAIMS_IOC_POOL_RESIZE, true, nc_ioc_pool_resize),
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

static int __init numaclaims_init(void)
{
	const struct nc_core_config cfg = {
		.node_pool_mb = node_pool_mb,
		.nr_node_pool_mb = nr_node_pool_mb,
		.pool_mb = pool_mb,
		.node_superpage_mb = node_superpage_mb,
		.nr_node_superpage_mb = nr_node_superpage_mb,
		.superpage_mb = superpage_pool_mb,
		.node_pool_max_mb = node_pool_max_mb,
		.nr_node_pool_max_mb = nr_node_pool_max_mb,
		.pool_max_mb = pool_max_mb,
		.grow_on_claim = pool_grow_on_claim,
		.grow_release_ms = pool_grow_release_ms,
		.max_percent = pool_max_percent,
		.debug = debug,
	};
	int ret;

	ret = nc_core_init(&cfg);
	if (ret)
		return ret;
	ret = nc_domdev_init();
	if (ret) {
		nc_core_exit();
		return ret;
	}
	ret = nc_sysfs_init();
	if (ret) {
		nc_domdev_exit();
		nc_core_exit();
		return ret;
	}
	ret = misc_register(&nc_misc);
	if (ret) {
		nc_sysfs_exit();
		nc_domdev_exit();
		nc_core_exit();
		return ret;
	}
	/* A hook that writes domain memory: only when asked for (tests). */
	nc_debugfs_init(debug & NC_DEBUG_PAGE_HOOK);
	return 0;
}

static void __exit numaclaims_exit(void)
{
	nc_debugfs_exit();
	misc_deregister(&nc_misc);
	nc_sysfs_exit();
	nc_domdev_exit();
	nc_core_exit();
}

module_init(numaclaims_init);
module_exit(numaclaims_exit);

MODULE_DESCRIPTION("NUMA-aware memory claim sets (Xen claims for Linux)");
MODULE_AUTHOR("The numaclaims authors");
MODULE_LICENSE("GPL");
/* The numaclaims release (dkms.conf PACKAGE_VERSION, libclaims VERSION). */
MODULE_VERSION(NUMACLAIMS_VERSION);
