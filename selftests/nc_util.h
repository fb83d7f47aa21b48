/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nc_util.h - helpers shared by the numaclaims kselftests.
 *
 * Included by numaclaims_test.c after kselftest_harness.h.  The tests talk
 * to /dev/numaclaims with raw ioctls through the uapi header only (no
 * libclaims), so a bug in the library cannot hide a bug in the module.
 *
 * Every wrapper returns 0 or -errno (never relies on errno afterwards).
 * Helpers that take a struct __test_metadata *_metadata may use the
 * harness's ASSERT_* / EXPECT_* macros; never call those from a forked
 * child (an ASSERT would longjmp into the child's copy of the harness).
 *
 * Every fixture is made with NC_FIXTURE(): FIXTURE_SETUP takes a baseline of
 * every HOST_INFO counter, FIXTURE_TEARDOWN checks after EVERY test that the
 * debugfs invariant checker says "ok", that no domain is left (leaked ones
 * are destroyed and fail the test), that no page is left offlined, and that
 * every counter is back at its baseline (the hugetlb-tests leak check).
 */
#ifndef NC_UTIL_H
#define NC_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/numaclaims.h>
#include "raw_ioctl.h"		/* the raw ioctls, errno names, page hook */

#define NC_DEV		RAW_DEVICE
#define NC_DEBUGFS	RAW_DEBUGFS
/*
 * How long a released held page may wait for the reaper: while a page stays
 * held, passes back off to one every 5 s (module/pool.c, NC_REAP_MAX_INTERVAL).
 */
#define NC_REAP_WAIT_MS	12000
#define NC_HOST		NUMACLAIMS_TARGET_HOST
#define NC_LEGACY	NUMACLAIMS_TARGET_LEGACY
#define NC_EXACT	NUMACLAIMS_MEMF_EXACT_NODE
#define NC_NOREF	NUMACLAIMS_MEMF_NO_REFCOUNT
#define NC_NODE(n)	NUMACLAIMS_MEMF_NODE(n)
#define NC_PAGE		4096UL

/* A claim set entry, for compound literals: CLAIM(10, NC_HOST). */
#define CLAIM(p, t)	((struct numaclaims_claim){ .pages = (p), .target = (t) })
/* A superpage claim of @p pages (a multiple of NC_SP_PAGES) on node @n. */
#define SPCLAIM(p, n)	((struct numaclaims_claim){ .pages = (p), .target = (n), \
			  .cmd = NUMACLAIMS_CLAIM_SUPERPAGES })
#define NC_SP_PAGES	((__u64)NUMACLAIMS_SUPERPAGE_PAGES)
#define NC_SUPER	NUMACLAIMS_MEMF_SUPERPAGE

/*
 * EXPECT/ASSERT that an expression returning 0/-errno gives errno @e (0 for
 * success).  A mismatch is logged with names ("expected EINVAL, got
 * ENOMEM"); like the harness's own checks they can be followed by TH_LOG().
 */
#define NC_RC(e, expr, str) ({					\
	int __rc = (expr);						\
	if (__rc != -(e))						\
		__TH_LOG("%s: expected %s, got %s (%d)", str,		\
			 raw_errname(e), raw_errname(__rc), __rc);	\
	__rc;								\
})
#define EXPECT_ERR(e, expr)	EXPECT_EQ(-(e), NC_RC(e, expr, #expr))
#define ASSERT_ERR(e, expr)	ASSERT_EQ(-(e), NC_RC(e, expr, #expr))
#define EXPECT_OK(expr)	EXPECT_ERR(0, expr)
#define ASSERT_OK(expr)	ASSERT_ERR(0, expr)

/* @req with its size field replaced (extensible-struct tests). */
#define NC_IOC_RESIZE(req, size)					\
	_IOC(_IOC_DIR(req), _IOC_TYPE(req), _IOC_NR(req), (size))
