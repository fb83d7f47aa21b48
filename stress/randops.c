// SPDX-License-Identifier: GPL-2.0
/*
 * randops: randomised operation sequences.  W worker processes issue random
 * valid and invalid ioctls (random domids, sizes, targets, orders, flags,
 * offline/online, destroy during populate, close during populate, signals
 * during populate) while a checker process keeps reading HOST_INFO,
 * DOMAIN_INFO and the debugfs invariant checker and verifies every invariant
 * of docs/SPEC.md.  Every result must be an errno the uapi header documents for
 * that ioctl; inputs that are certainly invalid must fail.  At the end the
 * module must be back to its baseline: nothing lost.
 *
 * Each worker's operation sequence is a function of --seed and its index
 * (the interleaving is the scheduler's).
 *
 * usage: randops [--workers W] [--ops N] [--duration S] [--seed S]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib.h"

#define MAX_WORKERS	32
#define NR_SLOTS	64
#define GFN_SPACE	8192	/* gfns used, so operations collide */

enum op {
	OP_CREATE, OP_DESTROY, OP_SET_MAX, OP_AFFINITY, OP_CLAIM_SET,
	OP_CLAIM_GET, OP_CLAIM_PAGES, OP_POPULATE, OP_DECREASE, OP_OFFLINE,
	OP_ONLINE, OP_INFO, OP_REOPEN, OP_DESTROY_DURING_POPULATE,
	OP_CLOSE_DURING_POPULATE, OP_SIGNAL_DURING_POPULATE, OP_RESIZE, NR_OPS
};

static const char *const op_name[NR_OPS] = {
	"create", "destroy", "set_max_pages", "set_node_affinity", "claim_set",
	"claim_get", "claim_pages", "populate", "decrease", "offline", "online",
	"info", "reopen", "destroy_during_populate", "close_during_populate",
	"signal_during_populate", "pool_resize",
};

/* weights in per mille */
static const unsigned int op_weight[NR_OPS] = {
	70, 60, 50, 30, 190, 30, 40, 215, 130, 25, 25, 40, 5, 25, 25, 20, 15,
};

/* Documented errnos (uapi header) per ioctl, as bit masks of errno. */
#define B(e)	(1ULL << (e))
static const u64 op_allowed[NR_OPS] = {
	[OP_CREATE] = B(EINVAL) | B(ENOMEM) | B(ENOSPC),
	[OP_DESTROY] = B(EINVAL) | B(ESRCH),
	[OP_SET_MAX] = B(EINVAL) | B(ESRCH),
	[OP_AFFINITY] = B(EINVAL) | B(ESRCH),
	[OP_CLAIM_SET] = B(EINVAL) | B(E2BIG) | B(ENOENT) | B(ENOMEM) | B(ESRCH),
	[OP_CLAIM_GET] = B(EINVAL) | B(ERANGE) | B(ESRCH),
	[OP_CLAIM_PAGES] = B(EINVAL) | B(ENOMEM) | B(ESRCH),
	/*
	 * EINTR on populate and decrease: another worker's destroy of the
	 * domain was waiting for it (it stops at the next extent).
	 */
	[OP_POPULATE] = B(EINVAL) | B(ENOENT) | B(ENOMEM) | B(E2BIG) |
			B(EEXIST) | B(ESRCH) | B(EINTR),
	[OP_DECREASE] = B(EINVAL) | B(ESRCH) | B(EINTR),
	[OP_OFFLINE] = B(EINVAL) | B(ENOENT) | B(ENOMEM),
	[OP_ONLINE] = B(EINVAL) | B(ENOENT),
	[OP_RESIZE] = B(EINVAL) | B(ENOENT) | B(ENOSPC) | B(ENOMEM) | B(EBUSY) |
		      B(EINTR),
	[OP_INFO] = B(EINVAL) | B(ESRCH),
	[OP_REOPEN] = 0,
	[OP_DESTROY_DURING_POPULATE] = B(ENOMEM) | B(E2BIG) | B(ESRCH) | B(EEXIST) |
				       B(EINTR),
	/*
	 * EBADF: the close won the race before the populate entered the
	 * kernel.  ESRCH and EEXIST, here and below: another worker's
	 * destroy of, or populate into, a random domid (1..64 are picked
	 * too) got to the domain first (EEXIST: a gfn of ours was taken).
	 */
	[OP_CLOSE_DURING_POPULATE] = B(ENOMEM) | B(E2BIG) | B(EBADF) | B(ESRCH) |
				     B(EINTR) | B(EEXIST),
	[OP_SIGNAL_DURING_POPULATE] = B(ENOMEM) | B(E2BIG) | B(EINTR) | B(ESRCH) |
				      B(EEXIST),
};

