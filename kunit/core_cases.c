// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims_pool: the module's core with real pools of real pages:
 * placement, redeem order, max_pages, offline recall, scrubbing, physmap
 * extents, held pages, and kthreads on different nodes racing.  The cases
 * call only the core's API (nc_core.h): every figure they check is read
 * through a snapshot (nc_host_info(), nc_domain_info()), as the ioctls
 * read them, and no case takes a core lock.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include "nc_kunit.h"

static struct numaclaims_host_info *pool_baseline;

/*
 * The host figures as HOST_INFO reads them, less the pages waiting for the
 * scrubbers (which change in the background): what must be back to its
 * baseline after every case.
 */
static void snapshot(struct numaclaims_host_info *hi)
{
	nc_host_info(hi);
	memset(hi->scrub_pages, 0, sizeof(hi->scrub_pages));
	hi->total_scrub_pages = 0;
}

/* A snapshot of the host figures, as HOST_INFO reads them. */
static struct numaclaims_host_info *host(struct kunit *test)
{
	struct numaclaims_host_info *hi;

	hi = kunit_kzalloc(test, sizeof(*hi), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hi);
	nc_host_info(hi);
	return hi;
}

static u64 avail_on(struct kunit *test, int node)
{
	return host(test)->nodes[node].avail_pages;
}

/* @dom's figures as DOMAIN_INFO reads them (freed when the case ends). */
static struct numaclaims_domain_info *info(struct kunit *test,
					   struct nc_domain_obj *dom)
{
	struct numaclaims_domain_info *i;

	i = kunit_kzalloc(test, sizeof(*i), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, i);
	KUNIT_ASSERT_EQ(test, nc_domain_info(dom, i), 0);
	return i;
}

/* Superpages per node for the superpage suite (2 MiB each). */
#define SP_MB	8
#define SP_NR	(SP_MB / 2)

static int pool_suite_init(struct kunit_suite *suite)
{
	find_nodes();
	pool_baseline = kzalloc(sizeof(*pool_baseline), GFP_KERNEL);
	if (!pool_baseline)
		return -ENOMEM;
	const struct nc_core_config cfg = {
		.pool_mb = POOL_MB,
		.max_percent = 80,
	};

	return nc_core_init(&cfg);
}

static void pool_suite_exit(struct kunit_suite *suite)
{
	nc_core_exit();
	kfree(pool_baseline);
}

static int pool_init(struct kunit *test)
{
	snapshot(pool_baseline);
	return 0;
}

/* After every case: invariants, and every counter back to its baseline. */
static void pool_exit(struct kunit *test)
{
	struct numaclaims_host_info *now;
	const char *why = NULL;
	int ret;

	nc_domain_destroy_all();
	ret = nc_heap_check(&why);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s", why ? why : "");
	now = kunit_kzalloc(test, sizeof(*now), GFP_KERNEL);
	if (!now)
		return;
	snapshot(now);
	KUNIT_EXPECT_EQ(test, memcmp(now, pool_baseline, sizeof(*now)), 0);
}

/* Install a claim set, as CLAIM_MEMORY SET does. */
static int install(struct nc_domain_obj *dom, const struct numaclaims_claim *set,
		   u32 nr)
{
	return nc_domain_claim_set(dom, set, nr);
}

static bool nc_page_zero_for_test(struct page *page)
{
	void *p = kmap_local_page(page);
	bool zero = !memchr_inv(p, 0, PAGE_SIZE);

	kunmap_local(p);
	return zero;
}

static struct nc_domain_obj *new_domain(struct kunit *test, u64 max_pages)
{
	struct nc_domain_obj *dom;

	KUNIT_ASSERT_EQ(test, nc_domain_create(max_pages, 0, &dom), 0);
	return dom;
}

/* Populate @nr extents of @order at consecutive gfns from @gfn0. */
static int populate(struct nc_domain_obj *dom, u64 gfn0, u64 nr,
		    unsigned int order, u32 memflags, u64 *nr_done)
{
	u64 *gfns = kvcalloc(nr ? nr : 1, sizeof(u64), GFP_KERNEL);
	struct nc_gfn_list list = { .kernel = gfns };
	u64 i;
	int ret;

	if (!gfns)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		gfns[i] = gfn0 + (i << order);
	ret = nc_domain_lock(dom);
	if (!ret) {
		ret = nc_populate(dom, &list, nr, order, memflags, nr_done);
		nc_domain_unlock(dom);
	}
	kvfree(gfns);
	return ret;
}

static void destroy(struct nc_domain_obj *dom)
{
	nc_domain_destroy(dom);
	nc_domain_put(dom);
}

/* Every pool page was taken from the node it serves. */
static void pool_pages_on_their_node(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u64 reserved = host(test)->nodes[node].reserved_pages;
	u32 f, wrong = 0;

	KUNIT_ASSERT_TRUE(test, host(test)->nodes[node].has_pool);
	KUNIT_EXPECT_EQ(test, reserved, (u64)POOL_PAGES);
	for (f = 0; f < reserved; f++)
		wrong += page_to_nid(nc_frame_page(node, f)) != node;
	KUNIT_EXPECT_EQ(test, wrong, 0U);
}

/* Populate with EXACT_NODE places every page on the node, with claims. */
static void pool_populate_exact_node(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	/* max_pages above the pool, so the pool runs out first */
	struct nc_domain_obj *dom = new_domain(test, 2 * POOL_PAGES);
	struct numaclaims_claim c = { .pages = 1024, .target = node };
	u64 done, gfn, wrong = 0;

	KUNIT_EXPECT_EQ(test, install(dom, &c, 1), 0);
	KUNIT_EXPECT_EQ(test, populate(dom, 0, 2, 9,
				       NUMACLAIMS_MEMF_NODE(node) |
				       NUMACLAIMS_MEMF_EXACT_NODE, &done), 0);
	KUNIT_EXPECT_EQ(test, done, 2ULL);
	for (gfn = 0; gfn < 1024; gfn++)
		wrong += page_to_nid(nc_physmap_page(dom, gfn)) != node;
	KUNIT_EXPECT_EQ(test, wrong, 0ULL);
	KUNIT_EXPECT_EQ(test, info(test, dom)->node_pages[node], 1024ULL);
	KUNIT_EXPECT_EQ(test, info(test, dom)->claims[node], 0ULL);
	/* More than the node has, exactly there: ENOMEM, nr_done says where. */
	KUNIT_EXPECT_EQ(test, populate(dom, 1024, 4, 9,
				       NUMACLAIMS_MEMF_NODE(node) |
				       NUMACLAIMS_MEMF_EXACT_NODE, &done),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, done, (u64)(POOL_PAGES - 1024) / 512);
	/* Populated gfns cannot be populated again. */
	KUNIT_EXPECT_EQ(test, populate(dom, 0, 1, 0, 0, &done), -EEXIST);
	destroy(dom);
}

