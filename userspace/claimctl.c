// SPDX-License-Identifier: GPL-2.0
/*
 * claimctl: command-line front end of numaclaims, for people and scripts
 * that want to create domains, stake NUMA claims, populate and inspect, the
 * way `xl` and `numactl` users do.  Every device access goes through
 * libclaims; parsing and printing live in claimctl_parse.c and
 * claimctl_output.c.
 *
 * Exit status: 0 success, 1 the operation failed, 2 usage error.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numa.h>

#include "claims.h"
#include "claimctl.h"
#include "claimctl_build.h"
#include "claimctl_metrics.h"

#ifndef CLAIMS_VERSION
#define CLAIMS_VERSION "1.2.0"
#endif

#define EXIT_USAGE	2
/* Extents per populate/decrease ioctl: bounds the gfn array to 512 KiB. */
#define CC_BATCH	65536U

enum cc_opt {
	OPT_JSON	= 1 << 0,
	OPT_PAGES	= 1 << 1,
	OPT_MAX		= 1 << 2,
	OPT_AUTODESTROY	= 1 << 3,
	OPT_HOLD	= 1 << 4,
	OPT_NODE	= 1 << 5,
	OPT_EXACT	= 1 << 6,
	OPT_ORDER	= 1 << 7,
	OPT_GFN		= 1 << 8,
	OPT_NO_REFCOUNT	= 1 << 9,
	OPT_CPUNODEBIND	= 1 << 10,
	OPT_FD		= 1 << 11,
	OPT_SUPERPAGES	= 1 << 12,
	OPT_ALL		= 1 << 13,
	OPT_MODE	= 1 << 14,
	OPT_PLAN	= 1 << 15,	/* build's planner options */
	OPT_LIKE	= 1 << 16,
	OPT_DRY_RUN	= 1 << 17,
	/*
	 * Not an option: the arguments after the first positional one are a
	 * command to run (claimctl run DOMID CMD ARGS...), so option parsing
	 * stops there and the command's own options stay the command's.
	 */
	CMD_EXEC	= 1 << 30,
};

/** struct cc_args - the options of one invocation, global and per command. */
struct cc_args {
	const char *device;
	int verbose;
	int json;
	enum cc_unit unit;
	const char *max;
	int autodestroy;
	int hold;
	int all;
	const char *node;
	int exact;
	const char *order;
	const char *gfn;
	int no_refcount;
	int superpages;
	const char *cpunodebind;
	int pass_fd;
	const char *mode;
	struct cc_build_opts build;	/* build's options (claimctl_build.h) */
	int argc;		/* positional arguments after the command */
	char **argv;		/* (run: DOMID, then the command to exec) */
};

struct cc_cmd {
	const char *name;
	int (*run)(struct cc_args *a);
	unsigned int opts;	/* enum cc_opt accepted */
	int min_args, max_args;
	const char *usage;
	const char *summary;
	const char *help;
};

static const struct cc_cmd *cc_current;

/* ---- messages ---- */

void cc_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "claimctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cc_current)
		fprintf(stderr, "\nusage: claimctl %s %s\n(see 'claimctl %s --help')\n",
			cc_current->name, cc_current->usage, cc_current->name);
	else
		fprintf(stderr, "\n(see 'claimctl --help')\n");
}


static int cc_open(struct cc_args *a, struct claims_handle **hp)
{
	const char *path = a->device ? a->device : CLAIMS_DEVICE;
	char what[300];
	const char *hint = NULL;
	int ret = claims_open_handle(path, hp);

	if (!ret)
		return 0;
	hint = cc_open_hint(-ret, a->device);
	snprintf(what, sizeof(what), "open %s", path);
	cc_error(what, -ret, hint);
	return -1;
}

static int cc_parse_or_usage(int ret, const char *err)
{
	if (ret)
		cc_usage_error("%s", err);
	return ret;
}

static int cc_arg_domid(struct cc_args *a, int i, uint32_t *domid)
{
	char err[CC_ERR_LEN];

	return cc_parse_or_usage(cc_parse_domid(a->argv[i], domid, err,
						sizeof(err)), err);
}

static int cc_arg_size(const char *s, uint64_t *pages)
{
	char err[CC_ERR_LEN];

	return cc_parse_or_usage(cc_parse_size(s, pages, err, sizeof(err)), err);
}

/* Best-effort state for hints; NULL if it cannot be read. */
static struct numaclaims_host_info *cc_host(struct claims_handle *h,
					    struct numaclaims_host_info *hi)
{
	return claims_physinfo(h, hi) ? NULL : hi;
}

static struct numaclaims_domain_info *cc_dom(struct claims_handle *h,
					     uint32_t domid,
					     struct numaclaims_domain_info *di)
{
	return claims_domain_getinfo(h, domid, di) ? NULL : di;
}

static int cc_fail_generic(const char *what, int ret, long long domid)
{
	char hint[CC_ERR_LEN];

	cc_generic_hint(hint, sizeof(hint), -ret, domid);
	return cc_error(what, -ret, hint);
}

/* ---- commands ---- */

static int cmd_info(struct cc_args *a)
{
	struct numaclaims_host_info hi;
	struct claims_handle *h;
	int ret;

	if (cc_open(a, &h))
		return EXIT_FAILURE;
	ret = claims_physinfo(h, &hi);
	claims_close(h);
	if (ret)
		return cc_fail_generic("read host info", ret, -1);
	if (a->json)
		cc_print_host_info_json(stdout, &hi);
	else
		cc_print_host_info(stdout, &hi, a->unit);
	return EXIT_SUCCESS;
}

static int cmd_list(struct cc_args *a)
{
	struct numaclaims_domain_info *doms;
	struct numaclaims_host_info hi, *hip;
	struct claims_handle *h;
	size_t nr;
	int ret;

	if (cc_open(a, &h))
		return EXIT_FAILURE;
	hip = cc_host(h, &hi);
	ret = claims_domain_list(h, &doms, &nr);
	claims_close(h);
	if (ret)
		return cc_fail_generic("list domains", ret, -1);
	if (a->json)
		cc_print_domains_json(stdout, hip, doms, nr);
	else
		cc_print_domains(stdout, hip, doms, nr, a->unit);
	free(doms);
	return EXIT_SUCCESS;
}

static volatile sig_atomic_t cc_stop;

static void cc_on_signal(int sig)
{
	(void)sig;
	cc_stop = 1;
}

/* --hold: keep the device (and so autodestroy domains) until EOF or signal. */
static void cc_hold(void)
{
	struct sigaction sa = { .sa_handler = cc_on_signal };
	char buf[256];

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (!cc_stop) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
}

static int cmd_create(struct cc_args *a)
{
	struct numaclaims_host_info hi;
	struct claims_handle *h;
	uint64_t max_pages = 0;
	uint32_t domid;
	int ret;

	if (a->max && cc_arg_size(a->max, &max_pages))
		return EXIT_USAGE;
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	if (!a->max) {
		/* Default: all the memory the pools hold, i.e. no limit. */
		uint32_t n;

		ret = claims_physinfo(h, &hi);
		if (ret) {
			claims_close(h);
			return cc_fail_generic("read host info", ret, -1);
		}
		for (n = 0; n < hi.nr_nodes && n < NUMACLAIMS_MAX_NODES; n++)
			if (hi.nodes[n].has_pool)
				max_pages += hi.nodes[n].reserved_pages;
	}
	ret = claims_domain_create(h, max_pages, a->autodestroy ?
				   NUMACLAIMS_DOMAIN_AUTODESTROY : 0, &domid);
	if (ret) {
		char hint[CC_ERR_LEN];

		claims_close(h);
		if (ret == -ENOSPC)
			snprintf(hint, sizeof(hint),
				 "no free domain id; destroy domains first");
		else
			cc_generic_hint(hint, sizeof(hint), -ret, -1);
		return cc_error("create domain", -ret, hint);
	}
	if (a->json)
		cc_print_create_json(stdout, domid, max_pages, a->autodestroy ?
				     NUMACLAIMS_DOMAIN_AUTODESTROY : 0);
	else
		printf("%u\n", domid);
	fflush(stdout);
	if (a->autodestroy && !a->hold)
		fprintf(stderr,
			"claimctl: note: domain %u is autodestroy and is destroyed now that claimctl exits; use --hold to keep it while claimctl runs\n",
			domid);
	if (a->hold)
		cc_hold();
	claims_close(h);
	return EXIT_SUCCESS;
}

/*
 * destroy --all: every domain, e.g. before rmmod (which numaclaims refuses
 * while any domain exists, as kvm.ko does while VMs exist).  A domain that
 * another caller destroys meanwhile is not an error.
 */
