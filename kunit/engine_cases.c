// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims_engine: the accounting engine (claims_engine.c, ce_) on a
 * synthetic heap with one pool per node found, parameterised over those
 * nodes.  The engine is called directly: these cases own their heap.
 */
#include <linux/slab.h>
#include "nc_kunit.h"

static void expect_invariants(struct kunit *test, const struct ce_heap *h)
{
	const char *why = NULL;

	KUNIT_EXPECT_EQ_MSG(test, ce_check_invariants(h, &why), 0, "%s",
			    why ? why : "");
}

/* ===========================================================================
 * numaclaims_engine: a synthetic heap, one pool of SYN_FRAMES per node found.
 */

struct engine_ctx {
	struct ce_heap heap;
	struct ce_domain a, b;
};

static int engine_init(struct kunit *test)
{
	struct engine_ctx *ctx;
	int i;

	find_nodes();
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ce_heap_init(&ctx->heap);
	for (i = 0; i < nr_nodes_found; i++) {
		u32 f;

		if (ce_pool_init(&ctx->heap, nodes_found[i], SYN_FRAMES))
			return -ENOMEM;
		for (f = 0; f < SYN_FRAMES; f += 512)
			ce_pool_add_chunk(&ctx->heap, nodes_found[i], f, 9);
		/* Beside the 4 KiB pool, SYN_SPS superpages (slots 0..). */
		if (ce_sp_pool_init(&ctx->heap, nodes_found[i], SYN_SPS))
			return -ENOMEM;
		for (f = 0; f < SYN_SPS; f++)
			ce_sp_pool_add(&ctx->heap, nodes_found[i], f);
	}
	ce_domain_init(&ctx->heap, &ctx->a, 1, 1 << 20);
	ce_domain_init(&ctx->heap, &ctx->b, 2, 1 << 20);
	test->priv = ctx;
	return 0;
}

static void engine_exit(struct kunit *test)
{
	struct engine_ctx *ctx = test->priv;
	int i;

	expect_invariants(test, &ctx->heap);
	ce_domain_remove(&ctx->heap, &ctx->a);
	ce_domain_remove(&ctx->heap, &ctx->b);
	for (i = 0; i < nr_nodes_found; i++)
		ce_pool_destroy(&ctx->heap, nodes_found[i]);
}

static int install1(struct ce_heap *h, struct ce_domain *d, u64 pages,
		    u32 target)
{
	struct numaclaims_claim c = { .pages = pages, .target = target };

	return ce_claim_set_install(h, d, &c, 1);
}

/* A claim-set entry for @sps superpages on @node. */
static struct numaclaims_claim sp_entry(u32 node, u64 sps)
{
	return (struct numaclaims_claim){
		.pages = sps * CE_SP_PAGES, .target = node,
		.cmd = NUMACLAIMS_CLAIM_SUPERPAGES,
	};
}

/* A claim of @sps superpages on @node, alone. */
static int install_sp(struct ce_heap *h, struct ce_domain *d, u64 sps,
		      u32 node)
{
	struct numaclaims_claim c = sp_entry(node, sps);

	return ce_claim_set_install(h, d, &c, 1);
}

