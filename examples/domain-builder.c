// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * domain-builder: a minimal numaclaims domain builder, the steps a Xen
 * toolstack takes, with libclaims (libclaims(3)):
 *
 *   1. open /dev/numaclaims                 claims_open_handle()
 *   2. create a domain with a memory limit  claims_domain_create()
 *   3. plan a claim set and install it      claims_build_claim()
 *      (atomic, all or nothing: if it does not fit, nothing was allocated)
 *   4. populate the claimed memory, each    claims_domain_populate_physmap()
 *      node part exactly on its node
 *   5. release what is left of the claim    claims_domain_claim_memory()
 *   6. check the accounting                 claims_domain_getinfo()
 *   7. destroy the domain                   claims_domain_destroy()
 *
 * A real builder would hand the domain to its VMM between 6 and 7
 * (/dev/numaclaims-domN as QEMU's mem-path, see the README).  Any failure
 * destroys the domain, so nothing is left behind.
 *
 *   cc -o domain-builder domain-builder.c $(pkg-config --cflags --libs libclaims)
 *   ./domain-builder [-d DEVICE] [-c CPU_NODE] [-s] SIZE_MIB
 *
 * -s plans the memory as superpages (CLAIMS_PLAN_SUPERPAGES: 2 MiB blocks
 * kept whole, from the nodes' superpage pools, API version 4) and
 * populates them at order 9 with NUMACLAIMS_MEMF_SUPERPAGE.
 *
 * Exit status: 0 built and destroyed, 1 a step failed, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <claims.h>

#define PAGES_PER_MIB	((1ULL << 20) / CLAIMS_PAGE_SIZE)
#define ORDER_2M	9	/* 2 MiB extents: 512 pages */

static const char *prog = "domain-builder";

/* A step that failed: its name and the errno's text. */
static int fail(const char *step, uint32_t domid, int ret)
{
	fprintf(stderr, "%s: %s (domain %u): %s\n", prog, step, domid,
		strerror(-ret));
	return ret;
}

/*
 * Populate @pages pages at gfns from *@next_gfn with @mem_flags, in 2 MiB
 * extents where the count allows it (else 4 KiB ones); superpages
 * (NUMACLAIMS_MEMF_SUPERPAGE) always in 2 MiB extents at 2 MiB-aligned gfns.
 */
static int populate(struct claims_handle *h, uint32_t domid, uint64_t pages,
		    uint32_t mem_flags, uint64_t *next_gfn)
{
	uint32_t order;
	uint64_t nr, done = 0, i;
	uint64_t *gfns;
	int ret;

	if (mem_flags & NUMACLAIMS_MEMF_SUPERPAGE)
		*next_gfn = (*next_gfn + (1ULL << ORDER_2M) - 1) &
			    ~((1ULL << ORDER_2M) - 1);
	order = pages % (1ULL << ORDER_2M) == 0 &&
		*next_gfn % (1ULL << ORDER_2M) == 0 ? ORDER_2M : 0;
	nr = pages >> order;
	gfns = calloc(nr, sizeof(*gfns));
	if (!gfns)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		gfns[i] = *next_gfn + (i << order);
	ret = claims_domain_populate_physmap(h, domid, nr, order, mem_flags,
					     gfns, &done);
	if (ret < 0)
		fprintf(stderr, "%s: populate stopped after %llu of %llu extents\n",
			prog, (unsigned long long)done, (unsigned long long)nr);
	*next_gfn += done << order;
	free(gfns);
	return ret;
}

static int usage(void)
{
	fprintf(stderr, "usage: %s [-d DEVICE] [-c CPU_NODE] [-s] SIZE_MIB\n", prog);
	return 2;
}

int main(int argc, char **argv)
{
	const char *device = NULL;
	struct claims_plan_request req = { .cpu_node = CLAIMS_PLAN_NO_NODE };
	struct claims_plan plan;
	struct numaclaims_claim clear = { .pages = 0,
					  .target = NUMACLAIMS_TARGET_HOST };
	struct numaclaims_domain_info info;
	struct claims_handle *h;
	uint64_t pages, gfn = 0;
	uint32_t domid = 0, n, i;
	char *end;
	int opt, ret;

	while ((opt = getopt(argc, argv, "d:c:s")) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'c':
			req.cpu_node = (int32_t)strtol(optarg, &end, 10);
			if (*end || end == optarg)
				return usage();
			break;
		case 's':
			req.flags |= CLAIMS_PLAN_SUPERPAGES;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc - 1)
		return usage();
	pages = strtoull(argv[optind], &end, 10) * PAGES_PER_MIB;
	if (*end || !pages ||
	    ((req.flags & CLAIMS_PLAN_SUPERPAGES) &&
	     pages % NUMACLAIMS_SUPERPAGE_PAGES))
		return usage();

	/* 1. Open.  claims_strerror() names the cause and the fix. */
	ret = claims_open_handle(device, &h);
	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", prog, claims_strerror(ret));
		return 1;
	}

	/* 2. A domain that may have exactly @pages pages (max_mem). */
	ret = claims_domain_create(h, pages, 0, &domid);
	if (ret < 0) {
		fail("create", domid, ret);
		claims_close(h);
		return 1;
	}

	/* 3. Plan where the memory goes and claim it, atomically. */
	req.pages = pages;
	ret = claims_build_claim(h, domid, &req, &plan);
	if (ret < 0) {
		fail(ret == -ENOMEM ? "claim (does not fit now; nothing allocated)"
				    : "claim", domid, ret);
		goto destroy;
	}
	printf("domain %u: claimed %llu pages in %u entries on nodes %#llx (%u attempts)\n",
	       domid, (unsigned long long)pages, plan.nr_entries,
	       (unsigned long long)plan.nodemask, plan.attempts);

	/* 4. Redeem the claim: node parts on their node, exactly; a
	 *    host-wide part anywhere, preferring the plan's nodes. */
	for (i = 0; i < plan.nr_entries; i++) {
		const struct numaclaims_claim *c = &plan.set[i];
		uint32_t flags = 0;

		if (c->target < NUMACLAIMS_TARGET_SPECIAL) {
			flags = NUMACLAIMS_MEMF_NODE(c->target) |
				NUMACLAIMS_MEMF_EXACT_NODE;
			/* a superpage part: superpages only, order 9 */
			if (c->cmd == NUMACLAIMS_CLAIM_SUPERPAGES)
				flags |= NUMACLAIMS_MEMF_SUPERPAGE;
		} else if (plan.nodemask) {
			ret = claims_domain_node_setaffinity(h, domid, plan.nodemask);
			if (ret < 0) {
				fail("affinity", domid, ret);
				goto destroy;
			}
		}
		ret = populate(h, domid, c->pages, flags, &gfn);
		if (ret < 0) {
			fail("populate", domid, ret);
			goto destroy;
		}
	}

	/* 5. Release what is left of the claim ({0, HOST} clears the set). */
	n = 1;
	ret = claims_domain_claim_memory(h, domid, NUMACLAIMS_CLAIM_SET, &n, &clear);
	if (ret < 0) {
		fail("release", domid, ret);
		goto destroy;
	}

	/* 6. Every page counted to the domain, no claim outstanding. */
	ret = claims_domain_getinfo(h, domid, &info);
	if (ret < 0) {
		fail("getinfo", domid, ret);
		goto destroy;
	}
	if (info.tot_pages != pages || info.outstanding_pages) {
		fprintf(stderr, "%s: domain %u has %llu pages and %llu claimed, expected %llu and 0\n",
			prog, domid, (unsigned long long)info.tot_pages,
			(unsigned long long)info.outstanding_pages,
			(unsigned long long)pages);
		ret = -EPROTO;
		goto destroy;
	}
	printf("domain %u: populated %llu pages at gfns 0-%llu, claim released\n",
	       domid, (unsigned long long)info.tot_pages,
	       (unsigned long long)gfn - 1);
	for (i = 0; i < NUMACLAIMS_MAX_NODES; i++)
		if (info.node_pages[i])
			printf("domain %u: node %u: %llu pages (%llu in superpages)\n",
			       domid, i, (unsigned long long)info.node_pages[i],
			       (unsigned long long)info.superpage_pages[i]);

destroy:
	/* 7. Destroy (also after a failure: leave nothing behind). */
	opt = claims_domain_destroy(h, domid);
	if (opt < 0) {
		fail("destroy", domid, opt);
		ret = ret < 0 ? ret : opt;
	} else {
		printf("domain %u: destroyed\n", domid);
	}
	claims_close(h);
	return ret < 0 ? 1 : 0;
}