struct worker_stats {
	u64 ops, ok, failed;
	u64 per_op[NR_OPS], per_op_ok[NR_OPS];
	u64 per_op_errno[NR_OPS][64];
	u64 bad_errno, invalid_accepted, bad_nr_done, scenario_bad;
	u64 eintr_seen;
	char first_problem[200];
};

struct shared {
	volatile int stop;
	volatile u32 slot[NR_SLOTS];
	struct worker_stats w[MAX_WORKERS];
	u64 checks, check_violations;
	char first_violation[256];
};

static struct shared *sh;
static u64 pool_mask;
static u32 pool_node[NUMACLAIMS_MAX_NODES];
static int nr_pool_nodes;
static u32 nr_nodes;		/* HOST_INFO nr_nodes */
static u64 node_pages;		/* smallest pool */
static u64 base_pool[NUMACLAIMS_MAX_NODES];	/* each pool's size at the start */

/* A worker's own recent domains and populates, so that many operations hit
 * live domains and populated gfns rather than ESRCH/EINVAL. */
#define OWN_DOMS	12
#define OWN_POPS	8
struct own {
	u32 dom[OWN_DOMS];
	bool autodestroy[OWN_DOMS];
	int nr_dom;
	struct { u32 domid; u64 gfn; u64 n; u32 order; } pop[OWN_POPS];
	int next_pop;
};

