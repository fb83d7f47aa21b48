// SPDX-License-Identifier: GPL-2.0
/*
 * isolation: no one let in, nothing leaked between domains.
 *
 *  1. Privilege, which is the opener's (file_ns_capable()): a file opened
 *     without CAP_SYS_ADMIN -- used by uid 0 with CAP_SYS_ADMIN dropped, and
 *     by uid 65534 after it -- gets EPERM from every mutating ioctl (valid
 *     requests, and requests whose pointer is bad: the capability is checked
 *     first), while the read-only ioctls work; uid 65534 cannot open the
 *     device or the debugfs files at all.  Nothing changes.
 *  2. Scrubbing: pages are filled with a per-domain pattern through the
 *     debugfs page hook and handed to another domain (destroy/populate),
 *     back and forth within and across domains (decrease/populate), through
 *     NO_REFCOUNT populates and through offline/online: every page a domain
 *     is given reads as zeros.  The node is shrunk (offline) to --pages free
 *     pages so every populate must reuse the dirty pages.
 *  3. A domain file (DOMAIN_OPEN) inherited by, or passed over a unix socket
 *     to, a process that then runs as uid 65534: it maps, reads and writes
 *     its domain's populated pages and nothing else (no ioctl through it,
 *     no device node, no other domain's page, SIGBUS on holes and after
 *     destroy), and the host accounting does not move.
 *
 * usage: isolation [--pages N] [--cycles C] [--seed S]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib.h"

static int fd;
static u32 node0;

#define PAGE_SIZE_ISO	4096UL

/* ------------------------------------------------------------------------
 * 1. Privilege
 */

struct perm_result {
	int tried, eperm, readonly_ok, open_denied;
	char first_bad[160];
};

static void perm_bad(struct perm_result *r, const char *what, int got)
{
	if (!r->first_bad[0])
		snprintf(r->first_bad, sizeof(r->first_bad), "%s: %s", what, raw_errname(got));
}

#define MUST_EPERM(r, what, call) do {					\
		int _g = (call);					\
		(r)->tried++;						\
		if (_g == -EPERM)					\
			(r)->eperm++;					\
		else							\
			perm_bad((r), (what), _g);			\
	} while (0)

