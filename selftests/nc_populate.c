// SPDX-License-Identifier: GPL-2.0
/*
 * nc_populate.c - POPULATE_PHYSMAP and DECREASE_RESERVATION: errors,
 * partial populate and resume, EINTR, max_pages, protection of host-wide
 * and node claims, redeem order, SET_MAX_PAGES recall, node choice
 * (EXACT_NODE, affinity round robin).
 * #included by numaclaims_test.c (one translation unit, see there).
 */

/* The node a populate went to: the one whose node_pages grew, else -1. */
static int nc_grown_node(const struct numaclaims_domain_info *before,
			 const struct numaclaims_domain_info *after)
{
	int n, found = -1;

	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		if (after->node_pages[n] == before->node_pages[n])
			continue;
		if (found >= 0)
			return -2;	/* more than one */
		found = n;
	}
	return found;
}

/* Populate one order-0 page at @gfn and return the node it landed on. */
static int nc_pop1_node(struct __test_metadata *_metadata, struct nc_ctx *c,
			__u32 d, __u64 gfn, __u32 memflags)
{
	struct numaclaims_domain_info before = nc_dom(_metadata, c, d), after;
	__u64 done;

	EXPECT_OK(raw_populate(c->fd, d, &gfn, 1, 0, memflags, &done));
	after = nc_dom(_metadata, c, d);
	return nc_grown_node(&before, &after);
}

/* A SIGALRM every millisecond, handled without SA_RESTART. */
static volatile sig_atomic_t nc_alarms;

static void nc_alarm_handler(int sig)
{
	(void)sig;
	nc_alarms++;
}

static void nc_fast_timer(bool on)
{
	struct itimerval it;
	struct sigaction sa;

	memset(&it, 0, sizeof(it));
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	if (on) {
		sa.sa_handler = nc_alarm_handler;
		sa.sa_flags = 0;		/* no SA_RESTART */
		sigaction(SIGALRM, &sa, NULL);
		it.it_value.tv_usec = 1000;
		it.it_interval.tv_usec = 1000;
		setitimer(ITIMER_REAL, &it, NULL);
	} else {
		setitimer(ITIMER_REAL, &it, NULL);
		sa.sa_handler = SIG_IGN;
		sigaction(SIGALRM, &sa, NULL);
	}
}

NC_FIXTURE(populate);

