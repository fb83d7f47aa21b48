// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target on the numaclaims accounting engine (module/claims_engine.c,
 * compiled unchanged in userspace).
 *
 * The input is decoded into a heap (1-4 nodes with pools, node ids with
 * holes, chunks of mixed orders with gaps between them) and a sequence of
 * engine operations: create/remove domains, set max_pages and affinity,
 * install and read claim sets (valid and not, superpage entries too), legacy
 * claims, allocate extents (any order, node, flags, with or without a
 * domain) and superpages, free whole extents or single pages, free
 * superpages or hold and release them, offline and online.  Nodes may have
 * superpages (up to 4, a second pool beside the 4 KiB one).
 *
 * After every operation:
 *  - ce_check_invariants() must be 0;
 *  - a reference model written from docs/SPEC.md must agree on the errno, on the
 *    node an extent came from, and on every counter of the host, every node
 *    and every domain;
 *  - a conservation model that owns every frame (free, offlined, or in one
 *    extent) must agree: an allocation hands out only free frames of one
 *    chunk, aligned to its order; offline takes only free frames; every
 *    reserved frame is accounted for exactly once.
 * Any disagreement aborts, so libFuzzer keeps the input (stress/run_vm.sh
 * copies it to stress/fuzz/regressions/, replayed by every short run).
 *
 * Run: build/stress/fuzz_engine -max_total_time=30 CORPUS_DIR
 * Replay: build/stress/fuzz_engine FILE...   (or a directory with -runs=0)
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims_engine.h"

#define MAX_DOMS	8
#define MAX_POOL_NODES	4
#define MAX_FRAMES	8192
#define MAX_EXTENTS	4096
#define MAX_OPS		400
#define MAX_SP		5	/* superpage slots per node */
#define SP		CE_SP_PAGES

/* ------------------------------------------------------------------------
 * Input decoding: little-endian, zeros past the end.
 */
struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t get8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t get16(struct in *in)
{
	return get8(in) | (uint16_t)get8(in) << 8;
}

static uint64_t get64(struct in *in)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)get8(in) << (8 * i);
	return v;
}

/* ------------------------------------------------------------------------
 * The model.
 */
enum { F_GAP = 0, F_FREE, F_OFFLINE, F_USED };

struct mframe {
	uint8_t kind;
	uint8_t chunk_order;
	uint32_t chunk_start;
	int extent;		/* F_USED: extent index */
};

struct extent {
	int dom;		/* model domain slot, -1: no domain */
	u32 node, frame;	/* a superpage: frame is its index */
	unsigned int order;
	bool counted;
	bool sp;		/* a superpage (freed whole) */
	bool held;		/* a superpage freed while held, not released */
	u32 live;		/* pages not yet freed */
};

struct mnode {
	bool pool;
	u32 nr_frames;
	u64 reserved, avail, offlined, out;
	struct mframe *f;
	/* Superpages, counted in superpages; sp_used: per slot, in use. */
	u32 sp_nr;
	u64 sp_reserved, sp_avail, sp_out, sp_held;
	bool sp_used[MAX_SP];
};

struct mdom {
	bool live;
	u64 seq;
	u32 domid;
	u64 max, tot, uncounted, host, claims[CE_MAX_NODES], pages[CE_MAX_NODES];
	u64 sp_claims[CE_MAX_NODES], sp_pages[CE_MAX_NODES];	/* superpages */
	u64 affinity;
	u32 last;
	struct ce_domain *d;	/* the engine's */
};

static struct ce_heap heap;
static struct mnode mn[CE_MAX_NODES];
static struct mframe frames[MAX_POOL_NODES][MAX_FRAMES];
static struct mdom md[MAX_DOMS];
static struct extent ext[MAX_EXTENTS];
static int nr_ext;
static u32 nr_nodes;
static u64 pool_mask, total_avail, outstanding, seq;
static u32 next_domid;
static unsigned long long total_ops;
static const char *op_name;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_engine: after op %s: ", op_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* The engine's 32-bit superpage counts against the model's. */
static bool same_u32(const u32 *engine, const u64 *model)
{
	u32 n;

	for (n = 0; n < CE_MAX_NODES; n++)
		if (engine[n] != model[n])
			return false;
	return true;
}

static u64 sum_nodes(const u64 *per_node)
{
	u64 s = 0;
	u32 n;

	for (n = 0; n < CE_MAX_NODES; n++)
		s += per_node[n];
	return s;
}

static u64 dom_node_claims(const struct mdom *d)
{
	return sum_nodes(d->claims);
}

static u64 dom_out(const struct mdom *d)
{
	return d->host + dom_node_claims(d);
}

/* 4 KiB and superpage claims, in pages: within max_pages - tot_pages. */
static u64 dom_all_claims(const struct mdom *d)
{
	return dom_out(d) + sum_nodes(d->sp_claims) * SP;
}

static bool has_pool(u64 node)
{
	return node < CE_MAX_NODES && mn[node].pool;
}

/* A free aligned block of 2^order frames inside one chunk? */
static bool can_alloc(u32 node, unsigned int order)
{
	struct mnode *m = &mn[node];
	u32 f, i, step = 1U << order;

	for (f = 0; f + step <= m->nr_frames; f += step) {
		if (m->f[f].kind != F_FREE || m->f[f].chunk_order < order)
			continue;
		for (i = 1; i < step; i++)
			if (m->f[f + i].kind != F_FREE)
				break;
		if (i == step)
			return true;
	}
	return false;
}

static void drop_node_claim(struct mdom *d, u32 node, u64 pages)
{
	d->claims[node] -= pages;
	mn[node].out -= pages;
	outstanding -= pages;
}

static void drop_host(struct mdom *d, u64 pages)
{
	d->host -= pages;
	outstanding -= pages;
}

static void release_claims(struct mdom *d)
{
	u32 n;

	for (n = 0; n < CE_MAX_NODES; n++)
		if (d->claims[n])
			drop_node_claim(d, n, d->claims[n]);
	drop_host(d, d->host);
	for (n = 0; n < CE_MAX_NODES; n++) {
		mn[n].sp_out -= d->sp_claims[n];
		d->sp_claims[n] = 0;
	}
}

