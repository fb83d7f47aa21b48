// SPDX-License-Identifier: GPL-2.0
/*
 * crash: domain builders killed with SIGKILL at random points -- while
 * installing claim sets, while populating, while decreasing.  Afterwards:
 *  - with AUTODESTROY, nothing of the domain is left: no domain, no claim,
 *    every pool page free again;
 *  - without it, the domain is intact and consistent: its DOMAIN_INFO
 *    satisfies every invariant, the pages its physmap really holds (probed
 *    gfn by gfn through debugfs) are exactly tot_pages + uncounted_pages,
 *    the host cross-check finds no page lost, and destroying it frees all.
 * Rounds alternate the flag; some rounds kill a whole group of builders at
 * once (a host evacuation gone wrong).
 *
 * usage: crash [--rounds N] [--group G] [--seed S]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib.h"

#define MAX_GROUP	16
#define MAX_PAGES	3072	/* per domain; keeps gfn probing cheap */

enum phase { PH_START, PH_INSTALL, PH_POPULATE, PH_DECREASE, NR_PHASES };
static const char *const phase_name[NR_PHASES] = {
	"start", "install", "populate", "decrease",
};

struct slot {
	volatile int phase;
	volatile u32 domid;
	volatile u64 cycles;
};

struct shared {
	struct slot s[MAX_GROUP];
};

static struct shared *sh;
static u32 pool_node[NUMACLAIMS_MAX_NODES];
static int nr_pool_nodes;

static void builder(struct slot *sl, u64 seed, u32 flags, u64 max_pages)
{
	static unsigned char populated[MAX_PAGES];
	struct st_rng r;
	u32 domid;
	int fd = raw_open();

	st_rng_seed(&r, seed);
	if (fd < 0 || raw_create(fd, max_pages, flags, &domid))
		_exit(1);
	sl->domid = domid;
	for (;;) {
		struct numaclaims_claim set[2];
		u64 g, i, done, gfns[32];
		int k;

		sl->phase = PH_INSTALL;
		for (k = 0; k < 1024; k++) {
			u32 a = pool_node[st_rng_below(&r, nr_pool_nodes)];
			u32 b = pool_node[st_rng_below(&r, nr_pool_nodes)];

			set[0] = (struct numaclaims_claim){ st_rng_below(&r, max_pages), a, 0 };
			set[1] = (struct numaclaims_claim){ st_rng_below(&r, max_pages / 2),
				st_rng_chance(&r, 50) ? b : NUMACLAIMS_TARGET_HOST, 0 };
			raw_claim_set(fd, domid, set, 1 + st_rng_below(&r, 2));
		}

		sl->phase = PH_POPULATE;
		for (g = 0; g < max_pages; g += 32) {
			u32 order = st_rng_chance(&r, 30) ? 4 : 0;
			u32 flags2 = st_rng_chance(&r, 50) ?
				NUMACLAIMS_MEMF_NODE(pool_node[st_rng_below(&r, nr_pool_nodes)]) : 0;
			u64 n = 0;

			if (st_rng_chance(&r, 10))
				flags2 |= NUMACLAIMS_MEMF_NO_REFCOUNT;
			for (i = 0; i < 32; i += 1U << order) {
				if (g + i + (1U << order) > max_pages)
					break;
				gfns[n++] = g + i;
			}
			while (n) {
				int ret = raw_populate(fd, domid, gfns, n, order, flags2, &done);
				u64 j;

				for (j = 0; j < done; j++)
					memset(populated + gfns[j], 1, 1U << order);
				if (ret == -EEXIST) {	/* skip the populated one */
					memmove(gfns, gfns + done + 1,
						(n - done - 1) * sizeof(*gfns));
					n -= done + 1;
					continue;
				}
				break;
			}
		}

		sl->phase = PH_DECREASE;
		for (k = 0; k < 64; k++) {
			u64 n = 0;

			for (i = 0; i < 16; i++) {
				g = st_rng_below(&r, max_pages);
				if (populated[g]) {
					gfns[n++] = g;
					populated[g] = 0;
				}
			}
			if (n)
				raw_decrease(fd, domid, gfns, n, 0, &done);
		}
		sl->cycles++;
	}
}

/* Populated pages of @domid among gfns 0 .. @span-1, probed through debugfs. */
static long probe_physmap(int pfd, u32 domid, u64 span)
{
	u64 g, nz, first;
	long found = 0;

	for (g = 0; g < span; g++) {
		int ret = raw_page_sum(pfd, domid, g, &nz, &first, NULL);

		if (!ret)
			found++;
		else if (ret != -EINVAL)
			return ret;
	}
	return found;
}

