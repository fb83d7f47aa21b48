// SPDX-License-Identifier: GPL-2.0
/*
 * nc_superpage.c - superpages (API version 4): superpage claims protect
 * whole 2 MiB blocks whatever other domains do, an order-9 populate redeems
 * them, a superpage is mapped by one PMD (one fault per 2 MiB, smaps
 * FilePmdMapped) while an order-9 block of 4 KiB pages is not, Linux's view
 * of PMD-mapped memory (move_pages(2), numa_maps, GUP through vmsplice and
 * process_vm_readv) agrees, a superpage is decreased whole only, and a
 * pinned superpage is held, whole, and comes back zeroed.
 *
 * Every test needs superpages on the first pool node and SKIPs without
 * them: tests/guest/selftests.sh runs "numaclaims_test superpage." again after loading the
 * module with superpage_pool_mb.
 * #included by numaclaims_test.c (one translation unit, see there).
 */
#include <sys/resource.h>

NC_FIXTURE(superpage);

#define NC_SP_BYTES	(NC_SP_PAGES * NC_PAGE)

/* Free superpages of node @n. */
static __u64 nc_sp_free(const struct numaclaims_host_info *hi, unsigned int n)
{
	return hi->superpages[n].free_pages / NC_SP_PAGES;
}

/* SKIP unless the first pool node has at least @k free superpages. */
#define NC_NEED_SUPERPAGES(c, k) do {					\
	if (nc_sp_free(&(c)->base, (c)->pool[0]) < (k))			\
		SKIP(return, "needs %d superpages on node %u, it has %llu (load with superpage_pool_mb)", \
		     (k), (c)->pool[0],					\
		     (unsigned long long)nc_sp_free(&(c)->base, (c)->pool[0])); \
} while (0)

/* A kB field of /proc/self/smaps for the mapping that starts at @addr. */
static long nc_smaps_kb(void *addr, const char *field)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	size_t len = strlen(field);
	unsigned long start, end;
	char line[512];
	bool in = false;
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in = start == (unsigned long)addr;
			continue;
		}
		if (in && !strncmp(line, field, len) && line[len] == ':') {
			kb = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

static long nc_minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* Write a pattern of its own gfn into the first word of every page. */
static void nc_sp_write_gfns(__u64 *p, __u64 first_gfn, __u64 pages)
{
	__u64 i;

	for (i = 0; i < pages; i++)
		p[i * NC_PAGE / 8] = 0x5000000000000000ULL | (first_gfn + i);
}

/* Wait up to @ms for node @n's held superpages to be released. */
static __u64 nc_wait_sp_held(struct __test_metadata *_metadata,
			     struct nc_ctx *c, unsigned int n, unsigned int ms)
{
	__u64 held = 0;
	unsigned int t;

	for (t = 0; t <= ms; t += 10) {
		held = nc_host(_metadata, c).superpages[n].held_pages;
		if (!held)
			break;
		usleep(10000);
	}
	return held;
}

/* HOST_INFO reports every node's superpages; none outstanding at rest. */
TEST_F(superpage, host_info)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int i;

	NC_NEED_SUPERPAGES(c, 1);
	for (i = 0; i < c->nr_pool; i++) {
		const struct numaclaims_node_superpages *s =
			&c->base.superpages[c->pool[i]];

		EXPECT_EQ(0, s->reserved_pages % NC_SP_PAGES);
		EXPECT_EQ(s->reserved_pages, s->free_pages);
		EXPECT_EQ(0, s->outstanding_claims);
		EXPECT_EQ(0, s->held_pages);
	}
	EXPECT_EQ(0, c->base.superpages[c->no_pool_node].reserved_pages);
}

/*
 * Claim sets with superpage entries: installed atomically with 4 KiB
 * entries, read back in the documented order, and refused in the
 * documented order with nothing changed.
 */