static void drop_sp_claims(struct mdom *d, u32 node, u64 sps)
{
	d->sp_claims[node] -= sps;
	mn[node].sp_out -= sps;
}

/*
 * After a counted allocation on @node: while 4 KiB + superpage claims are
 * above max_pages - tot_pages, give up superpage claims, whole, of the
 * nodes after @node (wrapping), @node's own last.
 */
static void sp_excess(struct mdom *d, u32 node)
{
	u64 allowed = d->max > d->tot ? d->max - d->tot : 0, need, take;
	u32 i, o;

	for (i = 1; i <= CE_MAX_NODES && dom_all_claims(d) > allowed; i++) {
		o = (node + i) % CE_MAX_NODES;
		need = (dom_all_claims(d) - allowed + SP - 1) / SP;
		take = need < d->sp_claims[o] ? need : d->sp_claims[o];
		drop_sp_claims(d, o, take);
	}
}

/* ------------------------------------------------------------------------
 * Comparing model and engine.
 */
static void compare(void)
{
	const char *why = NULL;
	u64 avail = 0, sum_out = 0;
	u32 n, f, nr_live = 0;
	int i;

	if (ce_check_invariants(&heap, &why))
		die("ce_check_invariants: %s", why);
	if (heap.total_avail_pages != total_avail)
		die("total_avail %llu, model %llu", (unsigned long long)heap.total_avail_pages,
		    (unsigned long long)total_avail);
	if (heap.outstanding_claims != outstanding)
		die("outstanding %llu, model %llu", (unsigned long long)heap.outstanding_claims,
		    (unsigned long long)outstanding);
	if (heap.nr_nodes != nr_nodes || heap.nodes_with_pool != pool_mask)
		die("nr_nodes/nodes_with_pool");
	for (n = 0; n < CE_MAX_NODES; n++) {
		const struct ce_node *e = &heap.node[n];
		struct mnode *m = &mn[n];
		u64 free_frames = 0, off = 0, used = 0;

		/* Free lists against counters: clean + dirty (+ scrubbing) = free. */
		if (ce_pool_audit(&heap, n, &why))
			die("node %u: ce_pool_audit: %s", n, why);

		if (e->has_pool != m->pool || e->reserved_pages != m->reserved ||
		    e->avail_pages != m->avail || e->offlined_pages != m->offlined ||
		    e->outstanding_claims != m->out)
			die("node %u: engine avail %llu out %llu off %llu, model %llu %llu %llu", n,
			    (unsigned long long)e->avail_pages,
			    (unsigned long long)e->outstanding_claims,
			    (unsigned long long)e->offlined_pages,
			    (unsigned long long)m->avail, (unsigned long long)m->out,
			    (unsigned long long)m->offlined);
		if (e->sp_reserved != m->sp_reserved || e->sp_avail != m->sp_avail ||
		    e->sp_claims != m->sp_out || e->sp_held != m->sp_held)
			die("node %u: engine superpages reserved %llu free %llu claimed %llu held %llu, model %llu %llu %llu %llu",
			    n, (unsigned long long)e->sp_reserved,
			    (unsigned long long)e->sp_avail,
			    (unsigned long long)e->sp_claims,
			    (unsigned long long)e->sp_held,
			    (unsigned long long)m->sp_reserved,
			    (unsigned long long)m->sp_avail,
			    (unsigned long long)m->sp_out,
			    (unsigned long long)m->sp_held);
		avail += m->avail;
		if (!m->pool)
			continue;
		/* conservation: every reserved frame exactly once */
		for (f = 0; f < m->nr_frames; f++) {
			switch (m->f[f].kind) {
			case F_FREE: free_frames++; break;
			case F_OFFLINE: off++; break;
			case F_USED: used++; break;
			}
		}
		if (free_frames != m->avail || off != m->offlined ||
		    free_frames + off + used != m->reserved)
			die("node %u: frames free %llu offline %llu used %llu, reserved %llu", n,
			    (unsigned long long)free_frames, (unsigned long long)off,
			    (unsigned long long)used, (unsigned long long)m->reserved);
	}
	if (avail != total_avail)
		die("model total_avail");
	for (i = 0; i < MAX_DOMS; i++) {
		struct mdom *d = &md[i];
		const struct ce_domain *e = d->d;

		if (!d->live)
			continue;
		nr_live++;
		sum_out += dom_out(d);
		if (e->max_pages != d->max || e->tot_pages != d->tot ||
		    e->uncounted_pages != d->uncounted ||
		    e->outstanding_pages != dom_out(d) ||
		    e->node_claims != dom_node_claims(d) ||
		    e->node_affinity != d->affinity ||
		    memcmp(e->claims, d->claims, sizeof(d->claims)) ||
		    memcmp(e->node_pages, d->pages, sizeof(d->pages)) ||
		    !same_u32(e->sp_claims, d->sp_claims) ||
		    !same_u32(e->sp_pages, d->sp_pages))
			die("domain %u: engine max %llu tot %llu out %llu node_claims %llu unc %llu aff %llx; "
			    "model %llu %llu %llu %llu %llu %llx", d->domid,
			    (unsigned long long)e->max_pages, (unsigned long long)e->tot_pages,
			    (unsigned long long)e->outstanding_pages,
			    (unsigned long long)e->node_claims,
			    (unsigned long long)e->uncounted_pages,
			    (unsigned long long)e->node_affinity,
			    (unsigned long long)d->max, (unsigned long long)d->tot,
			    (unsigned long long)dom_out(d),
			    (unsigned long long)dom_node_claims(d),
			    (unsigned long long)d->uncounted, (unsigned long long)d->affinity);
		if (ce_domain_find(&heap, d->domid) != e)
			die("ce_domain_find(%u)", d->domid);
	}
	if (nr_live != heap.nr_domains || sum_out != outstanding)
		die("nr_domains %u model %u / sum of outstanding", heap.nr_domains, nr_live);
}

/* Re-read the engine's offlined frames; they must be exactly the model's
 * offline set after @was_free frames were taken (or @back returned). */
