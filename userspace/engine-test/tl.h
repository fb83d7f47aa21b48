/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl ("test library") - helpers for the userspace unit tests of the
 * numaclaims accounting engine (module/claims_engine.c), in the spirit of
 * the kernel's memblock simulator:
 *
 *  - a heap builder that gives a set of nodes pools made of chunks of mixed
 *    orders (optionally with holes between them),
 *  - a record of every extent handed out, so a test can free all of it and
 *    a teardown can prove that every counter is back to its baseline,
 *  - an invariant checker that is independent of ce_check_invariants(),
 *  - whole-state snapshots to prove that a failing call changed nothing,
 *  - a reference model of the claims accounting (tl_model_*) for the
 *    randomised differential test.
 *
 * Nothing here includes the kselftest harness: functions report problems
 * by returning a message (NULL when all is well) that the tests print.
 */
#ifndef NC_TL_H
#define NC_TL_H

#include "../../module/claims_engine.h"

#define TL_MAX_DOMS	8
#define TL_MAX_CHUNKS	24
#define TL_END		(-1)		/* terminates tl_node_layout.chunks */
#define TL_GAP(order)	(100 + (order))	/* leave 2^order frames unused */

/* One node of a layout: chunk orders placed in this order, each aligned. */
struct tl_node_layout {
	u32 node;
	int chunks[TL_MAX_CHUNKS];	/* 0..9: a chunk; TL_GAP(o); TL_END */
	u32 repeat;			/* lay the chunk list out this often */
	u32 slack;			/* unused frames after the last chunk */
	u32 superpages;			/* superpages (a second pool), free */
	u32 sp_slack;			/* superpage slots left empty */
};

struct tl_layout {
	u32 nr;				/* nodes with a pool */
	struct tl_node_layout nodes[8];
	bool merge_like_only;		/* struct ce_heap.merge_like_only */
};

/* An extent handed out by the engine and not yet freed. */
struct tl_ext {
	struct ce_domain *d;		/* NULL: an allocation for nobody */
	u32 node;
	u32 frame;			/* superpage: its index */
	u8 order;
	bool counted;
	bool held;			/* freed while held: d is NULL */
	bool dirty;			/* handed out dirty (the caller scrubs) */
	bool sp;			/* a superpage (order 9, never split) */
};

struct tl_baseline {
	u64 reserved[CE_MAX_NODES];	/* as built, then as resized */
	bool resized[CE_MAX_NODES];	/* free_blocks no longer the layout's */
	u64 total;
	u32 free_blocks[CE_MAX_NODES][CE_MAX_ORDER + 1];
	u32 chunks[CE_MAX_NODES][CE_MAX_ORDER + 1];	/* chunks per order */
	u64 sp_reserved[CE_MAX_NODES];			/* superpages */
};

struct tl {
	struct ce_heap h;
	struct ce_domain dom[TL_MAX_DOMS];
	bool dom_live[TL_MAX_DOMS];
	u64 dom_seq[TL_MAX_DOMS];	/* creation sequence (newest = max) */
	u64 seq;
	u32 next_domid;

	u32 pool_node[CE_MAX_NODES];	/* node ids with a pool, ascending */
	u32 nr_pool;
	u32 nr_frames[CE_MAX_NODES];
	u8 *chunk_of[CE_MAX_NODES];	/* per frame: chunk order + 1, 0 = hole */
	u8 *in_use[CE_MAX_NODES];	/* per frame: handed out and not freed */
	u64 nobody_pages[CE_MAX_NODES];	/* pages of extents with d == NULL */
	u64 held_pages[CE_MAX_NODES];	/* pages of held extents */
	u8 *sp_in_use[CE_MAX_NODES];	/* per superpage slot: handed out */
	u64 nobody_sp[CE_MAX_NODES];	/* superpages of extents with d == NULL */
	u64 held_sp[CE_MAX_NODES];	/* held superpages */