TEST_F(populate, basic)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info di;
	struct numaclaims_host_info hi;
	__u64 gfns[3] = { 0, 1, 2 }, big = 512, high = NUMACLAIMS_MAX_GFN - 512;
	__u64 done, nz, first;
	__u32 d = nc_new_dom(_metadata, c, 2048);
	int pfd;

	ASSERT_OK(raw_populate(c->fd, d, gfns, 3, 0, 0, &done));
	EXPECT_EQ(3, done);
	ASSERT_OK(raw_populate(c->fd, d, &big, 1, 9, 0, &done));
	EXPECT_EQ(1, done);
	ASSERT_OK(raw_populate(c->fd, d, &high, 1, 9, 0, &done));
	EXPECT_EQ(1, done);
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(3 + 512 + 512, di.tot_pages);
	EXPECT_EQ(di.tot_pages, nc_sum_node_pages(&di));
	EXPECT_EQ(0, di.uncounted_pages);
	EXPECT_EQ(0, di.outstanding_pages);
	hi = nc_host(_metadata, c);
	EXPECT_EQ(c->base.total_avail_pages - di.tot_pages,
		  hi.total_avail_pages);
	EXPECT_INVARIANTS();

	/* A populated page reads as zeroes; the hook sees what it wrote. */
	ASSERT_OK(nc_page_sum(d, 1, &nz, &first));
	EXPECT_EQ(0, nz);
	ASSERT_OK(nc_page_sum(d, 512 + 511, &nz, &first));
	EXPECT_EQ(0, nz);
	pfd = raw_page_open();
	ASSERT_LE(0, pfd);
	EXPECT_OK(raw_page_fill(pfd, d, 1, 0x0123456789abcdefULL));
	EXPECT_ERR(EINVAL, raw_page_fill(pfd, d, 3, 1));	/* unpopulated */
	EXPECT_ERR(ESRCH, raw_page_fill(pfd, d + 1000, 1, 1));
	close(pfd);
	ASSERT_OK(nc_page_sum(d, 1, &nz, &first));
	EXPECT_EQ(NC_PAGE, nz);
	EXPECT_EQ(0x0123456789abcdefULL, first);
	EXPECT_ERR(EINVAL, nc_page_sum(d, 3, &nz, &first));
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(populate, errors)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_reservation r;
	__u64 gfn = 8, done, g;
	__u32 d = nc_new_dom(_metadata, c, 1000), bit;

	EXPECT_ERR(EINVAL, raw_populate(c->fd, d, &gfn, 1, 10, 0, &done));
	EXPECT_EQ(0, done);
	EXPECT_ERR(EINVAL, raw_populate(c->fd, d, &gfn, 1, ~0U, 0, &done));
	for (bit = 8; bit < 32; bit++) {
		if ((1U << bit) & NUMACLAIMS_MEMF_FLAGS)
			continue;
		EXPECT_ERR(EINVAL, raw_populate(c->fd, d, &gfn, 1, 0, 1U << bit,
					       &done)) TH_LOG("memflag bit %u", bit);
	}
	memset(&r, 0, sizeof(r));
	r.domid = d;
	r.extent_start = (uintptr_t)&gfn;
	r.nr_extents = 1;
	r.pad = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_POPULATE_PHYSMAP, &r));

	/* gfns: aligned to the order and below NUMACLAIMS_MAX_GFN. */
	g = 1;
	EXPECT_ERR(EINVAL, raw_populate(c->fd, d, &g, 1, 1, 0, &done));
	g = 256;
	EXPECT_ERR(EINVAL, raw_populate(c->fd, d, &g, 1, 9, 0, &done));
	g = NUMACLAIMS_MAX_GFN;
	EXPECT_ERR(EINVAL, raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	g = ~0ULL;
	EXPECT_ERR(EINVAL, raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	g = ~0ULL << 9;
	EXPECT_ERR(EINVAL, raw_populate(c->fd, d, &g, 1, 9, 0, &done));
	g = NUMACLAIMS_MAX_GFN - 1;
	EXPECT_OK(raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	EXPECT_OK(raw_decrease(c->fd, d, &g, 1, 0, &done));

	/* A requested node without a pool. */
	EXPECT_ERR(ENOENT, raw_populate(c->fd, d, &gfn, 1, 0,
				       NC_NODE(c->no_pool_node), &done));
	EXPECT_ERR(ENOENT, raw_populate(c->fd, d, &gfn, 1, 0,
				       NC_NODE(c->no_pool_node) | NC_EXACT,
				       &done));
	EXPECT_ERR(ENOENT, raw_populate(c->fd, d, &gfn, 1, 0, NC_NODE(254),
				       &done));
	EXPECT_ERR(ENOENT, raw_populate(c->fd, d, &gfn, 1, 0,
				       NC_NODE(NUMACLAIMS_MAX_NODES), &done));

	EXPECT_ERR(ESRCH, raw_populate(c->fd, 0, &gfn, 1, 0, 0, &done));
	EXPECT_ERR(ESRCH, raw_populate(c->fd, d + 1000, &gfn, 1, 0, 0, &done));
	EXPECT_ERR(EFAULT, raw_populate(c->fd, d, c->bad, 1, 0, 0, &done));
	EXPECT_EQ(0, done);
	EXPECT_ERR(EFAULT, raw_populate(c->fd, d, NULL, 1, 0, 0, &done));
	/* Nothing to do: nothing is read. */
	EXPECT_OK(raw_populate(c->fd, d, c->bad, 0, 0, 0, &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(0, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_ERR(ESRCH, raw_populate(c->fd, d, &gfn, 1, 0, 0, &done));
}

TEST_F(populate, eexist)
{
	struct nc_ctx *c = &self->ctx;
	__u64 g5 = 5, g4 = 4, g0 = 0, two[2] = { 6, 5 }, done;
	__u32 d = nc_new_dom(_metadata, c, 1000);

	ASSERT_OK(raw_populate(c->fd, d, &g5, 1, 0, 0, &done));
	EXPECT_ERR(EEXIST, raw_populate(c->fd, d, &g5, 1, 0, 0, &done));
	EXPECT_EQ(0, done);
	EXPECT_ERR(EEXIST, raw_populate(c->fd, d, &g4, 1, 1, 0, &done));
	EXPECT_ERR(EEXIST, raw_populate(c->fd, d, &g0, 1, 9, 0, &done));
	EXPECT_ERR(EEXIST, raw_populate(c->fd, d, &g5, 1, 0, NC_NOREF, &done));
	EXPECT_ERR(EEXIST, raw_populate(c->fd, d, two, 2, 0, 0, &done));
	EXPECT_EQ(1, done);
	EXPECT_EQ(2, nc_dom(_metadata, c, d).tot_pages);
	/* The same gfn twice in one call. */
	two[0] = two[1] = 7;
	EXPECT_ERR(EEXIST, raw_populate(c->fd, d, two, 2, 0, 0, &done));
	EXPECT_EQ(1, done);
	EXPECT_EQ(3, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* max_pages: E2BIG, decided before memory; NO_REFCOUNT is not counted. */
TEST_F(populate, max_pages_e2big)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi;
	__u32 d = nc_new_dom(_metadata, c, 10);
	__u32 d2 = nc_new_dom(_metadata, c, 10);
	__u32 d3 = nc_new_dom(_metadata, c, 10);
	__u32 b = nc_new_dom(_metadata, c, ~0ULL);
	__u64 done, g = 0;

	EXPECT_ERR(E2BIG, raw_populate_range(c->fd, d, 0, 12, 0, 0, &done));
	EXPECT_EQ(10, done);
	EXPECT_EQ(10, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_ERR(E2BIG, raw_populate(c->fd, d2, &g, 1, 4, 0, &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(0, nc_dom(_metadata, c, d2).tot_pages);

	/* No memory left for anyone without a claim: still E2BIG. */
	hi = nc_host(_metadata, c);
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(nc_host_unclaimed(&hi), NC_HOST)));
	g = 128;
	EXPECT_ERR(E2BIG, raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	EXPECT_ERR(E2BIG, raw_populate(c->fd, d2, &g, 1, 4, 0, &done));
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, d3, &g, 1, 0, 0, &done));
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, d, &g, 1, 0, NC_NOREF, &done));
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(0, NC_HOST)));

	/* Uncounted allocations ignore max_pages. */
	EXPECT_OK(raw_populate_range(c->fd, d, 100, 4, 0, NC_NOREF, &done));
	EXPECT_EQ(10, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_EQ(4, nc_dom(_metadata, c, d).uncounted_pages);
	/* max_pages below tot_pages: counted allocations fail. */
	ASSERT_OK(raw_set_max(c->fd, d, 5));
	g = 200;
	EXPECT_ERR(E2BIG, raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	EXPECT_EQ(10, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_OK(raw_destroy(c->fd, d2));
	EXPECT_OK(raw_destroy(c->fd, d3));
	EXPECT_OK(raw_destroy(c->fd, b));
}

TEST_F(populate, no_refcount_accounting)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info di;
	unsigned int n0 = c->pool[0];
	__u64 done;
	__u32 d = nc_new_dom(_metadata, c, 100);

	ASSERT_OK(NC_SET(c->fd, d, CLAIM(10, NC_HOST)));
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 3, 0,
				    NC_NOREF | NC_NODE(n0) | NC_EXACT, &done));
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(0, di.tot_pages);
	EXPECT_EQ(3, di.uncounted_pages);
	EXPECT_EQ(3, di.node_pages[n0]);
	EXPECT_EQ(10, di.outstanding_pages) TH_LOG("NO_REFCOUNT redeemed a claim");
	EXPECT_EQ(c->base.total_avail_pages - 3,
		  nc_host(_metadata, c).total_avail_pages);
	ASSERT_OK(raw_populate_range(c->fd, d, 8, 2, 0, 0, &done));
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(2, di.tot_pages);
	EXPECT_EQ(3, di.uncounted_pages);
	EXPECT_EQ(8, di.outstanding_pages);
	EXPECT_EQ(5, nc_sum_node_pages(&di));
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* A call that stops early reports nr_done; resuming from there finishes. */
TEST_F(populate, partial_and_resume)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi;
	unsigned int n0 = c->pool[0];
	__u64 *g = raw_gfn_range(0, 10, 0), done, bad_mid[3], *edge;
	__u64 mid[5] = { 20, 21, 22, 5, 23 };
	__u32 d = nc_new_dom(_metadata, c, 8), b;
	char *pages;
	int i;

	/* E2BIG after 8 of 10. */
	EXPECT_ERR(E2BIG, raw_populate(c->fd, d, g, 10, 0, 0, &done));
	ASSERT_EQ(8, done);
	ASSERT_OK(raw_set_max(c->fd, d, 1000));
	EXPECT_OK(raw_populate(c->fd, d, g + done, 10 - done, 0, 0, &done));
	EXPECT_EQ(2, done);
	EXPECT_EQ(10, nc_dom(_metadata, c, d).tot_pages);

	/* EEXIST at index 3. */
	EXPECT_ERR(EEXIST, raw_populate(c->fd, d, mid, 5, 0, 0, &done));
	ASSERT_EQ(3, done);
	EXPECT_OK(raw_populate(c->fd, d, mid + 4, 1, 0, 0, &done));
	EXPECT_EQ(14, nc_dom(_metadata, c, d).tot_pages);

	/* EINVAL (gfn too high) at index 2. */
	bad_mid[0] = 30;
	bad_mid[1] = 31;
	bad_mid[2] = NUMACLAIMS_MAX_GFN;
	EXPECT_ERR(EINVAL, raw_populate(c->fd, d, bad_mid, 3, 0, 0, &done));
	EXPECT_EQ(2, done);
	EXPECT_EQ(16, nc_dom(_metadata, c, d).tot_pages);

	/* ENOMEM after 3: another domain claims all but 3 pages of n0. */
	hi = nc_host(_metadata, c);
	b = nc_new_dom(_metadata, c, ~0ULL);
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(nc_node_unclaimed(&hi, n0) - 3, n0)));
	free(g);
	g = raw_gfn_range(100, 5, 0);
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, d, g, 5, 0,
				       NC_NODE(n0) | NC_EXACT, &done));
	ASSERT_EQ(3, done);
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(0, NC_HOST)));
	EXPECT_OK(raw_populate(c->fd, d, g + 3, 2, 0, NC_NODE(n0) | NC_EXACT,
			      &done));
	EXPECT_EQ(21, nc_dom(_metadata, c, d).tot_pages);

	/* EFAULT: the gfn array runs into an unreadable page after 4. */
	pages = mmap(NULL, 2 * NC_PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pages);
	ASSERT_EQ(0, mprotect(pages + NC_PAGE, NC_PAGE, PROT_NONE));
	edge = (__u64 *)(pages + NC_PAGE) - 4;
	for (i = 0; i < 4; i++)
		edge[i] = 200 + i;
	EXPECT_ERR(EFAULT, raw_populate(c->fd, d, edge, 6, 0, 0, &done));
	EXPECT_EQ(4, done);
	munmap(pages, 2 * NC_PAGE);
	free(g);
	g = raw_gfn_range(204, 2, 0);
	EXPECT_OK(raw_populate(c->fd, d, g, 2, 0, 0, &done));
	EXPECT_EQ(27, nc_dom(_metadata, c, d).tot_pages);
	free(g);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_OK(raw_destroy(c->fd, b));
}

