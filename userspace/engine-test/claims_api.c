// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: claim sets: install (errno order, atomicity, replace),
 * GET, legacy claims, release, max_pages and its recalls (claims_engine.h:
 * "Claims").
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

/*
 * SPEC "Install": the documented check order, every errno, and for each
 * failure the whole state (the old claim set included) left untouched.
 */
TEST_F(heap, install_errors_in_documented_order)
{
	const u32 X = self->nopool, nr_max = 2 * H->nr_nodes + 1;
	struct ce_domain *d = tl_dom(T, BIG);
	struct ce_domain *small = tl_dom(T, 100);
	const u64 big = AV(P(0)) + 1;	/* more than P0 has */
	/* More superpages than P0 has (every layout gives P0 some). */
	const u64 sbig = (H->node[P(0)].sp_avail + 1) * SP;
	claim_t many[2 * CE_MAX_NODES + 2];
	struct {
		const char *what;
		struct ce_domain *d;
		u32 nr;
		claim_t e[4];
		int err;
	} c[] = {
		/* 2. per entry: EINVAL causes. */
		{ "cmd", d, 1, { { 1, P(0), 2 } }, EINVAL },
		{ "cmd, high bit", d, 1, { { 1, P(0), 0x80000000 } }, EINVAL },
		{ "cmd before ENOENT", d, 1, { { 1, X, 2 } }, EINVAL },
		{ "cmd before ENOMEM", d, 1, { { big, P(0), 2 } }, EINVAL },
		{ "cmd on HOST", d, 1, { { 1, HOST, 2 } }, EINVAL },
		{ "cmd on LEGACY", d, 1, { { 1, LEGACY, 2 } }, EINVAL },
		/* Superpage entries: node target, whole superpages. */
		{ "sp not whole", d, 1, { { 1, P(0), SPC } }, EINVAL },
		{ "sp not whole, 513", d, 1, { { SP + 1, P(0), SPC } }, EINVAL },
		{ "sp not whole before ENOENT", d, 1, { { 1, X, SPC } }, EINVAL },
		{ "sp not whole before ENOMEM", d, 1, { { sbig + 1, P(0), SPC } },
		  EINVAL },
		{ "sp on HOST", d, 1, { { SP, HOST, SPC } }, EINVAL },
		{ "sp on LEGACY", d, 1, { { SP, LEGACY, SPC } }, EINVAL },
		{ "sp 0 on LEGACY", d, 1, { { 0, LEGACY, SPC } }, EINVAL },
		{ "sp on SPECIAL", d, 1, { { SP, SPECIAL, SPC } }, EINVAL },
		{ "sp node twice", d, 2, { { 0, P(0), SPC }, { 0, P(0), SPC } },
		  EINVAL },
		{ "sp node twice, 4 KiB between", d, 3,
		  { { SP, P(0), SPC }, { 1, P(0) }, { SP, P(0), SPC } }, EINVAL },
		{ "sp sum overflows", d, 2,
		  { { U64MAX, HOST }, { SP, P(0), SPC } }, EINVAL },
		{ "special", d, 1, { { 1, SPECIAL } }, EINVAL },
		{ "special+1", d, 1, { { 1, SPECIAL + 1 } }, EINVAL },
		{ "0x7fffffff", d, 1, { { 1, 0x7fffffff } }, EINVAL },
		{ "0xffffffff", d, 1, { { 1, 0xffffffff } }, EINVAL },
		{ "HOST|1", d, 1, { { 1, HOST | 1 } }, EINVAL },
		{ "LEGACY|1", d, 1, { { 1, LEGACY | 1 } }, EINVAL },
		{ "HOST|LEGACY", d, 1, { { 1, HOST | LEGACY } }, EINVAL },
		{ "node twice", d, 2, { { 1, P(0) }, { 1, P(0) } }, EINVAL },
		{ "node twice, 0 pages", d, 2, { { 0, P(0) }, { 0, P(0) } },
		  EINVAL },
		{ "HOST twice", d, 2, { { 1, HOST }, { 1, HOST } }, EINVAL },
		{ "LEGACY first with other", d, 2, { { 5, LEGACY }, { 1, P(0) } },
		  EINVAL },
		{ "LEGACY last with other", d, 2, { { 1, P(0) }, { 5, LEGACY } },
		  EINVAL },
		{ "LEGACY twice", d, 2, { { 5, LEGACY }, { 5, LEGACY } }, EINVAL },
		{ "LEGACY 0 with other", d, 2, { { 0, LEGACY }, { 0, HOST } },
		  EINVAL },
		{ "sum overflows", d, 2, { { U64MAX, HOST }, { 1, P(0) } },
		  EINVAL },
		{ "sum overflows, node first", d, 2,
		  { { 1, P(0) }, { U64MAX, HOST } }, EINVAL },
		/* 2. ENOENT. */
		{ "no pool", d, 1, { { 1, X } }, ENOENT },
		{ "node 64", d, 1, { { 1, CE_MAX_NODES } }, ENOENT },
		{ "node 63", d, 1, { { 1, 63 } }, ENOENT },
		{ "SPECIAL-1", d, 1, { { 1, SPECIAL - 1 } }, ENOENT },
		{ "no pool, 0 pages", d, 1, { { 0, X } }, ENOENT },
		{ "ENOENT before ENOMEM", d, 1, { { big, X } }, ENOENT },
		/* EINVAL (overflow) before ENOENT inside one entry. */
		{ "overflow before ENOENT", d, 2, { { U64MAX, HOST }, { 1, X } },
		  EINVAL },
		{ "no overflow: ENOENT", d, 2, { { U64MAX - 1, HOST }, { 1, X } },
		  ENOENT },
		{ "sp no pool", d, 1, { { SP, X, SPC } }, ENOENT },
		{ "sp node 64", d, 1, { { SP, CE_MAX_NODES, SPC } }, ENOENT },
		{ "sp ENOENT before ENOMEM", d, 1, { { sbig, X, SPC } }, ENOENT },
		/* 2. ENOMEM on the node. */
		{ "node ENOMEM", d, 1, { { big, P(0) } }, ENOMEM },
		{ "sp ENOMEM", d, 1, { { sbig, P(0), SPC } }, ENOMEM },
		/* 4 KiB pages are no superpages and the other way round. */
		{ "sp ENOMEM, 4 KiB free", d, 2,
		  { { 1, P(0) }, { sbig, P(0), SPC } }, ENOMEM },
		{ "sp ENOMEM then cmd", d, 2,
		  { { sbig, P(0), SPC }, { 1, HOST, 2 } }, ENOMEM },
		{ "sp ENOMEM before max_pages", small, 1,
		  { { sbig, P(0), SPC } }, ENOMEM },
		{ "node ENOMEM, U64MAX", d, 1, { { U64MAX, P(0) } }, ENOMEM },
		/* Array order decides between entries. */
		{ "ENOMEM then cmd", d, 2, { { big, P(0) }, { 1, HOST, 1 } },
		  ENOMEM },
		{ "cmd then ENOMEM", d, 2, { { 1, HOST, 1 }, { big, P(0) } },
		  EINVAL },
		{ "ENOENT then dup", d, 3, { { 1, X }, { 1, HOST }, { 1, HOST } },
		  ENOENT },
		{ "dup then ENOENT", d, 3, { { 1, HOST }, { 1, HOST }, { 1, X } },
		  EINVAL },
		{ "ENOMEM then ENOENT", d, 2, { { big, P(0) }, { 1, X } }, ENOMEM },
		{ "ENOENT then ENOMEM", d, 2, { { 1, X }, { big, P(0) } }, ENOENT },
		{ "ENOENT then LEGACY", d, 2, { { 1, X }, { 1, LEGACY } }, ENOENT },
		{ "LEGACY then ENOENT", d, 2, { { 1, LEGACY }, { 1, X } }, EINVAL },
		{ "ENOMEM then LEGACY", d, 2, { { big, P(0) }, { 1, LEGACY } },
		  ENOMEM },
		/* 2 before 3: a node ENOMEM beats a total above max_pages. */
		{ "ENOMEM before max_pages", d, 2,
		  { { 2 * BIG, HOST }, { big, P(0) } }, ENOMEM },
		/* 3. max_pages. */
		{ "above max_pages", d, 1, { { 2 * BIG, HOST } }, EINVAL },
		{ "above max_pages, superpage", small, 1, { { SP, P(0), SPC } },
		  EINVAL },
		{ "above max_pages, nodes", small, 2,
		  { { 60, P(0) }, { 41, HOST } }, EINVAL },
		/* 3 before 4: above max_pages and above the host's memory. */
		{ "max_pages before host ENOMEM", small, 1,
		  { { H->total_avail_pages + 1, HOST } }, EINVAL },
		/* 4. the host's unclaimed memory. */
		{ "host ENOMEM", d, 1, { { H->total_avail_pages + 1, HOST } },
		  ENOMEM },
		{ "host ENOMEM, nodes fit", d, 2,
		  { { 1, P(0) }, { H->total_avail_pages, HOST } }, ENOMEM },
	};
	size_t i;

	/* Existing sets that every failure must leave in place. */
	OK(INSTALL(d, { 5, P(0) }, { 7, HOST }));
	OK(INSTALL(small, { 3, HOST }));

	/* 1. count, before anything in the array is looked at. */
	memset(many, 0xff, sizeof(many));
	FAILS_CLEANLY(EINVAL, ce_claim_set_install(H, d, many, 0));
	FAILS_CLEANLY(E2BIG, ce_claim_set_install(H, d, many, nr_max + 1));
	for (i = 0; i < nr_max + 1; i++)
		many[i] = (claim_t){ 1, HOST };
	FAILS_CLEANLY(E2BIG, ce_claim_set_install(H, d, many, nr_max + 1));

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		int want = c[i].nr > nr_max ? E2BIG : c[i].err;

		TH_LOG("case %zu: %s", i, c[i].what);
		FAILS_CLEANLY(want, ce_claim_set_install(H, c[i].d, c[i].e,
							  c[i].nr));
	}

	/* The old sets are intact and the largest legal set installs. */
	ASSERT_EQ(5, d->claims[P(0)]);
	ASSERT_EQ(7, tl_host_part(d));
	ASSERT_EQ(3, small->outstanding_pages);
	ASSERT_EQ(0, d->sp_claims_total + small->sp_claims_total);
	for (i = 0; i < NP; i++) {
		many[2 * i] = (claim_t){ 1, P(NP - 1 - i) };
		many[2 * i + 1] = (claim_t){
			H->node[P(i)].sp_avail ? SP : 0, P(i), SPC };
	}
	many[2 * NP] = (claim_t){ 1, HOST };
	OK(ce_claim_set_install(H, d, many, 2 * NP + 1));
	ASSERT_EQ(NP + 1, d->outstanding_pages);
	for (i = 0; i < NP; i++)
		ASSERT_EQ(!!H->node[P(i)].sp_avail, d->sp_claims[P(i)]);
}

