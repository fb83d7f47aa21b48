// SPDX-License-Identifier: GPL-2.0
/*
 * scrub_engine_bench: what the clean/dirty free lists (Xen's scrubbing
 * model) cost and buy in the claims engine.  bench/scrub-engine.sh builds
 * and runs it; two modes, JSON lines on stdout:
 *
 *   scrub_engine_bench callgrind [like-only]
 *	For `valgrind --tool=callgrind`, as bench/engine_bench.c: the engine is
 *	#included unchanged (ENGINE_C, -O2), each measured operation is one
 *	call of a noinline bench_* wrapper called CALLS times, and instructions
 *	per call = inclusive Ir of the wrapper / its calls (callgrind_annotate).
 *	ce_alloc_extent() of order 0 and 9 on node 0 (EXACT) from a pool that
 *	is all clean (fresh), all dirty (every chunk allocated and freed once)
 *	or mixed (clean memory for about half of the calls, then dirty), and
 *	ce_free_pages() of the same extents in reverse order.  Built with
 *	-DNC_OLD_ENGINE -DENGINE_C=<31ac1a5's claims_engine.c> it runs the same
 *	operations on the engine before clean/dirty tracking (one free list;
 *	ce_alloc_extent() without dirty_out; "dirty" and "mixed" are the same
 *	sequence of allocations and frees, which leaves it the same layout).
 *	"like-only": the current engine with ce_heap.merge_like_only set.
 *
 *   scrub_engine_bench merge [seeds [first_seed [rate_pct [idle_max]]]]
 *	(current engine only; defaults 5 1 50 4096)
 *	The two merge policies over a deterministic host lifetime on one
 *	512 MiB node (see the comment before run_merge()).
 */
#include <stdio.h>
/* ENGINE_C: another engine to count (a changed copy, an old commit's). */
#ifndef ENGINE_C
#define ENGINE_C "../module/claims_engine.c"
#endif
#include ENGINE_C

#ifdef NC_OLD_ENGINE
#define ENGINE_NAME	"31ac1a5"
#else
#define ENGINE_NAME	"current"
#endif

#define NOINLINE __attribute__((noinline, used))
/* An empty asm naming the wrapper: keeps -fipa-icf from merging wrappers. */
#define MARK(name)	__asm__ volatile("# " name)
#define CALLS	1000
#define NODES	8		/* as engine_bench and the 8-node VM */
#define FRAMES	(1024 * 512)	/* per node: 1024 order-9 chunks */
#define CHUNKS	(FRAMES >> 9)

static void die(const char *fmt, const char *what)
{
	fprintf(stderr, "scrub_engine_bench: ");
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	exit(1);
}

static void check_heap(const struct ce_heap *h)
{
	const char *why = NULL;

	if (ce_check_invariants(h, &why))
		die("ce_check_invariants: %s", why);
#ifndef NC_OLD_ENGINE
	for (u32 n = 0; n < h->nr_nodes; n++)
		if (ce_pool_audit(h, n, &why))
			die("ce_pool_audit: %s", why);
#endif
}

/* ---- callgrind: the allocation path ------------------------------------ */

static struct ce_heap heap;
static struct ce_domain dom;
static u32 held[CALLS];
static u32 prep_frames[CHUNKS];

/* One allocation on node 0 (EXACT), as the module's populate asks for it. */
static inline int alloc0(struct ce_heap *h, struct ce_domain *d,
			 unsigned int order, u32 *frame, bool *dirty)
{
	u32 node;

#ifdef NC_OLD_ENGINE
	*dirty = false;
	return ce_alloc_extent(h, d, order, 0, CE_MEMF_EXACT_NODE, &node,
			       frame);
#else
	return ce_alloc_extent(h, d, order, 0, CE_MEMF_EXACT_NODE, &node,
			       frame, dirty);
#endif
}

