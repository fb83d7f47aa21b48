// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libclaims: thin wrappers around the ioctls of /dev/numaclaims, plus the
 * libnuma topology helpers.  See claims.h for the contract; every function
 * returns 0 or -errno and reads errno only right after the failing system
 * call.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <numa.h>

#include "claims.h"

/**
 * struct claims_handle - an open device.
 * @fd: the file; domains created with AUTODESTROY live as long as it does.
 */
struct claims_handle {
	int fd;
};

int claims_open_handle(const char *path, struct claims_handle **hp)
{
	struct claims_handle *h;
	int fd;

	if (!hp)
		return -EINVAL;
	*hp = NULL;
	path = path ? path : CLAIMS_DEVICE;
	fd = open(path, O_RDWR | O_CLOEXEC);
	/*
	 * A reader the node lets read but not write (the numaclaims group of
	 * the udev rule): the information calls work on a read-only file, and
	 * the others answer EPERM as they would anyway without CAP_SYS_ADMIN.
	 */
	if (fd < 0 && errno == EACCES)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	h = calloc(1, sizeof(*h));
	if (!h) {
		close(fd);
		return -ENOMEM;
	}
	h->fd = fd;
	*hp = h;
	return 0;
}

struct claims_handle *claims_open_path(const char *path)
{
	struct claims_handle *h;
	int ret = claims_open_handle(path, &h);

	if (ret) {
		errno = -ret;
		return NULL;
	}
	return h;
}

struct claims_handle *claims_open(void)
{
	return claims_open_path(NULL);
}

const char *claims_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return "the numaclaims module is not loaded (no " CLAIMS_DEVICE
		       "): modprobe numaclaims";
	case EACCES:
	case EPERM:
		return "permission denied opening " CLAIMS_DEVICE
		       " (root only, mode 0600): run as root";
	case ENOTTY:
		return "not a numaclaims device (the ioctl is unknown to it)";
	default:
		return strerror(err);
	}
}

