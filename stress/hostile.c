// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: every ioctl of /dev/numaclaims with what a hostile or broken
 * caller sends -- bad pointers (NULL, kernel addresses, structures running
 * into an unmapped page, read-only structures), short and overlong structs,
 * non-zero reserved fields and padding, unknown flags and modes, huge
 * nr_entries and nr_extents, page counts whose sum overflows, orders above
 * 9, bad gfns, absent domains, unknown ioctl numbers and directions, and
 * finally random ioctl numbers with random bytes.
 *
 * Each input must get the errno uapi/linux/numaclaims.h documents and must
 * change nothing: the host, three probe domains (one with pages and claims)
 * and the domain count are compared before and after every call.  No call
 * may take long (no giant kernel allocation, no soft lockup), except the one
 * populate that is meant to run the pool dry.
 *
 * usage: hostile [--random N] [--enospc] [--churn-limit BYTES] [--seed S]
 *
 * --churn-limit: kernel memory a file may keep per AUTODESTROY domain it
 * created and destroyed (default 512 bytes; the debug kernel's KASAN
 * quarantine holds freed objects back, so run_vm.sh allows 2048 there).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib.h"

#define PAGE		4096UL
/* Room for the largest struct (HOST_INFO since version 3 is over a page). */
#define GUARD		(2 * PAGE)
#define SLOW_US		2000000ULL	/* no hostile call may take 2 s */
#define KERNEL_PTR	((void *)0xffff888000000000ULL)

static int fd;
static u32 P, Q, R;		/* probe domains: populated+claimed, empty+huge max, max 0 */
static u32 dead_domid;		/* a destroyed domain's id */
static u32 nr_nodes;
static u32 node0;		/* first node with a pool */
static u32 nopool_node;		/* a node id without a pool (< 64 if any) */
static u64 node0_pages;
static struct numaclaims_claim p_claims[2];

static char *guard;		/* GUARD bytes RW, then a page PROT_NONE */
static char *ro;		/* GUARD read-only bytes */
static char *big;		/* 16 KiB + PROT_NONE page, for size 16383 */

/* ------------------------------------------------------------------------
 * "changes nothing": the host, the three probe domains, their claim sets
 */
struct snap {
	struct numaclaims_host_info host;
	struct numaclaims_domain_info dom[3];
	struct numaclaims_claim claims[3][NUMACLAIMS_MAX_CLAIM_ENTRIES];
	u32 nr_claims[3];
};

static struct snap before, after;

static void snap_take(struct snap *s)
{
	u32 ids[3] = { P, Q, R };
	int i;

	memset(s, 0, sizeof(*s));
	st_hostinfo(fd, &s->host);
	for (i = 0; i < 3; i++) {
		raw_dom_info_flags(fd, ids[i], 0, &s->dom[i]);
		s->nr_claims[i] = NUMACLAIMS_MAX_CLAIM_ENTRIES;
		raw_claim_get(fd, ids[i], s->claims[i], &s->nr_claims[i]);
	}
}

static const char *snap_diff(const struct snap *a, const struct snap *b)
{
	int i;

	if (a->host.nr_domains != b->host.nr_domains)
		return "the number of domains changed";
	if (memcmp(&a->host, &b->host, sizeof(a->host)))
		return "the host accounting changed";
	for (i = 0; i < 3; i++)
		if (memcmp(&a->dom[i], &b->dom[i], sizeof(a->dom[i])))
			return "a probe domain changed";
	if (memcmp(a->claims, b->claims, sizeof(a->claims)) ||
	    memcmp(a->nr_claims, b->nr_claims, sizeof(a->nr_claims)))
		return "a probe domain's claim set changed";
	return NULL;
}

/* ------------------------------------------------------------------------
 * Groups of checks: one TAP line per group, a diagnostic per failing input
 */
static const char *group_name;
static u64 group_tried, group_bad;
static u64 tried, wrong_errno, changed, slow;

static void group_begin(const char *name)
{
	group_name = name;
	group_tried = group_bad = 0;
}

static void group_end(void)
{
	tap_ok(group_bad == 0, "%s: %llu hostile inputs, documented errno, nothing changed%s",
	       group_name, group_tried, group_bad ? " (see failures above)" : "");
}

static void restore(void);

static void verdict(int got, int expect, u64 us, bool check_same, const char *fmt, va_list ap)
{
	const char *diff = NULL;
	char what[200];
	bool bad = false;

	vsnprintf(what, sizeof(what), fmt, ap);
	tried++;
	group_tried++;
	if (got != expect) {
		tap_diag("FAIL %s: %s: got %s, documented %s", group_name, what,
			 raw_errname(got), raw_errname(expect));
		wrong_errno++;
		bad = true;
	}
	if (check_same) {
		snap_take(&after);
		diff = snap_diff(&before, &after);
		if (diff) {
			tap_diag("FAIL %s: %s: %s", group_name, what, diff);
			changed++;
			bad = true;
			restore();
		}
	}
	if (us > SLOW_US) {
		tap_diag("FAIL %s: %s: took %llu ms", group_name, what, us / 1000);
		slow++;
		bad = true;
	}
	if (bad)
		group_bad++;
}

/* EXPECT(-EINVAL, call, "what %d", x): the call's result and no change. */
static void expect_fn(int expect, bool same, int got, u64 us, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void expect_fn(int expect, bool same, int got, u64 us, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verdict(got, expect, us, same, fmt, ap);
	va_end(ap);
}

#define EXPECT_X(same, expect, call, ...) do {				\
		u64 _t0;						\
		int _r;							\
		if (same)						\
			snap_take(&before);				\
		_t0 = st_now_us();					\
		_r = (call);						\
		expect_fn((expect), (same), _r, st_now_us() - _t0, __VA_ARGS__); \
	} while (0)
#define EXPECT(expect, call, ...)	EXPECT_X(true, expect, call, __VA_ARGS__)

static long raw(unsigned int dir, unsigned int nr, unsigned int size, void *arg)
{
	return raw_ioctl(fd, _IOC(dir, NUMACLAIMS_IOC_MAGIC, nr, size), arg);
}

/* ------------------------------------------------------------------------
 * Setup and restore
 */

static void setup_probes(void)
{
	u64 gfn = 1024, done;

	raw_create(fd, 4096, 0, &P);
	st_populate_range(fd, P, 0, 64, 0, 0, &done);
	raw_populate(fd, P, &gfn, 1, 9, NUMACLAIMS_MEMF_NODE(node0), &done);
	p_claims[0] = (struct numaclaims_claim){ 100, node0, 0 };
	p_claims[1] = (struct numaclaims_claim){ 50, NUMACLAIMS_TARGET_HOST, 0 };
	raw_claim_set(fd, P, p_claims, 2);
	raw_create(fd, ~0ULL, 0, &Q);
	raw_create(fd, 0, 0, &R);
	raw_create(fd, 1, 0, &dead_domid);
	raw_destroy(fd, dead_domid);
}

/* Put everything back after a call that changed something it should not. */
static void restore(void)
{
	struct numaclaims_domain_info di;
	struct numaclaims_claim clear = { 0, NUMACLAIMS_TARGET_HOST, 0 };
	u32 next = 1;
	u64 g, done;

	while (!raw_dom_info_flags(fd, next, NUMACLAIMS_INFO_NEXT, &di)) {
		next = di.domid + 1;
		if (di.domid != P && di.domid != Q && di.domid != R)
			raw_destroy(fd, di.domid);
	}
	for (g = 64; g < 1024; g++)
		raw_decrease(fd, P, &g, 1, 0, &done);
	for (g = 0; g < 64; g++)	/* pages a bad call freed */
		raw_populate(fd, P, &g, 1, 0, 0, &done);
	for (g = 1536; g < 8192; g++)
		raw_decrease(fd, P, &g, 1, 0, &done);
	raw_set_max(fd, P, 4096);
	raw_claim_set(fd, P, p_claims, 2);
	raw_claim_set(fd, Q, &clear, 1);
	raw_claim_set(fd, R, &clear, 1);
	raw_set_max(fd, Q, ~0ULL);
	raw_set_max(fd, R, 0);
	st_online_all(fd);
}

/* ------------------------------------------------------------------------
 * The table of ioctls for the generic checks
 */
struct ioc {
	const char *name;
	unsigned int nr, dir, size;
	unsigned int minsz;	/* the first version's size, if it has grown */
	/* a harmless request: fails with @tmpl_errno and changes nothing */
	void (*tmpl)(void *buf);
	int tmpl_errno;
};

static void t_create(void *b)
{
	struct numaclaims_domain_create *c = b;

	c->flags = 1U << 31;		/* unknown flag: EINVAL */
}

static void t_destroy(void *b) { ((struct numaclaims_domain_destroy *)b)->domid = 0x7ff0; }
static void t_max(void *b) { ((struct numaclaims_max_pages *)b)->domid = 0x7ff0; }
static void t_aff(void *b)
{
	((struct numaclaims_node_affinity *)b)->domid = 0x7ff0;
	((struct numaclaims_node_affinity *)b)->nodemask = 1;
}

static void t_claim(void *b)
{
	struct numaclaims_claim_memory *c = b;

	c->domid = 0x7ff0;
	c->mode = NUMACLAIMS_CLAIM_GET;
}

static void t_resv(void *b) { ((struct numaclaims_reservation *)b)->domid = 0x7ff0; }
static void t_info(void *b) { ((struct numaclaims_domain_info *)b)->domid = 0x7ff0; }
static void t_host(void *b) { (void)b; }
static void t_offline(void *b) { ((struct numaclaims_offline *)b)->node = 64; }
static void t_open(void *b) { ((struct numaclaims_domain_open *)b)->domid = 0x7ff0; }
static void t_resize(void *b) { ((struct numaclaims_pool_resize *)b)->node = 64; }