TEST_F(superpage, claim_set_get_and_errors)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	__u64 sps = nc_sp_free(&c->base, n);
	struct numaclaims_claim got[8];
	struct numaclaims_domain_info di;
	struct numaclaims_host_info hi;
	__u32 d, nr = 8;

	NC_NEED_SUPERPAGES(c, 1);
	d = nc_new_dom(_metadata, c, 1ULL << 30);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(100, n), SPCLAIM(NC_SP_PAGES, n),
			 CLAIM(7, NC_HOST)));
	ASSERT_OK(raw_claim_get(c->fd, d, got, &nr));
	ASSERT_EQ(3, nr);
	EXPECT_EQ(100, got[0].pages);
	EXPECT_EQ(n, got[0].target);
	EXPECT_EQ(0, got[0].cmd);
	EXPECT_EQ(NC_SP_PAGES, got[1].pages);
	EXPECT_EQ(n, got[1].target);
	EXPECT_EQ(NUMACLAIMS_CLAIM_SUPERPAGES, got[1].cmd);
	EXPECT_EQ(NC_HOST, got[2].target);
	nr = 2;
	EXPECT_ERR(ERANGE, raw_claim_get(c->fd, d, got, &nr));
	EXPECT_EQ(3, nr);
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(NC_SP_PAGES, di.superpage_claims[n]);
	EXPECT_EQ(107, di.outstanding_pages);	/* superpages not in it */
	hi = nc_host(_metadata, c);
	EXPECT_EQ(NC_SP_PAGES, hi.superpages[n].outstanding_claims);
	EXPECT_EQ(c->base.superpages[n].free_pages, hi.superpages[n].free_pages);

	/* Refusals: each changes nothing. */
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, SPCLAIM(NC_SP_PAGES + 1, n)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, SPCLAIM(NC_SP_PAGES, NC_HOST)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, SPCLAIM(NC_SP_PAGES, NC_LEGACY)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, SPCLAIM(NC_SP_PAGES, n),
				  SPCLAIM(NC_SP_PAGES, n)));
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, ((struct numaclaims_claim){
				  .pages = 1, .target = n, .cmd = 2 })));
	EXPECT_ERR(ENOENT, NC_SET(c->fd, d, SPCLAIM(NC_SP_PAGES,
						     c->no_pool_node)));
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, d, SPCLAIM((sps + 1) * NC_SP_PAGES,
						     n)));
	/* A bad entry after a good one: EINVAL, still nothing changed. */
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, SPCLAIM(NC_SP_PAGES, n),
				  SPCLAIM(3, n)));
	/* Over max_pages counting superpage claims: EINVAL. */
	EXPECT_OK(raw_set_max(c->fd, d, NC_SP_PAGES));
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(0, di.outstanding_pages);	/* recalled first */
	EXPECT_EQ(NC_SP_PAGES, di.superpage_claims[n]);
	EXPECT_ERR(EINVAL, NC_SET(c->fd, d, SPCLAIM(NC_SP_PAGES, n),
				  CLAIM(1, n)));
	nr = 8;
	ASSERT_OK(raw_claim_get(c->fd, d, got, &nr));
	ASSERT_EQ(1, nr);
	EXPECT_EQ(NUMACLAIMS_CLAIM_SUPERPAGES, got[0].cmd);
	/* The legacy single claim does not mix with superpage claims. */
	EXPECT_ERR(EINVAL, raw_claim_pages(c->fd, d, 10));
	/* All of the node's superpages: fine; {0, HOST} clears them. */
	EXPECT_OK(raw_set_max(c->fd, d, 1ULL << 30));
	EXPECT_OK(NC_SET(c->fd, d, SPCLAIM(sps * NC_SP_PAGES, n)));
	EXPECT_EQ(sps * NC_SP_PAGES,
		  nc_host(_metadata, c).superpages[n].outstanding_claims);
	EXPECT_OK(NC_SET(c->fd, d, CLAIM(0, NC_HOST)));
	EXPECT_EQ(0, nc_host(_metadata, c).superpages[n].outstanding_claims);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

/*
 * Protection: with every superpage of the node claimed by one domain, no
 * other domain gets one (its order-9 populate falls back to 4 KiB pages,
 * or fails with MEMF_SUPERPAGE), however much 4 KiB memory it takes; the
 * owner then gets every one of them as superpages.
 */