static void problem(struct worker_stats *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct worker_stats *s, const char *fmt, ...)
{
	va_list ap;

	if (s->first_problem[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->first_problem, sizeof(s->first_problem), fmt, ap);
	va_end(ap);
}

/* --- random inputs --- */

static u32 pick_domid(struct st_rng *r, const struct own *o)
{
	u64 x = st_rng_below(r, 100);

	if (x < 65 && o->nr_dom)
		return o->dom[st_rng_below(r, o->nr_dom)];
	if (x < 88)
		return sh->slot[st_rng_below(r, NR_SLOTS)];
	if (x < 96)
		return 1 + st_rng_below(r, 64);
	return (u32)st_rng_next(r);
}

static void own_add(struct st_rng *r, struct own *o, u32 domid, bool autodestroy)
{
	int i = o->nr_dom < OWN_DOMS ? o->nr_dom++ : (int)st_rng_below(r, OWN_DOMS);

	o->dom[i] = domid;
	o->autodestroy[i] = autodestroy;
}

static void own_del(struct own *o, u32 domid)
{
	int i;

	for (i = 0; i < o->nr_dom; i++)
		if (o->dom[i] == domid) {
			o->dom[i] = o->dom[--o->nr_dom];
			o->autodestroy[i] = o->autodestroy[o->nr_dom];
			return;
		}
}

/* After a close: the AUTODESTROY domains are gone. */
static void own_closed(struct own *o)
{
	int i;

	for (i = 0; i < o->nr_dom; i++)
		if (o->autodestroy[i]) {
			o->dom[i] = o->dom[--o->nr_dom];
			o->autodestroy[i] = o->autodestroy[o->nr_dom];
			i--;
		}
}

static u64 pick_pages(struct st_rng *r)
{
	switch (st_rng_below(r, 8)) {
	case 0: return 0;
	case 1: return 1 + st_rng_below(r, 16);
	case 2: case 3: return st_rng_below(r, node_pages / 8 + 1);
	case 4: return st_rng_below(r, node_pages + 1);
	case 5: return node_pages + st_rng_below(r, node_pages);
	case 6: return ~0ULL - st_rng_below(r, 4);
	default: return 1ULL << st_rng_below(r, 64);
	}
}

static u32 pick_node(struct st_rng *r, bool *valid)
{
	u64 x = st_rng_below(r, 100);

	*valid = true;
	if (x < 85)
		return pool_node[st_rng_below(r, nr_pool_nodes)];
	*valid = false;
	switch (x % 4) {
	case 0: return nr_nodes;
	case 1: return 63;
	case 2: return 64 + st_rng_below(r, 1000);
	default: return (u32)st_rng_next(r);
	}
}

static void publish(struct st_rng *r, u32 domid)
{
	sh->slot[st_rng_below(r, NR_SLOTS)] = domid;
}

/* --- scenarios with a second thread --- */

struct pop_thread {
	int fd;
	u32 domid;
	u64 n;
	u64 *gfns;
	int ret;
	u64 nr_done;
	volatile int started;
};

static void *pop_thread_fn(void *arg)
{
	struct pop_thread *p = arg;

	p->started = 1;
	p->ret = raw_populate(p->fd, p->domid, p->gfns, p->n, 0, 0, &p->nr_done);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static u64 *seq_gfns(u64 n)
{
	u64 *g = malloc(n * sizeof(*g)), i;

	for (i = 0; g && i < n; i++)
		g[i] = i;
	return g;
}

/*
 * Scenario: a populate in one thread, and in another a destroy of the
 * domain, a close of the file that owns it (AUTODESTROY), or a signal.
 * Returns the populate's errno; sets *@bad on a broken promise.
 */
static int scenario(int kind, struct st_rng *r, struct worker_stats *s)
{
	struct numaclaims_domain_info di;
	struct pop_thread p = { 0 };
	pthread_t th;
	u64 n = 256 + st_rng_below(r, 2048);
	int fd = raw_open(), ret, ctl = raw_open();
	u32 flags = kind == OP_CLOSE_DURING_POPULATE || kind == OP_SIGNAL_DURING_POPULATE ?
		    NUMACLAIMS_DOMAIN_AUTODESTROY : 0;

	if (fd < 0 || ctl < 0) {
		problem(s, "open: %s", raw_errname(fd < 0 ? fd : ctl));
		s->scenario_bad++;
		goto out;
	}
	ret = raw_create(fd, n, flags, &p.domid);
	if (ret) {
		if (ret != -ENOMEM) {
			problem(s, "scenario create: %s", raw_errname(ret));
			s->scenario_bad++;
		}
		goto out;
	}
	p.fd = fd;
	p.n = n;
	p.gfns = seq_gfns(n);
	if (!p.gfns)
		goto out;
	pthread_create(&th, NULL, pop_thread_fn, &p);
	while (!p.started)
		;
	usleep(st_rng_below(r, 3000));
	switch (kind) {
	case OP_DESTROY_DURING_POPULATE:
		ret = raw_destroy(ctl, p.domid);
		if (ret && ret != -ESRCH) {
			problem(s, "destroy during populate: %s", raw_errname(ret));
			s->scenario_bad++;
		}
		break;
	case OP_CLOSE_DURING_POPULATE:
		close(fd);
		fd = -1;
		break;
	case OP_SIGNAL_DURING_POPULATE:
		pthread_kill(th, SIGUSR1);
		break;
	}
	pthread_join(th, NULL);
	ret = p.ret;
	if ((ret && p.nr_done >= p.n) || (!ret && p.nr_done != p.n)) {
		problem(s, "%s: populate returned %s with nr_done %llu of %llu",
			op_name[kind], raw_errname(ret), p.nr_done, p.n);
		s->bad_nr_done++;
	}
	if (ret == -EINTR)
		s->eintr_seen++;
	switch (kind) {
	case OP_DESTROY_DURING_POPULATE:
	case OP_CLOSE_DURING_POPULATE:
		/* the domain must be gone, with all its pages */
		if (!raw_dom_info_flags(ctl, p.domid, 0, &di)) {
			problem(s, "%s: domain %u still exists", op_name[kind], p.domid);
			s->scenario_bad++;
		}
		break;
	case OP_SIGNAL_DURING_POPULATE:
		/* nr_done tells exactly how far it got (a private domain) */
		if (p.domid > 64 && !raw_dom_info_flags(ctl, p.domid, 0, &di) &&
		    di.tot_pages != p.nr_done) {
			problem(s, "populate %s: nr_done %llu but tot_pages %llu",
				raw_errname(ret), p.nr_done,
				(unsigned long long)di.tot_pages);
			s->bad_nr_done++;
		}
		break;
	}
out:
	free(p.gfns);
	if (fd >= 0)
		close(fd);
	if (ctl >= 0)
		close(ctl);
	return p.ret;
}

/* --- one random operation --- */

static void one_op(int *fdp, struct st_rng *r, struct worker_stats *s, struct own *o)
{
	static u64 gfns[512];
	struct numaclaims_claim set[NUMACLAIMS_MAX_CLAIM_ENTRIES + 2];
	struct numaclaims_domain_info di;
	u64 x = st_rng_below(r, 1000), acc = 0, done = 0, n, i, pages;
	bool invalid = false, valid;
	u32 domid, order, flags, node, cnt, nr4k, nrsp;
	int fd = *fdp, ret = 0;
	enum op op;

	for (op = 0; op < NR_OPS - 1; op++) {
		acc += op_weight[op];
		if (x < acc)
			break;
	}

	switch (op) {
	case OP_CREATE:
		flags = st_rng_chance(r, 50) ? NUMACLAIMS_DOMAIN_AUTODESTROY : 0;
		if (st_rng_chance(r, 3)) {
			flags |= 1U << (1 + st_rng_below(r, 31));
			invalid = true;
		}
		ret = raw_create(fd, st_rng_chance(r, 70) ? st_rng_below(r, node_pages / 4) :
			       pick_pages(r), flags, &domid);
		if (!ret) {
			publish(r, domid);
			own_add(r, o, domid, flags & NUMACLAIMS_DOMAIN_AUTODESTROY);
		}
		break;
	case OP_DESTROY:
		domid = pick_domid(r, o);
		ret = raw_destroy(fd, domid);
		own_del(o, domid);
		break;
	case OP_SET_MAX:
		ret = raw_set_max(fd, pick_domid(r, o), pick_pages(r));
		break;
	case OP_AFFINITY: {
		u64 mask = st_rng_chance(r, 80) ? st_rng_next(r) & pool_mask :
						   st_rng_next(r);

		invalid = !(mask & pool_mask);
		ret = raw_set_affinity(fd, pick_domid(r, o), mask);
		break;
	}
	case OP_CLAIM_SET:
		cnt = st_rng_chance(r, 3) ? 0 : 1 + st_rng_below(r, nr_pool_nodes + 1);
		if (st_rng_chance(r, 2))
			cnt = nr_nodes + 2 + st_rng_below(r, 2);
		if (st_rng_chance(r, 2))
			cnt = 2 * nr_nodes + 2 + st_rng_below(r, 2);
		/* at most a 4 KiB and a superpage entry per node, and HOST */
		if (cnt == 0 || cnt > 2 * nr_nodes + 1)
			invalid = true;
		nr4k = nrsp = 0;
		for (i = 0; i < cnt && i < ARRAY_SIZE(set); i++) {
			u64 t = st_rng_below(r, 100);

			set[i].cmd = st_rng_chance(r, 2);
			set[i].pages = st_rng_chance(r, 60) ?
				       st_rng_below(r, node_pages / 8 + 1) : pick_pages(r);
			if (t < 70) {
				set[i].target = pick_node(r, &valid);
			} else if (t < 90) {
				set[i].target = NUMACLAIMS_TARGET_HOST;
			} else if (t < 96) {
				set[i].target = NUMACLAIMS_TARGET_LEGACY;
			} else {
				set[i].target = NUMACLAIMS_TARGET_SPECIAL +
						(u32)st_rng_below(r, 1000);
				invalid = true;
			}
			/* superpages: on a node, whole superpages */
			if (set[i].cmd && (t >= 70 ||
					   set[i].pages % NUMACLAIMS_SUPERPAGE_PAGES))
				invalid = true;
			if (set[i].cmd)
				nrsp++;
			else
				nr4k++;
		}
		/* more entries of a kind than targets: a duplicate */
		if (nr4k > nr_nodes + 1 || nrsp > nr_nodes)
			invalid = true;
		ret = raw_claim_set(fd, pick_domid(r, o), set, cnt);
		break;
	case OP_CLAIM_GET:
		cnt = st_rng_below(r, nr_nodes + 3);
		ret = raw_claim_get(fd, pick_domid(r, o), set, &cnt);
		break;
	case OP_CLAIM_PAGES:
		ret = raw_claim_pages(fd, pick_domid(r, o), pick_pages(r));
		break;
	case OP_POPULATE:
	case OP_DECREASE: {
		u64 base;

		order = st_rng_chance(r, 60) ? 0 : st_rng_below(r, 10);
		if (st_rng_chance(r, 2)) {
			order = 10 + st_rng_below(r, 100);
			invalid = true;
		}
		n = 1 + st_rng_below(r, st_rng_chance(r, 10) ? 512 : 32);
		base = st_rng_below(r, GFN_SPACE);
		domid = pick_domid(r, o);
		if (op == OP_DECREASE && st_rng_chance(r, 75) &&
		    o->pop[o->next_pop % OWN_POPS].n) {
			/* part of one of our recent populates */
			int k = st_rng_below(r, OWN_POPS);

			if (o->pop[k].n) {
				u64 skip = st_rng_below(r, o->pop[k].n);

				domid = o->pop[k].domid;
				order = order < 10 ? st_rng_below(r, o->pop[k].order + 1) : order;
				base = o->pop[k].gfn + (skip << o->pop[k].order);
				n = 1 + st_rng_below(r, (o->pop[k].n - skip) << (o->pop[k].order - order));
				if (n > 512)
					n = 512;
			}
		}
		for (i = 0; i < n; i++) {
			gfns[i] = (base + (i << (order < 10 ? order : 0))) &
				  ~((1ULL << (order < 10 ? order : 0)) - 1);
			if (st_rng_chance(r, 1)) {
				bool huge = st_rng_chance(r, 50);

				gfns[i] = huge ? NUMACLAIMS_MAX_GFN + st_rng_below(r, 1 << 20) :
						 (gfns[i] | 1);
				if (i == 0 && (huge || (order > 0 && order < 10)))
					invalid = true;
			}
		}
		if (op == OP_POPULATE) {
			flags = 0;
			if (st_rng_chance(r, 60)) {
				node = pick_node(r, &valid);
				if (node < 255)
					flags |= NUMACLAIMS_MEMF_NODE(node);
			}
			if (st_rng_chance(r, 30))
				flags |= NUMACLAIMS_MEMF_EXACT_NODE;
			if (st_rng_chance(r, 15))
				flags |= NUMACLAIMS_MEMF_NO_REFCOUNT;
			if (st_rng_chance(r, 2)) {
				flags |= 1U << (8 + st_rng_below(r, 24));
				invalid |= !!(flags & ~NUMACLAIMS_MEMF_FLAGS);
			}
			ret = raw_populate(fd, domid, gfns, n, order, flags, &done);
			if (done && order < 10) {
				int k = o->next_pop++ % OWN_POPS;

				o->pop[k].domid = domid;
				o->pop[k].gfn = gfns[0];
				o->pop[k].n = done;
				o->pop[k].order = order;
			}
		} else {
			ret = raw_decrease(fd, domid, gfns, n, order, &done);
		}
		if ((!ret && done != n) || (ret && done >= n)) {
			s->bad_nr_done++;
			problem(s, "%s returned %s with nr_done %llu of %llu",
				op_name[op], raw_errname(ret), done, n);
		}
		break;
	}
	case OP_OFFLINE:
		node = pick_node(r, &valid);
		pages = st_rng_chance(r, 90) ? st_rng_below(r, 256) : pick_pages(r);
		ret = raw_offline(fd, node, pages);
		break;
	case OP_ONLINE:
		node = pick_node(r, &valid);
		pages = st_rng_chance(r, 90) ? st_rng_below(r, 256) : pick_pages(r);
		ret = raw_online(fd, node, pages);
		break;
	case OP_RESIZE:
		/* Shrink below the start size, or back to it (or above: ENOSPC). */
		node = pick_node(r, &valid);
		if (valid && st_rng_chance(r, 15)) {
			/* or have claims grow it back: grow on claim, on or off */
			ret = st_pool_attr_set(node, "grow_on_claim",
					       st_rng_chance(r, 50) ? "1" : "0");
			break;
		}
		if (!valid || st_rng_chance(r, 10))
			pages = pick_pages(r);
		else if (st_rng_chance(r, 40))
			pages = base_pool[node];
		else
			pages = base_pool[node] -
				st_rng_below(r, base_pool[node] / 2 + 1);
		ret = raw_pool_resize(fd, node, pages);
		break;
	case OP_INFO:
		if (st_rng_chance(r, 50)) {
			struct numaclaims_host_info hi;

			ret = st_hostinfo(fd, &hi);
		} else {
			ret = raw_dom_info_flags(fd, pick_domid(r, o),
					 st_rng_chance(r, 30) ? NUMACLAIMS_INFO_NEXT : 0, &di);
		}
		break;
	case OP_REOPEN:
		/* close: this worker's AUTODESTROY domains die */
		close(fd);
		own_closed(o);
		*fdp = raw_open();
		ret = *fdp < 0 ? *fdp : 0;
		break;
	default:
		ret = scenario(op, r, s);
		break;
	}

	s->ops++;
	s->per_op[op]++;
	if (!ret) {
		s->ok++;
		s->per_op_ok[op]++;
		if (invalid) {
			s->invalid_accepted++;
			problem(s, "%s: a certainly invalid request succeeded", op_name[op]);
		}
	} else {
		s->failed++;
		if (-ret < 64)
			s->per_op_errno[op][-ret]++;
		if (-ret >= 64 || !(op_allowed[op] & B(-ret))) {
			s->bad_errno++;
			problem(s, "%s: undocumented errno %s", op_name[op], raw_errname(ret));
		}
	}
}

static void worker(int idx, u64 seed, u64 ops, u64 deadline_us)
{
	struct worker_stats *s = &sh->w[idx];
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	struct st_rng r;
	struct own o = { 0 };
	int fd = raw_open();
	u64 i;

	sigaction(SIGUSR1, &sa, NULL);
	st_rng_seed(&r, seed);
	for (i = 0; i < ops && !sh->stop && fd >= 0; i++) {
		if (deadline_us && !(i & 15) && st_now_us() > deadline_us)
			break;
		one_op(&fd, &r, s, &o);
	}
	_exit(0);
}

static void checker(void)
{
	static struct numaclaims_host_info hi;
	struct numaclaims_domain_info di;
	char why[256];
	u32 next;

	int fd = raw_open();

	if (fd < 0)
		_exit(1);
	while (!sh->stop) {
		bool bad = false;

		if (st_hostinfo(fd, &hi) || st_check_host(&hi, why, sizeof(why)))
			bad = true;
		for (next = 1; !bad && !raw_dom_info_flags(fd, next, NUMACLAIMS_INFO_NEXT, &di);
		     next = di.domid + 1)
			if (st_check_domain(&di, why, sizeof(why)))
				bad = true;
		if (!bad && st_debugfs_invariants(why, sizeof(why)) > 0)
			bad = true;
		sh->checks++;
		if (bad) {
			if (!sh->check_violations++)
				snprintf(sh->first_violation, sizeof(sh->first_violation),
					 "%s", why);
		}
		usleep(2000);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workers", required_argument, NULL, 'w' },
		{ "ops", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	static struct numaclaims_host_info hi;
	struct worker_stats tot = { 0 };
	pid_t pids[MAX_WORKERS], checker_pid;
	u64 seed = st_seed_default(), ops = 2000, duration = 0, deadline = 0, lost = 0;
	u64 t0, per_op[NR_OPS] = { 0 }, per_op_ok[NR_OPS] = { 0 };
	static u64 per_op_errno[NR_OPS][64];
	int workers = 4, opt, i, fd, status, j, n;
	char why[256];

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'w': workers = atoi(optarg); break;
		case 'n': ops = st_parse_u64(optarg); break;
		case 'd': duration = st_parse_u64(optarg); break;
		case 's': seed = st_parse_u64(optarg); break;
		default:
			fprintf(stderr, "usage: randops [--workers W] [--ops N] [--duration S] [--seed S]\n");
			return 2;
		}
	}
	if (workers < 1 || workers > MAX_WORKERS)
		workers = 4;
	printf("TAP version 13\n");
	tap_diag("randops --workers %d --ops %llu --duration %llu --seed %llu",
		 workers, ops, duration, seed);
	fd = raw_open();
	if (fd < 0) {
		tap_ok(false, "open: %s", raw_errname(fd));
		return tap_done();
	}
	st_hostinfo(fd, &hi);
	nr_nodes = hi.nr_nodes;
	node_pages = ~0ULL;
	for (i = 0; i < NUMACLAIMS_MAX_NODES; i++)
		if (hi.nodes[i].has_pool) {
			pool_mask |= 1ULL << i;
			pool_node[nr_pool_nodes++] = i;
			base_pool[i] = hi.nodes[i].reserved_pages;
			if (hi.nodes[i].reserved_pages < node_pages)
				node_pages = hi.nodes[i].reserved_pages;
		}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || !nr_pool_nodes) {
		tap_ok(false, "setup");
		return tap_done();
	}

	t0 = st_now_us();
	if (duration)
		deadline = t0 + duration * 1000000ULL;
	checker_pid = fork();
	if (!checker_pid)
		checker();
	for (i = 0; i < workers; i++) {
		pids[i] = fork();
		if (!pids[i])
			worker(i, seed * 1000003ULL + i, duration ? ~0ULL : ops, deadline);
	}
	for (i = 0; i < workers; i++)
		waitpid(pids[i], &status, 0);
	sh->stop = 1;
	waitpid(checker_pid, &status, 0);

	for (i = 0; i < workers; i++) {
		struct worker_stats *s = &sh->w[i];

		tot.ops += s->ops;
		tot.ok += s->ok;
		tot.failed += s->failed;
		tot.bad_errno += s->bad_errno;
		tot.invalid_accepted += s->invalid_accepted;
		tot.bad_nr_done += s->bad_nr_done;
		tot.scenario_bad += s->scenario_bad;
		tot.eintr_seen += s->eintr_seen;
		for (j = 0; j < NR_OPS; j++) {
			per_op[j] += s->per_op[j];
			per_op_ok[j] += s->per_op_ok[j];
			for (n = 0; n < 64; n++)
				per_op_errno[j][n] += s->per_op_errno[j][n];
		}
		if (s->first_problem[0])
			tap_diag("worker %d: %s", i, s->first_problem);
	}
	for (j = 0; j < NR_OPS; j++) {
		char errs[256] = "";
		size_t len = 0;

		for (n = 1; n < 64; n++)
			if (per_op_errno[j][n])
				len += snprintf(errs + len, sizeof(errs) - len, " %s:%llu",
						raw_errname(n), per_op_errno[j][n]);
		tap_diag("%-24s %7llu run, %7llu ok;%s", op_name[j],
			 per_op[j], per_op_ok[j], errs);
	}

	tap_ok(tot.bad_errno == 0, "every result is a documented errno (%llu not)",
	       tot.bad_errno);
	tap_ok(tot.invalid_accepted == 0, "no certainly-invalid request accepted (%llu)",
	       tot.invalid_accepted);
	tap_ok(tot.bad_nr_done == 0, "populate/decrease nr_done consistent (%llu not)",
	       tot.bad_nr_done);
	tap_ok(tot.scenario_bad == 0,
	       "destroy/close during populate leave no domain behind (%llu not)",
	       tot.scenario_bad);
	if (sh->check_violations)
		tap_diag("checker: %s", sh->first_violation);
	tap_ok(sh->checks > 0 && sh->check_violations == 0,
	       "checker: %llu snapshots, %llu violations", sh->checks,
	       sh->check_violations);

	/* quiescent: everything cross-checked, then back to baseline */
	n = st_check_quiescent(fd, &lost, why, sizeof(why));
	if (n)
		tap_diag("%s", why);
	tap_ok(!n, "quiescent cross-check after the run");
	n = st_debugfs_invariants(why, sizeof(why));
	tap_ok(n == 0, "debugfs invariants after the run%s%s", n ? ": " : "", n ? why : "");
	tap_diag("%d domains left by workers, destroyed now", st_count_domains(fd));
	n = 0;
	/* grow on claim off again (the pool_resize op turns it on and off) */
	for (i = 0; i < nr_pool_nodes; i++) {
		int rc = st_pool_attr_set(pool_node[i], "grow_on_claim", "0") ?:
			 raw_pool_resize(fd, pool_node[i], base_pool[pool_node[i]]);

		if (rc && !n++)
			tap_diag("node %u back to %llu pages: %s", pool_node[i],
				 base_pool[pool_node[i]], raw_errname(rc));
	}
	tap_ok(!n, "every pool resized back to its start size (%llu resizes during the run)",
	       per_op[OP_RESIZE]);
	n = st_back_to_baseline(fd, NULL, &lost, why, sizeof(why));
	if (n)
		tap_diag("%s", why);
	tap_ok(!n, "every pool page free again, no claim, no domain");
	tap_ok(lost == 0, "pages lost: %llu", lost);

	tap_fig("randops.workers", "%d", workers);
	tap_fig("randops.ops", "%llu", tot.ops);
	tap_fig("randops.ops_ok", "%llu", tot.ok);
	tap_fig("randops.ops_failed", "%llu", tot.failed);
	tap_fig("randops.destroy_during_populate", "%llu", per_op[OP_DESTROY_DURING_POPULATE]);
	tap_fig("randops.close_during_populate", "%llu", per_op[OP_CLOSE_DURING_POPULATE]);
	tap_fig("randops.signal_during_populate", "%llu", per_op[OP_SIGNAL_DURING_POPULATE]);
	tap_fig("randops.eintr", "%llu", tot.eintr_seen);
	tap_fig("randops.checks", "%llu", sh->checks);
	tap_fig("randops.violations", "%llu", sh->check_violations + tot.bad_errno +
		tot.invalid_accepted + tot.bad_nr_done + tot.scenario_bad);
	tap_fig("randops.pages_lost", "%llu", lost);
	tap_fig("randops.seconds", "%.1f", (st_now_us() - t0) / 1e6);
	close(fd);
	return tap_done();
}
