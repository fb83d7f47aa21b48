// SPDX-License-Identifier: GPL-2.0
/*
 * nc_lifecycle.c - domain destruction (explicit, during a populate,
 * AUTODESTROY on close and on process death), scrubbing of pages that
 * change hands, and OFFLINE/ONLINE_PAGES with claim recall.
 * #included by numaclaims_test.c (one translation unit, see there).
 */
#include <poll.h>
#include <pthread.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>

NC_FIXTURE(lifecycle);

/* A domain with claims and counted, uncounted and order-9 pages. */
static __u32 nc_busy_domain(struct __test_metadata *_metadata,
			    struct nc_ctx *c, int fd, __u32 flags)
{
	struct numaclaims_claim set[NUMACLAIMS_MAX_NODES + 2];
	__u32 d = 0, nr = 0, i;
	__u64 done, g = 4096;

	ASSERT_OK(raw_create(fd, 100000, flags, &d));
	for (i = 0; i < c->nr_pool; i++)
		set[nr++] = CLAIM(5 + i, c->pool[i]);
	set[nr++] = CLAIM(20, NC_HOST);
	ASSERT_OK(raw_claim_set(fd, d, set, nr));
	ASSERT_OK(raw_populate_range(fd, d, 0, 100, 0, 0, &done));
	ASSERT_OK(raw_populate(fd, d, &g, 1, 9, 0, &done));
	ASSERT_OK(raw_populate_range(fd, d, 8192, 10, 0, NC_NOREF, &done));
	return d;
}

/* Every counter of HOST_INFO is back at the baseline. */
static void nc_expect_baseline(struct __test_metadata *_metadata,
			       struct nc_ctx *c)
{
	struct numaclaims_host_info hi = nc_host(_metadata, c);

	EXPECT_EQ(0, memcmp(&hi, &c->base, sizeof(hi)))
		TH_LOG("HOST_INFO is not back at the baseline: avail %llu/%llu, outstanding %llu/%llu, domains %u",
		       (unsigned long long)hi.total_avail_pages,
		       (unsigned long long)c->base.total_avail_pages,
		       (unsigned long long)hi.outstanding_claims,
		       (unsigned long long)c->base.outstanding_claims,
		       hi.nr_domains);
}

TEST_F(lifecycle, destroy_frees_everything)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info di;
	struct numaclaims_host_info hi;
	__u32 d = nc_busy_domain(_metadata, c, c->fd, 0);

	di = nc_dom(_metadata, c, d);
	EXPECT_EQ(100 + 512, di.tot_pages);
	EXPECT_EQ(10, di.uncounted_pages);
	hi = nc_host(_metadata, c);
	EXPECT_EQ(c->base.total_avail_pages - 622, hi.total_avail_pages);
	EXPECT_EQ(1, hi.nr_domains);
	EXPECT_OK(raw_destroy(c->fd, d));
	nc_expect_baseline(_metadata, c);
	EXPECT_INVARIANTS();
}

TEST_F(lifecycle, esrch_after_destroy)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_claim set[4];
	struct numaclaims_domain_info di;
	__u64 g = 0, done, nz;
	__u32 d = nc_busy_domain(_metadata, c, c->fd, 0), nr = 4;
	int pfd;

	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_ERR(ESRCH, raw_destroy(c->fd, d));
	EXPECT_ERR(ESRCH, raw_set_max(c->fd, d, 10));
	EXPECT_ERR(ESRCH, raw_set_affinity(c->fd, d, c->pool_mask));
	EXPECT_ERR(ESRCH, NC_SET(c->fd, d, CLAIM(1, NC_HOST)));
	EXPECT_ERR(ESRCH, raw_claim_get(c->fd, d, set, &nr));
	EXPECT_ERR(ESRCH, raw_claim_pages(c->fd, d, 0));
	EXPECT_ERR(ESRCH, raw_claim_pages(c->fd, d, 10));
	EXPECT_ERR(ESRCH, raw_populate(c->fd, d, &g, 1, 0, 0, &done));
	EXPECT_ERR(ESRCH, raw_decrease(c->fd, d, &g, 1, 0, &done));
	EXPECT_ERR(ESRCH, raw_dom_info(c->fd, d, &di));
	EXPECT_ERR(ESRCH, nc_page_sum(d, 0, &nz, NULL));
	pfd = raw_page_open();
	ASSERT_LE(0, pfd);
	EXPECT_ERR(ESRCH, raw_page_fill(pfd, d, 0, 1));
	close(pfd);
	nc_expect_baseline(_metadata, c);
}