static int cc_destroy_all(struct cc_args *a, struct claims_handle *h)
{
	struct numaclaims_domain_info *doms;
	size_t nr, i, done = 0;
	char what[64];
	int ret, st = EXIT_SUCCESS;

	ret = claims_domain_list(h, &doms, &nr);
	if (ret) {
		claims_close(h);
		return cc_fail_generic("list domains", ret, -1);
	}
	for (i = 0; i < nr; i++) {
		ret = claims_domain_destroy(h, doms[i].domid);
		if (ret == -ESRCH)
			continue;
		if (ret) {
			snprintf(what, sizeof(what), "destroy domain %u",
				 doms[i].domid);
			st = cc_fail_generic(what, ret, doms[i].domid);
			break;
		}
		done++;
		if (a->verbose)
			printf("destroyed domain %u\n", doms[i].domid);
	}
	free(doms);
	claims_close(h);
	if (a->verbose && st == EXIT_SUCCESS)
		printf("destroyed %zu domain%s\n", done, done == 1 ? "" : "s");
	return st;
}

static int cmd_destroy(struct cc_args *a)
{
	struct claims_handle *h;
	char what[64];
	uint32_t domid;
	int ret;

	if (a->all != (a->argc == 0)) {
		cc_usage_error("%s", a->all ?
			       "'destroy --all' takes no domain id" :
			       "'destroy' needs a domain id, or --all");
		return EXIT_USAGE;
	}
	if (a->all) {
		if (cc_open(a, &h))
			return EXIT_FAILURE;
		return cc_destroy_all(a, h);
	}
	if (cc_arg_domid(a, 0, &domid))
		return EXIT_USAGE;
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	ret = claims_domain_destroy(h, domid);
	claims_close(h);
	if (ret) {
		snprintf(what, sizeof(what), "destroy domain %u", domid);
		return cc_fail_generic(what, ret, domid);
	}
	if (a->verbose)
		printf("destroyed domain %u\n", domid);
	return EXIT_SUCCESS;
}

/*
 * A user or group by name or number (as chown(1)); -1 in *id for an empty
 * @name.  Return: 0, or a usage error printed.
 */
static int cc_parse_id(const char *name, int group, unsigned int *id)
{
	unsigned long v;
	char *end;

	*id = (unsigned int)-1;
	if (!*name)
		return 0;
	if (group) {
		struct group *gr = getgrnam(name);

		if (gr) {
			*id = gr->gr_gid;
			return 0;
		}
	} else {
		struct passwd *pw = getpwnam(name);

		if (pw) {
			*id = pw->pw_uid;
			return 0;
		}
	}
	errno = 0;
	v = strtoul(name, &end, 10);
	if (isdigit((unsigned char)*name) && !*end && !errno &&
	    v < (unsigned int)-1) {
		*id = (unsigned int)v;
		return 0;
	}
	cc_usage_error("no %s '%s' (a name or a number)",
		       group ? "group" : "user", name);
	return -1;
}

static int cmd_give(struct cc_args *a)
{
	unsigned int uid, gid, mode;
	char what[96], spec[256], *colon, *end;
	uint32_t domid;
	int ret;

	if (cc_arg_domid(a, 0, &domid))
		return EXIT_USAGE;
	if (snprintf(spec, sizeof(spec), "%s", a->argv[1]) >= (int)sizeof(spec)) {
		cc_usage_error("owner '%.40s...' is too long", a->argv[1]);
		return EXIT_USAGE;
	}
	colon = strchr(spec, ':');
	if (colon)
		*colon++ = '\0';
	if (!spec[0] && (!colon || !*colon)) {
		cc_usage_error("'give' needs an owner: USER, USER:GROUP or :GROUP");
		return EXIT_USAGE;
	}
	if (cc_parse_id(spec, 0, &uid) || (colon && cc_parse_id(colon, 1, &gid)))
		return EXIT_USAGE;
	if (!colon)
		gid = (unsigned int)-1;
	mode = CLAIMS_GIVE_MODE_DEFAULT;
	if (a->mode) {
		errno = 0;
		mode = (unsigned int)strtoul(a->mode, &end, 8);
		if (!*a->mode || *end || errno || a->mode[0] == '-' ||
		    mode > 0777) {
			cc_usage_error("bad --mode '%s': permission bits in octal, 0 to 0777 (e.g. 0600, 0660)",
				       a->mode);
			return EXIT_USAGE;
		}
	}
	ret = claims_domain_give(domid, (uid_t)uid, (gid_t)gid, mode);
	if (ret) {
		snprintf(what, sizeof(what), "give domain %u to %s", domid,
			 a->argv[1]);
		if (ret == -EPERM)
			return cc_error(what, EPERM,
					"changing a device node's owner needs root (CAP_CHOWN, CAP_FOWNER)");
		return cc_fail_generic(what, ret, domid);
	}
	if (a->verbose)
		printf("domain %u: /dev/numaclaims-dom%u given to %s\n",
		       domid, domid, a->argv[1]);
	return EXIT_SUCCESS;
}

/* A claim set as a table or JSON (@what names it if JSON cannot). */
static int cc_claim_set_out(struct cc_args *a, const char *what,
			    uint32_t domid, const struct numaclaims_claim *set,
			    uint32_t nr)
{
	if (!a->json) {
		cc_print_claim_set(stdout, domid, set, nr, a->unit);
		return EXIT_SUCCESS;
	}
	if (!cc_print_claim_set_json(stdout, domid, set, nr))
		return EXIT_SUCCESS;
	return cc_error(what, EPROTO,
			"the module returned a claim target that is neither a node nor host-wide; is claimctl as new as numaclaims.ko?");
}

static int cmd_claim(struct cc_args *a)
{
	struct numaclaims_claim set[CC_MAX_ENTRIES];
	struct numaclaims_host_info hi;
	struct numaclaims_domain_info di;
	char err[CC_ERR_LEN], what[64];
	struct claims_handle *h;
	uint32_t domid, nr;
	int ret;

	if (cc_arg_domid(a, 0, &domid))
		return EXIT_USAGE;
	ret = cc_parse_claim_spec(a->argv[1], set, &nr, err, sizeof(err));
	if (cc_parse_or_usage(ret, err))
		return EXIT_USAGE;
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	ret = claims_domain_claim_memory(h, domid, NUMACLAIMS_CLAIM_SET, &nr,
					 set);
	if (ret) {
		cc_claim_hint(err, sizeof(err), -ret, set, nr, cc_host(h, &hi),
			      cc_dom(h, domid, &di));
		claims_close(h);
		snprintf(what, sizeof(what), "claim for domain %u", domid);
		return cc_error(what, -ret, err);
	}
	if (a->verbose || a->json) {
		/* What the module installed (legacy arithmetic included). */
		nr = CC_MAX_ENTRIES;
		ret = claims_domain_claim_memory(h, domid, NUMACLAIMS_CLAIM_GET,
						 &nr, set);
		claims_close(h);
		snprintf(what, sizeof(what),
			 "claim for domain %u installed; reading it back", domid);
		if (ret)
			return cc_fail_generic(what, ret, domid);
		return cc_claim_set_out(a, what, domid, set, nr);
	}
	claims_close(h);
	return EXIT_SUCCESS;
}

static int cmd_claims(struct cc_args *a)
{
	struct numaclaims_claim set[CC_MAX_ENTRIES];
	struct claims_handle *h;
	uint32_t domid, nr = CC_MAX_ENTRIES;
	char what[64];
	int ret;

	if (cc_arg_domid(a, 0, &domid))
		return EXIT_USAGE;
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	ret = claims_domain_claim_memory(h, domid, NUMACLAIMS_CLAIM_GET, &nr,
					 set);
	claims_close(h);
	snprintf(what, sizeof(what), "read claims of domain %u", domid);
	if (ret)
		return cc_fail_generic(what, ret, domid);
	return cc_claim_set_out(a, what, domid, set, nr);
}

static int cmd_claim_pages(struct cc_args *a)
{
	struct numaclaims_host_info hi;
	struct numaclaims_domain_info di;
	char hint[CC_ERR_LEN], what[64];
	struct claims_handle *h;
	uint64_t pages;
	uint32_t domid;
	int ret;

	if (cc_arg_domid(a, 0, &domid) || cc_arg_size(a->argv[1], &pages))
		return EXIT_USAGE;
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	ret = claims_domain_claim_pages(h, domid, pages);
	if (ret) {
		cc_claim_pages_hint(hint, sizeof(hint), -ret, pages,
				    cc_host(h, &hi), cc_dom(h, domid, &di));
		claims_close(h);
		snprintf(what, sizeof(what), "legacy claim for domain %u", domid);
		return cc_error(what, -ret, hint);
	}
	claims_close(h);
	return EXIT_SUCCESS;
}

static int cc_parse_order(struct cc_args *a, uint32_t *order)
{
	char err[CC_ERR_LEN];
	uint64_t v = 0;

	if (a->order &&
	    cc_parse_or_usage(cc_parse_u64(a->order, NUMACLAIMS_MAX_ORDER,
					   "order", &v, err, sizeof(err)), err))
		return -1;
	*order = (uint32_t)v;
	return 0;
}

/*
 * populate and free: consecutive extents of 2^order pages from gfn @start,
 * in batches of CC_BATCH extents; *@done counts the extents done.
 */