/* A set that passes some checks and then fails leaves the old set. */
TEST_F(heap, install_is_atomic)
{
	struct ce_domain *d = tl_dom(T, BIG), *e = tl_dom(T, BIG);
	const u64 a0 = AV(P(0));

	OK(INSTALL(d, { 10, P(0) }, { 20, HOST }));
	OK(tl_alloc(T, d, 2, P(0), EXACT, NULL));
	ASSERT_EQ(6, d->claims[P(0)]);

	/* Fails at the last entry (ENOENT). */
	FAILS_CLEANLY(ENOENT, INSTALL(d, { 100, P(0) }, { 1, self->nopool }));
	FAILS_CLEANLY(ENOENT, INSTALL(d, { 100, HOST }, { 1, self->nopool }));
	/* Fails in step 4 after every entry passed. */
	OK(INSTALL(e, { H->total_avail_pages - 100, HOST }));
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { 50, P(0) }, { 51, HOST }));
	/* Exactly what is left (own claims count as free) succeeds. */
	OK(INSTALL(d, { 50, P(0) }, { 50, HOST }));
	ASSERT_EQ(100, d->outstanding_pages);
	ASSERT_EQ(0, tl_unclaimed(T));
	ASSERT_EQ(a0 - 4, AV(P(0)));
}

