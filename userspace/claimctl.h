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
#include "claims.h"

#define CC_PAGE_SIZE	4096ULL
#define CC_PAGE_SHIFT	12
/** CC_ERR_LEN - size of the @err buffers the parsers and hints fill. */
#define CC_ERR_LEN	512
/**
 * CC_MAX_ENTRIES - largest claim set: a 4 KiB and a superpage entry per
 * node plus the host-wide part.
 */
#define CC_MAX_ENTRIES	CLAIMS_MAX_ENTRIES
/** CC_COL - width of a number column in tables. */
#define CC_COL		12

/* ---- parsing (claimctl_parse.c) ---- */

/**
 * cc_parse_size() - parse a memory size into pages: claims_parse_size(),
 * the grammar the Python binding shares (claims.h, claimctl(8)).
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
 * cc_parse_claim_spec() - parse a claim set: claims_parse_claims() with
 * room for %CC_MAX_ENTRIES entries in @set.
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
 * cc_parse_domain_json() - a domain's description, as `claimctl list
 * --json` prints it (the whole document with one domain, or that domain's
 * object), into @di: domid, tot, uncounted, the claims (node and
 * host-wide) and the memory per node.  Whitespace as jq prints it is fine.
 * Return: 0, or -EINVAL with the reason in @err.
 */
int cc_parse_domain_json(const char *text, struct numaclaims_domain_info *di,
			 char *err, size_t errlen);

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
 * pool (reserved, free, claimed, unclaimed, offlined, scrub, held), the
 * host-wide claims row and the totals.  "scrub" is @scrub_pages (total:
 * @total_scrub_pages): free pages waiting to be scrubbed, a part of "free".
 * "held" is @held_pages: pages their domain freed while someone still held
 * them (a pin), waiting for the release.  When a node has superpages (API
 * version 4), a second table: per node their reserved, free, claimed,
 * unclaimed and held, and the totals.
 */
void cc_print_host_info(FILE *f, const struct numaclaims_host_info *hi,
			enum cc_unit unit);
/*
 * JSON (docs/claimctl.schema.json has one definition per command): the
 * table's names, a count in pages gets "_pages" ("free" is "free_pages"),
 * "page_size" says how big a page is; a node row is an object with
 * "node": N (an integer, always), the host-wide row is "host": {...} and
 * the totals "total": {...}, as in the tables.
 */

/** cc_print_host_info_json() - the same as one JSON object, in pages. */
void cc_print_host_info_json(FILE *f, const struct numaclaims_host_info *hi);

/* A node whose capacity the module does not say (older than API 5). */
#define CC_NO_CAPACITY	UINT64_MAX

/**
 * cc_print_pools() - the `claimctl pool` table: per node with a pool its
 * size, @capacity[node] (CC_NO_CAPACITY: "-"), free, claimed, unclaimed.
 */
void cc_print_pools(FILE *f, const struct numaclaims_host_info *hi,
		    const uint64_t *capacity, enum cc_unit unit);
/** cc_print_pools_json() - the same as one JSON object, in pages. */
void cc_print_pools_json(FILE *f, const struct numaclaims_host_info *hi,
			 const uint64_t *capacity);

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

/**
 * cc_print_claim_set() - the `claimctl claims DOMID` table: a row per node
 * claim, "N:2M" for a superpage claim (API version 4), host and the total
 * of every entry.
 */
void cc_print_claim_set(FILE *f, uint32_t domid,
			const struct numaclaims_claim *set, uint32_t nr,
			enum cc_unit unit);
/**
 * cc_print_claim_set_json() - the same as JSON, in pages: "nodes" (the node
 * claims), "superpages" (the superpage claims), "host" and "total".
 * Return: 0, or -EPROTO (nothing printed) if the set has a target that is
 * neither a node nor the host-wide part, or a command it does not know.
 */
int cc_print_claim_set_json(FILE *f, uint32_t domid,
			    const struct numaclaims_claim *set, uint32_t nr);

/** struct cc_versions - what `claimctl version` prints. */
struct cc_versions {
	const char *claimctl;	/* claimctl's version */
	const char *libclaims;	/* the libclaims it is linked with */
	int uapi;		/* NUMACLAIMS_API_VERSION claimctl was built with */
	int module;		/* the loaded module's API version, -1 unknown */
};

