// SPDX-License-Identifier: GPL-2.0
/*
 * nc_claims.c - claim sets (CLAIM_MEMORY SET/GET) and legacy claims
 * (CLAIM_PAGES, the LEGACY target): install, replace, GET order and ERANGE,
 * the documented check order, atomicity of a failing install, max_pages.
 * #included by numaclaims_test.c (one translation unit, see there).
 */

NC_FIXTURE(claim);

/* GET into @set (capacity 66); returns the number of entries. */
static __u32 nc_get_all(struct __test_metadata *_metadata, struct nc_ctx *c,
			__u32 d, struct numaclaims_claim *set)
{
	__u32 nr = NUMACLAIMS_MAX_NODES + 2;

	memset(set, 0, nr * sizeof(*set));
	EXPECT_OK(raw_claim_get(c->fd, d, set, &nr));
	return nr;
}

TEST_F(claim, set_get_roundtrip)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[2 * NUMACLAIMS_MAX_NODES + 2];
	__u64 want[NUMACLAIMS_MAX_NODES] = { 0 }, sum = 0;
	struct numaclaims_host_info hi;
	__u32 d = nc_new_dom(_metadata, c, 10000), nr = 0, i;

	/* Entries in descending node order, HOST first: GET sorts them. */
	set[nr++] = CLAIM(7, NC_HOST);
	for (i = c->nr_pool; i-- > 0;) {
		set[nr++] = CLAIM(3 + i, c->pool[i]);
		want[c->pool[i]] = 3 + i;
		sum += 3 + i;
	}
	ASSERT_OK(raw_claim_set(c->fd, d, set, nr));

	nr = nc_get_all(_metadata, c, d, set);
	ASSERT_EQ(c->nr_pool + 1, nr);
	for (i = 0; i < c->nr_pool; i++) {
		EXPECT_EQ(c->pool[i], set[i].target) TH_LOG("entry %u", i);
		EXPECT_EQ(3 + i, set[i].pages) TH_LOG("entry %u", i);
		EXPECT_EQ(0, set[i].cmd);
	}
	EXPECT_EQ(NC_HOST, set[nr - 1].target);
	EXPECT_EQ(7, set[nr - 1].pages);
	EXPECT_EQ(0, set[nr - 1].cmd);
	nc_expect_claims(_metadata, c, d, want, 7);

	hi = nc_host(_metadata, c);
	for (i = 0; i < c->nr_pool; i++)
		EXPECT_EQ(c->base.nodes[c->pool[i]].outstanding_claims + 3 + i,
			  hi.nodes[c->pool[i]].outstanding_claims);
	EXPECT_EQ(c->base.outstanding_claims + sum + 7, hi.outstanding_claims);
	/* Claims take no page. */
	EXPECT_EQ(c->base.total_avail_pages, hi.total_avail_pages);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(claim, get_order_and_erange)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[2 * NUMACLAIMS_MAX_NODES + 2], pat[2 * NUMACLAIMS_MAX_NODES + 2];
	__u32 d = nc_new_dom(_metadata, c, 10000), needed, cap, nr, i;
	unsigned int last = c->pool[c->nr_pool - 1];

	/* No claim: nothing to return, even into no buffer. */
	nr = 0;
	EXPECT_OK(raw_claim_get(c->fd, d, c->bad, &nr));
	EXPECT_EQ(0, nr);

	for (i = 0; i < c->nr_pool; i++)
		set[i] = CLAIM(10 + i, c->pool[i]);
	set[i] = CLAIM(99, NC_HOST);
	needed = c->nr_pool + 1;
	ASSERT_OK(raw_claim_set(c->fd, d, set, needed));

	memset(pat, 0xaa, sizeof(pat));
	for (cap = 0; cap < needed; cap++) {
		memcpy(set, pat, sizeof(set));
		nr = cap;
		EXPECT_ERR(ERANGE, raw_claim_get(c->fd, d, set, &nr))
			TH_LOG("capacity %u", cap);
		EXPECT_EQ(needed, nr) TH_LOG("capacity %u", cap);
		EXPECT_EQ(0, memcmp(set, pat, sizeof(set)))
			TH_LOG("ERANGE wrote into the buffer");
	}
	/* ERANGE is decided before the buffer is touched. */
	nr = 0;
	EXPECT_ERR(ERANGE, raw_claim_get(c->fd, d, c->bad, &nr));
	EXPECT_EQ(needed, nr);

	memcpy(set, pat, sizeof(set));
	nr = NUMACLAIMS_MAX_NODES + 2;
	EXPECT_OK(raw_claim_get(c->fd, d, set, &nr));
	EXPECT_EQ(needed, nr);
	for (i = 0; i < c->nr_pool; i++) {
		EXPECT_EQ(c->pool[i], set[i].target);
		EXPECT_EQ(10 + i, set[i].pages);
	}
	EXPECT_EQ(NC_HOST, set[needed - 1].target);
	EXPECT_EQ(99, set[needed - 1].pages);
	EXPECT_EQ(0, memcmp(set + needed, pat + needed,
			    sizeof(set) - needed * sizeof(set[0])))
		TH_LOG("GET wrote past the entries it returned");

	/* Exactly the needed capacity. */
	nr = needed;
	EXPECT_OK(raw_claim_get(c->fd, d, set, &nr));
	EXPECT_EQ(needed, nr);

	/* Only a host-wide part; only one node claim. */
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(5, NC_HOST)));
	nr = nc_get_all(_metadata, c, d, set);
	EXPECT_EQ(1, nr);
	EXPECT_EQ(NC_HOST, set[0].target);
	EXPECT_EQ(5, set[0].pages);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(6, last)));
	nr = nc_get_all(_metadata, c, d, set);
	EXPECT_EQ(1, nr);
	EXPECT_EQ(last, set[0].target);
	EXPECT_EQ(6, set[0].pages);
	nr = 0;
	EXPECT_ERR(ERANGE, raw_claim_get(c->fd, d, set, &nr));
	EXPECT_EQ(1, nr);
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(claim, get_errors)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[4];
	struct numaclaims_claim_memory cm;
	__u32 d = nc_new_dom(_metadata, c, 100), nr;

	ASSERT_OK(NC_SET(c->fd, d, CLAIM(5, NC_HOST)));
	nr = 4;
	EXPECT_ERR(ESRCH, raw_claim_get(c->fd, 0, set, &nr));
	nr = 4;
	EXPECT_ERR(ESRCH, raw_claim_get(c->fd, d + 1000, set, &nr));
	nr = 4;
	EXPECT_ERR(EFAULT, raw_claim_get(c->fd, d, c->bad, &nr));
	nr = 4;
	EXPECT_ERR(EFAULT, raw_claim_get(c->fd, d, NULL, &nr));

	memset(&cm, 0, sizeof(cm));
	cm.domid = d;
	cm.mode = NUMACLAIMS_CLAIM_GET;
	cm.nr_entries = 4;
	cm.claim_set = (uintptr_t)set;
	cm.pad = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm));
	cm.pad = 0;
	cm.mode = 2;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm));
	cm.mode = 0xffffffff;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm));
	cm.mode = NUMACLAIMS_CLAIM_GET;
	EXPECT_OK(raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm));
	EXPECT_EQ(1, cm.nr_entries);
	EXPECT_OK(raw_destroy(c->fd, d));
	nr = 4;
	EXPECT_ERR(ESRCH, raw_claim_get(c->fd, d, set, &nr));
}

