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
 *            memoryless).
 *  - numa:   rules that need two or more nodes with pools.
 *  - custom: buddy allocator cases on hand-made pools.
 *  - random: a randomised differential test against tl_model.c.
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

TEST_F(heap, build_baseline)
{
	u64 total = 0, mask = 0;
	u32 i;
	unsigned int o;

	ASSERT_EQ(variant->layout->nr, NP);
	ASSERT_EQ(variant->nr_nodes, H->nr_nodes);
	for (i = 0; i < NP; i++) {
		const struct ce_node *n = &H->node[P(i)];

		ASSERT_TRUE(n->has_pool);
		ASSERT_EQ(T->base.reserved[P(i)], n->reserved_pages);
		ASSERT_EQ(n->reserved_pages, n->avail_pages);
		ASSERT_EQ(n->reserved_pages, n->pool.nr_free);
		ASSERT_EQ(0, n->offlined_pages);
		ASSERT_EQ(0, n->outstanding_claims);
		/* A fresh pool holds exactly its chunks, none merged. */
		for (o = 0; o <= CE_MAX_ORDER; o++)
			ASSERT_EQ(T->base.chunks[P(i)][o],
				  tl_free_blocks(H, P(i), o));
		total += n->reserved_pages;
		mask |= BIT_ULL(P(i));
	}
	ASSERT_EQ(variant->total, total);
	ASSERT_EQ(total, H->total_avail_pages);
	ASSERT_EQ(mask, H->nodes_with_pool);
	ASSERT_EQ(0, H->outstanding_claims);
	ASSERT_EQ(0, H->nr_domains);
	ASSERT_NULL(H->domains);
	CHECK();
}

TEST_F(heap, domain_list)
{
	struct ce_domain *d1, *d2, *d3;
	u32 n;

	d1 = tl_dom(T, 100);
	d2 = tl_dom(T, 200);
	d3 = tl_dom(T, 0);
	CHECK();
	ASSERT_EQ(3, H->nr_domains);
	/* Newest first. */
	ASSERT_EQ(d3, H->domains);
	ASSERT_EQ(d2, d3->next);
	ASSERT_EQ(d1, d2->next);
	ASSERT_NULL(d1->next);
	ASSERT_NULL(d3->prev);
	ASSERT_EQ(200, d2->max_pages);
	ASSERT_EQ(0, d3->max_pages);
	ASSERT_EQ(H->nodes_with_pool, d1->node_affinity);
	ASSERT_EQ(0, d1->tot_pages + d1->outstanding_pages + d1->node_claims +
		     d1->uncounted_pages);
	for (n = 0; n < CE_MAX_NODES; n++)
		ASSERT_EQ(0, d2->claims[n] + d2->node_pages[n]);

	ASSERT_EQ(d1, ce_domain_find(H, d1->domid));
	ASSERT_EQ(d2, ce_domain_find(H, d2->domid));
	ASSERT_EQ(d3, ce_domain_find(H, d3->domid));
	ASSERT_NULL(ce_domain_find(H, 12345));

	/* Remove from the middle, then the head. */
	OK(INSTALL(d2, { 5, HOST }));
	tl_destroy(T, d2);
	CHECK();
	ASSERT_EQ(0, H->outstanding_claims);
	ASSERT_NULL(ce_domain_find(H, 2));
	ASSERT_EQ(d1, d3->next);
	ASSERT_EQ(d3, d1->prev);
	tl_destroy(T, d3);
	CHECK();
	ASSERT_EQ(d1, H->domains);
	ASSERT_NULL(d1->prev);
	ASSERT_EQ(1, H->nr_domains);
}

TEST_F(heap, check_count)
{
	ASSERT_EQ(-EINVAL, ce_claim_set_check_count(H, 0));
	ASSERT_EQ(0, ce_claim_set_check_count(H, 1));
	/* A 4 KiB and a superpage entry per node, and HOST. */
	ASSERT_EQ(0, ce_claim_set_check_count(H, H->nr_nodes + 1));
	ASSERT_EQ(0, ce_claim_set_check_count(H, 2 * H->nr_nodes + 1));
	ASSERT_EQ(-E2BIG, ce_claim_set_check_count(H, 2 * H->nr_nodes + 2));
	ASSERT_EQ(-E2BIG, ce_claim_set_check_count(H, UINT32_MAX));
}

/*
 * SPEC "Install": the documented check order, every errno, and for each
 * failure the whole state (the old claim set included) left untouched.
 */
TEST_F(heap, install_errors_in_documented_order)
{
	const u32 X = self->nopool, nr_max = 2 * H->nr_nodes + 1;
	struct ce_domain *d = tl_dom(T, BIG);
	struct ce_domain *small = tl_dom(T, 100);
	const u64 big = AV(P(0)) + 1;	/* more than P0 has */
	/* More superpages than P0 has (every layout gives P0 some). */
	const u64 sbig = (H->node[P(0)].sp_avail + 1) * SP;
	claim_t many[2 * CE_MAX_NODES + 2];
	struct {
		const char *what;
		struct ce_domain *d;
		u32 nr;
		claim_t e[4];
		int err;
	} c[] = {
		/* 2. per entry: EINVAL causes. */
		{ "cmd", d, 1, { { 1, P(0), 2 } }, EINVAL },
		{ "cmd, high bit", d, 1, { { 1, P(0), 0x80000000 } }, EINVAL },
		{ "cmd before ENOENT", d, 1, { { 1, X, 2 } }, EINVAL },
		{ "cmd before ENOMEM", d, 1, { { big, P(0), 2 } }, EINVAL },
		{ "cmd on HOST", d, 1, { { 1, HOST, 2 } }, EINVAL },
		{ "cmd on LEGACY", d, 1, { { 1, LEGACY, 2 } }, EINVAL },
		/* Superpage entries: node target, whole superpages. */
		{ "sp not whole", d, 1, { { 1, P(0), SPC } }, EINVAL },
		{ "sp not whole, 513", d, 1, { { SP + 1, P(0), SPC } }, EINVAL },
		{ "sp not whole before ENOENT", d, 1, { { 1, X, SPC } }, EINVAL },
		{ "sp not whole before ENOMEM", d, 1, { { sbig + 1, P(0), SPC } },
		  EINVAL },
		{ "sp on HOST", d, 1, { { SP, HOST, SPC } }, EINVAL },
		{ "sp on LEGACY", d, 1, { { SP, LEGACY, SPC } }, EINVAL },
		{ "sp 0 on LEGACY", d, 1, { { 0, LEGACY, SPC } }, EINVAL },
		{ "sp on SPECIAL", d, 1, { { SP, SPECIAL, SPC } }, EINVAL },
		{ "sp node twice", d, 2, { { 0, P(0), SPC }, { 0, P(0), SPC } },
		  EINVAL },
		{ "sp node twice, 4 KiB between", d, 3,
		  { { SP, P(0), SPC }, { 1, P(0) }, { SP, P(0), SPC } }, EINVAL },
		{ "sp sum overflows", d, 2,
		  { { U64MAX, HOST }, { SP, P(0), SPC } }, EINVAL },
		{ "special", d, 1, { { 1, SPECIAL } }, EINVAL },
		{ "special+1", d, 1, { { 1, SPECIAL + 1 } }, EINVAL },
		{ "0x7fffffff", d, 1, { { 1, 0x7fffffff } }, EINVAL },
		{ "0xffffffff", d, 1, { { 1, 0xffffffff } }, EINVAL },
		{ "HOST|1", d, 1, { { 1, HOST | 1 } }, EINVAL },
		{ "LEGACY|1", d, 1, { { 1, LEGACY | 1 } }, EINVAL },
		{ "HOST|LEGACY", d, 1, { { 1, HOST | LEGACY } }, EINVAL },
		{ "node twice", d, 2, { { 1, P(0) }, { 1, P(0) } }, EINVAL },
		{ "node twice, 0 pages", d, 2, { { 0, P(0) }, { 0, P(0) } },
		  EINVAL },
		{ "HOST twice", d, 2, { { 1, HOST }, { 1, HOST } }, EINVAL },
		{ "LEGACY first with other", d, 2, { { 5, LEGACY }, { 1, P(0) } },
		  EINVAL },
		{ "LEGACY last with other", d, 2, { { 1, P(0) }, { 5, LEGACY } },
		  EINVAL },
		{ "LEGACY twice", d, 2, { { 5, LEGACY }, { 5, LEGACY } }, EINVAL },
		{ "LEGACY 0 with other", d, 2, { { 0, LEGACY }, { 0, HOST } },
		  EINVAL },
		{ "sum overflows", d, 2, { { U64MAX, HOST }, { 1, P(0) } },
		  EINVAL },
		{ "sum overflows, node first", d, 2,
		  { { 1, P(0) }, { U64MAX, HOST } }, EINVAL },
		/* 2. ENOENT. */
		{ "no pool", d, 1, { { 1, X } }, ENOENT },
		{ "node 64", d, 1, { { 1, CE_MAX_NODES } }, ENOENT },
		{ "node 63", d, 1, { { 1, 63 } }, ENOENT },
		{ "SPECIAL-1", d, 1, { { 1, SPECIAL - 1 } }, ENOENT },
		{ "no pool, 0 pages", d, 1, { { 0, X } }, ENOENT },
		{ "ENOENT before ENOMEM", d, 1, { { big, X } }, ENOENT },
		/* EINVAL (overflow) before ENOENT inside one entry. */
		{ "overflow before ENOENT", d, 2, { { U64MAX, HOST }, { 1, X } },
		  EINVAL },
		{ "no overflow: ENOENT", d, 2, { { U64MAX - 1, HOST }, { 1, X } },
		  ENOENT },
		{ "sp no pool", d, 1, { { SP, X, SPC } }, ENOENT },
		{ "sp node 64", d, 1, { { SP, CE_MAX_NODES, SPC } }, ENOENT },
		{ "sp ENOENT before ENOMEM", d, 1, { { sbig, X, SPC } }, ENOENT },
		/* 2. ENOMEM on the node. */
		{ "node ENOMEM", d, 1, { { big, P(0) } }, ENOMEM },
		{ "sp ENOMEM", d, 1, { { sbig, P(0), SPC } }, ENOMEM },
		/* 4 KiB pages are no superpages and the other way round. */
		{ "sp ENOMEM, 4 KiB free", d, 2,
		  { { 1, P(0) }, { sbig, P(0), SPC } }, ENOMEM },
		{ "sp ENOMEM then cmd", d, 2,
		  { { sbig, P(0), SPC }, { 1, HOST, 2 } }, ENOMEM },
		{ "sp ENOMEM before max_pages", small, 1,
		  { { sbig, P(0), SPC } }, ENOMEM },
		{ "node ENOMEM, U64MAX", d, 1, { { U64MAX, P(0) } }, ENOMEM },
		/* Array order decides between entries. */
		{ "ENOMEM then cmd", d, 2, { { big, P(0) }, { 1, HOST, 1 } },
		  ENOMEM },
		{ "cmd then ENOMEM", d, 2, { { 1, HOST, 1 }, { big, P(0) } },
		  EINVAL },
		{ "ENOENT then dup", d, 3, { { 1, X }, { 1, HOST }, { 1, HOST } },
		  ENOENT },
		{ "dup then ENOENT", d, 3, { { 1, HOST }, { 1, HOST }, { 1, X } },
		  EINVAL },
		{ "ENOMEM then ENOENT", d, 2, { { big, P(0) }, { 1, X } }, ENOMEM },
		{ "ENOENT then ENOMEM", d, 2, { { 1, X }, { big, P(0) } }, ENOENT },
		{ "ENOENT then LEGACY", d, 2, { { 1, X }, { 1, LEGACY } }, ENOENT },
		{ "LEGACY then ENOENT", d, 2, { { 1, LEGACY }, { 1, X } }, EINVAL },
		{ "ENOMEM then LEGACY", d, 2, { { big, P(0) }, { 1, LEGACY } },
		  ENOMEM },
		/* 2 before 3: a node ENOMEM beats a total above max_pages. */
		{ "ENOMEM before max_pages", d, 2,
		  { { 2 * BIG, HOST }, { big, P(0) } }, ENOMEM },
		/* 3. max_pages. */
		{ "above max_pages", d, 1, { { 2 * BIG, HOST } }, EINVAL },
		{ "above max_pages, superpage", small, 1, { { SP, P(0), SPC } },
		  EINVAL },
		{ "above max_pages, nodes", small, 2,
		  { { 60, P(0) }, { 41, HOST } }, EINVAL },
		/* 3 before 4: above max_pages and above the host's memory. */
		{ "max_pages before host ENOMEM", small, 1,
		  { { H->total_avail_pages + 1, HOST } }, EINVAL },
		/* 4. the host's unclaimed memory. */
		{ "host ENOMEM", d, 1, { { H->total_avail_pages + 1, HOST } },
		  ENOMEM },
		{ "host ENOMEM, nodes fit", d, 2,
		  { { 1, P(0) }, { H->total_avail_pages, HOST } }, ENOMEM },
	};
	size_t i;

	/* Existing sets that every failure must leave in place. */
	OK(INSTALL(d, { 5, P(0) }, { 7, HOST }));
	OK(INSTALL(small, { 3, HOST }));

	/* 1. count, before anything in the array is looked at. */
	memset(many, 0xff, sizeof(many));
	FAILS_CLEANLY(EINVAL, ce_claim_set_install(H, d, many, 0));
	FAILS_CLEANLY(E2BIG, ce_claim_set_install(H, d, many, nr_max + 1));
	for (i = 0; i < nr_max + 1; i++)
		many[i] = (claim_t){ 1, HOST };
	FAILS_CLEANLY(E2BIG, ce_claim_set_install(H, d, many, nr_max + 1));

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		int want = c[i].nr > nr_max ? E2BIG : c[i].err;

		TH_LOG("case %zu: %s", i, c[i].what);
		FAILS_CLEANLY(want, ce_claim_set_install(H, c[i].d, c[i].e,
							  c[i].nr));
	}

	/* The old sets are intact and the largest legal set installs. */
	ASSERT_EQ(5, d->claims[P(0)]);
	ASSERT_EQ(7, tl_host_part(d));
	ASSERT_EQ(3, small->outstanding_pages);
	ASSERT_EQ(0, d->sp_claims_total + small->sp_claims_total);
	for (i = 0; i < NP; i++) {
		many[2 * i] = (claim_t){ 1, P(NP - 1 - i) };
		many[2 * i + 1] = (claim_t){
			H->node[P(i)].sp_avail ? SP : 0, P(i), SPC };
	}
	many[2 * NP] = (claim_t){ 1, HOST };
	OK(ce_claim_set_install(H, d, many, 2 * NP + 1));
	ASSERT_EQ(NP + 1, d->outstanding_pages);
	for (i = 0; i < NP; i++)
		ASSERT_EQ(!!H->node[P(i)].sp_avail, d->sp_claims[P(i)]);
}

/* A set that passes some checks and then fails leaves the old set. */
TEST_F(heap, install_is_atomic)
{
	struct ce_domain *d = tl_dom(T, BIG), *e = tl_dom(T, BIG);
	const u64 a0 = AV(P(0));

	OK(INSTALL(d, { 10, P(0) }, { 20, HOST }));
	OK(tl_alloc(T, d, 2, P(0), EXACT, NULL));
	ASSERT_EQ(6, d->claims[P(0)]);

	/* Fails at the last entry (ENOENT). */
	FAILS_CLEANLY(ENOENT, INSTALL(d, { 100, P(0) }, { 1, self->nopool }));
	FAILS_CLEANLY(ENOENT, INSTALL(d, { 100, HOST }, { 1, self->nopool }));
	/* Fails in step 4 after every entry passed. */
	OK(INSTALL(e, { H->total_avail_pages - 100, HOST }));
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { 50, P(0) }, { 51, HOST }));
	/* Exactly what is left (own claims count as free) succeeds. */
	OK(INSTALL(d, { 50, P(0) }, { 50, HOST }));
	ASSERT_EQ(100, d->outstanding_pages);
	ASSERT_EQ(0, tl_unclaimed(T));
	ASSERT_EQ(a0 - 4, AV(P(0)));
}

TEST_F(heap, install_replaces_not_adds)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u32 last = PL;

	OK(INSTALL(d, { 10, P(0) }, { 20, HOST }));
	ASSERT_EQ(30, d->outstanding_pages);
	ASSERT_EQ(10, d->node_claims);
	ASSERT_EQ(30, H->outstanding_claims);
	ASSERT_EQ(10, H->node[P(0)].outstanding_claims);

	OK(INSTALL(d, { 5, last }));
	ASSERT_EQ(5, d->outstanding_pages);
	ASSERT_EQ(5, d->node_claims);
	ASSERT_EQ(5, d->claims[last]);
	ASSERT_EQ(5, H->outstanding_claims);
	ASSERT_EQ(5, H->node[last].outstanding_claims);
	if (last != P(0))
		ASSERT_EQ(0, d->claims[P(0)]);

	OK(INSTALL(d, { 3, HOST }));
	ASSERT_EQ(3, d->outstanding_pages);
	ASSERT_EQ(0, d->node_claims);
	ASSERT_EQ(0, d->claims[last]);
	ASSERT_EQ(0, H->node[last].outstanding_claims);
	ASSERT_EQ(3, H->outstanding_claims);

	/* The same set twice is the same set, not twice the claim. */
	OK(INSTALL(d, { 4, P(0) }, { 3, HOST }));
	OK(INSTALL(d, { 4, P(0) }, { 3, HOST }));
	ASSERT_EQ(7, d->outstanding_pages);
	ASSERT_EQ(7, H->outstanding_claims);
}

TEST_F(heap, install_zero_entries_clear)
{
	struct ce_domain *d = tl_dom(T, BIG);
	claim_t out[4];
	u32 nr = 4;

	OK(INSTALL(d, { 10, P(0) }, { 20, HOST }));
	OK(INSTALL(d, { 0, HOST }));
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, H->outstanding_claims);
	ASSERT_EQ(0, H->node[P(0)].outstanding_claims);

	OK(INSTALL(d, { 10, P(0) }, { 20, HOST }));
	OK(INSTALL(d, { 0, P(0) }));
	ASSERT_EQ(0, d->outstanding_pages);

	OK(INSTALL(d, { 10, P(0) }));
	OK(INSTALL(d, { 0, P(0) }, { 5, HOST }));
	ASSERT_EQ(5, d->outstanding_pages);
	ASSERT_EQ(0, d->node_claims);
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(1, nr);
	ASSERT_EQ(HOST, out[0].target);
	ASSERT_EQ(5, out[0].pages);

	/* A domain claiming nothing may "clear" too. */
	OK(INSTALL(d, { 0, HOST }));
	OK(INSTALL(d, { 0, HOST }));
	OK(INSTALL(d, { 0, LEGACY }));
	ASSERT_EQ(0, H->outstanding_claims);
}

/* Own claims count as free on the node (they are replaced). */
TEST_F(heap, install_own_node_claim_counts_as_free)
{
	struct ce_domain *d = tl_dom(T, BIG), *e = tl_dom(T, BIG);
	const u64 a0 = AV(P(0));

	OK(INSTALL(d, { a0, P(0) }));
	ASSERT_EQ(0, tl_node_unclaimed(T, P(0)));
	FAILS_CLEANLY(ENOMEM, INSTALL(e, { 1, P(0) }));
	OK(INSTALL(d, { a0, P(0) }));
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { a0 + 1, P(0) }));
	OK(INSTALL(d, { a0 - 1, P(0) }));
	OK(INSTALL(e, { 1, P(0) }));
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { a0, P(0) }));
	/* The node's unclaimed memory includes claimed-for-nobody pages. */
	OK(tl_alloc(T, e, 0, P(0), EXACT, NULL));
	ASSERT_EQ(0, e->outstanding_pages);
	OK(INSTALL(d, { a0 - 1, P(0) }));
	FAILS_CLEANLY(ENOMEM, INSTALL(e, { 1, P(0) }));
}

/* Step 3: tot_pages + total claims > max_pages; tot not subtracted. */
TEST_F(heap, install_max_pages)
{
	struct ce_domain *d = tl_dom(T, 100);

	FAILS_CLEANLY(EINVAL, INSTALL(d, { 101, HOST }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 51, P(0) }, { 50, HOST }));
	OK(INSTALL(d, { 50, P(0) }, { 50, HOST }));
	OK(tl_alloc(T, d, 4, P(0), EXACT, NULL));
	ASSERT_EQ(16, d->tot_pages);
	ASSERT_EQ(84, d->outstanding_pages);
	/* Claim-set entries are not reduced by tot_pages. */
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 100, HOST }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 85, HOST }));
	OK(INSTALL(d, { 84, HOST }));
	ASSERT_EQ(84, d->outstanding_pages);
}