struct totals {
	u64 kills, kills_in[NR_PHASES], autodestroy_rounds, kept_rounds;
	u64 autodestroy_left, kept_intact, kept_bad, lost, violations, probed;
};

/*
 * One round: @group builders, each SIGKILLed in a phase chosen at random,
 * or in @only_phase (then at once when it is seen, without the random
 * delay that lets a short phase slip by).
 */
static void round_run(int fd, int pfd, int round, int group, u64 seed,
		      int only_phase, struct totals *t)
{
	struct numaclaims_domain_info di;
	struct numaclaims_host_info hi;
	struct st_rng r;
	pid_t pid[MAX_GROUP];
	u32 flags = round % 2 ? 0 : NUMACLAIMS_DOMAIN_AUTODESTROY;
	u64 max_pages[MAX_GROUP], lost;
	int i, status, target, ret;
	char why[256];

	st_rng_seed(&r, seed);
	memset(sh, 0, sizeof(*sh));
	for (i = 0; i < group; i++) {
		max_pages[i] = 512 + st_rng_below(&r, MAX_PAGES - 512);
		pid[i] = fork();
		if (!pid[i])
			builder(&sh->s[i], st_rng_next(&r), flags, max_pages[i]);
	}
	for (i = 0; i < group; i++) {
		u64 t0 = st_now_us();

		/* wait for a chosen phase (at most 3 s), then a random delay */
		target = 1 + st_rng_below(&r, NR_PHASES - 1);
		if (only_phase)
			target = only_phase;
		while (sh->s[i].phase != target && st_now_us() - t0 < 3000000)
			if (target != PH_INSTALL && !only_phase)	/* install is short: spin */
				usleep(50);
		if (target != PH_INSTALL && !only_phase)
			usleep(st_rng_below(&r, 1500));
		t->kills_in[sh->s[i].phase]++;
		kill(pid[i], SIGKILL);
		t->kills++;
	}
	for (i = 0; i < group; i++)
		waitpid(pid[i], &status, 0);

	if (flags & NUMACLAIMS_DOMAIN_AUTODESTROY) {
		t->autodestroy_rounds++;
		for (i = 0; i < group; i++)
			if (sh->s[i].domid && !raw_dom_info_flags(fd, sh->s[i].domid, 0, &di)) {
				tap_diag("round %d: AUTODESTROY domain %u survived its builder",
					 round, sh->s[i].domid);
				t->autodestroy_left++;
			}
		st_hostinfo(fd, &hi);
		if (hi.nr_domains || hi.outstanding_claims) {
			tap_diag("round %d: %u domains, %llu claims left", round,
				 hi.nr_domains, (unsigned long long)hi.outstanding_claims);
			t->autodestroy_left += hi.nr_domains ? hi.nr_domains : 1;
		}
	} else {
		t->kept_rounds++;
		for (i = 0; i < group; i++) {
			long found;

			if (!sh->s[i].domid)
				continue;	/* killed before it created one */
			ret = raw_dom_info_flags(fd, sh->s[i].domid, 0, &di);
			if (ret) {
				tap_diag("round %d: domain %u lost with its builder: %s",
					 round, sh->s[i].domid, raw_errname(ret));
				t->kept_bad++;
				continue;
			}
			if (st_check_domain(&di, why, sizeof(why))) {
				tap_diag("round %d: %s", round, why);
				t->kept_bad++;
				continue;
			}
			found = pfd >= 0 ? probe_physmap(pfd, di.domid, max_pages[i] + 32) :
					   (long)(di.tot_pages + di.uncounted_pages);
			t->probed += pfd >= 0 ? max_pages[i] + 32 : 0;
			if (found != (long)(di.tot_pages + di.uncounted_pages)) {
				tap_diag("round %d: domain %u physmap holds %ld pages, accounting says %llu + %llu",
					 round, di.domid, found,
					 (unsigned long long)di.tot_pages,
					 (unsigned long long)di.uncounted_pages);
				t->kept_bad++;
				continue;
			}
			t->kept_intact++;
		}
	}
	if (st_check_quiescent(fd, &lost, why, sizeof(why))) {
		tap_diag("round %d: %s", round, why);
		t->violations++;
	}
	t->lost += lost;
	if (st_debugfs_invariants(why, sizeof(why)) > 0) {
		tap_diag("round %d: %s", round, why);
		t->violations++;
	}
	if (st_back_to_baseline(fd, NULL, &lost, why, sizeof(why))) {
		tap_diag("round %d: %s", round, why);
		t->violations++;
	}
	t->lost += lost;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "group", required_argument, NULL, 'g' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct totals t = { 0 };
	u64 seed = st_seed_default(), mask;
	int rounds = 20, group = 8, opt, fd, pfd, i, j, nr;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': rounds = atoi(optarg); break;
		case 'g': group = atoi(optarg); break;
		case 's': seed = st_parse_u64(optarg); break;
		default:
			fprintf(stderr, "usage: crash [--rounds N] [--group G] [--seed S]\n");
			return 2;
		}
	}
	if (group < 1 || group > MAX_GROUP)
		group = 8;
	printf("TAP version 13\n");
	tap_diag("crash --rounds %d --group %d --seed %llu", rounds, group, seed);
	fd = raw_open();
	if (fd < 0) {
		tap_ok(false, "open: %s", raw_errname(fd));
		return tap_done();
	}
	pfd = raw_page_open();
	if (pfd < 0)
		tap_diag("no debugfs page hook (%s): physmap not probed", raw_errname(pfd));
	mask = st_pool_nodes(fd, &nr);
	for (i = 0; i < NUMACLAIMS_MAX_NODES; i++)
		if (mask & (1ULL << i))
			pool_node[nr_pool_nodes++] = i;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || !nr_pool_nodes) {
		tap_ok(false, "setup");
		return tap_done();
	}

	/* single builders, then every fourth round a whole group at once */
	for (i = 0; i < rounds; i++)
		round_run(fd, pfd, i, i % 4 >= 2 ? group : 1,
			  seed * 1000003ULL + i, 0, &t);
	/*
	 * Where the kills land depends on the machine's speed (a short
	 * phase can slip by between seeing it and the kill): a phase that
	 * no kill reached gets up to 8 more single-builder rounds aimed at
	 * it, so the coverage check below cannot fail only because a shared
	 * machine is slow or fast.
	 */
	for (j = 0; j < 8 * (NR_PHASES - 1); j++) {
		int ph = 1 + j % (NR_PHASES - 1);

		if (t.kills < 20 || t.kills_in[ph])
			continue;
		round_run(fd, pfd, rounds + j, 1, seed * 1000003ULL + rounds + j, ph, &t);
		tap_diag("extra round aimed at %s: %llu kills there now",
			 phase_name[ph], t.kills_in[ph]);
	}

	for (i = 1; i < NR_PHASES; i++)
		tap_diag("killed while %-8s %llu", phase_name[i], t.kills_in[i]);
	tap_ok(t.autodestroy_left == 0,
	       "AUTODESTROY: nothing left after %llu rounds (%llu left)",
	       t.autodestroy_rounds, t.autodestroy_left);
	tap_ok(t.kept_bad == 0,
	       "no AUTODESTROY: %llu domains intact and consistent, %llu not",
	       t.kept_intact, t.kept_bad);
	tap_ok(t.violations == 0, "invariants and baseline after every round (%llu violations)",
	       t.violations);
	tap_ok(t.lost == 0, "pages lost: %llu", t.lost);
	/* a coverage check, meaningful once there are enough kills */
	if (t.kills >= 20)
		tap_ok(t.kills_in[PH_INSTALL] && t.kills_in[PH_POPULATE] && t.kills_in[PH_DECREASE],
		       "kills landed in every phase (install %llu, populate %llu"
		       ", decrease %llu)", t.kills_in[PH_INSTALL],
		       t.kills_in[PH_POPULATE], t.kills_in[PH_DECREASE]);
	else
		tap_skip("kills landed in every phase: only %llu kills (install %llu"
			 ", populate %llu, decrease %llu)", t.kills,
			 t.kills_in[PH_INSTALL], t.kills_in[PH_POPULATE], t.kills_in[PH_DECREASE]);

	tap_fig("crash.kills", "%llu", t.kills);
	tap_fig("crash.kills_install", "%llu", t.kills_in[PH_INSTALL]);
	tap_fig("crash.kills_populate", "%llu", t.kills_in[PH_POPULATE]);
	tap_fig("crash.kills_decrease", "%llu", t.kills_in[PH_DECREASE]);
	tap_fig("crash.autodestroy_left", "%llu", t.autodestroy_left);
	tap_fig("crash.kept_intact", "%llu", t.kept_intact);
	tap_fig("crash.kept_inconsistent", "%llu", t.kept_bad);
	tap_fig("crash.gfns_probed", "%llu", t.probed);
	tap_fig("crash.violations", "%llu", t.violations + t.autodestroy_left + t.kept_bad);
	tap_fig("crash.pages_lost", "%llu", t.lost);
	if (pfd >= 0)
		close(pfd);
	close(fd);
	return tap_done();
}