TEST_F(heap, install_replaces_not_adds)
{
	struct ce_domain *d = tl_dom(T, BIG);
	const u32 last = PL;

	OK(INSTALL(d, { 10, P(0) }, { 20, HOST }));
	ASSERT_EQ(30, d->outstanding_pages);
	ASSERT_EQ(10, d->node_claims);
	ASSERT_EQ(30, H->outstanding_claims);
	ASSERT_EQ(10, H->node[P(0)].outstanding_claims);

	OK(INSTALL(d, { 5, last }));
	ASSERT_EQ(5, d->outstanding_pages);
	ASSERT_EQ(5, d->node_claims);
	ASSERT_EQ(5, d->claims[last]);
	ASSERT_EQ(5, H->outstanding_claims);
	ASSERT_EQ(5, H->node[last].outstanding_claims);
	if (last != P(0))
		ASSERT_EQ(0, d->claims[P(0)]);

	OK(INSTALL(d, { 3, HOST }));
	ASSERT_EQ(3, d->outstanding_pages);
	ASSERT_EQ(0, d->node_claims);
	ASSERT_EQ(0, d->claims[last]);
	ASSERT_EQ(0, H->node[last].outstanding_claims);
	ASSERT_EQ(3, H->outstanding_claims);

	/* The same set twice is the same set, not twice the claim. */
	OK(INSTALL(d, { 4, P(0) }, { 3, HOST }));
	OK(INSTALL(d, { 4, P(0) }, { 3, HOST }));
	ASSERT_EQ(7, d->outstanding_pages);
	ASSERT_EQ(7, H->outstanding_claims);
}

