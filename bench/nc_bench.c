// SPDX-License-Identifier: GPL-2.0
/*
 * nc_bench: the numaclaims benchmarks that run where the module runs (a
 * QEMU VM from bench/run.sh, or a real NUMA server).  Every result is one
 * JSON object per line on stdout; bench/report.py gathers them.
 *
 *   nc_bench info
 *   nc_bench ioctl     [--iters K] [--rounds R] [--device2 PATH --label2 NAME]
 *   nc_bench populate  [--pages N] [--reps R] [--node N]...
 *   nc_bench scale     [--pages N] [--reps R] [--builders K]... [--order O]...
 *   nc_bench engine    [--pages N]
 *   nc_bench lock      [--pages N] [--builders K]...
 *   nc_bench placement [--seeds S] [--per-node D] [--batch E] [--hot PCT]
 *
 * --device PATH opens another build of the module than /dev/numaclaims.
 * In-kernel baselines come from numaclaims_bench.ko
 * (/sys/kernel/debug/numaclaims_bench/cmd, bench/kmod/ncb_main.c), measured
 * interleaved with the ioctl figures so that both see the same machine.
 * Benchmarks, not tests: nothing here passes or fails on a figure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "claims.h"

#define KMOD_CMD	"/sys/kernel/debug/numaclaims_bench/cmd"
#define INVARIANTS	"/sys/kernel/debug/numaclaims/invariants"
#define MAX_NODES	NUMACLAIMS_MAX_NODES
#define MAX_BUILDERS	256

static struct claims_handle *H;
static const char *DEVICE;	/* --device, NULL: /dev/numaclaims */
static const char *LABEL = "stock";	/* --label: which module answered */
static const char *DEVICE2;		/* --device2: ioctl on a second build too */
static const char *LABEL2 = "second";
static int FD;			/* claims_fd(H) */
static uint64_t POOL_MASK;	/* nodes with a pool */
static int NR_POOL_NODES;
static int POOL_NODE[MAX_NODES];

/* ------------------------------------------------------------------------ */