static void sync_offline(u32 node, u64 taken, u64 returned)
{
	struct mnode *m = &mn[node];
	u32 f, cnt = 0, nf = m->nr_frames;
	static uint8_t seen[MAX_FRAMES];
	u64 newly = 0, left = 0;

	memset(seen, 0, nf);
	for (f = ce_offline_frame_next(&heap, node, CE_NO_FRAME); f != CE_NO_FRAME;
	     f = ce_offline_frame_next(&heap, node, f)) {
		if (f >= nf || seen[f] || ++cnt > nf)
			die("offline list of node %u: bad frame %u", node, f);
		seen[f] = 1;
	}
	for (f = 0; f < nf; f++) {
		if (seen[f] && m->f[f].kind == F_FREE) {
			m->f[f].kind = F_OFFLINE;
			newly++;
		} else if (seen[f] && m->f[f].kind != F_OFFLINE) {
			die("node %u frame %u offlined while in use or a gap", node, f);
		} else if (!seen[f] && m->f[f].kind == F_OFFLINE) {
			m->f[f].kind = F_FREE;
			left++;
		}
	}
	if (newly != taken || left != returned)
		die("node %u: offline took %llu frames (expected %llu), online returned %llu (%llu)",
		    node, (unsigned long long)newly, (unsigned long long)taken,
		    (unsigned long long)left, (unsigned long long)returned);
}

/* ------------------------------------------------------------------------
 * Heap setup.
 */
static void setup(struct in *in)
{
	uint8_t b = get8(in), ids = get8(in);
	int want = 1 + b % MAX_POOL_NODES, got = 0, slot = 0;
	u32 node;

	ce_heap_init(&heap);
	memset(mn, 0, sizeof(mn));
	memset(md, 0, sizeof(md));
	nr_ext = 0;
	nr_nodes = 0;
	pool_mask = total_avail = outstanding = seq = 0;
	next_domid = 1;

	/* node ids: the set bits of @ids among 0..7 (holes), node 63 rarely */
	u32 cand[9], nc = 0, ci;

	for (node = 0; node < 8; node++)
		if (ids ? ids & (1U << node) : node < (u32)want)
			cand[nc++] = node;
	if (b & 0x80)
		cand[nc++] = 63;
	for (ci = 0; ci < nc && got < want; ci++) {
		u32 cursor = 0, nchunks, c, sps, xb;
		struct mnode *m;

		node = cand[ci];
		m = &mn[node];
		m->f = frames[slot++];
		memset(m->f, 0, sizeof(frames[0]));
		xb = get8(in);
		nchunks = 1 + xb % 6;
		/* Superpages from what the chunk count leaves of the byte. */
		sps = (xb / 6) % 5;
		/* lay out chunks, each aligned to its order, gaps between */
		{
			uint8_t orders[6], gaps[6];

			for (c = 0; c < nchunks; c++) {
				uint8_t x = get8(in);

				orders[c] = x % 10;
				gaps[c] = (x >> 4) % 4 == 3 ? get8(in) % 10 : 0xff;
			}
			for (c = 0; c < nchunks; c++) {
				if (gaps[c] != 0xff)
					cursor += 1U << gaps[c];
				cursor = (cursor + (1U << orders[c]) - 1) & ~((1U << orders[c]) - 1);
				if (cursor + (1U << orders[c]) > MAX_FRAMES)
					break;
				cursor += 1U << orders[c];
			}
			m->nr_frames = cursor + get8(in) % 8;
			if (m->nr_frames > MAX_FRAMES)
				m->nr_frames = MAX_FRAMES;
			if (ce_pool_init(&heap, node, m->nr_frames))
				die("ce_pool_init");
			m->pool = true;
			pool_mask |= 1ULL << node;
			nr_nodes = node + 1;
			cursor = 0;
			for (c = 0; c < nchunks; c++) {
				u32 i, size = 1U << orders[c];

				if (gaps[c] != 0xff)
					cursor += 1U << gaps[c];
				cursor = (cursor + size - 1) & ~(size - 1);
				if (cursor + size > m->nr_frames)
					break;
				ce_pool_add_chunk(&heap, node, cursor, orders[c]);
				for (i = 0; i < size; i++) {
					m->f[cursor + i].kind = F_FREE;
					m->f[cursor + i].chunk_order = orders[c];
					m->f[cursor + i].chunk_start = cursor;
				}
				m->reserved += size;
				m->avail += size;
				total_avail += size;
				cursor += size;
			}
		}
		if (sps) {
			/* One slot more than superpages: slot 0 stays empty. */
			if (ce_sp_pool_init(&heap, node, sps + 1))
				die("ce_sp_pool_init");
			for (c = 1; c <= sps; c++)
				ce_sp_pool_add(&heap, node, c);
			m->sp_nr = sps + 1;
			m->sp_reserved = m->sp_avail = sps;
		}
		got++;
	}
	if (!got) {		/* at least node 0 with one chunk */
		struct mnode *m = &mn[0];
		u32 i;

		m->f = frames[0];
		memset(m->f, 0, sizeof(frames[0]));
		m->nr_frames = 16;
		if (ce_pool_init(&heap, 0, 16))
			die("ce_pool_init");
		ce_pool_add_chunk(&heap, 0, 0, 4);
		for (i = 0; i < 16; i++) {
			m->f[i].kind = F_FREE;
			m->f[i].chunk_order = 4;
		}
		m->pool = true;
		m->reserved = m->avail = 16;
		total_avail = 16;
		pool_mask = 1;
		nr_nodes = 1;
	}
}

static void teardown(void)
{
	int i;
	u32 n;

	for (i = 0; i < MAX_DOMS; i++)
		if (md[i].live) {
			ce_domain_remove(&heap, md[i].d);
			free(md[i].d);
			md[i].live = false;
		}
	for (n = 0; n < CE_MAX_NODES; n++)
		if (mn[n].pool)
			ce_pool_destroy(&heap, n);
}

/* ------------------------------------------------------------------------
 * Operand choices.
 */
static u64 pick_pages(struct in *in)
{
	uint8_t k = get8(in);

	switch (k % 8) {
	case 0: return 0;
	case 1: case 2: return k >> 3;
	case 3: return get8(in);
	case 4: return get16(in) % (total_avail + 64);
	case 5: return total_avail + (k >> 3) - 8;
	case 6: return get64(in);
	default: return ~0ULL - (k >> 3);
	}
}

