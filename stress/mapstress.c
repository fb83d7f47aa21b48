// SPDX-License-Identifier: GPL-2.0
/*
 * mapstress: mapped domain memory under stress.
 *
 * D owner threads each own one domain slot: they create the domain, open its
 * domain file (DOMAIN_OPEN), mmap it MAP_SHARED, populate runs of gfns, write
 * a pattern into every page they populate, rewrite pages with a new
 * generation, decrease runs of gfns, and now and then destroy the domain and
 * create a new one (a new incarnation).  R reader threads read random pages
 * of random slots at the same time, and an offline thread offlines and
 * onlines pool pages.  P reader processes (--proc-readers) do the same
 * through mappings of their own (their own DOMAIN_OPEN of each incarnation),
 * so decrease and destroy must unmap other processes too.  A reader must see either SIGBUS (caught with
 * sigsetjmp/siglongjmp) or its own domain's data: never another domain's
 * pattern, never zeroes where its own stable pattern is, never a page after
 * its domain freed it.
 *
 * Every page's pattern is 5 words: MAGIC, domid, gfn, generation, nonce (one
 * per incarnation, so a reused domid is told apart).
 *
 * Generation protocol (a seqlock per gfn, written only by the slot's owner):
 * state = seq << 2 | st, st EMPTY (not populated: never, or decrease has
 * returned), BUSY (a populate, write or decrease is under way) or VALID
 * (populated, and the pattern of generation seq is written).  Every
 * transition increments seq, so a reader that loads the same state before
 * and after its read knows nothing happened to the gfn in between:
 *   populate:  BUSY; POPULATE_PHYSMAP; write pattern (gen = seq of VALID); VALID
 *   rewrite:   BUSY; write pattern; VALID
 *   decrease:  BUSY; DECREASE_RESERVATION; EMPTY
 *   destroy:   incarnation dead = 1; DOMAIN_DESTROY; dead = 2
 * A reader's verdicts (s1/s2 the state before/after, d1/d2 dead before/after):
 *   - another incarnation's or gfn's pattern, or non-zero data that is no
 *     pattern: FOREIGN, whatever the state (a freshly populated page is
 *     zero: populate hands out clean memory);
 *   - any successful read with d1 == 2 (destroy had returned), or with
 *     s1 == s2 EMPTY (decrease had returned, or never populated): READ
 *     AFTER FREE;
 *   - SIGBUS or zeroes with s1 == s2 VALID and d1 == d2 == 0: LOST page;
 *   - its own pattern with another generation, s1 == s2 VALID: STALE.
 * A correct module cannot fail these: decrease and destroy unmap before they
 * return, populate's pages are zero, and the owner's stores are ordered
 * before the VALID store (release) and the reader's loads between two
 * acquire loads of the state.
 *
 * --inject foreign|zero|free breaks the owner on purpose (writes another
 * domain's domid, writes zeroes, or marks a gfn EMPTY without decreasing it)
 * to prove that the readers' checks fail.
 *
 * usage: mapstress [--domains D] [--readers R] [--proc-readers P] [--pages G] [--duration S]
 *                  [--seed S] [--no-offline] [--inject foreign|zero|free]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib.h"

#define PAGE		4096UL
#define MAGIC		0x6d617073747273ULL	/* "mapstrs" */
#define MAX_DOMAINS	16
#define MAX_READERS	16
#define MAX_INCS	1024		/* incarnations kept mapped until the end */
#define MAX_PROC_READERS 4
#define MAX_RUN		16

enum { ST_EMPTY, ST_BUSY, ST_VALID };
enum { INJ_NONE, INJ_FOREIGN, INJ_ZERO, INJ_FREE };
static const char *const inj_name[] = { "", "foreign", "zero", "free" };

struct inc {			/* one incarnation of a slot's domain */
	u32 domid;
	u64 nonce;
	volatile u64 *base;	/* pages * PAGE bytes, MAP_SHARED */
	_Atomic u64 *state;	/* per gfn, see above */
	_Atomic int dead;	/* 0 alive, 1 destroying, 2 destroyed */
};

struct slot {
	_Atomic(struct inc *) cur;
	struct inc *incs[MAX_INCS];
	_Atomic int nr_incs;		/* incs[] entries published (release) */
};