/* @req with its direction bits replaced (ENOTTY tests). */
#define NC_IOC_REDIR(req, dir)						\
	_IOC((dir), _IOC_TYPE(req), _IOC_NR(req), _IOC_SIZE(req))

struct nc_ioctl_def {
	const char *name;
	unsigned long cmd;
	bool mutating;		/* needs CAP_SYS_ADMIN */
	unsigned int minsz;	/* first version's size, if it has grown */
};

/* The smallest struct size an ioctl accepts. */
static inline unsigned int nc_ioctl_minsz(const struct nc_ioctl_def *def)
{
	return def->minsz ? def->minsz : _IOC_SIZE(def->cmd);
}

/* Every ioctl of the uapi (CLAIM_MEMORY: SET mutates, GET does not). */
static const struct nc_ioctl_def nc_ioctl_defs[] = {
	{ "API_VERSION", NUMACLAIMS_IOC_API_VERSION, false },
	{ "DOMAIN_CREATE", NUMACLAIMS_IOC_DOMAIN_CREATE, true },
	{ "DOMAIN_DESTROY", NUMACLAIMS_IOC_DOMAIN_DESTROY, true },
	{ "SET_MAX_PAGES", NUMACLAIMS_IOC_SET_MAX_PAGES, true },
	{ "SET_NODE_AFFINITY", NUMACLAIMS_IOC_SET_NODE_AFFINITY, true },
	{ "CLAIM_MEMORY", NUMACLAIMS_IOC_CLAIM_MEMORY, true },
	{ "CLAIM_PAGES", NUMACLAIMS_IOC_CLAIM_PAGES, true },
	{ "POPULATE_PHYSMAP", NUMACLAIMS_IOC_POPULATE_PHYSMAP, true },
	{ "DECREASE_RESERVATION", NUMACLAIMS_IOC_DECREASE_RESERVATION, true },
	{ "DOMAIN_INFO", NUMACLAIMS_IOC_DOMAIN_INFO, false,
	  NUMACLAIMS_DOMAIN_INFO_SIZE_VER1 },
	{ "HOST_INFO", NUMACLAIMS_IOC_HOST_INFO, false,
	  NUMACLAIMS_HOST_INFO_SIZE_VER1 },
	{ "OFFLINE_PAGES", NUMACLAIMS_IOC_OFFLINE_PAGES, true },
	{ "ONLINE_PAGES", NUMACLAIMS_IOC_ONLINE_PAGES, true },
	{ "DOMAIN_OPEN", NUMACLAIMS_IOC_DOMAIN_OPEN, true },
	{ "POOL_RESIZE", NUMACLAIMS_IOC_POOL_RESIZE, true },
};
#define NC_NR_IOCTLS	(sizeof(nc_ioctl_defs) / sizeof(nc_ioctl_defs[0]))

/* Install a claim set given inline: NC_SET(fd, d, CLAIM(..), CLAIM(..)). */
#define NC_SET(fd, domid, ...)						\
	raw_claim_set((fd), (domid),					\
		     (const struct numaclaims_claim[]){ __VA_ARGS__ },	\
		     sizeof((struct numaclaims_claim[]){ __VA_ARGS__ }) /	\
		     sizeof(struct numaclaims_claim))

/* Is background scrubbing on (the module's scrub= parameter)? */
static inline int nc_scrub_enabled(void)
{
	char c = 'N';
	FILE *f = fopen("/sys/module/numaclaims/parameters/scrub", "r");

	if (f) {
		if (fscanf(f, "%c", &c) != 1)
			c = 'N';
		fclose(f);
	}
	return c == 'Y' || c == '1';
}

/*
 * HOST_INFO once the background scrubbers are done with what was freed
 * (scrub_pages back to 0, within 20 s), so that figures taken before and
 * after an operation compare whole.  With scrub=0 nothing is scrubbed in
 * the background: the figures as they are.
 */
