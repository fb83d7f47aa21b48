// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of libclaims' pure planner, claims_plan_compute():
 * hand-checked plans on 2-, 4- and 8-node topologies with asymmetric SLIT
 * distances, bad input, a 20-node host (the greedy search), and random
 * topologies checked against a brute-force reference of the rules; the
 * core-aware choice (claims_plan_compute_cores()) on SMT and non-SMT
 * hosts and the memory-only policy, and claims_node_cores() on fake sysfs
 * trees (a temporary directory).  No device: TAP on stdout, exit status 1
 * if any test failed.  Built with
 * -fsanitize=address,undefined and linked against libclaims.so (so a
 * planner symbol missing from libclaims.map fails the build).
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "claims.h"
#include "tap.h"

#define G	((uint64_t)512)	/* 2 MiB in pages: the unit of the examples */

static struct claims_plan_topology *topo(int n, const uint32_t *d,
					 const uint64_t *free_pages,
					 uint32_t cpus)
{
	static struct claims_plan_topology t;
	int a, b;

	memset(&t, 0, sizeof(t));
	t.nr_nodes = n;
	for (a = 0; a < n; a++) {
		t.pool_nodes |= 1ULL << a;
		t.free_pages[a] = free_pages[a];
		t.host_free_pages += free_pages[a];
		t.cpus[a] = cpus;
		for (b = 0; b < n; b++)
			t.distance[a][b] = d[a * n + b];
	}
	return &t;
}

static struct claims_plan_request req(uint64_t pages, int cpu)
{
	struct claims_plan_request r = { .pages = pages, .cpu_node = cpu };

	return r;
}

/* "0:30G,3:30G" style, in G units when whole, else pages */
static const char *fmt_plan(const struct claims_plan *p)
{
	static char buf[1024];
	size_t o = 0;
	uint32_t i;

	buf[0] = 0;
	for (i = 0; i < p->nr_entries && o < sizeof(buf) - 64; i++) {
		uint64_t pg = p->set[i].pages;
		char tgt[16];

		if (p->set[i].target == NUMACLAIMS_TARGET_HOST)
			snprintf(tgt, sizeof(tgt), "host");
		else if (p->set[i].cmd == NUMACLAIMS_CLAIM_SUPERPAGES)
			snprintf(tgt, sizeof(tgt), "sp%u", p->set[i].target);
		else
			snprintf(tgt, sizeof(tgt), "%u", p->set[i].target);
		if (pg % G)
			o += snprintf(buf + o, sizeof(buf) - o, "%s%s:%" PRIu64 "p",
				      i ? "," : "", tgt, pg);
		else
			o += snprintf(buf + o, sizeof(buf) - o, "%s%s:%" PRIu64 "G",
				      i ? "," : "", tgt, pg / G);
	}
	return buf;
}

/* One case: the plan (or errno) expected, as fmt_plan() writes it. */
static void expect(const char *name, const struct claims_plan_topology *t,
		   const struct claims_plan_request *r, int want_ret,
		   const char *want_set, uint32_t want_kind, int64_t want_dist)
{
	struct claims_plan p;
	int ret;

	memset(&p, 0xa5, sizeof(p));
	ret = claims_plan_compute(t, r, &p);
	if (want_ret) {
		struct claims_plan zero;

		memset(&zero, 0, sizeof(zero));
		tap(ret == want_ret && !memcmp(&p, &zero, sizeof(p)),
		    "%s: %s, plan zeroed (got %d%s%s)", name,
		    want_ret == -ENOMEM ? "ENOMEM" : want_ret == -ENOENT ? "ENOENT" :
		    "EINVAL", ret, ret ? "" : " with ", ret ? "" : fmt_plan(&p));
		return;
	}
	tap(ret == 0 && !strcmp(fmt_plan(&p), want_set) && p.kind == want_kind &&
	    (want_dist < 0 || p.distance == (uint32_t)want_dist),
	    "%s: %s kind %u distance %" PRId64 " (got %d: %s kind %u distance %u)",
	    name, want_set, want_kind, want_dist, ret, ret ? "-" : fmt_plan(&p),
	    p.kind, p.distance);
}