/*
 * Shared with the reader processes (MAP_SHARED, mapped before fork, so the
 * pointers into it are the same in every process): the slots, every
 * incarnation and its state array, the counters.  A domain's mapping
 * (inc->base) is the owner process's only: a reader process maps each
 * incarnation itself (proc_map()).
 */
struct shared {
	struct slot slots[MAX_DOMAINS];
	_Atomic int stop;
	_Atomic u64 next_nonce;
	_Atomic u64 arena_used;
	_Atomic u64 reads, writes, sigbus, foreign, after_free, lost, stale,
		zero_fresh, populated, decreased, destroyed, created, offline,
		online, ioctl_bad, owner_sigbus, proc_reads, proc_maps;
	_Atomic int viol_taken;
	char first_violation[256];
};

static struct shared *sh;
static char *arena;		/* struct inc + state arrays, MAP_SHARED */
static u64 arena_size;
static int nr_domains = 4, nr_readers = 3, nr_proc_readers = 1, inject;
static u64 pages = 256;
#define slots		(sh->slots)
#define stop		(sh->stop)
#define next_nonce	(sh->next_nonce)
static int ctl;			/* /dev/numaclaims */
static u64 g_seed;

/* counters */
#define c_reads		(sh->reads)
#define c_writes	(sh->writes)
#define c_sigbus	(sh->sigbus)
#define c_foreign	(sh->foreign)
#define c_after_free	(sh->after_free)
#define c_lost		(sh->lost)
#define c_stale		(sh->stale)
#define c_zero_fresh	(sh->zero_fresh)
#define c_populated	(sh->populated)
#define c_decreased	(sh->decreased)
#define c_destroyed	(sh->destroyed)
#define c_created	(sh->created)
#define c_offline	(sh->offline)
#define c_online	(sh->online)
#define c_ioctl_bad	(sh->ioctl_bad)
#define c_owner_sigbus	(sh->owner_sigbus)
#define first_violation	(sh->first_violation)

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void violation(const char *fmt, ...)
{
	va_list ap;

	if (!atomic_exchange(&sh->viol_taken, 1)) {
		va_start(ap, fmt);
		vsnprintf(first_violation, sizeof(first_violation), fmt, ap);
		va_end(ap);
	}
}

/* --- SIGBUS: per thread jump buffer --- */
static __thread sigjmp_buf probe_jb;
static __thread volatile int in_probe;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	if (in_probe) {
		in_probe = 0;
		siglongjmp(probe_jb, 1);
	}
	/* not ours: die as SIGBUS would */
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

/* Read the 5 pattern words of a page; false on SIGBUS. */
static bool probe_read(volatile u64 *p, u64 w[5])
{
	if (sigsetjmp(probe_jb, 1))
		return false;
	in_probe = 1;
	w[0] = p[0];
	w[1] = p[1];
	w[2] = p[2];
	w[3] = p[3];
	w[4] = p[4];
	in_probe = 0;
	return true;
}

static bool probe_write(volatile u64 *p, const u64 w[5])
{
	if (sigsetjmp(probe_jb, 1))
		return false;
	in_probe = 1;
	p[1] = w[1];
	p[2] = w[2];
	p[3] = w[3];
	p[4] = w[4];
	atomic_thread_fence(memory_order_release);
	p[0] = w[0];
	in_probe = 0;
	return true;
}

static volatile u64 *page_of(struct inc *in, u64 gfn)
{
	return (volatile u64 *)((char *)in->base + gfn * PAGE);
}

/* --- owner --- */
static u64 inc_stride(void)
{
	return (sizeof(struct inc) + pages * sizeof(u64) + 63) & ~63ULL;
}

static void *arena_alloc(u64 size)
{
	u64 off;

	size = (size + 63) & ~63ULL;
	off = atomic_fetch_add(&sh->arena_used, size);
	if (off + size > arena_size)
		return NULL;
	return arena + off;		/* zero: fresh shared anonymous memory */
}

static struct inc *inc_new(struct slot *sl)
{
	struct numaclaims_domain_open op = { 0 };
	struct inc *in;
	void *m;
	int ret, fd;

