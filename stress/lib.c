// SPDX-License-Identifier: GPL-2.0
/*
 * Shared helpers of the numaclaims stress programs; see lib.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

/* ------------------------------------------------------------------------
 * RNG
 */

void st_rng_seed(struct st_rng *r, u64 seed)
{
	r->s = seed;
}

u64 st_rng_next(struct st_rng *r)
{
	u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

u64 st_rng_below(struct st_rng *r, u64 n)
{
	return n ? st_rng_next(r) % n : 0;
}

bool st_rng_chance(struct st_rng *r, unsigned int percent)
{
	return st_rng_below(r, 100) < percent;
}

u64 st_seed_default(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((u64)ts.tv_sec * 1000003ULL) ^ (u64)ts.tv_nsec ^ (u64)getpid();
}

u64 st_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000ULL + (u64)ts.tv_nsec / 1000;
}

u64 st_parse_u64(const char *s)
{
	return strtoull(s, NULL, 0);
}

/*
 * HOST_INFO without the scrub figures: the background scrubbers change
 * those on their own, so snapshots that must agree (quiescent checks,
 * baselines) leave them out; every page is still in avail_pages.
 */
int st_hostinfo(int fd, struct numaclaims_host_info *hi)
{
	int ret;

	ret = raw_host_info_now(fd, hi);
	hi->total_scrub_pages = 0;
	memset(hi->scrub_pages, 0, sizeof(hi->scrub_pages));
	return ret;
}

int st_populate_range(int fd, u32 domid, u64 gfn0, u64 n, u32 order,
		      u32 memflags, u64 *nr_done)
{
	u64 gfns[256], done = 0;
	int ret = 0;

	while (done < n) {
		u64 batch = n - done < 256 ? n - done : 256, i, got = 0;

		for (i = 0; i < batch; i++)
			gfns[i] = gfn0 + ((done + i) << order);
		ret = raw_populate(fd, domid, gfns, batch, order, memflags, &got);
		done += got;
		if (ret)
			break;
	}
	if (nr_done)
		*nr_done = done;
	return ret;
}

/* ------------------------------------------------------------------------
 * Invariants
 */

#define FAIL(...)	do { snprintf(why, len, __VA_ARGS__); return 1; } while (0)

int st_check_host(const struct numaclaims_host_info *hi, char *why, size_t len)
{
	u64 avail = 0;
	u32 n;

	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		const struct numaclaims_node_info *ni = &hi->nodes[n];

		if (!ni->has_pool && (ni->reserved_pages || ni->avail_pages ||
				      ni->outstanding_claims || ni->offlined_pages))
			FAIL("node %u has no pool but non-zero counters", n);
		if (ni->outstanding_claims > ni->avail_pages)
			FAIL("node %u: node_outstanding_claims %llu"
			     " > node_avail_pages %llu", n,
			     (u64)ni->outstanding_claims, (u64)ni->avail_pages);
		if (ni->avail_pages + ni->offlined_pages > ni->reserved_pages)
			FAIL("node %u: avail %llu + offlined %llu"
			     " > reserved %llu", n, (u64)ni->avail_pages,
			     (u64)ni->offlined_pages, (u64)ni->reserved_pages);
		if (ni->has_pool && n >= hi->nr_nodes)
			FAIL("node %u has a pool but nr_nodes is %u", n,
			     hi->nr_nodes);
		avail += ni->avail_pages;
	}
	if (avail != hi->total_avail_pages)
		FAIL("total_avail_pages %llu != sum of node_avail_pages %llu",
		     (u64)hi->total_avail_pages, avail);
	if (hi->outstanding_claims > hi->total_avail_pages)
		FAIL("outstanding_claims %llu > total_avail_pages %llu",
		     (u64)hi->outstanding_claims, (u64)hi->total_avail_pages);
	return 0;
}

