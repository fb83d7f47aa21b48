// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: the heap as built, the domain list, claim-set sizes,
 * node affinity and the invariant checker (claims_engine.h: "Domains",
 * ce_check_invariants()).
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

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
