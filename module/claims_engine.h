/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The numaclaims accounting engine: Xen's claims accounting
 * (xen/common/page_alloc.c with the NUMA claim-set series) over per-node
 * page pools, with no knowledge of where it runs.
 *
 * Locking: the engine takes no locks.  Every function that changes or reads
 * a struct ce_heap or a struct ce_domain must be called with the caller's
 * heap lock held (Xen's heap_lock; a spinlock in the module, nothing in
 * single-threaded tests).  The engine never sleeps except in ce_pool_init()
 * and ce_pool_destroy(), which allocate and free the pool metadata and are
 * called without the heap lock, before a node is published and after it is
 * retired.
 *
 * Frames: a pool is a set of "frames" numbered 0 .. nr_frames-1.  The
 * module maps frame numbers to struct page; the engine only knows numbers.
 * Chunks are added with ce_pool_add_chunk() at a frame number aligned to the
 * chunk size, and a block merges with its buddies only inside its chunk.
 * nr_frames is the pool's capacity: frames hold a page only once a chunk
 * is added there, and a shrink makes them absent again (ce_pool_slot_take()
 * and ce_pool_shrink_take() below).
 */
#ifndef CE_CLAIMS_ENGINE_H
#define CE_CLAIMS_ENGINE_H

#include "nc_shim.h"
#include "../uapi/linux/numaclaims.h"

#define CE_MAX_NODES	NUMACLAIMS_MAX_NODES
#define CE_MAX_ORDER	NUMACLAIMS_MAX_ORDER
#define CE_NO_FRAME	((u32)~0U)

/**
 * struct ce_pool - buddy allocator over the frames of one node's pool.
 * @nr_frames:  frames the metadata covers.
 * @next:       free-list / offline-list / held-list successor of a block
 *              head or held frame.
 * @prev:       free-list / held-list predecessor.
 * @state:      per frame: CE_FRAME_* (and the order of a free block head).
 * @chunk_order: per frame: order of the chunk the frame belongs to, the
 *              limit of buddy merging.
 * @free_head:  first clean free block of each order, or CE_NO_FRAME.
 * @dirty_head: first dirty free block of each order (may hold a domain's
 *              data: scrubbed before a domain gets it), or CE_NO_FRAME.
 * @nr_free:    free frames (node avail_pages + offline_pending), listed or
 *              being scrubbed.
 * @nr_dirty:   frames in the blocks on the dirty lists.
 * @offline_head: stack of offlined frames.
 * @scrub_frame: head of the block being scrubbed (off the lists, still
 *              free), or CE_NO_FRAME.
 * @scrub_order: its order.
 * @held_head:  newest held frame (ce_free_held()), or CE_NO_FRAME: held
 *              frames are CE_FRAME_USED, so their next[]/prev[] slots are
 *              free to link them, newest first, with no allocation.
 * @merge_like_only: merge buddies only when both are clean or both dirty
 *              (copied from struct ce_heap at ce_pool_init()).
 * @absent_head: first absent block of each order: frame numbers below
 *              @top that hold no page now (the pool shrank, or alignment
 *              skipped them), free to take for a chunk that grows the pool.
 * @nr_absent:  frames on the absent lists.
 * @top:        frames from @top to @nr_frames were never used.  A pool's
 *              capacity is @nr_frames; the frames in use are
 *              @top - @nr_absent (node reserved_pages + shrink_pending).
 */
struct ce_pool {
	u32 nr_frames;
	u32 *next;
	u32 *prev;
	u8 *state;
	u8 *chunk_order;
	u32 free_head[CE_MAX_ORDER + 1];
	u32 dirty_head[CE_MAX_ORDER + 1];
	u64 nr_free;
	u64 nr_dirty;
	u32 offline_head;
	u32 scrub_frame;
	u8 scrub_order;
	u32 held_head;
	bool merge_like_only;
	u32 absent_head[CE_MAX_ORDER + 1];
	u64 nr_absent;
	u32 top;
};

