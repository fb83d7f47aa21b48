// SPDX-License-Identifier: GPL-2.0
/*
 * membench: memory bandwidth and latency of a numaclaims domain's memory,
 * mapped from its domain file, side by side with anonymous memory bound to
 * the same node the way `numactl --membind` binds it (the Linux baseline),
 * for every (CPU node, memory node) pair: local versus remote.
 *
 * A region is three triad arrays followed by the chase area.
 *
 *   triad   STREAM's a[i] = b[i] + q * c[i] over three arrays, threads
 *           pinned (libnuma) to the CPU node; best of --reps, 24 bytes per
 *           element counted, as STREAM does
 *   chase   a dependent random pointer chase over cache-line slots (one
 *           thread): nanoseconds per load, i.e. memory latency once the
 *           footprint is well above the last-level cache
 *           (repetitions alternate between the kinds of memory, so that a
 *           domain and its baseline see the same moment of the machine)
 *   touch   what it costs to start using memory: a domain's mmap + first
 *           touch of pages already populated (and, for domains membench
 *           made, the populate ioctl itself) against anonymous memory with
 *           MAP_POPULATE and with first-touch faults under mbind
 *   placement  move_pages(2) without target nodes on every page of every
 *           region, domain and anonymous alike: on which node each page is
 *
 * Memory kinds: "domain" (a domain file, 4 KiB pages: numaclaims splits its
 * pools to order 0), "anon" (mmap + mbind(MPOL_BIND) + MADV_NOHUGEPAGE: the
 * like-for-like baseline) and "anon-thp" (the same with MADV_HUGEPAGE: what
 * Linux gives a process that may use transparent huge pages).
 *
 * Domains come from `claimctl run DOMID -- membench --domain-env` (the
 * NUMACLAIMS_* environment), from --domain DOMID, or from --make-domains
 * (one autodestroy domain per memory node, claimed and populated there
 * with exact placement; needs CAP_SYS_ADMIN).  membench WRITES OVER the
 * memory of the domains it is given.
 *
 * Output: a table on stdout and, with --json FILE, one JSON object per
 * line (bench/membench-run.sh gathers them into docs/PERFORMANCE.md).
 * --smoke: tiny sizes and one repetition, for a test; exit status 1 unless
 * every page of every region is on its memory node.
 *
 * Benchmarks, not tests: outside --smoke nothing fails on a figure, and
 * under QEMU TCG no timing is NUMA-faithful (placement still is).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <numa.h>
#include <numaif.h>

#include "claims.h"
#include "claimctl.h"

#define MB_MAX_REGIONS	(3 * NUMACLAIMS_MAX_NODES)
#define MB_MAX_REPS	64
#define MB_LINE		64		/* chase slot: one cache line */
#define MB_POP_BATCH	65536U		/* extents per populate ioctl */
/* maxnode of mbind(2)/set_mempolicy(2): bits + 1, the kernel drops one. */
#define MB_MAXNODE	(NUMACLAIMS_MAX_NODES + 1)

enum mb_kind { KIND_DOMAIN, KIND_ANON, KIND_ANON_THP, NR_KINDS };
static const char *const kind_name[NR_KINDS] = { "domain", "anon", "anon-thp" };

/**
 * struct region - one memory region measured.
 * @kind:      what backs it.
 * @mem_mask:  the node(s) its pages must be on.
 * @label:     @mem_mask as a node list ("0", "0-1").
 * @base:      the mapping; @bytes long, page-aligned.
 * @fd:        the domain file (KIND_DOMAIN), kept for the touch test.
 * @domid:     the domain (KIND_DOMAIN).
 * @domain_pages: pages the domain has (KIND_DOMAIN), for the touch test.
 * @made:      membench created the domain (it can populate more).
 * @place_*:   placement: pages on @mem_mask, elsewhere, move_pages errors.
 */
struct region {
	enum mb_kind kind;
	uint64_t mem_mask;
	char label[64];
	void *base;
	size_t bytes;
	int fd;
	uint32_t domid;
	uint64_t domain_pages;
	bool made;
	uint64_t place_on, place_off, place_err;
	uint64_t per_node[NUMACLAIMS_MAX_NODES];
};

static struct {
	uint64_t size, chase_size, touch_size, chase_steps;
	int reps, threads;
	uint64_t cpu_nodes, mem_nodes;
	bool mem_nodes_given, anon, thp, smoke, make_domains, domain_env;
	bool anon_only;
	uint32_t domids[NUMACLAIMS_MAX_NODES];
	int nr_domids;
	const char *device, *json_path, *tag;
} opt = {
	.size = 1ULL << 30, .chase_size = 256ULL << 20,
	.touch_size = 256ULL << 20, .chase_steps = 20000000, .reps = 5,
	.anon = true, .thp = true,
};

static struct region regions[MB_MAX_REGIONS];
static int nr_regions;
static struct claims_handle *H;
static FILE *JSON;
static bool placement_bad;

/* ---- small helpers ---- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "membench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void json(const char *fmt, ...)
{
	va_list ap;

	if (!JSON)
		return;
	fprintf(JSON, "{\"bench\":\"membench\",");
	if (opt.tag)
		fprintf(JSON, "\"tag\":\"%s\",", opt.tag);
	va_start(ap, fmt);
	vfprintf(JSON, fmt, ap);
	va_end(ap);
	fprintf(JSON, "}\n");
	fflush(JSON);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t min_u64(const uint64_t *v, int n)
{
	uint64_t m = UINT64_MAX;

	for (int i = 0; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

/* "[a,b,c]" into @buf. */
static char *json_list(char *buf, size_t len, const uint64_t *v, int n)
{
	size_t used = 0;

	buf[used++] = '[';
	for (int i = 0; i < n && used + 24 < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%" PRIu64,
					 i ? "," : "", v[i]);
	snprintf(buf + used, len - used, "]");
	return buf;
}

static int single_node(uint64_t mask)
{
	return mask && !(mask & (mask - 1)) ? __builtin_ctzll(mask) : -1;
}