static int cc_reservation(struct claims_handle *h, int populate,
			  uint32_t domid, uint64_t start, uint64_t nr_extents,
			  uint32_t order, uint32_t mem_flags, uint64_t *done)
{
	uint64_t *gfns, i, batch, batch_done;
	int ret = 0;

	*done = 0;
	batch = nr_extents < CC_BATCH ? nr_extents : CC_BATCH;
	gfns = malloc(sizeof(*gfns) * (batch ? batch : 1));
	if (!gfns)
		return -ENOMEM;
	while (*done < nr_extents) {
		batch = nr_extents - *done;
		if (batch > CC_BATCH)
			batch = CC_BATCH;
		for (i = 0; i < batch; i++)
			gfns[i] = start + ((*done + i) << order);
		batch_done = 0;
		if (populate)
			ret = claims_domain_populate_physmap(h, domid, batch,
							     order, mem_flags,
							     gfns, &batch_done);
		else
			ret = claims_domain_decrease_reservation(h, domid,
								 batch, order,
								 gfns,
								 &batch_done);
		*done += batch_done > batch ? batch : batch_done;
		if (ret)
			break;
		if (batch_done < batch) {	/* success without all: ABI breach */
			ret = -EBUSY;
			break;
		}
	}
	free(gfns);
	return ret;
}

static int cmd_populate(struct cc_args *a)
{
	struct numaclaims_host_info hi;
	struct numaclaims_domain_info di;
	char err[CC_ERR_LEN], what[64], h1[40], progress[CC_ERR_LEN + 160];
	struct cc_populate_report rep = { .node = -1 };
	uint64_t pages, start, extent_pages, nr_extents, done = 0;
	uint32_t domid, order, mem_flags = 0, node = 0;
	struct claims_handle *h;
	int ret;

	if (cc_arg_domid(a, 0, &domid) || cc_arg_size(a->argv[1], &pages) ||
	    cc_parse_order(a, &order))
		return EXIT_USAGE;
	if (a->superpages) {
		/* superpages only: order 9, the default with --superpages */
		if (a->order && order != NUMACLAIMS_SUPERPAGE_ORDER) {
			cc_usage_error("--superpages populates 2 MiB superpages, order %u, not --order %u",
				       NUMACLAIMS_SUPERPAGE_ORDER, order);
			return EXIT_USAGE;
		}
		order = NUMACLAIMS_SUPERPAGE_ORDER;
		mem_flags |= NUMACLAIMS_MEMF_SUPERPAGE;
	}
	if (a->node) {
		ret = cc_parse_node(a->node, &node, err, sizeof(err));
		if (cc_parse_or_usage(ret, err))
			return EXIT_USAGE;
		mem_flags |= NUMACLAIMS_MEMF_NODE(node);
	}
	if (a->exact)
		mem_flags |= NUMACLAIMS_MEMF_EXACT_NODE;
	if (a->no_refcount)
		mem_flags |= NUMACLAIMS_MEMF_NO_REFCOUNT;
	extent_pages = 1ULL << order;
	if (!pages || pages % extent_pages) {
		cc_usage_error("size %s is not a non-zero multiple of the extent size %s (--order %u)",
			       a->argv[1],
			       cc_format_human(h1, sizeof(h1), extent_pages),
			       order);
		return EXIT_USAGE;
	}
	nr_extents = pages >> order;
	if (a->gfn) {
		ret = cc_parse_u64(a->gfn, NUMACLAIMS_MAX_GFN - 1, "gfn", &start,
				   err, sizeof(err));
		if (cc_parse_or_usage(ret, err))
			return EXIT_USAGE;
	}
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	snprintf(what, sizeof(what), "populate domain %u", domid);
	if (!a->gfn) {
		/* Default: append after what the domain has, extent-aligned. */
		ret = claims_domain_getinfo(h, domid, &di);
		if (ret) {
			claims_close(h);
			return cc_fail_generic(what, ret, domid);
		}
		start = di.tot_pages + di.uncounted_pages;
		start = (start + extent_pages - 1) & ~(extent_pages - 1);
	}
	ret = cc_reservation(h, 1, domid, start, nr_extents, order, mem_flags,
			     &done);
	rep = (struct cc_populate_report){
		.domid = domid, .gfn = start, .order = order,
		.node = a->node ? (int)node : -1, .exact = a->exact,
		.no_refcount = a->no_refcount, .superpages = a->superpages,
		.nr_extents = nr_extents,
		.nr_done = done, .err = -ret,
	};
	if (a->json)	/* also on failure: how far it got */
		cc_print_populate_json(stdout, &rep);
	if (ret) {
		char hint[CC_ERR_LEN];

		cc_populate_hint(hint, sizeof(hint), -ret,
				 a->node ? (int)node : -1, extent_pages,
				 mem_flags, cc_host(h, &hi),
				 cc_dom(h, domid, &di));
		claims_close(h);
		cc_format_progress(progress, sizeof(progress), "populated",
				   done, nr_extents, order, start, hint);
		return cc_error(what, -ret, progress);
	}
	if (a->verbose)
		printf("populated %s (%" PRIu64 " extents of order %u) into domain %u at gfn 0x%" PRIx64 "-0x%" PRIx64 "\n",
		       cc_format_human(h1, sizeof(h1), pages), nr_extents,
		       order, domid, start, start + pages - 1);
	claims_close(h);
	return EXIT_SUCCESS;
}

static int cmd_free(struct cc_args *a)
{
	char err[CC_ERR_LEN], what[64], h1[40], hint[CC_ERR_LEN];
	char msg[CC_ERR_LEN + 160];
	uint64_t pages, start, extent_pages, done = 0;
	struct claims_handle *h;
	uint32_t domid, order;
	int ret;

	if (cc_arg_domid(a, 0, &domid) || cc_arg_size(a->argv[1], &pages) ||
	    cc_parse_order(a, &order))
		return EXIT_USAGE;
	if (!a->gfn) {
		cc_usage_error("free needs --gfn START (the first gfn to free)");
		return EXIT_USAGE;
	}
	ret = cc_parse_u64(a->gfn, NUMACLAIMS_MAX_GFN - 1, "gfn", &start, err,
			   sizeof(err));
	if (cc_parse_or_usage(ret, err))
		return EXIT_USAGE;
	extent_pages = 1ULL << order;
	if (!pages || pages % extent_pages) {
		cc_usage_error("size %s is not a non-zero multiple of the extent size %s (--order %u)",
			       a->argv[1],
			       cc_format_human(h1, sizeof(h1), extent_pages),
			       order);
		return EXIT_USAGE;
	}
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	ret = cc_reservation(h, 0, domid, start, pages >> order, order, 0,
			     &done);
	claims_close(h);
	if (ret) {
		if (ret == -EINVAL)
			snprintf(hint, sizeof(hint),
				 "a gfn in the range is not populated or not aligned to the extent size");
		else
			cc_generic_hint(hint, sizeof(hint), -ret, domid);
		cc_format_progress(msg, sizeof(msg), "freed", done,
				   pages >> order, order, start, hint);
		snprintf(what, sizeof(what), "free memory of domain %u", domid);
		return cc_error(what, -ret, msg);
	}
	return EXIT_SUCCESS;
}

static int cmd_maxmem(struct cc_args *a)
{
	struct claims_handle *h;
	char what[64];
	uint64_t pages;
	uint32_t domid;
	int ret;

	if (cc_arg_domid(a, 0, &domid) || cc_arg_size(a->argv[1], &pages))
		return EXIT_USAGE;
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	ret = claims_domain_setmaxmem(h, domid, pages);
	claims_close(h);
	if (ret) {
		snprintf(what, sizeof(what), "set max memory of domain %u", domid);
		return cc_fail_generic(what, ret, domid);
	}
	return EXIT_SUCCESS;
}

static int cmd_affinity(struct cc_args *a)
{
	struct numaclaims_host_info hi;
	char err[CC_ERR_LEN], what[64], nodes[200];
	struct claims_handle *h;
	uint64_t mask;
	uint32_t domid;
	int ret;

	if (cc_arg_domid(a, 0, &domid))
		return EXIT_USAGE;
	ret = cc_parse_host_nodelist(a->argv[1], &mask, err, sizeof(err));
	if (cc_parse_or_usage(ret, err))
		return EXIT_USAGE;
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	ret = claims_domain_node_setaffinity(h, domid, mask);
	if (ret) {
		snprintf(what, sizeof(what), "set node affinity of domain %u",
			 domid);
		if (ret == -EINVAL && cc_host(h, &hi)) {
			uint64_t pools = 0;
			uint32_t n;

			for (n = 0; n < hi.nr_nodes && n < NUMACLAIMS_MAX_NODES; n++)
				if (hi.nodes[n].has_pool)
					pools |= 1ULL << n;
			snprintf(err, sizeof(err),
				 "the affinity must name a node with a pool: %s",
				 cc_format_nodelist(nodes, sizeof(nodes), pools));
		} else {
			cc_generic_hint(err, sizeof(err), -ret, domid);
		}
		claims_close(h);
		return cc_error(what, -ret, err);
	}
	claims_close(h);
	return EXIT_SUCCESS;
}

