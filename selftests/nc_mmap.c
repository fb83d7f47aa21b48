// SPDX-License-Identifier: GPL-2.0
/*
 * nc_mmap.c - a domain's memory mapped into a process (DOMAIN_OPEN and
 * /dev/numaclaims-domN): Linux's own view of placement (move_pages(2),
 * /proc/self/numa_maps) agrees with numaclaims', data written through a
 * mapping is the domain's page, holes raise SIGBUS, decrease and destroy
 * remove mappings, freed pages reach the next domain scrubbed, and a page
 * pinned past its domain's destroy (vmsplice) is never handed to another
 * domain until released.
 * #included by numaclaims_test.c (one translation unit, see there).
 */
#include <grp.h>
#include <setjmp.h>
#include <sys/syscall.h>
#include <sys/uio.h>

NC_FIXTURE(mmap);

static sigjmp_buf nc_bus_jmp;

static void nc_bus_handler(int sig)
{
	siglongjmp(nc_bus_jmp, 1);
}

/*
 * Read (or, with @write, write @val to) the u64 at @p.  Returns 0, or 1 if
 * the access raised SIGBUS.
 */
static int nc_access(volatile __u64 *p, bool write, __u64 *val)
{
	struct sigaction sa = { .sa_handler = nc_bus_handler }, old;
	int bus = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(nc_bus_jmp, 1) == 0) {
		if (write)
			*p = *val;
		else
			*val = *p;
	} else {
		bus = 1;
	}
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

static int nc_bus_on_read(void *p)
{
	__u64 v;

	return nc_access(p, false, &v);
}

/* Map @pages pages of the domain file @dfd from @gfn; MAP_FAILED on error. */
static void *nc_map(int dfd, __u64 gfn, __u64 pages)
{
	return mmap(NULL, pages * NC_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    dfd, (off_t)(gfn * NC_PAGE));
}

/* Open @d's memory and map @pages from @gfn (ASSERTs); *@dfd gets the file. */
static void *nc_open_map(struct __test_metadata *_metadata, struct nc_ctx *c,
			 __u32 d, __u64 gfn, __u64 pages, int *dfd)
{
	void *m;

	*dfd = raw_domain_open(c->fd, d, NUMACLAIMS_OPEN_CLOEXEC);
	ASSERT_LE(0, *dfd) TH_LOG("DOMAIN_OPEN: %s", raw_errname(*dfd));
	m = nc_map(*dfd, gfn, pages);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	return m;
}

static void nc_close_map(void *m, __u64 pages, int dfd)
{
	munmap(m, pages * NC_PAGE);
	close(dfd);
}

/* A new domain with gfn 0 populated and mapped; *@d, *@dfd get them. */
static __u64 *nc_one_page_domain(struct __test_metadata *_metadata,
				 struct nc_ctx *c, __u32 *d, int *dfd)
{
	__u64 g = 0, done;

	*d = nc_new_dom(_metadata, c, 64);
	ASSERT_OK(raw_populate(c->fd, *d, &g, 1, 0, 0, &done));
	return nc_open_map(_metadata, c, *d, 0, 1, dfd);
}

/* Linux's node for each page at @addr (move_pages(2) with nodes = NULL). */
static int nc_move_pages_status(void *addr, unsigned long n, int *status)
{
	void **pages = calloc(n, sizeof(*pages));
	unsigned long i;
	long r;

	if (!pages)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		pages[i] = (char *)addr + i * NC_PAGE;
	r = syscall(__NR_move_pages, 0, n, pages, NULL, status, 0);
	free(pages);
	return r < 0 ? -errno : 0;
}

/*
 * Per-node page counts of the mapping at @addr in /proc/self/numa_maps
 * (the "N<node>=<pages>" fields); returns the number of pages, or -1 if the
 * mapping is not listed.
 */
static long nc_numa_maps(void *addr, __u64 *per_node)
{
	FILE *f = fopen("/proc/self/numa_maps", "r");
	char line[4096];
	long total = -1;

	memset(per_node, 0, sizeof(__u64) * NUMACLAIMS_MAX_NODES);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save = NULL;

		if (strtoul(line, NULL, 16) != (unsigned long)addr)
			continue;
		total = 0;
		for (tok = strtok_r(line, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save)) {
			unsigned int node;
			unsigned long pages;

			if (sscanf(tok, "N%u=%lu", &node, &pages) == 2 &&
			    node < NUMACLAIMS_MAX_NODES) {
				per_node[node] += pages;
				total += pages;
			}
		}
		break;
	}
	fclose(f);
	return total;
}

/*
 * Map gfns [@gfn, @gfn + @pages) of @d, touch every page, and check that
 * Linux's view of each page's node (move_pages, numa_maps) is the node
 * numaclaims placed it on (debugfs), and, when @whole, that the per-node
 * counts are DOMAIN_INFO's node_pages.  @want_node >= 0: every page must be
 * there.  Fills @hist with the pages per node.
 */
static void nc_check_placement(struct __test_metadata *_metadata,
			       struct nc_ctx *c, __u32 d, __u64 gfn,
			       __u64 pages, bool whole, int want_node,
			       __u64 *hist)
{
	struct numaclaims_domain_info di = nc_dom(_metadata, c, d);
	__u64 nm[NUMACLAIMS_MAX_NODES], i, nz;
	int *status = calloc(pages, sizeof(int));
	int dfd, wrong = 0, n;
	char *m;

	memset(hist, 0, sizeof(__u64) * NUMACLAIMS_MAX_NODES);
	ASSERT_NE(NULL, status);
	m = nc_open_map(_metadata, c, d, gfn, pages, &dfd);
	for (i = 0; i < pages; i++)
		ASSERT_EQ(0, nc_bus_on_read(m + i * NC_PAGE))
			TH_LOG("SIGBUS on populated gfn %llu",
			       (unsigned long long)(gfn + i));
	ASSERT_OK(nc_move_pages_status(m, pages, status));
	for (i = 0; i < pages; i++) {
		int node = -1;

		ASSERT_OK(nc_page_sum_node(d, gfn + i, &nz, NULL, &node));
		if (status[i] != node || (want_node >= 0 && node != want_node)) {
			if (wrong++ < 5)
				TH_LOG("gfn %llu: move_pages says node %d, numaclaims %d, wanted %d",
				       (unsigned long long)(gfn + i),
				       status[i], node, want_node);
		}
		if (status[i] >= 0 && status[i] < NUMACLAIMS_MAX_NODES)
			hist[status[i]]++;
	}
	EXPECT_EQ(0, wrong) TH_LOG("%d pages where Linux and numaclaims disagree",
				   wrong);
	EXPECT_EQ((long)pages, nc_numa_maps(m, nm));
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		EXPECT_EQ(hist[n], nm[n]) TH_LOG("numa_maps node %d", n);
		if (whole)
			EXPECT_EQ(di.node_pages[n], hist[n])
				TH_LOG("DOMAIN_INFO node_pages[%d]", n);
	}
	nc_close_map(m, pages, dfd);
	free(status);
}

/*
 * On every node: 512 pages of order 0 and one order-9 extent requested
 * there with @memflags, all found there by Linux and numaclaims alike.
 */
static void nc_placement_each_node(struct __test_metadata *_metadata,
				   struct nc_ctx *c, __u32 memflags)
{
	__u64 hist[NUMACLAIMS_MAX_NODES], done;
	unsigned int i;

	for (i = 0; i < c->nr_pool; i++) {
		__u32 d = nc_new_dom(_metadata, c, 4096);
		unsigned int n = c->pool[i];

		ASSERT_OK(raw_populate_range(c->fd, d, 0, 512, 0,
					    NC_NODE(n) | memflags, &done));
		ASSERT_OK(raw_populate_range(c->fd, d, 512, 1, 9,
					    NC_NODE(n) | memflags, &done));
		nc_check_placement(_metadata, c, d, 0, 1024, true, n, hist);
		EXPECT_EQ(1024, hist[n]);
		EXPECT_OK(raw_destroy(c->fd, d));
	}
}

/* A node hint (no EXACT_NODE), with room on the node. */
TEST_F(mmap, placement_node_hint)
{
	nc_placement_each_node(_metadata, &self->ctx, 0);
}

TEST_F(mmap, placement_exact_node)
{
	nc_placement_each_node(_metadata, &self->ctx, NC_EXACT);
}