void claims_close(struct claims_handle *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

int claims_fd(const struct claims_handle *h)
{
	return h ? h->fd : -EBADF;
}

/* The one place that turns the ioctl(2) convention into -errno. */
static int claims_ioctl(struct claims_handle *h, unsigned long request,
			void *arg)
{
	int ret;

	if (!h)
		return -EBADF;
	ret = ioctl(h->fd, request, arg);
	if (ret < 0)
		return errno ? -errno : -EIO;
	return ret;
}

int claims_api_version(struct claims_handle *h)
{
	return claims_ioctl(h, NUMACLAIMS_IOC_API_VERSION, NULL);
}

int claims_domain_create(struct claims_handle *h, uint64_t max_pages,
			 uint32_t flags, uint32_t *domid)
{
	struct numaclaims_domain_create arg = {
		.max_pages = max_pages,
		.flags = flags,
	};
	int ret;

	ret = claims_ioctl(h, NUMACLAIMS_IOC_DOMAIN_CREATE, &arg);
	if (ret < 0)
		return ret;
	if (domid)
		*domid = arg.domid;
	return 0;
}

int claims_domain_destroy(struct claims_handle *h, uint32_t domid)
{
	struct numaclaims_domain_destroy arg = { .domid = domid };
	int ret = claims_ioctl(h, NUMACLAIMS_IOC_DOMAIN_DESTROY, &arg);

	return ret < 0 ? ret : 0;
}

int claims_domain_setmaxmem(struct claims_handle *h, uint32_t domid,
			    uint64_t max_pages)
{
	struct numaclaims_max_pages arg = {
		.domid = domid,
		.max_pages = max_pages,
	};
	int ret = claims_ioctl(h, NUMACLAIMS_IOC_SET_MAX_PAGES, &arg);

	return ret < 0 ? ret : 0;
}

int claims_domain_node_setaffinity(struct claims_handle *h, uint32_t domid,
				   uint64_t nodemask)
{
	struct numaclaims_node_affinity arg = {
		.domid = domid,
		.nodemask = nodemask,
	};
	int ret = claims_ioctl(h, NUMACLAIMS_IOC_SET_NODE_AFFINITY, &arg);

	return ret < 0 ? ret : 0;
}

int claims_domain_claim_memory(struct claims_handle *h, uint32_t domid,
			       uint32_t mode, uint32_t *nr_entries,
			       struct numaclaims_claim *set)
{
	struct numaclaims_claim_memory arg = {
		.domid = domid,
		.mode = mode,
	};
	int ret;

	if (!nr_entries)
		return -EINVAL;
	arg.nr_entries = *nr_entries;
	arg.claim_set = (uintptr_t)set;
	ret = claims_ioctl(h, NUMACLAIMS_IOC_CLAIM_MEMORY, &arg);
	/* GET reports the entries written, or needed on ERANGE. */
	if (mode == NUMACLAIMS_CLAIM_GET && (ret >= 0 || ret == -ERANGE))
		*nr_entries = arg.nr_entries;
	return ret < 0 ? ret : 0;
}

int claims_domain_claim_pages(struct claims_handle *h, uint32_t domid,
			      uint64_t nr_pages)
{
	struct numaclaims_reservation arg = {
		.nr_extents = nr_pages,
		.domid = domid,
	};
	int ret = claims_ioctl(h, NUMACLAIMS_IOC_CLAIM_PAGES, &arg);

	return ret < 0 ? ret : 0;
}

/* populate and decrease_reservation share struct numaclaims_reservation. */
static int claims_reservation_op(struct claims_handle *h, unsigned long request,
				 uint32_t domid, uint64_t nr_extents,
				 uint32_t extent_order, uint32_t mem_flags,
				 const uint64_t *gfns, uint64_t *nr_done)
{
	struct numaclaims_reservation arg = {
		.extent_start = (uintptr_t)gfns,
		.nr_extents = nr_extents,
		.extent_order = extent_order,
		.mem_flags = mem_flags,
		.domid = domid,
	};
	int ret;

	if (nr_done)
		*nr_done = 0;
	ret = claims_ioctl(h, request, &arg);
	/* nr_done is meaningful on partial failure too (resume point). */
	if (nr_done)
		*nr_done = arg.nr_done;
	return ret < 0 ? ret : 0;
}

int claims_domain_populate_physmap(struct claims_handle *h, uint32_t domid,
				   uint64_t nr_extents, uint32_t extent_order,
				   uint32_t mem_flags, const uint64_t *gfns,
				   uint64_t *nr_done)
{
	return claims_reservation_op(h, NUMACLAIMS_IOC_POPULATE_PHYSMAP, domid,
				     nr_extents, extent_order, mem_flags, gfns,
				     nr_done);
}

int claims_domain_populate_physmap_exact(struct claims_handle *h,
					 uint32_t domid, uint64_t nr_extents,
					 uint32_t extent_order,
					 uint32_t mem_flags,
					 const uint64_t *gfns)
{
	uint64_t done = 0;
	int ret;

	ret = claims_domain_populate_physmap(h, domid, nr_extents, extent_order,
					     mem_flags, gfns, &done);
	if (ret)
		return ret;
	return done == nr_extents ? 0 : -EBUSY;
}

int claims_domain_decrease_reservation(struct claims_handle *h,
				       uint32_t domid, uint64_t nr_extents,
				       uint32_t extent_order,
				       const uint64_t *gfns,
				       uint64_t *nr_done)
{
	return claims_reservation_op(h, NUMACLAIMS_IOC_DECREASE_RESERVATION,
				     domid, nr_extents, extent_order, 0, gfns,
				     nr_done);
}

int claims_domain_decrease_reservation_exact(struct claims_handle *h,
					     uint32_t domid,
					     uint64_t nr_extents,
					     uint32_t extent_order,
					     const uint64_t *gfns)
{
	uint64_t done = 0;
	int ret;

	ret = claims_domain_decrease_reservation(h, domid, nr_extents,
						 extent_order, gfns, &done);
	if (ret)
		return ret;
	return done == nr_extents ? 0 : -EBUSY;
}

/*
 * The calls whose structures grew in API version 4: in the shared library
 * NAME_v4 is NAME@@LIBCLAIMS_1.6 (the default, what callers built with
 * this header bind to) and NAME_ver1/_ver3 below the old version.
 * struct numaclaims_host_info grew again in API version 5:
 * claims_physinfo_v5 is claims_physinfo@@LIBCLAIMS_1.8, and _ver4 the
 * LIBCLAIMS_1.6 one.
 */
#ifdef CLAIMS_SHARED
#define CLAIMS_V4(name)	name##_v4
#define CLAIMS_V5(name)	name##_v5
#else
#define CLAIMS_V4(name)	name
#define CLAIMS_V5(name)	name
#endif

static int claims_getinfo_flags(struct claims_handle *h, uint32_t domid,
				uint32_t flags,
				struct numaclaims_domain_info *info)
{
	int ret;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->domid = domid;
	info->flags = flags;
	ret = claims_ioctl(h, NUMACLAIMS_IOC_DOMAIN_INFO, info);
	return ret < 0 ? ret : 0;
}

int CLAIMS_V4(claims_domain_getinfo)(struct claims_handle *h, uint32_t domid,
			  struct numaclaims_domain_info *info)
{
	return claims_getinfo_flags(h, domid, 0, info);
}

int CLAIMS_V4(claims_domain_getinfo_next)(struct claims_handle *h, uint32_t first_domid,
			       struct numaclaims_domain_info *info)
{
	return claims_getinfo_flags(h, first_domid, NUMACLAIMS_INFO_NEXT, info);
}

int CLAIMS_V4(claims_domain_list)(struct claims_handle *h,
		       struct numaclaims_domain_info **doms, size_t *nr)
{
	struct numaclaims_domain_info *list = NULL, *grown;
	size_t n = 0, cap = 0;
	uint32_t next = 0;
	int ret;

	if (!doms || !nr)
		return -EINVAL;
	*doms = NULL;
	*nr = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			list = grown;
		}
		ret = claims_domain_getinfo_next(h, next, &list[n]);
		if (ret)
			break;
		next = list[n].domid + 1;
		n++;
		if (next == 0)	/* domid UINT32_MAX was the last possible */
			break;
	}
	if (ret && ret != -ESRCH) {
		free(list);
		return ret;
	}
	if (!n) {
		free(list);
		list = NULL;
	}
	*doms = list;
	*nr = n;
	return 0;
}

