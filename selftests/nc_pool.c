// SPDX-License-Identifier: GPL-2.0
/*
 * nc_pool.c - resizing a node's pool while domains run: POOL_RESIZE and
 * /sys/kernel/numaclaims/nodeN/pool_pages.  Shrink gives free unclaimed
 * pages back to Linux (the node's free memory rises by as much) and grow
 * takes them again, up to the node's capacity_pages; refusals change
 * nothing; a shrink never touches a domain's pages.
 * #included by numaclaims_test.c (one translation unit, see there).
 */

NC_FIXTURE(pool);

#define NC_POOL_SYSFS	"/sys/kernel/numaclaims/node%u/%s"

static long nc_pool_attr(__u32 node, const char *attr)
{
	char path[128];

	snprintf(path, sizeof(path), NC_POOL_SYSFS, node, attr);
	return nc_sysfs_long(path);
}

/* Write @val to a node's pool @attr: 0 or -errno. */
static int nc_pool_attr_set(__u32 node, const char *attr, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), NC_POOL_SYSFS, node, attr);
	return nc_write_file(path, val);
}

static int nc_pool_attr_write(__u32 node, const char *val)
{
	return nc_pool_attr_set(node, "pool_pages", val);
}

/*
 * A node's free memory in KiB, as Linux counts it: MemFree plus the pages
 * on the per-CPU free lists (freed pages wait there before MemFree shows
 * them).
 */
static long nc_node_free_kb(__u32 node)
{
	char path[96], line[256];
	long kb = -1, pcp = 0, n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/meminfo",
		 node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Node %*d MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		long v;

		if (sscanf(line, "Node %ld,", &v) == 1)
			n = v;
		else if (n == node && sscanf(line, " count: %ld", &v) == 1)
			pcp += v;
	}
	fclose(f);
	return kb < 0 ? -1 : kb + pcp * 4;
}

/* Linux's free memory moved by @want KiB, give or take 1 MiB of noise. */
#define NC_EXPECT_FREE_MOVED(before, after, want) do {			\
	long d_ = (after) - (before);					\
	EXPECT_TRUE(d_ > (want) - 1024 && d_ < (want) + 1024)		\
		TH_LOG("node free memory moved %ld KiB, expected %ld",	\
		       d_, (long)(want));					\
} while (0)

TEST_F(pool, shrink_gives_back_and_grow_takes_again)
{
	struct nc_ctx *c = &self->ctx;
	const __u32 n = c->pool[0];
	const __u64 r0 = c->base.nodes[n].reserved_pages, by = 1024;
	struct numaclaims_host_info hi;
	long f0, f1, f2;
	char val[32];

	ASSERT_EQ((long)r0, nc_pool_attr(n, "pool_pages"));
	ASSERT_LE((long)r0, nc_pool_attr(n, "capacity_pages"));
	ASSERT_LT(by, c->base.nodes[n].avail_pages);
	f0 = nc_node_free_kb(n);
	ASSERT_LT(0, f0);

	ASSERT_OK(raw_pool_resize(c->fd, n, r0 - by));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(r0 - by, hi.nodes[n].reserved_pages);
	EXPECT_EQ(c->base.nodes[n].avail_pages - by, hi.nodes[n].avail_pages);
	EXPECT_EQ(c->base.total_avail_pages - by, hi.total_avail_pages);
	EXPECT_EQ((long)(r0 - by), nc_pool_attr(n, "pool_pages"));
	EXPECT_INVARIANTS();
	f1 = nc_node_free_kb(n);
	NC_EXPECT_FREE_MOVED(f0, f1, (long)by * 4);

	/* Back through sysfs, as an administrator would. */
	snprintf(val, sizeof(val), "%llu\n", (unsigned long long)r0);
	ASSERT_OK(nc_pool_attr_write(n, val));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(r0, hi.nodes[n].reserved_pages);
	EXPECT_EQ(c->base.nodes[n].avail_pages, hi.nodes[n].avail_pages);
	EXPECT_EQ((long)r0, nc_pool_attr(n, "pool_pages"));
	f2 = nc_node_free_kb(n);
	NC_EXPECT_FREE_MOVED(f1, f2, -(long)by * 4);
	/* The same size again: nothing to do. */
	EXPECT_OK(raw_pool_resize(c->fd, n, r0));
	EXPECT_INVARIANTS();
}

