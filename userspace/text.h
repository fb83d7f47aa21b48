/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers of libclaims' text (parse.c, diagnose.c) that claimctl's parsers
 * and messages share (claimctl_parse.c, claimctl_output.c): internal,
 * never installed.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#ifndef LIBCLAIMS_TEXT_H
#define LIBCLAIMS_TEXT_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/numaclaims.h>

/* Write the message to @err (if any) and return @ret. */
static inline int text_fail(int ret, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline int text_fail(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* ASCII only: isdigit() may follow the locale. */
static inline int text_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The leading ASCII decimal digits of @s into @val, *@end after them:
 * -EINVAL if there is none, -ERANGE above 2^64 - 1.
 */
static inline int text_digits(const char *s, uint64_t *val, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (!text_digit(*p))
		return -EINVAL;
	for (; text_digit(*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*val = v;
	*end = p;
	return 0;
}

/* ---- for messages: sizes, node lists, what a host can still claim ---- */

/* @pages for a sentence: "812 MiB", "1.50 GiB", "4 KiB", "0 B". */
static inline char *text_format_human(char *buf, size_t len, __u64 pages)
{
	static const char *const names[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	unsigned __int128 bytes = (unsigned __int128)pages * 4096ULL;
	unsigned __int128 unit = 1024;
	unsigned int i = 0;

	if (!pages) {
		snprintf(buf, len, "0 B");
		return buf;
	}
	while (i + 1 < sizeof(names) / sizeof(names[0]) &&
	       bytes >= unit * 1024) {
		unit *= 1024;
		i++;
	}
	if (bytes % unit == 0) {
		snprintf(buf, len, "%llu %s", (__u64)(bytes / unit),
			 names[i]);
	} else {
		unsigned __int128 h = (bytes * 100 + unit / 2) / unit;

		snprintf(buf, len, "%llu.%02u %s", (__u64)(h / 100),
			 (unsigned int)(h % 100), names[i]);
	}
	return buf;
}

/* "0-3,5" for a mask, "none" for 0. */
static inline char *text_format_nodelist(char *buf, size_t len, __u64 mask)
{
	size_t used = 0;
	unsigned int n = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!mask) {
		snprintf(buf, len, "none");
		return buf;
	}
	while (n < 64) {
		unsigned int first, last;
		int w;

		if (!(mask & (1ULL << n))) {
			n++;
			continue;
		}
		first = n;
		while (n + 1 < 64 && (mask & (1ULL << (n + 1))))
			n++;
		last = n++;
		if (first == last)
			w = snprintf(buf + used, len - used, "%s%u",
				     used ? "," : "", first);
		else
			w = snprintf(buf + used, len - used, "%s%u-%u",
				     used ? "," : "", first, last);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	return buf;
}

static inline uint32_t text_nr_nodes(const struct numaclaims_host_info *hi)
{
	return hi->nr_nodes < NUMACLAIMS_MAX_NODES ? hi->nr_nodes :
						      NUMACLAIMS_MAX_NODES;
}

static inline __u64 text_pool_mask(const struct numaclaims_host_info *hi)
{
	__u64 mask = 0;
	uint32_t n;

	for (n = 0; n < text_nr_nodes(hi); n++)
		if (hi->nodes[n].has_pool)
			mask |= 1ULL << n;
	return mask;
}

static inline int text_node_has_pool(const struct numaclaims_host_info *hi,
			    uint32_t node)
{
	return node < text_nr_nodes(hi) && hi->nodes[node].has_pool;
}

/* @avail - @claimed, counting @own (the domain's claim) as free; never < 0. */
static inline __u64 text_claimable(__u64 avail, __u64 claimed, __u64 own)
{
	__u64 used = claimed > own ? claimed - own : 0;

	return avail > used ? avail - used : 0;
}

/*
 * Unclaimed pages of @node, counting @own (the domain's claim) as free,
 * and what a claim may grow its pool by (grow on claim, API version 5).
 */
static inline __u64 text_node_claimable(const struct numaclaims_host_info *hi,
				  uint32_t node, __u64 own)
{
	return text_claimable(hi->nodes[node].avail_pages,
			      hi->nodes[node].outstanding_claims, own) +
	       hi->growable_pages[node];
}

/*
 * Unclaimed superpages of @node in pages (API version 4), counting @own
 * (the domain's superpage claim there) as free.
 */
static inline __u64 text_node_sp_claimable(const struct numaclaims_host_info *hi,
					   uint32_t node, __u64 own)
{
	return text_claimable(hi->superpages[node].free_pages,
			      hi->superpages[node].outstanding_claims, own);
}

static inline __u64 text_host_claimable(const struct numaclaims_host_info *hi,
				  __u64 own)
{
	return text_claimable(hi->total_avail_pages, hi->outstanding_claims, own) +
	       hi->total_growable_pages;
}

#endif /* LIBCLAIMS_TEXT_H */
