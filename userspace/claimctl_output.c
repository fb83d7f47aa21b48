// SPDX-License-Identifier: GPL-2.0
/*
 * claimctl: tables, JSON and error hints, from plain host_info/domain_info
 * structures (no device access, so tests/claimctl-unit.c feeds it fakes).
 *
 * Tables are in MiB with two decimals by default (as numastat), or in exact
 * pages (--pages).  JSON is always in pages, with the uapi field names, and
 * carries "page_size" so a consumer never has to guess.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "claimctl.h"

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
	static const char *const names[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	unsigned __int128 bytes = (unsigned __int128)pages * CC_PAGE_SIZE;
	unsigned __int128 unit = 1024;
	unsigned int i = 0;

	if (!pages) {
		snprintf(buf, len, "0 B");
		return buf;
	}
	while (i + 1 < sizeof(names) / sizeof(names[0]) &&
	       bytes >= unit * 1024) {
		unit *= 1024;
		i++;
	}
	if (bytes % unit == 0) {
		snprintf(buf, len, "%llu %s", (__u64)(bytes / unit),
			 names[i]);
	} else {
		unsigned __int128 h = (bytes * 100 + unit / 2) / unit;

		snprintf(buf, len, "%llu.%02u %s", (__u64)(h / 100),
			 (unsigned int)(h % 100), names[i]);
	}
	return buf;
}

char *cc_format_nodelist(char *buf, size_t len, __u64 mask)
{
	size_t used = 0;
	unsigned int n = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!mask) {
		snprintf(buf, len, "none");
		return buf;
	}
	while (n < 64) {
		unsigned int first, last;
		int w;

		if (!(mask & (1ULL << n))) {
			n++;
			continue;
		}
		first = n;
		while (n + 1 < 64 && (mask & (1ULL << (n + 1))))
			n++;
		last = n++;
		if (first == last)
			w = snprintf(buf + used, len - used, "%s%u",
				     used ? "," : "", first);
		else
			w = snprintf(buf + used, len - used, "%s%u-%u",
				     used ? "," : "", first, last);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	return buf;
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

#define CC_HOST_COLS	6

static void cc_host_row(FILE *f, const char *label,
			const char *const cols[CC_HOST_COLS])
{
	int i;

	fprintf(f, "%-6s", label);
	for (i = 0; i < CC_HOST_COLS; i++)
		fprintf(f, "%*s", CC_COL, cols[i]);
	fputc('\n', f);
}

static uint32_t cc_nr_nodes(const struct numaclaims_host_info *hi)
{
	return hi->nr_nodes < NUMACLAIMS_MAX_NODES ? hi->nr_nodes :
						      NUMACLAIMS_MAX_NODES;
}

/* Sums over the nodes with a pool (the module reports nothing elsewhere). */
struct cc_host_sums {
	__u64 reserved, offlined, node_claims;
};

static void cc_host_sums(const struct numaclaims_host_info *hi,
			 struct cc_host_sums *s)
{
	uint32_t n;

	memset(s, 0, sizeof(*s));
	for (n = 0; n < cc_nr_nodes(hi); n++) {
		if (!hi->nodes[n].has_pool)
			continue;
		s->reserved += hi->nodes[n].reserved_pages;
		s->offlined += hi->nodes[n].offlined_pages;
		s->node_claims += hi->nodes[n].outstanding_claims;
	}
}

void cc_print_host_info(FILE *f, const struct numaclaims_host_info *hi,
			enum cc_unit unit)
{
	static const char *const heads[CC_HOST_COLS] = {
		"reserved", "free", "claimed", "unclaimed", "offlined", "held",
	};
	char b[CC_HOST_COLS][40], label[16];
	const char *cols[CC_HOST_COLS];
	struct cc_host_sums sum;
	uint32_t n, pools = 0;
	int i;

