// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: resizing a pool while domains run (claims_engine.h:
 * "Resizing a pool"): grow into absent slots and above top, shrink of free
 * unclaimed pages only, whole blocks first, refusals that change nothing.
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

/* ---------------------------------------------------------------- resize */

#define RESERVED(n)	(H->node[(n)].reserved_pages)

/* tl's baseline after a shrink a test commits and takes by hand. */
static int rebase(struct tl *t, u32 node, u64 pages)
{
	t->base.reserved[node] -= pages;
	t->base.total -= pages;
	t->base.resized[node] = true;
	return 0;
}

/* Grow @node by @pages, largest slots first (what the module does). */
static int grow_by(struct tl *t, u32 node, u64 pages)
{
	int order = CE_MAX_ORDER, rc;

	while (pages) {
		while ((1ULL << order) > pages)
			order--;
		rc = tl_grow(t, node, order);
		if (rc == -ENOSPC && order) {
			order--;
			continue;
		}
		if (rc)
			return rc;
		pages -= 1ULL << order;
	}
	return 0;
}

/*
 * A shrink takes only free pages no claim needs: a claim on the node, and
 * host-wide claims against the host's free pages, refuse it (EBUSY,
 * nothing changed, no claim recalled); what it can take goes, and the
 * claims are still met in full afterwards.
 */
TEST_F(heap, shrink_takes_unclaimed_free_pages_only)
{
	struct ce_domain *a = tl_dom(T, BIG), *b = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 r0 = RESERVED(n), claim = AV(n) / 3;
	u64 unclaimed, got;

	OK(INSTALL(a, { claim, n }));
	unclaimed = ce_pool_unclaimed(H, n);
	ASSERT_EQ(AV(n) - claim, unclaimed);
	FAILS_CLEANLY(EBUSY, ce_pool_shrink_commit(H, n, unclaimed + 1));
	FAILS_CLEANLY(EBUSY, ce_pool_shrink_commit(H, n, U64MAX));
	FAILS_CLEANLY(ENOENT, ce_pool_shrink_commit(H, self->nopool, 1));
	FAILS_CLEANLY(ENOENT, ce_pool_shrink_commit(H, CE_MAX_NODES, 1));

	/* A host-wide claim of everything else unclaimed holds it too. */
	OK(INSTALL(b, { tl_unclaimed(T), HOST }));
	ASSERT_EQ(0, ce_pool_unclaimed(H, n));
	FAILS_CLEANLY(EBUSY, ce_pool_shrink_commit(H, n, 1));
	ce_release_claims(H, b);
	CHECK();

	OK(tl_shrink(T, n, unclaimed));
	ASSERT_EQ(r0 - unclaimed, RESERVED(n));
	ASSERT_EQ(claim, AV(n));
	ASSERT_EQ(claim, a->claims[n]) TH_LOG("a shrink recalled a claim");
	FAILS_CLEANLY(EBUSY, ce_pool_shrink_commit(H, n, 1));
	/* The claim is still met in full, from what is left. */
	got = fill_node(T, a, n);
	ASSERT_EQ(claim, got);
	ASSERT_EQ(0, a->claims[n]);
	tl_free_dom(T, a, -1, U64MAX);
	CHECK();
	/* And the pool grows back to its size. */
	OK(grow_by(T, n, unclaimed));
	ASSERT_EQ(r0, RESERVED(n));
	ASSERT_EQ(r0, AV(n));
}

/*
 * Committed pages leave the accounting at once: an allocation between the
 * commit and the takes cannot have them, though their frames are still on
 * the free lists.
 */