int st_check_domain(const struct numaclaims_domain_info *di, char *why,
		    size_t len)
{
	u64 claims = 0, pages = 0, room;
	u32 n;

	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		claims += di->claims[n];
		pages += di->node_pages[n];
	}
	if (claims != di->node_claims)
		FAIL("domain %u: node_claims %llu != sum of claims %llu",
		     di->domid, (u64)di->node_claims, claims);
	if (di->node_claims > di->outstanding_pages)
		FAIL("domain %u: node_claims %llu > outstanding %llu",
		     di->domid, (u64)di->node_claims, (u64)di->outstanding_pages);
	room = di->max_pages > di->tot_pages ? di->max_pages - di->tot_pages : 0;
	if (di->outstanding_pages > room)
		FAIL("domain %u: outstanding %llu > max(0, max %llu"
		     " - tot %llu)", di->domid, (u64)di->outstanding_pages,
		     (u64)di->max_pages, (u64)di->tot_pages);
	if (pages != di->tot_pages + di->uncounted_pages)
		FAIL("domain %u: sum of node_pages %llu != tot %llu"
		     " + uncounted %llu", di->domid, pages,
		     (u64)di->tot_pages, (u64)di->uncounted_pages);
	return 0;
}

int st_check_quiescent(int fd, u64 *lost, char *why, size_t len)
{
	static struct numaclaims_host_info h1, h2;
	struct numaclaims_domain_info di;
	u64 claims[NUMACLAIMS_MAX_NODES] = { 0 }, pages[NUMACLAIMS_MAX_NODES] = { 0 };
	u64 outstanding = 0, lost_pages = 0;
	u32 next = 1, nr = 0, n;
	int ret;

	*lost = 0;
	if ((ret = st_hostinfo(fd, &h1)))
		FAIL("HOST_INFO: %s", raw_errname(ret));
	if (st_check_host(&h1, why, len))
		return 1;
	for (;;) {
		ret = raw_dom_info_flags(fd, next, NUMACLAIMS_INFO_NEXT, &di);
		if (ret == -ESRCH)
			break;
		if (ret)
			FAIL("DOMAIN_INFO(next %u): %s", next, raw_errname(ret));
		if (st_check_domain(&di, why, len))
			return 1;
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
			if (di.claims[n] && !h1.nodes[n].has_pool)
				FAIL("domain %u claims node %u, which has no pool",
				     di.domid, n);
			claims[n] += di.claims[n];
			pages[n] += di.node_pages[n];
		}
		outstanding += di.outstanding_pages;
		nr++;
		next = di.domid + 1;
	}
	if ((ret = st_hostinfo(fd, &h2)))
		FAIL("HOST_INFO: %s", raw_errname(ret));
	/* growable_pages follow Linux's free memory: not the heap's state */
	if (memcmp(&h1, &h2, offsetof(struct numaclaims_host_info,
				      total_growable_pages)))
		FAIL("host changed during the quiescent check (not quiescent)");
	if (nr != h1.nr_domains)
		FAIL("nr_domains %u but %u domains enumerated", h1.nr_domains, nr);
	if (outstanding != h1.outstanding_claims)
		FAIL("outstanding_claims %llu != sum of domains' %llu",
		     (u64)h1.outstanding_claims, outstanding);
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		const struct numaclaims_node_info *ni = &h1.nodes[n];
		u64 accounted = ni->avail_pages + ni->offlined_pages + pages[n];

		if (claims[n] != ni->outstanding_claims)
			FAIL("node %u: node_outstanding_claims %llu"
			     " != sum of domain claims %llu", n,
			     (u64)ni->outstanding_claims, claims[n]);
		if (accounted != ni->reserved_pages) {
			lost_pages += accounted < ni->reserved_pages ?
				      ni->reserved_pages - accounted :
				      accounted - ni->reserved_pages;
			snprintf(why, len, "node %u: reserved %llu"
				 " != avail %llu + offlined %llu"
				 " + in physmaps %llu", n,
				 (u64)ni->reserved_pages, (u64)ni->avail_pages,
				 (u64)ni->offlined_pages, pages[n]);
		}
	}
	*lost = lost_pages;
	return lost_pages ? 1 : 0;
}

