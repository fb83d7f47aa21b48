/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only environment the claims engine sees.  The engine is compiled into
 * numaclaims.ko, into numaclaims_kunit.ko and into userspace test programs
 * (the memblock-simulator approach), so it must not include anything but
 * this file and the uapi header.
 */
#ifndef CE_SHIM_H
#define CE_SHIM_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/overflow.h>
#include <linux/bitops.h>
#include <linux/nospec.h>

#define ce_calloc(n, size)	kvcalloc((n), (size), GFP_KERNEL)
#define ce_array_index_nospec(i, n)	array_index_nospec((i), (n))
/* Offline recalled @pages of a claim (@node -1: host-wide); pool.c traces it. */
void ce_trace_recall(u32 domid, int node, u64 pages);
#define ce_free(p)		kvfree(p)
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;

#define ce_calloc(n, size)	calloc((n), (size))
#define ce_free(p)		free(p)
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		min((t)(a), (t)(b))
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define BIT_ULL(n)		(1ULL << (n))
#define ce_array_index_nospec(i, n)	(i)
#define ce_trace_recall(domid, node, pages)	do { } while (0)
#endif

#endif /* CE_SHIM_H */