TEST_F(heap, shrink_commit_is_atomic_and_pending_frames_unallocatable)
{
	struct ce_domain *a = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 av = AV(n), half = av / 2;
	unsigned int order;
	bool dirty;
	u64 got;
	u32 f;

	OK(ce_pool_shrink_commit(H, n, half) ?: rebase(T, n, half));
	ASSERT_EQ(half, H->node[n].shrink_pending);
	ASSERT_EQ(av - half, AV(n));
	got = fill_node(T, a, n);
	ASSERT_EQ(av - half, got) TH_LOG("an allocation took pending frames");
	tl_free_dom(T, a, -1, U64MAX);
	CHECK();
	/* Take them as the module does; tl's record follows by hand. */
	while ((f = ce_pool_shrink_take(H, n, CE_MAX_ORDER, &order, &dirty)) != CE_NO_FRAME) {
		memset(T->chunk_of[n] + f, 0, 1U << order);
		CHECK();
	}
	ASSERT_EQ(0, H->node[n].shrink_pending);
	CHECK();
}

/* Whole blocks, the largest that fits first: Linux gets 2 MiB back whole. */
TEST_F(heap, shrink_gives_whole_blocks_largest_first)
{
	const u32 n = P(0);
	u32 before[CE_MAX_ORDER + 1];
	unsigned int o;

	for (o = 0; o <= CE_MAX_ORDER; o++)
		before[o] = tl_free_blocks(H, n, o);
	if (!before[CE_MAX_ORDER])
		SKIP(return, "no free order-%d block on node %u",
		     CE_MAX_ORDER, n);
	OK(tl_shrink(T, n, 1U << CE_MAX_ORDER));
	for (o = 0; o <= CE_MAX_ORDER; o++)
		ASSERT_EQ(before[o] - (o == CE_MAX_ORDER),
			  tl_free_blocks(H, n, o))
			TH_LOG("order %u: a block was split", o);
	/* Three pages: an order-1 and an order-0 block, or split ones. */
	OK(tl_shrink(T, n, 3));
	OK(grow_by(T, n, 3 + (1U << CE_MAX_ORDER)));
}

/*
 * A shrink never takes a page in use, held or offlined (tl_shrink()
 * validates every frame taken), and gives back every free unclaimed one.
 */
TEST_F(heap, shrink_leaves_used_held_and_offlined_pages)
{
	struct ce_domain *a = tl_dom(T, BIG);
	const u32 n = P(0);
	const u64 r0 = RESERVED(n);
	u64 used = 0, u;
	size_t e;
	int order;

	for (order = 3; order >= 0; order--)
		if (!tl_alloc(T, a, order, n, EXACT, NULL))
			used += 1ULL << order;
	ASSERT_LT(0, used);
	e = tl_find_ext(T, a, n);
	ASSERT_NE((size_t)-1, e);
	tl_hold_page(T, e, 0);
	CHECK();
	OK(ce_offline_pages(H, n, 5));
	u = ce_pool_unclaimed(H, n);
	ASSERT_EQ(AV(n), u);
	OK(tl_shrink(T, n, u));
	ASSERT_EQ(0, AV(n));
	ASSERT_EQ(r0 - u, RESERVED(n));
	ASSERT_EQ(RESERVED(n), H->node[n].offlined_pages +
		  H->node[n].held_pages + a->node_pages[n]);
	/* An empty pool: nothing to allocate, nothing more to give. */
	ASSERT_EQ(-ENOMEM, tl_alloc(T, a, 0, n, EXACT, NULL));
	FAILS_CLEANLY(EBUSY, ce_pool_shrink_commit(H, n, 1));
	OK(grow_by(T, n, u));
	ASSERT_EQ(r0, RESERVED(n));
}