/* Node affinity over every pool node: round robin, extent by extent. */
TEST_F(mmap, placement_affinity_round_robin)
{
	struct nc_ctx *c = &self->ctx;
	__u64 hist[NUMACLAIMS_MAX_NODES], done;
	__u32 d = nc_new_dom(_metadata, c, 4096);
	unsigned int i, used = 0;

	ASSERT_OK(raw_set_affinity(c->fd, d, c->pool_mask));
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 16, 5, 0, &done));
	nc_check_placement(_metadata, c, d, 0, 16 << 5, true, -1, hist);
	for (i = 0; i < c->nr_pool; i++)
		used += hist[c->pool[i]] != 0;
	EXPECT_EQ(c->nr_pool, used) TH_LOG("round robin used %u of %u nodes",
					   used, c->nr_pool);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* A claim set spread over every node, redeemed by unplaced populates. */
TEST_F(mmap, placement_spread_claim_set)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[NUMACLAIMS_MAX_NODES];
	__u64 hist[NUMACLAIMS_MAX_NODES], done, g = 0;
	__u32 d = nc_new_dom(_metadata, c, 4096);
	unsigned int i;

	for (i = 0; i < c->nr_pool; i++)
		set[i] = CLAIM(64, c->pool[i]);
	ASSERT_OK(raw_claim_set(c->fd, d, set, c->nr_pool));
	/* Half placed by node, half left to numaclaims (affinity, claims). */
	for (i = 0; i < c->nr_pool; i++) {
		ASSERT_OK(raw_populate_range(c->fd, d, g, 32, 0,
					    NC_NODE(c->pool[i]), &done));
		g += 32;
	}
	ASSERT_OK(raw_populate_range(c->fd, d, g, 32 * c->nr_pool, 0, 0,
				    &done));
	g += 32 * c->nr_pool;
	EXPECT_EQ(0, nc_dom(_metadata, c, d).outstanding_pages);
	nc_check_placement(_metadata, c, d, 0, g, true, -1, hist);
	for (i = 0; i < c->nr_pool; i++)
		EXPECT_LE(32, hist[c->pool[i]]) TH_LOG("node %u", c->pool[i]);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* What is written through a mapping is the domain's page, and back. */
TEST_F(mmap, write_through_mapping_read_debugfs)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 64);
	__u64 done, nz, first, *p, i;
	int dfd, pfd;

	ASSERT_OK(raw_populate_range(c->fd, d, 0, 8, 0, 0, &done));
	p = nc_open_map(_metadata, c, d, 0, 8, &dfd);
	/* Mapping -> page. */
	for (i = 0; i < NC_PAGE / 8; i++)
		p[3 * NC_PAGE / 8 + i] = 0x1122334455667788ULL;
	ASSERT_OK(nc_page_sum(d, 3, &nz, &first));
	EXPECT_EQ(NC_PAGE, nz);
	EXPECT_EQ(0x1122334455667788ULL, first);
	ASSERT_OK(nc_page_sum(d, 4, &nz, &first));
	EXPECT_EQ(0, nz);
	/* Page -> mapping. */
	pfd = raw_page_open();
	ASSERT_LE(0, pfd);
	ASSERT_OK(raw_page_fill(pfd, d, 5, 0xfeedfacecafebeefULL));
	close(pfd);
	for (i = 0; i < NC_PAGE / 8; i++)
		if (p[5 * NC_PAGE / 8 + i] != 0xfeedfacecafebeefULL)
			break;
	EXPECT_EQ(NC_PAGE / 8, i);
	nc_close_map(p, 8, dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* Unpopulated gfns raise SIGBUS; populating after mmap fills the hole. */
TEST_F(mmap, sigbus_on_holes)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 64);
	__u64 gfns[2] = { 0, 2 }, g1 = 1, done, v = 7;
	char *m;
	int dfd;

	ASSERT_OK(raw_populate(c->fd, d, gfns, 2, 0, 0, &done));
	m = nc_open_map(_metadata, c, d, 0, 4, &dfd);
	EXPECT_EQ(0, nc_bus_on_read(m));
	EXPECT_EQ(1, nc_bus_on_read(m + NC_PAGE));
	EXPECT_EQ(0, nc_bus_on_read(m + 2 * NC_PAGE));
	EXPECT_EQ(1, nc_access((__u64 *)(m + 3 * NC_PAGE), true, &v));
	ASSERT_OK(raw_populate(c->fd, d, &g1, 1, 0, 0, &done));
	v = 1;
	EXPECT_EQ(0, nc_access((__u64 *)(m + NC_PAGE), false, &v));
	EXPECT_EQ(0, v) TH_LOG("a freshly populated page is not zero");
	nc_close_map(m, 4, dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* Bad requests are refused with the documented errno and change nothing. */
TEST_F(mmap, errors)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_open o = { 0 };
	__u32 d = nc_new_dom(_metadata, c, 100);
	void *m;
	int dfd, fl;

	EXPECT_ERR(EINVAL, raw_domain_open(c->fd, d, 2));
	EXPECT_ERR(EINVAL, raw_domain_open(c->fd, d, ~0U));
	EXPECT_ERR(ESRCH, raw_domain_open(c->fd, d + 1000, 0));
	EXPECT_ERR(ESRCH, raw_domain_open(c->fd, 0, 0));
	o.domid = d;
	o.flags = 1U << 31;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_OPEN, &o));

	dfd = raw_domain_open(c->fd, d, NUMACLAIMS_OPEN_CLOEXEC);
	ASSERT_LE(0, dfd);
	fl = fcntl(dfd, F_GETFD);
	EXPECT_TRUE(fl & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(dfd, F_GETFL) & O_ACCMODE);
	/* MAP_PRIVATE: EINVAL. */
	m = mmap(NULL, NC_PAGE, PROT_READ, MAP_PRIVATE, dfd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	/* Beyond NUMACLAIMS_MAX_GFN, or reaching past it: ENXIO. */
	m = mmap(NULL, NC_PAGE, PROT_READ, MAP_SHARED, dfd,
		 (off_t)(NUMACLAIMS_MAX_GFN * NC_PAGE));
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(ENXIO, errno);
	m = mmap(NULL, 2 * NC_PAGE, PROT_READ, MAP_SHARED, dfd,
		 (off_t)((NUMACLAIMS_MAX_GFN - 1) * NC_PAGE));
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(ENXIO, errno);
	/* The last gfn itself can be mapped (and is a hole). */
	m = mmap(NULL, NC_PAGE, PROT_READ, MAP_SHARED, dfd,
		 (off_t)((NUMACLAIMS_MAX_GFN - 1) * NC_PAGE));
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(1, nc_bus_on_read(m));
	munmap(m, NC_PAGE);
	/* mremap cannot grow a mapping past what mmap checked. */
	m = nc_map(dfd, 0, 1);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(MAP_FAILED, mremap(m, NC_PAGE, 2 * NC_PAGE, 0));
	munmap(m, NC_PAGE);
	/* lseek(SEEK_END) is max_pages << 12, as a VMM sizes its backend. */
	EXPECT_EQ(100 * (off_t)NC_PAGE, lseek(dfd, 0, SEEK_END));
	ASSERT_OK(raw_set_max(c->fd, d, 300));
	EXPECT_EQ(300 * (off_t)NC_PAGE, lseek(dfd, 0, SEEK_END));
	close(dfd);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* The device node appears with the domain, maps the same pages, and goes. */
TEST_F(mmap, device_node)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 64);
	__u64 done, *a, *b, g = 0;
	char path[64];
	struct stat st;
	int dfd, pfd;

	snprintf(path, sizeof(path), NUMACLAIMS_DOMAIN_DEV_FMT, d);
	ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 0777);
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	pfd = raw_domain_open_path(d);
	ASSERT_LE(0, pfd) TH_LOG("open %s: %s", path, raw_errname(pfd));
	dfd = raw_domain_open(c->fd, d, 0);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(64 * (off_t)NC_PAGE, lseek(pfd, 0, SEEK_END));
	a = nc_map(pfd, 0, 1);
	b = nc_map(dfd, 0, 1);
	ASSERT_NE(MAP_FAILED, a);
	ASSERT_NE(MAP_FAILED, b);
	a[10] = 0xabcdef;
	EXPECT_EQ(0xabcdef, b[10]);
	/* Decrease unmaps both. */
	ASSERT_OK(raw_decrease(c->fd, d, &g, 1, 0, &done));
	EXPECT_EQ(1, nc_bus_on_read(a));
	EXPECT_EQ(1, nc_bus_on_read(b));
	munmap(a, NC_PAGE);
	munmap(b, NC_PAGE);
	close(pfd);
	close(dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_EQ(-1, stat(path, &st));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_ERR(ENOENT, raw_domain_open_path(d));
}