static u32 pick_node(struct in *in)
{
	uint8_t k = get8(in);
	u32 pools[CE_MAX_NODES], n, c = 0;

	for (n = 0; n < CE_MAX_NODES; n++)
		if (mn[n].pool)
			pools[c++] = n;
	switch (k % 8) {
	case 0: return k >> 3;		/* 0..31, maybe no pool */
	case 1: return 64 + (k >> 3);
	default: return pools[(k >> 3) % c];
	}
}

static int pick_dom(struct in *in, bool live)
{
	int i = get8(in) % MAX_DOMS, j;

	for (j = 0; j < MAX_DOMS; j++) {
		int k = (i + j) % MAX_DOMS;

		if (md[k].live == live)
			return k;
	}
	return -1;
}

/* ------------------------------------------------------------------------
 * Operations: engine call, model prediction, comparison.
 */
static void op_create(struct in *in)
{
	int i = pick_dom(in, false);
	u64 max = pick_pages(in);
	struct mdom *d;

	if (i < 0)
		return;
	/* half of the small limits leave room for superpages */
	if (max < SP && (max & 1))
		max = (max + 1) * SP;
	d = &md[i];
	memset(d, 0, sizeof(*d));
	d->d = calloc(1, sizeof(*d->d));
	if (!d->d)
		die("calloc");
	d->live = true;
	d->seq = ++seq;
	d->domid = next_domid++;
	d->max = max;
	d->affinity = pool_mask;
	ce_domain_init(&heap, d->d, d->domid, max);
	d->last = d->d->last_alloc_node;	/* the engine's choice of start */
}

/*
 * A superpage leaves its domain's physmap: back to the free superpages, or
 * (@hold) held until op_free releases it.
 */
static void free_sp(int e, bool hold)
{
	struct extent *x = &ext[e];
	struct mnode *m = &mn[x->node];
	struct mdom *d = &md[x->dom];

	if (hold) {
		ce_free_superpage_held(&heap, d->d, x->node, x->counted);
		m->sp_held++;
		x->held = true;
	} else {
		ce_free_superpage(&heap, d->d, x->node, x->frame, x->counted);
		m->sp_avail++;
		m->sp_used[x->frame] = false;
	}
	x->live = 0;
	d->pages[x->node] -= SP;
	d->sp_pages[x->node]--;
	if (x->counted)
		d->tot -= SP;
	else
		d->uncounted -= SP;
}

static void free_extent_pages(int e, bool whole)
{
	struct extent *x = &ext[e];
	struct mnode *m = &mn[x->node];
	struct mdom *d = x->dom >= 0 ? &md[x->dom] : NULL;
	u32 i, n = 1U << x->order;

	if (x->sp) {
		free_sp(e, false);
		return;
	}
	if (whole) {
		ce_free_pages(&heap, d ? d->d : NULL, x->node, x->frame, x->order, x->counted);
		for (i = 0; i < n; i++)
			m->f[x->frame + i].kind = F_FREE;
		x->live = 0;
	} else {
		for (i = 0; i < n; i++) {
			if (m->f[x->frame + i].kind != F_USED || m->f[x->frame + i].extent != e)
				continue;
			ce_free_pages(&heap, d ? d->d : NULL, x->node, x->frame + i, 0, x->counted);
			m->f[x->frame + i].kind = F_FREE;
			x->live--;
			break;
		}
	}
	if (whole)
		n = 1U << x->order;
	else
		n = 1;
	m->avail += n;
	total_avail += n;
	if (d) {
		d->pages[x->node] -= n;
		if (x->counted)
			d->tot -= n;
		else
			d->uncounted -= n;
	}
}

static void op_remove(struct in *in)
{
	int i = pick_dom(in, true), e;
	struct mdom *d;

	if (i < 0)
		return;
	d = &md[i];
	for (e = 0; e < nr_ext; e++)
		while (ext[e].dom == i && ext[e].live)
			free_extent_pages(e, ext[e].live == 1U << ext[e].order && (e & 1));
	ce_domain_remove(&heap, d->d);
	release_claims(d);
	free(d->d);
	d->live = false;
	for (e = 0; e < nr_ext; e++)
		if (ext[e].dom == i)
			ext[e].dom = -2;	/* dead */
}

static void op_set_max(struct in *in)
{
	int i = pick_dom(in, true);
	struct mdom *d;
	u64 max = pick_pages(in), allowed, excess, take;
	u32 n;

	if (i < 0)
		return;
	d = &md[i];
	ce_set_max_pages(&heap, d->d, max);
	d->max = max;
	/*
	 * The excess of all claims (4 KiB and superpage) over what max_pages
	 * leaves: host-wide first, then node claims, then superpage claims,
	 * whole superpages, ascending nodes (docs/SPEC.md; tl_model.c).
	 */
	allowed = max > d->tot ? max - d->tot : 0;
	if (dom_all_claims(d) <= allowed)
		return;
	excess = dom_all_claims(d) - allowed;
	take = excess < d->host ? excess : d->host;
	drop_host(d, take);
	excess -= take;
	for (n = 0; n < CE_MAX_NODES && excess; n++) {
		take = excess < d->claims[n] ? excess : d->claims[n];
		if (take)
			drop_node_claim(d, n, take);
		excess -= take;
	}
	for (n = 0; n < CE_MAX_NODES && excess; n++) {
		take = (excess + SP - 1) / SP;
		if (take > d->sp_claims[n])
			take = d->sp_claims[n];
		drop_sp_claims(d, n, take);
		excess -= excess < take * SP ? excess : take * SP;
	}
}

static void op_affinity(struct in *in)
{
	int i = pick_dom(in, true), ret, want;
	uint8_t k = get8(in);
	u64 mask;

	if (i < 0)
		return;
	mask = k & 1 ? get64(in) : (get64(in) & pool_mask);
	ret = ce_set_node_affinity(&heap, md[i].d, mask);
	want = mask & pool_mask ? 0 : -EINVAL;
	if (ret != want)
		die("affinity %llx: %d, model %d", (unsigned long long)mask, ret, want);
	if (!ret)
		md[i].affinity = mask & pool_mask;
}