/* A node claim protects the node's memory against another domain. */
static void engine_node_claim_protects(struct kunit *test)
{
	struct engine_ctx *ctx = test->priv;
	int node = *(const int *)test->param_value;
	struct ce_heap *h = &ctx->heap;
	u32 n, f;

	KUNIT_ASSERT_EQ(test, install1(h, &ctx->a, SYN_FRAMES - 512, node), 0);
	KUNIT_EXPECT_EQ(test, h->node[node].outstanding_claims,
			(u64)SYN_FRAMES - 512);
	/* b may take the 512 unclaimed pages of the node, not one more. */
	KUNIT_ASSERT_EQ(test, ce_alloc_extent(h, &ctx->b, 9, node,
					      CE_MEMF_EXACT_NODE, &n, &f, NULL), 0);
	KUNIT_EXPECT_EQ(test, n, (u32)node);
	KUNIT_EXPECT_EQ(test, ce_alloc_extent(h, &ctx->b, 0, node,
					      CE_MEMF_EXACT_NODE, &n, &f, NULL),
			-ENOMEM);
	/* ... nor may an allocation that is not counted to any domain. */
	KUNIT_EXPECT_EQ(test, ce_alloc_extent(h, NULL, 0, node,
					      CE_MEMF_EXACT_NODE, &n, &f, NULL),
			-ENOMEM);
	/* a redeems its claim there. */
	KUNIT_EXPECT_EQ(test, ce_alloc_extent(h, &ctx->a, 0, node,
					      CE_MEMF_EXACT_NODE, &n, &f, NULL), 0);
	KUNIT_EXPECT_EQ(test, ctx->a.claims[node], (u64)SYN_FRAMES - 513);
	ce_free_pages(h, &ctx->a, n, f, 0, true);
	ce_free_pages(h, &ctx->b, node, 0, 9, true);
	/* Freeing gives no claim back. */
	KUNIT_EXPECT_EQ(test, ctx->a.claims[node], (u64)SYN_FRAMES - 513);
}

/* The documented check order: the first failure decides the errno. */
static void engine_install_errors(struct kunit *test)
{
	struct engine_ctx *ctx = test->priv;
	int node = *(const int *)test->param_value;
	struct ce_heap *h = &ctx->heap;
	/* Room for the largest set (too large for the stack). */
	struct numaclaims_claim *set = kunit_kcalloc(test, 2 * CE_MAX_NODES + 2,
						     sizeof(*set), GFP_KERNEL);
	u64 before;

	KUNIT_ASSERT_NOT_NULL(test, set);
	KUNIT_ASSERT_EQ(test, install1(h, &ctx->a, 10, node), 0);
	before = ctx->a.outstanding_pages;
	KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set,
						   2 * h->nr_nodes + 2), -E2BIG);
	/* an unknown cmd */
	set[0] = (struct numaclaims_claim){ 1, node, 2 };
	KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 1), -EINVAL);
	/* superpages: not whole, not a node, a node twice; too many */
	set[0] = (struct numaclaims_claim){ 1, node, NUMACLAIMS_CLAIM_SUPERPAGES };
	KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 1), -EINVAL);
	set[0] = sp_entry(NUMACLAIMS_TARGET_HOST, 1);
	KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 1), -EINVAL);
	set[0] = (struct numaclaims_claim){ 0, node, NUMACLAIMS_CLAIM_SUPERPAGES };
	set[1] = set[0];
	KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, install_sp(h, &ctx->a, SYN_SPS + 1, node), -ENOMEM);
	/* node twice beats the ENOMEM of the second entry */
	set[0] = (struct numaclaims_claim){ 1, node, 0 };
	set[1] = (struct numaclaims_claim){ 1ULL << 40, node, 0 };
	KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 2), -EINVAL);
	/* no pool: ENOENT, before a later duplicate */
	set[0] = (struct numaclaims_claim){ 1, CE_MAX_NODES - 1, 0 };
	set[1] = (struct numaclaims_claim){ 1, CE_MAX_NODES - 1, 0 };
	if (!h->node[CE_MAX_NODES - 1].has_pool)
		KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 2),
				-ENOENT);
	/* unknown special target */
	KUNIT_EXPECT_EQ(test, install1(h, &ctx->a, 1, 0x20000000), -EINVAL);
	/* LEGACY with others */
	set[0] = (struct numaclaims_claim){ 1, NUMACLAIMS_TARGET_LEGACY, 0 };
	set[1] = (struct numaclaims_claim){ 1, NUMACLAIMS_TARGET_HOST, 0 };
	KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 2), -EINVAL);
	/* sum overflows */
	set[0] = (struct numaclaims_claim){ U64_MAX, NUMACLAIMS_TARGET_HOST, 0 };
	set[1] = (struct numaclaims_claim){ 2, node, 0 };
	KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 2), -EINVAL);
	/* more than the node has */
	KUNIT_EXPECT_EQ(test, install1(h, &ctx->a, SYN_FRAMES + 1, node),
			-ENOMEM);
	/* above max_pages */
	ce_set_max_pages(h, &ctx->b, 5);
	KUNIT_EXPECT_EQ(test, install1(h, &ctx->b, 6, node), -EINVAL);
	/* more than the host has */
	KUNIT_EXPECT_EQ(test, install1(h, &ctx->a, h->total_avail_pages + 1,
				       NUMACLAIMS_TARGET_HOST), -ENOMEM);
	/* nothing changed by any of it */
	KUNIT_EXPECT_EQ(test, ctx->a.outstanding_pages, before);
	KUNIT_EXPECT_EQ(test, ctx->a.claims[node], 10ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.sp_claims_total, 0ULL);
	/* a 4 KiB and a superpage entry for one node: fine */
	set[0] = (struct numaclaims_claim){ 10, node, 0 };
	set[1] = sp_entry(node, 1);
	KUNIT_EXPECT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 2), 0);
	KUNIT_EXPECT_EQ(test, ctx->a.sp_claims[node], 1ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.outstanding_pages, before);
	/* replace, not add */
	KUNIT_EXPECT_EQ(test, install1(h, &ctx->a, 7, node), 0);
	KUNIT_EXPECT_EQ(test, ctx->a.claims[node], 7ULL);
	KUNIT_EXPECT_EQ(test, h->outstanding_claims, 7ULL);
	KUNIT_EXPECT_EQ(test, install1(h, &ctx->a, 0, NUMACLAIMS_TARGET_HOST), 0);
	KUNIT_EXPECT_EQ(test, h->outstanding_claims, 0ULL);
}