/*
 * The device node opened read-only maps MAP_SHARED, read-only (no
 * VM_SHARED: the kernel clears it for a file that cannot be written),
 * sees what the domain holds, and is unmapped by decrease like any other;
 * msync() of a domain mapping succeeds (nothing to write back).
 */
TEST_F(mmap, read_only_shared_mapping_and_msync)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 64);
	__u64 done, *w, *r, g = 0;
	char path[64];
	int dfd, rfd;

	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	w = nc_open_map(_metadata, c, d, 0, 1, &dfd);
	w[3] = 0x0123456789abcdefULL;
	EXPECT_EQ(0, msync(w, NC_PAGE, MS_SYNC)) TH_LOG("msync: %s",
							 strerror(errno));
	snprintf(path, sizeof(path), NUMACLAIMS_DOMAIN_DEV_FMT, d);
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, rfd) TH_LOG("open %s read-only: %s", path,
				 strerror(errno));
	r = mmap(NULL, NC_PAGE, PROT_READ, MAP_SHARED, rfd, 0);
	ASSERT_NE(MAP_FAILED, r) TH_LOG("MAP_SHARED, read-only: %s",
					strerror(errno));
	EXPECT_EQ(0x0123456789abcdefULL, r[3]);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, NC_PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED, rfd, 0));
	EXPECT_EQ(EACCES, errno);
	ASSERT_OK(raw_decrease(c->fd, d, &g, 1, 0, &done));
	EXPECT_EQ(1, nc_bus_on_read(r));
	munmap(r, NC_PAGE);
	close(rfd);
	nc_close_map(w, 1, dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/*
 * Who may map a domain: the node's owner and mode decide, and nothing else
 * (uapi: NUMACLAIMS_DOMAIN_DEV_FMT).  A process running as an unprivileged
 * user (NC_VMM_UID, no capabilities) cannot open a node it was not given;
 * once the node is given to it (chown + chmod, what claims_domain_give()
 * and claimctl give do) it maps, reads and writes that domain, and still
 * cannot open another domain's node nor change anything through the control
 * device, even one it may read (the numaclaims group of the udev rule).
 * Taking the node back closes it again.  Each step runs in a child so a
 * failure cannot leave the test unprivileged.
 */
#define NC_VMM_UID	4242U
#define NC_VMM_GID	4243U

enum { NC_VMM_CLOSED, NC_VMM_GIVEN };

/* Runs as NC_VMM_UID; returns the number of failed checks. */
static int nc_vmm_child(__u32 d, __u32 e, int step)
{
	struct numaclaims_claim one = { .pages = 1, .target = NC_HOST };
	gid_t groups[1] = { NC_VMM_GID };
	int failures = 0, dfd, cfd, rc;
	__u64 *p, done, g = 8, tmp64;
	__u32 tmp;

	if (setgroups(1, groups) || setresgid(NC_VMM_GID, NC_VMM_GID, NC_VMM_GID) ||
	    setresuid(NC_VMM_UID, NC_VMM_UID, NC_VMM_UID))
		return 100;
	dfd = raw_domain_open_path(d);
	if (step == NC_VMM_CLOSED) {
		CHILD_CHECK(dfd == -EACCES, "open of a node not given: %s",
			    raw_errname(dfd));
		if (dfd >= 0)
			close(dfd);
		return failures;
	}
	CHILD_CHECK(dfd >= 0, "open of the node given: %s", raw_errname(dfd));
	if (dfd < 0)
		return failures;
	p = nc_map(dfd, 0, 4);
	CHILD_CHECK(p != MAP_FAILED, "mmap of the node given: %s",
		    strerror(errno));
	if (p != MAP_FAILED) {
		CHILD_CHECK(p[3 * NC_PAGE / 8] == 0x5eed0003,
			    "reads what root wrote: %llx",
			    (unsigned long long)p[3 * NC_PAGE / 8]);
		p[2 * NC_PAGE / 8 + 1] = 0x766d6d;	/* "vmm" */
		munmap(p, 4 * NC_PAGE);
	}
	tmp64 = 0x766d6d2d7277;
	CHILD_CHECK(pwrite(dfd, &tmp64, 8, NC_PAGE + 16) == 8,
		    "pwrite at gfn 1: %s", strerror(errno));
	close(dfd);
	rc = raw_domain_open_path(e);
	CHILD_CHECK(rc == -EACCES, "open of another domain's node: %s",
		    raw_errname(rc));
	if (rc >= 0)
		close(rc);
	rc = open(NC_DEV, O_RDWR | O_CLOEXEC);
	CHILD_CHECK(rc < 0 && errno == EACCES, "open of %s read-write: %s",
		    NC_DEV, rc < 0 ? strerror(errno) : "works");
	if (rc >= 0)
		close(rc);
	/* The group may read the control device: information only. */
	cfd = open(NC_DEV, O_RDONLY | O_CLOEXEC);
	CHILD_CHECK(cfd >= 0, "open of %s read-only by its group: %s", NC_DEV,
		    strerror(errno));
	if (cfd < 0)
		return failures;
	rc = raw_create(cfd, 1, 0, &tmp);
	CHILD_CHECK(rc == -EPERM, "DOMAIN_CREATE: %s", raw_errname(rc));
	rc = raw_populate(cfd, d, &g, 1, 0, 0, &done);
	CHILD_CHECK(rc == -EPERM, "POPULATE_PHYSMAP: %s", raw_errname(rc));
	g = 0;
	rc = raw_decrease(cfd, d, &g, 1, 0, &done);
	CHILD_CHECK(rc == -EPERM, "DECREASE_RESERVATION: %s", raw_errname(rc));
	rc = raw_claim_pages(cfd, d, 1);
	CHILD_CHECK(rc == -EPERM, "CLAIM_PAGES: %s", raw_errname(rc));
	rc = raw_claim_set(cfd, d, &one, 1);
	CHILD_CHECK(rc == -EPERM, "CLAIM_MEMORY SET: %s", raw_errname(rc));
	rc = raw_set_max(cfd, d, 1);
	CHILD_CHECK(rc == -EPERM, "SET_MAX_PAGES: %s", raw_errname(rc));
	rc = raw_domain_open(cfd, e, 0);
	CHILD_CHECK(rc == -EPERM, "DOMAIN_OPEN of another domain: %s",
		    raw_errname(rc));
	rc = raw_destroy(cfd, d);
	CHILD_CHECK(rc == -EPERM, "DOMAIN_DESTROY: %s", raw_errname(rc));
	rc = raw_destroy(cfd, e);
	CHILD_CHECK(rc == -EPERM, "DOMAIN_DESTROY of another: %s", raw_errname(rc));
	close(cfd);
	return failures;
}

static int nc_vmm_run(__u32 d, __u32 e, int step)
{
	int status;
	pid_t pid = fork();

	if (!pid)
		_exit(nc_vmm_child(d, e, step));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(mmap, given_node_opens_for_its_owner_only)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 64), e = nc_new_dom(_metadata, c, 64);
	struct numaclaims_domain_info d0, d1, e0, e1;
	struct numaclaims_host_info h0, h1;
	char path[64], epath[64];
	struct stat st, cst;
	__u64 *w, done, g;
	int dfd, rc;

	snprintf(path, sizeof(path), NUMACLAIMS_DOMAIN_DEV_FMT, d);
	snprintf(epath, sizeof(epath), NUMACLAIMS_DOMAIN_DEV_FMT, e);
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 4, 0, 0, &done));
	g = 0;
	ASSERT_OK(raw_populate(c->fd, e, &g, 1, 0, 0, &done));
	w = nc_open_map(_metadata, c, d, 0, 4, &dfd);
	for (g = 0; g < 4; g++)
		w[g * NC_PAGE / 8] = 0x5eed0000 + g;
	ASSERT_OK(nc_host_info(c->fd, &h0));
	ASSERT_OK(raw_dom_info(c->fd, d, &d0));
	ASSERT_OK(raw_dom_info(c->fd, e, &e0));
	ASSERT_EQ(0, stat(NC_DEV, &cst));

	/* A new node is root's: the user cannot open it. */
	EXPECT_EQ(0, nc_vmm_run(d, e, NC_VMM_CLOSED));
	/* Given: the user (and, for reading, the control device's group). */
	ASSERT_EQ(0, chown(path, NC_VMM_UID, NC_VMM_GID));
	ASSERT_EQ(0, chmod(path, 0600));
	ASSERT_EQ(0, chown(NC_DEV, 0, NC_VMM_GID));
	ASSERT_EQ(0, chmod(NC_DEV, 0640));
	rc = nc_vmm_run(d, e, NC_VMM_GIVEN);
	EXPECT_EQ(0, chown(NC_DEV, cst.st_uid, cst.st_gid));
	EXPECT_EQ(0, chmod(NC_DEV, cst.st_mode & 07777));
	EXPECT_EQ(0, rc) TH_LOG("%d checks failed as uid %u (see above)", rc,
				NC_VMM_UID);
	EXPECT_EQ(0x766d6dULL, w[2 * NC_PAGE / 8 + 1]);
	EXPECT_EQ(0x766d6d2d7277ULL, w[NC_PAGE / 8 + 2]);
	/* The other domain's node was never touched. */
	ASSERT_EQ(0, stat(epath, &st));
	EXPECT_EQ(0U, st.st_uid);
	EXPECT_EQ(0600U, st.st_mode & 0777);
	/* Taken back: closed again. */
	ASSERT_EQ(0, chown(path, 0, 0));
	EXPECT_EQ(0, nc_vmm_run(d, e, NC_VMM_CLOSED));
	/* Nothing the user did changed the host or the domains. */
	ASSERT_OK(nc_host_info(c->fd, &h1));
	ASSERT_OK(raw_dom_info(c->fd, d, &d1));
	ASSERT_OK(raw_dom_info(c->fd, e, &e1));
	EXPECT_EQ(0, memcmp(&h0, &h1, sizeof(h0)));
	EXPECT_EQ(0, memcmp(&d0, &d1, sizeof(d0)));
	EXPECT_EQ(0, memcmp(&e0, &e1, sizeof(e0)));
	nc_close_map(w, 4, dfd);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_OK(raw_destroy(c->fd, e));
	/* A node given goes with its domain. */
	EXPECT_EQ(-1, stat(path, &st));
}