static int cc_offline_cmd(struct cc_args *a, int online)
{
	struct numaclaims_host_info hi;
	char err[CC_ERR_LEN], what[64];
	struct claims_handle *h;
	uint64_t pages;
	uint32_t node;
	int ret;

	ret = cc_parse_node(a->argv[0], &node, err, sizeof(err));
	if (cc_parse_or_usage(ret, err) || cc_arg_size(a->argv[1], &pages))
		return EXIT_USAGE;
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	ret = online ? claims_online_pages(h, node, pages) :
		       claims_offline_pages(h, node, pages);
	if (ret) {
		cc_offline_hint(err, sizeof(err), -ret, online, node, pages,
				cc_host(h, &hi));
		claims_close(h);
		snprintf(what, sizeof(what), "%s pages of node %u",
			 online ? "online" : "offline", node);
		return cc_error(what, -ret, err);
	}
	claims_close(h);
	return EXIT_SUCCESS;
}

static int cmd_offline(struct cc_args *a)
{
	return cc_offline_cmd(a, 0);
}

static int cmd_online(struct cc_args *a)
{
	return cc_offline_cmd(a, 1);
}

/*
 * pool: show each node's pool size and capacity, or resize pools while
 * domains run: NODE:SIZE[,NODE:SIZE...], each SIZE the node's new pool.
 * Every node is checked before any changes (it has a pool, SIZE within its
 * capacity); the resizes then run in the order given, and if one fails the
 * nodes already resized are put back, so the command changes all or
 * nothing.
 */
static void cc_pool_hint(char *buf, size_t len, int err, uint32_t node,
			 uint64_t pages, const struct numaclaims_host_info *hi)
{
	char h1[40], h2[40];
	uint64_t cap;

	if (err == EBUSY && hi) {
		const struct numaclaims_node_info *ni = &hi->nodes[node];
		uint64_t least = ni->reserved_pages -
				 (ni->avail_pages - ni->outstanding_claims);

		snprintf(buf, len,
			 "node %u's claims, domains, held and offlined pages need %s of its pool; it can shrink to that, not to %s (free claimed memory with claimctl release or destroy first)",
			 node, cc_format_human(h1, sizeof(h1), least),
			 cc_format_human(h2, sizeof(h2), pages));
		return;
	}
	if (err == ENOMEM) {
		snprintf(buf, len,
			 "Linux has not got that much free memory on node %u now, or it is more than pool_max_percent of it (see numastat -m)",
			 node);
		return;
	}
	if (err == ENOTTY) {
		snprintf(buf, len,
			 "the loaded numaclaims module cannot resize pools (API version 5 or later can)");
		return;
	}
	if (err == ENOSPC && !claims_pool_capacity(node, &cap)) {
		snprintf(buf, len,
			 "node %u's pool can hold at most %s (module parameters pool_max_mb, node_pool_max_mb), %s asked",
			 node, cc_format_human(h1, sizeof(h1), cap),
			 cc_format_human(h2, sizeof(h2), pages));
		return;
	}
	cc_offline_hint(buf, len, err, 0, node, pages, hi);
}

static int cmd_pool(struct cc_args *a)
{
	struct numaclaims_claim set[CC_MAX_ENTRIES];
	struct numaclaims_host_info hi;
	char err[CC_ERR_LEN], what[64];
	struct claims_handle *h;
	uint64_t unrestored;
	uint32_t nr = 0, i, n;
	int ret;

	if (a->argc) {
		ret = cc_parse_claim_spec(a->argv[0], set, &nr, err,
					  sizeof(err));
		if (cc_parse_or_usage(ret, err))
			return EXIT_USAGE;
		for (i = 0; i < nr; i++)
			if (set[i].target >= NUMACLAIMS_MAX_NODES ||
			    set[i].cmd) {
				cc_usage_error("pool sizes are NODE:SIZE entries (4 KiB pages, e.g. 0:8G,1:4G), not '%s'",
					       a->argv[0]);
				return EXIT_USAGE;
			}
	}
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	if (!a->argc) {
		uint64_t caps[NUMACLAIMS_MAX_NODES];

		ret = claims_physinfo(h, &hi);
		claims_close(h);
		if (ret)
			return cc_fail_generic("read host info", ret, -1);
		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			if (claims_pool_capacity(n, &caps[n]))
				caps[n] = CC_NO_CAPACITY;
		if (a->json)
			cc_print_pools_json(stdout, &hi, caps);
		else
			cc_print_pools(stdout, &hi, caps, a->unit);
		return EXIT_SUCCESS;
	}
	/* All or nothing, checked first (libclaims). */
	ret = claims_pool_resize_set(h, set, nr, &i, &unrestored);
	if (!ret) {
		claims_close(h);
		return EXIT_SUCCESS;
	}
	n = set[i].target;	/* i < nr: the entry that failed */
	snprintf(what, sizeof(what), "resize the pool of node %u", n);
	cc_pool_hint(err, sizeof(err), -ret, n, set[i].pages, cc_host(h, &hi));
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
		if (unrestored & (1ULL << n))
			fprintf(stderr,
				"claimctl: could not put node %u's pool back to its size before\n",
				n);
	claims_close(h);
	return cc_error(what, -ret, err);
}

/*
 * Everything claimctl knows, also without the module (then exit status 1
 * after the error line, and a null module version in JSON).  libclaims is
 * linked in statically from the same tree, so its version is claimctl's.
 */
static int cmd_version(struct cc_args *a)
{
	struct cc_versions v = {
		.claimctl = CLAIMS_VERSION, .libclaims = CLAIMS_VERSION,
		.uapi = NUMACLAIMS_API_VERSION, .module = -1,
	};
	struct claims_handle *h;
	int ret = 0;

	if (!cc_open(a, &h)) {
		ret = claims_api_version(h);
		claims_close(h);
		if (ret >= 0)
			v.module = ret;
		else
			cc_fail_generic("read module API version", ret, -1);
	} else {
		ret = -1;
	}
	if (a->json)
		cc_print_version_json(stdout, &v);
	else
		cc_print_version(stdout, &v);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_topology(struct cc_args *a)
{
	uint64_t pools = 0;
	uint32_t nr_pool_nodes = 0;
	struct claims_handle *h = NULL;
	struct cc_topo_node *t;
	int nodes, n, m, have_pools, *dist;

	nodes = claims_numa_nodes();
	if (nodes < 0)
		return cc_error("read NUMA topology", -nodes,
				"the kernel has no NUMA support (numa_available() failed)");
	/* Pools are optional here: topology also works without the module. */
	have_pools = !claims_open_handle(a->device, &h) &&
		     !claims_pool_nodes(h, &pools, &nr_pool_nodes);
	claims_close(h);
	t = calloc((size_t)nodes, sizeof(*t));
	dist = calloc((size_t)nodes * (size_t)nodes, sizeof(*dist));
	if (!t || !dist) {
		free(t);
		free(dist);
		return cc_error("read NUMA topology", ENOMEM, NULL);
	}
	for (n = 0; n < nodes; n++) {
		t[n].have_size = !claims_node_size(n, &t[n].size_bytes,
						   &t[n].free_bytes);
		t[n].pool = !have_pools ? -1 : n < 64 && ((pools >> n) & 1);
		for (m = 0; m < nodes; m++)
			dist[n * nodes + m] = claims_node_distance(n, m);
		t[n].distances = &dist[n * nodes];
	}
	if (a->json)
		cc_print_topology_json(stdout, t, nodes);
	else
		cc_print_topology(stdout, t, nodes);
	free(t);
	free(dist);
	return EXIT_SUCCESS;
}


/* ---- run: a command inside a domain's memory ---- */

/* Nodes of @mask that have CPUs (numa_node_to_cpus()), or -errno. */
static int cc_cpu_nodes(uint64_t mask, uint64_t *with_cpus)
{
	struct bitmask *cpus = numa_allocate_cpumask();
	uint32_t n;
	int ret = 0;

	*with_cpus = 0;
	if (!cpus)
		return -ENOMEM;
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		if (!(mask & (1ULL << n)))
			continue;
		if ((int)n > numa_max_node())
			continue;
		numa_bitmask_clearall(cpus);
		if (numa_node_to_cpus((int)n, cpus) < 0) {
			ret = errno ? -errno : -EINVAL;
			break;
		}
		if (numa_bitmask_weight(cpus))
			*with_cpus |= 1ULL << n;
	}
	numa_free_cpumask(cpus);
	return ret;
}

/* Run this process (and what it execs) on the CPUs of the nodes in @mask. */
static int cc_bind_cpus(uint64_t mask)
{
	struct bitmask *nodes = numa_allocate_nodemask();
	uint32_t n;
	int ret = 0;

	if (!nodes)
		return -ENOMEM;
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
		if (mask & (1ULL << n))
			numa_bitmask_setbit(nodes, n);
	errno = 0;
	if (numa_run_on_node_mask(nodes) < 0)
		ret = errno ? -errno : -EINVAL;
	numa_free_nodemask(nodes);
	return ret;
}

static int cc_setenv_u64(const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return setenv(name, buf, 1);
}