/* Offlining recalls node claims, and counters never wrap. */
static void engine_offline_recall(struct kunit *test)
{
	struct engine_ctx *ctx = test->priv;
	int node = *(const int *)test->param_value;
	struct ce_heap *h = &ctx->heap;

	KUNIT_ASSERT_EQ(test, install1(h, &ctx->a, SYN_FRAMES, node), 0);
	KUNIT_EXPECT_EQ(test, ce_offline_pages(h, node, SYN_FRAMES + 1),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, ctx->a.claims[node], (u64)SYN_FRAMES);
	KUNIT_ASSERT_EQ(test, ce_offline_pages(h, node, 100), 0);
	KUNIT_EXPECT_EQ(test, ctx->a.claims[node], (u64)SYN_FRAMES - 100);
	KUNIT_EXPECT_EQ(test, h->node[node].avail_pages, (u64)SYN_FRAMES - 100);
	expect_invariants(test, h);
	KUNIT_EXPECT_EQ(test, ce_online_pages(h, node, 101), -EINVAL);
	KUNIT_ASSERT_EQ(test, ce_online_pages(h, node, 100), 0);
	/* Recalled claims are not restored. */
	KUNIT_EXPECT_EQ(test, ctx->a.claims[node], (u64)SYN_FRAMES - 100);
	ce_release_claims(h, &ctx->a);
}

/* Redeem order: node claim, then host-wide, then other nodes' claims. */
static void engine_redeem_order(struct kunit *test)
{
	struct engine_ctx *ctx = test->priv;
	struct ce_heap *h = &ctx->heap;
	struct numaclaims_claim set[3];
	int n0, n1;
	u32 n, f;

	require_nodes(test, 2);
	n0 = nodes_found[0];
	n1 = nodes_found[1];
	set[0] = (struct numaclaims_claim){ 100, n0, 0 };
	set[1] = (struct numaclaims_claim){ 300, n1, 0 };
	set[2] = (struct numaclaims_claim){ 50, NUMACLAIMS_TARGET_HOST, 0 };
	KUNIT_ASSERT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 3), 0);
	KUNIT_ASSERT_EQ(test, ce_alloc_extent(h, &ctx->a, 8, n0,
					      CE_MEMF_EXACT_NODE, &n, &f, NULL), 0);
	/* 256 pages: 100 from n0, 50 host-wide, 106 from n1 */
	KUNIT_EXPECT_EQ(test, ctx->a.claims[n0], 0ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.outstanding_pages - ctx->a.node_claims,
			0ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.claims[n1], 194ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.tot_pages + ctx->a.outstanding_pages,
			450ULL);
	ce_free_pages(h, &ctx->a, n, f, 8, true);
	ce_release_claims(h, &ctx->a);
}

