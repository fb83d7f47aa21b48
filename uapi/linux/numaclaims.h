/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * numaclaims: NUMA-aware memory claim sets (Xen's XEN_DOMCTL_claim_memory)
 * for Linux, as a misc device /dev/numaclaims.
 *
 * Every ioctl takes one structure.  The structures are extensible in the
 * copy_struct_from_user() way: the size encoded in the ioctl number is the
 * caller's idea of the structure size.  A caller built against an older,
 * shorter version is accepted (the missing tail reads as zero); a caller
 * built against a newer, longer version is accepted only if the bytes the
 * kernel does not know are all zero (else EINVAL).  A size smaller than the
 * first published version is rejected with EINVAL.  A read-only (_IOR)
 * structure longer than the kernel's gets its unknown tail zeroed.
 *
 * All fields marked "reserved" or "pad" must be zero (else EINVAL).  User
 * pointers are carried in __u64 fields.  Page counts are in units of 4 KiB
 * pages (PAGE_SIZE of the host).
 *
 * Errors common to every ioctl:
 *  * %ENOTTY - unknown ioctl number or type.
 *  * %EINVAL - structure size below the first version, non-zero unknown tail,
 *    non-zero reserved or padding field, unknown flag.
 *  * %EFAULT - the structure (or an array it points to) is not readable or
 *    writable.
 *  * %EPERM  - a mutating ioctl on a file whose opener did not have
 *    %CAP_SYS_ADMIN (in the initial user namespace).  Privilege is the
 *    opener's, checked against the file's credentials as for other fds that
 *    carry a capability: a privileged process may hand its fd to a helper
 *    that has none, and a process that drops the capability keeps the fds
 *    it opened before.
 *  * %ESRCH  - the domain named by @domid does not exist or is being
 *    destroyed (ioctls that take a domid).
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#ifndef _UAPI_LINUX_NUMACLAIMS_H
#define _UAPI_LINUX_NUMACLAIMS_H

#include <linux/types.h>
#include <linux/ioctl.h>

/** NUMACLAIMS_API_VERSION - value returned by %NUMACLAIMS_IOC_API_VERSION. */
#define NUMACLAIMS_API_VERSION		5

/**
 * NUMACLAIMS_MAX_NODES - node ids numaclaims can manage (0 .. 63).
 *
 * Nodes with a higher id get no pool.  Node masks are therefore one __u64.
 */
#define NUMACLAIMS_MAX_NODES		64

/** NUMACLAIMS_MAX_ORDER - largest extent order populate accepts (2 MiB). */
#define NUMACLAIMS_MAX_ORDER		9

/**
 * NUMACLAIMS_SUPERPAGE_ORDER - order of a superpage (2 MiB of 4 KiB pages).
 *
 * Since API version 4 a node's pool has two parts (docs/MAPPING.md,
 * "Superpages"): its 4 KiB pages (every count not named "superpage") and
 * its superpages, 2 MiB blocks kept whole for their whole life (module
 * parameters superpage_pool_mb and node_superpage_mb, like hugetlb's
 * per-node pool).  A superpage is only ever a domain's as one order-9 extent,
 * and a mapping of it 2 MiB-aligned is one PMD.  Superpage counts are in
 * 4 KiB pages too (multiples of %NUMACLAIMS_SUPERPAGE_PAGES).
 */
#define NUMACLAIMS_SUPERPAGE_ORDER	9
#define NUMACLAIMS_SUPERPAGE_PAGES	(1U << NUMACLAIMS_SUPERPAGE_ORDER)

/* Special claim targets (struct numaclaims_claim.target). */
/** NUMACLAIMS_TARGET_HOST - host-wide claim, satisfiable from any node. */
#define NUMACLAIMS_TARGET_HOST		0x80000000U
/**
 * NUMACLAIMS_TARGET_LEGACY - legacy semantics: @pages is the domain's total
 * memory target; the host-wide claim becomes @pages - tot_pages.  Only valid
 * as the single entry of a claim set.
 */
#define NUMACLAIMS_TARGET_LEGACY	0x40000000U
/** NUMACLAIMS_TARGET_SPECIAL - targets at or above this are selectors, not nodes. */
#define NUMACLAIMS_TARGET_SPECIAL	0x10000000U

/* struct numaclaims_claim.cmd */
/** NUMACLAIMS_CLAIM_PAGES_CMD - 0: a claim of 4 KiB pages (every version). */
#define NUMACLAIMS_CLAIM_PAGES_CMD	0U
/**
 * NUMACLAIMS_CLAIM_SUPERPAGES - (since version 4) a claim of superpages on
 * the node @target: @pages is a multiple of %NUMACLAIMS_SUPERPAGE_PAGES, and
 * that many pages of the node's superpages are kept for the domain: an
 * order-9 populate on the node can always take one while the claim lasts,
 * whatever other domains do.  A node may have one 4 KiB entry and one
 * superpage entry in a set.
 */
#define NUMACLAIMS_CLAIM_SUPERPAGES	1U

/**
 * struct numaclaims_claim - one entry of a claim set (Xen's xen_memory_claim).
 * @pages:  (in/out) number of 4 KiB pages claimed; 0 claims nothing.
 * @target: (in/out) a node id, %NUMACLAIMS_TARGET_HOST or
 *          %NUMACLAIMS_TARGET_LEGACY.
 * @cmd:    (in/out) %NUMACLAIMS_CLAIM_PAGES_CMD (0) or, for a node target,
 *          %NUMACLAIMS_CLAIM_SUPERPAGES.
 */
struct numaclaims_claim {
	__u64 pages;
	__u32 target;
	__u32 cmd;
};

/**
 * NUMACLAIMS_MAX_CLAIM_ENTRIES - the most entries a claim set can have: one
 * 4 KiB and one superpage entry per node, and HOST (since version 4; before,
 * %NUMACLAIMS_MAX_NODES + 1).  A GET with this capacity never fails with
 * %ERANGE.
 */
#define NUMACLAIMS_MAX_CLAIM_ENTRIES	(2 * NUMACLAIMS_MAX_NODES + 1)

/* struct numaclaims_claim_memory.mode */
/** NUMACLAIMS_CLAIM_GET - read the domain's current claim set. */
#define NUMACLAIMS_CLAIM_GET		0U
/** NUMACLAIMS_CLAIM_SET - install a claim set, replacing the current one. */
#define NUMACLAIMS_CLAIM_SET		1U

/**
 * struct numaclaims_claim_memory - argument of %NUMACLAIMS_IOC_CLAIM_MEMORY
 * (Xen's xen_domctl_claim_memory).
 * @domid:      (in) the domain.
 * @mode:       (in) %NUMACLAIMS_CLAIM_SET or %NUMACLAIMS_CLAIM_GET.
 * @nr_entries: (in) SET: entries in @claim_set; GET: capacity of @claim_set.
 *              (out) GET: entries written, or on %ERANGE the number needed.
 * @pad:        must be 0.
 * @claim_set:  (in) user pointer to an array of struct numaclaims_claim.
 */
struct numaclaims_claim_memory {
	__u32 domid;
	__u32 mode;
	__u32 nr_entries;
	__u32 pad;
	__u64 claim_set;
};

/* Domain flags (struct numaclaims_domain_create.flags). */
/**
 * NUMACLAIMS_DOMAIN_AUTODESTROY - destroy the domain when the file that
 * created it is closed (including when the creating process dies).
 */
#define NUMACLAIMS_DOMAIN_AUTODESTROY	(1U << 0)
#define NUMACLAIMS_DOMAIN_FLAGS		NUMACLAIMS_DOMAIN_AUTODESTROY

/**
 * struct numaclaims_domain_create - argument of %NUMACLAIMS_IOC_DOMAIN_CREATE.
 * @max_pages: (in) the domain's memory limit in pages (Xen's max_mem).
 * @flags:     (in) %NUMACLAIMS_DOMAIN_* flags.
 * @domid:     (out) the new domain's id (never 0).
 * @reserved:  must be 0.
 */
struct numaclaims_domain_create {
	__u64 max_pages;
	__u32 flags;
	__u32 domid;
	__u64 reserved[2];
};

/**
 * struct numaclaims_domain_destroy - argument of %NUMACLAIMS_IOC_DOMAIN_DESTROY.
 * @domid: (in) the domain.
 * @pad:   must be 0.
 */
struct numaclaims_domain_destroy {
	__u32 domid;
	__u32 pad;
};

/**
 * struct numaclaims_max_pages - argument of %NUMACLAIMS_IOC_SET_MAX_PAGES.
 * @domid:     (in) the domain.
 * @pad:       must be 0.
 * @max_pages: (in) new limit.  May be below tot_pages (further counted
 *             allocations then fail); claims above the new limit are recalled,
 *             host-wide part first, then node claims in ascending node order.
 */
struct numaclaims_max_pages {
	__u32 domid;
	__u32 pad;
	__u64 max_pages;
};

/**
 * struct numaclaims_node_affinity - argument of
 * %NUMACLAIMS_IOC_SET_NODE_AFFINITY.
 * @domid:    (in) the domain.
 * @pad:      must be 0.
 * @nodemask: (in) bit n set: prefer node n when populate names no node.
 *            Must contain at least one node with a pool.
 */
struct numaclaims_node_affinity {
	__u32 domid;
	__u32 pad;
	__u64 nodemask;
};

/* Populate memflags (struct numaclaims_reservation.mem_flags), as XENMEMF_*. */
/** NUMACLAIMS_MEMF_NODE - request node @n first (encoded as n + 1 in bits 0-7). */
#define NUMACLAIMS_MEMF_NODE(n)		(((n) + 1) & 0xffU)
/** NUMACLAIMS_MEMF_GET_NODE - decode; -1 when no node is requested. */
#define NUMACLAIMS_MEMF_GET_NODE(f)	((int)((f) & 0xffU) - 1)
/**
 * NUMACLAIMS_MEMF_EXACT_NODE - allocate only on the requested node (or,
 * without a requested node, only on the domain's node affinity).
 */
#define NUMACLAIMS_MEMF_EXACT_NODE	(1U << 17)
/**
 * NUMACLAIMS_MEMF_NO_REFCOUNT - allocation not counted to the domain
 * (tot_pages, max_pages, claims untouched); may use unclaimed memory only.
 */
#define NUMACLAIMS_MEMF_NO_REFCOUNT	(1U << 18)
/**
 * NUMACLAIMS_MEMF_SUPERPAGE - (since version 4) only a superpage will do:
 * @extent_order must be 9, and an extent no superpage can be found for
 * fails with %ENOMEM instead of taking an order-9 block of 4 KiB pages.
 */
#define NUMACLAIMS_MEMF_SUPERPAGE	(1U << 19)
#define NUMACLAIMS_MEMF_FLAGS		(0xffU | NUMACLAIMS_MEMF_EXACT_NODE | \
					 NUMACLAIMS_MEMF_NO_REFCOUNT | \
					 NUMACLAIMS_MEMF_SUPERPAGE)

