// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims_kunit.ko links the module's core unchanged (the same files,
 * not copies): it reserves its own pools and has its own domains, so it can
 * run beside numaclaims.ko.  The front end (numaclaims_main.c, debugfs.c)
 * is not linked: the cases call the core's API (nc_core.h).
 */
#define NC_NO_TRACEPOINTS
#include "../module/pool.c"
#include "../module/scrub.c"
#include "../module/domain.c"
#include "../module/physmap.c"
#include "../module/domfile.c"