#define IOC(n, cmd, t, e) { n, _IOC_NR(cmd), _IOC_DIR(cmd), _IOC_SIZE(cmd), 0, t, e }
#define IOC_GROWN(n, cmd, minsz, t, e) \
	{ n, _IOC_NR(cmd), _IOC_DIR(cmd), _IOC_SIZE(cmd), minsz, t, e }
static const struct ioc iocs[] = {
	IOC("DOMAIN_CREATE", NUMACLAIMS_IOC_DOMAIN_CREATE, t_create, -EINVAL),
	IOC("DOMAIN_DESTROY", NUMACLAIMS_IOC_DOMAIN_DESTROY, t_destroy, -ESRCH),
	IOC("SET_MAX_PAGES", NUMACLAIMS_IOC_SET_MAX_PAGES, t_max, -ESRCH),
	IOC("SET_NODE_AFFINITY", NUMACLAIMS_IOC_SET_NODE_AFFINITY, t_aff, -ESRCH),
	IOC("CLAIM_MEMORY", NUMACLAIMS_IOC_CLAIM_MEMORY, t_claim, -ESRCH),
	IOC("CLAIM_PAGES", NUMACLAIMS_IOC_CLAIM_PAGES, t_resv, -ESRCH),
	IOC("POPULATE_PHYSMAP", NUMACLAIMS_IOC_POPULATE_PHYSMAP, t_resv, -ESRCH),
	IOC("DECREASE_RESERVATION", NUMACLAIMS_IOC_DECREASE_RESERVATION, t_resv, -ESRCH),
	IOC_GROWN("DOMAIN_INFO", NUMACLAIMS_IOC_DOMAIN_INFO,
		  NUMACLAIMS_DOMAIN_INFO_SIZE_VER1, t_info, -ESRCH),
	IOC_GROWN("HOST_INFO", NUMACLAIMS_IOC_HOST_INFO,
		  NUMACLAIMS_HOST_INFO_SIZE_VER1, t_host, 0),
	IOC("OFFLINE_PAGES", NUMACLAIMS_IOC_OFFLINE_PAGES, t_offline, -ENOENT),
	IOC("ONLINE_PAGES", NUMACLAIMS_IOC_ONLINE_PAGES, t_offline, -ENOENT),
	IOC("DOMAIN_OPEN", NUMACLAIMS_IOC_DOMAIN_OPEN, t_open, -ESRCH),
	IOC("POOL_RESIZE", NUMACLAIMS_IOC_POOL_RESIZE, t_resize, -ENOENT),
};

/* Pointers, sizes and directions, for every ioctl. */
static void generic(const struct ioc *io)
{
	static char buf[GUARD];
	unsigned int dirs[4] = { _IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE };
	unsigned int sz = io->size, i;
	bool writes = io->dir & _IOC_WRITE;
	char name[64];
	void *p;

	snprintf(name, sizeof(name), "%s: pointers, sizes, directions", io->name);
	group_begin(name);

	EXPECT(-EFAULT, raw(io->dir, io->nr, sz, NULL), "NULL");
	EXPECT(-EFAULT, raw(io->dir, io->nr, sz, KERNEL_PTR), "kernel address");
	EXPECT(-EFAULT, raw(io->dir, io->nr, sz, (void *)1), "address 1");
	EXPECT(-EFAULT, raw(io->dir, io->nr, sz, (void *)-4096L), "address -4096");
	p = guard + GUARD - sz + 1;
	memset(guard, 0, GUARD);
	memset(buf, 0, sizeof(buf));
	io->tmpl(buf);
	memcpy(p, buf, sz - 1);
	EXPECT(-EFAULT, raw(io->dir, io->nr, sz, p), "last byte in an unmapped page");
	p = guard + GUARD - sz;
	memset(guard, 0, GUARD);
	io->tmpl(p);
	EXPECT(io->tmpl_errno, raw(io->dir, io->nr, sz, p), "ending at the end of a page");

	/* short: below the first version's size */
	memset(buf, 0, sizeof(buf));
	io->tmpl(buf);
	if (io->minsz) {
		EXPECT(io->tmpl_errno, raw(io->dir, io->nr, io->minsz, buf),
		       "size %u (the first version's)", io->minsz);
		sz = io->minsz;
	}
	EXPECT(-EINVAL, raw(io->dir, io->nr, sz - 1, buf), "size %u (one short)", sz - 1);
	EXPECT(-EINVAL, raw(io->dir, io->nr, sz / 2, buf), "size %u", sz / 2);
	sz = io->size;
	EXPECT(-EINVAL, raw(io->dir, io->nr, 1, buf), "size 1");
	EXPECT(-EINVAL, raw(io->dir, io->nr, 0, buf), "size 0");

	/* long: a zero tail is a newer caller's, accepted */
	memset(buf, 0, sizeof(buf));
	io->tmpl(buf);
	EXPECT(io->tmpl_errno, raw(io->dir, io->nr, sz + 8, buf), "size %u, zero tail", sz + 8);
	memset(big, 0, 4 * PAGE);
	io->tmpl(big);
	EXPECT(io->tmpl_errno, raw(io->dir, io->nr, _IOC_SIZEMASK, big),
	       "size %u (largest), zero tail", _IOC_SIZEMASK);
	if (writes) {
		buf[sz + 7] = 0x5a;
		EXPECT(-EINVAL, raw(io->dir, io->nr, sz + 8, buf), "size %u, non-zero tail", sz + 8);
		buf[sz + 7] = 0;
		buf[sz] = 1;
		EXPECT(-EINVAL, raw(io->dir, io->nr, sz + 1, buf), "size %u, non-zero tail", sz + 1);
		big[_IOC_SIZEMASK - 1] = 1;
		EXPECT(-EINVAL, raw(io->dir, io->nr, _IOC_SIZEMASK, big),
		       "size %u, last byte non-zero", _IOC_SIZEMASK);
		big[_IOC_SIZEMASK - 1] = 0;
		/* the unknown tail runs into an unmapped page */
		p = guard + GUARD - sz - 8;
		memset(guard, 0, GUARD);
		memset(buf, 0, sizeof(buf));
		io->tmpl(buf);
		memcpy(p, buf, sz);
		EXPECT(-EFAULT, raw(io->dir, io->nr, sz + 64, p), "tail in an unmapped page");
	} else {
		/* an output-only struct: the kernel has nothing to validate */
		memset(buf, 0xa5, sizeof(buf));
		EXPECT(0, raw(io->dir, io->nr, sz + 8, buf), "size %u, output only", sz + 8);
		if ((unsigned char)buf[sz] != 0xa5 && buf[sz] != 0)
			tap_diag("%s: tail of a longer output struct overwritten with garbage",
				 io->name);
		else if ((unsigned char)buf[sz] == 0xa5)
			tap_diag("note: %s leaves the unknown tail of a longer struct untouched (not zeroed)",
				 io->name);
	}

	/* wrong direction */
	for (i = 0; i < 4; i++) {
		if (dirs[i] == io->dir)
			continue;
		memset(buf, 0, sizeof(buf));
		io->tmpl(buf);
		EXPECT(-ENOTTY, raw(dirs[i], io->nr, sz, buf), "direction %u instead of %u",
		       dirs[i], io->dir);
	}
	/* a read-only struct: the (harmless) answer cannot be written back */
	if (io->dir & _IOC_READ) {
		mprotect(ro, GUARD, PROT_READ | PROT_WRITE);
		memset(ro, 0, GUARD);
		io->tmpl(ro);
		mprotect(ro, GUARD, PROT_READ);
		EXPECT(-EFAULT, raw(io->dir, io->nr, sz, ro), "read-only struct");
	}
	group_end();
}

/* Unknown ioctl numbers, magics and API_VERSION variants. */
static void unknown_numbers(void)
{
	static char buf[PAGE];
	unsigned int nr, dir, sizes[] = { 0, 8, 24, 40, 2584 };
	unsigned int magics[] = { 0, 0xC0, 0xC2, 'T', 0xFF };
	size_t i, j;

	group_begin("unknown ioctl numbers");
	memset(buf, 0, sizeof(buf));
	for (nr = _IOC_NR(NUMACLAIMS_IOC_POOL_RESIZE) + 1; nr < 0x100; nr++)
		for (dir = 0; dir < 4; dir++)
			EXPECT(-ENOTTY, raw(dir, nr, 24, buf), "nr %#x dir %u", nr, dir);
	for (i = 0; i < ARRAY_SIZE(magics); i++)
		for (j = 0; j < ARRAY_SIZE(iocs); j++)
			EXPECT(-ENOTTY, raw_ioctl(fd, _IOC(iocs[j].dir, magics[i], iocs[j].nr,
							  iocs[j].size), buf),
			       "magic %#x nr %#x", magics[i], iocs[j].nr);
	/* API_VERSION is exactly _IO(MAGIC, 0): any other size/direction is unknown */
	for (dir = 0; dir < 4; dir++)
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			if (!dir && !sizes[i])
				continue;
			EXPECT(-ENOTTY, raw(dir, 0, sizes[i], buf), "nr 0 dir %u size %u",
			       dir, sizes[i]);
		}
	EXPECT(NUMACLAIMS_API_VERSION, raw(0, 0, 0, NULL), "API_VERSION");
	EXPECT(NUMACLAIMS_API_VERSION, raw(0, 0, 0, KERNEL_PTR), "API_VERSION, kernel address arg");
	group_end();
}