/* The block being scrubbed waits: takes stop until it is put back. */
TEST_F(heap, shrink_waits_for_the_block_being_scrubbed)
{
	struct ce_domain *a = tl_dom(T, BIG);
	const u32 n = P(0);
	unsigned int order, so;
	u64 all, left;
	bool dirty;
	u32 f, sf;

	/* Dirty everything, then have the scrubber take one block out. */
	fill_node(T, a, n);
	tl_free_dom(T, a, -1, U64MAX);
	CHECK();
	sf = ce_scrub_take(H, n, CE_MAX_ORDER, &so);
	ASSERT_NE(CE_NO_FRAME, sf);
	all = AV(n);
	OK(ce_pool_shrink_commit(H, n, all) ?: rebase(T, n, all));
	while ((f = ce_pool_shrink_take(H, n, CE_MAX_ORDER, &order, &dirty)) != CE_NO_FRAME) {
		ASSERT_TRUE(dirty);
		ASSERT_FALSE(f <= sf && sf < f + (1U << order))
			TH_LOG("a shrink took the block being scrubbed");
		memset(T->chunk_of[n] + f, 0, 1U << order);
	}
	left = H->node[n].shrink_pending;
	ASSERT_EQ(1ULL << so, left);
	ce_scrub_put(H, n, true);
	f = ce_pool_shrink_take(H, n, CE_MAX_ORDER, &order, &dirty);
	ASSERT_EQ(sf, f);
	ASSERT_EQ(so, order);
	ASSERT_FALSE(dirty);
	memset(T->chunk_of[n] + f, 0, 1U << order);
	ASSERT_EQ(0, H->node[n].shrink_pending);
	CHECK();
	OK(grow_by(T, n, all));
}

/*
 * Capacity: a grow fills absent slots and the frames above top, aligned,
 * until none is left (ENOSPC, nothing changed); what it adds is
 * allocatable at once; a slot a shrink freed is used again, merged with
 * its absent buddies.
 */
TEST_F(custom, grow_to_capacity_and_reuse_slots)
{
	struct ce_domain *d;
	unsigned int order;
	bool dirty;
	u32 f;

	/* One page at frame 0 of a pool of 2048 frames. */
	BUILD(.nr = 1, .nodes = { { .node = 0, .chunks = { 0, TL_END },
				    .slack = 2047 } });
	ASSERT_EQ(2047, ce_pool_free_slots(H, 0));
	/* Order 9 goes above top, aligned: frames 1..511 become absent. */
	OK(tl_grow(T, 0, 9));
	ASSERT_EQ(511, H->node[0].pool.nr_absent);
	ASSERT_EQ(1024, H->node[0].pool.top);
	/* Order 8 comes from the absent frames, aligned. */
	OK(tl_grow(T, 0, 8));
	ASSERT_EQ(255, H->node[0].pool.nr_absent);
	OK(tl_grow(T, 0, 9));
	OK(tl_grow(T, 0, 9));
	ASSERT_EQ(2048, H->node[0].pool.top);
	/* Full at order 9; 255 frames left in smaller pieces. */
	ASSERT_EQ(-ENOSPC, tl_grow(T, 0, 9));
	ASSERT_EQ(255, ce_pool_free_slots(H, 0));
	while (!tl_grow(T, 0, 0))
		CHECK();
	ASSERT_EQ(0, ce_pool_free_slots(H, 0));
	FAILS_CLEANLY(ENOSPC, tl_grow(T, 0, 0));
	FAILS_CLEANLY(ENOSPC, tl_grow(T, 0, CE_MAX_ORDER + 1));
	ASSERT_EQ(2048, H->node[0].reserved_pages);
	ASSERT_EQ(2048, H->node[0].avail_pages);
	/* All of it is allocatable. */
	d = tl_dom(T, BIG);
	ASSERT_EQ(2048, fill_node(T, d, 0));
	tl_free_dom(T, d, -1, U64MAX);
	CHECK();
	/* Give back all but one block, then grow whole 2 MiB slots again. */
	OK(tl_shrink(T, 0, 2048 - 1));
	ASSERT_EQ(1, H->node[0].reserved_pages);
	ASSERT_EQ(2047, ce_pool_free_slots(H, 0));
	OK(tl_grow(T, 0, 9));
	OK(tl_grow(T, 0, 9));
	OK(tl_grow(T, 0, 9));
	ASSERT_EQ(-ENOSPC, tl_grow(T, 0, 9)) TH_LOG("absent buddies not merged");
	/* Back to one page, by hand: blocks come out largest first. */
	OK(ce_pool_shrink_commit(H, 0, 1536) ?: rebase(T, 0, 1536));
	f = ce_pool_shrink_take(H, 0, CE_MAX_ORDER, &order, &dirty);
	ASSERT_NE(CE_NO_FRAME, f);
	ASSERT_EQ(9, order);
	memset(T->chunk_of[0] + f, 0, 512);
	while ((f = ce_pool_shrink_take(H, 0, CE_MAX_ORDER, &order, &dirty)) != CE_NO_FRAME)
		memset(T->chunk_of[0] + f, 0, 1U << order);
	CHECK();
	ASSERT_EQ(1, H->node[0].reserved_pages);
}