TEST_F(superpage, claim_protects_superpages)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	__u64 sps = nc_sp_free(&c->base, n), done, g = 0, avail;
	struct numaclaims_domain_info di;
	struct numaclaims_host_info hi;
	__u32 a, b;

	NC_NEED_SUPERPAGES(c, 1);
	a = nc_new_dom(_metadata, c, 1ULL << 30);
	b = nc_new_dom(_metadata, c, 1ULL << 30);
	ASSERT_OK(NC_SET(c->fd, a, SPCLAIM(sps * NC_SP_PAGES, n)));

	EXPECT_ERR(ENOMEM, raw_populate(c->fd, b, &g, 1, 9,
				       NC_NODE(n) | NC_EXACT | NC_SUPER,
				       &done));
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, b, &g, 1, 9,
				       NC_NODE(n) | NC_EXACT | NC_SUPER |
				       NC_NOREF, &done));
	/* b takes every 4 KiB page of the node, an order-9 block first. */
	ASSERT_OK(raw_populate(c->fd, b, &g, 1, 9, NC_NODE(n) | NC_EXACT,
			      &done));
	avail = nc_host(_metadata, c).nodes[n].avail_pages;
	ASSERT_OK(raw_populate_range(c->fd, b, NC_SP_PAGES, avail, 0,
				    NC_NODE(n) | NC_EXACT, &done));
	di = nc_dom(_metadata, c, b);
	EXPECT_EQ(0, di.superpage_pages[n]);
	EXPECT_EQ(NC_SP_PAGES + avail, di.node_pages[n]);
	hi = nc_host(_metadata, c);
	EXPECT_EQ(0, hi.nodes[n].avail_pages);
	EXPECT_EQ(sps, nc_sp_free(&hi, n));
	EXPECT_INVARIANTS();

	/* The owner gets all of them, as superpages, redeeming its claim. */
	ASSERT_OK(raw_populate_range(c->fd, a, 0, sps, 9, NC_NODE(n) | NC_EXACT,
				    &done));
	di = nc_dom(_metadata, c, a);
	EXPECT_EQ(sps * NC_SP_PAGES, di.superpage_pages[n]);
	EXPECT_EQ(sps * NC_SP_PAGES, di.node_pages[n]);
	EXPECT_EQ(0, di.superpage_claims[n]);
	hi = nc_host(_metadata, c);
	EXPECT_EQ(0, hi.superpages[n].free_pages);
	EXPECT_EQ(0, hi.superpages[n].outstanding_claims);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, b));
	EXPECT_OK(raw_destroy(c->fd, a));
}

/*
 * Redeem order: an order-9 populate on a node where the domain has a
 * superpage claim takes a superpage and redeems that claim first; without
 * one it takes an unclaimed superpage and redeems the 4 KiB claim.  A 4 KiB
 * allocation that would leave tot_pages + claims above max_pages gives up
 * a superpage claim, whole.
 */
TEST_F(superpage, redeem_order)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	struct numaclaims_domain_info di;
	__u64 done, g = 0;
	__u32 d;

	NC_NEED_SUPERPAGES(c, 2);
	d = nc_new_dom(_metadata, c, 1ULL << 30);
	ASSERT_OK(NC_SET(c->fd, d, SPCLAIM(NC_SP_PAGES, n),
			 CLAIM(NC_SP_PAGES, n)));
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 9, NC_NODE(n) | NC_EXACT,
			      &done));
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(0, di.superpage_claims[n]);
	EXPECT_EQ(NC_SP_PAGES, di.claims[n]);
	EXPECT_EQ(NC_SP_PAGES, di.superpage_pages[n]);
	g = NC_SP_PAGES;
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 9, NC_NODE(n) | NC_EXACT,
			      &done));
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(0, di.claims[n]);
	EXPECT_EQ(2 * NC_SP_PAGES, di.superpage_pages[n]);
	EXPECT_EQ(2 * NC_SP_PAGES, di.tot_pages);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));

	/* max_pages: a 4 KiB page gives up a whole superpage claim. */
	d = nc_new_dom(_metadata, c, 2 * NC_SP_PAGES);
	ASSERT_OK(NC_SET(c->fd, d, SPCLAIM(2 * NC_SP_PAGES, n)));
	g = 0;
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 0, NC_NODE(n), &done));
	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(NC_SP_PAGES, di.superpage_claims[n]);
	EXPECT_EQ(1, di.tot_pages);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* MEMF_SUPERPAGE is for order-9 extents only. */