	struct tl_ext *ext;
	size_t nr_ext, cap_ext;

	struct tl_baseline base;
	char msg[1024];
};

/* A snapshot of everything an engine call may change. */
struct tl_snap {
	struct ce_heap h;
	struct ce_domain dom[TL_MAX_DOMS];
	bool dom_live[TL_MAX_DOMS];
	u32 free_blocks[CE_MAX_NODES][CE_MAX_ORDER + 1];
};

/* Building and tearing down. */
int tl_build(struct tl *t, const struct tl_layout *l);
const char *tl_finish(struct tl *t);	/* frees all, compares baseline */
void tl_release(struct tl *t);		/* frees the pools, no checks */

/* Domains. */
struct ce_domain *tl_dom(struct tl *t, u64 max_pages);
int tl_dom_index(const struct tl *t, const struct ce_domain *d);
void tl_destroy(struct tl *t, struct ce_domain *d);

/* Allocation through the engine, validated and recorded. */
#define TL_EBADFRAME	1000		/* returned when a frame is bogus */
int tl_alloc(struct tl *t, struct ce_domain *d, unsigned int order,
	     int req_node, u32 memflags, u32 *node_out);
/* Up to @count extents; returns how many were done, *rc the last result. */
u64 tl_alloc_n(struct tl *t, struct ce_domain *d, unsigned int order,
	       int req_node, u32 memflags, u64 count, int *rc);
void tl_free_ext(struct tl *t, size_t idx);	/* a superpage too */
/* A superpage through ce_alloc_superpage(), validated and recorded. */
int tl_alloc_sp(struct tl *t, struct ce_domain *d, int req_node,
		u32 memflags, u32 *node_out);
/*
 * Free one page (@offset) of an extent, as the module's physmap does; the
 * rest of the extent stays recorded as its aligned buddy sub-blocks.
 */
void tl_free_page(struct tl *t, size_t idx, u32 offset);
/* Free the newest extents of @d (any node if @node < 0); returns pages. */
u64 tl_free_dom(struct tl *t, struct ce_domain *d, int node, u64 max_pages);
size_t tl_find_ext(const struct tl *t, const struct ce_domain *d, int node);
/*
 * Free one page of an extent while "someone still holds it" (ce_free_held()):
 * it stays recorded, as a held page, until tl_release_held(), which takes
 * the index tl_hold_page() returns.
 */
size_t tl_hold_page(struct tl *t, size_t idx, u32 offset);
void tl_release_held(struct tl *t, size_t idx);	/* a superpage too */
/* A held page or superpage retired for good instead (ce_retire_held()). */
void tl_retire_held(struct tl *t, size_t idx);
/* The same for a whole superpage extent (ce_free_superpage_held()). */
size_t tl_hold_sp(struct tl *t, size_t idx);
/* Superpages @d has on @node (any node if @node < 0), from the record. */
u64 tl_dom_sp(const struct tl *t, const struct ce_domain *d, int node);

/*
 * Resizing a pool (ce_pool_slot_take() + ce_pool_add_chunk(), and
 * ce_pool_shrink_commit() + ce_pool_shrink_take() until done), validated
 * (slots unused and aligned, shrunk blocks free and whole) and recorded:
 * the baseline follows the new size.  tl_grow() returns -ENOSPC when no
 * slot of @order is left; tl_shrink() the commit's error, or TL_EBADFRAME.
 */
int tl_grow(struct tl *t, u32 node, unsigned int order);
int tl_shrink(struct tl *t, u32 node, u64 pages);

/* Claims. */
int tl_install(struct tl *t, struct ce_domain *d,
	       const struct numaclaims_claim *set, u32 nr);
static inline u64 tl_host_part(const struct ce_domain *d)
{
	return d->outstanding_pages - d->node_claims;
}
static inline u64 tl_unclaimed(const struct tl *t)
{
	return t->h.total_avail_pages - t->h.outstanding_claims;
}
static inline u64 tl_node_unclaimed(const struct tl *t, u32 n)
{
	return t->h.node[n].avail_pages - t->h.node[n].outstanding_claims;
}

