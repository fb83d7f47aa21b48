/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the numaclaims stress programs (stress/NAME.c): a seeded
 * RNG, TAP output with figures, and the invariant checks of docs/SPEC.md as
 * seen from userspace through HOST_INFO, DOMAIN_INFO and debugfs.  The raw
 * ioctl wrappers (returning -errno) and errno names are the kselftests'
 * selftests/raw_ioctl.h: one raw-ioctl test library.
 *
 * The programs talk to /dev/numaclaims through the uapi header only (no
 * libclaims), so hostile.c can send what no library would.  They are linked
 * statically for the busybox guest of tools/vm.sh.
 *
 * Output convention: TAP on stdout ("ok N - name" / "not ok N - name", the
 * plan last), diagnostics as "# ..." lines, and figures as
 * "# FIG <key> <value>" lines that stress/run_vm.sh gathers into one table.
 */
#ifndef NC_STRESS_LIB_H
#define NC_STRESS_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/numaclaims.h>
#include "raw_ioctl.h"	/* selftests/: the raw ioctls, errno names, page hook */

/* The uapi's own types, as selftests/raw_ioctl.h takes them (%llu). */
typedef __u64 u64;
typedef __u32 u32;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* --- RNG: splitmix64, one state per process/thread, seeded explicitly. --- */
struct st_rng {
	u64 s;
};
void st_rng_seed(struct st_rng *r, u64 seed);
u64 st_rng_next(struct st_rng *r);
u64 st_rng_below(struct st_rng *r, u64 n);	/* 0 .. n-1 (0 if n == 0) */
bool st_rng_chance(struct st_rng *r, unsigned int percent);
u64 st_seed_default(void);			/* time-based, printed by callers */

/*
 * The raw ioctls are selftests/raw_ioctl.h's (raw_create(), raw_populate(),
 * raw_errname(), ...).  HOST_INFO without the scrub figures (the scrubbers
 * change those on their own):
 */
int st_hostinfo(int fd, struct numaclaims_host_info *hi);

/* Populate @n consecutive extents from @gfn0 in batches; returns as populate. */
int st_populate_range(int fd, u32 domid, u64 gfn0, u64 n, u32 order,
		      u32 memflags, u64 *nr_done);

/* --- invariants (docs/SPEC.md "Invariants") --- */
/* One HOST_INFO snapshot on its own (taken in one critical section). */
int st_check_host(const struct numaclaims_host_info *hi, char *why, size_t len);
/* One DOMAIN_INFO snapshot on its own. */
int st_check_domain(const struct numaclaims_domain_info *di, char *why,
		    size_t len);
/*
 * Everything, cross-checked between the host and every domain: only valid
 * when nothing else changes the module.  Fills *@lost with the pool pages
 * that are neither free, nor offlined, nor in a domain's physmap.
 */
int st_check_quiescent(int fd, u64 *lost, char *why, size_t len);
/* debugfs invariants: 0 "ok", 1 "VIOLATION: ..." (in why), -errno. */
int st_debugfs_invariants(char *why, size_t len);
/* Number of domains, and destroy them all (returns how many). */
int st_count_domains(int fd);
int st_destroy_all(int fd);
/* Online every offlined page of every node. */
int st_online_all(int fd);
/*
 * The end of a stress run: destroy every domain, online every offlined
 * page, wait for held pages to be released, then check HOST_INFO against
 * @base (per node free, offlined and held pages) or, with @base NULL,
 * every pool page free; no domain and no claim left; the quiescent
 * cross-check (pages lost in *@lost) and the debugfs invariants.  Returns
 * the number of problems, the first one in @why.
 */
int st_back_to_baseline(int fd, const struct numaclaims_host_info *base,
			u64 *lost, char *why, size_t len);
/* Nodes that have a pool, as a mask, and their count. */
u64 st_pool_nodes(int fd, int *count);
/* /sys/kernel/numaclaims/nodeN/ATTR (surplus_pages, capacity_pages...); 0 if none. */
u64 st_pool_attr(u32 node, const char *attr);
/* Write @val to /sys/kernel/numaclaims/nodeN/ATTR: 0 or -errno. */
int st_pool_attr_set(u32 node, const char *attr, const char *val);

/* --- TAP and figures --- */
void tap_ok(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_fig(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tap_done(void);		/* prints the plan; exit status */
int tap_failed(void);

/* --- misc --- */
u64 st_now_us(void);
/* "-x NAME=VALUE" style option helpers */
u64 st_parse_u64(const char *s);

#endif /* NC_STRESS_LIB_H */
