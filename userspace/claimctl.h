/* SPDX-License-Identifier: GPL-2.0 */
/*
 * claimctl internals: the parsing (claimctl_parse.c) and output
 * (claimctl_output.c) halves of claimctl, kept free of any device access so
 * that the host-side unit test (tests/claimctl-unit.c) links them as they
 * are.
 *
 * Parsers return 0 or a negative errno (-EINVAL malformed, -ERANGE too
 * large) and, on failure, write one human sentence to @err (without the
 * "claimctl: " prefix or a trailing newline).
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#ifndef CLAIMCTL_H
#define CLAIMCTL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/numaclaims.h>

#define CC_PAGE_SIZE	4096ULL
#define CC_PAGE_SHIFT	12
/** CC_ERR_LEN - size of the @err buffers the parsers and hints fill. */
#define CC_ERR_LEN	512
/** CC_MAX_ENTRIES - largest claim set: every node plus the host-wide part. */
#define CC_MAX_ENTRIES	(NUMACLAIMS_MAX_NODES + 1)
/** CC_COL - width of a number column in tables. */
#define CC_COL		12

/* ---- parsing (claimctl_parse.c) ---- */

/**
 * cc_parse_size() - parse a memory size into pages.
 *
 * Grammar: DIGITS [SUFFIX].  No suffix: bytes.  K, M, G, T (or KiB, MiB,
 * GiB, TiB; case-insensitive; binary, 1K = 1024): that many bytes.  "p":
 * pages of 4 KiB.  A byte count must be a multiple of 4 KiB.  "1.5G",
 * "1GB", "-1", "" and sizes above 2^64-1 bytes or pages are refused.
 */
int cc_parse_size(const char *s, uint64_t *pages, char *err, size_t errlen);

/**
 * cc_parse_u64() - a decimal, or 0x-prefixed hexadecimal, unsigned number
 * no larger than @max.  @what names it in the error message.
 */
int cc_parse_u64(const char *s, uint64_t max, const char *what, uint64_t *val,
		 char *err, size_t errlen);

/** cc_parse_node() - a node id below %NUMACLAIMS_MAX_NODES. */
int cc_parse_node(const char *s, uint32_t *node, char *err, size_t errlen);

/** cc_parse_domid() - a domain id (32-bit). */
int cc_parse_domid(const char *s, uint32_t *domid, char *err, size_t errlen);

/**
 * cc_parse_claim_spec() - parse a claim set.
 *
 * Grammar: "clear" (the set {0 pages, host}: release every claim), or a
 * comma-separated list of TARGET:SIZE with TARGET a node id, "host" (the
 * host-wide part) or "legacy" (legacy arithmetic: SIZE is the domain's
 * total target; only alone).  A node or host listed twice, legacy with
 * other entries, a node id >= %NUMACLAIMS_MAX_NODES, an empty entry and a
 * total that overflows 64 bits are refused.
 * @set:  (out) room for %CC_MAX_ENTRIES entries.
 * @nr:   (out) entries parsed.
 */
int cc_parse_claim_spec(const char *s, struct numaclaims_claim *set,
			uint32_t *nr, char *err, size_t errlen);

/**
 * cc_parse_nodelist() - parse "0,1", "0-3", "0-1,4" (numactl style, no
 * "all") into a node mask.
 */
int cc_parse_nodelist(const char *s, uint64_t *mask, char *err,
		      size_t errlen);

/**
 * cc_parse_host_nodelist() - a node list of this host, as numactl reads
 * it: libnuma's numa_parse_nodestring(), so "all", ranges, "!0" and
 * "+0-1" work as in numactl.  What libnuma refuses (no NUMA support, or a
 * node it does not know) is cc_parse_nodelist()'s: no "all" then, and the
 * caller's checks judge the nodes.
 */
int cc_parse_host_nodelist(const char *s, uint64_t *mask, char *err,
			   size_t errlen);

/* ---- output (claimctl_output.c) ---- */

/** enum cc_unit - how tables show page counts. */
enum cc_unit {
	CC_UNIT_MIB,	/* MiB with two decimals (numastat style) */
	CC_UNIT_PAGES,	/* exact page counts */
};

/** cc_format_amount() - @pages in @unit, right-aligned in nothing. */
char *cc_format_amount(char *buf, size_t len, __u64 pages,
		       enum cc_unit unit);