/**
 * struct numaclaims_reservation - argument of %NUMACLAIMS_IOC_POPULATE_PHYSMAP,
 * %NUMACLAIMS_IOC_DECREASE_RESERVATION and %NUMACLAIMS_IOC_CLAIM_PAGES
 * (Xen's xen_memory_reservation).
 * @extent_start: (in) user pointer to @nr_extents __u64 guest frame numbers
 *                (gfn), each aligned to 2^@extent_order.  Must be 0 for
 *                CLAIM_PAGES.
 * @nr_extents:   (in) number of extents; for CLAIM_PAGES the legacy claim
 *                target in pages.
 * @extent_order: (in) 0 .. %NUMACLAIMS_MAX_ORDER; 0 for CLAIM_PAGES.
 * @mem_flags:    (in) %NUMACLAIMS_MEMF_* (populate only; else 0).
 * @domid:        (in) the domain.
 * @pad:          must be 0.
 * @nr_done:      (out) extents completed, also when the call fails part way.
 */
struct numaclaims_reservation {
	__u64 extent_start;
	__u64 nr_extents;
	__u32 extent_order;
	__u32 mem_flags;
	__u32 domid;
	__u32 pad;
	__u64 nr_done;
};

/** NUMACLAIMS_MAX_GFN - gfns must be below this (2^40 pages = 4 PiB). */
#define NUMACLAIMS_MAX_GFN		(1ULL << 40)