/* Without a node, allocations go round robin over the affinity. */
static void pool_round_robin(struct kunit *test)
{
	struct nc_domain_obj *dom;
	u64 done;
	int i;

	require_nodes(test, 2);
	dom = new_domain(test, POOL_PAGES);
	KUNIT_ASSERT_EQ(test, populate(dom, 0, 2 * nr_nodes_found, 0, 0, &done),
			0);
	for (i = 0; i < nr_nodes_found; i++)
		KUNIT_EXPECT_EQ(test, info(test, dom)->node_pages[nodes_found[i]], 2ULL);
	destroy(dom);
}

/* A node claim on one node is redeemed by the fallback to another. */
static void pool_redeem_other_node(struct kunit *test)
{
	struct numaclaims_claim set[2];
	struct nc_domain_obj *dom;
	int n0, n1;
	u64 done;

	require_nodes(test, 2);
	n0 = nodes_found[0];
	n1 = other_node(n0);
	dom = new_domain(test, 1024);
	set[0] = (struct numaclaims_claim){ 512, n0, 0 };
	set[1] = (struct numaclaims_claim){ 512, n1, 0 };
	KUNIT_ASSERT_EQ(test, install(dom, set, 2), 0);
	KUNIT_ASSERT_EQ(test, populate(dom, 0, 1, 9,
				       NUMACLAIMS_MEMF_NODE(n1), &done), 0);
	KUNIT_EXPECT_EQ(test, info(test, dom)->claims[n1], 0ULL);
	KUNIT_EXPECT_EQ(test, info(test, dom)->claims[n0], 512ULL);
	KUNIT_ASSERT_EQ(test, populate(dom, 512, 1, 9,
				       NUMACLAIMS_MEMF_NODE(n1), &done), 0);
	/* placed on n1 (unclaimed memory there), redeemed from n0 */
	KUNIT_EXPECT_EQ(test, info(test, dom)->node_pages[n1], 1024ULL);
	KUNIT_EXPECT_EQ(test, info(test, dom)->outstanding_pages, 0ULL);
	/* max_pages reached */
	KUNIT_EXPECT_EQ(test, populate(dom, 1024, 1, 0, 0, &done), -E2BIG);
	KUNIT_EXPECT_EQ(test, done, 0ULL);
	destroy(dom);
}

/* Offlining recalls claims of the newest domain first. */
static void pool_offline_recall(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	struct nc_domain_obj *old = new_domain(test, POOL_PAGES);
	struct nc_domain_obj *new = new_domain(test, POOL_PAGES);
	struct numaclaims_claim c = { .pages = POOL_PAGES / 2, .target = node };
	u64 avail, avail_off, old_claim, new_claim;
	int off, on;

	KUNIT_EXPECT_EQ(test, install(old, &c, 1), 0);
	KUNIT_EXPECT_EQ(test, install(new, &c, 1), 0);
	avail = avail_on(test, node);
	off = nc_host_offline(node, 10);
	new_claim = info(test, new)->claims[node];
	old_claim = info(test, old)->claims[node];
	avail_off = avail_on(test, node);
	on = nc_host_online(node, 10);
	KUNIT_EXPECT_EQ(test, off, 0);
	KUNIT_EXPECT_EQ(test, new_claim, (u64)POOL_PAGES / 2 - 10);
	KUNIT_EXPECT_EQ(test, old_claim, (u64)POOL_PAGES / 2);
	KUNIT_EXPECT_EQ(test, avail_off, avail - 10);
	KUNIT_EXPECT_EQ(test, on, 0);
	destroy(old);
	destroy(new);
}

/* A domain never sees what another domain left in its pages. */
static void pool_scrubbing(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	struct nc_domain_obj *a = new_domain(test, POOL_PAGES);
	struct nc_domain_obj *b;
	u64 done, gfn, dirty = 0;
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;

	KUNIT_ASSERT_EQ(test, populate(a, 0, POOL_PAGES / 512, 9, exact, &done),
			0);
	for (gfn = 0; gfn < POOL_PAGES; gfn++)
		memset_page(nc_physmap_page(a, gfn), 0, 0xa5, PAGE_SIZE);
	destroy(a);
	b = new_domain(test, POOL_PAGES);
	KUNIT_ASSERT_EQ(test, populate(b, 0, POOL_PAGES, 0, exact, &done), 0);
	for (gfn = 0; gfn < POOL_PAGES; gfn++) {
		void *p = kmap_local_page(nc_physmap_page(b, gfn));

		dirty += memchr_inv(p, 0, PAGE_SIZE) != NULL;
		kunmap_local(p);
	}
	KUNIT_EXPECT_EQ(test, dirty, 0ULL);
	destroy(b);
}

/* Decrease @nr extents of @order at consecutive gfns from @gfn0. */
static int decrease(struct nc_domain_obj *dom, u64 gfn0, u64 nr,
		    unsigned int order)
{
	u64 gfns[8], i, done;
	struct nc_gfn_list list = { .kernel = gfns };
	int ret;

	if (nr > ARRAY_SIZE(gfns))
		return -E2BIG;
	for (i = 0; i < nr; i++)
		gfns[i] = gfn0 + (i << order);
	ret = nc_domain_lock(dom);
	if (!ret) {
		ret = nc_decrease(dom, &list, nr, order, &done);
		nc_domain_unlock(dom);
	}
	return ret;
}