TEST_F(heap, get_claim_set)
{
	struct ce_domain *d = tl_dom(T, BIG);
	claim_t in[CE_MAX_NODES + 1], out[CE_MAX_NODES + 2];
	u32 nr, i;
	u64 sum;

	/* Nothing claimed: no entries, also with a zero-sized buffer. */
	nr = 0;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(0, nr);
	nr = 3;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(0, nr);

	/* Install nodes in descending order with HOST first. */
	in[0] = (claim_t){ 7, HOST };
	for (i = 0; i < NP; i++)
		in[1 + i] = (claim_t){ 10 + P(NP - 1 - i), P(NP - 1 - i) };
	OK(ce_claim_set_install(H, d, in, NP + 1));

	nr = NP;
	ASSERT_EQ(-ERANGE, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(NP + 1, nr);
	nr = 0;
	ASSERT_EQ(-ERANGE, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(NP + 1, nr);

	memset(out, 0xa5, sizeof(out));
	nr = NP + 1;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(NP + 1, nr);
	for (i = 0; i < NP; i++) {
		ASSERT_EQ(P(i), out[i].target);	/* ascending */
		ASSERT_EQ(10 + P(i), out[i].pages);
		ASSERT_EQ(0, out[i].cmd);
	}
	ASSERT_EQ(HOST, out[NP].target);
	ASSERT_EQ(7, out[NP].pages);
	ASSERT_EQ(0, out[NP].cmd);

	/* GET's output is a valid SET input that changes nothing. */
	OK(ce_claim_set_install(H, d, out, nr));
	for (i = 0, sum = 7; i < NP; i++)
		sum += 10 + P(i);
	ASSERT_EQ(sum, d->outstanding_pages);
	ASSERT_EQ(sum, H->outstanding_claims);

	/* A bigger buffer: nr says how many were written. */
	nr = CE_MAX_NODES + 2;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(NP + 1, nr);

	/* Redeem the host-wide part away: no HOST entry any more. */
	OK(INSTALL(d, { 1, P(0) }, { 2, HOST }));
	OK(tl_alloc(T, d, 1, P(0), EXACT, NULL));
	ASSERT_EQ(1, d->outstanding_pages);
	nr = 1;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(1, nr);
	ASSERT_EQ(1, out[0].pages);
	ASSERT_EQ(HOST, out[0].target);
	OK(INSTALL(d, { 3, P(0) }));
	nr = 1;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(1, nr);
	ASSERT_EQ(P(0), out[0].target);
	ASSERT_EQ(3, out[0].pages);

	/* A legacy claim reads back as one HOST entry. */
	OK(ce_claim_pages_legacy(H, d, 0));
	OK(ce_claim_pages_legacy(H, d, 50));
	nr = 1;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(1, nr);
	ASSERT_EQ(HOST, out[0].target);
	ASSERT_EQ(50 - d->tot_pages, out[0].pages);
}

/* A single LEGACY entry: legacy arithmetic, but it replaces. */
TEST_F(heap, install_legacy_entry)
{
	struct ce_domain *d = tl_dom(T, 1000), *hog = tl_dom(T, BIG);
	u64 u;

	OK(INSTALL(d, { 100, LEGACY }));
	ASSERT_EQ(100, d->outstanding_pages);
	ASSERT_EQ(0, d->node_claims);
	OK(tl_alloc(T, d, 4, -1, 0, NULL));
	ASSERT_EQ(84, d->outstanding_pages);
	/* No "one active claim" rule: it replaces, minus tot_pages. */
	OK(INSTALL(d, { 100, LEGACY }));
	ASSERT_EQ(84, d->outstanding_pages);
	OK(INSTALL(d, { 10, P(0) }));
	OK(INSTALL(d, { 50, LEGACY }));
	ASSERT_EQ(34, d->outstanding_pages);
	ASSERT_EQ(0, d->claims[P(0)]);
	ASSERT_EQ(0, H->node[P(0)].outstanding_claims);
	/* target <= tot_pages or > max_pages: EINVAL. */
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 16, LEGACY }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 15, LEGACY }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1001, LEGACY }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { U64MAX, LEGACY }));
	OK(INSTALL(d, { 1000, LEGACY }));
	ASSERT_EQ(984, d->outstanding_pages);
	/* 0 releases. */
	OK(INSTALL(d, { 0, LEGACY }));
	ASSERT_EQ(0, d->outstanding_pages);

	/* ENOMEM against the host's unclaimed memory, own claim free. */
	OK(INSTALL(hog, { H->total_avail_pages - 300, HOST }));
	u = tl_unclaimed(T);
	ASSERT_EQ(300, u);
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { 16 + u + 1, LEGACY }));
	OK(INSTALL(d, { 16 + 100, LEGACY }));
	ASSERT_EQ(100, d->outstanding_pages);
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { 16 + 301, LEGACY }));
	OK(INSTALL(d, { 16 + 300, LEGACY }));
	ASSERT_EQ(0, tl_unclaimed(T));
}

/* XENMEM_claim_pages, as upstream domain_set_outstanding_pages(). */
TEST_F(heap, legacy_claim_pages)
{
	struct ce_domain *d = tl_dom(T, 1000), *hog = tl_dom(T, BIG);

	/* 0 releases and succeeds, also with nothing to release. */
	OK(ce_claim_pages_legacy(H, d, 0));
	OK(ce_claim_pages_legacy(H, d, 100));
	ASSERT_EQ(100, d->outstanding_pages);
	ASSERT_EQ(100, tl_host_part(d));
	/* One active claim per domain. */
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 100));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 200));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 50));
	OK(ce_claim_pages_legacy(H, d, 0));
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, H->outstanding_claims);
	/* A claim set's node claim is an active claim too. */
	OK(INSTALL(d, { 5, P(0) }));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 100));
	OK(ce_claim_pages_legacy(H, d, 0));
	ASSERT_EQ(0, H->node[P(0)].outstanding_claims);

	/* target <= tot_pages, > max_pages: EINVAL; claim = target - tot. */
	OK(tl_alloc(T, d, 4, -1, 0, NULL));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 16));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 1));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 1001));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, U64MAX));
	OK(ce_claim_pages_legacy(H, d, 17));
	ASSERT_EQ(1, d->outstanding_pages);
	OK(ce_claim_pages_legacy(H, d, 0));
	OK(ce_claim_pages_legacy(H, d, 1000));
	ASSERT_EQ(984, d->outstanding_pages);
	ASSERT_EQ(1000, d->tot_pages + d->outstanding_pages);
	OK(ce_claim_pages_legacy(H, d, 0));

	/* ENOMEM: target - tot above the host's unclaimed memory. */
	OK(INSTALL(hog, { H->total_avail_pages - 200, HOST }));
	FAILS_CLEANLY(ENOMEM, ce_claim_pages_legacy(H, d, 16 + 201));
	OK(ce_claim_pages_legacy(H, d, 16 + 200));
	ASSERT_EQ(0, tl_unclaimed(T));
}

TEST_F(heap, release_and_remove_drop_claims)
{
	struct ce_domain *d = tl_dom(T, BIG), *e = tl_dom(T, BIG);

	OK(INSTALL(d, { 5, P(0) }, { 7, HOST }));
	OK(INSTALL(e, { 3, HOST }, { 4, PL }));
	ASSERT_EQ(19, H->outstanding_claims);
	ce_release_claims(H, d);
	CHECK();
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, d->node_claims);
	ASSERT_EQ(0, d->claims[P(0)]);
	ASSERT_EQ(7, H->outstanding_claims);
	OK(tl_alloc(T, e, 0, PL, EXACT, NULL));
	tl_destroy(T, e);
	CHECK();
	ASSERT_EQ(0, H->outstanding_claims);
	ASSERT_EQ(0, H->node[PL].outstanding_claims);
	ASSERT_EQ(H->node[PL].reserved_pages, AV(PL));
}

/* A domain with max_pages 0 can claim nothing and allocate nothing. */
TEST_F(heap, max_pages_zero)
{
	struct ce_domain *d = tl_dom(T, 0);

	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1, HOST }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1, P(0) }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1, LEGACY }));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 1));
	OK(INSTALL(d, { 0, HOST }));
	OK(INSTALL(d, { 0, P(0) }));
	OK(ce_claim_pages_legacy(H, d, 0));
	FAILS_CLEANLY(E2BIG, tl_alloc(T, d, 0, -1, 0, NULL));
	/* Uncounted allocations do not count against max_pages. */
	OK(tl_alloc(T, d, 3, -1, NOREF, NULL));
	ASSERT_EQ(0, d->tot_pages);
	ASSERT_EQ(8, d->uncounted_pages);
}

TEST_F(heap, alloc_beyond_max_pages)
{
	struct ce_domain *d = tl_dom(T, 20);
	size_t idx;

	OK(tl_alloc(T, d, 4, -1, 0, NULL));
	OK(tl_alloc(T, d, 2, -1, 0, NULL));
	ASSERT_EQ(20, d->tot_pages);
	FAILS_CLEANLY(E2BIG, tl_alloc(T, d, 0, -1, 0, NULL));
	FAILS_CLEANLY(E2BIG, tl_alloc(T, d, 9, P(0), EXACT, NULL));
	OK(tl_alloc(T, d, 5, -1, NOREF, NULL));
	ASSERT_EQ(20, d->tot_pages);
	ASSERT_EQ(32, d->uncounted_pages);
	idx = tl_find_ext(T, d, -1);	/* the uncounted one */
	tl_free_ext(T, idx);
	idx = tl_find_ext(T, d, -1);	/* the order-2 one */
	ASSERT_EQ(2, T->ext[idx].order);
	tl_free_ext(T, idx);
	CHECK();
	ASSERT_EQ(16, d->tot_pages);
	FAILS_CLEANLY(E2BIG, tl_alloc(T, d, 3, -1, 0, NULL));
	OK(tl_alloc(T, d, 2, -1, 0, NULL));
	/* Raising max_pages lets it go on. */
	ce_set_max_pages(H, d, 21);
	OK(tl_alloc(T, d, 0, -1, 0, NULL));
	FAILS_CLEANLY(E2BIG, tl_alloc(T, d, 0, -1, 0, NULL));
}

/* EINVAL (order), ENOENT (node), E2BIG (max_pages), ENOMEM, in order. */
TEST_F(heap, alloc_errors_in_order)
{
	struct ce_domain *z = tl_dom(T, 0), *d = tl_dom(T, BIG);
	struct ce_domain *hog = tl_dom(T, BIG);
	u32 node, frame;

	FAILS_CLEANLY(EINVAL, tl_alloc(T, d, CE_MAX_ORDER + 1, -1, 0, NULL));
	FAILS_CLEANLY(EINVAL, tl_alloc(T, d, 31, -1, 0, NULL));
	FAILS_CLEANLY(EINVAL, tl_alloc(T, z, CE_MAX_ORDER + 1, 64, 0, NULL));
	FAILS_CLEANLY(EINVAL, tl_alloc(T, NULL, CE_MAX_ORDER + 1, -1, 0, NULL));
	FAILS_CLEANLY(ENOENT, tl_alloc(T, z, 0, self->nopool, 0, NULL));
	FAILS_CLEANLY(ENOENT, tl_alloc(T, d, 0, self->nopool, EXACT, NULL));
	FAILS_CLEANLY(ENOENT, tl_alloc(T, d, 0, 63, 0, NULL));
	FAILS_CLEANLY(ENOENT, tl_alloc(T, d, 0, 64, 0, NULL));
	FAILS_CLEANLY(ENOENT, tl_alloc(T, d, 0, 254, 0, NULL));
	FAILS_CLEANLY(ENOENT, tl_alloc(T, NULL, 0, 64, 0, NULL));
	/* With no unclaimed memory left: E2BIG before ENOMEM. */
	OK(INSTALL(hog, { H->total_avail_pages, HOST }));
	FAILS_CLEANLY(E2BIG, tl_alloc(T, z, 0, -1, 0, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, -1, 0, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, z, 0, -1, NOREF, NULL));
	/* Nothing is written to the outputs on failure, no crash either. */
	node = frame = 77;
	ASSERT_EQ(-ENOMEM, ce_alloc_extent(H, d, 0, -1, 0, &node, &frame, NULL));
	CHECK();
}

/* Host-wide claims protect memory from another domain. */
TEST_F(heap, host_claim_protects_from_other_domain)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	const u64 total = H->total_avail_pages;
	int rc;

	OK(INSTALL(a, { total - 100, HOST }));
	ASSERT_EQ(100, tl_alloc_n(T, b, 0, -1, 0, 1000, &rc));
	ASSERT_EQ(-ENOMEM, rc);
	CHECK();
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, b, 0, -1, 0, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, b, 0, P(0), EXACT, NULL));
	/* The claimant can still take all of its claim. */
	OK(tl_alloc(T, a, 9, -1, 0, NULL));
	ASSERT_EQ(total - 100 - 512, a->outstanding_pages);
	ASSERT_EQ(0, tl_unclaimed(T));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, b, 0, -1, 0, NULL));
	/* Freeing b's pages makes unclaimed memory b may use again. */
	ASSERT_EQ(8, tl_free_dom(T, b, -1, 8));
	OK(tl_alloc(T, b, 3, -1, 0, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, b, 0, -1, 0, NULL));
	/* Dropping the claim gives the memory to everyone. */
	OK(INSTALL(a, { 0, HOST }));
	OK(tl_alloc(T, b, 0, -1, 0, NULL));
}

/* Uncounted allocations may use unclaimed memory only. */
TEST_F(heap, no_refcount_uses_unclaimed_memory_only)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, 8);
	const u64 total = H->total_avail_pages;

	OK(INSTALL(a, { total, HOST }));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, a, 0, -1, NOREF, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, a, 0, P(0), NOREF | EXACT, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, NULL, 0, -1, 0, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, b, 0, -1, NOREF, NULL));
	OK(tl_alloc(T, a, 0, -1, 0, NULL));
	ASSERT_EQ(total - 1, a->outstanding_pages);

	/* Uncounted: no tot_pages, no redeeming, no max_pages limit. */
	OK(INSTALL(a, { 10, HOST }));
	OK(tl_alloc(T, a, 1, -1, NOREF, NULL));
	ASSERT_EQ(10, a->outstanding_pages);
	ASSERT_EQ(1, a->tot_pages);
	ASSERT_EQ(2, a->uncounted_pages);
	ASSERT_EQ(4, tl_alloc_n(T, b, 2, -1, NOREF, 4, NULL));
	ASSERT_EQ(16, b->uncounted_pages);
	ASSERT_EQ(0, b->tot_pages);
	/* Freed as uncounted, they leave tot_pages alone. */
	ASSERT_EQ(16, tl_free_dom(T, b, -1, 16));
	ASSERT_EQ(0, b->uncounted_pages);
	CHECK();
}

/* An allocation for nobody (d == NULL) is not counted and not protected. */
TEST_F(heap, alloc_for_nobody)
{
	struct ce_domain *a = tl_dom(T, BIG);
	const u64 total = H->total_avail_pages;
	u32 node;

	OK(INSTALL(a, { total - 4, HOST }));
	ASSERT_EQ(0, tl_alloc(T, NULL, 2, -1, 0, &node));
	ASSERT_EQ(total - 4, H->outstanding_claims);
	ASSERT_EQ(-ENOMEM, tl_alloc(T, NULL, 0, -1, 0, NULL));
	ASSERT_EQ(-ENOMEM, tl_alloc(T, NULL, 0, node, EXACT, NULL));
	tl_free_ext(T, tl_find_ext(T, NULL, -1));
	CHECK();
	ASSERT_EQ(total, H->total_avail_pages);
}

/* SPEC: "a claim of 1 page plus 511 unclaimed pages satisfies an order-9 extent". */
TEST_F(heap, claim_1_plus_511_unclaimed_serves_order_9_host)
{
	struct ce_domain *hog = tl_dom(T, BIG), *d = tl_dom(T, BIG);
	struct ce_domain *e = tl_dom(T, BIG);
	const u64 total = H->total_avail_pages;

	OK(INSTALL(hog, { total - 512, HOST }));
	OK(INSTALL(d, { 1, HOST }));
	ASSERT_EQ(511, tl_unclaimed(T));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, e, 9, -1, 0, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 9, -1, NOREF, NULL));
	OK(tl_alloc(T, d, 9, -1, 0, NULL));
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(512, d->tot_pages);
	ASSERT_EQ(total - 512, hog->outstanding_pages);
	ASSERT_EQ(0, tl_unclaimed(T));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, e, 0, -1, 0, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, -1, 0, NULL));
}

TEST_F(heap, claim_1_plus_511_unclaimed_serves_order_9_node)
{
	struct ce_domain *hog = tl_dom(T, BIG), *d = tl_dom(T, BIG);
	struct ce_domain *e = tl_dom(T, BIG);
	const u64 a0 = AV(P(0));

	OK(INSTALL(hog, { a0 - 512, P(0) }));
	OK(INSTALL(d, { 1, P(0) }));
	ASSERT_EQ(511, tl_node_unclaimed(T, P(0)));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, e, 9, P(0), EXACT, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 9, P(0), EXACT | NOREF, NULL));
	OK(tl_alloc(T, d, 9, P(0), EXACT, NULL));
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(512, d->node_pages[P(0)]);
	ASSERT_EQ(a0 - 512, hog->claims[P(0)]);
	ASSERT_EQ(0, tl_node_unclaimed(T, P(0)));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, e, 0, P(0), EXACT, NULL));
	/* The hog can still take everything it claimed. */
	ASSERT_EQ(a0 - 512, fill_node(T, hog, P(0)));
	ASSERT_EQ(0, hog->outstanding_pages);
	CHECK();
}

/* SPEC: any counted allocation redeems, even with plenty unclaimed. */
TEST_F(heap, redeem_even_when_unclaimed_is_plentiful)
{
	struct ce_domain *d = tl_dom(T, BIG);

	OK(INSTALL(d, { 10, P(0) }));
	OK(tl_alloc(T, d, 0, P(0), EXACT, NULL));
	ASSERT_EQ(9, d->claims[P(0)]);
	ASSERT_EQ(9, H->node[P(0)].outstanding_claims);
	OK(INSTALL(d, { 10, HOST }));
	OK(tl_alloc(T, d, 0, -1, 0, NULL));
	ASSERT_EQ(9, d->outstanding_pages);
	ASSERT_EQ(9, H->outstanding_claims);
	/* An allocation larger than the claim redeems all of it. */
	OK(tl_alloc(T, d, 4, -1, 0, NULL));
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, H->outstanding_claims);
}

/* Redeem order on one node: the node claim, then the host-wide part. */
TEST_F(heap, redeem_node_claim_before_host_wide)
{
	struct ce_domain *d = tl_dom(T, BIG);

	OK(INSTALL(d, { 10, P(0) }, { 10, HOST }));
	OK(tl_alloc(T, d, 3, P(0), EXACT, NULL));
	ASSERT_EQ(2, d->claims[P(0)]);
	ASSERT_EQ(10, tl_host_part(d));
	OK(tl_alloc(T, d, 2, P(0), EXACT, NULL));
	ASSERT_EQ(0, d->claims[P(0)]);
	ASSERT_EQ(8, tl_host_part(d));
	ASSERT_EQ(0, H->node[P(0)].outstanding_claims);
	ASSERT_EQ(8, H->outstanding_claims);
}

/* SPEC: freeing pages never gives claims back. */
TEST_F(heap, free_does_not_give_claims_back)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u64 a0 = AV(P(0));

	OK(INSTALL(d, { 10, P(0) }, { 3, HOST }));
	OK(tl_alloc(T, d, 2, P(0), EXACT, NULL));
	ASSERT_EQ(6, d->claims[P(0)]);
	ASSERT_EQ(4, tl_free_dom(T, d, -1, 4));
	CHECK();
	ASSERT_EQ(6, d->claims[P(0)]);
	ASSERT_EQ(9, d->outstanding_pages);
	ASSERT_EQ(9, H->outstanding_claims);
	ASSERT_EQ(0, d->tot_pages);
	ASSERT_EQ(a0, AV(P(0)));
	/* A legacy claim is not given back either. */
	OK(ce_claim_pages_legacy(H, d, 0));
	OK(ce_claim_pages_legacy(H, d, 8));
	OK(tl_alloc(T, d, 3, -1, 0, NULL));
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(8, tl_free_dom(T, d, -1, 8));
	ASSERT_EQ(0, d->outstanding_pages);
	CHECK();
}