/* ---- 2 nodes: node 0 reaches node 1 at 16, node 1 reaches node 0 at 28 ---- */
static void test_two_nodes(void)
{
	static const uint32_t d[] = { 10, 16,
				      28, 10 };
	uint64_t f[] = { 100 * G, 60 * G };
	struct claims_plan_topology *t = topo(2, d, f, 1);
	struct claims_plan_request r;
	struct claims_plan p;

	r = req(50 * G, 1);
	expect("2n: fits the CPU node", t, &r, 0, "1:50G", CLAIMS_PLAN_ONE_NODE, 10);
	claims_plan_compute(t, &r, &p);
	tap(p.nodemask == 2 && p.cpu_nodemask == 2 && p.host_pages == 0 &&
	    p.nr_entries == 1, "2n: masks of a one-node plan: nodes 1, cpus 1");
	r = req(80 * G, 1);
	expect("2n: CPU node too small: the other node whole", t, &r, 0, "0:80G",
	       CLAIMS_PLAN_ONE_NODE, 28);
	claims_plan_compute(t, &r, &p);
	tap(p.nodemask == 1 && p.cpu_nodemask == 2,
	    "2n: memory on node 0, vCPUs stay on node 1 (cpu_nodemask %#" PRIx64 ")",
	    p.cpu_nodemask);
	r = req(80 * G, CLAIMS_PLAN_NO_NODE);
	expect("2n: no CPU node: the roomiest node", t, &r, 0, "0:80G",
	       CLAIMS_PLAN_ONE_NODE, 10);
	r = req(50 * G, CLAIMS_PLAN_NO_NODE);
	expect("2n: no CPU node, both fit: the roomiest", t, &r, 0, "0:50G",
	       CLAIMS_PLAN_ONE_NODE, 10);
	r = req(120 * G, 1);
	expect("2n: two nodes, CPU node filled first", t, &r, 0, "0:60G,1:60G",
	       CLAIMS_PLAN_NODES, 28);
	r = req(140 * G, 0);
	expect("2n: two nodes from node 0: node 0 full, node 1 the rest", t, &r, 0,
	       "0:100G,1:40G", CLAIMS_PLAN_NODES, 16);
	r = req(130 * G, CLAIMS_PLAN_NO_NODE);
	expect("2n: two nodes evenly, the smaller all it has", t, &r, 0,
	       "0:70G,1:60G", CLAIMS_PLAN_NODES, 28);
	r = req(120 * G, 0);
	r.max_distance = 20;
	expect("2n: bound 20 from node 0 allows node 1 (0->1 is 16)", t, &r, 0,
	       "0:100G,1:20G", CLAIMS_PLAN_NODES, 16);
	r.cpu_node = 1;
	expect("2n: bound 20 from node 1 refuses node 0 (1->0 is 28)", t, &r,
	       -ENOMEM, NULL, 0, 0);
	r.cpu_node = CLAIMS_PLAN_NO_NODE;
	expect("2n: bound 20 without CPU node: the pair is 28 one way", t, &r,
	       -ENOMEM, NULL, 0, 0);
	r.flags = CLAIMS_PLAN_SPREAD;
	expect("2n: ... with SPREAD: node 0's room, the rest host-wide", t, &r, 0,
	       "0:100G,host:20G", CLAIMS_PLAN_HOST_SPREAD, 10);
	claims_plan_compute(t, &r, &p);
	tap(p.host_pages == 20 * G && p.nodemask == 1,
	    "2n: spread: host_pages 20G, populate nodes 0");
	r = req(120 * G, CLAIMS_PLAN_NO_NODE);
	r.max_nodes = 1;
	expect("2n: max_nodes 1: no single node has 120G", t, &r, -ENOMEM, NULL, 0, 0);
	r.flags = CLAIMS_PLAN_SPREAD;
	expect("2n: max_nodes 1 + SPREAD: one node part, host-wide rest", t, &r, 0,
	       "0:100G,host:20G", CLAIMS_PLAN_HOST_SPREAD, 10);
	r = req(170 * G, CLAIMS_PLAN_NO_NODE);
	r.flags = CLAIMS_PLAN_SPREAD;
	expect("2n: more than the host has, even with SPREAD", t, &r, -ENOMEM,
	       NULL, 0, 0);
	r = req(50 * G, CLAIMS_PLAN_NO_NODE);
	r.vcpus = 2;
	expect("2n: 2 vCPUs need both nodes' CPUs, split evenly", t, &r, 0,
	       "0:25G,1:25G", CLAIMS_PLAN_NODES, 28);
	r.vcpus = 3;
	expect("2n: 3 vCPUs: the host has 2 CPUs", t, &r, -ENOMEM, NULL, 0, 0);
	r.vcpus = 3;
	r.cpu_node = 0;
	expect("2n: vCPUs ignored with a CPU node", t, &r, 0, "0:50G",
	       CLAIMS_PLAN_ONE_NODE, 10);

	/* another domain's host-wide claim: the node sums are not enough */
	t->host_free_pages = 100 * G;
	r = req(120 * G, CLAIMS_PLAN_NO_NODE);
	r.flags = CLAIMS_PLAN_SPREAD;
	expect("2n: host-wide unclaimed below the size: nothing", t, &r, -ENOMEM,
	       NULL, 0, 0);
	t->host_free_pages = 160 * G;

	/* 2 MiB alignment: node 1 has 60G + 300 pages */
	t->free_pages[1] = 60 * G + 300;
	t->host_free_pages = 160 * G + 300;
	r = req(100 * G + 200, 1);
	expect("2n: unaligned room: the CPU node's part rounded down to 2 MiB", t,
	       &r, 0, "0:20680p,1:60G", CLAIMS_PLAN_NODES, 28);
	r = req(160 * G + 300, 1);
	expect("2n: every page of both nodes (no rounding room)", t, &r, 0,
	       "0:100G,1:31020p", CLAIMS_PLAN_NODES, 28);
	t->free_pages[1] = 0;
	r = req(10 * G, 1);
	expect("2n: a node with nothing unclaimed is never used", t, &r, 0,
	       "0:10G", CLAIMS_PLAN_ONE_NODE, 28);
	r.allowed_nodes = 2;
	expect("2n: only node 1 allowed, and it is full", t, &r, -ENOMEM, NULL, 0, 0);
	r.flags = CLAIMS_PLAN_SPREAD;
	expect("2n: ... SPREAD: all host-wide", t, &r, 0, "host:10G",
	       CLAIMS_PLAN_HOST_SPREAD, 0);
	claims_plan_compute(t, &r, &p);
	tap(p.nodemask == 2 && p.host_pages == 10 * G,
	    "2n: host-only spread: populate affinity = the allowed nodes (%#" PRIx64 ")",
	    p.nodemask);
}

/*
 * ---- 4 nodes: two sockets of two.  0->1 is 12 but 1->0 is 30; 2 and 3 are
 * 11/13 apart.  Free 40G, 42G, 35G, 35G. ----
 */
static const uint32_t D4[] = { 10, 12, 20, 22,
			       30, 10, 21, 20,
			       20, 22, 10, 11,
			       21, 20, 13, 10 };