/* Domain info flags (struct numaclaims_domain_info.flags). */
/**
 * NUMACLAIMS_INFO_NEXT - (in) return the first domain whose id is >= @domid
 * (like xc_domain_getinfo()'s first_domid), for enumerating domains.
 */
#define NUMACLAIMS_INFO_NEXT		(1U << 0)

/**
 * struct numaclaims_domain_info - argument of %NUMACLAIMS_IOC_DOMAIN_INFO.
 * @domid:             (in) the domain (or first candidate with
 *                     %NUMACLAIMS_INFO_NEXT); (out) the domain reported.
 * @flags:             (in) %NUMACLAIMS_INFO_* flags.
 * @domain_flags:      (out) %NUMACLAIMS_DOMAIN_* flags it was created with.
 * @pad:               must be 0.
 * @max_pages:         (out) memory limit.
 * @tot_pages:         (out) pages counted to the domain.
 * @outstanding_pages: (out) total outstanding claims (node and host-wide).
 * @node_claims:       (out) sum of the node claims.
 * @uncounted_pages:   (out) pages in the physmap from NO_REFCOUNT populates.
 * @node_affinity:     (out) preferred nodes mask.
 * @claims:            (out) outstanding claim per node.
 * @node_pages:        (out) physmap pages per node (counted and uncounted),
 *                     superpages included.
 * @superpage_claims:  (out, since version 4) outstanding superpage claim per
 *                     node, in pages; not part of @outstanding_pages.
 * @superpage_pages:   (out, since version 4) of @node_pages, the pages that
 *                     are superpages.
 */
struct numaclaims_domain_info {
	__u32 domid;
	__u32 flags;
	__u32 domain_flags;
	__u32 pad;
	__u64 max_pages;
	__u64 tot_pages;
	__u64 outstanding_pages;
	__u64 node_claims;
	__u64 uncounted_pages;
	__u64 node_affinity;
	__u64 claims[NUMACLAIMS_MAX_NODES];
	__u64 node_pages[NUMACLAIMS_MAX_NODES];
	__u64 superpage_claims[NUMACLAIMS_MAX_NODES];
	__u64 superpage_pages[NUMACLAIMS_MAX_NODES];
};