static uint64_t parse_size_bytes(const char *what, const char *s)
{
	char err[CC_ERR_LEN];
	uint64_t pages;

	if (cc_parse_size(s, &pages, err, sizeof(err)))
		die("%s: %s", what, err);
	if (!pages)
		die("%s must not be 0", what);
	return pages << CLAIMS_PAGE_SHIFT;
}

static uint64_t parse_nodes(const char *what, const char *s)
{
	char err[CC_ERR_LEN];
	uint64_t mask;

	if (cc_parse_nodelist(s, &mask, err, sizeof(err)))
		die("%s: %s", what, err);
	return mask;
}

/* Nodes that have CPUs, and CPUs per node (libnuma). */
static int node_cpus(int node)
{
	struct bitmask *cpus = numa_allocate_cpumask();
	int n = 0;

	if (cpus && !numa_node_to_cpus(node, cpus))
		n = (int)numa_bitmask_weight(cpus);
	numa_free_cpumask(cpus);
	return n;
}

static uint64_t nodes_with_memory(void)
{
	uint64_t mask = 0;
	long long freemem;

	for (int n = 0; n <= numa_max_node() && n < NUMACLAIMS_MAX_NODES; n++)
		if (numa_node_size64(n, &freemem) > 0)
			mask |= 1ULL << n;
	return mask;
}

static uint64_t nodes_with_cpus(void)
{
	uint64_t mask = 0;

	for (int n = 0; n <= numa_max_node() && n < NUMACLAIMS_MAX_NODES; n++)
		if (node_cpus(n) > 0)
			mask |= 1ULL << n;
	return mask;
}

/*
 * The setting a sysfs/procfs file shows: its "[selected]" word if it has
 * one (transparent_hugepage/enabled), else its first word; "?" if none.
 */
static const char *sysfs_word(const char *path, char *buf, size_t len)
{
	char line[256] = "", *b, *e;
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	b = strchr(line, '[');
	if (b && (e = strchr(b, ']'))) {
		b++;
	} else {
		b = line;
		e = b + strcspn(b, " \n");
	}
	*e = '\0';
	snprintf(buf, len, "%s", *b ? b : "?");
	return buf;
}

/* ---- SIGBUS guard: a hole in a domain is an error message, not a crash ---- */

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

static void on_sigbus(int sig)
{
	(void)sig;
	if (bus_armed)
		siglongjmp(bus_jmp, 1);
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

/* Write every page of @r once (the domain's are populated: no allocation). */
static void pretouch(struct region *r)
{
	volatile char *p = r->base;
	volatile size_t off = 0;

	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		die("%s %s: SIGBUS at gfn 0x%zx: the domain has no page there; populate gfns 0 to 0x%zx first",
		    kind_name[r->kind], r->label, off >> CLAIMS_PAGE_SHIFT,
		    (r->bytes >> CLAIMS_PAGE_SHIFT) - 1);
	}
	bus_armed = 1;
	for (off = 0; off < r->bytes; off += CLAIMS_PAGE_SIZE)
		p[off] = 0;
	bus_armed = 0;
}

/* ---- regions ---- */

static struct region *new_region(enum mb_kind kind, uint64_t mem_mask)
{
	struct region *r;