/* Reserved fields, padding and unknown flags of every struct. */
static void reserved_fields(void)
{
	struct numaclaims_domain_create c;
	struct numaclaims_domain_destroy d;
	struct numaclaims_max_pages m;
	struct numaclaims_node_affinity a;
	struct numaclaims_claim_memory cm;
	struct numaclaims_reservation r;
	struct numaclaims_domain_info di;
	struct numaclaims_offline o;
	struct numaclaims_claim set[2];
	u32 modes[] = { 2, 3, 4, 0x100, 0x80000000, 0xFFFFFFFF };
	u64 gfn = 4000;
	size_t k;
	int bit;

	group_begin("reserved fields, padding, unknown flags and modes");
	for (bit = 1; bit < 32; bit++) {
		c = (struct numaclaims_domain_create){ .max_pages = 1, .flags = 1U << bit };
		EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &c), "create flag bit %d", bit);
	}
	c = (struct numaclaims_domain_create){ .max_pages = 1, .reserved = { 1, 0 } };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &c), "create reserved[0]");
	c = (struct numaclaims_domain_create){ .max_pages = 1, .reserved = { 0, 1ULL << 63 } };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &c), "create reserved[1]");
	c = (struct numaclaims_domain_create){ .max_pages = 1, .domid = 5 };
	tap_diag("note: create with a non-zero (out) domid field: %s",
		 raw_errname(raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &c)));
	restore();
	/* a newer caller's longer struct with a zero tail creates normally */
	{
		static char longer[sizeof(c) + 16];

		memset(longer, 0, sizeof(longer));
		c = (struct numaclaims_domain_create){ .max_pages = 1 };
		memcpy(longer, &c, sizeof(c));
		snap_take(&before);
		EXPECT_X(false, 0, raw(_IOC_READ | _IOC_WRITE, _IOC_NR(NUMACLAIMS_IOC_DOMAIN_CREATE),
				       sizeof(longer), longer), "create with a 16-byte zero tail");
		memcpy(&c, longer, sizeof(c));
		EXPECT_X(false, 0, raw_destroy(fd, c.domid), "destroy the domain it created");
		snap_take(&after);
		if (snap_diff(&before, &after)) {
			tap_diag("FAIL create+destroy with a longer struct: %s",
				 snap_diff(&before, &after));
			group_bad++;
			restore();
		}
	}

	d = (struct numaclaims_domain_destroy){ .domid = R, .pad = 1 };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_DESTROY, &d), "destroy pad");
	m = (struct numaclaims_max_pages){ .domid = P, .pad = 1, .max_pages = 1 };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_SET_MAX_PAGES, &m), "set_max_pages pad");
	a = (struct numaclaims_node_affinity){ .domid = P, .pad = 0x80000000, .nodemask = 1ULL << node0 };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_SET_NODE_AFFINITY, &a), "affinity pad");

	set[0] = (struct numaclaims_claim){ 1, node0, 0 };
	cm = (struct numaclaims_claim_memory){ .domid = Q, .mode = NUMACLAIMS_CLAIM_SET,
		.nr_entries = 1, .pad = 1, .claim_set = (u64)(uintptr_t)set };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm), "claim_memory pad");
	for (k = 0; k < ARRAY_SIZE(modes); k++) {
		cm = (struct numaclaims_claim_memory){ .domid = Q, .mode = modes[k],
			.nr_entries = 1, .claim_set = (u64)(uintptr_t)set };
		EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm),
		       "claim_memory mode %#x", modes[k]);
	}
	for (bit = 0; bit < 32; bit++) {
		set[0] = (struct numaclaims_claim){ 1, node0, 1U << bit };
		EXPECT(-EINVAL, raw_claim_set(fd, Q, set, 1), "claim entry cmd %#x", 1U << bit);
	}
	set[0] = (struct numaclaims_claim){ 0, NUMACLAIMS_TARGET_HOST, 0 };
	set[1] = (struct numaclaims_claim){ 1, node0, 7 };
	EXPECT(-EINVAL, raw_claim_set(fd, P, set, 2), "claim entry cmd in the second entry");

	r = (struct numaclaims_reservation){ .nr_extents = 1, .domid = P, .pad = 1,
		.extent_start = (u64)(uintptr_t)&gfn };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_POPULATE_PHYSMAP, &r), "populate pad");
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_DECREASE_RESERVATION, &r), "decrease pad");
	r = (struct numaclaims_reservation){ .nr_extents = 1000, .domid = Q, .pad = 1 };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r), "claim_pages pad");
	r = (struct numaclaims_reservation){ .nr_extents = 1000, .domid = Q, .extent_start = 1 };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r), "claim_pages extent_start");
	r = (struct numaclaims_reservation){ .nr_extents = 1000, .domid = Q, .extent_order = 9 };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r), "claim_pages extent_order");
	r = (struct numaclaims_reservation){ .nr_extents = 1000, .domid = Q,
		.mem_flags = NUMACLAIMS_MEMF_EXACT_NODE };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r), "claim_pages mem_flags");
	for (bit = 8; bit < 32; bit++) {
		if ((1U << bit) & NUMACLAIMS_MEMF_FLAGS)
			continue;
		r = (struct numaclaims_reservation){ .nr_extents = 1, .domid = P,
			.mem_flags = 1U << bit, .extent_start = (u64)(uintptr_t)&gfn };
		EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_POPULATE_PHYSMAP, &r),
		       "populate mem_flags bit %d", bit);
	}
	gfn = 0;
	r = (struct numaclaims_reservation){ .nr_extents = 1, .domid = P,
		.mem_flags = NUMACLAIMS_MEMF_NODE(node0), .extent_start = (u64)(uintptr_t)&gfn };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_DECREASE_RESERVATION, &r), "decrease mem_flags");

	for (bit = 1; bit < 32; bit++) {
		di = (struct numaclaims_domain_info){ .domid = P, .flags = 1U << bit };
		EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di), "info flag bit %d", bit);
	}
	di = (struct numaclaims_domain_info){ .domid = P, .pad = 1 };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di), "info pad");
	o = (struct numaclaims_offline){ .node = node0, .pad = 1, .pages = 1 };
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_OFFLINE_PAGES, &o), "offline pad");
	EXPECT(-EINVAL, raw_ioctl(fd, NUMACLAIMS_IOC_ONLINE_PAGES, &o), "online pad");
	group_end();
}