/* Size of struct numaclaims_domain_info before version 4 (still accepted). */
#define NUMACLAIMS_DOMAIN_INFO_SIZE_VER1	(64 + 16 * NUMACLAIMS_MAX_NODES)

/**
 * struct numaclaims_node_info - one node of struct numaclaims_host_info.
 * @reserved_pages:    pages taken from Linux for the pool (at load, and
 *                     by %NUMACLAIMS_IOC_POOL_RESIZE since).
 * @avail_pages:       free pages in the pool (claimed or not).
 * @outstanding_claims: sum of all domains' claims on this node.
 * @offlined_pages:    pool pages taken out of service.
 * @has_pool:          1 if the node has a pool, else 0 (all fields 0).
 * @pad:               0.
 */
struct numaclaims_node_info {
	__u64 reserved_pages;
	__u64 avail_pages;
	__u64 outstanding_claims;
	__u64 offlined_pages;
	__u32 has_pool;
	__u32 pad;
};

/**
 * struct numaclaims_host_info - argument of %NUMACLAIMS_IOC_HOST_INFO
 * (Xen's xc_physinfo and the outstanding_claims of xl info).
 * @nr_nodes:           (out) node ids in use by the host (highest id + 1).
 * @nr_domains:         (out) existing domains.
 * @total_avail_pages:  (out) sum of the nodes' @avail_pages.
 * @outstanding_claims: (out) sum of all domains' outstanding_pages.
 * @nodes:              (out) per node id.
 * @total_held_pages:   (out, since version 2) sum of @held_pages.
 * @held_pages:         (out, since version 2) per node id: pages freed by
 *                      their domain (decrease, destroy) while someone still
 *                      held a reference to them (a get_user_pages() pin, an
 *                      O_DIRECT or vmsplice in flight).  They belong to no
 *                      domain, are not available, and return to the pool,
 *                      zeroed, when the last holder lets go.
 * @total_scrub_pages:  (out, since version 3) sum of @scrub_pages.
 * @scrub_pages:        (out, since version 3) per node id: free pages
 *                      waiting to be scrubbed (Xen's xc_physinfo()
 *                      scrub_pages): given back by a domain and not known
 *                      to be zero since.  They are part of @avail_pages and
 *                      can be allocated: a populate takes clean memory of
 *                      the node it chose first, and clears the dirty pages
 *                      it takes itself.  Background scrubbers (module
 *                      parameter scrub) bring them to 0 when the host is
 *                      idle.  Counted per free block, like Xen: a block
 *                      with any page to scrub counts whole.
 *
 * @superpages:         (out, since version 4) per node id: its superpages.
 * @total_growable_pages: (out, since version 5) sum of @growable_pages.
 * @growable_pages:     (out, since version 5) per node id: how many pages
 *                      a claim may still grow the node's pool by (grow on
 *                      claim, see %NUMACLAIMS_IOC_POOL_RESIZE): 0 where the
 *                      node does not grow on claim; else the capacity its
 *                      pool does not use, at most pool_max_percent of the
 *                      node's free memory now.  Not part of @avail_pages:
 *                      a claim of up to @avail_pages less the node's
 *                      claims plus this fits, unless another claim takes
 *                      the memory first or Linux cannot give it whole.
 *
 * Every reserved page is in exactly one place:
 * reserved_pages = avail_pages + offlined_pages + held_pages + the 4 KiB
 * pages in the domains' physmaps (struct numaclaims_domain_info.node_pages
 * - superpage_pages), and superpages.reserved_pages = superpages.free_pages
 * + superpages.held_pages + the domains' superpage_pages.
 */
/**
 * struct numaclaims_node_superpages - the superpages of one node (since
 * version 4), in 4 KiB pages; all multiples of %NUMACLAIMS_SUPERPAGE_PAGES.
 * @reserved_pages:     superpages taken from Linux at load.
 * @free_pages:         free superpages (claimed or not): the node's free
 *                      order-9 blocks that can be mapped with one PMD.
 * @outstanding_claims: sum of all domains' superpage claims on the node.
 * @held_pages:         superpages freed by their domain while someone
 *                      still held them (as @held_pages of the host).
 */
struct numaclaims_node_superpages {
	__u64 reserved_pages;
	__u64 free_pages;
	__u64 outstanding_claims;
	__u64 held_pages;
};

struct numaclaims_host_info {
	__u32 nr_nodes;
	__u32 nr_domains;
	__u64 total_avail_pages;
	__u64 outstanding_claims;
	struct numaclaims_node_info nodes[NUMACLAIMS_MAX_NODES];
	__u64 total_held_pages;
	__u64 held_pages[NUMACLAIMS_MAX_NODES];
	__u64 total_scrub_pages;
	__u64 scrub_pages[NUMACLAIMS_MAX_NODES];
	struct numaclaims_node_superpages superpages[NUMACLAIMS_MAX_NODES];
	__u64 total_growable_pages;
	__u64 growable_pages[NUMACLAIMS_MAX_NODES];
};