static void drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	syscall(SYS_capget, &hdr, data);
	data[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	data[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
	data[CAP_SYS_ADMIN / 32].inheritable &= ~(1U << (CAP_SYS_ADMIN % 32));
	if (syscall(SYS_capset, &hdr, data))
		_exit(3);
}

static void unprivileged(struct perm_result *r, bool as_nobody, u32 D)
{
	struct numaclaims_claim set = { 10, 0, 0 };
	struct numaclaims_claim get[8];
	struct numaclaims_domain_info di;
	struct numaclaims_host_info hi;
	u64 gfn = 0, gfn2 = 3000, done;
	int pfd, ret;
	u32 id, n;

	set.target = node0;
	/* A file whose opener has no CAP_SYS_ADMIN (root's fd would carry it). */
	drop_cap_sys_admin();
	fd = open(RAW_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		_exit(4);
	if (as_nobody) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(3);
		ret = open(RAW_DEVICE, O_RDWR);
		r->tried++;
		if (ret < 0 && errno == EACCES)
			r->open_denied++;
		else
			perm_bad(r, "open " RAW_DEVICE " as uid 65534", ret < 0 ? -errno : 0);
		pfd = open(RAW_DEBUGFS "/page", O_RDWR);
		r->tried++;
		if (pfd < 0)
			r->open_denied++;
		else
			perm_bad(r, "open debugfs page as uid 65534", 0);
		pfd = open(RAW_DEBUGFS "/invariants", O_RDONLY);
		r->tried++;
		if (pfd < 0)
			r->open_denied++;
		else
			perm_bad(r, "open debugfs invariants as uid 65534", 0);
	} else {
		/* uid 0 without CAP_SYS_ADMIN may open the debugfs hook (DAC)
		 * but must not use it */
		pfd = raw_page_open();
		if (pfd >= 0) {
			u64 nz, first;

			r->tried++;
			ret = raw_page_fill(pfd, D, 0, 0x4141414141414141ULL);
			if (ret == -EPERM)
				r->eperm++;
			else
				perm_bad(r, "debugfs page fill", ret);
			r->tried++;
			ret = raw_page_sum(pfd, D, 0, &nz, &first, NULL);
			if (ret == -EPERM)
				r->eperm++;
			else
				perm_bad(r, "debugfs page sum", ret);
			close(pfd);
		}
	}

	/* valid requests */
	MUST_EPERM(r, "create", raw_create(fd, 16, 0, &id));
	MUST_EPERM(r, "create autodestroy", raw_create(fd, 16, NUMACLAIMS_DOMAIN_AUTODESTROY, &id));
	MUST_EPERM(r, "destroy", raw_destroy(fd, D));
	MUST_EPERM(r, "set_max_pages", raw_set_max(fd, D, 1));
	MUST_EPERM(r, "set_node_affinity", raw_set_affinity(fd, D, 1ULL << node0));
	MUST_EPERM(r, "claim set", raw_claim_set(fd, D, &set, 1));
	set.target = NUMACLAIMS_TARGET_HOST;
	set.pages = 0;
	MUST_EPERM(r, "claim set {0, HOST} (clear)", raw_claim_set(fd, D, &set, 1));
	MUST_EPERM(r, "claim_pages 0 (release)", raw_claim_pages(fd, D, 0));
	MUST_EPERM(r, "populate", raw_populate(fd, D, &gfn2, 1, 0, 0, &done));
	MUST_EPERM(r, "populate NO_REFCOUNT", raw_populate(fd, D, &gfn2, 1, 0,
							  NUMACLAIMS_MEMF_NO_REFCOUNT, &done));
	MUST_EPERM(r, "decrease", raw_decrease(fd, D, &gfn, 1, 0, &done));
	MUST_EPERM(r, "offline", raw_offline(fd, node0, 1));
	MUST_EPERM(r, "online", raw_online(fd, node0, 1));
	/* bad pointers: the capability is checked before anything is read */
	MUST_EPERM(r, "create NULL", raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_CREATE, NULL));
	MUST_EPERM(r, "destroy NULL", raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_DESTROY, NULL));
	MUST_EPERM(r, "populate NULL", raw_ioctl(fd, NUMACLAIMS_IOC_POPULATE_PHYSMAP, NULL));
	MUST_EPERM(r, "offline NULL", raw_ioctl(fd, NUMACLAIMS_IOC_OFFLINE_PAGES, NULL));
	MUST_EPERM(r, "claim set, NULL array", raw_claim_set(fd, D, NULL, 1));

	/* read-only requests work */
	r->readonly_ok += st_hostinfo(fd, &hi) == 0;
	r->readonly_ok += raw_dom_info_flags(fd, D, 0, &di) == 0;
	n = 8;
	r->readonly_ok += raw_claim_get(fd, D, get, &n) == 0;
	r->readonly_ok += raw_ioctl(fd, NUMACLAIMS_IOC_API_VERSION, NULL) == NUMACLAIMS_API_VERSION;
}