static inline int nc_host_info(int fd, struct numaclaims_host_info *hi)
{
	int r, tries = 20000, on = -1;

	for (;;) {
		r = raw_host_info_now(fd, hi);
		if (r || !hi->total_scrub_pages)
			return r;
		if (on < 0)
			on = nc_scrub_enabled();
		if (!on || !tries--)
			return r;
		usleep(1000);
	}
}

static inline __u64 nc_host_wide(const struct numaclaims_domain_info *di)
{
	return di->outstanding_pages - di->node_claims;
}

static inline __u64 nc_host_unclaimed(const struct numaclaims_host_info *hi)
{
	return hi->total_avail_pages - hi->outstanding_claims;
}

static inline __u64 nc_node_unclaimed(const struct numaclaims_host_info *hi,
				      unsigned int node)
{
	return hi->nodes[node].avail_pages - hi->nodes[node].outstanding_claims;
}

/* --------------------------------------------------------------------------
 * debugfs: the invariant checker and the page hook.
 */

/* Read the invariant checker into @buf ("ok\n" when all is well). */
/*
 * Read the debugfs figures file @name ("key=value" lines) into @buf, then
 * reset its counters with @reset.  Returns 0 or -errno.
 */
static inline int nc_debugfs_figures(const char *name, char *buf, size_t len,
				     bool reset)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), NC_DEBUGFS "/%s", name);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n <= 0) {
		close(fd);
		return -EIO;
	}
	buf[n] = 0;
	if (reset && write(fd, "0\n", 2) != 2)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

/* The value after @key in @buf, or ~0 if @key is not there. */
static inline __u64 nc_kv(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : ~0ULL;
}

/*
 * debugfs "lock_holds": the most frames one heap-lock hold of a bulk path
 * handled since the last reset, and the module's bound; reset it with
 * @reset.  Returns 0 or -errno.
 */
static inline int nc_lock_holds(__u64 *max_frames, unsigned int *batch,
				bool reset)
{
	char buf[512];
	int ret = nc_debugfs_figures("lock_holds", buf, sizeof(buf), reset);

	if (ret)
		return ret;
	*max_frames = nc_kv(buf, "max_frames=");
	*batch = nc_kv(buf, "batch=") == ~0ULL ? 0 :
		 (unsigned int)nc_kv(buf, "batch=");
	return 0;
}

/* debugfs "reaper": what the reaper of held pages did (see module/debugfs.c). */
struct nc_reaper {
	__u64 passes, visited, last_visited, reaped, still_held;
	unsigned int interval_ms, queued;
};

/* Read the reaper's figures (and reset its counters with @reset): 0 or -errno. */
static inline int nc_reaper(struct nc_reaper *r, bool reset)
{
	char buf[512];
	int ret = nc_debugfs_figures("reaper", buf, sizeof(buf), reset);

	if (ret)
		return ret;
	r->passes = nc_kv(buf, "passes=");
	r->visited = nc_kv(buf, "\nvisited=");
	r->last_visited = nc_kv(buf, "last_visited=");
	r->reaped = nc_kv(buf, "\nreaped=");
	r->still_held = nc_kv(buf, "still_held=");
	r->interval_ms = (unsigned int)nc_kv(buf, "interval_ms=");
	r->queued = (unsigned int)nc_kv(buf, "queued=");
	return 0;
}

/*
 * debugfs "lock_holds": the extents decrease freed and the unmap calls it
 * made for them since the last reset.  Returns 0 or -errno.
 */
static inline int nc_decrease_unmaps(__u64 *extents, __u64 *unmaps)
{
	char buf[512];
	const char *p;
	ssize_t n;
	int fd = open(NC_DEBUGFS "/lock_holds", O_RDONLY);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	p = strstr(buf, "decrease_extents=");
	if (!p)
		return -ENOENT;
	*extents = strtoull(p + 17, NULL, 10);
	p = strstr(buf, "decrease_unmaps=");
	if (!p)
		return -ENOENT;
	*unmaps = strtoull(p + 16, NULL, 10);
	return 0;
}