TEST_F(heap, install_zero_entries_clear)
{
	struct ce_domain *d = tl_dom(T, BIG);
	claim_t out[4];
	u32 nr = 4;

	OK(INSTALL(d, { 10, P(0) }, { 20, HOST }));
	OK(INSTALL(d, { 0, HOST }));
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, H->outstanding_claims);
	ASSERT_EQ(0, H->node[P(0)].outstanding_claims);

	OK(INSTALL(d, { 10, P(0) }, { 20, HOST }));
	OK(INSTALL(d, { 0, P(0) }));
	ASSERT_EQ(0, d->outstanding_pages);

	OK(INSTALL(d, { 10, P(0) }));
	OK(INSTALL(d, { 0, P(0) }, { 5, HOST }));
	ASSERT_EQ(5, d->outstanding_pages);
	ASSERT_EQ(0, d->node_claims);
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(1, nr);
	ASSERT_EQ(HOST, out[0].target);
	ASSERT_EQ(5, out[0].pages);

	/* A domain claiming nothing may "clear" too. */
	OK(INSTALL(d, { 0, HOST }));
	OK(INSTALL(d, { 0, HOST }));
	OK(INSTALL(d, { 0, LEGACY }));
	ASSERT_EQ(0, H->outstanding_claims);
}

/* Own claims count as free on the node (they are replaced). */
TEST_F(heap, install_own_node_claim_counts_as_free)
{
	struct ce_domain *d = tl_dom(T, BIG), *e = tl_dom(T, BIG);
	const u64 a0 = AV(P(0));

	OK(INSTALL(d, { a0, P(0) }));
	ASSERT_EQ(0, tl_node_unclaimed(T, P(0)));
	FAILS_CLEANLY(ENOMEM, INSTALL(e, { 1, P(0) }));
	OK(INSTALL(d, { a0, P(0) }));
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { a0 + 1, P(0) }));
	OK(INSTALL(d, { a0 - 1, P(0) }));
	OK(INSTALL(e, { 1, P(0) }));
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { a0, P(0) }));
	/* The node's unclaimed memory includes claimed-for-nobody pages. */
	OK(tl_alloc(T, e, 0, P(0), EXACT, NULL));
	ASSERT_EQ(0, e->outstanding_pages);
	OK(INSTALL(d, { a0 - 1, P(0) }));
	FAILS_CLEANLY(ENOMEM, INSTALL(e, { 1, P(0) }));
}

/* Step 3: tot_pages + total claims > max_pages; tot not subtracted. */
TEST_F(heap, install_max_pages)
{
	struct ce_domain *d = tl_dom(T, 100);

	FAILS_CLEANLY(EINVAL, INSTALL(d, { 101, HOST }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 51, P(0) }, { 50, HOST }));
	OK(INSTALL(d, { 50, P(0) }, { 50, HOST }));
	OK(tl_alloc(T, d, 4, P(0), EXACT, NULL));
	ASSERT_EQ(16, d->tot_pages);
	ASSERT_EQ(84, d->outstanding_pages);
	/* Claim-set entries are not reduced by tot_pages. */
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 100, HOST }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 85, HOST }));
	OK(INSTALL(d, { 84, HOST }));
	ASSERT_EQ(84, d->outstanding_pages);
}