/* DOMAIN_DESTROY stops a populate in progress at its next extent. */
TEST_F_TIMEOUT(lifecycle, destroy_during_populate, 300)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	__u64 nr = nc_host_unclaimed(&hi), res[2] = { 0, 0 };
	int pipefd[2], status;
	char go;
	pid_t pid;
	__u32 d;

	d = nc_new_dom(_metadata, c, nr);
	ASSERT_EQ(0, pipe(pipefd));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		__u64 done = 0;
		int rc;

		close(pipefd[0]);
		if (write(pipefd[1], "g", 1) != 1)
			_exit(1);
		rc = raw_populate_range(c->fd, d, 0, nr, 0, 0, &done);
		res[0] = (__u64)(__s64)rc;
		res[1] = done;
		if (write(pipefd[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &go, 1));
	usleep(20000);
	EXPECT_OK(raw_destroy(c->fd, d));
	ASSERT_EQ(sizeof(res), read(pipefd[0], res, sizeof(res)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(pipefd[0]);
	TH_LOG("populate of %llu pages returned %s after %llu",
	       (unsigned long long)nr, raw_errname((int)(__s64)res[0]),
	       (unsigned long long)res[1]);
	/*
	 * Done first (0), stopped at the extent where it noticed the destroy
	 * waiting (EINTR), or between two batches of gfns (ESRCH).
	 */
	EXPECT_TRUE((__s64)res[0] == 0 || (__s64)res[0] == -ESRCH ||
		    (__s64)res[0] == -EINTR)
		TH_LOG("populate racing with destroy: %s",
		       raw_errname((int)(__s64)res[0]));
	EXPECT_ERR(ESRCH, raw_dom_info(c->fd, d, &(struct numaclaims_domain_info){0}));
	nc_expect_baseline(_metadata, c);
	EXPECT_INVARIANTS();
}

/*
 * A populate whose gfn array sits in userfaultfd memory nobody serves
 * blocks in its copy of the gfns, holding no numaclaims lock: a destroy
 * from another process completes, and the populate, once its page is
 * served, finds the domain gone.  Nothing leaks.
 */
struct nc_uffd_pop {
	int fd, ret;
	__u32 d;
	__u64 *gfns, done;
};

static void *nc_uffd_pop_fn(void *arg)
{
	struct nc_uffd_pop *p = arg;

	p->ret = raw_populate(p->fd, p->d, p->gfns, 4, 0, 0, &p->done);
	return NULL;
}

TEST_F_TIMEOUT(lifecycle, destroy_while_gfns_in_userfaultfd, 120)
{
	struct nc_ctx *c = &self->ctx;
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	struct uffdio_zeropage zp = { 0 };
	struct nc_uffd_pop p = { .fd = c->fd };
	struct uffd_msg msg;
	struct pollfd pfd;
	pthread_t th;
	int uffd, status, i;
	pid_t pid;
	char *area;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	area = mmap(NULL, NC_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	reg.range.start = (uintptr_t)area;
	reg.range.len = NC_PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));

	p.d = nc_new_dom(_metadata, c, 16);
	p.gfns = (__u64 *)area;
	ASSERT_EQ(0, pthread_create(&th, NULL, nc_uffd_pop_fn, &p));
	/* The populate is blocked once its copy of the gfns faulted. */
	pfd.fd = uffd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 20000)) TH_LOG("the populate never faulted");
	ASSERT_EQ(sizeof(msg), read(uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = open(NC_DEV, O_RDWR);

		_exit(fd >= 0 && raw_destroy(fd, p.d) == 0 ? 0 : 1);
	}
	/* A destroy stuck behind the populate would never exit. */
	for (i = 0; i < 300 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(50000);
	EXPECT_GT(300, i) TH_LOG("destroy did not complete while the populate was blocked in its gfn array");
	if (i == 300) {
		/* Unblock it, then collect the destroyer. */
		zp.range = reg.range;
		ioctl(uffd, UFFDIO_ZEROPAGE, &zp);
		waitpid(pid, &status, 0);
	}
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* Serve the page: the populate goes on and finds the domain gone. */
	zp.range = reg.range;
	ioctl(uffd, UFFDIO_ZEROPAGE, &zp);
	pthread_join(th, NULL);
	EXPECT_ERR(ESRCH, p.ret);
	EXPECT_EQ(0, p.done);
	close(uffd);
	munmap(area, NC_PAGE);
	nc_expect_baseline(_metadata, c);
	EXPECT_INVARIANTS();
}

TEST_F(lifecycle, autodestroy_on_close)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info di;
	int fd2 = open(NC_DEV, O_RDWR);
	__u32 ad, keep;

	ASSERT_LE(0, fd2);
	ad = nc_busy_domain(_metadata, c, fd2, NUMACLAIMS_DOMAIN_AUTODESTROY);
	ASSERT_OK(raw_create(fd2, 10, 0, &keep));
	di = nc_dom(_metadata, c, ad);		/* visible through any fd */
	EXPECT_EQ(NUMACLAIMS_DOMAIN_AUTODESTROY, di.domain_flags);
	EXPECT_EQ(612, di.tot_pages);
	EXPECT_EQ(2, nc_host(_metadata, c).nr_domains);
	close(fd2);
	EXPECT_ERR(ESRCH, raw_dom_info(c->fd, ad, &di));
	/* A domain created without the flag outlives the file. */
	EXPECT_OK(raw_dom_info(c->fd, keep, &di));
	EXPECT_OK(raw_destroy(c->fd, keep));
	nc_expect_baseline(_metadata, c);
	EXPECT_INVARIANTS();
}

/* The file, not the descriptor: dup()s and fork()ed copies keep it alive. */
TEST_F(lifecycle, autodestroy_when_last_reference_goes)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info di;
	int fd2 = open(NC_DEV, O_RDWR), fd3, status;
	pid_t pid;
	__u32 ad;

	ASSERT_LE(0, fd2);
	ASSERT_OK(raw_create(fd2, 10, NUMACLAIMS_DOMAIN_AUTODESTROY, &ad));
	fd3 = dup(fd2);
	ASSERT_LE(0, fd3);
	close(fd2);
	EXPECT_OK(raw_dom_info(c->fd, ad, &di));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);	/* the child's copy of fd3 goes away */
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_OK(raw_dom_info(c->fd, ad, &di));
	close(fd3);
	EXPECT_ERR(ESRCH, raw_dom_info(c->fd, ad, &di));
	nc_expect_baseline(_metadata, c);
}

