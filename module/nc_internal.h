/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numaclaims core, private: what the core's files (pool.c, scrub.c,
 * domain.c, physmap.c, domfile.c) share with each other and with no one
 * else.  The front ends include only nc_core.h.  The lock order and the
 * scrubber's protocol are at the top of nc_core.h.
 */
#ifndef NC_INTERNAL_H
#define NC_INTERNAL_H

#include "nc_core.h"

/* pool.c */
extern spinlock_t nc_heap_lock;		/* lock 5 of nc_core.h */
extern struct ce_heap nc_heap;		/* under nc_heap_lock */
extern unsigned int nc_debug;		/* NC_DEBUG_*; set at load */
extern u64 nc_verify_failures_count;	/* WRITE_ONCE, pages not zero */
bool nc_clear_if_dirty(u32 node, u32 frame);
bool nc_page_is_zero(struct page *page);
bool nc_pool_free_block(struct nc_domain_obj *dom, u32 node, u32 frame,
			unsigned int order, bool counted);
bool nc_pool_free_superpage(struct nc_domain_obj *dom, u32 node, u32 index,
			    bool counted);
bool nc_sp_clear_if_dirty(u32 node, u32 index);
void nc_reap_kick(void);
void nc_bulk_lock(u64 *t0);
void nc_bulk_unlock(u64 t0, u64 work, const char *what);
void nc_hold_stats_decrease(u64 extents, u64 unmaps);

/* scrub.c */
void nc_scrub_start(void);
void nc_scrub_stop(void);
void nc_scrub_kick(void);
bool nc_scrub_abort_locked(u32 node, u64 *ticket);
int nc_scrub_wait_block(u32 node, u64 ticket, bool killable);
void nc_scrub_extent(u32 node, u32 frame, unsigned int order, bool dirty);

/* physmap.c */
unsigned int nc_physmap_take(struct xarray *xa, u64 first, u64 last,
			     void **entries, unsigned int max, u64 *pages);
bool nc_free_entry(struct nc_domain_obj *dom, void *entry);
bool nc_entry_fault_barrier(void *entry);
struct page *nc_physmap_lookup(struct nc_domain_obj *dom, u64 gfn);

/* domfile.c */
int nc_domfile_mount(void);
void nc_domfile_unmount(void);
struct inode *nc_domfile_inode(void);
void nc_domdev_add(struct nc_domain_obj *dom);
void nc_domdev_remove(struct nc_domain_obj *dom);

#endif /* NC_INTERNAL_H */