/* A pool of capacity 0 (superpages only) cannot grow. */
TEST_F(custom, grow_refused_without_capacity)
{
	BUILD(.nr = 1, .nodes = { { .node = 0, .chunks = { TL_END },
				    .superpages = 1 } });
	FAILS_CLEANLY(ENOSPC, tl_grow(T, 0, 0));
	ASSERT_EQ(0, ce_pool_free_slots(H, 0));
	ASSERT_EQ(CE_NO_FRAME, ce_pool_slot_take(H, 1, 0));
	ASSERT_EQ(CE_NO_FRAME, ce_pool_slot_take(H, CE_MAX_NODES, 0));
}

/* Pages given back one at a time leave slots that merge into whole ones. */
TEST_F(custom, absent_buddies_merge)
{
	BUILD(.nr = 1, .nodes = { { .node = 0, .chunks = { 2, TL_END } } });
	OK(tl_shrink(T, 0, 1));
	OK(tl_shrink(T, 0, 1));
	OK(tl_shrink(T, 0, 2));
	ASSERT_EQ(0, H->node[0].reserved_pages);
	ASSERT_EQ(4, ce_pool_free_slots(H, 0));
	ASSERT_EQ(0, tl_grow(T, 0, 2)) TH_LOG("four absent frames did not merge");
	CHECK();
	ASSERT_EQ(4, H->node[0].avail_pages);
}

/*
 * Grow on claim: ce_claim_set_shortfall() says what each node must grow
 * by for a refused set to install, and after growing exactly that the set
 * installs.  Node entries grow their own node; the host-wide part goes to
 * the set's nodes first, then the other growing nodes; a node that may
 * not grow, or not that much, is ENOMEM; a set that fits needs nothing;
 * nothing changes.
 */
#define SHORT(d, grow, ...)						\
	ce_claim_set_shortfall(H, (d), SET(__VA_ARGS__), NSET(__VA_ARGS__), \
			       (grow), room, sf)