	cc_host_sums(hi, &sum);
	for (n = 0; n < cc_nr_nodes(hi); n++)
		pools += !!hi->nodes[n].has_pool;
	fprintf(f, "numaclaims: %u node%s with a pool, %u domain%s; sizes in %s\n",
		pools, pools == 1 ? "" : "s", hi->nr_domains,
		hi->nr_domains == 1 ? "" : "s",
		unit == CC_UNIT_PAGES ? "4 KiB pages" : "MiB");
	cc_host_row(f, "node", heads);
	for (i = 0; i < CC_HOST_COLS; i++)
		cols[i] = b[i];
	for (n = 0; n < cc_nr_nodes(hi); n++) {
		const struct numaclaims_node_info *ni = &hi->nodes[n];

		if (!ni->has_pool)
			continue;
		cc_format_amount(b[0], sizeof(b[0]), ni->reserved_pages, unit);
		cc_format_amount(b[1], sizeof(b[1]), ni->avail_pages, unit);
		cc_format_amount(b[2], sizeof(b[2]), ni->outstanding_claims,
				 unit);
		cc_format_signed(b[3], sizeof(b[3]), ni->avail_pages,
				 ni->outstanding_claims, unit);
		cc_format_amount(b[4], sizeof(b[4]), ni->offlined_pages, unit);
		cc_format_amount(b[5], sizeof(b[5]), hi->held_pages[n], unit);
		snprintf(label, sizeof(label), "%u", n);
		cc_host_row(f, label, cols);
	}
	/* Host-wide claims: the part of the outstanding claims on no node. */
	for (i = 0; i < CC_HOST_COLS; i++)
		cols[i] = "-";
	cols[2] = b[2];
	cc_format_signed(b[2], sizeof(b[2]), hi->outstanding_claims,
			 sum.node_claims, unit);
	cc_host_row(f, "host", cols);
	for (i = 0; i < CC_HOST_COLS; i++)
		cols[i] = b[i];
	cc_format_amount(b[0], sizeof(b[0]), sum.reserved, unit);
	cc_format_amount(b[1], sizeof(b[1]), hi->total_avail_pages, unit);
	cc_format_amount(b[2], sizeof(b[2]), hi->outstanding_claims, unit);
	cc_format_signed(b[3], sizeof(b[3]), hi->total_avail_pages,
			 hi->outstanding_claims, unit);
	cc_format_amount(b[4], sizeof(b[4]), sum.offlined, unit);
	cc_format_amount(b[5], sizeof(b[5]), hi->total_held_pages, unit);
	cc_host_row(f, "total", cols);
}

/* "N" or "-N" (JSON number) for a - b. */
static void cc_json_diff(FILE *f, __u64 a, __u64 b)
{
	if (a >= b)
		fprintf(f, "%llu", a - b);
	else
		fprintf(f, "-%llu", b - a);
}

void cc_print_host_info_json(FILE *f, const struct numaclaims_host_info *hi)
{
	struct cc_host_sums sum;
	uint32_t n;
	int first = 1;

	cc_host_sums(hi, &sum);
	fprintf(f, "{\"page_size\":%llu,\"nr_nodes\":%u,\"nr_domains\":%u,",
		CC_PAGE_SIZE, hi->nr_nodes, hi->nr_domains);
	fprintf(f, "\"reserved_pages\":%llu,\"total_avail_pages\":%llu"
		",\"outstanding_claims\":%llu,\"node_claims\":%llu"
		",\"host_claims\":", sum.reserved, hi->total_avail_pages,
		hi->outstanding_claims, sum.node_claims);
	cc_json_diff(f, hi->outstanding_claims, sum.node_claims);
	fprintf(f, ",\"unclaimed_pages\":");
	cc_json_diff(f, hi->total_avail_pages, hi->outstanding_claims);
	fprintf(f, ",\"offlined_pages\":%llu,\"total_held_pages\":%llu"
		",\"nodes\":[", sum.offlined, hi->total_held_pages);
	for (n = 0; n < cc_nr_nodes(hi); n++) {
		const struct numaclaims_node_info *ni = &hi->nodes[n];

		if (!ni->has_pool)
			continue;
		fprintf(f, "%s{\"node\":%u,\"reserved_pages\":%llu"
			",\"avail_pages\":%llu"
			",\"outstanding_claims\":%llu,\"unclaimed_pages\":",
			first ? "" : ",", n, ni->reserved_pages,
			ni->avail_pages, ni->outstanding_claims);
		cc_json_diff(f, ni->avail_pages, ni->outstanding_claims);
		fprintf(f, ",\"offlined_pages\":%llu,\"held_pages\":%llu}",
			ni->offlined_pages, hi->held_pages[n]);
		first = 0;
	}
	fprintf(f, "]}\n");
}

/* ---- list ---- */