static u64 held_on(struct kunit *test, int node)
{
	return host(test)->held_pages[node];
}

/*
 * Fill every available page of @node into a new domain: none may be
 * @page (a held page is never handed out).  Returns how many were @page.
 */
static u64 handed_out(struct kunit *test, int node, struct page *page)
{
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	u64 avail = avail_on(test, node), done, gfn, seen = 0;
	struct nc_domain_obj *b = new_domain(test, avail);

	KUNIT_EXPECT_EQ(test, populate(b, 0, avail, 0, exact, &done), 0);
	KUNIT_EXPECT_EQ(test, done, avail);
	for (gfn = 0; gfn < done; gfn++)
		seen += nc_physmap_page(b, gfn) == page;
	destroy(b);
	return seen;
}

/*
 * A page someone holds (here a plain reference, as get_user_pages() takes)
 * when its domain decreases it: it leaves the domain, is not free, is never
 * handed out, and returns to the pool, scrubbed, once released.
 */
static void pool_held_page_waits_for_release(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	struct nc_domain_obj *a = new_domain(test, 64);
	u64 done, avail;
	struct page *page;
	void *p;

	KUNIT_ASSERT_EQ(test, populate(a, 0, 4, 0, exact, &done), 0);
	page = nc_physmap_page(a, 1);
	get_page(page);
	memset_page(page, 0, 0x5a, PAGE_SIZE);
	avail = avail_on(test, node);
	KUNIT_ASSERT_EQ(test, decrease(a, 1, 1, 0), 0);
	KUNIT_EXPECT_EQ(test, held_on(test, node), 1ULL);
	KUNIT_EXPECT_EQ(test, avail_on(test, node), avail);
	KUNIT_EXPECT_EQ(test, info(test, a)->tot_pages, 3ULL);
	KUNIT_EXPECT_NULL(test, nc_physmap_page(a, 1));
	/* The reaper leaves it alone while it is held ... */
	KUNIT_EXPECT_EQ(test, nc_reap_held(), 1ULL);
	KUNIT_EXPECT_EQ(test, handed_out(test, node, page), 0ULL);
	/* ... the holder's data is intact ... */
	p = kmap_local_page(page);
	KUNIT_EXPECT_EQ(test, *(u8 *)p, 0x5a);
	kunmap_local(p);
	/* ... and once released it is back, zeroed. */
	put_page(page);
	KUNIT_EXPECT_EQ(test, nc_reap_held(), 0ULL);
	KUNIT_EXPECT_EQ(test, held_on(test, node), 0ULL);
	KUNIT_EXPECT_EQ(test, avail_on(test, node), avail + 1);
	p = kmap_local_page(page);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, PAGE_SIZE));
	kunmap_local(p);
	destroy(a);
}

/*
 * The reaper visits held frames only: a pass over 150 held pages (more
 * than one batch of the walk) looks at 150 frames, not at the pool's
 * POOL_PAGES; frames released during the walk's batches are unlinked
 * without losing the rest; the next pass visits what is still held.  The
 * background pass the decreases kick may run meanwhile: each pass, theirs
 * or ours, visits every held frame once.
 */
#define REAP_HELD	150

static bool page_is_zero(struct page *page)
{
	void *p = kmap_local_page(page);
	bool zero = !memchr_inv(p, 0, PAGE_SIZE);

	kunmap_local(p);
	return zero;
}

static void pool_reaper_visits_held_frames_only(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	struct nc_domain_obj *a = new_domain(test, 2 * REAP_HELD);
	struct page **pages = kunit_kcalloc(test, REAP_HELD, sizeof(*pages),
					    GFP_KERNEL);
	struct nc_reap_stats s0, s1;
	u64 done, avail, gfn, nonzero = 0;
	const char *why = NULL;

	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_EQ(test, populate(a, 0, REAP_HELD + 10, 0, exact, &done),
			0);
	avail = avail_on(test, node);
	for (gfn = 0; gfn < REAP_HELD; gfn++) {
		pages[gfn] = nc_physmap_page(a, gfn);
		get_page(pages[gfn]);
		memset_page(pages[gfn], 0, 0x77, PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, decrease(a, gfn, 1, 0), 0);
	}
	KUNIT_EXPECT_EQ(test, held_on(test, node), (u64)REAP_HELD);

	nc_reap_stats_get(&s0);
	KUNIT_EXPECT_EQ(test, nc_reap_held(), (u64)REAP_HELD);
	KUNIT_EXPECT_EQ(test, nc_reap_held(), (u64)REAP_HELD);
	nc_reap_stats_get(&s1);
	KUNIT_EXPECT_GE(test, s1.passes - s0.passes, 2ULL);
	KUNIT_EXPECT_EQ(test, s1.last_visited, (u64)REAP_HELD);
	KUNIT_EXPECT_EQ(test, s1.visited - s0.visited,
			(s1.passes - s0.passes) * REAP_HELD);
	KUNIT_EXPECT_EQ(test, s1.reaped, s0.reaped);
	KUNIT_EXPECT_EQ(test, nc_heap_check(&why), 0);

	/* Half let go: reaped, scrubbed; the other half still listed. */
	for (gfn = 0; gfn < REAP_HELD; gfn += 2)
		put_page(pages[gfn]);
	KUNIT_EXPECT_EQ(test, nc_reap_held(), (u64)REAP_HELD / 2);
	KUNIT_EXPECT_EQ(test, held_on(test, node), (u64)REAP_HELD / 2);
	KUNIT_EXPECT_EQ(test, avail_on(test, node), avail + REAP_HELD / 2);
	for (gfn = 0; gfn < REAP_HELD; gfn += 2)
		nonzero += !page_is_zero(pages[gfn]);
	KUNIT_EXPECT_EQ(test, nonzero, 0ULL);
	KUNIT_EXPECT_EQ(test, nc_heap_check(&why), 0);
	nc_reap_stats_get(&s0);
	KUNIT_EXPECT_EQ(test, nc_reap_held(), (u64)REAP_HELD / 2);
	nc_reap_stats_get(&s1);
	KUNIT_EXPECT_EQ(test, s1.last_visited, (u64)REAP_HELD / 2);
	KUNIT_EXPECT_EQ(test, s1.visited - s0.visited,
			(s1.passes - s0.passes) * (REAP_HELD / 2));

	/* The holder's data is intact until it lets go. */
	KUNIT_EXPECT_FALSE(test, page_is_zero(pages[1]));
	for (gfn = 1; gfn < REAP_HELD; gfn += 2)
		put_page(pages[gfn]);
	KUNIT_EXPECT_EQ(test, nc_reap_held(), 0ULL);
	KUNIT_EXPECT_EQ(test, held_on(test, node), 0ULL);
	KUNIT_EXPECT_EQ(test, avail_on(test, node), avail + REAP_HELD);
	nc_reap_stats_get(&s0);
	KUNIT_EXPECT_EQ(test, nc_reap_held(), 0ULL);
	nc_reap_stats_get(&s1);
	KUNIT_EXPECT_EQ(test, s1.last_visited, 0ULL);
	destroy(a);
}