TEST_F(pool, refusals_change_nothing)
{
	struct nc_ctx *c = &self->ctx;
	const __u32 n = c->pool[0];
	const __u64 r0 = c->base.nodes[n].reserved_pages;
	const long cap = nc_pool_attr(n, "capacity_pages");
	struct numaclaims_pool_resize rs = { .node = n, .flags = 1,
					     .pages = r0 - 1 };
	struct numaclaims_host_info hi, h2;
	__u32 d;
	char val[32];

	ASSERT_LE((long)r0, cap);
	EXPECT_ERR(ENOSPC, raw_pool_resize(c->fd, n, cap + 1));
	EXPECT_ERR(ENOSPC, raw_pool_resize(c->fd, n, ~0ULL));
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_POOL_RESIZE, &rs));
	EXPECT_ERR(ENOENT, raw_pool_resize(c->fd, c->no_pool_node, 0));
	EXPECT_ERR(ENOENT, raw_pool_resize(c->fd, NUMACLAIMS_MAX_NODES, 0));
	EXPECT_ERR(ENOENT, raw_pool_resize(c->fd, ~0U, 0));
	snprintf(val, sizeof(val), "%ld", cap + 1);
	EXPECT_ERR(ENOSPC, nc_pool_attr_write(n, val));
	EXPECT_ERR(EINVAL, nc_pool_attr_write(n, "many"));
	EXPECT_ERR(EINVAL, nc_pool_attr_write(n, "-1"));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(0, memcmp(&hi, &c->base, sizeof(hi)))
		TH_LOG("a refused resize changed HOST_INFO");

	/* Claimed memory cannot go: EBUSY, and the claim is intact. */
	d = nc_new_dom(_metadata, c, 1ULL << 30);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(nc_node_unclaimed(&hi, n), n)));
	hi = nc_host(_metadata, c);
	EXPECT_ERR(EBUSY, raw_pool_resize(c->fd, n, r0 - 1));
	h2 = nc_host(_metadata, c);
	EXPECT_EQ(0, memcmp(&hi, &h2, sizeof(hi)))
		TH_LOG("a refused shrink changed HOST_INFO");
	EXPECT_OK(raw_pool_resize(c->fd, n, r0));
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_INVARIANTS();
}

/*
 * A shrink to the bone while a domain runs: its pages, and what it wrote
 * in them, stay; nothing is left to populate until the pool grows again.
 */
TEST_F(pool, shrink_leaves_a_running_domain_alone)
{
	struct nc_ctx *c = &self->ctx;
	const __u32 n = c->pool[0];
	const __u64 r0 = c->base.nodes[n].reserved_pages, pages = 256;
	struct numaclaims_host_info hi;
	__u64 done, i, unclaimed;
	unsigned char *map;
	__u32 d;
	int dfd;

	d = nc_new_dom(_metadata, c, 1ULL << 30);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(pages, n)));
	ASSERT_OK(raw_populate_range(c->fd, d, 0, pages, 0,
				     NUMACLAIMS_MEMF_NODE(n) | NC_EXACT,
				     &done));
	dfd = raw_domain_open(c->fd, d, NUMACLAIMS_OPEN_CLOEXEC);
	ASSERT_LE(0, dfd);
	map = mmap(NULL, pages * NC_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   dfd, 0);
	ASSERT_NE(MAP_FAILED, map);
	for (i = 0; i < pages; i++)
		memset(map + i * NC_PAGE, (int)(i + 1), NC_PAGE);

	hi = nc_host(_metadata, c);
	unclaimed = nc_node_unclaimed(&hi, n);
	ASSERT_OK(raw_pool_resize(c->fd, n, r0 - unclaimed));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(0, hi.nodes[n].avail_pages);
	EXPECT_EQ(r0 - unclaimed, hi.nodes[n].reserved_pages);
	EXPECT_INVARIANTS();
	for (i = 0; i < pages; i++)
		ASSERT_EQ((unsigned char)(i + 1), map[i * NC_PAGE + 7])
			TH_LOG("page %llu of the domain changed",
			       (unsigned long long)i);
	EXPECT_ERR(ENOMEM, raw_populate_range(c->fd, d, pages, 1, 0,
					      NUMACLAIMS_MEMF_NODE(n) |
					      NC_EXACT, &done));
	ASSERT_OK(raw_pool_resize(c->fd, n, r0));
	EXPECT_OK(raw_populate_range(c->fd, d, pages, 1, 0,
				     NUMACLAIMS_MEMF_NODE(n) | NC_EXACT,
				     &done));
	munmap(map, pages * NC_PAGE);
	close(dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_INVARIANTS();
}