TEST_F(claim, replace_not_add)
{
	struct nc_ctx *c = &self->ctx;
	__u64 want[NUMACLAIMS_MAX_NODES] = { 0 };
	unsigned int n0 = c->pool[0];
	__u32 d = nc_new_dom(_metadata, c, 1000);

	ASSERT_OK(NC_SET(c->fd, d, CLAIM(100, n0)));
	want[n0] = 100;
	nc_expect_claims(_metadata, c, d, want, 0);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(50, n0)));
	want[n0] = 50;
	nc_expect_claims(_metadata, c, d, want, 0);
	EXPECT_EQ(c->base.nodes[n0].outstanding_claims + 50,
		  nc_host(_metadata, c).nodes[n0].outstanding_claims);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(20, NC_HOST), CLAIM(50, n0)));
	nc_expect_claims(_metadata, c, d, want, 20);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(30, NC_HOST)));
	want[n0] = 0;
	nc_expect_claims(_metadata, c, d, want, 30);
	EXPECT_EQ(c->base.nodes[n0].outstanding_claims,
		  nc_host(_metadata, c).nodes[n0].outstanding_claims);
	EXPECT_EQ(c->base.outstanding_claims + 30,
		  nc_host(_metadata, c).outstanding_claims);
	if (c->nr_pool >= 2) {
		unsigned int n1 = c->pool[1];

		ASSERT_OK(NC_SET(c->fd, d, CLAIM(10, n1)));
		want[n1] = 10;
		nc_expect_claims(_metadata, c, d, want, 0);
	}
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(claim, zero_host_clears_all)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[2 * NUMACLAIMS_MAX_NODES + 2];
	__u32 d = nc_new_dom(_metadata, c, 1000), nr = 0, i;

	for (i = 0; i < c->nr_pool; i++)
		set[nr++] = CLAIM(4 + i, c->pool[i]);
	set[nr++] = CLAIM(5, NC_HOST);
	ASSERT_OK(raw_claim_set(c->fd, d, set, nr));
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(0, NC_HOST)));
	nc_expect_claims(_metadata, c, d, NULL, 0);
	EXPECT_EQ(0, nc_get_all(_metadata, c, d, set));
	EXPECT_EQ(c->base.outstanding_claims,
		  nc_host(_metadata, c).outstanding_claims);
	/* Clearing nothing is fine too. */
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(0, NC_HOST)));
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(claim, zero_entry_claims_nothing)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[2 * NUMACLAIMS_MAX_NODES + 2];
	unsigned int n0 = c->pool[0];
	__u32 d = nc_new_dom(_metadata, c, 1000);

	ASSERT_OK(NC_SET(c->fd, d, CLAIM(0, n0), CLAIM(5, NC_HOST)));
	EXPECT_EQ(1, nc_get_all(_metadata, c, d, set));
	EXPECT_EQ(NC_HOST, set[0].target);
	EXPECT_EQ(5, set[0].pages);
	nc_expect_claims(_metadata, c, d, NULL, 5);
	/* A set of only zero entries replaces the claims by nothing. */
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(0, n0)));
	nc_expect_claims(_metadata, c, d, NULL, 0);
	EXPECT_EQ(0, nc_get_all(_metadata, c, d, set));
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* Step 1 of the install order and the pointer/domain checks around it. */
TEST_F(claim, set_count_pointer_domain_errors)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[2 * NUMACLAIMS_MAX_NODES + 2];
	struct numaclaims_claim_memory cm;
	__u32 d = nc_new_dom(_metadata, c, 1000), i, nr;
	struct numaclaims_claim *edge;
	char *pages;

	memset(set, 0, sizeof(set));
	set[0] = CLAIM(1, NC_HOST);
	EXPECT_ERR(EINVAL, raw_claim_set(c->fd, d, set, 0));
	EXPECT_ERR(EINVAL, raw_claim_set(c->fd, d, c->bad, 0));
	/*
	 * E2BIG is decided before the array is read: more than one 4 KiB and
	 * one superpage entry per node plus HOST.
	 */
	EXPECT_ERR(E2BIG, raw_claim_set(c->fd, d, set, 2 * c->nr_nodes + 2));
	EXPECT_ERR(E2BIG, raw_claim_set(c->fd, d, c->bad,
				       2 * c->nr_nodes + 2));
	EXPECT_ERR(E2BIG, raw_claim_set(c->fd, d, c->bad, 0xffffffff));
	EXPECT_ERR(E2BIG, raw_claim_set(c->fd, d, NULL,
				       NUMACLAIMS_MAX_NODES + 2));
	/* nodes + 1 entries are fine (if every node id has a pool). */
	if (c->nr_pool == c->nr_nodes) {
		nr = 0;
		for (i = 0; i < c->nr_nodes; i++)
			set[nr++] = CLAIM(1, i);
		set[nr++] = CLAIM(1, NC_HOST);
		EXPECT_OK(raw_claim_set(c->fd, d, set, nr));
		EXPECT_EQ(nr, nc_dom(_metadata, c, d).outstanding_pages);
	}
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(3, NC_HOST)));

	memset(&cm, 0, sizeof(cm));
	cm.domid = d;
	cm.mode = NUMACLAIMS_CLAIM_SET;
	cm.nr_entries = 1;
	cm.claim_set = (uintptr_t)set;
	set[0] = CLAIM(9, NC_HOST);
	cm.pad = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm));
	cm.pad = 0x80000000;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm));
	cm.pad = 0;
	cm.mode = 2;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm));

	/* EFAULT: unreadable array, also when only its tail is. */
	EXPECT_ERR(EFAULT, raw_claim_set(c->fd, d, c->bad, 1));
	EXPECT_ERR(EFAULT, raw_claim_set(c->fd, d, NULL, 1));
	pages = mmap(NULL, 2 * NC_PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pages);
	ASSERT_EQ(0, mprotect(pages + NC_PAGE, NC_PAGE, PROT_NONE));
	edge = (struct numaclaims_claim *)(pages + NC_PAGE) - 1;
	*edge = CLAIM(9, NC_HOST);
	EXPECT_OK(raw_claim_set(c->fd, d, edge, 1));
	EXPECT_ERR(EFAULT, raw_claim_set(c->fd, d, edge, 2));
	EXPECT_EQ(9, nc_dom(_metadata, c, d).outstanding_pages);
	munmap(pages, 2 * NC_PAGE);

	/* ESRCH after the copy, before the entry checks. */
	set[0] = CLAIM(1, NC_HOST);
	EXPECT_ERR(ESRCH, raw_claim_set(c->fd, 0, set, 1));
	EXPECT_ERR(ESRCH, raw_claim_set(c->fd, d + 1000, set, 1));
	EXPECT_ERR(EFAULT, raw_claim_set(c->fd, d + 1000, c->bad, 1));
	set[0].cmd = 1;
	EXPECT_ERR(ESRCH, raw_claim_set(c->fd, d + 1000, set, 1));
	EXPECT_EQ(9, nc_dom(_metadata, c, d).outstanding_pages);
	EXPECT_OK(raw_destroy(c->fd, d));
	set[0].cmd = 0;
	EXPECT_ERR(ESRCH, raw_claim_set(c->fd, d, set, 1));
}