/* The model of a claim-set install (docs/SPEC.md "Semantics"). */
static int model_install(struct mdom *d, const struct numaclaims_claim *set, u32 nr)
{
	u64 node_claims[CE_MAX_NODES] = { 0 }, sp_claims[CE_MAX_NODES] = { 0 };
	u64 seen = 0, seen_sp = 0, host = 0, total = 0, total_sp = 0, free_host;
	bool seen_host = false;
	u32 i, n;

	if (!nr)
		return -EINVAL;
	if (nr > 2 * nr_nodes + 1)
		return -E2BIG;
	for (i = 0; i < nr; i++) {
		const struct numaclaims_claim *c = &set[i];

		if (c->cmd == NUMACLAIMS_CLAIM_SUPERPAGES) {
			/* a node, whole superpages, once per node */
			if (c->target >= NUMACLAIMS_TARGET_SPECIAL || c->pages % SP)
				return -EINVAL;
			if (c->target < CE_MAX_NODES && (seen_sp & (1ULL << c->target)))
				return -EINVAL;
			if (total + c->pages < total)
				return -EINVAL;
			total += c->pages;
			if (!has_pool(c->target))
				return -ENOENT;
			n = c->target;
			seen_sp |= 1ULL << n;
			if (c->pages / SP > mn[n].sp_avail - mn[n].sp_out + d->sp_claims[n])
				return -ENOMEM;
			sp_claims[n] = c->pages / SP;
			total_sp += c->pages;
			continue;
		}
		if (c->cmd)
			return -EINVAL;
		if (c->target == NUMACLAIMS_TARGET_LEGACY) {
			u64 claim;

			if (nr != 1)
				return -EINVAL;
			if (!c->pages) {
				release_claims(d);
				return 0;
			}
			if (c->pages <= d->tot || c->pages > d->max)
				return -EINVAL;
			claim = c->pages - d->tot;
			if (claim > total_avail - outstanding + dom_out(d))
				return -ENOMEM;
			release_claims(d);
			d->host = claim;
			outstanding += claim;
			return 0;
		}
		if (c->target == NUMACLAIMS_TARGET_HOST) {
			if (seen_host)
				return -EINVAL;
			seen_host = true;
			host = c->pages;
		} else if (c->target >= NUMACLAIMS_TARGET_SPECIAL) {
			return -EINVAL;
		} else if (c->target < CE_MAX_NODES && (seen & (1ULL << c->target))) {
			return -EINVAL;
		}
		if (total + c->pages < total)
			return -EINVAL;
		total += c->pages;
		if (c->target == NUMACLAIMS_TARGET_HOST)
			continue;
		if (!has_pool(c->target))
			return -ENOENT;
		seen |= 1ULL << c->target;
		if (c->pages > mn[c->target].avail - mn[c->target].out + d->claims[c->target])
			return -ENOMEM;
		node_claims[c->target] = c->pages;
	}
	/* 3. the limit; a set claiming nothing always passes ({0, HOST} clears
	 * claims even after SET_MAX_PAGES went below tot_pages) */
	if (total && (d->tot + total < d->tot || d->tot + total > d->max))
		return -EINVAL;
	/* 4. 4 KiB claims against the host's unclaimed 4 KiB pages */
	free_host = total_avail - outstanding + dom_out(d);
	if (total - total_sp > free_host)
		return -ENOMEM;
	release_claims(d);
	for (n = 0; n < CE_MAX_NODES; n++) {
		d->claims[n] = node_claims[n];
		mn[n].out += node_claims[n];
		outstanding += node_claims[n];
		d->sp_claims[n] = sp_claims[n];
		mn[n].sp_out += sp_claims[n];
	}
	d->host = host;
	outstanding += host;
	return 0;
}

static void op_claim_set(struct in *in)
{
	struct numaclaims_claim set[2 * CE_MAX_NODES + 3];
	int i = pick_dom(in, true), ret, want;
	uint8_t k = get8(in);
	u32 nr = k % (2 * nr_nodes + 3), j;

	if (i < 0)
		return;
	if (k >= 250)
		nr = 0xffffffff - (k - 250);
	for (j = 0; j < nr && j < 2 * CE_MAX_NODES + 3; j++) {
		uint8_t t = get8(in);

		set[j].pages = pick_pages(in);
		set[j].cmd = t == 0xff ? get8(in) | 1 : 0;
		switch (t % 10) {
		case 0: case 1: case 2: case 3: case 4:
			set[j].target = pick_node(in);
			/* a third of the node entries claim superpages, mostly whole */
			if (t / 10 % 3 == 2) {
				set[j].cmd = NUMACLAIMS_CLAIM_SUPERPAGES;
				if (t / 30 % 4)
					set[j].pages = set[j].pages % 3 * SP;
			}
			break;
		case 5: case 6:
			set[j].target = NUMACLAIMS_TARGET_HOST;
			break;
		case 7:
			set[j].target = NUMACLAIMS_TARGET_LEGACY;
			break;
		case 8:
			set[j].target = NUMACLAIMS_TARGET_SPECIAL + get8(in);
			break;
		default:
			set[j].target = (u32)get64(in);
			break;
		}
	}
	{
		struct mdom before = md[i];

		ret = ce_claim_set_install(&heap, md[i].d, set, nr);
		want = model_install(&md[i], set, nr);
		if (ret != want) {
			for (j = 0; j < nr && j < 4; j++)
				fprintf(stderr, "entry %u: pages %llu target %#x cmd %u\n", j,
					(unsigned long long)set[j].pages, set[j].target, set[j].cmd);
			fprintf(stderr, "domain: max %llu tot %llu out %llu; host avail %llu out %llu\n",
				(unsigned long long)before.max, (unsigned long long)before.tot,
				(unsigned long long)dom_out(&before),
				(unsigned long long)total_avail, (unsigned long long)outstanding);
			die("claim set of %u entries: engine %d, model %d", nr, ret, want);
		}
	}
}