static int cmd_run(struct cc_args *a)
{
	char err[CC_ERR_LEN], what[300], path[64], list[200], h1[40];
	struct numaclaims_domain_info di;
	uint64_t cpu_nodes = 0, mem_nodes, usable;
	struct claims_handle *h;
	int ret, fd = -1, numa;
	uint32_t domid;

	if (cc_arg_domid(a, 0, &domid))
		return EXIT_USAGE;
	if (a->cpunodebind) {
		ret = cc_parse_host_nodelist(a->cpunodebind, &cpu_nodes, err,
					     sizeof(err));
		if (cc_parse_or_usage(ret, err))
			return EXIT_USAGE;
	}
	if (cc_open(a, &h))
		return EXIT_FAILURE;
	snprintf(what, sizeof(what), "run in domain %u", domid);
	ret = claims_api_version(h);
	if (ret >= 0 && ret < 2) {
		claims_close(h);
		snprintf(err, sizeof(err),
			 "the loaded numaclaims.ko has API version %d, which cannot map a domain's memory (version 2 can); load a newer module",
			 ret);
		return cc_error(what, EOPNOTSUPP, err);
	}
	ret = ret < 0 ? ret : claims_domain_getinfo(h, domid, &di);
	if (!ret && a->pass_fd) {
		/* Without CLOEXEC: the command inherits it. */
		fd = claims_domain_open(h, domid, 0);
		ret = fd < 0 ? fd : 0;
	}
	claims_close(h);
	if (ret)
		return cc_fail_generic(what, ret, domid);
	mem_nodes = cc_domain_nodes(&di);

	numa = numa_available() >= 0;
	if (!numa && a->cpunodebind)
		return cc_error(what, ENOSYS,
				"the kernel has no NUMA support, so --cpunodebind cannot bind");
	if (numa) {
		if (!a->cpunodebind) {
			if (!mem_nodes)
				return cc_error(what, ENOMEM,
						"the domain has no memory to run next to; populate it first, or name the nodes with --cpunodebind");
			cpu_nodes = mem_nodes;
		}
		ret = cc_cpu_nodes(cpu_nodes, &usable);
		if (ret)
			return cc_error(what, -ret, "cannot read the CPUs of the nodes (libnuma)");
		if (!usable) {
			snprintf(err, sizeof(err),
				 "node%s %s %s no CPUs; name nodes that have CPUs with --cpunodebind (see 'claimctl topology')",
				 (cpu_nodes & (cpu_nodes - 1)) ? "s" : "",
				 cc_format_nodelist(list, sizeof(list), cpu_nodes),
				 (cpu_nodes & (cpu_nodes - 1)) ? "have" : "has");
			return cc_error(what, EINVAL, err);
		}
		if (a->cpunodebind && usable != cpu_nodes) {
			snprintf(err, sizeof(err), "--cpunodebind %s names nodes without CPUs: %s",
				 a->cpunodebind,
				 cc_format_nodelist(list, sizeof(list),
						    cpu_nodes & ~usable));
			return cc_error(what, EINVAL, err);
		}
		/* By default, the memory nodes that have CPUs. */
		cpu_nodes = usable;
		ret = cc_bind_cpus(cpu_nodes);
		if (ret) {
			snprintf(err, sizeof(err),
				 "cannot bind to the CPUs of node%s %s (a cpuset may forbid them)",
				 (cpu_nodes & (cpu_nodes - 1)) ? "s" : "",
				 cc_format_nodelist(list, sizeof(list), cpu_nodes));
			return cc_error(what, -ret, err);
		}
	}

	claims_domain_path(domid, path, sizeof(path));
	if (cc_setenv_u64("NUMACLAIMS_DOMID", domid) ||
	    setenv("NUMACLAIMS_MEM_PATH", path, 1) ||
	    cc_setenv_u64("NUMACLAIMS_MEM_SIZE",
			  cc_domain_pages(&di) << CC_PAGE_SHIFT) ||
	    setenv("NUMACLAIMS_MEM_NODES",
		   cc_format_nodelist(list, sizeof(list), mem_nodes), 1) ||
	    (numa ? setenv("NUMACLAIMS_CPU_NODES",
			   cc_format_nodelist(list, sizeof(list), cpu_nodes), 1) :
		    unsetenv("NUMACLAIMS_CPU_NODES")) ||
	    (fd >= 0 ? cc_setenv_u64("NUMACLAIMS_MEM_FD", (uint64_t)fd) :
		       unsetenv("NUMACLAIMS_MEM_FD")))
		return cc_error(what, errno ? errno : ENOMEM,
				"cannot set the environment");
	if (a->verbose)
		fprintf(stderr, "claimctl: running %s on the CPUs of node%s %s with domain %u's %s (nodes %s) at %s\n",
			a->argv[1], (cpu_nodes & (cpu_nodes - 1)) ? "s" : "",
			numa ? cc_format_nodelist(list, sizeof(list), cpu_nodes) :
			       "(any: no NUMA)",
			domid, cc_format_human(h1, sizeof(h1), cc_domain_pages(&di)),
			getenv("NUMACLAIMS_MEM_NODES"), path);
	fflush(NULL);
	execvp(a->argv[1], a->argv + 1);
	ret = errno;
	snprintf(what, sizeof(what), "run %s", a->argv[1]);
	cc_error(what, ret, ret == ENOENT ? "no such command (looked up in PATH)" : NULL);
	/* As env(1) and nice(1): 127 not found, 126 found but not runnable. */
	return ret == ENOENT ? 127 : 126;
}

/* build DOMID {SIZE | --like SRC} [OPTIONS]: claimctl_build.c. */
static int cmd_build(struct cc_args *a)
{
	struct cc_build_opts *o = &a->build;

	o->device = a->device;
	o->json = a->json;
	o->verbose = a->verbose;
	o->superpages = a->superpages;
	o->argc = a->argc;
	o->argv = a->argv;
	return cc_build_main(o);
}

/* metrics [FILE]: claimctl_metrics.c. */
static int cmd_metrics(struct cc_args *a)
{
	return cc_metrics_main(a->device, a->argc, a->argv);
}

static int cmd_help(struct cc_args *a);

