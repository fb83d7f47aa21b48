// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * An LD_PRELOAD ioctl() for the binding's unit test (test_unit.py,
 * FakeHost): %NUMACLAIMS_IOC_HOST_INFO on any file answers the fixed host
 * below, as a module of API version 5 would; every other request goes to
 * libc's ioctl().  With FAKE_HOST_INFO_VERSION=4 (or 3, 2, 1) it writes only
 * the part of the structure a module of that API version knows, and leaves
 * the rest as the caller passed it.  %NUMACLAIMS_IOC_DOMAIN_INFO answers two
 * domains: 5 with memory on nodes 0 and 2 (the 512 pages on node 2 a
 * superpage) and a superpage claim on node 0, 9 on node 2 only (ESRCH for
 * any other id; %NUMACLAIMS_INFO_NEXT enumerates them).
 *
 * Nodes 0 and 2 have a pool, node 1 none (its figures must not show).
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/numaclaims.h>

/* The version tails start where the older sizes end. */
_Static_assert(offsetof(struct numaclaims_host_info, total_held_pages) ==
	       NUMACLAIMS_HOST_INFO_SIZE_VER1, "version-2 tail");
_Static_assert(offsetof(struct numaclaims_host_info, total_scrub_pages) ==
	       NUMACLAIMS_HOST_INFO_SIZE_VER2, "version-3 tail");
_Static_assert(offsetof(struct numaclaims_host_info, superpages) ==
	       NUMACLAIMS_HOST_INFO_SIZE_VER3, "version-4 tail");
_Static_assert(offsetof(struct numaclaims_host_info, total_growable_pages) ==
	       NUMACLAIMS_HOST_INFO_SIZE_VER4, "version-5 tail");
_Static_assert(offsetof(struct numaclaims_domain_info, superpage_claims) ==
	       NUMACLAIMS_DOMAIN_INFO_SIZE_VER1, "version-4 tail of DOMAIN_INFO");

static void fake_host(struct numaclaims_host_info *hi)
{
	memset(hi, 0, sizeof(*hi));
	hi->nr_nodes = 3;
	hi->nr_domains = 1;
	hi->nodes[0] = (struct numaclaims_node_info){ .reserved_pages = 65536,
		.avail_pages = 60000, .outstanding_claims = 1000,
		.offlined_pages = 512, .has_pool = 1 };
	hi->nodes[2] = (struct numaclaims_node_info){ .reserved_pages = 32768,
		.avail_pages = 30000, .outstanding_claims = 300, .has_pool = 1 };
	hi->total_avail_pages = 90000;
	hi->outstanding_claims = 1300 + 2048;
	hi->held_pages[0] = 24;
	hi->held_pages[2] = 8;
	hi->total_held_pages = 32;
	hi->scrub_pages[0] = 4608;
	hi->scrub_pages[1] = 77;	/* no pool: not shown */
	hi->scrub_pages[2] = 1536;
	hi->total_scrub_pages = 4608 + 1536;
	/* superpages (API version 4): 16 MiB on node 0, 4 MiB on node 2 */
	hi->superpages[0] = (struct numaclaims_node_superpages){
		.reserved_pages = 4096, .free_pages = 3584,
		.outstanding_claims = 1024, .held_pages = 0 };
	hi->superpages[1].reserved_pages = 512;	/* no pool: not shown */
	hi->superpages[2] = (struct numaclaims_node_superpages){
		.reserved_pages = 1024, .free_pages = 512, .held_pages = 512 };
	/* grow on claim (API version 5): node 2 may grow by 8 MiB */
	hi->growable_pages[1] = 99;	/* no pool: not shown */
	hi->growable_pages[2] = 2048;
	hi->total_growable_pages = 2048;
}

/* Domain @id (5 or 9) into @di; 0, or -1 for no such domain. */
static int fake_domain(uint32_t id, struct numaclaims_domain_info *di)
{
	if (id != 5 && id != 9)
		return -1;
	memset(di, 0, sizeof(*di));
	di->domid = id;
	di->max_pages = 4096;
	if (id == 5) {
		di->tot_pages = 768;
		di->node_pages[0] = 256;
		di->node_pages[2] = 512;
		di->superpage_pages[2] = 512;
		di->superpage_claims[0] = 1024;
	} else {
		di->tot_pages = 100;
		di->uncounted_pages = 28;
		di->node_pages[2] = 128;
	}
	return 0;
}

int ioctl(int fd, unsigned long request, ...)
{
	static int (*real)(int, unsigned long, void *);
	struct numaclaims_host_info hi;
	const char *ver;
	size_t size = sizeof(hi);
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request == NUMACLAIMS_IOC_HOST_INFO) {
		ver = getenv("FAKE_HOST_INFO_VERSION");
		if (ver && !strcmp(ver, "1"))
			size = NUMACLAIMS_HOST_INFO_SIZE_VER1;
		else if (ver && !strcmp(ver, "2"))
			size = NUMACLAIMS_HOST_INFO_SIZE_VER2;
		else if (ver && !strcmp(ver, "3"))
			size = NUMACLAIMS_HOST_INFO_SIZE_VER3;
		else if (ver && !strcmp(ver, "4"))
			size = NUMACLAIMS_HOST_INFO_SIZE_VER4;
		fake_host(&hi);
		memcpy(arg, &hi, size);
		return 0;
	}
	if (request == NUMACLAIMS_IOC_DOMAIN_INFO) {
		struct numaclaims_domain_info *di = arg;
		uint32_t id = di->domid;

		if (di->flags & NUMACLAIMS_INFO_NEXT)
			id = id <= 5 ? 5 : id <= 9 ? 9 : 0;
		if (fake_domain(id, di)) {
			errno = ESRCH;
			return -1;
		}
		return 0;
	}
	/* A claim set for domain 5 does not fit: ENOMEM, as the module. */
	if (request == NUMACLAIMS_IOC_CLAIM_MEMORY &&
	    ((struct numaclaims_claim_memory *)arg)->domid == 5 &&
	    ((struct numaclaims_claim_memory *)arg)->mode == NUMACLAIMS_CLAIM_SET) {
		errno = ENOMEM;
		return -1;
	}
	if (!real)
		real = (int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
	return real(fd, request, arg);
}