static void test_four_nodes(void)
{
	uint64_t f[] = { 40 * G, 42 * G, 35 * G, 35 * G };
	struct claims_plan_topology *t = topo(4, D4, f, 2);
	struct claims_plan_request r;

	r = req(30 * G, 2);
	expect("4n: one node, the CPU node", t, &r, 0, "2:30G", CLAIMS_PLAN_ONE_NODE, 10);
	r = req(38 * G, 2);
	expect("4n: CPU node 2 too small: nearest that fits by 2->n (node 0 at 20)",
	       t, &r, 0, "0:38G", CLAIMS_PLAN_ONE_NODE, 20);
	r = req(38 * G, 3);
	expect("4n: CPU node 3: node 1 at 3->1 = 20 (not node 0 at 21)", t, &r, 0,
	       "1:38G", CLAIMS_PLAN_ONE_NODE, 20);
	r = req(60 * G, CLAIMS_PLAN_NO_NODE);
	expect("4n: no CPU node: the tight pair 2,3 (13), not 0,1 (12 one way, 30 back)",
	       t, &r, 0, "2:30G,3:30G", CLAIMS_PLAN_NODES, 13);
	r = req(60 * G, 0);
	expect("4n: from CPU node 0: 0,1 (0->1 is 12)", t, &r, 0, "0:40G,1:20G",
	       CLAIMS_PLAN_NODES, 12);
	r = req(60 * G, 1);
	expect("4n: from CPU node 1: 1,3 (1->3 is 20, 1->0 is 30)", t, &r, 0,
	       "1:42G,3:18G", CLAIMS_PLAN_NODES, 20);
	r = req(75 * G, CLAIMS_PLAN_NO_NODE);
	expect("4n: 75G: the fewest nodes (2) beat a closer set of 3; 1,3 at 20 with the most room",
	       t, &r, 0, "1:40G,3:35G", CLAIMS_PLAN_NODES, 20);
	r = req(100 * G, CLAIMS_PLAN_NO_NODE);
	expect("4n: three nodes: 1,2,3 (22) beat anything with 0 and 1 (30)", t, &r,
	       0, "1:33G,2:34G,3:33G", CLAIMS_PLAN_NODES, 22);
	r = req(60 * G, CLAIMS_PLAN_NO_NODE);
	r.max_distance = 12;
	expect("4n: bound 12: no pair fits", t, &r, -ENOMEM, NULL, 0, 0);
	r.max_distance = 13;
	expect("4n: bound 13: 2,3", t, &r, 0, "2:30G,3:30G", CLAIMS_PLAN_NODES, 13);
	r = req(60 * G, CLAIMS_PLAN_NO_NODE);
	r.allowed_nodes = 0x3;
	expect("4n: allowed 0,1 only", t, &r, 0, "0:30G,1:30G", CLAIMS_PLAN_NODES, 30);
	r = req(40 * G, CLAIMS_PLAN_NO_NODE);
	r.allowed_nodes = 0xc;
	r.max_nodes = 1;
	expect("4n: allowed 2,3, one node: neither has 40G", t, &r, -ENOMEM, NULL, 0, 0);
	r.flags = CLAIMS_PLAN_SPREAD;
	expect("4n: ... SPREAD: node 2's 35G, 5G host-wide", t, &r, 0,
	       "2:35G,host:5G", CLAIMS_PLAN_HOST_SPREAD, 10);
	r = req(60 * G, 1);
	r.max_distance = 20;
	r.allowed_nodes = 0x7;
	expect("4n: from node 1 within 20, nodes 0-2: only node 1 is near enough",
	       t, &r, -ENOMEM, NULL, 0, 0);
	r.flags = CLAIMS_PLAN_SPREAD;
	expect("4n: ... SPREAD: node 1's part, the rest host-wide", t, &r, 0,
	       "1:42G,host:18G", CLAIMS_PLAN_HOST_SPREAD, 10);
}

/*
 * ---- 8 nodes: sockets 0-3 and 4-7.  Inside socket A 12-16, inside socket B
 * 11-12, across 25-40, with 4->0 at 40 but 0->4 at 25. ----
 */
static void test_eight_nodes(void)
{
	uint32_t d[64];
	uint64_t f[8];
	struct claims_plan_topology *t;
	struct claims_plan_request r;
	int a, b;

	for (a = 0; a < 8; a++) {
		f[a] = 20 * G;
		for (b = 0; b < 8; b++) {
			uint32_t v;

			if (a == b)
				v = 10;
			else if (a / 4 == b / 4)
				v = a < 4 ? 12 + (uint32_t)abs(a - b) : 11 + (uint32_t)((a + b) & 1);
			else
				v = 30 + (uint32_t)((a + b) % 3);
			d[a * 8 + b] = v;
		}
	}
	d[4 * 8 + 0] = 40;
	d[0 * 8 + 4] = 25;
	t = topo(8, d, f, 4);
	r = req(70 * G, CLAIMS_PLAN_NO_NODE);
	expect("8n: 70G over 4 nodes: socket B (diameter 12) not A (15)", t, &r, 0,
	       "4:18G,5:18G,6:17G,7:17G", CLAIMS_PLAN_NODES, 12);
	r = req(70 * G, 0);
	expect("8n: from CPU node 0: socket A, nearest first", t, &r, 0,
	       "0:20G,1:20G,2:20G,3:10G", CLAIMS_PLAN_NODES, 15);
	r = req(30 * G, 0);
	expect("8n: from node 0, two nodes: 0 and 1 (13)", t, &r, 0, "0:20G,1:10G",
	       CLAIMS_PLAN_NODES, 13);
	t->free_pages[1] = t->free_pages[2] = t->free_pages[3] = 0;
	t->host_free_pages = 100 * G;
	expect("8n: socket A full: node 4 at 0->4 = 25 (its way back is 40)", t, &r,
	       0, "0:20G,4:10G", CLAIMS_PLAN_NODES, 25);
	r.cpu_node = 4;
	expect("8n: from node 4 the same memory: node 6 (11), not node 0 (40)", t,
	       &r, 0, "4:20G,6:10G", CLAIMS_PLAN_NODES, 11);
	r = req(40 * G, CLAIMS_PLAN_NO_NODE);
	r.vcpus = 9;
	expect("8n: 9 vCPUs on 4-CPU nodes: 3 nodes, within socket B", t, &r, 0,
	       "4:14G,5:13G,6:13G", CLAIMS_PLAN_NODES, 12);
	r = req(120 * G, CLAIMS_PLAN_NO_NODE);
	expect("8n: more than the nodes have (100G)", t, &r, -ENOMEM, NULL, 0, 0);
}