static const struct cc_cmd cc_cmds[] = {
	{ "info", cmd_info, OPT_JSON | OPT_PAGES, 0, 0,
	  "[--json] [--pages]",
	  "per-node pools: reserved, free, claimed, unclaimed, offlined, scrub, held",
	  "Show the host's pools, one row per node with a pool, like `xl info`\n"
	  "and numastat: reserved (taken from Linux at load), free (in the pool,\n"
	  "claimed or not), claimed (outstanding claims on the node), unclaimed\n"
	  "(free - claimed: what a new claim can get), offlined, scrub (Xen's\n"
	  "scrub_pages): free pages waiting to be scrubbed, a part of free and\n"
	  "usable (a populate clears the ones it takes, the background scrubbers\n"
	  "the others when the host is idle; 0 from a module older than API\n"
	  "version 3), and held: pages a domain freed (free, destroy) while\n"
	  "someone still held them (a get_user_pages() pin, O_DIRECT in flight\n"
	  "on a mapping of the domain); they belong to no domain, are not free,\n"
	  "and go back to the pool when the holder lets go.  The 'host' row shows\n"
	  "the host-wide claims, which no node holds; 'total' adds up the nodes\n"
	  "and the host-wide claims.\n"
	  "Every reserved page is free, offlined, held or in a domain.\n" },
	{ "list", cmd_list, OPT_JSON | OPT_PAGES, 0, 0,
	  "[--json] [--pages]",
	  "domains with their claims and memory per node",
	  "List the domains like `xl claims`: max (limit), tot (pages counted to\n"
	  "the domain), claimed (all outstanding claims), then per node nN-claim\n"
	  "(its claim on node N) and nN-mem (its memory on node N, counted or\n"
	  "not), host-wide (the claim on no node), numa and opt (XenServer 9's\n"
	  "numa_nodes: nodes with its memory; numa_optimised: yes if that is one\n"
	  "node or fewer than the host's pool nodes), node affinity and flags.\n"
	  "--json adds memory_numa_node_N (bytes) for each node shown.\n" },
	{ "create", cmd_create, OPT_JSON | OPT_MAX | OPT_AUTODESTROY | OPT_HOLD,
	  0, 0, "[--max SIZE] [--autodestroy [--hold]] [--json]",
	  "create a domain and print its id",
	  "Create a domain and print its domid.  --max sets its memory limit\n"
	  "(default: all the memory of the pools, i.e. no practical limit).\n"
	  "--autodestroy: the module destroys the domain when the file that\n"
	  "created it is closed, i.e. when claimctl exits.  That is what crash-safe\n"
	  "builders want, but on its own it makes the domain die at once; add\n"
	  "--hold to keep claimctl (and the domain) alive until its standard input\n"
	  "reaches end of file or it gets SIGINT, SIGTERM or SIGHUP, e.g.\n"
	  "  coproc claimctl create --max 1G --autodestroy --hold\n"
	  "  read -r domid <&\"${COPROC[0]}\"\n" },
	{ "destroy", cmd_destroy, OPT_ALL, 0, 1, "DOMID | --all",
	  "destroy a domain, freeing its memory and claims",
	  "Destroy domain DOMID: its pages are scrubbed and given back to the\n"
	  "pools and its claims are released.  --all destroys every domain, as\n"
	  "an administrator does before `rmmod numaclaims`: the module cannot be\n"
	  "unloaded while any domain exists (rmmod fails with 'Module numaclaims\n"
	  "is in use').\n" },
	{ "give", cmd_give, OPT_MODE, 2, 2, "DOMID USER[:GROUP] [--mode MODE]",
	  "give a domain's memory to an unprivileged VMM (its device node)",
	  "Let USER (and GROUP) open /dev/numaclaims-domDOMID, the domain's memory:\n"
	  "set the node's owner (chown(1) style: USER, USER:GROUP or :GROUP, names\n"
	  "or numbers) and its mode (--mode, octal; default 0600, or 0660 when a\n"
	  "group is named).  A process running as USER can then use the node as a\n"
	  "VMM's mem-path (QEMU memory-backend-file) and map, read and write the\n"
	  "domain's pages, and nothing else: claims, populate, decrease and destroy\n"
	  "stay root's (CAP_SYS_ADMIN on /dev/numaclaims), and other domains' nodes\n"
	  "stay closed to it.  A new domain's node is 0600 root; what is given\n"
	  "lasts as long as the domain (a domain destroyed and created again gets a\n"
	  "new node).  'give DOMID root' takes the node back; files already open\n"
	  "stay open, as for any file, until the domain is destroyed.  Needs root.\n"
	  "Examples:\n"
	  "  claimctl give 3 libvirt-qemu:kvm\n"
	  "  claimctl give 3 qemu --mode 0400     # map read-only\n" },
	{ "claim", cmd_claim, OPT_JSON | OPT_PAGES, 2, 2, "DOMID SPEC [--json]",
	  "install a claim set (replaces the domain's claims)",
	  "Install a claim set on domain DOMID, atomically: it replaces the\n"
	  "domain's claims, or nothing changes.  SPEC is a comma-separated list\n"
	  "(spaces after a comma are fine) of TARGET:SIZE, with TARGET a node\n"
	  "number, 'host' (a host-wide claim any node can satisfy) or 'legacy'\n"
	  "(alone: SIZE is the domain's total target, as\n"
	  "xc_domain_claim_pages()); or 'clear' to release every claim.\n"
	  "Examples:\n"
	  "  claimctl claim 3 0:1G,1:512M,host:256M\n"
	  "  claimctl claim 3 '0:1G, 1:512M'\n"
	  "  claimctl claim 3 legacy:2G\n"
	  "  claimctl claim 3 clear\n"
	  "With --verbose, print the resulting claim set; with --json, print it\n"
	  "as 'claimctl claims DOMID --json' does.\n" },
	{ "claims", cmd_claims, OPT_JSON | OPT_PAGES, 1, 1,
	  "DOMID [--json] [--pages]",
	  "show a domain's claim set",
	  "Show domain DOMID's outstanding claims: one row per node claim, then\n"
	  "the host-wide part if any.\n" },
	{ "claim-pages", cmd_claim_pages, 0, 2, 2, "DOMID SIZE",
	  "legacy host-wide claim (xc_domain_claim_pages)",
	  "The legacy call: SIZE is the domain's total memory target and the\n"
	  "host-wide claim becomes SIZE minus what the domain has.  SIZE 0\n"
	  "releases every claim.  Fails if the domain already has a claim.\n" },
	{ "populate", cmd_populate,
	  OPT_JSON | OPT_NODE | OPT_EXACT | OPT_ORDER | OPT_GFN | OPT_NO_REFCOUNT |
	  OPT_SUPERPAGES,
	  2, 2,
	  "DOMID SIZE [--node N] [--exact] [--order 0-9 | --superpages] [--gfn START] [--no-refcount] [--json]",
	  "give a domain memory from the pools (populate_physmap)",
	  "Allocate SIZE of memory to domain DOMID as consecutive extents of\n"
	  "2^order pages (default order 0; 9 means 2 MiB extents) at consecutive\n"
	  "gfns from START.  Without --gfn, START is the number of pages the\n"
	  "domain already has (tot + uncounted) rounded up to the extent size, so\n"
	  "repeated populates of a fresh domain append; after 'free', pass --gfn.\n"
	  "--node N asks for node N first, --exact forbids other nodes,\n"
	  "--no-refcount makes an allocation not counted to the domain (it may\n"
	  "use unclaimed memory only).  An order-9 extent is a superpage (a 2 MiB\n"
	  "block kept whole, mapped by one PMD) when the domain may take one (its\n"
	  "superpage claim, else an unclaimed superpage), else 512 4 KiB pages;\n"
	  "--superpages (order 9, the default with it) takes superpages only and\n"
	  "stops with ENOMEM when there is none (NUMACLAIMS_MEMF_SUPERPAGE).\n"
	  "On failure, says how much was done (size and extents).  --json prints\n"
	  "what was asked and done (nr_done extents, populated_pages), also on\n"
	  "failure, with the errno in \"error\".\n" },
	{ "free", cmd_free, OPT_ORDER | OPT_GFN, 2, 2,
	  "DOMID --gfn START SIZE [--order 0-9]",
	  "give memory back to the pools (decrease_reservation)",
	  "Free SIZE of domain DOMID's memory at consecutive gfns from START, in\n"
	  "extents of 2^order pages (default 0).  Claims are not given back.\n" },
	{ "maxmem", cmd_maxmem, 0, 2, 2, "DOMID SIZE",
	  "set a domain's memory limit",
	  "Set domain DOMID's limit (max_pages).  Claims above the new limit\n"
	  "are recalled, host-wide part first.\n" },
	{ "affinity", cmd_affinity, 0, 2, 2, "DOMID NODELIST",
	  "set the nodes populate prefers",
	  "Set the nodes populate uses first when no --node is given, e.g. 0,1,\n"
	  "0-3 or all (numactl's node strings).  At least one of them must have a\n"
	  "pool.\n" },
	{ "offline", cmd_offline, 0, 2, 2, "NODE SIZE",
	  "take free pool pages of a node out of service",
	  "Take SIZE of free pool memory of NODE out of service (all or\n"
	  "nothing).  Claims that no longer fit are recalled.\n" },
	{ "online", cmd_online, 0, 2, 2, "NODE SIZE",
	  "put offlined pages back into service",
	  "Give SIZE of NODE's offlined memory back to its pool.  Recalled\n"
	  "claims are not restored.\n" },
	{ "pool", cmd_pool, OPT_JSON | OPT_PAGES, 0, 1,
	  "[--json] [--pages] [NODE:SIZE[,NODE:SIZE...]]",
	  "show or resize the nodes' pools while domains run",
	  "Without an argument, show each node's pool: its size, its capacity\n"
	  "(the most it can be resized to: module parameters pool_max_mb and\n"
	  "node_pool_max_mb), free, claimed and unclaimed.  With NODE:SIZE\n"
	  "entries (e.g. 0:8G,1:4G), make each node's pool SIZE, as writing\n"
	  "/sys/kernel/numaclaims/nodeN/pool_pages does: a grow takes memory\n"
	  "from Linux on the node, a shrink gives free unclaimed pool memory\n"
	  "back.  All or nothing: if one node cannot be resized, the nodes\n"
	  "already resized are put back.\n" },
	{ "run", cmd_run, OPT_CPUNODEBIND | OPT_FD | CMD_EXEC, 2, INT_MAX,
	  "DOMID [--cpunodebind NODES] [--fd] [--] CMD [ARGS...]",
	  "run a command next to a domain's memory (numactl style)",
	  "Run CMD with domain DOMID's memory described in its environment and\n"
	  "its CPUs bound, through libnuma, to the nodes where the domain's pages\n"
	  "are (the nodes that have CPUs among them), or to --cpunodebind NODES\n"
	  "(0,1, 0-3 or all, as numactl).  claimctl execs CMD (looked up in PATH), so\n"
	  "CMD gets claimctl's process id and its exit status is CMD's.  CMD sees:\n"
	  "  NUMACLAIMS_DOMID      the domain id\n"
	  "  NUMACLAIMS_MEM_PATH   its device, /dev/numaclaims-domDOMID: mmap it\n"
	  "                        MAP_SHARED at offset gfn * 4096 (e.g. QEMU's\n"
	  "                        memory-backend-file,share=on,mem-path=...)\n"
	  "  NUMACLAIMS_MEM_SIZE   bytes of memory the domain has (tot + uncounted\n"
	  "                        pages); 'claimctl populate' without --gfn puts\n"
	  "                        them at gfns 0 .. SIZE/4096 - 1\n"
	  "  NUMACLAIMS_MEM_NODES  the nodes the domain's pages are on\n"
	  "  NUMACLAIMS_CPU_NODES  the nodes CMD is bound to (unset without NUMA)\n"
	  "  NUMACLAIMS_MEM_FD     with --fd: an inherited read-write descriptor of\n"
	  "                        the domain's memory, which needs no privilege to\n"
	  "                        map (opening the path needs CAP_SYS_ADMIN)\n"
	  "Options of claimctl come before CMD; everything from CMD on is CMD's.\n"
	  "A gfn the domain has not populated raises SIGBUS when touched.  Only\n"
	  "the CPUs are bound: CMD's other memory follows Linux's policy.\n"
	  "Examples:\n"
	  "  claimctl run 3 -- membench --domain-env\n"
	  "  claimctl run 3 --cpunodebind 1 -- membench --domain-env   # remote\n"
	  "  claimctl run 3 -- sh -c 'echo $NUMACLAIMS_MEM_PATH $NUMACLAIMS_MEM_SIZE'\n"
	  "Exit status: CMD's; 1 if claimctl failed before running it, 127 if CMD\n"
	  "was not found, 126 if it could not be run.\n" },
	{ "build", cmd_build, OPT_JSON | OPT_SUPERPAGES | OPT_PLAN | OPT_LIKE | OPT_DRY_RUN,
	  0, 2, CC_BUILD_USAGE,
	  "plan a claim set from the host and install it (libclaims planner)",
	  CC_BUILD_HELP },
	{ "topology", cmd_topology, OPT_JSON, 0, 0, "[--json]",
	  "Linux NUMA nodes: size, free, pool, distances (libnuma)",
	  "Show the NUMA nodes as Linux sees them (through libnuma): size, memory\n"
	  "free in Linux, whether numaclaims has a pool there, and the distance\n"
	  "to every node (10 = local).  Works without the module (pool: ?).\n" },
	{ "metrics", cmd_metrics, 0, 0, 1, CC_METRICS_USAGE,
	  "pools and domains as Prometheus metrics (textfile collector)",
	  CC_METRICS_HELP },
	{ "version", cmd_version, OPT_JSON, 0, 0, "[--json]",
	  "claimctl, libclaims, uapi and module API versions",
	  "Print the versions of claimctl, of the libclaims it is linked with, of\n"
	  "the uapi it was built with and of the loaded module's API (without the\n"
	  "module: the rest, then an error and exit status 1; in JSON\n"
	  "\"module_api_version\" is null).\n" },
	{ "help", cmd_help, 0, 0, 1, "[COMMAND]", "help on a command",
	  "Print help on COMMAND, or the list of commands.\n" },
};