static void op_claim_get(struct in *in)
{
	struct numaclaims_claim set[2 * CE_MAX_NODES + 1], want[2 * CE_MAX_NODES + 1];
	int i = pick_dom(in, true), ret;
	u32 cap = get8(in) % (2 * CE_MAX_NODES + 2), nr, needed = 0, n;
	struct mdom *d;

	if (i < 0)
		return;
	d = &md[i];
	if (cap > 2 * CE_MAX_NODES + 1)
		cap = 2 * CE_MAX_NODES + 1;
	nr = cap;
	memset(set, 0xa5, sizeof(set));
	ret = ce_claim_set_get(&heap, d->d, set, &nr);
	for (n = 0; n < CE_MAX_NODES; n++)
		if (d->claims[n])
			want[needed++] = (struct numaclaims_claim){ d->claims[n], n, 0 };
	for (n = 0; n < CE_MAX_NODES; n++)
		if (d->sp_claims[n])
			want[needed++] = (struct numaclaims_claim){
				d->sp_claims[n] * SP, n, NUMACLAIMS_CLAIM_SUPERPAGES };
	if (d->host)
		want[needed++] = (struct numaclaims_claim){ d->host, NUMACLAIMS_TARGET_HOST, 0 };
	if (needed > cap) {
		if (ret != -ERANGE || nr != needed)
			die("claim get: %d/%u, model ERANGE/%u", ret, nr, needed);
		return;
	}
	if (ret || nr != needed || memcmp(set, want, needed * sizeof(*set)))
		die("claim get: %d, %u entries, model %u", ret, nr, needed);
}

static void op_claim_pages(struct in *in)
{
	int i = pick_dom(in, true), ret, want = 0;
	u64 target = pick_pages(in);
	struct mdom *d;

	if (i < 0)
		return;
	d = &md[i];
	ret = ce_claim_pages_legacy(&heap, d->d, target);
	if (!target) {
		release_claims(d);
	} else if (dom_all_claims(d)) {
		want = -EINVAL;	/* one claim at a time, superpage claims too */
	} else if (target <= d->tot || target > d->max) {
		want = -EINVAL;
	} else if (target - d->tot > total_avail - outstanding) {
		want = -ENOMEM;
	} else {
		d->host = target - d->tot;
		outstanding += d->host;
	}
	if (ret != want)
		die("claim_pages %llu: engine %d, model %d", (unsigned long long)target, ret, want);
}

static bool node_fits(const struct mdom *d, bool counted, u32 node, u64 pages,
		      unsigned int order)
{
	if (!has_pool(node))
		return false;
	return pages <= mn[node].avail - mn[node].out + (counted ? d->claims[node] : 0) &&
	       can_alloc(node, order);
}

/* get_free_buddy() as docs/SPEC.md describes it. */
static int model_choose(const struct mdom *d, bool counted, int req, bool exact,
			u64 pages, unsigned int order)
{
	u64 affinity = d ? d->affinity : pool_mask, tried = 0;
	u32 start = d ? d->last + 1 : 0, i, n;

	if (req >= 0) {
		if (node_fits(d, counted, req, pages, order))
			return req;
		if (exact)
			return -1;
		tried |= 1ULL << req;
	}
	for (i = 0; i < CE_MAX_NODES; i++) {
		n = (start + i) % CE_MAX_NODES;
		if (!(affinity & (1ULL << n)) || (tried & (1ULL << n)))
			continue;
		if (node_fits(d, counted, n, pages, order))
			return n;
		tried |= 1ULL << n;
	}
	if (exact)
		return -1;
	for (n = 0; n < nr_nodes; n++)
		if (!(tried & (1ULL << n)) && node_fits(d, counted, n, pages, order))
			return n;
	return -1;
}

static void model_redeem(struct mdom *d, u32 node, u64 pages)
{
	u64 take;
	u32 i;

	take = pages < d->claims[node] ? pages : d->claims[node];
	if (take)
		drop_node_claim(d, node, take);
	pages -= take;
	take = pages < d->host ? pages : d->host;
	drop_host(d, take);
	pages -= take;
	for (i = 1; i < CE_MAX_NODES && pages; i++) {
		u32 o = (node + i) % CE_MAX_NODES;

		take = pages < d->claims[o] ? pages : d->claims[o];
		if (take)
			drop_node_claim(d, o, take);
		pages -= take;
	}
	sp_excess(d, node);
}

/* May @d (counted or not) take a superpage of @node? */
static bool sp_fits(const struct mdom *d, bool counted, u32 node)
{
	if (!has_pool(node) || !mn[node].sp_avail)
		return false;
	return (counted && d->sp_claims[node]) || mn[node].sp_avail > mn[node].sp_out;
}

/*
 * Node choice for a superpage (uapi POPULATE_PHYSMAP): the requested node
 * alone; else the nodes with the domain's superpage claims, then its
 * affinity, both round robin after the last node used; then (unless
 * exact) any node, ascending.
 */
static int model_choose_sp(const struct mdom *d, bool counted, int req, bool exact)
{
	u64 affinity = d->affinity;
	u32 i, n;

	if (req >= 0)
		return sp_fits(d, counted, req) ? req : -1;
	for (i = 1; counted && i <= CE_MAX_NODES; i++) {
		n = (d->last + i) % CE_MAX_NODES;
		if (d->sp_claims[n] && sp_fits(d, counted, n))
			return n;
	}
	for (i = 1; i <= CE_MAX_NODES; i++) {
		n = (d->last + i) % CE_MAX_NODES;
		if ((affinity & (1ULL << n)) && sp_fits(d, counted, n))
			return n;
	}
	for (n = 0; !exact && n < CE_MAX_NODES; n++)
		if (sp_fits(d, counted, n))
			return n;
	return -1;
}