	if (sl->nr_incs >= MAX_INCS)
		return NULL;
	in = arena_alloc(sizeof(*in) + pages * sizeof(*in->state));
	if (!in)
		return NULL;
	in->state = (_Atomic u64 *)(in + 1);
	ret = raw_create(ctl, pages, 0, &in->domid);
	if (ret) {
		c_ioctl_bad++;
		violation("create: %s", raw_errname(ret));
		return NULL;
	}
	op.domid = in->domid;
	fd = raw_ioctl(ctl, NUMACLAIMS_IOC_DOMAIN_OPEN, &op);
	if (fd < 0) {
		c_ioctl_bad++;
		violation("DOMAIN_OPEN dom%u: %s", in->domid, raw_errname(fd));
		raw_destroy(ctl, in->domid);
		return NULL;
	}
	m = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/* the mapping keeps the file: no fd per incarnation (RLIMIT_NOFILE) */
	close(fd);
	if (m == MAP_FAILED) {
		c_ioctl_bad++;
		violation("mmap dom%u: %s", in->domid, raw_errname(errno));
		raw_destroy(ctl, in->domid);
		return NULL;
	}
	in->base = m;
	in->nonce = next_nonce++;
	sl->incs[sl->nr_incs] = in;
	atomic_store_explicit(&sl->nr_incs, sl->nr_incs + 1, memory_order_release);
	c_created++;
	atomic_store_explicit(&sl->cur, in, memory_order_release);
	return in;
}

static void inc_destroy(struct inc *in)
{
	int ret;

	atomic_store(&in->dead, 1);
	ret = raw_destroy(ctl, in->domid);
	if (ret) {
		c_ioctl_bad++;
		violation("destroy dom%u: %s", in->domid, raw_errname(ret));
	}
	atomic_store(&in->dead, 2);
	c_destroyed++;
}

static u64 st_seq(u64 s) { return s >> 2; }
static int st_st(u64 s) { return s & 3; }

static void set_state(struct inc *in, u64 gfn, int st)
{
	u64 s = atomic_load_explicit(&in->state[gfn], memory_order_relaxed);

	atomic_store_explicit(&in->state[gfn], ((st_seq(s) + 1) << 2) | st,
			      memory_order_release);
}

static void write_pattern(struct inc *in, u64 gfn, struct st_rng *r)
{
	u64 s = atomic_load_explicit(&in->state[gfn], memory_order_relaxed);
	u64 w[5] = { MAGIC, in->domid, gfn, st_seq(s) + 1, in->nonce };

	if (inject == INJ_FOREIGN && st_rng_chance(r, 2))
		w[1] = in->domid + 1000;
	if (inject == INJ_ZERO && st_rng_chance(r, 2))
		memset(w, 0, sizeof(w));
	if (!probe_write(page_of(in, gfn), w)) {
		c_owner_sigbus++;
		c_lost++;
		violation("owner: SIGBUS writing dom%u gfn %llu it populated",
			  in->domid, gfn);
	}
	c_writes++;
}

/* A run of up to MAX_RUN consecutive gfns from @g0 all in state @want. */
static u64 find_run(struct inc *in, u64 g0, int want, u64 max)
{
	u64 n = 0;

	while (n < max && g0 + n < pages &&
	       st_st(atomic_load_explicit(&in->state[g0 + n], memory_order_relaxed)) == want)
		n++;
	return n;
}