#ifdef CLAIMS_SHARED
/*
 * libclaims.so.1's ABI for programs built before API version 4
 * (LIBCLAIMS_1.0 .. 1.5): struct numaclaims_domain_info was
 * NUMACLAIMS_DOMAIN_INFO_SIZE_VER1 bytes and struct numaclaims_host_info
 * NUMACLAIMS_HOST_INFO_SIZE_VER3; their callers' buffers are that small.
 * These versions write no more than that; programs built with this header
 * bind to the LIBCLAIMS_1.6 versions (the functions above).  Only in the
 * shared library (-DCLAIMS_SHARED): the static one is linked with the
 * header it was built with.
 */
_Static_assert(sizeof(struct numaclaims_domain_info) ==
	       NUMACLAIMS_DOMAIN_INFO_SIZE_VER1 + 16 * NUMACLAIMS_MAX_NODES,
	       "the version-4 tail of DOMAIN_INFO");
_Static_assert(NUMACLAIMS_HOST_INFO_SIZE_VER4 ==
	       NUMACLAIMS_HOST_INFO_SIZE_VER3 +
	       sizeof(struct numaclaims_node_superpages) * NUMACLAIMS_MAX_NODES,
	       "the version-4 tail of HOST_INFO");
_Static_assert(sizeof(struct numaclaims_host_info) ==
	       NUMACLAIMS_HOST_INFO_SIZE_VER4 + 8 + 8 * NUMACLAIMS_MAX_NODES,
	       "the version-5 tail of HOST_INFO");

int claims_domain_getinfo_ver1(struct claims_handle *h, uint32_t domid,
			       void *info);
int claims_domain_getinfo_next_ver1(struct claims_handle *h,
				    uint32_t first_domid, void *info);
int claims_physinfo_ver3(struct claims_handle *h, void *info);
int claims_physinfo_ver4(struct claims_handle *h, void *info);
int claims_domain_list_ver1(struct claims_handle *h, void **doms, size_t *nr);

static int claims_getinfo_small(struct claims_handle *h, uint32_t domid,
				uint32_t flags, void *info)
{
	struct numaclaims_domain_info full;
	int ret;

	if (!info)
		return -EINVAL;
	ret = claims_getinfo_flags(h, domid, flags, &full);
	if (!ret)
		memcpy(info, &full, NUMACLAIMS_DOMAIN_INFO_SIZE_VER1);
	return ret;
}

int claims_domain_getinfo_ver1(struct claims_handle *h, uint32_t domid,
			       void *info)
{
	return claims_getinfo_small(h, domid, 0, info);
}

int claims_domain_getinfo_next_ver1(struct claims_handle *h,
				    uint32_t first_domid, void *info)
{
	return claims_getinfo_small(h, first_domid, NUMACLAIMS_INFO_NEXT, info);
}

static int claims_physinfo_small(struct claims_handle *h, void *info,
				 size_t size)
{
	struct numaclaims_host_info full;
	int ret;

	if (!info)
		return -EINVAL;
	ret = claims_physinfo(h, &full);
	if (!ret)
		memcpy(info, &full, size);
	return ret;
}