TEST_F(heap, get_claim_set)
{
	struct ce_domain *d = tl_dom(T, BIG);
	claim_t in[CE_MAX_NODES + 1], out[CE_MAX_NODES + 2];
	u32 nr, i;
	u64 sum;

	/* Nothing claimed: no entries, also with a zero-sized buffer. */
	nr = 0;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(0, nr);
	nr = 3;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(0, nr);

	/* Install nodes in descending order with HOST first. */
	in[0] = (claim_t){ 7, HOST };
	for (i = 0; i < NP; i++)
		in[1 + i] = (claim_t){ 10 + P(NP - 1 - i), P(NP - 1 - i) };
	OK(ce_claim_set_install(H, d, in, NP + 1));

	nr = NP;
	ASSERT_EQ(-ERANGE, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(NP + 1, nr);
	nr = 0;
	ASSERT_EQ(-ERANGE, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(NP + 1, nr);

	memset(out, 0xa5, sizeof(out));
	nr = NP + 1;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(NP + 1, nr);
	for (i = 0; i < NP; i++) {
		ASSERT_EQ(P(i), out[i].target);	/* ascending */
		ASSERT_EQ(10 + P(i), out[i].pages);
		ASSERT_EQ(0, out[i].cmd);
	}
	ASSERT_EQ(HOST, out[NP].target);
	ASSERT_EQ(7, out[NP].pages);
	ASSERT_EQ(0, out[NP].cmd);

	/* GET's output is a valid SET input that changes nothing. */
	OK(ce_claim_set_install(H, d, out, nr));
	for (i = 0, sum = 7; i < NP; i++)
		sum += 10 + P(i);
	ASSERT_EQ(sum, d->outstanding_pages);
	ASSERT_EQ(sum, H->outstanding_claims);

	/* A bigger buffer: nr says how many were written. */
	nr = CE_MAX_NODES + 2;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(NP + 1, nr);

	/* Redeem the host-wide part away: no HOST entry any more. */
	OK(INSTALL(d, { 1, P(0) }, { 2, HOST }));
	OK(tl_alloc(T, d, 1, P(0), EXACT, NULL));
	ASSERT_EQ(1, d->outstanding_pages);
	nr = 1;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(1, nr);
	ASSERT_EQ(1, out[0].pages);
	ASSERT_EQ(HOST, out[0].target);
	OK(INSTALL(d, { 3, P(0) }));
	nr = 1;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(1, nr);
	ASSERT_EQ(P(0), out[0].target);
	ASSERT_EQ(3, out[0].pages);

	/* A legacy claim reads back as one HOST entry. */
	OK(ce_claim_pages_legacy(H, d, 0));
	OK(ce_claim_pages_legacy(H, d, 50));
	nr = 1;
	ASSERT_EQ(0, ce_claim_set_get(H, d, out, &nr));
	ASSERT_EQ(1, nr);
	ASSERT_EQ(HOST, out[0].target);
	ASSERT_EQ(50 - d->tot_pages, out[0].pages);
}

/* A single LEGACY entry: legacy arithmetic, but it replaces. */
TEST_F(heap, install_legacy_entry)
{
	struct ce_domain *d = tl_dom(T, 1000), *hog = tl_dom(T, BIG);
	u64 u;

	OK(INSTALL(d, { 100, LEGACY }));
	ASSERT_EQ(100, d->outstanding_pages);
	ASSERT_EQ(0, d->node_claims);
	OK(tl_alloc(T, d, 4, -1, 0, NULL));
	ASSERT_EQ(84, d->outstanding_pages);
	/* No "one active claim" rule: it replaces, minus tot_pages. */
	OK(INSTALL(d, { 100, LEGACY }));
	ASSERT_EQ(84, d->outstanding_pages);
	OK(INSTALL(d, { 10, P(0) }));
	OK(INSTALL(d, { 50, LEGACY }));
	ASSERT_EQ(34, d->outstanding_pages);
	ASSERT_EQ(0, d->claims[P(0)]);
	ASSERT_EQ(0, H->node[P(0)].outstanding_claims);
	/* target <= tot_pages or > max_pages: EINVAL. */
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 16, LEGACY }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 15, LEGACY }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1001, LEGACY }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { U64MAX, LEGACY }));
	OK(INSTALL(d, { 1000, LEGACY }));
	ASSERT_EQ(984, d->outstanding_pages);
	/* 0 releases. */
	OK(INSTALL(d, { 0, LEGACY }));
	ASSERT_EQ(0, d->outstanding_pages);

	/* ENOMEM against the host's unclaimed memory, own claim free. */
	OK(INSTALL(hog, { H->total_avail_pages - 300, HOST }));
	u = tl_unclaimed(T);
	ASSERT_EQ(300, u);
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { 16 + u + 1, LEGACY }));
	OK(INSTALL(d, { 16 + 100, LEGACY }));
	ASSERT_EQ(100, d->outstanding_pages);
	FAILS_CLEANLY(ENOMEM, INSTALL(d, { 16 + 301, LEGACY }));
	OK(INSTALL(d, { 16 + 300, LEGACY }));
	ASSERT_EQ(0, tl_unclaimed(T));
}

