// SPDX-License-Identifier: GPL-2.0
/*
 * spbench - superpages (API version 4), measured: what fragmentation costs a
 * boot storm of VMs that want 2 MiB extents, and what the first touch of
 * mapped memory costs per kind of page.  Runs in the VM of
 * bench/superpage-run.sh, one subcommand per freshly loaded module; raw
 * ioctls through the uapi header (libclaims has no superpage claims yet).
 *
 *   frag --mode sp|claims|none
 *        Churns node NODE first (rounds of domains of mixed sizes and
 *        orders created until the 4 KiB pool is nearly full, then some
 *        destroyed and some pages of the survivors decreased), with the
 *        same seed in every mode, then a storm of BUILDERS processes at once,
 *        each building a VM of VM_MIB MiB in order-9 extents on NODE:
 *          sp      claims the VM as superpages, populates order 9
 *          claims  claims the VM in 4 KiB pages, populates order 9
 *          none    no claim, populates order 9
 *        An order-9 extent that fails with ENOMEM is populated as 512
 *        order-0 extents, as Xen's HVM builder falls back; a VM whose
 *        populate still fails is destroyed (failed late).  One JSON line per
 *        builder, one for the churn's outcome (with a probe of how many
 *        order-9 blocks of 4 KiB pages are left), one summary.
 *   touch --mib N
 *        mmap + first touch (one write per 4 KiB page) of N MiB: a domain of
 *        superpages, a domain of 4 KiB pages, anonymous memory with
 *        MAP_POPULATE, anonymous 4 KiB first touch, anonymous THP
 *        (MADV_HUGEPAGE) and hugetlb (MAP_HUGETLB; nr_hugepages reserved by
 *        the caller).  Minor faults (getrusage) and time per repetition,
 *        and smaps' huge mapping of the region.
 *
 * Benchmarks, never tests: nothing fails on a figure; the exit status is 1
 * only if an ioctl that must work fails.  Under QEMU TCG timing is not
 * hardware-faithful; fault counts are exact.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/numaclaims.h>

#define SP_PAGES	((uint64_t)NUMACLAIMS_SUPERPAGE_PAGES)
#define SP_BYTES	(SP_PAGES << 12)
#define MAX_BUILDERS	64
#define MAX_CHURN	512

static int FD = -1;
static unsigned int NODE;
static uint64_t rng_state = 1;

static void fail(const char *what, int err)
{
	fprintf(stderr, "spbench: %s: %s\n", what, strerror(err));
	exit(1);
}

static uint64_t ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

static int ioc(unsigned long req, void *arg)
{
	return ioctl(FD, req, arg) < 0 ? -errno : 0;
}

static uint32_t dom_new(uint64_t max_pages)
{
	struct numaclaims_domain_create c = { .max_pages = max_pages };
	int rc = ioc(NUMACLAIMS_IOC_DOMAIN_CREATE, &c);

	if (rc)
		fail("DOMAIN_CREATE", -rc);
	return c.domid;
}

static void dom_kill(uint32_t domid)
{
	struct numaclaims_domain_destroy d = { .domid = domid };
	int rc = ioc(NUMACLAIMS_IOC_DOMAIN_DESTROY, &d);

	if (rc)
		fail("DOMAIN_DESTROY", -rc);
}

/* One claim entry on NODE: superpages or 4 KiB pages; 0 or -errno. */
static int claim(uint32_t domid, uint64_t pages, bool superpages)
{
	struct numaclaims_claim e = {
		.pages = pages, .target = NODE,
		.cmd = superpages ? NUMACLAIMS_CLAIM_SUPERPAGES : 0,
	};
	struct numaclaims_claim_memory cm = {
		.domid = domid, .mode = NUMACLAIMS_CLAIM_SET, .nr_entries = 1,
		.claim_set = (uintptr_t)&e,
	};

	return ioc(NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);
}

/*
 * POPULATE_PHYSMAP or DECREASE_RESERVATION of @nr extents of @order from
 * gfn @first on, every 2^@order (or, with @stride, every @stride gfns);
 * *@done gets the extents done.  0 or -errno.
 */