/* Steps 2-4: per entry in array order, then max_pages, then the host. */
TEST_F(claim, check_order_first_failure_decides)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	unsigned int n0 = c->pool[0], np = c->no_pool_node;
	__u64 u0 = nc_node_unclaimed(&hi, n0), uh = nc_host_unclaimed(&hi);
	struct numaclaims_claim bad_cmd = { .pages = 1, .target = n0, .cmd = 1 };
	__u32 d = nc_new_dom(_metadata, c, 100);

	EXPECT_ERR(ENOENT, NC_SET(c->fd, d, CLAIM(1, np), bad_cmd));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, bad_cmd, CLAIM(1, np)));
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, d, CLAIM(u0 + 1, n0), CLAIM(1, n0)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(1, n0), CLAIM(u0 + 1, n0)));
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, d, CLAIM(u0 + 1, n0), CLAIM(1, np)));
	EXPECT_ERR(ENOENT, NC_SET(c->fd, d, CLAIM(1, np), CLAIM(u0 + 1, n0)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(1, 0x10000000), CLAIM(1, np)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(1, NC_LEGACY), CLAIM(1, np)));
	/* An overflowing sum is EINVAL before that entry's node is looked at. */
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(~0ULL, NC_HOST), CLAIM(1, np)));
	/* Step 2 (node ENOMEM) before step 3 (max_pages 100). */
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, d, CLAIM(u0 + 1, n0)));
	/* Step 3 (max_pages) before step 4 (host ENOMEM). */
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(uh + 1, NC_HOST)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(101, NC_HOST)));
	ASSERT_OK(raw_set_max(c->fd, d, ~0ULL));
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, d, CLAIM(uh + 1, NC_HOST)));
	nc_expect_claims(_metadata, c, d, NULL, 0);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* The domain's own current claims count as free: they are replaced. */
