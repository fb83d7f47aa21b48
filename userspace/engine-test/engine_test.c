// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the numaclaims accounting engine (module/claims_engine.c),
 * compiled into this program unchanged (the memblock-simulator approach).
 *
 * Every rule of docs/SPEC.md ("Semantics", "Invariants", "Errors") that the
 * engine implements has a test here.  Each test runs on a heap built by
 * tl_build() (tl.c) and ends in a teardown that frees every extent,
 * destroys every domain, onlines every offlined page and requires that
 * every counter is back to its baseline and every buddy merged again.
 * After every step the tests call tl_check(), which runs
 * ce_check_invariants() and an independent check of the same invariants.
 *
 * Fixtures:
 *  - heap:   rules that hold for any topology; variants with 1, 2 and 4
 *            nodes and a sparse one (nodes 0, 2, 5 with pools, 1/3/4
 *            memoryless).  Here, used by the files below.
 *  - numa:   rules that need two or more nodes with pools (numa_api.c).
 *  - custom: buddy allocator cases on hand-made pools (buddy_api.c,
 *            scrub_api.c).
 *  - random: a randomised differential test against tl_model.c
 *            (random_test.c).
 *
 * The tests are in one file per section of module/claims_engine.h, as
 * memblock's tests/AREA_api.c: domain_api.c, claims_api.c, alloc_api.c,
 * held_api.c, offline_api.c, superpage_api.c, then numa_api.c,
 * buddy_api.c, scrub_api.c, resize_api.c and random_test.c; this file #includes them
 * (one translation unit: the kselftest harness keeps its test list in
 * file-static variables).
 */
#include <inttypes.h>
#include <stdio.h>

#include "tl.h"
#include "kselftest_harness.h"

#define HOST	NUMACLAIMS_TARGET_HOST
#define LEGACY	NUMACLAIMS_TARGET_LEGACY
#define SPECIAL	NUMACLAIMS_TARGET_SPECIAL
#define EXACT	CE_MEMF_EXACT_NODE
#define NOREF	CE_MEMF_NO_REFCOUNT
#define SP	CE_SP_PAGES		/* pages of a superpage */
#define SPC	NUMACLAIMS_CLAIM_SUPERPAGES	/* claim-set cmd */
#define U64MAX	UINT64_MAX
#define BIG	(1ULL << 40)		/* a max_pages that never limits */

#define T	(&self->t)
#define H	(&self->t.h)
#define P(i)	(self->t.pool_node[(i)])
#define NP	(self->t.nr_pool)
#define PL	P(NP - 1)		/* highest node with a pool */
#define AV(n)	(H->node[(n)].avail_pages)

typedef struct numaclaims_claim claim_t;
#define SET(...)	((claim_t[]){ __VA_ARGS__ })
#define NSET(...)	((u32)(sizeof(SET(__VA_ARGS__)) / sizeof(claim_t)))
#define INSTALL(d, ...)	ce_claim_set_install(H, (d), SET(__VA_ARGS__), \
					     NSET(__VA_ARGS__))

/* The invariants hold (engine checker and ours). */
#define CHECK() do {							\
	const char *m_ = tl_check(T);					\
	ASSERT_TRUE(m_ == NULL) TH_LOG("invariant: %s", m_);		\
} while (0)