int st_debugfs_invariants(char *why, size_t len)
{
	char buf[256];
	ssize_t n;
	int fd = open(RAW_DEBUGFS "/invariants", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	if (!strncmp(buf, "ok", 2))
		return 0;
	buf[strcspn(buf, "\n")] = 0;
	snprintf(why, len, "debugfs: %s", buf);
	return 1;
}

int st_count_domains(int fd)
{
	struct numaclaims_host_info hi;

	if (st_hostinfo(fd, &hi))
		return -1;
	return hi.nr_domains;
}

int st_destroy_all(int fd)
{
	struct numaclaims_domain_info di;
	int nr = 0;

	while (!raw_dom_info_flags(fd, 1, NUMACLAIMS_INFO_NEXT, &di))
		if (!raw_destroy(fd, di.domid))
			nr++;
	return nr;
}

int st_online_all(int fd)
{
	struct numaclaims_host_info hi;
	u32 n;
	int ret = 0;

	if ((ret = st_hostinfo(fd, &hi)))
		return ret;
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
		if (hi.nodes[n].offlined_pages)
			ret = raw_online(fd, n, hi.nodes[n].offlined_pages) ?: ret;
	return ret;
}

int st_back_to_baseline(int fd, const struct numaclaims_host_info *base,
			u64 *lost, char *why, size_t len)
{
	static struct numaclaims_host_info hi;
	char more[256];
	int bad = 0, i, n;

	*lost = 0;
	why[0] = 0;
#define BAD(...) do {							\
		if (!bad++)						\
			snprintf(why, len, __VA_ARGS__);		\
	} while (0)
	st_destroy_all(fd);
	st_online_all(fd);
	/* Held pages go back within the reaper's period (5 s backed off). */
	for (i = 0; i < 240; i++) {
		if (st_hostinfo(fd, &hi) || !hi.total_held_pages)
			break;
		usleep(50000);
	}
	if (st_hostinfo(fd, &hi)) {
		snprintf(why, len, "HOST_INFO failed");
		return 1;
	}
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		const struct numaclaims_node_info *ni = &hi.nodes[n];

		if (base ? ni->avail_pages != base->nodes[n].avail_pages ||
			   ni->offlined_pages != base->nodes[n].offlined_pages ||
			   hi.held_pages[n] != base->held_pages[n] :
			   ni->avail_pages != ni->reserved_pages)
			BAD("node %d not back to baseline: %llu free, %llu"
			    " offlined, %llu held of %llu", n,
			    (u64)ni->avail_pages, (u64)ni->offlined_pages,
			    (u64)hi.held_pages[n], (u64)ni->reserved_pages);
	}
	if (hi.nr_domains || hi.outstanding_claims)
		BAD("%u domains and %llu claimed pages left", hi.nr_domains,
		    (u64)hi.outstanding_claims);
	if (st_check_quiescent(fd, lost, more, sizeof(more)))
		BAD("%s", more);
	if (st_debugfs_invariants(more, sizeof(more)) > 0)
		BAD("%s", more);
#undef BAD
	return bad;
}

u64 st_pool_attr(u32 node, const char *attr)
{
	unsigned long long v = 0;
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/numaclaims/node%u/%s", node,
		 attr);
	f = fopen(path, "r");
	if (f && fscanf(f, "%llu", &v) != 1)
		v = 0;
	if (f)
		fclose(f);
	return v;
}

int st_pool_attr_set(u32 node, const char *attr, const char *val)
{
	char path[96];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "/sys/kernel/numaclaims/node%u/%s", node,
		 attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

u64 st_pool_nodes(int fd, int *count)
{
	struct numaclaims_host_info hi;
	u64 mask = 0;
	u32 n;
	int c = 0;

	if (!st_hostinfo(fd, &hi))
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (hi.nodes[n].has_pool) {
				mask |= 1ULL << n;
				c++;
			}
	if (count)
		*count = c;
	return mask;
}

/* ------------------------------------------------------------------------
 * TAP
 */

static int tap_n, tap_nfail;

static void tap_line(bool ok, const char *directive, const char *fmt, va_list ap)
{
	char name[512];

	vsnprintf(name, sizeof(name), fmt, ap);
	printf("%sok %d - %s%s\n", ok ? "" : "not ", ++tap_n, name,
	       directive ? directive : "");
	if (!ok)
		tap_nfail++;
	fflush(stdout);
}

void tap_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_line(ok, NULL, fmt, ap);
	va_end(ap);
}

void tap_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_line(true, " # SKIP", fmt, ap);
	va_end(ap);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void tap_fig(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("# FIG %s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int tap_done(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_nfail ? 1 : 0;
}

int tap_failed(void)
{
	return tap_nfail;
}