/*
 * A signal stops a long populate with EINTR; nr_done says how far it got,
 * the counters agree with it, and resuming from nr_done completes.
 */
TEST_F_TIMEOUT(populate, eintr_and_resume, 600)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	struct numaclaims_domain_info di;
	__u64 nr = nc_host_unclaimed(&hi), done = 0, total, nz;
	__u64 *g = raw_gfn_range(0, nr, 0);
	__u32 d = nc_new_dom(_metadata, c, nr);
	int rc = 0, attempt;

	for (attempt = 0; attempt < 5; attempt++) {
		nc_alarms = 0;
		nc_fast_timer(true);
		rc = raw_populate(c->fd, d, g, nr, 0, 0, &done);
		nc_fast_timer(false);
		if (rc == -EINTR && done > 0)
			break;
		/* Too fast, or interrupted before the first extent. */
		if (done)
			ASSERT_OK(raw_decrease(c->fd, d, g, done, 0, &total));
	}
	TH_LOG("%llu pages: %s after %llu extents, %d signals, attempt %d",
	       (unsigned long long)nr, raw_errname(rc),
	       (unsigned long long)done, (int)nc_alarms, attempt + 1);
	ASSERT_ERR(EINTR, rc);
	EXPECT_LT(done, nr);
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(done, di.tot_pages);
	EXPECT_EQ(done, nc_sum_node_pages(&di));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(c->base.total_avail_pages - done, hi.total_avail_pages);
	EXPECT_INVARIANTS();
	/* The last extent done is mapped, the next one is not. */
	EXPECT_OK(nc_page_sum(d, g[done - 1], &nz, NULL));
	EXPECT_ERR(EINVAL, nc_page_sum(d, g[done], &nz, NULL));

	total = done;
	while (total < nr) {
		rc = raw_populate(c->fd, d, g + total, nr - total, 0, 0, &done);
		total += done;
		if (rc != -EINTR)
			break;
	}
	EXPECT_OK(rc);
	EXPECT_EQ(nr, total);
	EXPECT_EQ(nr, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_EQ(c->base.total_avail_pages - nr,
		  nc_host(_metadata, c).total_avail_pages);
	EXPECT_INVARIANTS();
	free(g);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* --------------------------------------------------------------------------
 * Protection: claims keep memory from other domains and from NO_REFCOUNT.
 */
NC_FIXTURE(protect);

TEST_F(protect, host_wide_claim)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	__u64 uh = nc_host_unclaimed(&hi), done, g = 1000;
	__u32 a = nc_new_dom(_metadata, c, ~0ULL);
	__u32 b = nc_new_dom(_metadata, c, ~0ULL);
	unsigned int i;

	ASSERT_OK(NC_SET(c->fd, a, CLAIM(uh - 8, NC_HOST)));
	EXPECT_OK(raw_populate_range(c->fd, b, 0, 8, 0, 0, &done));
	EXPECT_EQ(8, done);
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, b, &g, 1, 0, 0, &done));
	EXPECT_EQ(0, done);
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, b, &g, 1, 0, NC_NOREF, &done));
	for (i = 0; i < c->nr_pool; i++)
		EXPECT_ERR(ENOMEM, raw_populate(c->fd, b, &g, 1, 0,
					       NC_NODE(c->pool[i]) | NC_EXACT,
					       &done));
	/* The claimer's own uncounted allocation uses unclaimed memory only. */
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, a, &g, 1, 0, NC_NOREF, &done));
	/* Its counted allocation uses (and redeems) its claim. */
	EXPECT_OK(raw_populate(c->fd, a, &g, 1, 0, 0, &done));
	nc_expect_claims(_metadata, c, a, NULL, uh - 9);
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, b, &g, 1, 0, 0, &done));
	EXPECT_INVARIANTS();
	/* Released: b can allocate again. */
	ASSERT_OK(NC_SET(c->fd, a, CLAIM(0, NC_HOST)));
	EXPECT_OK(raw_populate(c->fd, b, &g, 1, 0, 0, &done));
	EXPECT_OK(raw_destroy(c->fd, a));
	EXPECT_OK(raw_destroy(c->fd, b));
}

