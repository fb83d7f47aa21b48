// SPDX-License-Identifier: GPL-2.0
/*
 * claimctl: tables and JSON, from plain host_info/domain_info structures
 * (no device access, so tests/claimctl-unit.c feeds it fakes); the error
 * hints are claimctl_hints.c's.
 *
 * Tables are in MiB with two decimals by default (as numastat), or in exact
 * pages (--pages).  JSON uses the tables' names, counts in pages with a
 * "_pages" suffix and a "page_size" so a consumer never has to guess (sizes
 * of Linux's own nodes, in `topology`, are "_bytes"); a node is always
 * "node": N, the host-wide part always "host": {...}.  The schema of every
 * command's JSON is docs/claimctl.schema.json.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "claims.h"
#include "claimctl.h"
#include "text.h"

#define CC_PAGES_PER_MIB	256U

char *cc_format_amount(char *buf, size_t len, __u64 pages,
		       enum cc_unit unit)
{
	unsigned __int128 hundredths;

	if (unit == CC_UNIT_PAGES) {
		snprintf(buf, len, "%llu", pages);
		return buf;
	}
	/* Round to the nearest hundredth of a MiB, exactly. */
	hundredths = ((unsigned __int128)pages * 100 + CC_PAGES_PER_MIB / 2) /
		     CC_PAGES_PER_MIB;
	snprintf(buf, len, "%llu.%02u", (__u64)(hundredths / 100),
		 (unsigned int)(hundredths % 100));
	return buf;
}

/* A signed variant for derived values that could go negative if the module
 * broke an invariant: show the breakage rather than a huge number. */
static char *cc_format_signed(char *buf, size_t len, __u64 a, __u64 b,
			      enum cc_unit unit)
{
	if (a >= b)
		return cc_format_amount(buf, len, a - b, unit);
	buf[0] = '-';
	cc_format_amount(buf + 1, len - 1, b - a, unit);
	return buf;
}

char *cc_format_human(char *buf, size_t len, __u64 pages)
{
	return text_format_human(buf, len, pages);
}

char *cc_format_nodelist(char *buf, size_t len, __u64 mask)
{
	return text_format_nodelist(buf, len, mask);
}