/* An AUTODESTROY domain destroyed by hand: closing the file is harmless. */
TEST_F(lifecycle, autodestroy_after_explicit_destroy)
{
	struct nc_ctx *c = &self->ctx;
	int fd2 = open(NC_DEV, O_RDWR);
	__u32 a, b;

	ASSERT_LE(0, fd2);
	a = nc_busy_domain(_metadata, c, fd2, NUMACLAIMS_DOMAIN_AUTODESTROY);
	ASSERT_OK(raw_create(fd2, 10, NUMACLAIMS_DOMAIN_AUTODESTROY, &b));
	EXPECT_OK(raw_destroy(c->fd, a));
	EXPECT_OK(raw_destroy(fd2, b));
	EXPECT_ERR(ESRCH, raw_destroy(fd2, a));
	close(fd2);
	nc_expect_baseline(_metadata, c);
	EXPECT_INVARIANTS();
	/* The domids are free for new domains. */
	ASSERT_OK(raw_create(c->fd, 1, 0, &a));
	EXPECT_OK(raw_destroy(c->fd, a));
}

/*
 * The creating process dies: a child opens the device, creates an
 * AUTODESTROY domain with claims and memory, sends the domid through a
 * pipe and exits (@kill: waits to be SIGKILLed instead).
 */
static void nc_autodestroy_child_dies(struct __test_metadata *_metadata,
				      struct nc_ctx *c, bool kill_it)
{
	struct numaclaims_domain_info di;
	int pipefd[2], status;
	__u32 domid = 0;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = open(NC_DEV, O_RDWR);
		__u64 done;
		__u32 d = 0;

		close(pipefd[0]);
		if (fd < 0 ||
		    raw_create(fd, 1000, NUMACLAIMS_DOMAIN_AUTODESTROY, &d) ||
		    NC_SET(fd, d, CLAIM(50, NC_HOST)) ||
		    raw_populate_range(fd, d, 0, 20, 0, 0, &done))
			d = 0;
		if (write(pipefd[1], &d, sizeof(d)) != sizeof(d))
			_exit(2);
		if (!d)
			_exit(1);
		if (kill_it)
			for (;;)
				pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(domid), read(pipefd[0], &domid, sizeof(domid)));
	close(pipefd[0]);
	ASSERT_NE(0, domid) TH_LOG("the child could not set up its domain");
	if (kill_it) {
		ASSERT_OK(raw_dom_info(c->fd, domid, &di));
		EXPECT_EQ(20, di.tot_pages);
		EXPECT_EQ(30, di.outstanding_pages);
		EXPECT_EQ(NUMACLAIMS_DOMAIN_AUTODESTROY, di.domain_flags);
		ASSERT_EQ(0, kill(pid, SIGKILL));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (kill_it) {
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	} else {
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	EXPECT_ERR(ESRCH, raw_dom_info(c->fd, domid, &di));
	nc_expect_baseline(_metadata, c);
	EXPECT_INVARIANTS();
}

TEST_F(lifecycle, autodestroy_creator_exits)
{
	nc_autodestroy_child_dies(_metadata, &self->ctx, false);
}

TEST_F(lifecycle, autodestroy_creator_killed)
{
	nc_autodestroy_child_dies(_metadata, &self->ctx, true);
}

/* --------------------------------------------------------------------------
 * Scrubbing: no domain ever reads another domain's data.
 */
#define NC_SCRUB_PAGES	2048

static __u64 nc_pattern(__u64 gfn)
{
	/* Different per page, and no zero byte (the hook counts them). */
	return (0xa5a5f00dcafe0000ULL ^ (gfn * 0x9e3779b97f4a7c15ULL)) |
	       0x0101010101010101ULL;
}

/* Every page gfn first .. first+nr-1 of @d reads as zeroes. */
static void nc_expect_zero_pages(struct __test_metadata *_metadata, __u32 d,
				 __u64 first, __u64 nr)
{
	__u64 g, nz = 0, bad = 0;

	for (g = first; g < first + nr; g++) {
		ASSERT_OK(nc_page_sum(d, g, &nz, NULL));
		if (nz && bad++ < 5)
			TH_LOG("domain %u gfn %llu: %llu non-zero bytes", d,
			       (unsigned long long)g, (unsigned long long)nz);
	}
	EXPECT_EQ(0, bad) TH_LOG("%llu page(s) of domain %u not scrubbed",
				 (unsigned long long)bad, d);
}

TEST_F_TIMEOUT(lifecycle, scrub_on_decrease_and_destroy, 300)
{
	struct nc_ctx *c = &self->ctx;
	__u64 off[NUMACLAIMS_MAX_NODES] = { 0 }, done, g, nz = 0, first = 0;
	unsigned int n0 = c->pool[0];
	__u32 flags = NC_NODE(n0) | NC_EXACT, a, b;
	int pfd;

	a = nc_new_dom(_metadata, c, NC_SCRUB_PAGES);
	b = nc_new_dom(_metadata, c, NC_SCRUB_PAGES);
	/* a: two order-9 extents and 1024 single pages, all on n0. */
	ASSERT_OK(raw_populate_range(c->fd, a, 0, 2, 9, flags, &done));
	ASSERT_OK(raw_populate_range(c->fd, a, 1024, 1024, 0, flags, &done));
	/* n0's other free pages out of service: b can only get a's pages. */
	off[n0] = nc_host(_metadata, c).nodes[n0].avail_pages;
	ASSERT_OK(raw_offline(c->fd, n0, off[n0]));
	ASSERT_EQ(0, nc_host(_metadata, c).nodes[n0].avail_pages);

	pfd = raw_page_open();
	ASSERT_LE(0, pfd);
	for (g = 0; g < NC_SCRUB_PAGES; g++)
		ASSERT_OK(raw_page_fill(pfd, a, g, nc_pattern(g)));
	close(pfd);
	for (g = 0; g < NC_SCRUB_PAGES; g += 511) {
		ASSERT_OK(nc_page_sum(a, g, &nz, &first));
		EXPECT_EQ(NC_PAGE, nz);
		EXPECT_EQ(nc_pattern(g), first);
	}

	/* Decrease half of a; b populates exactly those pages. */
	g = 0;
	ASSERT_OK(raw_decrease(c->fd, a, &g, 1, 9, &done));
	ASSERT_OK(raw_decrease_range(c->fd, a, 1024, 512, 0, &done));
	ASSERT_EQ(1024, nc_host(_metadata, c).nodes[n0].avail_pages);
	ASSERT_OK(raw_populate(c->fd, b, &g, 1, 9, flags, &done));
	ASSERT_OK(raw_populate_range(c->fd, b, 512, 512, 0, flags, &done));
	ASSERT_EQ(0, nc_host(_metadata, c).nodes[n0].avail_pages);
	nc_expect_zero_pages(_metadata, b, 0, 1024);

	/* Destroy a; b populates the rest of its former pages. */
	ASSERT_OK(raw_destroy(c->fd, a));
	ASSERT_EQ(1024, nc_host(_metadata, c).nodes[n0].avail_pages);
	ASSERT_OK(raw_populate_range(c->fd, b, 1024, 1024, 0, flags, &done));
	ASSERT_EQ(0, nc_host(_metadata, c).nodes[n0].avail_pages);
	nc_expect_zero_pages(_metadata, b, 1024, 1024);

	/* And b's own pages are scrubbed for the next one too. */
	pfd = raw_page_open();
	ASSERT_LE(0, pfd);
	for (g = 0; g < 16; g++)
		ASSERT_OK(raw_page_fill(pfd, b, g, ~0ULL));
	close(pfd);
	ASSERT_OK(raw_decrease_range(c->fd, b, 0, 16, 0, &done));
	a = nc_new_dom(_metadata, c, 16);
	ASSERT_OK(raw_populate_range(c->fd, a, 0, 16, 0, flags | NC_NOREF,
				    &done));
	nc_expect_zero_pages(_metadata, a, 0, 16);

	EXPECT_OK(raw_destroy(c->fd, a));
	EXPECT_OK(raw_destroy(c->fd, b));
	nc_online_all(_metadata, c, off);
	EXPECT_INVARIANTS();
}

/* --------------------------------------------------------------------------
 * Observability: tracepoints (tracefs) and the debugfs "nodes" view.
 */
static int nc_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	n = n < 0 ? -errno : n == (ssize_t)strlen(text) ? 0 : -EIO;
	close(fd);
	return (int)n;
}