TEST_F(superpage, memf_superpage_needs_order_9)
{
	struct nc_ctx *c = &self->ctx;
	__u64 done, g = 0;
	__u32 d = nc_new_dom(_metadata, c, 1ULL << 20);

	EXPECT_ERR(EINVAL, raw_populate(c->fd, d, &g, 1, 0, NC_SUPER, &done));
	EXPECT_ERR(EINVAL, raw_populate(c->fd, d, &g, 1, 8, NC_SUPER, &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(0, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/*
 * Two superpages mapped 2 MiB-aligned: one fault each, FilePmdMapped, and
 * Linux's view of the memory agrees: move_pages(2), numa_maps, GUP
 * (vmsplice) and process_vm_readv read what was written.
 */
TEST_F(superpage, pmd_mapped)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	__u64 done, i, *p, buf[NC_PAGE / 8], per_node[NUMACLAIMS_MAX_NODES];
	const __u64 pages = 2 * NC_SP_PAGES;
	int dfd, pipefd[2], *status;
	struct iovec local, remote;
	ssize_t got;
	long flt;
	__u32 d;

	NC_NEED_SUPERPAGES(c, 2);
	d = nc_new_dom(_metadata, c, 1ULL << 20);
	ASSERT_OK(NC_SET(c->fd, d, SPCLAIM(pages, n)));
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 2, 9, NC_NODE(n) | NC_EXACT |
				    NC_SUPER, &done));
	ASSERT_EQ(pages, nc_dom(_metadata, c, d).superpage_pages[n]);
	p = nc_open_map(_metadata, c, d, 0, pages, &dfd);
	EXPECT_EQ(0, (uintptr_t)p % NC_SP_BYTES)
		TH_LOG("mmap of 4 MiB returned %p, not 2 MiB-aligned", p);

	flt = nc_minflt();
	nc_sp_write_gfns(p, 0, pages);
	flt = nc_minflt() - flt;
	EXPECT_GE(8, flt) TH_LOG("%ld faults for 2 superpages", flt);
	EXPECT_EQ(4096, nc_smaps_kb(p, "FilePmdMapped"));

	status = calloc(pages, sizeof(*status));
	ASSERT_NE(NULL, status);
	ASSERT_OK(nc_move_pages_status(p, pages, status));
	for (i = 0; i < pages; i++)
		if (status[i] != (int)n)
			break;
	EXPECT_EQ(pages, i) TH_LOG("page %llu: move_pages says %d, not %u",
				   (unsigned long long)i, status[i], n);
	free(status);
	EXPECT_EQ((long)pages, nc_numa_maps(p, per_node));
	EXPECT_EQ(pages, per_node[n]);

	/* GUP on a PMD-mapped tail page: vmsplice, then the pipe's copy. */
	nc_vmsplice_pin(_metadata, p + 700 * NC_PAGE / 8, pipefd);
	ASSERT_EQ((ssize_t)NC_PAGE, read(pipefd[0], buf, NC_PAGE));
	EXPECT_EQ(0x5000000000000000ULL | 700, buf[0]);
	close(pipefd[0]);
	close(pipefd[1]);
	/* process_vm_readv (GUP from another mm's view: our own pid). */
	local.iov_base = buf;
	local.iov_len = NC_PAGE;
	remote.iov_base = p + 1023 * NC_PAGE / 8;
	remote.iov_len = NC_PAGE;
	got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (got < 0 && errno == ENOSYS) {
		/*
		 * A kernel without CROSS_MEMORY_ATTACH (the debug kernel):
		 * /proc/PID/mem reads through remote GUP too.
		 */
		int mfd = open("/proc/self/mem", O_RDONLY);

		ASSERT_LE(0, mfd);
		TH_LOG("no process_vm_readv: /proc/self/mem instead");
		got = pread(mfd, buf, NC_PAGE, (off_t)(uintptr_t)remote.iov_base);
		close(mfd);
	}
	ASSERT_EQ((ssize_t)NC_PAGE, got);
	EXPECT_EQ(0x5000000000000000ULL | 1023, buf[0]);
	nc_close_map(p, pages, dfd);
	EXPECT_EQ(0, nc_wait_sp_held(_metadata, c, n, NC_REAP_WAIT_MS));
	EXPECT_OK(raw_destroy(c->fd, d));
}

/*
 * An order-9 block of 4 KiB pages (no superpage the domain may take) is
 * mapped by 512 PTEs: the contrast that shows pmd_mapped measures PMDs.
 */
TEST_F(superpage, order9_block_of_4k_pages_uses_ptes)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	__u64 sps = nc_sp_free(&c->base, n), done, g = 0, *p;
	__u32 owner, d;
	long flt;
	int dfd;

	NC_NEED_SUPERPAGES(c, 1);
	owner = nc_new_dom(_metadata, c, 1ULL << 30);
	ASSERT_OK(NC_SET(c->fd, owner, SPCLAIM(sps * NC_SP_PAGES, n)));
	d = nc_new_dom(_metadata, c, 1ULL << 20);
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 9, NC_NODE(n) | NC_EXACT,
			      &done));
	ASSERT_EQ(0, nc_dom(_metadata, c, d).superpage_pages[n]);
	p = nc_open_map(_metadata, c, d, 0, NC_SP_PAGES, &dfd);
	flt = nc_minflt();
	nc_sp_write_gfns(p, 0, NC_SP_PAGES);
	flt = nc_minflt() - flt;
	EXPECT_LE((long)NC_SP_PAGES, flt);
	EXPECT_EQ(0, nc_smaps_kb(p, "FilePmdMapped"));
	nc_close_map(p, NC_SP_PAGES, dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_OK(raw_destroy(c->fd, owner));
}