__u64 cc_domain_nodes(const struct numaclaims_domain_info *di)
{
	__u64 mask = 0;
	uint32_t n;

	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
		if (di->node_pages[n])
			mask |= 1ULL << n;
	return mask;
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
		for (n = 0; n < cc_nr_nodes(hi); n++)
			if (hi->nodes[n].has_pool)
				mask |= 1ULL << n;
	for (i = 0; i < nr; i++)
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (doms[i].claims[n] || doms[i].node_pages[n])
				mask |= 1ULL << n;
	return mask;
}

static const char *cc_domain_flags(uint32_t flags)
{
	return (flags & NUMACLAIMS_DOMAIN_AUTODESTROY) ? "autodestroy" : "-";
}

void cc_print_domains(FILE *f, const struct numaclaims_host_info *hi,
		      const struct numaclaims_domain_info *doms, size_t nr,
		      enum cc_unit unit)
{
	__u64 shown = cc_shown_nodes(hi, doms, nr);
	char b[40], head[24], aff[200];
	uint32_t n;
	size_t i;

	fprintf(f, "%-7s%*s%*s%*s", "domid", CC_COL, "max", CC_COL, "tot",
		CC_COL, "claimed");
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		if (!(shown & (1ULL << n)))
			continue;
		snprintf(head, sizeof(head), "n%u-claim", n);
		fprintf(f, "%*s", CC_COL, head);
		snprintf(head, sizeof(head), "n%u-mem", n);
		fprintf(f, "%*s", CC_COL, head);
	}
	fprintf(f, "%*s  %-9s %s\n", CC_COL, "host-wide", "affinity", "flags");
	for (i = 0; i < nr; i++) {
		const struct numaclaims_domain_info *d = &doms[i];

		fprintf(f, "%-7u", d->domid);
		fprintf(f, "%*s", CC_COL,
			cc_format_amount(b, sizeof(b), d->max_pages, unit));
		fprintf(f, "%*s", CC_COL,
			cc_format_amount(b, sizeof(b), d->tot_pages, unit));
		fprintf(f, "%*s", CC_COL,
			cc_format_amount(b, sizeof(b), d->outstanding_pages,
					 unit));
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
			if (!(shown & (1ULL << n)))
				continue;
			fprintf(f, "%*s", CC_COL,
				cc_format_amount(b, sizeof(b), d->claims[n],
						 unit));
			fprintf(f, "%*s", CC_COL,
				cc_format_amount(b, sizeof(b),
						 d->node_pages[n], unit));
		}
		fprintf(f, "%*s", CC_COL,
			cc_format_signed(b, sizeof(b), d->outstanding_pages,
					 d->node_claims, unit));
		fprintf(f, "  %-9s %s\n",
			cc_format_nodelist(aff, sizeof(aff), d->node_affinity),
			cc_domain_flags(d->domain_flags));
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
		int first = 1;

		fprintf(f, "%s{\"domid\":%u,\"autodestroy\":%s,\"max_pages\":%llu"
			",\"tot_pages\":%llu"
			",\"outstanding_pages\":%llu,\"node_claims\":%llu"
			",\"host_claim\":", i ? "," : "", d->domid,
			(d->domain_flags & NUMACLAIMS_DOMAIN_AUTODESTROY) ?
			"true" : "false", d->max_pages, d->tot_pages,
			d->outstanding_pages, d->node_claims);
		cc_json_diff(f, d->outstanding_pages, d->node_claims);
		fprintf(f, ",\"uncounted_pages\":%llu,\"node_affinity\":",
			d->uncounted_pages);
		cc_json_nodearray(f, d->node_affinity);
		fprintf(f, ",\"nodes\":[");
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
			if (!(shown & (1ULL << n)))
				continue;
			fprintf(f, "%s{\"node\":%u,\"claim\":%llu"
				",\"pages\":%llu}", first ? "" : ",", n,
				d->claims[n], d->node_pages[n]);
			first = 0;
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
}

/* ---- claims ---- */

static const char *cc_target_label(uint32_t target, char *buf, size_t len)
{
	if (target == NUMACLAIMS_TARGET_HOST)
		return "host";
	if (target == NUMACLAIMS_TARGET_LEGACY)
		return "legacy";
	if (target >= NUMACLAIMS_TARGET_SPECIAL)
		snprintf(buf, len, "0x%x", target);
	else
		snprintf(buf, len, "%u", target);
	return buf;
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
		fprintf(f, "%-8s%*s\n", cc_target_label(set[i].target, t,
							 sizeof(t)),
			CC_COL, cc_format_amount(b, sizeof(b), set[i].pages,
						 unit));
		total += set[i].pages;
	}
	fprintf(f, "%-8s%*s\n", "total", CC_COL,
		cc_format_amount(b, sizeof(b), total, unit));
}

