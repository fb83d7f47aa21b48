/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The numaclaims accounting engine: Xen's claims accounting
 * (xen/common/page_alloc.c with the NUMA claim-set series) over per-node
 * page pools, with no knowledge of where it runs.
 *
 * Locking: the engine takes no locks.  Every function that changes or reads
 * a struct nc_heap or a struct nc_domain must be called with the caller's
 * heap lock held (Xen's heap_lock; a spinlock in the module, nothing in
 * single-threaded tests).  The engine never sleeps except in nc_pool_init()
 * and nc_pool_destroy(), which allocate and free the pool metadata and are
 * called without the heap lock, before a node is published and after it is
 * retired.
 *
 * Frames: a pool is a set of "frames" numbered 0 .. nr_frames-1.  The
 * module maps frame numbers to struct page; the engine only knows numbers.
 * Chunks are added with nc_pool_add_chunk() at a frame number aligned to the
 * chunk size, so buddies never straddle two chunks.
 */
#ifndef NC_CLAIMS_ENGINE_H
#define NC_CLAIMS_ENGINE_H

#include "nc_shim.h"
#include "../uapi/linux/numaclaims.h"

#define NC_MAX_NODES	NUMACLAIMS_MAX_NODES
#define NC_MAX_ORDER	NUMACLAIMS_MAX_ORDER
#define NC_NO_FRAME	((u32)~0U)

/**
 * struct nc_pool - buddy allocator over the frames of one node's pool.
 * @nr_frames:  frames the metadata covers.
 * @next:       free-list / offline-list successor of a block head.
 * @prev:       free-list predecessor of a block head.
 * @state:      per frame: NC_FRAME_* (and the order of a free block head).
 * @chunk_order: per frame: order of the chunk the frame belongs to, the
 *              limit of buddy merging.
 * @free_head:  first clean free block of each order, or NC_NO_FRAME.
 * @dirty_head: first dirty free block of each order (may hold a domain's
 *              data: scrubbed before a domain gets it), or NC_NO_FRAME.
 * @nr_free:    free frames (node avail_pages + offline_pending), listed or
 *              being scrubbed.
 * @nr_dirty:   frames in the blocks on the dirty lists.
 * @offline_head: stack of offlined frames.
 * @scrub_frame: head of the block being scrubbed (off the lists, still
 *              free), or NC_NO_FRAME.
 * @scrub_order: its order.
 * @merge_like_only: merge buddies only when both are clean or both dirty
 *              (copied from struct nc_heap at nc_pool_init()).
 */
struct nc_pool {
	u32 nr_frames;
	u32 *next;
	u32 *prev;
	u8 *state;
	u8 *chunk_order;
	u32 free_head[NC_MAX_ORDER + 1];
	u32 dirty_head[NC_MAX_ORDER + 1];
	u64 nr_free;
	u64 nr_dirty;
	u32 offline_head;
	u32 scrub_frame;
	u8 scrub_order;
	bool merge_like_only;
};

/**
 * struct nc_node - a node's share of the host state.
 * @has_pool:           the node has a pool (the only nodes claims may name).
 * @reserved_pages:     pages taken from Linux at load (node_reserved_pages).
 * @avail_pages:        free pool pages (node_avail_pages).
 * @outstanding_claims: sum of the domains' claims here
 *                      (node_outstanding_claims).
 * @offlined_pages:     pool pages out of service (node_offlined_pages).
 * @offline_pending:    of those, pages whose frames are still on the free
 *                      lists (nc_offline_commit() done, nc_offline_settle()
 *                      not yet): never allocatable, as avail_pages excludes
 *                      them.
 * @held_pages:         pages freed by their domain while someone else still
 *                      held them (mapped, pinned): in no physmap, not free,
 *                      waiting for nc_release_held().
 * @pool:               the buddy allocator.
 */
struct nc_node {
	bool has_pool;
	u64 reserved_pages;
	u64 avail_pages;
	u64 outstanding_claims;
	u64 offlined_pages;
	u64 offline_pending;
	u64 held_pages;
	struct nc_pool pool;
};

struct nc_domain;