/* Write @gfn into the first word of the page at @gfn, or check it is there. */
static u64 gfn_marks(struct nc_domain_obj *dom, u64 gfn0, u64 n, bool write)
{
	u64 gfn, bad = 0;

	for (gfn = gfn0; gfn < gfn0 + n; gfn++) {
		struct page *page = nc_physmap_page(dom, gfn);
		u64 *p;

		if (!page) {
			bad++;
			continue;
		}
		p = kmap_local_page(page);
		if (write)
			*p = gfn;
		else
			bad += *p != gfn;
		kunmap_local(p);
	}
	return bad;
}

/*
 * Entries left of an order-@from entry once the order-@to part of it is
 * decreased: each split step lowers the order by at most XA_CHUNK_SHIFT
 * (see nc_physmap_split()) and leaves all its pieces but the one split on.
 */
static u64 split_left(unsigned int from, unsigned int to)
{
	u64 left = 0;

	while (from > to) {
		unsigned int next = max_t(int, to, (int)from - XA_CHUNK_SHIFT);

		left += (1ULL << (from - next)) - 1;
		from = next;
	}
	return left;
}

/*
 * One physmap entry per extent (multi-index, CONFIG_XARRAY_MULTI): a
 * decrease of part of an extent splits its entry, every other gfn keeps
 * its page, a hole refuses a decrease that covers it and changes nothing,
 * and a held page inside an extent waits alone while the rest of the
 * extent goes back.
 */