const char *cc_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" },   { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" },   { EIO, "EIO" },       { E2BIG, "E2BIG" },
		{ EBADF, "EBADF" },   { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },   { EEXIST, "EEXIST" },
		{ ENODEV, "ENODEV" }, { ENXIO, "ENXIO" },   { EINVAL, "EINVAL" },
		{ ENOTTY, "ENOTTY" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
		{ ENOSYS, "ENOSYS" }, { EUCLEAN, "EUCLEAN" },
		{ EOPNOTSUPP, "EOPNOTSUPP" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "E???";
}

/* ---- info ---- */

/*
 * The columns of `claimctl info`, one name each: the table's header and,
 * with "_pages" appended, the JSON key of the same number (one list, so
 * the two cannot drift apart).  held stays last (scripts read the total's
 * "held_pages" at the end of the line); scrub (API version 3) goes before.
 */
enum { CC_RESERVED, CC_FREE, CC_CLAIMED, CC_UNCLAIMED, CC_OFFLINED, CC_SCRUB,
       CC_HELD, CC_HOST_COLS };
static const char *const cc_host_cols[CC_HOST_COLS] = {
	"reserved", "free", "claimed", "unclaimed", "offlined", "scrub", "held",
};

/*
 * Superpages (API version 4): a second table under `claimctl info` when any
 * node has some, and "superpages" objects in the JSON (per node and in the
 * total), with these columns; unclaimed = free - claimed.
 */
enum { CC_SP_RESERVED, CC_SP_FREE, CC_SP_CLAIMED, CC_SP_UNCLAIMED, CC_SP_HELD,
       CC_SP_COLS };
static const char *const cc_sp_cols[CC_SP_COLS] = {
	"reserved", "free", "claimed", "unclaimed", "held",
};

/* Node @n's superpages, or with @n < 0 their sums over the pool nodes. */
static void cc_sp_row(const struct numaclaims_host_info *hi, int n,
		      __u64 a[CC_SP_COLS], __u64 b[CC_SP_COLS])
{
	uint32_t i;

	memset(a, 0, CC_SP_COLS * sizeof(*a));
	memset(b, 0, CC_SP_COLS * sizeof(*b));
	for (i = 0; i < text_nr_nodes(hi); i++) {
		const struct numaclaims_node_superpages *sp = &hi->superpages[i];

		if (!hi->nodes[i].has_pool || (n >= 0 && (uint32_t)n != i))
			continue;
		a[CC_SP_RESERVED] += sp->reserved_pages;
		a[CC_SP_FREE] += sp->free_pages;
		a[CC_SP_CLAIMED] += sp->outstanding_claims;
		a[CC_SP_UNCLAIMED] += sp->free_pages;
		b[CC_SP_UNCLAIMED] += sp->outstanding_claims;
		a[CC_SP_HELD] += sp->held_pages;
	}
}

/* Does any pool node have superpages (reserved, or claimed)? */
static int cc_have_superpages(const struct numaclaims_host_info *hi)
{
	__u64 a[CC_SP_COLS], b[CC_SP_COLS];

	cc_sp_row(hi, -1, a, b);
	return a[CC_SP_RESERVED] || a[CC_SP_CLAIMED];
}

static void cc_print_sp_row(FILE *f, const char *label, const __u64 *a,
			    const __u64 *b, enum cc_unit unit)
{
	char buf[40];
	int i;

	fprintf(f, "%-6s", label);
	for (i = 0; i < CC_SP_COLS; i++)
		fprintf(f, "%*s", CC_COL, !a ? cc_sp_cols[i] :
			cc_format_signed(buf, sizeof(buf), a[i], b[i], unit));
	fputc('\n', f);
}

static void cc_print_superpages(FILE *f, const struct numaclaims_host_info *hi,
				enum cc_unit unit)
{
	__u64 a[CC_SP_COLS], b[CC_SP_COLS];
	char label[16];
	uint32_t n;

	fprintf(f, "superpages (2 MiB blocks kept whole); sizes in %s\n",
		unit == CC_UNIT_PAGES ? "4 KiB pages" : "MiB");
	cc_print_sp_row(f, "node", NULL, NULL, unit);
	for (n = 0; n < text_nr_nodes(hi); n++) {
		if (!hi->nodes[n].has_pool)
			continue;
		cc_sp_row(hi, (int)n, a, b);
		snprintf(label, sizeof(label), "%u", n);
		cc_print_sp_row(f, label, a, b, unit);
	}
	cc_sp_row(hi, -1, a, b);
	cc_print_sp_row(f, "total", a, b, unit);
}

/*
 * One row of numbers: column i is a[i] - b[i] (b is 0 but for unclaimed,
 * which goes negative, shown as such, if the module broke an invariant).
 */
struct cc_host_row {
	__u64 a[CC_HOST_COLS], b[CC_HOST_COLS];
};

static void cc_node_row(const struct numaclaims_host_info *hi, uint32_t n,
			struct cc_host_row *r)
{
	const struct numaclaims_node_info *ni = &hi->nodes[n];

	memset(r, 0, sizeof(*r));
	r->a[CC_RESERVED] = ni->reserved_pages;
	r->a[CC_FREE] = ni->avail_pages;
	r->a[CC_CLAIMED] = ni->outstanding_claims;
	r->a[CC_UNCLAIMED] = ni->avail_pages;
	r->b[CC_UNCLAIMED] = ni->outstanding_claims;
	r->a[CC_OFFLINED] = ni->offlined_pages;
	r->a[CC_SCRUB] = hi->scrub_pages[n];
	r->a[CC_HELD] = hi->held_pages[n];
}

/* The totals: sums over the nodes with a pool, the host's own counters. */
static void cc_total_row(const struct numaclaims_host_info *hi,
			 struct cc_host_row *r, __u64 *node_claims)
{
	uint32_t n;

	memset(r, 0, sizeof(*r));
	*node_claims = 0;
	for (n = 0; n < text_nr_nodes(hi); n++) {
		if (!hi->nodes[n].has_pool)
			continue;
		r->a[CC_RESERVED] += hi->nodes[n].reserved_pages;
		r->a[CC_OFFLINED] += hi->nodes[n].offlined_pages;
		*node_claims += hi->nodes[n].outstanding_claims;
	}
	r->a[CC_FREE] = hi->total_avail_pages;
	r->a[CC_CLAIMED] = hi->outstanding_claims;
	r->a[CC_UNCLAIMED] = hi->total_avail_pages;
	r->b[CC_UNCLAIMED] = hi->outstanding_claims;
	r->a[CC_SCRUB] = hi->total_scrub_pages;
	r->a[CC_HELD] = hi->total_held_pages;
}

static void cc_print_host_row(FILE *f, const char *label,
			      const struct cc_host_row *r, enum cc_unit unit)
{
	char b[40];
	int i;

	fprintf(f, "%-6s", label);
	for (i = 0; i < CC_HOST_COLS; i++)
		fprintf(f, "%*s", CC_COL,
			!r ? cc_host_cols[i] :
			cc_format_signed(b, sizeof(b), r->a[i], r->b[i], unit));
	fputc('\n', f);
}

void cc_print_host_info(FILE *f, const struct numaclaims_host_info *hi,
			enum cc_unit unit)
{
	struct cc_host_row r;
	__u64 node_claims;
	uint32_t n, pools = 0;
	char label[16], b[40];
	int i;

	for (n = 0; n < text_nr_nodes(hi); n++)
		pools += !!hi->nodes[n].has_pool;
	fprintf(f, "numaclaims: %u node%s with a pool, %u domain%s; sizes in %s\n",
		pools, pools == 1 ? "" : "s", hi->nr_domains,
		hi->nr_domains == 1 ? "" : "s",
		unit == CC_UNIT_PAGES ? "4 KiB pages" : "MiB");
	cc_print_host_row(f, "node", NULL, unit);
	for (n = 0; n < text_nr_nodes(hi); n++) {
		if (!hi->nodes[n].has_pool)
			continue;
		cc_node_row(hi, n, &r);
		snprintf(label, sizeof(label), "%u", n);
		cc_print_host_row(f, label, &r, unit);
	}
	/* Host-wide claims: the part of the outstanding claims on no node. */
	cc_total_row(hi, &r, &node_claims);
	fprintf(f, "%-6s", "host");
	for (i = 0; i < CC_HOST_COLS; i++)
		fprintf(f, "%*s", CC_COL, i != CC_CLAIMED ? "-" :
			cc_format_signed(b, sizeof(b), hi->outstanding_claims,
					 node_claims, unit));
	fputc('\n', f);
	cc_print_host_row(f, "total", &r, unit);
	if (cc_have_superpages(hi))
		cc_print_superpages(f, hi, unit);
}

/* "N" or "-N" (JSON number) for a - b. */
static void cc_json_diff(FILE *f, __u64 a, __u64 b)
{
	if (a >= b)
		fprintf(f, "%llu", a - b);
	else
		fprintf(f, "-%llu", b - a);
}

static void cc_json_host_row(FILE *f, const struct cc_host_row *r)
{
	int i;

	for (i = 0; i < CC_HOST_COLS; i++) {
		fprintf(f, "%s\"%s_pages\":", i ? "," : "", cc_host_cols[i]);
		cc_json_diff(f, r->a[i], r->b[i]);
	}
}

/* ,"superpages":{...} of node @n (< 0: the total). */
static void cc_json_sp(FILE *f, const struct numaclaims_host_info *hi, int n)
{
	__u64 a[CC_SP_COLS], b[CC_SP_COLS];
	int i;

	cc_sp_row(hi, n, a, b);
	fprintf(f, ",\"superpages\":{");
	for (i = 0; i < CC_SP_COLS; i++) {
		fprintf(f, "%s\"%s_pages\":", i ? "," : "", cc_sp_cols[i]);
		cc_json_diff(f, a[i], b[i]);
	}
	fputc('}', f);
}

void cc_print_host_info_json(FILE *f, const struct numaclaims_host_info *hi)
{
	struct cc_host_row r;
	__u64 node_claims;
	uint32_t n;
	int first = 1;

	fprintf(f, "{\"page_size\":%llu,\"nr_nodes\":%u,\"nr_domains\":%u,"
		"\"nodes\":[", CC_PAGE_SIZE, hi->nr_nodes, hi->nr_domains);
	for (n = 0; n < text_nr_nodes(hi); n++) {
		if (!hi->nodes[n].has_pool)
			continue;
		cc_node_row(hi, n, &r);
		fprintf(f, "%s{\"node\":%u,", first ? "" : ",", n);
		cc_json_host_row(f, &r);
		cc_json_sp(f, hi, (int)n);
		fputc('}', f);
		first = 0;
	}
	cc_total_row(hi, &r, &node_claims);
	fprintf(f, "],\"host\":{\"claimed_pages\":");
	cc_json_diff(f, hi->outstanding_claims, node_claims);
	fprintf(f, "},\"total\":{");
	cc_json_host_row(f, &r);
	cc_json_sp(f, hi, -1);
	fprintf(f, "}}\n");
}

/* ---- list ---- */

__u64 cc_domain_nodes(const struct numaclaims_domain_info *di)
{
	struct claims_domain_numa m;

	claims_domain_numa(di, 0, &m);
	return m.nodemask;
}

__u64 cc_domain_pages(const struct numaclaims_domain_info *di)
{
	return di->tot_pages + di->uncounted_pages;
}

static __u64 cc_shown_nodes(const struct numaclaims_host_info *hi,
			       const struct numaclaims_domain_info *doms,
			       size_t nr)
{
	__u64 mask = 0;
	uint32_t n;
	size_t i;

	if (hi)
		for (n = 0; n < text_nr_nodes(hi); n++)
			if (hi->nodes[n].has_pool)
				mask |= 1ULL << n;
	for (i = 0; i < nr; i++)
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (doms[i].claims[n] || doms[i].node_pages[n] ||
			    doms[i].superpage_claims[n])
				mask |= 1ULL << n;
	return mask;
}

/* Superpage columns in `claimctl list`: the host or a domain has some. */
static int cc_list_superpages(const struct numaclaims_host_info *hi,
			      const struct numaclaims_domain_info *doms,
			      size_t nr)
{
	uint32_t n;
	size_t i;

	if (hi && cc_have_superpages(hi))
		return 1;
	for (i = 0; i < nr; i++)
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (doms[i].superpage_claims[n] ||
			    doms[i].superpage_pages[n])
				return 1;
	return 0;
}

/* A domain's superpage claims, all nodes. */
static __u64 cc_domain_sp_claims(const struct numaclaims_domain_info *d)
{
	const __u64 *v = d->superpage_claims;
	__u64 sum = 0;

	while (v < d->superpage_claims + NUMACLAIMS_MAX_NODES)
		sum += *v++;
	return sum;
}

/*
 * The columns of `claimctl list` and their JSON keys: "max" is
 * "max_pages", "nN-claimed" is "claimed_pages" of node N in "nodes",
 * "host-claimed" is "claimed_pages" of "host", "affinity" and "flags" are
 * lists.  CC_HOST_COL: "host-claimed" needs a wider column.  With
 * superpages (API version 4) each node also has "nN-spclaim" and
 * "nN-spmem", "superpage_claimed_pages" and "superpage_mem_pages" in
 * JSON (always there), the superpage claim there and the superpages of
 * nN-mem; claimed and nN-claimed are the 4 KiB claims.
 */
static const char *const cc_dom_cols[] = { "max", "tot", "claimed" };
static const char *const cc_dom_node_cols[] = { "claimed", "mem", "spclaim",
						 "spmem" };
#define CC_HOST_COL	(CC_COL + 2)

static void cc_json_flags(FILE *f, uint32_t flags)
{
	fprintf(f, "\"flags\":[%s]", (flags & NUMACLAIMS_DOMAIN_AUTODESTROY) ?
		"\"autodestroy\"" : "");
}

void cc_print_domains(FILE *f, const struct numaclaims_host_info *hi,
		      const struct numaclaims_domain_info *doms, size_t nr,
		      enum cc_unit unit)
{
	__u64 shown = cc_shown_nodes(hi, doms, nr);
	size_t nodecols = cc_list_superpages(hi, doms, nr) ? 4 : 2;
	char b[40], head[24], aff[200];
	int w = CC_COL, hw = CC_HOST_COL;
	uint32_t n;
	size_t i, c;

	/*
	 * Columns as wide as their widest number plus a space (a domain
	 * created with --max 100000T), all of them alike.
	 */
	for (i = 0; i < nr; i++) {
		const struct numaclaims_domain_info *d = &doms[i];
		__u64 v[3 + 4 * NUMACLAIMS_MAX_NODES];
		size_t k = 0;
		int l;

		v[k++] = d->max_pages;
		v[k++] = d->tot_pages;
		v[k++] = d->outstanding_pages;
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (shown & (1ULL << n)) {
				v[k++] = d->claims[n];
				v[k++] = d->node_pages[n];
				v[k++] = d->superpage_claims[n];
				v[k++] = d->superpage_pages[n];
			}
		for (c = 0; c < k; c++) {
			l = (int)strlen(cc_format_amount(b, sizeof(b), v[c], unit)) + 1;
			if (l > w)
				w = l;
		}
		l = (int)strlen(cc_format_signed(b, sizeof(b), d->outstanding_pages,
						 d->node_claims, unit)) + 2;
		if (l > hw)
			hw = l;
	}
	fprintf(f, "%-7s", "domid");
	for (c = 0; c < 3; c++)
		fprintf(f, "%*s", w, cc_dom_cols[c]);
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		if (!(shown & (1ULL << n)))
			continue;
		for (c = 0; c < nodecols; c++) {
			snprintf(head, sizeof(head), "n%u-%s", n,
				 cc_dom_node_cols[c]);
			fprintf(f, "%*s", w, head);
		}
	}
	fprintf(f, "%*s %5s %-4s %-9s %s\n", hw, "host-claimed", "numa",
		"opt", "affinity", "flags");
	for (i = 0; i < nr; i++) {
		const struct numaclaims_domain_info *d = &doms[i];
		struct claims_domain_numa m;

		fprintf(f, "%-7u", d->domid);
		fprintf(f, "%*s", w,
			cc_format_amount(b, sizeof(b), d->max_pages, unit));
		fprintf(f, "%*s", w,
			cc_format_amount(b, sizeof(b), d->tot_pages, unit));
		fprintf(f, "%*s", w,
			cc_format_amount(b, sizeof(b), d->outstanding_pages,
					 unit));
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
			if (!(shown & (1ULL << n)))
				continue;
			fprintf(f, "%*s", w,
				cc_format_amount(b, sizeof(b), d->claims[n],
						 unit));
			fprintf(f, "%*s", w,
				cc_format_amount(b, sizeof(b),
						 d->node_pages[n], unit));
			if (nodecols < 4)
				continue;
			fprintf(f, "%*s", w,
				cc_format_amount(b, sizeof(b),
						 d->superpage_claims[n], unit));
			fprintf(f, "%*s", w,
				cc_format_amount(b, sizeof(b),
						 d->superpage_pages[n], unit));
		}
		fprintf(f, "%*s", hw,
			cc_format_signed(b, sizeof(b), d->outstanding_pages,
					 d->node_claims, unit));
		claims_domain_numa(d, hi ? text_pool_mask(hi) : 0, &m);
		fprintf(f, " %5u %-4s", m.numa_nodes, m.numa_optimised ? "yes" : "no");
		fprintf(f, " %-9s %s\n",
			cc_format_nodelist(aff, sizeof(aff), d->node_affinity),
			(d->domain_flags & NUMACLAIMS_DOMAIN_AUTODESTROY) ?
			"autodestroy" : "-");
	}
	if (!nr)
		fprintf(f, "(no domains)\n");
}