TEST_F(custom, claim_shortfall_grows_what_the_set_lacks)
{
	u64 room[CE_MAX_NODES] = { 0 }, sf[CE_MAX_NODES];
	struct ce_domain *a, *b;
	struct tl_snap *snap = malloc(sizeof(*snap));

	/* Two nodes of 512 pages each, room for 1536 more on each. */
	BUILD(.nr = 2, .nodes = {
		{ .node = 0, .chunks = { 9, TL_END }, .slack = 1536 },
		{ .node = 1, .chunks = { 9, TL_END }, .slack = 1536 },
	});
	ASSERT_NE(NULL, snap);
	room[0] = room[1] = 1536;
	a = tl_dom(T, BIG);
	b = tl_dom(T, BIG);
	tl_snap(T, snap);

	/* A set that fits needs nothing. */
	OK(SHORT(a, 3, { 512, 0 }, { 10, HOST }));
	ASSERT_EQ(0, sf[0] | sf[1]);
	/* A node entry grows its own node by what it lacks. */
	OK(SHORT(a, 3, { 700, 0 }));
	ASSERT_EQ(188, sf[0]);
	ASSERT_EQ(0, sf[1]);
	/* Not if that node does not grow, or not that much. */
	ASSERT_EQ(-ENOMEM, SHORT(a, 2, { 700, 0 }));
	ASSERT_EQ(-ENOMEM, SHORT(a, 3, { 512 + 1537, 0 }));
	/* The host part goes to the set's nodes first, then the others. */
	OK(SHORT(a, 3, { 100, 1 }, { 1024, HOST }));
	ASSERT_EQ(0, sf[0]);
	ASSERT_EQ(100 + 1024 - 1024, sf[1]);
	OK(SHORT(a, 3, { 600, 1 }, { 2000, HOST }));
	ASSERT_EQ(1536, sf[1]) TH_LOG("the set's node 1 first");
	ASSERT_EQ(600 + 2000 - 1024 - 1536, sf[0]);
	OK(SHORT(a, 1, { 2000, HOST }));	/* only node 0 grows */
	ASSERT_EQ(2000 - 1024, sf[0]);
	ASSERT_EQ(0, sf[1]);
	ASSERT_EQ(-ENOMEM, SHORT(a, 1, { 1024 + 1537, HOST }));
	ASSERT_EQ(-ENOMEM, SHORT(a, 3, { 1024 + 3073, HOST }));
	/* A legacy target: the pages above tot_pages, host-wide. */
	OK(ce_claim_set_shortfall(H, a, SET({ 2048, LEGACY }), 1, 3, room, sf));
	ASSERT_EQ(1024, sf[0] + sf[1]);
	/* Malformed sets and superpages (which do not grow). */
	ASSERT_EQ(-EINVAL, SHORT(a, 3, { 1, 0 }, { 1, 0 }));
	ASSERT_EQ(-EINVAL, SHORT(a, 3, { 1, 5 }));
	ASSERT_EQ(-EINVAL, ce_claim_set_shortfall(H, a, SET({ 1, 0 }), 0, 3,
						  room, sf));
	ASSERT_EQ(-ENOMEM, ce_claim_set_shortfall(H, a,
		SET({ 512, 0, NUMACLAIMS_CLAIM_SUPERPAGES }), 1, 3, room, sf));
	ASSERT_EQ(NULL, tl_snap_diff(T, snap)) TH_LOG("the shortfall changed the heap");

	/* Others' claims count; the domain's own claim is replaced. */
	OK(INSTALL(b, { 400, 0 }, { 100, HOST }));
	OK(INSTALL(a, { 50, 0 }));
	OK(SHORT(a, 3, { 200, 0 }));
	ASSERT_EQ(200 - (512 - 400 - 50) - 50, sf[0]);
	/* host: 1024 free, 550 claimed, a's 50 free again: 524; asks 1000 */
	OK(SHORT(a, 3, { 1000, HOST }));
	ASSERT_EQ(1000 - 524, sf[0] + sf[1]);
	ASSERT_EQ(1000 - 524, sf[0]) TH_LOG("room on node 0 first");

	/* Growing exactly the shortfall makes the refused set install. */
	ASSERT_EQ(-ENOMEM, INSTALL(a, { 300, 0 }, { 900, 1 }, { 1500, HOST }));
	OK(SHORT(a, 3, { 300, 0 }, { 900, 1 }, { 1500, HOST }));
	ASSERT_EQ(1536, sf[0]);
	ASSERT_EQ(2700 - 1024 - 1536 + 550 - 50, sf[1]);
	ASSERT_EQ(0, grow_by(T, 0, sf[0]));
	ASSERT_EQ(0, grow_by(T, 1, sf[1]));
	CHECK();
	OK(INSTALL(a, { 300, 0 }, { 900, 1 }, { 1500, HOST }));
	OK(SHORT(a, 3, { 300, 0 }, { 900, 1 }, { 1500, HOST }));
	ASSERT_EQ(0, sf[0] | sf[1]);
	ce_release_claims(H, a);
	ce_release_claims(H, b);
	CHECK();
	free(snap);
}