/**
 * struct nc_heap - the emulated hypervisor heap; protected by the caller's
 * heap lock (see the top of this file).
 * @nr_nodes:           node ids in use (highest node id + 1).
 * @nodes_with_pool:    mask of nodes with a pool.
 * @node:               per node id.
 * @total_avail_pages:  sum of node avail_pages.
 * @outstanding_claims: sum of the domains' outstanding_pages.
 * @total_held_pages:   sum of node held_pages.
 * @domains:            newest domain first (doubly linked).
 * @nr_domains:         domains on the list.
 * @merge_like_only:    buddy merging policy of the pools initialised after
 *                      it is set: false (the default) merges a clean and a
 *                      dirty buddy into a dirty block, true keeps them apart
 *                      until both are of one kind (docs/PERFORMANCE.md
 *                      compares the two).
 */
struct nc_heap {
	u32 nr_nodes;
	u64 nodes_with_pool;
	struct nc_node node[NC_MAX_NODES];
	u64 total_avail_pages;
	u64 outstanding_claims;
	u64 total_held_pages;
	struct nc_domain *domains;
	u32 nr_domains;
	bool merge_like_only;
};

/**
 * struct nc_domain - a domain's accounting; protected by the heap lock.
 * @domid:             the domain id.
 * @max_pages:         memory limit for counted allocations.
 * @tot_pages:         pages counted to the domain.
 * @outstanding_pages: all outstanding claims (node claims + host-wide part).
 * @node_claims:       sum of @claims.
 * @claims:            outstanding claim per node.
 * @node_pages:        pages in the physmap per node (counted or not).
 * @uncounted_pages:   pages from NO_REFCOUNT allocations.
 * @node_affinity:     preferred nodes for allocations naming no node.
 * @last_alloc_node:   node of the last allocation (round robin start).
 * @redeemed:          what the last allocation redeemed: from the claim on
 *                     its node, from the host-wide claim, from other nodes'
 *                     claims (for tracing).
 * @prev:              list link.
 * @next:              list link.
 */
struct nc_domain {
	u32 domid;
	u64 max_pages;
	u64 tot_pages;
	u64 outstanding_pages;
	u64 node_claims;
	u64 claims[NC_MAX_NODES];
	u64 node_pages[NC_MAX_NODES];
	u64 uncounted_pages;
	u64 node_affinity;
	u32 last_alloc_node;
	u64 redeemed[3];
	struct nc_domain *prev;
	struct nc_domain *next;
};

/* Allocation request flags for nc_alloc_extent() (same bits as the uapi). */
#define NC_MEMF_EXACT_NODE	NUMACLAIMS_MEMF_EXACT_NODE
#define NC_MEMF_NO_REFCOUNT	NUMACLAIMS_MEMF_NO_REFCOUNT

/* Heap and pools.  nc_pool_init() sleeps; call without the heap lock. */
void nc_heap_init(struct nc_heap *h);
int nc_pool_init(struct nc_heap *h, u32 node, u32 nr_frames);
void nc_pool_add_chunk(struct nc_heap *h, u32 node, u32 first_frame,
		       unsigned int order);
void nc_pool_destroy(struct nc_heap *h, u32 node);

/* Domains. */
void nc_domain_init(struct nc_heap *h, struct nc_domain *d, u32 domid,
		    u64 max_pages);
void nc_domain_remove(struct nc_heap *h, struct nc_domain *d);
struct nc_domain *nc_domain_find(struct nc_heap *h, u32 domid);
void nc_set_max_pages(struct nc_heap *h, struct nc_domain *d, u64 max_pages);
int nc_set_node_affinity(struct nc_heap *h, struct nc_domain *d, u64 mask);

/* Claims. */
int nc_claim_set_check_count(const struct nc_heap *h, u32 nr_entries);
int nc_claim_set_install(struct nc_heap *h, struct nc_domain *d,
			 const struct numaclaims_claim *set, u32 nr_entries);
int nc_claim_set_get(const struct nc_heap *h, const struct nc_domain *d,
		     struct numaclaims_claim *set, u32 *nr_entries);
int nc_claim_pages_legacy(struct nc_heap *h, struct nc_domain *d, u64 pages);
void nc_release_claims(struct nc_heap *h, struct nc_domain *d);