/* Claim sets: counts, targets, sums, limits, pointers. */
static void claim_sets(void)
{
	struct numaclaims_claim set[NUMACLAIMS_MAX_CLAIM_ENTRIES + 1];
	struct numaclaims_claim_memory cm;
	u32 specials[] = { NUMACLAIMS_TARGET_SPECIAL, 0x20000000, 0x40000001,
			   0x80000001, 0xC0000000, 0xFFFFFFFF, 0x7FFFFFFF };
	u32 nopool[] = { nr_nodes, 63, 64, 1000, NUMACLAIMS_TARGET_SPECIAL - 1 };
	u32 big_counts[] = { 2 * nr_nodes + 2, 1000, 0x10000000, 0x80000000, 0xFFFFFFFF };
	u32 n;
	size_t i;
	u64 t0;

	group_begin("CLAIM_MEMORY: hostile claim sets");
	memset(set, 0, sizeof(set));
	set[0] = (struct numaclaims_claim){ 1, node0, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, P, set, 0), "nr_entries 0");
	for (i = 0; i < ARRAY_SIZE(big_counts); i++) {
		cm = (struct numaclaims_claim_memory){ .domid = P, .mode = NUMACLAIMS_CLAIM_SET,
			.nr_entries = big_counts[i], .claim_set = 0 };
		t0 = st_now_us();
		EXPECT(-E2BIG, raw_ioctl(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm),
		       "nr_entries %u with a NULL array (before any copy)", big_counts[i]);
		if (st_now_us() - t0 > 100000)
			tap_diag("nr_entries %u took %llu us", big_counts[i], st_now_us() - t0);
		cm.claim_set = (u64)(uintptr_t)KERNEL_PTR;
		EXPECT(-E2BIG, raw_ioctl(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm),
		       "nr_entries %u with a kernel array", big_counts[i]);
	}
	EXPECT(-EFAULT, raw_claim_set(fd, P, NULL, 1), "NULL array");
	EXPECT(-EFAULT, raw_claim_set(fd, P, KERNEL_PTR, 1), "kernel array");
	memcpy(guard + GUARD - sizeof(set[0]), &set[0], sizeof(set[0]));
	EXPECT(-EFAULT, raw_claim_set(fd, P, (void *)(guard + GUARD - sizeof(set[0])), 2),
	       "array running into an unmapped page");
	EXPECT(-ESRCH, raw_claim_set(fd, dead_domid, set, 1), "destroyed domain");
	EXPECT(-ESRCH, raw_claim_set(fd, 0, set, 1), "domain 0");
	EXPECT(-ESRCH, raw_claim_set(fd, 0xFFFFFFFF, set, 1), "domain 0xffffffff");

	set[0] = (struct numaclaims_claim){ 1, node0, 0 };
	set[1] = (struct numaclaims_claim){ 1, node0, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, Q, set, 2), "node twice");
	set[0] = (struct numaclaims_claim){ 1, NUMACLAIMS_TARGET_HOST, 0 };
	set[1] = (struct numaclaims_claim){ 1, NUMACLAIMS_TARGET_HOST, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, Q, set, 2), "HOST twice");
	set[0] = (struct numaclaims_claim){ 10, NUMACLAIMS_TARGET_LEGACY, 0 };
	set[1] = (struct numaclaims_claim){ 1, node0, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, Q, set, 2), "LEGACY then a node");
	set[0] = (struct numaclaims_claim){ 1, node0, 0 };
	set[1] = (struct numaclaims_claim){ 0, NUMACLAIMS_TARGET_LEGACY, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, P, set, 2), "a node then LEGACY 0");
	for (i = 0; i < ARRAY_SIZE(specials); i++) {
		set[0] = (struct numaclaims_claim){ 1, specials[i], 0 };
		EXPECT(-EINVAL, raw_claim_set(fd, Q, set, 1), "special target %#x", specials[i]);
	}
	for (i = 0; i < ARRAY_SIZE(nopool); i++) {
		set[0] = (struct numaclaims_claim){ 1, nopool[i], 0 };
		EXPECT(-ENOENT, raw_claim_set(fd, Q, set, 1), "node %u without a pool", nopool[i]);
	}
	/* sums that overflow */
	set[0] = (struct numaclaims_claim){ ~0ULL, NUMACLAIMS_TARGET_HOST, 0 };
	set[1] = (struct numaclaims_claim){ 1, node0, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, Q, set, 2), "HOST 2^64-1 + node 1 overflows");
	set[0] = (struct numaclaims_claim){ 1ULL << 63, NUMACLAIMS_TARGET_HOST, 0 };
	set[1] = (struct numaclaims_claim){ 1ULL << 63, node0, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, Q, set, 2), "HOST 2^63 + node 2^63 overflows");
	/* limits */
	set[0] = (struct numaclaims_claim){ node0_pages + 1, node0, 0 };
	EXPECT(-ENOMEM, raw_claim_set(fd, Q, set, 1), "more than the node has");
	set[0] = (struct numaclaims_claim){ ~0ULL, node0, 0 };
	EXPECT(-ENOMEM, raw_claim_set(fd, Q, set, 1), "node 2^64-1");
	set[0] = (struct numaclaims_claim){ ~0ULL, NUMACLAIMS_TARGET_HOST, 0 };
	EXPECT(-ENOMEM, raw_claim_set(fd, Q, set, 1), "HOST 2^64-1");
	set[0] = (struct numaclaims_claim){ 4096, NUMACLAIMS_TARGET_HOST, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, P, set, 1), "tot + claims above max_pages");
	set[0] = (struct numaclaims_claim){ 1, node0, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, R, set, 1), "max_pages 0 claims nothing");
	set[0] = (struct numaclaims_claim){ 576, NUMACLAIMS_TARGET_LEGACY, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, P, set, 1), "LEGACY target == tot_pages");
	set[0] = (struct numaclaims_claim){ 4097, NUMACLAIMS_TARGET_LEGACY, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, P, set, 1), "LEGACY target above max_pages");
	set[0] = (struct numaclaims_claim){ ~0ULL, NUMACLAIMS_TARGET_LEGACY, 0 };
	EXPECT(-ENOMEM, raw_claim_set(fd, Q, set, 1), "LEGACY 2^64-1");
	/* every node twice (4 KiB and superpages) plus HOST plus one more */
	for (n = 0; n < 2 * nr_nodes + 2 && n < ARRAY_SIZE(set); n++)
		set[n] = (struct numaclaims_claim){ 0, n % nr_nodes, n & 1 };
	EXPECT(-E2BIG, raw_claim_set(fd, Q, set, 2 * nr_nodes + 2),
	       "2 x nodes + 2 entries");
	/* nodes + 2 entries within the limit, a node twice: EINVAL */
	for (n = 0; n < nr_nodes + 2 && n < ARRAY_SIZE(set); n++)
		set[n] = (struct numaclaims_claim){ 0, node0, 0 };
	EXPECT(-EINVAL, raw_claim_set(fd, Q, set, nr_nodes + 2),
	       "nodes + 2 entries, one node twice");

	/* GET */
	n = 1;
	EXPECT(-ERANGE, raw_claim_get(fd, P, set, &n), "GET with room for 1 of 2");
	if (n != 2)
		tap_diag("FAIL GET ERANGE reports %u entries needed, not 2", n);
	n = 0;
	EXPECT(-ERANGE, raw_claim_get(fd, P, NULL, &n), "GET with no room, NULL array");
	n = 2;
	EXPECT(-EFAULT, raw_claim_get(fd, P, NULL, &n), "GET into NULL");
	n = 2;
	EXPECT(-EFAULT, raw_claim_get(fd, P, (void *)ro, &n), "GET into a read-only page");
	n = 2;
	EXPECT(-EFAULT, raw_claim_get(fd, P, (void *)(guard + GUARD - sizeof(set[0])), &n),
	       "GET into an array running into an unmapped page");
	n = 0xFFFFFFFF;
	EXPECT(0, raw_claim_get(fd, P, set, &n), "GET with capacity 2^32-1 (no giant allocation)");
	group_end();
}

static void legacy_claims(void)
{
	group_begin("CLAIM_PAGES: legacy claims");
	EXPECT(-EINVAL, raw_claim_pages(fd, P, 1000), "a claim already outstanding");
	EXPECT(-EINVAL, raw_claim_pages(fd, R, 1), "target above max_pages 0");
	EXPECT(-ENOMEM, raw_claim_pages(fd, Q, ~0ULL), "target 2^64-1");
	EXPECT(-ESRCH, raw_claim_pages(fd, dead_domid, 10), "destroyed domain");
	EXPECT(-ESRCH, raw_claim_pages(fd, 0x7ff0, 0), "no such domain, target 0");
	group_end();
}

/* Populate and decrease: orders, flags, gfns, pointers, huge counts. */
static void reservations(void)
{
	u32 orders[] = { 10, 11, 16, 31, 32, 63, 64, 0x80000000, 0xFFFFFFFF };
	u64 gfn, gfns[4], done;
	u64 *huge;
	size_t i;
	u64 t0;

	group_begin("POPULATE_PHYSMAP / DECREASE_RESERVATION: hostile extents");
	gfn = 4096;
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		EXPECT(-EINVAL, raw_populate(fd, P, &gfn, 1, orders[i], 0, &done),
		       "populate order %u", orders[i]);
		EXPECT(-EINVAL, raw_decrease(fd, P, &gfn, 1, orders[i], &done),
		       "decrease order %u", orders[i]);
	}
	EXPECT(-ENOENT, raw_populate(fd, P, &gfn, 1, 0, NUMACLAIMS_MEMF_NODE(nopool_node), &done),
	       "populate on node %u without a pool", nopool_node);
	EXPECT(-ENOENT, raw_populate(fd, P, &gfn, 1, 0, NUMACLAIMS_MEMF_NODE(200), &done),
	       "populate on node 200");
	EXPECT(-ENOENT, raw_populate(fd, P, &gfn, 1, 0, NUMACLAIMS_MEMF_NODE(254) |
				    NUMACLAIMS_MEMF_EXACT_NODE, &done), "populate on node 254, exact");
	EXPECT(-EFAULT, raw_populate(fd, P, NULL, 1, 0, 0, &done), "populate from NULL");
	EXPECT(-EFAULT, raw_populate(fd, P, KERNEL_PTR, 1, 0, 0, &done), "populate from a kernel address");
	t0 = st_now_us();
	EXPECT(-EFAULT, raw_populate(fd, P, NULL, 1ULL << 63, 9, 0, &done), "populate 2^63 extents from NULL");
	EXPECT(-EFAULT, raw_decrease(fd, P, NULL, ~0ULL, 0, &done), "decrease 2^64-1 extents from NULL");
	EXPECT(-EFAULT, raw_decrease(fd, P, KERNEL_PTR, 1, 0, &done), "decrease from a kernel address");
	gfn = 1;
	EXPECT(-EINVAL, raw_populate(fd, P, &gfn, 1, 9, 0, &done), "populate order 9 at gfn 1 (unaligned)");
	EXPECT(-EINVAL, raw_decrease(fd, P, &gfn, 1, 1, &done), "decrease order 1 at gfn 1 (unaligned)");
	gfn = NUMACLAIMS_MAX_GFN;
	EXPECT(-EINVAL, raw_populate(fd, P, &gfn, 1, 0, 0, &done), "populate gfn 2^40");
	gfn = ~0ULL - 511;
	EXPECT(-EINVAL, raw_populate(fd, P, &gfn, 1, 9, 0, &done), "populate order 9 at gfn 2^64-512");
	EXPECT(-EINVAL, raw_decrease(fd, P, &gfn, 1, 9, &done), "decrease order 9 at gfn 2^64-512");
	gfn = NUMACLAIMS_MAX_GFN + 256;
	EXPECT(-EINVAL, raw_populate(fd, P, &gfn, 1, 8, 0, &done), "populate order 8 at 2^40 + 256");
	gfn = NUMACLAIMS_MAX_GFN - 1;
	EXPECT(-EINVAL, raw_decrease(fd, P, &gfn, 1, 0, &done), "decrease gfn 2^40-1 (never populated)");
	gfn = 0;
	EXPECT(-EEXIST, raw_populate(fd, P, &gfn, 1, 0, 0, &done), "populate a populated gfn");
	EXPECT(-EEXIST, raw_populate(fd, P, &gfn, 1, 9, 0, &done), "populate order 9 over populated gfns");
	if (done)
		tap_diag("FAIL populate EEXIST reports nr_done %llu", done);
	gfn = 1024 + 256;
	EXPECT(-EEXIST, raw_populate(fd, P, &gfn, 1, 0, NUMACLAIMS_MEMF_NO_REFCOUNT, &done),
	       "populate NO_REFCOUNT inside a populated order 9 extent");
	gfn = 0;
	EXPECT(-EINVAL, raw_decrease(fd, P, &gfn, 1, 9, &done),
	       "decrease order 9 with unpopulated pages frees nothing");
	gfn = 5000;
	EXPECT(-EINVAL, raw_decrease(fd, P, &gfn, 1, 0, &done), "decrease an unpopulated gfn");
	gfns[0] = 5000;
	EXPECT(-E2BIG, raw_populate(fd, R, gfns, 1, 0, 0, &done), "populate beyond max_pages 0");
	EXPECT(-ESRCH, raw_populate(fd, dead_domid, gfns, 1, 0, 0, &done), "populate a destroyed domain");
	EXPECT(-ESRCH, raw_decrease(fd, dead_domid, gfns, 1, 0, &done), "decrease a destroyed domain");

	/* 2^63 extents from a huge zero-filled mapping: gfn 0 again and again */
	huge = mmap(NULL, 1UL << 30, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (huge != MAP_FAILED) {
		EXPECT(-EEXIST, raw_populate(fd, P, huge, 1ULL << 63, 0, 0, &done),
		       "populate 2^63 extents of gfn 0 (populated)");
		EXPECT(-EINVAL, raw_decrease(fd, P, huge + 1, 1ULL << 63, 9, &done),
		       "decrease 2^63 order-9 extents of gfn 0");
		/* the mapping ends: EFAULT after the last readable gfn */
		munmap(huge, 1UL << 30);
	}
	if (st_now_us() - t0 > 5 * SLOW_US)
		tap_diag("FAIL huge counts took %llu ms", (st_now_us() - t0) / 1000);
	group_end();
}

