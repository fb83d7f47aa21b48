// SPDX-License-Identifier: GPL-2.0
/*
 * claimctl metrics [FILE]: the pools (HOST_INFO) and every domain
 * (DOMAIN_INFO) as Prometheus text exposition, format 0.0.4: for each
 * metric one "# HELP" and one "# TYPE" line, then its samples
 * "name{label="value",...} value".  Every figure is a gauge; counts are in
 * 4 KiB pages (numaclaims_page_size_bytes says how big), as in
 * `claimctl info --json`.  See claimctl_metrics.h.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "claims.h"
#include "claimctl.h"
#include "claimctl_metrics.h"

/* One metric family: its name (after "numaclaims_"), help text, scope. */
enum mt_scope { MT_HOST, MT_NODE, MT_DOMAIN, MT_DOMAIN_NODE };

enum mt_id {
	MT_PAGE_SIZE, MT_POOL_NODES, MT_DOMAINS, MT_CLAIMED, MT_HOST_CLAIMED,
	MT_NODE_RESERVED, MT_NODE_FREE, MT_NODE_CLAIMED, MT_NODE_UNCLAIMED,
	MT_NODE_OFFLINED, MT_NODE_SCRUB, MT_NODE_HELD,
	MT_NODE_SP_RESERVED, MT_NODE_SP_FREE, MT_NODE_SP_CLAIMED,
	MT_NODE_SP_UNCLAIMED, MT_NODE_SP_HELD, MT_NODE_CAPACITY,
	MT_DOM_MAX, MT_DOM_TOT, MT_DOM_CLAIMED, MT_DOM_HOST_CLAIMED,
	MT_DOM_UNCOUNTED, MT_DOM_NUMA_NODES, MT_DOM_NUMA_OPTIMISED,
	MT_DOM_NODE_CLAIMED, MT_DOM_NODE_MEM, MT_DOM_NODE_MEMORY_BYTES,
	MT_DOM_NODE_SP_CLAIMED, MT_DOM_NODE_SP_MEM,
	MT_NR
};

