/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numaclaims core: the host heap (pools of real pages on every node),
 * domains, populate and decrease.  Shared by the misc-device front end
 * (numaclaims_main.c) and the KUnit suite, which link this file unchanged.
 *
 * Locking, outermost first:
 *  - ce_domain.lock (mutex, "the domain's lock"): serialises calls that
 *    change a domain's claims or physmap; held across a whole populate, so a
 *    destroy waits for it.  Never held while sleeping in userspace faults
 *    that could re-enter the device.
 *  - nc_heap_lock (spinlock, Xen's heap_lock): every engine call; held for
 *    one extent at a time, never across extents.
 *  - the domain inode's mapping->invalidate_lock (rwsem): exclusive while
 *    decrease/destroy erase physmap entries and unmap them, shared in the
 *    fault path (which takes no other numaclaims lock; mmap_lock is above
 *    it).  Never held while user memory is read.
 *
 * No numaclaims lock is held while user memory is read or written: the
 * ioctls copy gfn arrays in, in batches, before they take the domain's
 * lock, so a gfn array in userfaultfd- or FUSE-backed memory (or in a
 * mapping of the domain itself) never stalls anyone but its caller.  The
 * bulk paths (offline, online, destroy, decrease) hold the heap lock for at
 * most NC_LOCK_BATCH frames at a time.
 *  - the domains xarray's own lock: domid publication and removal;
 *    lookups by domid take no lock (RCU and kref_get_unless_zero()).
 */
#ifndef NC_CORE_H
#define NC_CORE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include "claims_engine.h"

/* Physmap values and gfn indices are 64-bit unsigned longs. */
#ifndef CONFIG_64BIT
#error "numaclaims needs a 64-bit kernel (CONFIG_64BIT)"
#endif

/* The most frames a bulk path handles under one hold of the heap lock. */
#define NC_LOCK_BATCH		512U

/* nc_frames[] (8 bytes a page) must fit kvmalloc()'s INT_MAX: 1 TiB a node. */
#define NC_POOL_MAX_PAGES	((u64)INT_MAX / sizeof(struct page *))

/* The debug= module parameter's bits. */
#define NC_DEBUG_PAGE_HOOK	BIT(0)	/* debugfs "page" file */
#define NC_DEBUG_VERIFY_ZERO	BIT(1)	/* check pages handed out and freed are zero */
#define NC_DEBUG_FAIL_RESERVE	BIT(2)	/* reserve only a node's first chunk */
extern unsigned int nc_debug;
extern u64 nc_verify_failures;

/**
 * struct nc_hold_stats - the longest heap-lock holds of the bulk paths,
 * written under the heap lock (debugfs "lock_holds").
 * @max_work:      most frames handled in one hold, and where.
 * @max_ns:        longest hold in nanoseconds, and where.
 */
struct nc_hold_stats {
	u64 max_work;
	const char *max_work_site;
	u64 max_ns;
	const char *max_ns_site;
};
extern struct nc_hold_stats nc_hold_stats;
void nc_bulk_lock(u64 *t0);
void nc_bulk_unlock(u64 t0, u64 work, const char *what);

/**
 * struct nc_domain_obj - a domain as the module sees it.
 * @acct:    the engine's accounting; protected by nc_heap_lock.
 * @ref:     lifetime of this structure (lookups hold a reference).
 * @lock:    the domain's lock (see the top of this file).
 * @dying:   set under @lock by destroy; later calls see -ESRCH.
 * @destroy_waiters: destroys waiting for @lock: a populate or decrease
 *           holding it stops at its next extent (-EINTR).
 * @devnode: the front end made a device node for it; under @lock.
 * @flags:   NUMACLAIMS_DOMAIN_* creation flags.
 * @physmap: gfn -> encoded (node, frame, counted); written under @lock,
 *           read without it (RCU) by the fault path.
 * @inode:   the domain's own inode: its i_mapping is where every mapping of
 *           the domain lives (so unmapping never reaches another domain);
 *           its invalidate_lock orders faults against decrease/destroy.
 * @owner_link: on the creating file's autodestroy list.
 * @rcu:     frees the structure after a grace period (lookups use RCU).
 */
struct nc_domain_obj {
	struct ce_domain acct;
	struct kref ref;
	struct mutex lock;
	bool dying;
	atomic_t destroy_waiters;
	bool devnode;
	u32 flags;
	struct xarray physmap;
	struct inode *inode;
	struct list_head owner_link;
	struct rcu_head rcu;
};

extern spinlock_t nc_heap_lock;
extern struct ce_heap nc_heap;

int nc_core_init(const int *node_pool_mb, unsigned int nr_node_pool_mb,
		 unsigned int default_pool_mb, unsigned int max_percent);
void nc_core_exit(void);

struct page *nc_frame_page(u32 node, u32 frame);

int nc_domain_alloc(u64 max_pages, u32 flags, struct nc_domain_obj **out);
void nc_domain_publish(struct nc_domain_obj *dom);
int nc_domain_create(u64 max_pages, u32 flags, struct nc_domain_obj **out);
struct nc_domain_obj *nc_domain_get(u32 domid);
struct nc_domain_obj *nc_domain_get_next(u32 domid);
void nc_domain_put(struct nc_domain_obj *dom);
int nc_domain_lock(struct nc_domain_obj *dom);
int nc_domain_destroy(struct nc_domain_obj *dom);
int nc_domain_destroy_killable(struct nc_domain_obj *dom);
void nc_domain_destroy_all(void);

/**
 * struct nc_gfn_list - the gfns populate/decrease work on: kernel memory
 * (the ioctl copies a batch in before it takes the domain's lock).
 */
struct nc_gfn_list {
	const u64 *kernel;
};

int nc_populate(struct nc_domain_obj *dom, const struct nc_gfn_list *gfns,
		u64 nr_extents, unsigned int order, u32 memflags,
		u64 *nr_done);
int nc_decrease(struct nc_domain_obj *dom, const struct nc_gfn_list *gfns,
		u64 nr_extents, unsigned int order, u64 *nr_done);
struct page *nc_physmap_page(struct nc_domain_obj *dom, u64 gfn);
int nc_physmap_node(struct nc_domain_obj *dom, u64 gfn);
u64 nc_physmap_entries(struct nc_domain_obj *dom);
int nc_host_offline(u32 node, u64 pages);
int nc_host_online(u32 node, u64 pages);

/* Domain files (mmap of the physmap) and held pages. */
struct file;
struct inode;
struct vm_area_struct;
struct file *nc_domain_file(struct nc_domain_obj *dom);
int nc_domain_attach_file(struct nc_domain_obj *dom, struct file *file);
int nc_domain_file_mmap(struct file *file, struct vm_area_struct *vma);
loff_t nc_domain_file_llseek(struct file *file, loff_t offset, int whence);
int nc_domain_file_release(struct inode *inode, struct file *file);
u64 nc_reap_held(void);

struct seq_file;
int nc_scrub_show(struct seq_file *m, void *unused);
u64 nc_scrub_populate_cleared(u32 node);

#endif /* NC_CORE_H */