/*
 * A populate of 2^63 extents that runs the whole pool dry must stop at
 * ENOMEM, stay preemptible, report nr_done, and be undone by a destroy.
 */
static void long_populate(void)
{
	struct numaclaims_host_info hi;
	u64 n = 0, done = 0, pages, i, *gfns;
	u32 s;
	u64 t0, us;
	int ret;

	group_begin("POPULATE_PHYSMAP: 2^63 extents run the pool dry");
	st_hostinfo(fd, &hi);
	pages = hi.total_avail_pages - hi.outstanding_claims;
	n = pages + 16;
	gfns = mmap(NULL, n * 8 + PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (gfns == MAP_FAILED) {
		tap_skip("no memory for %llu gfns", n);
		return;
	}
	for (i = 0; i < n; i++)
		gfns[i] = i;
	snap_take(&before);
	if (raw_create(fd, ~0ULL, 0, &s)) {
		tap_ok(false, "create");
		return;
	}
	t0 = st_now_us();
	ret = raw_populate(fd, s, gfns, 1ULL << 63, 0, 0, &done);
	us = st_now_us() - t0;
	tried++;
	group_tried++;
	tap_diag("populate of 2^63 extents: %s after %llu extents (%llu"
		 " unclaimed pages) in %llu ms", raw_errname(ret), done, pages, us / 1000);
	if (ret != -ENOMEM || done != pages) {
		tap_diag("FAIL expected ENOMEM after %llu extents", pages);
		group_bad++;
	}
	ret = raw_destroy(fd, s);
	snap_take(&after);
	if (ret || snap_diff(&before, &after)) {
		tap_diag("FAIL destroy did not restore the host: %s", ret ? raw_errname(ret) :
			 snap_diff(&before, &after));
		group_bad++;
		restore();
	}
	/* the same for decrease: a whole pool's worth freed in one call */
	munmap(gfns, n * 8 + PAGE);
	group_end();
	tap_fig("hostile.long_populate_ms", "%llu", us / 1000);
}

/* Offline and online: counts, nodes, and a whole node in one call. */
static void offline_online(void)
{
	struct numaclaims_host_info hi;
	u32 nodes[] = { nopool_node, 63, 64, 1000, 0xFFFFFFFF };
	size_t i;

	group_begin("OFFLINE_PAGES / ONLINE_PAGES: hostile counts and nodes");
	st_hostinfo(fd, &hi);
	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		if (nodes[i] < NUMACLAIMS_MAX_NODES && hi.nodes[nodes[i]].has_pool)
			continue;
		EXPECT(-ENOENT, raw_offline(fd, nodes[i], 1), "offline node %#x", nodes[i]);
		EXPECT(-ENOENT, raw_online(fd, nodes[i], 1), "online node %#x", nodes[i]);
	}
	EXPECT(-ENOMEM, raw_offline(fd, node0, hi.nodes[node0].avail_pages + 1),
	       "offline one more than free");
	EXPECT(-ENOMEM, raw_offline(fd, node0, ~0ULL), "offline 2^64-1");
	EXPECT(-EINVAL, raw_online(fd, node0, 1), "online with nothing offlined");
	EXPECT(-EINVAL, raw_online(fd, node0, ~0ULL), "online 2^64-1");
	/* a whole node in one call (all under the heap lock), then back */
	snap_take(&before);
	EXPECT_X(false, 0, raw_offline(fd, node0, hi.nodes[node0].avail_pages),
		 "offline every free page of node %u", node0);
	EXPECT_X(false, -EINVAL, raw_online(fd, node0, hi.nodes[node0].avail_pages + 1),
		 "online one more than offlined");
	EXPECT_X(false, 0, raw_online(fd, node0, hi.nodes[node0].avail_pages), "online them all");
	/* P's claims on the node were recalled by the offline: that is the
	 * documented behaviour; put them back before comparing */
	raw_claim_set(fd, P, p_claims, 2);
	snap_take(&after);
	if (memcmp(&before.host, &after.host, sizeof(before.host))) {
		tap_diag("FAIL offline+online of a whole node did not restore the host");
		group_bad++;
		restore();
	}
	group_end();
}

/* Every domid-taking ioctl with absent domains. */
static void absent_domains(void)
{
	u32 ids[] = { 0, dead_domid, 0x7ff0, 0x8000, 0xFFFFFFFF };
	struct numaclaims_claim set = { 1, 0, 0 }, get[4];
	struct numaclaims_domain_info di;
	u64 gfn = 6000, done;
	size_t i;
	u32 n;

	set.target = node0;
	group_begin("absent domains (ESRCH)");
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		u32 d = ids[i];

		EXPECT(-ESRCH, raw_destroy(fd, d), "destroy %#x", d);
		EXPECT(-ESRCH, raw_set_max(fd, d, 10), "set_max_pages %#x", d);
		EXPECT(-ESRCH, raw_set_affinity(fd, d, 1ULL << node0), "affinity %#x", d);
		EXPECT(-ESRCH, raw_claim_set(fd, d, &set, 1), "claim set %#x", d);
		n = 4;
		EXPECT(-ESRCH, raw_claim_get(fd, d, get, &n), "claim get %#x", d);
		EXPECT(-ESRCH, raw_claim_pages(fd, d, 10), "claim_pages %#x", d);
		EXPECT(-ESRCH, raw_populate(fd, d, &gfn, 1, 0, 0, &done), "populate %#x", d);
		EXPECT(-ESRCH, raw_decrease(fd, d, &gfn, 1, 0, &done), "decrease %#x", d);
		EXPECT(-ESRCH, raw_dom_info_flags(fd, d, 0, &di), "info %#x", d);
	}
	EXPECT(-ESRCH, raw_dom_info_flags(fd, 0x7ff0, NUMACLAIMS_INFO_NEXT, &di), "info next from 0x7ff0");
	EXPECT(-ESRCH, raw_dom_info_flags(fd, 0xFFFFFFFF, NUMACLAIMS_INFO_NEXT, &di), "info next from 2^32-1");
	EXPECT(-EINVAL, raw_set_affinity(fd, P, 0), "affinity mask 0");
	EXPECT(-EINVAL, raw_set_affinity(fd, P, 1ULL << 63), "affinity of node 63 only");
	if (nopool_node < 64)
		EXPECT(-EINVAL, raw_set_affinity(fd, P, 1ULL << nopool_node),
		       "affinity of node %u (no pool) only", nopool_node);
	group_end();
}

/*
 * A request that needs no answer back (CLAIM_MEMORY SET, CLAIM_PAGES: the
 * struct is not an output) may be carried out from a read-only struct; then
 * it must do exactly what was asked.  Or it fails EFAULT and changes nothing.
 * @check: true if the change it made is exactly the one requested.
 */
static void readonly_either(int ret, bool (*check)(void), const char *what)
{
	const char *diff;
	bool bad = false;

	tried++;
	group_tried++;
	snap_take(&after);
	diff = snap_diff(&before, &after);
	if (ret == -EFAULT) {
		if (diff) {
			tap_diag("FAIL %s: %s: EFAULT but %s", group_name, what, diff);
			changed++;
			bad = true;
		}
	} else if (ret == 0) {
		if (!check()) {
			tap_diag("FAIL %s: %s: succeeded but did not do what was asked", group_name, what);
			changed++;
			bad = true;
		}
	} else {
		tap_diag("FAIL %s: %s: got %s, documented EFAULT (or success)", group_name, what,
			 raw_errname(ret));
		wrong_errno++;
		bad = true;
	}
	restore();
	if (bad)
		group_bad++;
}

static bool q_claims_7_on_node0(void)
{
	struct numaclaims_claim got[4];
	u32 n = 4;

	return !raw_claim_get(fd, Q, got, &n) && n == 1 && got[0].pages == 7 &&
	       got[0].target == node0;
}

static bool q_claims_100_host(void)
{
	struct numaclaims_domain_info di;

	return !raw_dom_info_flags(fd, Q, 0, &di) && di.outstanding_pages == 100 && !di.node_claims;
}

/*
 * Read-only structs whose request is valid: the kernel can read them but
 * not write the answer back.  EFAULT is documented; "changes nothing"
 * means the request must not have been carried out either -- unless the
 * ioctl has no answer to give (see readonly_either()).
 */