int claims_physinfo_ver3(struct claims_handle *h, void *info)
{
	return claims_physinfo_small(h, info, NUMACLAIMS_HOST_INFO_SIZE_VER3);
}

/* LIBCLAIMS_1.6 .. 1.7 (API version 4): no growable_pages yet. */
int claims_physinfo_ver4(struct claims_handle *h, void *info)
{
	return claims_physinfo_small(h, info, NUMACLAIMS_HOST_INFO_SIZE_VER4);
}

int claims_domain_list_ver1(struct claims_handle *h, void **doms, size_t *nr)
{
	struct numaclaims_domain_info *list;
	size_t i;
	int ret;

	if (!doms || !nr)
		return -EINVAL;
	ret = claims_domain_list(h, &list, nr);
	if (ret) {
		*doms = NULL;
		return ret;
	}
	/* the entries packed at the old stride, in place (it only shrinks) */
	for (i = 0; i < *nr; i++)
		memmove((char *)list + i * NUMACLAIMS_DOMAIN_INFO_SIZE_VER1,
			&list[i], NUMACLAIMS_DOMAIN_INFO_SIZE_VER1);
	*doms = list;
	return 0;
}

__asm__(".symver claims_domain_getinfo_ver1,claims_domain_getinfo@LIBCLAIMS_1.0");
__asm__(".symver claims_domain_getinfo_next_ver1,claims_domain_getinfo_next@LIBCLAIMS_1.0");
__asm__(".symver claims_physinfo_ver3,claims_physinfo@LIBCLAIMS_1.0");
__asm__(".symver claims_domain_list_ver1,claims_domain_list@LIBCLAIMS_1.5");
__asm__(".symver claims_domain_getinfo_v4,claims_domain_getinfo@@LIBCLAIMS_1.6");
__asm__(".symver claims_domain_getinfo_next_v4,claims_domain_getinfo_next@@LIBCLAIMS_1.6");
__asm__(".symver claims_physinfo_ver4,claims_physinfo@LIBCLAIMS_1.6");
__asm__(".symver claims_physinfo_v5,claims_physinfo@@LIBCLAIMS_1.8");
__asm__(".symver claims_domain_list_v4,claims_domain_list@@LIBCLAIMS_1.6");
#endif /* CLAIMS_SHARED */

int claims_domain_numa(const struct numaclaims_domain_info *di,
		       uint64_t pool_nodes, struct claims_domain_numa *m)
{
	uint32_t n, pools = (uint32_t)__builtin_popcountll(pool_nodes);

	if (!di || !m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		if (!di->node_pages[n])
			continue;
		m->memory_numa_node[n] = di->node_pages[n] * CLAIMS_PAGE_SIZE;
		m->nodemask |= 1ULL << n;
		m->numa_nodes++;
	}
	m->numa_optimised = m->numa_nodes == 1 ||
			    (m->numa_nodes > 1 && m->numa_nodes < pools);
	return 0;
}

int CLAIMS_V5(claims_physinfo)(struct claims_handle *h, struct numaclaims_host_info *info)
{
	int ret;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	ret = claims_ioctl(h, NUMACLAIMS_IOC_HOST_INFO, info);
	return ret < 0 ? ret : 0;
}

static int claims_offline_op(struct claims_handle *h, unsigned long request,
			     uint32_t node, uint64_t pages)
{
	struct numaclaims_offline arg = {
		.node = node,
		.pages = pages,
	};
	int ret = claims_ioctl(h, request, &arg);

	return ret < 0 ? ret : 0;
}

int claims_offline_pages(struct claims_handle *h, uint32_t node,
			 uint64_t pages)
{
	return claims_offline_op(h, NUMACLAIMS_IOC_OFFLINE_PAGES, node, pages);
}

int claims_online_pages(struct claims_handle *h, uint32_t node, uint64_t pages)
{
	return claims_offline_op(h, NUMACLAIMS_IOC_ONLINE_PAGES, node, pages);
}

int claims_pool_resize(struct claims_handle *h, uint32_t node, uint64_t pages)
{
	struct numaclaims_pool_resize arg = { .node = node, .pages = pages };
	int ret = claims_ioctl(h, NUMACLAIMS_IOC_POOL_RESIZE, &arg);

	return ret < 0 ? ret : 0;
}