static char *nc_slurp(const char *path)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 4096) {
			char *more = realloc(buf, cap *= 2);

			if (!more)
				break;
			buf = more;
		}
	}
	buf[len] = 0;
	close(fd);
	return buf;
}

static const char *nc_tracefs(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events/numaclaims", dirs[i]);
		if (!access(path, F_OK))
			return dirs[i];
	}
	return NULL;
}

#define NC_EXPECT_TRACE(trace, ...) do {				\
	char want_[256];						\
	snprintf(want_, sizeof(want_), __VA_ARGS__);			\
	EXPECT_NE(NULL, strstr(trace, want_))				\
		TH_LOG("no trace line with \"%s\"", want_);		\
} while (0)

TEST_F(lifecycle, tracepoints)
{
	struct nc_ctx *c = &self->ctx;
	const char *tfs = nc_tracefs();
	unsigned int n0 = c->pool[0];
	struct numaclaims_host_info hi;
	__u64 g = 0, unclaimed, done;
	char path[160], *trace;
	__u32 d, e;

	if (!tfs)
		SKIP(return, "no tracefs with events/numaclaims");
	snprintf(path, sizeof(path), "%s/trace", tfs);
	ASSERT_OK(nc_write_file(path, ""));
	snprintf(path, sizeof(path), "%s/events/numaclaims/enable", tfs);
	ASSERT_OK(nc_write_file(path, "1"));

	d = nc_new_dom(_metadata, c, 1 << 20);
	e = nc_new_dom(_metadata, c, 1 << 20);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(512, n0)));
	ASSERT_OK(raw_populate(c->fd, d, &g, 1, 9, NC_NODE(n0) | NC_EXACT,
			      &done));
	hi = nc_host(_metadata, c);
	unclaimed = nc_node_unclaimed(&hi, n0);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(unclaimed, n0)));
	ASSERT_OK(raw_offline(c->fd, n0, 10));
	g = 4096;
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, e, &g, 1, 0,
				       NC_NODE(n0) | NC_EXACT, &done));
	ASSERT_OK(raw_online(c->fd, n0, 10));
	ASSERT_OK(raw_destroy(c->fd, d));
	ASSERT_OK(raw_destroy(c->fd, e));

	ASSERT_OK(nc_write_file(path, "0"));
	snprintf(path, sizeof(path), "%s/trace", tfs);
	trace = nc_slurp(path);
	ASSERT_NE(NULL, trace);
	NC_EXPECT_TRACE(trace, "numaclaims_claim_install: domid=%u entries=1 node_claims=512 host_claim=0 ret=0", d);
	NC_EXPECT_TRACE(trace, "numaclaims_populate_extent: domid=%u gfn=0x0 order=9 node=%u redeemed node=512 host=0 other=0", d, n0);
	NC_EXPECT_TRACE(trace, "numaclaims_claim_recall: domid=%u node=%u pages=10", d, n0);
	NC_EXPECT_TRACE(trace, "numaclaims_offline: offline node=%u pages=10 ret=0", n0);
	NC_EXPECT_TRACE(trace, "numaclaims_offline: online node=%u pages=10 ret=0", n0);
	NC_EXPECT_TRACE(trace, "numaclaims_populate_refused: domid=%u gfn=0x1000 order=0 node=%u exact=1 ret=-12", e, n0);
	NC_EXPECT_TRACE(trace, "numaclaims_claim_release: domid=%u pages=%llu", d,
			(unsigned long long)unclaimed - 10);
	free(trace);
	snprintf(path, sizeof(path), "%s/trace", tfs);
	nc_write_file(path, "");
	nc_expect_baseline(_metadata, c);
}

