// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: rules that need two or more nodes with pools: the numa
 * fixture.
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

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