static void *owner(void *arg)
{
	int idx = (int)(uintptr_t)arg;
	struct slot *sl = &slots[idx];
	struct st_rng r;
	struct inc *in;
	u64 gfns[MAX_RUN], g, n, i, done;
	unsigned int op;
	int ret;

	st_rng_seed(&r, g_seed * 1000003ULL + idx + 1);
	in = sl->incs[0];
	while (!atomic_load(&stop)) {
		op = st_rng_below(&r, 100);
		g = st_rng_below(&r, pages);
		if (op < 40) {				/* populate a run */
			n = find_run(in, g, ST_EMPTY, 1 + st_rng_below(&r, MAX_RUN));
			if (!n)
				continue;
			for (i = 0; i < n; i++) {
				gfns[i] = g + i;
				set_state(in, g + i, ST_BUSY);
			}
			done = 0;
			ret = raw_populate(ctl, in->domid, gfns, n, 0, 0, &done);
			if (ret && ret != -ENOMEM && !(inject == INJ_FREE && ret == -EEXIST)) {
				c_ioctl_bad++;
				violation("populate dom%u: %s", in->domid, raw_errname(ret));
			}
			for (i = 0; i < n; i++) {
				if (i < done) {
					write_pattern(in, g + i, &r);
					set_state(in, g + i, ST_VALID);
					c_populated++;
				} else {
					set_state(in, g + i, ST_EMPTY);
				}
			}
		} else if (op < 65) {			/* rewrite, new generation */
			n = find_run(in, g, ST_VALID, 1 + st_rng_below(&r, 4));
			for (i = 0; i < n; i++) {
				set_state(in, g + i, ST_BUSY);
				write_pattern(in, g + i, &r);
				set_state(in, g + i, ST_VALID);
			}
		} else if (op < 90) {			/* decrease a run */
			n = find_run(in, g, ST_VALID, 1 + st_rng_below(&r, MAX_RUN));
			if (!n)
				continue;
			if (inject == INJ_FREE && st_rng_chance(&r, 10)) {
				/* lie: EMPTY without decreasing */
				set_state(in, g, ST_BUSY);
				set_state(in, g, ST_EMPTY);
				continue;
			}
			for (i = 0; i < n; i++) {
				gfns[i] = g + i;
				set_state(in, g + i, ST_BUSY);
			}
			done = 0;
			ret = raw_decrease(ctl, in->domid, gfns, n, 0, &done);
			if (ret || done != n) {
				c_ioctl_bad++;
				violation("decrease dom%u: %s, %llu/%llu",
					  in->domid, raw_errname(ret), done, n);
			}
			for (i = 0; i < n; i++)
				set_state(in, g + i, i < done ? ST_EMPTY : ST_VALID);
			c_decreased += done;
		} else if (op < 91 && sl->nr_incs < MAX_INCS) {	/* destroy, recreate */
			struct inc *nin;

			inc_destroy(in);
			nin = inc_new(sl);
			if (!nin)
				break;
			in = nin;
		} else {
			usleep(200);
		}
	}
	return NULL;
}

/* --- readers --- */
/* A random incarnation: mostly a slot's current one, sometimes an old one. */
static struct inc *pick_inc(struct st_rng *r)
{
	struct slot *sl = &slots[st_rng_below(r, nr_domains)];
	int ni = atomic_load_explicit(&sl->nr_incs, memory_order_acquire);

	if (ni > 1 && st_rng_chance(r, 10))
		return sl->incs[st_rng_below(r, ni - 1)];
	return atomic_load_explicit(&sl->cur, memory_order_acquire);
}

/* One read of gfn @g of @in through @base (this process's mapping of it). */
static void read_one(struct inc *in, volatile u64 *base, u64 g)
{
	u64 w[5], s1, s2;
	int d1, d2, k;
	bool ok;

	{
		d1 = atomic_load_explicit(&in->dead, memory_order_acquire);
		s1 = atomic_load_explicit(&in->state[g], memory_order_acquire);
		ok = probe_read((volatile u64 *)((char *)base + g * PAGE), w);
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&in->state[g], memory_order_relaxed);
		d2 = atomic_load_explicit(&in->dead, memory_order_relaxed);
		c_reads++;
		bool stable = s1 == s2 && d1 == d2;
		if (!ok) {
			c_sigbus++;
			if (stable && d1 == 0 && st_st(s1) == ST_VALID) {
				c_lost++;
				violation("SIGBUS on dom%u gfn %llu populated (seq %llu)",
					  in->domid, g, st_seq(s1));
			}
			return;
		}
		if (d1 == 2 || (stable && st_st(s1) == ST_EMPTY)) {
			c_after_free++;
			violation("read after free: dom%u gfn %llu (%s) read [%llx %llu"
				  " %llu %llu]", in->domid, g,
				  d1 == 2 ? "destroyed" : "decreased or never populated", w[0], w[1], w[2], w[3]);
			return;
		}
		if (w[0] == MAGIC) {
			if (w[1] != in->domid || w[2] != g || w[4] != in->nonce) {
				c_foreign++;
				violation("foreign read: dom%u gfn %llu nonce %llu"
					  " saw dom%llu gfn %llu nonce %llu",
					  in->domid, g, in->nonce, w[1], w[2], w[4]);
			} else if (stable && st_st(s1) == ST_VALID && w[3] != st_seq(s1)) {
				c_stale++;
				violation("stale: dom%u gfn %llu gen %llu, expected %llu",
					  in->domid, g, w[3], st_seq(s1));
			}
			return;
		}
		for (k = 0; k < 5 && !w[k]; k++)
			;
		if (k < 5) {
			/* neither zero nor a pattern: not this page's data */
			c_foreign++;
			violation("foreign read: dom%u gfn %llu saw [%llx %llx"
				  " %llx]", in->domid, g, w[0], w[1], w[2]);
		} else if (stable && d1 == 0 && st_st(s1) == ST_VALID) {
			c_lost++;
			violation("zeroes on dom%u gfn %llu populated and written (seq %llu)",
				  in->domid, g, st_seq(s1));
		} else {
			c_zero_fresh++;
		}
	}
}