struct nc_destroy_arg {
	int fd;
	__u32 domid;
	int ret;
};

static void *nc_destroy_fn(void *arg)
{
	struct nc_destroy_arg *a = arg;

	a->ret = raw_destroy(a->fd, a->domid);
	return NULL;
}

/*
 * A destroyed domain's id is not reused before its device node is gone: a
 * domain created while a destroy is still removing the node (debugfs
 * domid_hooks makes the allocator try that very id next, and the destroy
 * wait 400 ms before it removes the node) gets another id, and a node that
 * opens.  Reusing the id would give the new domain no node at all.
 */
TEST_F(lifecycle, destroyed_id_reserved_until_node_gone)
{
	struct nc_ctx *c = &self->ctx;
	struct nc_destroy_arg a = { .fd = c->fd };
	char hooks[32];
	pthread_t th;
	__u32 e, f;
	int dfd;

	if (access(NC_DEBUGFS "/domid_hooks", W_OK))
		SKIP(return, "no debugfs domid_hooks (load with debug=1)");
	a.domid = nc_new_dom(_metadata, c, 1000);
	dfd = raw_domain_open_path(a.domid);
	ASSERT_LE(0, dfd) TH_LOG("open the node of domain %u: %s", a.domid,
				 raw_errname(dfd));
	close(dfd);
	snprintf(hooks, sizeof(hooks), "%u 400", a.domid);
	ASSERT_OK(nc_write_file(NC_DEBUGFS "/domid_hooks", hooks));
	ASSERT_EQ(0, pthread_create(&th, NULL, nc_destroy_fn, &a));
	usleep(100000);		/* the destroy is in its 400 ms window */
	snprintf(hooks, sizeof(hooks), "%u 0", a.domid);
	nc_write_file(NC_DEBUGFS "/domid_hooks", hooks);
	e = nc_new_dom(_metadata, c, 1000);
	EXPECT_NE(a.domid, e) TH_LOG("id %u reused while its node was still there",
				     e);
	pthread_join(th, NULL);
	EXPECT_EQ(0, a.ret);
	/* The old domain's node is gone; the new one's is there. */
	dfd = raw_domain_open_path(e);
	EXPECT_LE(0, dfd) TH_LOG("the new domain %u has no device node: %s", e,
				 raw_errname(dfd));
	if (dfd >= 0)
		close(dfd);
	/* Once the node is gone, the id is free again. */
	snprintf(hooks, sizeof(hooks), "%u 0", a.domid);
	ASSERT_OK(nc_write_file(NC_DEBUGFS "/domid_hooks", hooks));
	f = nc_new_dom(_metadata, c, 1000);
	EXPECT_EQ(a.domid, f);
	EXPECT_OK(raw_destroy(c->fd, f));
	EXPECT_OK(raw_destroy(c->fd, e));
}

/* debugfs "nodes": HOST_INFO's per-node figures, readable by scripts. */
TEST_F(lifecycle, debugfs_nodes_view)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi;
	unsigned long long r, f, cl, u, o, h, rt, rs;
	unsigned int node, rows = 0;
	char *text, *line, *save;
	__u32 d = nc_new_dom(_metadata, c, 1000);
	__u64 done;

	ASSERT_OK(NC_SET(c->fd, d, CLAIM(100, c->pool[0])));
	ASSERT_OK(raw_populate_range(c->fd, d, 0, 30, 0, 0, &done));
	hi = nc_host(_metadata, c);
	text = nc_slurp(NC_DEBUGFS "/nodes");
	ASSERT_NE(NULL, text);
	line = strtok_r(text, "\n", &save);
	ASSERT_NE(NULL, line);
	EXPECT_STREQ("node reserved_pages free_pages claimed_pages unclaimed_pages offlined_pages held_pages retired_pages retired_superpages", line);
	while ((line = strtok_r(NULL, "\n", &save))) {
		ASSERT_EQ(9, sscanf(line, "%u %llu %llu %llu %llu %llu %llu %llu %llu",
				    &node, &r, &f, &cl, &u, &o, &h, &rt, &rs));
		ASSERT_GT(NUMACLAIMS_MAX_NODES, node);
		EXPECT_TRUE(hi.nodes[node].has_pool);
		EXPECT_EQ(hi.nodes[node].reserved_pages, r);
		EXPECT_EQ(hi.nodes[node].avail_pages, f);
		EXPECT_EQ(hi.nodes[node].outstanding_claims, cl);
		EXPECT_EQ(f - cl, u);
		EXPECT_EQ(hi.nodes[node].offlined_pages, o);
		EXPECT_EQ(hi.held_pages[node], h);
		EXPECT_LE(rt, o);	/* retired pages are offlined for good */
		EXPECT_LE(rs * 512, hi.superpages[node].reserved_pages);
		rows++;
	}
	EXPECT_EQ(c->nr_pool, rows);
	free(text);
	EXPECT_OK(raw_destroy(c->fd, d));
}