static int resv(unsigned long req, uint32_t domid, uint64_t first,
		uint64_t nr, unsigned int order, uint64_t stride,
		uint32_t memflags, uint64_t *done)
{
	uint64_t *g = malloc((nr ? nr : 1) * sizeof(*g));
	struct numaclaims_reservation r = {
		.extent_start = (uintptr_t)g, .nr_extents = nr,
		.extent_order = order, .mem_flags = memflags, .domid = domid,
	};
	int rc;

	if (!g)
		fail("malloc", ENOMEM);
	for (uint64_t i = 0; i < nr; i++)
		g[i] = first + i * (stride ? stride : 1ULL << order);
	rc = ioc(req, &r);
	free(g);
	if (done)
		*done = r.nr_done;
	return rc;
}

#define EXACT	(NUMACLAIMS_MEMF_NODE(NODE) | NUMACLAIMS_MEMF_EXACT_NODE)

static int populate(uint32_t domid, uint64_t first, uint64_t nr,
		    unsigned int order, uint32_t flags, uint64_t *done)
{
	return resv(NUMACLAIMS_IOC_POPULATE_PHYSMAP, domid, first, nr, order,
		    0, EXACT | flags, done);
}

static void dom_info(uint32_t domid, struct numaclaims_domain_info *di)
{
	int rc;

	memset(di, 0, sizeof(*di));
	di->domid = domid;
	rc = ioc(NUMACLAIMS_IOC_DOMAIN_INFO, di);
	if (rc)
		fail("DOMAIN_INFO", -rc);
}

static void host_info(struct numaclaims_host_info *hi)
{
	int rc;

	memset(hi, 0, sizeof(*hi));
	rc = ioc(NUMACLAIMS_IOC_HOST_INFO, hi);
	if (rc)
		fail("HOST_INFO", -rc);
}

static const char *inv(void)
{
	static char buf[128];
	int fd = open("/sys/kernel/debug/numaclaims/invariants", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n\"\\")] = 0;
	return buf;
}

/* ---- frag: churn ---------------------------------------------------------- */

struct churn_dom {
	uint32_t domid;
	uint64_t pages;
	unsigned int order;
};

static struct churn_dom churn[MAX_CHURN];
static int nr_churn;

/* Free 4 KiB pages of NODE nobody claimed; free superpages (in superpages). */
static uint64_t free4k(void)
{
	struct numaclaims_host_info hi;

	host_info(&hi);
	return hi.nodes[NODE].avail_pages - hi.nodes[NODE].outstanding_claims;
}

static uint64_t free_sp(void)
{
	struct numaclaims_host_info hi;

	host_info(&hi);
	return (hi.superpages[NODE].free_pages -
		hi.superpages[NODE].outstanding_claims) / SP_PAGES;
}

/*
 * A churn domain of 1-8 MiB in extents of a random order (0-4 or 9),
 * populated whole (order 0 for what its order cannot get).  false when the
 * node is full.
 */
static bool churn_create(void)
{
	static const unsigned int orders[] = { 0, 0, 1, 2, 3, 4, 9, 9 };
	unsigned int order = orders[rnd(8)];
	uint64_t pages = (1 + rnd(8)) * SP_PAGES, nr = pages >> order, done;
	struct churn_dom *c = &churn[nr_churn];
	int rc;

	if (nr_churn == MAX_CHURN || free4k() + free_sp() * SP_PAGES < pages)
		return false;
	c->domid = dom_new(pages);
	c->pages = pages;
	c->order = order;
	nr_churn++;
	rc = populate(c->domid, 0, nr, order, 0, &done);
	if (rc == -ENOMEM && order)	/* the rest in 4 KiB pages */
		rc = populate(c->domid, done << order, pages - (done << order),
			      0, 0, &done);
	if (rc && rc != -ENOMEM)
		fail("churn populate", -rc);
	return !rc;
}

static void churn_drop(int i)
{
	dom_kill(churn[i].domid);
	churn[i] = churn[--nr_churn];
}

/*
 * Decrease every other 4 KiB page of churn domain @i: half of its memory
 * goes back as single free pages that cannot merge while the other half
 * lives.  A superpage is only decreased whole: its 2 MiB are left alone.
 */