static void cc_json_nodearray(FILE *f, __u64 mask)
{
	int first = 1;
	uint32_t n;

	fputc('[', f);
	for (n = 0; n < 64; n++) {
		if (!(mask & (1ULL << n)))
			continue;
		fprintf(f, "%s%u", first ? "" : ",", n);
		first = 0;
	}
	fputc(']', f);
}

void cc_print_domains_json(FILE *f, const struct numaclaims_host_info *hi,
			   const struct numaclaims_domain_info *doms,
			   size_t nr)
{
	__u64 shown = cc_shown_nodes(hi, doms, nr);
	uint32_t n;
	size_t i;

	fprintf(f, "{\"page_size\":%llu,\"domains\":[", CC_PAGE_SIZE);
	for (i = 0; i < nr; i++) {
		const struct numaclaims_domain_info *d = &doms[i];
		struct claims_domain_numa m;
		int first = 1;

		fprintf(f, "%s{\"domid\":%u,\"%s_pages\":%llu,\"%s_pages\":%llu"
			",\"%s_pages\":%llu,\"uncounted_pages\":%llu"
			",\"superpage_claimed_pages\":%llu,\"nodes\":[",
			i ? "," : "", d->domid, cc_dom_cols[0], d->max_pages,
			cc_dom_cols[1], d->tot_pages, cc_dom_cols[2],
			d->outstanding_pages, d->uncounted_pages,
			cc_domain_sp_claims(d));
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
			if (!(shown & (1ULL << n)))
				continue;
			fprintf(f, "%s{\"node\":%u,\"%s_pages\":%llu"
				",\"%s_pages\":%llu,\"superpage_claimed_pages\":%llu"
				",\"superpage_mem_pages\":%llu}", first ? "" : ",", n,
				cc_dom_node_cols[0], d->claims[n],
				cc_dom_node_cols[1], d->node_pages[n],
				d->superpage_claims[n], d->superpage_pages[n]);
			first = 0;
		}
		fprintf(f, "],\"host\":{\"claimed_pages\":");
		cc_json_diff(f, d->outstanding_pages, d->node_claims);
		fprintf(f, "},\"affinity\":");
		cc_json_nodearray(f, d->node_affinity);
		fputc(',', f);
		cc_json_flags(f, d->domain_flags);
		/* XenServer 9's VM_metrics names, memory in bytes, shown nodes */
		claims_domain_numa(d, hi ? text_pool_mask(hi) : 0, &m);
		fprintf(f, ",\"numa_nodes\":%u,\"numa_optimised\":%s", m.numa_nodes,
			m.numa_optimised ? "true" : "false");
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (shown & (1ULL << n))
				fprintf(f, ",\"memory_numa_node_%u\":%llu", n,
					(unsigned long long)m.memory_numa_node[n]);
		fputc('}', f);
	}
	fprintf(f, "]}\n");
}