/*
 * What a caller makes the module allocate is charged to its memory cgroup
 * (GFP_KERNEL_ACCOUNT): a domain whose 8192 pages sit 64 gfns apart needs
 * one physmap xarray node per page (576 bytes each), about 4.5 MiB, and
 * the caller's cgroup grows by it.
 */
static long long nc_cg_current(const char *cg)
{
	char path[160], buf[64];
	long long v = -1;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/memory.current", cg);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = 0;
		v = strtoll(buf, NULL, 10);
	}
	close(fd);
	return v;
}

TEST_F_TIMEOUT(lifecycle, physmap_charged_to_callers_memcg, 120)
{
	struct nc_ctx *c = &self->ctx;
	const char *root = "/sys/fs/cgroup", *cg = "/sys/fs/cgroup/nc_memcg";
	char path[160], pidbuf[32], go = 'g';
	long long before, after;
	int up[2], down[2], status;
	bool mounted = false;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	if (access(path, F_OK)) {
		if (mount("none", root, "cgroup2", 0, NULL))
			SKIP(return, "no cgroup2: %s", strerror(errno));
		mounted = true;
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
	if (nc_write_file(path, "+memory") ||
	    (mkdir(cg, 0755) && errno != EEXIST)) {
		if (mounted)
			umount(root);
		SKIP(return, "no memory controller");
	}
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		__u64 *g = calloc(8192, sizeof(*g)), done = 0;
		int fd, i, ok;
		__u32 d;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
		snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
		if (!g || nc_write_file(path, pidbuf))
			_exit(1);
		fd = open(NC_DEV, O_RDWR);
		if (fd < 0 || raw_create(fd, 8192, 0, &d))
			_exit(2);
		for (i = 0; i < 8192; i++)
			g[i] = (__u64)i * 64;
		if (write(up[1], "c", 1) != 1 || read(down[0], &go, 1) != 1)
			_exit(3);
		ok = !raw_populate(fd, d, g, 8192, 0, 0, &done) && done == 8192;
		if (write(up[1], ok ? "y" : "n", 1) != 1 ||
		    read(down[0], &go, 1) != 1)
			_exit(3);
		_exit(raw_destroy(fd, d) ? 4 : ok ? 0 : 5);
	}
	/* The cgroup's charge with the child in it, before and after. */
	ASSERT_EQ(1, read(up[0], &go, 1));
	before = nc_cg_current(cg);
	ASSERT_EQ(1, write(down[1], "p", 1));
	ASSERT_EQ(1, read(up[0], &go, 1));
	after = nc_cg_current(cg);
	EXPECT_EQ('y', go);
	ASSERT_EQ(1, write(down[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("child status %#x", status);
	TH_LOG("memcg of the populating process: %lld -> %lld bytes",
	       before, after);
	EXPECT_LE(0, before);
	EXPECT_LE(before + (3LL << 20), after)
		TH_LOG("the physmap's xarray nodes were not charged to the caller");
	rmdir(cg);
	if (mounted)
		umount(root);
	nc_expect_baseline(_metadata, c);
}

/* --------------------------------------------------------------------------
 * OFFLINE_PAGES / ONLINE_PAGES.
 */
NC_FIXTURE(offline);

TEST_F(offline, errors)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info h0 = nc_host(_metadata, c), h1;
	struct numaclaims_offline o = { 0 };
	unsigned int n0 = c->pool[0];

	o.node = n0;
	o.pages = 1;
	o.pad = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_OFFLINE_PAGES, &o));
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_ONLINE_PAGES, &o));
	EXPECT_ERR(ENOENT, raw_offline(c->fd, c->no_pool_node, 1));
	EXPECT_ERR(ENOENT, raw_online(c->fd, c->no_pool_node, 0));
	EXPECT_ERR(ENOENT, raw_offline(c->fd, NUMACLAIMS_MAX_NODES, 1));
	EXPECT_ERR(ENOENT, raw_offline(c->fd, 0xffffffff, 1));
	EXPECT_ERR(ENOENT, raw_online(c->fd, 0xffffffff, 1));
	EXPECT_ERR(ENOMEM, raw_offline(c->fd, n0, h0.nodes[n0].avail_pages + 1));
	EXPECT_ERR(ENOMEM, raw_offline(c->fd, n0, ~0ULL));
	EXPECT_ERR(EINVAL, raw_online(c->fd, n0, h0.nodes[n0].offlined_pages + 1));
	EXPECT_ERR(EINVAL, raw_online(c->fd, n0, ~0ULL));
	h1 = nc_host(_metadata, c);
	EXPECT_EQ(0, memcmp(&h0, &h1, sizeof(h0)))
		TH_LOG("a failed OFFLINE/ONLINE changed HOST_INFO");
	EXPECT_OK(raw_offline(c->fd, n0, 0));
	EXPECT_OK(raw_online(c->fd, n0, 0));
}

/*
 * Offline and online a whole node's pool while another thread's HOST_INFO
 * ioctls keep completing: no hold of the heap lock handles more than the
 * module's batch of frames, and every snapshot the reader takes adds up
 * (reserved = avail + offlined: no domain exists).
 */
