// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: the buddy allocator on hand-made pools: the custom
 * fixture.
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

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