static void readonly_valid(void)
{
	struct numaclaims_domain_create c = { .max_pages = 16 };
	struct numaclaims_claim set = { 7, 0, 0 };
	struct numaclaims_claim_memory cm = { .mode = NUMACLAIMS_CLAIM_SET, .nr_entries = 1 };
	struct numaclaims_reservation r = { .nr_extents = 1 };
	static u64 gfn = 7000, gfn0 = 0;

	group_begin("valid requests in read-only structs (EFAULT, nothing done)");
	set.target = node0;
#define RO(x) ({ mprotect(ro, GUARD, PROT_READ | PROT_WRITE); memcpy(ro, &(x), sizeof(x)); \
		 mprotect(ro, GUARD, PROT_READ); (void *)ro; })
	EXPECT(-EFAULT, raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_CREATE, RO(c)),
	       "DOMAIN_CREATE (a domain nobody knows the id of must not be left)");
	cm.domid = Q;
	cm.claim_set = (u64)(uintptr_t)&set;
	snap_take(&before);
	readonly_either(raw_ioctl(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, RO(cm)), q_claims_7_on_node0,
			"CLAIM_MEMORY SET");
	r.domid = Q;
	r.nr_extents = 100;
	snap_take(&before);
	readonly_either(raw_ioctl(fd, NUMACLAIMS_IOC_CLAIM_PAGES, RO(r)), q_claims_100_host,
			"CLAIM_PAGES");
	r = (struct numaclaims_reservation){ .extent_start = (u64)(uintptr_t)&gfn,
		.nr_extents = 1, .domid = P };
	EXPECT(-EFAULT, raw_ioctl(fd, NUMACLAIMS_IOC_POPULATE_PHYSMAP, RO(r)),
	       "POPULATE_PHYSMAP (nr_done cannot be reported)");
	r = (struct numaclaims_reservation){ .extent_start = (u64)(uintptr_t)&gfn0,
		.nr_extents = 1, .domid = P };
	EXPECT(-EFAULT, raw_ioctl(fd, NUMACLAIMS_IOC_DECREASE_RESERVATION, RO(r)),
	       "DECREASE_RESERVATION (nr_done cannot be reported)");
#undef RO
	group_end();
}

static long meminfo_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = atol(line + strlen(key) + 1);
	if (f)
		fclose(f);
	return v;
}

/*
 * Let freed objects really go: the module frees domains with kfree_rcu(),
 * whose batches wait for a grace period (and up to seconds for the batch
 * timer); dropping the slab caches runs the kfree_rcu shrinker, which
 * drains them.
 */
static void settle_slab(void)
{
	int i, f;

	for (i = 0; i < 3; i++) {
		f = open("/proc/sys/vm/drop_caches", O_WRONLY);
		if (f >= 0) {
			if (write(f, "2", 1) != 1)
				break;
			close(f);
		}
		usleep(100000);
	}
}

/*
 * A long-lived toolstack file that creates AUTODESTROY domains and destroys
 * them explicitly must not make the kernel hold memory per destroyed domain
 * until the file is closed.
 */
static u64 churn_limit = 512;	/* bytes per destroyed domain; --churn-limit */

static void autodestroy_churn(u64 n)
{
	long slab0, slab1, slab2;
	int f = raw_open(), ret = 0;
	u64 i, per;
	u32 d;

	group_begin("AUTODESTROY churn on one file: kernel memory bounded");
	if (f < 0) {
		tap_ok(false, "open: %s", raw_errname(f));
		return;
	}
	settle_slab();
	slab0 = meminfo_kb("Slab");
	for (i = 0; i < n && !ret; i++) {
		ret = raw_create(f, 1, NUMACLAIMS_DOMAIN_AUTODESTROY, &d);
		if (!ret)
			ret = raw_destroy(f, d);
	}
	settle_slab();
	slab1 = meminfo_kb("Slab");
	close(f);
	settle_slab();
	slab2 = meminfo_kb("Slab");
	per = slab1 > slab0 ? (u64)(slab1 - slab0) * 1024 / n : 0;
	tap_diag("%llu AUTODESTROY domains created and destroyed on one file: Slab %ld -> %ld kB"
		 " (%llu bytes per destroyed domain), %ld kB after close",
		 n, slab0, slab1, per, slab2);
	tried++;
	group_tried++;
	if (ret) {
		tap_diag("FAIL churn stopped at %llu: %s", i, raw_errname(ret));
		group_bad++;
	}
	if (per > churn_limit) {
		tap_diag("FAIL the file keeps about %llu bytes per destroyed domain until it is closed",
			 per);
		group_bad++;
	}
	group_end();
	tap_fig("hostile.churn_bytes_per_domain", "%llu", per);
}

/* All domids in use: ENOSPC, and ids are reused afterwards. */
static void enospc(void)
{
	u32 *ids = calloc(0x8000, sizeof(*ids)), d;
	int n = 0, ret;

	group_begin("DOMAIN_CREATE: every domid in use");
	while (ids && !(ret = raw_create(fd, 0, 0, &d)))
		ids[n++] = d;
	tap_diag("%d domains created before %s", n, raw_errname(ret));
	EXPECT(-ENOSPC, raw_create(fd, 0, 0, &d), "one more domain");
	while (n > 0)
		raw_destroy(fd, ids[--n]);
	EXPECT_X(false, 0, raw_create(fd, 0, 0, &d), "a domain after freeing the ids");
	raw_destroy(fd, d);
	free(ids);
	group_end();
}

/* Random ioctl numbers of our magic with random bytes and random pointers. */
static void random_garbage(struct st_rng *r, u64 count)
{
	static unsigned char buf[3 * PAGE];
	const u64 allowed = (1ULL << ENOTTY) | (1ULL << EINVAL) | (1ULL << EFAULT) |
		(1ULL << ESRCH) | (1ULL << E2BIG) | (1ULL << ENOENT) | (1ULL << ENOMEM) |
		(1ULL << ERANGE) | (1ULL << EEXIST) | (1ULL << ENOSPC);
	u64 i, bad = 0, ok = 0;
	char why[256];

	group_begin("random ioctl numbers and bytes");
	for (i = 0; i < count; i++) {
		unsigned int dir = st_rng_below(r, 4), nr = st_rng_below(r, 16);
		unsigned int size = 0;
		void *arg = buf;
		size_t j;
		long ret;
		u64 t0;

		/* mostly the right size/direction for that number, so the
		 * bytes reach the handlers */
		for (j = 0; j < ARRAY_SIZE(iocs); j++)
			if (iocs[j].nr == nr && st_rng_chance(r, 80)) {
				dir = iocs[j].dir;
				size = iocs[j].size;
			}
		if (!size)
			size = st_rng_below(r, 2 * PAGE);
		for (j = 0; j < sizeof(buf); j += 8) {
			u64 v = st_rng_next(r);

			/* small values are likelier to pass checks */
			switch (st_rng_below(r, 4)) {
			case 0: v &= 0xff; break;
			case 1: v = 0; break;
			case 2: v &= 0xffffffffULL; break;
			}
			memcpy(buf + j, &v, 8);
		}
		if (st_rng_chance(r, 5))
			arg = st_rng_chance(r, 50) ? KERNEL_PTR : (void *)(uintptr_t)st_rng_next(r);
		if (nr == (NUMACLAIMS_IOC_OFFLINE_PAGES & 0xff) && st_rng_chance(r, 90))
			continue;	/* keep the pools mostly online */
		/* Resizes change the pools' size, which the baseline holds. */
		if (nr == _IOC_NR(NUMACLAIMS_IOC_POOL_RESIZE))
			continue;
		t0 = st_now_us();
		ret = raw_ioctl(fd, _IOC(dir, NUMACLAIMS_IOC_MAGIC, nr, size), arg);
		tried++;
		group_tried++;
		if (st_now_us() - t0 > SLOW_US) {
			tap_diag("FAIL random ioctl dir %u nr %u size %u took %llu ms",
				 dir, nr, size, (st_now_us() - t0) / 1000);
			slow++;
			bad++;
		}
		if (ret >= 0)
			ok++;
		else if (-ret >= 64 || !(allowed & (1ULL << -ret))) {
			tap_diag("FAIL random ioctl dir %u nr %u size %u: undocumented %s",
				 dir, nr, size, raw_errname(ret));
			wrong_errno++;
			bad++;
		}
		if (!(i % 64) && st_debugfs_invariants(why, sizeof(why)) > 0) {
			tap_diag("FAIL after random ioctl %llu: %s", i, why);
			bad++;
		}
	}
	tap_diag("%llu random ioctls, %llu accepted", count, ok);
	group_bad = bad;
	/* random calls may legitimately create, claim, populate, offline */
	setup_probes();
	group_end();
}

/* ------------------------------------------------------------------------
 * Domain files (docs/MAPPING.md): hostile mmap flags, offsets and lengths,
 * mremap, madvise, mprotect, msync.  Each call must return an errno that
 * MAPPING.md or mmap(2)/mremap(2)/madvise(2) documents, or work -- and a
 * call that works must leave the domain's data where it was (a page read
 * back through the mapping still carries its pattern) and the accounting
 * unchanged.  The kernel log is checked for splats by run_vm.sh.
 */
#define MAP_PAGES	16
#define MAP_MAGIC	0x686f7374696c65ULL	/* "hostile" */

/* 0 or -errno for the syscalls' -1/MAP_FAILED convention */
static int sys_ret(long r) { return r == -1 ? -errno : 0; }