/* Size of struct numaclaims_host_info in API version 1 (still accepted). */
#define NUMACLAIMS_HOST_INFO_SIZE_VER1	(24 + 40 * NUMACLAIMS_MAX_NODES)
/* ... and in API version 2 (still accepted). */
#define NUMACLAIMS_HOST_INFO_SIZE_VER2	\
	(NUMACLAIMS_HOST_INFO_SIZE_VER1 + 8 + 8 * NUMACLAIMS_MAX_NODES)
/* ... and in API version 3 (still accepted). */
#define NUMACLAIMS_HOST_INFO_SIZE_VER3	\
	(NUMACLAIMS_HOST_INFO_SIZE_VER2 + 8 + 8 * NUMACLAIMS_MAX_NODES)
/* ... and in API version 4 (still accepted). */
#define NUMACLAIMS_HOST_INFO_SIZE_VER4	\
	(NUMACLAIMS_HOST_INFO_SIZE_VER3 + 32 * NUMACLAIMS_MAX_NODES)

/* struct numaclaims_domain_open.flags */
/** NUMACLAIMS_OPEN_CLOEXEC - the new file descriptor is close-on-exec. */
#define NUMACLAIMS_OPEN_CLOEXEC		(1U << 0)
#define NUMACLAIMS_OPEN_FLAGS		NUMACLAIMS_OPEN_CLOEXEC

/**
 * struct numaclaims_domain_open - argument of %NUMACLAIMS_IOC_DOMAIN_OPEN.
 * @domid: (in) the domain.
 * @flags: (in) %NUMACLAIMS_OPEN_* flags.
 */
struct numaclaims_domain_open {
	__u32 domid;
	__u32 flags;
};

/**
 * NUMACLAIMS_DOMAIN_DEV_FMT - path of a domain's device node (devtmpfs
 * creates it when the domain is created and removes it when it is
 * destroyed), e.g. /dev/numaclaims-dom3: what a VMM opens as mem-path.
 *
 * Privilege model: the control device (/dev/numaclaims) is the host's:
 * every ioctl that changes a domain or the host needs %CAP_SYS_ADMIN.  A
 * domain's node is created mode 0600, owner root, and opening it is gated
 * by its owner and mode only (no capability), as for /dev/kvm: the builder
 * gives a domain to an unprivileged VMM by changing the node's owner or
 * mode (claims_domain_give(), claimctl give), or passes it an fd.  A
 * domain file can map, read and write that domain's pages and nothing else;
 * the node of a domain destroyed and created again is a new one, 0600 root.
 */
#define NUMACLAIMS_DOMAIN_DEV_FMT	"/dev/numaclaims-dom%u"

/**
 * struct numaclaims_offline - argument of %NUMACLAIMS_IOC_OFFLINE_PAGES and
 * %NUMACLAIMS_IOC_ONLINE_PAGES (Xen's XEN_SYSCTL_page_offline_op).
 * @node:  (in) node id.
 * @pad:   must be 0.
 * @pages: (in) number of free pool pages to take out of (or put back into)
 *         service.  All or nothing.
 */
struct numaclaims_offline {
	__u32 node;
	__u32 pad;
	__u64 pages;
};

/**
 * struct numaclaims_pool_resize - argument of %NUMACLAIMS_IOC_POOL_RESIZE
 * (since version 5).
 * @node:  (in) node id.
 * @flags: (in) must be 0.
 * @pages: (in) the node's new pool size in 4 KiB pages: its new
 *         struct numaclaims_node_info.reserved_pages.
 */
struct numaclaims_pool_resize {
	__u32 node;
	__u32 flags;
	__u64 pages;
};

#define NUMACLAIMS_IOC_MAGIC	0xC1

/**
 * NUMACLAIMS_IOC_API_VERSION - return %NUMACLAIMS_API_VERSION.
 *
 * Takes no argument and changes nothing; also the "null ioctl" that
 * benchmarks compare against.  Errors: none beyond %ENOTTY.
 */
#define NUMACLAIMS_IOC_API_VERSION	_IO(NUMACLAIMS_IOC_MAGIC, 0x00)

/**
 * NUMACLAIMS_IOC_DOMAIN_CREATE - create a domain.
 *
 * Context: process; sleeps.  Errors: %EPERM, %EFAULT, %EINVAL (unknown flag,
 * reserved field), %ENOMEM (no memory for the domain structure), %ENOSPC (no
 * free domid).
 */
#define NUMACLAIMS_IOC_DOMAIN_CREATE \
	_IOWR(NUMACLAIMS_IOC_MAGIC, 0x01, struct numaclaims_domain_create)

/**
 * NUMACLAIMS_IOC_DOMAIN_DESTROY - destroy a domain: free its pages to the
 * pools and release its claims.  The freed pages are not zeroed here: they
 * are marked dirty and zeroed before any domain is given them again, and
 * before the pool gives them back to Linux at unload, so no domain's data
 * reaches another domain or Linux.  A call in progress on the domain is
 * waited for; a populate or decrease stops at its next extent (%EINTR).
 * The wait is killable.
 *
 * Errors: %EPERM, %EFAULT, %EINVAL (pad), %ESRCH, %EINTR (fatal signal while
 * waiting: nothing was destroyed).
 */