#define NC_RELEASE_MS	"/sys/kernel/numaclaims/grow_release_ms"

/* The pool and claims of node @n and of the host are as they were. */
#define NC_EXPECT_SAME_POOLS(a, b, n) do {				\
	EXPECT_EQ(0, memcmp(&(a).nodes[n], &(b).nodes[n],		\
			    sizeof((a).nodes[n])));			\
	EXPECT_EQ((a).total_avail_pages, (b).total_avail_pages);	\
	EXPECT_EQ((a).outstanding_claims, (b).outstanding_claims);	\
} while (0)

/* Wait (up to 5 s) for node @n's surplus to go back to Linux. */
static long nc_pool_surplus_drained(__u32 n)
{
	int i;

	for (i = 0; i < 100 && nc_pool_attr(n, "surplus_pages"); i++)
		usleep(50 * 1000);
	return nc_pool_attr(n, "surplus_pages");
}

/*
 * The end of a grow-on-claim test: node @n no longer grows on claim, the
 * release period is @ms0 again and the pool its size at load, @r0.
 */
static void nc_grow_test_done(struct __test_metadata *_metadata,
			      struct nc_ctx *c, __u32 n, __u64 r0, long ms0)
{
	char val[32];

	ASSERT_OK(nc_pool_attr_set(n, "grow_on_claim", "0"));
	snprintf(val, sizeof(val), "%ld", ms0);
	EXPECT_OK(nc_write_file(NC_RELEASE_MS, val));
	EXPECT_OK(raw_pool_resize(c->fd, n, r0));
}

/*
 * grow_on_claim: a claim that does not fit grows the node's pool by what
 * it lacks (Linux's free memory falls by as much), up to the capacity;
 * the surplus goes back to Linux once it is free and unclaimed.
 */
TEST_F(pool, claim_grows_the_pool_and_the_surplus_goes_back)
{
	struct nc_ctx *c = &self->ctx;
	const __u32 n = c->pool[0];
	const __u64 r0 = c->base.nodes[n].reserved_pages, by = 2048;
	const long ms0 = nc_sysfs_long(NC_RELEASE_MS);
	struct numaclaims_host_info hi, h2;
	__u64 want;
	long f0, f1, f2;
	__u32 d;

	ASSERT_LE(0, ms0);
	ASSERT_EQ(0, nc_pool_attr(n, "grow_on_claim"));
	ASSERT_EQ(0, nc_pool_attr(n, "surplus_pages"));
	ASSERT_OK(nc_write_file(NC_RELEASE_MS, "3600000"));
	ASSERT_OK(raw_pool_resize(c->fd, n, r0 - by));
	d = nc_new_dom(_metadata, c, 1ULL << 30);
	hi = nc_host(_metadata, c);
	want = nc_node_unclaimed(&hi, n) + by;

	/* Off: the claim is refused and nothing changes. */
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, d, CLAIM(want, n)));
	h2 = nc_host(_metadata, c);
	NC_EXPECT_SAME_POOLS(hi, h2, n);

	/* On: the pool grows by exactly what the claim lacked. */
	ASSERT_OK(nc_pool_attr_set(n, "grow_on_claim", "1"));
	EXPECT_EQ(1, nc_pool_attr(n, "grow_on_claim"));
	f0 = nc_node_free_kb(n);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(want, n)));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(r0, hi.nodes[n].reserved_pages);
	EXPECT_EQ(want, hi.nodes[n].outstanding_claims);
	EXPECT_EQ((long)by, nc_pool_attr(n, "surplus_pages"));
	f1 = nc_node_free_kb(n);
	NC_EXPECT_FREE_MOVED(f0, f1, -(long)by * 4);
	EXPECT_INVARIANTS();
	/* Beyond the capacity it cannot grow: ENOMEM, the claim intact. */
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, d, CLAIM(want + 1, n)));
	h2 = nc_host(_metadata, c);
	NC_EXPECT_SAME_POOLS(hi, h2, n);

	/* Claimed surplus stays; released, it goes back to Linux. */
	ASSERT_OK(nc_write_file(NC_RELEASE_MS, "50"));
	usleep(300 * 1000);
	EXPECT_EQ((long)by, nc_pool_attr(n, "surplus_pages"))
		TH_LOG("claimed surplus was given back");
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_EQ(0, nc_pool_surplus_drained(n));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(r0 - by, hi.nodes[n].reserved_pages);
	f2 = nc_node_free_kb(n);
	NC_EXPECT_FREE_MOVED(f1, f2, (long)by * 4);

	nc_grow_test_done(_metadata, c, n, r0, ms0);
	EXPECT_INVARIANTS();
}