/*
 * A mapping whose 2 MiB are not aligned to the superpage maps its pages by
 * PTEs (tail pages of the folio), with the same data.
 */
TEST_F(superpage, unaligned_mapping_uses_ptes)
{
	struct nc_ctx *c = &self->ctx;
	__u64 done, i, *p, *q;
	int dfd, dfd2;
	__u32 d;

	NC_NEED_SUPERPAGES(c, 1);
	d = nc_new_dom(_metadata, c, 1ULL << 20);
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 1, 9, NC_SUPER, &done));
	p = nc_open_map(_metadata, c, d, 0, NC_SP_PAGES, &dfd);
	nc_sp_write_gfns(p, 0, NC_SP_PAGES);
	q = nc_open_map(_metadata, c, d, 1, NC_SP_PAGES - 1, &dfd2);
	for (i = 0; i < NC_SP_PAGES - 1; i++)
		if (q[i * NC_PAGE / 8] != (0x5000000000000000ULL | (i + 1)))
			break;
	EXPECT_EQ(NC_SP_PAGES - 1, i);
	EXPECT_EQ(0, nc_smaps_kb(q, "FilePmdMapped"));
	EXPECT_EQ(2048, nc_smaps_kb(p, "FilePmdMapped"));
	q[5 * NC_PAGE / 8] = 77;
	EXPECT_EQ(77, p[6 * NC_PAGE / 8]);
	nc_close_map(q, NC_SP_PAGES - 1, dfd2);
	nc_close_map(p, NC_SP_PAGES, dfd);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* A superpage is decreased whole: part of it is refused, nothing changes. */
