// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims_test - kselftest suite for /dev/numaclaims (numaclaims.ko).
 *
 * Every rule, errno and invariant of docs/SPEC.md and of the uapi header
 * (uapi/linux/numaclaims.h) is exercised through the real ioctls.  The tests
 * are split by area into nc_*.c files that are #included here: Linux 6.1's
 * kselftest_harness.h keeps its list of tests in static variables and
 * defines non-static functions, so all TEST_F()s of one binary must live in
 * one translation unit.
 *
 *   nc_ioctl.c     ioctl numbers, struct sizes, EFAULT, EPERM, domains
 *   nc_claims.c    claim sets: install, GET, atomicity, check order, legacy
 *   nc_populate.c  populate/decrease, protection, redeeming, max_pages,
 *                  node choice, partial populate, EINTR
 *   nc_lifecycle.c destroy, AUTODESTROY, scrubbing, offline/online recall
 *   nc_mmap.c      domain files: mmap, placement as Linux sees it, SIGBUS,
 *                  unmapping on decrease/destroy, pinned pages
 *   nc_superpage.c superpage claims and PMD mappings (skipped unless the
 *                  module was loaded with superpages: tests/guest/selftests.sh runs them
 *                  again after loading it with superpage_pool_mb)
 *   nc_pool.c      pool resize (POOL_RESIZE, sysfs pool_pages) while
 *                  domains run
 *   nc_harness.c   the harness's own tests (--harness-test only)
 *
 * Usage: numaclaims_test [-l] [--harness-test] [FILTER...]
 *        numaclaims_test --timeouts
 *        numaclaims_test --pools
 *        numaclaims_test --hold
 *        numaclaims_test --dirty PAGES
 *        numaclaims_test --reuse PAGES
 *        numaclaims_test --destroy-all
 *   -l       list the tests (fixture.test) and exit
 *   --harness-test  also run the harness.* tests: a test that hangs past
 *            its timeout leaving domains, claims and offlined pages, which
 *            the next test's setup must clean up (tests/guest/selftests.sh judges it)
 *   FILTER   run only tests whose "fixture.test" name contains a FILTER
 *   --timeouts  print "fixture.test TIMEOUT_SECONDS" for every test (scaled
 *            by NC_TIMEOUT_SCALE) and exit
 *   --pools  print "NODE RESERVED_PAGES" for every node with a pool (for
 *            run_vm.sh's load/unload check) and exit
 *   --hold   hold a mapped, then a destroyed but pinned page for tests/guest/selftests.sh's
 *            unload checks (see nc_hold())
 *   --dirty  leave a domain of PAGES pages, all written, for unload to scrub
 *   --reuse  PAGES pages written and destroyed, then populated again by a
 *            second domain (also destroyed): prints "reused PAGES NONZERO"
 *   --destroy-all  destroy every domain (what rmmod needs first: the module
 *            is in use while any exists); prints "destroyed N"
 *
 * Needs root, numaclaims.ko loaded and debugfs mounted; skips (exit 4) when
 * /dev/numaclaims does not exist.
 *
 * NC_TIMEOUT_SCALE=N in the environment multiplies every test's timeout by
 * N (1..100): tests/guest/selftests.sh sets it on debug (KASAN, lockdep) kernels, where
 * every ioctl is several times slower under TCG.
 */
#include "kselftest_harness.h"
#include "nc_util.h"

#include "nc_harness.c"
#include "nc_ioctl.c"
#include "nc_claims.c"
#include "nc_populate.c"
#include "nc_lifecycle.c"
#include "nc_mmap.c"
#include "nc_superpage.c"
#include "nc_pool.c"

static bool nc_filter_match(const char *fixture, const char *test,
			    int nr_filters, char **filters)
{
	char name[256];
	int i;

	if (!nr_filters)
		return true;
	snprintf(name, sizeof(name), "%s.%s", fixture, test);
	for (i = 0; i < nr_filters; i++)
		if (strstr(name, filters[i]))
			return true;
	return false;
}

enum nc_print { NC_PRINT_NONE, NC_PRINT_NAMES, NC_PRINT_TIMEOUTS };

/*
 * Keep only the tests that match a filter (the 6.1 harness has no -t), and
 * the harness.* tests only with --harness-test; scale every timeout by
 * @timeout_scale; print the names kept (-l), or with their timeouts
 * (--timeouts).
 */
static void nc_filter_tests(int nr_filters, char **filters, enum nc_print print,
			    bool harness_tests, int timeout_scale)
{
	struct __fixture_metadata *f;

	for (f = __fixture_list; f; f = f->next) {
		struct __test_metadata *t, *next, *head = NULL, *tail = NULL;

		for (t = f->tests; t; t = next) {
			next = t->next;
			if (!harness_tests && !strcmp(f->name, "harness"))
				continue;
			if (!nc_filter_match(f->name, t->name, nr_filters,
					     filters))
				continue;
			t->timeout *= timeout_scale;
			if (print == NC_PRINT_NAMES)
				printf("%s.%s\n", f->name, t->name);
			else if (print == NC_PRINT_TIMEOUTS)
				printf("%s.%s %d\n", f->name, t->name,
				       t->timeout);
			t->next = NULL;
			if (!head) {
				head = t;
			} else {
				tail->next = t;
				t->prev = tail;
			}
			tail = t;
		}
		if (head)
			head->prev = tail;	/* the harness's list shape */
		f->tests = head;
	}
}

/* --pools: the reserved pool of every node, from HOST_INFO. */
static int nc_print_pools(void)
{
	struct numaclaims_host_info hi;
	int fd = open(NC_DEV, O_RDONLY), n;

	if (fd < 0 || nc_host_info(fd, &hi)) {
		perror(NC_DEV);
		return 1;
	}
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
		if (hi.nodes[n].has_pool)
			printf("%d %llu\n", n,
			       (unsigned long long)(hi.nodes[n].reserved_pages +
				hi.superpages[n].reserved_pages));
	close(fd);
	return 0;
}

static volatile sig_atomic_t nc_hold_go;

static void nc_hold_signal(int sig)
{
	nc_hold_go = 1;
}

/*
 * --hold: for tests/guest/selftests.sh's unload checks.  Map a one-page domain and pin its
 * page into a pipe (vmsplice), print "mapped DOMID", and wait for SIGUSR1:
 * rmmod must be refused meanwhile.  Then destroy the domain, unmap, close
 * every numaclaims file, print "held N" (N = HOST_INFO.total_held_pages)
 * and wait to be killed, still holding the page through the pipe: rmmod
 * must still be refused (a held page keeps the module), and succeed once
 * the pipe is gone and the reaper has taken the page back.
 */
static int nc_hold(void)
{
	struct numaclaims_host_info hi;
	int fd = open(NC_DEV, O_RDWR), dfd, pipefd[2];
	__u64 g = 0, done;
	struct iovec iov;
	__u32 d = 0;
	char *m;

	signal(SIGUSR1, nc_hold_signal);
	if (fd < 0 || raw_create(fd, 16, 0, &d) ||
	    raw_populate(fd, d, &g, 1, 0, 0, &done))
		return 1;
	dfd = raw_domain_open(fd, d, 0);
	m = dfd < 0 ? MAP_FAILED : mmap(NULL, NC_PAGE, PROT_READ | PROT_WRITE,
					MAP_SHARED, dfd, 0);
	if (m == MAP_FAILED || pipe(pipefd))
		return 1;
	memset(m, 0x77, NC_PAGE);
	iov.iov_base = m;
	iov.iov_len = NC_PAGE;
	if (vmsplice(pipefd[1], &iov, 1, 0) != (ssize_t)NC_PAGE)
		return 1;
	printf("mapped %u\n", d);
	fflush(stdout);
	while (!nc_hold_go)
		usleep(10000);
	if (raw_destroy(fd, d) || nc_host_info(fd, &hi))
		return 1;
	munmap(m, NC_PAGE);
	close(dfd);
	close(fd);
	printf("held %llu\n", (unsigned long long)hi.total_held_pages);
	fflush(stdout);
	for (;;)
		pause();
}

/*
 * --dirty PAGES: a domain (not AUTODESTROY: it outlives this process) with
 * PAGES pages, each written through a mapping; prints "dirty DOMID PAGES".
 * Unload must give every one of them back to Linux zeroed.
 */
static int nc_dirty(const char *arg, bool reuse)
{
	unsigned long long pages = strtoull(arg, NULL, 0), i, nonzero = 0;
	int fd = open(NC_DEV, O_RDWR), dfd;
	__u64 *gfns, done;
	__u32 d = 0;
	char *m;
	int pass;

	gfns = calloc(pages ? pages : 1, sizeof(*gfns));
	if (!pages || !gfns || fd < 0)
		return 1;
	for (i = 0; i < pages; i++)
		gfns[i] = i;
	/* With reuse: written, destroyed, then a second domain reads it. */
	for (pass = 0; pass < (reuse ? 2 : 1); pass++) {
		if (raw_create(fd, pages, 0, &d))
			return 1;
		if (raw_populate(fd, d, gfns, pages, 0, 0, &done) ||
		    done != pages)
			return 1;
		dfd = raw_domain_open(fd, d, 0);
		m = dfd < 0 ? MAP_FAILED : mmap(NULL, pages * NC_PAGE,
						PROT_READ | PROT_WRITE,
						MAP_SHARED, dfd, 0);
		if (m == MAP_FAILED)
			return 1;
		for (i = 0; i < pages; i++) {
			char *p = m + i * NC_PAGE;

			if (pass)
				nonzero += p[0] || memcmp(p, p + 1, NC_PAGE - 1);
			memset(p, 0x5d, NC_PAGE);
		}
		munmap(m, pages * NC_PAGE);
		close(dfd);
		if (reuse && raw_destroy(fd, d))
			return 1;
	}
	close(fd);
	if (reuse)
		printf("reused %llu %llu\n", pages, nonzero);
	else
		printf("dirty %u %llu\n", d, pages);
	return 0;
}

/* --destroy-all: every domain, as `claimctl destroy --all` does. */
static int nc_destroy_every(int argc)
{
	int fd = open(NC_DEV, O_RDWR), n;

	if (fd < 0 || argc != 2)
		return 1;
	n = nc_destroy_all(NULL, fd, 0);
	close(fd);
	printf("destroyed %d\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	bool list = argc > 1 && !strcmp(argv[1], "-l");
	bool harness_tests = false;
	int timeout_scale = 1;

	if (argc > 1 && !strcmp(argv[1], "--pools"))
		return nc_print_pools();
	if (argc > 1 && !strcmp(argv[1], "--hold"))
		return nc_hold();
	if (argc > 2 && !strcmp(argv[1], "--dirty"))
		return nc_dirty(argv[2], false);
	if (argc > 2 && !strcmp(argv[1], "--reuse"))
		return nc_dirty(argv[2], true);
	if (argc > 1 && !strcmp(argv[1], "--destroy-all"))
		return nc_destroy_every(argc);

	/* Line-buffered, so TAP lines and TH_LOG lines keep their order. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("NC_TIMEOUT_SCALE")) {
		char *end;
		long v = strtol(getenv("NC_TIMEOUT_SCALE"), &end, 10);

		if (*end || v < 1 || v > 100) {
			fprintf(stderr, "NC_TIMEOUT_SCALE must be 1..100\n");
			return 2;
		}
		timeout_scale = v;
	}
	if (argc > 1 && !strcmp(argv[1], "--timeouts")) {
		nc_filter_tests(0, NULL, NC_PRINT_TIMEOUTS, true,
				timeout_scale);
		return 0;
	}
	if (list) {
		argc--;
		argv++;
	}
	if (argc > 1 && !strcmp(argv[1], "--harness-test")) {
		harness_tests = true;
		argc--;
		argv++;
	}
	nc_filter_tests(argc - 1, argv + 1,
			list ? NC_PRINT_NAMES : NC_PRINT_NONE, harness_tests,
			timeout_scale);
	if (list)
		return 0;

	/*
	 * In 6.1's harness a SKIP() in FIXTURE_SETUP still runs the test
	 * body, so a missing module is detected here, before any test.
	 */
	if (access(NC_DEV, F_OK))
		ksft_exit_skip("%s not found: is numaclaims.ko loaded?\n",
			       NC_DEV);
	if (access(NC_DEBUGFS "/invariants", R_OK))
		ksft_exit_skip("%s/invariants not readable: mount debugfs\n",
			       NC_DEBUGFS);
	return test_harness_run(argc, argv);
}