#define NUMACLAIMS_IOC_DOMAIN_DESTROY \
	_IOW(NUMACLAIMS_IOC_MAGIC, 0x02, struct numaclaims_domain_destroy)

/**
 * NUMACLAIMS_IOC_SET_MAX_PAGES - change a domain's max_pages (Xen max_mem).
 *
 * Errors: %EPERM, %EFAULT, %EINVAL (pad), %ESRCH.
 */
#define NUMACLAIMS_IOC_SET_MAX_PAGES \
	_IOW(NUMACLAIMS_IOC_MAGIC, 0x03, struct numaclaims_max_pages)

/**
 * NUMACLAIMS_IOC_SET_NODE_AFFINITY - set the nodes populate prefers.
 *
 * Errors: %EPERM, %EFAULT, %EINVAL (pad, or no node of @nodemask has a pool),
 * %ESRCH.
 */
#define NUMACLAIMS_IOC_SET_NODE_AFFINITY \
	_IOW(NUMACLAIMS_IOC_MAGIC, 0x04, struct numaclaims_node_affinity)

/**
 * NUMACLAIMS_IOC_CLAIM_MEMORY - install (SET) or read (GET) a claim set
 * (Xen XEN_DOMCTL_claim_memory).
 *
 * SET is atomic: the whole set replaces the domain's claims, or nothing
 * changes.  Checks, in this order (the first failure decides):
 *  1. @nr_entries == 0 or @pad != 0: %EINVAL; more than 2 x nodes + 1
 *     entries: %E2BIG (before the array is copied);
 *  2. per entry in array order: @cmd not %NUMACLAIMS_CLAIM_PAGES_CMD or
 *     %NUMACLAIMS_CLAIM_SUPERPAGES, a superpage entry whose target is not a
 *     node or whose @pages is not a multiple of %NUMACLAIMS_SUPERPAGE_PAGES,
 *     a node (per kind) or HOST twice, LEGACY with other entries, an unknown
 *     special target, or a sum that overflows: %EINVAL; a node without a
 *     pool: %ENOENT; more than the node's unclaimed memory of that kind
 *     (4 KiB pages, or superpages; the domain's own claim there counts as
 *     free): %ENOMEM;
 *  3. tot_pages + total claims (superpage claims included) > max_pages:
 *     %EINVAL (a set claiming nothing always passes, so {0, HOST} clears
 *     even above max_pages);
 *  4. total 4 KiB claims above the host's unclaimed memory (own claims
 *     count as free): %ENOMEM.
 * A single LEGACY entry applies the legacy arithmetic (see CLAIM_PAGES) but
 * replaces the current claims.  {0, HOST} alone clears every claim.
 *
 * GET writes node entries in ascending node order, then the superpage
 * entries in ascending node order, then one HOST entry for the host-wide
 * part if not zero, and sets @nr_entries; if @nr_entries is too small it
 * fails with %ERANGE and sets @nr_entries to the number needed.
 *
 * Superpage claims are redeemed only by superpages, one per order-9
 * superpage populate on their node; 4 KiB claims (node, host-wide) are
 * redeemed by every counted allocation as before.  Only when a counted
 * allocation would otherwise leave tot_pages + claims above max_pages are
 * superpage claims on other nodes given up, a whole superpage at a time.
 *
 * SET needs %CAP_SYS_ADMIN; GET does not.  Errors: %EPERM, %EFAULT, %EINVAL
 * (also unknown @mode), %E2BIG, %ENOENT, %ENOMEM, %ERANGE, %ESRCH.
 */
#define NUMACLAIMS_IOC_CLAIM_MEMORY \
	_IOWR(NUMACLAIMS_IOC_MAGIC, 0x05, struct numaclaims_claim_memory)

/**
 * NUMACLAIMS_IOC_CLAIM_PAGES - legacy single host-wide claim (Xen
 * XENMEM_claim_pages, domain_set_outstanding_pages()).
 *
 * @nr_extents is the domain's total target.  0 releases every claim and
 * succeeds.  Otherwise: a claim already outstanding: %EINVAL; target <=
 * tot_pages or > max_pages: %EINVAL; target - tot_pages above the host's
 * unclaimed memory: %ENOMEM.  @extent_start, @extent_order, @mem_flags must
 * be 0 (%EINVAL).  Errors: %EPERM, %EFAULT, %EINVAL, %ENOMEM, %ESRCH.
 */
#define NUMACLAIMS_IOC_CLAIM_PAGES \
	_IOWR(NUMACLAIMS_IOC_MAGIC, 0x06, struct numaclaims_reservation)