/*
 * read(2)/write(2) at gfn << 12 reach the domain's pages (dd, a debugger);
 * a hole ends the call: the bytes before it, or ENXIO at its first page.
 */
TEST_F(mmap, read_write_at_gfn_offsets)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 64);
	__u64 done, *m, buf[3 * NC_PAGE / 8];
	int dfd;

	ASSERT_OK(raw_populate_range(c->fd, d, 4, 2, 0, 0, &done));
	m = nc_open_map(_metadata, c, d, 4, 2, &dfd);
	m[0] = 11;
	m[NC_PAGE / 8 + 1] = 22;
	EXPECT_EQ((ssize_t)(2 * NC_PAGE), pread(dfd, buf, 2 * NC_PAGE,
						4 * NC_PAGE));
	EXPECT_EQ(11, buf[0]);
	EXPECT_EQ(22, buf[NC_PAGE / 8 + 1]);
	/* Across the end of what is populated: what comes before the hole. */
	EXPECT_EQ((ssize_t)(NC_PAGE + 8), pread(dfd, buf, 3 * NC_PAGE,
						5 * NC_PAGE - 8));
	EXPECT_EQ(22, buf[2]);
	EXPECT_EQ(-1, pread(dfd, buf, 8, 6 * NC_PAGE));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, pread(dfd, buf, 8, 0));
	EXPECT_EQ(ENXIO, errno);
	buf[0] = 33;
	EXPECT_EQ(8, pwrite(dfd, buf, 8, 5 * NC_PAGE + 16));
	EXPECT_EQ(33, m[NC_PAGE / 8 + 2]);
	EXPECT_EQ(-1, pwrite(dfd, buf, 8, 7 * NC_PAGE));
	EXPECT_EQ(ENXIO, errno);
	nc_close_map(m, 2, dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* Decrease removes the mapping of exactly the pages it frees. */
TEST_F(mmap, decrease_unmaps)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 64);
	__u64 done, g, v, *p;
	int dfd;

	ASSERT_OK(raw_populate_range(c->fd, d, 0, 4, 0, 0, &done));
	ASSERT_OK(raw_populate_range(c->fd, d, 16, 1, 4, 0, &done));
	p = nc_open_map(_metadata, c, d, 0, 32, &dfd);
	for (g = 0; g < 32; g++) {
		v = 0x100 + g;
		nc_access(p + g * NC_PAGE / 8, true, &v);
	}
	g = 1;
	ASSERT_OK(raw_decrease(c->fd, d, &g, 1, 0, &done));
	EXPECT_EQ(1, nc_bus_on_read(p + NC_PAGE / 8));
	EXPECT_EQ(0x100, p[0]);
	EXPECT_EQ(0x102, p[2 * NC_PAGE / 8]);
	/* An order-4 extent: all 16 pages go. */
	g = 16;
	ASSERT_OK(raw_decrease(c->fd, d, &g, 1, 4, &done));
	for (g = 16; g < 32; g++)
		EXPECT_EQ(1, nc_bus_on_read(p + g * NC_PAGE / 8))
			TH_LOG("gfn %llu still mapped", (unsigned long long)g);
	/* Repopulated: a new, scrubbed page at the same address. */
	g = 1;
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	v = 1;
	EXPECT_EQ(0, nc_access(p + NC_PAGE / 8, false, &v));
	EXPECT_EQ(0, v);
	nc_close_map(p, 32, dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/*
 * A decrease unmaps per run of contiguous gfns, not per extent: 64 order-0
 * extents in a row cost one unmap (one TLB flush), three apart three; the
 * pages between them stay mapped with their data, the decreased ones
 * SIGBUS.  The same gfn twice in one call: the first goes, the second is
 * refused (EINVAL, done 1), as when extents went one at a time.
 */
TEST_F(mmap, decrease_unmaps_once_per_run)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 128);
	__u64 sparse[3] = { 64, 66, 68 }, twice[2] = { 100, 100 };
	__u64 done, g, v, *p, *gfns, lf;
	__u64 ext0 = 0, unm0 = 0, ext1 = 0, unm1 = 0, ext2 = 0, unm2 = 0;
	unsigned int batch;
	int dfd;

	if (nc_lock_holds(&lf, &batch, true))
		SKIP(return, "no debugfs lock_holds (debug=1)");
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 128, 0, 0, &done));
	p = nc_open_map(_metadata, c, d, 0, 128, &dfd);
	for (g = 0; g < 128; g++) {
		v = 0x700 + g;
		nc_access(p + g * NC_PAGE / 8, true, &v);
	}
	ASSERT_OK(nc_decrease_unmaps(&ext0, &unm0));
	gfns = raw_gfn_range(0, 64, 0);
	ASSERT_NE(NULL, gfns);
	ASSERT_OK(raw_decrease(c->fd, d, gfns, 64, 0, &done));
	free(gfns);
	EXPECT_EQ(64, done);
	ASSERT_OK(nc_decrease_unmaps(&ext1, &unm1));
	EXPECT_EQ(64, ext1 - ext0);
	/* One run: one unmap, a second only if a fault was in flight. */
	EXPECT_LE(1, unm1 - unm0);
	EXPECT_GE(2, unm1 - unm0) TH_LOG("%llu unmaps for one run of 64 pages",
					  (unsigned long long)(unm1 - unm0));
	ASSERT_OK(raw_decrease(c->fd, d, sparse, 3, 0, &done));
	ASSERT_OK(nc_decrease_unmaps(&ext2, &unm2));
	EXPECT_EQ(3, ext2 - ext1);
	EXPECT_LE(3, unm2 - unm1);
	EXPECT_GE(6, unm2 - unm1);
	for (g = 0; g < 70; g++) {
		if (g < 64 || g == 64 || g == 66 || g == 68) {
			EXPECT_EQ(1, nc_bus_on_read(p + g * NC_PAGE / 8))
				TH_LOG("gfn %llu still mapped",
				       (unsigned long long)g);
		} else {
			EXPECT_EQ(0x700 + g, p[g * NC_PAGE / 8]);
		}
	}
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, twice, 2, 0, &done));
	EXPECT_EQ(1, done);
	EXPECT_EQ(1, nc_bus_on_read(p + 100 * NC_PAGE / 8));
	EXPECT_EQ(0x700 + 101, p[101 * NC_PAGE / 8]);
	nc_close_map(p, 128, dfd);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

