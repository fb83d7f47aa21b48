// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libclaims.so.1's ABI across API version 4, which grew struct
 * numaclaims_domain_info and numaclaims_host_info: a program built before
 * binds to claims_domain_getinfo@LIBCLAIMS_1.0 (and getinfo_next,
 * physinfo, claims_domain_list@LIBCLAIMS_1.5), which must write no more
 * than the old sizes into its buffers; one built now gets the
 * LIBCLAIMS_1.6 versions and the superpage fields.
 *
 * No device: this program defines ioctl() itself, which the shared
 * library's calls bind to (the executable comes first in symbol lookup),
 * answering HOST_INFO and DOMAIN_INFO with fixed figures on any file
 * (/dev/null is the "device").  Built without ASan for that reason.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "claims.h"
#include "tap.h"

/* The old versions, as a program linked against libclaims 1.5 calls them. */
int old_getinfo(struct claims_handle *h, uint32_t domid, void *info);
int old_getinfo_next(struct claims_handle *h, uint32_t domid, void *info);
int old_physinfo(struct claims_handle *h, void *info);
int old_domain_list(struct claims_handle *h, void **doms, size_t *nr);
int v4_physinfo(struct claims_handle *h, void *info);
__asm__(".symver old_getinfo,claims_domain_getinfo@LIBCLAIMS_1.0");
__asm__(".symver old_getinfo_next,claims_domain_getinfo_next@LIBCLAIMS_1.0");
__asm__(".symver old_physinfo,claims_physinfo@LIBCLAIMS_1.0");
__asm__(".symver old_domain_list,claims_domain_list@LIBCLAIMS_1.5");
__asm__(".symver v4_physinfo,claims_physinfo@LIBCLAIMS_1.6");

#define GUARD	0x5a
#define NR_DOMS	3

