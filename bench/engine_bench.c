// SPDX-License-Identifier: GPL-2.0
/*
 * engine_bench: instruction counts of the claims accounting engine, for
 * `valgrind --tool=callgrind` (bench/run.sh runs it; bench/report.py reads
 * the counts with callgrind_annotate).
 *
 * module/claims_engine.c is #included unchanged and compiled with -O2 as
 * the kernel compiles it, so the static helpers the engine inlines into its
 * public functions (the protection check, choose_node(), redeem_claims())
 * can also be measured on their own.  Each measured operation is one call
 * of a noinline bench_* function; main() calls it a known number of times
 * and prints those counts as JSON lines, so instructions per operation =
 * inclusive Ir of bench_X / calls of bench_X.  Instruction counts do not
 * depend on the machine's load: they are the stable figures that any change
 * to the engine can be compared against.
 */
#include <stdio.h>
/* ENGINE_C: another engine to count (a changed copy, to compare). */
#ifndef ENGINE_C
#define ENGINE_C "../module/claims_engine.c"
#endif
#include ENGINE_C

#define NOINLINE __attribute__((noinline, used))
/*
 * An empty asm naming the wrapper: no instruction, but it keeps gcc's
 * identical code folding (-fipa-icf) from merging wrappers whose bodies
 * are the same, which would mix up their counts.
 */
#define MARK(name)	__asm__ volatile("# " name)
#define CALLS	1000
#define NODES	8		/* as the 8-node benchmark VM */
#define FRAMES	(1024 * 512)	/* per node: 1000 order-9 extents fit */

static struct ce_heap heap;
static struct ce_domain dom, other;
static u32 held[CALLS];

static void report(const char *fn, const char *op, int entries, int order,
		   const char *what)
{
	printf("{\"fn\":\"%s\",\"op\":\"%s\",\"entries\":%d,\"order\":%d,"
	       "\"calls\":%d,\"what\":\"%s\"}\n", fn, op, entries, order, CALLS,
	       what);
}

static void setup(void)
{
	ce_heap_init(&heap);
	for (u32 n = 0; n < NODES; n++) {
		if (ce_pool_init(&heap, n, FRAMES))
			abort();
		for (u32 f = 0; f < FRAMES; f += 512)
			ce_pool_add_chunk(&heap, n, f, 9);
	}
	ce_domain_init(&heap, &dom, 1, (u64)NODES * FRAMES);
	ce_domain_init(&heap, &other, 2, (u64)NODES * FRAMES);
}

static void claim_set(struct numaclaims_claim *set, int entries, u64 pages)
{
	for (int i = 0; i < entries; i++) {
		set[i].pages = pages;
		set[i].target = i < NODES ? (u32)i : NUMACLAIMS_TARGET_HOST;
		set[i].cmd = 0;
	}
}

static void check(int ret, const char *what)
{
	if (ret) {
		fprintf(stderr, "engine_bench: %s: %d\n", what, ret);
		exit(1);
	}
}

/* ---- install and get, by entry count ---------------------------------- */