static void privilege(void)
{
	static struct numaclaims_host_info h1, h2;
	struct numaclaims_domain_info d1, d2;
	struct numaclaims_claim set = { 10, 0, 0 };
	struct perm_result *r;
	u64 done;
	u32 D, E;
	int pass, status;

	set.target = node0;
	raw_create(fd, 4096, 0, &D);
	st_populate_range(fd, D, 0, 16, 0, 0, &done);
	raw_claim_set(fd, D, &set, 1);
	raw_create(fd, 64, NUMACLAIMS_DOMAIN_AUTODESTROY, &E);
	raw_offline(fd, node0, 1);	/* so that ONLINE 1 is a valid request */

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED) {
		tap_ok(false, "mmap");
		return;
	}
	for (pass = 0; pass < 2; pass++) {
		pid_t pid;

		memset(r, 0, sizeof(*r));
		st_hostinfo(fd, &h1);
		raw_dom_info_flags(fd, D, 0, &d1);
		pid = fork();
		if (!pid) {
			unprivileged(r, pass == 0, D);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		st_hostinfo(fd, &h2);
		raw_dom_info_flags(fd, D, 0, &d2);
		if (r->first_bad[0])
			tap_diag("%s", r->first_bad);
		tap_ok(WIFEXITED(status) && !WEXITSTATUS(status) && !r->first_bad[0],
		       "%s: %d mutating calls, %d EPERM, %d opens denied",
		       pass == 0 ? "uid 65534" : "uid 0 without CAP_SYS_ADMIN",
		       r->tried, r->eperm, r->open_denied);
		tap_ok(r->readonly_ok == 4, "%s: HOST_INFO, DOMAIN_INFO, claim GET, API_VERSION work",
		       pass == 0 ? "uid 65534" : "uid 0 without CAP_SYS_ADMIN");
		tap_ok(!memcmp(&h1, &h2, sizeof(h1)) && !memcmp(&d1, &d2, sizeof(d1)),
		       "%s: nothing changed", pass == 0 ? "uid 65534" : "uid 0 without CAP_SYS_ADMIN");
		tap_fig(pass == 0 ? "isolation.eperm_nobody" : "isolation.eperm_nocap", "%d/%d",
			r->eperm + r->open_denied, r->tried);
	}
	raw_online(fd, node0, 1);
	raw_destroy(fd, D);
	raw_destroy(fd, E);
}

/* ------------------------------------------------------------------------
 * 2. Scrubbing
 */

static int pfd;
static u64 checked, dirty, filled;

/* Fill every page of gfns [g0, g0+n) of @domid with a pattern. */
static void fill(u32 domid, u64 g0, u64 n)
{
	u64 g;

	for (g = g0; g < g0 + n; g++)
		if (!raw_page_fill(pfd, domid, g, 0xd0d0000000000000ULL | (u64)domid << 32 | g))
			filled++;
}

/* Every page of gfns [g0, g0+n) of @domid must read as zeros. */
static u64 check_zero(u32 domid, u64 g0, u64 n)
{
	u64 g, nz, first, bad = 0;

	for (g = g0; g < g0 + n; g++) {
		if (raw_page_sum(pfd, domid, g, &nz, &first, NULL))
			continue;
		checked++;
		if (nz) {
			if (!bad)
				tap_diag("domain %u gfn %llu: %llu"
					 " non-zero bytes, first word %#llx", domid, g, nz, first);
			bad++;
		}
	}
	dirty += bad;
	return bad;
}

/* Populate every free page of node0 into @domid from gfn @g0; returns count. */
static u64 take_node(u32 domid, u64 g0, u32 extra_flags)
{
	u64 done = 0, total = 0;
	u32 flags = NUMACLAIMS_MEMF_NODE(node0) | NUMACLAIMS_MEMF_EXACT_NODE | extra_flags;
	int ret;

	/* order 9 while it goes, then pages */
	ret = st_populate_range(fd, domid, g0, 1ULL << 20, 9, flags, &done);
	total = done * 512;
	(void)ret;
	ret = st_populate_range(fd, domid, g0 + total, 1ULL << 30, 0, flags, &done);
	return total + done;
}