/* A number read from a sysfs file, or -1. */
static inline long nc_sysfs_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/*
 * The module's reference count (/sys/module/numaclaims/refcnt): every open
 * numaclaims file, every domain and, while any page is held, the held
 * pages hold one.  -1 if it cannot be read (built in, or no sysfs).
 */
static inline long nc_module_refcnt(void)
{
	return nc_sysfs_long("/sys/module/numaclaims/refcnt");
}

static inline int nc_invariants(char *buf, size_t len)
{
	int fd = open(NC_DEBUGFS "/invariants", O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		snprintf(buf, len, "cannot open %s/invariants: %s\n",
			 NC_DEBUGFS, strerror(errno));
		return -errno;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0) {
		snprintf(buf, len, "read invariants: %s\n", strerror(errno));
		return -EIO;
	}
	buf[n] = 0;
	return strcmp(buf, "ok\n") ? -EUCLEAN : 0;
}

#define EXPECT_INVARIANTS() do {					\
	char __inv[256];						\
	EXPECT_EQ(0, nc_invariants(__inv, sizeof(__inv)))		\
		TH_LOG("invariants: %s", __inv);			\
} while (0)
#define ASSERT_INVARIANTS() do {					\
	char __inv[256];						\
	ASSERT_EQ(0, nc_invariants(__inv, sizeof(__inv)))		\
		TH_LOG("invariants: %s", __inv);			\
} while (0)

/*
 * Sum page @gfn of @domid: non-zero bytes and its first u64; @node (if not
 * NULL) gets the node numaclaims placed the page on.
 */
static inline int nc_page_sum_node(__u32 domid, __u64 gfn, __u64 *nonzero,
				   __u64 *first, int *node)
{
	int pfd = raw_page_open(), rc;

	if (pfd < 0)
		return pfd;
	rc = raw_page_sum(pfd, domid, gfn, nonzero, first, node);
	close(pfd);
	return rc;
}

static inline int nc_page_sum(__u32 domid, __u64 gfn, __u64 *nonzero,
			      __u64 *first)
{
	return nc_page_sum_node(domid, gfn, nonzero, first, NULL);
}

/* --------------------------------------------------------------------------
 * The per-test context, setup and teardown.
 */
struct nc_ctx {
	int fd;					/* /dev/numaclaims */
	struct numaclaims_host_info base;	/* baseline of every counter */
	unsigned int nr_nodes;			/* HOST_INFO.nr_nodes */
	unsigned int nr_pool;			/* nodes with a pool */
	unsigned int pool[NUMACLAIMS_MAX_NODES];/* their ids, ascending */
	__u64 pool_mask;
	unsigned int no_pool_node;		/* an id < 64 without a pool */
	void *bad;				/* a PROT_NONE page: EFAULT */
};

/*
 * Which test is running, for the next fixture: nc_setup() writes
 * "fixture.test" here and nc_teardown() removes it when it is done.  A file
 * still there at the next setup means that test never finished its teardown
 * (the harness killed it at its timeout, or it crashed), so what it left
 * behind is its own, not the next test's.
 */
#define NC_RUNNING_FILE	"/tmp/numaclaims_test.running"

/* Destroy every domain; the first @verbose are named.  Returns how many. */
static inline int nc_destroy_all(struct __test_metadata *_metadata, int fd,
				 int verbose)
{
	struct numaclaims_domain_info di;
	int n = 0;

	for (;;) {
		memset(&di, 0, sizeof(di));
		di.flags = NUMACLAIMS_INFO_NEXT;
		if (raw_ioc(fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di))
			break;
		if (n < verbose)
			TH_LOG("leak check: domain %u left (tot %llu, outstanding %llu); destroying it",
			       di.domid, (unsigned long long)di.tot_pages,
			       (unsigned long long)di.outstanding_pages);
		n++;
		if (raw_destroy(fd, di.domid)) {
			TH_LOG("cannot destroy domain %u", di.domid);
			break;
		}
	}
	return n;
}