	if (nr_regions == MB_MAX_REGIONS)
		die("too many memory regions");
	r = &regions[nr_regions++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->mem_mask = mem_mask;
	r->fd = -1;
	cc_format_nodelist(r->label, sizeof(r->label), mem_mask);
	return r;
}

static void open_handle(void)
{
	int ret;

	if (H)
		return;
	ret = claims_open_handle(opt.device, &H);
	if (ret)
		die("open %s: %s (is numaclaims.ko loaded? are you root?)",
		    opt.device ? opt.device : CLAIMS_DEVICE, strerror(-ret));
}

static void map_domain_region(struct region *r, uint64_t pages)
{
	void *p;
	int ret;

	r->domain_pages = pages;
	r->bytes = (size_t)(opt.size < (pages << CLAIMS_PAGE_SHIFT) ?
			    opt.size : pages << CLAIMS_PAGE_SHIFT);
	ret = claims_domain_map_fd(r->fd, 0, r->bytes >> CLAIMS_PAGE_SHIFT, &p);
	if (ret)
		die("map domain %u (%zu bytes): %s", r->domid, r->bytes,
		    strerror(-ret));
	r->base = p;
	pretouch(r);
}

/* Populate @pages pages at gfns from @gfn on @node only; ns taken. */
static uint64_t populate(uint32_t domid, uint64_t gfn, uint64_t pages, int node)
{
	uint32_t order = (gfn | pages) & 511 ? 0 : 9;
	uint64_t nr = pages >> order, done = 0, *gfns, t0;
	int ret = 0;

	gfns = malloc(sizeof(*gfns) * (nr < MB_POP_BATCH ? nr : MB_POP_BATCH));
	if (!gfns)
		die("out of memory");
	t0 = now_ns();
	while (done < nr && !ret) {
		uint64_t batch = nr - done < MB_POP_BATCH ? nr - done : MB_POP_BATCH;

		for (uint64_t i = 0; i < batch; i++)
			gfns[i] = gfn + ((done + i) << order);
		ret = claims_domain_populate_physmap_exact(H, domid, batch, order,
				NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE,
				gfns);
		done += batch;
	}
	t0 = now_ns() - t0;
	free(gfns);
	if (ret)
		die("populate %" PRIu64 " pages of domain %u on node %d: %s",
		    pages, domid, node, strerror(-ret));
	return t0;
}

static void decrease(uint32_t domid, uint64_t gfn, uint64_t pages)
{
	uint32_t order = (gfn | pages) & 511 ? 0 : 9;
	uint64_t nr = pages >> order, done = 0, *gfns;
	int ret = 0;

	gfns = malloc(sizeof(*gfns) * (nr < MB_POP_BATCH ? nr : MB_POP_BATCH));
	if (!gfns)
		die("out of memory");
	while (done < nr && !ret) {
		uint64_t batch = nr - done < MB_POP_BATCH ? nr - done : MB_POP_BATCH;

		for (uint64_t i = 0; i < batch; i++)
			gfns[i] = gfn + ((done + i) << order);
		ret = claims_domain_decrease_reservation_exact(H, domid, batch,
							       order, gfns);
		done += batch;
	}
	free(gfns);
	if (ret)
		die("decrease domain %u: %s", domid, strerror(-ret));
}

/*
 * --make-domains: per memory node an autodestroy domain (it dies with
 * membench), claimed on the node and populated there, exact.  Room is
 * left above the region for the populate part of the touch test.
 */
static void make_domain(int node)
{
	uint64_t region = opt.size >> CLAIMS_PAGE_SHIFT;
	uint64_t touch = opt.touch_size >> CLAIMS_PAGE_SHIFT;
	struct numaclaims_claim claim = { .pages = region + touch,
					  .target = (uint32_t)node };
	struct region *r = new_region(KIND_DOMAIN, 1ULL << node);
	uint32_t nr = 1;
	int ret;

	open_handle();
	ret = claims_domain_create(H, region + touch,
				   NUMACLAIMS_DOMAIN_AUTODESTROY, &r->domid);
	if (ret)
		die("create a domain: %s", strerror(-ret));
	ret = claims_domain_claim_memory(H, r->domid, NUMACLAIMS_CLAIM_SET,
					 &nr, &claim);
	if (ret)
		die("claim %" PRIu64 " MiB on node %d: %s (is the pool there large enough? --size, --touch-size)",
		    (region + touch) >> 8, node, strerror(-ret));
	populate(r->domid, 0, region, node);
	r->made = true;
	r->fd = claims_domain_open(H, r->domid, NUMACLAIMS_OPEN_CLOEXEC);
	if (r->fd < 0)
		die("open domain %u: %s", r->domid, strerror(-r->fd));
	map_domain_region(r, region);
}

static void given_domain(uint32_t domid)
{
	struct numaclaims_domain_info di;
	struct region *r;
	int ret;

	open_handle();
	ret = claims_domain_getinfo(H, domid, &di);
	if (ret)
		die("domain %u: %s", domid, strerror(-ret));
	if (!cc_domain_pages(&di))
		die("domain %u has no memory; populate it first", domid);
	r = new_region(KIND_DOMAIN, cc_domain_nodes(&di));
	r->domid = domid;
	r->fd = claims_domain_open(H, domid, NUMACLAIMS_OPEN_CLOEXEC);
	if (r->fd < 0)
		die("open domain %u: %s", domid, strerror(-r->fd));
	map_domain_region(r, cc_domain_pages(&di));
}

/* claimctl run DOMID -- membench --domain-env */
static void env_domain(void)
{
	const char *id = getenv("NUMACLAIMS_DOMID"), *path, *fd, *size, *nodes;
	struct region *r;
	char *end;

	path = getenv("NUMACLAIMS_MEM_PATH");
	fd = getenv("NUMACLAIMS_MEM_FD");
	size = getenv("NUMACLAIMS_MEM_SIZE");
	nodes = getenv("NUMACLAIMS_MEM_NODES");
	if (!id || !size || !nodes || (!path && !fd))
		die("--domain-env: no NUMACLAIMS_* environment; run membench as 'claimctl run DOMID -- membench --domain-env'");
	r = new_region(KIND_DOMAIN, parse_nodes("NUMACLAIMS_MEM_NODES", nodes));
	r->domid = (uint32_t)strtoul(id, NULL, 10);
	if (fd) {
		r->fd = (int)strtol(fd, &end, 10);
		if (*end || r->fd < 0)
			die("bad NUMACLAIMS_MEM_FD '%s'", fd);
		fcntl(r->fd, F_SETFD, FD_CLOEXEC);
	} else {
		r->fd = open(path, O_RDWR | O_CLOEXEC);
		if (r->fd < 0)
			die("open %s: %s", path, strerror(errno));
	}
	map_domain_region(r, strtoull(size, NULL, 10) >> CLAIMS_PAGE_SHIFT);
}

/* mmap + madvise + mbind(MPOL_BIND, node): numactl --membind's memory. */
static void *anon_bound(size_t bytes, int node, int advice, int flags)
{
	unsigned long mask = 1UL << node;
	void *p;

	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	if (p == MAP_FAILED)
		die("mmap %zu bytes: %s", bytes, strerror(errno));
	if (advice >= 0)
		madvise(p, bytes, advice);	/* best effort: THP may be off */
	if (mbind(p, bytes, MPOL_BIND, &mask, MB_MAXNODE, 0))
		die("mbind to node %d: %s", node, strerror(errno));
	return p;
}

static void anon_region(enum mb_kind kind, int node, size_t bytes)
{
	struct region *r = new_region(kind, 1ULL << node);

	r->bytes = bytes;
	r->base = anon_bound(bytes, node, kind == KIND_ANON_THP ?
			     MADV_HUGEPAGE : MADV_NOHUGEPAGE, 0);
	pretouch(r);
}

/* ---- placement ---- */

static void placement(struct region *r)
{
	uint64_t pages = r->bytes >> CLAIMS_PAGE_SHIFT;
	int *status = malloc(sizeof(*status) * pages);
	char nodes[NUMACLAIMS_MAX_NODES * 24] = "{", *p = nodes + 1;
	int ret;

	if (!status)
		die("out of memory");
	ret = claims_page_nodes(r->base, pages, status);
	if (ret)
		die("move_pages on %s %s: %s", kind_name[r->kind], r->label,
		    strerror(-ret));
	for (uint64_t i = 0; i < pages; i++) {
		int s = status[i];

		if (s < 0 || s >= NUMACLAIMS_MAX_NODES)
			r->place_err++;
		else if (r->per_node[s]++, r->mem_mask & (1ULL << s))
			r->place_on++;
		else
			r->place_off++;
	}
	free(status);
	for (int n = 0; n < NUMACLAIMS_MAX_NODES; n++)
		if (r->per_node[n])
			p += snprintf(p, sizeof(nodes) - (size_t)(p - nodes),
				      "%s\"%d\":%" PRIu64, p == nodes + 1 ? "" : ",",
				      n, r->per_node[n]);
	snprintf(p, sizeof(nodes) - (size_t)(p - nodes), "}");
	if (r->place_off || r->place_err)
		placement_bad = true;
	json("\"test\":\"placement\",\"kind\":\"%s\",\"mem_node\":\"%s\",\"domid\":%u,\"pages\":%" PRIu64
	     ",\"on_node\":%" PRIu64 ",\"elsewhere\":%" PRIu64 ",\"errors\":%" PRIu64
	     ",\"nodes\":%s,\"ok\":%s", kind_name[r->kind], r->label, r->domid,
	     pages, r->place_on, r->place_off, r->place_err, nodes,
	     r->place_off || r->place_err ? "false" : "true");
}

/* ---- triad ---- */

struct triad_arg {
	double *a, *b, *c;
	size_t lo, hi;
	int node;
	pthread_barrier_t *start;
	uint64_t t0, t1;	/* (out) this thread's start and end */
};

static void *triad_thread(void *p)
{
	struct triad_arg *t = p;
	double *restrict a = t->a, *restrict b = t->b, *restrict c = t->c;
	const double q = 3.0;

	numa_run_on_node(t->node);
	pthread_barrier_wait(t->start);
	t->t0 = now_ns();
	for (size_t i = t->lo; i < t->hi; i++)
		a[i] = b[i] + q * c[i];
	t->t1 = now_ns();
	return NULL;
}

/*
 * The region's layout: three triad arrays of triad_elems() doubles, then
 * the pointer-chase area (the last opt.chase_size bytes), so that neither
 * benchmark disturbs the other's data and repetitions can alternate.
 */
static size_t triad_elems(const struct region *r)
{
	return (r->bytes - opt.chase_size) / 3 / sizeof(double);
}

static void triad_init(struct region *r)
{
	size_t n = triad_elems(r);
	double *b = (double *)r->base + n, *c = b + n;

	for (size_t i = 0; i < n; i++) {
		b[i] = 1.0;
		c[i] = 2.0;
	}
}

/* One triad over @r by @threads threads on the CPUs of @node: ns taken. */
static uint64_t triad_once(struct region *r, int node, int threads)
{
	size_t n = triad_elems(r);
	double *a = r->base, *b = a + n, *c = b + n;
	struct triad_arg args[256];
	pthread_t tid[256];
	pthread_barrier_t start;
	uint64_t t0 = UINT64_MAX, t1 = 0;

	pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
	for (int i = 0; i < threads; i++) {
		args[i] = (struct triad_arg){
			.a = a, .b = b, .c = c, .node = node,
			.lo = n * (size_t)i / (size_t)threads,
			.hi = n * (size_t)(i + 1) / (size_t)threads,
			.start = &start,
		};
		if (pthread_create(&tid[i], NULL, triad_thread, &args[i]))
			die("pthread_create failed");
	}
	pthread_barrier_wait(&start);
	/* From the first thread's start to the last one's end. */
	for (int i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		t0 = args[i].t0 < t0 ? args[i].t0 : t0;
		t1 = args[i].t1 > t1 ? args[i].t1 : t1;
	}
	pthread_barrier_destroy(&start);
	if (a[n / 2] != 7.0)
		die("triad computed %g, not 7", a[n / 2]);
	return t1 - t0;
}

/* ---- pointer chase ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)	/* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* One random cycle through every slot of the chase area (Sattolo). */
static void chase_build(struct region *r)
{
	size_t slots = (size_t)(opt.chase_size / MB_LINE);
	char *base = (char *)r->base + (r->bytes - opt.chase_size);
	uint32_t *perm = malloc(sizeof(*perm) * slots);

	rng_state = 0x9e3779b97f4a7c15ULL;	/* the same chain every time */
	if (!perm)
		die("out of memory");
	for (size_t i = 0; i < slots; i++)
		perm[i] = (uint32_t)i;
	for (size_t i = slots - 1; i > 0; i--) {
		size_t j = rng() % i;
		uint32_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	/* perm is a single cycle: slot perm[i] points to slot perm[i + 1]. */
	for (size_t i = 0; i < slots; i++)
		*(void **)(base + (size_t)perm[i] * MB_LINE) =
			base + (size_t)perm[(i + 1) % slots] * MB_LINE;
	free(perm);
}

static void *volatile chase_sink;

/* One chase of opt.chase_steps loads from the CPUs of @node: ns taken. */
static uint64_t chase_once(struct region *r, int node)
{
	void **p = (void **)((char *)r->base + (r->bytes - opt.chase_size));
	uint64_t t0;

	numa_run_on_node(node);
	for (uint64_t i = 0; i < opt.chase_steps / 16; i++)	/* warm up */
		p = *p;
	t0 = now_ns();
	for (uint64_t i = 0; i < opt.chase_steps; i++)
		p = *p;
	t0 = now_ns() - t0;
	chase_sink = p;
	numa_run_on_node(-1);
	return t0;
}

/* ---- touch: the cost of starting to use memory ---- */

static void touch_pages(char *p, size_t bytes)
{
	for (size_t off = 0; off < bytes; off += CLAIMS_PAGE_SIZE)
		((volatile char *)p)[off] = 1;
}

static void touch_report(const char *what, const char *mem, size_t bytes,
			 const uint64_t *ns, double *per_page)
{
	char list[MB_MAX_REPS * 24];
	uint64_t best = min_u64(ns, opt.reps);

	*per_page = (double)best / (double)(bytes >> CLAIMS_PAGE_SHIFT);
	json("\"test\":\"touch\",\"kind\":\"%s\",\"mem_node\":\"%s\",\"bytes\":%zu,\"best_ns\":%" PRIu64
	     ",\"ns_per_page\":%.1f,\"ns\":%s", what, mem, bytes, best, *per_page,
	     json_list(list, sizeof(list), ns, opt.reps));
}

enum { T_DOM_MAP, T_DOM_MAP_POPULATE, T_DOM_POPULATE, T_ANON_POPULATE,
       T_ANON_TOUCH, NR_TOUCH };
static const char *const touch_name[NR_TOUCH] = {
	"domain-map-touch", "domain-map-populate", "domain-populate",
	"anon-map-populate", "anon-first-touch",
};

/*
 * The touch tests on memory @mask: domain region @r (may be NULL) and,
 * on a single node, anonymous memory.
 */
static void touch_tests(struct region *r, uint64_t mask, const char *label,
			double out[NR_TOUCH])
{
	uint64_t ns[MB_MAX_REPS];
	int node = single_node(mask);
	size_t bytes = opt.touch_size;
	void *p;
	int ret;

	for (int t = 0; t < NR_TOUCH; t++)
		out[t] = -1;
	if (!r)
		goto anon;
	/* A domain: mmap + touch pages it already has (no allocation). */
	if (bytes > r->domain_pages << CLAIMS_PAGE_SHIFT)
		bytes = r->domain_pages << CLAIMS_PAGE_SHIFT;
	/* rep -1 warms up, untimed (QEMU backs guest memory on first use). */
	for (int rep = -1; rep < opt.reps; rep++) {
		uint64_t t0 = now_ns();

		ret = claims_domain_map_fd(r->fd, 0, bytes >> CLAIMS_PAGE_SHIFT, &p);
		if (ret)
			die("map domain %u: %s", r->domid, strerror(-ret));
		touch_pages(p, bytes);
		if (rep >= 0)
			ns[rep] = now_ns() - t0;
		claims_domain_unmap(p, bytes >> CLAIMS_PAGE_SHIFT);
	}
	touch_report(touch_name[T_DOM_MAP], r->label, bytes, ns, &out[T_DOM_MAP]);
	/* The same with MAP_POPULATE: the module's fault handler, no traps. */
	for (int rep = -1; rep < opt.reps; rep++) {
		uint64_t t0 = now_ns();

		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, r->fd, 0);
		if (p == MAP_FAILED)
			die("map domain %u with MAP_POPULATE: %s", r->domid,
			    strerror(errno));
		touch_pages(p, bytes);
		if (rep >= 0)
			ns[rep] = now_ns() - t0;
		munmap(p, bytes);
	}
	touch_report(touch_name[T_DOM_MAP_POPULATE], r->label, bytes, ns,
		     &out[T_DOM_MAP_POPULATE]);
	/* A domain membench made: the populate that precedes it. */
	if (r->made && node >= 0) {
		uint64_t gfn = r->domain_pages, pages = bytes >> CLAIMS_PAGE_SHIFT;

		for (int rep = -1; rep < opt.reps; rep++) {
			uint64_t t = populate(r->domid, gfn, pages, node);

			if (rep >= 0)
				ns[rep] = t;
			decrease(r->domid, gfn, pages);
		}
		touch_report(touch_name[T_DOM_POPULATE], r->label, bytes, ns,
			     &out[T_DOM_POPULATE]);
	}
anon:
	if (!opt.anon || node < 0)
		return;
	/* Linux: MAP_POPULATE under a membind policy (allocate + zero). */
	for (int rep = -1; rep < opt.reps; rep++) {
		unsigned long mask = 1UL << node;
		uint64_t t0;

		if (set_mempolicy(MPOL_BIND, &mask, MB_MAXNODE))
			die("set_mempolicy: %s", strerror(errno));
		t0 = now_ns();
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (rep >= 0)
			ns[rep] = now_ns() - t0;
		set_mempolicy(MPOL_DEFAULT, NULL, 0);
		if (p == MAP_FAILED)
			die("mmap MAP_POPULATE: %s", strerror(errno));
		munmap(p, bytes);
	}
	touch_report(touch_name[T_ANON_POPULATE], label, bytes, ns,
		     &out[T_ANON_POPULATE]);
	/* Linux: mbind, then first-touch faults of 4 KiB pages. */
	for (int rep = -1; rep < opt.reps; rep++) {
		uint64_t t0 = now_ns();

		p = anon_bound(bytes, node, MADV_NOHUGEPAGE, 0);
		touch_pages(p, bytes);
		if (rep >= 0)
			ns[rep] = now_ns() - t0;
		munmap(p, bytes);
	}
	touch_report(touch_name[T_ANON_TOUCH], label, bytes, ns,
		     &out[T_ANON_TOUCH]);
}

/* ---- the run ---- */

static struct region *find_region(uint64_t mask, enum mb_kind kind);

struct result {
	double gbps, lat_ns;
	bool done;
};

/* results[region][cpu node] */
static struct result results[MB_MAX_REGIONS][NUMACLAIMS_MAX_NODES];

/*
 * Every kind on memory @mask from the CPUs of @cpu, repetition by
 * repetition, the kinds alternating (forwards, then backwards), so that a
 * domain and its baselines see the same moment of a shared machine.
 */
static void measure_pair(uint64_t mask, int cpu)
{
	uint64_t tri[NR_KINDS][MB_MAX_REPS], cha[NR_KINDS][MB_MAX_REPS];
	int threads = opt.threads ? opt.threads : node_cpus(cpu);
	const char *where = mask & (1ULL << cpu) ? "local" : "remote";
	struct region *r[NR_KINDS];
	char list[MB_MAX_REPS * 24];
	int k;

	if (threads > 256)
		threads = 256;
	if (threads < 1)
		threads = 1;
	for (k = 0; k < NR_KINDS; k++)
		r[k] = find_region(mask, (enum mb_kind)k);
	/* rep -1 warms up (code, caches, TLBs, the emulator), untimed. */
	for (int rep = -1; rep < opt.reps; rep++) {
		for (int i = 0; i < NR_KINDS; i++) {
			uint64_t t, c;

			k = rep % 2 ? NR_KINDS - 1 - i : i;
			if (!r[k])
				continue;
			t = triad_once(r[k], cpu, threads);
			c = chase_once(r[k], cpu);
			if (rep >= 0) {
				tri[k][rep] = t;
				cha[k][rep] = c;
			}
		}
	}
	for (k = 0; k < NR_KINDS; k++) {
		struct result *res;
		size_t n;

		if (!r[k])
			continue;
		res = &results[r[k] - regions][cpu];
		n = triad_elems(r[k]);
		res->gbps = (double)(3 * sizeof(double) * n) /
			    (double)min_u64(tri[k], opt.reps);
		json("\"test\":\"triad\",\"kind\":\"%s\",\"cpu_node\":%d,\"mem_node\":\"%s\",\"where\":\"%s\""
		     ",\"threads\":%d,\"bytes\":%zu,\"best_ns\":%" PRIu64 ",\"gb_per_s\":%.4f,\"ns\":%s",
		     kind_name[k], cpu, r[k]->label, where, threads,
		     3 * sizeof(double) * n, min_u64(tri[k], opt.reps), res->gbps,
		     json_list(list, sizeof(list), tri[k], opt.reps));
		res->lat_ns = (double)min_u64(cha[k], opt.reps) /
			      (double)opt.chase_steps;
		json("\"test\":\"chase\",\"kind\":\"%s\",\"cpu_node\":%d,\"mem_node\":\"%s\",\"where\":\"%s\""
		     ",\"footprint\":%" PRIu64 ",\"steps\":%" PRIu64 ",\"best_ns\":%" PRIu64
		     ",\"ns_per_load\":%.2f,\"ns\":%s", kind_name[k], cpu,
		     r[k]->label, where, opt.chase_size, opt.chase_steps,
		     min_u64(cha[k], opt.reps), res->lat_ns,
		     json_list(list, sizeof(list), cha[k], opt.reps));
		res->done = true;
	}
}

/* The region of @kind on exactly the nodes @mask, or NULL. */
static struct region *find_region(uint64_t mask, enum mb_kind kind)
{
	for (int i = 0; i < nr_regions; i++)
		if (regions[i].kind == kind && regions[i].mem_mask == mask)
			return &regions[i];
	return NULL;
}

/* The memory rows of the tables: each distinct node mask, in order. */
static uint64_t mem_rows[MB_MAX_REGIONS];
static int nr_mem_rows;

static void collect_mem_rows(void)
{
	for (int i = 0; i < nr_regions; i++) {
		int j;

		for (j = 0; j < nr_mem_rows; j++)
			if (mem_rows[j] == regions[i].mem_mask)
				break;
		if (j == nr_mem_rows)
			mem_rows[nr_mem_rows++] = regions[i].mem_mask;
	}
}

static void cell(double v, const char *fmt)
{
	if (v < 0)
		printf("%10s", "-");
	else
		printf(fmt, v);
}

static void print_tables(double touch[][NR_TOUCH])
{
	static const char *const verdict[2] = { "ok", "MISPLACED" };
	char label[64];
	int i, cpu, k;

	printf("\nplacement (move_pages(2) on every page, after touching it):\n");
	printf("%-9s %-5s %10s %10s %10s %8s  %s\n", "kind", "mem", "pages",
	       "on node", "elsewhere", "errors", "verdict");
	for (i = 0; i < nr_regions; i++) {
		struct region *r = &regions[i];

		printf("%-9s %-5s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %8" PRIu64 "  %s\n",
		       kind_name[r->kind], r->label, r->bytes >> CLAIMS_PAGE_SHIFT,
		       r->place_on, r->place_off, r->place_err,
		       verdict[r->place_off || r->place_err]);
	}
	for (int what = 0; what < 2; what++) {
		printf(what ? "\nlatency, dependent random loads (ns per load, best of %d; lower is better):\n" :
			      "\ntriad bandwidth (GB/s, best of %d; higher is better):\n",
		       opt.reps);
		printf("%-4s %-5s %-7s", "cpu", "mem", "where");
		for (k = 0; k < NR_KINDS; k++)
			printf("%10s", kind_name[k]);
		printf("%14s\n", "domain/anon");
		for (i = 0; i < nr_mem_rows; i++) {
			cc_format_nodelist(label, sizeof(label), mem_rows[i]);
			for (cpu = 0; cpu < NUMACLAIMS_MAX_NODES; cpu++) {
				double v[NR_KINDS];

				if (!(opt.cpu_nodes & (1ULL << cpu)))
					continue;
				for (k = 0; k < NR_KINDS; k++) {
					struct region *p = find_region(mem_rows[i], (enum mb_kind)k);
					struct result *res = p ? &results[p - regions][cpu] : NULL;

					v[k] = res && res->done ?
					       (what ? res->lat_ns : res->gbps) : -1;
				}
				printf("%-4d %-5s %-7s", cpu, label,
				       mem_rows[i] & (1ULL << cpu) ? "local" : "remote");
				for (k = 0; k < NR_KINDS; k++)
					cell(v[k], what ? "%10.1f" : "%10.3f");
				if (v[KIND_ANON] > 0 && v[KIND_DOMAIN] > 0)
					printf("%14.2f\n", v[KIND_DOMAIN] / v[KIND_ANON]);
				else
					printf("%14s\n", "-");
			}
		}
	}
	printf("\nstarting to use memory (ns per 4 KiB page, %" PRIu64 " MiB, best of %d):\n",
	       opt.touch_size >> 20, opt.reps);
	printf("%-5s", "mem");
	for (k = 0; k < NR_TOUCH; k++)
		printf("%21s", touch_name[k]);
	printf("\n");
	for (i = 0; i < nr_mem_rows; i++) {
		printf("%-5s", cc_format_nodelist(label, sizeof(label), mem_rows[i]));
		for (k = 0; k < NR_TOUCH; k++) {
			if (touch[i][k] < 0)
				printf("%21s", "-");
			else
				printf("%21.1f", touch[i][k]);
		}
		printf("\n");
	}
}

/* Remote/local ratios per kind, from the pairs measured. */
static void ratios(void)
{
	for (int k = 0; k < NR_KINDS; k++) {
		double bw_l = 0, bw_r = 0, lat_l = 0, lat_r = 0;
		int nl = 0, nr = 0;

		for (int i = 0; i < nr_regions; i++) {
			if (regions[i].kind != (enum mb_kind)k)
				continue;
			for (int cpu = 0; cpu < NUMACLAIMS_MAX_NODES; cpu++) {
				struct result *res = &results[i][cpu];

				if (!res->done)
					continue;
				if (regions[i].mem_mask & (1ULL << cpu)) {
					bw_l += res->gbps;
					lat_l += res->lat_ns;
					nl++;
				} else {
					bw_r += res->gbps;
					lat_r += res->lat_ns;
					nr++;
				}
			}
		}
		if (!nl || !nr)
			continue;
		bw_l /= nl; bw_r /= nr; lat_l /= nl; lat_r /= nr;
		printf("%s: remote/local bandwidth %.2f, latency %.2f\n",
		       kind_name[k], bw_r / bw_l, lat_r / lat_l);
		json("\"test\":\"ratio\",\"kind\":\"%s\",\"bw_remote_over_local\":%.4f"
		     ",\"lat_remote_over_local\":%.4f", kind_name[k], bw_r / bw_l,
		     lat_r / lat_l);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: membench [MEMORY] [--cpu-nodes LIST] [--threads N] [--size SIZE]\n"
"                [--chase-size SIZE] [--chase-steps N] [--touch-size SIZE]\n"
"                [--reps N] [--no-anon] [--no-thp] [--json FILE] [--tag NAME]\n"
"                [--smoke] [--device PATH]\n"
"MEMORY, any of (default --make-domains):\n"
"  --domain-env      the domain `claimctl run DOMID -- membench --domain-env`\n"
"                    describes (NUMACLAIMS_MEM_FD or _PATH, _SIZE, _NODES)\n"
"  --domain DOMID    a populated domain (repeatable)\n"
"  --make-domains    one autodestroy domain per memory node, claimed and\n"
"                    populated there (--mem-nodes, default every pool node)\n"
"  --mem-nodes LIST  memory nodes for --make-domains and --anon-only\n"
"  --anon-only       only the Linux baseline (no module needed)\n"
"The Linux baseline (anon: mbind + 4 KiB pages; anon-thp: mbind + THP) is\n"
"allocated on the node of every single-node domain.  membench writes over\n"
"the domains' memory.  SIZE: 512M, 1G, NNNp.  Defaults: --size 1G per region\n"
"(clamped to the domain: 3 triad arrays, then the chase area), --chase-size 256M,\n"
"--chase-steps 20000000, --touch-size 256M, --reps 5, --threads: the CPUs\n"
"of the node, --cpu-nodes: every node with CPUs.\n"
"--json FILE: JSON lines (\"-\": stdout, and the tables go to stderr), each\n"
"with \"tag\":NAME if --tag is given.  --smoke: 3M/1M/2M sizes, 1 rep, and\n"
"exit status 1 unless every page is on its memory node.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "domain-env", no_argument, NULL, 'E' },
		{ "domain", required_argument, NULL, 'D' },
		{ "make-domains", no_argument, NULL, 'M' },
		{ "mem-nodes", required_argument, NULL, 'm' },
		{ "cpu-nodes", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "chase-size", required_argument, NULL, 'C' },
		{ "chase-steps", required_argument, NULL, 'S' },
		{ "touch-size", required_argument, NULL, 'T' },
		{ "reps", required_argument, NULL, 'r' },
		{ "no-anon", no_argument, NULL, 'A' },
		{ "anon-only", no_argument, NULL, 'O' },
		{ "no-thp", no_argument, NULL, 'H' },
		{ "json", required_argument, NULL, 'j' },
		{ "tag", required_argument, NULL, 'g' },
		{ "smoke", no_argument, NULL, 'k' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double touch[MB_MAX_REGIONS][NR_TOUCH];
	bool size_given = false, chase_given = false, touch_given = false;
	bool steps_given = false, reps_given = false;
	int c, i, nr_domain_regions;
	char *end;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'E': opt.domain_env = true; break;
		case 'D':
			if (opt.nr_domids == NUMACLAIMS_MAX_NODES)
				die("too many --domain");
			opt.domids[opt.nr_domids++] = (uint32_t)strtoul(optarg, &end, 0);
			if (*end)
				die("bad domain id '%s'", optarg);
			break;
		case 'M': opt.make_domains = true; break;
		case 'm': opt.mem_nodes = parse_nodes("--mem-nodes", optarg);
			  opt.mem_nodes_given = true; break;
		case 'c': opt.cpu_nodes = parse_nodes("--cpu-nodes", optarg); break;
		case 't': opt.threads = atoi(optarg); break;
		case 's': opt.size = parse_size_bytes("--size", optarg);
			  size_given = true; break;
		case 'C': opt.chase_size = parse_size_bytes("--chase-size", optarg);
			  chase_given = true; break;
		case 'S': opt.chase_steps = strtoull(optarg, NULL, 0);
			  steps_given = true; break;
		case 'T': opt.touch_size = parse_size_bytes("--touch-size", optarg);
			  touch_given = true; break;
		case 'r': opt.reps = atoi(optarg); reps_given = true; break;
		case 'A': opt.anon = false; break;
		case 'O': opt.anon_only = true; break;
		case 'H': opt.thp = false; break;
		case 'j': opt.json_path = optarg; break;
		case 'g':
			if (strpbrk(optarg, "\"\\"))
				die("--tag must not contain quotes or backslashes");
			opt.tag = optarg;
			break;
		case 'k': opt.smoke = true; break;
		case 'd': opt.device = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (opt.smoke) {
		if (!size_given)
			opt.size = 3ULL << 20;
		if (!chase_given)
			opt.chase_size = 1ULL << 20;
		if (!touch_given)
			opt.touch_size = 2ULL << 20;
		if (!steps_given)
			opt.chase_steps = 100000;
		if (!reps_given)
			opt.reps = 1;
	}
	if (opt.reps < 1 || opt.reps > MB_MAX_REPS)
		die("--reps must be 1 to %d", MB_MAX_REPS);
	if (!opt.chase_steps)
		die("--chase-steps must not be 0");
	if (numa_available() < 0)
		die("the kernel has no NUMA support (numa_available() failed)");
	if (opt.json_path)
		JSON = strcmp(opt.json_path, "-") ? fopen(opt.json_path, "w") : stdout;
	if (opt.json_path && !JSON)
		die("open %s: %s", opt.json_path, strerror(errno));
	if (JSON == stdout) {
		/* --json -: JSON on stdout, the tables on stderr. */
		JSON = fdopen(dup(STDOUT_FILENO), "w");
		if (!JSON || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			die("--json -: %s", strerror(errno));
	}
	{
		struct sigaction sa = { .sa_handler = on_sigbus };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
	}
	if (!opt.cpu_nodes)
		opt.cpu_nodes = nodes_with_cpus();
	if (opt.anon_only && (opt.domain_env || opt.nr_domids || opt.make_domains))
		die("--anon-only measures no domain: drop --domain-env, --domain, --make-domains");
	if (opt.anon_only) {
		opt.anon = true;
		if (!opt.mem_nodes_given)
			opt.mem_nodes = nodes_with_memory();
	}
	if (!opt.domain_env && !opt.nr_domids && !opt.anon_only)
		opt.make_domains = true;

	/* The domains. */
	if (opt.domain_env)
		env_domain();
	for (i = 0; i < opt.nr_domids; i++)
		given_domain(opt.domids[i]);
	if (opt.make_domains) {
		uint64_t pools = 0;
		int ret;

		open_handle();
		ret = claims_pool_nodes(H, &pools, NULL);
		if (ret)
			die("read the pools: %s", strerror(-ret));
		if (!opt.mem_nodes_given)
			opt.mem_nodes = pools;
		if (opt.mem_nodes & ~pools)
			die("--mem-nodes: no pool on some of them (pools: %s)",
			    cc_format_nodelist((char[200]){0}, 200, pools));
		for (int n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (opt.mem_nodes & (1ULL << n))
				make_domain(n);
	}
	/* --anon-only: the Linux baseline alone (no module needed). */
	for (int n = 0; opt.anon_only && n < NUMACLAIMS_MAX_NODES; n++) {
		if (!(opt.mem_nodes & (1ULL << n)))
			continue;
		anon_region(KIND_ANON, n, (size_t)opt.size);
		if (opt.thp)
			anon_region(KIND_ANON_THP, n, (size_t)opt.size);
	}
	nr_domain_regions = nr_regions;
	if (!nr_regions)
		die("no memory to measure (--mem-nodes names no node?)");
	if (opt.chase_size > opt.size)
		opt.chase_size = opt.size;
	opt.chase_size &= ~(uint64_t)(MB_LINE - 1);

	/* The Linux baseline on each single-node domain's node, same size. */
	for (i = 0; i < nr_domain_regions; i++) {
		int node = single_node(regions[i].mem_mask);

		if (node < 0 || find_region(regions[i].mem_mask, KIND_ANON) ||
		    find_region(regions[i].mem_mask, KIND_ANON_THP))
			continue;
		if (opt.anon)
			anon_region(KIND_ANON, node, regions[i].bytes);
		if (opt.anon && opt.thp)
			anon_region(KIND_ANON_THP, node, regions[i].bytes);
	}

	{
		char cpus[200], mems[200], thp[32], bal[32];
		uint64_t mem = 0;

		for (i = 0; i < nr_regions; i++)
			mem |= regions[i].mem_mask;
		printf("membench: CPU nodes %s x memory nodes %s; region %zu MiB (triad 3 x %.1f MiB), chase %" PRIu64
		       " MiB x %" PRIu64 " loads, touch %" PRIu64 " MiB, best of %d%s\n",
		       cc_format_nodelist(cpus, sizeof(cpus), opt.cpu_nodes),
		       cc_format_nodelist(mems, sizeof(mems), mem),
		       regions[0].bytes >> 20,
		       (double)(regions[0].bytes - opt.chase_size) / 3 / (1 << 20),
		       opt.chase_size >> 20, opt.chase_steps, opt.touch_size >> 20,
		       opt.reps, opt.smoke ? " (smoke)" : "");
		json("\"test\":\"config\",\"cpu_nodes\":\"%s\",\"mem_nodes\":\"%s\",\"region_bytes\":%zu"
		     ",\"chase_bytes\":%" PRIu64 ",\"chase_steps\":%" PRIu64 ",\"touch_bytes\":%" PRIu64
		     ",\"reps\":%d,\"threads\":%d,\"smoke\":%s,\"numa_nodes\":%d"
		     ",\"thp\":\"%s\",\"numa_balancing\":\"%s\"",
		     cpus, mems, regions[0].bytes, opt.chase_size, opt.chase_steps,
		     opt.touch_size, opt.reps, opt.threads,
		     opt.smoke ? "true" : "false", numa_max_node() + 1,
		     sysfs_word("/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof(thp)),
		     sysfs_word("/proc/sys/kernel/numa_balancing", bal, sizeof(bal)));
	}

	for (i = 0; i < nr_regions; i++)
		placement(&regions[i]);
	collect_mem_rows();
	/* Pair by pair, every kind of memory of the pair, interleaved. */
	for (i = 0; i < nr_regions; i++) {
		if (regions[i].bytes < opt.chase_size + 3 * CLAIMS_PAGE_SIZE)
			die("%s %s: %zu bytes cannot hold the triad arrays and a %" PRIu64
			    "-byte chase area; --size larger or --chase-size smaller",
			    kind_name[regions[i].kind], regions[i].label,
			    regions[i].bytes, opt.chase_size);
		triad_init(&regions[i]);
		chase_build(&regions[i]);
	}
	for (i = 0; i < nr_mem_rows; i++)
		for (int cpu = 0; cpu < NUMACLAIMS_MAX_NODES; cpu++)
			if (opt.cpu_nodes & (1ULL << cpu))
				measure_pair(mem_rows[i], cpu);
	for (i = 0; i < nr_mem_rows; i++) {
		char label[64];

		cc_format_nodelist(label, sizeof(label), mem_rows[i]);
		touch_tests(find_region(mem_rows[i], KIND_DOMAIN), mem_rows[i],
			    label, touch[i]);
	}
	print_tables(touch);
	printf("\n");
	ratios();
	/* Placement once more: the benchmarks must not have moved a page. */
	for (i = 0; i < nr_regions; i++) {
		struct region *r = &regions[i];

		memset(r->per_node, 0, sizeof(r->per_node));
		r->place_on = r->place_off = r->place_err = 0;
		placement(r);
	}
	json("\"test\":\"summary\",\"placement_ok\":%s,\"smoke\":%s",
	     placement_bad ? "false" : "true", opt.smoke ? "true" : "false");
	printf("placement: %s\n", placement_bad ?
	       "MISPLACED pages (see the placement table)" :
	       "every page on its memory node");
	if (JSON && JSON != stdout)
		fclose(JSON);
	claims_close(H);
	return opt.smoke && placement_bad ? 1 : 0;
}