static void scrubbing(u64 work_pages, int cycles, struct st_rng *rng)
{
	struct numaclaims_host_info hi;
	u64 n, nb, nc, i, done, before_dirty;
	u32 A = 0, B = 0, C = 0, D2 = 0;
	int c;

	pfd = raw_page_open();
	if (pfd < 0) {
		tap_skip("scrubbing: no debugfs page hook (%s)", raw_errname(pfd));
		return;
	}
	st_hostinfo(fd, &hi);
	if (hi.nodes[node0].avail_pages > work_pages)
		raw_offline(fd, node0, hi.nodes[node0].avail_pages - work_pages);

	for (c = 0; c < cycles; c++) {
		before_dirty = dirty;
		/* destroy -> populate */
		raw_create(fd, ~0ULL, 0, &A);
		n = take_node(A, 0, 0);
		check_zero(A, 0, n);
		fill(A, 0, n);
		raw_destroy(fd, A);
		raw_create(fd, ~0ULL, 0, &B);
		nb = take_node(B, 0, 0);
		check_zero(B, 0, nb);
		fill(B, 0, nb);

		/* decrease -> populate, another domain (NO_REFCOUNT) */
		for (i = 0; i < nb; i++)
			if (st_rng_chance(rng, 50)) {
				u64 g = i;

				raw_decrease(fd, B, &g, 1, 0, &done);
			}
		raw_create(fd, ~0ULL, 0, &C);
		nc = take_node(C, 1ULL << 20, NUMACLAIMS_MEMF_NO_REFCOUNT);
		check_zero(C, 1ULL << 20, nc);
		fill(C, 1ULL << 20, nc);

		/* decrease -> populate, the same domain at other gfns */
		for (i = 0; i < nc; i++) {
			u64 g = (1ULL << 20) + i;

			raw_decrease(fd, C, &g, 1, 0, &done);
		}
		n = take_node(B, 1ULL << 21, 0);
		check_zero(B, 1ULL << 21, n);
		fill(B, 1ULL << 21, n);

		/* offline -> online -> populate */
		raw_destroy(fd, C);
		raw_destroy(fd, B);
		st_hostinfo(fd, &hi);
		raw_offline(fd, node0, hi.nodes[node0].avail_pages);
		raw_online(fd, node0, hi.nodes[node0].avail_pages);
		raw_create(fd, ~0ULL, 0, &D2);
		n = take_node(D2, 0, 0);
		check_zero(D2, 0, n);
		raw_destroy(fd, D2);
		if (dirty != before_dirty)
			tap_diag("cycle %d: %llu dirty pages", c, dirty - before_dirty);
	}
	st_online_all(fd);
	close(pfd);
	tap_ok(filled > 0 && checked > 0 && dirty == 0,
	       "scrubbing: %llu pages filled with patterns, %llu"
	       " handed out again and checked, %llu not zero", filled, checked, dirty);
	tap_fig("isolation.pages_filled", "%llu", filled);
	tap_fig("isolation.pages_checked", "%llu", checked);
	tap_fig("isolation.dirty_pages", "%llu", dirty);
}

/* ------------------------------------------------------------------------
 * 3. A domain file handed to an unprivileged process (docs/MAPPING.md):
 * the fd carries what its privileged opener may do with the domain's
 * memory -- map, read and write the domain's own populated pages -- and
 * nothing else: no ioctl through it, no other domain's page, SIGBUS on
 * holes and after destroy, no way to /dev/numaclaims or the device nodes.
 */
#define DF_PAGES	8
#define DF_MAGIC	0x69736f6c617465ULL	/* "isolate" */

struct df_result {
	int tried, ok;
	u64 pages_read, sigbus;
	int stage;		/* child: 1 mapped and checked; parent: 2 destroyed */
	char first_bad[160];
};

static sigjmp_buf df_jb;
static volatile int df_probing;

static void df_sigbus(int sig)
{
	(void)sig;
	if (df_probing) {
		df_probing = 0;
		siglongjmp(df_jb, 1);
	}
	_exit(5);
}

/* 1 and the first word of the page, or 0 on SIGBUS */
static int df_read(volatile u64 *p, u64 *w)
{
	if (sigsetjmp(df_jb, 1))
		return 0;
	df_probing = 1;
	*w = p[0];
	if (p[1] != p[1])		/* a second load, same page */
		*w = 0;
	df_probing = 0;
	return 1;
}