TEST_F(claim, own_claim_counts_as_free)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	unsigned int n0 = c->pool[0];
	__u64 u0 = nc_node_unclaimed(&hi, n0), uh = nc_host_unclaimed(&hi);
	__u64 want[NUMACLAIMS_MAX_NODES] = { 0 };
	__u32 a = nc_new_dom(_metadata, c, ~0ULL);
	__u32 b = nc_new_dom(_metadata, c, ~0ULL);

	ASSERT_OK(NC_SET(c->fd, a, CLAIM(u0, n0)));
	EXPECT_OK(NC_SET(c->fd, a, CLAIM(u0, n0)));
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, a, CLAIM(u0 + 1, n0)));
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, b, CLAIM(1, n0)));
	want[n0] = u0;
	nc_expect_claims(_metadata, c, a, want, 0);
	EXPECT_EQ(0, nc_host(_metadata, c).nodes[n0].avail_pages -
		     nc_host(_metadata, c).nodes[n0].outstanding_claims);

	/* The node claim becomes host-wide: same total, step 4 passes. */
	EXPECT_OK(NC_SET(c->fd, a, CLAIM(u0, NC_HOST)));
	nc_expect_claims(_metadata, c, a, NULL, u0);
	/* Claim the whole host, then re-install it. */
	EXPECT_OK(NC_SET(c->fd, a, CLAIM(uh, NC_HOST)));
	EXPECT_OK(NC_SET(c->fd, a, CLAIM(uh, NC_HOST)));
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, a, CLAIM(uh + 1, NC_HOST)));
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, b, CLAIM(1, NC_HOST)));
	/* b's node entry fits the node (a's claim is host-wide) but not the host. */
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, b, CLAIM(1, n0)));
	/* A LEGACY entry also replaces: the own claim counts as free. */
	EXPECT_OK(NC_SET(c->fd, a, CLAIM(uh, NC_LEGACY)));
	nc_expect_claims(_metadata, c, a, NULL, uh);
	hi = nc_host(_metadata, c);
	EXPECT_EQ(0, nc_host_unclaimed(&hi));
	ASSERT_OK(NC_SET(c->fd, a, CLAIM(0, NC_HOST)));
	EXPECT_OK(NC_SET(c->fd, b, CLAIM(1, NC_HOST)));
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, a));
	EXPECT_OK(raw_destroy(c->fd, b));
}

