// SPDX-License-Identifier: GPL-2.0
/*
 * lockhold - the longest hold of numaclaims' heap lock during the bulk
 * requests whose work grows with their size: OFFLINE_PAGES and
 * ONLINE_PAGES of N pages, and DOMAIN_DESTROY of a domain of N pages.
 *
 * For each request size it prints one JSON line with the request's wall
 * time (what one hold of the lock for the whole request, as before the
 * batching, would have cost every other caller) and the longest hold the
 * module saw (debugfs lock_holds, reset before each request): the first
 * grows with N, the second must not.  Runs in the VM of bench/lockhold-run.sh
 * (a benchmark, never a test: the figures are timings).
 *
 * usage: lockhold NODE SIZE_MIB...
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/numaclaims.h>

#define DEV	"/dev/numaclaims"
#define HOLDS	"/sys/kernel/debug/numaclaims/lock_holds"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read (and reset) the module's lock_holds; max_ns, max_frames. */
static int holds(unsigned long long *ns, unsigned long long *frames, int reset)
{
	char buf[512], *p;
	int fd = open(HOLDS, O_RDWR);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	p = strstr(buf, "max_ns=");
	*ns = p ? strtoull(p + 7, NULL, 10) : 0;
	p = strstr(buf, "max_frames=");
	*frames = p ? strtoull(p + 11, NULL, 10) : 0;
	if (reset && write(fd, "0\n", 2) != 2)
		n = -1;
	close(fd);
	return n > 0 ? 0 : -1;
}

static void report(const char *op, unsigned long long pages, double secs)
{
	unsigned long long ns, frames;

	holds(&ns, &frames, 0);
	printf("{\"bench\":\"lockhold\",\"op\":\"%s\",\"pages\":%llu,\"request_us\":%.0f,\"max_hold_us\":%.1f,\"max_frames\":%llu}\n",
	       op, pages, secs * 1e6, ns / 1e3, frames);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int fd = open(DEV, O_RDWR), i;
	unsigned int node;

	if (argc < 3 || fd < 0) {
		fprintf(stderr, "usage: lockhold NODE SIZE_MIB... (with %s)\n", DEV);
		return 2;
	}
	node = strtoul(argv[1], NULL, 0);
	for (i = 2; i < argc; i++) {
		unsigned long long pages = strtoull(argv[i], NULL, 0) << 8, j;
		unsigned long long ns, frames;
		struct numaclaims_offline o = { .node = node, .pages = pages };
		struct numaclaims_domain_create c = { .max_pages = pages };
		struct numaclaims_domain_destroy d = { 0 };
		struct numaclaims_reservation r = { 0 };
		unsigned long long *gfns;
		double t;

		holds(&ns, &frames, 1);
		t = now();
		if (ioctl(fd, NUMACLAIMS_IOC_OFFLINE_PAGES, &o)) {
			perror("OFFLINE_PAGES");
			return 1;
		}
		report("offline", pages, now() - t);
		holds(&ns, &frames, 1);
		t = now();
		if (ioctl(fd, NUMACLAIMS_IOC_ONLINE_PAGES, &o)) {
			perror("ONLINE_PAGES");
			return 1;
		}
		report("online", pages, now() - t);

		/* A domain of @pages 4 KiB pages on @node, then its destroy. */
		gfns = malloc(pages * sizeof(*gfns));
		if (!gfns || ioctl(fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &c))
			return 1;
		for (j = 0; j < pages; j++)
			gfns[j] = j;
		r.domid = c.domid;
		r.extent_start = (unsigned long)gfns;
		r.nr_extents = pages;
		r.mem_flags = NUMACLAIMS_MEMF_NODE(node) |
			      NUMACLAIMS_MEMF_EXACT_NODE;
		if (ioctl(fd, NUMACLAIMS_IOC_POPULATE_PHYSMAP, &r)) {
			perror("POPULATE_PHYSMAP");
			return 1;
		}
		free(gfns);
		holds(&ns, &frames, 1);
		d.domid = c.domid;
		t = now();
		if (ioctl(fd, NUMACLAIMS_IOC_DOMAIN_DESTROY, &d)) {
			perror("DOMAIN_DESTROY");
			return 1;
		}
		report("destroy", pages, now() - t);
	}
	close(fd);
	return 0;
}