/*
 * A page its domain frees while someone still holds it (a mapping being
 * torn down, a get_user_pages() pin) leaves the domain's accounting at once
 * but is neither free nor reusable until ce_release_held(); the invariant
 * "reserved = free + offlined + held + in physmaps" keeps counting it.
 */
TEST_F(heap, held_pages_wait_for_release)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u64 a0 = AV(P(0)), total0 = H->total_avail_pages;
	u32 node, frame, f;
	size_t e, held;

	OK(INSTALL(d, { 8, P(0) }));
	OK(tl_alloc(T, d, 2, P(0), EXACT, &node));
	ASSERT_EQ(P(0), node);
	ASSERT_EQ(4, d->tot_pages);
	ASSERT_EQ(4, d->claims[P(0)]);
	e = tl_find_ext(T, d, P(0));
	frame = T->ext[e].frame;

	/* Page 0 is still held: it leaves the domain, not for the free lists. */
	held = tl_hold_page(T, e, 0);
	ASSERT_EQ(3, tl_free_dom(T, d, -1, 3));
	CHECK();
	ASSERT_EQ(0, d->tot_pages);
	ASSERT_EQ(0, d->node_pages[P(0)]);
	ASSERT_EQ(1, H->node[P(0)].held_pages);
	ASSERT_EQ(1, H->total_held_pages);
	ASSERT_EQ(a0 - 1, AV(P(0)));
	ASSERT_EQ(total0 - 1, H->total_avail_pages);
	ASSERT_EQ(a0 - 1, H->node[P(0)].pool.nr_free);
	/* Freeing never gives claims back, held or not. */
	ASSERT_EQ(4, d->claims[P(0)]);

	/* Losing track of a held page is a violation the checker reports. */
	H->node[P(0)].held_pages--;
	H->total_held_pages--;
	ASSERT_EQ(-EUCLEAN, ce_check_invariants(H, &(const char *){ NULL }));
	H->node[P(0)].held_pages++;
	H->total_held_pages++;
	CHECK();

	/* Released: back on the free lists, merged with its buddies. */
	tl_release_held(T, held);
	CHECK();
	ASSERT_EQ(0, H->node[P(0)].held_pages);
	ASSERT_EQ(0, H->total_held_pages);
	ASSERT_EQ(a0, AV(P(0)));
	ASSERT_EQ(total0, H->total_avail_pages);
	/*
	 * The order-2 block is whole again, and dirty (three of its pages
	 * were freed by the domain): the next allocation takes clean memory
	 * elsewhere on the node, not it.
	 */
	ASSERT_LE(4, ce_scrub_pages(H, P(0)));
	OK(tl_alloc(T, d, 2, P(0), EXACT, &node));
	f = T->ext[tl_find_ext(T, d, P(0))].frame;
	ASSERT_NE(frame, f);
	ASSERT_FALSE(T->ext[tl_find_ext(T, d, P(0))].dirty);
	ASSERT_EQ(4, tl_free_dom(T, d, -1, 4));
	OK(INSTALL(d, { 0, HOST }));
	CHECK();
}

/* An uncounted page held at free leaves uncounted_pages, not tot_pages. */
TEST_F(heap, held_uncounted_page)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u64 a0 = AV(P(0));
	size_t held;

	OK(tl_alloc(T, d, 0, P(0), EXACT | NOREF, NULL));
	ASSERT_EQ(1, d->uncounted_pages);
	held = tl_hold_page(T, tl_find_ext(T, d, P(0)), 0);
	CHECK();
	ASSERT_EQ(0, d->uncounted_pages);
	ASSERT_EQ(0, d->tot_pages);
	ASSERT_EQ(a0 - 1, AV(P(0)));
	tl_release_held(T, held);
	CHECK();
	ASSERT_EQ(a0, AV(P(0)));
}

/* A held page outlives its domain; the teardown still finds nothing lost. */
TEST_F(heap, held_page_outlives_domain)
{
	struct ce_domain *d = tl_dom(T, BIG);

	OK(tl_alloc(T, d, 1, PL, EXACT, NULL));
	tl_hold_page(T, tl_find_ext(T, d, PL), 1);
	tl_destroy(T, d);
	CHECK();
	ASSERT_EQ(1, H->node[PL].held_pages);
	ASSERT_EQ(0, H->nr_domains);
}

/* The node's held frames, newest first, through ce_held_next(). */
static u32 held_walk(struct ce_heap *h, u32 node, u32 *out, u32 max)
{
	u32 f, n = 0;

	for (f = ce_held_next(h, node, CE_NO_FRAME); f != CE_NO_FRAME;
	     f = ce_held_next(h, node, f))
		if (n < max)
			out[n++] = f;
		else
			return max + 1;
	return n;
}

/* The extent (held or a domain's) of @node holding @frame. */
static size_t ext_of(const struct tl *t, u32 node, u32 frame, bool held)
{
	size_t i;

	for (i = 0; i < t->nr_ext; i++) {
		const struct tl_ext *e = &t->ext[i];

		if (!e->sp && e->node == node && e->held == held &&
		    frame >= e->frame && frame - e->frame < (1U << e->order))
			return i;
	}
	return (size_t)-1;
}

/* Its domain frees @frame while it is held. */
static void hold_frame(struct tl *t, u32 node, u32 frame)
{
	size_t i = ext_of(t, node, frame, false);

	tl_hold_page(t, i, frame - t->ext[i].frame);
}

/*
 * Held frames are linked per node (through the USED frames' free-list
 * slots): the walk visits exactly the held frames, newest first, whatever
 * the pool's size; a release unlinks only its frame, so a walker may
 * resume from a frame it kept; the list empties with the last release.
 */
TEST_F(heap, held_list_links_and_unlinks)
{
	struct ce_domain *d = tl_dom(T, BIG);
	u32 seen[8], f0;

	ASSERT_EQ(CE_NO_FRAME, ce_held_next(H, P(0), CE_NO_FRAME));
	OK(tl_alloc(T, d, 3, P(0), EXACT, NULL));
	f0 = T->ext[tl_find_ext(T, d, P(0))].frame;
	hold_frame(T, P(0), f0 + 1);
	hold_frame(T, P(0), f0 + 4);
	hold_frame(T, P(0), f0 + 6);
	CHECK();
	ASSERT_EQ(3, held_walk(H, P(0), seen, 8));
	ASSERT_EQ(f0 + 6, seen[0]);
	ASSERT_EQ(f0 + 4, seen[1]);
	ASSERT_EQ(f0 + 1, seen[2]);
	/* Nothing linked on another node. */
	if (NP > 1)
		ASSERT_EQ(CE_NO_FRAME, ce_held_next(H, P(1), CE_NO_FRAME));
	ASSERT_EQ(0, ce_pool_audit(H, P(0), &(const char *){ NULL }));

	/* Release the middle one: the others stay linked, in order. */
	tl_release_held(T, ext_of(T, P(0), f0 + 4, true));
	CHECK();
	ASSERT_EQ(2, held_walk(H, P(0), seen, 8));
	ASSERT_EQ(f0 + 6, seen[0]);
	ASSERT_EQ(f0 + 1, seen[1]);
	/* A walker at f0 + 6 resumes there after a newer hold. */
	hold_frame(T, P(0), f0);
	ASSERT_EQ(f0 + 1, ce_held_next(H, P(0), f0 + 6));
	ASSERT_EQ(f0, ce_held_next(H, P(0), CE_NO_FRAME));
	CHECK();
	/* The head, then the tail, then the last one. */
	tl_release_held(T, ext_of(T, P(0), f0, true));
	tl_release_held(T, ext_of(T, P(0), f0 + 1, true));
	CHECK();
	ASSERT_EQ(1, held_walk(H, P(0), seen, 8));
	ASSERT_EQ(f0 + 6, seen[0]);
	tl_release_held(T, ext_of(T, P(0), f0 + 6, true));
	CHECK();
	ASSERT_EQ(CE_NO_FRAME, ce_held_next(H, P(0), CE_NO_FRAME));
	ASSERT_EQ(0, H->node[P(0)].held_pages);
	tl_destroy(T, d);
	CHECK();
}

/*
 * A broken held list is a violation: ce_check_invariants() sees an empty
 * list with pages held (and a head that is not a held frame) in O(1),
 * ce_pool_audit() walks it and sees a lost frame, a loop, bad prev links,
 * a listed frame that is free.
 */
TEST_F(heap, held_list_checked)
{
	struct ce_domain *d = tl_dom(T, BIG);
	struct ce_pool *p = &H->node[P(0)].pool;
	const char *why = NULL;
	u32 head, second, saved;

	OK(tl_alloc(T, d, 2, P(0), EXACT, NULL));
	head = T->ext[tl_find_ext(T, d, P(0))].frame;
	hold_frame(T, P(0), head);
	hold_frame(T, P(0), head + 2);
	CHECK();
	head = p->held_head;
	second = p->next[head];
	ASSERT_NE(CE_NO_FRAME, second);

	/* The list lost everything: the O(1) check sees it. */
	p->held_head = CE_NO_FRAME;
	ASSERT_EQ(-EUCLEAN, ce_check_invariants(H, &why));
	ASSERT_EQ(-EUCLEAN, ce_pool_audit(H, P(0), &why));
	p->held_head = head;
	/* The head is a free frame's number. */
	p->state[head] = 0x40;
	ASSERT_EQ(-EUCLEAN, ce_check_invariants(H, &why));
	p->state[head] = 0x80;
	/* The list lost its second frame: only the walk sees it. */
	saved = p->next[head];
	p->next[head] = CE_NO_FRAME;
	ASSERT_EQ(0, ce_check_invariants(H, &why));
	ASSERT_EQ(-EUCLEAN, ce_pool_audit(H, P(0), &why));
	ASSERT_NE(NULL, strstr(why, "lost"));
	/* A loop. */
	p->next[head] = head;
	ASSERT_EQ(-EUCLEAN, ce_pool_audit(H, P(0), &why));
	p->next[head] = saved;
	/* A prev link that is wrong. */
	p->prev[second] = second;
	ASSERT_EQ(-EUCLEAN, ce_pool_audit(H, P(0), &why));
	p->prev[second] = head;
	/* A listed frame that is not in use. */
	p->state[second] = 0xc0;
	ASSERT_EQ(-EUCLEAN, ce_pool_audit(H, P(0), &why));
	p->state[second] = 0x80;
	ASSERT_EQ(0, ce_pool_audit(H, P(0), &why));
	CHECK();
}

/* SET_MAX_PAGES recalls claims above max(0, max - tot): host-wide first. */
TEST_F(heap, set_max_pages_recalls_host_wide_first)
{
	struct ce_domain *d = tl_dom(T, 100);

	OK(INSTALL(d, { 30, P(0) }, { 40, HOST }));
	ce_set_max_pages(H, d, 200);
	CHECK();
	ASSERT_EQ(70, d->outstanding_pages);
	ce_set_max_pages(H, d, 70);
	CHECK();
	ASSERT_EQ(70, d->outstanding_pages);
	ce_set_max_pages(H, d, 60);
	CHECK();
	ASSERT_EQ(30, d->claims[P(0)]);
	ASSERT_EQ(30, tl_host_part(d));
	OK(tl_alloc(T, d, 3, P(0), EXACT, NULL));
	ASSERT_EQ(22, d->claims[P(0)]);
	ce_set_max_pages(H, d, 50);	/* allowed 42 of 52 */
	CHECK();
	ASSERT_EQ(22, d->claims[P(0)]);
	ASSERT_EQ(20, tl_host_part(d));
	ce_set_max_pages(H, d, 30);	/* allowed 22 of 42 */
	CHECK();
	ASSERT_EQ(22, d->claims[P(0)]);
	ASSERT_EQ(0, tl_host_part(d));
	ce_set_max_pages(H, d, 20);	/* allowed 12 */
	CHECK();
	ASSERT_EQ(12, d->claims[P(0)]);
	ASSERT_EQ(12, H->node[P(0)].outstanding_claims);
	ASSERT_EQ(12, H->outstanding_claims);
	/* Below tot_pages: nothing may stay claimed, nothing allocated. */
	ce_set_max_pages(H, d, 4);
	CHECK();
	ASSERT_EQ(4, d->max_pages);
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, H->outstanding_claims);
	FAILS_CLEANLY(E2BIG, tl_alloc(T, d, 0, -1, 0, NULL));
	/* Raising it again restores no claim. */
	ce_set_max_pages(H, d, 100);
	CHECK();
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(8, d->tot_pages);
}

/*
 * tot_pages > max_pages after SET_MAX_PAGES: step 3 read literally
 * ("tot_pages + total claims > max_pages") rejects even {0, HOST}; the
 * legacy release still works.  Nothing is claimed either way.
 */
TEST_F(heap, claims_while_tot_above_max)
{
	struct ce_domain *d = tl_dom(T, 100);

	OK(INSTALL(d, { 50, HOST }));
	OK(tl_alloc(T, d, 4, -1, 0, NULL));
	OK(tl_alloc(T, d, 4, -1, 0, NULL));
	ASSERT_EQ(18, d->outstanding_pages);
	ce_set_max_pages(H, d, 16);
	CHECK();
	ASSERT_EQ(0, d->outstanding_pages);
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1, HOST }));
	/* claiming nothing is never above max_pages: {0, HOST} clears */
	OK(INSTALL(d, { 0, HOST }));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 40));
	OK(ce_claim_pages_legacy(H, d, 0));
	ASSERT_EQ(16, tl_free_dom(T, d, -1, 16));
	ASSERT_EQ(16, d->tot_pages);
	OK(INSTALL(d, { 0, HOST }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1, HOST }));
	ce_set_max_pages(H, d, 17);
	OK(INSTALL(d, { 1, HOST }));
}

TEST_F(heap, offline_and_online)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 a0 = AV(n), total = H->total_avail_pages;
	u8 *seen = calloc(T->nr_frames[n], 1);
	u32 f, count;

	ASSERT_NE(NULL, seen);
	FAILS_CLEANLY(ENOENT, ce_offline_pages(H, self->nopool, 1));
	FAILS_CLEANLY(ENOENT, ce_offline_pages(H, 64, 1));
	FAILS_CLEANLY(ENOENT, ce_offline_pages(H, UINT32_MAX, 1));
	FAILS_CLEANLY(ENOENT, ce_online_pages(H, self->nopool, 0));
	FAILS_CLEANLY(ENOENT, ce_online_pages(H, 64, 0));
	FAILS_CLEANLY(ENOMEM, ce_offline_pages(H, n, a0 + 1));
	FAILS_CLEANLY(ENOMEM, ce_offline_pages(H, n, U64MAX));
	FAILS_CLEANLY(EINVAL, ce_online_pages(H, n, 1));
	FAILS_CLEANLY(EINVAL, ce_online_pages(H, n, U64MAX));
	OK(ce_offline_pages(H, n, 0));
	OK(ce_online_pages(H, n, 0));
	ASSERT_EQ(a0, AV(n));

	OK(ce_offline_pages(H, n, 10));
	ASSERT_EQ(a0 - 10, AV(n));
	ASSERT_EQ(10, H->node[n].offlined_pages);
	ASSERT_EQ(total - 10, H->total_avail_pages);
	/* The offlined frames: 10 distinct pool frames. */
	count = 0;
	for (f = ce_offline_frame_next(H, n, CE_NO_FRAME); f != CE_NO_FRAME;
	     f = ce_offline_frame_next(H, n, f)) {
		ASSERT_LT(f, T->nr_frames[n]);
		ASSERT_NE(0, T->chunk_of[n][f]);
		ASSERT_EQ(0, seen[f]);
		seen[f] = 1;
		ASSERT_LT(++count, 1000);
	}
	ASSERT_EQ(10, count);
	FAILS_CLEANLY(EINVAL, ce_online_pages(H, n, 11));
	OK(ce_online_pages(H, n, 4));
	ASSERT_EQ(6, H->node[n].offlined_pages);
	count = 0;
	for (f = ce_offline_frame_next(H, n, CE_NO_FRAME); f != CE_NO_FRAME;
	     f = ce_offline_frame_next(H, n, f))
		ASSERT_LT(++count, 1000);
	ASSERT_EQ(6, count);

	/* Offlined frames are never handed out (tl_alloc checks). */
	ASSERT_EQ(a0 - 6, fill_node(T, d, n));
	ASSERT_EQ(0, AV(n));
	FAILS_CLEANLY(ENOMEM, ce_offline_pages(H, n, 1));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, n, EXACT, NULL));
	tl_free_dom(T, d, n, U64MAX);
	CHECK();
	OK(ce_offline_pages(H, n, AV(n)));
	ASSERT_EQ(0, AV(n));
	ASSERT_EQ(a0, H->node[n].offlined_pages);
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, n, EXACT, NULL));
	free(seen);
	/* The teardown onlines everything and expects merged buddies. */
}

/* Frames a test marks bad (hardware poison); the heap's frame_bad reads them. */
static u8 *bad_frames[CE_MAX_NODES];

static bool test_frame_bad(u32 node, u32 frame)
{
	return bad_frames[node] && bad_frames[node][frame];
}

/* Is any page of an extent recorded by @t a bad frame? */
static bool ext_has_bad(const struct tl *t)
{
	size_t e;
	u32 i;

	for (e = 0; e < t->nr_ext; e++)
		for (i = 0; !t->ext[e].sp && i < (1U << t->ext[e].order); i++)
			if (test_frame_bad(t->ext[e].node, t->ext[e].frame + i))
				return true;
	return false;
}

/*
 * Hardware-poisoned frames (the module's PageHWPoison(), through
 * h->frame_bad) are retired when an allocation takes a block with them:
 * never handed out, counted offlined for good (retired_pages), never
 * onlined, the rest of the block back on the lists; the available memory
 * goes down and the claims that no longer fit are recalled, as an offline
 * does.  A held page that is poisoned is retired off the held list.
 */
TEST_F(heap, bad_frames_retired_never_handed_out)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 a0 = AV(n);
	u32 f, bad[2] = { CE_NO_FRAME, CE_NO_FRAME }, k = 0;
	size_t idx, held;

	bad_frames[n] = calloc(T->nr_frames[n], 1);
	ASSERT_NE(NULL, bad_frames[n]);
	/* Two pool frames far apart: the first one and one 100 later. */
	for (f = 0; f < T->nr_frames[n] && k < 2; f++)
		if (T->chunk_of[n][f] && (!k || f > bad[0] + 100))
			bad[k++] = f;
	ASSERT_EQ(2, k);
	bad_frames[n][bad[0]] = bad_frames[n][bad[1]] = 1;
	H->frame_bad = test_frame_bad;

	/* A claim of all the node's memory: 2 pages of it cannot be met. */
	OK(INSTALL(d, { a0, n }));
	ASSERT_EQ(a0 - 2, fill_node(T, d, n));
	CHECK();
	ASSERT_FALSE(ext_has_bad(T));
	ASSERT_EQ(0, AV(n));
	ASSERT_EQ(2, H->node[n].retired_pages);
	ASSERT_EQ(2, H->node[n].offlined_pages);
	ASSERT_EQ(0, d->claims[n]) TH_LOG("the claim was not recalled");
	ASSERT_EQ(0, H->outstanding_claims);
	/* Retired frames are not onlined. */
	FAILS_CLEANLY(EINVAL, ce_online_pages(H, n, 1));

	/* Everything back, then all of it again: never the bad frames. */
	tl_free_dom(T, d, n, U64MAX);
	CHECK();
	ASSERT_EQ(a0 - 2, AV(n));
	ASSERT_EQ(a0 - 2, fill_node(T, d, n));
	ASSERT_FALSE(ext_has_bad(T));
	ASSERT_EQ(2, H->node[n].retired_pages);
	tl_free_dom(T, d, n, U64MAX);

	/* A page poisoned while a domain has it, then held: retired. */
	OK(tl_alloc(T, d, 0, n, EXACT, NULL));
	idx = tl_find_ext(T, d, n);
	ASSERT_NE((size_t)-1, idx);
	f = T->ext[idx].frame;
	held = tl_hold_page(T, idx, 0);
	CHECK();
	ASSERT_EQ(1, H->node[n].held_pages);
	bad_frames[n][f] = 1;
	tl_retire_held(T, held);
	CHECK();
	ASSERT_EQ(0, H->node[n].held_pages);
	ASSERT_EQ(3, H->node[n].retired_pages);
	ASSERT_EQ(3, H->node[n].offlined_pages);
	ASSERT_EQ(a0 - 3, AV(n));
	ASSERT_EQ(a0 - 3, fill_node(T, d, n));
	ASSERT_FALSE(ext_has_bad(T));
	tl_free_dom(T, d, n, U64MAX);
	CHECK();

	H->frame_bad = NULL;
	free(bad_frames[n]);
	bad_frames[n] = NULL;
	/* The teardown expects the retired pages offline, for good. */
}

