// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: held pages: freed while someone still holds them, the
 * held list (claims_engine.h: "Page lifetime with mappings").
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

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