TEST_F(protect, node_claim)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	unsigned int n0 = c->pool[0], i;
	__u64 u0 = nc_node_unclaimed(&hi, n0), want[NUMACLAIMS_MAX_NODES] = { 0 };
	__u64 done, g = 0;
	__u32 a = nc_new_dom(_metadata, c, ~0ULL);
	__u32 b = nc_new_dom(_metadata, c, ~0ULL);
	struct numaclaims_domain_info di;

	ASSERT_OK(NC_SET(c->fd, a, CLAIM(u0, n0)));
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, b, &g, 1, 0,
				       NC_NODE(n0) | NC_EXACT, &done));
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, b, &g, 1, 0,
				       NC_NODE(n0) | NC_EXACT | NC_NOREF, &done));
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, a, &g, 1, 0,
				       NC_NODE(n0) | NC_EXACT | NC_NOREF, &done));
	EXPECT_OK(raw_populate(c->fd, a, &g, 1, 0, NC_NODE(n0) | NC_EXACT,
			      &done));
	want[n0] = u0 - 1;
	nc_expect_claims(_metadata, c, a, want, 0);

	if (c->nr_pool >= 2) {
		/* Other domains get other nodes. */
		EXPECT_OK(raw_populate(c->fd, b, &g, 1, 0, NC_NODE(n0), &done));
		EXPECT_OK(raw_populate_range(c->fd, b, 10, 2 * c->nr_pool, 0, 0,
					    &done));
		EXPECT_OK(raw_populate_range(c->fd, b, 100, 2, 0, NC_NOREF,
					    &done));
		di = nc_dom(_metadata, c, b);
		EXPECT_EQ(0, di.node_pages[n0]);
		EXPECT_EQ(1 + 2 * c->nr_pool + 2, nc_sum_node_pages(&di));
	} else {
		EXPECT_ERR(ENOMEM, raw_populate(c->fd, b, &g, 1, 0, NC_NODE(n0),
					       &done));
		EXPECT_ERR(ENOMEM, raw_populate(c->fd, b, &g, 1, 0, 0, &done));
	}
	for (i = 0; i < c->nr_pool; i++)
		EXPECT_EQ(c->base.nodes[c->pool[i]].outstanding_claims +
			  want[c->pool[i]],
			  nc_host(_metadata, c).nodes[c->pool[i]].outstanding_claims);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, a));
	EXPECT_OK(raw_destroy(c->fd, b));
}