struct nc_reader {
	int fd;
	volatile int stop;
	volatile unsigned long rounds;
	unsigned long inconsistent;
};

static void *nc_reader_fn(void *arg)
{
	struct nc_reader *r = arg;
	struct numaclaims_host_info hi;
	unsigned int n;

	while (!r->stop) {
		if (nc_host_info(r->fd, &hi)) {
			r->inconsistent++;
			continue;
		}
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (hi.nodes[n].reserved_pages !=
			    hi.nodes[n].avail_pages + hi.nodes[n].offlined_pages)
				r->inconsistent++;
		r->rounds++;
	}
	return NULL;
}

TEST_F(offline, whole_pool_in_bounded_lock_holds)
{
	struct nc_ctx *c = &self->ctx;
	struct nc_reader r = { .fd = c->fd };
	unsigned long r0, r1;
	unsigned int n0 = c->pool[0], batch = 0;
	__u64 pages = c->base.nodes[n0].avail_pages, max_frames = 0;
	pthread_t th;

	ASSERT_OK(nc_lock_holds(&max_frames, &batch, true));
	ASSERT_LT(0, batch);
	ASSERT_LT(batch, pages) TH_LOG("the pool is too small to need batches");
	ASSERT_EQ(0, pthread_create(&th, NULL, nc_reader_fn, &r));
	while (!r.rounds)
		usleep(1000);
	r0 = r.rounds;
	EXPECT_OK(raw_offline(c->fd, n0, pages));
	r1 = r.rounds;
	EXPECT_OK(raw_online(c->fd, n0, pages));
	r.stop = 1;
	pthread_join(th, NULL);
	ASSERT_OK(nc_lock_holds(&max_frames, &batch, false));
	TH_LOG("%llu pages off and on: at most %llu frames per hold (batch %u); %lu HOST_INFO calls completed during the offline",
	       (unsigned long long)pages, (unsigned long long)max_frames,
	       batch, r1 - r0);
	EXPECT_LT(0, max_frames);
	EXPECT_GE(batch, max_frames);
	EXPECT_EQ(0, r.inconsistent);
	nc_expect_baseline(_metadata, c);
	EXPECT_INVARIANTS();
}

TEST_F(offline, offline_and_online)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi;
	unsigned int n0 = c->pool[0];
	const struct numaclaims_node_info *b = &c->base.nodes[n0];
	__u64 done, g = 0, all;
	__u32 d;

	ASSERT_OK(raw_offline(c->fd, n0, 100));
	hi = nc_host(_metadata, c);
	EXPECT_EQ(b->avail_pages - 100, hi.nodes[n0].avail_pages);
	EXPECT_EQ(b->offlined_pages + 100, hi.nodes[n0].offlined_pages);
	EXPECT_EQ(b->reserved_pages, hi.nodes[n0].reserved_pages);
	EXPECT_EQ(c->base.total_avail_pages - 100, hi.total_avail_pages);
	EXPECT_INVARIANTS();
	EXPECT_ERR(EINVAL, raw_online(c->fd, n0, 101));
	EXPECT_OK(raw_online(c->fd, n0, 40));
	EXPECT_OK(raw_online(c->fd, n0, 60));
	nc_expect_baseline(_metadata, c);

	/* Offlined pages cannot be allocated. */
	d = nc_new_dom(_metadata, c, ~0ULL);
	all = b->avail_pages;
	ASSERT_OK(raw_offline(c->fd, n0, all - 10));
	EXPECT_ERR(ENOMEM, raw_populate_range(c->fd, d, 0, 11, 0,
					     NC_NODE(n0) | NC_EXACT, &done));
	EXPECT_EQ(10, done);
	EXPECT_ERR(ENOMEM, raw_offline(c->fd, n0, 1));	/* none free */
	EXPECT_OK(raw_decrease_range(c->fd, d, 0, 10, 0, &done));
	ASSERT_OK(raw_offline(c->fd, n0, 10));
	EXPECT_EQ(0, nc_host(_metadata, c).nodes[n0].avail_pages);
	g = 100;
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, d, &g, 1, 0,
				       NC_NODE(n0) | NC_EXACT, &done));
	EXPECT_INVARIANTS();
	EXPECT_OK(raw_online(c->fd, n0, all));
	/* Onlined pages are allocatable again, also as whole 2 MiB extents. */
	g = 512;
	EXPECT_OK(raw_populate(c->fd, d, &g, 1, 9, NC_NODE(n0) | NC_EXACT,
			      &done));
	EXPECT_OK(raw_destroy(c->fd, d));
	nc_expect_baseline(_metadata, c);
}