static void churn_punch(int i)
{
	struct churn_dom *c = &churn[i];
	uint64_t done;

	for (uint64_t e = 0; e < c->pages; e += SP_PAGES) {
		int rc = resv(NUMACLAIMS_IOC_DECREASE_RESERVATION, c->domid,
			      e + 1, SP_PAGES / 2, 0, 2, 0, &done);

		if (rc && rc != -EINVAL)
			fail("churn decrease", -rc);
	}
}

/*
 * How many order-9 blocks of 4 KiB pages NODE has free: a probe domain
 * populates order 9 until ENOMEM while another holds a claim on every free
 * superpage (so the probe cannot take one); both are destroyed after.
 */
static uint64_t probe_order9(void)
{
	uint64_t sp = free_sp(), got = 0, done;
	uint32_t hold = dom_new(sp * SP_PAGES + 1), probe;
	int rc = sp ? claim(hold, sp * SP_PAGES, true) : 0;

	if (rc)
		fail("probe superpage claim", -rc);
	probe = dom_new(free4k() + SP_PAGES);
	do {
		rc = populate(probe, got * SP_PAGES, 1, 9, 0, &done);
		got += done;
	} while (!rc);
	if (rc != -ENOMEM)
		fail("probe populate", -rc);
	dom_kill(probe);
	dom_kill(hold);
	return got;
}

static void do_churn(int rounds, unsigned int keep_sp_pct, unsigned int fill_pct,
		     unsigned int punch_pct)
{
	struct numaclaims_host_info hi;
	uint64_t sp, keep, pool;
	uint32_t keeper;
	int rc;

	host_info(&hi);
	pool = hi.nodes[NODE].reserved_pages;
	sp = hi.superpages[NODE].free_pages / SP_PAGES;
	keep = sp * keep_sp_pct / 100;
	/* The superpages the churn may not take, claimed away meanwhile. */
	keeper = dom_new(keep * SP_PAGES + 1);
	if (keep && (rc = claim(keeper, keep * SP_PAGES, true)))
		fail("keeper superpage claim", -rc);
	for (int r = 0; r < rounds; r++) {
		for (int i = nr_churn - 1; i >= 0; i--)
			if (rnd(100) < 35)
				churn_drop(i);
		while (free4k() > pool * (100 - fill_pct) / 100 && churn_create())
			;
		for (int i = 0; i < nr_churn; i++)
			if (rnd(100) < punch_pct)
				churn_punch(i);
	}
	dom_kill(keeper);
}

/* ---- frag: storm ------------------------------------------------------- */

enum { MODE_SP, MODE_CLAIMS, MODE_NONE, NR_MODES };
static const char *const mode_name[NR_MODES] = { "sp", "claims", "none" };

/* What a builder did, in memory shared with the parent. */
struct result {
	uint32_t domid;
	int refused;		/* claim (or, without claims, first populate) */
	int late;		/* populate failed after the VM started */
	uint64_t ns;
	uint64_t order9, order0;	/* extents populated */
	uint64_t tot_pages, superpage_pages;	/* DOMAIN_INFO at the end */
};

static void build(int mode, uint64_t pages, struct result *res)
{
	struct numaclaims_domain_info di;
	uint64_t t0 = ns_now(), done;
	int rc = 0;

	res->domid = dom_new(pages);
	if (mode != MODE_NONE &&
	    claim(res->domid, pages, mode == MODE_SP)) {
		res->refused = 1;
		goto out;
	}
	for (uint64_t c = 0; c < pages / SP_PAGES; c++) {
		rc = populate(res->domid, c * SP_PAGES, 1, 9, 0, &done);
		if (!rc) {
			res->order9++;
			continue;
		}
		if (rc != -ENOMEM)
			break;
		rc = populate(res->domid, c * SP_PAGES, SP_PAGES, 0, 0, &done);
		res->order0 += done;
		if (rc)
			break;
	}
	if (rc) {
		if (rc != -ENOMEM)
			fail("builder populate", -rc);
		if (res->order9 || res->order0)
			res->late = 1;
		else
			res->refused = 1;	/* nothing at all: no start */
	}
out:
	res->ns = ns_now() - t0;
	dom_info(res->domid, &di);
	res->tot_pages = di.tot_pages;
	res->superpage_pages = di.superpage_pages[NODE];
	/* A VM that cannot be built is destroyed at once, as xl does. */
	if (res->refused || res->late)
		dom_kill(res->domid);
}

