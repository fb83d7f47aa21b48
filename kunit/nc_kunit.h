/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two KUnit case files of numaclaims_kunit.ko share: the nodes
 * found and the parameters over them (numaclaims_kunit.c).
 */
#ifndef NC_KUNIT_H
#define NC_KUNIT_H

#include <kunit/test.h>
#include "../module/nc_core.h"

#define POOL_MB		8			/* per node, real pools */
#define POOL_PAGES	(POOL_MB << (20 - PAGE_SHIFT))
#define SYN_FRAMES	2048			/* per node, synthetic heap */
#define SYN_SPS		4			/* its superpages, per node */

/* Nodes found: those with memory and an id numaclaims can manage. */
extern int nodes_found[CE_MAX_NODES];
extern int nr_nodes_found;

void find_nodes(void);
int other_node(int node);
const void *node_gen_params(const void *prev, char *desc);
void require_nodes(struct kunit *test, int n);

extern struct kunit_suite engine_suite;	/* engine_cases.c */
extern struct kunit_suite pool_suite;	/* core_cases.c */
extern struct kunit_suite sp_suite;	/* core_cases.c */

#endif /* NC_KUNIT_H */