TEST_F(superpage, decrease_whole_only)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	__u64 done, g, *p;
	int dfd;
	__u32 d;

	NC_NEED_SUPERPAGES(c, 1);
	d = nc_new_dom(_metadata, c, 1ULL << 20);
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 1, 9, NC_NODE(n) | NC_SUPER,
				    &done));
	p = nc_open_map(_metadata, c, d, 0, NC_SP_PAGES, &dfd);
	p[0] = 1;
	g = 5;
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, &g, 1, 0, &done));
	g = 256;
	EXPECT_ERR(EINVAL, raw_decrease(c->fd, d, &g, 1, 8, &done));
	EXPECT_EQ(NC_SP_PAGES, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_EQ(0, nc_bus_on_read(p + 5 * NC_PAGE / 8));
	g = 0;
	ASSERT_OK(raw_decrease(c->fd, d, &g, 1, 9, &done));
	EXPECT_EQ(1, nc_bus_on_read(p));
	EXPECT_EQ(1, nc_bus_on_read(p + 511 * NC_PAGE / 8));
	EXPECT_EQ(0, nc_dom(_metadata, c, d).tot_pages);
	EXPECT_EQ(c->base.superpages[n].free_pages,
		  nc_host(_metadata, c).superpages[n].free_pages);
	nc_close_map(p, NC_SP_PAGES, dfd);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}

/*
 * A superpage pinned past its domain's destroy is held, whole: no claim or
 * populate can have it, the holder still reads its data, and once the pin
 * goes it comes back zeroed, as every superpage the next domain gets.
 */
TEST_F(superpage, pinned_superpage_held_then_zeroed)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	__u64 sps = nc_sp_free(&c->base, n), done, i, j, *p, buf[NC_PAGE / 8];
	struct numaclaims_host_info hi;
	int dfd, pipefd[2];
	long r0 = nc_module_refcnt();
	__u32 a, b;

	NC_NEED_SUPERPAGES(c, 1);
	a = nc_new_dom(_metadata, c, 1ULL << 30);
	ASSERT_OK(raw_populate_range(c->fd, a, 0, sps, 9, NC_NODE(n) |
				    NC_EXACT | NC_SUPER, &done));
	p = nc_open_map(_metadata, c, a, 0, sps * NC_SP_PAGES, &dfd);
	for (i = 0; i < sps * NC_SP_PAGES * NC_PAGE / 8; i++)
		p[i] = 0xdeadbeefcafef00dULL;
	nc_vmsplice_pin(_metadata, p + 100 * NC_PAGE / 8, pipefd);
	nc_close_map(p, sps * NC_SP_PAGES, dfd);
	EXPECT_OK(raw_destroy(c->fd, a));

	hi = nc_host(_metadata, c);
	EXPECT_EQ(NC_SP_PAGES, hi.superpages[n].held_pages);
	EXPECT_EQ(sps - 1, nc_sp_free(&hi, n));
	/* A held superpage keeps the module loaded (MAPPING.md, "Unload"). */
	if (r0 >= 0)
		EXPECT_EQ(r0 + 1, nc_module_refcnt());
	EXPECT_EQ(c->base.total_held_pages, hi.total_held_pages);
	EXPECT_INVARIANTS();
	b = nc_new_dom(_metadata, c, 1ULL << 30);
	EXPECT_ERR(ENOMEM, NC_SET(c->fd, b, SPCLAIM(sps * NC_SP_PAGES, n)));
	EXPECT_OK(raw_destroy(c->fd, b));

	ASSERT_EQ((ssize_t)NC_PAGE, read(pipefd[0], buf, NC_PAGE));
	EXPECT_EQ(0xdeadbeefcafef00dULL, buf[0]);
	close(pipefd[0]);
	close(pipefd[1]);
	EXPECT_EQ(0, nc_wait_sp_held(_metadata, c, n, NC_REAP_WAIT_MS));
	if (r0 >= 0)
		EXPECT_EQ(r0, nc_module_refcnt());

	/* Every superpage again, every page of them zero. */
	b = nc_new_dom(_metadata, c, 1ULL << 30);
	ASSERT_OK(NC_SET(c->fd, b, SPCLAIM(sps * NC_SP_PAGES, n)));
	ASSERT_OK(raw_populate_range(c->fd, b, 0, sps, 9, NC_NODE(n) |
				    NC_EXACT | NC_SUPER, &done));
	p = nc_open_map(_metadata, c, b, 0, sps * NC_SP_PAGES, &dfd);
	for (i = 0, j = 0; i < sps * NC_SP_PAGES * NC_PAGE / 8; i++)
		j |= p[i];
	EXPECT_EQ(0, j) TH_LOG("the next domain read another domain's data");
	nc_close_map(p, sps * NC_SP_PAGES, dfd);
	EXPECT_OK(raw_destroy(c->fd, b));
}