/* ---- claims ---- */

/* A row of `claimctl claims`: "0", "0:2M" (superpages), "host", ... */
static const char *cc_target_label(const struct numaclaims_claim *c,
				   char *buf, size_t len)
{
	if (c->target == NUMACLAIMS_TARGET_HOST)
		return "host";
	if (c->target == NUMACLAIMS_TARGET_LEGACY)
		return "legacy";
	if (c->target >= NUMACLAIMS_TARGET_SPECIAL)
		snprintf(buf, len, "0x%x", c->target);
	else
		snprintf(buf, len, "%u%s", c->target,
			 c->cmd == NUMACLAIMS_CLAIM_SUPERPAGES ? ":2M" : "");
	return buf;
}

/* The host-wide part of a claim set (0 if none). */
static __u64 cc_set_host(const struct numaclaims_claim *set, uint32_t nr)
{
	__u64 host = 0;
	uint32_t i;

	for (i = 0; i < nr; i++)
		if (set[i].target == NUMACLAIMS_TARGET_HOST)
			host += set[i].pages;
	return host;
}

void cc_print_claim_set(FILE *f, uint32_t domid,
			const struct numaclaims_claim *set, uint32_t nr,
			enum cc_unit unit)
{
	char b[40], t[24];
	__u64 total = 0;
	uint32_t i;