/**
 * NUMACLAIMS_IOC_POPULATE_PHYSMAP - allocate @nr_extents extents of
 * 2^@extent_order pages from the pools, zero those a domain had before, and
 * map them at the gfns read from @extent_start (Xen XENMEM_populate_physmap).
 * The gfns are read in batches, before the domain is locked: an array in
 * memory that faults slowly (userfaultfd, FUSE) delays only this caller.
 *
 * Claims protect and are redeemed by every counted allocation (node claim,
 * then host-wide claim, then other nodes' claims).  Stops at the first
 * failing extent and returns its errno; @nr_done always tells how many
 * extents were done so a builder can resume.
 *
 * Superpages (since version 4): an order-9 extent is a superpage when the
 * chosen node has one the domain may take: its own superpage claim there
 * (redeemed first), else an unclaimed free superpage.  Node choice for
 * superpages: the requested node; without one, the nodes where the domain
 * has superpage claims, then its node affinity, then (unless EXACT_NODE)
 * any node.  Otherwise the extent is an order-9 block of 4 KiB pages as in
 * earlier versions, unless %NUMACLAIMS_MEMF_SUPERPAGE asks for a
 * superpage only (then %ENOMEM).
 *
 * Errors: %EPERM, %EFAULT, %ESRCH, %EINVAL (order > 9, unknown memflag,
 * %NUMACLAIMS_MEMF_SUPERPAGE with order != 9, gfn not aligned or >=
 * %NUMACLAIMS_MAX_GFN), %ENOENT (requested node has no
 * pool), %ENOMEM (no memory the claim rules allow), %E2BIG (would exceed
 * max_pages), %EEXIST (gfn already populated), %EINTR (a signal, or a
 * DOMAIN_DESTROY of the domain waiting for it: call again from @nr_done; a
 * destroyed domain then answers %ESRCH).
 */
#define NUMACLAIMS_IOC_POPULATE_PHYSMAP \
	_IOWR(NUMACLAIMS_IOC_MAGIC, 0x07, struct numaclaims_reservation)

/**
 * NUMACLAIMS_IOC_DECREASE_RESERVATION - free extents from the physmap back to
 * the pools (Xen XENMEM_decrease_reservation).  Claims are not given back.
 *
 * A superpage is decreased whole: an extent that covers part of one is
 * refused (%EINVAL), as hugetlbfs works in 2 MiB units; its pages cannot
 * go to another domain one by one (docs/MAPPING.md says why).
 *
 * Errors: %EPERM, %EFAULT, %ESRCH, %EINVAL (order > 9, mem_flags != 0, gfn
 * not aligned, some page of the extent not populated, or part of a
 * superpage), %EINTR (as for populate).
 */
#define NUMACLAIMS_IOC_DECREASE_RESERVATION \
	_IOWR(NUMACLAIMS_IOC_MAGIC, 0x08, struct numaclaims_reservation)

/**
 * NUMACLAIMS_IOC_DOMAIN_INFO - read a domain's accounting.
 *
 * Errors: %EFAULT, %EINVAL (unknown flag, pad), %ESRCH (no such domain; with
 * %NUMACLAIMS_INFO_NEXT, no domain at or after @domid).
 */
#define NUMACLAIMS_IOC_DOMAIN_INFO \
	_IOWR(NUMACLAIMS_IOC_MAGIC, 0x09, struct numaclaims_domain_info)

/**
 * NUMACLAIMS_IOC_HOST_INFO - read the host (heap) accounting, taken in one
 * critical section so the figures are consistent with each other.
 *
 * Errors: %EFAULT.
 */
#define NUMACLAIMS_IOC_HOST_INFO \
	_IOR(NUMACLAIMS_IOC_MAGIC, 0x0a, struct numaclaims_host_info)

/**
 * NUMACLAIMS_IOC_OFFLINE_PAGES - take @pages free pool pages of @node out of
 * service.  Claims that no longer fit are recalled: node claims on @node
 * (newest domain first) so node_outstanding_claims <= node_avail_pages, then
 * host-wide claims so outstanding_claims <= total_avail_pages.  The
 * accounting changes at once, atomically; the pages then leave the free
 * lists in bounded batches, so a request of any size never holds up other
 * callers for longer than a batch (ONLINE_PAGES likewise).
 *
 * Errors: %EPERM, %EFAULT, %EINVAL (pad), %ENOENT (no pool on @node),
 * %ENOMEM (fewer than @pages free pages on @node; nothing changed), %EINTR
 * (fatal signal while another offline or online was in progress).
 */
#define NUMACLAIMS_IOC_OFFLINE_PAGES \
	_IOW(NUMACLAIMS_IOC_MAGIC, 0x0b, struct numaclaims_offline)

/**
 * NUMACLAIMS_IOC_ONLINE_PAGES - return @pages offlined pages of @node to its
 * pool.  Recalled claims are not restored.  Hardware-poisoned pages, which
 * count as offlined, are retired for good and never onlined.
 *
 * Errors: %EPERM, %EFAULT, %EINVAL (pad, or more than are offlined and not
 * retired), %ENOENT (no pool on @node).
 */