/*
 * Offline in two steps (the module's bounded heap-lock holds): the commit
 * takes the pages out of the accounting at once, atomically, recalling
 * claims; the frames then leave the free lists a batch at a time.  Between
 * batches the invariants hold, allocations go on but never reach a
 * committed frame, and an online cannot take frames still pending.
 */
TEST_F(heap, offline_commit_then_settle_in_batches)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 a0 = AV(n);
	u64 left, prev, calls = 0;

	ASSERT_LT(300, a0);
	OK(INSTALL(d, { a0 / 2, n }));
	FAILS_CLEANLY(ENOMEM, ce_offline_commit(H, n, a0 + 1));
	FAILS_CLEANLY(ENOENT, ce_offline_commit(H, self->nopool, 1));
	ASSERT_EQ(0, ce_offline_settle(H, self->nopool, 10));
	OK(ce_offline_commit(H, n, a0 - 100));
	ASSERT_EQ(100, AV(n));
	ASSERT_EQ(a0 - 100, H->node[n].offlined_pages);
	ASSERT_EQ(a0 - 100, H->node[n].offline_pending);
	/* The claim no longer fits: recalled by the commit, not later. */
	ASSERT_EQ(100, d->claims[n]);
	CHECK();
	/* Nothing pending can be onlined. */
	FAILS_CLEANLY(EINVAL, ce_online_pages(H, n, 1));
	/* Allocations between batches get the 100 pages, never more. */
	for (left = 0; left < 40; left++)
		OK(tl_alloc(T, d, 0, n, EXACT, NULL));
	for (left = prev = a0 - 100; left; prev = left) {
		left = ce_offline_settle(H, n, 7);
		ASSERT_GE(7, prev - left);
		ASSERT_LT(0, prev - left);
		CHECK();
		calls++;
	}
	ASSERT_EQ((a0 - 100 + 6) / 7, calls);
	ASSERT_EQ(0, H->node[n].offline_pending);
	ASSERT_EQ(60, fill_node(T, d, n));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, n, EXACT, NULL));
	tl_free_dom(T, d, n, U64MAX);
	OK(ce_online_pages(H, n, a0 - 100));
	ASSERT_EQ(a0, AV(n));
	CHECK();
}

/* Offlining recalls host-wide claims, newest domain first. */
TEST_F(heap, offline_recalls_host_wide_newest_first)
{
	struct ce_domain *f = tl_dom(T, BIG), *a, *b;
	const u32 n = P(0);
	u32 i;

	for (i = 1; i < NP; i++)
		fill_node(T, f, P(i));
	ASSERT_EQ(AV(n), H->total_avail_pages);
	a = tl_dom(T, BIG);
	b = tl_dom(T, BIG);
	OK(INSTALL(a, { 200, HOST }));
	OK(INSTALL(b, { 100, HOST }));
	OK(ce_offline_pages(H, n, AV(n) - 300));
	ASSERT_EQ(300, H->outstanding_claims);
	OK(ce_offline_pages(H, n, 30));
	ASSERT_EQ(200, a->outstanding_pages);
	ASSERT_EQ(70, b->outstanding_pages);
	OK(ce_offline_pages(H, n, 100));
	ASSERT_EQ(170, a->outstanding_pages);
	ASSERT_EQ(0, b->outstanding_pages);
	OK(ce_offline_pages(H, n, 170));
	ASSERT_EQ(0, a->outstanding_pages);
	ASSERT_EQ(0, H->outstanding_claims);
	ASSERT_EQ(0, H->total_avail_pages);
	/* Onlining restores no claim. */
	OK(ce_online_pages(H, n, 100));
	ASSERT_EQ(0, H->outstanding_claims);
	ASSERT_EQ(100, H->total_avail_pages);
}

/*
 * Offlining recalls node claims on the node (newest first) until
 * node_outstanding_claims <= node_avail_pages, then host-wide claims
 * (newest first) until outstanding_claims <= total_avail_pages; no counter
 * ever wraps (upstream Xen's known bug).
 */
TEST_F(heap, offline_recalls_node_then_host_wide)
{
	struct ce_domain *f = tl_dom(T, BIG), *a, *b, *c;
	const u32 n = P(0);
	u32 i;

	for (i = 1; i < NP; i++)
		fill_node(T, f, P(i));
	a = tl_dom(T, BIG);
	b = tl_dom(T, BIG);
	c = tl_dom(T, BIG);
	OK(INSTALL(a, { 100, n }, { 10, HOST }));
	OK(INSTALL(b, { 100, n }));
	OK(INSTALL(c, { 30, HOST }));
	OK(ce_offline_pages(H, n, AV(n) - 240));
	ASSERT_EQ(240, AV(n));
	ASSERT_EQ(240, H->outstanding_claims);

	OK(ce_offline_pages(H, n, 20));		/* avail 220 */
	ASSERT_EQ(110, a->outstanding_pages);
	ASSERT_EQ(100, b->outstanding_pages);
	ASSERT_EQ(10, c->outstanding_pages);

	OK(ce_offline_pages(H, n, 70));		/* avail 150 */
	ASSERT_EQ(100, a->claims[n]);
	ASSERT_EQ(50, b->claims[n]);
	ASSERT_EQ(0, c->outstanding_pages);
	ASSERT_EQ(0, tl_host_part(a));
	ASSERT_EQ(150, H->node[n].outstanding_claims);
	ASSERT_EQ(150, H->outstanding_claims);

	OK(ce_offline_pages(H, n, 100));	/* avail 50 */
	ASSERT_EQ(50, a->claims[n]);
	ASSERT_EQ(0, b->claims[n]);
	ASSERT_EQ(50, H->outstanding_claims);

	OK(ce_offline_pages(H, n, 50));		/* avail 0 */
	ASSERT_EQ(0, a->outstanding_pages);
	ASSERT_EQ(0, H->node[n].outstanding_claims);
	ASSERT_EQ(0, H->outstanding_claims);
	ASSERT_EQ(0, AV(n));
	FAILS_CLEANLY(ENOMEM, ce_offline_pages(H, n, 1));
	OK(ce_online_pages(H, n, 240));
	ASSERT_EQ(0, H->outstanding_claims);
}

TEST_F(heap, set_node_affinity)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u64 pools = H->nodes_with_pool;

	FAILS_CLEANLY(EINVAL, ce_set_node_affinity(H, d, 0));
	if (self->nopool < CE_MAX_NODES)
		FAILS_CLEANLY(EINVAL, ce_set_node_affinity(H, d,
					BIT_ULL(self->nopool)));
	FAILS_CLEANLY(EINVAL, ce_set_node_affinity(H, d, ~pools));
	ASSERT_EQ(pools, d->node_affinity);
	OK(ce_set_node_affinity(H, d, BIT_ULL(P(0))));
	ASSERT_EQ(BIT_ULL(P(0)), d->node_affinity);
	/* Bits of nodes without a pool are dropped. */
	OK(ce_set_node_affinity(H, d, ~0ULL));
	ASSERT_EQ(pools, d->node_affinity);
	OK(ce_set_node_affinity(H, d, BIT_ULL(PL) | BIT_ULL(63)));
	ASSERT_EQ(BIT_ULL(PL), d->node_affinity);
	FAILS_CLEANLY(EINVAL, ce_set_node_affinity(H, d, BIT_ULL(63)));
	ASSERT_EQ(BIT_ULL(PL), d->node_affinity);
}

/* ce_check_invariants() notices every kind of broken accounting. */
/* @field off by @delta is an invariant violation (needs `why`). */
#define CORRUPT(field, delta) do {					\
	field += (delta);						\
	why = NULL;							\
	EXPECT_EQ(-EUCLEAN, ce_check_invariants(H, &why))		\
		TH_LOG("%s %+d not detected", #field, (int)(delta));	\
	EXPECT_TRUE(why != NULL);					\
	field -= (delta);						\
	CHECK();							\
} while (0)

TEST_F(heap, invariant_checker_detects_corruption)
{
	struct ce_domain *d = tl_dom(T, 100);
	const char *why;
	const u32 n = P(0);


	OK(INSTALL(d, { 10, n }, { 20, HOST }));
	OK(tl_alloc(T, d, 2, n, EXACT, NULL));
	CORRUPT(H->outstanding_claims, 1);
	CORRUPT(H->outstanding_claims, -1);
	CORRUPT(H->total_avail_pages, 1);
	CORRUPT(H->node[n].avail_pages, -1);
	CORRUPT(H->node[n].outstanding_claims, 1);
	CORRUPT(H->node[n].offlined_pages, 1);
	CORRUPT(H->node[n].reserved_pages, 1);
	CORRUPT(H->node[n].pool.nr_free, 1);
	CORRUPT(H->nr_domains, 1);
	CORRUPT(d->outstanding_pages, 1);
	CORRUPT(d->node_claims, 1);
	CORRUPT(d->claims[n], 1);
	CORRUPT(d->tot_pages, 1);
	CORRUPT(d->uncounted_pages, 1);
	CORRUPT(d->node_pages[n], 1);
	CORRUPT(d->max_pages, -75);	/* outstanding 26 > max 25 - tot 4 */
	CORRUPT(H->nodes_with_pool, BIT_ULL(40));
}

/* ------------------------------------------------------------ superpages */

#define SPAV(n)	(H->node[(n)].sp_avail)

/* Every superpage a domain has anywhere, freed whole. */
static void free_sps(struct tl *t, const struct ce_domain *d)
{
	size_t e = t->nr_ext;

	while (e-- > 0)
		if (t->ext[e].sp && !t->ext[e].held && t->ext[e].d == d)
			tl_free_ext(t, e);
}

static u8 *bad_sps[CE_MAX_NODES];

static bool test_sp_bad(u32 node, u32 index)
{
	return bad_sps[node] && bad_sps[node][index];
}

/*
 * A superpage with a bad (poisoned) page is retired whole when an
 * allocation takes it: never handed out, not free, counted in sp_retired;
 * the superpage claims that no longer fit are recalled.  A held one that
 * is bad is retired off the held count.
 */
TEST_F(heap, bad_superpages_retired_never_handed_out)
{
	struct ce_domain *a = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 s = SPAV(n);
	u32 node, idx, k;
	size_t e, held;

	if (s < 3)
		SKIP(return, "fewer than 3 superpages on node %u", n);
	bad_sps[n] = calloc(H->node[n].sp_nr, 1);
	ASSERT_NE(NULL, bad_sps[n]);
	bad_sps[n][H->node[n].sp_free[s - 1]] = 1;	/* the next one out */
	H->sp_bad = test_sp_bad;
	/* A claim of every superpage: one of them cannot be met. */
	OK(INSTALL(a, { s * SP, n, SPC }));
	for (k = 0; k < s - 1; k++) {
		OK(tl_alloc_sp(T, a, n, EXACT, &node));
		CHECK();
	}
	ASSERT_EQ(-ENOMEM, tl_alloc_sp(T, a, n, EXACT, &node));
	CHECK();
	ASSERT_EQ(1, H->node[n].sp_retired);
	ASSERT_EQ(0, SPAV(n));
	ASSERT_EQ(0, a->sp_claims[n]) TH_LOG("the claim was not recalled");
	for (e = 0; e < T->nr_ext; e++)
		if (T->ext[e].sp)
			ASSERT_FALSE(test_sp_bad(T->ext[e].node,
						 T->ext[e].frame));
	/* A held superpage found bad: retired, not freed. */
	e = tl_find_ext(T, a, n);
	ASSERT_NE((size_t)-1, e);
	ASSERT_TRUE(T->ext[e].sp);
	idx = T->ext[e].frame;
	held = tl_hold_sp(T, e);
	bad_sps[n][idx] = 1;
	tl_retire_held(T, held);
	CHECK();
	ASSERT_EQ(2, H->node[n].sp_retired);
	ASSERT_EQ(0, H->node[n].sp_held);
	free_sps(T, a);
	CHECK();
	ASSERT_EQ(s - 2, SPAV(n));
	H->sp_bad = NULL;
	free(bad_sps[n]);
	bad_sps[n] = NULL;
}

/*
 * The protection a superpage claim gives: whatever other domains do with
 * 4 KiB pages and superpages (allocate all they can, counted or not, free,
 * allocate again), the owner can still populate every claimed superpage on
 * the node.
 */
TEST_F(heap, sp_claim_protects_superpages)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 s = SPAV(n);
	u64 k, got;
	u32 node, i;
	int rc;

	ASSERT_LE(2, s);
	OK(INSTALL(a, { s * SP, n, SPC }));
	ASSERT_EQ(s, a->sp_claims[n]);
	ASSERT_EQ(s, H->node[n].sp_claims);
	/* Superpage claims are not 4 KiB claims. */
	ASSERT_EQ(0, a->outstanding_pages);
	ASSERT_EQ(0, H->outstanding_claims);

	/* Nobody else gets one of the node's superpages. */
	FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, b, n, 0, &node, &i));
	FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, b, n, NOREF, &node, &i));
	FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, b, n, EXACT, &node, &i));
	FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, NULL, n, 0, &node, &i));
	/* Without a node they come from other nodes, never from n. */
	while (!(rc = tl_alloc_sp(T, b, -1, 0, &node))) {
		ASSERT_NE(n, node);
		CHECK();
	}
	ASSERT_EQ(-ENOMEM, rc);
	while (!(rc = tl_alloc_sp(T, b, -1, NOREF, &node)))
		ASSERT_NE(n, node);
	ASSERT_EQ(-ENOMEM, rc);
	/* All of the 4 KiB memory, everywhere, in every order. */
	for (i = 0; i < NP; i++)
		fill_node(T, b, P(i));
	CHECK();
	ASSERT_EQ(0, H->total_avail_pages);
	ASSERT_EQ(s, SPAV(n));
	/* Free and allocate again, decrease page by page. */
	ASSERT_LT(0, tl_free_dom(T, b, -1, 700));
	ASSERT_EQ(-ENOMEM, tl_alloc_sp(T, b, n, 0, NULL));
	for (i = 0; i < NP; i++)
		fill_node(T, b, P(i));
	CHECK();

	/* The owner populates all it claimed, with or without the node. */
	for (k = 0; k < s; k++) {
		OK(tl_alloc_sp(T, a, k % 2 ? (int)n : -1, 0, &node));
		ASSERT_EQ(n, node);
		ASSERT_EQ(s - k - 1, a->sp_claims[n]);
		ASSERT_EQ(SP, a->redeemed[0]);
	}
	ASSERT_EQ(s * SP, a->tot_pages);
	ASSERT_EQ(s, a->sp_pages[n]);
	ASSERT_EQ(s * SP, a->node_pages[n]);
	ASSERT_EQ(0, SPAV(n));
	ASSERT_EQ(0, H->node[n].sp_claims);
	FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, a, n, 0, &node, &i));
	got = tl_dom_sp(T, a, n);
	ASSERT_EQ(s, got);
	free_sps(T, a);
	CHECK();
	ASSERT_EQ(s, SPAV(n));
}

/* Unclaimed superpages are anyone's; a claimed one only its owner's. */
TEST_F(heap, sp_unclaimed_for_anyone_claimed_for_owner)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	struct ce_domain *c = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 s = SPAV(n), a0 = AV(n), total0 = H->total_avail_pages;
	u32 node, k;

	/* No claims: counted, NO_REFCOUNT, for nobody. */
	OK(tl_alloc_sp(T, a, n, 0, &node));
	OK(tl_alloc_sp(T, b, n, NOREF, &node));
	ASSERT_EQ(0, b->tot_pages);
	ASSERT_EQ(SP, b->uncounted_pages);
	ASSERT_EQ(1, b->sp_pages[n]);
	ASSERT_EQ(s - 2, SPAV(n));
	/* The 4 KiB counters never see a superpage. */
	ASSERT_EQ(a0, AV(n));
	ASSERT_EQ(total0, H->total_avail_pages);
	free_sps(T, a);
	free_sps(T, b);
	CHECK();
	ASSERT_EQ(0, tl_alloc_sp(T, NULL, n, EXACT, &node));
	ASSERT_EQ(n, node);
	ASSERT_EQ(s - 1, SPAV(n));
	tl_free_ext(T, tl_find_ext(T, NULL, -1));
	CHECK();

	/* c claims one: the others get s - 1, c still gets its own. */
	OK(INSTALL(c, { SP, n, SPC }));
	for (k = 0; k + 1 < s; k++)
		OK(tl_alloc_sp(T, k % 2 ? a : b, n, k % 3 ? 0 : NOREF, NULL));
	FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, a, n, 0, &node, &k));
	FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, NULL, n, 0, &node, &k));
	/* Its owner's NO_REFCOUNT allocation may not use the claim either. */
	FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, c, n, NOREF, &node, &k));
	OK(tl_alloc_sp(T, c, n, 0, &node));
	ASSERT_EQ(0, c->sp_claims[n]);
	ASSERT_EQ(0, SPAV(n));
}

/* 4 KiB claims never hold superpages back, nor the other way round. */
TEST_F(heap, sp_and_4k_claims_are_apart)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 s = SPAV(n), total = H->total_avail_pages;

	/* All 4 KiB memory of the host claimed by a: b still gets superpages. */
	OK(INSTALL(a, { AV(n), n }, { total - AV(n), HOST }));
	OK(tl_alloc_sp(T, b, n, 0, NULL));
	ASSERT_EQ(-ENOMEM, tl_alloc(T, b, 0, -1, 0, NULL));
	free_sps(T, b);
	/* ... and all superpages of n claimed too, beside them: fine. */
	OK(INSTALL(a, { AV(n), n }, { s * SP, n, SPC },
		   { total - AV(n), HOST }));
	ASSERT_EQ(total, a->outstanding_pages);
	ASSERT_EQ(s, a->sp_claims[n]);
	ASSERT_EQ(total, H->outstanding_claims);
	/* Step 4 counts 4 KiB claims only: b's superpage claim fits. */
	OK(INSTALL(a, { 0, HOST }));
	OK(INSTALL(b, { total, HOST }, { SP, n, SPC }));
	OK(INSTALL(b, { 0, HOST }));
	/* Step 3 counts superpage claims: one page short of max_pages. */
	ce_set_max_pages(H, b, total + SP - 1);
	FAILS_CLEANLY(EINVAL, INSTALL(b, { total, HOST }, { SP, n, SPC }));
	ce_set_max_pages(H, b, total + SP);
	OK(INSTALL(b, { total, HOST }, { SP, n, SPC }));
	OK(INSTALL(b, { 0, HOST }));
}

/* ENOMEM when the superpages are not there (own claim counts as free). */
TEST_F(heap, sp_install_enomem)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 s = SPAV(n);
	u32 i;

	FAILS_CLEANLY(ENOMEM, INSTALL(a, { (s + 1) * SP, n, SPC }));
	OK(INSTALL(a, { s * SP, n, SPC }));
	FAILS_CLEANLY(ENOMEM, INSTALL(b, { SP, n, SPC }));
	/* a's own claim is replaced, so it counts as free. */
	OK(INSTALL(a, { s * SP, n, SPC }));
	OK(INSTALL(a, { (s - 1) * SP, n, SPC }));
	OK(INSTALL(b, { SP, n, SPC }));
	FAILS_CLEANLY(ENOMEM, INSTALL(a, { s * SP, n, SPC }));
	OK(INSTALL(b, { 0, n, SPC }));
	/* Superpages in use are not free to claim. */
	OK(tl_alloc_sp(T, b, n, 0, NULL));
	ASSERT_EQ(s - 1, a->sp_claims[n]);
	FAILS_CLEANLY(ENOMEM, INSTALL(a, { s * SP, n, SPC }));
	/* Nodes without superpages have none to claim. */
	for (i = 0; i < NP; i++)
		if (!SPAV(P(i)))
			FAILS_CLEANLY(ENOMEM, INSTALL(a, { SP, P(i), SPC }));
	OK(INSTALL(a, { 0, HOST }));
	ASSERT_EQ(0, a->sp_claims_total);
	free_sps(T, b);
}