static void alloc_sp(struct mdom *d, int i, int req, u32 memflags)
{
	bool counted = !(memflags & CE_MEMF_NO_REFCOUNT);
	u32 node_out = 0, index = 0;
	int ret, want, node = -1;
	struct mnode *m;

	ret = ce_alloc_superpage(&heap, d->d, req, memflags, &node_out, &index);
	if (req >= 0 && !has_pool(req))
		want = -ENOENT;
	else if (counted && (d->tot > d->max || SP > d->max - d->tot))
		want = -E2BIG;
	else {
		node = model_choose_sp(d, counted, req, memflags & CE_MEMF_EXACT_NODE);
		want = node < 0 ? -ENOMEM : 0;
	}
	if (ret != want)
		die("superpage node %d flags %#x dom %u: engine %d, model %d", req, memflags,
		    d->domid, ret, want);
	if (ret)
		return;
	if ((int)node_out != node)
		die("superpage: engine took node %u, model expects %d", node_out, node);
	m = &mn[node];
	if (index >= m->sp_nr || m->sp_used[index])
		die("superpage: index %u on node %u out of range or in use", index, node);
	m->sp_used[index] = true;
	m->sp_avail--;
	ext[nr_ext++] = (struct extent){ .dom = i, .node = node, .frame = index,
		.order = CE_SP_ORDER, .counted = counted, .sp = true, .live = SP };
	d->pages[node] += SP;
	d->sp_pages[node]++;
	d->last = node;
	if (!counted) {
		d->uncounted += SP;
		return;
	}
	d->tot += SP;
	if (d->sp_claims[node]) {
		drop_sp_claims(d, node, 1);
		sp_excess(d, node);
	} else {
		model_redeem(d, node, SP);
	}
}

static void op_alloc(struct in *in)
{
	uint8_t k = get8(in), f = get8(in);
	/*
	 * Allocations for no domain (d == NULL, "nobody") are accepted by
	 * ce_alloc_extent() but ce_check_invariants() counts their pages as
	 * lost (reserved != free + offlined + physmaps); the module never makes
	 * them.  -DFUZZ_ANON_ALLOC exercises them anyway.
	 */
#ifdef FUZZ_ANON_ALLOC
	int i = (k & 7) == 7 ? -1 : pick_dom(in, true);
#else
	int i = pick_dom(in, true);
#endif
	unsigned int order = k >> 3 < 24 ? (k >> 3) % 10 : 10 + (k >> 3);
	int req = (f & 3) == 0 ? -1 : (int)pick_node(in);
	u32 memflags = (f & 4 ? CE_MEMF_EXACT_NODE : 0) | (f & 8 ? CE_MEMF_NO_REFCOUNT : 0);
	struct mdom *d = i >= 0 ? &md[i] : NULL;
	bool counted = d && !(memflags & CE_MEMF_NO_REFCOUNT);
	u64 pages = 1ULL << (order < 64 ? order : 0), usable;
	u32 node_out = 0, frame = 0, j;
	int ret, want, node = -1;
	struct mnode *m;

#ifdef FUZZ_ANON_ALLOC
	if ((k & 7) != 7 && i < 0)
		return;
#else
	if (i < 0)
		return;
#endif
	if (nr_ext >= MAX_EXTENTS)
		return;
	if (req >= 255)
		req = 254;
	if ((f & 0x30) == 0x30 && d) {
		alloc_sp(d, i, req, memflags);
		return;
	}
	ret = ce_alloc_extent(&heap, d ? d->d : NULL, order, req, memflags, &node_out, &frame, NULL);

	if (order > CE_MAX_ORDER)
		want = -EINVAL;
	else if (req >= 0 && !has_pool(req))
		want = -ENOENT;
	else if (counted && (d->tot > d->max || pages > d->max - d->tot))
		want = -E2BIG;
	else {
		usable = total_avail - outstanding + (counted ? dom_out(d) : 0);
		if (pages > usable)
			want = -ENOMEM;
		else {
			node = model_choose(d, counted, req, memflags & CE_MEMF_EXACT_NODE,
					    pages, order);
			want = node < 0 ? -ENOMEM : 0;
		}
	}
	if (ret != want)
		die("alloc order %u node %d flags %#x dom %d: engine %d, model %d", order, req,
		    memflags, d ? (int)d->domid : -1, ret, want);
	if (ret)
		return;
	if ((int)node_out != node)
		die("alloc order %u: engine took node %u, model expects %d", order, node_out, node);
	m = &mn[node];
	/* conservation: free frames of one chunk, aligned */
	if (frame >= m->nr_frames || frame + pages > m->nr_frames || (frame & (pages - 1)))
		die("alloc order %u: frame %u out of range or unaligned", order, frame);
	for (j = 0; j < pages; j++) {
		struct mframe *mf = &m->f[frame + j];

		if (mf->kind != F_FREE)
			die("alloc order %u: frame %u handed out while %s", order, frame + j,
			    mf->kind == F_USED ? "in use" : mf->kind == F_OFFLINE ? "offlined" :
			    "not in the pool");
		if (mf->chunk_order < order || mf->chunk_start != m->f[frame].chunk_start)
			die("alloc order %u: frame %u crosses a chunk", order, frame + j);
		mf->kind = F_USED;
		mf->extent = nr_ext;
	}
	ext[nr_ext++] = (struct extent){ .dom = i, .node = node, .frame = frame,
		.order = order, .counted = counted, .live = pages };
	m->avail -= pages;
	total_avail -= pages;
	if (d) {
		d->pages[node] += pages;
		d->last = node;
		if (counted) {
			d->tot += pages;
			model_redeem(d, node, pages);
		} else {
			d->uncounted += pages;
		}
	}
}

static void op_free(struct in *in)
{
	uint8_t k = get8(in);
	int start, e, j;

	if (!nr_ext)
		return;
	start = get16(in) % nr_ext;
	for (j = 0; j < nr_ext; j++) {
		e = (start + j) % nr_ext;
		if ((ext[e].live && ext[e].dom != -2) || ext[e].held)
			break;
	}
	if (j == nr_ext)
		return;
	if (ext[e].held) {
		/* its last holder let go */
		ce_release_superpage_held(&heap, ext[e].node, ext[e].frame);
		mn[ext[e].node].sp_held--;
		mn[ext[e].node].sp_avail++;
		mn[ext[e].node].sp_used[ext[e].frame] = false;
		ext[e].held = false;
		return;
	}
	if (ext[e].sp) {
		free_sp(e, k & 2);
		return;
	}
	free_extent_pages(e, (k & 1) && ext[e].live == 1U << ext[e].order);
}