/* @got is one of @allowed (-errno or 0, ended by 1). */
static void expect_one_of_fn(const int *allowed, bool same, int got, u64 us,
			     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void expect_one_of_fn(const int *allowed, bool same, int got, u64 us,
			     const char *fmt, ...)
{
	va_list ap;
	char what[200];
	int i;

	for (i = 0; allowed[i] != 1 && allowed[i] != got; i++)
		;
	if (allowed[1] != 1) {		/* several answers allowed: say which */
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		tap_diag("%s: %s", what, got ? raw_errname(got) : "works");
	}
	va_start(ap, fmt);
	verdict(got, allowed[i] == 1 ? allowed[0] : got, us, same, fmt, ap);
	va_end(ap);
}

#define EXPECT_ONE_OF(allowed, call, ...) do {				\
		u64 _t0;						\
		int _r;							\
		snap_take(&before);					\
		_t0 = st_now_us();					\
		_r = (call);						\
		expect_one_of_fn((allowed), true, _r, st_now_us() - _t0, __VA_ARGS__); \
	} while (0)

static int map_dom;		/* a domain file of domain M */
static u32 M, M2;

/* Does every page of @p (MAP_PAGES pages of domain @d) carry its pattern? */
static bool map_intact(const volatile u64 *p, u32 d, u64 npages)
{
	u64 g;

	for (g = 0; g < npages; g++) {
		const volatile u64 *w = (const volatile u64 *)((const char *)p + g * PAGE);

		if (w[0] != MAP_MAGIC || w[1] != d || w[2] != g)
			return false;
	}
	return true;
}

static void *dom_map(int f, u64 npages, int prot, int flags, off_t off)
{
	return mmap(NULL, npages * PAGE, prot, flags, f, off);
}

static int dom_open(u32 d)
{
	struct numaclaims_domain_open op = { .domid = d };

	return raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_OPEN, &op);
}