/* GET: 4 KiB node entries, superpage entries, HOST; ERANGE. */
TEST_F(heap, sp_get_claim_set)
{
	struct ce_domain *d = tl_dom(T, BIG), *e = tl_dom(T, BIG);
	claim_t in[2 * CE_MAX_NODES + 1], out[2 * CE_MAX_NODES + 1];
	u32 nr = 0, want = 0, k = 0, i;

	/* Array order scrambled: superpages first, HOST in the middle. */
	for (i = NP; i-- > 0;)
		if (SPAV(P(i)))
			in[nr++] = (claim_t){ SP, P(i), SPC };
	in[nr++] = (claim_t){ 9, HOST };
	for (i = NP; i-- > 0;)
		in[nr++] = (claim_t){ 3 + i, P(i) };
	OK(ce_claim_set_install(H, d, in, nr));
	want = nr;

	/* One entry short: ERANGE with the number needed, nothing changed. */
	out[0] = (claim_t){ 77, 77, 77 };
	nr = want - 1;
	ASSERT_EQ(-ERANGE, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(want, nr);
	nr = 0;
	ASSERT_EQ(-ERANGE, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(want, nr);
	ASSERT_EQ(77, out[0].pages);

	nr = ARRAY_SIZE(out);
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(want, nr);
	for (i = 0; i < NP; i++, k++) {
		ASSERT_EQ(P(i), out[k].target);
		ASSERT_EQ(3 + i, out[k].pages);
		ASSERT_EQ(0, out[k].cmd);
	}
	for (i = 0; i < NP; i++) {
		if (!SPAV(P(i)))
			continue;
		ASSERT_EQ(P(i), out[k].target);
		ASSERT_EQ(SP, out[k].pages);
		ASSERT_EQ(SPC, out[k].cmd);
		k++;
	}
	ASSERT_EQ(HOST, out[k].target);
	ASSERT_EQ(9, out[k].pages);
	ASSERT_EQ(0, out[k].cmd);
	ASSERT_EQ(want, k + 1);

	/* What GET wrote installs as it is (e gets what d frees first). */
	OK(INSTALL(d, { 0, HOST }));
	OK(ce_claim_set_install(H, e, out, nr));
	nr = ARRAY_SIZE(in);
	ASSERT_EQ(0, ce_claim_set_get(H, e, in, &nr));
	ASSERT_EQ(want, nr);
	ASSERT_EQ(0, memcmp(in, out, nr * sizeof(in[0])));
	ASSERT_EQ(0, d->sp_claims_total);
	OK(INSTALL(e, { 0, HOST }));
}

/* Redeem: the own superpage claim on the node first, 4 KiB claims untouched. */
TEST_F(heap, sp_redeem_own_superpage_claim_first)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u32 n = P(0);
	u32 node;

	OK(INSTALL(d, { 100, n }, { 5, HOST }, { SP, n, SPC }));
	OK(tl_alloc_sp(T, d, -1, 0, &node));
	ASSERT_EQ(n, node);
	ASSERT_EQ(0, d->sp_claims[n]);
	ASSERT_EQ(100, d->claims[n]);
	ASSERT_EQ(5, tl_host_part(d));
	ASSERT_EQ(SP, d->redeemed[0]);
	ASSERT_EQ(0, d->redeemed[1] + d->redeemed[2]);
	/* Without a superpage claim: the 4 KiB claims, node then host. */
	OK(tl_alloc_sp(T, d, n, 0, &node));
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(100, d->redeemed[0]);
	ASSERT_EQ(5, d->redeemed[1]);
	ASSERT_EQ(2 * SP, d->tot_pages);
	free_sps(T, d);
	/* NO_REFCOUNT redeems nothing. */
	OK(INSTALL(d, { 7, n }, { SP, n, SPC }));
	OK(tl_alloc_sp(T, d, n, NOREF, &node));
	ASSERT_EQ(1, d->sp_claims[n]);
	ASSERT_EQ(7, d->claims[n]);
	ASSERT_EQ(SP, d->uncounted_pages);
	OK(INSTALL(d, { 0, HOST }));
	free_sps(T, d);
}

/* CLAIM_PAGES is one claim at a time: superpage claims count. */
TEST_F(heap, sp_legacy_claim_pages)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u32 n = P(0);

	OK(INSTALL(d, { SP, n, SPC }));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 100));
	/* 0 releases every claim, superpages too. */
	OK(ce_claim_pages_legacy(H, d, 0));
	ASSERT_EQ(0, d->sp_claims[n]);
	ASSERT_EQ(0, H->node[n].sp_claims);
	OK(ce_claim_pages_legacy(H, d, 100));
	ASSERT_EQ(100, tl_host_part(d));
	OK(ce_claim_pages_legacy(H, d, 0));
	/* A LEGACY entry replaces every claim, superpages too. */
	OK(INSTALL(d, { 3, n }, { SP, n, SPC }));
	OK(INSTALL(d, { 50, LEGACY }));
	ASSERT_EQ(0, d->sp_claims_total);
	ASSERT_EQ(50, d->outstanding_pages);
	ASSERT_EQ(0, d->claims[n]);
	OK(INSTALL(d, { 0, LEGACY }));
}

/* Superpage allocation errors: ENOENT, E2BIG, ENOMEM, each changing nothing. */
TEST_F(heap, sp_alloc_errors_in_order)
{
	struct ce_domain *d = tl_dom(T, SP - 1), *e = tl_dom(T, BIG);
	const u32 n = P(0);
	u32 node, idx, i;

	/* ENOENT before E2BIG. */
	FAILS_CLEANLY(ENOENT, ce_alloc_superpage(H, d, self->nopool, 0, &node, &idx));
	FAILS_CLEANLY(ENOENT, ce_alloc_superpage(H, d, CE_MAX_NODES, 0, &node, &idx));
	FAILS_CLEANLY(ENOENT, ce_alloc_superpage(H, d, 1000, EXACT, &node, &idx));
	/* E2BIG: 511 pages of room; NO_REFCOUNT is not limited. */
	FAILS_CLEANLY(E2BIG, ce_alloc_superpage(H, d, n, 0, &node, &idx));
	FAILS_CLEANLY(E2BIG, ce_alloc_superpage(H, d, -1, 0, &node, &idx));
	OK(tl_alloc_sp(T, d, n, NOREF, NULL));
	ce_set_max_pages(H, d, SP);
	OK(tl_alloc_sp(T, d, n, 0, NULL));
	FAILS_CLEANLY(E2BIG, ce_alloc_superpage(H, d, n, 0, &node, &idx));
	free_sps(T, d);
	/* ENOMEM: a requested node without superpages is the only choice. */
	for (i = 0; i < NP; i++)
		if (!SPAV(P(i))) {
			FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, e, P(i), 0,
								 &node, &idx));
			FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, e, P(i), EXACT,
								 &node, &idx));
		}
	while (!tl_alloc_sp(T, e, -1, 0, NULL))
		;
	for (i = 0; i < NP; i++)
		ASSERT_EQ(0, SPAV(P(i)));
	FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, e, -1, 0, &node, &idx));
	FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, NULL, -1, 0, &node, &idx));
	free_sps(T, e);
}

/* A held superpage: out of the domain, not free, until released. */
TEST_F(heap, sp_held_wait_for_release)
{
	struct ce_domain *d = tl_dom(T, BIG), *e = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 s = SPAV(n);
	size_t held, held2;

	OK(INSTALL(d, { SP, n, SPC }));
	OK(tl_alloc_sp(T, d, n, 0, NULL));
	ASSERT_EQ(0, d->sp_claims[n]);
	OK(tl_alloc_sp(T, e, n, NOREF, NULL));
	held = tl_hold_sp(T, tl_find_ext(T, d, n));
	CHECK();
	ASSERT_EQ(0, d->tot_pages);
	ASSERT_EQ(0, d->node_pages[n]);
	ASSERT_EQ(0, d->sp_pages[n]);
	ASSERT_EQ(1, H->node[n].sp_held);
	ASSERT_EQ(s - 2, SPAV(n));
	/* Freeing never gives claims back, held or not. */
	ASSERT_EQ(0, d->sp_claims[n]);
	/* An uncounted one. */
	held2 = tl_hold_sp(T, tl_find_ext(T, e, n));
	CHECK();
	ASSERT_EQ(0, e->uncounted_pages);
	ASSERT_EQ(2, H->node[n].sp_held);
	/* The held ones outlive their domains. */
	tl_destroy(T, e);
	CHECK();
	/* Losing track of a held superpage is a violation. */
	H->node[n].sp_held--;
	ASSERT_EQ(-EUCLEAN, ce_check_invariants(H, &(const char *){ NULL }));
	H->node[n].sp_held++;
	CHECK();
	/* Released (largest index first or not): free again. */
	tl_release_held(T, held2 > held ? held2 : held);
	tl_release_held(T, held2 > held ? held : held2);
	CHECK();
	ASSERT_EQ(0, H->node[n].sp_held);
	ASSERT_EQ(s, SPAV(n));
	ASSERT_EQ(0, d->sp_claims[n]);
	ASSERT_EQ(0, d->tot_pages);
}

/* The checker catches every superpage counter that goes wrong. */
TEST_F(heap, sp_invariant_checker_detects_corruption)
{
	struct ce_domain *d = tl_dom(T, 2 * SP);
	const char *why;
	const u32 n = P(0);
	const int slots = H->node[n].sp_nr;

	OK(tl_alloc_sp(T, d, n, 0, NULL));
	OK(INSTALL(d, { SP, n, SPC }));
	ASSERT_EQ(0, ce_check_invariants(H, &why));
	CORRUPT(H->node[n].sp_avail, 1);
	CORRUPT(H->node[n].sp_avail, -1);
	CORRUPT(H->node[n].sp_claims, 1);
	CORRUPT(H->node[n].sp_claims, -1);
	CORRUPT(H->node[n].sp_held, 1);
	CORRUPT(H->node[n].sp_reserved, 1);
	CORRUPT(H->node[n].sp_nr, -slots);
	CORRUPT(d->sp_claims[n], 1);
	CORRUPT(d->sp_claims_total, 1);
	CORRUPT(d->sp_pages[n], 1);
	CORRUPT(d->sp_pages[n], -1);
	CORRUPT(d->node_pages[n], -1);
	CORRUPT(d->max_pages, -1);	/* 512 + 512 claimed > 1023 */
	OK(INSTALL(d, { 0, HOST }));
	free_sps(T, d);
}


/* =========================================================== fixture numa */

FIXTURE(numa) {
	struct tl t;
	u32 nopool;
};

FIXTURE_VARIANT(numa) {
	const struct tl_layout *layout;
};

FIXTURE_VARIANT_ADD(numa, two_nodes) { .layout = &two_nodes };
FIXTURE_VARIANT_ADD(numa, four_nodes) { .layout = &four_nodes };
FIXTURE_VARIANT_ADD(numa, sparse_nodes) { .layout = &sparse_nodes };

FIXTURE_SETUP(numa)
{
	ASSERT_EQ(0, tl_build(T, variant->layout));
	ASSERT_GE(NP, 2);
	self->nopool = no_pool_node(H);
}

FIXTURE_TEARDOWN(numa)
{
	const char *msg = tl_finish(T);

	if (msg) {
		TH_LOG("teardown: %s", msg);
		EXPECT_TRUE(msg == NULL);
	}
	tl_release(T);
}

/* Node claims protect a node's memory from other domains. */
TEST_F(numa, node_claim_protects_node)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 a0 = AV(n);
	u32 node;
	int i;

	OK(INSTALL(a, { a0, n }));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, b, 0, n, EXACT, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, b, 0, n, EXACT | NOREF, NULL));
	/* Without EXACT the request falls back to another node. */
	OK(tl_alloc(T, b, 0, n, 0, &node));
	ASSERT_NE(n, node);
	for (i = 0; i < 2 * (int)NP; i++) {
		OK(tl_alloc(T, b, 0, -1, 0, &node));
		ASSERT_NE(n, node);
	}
	/* The claimant allocates there and redeems. */
	OK(tl_alloc(T, a, 9, n, EXACT, &node));
	ASSERT_EQ(n, node);
	ASSERT_EQ(a0 - 512, a->claims[n]);
	/* a's claim on n does not help it elsewhere beyond unclaimed. */
	OK(tl_alloc(T, a, 0, PL, EXACT, NULL));
	ASSERT_EQ(a0 - 513, a->claims[n]);	/* step 3: other nodes */
}

/* A host-wide claim does not open a node that others have claimed. */
TEST_F(numa, host_claim_does_not_beat_node_claim)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	const u32 n = P(0);

	OK(INSTALL(a, { AV(n), n }));
	OK(INSTALL(b, { 100, HOST }));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, b, 0, n, EXACT, NULL));
	OK(tl_alloc(T, b, 0, n, 0, NULL));
	ASSERT_EQ(99, b->outstanding_pages);
	ASSERT_EQ(0, b->node_pages[n]);
}

/*
 * A claim on one node does not open another node that others claimed,
 * although it lets the request pass the host check; an unclaimed node is
 * open to it and the claim is redeemed (step 3).
 */
TEST_F(numa, own_claim_elsewhere_does_not_open_claimed_node)
{
	struct ce_domain *a = tl_dom(T, BIG), *d = tl_dom(T, BIG);
	struct ce_domain *hog = tl_dom(T, BIG);
	const u32 n0 = P(0), n1 = P(1);
	u32 node;

	OK(INSTALL(a, { AV(n0), n0 }));
	OK(INSTALL(d, { 10, n1 }));
	OK(INSTALL(hog, { tl_unclaimed(T), HOST }));
	ASSERT_EQ(0, tl_unclaimed(T));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, n0, EXACT, NULL));
	OK(tl_alloc(T, d, 2, n0, 0, &node));
	ASSERT_EQ(n1, node);
	ASSERT_EQ(6, d->claims[n1]);
	/* a lets n0 go: d may use it, paying with its claim on n1. */
	OK(INSTALL(a, { 0, HOST }));
	ASSERT_EQ(AV(n0), tl_unclaimed(T));
	OK(tl_alloc(T, d, 2, n0, EXACT, &node));
	ASSERT_EQ(n0, node);
	ASSERT_EQ(2, d->claims[n1]);
	ASSERT_EQ(4, d->node_pages[n0]);
}

/* Redeem order: node claim, host-wide part, then other nodes' claims. */
TEST_F(numa, redeem_order)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u32 n0 = P(0), n1 = P(1);

	OK(INSTALL(d, { 10, n0 }, { 10, n1 }, { 10, HOST }));
	OK(tl_alloc(T, d, 4, n0, EXACT, NULL));
	ASSERT_EQ(0, d->claims[n0]);
	ASSERT_EQ(4, tl_host_part(d));
	ASSERT_EQ(10, d->claims[n1]);
	OK(tl_alloc(T, d, 4, n0, EXACT, NULL));
	ASSERT_EQ(0, d->claims[n0]);
	ASSERT_EQ(0, tl_host_part(d));
	ASSERT_EQ(0, d->claims[n1]);
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, H->outstanding_claims);
	ASSERT_EQ(32, d->tot_pages);

	/* An allocation on a node without own claim: host-wide first. */
	OK(INSTALL(d, { 10, n1 }, { 5, HOST }));
	OK(tl_alloc(T, d, 3, n0, EXACT, NULL));
	ASSERT_EQ(0, tl_host_part(d));
	ASSERT_EQ(7, d->claims[n1]);
	ASSERT_EQ(7, H->node[n1].outstanding_claims);
}

/* Other nodes' claims are redeemed from the node after n, wrapping. */
TEST_F(numa, redeem_other_nodes_from_next_node_wrapping)
{
	struct ce_domain *d = tl_dom(T, BIG);
	/* The allocation node; the one after it wraps around to P(0). */
	const u32 mid = NP == 2 ? 1 : NP - 2;
	const u32 n = P(mid);
	claim_t set[CE_MAX_NODES];
	u32 i, k = 0;

	for (i = 0; i < NP; i++)
		if (i != mid)
			set[k++] = (claim_t){ 5, P(i) };
	OK(ce_claim_set_install(H, d, set, k));
	/* 8 pages on n: 5 from the next node after n, 3 from the one after. */
	OK(tl_alloc(T, d, 3, n, EXACT, NULL));
	for (i = 0; i < NP; i++) {
		u32 rank = (i + NP - mid) % NP;	/* 1 = first after n */
		u64 want = rank == 0 ? 0 : rank == 1 ? 0 : rank == 2 ? 2 : 5;

		ASSERT_EQ(want, d->claims[P(i)]) TH_LOG("node %u", P(i));
	}
	/* With two nodes only 5 of the 8 pages had a claim to redeem. */
	ASSERT_EQ(NP == 2 ? 0 : 5 * (NP - 1) - 8, d->outstanding_pages);
}

/* The max_pages invariant holds even when allocating off-claim. */
TEST_F(numa, redeem_keeps_max_pages_invariant)
{
	struct ce_domain *d = tl_dom(T, 40);

	OK(INSTALL(d, { 20, P(0) }, { 20, P(1) }));
	OK(tl_alloc(T, d, 4, PL, EXACT, NULL));
	ASSERT_EQ(40, d->tot_pages + d->outstanding_pages);
	OK(tl_alloc(T, d, 4, PL, EXACT, NULL));
	ASSERT_EQ(40, d->tot_pages + d->outstanding_pages);
	FAILS_CLEANLY(E2BIG, tl_alloc(T, d, 4, PL, EXACT, NULL));
	OK(tl_alloc(T, d, 3, PL, EXACT, NULL));
	ASSERT_EQ(0, d->outstanding_pages);
}

TEST_F(numa, exact_node)
{
	struct ce_domain *f = tl_dom(T, BIG), *d = tl_dom(T, BIG);
	const u32 n = P(0);
	u64 freed;
	u32 node;

	fill_node(T, f, n);
	ASSERT_EQ(0, AV(n));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, n, EXACT, NULL));
	OK(tl_alloc(T, d, 0, n, 0, &node));
	ASSERT_NE(n, node);
	OK(tl_alloc(T, d, 0, PL, EXACT, &node));
	ASSERT_EQ(PL, node);
	/* Without a requested node, EXACT keeps to the affinity. */
	OK(ce_set_node_affinity(H, d, BIT_ULL(n)));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, -1, EXACT, NULL));
	OK(tl_alloc(T, d, 0, -1, 0, &node));
	ASSERT_NE(n, node);
	OK(ce_set_node_affinity(H, d, BIT_ULL(n) | BIT_ULL(PL)));
	OK(tl_alloc(T, d, 0, -1, EXACT, &node));
	ASSERT_EQ(PL, node);
	/* EXACT with a node: only that node, whatever the affinity. */
	freed = tl_free_dom(T, f, n, 1);
	OK(ce_set_node_affinity(H, d, BIT_ULL(PL)));
	ASSERT_EQ(freed, tl_alloc_n(T, d, 0, n, EXACT, freed, NULL));
	ASSERT_EQ(freed, d->node_pages[n]);
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, n, EXACT, NULL));
}

/* Round robin over the affinity from the node after the last one used. */
TEST_F(numa, affinity_round_robin)
{
	struct ce_domain *d = tl_dom(T, BIG);
	u32 node, prev, i, k;

	OK(tl_alloc(T, d, 0, -1, 0, &prev));
	ASSERT_EQ(prev, d->last_alloc_node);
	for (k = 0; k < 3 * NP; k++) {
		OK(tl_alloc(T, d, 0, -1, 0, &node));
		for (i = 0; i < NP && P(i) != prev; i++)
			;
		ASSERT_EQ(P((i + 1) % NP), node) TH_LOG("after %u", prev);
		ASSERT_EQ(node, d->last_alloc_node);
		prev = node;
	}
	/* Two-node affinity alternates. */
	OK(ce_set_node_affinity(H, d, BIT_ULL(P(0)) | BIT_ULL(PL)));
	OK(tl_alloc(T, d, 0, -1, 0, &prev));
	for (k = 0; k < 6; k++) {
		OK(tl_alloc(T, d, 0, -1, 0, &node));
		ASSERT_EQ(prev == P(0) ? PL : P(0), node);
		prev = node;
	}
	/* A requested node moves the round robin on. */
	OK(ce_set_node_affinity(H, d, ~0ULL));
	OK(tl_alloc(T, d, 0, P(0), 0, &node));
	ASSERT_EQ(P(0), node);
	OK(tl_alloc(T, d, 0, -1, 0, &node));
	ASSERT_EQ(P(1), node);
	OK(tl_alloc(T, d, 0, PL, 0, &node));
	OK(tl_alloc(T, d, 0, -1, 0, &node));
	ASSERT_EQ(P(0), node);
	/* Uncounted allocations take part in the round robin as well. */
	OK(tl_alloc(T, d, 0, -1, NOREF, &node));
	ASSERT_EQ(P(1), node);
}