#define SCENARIO(name, order)						\
NOINLINE int bench_alloc_##name(u32 *frame, bool *dirty)		\
{									\
	MARK("alloc_" #name);						\
	return alloc0(&heap, &dom, order, frame, dirty);		\
}									\
NOINLINE void bench_free_##name(u32 frame)				\
{									\
	MARK("free_" #name);						\
	ce_free_pages(&heap, &dom, 0, frame, order, true);		\
}
SCENARIO(clean_o0, 0)
SCENARIO(clean_o9, 9)
SCENARIO(dirty_o0, 0)
SCENARIO(dirty_o9, 9)
SCENARIO(mixed_o0, 0)
SCENARIO(mixed_o9, 9)

/*
 * A fresh heap as engine_bench's (8 nodes of 1024 clean order-9 chunks),
 * then @ndirty chunks of node 0 made dirty: allocated and freed by another
 * domain.
 */
static void cg_setup(bool like_only, u32 ndirty)
{
	struct ce_domain prep;
	bool dirty;

	ce_heap_init(&heap);
#ifndef NC_OLD_ENGINE
	heap.merge_like_only = like_only;
#else
	(void)like_only;
#endif
	for (u32 n = 0; n < NODES; n++) {
		if (ce_pool_init(&heap, n, FRAMES))
			die("%s", "ce_pool_init");
		for (u32 f = 0; f < FRAMES; f += 512)
			ce_pool_add_chunk(&heap, n, f, 9);
	}
	ce_domain_init(&heap, &prep, 99, FRAMES);
	for (u32 i = 0; i < ndirty; i++)
		if (alloc0(&heap, &prep, 9, &prep_frames[i], &dirty))
			die("%s", "prep alloc");
	for (u32 i = 0; i < ndirty; i++)
		ce_free_pages(&heap, &prep, 0, prep_frames[i], 9, true);
	ce_domain_remove(&heap, &prep);
	ce_domain_init(&heap, &dom, 1, (u64)NODES * FRAMES);
	check_heap(&heap);
}

static void cg_teardown(void)
{
	check_heap(&heap);
	ce_domain_remove(&heap, &dom);
	for (u32 n = 0; n < NODES; n++)
		ce_pool_destroy(&heap, n);
}

static void run_callgrind(bool like_only)
{
	static int (*const al[])(u32 *, bool *) = {
		bench_alloc_clean_o0, bench_alloc_clean_o9, bench_alloc_dirty_o0,
		bench_alloc_dirty_o9, bench_alloc_mixed_o0, bench_alloc_mixed_o9 };
	static void (*const fr[])(u32) = {
		bench_free_clean_o0, bench_free_clean_o9, bench_free_dirty_o0,
		bench_free_dirty_o9, bench_free_mixed_o0, bench_free_mixed_o9 };
	static const char *const pool[] = { "clean", "dirty", "mixed" };
	const char *engine = like_only ? ENGINE_NAME "_like_only" : ENGINE_NAME;

	for (int k = 0; k < 6; k++) {
		unsigned int order = k & 1 ? 9 : 0;
		/* mixed: clean chunks for about CALLS / 2 extents, rest dirty. */
		u32 nclean = ((CALLS / 2) << order) / 512 + 1;
		u32 ndirty = k < 2 ? 0 : k < 4 ? CHUNKS : CHUNKS - nclean;
		u32 dirty_calls = 0;

		if (nclean > CHUNKS)
			die("%s", "mixed pool");
		cg_setup(like_only, ndirty);
		for (int i = 0; i < CALLS; i++) {
			bool dirty = false;

			if (al[k](&held[i], &dirty))
				die("%s", "alloc");
			dirty_calls += dirty;
		}
		for (int i = CALLS - 1; i >= 0; i--)
			fr[k](held[i]);
		cg_teardown();
		printf("{\"engine\":\"%s\",\"fn\":\"bench_alloc_%s_o%u\","
		       "\"op\":\"alloc_extent\",\"pool\":\"%s\",\"order\":%u,"
		       "\"calls\":%d,\"dirty_chunks\":%u,\"dirty_calls\":%u}\n",
		       engine, pool[k / 2], order, pool[k / 2], order, CALLS,
		       ndirty, dirty_calls);
		printf("{\"engine\":\"%s\",\"fn\":\"bench_free_%s_o%u\","
		       "\"op\":\"free_pages\",\"pool\":\"%s\",\"order\":%u,"
		       "\"calls\":%d,\"dirty_chunks\":%u}\n",
		       engine, pool[k / 2], order, pool[k / 2], order, CALLS,
		       ndirty);
	}
}

#ifndef NC_OLD_ENGINE
/* ---- merge policies over a host lifetime -------------------------------- */

/*
 * One node of 512 MiB (256 order-9 chunks, clean at the start).  Domains of
 * 4..128 MiB are created (a legacy claim of their size first: refused when
 * it does not fit) and populated, each with its own share (0..100 %) of
 * order-9 extents, the rest order 0; an order-9 extent that the node cannot
 * give falls back to 512 order-0 ones, as the toolstack does.  Destroyed
 * domains free every extent (dirty).  The background scrubber is the
 * module's (ce_scrub_take() of at most order 9, cleared, ce_scrub_put()
 * clean; an allocation that gets -EAGAIN aborts it: what it cleared so far
 * stays cleared, the block goes back dirty) on a clock: it clears rate_pct
 * pages per 100 pages that populate allocates and per 100 pages of idle
 * time after each domain operation (0..idle_max pages, random); freeing
 * takes no time.  need[] is the module's
 * nc_dirty bitmap: set when a domain frees a page, cleared by the scrubber or
 * by populate when it is handed a dirty block; a clean block handed out with
 * a page still set would be a leak of a domain's data (checked).
 *
 * Phases: fill (create until three claims in a row are refused), churn1
 * and churn2 (M_CHURN operations each: 30 % destroy a random domain, 20 %
 * reboot one (destroy, then at once a new domain of its size), 50 %
 * create one), destroy_all, idle (the scrubber until nothing is dirty).  The
 * domain operations come from one random stream and the order choices from
 * another, so both policies see exactly the same lifetime; only where the
 * pages are, clean or dirty, differs.
 */
#define M_FRAMES	131072U
#define M_MAXDOM	128
#define M_DOM_MIN	1024U		/* 4 MiB */
#define M_DOM_MAX	32768U		/* 128 MiB */
#define M_CHURN		300
#define M_IDLE_MAX	4096U
#define M_RATE_PCT	50U		/* pages scrubbed per 100 clock pages */

struct m_ext {
	u32 frame;
	u8 order;
};

struct m_dom {
	struct ce_domain d;
	struct m_ext *ext;
	u32 nr, cap;
	bool live;
};

struct m_stats {
	u64 created, refused, destroyed;
	u64 o9_req, o9_got, o9_fallback;
	u64 dirty_alloc_pages;	/* pages handed out in dirty blocks */
	u64 populate_cleared;	/* of those, pages populate had to clear */
	u64 scrub_cleared, scrub_blocks, scrub_aborts, eagain;
};

static struct ce_heap mh;
static struct m_dom mdom[M_MAXDOM];
static u8 need[M_FRAMES];
static u8 freemap[M_FRAMES];
static struct m_stats st;
static u64 rng_ops, rng_ext;
static u32 next_domid;
static u32 rate_pct = M_RATE_PCT, idle_max = M_IDLE_MAX;
static struct {
	bool out;
	u32 frame;
	unsigned int order;
	u64 credit;
} scrub;

static u64 m_rand(u64 *s)	/* splitmix64 */
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u32 m_range(u64 *s, u32 lo, u32 hi)
{
	return lo + (u32)(m_rand(s) % ((u64)hi - lo + 1));
}

static u32 need_count(u32 f, unsigned int order)
{
	u32 c = 0;

	for (u32 i = 0; i < (1U << order); i++)
		c += need[f + i];
	return c;
}

/* Clear up to @max set pages of the block, first frames first. */
static u32 need_clear(u32 f, unsigned int order, u64 max)
{
	u32 c = 0;

	for (u32 i = 0; i < (1U << order) && c < max; i++)
		if (need[f + i]) {
			need[f + i] = 0;
			c++;
		}
	return c;
}

/* -EAGAIN: the scrubber stops, what it cleared stays cleared, back dirty. */
static void scrub_abort(bool count)
{
	if (!scrub.out)
		return;
	st.scrub_cleared += need_clear(scrub.frame, scrub.order,
				       scrub.credit / 100);
	ce_scrub_put(&mh, 0, false);
	scrub.out = false;
	scrub.credit = 0;
	if (count)
		st.scrub_aborts++;
}

static void scrub_advance(u64 clock)
{
	/* credit in 1/100 pages */
	scrub.credit += clock * rate_pct;
	for (;;) {
		u64 cost;

		if (!scrub.out) {
			scrub.frame = ce_scrub_take(&mh, 0, 9, &scrub.order);
			if (scrub.frame == CE_NO_FRAME) {
				scrub.credit = 0;	/* idle: no work banked */
				return;
			}
			scrub.out = true;
		}
		cost = need_count(scrub.frame, scrub.order);
		if (scrub.credit < 100 * (cost ? cost : 1))
			return;
		scrub.credit -= 100 * (cost ? cost : 1);
		st.scrub_cleared += need_clear(scrub.frame, scrub.order, cost);
		ce_scrub_put(&mh, 0, true);
		scrub.out = false;
		st.scrub_blocks++;
	}
}

static void m_check(void)
{
	check_heap(&mh);
}

static void add_ext(struct m_dom *md, u32 frame, unsigned int order)
{
	if (md->nr == md->cap) {
		md->cap = md->cap ? 2 * md->cap : 256;
		md->ext = realloc(md->ext, md->cap * sizeof(*md->ext));
		if (!md->ext)
			die("%s", "out of memory");
	}
	md->ext[md->nr].frame = frame;
	md->ext[md->nr].order = order;
	md->nr++;
}

static int m_alloc(struct m_dom *md, unsigned int order)
{
	bool dirty = false;
	u32 node, frame = 0;
	int ret;

	ret = ce_alloc_extent(&mh, &md->d, order, 0, CE_MEMF_EXACT_NODE,
			      &node, &frame, &dirty);
	if (ret == -EAGAIN) {
		st.eagain++;
		scrub_abort(true);
		ret = ce_alloc_extent(&mh, &md->d, order, 0,
				      CE_MEMF_EXACT_NODE, &node, &frame,
				      &dirty);
	}
	if (ret)
		return ret;
	if (dirty) {
		st.dirty_alloc_pages += 1U << order;
		st.populate_cleared += need_clear(frame, order, 1U << order);
	} else if (need_count(frame, order)) {
		die("%s", "a clean block holds pages a domain freed");
	}
	add_ext(md, frame, order);
	return 0;
}

/* A new domain of @pages (0: random size) and a random order-9 share. */
static void m_create(u32 pages)
{
	u32 share = m_range(&rng_ops, 0, 100), left;
	struct m_dom *md = NULL;

	for (int i = 0; i < M_MAXDOM && !md; i++)
		if (!mdom[i].live)
			md = &mdom[i];
	if (!pages)
		pages = m_range(&rng_ops, M_DOM_MIN, M_DOM_MAX);
	left = pages;
	if (!md)
		return;
	ce_domain_init(&mh, &md->d, ++next_domid, pages);
	if (ce_claim_pages_legacy(&mh, &md->d, pages)) {
		ce_domain_remove(&mh, &md->d);
		st.refused++;
		return;
	}
	md->live = true;
	md->nr = 0;
	st.created++;
	while (left) {
		bool want9 = left >= 512 && m_range(&rng_ext, 1, 100) <= share;
		int ret;

		if (want9) {
			st.o9_req++;
			ret = m_alloc(md, 9);
			if (!ret) {
				st.o9_got++;
				left -= 512;
				scrub_advance(512);
				continue;
			}
			if (ret != -ENOMEM)
				die("%s", "order-9 allocation");
			st.o9_fallback++;
		}
		for (u32 i = 0; i < (want9 ? 512U : 1U); i++) {
			if (m_alloc(md, 0))
				die("%s", "order-0 allocation within a claim");
			scrub_advance(1);
		}
		left -= want9 ? 512 : 1;
	}
	if (md->d.outstanding_pages)
		die("%s", "claim left after populate");
	ce_release_claims(&mh, &md->d);
}

static void m_destroy(struct m_dom *md)
{
	for (u32 i = 0; i < md->nr; i++) {
		u32 f = md->ext[i].frame;
		unsigned int o = md->ext[i].order;

		ce_free_pages(&mh, &md->d, 0, f, o, true);
		memset(&need[f], 1, 1U << o);
	}
	ce_domain_remove(&mh, &md->d);
	md->live = false;
	md->nr = 0;
	st.destroyed++;
}

static u32 m_live(void)
{
	u32 n = 0;

	for (int i = 0; i < M_MAXDOM; i++)
		n += mdom[i].live;
	return n;
}

static void m_idle(void)
{
	scrub_advance(m_range(&rng_ops, 0, idle_max));
}

/* Order-9 blocks on one kind of lists (a larger block counts as several). */
static u64 m_o9_blocks(bool dirty)
{
	const struct ce_pool *p = &mh.node[0].pool;
	u64 n = 0;

	for (unsigned int o = 9; o <= CE_MAX_ORDER; o++)
		for (u32 f = dirty ? p->dirty_head[o] : p->free_head[o];
		     f != CE_NO_FRAME; f = p->next[f])
			n += 1ULL << (o - 9);
	return n;
}

/* Aligned 2 MiB ranges whose pages are all free, whatever their kind. */
static u64 m_o9_ranges(void)
{
	const struct ce_pool *p = &mh.node[0].pool;
	u64 n = 0;

	memset(freemap, 0, sizeof(freemap));
	for (unsigned int o = 0; o <= CE_MAX_ORDER; o++)
		for (int k = 0; k < 2; k++)
			for (u32 f = k ? p->dirty_head[o] : p->free_head[o];
			     f != CE_NO_FRAME; f = p->next[f])
				memset(&freemap[f], 1, 1U << o);
	for (u32 r = 0; r < M_FRAMES; r += 512) {
		u32 c = 0;

		for (u32 i = 0; i < 512; i++)
			c += freemap[r + i];
		n += c == 512;
	}
	return n;
}

static void m_report(const char *policy, u64 seed, const char *phase)
{
	u64 clean9, dirty9, ranges, needp = 0;

	scrub_abort(false);	/* the scrubber's block back on the lists */
	m_check();
	clean9 = m_o9_blocks(false);
	dirty9 = m_o9_blocks(true);
	ranges = m_o9_ranges();
	for (u32 f = 0; f < M_FRAMES; f++)
		needp += need[f];
	if (!mh.merge_like_only && clean9 + dirty9 != ranges)
		die("%s", "mixed merging left a free 2 MiB range unmerged");
	printf("{\"policy\":\"%s\",\"seed\":%llu,\"phase\":\"%s\","
	       "\"o9_clean\":%llu,\"o9_dirty\":%llu,\"o9_total\":%llu,"
	       "\"o9_free_ranges\":%llu,\"free_pages\":%llu,"
	       "\"scrub_pages\":%llu,\"need_clear_pages\":%llu,\"live\":%u,"
	       "\"created\":%llu,\"refused\":%llu,\"destroyed\":%llu,"
	       "\"o9_req\":%llu,\"o9_got\":%llu,\"o9_fallback\":%llu,"
	       "\"dirty_alloc_pages\":%llu,\"populate_cleared\":%llu,"
	       "\"scrub_cleared\":%llu,\"scrub_blocks\":%llu,"
	       "\"scrub_aborts\":%llu,\"eagain\":%llu}\n",
	       policy, (unsigned long long)seed, phase,
	       (unsigned long long)clean9, (unsigned long long)dirty9,
	       (unsigned long long)(clean9 + dirty9),
	       (unsigned long long)ranges,
	       (unsigned long long)mh.node[0].pool.nr_free,
	       (unsigned long long)ce_scrub_pages(&mh, 0),
	       (unsigned long long)needp, m_live(),
	       (unsigned long long)st.created, (unsigned long long)st.refused,
	       (unsigned long long)st.destroyed,
	       (unsigned long long)st.o9_req, (unsigned long long)st.o9_got,
	       (unsigned long long)st.o9_fallback,
	       (unsigned long long)st.dirty_alloc_pages,
	       (unsigned long long)st.populate_cleared,
	       (unsigned long long)st.scrub_cleared,
	       (unsigned long long)st.scrub_blocks,
	       (unsigned long long)st.scrub_aborts,
	       (unsigned long long)st.eagain);
	memset(&st, 0, sizeof(st));
}

static void run_merge_one(bool like_only, u64 seed)
{
	const char *policy = like_only ? "like_only" : "mixed";
	int refusals = 0;

	ce_heap_init(&mh);
	mh.merge_like_only = like_only;
	if (ce_pool_init(&mh, 0, M_FRAMES))
		die("%s", "ce_pool_init");
	for (u32 f = 0; f < M_FRAMES; f += 512)
		ce_pool_add_chunk(&mh, 0, f, 9);
	memset(need, 0, sizeof(need));
	memset(&st, 0, sizeof(st));
	memset(&scrub, 0, sizeof(scrub));
	rng_ops = seed * 2 + 1;
	rng_ext = seed * 2 + 2;
	next_domid = 0;

	for (int i = 0; i < 1000 && refusals < 3; i++) {
		u64 before = st.refused;

		m_create(0);
		refusals = st.refused > before ? refusals + 1 : 0;
		m_idle();
		m_check();
	}
	m_report(policy, seed, "fill");
	for (int phase = 1; phase <= 2; phase++) {
		for (int i = 0; i < M_CHURN; i++) {
			u32 live = m_live(), op = m_range(&rng_ops, 0, 99);

			if (live && (op < 50 || live == M_MAXDOM)) {
				u32 k = m_range(&rng_ops, 0, live - 1), pages = 0;

				for (int j = 0; j < M_MAXDOM; j++)
					if (mdom[j].live && !k--) {
						pages = mdom[j].d.max_pages;
						m_destroy(&mdom[j]);
						break;
					}
				/* A reboot: the same size again, at once. */
				if (op >= 30)
					m_create(pages);
			} else {
				m_create(0);
			}
			m_idle();
			m_check();
		}
		m_report(policy, seed, phase == 1 ? "churn1" : "churn2");
	}
	for (int j = 0; j < M_MAXDOM; j++)
		if (mdom[j].live)
			m_destroy(&mdom[j]);
	m_check();
	m_report(policy, seed, "destroy_all");
	while (ce_scrub_pages(&mh, 0))
		scrub_advance(M_FRAMES);
	for (u32 f = 0; f < M_FRAMES; f++)
		if (need[f])
			die("%s", "idle scrubbing left a page to clear");
	m_report(policy, seed, "idle");
	ce_pool_destroy(&mh, 0);
}

static void run_merge(u64 seeds, u64 first)
{
	printf("{\"params\":{\"frames\":%u,\"chunk_order\":9,\"dom_min_pages\":%u,"
	       "\"dom_max_pages\":%u,\"churn_ops\":%d,\"idle_max_pages\":%u,"
	       "\"scrub_rate_pct\":%u,\"scrub_max_order\":9,\"seeds\":%llu,"
	       "\"first_seed\":%llu}}\n", M_FRAMES, M_DOM_MIN, M_DOM_MAX,
	       M_CHURN, idle_max, rate_pct, (unsigned long long)seeds,
	       (unsigned long long)first);
	for (u64 s = first; s < first + seeds; s++)
		for (int like = 0; like < 2; like++)
			run_merge_one(like, s);
	for (int i = 0; i < M_MAXDOM; i++)
		free(mdom[i].ext);
}
#endif /* !NC_OLD_ENGINE */

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "callgrind";

	if (!strcmp(mode, "callgrind")) {
		bool like = argc > 2 && !strcmp(argv[2], "like-only");

#ifdef NC_OLD_ENGINE
		if (like)
			die("%s", "like-only: the old engine has one free list");
#endif
		run_callgrind(like);
		return 0;
	}
#ifndef NC_OLD_ENGINE
	if (!strcmp(mode, "merge")) {
		if (argc > 4)
			rate_pct = strtoul(argv[4], NULL, 0);
		if (argc > 5)
			idle_max = strtoul(argv[5], NULL, 0);
		run_merge(argc > 2 ? strtoull(argv[2], NULL, 0) : 5,
			  argc > 3 ? strtoull(argv[3], NULL, 0) : 1);
		return 0;
	}
#endif
	die("usage: scrub_engine_bench callgrind [like-only] | merge [seeds "
	    "[first_seed [rate_pct [idle_max]]]] (%s)", ENGINE_NAME);
	return 1;
}