static void pool_physmap_extents(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	struct nc_domain_obj *a = new_domain(test, 2048);
	bool multi = IS_ENABLED(CONFIG_XARRAY_MULTI);
	u64 done, avail = avail_on(test, node);
	u64 e1 = split_left(9, 0) + 3, e2 = e1 - 1 + split_left(9, 3);
	struct page *page;

	KUNIT_ASSERT_EQ(test, populate(a, 0, 4, 9, exact, &done), 0);
	KUNIT_EXPECT_EQ(test, nc_physmap_entries(a), multi ? 4ULL : 2048ULL);
	KUNIT_EXPECT_EQ(test, gfn_marks(a, 0, 2048, true), 0ULL);

	/* One page out of extent 0: its entry is split. */
	KUNIT_ASSERT_EQ(test, decrease(a, 5, 1, 0), 0);
	KUNIT_EXPECT_NULL(test, nc_physmap_page(a, 5));
	KUNIT_EXPECT_EQ(test, nc_physmap_entries(a), multi ? e1 : 2047ULL);
	/* An order-3 extent out of extent 1. */
	KUNIT_ASSERT_EQ(test, decrease(a, 512 + 8, 1, 3), 0);
	KUNIT_EXPECT_EQ(test, nc_physmap_entries(a), multi ? e2 : 2039ULL);
	KUNIT_EXPECT_EQ(test, info(test, a)->tot_pages, 2048ULL - 9);
	KUNIT_EXPECT_EQ(test, avail_on(test, node), avail - 2048 + 9);

	/* Holes: refused whole, nothing changes. */
	KUNIT_EXPECT_EQ(test, decrease(a, 5, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, decrease(a, 0, 1, 9), -EINVAL);
	KUNIT_EXPECT_EQ(test, decrease(a, 512, 1, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, info(test, a)->tot_pages, 2048ULL - 9);
	KUNIT_EXPECT_EQ(test, nc_physmap_entries(a), multi ? e2 : 2039ULL);

	/* Every other gfn still has its own page. */
	KUNIT_EXPECT_EQ(test, gfn_marks(a, 0, 5, false), 0ULL);
	KUNIT_EXPECT_EQ(test, gfn_marks(a, 6, 512 + 8 - 6, false), 0ULL);
	KUNIT_EXPECT_EQ(test, gfn_marks(a, 512 + 16, 2048 - 512 - 16, false),
			0ULL);

	/* A whole extent with one page held: the other 511 go back. */
	page = nc_physmap_page(a, 1024 + 7);
	get_page(page);
	KUNIT_ASSERT_EQ(test, decrease(a, 1024, 1, 9), 0);
	KUNIT_EXPECT_EQ(test, held_on(test, node), 1ULL);
	KUNIT_EXPECT_EQ(test, nc_physmap_entries(a), multi ? e2 - 1 : 1527ULL);
	KUNIT_EXPECT_EQ(test, avail_on(test, node),
			avail - 2048 + 9 + 511);
	put_page(page);
	KUNIT_EXPECT_EQ(test, nc_reap_held(), 0ULL);
	KUNIT_EXPECT_EQ(test, held_on(test, node), 0ULL);
	KUNIT_EXPECT_EQ(test, gfn_marks(a, 1536, 512, false), 0ULL);
	destroy(a);
	KUNIT_EXPECT_EQ(test, avail_on(test, node), avail);
}

/* Destroy with a page still held: the same rules, past the domain's end. */
static void pool_held_page_outlives_destroy(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	struct nc_domain_obj *a = new_domain(test, 1024);
	struct page *page;
	u64 done;

	KUNIT_ASSERT_EQ(test, populate(a, 0, 1, 9, exact, &done), 0);
	page = nc_physmap_page(a, 100);
	get_page(page);
	destroy(a);
	KUNIT_EXPECT_EQ(test, held_on(test, node), 1ULL);
	KUNIT_EXPECT_EQ(test, handed_out(test, node, page), 0ULL);
	put_page(page);
	KUNIT_EXPECT_EQ(test, nc_reap_held(), 0ULL);
	KUNIT_EXPECT_EQ(test, held_on(test, node), 0ULL);
}

/*
 * A domain file holds a reference to its domain; after destroy it stays
 * valid, no new file can be made, and the last fput() drops the reference.
 */
static void pool_domain_file_lifetime(struct kunit *test)
{
	struct nc_domain_obj *a = new_domain(test, 64);
	unsigned int refs = kref_read(&a->ref);
	struct file *f;

	f = nc_domain_file(a);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_EQ(test, kref_read(&a->ref), refs + 1);
	KUNIT_EXPECT_PTR_EQ(test, f->f_mapping, a->inode->i_mapping);
	KUNIT_EXPECT_EQ(test, nc_domain_destroy(a), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(nc_domain_file(a)), (long)-ESRCH);
	KUNIT_EXPECT_EQ(test, vfs_llseek(f, 0, SEEK_END),
			(loff_t)64 << PAGE_SHIFT);
	/* The xarray's reference went with destroy; the file keeps one. */
	KUNIT_EXPECT_EQ(test, kref_read(&a->ref), refs);
	fput(f);
	/* fput() of a kthread's file is delayed: wait for it. */
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, kref_read(&a->ref), refs - 1);
	nc_domain_put(a);
}

/*
 * Concurrency: one builder kthread per node, bound to a CPU of its node,
 * claiming and populating its node in a loop, while a checker verifies the
 * invariants under the heap lock.
 */
struct race_ctx {
	int node;
	int errors;
	int rounds;
	struct completion done;
};

static atomic_t race_violations;

static int race_builder(void *arg)
{
	struct race_ctx *rc = arg;
	u32 exact = NUMACLAIMS_MEMF_NODE(rc->node) | NUMACLAIMS_MEMF_EXACT_NODE;
	int i;

	for (i = 0; i < rc->rounds; i++) {
		struct numaclaims_claim c = { .pages = POOL_PAGES / 4,
					      .target = rc->node };
		struct nc_domain_obj *dom;
		u64 gfns[4], done;
		struct nc_gfn_list list = { .kernel = gfns };
		int j, ret;

		if (nc_domain_create(POOL_PAGES / 4, 0, &dom)) {
			rc->errors++;
			continue;
		}
		ret = install(dom, &c, 1);
		rc->errors += ret != 0;
		for (j = 0; j < 4; j++)
			gfns[j] = (u64)j * (POOL_PAGES / 16);
		if (!nc_domain_lock(dom)) {
			/* claimed, so it must succeed despite the other builders */
			ret = nc_populate(dom, &list, 4, 7, exact, &done);
			rc->errors += ret != 0 || done != 4;
			ret = nc_decrease(dom, &list, 2, 7, &done);
			rc->errors += ret != 0;
			nc_domain_unlock(dom);
		}
		nc_domain_destroy(dom);
		nc_domain_put(dom);
	}
	complete(&rc->done);
	return 0;
}

static int race_checker(void *arg)
{
	while (!kthread_should_stop()) {
		const char *why;

		if (nc_heap_check(&why))
			atomic_inc(&race_violations);
		usleep_range(100, 200);
	}
	return 0;
}

static void pool_concurrent_builders(struct kunit *test)
{
	struct race_ctx *rc;
	struct task_struct *checker;
	int i, started;

	require_nodes(test, 2);
	rc = kunit_kcalloc(test, nr_nodes_found, sizeof(*rc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rc);
	atomic_set(&race_violations, 0);
	checker = kthread_run(race_checker, NULL, "nc_checker");
	KUNIT_ASSERT_FALSE(test, IS_ERR(checker));
	/*
	 * No assertion until the checker is stopped: a failed ASSERT ends
	 * the case at once and would leave it running.
	 */
	for (started = 0; started < nr_nodes_found; started++) {
		int node = nodes_found[started];
		struct task_struct *t;
		int cpu = cpumask_first_and(cpumask_of_node(node),
					    cpu_online_mask);

		rc[started].node = node;
		rc[started].rounds = 20;
		init_completion(&rc[started].done);
		t = kthread_create_on_node(race_builder, &rc[started], node,
					   "nc_builder/%d", node);
		if (IS_ERR(t))
			break;
		if (cpu < nr_cpu_ids)
			kthread_bind(t, cpu);
		wake_up_process(t);
	}
	for (i = 0; i < started; i++)
		wait_for_completion(&rc[i].done);
	kthread_stop(checker);
	KUNIT_EXPECT_EQ(test, started, nr_nodes_found);
	for (i = 0; i < started; i++)
		KUNIT_EXPECT_EQ_MSG(test, rc[i].errors, 0, "builder on node %d",
				    rc[i].node);
	KUNIT_EXPECT_EQ(test, atomic_read(&race_violations), 0);
}


/*
 * Offline and online a whole node's pool while another thread keeps taking
 * the heap lock: every hold of the bulk path handles at most NC_LOCK_BATCH
 * frames, and the reader sees the invariants hold between batches (frames
 * committed offline but still on the free lists).
 */
struct lock_reader {
	atomic_t rounds;
	atomic_t violations;
};

static int lock_reader_fn(void *arg)
{
	struct lock_reader *r = arg;

	while (!kthread_should_stop()) {
		const char *why;
		int bad;

		bad = nc_heap_check(&why);
		if (bad)
			atomic_inc(&r->violations);
		atomic_inc(&r->rounds);
		cond_resched();
	}
	return 0;
}

static void pool_offline_whole_pool_bounded(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	struct lock_reader *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct task_struct *t;
	struct nc_hold_stats st;
	u64 avail, offlined;
	int off, on;

	KUNIT_ASSERT_NOT_NULL(test, r);
	nc_hold_stats_reset();
	avail = avail_on(test, node);
	t = kthread_run(lock_reader_fn, r, "nc_lock_reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	off = nc_host_offline(node, avail);
	offlined = host(test)->nodes[node].offlined_pages;
	on = nc_host_online(node, offlined);
	kthread_stop(t);
	nc_hold_stats_get(&st);
	KUNIT_EXPECT_EQ(test, off, 0);
	KUNIT_EXPECT_EQ(test, offlined, avail);
	KUNIT_EXPECT_EQ(test, on, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->violations), 0);
	KUNIT_EXPECT_GT(test, st.max_work, 0ULL);
	KUNIT_EXPECT_LE(test, st.max_work, (u64)NC_LOCK_BATCH);
	kunit_info(test, "%llu pages off and on: at most %llu frames (%s) and %llu ns (%s) per hold; the reader took the lock %d times\n",
		   avail, st.max_work, st.max_work_site ?: "-", st.max_ns,
		   st.max_ns_site ?: "-", atomic_read(&r->rounds));
}

/*
 * Resize a node's pool while a domain holds claims and pages and another
 * thread keeps checking the invariants: the shrink takes only free
 * unclaimed pages (the rest is EBUSY), every hold handles at most
 * NC_LOCK_BATCH frames, and the pool grows back to its size, every page on
 * its node.
 */
static void pool_resize_bounded(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	struct lock_reader *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct nc_domain_obj *dom = new_domain(test, POOL_PAGES);
	struct numaclaims_claim c = { .pages = POOL_PAGES / 4, .target = node };
	u64 done = 0, unclaimed, reserved, f, wrong = 0;
	int busy, shrunk, more, grown;
	struct task_struct *t;
	struct nc_hold_stats st;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, install(dom, &c, 1), 0);
	KUNIT_ASSERT_EQ(test, populate(dom, 0, 64, 0,
				       NUMACLAIMS_MEMF_NODE(node) |
				       NUMACLAIMS_MEMF_EXACT_NODE, &done), 0);
	nc_hold_stats_reset();
	unclaimed = avail_on(test, node) - host(test)->nodes[node].outstanding_claims;
	t = kthread_run(lock_reader_fn, r, "nc_lock_reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	busy = nc_pool_resize(node, POOL_PAGES - unclaimed - 1);
	shrunk = nc_pool_resize(node, POOL_PAGES - unclaimed);
	reserved = host(test)->nodes[node].reserved_pages;
	more = populate(dom, 64, 1, 0, NUMACLAIMS_MEMF_NODE(node) |
			NUMACLAIMS_MEMF_EXACT_NODE, &done);
	grown = nc_pool_resize(node, POOL_PAGES);
	kthread_stop(t);
	nc_hold_stats_get(&st);
	KUNIT_EXPECT_EQ(test, busy, -EBUSY);
	KUNIT_EXPECT_EQ(test, shrunk, 0);
	KUNIT_EXPECT_EQ(test, reserved, (u64)POOL_PAGES - unclaimed);
	/* The claim is still met from what is left. */
	KUNIT_EXPECT_EQ(test, more, 0);
	KUNIT_EXPECT_EQ(test, grown, 0);
	KUNIT_EXPECT_EQ(test, nc_pool_resize(node, POOL_PAGES + 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->violations), 0);
	KUNIT_EXPECT_LE(test, st.max_work, (u64)NC_LOCK_BATCH);
	reserved = host(test)->nodes[node].reserved_pages;
	KUNIT_EXPECT_EQ(test, reserved, (u64)POOL_PAGES);
	for (f = 0; f < host(test)->nodes[node].reserved_pages; f++) {
		struct page *p = nc_frame_page(node, f);

		wrong += p && page_to_nid(p) != node;
	}
	KUNIT_EXPECT_EQ(test, wrong, 0ULL);
	destroy(dom);
	kunit_info(test, "%llu pages shrunk and grown back: at most %llu frames (%s) per hold\n",
		   unclaimed, st.max_work, st.max_work_site ?: "-");
}

/*
 * A destroy that waits for a populate in progress is noticed at the next
 * extent: the populate stops with -EINTR (nr_done says how far) and the
 * destroy goes ahead.
 */
struct pop_ctx {
	struct nc_domain_obj *dom;
	struct completion locked, done;
	u64 nr, nr_done;
	int ret;
};

static int pop_thread(void *arg)
{
	struct pop_ctx *pc = arg;
	u64 *gfns = kvcalloc(pc->nr, sizeof(u64), GFP_KERNEL);
	struct nc_gfn_list list = { .kernel = gfns };
	u64 i;

	pc->ret = -ENOMEM;
	if (gfns && !nc_domain_lock(pc->dom)) {
		for (i = 0; i < pc->nr; i++)
			gfns[i] = i;
		complete(&pc->locked);
		pc->ret = nc_populate(pc->dom, &list, pc->nr, 0, 0,
				      &pc->nr_done);
		nc_domain_unlock(pc->dom);
	} else {
		complete(&pc->locked);
	}
	kvfree(gfns);
	complete(&pc->done);
	return 0;
}

static void pool_destroy_stops_populate(struct kunit *test)
{
	struct pop_ctx *pc = kunit_kzalloc(test, sizeof(*pc), GFP_KERNEL);
	struct task_struct *t;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	pc->nr = (u64)POOL_PAGES * nr_nodes_found;
	pc->dom = new_domain(test, pc->nr);
	init_completion(&pc->locked);
	init_completion(&pc->done);
	t = kthread_run(pop_thread, pc, "nc_populate");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&pc->locked);
	ret = nc_domain_destroy(pc->dom);
	wait_for_completion(&pc->done);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, pc->ret, -EINTR);
	KUNIT_EXPECT_LT(test, pc->nr_done, pc->nr);
	KUNIT_EXPECT_TRUE(test, pc->dom->dying);
	nc_domain_put(pc->dom);
}