TEST_F(claim, max_pages_limits_claims)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[2 * NUMACLAIMS_MAX_NODES + 2];
	unsigned int n0 = c->pool[0];
	__u64 want[NUMACLAIMS_MAX_NODES] = { 0 }, done;
	__u32 z = nc_new_dom(_metadata, c, 0);
	__u32 d = nc_new_dom(_metadata, c, 100);

	/* max_pages 0 claims nothing. */
	EXPECT_ERR(EINVAL, NC_SET(c->fd, z, CLAIM(1, NC_HOST)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, z, CLAIM(1, n0)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, z, CLAIM(1, NC_LEGACY)));
	EXPECT_ERR(EINVAL, raw_claim_pages(c->fd, z, 1));
	EXPECT_OK(NC_SET(c->fd, z, CLAIM(0, NC_HOST)));
	EXPECT_OK(NC_SET(c->fd, z, CLAIM(0, n0)));

	ASSERT_OK(raw_populate_range(c->fd, d, 0, 40, 0, 0, &done));
	ASSERT_EQ(40, nc_dom(_metadata, c, d).tot_pages);
	/* tot_pages + claims <= max_pages; tot_pages is not subtracted. */
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(60, NC_HOST)));
	EXPECT_EQ(1, nc_get_all(_metadata, c, d, set));
	EXPECT_EQ(60, set[0].pages);
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(61, NC_HOST)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(30, n0), CLAIM(31, NC_HOST)));
	nc_expect_claims(_metadata, c, d, NULL, 60);
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(30, n0), CLAIM(30, NC_HOST)));
	want[n0] = 30;
	nc_expect_claims(_metadata, c, d, want, 30);
	/* tot_pages + total would overflow: still the max_pages EINVAL. */
	ASSERT_OK(raw_set_max(c->fd, d, ~0ULL));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(~0ULL - 10, NC_HOST)));
	nc_expect_claims(_metadata, c, d, want, 30);
	EXPECT_OK(raw_destroy(c->fd, z));
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* CLAIM_PAGES: upstream domain_set_outstanding_pages(). */
TEST_F(claim, legacy_claim_pages)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[2 * NUMACLAIMS_MAX_NODES + 2];
	struct numaclaims_reservation r;
	struct numaclaims_host_info hi;
	unsigned int n0 = c->pool[0];
	__u32 d = nc_new_dom(_metadata, c, 100), b, d2;
	__u64 done;

	/* 0 with nothing outstanding: fine. */
	EXPECT_OK(raw_claim_pages(c->fd, d, 0));
	EXPECT_ERR(EINVAL, raw_claim_pages(c->fd, d, 101));	/* > max */
	EXPECT_OK(raw_claim_pages(c->fd, d, 100));
	nc_expect_claims(_metadata, c, d, NULL, 100);
	EXPECT_EQ(1, nc_get_all(_metadata, c, d, set));
	EXPECT_EQ(NC_HOST, set[0].target);
	EXPECT_EQ(100, set[0].pages);
	/* One active claim per domain. */
	EXPECT_ERR(EINVAL, raw_claim_pages(c->fd, d, 50));
	EXPECT_ERR(EINVAL, raw_claim_pages(c->fd, d, 100));
	nc_expect_claims(_metadata, c, d, NULL, 100);
	EXPECT_OK(raw_claim_pages(c->fd, d, 0));
	nc_expect_claims(_metadata, c, d, NULL, 0);

	/* target - tot_pages; target <= tot_pages is EINVAL. */
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 30, 0, 0, &done));
	EXPECT_ERR(EINVAL, raw_claim_pages(c->fd, d, 30));
	EXPECT_ERR(EINVAL, raw_claim_pages(c->fd, d, 20));
	EXPECT_OK(raw_claim_pages(c->fd, d, 31));
	nc_expect_claims(_metadata, c, d, NULL, 1);
	EXPECT_OK(raw_claim_pages(c->fd, d, 0));
	EXPECT_OK(raw_claim_pages(c->fd, d, 100));
	nc_expect_claims(_metadata, c, d, NULL, 70);

	/* A claim set counts as an active claim; 0 releases it all. */
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(5, n0)));
	EXPECT_ERR(EINVAL, raw_claim_pages(c->fd, d, 80));
	EXPECT_OK(raw_claim_pages(c->fd, d, 0));
	nc_expect_claims(_metadata, c, d, NULL, 0);
	EXPECT_EQ(c->base.outstanding_claims,
		  nc_host(_metadata, c).outstanding_claims);

	/* ENOMEM above the host's unclaimed memory. */
	hi = nc_host(_metadata, c);
	b = nc_new_dom(_metadata, c, ~0ULL);
	d2 = nc_new_dom(_metadata, c, 1000);
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(nc_host_unclaimed(&hi) - 10, NC_HOST)));
	EXPECT_ERR(ENOMEM, raw_claim_pages(c->fd, d2, 11));
	nc_expect_claims(_metadata, c, d2, NULL, 0);
	EXPECT_OK(raw_claim_pages(c->fd, d2, 10));
	nc_expect_claims(_metadata, c, d2, NULL, 10);
	hi = nc_host(_metadata, c);
	EXPECT_EQ(0, nc_host_unclaimed(&hi));

	/* The fields a claim does not use must be 0. */
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(0, NC_HOST)));
	memset(&r, 0, sizeof(r));
	r.domid = d;
	r.nr_extents = 50;
	r.extent_start = 8;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r));
	r.extent_start = 0;
	r.extent_order = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r));
	r.extent_order = 0;
	r.mem_flags = NC_NODE(n0);
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r));
	r.mem_flags = 0;
	r.pad = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r));
	r.pad = 0;
	nc_expect_claims(_metadata, c, d, NULL, 0);
	EXPECT_OK(raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r));
	nc_expect_claims(_metadata, c, d, NULL, 20);
	EXPECT_ERR(ESRCH, raw_claim_pages(c->fd, 0, 50));
	EXPECT_ERR(ESRCH, raw_claim_pages(c->fd, d + 1000, 0));

	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_OK(raw_destroy(c->fd, b));
	EXPECT_OK(raw_destroy(c->fd, d2));
	EXPECT_ERR(ESRCH, raw_claim_pages(c->fd, d, 0));
}