/*
 * Allocation and freeing.  @d == NULL allocates for nobody (not counted,
 * unclaimed memory only); the engine does not track such pages, so the
 * invariant checker reports them as lost until they are freed (the module
 * never does this; tests of protection do).
 *
 * nc_alloc_extent() takes a clean block of the chosen node if it has one
 * that fits, else a dirty one: *@dirty_out (if not NULL) says which, and
 * the caller scrubs a dirty block before anyone sees it.  Clean or dirty
 * never changes which node is chosen.  -EAGAIN (nothing changed, *@node_out
 * set): the only block of the chosen node that fits is being scrubbed; the
 * caller has the scrubber give it back and calls again.  nc_free_pages()
 * makes the pages dirty.
 */
int nc_alloc_extent(struct nc_heap *h, struct nc_domain *d,
		    unsigned int order, int req_node, u32 memflags,
		    u32 *node_out, u32 *frame_out, bool *dirty_out);
void nc_free_pages(struct nc_heap *h, struct nc_domain *d, u32 node,
		   u32 frame, unsigned int order, bool counted);

/*
 * Page lifetime with mappings.  nc_free_held() takes one page (order 0) out
 * of @d's physmap accounting like nc_free_pages() but keeps it out of the
 * free lists: someone outside the domain still holds it.  nc_release_held()
 * returns such a page to the free lists once its last holder let go (the
 * caller scrubs it first).  Neither touches claims: freeing never gives
 * claims back.
 */
void nc_free_held(struct nc_heap *h, struct nc_domain *d, u32 node,
		  u32 frame, bool counted);
void nc_release_held(struct nc_heap *h, u32 node, u32 frame);

/*
 * Offline/online.  nc_offline_commit() is the whole request's accounting
 * (O(domains), atomic); nc_offline_settle() moves at most @max_frames of the
 * committed frames off the free lists and returns how many are left, so a
 * caller can bound each heap-lock hold.  nc_offline_pages() is both at once.
 * nc_online_pages() costs O(@pages): bound holds by onlining in batches.
 */
int nc_offline_commit(struct nc_heap *h, u32 node, u64 pages);
/* nc_offline_settle() stops early, returning what is left, when the only
 * frames left to settle are in the block being scrubbed: the caller has the
 * scrubber give it back and settles again.  Dirty frames are settled first
 * (clean memory is kept for domains); each frame keeps its kind offline. */
u64 nc_offline_settle(struct nc_heap *h, u32 node, u64 max_frames);
int nc_offline_pages(struct nc_heap *h, u32 node, u64 pages);
int nc_online_pages(struct nc_heap *h, u32 node, u64 pages);

/*
 * Background scrubbing (Xen's scrub_free_pages()), one block per node at a
 * time.  nc_scrub_take() takes a dirty free block off the lists (the
 * largest, split down to at most @max_order) and returns its first frame, or
 * NC_NO_FRAME when the node has none or one is already out.  The block
 * stays free and counted in nc_scrub_pages(); an allocation that needs it
 * gets -EAGAIN.  nc_scrub_put() lists it again, clean if @clean (the caller
 * cleared every page that needed it), else dirty (an aborted scrub).
 * nc_scrub_pages(): a node's free pages waiting for scrubbing (Xen's
 * scrub_pages): the dirty blocks', whole.
 */
u32 nc_scrub_take(struct nc_heap *h, u32 node, unsigned int max_order,
		  unsigned int *order_out);
void nc_scrub_put(struct nc_heap *h, u32 node, bool clean);
u64 nc_scrub_pages(const struct nc_heap *h, u32 node);

/**
 * nc_offline_frame_next() - iterate offlined frames of a node (for unload).
 * Returns the first offlined frame (@frame == NC_NO_FRAME) or the one after
 * @frame, NC_NO_FRAME at the end.
 */
u32 nc_offline_frame_next(const struct nc_heap *h, u32 node, u32 frame);

/**
 * nc_check_invariants() - verify every invariant of SPEC.md.
 * Returns 0, or -EUCLEAN with *@why naming the first violated invariant.
 */
int nc_check_invariants(const struct nc_heap *h, const char **why);

/**
 * nc_pool_audit() - walk one node's free lists and check them against the
 * pool's counters (clean + dirty = free).  O(free blocks): tests, debugfs.
 * Returns 0, or -EUCLEAN with *@why naming what is wrong.
 */
int nc_pool_audit(const struct nc_heap *h, u32 node, const char **why);

#endif /* NC_CLAIMS_ENGINE_H */