static void op_offline(struct in *in)
{
	u32 node = pick_node(in);
	uint8_t k = get8(in);
	u64 pages, excess;
	int ret, want = 0, i;

	if (has_pool(node))
		pages = k < 200 ? k % (mn[node].avail + 2) : pick_pages(in);
	else
		pages = k;
	ret = ce_offline_pages(&heap, node, pages);
	if (!has_pool(node))
		want = -ENOENT;
	else if (pages > mn[node].avail)
		want = -ENOMEM;
	if (ret != want)
		die("offline %llu on %u: engine %d, model %d", (unsigned long long)pages, node, ret,
		    want);
	if (ret)
		return;
	mn[node].avail -= pages;
	mn[node].offlined += pages;
	total_avail -= pages;
	sync_offline(node, pages, 0);
	/* recall: node claims newest domain first, then host-wide newest first */
	for (;;) {
		struct mdom *newest = NULL;

		if (mn[node].out <= mn[node].avail)
			break;
		for (i = 0; i < MAX_DOMS; i++)
			if (md[i].live && md[i].claims[node] &&
			    (!newest || md[i].seq > newest->seq))
				newest = &md[i];
		if (!newest)
			die("node claims exceed avail but no domain claims it");
		excess = mn[node].out - mn[node].avail;
		drop_node_claim(newest, node, excess < newest->claims[node] ?
				excess : newest->claims[node]);
	}
	for (;;) {
		struct mdom *newest = NULL;

		if (outstanding <= total_avail)
			break;
		for (i = 0; i < MAX_DOMS; i++)
			if (md[i].live && md[i].host && (!newest || md[i].seq > newest->seq))
				newest = &md[i];
		if (!newest)
			die("host claims exceed avail but no host-wide claim");
		excess = outstanding - total_avail;
		drop_host(newest, excess < newest->host ? excess : newest->host);
	}
}

static void op_online(struct in *in)
{
	u32 node = pick_node(in);
	uint8_t k = get8(in);
	u64 pages;
	int ret, want = 0;

	pages = has_pool(node) && k < 200 ? k % (mn[node].offlined + 2) : pick_pages(in);
	ret = ce_online_pages(&heap, node, pages);
	if (!has_pool(node))
		want = -ENOENT;
	else if (pages > mn[node].offlined)
		want = -EINVAL;
	if (ret != want)
		die("online %llu on %u: engine %d, model %d", (unsigned long long)pages, node, ret,
		    want);
	if (ret)
		return;
	mn[node].avail += pages;
	mn[node].offlined -= pages;
	total_avail += pages;
	sync_offline(node, 0, pages);
}

static void op_find(struct in *in)
{
	u32 domid = get8(in);
	int i;

	for (i = 0; i < MAX_DOMS; i++)
		if (md[i].live && md[i].domid == domid)
			break;
	if (ce_domain_find(&heap, domid) != (i < MAX_DOMS ? md[i].d : NULL))
		die("ce_domain_find(%u)", domid);
}

/*
 * A scrubber's round: take a dirty block (split to max_order), put it back
 * clean or dirty (an abort).  Free and avail never move; what waits for
 * scrubbing is the same while the block is out, the same again after an
 * abort, and no more after a clean put (a clean block merging with dirty
 * buddies may make them one dirty block: never fewer pages than before).
 */
static void op_scrub(struct in *in)
{
	u32 node = pick_node(in);
	unsigned int max_order = get8(in) % (CE_MAX_ORDER + 2), order = 99;
	bool clean = get8(in) & 1;
	u64 before, avail;
	u32 f;

	before = ce_scrub_pages(&heap, node);
	avail = node < CE_MAX_NODES ? heap.node[node].avail_pages : 0;
	f = ce_scrub_take(&heap, node, max_order, &order);
	if (f == CE_NO_FRAME) {
		if (before && max_order <= CE_MAX_ORDER &&
		    node < CE_MAX_NODES && heap.node[node].has_pool)
			die("ce_scrub_take: nothing taken with %llu pages waiting",
			    (unsigned long long)before);
		return;
	}
	if (order > max_order || ce_scrub_pages(&heap, node) != before ||
	    heap.node[node].avail_pages != avail)
		die("ce_scrub_take(node %u, max %u): order %u, scrub %llu -> %llu",
		    node, max_order, order, (unsigned long long)before,
		    (unsigned long long)ce_scrub_pages(&heap, node));
	compare();
	ce_scrub_put(&heap, node, clean);
	if (clean ? ce_scrub_pages(&heap, node) > before :
		    ce_scrub_pages(&heap, node) != before)
		die("ce_scrub_put(%s): scrub %llu -> %llu", clean ? "clean" : "dirty",
		    (unsigned long long)before,
		    (unsigned long long)ce_scrub_pages(&heap, node));
}

static const struct {
	const char *name;
	void (*fn)(struct in *in);
	unsigned int weight;
} ops[] = {
	{ "create", op_create, 3 },
	{ "remove", op_remove, 1 },
	{ "set_max_pages", op_set_max, 2 },
	{ "set_node_affinity", op_affinity, 1 },
	{ "claim_set_install", op_claim_set, 5 },
	{ "claim_set_get", op_claim_get, 1 },
	{ "claim_pages_legacy", op_claim_pages, 2 },
	{ "alloc_extent", op_alloc, 7 },
	{ "free_pages", op_free, 4 },
	{ "offline_pages", op_offline, 1 },
	{ "online_pages", op_online, 1 },
	{ "domain_find", op_find, 1 },
	{ "scrub_take_put", op_scrub, 2 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	unsigned int total_weight = 0, nr = 0;
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		total_weight += ops[i].weight;
	op_name = "setup";
	setup(&in);
	compare();
	while (in.n && nr++ < MAX_OPS) {
		unsigned int x = get8(&in) % total_weight;

		for (i = 0; x >= ops[i].weight; i++)
			x -= ops[i].weight;
		op_name = ops[i].name;
		ops[i].fn(&in);
		compare();
		total_ops++;
	}
	op_name = "teardown";
	teardown();
	return 0;
}

/* The figure for the stress table: operations checked in this process. */
__attribute__((destructor)) static void report(void)
{
	if (getenv("FUZZ_ENGINE_OPS_FILE")) {
		FILE *f = fopen(getenv("FUZZ_ENGINE_OPS_FILE"), "w");

		if (f) {
			fprintf(f, "%llu\n", total_ops);
			fclose(f);
		}
	}
}
