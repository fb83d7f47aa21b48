// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: background scrubbing (claims_engine.h: "Background
 * scrubbing").
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

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