	fprintf(f, "domain %u claims; sizes in %s\n", domid,
		unit == CC_UNIT_PAGES ? "4 KiB pages" : "MiB");
	fprintf(f, "%-8s%*s\n", "target", CC_COL, "claimed");
	for (i = 0; i < nr; i++) {
		total += set[i].pages;
		if (set[i].target == NUMACLAIMS_TARGET_HOST)
			continue;
		fprintf(f, "%-8s%*s\n", cc_target_label(&set[i], t, sizeof(t)),
			CC_COL, cc_format_amount(b, sizeof(b), set[i].pages,
						 unit));
	}
	/* Always a host row, as in `claimctl info` (and the JSON). */
	fprintf(f, "%-8s%*s\n", "host", CC_COL,
		cc_format_amount(b, sizeof(b), cc_set_host(set, nr), unit));
	fprintf(f, "%-8s%*s\n", "total", CC_COL,
		cc_format_amount(b, sizeof(b), total, unit));
}

int cc_print_claim_set_json(FILE *f, uint32_t domid,
			    const struct numaclaims_claim *set, uint32_t nr)
{
	__u64 total = 0;
	uint32_t i;
	int first = 1;

	for (i = 0; i < nr; i++)
		if ((set[i].target >= NUMACLAIMS_TARGET_SPECIAL &&
		     set[i].target != NUMACLAIMS_TARGET_HOST) ||
		    set[i].cmd > NUMACLAIMS_CLAIM_SUPERPAGES ||
		    (set[i].cmd && set[i].target == NUMACLAIMS_TARGET_HOST))
			return -EPROTO;
	fprintf(f, "{\"domid\":%u,\"page_size\":%llu,\"nodes\":[", domid,
		CC_PAGE_SIZE);
	for (i = 0; i < nr; i++) {
		total += set[i].pages;
		if (set[i].target == NUMACLAIMS_TARGET_HOST || set[i].cmd)
			continue;
		fprintf(f, "%s{\"node\":%u,\"claimed_pages\":%llu}",
			first ? "" : ",", set[i].target, set[i].pages);
		first = 0;
	}
	/* superpage claims (API version 4), also in the total */
	fprintf(f, "],\"superpages\":[");
	for (i = 0, first = 1; i < nr; i++) {
		if (set[i].cmd != NUMACLAIMS_CLAIM_SUPERPAGES)
			continue;
		fprintf(f, "%s{\"node\":%u,\"claimed_pages\":%llu}",
			first ? "" : ",", set[i].target, set[i].pages);
		first = 0;
	}
	fprintf(f, "],\"host\":{\"claimed_pages\":%llu}"
		",\"total\":{\"claimed_pages\":%llu}}\n", cc_set_host(set, nr),
		total);
	return 0;
}