void cc_print_version(FILE *f, const struct cc_versions *v);
/** cc_print_version_json() - "module_api_version" is null if unknown. */
void cc_print_version_json(FILE *f, const struct cc_versions *v);

/** cc_print_create_json() - `claimctl create --json`: the new domain. */
void cc_print_create_json(FILE *f, uint32_t domid, __u64 max_pages,
			  uint32_t flags);

/**
 * cc_format_progress() - how far populate or free got, in sizes and
 * extents, then "; @hint" unless @hint is NULL or "": "populated 4 MiB of
 * 8 MiB (1024 of 2048 extents of 4 KiB) from gfn 0x0; HINT".
 */
char *cc_format_progress(char *buf, size_t len, const char *verb,
			 __u64 done, __u64 nr_extents, uint32_t order,
			 __u64 gfn, const char *hint);

/** struct cc_populate_report - what `claimctl populate --json` prints. */
struct cc_populate_report {
	uint32_t domid;
	__u64 gfn;		/* first gfn */
	uint32_t order;
	int node;		/* --node, or -1 */
	int exact, no_refcount;
	int superpages;		/* --superpages: NUMACLAIMS_MEMF_SUPERPAGE */
	__u64 nr_extents;	/* asked */
	__u64 nr_done;		/* done (also when it failed part way) */
	int err;		/* 0, or the positive errno it stopped with */
};

void cc_print_populate_json(FILE *f, const struct cc_populate_report *r);

/** struct cc_topo_node - one Linux NUMA node of `claimctl topology`. */
struct cc_topo_node {
	int have_size;		/* size and free known (libnuma) */
	uint64_t size_bytes, free_bytes;
	int pool;		/* numaclaims pool: 1 yes, 0 no, -1 unknown */
	const int *distances;	/* to every node, nr of them */
};

/** cc_print_topology() - the `claimctl topology` table of @nr nodes. */
void cc_print_topology(FILE *f, const struct cc_topo_node *nodes, int nr);
/** cc_print_topology_json() - the same as JSON, sizes in bytes. */
void cc_print_topology_json(FILE *f, const struct cc_topo_node *nodes,
			    int nr);

/*
 * Hints (claimctl_hints.c): after a failed call, claimctl reads the host and domain state and
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
 * cc_build_nomem_hint() - why `claimctl build` found no plan that fits
 * (@r asked, @t the topology read after, @attempts installs tried): the
 * node with the most unclaimed, the host's, and what else to allow (not
 * --spread when @r has it already).
 */
void cc_build_nomem_hint(char *buf, size_t len,
			 const struct claims_plan_request *r,
			 const struct claims_plan_topology *t, uint32_t attempts);

/**
 * CC_NEGATIVE - the usage error for an argument such as "-1" or "-1:1G"
 * that getopt would take for options (printf format, one %s: the argument).
 */
#define CC_NEGATIVE "'%s' is not an option: domain ids, nodes and sizes are never negative"

/** CC_HINT_NOT_LOADED - the one module-not-loaded hint of every command. */
#define CC_HINT_NOT_LOADED "is the numaclaims module loaded? (modprobe numaclaims)"

/**
 * cc_open_hint() - what to do when opening @device (NULL: the default)
 * failed with @err (positive); NULL if nothing to add.  A --device path
 * that does not exist is named as such, not blamed on the module.
 */
const char *cc_open_hint(int err, const char *device);

/**
 * cc_error() - claimctl's one failure line, "claimctl: WHAT: ENAME
 * (strerror): HINT" (no ": HINT" when @hint is NULL or ""), on stderr, for
 * every command (claimctl_hints.c).  @err is positive.  Return: 1, the
 * exit status.
 */
int cc_error(const char *what, int err, const char *hint);

/**
 * cc_usage_error() - claimctl's one usage-error printer: "claimctl: MSG",
 * then the command's usage line and where its help is (claimctl.c).
 */
void cc_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * cc_generic_hint() - what to do about an errno any command can meet
 * (ESRCH, EPERM, ENOTTY, ...) for domain @domid (or -1); "" if none.
 */
void cc_generic_hint(char *buf, size_t len, int err, long long domid);

#endif /* CLAIMCTL_H */