/*
 * HOST_INFO's growable_pages says what claims may grow each pool by; a
 * host-wide claim and a legacy CLAIM_PAGES (xc_domain_claim_pages()) that
 * do not fit grow the pools that grow on claim by what they lack, and
 * beyond that are refused with nothing changed.
 */
TEST_F(pool, host_wide_and_legacy_claims_grow_the_pools)
{
	struct nc_ctx *c = &self->ctx;
	const __u32 n = c->pool[0];
	const __u64 r0 = c->base.nodes[n].reserved_pages, by = 2048;
	const long ms0 = nc_sysfs_long(NC_RELEASE_MS);
	const size_t heap = offsetof(struct numaclaims_host_info,
				     total_growable_pages);
	struct numaclaims_host_info hi, h2;
	__u64 want;
	__u32 d, m;

	ASSERT_LE(0, ms0);
	ASSERT_EQ(0, c->base.total_growable_pages)
		TH_LOG("a pool grows on claim before the test");
	ASSERT_OK(nc_write_file(NC_RELEASE_MS, "3600000"));
	ASSERT_OK(raw_pool_resize(c->fd, n, r0 - by));
	ASSERT_OK(nc_pool_attr_set(n, "grow_on_claim", "1"));
	d = nc_new_dom(_metadata, c, 1ULL << 30);
	hi = nc_host(_metadata, c);
	EXPECT_EQ(by, hi.growable_pages[n]);
	EXPECT_EQ(by, hi.total_growable_pages);
	for (m = 0; m < NUMACLAIMS_MAX_NODES; m++)
		if (m != n)
			EXPECT_EQ(0, hi.growable_pages[m]) TH_LOG("node %u", m);
	want = hi.total_avail_pages - hi.outstanding_claims + by;

	/* Beyond what the pools have and may grow by: nothing changes. */
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, d, CLAIM(want + 1, NC_HOST)));
	EXPECT_ERR(ENOMEM, raw_claim_pages(c->fd, d, want + 1));
	h2 = nc_host(_metadata, c);
	EXPECT_EQ(0, memcmp(&hi, &h2, heap)) TH_LOG("a refused claim changed HOST_INFO");
	EXPECT_EQ(0, nc_pool_attr(n, "surplus_pages"));

	/* Host-wide: node n grows by what the host lacks. */
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(want, NC_HOST)));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(r0, hi.nodes[n].reserved_pages);
	EXPECT_EQ(0, hi.growable_pages[n]);
	EXPECT_EQ(want, hi.outstanding_claims - c->base.outstanding_claims);
	EXPECT_EQ((long)by, nc_pool_attr(n, "surplus_pages"));
	EXPECT_INVARIANTS();
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(0, NC_HOST)));
	ASSERT_OK(nc_write_file(NC_RELEASE_MS, "50"));
	EXPECT_EQ(0, nc_pool_surplus_drained(n));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(r0 - by, hi.nodes[n].reserved_pages);
	EXPECT_EQ(by, hi.growable_pages[n]);

	/* Legacy: the target above tot_pages, host-wide, likewise. */
	ASSERT_OK(nc_write_file(NC_RELEASE_MS, "3600000"));
	ASSERT_OK(raw_claim_pages(c->fd, d, want));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(r0, hi.nodes[n].reserved_pages);
	EXPECT_EQ(want, nc_dom(_metadata, c, d).outstanding_pages);
	EXPECT_INVARIANTS();
	ASSERT_OK(raw_claim_pages(c->fd, d, 0));
	ASSERT_OK(nc_write_file(NC_RELEASE_MS, "50"));
	EXPECT_EQ(0, nc_pool_surplus_drained(n));

	nc_grow_test_done(_metadata, c, n, r0, ms0);
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_INVARIANTS();
}