/*
 * Part of an order-9 extent decreased (its one physmap entry is split): the
 * decreased gfns raise SIGBUS, and every other gfn keeps its page and its
 * data, through the mapping made before the split and through a new one
 * (whose faults look the split entries up); a decrease over the hole is
 * refused whole; Linux sees every page on the node numaclaims put it on.
 */
TEST_F(mmap, decrease_part_of_an_extent)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 512);
	__u64 done, g, v, hist[NUMACLAIMS_MAX_NODES], bad = 0, *p;
	int dfd, pass;

	ASSERT_OK(raw_populate_range(c->fd, d, 0, 1, 9, 0, &done));
	p = nc_open_map(_metadata, c, d, 0, 512, &dfd);
	for (g = 0; g < 512; g++) {
		v = 0x5000 + g;
		ASSERT_EQ(0, nc_access(p + g * NC_PAGE / 8, true, &v));
	}
	g = 5;
	ASSERT_OK(raw_decrease(c->fd, d, &g, 1, 0, &done));
	g = 64;
	ASSERT_OK(raw_decrease(c->fd, d, &g, 1, 3, &done));
	g = 0;
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, &g, 1, 9, &done));
	EXPECT_EQ(512 - 9, nc_dom(_metadata, c, d).tot_pages);
	for (pass = 0; pass < 2; pass++) {
		for (g = 0; g < 512; g++) {
			bool gone = g == 5 || (g >= 64 && g < 72);
			int bus = nc_access(p + g * NC_PAGE / 8, false, &v);

			if (gone ? bus : !bus && v == 0x5000 + g)
				continue;
			if (bad++ < 5)
				TH_LOG("pass %d, gfn %llu: SIGBUS %d, value %#llx",
				       pass, (unsigned long long)g, bus,
				       (unsigned long long)v);
		}
		nc_close_map(p, 512, dfd);
		if (!pass)
			p = nc_open_map(_metadata, c, d, 0, 512, &dfd);
	}
	EXPECT_EQ(0, bad);
	nc_check_placement(_metadata, c, d, 0, 5, false, -1, hist);
	nc_check_placement(_metadata, c, d, 6, 58, false, -1, hist);
	nc_check_placement(_metadata, c, d, 72, 440, false, -1, hist);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* Destroy removes every mapping; the file stays but maps nothing. */
TEST_F(mmap, destroy_unmaps)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 64);
	__u64 done, g;
	char *m;
	int dfd;

	ASSERT_OK(raw_populate_range(c->fd, d, 0, 8, 0, 0, &done));
	m = nc_open_map(_metadata, c, d, 0, 8, &dfd);
	memset(m, 0x5a, 8 * NC_PAGE);
	EXPECT_OK(raw_destroy(c->fd, d));
	for (g = 0; g < 8; g++)
		EXPECT_EQ(1, nc_bus_on_read(m + g * NC_PAGE));
	EXPECT_EQ(MAP_FAILED, nc_map(dfd, 0, 1));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_ERR(ESRCH, raw_domain_open(c->fd, d, 0));
	nc_close_map(m, 8, dfd);
}

/* AUTODESTROY on close of the creating file unmaps too. */
TEST_F(mmap, autodestroy_unmaps)
{
	struct nc_ctx *c = &self->ctx;
	__u64 done;
	__u32 d = 0;
	int fd2, dfd;
	char *m;

	fd2 = open(NC_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_OK(raw_create(fd2, 64, NUMACLAIMS_DOMAIN_AUTODESTROY, &d));
	ASSERT_OK(raw_populate_range(fd2, d, 0, 4, 0, 0, &done));
	m = nc_open_map(_metadata, c, d, 0, 4, &dfd);
	m[0] = 1;
	close(fd2);
	EXPECT_EQ(1, nc_bus_on_read(m));
	EXPECT_EQ(0, nc_host(_metadata, c).nr_domains);
	nc_close_map(m, 4, dfd);
}

/*
 * Fill every page available on @node into a new domain and check through a
 * mapping that none holds a non-zero byte (or @pattern in its first word
 * when @full is false).  Returns the domain.
 */
static __u32 nc_fill_node_check_clean(struct __test_metadata *_metadata,
				      struct nc_ctx *c, unsigned int node,
				      __u64 pattern, bool full)
{
	__u64 avail = nc_host(_metadata, c).nodes[node].avail_pages;
	__u64 done, i, dirty = 0, words = full ? NC_PAGE / 8 : 1, w;
	__u32 d = nc_new_dom(_metadata, c, avail);
	__u64 *p;
	int dfd;

	ASSERT_OK(raw_populate_range(c->fd, d, 0, avail, 0,
				    NC_NODE(node) | NC_EXACT, &done));
	p = nc_open_map(_metadata, c, d, 0, avail, &dfd);
	for (i = 0; i < avail; i++)
		for (w = 0; w < words; w++) {
			__u64 v = p[i * NC_PAGE / 8 + w];

			if (full ? v != 0 : v == pattern) {
				dirty++;
				break;
			}
		}
	EXPECT_EQ(0, dirty) TH_LOG("%llu of %llu pages on node %u not clean",
				   (unsigned long long)dirty,
				   (unsigned long long)avail, node);
	nc_close_map(p, avail, dfd);
	return d;
}

/* Pages written through a mapping and decreased reach the next domain zeroed. */
TEST_F(mmap, next_domain_sees_zeros)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[c->nr_pool - 1];
	__u32 a = nc_new_dom(_metadata, c, 64), b;
	__u64 done, gfns[16], i;
	char *m;
	int dfd;

	ASSERT_OK(raw_populate_range(c->fd, a, 0, 16, 0, NC_NODE(n) | NC_EXACT,
				    &done));
	m = nc_open_map(_metadata, c, a, 0, 16, &dfd);
	memset(m, 0xa5, 16 * NC_PAGE);
	for (i = 0; i < 16; i++)
		gfns[i] = i;
	ASSERT_OK(raw_decrease(c->fd, a, gfns, 16, 0, &done));
	EXPECT_EQ(1, nc_bus_on_read(m));
	b = nc_fill_node_check_clean(_metadata, c, n, 0, true);
	EXPECT_OK(raw_destroy(c->fd, b));
	nc_close_map(m, 16, dfd);
	EXPECT_OK(raw_destroy(c->fd, a));
}

/* Pin the page at @p into a new pipe (vmsplice takes page references). */
static void nc_vmsplice_pin(struct __test_metadata *_metadata, void *p,
			    int *pipefd)
{
	struct iovec iov = { .iov_base = p, .iov_len = NC_PAGE };

	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ((ssize_t)NC_PAGE, vmsplice(pipefd[1], &iov, 1, 0))
		TH_LOG("vmsplice: %s", strerror(errno));
}

/* Wait up to @ms for every held page to be released. */
static __u64 nc_wait_held(struct __test_metadata *_metadata, struct nc_ctx *c,
			  unsigned int ms)
{
	__u64 held = 0;
	unsigned int t;

	for (t = 0; t <= ms; t += 10) {
		held = nc_host(_metadata, c).total_held_pages;
		if (!held)
			break;
		usleep(10000);
	}
	return held;
}

/*
 * A page pinned by vmsplice outlives its domain's destroy: it is held (not
 * free, in no domain), no other domain gets it, the holder still reads its
 * data, and once the pipe lets go it returns to the pool scrubbed.
 */