/*
 * A new domain of the whole pool of @node, populated at order 0 under debug
 * verify: every page must read zero and verify must find nothing.
 */
static void expect_next_domain_zero(struct kunit *test, int node)
{
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	u64 failures = nc_verify_failures(), done = 0, gfn, dirty = 0;
	unsigned int saved = nc_core_set_debug(0);
	struct nc_domain_obj *b;

	nc_core_set_debug(saved | NC_DEBUG_VERIFY_ZERO);
	b = new_domain(test, POOL_PAGES);
	if (populate(b, 0, POOL_PAGES, 0, exact, &done) == 0)
		for (gfn = 0; gfn < POOL_PAGES; gfn++)
			dirty += !nc_page_zero_for_test(nc_physmap_page(b, gfn));
	destroy(b);
	nc_core_set_debug(saved);
	KUNIT_EXPECT_EQ(test, done, (u64)POOL_PAGES);
	KUNIT_EXPECT_EQ(test, dirty, 0ULL);
	KUNIT_EXPECT_EQ(test, nc_verify_failures(), failures);
}

/*
 * debug=2: every page handed to a domain is checked to be zero.  Pages a
 * domain wrote come back dirty and are cleared at the next populate; pages
 * no domain had are not cleared again (the pool starts zeroed).
 */