/*
 * Clean and dirty free memory (Xen's scrubbing model): a fresh pool is
 * clean, what a domain frees is dirty, clean blocks go out first and a
 * dirty one only when no clean one fits; the scrubber's take and put make
 * dirty clean; clean + dirty = free on every step (ce_pool_audit()).
 */
static void expect_audit(struct kunit *test, const struct ce_heap *h, u32 node)
{
	const char *why = NULL;

	KUNIT_EXPECT_EQ_MSG(test, ce_pool_audit(h, node, &why), 0, "%s",
			    why ? why : "");
	expect_invariants(test, h);
}

static void engine_clean_dirty(struct kunit *test)
{
	struct engine_ctx *ctx = test->priv;
	struct ce_heap *h = &ctx->heap;
	u32 n0, n, f[SYN_FRAMES / 512], first, got;
	unsigned int order, i, nr = SYN_FRAMES / 512;
	bool dirty = true;

	require_nodes(test, 1);
	n0 = nodes_found[0];
	KUNIT_EXPECT_EQ(test, ce_scrub_pages(h, n0), 0ULL);
	KUNIT_ASSERT_EQ(test, ce_alloc_extent(h, &ctx->a, 9, n0,
					      CE_MEMF_EXACT_NODE, &n, &first,
					      &dirty), 0);
	KUNIT_EXPECT_FALSE(test, dirty);
	ce_free_pages(h, &ctx->a, n, first, 9, true);
	KUNIT_EXPECT_EQ(test, ce_scrub_pages(h, n0), 512ULL);
	expect_audit(test, h, n0);
	/* Every clean block first, then the dirty one. */
	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_EQ(test, ce_alloc_extent(h, &ctx->a, 9, n0,
						      CE_MEMF_EXACT_NODE, &n,
						      &f[i], &dirty), 0);
		KUNIT_EXPECT_EQ(test, n, n0);
		KUNIT_EXPECT_EQ(test, dirty, i == nr - 1);
		KUNIT_EXPECT_EQ(test, f[i] == first, i == nr - 1);
		expect_audit(test, h, n0);
	}
	KUNIT_EXPECT_EQ(test, ce_scrub_pages(h, n0), 0ULL);
	for (i = 0; i < nr; i++)
		ce_free_pages(h, &ctx->a, n0, f[i], 9, true);
	KUNIT_EXPECT_EQ(test, ce_scrub_pages(h, n0), (u64)SYN_FRAMES);
	/* Out for scrubbing: still free, and an allocation that needs it waits. */
	got = ce_scrub_take(h, n0, 9, &order);
	KUNIT_ASSERT_NE(test, got, CE_NO_FRAME);
	KUNIT_EXPECT_EQ(test, order, 9U);
	KUNIT_EXPECT_EQ(test, ce_scrub_pages(h, n0), (u64)SYN_FRAMES);
	KUNIT_EXPECT_EQ(test, h->node[n0].avail_pages, (u64)SYN_FRAMES);
	expect_audit(test, h, n0);
	ce_scrub_put(h, n0, true);
	KUNIT_EXPECT_EQ(test, ce_scrub_pages(h, n0), (u64)SYN_FRAMES - 512);
	while (ce_scrub_take(h, n0, 9, &order) != CE_NO_FRAME)
		ce_scrub_put(h, n0, true);
	KUNIT_EXPECT_EQ(test, ce_scrub_pages(h, n0), 0ULL);
	expect_audit(test, h, n0);
}

/*
 * Superpages: a superpage claim keeps its superpages for the owner whatever
 * another domain takes (superpages, counted or not, and every 4 KiB page
 * of the node); unclaimed superpages are anyone's.
 */