/*
 * Online the pages each node has offlined above @base (every offlined page
 * with no @base); with @verbose each such node is named.  Returns how many
 * nodes had some, and adds the pages onlined to *@onlined.
 */
static inline int nc_online_above(struct __test_metadata *_metadata, int fd,
				  const struct numaclaims_host_info *base,
				  bool verbose, __u64 *onlined)
{
	struct numaclaims_host_info hi;
	int n, nodes = 0;

	if (nc_host_info(fd, &hi))
		return 0;
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		__u64 now = hi.nodes[n].offlined_pages;
		__u64 was = base ? base->nodes[n].offlined_pages : 0;

		if (now <= was)
			continue;
		if (verbose)
			TH_LOG("leak check: node %d has %llu pages offlined, baseline %llu; onlining",
			       n, (unsigned long long)now,
			       (unsigned long long)was);
		if (!raw_online(fd, n, now - was))
			*onlined += now - was;
		nodes++;
	}
	return nodes;
}

/*
 * A test that never reached its teardown left its domains and offlined
 * pages behind: destroy and online them, and say whose they were, so that
 * one killed test costs one "not ok" and not every test after it.
 */
static inline void nc_clean_after_killed_test(struct __test_metadata *_metadata,
					      int fd)
{
	char who[256] = "";
	ssize_t len;
	int rfd, doms;
	__u64 onlined = 0;

	rfd = open(NC_RUNNING_FILE, O_RDONLY | O_CLOEXEC);
	if (rfd < 0)
		return;
	len = read(rfd, who, sizeof(who) - 1);
	close(rfd);
	who[len > 0 ? len : 0] = 0;
	doms = nc_destroy_all(_metadata, fd, 0);
	nc_online_above(_metadata, fd, NULL, false, &onlined);
	if (doms || onlined)
		TH_LOG("%s did not finish its teardown: destroyed the %d domain(s) and onlined the %llu page(s) it left",
		       who, doms, (unsigned long long)onlined);
	unlink(NC_RUNNING_FILE);
}

static inline void nc_setup(struct __test_metadata *_metadata,
			    struct nc_ctx *c)
{
	unsigned int n;
	int rfd;

	memset(c, 0, sizeof(*c));
	c->fd = open(NC_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, c->fd) TH_LOG("open %s: %s", NC_DEV, strerror(errno));
	nc_clean_after_killed_test(_metadata, c->fd);
	rfd = open(NC_RUNNING_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   0644);
	if (rfd >= 0) {
		dprintf(rfd, "%s.%s", _metadata->fixture->name,
			_metadata->name);
		close(rfd);
	}
	c->bad = mmap(NULL, NC_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	ASSERT_NE(MAP_FAILED, c->bad);
	ASSERT_OK(nc_host_info(c->fd, &c->base));
	ASSERT_EQ(0, c->base.nr_domains)
		TH_LOG("%u domains exist before the test, and no test of this run left them",
		       c->base.nr_domains);
	ASSERT_INVARIANTS();
	c->nr_nodes = c->base.nr_nodes;
	c->no_pool_node = NUMACLAIMS_MAX_NODES;
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		if (c->base.nodes[n].has_pool) {
			c->pool[c->nr_pool++] = n;
			c->pool_mask |= 1ULL << n;
		} else if (c->no_pool_node == NUMACLAIMS_MAX_NODES) {
			c->no_pool_node = n;
		}
	}
	ASSERT_LT(0, c->nr_pool) TH_LOG("the module has no pool at all");
	ASSERT_GT(NUMACLAIMS_MAX_NODES, c->no_pool_node);
}