static void pool_verify_zero(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	struct nc_domain_obj *a;
	u64 done, gfn;

	a = new_domain(test, POOL_PAGES);
	if (populate(a, 0, POOL_PAGES / 512, 9, exact, &done) == 0)
		for (gfn = 0; gfn < POOL_PAGES; gfn += 3)
			memset_page(nc_physmap_page(a, gfn), gfn % PAGE_SIZE,
				    0x3c, 1);
	destroy(a);
	expect_next_domain_zero(test, node);
}

/*
 * Background scrubbing: what a domain wrote and freed is cleared by the
 * node's scrubber (scrub_pages back to 0), and the next domain gets it as
 * clean memory: populate clears nothing itself, and every page it hands
 * out reads zero (debug verify on).
 */
static void pool_background_scrubber(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	u64 done, gfn, left = 1, cleared;
	struct numaclaims_host_info *hi;
	struct nc_domain_obj *a;
	int i;

	a = new_domain(test, POOL_PAGES);
	KUNIT_ASSERT_EQ(test, populate(a, 0, POOL_PAGES / 512, 9, exact, &done),
			0);
	for (gfn = 0; gfn < POOL_PAGES; gfn++)
		memset_page(nc_physmap_page(a, gfn), 0, 0x69, PAGE_SIZE);
	destroy(a);
	hi = host(test);
	for (i = 0; i < 2000 && left; i++) {
		nc_host_info(hi);
		left = hi->scrub_pages[node];
		if (left)
			msleep(10);
	}
	KUNIT_ASSERT_EQ_MSG(test, left, 0ULL, "the scrubber of node %d left pages dirty", node);
	cleared = nc_scrub_populate_cleared(node);
	expect_next_domain_zero(test, node);
	KUNIT_EXPECT_EQ(test, nc_scrub_populate_cleared(node), cleared);
}

static struct kunit_case pool_cases[] = {
	KUNIT_CASE_PARAM(pool_background_scrubber, node_gen_params),
	KUNIT_CASE_PARAM(pool_pages_on_their_node, node_gen_params),
	KUNIT_CASE_PARAM(pool_populate_exact_node, node_gen_params),
	KUNIT_CASE(pool_round_robin),
	KUNIT_CASE(pool_redeem_other_node),
	KUNIT_CASE_PARAM(pool_offline_recall, node_gen_params),
	KUNIT_CASE_PARAM(pool_scrubbing, node_gen_params),
	KUNIT_CASE_PARAM(pool_held_page_waits_for_release, node_gen_params),
	KUNIT_CASE_PARAM(pool_held_page_outlives_destroy, node_gen_params),
	KUNIT_CASE_PARAM(pool_reaper_visits_held_frames_only, node_gen_params),
	KUNIT_CASE_PARAM(pool_physmap_extents, node_gen_params),
	KUNIT_CASE(pool_domain_file_lifetime),
	KUNIT_CASE(pool_concurrent_builders),
	KUNIT_CASE_PARAM(pool_offline_whole_pool_bounded, node_gen_params),
	KUNIT_CASE_PARAM(pool_resize_bounded, node_gen_params),
	KUNIT_CASE(pool_destroy_stops_populate),
	KUNIT_CASE_PARAM(pool_verify_zero, node_gen_params),
	{}
};

/* ---------------------------------------------------------------------------
 * numaclaims_superpage: the core with superpages (docs/MAPPING.md,
 * "Superpages"): what the pool holds, protection, the physmap's pages,
 * decrease whole only, held superpages.  Same baseline rule as above.
 */
static int sp_suite_init(struct kunit_suite *suite)
{
	const struct nc_core_config cfg = {
		.pool_mb = POOL_MB,
		.superpage_mb = SP_MB,
		.max_percent = 80,
	};

	find_nodes();
	pool_baseline = kzalloc(sizeof(*pool_baseline), GFP_KERNEL);
	if (!pool_baseline)
		return -ENOMEM;
	return nc_core_init(&cfg);
}

static u64 sp_free_on(struct kunit *test, int node)
{
	return host(test)->superpages[node].free_pages / CE_SP_PAGES;
}

/* Every superpage is a PMD-order compound folio on its node, unshared. */
static void sp_folios_on_their_node(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u32 i;

	KUNIT_ASSERT_EQ(test, host(test)->superpages[node].reserved_pages,
			(u64)SP_NR * CE_SP_PAGES);
	for (i = 0; i < SP_NR; i++) {
		struct page *head = nc_superpage(node, i);

		KUNIT_EXPECT_TRUE(test, PageHead(head));
		KUNIT_EXPECT_EQ(test, compound_order(head), CE_SP_ORDER);
		KUNIT_EXPECT_EQ(test, page_to_nid(head), node);
		KUNIT_EXPECT_EQ(test, page_ref_count(head), 1);
	}
}

/*
 * An order-9 populate redeeming a superpage claim gets a superpage: every
 * gfn of the extent is the folio's page at that offset; part of it cannot
 * be decreased; all of it can.
 */