int claims_pool_capacity(uint32_t node, uint64_t *pages)
{
	char path[96];
	unsigned long long v;
	FILE *f;
	int ok;

	if (!pages)
		return -EINVAL;
	snprintf(path, sizeof(path),
		 "/sys/kernel/numaclaims/node%u/capacity_pages", node);
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	ok = fscanf(f, "%llu", &v) == 1;
	fclose(f);
	if (!ok)
		return -ENOENT;
	*pages = v;
	return 0;
}

int claims_pool_resize_set(struct claims_handle *h,
			   const struct numaclaims_claim *set, uint32_t nr,
			   uint32_t *failed, uint64_t *unrestored)
{
	struct numaclaims_host_info hi;
	uint64_t old[NUMACLAIMS_MAX_NODES], seen = 0, cap;
	uint32_t i, k;
	int ret;

	if (failed)
		*failed = 0;
	if (unrestored)
		*unrestored = 0;
	if (!set || !nr || nr > NUMACLAIMS_MAX_NODES)
		return -EINVAL;
	ret = claims_physinfo(h, &hi);
	if (ret)
		return ret;
	/* Everything that can be checked first is, before any change. */
	for (i = 0; i < nr; i++) {
		uint32_t n = set[i].target;

		if (failed)
			*failed = i;
		if (n >= NUMACLAIMS_MAX_NODES ||
		    set[i].cmd != NUMACLAIMS_CLAIM_PAGES_CMD ||
		    (seen & (1ULL << n)))
			return -EINVAL;
		seen |= 1ULL << n;
		if (!hi.nodes[n].has_pool)
			return -ENOENT;
		if (!claims_pool_capacity(n, &cap) && set[i].pages > cap)
			return -ENOSPC;
		old[i] = hi.nodes[n].reserved_pages;
	}
	for (i = 0; i < nr; i++) {
		if (failed)
			*failed = i;
		ret = claims_pool_resize(h, set[i].target, set[i].pages);
		if (!ret)
			continue;
		/* Put back the nodes already resized. */
		for (k = 0; k < i; k++)
			if (claims_pool_resize(h, set[k].target, old[k]) &&
			    unrestored)
				*unrestored |= 1ULL << set[k].target;
		return ret;
	}
	if (failed)
		*failed = nr;
	return 0;
}

int claims_pool_nodes(struct claims_handle *h, uint64_t *nodemask,
		      uint32_t *nr_nodes)
{
	struct numaclaims_host_info info;
	uint64_t mask = 0;
	unsigned int n;
	int ret;

	if (!nodemask)
		return -EINVAL;
	ret = claims_physinfo(h, &info);
	if (ret)
		return ret;
	for (n = 0; n < NUMACLAIMS_MAX_NODES && n < info.nr_nodes; n++)
		if (info.nodes[n].has_pool)
			mask |= 1ULL << n;
	*nodemask = mask;
	if (nr_nodes)
		*nr_nodes = info.nr_nodes;
	return 0;
}

int claims_domain_open(struct claims_handle *h, uint32_t domid,
		       uint32_t flags)
{
	struct numaclaims_domain_open arg = {
		.domid = domid,
		.flags = flags,
	};

	/* The new descriptor is the ioctl's return value. */
	return claims_ioctl(h, NUMACLAIMS_IOC_DOMAIN_OPEN, &arg);
}

int claims_domain_path(uint32_t domid, char *buf, size_t len)
{
	int n;

	if (!buf)
		return -EINVAL;
	n = snprintf(buf, len, NUMACLAIMS_DOMAIN_DEV_FMT, domid);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return n;
}