/* ---- version, create, populate, topology ---- */

void cc_print_version(FILE *f, const struct cc_versions *v)
{
	fprintf(f, "claimctl %s (libclaims %s, uapi version %d)\n", v->claimctl,
		v->libclaims, v->uapi);
	if (v->module >= 0)
		fprintf(f, "module API version %d%s\n", v->module,
			v->module == v->uapi ? "" : " (differs from claimctl's)");
}

void cc_print_version_json(FILE *f, const struct cc_versions *v)
{
	fprintf(f, "{\"claimctl\":\"%s\",\"libclaims\":\"%s\",\"uapi_version\":%d"
		",\"module_api_version\":", v->claimctl, v->libclaims, v->uapi);
	if (v->module >= 0)
		fprintf(f, "%d}\n", v->module);
	else
		fprintf(f, "null}\n");
}

void cc_print_create_json(FILE *f, uint32_t domid, __u64 max_pages,
			  uint32_t flags)
{
	fprintf(f, "{\"domid\":%u,\"page_size\":%llu,\"max_pages\":%llu,",
		domid, CC_PAGE_SIZE, max_pages);
	cc_json_flags(f, flags);
	fprintf(f, "}\n");
}

char *cc_format_progress(char *buf, size_t len, const char *verb,
			 __u64 done, __u64 nr_extents, uint32_t order,
			 __u64 gfn, const char *hint)
{
	char h1[40], h2[40], h3[40];

	snprintf(buf, len,
		 "%s %s of %s (%llu of %llu extents of %s) from gfn 0x%llx%s%s",
		 verb, cc_format_human(h1, sizeof(h1), done << order),
		 cc_format_human(h2, sizeof(h2), nr_extents << order), done,
		 nr_extents, cc_format_human(h3, sizeof(h3), 1ULL << order),
		 gfn, hint && *hint ? "; " : "", hint ? hint : "");
	return buf;
}