/* A LEGACY entry: legacy arithmetic, but it replaces like any install. */
TEST_F(claim, legacy_entry)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[2 * NUMACLAIMS_MAX_NODES + 2];
	struct numaclaims_host_info hi;
	unsigned int n0 = c->pool[0];
	__u32 d = nc_new_dom(_metadata, c, 100), b;
	__u64 done;

	ASSERT_OK(raw_populate_range(c->fd, d, 0, 30, 0, 0, &done));
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(100, NC_LEGACY)));
	nc_expect_claims(_metadata, c, d, NULL, 70);
	EXPECT_EQ(1, nc_get_all(_metadata, c, d, set));
	EXPECT_EQ(NC_HOST, set[0].target);
	EXPECT_EQ(70, set[0].pages);
	/* Replaces an outstanding claim (CLAIM_PAGES would refuse). */
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(90, NC_LEGACY)));
	nc_expect_claims(_metadata, c, d, NULL, 60);
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(30, NC_LEGACY)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(29, NC_LEGACY)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(101, NC_LEGACY)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(50, NC_LEGACY),
				  CLAIM(0, NC_HOST)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(0, n0),
				  CLAIM(50, NC_LEGACY)));
	nc_expect_claims(_metadata, c, d, NULL, 60);
	/* 0 clears every claim, node claims too. */
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(5, n0), CLAIM(5, NC_HOST)));
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(0, NC_LEGACY)));
	nc_expect_claims(_metadata, c, d, NULL, 0);

	/* ENOMEM above the host's unclaimed memory + the own claim. */
	ASSERT_OK(raw_set_max(c->fd, d, 1000));
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(60, NC_HOST)));
	hi = nc_host(_metadata, c);
	b = nc_new_dom(_metadata, c, ~0ULL);
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(nc_host_unclaimed(&hi) - 10, NC_HOST)));
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(30 + 60 + 10, NC_LEGACY)));
	nc_expect_claims(_metadata, c, d, NULL, 70);
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, d, CLAIM(30 + 70 + 1, NC_LEGACY)));
	nc_expect_claims(_metadata, c, d, NULL, 70);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_OK(raw_destroy(c->fd, b));
}

/* --------------------------------------------------------------------------
 * A failing install changes nothing: one variant per failure.
 */
enum nc_cf_kind {
	CF_CMD_FIRST, CF_CMD_LATER, CF_DUP_NODE, CF_DUP_HOST, CF_LEGACY_FIRST,
	CF_LEGACY_LAST, CF_SPECIAL_MIN, CF_SPECIAL_OTHER, CF_SPECIAL_BOTH,
	CF_SPECIAL_MAX, CF_OVERFLOW, CF_OVERFLOW_LAST, CF_NO_POOL,
	CF_NO_POOL_ZERO, CF_NODE_64, CF_NODE_BELOW_SPECIAL, CF_NO_POOL_LATER,
	CF_NODE_ENOMEM, CF_NODE_ENOMEM_LATER, CF_OVER_MAX, CF_OVER_MAX_SPLIT,
	CF_HOST_ENOMEM, CF_LEGACY_LE_TOT, CF_LEGACY_OVER_MAX,
	CF_LEGACY_ENOMEM, CF_E2BIG, CF_ZERO_ENTRIES, CF_PAD, CF_EFAULT,
};

FIXTURE(claim_fail) { struct nc_ctx ctx; };
FIXTURE_VARIANT(claim_fail) { enum nc_cf_kind kind; int err; };
FIXTURE_SETUP(claim_fail) { nc_setup(_metadata, &self->ctx); }
FIXTURE_TEARDOWN(claim_fail) { nc_teardown(_metadata, &self->ctx); }

#define NC_CF(name, k, e)						\
	FIXTURE_VARIANT_ADD(claim_fail, name) { .kind = k, .err = e }
