// SPDX-License-Identifier: GPL-2.0
/*
 * metrics-unit: cc_metrics_render() (claimctl metrics) on fixed host and
 * domain structures: the exact samples for a known state (node pools, a
 * node with no pool, claims above the free pages, host-wide claims, a
 * domain with pages on a node without a pool), every metric's # HELP and
 * # TYPE once and before its samples.  With FILE arguments it also writes
 * the rendered texts there, for the format check (metrics-test.sh runs
 * prom-check.py and, where installed, promtool on them).  TAP output.
 *
 * usage: metrics-unit [FULL.prom [EMPTY.prom]]
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimctl_metrics.h"
#include "tap.h"

static char *render(const struct numaclaims_host_info *hi,
		    const struct numaclaims_domain_info *doms, size_t nr)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	cc_metrics_render(f, hi, doms, nr);
	fclose(f);
	return buf;
}

/* The whole line LINE is in TEXT. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

static int count_prefix(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = text;
	int c = 0;

	for (; *p; p = strchr(p, '\n') + 1) {
		if (!strncmp(p, prefix, n))
			c++;
		if (!strchr(p, '\n'))
			break;
	}
	return c;
}

static void check_line(const char *text, const char *line)
{
	tap(has_line(text, line), "sample: %s", line);
}

/* @want samples start with @prefix. */
static void check_count(const char *text, const char *prefix, int want,
			const char *what)
{
	int got = count_prefix(text, prefix);

	tap(got == want, "%s (%d samples)", what, got);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static struct numaclaims_host_info hi, empty;
	static struct numaclaims_domain_info d[2];
	char *text, *etext;
	const char *p;
	int bad;

	/* Nodes 0 and 2 have a pool, node 1 none; 3 node ids. */
	hi.nr_nodes = 3;
	hi.nr_domains = 2;
	hi.nodes[0] = (struct numaclaims_node_info){ .reserved_pages = 65536,
		.avail_pages = 60000, .outstanding_claims = 1000,
		.offlined_pages = 512, .has_pool = 1 };
	hi.nodes[2] = (struct numaclaims_node_info){ .reserved_pages = 32768,
		.avail_pages = 100, .outstanding_claims = 300, .has_pool = 1 };
	hi.held_pages[0] = 24;
	hi.total_held_pages = 24;
	hi.scrub_pages[0] = 4608;
	hi.scrub_pages[1] = 77;		/* node 1 has no pool: not shown */
	hi.scrub_pages[2] = 1536;
	hi.total_scrub_pages = 4608 + 1536;
	hi.total_avail_pages = 60100;
	hi.outstanding_claims = 1300 + 2048;	/* 2048 host-wide */
	/* superpages (API version 4) on node 0 */
	hi.superpages[0] = (struct numaclaims_node_superpages){
		.reserved_pages = 2048, .free_pages = 1536,
		.outstanding_claims = 1024, .held_pages = 512 };
	hi.superpages[1].reserved_pages = 512;	/* no pool: not shown */

	d[0] = (struct numaclaims_domain_info){ .domid = 7, .max_pages = 262144,
		.tot_pages = 4096, .outstanding_pages = 1000 + 2048,
		.node_claims = 1000, .uncounted_pages = 16 };
	d[0].claims[0] = 1000;
	d[0].node_pages[0] = 4000;
	d[0].node_pages[1] = 112;	/* on node 1, which has no pool */
	d[0].superpage_claims[0] = 1024;
	d[0].superpage_pages[0] = 512;	/* of the 4000 on node 0 */
	d[1] = (struct numaclaims_domain_info){ .domid = 3, .max_pages = 1024,
		.outstanding_pages = 300, .node_claims = 300 };
	d[1].claims[2] = 300;

	text = render(&hi, d, 2);

	check_line(text, "numaclaims_page_size_bytes 4096");
	check_line(text, "numaclaims_pool_nodes 2");
	check_line(text, "numaclaims_domains 2");
	check_line(text, "numaclaims_claimed_pages 3348");
	check_line(text, "numaclaims_host_claimed_pages 2048");
	check_line(text, "numaclaims_node_reserved_pages{node=\"0\"} 65536");
	check_line(text, "numaclaims_node_reserved_pages{node=\"2\"} 32768");
	check_line(text, "numaclaims_node_free_pages{node=\"0\"} 60000");
	check_line(text, "numaclaims_node_claimed_pages{node=\"2\"} 300");
	check_line(text, "numaclaims_node_unclaimed_pages{node=\"0\"} 59000");
	/* claims above the free pages: negative, as claimctl info shows */
	check_line(text, "numaclaims_node_unclaimed_pages{node=\"2\"} -200");
	check_line(text, "numaclaims_node_offlined_pages{node=\"0\"} 512");
	check_line(text, "numaclaims_node_held_pages{node=\"0\"} 24");
	check_line(text, "numaclaims_node_held_pages{node=\"2\"} 0");
	check_line(text, "numaclaims_node_scrub_pages{node=\"0\"} 4608");
	check_line(text, "numaclaims_node_scrub_pages{node=\"2\"} 1536");
	check_line(text, "numaclaims_node_superpage_reserved_pages{node=\"0\"} 2048");
	check_line(text, "numaclaims_node_superpage_free_pages{node=\"0\"} 1536");
	check_line(text, "numaclaims_node_superpage_claimed_pages{node=\"0\"} 1024");
	check_line(text, "numaclaims_node_superpage_unclaimed_pages{node=\"0\"} 512");
	check_line(text, "numaclaims_node_superpage_held_pages{node=\"0\"} 512");
	check_line(text, "numaclaims_node_superpage_reserved_pages{node=\"2\"} 0");
	tap(!strstr(text, "numaclaims_node_superpage_reserved_pages{node=\"1\"}"),
	    "no superpage series for node 1, which has no pool");
	tap(!strstr(text, "numaclaims_node_free_pages{node=\"1\"}") &&
	    !strstr(text, "numaclaims_node_reserved_pages{node=\"1\"}") &&
	    !strstr(text, "numaclaims_node_scrub_pages{node=\"1\"}"),
	    "no node series for node 1, which has no pool");
	check_line(text, "numaclaims_domain_max_pages{domid=\"7\"} 262144");
	check_line(text, "numaclaims_domain_tot_pages{domid=\"7\"} 4096");
	check_line(text, "numaclaims_domain_tot_pages{domid=\"3\"} 0");
	check_line(text, "numaclaims_domain_claimed_pages{domid=\"7\"} 3048");
	check_line(text, "numaclaims_domain_host_claimed_pages{domid=\"7\"} 2048");
	check_line(text, "numaclaims_domain_host_claimed_pages{domid=\"3\"} 0");
	check_line(text, "numaclaims_domain_uncounted_pages{domid=\"7\"} 16");
	check_line(text, "numaclaims_domain_node_claimed_pages{domid=\"7\",node=\"0\"} 1000");
	check_line(text, "numaclaims_domain_node_claimed_pages{domid=\"3\",node=\"2\"} 300");
	check_line(text, "numaclaims_domain_node_claimed_pages{domid=\"3\",node=\"0\"} 0");
	check_line(text, "numaclaims_domain_node_mem_pages{domid=\"7\",node=\"0\"} 4000");
	check_line(text, "numaclaims_domain_node_superpage_claimed_pages{domid=\"7\",node=\"0\"} 1024");
	check_line(text, "numaclaims_domain_node_superpage_mem_pages{domid=\"7\",node=\"0\"} 512");
	check_line(text, "numaclaims_domain_node_superpage_mem_pages{domid=\"3\",node=\"0\"} 0");
	check_count(text, "numaclaims_domain_node_superpage_claimed_pages{", 6,
		    "domain_node_superpage_claimed_pages: 2 domains x nodes 0, 1, 2");
	/* a node some domain has pages on is shown for every domain */
	check_line(text, "numaclaims_domain_node_mem_pages{domid=\"7\",node=\"1\"} 112");
	check_line(text, "numaclaims_domain_node_mem_pages{domid=\"3\",node=\"1\"} 0");
	check_count(text, "numaclaims_domain_node_mem_pages{", 6,
		    "domain_node_mem_pages: 2 domains x nodes 0, 1, 2");
	/* XenServer 9's per-VM NUMA metrics: domain 7 has memory on nodes 0
	 * and 1 (2 nodes, the host has 2 pools: not optimised), domain 3 none */
	check_line(text, "numaclaims_domain_numa_nodes{domid=\"7\"} 2");
	check_line(text, "numaclaims_domain_numa_optimised{domid=\"7\"} 0");
	check_line(text, "numaclaims_domain_numa_nodes{domid=\"3\"} 0");
	check_line(text, "numaclaims_domain_numa_optimised{domid=\"3\"} 0");
	check_line(text, "numaclaims_domain_memory_numa_node_bytes{domid=\"7\",node=\"0\"} 16384000");
	check_line(text, "numaclaims_domain_memory_numa_node_bytes{domid=\"7\",node=\"1\"} 458752");
	check_line(text, "numaclaims_domain_memory_numa_node_bytes{domid=\"3\",node=\"2\"} 0");
	check_count(text, "numaclaims_domain_memory_numa_node_bytes{", 6,
		    "domain_memory_numa_node_bytes: 2 domains x nodes 0, 1, 2");
	{
		struct numaclaims_domain_info one = d[1];
		char *t1;

		one.node_pages[2] = 256;	/* domain 3 on node 2 only */
		t1 = render(&hi, &one, 1);
		check_line(t1, "numaclaims_domain_numa_nodes{domid=\"3\"} 1");
		check_line(t1, "numaclaims_domain_numa_optimised{domid=\"3\"} 1");
		check_line(t1, "numaclaims_domain_memory_numa_node_bytes{domid=\"3\",node=\"2\"} 1048576");
		free(t1);
	}
	check_count(text, "numaclaims_node_", 24, "node metrics: 12 figures x 2 pools");

	/* Every family: HELP, then TYPE gauge, then its samples. */
	bad = 0;
	for (p = text; *p; p = strchr(p, '\n') + 1) {
		char name[80], help_name[80];

		if (!strncmp(p, "# HELP ", 7)) {
			if (sscanf(p, "# HELP %79s", help_name) != 1)
				bad++;
			const char *t = strchr(p, '\n') + 1;

			if (sscanf(t, "# TYPE %79s gauge\n", name) != 1 ||
			    strcmp(name, help_name))
				bad++;
		}
		if (!strchr(p, '\n'))
			break;
	}
	tap(!bad, "every # HELP is followed by its # TYPE gauge");
	tap(count_prefix(text, "# HELP ") == count_prefix(text, "# TYPE ") &&
	    count_prefix(text, "# HELP ") == 30,
	    "30 metric families, as many HELP as TYPE lines (%d, %d)",
	    count_prefix(text, "# HELP "), count_prefix(text, "# TYPE "));
	tap(text[strlen(text) - 1] == '\n', "ends with a newline");

	/* No module state to speak of: still every family, no samples of
	 * the node and domain ones. */
	etext = render(&empty, NULL, 0);
	check_line(etext, "numaclaims_domains 0");
	check_line(etext, "numaclaims_pool_nodes 0");
	tap(count_prefix(etext, "# HELP ") == 30 &&
	    !strstr(etext, "{"), "no pools, no domains: 30 families, no labelled sample");

	if (argc > 1)
		write_file(argv[1], text);
	if (argc > 2)
		write_file(argv[2], etext);
	free(text);
	free(etext);
	return tap_end();
}