int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request == NUMACLAIMS_IOC_HOST_INFO) {
		struct numaclaims_host_info *hi = arg;

		memset(hi, 0, sizeof(*hi));
		hi->nr_nodes = 2;
		hi->nodes[0].has_pool = 1;
		hi->nodes[0].reserved_pages = 4096;
		hi->scrub_pages[NUMACLAIMS_MAX_NODES - 1] = 7;	/* v3 tail's end */
		hi->superpages[0].reserved_pages = 2048;
		hi->superpages[0].free_pages = 1536;
		hi->superpages[NUMACLAIMS_MAX_NODES - 1].held_pages = 9; /* v4 end */
		hi->growable_pages[0] = 333;
		return 0;
	}
	if (request == NUMACLAIMS_IOC_DOMAIN_INFO) {
		struct numaclaims_domain_info *di = arg;
		uint32_t id = di->domid;

		if (di->flags & NUMACLAIMS_INFO_NEXT)
			id = id < 1 ? 1 : id;
		if (id < 1 || id > NR_DOMS) {
			errno = ESRCH;
			return -1;
		}
		memset(di, 0, sizeof(*di));
		di->domid = id;
		di->max_pages = 1000 + id;
		di->node_pages[NUMACLAIMS_MAX_NODES - 1] = id;	/* v1's end */
		di->superpage_claims[0] = 512 * id;
		di->superpage_pages[0] = 512;
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

static int guard_ok(const unsigned char *p, size_t from, size_t to)
{
	for (; from < to; from++)
		if (p[from] != GUARD)
			return 0;
	return 1;
}

int main(void)
{
	const size_t dsz = NUMACLAIMS_DOMAIN_INFO_SIZE_VER1;
	const size_t hsz = NUMACLAIMS_HOST_INFO_SIZE_VER3;
	unsigned char buf[sizeof(struct numaclaims_host_info) + 64];
	struct numaclaims_domain_info di, *doms;
	struct numaclaims_host_info hi;
	struct numaclaims_domain_info one;
	struct claims_handle *h;
	void *old;
	size_t nr, i;
	int ret, ok;

	h = claims_open_path("/dev/null");
	if (!h) {
		printf("Bail out! cannot open /dev/null\n");
		return 1;
	}

	memset(buf, GUARD, sizeof(buf));
	ret = old_getinfo(h, 2, buf);
	memcpy(&one, buf, dsz);
	tap(!ret && one.domid == 2 && one.max_pages == 1002 &&
	    one.node_pages[NUMACLAIMS_MAX_NODES - 1] == 2 &&
	    guard_ok(buf, dsz, sizeof(buf)),
	    "claims_domain_getinfo@LIBCLAIMS_1.0 writes the %zu bytes of before, not one more",
	    dsz);
	memset(buf, GUARD, sizeof(buf));
	ret = old_getinfo_next(h, 0, buf);
	memcpy(&one, buf, dsz);
	tap(!ret && one.domid == 1 && guard_ok(buf, dsz, sizeof(buf)),
	    "claims_domain_getinfo_next@LIBCLAIMS_1.0 likewise");
	memset(buf, GUARD, sizeof(buf));
	ret = old_physinfo(h, buf);
	memcpy(&hi, buf, hsz);
	tap(!ret && hi.nr_nodes == 2 && hi.nodes[0].reserved_pages == 4096 &&
	    hi.scrub_pages[NUMACLAIMS_MAX_NODES - 1] == 7 &&
	    guard_ok(buf, hsz, sizeof(buf)),
	    "claims_physinfo@LIBCLAIMS_1.0 writes the %zu bytes of API version 3",
	    hsz);

	memset(buf, GUARD, sizeof(buf));
	ret = v4_physinfo(h, buf);
	memcpy(&hi, buf, NUMACLAIMS_HOST_INFO_SIZE_VER4);
	tap(!ret && hi.superpages[0].reserved_pages == 2048 &&
	    hi.superpages[NUMACLAIMS_MAX_NODES - 1].held_pages == 9 &&
	    guard_ok(buf, NUMACLAIMS_HOST_INFO_SIZE_VER4, sizeof(buf)),
	    "claims_physinfo@LIBCLAIMS_1.6 writes the %d bytes of API version 4",
	    NUMACLAIMS_HOST_INFO_SIZE_VER4);

	old = NULL;
	ret = old_domain_list(h, &old, &nr);
	ok = !ret && nr == NR_DOMS && old;
	for (i = 0; ok && i < nr; i++) {
		memcpy(&one, (char *)old + i * dsz, dsz);
		ok = one.domid == i + 1 && one.max_pages == 1001 + i &&
		     one.node_pages[NUMACLAIMS_MAX_NODES - 1] == i + 1;
	}
	tap(ok, "claims_domain_list@LIBCLAIMS_1.5: %d domains at the old stride of %zu bytes",
	    NR_DOMS, dsz);
	free(old);

	/* This header's programs: the LIBCLAIMS_1.6 versions, whole structures. */
	ret = claims_domain_getinfo(h, 3, &di);
	tap(!ret && di.superpage_claims[0] == 1536 && di.superpage_pages[0] == 512,
	    "claims_domain_getinfo (1.6) has superpage_claims and superpage_pages");
	ret = claims_domain_getinfo_next(h, 2, &di);
	tap(!ret && di.domid == 2 && di.superpage_claims[0] == 1024,
	    "claims_domain_getinfo_next (1.6) likewise");
	ret = claims_physinfo(h, &hi);
	tap(!ret && hi.superpages[0].reserved_pages == 2048 &&
	    hi.superpages[0].free_pages == 1536 && hi.growable_pages[0] == 333,
	    "claims_physinfo (1.8) has the superpages and growable_pages");
	ret = claims_domain_list(h, &doms, &nr);
	ok = !ret && nr == NR_DOMS;
	for (i = 0; ok && i < nr; i++)
		ok = doms[i].domid == i + 1 && doms[i].superpage_pages[0] == 512;
	tap(ok, "claims_domain_list (1.6): whole structures");
	free(doms);
	tap(claims_domain_getinfo(h, 9, &di) == -ESRCH &&
	    old_getinfo(h, 9, buf) == -ESRCH, "errors pass through both versions");
	tap(old_getinfo(h, 1, NULL) == -EINVAL && old_physinfo(h, NULL) == -EINVAL,
	    "the old versions refuse NULL");
	claims_close(h);
	return tap_end();
}