/*
 * A superpage with a hardware-poisoned page is retired whole, never handed
 * out again.  The page is poisoned while its superpage is free in the pool
 * (/sys/devices/system/memory/hard_offline_page: memory_failure() cannot
 * handle our folios, sets the flag and lets go); the populate that takes
 * that superpage retires it and gets the next one, so a populate of every
 * free superpage gets one less.  Like mmap.poisoned_page_retired it runs
 * only with NC_POISON=1, in tests/guest/selftests.sh's poison step.
 */
TEST_F(superpage, poisoned_superpage_retired)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	__u64 sps, done, pfn, k, *p;
	long long r0 = nc_retired_of(n, true);
	struct numaclaims_host_info hi;
	bool hit = false;
	int dfd, ret;
	__u32 a;

	if (!getenv("NC_POISON"))
		SKIP(return, "NC_POISON=1 poisons a page for good (tests/guest/selftests.sh's poison step)");
	NC_NEED_SUPERPAGES(c, 2);
	if (r0 < 0)
		SKIP(return, "no debugfs %s/nodes", NC_DEBUGFS);
	sps = nc_sp_free(&c->base, n);
	a = nc_new_dom(_metadata, c, 1ULL << 30);
	ASSERT_OK(raw_populate_range(c->fd, a, 0, 1, 9, NC_NODE(n) | NC_EXACT |
				    NC_SUPER, &done));
	p = nc_open_map(_metadata, c, a, 0, NC_SP_PAGES, &dfd);
	p[100 * NC_PAGE / 8] = 1;
	pfn = nc_pfn(p + 100 * NC_PAGE / 8);
	ASSERT_NE(0, pfn);
	nc_close_map(p, NC_SP_PAGES, dfd);
	ASSERT_OK(raw_destroy(c->fd, a));
	if (!nc_hard_offline(pfn))
		SKIP(return, "hard_offline_page did not poison pfn %#llx",
		     (unsigned long long)pfn);

	/* Every free superpage: the poisoned one is retired, not handed out. */
	a = nc_new_dom(_metadata, c, 1ULL << 30);
	ret = raw_populate_range(c->fd, a, 0, sps, 9, NC_NODE(n) | NC_EXACT |
				NC_SUPER, &done);
	EXPECT_ERR(ENOMEM, ret);
	EXPECT_EQ(sps - 1, done);
	p = nc_open_map(_metadata, c, a, 0, done * NC_SP_PAGES, &dfd);
	for (k = 0; k < done; k++) {
		p[(k * NC_SP_PAGES + 100) * NC_PAGE / 8] = 2;
		hit |= nc_pfn(p + (k * NC_SP_PAGES + 100) * NC_PAGE / 8) == pfn;
	}
	EXPECT_FALSE(hit) TH_LOG("the poisoned superpage was handed out");
	nc_close_map(p, done * NC_SP_PAGES, dfd);
	ASSERT_OK(raw_destroy(c->fd, a));
	EXPECT_EQ(r0 + 1, nc_retired_of(n, true));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(sps - 1, nc_sp_free(&hi, n));
	EXPECT_INVARIANTS();
	/* For the teardown: one superpage fewer, for good. */
	c->base.superpages[n].free_pages -= NC_SP_PAGES;
}

/* Without a superpage claim, anyone may take an unclaimed superpage. */
TEST_F(superpage, unclaimed_superpages_for_anyone)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = c->pool[0];
	__u64 done, g = 0;
	__u32 d;

	NC_NEED_SUPERPAGES(c, 1);
	d = nc_new_dom(_metadata, c, 1ULL << 20);
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 9, NC_NODE(n) | NC_NOREF,
			      &done));
	EXPECT_EQ(NC_SP_PAGES, nc_dom(_metadata, c, d).superpage_pages[n]);
	EXPECT_EQ(NC_SP_PAGES, nc_dom(_metadata, c, d).uncounted_pages);
	EXPECT_EQ(c->base.nodes[n].avail_pages,
		  nc_host(_metadata, c).nodes[n].avail_pages);
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_destroy(c->fd, d));
}