void cc_print_populate_json(FILE *f, const struct cc_populate_report *r)
{
	fprintf(f, "{\"domid\":%u,\"page_size\":%llu,\"gfn\":%llu,\"order\":%u"
		",\"node\":", r->domid, CC_PAGE_SIZE, r->gfn, r->order);
	if (r->node >= 0)
		fprintf(f, "%d", r->node);
	else
		fprintf(f, "null");
	fprintf(f, ",\"exact\":%s,\"no_refcount\":%s,\"superpages\":%s"
		",\"nr_extents\":%llu"
		",\"nr_done\":%llu,\"size_pages\":%llu,\"populated_pages\":%llu"
		",\"error\":", r->exact ? "true" : "false",
		r->no_refcount ? "true" : "false",
		r->superpages ? "true" : "false", r->nr_extents, r->nr_done,
		r->nr_extents << r->order, r->nr_done << r->order);
	if (r->err)
		fprintf(f, "\"%s\"}\n", cc_errno_name(r->err));
	else
		fprintf(f, "null}\n");
}

void cc_print_topology(FILE *f, const struct cc_topo_node *nodes, int nr)
{
	char b1[40], b2[40];
	int n, m;

	fprintf(f, "%-6s%*s%*s  %-5s distances\n", "node", CC_COL, "size(MiB)",
		CC_COL, "free(MiB)", "pool");
	for (n = 0; n < nr; n++) {
		const struct cc_topo_node *t = &nodes[n];

		if (!t->have_size) {
			snprintf(b1, sizeof(b1), "-");
			snprintf(b2, sizeof(b2), "-");
		} else {
			cc_format_amount(b1, sizeof(b1),
					 t->size_bytes >> CC_PAGE_SHIFT,
					 CC_UNIT_MIB);
			cc_format_amount(b2, sizeof(b2),
					 t->free_bytes >> CC_PAGE_SHIFT,
					 CC_UNIT_MIB);
		}
		fprintf(f, "%-6d%*s%*s  %-5s", n, CC_COL, b1, CC_COL, b2,
			t->pool < 0 ? "?" : t->pool ? "yes" : "no");
		for (m = 0; m < nr; m++)
			fprintf(f, " %3d", t->distances[m]);
		fputc('\n', f);
	}
}