static void map_fill(u32 d, int f)
{
	volatile u64 *p = dom_map(f, MAP_PAGES, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	u64 g;

	if (p == MAP_FAILED)
		return;
	for (g = 0; g < MAP_PAGES; g++) {
		volatile u64 *w = (volatile u64 *)((char *)p + g * PAGE);

		w[0] = MAP_MAGIC;
		w[1] = d;
		w[2] = g;
	}
	munmap((void *)p, MAP_PAGES * PAGE);
}

static void domain_files(void)
{
	static const int einval[] = { -EINVAL, 1 };
	static const int enxio[] = { -ENXIO, -EOVERFLOW, -EINVAL, 1 };
	static const int huge[] = { -ENXIO, -ENOMEM, 0, 1 };
	static const int ok_or_eperm[] = { 0, -EPERM, -EACCES, 1 };
	static const int ok[] = { 0, 1 };
	static const int ok_or_einval[] = { 0, -EINVAL, 1 };
	/* fallocate(2)'s ENODEV: a domain file is no regular file */
	static const int remove_errs[] = { -ENODEV, -EOPNOTSUPP, -EINVAL, -EACCES, 1 };
	/* VM_DONTEXPAND: mremap(2) answers EFAULT for an old_size 0 copy too */
	static const int dup_errs[] = { 0, -EFAULT, -EINVAL, 1 };
	static const int grow_errs[] = { -EFAULT, -EINVAL, -ENOMEM, 1 };
	static const int populate_errs[] = { 0, -EINVAL, 1 };
	static const int hole_errs[] = { -EFAULT, -EINVAL, 1 };
	static const int esrch[] = { -ESRCH, 1 };
	static const int mvalidate[] = { -EOPNOTSUPP, -EINVAL, 1 };
	static const struct { int advice; const char *name; const int *allowed; } adv[] = {
		{ MADV_NORMAL, "MADV_NORMAL", ok },
		{ MADV_RANDOM, "MADV_RANDOM", ok },
		{ MADV_SEQUENTIAL, "MADV_SEQUENTIAL", ok },
		{ MADV_WILLNEED, "MADV_WILLNEED", ok },
		{ MADV_DONTNEED, "MADV_DONTNEED", ok },
		{ MADV_FREE, "MADV_FREE", ok_or_einval },
		{ MADV_REMOVE, "MADV_REMOVE", remove_errs },
		{ MADV_DONTFORK, "MADV_DONTFORK", ok },
		{ MADV_DOFORK, "MADV_DOFORK", ok },
		{ MADV_MERGEABLE, "MADV_MERGEABLE", ok_or_einval },
		{ MADV_UNMERGEABLE, "MADV_UNMERGEABLE", ok_or_einval },
		{ MADV_HUGEPAGE, "MADV_HUGEPAGE", ok_or_einval },
		{ MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE", ok_or_einval },
		{ MADV_DONTDUMP, "MADV_DONTDUMP", ok },
		{ MADV_DODUMP, "MADV_DODUMP", ok_or_einval },
		{ MADV_WIPEONFORK, "MADV_WIPEONFORK", ok_or_einval },
		{ MADV_KEEPONFORK, "MADV_KEEPONFORK", ok_or_einval },
		{ 20 /* MADV_COLD */, "MADV_COLD", ok_or_einval },
		{ 21 /* MADV_PAGEOUT */, "MADV_PAGEOUT", ok_or_einval },
		{ 22 /* MADV_POPULATE_READ */, "MADV_POPULATE_READ", populate_errs },
		{ 23 /* MADV_POPULATE_WRITE */, "MADV_POPULATE_WRITE", populate_errs },
		{ 12345, "advice 12345", einval },
	};
	int dead_fd, f2;
	void *p, *q, *r;
	u64 done, t0 = st_now_us();
	size_t i;

	group_begin("domain files: mmap, mremap, madvise, mprotect, msync");
	if (raw_create(fd, 4096, 0, &M) || raw_create(fd, 4096, 0, &M2) ||
	    st_populate_range(fd, M, 0, MAP_PAGES, 0, 0, &done) ||
	    st_populate_range(fd, M2, 0, MAP_PAGES, 0, 0, &done)) {
		tap_ok(false, "domain files: setup");
		return;
	}
	map_dom = dom_open(M);
	f2 = dom_open(M2);
	if (map_dom < 0 || f2 < 0) {
		tap_ok(false, "domain files: DOMAIN_OPEN: %s", raw_errname(map_dom < 0 ? map_dom : f2));
		return;
	}
	map_fill(M, map_dom);
	map_fill(M2, f2);

	/* mmap: flags, offsets, lengths */
	EXPECT_ONE_OF(einval, sys_ret((long)dom_map(map_dom, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0)),
		      "mmap MAP_PRIVATE read-write");
	EXPECT_ONE_OF(einval, sys_ret((long)dom_map(map_dom, 1, PROT_READ, MAP_PRIVATE, 0)),
		      "mmap MAP_PRIVATE read-only");
	EXPECT_ONE_OF(mvalidate, sys_ret((long)dom_map(map_dom, 1, PROT_READ,
						       MAP_SHARED_VALIDATE | MAP_SYNC, 0)),
		      "mmap MAP_SHARED_VALIDATE|MAP_SYNC (no DAX)");
	EXPECT_ONE_OF(einval, sys_ret((long)dom_map(map_dom, 1, PROT_READ, MAP_SHARED, 4095)),
		      "mmap at an unaligned offset");
	EXPECT_ONE_OF(enxio, sys_ret((long)dom_map(map_dom, 1, PROT_READ, MAP_SHARED, -(off_t)PAGE)),
		      "mmap at a negative offset");
	EXPECT_ONE_OF(enxio, sys_ret((long)dom_map(map_dom, 2, PROT_READ, MAP_SHARED,
						   (off_t)((NUMACLAIMS_MAX_GFN - 1) * PAGE))),
		      "mmap across NUMACLAIMS_MAX_GFN");
	EXPECT_ONE_OF(enxio, sys_ret((long)dom_map(map_dom, 1, PROT_READ, MAP_SHARED,
						   (off_t)(NUMACLAIMS_MAX_GFN * PAGE))),
		      "mmap at NUMACLAIMS_MAX_GFN");
	EXPECT_ONE_OF(enxio, sys_ret((long)dom_map(map_dom, 1, PROT_READ, MAP_SHARED,
						   (off_t)(0x7fffffffffffffffULL & ~(PAGE - 1)))),
		      "mmap at the largest page-aligned off_t");
	p = dom_map(map_dom, 1ULL << 33, PROT_READ, MAP_SHARED | MAP_NORESERVE, 0);
	EXPECT_ONE_OF(huge, sys_ret((long)p), "mmap of 32 TiB");
	if (p != MAP_FAILED)
		munmap(p, (1ULL << 33) * PAGE);
	EXPECT_ONE_OF(huge, sys_ret((long)dom_map(map_dom, 1ULL << 36, PROT_READ, MAP_SHARED, 0)),
		      "mmap of 256 TiB (beyond the address space)");
	p = dom_map(map_dom, MAP_PAGES, PROT_READ | PROT_EXEC, MAP_SHARED, 0);
	EXPECT_ONE_OF(ok_or_eperm, sys_ret((long)p), "mmap PROT_EXEC");
	if (p != MAP_FAILED) {
		EXPECT(0, map_intact(p, M, MAP_PAGES) ? 0 : -EIO, "PROT_EXEC mapping reads the domain");
		munmap(p, MAP_PAGES * PAGE);
	}

	/* MAP_FIXED over an anonymous mapping, then over another domain's */
	q = mmap(NULL, MAP_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p = mmap(q, MAP_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, map_dom, 0);
	EXPECT_ONE_OF(ok, sys_ret((long)p), "mmap MAP_FIXED over an anonymous mapping");
	if (p != MAP_FAILED) {
		EXPECT(0, map_intact(p, M, MAP_PAGES) ? 0 : -EIO,
		       "MAP_FIXED mapping reads domain %u", M);
		r = mmap(p, MAP_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, f2, 0);
		EXPECT_ONE_OF(ok, sys_ret((long)r), "mmap MAP_FIXED over another domain's mapping");
		if (r != MAP_FAILED)
			EXPECT(0, map_intact(r, M2, MAP_PAGES) ? 0 : -EIO,
			       "MAP_FIXED over domain %u reads domain %u, not the old one", M, M2);
	}
	if (q != MAP_FAILED)
		munmap(q, MAP_PAGES * PAGE);

	/* mremap: grow (VM_DONTEXPAND), shrink, move, duplicate */
	p = dom_map(map_dom, MAP_PAGES, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (p != MAP_FAILED) {
		EXPECT_ONE_OF(grow_errs, sys_ret((long)mremap(p, MAP_PAGES * PAGE, 2 * MAP_PAGES * PAGE,
							     MREMAP_MAYMOVE)),
			      "mremap grow (VM_DONTEXPAND)");
		q = mremap(p, MAP_PAGES * PAGE, MAP_PAGES * PAGE / 2, 0);
		EXPECT_ONE_OF(ok, sys_ret((long)q), "mremap shrink");
		if (q != MAP_FAILED)
			EXPECT(0, map_intact(q, M, MAP_PAGES / 2) ? 0 : -EIO, "shrunk mapping intact");
		r = mmap(NULL, MAP_PAGES * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		q = mremap(p, MAP_PAGES * PAGE / 2, MAP_PAGES * PAGE / 2,
			   MREMAP_MAYMOVE | MREMAP_FIXED, r);
		EXPECT_ONE_OF(ok, sys_ret((long)q), "mremap move (MREMAP_FIXED)");
		if (q != MAP_FAILED) {
			EXPECT(0, map_intact(q, M, MAP_PAGES / 2) ? 0 : -EIO, "moved mapping intact");
			p = q;
		}
		q = mremap(p, 0, MAP_PAGES * PAGE / 2, MREMAP_MAYMOVE);
		EXPECT_ONE_OF(dup_errs, sys_ret((long)q), "mremap old_size 0 (a second mapping)");
		if (q != MAP_FAILED) {
			EXPECT(0, map_intact(q, M, MAP_PAGES / 2) ? 0 : -EIO, "duplicated mapping intact");
			munmap(q, MAP_PAGES * PAGE / 2);
		}
		munmap(p, MAP_PAGES * PAGE / 2);
		if (r != MAP_FAILED)
			munmap(r, MAP_PAGES * PAGE);
	}

	/* madvise: every advice on a mapping, the data must survive */
	for (i = 0; i < ARRAY_SIZE(adv); i++) {
		p = dom_map(map_dom, MAP_PAGES, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		if (p == MAP_FAILED)
			continue;
		map_intact(p, M, MAP_PAGES);		/* fault everything in */
		EXPECT_ONE_OF(adv[i].allowed, sys_ret(madvise(p, MAP_PAGES * PAGE, adv[i].advice)),
			      "madvise %s", adv[i].name);
		EXPECT(0, map_intact(p, M, MAP_PAGES) ? 0 : -EIO, "data intact after %s", adv[i].name);
		munmap(p, MAP_PAGES * PAGE);
	}
	/* MADV_POPULATE_READ over a hole: EFAULT (the fault's SIGBUS), no page */
	p = dom_map(map_dom, 2 * MAP_PAGES, PROT_READ, MAP_SHARED, 0);
	if (p != MAP_FAILED) {
		EXPECT_ONE_OF(hole_errs, sys_ret(madvise((char *)p + MAP_PAGES * PAGE, MAP_PAGES * PAGE,
							 22 /* MADV_POPULATE_READ */)),
			      "MADV_POPULATE_READ over unpopulated gfns");
		munmap(p, 2 * MAP_PAGES * PAGE);
	}

	/* mprotect and msync */
	p = dom_map(map_dom, MAP_PAGES, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (p != MAP_FAILED) {
		EXPECT_ONE_OF(ok, sys_ret(mprotect(p, MAP_PAGES * PAGE, PROT_READ)), "mprotect PROT_READ");
		EXPECT(0, map_intact(p, M, MAP_PAGES) ? 0 : -EIO, "read-only mapping reads the domain");
		EXPECT_ONE_OF(ok_or_eperm, sys_ret(mprotect(p, MAP_PAGES * PAGE, PROT_READ | PROT_EXEC)),
			      "mprotect PROT_EXEC");
		EXPECT_ONE_OF(ok, sys_ret(mprotect(p, MAP_PAGES * PAGE, PROT_NONE)), "mprotect PROT_NONE");
		EXPECT_ONE_OF(ok, sys_ret(mprotect(p, MAP_PAGES * PAGE, PROT_READ | PROT_WRITE)),
			      "mprotect back to read-write");
		EXPECT(0, map_intact(p, M, MAP_PAGES) ? 0 : -EIO, "data intact after mprotect");
		EXPECT_ONE_OF(ok_or_einval, sys_ret(msync(p, MAP_PAGES * PAGE, MS_SYNC)), "msync MS_SYNC");
		EXPECT_ONE_OF(ok_or_einval, sys_ret(msync(p, MAP_PAGES * PAGE, MS_ASYNC)), "msync MS_ASYNC");
		EXPECT_ONE_OF(ok_or_einval, sys_ret(msync(p, MAP_PAGES * PAGE, MS_INVALIDATE)),
			      "msync MS_INVALIDATE");
		munmap(p, MAP_PAGES * PAGE);
	}

	/* a destroyed domain's file: mmap ESRCH (MAPPING.md) */
	dead_fd = f2;
	raw_destroy(fd, M2);
	for (i = 0; i < 100; i++) {	/* let the scrubber finish M2's pages */
		struct numaclaims_host_info hi;

		if (!st_hostinfo(fd, &hi) && !hi.total_scrub_pages)
			break;
		usleep(20000);
	}
	EXPECT_ONE_OF(esrch, sys_ret((long)dom_map(dead_fd, 1, PROT_READ, MAP_SHARED, 0)),
		      "mmap of a destroyed domain's file");
	close(dead_fd);
	close(map_dom);
	raw_destroy(fd, M);
	tap_diag("domain files group: %llu ms", (st_now_us() - t0) / 1000);
	group_end();
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "random", required_argument, NULL, 'r' },
		{ "enospc", no_argument, NULL, 'e' },
		{ "churn-limit", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct numaclaims_host_info hi;
	struct st_rng rng;
	u64 seed = st_seed_default(), nrandom = 2000, lost, lost2;
	bool do_enospc = false;
	int opt, i, n;
	char why[256];
	size_t k;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': nrandom = st_parse_u64(optarg); break;
		case 'e': do_enospc = true; break;
		case 'c': churn_limit = st_parse_u64(optarg); break;
		case 's': seed = st_parse_u64(optarg); break;
		default:
			fprintf(stderr, "usage: hostile [--random N] [--enospc] [--churn-limit BYTES] [--seed S]\n");
			return 2;
		}
	}
	printf("TAP version 13\n");
	tap_diag("hostile --random %llu%s --seed %llu", nrandom,
		 do_enospc ? " --enospc" : "", seed);
	st_rng_seed(&rng, seed);
	fd = raw_open();
	if (fd < 0) {
		tap_ok(false, "open: %s", raw_errname(fd));
		return tap_done();
	}
	guard = mmap(NULL, GUARD + PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, GUARD, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	big = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED || ro == MAP_FAILED || big == MAP_FAILED) {
		tap_ok(false, "mmap");
		return tap_done();
	}
	mprotect(guard + GUARD, PAGE, PROT_NONE);
	mprotect(big + 4 * PAGE, PAGE, PROT_NONE);

	st_hostinfo(fd, &hi);
	nr_nodes = hi.nr_nodes;
	node0 = NUMACLAIMS_MAX_NODES;
	nopool_node = 63;
	for (i = NUMACLAIMS_MAX_NODES - 1; i >= 0; i--) {
		if (hi.nodes[i].has_pool) {
			node0 = i;
		} else {
			nopool_node = i;
		}
	}
	if (node0 >= NUMACLAIMS_MAX_NODES) {
		tap_ok(false, "no node with a pool");
		return tap_done();
	}
	node0_pages = hi.nodes[node0].reserved_pages;
	setup_probes();

	for (k = 0; k < ARRAY_SIZE(iocs); k++)
		generic(&iocs[k]);
	unknown_numbers();
	reserved_fields();
	claim_sets();
	legacy_claims();
	reservations();
	absent_domains();
	offline_online();
	long_populate();
	readonly_valid();
	domain_files();
	autodestroy_churn(do_enospc ? 20000 : 4000);
	if (do_enospc)
		enospc();
	random_garbage(&rng, nrandom);

	/* back to baseline */
	n = st_check_quiescent(fd, &lost, why, sizeof(why));
	if (n)
		tap_diag("%s", why);
	tap_ok(!n, "quiescent cross-check at the end");
	n = st_back_to_baseline(fd, NULL, &lost2, why, sizeof(why));
	if (n)
		tap_diag("%s", why);
	tap_ok(!n, "every pool page free again, no claim, no domain");
	lost += lost2;
	tap_ok(lost == 0, "pages lost: %llu", lost);

	tap_fig("hostile.inputs", "%llu", tried);
	tap_fig("hostile.wrong_errno", "%llu", wrong_errno);
	tap_fig("hostile.state_changed", "%llu", changed);
	tap_fig("hostile.slow_calls", "%llu", slow);
	tap_fig("hostile.pages_lost", "%llu", lost);
	close(fd);
	return tap_done();
}