/* A claim of 1 page plus 511 unclaimed pages satisfies an order-9 extent. */
TEST_F(protect, claim_plus_unclaimed_order9)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	__u64 uh = nc_host_unclaimed(&hi), done, g = 0;
	__u32 a = nc_new_dom(_metadata, c, ~0ULL);
	__u32 b = nc_new_dom(_metadata, c, ~0ULL);
	__u32 e = nc_new_dom(_metadata, c, ~0ULL);

	ASSERT_OK(NC_SET(c->fd, b, CLAIM(uh - 512, NC_HOST)));
	ASSERT_OK(NC_SET(c->fd, a, CLAIM(1, NC_HOST)));
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, e, &g, 1, 9, 0, &done));
	EXPECT_OK(raw_populate(c->fd, a, &g, 1, 9, 0, &done));
	nc_expect_claims(_metadata, c, a, NULL, 0);
	EXPECT_EQ(512, nc_dom(_metadata, c, a).tot_pages);
	hi = nc_host(_metadata, c);
	EXPECT_EQ(0, nc_host_unclaimed(&hi));
	g = 600;
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, e, &g, 1, 0, 0, &done));
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, a, &g, 1, 0, 0, &done));
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, a));
	EXPECT_OK(raw_destroy(c->fd, b));
	EXPECT_OK(raw_destroy(c->fd, e));
}

/* --------------------------------------------------------------------------
 * Redeeming: node claim, then host-wide, then other nodes; max_pages.
 */
NC_FIXTURE(redeem);

TEST_F(redeem, node_then_host_then_other_nodes)
{
	struct nc_ctx *c = &self->ctx;
	__u64 w[NUMACLAIMS_MAX_NODES] = { 0 }, done, g;
	unsigned int n0, n1;
	__u32 d;

	NC_NEED_POOL_NODES(c, 2);
	n0 = c->pool[0];
	n1 = c->pool[1];
	d = nc_new_dom(_metadata, c, 1000);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(10, n0), CLAIM(10, n1),
			 CLAIM(10, NC_HOST)));
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 5, 0, NC_NODE(n0) | NC_EXACT,
				    &done));
	w[n0] = 5; w[n1] = 10;
	nc_expect_claims(_metadata, c, d, w, 10);
	ASSERT_OK(raw_populate_range(c->fd, d, 100, 10, 0,
				    NC_NODE(n0) | NC_EXACT, &done));
	w[n0] = 0;
	nc_expect_claims(_metadata, c, d, w, 5);
	ASSERT_OK(raw_populate_range(c->fd, d, 200, 10, 0,
				    NC_NODE(n0) | NC_EXACT, &done));
	w[n1] = 5;
	nc_expect_claims(_metadata, c, d, w, 0);
	ASSERT_OK(raw_populate_range(c->fd, d, 300, 10, 0,
				    NC_NODE(n0) | NC_EXACT, &done));
	w[n1] = 0;
	nc_expect_claims(_metadata, c, d, w, 0);
	EXPECT_EQ(35, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_EQ(35, nc_dom(_metadata, c, d).node_pages[n0]);

	/* Host-wide before another node's claim, on a node with no claim. */
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(10, n0), CLAIM(10, NC_HOST)));
	ASSERT_OK(raw_populate_range(c->fd, d, 400, 5, 0, NC_NODE(n1) | NC_EXACT,
				    &done));
	w[n0] = 10;
	nc_expect_claims(_metadata, c, d, w, 5);

	/* One order-9 extent redeems across all three. */
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(100, n0), CLAIM(200, n1),
			 CLAIM(300, NC_HOST)));
	ASSERT_OK(raw_set_max(c->fd, d, 2000));
	g = 1024;
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 9, NC_NODE(n0) | NC_EXACT,
			      &done));
	w[n0] = 0; w[n1] = 88;
	nc_expect_claims(_metadata, c, d, w, 0);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(redeem, single_node_node_then_host)
{
	struct nc_ctx *c = &self->ctx;
	__u64 w[NUMACLAIMS_MAX_NODES] = { 0 }, done;
	unsigned int n0 = c->pool[0];
	__u32 d = nc_new_dom(_metadata, c, 100);

	ASSERT_OK(NC_SET(c->fd, d, CLAIM(10, n0), CLAIM(10, NC_HOST)));
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 15, 0, NC_NODE(n0) | NC_EXACT,
				    &done));
	nc_expect_claims(_metadata, c, d, w, 5);
	EXPECT_EQ(15, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* Any counted allocation redeems, even with plenty of unclaimed memory. */
TEST_F(redeem, even_when_unclaimed_is_plentiful)
{
	struct nc_ctx *c = &self->ctx;
	__u64 w[NUMACLAIMS_MAX_NODES] = { 0 }, done, g = 0;
	__u32 d = nc_new_dom(_metadata, c, 100);

	ASSERT_OK(NC_SET(c->fd, d, CLAIM(10, NC_HOST)));
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	nc_expect_claims(_metadata, c, d, NULL, 9);
	if (c->nr_pool >= 2) {
		ASSERT_OK(NC_SET(c->fd, d, CLAIM(4, c->pool[1])));
		g = 1;
		ASSERT_OK(raw_populate(c->fd, d, &g, 1, 0,
				      NC_NODE(c->pool[0]) | NC_EXACT, &done));
		w[c->pool[1]] = 3;
		nc_expect_claims(_metadata, c, d, w, 0);
	}
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* Freeing pages never gives claims back. */
TEST_F(redeem, freeing_does_not_return_claims)
{
	struct nc_ctx *c = &self->ctx;
	__u64 done;
	__u32 d = nc_new_dom(_metadata, c, 100);

	ASSERT_OK(NC_SET(c->fd, d, CLAIM(10, NC_HOST)));
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 4, 0, 0, &done));
	nc_expect_claims(_metadata, c, d, NULL, 6);
	ASSERT_OK(raw_decrease_range(c->fd, d, 0, 4, 0, &done));
	nc_expect_claims(_metadata, c, d, NULL, 6);
	EXPECT_EQ(0, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_EQ(c->base.outstanding_claims + 6,
		  nc_host(_metadata, c).outstanding_claims);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* SET_MAX_PAGES below tot + outstanding: host-wide first, then nodes up. */
TEST_F(redeem, set_max_pages_recalls)
{
	struct nc_ctx *c = &self->ctx;
	__u64 w[NUMACLAIMS_MAX_NODES] = { 0 }, done, g = 0;
	unsigned int n0, n1;
	__u32 d;

	NC_NEED_POOL_NODES(c, 2);
	n0 = c->pool[0];
	n1 = c->pool[1];
	d = nc_new_dom(_metadata, c, 100);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(10, n1), CLAIM(10, NC_HOST),
			 CLAIM(10, n0)));
	ASSERT_OK(raw_set_max(c->fd, d, 25));
	w[n0] = 10; w[n1] = 10;
	nc_expect_claims(_metadata, c, d, w, 5);
	ASSERT_OK(raw_set_max(c->fd, d, 12));
	w[n0] = 2;
	nc_expect_claims(_metadata, c, d, w, 0);
	ASSERT_OK(raw_set_max(c->fd, d, 100));	/* not restored */
	nc_expect_claims(_metadata, c, d, w, 0);
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 5, 0, NC_NODE(n1) | NC_EXACT,
				    &done));
	w[n1] = 5;
	nc_expect_claims(_metadata, c, d, w, 0);
	ASSERT_OK(raw_set_max(c->fd, d, 8));	/* room for 3 claims */
	w[n0] = 0; w[n1] = 3;
	nc_expect_claims(_metadata, c, d, w, 0);
	ASSERT_OK(raw_set_max(c->fd, d, 3));	/* below tot_pages */
	nc_expect_claims(_metadata, c, d, NULL, 0);
	g = 50;
	EXPECT_ERR(E2BIG, raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	/* Above max_pages, a set claiming nothing still installs (clears). */
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(0, NC_HOST)));
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(0, n0), CLAIM(0, NC_HOST)));
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(0, NC_LEGACY)));
	EXPECT_OK(raw_claim_pages(c->fd, d, 0));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(1, NC_HOST)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, CLAIM(1, n0)));
	EXPECT_EQ(c->base.outstanding_claims,
		  nc_host(_metadata, c).outstanding_claims);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(redeem, set_max_pages_recalls_host_wide_first)
{
	struct nc_ctx *c = &self->ctx;
	__u64 w[NUMACLAIMS_MAX_NODES] = { 0 };
	unsigned int n0 = c->pool[0];
	__u32 d = nc_new_dom(_metadata, c, 100);

	ASSERT_OK(NC_SET(c->fd, d, CLAIM(10, n0), CLAIM(10, NC_HOST)));
	ASSERT_OK(raw_set_max(c->fd, d, 15));
	w[n0] = 10;
	nc_expect_claims(_metadata, c, d, w, 5);
	ASSERT_OK(raw_set_max(c->fd, d, 5));
	w[n0] = 5;
	nc_expect_claims(_metadata, c, d, w, 0);
	ASSERT_OK(raw_set_max(c->fd, d, 0));
	nc_expect_claims(_metadata, c, d, NULL, 0);
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(0, NC_HOST)));
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* --------------------------------------------------------------------------
 * Node choice: requested node, EXACT_NODE, affinity round robin.
 */