/* @expr fails with -@err and changes nothing at all. */
#define FAILS_CLEANLY(err, expr) do {					\
	struct tl_snap *s_ = malloc(sizeof(*s_));			\
	const char *m_;							\
	int rc_;							\
	ASSERT_NE(NULL, s_);						\
	tl_snap(T, s_);							\
	rc_ = (expr);							\
	m_ = tl_snap_diff(T, s_);					\
	free(s_);							\
	ASSERT_EQ(-(err), rc_) TH_LOG("%s", #expr);			\
	ASSERT_TRUE(m_ == NULL) TH_LOG("%s changed state: %s", #expr, m_); \
	CHECK();							\
} while (0)

#define OK(expr) do {							\
	int rc_ = (expr);						\
	ASSERT_EQ(0, rc_) TH_LOG("%s", #expr);				\
	CHECK();							\
} while (0)

/* -------------------------------------------------------------- layouts */

static const struct tl_layout one_node = {
	.nr = 1,
	.nodes = {
		{ .node = 0, .chunks = { 9, TL_GAP(8), 8, 9, 5, 3, 0, 0, TL_END },
		  .slack = 5, .superpages = 4, .sp_slack = 1 },
	},
};

static const struct tl_layout two_nodes = {
	.nr = 2,
	.nodes = {
		{ .node = 0, .chunks = { 9, 9, 8, 5, 0, TL_END },
		  .superpages = 3 },
		{ .node = 1, .chunks = { 9, 8, TL_GAP(3), 3, 0, 0, TL_END },
		  .slack = 3, .superpages = 2 },
	},
};

static const struct tl_layout four_nodes = {
	.nr = 4,
	.nodes = {
		{ .node = 0, .chunks = { 9, 9, 3, TL_END }, .superpages = 2 },
		/* Node 1 has no superpages. */
		{ .node = 1, .chunks = { 9, 8, 8, 1, TL_END } },
		{ .node = 2, .chunks = { 9, 9, 9, TL_END }, .superpages = 3,
		  .sp_slack = 2 },
		{ .node = 3, .chunks = { 8, 9, 0, TL_END }, .superpages = 1 },
	},
};

/* Nodes 1, 3 and 4 are memoryless: node ids are not dense. */
static const struct tl_layout sparse_nodes = {
	.nr = 3,
	.nodes = {
		{ .node = 0, .chunks = { 9, 9, 4, TL_END }, .superpages = 2 },
		{ .node = 2, .chunks = { 9, 7, 6, TL_END } },
		{ .node = 5, .chunks = { 9, 9, 2, TL_END }, .superpages = 3 },
	},
};

/* A node id below nr_nodes without a pool if there is one, else nr_nodes. */
static u32 no_pool_node(const struct ce_heap *h)
{
	u32 n;

	for (n = 0; n < h->nr_nodes; n++)
		if (!h->node[n].has_pool)
			return n;
	return h->nr_nodes;
}

/* Allocate everything on @node for @d, largest blocks first. */
static u64 fill_node(struct tl *t, struct ce_domain *d, u32 node)
{
	u64 pages = 0;
	int order;

	for (order = CE_MAX_ORDER; order >= 0; order--)
		while (!tl_alloc(t, d, order, node, EXACT, NULL))
			pages += 1ULL << order;
	return pages;
}

/* =========================================================== fixture heap */

FIXTURE(heap) {
	struct tl t;
	u32 nopool;
};

FIXTURE_VARIANT(heap) {
	const struct tl_layout *layout;
	u64 total;			/* pages the layout must give */
	u32 nr_nodes;
};

FIXTURE_VARIANT_ADD(heap, one_node) {
	.layout = &one_node, .total = 1322, .nr_nodes = 1,
};
FIXTURE_VARIANT_ADD(heap, two_nodes) {
	.layout = &two_nodes, .total = 1313 + 778, .nr_nodes = 2,
};
FIXTURE_VARIANT_ADD(heap, four_nodes) {
	.layout = &four_nodes, .total = 1032 + 1026 + 1536 + 769,
	.nr_nodes = 4,
};
FIXTURE_VARIANT_ADD(heap, sparse_nodes) {
	.layout = &sparse_nodes, .total = 1040 + 704 + 1028, .nr_nodes = 6,
};

FIXTURE_SETUP(heap)
{
	ASSERT_EQ(0, tl_build(T, variant->layout));
	self->nopool = no_pool_node(H);
}

FIXTURE_TEARDOWN(heap)
{
	const char *msg = tl_finish(T);

	/* No ASSERT here: it would jump back into the test wrapper. */
	if (msg) {
		TH_LOG("teardown: %s", msg);
		EXPECT_TRUE(msg == NULL);
	}
	tl_release(T);
}

/* The tests, by the engine header's sections (memblock's tests/AREA_api.c). */
#include "domain_api.c"
#include "claims_api.c"
#include "alloc_api.c"
#include "held_api.c"
#include "offline_api.c"
#include "superpage_api.c"
#include "numa_api.c"
#include "buddy_api.c"
#include "scrub_api.c"
#include "resize_api.c"
#include "random_test.c"

TEST_HARNESS_MAIN