static inline int nc_report_counter(struct __test_metadata *_metadata,
				    const char *what, int node,
				    __u64 base, __u64 now)
{
	if (base == now)
		return 0;
	if (node < 0)
		TH_LOG("leak check: %s is %llu, baseline %llu", what,
		       (unsigned long long)now, (unsigned long long)base);
	else
		TH_LOG("leak check: node %d %s is %llu, baseline %llu", node,
		       what, (unsigned long long)now, (unsigned long long)base);
	return 1;
}

static inline void nc_teardown(struct __test_metadata *_metadata,
			       struct nc_ctx *c)
{
	struct numaclaims_host_info hi;
	int leaked, diffs = 0, n;
	__u64 onlined = 0;

	/* No ASSERT here: an ASSERT in teardown would longjmp back into it. */
	EXPECT_INVARIANTS();

	/* Domains the test left behind: report, then destroy them. */
	leaked = nc_destroy_all(_metadata, c->fd, 10);
	EXPECT_EQ(0, leaked) TH_LOG("%d domain(s) leaked", leaked);

	/* Pages the test left offlined: report, then online them. */
	diffs += nc_online_above(_metadata, c->fd, &c->base, true, &onlined);
	if (leaked || diffs)
		EXPECT_INVARIANTS();

	EXPECT_OK(nc_host_info(c->fd, &hi));
	diffs += nc_report_counter(_metadata, "nr_nodes", -1,
				   c->base.nr_nodes, hi.nr_nodes);
	diffs += nc_report_counter(_metadata, "nr_domains", -1,
				   c->base.nr_domains, hi.nr_domains);
	diffs += nc_report_counter(_metadata, "total_avail_pages", -1,
				   c->base.total_avail_pages,
				   hi.total_avail_pages);
	diffs += nc_report_counter(_metadata, "outstanding_claims", -1,
				   c->base.outstanding_claims,
				   hi.outstanding_claims);
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		const struct numaclaims_node_info *b = &c->base.nodes[n];
		const struct numaclaims_node_info *h = &hi.nodes[n];

		diffs += nc_report_counter(_metadata, "reserved_pages", n,
					   b->reserved_pages,
					   h->reserved_pages);
		diffs += nc_report_counter(_metadata, "avail_pages", n,
					   b->avail_pages, h->avail_pages);
		diffs += nc_report_counter(_metadata, "outstanding_claims", n,
					   b->outstanding_claims,
					   h->outstanding_claims);
		diffs += nc_report_counter(_metadata, "offlined_pages", n,
					   b->offlined_pages,
					   h->offlined_pages);
		diffs += nc_report_counter(_metadata, "has_pool", n,
					   b->has_pool, h->has_pool);
		diffs += nc_report_counter(_metadata, "held_pages", n,
					   c->base.held_pages[n],
					   hi.held_pages[n]);
		diffs += nc_report_counter(_metadata, "superpages.reserved_pages",
					   n, c->base.superpages[n].reserved_pages,
					   hi.superpages[n].reserved_pages);
		diffs += nc_report_counter(_metadata, "superpages.free_pages",
					   n, c->base.superpages[n].free_pages,
					   hi.superpages[n].free_pages);
		diffs += nc_report_counter(_metadata,
					   "superpages.outstanding_claims", n,
					   c->base.superpages[n].outstanding_claims,
					   hi.superpages[n].outstanding_claims);
		diffs += nc_report_counter(_metadata, "superpages.held_pages",
					   n, c->base.superpages[n].held_pages,
					   hi.superpages[n].held_pages);
	}
	diffs += nc_report_counter(_metadata, "total_held_pages", -1,
				   c->base.total_held_pages,
				   hi.total_held_pages);
	EXPECT_EQ(0, diffs) TH_LOG("%d counter(s) differ from the baseline",
				   diffs);
	if (c->bad && c->bad != MAP_FAILED)
		munmap(c->bad, NC_PAGE);
	close(c->fd);
	unlink(NC_RUNNING_FILE);
}

