/* SPDX-License-Identifier: GPL-2.0 */
/*
 * raw_ioctl.h - the one raw-ioctl test library of numaclaims: the
 * kselftests (selftests/), the stress programs (stress/) and whatever else
 * tests the module through /dev/numaclaims include it.
 *
 * Raw ioctls through the uapi header only (no libclaims, so that a bug in
 * the library cannot hide one in the module), every call returning 0 or
 * -errno (never relying on errno afterwards), one table of errno names,
 * HOST_INFO and DOMAIN_INFO, and the debugfs page hook.  No harness: it
 * may be used from forked children and threads.  The prefix is raw_, not
 * the module's.  Stays droppable into tools/testing/selftests/numaclaims
 * with the kselftests.
 */
#ifndef NUMACLAIMS_RAW_IOCTL_H
#define NUMACLAIMS_RAW_IOCTL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/numaclaims.h>

#define RAW_DEVICE	"/dev/numaclaims"
#define RAW_DEBUGFS	"/sys/kernel/debug/numaclaims"

/*
 * Error names, so that a failed check says "expected EINVAL, got ENOMEM".
 * An errno without a name here is "errno N" (in a per-thread buffer).
 */
static inline const char *raw_errname(int rc)
{
	static __thread char buf[24];
	int e = rc < 0 ? -rc : rc;

	switch (e) {
	case 0: return "success";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENXIO: return "ENXIO";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOTTY: return "ENOTTY";
	case ENODATA: return "ENODATA";
	case EPROTO: return "EPROTO";
	case EUCLEAN: return "EUCLEAN";
	case EWOULDBLOCK: return "EWOULDBLOCK";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* 0 or -errno (a positive return value is 0: see raw_ioctl()). */
static inline int raw_ioc(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

/* The ioctl's own return value (API_VERSION, DOMAIN_OPEN), or -errno. */
static inline long raw_ioctl(int fd, unsigned long req, void *arg)
{
	long r = ioctl(fd, req, arg);

	return r < 0 ? -errno : r;
}

static inline int raw_open(void)
{
	int fd = open(RAW_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static inline int raw_create(int fd, __u64 max_pages, __u32 flags,
			     __u32 *domid)
{
	struct numaclaims_domain_create c = { .max_pages = max_pages,
					      .flags = flags };
	int rc = raw_ioc(fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &c);

	if (!rc && domid)
		*domid = c.domid;
	return rc;
}

static inline int raw_destroy(int fd, __u32 domid)
{
	struct numaclaims_domain_destroy d = { .domid = domid };

	return raw_ioc(fd, NUMACLAIMS_IOC_DOMAIN_DESTROY, &d);
}

static inline int raw_set_max(int fd, __u32 domid, __u64 max_pages)
{
	struct numaclaims_max_pages m = { .domid = domid,
					  .max_pages = max_pages };

	return raw_ioc(fd, NUMACLAIMS_IOC_SET_MAX_PAGES, &m);
}

static inline int raw_set_affinity(int fd, __u32 domid, __u64 nodemask)
{
	struct numaclaims_node_affinity a = { .domid = domid,
					      .nodemask = nodemask };

	return raw_ioc(fd, NUMACLAIMS_IOC_SET_NODE_AFFINITY, &a);
}

static inline int raw_claim_set(int fd, __u32 domid,
				const struct numaclaims_claim *set, __u32 nr)
{
	struct numaclaims_claim_memory cm = {
		.domid = domid, .mode = NUMACLAIMS_CLAIM_SET,
		.nr_entries = nr, .claim_set = (uintptr_t)set,
	};

	return raw_ioc(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);
}

/* GET: @nr is the capacity in, the entries written (or needed) out. */
static inline int raw_claim_get(int fd, __u32 domid,
				struct numaclaims_claim *set, __u32 *nr)
{
	struct numaclaims_claim_memory cm = {
		.domid = domid, .mode = NUMACLAIMS_CLAIM_GET,
		.nr_entries = *nr, .claim_set = (uintptr_t)set,
	};
	int rc = raw_ioc(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);

	*nr = cm.nr_entries;
	return rc;
}

static inline int raw_claim_pages(int fd, __u32 domid, __u64 target)
{
	struct numaclaims_reservation r = { .nr_extents = target,
					    .domid = domid };

	return raw_ioc(fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r);
}

/* POPULATE_PHYSMAP or DECREASE_RESERVATION; *@done: nr_done. */
static inline int raw_resv(int fd, unsigned long req, __u32 domid,
			   const __u64 *gfns, __u64 nr, __u32 order,
			   __u32 memflags, __u64 *done)
{
	struct numaclaims_reservation r = {
		.extent_start = (uintptr_t)gfns, .nr_extents = nr,
		.extent_order = order, .mem_flags = memflags, .domid = domid,
	};
	int rc = raw_ioc(fd, req, &r);

	if (done)
		*done = r.nr_done;
	return rc;
}

static inline int raw_populate(int fd, __u32 domid, const __u64 *gfns,
			       __u64 nr, __u32 order, __u32 memflags,
			       __u64 *done)
{
	return raw_resv(fd, NUMACLAIMS_IOC_POPULATE_PHYSMAP, domid, gfns, nr,
			order, memflags, done);
}

static inline int raw_decrease(int fd, __u32 domid, const __u64 *gfns,
			       __u64 nr, __u32 order, __u64 *done)
{
	return raw_resv(fd, NUMACLAIMS_IOC_DECREASE_RESERVATION, domid, gfns,
			nr, order, 0, done);
}

/* gfns first, first + 2^order, ... (caller frees). */
static inline __u64 *raw_gfn_range(__u64 first, __u64 nr, __u32 order)
{
	__u64 *g = malloc((nr ? nr : 1) * sizeof(*g)), i;

	if (!g)
		abort();
	for (i = 0; i < nr; i++)
		g[i] = first + (i << order);
	return g;
}

/* One populate of @nr extents from gfn @first. */
static inline int raw_populate_range(int fd, __u32 domid, __u64 first,
				     __u64 nr, __u32 order, __u32 memflags,
				     __u64 *done)
{
	__u64 *g = raw_gfn_range(first, nr, order);
	int rc = raw_populate(fd, domid, g, nr, order, memflags, done);

	free(g);
	return rc;
}

static inline int raw_decrease_range(int fd, __u32 domid, __u64 first,
				     __u64 nr, __u32 order, __u64 *done)
{
	__u64 *g = raw_gfn_range(first, nr, order);
	int rc = raw_decrease(fd, domid, g, nr, order, done);

	free(g);
	return rc;
}

/* DOMAIN_INFO with @flags (NUMACLAIMS_INFO_NEXT: the first domain >= @domid). */
static inline int raw_dom_info_flags(int fd, __u32 domid, __u32 flags,
				     struct numaclaims_domain_info *di)
{
	memset(di, 0, sizeof(*di));
	di->domid = domid;
	di->flags = flags;
	return raw_ioc(fd, NUMACLAIMS_IOC_DOMAIN_INFO, di);
}

static inline int raw_dom_info(int fd, __u32 domid,
			       struct numaclaims_domain_info *di)
{
	return raw_dom_info_flags(fd, domid, 0, di);
}

/* HOST_INFO as it is now. */
static inline int raw_host_info_now(int fd, struct numaclaims_host_info *hi)
{
	memset(hi, 0, sizeof(*hi));
	return raw_ioc(fd, NUMACLAIMS_IOC_HOST_INFO, hi);
}

static inline int raw_offline(int fd, __u32 node, __u64 pages)
{
	struct numaclaims_offline o = { .node = node, .pages = pages };

	return raw_ioc(fd, NUMACLAIMS_IOC_OFFLINE_PAGES, &o);
}

static inline int raw_online(int fd, __u32 node, __u64 pages)
{
	struct numaclaims_offline o = { .node = node, .pages = pages };

	return raw_ioc(fd, NUMACLAIMS_IOC_ONLINE_PAGES, &o);
}

static inline int raw_pool_resize(int fd, __u32 node, __u64 pages)
{
	struct numaclaims_pool_resize r = { .node = node, .pages = pages };

	return raw_ioc(fd, NUMACLAIMS_IOC_POOL_RESIZE, &r);
}

/* A new file for @domid's memory: the fd, or -errno. */
static inline int raw_domain_open(int fd, __u32 domid, __u32 flags)
{
	struct numaclaims_domain_open o = { .domid = domid, .flags = flags };

	return (int)raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_OPEN, &o);
}

/* The same through the domain's device node: the fd, or -errno. */
static inline int raw_domain_open_path(__u32 domid)
{
	char path[64];
	int r;

	snprintf(path, sizeof(path), NUMACLAIMS_DOMAIN_DEV_FMT, domid);
	r = open(path, O_RDWR | O_CLOEXEC);
	return r < 0 ? -errno : r;
}

/* --------------------------------------------------------------------------
 * The debugfs page hook (module parameter debug=1): fill and sum a page.
 */
static inline int raw_page_open(void)
{
	int fd = open(RAW_DEBUGFS "/page", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Fill page @gfn of @domid with @pattern through an open page-hook fd. */
static inline int raw_page_fill(int pfd, __u32 domid, __u64 gfn,
				__u64 pattern)
{
	char cmd[96];
	int n = snprintf(cmd, sizeof(cmd), "fill %u %llu %llx", domid,
			 (unsigned long long)gfn, (unsigned long long)pattern);

	return write(pfd, cmd, n) == n ? 0 : -errno;
}

/*
 * Sum page @gfn of @domid through an open page-hook fd: its non-zero bytes
 * and first u64 (@first may be NULL), and (@node, if not NULL, -1 from a
 * module that does not say) the node numaclaims placed it on.
 */
static inline int raw_page_sum(int pfd, __u32 domid, __u64 gfn,
			       __u64 *nonzero, __u64 *first, int *node)
{
	unsigned long long nz, f;
	char cmd[96], out[96];
	int n, nd = -1;
	ssize_t r;

	n = snprintf(cmd, sizeof(cmd), "sum %u %llu", domid,
		     (unsigned long long)gfn);
	if (write(pfd, cmd, n) != n)
		return -errno;
	r = pread(pfd, out, sizeof(out) - 1, 0);
	if (r < 0)
		return -errno;
	out[r] = 0;
	if (sscanf(out, "nonzero=%llu first=%llx node=%d", &nz, &f, &nd) < 2)
		return -EPROTO;
	*nonzero = nz;
	if (first)
		*first = f;
	if (node)
		*node = nd;
	return 0;
}

#endif /* NUMACLAIMS_RAW_IOCTL_H */