/**
 * struct ce_node - a node's share of the host state.
 * @has_pool:           the node has a pool (the only nodes claims may name).
 * @reserved_pages:     pages taken from Linux (node_reserved_pages): at
 *                      load, and by ce_pool_grow(); less what
 *                      ce_pool_shrink_commit() gave back.
 * @avail_pages:        free pool pages (node_avail_pages).
 * @outstanding_claims: sum of the domains' claims here
 *                      (node_outstanding_claims).
 * @offlined_pages:     pool pages out of service (node_offlined_pages).
 * @offline_pending:    of those, pages whose frames are still on the free
 *                      lists (ce_offline_commit() done, ce_offline_settle()
 *                      not yet): never allocatable, as avail_pages excludes
 *                      them.
 * @held_pages:         pages freed by their domain while someone else still
 *                      held them (mapped, pinned): in no physmap, not free,
 *                      waiting for ce_release_held().
 * @shrink_pending:     pages a shrink took out of the accounting whose
 *                      frames are still on the free lists, waiting for
 *                      ce_pool_shrink_take() (never allocatable, as
 *                      @offline_pending).
 * @retired_pages:      of @offlined_pages, frames retired for good because
 *                      the heap's @frame_bad said so (hardware poison): on
 *                      no list, never onlined again.
 * @pool:               the buddy allocator.
 * @sp_reserved:        superpages taken from Linux (docs/MAPPING.md,
 *                      "Superpages"); counts in this group are superpages,
 *                      not pages, and none of them is in the fields above.
 * @sp_avail:           free superpages (claimed or not).
 * @sp_claims:          sum of the domains' superpage claims here.
 * @sp_held:            superpages freed while someone still held them.
 * @sp_retired:         superpages retired for good (@sp_bad: hardware
 *                      poison in any of their pages): never handed out.
 * @sp_nr:              superpage slots (indexes 0 .. sp_nr-1).
 * @sp_free:            stack of free superpage indexes, @sp_avail deep.
 */
struct ce_node {
	bool has_pool;
	u64 reserved_pages;
	u64 avail_pages;
	u64 outstanding_claims;
	u64 offlined_pages;
	u64 offline_pending;
	u64 held_pages;
	u64 shrink_pending;
	u64 retired_pages;
	struct ce_pool pool;
	u64 sp_reserved;
	u64 sp_avail;
	u64 sp_claims;
	u64 sp_held;
	u64 sp_retired;
	u32 sp_nr;
	u32 *sp_free;
};

struct ce_domain;

/**
 * struct ce_heap - the emulated hypervisor heap; protected by the caller's
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
 * @frame_bad:          NULL, or says whether a pool frame must never be
 *                      handed out again (the module: PageHWPoison()).  Every
 *                      block an allocation takes is checked, O(pages), and
 *                      its bad frames retired (node retired_pages) before
 *                      it is accounted to anyone.
 * @sp_bad:             the same for a superpage (any of its pages): checked
 *                      when an allocation takes it from the free stack.
 */
struct ce_heap {
	u32 nr_nodes;
	u64 nodes_with_pool;
	struct ce_node node[CE_MAX_NODES];
	u64 total_avail_pages;
	u64 outstanding_claims;
	u64 total_held_pages;
	struct ce_domain *domains;
	u32 nr_domains;
	bool merge_like_only;
	bool (*frame_bad)(u32 node, u32 frame);
	bool (*sp_bad)(u32 node, u32 index);
};

/**
 * struct ce_domain - a domain's accounting; protected by the heap lock.
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
 *                     claims (for tracing); superpage claims count in [0]
 *                     (own node) and [2] (other nodes), in pages.
 * @sp_claims:         outstanding superpage claim per node, in superpages;
 *                     not in @outstanding_pages.  32 bits (8 PiB a node),
 *                     like @sp_pages: a domain stays in a 2 KiB slab object
 *                     (32751 of them must fit a small debug-kernel VM).
 * @sp_claims_total:   sum of @sp_claims.
 * @sp_pages:          superpages in the physmap per node (counted or not);
 *                     their pages are in @node_pages too.
 * @prev:              list link.
 * @next:              list link.
 */