#define CC_NR_CMDS (sizeof(cc_cmds) / sizeof(cc_cmds[0]))

static void cc_print_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: claimctl [--device PATH] [--json] [--pages] [--verbose] COMMAND [ARGS]\n"
		"\n"
		"NUMA-aware memory claims (numaclaims) for Linux: create domains, claim\n"
		"memory on NUMA nodes, populate and inspect.\n"
		"\n"
		"commands:\n");
	for (i = 0; i < CC_NR_CMDS; i++)
		fprintf(f, "  %-12s %s\n", cc_cmds[i].name, cc_cmds[i].summary);
	fprintf(f,
		"\n"
		"options:\n"
		"  -d, --device PATH  numaclaims device (default " CLAIMS_DEVICE ")\n"
		"  -j, --json         JSON output (info, list, claims, topology, version,\n"
		"                     create, claim, populate); docs/claimctl.schema.json\n"
		"  -p, --pages        tables in 4 KiB pages instead of MiB\n"
		"  -v, --verbose      say what mutating commands did\n"
		"  -h, --help         this help; 'claimctl COMMAND --help' for a command\n"
		"  -V, --version      claimctl version\n"
		"\n"
		"SIZE: decimal digits with a binary suffix K, M, G or T (or KiB ... TiB,\n"
		"any case): 512M, 2G, 1g; a number alone is bytes (a multiple of 4096);\n"
		"NNNp is NNN pages of 4 KiB.  No spaces, sign or 0x (claimctl(8)).\n"
		"\n"
		"exit status: 0 success, 1 failure (one line on stderr names the errno\n"
		"and what to do), 2 usage error.\n");
}

static const struct cc_cmd *cc_find(const char *name)
{
	size_t i;

	for (i = 0; i < CC_NR_CMDS; i++)
		if (!strcmp(cc_cmds[i].name, name))
			return &cc_cmds[i];
	return NULL;
}

static void cc_print_cmd_help(const struct cc_cmd *c)
{
	printf("usage: claimctl %s %s\n\n%s", c->name, c->usage, c->help);
	if (c->opts & (OPT_JSON | OPT_PAGES))
		printf("\n%s%s", (c->opts & OPT_JSON) ?
		       "--json prints JSON with the tables' names, counts in pages\n"
		       "(\"_pages\"); docs/claimctl.schema.json has every command's.\n" : "",
		       (c->opts & OPT_PAGES) ?
		       "--pages prints tables in 4 KiB pages.\n" : "");
	/* Only for the commands that take one (not 'version'). */
	if (strstr(c->usage, "SIZE") || strstr(c->usage, "SPEC"))
		printf("\nSIZE: 512M, 2G, 1g, 1GiB (binary), bytes without suffix, or NNNp\n"
		       "pages; decimal digits only (claimctl(8): SIZES AND NODE LISTS).\n");
}

static int cmd_help(struct cc_args *a)
{
	const struct cc_cmd *c;

	if (!a->argc) {
		cc_print_usage(stdout);
		return EXIT_SUCCESS;
	}
	c = cc_find(a->argv[0]);
	if (!c) {
		cc_usage_error("unknown command '%s'", a->argv[0]);
		return EXIT_USAGE;
	}
	cc_print_cmd_help(c);
	return EXIT_SUCCESS;
}

enum {
	LOPT_HOLD = 256,
	LOPT_NO_REFCOUNT,
	LOPT_AUTODESTROY,
	LOPT_EXACT,
	LOPT_GFN,
	LOPT_ORDER,
	LOPT_MAX,
	LOPT_NODE,
	LOPT_CPUNODEBIND,
	LOPT_FD,
	LOPT_SUPERPAGES,
	LOPT_ALL,
	LOPT_MODE,
	LOPT_LIKE,
	LOPT_CPU_NODE,
	LOPT_VCPUS,
	LOPT_POLICY,
	LOPT_NODES,
	LOPT_MAX_DISTANCE,
	LOPT_MAX_NODES,
	LOPT_ATTEMPTS,
	LOPT_SPREAD,
	LOPT_DRY_RUN,
};

/* Options that may appear before the command and, where meaningful, after. */
static const struct option cc_cmd_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pages", no_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "max", required_argument, NULL, LOPT_MAX },
	{ "autodestroy", no_argument, NULL, LOPT_AUTODESTROY },
	{ "hold", no_argument, NULL, LOPT_HOLD },
	{ "node", required_argument, NULL, LOPT_NODE },
	{ "exact", no_argument, NULL, LOPT_EXACT },
	{ "order", required_argument, NULL, LOPT_ORDER },
	{ "gfn", required_argument, NULL, LOPT_GFN },
	{ "no-refcount", no_argument, NULL, LOPT_NO_REFCOUNT },
	{ "cpunodebind", required_argument, NULL, LOPT_CPUNODEBIND },
	{ "fd", no_argument, NULL, LOPT_FD },
	{ "superpages", no_argument, NULL, LOPT_SUPERPAGES },
	{ "all", no_argument, NULL, LOPT_ALL },
	{ "mode", required_argument, NULL, LOPT_MODE },
	{ "like", required_argument, NULL, LOPT_LIKE },
	{ "cpu-node", required_argument, NULL, LOPT_CPU_NODE },
	{ "vcpus", required_argument, NULL, LOPT_VCPUS },
	{ "policy", required_argument, NULL, LOPT_POLICY },
	{ "nodes", required_argument, NULL, LOPT_NODES },
	{ "max-distance", required_argument, NULL, LOPT_MAX_DISTANCE },
	{ "max-nodes", required_argument, NULL, LOPT_MAX_NODES },
	{ "attempts", required_argument, NULL, LOPT_ATTEMPTS },
	{ "spread", no_argument, NULL, LOPT_SPREAD },
	{ "dry-run", no_argument, NULL, LOPT_DRY_RUN },
	{ NULL, 0, NULL, 0 },
};

/* The command-option bit (struct cc_cmd.opts) each LOPT_* needs. */
static const unsigned int cc_lopt_flag[] = {
	[LOPT_HOLD - LOPT_HOLD]		= OPT_HOLD,
	[LOPT_NO_REFCOUNT - LOPT_HOLD]	= OPT_NO_REFCOUNT,
	[LOPT_AUTODESTROY - LOPT_HOLD]	= OPT_AUTODESTROY,
	[LOPT_EXACT - LOPT_HOLD]	= OPT_EXACT,
	[LOPT_GFN - LOPT_HOLD]		= OPT_GFN,
	[LOPT_ORDER - LOPT_HOLD]	= OPT_ORDER,
	[LOPT_MAX - LOPT_HOLD]		= OPT_MAX,
	[LOPT_NODE - LOPT_HOLD]		= OPT_NODE,
	[LOPT_CPUNODEBIND - LOPT_HOLD]	= OPT_CPUNODEBIND,
	[LOPT_FD - LOPT_HOLD]		= OPT_FD,
	[LOPT_SUPERPAGES - LOPT_HOLD]	= OPT_SUPERPAGES,
	[LOPT_ALL - LOPT_HOLD]		= OPT_ALL,
	[LOPT_MODE - LOPT_HOLD]		= OPT_MODE,
	[LOPT_LIKE - LOPT_HOLD]		= OPT_LIKE,
	[LOPT_CPU_NODE - LOPT_HOLD]	= OPT_PLAN,
	[LOPT_VCPUS - LOPT_HOLD]	= OPT_PLAN,
	[LOPT_POLICY - LOPT_HOLD]	= OPT_PLAN,
	[LOPT_NODES - LOPT_HOLD]	= OPT_PLAN,
	[LOPT_MAX_DISTANCE - LOPT_HOLD]	= OPT_PLAN,
	[LOPT_MAX_NODES - LOPT_HOLD]	= OPT_PLAN,
	[LOPT_ATTEMPTS - LOPT_HOLD]	= OPT_PLAN,
	[LOPT_SPREAD - LOPT_HOLD]	= OPT_PLAN,
	[LOPT_DRY_RUN - LOPT_HOLD]	= OPT_DRY_RUN,
};