static const struct {
	const char *name;
	enum mt_scope scope;
	const char *help;
} mt_defs[MT_NR] = {
	[MT_PAGE_SIZE] = { "page_size_bytes", MT_HOST,
		"Bytes in one page of the numaclaims_*_pages metrics." },
	[MT_POOL_NODES] = { "pool_nodes", MT_HOST,
		"NUMA nodes with a numaclaims pool." },
	[MT_DOMAINS] = { "domains", MT_HOST,
		"Domains that exist." },
	[MT_CLAIMED] = { "claimed_pages", MT_HOST,
		"Outstanding claims of all domains, node and host-wide parts." },
	[MT_HOST_CLAIMED] = { "host_claimed_pages", MT_HOST,
		"Outstanding host-wide claims (on no particular node)." },
	[MT_NODE_RESERVED] = { "node_reserved_pages", MT_NODE,
		"Pages the node's pool holds from Linux (its size: at load, then as resized)." },
	[MT_NODE_FREE] = { "node_free_pages", MT_NODE,
		"Free pages in the node's pool, claimed or not." },
	[MT_NODE_CLAIMED] = { "node_claimed_pages", MT_NODE,
		"Outstanding claims of all domains on the node." },
	[MT_NODE_UNCLAIMED] = { "node_unclaimed_pages", MT_NODE,
		"Free minus claimed pages on the node: what a new claim can get." },
	[MT_NODE_OFFLINED] = { "node_offlined_pages", MT_NODE,
		"Pool pages of the node taken out of service." },
	[MT_NODE_SCRUB] = { "node_scrub_pages", MT_NODE,
		"Free pages of the node waiting to be scrubbed (part of the free pages)." },
	[MT_NODE_HELD] = { "node_held_pages", MT_NODE,
		"Pages a domain freed while something still pinned them." },
	[MT_NODE_SP_RESERVED] = { "node_superpage_reserved_pages", MT_NODE,
		"Pages of the node's superpages (2 MiB blocks kept whole) taken from Linux at load." },
	[MT_NODE_SP_FREE] = { "node_superpage_free_pages", MT_NODE,
		"Pages of the node's free superpages, claimed or not." },
	[MT_NODE_SP_CLAIMED] = { "node_superpage_claimed_pages", MT_NODE,
		"Outstanding superpage claims of all domains on the node." },
	[MT_NODE_SP_UNCLAIMED] = { "node_superpage_unclaimed_pages", MT_NODE,
		"Free minus claimed superpage pages on the node: what a new superpage claim can get." },
	[MT_NODE_SP_HELD] = { "node_superpage_held_pages", MT_NODE,
		"Pages of superpages a domain freed while something still pinned them." },
	[MT_NODE_CAPACITY] = { "node_capacity_pages", MT_NODE,
		"The most pages the node's pool can be resized to (no sample from a module older than API version 5)." },
	[MT_DOM_MAX] = { "domain_max_pages", MT_DOMAIN,
		"The domain's memory limit (max_pages)." },
	[MT_DOM_TOT] = { "domain_tot_pages", MT_DOMAIN,
		"Pages counted to the domain (tot_pages)." },
	[MT_DOM_CLAIMED] = { "domain_claimed_pages", MT_DOMAIN,
		"The domain's outstanding claims, node and host-wide parts." },
	[MT_DOM_HOST_CLAIMED] = { "domain_host_claimed_pages", MT_DOMAIN,
		"The domain's outstanding host-wide claim." },
	[MT_DOM_UNCOUNTED] = { "domain_uncounted_pages", MT_DOMAIN,
		"Pages in the domain's physmap not counted to it (no-refcount populates)." },
	[MT_DOM_NUMA_NODES] = { "domain_numa_nodes", MT_DOMAIN,
		"NUMA nodes the domain has memory on (XenServer's numa_nodes)." },
	[MT_DOM_NUMA_OPTIMISED] = { "domain_numa_optimised", MT_DOMAIN,
		"1 if the domain's memory is on one node or on fewer nodes than the host has pools (XenServer's numa_optimised), else 0." },
	[MT_DOM_NODE_CLAIMED] = { "domain_node_claimed_pages", MT_DOMAIN_NODE,
		"The domain's outstanding claim on the node." },
	[MT_DOM_NODE_MEM] = { "domain_node_mem_pages", MT_DOMAIN_NODE,
		"Pages of the domain's physmap on the node, counted or not." },
	[MT_DOM_NODE_MEMORY_BYTES] = { "domain_memory_numa_node_bytes", MT_DOMAIN_NODE,
		"Bytes of the domain's memory on the node (XenServer's memory_numa_node_X), exact." },
	[MT_DOM_NODE_SP_CLAIMED] = { "domain_node_superpage_claimed_pages", MT_DOMAIN_NODE,
		"The domain's outstanding superpage claim on the node (not in its claimed pages)." },
	[MT_DOM_NODE_SP_MEM] = { "domain_node_superpage_mem_pages", MT_DOMAIN_NODE,
		"Pages of the domain's physmap on the node that are superpages." },
};

static uint32_t mt_nr_nodes(const struct numaclaims_host_info *hi)
{
	return hi->nr_nodes < NUMACLAIMS_MAX_NODES ? hi->nr_nodes :
						      NUMACLAIMS_MAX_NODES;
}

/* a - b as a signed sample value (a transient claim above the free pages). */
static void mt_diff(FILE *f, __u64 a, __u64 b)
{
	if (a >= b)
		fprintf(f, "%llu\n", a - b);
	else
		fprintf(f, "-%llu\n", b - a);
}

static __u64 mt_node_claims(const struct numaclaims_host_info *hi)
{
	__u64 sum = 0;
	uint32_t n;

	for (n = 0; n < mt_nr_nodes(hi); n++)
		if (hi->nodes[n].has_pool)
			sum += hi->nodes[n].outstanding_claims;
	return sum;
}

static void mt_host_sample(FILE *f, const char *name, enum mt_id id,
			   const struct numaclaims_host_info *hi)
{
	uint32_t n, pools = 0;

	fprintf(f, "%s ", name);
	switch (id) {
	case MT_PAGE_SIZE:
		fprintf(f, "%llu\n", CC_PAGE_SIZE);
		break;
	case MT_POOL_NODES:
		for (n = 0; n < mt_nr_nodes(hi); n++)
			pools += !!hi->nodes[n].has_pool;
		fprintf(f, "%u\n", pools);
		break;
	case MT_DOMAINS:
		fprintf(f, "%u\n", hi->nr_domains);
		break;
	case MT_CLAIMED:
		fprintf(f, "%llu\n", hi->outstanding_claims);
		break;
	default:	/* MT_HOST_CLAIMED */
		mt_diff(f, hi->outstanding_claims, mt_node_claims(hi));
		break;
	}
}