static void *reader(void *arg)
{
	struct st_rng r;
	struct inc *in;

	st_rng_seed(&r, (u64)(uintptr_t)arg);
	while (!atomic_load(&stop)) {
		in = pick_inc(&r);
		if (in)
			read_one(in, in->base, st_rng_below(&r, pages));
	}
	return NULL;
}

/*
 * A reader process: its own mapping of every incarnation it reads, made
 * from its own DOMAIN_OPEN.  An incarnation still alive (dead == 0) after
 * the open returned was the domain with that id during the open (destroy
 * sets dead before it starts), so the file is that incarnation's; else the
 * id may already be another domain's, and the incarnation is left alone.
 */
static void proc_reader(u64 seed)
{
	volatile u64 **map = calloc(nr_domains * MAX_INCS, sizeof(*map));
	char *tried = calloc(nr_domains * MAX_INCS, 1);
	struct numaclaims_domain_open op = { 0 };
	struct sigaction sa = { 0 };
	struct st_rng r;
	struct inc *in;
	u64 idx;
	int cfd = raw_open(), dfd;
	void *m;

	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	st_rng_seed(&r, seed);
	while (!atomic_load(&stop) && cfd >= 0) {
		in = pick_inc(&r);
		if (!in)
			continue;
		idx = ((char *)in - arena) / inc_stride();
		idx = idx < (u64)nr_domains * MAX_INCS ? idx : 0;
		if (!map[idx] && !tried[idx]) {
			tried[idx] = 1;
			if (atomic_load(&in->dead))
				continue;
			op.domid = in->domid;
			dfd = raw_ioctl(cfd, NUMACLAIMS_IOC_DOMAIN_OPEN, &op);
			if (dfd < 0)
				continue;		/* ESRCH: being destroyed */
			if (atomic_load(&in->dead)) {
				close(dfd);
				continue;
			}
			m = mmap(NULL, pages * PAGE, PROT_READ, MAP_SHARED, dfd, 0);
			close(dfd);
			if (m == MAP_FAILED)
				continue;
			map[idx] = m;
			sh->proc_maps++;
		}
		if (!map[idx])
			continue;
		read_one(in, map[idx], st_rng_below(&r, pages));
		sh->proc_reads++;
	}
	_exit(0);
}