static void engine_sp_claim_protects(struct kunit *test)
{
	struct engine_ctx *ctx = test->priv;
	int node = *(const int *)test->param_value;
	struct ce_heap *h = &ctx->heap;
	u32 n, idx[SYN_SPS], f, i, bi[SYN_SPS], nb = 0;

	KUNIT_ASSERT_EQ(test, install_sp(h, &ctx->a, 2, node), 0);
	KUNIT_EXPECT_EQ(test, h->node[node].sp_claims, 2ULL);
	KUNIT_EXPECT_EQ(test, h->outstanding_claims, 0ULL);
	/* b gets the unclaimed ones, then nothing, counted or not. */
	while (!ce_alloc_superpage(h, &ctx->b, node, nb % 2 ?
				   CE_MEMF_NO_REFCOUNT : 0, &n, &bi[nb])) {
		KUNIT_EXPECT_EQ(test, n, (u32)node);
		nb++;
	}
	KUNIT_EXPECT_EQ(test, nb, SYN_SPS - 2U);
	KUNIT_EXPECT_EQ(test, ce_alloc_superpage(h, NULL, node, 0, &n, &i),
			-ENOMEM);
	/* 4 KiB pages of the node taken too: no superpage is touched. */
	KUNIT_ASSERT_EQ(test, ce_alloc_extent(h, &ctx->b, 9, node,
					      CE_MEMF_EXACT_NODE, &n, &f, NULL), 0);
	KUNIT_EXPECT_EQ(test, h->node[node].sp_avail, 2ULL);
	expect_invariants(test, h);
	/* a populates both. */
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, ce_alloc_superpage(h, &ctx->a, -1, 0, &n,
							 &idx[i]), 0);
		KUNIT_EXPECT_EQ(test, n, (u32)node);
		KUNIT_EXPECT_EQ(test, ctx->a.redeemed[0], CE_SP_PAGES);
	}
	KUNIT_EXPECT_EQ(test, ctx->a.sp_claims_total, 0ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.tot_pages, 2 * CE_SP_PAGES);
	expect_invariants(test, h);
	for (i = 0; i < 2; i++)
		ce_free_superpage(h, &ctx->a, node, idx[i], true);
	for (i = 0; i < nb; i++)
		ce_free_superpage(h, &ctx->b, node, bi[i], !(i % 2));
	ce_free_pages(h, &ctx->b, node, f, 9, true);
	KUNIT_EXPECT_EQ(test, h->node[node].sp_avail, (u64)SYN_SPS);
}

/*
 * Superpage redeem: the own superpage claim on the node first; without
 * one, the 4 KiB claims, and other nodes' superpage claims only as far as
 * max_pages demands.  SET_MAX_PAGES recalls superpage claims last.
 */
