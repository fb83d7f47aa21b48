// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libclaims: why the module refused a claim set, in one clause
 * (LIBCLAIMS_1.5), for claimctl's messages and the Python binding's
 * exceptions alike.  No device access; returns 0 or -errno, never errno.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "claims.h"
#include "text.h"

/* Does @set have a superpage entry?  Only then are the v4 tails read. */
static int dg_has_superpages(const struct numaclaims_claim *set, uint32_t nr)
{
	uint32_t i;

	for (i = 0; i < nr; i++)
		if (set[i].cmd == NUMACLAIMS_CLAIM_SUPERPAGES)
			return 1;
	return 0;
}

/* ENOMEM for superpage entry @c: its node's superpages; 1 if said. */
static int dg_superpages_nomem(const struct numaclaims_claim *c,
			       const struct numaclaims_host_info *hi,
			       const struct numaclaims_domain_info *di,
			       char *buf, size_t len)
{
	uint32_t node = c->target;
	char h1[40], h2[40];
	__u64 own, can;

	if (node >= NUMACLAIMS_MAX_NODES || !text_node_has_pool(hi, node))
		return 0;
	if (!hi->superpages[node].reserved_pages) {
		text_fail(0, buf, len,
			"node %u has no superpages (module parameters superpage_pool_mb, node_superpage_mb); claim 4 KiB pages there (without :2M) or superpages on a node that has them",
			node);
		return 1;
	}
	own = di ? di->superpage_claims[node] : 0;
	can = text_node_sp_claimable(hi, node, own);
	if (c->pages <= can)
		return 0;
	text_fail(0, buf, len,
		"node %u has only %s of unclaimed superpages, %s asked; claim less, on another node, or as 4 KiB pages (without :2M)",
		node, text_format_human(h1, sizeof(h1), can),
		text_format_human(h2, sizeof(h2), c->pages));
	return 1;
}

int claims_claim_diagnose(int err, const struct numaclaims_claim *set,
			  uint32_t nr, const struct numaclaims_host_info *hi,
			  const struct numaclaims_domain_info *di, char *buf,
			  size_t len)
{
	char h1[40], h2[40], h3[40], nodes[200];
	__u64 total = 0, total4k = 0;
	uint32_t i;
	int sp;

	if (!buf || !len || (nr && !set))
		return -EINVAL;
	buf[0] = '\0';
	sp = dg_has_superpages(set, nr);
	for (i = 0; i < nr; i++) {
		total += set[i].pages;
		if (set[i].cmd != NUMACLAIMS_CLAIM_SUPERPAGES)
			total4k += set[i].pages;
	}
	switch (err) {
	case ENOENT:
		for (i = 0; hi && i < nr; i++) {
			if (set[i].target >= NUMACLAIMS_TARGET_SPECIAL ||
			    text_node_has_pool(hi, set[i].target))
				continue;
			text_fail(0, buf, len,
				"node %u has no numaclaims pool; nodes with a pool: %s",
				set[i].target,
				text_format_nodelist(nodes, sizeof(nodes),
						   text_pool_mask(hi)));
			return 0;
		}
		text_fail(0, buf, len, "a claimed node has no numaclaims pool; see 'claimctl info'");
		return 0;
	case E2BIG:
		text_fail(0, buf, len,
			"a claim set has at most one entry per node plus one host entry (with superpages, API version 4: one 4 KiB and one superpage entry per node, plus one host entry)");
		return 0;
	case ENOMEM:
		if (!hi)
			break;
		for (i = 0; i < nr; i++) {
			uint32_t node = set[i].target;
			__u64 own = di && node < NUMACLAIMS_MAX_NODES ?
				       di->claims[node] : 0;
			__u64 can;

			if (set[i].cmd == NUMACLAIMS_CLAIM_SUPERPAGES) {
				if (dg_superpages_nomem(&set[i], hi, di, buf,
							len))
					return 0;
				continue;
			}
			if (node >= NUMACLAIMS_TARGET_SPECIAL ||
			    !text_node_has_pool(hi, node))
				continue;
			can = text_node_claimable(hi, node, own);
			if (set[i].pages > can) {
				text_fail(0, buf, len,
					"node %u has only %s unclaimed%s, %s asked; claim less or on another node",
					node,
					text_format_human(h1, sizeof(h1), can),
					hi->growable_pages[node] ?
					" with what its pool may still grow by" : "",
					text_format_human(h2, sizeof(h2),
							set[i].pages));
				return 0;
			}
		}
		/* the host-wide check counts 4 KiB claims only */
		total = total4k;
		if (nr == 1 && set[0].target == NUMACLAIMS_TARGET_LEGACY && di)
			total = set[0].pages > di->tot_pages ?
				set[0].pages - di->tot_pages : 0;
		{
			__u64 can = text_host_claimable(hi, di ?
						di->outstanding_pages : 0);

			if (total > can) {
				text_fail(0, buf, len,
					"the host has only %s unclaimed, the claims total %s; claim less, or destroy domains or release their claims",
					text_format_human(h1, sizeof(h1), can),
					text_format_human(h2, sizeof(h2), total));
				return 0;
			}
		}
		text_fail(0, buf, len,
			"not enough unclaimed memory (other domains claimed it meanwhile?); see 'claimctl info'");
		return 0;
	case EINVAL:
		if (nr == 1 && set[0].target == NUMACLAIMS_TARGET_LEGACY && di) {
			if (set[0].pages && set[0].pages <= di->tot_pages) {
				text_fail(0, buf, len,
					"a legacy target is the domain's total memory and must exceed the %s it already has",
					text_format_human(h1, sizeof(h1),
							di->tot_pages));
				return 0;
			}
			if (set[0].pages > di->max_pages) {
				text_fail(0, buf, len,
					"the legacy target %s exceeds the domain's max %s; raise it with 'claimctl maxmem %u SIZE'",
					text_format_human(h1, sizeof(h1),
							set[0].pages),
					text_format_human(h2, sizeof(h2),
							di->max_pages),
					di->domid);
				return 0;
			}
		}
		if (di && (di->tot_pages > di->max_pages ||
			   total > di->max_pages - di->tot_pages)) {
			text_fail(0, buf, len,
				"domain %u may hold at most %s and has %s; the claims total %s; raise the limit with 'claimctl maxmem %u SIZE'",
				di->domid,
				text_format_human(h1, sizeof(h1), di->max_pages),
				text_format_human(h2, sizeof(h2), di->tot_pages),
				text_format_human(h3, sizeof(h3), total),
				di->domid);
			return 0;
		}
		if (sp) {
			for (i = 0; i < nr; i++)
				if (set[i].cmd == NUMACLAIMS_CLAIM_SUPERPAGES &&
				    (set[i].target >= NUMACLAIMS_TARGET_SPECIAL ||
				     set[i].pages % NUMACLAIMS_SUPERPAGE_PAGES)) {
					text_fail(0, buf, len,
						"a superpage claim is on a node and whole 2 MiB (NODE:SIZE:2M)");
					return 0;
				}
			text_fail(0, buf, len,
				"superpage claims need a module of API version 4 (claimctl version); claim 4 KiB pages (without :2M)");
			return 0;
		}
		text_fail(0, buf, len, "the module refused the claim set as malformed");
		return 0;
	default:
		break;
	}
	return 0;
}