/* A fixture with the standard setup/leak-check teardown. */
#define NC_FIXTURE(name)						\
	FIXTURE(name) { struct nc_ctx ctx; };				\
	FIXTURE_SETUP(name) { nc_setup(_metadata, &self->ctx); }	\
	FIXTURE_TEARDOWN(name) { nc_teardown(_metadata, &self->ctx); }

/* SKIP the test unless at least @n nodes have a pool. */
#define NC_NEED_POOL_NODES(c, n) do {					\
	if ((c)->nr_pool < (n))						\
		SKIP(return, "needs %d nodes with a pool, have %u",	\
		     (n), (c)->nr_pool);				\
} while (0)

/* --------------------------------------------------------------------------
 * Checked helpers for test bodies (ASSERT on failure).
 */
static inline __u32 nc_new_dom(struct __test_metadata *_metadata,
			       struct nc_ctx *c, __u64 max_pages)
{
	__u32 domid = 0;

	ASSERT_OK(raw_create(c->fd, max_pages, 0, &domid));
	ASSERT_NE(0, domid);
	return domid;
}

static inline struct numaclaims_domain_info
nc_dom(struct __test_metadata *_metadata, struct nc_ctx *c, __u32 domid)
{
	struct numaclaims_domain_info di;

	ASSERT_OK(raw_dom_info(c->fd, domid, &di));
	return di;
}

static inline struct numaclaims_host_info
nc_host(struct __test_metadata *_metadata, struct nc_ctx *c)
{
	struct numaclaims_host_info hi;

	ASSERT_OK(nc_host_info(c->fd, &hi));
	return hi;
}

/* Check a domain's whole claim set: claims[] per node and host-wide part. */
static inline void nc_expect_claims(struct __test_metadata *_metadata,
				    struct nc_ctx *c, __u32 domid,
				    const __u64 *node_claims, __u64 host_wide)
{
	struct numaclaims_domain_info di = nc_dom(_metadata, c, domid);
	__u64 sum = 0;
	int n;

	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		__u64 want = node_claims ? node_claims[n] : 0;

		EXPECT_EQ(want, di.claims[n])
			TH_LOG("domain %u claim on node %d", domid, n);
		sum += want;
	}
	EXPECT_EQ(sum, di.node_claims) TH_LOG("domain %u node_claims", domid);
	EXPECT_EQ(sum + host_wide, di.outstanding_pages)
		TH_LOG("domain %u outstanding_pages (host-wide %llu)", domid,
		       (unsigned long long)host_wide);
}

/* Sum of a domain's per-node physmap pages. */
static inline __u64 nc_sum_node_pages(const struct numaclaims_domain_info *di)
{
	__u64 s = 0;
	int n;

	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
		s += di->node_pages[n];
	return s;
}

/* Take every unclaimed page of every pool node out of service except @keep
 * pages on @keep_node; returns the pages offlined per node in @off[]. */
static inline void nc_offline_all_but(struct __test_metadata *_metadata,
				      struct nc_ctx *c, unsigned int keep_node,
				      __u64 keep, __u64 *off)
{
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	unsigned int i;

	for (i = 0; i < c->nr_pool; i++) {
		unsigned int n = c->pool[i];
		__u64 avail = hi.nodes[n].avail_pages;

		off[n] = n == keep_node ? (avail > keep ? avail - keep : 0) :
					  avail;
		ASSERT_OK(raw_offline(c->fd, n, off[n]));
	}
}

static inline void nc_online_all(struct __test_metadata *_metadata,
				 struct nc_ctx *c, __u64 *off)
{
	unsigned int i;

	for (i = 0; i < c->nr_pool; i++) {
		unsigned int n = c->pool[i];

		if (off[n])
			EXPECT_OK(raw_online(c->fd, n, off[n]));
		off[n] = 0;
	}
}

#endif /* NC_UTIL_H */
