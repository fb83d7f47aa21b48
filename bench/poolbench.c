// SPDX-License-Identifier: GPL-2.0
/*
 * poolbench - pools that follow demand, measured (bench/pool-run.sh runs it
 * in a VM, numaclaims.ko loaded with a capacity above its pool):
 *
 *   resize: node NODE's pool grown by MIB MiB and shrunk back
 *           (/sys/kernel/numaclaims/nodeN/pool_pages), ROUNDS times;
 *           then hugetlb's per-node pool of 2 MiB pages resized by the same
 *           size and back (nodeN/hugepages/hugepages-2048kB/nr_hugepages),
 *           side by side in the same VM; and the in-kernel baseline,
 *           alloc_pages_node() alone of the same size in 2 MiB blocks
 *           (numaclaims_bench.ko's "alloc NODE PAGES 9 0", zeroed by
 *           init_on_alloc as numaclaims' __GFP_ZERO pages are; its free is
 *           not timed).
 *   claim:  the latency of a claim of CLAIM_MIB MiB on NODE that fits the
 *           pool, and of the same claim from an empty pool with
 *           grow_on_claim (the claim grows the pool first), ROUNDS times.
 *
 * One JSON line per measurement.  A benchmark, never a test: nothing fails
 * on a figure; the exit status is 1 only if a call that must work fails.
 *
 * usage: poolbench NODE MIB CLAIM_MIB ROUNDS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/numaclaims.h>

#define MIB_PAGES	256ULL

static unsigned int NODE;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "poolbench: %s: %s\n", what, strerror(errno));
	printf("{\"error\":\"%s: %s\"}\n", what, strerror(errno));
	exit(1);
}

static void put(const char *fmt, unsigned long long v)
{
	char path[160], buf[32];
	int fd, n;

	snprintf(path, sizeof(path), fmt, NODE);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die(path);
	n = snprintf(buf, sizeof(buf), "%llu", v);
	if (write(fd, buf, n) != n)
		die(path);
	close(fd);
}

static unsigned long long get(const char *fmt)
{
	char path[160];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), fmt, NODE);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &v) != 1)
		die(path);
	fclose(f);
	return v;
}

#define POOL	"/sys/kernel/numaclaims/node%u/pool_pages"
#define GROW	"/sys/kernel/numaclaims/node%u/grow_on_claim"
#define HUGE	"/sys/devices/system/node/node%u/hugepages/hugepages-2048kB/nr_hugepages"

static void resize(unsigned long long mib, int rounds)
{
	unsigned long long base = get(POOL), pages = mib * MIB_PAGES;
	int r;

	for (r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns(), t1, t2;

		put(POOL, base + pages);
		t1 = now_ns();
		put(POOL, base);
		t2 = now_ns();
		printf("{\"what\":\"numaclaims\",\"mib\":%llu,\"round\":%d,\"grow_ns\":%llu,\"shrink_ns\":%llu}\n",
		       mib, r, (unsigned long long)(t1 - t0),
		       (unsigned long long)(t2 - t1));
	}
	for (r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns(), t1, t2;
		unsigned long long got;

		put(HUGE, mib / 2);
		t1 = now_ns();
		got = get(HUGE);
		put(HUGE, 0);
		t2 = now_ns();
		printf("{\"what\":\"hugetlb\",\"mib\":%llu,\"round\":%d,\"grow_ns\":%llu,\"shrink_ns\":%llu,\"got_mib\":%llu}\n",
		       mib, r, (unsigned long long)(t1 - t0),
		       (unsigned long long)(t2 - t1), got * 2);
	}
}

#define KMOD_CMD	"/sys/kernel/debug/numaclaims_bench/cmd"

/* alloc_pages_node() alone, of order 9, by the baseline module. */
static void baseline(unsigned long long mib, int rounds)
{
	char cmd[96], res[512];
	int r, fd = open(KMOD_CMD, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("{\"what\":\"linux\",\"skip\":\"no %s\"}\n", KMOD_CMD);
		return;
	}
	for (r = 0; r < rounds; r++) {
		unsigned long long ns = 0, got = 0;
		ssize_t n;

		snprintf(cmd, sizeof(cmd), "alloc %u %llu 9 0", NODE,
			 mib * MIB_PAGES);
		if (write(fd, cmd, strlen(cmd)) < 0)
			die("numaclaims_bench alloc");
		n = pread(fd, res, sizeof(res) - 1, 0);
		if (n < 0)
			die("numaclaims_bench result");
		res[n] = 0;
		if (sscanf(res, "ns=%llu pages=%llu", &ns, &got) != 2)
			die("numaclaims_bench result format");
		printf("{\"what\":\"linux\",\"mib\":%llu,\"round\":%d,\"grow_ns\":%llu,\"got_mib\":%llu}\n",
		       mib, r, ns, got / MIB_PAGES);
	}
	close(fd);
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static uint64_t claim_once(int fd, unsigned long long mib)
{
	struct numaclaims_domain_create cr = { .max_pages = 1ULL << 30 };
	struct numaclaims_claim c = { .pages = mib * MIB_PAGES,
				      .target = NODE };
	struct numaclaims_claim_memory cm = { .mode = NUMACLAIMS_CLAIM_SET,
					      .nr_entries = 1,
					      .claim_set = (uintptr_t)&c };
	struct numaclaims_domain_destroy de = { 0 };
	uint64_t t0, t;

	if (xioctl(fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &cr))
		die("create");
	cm.domid = cr.domid;
	t0 = now_ns();
	errno = -xioctl(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);
	t = now_ns() - t0;
	if (errno)
		die("claim");
	de.domid = cr.domid;
	if (xioctl(fd, NUMACLAIMS_IOC_DOMAIN_DESTROY, &de))
		die("destroy");
	return t;
}

static void claims(unsigned long long mib, int rounds)
{
	unsigned long long base = get(POOL);
	int fd = open("/dev/numaclaims", O_RDWR), r;

	if (fd < 0)
		die("/dev/numaclaims");
	if (base < mib * MIB_PAGES)
		put(POOL, mib * MIB_PAGES);
	for (r = 0; r < rounds; r++)
		printf("{\"what\":\"claim_fits\",\"mib\":%llu,\"round\":%d,\"ns\":%llu}\n",
		       mib, r, (unsigned long long)claim_once(fd, mib));
	put(GROW, 1);
	for (r = 0; r < rounds; r++) {
		put(POOL, 0);
		printf("{\"what\":\"claim_grows\",\"mib\":%llu,\"round\":%d,\"ns\":%llu}\n",
		       mib, r, (unsigned long long)claim_once(fd, mib));
	}
	put(GROW, 0);
	put(POOL, base);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: poolbench NODE MIB CLAIM_MIB ROUNDS\n");
		return 2;
	}
	NODE = (unsigned int)atoi(argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	resize(strtoull(argv[2], NULL, 10), atoi(argv[4]));
	baseline(strtoull(argv[2], NULL, 10), atoi(argv[4]));
	claims(strtoull(argv[3], NULL, 10), atoi(argv[4]));
	return 0;
}