void cc_print_claim_set_json(FILE *f, uint32_t domid,
			     const struct numaclaims_claim *set, uint32_t nr)
{
	__u64 total = 0;
	uint32_t i;
	char t[24];

	fprintf(f, "{\"domid\":%u,\"page_size\":%llu,\"claims\":[", domid,
		CC_PAGE_SIZE);
	for (i = 0; i < nr; i++) {
		const char *label = cc_target_label(set[i].target, t, sizeof(t));

		if (set[i].target < NUMACLAIMS_TARGET_SPECIAL)
			fprintf(f, "%s{\"target\":%s,\"pages\":%llu}",
				i ? "," : "", label, set[i].pages);
		else
			fprintf(f, "%s{\"target\":\"%s\",\"pages\":%llu}",
				i ? "," : "", label, set[i].pages);
		total += set[i].pages;
	}
	fprintf(f, "],\"total_pages\":%llu}\n", total);
}

/* ---- hints ---- */

static void cc_hint(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cc_hint(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static __u64 cc_pool_mask(const struct numaclaims_host_info *hi)
{
	__u64 mask = 0;
	uint32_t n;

	for (n = 0; n < cc_nr_nodes(hi); n++)
		if (hi->nodes[n].has_pool)
			mask |= 1ULL << n;
	return mask;
}

static int cc_node_has_pool(const struct numaclaims_host_info *hi,
			    uint32_t node)
{
	return node < cc_nr_nodes(hi) && hi->nodes[node].has_pool;
}

/* Unclaimed pages of @node, counting @own (the domain's claim) as free. */
static __u64 cc_node_claimable(const struct numaclaims_host_info *hi,
				  uint32_t node, __u64 own)
{
	const struct numaclaims_node_info *ni = &hi->nodes[node];
	__u64 used = ni->outstanding_claims > own ?
			ni->outstanding_claims - own : 0;

	return ni->avail_pages > used ? ni->avail_pages - used : 0;
}

static __u64 cc_host_claimable(const struct numaclaims_host_info *hi,
				  __u64 own)
{
	__u64 used = hi->outstanding_claims > own ?
			hi->outstanding_claims - own : 0;

	return hi->total_avail_pages > used ? hi->total_avail_pages - used : 0;
}

void cc_generic_hint(char *buf, size_t len, int err, long long domid)
{
	switch (err) {
	case ESRCH:
		if (domid >= 0)
			cc_hint(buf, len,
				"no domain %lld (or it is being destroyed); see 'claimctl list'",
				domid);
		else
			cc_hint(buf, len, "no such domain; see 'claimctl list'");
		break;
	case EPERM:
	case EACCES:
		cc_hint(buf, len,
			"changing numaclaims state needs CAP_SYS_ADMIN; run as root");
		break;
	case ENOTTY:
		cc_hint(buf, len,
			"the device does not know this request; is it /dev/numaclaims and is numaclaims.ko as new as claimctl?");
		break;
	case EFAULT:
		cc_hint(buf, len, "bad buffer passed to the module (a claimctl bug)");
		break;
	case EINTR:
		cc_hint(buf, len, "interrupted by a signal; run the command again");
		break;
	default:
		buf[0] = '\0';
		break;
	}
}

void cc_claim_hint(char *buf, size_t len, int err,
		   const struct numaclaims_claim *set, uint32_t nr,
		   const struct numaclaims_host_info *hi,
		   const struct numaclaims_domain_info *di)
{
	char h1[40], h2[40], h3[40], nodes[200];
	__u64 total = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < nr; i++)
		total += set[i].pages;
	switch (err) {
	case ENOENT:
		for (i = 0; hi && i < nr; i++) {
			if (set[i].target >= NUMACLAIMS_TARGET_SPECIAL ||
			    cc_node_has_pool(hi, set[i].target))
				continue;
			cc_hint(buf, len,
				"node %u has no numaclaims pool; nodes with a pool: %s",
				set[i].target,
				cc_format_nodelist(nodes, sizeof(nodes),
						   cc_pool_mask(hi)));
			return;
		}
		cc_hint(buf, len, "a claimed node has no numaclaims pool; see 'claimctl info'");
		return;
	case E2BIG:
		cc_hint(buf, len,
			"a claim set has at most one entry per node plus one host entry");
		return;
	case ENOMEM:
		if (!hi)
			break;
		for (i = 0; i < nr; i++) {
			uint32_t node = set[i].target;
			__u64 own = di && node < NUMACLAIMS_MAX_NODES ?
				       di->claims[node] : 0;
			__u64 can;

			if (node >= NUMACLAIMS_TARGET_SPECIAL ||
			    !cc_node_has_pool(hi, node))
				continue;
			can = cc_node_claimable(hi, node, own);
			if (set[i].pages > can) {
				cc_hint(buf, len,
					"node %u has only %s unclaimed, %s asked; claim less or on another node",
					node,
					cc_format_human(h1, sizeof(h1), can),
					cc_format_human(h2, sizeof(h2),
							set[i].pages));
				return;
			}
		}
		if (nr == 1 && set[0].target == NUMACLAIMS_TARGET_LEGACY && di)
			total = set[0].pages > di->tot_pages ?
				set[0].pages - di->tot_pages : 0;
		{
			__u64 can = cc_host_claimable(hi, di ?
						di->outstanding_pages : 0);

			if (total > can) {
				cc_hint(buf, len,
					"the host has only %s unclaimed, the claims total %s; claim less, or destroy domains or release their claims",
					cc_format_human(h1, sizeof(h1), can),
					cc_format_human(h2, sizeof(h2), total));
				return;
			}
		}
		cc_hint(buf, len,
			"not enough unclaimed memory (other domains claimed it meanwhile?); see 'claimctl info'");
		return;
	case EINVAL:
		if (nr == 1 && set[0].target == NUMACLAIMS_TARGET_LEGACY && di) {
			if (set[0].pages && set[0].pages <= di->tot_pages) {
				cc_hint(buf, len,
					"a legacy target is the domain's total memory and must exceed the %s it already has",
					cc_format_human(h1, sizeof(h1),
							di->tot_pages));
				return;
			}
			if (set[0].pages > di->max_pages) {
				cc_hint(buf, len,
					"the legacy target %s exceeds the domain's max %s; raise it with 'claimctl maxmem %u SIZE'",
					cc_format_human(h1, sizeof(h1),
							set[0].pages),
					cc_format_human(h2, sizeof(h2),
							di->max_pages),
					di->domid);
				return;
			}
		}
		if (di && (di->tot_pages > di->max_pages ||
			   total > di->max_pages - di->tot_pages)) {
			cc_hint(buf, len,
				"domain %u may hold at most %s and has %s; the claims total %s; raise the limit with 'claimctl maxmem %u SIZE'",
				di->domid,
				cc_format_human(h1, sizeof(h1), di->max_pages),
				cc_format_human(h2, sizeof(h2), di->tot_pages),
				cc_format_human(h3, sizeof(h3), total),
				di->domid);
			return;
		}
		cc_hint(buf, len, "the module refused the claim set as malformed");
		return;
	default:
		break;
	}
	cc_generic_hint(buf, len, err, di ? (long long)di->domid : -1);
}

void cc_claim_pages_hint(char *buf, size_t len, int err, __u64 target,
			 const struct numaclaims_host_info *hi,
			 const struct numaclaims_domain_info *di)
{
	char h1[40], h2[40];

	buf[0] = '\0';
	if (err == EINVAL && di) {
		if (di->outstanding_pages) {
			cc_hint(buf, len,
				"domain %u already has a claim of %s (one legacy claim per domain); release it first with 'claimctl claim-pages %u 0'",
				di->domid,
				cc_format_human(h1, sizeof(h1),
						di->outstanding_pages),
				di->domid);
			return;
		}
		if (target <= di->tot_pages) {
			cc_hint(buf, len,
				"the target is the domain's total memory and must exceed the %s it already has",
				cc_format_human(h1, sizeof(h1), di->tot_pages));
			return;
		}
		if (target > di->max_pages) {
			cc_hint(buf, len,
				"the target %s exceeds the domain's max %s; raise it with 'claimctl maxmem %u SIZE'",
				cc_format_human(h1, sizeof(h1), target),
				cc_format_human(h2, sizeof(h2), di->max_pages),
				di->domid);
			return;
		}
	}
	if (err == ENOMEM && hi && di) {
		__u64 need = target > di->tot_pages ?
				target - di->tot_pages : 0;

		cc_hint(buf, len,
			"the host has only %s unclaimed, %s needed; claim less, or destroy domains or release their claims",
			cc_format_human(h1, sizeof(h1), cc_host_claimable(hi, 0)),
			cc_format_human(h2, sizeof(h2), need));
		return;
	}
	cc_generic_hint(buf, len, err, di ? (long long)di->domid : -1);
}

void cc_populate_hint(char *buf, size_t len, int err, int node,
		      __u64 extent_pages, uint32_t mem_flags,
		      const struct numaclaims_host_info *hi,
		      const struct numaclaims_domain_info *di)
{
	char h1[40], h2[40], h3[40], nodes[200];

	buf[0] = '\0';
	switch (err) {
	case E2BIG:
		if (di)
			cc_hint(buf, len,
				"domain %u would exceed its max of %s (it has %s); raise it with 'claimctl maxmem %u SIZE'",
				di->domid,
				cc_format_human(h1, sizeof(h1), di->max_pages),
				cc_format_human(h2, sizeof(h2), di->tot_pages),
				di->domid);
		return;
	case EEXIST:
		cc_hint(buf, len,
			"a gfn in the range is already populated; pass --gfn START beyond the populated range, or free it first");
		return;
	case ENOENT:
		if (hi && node >= 0)
			cc_hint(buf, len,
				"node %d has no numaclaims pool; nodes with a pool: %s",
				node, cc_format_nodelist(nodes, sizeof(nodes),
							 cc_pool_mask(hi)));
		return;
	case EINVAL:
		cc_hint(buf, len,
			"bad gfn, order or flags: gfns must be aligned to the extent size and below 2^40");
		return;
	case ENOMEM:
		if (!hi)
			break;
		if (node >= 0 && cc_node_has_pool(hi, (uint32_t)node)) {
			__u64 own = (di && !(mem_flags & NUMACLAIMS_MEMF_NO_REFCOUNT)) ?
				       di->claims[node] : 0;

			cc_hint(buf, len,
				"node %d can give this domain only %s (free %s, claimed by others %s) for an extent of %s%s; claim first ('claimctl claim') or use another node",
				node,
				cc_format_human(h1, sizeof(h1),
						cc_node_claimable(hi, (uint32_t)node, own)),
				cc_format_human(h2, sizeof(h2),
						hi->nodes[node].avail_pages),
				cc_format_human(h3, sizeof(h3),
						hi->nodes[node].outstanding_claims > own ?
						hi->nodes[node].outstanding_claims - own : 0),
				cc_format_human(nodes, sizeof(nodes), extent_pages),
				(mem_flags & NUMACLAIMS_MEMF_EXACT_NODE) ?
				" (--exact)" : "");
			return;
		}
		cc_hint(buf, len,
			"the host has %s unclaimed and the domain has %s claimed; claim first ('claimctl claim') or free memory",
			cc_format_human(h1, sizeof(h1), cc_host_claimable(hi, 0)),
			cc_format_human(h2, sizeof(h2),
					di ? di->outstanding_pages : 0));
		return;
	default:
		break;
	}
	cc_generic_hint(buf, len, err, di ? (long long)di->domid : -1);
}

void cc_offline_hint(char *buf, size_t len, int err, int online,
		     uint32_t node, __u64 pages,
		     const struct numaclaims_host_info *hi)
{
	char h1[40], h2[40], nodes[200];

	buf[0] = '\0';
	if (err == ENOENT && hi) {
		cc_hint(buf, len,
			"node %u has no numaclaims pool; nodes with a pool: %s",
			node, cc_format_nodelist(nodes, sizeof(nodes),
						 cc_pool_mask(hi)));
		return;
	}
	if (!online && err == ENOMEM && hi && cc_node_has_pool(hi, node)) {
		cc_hint(buf, len,
			"node %u has only %s free in its pool, %s asked; only free pool pages can be offlined",
			node,
			cc_format_human(h1, sizeof(h1), hi->nodes[node].avail_pages),
			cc_format_human(h2, sizeof(h2), pages));
		return;
	}
	if (online && err == EINVAL && hi && cc_node_has_pool(hi, node)) {
		cc_hint(buf, len,
			"node %u has only %s offlined, %s asked",
			node,
			cc_format_human(h1, sizeof(h1),
					hi->nodes[node].offlined_pages),
			cc_format_human(h2, sizeof(h2), pages));
		return;
	}
	cc_generic_hint(buf, len, err, -1);
}
