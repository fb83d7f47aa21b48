// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: superpages: the second pool, claims, redeeming, held,
 * retired (claims_engine.h: "Superpages").
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

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