/* XENMEM_claim_pages, as upstream domain_set_outstanding_pages(). */
TEST_F(heap, legacy_claim_pages)
{
	struct ce_domain *d = tl_dom(T, 1000), *hog = tl_dom(T, BIG);

	/* 0 releases and succeeds, also with nothing to release. */
	OK(ce_claim_pages_legacy(H, d, 0));
	OK(ce_claim_pages_legacy(H, d, 100));
	ASSERT_EQ(100, d->outstanding_pages);
	ASSERT_EQ(100, tl_host_part(d));
	/* One active claim per domain. */
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 100));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 200));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 50));
	OK(ce_claim_pages_legacy(H, d, 0));
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, H->outstanding_claims);
	/* A claim set's node claim is an active claim too. */
	OK(INSTALL(d, { 5, P(0) }));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 100));
	OK(ce_claim_pages_legacy(H, d, 0));
	ASSERT_EQ(0, H->node[P(0)].outstanding_claims);

	/* target <= tot_pages, > max_pages: EINVAL; claim = target - tot. */
	OK(tl_alloc(T, d, 4, -1, 0, NULL));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 16));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 1));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 1001));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, U64MAX));
	OK(ce_claim_pages_legacy(H, d, 17));
	ASSERT_EQ(1, d->outstanding_pages);
	OK(ce_claim_pages_legacy(H, d, 0));
	OK(ce_claim_pages_legacy(H, d, 1000));
	ASSERT_EQ(984, d->outstanding_pages);
	ASSERT_EQ(1000, d->tot_pages + d->outstanding_pages);
	OK(ce_claim_pages_legacy(H, d, 0));

	/* ENOMEM: target - tot above the host's unclaimed memory. */
	OK(INSTALL(hog, { H->total_avail_pages - 200, HOST }));
	FAILS_CLEANLY(ENOMEM, ce_claim_pages_legacy(H, d, 16 + 201));
	OK(ce_claim_pages_legacy(H, d, 16 + 200));
	ASSERT_EQ(0, tl_unclaimed(T));
}

TEST_F(heap, release_and_remove_drop_claims)
{
	struct ce_domain *d = tl_dom(T, BIG), *e = tl_dom(T, BIG);

	OK(INSTALL(d, { 5, P(0) }, { 7, HOST }));
	OK(INSTALL(e, { 3, HOST }, { 4, PL }));
	ASSERT_EQ(19, H->outstanding_claims);
	ce_release_claims(H, d);
	CHECK();
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, d->node_claims);
	ASSERT_EQ(0, d->claims[P(0)]);
	ASSERT_EQ(7, H->outstanding_claims);
	OK(tl_alloc(T, e, 0, PL, EXACT, NULL));
	tl_destroy(T, e);
	CHECK();
	ASSERT_EQ(0, H->outstanding_claims);
	ASSERT_EQ(0, H->node[PL].outstanding_claims);
	ASSERT_EQ(H->node[PL].reserved_pages, AV(PL));
}