NC_CF(cmd_nonzero, CF_CMD_FIRST, EINVAL);
NC_CF(cmd_nonzero_later_entry, CF_CMD_LATER, EINVAL);
NC_CF(node_twice, CF_DUP_NODE, EINVAL);
NC_CF(host_twice, CF_DUP_HOST, EINVAL);
NC_CF(legacy_then_other, CF_LEGACY_FIRST, EINVAL);
NC_CF(other_then_legacy, CF_LEGACY_LAST, EINVAL);
NC_CF(special_target_min, CF_SPECIAL_MIN, EINVAL);
NC_CF(special_target_other, CF_SPECIAL_OTHER, EINVAL);
NC_CF(special_target_host_legacy, CF_SPECIAL_BOTH, EINVAL);
NC_CF(special_target_max, CF_SPECIAL_MAX, EINVAL);
NC_CF(sum_overflow, CF_OVERFLOW, EINVAL);
NC_CF(sum_overflow_last, CF_OVERFLOW_LAST, EINVAL);
NC_CF(node_without_pool, CF_NO_POOL, ENOENT);
NC_CF(node_without_pool_zero_pages, CF_NO_POOL_ZERO, ENOENT);
NC_CF(node_64, CF_NODE_64, ENOENT);
NC_CF(node_below_special, CF_NODE_BELOW_SPECIAL, ENOENT);
NC_CF(node_without_pool_later, CF_NO_POOL_LATER, ENOENT);
NC_CF(node_enomem, CF_NODE_ENOMEM, ENOMEM);
NC_CF(node_enomem_later, CF_NODE_ENOMEM_LATER, ENOMEM);
NC_CF(over_max_pages, CF_OVER_MAX, EINVAL);
NC_CF(over_max_pages_split, CF_OVER_MAX_SPLIT, EINVAL);
NC_CF(host_enomem, CF_HOST_ENOMEM, ENOMEM);
NC_CF(legacy_target_le_tot, CF_LEGACY_LE_TOT, EINVAL);
NC_CF(legacy_target_over_max, CF_LEGACY_OVER_MAX, EINVAL);
NC_CF(legacy_enomem, CF_LEGACY_ENOMEM, ENOMEM);
NC_CF(too_many_entries, CF_E2BIG, E2BIG);
NC_CF(zero_entries, CF_ZERO_ENTRIES, EINVAL);
NC_CF(pad, CF_PAD, EINVAL);
NC_CF(bad_array, CF_EFAULT, EFAULT);