/* Affinity nodes first, then the other nodes in ascending order. */
TEST_F(numa, affinity_full_falls_back_to_other_nodes_ascending)
{
	struct ce_domain *f = tl_dom(T, BIG), *d = tl_dom(T, BIG);
	u32 node, i;

	OK(ce_set_node_affinity(H, d, BIT_ULL(PL)));
	OK(tl_alloc(T, d, 0, -1, 0, &node));
	ASSERT_EQ(PL, node);
	fill_node(T, f, PL);
	for (i = 0; i + 1 < NP; i++) {
		OK(tl_alloc(T, d, 0, -1, 0, &node));
		ASSERT_EQ(P(i), node);
		fill_node(T, f, P(i));
	}
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, -1, 0, NULL));
	/* A claim on the full affinity node is of no use: no memory. */
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { 1, PL }));
}

/* Node claims of another domain push allocations to other nodes. */
TEST_F(numa, node_choice_skips_claimed_nodes)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	u32 node, k;

	OK(INSTALL(a, { AV(P(0)), P(0) }));
	for (k = 0; k < 2 * NP; k++) {
		OK(tl_alloc(T, b, 0, -1, 0, &node));
		ASSERT_NE(P(0), node);
	}
	/* a itself may use P0 (own claim) and then redeems it. */
	OK(ce_set_node_affinity(H, a, BIT_ULL(P(0))));
	OK(tl_alloc(T, a, 2, -1, EXACT, &node));
	ASSERT_EQ(P(0), node);
	/* a's uncounted request may not. */
	OK(tl_alloc(T, a, 0, -1, NOREF, &node));
	ASSERT_NE(P(0), node);
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, a, 0, -1, NOREF | EXACT, NULL));
}

/* Step 4 with node entries that each fit their node. */
TEST_F(numa, install_node_entries_vs_host_unclaimed)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	const u64 total = H->total_avail_pages;

	OK(INSTALL(a, { total - 20, HOST }));
	FAILS_CLEANLY(ENOMEM, INSTALL(b, { 11, P(0) }, { 10, P(1) }));
	OK(INSTALL(b, { 10, P(0) }, { 10, P(1) }));
	ASSERT_EQ(0, tl_unclaimed(T));
	/* Node-claimed memory is still claimed memory for the host check. */
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, a, 0, -1, NOREF, NULL));
	OK(tl_alloc(T, b, 3, P(0), EXACT, NULL));
	ASSERT_EQ(2, b->claims[P(0)]);
	ASSERT_EQ(10, b->claims[P(1)]);
}

/* SET_MAX_PAGES recalls the host-wide part, then nodes ascending. */
TEST_F(numa, set_max_pages_recalls_nodes_ascending)
{
	struct ce_domain *d = tl_dom(T, 1000);
	claim_t set[CE_MAX_NODES];
	u32 i;

	for (i = 0; i < NP; i++)
		set[i] = (claim_t){ 10, P(NP - 1 - i) };
	set[NP] = (claim_t){ 10, HOST };
	OK(ce_claim_set_install(H, d, set, NP + 1));
	ce_set_max_pages(H, d, 10 * NP - 15);	/* recall 25 */
	CHECK();
	ASSERT_EQ(0, tl_host_part(d));
	ASSERT_EQ(0, d->claims[P(0)]);
	ASSERT_EQ(5, d->claims[P(1)]);
	for (i = 2; i < NP; i++)
		ASSERT_EQ(10, d->claims[P(i)]);
	ASSERT_EQ(5, H->node[P(1)].outstanding_claims);
}

/* Offline: node claims on other nodes are not touched. */
TEST_F(numa, offline_recalls_only_that_node)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	const u32 n = P(0), m = PL;

	OK(INSTALL(a, { 50, n }, { 50, m }));
	OK(INSTALL(b, { 50, n }, { 50, m }));
	OK(ce_offline_pages(H, n, AV(n) - 60));
	ASSERT_EQ(50, a->claims[n]);
	ASSERT_EQ(10, b->claims[n]);
	ASSERT_EQ(50, a->claims[m]);
	ASSERT_EQ(50, b->claims[m]);
	ASSERT_EQ(160, H->outstanding_claims);
}

/* Pool nodes with superpages, ascending; returns how many. */
static u32 sp_nodes(const struct tl *t, u32 *out)
{
	u32 i, nr = 0;

	for (i = 0; i < t->nr_pool; i++)
		if (t->h.node[t->pool_node[i]].sp_avail)
			out[nr++] = t->pool_node[i];
	return nr;
}

/*
 * Redeem of a superpage without a superpage claim on its node: the 4 KiB
 * claims as any allocation (node, host-wide, other nodes); then, only as
 * far as max_pages demands, other nodes' superpage claims, whole.
 */
TEST_F(numa, sp_redeem_order_without_own_claim)
{
	const u32 n = P(0), q = PL;
	struct ce_domain *d = tl_dom(T, 100 + 50 + 20 + SP);
	struct ce_domain *e = tl_dom(T, BIG);

	ASSERT_LT(0, SPAV(n));
	ASSERT_LT(0, SPAV(q));
	/* Exactly at max_pages: the superpage claim on q must go. */
	OK(INSTALL(d, { 100, n }, { 50, HOST }, { 20, q }, { SP, q, SPC }));
	OK(tl_alloc_sp(T, d, n, 0, NULL));
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, d->sp_claims[q]);
	ASSERT_EQ(100, d->redeemed[0]);
	ASSERT_EQ(50, d->redeemed[1]);
	ASSERT_EQ(20 + SP, d->redeemed[2]);
	/* Room under max_pages: the superpage claim stays. */
	OK(INSTALL(e, { 100, n }, { SP, q, SPC }));
	OK(tl_alloc_sp(T, e, n, 0, NULL));
	ASSERT_EQ(0, e->claims[n]);
	ASSERT_EQ(1, e->sp_claims[q]);
	ASSERT_EQ(100, e->redeemed[0]);
	OK(INSTALL(e, { 0, HOST }));
	free_sps(T, d);
	free_sps(T, e);
}

/*
 * A 4 KiB allocation ends its redeem the same way: superpage claims of the
 * nodes after its node (wrapping), its own node's last, whole superpages.
 */
TEST_F(numa, sp_redeem_excess_order)
{
	u32 s[CE_MAX_NODES], nr = sp_nodes(T, s), k;
	struct ce_domain *d = tl_dom(T, BIG);
	claim_t set[CE_MAX_NODES];

	ASSERT_LE(2, nr);
	for (k = 0; k < nr; k++)
		set[k] = (claim_t){ SP, s[k], SPC };
	/* From the first node: the next node's claim goes. */
	ce_set_max_pages(H, d, nr * SP);
	OK(ce_claim_set_install(H, d, set, nr));
	OK(tl_alloc(T, d, 0, s[0], EXACT, NULL));
	ASSERT_EQ(0, d->sp_claims[s[1]]);
	ASSERT_EQ(nr - 1, d->sp_claims_total);
	ASSERT_EQ(SP, d->redeemed[2]);
	tl_free_dom(T, d, -1, U64MAX);
	/* From the last node: wraps to the first. */
	OK(ce_claim_set_install(H, d, set, nr));
	OK(tl_alloc(T, d, 0, s[nr - 1], EXACT, NULL));
	ASSERT_EQ(0, d->sp_claims[s[0]]);
	ASSERT_EQ(nr - 1, d->sp_claims_total);
	tl_free_dom(T, d, -1, U64MAX);
	/* Only its own node has one: that one, last. */
	OK(INSTALL(d, { SP, s[0], SPC }));
	ce_set_max_pages(H, d, SP);
	OK(tl_alloc(T, d, 1, s[0], EXACT, NULL));
	ASSERT_EQ(0, d->sp_claims_total);
	/* More than one superpage's worth: as many as needed, no more. */
	tl_free_dom(T, d, -1, U64MAX);
	ce_set_max_pages(H, d, nr * SP);
	OK(ce_claim_set_install(H, d, set, nr));
	OK(tl_alloc(T, d, 9, s[0], EXACT, NULL));
	ASSERT_EQ(nr - 1, d->sp_claims_total);
	ASSERT_EQ(0, d->sp_claims[s[1]]);
	OK(tl_alloc(T, d, 0, s[0], EXACT, NULL));
	ASSERT_EQ(nr - 2, d->sp_claims_total);
	OK(INSTALL(d, { 0, HOST }));
}

/* SET_MAX_PAGES: host-wide, node 4 KiB claims, then superpage claims whole. */
TEST_F(numa, sp_set_max_pages_recall_order)
{
	const u32 n = P(0), q = PL;
	struct ce_domain *d = tl_dom(T, BIG);
	const u64 all = 10 + 20 + 30 + 2 * SP;

	OK(INSTALL(d, { 10, n }, { 20, q }, { 30, HOST }, { SP, n, SPC },
		   { SP, q, SPC }));
	ce_set_max_pages(H, d, all - 5);
	CHECK();
	ASSERT_EQ(25, tl_host_part(d));
	ce_set_max_pages(H, d, all - 40);
	CHECK();
	ASSERT_EQ(0, tl_host_part(d));
	ASSERT_EQ(0, d->claims[n]);
	ASSERT_EQ(20, d->claims[q]);
	ASSERT_EQ(2, d->sp_claims_total);
	ce_set_max_pages(H, d, 2 * SP);
	CHECK();
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(2, d->sp_claims_total);
	/* One page short: a whole superpage, of the lowest node. */
	ce_set_max_pages(H, d, 2 * SP - 1);
	CHECK();
	ASSERT_EQ(0, d->sp_claims[n]);
	ASSERT_EQ(1, d->sp_claims[q]);
	ASSERT_EQ(0, H->node[n].sp_claims);
	/* tot_pages counts: a superpage populated leaves no room. */
	ce_set_max_pages(H, d, BIG);
	OK(INSTALL(d, { SP, n, SPC }, { SP, q, SPC }));
	OK(tl_alloc(T, d, 3, n, EXACT, NULL));
	ce_set_max_pages(H, d, 2 * SP + 8);
	ASSERT_EQ(2, d->sp_claims_total);
	ce_set_max_pages(H, d, 2 * SP);
	CHECK();
	ASSERT_EQ(0, d->sp_claims[n]);
	ASSERT_EQ(1, d->sp_claims[q]);
	ce_set_max_pages(H, d, 0);
	CHECK();
	ASSERT_EQ(0, d->sp_claims_total);
}

/*
 * Node choice for a superpage: the requested node only; else own superpage
 * claims, then affinity (round robin), then (unless EXACT) any node.
 */
TEST_F(numa, sp_node_choice)
{
	u32 s[CE_MAX_NODES], nr = sp_nodes(T, s), node, i, none = CE_MAX_NODES;
	struct ce_domain *d = tl_dom(T, BIG);

	ASSERT_LE(2, nr);
	for (i = 0; i < NP; i++)
		if (!SPAV(P(i)))
			none = P(i);
	/* Claims on the last node win over affinity's round robin. */
	OK(INSTALL(d, { SP, s[nr - 1], SPC }));
	OK(tl_alloc_sp(T, d, -1, 0, &node));
	ASSERT_EQ(s[nr - 1], node);
	ASSERT_EQ(s[nr - 1], d->last_alloc_node);
	/* Then the affinity, round robin after the last node used. */
	OK(tl_alloc_sp(T, d, -1, 0, &node));
	ASSERT_EQ(s[0], node);
	/* Affinity with no superpages: EXACT fails, else any node. */
	if (none != CE_MAX_NODES) {
		OK(ce_set_node_affinity(H, d, BIT_ULL(none)));
		FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, d, -1, EXACT,
							 &node, &i));
		OK(tl_alloc_sp(T, d, -1, 0, &node));
		ASSERT_EQ(s[0], node);
		/* A requested node without superpages: no fallback. */
		FAILS_CLEANLY(ENOMEM, ce_alloc_superpage(H, d, none, 0,
							 &node, &i));
	}
	OK(ce_set_node_affinity(H, d, BIT_ULL(s[1])));
	OK(tl_alloc_sp(T, d, -1, EXACT, &node));
	ASSERT_EQ(s[1], node);
	free_sps(T, d);
}

/* =========================================================== fixture custom */

FIXTURE(custom) {
	struct tl t;
	bool built;
};

FIXTURE_SETUP(custom)
{
	self->built = false;
}

FIXTURE_TEARDOWN(custom)
{
	const char *msg;

	if (!self->built)
		return;
	msg = tl_finish(T);
	if (msg) {
		TH_LOG("teardown: %s", msg);
		EXPECT_TRUE(msg == NULL);
	}
	tl_release(T);
}

#define BUILD(...) do {							\
	static const struct tl_layout l_ = { __VA_ARGS__ };		\
	ASSERT_EQ(0, tl_build(T, &l_));					\
	self->built = true;						\
} while (0)

TEST_F(custom, buddy_split_and_merge)
{
	struct ce_domain *d;
	u32 node, o;
	int rc;

	BUILD(.nr = 1, .nodes = { { .node = 0, .chunks = { 9, TL_END } } });
	d = tl_dom(T, BIG);
	OK(tl_alloc(T, d, 0, -1, 0, &node));
	ASSERT_EQ(0, node);
	/* One order-9 block split down: one free block of each order 0-8. */
	for (o = 0; o < CE_MAX_ORDER; o++)
		ASSERT_EQ(1, tl_free_blocks(H, 0, o)) TH_LOG("order %u", o);
	ASSERT_EQ(0, tl_free_blocks(H, 0, 9));
	ASSERT_EQ(511, tl_alloc_n(T, d, 0, -1, 0, 1000, &rc));
	ASSERT_EQ(-ENOMEM, rc);
	ASSERT_EQ(0, AV(0));
	for (o = 0; o <= CE_MAX_ORDER; o++)
		ASSERT_EQ(0, tl_free_blocks(H, 0, o));
	tl_free_dom(T, d, -1, U64MAX);
	CHECK();
	ASSERT_EQ(1, tl_free_blocks(H, 0, 9));
	for (o = 0; o < CE_MAX_ORDER; o++)
		ASSERT_EQ(0, tl_free_blocks(H, 0, o));
	OK(tl_alloc(T, d, 9, 0, EXACT, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, 0, EXACT, NULL));
}

/* Buddies never merge across chunks, even when the frames line up. */
TEST_F(custom, buddy_no_merge_across_chunks)
{
	struct ce_domain *d;
	u32 frame1, frame2;

	BUILD(.nr = 1, .nodes = { { .node = 0, .chunks = { 8, 8, TL_END } } });
	d = tl_dom(T, BIG);
	ASSERT_EQ(2, tl_free_blocks(H, 0, 8));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 9, -1, 0, NULL));
	OK(tl_alloc(T, d, 8, -1, 0, NULL));
	frame1 = T->ext[0].frame;
	OK(tl_alloc(T, d, 8, -1, 0, NULL));
	frame2 = T->ext[1].frame;
	ASSERT_EQ(256, frame1 ^ frame2);
	tl_free_dom(T, d, -1, U64MAX);
	CHECK();
	ASSERT_EQ(2, tl_free_blocks(H, 0, 8));
	ASSERT_EQ(0, tl_free_blocks(H, 0, 9));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 9, -1, 0, NULL));
}

/*
 * Fragmentation: with every order-9 block split, an order-9 request fails
 * on that node (ENOMEM) although nr_free is large enough; without EXACT it
 * is served by another node.
 */
TEST_F(custom, buddy_fragmentation)
{
	struct ce_domain *d;
	size_t i;
	u32 node;
	int rc;

	BUILD(.nr = 2, .nodes = {
		{ .node = 0, .chunks = { 9, 9, TL_END } },
		{ .node = 1, .chunks = { 9, TL_END } },
	});
	d = tl_dom(T, BIG);
	ASSERT_EQ(1024, tl_alloc_n(T, d, 0, 0, EXACT, 1024, &rc));
	/* Free all but one page of each order-9 chunk of node 0. */
	for (i = T->nr_ext; i-- > 0;) {
		u32 f = T->ext[i].frame;

		if (f != 0 && f != 512)
			tl_free_ext(T, i);
	}
	CHECK();
	ASSERT_EQ(1022, AV(0));
	ASSERT_EQ(1022, H->node[0].pool.nr_free);
	ASSERT_EQ(0, tl_free_blocks(H, 0, 9));
	ASSERT_EQ(2, tl_free_blocks(H, 0, 8));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 9, 0, EXACT, NULL));
	OK(tl_alloc(T, d, 9, 0, 0, &node));
	ASSERT_EQ(1, node);
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 9, -1, 0, NULL));
	OK(tl_alloc(T, d, 8, 0, EXACT, NULL));
	/* Freeing the pinned pages merges everything back. */
	tl_free_dom(T, d, -1, U64MAX);
	CHECK();
	ASSERT_EQ(2, tl_free_blocks(H, 0, 9));
	OK(tl_alloc(T, d, 9, 0, EXACT, NULL));
	OK(tl_alloc(T, d, 9, 0, EXACT, NULL));
}

/*
 * Allocate a pool empty with mixed orders, free it in a scrambled order,
 * and every chunk is one free block again: each order-9 chunk serves an
 * order-9 extent.
 */
TEST_F(custom, buddy_every_chunk_whole_again)
{
	struct ce_domain *d;
	u64 seed = 12345, pages;
	u32 node, o;
	int order;

	BUILD(.nr = 2, .nodes = {
		{ .node = 0, .chunks = { 9, 7, TL_GAP(9), 9, 2, 9, 0, TL_END },
		  .slack = 9 },
		{ .node = 3, .chunks = { 9, 9, 9, 8, 5, TL_END } },
	});
	d = tl_dom(T, BIG);
	for (node = 0; node < 4; node++) {
		if (!H->node[node].has_pool)
			continue;
		for (pages = 0;;) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			order = (seed >> 33) % (CE_MAX_ORDER + 1);
			if (tl_alloc(T, d, order, node, EXACT, NULL)) {
				if (!AV(node))
					break;
				continue;
			}
			pages += 1ULL << order;
		}
		ASSERT_EQ(H->node[node].reserved_pages, pages);
		CHECK();
	}
	/* Free in a scrambled order. */
	while (T->nr_ext) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		tl_free_ext(T, (seed >> 33) % T->nr_ext);
	}
	CHECK();
	for (node = 0; node < 4; node++) {
		if (!H->node[node].has_pool)
			continue;
		for (o = 0; o <= CE_MAX_ORDER; o++)
			ASSERT_EQ(T->base.chunks[node][o],
				  tl_free_blocks(H, node, o));
		for (o = 0; o < T->base.chunks[node][9]; o++)
			OK(tl_alloc(T, d, 9, node, EXACT, NULL));
		FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 9, node, EXACT, NULL));
	}
}

/*
 * The module frees physmap pages one at a time (order 0), whatever order
 * they were allocated with: the buddy must merge such pages back, and a
 * freed page must be reusable at once.
 */
TEST_F(custom, buddy_free_page_by_page)
{
	struct ce_domain *d;
	u64 seed = 99;
	u32 o, node;
	int rc;

	BUILD(.nr = 2, .nodes = {
		{ .node = 0, .chunks = { 9, 9, 6, 0, TL_END } },
		{ .node = 1, .chunks = { 9, TL_END } },
	});
	d = tl_dom(T, BIG);
	OK(INSTALL(d, { 100, 0 }, { 50, HOST }));
	for (o = CE_MAX_ORDER + 1; o-- > 0;)
		while (!tl_alloc(T, d, o, 0, EXACT, NULL))
			;
	ASSERT_EQ(0, AV(0));
	CHECK();
	/* Free half of node 0 page by page, in a scrambled order. */
	while (AV(0) < H->node[0].reserved_pages / 2) {
		size_t i;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		i = (seed >> 33) % T->nr_ext;
		tl_free_page(T, i, (seed >> 20) % (1U << T->ext[i].order));
		CHECK();
	}
	/* Freed pages are reused; claims were not given back. */
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(AV(0), tl_alloc_n(T, d, 0, 0, EXACT, AV(0), &rc));
	ASSERT_EQ(0, AV(0));
	while (T->nr_ext) {
		size_t i;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		i = (seed >> 33) % T->nr_ext;
		tl_free_page(T, i, (seed >> 20) % (1U << T->ext[i].order));
	}
	CHECK();
	for (o = 0; o <= CE_MAX_ORDER; o++)
		ASSERT_EQ(T->base.chunks[0][o], tl_free_blocks(H, 0, o));
	OK(tl_alloc(T, d, 9, 0, EXACT, &node));
	OK(tl_alloc(T, d, 9, 0, EXACT, &node));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 9, 0, EXACT, NULL));
}