/*
 * Grow on claim against other builders: eight processes claim the same
 * node at once, from a pool 8 MiB below its capacity that grows on claim.
 * Exactly as many are admitted as a pool of the whole capacity would
 * admit (a claim another builder beat to the grown memory grows again
 * while there is room), the node's claims are theirs, nothing is over
 * capacity, and the surplus goes back once they are gone.
 */
#define NC_RACERS	8
TEST_F(pool, grow_on_claim_races_builders)
{
	struct nc_ctx *c = &self->ctx;
	const __u32 n = c->pool[0];
	const __u64 r0 = c->base.nodes[n].reserved_pages, by = 2048;
	const long ms0 = nc_sysfs_long(NC_RELEASE_MS);
	struct numaclaims_host_info hi;
	volatile int *go;
	__u32 doms[NC_RACERS];
	pid_t pids[NC_RACERS];
	__u64 room, each;
	int i, st, admitted = 0, refused = 0;

	ASSERT_LE(0, ms0);
	ASSERT_OK(nc_write_file(NC_RELEASE_MS, "3600000"));
	ASSERT_OK(raw_pool_resize(c->fd, n, r0 - by));
	ASSERT_OK(nc_pool_attr_set(n, "grow_on_claim", "1"));
	hi = nc_host(_metadata, c);
	room = nc_node_unclaimed(&hi, n) + hi.growable_pages[n];
	ASSERT_EQ(nc_node_unclaimed(&c->base, n), room)
		TH_LOG("the node cannot grow back to its capacity");
	each = room / 6 + 1;		/* room for 5 of the 8 */
	for (i = 0; i < NC_RACERS; i++)
		doms[i] = nc_new_dom(_metadata, c, 1ULL << 30);
	go = mmap(NULL, NC_PAGE, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, (void *)go);
	*go = 0;
	for (i = 0; i < NC_RACERS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			int ret;

			while (!*go)
				;
			ret = NC_SET(c->fd, doms[i], CLAIM(each, n));
			_exit(!ret ? 0 : ret == -ENOMEM ? 1 : 2);
		}
	}
	__atomic_store_n(go, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < NC_RACERS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &st, 0));
		ASSERT_TRUE(WIFEXITED(st));
		ASSERT_GE(1, WEXITSTATUS(st)) TH_LOG("racer %d: not ENOMEM", i);
		admitted += WEXITSTATUS(st) == 0;
		refused += WEXITSTATUS(st) == 1;
	}
	munmap((void *)go, NC_PAGE);
	EXPECT_EQ((int)(room / each), admitted)
		TH_LOG("%d admitted, %d refused, room for %llu", admitted, refused,
		       (unsigned long long)(room / each));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(admitted * each, hi.nodes[n].outstanding_claims -
				   c->base.nodes[n].outstanding_claims);
	EXPECT_GE(r0, hi.nodes[n].reserved_pages) TH_LOG("grew past the capacity");
	EXPECT_INVARIANTS();

	for (i = 0; i < NC_RACERS; i++)
		EXPECT_OK(raw_destroy(c->fd, doms[i]));
	ASSERT_OK(nc_write_file(NC_RELEASE_MS, "50"));
	EXPECT_EQ(0, nc_pool_surplus_drained(n));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(r0 - by, hi.nodes[n].reserved_pages);
	nc_grow_test_done(_metadata, c, n, r0, ms0);
	EXPECT_INVARIANTS();
}