void cc_print_topology_json(FILE *f, const struct cc_topo_node *nodes,
			    int nr)
{
	int n, m;

	fprintf(f, "{\"nr_nodes\":%d,\"nodes\":[", nr);
	for (n = 0; n < nr; n++) {
		const struct cc_topo_node *t = &nodes[n];

		fprintf(f, "%s{\"node\":%d,", n ? "," : "", n);
		if (t->have_size)
			fprintf(f, "\"size_bytes\":%llu,\"free_bytes\":%llu,",
				(unsigned long long)t->size_bytes,
				(unsigned long long)t->free_bytes);
		else
			fprintf(f, "\"size_bytes\":null,\"free_bytes\":null,");
		fprintf(f, "\"pool\":%s,\"distances\":[", t->pool < 0 ? "null" :
			t->pool ? "true" : "false");
		for (m = 0; m < nr; m++)
			fprintf(f, "%s%d", m ? "," : "", t->distances[m]);
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
}

void cc_print_pools(FILE *f, const struct numaclaims_host_info *hi,
		    const uint64_t *capacity, enum cc_unit unit)
{
	char c[5][32];
	uint32_t n;

	fprintf(f, "%-5s %10s %10s %10s %10s %10s\n", "node", "pool",
		"capacity", "free", "claimed", "unclaimed");
	for (n = 0; n < hi->nr_nodes && n < NUMACLAIMS_MAX_NODES; n++) {
		const struct numaclaims_node_info *ni = &hi->nodes[n];

		if (!ni->has_pool)
			continue;
		fprintf(f, "%-5u %10s %10s %10s %10s %10s\n", n,
			cc_format_amount(c[0], sizeof(c[0]), ni->reserved_pages, unit),
			capacity[n] == CC_NO_CAPACITY ? "-" :
			cc_format_amount(c[1], sizeof(c[1]), capacity[n], unit),
			cc_format_amount(c[2], sizeof(c[2]), ni->avail_pages, unit),
			cc_format_amount(c[3], sizeof(c[3]),
					 ni->outstanding_claims, unit),
			cc_format_amount(c[4], sizeof(c[4]), ni->avail_pages -
					 ni->outstanding_claims, unit));
	}
}

void cc_print_pools_json(FILE *f, const struct numaclaims_host_info *hi,
			 const uint64_t *capacity)
{
	const char *sep = "";
	uint32_t n;

	fprintf(f, "{\"page_size\":%llu,\"nodes\":[", CLAIMS_PAGE_SIZE);
	for (n = 0; n < hi->nr_nodes && n < NUMACLAIMS_MAX_NODES; n++) {
		const struct numaclaims_node_info *ni = &hi->nodes[n];

		if (!ni->has_pool)
			continue;
		fprintf(f, "%s{\"node\":%u,\"pool_pages\":%llu,", sep, n,
			(unsigned long long)ni->reserved_pages);
		if (capacity[n] == CC_NO_CAPACITY)
			fprintf(f, "\"capacity_pages\":null,");
		else
			fprintf(f, "\"capacity_pages\":%llu,",
				(unsigned long long)capacity[n]);
		fprintf(f, "\"free_pages\":%llu,\"claimed_pages\":%llu,\"unclaimed_pages\":%lld}",
			(unsigned long long)ni->avail_pages,
			(unsigned long long)ni->outstanding_claims,
			(long long)(ni->avail_pages - ni->outstanding_claims));
		sep = ",";
	}
	fprintf(f, "]}\n");
}