#define NUMACLAIMS_IOC_ONLINE_PAGES \
	_IOW(NUMACLAIMS_IOC_MAGIC, 0x0c, struct numaclaims_offline)

/**
 * NUMACLAIMS_IOC_DOMAIN_OPEN - open a domain's memory as a file.
 *
 * Returns a new file descriptor (O_RDWR) that holds a reference to the
 * domain; opening %NUMACLAIMS_DOMAIN_DEV_FMT does the same by path (for a
 * VMM's mem-path), for whoever the node's owner and mode let open it (see
 * %NUMACLAIMS_DOMAIN_DEV_FMT).  The domain file:
 *
 *  * mmap(2): only %MAP_SHARED (%MAP_PRIVATE: %EINVAL; a file opened
 *    read-only maps read-only); msync(2) succeeds and does nothing; file offset =
 *    gfn << 12.  A populated gfn maps the domain's page itself, an ordinary
 *    reference-counted page: move_pages(2), /proc/PID/numa_maps,
 *    get_user_pages(), O_DIRECT and vmsplice work on it.  Touching an
 *    unpopulated gfn raises %SIGBUS.  A mapping that reaches beyond
 *    %NUMACLAIMS_MAX_GFN: %ENXIO; a domain being destroyed: %ESRCH.
 *    Populate after mmap is fine: the new pages appear on first touch.
 *  * Superpages (since version 4): mmap() of 2 MiB or more returns a
 *    2 MiB-aligned address (as for THP), and a superpage whose 2 MiB of
 *    the mapping is aligned is mapped by one PMD on first touch
 *    (/proc/PID/smaps FilePmdMapped; KVM then uses a 2 MiB EPT entry).
 *    4 KiB pages and unaligned superpages are mapped by PTEs.  An
 *    madvise(MADV_NOHUGEPAGE) or prctl(PR_SET_THP_DISABLE) mapping gets
 *    PTEs on kernels that honour them for file THPs (6.12 and later).
 *  * Decrease, destroy (also AUTODESTROY) first remove every mapping of the
 *    pages they free, so a later access raises %SIGBUS.  A freed page that
 *    someone still holds is not reused until released (see
 *    struct numaclaims_host_info.held_pages).
 *  * read(2), write(2), pread(2), pwrite(2) at offset gfn << 12 copy the
 *    domain's pages; a hole ends the call (the bytes before it, or %ENXIO
 *    if the call starts in it).
 *  * lseek(%SEEK_END) answers max_pages << 12 (how VMMs size a backend).
 *  * The file keeps the module loaded; after the domain is destroyed it
 *    stays valid but maps nothing.
 *
 * Errors: %EPERM, %EFAULT, %EINVAL (unknown flag), %ESRCH, %EMFILE,
 * %ENFILE, %ENOMEM.
 */
#define NUMACLAIMS_IOC_DOMAIN_OPEN \
	_IOW(NUMACLAIMS_IOC_MAGIC, 0x0d, struct numaclaims_domain_open)

/**
 * NUMACLAIMS_IOC_POOL_RESIZE - resize a node's 4 KiB pool while domains run
 * (since version 5), as hugetlb's per-node nr_hugepages resizes its pool;
 * also /sys/kernel/numaclaims/nodeN/pool_pages.
 *
 * Grow: pages are taken from Linux on @node (__GFP_THISNODE, 2 MiB chunks
 * first, smaller ones when Linux has no 2 MiB block), zeroed, up to the
 * node's capacity_pages, and no more than pool_max_percent of the node's
 * free memory at a time.  Shrink: free pool pages no claim needs go back to
 * Linux, whole blocks first, zeroed; a shrink never recalls a claim and
 * never takes a page in a domain, held or offlined.  Both are all or
 * nothing, as a claim set is: the pool is @pages pages on return, or the
 * call failed and the pool is as it was.  The accounting of a shrink
 * changes at once, and both move their pages in bounded batches.  One
 * resize, offline or online at a time.  A node's capacity (the most pages
 * its pool can hold: module parameters pool_max_mb and node_pool_max_mb,
 * at least what it reserved at load) is
 * /sys/kernel/numaclaims/nodeN/capacity_pages.
 *
 * Errors: %EPERM, %EFAULT, %EINVAL (flags), %ENOENT (no pool on @node),
 * %ENOSPC (@pages above the node's capacity_pages), %ENOMEM (Linux cannot
 * give that many pages on @node now, or they are more than
 * pool_max_percent of its free memory), %EBUSY (a shrink below what the
 * node's claims, domains, held and offlined pages need: fewer free
 * unclaimed pages than asked to give back), %EINTR (fatal signal).
 */
#define NUMACLAIMS_IOC_POOL_RESIZE \
	_IOW(NUMACLAIMS_IOC_MAGIC, 0x0e, struct numaclaims_pool_resize)

#endif /* _UAPI_LINUX_NUMACLAIMS_H */