NC_FIXTURE(node_choice);

TEST_F(node_choice, exact_node)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi;
	unsigned int n0, n1;
	__u64 done, g = 0;
	__u32 a, b;

	NC_NEED_POOL_NODES(c, 2);
	n0 = c->pool[0];
	n1 = c->pool[1];
	a = nc_new_dom(_metadata, c, 100);
	b = nc_new_dom(_metadata, c, ~0ULL);
	EXPECT_EQ(n1, nc_pop1_node(_metadata, c, a, g++, NC_NODE(n1) | NC_EXACT));
	EXPECT_EQ(n0, nc_pop1_node(_metadata, c, a, g++, NC_NODE(n0) | NC_EXACT));
	EXPECT_EQ(n1, nc_pop1_node(_metadata, c, a, g++, NC_NODE(n1)));
	hi = nc_host(_metadata, c);
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(nc_node_unclaimed(&hi, n1), n1)));
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, a, &g, 1, 0,
				       NC_NODE(n1) | NC_EXACT, &done));
	EXPECT_EQ(0, done);
	/* Without EXACT_NODE: the affinity round robin after the last node. */
	EXPECT_EQ(c->pool[2 % c->nr_pool],
		  nc_pop1_node(_metadata, c, a, g++, NC_NODE(n1)));
	EXPECT_EQ(2, nc_dom(_metadata, c, a).node_pages[n1]);
	EXPECT_OK(raw_destroy(c->fd, a));
	EXPECT_OK(raw_destroy(c->fd, b));
}

