// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: allocation and freeing: max_pages, errno order,
 * protection by claims, redeeming (claims_engine.h: "Allocation and
 * freeing").
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

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
