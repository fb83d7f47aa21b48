// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for numaclaims, run on real NUMA machines (a distribution
 * kernel with CONFIG_KUNIT=m) and in QEMU with emulated nodes.
 *
 *  numaclaims_engine: the accounting engine on a synthetic heap with one
 *                     pool per node found, parameterised over those nodes.
 *  numaclaims_pool:   the module's core with real pools of real pages:
 *                     placement, redeem order, max_pages, offline recall,
 *                     scrubbing, and kthreads on different nodes racing.
 *
 * The engine's cases are in engine_cases.c, the core's in core_cases.c;
 * this file has what they share and registers both suites.  Multi-node
 * cases kunit_skip() on a machine with one memory node.  After every case
 * the invariants hold and the host counters are back to their baseline.
 */
#include <linux/module.h>
#include <linux/nodemask.h>
#include "nc_kunit.h"

int nodes_found[CE_MAX_NODES];
int nr_nodes_found;

void find_nodes(void)
{
	int node;

	nr_nodes_found = 0;
	for_each_node_state(node, N_MEMORY)
		if (node < CE_MAX_NODES)
			nodes_found[nr_nodes_found++] = node;
}

/* A node found other than @node (the next one, wrapping). */
int other_node(int node)
{
	int i;

	for (i = 0; i < nr_nodes_found; i++)
		if (nodes_found[i] == node)
			return nodes_found[(i + 1) % nr_nodes_found];
	return -1;
}

/* Parameters: every node found. */
const void *node_gen_params(const void *prev, char *desc)
{
	const int *p = prev;
	int i = p ? (int)(p - nodes_found) + 1 : 0;

	if (!prev)
		find_nodes();
	if (i >= nr_nodes_found)
		return NULL;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "node%d", nodes_found[i]);
	return &nodes_found[i];
}

void require_nodes(struct kunit *test, int n)
{
	find_nodes();
	if (nr_nodes_found < n)
		kunit_skip(test, "needs %d memory nodes, found %d", n,
			   nr_nodes_found);
}

kunit_test_suites(&engine_suite, &pool_suite, &sp_suite);

MODULE_DESCRIPTION("KUnit tests for numaclaims");
MODULE_LICENSE("GPL");