TEST_F(node_choice, round_robin_default_affinity)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info before, after;
	unsigned int i, np = c->nr_pool;
	__u64 done;
	__u32 d;

	NC_NEED_POOL_NODES(c, 2);
	d = nc_new_dom(_metadata, c, 1000);
	/* A fresh domain starts at the lowest node. */
	for (i = 0; i < 2 * np; i++)
		EXPECT_EQ(c->pool[i % np], nc_pop1_node(_metadata, c, d, i, 0))
			TH_LOG("allocation %u", i);
	/* Within one call too: one extent per node. */
	before = nc_dom(_metadata, c, d);
	ASSERT_OK(raw_populate_range(c->fd, d, 100, np, 0, 0, &done));
	after = nc_dom(_metadata, c, d);
	for (i = 0; i < np; i++)
		EXPECT_EQ(before.node_pages[c->pool[i]] + 1,
			  after.node_pages[c->pool[i]]);
	/* A requested node moves the round robin on: next is the one after. */
	EXPECT_EQ(c->pool[1], nc_pop1_node(_metadata, c, d, 200,
					   NC_NODE(c->pool[1])));
	EXPECT_EQ(c->pool[2 % np], nc_pop1_node(_metadata, c, d, 201, 0));
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(node_choice, affinity_subset)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int np = c->nr_pool, last, i;
	__u32 a, b;

	NC_NEED_POOL_NODES(c, 2);
	last = c->pool[np - 1];
	a = nc_new_dom(_metadata, c, 1000);
	ASSERT_OK(raw_set_affinity(c->fd, a, 1ULL << last));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(last, nc_pop1_node(_metadata, c, a, i, 0));
	/* EXACT_NODE without a node: only the affinity. */
	EXPECT_EQ(last, nc_pop1_node(_metadata, c, a, 10, NC_EXACT));
	/* A requested node outside the affinity wins. */
	EXPECT_EQ(c->pool[0], nc_pop1_node(_metadata, c, a, 11,
					   NC_NODE(c->pool[0])));
	if (np >= 3) {
		/* Round robin over two of the nodes, starting at the lower. */
		b = nc_new_dom(_metadata, c, 1000);
		ASSERT_OK(raw_set_affinity(c->fd, b, (1ULL << c->pool[1]) |
					  (1ULL << last)));
		for (i = 0; i < 4; i++)
			EXPECT_EQ(i % 2 ? last : c->pool[1],
				  nc_pop1_node(_metadata, c, b, i, 0))
				TH_LOG("allocation %u", i);
		EXPECT_OK(raw_destroy(c->fd, b));
	}
	EXPECT_OK(raw_destroy(c->fd, a));
}

TEST_F(node_choice, affinity_fallback_unless_exact)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi;
	unsigned int n0, n1;
	__u64 done, g = 0;
	__u32 a, b;

	NC_NEED_POOL_NODES(c, 2);
	n0 = c->pool[0];
	n1 = c->pool[1];
	a = nc_new_dom(_metadata, c, 1000);
	b = nc_new_dom(_metadata, c, ~0ULL);
	ASSERT_OK(raw_set_affinity(c->fd, a, 1ULL << n1));
	hi = nc_host(_metadata, c);
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(nc_node_unclaimed(&hi, n1), n1)));
	EXPECT_EQ(n0, nc_pop1_node(_metadata, c, a, g++, 0));
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, a, &g, 1, 0, NC_EXACT, &done));
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(0, NC_HOST)));
	EXPECT_EQ(n1, nc_pop1_node(_metadata, c, a, g++, NC_EXACT));
	EXPECT_OK(raw_destroy(c->fd, a));
	EXPECT_OK(raw_destroy(c->fd, b));
}

/* --------------------------------------------------------------------------
 * DECREASE_RESERVATION.
 */
NC_FIXTURE(decrease);