struct ce_domain {
	u32 domid;
	u64 max_pages;
	u64 tot_pages;
	u64 outstanding_pages;
	u64 node_claims;
	u64 claims[CE_MAX_NODES];
	u64 node_pages[CE_MAX_NODES];
	u64 uncounted_pages;
	u64 node_affinity;
	u32 last_alloc_node;
	u64 redeemed[3];
	u32 sp_claims[CE_MAX_NODES];
	u64 sp_claims_total;
	u32 sp_pages[CE_MAX_NODES];
	struct ce_domain *prev;
	struct ce_domain *next;
};

/* Allocation request flags for ce_alloc_extent() (same bits as the uapi). */
#define CE_MEMF_EXACT_NODE	NUMACLAIMS_MEMF_EXACT_NODE
#define CE_MEMF_NO_REFCOUNT	NUMACLAIMS_MEMF_NO_REFCOUNT
#define CE_MEMF_SUPERPAGE	NUMACLAIMS_MEMF_SUPERPAGE
#define CE_SP_ORDER		NUMACLAIMS_SUPERPAGE_ORDER
#define CE_SP_PAGES		((u64)NUMACLAIMS_SUPERPAGE_PAGES)

/*
 * Heap and pools.  ce_pool_init() sleeps; call without the heap lock.
 * @nr_frames is the pool's capacity: the most pages it can ever hold.
 * ce_pool_add_chunk() adds a chunk at @first_frame, which is either at or
 * above every chunk added before (how a pool is first filled) or a slot
 * ce_pool_slot_take() gave.
 */
void ce_heap_init(struct ce_heap *h);
int ce_pool_init(struct ce_heap *h, u32 node, u32 nr_frames);
void ce_pool_add_chunk(struct ce_heap *h, u32 node, u32 first_frame,
		       unsigned int order);
void ce_pool_destroy(struct ce_heap *h, u32 node);

/*
 * Resizing a pool while domains run (grow and shrink).
 *
 * Grow: ce_pool_slot_take() gives the first frame of 2^@order unused frame
 * numbers, aligned to their size (an absent block, else above @top), or
 * CE_NO_FRAME if no such slot is left (the pool is at capacity, or what is
 * left is in smaller pieces: try a lower order).  The caller puts its pages
 * there and calls ce_pool_add_chunk() in the same heap-lock hold.
 * ce_pool_free_slots(): frames a grow can still fill (capacity left).
 *
 * Shrink, in two steps as offline: ce_pool_shrink_commit() takes @pages
 * out of the accounting at once (node reserved_pages and avail_pages),
 * all or nothing: -EBUSY, nothing changed, if fewer than @pages free pages
 * of the node are unclaimed (node claims, and host-wide claims against the
 * host's free pages).  Claims are never recalled.  Their frames stay on the
 * free lists (shrink_pending) until ce_pool_shrink_take() takes them, one
 * block at a time, the largest first (of at most @max_order and at most
 * shrink_pending pages, dirty before clean in each order): the caller gives the block's pages back to
 * Linux, and the frame numbers become absent, for a later grow.  It
 * returns CE_NO_FRAME with shrink_pending left when the only free block
 * left is being scrubbed (the caller has the scrubber give it back).
 */
u32 ce_pool_slot_take(struct ce_heap *h, u32 node, unsigned int order);
u64 ce_pool_free_slots(const struct ce_heap *h, u32 node);
int ce_pool_shrink_commit(struct ce_heap *h, u32 node, u64 pages);
u32 ce_pool_shrink_take(struct ce_heap *h, u32 node, unsigned int max_order,
			unsigned int *order_out, bool *dirty_out);
/* Free pages of @node no claim needs: what a shrink can give back. */
u64 ce_pool_unclaimed(const struct ce_heap *h, u32 node);

/*
 * Superpages: a second, simpler pool per node of whole order-9 blocks that
 * are never split (the module keeps them as PMD-order folios).  Indexes
 * 0 .. @nr-1.  ce_sp_pool_init() sleeps (call without the heap lock, as
 * ce_pool_init()), after ce_pool_init() of the node (a node with
 * superpages only has a 4 KiB pool of 0 frames).
 * ce_sp_pool_add() makes superpage @index free (clean or dirty is the
 * module's business).  ce_sp_pool_destroy() frees the metadata of a node
 * whose superpages are all back.
 */