static void mt_node_sample(FILE *f, const char *name, enum mt_id id,
			   const struct numaclaims_host_info *hi, uint32_t n)
{
	const struct numaclaims_node_info *ni = &hi->nodes[n];

	fprintf(f, "%s{node=\"%u\"} ", name, n);
	switch (id) {
	case MT_NODE_RESERVED:	fprintf(f, "%llu\n", ni->reserved_pages); break;
	case MT_NODE_FREE:	fprintf(f, "%llu\n", ni->avail_pages); break;
	case MT_NODE_CLAIMED:	fprintf(f, "%llu\n", ni->outstanding_claims); break;
	case MT_NODE_UNCLAIMED:	mt_diff(f, ni->avail_pages, ni->outstanding_claims); break;
	case MT_NODE_OFFLINED:	fprintf(f, "%llu\n", ni->offlined_pages); break;
	case MT_NODE_SCRUB:	fprintf(f, "%llu\n", hi->scrub_pages[n]); break;
	case MT_NODE_SP_RESERVED:
		fprintf(f, "%llu\n", hi->superpages[n].reserved_pages);
		break;
	case MT_NODE_SP_FREE:
		fprintf(f, "%llu\n", hi->superpages[n].free_pages);
		break;
	case MT_NODE_SP_CLAIMED:
		fprintf(f, "%llu\n", hi->superpages[n].outstanding_claims);
		break;
	case MT_NODE_SP_UNCLAIMED:
		mt_diff(f, hi->superpages[n].free_pages,
			hi->superpages[n].outstanding_claims);
		break;
	case MT_NODE_SP_HELD:
		fprintf(f, "%llu\n", hi->superpages[n].held_pages);
		break;
	default:		fprintf(f, "%llu\n", hi->held_pages[n]); break;
	}
}

static void mt_domain_sample(FILE *f, const char *name, enum mt_id id,
			     const struct numaclaims_domain_info *di,
			     const struct claims_domain_numa *m)
{
	fprintf(f, "%s{domid=\"%u\"} ", name, di->domid);
	switch (id) {
	case MT_DOM_NUMA_NODES:	fprintf(f, "%u\n", m->numa_nodes); break;
	case MT_DOM_NUMA_OPTIMISED: fprintf(f, "%u\n", m->numa_optimised); break;
	case MT_DOM_MAX:	fprintf(f, "%llu\n", di->max_pages); break;
	case MT_DOM_TOT:	fprintf(f, "%llu\n", di->tot_pages); break;
	case MT_DOM_CLAIMED:	fprintf(f, "%llu\n", di->outstanding_pages); break;
	case MT_DOM_HOST_CLAIMED:
		mt_diff(f, di->outstanding_pages, di->node_claims);
		break;
	default:		fprintf(f, "%llu\n", di->uncounted_pages); break;
	}
}

void cc_metrics_render(FILE *f, const struct numaclaims_host_info *hi,
		       const struct numaclaims_domain_info *doms, size_t nr)
{
	char name[64];
	__u64 shown = 0;	/* nodes of the per-node domain series */
	__u64 pools = 0;
	struct claims_domain_numa m;
	uint32_t n;
	size_t d;
	int id;

	for (n = 0; n < mt_nr_nodes(hi); n++)
		if (hi->nodes[n].has_pool)
			shown |= 1ULL << n;
	pools = shown;
	for (d = 0; d < nr; d++)
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (doms[d].claims[n] || doms[d].node_pages[n] ||
			    doms[d].superpage_claims[n])
				shown |= 1ULL << n;

	for (id = 0; id < MT_NR; id++) {
		snprintf(name, sizeof(name), "numaclaims_%s", mt_defs[id].name);
		fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name,
			mt_defs[id].help, name);
		switch (mt_defs[id].scope) {
		case MT_HOST:
			mt_host_sample(f, name, id, hi);
			break;
		case MT_NODE:
			for (n = 0; n < mt_nr_nodes(hi); n++) {
				uint64_t cap;

				if (!hi->nodes[n].has_pool)
					continue;
				if (id != MT_NODE_CAPACITY)
					mt_node_sample(f, name, id, hi, n);
				else if (!claims_pool_capacity(n, &cap))
					fprintf(f, "%s{node=\"%u\"} %llu\n", name,
						n, (unsigned long long)cap);
			}
			break;
		case MT_DOMAIN:
			for (d = 0; d < nr; d++) {
				claims_domain_numa(&doms[d], pools, &m);
				mt_domain_sample(f, name, id, &doms[d], &m);
			}
			break;
		case MT_DOMAIN_NODE:
			for (d = 0; d < nr; d++) {
				claims_domain_numa(&doms[d], pools, &m);
				for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
					if (!(shown & (1ULL << n)))
						continue;
					fprintf(f, "%s{domid=\"%u\",node=\"%u\"} %llu\n",
						name, doms[d].domid, n,
						id == MT_DOM_NODE_CLAIMED ?
						doms[d].claims[n] :
						id == MT_DOM_NODE_MEM ?
						doms[d].node_pages[n] :
						id == MT_DOM_NODE_SP_CLAIMED ?
						doms[d].superpage_claims[n] :
						id == MT_DOM_NODE_SP_MEM ?
						doms[d].superpage_pages[n] :
						(unsigned long long)m.memory_numa_node[n]);
				}
			}
			break;
		}
	}
}