TEST_F(mmap, pinned_page_outlives_destroy)
{
	const __u64 pattern = 0x5eed5eed5eed5eedULL;
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	struct numaclaims_host_info hi;
	__u32 a = nc_new_dom(_metadata, c, 64), b;
	__u64 done, i, *p, buf[NC_PAGE / 8];
	int dfd, pipefd[2];

	ASSERT_OK(raw_populate_range(c->fd, a, 0, 16, 0, NC_NODE(n) | NC_EXACT,
				    &done));
	p = nc_open_map(_metadata, c, a, 0, 16, &dfd);
	for (i = 0; i < 16 * NC_PAGE / 8; i++)
		p[i] = pattern;
	nc_vmsplice_pin(_metadata, p + 3 * NC_PAGE / 8, pipefd);
	nc_close_map(p, 16, dfd);

	EXPECT_OK(raw_destroy(c->fd, a));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(1, hi.held_pages[n]);
	EXPECT_EQ(1, hi.total_held_pages);
	EXPECT_EQ(c->base.nodes[n].avail_pages - 1, hi.nodes[n].avail_pages);
	EXPECT_INVARIANTS();

	/* Every other page of the node: none is the pinned one. */
	b = nc_fill_node_check_clean(_metadata, c, n, pattern, false);
	EXPECT_OK(raw_destroy(c->fd, b));
	EXPECT_EQ(1, nc_host(_metadata, c).held_pages[n]);

	/* The holder still sees the data it pinned. */
	ASSERT_EQ((ssize_t)NC_PAGE, read(pipefd[0], buf, NC_PAGE));
	EXPECT_EQ(pattern, buf[0]);
	EXPECT_EQ(pattern, buf[NC_PAGE / 8 - 1]);
	close(pipefd[0]);
	close(pipefd[1]);
	EXPECT_EQ(0, nc_wait_held(_metadata, c, NC_REAP_WAIT_MS));
	/* Back in the pool, scrubbed: the whole node is clean again. */
	b = nc_fill_node_check_clean(_metadata, c, n, 0, true);
	EXPECT_OK(raw_destroy(c->fd, b));
}

/* Decrease of a page still pinned: held too, then released. */
TEST_F(mmap, pinned_page_outlives_decrease)
{
	struct nc_ctx *c = &self->ctx;
	__u64 done, g = 0, *p;
	int dfd, pipefd[2];
	char ch[NC_PAGE];
	__u32 a;

	p = nc_one_page_domain(_metadata, c, &a, &dfd);
	p[0] = 42;
	nc_vmsplice_pin(_metadata, p, pipefd);
	ASSERT_OK(raw_decrease(c->fd, a, &g, 1, 0, &done));
	EXPECT_EQ(1, nc_bus_on_read(p));
	EXPECT_EQ(1, nc_host(_metadata, c).total_held_pages);
	EXPECT_EQ(0, nc_dom(_metadata, c, a).tot_pages);
	EXPECT_INVARIANTS();
	ASSERT_EQ((ssize_t)NC_PAGE, read(pipefd[0], ch, NC_PAGE));
	close(pipefd[0]);
	close(pipefd[1]);
	EXPECT_EQ(0, nc_wait_held(_metadata, c, NC_REAP_WAIT_MS));
	nc_close_map(p, 1, dfd);
	EXPECT_OK(raw_destroy(c->fd, a));
}

/* A domain whose one page (gfn 0) is pinned by a pipe, then destroyed. */
static void nc_held_page(struct __test_metadata *_metadata, struct nc_ctx *c,
			 int *pipefd)
{
	__u64 *p;
	__u32 d;
	int dfd;

	p = nc_one_page_domain(_metadata, c, &d, &dfd);
	p[0] = 7;
	nc_vmsplice_pin(_metadata, p, pipefd);
	nc_close_map(p, 1, dfd);
	ASSERT_OK(raw_destroy(c->fd, d));
}

/*
 * What keeps the module loaded (rmmod refused, "in use"): a domain until it
 * is destroyed, whether or not anything has it open, and a page held after
 * its domain freed it, until the reaper takes it back; the reference goes
 * exactly when HOST_INFO shows no page held.  Nothing else: a destroyed
 * domain with no held page leaves the count as it was.
 */
TEST_F(mmap, domains_and_held_pages_hold_the_module)
{
	struct nc_ctx *c = &self->ctx;
	long r0 = nc_module_refcnt();
	int pin[2];
	__u32 d, e;

	if (r0 < 0)
		SKIP(return, "no /sys/module/numaclaims/refcnt");
	if (c->base.total_held_pages)
		SKIP(return, "pages already held");
	d = nc_new_dom(_metadata, c, 16);
	e = nc_new_dom(_metadata, c, 16);
	EXPECT_EQ(r0 + 2, nc_module_refcnt());
	ASSERT_OK(raw_destroy(c->fd, d));
	EXPECT_EQ(r0 + 1, nc_module_refcnt());
	ASSERT_OK(raw_destroy(c->fd, e));
	EXPECT_EQ(r0, nc_module_refcnt());
	EXPECT_ERR(ESRCH, raw_destroy(c->fd, e));
	EXPECT_EQ(r0, nc_module_refcnt());

	/* One held page: one reference, whose domain is gone. */
	nc_held_page(_metadata, c, pin);
	ASSERT_EQ(1, nc_host(_metadata, c).total_held_pages);
	EXPECT_EQ(r0 + 1, nc_module_refcnt());
	close(pin[0]);
	close(pin[1]);
	EXPECT_EQ(0, nc_wait_held(_metadata, c, NC_REAP_WAIT_MS));
	EXPECT_EQ(r0, nc_module_refcnt());
}

/* The module's debug= bits, or -1. */
static long nc_debug_param(void)
{
	return nc_sysfs_long("/sys/module/numaclaims/parameters/debug");
}

/* debugfs populate_hooks (debug=1): fail the next store of page @at. */
static int nc_populate_hooks(unsigned int at, unsigned int delay_ms)
{
	int fd = open(NC_DEBUGFS "/populate_hooks", O_WRONLY), n, ret;
	char buf[32];

	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%u %u", at, delay_ms);
	ret = write(fd, buf, n) == n ? 0 : -errno;
	close(fd);
	return ret;
}

/*
 * Populate's undo when an extent cannot enter the physmap whole.  With
 * debug=8 the physmap stores an extent page by page, as on a kernel without
 * CONFIG_XARRAY_MULTI, and the hook fails the store of page 9 of 16 after a
 * wait: pages 1-8 are visible meanwhile, and this process maps, writes and
 * pins (vmsplice) them while a child's populate waits.  After its ENOMEM
 * (0 extents done) every gfn raises SIGBUS (the undo unmapped them), the
 * domain has no page, and the pinned page is held: not freed under the
 * pipe, not cleared while the pipe reads it.  Once the pipe goes the reaper
 * takes it back and the teardown finds every counter at its baseline.
 * Without debug=8 a store is one multi-index entry, all or nothing: the
 * same failure at page 1 leaves nothing visible, and everything back.
 */
TEST_F(mmap, populate_undo_unmaps_and_holds)
{
	struct nc_ctx *c = &self->ctx;
	long dbg = nc_debug_param();
	bool per_page = dbg > 0 && (dbg & 8);
	unsigned int at = per_page ? 9 : 1, i;
	__u64 g = 0, done, *p, v, buf[NC_PAGE / 8];
	struct numaclaims_domain_info di;
	int dfd, pin[2], status, t;
	pid_t pid;
	__u32 d;

	if (nc_populate_hooks(0, 0))
		SKIP(return, "no debugfs %s/populate_hooks (debug=1)",
		     NC_DEBUGFS);
	if (c->base.total_held_pages)
		SKIP(return, "pages already held");
	d = nc_new_dom(_metadata, c, 64);
	p = nc_open_map(_metadata, c, d, 0, 16, &dfd);
	ASSERT_OK(nc_populate_hooks(at, per_page ? 4000 : 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ret = raw_populate(c->fd, d, &g, 1, 4, 0, &done);

		_exit(ret == -ENOMEM && done == 0 ? 0 : 1);
	}
	if (per_page) {
		/* Pages 1-8 appear: write each, pin the first. */
		for (t = 0; t < 3000 && nc_bus_on_read(p); t += 5)
			usleep(5000);
		ASSERT_EQ(0, nc_bus_on_read(p)) TH_LOG("gfn 0 never appeared");
		for (i = 0; i < at - 1; i++) {
			v = 0x5eed0000ULL + i;
			EXPECT_EQ(0, nc_access(p + i * NC_PAGE / 8, true, &v)) {
				TH_LOG("gfn %u: SIGBUS before the store failed",
				       i);
			}
		}
		nc_vmsplice_pin(_metadata, p, pin);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("populate did not fail with ENOMEM, 0 extents done");
	for (i = 0; i < 16; i++) {
		EXPECT_EQ(1, nc_bus_on_read(p + i * NC_PAGE / 8)) {
			TH_LOG("gfn %u still mapped after the undo", i);
		}
	}
	ASSERT_OK(raw_dom_info(c->fd, d, &di));
	EXPECT_EQ(0, di.tot_pages);
	EXPECT_INVARIANTS();
	if (per_page) {
		EXPECT_EQ(1, nc_host(_metadata, c).total_held_pages)
			TH_LOG("the pinned page was not held");
		ASSERT_EQ((ssize_t)NC_PAGE, read(pin[0], buf, NC_PAGE));
		EXPECT_EQ(0x5eed0000ULL, buf[0])
			TH_LOG("the pinned page changed under its pipe");
		close(pin[0]);
		close(pin[1]);
		EXPECT_EQ(0, nc_wait_held(_metadata, c, NC_REAP_WAIT_MS));
	}
	EXPECT_EQ(c->base.total_held_pages,
		  nc_host(_metadata, c).total_held_pages);
	nc_close_map(p, 16, dfd);
	ASSERT_OK(raw_destroy(c->fd, d));
}

/* The PFN behind @addr (/proc/self/pagemap; root), or 0. */
static __u64 nc_pfn(const void *addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	__u64 e = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (off_t)((uintptr_t)addr / NC_PAGE) * 8) != 8)
		e = 0;
	close(fd);
	return (e >> 63) ? e & ((1ULL << 55) - 1) : 0;
}