/* Checks.  All return NULL when fine, else a message in t->msg. */
const char *tl_check(struct tl *t);
void tl_snap(const struct tl *t, struct tl_snap *s);
const char *tl_snap_diff(struct tl *t, const struct tl_snap *s);

/* Buddy introspection through the documented free lists. */
u32 tl_free_blocks(const struct ce_heap *h, u32 node, unsigned int order);
u32 tl_clean_blocks(const struct ce_heap *h, u32 node, unsigned int order);
u32 tl_dirty_blocks(const struct ce_heap *h, u32 node, unsigned int order);
u64 tl_dirty_pages(const struct ce_heap *h, u32 node);
bool tl_has_clean_block(const struct ce_heap *h, u32 node, unsigned int order);
bool tl_has_block(const struct ce_heap *h, u32 node, unsigned int order);

/*
 * Reference model of the claims accounting (docs/SPEC.md + the engine's
 * documented decisions), used by the randomised differential test.
 */
struct tl_mdom {
	bool live;
	u64 seq;
	u64 max, tot, host, uncounted;
	u64 claims[CE_MAX_NODES];
	u64 node_pages[CE_MAX_NODES];
	u64 sp_claims[CE_MAX_NODES];	/* in superpages */
	u64 sp_pages[CE_MAX_NODES];	/* superpages in the physmap */
	u64 affinity;
	u32 last;
};

struct tl_model {
	u32 nr_nodes;
	u64 pool_mask;
	u64 reserved[CE_MAX_NODES], avail[CE_MAX_NODES];
	u64 offlined[CE_MAX_NODES], node_out[CE_MAX_NODES];
	u64 total, outstanding;
	/* Superpages, counted in superpages. */
	u64 sp_reserved[CE_MAX_NODES], sp_avail[CE_MAX_NODES];
	u64 sp_out[CE_MAX_NODES], sp_held[CE_MAX_NODES];
	struct tl_mdom d[TL_MAX_DOMS];
};

void tl_model_init(struct tl_model *m, const struct tl *t);
void tl_model_create(struct tl_model *m, int i, u64 max, u64 seq,
		     const struct ce_domain *engine_d);
void tl_model_remove(struct tl_model *m, int i);
int tl_model_install(struct tl_model *m, int i,
		     const struct numaclaims_claim *set, u32 nr);
int tl_model_legacy(struct tl_model *m, int i, u64 pages);
void tl_model_release(struct tl_model *m, int i);
void tl_model_set_max(struct tl_model *m, int i, u64 max);
int tl_model_set_affinity(struct tl_model *m, int i, u64 mask);
/* @has_block(node, order) tells whether the buddy could serve the order. */
int tl_model_alloc(struct tl_model *m, int i, unsigned int order,
		   int req_node, u32 flags, const struct ce_heap *h,
		   u32 *node_out);
void tl_model_free(struct tl_model *m, int i, u32 node, unsigned int order,
		   bool counted);
int tl_model_alloc_sp(struct tl_model *m, int i, int req_node, u32 flags,
		      u32 *node_out);
void tl_model_free_sp(struct tl_model *m, int i, u32 node, bool counted);
void tl_model_hold_sp(struct tl_model *m, int i, u32 node, bool counted);
void tl_model_release_sp(struct tl_model *m, u32 node);
int tl_model_offline(struct tl_model *m, u32 node, u64 pages);
int tl_model_online(struct tl_model *m, u32 node, u64 pages);
int tl_model_shrink(struct tl_model *m, u32 node, u64 pages);
void tl_model_grow(struct tl_model *m, u32 node, u64 pages);
const char *tl_model_compare(struct tl *t, const struct tl_model *m);

#endif /* NC_TL_H */
