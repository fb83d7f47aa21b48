/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numaclaims core: the host heap (pools of real pages on every node),
 * domains, their physmaps and files, populate and decrease.  The layers,
 * from the bottom (docs/DESIGN.md):
 *
 *  - the claims engine (claims_engine.[ch], prefix ce_): the accounting,
 *    kernel-agnostic, compiled unchanged into numaclaims.ko, the KUnit
 *    module and the userspace tests;
 *  - the core (pool.c, scrub.c, domain.c, physmap.c, domfile.c, prefix
 *    nc_): owns the pages, the domains and every lock, and is the only
 *    caller of the engine;
 *  - the front ends: numaclaims_main.c and debugfs.c (numaclaims.ko's
 *    parameters, /dev/numaclaims and its ioctls, debugfs), and the KUnit
 *    suite, which links the core unchanged.  They call only what this
 *    header declares, and never take a core lock themselves.
 *
 * Locking, outermost first.  Every lock of the module:
 *  1. nc_domain_obj.lock (mutex, "the domain's lock"): serialises calls that
 *     change a domain's claims or physmap, and its device node; held across
 *     a whole populate or decrease batch, so a destroy waits for it (and
 *     raises destroy_waiters, which stops a populate at its next extent).
 *     Taken killably on every path a user can interrupt.
 *  2. nc_offline_lock (mutex, pool.c): one offline, online, pool resize,
 *     surplus release or grow on claim at a time, so an online's check
 *     that enough pages are offline holds for all its batches, and no
 *     release runs between a claim's grow and its install.  Taken with no
 *     other numaclaims lock held, except by a claim that grows the pools,
 *     which holds its domain's lock (1); nothing that holds
 *     nc_offline_lock takes a domain's lock.
 *  3. the domain inode's mapping->invalidate_lock (rwsem): exclusive while
 *     decrease/destroy erase physmap entries and unmap them, shared in the
 *     fault path (which takes no other numaclaims lock; mmap_lock is above
 *     it).
 *  4. the xarray locks: nc_domains' (domid publication and removal, under
 *     the domain's lock in destroy) and each physmap's (entries stored,
 *     split and taken, under the domain's lock and, for split and take in
 *     decrease, the invalidate lock).  Lookups take neither: RCU, and
 *     kref_get_unless_zero() for domains.
 *  5. nc_heap_lock (spinlock, Xen's heap_lock, pool.c): every engine call,
 *     and nothing nests inside it.  Never held together with 3 or 4: the
 *     paths drop those before they take it.  Held for one extent at a
 *     time, never across extents; the bulk paths (offline, online, destroy,
 *     decrease) hold it for at most NC_LOCK_BATCH frames at a time.
 *  - nc_owner_lock (mutex, domain.c): the AUTODESTROY lists; a leaf, held
 *    with no other numaclaims lock and taking none.
 *
 * No numaclaims lock is held while user memory is read or written: the
 * ioctls copy gfn arrays in, in batches, before they take the domain's
 * lock, so a gfn array in userfaultfd- or FUSE-backed memory (or in a
 * mapping of the domain itself) never stalls anyone but its caller.  Every
 * wait a user can cause is killable (domain lock, offline lock, the wait
 * for a block the scrubber has out).
 *
 * The scrubber's out/abort protocol (scrub.c, one kthread per node): under
 * the heap lock it takes one dirty free block off the engine's lists
 * (ce_scrub_take()) and sets @out; it clears the block's pages with no lock
 * held, then under the heap lock puts it back (ce_scrub_put(), clean or
 * not), clears @out and @abort, and wakes @done.  A populate or offline
 * that needs that block (the engine says -EAGAIN) sets @abort under the
 * heap lock (nc_scrub_abort_locked(): false if no block is out; it also
 * takes a ticket, the scrubber's put count), drops the lock and waits on
 * @done until the put count moves (nc_scrub_wait_block(): killably for
 * populate, not for an offline already committed), then retries.  The scrubber checks @abort before
 * every page, so the wait is for at most one page; it never takes a
 * domain's lock, so the waiter may hold one.
 */
#ifndef NC_CORE_H
#define NC_CORE_H

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
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
#define NC_DEBUG_PER_PAGE_PM	BIT(3)	/* physmap: one entry per page, as without CONFIG_XARRAY_MULTI */

/**
 * struct nc_hold_stats - the longest heap-lock holds of the bulk paths
 * (debugfs "lock_holds"); the core's copy is written under the heap lock.
 * @max_work:      most frames handled in one hold, and where.
 * @max_ns:        longest hold in nanoseconds, and where.
 * @decrease_extents: extents decrease freed.
 * @decrease_unmaps:  unmap_mapping_range() calls it made for them (one
 *                    per run of contiguous gfns of a batch).
 */
struct nc_hold_stats {
	u64 max_work;
	const char *max_work_site;
	u64 max_ns;
	const char *max_ns_site;
	u64 decrease_extents;
	u64 decrease_unmaps;
};

/**
 * struct nc_reap_stats - the reaper's work (debugfs "reaper"), since load or
 * the last reset.
 * @passes:       passes over the held pages.
 * @visited:      held 4 KiB frames looked at (a pass looks at each once).
 * @last_visited: of those, in the last pass.
 * @sp_visited:   held superpages looked at.
 * @reaped:       pages returned to the pool (a superpage counts 512).
 * @still:        pages (superpages count one) still held after the last pass.
 * @ns:           time spent in passes (wall clock: includes preemption).
 * @interval_ms:  delay of the next pass while nothing is reaped (backs off).
 * @queued:       a pass is queued.
 */
struct nc_reap_stats {
	u64 passes;
	u64 visited;
	u64 last_visited;
	u64 sp_visited;
	u64 reaped;
	u64 still;
	u64 ns;
	u32 interval_ms;
	bool queued;
};

/**
 * struct nc_domain_obj - a domain as the module sees it.  Its fields are
 * the core's: users go through the functions below.
 * @acct:    the engine's accounting; under nc_heap_lock.
 * @ref:     lifetime of this structure (lookups hold a reference).
 * @lock:    the domain's lock (lock 2 above).
 * @dying:   set under @lock by destroy; later calls see -ESRCH.  Read
 *           without it (READ_ONCE) by lookups that only report.
 * @destroy_waiters: destroys waiting for @lock: a populate or decrease
 *           holding it stops at its next extent (-EINTR).  Atomic.
 * @devnode: it has a device node (domfile.c); under @lock.
 * @flags:   NUMACLAIMS_DOMAIN_* creation flags; constant.
 * @physmap: gfn -> encoded (node, frame, counted, order); written under
 *           @lock (and the xarray's own lock), read without it (RCU) by
 *           the fault path.
 * @inode:   the domain's own inode: its i_mapping is where every mapping of
 *           the domain lives (so unmapping never reaches another domain);
 *           its invalidate_lock (lock 3) orders faults against
 *           decrease/destroy.  Constant.
 * @owner_link: on the creating file's autodestroy list; under
 *           nc_owner_lock.
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

/* The domain's id: constant from creation on. */
static inline u32 nc_domain_id(const struct nc_domain_obj *dom)
{
	return dom->acct.domid;
}

/*
 * Privilege is a property of the open file: its opener's credentials
 * (file->f_cred), as for drivers that hand out capabilities through an fd.
 * A privileged process may pass the fd to a helper that has none.
 */
static inline bool nc_file_admin(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

/**
 * struct nc_core_config - what the pools are made of at load.
 * @node_pool_mb:      4 KiB pool MiB per node id (negative: @pool_mb), or NULL.
 * @nr_node_pool_mb:   entries in @node_pool_mb.
 * @pool_mb:           4 KiB pool MiB of the other nodes.
 * @node_superpage_mb: superpage MiB per node id (negative: @superpage_mb),
 *                     or NULL.
 * @nr_node_superpage_mb: entries in @node_superpage_mb.
 * @superpage_mb:      superpage MiB of the other nodes (rounded down to
 *                     2 MiB).
 * @node_pool_max_mb:  4 KiB pool capacity MiB per node id (negative:
 *                     @pool_max_mb), or NULL: the most a resize can grow
 *                     the pool to (never less than its size at load).
 * @nr_node_pool_max_mb: entries in @node_pool_max_mb.
 * @pool_max_mb:       capacity MiB of the other nodes.
 * @grow_on_claim:     every node's pool grows for a claim that does not
 *                     fit (within its capacity), at load.
 * @grow_release_ms:   how often what grew that way and is free and
 *                     unclaimed goes back to Linux.
 * @max_percent:       both together at most this share of a node's free
 *                     memory (at load; a grow: at most this share of what
 *                     is free when it runs).
 * @debug:             NC_DEBUG_* bits.
 */
struct nc_core_config {
	const int *node_pool_mb;
	unsigned int nr_node_pool_mb;
	unsigned int pool_mb;
	const int *node_superpage_mb;
	unsigned int nr_node_superpage_mb;
	unsigned int superpage_mb;
	const int *node_pool_max_mb;
	unsigned int nr_node_pool_max_mb;
	unsigned int pool_max_mb;
	bool grow_on_claim;
	unsigned int grow_release_ms;
	unsigned int max_percent;
	unsigned int debug;
};

/* pool.c: the heap, its pools and what is read of them. */
int nc_core_init(const struct nc_core_config *cfg);
void nc_core_exit(void);
unsigned int nc_core_set_debug(unsigned int debug);
struct page *nc_frame_page(u32 node, u32 frame);
struct page *nc_superpage(u32 node, u32 index);
void nc_host_info(struct numaclaims_host_info *hi);
int nc_heap_check(const char **why);
void nc_hold_stats_get(struct nc_hold_stats *st);
void nc_hold_stats_reset(void);
u64 nc_verify_failures(void);
u64 nc_reap_held(void);
void nc_reap_stats_get(struct nc_reap_stats *st);
void nc_reap_stats_reset(void);
int nc_host_offline(u32 node, u64 pages);
int nc_host_online(u32 node, u64 pages);
int nc_pool_resize(u32 node, u64 pages);
bool nc_pool_size(u32 node, u64 *pages, u64 *capacity);
int nc_pool_grow_lock(void);
int nc_pool_grow_locked(const u64 *shortfall);
void nc_pool_grow_unlock(void);
u64 nc_pool_room(u32 node);
bool nc_pool_grows_on_claim(u32 node);
int nc_pool_set_grow_on_claim(u32 node, bool on);
u64 nc_pool_surplus(u32 node);
unsigned int nc_pool_release_ms(void);
void nc_pool_set_release_ms(unsigned int ms);

/* scrub.c: the background scrubbers. */
struct seq_file;
int nc_scrub_show(struct seq_file *m, void *unused);
u64 nc_scrub_populate_cleared(u32 node);

/* domain.c: lifetime, lookup, claims. */
int nc_domain_alloc(u64 max_pages, u32 flags, struct nc_domain_obj **out);
void nc_domain_publish(struct nc_domain_obj *dom);
int nc_domain_create(u64 max_pages, u32 flags, struct nc_domain_obj **out);
int nc_domain_create_user(u64 max_pages, u32 flags,
			  struct list_head *autodestroy,
			  struct nc_domain_obj **out);
struct nc_domain_obj *nc_domain_get(u32 domid);
struct nc_domain_obj *nc_domain_get_next(u32 domid);
void nc_domain_put(struct nc_domain_obj *dom);
int nc_domain_lock(struct nc_domain_obj *dom);
void nc_domain_unlock(struct nc_domain_obj *dom);
int nc_domain_get_locked(u32 domid, struct nc_domain_obj **out);
void nc_domain_put_locked(struct nc_domain_obj *dom);
int nc_domain_destroy(struct nc_domain_obj *dom);
void nc_domain_test_hooks(u32 next_domid, unsigned int destroy_delay_ms);
void nc_physmap_test_hooks(unsigned int fail_at, unsigned int delay_ms);
u64 nc_node_retired(u32 node, u64 *sp);
int nc_domain_destroy_user(struct nc_domain_obj *dom, bool killable);
void nc_domain_autodestroy(struct list_head *autodestroy);
void nc_domain_destroy_all(void);
void nc_domain_set_max_pages(struct nc_domain_obj *dom, u64 max_pages);
int nc_domain_set_node_affinity(struct nc_domain_obj *dom, u64 nodemask);
int nc_claim_set_check(u32 nr_entries);
int nc_domain_claim_set(struct nc_domain_obj *dom,
			const struct numaclaims_claim *set, u32 nr_entries);
int nc_domain_claim_get(struct nc_domain_obj *dom,
			struct numaclaims_claim *set, u32 *nr_entries);
int nc_domain_claim_pages(struct nc_domain_obj *dom, u64 pages);
int nc_domain_info(struct nc_domain_obj *dom,
		   struct numaclaims_domain_info *info);

/* physmap.c: populate and decrease, physmap lookups. */

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

/* domfile.c: domain files (mmap of the physmap) and device nodes. */
struct file *nc_domain_file(struct nc_domain_obj *dom);
int nc_domdev_init(void);
void nc_domdev_exit(void);

/* debugfs.c (front end). */
void nc_debugfs_init(bool page_hook);
void nc_debugfs_exit(void);

/* sysfs.c (front end): /sys/kernel/numaclaims. */
int nc_sysfs_init(void);
void nc_sysfs_exit(void);

#endif /* NC_CORE_H */