/* claimctl's one failure line (cc_error()), "metrics: WHAT". */
static int mt_error(const char *what, int err, const char *hint)
{
	char buf[400];

	snprintf(buf, sizeof(buf), "metrics: %s", what);
	return cc_error(buf, err, hint);
}

/* Host and every domain; 0 or a negative errno (with one line said). */
static int mt_read(const char *device, struct numaclaims_host_info *hi,
		   struct numaclaims_domain_info **domsp, size_t *nrp)
{
	const char *path = device ? device : CLAIMS_DEVICE;
	struct claims_handle *h;
	int ret;

	ret = claims_open_handle(path, &h);
	if (ret) {
		char what[300];

		snprintf(what, sizeof(what), "open %s", path);
		mt_error(what, -ret, cc_open_hint(-ret, device));
		return ret;
	}
	ret = claims_physinfo(h, hi);
	if (ret) {
		claims_close(h);
		mt_error("read host info", -ret, NULL);
		return ret;
	}
	ret = claims_domain_list(h, domsp, nrp);
	claims_close(h);
	if (ret) {
		mt_error("list domains", -ret, NULL);
		return ret;
	}
	/* The domain count of the same moment as the domains listed. */
	hi->nr_domains = (__u32)*nrp;
	return 0;
}

/* FILE atomically: a temporary in its directory, then rename(2). */
static int mt_write_file(const char *file,
			 const struct numaclaims_host_info *hi,
			 const struct numaclaims_domain_info *doms, size_t nr)
{
	size_t len = strlen(file);
	char *tmp = malloc(len + 8);
	FILE *f;
	int fd, err;

	if (!tmp)
		return mt_error("write", ENOMEM, NULL);
	/* "FILE.XXXXXX": not a *.prom name, so the collector skips it. */
	snprintf(tmp, len + 8, "%s.XXXXXX", file);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		free(tmp);
		return mt_error(file, err, "cannot create a file next to it");
	}
	/* mkstemp gives 0600; the collector may run as another user. */
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		err = errno;
		close(fd);
		goto fail;
	}
	cc_metrics_render(f, hi, doms, nr);
	if (fflush(f) || ferror(f) || fsync(fileno(f))) {
		err = errno ? errno : EIO;
		fclose(f);
		goto fail;
	}
	if (fclose(f)) {
		err = errno;
		goto fail;
	}
	if (rename(tmp, file)) {
		err = errno;
		goto fail;
	}
	free(tmp);
	return EXIT_SUCCESS;
fail:
	unlink(tmp);
	free(tmp);
	return mt_error(file, err, NULL);
}

int cc_metrics_main(const char *device, int argc, char **argv)
{
	struct numaclaims_domain_info *doms = NULL;
	struct numaclaims_host_info hi;
	size_t nr = 0;
	int st;

	if (argc > 0 && !argv[0][0]) {
		fprintf(stderr, "claimctl: metrics: FILE must not be empty\n");
		return 2;
	}
	if (mt_read(device, &hi, &doms, &nr))
		return EXIT_FAILURE;
	if (argc > 0) {
		st = mt_write_file(argv[0], &hi, doms, nr);
	} else {
		cc_metrics_render(stdout, &hi, doms, nr);
		st = fflush(stdout) || ferror(stdout) ?
		     mt_error("write standard output", errno ? errno : EIO, NULL) :
		     EXIT_SUCCESS;
	}
	free(doms);
	return st;
}