/* Node claims on the node are recalled from the newest domain first. */
TEST_F(offline, recall_node_claims_newest_first)
{
	struct nc_ctx *c = &self->ctx;
	__u64 off[NUMACLAIMS_MAX_NODES] = { 0 }, w[NUMACLAIMS_MAX_NODES] = { 0 };
	unsigned int n0 = c->pool[0];
	__u64 avail0 = c->base.nodes[n0].avail_pages;
	__u32 older = nc_new_dom(_metadata, c, 1000);
	__u32 newer = nc_new_dom(_metadata, c, 1000);

	ASSERT_OK(NC_SET(c->fd, older, CLAIM(100, n0)));
	ASSERT_OK(NC_SET(c->fd, newer, CLAIM(100, n0)));
	off[n0] = avail0 - 150;
	ASSERT_OK(raw_offline(c->fd, n0, off[n0]));
	w[n0] = 100;
	nc_expect_claims(_metadata, c, older, w, 0);
	w[n0] = 50;
	nc_expect_claims(_metadata, c, newer, w, 0);
	EXPECT_INVARIANTS();
	ASSERT_OK(raw_offline(c->fd, n0, 100));
	off[n0] += 100;
	nc_expect_claims(_metadata, c, older, w, 0);
	nc_expect_claims(_metadata, c, newer, NULL, 0);
	EXPECT_EQ(50, nc_host(_metadata, c).nodes[n0].outstanding_claims);
	EXPECT_INVARIANTS();
	/* Onlining does not restore recalled claims. */
	nc_online_all(_metadata, c, off);
	nc_expect_claims(_metadata, c, older, w, 0);
	nc_expect_claims(_metadata, c, newer, NULL, 0);
	EXPECT_OK(raw_destroy(c->fd, older));
	EXPECT_OK(raw_destroy(c->fd, newer));
}

/* Host-wide claims are recalled from the newest domain first. */
TEST_F(offline, recall_host_wide_claims_newest_first)
{
	struct nc_ctx *c = &self->ctx;
	__u64 off[NUMACLAIMS_MAX_NODES] = { 0 };
	unsigned int n0 = c->pool[0];
	__u32 older = nc_new_dom(_metadata, c, ~0ULL);
	__u32 newer = nc_new_dom(_metadata, c, ~0ULL);
	__u64 avail0 = c->base.nodes[n0].avail_pages;

	ASSERT_LE(2000, avail0);
	ASSERT_OK(NC_SET(c->fd, older, CLAIM(1000, NC_HOST)));
	ASSERT_OK(NC_SET(c->fd, newer, CLAIM(1000, NC_HOST)));
	/* Every node but n0 out of service: no recall yet. */
	nc_offline_all_but(_metadata, c, n0, avail0, off);
	nc_expect_claims(_metadata, c, older, NULL, 1000);
	nc_expect_claims(_metadata, c, newer, NULL, 1000);
	ASSERT_OK(raw_offline(c->fd, n0, avail0 - 1500));
	off[n0] += avail0 - 1500;
	nc_expect_claims(_metadata, c, older, NULL, 1000);
	nc_expect_claims(_metadata, c, newer, NULL, 500);
	EXPECT_INVARIANTS();
	ASSERT_OK(raw_offline(c->fd, n0, 1000));
	off[n0] += 1000;
	nc_expect_claims(_metadata, c, older, NULL, 500);
	nc_expect_claims(_metadata, c, newer, NULL, 0);
	EXPECT_EQ(500, nc_host(_metadata, c).outstanding_claims);
	EXPECT_INVARIANTS();
	nc_online_all(_metadata, c, off);
	nc_expect_claims(_metadata, c, older, NULL, 500);
	EXPECT_OK(raw_destroy(c->fd, older));
	EXPECT_OK(raw_destroy(c->fd, newer));
}

/* Offlining every free page: claims go to zero, no counter wraps. */
TEST_F(offline, offline_everything_recalls_everything)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	__u64 off[NUMACLAIMS_MAX_NODES] = { 0 }, w[NUMACLAIMS_MAX_NODES] = { 0 };
	unsigned int n0 = c->pool[0], i;
	__u64 u0 = nc_node_unclaimed(&hi, n0), rest = nc_host_unclaimed(&hi) - u0;
	__u32 a = nc_new_dom(_metadata, c, ~0ULL);
	__u32 b = nc_new_dom(_metadata, c, ~0ULL);
	__u64 done, g = 0;

	ASSERT_OK(NC_SET(c->fd, a, CLAIM(u0 - 100, n0), CLAIM(100, NC_HOST)));
	ASSERT_OK(NC_SET(c->fd, b, CLAIM(rest, NC_HOST)));
	off[n0] = u0;
	ASSERT_OK(raw_offline(c->fd, n0, off[n0]));
	/* a's node claim is gone; the host recall takes the newest (b) first. */
	nc_expect_claims(_metadata, c, a, NULL, rest < 100 ? rest : 100);
	nc_expect_claims(_metadata, c, b, NULL, rest < 100 ? 0 : rest - 100);
	EXPECT_INVARIANTS();
	for (i = 1; i < c->nr_pool; i++) {
		unsigned int n = c->pool[i];

		off[n] = nc_host(_metadata, c).nodes[n].avail_pages;
		ASSERT_OK(raw_offline(c->fd, n, off[n]));
	}
	hi = nc_host(_metadata, c);
	EXPECT_EQ(0, hi.total_avail_pages);
	EXPECT_EQ(0, hi.outstanding_claims);
	for (i = 0; i < c->nr_pool; i++) {
		EXPECT_EQ(0, hi.nodes[c->pool[i]].avail_pages);
		EXPECT_EQ(0, hi.nodes[c->pool[i]].outstanding_claims);
	}
	nc_expect_claims(_metadata, c, a, w, 0);
	nc_expect_claims(_metadata, c, b, NULL, 0);
	EXPECT_INVARIANTS();
	EXPECT_ERR(ENOMEM, raw_populate(c->fd, a, &g, 1, 0, 0, &done));
	nc_online_all(_metadata, c, off);
	nc_expect_claims(_metadata, c, a, NULL, 0);
	EXPECT_OK(raw_populate(c->fd, a, &g, 1, 0, 0, &done));
	EXPECT_OK(raw_destroy(c->fd, a));
	EXPECT_OK(raw_destroy(c->fd, b));
}