TEST_F(claim_fail, atomic)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[2 * NUMACLAIMS_MAX_NODES + 2];
	struct numaclaims_claim g0[NUMACLAIMS_MAX_NODES + 2];
	struct numaclaims_claim g1[NUMACLAIMS_MAX_NODES + 2];
	struct numaclaims_domain_info d0, d1;
	struct numaclaims_host_info h0, h1;
	struct numaclaims_claim_memory cm;
	unsigned int n0 = c->pool[0], np = c->no_pool_node;
	__u64 max = variant->kind == CF_HOST_ENOMEM ||
		    variant->kind == CF_LEGACY_ENOMEM ? ~0ULL : 1000;
	__u32 d = nc_new_dom(_metadata, c, max), nr = 0, ng0, ng1, i;
	__u64 gfn = 0, done, own0, own;

	/* An installed set, and one page so that tot_pages is 1. */
	set[nr++] = CLAIM(7, n0);
	if (c->nr_pool >= 2)
		set[nr++] = CLAIM(2, c->pool[1]);
	set[nr++] = CLAIM(3, NC_HOST);
	ASSERT_OK(raw_claim_set(c->fd, d, set, nr));
	ASSERT_OK(raw_populate(c->fd, d, &gfn, 1, 0, NC_NODE(n0) | NC_EXACT,
			      &done));

	h0 = nc_host(_metadata, c);
	d0 = nc_dom(_metadata, c, d);
	ng0 = nc_get_all(_metadata, c, d, g0);
	own0 = d0.claims[n0];
	own = d0.outstanding_pages;

	memset(set, 0, sizeof(set));
	memset(&cm, 0, sizeof(cm));
	cm.domid = d;
	cm.mode = NUMACLAIMS_CLAIM_SET;
	cm.claim_set = (uintptr_t)set;
	nr = 1;
	switch (variant->kind) {
	case CF_CMD_FIRST:
		set[0] = (struct numaclaims_claim){ 1, n0, 1 };
		break;
	case CF_CMD_LATER:
		set[0] = CLAIM(1, n0);
		set[1] = (struct numaclaims_claim){ 1, NC_HOST, 0x80000000 };
		nr = 2;
		break;
	case CF_DUP_NODE:
		set[0] = CLAIM(1, n0);
		set[1] = CLAIM(2, n0);
		nr = 2;
		break;
	case CF_DUP_HOST:
		set[0] = CLAIM(1, NC_HOST);
		set[1] = CLAIM(2, NC_HOST);
		nr = 2;
		break;
	case CF_LEGACY_FIRST:
		set[0] = CLAIM(10, NC_LEGACY);
		set[1] = CLAIM(1, n0);
		nr = 2;
		break;
	case CF_LEGACY_LAST:
		set[0] = CLAIM(1, n0);
		set[1] = CLAIM(10, NC_LEGACY);
		nr = 2;
		break;
	case CF_SPECIAL_MIN:
		set[0] = CLAIM(1, NUMACLAIMS_TARGET_SPECIAL);
		break;
	case CF_SPECIAL_OTHER:
		set[0] = CLAIM(1, 0x20000000);
		break;
	case CF_SPECIAL_BOTH:
		set[0] = CLAIM(1, NC_HOST | NC_LEGACY);
		break;
	case CF_SPECIAL_MAX:
		set[0] = CLAIM(1, 0xffffffff);
		break;
	case CF_OVERFLOW:
		set[0] = CLAIM(~0ULL, NC_HOST);
		set[1] = CLAIM(1, n0);
		nr = 2;
		break;
	case CF_OVERFLOW_LAST:
		set[0] = CLAIM(1, n0);
		set[1] = CLAIM(~0ULL, NC_HOST);
		nr = 2;
		break;
	case CF_NO_POOL:
		set[0] = CLAIM(1, np);
		break;
	case CF_NO_POOL_ZERO:
		set[0] = CLAIM(0, np);
		break;
	case CF_NODE_64:
		set[0] = CLAIM(1, NUMACLAIMS_MAX_NODES);
		break;
	case CF_NODE_BELOW_SPECIAL:
		set[0] = CLAIM(1, NUMACLAIMS_TARGET_SPECIAL - 1);
		break;
	case CF_NO_POOL_LATER:
		set[0] = CLAIM(1, n0);
		set[1] = CLAIM(1, np);
		nr = 2;
		break;
	case CF_NODE_ENOMEM:
		set[0] = CLAIM(nc_node_unclaimed(&h0, n0) + own0 + 1, n0);
		break;
	case CF_NODE_ENOMEM_LATER:
		set[0] = CLAIM(1, NC_HOST);
		set[1] = CLAIM(nc_node_unclaimed(&h0, n0) + own0 + 1, n0);
		nr = 2;
		break;
	case CF_OVER_MAX:
		set[0] = CLAIM(1000, NC_HOST);	/* tot 1 + 1000 > 1000 */
		break;
	case CF_OVER_MAX_SPLIT:
		set[0] = CLAIM(500, n0);
		set[1] = CLAIM(500, NC_HOST);
		nr = 2;
		break;
	case CF_HOST_ENOMEM:
		set[0] = CLAIM(nc_host_unclaimed(&h0) + own + 1, NC_HOST);
		break;
	case CF_LEGACY_LE_TOT:
		set[0] = CLAIM(1, NC_LEGACY);
		break;
	case CF_LEGACY_OVER_MAX:
		set[0] = CLAIM(1001, NC_LEGACY);
		break;
	case CF_LEGACY_ENOMEM:
		set[0] = CLAIM(1 + nc_host_unclaimed(&h0) + own + 1, NC_LEGACY);
		break;
	case CF_E2BIG:
		for (i = 0; i < 2 * c->nr_nodes + 2; i++)
			set[i] = CLAIM(0, i < 2 * c->nr_nodes + 1 ? n0 : NC_HOST);
		nr = 2 * c->nr_nodes + 2;
		break;
	case CF_ZERO_ENTRIES:
		set[0] = CLAIM(1, NC_HOST);
		nr = 0;
		break;
	case CF_PAD:
		set[0] = CLAIM(1, NC_HOST);
		cm.pad = 1;
		break;
	case CF_EFAULT:
		cm.claim_set = (uintptr_t)c->bad;
		break;
	}
	cm.nr_entries = nr;
	EXPECT_ERR(variant->err, raw_ioc(c->fd, NUMACLAIMS_IOC_CLAIM_MEMORY,
					&cm));

	h1 = nc_host(_metadata, c);
	d1 = nc_dom(_metadata, c, d);
	ng1 = nc_get_all(_metadata, c, d, g1);
	EXPECT_EQ(0, memcmp(&h0, &h1, sizeof(h0)))
		TH_LOG("HOST_INFO changed by a failed install");
	EXPECT_EQ(0, memcmp(&d0, &d1, sizeof(d0)))
		TH_LOG("DOMAIN_INFO changed by a failed install");
	EXPECT_EQ(ng0, ng1);
	EXPECT_EQ(0, memcmp(g0, g1, ng0 * sizeof(g0[0])))
		TH_LOG("GET changed by a failed install");
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}