static void engine_sp_redeem(struct kunit *test)
{
	struct engine_ctx *ctx = test->priv;
	struct ce_heap *h = &ctx->heap;
	struct numaclaims_claim set[3];
	u32 n0, n1, n, i0, i1;

	require_nodes(test, 2);
	n0 = nodes_found[0];
	n1 = nodes_found[1];
	set[0] = (struct numaclaims_claim){ 10, n0, 0 };
	set[1] = sp_entry(n0, 1);
	KUNIT_ASSERT_EQ(test, ce_claim_set_install(h, &ctx->b, set, 2), 0);
	KUNIT_ASSERT_EQ(test, ce_alloc_superpage(h, &ctx->b, n0, 0, &n, &i0), 0);
	KUNIT_EXPECT_EQ(test, ctx->b.sp_claims[n0], 0ULL);
	KUNIT_EXPECT_EQ(test, ctx->b.claims[n0], 10ULL);
	ce_free_superpage(h, &ctx->b, n0, i0, true);
	ce_release_claims(h, &ctx->b);

	/* a at max_pages exactly: its superpage claim on n1 must go. */
	ce_set_max_pages(h, &ctx->a, 100 + CE_SP_PAGES);
	set[0] = (struct numaclaims_claim){ 100, n0, 0 };
	set[1] = sp_entry(n1, 1);
	KUNIT_ASSERT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 2), 0);
	KUNIT_ASSERT_EQ(test, ce_alloc_superpage(h, &ctx->a, n0, 0, &n, &i0), 0);
	KUNIT_EXPECT_EQ(test, ctx->a.claims[n0], 0ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.sp_claims[n1], 0ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.redeemed[2], CE_SP_PAGES);
	expect_invariants(test, h);
	ce_free_superpage(h, &ctx->a, n0, i0, true);

	/* SET_MAX_PAGES: 4 KiB claims first, then whole superpages. */
	ce_set_max_pages(h, &ctx->a, 1 << 20);
	set[0] = (struct numaclaims_claim){ 10, n1, 0 };
	set[1] = sp_entry(n0, 1);
	set[2] = sp_entry(n1, 1);
	KUNIT_ASSERT_EQ(test, ce_claim_set_install(h, &ctx->a, set, 3), 0);
	ce_set_max_pages(h, &ctx->a, 2 * CE_SP_PAGES);
	KUNIT_EXPECT_EQ(test, ctx->a.claims[n1], 0ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.sp_claims_total, 2ULL);
	ce_set_max_pages(h, &ctx->a, 2 * CE_SP_PAGES - 1);
	KUNIT_EXPECT_EQ(test, ctx->a.sp_claims[n0], 0ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.sp_claims[n1], 1ULL);
	/* CLAIM_PAGES: one claim at a time, superpage claims count. */
	KUNIT_EXPECT_EQ(test, ce_claim_pages_legacy(h, &ctx->a, 10), -EINVAL);
	expect_invariants(test, h);
	/* A held superpage is in no physmap and not free until released. */
	KUNIT_ASSERT_EQ(test, ce_alloc_superpage(h, &ctx->a, n1, 0, &n, &i1), 0);
	ce_free_superpage_held(h, &ctx->a, n1, true);
	KUNIT_EXPECT_EQ(test, h->node[n1].sp_held, 1ULL);
	KUNIT_EXPECT_EQ(test, h->node[n1].sp_avail, SYN_SPS - 1ULL);
	KUNIT_EXPECT_EQ(test, ctx->a.sp_pages[n1], 0ULL);
	expect_invariants(test, h);
	ce_release_superpage_held(h, n1, i1);
	KUNIT_EXPECT_EQ(test, h->node[n1].sp_avail, (u64)SYN_SPS);
	ce_release_claims(h, &ctx->a);
}

/* The invariant checker sees a superpage counter gone wrong. */
static void engine_sp_invariants(struct kunit *test)
{
	struct engine_ctx *ctx = test->priv;
	int node = *(const int *)test->param_value;
	struct ce_heap *h = &ctx->heap;
	const char *why = NULL;

	KUNIT_ASSERT_EQ(test, install_sp(h, &ctx->a, 1, node), 0);
	expect_invariants(test, h);
	h->node[node].sp_avail--;
	KUNIT_EXPECT_EQ(test, ce_check_invariants(h, &why), -EUCLEAN);
	h->node[node].sp_avail++;
	ctx->a.sp_claims[node]++;
	KUNIT_EXPECT_EQ(test, ce_check_invariants(h, &why), -EUCLEAN);
	ctx->a.sp_claims[node]--;
	expect_invariants(test, h);
	ce_release_claims(h, &ctx->a);
}

static struct kunit_case engine_cases[] = {
	KUNIT_CASE(engine_clean_dirty),
	KUNIT_CASE_PARAM(engine_node_claim_protects, node_gen_params),
	KUNIT_CASE_PARAM(engine_install_errors, node_gen_params),
	KUNIT_CASE_PARAM(engine_offline_recall, node_gen_params),
	KUNIT_CASE(engine_redeem_order),
	KUNIT_CASE_PARAM(engine_sp_claim_protects, node_gen_params),
	KUNIT_CASE(engine_sp_redeem),
	KUNIT_CASE_PARAM(engine_sp_invariants, node_gen_params),
	{}
};

struct kunit_suite engine_suite = {
	.name = "numaclaims_engine",
	.init = engine_init,
	.exit = engine_exit,
	.test_cases = engine_cases,
};