/* Is @pfn hardware-poisoned (/proc/kpageflags, KPF_HWPOISON)? */
static bool nc_pfn_poisoned(__u64 pfn)
{
	int fd = open("/proc/kpageflags", O_RDONLY);
	__u64 flags = 0;

	if (fd < 0)
		return false;
	if (pread(fd, &flags, 8, (off_t)pfn * 8) != 8)
		flags = 0;
	close(fd);
	return flags & (1ULL << 19);
}

/*
 * Poison @pfn as memory_failure() does on a page it cannot handle
 * (/sys/devices/system/memory/hard_offline_page): for a pool page the
 * write fails ("unhandlable page") but the flag is set.  Returns whether
 * @pfn is poisoned now.
 */
static bool nc_hard_offline(__u64 pfn)
{
	FILE *f = fopen("/sys/devices/system/memory/hard_offline_page", "w");

	if (f) {
		fprintf(f, "%#llx\n", (unsigned long long)pfn * NC_PAGE);
		fclose(f);
	}
	return nc_pfn_poisoned(pfn);
}

/*
 * debugfs nodes: the retired_pages column of @node (@sp: the
 * retired_superpages one), or -1.
 */
static long long nc_retired_of(unsigned int node, bool sp)
{
	char *text = nc_slurp(NC_DEBUGFS "/nodes"), *line, *save;
	unsigned long long v[8];
	long long r = -1;
	unsigned int n;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%u %llu %llu %llu %llu %llu %llu %llu %llu",
			   &n, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7]) == 9 && n == node)
			r = v[sp ? 7 : 6];
	free(text);
	return r;
}

static long long nc_retired(unsigned int node)
{
	return nc_retired_of(node, false);
}

/* Populate every available page of @node into a new domain and map it:
 * returns how many pages it got; *@hit is set if one of them is @pfn. */
static __u64 nc_fill_node_pfns(struct __test_metadata *_metadata,
			       struct nc_ctx *c, unsigned int node, __u64 pfn,
			       bool *hit)
{
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	__u64 avail = hi.nodes[node].avail_pages, done = 0, i, *q;
	int efd, ret;
	__u32 e;

	*hit = false;
	e = nc_new_dom(_metadata, c, avail + 16);
	ret = raw_populate_range(c->fd, e, 0, avail, 0,
				NC_NODE(node) | NC_EXACT, &done);
	TH_LOG("populate of all %llu available pages of node %u: %s, %llu done",
	       (unsigned long long)avail, node, ret ? raw_errname(ret) : "ok",
	       (unsigned long long)done);
	if (done) {
		q = nc_open_map(_metadata, c, e, 0, done, &efd);
		for (i = 0; i < done; i++) {
			volatile __u64 x = q[i * NC_PAGE / 8];

			(void)x;
			*hit |= nc_pfn(q + i * NC_PAGE / 8) == pfn;
		}
		nc_close_map(q, done, efd);
	}
	EXPECT_OK(raw_destroy(c->fd, e));
	return done;
}

/*
 * A hardware-poisoned page is retired, never handed out again.  The page
 * stays poisoned in this kernel for good and leaves the pool short, so the
 * test runs only with NC_POISON=1, on a module of its own (tests/guest/selftests.sh's
 * poison step).  Two ways in, as memory_failure() leaves a page:
 *  - mapped, MADV_HWPOISON: memory_failure() keeps a reference for good,
 *    so when its domain is destroyed the page is held, and the reaper
 *    retires it (without touching it);
 *  - free in the pool (decreased first), /sys/devices/system/memory/
 *    hard_offline_page: no reference; the scrubber leaves it alone and the
 *    allocation that takes it retires it (that populate gets one page
 *    less: ENOMEM).
 * Either way every page of the node is then populated and mapped, and none
 * is the poisoned one; HOST_INFO counts it offlined and debugfs nodes
 * retired, and no online brings it back.
 */
TEST_F(mmap, poisoned_page_retired)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	__u64 g = 0, done, pfn, pfn2, avail, *p, retired = 1;
	struct numaclaims_host_info hi;
	long long r0 = nc_retired(n);
	bool hit, held_path;
	int dfd, ret;
	__u32 d;

	if (!getenv("NC_POISON"))
		SKIP(return, "NC_POISON=1 poisons a page for good (tests/guest/selftests.sh's poison step)");
	if (r0 < 0)
		SKIP(return, "no debugfs %s/nodes", NC_DEBUGFS);
	d = nc_new_dom(_metadata, c, 64);
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 0, NC_NODE(n) | NC_EXACT,
			      &done));
	p = nc_open_map(_metadata, c, d, 0, 1, &dfd);
	p[0] = 0x9015011ULL;
	pfn = nc_pfn(p);
	ASSERT_NE(0, pfn) TH_LOG("no PFN in /proc/self/pagemap");
	ret = madvise(p, NC_PAGE, MADV_HWPOISON);
	if (ret && (errno == EINVAL || errno == EPERM || errno == ENOSYS))
		SKIP(return, "MADV_HWPOISON: %s (CONFIG_MEMORY_FAILURE?)",
		     strerror(errno));
	TH_LOG("MADV_HWPOISON on pfn %#llx: %s", (unsigned long long)pfn,
	       ret ? strerror(errno) : "ok");
	ASSERT_TRUE(nc_pfn_poisoned(pfn)) TH_LOG("the page is not poisoned");
	nc_close_map(p, 1, dfd);
	ASSERT_OK(raw_destroy(c->fd, d));
	EXPECT_EQ(c->base.total_held_pages,
		  nc_wait_held(_metadata, c, NC_REAP_WAIT_MS))
		TH_LOG("the poisoned page stayed held");
	/*
	 * Retired by the reaper if memory_failure() kept its reference (6.1
	 * does); else free, and retired by the fill that takes it.
	 */
	held_path = nc_retired(n) == r0 + 1;
	TH_LOG("retired %s", held_path ? "by the reaper (held)" :
	       "not yet (free): by the allocation");
	hi = nc_host(_metadata, c);
	avail = hi.nodes[n].avail_pages - !held_path;
	EXPECT_EQ(avail, nc_fill_node_pfns(_metadata, c, n, pfn, &hit));
	EXPECT_FALSE(hit) TH_LOG("the poisoned page was handed out");
	EXPECT_EQ(r0 + 1, nc_retired(n));

	/* A free page poisoned: retired by the allocation that takes it. */
	g = 0;
	d = nc_new_dom(_metadata, c, 64);
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 0, NC_NODE(n) | NC_EXACT,
			      &done));
	p = nc_open_map(_metadata, c, d, 0, 1, &dfd);
	p[0] = 0x9015022ULL;
	pfn2 = nc_pfn(p);
	nc_close_map(p, 1, dfd);
	ASSERT_OK(raw_decrease(c->fd, d, &g, 1, 0, &done));
	ASSERT_OK(raw_destroy(c->fd, d));
	if (nc_hard_offline(pfn2)) {
		EXPECT_EQ(avail - 1, nc_fill_node_pfns(_metadata, c, n, pfn2,
						       &hit));
		EXPECT_FALSE(hit) TH_LOG("the poisoned free page was handed out");
		EXPECT_EQ(avail - 1, nc_fill_node_pfns(_metadata, c, n, pfn2,
						       &hit));
		EXPECT_FALSE(hit);
		retired = 2;
	} else {
		TH_LOG("hard_offline_page did not poison pfn %#llx: the free-page case is not run",
		       (unsigned long long)pfn2);
	}

	hi = nc_host(_metadata, c);
	EXPECT_EQ(c->base.nodes[n].offlined_pages + retired,
		  hi.nodes[n].offlined_pages);
	EXPECT_EQ(c->base.nodes[n].avail_pages - retired,
		  hi.nodes[n].avail_pages);
	EXPECT_EQ(r0 + retired, nc_retired(n));
	/* Not onlined by anyone: the online of one page more is refused. */
	EXPECT_ERR(EINVAL, raw_online(c->fd, n, 1));
	EXPECT_INVARIANTS();
	/* For the teardown: the pool is short, for good. */
	c->base.nodes[n].offlined_pages += retired;
	c->base.nodes[n].avail_pages -= retired;
	c->base.total_avail_pages -= retired;
}

