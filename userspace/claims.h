/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclaims: the userspace library of numaclaims, NUMA-aware memory claim
 * sets (Xen's XEN_DOMCTL_claim_memory) for Linux.
 *
 * One function per ioctl of /dev/numaclaims, named after the libxenctrl call
 * a Xen domain builder already knows (xc_domain_claim_memory() becomes
 * claims_domain_claim_memory(), xc_physinfo() becomes claims_physinfo(), ...).
 *
 * Conventions (as liburing):
 *  * every function that can fail returns 0 (or a non-negative value where
 *    documented) on success and a negative errno on failure; none of them
 *    needs the global errno, which they may change;
 *  * the only exceptions are claims_open() and claims_open_path(), which
 *    return NULL and set errno like fopen() and xc_interface_open();
 *    claims_open_handle() is the errno-free form;
 *  * page counts are in units of 4 KiB pages (CLAIMS_PAGE_SIZE), as in the
 *    uapi header;
 *  * a handle may be used by several threads at once: it is only a file
 *    descriptor and the module serialises what needs it.
 *
 * The uapi header <linux/numaclaims.h> defines the structures and the errno
 * each ioctl can return; the comments here only add what the library does.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#ifndef LIBCLAIMS_CLAIMS_H
#define LIBCLAIMS_CLAIMS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/numaclaims.h>

#ifdef __cplusplus
extern "C" {
#endif

/** CLAIMS_DEVICE - the misc device claims_open() opens. */
#define CLAIMS_DEVICE		"/dev/numaclaims"
/** CLAIMS_PAGE_SIZE - the unit of every page count (4 KiB). */
#define CLAIMS_PAGE_SIZE	4096ULL
#define CLAIMS_PAGE_SHIFT	12

/**
 * CLAIMS_MAX_ENTRIES - the largest claim set (since libclaims 1.6, API
 * version 4): a 4 KiB entry and a superpage entry per node, plus the
 * host-wide part.  A GET with this capacity never fails with -ERANGE.
 */
#define CLAIMS_MAX_ENTRIES	NUMACLAIMS_MAX_CLAIM_ENTRIES

/** struct claims_handle - an open /dev/numaclaims (opaque). */
struct claims_handle;

/*
 * Handles.
 */

/**
 * claims_open() - open %CLAIMS_DEVICE.
 *
 * Return: a handle, or NULL with errno set (ENOENT: the module is not
 * loaded; EACCES: not root; ENOMEM).  claims_strerror(errno) says so in
 * words, with the next step.
 */
struct claims_handle *claims_open(void);

/**
 * claims_strerror() - a message for an error of claims_open*().
 * @err: the errno, positive (claims_open()'s errno) or negative (what
 *       claims_open_handle() and the other calls return).
 *
 * For the errors of opening the device it names the cause and the fix
 * ("the numaclaims module is not loaded (no /dev/numaclaims): modprobe
 * numaclaims" for ENOENT); for any other errno it is strerror()'s text.
 *
 * Return: a string that must not be modified or freed; it is valid until
 * the next call of claims_strerror() or strerror() in the same thread.
 */
const char *claims_strerror(int err);

/**
 * claims_open_path() - open the numaclaims device at @path (NULL means
 * %CLAIMS_DEVICE).
 *
 * Return: a handle, or NULL with errno set.
 */
struct claims_handle *claims_open_path(const char *path);

/**
 * claims_open_handle() - the errno-free form of claims_open_path().
 * @path:  device path, or NULL for %CLAIMS_DEVICE.
 * @hp:    (out) the new handle.
 *
 * Return: 0, or -errno from open(2) or -ENOMEM.
 */
int claims_open_handle(const char *path, struct claims_handle **hp);

/**
 * claims_close() - close a handle.  Domains created through it with
 * %NUMACLAIMS_DOMAIN_AUTODESTROY are destroyed by the module when the last
 * reference to the file goes (see claims_fd()).  NULL is ignored.
 */
void claims_close(struct claims_handle *h);

/**
 * claims_fd() - the handle's file descriptor (close-on-exec), for poll(2)
 * or to keep autodestroy domains alive in a child with dup(2).
 */
int claims_fd(const struct claims_handle *h);

/*
 * One function per ioctl.
 */

/**
 * claims_api_version() - %NUMACLAIMS_IOC_API_VERSION.
 *
 * Return: the module's API version (%NUMACLAIMS_API_VERSION for this
 * header), or -errno.
 */
int claims_api_version(struct claims_handle *h);

/**
 * claims_domain_create() - %NUMACLAIMS_IOC_DOMAIN_CREATE
 * (xc_domain_create() followed by xc_domain_setmaxmem()).
 * @max_pages: the memory limit in pages (0: the domain can claim and be
 *             given nothing until claims_domain_setmaxmem()).
 * @flags:     %NUMACLAIMS_DOMAIN_* (%NUMACLAIMS_DOMAIN_AUTODESTROY).
 * @domid:     (out) the new domain.
 */
int claims_domain_create(struct claims_handle *h, uint64_t max_pages,
			 uint32_t flags, uint32_t *domid);

/** claims_domain_destroy() - %NUMACLAIMS_IOC_DOMAIN_DESTROY. */
int claims_domain_destroy(struct claims_handle *h, uint32_t domid);

/**
 * claims_domain_setmaxmem() - %NUMACLAIMS_IOC_SET_MAX_PAGES.
 *
 * Unlike xc_domain_setmaxmem(), which takes KiB, @max_pages is in pages.
 * Claims above the new limit are recalled by the module.
 */
int claims_domain_setmaxmem(struct claims_handle *h, uint32_t domid,
			    uint64_t max_pages);

/**
 * claims_domain_node_setaffinity() - %NUMACLAIMS_IOC_SET_NODE_AFFINITY
 * (xc_domain_node_setaffinity()); @nodemask has bit n set for node n.
 */
int claims_domain_node_setaffinity(struct claims_handle *h, uint32_t domid,
				   uint64_t nodemask);

/**
 * claims_domain_claim_memory() - %NUMACLAIMS_IOC_CLAIM_MEMORY
 * (xc_domain_claim_memory()).
 * @mode:       %NUMACLAIMS_CLAIM_SET or %NUMACLAIMS_CLAIM_GET.
 * @nr_entries: (in) SET: entries in @set; GET: capacity of @set.
 *              (out) GET: entries written; on -ERANGE, the number needed.
 * @set:        the claim set.
 *
 * SET installs the whole set atomically, replacing the domain's claims, or
 * changes nothing.  An entry with @cmd %NUMACLAIMS_CLAIM_SUPERPAGES (API
 * version 4) claims superpages on its node.  GET writes the 4 KiB node
 * entries, then the superpage entries, then the host-wide part; with a
 * capacity of %CLAIMS_MAX_ENTRIES it never fails with -ERANGE
 * (NUMACLAIMS_MAX_NODES + 1 sufficed before superpages).
 */
int claims_domain_claim_memory(struct claims_handle *h, uint32_t domid,
			       uint32_t mode, uint32_t *nr_entries,
			       struct numaclaims_claim *set);

/**
 * claims_domain_claim_pages() - %NUMACLAIMS_IOC_CLAIM_PAGES, the legacy
 * single host-wide claim (xc_domain_claim_pages()).
 * @nr_pages: the domain's total memory target; 0 releases every claim.
 */
int claims_domain_claim_pages(struct claims_handle *h, uint32_t domid,
			      uint64_t nr_pages);

/**
 * claims_domain_populate_physmap() - %NUMACLAIMS_IOC_POPULATE_PHYSMAP
 * (xc_domain_populate_physmap()).
 * @nr_extents:   extents to populate.
 * @extent_order: 0 .. %NUMACLAIMS_MAX_ORDER.
 * @mem_flags:    %NUMACLAIMS_MEMF_NODE(n) | %NUMACLAIMS_MEMF_EXACT_NODE |
 *                %NUMACLAIMS_MEMF_NO_REFCOUNT | %NUMACLAIMS_MEMF_SUPERPAGE
 *                (API version 4, @extent_order 9: superpages only, else
 *                -ENOMEM; without it an order-9 extent is a superpage when
 *                one may be taken, else 512 pages).
 * @gfns:         @nr_extents gfns, each aligned to 2^@extent_order.
 * @nr_done:      (out, may be NULL) extents done, also on failure, so that
 *                a builder can resume at @gfns[*nr_done].
 *
 * Unlike xc_domain_populate_physmap(), which returns the number of extents
 * done, this returns 0 when all were done and the errno of the first failing
 * extent otherwise.
 */
int claims_domain_populate_physmap(struct claims_handle *h, uint32_t domid,
				   uint64_t nr_extents, uint32_t extent_order,
				   uint32_t mem_flags, const uint64_t *gfns,
				   uint64_t *nr_done);

/**
 * claims_domain_populate_physmap_exact() - as
 * claims_domain_populate_physmap() but, like
 * xc_domain_populate_physmap_exact(), fails with -EBUSY if the module
 * reported success without doing every extent.
 */
int claims_domain_populate_physmap_exact(struct claims_handle *h,
					 uint32_t domid, uint64_t nr_extents,
					 uint32_t extent_order,
					 uint32_t mem_flags,
					 const uint64_t *gfns);

/**
 * claims_domain_decrease_reservation() -
 * %NUMACLAIMS_IOC_DECREASE_RESERVATION (xc_domain_decrease_reservation()):
 * free @nr_extents extents of 2^@extent_order pages at @gfns.  Claims are
 * not given back.  @nr_done as for populate.
 */
int claims_domain_decrease_reservation(struct claims_handle *h,
				       uint32_t domid, uint64_t nr_extents,
				       uint32_t extent_order,
				       const uint64_t *gfns,
				       uint64_t *nr_done);

/**
 * claims_domain_decrease_reservation_exact() - as
 * claims_domain_decrease_reservation(), -EBUSY unless every extent was done.
 */
int claims_domain_decrease_reservation_exact(struct claims_handle *h,
					     uint32_t domid,
					     uint64_t nr_extents,
					     uint32_t extent_order,
					     const uint64_t *gfns);

/**
 * claims_domain_getinfo() - %NUMACLAIMS_IOC_DOMAIN_INFO for @domid
 * (xc_domain_getinfo_single()).  @info is overwritten.
 *
 * @superpage_claims and @superpage_pages (API version 4) read 0 from an
 * older module.  Programs built against a header before API version 4 keep
 * the LIBCLAIMS_1.0 version, which writes only
 * %NUMACLAIMS_DOMAIN_INFO_SIZE_VER1 bytes (likewise
 * claims_domain_getinfo_next(), and claims_domain_list(), whose 1.5
 * version returns an array of structures of that size).
 */
int claims_domain_getinfo(struct claims_handle *h, uint32_t domid,
			  struct numaclaims_domain_info *info);

/**
 * claims_domain_getinfo_next() - the first domain whose id is >= @first_domid
 * (%NUMACLAIMS_INFO_NEXT, as xc_domain_getinfo()'s first_domid).
 *
 * Enumerate with: for (id = 0; !claims_domain_getinfo_next(h, id, &i);
 * id = i.domid + 1).  Return: 0, -ESRCH when there is no such domain.
 */
int claims_domain_getinfo_next(struct claims_handle *h, uint32_t first_domid,
			       struct numaclaims_domain_info *info);

/**
 * struct claims_domain_numa - a domain's NUMA metrics as XenServer 9 names
 * them (VM_metrics, LIBCLAIMS_1.4): see claims_domain_numa().
 * @numa_nodes:       nodes the domain has memory on.
 * @numa_optimised:   1 if the memory is on one node, or on fewer nodes
 *                    than the host has pools; else 0 (also without memory).
 * @nodemask:         those nodes (bit n: node n).
 * @memory_numa_node: per node, the bytes of the domain's memory there
 *                    (memory_numa_node_X), counted and uncounted pages.
 */
struct claims_domain_numa {
	uint32_t numa_nodes;
	uint32_t numa_optimised;
	uint64_t nodemask;
	uint64_t memory_numa_node[NUMACLAIMS_MAX_NODES];
};

/**
 * claims_domain_numa() - @m from @di (DOMAIN_INFO) and @pool_nodes (the
 * host's nodes with a pool, claims_pool_nodes() or HOST_INFO; 0 if not
 * known: then only one node is optimised).  Pure, no device.
 *
 * Exact: every page of the domain's physmap counts (@di->node_pages), no
 * threshold as XenServer's 4096 pages, since a pool holds nothing but
 * domains' pages.  @numa_optimised is XenServer's definition
 * (numa_nodes == 1 or numa_nodes < the host's nodes), with the host's
 * nodes those with a pool, the nodes a domain's memory can be on.
 *
 * Return: 0, or -EINVAL (@di or @m NULL; @m is then untouched).
 */
int claims_domain_numa(const struct numaclaims_domain_info *di,
		       uint64_t pool_nodes, struct claims_domain_numa *m);

/**
 * claims_physinfo() - %NUMACLAIMS_IOC_HOST_INFO (xc_physinfo()).
 *
 * A module of API version 1, 2 or 3 leaves the version-4 tail
 * (@superpages: every node's superpages) 0.  Programs built against a
 * header before API version 4 keep calling the LIBCLAIMS_1.0 version of
 * this function, which writes only the version-3 size
 * (%NUMACLAIMS_HOST_INFO_SIZE_VER3) of @info; programs built with a
 * header of API version 4 call LIBCLAIMS_1.6's, which writes the version-4
 * size (%NUMACLAIMS_HOST_INFO_SIZE_VER4); programs built with this header
 * get LIBCLAIMS_1.8's, which writes the whole structure.  A module before
 * API version 5 leaves the version-5 tail (@total_growable_pages,
 * @growable_pages: what claims may still grow each pool by) 0.
 *
 * A module of API version 1 fills only the version-1 part of @info: the
 * version-2 tail (@total_held_pages, @held_pages) then reads 0.  A module
 * of API version 1 or 2 leaves the version-3 tail (@total_scrub_pages,
 * @scrub_pages: free pages waiting to be scrubbed, a part of the
 * avail_pages) 0.  (libclaims clears @info first and passes its full size;
 * an older module accepts that and writes only the part it knows, so there
 * is no retry with a smaller size.)
 */
int claims_physinfo(struct claims_handle *h,
		    struct numaclaims_host_info *info);

/**
 * claims_offline_pages() - %NUMACLAIMS_IOC_OFFLINE_PAGES: take @pages free
 * pool pages of @node out of service (all or nothing); claims that no
 * longer fit are recalled.
 */
int claims_offline_pages(struct claims_handle *h, uint32_t node,
			 uint64_t pages);

/** claims_online_pages() - %NUMACLAIMS_IOC_ONLINE_PAGES. */
int claims_online_pages(struct claims_handle *h, uint32_t node,
			uint64_t pages);

/**
 * claims_pool_resize() - %NUMACLAIMS_IOC_POOL_RESIZE (since libclaims 1.8,
 * API version 5): make @node's 4 KiB pool @pages pages while domains run,
 * all or nothing.  A grow takes pages from Linux on @node; a shrink gives
 * free unclaimed pool pages back.
 *
 * Return: 0; -ENOSPC (above the node's capacity), -ENOMEM (Linux cannot
 * give that much on @node now), -EBUSY (a shrink below what claims and
 * domains need), -ENOENT (no pool on @node), -ENOTTY (a module older than
 * API version 5), the ioctl's other errors.
 */
int claims_pool_resize(struct claims_handle *h, uint32_t node,
		       uint64_t pages);

/**
 * claims_pool_capacity() - the most pages @node's pool can be resized to
 * (module parameters pool_max_mb, node_pool_max_mb), from
 * /sys/kernel/numaclaims/nodeN/capacity_pages (since libclaims 1.8).
 *
 * Return: 0; -ENOENT (no pool on @node, or a module older than API
 * version 5), -EINVAL (@pages NULL).
 */
int claims_pool_capacity(uint32_t node, uint64_t *pages);

/**
 * claims_pool_resize_set() - make several nodes' pools the sizes given,
 * all or nothing (since libclaims 1.8): what `claimctl pool 0:8G,1:4G`
 * and Python's Handle.resize_pools() do.
 * @set:        @nr entries {pages, node, %NUMACLAIMS_CLAIM_PAGES_CMD}, as
 *              claims_parse_claims() gives them: node's pool becomes
 *              pages pages.
 * @failed:     (out, may be NULL) the index of the entry that failed, @nr
 *              if none did.
 * @unrestored: (out, may be NULL) the nodes whose pool could not be put
 *              back after a later entry failed (another claim took the
 *              memory meanwhile), as a mask; 0 normally.
 *
 * Every entry is checked before any change: a node id, not a special
 * target or a superpage entry, at most once (-EINVAL); a node with a pool
 * (-ENOENT); within its capacity (-ENOSPC, claims_pool_capacity()).  Then
 * the pools are resized in @set's order; if one fails, those already
 * resized are put back to their size before, and its error is returned.
 *
 * Return: 0, or the error of entry *@failed: as above, or
 * claims_pool_resize()'s; -EINVAL also for @set NULL or @nr 0 or above
 * %NUMACLAIMS_MAX_NODES.
 */
int claims_pool_resize_set(struct claims_handle *h,
			   const struct numaclaims_claim *set, uint32_t nr,
			   uint32_t *failed, uint64_t *unrestored);

/*
 * A domain's memory.  A domain file maps the domain's populated pages into
 * a process: mmap(MAP_SHARED) at file offset gfn << %CLAIMS_PAGE_SHIFT.
 * A populated gfn is the domain's page itself, an ordinary page whose node
 * move_pages(2) reports (claims_page_nodes()); touching a gfn that is not
 * populated raises SIGBUS, and so does touching a page after the domain
 * freed it (decrease, destroy).  Populating after mapping is fine: the new
 * pages appear on first touch.  A mapping keeps its file (and so the
 * domain's file, not the domain) alive after the descriptor is closed.
 */

/**
 * claims_domain_open() - %NUMACLAIMS_IOC_DOMAIN_OPEN: a new file descriptor
 * (read-write) for domain @domid's memory.
 * @flags: %NUMACLAIMS_OPEN_CLOEXEC to make it close-on-exec; 0 to hand it
 *         to a child (claimctl run --fd).
 *
 * Opening the path claims_domain_path() gives does the same, for programs
 * (a VMM's mem-path) that take a path.  This call needs %CAP_SYS_ADMIN;
 * opening the path needs what the node's owner and mode ask (0600 root
 * until claims_domain_give()).
 *
 * Return: the descriptor (>= 0; the caller closes it), or -errno.
 */
int claims_domain_open(struct claims_handle *h, uint32_t domid,
		       uint32_t flags);

/**
 * claims_domain_path() - the path of domain @domid's device node
 * (%NUMACLAIMS_DOMAIN_DEV_FMT, e.g. "/dev/numaclaims-dom3") into @buf.
 *
 * Return: the length of the path, or -ENAMETOOLONG if @len is too small
 * (32 bytes always suffice).
 */
int claims_domain_path(uint32_t domid, char *buf, size_t len);

/**
 * claims_domain_give() - give domain @domid's device node to a VMM: set its
 * owner to @uid and @gid ((uid_t)-1 / (gid_t)-1 leave one as it is) and its
 * permission bits to @mode (e.g. 0600: the owner may map it; 0660 also the
 * group; %CLAIMS_GIVE_MODE_DEFAULT: 0660 if @gid is given, else 0600).  Opening the node is gated by its owner and mode alone, so the
 * process running as @uid can then open it (a VMM's mem-path) and map,
 * read and write the domain's pages; it still cannot change the domain or
 * reach any other (LIBCLAIMS_1.7).  What is given is that node, while the
 * domain lives: a domain destroyed and created again has a new node, 0600
 * root.  Files already open stay open (as for chmod of any file): a VMM
 * that must lose the memory loses it when the domain is destroyed.
 *
 * Return: 0, or -errno: -ESRCH (no such domain), -EINVAL (@mode has bits
 * outside 0777), -EPERM (not root, or without %CAP_CHOWN/%CAP_FOWNER).
 */
int claims_domain_give(uint32_t domid, uid_t uid, gid_t gid,
		       unsigned int mode);
#define CLAIMS_GIVE_MODE_DEFAULT	(~0U)

/**
 * claims_domain_map_fd() - map @nr_pages pages of a domain file from gfn
 * @first_gfn, readable and writable, %MAP_SHARED.
 * @fd:   from claims_domain_open() or an open(2) of claims_domain_path();
 *        the caller may close it at once, the mapping keeps the file.
 * @addr: (out) the start of the mapping; NULL on failure.
 *
 * Nothing is touched: the pages are faulted in on first access (and a
 * hole raises SIGBUS then, not here).
 *
 * Return: 0, -EINVAL (@nr_pages 0, @addr NULL, or a size that does not fit
 * in a size_t), -ENXIO (the range reaches %NUMACLAIMS_MAX_GFN), or
 * mmap(2)'s errno (%EINVAL and %ESRCH from the module, see the uapi header).
 */
int claims_domain_map_fd(int fd, uint64_t first_gfn, uint64_t nr_pages,
			 void **addr);

/**
 * claims_domain_map() - map @nr_pages of domain @domid's pages from gfn
 * @first_gfn: claims_domain_open() with %NUMACLAIMS_OPEN_CLOEXEC, then
 * claims_domain_map_fd(), then close(2) of the descriptor.
 *
 * Return: as claims_domain_open() and claims_domain_map_fd().
 */
int claims_domain_map(struct claims_handle *h, uint32_t domid,
		      uint64_t first_gfn, uint64_t nr_pages, void **addr);

/**
 * claims_domain_unmap() - undo claims_domain_map() or
 * claims_domain_map_fd() of @nr_pages pages at @addr.  NULL is ignored.
 *
 * Return: 0, or -errno from munmap(2).
 */
int claims_domain_unmap(void *addr, uint64_t nr_pages);

/**
 * claims_page_nodes() - the node of each of @nr_pages pages from @addr in
 * this process: move_pages(2) without target nodes, which moves nothing.
 * Works on any memory: a domain mapping or anonymous memory alike.
 * @addr:   page-aligned.
 * @status: (out) @nr_pages entries, each a node id or a negative errno
 *          for that page (-ENOENT: not faulted in yet, so touch first;
 *          -EFAULT: not mapped).
 *
 * Return: 0, -EINVAL (@addr not aligned, @status NULL), -ENOSYS without
 * NUMA support, -ENOMEM, or move_pages(2)'s errno.
 */
int claims_page_nodes(const void *addr, uint64_t nr_pages, int *status);

/*
 * Topology helpers.  The pool nodes come from the module; sizes and
 * distances come from libnuma (numa_available() is probed first: without
 * NUMA support in the kernel they fail with -ENOSYS).
 */

/**
 * claims_pool_nodes() - the nodes that have a pool (claim targets).
 * @nodemask: (out) bit n set if node n has a pool.
 * @nr_nodes: (out, may be NULL) node ids in use by the host.
 */
int claims_pool_nodes(struct claims_handle *h, uint64_t *nodemask,
		      uint32_t *nr_nodes);

/**
 * claims_numa_nodes() - number of node ids Linux knows
 * (numa_max_node() + 1), or -ENOSYS without NUMA support.
 */
int claims_numa_nodes(void);

/**
 * claims_node_size() - memory of a node as Linux sees it (numa_node_size64()).
 * @size_bytes: (out, may be NULL) total memory of the node.
 * @free_bytes: (out, may be NULL) memory free in Linux (the pool is not
 *              free for Linux).
 * Return: 0, -ENOSYS without NUMA support, -ENOENT for a node Linux does
 * not have.
 */
int claims_node_size(int node, uint64_t *size_bytes, uint64_t *free_bytes);

/**
 * claims_node_distance() - the SLIT distance from node @from to @to
 * (numa_distance(): 10 means local).
 * Return: the distance (> 0), -ENOSYS without NUMA support, -ENOENT if
 * either node is unknown.
 */
int claims_node_distance(int from, int to);

/*
 * The builder planner (LIBCLAIMS_1.3): where should a domain's memory go?
 *
 * A domain builder asks for SIZE with optional constraints; the planner
 * reads the live host state (HOST_INFO: free and claimed pages per node)
 * and libnuma's topology (numa_distance(), CPUs per node), picks a claim
 * set, and claims_build_claim() installs it.  No lock is taken anywhere:
 * builders race on the claim itself, which the module decides atomically,
 * and the one that loses (-ENOMEM) plans again from fresh state.
 *
 * Rules, in order (the first that yields a plan decides):
 *  1. one node: the nearest node to @cpu_node that can take the whole
 *     size (without @cpu_node: the node with the most unclaimed memory;
 *     with @vcpus, one with at least that many physical cores, see
 *     @policy);
 *  2. the fewest nodes that together can take it, and among those the
 *     set closest together: the smallest worst SLIT distance (from
 *     @cpu_node to each node of the set, or, without @cpu_node, between
 *     any two nodes of the set, both directions), then the smallest sum
 *     of those distances, then the most unclaimed memory.  Each node gets
 *     a part: nearest to @cpu_node first, as much as it has; without
 *     @cpu_node evenly, a node with less getting all it has.  Parts are
 *     whole 2 MiB (512 pages) except where a node's room is not;
 *  3. with %CLAIMS_PLAN_SPREAD only: what the allowed nodes within the
 *     distance bound have (in 2 MiB units, nearest or largest first), the
 *     rest as a host-wide part, which any node may satisfy.
 * Every plan keeps to @allowed_nodes, @max_nodes and @max_distance (a
 * spread's host-wide part does not: that is what SPREAD allows), and to
 * the host-wide unclaimed total.  A node with nothing unclaimed is never
 * part of a plan.
 *
 * Sets of up to 16 candidate nodes are searched exhaustively; beyond,
 * each node seeds a set that grows by its nearest candidate (greedy).
 *
 * Cores (LIBCLAIMS_1.4): with @vcpus and without @cpu_node, the default
 * policy %CLAIMS_PLAN_POLICY_CORES runs rules 1 and 2 twice: first
 * counting *physical cores* (SMT siblings once), so that a plan's nodes
 * have a core for every vCPU, then, if no set qualifies, counting logical
 * CPUs as libclaims 1.3 did; rule 3 last.  Packing vCPUs onto hyperthread
 * siblings costs more throughput than NUMA locality gains (xenopsd,
 * CA-420968), so a set of two nodes with enough cores beats one node with
 * enough CPUs only as siblings.  %CLAIMS_PLAN_POLICY_MEM_ONLY counts
 * logical CPUs only (libclaims 1.3's behaviour, xenopsd's Prio_mem_only).
 */

/** CLAIMS_PLAN_SPREAD - allow rule 3, a spread with a host-wide part. */
#define CLAIMS_PLAN_SPREAD	(1U << 0)
/**
 * CLAIMS_PLAN_SUPERPAGES - (LIBCLAIMS_1.6, API version 4) plan the memory
 * as superpages: @pages must be a multiple of %NUMACLAIMS_SUPERPAGE_PAGES
 * (2 MiB), the capacity of a node is its unclaimed superpages (the
 * topology's @free_pages are those, see
 * claims_plan_topology_read_flags(), rounded down to 2 MiB;
 * @host_free_pages is not used), every part is whole 2 MiB and every entry
 * of the set has @cmd %NUMACLAIMS_CLAIM_SUPERPAGES.  Rules 1 and 2 only:
 * with %CLAIMS_PLAN_SPREAD -EINVAL, as superpages have no host-wide claim.
 * Populate each part on its node at order 9 with
 * %NUMACLAIMS_MEMF_SUPERPAGE | %NUMACLAIMS_MEMF_EXACT_NODE.  Older
 * libclaims refuse the flag (-EINVAL).
 */
#define CLAIMS_PLAN_SUPERPAGES	(1U << 1)
#define CLAIMS_PLAN_FLAGS	(CLAIMS_PLAN_SPREAD | CLAIMS_PLAN_SUPERPAGES)
/** CLAIMS_PLAN_NO_NODE - @cpu_node value: no CPU node given. */
#define CLAIMS_PLAN_NO_NODE	(-1)
/** CLAIMS_PLAN_ATTEMPTS - installs claims_build_claim() tries by default. */
#define CLAIMS_PLAN_ATTEMPTS	8
/** CLAIMS_PLAN_MAX_ATTEMPTS - the largest @max_attempts accepted. */
#define CLAIMS_PLAN_MAX_ATTEMPTS 1000

/**
 * enum claims_plan_policy - how @vcpus counts CPUs (LIBCLAIMS_1.4).
 * @CLAIMS_PLAN_POLICY_CORES:    physical cores first, then logical CPUs
 *                               (the default, 0).
 * @CLAIMS_PLAN_POLICY_MEM_ONLY: logical CPUs only: libclaims 1.3's plans.
 */
enum claims_plan_policy {
	CLAIMS_PLAN_POLICY_CORES = 0,
	CLAIMS_PLAN_POLICY_MEM_ONLY = 1,
};
#define CLAIMS_PLAN_POLICY_MAX	CLAIMS_PLAN_POLICY_MEM_ONLY

/**
 * struct claims_plan_request - what a builder asks for.
 * @pages:         memory to claim, in pages (> 0).
 * @cpu_node:      the node the domain's vCPUs will run on, or
 *                 %CLAIMS_PLAN_NO_NODE (then the CPUs go where the memory
 *                 is: see struct claims_plan.cpu_nodemask).  It need not
 *                 have a pool.
 * @vcpus:         without @cpu_node: the plan's nodes must have at least
 *                 this many CPUs together (0: no constraint): physical
 *                 cores if any set has enough, else logical CPUs (see
 *                 @policy).  Ignored with @cpu_node (the caller chose the
 *                 CPUs) and by a spread.
 * @allowed_nodes: nodes the memory may be on (bit n: node n); 0: any node
 *                 with a pool.
 * @max_distance:  0, or the largest SLIT distance allowed between the
 *                 CPUs and the memory (from @cpu_node to every node of the
 *                 plan; without @cpu_node between any two of its nodes;
 *                 10 is local, so 10 means one node).
 * @max_nodes:     0, or the most nodes a plan may use (1: one node only,
 *                 e.g. for a VMM backend that cannot be split).
 * @flags:         %CLAIMS_PLAN_SPREAD, %CLAIMS_PLAN_SUPERPAGES.
 * @max_attempts:  claims_build_claim(): plans installed at most (lost
 *                 races + 1), 1 .. %CLAIMS_PLAN_MAX_ATTEMPTS; 0 means
 *                 %CLAIMS_PLAN_ATTEMPTS.
 * @policy:        enum claims_plan_policy (LIBCLAIMS_1.4; was reserved,
 *                 so 1.3's zeroed requests get %CLAIMS_PLAN_POLICY_CORES).
 * @pad:           must be 0.
 * @reserved:      must be 0 (room for later constraints).
 */
struct claims_plan_request {
	uint64_t pages;
	int32_t cpu_node;
	uint32_t vcpus;
	uint64_t allowed_nodes;
	uint32_t max_distance;
	uint32_t max_nodes;
	uint32_t flags;
	uint32_t max_attempts;
	uint32_t policy;
	uint32_t pad;
	uint64_t reserved[3];
};

/** enum claims_plan_kind - which rule made the plan. */
enum claims_plan_kind {
	CLAIMS_PLAN_NONE = 0,		/* no plan */
	CLAIMS_PLAN_ONE_NODE = 1,	/* rule 1 */
	CLAIMS_PLAN_NODES = 2,		/* rule 2: several nodes */
	CLAIMS_PLAN_HOST_SPREAD = 3,	/* rule 3: with a host-wide part */
};

/**
 * struct claims_plan - a plan, and once installed, the claim set.
 * @kind:         enum claims_plan_kind.
 * @nr_entries:   entries in @set.
 * @set:          the claim set, node entries in ascending node order, then
 *                the host-wide part if any: what CLAIM_SET installs.  At
 *                most NUMACLAIMS_MAX_NODES + 1 entries: a plan's node
 *                entries are all 4 KiB or (%CLAIMS_PLAN_SUPERPAGES) all
 *                superpage entries.
 * @nodemask:     the plan's nodes: every node of @set (populate each node
 *                part with NUMACLAIMS_MEMF_NODE(n) |
 *                NUMACLAIMS_MEMF_EXACT_NODE), and for a @vcpus plan a node
 *                chosen for its CPUs whose part came out empty; for a
 *                spread the node affinity for the host-wide part (without
 *                node parts: the allowed nodes within the distance bound).
 * @cpu_nodemask: the nodes to run the vCPUs on: @cpu_node if given, else
 *                @nodemask.
 * @host_pages:   the host-wide part (spread only; populate it without a
 *                node, with @nodemask as node affinity).
 * @distance:     the worst CPU-to-memory SLIT distance of the node parts
 *                (as @max_distance measures it).
 * @attempts:     claims_build_claim(): plans it tried to install.
 */
struct claims_plan {
	uint32_t kind;
	uint32_t nr_entries;
	struct numaclaims_claim set[NUMACLAIMS_MAX_NODES + 1];
	uint64_t nodemask;
	uint64_t cpu_nodemask;
	uint64_t host_pages;
	uint32_t distance;
	uint32_t attempts;
};

/**
 * struct claims_plan_topology - what the planner plans from.
 * @nr_nodes:        node ids 0 .. @nr_nodes - 1 (1 .. %NUMACLAIMS_MAX_NODES).
 * @pad:             0.
 * @pool_nodes:      nodes with a pool (claim targets).
 * @free_pages:      per node: unclaimed pages (avail - outstanding claims,
 *                   plus the planned domain's own claim there); 0 for a
 *                   node without a pool.  For a %CLAIMS_PLAN_SUPERPAGES
 *                   request: the node's unclaimed superpages, in pages.
 * @host_free_pages: unclaimed pages host-wide (total avail - all
 *                   outstanding claims, plus the domain's own).
 * @cpus:            CPUs (logical) of each node.
 * @distance:        SLIT distance from node [a] (CPUs) to node [b]
 *                   (memory), 10 local; not assumed symmetric.  Must be
 *                   > 0 wherever a plan may look (pool nodes, @cpu_node).
 */
struct claims_plan_topology {
	uint32_t nr_nodes;
	uint32_t pad;
	uint64_t pool_nodes;
	uint64_t free_pages[NUMACLAIMS_MAX_NODES];
	uint64_t host_free_pages;
	uint32_t cpus[NUMACLAIMS_MAX_NODES];
	uint32_t distance[NUMACLAIMS_MAX_NODES][NUMACLAIMS_MAX_NODES];
};

/**
 * claims_plan_compute() - the pure planner: @t and @r in, @p out; no
 * device, no libnuma, no global state (what the unit tests test).
 *
 * Return: 0 and a plan in @p; -EINVAL (a NULL pointer, @pages 0, unknown
 * flag, non-zero reserved field, @cpu_node or an allowed node not below
 * @nr_nodes, @max_nodes or @max_attempts too large, a zero distance the
 * plan needs, @nr_nodes 0 or above 64, a pool bit at or above @nr_nodes);
 * -ENOENT (no allowed node has a pool); -ENOMEM (nothing fits now).  On
 * failure @p is zeroed (kind %CLAIMS_PLAN_NONE).
 */
int claims_plan_compute(const struct claims_plan_topology *t,
			const struct claims_plan_request *r,
			struct claims_plan *p);

/**
 * claims_plan_compute_cores() - claims_plan_compute() that knows the
 * physical cores of each node (LIBCLAIMS_1.4): @cores[n] for node n <
 * @t->nr_nodes, each between 1 and @t->cpus[n] where the node has CPUs
 * (0 where it has none).  @cores NULL: every CPU is a core (what
 * claims_plan_compute() assumes).
 *
 * Return: as claims_plan_compute(); -EINVAL also for a @cores[n] above
 * @t->cpus[n], 0 on a node with CPUs, or a @policy above
 * %CLAIMS_PLAN_POLICY_MAX.
 */
int claims_plan_compute_cores(const struct claims_plan_topology *t,
			      const uint32_t *cores,
			      const struct claims_plan_request *r,
			      struct claims_plan *p);

/** CLAIMS_SYSFS_ROOT - where claims_node_cores() reads sysfs by default. */
#define CLAIMS_SYSFS_ROOT	"/sys"

/**
 * claims_node_cores() - the physical cores of NUMA node @node
 * (LIBCLAIMS_1.4): the CPUs of ROOT/devices/system/node/nodeN/cpulist,
 * SMT siblings counted once (ROOT/devices/system/cpu/cpuC/topology/
 * core_cpus_list, else thread_siblings_list; a CPU without either is a
 * core of its own).  @sysfs_root NULL or "": %CLAIMS_SYSFS_ROOT, else a
 * directory laid out as /sys (a fake tree for tests).
 *
 * Return: the number of cores (0 for a node without CPUs), -EINVAL
 * (@node negative, a list that does not parse), -ENOENT (no such node
 * under @sysfs_root), -E2BIG (a CPU number of 8192 or more), or another
 * -errno of reading the files.
 */
int claims_node_cores(const char *sysfs_root, int node);

/**
 * claims_plan_topology_read() - @t from the live host: HOST_INFO (one
 * consistent snapshot), domain @domid's own claims counted as free (as the
 * module counts them when the domain installs a new set; @domid 0: none),
 * and libnuma's distances and CPUs per node.  Without NUMA support in the
 * kernel every node is 10 from itself and 20 from the others, and node 0
 * has the online CPUs.
 *
 * Return: 0, -EINVAL (@t NULL), or claims_physinfo()'s and
 * claims_domain_getinfo()'s errors (-ESRCH: no domain @domid).
 */
int claims_plan_topology_read(struct claims_handle *h, uint32_t domid,
			      struct claims_plan_topology *t);

/**
 * claims_plan_topology_read_flags() - claims_plan_topology_read() for a
 * request with @flags (LIBCLAIMS_1.6): with %CLAIMS_PLAN_SUPERPAGES,
 * @free_pages[n] are node n's unclaimed superpages (free superpages minus
 * the superpage claims of other domains than @domid) and @host_free_pages
 * their sum; other flags change nothing.
 *
 * Return: as claims_plan_topology_read(); -EINVAL also for an unknown flag.
 */
int claims_plan_topology_read_flags(struct claims_handle *h, uint32_t domid,
				    uint32_t flags,
				    struct claims_plan_topology *t);

/**
 * claims_plan() - claims_plan_topology_read() then claims_plan_compute():
 * a plan for domain @domid from the host as it is now; installs nothing.
 */
int claims_plan(struct claims_handle *h, uint32_t domid,
		const struct claims_plan_request *r, struct claims_plan *p);
/*
 * claims_plan() and claims_build_claim() (since libclaims 1.4) read the
 * physical cores of each node with claims_node_cores() from
 * %CLAIMS_SYSFS_ROOT and plan with claims_plan_compute_cores(); a node
 * whose cores cannot be read (or read more than its CPUs) counts each CPU
 * as a core.
 */

/**
 * claims_build_claim() - plan and install a claim set for domain @domid.
 *
 * Plans from fresh state and installs the set (CLAIM_SET, replacing the
 * domain's claims); when the module refuses it with -ENOMEM (another
 * builder or an allocation took the memory since the state was read), it
 * plans again from fresh state, up to @max_attempts plans in all.  No lock
 * is held: every builder races on CLAIM_SET only, which is atomic.
 *
 * Return: 0 with @p the installed set and the masks to use (populate each
 * node part exactly on its node, the host-wide part anywhere, and bind the
 * vCPUs to @p->cpu_nodemask); -ENOMEM when no plan fits the host as it is
 * now or every attempt lost its race (@p->attempts says how many were
 * tried; nothing was installed and the domain keeps its previous claims);
 * claims_plan_compute()'s -EINVAL and -ENOENT; CLAIM_SET's other errors
 * (-EINVAL: the set is above the domain's max_pages, -ESRCH, -EPERM).
 * On failure @p holds no set (kind %CLAIMS_PLAN_NONE) but @attempts.
 */
int claims_build_claim(struct claims_handle *h, uint32_t domid,
		       const struct claims_plan_request *r,
		       struct claims_plan *p);

/**
 * claims_plan_like() - the exact claim set that recreates domain @orig's
 * memory (migration target, restore, reboot; LIBCLAIMS_1.4): on each node
 * the pages it has there plus its outstanding claim there, and its
 * host-wide claim as a host-wide part.  Pure (no device): @orig is what
 * claims_domain_getinfo() read, or a saved description.  Never an
 * estimate and nothing added, so recreating a domain from the domain it
 * recreated claims the same set again (xenopsd grew a VM by its overhead
 * on every migration, CA-423816).
 *
 * @p gets the set (node parts in ascending node order, then the host-wide
 * part), @nodemask and @cpu_nodemask its nodes, @host_pages, @kind
 * (%CLAIMS_PLAN_ONE_NODE, %CLAIMS_PLAN_NODES, or %CLAIMS_PLAN_HOST_SPREAD
 * with a host-wide part); @distance 0 (not measured) and @attempts 0.
 *
 * Pages from NO_REFCOUNT populates (@orig->uncounted_pages) are not
 * claimed (they never consume a claim): subtracted from their node when
 * the domain has memory on one node only.
 *
 * Return: 0; -EINVAL (NULL, nothing to claim, uncounted pages on more
 * than one node so that the counted split is not known, node claims
 * above the outstanding total, or a total that overflows); @p zeroed on
 * failure.
 */
int claims_plan_like(const struct numaclaims_domain_info *orig,
		     struct claims_plan *p);

/**
 * claims_build_like() - claims_plan_like() installed on domain @domid as
 * one claim set (CLAIM_SET, replacing its claims; LIBCLAIMS_1.4).  No
 * re-planning: the set is exact or nothing.
 *
 * Return: 0 and @p the installed set (@attempts 1); claims_plan_like()'s
 * -EINVAL; CLAIM_SET's errors: -ENOMEM (the set does not fit the host
 * now: nothing installed, the domain keeps its claims), -EINVAL (above
 * the domain's max_pages), -ESRCH, -EPERM.
 */
int claims_build_like(struct claims_handle *h, uint32_t domid,
		      const struct numaclaims_domain_info *orig,
		      struct claims_plan *p);

/* ---- every domain; sizes and claim sets as text (LIBCLAIMS_1.5) ---- */

/**
 * claims_domain_list() - every domain, in domid order (DOMAIN_INFO with
 * %NUMACLAIMS_INFO_NEXT from 0), as claimctl list and the Python binding's
 * domains() read them (LIBCLAIMS_1.5).
 * @doms: (out) a malloc'ed array the caller frees with free() (NULL when
 *        there is no domain).
 * @nr:   (out) domains in it.
 *
 * Domains created or destroyed meanwhile may or may not be listed; each
 * entry is one DOMAIN_INFO.
 *
 * Return: 0; -EINVAL (@doms or @nr NULL), -ENOMEM, DOMAIN_INFO's errors
 * (then nothing to free, *@doms NULL and *@nr 0).
 */
int claims_domain_list(struct claims_handle *h,
		       struct numaclaims_domain_info **doms, size_t *nr);


/**
 * claims_parse_size() - a memory size as claimctl and the Python binding
 * take it, in pages.
 * @s:      the text.
 * @pages:  (out) 4 KiB pages.
 * @err:    (out, may be NULL) on failure, one sentence saying what is
 *          wrong and what to write instead (no trailing newline).
 * @errlen: size of @err; 256 bytes hold every message.
 *
 * Grammar: DIGITS [UNIT].  DIGITS are ASCII 0-9 (decimal, no sign, no
 * spaces, no 0x).  No UNIT: bytes.  K, M, G, T, optionally followed by
 * iB (case-insensitive: 1g, 1G, 1GiB, 1gib): binary, 1K = 1024 bytes.  p:
 * 4 KiB pages.  The bytes must be a multiple of 4096 and fit in 64 bits
 * (pages below 2^52).
 *
 * Return: 0; -EINVAL (not a size, not a multiple of 4 KiB), -ERANGE (too
 * large).  @pages is written only on success.
 */
int claims_parse_size(const char *s, uint64_t *pages, char *err,
		      size_t errlen);

/**
 * claims_parse_claims() - a claim set as claimctl and the Python binding
 * take it.
 * @s:      "clear" (the set {host: 0}, releasing every claim), or
 *          TARGET:SIZE[:PAGESIZE] entries separated by commas (spaces or
 *          tabs after a comma are fine); TARGET is a node number (ASCII
 *          decimal, 0 to NUMACLAIMS_MAX_NODES - 1), host (the host-wide
 *          part) or legacy (SIZE is the domain's total target; only
 *          alone); SIZE as claims_parse_size().  PAGESIZE (since
 *          libclaims 1.6) is 2M for superpages (any spelling of 2 MiB:
 *          2M, 2MiB, 2048K, 512p), or 4K, the default: "0:4G:2M" claims
 *          4 GiB of node 0's superpages (@cmd
 *          %NUMACLAIMS_CLAIM_SUPERPAGES), whose SIZE must be a multiple of
 *          2 MiB; superpages are claimed on nodes only, never host or
 *          legacy.  A node may have one 4 KiB and one superpage entry.
 * @set:    (out) room for @max entries, in the order given.
 * @max:    entries @set holds (%CLAIMS_MAX_ENTRIES for any set).
 * @nr:     (out) entries parsed.
 * @err, @errlen: as claims_parse_size().
 *
 * A target listed twice (for the same page size), legacy with other
 * entries and an empty entry are refused.
 *
 * Return: 0; -EINVAL, -ERANGE (a size too large), -E2BIG (more than @max
 * entries).  No total overflows: each size is below 2^52 pages.  @set and @nr are undefined on failure.
 */
int claims_parse_claims(const char *s, struct numaclaims_claim *set,
			uint32_t max, uint32_t *nr, char *err, size_t errlen);

/**
 * claims_claim_diagnose() - why a claim set was refused, in one clause
 * with the next step: "node 0 has only 120 MiB unclaimed, 100 GiB asked;
 * claim less or on another node" (LIBCLAIMS_1.5).
 * @err:  the positive errno claims_domain_claim_memory() returned (ENOMEM,
 *        ENOENT, EINVAL, E2BIG; any other gives "").  A superpage entry
 *        that does not fit (since libclaims 1.6) is explained from the
 *        node's superpages: "node 0 has only 6 MiB of unclaimed
 *        superpages, 8 MiB asked; claim less, on another node, or as
 *        4 KiB pages (without :2M)".
 * @set, @nr: the set that was refused.
 * @hi:   claims_physinfo() read after the failure, or NULL.
 * @di:   the domain's claims_domain_getinfo() read after it, or NULL.
 * @buf, @len: (out) the clause, "" if there is nothing to say.
 *
 * Advice only: the host may have changed since.  No device access.  The
 * superpage fields of @hi and @di (API version 4) are read only for a set
 * with a superpage entry, so a caller built against an older header may
 * pass its smaller structures for sets without one.
 *
 * Return: 0; -EINVAL (@buf NULL or @len 0, @set NULL with @nr).
 */
int claims_claim_diagnose(int err, const struct numaclaims_claim *set,
			  uint32_t nr, const struct numaclaims_host_info *hi,
			  const struct numaclaims_domain_info *di, char *buf,
			  size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBCLAIMS_CLAIMS_H */
