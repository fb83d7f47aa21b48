// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims_kunit.ko links the module's core unchanged (the same file, not
 * a copy): it reserves its own pools and has its own domains, so it can run
 * beside numaclaims.ko.
 */
#define NC_NO_TRACEPOINTS
#include "../module/core.c"