static int cmd_frag(int mode, int builders, uint64_t vm_mib, int rounds,
		    unsigned int keep_sp_pct, unsigned int fill_pct,
		    unsigned int punch_pct, uint64_t seed)
{
	uint64_t pages = vm_mib << 8, before4k, beforesp, probe, sp_total = 0;
	struct numaclaims_host_info hi;
	struct result *res;
	int go[2], started = 0, refused = 0, late = 0, full = 0;
	pid_t pid[MAX_BUILDERS];
	double share_sum = 0, share_min = 1, o9_sum = 0;
	uint64_t t0;

	if (builders < 1 || builders > MAX_BUILDERS || pages % SP_PAGES)
		fail("builders or VM size", EINVAL);
	rng_state = seed * 0x9e3779b97f4a7c15ULL | 1;
	do_churn(rounds, keep_sp_pct, fill_pct, punch_pct);
	host_info(&hi);
	before4k = free4k();
	beforesp = free_sp();
	probe = probe_order9();
	printf("{\"bench\":\"sp_churn\",\"mode\":\"%s\",\"seed\":%" PRIu64
	       ",\"node\":%u,\"pool_pages\":%llu,\"superpages\":%llu"
	       ",\"churn_domains\":%d,\"rounds\":%d,\"free_4k_pages\":%" PRIu64
	       ",\"free_superpages\":%" PRIu64 ",\"order9_4k_blocks\":%" PRIu64 "}\n",
	       mode_name[mode], seed, NODE,
	       (unsigned long long)hi.nodes[NODE].reserved_pages,
	       (unsigned long long)hi.superpages[NODE].reserved_pages / SP_PAGES,
	       nr_churn, rounds, before4k, beforesp, probe);

	res = mmap(NULL, sizeof(*res) * builders, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED || pipe(go))
		fail("mmap/pipe", errno);
	memset(res, 0, sizeof(*res) * builders);
	for (int i = 0; i < builders; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			fail("fork", errno);
		if (!pid[i]) {
			char ch;

			close(go[1]);
			if (read(go[0], &ch, 1) < 0)
				_exit(1);
			build(mode, pages, &res[i]);
			_exit(0);
		}
	}
	close(go[0]);
	t0 = ns_now();
	close(go[1]);		/* all at once */
	for (int i = 0; i < builders; i++) {
		int st;

		waitpid(pid[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fail("builder died", EIO);
	}
	t0 = ns_now() - t0;
	for (int i = 0; i < builders; i++) {
		struct result *r = &res[i];
		double share = 0;

		if (!r->refused && !r->late) {
			started++;
			share = (double)r->superpage_pages / r->tot_pages;
			share_sum += share;
			share_min = share < share_min ? share : share_min;
			full += r->superpage_pages == r->tot_pages;
			sp_total += r->superpage_pages / SP_PAGES;
			o9_sum += (double)(r->order9 * SP_PAGES -
					   r->superpage_pages) / r->tot_pages;
			dom_kill(r->domid);
		}
		refused += res[i].refused;
		late += res[i].late;
		printf("{\"bench\":\"sp_builder\",\"mode\":\"%s\",\"seed\":%" PRIu64
		       ",\"builder\":%d,\"pages\":%" PRIu64 ",\"refused\":%d,\"late\":%d"
		       ",\"tot_pages\":%llu,\"superpage_pages\":%llu,\"order9\":%" PRIu64
		       ",\"order0\":%" PRIu64 ",\"share\":%.4f,\"ms\":%.1f}\n",
		       mode_name[mode], seed, i, pages, r->refused, r->late,
		       (unsigned long long)r->tot_pages,
		       (unsigned long long)r->superpage_pages,
		       r->order9, r->order0, share, r->ns / 1e6);
	}
	printf("{\"bench\":\"sp_storm\",\"mode\":\"%s\",\"seed\":%" PRIu64
	       ",\"builders\":%d,\"vm_mib\":%" PRIu64 ",\"started\":%d,\"refused\":%d"
	       ",\"late\":%d,\"all_superpages\":%d,\"share_mean\":%.4f"
	       ",\"share_min\":%.4f,\"order9_4k_share\":%.4f"
	       ",\"superpages_used\":%" PRIu64 ",\"ms\":%.1f"
	       ",\"invariants\":\"%s\"}\n",
	       mode_name[mode], seed, builders, vm_mib, started, refused, late,
	       full, started ? share_sum / started : 0, started ? share_min : 0,
	       started ? o9_sum / started : 0,
	       sp_total, t0 / 1e6, inv());
	while (nr_churn)
		churn_drop(nr_churn - 1);
	return 0;
}

/* ---- touch ------------------------------------------------------------- */

enum { T_SP, T_4K, T_POPULATE, T_ANON, T_THP, T_HUGETLB, NR_TOUCH };
static const char *const touch_name[NR_TOUCH] = {
	"domain-superpages", "domain-4k", "anon-populate", "anon-4k",
	"anon-thp", "hugetlb",
};

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/*
 * kB of @field ("AnonHugePages") in the smaps entry of the mapping at
 * @addr: the whole of /proc/self/smaps read, the entry found by its
 * "start-" prefix, the field searched before the next entry.  -1 if none.
 */
static long smaps_kb(void *addr, const char *field)
{
	static char buf[1 << 20];
	char key[64], *at, *next, *f;
	int fd = open("/proc/self/smaps", O_RDONLY);
	size_t len = 0;
	ssize_t n;

	while (fd >= 0 && len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	if (fd >= 0)
		close(fd);
	buf[len] = 0;
	snprintf(key, sizeof(key), "\n%lx-", (unsigned long)addr);
	at = strstr(buf, key);
	if (!at && !strncmp(buf, key + 1, strlen(key + 1)))
		at = buf;
	if (!at)
		return -1;
	next = strchr(at + 1, '\n');
	while (next && next[1] && !(next[1] >= '0' && next[1] <= '9') &&
	       !(next[1] >= 'a' && next[1] <= 'f'))
		next = strchr(next + 1, '\n');
	snprintf(key, sizeof(key), "\n%s:", field);
	f = strstr(at, key);
	return f && (!next || f < next) ? strtol(f + strlen(key), NULL, 10) : -1;
}

/* A domain of @bytes on NODE, superpages or 4 KiB pages, populated. */
static uint32_t touch_domain(uint64_t bytes, bool sp, double *pop_ms)
{
	uint64_t pages = bytes >> 12, done, t0;
	uint32_t d = dom_new(pages);
	int rc;

	if (claim(d, pages, sp))
		fail("touch claim", ENOMEM);
	t0 = ns_now();
	rc = sp ? populate(d, 0, pages / SP_PAGES, 9, NUMACLAIMS_MEMF_SUPERPAGE, &done)
		: populate(d, 0, pages, 0, 0, &done);
	*pop_ms = (ns_now() - t0) / 1e6;
	if (rc)
		fail("touch populate", -rc);
	return d;
}

/* mmap + first touch of one kind; one JSON line. */
static void touch_one(int kind, uint64_t bytes, int rep)
{
	struct numaclaims_domain_open o = { .flags = NUMACLAIMS_OPEN_CLOEXEC };
	int flags = MAP_PRIVATE | MAP_ANONYMOUS, fd = -1;
	const char *huge_field = "AnonHugePages";
	uint64_t map_len = bytes, t0, t1;
	double pop_ms = 0;
	char *p, *base;
	long f0, f1, huge;

	if (kind == T_SP || kind == T_4K) {
		o.domid = touch_domain(bytes, kind == T_SP, &pop_ms);
		fd = ioctl(FD, NUMACLAIMS_IOC_DOMAIN_OPEN, &o);
		if (fd < 0)
			fail("DOMAIN_OPEN", errno);
		huge_field = "FilePmdMapped";
	} else if (kind == T_THP) {
		map_len += SP_BYTES;	/* room to align */
	} else if (kind == T_HUGETLB) {
		flags |= MAP_HUGETLB;
		huge_field = "Private_Hugetlb";
	}
	f0 = minflt();
	t0 = ns_now();
	if (fd >= 0)
		base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	else
		base = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
			    flags | (kind == T_POPULATE ? MAP_POPULATE : 0), -1, 0);
	if (base == MAP_FAILED && kind == T_HUGETLB) {	/* no nr_hugepages */
		printf("{\"bench\":\"sp_touch\",\"kind\":\"%s\",\"rep\":%d"
		       ",\"error\":\"%s\"}\n", touch_name[kind], rep,
		       strerror(errno));
		return;
	}
	if (base == MAP_FAILED)
		fail(touch_name[kind], errno);
	p = base;
	if (kind == T_THP) {
		p = (char *)(((uintptr_t)base + SP_BYTES - 1) & ~(SP_BYTES - 1));
		madvise(p, bytes, MADV_HUGEPAGE);
	} else if (kind == T_ANON) {
		madvise(p, bytes, MADV_NOHUGEPAGE);
	}
	for (uint64_t off = 0; off < bytes; off += 4096)
		p[off] = 1;
	t1 = ns_now();
	f1 = minflt();
	huge = smaps_kb(p, huge_field);	/* madvise may have split it */
	printf("{\"bench\":\"sp_touch\",\"kind\":\"%s\",\"rep\":%d,\"bytes\":%" PRIu64
	       ",\"minflt\":%ld,\"ms\":%.2f,\"huge_kb\":%ld,\"huge_field\":\"%s\""
	       ",\"populate_ms\":%.2f}\n",
	       touch_name[kind], rep, bytes, f1 - f0, (t1 - t0) / 1e6, huge,
	       huge_field, pop_ms);
	fflush(stdout);
	munmap(base, map_len);
	if (fd >= 0) {
		close(fd);
		dom_kill(o.domid);
	}
}

static int cmd_touch(uint64_t mib, int reps)
{
	for (int r = 0; r < reps; r++)
		for (int k = 0; k < NR_TOUCH; k++)
			touch_one(k, mib << 20, r);
	printf("{\"bench\":\"sp_touch_end\",\"invariants\":\"%s\"}\n", inv());
	return 0;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: spbench frag --mode sp|claims|none [--node N] [--builders K]\n"
		"                    [--vm-mib M] [--rounds R] [--keep-sp PCT]\n"
		"                    [--fill PCT] [--punch PCT] [--seed S]\n"
		"       spbench touch [--node N] [--mib M] [--reps R]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", 1, NULL, 'm' }, { "node", 1, NULL, 'n' },
		{ "builders", 1, NULL, 'b' }, { "vm-mib", 1, NULL, 'v' },
		{ "rounds", 1, NULL, 'r' }, { "keep-sp", 1, NULL, 'k' },
		{ "fill", 1, NULL, 'f' }, { "seed", 1, NULL, 's' },
		{ "punch", 1, NULL, 'p' },
		{ "mib", 1, NULL, 'M' }, { "reps", 1, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	int mode = -1, builders = 8, rounds = 4, reps = 3, c;
	unsigned int keep = 50, fill = 95, punch = 75;
	uint64_t vm_mib = 16, mib = 128, seed = 1;
	const char *cmd;

	if (argc < 2)
		usage();
	cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			for (int i = 0; i < NR_MODES; i++)
				if (!strcmp(optarg, mode_name[i]))
					mode = i;
			break;
		case 'n': NODE = strtoul(optarg, NULL, 0); break;
		case 'b': builders = atoi(optarg); break;
		case 'v': vm_mib = strtoull(optarg, NULL, 0); break;
		case 'r': rounds = atoi(optarg); break;
		case 'k': keep = strtoul(optarg, NULL, 0); break;
		case 'f': fill = strtoul(optarg, NULL, 0); break;
		case 'p': punch = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'M': mib = strtoull(optarg, NULL, 0); break;
		case 'R': reps = atoi(optarg); break;
		default: usage();
		}
	}
	FD = open("/dev/numaclaims", O_RDWR | O_CLOEXEC);
	if (FD < 0)
		fail("/dev/numaclaims", errno);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "frag") && mode >= 0)
		return cmd_frag(mode, builders, vm_mib, rounds, keep, fill, punch, seed);
	if (!strcmp(cmd, "touch"))
		return cmd_touch(mib, reps);
	usage();
}