/*
 * SPEC: the pool allocator hands out extents in O(log) or O(1) time, never
 * by scanning the pool.  On a 2^20-frame pool that is full but for its
 * last chunk, 100000 allocations and frees would take minutes if each one
 * walked the frames; the harness timeout turns that into a failure.
 */
TEST_F_TIMEOUT(custom, allocator_does_not_scan_the_pool, 20)
{
	struct ce_domain *d;
	u64 seed = 7, k;
	u32 o, node;
	int rc;

	BUILD(.nr = 2, .nodes = {
		{ .node = 0, .chunks = { 9, TL_END }, .repeat = 2048 },
		{ .node = 1, .chunks = { 9, 3, TL_END }, .repeat = 2 },
	});
	d = tl_dom(T, BIG);
	ASSERT_EQ(2048 * 512, AV(0));
	ASSERT_EQ(2047, tl_alloc_n(T, d, 9, 0, EXACT, 2047, &rc));
	CHECK();
	for (k = 0; k < 100000; k++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		o = (seed >> 40) % 4;
		if (T->nr_ext > 2047 && (T->nr_ext > 2047 + 64 || ((seed >> 20) & 1))) {
			size_t i = 2047 + (seed >> 33) % (T->nr_ext - 2047);

			if (i < T->nr_ext) {
				tl_free_ext(T, i);
				continue;
			}
		}
		rc = tl_alloc(T, d, o, 0, EXACT, &node);
		ASSERT_TRUE(rc == 0 || rc == -ENOMEM) TH_LOG("rc %d", rc);
	}
	CHECK();
	/* Offline and online of most of a big pool is not quadratic either. */
	tl_free_dom(T, d, -1, U64MAX);
	OK(ce_offline_pages(H, 0, AV(0) - 1));
	OK(ce_online_pages(H, 0, H->node[0].offlined_pages));
	ASSERT_EQ(2048, tl_free_blocks(H, 0, 9));
}

/* Misuse of the pool set-up calls is refused and changes nothing. */
TEST_F(custom, pool_init_misuse)
{
	BUILD(.nr = 2, .nodes = {
		{ .node = 1, .chunks = { 3, TL_END } },
		{ .node = 63, .chunks = { 0, TL_END } },
	});
	ASSERT_EQ(64, H->nr_nodes);
	FAILS_CLEANLY(EINVAL, ce_pool_init(H, 1, 8));
	FAILS_CLEANLY(EINVAL, ce_pool_init(H, 64, 8));
	FAILS_CLEANLY(EINVAL, ce_pool_init(H, UINT32_MAX, 8));
	/* Every node id up to 63 may be used; claim sets may name 63. */
	{
		struct ce_domain *d = tl_dom(T, BIG);

		OK(INSTALL(d, { 1, 63 }, { 8, 1 }));
		ASSERT_EQ(-ENOMEM, INSTALL(d, { 2, 63 }));
		ASSERT_EQ(-ENOENT, INSTALL(d, { 1, 62 }));
	}
}

/*
 * ce_offline_frame_next() walks the offlined frames of a node and returns
 * CE_NO_FRAME at the end (claims_engine.h).  A node without a pool has no
 * offlined frames: the walk must end at once, not return frame 0 (an
 * unload loop over all node ids would then follow pool.next == NULL).
 */
TEST_F(custom, offline_frames_of_node_without_pool)
{
	BUILD(.nr = 2, .nodes = {
		{ .node = 0, .chunks = { 3, TL_END } },
		{ .node = 2, .chunks = { 3, TL_END } },
	});
	ASSERT_EQ(CE_NO_FRAME, ce_offline_frame_next(H, 0, CE_NO_FRAME));
	OK(ce_offline_pages(H, 2, 2));
	ASSERT_NE(CE_NO_FRAME, ce_offline_frame_next(H, 2, CE_NO_FRAME));
	ASSERT_EQ(CE_NO_FRAME, ce_offline_frame_next(H, 1, CE_NO_FRAME));
	ASSERT_EQ(CE_NO_FRAME, ce_offline_frame_next(H, 5, CE_NO_FRAME));
}

/* Offline/online cycles leave the buddy whole (checked by the teardown). */
TEST_F(custom, offline_online_cycles_merge)
{
	struct ce_domain *d;
	u32 k;

	BUILD(.nr = 1, .nodes = { { .node = 2, .chunks = { 9, 8, 0, TL_END } } });
	d = tl_dom(T, BIG);
	for (k = 0; k < 20; k++) {
		int rc;

		OK(ce_offline_pages(H, 2, 7 * k % 700));
		rc = tl_alloc(T, d, k % 10, 2, EXACT, NULL);
		ASSERT_TRUE(rc == 0 || rc == -ENOMEM) TH_LOG("rc %d", rc);
		OK(ce_online_pages(H, 2, H->node[2].offlined_pages / 2));
		tl_free_dom(T, d, -1, U64MAX);
		CHECK();
	}
	OK(ce_online_pages(H, 2, H->node[2].offlined_pages));
	ASSERT_EQ(1, tl_free_blocks(H, 2, 9));
	ASSERT_EQ(1, tl_free_blocks(H, 2, 8));
	ASSERT_EQ(1, tl_free_blocks(H, 2, 0));
	OK(tl_alloc(T, d, 9, 2, EXACT, NULL));
	/* nr_nodes follows the highest node with a pool. */
	ASSERT_EQ(3, H->nr_nodes);
	ASSERT_EQ(BIT_ULL(2), H->nodes_with_pool);
	ASSERT_EQ(-E2BIG, ce_claim_set_check_count(H, 2 * 3 + 2));
	ASSERT_EQ(0, ce_claim_set_check_count(H, 2 * 3 + 1));
}

/* A node with superpages only (a 4 KiB pool of no frames). */
TEST_F(custom, sp_node_with_superpages_only)
{
	struct ce_domain *d;
	u32 node;

	BUILD(.nr = 2, .nodes = {
		{ .node = 0, .chunks = { 9, TL_END } },
		{ .node = 1, .chunks = { TL_END }, .superpages = 2 } });
	d = tl_dom(T, BIG);
	ASSERT_EQ(0, AV(1));
	ASSERT_EQ(2, SPAV(1));
	OK(INSTALL(d, { 2 * SP, 1, SPC }));
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { 1, 1 }));
	OK(tl_alloc_sp(T, d, -1, 0, &node));
	ASSERT_EQ(1, node);
	ASSERT_EQ(-ENOMEM, tl_alloc(T, d, 0, 1, EXACT, NULL));
	OK(tl_alloc(T, d, 9, -1, 0, &node));
	ASSERT_EQ(0, node);
	/* One superpage claim left; max_pages now forces it out. */
	ce_set_max_pages(H, d, 2 * SP + SP - 1);
	CHECK();
	ASSERT_EQ(0, d->sp_claims_total);
}

/* ------------------------------------------------------------- scrubbing */

#define SCRUB_LAYOUT .nr = 1, .nodes = { { .node = 0, .chunks = { 9, 9, TL_END } } }

/* A new pool is clean; what a domain frees is dirty; clean goes out first. */
TEST_F(custom, scrub_fresh_clean_freed_dirty_clean_first)
{
	struct ce_domain *d;
	u32 a;

	BUILD(SCRUB_LAYOUT);
	d = tl_dom(T, BIG);
	ASSERT_EQ(0, ce_scrub_pages(H, 0));
	ASSERT_EQ(0, tl_dirty_pages(H, 0));
	OK(tl_alloc(T, d, 9, 0, EXACT, NULL));
	ASSERT_FALSE(T->ext[0].dirty);
	a = T->ext[0].frame;
	tl_free_dom(T, d, -1, U64MAX);
	CHECK();
	ASSERT_EQ(512, ce_scrub_pages(H, 0));
	ASSERT_EQ(1, tl_dirty_blocks(H, 0, 9));
	ASSERT_EQ(1, tl_clean_blocks(H, 0, 9));
	/* The clean block although the dirty one is first in frame order. */
	OK(tl_alloc(T, d, 9, 0, EXACT, NULL));
	ASSERT_FALSE(T->ext[0].dirty);
	ASSERT_NE(a, T->ext[0].frame);
	ASSERT_EQ(512, ce_scrub_pages(H, 0));
	/* No clean block left: the dirty one, and the caller is told. */
	OK(tl_alloc(T, d, 9, 0, EXACT, NULL));
	ASSERT_TRUE(T->ext[1].dirty);
	ASSERT_EQ(a, T->ext[1].frame);
	ASSERT_EQ(0, ce_scrub_pages(H, 0));
	tl_free_dom(T, d, -1, U64MAX);
	CHECK();
	ASSERT_EQ(1024, ce_scrub_pages(H, 0));
	ASSERT_EQ(AV(0), ce_scrub_pages(H, 0));
}

/*
 * A clean block of any order beats a dirty block of the exact order (as in
 * Xen's get_free_buddy()); mixed merging makes the block a freed page
 * rejoins dirty whole, merging like with like leaves the pool split.
 */
static void scrub_one_page_freed(struct __test_metadata *_metadata,
				 FIXTURE_DATA(custom) *self, bool like_only)
{
	struct ce_domain *d;
	unsigned int order;

	if (like_only)
		BUILD(SCRUB_LAYOUT, .merge_like_only = true);
	else
		BUILD(SCRUB_LAYOUT);
	d = tl_dom(T, BIG);
	OK(tl_alloc(T, d, 0, 0, EXACT, NULL));
	ASSERT_FALSE(T->ext[0].dirty);
	tl_free_dom(T, d, -1, U64MAX);
	CHECK();
	if (like_only) {
		ASSERT_EQ(1, ce_scrub_pages(H, 0));
		ASSERT_EQ(1, tl_dirty_blocks(H, 0, 0));
		ASSERT_EQ(1, tl_free_blocks(H, 0, 9));
	} else {
		ASSERT_EQ(512, ce_scrub_pages(H, 0));
		ASSERT_EQ(1, tl_dirty_blocks(H, 0, 9));
		ASSERT_EQ(2, tl_free_blocks(H, 0, 9));
	}
	/* Order 0 again: split clean memory rather than take the dirty page. */
	OK(tl_alloc(T, d, 0, 0, EXACT, NULL));
	ASSERT_FALSE(T->ext[0].dirty);
	tl_free_dom(T, d, -1, U64MAX);
	CHECK();
	/* Scrubbed clean, the pool is whole again (like-only merges now too). */
	while (ce_scrub_take(H, 0, CE_MAX_ORDER, &order) != CE_NO_FRAME) {
		ce_scrub_put(H, 0, true);
		CHECK();
	}
	ASSERT_EQ(0, ce_scrub_pages(H, 0));
	ASSERT_EQ(2, tl_clean_blocks(H, 0, 9));
}

TEST_F(custom, scrub_clean_of_any_order_first_mixed_merge)
{
	scrub_one_page_freed(_metadata, self, false);
}

TEST_F(custom, scrub_clean_of_any_order_first_like_only_merge)
{
	scrub_one_page_freed(_metadata, self, true);
}

/*
 * The scrubber's block: off the lists, still free and waiting; one per node
 * at a time; an allocation only it could satisfy gets -EAGAIN and changes
 * nothing; it comes back clean (or dirty after an abort) and merges.
 */
TEST_F(custom, scrub_take_and_put)
{
	struct ce_domain *d;
	unsigned int order = 99;
	u32 f, node = 77, frame;

	BUILD(SCRUB_LAYOUT);
	d = tl_dom(T, BIG);
	ASSERT_EQ(CE_NO_FRAME, ce_scrub_take(H, 0, 9, &order));
	ASSERT_EQ(CE_NO_FRAME, ce_scrub_take(H, 5, 9, &order));
	ASSERT_EQ(2, tl_alloc_n(T, d, 9, 0, EXACT, 2, NULL));
	tl_free_dom(T, d, -1, U64MAX);
	f = ce_scrub_take(H, 0, 9, &order);
	ASSERT_NE(CE_NO_FRAME, f);
	ASSERT_EQ(9, order);
	CHECK();
	ASSERT_EQ(1024, ce_scrub_pages(H, 0));
	ASSERT_EQ(1024, AV(0));
	ASSERT_EQ(CE_NO_FRAME, ce_scrub_take(H, 0, 9, &order));
	/* The other dirty block is taken by the allocation, dirty. */
	OK(tl_alloc(T, d, 9, 0, EXACT, NULL));
	ASSERT_TRUE(T->ext[0].dirty);
	ASSERT_NE(f, T->ext[0].frame);
	/* Only the block being scrubbed fits, exact or not: -EAGAIN, no change. */
	FAILS_CLEANLY(EAGAIN, ce_alloc_extent(H, d, 0, 0, EXACT, &node, &frame,
					      NULL));
	ASSERT_EQ(0, node);
	FAILS_CLEANLY(EAGAIN, ce_alloc_extent(H, d, 3, -1, 0, &node, &frame,
					      NULL));
	ASSERT_EQ(0, node);
	/* Back clean: allocatable again, clean, and nothing waits. */
	ce_scrub_put(H, 0, true);
	CHECK();
	ASSERT_EQ(0, ce_scrub_pages(H, 0));
	ASSERT_EQ(1, tl_clean_blocks(H, 0, 9));
	ce_scrub_put(H, 0, true);	/* nothing out: no-op */
	CHECK();
	tl_free_dom(T, d, -1, U64MAX);
	/* A larger block is split down to max_order; the rest stays dirty. */
	f = ce_scrub_take(H, 0, 3, &order);
	ASSERT_EQ(3, order);
	ASSERT_EQ(512, ce_scrub_pages(H, 0));
	for (order = 3; order < 9; order++)
		ASSERT_EQ(1, tl_dirty_blocks(H, 0, order)) TH_LOG("order %u", order);
	CHECK();
	/* An aborted scrub puts it back dirty: whole again. */
	ce_scrub_put(H, 0, false);
	CHECK();
	ASSERT_EQ(512, ce_scrub_pages(H, 0));
	ASSERT_EQ(1, tl_dirty_blocks(H, 0, 9));
	ASSERT_EQ(2, tl_free_blocks(H, 0, 9));
}

/* Clean or dirty never changes which node an allocation is placed on. */
TEST_F(custom, scrub_never_changes_node_choice)
{
	struct ce_domain *d;
	unsigned int order;
	u32 node = 77, frame;

	BUILD(.nr = 2, .nodes = { { .node = 0, .chunks = { 9, TL_END } },
				  { .node = 1, .chunks = { 9, TL_END } } });
	d = tl_dom(T, BIG);
	ASSERT_EQ(1, tl_alloc_n(T, d, 9, 0, EXACT, 1, NULL));
	tl_free_dom(T, d, -1, U64MAX);
	ASSERT_EQ(512, ce_scrub_pages(H, 0));
	ASSERT_EQ(0, ce_scrub_pages(H, 1));
	/* A hint for node 0: node 0, dirty, though node 1 is all clean. */
	OK(tl_alloc(T, d, 0, 0, 0, &node));
	ASSERT_EQ(0, node);
	ASSERT_TRUE(T->ext[0].dirty);
	/* Round robin from node 0 to node 1, then node 0 again, dirty. */
	OK(tl_alloc(T, d, 0, -1, 0, &node));
	ASSERT_EQ(1, node);
	OK(tl_alloc(T, d, 0, -1, 0, &node));
	ASSERT_EQ(0, node);
	tl_free_dom(T, d, -1, U64MAX);
	/* Node 0's only block is being scrubbed: wait for it, no spilling. */
	ASSERT_NE(CE_NO_FRAME, ce_scrub_take(H, 0, 9, &order));
	FAILS_CLEANLY(EAGAIN, ce_alloc_extent(H, d, 9, 0, 0, &node, &frame,
					      NULL));
	ASSERT_EQ(0, node);
	ce_scrub_put(H, 0, true);
	OK(tl_alloc(T, d, 9, 0, 0, &node));
	ASSERT_EQ(0, node);
	ASSERT_FALSE(T->ext[0].dirty);
	tl_free_dom(T, d, -1, U64MAX);
	CHECK();
}

/* Offlining takes dirty frames first; each comes back online as it went. */
TEST_F(custom, scrub_offline_dirty_first_online_keeps_kind)
{
	struct ce_domain *d;
	unsigned int order;

	BUILD(SCRUB_LAYOUT);
	d = tl_dom(T, BIG);
	OK(tl_alloc(T, d, 9, 0, EXACT, NULL));
	tl_free_dom(T, d, -1, U64MAX);
	OK(ce_offline_pages(H, 0, 1));
	ASSERT_EQ(511, ce_scrub_pages(H, 0));
	ASSERT_EQ(1, tl_clean_blocks(H, 0, 9));
	OK(ce_online_pages(H, 0, 1));
	ASSERT_EQ(512, ce_scrub_pages(H, 0));
	ASSERT_EQ(2, tl_free_blocks(H, 0, 9));
	/* 600: the 512 dirty, then 88 clean; back, each of its kind. */
	OK(ce_offline_pages(H, 0, 600));
	ASSERT_EQ(0, ce_scrub_pages(H, 0));
	OK(ce_online_pages(H, 0, 600));
	ASSERT_EQ(512, ce_scrub_pages(H, 0));
	ASSERT_EQ(1, tl_clean_blocks(H, 0, 9));
	ASSERT_EQ(1, tl_dirty_blocks(H, 0, 9));
	/* Settling stops at the block being scrubbed and goes on after it. */
	ASSERT_NE(CE_NO_FRAME, ce_scrub_take(H, 0, 9, &order));
	OK(ce_offline_commit(H, 0, 1000));
	ASSERT_EQ(488, ce_offline_settle(H, 0, 2000));
	CHECK();
	ce_scrub_put(H, 0, true);
	ASSERT_EQ(0, ce_offline_settle(H, 0, 2000));
	CHECK();
	OK(ce_online_pages(H, 0, 1000));
	ASSERT_EQ(0, ce_scrub_pages(H, 0));
	ASSERT_EQ(2, tl_clean_blocks(H, 0, 9));
}

/* The audit catches a block on the wrong kind of list and a wrong count. */
TEST_F(custom, scrub_audit_catches_corruption)
{
	struct ce_domain *d;
	const char *why = NULL;
	struct ce_pool *p;
	u32 f;

	BUILD(SCRUB_LAYOUT);
	d = tl_dom(T, BIG);
	p = &H->node[0].pool;
	OK(tl_alloc(T, d, 9, 0, EXACT, NULL));
	tl_free_dom(T, d, -1, U64MAX);
	f = p->dirty_head[9];
	ASSERT_NE(CE_NO_FRAME, f);
	ASSERT_EQ(0, ce_pool_audit(H, 0, &why));
	p->state[f] &= ~0x20;		/* a dirty block that says clean */
	ASSERT_EQ(-EUCLEAN, ce_pool_audit(H, 0, &why));
	ASSERT_NE(NULL, why);
	p->state[f] |= 0x20;
	p->nr_dirty--;
	ASSERT_EQ(-EUCLEAN, ce_pool_audit(H, 0, &why));
	p->nr_dirty++;
	ASSERT_EQ(0, ce_pool_audit(H, 0, &why));
	CHECK();
}

TEST_F(custom, empty_and_huge_claims)
{
	struct ce_domain *d;

	BUILD(.nr = 1, .nodes = { { .node = 0, .chunks = { 0, TL_END } } });
	d = tl_dom(T, U64MAX);
	ASSERT_EQ(1, H->total_avail_pages);
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { 2, HOST }));
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { U64MAX, HOST }));
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { U64MAX, LEGACY }));
	FAILS_CLEANLY(ENOMEM, ce_claim_pages_legacy(H, d, U64MAX));
	OK(INSTALL(d, { 1, 0 }));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 1, -1, 0, NULL));
	OK(tl_alloc(T, d, 0, -1, 0, NULL));
	FAILS_CLEANLY(ENOMEM, tl_alloc(T, d, 0, -1, 0, NULL));
	ASSERT_EQ(0, H->total_avail_pages);
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { 1, HOST }));
	OK(INSTALL(d, { 0, HOST }));
}

/* ========================================================= fixture random */

FIXTURE(random) {
	struct tl t;
	struct tl_model m;
	u64 rng;
	char op[256];
};

FIXTURE_VARIANT(random) {
	const struct tl_layout *layout;
	u64 seed;
	u32 ops;
};

FIXTURE_VARIANT_ADD(random, four_nodes_seed1) {
	.layout = &four_nodes, .seed = 1, .ops = 6000,
};
FIXTURE_VARIANT_ADD(random, four_nodes_seed2) {
	.layout = &four_nodes, .seed = 0x5eed, .ops = 6000,
};
FIXTURE_VARIANT_ADD(random, sparse_nodes_seed3) {
	.layout = &sparse_nodes, .seed = 3, .ops = 6000,
};
FIXTURE_VARIANT_ADD(random, two_nodes_seed4) {
	.layout = &two_nodes, .seed = 4, .ops = 4000,
};