/* ---- bad input: a clear errno, the plan zeroed ---- */
static void test_bad_input(void)
{
	static const uint32_t d[] = { 10, 20, 20, 10 };
	uint64_t f[] = { 10 * G, 10 * G };
	struct claims_plan_topology *t = topo(2, d, f, 1), saved = *t;
	struct claims_plan_request r;
	struct claims_plan p;

	r = req(G, CLAIMS_PLAN_NO_NODE);
	tap(claims_plan_compute(NULL, &r, &p) == -EINVAL, "bad: NULL topology");
	tap(claims_plan_compute(t, NULL, &p) == -EINVAL, "bad: NULL request");
	tap(claims_plan_compute(t, &r, NULL) == -EINVAL, "bad: NULL plan");
	r = req(0, CLAIMS_PLAN_NO_NODE);
	expect("bad: 0 pages", t, &r, -EINVAL, NULL, 0, 0);
	r = req(G, CLAIMS_PLAN_NO_NODE);
	r.flags = 1U << 2;
	expect("bad: unknown flag", t, &r, -EINVAL, NULL, 0, 0);
	r = req(G, CLAIMS_PLAN_NO_NODE);
	r.reserved[2] = 1;
	expect("bad: reserved field", t, &r, -EINVAL, NULL, 0, 0);
	r = req(G, CLAIMS_PLAN_NO_NODE);
	r.policy = CLAIMS_PLAN_POLICY_MAX + 1;
	expect("bad: unknown policy", t, &r, -EINVAL, NULL, 0, 0);
	r = req(G, CLAIMS_PLAN_NO_NODE);
	r.pad = 1;
	expect("bad: non-zero pad", t, &r, -EINVAL, NULL, 0, 0);
	r = req(G, 2);
	expect("bad: CPU node 2 of a 2-node host", t, &r, -EINVAL, NULL, 0, 0);
	r = req(G, -2);
	expect("bad: CPU node -2", t, &r, -EINVAL, NULL, 0, 0);
	r = req(G, CLAIMS_PLAN_NO_NODE);
	r.allowed_nodes = 0x5;
	expect("bad: allowed node 2 of a 2-node host", t, &r, -EINVAL, NULL, 0, 0);
	r = req(G, CLAIMS_PLAN_NO_NODE);
	r.max_nodes = 65;
	expect("bad: max_nodes 65", t, &r, -EINVAL, NULL, 0, 0);
	r = req(G, CLAIMS_PLAN_NO_NODE);
	r.max_attempts = CLAIMS_PLAN_MAX_ATTEMPTS + 1;
	expect("bad: max_attempts above the limit", t, &r, -EINVAL, NULL, 0, 0);
	r = req(G, CLAIMS_PLAN_NO_NODE);
	t->distance[1][0] = 0;
	expect("bad: a zero distance between pool nodes", t, &r, -EINVAL, NULL, 0, 0);
	*t = saved;
	t->nr_nodes = 0;
	expect("bad: 0 nodes", t, &r, -EINVAL, NULL, 0, 0);
	t->nr_nodes = 65;
	expect("bad: 65 nodes", t, &r, -EINVAL, NULL, 0, 0);
	*t = saved;
	t->pool_nodes = 0x1;
	expect("bad: free pages on a node without a pool", t, &r, -EINVAL, NULL, 0, 0);
	t->free_pages[1] = 0;
	r.allowed_nodes = 0x2;
	expect("bad: the only allowed node has no pool", t, &r, -ENOENT, NULL, 0, 0);
	*t = saved;
	tap(!memcmp(t, &saved, sizeof(saved)), "bad: the topology is never written");
}

/*
 * ---- physical cores: 2 nodes, 8 CPUs each, but 4 cores (SMT2); 100G
 * free each, 10/20 apart ----
 */
static void test_cores(void)
{
	static const uint32_t d[] = { 10, 20, 20, 10 };
	uint64_t f[] = { 100 * G, 100 * G };
	struct claims_plan_topology *t = topo(2, d, f, 8), saved;
	uint32_t smt[2] = { 4, 4 }, flat[2] = { 8, 8 };
	struct claims_plan_request r;
	struct claims_plan p, q;
	int ret;

	r = req(50 * G, CLAIMS_PLAN_NO_NODE);
	r.vcpus = 6;
	ret = claims_plan_compute_cores(t, smt, &r, &p);
	tap(!ret && !strcmp(fmt_plan(&p), "0:25G,1:25G") && p.kind == CLAIMS_PLAN_NODES &&
	    p.cpu_nodemask == 3,
	    "cores: 6 vCPUs, 4 cores a node: both nodes (8 cores), not one node's siblings (got %d %s)",
	    ret, fmt_plan(&p));
	r.policy = CLAIMS_PLAN_POLICY_MEM_ONLY;
	ret = claims_plan_compute_cores(t, smt, &r, &p);
	tap(!ret && !strcmp(fmt_plan(&p), "0:50G") && p.kind == CLAIMS_PLAN_ONE_NODE,
	    "cores: memory-only policy: one node, its 8 CPUs are enough (got %d %s)",
	    ret, fmt_plan(&p));
	claims_plan_compute(t, &r, &q);
	tap(!memcmp(&p, &q, sizeof(p)), "cores: memory-only is claims_plan_compute()'s plan");
	r.policy = CLAIMS_PLAN_POLICY_CORES;
	ret = claims_plan_compute(t, &r, &p);
	tap(!ret && !strcmp(fmt_plan(&p), "0:50G"),
	    "cores: without core counts every CPU is a core: one node (got %s)", fmt_plan(&p));
	ret = claims_plan_compute_cores(t, flat, &r, &p);
	tap(!ret && !strcmp(fmt_plan(&p), "0:50G") && p.kind == CLAIMS_PLAN_ONE_NODE,
	    "cores: non-SMT (cores = CPUs): one node as before (got %s)", fmt_plan(&p));
	r.vcpus = 4;
	ret = claims_plan_compute_cores(t, smt, &r, &p);
	tap(!ret && !strcmp(fmt_plan(&p), "0:50G"),
	    "cores: 4 vCPUs fit one node's 4 cores: one node (got %s)", fmt_plan(&p));
	r.vcpus = 6;
	r.max_nodes = 1;
	ret = claims_plan_compute_cores(t, smt, &r, &p);
	tap(!ret && !strcmp(fmt_plan(&p), "0:50G") && p.kind == CLAIMS_PLAN_ONE_NODE,
	    "cores: max_nodes 1, no node has 6 cores: falls back to 6 of 8 CPUs (got %d %s)",
	    ret, fmt_plan(&p));
	r.max_nodes = 0;
	r.vcpus = 12;
	ret = claims_plan_compute_cores(t, smt, &r, &p);
	tap(!ret && !strcmp(fmt_plan(&p), "0:25G,1:25G"),
	    "cores: 12 vCPUs, 8 cores on the host: falls back to the 16 CPUs (got %d %s)",
	    ret, fmt_plan(&p));
	r.vcpus = 17;
	ret = claims_plan_compute_cores(t, smt, &r, &p);
	tap(ret == -ENOMEM, "cores: 17 vCPUs, 16 CPUs: ENOMEM as before (got %d)", ret);
	r.vcpus = 6;
	r.cpu_node = 1;
	ret = claims_plan_compute_cores(t, smt, &r, &p);
	tap(!ret && !strcmp(fmt_plan(&p), "1:50G"),
	    "cores: with a CPU node vCPUs are not counted (got %s)", fmt_plan(&p));
	/* node 1 with fewer cores: 8 CPUs as 8, 4 cores, and a third node */
	{
		static const uint32_t d3[] = { 10, 20, 30, 20, 10, 20, 30, 20, 10 };
		uint64_t f3[] = { 100 * G, 100 * G, 100 * G };
		uint32_t c3[3] = { 8, 4, 2 };
		struct claims_plan_topology *t3 = topo(3, d3, f3, 8);

		t3->cpus[2] = 4;
		r = req(50 * G, CLAIMS_PLAN_NO_NODE);
		r.vcpus = 6;
		r.allowed_nodes = 0x6;
		ret = claims_plan_compute_cores(t3, c3, &r, &p);
		tap(!ret && !strcmp(fmt_plan(&p), "1:25G,2:25G"),
		    "cores: nodes 1 (4 cores) and 2 (2 cores) for 6 vCPUs, not node 1 alone (got %s)",
		    fmt_plan(&p));
		r.allowed_nodes = 0;
		ret = claims_plan_compute_cores(t3, c3, &r, &p);
		tap(!ret && !strcmp(fmt_plan(&p), "0:50G"),
		    "cores: node 0 without SMT has 8 cores: one node (got %s)", fmt_plan(&p));
	}
	/* bad core counts: EINVAL, plan zeroed, nothing written */
	t = topo(2, d, f, 8);	/* topo()'s one topology was the 3-node one */
	saved = *t;
	r = req(G, CLAIMS_PLAN_NO_NODE);
	r.vcpus = 2;
	{
		uint32_t more[2] = { 9, 4 }, none[2] = { 0, 4 };
		struct claims_plan zero;

		memset(&zero, 0, sizeof(zero));
		memset(&p, 0xa5, sizeof(p));
		ret = claims_plan_compute_cores(t, more, &r, &p);
		tap(ret == -EINVAL && !memcmp(&p, &zero, sizeof(p)),
		    "cores: more cores than CPUs: EINVAL, plan zeroed (got %d)", ret);
		memset(&p, 0xa5, sizeof(p));
		ret = claims_plan_compute_cores(t, none, &r, &p);
		tap(ret == -EINVAL && !memcmp(&p, &zero, sizeof(p)),
		    "cores: 0 cores on a node with CPUs: EINVAL, plan zeroed (got %d)", ret);
		tap(!memcmp(t, &saved, sizeof(saved)) && more[0] == 9 && none[0] == 0,
		    "cores: topology and core counts are never written");
	}
}