static void df_check(struct df_result *r, bool good, const char *what, int got)
{
	r->tried++;
	if (good)
		r->ok++;
	else if (!r->first_bad[0])
		snprintf(r->first_bad, sizeof(r->first_bad), "%s: %s", what,
			 got ? raw_errname(got) : "works");
}

static void df_child(struct df_result *r, int dfd, u32 F, u32 G, u64 max_pages)
{
	static const unsigned long iocs[] = {
		NUMACLAIMS_IOC_API_VERSION, NUMACLAIMS_IOC_DOMAIN_CREATE,
		NUMACLAIMS_IOC_DOMAIN_DESTROY, NUMACLAIMS_IOC_POPULATE_PHYSMAP,
		NUMACLAIMS_IOC_DECREASE_RESERVATION, NUMACLAIMS_IOC_HOST_INFO,
		NUMACLAIMS_IOC_DOMAIN_OPEN, NUMACLAIMS_IOC_OFFLINE_PAGES,
	};
	char path[64], buf[256] = { 0 };
	volatile u64 *p;
	size_t i;
	u64 g, w;
	int ret;

	signal(SIGBUS, df_sigbus);
	/* no way to the control device or to any device node */
	ret = open(RAW_DEVICE, O_RDWR);
	df_check(r, ret < 0 && errno == EACCES, "open " RAW_DEVICE, ret < 0 ? -errno : 0);
	snprintf(path, sizeof(path), NUMACLAIMS_DOMAIN_DEV_FMT, F);
	ret = open(path, O_RDWR);
	df_check(r, ret < 0 && errno == EACCES, "open its own domain's node", ret < 0 ? -errno : 0);
	snprintf(path, sizeof(path), NUMACLAIMS_DOMAIN_DEV_FMT, G);
	ret = open(path, O_RDWR);
	df_check(r, ret < 0 && errno == EACCES, "open another domain's node", ret < 0 ? -errno : 0);
	/* no ioctl through a domain file */
	for (i = 0; i < ARRAY_SIZE(iocs); i++) {
		ret = ioctl(dfd, iocs[i], buf);
		df_check(r, ret < 0 && errno == ENOTTY, "ioctl on the domain file",
			 ret < 0 ? -errno : ret);
	}
	/* SEEK_END: max_pages << 12 */
	df_check(r, lseek(dfd, 0, SEEK_END) == (off_t)(max_pages * PAGE_SIZE_ISO),
		 "lseek SEEK_END", 0);
	/* MAP_PRIVATE refused; MAP_SHARED maps its own domain */
	p = mmap(NULL, PAGE_SIZE_ISO, PROT_READ, MAP_PRIVATE, dfd, 0);
	df_check(r, p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE", p == MAP_FAILED ? -errno : 0);
	p = mmap(NULL, 2 * DF_PAGES * PAGE_SIZE_ISO, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	df_check(r, p != MAP_FAILED, "MAP_SHARED of the passed domain file",
		 p == MAP_FAILED ? -errno : 0);
	if (p == MAP_FAILED)
		_exit(0);
	for (g = 0; g < 2 * DF_PAGES; g++) {
		volatile u64 *pg = (volatile u64 *)((char *)p + g * PAGE_SIZE_ISO);

		if (df_read(pg, &w)) {
			r->pages_read++;
			/* populated: its own pattern; G's pages (gfns DF_PAGES..) never */
			df_check(r, g < DF_PAGES && w == (DF_MAGIC ^ ((u64)F << 32) ^ g),
				 "read through the passed file", 0);
			if (g < DF_PAGES)
				pg[1] = 0x6e6f626f6479ULL;	/* "nobody" writes */
		} else {
			r->sigbus++;
			df_check(r, g >= DF_PAGES, "SIGBUS on a populated page", 0);
		}
	}
	r->stage = 1;
	while (r->stage != 2)			/* the parent destroys F */
		usleep(1000);
	for (g = 0; g < DF_PAGES; g++) {
		if (df_read((volatile u64 *)((char *)p + g * PAGE_SIZE_ISO), &w)) {
			df_check(r, false, "read after the domain was destroyed", 0);
		} else {
			r->sigbus++;
			df_check(r, true, "", 0);
		}
	}
	p = mmap(NULL, PAGE_SIZE_ISO, PROT_READ, MAP_SHARED, dfd, 0);
	df_check(r, p == MAP_FAILED && errno == ESRCH, "mmap after destroy",
		 p == MAP_FAILED ? -errno : 0);
	_exit(0);
}

static int df_send_fd(int sock, int sendfd)
{
	char c = 'f', cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &sendfd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -errno;
}

static int df_recv_fd(int sock)
{
	char c, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int rfd;

	if (recvmsg(sock, &m, 0) != 1)
		return -errno;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return m.msg_flags & MSG_CTRUNC ? -EMSGSIZE : -ENOMSG;
	memcpy(&rfd, CMSG_DATA(cm), sizeof(int));
	return rfd;
}

static void domain_file_passed(void)
{
	struct numaclaims_domain_open op = { 0 };
	static struct numaclaims_host_info h1, h2;
	struct df_result *r;
	volatile u64 *p;
	int pass, status, dfd, sv[2], ret;
	u64 done, g, nobody_writes;
	u32 F, G;
	pid_t pid;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED) {
		tap_ok(false, "mmap");
		return;
	}
	for (pass = 0; pass < 2; pass++) {
		const char *how = pass ? "received over a unix socket by uid 65534" :
					 "inherited by uid 65534";

		memset(r, 0, sizeof(*r));
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
			sv[0] = sv[1] = -1;
			/* the debug kernel is built without CONFIG_NET */
			if (pass) {
				tap_skip("domain file %s: no unix sockets here (%s)", how,
					 raw_errname(errno));
				tap_skip("domain file %s: its writes reached the domain", how);
				continue;
			}
		}
		/* F: gfns 0..DF_PAGES-1 with a pattern; G: gfns DF_PAGES..2*DF_PAGES-1 */
		if (raw_create(fd, 64, 0, &F) || raw_create(fd, 64, 0, &G) ||
		    st_populate_range(fd, F, 0, DF_PAGES, 0, 0, &done) ||
		    st_populate_range(fd, G, DF_PAGES, DF_PAGES, 0, 0, &done)) {
			tap_ok(false, "domain file %s: setup", how);
			return;
		}
		op.domid = F;
		dfd = raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_OPEN, &op);
		op.domid = G;
		ret = raw_ioctl(fd, NUMACLAIMS_IOC_DOMAIN_OPEN, &op);
		if (dfd < 0 || ret < 0) {
			tap_ok(false, "domain file %s: DOMAIN_OPEN", how);
			return;
		}
		p = mmap(NULL, 2 * DF_PAGES * PAGE_SIZE_ISO, PROT_READ | PROT_WRITE, MAP_SHARED, ret, 0);
		for (g = DF_PAGES; p != MAP_FAILED && g < 2 * DF_PAGES; g++)	/* G's pattern */
			*(volatile u64 *)((char *)p + g * PAGE_SIZE_ISO) =
				DF_MAGIC ^ ((u64)G << 32) ^ g;
		if (p != MAP_FAILED)
			munmap((void *)p, 2 * DF_PAGES * PAGE_SIZE_ISO);
		close(ret);
		p = mmap(NULL, DF_PAGES * PAGE_SIZE_ISO, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
		for (g = 0; p != MAP_FAILED && g < DF_PAGES; g++)
			*(volatile u64 *)((char *)p + g * PAGE_SIZE_ISO) =
				DF_MAGIC ^ ((u64)F << 32) ^ g;
		st_hostinfo(fd, &h1);
		pid = fork();
		if (!pid) {
			int cfd = dfd;

			close(sv[0]);
			if (pass)
				close(dfd);
			close(fd);
			if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
			    setresuid(65534, 65534, 65534))
				_exit(3);
			if (pass)
				cfd = df_recv_fd(sv[1]);
			if (cfd < 0) {
				snprintf(r->first_bad, sizeof(r->first_bad),
					 "receiving the domain file: %s", raw_errname(cfd));
				_exit(4);
			}
			df_child(r, cfd, F, G, 64);
		}
		close(sv[1]);
		ret = pass ? df_send_fd(sv[0], dfd) : 0;
		if (ret)
			tap_diag("sending the domain file: %s", raw_errname(ret));
		close(sv[0]);
		close(dfd);
		while (!r->stage && waitpid(pid, &status, WNOHANG) == 0)
			usleep(1000);
		/* what uid 65534 wrote is in the domain, and nothing else moved */
		nobody_writes = 0;
		for (g = 0; p != MAP_FAILED && g < DF_PAGES; g++)
			nobody_writes += ((volatile u64 *)((char *)p + g * PAGE_SIZE_ISO))[1] ==
					 0x6e6f626f6479ULL;
		st_hostinfo(fd, &h2);
		if (p != MAP_FAILED)
			munmap((void *)p, DF_PAGES * PAGE_SIZE_ISO);
		raw_destroy(fd, F);
		r->stage = 2;
		waitpid(pid, &status, 0);
		raw_destroy(fd, G);
		if (r->first_bad[0])
			tap_diag("%s", r->first_bad);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			tap_diag("uid 65534 child: wait status %#x", status);
		tap_ok(WIFEXITED(status) && !WEXITSTATUS(status) && r->tried && r->ok == r->tried,
		       "domain file %s: %d checks (no device, no ioctl: ENOTTY, own pages only, "
		       "SIGBUS on holes and after destroy, mmap ESRCH after)", how, r->tried);
		tap_ok(nobody_writes == DF_PAGES && !memcmp(&h1, &h2, sizeof(h1)),
		       "domain file %s: its writes reached the domain (%llu/%d), the host "
		       "accounting did not move", how, nobody_writes, DF_PAGES);
		tap_fig(pass ? "isolation.passed_fd_checks" : "isolation.inherited_fd_checks",
			"%d/%d", r->ok, r->tried);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pages", required_argument, NULL, 'p' },
		{ "cycles", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct numaclaims_host_info hi;
	struct st_rng rng;
	u64 seed = st_seed_default(), pages = 1024, lost, lost2;
	int opt, cycles = 2, i, n;
	char why[256];

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': pages = st_parse_u64(optarg); break;
		case 'c': cycles = atoi(optarg); break;
		case 's': seed = st_parse_u64(optarg); break;
		default:
			fprintf(stderr, "usage: isolation [--pages N] [--cycles C] [--seed S]\n");
			return 2;
		}
	}
	printf("TAP version 13\n");
	tap_diag("isolation --pages %llu --cycles %d --seed %llu", pages, cycles, seed);
	st_rng_seed(&rng, seed);
	fd = raw_open();
	if (fd < 0) {
		tap_ok(false, "open: %s", raw_errname(fd));
		return tap_done();
	}
	st_hostinfo(fd, &hi);
	node0 = NUMACLAIMS_MAX_NODES;
	for (i = NUMACLAIMS_MAX_NODES - 1; i >= 0; i--)
		if (hi.nodes[i].has_pool)
			node0 = i;
	if (node0 >= NUMACLAIMS_MAX_NODES) {
		tap_ok(false, "no node with a pool");
		return tap_done();
	}

	privilege();
	domain_file_passed();
	scrubbing(pages, cycles, &rng);

	n = st_check_quiescent(fd, &lost, why, sizeof(why));
	if (n)
		tap_diag("%s", why);
	tap_ok(!n, "quiescent cross-check at the end");
	n = st_back_to_baseline(fd, NULL, &lost2, why, sizeof(why));
	if (n)
		tap_diag("%s", why);
	tap_ok(!n, "every pool page free again, no claim, no domain");
	lost += lost2;
	tap_fig("isolation.pages_lost", "%llu", lost);
	close(fd);
	return tap_done();
}
