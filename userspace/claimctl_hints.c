// SPDX-License-Identifier: GPL-2.0
/*
 * claimctl: hints, the clause after a failed call that says why and what
 * to do ("node 1 has only 812 MiB unclaimed; claim less or on another
 * node").  A refused claim set's is libclaims' claims_claim_diagnose(), the
 * Python binding's too.  No device access: tests/claimctl-unit.c tests
 * these as they are.
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

static void cc_hint(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cc_hint(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
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
	/* libclaims' diagnosis, the Python binding's too; else the generic. */
	if (!claims_claim_diagnose(err, set, nr, hi, di, buf, len) && buf[0])
		return;
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
			cc_format_human(h1, sizeof(h1), text_host_claimable(hi, 0)),
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
							 text_pool_mask(hi)));
		return;
	case EINVAL:
		cc_hint(buf, len,
			"bad gfn, order or flags: gfns must be aligned to the extent size and below 2^40");
		return;
	case ENOMEM:
		if (!hi)
			break;
		if (mem_flags & NUMACLAIMS_MEMF_SUPERPAGE) {
			/* superpages only: the domain's claims, else unclaimed ones */
			__u64 can = 0, claimed = 0;
			uint32_t n;

			for (n = 0; n < text_nr_nodes(hi); n++) {
				__u64 own = di ? di->superpage_claims[n] : 0;

				if (!hi->nodes[n].has_pool ||
				    (node >= 0 && n != (uint32_t)node))
					continue;
				can += text_node_sp_claimable(hi, n, own);
				claimed += own;
			}
			if (node >= 0)
				snprintf(nodes, sizeof(nodes), "node %d", node);
			else
				snprintf(nodes, sizeof(nodes), "the host");
			cc_hint(buf, len,
				"%s has no superpage left for this domain (%s claimed by it, %s unclaimed); claim superpages first ('claimctl claim DOMID N:SIZE:2M'), or populate without --superpages",
				nodes, cc_format_human(h1, sizeof(h1), claimed),
				cc_format_human(h2, sizeof(h2), can > claimed ?
						can - claimed : 0));
			return;
		}
		if (node >= 0 && text_node_has_pool(hi, (uint32_t)node)) {
			__u64 own = (di && !(mem_flags & NUMACLAIMS_MEMF_NO_REFCOUNT)) ?
				       di->claims[node] : 0;

			cc_hint(buf, len,
				"node %d can give this domain only %s (free %s, claimed by others %s) for an extent of %s%s; claim first ('claimctl claim') or use another node",
				node,
				cc_format_human(h1, sizeof(h1),
						text_node_claimable(hi, (uint32_t)node, own)),
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
			cc_format_human(h1, sizeof(h1), text_host_claimable(hi, 0)),
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
						 text_pool_mask(hi)));
		return;
	}
	if (!online && err == ENOMEM && hi && text_node_has_pool(hi, node)) {
		cc_hint(buf, len,
			"node %u has only %s free in its pool, %s asked; only free pool pages can be offlined",
			node,
			cc_format_human(h1, sizeof(h1), hi->nodes[node].avail_pages),
			cc_format_human(h2, sizeof(h2), pages));
		return;
	}
	if (online && err == EINVAL && hi && text_node_has_pool(hi, node)) {
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

void cc_build_nomem_hint(char *buf, size_t len,
			 const struct claims_plan_request *r,
			 const struct claims_plan_topology *t, uint32_t attempts)
{
	char most[32], host[32], want[32];
	uint64_t best = 0;
	int n, best_node = -1;

	for (n = 0; n < (int)t->nr_nodes; n++) {
		if (!(t->pool_nodes & (1ULL << n)) ||
		    (r->allowed_nodes && !(r->allowed_nodes & (1ULL << n))))
			continue;
		if (best_node < 0 || t->free_pages[n] > best) {
			best = t->free_pages[n];
			best_node = n;
		}
	}
	cc_format_human(want, sizeof(want), r->pages);
	cc_format_human(most, sizeof(most), best);
	cc_format_human(host, sizeof(host), t->host_free_pages);
	if (r->flags & CLAIMS_PLAN_SUPERPAGES) {
		/* @t is the superpage topology (claims_plan_topology_read_flags) */
		snprintf(buf, len,
			 "no plan of %s of superpages fits now (%u install%s tried; node %d "
			 "has the most unclaimed superpages, %s, all nodes %s); claim less, "
			 "allow more nodes (--nodes, --max-nodes) or a larger --max-distance, "
			 "or plan 4 KiB pages (without --superpages)",
			 want, attempts, attempts == 1 ? "" : "s", best_node, most, host);
		return;
	}
	/* Only what is not asked for already: not --spread with --spread. */
	snprintf(buf, len,
		 "no plan for %s fits now (%u install%s tried; node %d has the most "
		 "unclaimed, %s, the host %s); claim less, or allow more nodes "
		 "(--nodes, --max-nodes)%s%s",
		 want, attempts, attempts == 1 ? "" : "s", best_node, most, host,
		 r->flags & CLAIMS_PLAN_SPREAD ? " or a larger --max-distance" :
		 ", a larger --max-distance or --spread",
		 r->flags & CLAIMS_PLAN_SPREAD ? " (--spread is given)" : "");
}

const char *cc_open_hint(int err, const char *device)
{
	int other = device && strcmp(device, CLAIMS_DEVICE);

	if (err == ENOENT && other)
		return "check --device: it names the numaclaims device (default " CLAIMS_DEVICE ")";
	if (err == ENOENT || err == ENODEV || err == ENXIO)
		return CC_HINT_NOT_LOADED;
	if (err == EACCES || err == EPERM)
		return "the device is root-only; run as root";
	return NULL;
}

int cc_error(const char *what, int err, const char *hint)
{
	fprintf(stderr, "claimctl: %s: %s (%s)%s%s\n", what, cc_errno_name(err),
		strerror(err), hint && *hint ? ": " : "", hint ? hint : "");
	return 1;
}