int claims_domain_give(uint32_t domid, uid_t uid, gid_t gid,
		       unsigned int mode)
{
	char path[64];
	struct stat st;
	int fd, ret = 0;

	if (mode == CLAIMS_GIVE_MODE_DEFAULT)
		mode = gid != (gid_t)-1 ? 0660 : 0600;
	if (mode & ~0777U)
		return -EINVAL;
	claims_domain_path(domid, path, sizeof(path));
	/*
	 * Through an fd of the node itself: opening it checks that the domain
	 * is alive (ESRCH), and fchown/fchmod then change that node and no
	 * other, whatever happens to the path meanwhile.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (fstat(fd, &st))
		ret = -errno;
	else if (!S_ISCHR(st.st_mode))
		ret = -ENODEV;
	else if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid))
		ret = -errno;
	else if (fchmod(fd, mode))
		ret = -errno;
	close(fd);
	return ret;
}

/* Bytes of @nr_pages pages, or 0 if they do not fit in a size_t/off_t. */
static size_t claims_map_len(uint64_t nr_pages)
{
	if (!nr_pages || nr_pages > (SIZE_MAX >> CLAIMS_PAGE_SHIFT) ||
	    nr_pages > NUMACLAIMS_MAX_GFN)
		return 0;
	return (size_t)(nr_pages << CLAIMS_PAGE_SHIFT);
}

int claims_domain_map_fd(int fd, uint64_t first_gfn, uint64_t nr_pages,
			 void **addr)
{
	size_t len = claims_map_len(nr_pages);
	void *p;

	if (!addr)
		return -EINVAL;
	*addr = NULL;
	if (!len)
		return -EINVAL;
	/* The module says ENXIO too; this also keeps the offset in off_t. */
	if (first_gfn >= NUMACLAIMS_MAX_GFN ||
	    nr_pages > NUMACLAIMS_MAX_GFN - first_gfn)
		return -ENXIO;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)(first_gfn << CLAIMS_PAGE_SHIFT));
	if (p == MAP_FAILED)
		return errno ? -errno : -EIO;
	*addr = p;
	return 0;
}

int claims_domain_map(struct claims_handle *h, uint32_t domid,
		      uint64_t first_gfn, uint64_t nr_pages, void **addr)
{
	int fd, ret;

	if (!addr)
		return -EINVAL;
	*addr = NULL;
	fd = claims_domain_open(h, domid, NUMACLAIMS_OPEN_CLOEXEC);
	if (fd < 0)
		return fd;
	ret = claims_domain_map_fd(fd, first_gfn, nr_pages, addr);
	close(fd);
	return ret;
}

int claims_domain_unmap(void *addr, uint64_t nr_pages)
{
	size_t len = claims_map_len(nr_pages);

	if (!addr)
		return 0;
	if (!len)
		return -EINVAL;
	return munmap(addr, len) ? -errno : 0;
}

/* Pages per move_pages(2) call: bounds the pointer array to 32 KiB. */
#define CLAIMS_NODES_BATCH	4096U

int claims_page_nodes(const void *addr, uint64_t nr_pages, int *status)
{
	uintptr_t base = (uintptr_t)addr;
	void **pages;
	uint64_t done;

	if (!status || (base & (CLAIMS_PAGE_SIZE - 1)))
		return -EINVAL;
	if (numa_available() < 0)
		return -ENOSYS;
	if (!nr_pages)
		return 0;
	pages = malloc(sizeof(*pages) * (nr_pages < CLAIMS_NODES_BATCH ?
					 nr_pages : CLAIMS_NODES_BATCH));
	if (!pages)
		return -ENOMEM;
	for (done = 0; done < nr_pages;) {
		unsigned long batch = nr_pages - done < CLAIMS_NODES_BATCH ?
				      nr_pages - done : CLAIMS_NODES_BATCH;
		unsigned long i;

		for (i = 0; i < batch; i++)
			pages[i] = (void *)(base +
					    ((done + i) << CLAIMS_PAGE_SHIFT));
		/* nodes NULL: only report where each page is. */
		if (numa_move_pages(0, batch, pages, NULL, status + done, 0)) {
			int err = errno ? errno : EIO;

			free(pages);
			return -err;
		}
		done += batch;
	}
	free(pages);
	return 0;
}

/*
 * libnuma reports through errno and return values of -1 (or 0 for
 * numa_distance()); numa_available() must be called before anything else.
 */
int claims_numa_nodes(void)
{
	if (numa_available() < 0)
		return -ENOSYS;
	return numa_max_node() + 1;
}

static int claims_numa_node_known(int node)
{
	if (numa_available() < 0)
		return -ENOSYS;
	if (node < 0 || node > numa_max_node())
		return -ENOENT;
	return 0;
}

int claims_node_size(int node, uint64_t *size_bytes, uint64_t *free_bytes)
{
	long long size, freemem = 0;
	int ret = claims_numa_node_known(node);

	if (ret)
		return ret;
	size = numa_node_size64(node, &freemem);
	if (size < 0)
		return -ENOENT;
	if (size_bytes)
		*size_bytes = (uint64_t)size;
	if (free_bytes)
		*free_bytes = freemem < 0 ? 0 : (uint64_t)freemem;
	return 0;
}

int claims_node_distance(int from, int to)
{
	int ret = claims_numa_node_known(from);
	int distance;

	if (!ret)
		ret = claims_numa_node_known(to);
	if (ret)
		return ret;
	distance = numa_distance(from, to);
	return distance > 0 ? distance : -ENOENT;
}