/* --- offline/online: takes free pool pages away and back --- */
static void *offliner(void *arg)
{
	struct numaclaims_host_info hi;
	struct st_rng r;
	u32 nodes[NUMACLAIMS_MAX_NODES];
	int nn = 0, i;
	u64 off[NUMACLAIMS_MAX_NODES] = { 0 };

	st_rng_seed(&r, (u64)(uintptr_t)arg);
	if (st_hostinfo(ctl, &hi))
		return NULL;
	for (i = 0; i < NUMACLAIMS_MAX_NODES; i++)
		if (hi.nodes[i].has_pool)
			nodes[nn++] = i;
	while (!atomic_load(&stop) && nn) {
		u32 node = nodes[st_rng_below(&r, nn)];
		u64 n = 1 + st_rng_below(&r, 64);

		if (off[node] && st_rng_chance(&r, 50)) {
			n = n > off[node] ? off[node] : n;
			if (!raw_online(ctl, node, n)) {
				off[node] -= n;
				c_online += n;
			}
		} else if (!raw_offline(ctl, node, n)) {
			off[node] += n;
			c_offline += n;
		}
		usleep(3000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "domains", required_argument, NULL, 'D' },
		{ "readers", required_argument, NULL, 'r' },
		{ "pages", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "no-offline", no_argument, NULL, 'O' },
		{ "proc-readers", required_argument, NULL, 'P' },
		{ "inject", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	static struct numaclaims_host_info hi0;
	pthread_t own[MAX_DOMAINS], rd[MAX_READERS], offt;
	pid_t prd[MAX_PROC_READERS];
	int status;
	struct sigaction sa = { 0 };
	u64 seed = st_seed_default(), duration = 5, lost = 0, t0, violations;
	int opt, i, j, n, offline = 1;
	char why[256];

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'D': nr_domains = atoi(optarg); break;
		case 'r': nr_readers = atoi(optarg); break;
		case 'p': pages = st_parse_u64(optarg); break;
		case 'd': duration = st_parse_u64(optarg); break;
		case 's': seed = st_parse_u64(optarg); break;
		case 'O': offline = 0; break;
		case 'P': nr_proc_readers = atoi(optarg); break;
		case 'i':
			inject = !strcmp(optarg, "foreign") ? INJ_FOREIGN :
				 !strcmp(optarg, "zero") ? INJ_ZERO :
				 !strcmp(optarg, "free") ? INJ_FREE : -1;
			if (inject < 0)
				return 2;
			break;
		default:
			fprintf(stderr, "usage: mapstress [--domains D] [--readers R] [--proc-readers P] [--pages G] "
				"[--duration S] [--seed S] [--no-offline] [--inject foreign|zero|free]\n");
			return 2;
		}
	}
	if (nr_domains < 1 || nr_domains > MAX_DOMAINS)
		nr_domains = 4;
	if (nr_readers < 1 || nr_readers > MAX_READERS)
		nr_readers = 3;
	if (nr_proc_readers < 0 || nr_proc_readers > MAX_PROC_READERS)
		nr_proc_readers = 1;
	if (pages < MAX_RUN || pages > 65536)
		pages = 256;
	printf("TAP version 13\n");
	tap_diag("mapstress --domains %d --readers %d --proc-readers %d --pages %llu"
		 " --duration %llu --seed %llu%s%s%s", nr_domains, nr_readers,
		 nr_proc_readers, pages, duration, seed,
		 offline ? "" : " --no-offline", inject ? " --inject " : "",
		 inject ? inj_name[inject] : "");
	ctl = raw_open();
	if (ctl < 0) {
		tap_ok(false, "open: %s", raw_errname(ctl));
		return tap_done();
	}
	arena_size = (u64)nr_domains * MAX_INCS * inc_stride();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	arena = mmap(NULL, arena_size, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (sh == MAP_FAILED || arena == MAP_FAILED) {
		tap_ok(false, "shared memory: %s", raw_errname(errno));
		return tap_done();
	}
	next_nonce = 1;
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	st_hostinfo(ctl, &hi0);

	g_seed = seed;
	t0 = st_now_us();
	for (i = 0; i < nr_domains; i++)
		if (!inc_new(&slots[i])) {
			tap_ok(false, "setup: domain %d: %s", i, first_violation);
			return tap_done();
		}
	fflush(stdout);
	for (i = 0; i < nr_proc_readers; i++) {
		prd[i] = fork();
		if (!prd[i])
			proc_reader(seed * 104729ULL + 200 + i);
	}
	for (i = 0; i < nr_domains; i++)
		pthread_create(&own[i], NULL, owner, (void *)(uintptr_t)i);
	for (i = 0; i < nr_readers; i++)
		pthread_create(&rd[i], NULL, reader,
			       (void *)(uintptr_t)(seed * 7919ULL + 100 + i));
	if (offline)
		pthread_create(&offt, NULL, offliner, (void *)(uintptr_t)(seed * 31ULL + 7));
	while (st_now_us() - t0 < duration * 1000000ULL && !c_ioctl_bad)
		usleep(100000);
	atomic_store(&stop, 1);
	for (i = 0; i < nr_domains; i++)
		pthread_join(own[i], NULL);
	for (i = 0; i < nr_readers; i++)
		pthread_join(rd[i], NULL);
	if (offline)
		pthread_join(offt, NULL);
	for (i = 0; i < nr_proc_readers; i++) {
		waitpid(prd[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			c_ioctl_bad++;
			violation("reader process %d: wait status %#x", i, status);
		}
	}

	/* mid-state cross-check, then everything down */
	n = st_check_quiescent(ctl, &lost, why, sizeof(why));
	if (n)
		tap_diag("%s", why);
	tap_ok(!n && !lost, "quiescent cross-check with the domains still populated (lost %llu)",
	       lost);
	for (i = 0; i < nr_domains; i++) {
		struct slot *sl = &slots[i];

		for (j = 0; j < sl->nr_incs; j++) {
			struct inc *in = sl->incs[j];

			if (!atomic_load(&in->dead))
				inc_destroy(in);
			/* a destroyed domain's mapping: every page SIGBUS */
			for (u64 g = 0; g < pages; g += 37) {
				u64 w[5];

				c_reads++;
				if (probe_read(page_of(in, g), w)) {
					c_after_free++;
					violation("read after destroy: dom%u gfn %llu", in->domid, g);
				} else {
					c_sigbus++;
				}
			}
			munmap((void *)in->base, pages * PAGE);
		}
	}
	/*
	 * held pages (none expected: nothing pins) go back within the reaper's
	 * period, which backs off to 5 s while a page stays held
	 */
	n = st_back_to_baseline(ctl, &hi0, &lost, why, sizeof(why));
	if (n)
		tap_diag("%s", why);
	tap_ok(!n, "HOST_INFO back to its baseline (avail, offlined, held, domains, claims)");
	n = st_check_quiescent(ctl, &lost, why, sizeof(why));
	if (n)
		tap_diag("%s", why);
	tap_ok(!n && lost == 0, "quiescent cross-check after the run: pages lost %llu", lost);
	n = st_debugfs_invariants(why, sizeof(why));
	tap_ok(n == 0, "debugfs invariants after the run%s%s", n ? ": " : "", n ? why : "");

	if (first_violation[0])
		tap_diag("first violation: %s", first_violation);
	tap_ok(c_reads > 0 && c_writes > 0, "reads %llu, writes %llu", (u64)c_reads,
	       (u64)c_writes);
	tap_ok(!c_foreign, "no foreign read (%llu)", (u64)c_foreign);
	tap_ok(!c_after_free, "no read after free (%llu)", (u64)c_after_free);
	tap_ok(!c_lost, "no lost page: SIGBUS or zeroes on a stable populated page (%llu)",
	       (u64)c_lost);
	tap_ok(!c_stale, "no stale generation (%llu)", (u64)c_stale);
	tap_ok(!c_ioctl_bad, "every populate/decrease/destroy/create/open/mmap as expected (%llu"
	       " not)", (u64)c_ioctl_bad);
	violations = c_foreign + c_after_free + c_lost + c_stale + c_ioctl_bad;
	tap_fig("mapstress.reads", "%llu", (u64)c_reads);
	tap_fig("mapstress.writes", "%llu", (u64)c_writes);
	tap_fig("mapstress.process_reads", "%llu", (u64)sh->proc_reads);
	tap_fig("mapstress.process_maps", "%llu", (u64)sh->proc_maps);
	tap_fig("mapstress.sigbus", "%llu", (u64)c_sigbus);
	tap_fig("mapstress.zero_fresh", "%llu", (u64)c_zero_fresh);
	tap_fig("mapstress.populated", "%llu", (u64)c_populated);
	tap_fig("mapstress.decreased", "%llu", (u64)c_decreased);
	tap_fig("mapstress.domains_created", "%llu", (u64)c_created);
	tap_fig("mapstress.domains_destroyed", "%llu", (u64)c_destroyed);
	tap_fig("mapstress.offlined", "%llu", (u64)c_offline);
	tap_fig("mapstress.foreign_reads", "%llu", (u64)c_foreign);
	tap_fig("mapstress.reads_after_free", "%llu", (u64)c_after_free);
	tap_fig("mapstress.pages_lost", "%llu", (u64)(c_lost + lost));
	tap_fig("mapstress.violations", "%llu", violations);
	tap_fig("mapstress.seconds", "%.1f", (st_now_us() - t0) / 1e6);
	close(ctl);
	return tap_done();
}