/* ---- claims_node_cores() on fake sysfs trees ---- */
static char fake_root[64];

static void fake_file(const char *rel, const char *text)
{
	char path[512], *s;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake_root, rel);
	for (s = path + strlen(fake_root) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f)) {
		printf("Bail out! writing %s\n", path);
		exit(1);
	}
}

/* cpu C's sibling list in FILE (core_cpus_list or thread_siblings_list) */
static void fake_sib(int c, const char *file, const char *list)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/topology/%s", c, file);
	fake_file(rel, list);
}

static void test_node_cores(void)
{
	char cmd[128];
	int c;

	snprintf(fake_root, sizeof(fake_root), "/tmp/planner-unit.XXXXXX");
	if (!mkdtemp(fake_root)) {
		printf("Bail out! mkdtemp\n");
		exit(1);
	}
	/*
	 * SMT2 as x86 numbers it: node 0 has CPUs 0-3 and their siblings 8-11,
	 * node 1 CPUs 4-7 and 12-15 (core_cpus_list, Linux 5.9 and later);
	 * node 2 an older kernel's thread_siblings_list, pairs 16-17, 18-19;
	 * node 3 no SMT (each CPU its own list); node 4 no CPUs; node 5 a CPU
	 * without a topology directory (a core of its own) and one whose
	 * sibling is on another node (counted here all the same).
	 */
	fake_file("devices/system/node/node0/cpulist", "0-3,8-11");
	fake_file("devices/system/node/node1/cpulist", "4-7,12-15");
	for (c = 0; c < 8; c++) {
		char l[32];

		snprintf(l, sizeof(l), "%d,%d", c, c + 8);
		fake_sib(c, "core_cpus_list", l);
		fake_sib(c + 8, "core_cpus_list", l);
		fake_sib(c, "thread_siblings_list", "999");	/* core_cpus_list wins */
	}
	fake_file("devices/system/node/node2/cpulist", "16-19");
	fake_sib(16, "thread_siblings_list", "16-17");
	fake_sib(17, "thread_siblings_list", "16-17");
	fake_sib(18, "thread_siblings_list", "18-19");
	fake_sib(19, "thread_siblings_list", "18-19");
	fake_file("devices/system/node/node3/cpulist", "20,21,22-23");
	for (c = 20; c < 24; c++) {
		char l[16];

		snprintf(l, sizeof(l), "%d", c);
		fake_sib(c, "core_cpus_list", l);
	}
	fake_file("devices/system/node/node4/cpulist", "");
	fake_file("devices/system/node/node5/cpulist", "24,26");
	fake_sib(26, "core_cpus_list", "25-26");

	tap(claims_node_cores(fake_root, 0) == 4 && claims_node_cores(fake_root, 1) == 4,
	    "node_cores: SMT2, siblings 8 apart: 4 cores on each 8-CPU node (got %d, %d)",
	    claims_node_cores(fake_root, 0), claims_node_cores(fake_root, 1));
	tap(claims_node_cores(fake_root, 2) == 2,
	    "node_cores: thread_siblings_list (no core_cpus_list): 2 cores of 4 CPUs (got %d)",
	    claims_node_cores(fake_root, 2));
	tap(claims_node_cores(fake_root, 3) == 4,
	    "node_cores: no SMT: 4 cores of 4 CPUs (got %d)", claims_node_cores(fake_root, 3));
	tap(claims_node_cores(fake_root, 4) == 0,
	    "node_cores: a node without CPUs: 0 (got %d)", claims_node_cores(fake_root, 4));
	tap(claims_node_cores(fake_root, 5) == 2,
	    "node_cores: no topology, a sibling elsewhere: each a core (got %d)",
	    claims_node_cores(fake_root, 5));
	tap(claims_node_cores(fake_root, 6) == -ENOENT,
	    "node_cores: no node 6 in the tree: ENOENT (got %d)", claims_node_cores(fake_root, 6));
	tap(claims_node_cores(fake_root, -1) == -EINVAL, "node_cores: node -1: EINVAL");
	fake_file("devices/system/node/node6/cpulist", "0-x");
	fake_file("devices/system/node/node7/cpulist", "3-1");
	fake_file("devices/system/node/node8/cpulist", "0,9000");
	fake_file("devices/system/node/node9/cpulist", "24");
	fake_sib(24, "core_cpus_list", "24;25");
	tap(claims_node_cores(fake_root, 6) == -EINVAL && claims_node_cores(fake_root, 7) == -EINVAL,
	    "node_cores: a cpulist that does not parse: EINVAL (got %d, %d)",
	    claims_node_cores(fake_root, 6), claims_node_cores(fake_root, 7));
	tap(claims_node_cores(fake_root, 8) == -E2BIG,
	    "node_cores: CPU 9000: E2BIG (got %d)", claims_node_cores(fake_root, 8));
	tap(claims_node_cores(fake_root, 9) == -EINVAL,
	    "node_cores: a sibling list that does not parse: EINVAL (got %d)",
	    claims_node_cores(fake_root, 9));
	c = claims_node_cores(NULL, 0);
	tap(c >= 1 || c == -ENOENT, "node_cores: this host's node 0 from /sys: %d", c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
	if (system(cmd))
		printf("# could not remove %s\n", fake_root);
}

/* ---- brute force: the rules of claims.h on every subset ---- */
struct ref {
	uint64_t mask;
	uint32_t worst;
	uint64_t sum, free;
};

static void ref_cost(const struct claims_plan_topology *t, int cpu, uint64_t m,
		     struct ref *c)
{
	int i, j, k = __builtin_popcountll(m);

	memset(c, 0, sizeof(*c));
	c->mask = m;
	for (i = 0; i < (int)t->nr_nodes; i++) {
		if (!(m >> i & 1))
			continue;
		c->free += t->free_pages[i];
		if (cpu >= 0) {
			c->sum += t->distance[cpu][i];
			if (t->distance[cpu][i] > c->worst)
				c->worst = t->distance[cpu][i];
		} else if (k == 1) {
			c->worst = t->distance[i][i];
		} else {
			for (j = 0; j < (int)t->nr_nodes; j++) {
				if (j == i || !(m >> j & 1))
					continue;
				c->sum += t->distance[i][j];
				if (t->distance[i][j] > c->worst)
					c->worst = t->distance[i][j];
			}
		}
	}
}

/* The best set by rules 1-2, or 0. */
static uint64_t ref_best(const struct claims_plan_topology *t,
			 const struct claims_plan_request *r)
{
	uint64_t all = (1ULL << t->nr_nodes) - 1, cand = 0, m;
	uint64_t allowed = r->allowed_nodes ? r->allowed_nodes : all;
	struct ref best = { 0 }, c;
	int n, bestk = 99;

	if (r->pages > t->host_free_pages)
		return 0;
	for (n = 0; n < (int)t->nr_nodes; n++)
		if ((allowed & t->pool_nodes) >> n & 1 && t->free_pages[n] &&
		    !(r->cpu_node >= 0 && r->max_distance &&
		      t->distance[r->cpu_node][n] > r->max_distance))
			cand |= 1ULL << n;
	for (m = 1; m <= all; m++) {
		int k = __builtin_popcountll(m), i;
		uint64_t cpus = 0;

		if ((m & ~cand) || (r->max_nodes && k > (int)r->max_nodes))
			continue;
		ref_cost(t, r->cpu_node, m, &c);
		for (i = 0; i < (int)t->nr_nodes; i++)
			if (m >> i & 1)
				cpus += t->cpus[i];
		if (c.free < r->pages || (r->max_distance && c.worst > r->max_distance) ||
		    (r->cpu_node < 0 && r->vcpus && cpus < r->vcpus))
			continue;
		if (k < bestk || (k == bestk &&
		    (c.worst < best.worst || (c.worst == best.worst &&
		     (c.sum < best.sum || (c.sum == best.sum &&
		      (c.free > best.free || (c.free == best.free && m < best.mask)))))))) {
			best = c;
			bestk = k;
		}
	}
	return best.mask;
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(uint64_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return n ? rnd_state % n : 0;
}

/* Every plan: parts add up, fit, keep to the constraints and the order. */
static int plan_valid(const struct claims_plan_topology *t,
		      const struct claims_plan_request *r,
		      const struct claims_plan *p, char *why, size_t len)
{
	uint64_t sum = 0, nodes = 0, allowed = r->allowed_nodes ?
		r->allowed_nodes : ~0ULL;
	int last = -1;
	uint32_t i;

	for (i = 0; i < p->nr_entries; i++) {
		uint32_t tg = p->set[i].target;

		sum += p->set[i].pages;
		if (!p->set[i].pages || p->set[i].cmd)
			return snprintf(why, len, "entry %u empty or cmd", i), 0;
		if (tg == NUMACLAIMS_TARGET_HOST) {
			if (i != p->nr_entries - 1 || p->kind != CLAIMS_PLAN_HOST_SPREAD ||
			    p->host_pages != p->set[i].pages)
				return snprintf(why, len, "host entry misplaced"), 0;
			continue;
		}
		if ((int)tg <= last || tg >= t->nr_nodes)
			return snprintf(why, len, "node order"), 0;
		last = (int)tg;
		if (p->set[i].pages > t->free_pages[tg] || !(allowed >> tg & 1) ||
		    !(t->pool_nodes >> tg & 1))
			return snprintf(why, len, "node %u over its room or not allowed", tg), 0;
		if (r->cpu_node >= 0 && r->max_distance &&
		    t->distance[r->cpu_node][tg] > r->max_distance)
			return snprintf(why, len, "node %u beyond the bound", tg), 0;
		nodes |= 1ULL << tg;
	}
	if (sum != r->pages || sum > t->host_free_pages)
		return snprintf(why, len, "sum %" PRIu64 " of %" PRIu64, sum, r->pages), 0;
	if ((nodes & ~p->nodemask) || (p->kind != CLAIMS_PLAN_HOST_SPREAD &&
					 !p->nodemask))
		return snprintf(why, len, "nodemask"), 0;
	if (p->kind == CLAIMS_PLAN_HOST_SPREAD && nodes && p->nodemask != nodes)
		return snprintf(why, len, "spread nodemask"), 0;
	if (r->max_nodes && (uint32_t)__builtin_popcountll(nodes) > r->max_nodes)
		return snprintf(why, len, "more nodes than max_nodes"), 0;
	if (p->cpu_nodemask != (r->cpu_node >= 0 ? 1ULL << r->cpu_node : p->nodemask))
		return snprintf(why, len, "cpu_nodemask"), 0;
	return 1;
}

static void random_topology(struct claims_plan_topology *t, int n)
{
	int a, b;

	memset(t, 0, sizeof(*t));
	t->nr_nodes = n;
	for (a = 0; a < n; a++) {
		if (rnd(8))
			t->pool_nodes |= 1ULL << a;
		if (t->pool_nodes >> a & 1)
			t->free_pages[a] = rnd(4) ? rnd(64) * G + (rnd(3) ? 0 : rnd(G)) : 0;
		t->host_free_pages += t->free_pages[a];
		t->cpus[a] = (uint32_t)rnd(5);
		for (b = 0; b < n; b++)	/* asymmetric, 10 local */
			t->distance[a][b] = a == b ? 10 : 11 + (uint32_t)rnd(30);
	}
	if (rnd(4) == 0)	/* other domains' host-wide claims */
		t->host_free_pages -= rnd(t->host_free_pages + 1);
}

static void random_request(const struct claims_plan_topology *t,
			   struct claims_plan_request *r)
{
	memset(r, 0, sizeof(*r));
	r->pages = 1 + rnd(t->host_free_pages / 2 + 8 * G);
	r->cpu_node = rnd(2) ? (int32_t)rnd(t->nr_nodes) : CLAIMS_PLAN_NO_NODE;
	if (rnd(3) == 0)
		r->vcpus = (uint32_t)rnd(8);
	if (rnd(3) == 0)
		r->allowed_nodes = rnd((1ULL << t->nr_nodes) - 1) + 1;
	if (rnd(3) == 0)
		r->max_distance = 10 + (uint32_t)rnd(30);
	if (rnd(3) == 0)
		r->max_nodes = 1 + (uint32_t)rnd(t->nr_nodes);
	if (rnd(2))
		r->flags = CLAIMS_PLAN_SPREAD;
}

/* Random 2-10 node hosts: the plan is valid and is the reference's best. */
static void test_random(void)
{
	static struct claims_plan_topology t;
	struct claims_plan_request r;
	struct claims_plan p;
	int i, bad_valid = 0, bad_best = 0, bad_err = 0, plans = 0, spreads = 0;
	char why[128] = "";

	for (i = 0; i < 4000; i++) {
		uint64_t best, allowed;
		int ret;

		random_topology(&t, 2 + (int)rnd(9));
		random_request(&t, &r);
		allowed = t.pool_nodes & (r.allowed_nodes ? r.allowed_nodes : ~0ULL);
		best = ref_best(&t, &r);
		ret = claims_plan_compute(&t, &r, &p);
		if (!allowed) {
			bad_err += ret != -ENOENT;
			continue;
		}
		if (best) {
			plans++;
			if (ret || p.nodemask != best ||
			    p.kind != (__builtin_popcountll(best) == 1 ?
				       CLAIMS_PLAN_ONE_NODE : CLAIMS_PLAN_NODES)) {
				if (!bad_best++)
					printf("# case %d: want nodes %#" PRIx64 ", got %d %s\n",
					       i, best, ret, fmt_plan(&p));
				continue;
			}
		} else if ((r.flags & CLAIMS_PLAN_SPREAD) && r.pages <= t.host_free_pages) {
			spreads++;
			if (ret || p.kind != CLAIMS_PLAN_HOST_SPREAD) {
				if (!bad_best++)
					printf("# case %d: want a spread, got %d\n", i, ret);
				continue;
			}
		} else {
			bad_err += ret != -ENOMEM;
			continue;
		}
		if (!plan_valid(&t, &r, &p, why, sizeof(why)) && !bad_valid++)
			printf("# case %d: invalid plan %s: %s\n", i, fmt_plan(&p), why);
	}
	tap(!bad_best, "random: 4000 requests on 2-10 nodes: the fewest, closest nodes of the reference (%d node plans, %d spreads; %d differ)",
	    plans, spreads, bad_best);
	tap(!bad_valid, "random: every plan adds up, fits each node and the host, keeps to allowed/bound/max_nodes (%d invalid)",
	    bad_valid);
	tap(!bad_err, "random: ENOMEM exactly when nothing fits, ENOENT without an allowed pool (%d wrong)",
	    bad_err);
	tap(plans > 1000 && spreads > 100, "random: the cases cover both rules (%d, %d)",
	    plans, spreads);
}

/*
 * Random SMT hosts (1 to cpus cores a node): the core policy's plan is the
 * reference's best counting cores if one exists, else counting CPUs; the
 * memory-only policy's is always the CPU-counting one (claims_plan_compute()).
 */
static void test_random_cores(void)
{
	static struct claims_plan_topology t, tc;
	uint32_t cores[NUMACLAIMS_MAX_NODES];
	struct claims_plan_request r;
	struct claims_plan p, q;
	int i, a, bad = 0, bad_mem = 0, differ = 0, cases = 0;

	for (i = 0; i < 4000; i++) {
		uint64_t best;
		int ret;

		random_topology(&t, 2 + (int)rnd(9));
		random_request(&t, &r);
		if (!r.vcpus || rnd(4) == 0)
			r.vcpus = 1 + (uint32_t)rnd(8);
		r.cpu_node = rnd(8) ? CLAIMS_PLAN_NO_NODE : r.cpu_node;
		tc = t;
		for (a = 0; a < (int)t.nr_nodes; a++) {
			t.cpus[a] *= 2;		/* up to 8 CPUs */
			cores[a] = t.cpus[a] ? 1 + (uint32_t)rnd(t.cpus[a]) : 0;
			tc.cpus[a] = cores[a];
		}
		if (!(t.pool_nodes & (r.allowed_nodes ? r.allowed_nodes : ~0ULL)))
			continue;
		cases++;
		best = r.cpu_node < 0 ? ref_best(&tc, &r) : 0;
		if (!best)
			best = ref_best(&t, &r);
		ret = claims_plan_compute_cores(&t, cores, &r, &p);
		if (best && (ret || p.nodemask != best) && !bad++)
			printf("# cores case %d: want nodes %#" PRIx64 ", got %d %s\n",
			       i, best, ret, fmt_plan(&p));
		if (!best && !ret && p.kind != CLAIMS_PLAN_HOST_SPREAD && !bad++)
			printf("# cores case %d: want no node plan, got %s\n", i, fmt_plan(&p));
		if (best && p.nodemask != ref_best(&t, &r))
			differ++;
		r.policy = CLAIMS_PLAN_POLICY_MEM_ONLY;
		ret = claims_plan_compute_cores(&t, cores, &r, &p);
		bad_mem += ret != claims_plan_compute(&t, &r, &q) || memcmp(&p, &q, sizeof(p));
	}
	tap(!bad, "random SMT: the core policy plans the fewest, closest nodes with a core per vCPU, else with a CPU per vCPU (%d cases, %d bad)",
	    cases, bad);
	tap(differ > 100, "random SMT: counting cores changed the node set in %d cases", differ);
	tap(!bad_mem, "random SMT: the memory-only policy is claims_plan_compute() exactly (%d differ)",
	    bad_mem);
}

/* 20 nodes: beyond the exhaustive search; the greedy plan is still valid. */
static void test_many_nodes(void)
{
	static struct claims_plan_topology t;
	struct claims_plan_request r;
	struct claims_plan p;
	int i, bad = 0, plans = 0, fewest = 0;
	char why[128] = "";

	for (i = 0; i < 200; i++) {
		int n, k = 0;
		uint64_t f[64], sum = 0;

		random_topology(&t, 20);
		t.pool_nodes = (1ULL << 20) - 1;
		for (n = 0; n < 20; n++) {
			t.free_pages[n] = (1 + rnd(32)) * G;
			f[n] = t.free_pages[n];
		}
		t.host_free_pages = 0;
		for (n = 0; n < 20; n++)
			t.host_free_pages += t.free_pages[n];
		memset(&r, 0, sizeof(r));
		r.cpu_node = rnd(2) ? (int32_t)rnd(20) : CLAIMS_PLAN_NO_NODE;
		r.pages = 1 + rnd(t.host_free_pages);
		if (claims_plan_compute(&t, &r, &p) ||
		    !plan_valid(&t, &r, &p, why, sizeof(why))) {
			if (!bad++)
				printf("# 20 nodes case %d: %s\n", i, why);
			continue;
		}
		plans++;
		/* fewest nodes: as many as the largest nodes need */
		for (n = 0; n < 20; n++) {
			int j, m = n;

			for (j = n + 1; j < 20; j++)
				if (f[j] > f[m])
					m = j;
			{ uint64_t x = f[n]; f[n] = f[m]; f[m] = x; }
			sum += f[n];
			k++;
			if (sum >= r.pages)
				break;
		}
		fewest += __builtin_popcountll(p.nodemask) == k;
	}
	tap(!bad && plans == 200, "20 nodes (greedy search): 200 plans, all valid (%d bad)", bad);
	tap(fewest == 200, "20 nodes: the greedy search finds the fewest nodes in %d of 200", fewest);
}

/*
 * ---- CLAIMS_PLAN_SUPERPAGES: free_pages are the nodes' unclaimed
 * superpages, parts whole 2 MiB, every entry a superpage entry ----
 */
static void test_superpages(void)
{
	const uint64_t f1[] = { 5 * G, 9 * G, 3 * G, 4 * G };
	const uint64_t f2[] = { 4 * G + 511, 2 * G, 100, 0 };
	const uint64_t f3[] = { G, G, G, 0 };
	struct claims_plan_topology *t;
	struct claims_plan_request r;
	struct claims_plan p;
	int ret;

	t = topo(4, D4, f1, 4);
	r = req(8 * G, CLAIMS_PLAN_NO_NODE);
	r.flags = CLAIMS_PLAN_SUPERPAGES;
	expect("superpages: one node that has them", t, &r, 0, "sp1:8G",
	       CLAIMS_PLAN_ONE_NODE, -1);
	r = req(5 * G, 2);
	r.flags = CLAIMS_PLAN_SUPERPAGES;
	expect("superpages: nearest node to CPU node 2 with 5 superpages", t, &r, 0,
	       "sp0:5G", CLAIMS_PLAN_ONE_NODE, 20);
	/* superpage claims are not in the host's 4 KiB total */
	t->host_free_pages = 0;
	r = req(4 * G, CLAIMS_PLAN_NO_NODE);
	r.flags = CLAIMS_PLAN_SUPERPAGES;
	expect("superpages: host_free_pages is not their limit", t, &r, 0,
	       "sp1:4G", CLAIMS_PLAN_ONE_NODE, -1);

	/* rooms rounded down to whole superpages (4G+511 pages is 4G) */
	t = topo(4, D4, f2, 4);
	r = req(5 * G, CLAIMS_PLAN_NO_NODE);
	r.flags = CLAIMS_PLAN_SUPERPAGES;
	expect("superpages: rooms are whole 2 MiB", t, &r, 0, "sp0:3G,sp1:2G",
	       CLAIMS_PLAN_NODES, -1);
	r = req(7 * G, CLAIMS_PLAN_NO_NODE);
	r.flags = CLAIMS_PLAN_SUPERPAGES;
	expect("superpages: 100 pages are no superpage (ENOMEM)", t, &r, -ENOMEM,
	       NULL, 0, 0);

	/* an even split over three nodes for 24 vCPUs: never a partial superpage */
	t = topo(4, D4, f3, 8);
	r = req(2 * G, CLAIMS_PLAN_NO_NODE);
	r.vcpus = 24;
	expect("4 KiB pages: 2G over three nodes for 24 vCPUs", t, &r, 0,
	       "0:1G,1:256p,2:256p", CLAIMS_PLAN_NODES, -1);
	r.flags = CLAIMS_PLAN_SUPERPAGES;
	memset(&p, 0, sizeof(p));
	ret = claims_plan_compute(t, &r, &p);
	tap(ret == 0 &&
	    !strcmp(fmt_plan(&p), "sp0:1G,sp1:1G") && p.nodemask == 7 &&
	    p.set[0].cmd == NUMACLAIMS_CLAIM_SUPERPAGES && !p.host_pages,
	    "superpages: the same split in whole superpages, node 2 for its CPUs (got %s, nodes %#llx)",
	    fmt_plan(&p), (unsigned long long)p.nodemask);

	t = topo(4, D4, f1, 4);
	r = req(8 * G + 1, CLAIMS_PLAN_NO_NODE);
	r.flags = CLAIMS_PLAN_SUPERPAGES;
	expect("bad: superpages of 8G + 1 page", t, &r, -EINVAL, NULL, 0, 0);
	r = req(8 * G, CLAIMS_PLAN_NO_NODE);
	r.flags = CLAIMS_PLAN_SUPERPAGES | CLAIMS_PLAN_SPREAD;
	expect("bad: superpages with a spread (no host-wide superpages)", t, &r,
	       -EINVAL, NULL, 0, 0);
	r = req(30 * G, CLAIMS_PLAN_NO_NODE);
	r.flags = CLAIMS_PLAN_SUPERPAGES;
	expect("superpages: more than all nodes have (ENOMEM)", t, &r, -ENOMEM,
	       NULL, 0, 0);
	r = req(21 * G, CLAIMS_PLAN_NO_NODE);
	r.flags = CLAIMS_PLAN_SUPERPAGES;
	expect("superpages: all four nodes", t, &r, 0, "sp0:5G,sp1:9G,sp2:3G,sp3:4G",
	       CLAIMS_PLAN_NODES, -1);
}

int main(void)
{
	printf("TAP version 13\n");
	test_two_nodes();
	test_four_nodes();
	test_eight_nodes();
	test_bad_input();
	test_random();
	test_random_cores();
	test_many_nodes();
	test_cores();
	test_node_cores();
	test_superpages();
	return tap_end();
}