/*
 * The reaper's work follows the pages held, not the pool: with one page
 * held, every pass visits exactly one frame (debugfs "reaper"), and while
 * nothing is reaped the passes back off (the interval doubles from 50 ms);
 * a newly held page brings the interval back at once; once the pipes let
 * go both pages are reaped, passes stop, and the interval is 50 ms again.
 */
TEST_F(mmap, reaper_visits_held_pages_and_backs_off)
{
	struct nc_ctx *c = &self->ctx;
	struct nc_reaper r0, r1, r2;
	int pin1[2], pin2[2], t;

	if (nc_reaper(&r0, false))
		SKIP(return, "no debugfs %s/reaper", NC_DEBUGFS);
	if (c->base.total_held_pages)
		SKIP(return, "pages already held");
	nc_held_page(_metadata, c, pin1);
	ASSERT_EQ(1, nc_host(_metadata, c).total_held_pages);
	ASSERT_OK(nc_reaper(&r0, false));
	/*
	 * Passes about 50, 100, 200 and 400 ms after the destroy (the first
	 * follows the kick and keeps 50 ms, each next one doubles): then the
	 * interval is 400 ms.  TCG may be slower; the loop waits.
	 */
	for (t = 0; t < 15000; t += 50) {
		ASSERT_OK(nc_reaper(&r1, false));
		if (r1.passes - r0.passes >= 4 && r1.interval_ms >= 400)
			break;
		usleep(50000);
	}
	TH_LOG("one page held: %llu passes, %llu frames visited, interval %u ms",
	       (unsigned long long)(r1.passes - r0.passes),
	       (unsigned long long)(r1.visited - r0.visited), r1.interval_ms);
	EXPECT_LE(4, r1.passes - r0.passes);
	EXPECT_EQ(r1.passes - r0.passes, r1.visited - r0.visited);
	EXPECT_EQ(1, r1.last_visited);
	EXPECT_EQ(1, r1.still_held);
	EXPECT_EQ(r0.reaped, r1.reaped);
	EXPECT_LE(400, r1.interval_ms);
	EXPECT_GE(5000, r1.interval_ms);

	/*
	 * A second held page: the interval is back to 50 ms at once.  Each
	 * pass since then that reaped nothing may have doubled it again, so
	 * the bound is 50 ms << passes since r1.
	 */
	nc_held_page(_metadata, c, pin2);
	ASSERT_OK(nc_reaper(&r2, false));
	TH_LOG("second page held: interval %u ms after %llu more passes",
	       r2.interval_ms, (unsigned long long)(r2.passes - r1.passes));
	if (r2.passes - r1.passes < 3)
		EXPECT_GE(52U << (r2.passes - r1.passes), r2.interval_ms);

	close(pin1[0]);
	close(pin1[1]);
	close(pin2[0]);
	close(pin2[1]);
	EXPECT_EQ(0, nc_wait_held(_metadata, c, NC_REAP_WAIT_MS));
	/* The pass that reaped them has ended: nothing queued, back to 50 ms. */
	ASSERT_OK(nc_reaper(&r1, false));
	EXPECT_EQ(r0.reaped + 2, r1.reaped);
	EXPECT_EQ(0, r1.still_held);
	EXPECT_EQ(0, r1.queued);
	/* 50 ms in jiffies (HZ 250: 48 or 52 ms, HZ 1000: 50) */
	EXPECT_LE(40, r1.interval_ms);
	EXPECT_GE(52, r1.interval_ms);
	usleep(300000);
	ASSERT_OK(nc_reaper(&r2, false));
	EXPECT_EQ(r1.passes, r2.passes);
}

/*
 * The gfn array of populate and decrease may live in the domain's own
 * mapping: the fault it takes must not wait for the domain's lock.
 */
TEST_F(mmap, gfn_array_in_own_mapping)
{
	struct nc_ctx *c = &self->ctx;
	__u64 done, *p;
	int dfd;
	__u32 d;

	p = nc_one_page_domain(_metadata, c, &d, &dfd);
	/* Drop the pte so that populate's read of the array faults. */
	ASSERT_EQ(0, madvise(p, NC_PAGE, MADV_DONTNEED));
	p[0] = 5;
	p[1] = 6;
	ASSERT_EQ(0, madvise(p, NC_PAGE, MADV_DONTNEED));
	EXPECT_OK(raw_populate(c->fd, d, p, 2, 0, 0, &done));
	EXPECT_EQ(2, done);
	EXPECT_EQ(3, nc_dom(_metadata, c, d).tot_pages);
	ASSERT_EQ(0, madvise(p, NC_PAGE, MADV_DONTNEED));
	EXPECT_OK(raw_decrease(c->fd, d, p, 2, 0, &done));
	EXPECT_EQ(1, nc_dom(_metadata, c, d).tot_pages);
	nc_close_map(p, 1, dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* A forked child shares the mapping; decrease unmaps it in the child too. */
TEST_F(mmap, fork_child_mapping_unmapped)
{
	struct nc_ctx *c = &self->ctx;
	__u64 done, g = 0, *p;
	int dfd, status, go[2], back[2];
	char x = 0;
	pid_t pid;
	__u32 d;

	p = nc_one_page_domain(_metadata, c, &d, &dfd);
	p[0] = 77;
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(back));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int bad = p[0] != 77;

		if (write(back[1], &x, 1) != 1 || read(go[0], &x, 1) != 1)
			_exit(3);
		_exit(bad ? 2 : nc_bus_on_read(p) ? 0 : 1);
	}
	ASSERT_EQ(1, read(back[0], &x, 1));
	ASSERT_OK(raw_decrease(c->fd, d, &g, 1, 0, &done));
	ASSERT_EQ(1, write(go[1], &x, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("child: 1 = still mapped after decrease, 2 = did not see the data");
	close(go[0]); close(go[1]); close(back[0]); close(back[1]);
	nc_close_map(p, 1, dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* HOST_INFO at its version-1 size: accepted, and nothing written past it. */
TEST_F(mmap, host_info_version1_size)
{
	struct nc_ctx *c = &self->ctx;
	unsigned char buf[sizeof(struct numaclaims_host_info)];
	struct numaclaims_host_info full = nc_host(_metadata, c);
	unsigned int k;

	memset(buf, 0xaa, sizeof(buf));
	EXPECT_OK(raw_ioc(c->fd, NC_IOC_RESIZE(NUMACLAIMS_IOC_HOST_INFO,
					      NUMACLAIMS_HOST_INFO_SIZE_VER1),
			 buf));
	EXPECT_EQ(0, memcmp(buf, &full, NUMACLAIMS_HOST_INFO_SIZE_VER1));
	for (k = NUMACLAIMS_HOST_INFO_SIZE_VER1; k < sizeof(buf); k++)
		if (buf[k] != 0xaa)
			break;
	EXPECT_EQ(sizeof(buf), k);
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NC_IOC_RESIZE(NUMACLAIMS_IOC_HOST_INFO,
				  NUMACLAIMS_HOST_INFO_SIZE_VER1 - 8), buf));
	EXPECT_EQ(NUMACLAIMS_API_VERSION,
		  ioctl(c->fd, NUMACLAIMS_IOC_API_VERSION));
}