static int cc_opt_allowed(const struct cc_cmd *c, unsigned int opt,
			  const char *name)
{
	if (c->opts & opt)
		return 1;
	cc_usage_error("option --%s does not apply to '%s'", name, c->name);
	return 0;
}

/*
 * getopt's '?' as one "claimctl: ..." line (opterr is 0: getopt's own
 * message would name argv[0] or the command instead of claimctl, and come
 * on top of this one).
 */
static void cc_bad_option(char **argv, const char *optstring,
			  const struct option *longopts)
{
	const char *arg = argv[optind - 1];
	const struct option *o;
	int known = 0;

	if (optopt && optopt < 256 && strchr(optstring, optopt))
		known = 1;
	for (o = longopts; !known && optopt && o->name; o++)
		known = o->val == optopt;
	if (optopt >= '0' && optopt <= '9') {
		/* "destroy -1", "claim 2 -1:1G", "populate 2 -4096" */
		const char *neg = NULL;
		int i;

		for (i = optind > 0 ? optind - 1 : 0; i <= optind && argv[i]; i++)
			if (argv[i][0] == '-' && argv[i][1] == optopt) {
				neg = argv[i];
				break;
			}
		cc_usage_error(CC_NEGATIVE, neg ? neg : arg);
	} else if (known && !strncmp(arg, "--", 2) && strchr(arg, '=')) {
		/* "--all=1": a flag given a value */
		cc_usage_error("option '%.*s' takes no value",
			       (int)(strchr(arg, '=') - arg), arg);
	} else if (known && optopt < 256 && arg[0] == '-' && arg[1] != '-')
		cc_usage_error("option -%c needs an argument", optopt);
	else if (known)
		cc_usage_error("option '%s' needs an argument", arg);
	else if (optopt)
		cc_usage_error("unknown option -%c", optopt);
	else
		cc_usage_error("unknown option '%s'", arg);
}

int main(int argc, char **argv)
{
	static const struct option global_options[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "pages", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cc_args a = { .unit = CC_UNIT_MIB };
	const struct cc_cmd *c;
	int opt, longindex = 0, cargc, global_json, global_pages;
	char **cargv, **exec_argv = NULL, *first_arg = NULL;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+d:jpvhV", global_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'd':
			a.device = optarg;
			break;
		case 'j':
			a.json = 1;
			break;
		case 'p':
			a.unit = CC_UNIT_PAGES;
			break;
		case 'v':
			a.verbose = 1;
			break;
		case 'h':
			cc_print_usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("claimctl %s\n", CLAIMS_VERSION);
			return EXIT_SUCCESS;
		default:
			cc_bad_option(argv, "+d:jpvhV", global_options);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cc_print_usage(stderr);
		return EXIT_USAGE;
	}
	c = cc_find(argv[optind]);
	if (!c) {
		cc_usage_error("unknown command '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	cc_current = c;
	global_json = a.json;
	global_pages = a.unit == CC_UNIT_PAGES;

	/* The command's own options, anywhere among its arguments. */
	cargc = argc - optind;
	cargv = argv + optind;
	optind = 0;	/* full reinitialisation of GNU getopt */
	for (;;) {
		/*
		 * A command that runs a command ('run DOMID CMD ARGS...'):
		 * options may come before and after DOMID, and everything
		 * from CMD on (or after "--") belongs to CMD.
		 */
		opt = getopt_long(cargc, cargv, (c->opts & CMD_EXEC) ? "+jpvh" : "jpvh",
				  cc_cmd_options, &longindex);
		if (opt == -1) {
			int dashdash = optind > 1 && optind <= cargc &&
				       !strcmp(cargv[optind - 1], "--");

			if (!(c->opts & CMD_EXEC) || first_arg ||
			    optind >= cargc)
				break;
			first_arg = cargv[optind++];
			if (dashdash)
				break;
			continue;
		}
		/* A command option must be one the command takes. */
		if (opt >= LOPT_HOLD &&
		    !cc_opt_allowed(c, cc_lopt_flag[opt - LOPT_HOLD],
				    cc_cmd_options[longindex].name))
			return EXIT_USAGE;
		switch (opt) {
		case 'j':
			if (!cc_opt_allowed(c, OPT_JSON, "json"))
				return EXIT_USAGE;
			a.json = 1;
			break;
		case 'p':
			if (!cc_opt_allowed(c, OPT_PAGES, "pages"))
				return EXIT_USAGE;
			a.unit = CC_UNIT_PAGES;
			break;
		case 'v':
			a.verbose = 1;
			break;
		case 'h':
			cc_print_cmd_help(c);
			return EXIT_SUCCESS;
		case LOPT_MAX:
			a.max = optarg;
			break;
		case LOPT_AUTODESTROY:
			a.autodestroy = 1;
			break;
		case LOPT_HOLD:
			a.hold = 1;
			break;
		case LOPT_NODE:
			a.node = optarg;
			break;
		case LOPT_EXACT:
			a.exact = 1;
			break;
		case LOPT_ORDER:
			a.order = optarg;
			break;
		case LOPT_GFN:
			a.gfn = optarg;
			break;
		case LOPT_NO_REFCOUNT:
			a.no_refcount = 1;
			break;
		case LOPT_CPUNODEBIND:
			a.cpunodebind = optarg;
			break;
		case LOPT_FD:
			a.pass_fd = 1;
			break;
		case LOPT_SUPERPAGES:
			a.superpages = 1;
			break;
		case LOPT_ALL:
			a.all = 1;
			break;
		case LOPT_MODE:
			a.mode = optarg;
			break;
		case LOPT_LIKE:
			a.build.like = optarg;
			break;
		case LOPT_CPU_NODE:
			a.build.cpu_node = optarg;
			break;
		case LOPT_VCPUS:
			a.build.vcpus = optarg;
			break;
		case LOPT_POLICY:
			a.build.policy = optarg;
			break;
		case LOPT_NODES:
			a.build.nodes = optarg;
			break;
		case LOPT_MAX_DISTANCE:
			a.build.max_distance = optarg;
			break;
		case LOPT_MAX_NODES:
			a.build.max_nodes = optarg;
			break;
		case LOPT_ATTEMPTS:
			a.build.attempts = optarg;
			break;
		case LOPT_SPREAD:
			a.build.spread = 1;
			break;
		case LOPT_DRY_RUN:
			a.build.dry_run = 1;
			break;
		default:
			cc_bad_option(cargv, "jpvh", cc_cmd_options);
			return EXIT_USAGE;
		}
	}
	/* Global --json/--pages are accepted only where they mean something. */
	if ((global_json && !cc_opt_allowed(c, OPT_JSON, "json")) ||
	    (global_pages && !(c->opts & OPT_PAGES) &&
	     !cc_opt_allowed(c, OPT_PAGES, "pages")))
		return EXIT_USAGE;
	a.argc = cargc - optind;
	a.argv = cargv + optind;
	if (c->opts & CMD_EXEC) {
		/* argv: first_arg (DOMID), then the command, NULL-terminated. */
		if (!first_arg || !a.argc) {
			cc_usage_error("'%s' needs %s", c->name,
				       first_arg ? "a command to run" :
				       "a domain id and a command to run");
			return EXIT_USAGE;
		}
		exec_argv = calloc((size_t)a.argc + 2, sizeof(*exec_argv));
		if (!exec_argv)
			return cc_error("run", ENOMEM, NULL);
		exec_argv[0] = first_arg;
		memcpy(exec_argv + 1, a.argv, (size_t)a.argc * sizeof(*a.argv));
		a.argv = exec_argv;
		a.argc++;
	}
	if (a.argc < c->min_args || a.argc > c->max_args) {
		cc_usage_error("'%s' takes %s%d argument%s, %d given", c->name,
			       c->min_args == c->max_args ? "" : "up to ",
			       c->max_args, c->max_args == 1 ? "" : "s",
			       a.argc);
		return EXIT_USAGE;
	}
	if (a.hold && !a.autodestroy) {
		cc_usage_error("--hold only makes sense with --autodestroy");
		return EXIT_USAGE;
	}
	opt = c->run(&a);
	free(exec_argv);
	return opt;
}