#define INSTALL(n)							\
NOINLINE int bench_install_##n(const struct numaclaims_claim *s)	\
{									\
	MARK("install" #n);						\
	return ce_claim_set_install(&heap, &dom, s, n);			\
}									\
NOINLINE int bench_get_##n(struct numaclaims_claim *s, u32 *nr)		\
{									\
	MARK("get" #n);							\
	return ce_claim_set_get(&heap, &dom, s, nr);			\
}
INSTALL(1)
INSTALL(2)
INSTALL(4)
INSTALL(8)

NOINLINE int bench_legacy_claim(u64 pages)
{
	return ce_claim_pages_legacy(&heap, &dom, pages);
}

NOINLINE void bench_release(void)
{
	ce_release_claims(&heap, &dom);
}

static void run_install(void)
{
	struct numaclaims_claim set[NODES + 1], out[CE_MAX_NODES + 1];
	static int (*const inst[])(const struct numaclaims_claim *) = {
		bench_install_1, bench_install_2, bench_install_4, bench_install_8 };
	static int (*const get[])(struct numaclaims_claim *, u32 *) = {
		bench_get_1, bench_get_2, bench_get_4, bench_get_8 };
	static const int n[] = { 1, 2, 4, 8 };
	char fn[32];

	for (int k = 0; k < 4; k++) {
		claim_set(set, n[k], 16);
		for (int i = 0; i < CALLS; i++)
			check(inst[k](set), "install");
		for (int i = 0; i < CALLS; i++) {
			u32 nr = CE_MAX_NODES + 1;

			check(get[k](out, &nr), "get");
		}
		snprintf(fn, sizeof(fn), "bench_install_%d", n[k]);
		report(fn, "claim_set_install", n[k], 0,
		       "ce_claim_set_install() replacing a set of the same shape");
		snprintf(fn, sizeof(fn), "bench_get_%d", n[k]);
		report(fn, "claim_set_get", n[k], 0, "ce_claim_set_get()");
	}
	for (int i = 0; i < CALLS; i++) {
		bench_release();
		check(bench_legacy_claim(64), "legacy");
	}
	bench_release();
	report("bench_legacy_claim", "legacy_claim", 1, 0,
	       "ce_claim_pages_legacy() on a domain without claims");
	report("bench_release", "release_claims", 0, 0,
	       "ce_release_claims() of a legacy claim");
}

/* ---- the protection check --------------------------------------------- */

/*
 * Exactly the checks ce_alloc_extent() makes before it takes a block: the
 * max_pages check, the host check and the per-node check with node choice.
 */
static inline int protect(struct ce_domain *d, unsigned int order,
			  int req_node, u32 memflags)
{
	bool counted = d && !(memflags & CE_MEMF_NO_REFCOUNT);
	bool exact = memflags & CE_MEMF_EXACT_NODE;
	u64 pages = 1ULL << order, usable;

	if (counted && (d->tot_pages > d->max_pages ||
			pages > d->max_pages - d->tot_pages))
		return -E2BIG;
	usable = host_unclaimed(&heap) + (counted ? d->outstanding_pages : 0);
	if (pages > usable)
		return -ENOMEM;
	return choose_node(&heap, d, counted, req_node, exact, pages, order);
}

NOINLINE int bench_protect_node_claimed(void)
{
	MARK("protect_node_claimed");
	return protect(&dom, 0, 0, CE_MEMF_EXACT_NODE);
}

NOINLINE int bench_protect_affinity(void)
{
	MARK("protect_affinity");
	return protect(&dom, 0, -1, 0);
}

NOINLINE int bench_protect_refused(void)
{
	MARK("protect_refused");
	return protect(&other, 0, 0, CE_MEMF_EXACT_NODE);
}

static void run_protect(void)
{
	struct numaclaims_claim set[NODES];

	/* dom claims all of node 0 and half of node 1 .. 7. */
	claim_set(set, 1, FRAMES);
	check(ce_claim_set_install(&heap, &dom, set, 1), "claim node 0");
	for (int i = 0; i < CALLS; i++)
		if (bench_protect_node_claimed() != 0)
			abort();
	report("bench_protect_node_claimed", "protection_check", 0, 0,
	       "host + node check, requested node 0 fits (domain's own claim)");
	for (int i = 0; i < CALLS; i++)
		if (bench_protect_affinity() < 0)
			abort();
	report("bench_protect_affinity", "protection_check", 0, 0,
	       "host + node check, no node requested (node affinity, "
	       "round robin), the first candidate fits");
	for (int i = 0; i < CALLS; i++)
		if (bench_protect_refused() != -1)
			abort();
	report("bench_protect_refused", "protection_check", 0, 0,
	       "host + node check refusing another domain on a claimed node "
	       "(EXACT)");
	ce_release_claims(&heap, &dom);
}

/* ---- redeeming ---------------------------------------------------------- */

NOINLINE void bench_redeem_node(void)
{
	MARK("redeem_node");
	redeem_claims(&heap, &dom, 0, 1);
}

NOINLINE void bench_redeem_host(void)
{
	MARK("redeem_host");
	redeem_claims(&heap, &dom, 0, 1);
}

NOINLINE void bench_redeem_none(void)
{
	MARK("redeem_none");
	redeem_claims(&heap, &dom, 0, 1);
}

NOINLINE void bench_redeem_other_node(void)
{
	MARK("redeem_other_node");
	redeem_claims(&heap, &dom, 0, 1);
}

/*
 * redeem_claims() alone (it does not touch tot_pages: the claim shrinks by
 * one page per call and the heap's invariants are restored by releasing).
 */
static void run_redeem(void)
{
	struct numaclaims_claim set[2];

	claim_set(set, 1, 2 * CALLS);
	check(ce_claim_set_install(&heap, &dom, set, 1), "claim");
	for (int i = 0; i < CALLS; i++)
		bench_redeem_node();
	report("bench_redeem_node", "redeem", 0, 0,
	       "1 page from the claim on the allocating node");
	ce_release_claims(&heap, &dom);

	set[0].pages = 2 * CALLS;
	set[0].target = NUMACLAIMS_TARGET_HOST;
	check(ce_claim_set_install(&heap, &dom, set, 1), "claim host");
	for (int i = 0; i < CALLS; i++)
		bench_redeem_host();
	report("bench_redeem_host", "redeem", 0, 0,
	       "1 page from the host-wide claim (no claim on the node)");
	ce_release_claims(&heap, &dom);

	set[0].pages = 2 * CALLS;
	set[0].target = NODES - 1;
	check(ce_claim_set_install(&heap, &dom, set, 1), "claim other");
	for (int i = 0; i < CALLS; i++)
		bench_redeem_other_node();
	report("bench_redeem_other_node", "redeem", 0, 0,
	       "1 page from a claim on another node (the last one)");
	ce_release_claims(&heap, &dom);

	for (int i = 0; i < CALLS; i++)
		bench_redeem_none();
	report("bench_redeem_none", "redeem", 0, 0,
	       "counted allocation of a domain without claims");
}

/* ---- whole allocations and frees ---------------------------------------- */

#define ALLOC(name, order, claimed)					\
NOINLINE int bench_alloc_##name(u32 *frame)				\
{									\
	u32 node;							\
	MARK("alloc_" #name);						\
	return ce_alloc_extent(&heap, &dom, order, 0,			\
			       CE_MEMF_EXACT_NODE, &node, frame, NULL);	\
}									\
NOINLINE void bench_free_##name(u32 frame)				\
{									\
	MARK("free_" #name);						\
	ce_free_pages(&heap, &dom, 0, frame, order, true);		\
}
ALLOC(o0, 0, 0)
ALLOC(o0_claimed, 0, 1)
ALLOC(o9, 9, 0)
ALLOC(o9_claimed, 9, 1)

static void run_alloc(void)
{
	static int (*const al[])(u32 *) = { bench_alloc_o0, bench_alloc_o0_claimed,
					    bench_alloc_o9, bench_alloc_o9_claimed };
	static void (*const fr[])(u32) = { bench_free_o0, bench_free_o0_claimed,
					   bench_free_o9, bench_free_o9_claimed };
	static const char *name[] = { "o0", "o0_claimed", "o9", "o9_claimed" };
	char fn[48];

	for (int k = 0; k < 4; k++) {
		unsigned int order = k < 2 ? 0 : 9;
		bool claimed = k & 1;

		if (claimed) {
			struct numaclaims_claim c = {
				.pages = (u64)CALLS << order, .target = 0 };

			check(ce_claim_set_install(&heap, &dom, &c, 1), "claim");
		}
		for (int i = 0; i < CALLS; i++)
			check(al[k](&held[i]), "alloc");
		for (int i = CALLS - 1; i >= 0; i--)
			fr[k](held[i]);
		ce_release_claims(&heap, &dom);
		snprintf(fn, sizeof(fn), "bench_alloc_%s", name[k]);
		report(fn, claimed ? "alloc_extent_claimed" : "alloc_extent", 0,
		       order, "ce_alloc_extent(), node 0, EXACT: protection, "
		       "buddy allocation, redeem");
		snprintf(fn, sizeof(fn), "bench_free_%s", name[k]);
		report(fn, "free_pages", 0, order,
		       "ce_free_pages() of that extent (buddy merge)");
	}
}

int main(void)
{
	const char *why;

	setup();
	run_install();
	run_protect();
	run_redeem();
	run_alloc();
	ce_release_claims(&heap, &dom);
	if (ce_check_invariants(&heap, &why)) {
		fprintf(stderr, "engine_bench: %s\n", why);
		return 1;
	}
	return 0;
}
