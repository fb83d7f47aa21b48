// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: offline/online, retired bad frames, recalls
 * (claims_engine.h: "Offline/online").
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

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