static void die(const char *what, int err)
{
	fprintf(stderr, "nc_bench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median_u64(uint64_t *v, int n)
{
	uint64_t tmp[64];

	if (n > 64)
		n = 64;
	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_u64);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static double median_dbl(double *v, int n)
{
	double tmp[64];

	if (n > 64)
		n = 64;
	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_dbl);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static uint64_t min_u64(const uint64_t *v, int n)
{
	uint64_t m = UINT64_MAX;

	for (int i = 0; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

/* "[a,b,c]" */
static void json_u64_list(char *buf, size_t len, const uint64_t *v, int n)
{
	size_t off = 0;

	off += snprintf(buf + off, len - off, "[");
	for (int i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%" PRIu64, i ? "," : "", v[i]);
	if (off < len)
		snprintf(buf + off, len - off, "]");
}

/* The first CPU of @node, from sysfs; -1 if none. */
static int node_cpu(int node)
{
	char path[96];
	FILE *f;
	int cpu = -1;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &cpu) != 1)
		cpu = -1;
	fclose(f);
	return cpu;
}

static void pin_node(int node)
{
	int cpu = node_cpu(node);
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void unpin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (int i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void open_device(void)
{
	uint32_t nr;
	int ret;

	ret = claims_open_handle(DEVICE, &H);
	if (ret)
		die(DEVICE ? DEVICE : "open " CLAIMS_DEVICE, ret);
	FD = claims_fd(H);
	ret = claims_pool_nodes(H, &POOL_MASK, &nr);
	if (ret)
		die("pool nodes", ret);
	for (int n = 0; n < MAX_NODES; n++)
		if (POOL_MASK & (1ULL << n))
			POOL_NODE[NR_POOL_NODES++] = n;
	if (!NR_POOL_NODES)
		die("no node has a pool", ENOENT);
}

static const char *invariants(void)
{
	static char buf[128];
	FILE *f = fopen(INVARIANTS, "r");

	if (!f)
		return "unavailable";
	if (!fgets(buf, sizeof(buf), f))
		strcpy(buf, "unreadable");
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* ------------------------------------------------------------------------
 * numaclaims_bench.ko
 */

static int kmod_fd(void)
{
	int fd = open(KMOD_CMD, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open " KMOD_CMD " (is numaclaims_bench.ko loaded?)", errno);
	return fd;
}

/* Run one command; the "key=value" result line into @out. */
static void kmod_run(int fd, char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void kmod_run(int fd, char *out, size_t len, const char *fmt, ...)
{
	char cmd[160];
	va_list ap;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (write(fd, cmd, strlen(cmd)) < 0) {
		fprintf(stderr, "nc_bench: kmod '%s'\n", cmd);
		die("kmod command", errno);
	}
	n = pread(fd, out, len - 1, 0);
	if (n < 0)
		die("kmod result", errno);
	out[n] = 0;
	out[strcspn(out, "\n")] = 0;
}

static uint64_t kv(const char *res, const char *key)
{
	char pat[48];
	const char *p;

	snprintf(pat, sizeof(pat), "%s=", key);
	for (p = res; (p = strstr(p, pat)); p++)
		if (p == res || p[-1] == ' ')
			return strtoull(p + strlen(pat), NULL, 10);
	fprintf(stderr, "nc_bench: no %s in '%s'\n", key, res);
	exit(1);
}

/* ------------------------------------------------------------------------
 * Domains.
 */

static uint32_t dom_create(uint64_t max_pages)
{
	uint32_t domid;
	int ret = claims_domain_create(H, max_pages, 0, &domid);

	if (ret)
		die("domain create", ret);
	return domid;
}

static void dom_destroy(uint32_t domid)
{
	int ret = claims_domain_destroy(H, domid);

	if (ret)
		die("domain destroy", ret);
}

static int claim_one(uint32_t domid, uint32_t target, uint64_t pages)
{
	struct numaclaims_claim c = { .pages = pages, .target = target };
	uint32_t nr = 1;

	return claims_domain_claim_memory(H, domid, NUMACLAIMS_CLAIM_SET, &nr, &c);
}

static uint64_t *gfn_list(uint64_t pages, unsigned int order)
{
	uint64_t n = pages >> order, *g = malloc(n * sizeof(*g) + 8);

	if (!g)
		die("malloc", ENOMEM);
	for (uint64_t i = 0; i < n; i++)
		g[i] = i << order;
	return g;
}

/* ------------------------------------------------------------------------
 * info
 */

static int cmd_info(void)
{
	struct numaclaims_host_info hi;
	struct utsname u;
	char model[128] = "?", line[256];
	FILE *f;
	int ret;

	uname(&u);
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			char *p = strchr(line, ':');

			snprintf(model, sizeof(model), "%.120s", p ? p + 2 : line);
			model[strcspn(model, "\n")] = 0;
			break;
		}
	if (f)
		fclose(f);
	ret = claims_physinfo(H, &hi);
	if (ret)
		die("host info", ret);
	printf("{\"bench\":\"info\",\"kernel\":\"%s\",\"machine\":\"%s\","
	       "\"cpus\":%ld,\"cpu_model\":\"%s\",\"nodes\":%d,"
	       "\"pool_pages_per_node\":%" PRIu64 ",\"api_version\":%d}\n",
	       u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN), model,
	       NR_POOL_NODES, (uint64_t)hi.nodes[POOL_NODE[0]].reserved_pages,
	       claims_api_version(H));
	return 0;
}

/* ------------------------------------------------------------------------
 * ioctl: cost of claims as multiples of a null ioctl, same run.
 */

enum { OP_NULL, OP_SET, OP_GET, OP_LEGACY_PAIR, OP_LEGACY_RELEASE,
       OP_DOMINFO, OP_HOSTINFO, OP_SYSCALL };

struct ioctl_op {
	const char *name;
	int kind;
	int entries;
};

/* One device under test (the module, or a second build loaded next to it). */
struct ioctl_dev {
	const char *label;
	int fd;
	uint32_t domid;
	uint64_t ns[32][64];	/* per op, per round: ns per call */
	double ratio[32][64];	/* per op, per round: / the null ioctl around it */
};

static void fill_set(struct numaclaims_claim *set, int entries)
{
	for (int i = 0; i < entries; i++) {
		set[i].pages = 16;
		set[i].cmd = 0;
		set[i].target = i < NR_POOL_NODES ? (uint32_t)POOL_NODE[i]
						  : NUMACLAIMS_TARGET_HOST;
	}
}

static uint64_t time_op(int fd, const struct ioctl_op *op, uint32_t domid, long iters)
{
	struct numaclaims_claim set[MAX_NODES + 1], get[MAX_NODES + 1];
	struct numaclaims_claim_memory cm = { .domid = domid };
	struct numaclaims_reservation r = { .domid = domid };
	static struct numaclaims_domain_info di;
	static struct numaclaims_host_info hi;
	uint64_t t0, t1;
	long i;
	int ret = 0;

	fill_set(set, op->entries ? op->entries : 1);
	if (op->kind == OP_GET) {
		/* The set GET reads back. */
		cm.mode = NUMACLAIMS_CLAIM_SET;
		cm.nr_entries = op->entries;
		cm.claim_set = (uintptr_t)set;
		if (ioctl(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm))
			die("claim set for GET", errno);
	}
	if (op->kind == OP_LEGACY_PAIR || op->kind == OP_LEGACY_RELEASE) {
		/* Legacy claims need the domain free of claims. */
		r.nr_extents = 0;
		if (ioctl(fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r))
			die("legacy release", errno);
	}
	di.domid = domid;
	t0 = now_ns();
	switch (op->kind) {
	case OP_NULL:
		for (i = 0; i < iters; i++)
			ret |= ioctl(fd, NUMACLAIMS_IOC_API_VERSION) != NUMACLAIMS_API_VERSION;
		break;
	case OP_SET:
		cm.mode = NUMACLAIMS_CLAIM_SET;
		cm.claim_set = (uintptr_t)set;
		for (i = 0; i < iters; i++) {
			cm.nr_entries = op->entries;
			ret |= ioctl(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);
		}
		break;
	case OP_GET:
		cm.mode = NUMACLAIMS_CLAIM_GET;
		cm.claim_set = (uintptr_t)get;
		for (i = 0; i < iters; i++) {
			cm.nr_entries = MAX_NODES + 1;
			ret |= ioctl(fd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);
		}
		break;
	case OP_LEGACY_PAIR:
		for (i = 0; i < iters; i++) {
			r.nr_extents = 64;
			ret |= ioctl(fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r);
			r.nr_extents = 0;
			ret |= ioctl(fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r);
		}
		break;
	case OP_LEGACY_RELEASE:
		for (i = 0; i < iters; i++) {
			r.nr_extents = 0;
			ret |= ioctl(fd, NUMACLAIMS_IOC_CLAIM_PAGES, &r);
		}
		break;
	case OP_DOMINFO:
		for (i = 0; i < iters; i++) {
			di.domid = domid;
			di.flags = 0;
			ret |= ioctl(fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di);
		}
		break;
	case OP_HOSTINFO:
		for (i = 0; i < iters; i++)
			ret |= ioctl(fd, NUMACLAIMS_IOC_HOST_INFO, &hi);
		break;
	case OP_SYSCALL:
		/* The bare system call, for reference: no fd, no LSM hook. */
		for (i = 0; i < iters; i++)
			ret |= syscall(SYS_getppid) < 0;
		break;
	}
	t1 = now_ns();
	if (ret) {
		fprintf(stderr, "nc_bench: ioctl %s failed\n", op->name);
		exit(1);
	}
	return (t1 - t0) / iters;
}

static void ioctl_report(struct ioctl_dev *d, const struct ioctl_op *ops, int nops,
			 long iters, int rounds)
{
	char list[1024];
	uint64_t legacy[64];
	double ratio[64];
	int pair = -1, rel = -1;

	for (int k = 0; k < nops; k++) {
		json_u64_list(list, sizeof(list), d->ns[k], rounds);
		printf("{\"bench\":\"ioctl\",\"module\":\"%s\",\"nodes\":%d,\"op\":\"%s\","
		       "\"entries\":%d,\"iters\":%ld,\"rounds\":%d,\"ns_median\":%" PRIu64 ","
		       "\"ns_min\":%" PRIu64 ",\"ratio_median\":%.3f,\"ns\":%s}\n",
		       d->label, NR_POOL_NODES, ops[k].name, ops[k].entries, iters, rounds,
		       median_u64(d->ns[k], rounds), min_u64(d->ns[k], rounds),
		       median_dbl(d->ratio[k], rounds), list);
		if (ops[k].kind == OP_LEGACY_PAIR)
			pair = k;
		if (ops[k].kind == OP_LEGACY_RELEASE)
			rel = k;
	}
	/* Legacy claim alone: the pair minus a release, per round. */
	for (int r = 0; r < rounds; r++) {
		legacy[r] = d->ns[pair][r] > d->ns[rel][r] ? d->ns[pair][r] - d->ns[rel][r] : 0;
		ratio[r] = d->ratio[pair][r] - d->ratio[rel][r];
	}
	json_u64_list(list, sizeof(list), legacy, rounds);
	printf("{\"bench\":\"ioctl\",\"module\":\"%s\",\"nodes\":%d,\"op\":\"legacy_claim\","
	       "\"entries\":1,\"iters\":%ld,\"rounds\":%d,\"ns_median\":%" PRIu64 ","
	       "\"ns_min\":%" PRIu64 ",\"ratio_median\":%.3f,\"ns\":%s,"
	       "\"derived\":\"legacy_claim_release_pair - legacy_release\"}\n",
	       d->label, NR_POOL_NODES, iters, rounds, median_u64(legacy, rounds),
	       min_u64(legacy, rounds), median_dbl(ratio, rounds), list);
}

/*
 * Every call is timed @iters times between two runs of @iters / 2 null
 * ioctls on the same device; its ratio is against their mean, so a change
 * of the machine's load between calls does not bias it.  With a second
 * device (another build of the module loaded next to it), the devices
 * alternate call by call within each round.
 */
static int cmd_ioctl(long iters, int rounds, const char *dev2, const char *label2)
{
	static struct ioctl_op ops[32];
	static struct ioctl_dev devs[2];
	static const int entry_counts[] = { 1, 2, 4, 8 };
	static const char *keys[] = { "copy_from_user", "copy_array", "capable",
				      "lookup", "mutex", "spinlock" };
	uint64_t prim[6][64], eng[4][64];
	int nops = 0, ndevs = 1, max_entries = NR_POOL_NODES + 1;
	int kfd = open(KMOD_CMD, O_RDWR | O_CLOEXEC);
	char res[512];

	if (rounds > 64)
		rounds = 64;
	ops[nops++] = (struct ioctl_op){ .name = "null", .kind = OP_NULL };
	for (unsigned int i = 0; i < sizeof(entry_counts) / sizeof(*entry_counts); i++) {
		if (entry_counts[i] > max_entries)
			continue;
		ops[nops++] = (struct ioctl_op){ .name = "claim_set", .kind = OP_SET,
						 .entries = entry_counts[i] };
		ops[nops++] = (struct ioctl_op){ .name = "claim_get", .kind = OP_GET,
						 .entries = entry_counts[i] };
	}
	ops[nops++] = (struct ioctl_op){ .name = "legacy_claim_release_pair",
					 .kind = OP_LEGACY_PAIR };
	ops[nops++] = (struct ioctl_op){ .name = "legacy_release",
					 .kind = OP_LEGACY_RELEASE };
	ops[nops++] = (struct ioctl_op){ .name = "domain_info", .kind = OP_DOMINFO };
	ops[nops++] = (struct ioctl_op){ .name = "host_info", .kind = OP_HOSTINFO };
	ops[nops++] = (struct ioctl_op){ .name = "getppid", .kind = OP_SYSCALL };

	pin_node(POOL_NODE[0]);
	devs[0].label = LABEL;
	devs[0].fd = FD;
	devs[0].domid = dom_create(1ULL << 20);
	if (dev2) {
		struct numaclaims_domain_create c = { .max_pages = 1ULL << 20 };

		devs[1].label = label2;
		devs[1].fd = open(dev2, O_RDWR | O_CLOEXEC);
		if (devs[1].fd < 0)
			die(dev2, errno);
		if (ioctl(devs[1].fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &c))
			die("domain create on the second device", errno);
		devs[1].domid = c.domid;
		ndevs = 2;
	}
	/* Warm-up: every path once. */
	for (int d = 0; d < ndevs; d++)
		for (int k = 0; k < nops; k++)
			time_op(devs[d].fd, &ops[k], devs[d].domid, iters / 10 + 1);
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < nops; k++) {
			for (int d = 0; d < ndevs; d++) {
				struct ioctl_dev *v = &devs[d];
				uint64_t n0 = time_op(v->fd, &ops[0], v->domid, iters / 2);
				uint64_t t = time_op(v->fd, &ops[k], v->domid, iters);
				uint64_t n1 = time_op(v->fd, &ops[0], v->domid, iters / 2);

				v->ns[k][r] = t;
				v->ratio[k][r] = 2.0 * (double)t / (double)(n0 + n1);
			}
		}
		if (kfd < 0)
			continue;
		kmod_run(kfd, res, sizeof(res), "prims %ld%90s", iters / 4, "");
		for (int k = 0; k < 6; k++)
			prim[k][r] = kv(res, keys[k]);
		for (int e = 0; e < 4; e++) {
			kmod_run(kfd, res, sizeof(res), "install %d %ld", 1 << e, iters / 4);
			eng[e][r] = kv(res, "ns") / (iters / 4);
		}
	}
	dom_destroy(devs[0].domid);
	if (ndevs == 2) {
		struct numaclaims_domain_destroy dd = { .domid = devs[1].domid };

		if (ioctl(devs[1].fd, NUMACLAIMS_IOC_DOMAIN_DESTROY, &dd))
			die("domain destroy on the second device", errno);
		close(devs[1].fd);
	}
	for (int d = 0; d < ndevs; d++)
		ioctl_report(&devs[d], ops, nops, iters, rounds);
	if (kfd >= 0) {
		printf("{\"bench\":\"kernel_prims\",\"module\":\"%s\",\"nodes\":%d",
		       LABEL, NR_POOL_NODES);
		for (int k = 0; k < 6; k++)
			printf(",\"%s\":%" PRIu64, keys[k], median_u64(prim[k], rounds));
		for (int e = 0; e < 4; e++)
			printf(",\"engine_install_%d\":%" PRIu64, 1 << e, median_u64(eng[e], rounds));
		printf("}\n");
		close(kfd);
	}
	fflush(stdout);
	unpin();
	return 0;
}

/* ------------------------------------------------------------------------
 * populate: pages/s of populate against in-kernel baselines, interleaved.
 */

/* Populate @pages on @node in one call; ns, or dies. */
static uint64_t np_populate(int node, uint64_t pages, unsigned int order,
			    bool claim, bool exact, const uint64_t *gfns)
{
	uint32_t domid = dom_create(pages);
	struct numaclaims_domain_info di;
	uint64_t nr_done = 0, t0, t1;
	uint32_t flags = NUMACLAIMS_MEMF_NODE(node) |
			 (exact ? NUMACLAIMS_MEMF_EXACT_NODE : 0);
	int ret;

	if (claim && (ret = claim_one(domid, node, pages)))
		die("claim for populate", ret);
	t0 = now_ns();
	ret = claims_domain_populate_physmap(H, domid, pages >> order, order,
					     flags, gfns, &nr_done);
	t1 = now_ns();
	if (ret)
		die("populate", ret);
	ret = claims_domain_getinfo(H, domid, &di);
	if (ret || di.node_pages[node] != pages) {
		fprintf(stderr, "nc_bench: populate landed %" PRIu64 " of %" PRIu64
			" pages on node %d\n", (uint64_t)di.node_pages[node], pages, node);
		exit(1);
	}
	dom_destroy(domid);
	return t1 - t0;
}

struct variant {
	const char *name;
	unsigned int order;
	int kind;		/* 0 numaclaims, 1 kmod alloc, 2 kmod clear, 3 kmod xarray */
	bool claim, clear;
	uint64_t ns[64];
	uint64_t offnode;
};

static uint64_t run_variant(struct variant *v, int kfd, int node,
			    uint64_t pages, uint64_t *gfns0, uint64_t *gfns9)
{
	char res[512];

	switch (v->kind) {
	case 0:
		return np_populate(node, pages, v->order, v->claim, true,
				   v->order ? gfns9 : gfns0);
	case 1:
		kmod_run(kfd, res, sizeof(res), "alloc %d %" PRIu64 " %u %d", node,
			 pages, v->order, v->clear);
		if (kv(res, "pages") != pages)
			die("baseline alloc: node out of free memory", ENOMEM);
		v->offnode += kv(res, "offnode");
		return kv(res, "ns");
	case 2:
		/* one timed pass after the warm-up: like for like with the
		 * single populate call it is compared with */
		kmod_run(kfd, res, sizeof(res), "clear %d %" PRIu64 " 1", node, pages);
		return kv(res, "ns");
	default:
		kmod_run(kfd, res, sizeof(res), "xarray %" PRIu64, pages);
		return kv(res, "ns");
	}
}

static int cmd_populate(uint64_t pages, int reps, int *nodes, int nnodes)
{
	struct variant vs[] = {
		{ "numaclaims_populate", 9, 0, false, true, {0}, 0 },
		{ "numaclaims_populate_claimed", 9, 0, true, true, {0}, 0 },
		{ "numaclaims_populate", 0, 0, false, true, {0}, 0 },
		{ "numaclaims_populate_claimed", 0, 0, true, true, {0}, 0 },
		{ "alloc_pages_node_clear", 9, 1, false, true, {0}, 0 },
		{ "alloc_pages_node_clear", 0, 1, false, true, {0}, 0 },
		{ "alloc_pages_node", 9, 1, false, false, {0}, 0 },
		{ "alloc_pages_node", 0, 1, false, false, {0}, 0 },
		{ "clear_page_bandwidth", 0, 2, false, true, {0}, 0 },
		{ "xarray_store_per_page", 0, 3, false, false, {0}, 0 },
	};
	const int nv = sizeof(vs) / sizeof(*vs);
	enum { CLEAR_BW = 8 };		/* index of clear_page_bandwidth */
	static double rel[16][64];
	uint64_t *gfns0 = gfn_list(pages, 0), *gfns9 = gfn_list(pages, 9);
	int kfd = kmod_fd();
	char list[1024];

	if (reps > 64)
		reps = 64;
	for (int ni = 0; ni < nnodes; ni++) {
		int node = nodes[ni];
		struct numaclaims_host_info hi;
		uint64_t all;

		if (!(POOL_MASK & (1ULL << node)))
			continue;
		pin_node(node);
		/* Warm-up: touch the whole pool and the baseline's pages once
		 * (QEMU backs guest RAM on first touch). */
		if (claims_physinfo(H, &hi))
			die("host info", EIO);
		all = hi.nodes[node].avail_pages & ~511ULL;
		{
			uint64_t *g = gfn_list(all, 9);

			np_populate(node, all, 9, false, true, g);
			free(g);
		}
		for (int k = 0; k < nv; k++) {
			vs[k].offnode = 0;
			run_variant(&vs[k], kfd, node, pages, gfns0, gfns9);
		}
		/*
		 * Every variant runs between two passes of the clear_page
		 * reference; rel[k][r] is its time over the mean of those two,
		 * so a change of the machine's load between variants does not
		 * bias the ratios.
		 */
		for (int r = 0; r < reps; r++) {
			uint64_t before = run_variant(&vs[CLEAR_BW], kfd, node, pages,
						      gfns0, gfns9);

			vs[CLEAR_BW].ns[r] = before;
			rel[CLEAR_BW][r] = 1.0;
			for (int k = 0; k < nv; k++) {
				uint64_t after;

				if (k == CLEAR_BW)
					continue;
				vs[k].ns[r] = run_variant(&vs[k], kfd, node, pages,
							  gfns0, gfns9);
				after = run_variant(&vs[CLEAR_BW], kfd, node, pages,
						    gfns0, gfns9);
				rel[k][r] = 2.0 * (double)vs[k].ns[r] /
					    (double)(before + after);
				before = after;
			}
		}
		for (int k = 0; k < nv; k++) {
			struct variant *v = &vs[k];
			uint64_t med = median_u64(v->ns, reps);

			json_u64_list(list, sizeof(list), v->ns, reps);
			printf("{\"bench\":\"populate\",\"nodes\":%d,\"node\":%d,"
			       "\"variant\":\"%s\",\"order\":%u,\"pages\":%" PRIu64 ","
			       "\"reps\":%d,\"ns_median\":%" PRIu64 ",\"ns_min\":%" PRIu64 ","
			       "\"pages_per_s\":%.0f,\"offnode_pages\":%" PRIu64 ",\"ns\":%s}\n",
			       NR_POOL_NODES, node, v->name, v->order, pages, reps, med,
			       min_u64(v->ns, reps), pages * 1e9 / (double)med,
			       v->offnode, list);
		}
		/* Side-by-side ratios, per repetition, then the median. */
		for (int k = 0; k < nv; k++) {
			double ratio[64], rclear[64];

			if (k == CLEAR_BW)
				continue;
			for (int r = 0; r < reps; r++) {
				/* both relative to the clear passes around them */
				ratio[r] = 1.0 / rel[k][r];
				rclear[r] = rel[vs[k].order ? 4 : 5][r] / rel[k][r];
			}
			printf("{\"bench\":\"populate_ratio\",\"nodes\":%d,\"node\":%d,"
			       "\"variant\":\"%s\",\"order\":%u,\"of_clear_bandwidth\":%.3f",
			       NR_POOL_NODES, node, vs[k].name, vs[k].order,
			       median_dbl(ratio, reps));
			if (vs[k].kind == 0)
				printf(",\"of_alloc_pages_node_clear\":%.3f",
				       median_dbl(rclear, reps));
			printf("}\n");
		}
		fflush(stdout);
	}
	unpin();
	close(kfd);
	free(gfns0);
	free(gfns9);
	return 0;
}

/* ------------------------------------------------------------------------
 * scale: K builders on K different nodes populating at once.
 */

struct scale_slot {
	uint64_t t0, t1;
	uint32_t domid;
	int ret;
};

/*
 * Fork @k children at once: child i runs @child(i, @arg), which prepares,
 * calls wait_go() when it is ready, then does its timed work; the child
 * then exits 0.  All of them start their work at the same moment (one
 * pipe closed).  Returns once every child has exited; a child that exits
 * otherwise ends the run.
 */
static int go_fd = -1, ready_fd = -1;

static void wait_go(void)
{
	char c;

	if (write(ready_fd, "r", 1) != 1 || read(go_fd, &c, 1) < 0)
		_exit(1);
}

static void run_at_once(int k, void (*child)(int i, void *arg), void *arg)
{
	int go[2], ready[2];
	pid_t pid[MAX_BUILDERS];
	char c;

	if (k > MAX_BUILDERS)
		die("too many children", E2BIG);
	if (pipe(go) || pipe(ready))
		die("pipe", errno);
	for (int i = 0; i < k; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork", errno);
		if (!pid[i]) {
			close(go[1]);
			close(ready[0]);
			go_fd = go[0];
			ready_fd = ready[1];
			child(i, arg);
			_exit(0);
		}
	}
	close(go[0]);
	close(ready[1]);
	for (int i = 0; i < k; i++)
		if (read(ready[0], &c, 1) != 1)
			die("builder did not get ready", EIO);
	close(go[1]);		/* go */
	for (int i = 0; i < k; i++) {
		int st;

		waitpid(pid[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			die("builder failed", EIO);
	}
	close(ready[0]);
}

struct scale_arg {
	int kind;
	uint64_t pages;
	unsigned int order;
	struct scale_slot *slots;
};

static void scale_child(int i, void *arg)
{
	struct scale_arg *a = arg;
	struct scale_slot *s = &a->slots[i];
	int node = POOL_NODE[i], kfd = -1, ret = 0;
	uint64_t *gfns = NULL, nr_done;
	char res[512];

	pin_node(node);
	if (a->kind == 0) {
		gfns = gfn_list(a->pages, a->order);
		s->domid = dom_create(a->pages);
		ret = claim_one(s->domid, node, a->pages);
	} else {
		kfd = kmod_fd();
		if (a->kind == 2)
			kmod_run(kfd, res, sizeof(res), "hold %d %" PRIu64, node,
				 a->pages);
	}
	wait_go();
	s->t0 = now_ns();
	if (!ret && a->kind == 0)
		ret = claims_domain_populate_physmap(H, s->domid,
			a->pages >> a->order, a->order,
			NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE,
			gfns, &nr_done);
	else if (a->kind == 1)
		kmod_run(kfd, res, sizeof(res), "alloc %d %" PRIu64 " %u 1",
			 node, a->pages, a->order);
	else if (a->kind == 2)
		kmod_run(kfd, res, sizeof(res), "clearheld");
	s->t1 = now_ns();
	s->ret = ret;
}

/*
 * K children, child i pinned to pool node i; each prepares, then waits for
 * the others; @kind 0: numaclaims populate (claimed, exact), 1: kmod
 * alloc+clear, 2: kmod clear bandwidth.  Returns the wall time first start
 * to last end.
 */
static uint64_t scale_once(int k, int kind, uint64_t pages, unsigned int order,
			   struct scale_slot *slots)
{
	struct scale_arg a = { kind, pages, order, slots };
	uint64_t start = UINT64_MAX, end = 0;

	run_at_once(k, scale_child, &a);
	for (int i = 0; i < k; i++) {
		if (slots[i].ret)
			die("scale populate", slots[i].ret);
		if (kind == 0)
			dom_destroy(slots[i].domid);
		start = slots[i].t0 < start ? slots[i].t0 : start;
		end = slots[i].t1 > end ? slots[i].t1 : end;
	}
	return end - start;
}

static int cmd_scale(uint64_t pages, int reps, int *builders, int nb,
		     int *orders, int no)
{
	static const char *kinds[] = { "numaclaims_populate_claimed",
				       "alloc_pages_node_clear",
				       "clear_page_bandwidth" };
	struct scale_slot *slots = mmap(NULL, sizeof(*slots) * MAX_NODES,
					PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char list[1024];

	if (slots == MAP_FAILED)
		die("mmap", errno);
	if (reps > 64)
		reps = 64;
	for (int oi = 0; oi < no; oi++) {
		for (int bi = 0; bi < nb; bi++) {
			int k = builders[bi];
			uint64_t ns[3][64];

			if (k > NR_POOL_NODES)
				continue;
			/*
			 * The clear_page reference (kind 2) does not depend on
			 * the order; it runs in every pass so that each pass
			 * has the machine's limit measured next to it.
			 */
			for (int kind = 0; kind < 3; kind++)	/* warm-up */
				scale_once(k, kind, pages, orders[oi], slots);
			for (int r = 0; r < reps; r++)
				for (int kind = 0; kind < 3; kind++)
					ns[kind][r] = scale_once(k, kind, pages,
								 orders[oi], slots);
			for (int kind = 0; kind < 3; kind++) {
				uint64_t med;

				med = median_u64(ns[kind], reps);
				json_u64_list(list, sizeof(list), ns[kind], reps);
				printf("{\"bench\":\"scale\",\"nodes\":%d,\"variant\":\"%s\","
				       "\"order\":%d,\"builders\":%d,\"pages_per_builder\":%" PRIu64 ","
				       "\"reps\":%d,\"wall_ns_median\":%" PRIu64 ","
				       "\"aggregate_pages_per_s\":%.0f,\"ns\":%s}\n",
				       NR_POOL_NODES, kinds[kind], orders[oi],
				       k, pages, reps, med, k * pages * 1e9 / (double)med, list);
			}
			fflush(stdout);
		}
	}
	munmap(slots, sizeof(*slots) * MAX_NODES);
	return 0;
}

/* ------------------------------------------------------------------------
 * engine and lock: the heap lock's critical section, in the kernel.
 */

static int cmd_engine(uint64_t pages)
{
	int kfd = kmod_fd();
	char res[512];

	pin_node(POOL_NODE[0]);
	for (unsigned int order = 0; order <= 9; order += 9) {
		for (int claim = 0; claim <= 1; claim++) {
			uint64_t a[16], f[16], l[16], ext = 0;
			const int reps = 5;

			/* rep 0 is a warm-up (QEMU translates code on first use) */
			for (int r = -1; r < reps; r++) {
				kmod_run(kfd, res, sizeof(res), "engine %" PRIu64 " %u %d",
					 pages, order, claim);
				if (r < 0)
					continue;
				ext = kv(res, "extents");
				a[r] = kv(res, "ns_alloc");
				f[r] = kv(res, "ns_free");
				l[r] = kv(res, "ns_lock");
			}
			printf("{\"bench\":\"engine_kernel\",\"nodes\":%d,\"order\":%u,"
			       "\"claimed\":%s,\"extents\":%" PRIu64 ","
			       "\"ns_per_alloc\":%.1f,\"ns_per_free\":%.1f,"
			       "\"ns_per_lock_pair\":%.1f}\n",
			       NR_POOL_NODES, order, claim ? "true" : "false", ext,
			       (double)median_u64(a, reps) / ext,
			       (double)median_u64(f, reps) / ext,
			       (double)median_u64(l, reps) / ext);
		}
	}
	fflush(stdout);
	unpin();
	close(kfd);
	return 0;
}

static int cmd_lock(uint64_t pages, int *builders, int nb)
{
	/* (order, clear_page calls per extent): lock-bound, order-0 and
	 * order-9 populates as the module runs them */
	static const unsigned int cases[][2] = { { 0, 0 }, { 0, 1 }, { 9, 512 } };
	int kfd = kmod_fd();
	char res[512];

	for (unsigned int c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
		unsigned int order = cases[c][0], work = cases[c][1];
		uint64_t iters = pages >> order;

		for (int bi = 0; bi < nb; bi++) {
			int k = builders[bi];
			uint64_t ns[2][16];
			double ratio[16];
			const int reps = 5;

			if (k > NR_POOL_NODES)
				continue;
			/* global and per-node alternate within each repetition */
			for (int r = -1; r < reps; r++) {
				for (int mode = 0; mode <= 1; mode++) {
					kmod_run(kfd, res, sizeof(res),
						 "lock %d %" PRIu64 " %u %u %d", k,
						 iters, order, work, mode);
					if (r >= 0)
						ns[mode][r] = kv(res, "ns");
				}
				if (r >= 0)
					ratio[r] = (double)ns[0][r] / (double)ns[1][r];
			}
			for (int mode = 0; mode <= 1; mode++) {
				char list[512];

				json_u64_list(list, sizeof(list), ns[mode], reps);
				printf("{\"bench\":\"lock\",\"nodes\":%d,\"order\":%u,"
				       "\"work_clear_pages\":%u,\"threads\":%d,"
				       "\"lock\":\"%s\",\"extents_per_thread\":%" PRIu64 ","
				       "\"wall_ns_median\":%" PRIu64 ","
				       "\"aggregate_extents_per_s\":%.0f,"
				       "\"per_node_speedup_median\":%.3f,\"ns\":%s}\n",
				       NR_POOL_NODES, order, work, k,
				       mode ? "per_node" : "global", iters,
				       median_u64(ns[mode], reps),
				       k * iters * 1e9 / (double)median_u64(ns[mode], reps),
				       median_dbl(ratio, reps), list);
			}
			fflush(stdout);
		}
	}
	close(kfd);
	return 0;
}

/* ------------------------------------------------------------------------
 * placement: the same boot storm with claim sets and with node hints only.
 */

enum { ST_OK, ST_EARLY, ST_LATE };

/* How builders place guests. */
enum {
	M_HINTS,	/* look at free memory, populate with a node hint */
	M_CLAIMS,	/* claim the whole guest on one node, or refuse */
	M_SPREAD,	/* ... or, if no node can take it whole, the planner's
			 * fewest closest nodes (a multi-node claim set) */
};
static const char *const MODE_NAME[] = { "hints", "claims", "claims_spread" };

struct builder {
	/* in */
	int pref;
	uint64_t pages;
	/* out */
	int target;		/* node chosen (claimed, or checked free); -1 */
	int spread;		/* placed by a multi-node claim set */
	int status;
	int err;
	uint32_t domid;
	uint64_t populated;	/* before a late failure */
	uint64_t want[MAX_NODES];	/* pages intended per node */
	uint64_t node_pages[MAX_NODES];
	uint64_t t0, t1;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int host_free(uint64_t *free_pages, bool claims)
{
	struct numaclaims_host_info hi;

	if (claims_physinfo(H, &hi))
		return -1;
	for (int i = 0; i < NR_POOL_NODES; i++) {
		int n = POOL_NODE[i];

		free_pages[n] = hi.nodes[n].avail_pages -
				(claims ? hi.nodes[n].outstanding_claims : 0);
	}
	return 0;
}

/* The node with the most free (@claims: unclaimed) pool memory that can
 * take @pages, not in @tried; -1 if none. */
static int best_node(uint64_t pages, bool claims, uint64_t tried)
{
	uint64_t f[MAX_NODES], best_free = 0;
	int best = -1;

	if (host_free(f, claims))
		return -1;
	for (int i = 0; i < NR_POOL_NODES; i++) {
		int n = POOL_NODE[i];

		if (!(tried & (1ULL << n)) && f[n] >= pages && f[n] > best_free) {
			best_free = f[n];
			best = n;
		}
	}
	return best;
}

/* Populate @pages from gfn @gfn0 on @node (a hint), @batch extents a call. */
static int populate_part(struct builder *b, const uint64_t *gfns, uint64_t first,
			 uint64_t extents, int node, uint64_t batch, uint64_t *done)
{
	while (*done < first + extents) {
		uint64_t n = first + extents - *done, nr_done = 0;
		int ret;

		if (n > batch)
			n = batch;
		ret = claims_domain_populate_physmap(H, b->domid, n, 9,
						     NUMACLAIMS_MEMF_NODE(node),
						     gfns + *done, &nr_done);
		*done += nr_done;
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * One builder, as a toolstack builds a guest.  Admission: the preferred
 * node if it can take the whole guest, else the node with the most free
 * memory that can.  With claims, admission is the claim set libclaims'
 * planner installs (claims_build_claim(): the preferred node, else the
 * nearest that can take the whole guest, the nodes being equidistant here
 * the one with the most unclaimed memory; in the spread mode, a guest no
 * node can take whole gets the fewest closest nodes; a lost race re-plans);
 * without, it is a look at the free memory (HOST_INFO).
 * Either way the guest is then populated in 2 MiB extents, @batch per call,
 * with the node as a hint (MEMF_NODE, not EXACT), as Xen builders do.
 */
static void build(struct builder *b, int mode, uint64_t batch)
{
	bool claims = mode != M_HINTS;
	uint64_t tried = 0, done = 0;
	struct numaclaims_domain_info di;
	uint64_t *gfns = gfn_list(b->pages, 9);
	int node = -1, ret;

	b->t0 = now_ns();
	b->target = -1;
	ret = claims_domain_create(H, b->pages, 0, &b->domid);
	if (ret) {
		b->status = ST_EARLY;
		b->err = ret;
		goto out;
	}
	if (claims) {
		/*
		 * libclaims' planner: the preferred node if it can take the
		 * whole guest, else the nearest one that can; in the spread
		 * mode, else the fewest closest nodes.  A claim another builder
		 * beat it to is planned again from fresh state.
		 */
		struct claims_plan_request req = {
			.pages = b->pages, .cpu_node = b->pref,
			.max_nodes = mode == M_SPREAD ? 0 : 1,
		};
		struct claims_plan plan;
		uint64_t most = 0;

		ret = claims_build_claim(H, b->domid, &req, &plan);
		if (ret && ret != -ENOMEM)
			die("claim", ret);
		for (uint32_t e = 0; !ret && e < plan.nr_entries; e++) {
			int n = (int)plan.set[e].target;

			if (plan.set[e].pages & 511)
				die("planned a part that is not whole 2 MiB extents", EINVAL);
			b->want[n] = plan.set[e].pages;
			if (b->want[n] > most) {
				most = b->want[n];
				b->target = n;
			}
		}
		if (!ret && plan.kind == CLAIMS_PLAN_ONE_NODE)
			node = b->target;
		b->spread = !ret && plan.kind != CLAIMS_PLAN_ONE_NODE;
	}
	for (int attempt = 0; !claims && attempt < NR_POOL_NODES; attempt++) {
		int cand = attempt == 0 ? b->pref : best_node(b->pages, claims, tried);

		if (cand < 0)
			break;
		tried |= 1ULL << cand;
		if (host_free(b->node_pages, false) == 0 &&
		    b->node_pages[cand] >= b->pages) {
			node = cand;
			break;
		}
	}
	memset(b->node_pages, 0, sizeof(b->node_pages));
	if (node < 0 && !b->spread) {
		/* Refused before allocating anything. */
		b->status = ST_EARLY;
		b->err = -ENOMEM;
		claims_domain_destroy(H, b->domid);
		b->domid = 0;
		b->target = -1;
		goto out;
	}
	if (!b->spread) {
		b->target = node;
		memset(b->want, 0, sizeof(b->want));
		b->want[node] = b->pages;
		claims_domain_node_setaffinity(H, b->domid, 1ULL << node);
		ret = populate_part(b, gfns, 0, b->pages >> 9, node, batch, &done);
	} else {
		uint64_t first = 0, mask = 0;

		for (int i = 0; i < NR_POOL_NODES; i++)
			if (b->want[POOL_NODE[i]])
				mask |= 1ULL << POOL_NODE[i];
		claims_domain_node_setaffinity(H, b->domid, mask);
		ret = 0;
		for (int i = 0; i < NR_POOL_NODES && !ret; i++) {
			int n = POOL_NODE[i];

			if (!b->want[n])
				continue;
			ret = populate_part(b, gfns, first, b->want[n] >> 9, n, batch, &done);
			first += b->want[n] >> 9;
		}
	}
	if (ret) {
		/* Failed late: after populating part of the guest. */
		b->status = ST_LATE;
		b->err = ret;
		b->populated = done << 9;
		if (!claims_domain_getinfo(H, b->domid, &di))
			memcpy(b->node_pages, di.node_pages, sizeof(b->node_pages));
		claims_domain_destroy(H, b->domid);
		b->domid = 0;
		goto out;
	}
	if (claims)
		claim_one(b->domid, NUMACLAIMS_TARGET_HOST, 0);	/* clear */
	b->status = ST_OK;
	b->populated = b->pages;
	if (!claims_domain_getinfo(H, b->domid, &di))
		memcpy(b->node_pages, di.node_pages, sizeof(b->node_pages));
out:
	b->t1 = now_ns();
	free(gfns);
}

static void storm(struct builder *bs, int nb, int mode, uint64_t batch,
		  uint64_t *wall)
{
	int go[2], ready[2];
	pid_t pid[MAX_BUILDERS];
	uint64_t start = UINT64_MAX, end = 0;
	char c;

	if (pipe(go) || pipe(ready))
		die("pipe", errno);
	for (int i = 0; i < nb; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork", errno);
		if (!pid[i]) {
			close(go[1]);
			close(ready[0]);
			if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) < 0)
				_exit(1);
			build(&bs[i], mode, batch);
			_exit(0);
		}
	}
	close(go[0]);
	close(ready[1]);
	for (int i = 0; i < nb; i++)
		if (read(ready[0], &c, 1) != 1)
			die("builder did not get ready", EIO);
	close(go[1]);
	for (int i = 0; i < nb; i++) {
		int st;

		waitpid(pid[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			die("builder crashed", EIO);
	}
	close(ready[0]);
	for (int i = 0; i < nb; i++) {
		start = bs[i].t0 < start ? bs[i].t0 : start;
		end = bs[i].t1 > end ? bs[i].t1 : end;
	}
	*wall = end - start;
}

static int cmd_placement(int seeds, int per_node, uint64_t batch, int hot_pct)
{
	static const int modes[] = { M_CLAIMS, M_HINTS, M_SPREAD };
	struct builder *bs = mmap(NULL, sizeof(*bs) * MAX_BUILDERS,
				  PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int nb = per_node * NR_POOL_NODES;
	struct numaclaims_host_info hi;
	uint64_t pool;

	if (bs == MAP_FAILED)
		die("mmap", errno);
	if (nb > MAX_BUILDERS)
		nb = MAX_BUILDERS;
	if (claims_physinfo(H, &hi))
		die("host info", EIO);
	pool = UINT64_MAX;
	for (int i = 0; i < NR_POOL_NODES; i++)
		if (hi.nodes[POOL_NODE[i]].avail_pages < pool)
			pool = hi.nodes[POOL_NODE[i]].avail_pages;
	unpin();

	for (int seed = 1; seed <= seeds; seed++) {
		for (unsigned int mi = 0; mi < sizeof(modes) / sizeof(*modes); mi++) {
			int mode = modes[mi];
			uint64_t wall, sizes = 0, intended_pages = 0, pref_pages = 0;
			uint64_t demand = 0, wasted = 0, admitted_pages = 0;
			int ok = 0, early = 0, late = 0, local = 0, admitted = 0;
			int as_intended = 0, spread = 0;
			static char doms[MAX_BUILDERS * 200];
			char *p = doms;

			/* The same guests for every mode of a seed. */
			rng_state = 0x9e3779b97f4a7c15ULL * seed;
			for (int i = 0; i < nb; i++) {
				static const uint64_t eighths[] = { 2, 3, 4 };
				uint64_t pages = pool * eighths[rng() % 3] / 8;

				memset(&bs[i], 0, sizeof(bs[i]));
				bs[i].pages = pages & ~511ULL;
				bs[i].pref = (int)(rng() % 100) < hot_pct ? POOL_NODE[0]
					   : POOL_NODE[rng() % NR_POOL_NODES];
				demand += bs[i].pages;
			}
			storm(bs, nb, mode, batch, &wall);

			for (int i = 0; i < nb; i++) {
				struct builder *b = &bs[i];
				uint64_t on_intended = 0, max_node = 0;

				for (int n = 0; n < MAX_NODES; n++) {
					on_intended += b->node_pages[n] < b->want[n] ?
						       b->node_pages[n] : b->want[n];
					if (b->node_pages[n] > max_node)
						max_node = b->node_pages[n];
				}
				if (b->status != ST_EARLY) {
					admitted++;
					admitted_pages += b->pages;
				}
				if (b->status == ST_EARLY) {
					early++;
				} else if (b->status == ST_LATE) {
					late++;
					wasted += b->populated;
				} else {
					ok++;
					spread += b->spread;
					sizes += b->pages;
					intended_pages += on_intended;
					pref_pages += b->node_pages[b->pref];
					if (max_node == b->pages)
						local++;
					if (on_intended == b->pages)
						as_intended++;
				}
				p += sprintf(p, "%s{\"pref\":%d,\"target\":%d,\"spread\":%d,"
					     "\"pages\":%" PRIu64 ",\"status\":\"%s\","
					     "\"on_intended\":%" PRIu64 ",\"populated\":%" PRIu64
					     ",\"ms\":%.1f}",
					     i ? "," : "", b->pref, b->target, b->spread, b->pages,
					     b->status == ST_OK ? "ok" :
					     b->status == ST_EARLY ? "early" : "late",
					     on_intended, b->populated, (b->t1 - b->t0) / 1e6);
			}
			printf("{\"bench\":\"placement\",\"nodes\":%d,\"seed\":%d,"
			       "\"mode\":\"%s\",\"builders\":%d,\"pool_pages_per_node\":%" PRIu64 ","
			       "\"demand_pages\":%" PRIu64 ",\"admitted\":%d,\"completed\":%d,"
			       "\"fully_local\":%d,\"as_intended\":%d,\"spread\":%d,"
			       "\"failed_early\":%d,\"failed_late\":%d,"
			       "\"pages_completed\":%" PRIu64 ",\"pages_on_target\":%" PRIu64 ","
			       "\"pages_on_preferred\":%" PRIu64 ",\"pages_wasted_late\":%" PRIu64 ","
			       "\"admitted_pages\":%" PRIu64 ",\"wall_ms\":%.1f,"
			       "\"invariants\":\"%s\",\"domains\":[%s]}\n",
			       NR_POOL_NODES, seed, MODE_NAME[mode], nb, pool, demand,
			       admitted, ok, local, as_intended, spread, early, late, sizes,
			       intended_pages, pref_pages, wasted, admitted_pages, wall / 1e6,
			       invariants(), doms);
			fflush(stdout);
			/* Tear down the guests before the next storm. */
			for (int i = 0; i < nb; i++)
				if (bs[i].domid)
					dom_destroy(bs[i].domid);
		}
	}
	munmap(bs, sizeof(*bs) * MAX_BUILDERS);
	return 0;
}

/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * scrub: Xen's scrubbing model, side by side in one run.
 *
 * populate: on each pool node, a filler domain holds all of the node's
 * pool but PAGES, so the next domain gets exactly the PAGES that the one
 * before it freed.  Every variant runs between two passes of the node's
 * clear_page bandwidth (as cmd_populate), each repetition in a row:
 *   clean      scrub=1, the scrubbers done: populate of clean memory
 *   off        scrub=0, right after a domain of the same size was
 *              destroyed: populate clears every page (the old behaviour)
 *   now        scrub=1, right after the destroy: the scrubber has had no
 *              time (populate takes dirty blocks, or waits for one block)
 *   idle       scrub=1, after the destroy the scrubber is let finish
 *              (its wall time and CPU time are recorded), then populate
 *   alloc_pages_node, alloc_pages_node_clear   Linux, same node
 *   xarray_store_per_page   xa_store() of one entry per page, as the
 *              physmap was filled before one entry per extent
 * storm: B builders at once (claim on their node, populate order 9 in
 * batches of --batch extents) right after a mass destroy, scrub=0 then
 * scrub=1 in each repetition (alternating which goes first):
 *   full       every domain destroyed held the whole pool: all dirty
 *   lived-in   half the pool was freed long before (the host was idle
 *              after it: with scrub=1 the scrubbers cleaned it), the
 *              running domains held the other half; the storm rebuilds
 *              as much as was destroyed
 * Total time, per-builder time, placement (pages on the claimed node),
 * late failures, and what the scrubbers did (pages, CPU time, CPU).
 */
#define SCRUB_PARAM	"/sys/module/numaclaims/parameters/scrub"
#define SCRUB_DEBUGFS	"/sys/kernel/debug/numaclaims/scrub"

static void set_scrub(bool on)
{
	int fd = open(SCRUB_PARAM, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, on ? "1" : "0", 1) != 1)
		die("write " SCRUB_PARAM, errno);
	close(fd);
}

static uint64_t scrub_waiting(void)
{
	struct numaclaims_host_info hi;

	if (claims_physinfo(H, &hi))
		die("host info", EIO);
	return hi.total_scrub_pages;
}

/* Wait until no page waits for scrubbing; the ns it took. */
static uint64_t wait_scrubbed(void)
{
	uint64_t t0 = now_ns();

	while (scrub_waiting()) {
		if (now_ns() - t0 > 600000000000ULL)
			die("the scrubbers stalled", ETIMEDOUT);
		usleep(500);
	}
	return now_ns() - t0;
}

struct scrub_counts {
	uint64_t background[MAX_NODES], populate[MAX_NODES];
	uint64_t aborts[MAX_NODES], cpu_ns[MAX_NODES];
};

/* The per-node lines of debugfs numaclaims/scrub. */
static void scrub_counts(struct scrub_counts *c)
{
	FILE *f = fopen(SCRUB_DEBUGFS, "r");
	char line[256];

	memset(c, 0, sizeof(*c));
	if (!f)
		die("open " SCRUB_DEBUGFS, errno);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[7];
		unsigned int node;

		if (sscanf(line, "%u %llu %llu %llu %llu %llu %llu", &node, &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5]) != 7 ||
		    node >= MAX_NODES)
			continue;
		c->background[node] = v[1];
		c->populate[node] = v[2];
		c->aborts[node] = v[4];
		c->cpu_ns[node] = v[5];
	}
	fclose(f);
}

/* Sum over nodes of @b - @a, for one of the counters. */
static uint64_t counts_delta(const uint64_t *a, const uint64_t *b)
{
	uint64_t d = 0;

	for (int n = 0; n < MAX_NODES; n++)
		d += b[n] - a[n];
	return d;
}

/* Where the scrubber threads may run and last ran (/proc). */
static void scrub_threads_report(void)
{
	for (int pid = 2; pid < 4096; pid++) {
		char path[64], comm[64] = "", status[4096], allowed[64] = "?";
		unsigned int node;
		int last = -1;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
		if (sscanf(comm, "nc_scrub/%u", &node) != 1)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		f = fopen(path, "r");
		if (f) {
			while (fgets(status, sizeof(status), f))
				if (sscanf(status, "Cpus_allowed_list: %63s", allowed) == 1)
					break;
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (f) {
			/* field 39, after the ")" that ends the name */
			if (fgets(status, sizeof(status), f)) {
				char *p = strrchr(status, ')');
				int field = 2;

				for (; p && *p; p++)
					if (*p == ' ' && ++field == 39) {
						last = atoi(p + 1);
						break;
					}
			}
			fclose(f);
		}
		printf("{\"bench\":\"scrub_thread\",\"nodes\":%d,\"node\":%u,"
		       "\"pid\":%d,\"cpus_allowed\":\"%s\",\"last_cpu\":%d,"
		       "\"node_cpu\":%d}\n", NR_POOL_NODES, node, pid, allowed,
		       last, node_cpu(node));
	}
}

/* A domain holding @pages of @node (order 9, then order 0): its domid. */
static uint32_t hold_pages(int node, uint64_t pages)
{
	uint32_t domid = dom_create(pages ? pages : 1);
	uint32_t flags = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	uint64_t big = pages >> 9, small = pages & 511, done;
	uint64_t *g9 = gfn_list(big << 9, 9), *g0 = malloc(small * 8 + 8);
	int ret = 0;

	if (!g0)
		die("malloc", ENOMEM);
	for (uint64_t i = 0; i < small; i++)
		g0[i] = (big << 9) + i;
	if (big)
		ret = claims_domain_populate_physmap(H, domid, big, 9, flags, g9, &done);
	if (!ret && small)
		ret = claims_domain_populate_physmap(H, domid, small, 0, flags, g0, &done);
	if (ret)
		die("filler populate", ret);
	free(g9);
	free(g0);
	return domid;
}

static uint64_t node_avail(int node)
{
	struct numaclaims_host_info hi;

	if (claims_physinfo(H, &hi))
		die("host info", EIO);
	return hi.nodes[node].avail_pages;
}

enum { SV_CLEAN, SV_OFF, SV_NOW, SV_IDLE, SV_ALLOC, SV_ALLOC_CLEAR, SV_XARRAY,
       SV_N };
static const char *const SV_NAME[SV_N] = {
	"clean", "off", "now", "idle", "alloc_pages_node", "alloc_pages_node_clear",
	"xarray_store_per_page",
};

struct sv_extra {
	uint64_t wait_ns, cpu_ns, background, by_populate;
};

/* One run of variant @v of @order on @node (PAGES pages free there). */
static uint64_t scrub_variant(int v, unsigned int order, int kfd, int node,
			      uint64_t pages, const uint64_t *gfns,
			      const uint64_t *gfns9, struct sv_extra *x)
{
	struct scrub_counts a, b;
	char res[512];
	uint64_t ns;

	memset(x, 0, sizeof(*x));
	switch (v) {
	case SV_ALLOC:
	case SV_ALLOC_CLEAR:
		kmod_run(kfd, res, sizeof(res), "alloc %d %" PRIu64 " %u %d", node,
			 pages, order, v == SV_ALLOC_CLEAR);
		if (kv(res, "pages") != pages)
			die("baseline alloc: node out of free memory", ENOMEM);
		return kv(res, "ns");
	case SV_XARRAY:
		/* the physmap as it was: one xa_store() per page */
		kmod_run(kfd, res, sizeof(res), "xarray %" PRIu64, pages);
		return kv(res, "ns");
	case SV_CLEAN:
		set_scrub(true);
		wait_scrubbed();
		break;
	case SV_OFF:
		set_scrub(false);
		np_populate(node, pages, 9, true, true, gfns9);	/* then destroyed */
		break;
	case SV_NOW:
	case SV_IDLE:
		set_scrub(true);
		wait_scrubbed();
		scrub_counts(&a);
		np_populate(node, pages, 9, true, true, gfns9);
		if (v == SV_IDLE)
			x->wait_ns = wait_scrubbed();
		break;
	}
	ns = np_populate(node, pages, order, true, true, gfns);
	if (v == SV_NOW || v == SV_IDLE) {
		scrub_counts(&b);
		x->cpu_ns = b.cpu_ns[node] - a.cpu_ns[node];
		x->background = b.background[node] - a.background[node];
		x->by_populate = b.populate[node] - a.populate[node];
	}
	return ns;
}

static void scrub_populate(uint64_t pages, int reps, int *nodes, int nnodes)
{
	static uint64_t ns[2][SV_N][64];
	static double rel[2][SV_N][64];
	static struct sv_extra ex[2][SV_N][64];
	uint64_t *g0 = gfn_list(pages, 0), *g9 = gfn_list(pages, 9);
	const unsigned int orders[2] = { 9, 0 };
	int kfd = kmod_fd();
	char res[512], list[1024];

	for (int ni = 0; ni < nnodes; ni++) {
		int node = nodes[ni];
		uint64_t avail, filler_pages;
		uint32_t filler;

		if (!(POOL_MASK & (1ULL << node)))
			continue;
		pin_node(node);
		set_scrub(true);
		wait_scrubbed();
		avail = node_avail(node);
		if (avail < pages + 512)
			die("pool too small for --pages", ENOSPC);
		filler_pages = avail - pages;
		filler = hold_pages(node, filler_pages);
		/* warm-up: each variant once, and the clear reference */
		for (int o = 0; o < 2; o++)
			for (int v = 0; v < SV_N; v++) {
				struct sv_extra x;

				scrub_variant(v, orders[o], kfd, node, pages,
					      orders[o] ? g9 : g0, g9, &x);
			}
		kmod_run(kfd, res, sizeof(res), "clear %d %" PRIu64 " 1", node, pages);
		for (int r = 0; r < reps; r++) {
			uint64_t before, after;

			kmod_run(kfd, res, sizeof(res), "clear %d %" PRIu64 " 1",
				 node, pages);
			before = kv(res, "ns");
			for (int o = 0; o < 2; o++)
				for (int v = 0; v < SV_N; v++) {
					ns[o][v][r] = scrub_variant(v, orders[o], kfd,
						node, pages, orders[o] ? g9 : g0, g9,
						&ex[o][v][r]);
					kmod_run(kfd, res, sizeof(res),
						 "clear %d %" PRIu64 " 1", node, pages);
					after = kv(res, "ns");
					/* over the clear passes around it */
					rel[o][v][r] = 2.0 * (double)ns[o][v][r] /
						       (double)(before + after);
					before = after;
				}
		}
		for (int o = 0; o < 2; o++)
			for (int v = 0; v < SV_N; v++) {
				double of_clear[64], of_alloc[64];
				uint64_t w[64], c[64], bg[64], bp[64];

				for (int r = 0; r < reps; r++) {
					of_clear[r] = 1.0 / rel[o][v][r];
					of_alloc[r] = rel[o][SV_ALLOC][r] / rel[o][v][r];
					w[r] = ex[o][v][r].wait_ns;
					c[r] = ex[o][v][r].cpu_ns;
					bg[r] = ex[o][v][r].background;
					bp[r] = ex[o][v][r].by_populate;
				}
				json_u64_list(list, sizeof(list), ns[o][v], reps);
				printf("{\"bench\":\"scrub_populate\",\"nodes\":%d,"
				       "\"node\":%d,\"variant\":\"%s\",\"order\":%u,"
				       "\"pages\":%" PRIu64 ",\"reps\":%d,"
				       "\"ns_median\":%" PRIu64 ",\"of_clear_bandwidth\":%.3f,"
				       "\"of_alloc_pages_node\":%.3f,"
				       "\"scrub_wait_ns_median\":%" PRIu64 ","
				       "\"scrub_cpu_ns_median\":%" PRIu64 ","
				       "\"scrubbed_background_median\":%" PRIu64 ","
				       "\"scrubbed_by_populate_median\":%" PRIu64 ","
				       "\"ns\":%s}\n",
				       NR_POOL_NODES, node, SV_NAME[v], orders[o], pages,
				       reps, median_u64(ns[o][v], reps),
				       median_dbl(of_clear, reps), median_dbl(of_alloc, reps),
				       median_u64(w, reps), median_u64(c, reps),
				       median_u64(bg, reps), median_u64(bp, reps), list);
			}
		fflush(stdout);
		dom_destroy(filler);
		set_scrub(true);
	}
	unpin();
	close(kfd);
	free(g0);
	free(g9);
}

struct storm_slot {
	uint64_t t0, t1, populated, on_node;
	uint32_t domid;
	int node, ret;
};

struct storm_arg {
	uint64_t pages, batch;
	struct storm_slot *slots;
};

static void storm_child(int i, void *arg)
{
	struct storm_arg *a = arg;
	struct storm_slot *s = &a->slots[i];
	uint32_t flags = NUMACLAIMS_MEMF_NODE(s->node) | NUMACLAIMS_MEMF_EXACT_NODE;
	uint64_t *g = gfn_list(a->pages, 9), n = a->pages >> 9;
	struct numaclaims_domain_info di;
	int ret;

	pin_node(s->node);
	wait_go();
	s->t0 = now_ns();
	s->domid = dom_create(a->pages);
	ret = claim_one(s->domid, s->node, a->pages);
	for (uint64_t e = 0; !ret && e < n; e += a->batch) {
		uint64_t k = n - e < a->batch ? n - e : a->batch, done = 0;

		ret = claims_domain_populate_physmap(H, s->domid, k, 9, flags,
						     g + e, &done);
		s->populated += done << 9;
	}
	s->t1 = now_ns();
	s->ret = ret;
	if (!claims_domain_getinfo(H, s->domid, &di))
		s->on_node = di.node_pages[s->node];
}

/*
 * @nb builders at once, builder i on pool node i % nodes, each creating a
 * domain, claiming @pages there and populating them in order-9 extents,
 * @batch per call.  The domains stay (the caller destroys them).  Wall
 * time, first start to last end.
 */
static uint64_t storm_once(int nb, uint64_t pages, uint64_t batch,
			   struct storm_slot *slots)
{
	struct storm_arg a = { pages, batch, slots };
	uint64_t start = UINT64_MAX, end = 0;

	for (int i = 0; i < nb; i++)
		slots[i].node = POOL_NODE[i % NR_POOL_NODES];
	run_at_once(nb, storm_child, &a);
	for (int i = 0; i < nb; i++) {
		start = slots[i].t0 < start ? slots[i].t0 : start;
		end = slots[i].t1 > end ? slots[i].t1 : end;
	}
	return end - start;
}

/* Domains filling @frac_pct % of every pool node, @per_node per node. */
static int hold_share(int per_node, int frac_pct, uint32_t *domids)
{
	int n = 0;

	for (int ni = 0; ni < NR_POOL_NODES; ni++) {
		int node = POOL_NODE[ni];
		uint64_t share = node_avail(node) * frac_pct / 100 / per_node & ~511ULL;

		for (int k = 0; k < per_node; k++)
			domids[n++] = hold_pages(node, share);
	}
	return n;
}

static void scrub_storm(int nb, int reps, uint64_t batch)
{
	struct storm_slot *slots = mmap(NULL, sizeof(*slots) * MAX_BUILDERS,
					PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	static const char *const scen[2] = { "full", "lived-in" };
	int per_node = (nb + NR_POOL_NODES - 1) / NR_POOL_NODES;
	uint32_t running[MAX_BUILDERS], past[MAX_BUILDERS];
	char list[4096];

	if (slots == MAP_FAILED)
		die("mmap", errno);
	if (nb > MAX_BUILDERS)
		nb = MAX_BUILDERS;
	for (int s = 0; s < 2; s++)
		for (int r = 0; r < reps; r++)
			for (int m2 = 0; m2 < 2; m2++) {
				/* scrub off first in even repetitions */
				bool on = (m2 + r) % 2;
				struct scrub_counts a, b;
				uint64_t total, pages, t0, destroy_ns, ns[MAX_BUILDERS];
				uint64_t local = 0, late = 0, refused = 0, free_pages;
				uint64_t max_ns = 0;
				int nr = 0, np = 0;

				set_scrub(true);
				wait_scrubbed();
				set_scrub(on);
				if (s == 0) {
					nr = hold_share(per_node, 100, running);
				} else {
					/* the past half, then the running half */
					np = hold_share(per_node, 50, past);
					nr = hold_share(per_node, 100, running);
					for (int i = 0; i < np; i++)
						dom_destroy(past[i]);
					/* the host idles: the scrubbers (if on) clean it */
					if (on)
						wait_scrubbed();
				}
				free_pages = 0;
				for (int ni = 0; ni < NR_POOL_NODES; ni++)
					free_pages += node_avail(POOL_NODE[ni]);
				/* what the storm rebuilds: what the mass destroy frees */
				pages = UINT64_MAX;
				for (int i = 0; i < nr; i++) {
					struct numaclaims_domain_info di;

					if (claims_domain_getinfo(H, running[i], &di))
						die("getinfo", EIO);
					pages = di.tot_pages < pages ? di.tot_pages : pages;
				}
				t0 = now_ns();
				for (int i = 0; i < nr; i++)
					dom_destroy(running[i]);
				destroy_ns = now_ns() - t0;
				memset(slots, 0, sizeof(*slots) * nb);
				scrub_counts(&a);
				total = storm_once(nb, pages, batch, slots);
				scrub_counts(&b);
				for (int i = 0; i < nb; i++) {
					ns[i] = slots[i].t1 - slots[i].t0;
					max_ns = ns[i] > max_ns ? ns[i] : max_ns;
					if (slots[i].ret && !slots[i].populated)
						refused++;
					else if (slots[i].ret)
						late++;
					else if (slots[i].on_node == pages)
						local++;
				}
				json_u64_list(list, sizeof(list), ns, nb);
				printf("{\"bench\":\"scrub_storm\",\"nodes\":%d,"
				       "\"scenario\":\"%s\",\"scrub\":%d,\"rep\":%d,"
				       "\"builders\":%d,\"pages_per_builder\":%" PRIu64 ","
				       "\"free_before_destroy\":%" PRIu64 ","
				       "\"destroy_ns\":%" PRIu64 ",\"total_ns\":%" PRIu64 ","
				       "\"builder_ns_median\":%" PRIu64 ","
				       "\"builder_ns_max\":%" PRIu64 ","
				       "\"node_local\":%" PRIu64 ",\"late_failures\":%" PRIu64 ","
				       "\"refused\":%" PRIu64 ","
				       "\"scrubbed_background\":%" PRIu64 ","
				       "\"scrubbed_by_populate\":%" PRIu64 ","
				       "\"scrubber_cpu_ns\":%" PRIu64 ","
				       "\"scrubber_aborts\":%" PRIu64 ",\"builder_ns\":%s}\n",
				       NR_POOL_NODES, scen[s], on, r, nb, pages, free_pages,
				       destroy_ns, total, median_u64(ns, nb),
				       max_ns, local, late,
				       refused, counts_delta(a.background, b.background),
				       counts_delta(a.populate, b.populate),
				       counts_delta(a.cpu_ns, b.cpu_ns),
				       counts_delta(a.aborts, b.aborts), list);
				fflush(stdout);
				for (int i = 0; i < nb; i++)
					if (slots[i].domid)
						dom_destroy(slots[i].domid);
			}
	set_scrub(true);
	wait_scrubbed();
	munmap(slots, sizeof(*slots) * MAX_BUILDERS);
}

static int cmd_scrub(uint64_t pages, int reps, int *nodes, int nnodes,
		     int builders, uint64_t batch)
{
	scrub_threads_report();
	scrub_populate(pages, reps, nodes, nnodes);
	scrub_storm(builders, reps, batch);
	scrub_threads_report();
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nc_bench info|ioctl|populate|scale|engine|lock|placement|scrub [options]\n"
		"  --iters K --rounds R           ioctl\n"
		"  --pages N --reps R --node N    populate (--node repeatable)\n"
		"  --builders K --order O         scale, lock (repeatable)\n"
		"  --seeds S --per-node D --batch E --hot PCT   placement\n"
		"  --pages N --reps R --node N --builders B --batch E   scrub\n"
		"  --device PATH --label NAME     another numaclaims build\n"
		"  --device2 PATH --label2 NAME   ioctl: a second build, alternating\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long iters = 20000;
	int rounds = 7, reps = 5, seeds = 3, per_node = 3, hot = 50;
	uint64_t pages = 8192, batch = 4;
	int nodes[MAX_NODES], nn = 0, builders[16], nb = 0, orders[4], no = 0;
	const char *cmd;

	if (argc < 2)
		usage();
	cmd = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--iters"))
			iters = atol(v);
		else if (!strcmp(a, "--rounds"))
			rounds = atoi(v);
		else if (!strcmp(a, "--reps"))
			reps = atoi(v);
		else if (!strcmp(a, "--pages"))
			pages = strtoull(v, NULL, 0) & ~511ULL;
		else if (!strcmp(a, "--node") && nn < MAX_NODES)
			nodes[nn++] = atoi(v);
		else if (!strcmp(a, "--builders") && nb < 16)
			builders[nb++] = atoi(v);
		else if (!strcmp(a, "--order") && no < 4)
			orders[no++] = atoi(v);
		else if (!strcmp(a, "--seeds"))
			seeds = atoi(v);
		else if (!strcmp(a, "--per-node"))
			per_node = atoi(v);
		else if (!strcmp(a, "--batch"))
			batch = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--hot"))
			hot = atoi(v);
		else if (!strcmp(a, "--device"))
			DEVICE = v;
		else if (!strcmp(a, "--label"))
			LABEL = v;
		else if (!strcmp(a, "--device2"))
			DEVICE2 = v;
		else if (!strcmp(a, "--label2"))
			LABEL2 = v;
		else
			usage();
	}
	if (iters < 10 || rounds < 1 || reps < 1 || !pages || !batch)
		usage();
	open_device();
	if (!nn)
		nodes[nn++] = POOL_NODE[0];
	if (!strcmp(cmd, "scrub"))
		return cmd_scrub(pages, reps, nodes, nn, nb ? builders[0] : 4,
				 batch);
	if (!nb) {
		builders[nb++] = 1;
		builders[nb++] = 2;
		builders[nb++] = 4;
	}
	if (!no) {
		orders[no++] = 9;
		orders[no++] = 0;
	}
	if (!strcmp(cmd, "info"))
		return cmd_info();
	if (!strcmp(cmd, "ioctl"))
		return cmd_ioctl(iters, rounds, DEVICE2, LABEL2);
	if (!strcmp(cmd, "populate"))
		return cmd_populate(pages, reps, nodes, nn);
	if (!strcmp(cmd, "scale"))
		return cmd_scale(pages, reps, builders, nb, orders, no);
	if (!strcmp(cmd, "engine"))
		return cmd_engine(pages);
	if (!strcmp(cmd, "lock"))
		return cmd_lock(pages, builders, nb);
	if (!strcmp(cmd, "placement"))
		return cmd_placement(seeds, per_node, batch, hot);
	usage();
	return 2;
}
