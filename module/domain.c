// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims core: domains.  Their lifetime (create, publish, lookup by
 * domid, destroy), AUTODESTROY, and the claim and limit calls, each one
 * engine call under the heap lock.  Lock order: top of nc_core.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include "nc_internal.h"
#include "nc_trace.h"

/* domid -> struct nc_domain_obj; ids 1 .. 0x7fef as Xen's DOMID_FIRST_RESERVED */
static DEFINE_XARRAY_ALLOC1(nc_domains);
static u32 nc_next_domid;
#define NC_DOMID_MAX	0x7fefU

/*
 * One lock for every file's autodestroy list (nc_domain_obj.owner_link), so
 * that a DOMAIN_DESTROY through any file takes the domain off its creator's
 * list at once: a long-lived file that creates and destroys AUTODESTROY
 * domains must not pile up dead ones until it is closed.
 */
static DEFINE_MUTEX(nc_owner_lock);

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
	dom->inode = nc_domfile_inode();
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

void nc_domain_unlock(struct nc_domain_obj *dom)
{
	mutex_unlock(&dom->lock);
}

/* Look up and lock a domain; on success the caller unlocks and puts. */
int nc_domain_get_locked(u32 domid, struct nc_domain_obj **out)
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

void nc_domain_put_locked(struct nc_domain_obj *dom)
{
	mutex_unlock(&dom->lock);
	nc_domain_put(dom);
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
	/*
	 * Unpublish, but keep the id reserved (lookups and the id allocator
	 * see a zero entry) until the device node is gone too: an id reused
	 * before that would give the new domain no node (device_create()'s
	 * duplicate name).  nc_domain_free_id() frees it.
	 */
	xa_cmpxchg(&nc_domains, dom->acct.domid, dom, XA_ZERO_ENTRY, 0);

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
		bool busy = false;

		/* Faults that found a page before dying: see physmap.c. */
		for (i = 0; i < n; i++)
			busy |= nc_entry_fault_barrier(entries[i]);
		if (busy)
			unmap_mapping_range(mapping, 0, 0, 1);
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

/* The id of a destroyed domain whose device node is gone: free for reuse. */
static void nc_domain_free_id(struct nc_domain_obj *dom)
{
	xa_release(&nc_domains, dom->acct.domid);
}

/* Destroy a domain that has no device node (KUnit, unload). */
int nc_domain_destroy(struct nc_domain_obj *dom)
{
	int ret = __nc_domain_destroy(dom, false);

	if (!ret)
		nc_domain_free_id(dom);
	return ret;
}

/*
 * Test hooks (debugfs, debug=1): the next id the allocator tries, and a
 * delay between a destroy and the removal of its device node, so a test
 * can make a create land in that window.
 */
static unsigned int nc_destroy_delay_ms;

void nc_domain_test_hooks(u32 next_domid, unsigned int destroy_delay_ms)
{
	xa_lock(&nc_domains);
	nc_next_domid = next_domid;
	xa_unlock(&nc_domains);
	WRITE_ONCE(nc_destroy_delay_ms, destroy_delay_ms);
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
 * Domains of user space: device nodes and AUTODESTROY.
 */

/*
 * A domain made through /dev/numaclaims: on @autodestroy (its creator's
 * list, under nc_owner_lock) if it asks for AUTODESTROY, then published,
 * then given a device node.  *@out holds the caller's reference.
 */
int nc_domain_create_user(u64 max_pages, u32 flags,
			  struct list_head *autodestroy,
			  struct nc_domain_obj **out)
{
	struct nc_domain_obj *dom;
	int ret;

	ret = nc_domain_alloc(max_pages, flags, &dom);
	if (ret)
		return ret;
	/*
	 * A domain of user space keeps the module loaded until it is
	 * destroyed (kvm.ko does the same for each VM): rmmod is refused
	 * ("in use", EWOULDBLOCK) rather than destroy a domain a builder is
	 * still setting up.
	 * The caller's open /dev/numaclaims already holds a reference, so
	 * this one cannot race with unload.  nc_destroy() puts it.
	 */
	__module_get(THIS_MODULE);
	/*
	 * On its creator's list before its id is published: a destroy by
	 * another caller that guesses the id takes it off the list again.
	 */
	if (flags & NUMACLAIMS_DOMAIN_AUTODESTROY) {
		kref_get(&dom->ref);		/* the list's reference */
		mutex_lock(&nc_owner_lock);
		list_add(&dom->owner_link, autodestroy);
		mutex_unlock(&nc_owner_lock);
	}
	nc_domain_publish(dom);
	nc_domdev_add(dom);
	*out = dom;
	return 0;
}

/*
 * Destroy a domain on behalf of user space, then its device node (an open
 * of the node in between finds the domain dying: ESRCH).  @killable: the
 * DESTROY ioctl's wait for a populate in progress ends on a fatal signal;
 * closing the creator's file must destroy, and waits.
 */
static int nc_destroy(struct nc_domain_obj *dom, bool killable)
{
	int ret = __nc_domain_destroy(dom, killable);
	unsigned int delay = READ_ONCE(nc_destroy_delay_ms);

	if (ret == -EINTR)
		return ret;
	if (!ret && delay)
		msleep(delay);
	nc_domdev_remove(dom);
	if (!ret) {
		nc_domain_free_id(dom);
		/*
		 * The domain's module reference (nc_domain_create_user()).
		 * Every caller holds another one (an open /dev/numaclaims or
		 * the file being released), so the module stays until we
		 * return.
		 */
		module_put(THIS_MODULE);
	}
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

/*
 * Destroy on behalf of user space (the DESTROY ioctl, @killable, or the
 * undo of a create): the domain, its device node, and its place on its
 * creator's autodestroy list.
 */
int nc_domain_destroy_user(struct nc_domain_obj *dom, bool killable)
{
	int ret = nc_destroy(dom, killable);

	if (!ret)
		nc_forget_owner(dom);
	return ret;
}

/* Its creator's file is closing: destroy every domain on @autodestroy. */
void nc_domain_autodestroy(struct list_head *autodestroy)
{
	struct nc_domain_obj *dom;

	mutex_lock(&nc_owner_lock);
	while ((dom = list_first_entry_or_null(autodestroy,
					       struct nc_domain_obj, owner_link))) {
		list_del_init(&dom->owner_link);
		mutex_unlock(&nc_owner_lock);
		nc_destroy(dom, false);	/* -ESRCH if already destroyed */
		nc_domain_put(dom);
		mutex_lock(&nc_owner_lock);
	}
	mutex_unlock(&nc_owner_lock);
}

/* ---------------------------------------------------------------------------
 * Claims and limits: one engine call each, under the heap lock.  The
 * callers hold the domain's lock, except where said.
 */

void nc_domain_set_max_pages(struct nc_domain_obj *dom, u64 max_pages)
{
	spin_lock(&nc_heap_lock);
	ce_set_max_pages(&nc_heap, &dom->acct, max_pages);
	spin_unlock(&nc_heap_lock);
}

int nc_domain_set_node_affinity(struct nc_domain_obj *dom, u64 nodemask)
{
	int ret;

	spin_lock(&nc_heap_lock);
	ret = ce_set_node_affinity(&nc_heap, &dom->acct, nodemask);
	spin_unlock(&nc_heap_lock);
	return ret;
}

/*
 * Step 1 of the documented order, before any allocation or copy.  nr_nodes
 * is set while the module loads and never changes after, so this needs no
 * heap lock.
 */
int nc_claim_set_check(u32 nr_entries)
{
	return ce_claim_set_check_count(&nc_heap, nr_entries);
}

/*
 * What a claim set refused with ENOMEM lacks on the nodes that grow on
 * claim (ce_claim_set_shortfall()), under the heap lock.  True if growing
 * by @shortfall[] would make it fit.
 */
static bool nc_claim_shortfall(struct nc_domain_obj *dom,
			       const struct numaclaims_claim *set,
			       u32 nr_entries, u64 *shortfall)
{
	u64 room[CE_MAX_NODES], grow = 0, any = 0;
	u32 n;

	lockdep_assert_held(&nc_heap_lock);
	for (n = 0; n < CE_MAX_NODES; n++) {
		room[n] = nc_pool_room(n);
		if (room[n])
			grow |= BIT_ULL(n);
	}
	if (!grow || ce_claim_set_shortfall(&nc_heap, &dom->acct, set,
					    nr_entries, grow, room, shortfall))
		return false;
	for (n = 0; n < CE_MAX_NODES; n++)
		any |= shortfall[n];
	return any;
}

/*
 * One install, under the heap lock: a claim set, or (@pages_call) the
 * CLAIM_PAGES call, whose one LEGACY entry @set[0] is its target.
 */
static int nc_claim_install(struct nc_domain_obj *dom,
			    const struct numaclaims_claim *set, u32 nr_entries,
			    bool pages_call)
{
	lockdep_assert_held(&nc_heap_lock);
	if (pages_call)
		return ce_claim_pages_legacy(&nc_heap, &dom->acct, set[0].pages);
	return ce_claim_set_install(&nc_heap, &dom->acct, set, nr_entries);
}

/* Grows at most this often for one claim (see nc_claim_grow_install()). */
#define NC_GROW_TRIES	16

/*
 * Install @set (as nc_claim_install() does), growing the pools that
 * grow on claim when it does not fit.  The grow and the install that
 * follows run under nc_offline_lock, so no release undoes the grow; a
 * claim that needs no grow can still take the new memory first (it does
 * not wait for that lock), and then this one grows again by what it still
 * lacks, as long as the pools have room: it is refused (ENOMEM) only when
 * the claims installed leave too little room for it, as on a pool sized
 * to the capacity.  Each such retry follows another claim's install, at
 * most NC_GROW_TRIES of them, and a fatal signal stops them.
 */
static int nc_claim_grow_install(struct nc_domain_obj *dom,
				 const struct numaclaims_claim *set,
				 u32 nr_entries, bool pages_call)
{
	u64 shortfall[CE_MAX_NODES];
	bool grow;
	int ret, tries;

	spin_lock(&nc_heap_lock);
	ret = nc_claim_install(dom, set, nr_entries, pages_call);
	grow = ret == -ENOMEM &&
	       nc_claim_shortfall(dom, set, nr_entries, shortfall);
	spin_unlock(&nc_heap_lock);
	if (!grow || nc_pool_grow_lock())
		return ret;
	for (tries = 0; grow && tries < NC_GROW_TRIES; tries++) {
		if (fatal_signal_pending(current) ||
		    nc_pool_grow_locked(shortfall))
			break;
		spin_lock(&nc_heap_lock);
		ret = nc_claim_install(dom, set, nr_entries, pages_call);
		grow = ret == -ENOMEM &&
		       nc_claim_shortfall(dom, set, nr_entries, shortfall);
		spin_unlock(&nc_heap_lock);
	}
	nc_pool_grow_unlock();
	return ret;
}

int nc_domain_claim_set(struct nc_domain_obj *dom,
			const struct numaclaims_claim *set, u32 nr_entries)
{
	u64 node_claims, host_claim __maybe_unused;	/* traced */
	int ret;

	ret = nc_claim_grow_install(dom, set, nr_entries, false);
	spin_lock(&nc_heap_lock);
	node_claims = dom->acct.node_claims;
	host_claim = dom->acct.outstanding_pages - node_claims;
	spin_unlock(&nc_heap_lock);
	trace_numaclaims_claim_install(dom->acct.domid, nr_entries,
				       node_claims, host_claim, ret);
	return ret;
}

/* Without the domain's lock (a reader): -ESRCH once it is being destroyed. */
int nc_domain_claim_get(struct nc_domain_obj *dom,
			struct numaclaims_claim *set, u32 *nr_entries)
{
	int ret;

	spin_lock(&nc_heap_lock);
	ret = READ_ONCE(dom->dying) ? -ESRCH :
	      ce_claim_set_get(&nc_heap, &dom->acct, set, nr_entries);
	spin_unlock(&nc_heap_lock);
	return ret;
}

int nc_domain_claim_pages(struct nc_domain_obj *dom, u64 pages)
{
	const struct numaclaims_claim legacy = {
		.pages = pages, .target = NUMACLAIMS_TARGET_LEGACY,
		.cmd = NUMACLAIMS_CLAIM_PAGES_CMD,
	};

	return nc_claim_grow_install(dom, &legacy, 1, true);
}

/*
 * DOMAIN_INFO: the domain's figures in one critical section; without the
 * domain's lock (a reader).  -ESRCH, @info untouched, once it is being
 * destroyed.
 */
int nc_domain_info(struct nc_domain_obj *dom,
		   struct numaclaims_domain_info *info)
{
	const struct ce_domain *d = &dom->acct;
	u32 node;

	spin_lock(&nc_heap_lock);
	if (READ_ONCE(dom->dying)) {
		spin_unlock(&nc_heap_lock);
		return -ESRCH;
	}
	info->domid = d->domid;
	info->domain_flags = dom->flags;
	info->max_pages = d->max_pages;
	info->tot_pages = d->tot_pages;
	info->outstanding_pages = d->outstanding_pages;
	info->node_claims = d->node_claims;
	info->uncounted_pages = d->uncounted_pages;
	info->node_affinity = d->node_affinity;
	memcpy(info->claims, d->claims, sizeof(info->claims));
	memcpy(info->node_pages, d->node_pages, sizeof(info->node_pages));
	for (node = 0; node < CE_MAX_NODES; node++) {
		info->superpage_claims[node] = d->sp_claims[node] * CE_SP_PAGES;
		info->superpage_pages[node] = d->sp_pages[node] * CE_SP_PAGES;
	}
	spin_unlock(&nc_heap_lock);
	return 0;
}