static void sp_populate_and_decrease(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	struct numaclaims_claim set[] = {
		{ .pages = CE_SP_PAGES, .target = node,
		  .cmd = NUMACLAIMS_CLAIM_SUPERPAGES },
	};
	struct nc_domain_obj *a = new_domain(test, 4096);
	struct numaclaims_domain_info *di;
	struct page *p0, *p5;
	u64 done;

	KUNIT_ASSERT_EQ(test, install(a, set, 1), 0);
	KUNIT_ASSERT_EQ(test, populate(a, 1024, 1, 9, exact, &done), 0);
	di = info(test, a);
	KUNIT_EXPECT_EQ(test, di->superpage_pages[node], CE_SP_PAGES);
	KUNIT_EXPECT_EQ(test, di->superpage_claims[node], 0ULL);
	KUNIT_EXPECT_EQ(test, di->tot_pages, CE_SP_PAGES);
	p0 = nc_physmap_page(a, 1024);
	p5 = nc_physmap_page(a, 1029);
	KUNIT_ASSERT_NOT_NULL(test, p0);
	KUNIT_EXPECT_TRUE(test, PageHead(p0));
	KUNIT_EXPECT_PTR_EQ(test, p5, p0 + 5);
	KUNIT_EXPECT_PTR_EQ(test, compound_head(p5), p0);
	KUNIT_EXPECT_EQ(test, nc_physmap_entries(a), 1ULL);
	KUNIT_EXPECT_EQ(test, decrease(a, 1029, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, decrease(a, 1024 + 256, 1, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, info(test, a)->tot_pages, CE_SP_PAGES);
	KUNIT_EXPECT_EQ(test, decrease(a, 1024, 1, 9), 0);
	KUNIT_EXPECT_EQ(test, info(test, a)->tot_pages, 0ULL);
	KUNIT_EXPECT_EQ(test, sp_free_on(test, node), (u64)SP_NR);
	destroy(a);
}

/*
 * Protection: with every superpage of the node claimed, another domain's
 * order-9 populate gets 4 KiB pages (or ENOMEM asking for a superpage),
 * and the owner still gets all of them.
 */
static void sp_claims_protect(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	struct numaclaims_claim set[] = {
		{ .pages = SP_NR * CE_SP_PAGES, .target = node,
		  .cmd = NUMACLAIMS_CLAIM_SUPERPAGES },
	};
	struct nc_domain_obj *a = new_domain(test, 1 << 20);
	struct nc_domain_obj *b = new_domain(test, 1 << 20);
	u64 done;

	KUNIT_ASSERT_EQ(test, install(a, set, 1), 0);
	KUNIT_EXPECT_EQ(test, populate(b, 0, 1, 9,
				       exact | NUMACLAIMS_MEMF_SUPERPAGE,
				       &done), -ENOMEM);
	KUNIT_EXPECT_EQ(test, populate(b, 0, 2, 9, exact, &done), 0);
	KUNIT_EXPECT_EQ(test, info(test, b)->superpage_pages[node], 0ULL);
	KUNIT_EXPECT_EQ(test, sp_free_on(test, node), (u64)SP_NR);
	KUNIT_EXPECT_EQ(test, install(b, set, 1), -ENOMEM);
	KUNIT_EXPECT_EQ(test, populate(a, 0, SP_NR, 9, exact, &done), 0);
	KUNIT_EXPECT_EQ(test, info(test, a)->superpage_pages[node],
			(u64)SP_NR * CE_SP_PAGES);
	KUNIT_EXPECT_EQ(test, sp_free_on(test, node), 0ULL);
	destroy(b);
	destroy(a);
}

/*
 * A superpage with one page still referenced is held whole at destroy,
 * then reaped whole, zeroed, once the reference goes.
 */
static void sp_held_superpage(struct kunit *test)
{
	int node = *(const int *)test->param_value;
	u32 exact = NUMACLAIMS_MEMF_NODE(node) | NUMACLAIMS_MEMF_EXACT_NODE;
	struct nc_domain_obj *a = new_domain(test, 1 << 20);
	struct page *page, *head;
	u64 done, i, bad = 0;
	void *v;

	KUNIT_ASSERT_EQ(test, populate(a, 0, 1, 9,
				       exact | NUMACLAIMS_MEMF_SUPERPAGE,
				       &done), 0);
	page = nc_physmap_page(a, 300);
	head = compound_head(page);
	v = kmap_local_page(page);
	memset(v, 0x5a, PAGE_SIZE);
	kunmap_local(v);
	get_page(page);
	destroy(a);
	KUNIT_EXPECT_EQ(test, host(test)->superpages[node].held_pages,
			CE_SP_PAGES);
	KUNIT_EXPECT_EQ(test, sp_free_on(test, node), (u64)SP_NR - 1);
	KUNIT_EXPECT_EQ(test, host(test)->held_pages[node], 0ULL);
	put_page(page);
	KUNIT_EXPECT_EQ(test, nc_reap_held(), 0ULL);
	KUNIT_EXPECT_EQ(test, host(test)->superpages[node].held_pages, 0ULL);
	KUNIT_EXPECT_EQ(test, sp_free_on(test, node), (u64)SP_NR);
	for (i = 0; i < CE_SP_PAGES; i++)
		bad += !nc_page_zero_for_test(head + i);
	KUNIT_EXPECT_EQ(test, bad, 0ULL);
}

static struct kunit_case sp_cases[] = {
	KUNIT_CASE_PARAM(sp_folios_on_their_node, node_gen_params),
	KUNIT_CASE_PARAM(sp_populate_and_decrease, node_gen_params),
	KUNIT_CASE_PARAM(sp_claims_protect, node_gen_params),
	KUNIT_CASE_PARAM(sp_held_superpage, node_gen_params),
	{}
};

struct kunit_suite sp_suite = {
	.name = "numaclaims_superpage",
	.suite_init = sp_suite_init,
	.suite_exit = pool_suite_exit,
	.init = pool_init,
	.exit = pool_exit,
	.test_cases = sp_cases,
};

struct kunit_suite pool_suite = {
	.name = "numaclaims_pool",
	.suite_init = pool_suite_init,
	.suite_exit = pool_suite_exit,
	.init = pool_init,
	.exit = pool_exit,
	.test_cases = pool_cases,
};

