// SPDX-License-Identifier: GPL-2.0
/* The accounting engine, unchanged, for numaclaims_kunit.ko. */
#include "../module/claims_engine.c"