int ce_sp_pool_init(struct ce_heap *h, u32 node, u32 nr);
void ce_sp_pool_add(struct ce_heap *h, u32 node, u32 index);
void ce_sp_pool_destroy(struct ce_heap *h, u32 node);

/* Domains. */
void ce_domain_init(struct ce_heap *h, struct ce_domain *d, u32 domid,
		    u64 max_pages);
void ce_domain_remove(struct ce_heap *h, struct ce_domain *d);
struct ce_domain *ce_domain_find(struct ce_heap *h, u32 domid);
void ce_set_max_pages(struct ce_heap *h, struct ce_domain *d, u64 max_pages);
int ce_set_node_affinity(struct ce_heap *h, struct ce_domain *d, u64 mask);

/* Claims. */
int ce_claim_set_check_count(const struct ce_heap *h, u32 nr_entries);
int ce_claim_set_install(struct ce_heap *h, struct ce_domain *d,
			 const struct numaclaims_claim *set, u32 nr_entries);
/*
 * Growing pools for a claim set (grow on claim): what each node's pool must
 * grow by for @set to install for @d, when the nodes of @grow may grow by
 * at most @room[node] pages each.  A node entry grows its own node by what
 * it lacks; what the host-wide check (a HOST or LEGACY entry, and node
 * entries on top of host-wide claims) still lacks is spread over the set's
 * own nodes first, in node order, then over the other nodes of @grow.
 * Returns 0 with @shortfall[] (all 0 when growing cannot be what is wrong
 * with the set: the install fails or fits for another reason); -ENOMEM if
 * no growth within @room makes it fit; -EINVAL for a malformed set.
 * Changes nothing: the caller grows the pools, then installs again.
 */
int ce_claim_set_shortfall(const struct ce_heap *h, const struct ce_domain *d,
			   const struct numaclaims_claim *set, u32 nr_entries,
			   u64 grow, const u64 *room, u64 *shortfall);
int ce_claim_set_get(const struct ce_heap *h, const struct ce_domain *d,
		     struct numaclaims_claim *set, u32 *nr_entries);
int ce_claim_pages_legacy(struct ce_heap *h, struct ce_domain *d, u64 pages);
void ce_release_claims(struct ce_heap *h, struct ce_domain *d);

/*
 * Allocation and freeing.  @d == NULL allocates for nobody (not counted,
 * unclaimed memory only); the engine does not track such pages, so the
 * invariant checker reports them as lost until they are freed (the module
 * never does this; tests of protection do).
 *
 * ce_alloc_extent() takes a clean block of the chosen node if it has one
 * that fits, else a dirty one: *@dirty_out (if not NULL) says which, and
 * the caller scrubs a dirty block before anyone sees it.  Clean or dirty
 * never changes which node is chosen.  -EAGAIN (nothing changed, *@node_out
 * set): the only block of the chosen node that fits is being scrubbed; the
 * caller has the scrubber give it back and calls again.  ce_free_pages()
 * makes the pages dirty.
 */
int ce_alloc_extent(struct ce_heap *h, struct ce_domain *d,
		    unsigned int order, int req_node, u32 memflags,
		    u32 *node_out, u32 *frame_out, bool *dirty_out);
void ce_free_pages(struct ce_heap *h, struct ce_domain *d, u32 node,
		   u32 frame, unsigned int order, bool counted);
int ce_alloc_superpage(struct ce_heap *h, struct ce_domain *d, int req_node,
		       u32 memflags, u32 *node_out, u32 *index_out);
void ce_free_superpage(struct ce_heap *h, struct ce_domain *d, u32 node,
		       u32 index, bool counted);

/*
 * Page lifetime with mappings.  ce_free_held() takes one page (order 0) out
 * of @d's physmap accounting like ce_free_pages() but keeps it out of the
 * free lists: someone outside the domain still holds it.  ce_release_held()
 * returns such a page to the free lists once its last holder let go (the
 * caller scrubs it first).  Neither touches claims: freeing never gives
 * claims back.
 */
void ce_free_held(struct ce_heap *h, struct ce_domain *d, u32 node,
		  u32 frame, bool counted);
void ce_release_held(struct ce_heap *h, u32 node, u32 frame);
/*
 * ce_retire_held() - a held frame that must never be used again (poisoned:
 * its holder may never let go): off the held list into retired_pages, as
 * offlined memory that cannot be onlined.  avail_pages is unchanged (a held
 * page is not available), so no claim is recalled.
 */