/* A domain with max_pages 0 can claim nothing and allocate nothing. */
TEST_F(heap, max_pages_zero)
{
	struct ce_domain *d = tl_dom(T, 0);

	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1, HOST }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1, P(0) }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1, LEGACY }));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 1));
	OK(INSTALL(d, { 0, HOST }));
	OK(INSTALL(d, { 0, P(0) }));
	OK(ce_claim_pages_legacy(H, d, 0));
	FAILS_CLEANLY(E2BIG, tl_alloc(T, d, 0, -1, 0, NULL));
	/* Uncounted allocations do not count against max_pages. */
	OK(tl_alloc(T, d, 3, -1, NOREF, NULL));
	ASSERT_EQ(0, d->tot_pages);
	ASSERT_EQ(8, d->uncounted_pages);
}

/* SET_MAX_PAGES recalls claims above max(0, max - tot): host-wide first. */
TEST_F(heap, set_max_pages_recalls_host_wide_first)
{
	struct ce_domain *d = tl_dom(T, 100);

	OK(INSTALL(d, { 30, P(0) }, { 40, HOST }));
	ce_set_max_pages(H, d, 200);
	CHECK();
	ASSERT_EQ(70, d->outstanding_pages);
	ce_set_max_pages(H, d, 70);
	CHECK();
	ASSERT_EQ(70, d->outstanding_pages);
	ce_set_max_pages(H, d, 60);
	CHECK();
	ASSERT_EQ(30, d->claims[P(0)]);
	ASSERT_EQ(30, tl_host_part(d));
	OK(tl_alloc(T, d, 3, P(0), EXACT, NULL));
	ASSERT_EQ(22, d->claims[P(0)]);
	ce_set_max_pages(H, d, 50);	/* allowed 42 of 52 */
	CHECK();
	ASSERT_EQ(22, d->claims[P(0)]);
	ASSERT_EQ(20, tl_host_part(d));
	ce_set_max_pages(H, d, 30);	/* allowed 22 of 42 */
	CHECK();
	ASSERT_EQ(22, d->claims[P(0)]);
	ASSERT_EQ(0, tl_host_part(d));
	ce_set_max_pages(H, d, 20);	/* allowed 12 */
	CHECK();
	ASSERT_EQ(12, d->claims[P(0)]);
	ASSERT_EQ(12, H->node[P(0)].outstanding_claims);
	ASSERT_EQ(12, H->outstanding_claims);
	/* Below tot_pages: nothing may stay claimed, nothing allocated. */
	ce_set_max_pages(H, d, 4);
	CHECK();
	ASSERT_EQ(4, d->max_pages);
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(0, H->outstanding_claims);
	FAILS_CLEANLY(E2BIG, tl_alloc(T, d, 0, -1, 0, NULL));
	/* Raising it again restores no claim. */
	ce_set_max_pages(H, d, 100);
	CHECK();
	ASSERT_EQ(0, d->outstanding_pages);
	ASSERT_EQ(8, d->tot_pages);
}

/*
 * tot_pages > max_pages after SET_MAX_PAGES: step 3 read literally
 * ("tot_pages + total claims > max_pages") rejects even {0, HOST}; the
 * legacy release still works.  Nothing is claimed either way.
 */
TEST_F(heap, claims_while_tot_above_max)
{
	struct ce_domain *d = tl_dom(T, 100);

	OK(INSTALL(d, { 50, HOST }));
	OK(tl_alloc(T, d, 4, -1, 0, NULL));
	OK(tl_alloc(T, d, 4, -1, 0, NULL));
	ASSERT_EQ(18, d->outstanding_pages);
	ce_set_max_pages(H, d, 16);
	CHECK();
	ASSERT_EQ(0, d->outstanding_pages);
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1, HOST }));
	/* claiming nothing is never above max_pages: {0, HOST} clears */
	OK(INSTALL(d, { 0, HOST }));
	FAILS_CLEANLY(EINVAL, ce_claim_pages_legacy(H, d, 40));
	OK(ce_claim_pages_legacy(H, d, 0));
	ASSERT_EQ(16, tl_free_dom(T, d, -1, 16));
	ASSERT_EQ(16, d->tot_pages);
	OK(INSTALL(d, { 0, HOST }));
	FAILS_CLEANLY(EINVAL, INSTALL(d, { 1, HOST }));
	ce_set_max_pages(H, d, 17);
	OK(INSTALL(d, { 1, HOST }));
}