FIXTURE_SETUP(random)
{
	ASSERT_EQ(0, tl_build(T, variant->layout));
	tl_model_init(&self->m, T);
	self->rng = variant->seed * 0x9E3779B97F4A7C15ULL + 1;
}

FIXTURE_TEARDOWN(random)
{
	const char *msg = tl_finish(T);

	if (msg) {
		TH_LOG("teardown: %s", msg);
		EXPECT_TRUE(msg == NULL);
	}
	tl_release(T);
}

static u64 rnd(u64 *s)
{
	/* splitmix64 */
	u64 z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static u64 rnd_pages(u64 *s, u64 scale)
{
	switch (rnd(s) % 10) {
	case 0:
		return 0;
	case 1:
	case 2:
	case 3:
		return rnd(s) % 20;
	case 4:
	case 5:
	case 6:
		return rnd(s) % (scale + 1);
	case 7:
		return rnd(s) % (4 * scale + 1);
	case 8:
		return U64MAX - rnd(s) % 3;
	default:
		return rnd(s) % 600;
	}
}

static u32 rnd_target(u64 *s, const struct tl *t)
{
	switch (rnd(s) % 20) {
	case 0:
	case 1:
	case 2:
		return HOST;
	case 3:
		return LEGACY;
	case 4:
		return no_pool_node(&t->h);
	case 5:
		return rnd(s) % 2 ? 64 + rnd(s) % 100 :
				    SPECIAL + rnd(s) % 3;
	default:
		return t->pool_node[rnd(s) % t->nr_pool];
	}
}

/*
 * A claim set a builder would install: distinct pool nodes in random
 * order, each for part of what is unclaimed there (own claim included),
 * and maybe a host-wide part; it still fails now and then (host total,
 * max_pages), as real ones do under pressure.
 */
static u32 plausible_set(const struct tl *t, const struct ce_domain *d,
			 u64 *s, claim_t *set)
{
	u32 nr = 0, k, n;
	u64 free_host = tl_unclaimed(t) + d->outstanding_pages;

	for (k = 0; k < t->nr_pool; k++) {
		n = t->pool_node[(k + rnd(s)) % t->nr_pool];
		if (rnd(s) % 2)
			continue;
		for (u32 j = 0; j < nr; j++)
			if (set[j].target == n)
				goto next;
		set[nr++] = (claim_t){
			.pages = rnd(s) % (tl_node_unclaimed(t, n) +
					   d->claims[n] + 1) / (1 + rnd(s) % 3),
			.target = n,
		};
next:		;
	}
	/* Superpage claims on some nodes, within what is unclaimed there. */
	for (k = 0; k < t->nr_pool; k++) {
		const struct ce_node *nd;

		n = t->pool_node[(k + rnd(s)) % t->nr_pool];
		nd = &t->h.node[n];
		if (rnd(s) % 3)
			continue;
		for (u32 j = 0; j < nr; j++)
			if (set[j].target == n &&
			    set[j].cmd == NUMACLAIMS_CLAIM_SUPERPAGES)
				goto next_sp;
		set[nr++] = (claim_t){
			.pages = SP * (rnd(s) % (nd->sp_avail - nd->sp_claims +
						 d->sp_claims[n] + 1)),
			.target = n, .cmd = NUMACLAIMS_CLAIM_SUPERPAGES,
		};
next_sp:	;
	}
	if (!nr || rnd(s) % 2)
		set[nr++] = (claim_t){
			.pages = rnd(s) % (free_host + 1) / (1 + rnd(s) % 4),
			.target = HOST,
		};
	return nr;
}

static int rnd_dom(struct tl *t, u64 *s)
{
	int i, live[TL_MAX_DOMS], nr = 0;

	for (i = 0; i < TL_MAX_DOMS; i++)
		if (t->dom_live[i])
			live[nr++] = i;
	return nr ? live[rnd(s) % nr] : -1;
}

static int live_doms(const struct tl *t)
{
	int i, nr = 0;

	for (i = 0; i < TL_MAX_DOMS; i++)
		nr += t->dom_live[i];
	return nr;
}

/*
 * Thousands of random operations on 3-4 domains; after every one, the
 * engine's return value, chosen node and every counter must match the
 * reference model, the invariants must hold, and a failed call must have
 * changed nothing.
 */
TEST_F(random, differential_against_model)
{
	struct tl_model *m = &self->m;
	u64 *s = &self->rng;
	struct tl_snap *snap = malloc(sizeof(*snap));
	u64 counts[12] = { 0 }, fails = 0, ok_sp = 0, sp_claimed_ops = 0;
	/* What the run exercised, so a weak generator shows in the log. */
	u64 ok_install = 0, ok_alloc = 0, redeemed = 0, recalled = 0;
	u64 claimed_ops = 0, enomem_claimed = 0, off_claim = 0;
	u64 alloc_err[5] = { 0 };
	u32 op;

	ASSERT_NE(NULL, snap);
	for (op = 0; op < variant->ops; op++) {
		int kind = rnd(s) % 100, i = rnd_dom(T, s), rc = 0, want = 0;
		bool mutating = true;
		const char *msg;

		/*
		 * Alternate phases of 400 ops: in fill phases frees become
		 * allocations, so the heap runs full and claims must protect.
		 */
		if ((op / 400) % 2 && kind >= 40 && kind < 60)
			kind = 20;

		tl_snap(T, snap);
		claimed_ops += H->outstanding_claims != 0;
		for (u32 n = 0; n < H->nr_nodes; n++)
			if (H->node[n].sp_claims) {
				sp_claimed_ops++;
				break;
			}
		if (i < 0 || (kind < 4 && live_doms(T) < 4) ||
		    (kind < 4 && rnd(s) % 3 == 0)) {
			/* Create a domain (destroy one first if full). */
			u64 maxes[] = { 0, 1 + rnd(s) % 64, rnd(s) % 2000,
					rnd(s) % 8000, BIG, BIG };
			u64 max = maxes[rnd(s) % 6];
			struct ce_domain *d;

			if (live_doms(T) >= 4) {
				size_t e;

				for (e = 0; e < T->nr_ext; e++) {
					if (T->ext[e].d != &T->dom[i])
						continue;
					if (T->ext[e].sp)
						tl_model_free_sp(m, i, T->ext[e].node,
								 T->ext[e].counted);
					else
						tl_model_free(m, i, T->ext[e].node,
							      T->ext[e].order,
							      T->ext[e].counted);
				}
				snprintf(self->op, sizeof(self->op),
					 "destroy dom %u", T->dom[i].domid);
				tl_destroy(T, &T->dom[i]);
				tl_model_remove(m, i);
			}
			d = tl_dom(T, max);
			ASSERT_NE(NULL, d);
			i = tl_dom_index(T, d);
			tl_model_create(m, i, max, T->dom_seq[i], d);
			snprintf(self->op, sizeof(self->op),
				 "create dom %u max %" PRIu64, d->domid, max);
			mutating = false;
			counts[0]++;
		} else if (kind < 40) {
			struct ce_domain *d;
			int tries;

			/* Mostly domains that may still grow (E2BIG is cheap). */
			for (tries = 0; tries < 3 && T->dom[i].tot_pages >=
						     T->dom[i].max_pages; tries++)
				i = rnd_dom(T, s);
			d = &T->dom[i];
			u32 r = rnd(s) % 100, order, flags = 0, mnode = 0, enode = 0;
			int req = -1;
			bool sp;

			order = r < 50 ? 0 : r < 70 ? 1 + rnd(s) % 3 :
				r < 85 ? 4 + rnd(s) % 4 :
				r < 98 ? 8 + rnd(s) % 2 : 10 + rnd(s) % 3;
			if (rnd(s) % 2)
				req = rnd(s) % 8 ? (int)T->pool_node[rnd(s) % NP] :
				      rnd(s) % 2 ? (int)(rnd(s) % (H->nr_nodes + 1)) :
						   64 + (int)(rnd(s) % 190);
			if (rnd(s) % 4 == 0)
				flags |= EXACT;
			if (rnd(s) % 7 == 0)
				flags |= NOREF;
			/* A quarter of them superpages. */
			sp = rnd(s) % 4 == 0;
			snprintf(self->op, sizeof(self->op),
				 "alloc%s dom %u order %u node %d flags %#x",
				 sp ? " superpage" : "", d->domid,
				 sp ? CE_SP_ORDER : order, req, flags);
			if (sp) {
				order = CE_SP_ORDER;
				want = tl_model_alloc_sp(m, i, req, flags, &mnode);
				rc = tl_alloc_sp(T, d, req, flags, &enode);
				ok_sp += !rc;
			} else {
				want = tl_model_alloc(m, i, order, req, flags, H,
						      &mnode);
				rc = tl_alloc(T, d, order, req, flags, &enode);
			}
			if (!rc && !want)
				ASSERT_EQ(mnode, enode) TH_LOG("op %u: %s", op, self->op);
			ok_alloc += !rc;
			alloc_err[rc == -ENOMEM ? 0 : rc == -E2BIG ? 1 :
				  rc == -ENOENT ? 2 : rc == -EINVAL ? 3 : 4] += !!rc;
			redeemed += !rc && H->outstanding_claims <
					   snap->h.outstanding_claims;
			off_claim += !rc && snap->dom[i].outstanding_pages &&
				     !snap->dom[i].claims[enode] &&
				     snap->dom[i].outstanding_pages ==
				     snap->dom[i].node_claims;
			enomem_claimed += rc == -ENOMEM &&
					  snap->h.total_avail_pages >= (1ULL << order);
			counts[1]++;
		} else if (kind < 60) {
			size_t e;

			if (!T->nr_ext)
				continue;
			e = rnd(s) % T->nr_ext;
			snprintf(self->op, sizeof(self->op),
				 "free ext node %u frame %u order %u%s",
				 T->ext[e].node, T->ext[e].frame, T->ext[e].order,
				 T->ext[e].sp ? T->ext[e].held ?
				 " (release held superpage)" :
				 " (superpage)" : "");
			if (T->ext[e].sp && T->ext[e].held) {
				tl_model_release_sp(m, T->ext[e].node);
				tl_release_held(T, e);
				counts[11]++;
			} else if (T->ext[e].sp && T->ext[e].d && rnd(s) % 3 == 0) {
				/* Someone still holds it. */
				tl_model_hold_sp(m, tl_dom_index(T, T->ext[e].d),
						 T->ext[e].node, T->ext[e].counted);
				tl_hold_sp(T, e);
				counts[11]++;
			} else if (T->ext[e].sp) {
				/* A superpage is freed whole. */
				tl_model_free_sp(m, tl_dom_index(T, T->ext[e].d),
						 T->ext[e].node, T->ext[e].counted);
				tl_free_ext(T, e);
			} else if (T->ext[e].order && rnd(s) % 2) {
				/* One page of it, as the module's physmap does. */
				u32 off = rnd(s) % (1U << T->ext[e].order);

				tl_model_free(m, tl_dom_index(T, T->ext[e].d),
					      T->ext[e].node, 0,
					      T->ext[e].counted);
				tl_free_page(T, e, off);
			} else {
				tl_model_free(m, tl_dom_index(T, T->ext[e].d),
					      T->ext[e].node, T->ext[e].order,
					      T->ext[e].counted);
				tl_free_ext(T, e);
			}
			mutating = false;
			counts[2]++;
		} else if (kind < 74) {
			claim_t set[2 * CE_MAX_NODES + 3];
			u32 nr, k, r = rnd(s) % 100;
			int len;

			if (rnd(s) % 5 < 3) {
				/* What a domain builder would ask for. */
				nr = plausible_set(T, &T->dom[i], s, set);
			} else {
				nr = r < 3 ? 0 : r < 6 ? 2 * H->nr_nodes + 2 :
				     1 + rnd(s) % (2 * H->nr_nodes + 1);
				for (k = 0; k < nr; k++) {
					u32 c = rnd(s) % 50;

					set[k].target = rnd_target(s, T);
					set[k].pages = rnd_pages(s, 300);
					set[k].cmd = c < 35 ? 0 : c < 49 ?
						     NUMACLAIMS_CLAIM_SUPERPAGES :
						     2 + rnd(s) % 7;
					/* Mostly whole superpages. */
					if (set[k].cmd == NUMACLAIMS_CLAIM_SUPERPAGES &&
					    rnd(s) % 4)
						set[k].pages = SP * (rnd(s) % 4);
				}
			}
			len = snprintf(self->op, sizeof(self->op),
				       "install dom %u nr %u:", T->dom[i].domid, nr);
			for (k = 0; k < nr; k++) {
				len += snprintf(self->op + len,
						sizeof(self->op) - len,
						" {%" PRIu64 ",%#x,%u}",
						(u64)set[k].pages, set[k].target,
						set[k].cmd);
				if (len >= (int)sizeof(self->op) - 40)
					len = sizeof(self->op) - 40;
			}
			want = tl_model_install(m, i, set, nr);
			rc = ce_claim_set_install(H, &T->dom[i], set, nr);
			ok_install += !rc;
			counts[3]++;
		} else if (kind < 78) {
			struct ce_domain *d = &T->dom[i];
			u64 pages = rnd(s) % 5 == 0 ? 0 :
				    rnd(s) % 2 ? d->tot_pages + rnd_pages(s, 200) :
				    d->tot_pages + 1 + rnd(s) % (tl_unclaimed(T) + 1);

			snprintf(self->op, sizeof(self->op),
				 "legacy dom %u pages %" PRIu64, d->domid, pages);
			want = tl_model_legacy(m, i, pages);
			rc = ce_claim_pages_legacy(H, d, pages);
			counts[4]++;
		} else if (kind < 83) {
			struct ce_domain *d = &T->dom[i];
			u64 max = rnd(s) % 3 ? d->tot_pages + d->outstanding_pages +
					       d->sp_claims_total * SP -
					       rnd(s) % (rnd(s) % 2 ? 60 : 1400) :
					       rnd(s) % 3000;

			if (max > BIG)
				max = rnd(s) % 100;
			snprintf(self->op, sizeof(self->op),
				 "set_max dom %u max %" PRIu64, d->domid, max);
			tl_model_set_max(m, i, max);
			ce_set_max_pages(H, d, max);
			mutating = false;
			counts[5]++;
		} else if (kind < 86) {
			u64 mask = rnd(s) % 4 ? rnd(s) & ((1ULL << (H->nr_nodes + 1)) - 1) :
				   rnd(s);

			snprintf(self->op, sizeof(self->op),
				 "affinity dom %u mask %#llx", T->dom[i].domid,
				 (unsigned long long)mask);
			want = tl_model_set_affinity(m, i, mask);
			rc = ce_set_node_affinity(H, &T->dom[i], mask);
			counts[6]++;
		} else if (kind < 90) {
			u32 node = rnd(s) % (H->nr_nodes + 1);
			u64 av = H->node[node].avail_pages, pages;

			/* Sometimes right down to the claims, to force recalls. */
			switch (rnd(s) % 8) {
			case 0:
				pages = U64MAX;
				break;
			case 1:
			case 2:
				pages = av - min(av, H->node[node].outstanding_claims) +
					rnd(s) % 40;
				break;
			default:
				pages = rnd(s) % (av / 3 + 3);
			}

			snprintf(self->op, sizeof(self->op),
				 "offline node %u pages %" PRIu64, node, pages);
			want = tl_model_offline(m, node, pages);
			rc = ce_offline_pages(H, node, pages);
			counts[7]++;
		} else if (kind < 94) {
			u32 node = rnd(s) % (H->nr_nodes + 1);
			u64 pages = rnd(s) % (H->node[node].offlined_pages + 3);

			snprintf(self->op, sizeof(self->op),
				 "online node %u pages %" PRIu64, node, pages);
			want = tl_model_online(m, node, pages);
			rc = ce_online_pages(H, node, pages);
			counts[8]++;
		} else if (kind < 96) {
			snprintf(self->op, sizeof(self->op), "release dom %u",
				 T->dom[i].domid);
			tl_model_release(m, i);
			ce_release_claims(H, &T->dom[i]);
			mutating = false;
			counts[9]++;
		} else {
			/* GET: compare the set with the model's claims. */
			claim_t out[2 * CE_MAX_NODES + 1];
			const struct tl_mdom *md = &m->d[i];
			u32 cap = rnd(s) % 3 ? rnd(s) % 6 :
				  rnd(s) % (2 * CE_MAX_NODES + 2), nr = cap;
			u32 need = 0, n, k = 0;

			for (n = 0; n < CE_MAX_NODES; n++)
				need += !!md->claims[n] + !!md->sp_claims[n];
			need += !!md->host;
			snprintf(self->op, sizeof(self->op), "get dom %u cap %u",
				 T->dom[i].domid, cap);
			if (cap > 2 * CE_MAX_NODES + 1)
				cap = nr = 2 * CE_MAX_NODES + 1;
			rc = ce_claim_set_get(H, &T->dom[i], out, &nr);
			if (need > cap) {
				ASSERT_EQ(-ERANGE, rc);
				ASSERT_EQ(need, nr);
			} else {
				ASSERT_EQ(0, rc);
				ASSERT_EQ(need, nr);
				for (n = 0; n < CE_MAX_NODES; n++) {
					if (!md->claims[n])
						continue;
					ASSERT_EQ(n, out[k].target);
					ASSERT_EQ(md->claims[n], out[k].pages);
					ASSERT_EQ(0, out[k].cmd);
					k++;
				}
				/* Then the superpage entries, then HOST. */
				for (n = 0; n < CE_MAX_NODES; n++) {
					if (!md->sp_claims[n])
						continue;
					ASSERT_EQ(n, out[k].target);
					ASSERT_EQ(md->sp_claims[n] * SP,
						  out[k].pages);
					ASSERT_EQ(SPC, out[k].cmd);
					k++;
				}
				if (md->host) {
					ASSERT_EQ(HOST, out[k].target);
					ASSERT_EQ(md->host, out[k].pages);
					ASSERT_EQ(0, out[k].cmd);
				}
			}
			rc = want = 0;
			counts[10]++;
		}

		ASSERT_EQ(want, rc) TH_LOG("op %u: %s", op, self->op);
		if ((kind >= 78 && kind < 83) || (kind >= 86 && kind < 90))
			recalled += H->outstanding_claims <
				    snap->h.outstanding_claims;
		msg = tl_check(T);
		ASSERT_TRUE(msg == NULL) TH_LOG("op %u: %s: %s", op, self->op, msg);
		msg = tl_model_compare(T, m);
		ASSERT_TRUE(msg == NULL) TH_LOG("op %u: %s: model: %s", op,
						self->op, msg);
		if (rc && mutating) {
			fails++;
			msg = tl_snap_diff(T, snap);
			ASSERT_TRUE(msg == NULL) TH_LOG("op %u: failed %s changed %s",
							op, self->op, msg);
		}
	}
	free(snap);
	TH_LOG("ops: create %" PRIu64 " alloc %" PRIu64 " free %" PRIu64
	       " install %" PRIu64 " legacy %" PRIu64 " max %" PRIu64
	       " affinity %" PRIu64 " offline %" PRIu64 " online %" PRIu64
	       " release %" PRIu64 " get %" PRIu64 "; failed calls %" PRIu64
	       "; outstanding now %" PRIu64,
	       counts[0], counts[1], counts[2], counts[3], counts[4],
	       counts[5], counts[6], counts[7], counts[8], counts[9],
	       counts[10], fails, H->outstanding_claims);
	TH_LOG("installed %" PRIu64 ", allocated %" PRIu64 " (%" PRIu64
	       " redeemed, %" PRIu64 " off-claim), ENOMEM with free memory %"
	       PRIu64 ", recalls %" PRIu64 ", ops with claims outstanding %"
	       PRIu64, ok_install, ok_alloc, redeemed, off_claim,
	       enomem_claimed, recalled, claimed_ops);
	TH_LOG("superpages: allocated %" PRIu64 ", held or released %" PRIu64
	       ", ops with superpage claims outstanding %" PRIu64, ok_sp,
	       counts[11], sp_claimed_ops);
	TH_LOG("alloc errors: ENOMEM %" PRIu64 " E2BIG %" PRIu64 " ENOENT %"
	       PRIu64 " EINVAL %" PRIu64, alloc_err[0], alloc_err[1],
	       alloc_err[2], alloc_err[3]);
}

TEST_HARNESS_MAIN