void ce_retire_held(struct ce_heap *h, u32 node, u32 frame);
/*
 * ce_held_next() - iterate a node's held frames, newest first, in
 * O(held_pages) (the reaper's walk, never a scan of the pool).  Returns the
 * first held frame (@frame == CE_NO_FRAME) or the one after @frame,
 * CE_NO_FRAME at the end.  ce_free_held() adds at the head and
 * ce_release_held() unlinks only the frame it releases, so a walker that
 * drops the heap lock between calls may resume from a frame it has not
 * released: frames added meanwhile are before it (the next walk sees them).
 */
u32 ce_held_next(const struct ce_heap *h, u32 node, u32 frame);
/* The same for a whole superpage. */
void ce_free_superpage_held(struct ce_heap *h, struct ce_domain *d, u32 node,
			    bool counted);
void ce_release_superpage_held(struct ce_heap *h, u32 node, u32 index);
/* A held superpage that must never be used again: retired (sp_retired). */
void ce_retire_superpage_held(struct ce_heap *h, u32 node);

/*
 * Offline/online.  ce_offline_commit() is the whole request's accounting
 * (O(domains), atomic); ce_offline_settle() moves at most @max_frames of the
 * committed frames off the free lists and returns how many are left, so a
 * caller can bound each heap-lock hold.  ce_offline_pages() is both at once.
 * ce_online_pages() costs O(@pages): bound holds by onlining in batches.
 */
int ce_offline_commit(struct ce_heap *h, u32 node, u64 pages);
/* ce_offline_settle() stops early, returning what is left, when the only
 * frames left to settle are in the block being scrubbed: the caller has the
 * scrubber give it back and settles again.  Dirty frames are settled first
 * (clean memory is kept for domains); each frame keeps its kind offline. */
u64 ce_offline_settle(struct ce_heap *h, u32 node, u64 max_frames);
int ce_offline_pages(struct ce_heap *h, u32 node, u64 pages);
int ce_online_pages(struct ce_heap *h, u32 node, u64 pages);

/*
 * Background scrubbing (Xen's scrub_free_pages()), one block per node at a
 * time.  ce_scrub_take() takes a dirty free block off the lists (the
 * largest, split down to at most @max_order) and returns its first frame, or
 * CE_NO_FRAME when the node has none or one is already out.  The block
 * stays free and counted in ce_scrub_pages(); an allocation that needs it
 * gets -EAGAIN.  ce_scrub_put() lists it again, clean if @clean (the caller
 * cleared every page that needed it), else dirty (an aborted scrub).
 * ce_scrub_pages(): a node's free pages waiting for scrubbing (Xen's
 * scrub_pages): the dirty blocks', whole.
 */
u32 ce_scrub_take(struct ce_heap *h, u32 node, unsigned int max_order,
		  unsigned int *order_out);
void ce_scrub_put(struct ce_heap *h, u32 node, bool clean);
u64 ce_scrub_pages(const struct ce_heap *h, u32 node);

/**
 * ce_offline_frame_next() - iterate offlined frames of a node (for unload).
 * Returns the first offlined frame (@frame == CE_NO_FRAME) or the one after
 * @frame, CE_NO_FRAME at the end.
 */
u32 ce_offline_frame_next(const struct ce_heap *h, u32 node, u32 frame);

/**
 * ce_check_invariants() - verify every invariant of docs/SPEC.md.
 * Returns 0, or -EUCLEAN with *@why naming the first violated invariant.
 */
int ce_check_invariants(const struct ce_heap *h, const char **why);

/**
 * ce_pool_audit() - walk one node's free lists and check them against the
 * pool's counters (clean + dirty = free), and its held list against
 * held_pages (length, every frame in use).  O(free blocks + held pages):
 * tests, debugfs.  ce_check_invariants() checks only the held list's ends.
 * Returns 0, or -EUCLEAN with *@why naming what is wrong.
 */
int ce_pool_audit(const struct ce_heap *h, u32 node, const char **why);

#endif /* CE_CLAIMS_ENGINE_H */