/**
 * cc_format_human() - @pages for a sentence: "812 MiB", "1.50 GiB",
 * "4 KiB", "0 B".
 */
char *cc_format_human(char *buf, size_t len, __u64 pages);

/** cc_format_nodelist() - "0-3,5" for a mask, "none" for 0. */
char *cc_format_nodelist(char *buf, size_t len, __u64 mask);

/** cc_errno_name() - "ENOMEM" for ENOMEM (positive errno); "E???" if unknown. */
const char *cc_errno_name(int err);

/**
 * cc_print_host_info() - the `claimctl info` table: one row per node with a
 * pool (reserved, free, claimed, unclaimed, offlined, held), the host-wide
 * claims row and the totals.  "held" is @held_pages: pages their domain
 * freed while someone still held them (a pin), waiting for the release.
 */
void cc_print_host_info(FILE *f, const struct numaclaims_host_info *hi,
			enum cc_unit unit);
/** cc_print_host_info_json() - the same as one JSON object, in pages. */
void cc_print_host_info_json(FILE *f, const struct numaclaims_host_info *hi);

/**
 * cc_print_domains() - the `claimctl list` table.  Per-node columns are
 * shown for the nodes with a pool in @hi (may be NULL) and every node any
 * domain has claims or pages on.
 */
void cc_print_domains(FILE *f, const struct numaclaims_host_info *hi,
		      const struct numaclaims_domain_info *doms, size_t nr,
		      enum cc_unit unit);
/** cc_print_domains_json() - the same as JSON, in pages. */
void cc_print_domains_json(FILE *f, const struct numaclaims_host_info *hi,
			   const struct numaclaims_domain_info *doms,
			   size_t nr);

/** cc_domain_nodes() - mask of the nodes domain @di has pages on. */
__u64 cc_domain_nodes(const struct numaclaims_domain_info *di);

/**
 * cc_domain_pages() - pages in domain @di's physmap (tot_pages +
 * uncounted_pages), what `claimctl run` exports as NUMACLAIMS_MEM_SIZE.
 */
__u64 cc_domain_pages(const struct numaclaims_domain_info *di);

/** cc_print_claim_set() - the `claimctl claims DOMID` table. */
void cc_print_claim_set(FILE *f, uint32_t domid,
			const struct numaclaims_claim *set, uint32_t nr,
			enum cc_unit unit);
/** cc_print_claim_set_json() - the same as JSON, in pages. */
void cc_print_claim_set_json(FILE *f, uint32_t domid,
			     const struct numaclaims_claim *set, uint32_t nr);

/*
 * Hints: after a failed call, claimctl reads the host and domain state and
 * explains the errno in one clause ("node 1 has only 812 MiB unclaimed;
 * claim less or on another node").  @hi and @di may be NULL when they could
 * not be read.  The hint is advice: the state may have changed since.
 */

/** cc_claim_hint() - why a claim set @set could not be installed. */
void cc_claim_hint(char *buf, size_t len, int err,
		   const struct numaclaims_claim *set, uint32_t nr,
		   const struct numaclaims_host_info *hi,
		   const struct numaclaims_domain_info *di);

/** cc_claim_pages_hint() - why a legacy claim of @target pages failed. */
void cc_claim_pages_hint(char *buf, size_t len, int err, __u64 target,
			 const struct numaclaims_host_info *hi,
			 const struct numaclaims_domain_info *di);

/**
 * cc_populate_hint() - why populate stopped (@node: requested node or -1,
 * @extent_pages: pages per extent, @mem_flags as passed).
 */
void cc_populate_hint(char *buf, size_t len, int err, int node,
		      __u64 extent_pages, uint32_t mem_flags,
		      const struct numaclaims_host_info *hi,
		      const struct numaclaims_domain_info *di);

/** cc_offline_hint() - why offlining (@online false) or onlining failed. */
void cc_offline_hint(char *buf, size_t len, int err, int online,
		     uint32_t node, __u64 pages,
		     const struct numaclaims_host_info *hi);

/**
 * cc_generic_hint() - what to do about an errno any command can meet
 * (ESRCH, EPERM, ENOTTY, ...) for domain @domid (or -1); "" if none.
 */
void cc_generic_hint(char *buf, size_t len, int err, long long domid);

#endif /* CLAIMCTL_H */