TEST_F(decrease, basic)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info di;
	__u64 done, g, nz, rest[512], k = 0, i;
	__u32 d = nc_new_dom(_metadata, c, 2048);

	ASSERT_OK(raw_populate_range(c->fd, d, 0, 8, 0, 0, &done));
	g = 512;
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 9, 0, &done));
	EXPECT_EQ(520, nc_dom(_metadata, c, d).tot_pages);

	g = 3;
	EXPECT_OK(raw_decrease(c->fd, d, &g, 1, 0, &done));
	EXPECT_EQ(1, done);
	EXPECT_EQ(c->base.total_avail_pages - 519,
		  nc_host(_metadata, c).total_avail_pages);
	g = 4;
	EXPECT_OK(raw_decrease(c->fd, d, &g, 1, 1, &done));
	g = 600;	/* one page of the order-9 extent */
	EXPECT_OK(raw_decrease(c->fd, d, &g, 1, 0, &done));
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(516, di.tot_pages);
	EXPECT_EQ(516, nc_sum_node_pages(&di));

	/* An extent with a hole is refused whole. */
	g = 512;
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, &g, 1, 9, &done));
	EXPECT_EQ(0, done);
	g = 2;		/* 2 populated, 3 not */
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, &g, 1, 1, &done));
	EXPECT_EQ(516, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_OK(nc_page_sum(d, 2, &nz, NULL));
	EXPECT_OK(nc_page_sum(d, 512, &nz, NULL));

	rest[k++] = 0; rest[k++] = 1; rest[k++] = 2; rest[k++] = 6; rest[k++] = 7;
	ASSERT_OK(raw_decrease(c->fd, d, rest, k, 0, &done));
	k = 0;
	for (i = 512; i < 1024; i++)
		if (i != 600)
			rest[k++] = i;
	ASSERT_OK(raw_decrease(c->fd, d, rest, k, 0, &done));
	EXPECT_EQ(511, done);
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(0, di.tot_pages);
	EXPECT_EQ(0, nc_sum_node_pages(&di));
	EXPECT_EQ(c->base.total_avail_pages,
		  nc_host(_metadata, c).total_avail_pages);
	/* Decreased pages can be populated again. */
	g = 512;
	EXPECT_OK(raw_populate(c->fd, d, &g, 1, 9, 0, &done));
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(decrease, errors)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_reservation r;
	__u64 done, g = 0;
	__u32 d = nc_new_dom(_metadata, c, 100);

	ASSERT_OK(raw_populate_range(c->fd, d, 0, 4, 0, 0, &done));
	EXPECT_ERR(EFAULT, raw_decrease(c->fd, d, c->bad, 1, 0, &done));
	EXPECT_ERR(EFAULT, raw_decrease(c->fd, d, NULL, 1, 0, &done));
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, &g, 1, 10, &done));
	EXPECT_EQ(0, done);
	memset(&r, 0, sizeof(r));
	r.domid = d;
	r.extent_start = (uintptr_t)&g;
	r.nr_extents = 1;
	r.mem_flags = NC_NODE(c->pool[0]);
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_DECREASE_RESERVATION, &r));
	r.mem_flags = NC_EXACT;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_DECREASE_RESERVATION, &r));
	r.mem_flags = 0;
	r.pad = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_DECREASE_RESERVATION, &r));
	g = 1;
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, &g, 1, 1, &done));
	g = NUMACLAIMS_MAX_GFN;
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, &g, 1, 0, &done));
	g = 100;
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, &g, 1, 0, &done));
	g = 0;
	EXPECT_ERR(ESRCH, raw_decrease(c->fd, 0, &g, 1, 0, &done));
	EXPECT_ERR(ESRCH, raw_decrease(c->fd, d + 1000, &g, 1, 0, &done));
	EXPECT_OK(raw_decrease(c->fd, d, c->bad, 0, 0, &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(4, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_ERR(ESRCH, raw_decrease(c->fd, d, &g, 1, 0, &done));
}

TEST_F(decrease, partial_and_resume)
{
	struct nc_ctx *c = &self->ctx;
	__u64 done, nz, g[4] = { 0, 1, 99, 2 }, *edge;
	__u32 d = nc_new_dom(_metadata, c, 100);
	char *pages;
	int i;

	ASSERT_OK(raw_populate_range(c->fd, d, 0, 3, 0, 0, &done));
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, g, 4, 0, &done));
	EXPECT_EQ(2, done);
	EXPECT_EQ(1, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_ERR(EINVAL, nc_page_sum(d, 0, &nz, NULL));
	EXPECT_OK(nc_page_sum(d, 2, &nz, NULL));
	EXPECT_OK(raw_decrease(c->fd, d, g + 3, 1, 0, &done));
	EXPECT_EQ(0, nc_dom(_metadata, c, d).tot_pages);

	/* EFAULT part way: the gfn array runs into an unreadable page. */
	ASSERT_OK(raw_populate_range(c->fd, d, 10, 6, 0, 0, &done));
	pages = mmap(NULL, 2 * NC_PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pages);
	ASSERT_EQ(0, mprotect(pages + NC_PAGE, NC_PAGE, PROT_NONE));
	edge = (__u64 *)(pages + NC_PAGE) - 4;
	for (i = 0; i < 4; i++)
		edge[i] = 10 + i;
	EXPECT_ERR(EFAULT, raw_decrease(c->fd, d, edge, 6, 0, &done));
	EXPECT_EQ(4, done);
	EXPECT_EQ(2, nc_dom(_metadata, c, d).tot_pages);
	munmap(pages, 2 * NC_PAGE);
	EXPECT_OK(raw_decrease_range(c->fd, d, 14, 2, 0, &done));
	EXPECT_EQ(0, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(decrease, uncounted_pages)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info di;
	__u64 done;
	__u32 d = nc_new_dom(_metadata, c, 100);

	ASSERT_OK(raw_populate_range(c->fd, d, 0, 3, 0, NC_NOREF, &done));
	ASSERT_OK(raw_populate_range(c->fd, d, 10, 2, 0, 0, &done));
	ASSERT_OK(raw_decrease_range(c->fd, d, 0, 3, 0, &done));
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(0, di.uncounted_pages);
	EXPECT_EQ(2, di.tot_pages);
	ASSERT_OK(raw_decrease_range(c->fd, d, 10, 2, 0, &done));
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(0, di.tot_pages);
	EXPECT_EQ(0, nc_sum_node_pages(&di));
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F_TIMEOUT(decrease, eintr_and_resume, 600)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	__u64 nr = nc_host_unclaimed(&hi), done = 0, total = 0, left;
	__u64 *g = raw_gfn_range(0, nr, 0);
	__u32 d = nc_new_dom(_metadata, c, nr);
	int rc = 0, attempt;

	ASSERT_OK(raw_populate(c->fd, d, g, nr, 0, 0, &done));
	for (attempt = 0; attempt < 5 && total < nr; attempt++) {
		nc_alarms = 0;
		nc_fast_timer(true);
		rc = raw_decrease(c->fd, d, g + total, nr - total, 0, &done);
		nc_fast_timer(false);
		total += done;
		if (rc == -EINTR && done > 0)
			break;
	}
	TH_LOG("%llu pages: %s after %llu extents, %d signals",
	       (unsigned long long)nr, raw_errname(rc),
	       (unsigned long long)total, (int)nc_alarms);
	ASSERT_ERR(EINTR, rc);
	EXPECT_LT(total, nr);
	EXPECT_EQ(nr - total, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_EQ(c->base.total_avail_pages - (nr - total),
		  nc_host(_metadata, c).total_avail_pages);
	EXPECT_INVARIANTS();
	left = nr - total;
	EXPECT_OK(raw_decrease(c->fd, d, g + total, left, 0, &done));
	EXPECT_EQ(left, done);
	EXPECT_EQ(0, nc_dom(_metadata, c, d).tot_pages);
	free(g);
	EXPECT_OK(raw_destroy(c->fd, d));
}
