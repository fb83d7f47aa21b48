// SPDX-License-Identifier: GPL-2.0
/*
 * nc_ioctl.c - ioctl numbers, extensible struct sizes, EFAULT, EPERM, and
 * the domain ioctls (create, destroy, info, max_pages, node affinity).
 * #included by numaclaims_test.c (one translation unit, see there).
 */
#include <linux/capability.h>
#include <sys/syscall.h>

NC_FIXTURE(ioctl);

TEST_F(ioctl, api_version)
{
	struct nc_ctx *c = &self->ctx;

	EXPECT_EQ(NUMACLAIMS_API_VERSION,
		  ioctl(c->fd, NUMACLAIMS_IOC_API_VERSION));
	/* Takes no argument: whatever is passed is ignored. */
	EXPECT_EQ(NUMACLAIMS_API_VERSION,
		  ioctl(c->fd, NUMACLAIMS_IOC_API_VERSION, c->bad));
}

TEST_F(ioctl, enotty_unknown)
{
	struct nc_ctx *c = &self->ctx;
	char buf[sizeof(struct numaclaims_domain_info) + 64] = { 0 };
	unsigned int nr, i;

	for (nr = _IOC_NR(NUMACLAIMS_IOC_POOL_RESIZE); nr <= 0xff; nr++) {
		EXPECT_ERR(ENOTTY, raw_ioc(c->fd, _IO(NUMACLAIMS_IOC_MAGIC, nr),
					  buf));
		EXPECT_ERR(ENOTTY, raw_ioc(c->fd,
			_IOWR(NUMACLAIMS_IOC_MAGIC, nr, struct numaclaims_host_info),
			buf));
	}
	/* The right numbers with another type (magic). */
	for (i = 0; i < NC_NR_IOCTLS; i++) {
		unsigned long cmd = nc_ioctl_defs[i].cmd;
		unsigned long other = _IOC(_IOC_DIR(cmd), 0xC2, _IOC_NR(cmd),
					   _IOC_SIZE(cmd));

		EXPECT_ERR(ENOTTY, raw_ioc(c->fd, other, buf))
			TH_LOG("%s with type 0xC2", nc_ioctl_defs[i].name);
	}
	/* API_VERSION is _IO: with a size it is another ioctl. */
	EXPECT_ERR(ENOTTY, raw_ioc(c->fd, _IOR(NUMACLAIMS_IOC_MAGIC, 0, __u32),
				  buf));
	/* A tty ioctl. */
	EXPECT_ERR(ENOTTY, raw_ioc(c->fd, TCGETS, buf));
}

/* Every ioctl with any other direction bits is not that ioctl. */
TEST_F(ioctl, enotty_wrong_direction)
{
	struct nc_ctx *c = &self->ctx;
	char buf[sizeof(struct numaclaims_domain_info) + 64] = { 0 };
	unsigned int i, dir;

	for (i = 0; i < NC_NR_IOCTLS; i++) {
		unsigned long cmd = nc_ioctl_defs[i].cmd;

		for (dir = 0; dir < 4; dir++) {
			if (dir == _IOC_DIR(cmd))
				continue;
			EXPECT_ERR(ENOTTY, raw_ioc(c->fd,
						  NC_IOC_REDIR(cmd, dir), buf))
				TH_LOG("%s with direction %u",
				       nc_ioctl_defs[i].name, dir);
		}
	}
	/* Nothing was created or changed: the teardown checks that too. */
	EXPECT_EQ(0, nc_host(_metadata, c).nr_domains);
}

/* An unreadable (or unwritable) structure: EFAULT and no side effect. */
TEST_F(ioctl, efault_struct)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int i;

	for (i = 1; i < NC_NR_IOCTLS; i++) {
		unsigned long cmd = nc_ioctl_defs[i].cmd;

		EXPECT_ERR(EFAULT, raw_ioc(c->fd, cmd, c->bad))
			TH_LOG("%s with a PROT_NONE struct",
			       nc_ioctl_defs[i].name);
		EXPECT_ERR(EFAULT, raw_ioc(c->fd, cmd, NULL))
			TH_LOG("%s with a NULL struct", nc_ioctl_defs[i].name);
		EXPECT_ERR(EFAULT, raw_ioc(c->fd, cmd, (void *)-4096L))
			TH_LOG("%s with a kernel address",
			       nc_ioctl_defs[i].name);
	}
}

/*
 * DOMAIN_CREATE whose result cannot be copied back (read-only struct): the
 * caller never learns the domid, so a domain left behind would be an orphan
 * nobody destroys.  Expected: EFAULT and no domain.
 */
TEST_F(ioctl, efault_create_copy_out_leaves_no_domain)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_create *cr;
	void *page;
	int fd2;
	__u32 d;

	page = mmap(NULL, NC_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	cr = page;
	cr->max_pages = 16;
	ASSERT_EQ(0, mprotect(page, NC_PAGE, PROT_READ));
	EXPECT_ERR(EFAULT, raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_CREATE, cr));
	EXPECT_EQ(0, nc_host(_metadata, c).nr_domains)
		TH_LOG("DOMAIN_CREATE failed with EFAULT but left a domain the caller cannot know");

	/* The same for an AUTODESTROY domain; closing its file later is fine. */
	fd2 = open(NC_DEV, O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, mprotect(page, NC_PAGE, PROT_READ | PROT_WRITE));
	cr->flags = NUMACLAIMS_DOMAIN_AUTODESTROY;
	ASSERT_EQ(0, mprotect(page, NC_PAGE, PROT_READ));
	EXPECT_ERR(EFAULT, raw_ioc(fd2, NUMACLAIMS_IOC_DOMAIN_CREATE, cr));
	EXPECT_EQ(0, nc_host(_metadata, c).nr_domains);
	ASSERT_OK(raw_create(fd2, 1, NUMACLAIMS_DOMAIN_AUTODESTROY, &d));
	close(fd2);
	EXPECT_ERR(ESRCH, raw_destroy(c->fd, d));
	EXPECT_INVARIANTS();
	munmap(page, NC_PAGE);
}

/*
 * Extensible structs.  nc_size_call() prepares a valid request for ioctl
 * @i (domain @d, gfn @gfn), calls it with size @usize and the bytes after
 * our struct set to @tail, undoes what a successful call did, and on
 * failure checks that nothing changed.  Returns the call's 0/-errno.
 */
static int nc_size_call(struct __test_metadata *_metadata, struct nc_ctx *c,
			unsigned int i, __u32 d, __u64 gfn, unsigned int usize,
			unsigned char tail)
{
	union {
		struct numaclaims_domain_create create;
		struct numaclaims_domain_destroy destroy;
		struct numaclaims_max_pages max;
		struct numaclaims_node_affinity aff;
		struct numaclaims_claim_memory cm;
		struct numaclaims_reservation r;
		struct numaclaims_domain_info di;
		struct numaclaims_host_info hi;
		struct numaclaims_offline off;
		struct numaclaims_domain_open open;
		struct numaclaims_pool_resize rs;
		char raw[sizeof(struct numaclaims_host_info) + 128];
	} u;
	struct numaclaims_claim claim = { .pages = 5, .target = NC_HOST };
	struct numaclaims_host_info h0, h1;
	struct numaclaims_domain_info d0, d1;
	unsigned long cmd = nc_ioctl_defs[i].cmd;
	unsigned int ksize = _IOC_SIZE(cmd);
	__u32 tmp = 0;
	__u64 done;
	int rc;

	memset(&u, 0, sizeof(u));
	switch (cmd) {
	case NUMACLAIMS_IOC_DOMAIN_CREATE:
		u.create.max_pages = 16;
		break;
	case NUMACLAIMS_IOC_DOMAIN_DESTROY:
		tmp = nc_new_dom(_metadata, c, 0);
		u.destroy.domid = tmp;
		break;
	case NUMACLAIMS_IOC_SET_MAX_PAGES:
		u.max.domid = d;
		u.max.max_pages = 300;
		break;
	case NUMACLAIMS_IOC_SET_NODE_AFFINITY:
		u.aff.domid = d;
		u.aff.nodemask = 1ULL << c->pool[c->nr_pool - 1];
		break;
	case NUMACLAIMS_IOC_CLAIM_MEMORY:
		u.cm.domid = d;
		u.cm.mode = NUMACLAIMS_CLAIM_SET;
		u.cm.nr_entries = 1;
		u.cm.claim_set = (uintptr_t)&claim;
		break;
	case NUMACLAIMS_IOC_CLAIM_PAGES:
		u.r.domid = d;
		u.r.nr_extents = 7;
		break;
	case NUMACLAIMS_IOC_DECREASE_RESERVATION:
		ASSERT_OK(raw_populate(c->fd, d, &gfn, 1, 0, 0, &done));
		/* fall through */
	case NUMACLAIMS_IOC_POPULATE_PHYSMAP:
		u.r.domid = d;
		u.r.extent_start = (uintptr_t)&gfn;
		u.r.nr_extents = 1;
		break;
	case NUMACLAIMS_IOC_DOMAIN_INFO:
		u.di.domid = d;
		break;
	case NUMACLAIMS_IOC_DOMAIN_OPEN:
		u.open.domid = d;
		break;
	case NUMACLAIMS_IOC_ONLINE_PAGES:
		ASSERT_OK(raw_offline(c->fd, c->pool[0], 1));
		/* fall through */
	case NUMACLAIMS_IOC_OFFLINE_PAGES:
		u.off.node = c->pool[0];
		u.off.pages = 1;
		break;
	case NUMACLAIMS_IOC_POOL_RESIZE:
		/* To the size it has: done, and nothing changes. */
		u.rs.node = c->pool[0];
		u.rs.pages = c->base.nodes[c->pool[0]].reserved_pages;
		break;
	}
	if (usize > ksize)
		memset(u.raw + ksize, tail, usize - ksize);

	h0 = nc_host(_metadata, c);
	d0 = nc_dom(_metadata, c, d);
	rc = ioctl(c->fd, NC_IOC_RESIZE(cmd, usize), &u);
	if (rc >= 0 && cmd == NUMACLAIMS_IOC_DOMAIN_OPEN)
		close(rc);		/* a new domain file */
	rc = rc < 0 ? -errno : 0;
	if (rc) {
		/* A refused request changed nothing. */
		h1 = nc_host(_metadata, c);
		d1 = nc_dom(_metadata, c, d);
		EXPECT_EQ(0, memcmp(&h0, &h1, sizeof(h0)))
			TH_LOG("%s size %u failed (%s) but HOST_INFO changed",
			       nc_ioctl_defs[i].name, usize, raw_errname(rc));
		EXPECT_EQ(0, memcmp(&d0, &d1, sizeof(d0)))
			TH_LOG("%s size %u failed (%s) but DOMAIN_INFO changed",
			       nc_ioctl_defs[i].name, usize, raw_errname(rc));
	} else if (usize > ksize) {
		/*
		 * A read-only struct's unknown tail reads back as zero; a
		 * written one's (checked zero on the way in) is left alone.
		 */
		unsigned char want = _IOC_DIR(cmd) & _IOC_WRITE ? tail : 0;
		unsigned int k;

		for (k = ksize; k < usize; k++)
			if ((unsigned char)u.raw[k] != want)
				break;
		EXPECT_EQ(usize, k) TH_LOG("%s: byte %u past its %u bytes is %#x, not %#x",
					   nc_ioctl_defs[i].name, k, ksize,
					   (unsigned char)u.raw[k], want);
	}

	/* Undo. */
	switch (cmd) {
	case NUMACLAIMS_IOC_DOMAIN_CREATE:
		if (!rc)
			EXPECT_OK(raw_destroy(c->fd, u.create.domid));
		break;
	case NUMACLAIMS_IOC_DOMAIN_DESTROY:
		if (rc) {
			EXPECT_OK(raw_destroy(c->fd, tmp));
		} else {
			EXPECT_ERR(ESRCH, raw_destroy(c->fd, tmp));
		}
		break;
	case NUMACLAIMS_IOC_SET_MAX_PAGES:
		if (!rc)
			EXPECT_EQ(300, nc_dom(_metadata, c, d).max_pages);
		EXPECT_OK(raw_set_max(c->fd, d, 100));
		break;
	case NUMACLAIMS_IOC_SET_NODE_AFFINITY:
		EXPECT_OK(raw_set_affinity(c->fd, d, c->pool_mask));
		break;
	case NUMACLAIMS_IOC_CLAIM_MEMORY:
		if (!rc)
			EXPECT_EQ(5, nc_dom(_metadata, c, d).outstanding_pages);
		/* fall through */
	case NUMACLAIMS_IOC_CLAIM_PAGES:
		EXPECT_OK(raw_claim_pages(c->fd, d, 0));
		break;
	case NUMACLAIMS_IOC_POPULATE_PHYSMAP:
		if (!rc)
			EXPECT_OK(raw_decrease(c->fd, d, &gfn, 1, 0, &done));
		break;
	case NUMACLAIMS_IOC_DECREASE_RESERVATION:
		if (rc)
			EXPECT_OK(raw_decrease(c->fd, d, &gfn, 1, 0, &done));
		break;
	case NUMACLAIMS_IOC_OFFLINE_PAGES:
		if (!rc)
			EXPECT_OK(raw_online(c->fd, c->pool[0], 1));
		break;
	case NUMACLAIMS_IOC_ONLINE_PAGES:
		if (rc)
			EXPECT_OK(raw_online(c->fd, c->pool[0], 1));
		break;
	}
	return rc;
}

TEST_F(ioctl, size_shorter_einval)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 100);
	unsigned int i;

	for (i = 1; i < NC_NR_IOCTLS; i++) {
		unsigned int ksize = nc_ioctl_minsz(&nc_ioctl_defs[i]);

		EXPECT_ERR(EINVAL, nc_size_call(_metadata, c, i, d, 10,
						ksize - 1, 0))
			TH_LOG("%s size %u", nc_ioctl_defs[i].name, ksize - 1);
		EXPECT_ERR(EINVAL, nc_size_call(_metadata, c, i, d, 10,
						ksize - 8, 0))
			TH_LOG("%s size %u", nc_ioctl_defs[i].name, ksize - 8);
		EXPECT_ERR(EINVAL, nc_size_call(_metadata, c, i, d, 10, 0, 0))
			TH_LOG("%s size 0", nc_ioctl_defs[i].name);
	}
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(ioctl, size_longer_nonzero_tail_einval)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 100);
	unsigned int i;

	for (i = 1; i < NC_NR_IOCTLS; i++) {
		unsigned long cmd = nc_ioctl_defs[i].cmd;
		unsigned int ksize = _IOC_SIZE(cmd);

		if (!(_IOC_DIR(cmd) & _IOC_WRITE))
			continue;	/* the kernel does not read it */
		EXPECT_ERR(EINVAL, nc_size_call(_metadata, c, i, d, 10,
						ksize + 8, 0xff))
			TH_LOG("%s size %u, tail 0xff", nc_ioctl_defs[i].name,
			       ksize + 8);
		EXPECT_ERR(EINVAL, nc_size_call(_metadata, c, i, d, 10,
						ksize + 1, 0x01))
			TH_LOG("%s size %u, tail 0x01", nc_ioctl_defs[i].name,
			       ksize + 1);
	}
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* An _IOR struct longer than the kernel's: whatever its tail held, it is zeroed. */
TEST_F(ioctl, size_longer_read_only_tail_zeroed)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 100);
	unsigned int i, tested = 0;

	for (i = 1; i < NC_NR_IOCTLS; i++) {
		unsigned long cmd = nc_ioctl_defs[i].cmd;
		unsigned int ksize = _IOC_SIZE(cmd);

		if (_IOC_DIR(cmd) & _IOC_WRITE)
			continue;
		EXPECT_OK(nc_size_call(_metadata, c, i, d, 10, ksize + 64, 0xa5))
			TH_LOG("%s size %u, tail 0xa5", nc_ioctl_defs[i].name,
			       ksize + 64);
		tested++;
	}
	EXPECT_LT(0, tested);
	EXPECT_OK(raw_destroy(c->fd, d));
}

TEST_F(ioctl, size_longer_zero_tail_ok)
{
	struct nc_ctx *c = &self->ctx;
	__u32 d = nc_new_dom(_metadata, c, 100);
	unsigned int i;

	for (i = 1; i < NC_NR_IOCTLS; i++) {
		unsigned int ksize = _IOC_SIZE(nc_ioctl_defs[i].cmd);

		EXPECT_OK(nc_size_call(_metadata, c, i, d, 10, ksize, 0))
			TH_LOG("%s size %u", nc_ioctl_defs[i].name, ksize);
		EXPECT_OK(nc_size_call(_metadata, c, i, d, 10, ksize + 8, 0))
			TH_LOG("%s size %u", nc_ioctl_defs[i].name, ksize + 8);
		EXPECT_OK(nc_size_call(_metadata, c, i, d, 10, ksize + 100, 0))
			TH_LOG("%s size %u", nc_ioctl_defs[i].name,
			       ksize + 100);
	}
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* --------------------------------------------------------------------------
 * EPERM: privilege is the opener's (file_ns_capable()).  A child that drops
 * CAP_SYS_ADMIN can still use the fd root opened, but not one it opens.
 */
static int nc_drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	unsigned int idx = CAP_TO_INDEX(CAP_SYS_ADMIN);
	__u32 mask = CAP_TO_MASK(CAP_SYS_ADMIN);

	if (syscall(SYS_capget, &h, data))
		return -errno;
	data[idx].effective &= ~mask;
	data[idx].permitted &= ~mask;
	data[idx].inheritable &= ~mask;
	if (syscall(SYS_capset, &h, data))
		return -errno;
	return 0;
}

#define CHILD_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "# eperm child: " __VA_ARGS__);	\
		fprintf(stderr, "\n");					\
		failures++;						\
	}								\
} while (0)

/* Runs in the child; returns the number of failed checks. */
static int nc_eperm_child(struct nc_ctx *c, __u32 d, __u64 gfn,
			  const struct numaclaims_host_info *h0,
			  const struct numaclaims_domain_info *d0)
{
	struct numaclaims_claim set[4], one = { .pages = 1, .target = NC_HOST };
	struct numaclaims_claim_memory cm;
	struct numaclaims_domain_info di;
	struct numaclaims_host_info hi;
	__u64 new_gfn = gfn + 1, done;
	int failures = 0, rc, pfd, ufd;
	unsigned int i;
	__u32 nr, tmp;

	rc = nc_drop_cap_sys_admin();
	if (rc) {
		fprintf(stderr, "# capset: %s\n", strerror(-rc));
		return 100;
	}
	/*
	 * Privilege belongs to the opener (file_ns_capable()): the fd root
	 * opened keeps it, one opened now has none.
	 */
	rc = raw_set_max(c->fd, d, d0->max_pages);
	CHILD_CHECK(rc == 0, "SET_MAX_PAGES on the privileged opener's fd: %s",
		    raw_errname(rc));
	ufd = open(NC_DEV, O_RDWR);
	if (ufd < 0) {
		fprintf(stderr, "# open without CAP_SYS_ADMIN: %s\n",
			strerror(errno));
		return 100;
	}

	/* Every mutating ioctl, with a request that root could make. */
	rc = raw_create(ufd, 1, 0, &tmp);
	CHILD_CHECK(rc == -EPERM, "DOMAIN_CREATE: %s", raw_errname(rc));
	rc = raw_create(ufd, 1, NUMACLAIMS_DOMAIN_AUTODESTROY, &tmp);
	CHILD_CHECK(rc == -EPERM, "DOMAIN_CREATE autodestroy: %s",
		    raw_errname(rc));
	rc = raw_destroy(ufd, d);
	CHILD_CHECK(rc == -EPERM, "DOMAIN_DESTROY: %s", raw_errname(rc));
	rc = raw_set_max(ufd, d, 5);
	CHILD_CHECK(rc == -EPERM, "SET_MAX_PAGES: %s", raw_errname(rc));
	rc = raw_set_affinity(ufd, d, c->pool_mask);
	CHILD_CHECK(rc == -EPERM, "SET_NODE_AFFINITY: %s", raw_errname(rc));
	rc = raw_claim_set(ufd, d, &one, 1);
	CHILD_CHECK(rc == -EPERM, "CLAIM_MEMORY SET: %s", raw_errname(rc));
	rc = raw_domain_open(ufd, d, 0);
	CHILD_CHECK(rc == -EPERM, "DOMAIN_OPEN: %s", raw_errname(rc));
	/*
	 * The device node is gated by its owner and mode alone (uapi): root
	 * owns a new one, so uid 0 opens it with or without the capability;
	 * an unprivileged user cannot (mmap.given_node_opens_for_its_owner_only).
	 */
	rc = raw_domain_open_path(d);
	CHILD_CHECK(rc >= 0, "open of root's 0600 device node by uid 0: %s",
		    raw_errname(rc));
	if (rc >= 0)
		close(rc);
	rc = raw_claim_pages(ufd, d, 0);
	CHILD_CHECK(rc == -EPERM, "CLAIM_PAGES 0: %s", raw_errname(rc));
	rc = raw_claim_pages(ufd, d, 10);
	CHILD_CHECK(rc == -EPERM, "CLAIM_PAGES 10: %s", raw_errname(rc));
	rc = raw_populate(ufd, d, &new_gfn, 1, 0, 0, &done);
	CHILD_CHECK(rc == -EPERM, "POPULATE_PHYSMAP: %s", raw_errname(rc));
	rc = raw_decrease(ufd, d, &gfn, 1, 0, &done);
	CHILD_CHECK(rc == -EPERM, "DECREASE_RESERVATION: %s", raw_errname(rc));
	rc = raw_offline(ufd, c->pool[0], 1);
	CHILD_CHECK(rc == -EPERM, "OFFLINE_PAGES: %s", raw_errname(rc));
	rc = raw_online(ufd, c->pool[0], 0);
	CHILD_CHECK(rc == -EPERM, "ONLINE_PAGES: %s", raw_errname(rc));
	rc = raw_pool_resize(ufd, c->pool[0], 0);
	CHILD_CHECK(rc == -EPERM, "POOL_RESIZE: %s", raw_errname(rc));

	/* EPERM is checked first: before the struct is even read. */
	for (i = 1; i < NC_NR_IOCTLS; i++) {
		if (!nc_ioctl_defs[i].mutating ||
		    nc_ioctl_defs[i].cmd == NUMACLAIMS_IOC_CLAIM_MEMORY)
			continue;
		rc = raw_ioc(ufd, nc_ioctl_defs[i].cmd, c->bad);
		CHILD_CHECK(rc == -EPERM, "%s with a bad pointer: %s",
			    nc_ioctl_defs[i].name, raw_errname(rc));
	}
	/* CLAIM_MEMORY SET: EPERM before the EINVAL/E2BIG/EFAULT checks. */
	memset(&cm, 0, sizeof(cm));
	cm.domid = d;
	cm.mode = NUMACLAIMS_CLAIM_SET;
	cm.nr_entries = 0;
	rc = raw_ioc(ufd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);
	CHILD_CHECK(rc == -EPERM, "CLAIM SET nr_entries 0: %s", raw_errname(rc));
	cm.nr_entries = 1000;
	rc = raw_ioc(ufd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);
	CHILD_CHECK(rc == -EPERM, "CLAIM SET nr_entries 1000: %s",
		    raw_errname(rc));
	cm.nr_entries = 1;
	cm.claim_set = (uintptr_t)c->bad;
	rc = raw_ioc(ufd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);
	CHILD_CHECK(rc == -EPERM, "CLAIM SET bad array: %s", raw_errname(rc));
	cm.claim_set = (uintptr_t)&one;
	cm.pad = 1;
	rc = raw_ioc(ufd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);
	CHILD_CHECK(rc == -EPERM, "CLAIM SET pad 1: %s", raw_errname(rc));
	cm.pad = 0;
	cm.domid = 0x7ffe;
	rc = raw_ioc(ufd, NUMACLAIMS_IOC_CLAIM_MEMORY, &cm);
	CHILD_CHECK(rc == -EPERM, "CLAIM SET unknown domain: %s",
		    raw_errname(rc));

	/* The debugfs page hook mutates domain memory too. */
	pfd = raw_page_open();
	if (pfd >= 0) {
		rc = raw_page_fill(pfd, d, gfn, 0x1234);
		CHILD_CHECK(rc == -EPERM, "debugfs page fill: %s",
			    raw_errname(rc));
		close(pfd);
	}

	/* The read-only ioctls still work. */
	rc = ioctl(c->fd, NUMACLAIMS_IOC_API_VERSION);
	CHILD_CHECK(rc == NUMACLAIMS_API_VERSION, "API_VERSION: %d", rc);
	rc = nc_host_info(c->fd, &hi);
	CHILD_CHECK(!rc, "HOST_INFO: %s", raw_errname(rc));
	CHILD_CHECK(!memcmp(&hi, h0, sizeof(hi)), "HOST_INFO differs");
	rc = raw_dom_info(c->fd, d, &di);
	CHILD_CHECK(!rc, "DOMAIN_INFO: %s", raw_errname(rc));
	CHILD_CHECK(!memcmp(&di, d0, sizeof(di)), "DOMAIN_INFO differs");
	memset(&di, 0, sizeof(di));
	di.flags = NUMACLAIMS_INFO_NEXT;
	rc = raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di);
	CHILD_CHECK(!rc && di.domid == d, "DOMAIN_INFO NEXT: %s domid %u",
		    raw_errname(rc), di.domid);
	nr = 4;
	rc = raw_claim_get(c->fd, d, set, &nr);
	CHILD_CHECK(!rc && nr == 1 && set[0].target == NC_HOST &&
		    set[0].pages == d0->outstanding_pages,
		    "CLAIM_MEMORY GET: %s nr %u", raw_errname(rc), nr);
	nr = 0;
	rc = raw_claim_get(c->fd, d, set, &nr);
	CHILD_CHECK(rc == -ERANGE && nr == 1, "CLAIM_MEMORY GET ERANGE: %s",
		    raw_errname(rc));
	/* A fresh open works too, and is just as unprivileged. */
	pfd = open(NC_DEV, O_RDWR);
	CHILD_CHECK(pfd >= 0, "open: %s", strerror(errno));
	if (pfd >= 0) {
		rc = raw_create(pfd, 1, 0, &tmp);
		CHILD_CHECK(rc == -EPERM, "DOMAIN_CREATE on a new fd: %s",
			    raw_errname(rc));
		rc = nc_host_info(pfd, &hi);
		CHILD_CHECK(!rc, "HOST_INFO on a new fd: %s", raw_errname(rc));
		close(pfd);
	}
	return failures;
}

TEST_F(ioctl, eperm_without_cap_sys_admin)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info d0, d1;
	struct numaclaims_host_info h0, h1;
	__u64 gfn = 40, done;
	int status;
	pid_t pid;
	__u32 d;

	d = nc_new_dom(_metadata, c, 100);
	ASSERT_OK(NC_SET(c->fd, d, CLAIM(3, NC_HOST)));
	ASSERT_OK(raw_populate(c->fd, d, &gfn, 1, 0, 0, &done));
	h0 = nc_host(_metadata, c);
	d0 = nc_dom(_metadata, c, d);

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(nc_eperm_child(c, d, gfn, &h0, &d0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("%d check(s) failed in the unprivileged child",
		       WEXITSTATUS(status));

	/* Nothing changed. */
	h1 = nc_host(_metadata, c);
	d1 = nc_dom(_metadata, c, d);
	EXPECT_EQ(0, memcmp(&h0, &h1, sizeof(h0)));
	EXPECT_EQ(0, memcmp(&d0, &d1, sizeof(d0)));
	EXPECT_OK(raw_destroy(c->fd, d));
}

/* --------------------------------------------------------------------------
 * Domain ioctls.
 */
NC_FIXTURE(domain);

TEST_F(domain, create_and_info)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info di;
	__u32 a, b, ad;

	ASSERT_OK(raw_create(c->fd, 1234, 0, &a));
	ASSERT_OK(raw_create(c->fd, 0, 0, &b));
	ASSERT_OK(raw_create(c->fd, ~0ULL, NUMACLAIMS_DOMAIN_AUTODESTROY, &ad));
	EXPECT_NE(0, a);
	EXPECT_NE(0, b);
	EXPECT_NE(0, ad);
	EXPECT_NE(a, b);
	EXPECT_NE(a, ad);
	EXPECT_NE(b, ad);
	EXPECT_EQ(3, nc_host(_metadata, c).nr_domains);

	di = nc_dom(_metadata, c, a);
	EXPECT_EQ(a, di.domid);
	EXPECT_EQ(0, di.domain_flags);
	EXPECT_EQ(1234, di.max_pages);
	EXPECT_EQ(0, di.tot_pages);
	EXPECT_EQ(0, di.outstanding_pages);
	EXPECT_EQ(0, di.node_claims);
	EXPECT_EQ(0, di.uncounted_pages);
	EXPECT_EQ(c->pool_mask, di.node_affinity)
		TH_LOG("default affinity must be every node with a pool");
	EXPECT_EQ(0, nc_sum_node_pages(&di));
	EXPECT_EQ(0, nc_dom(_metadata, c, b).max_pages);
	di = nc_dom(_metadata, c, ad);
	EXPECT_EQ(NUMACLAIMS_DOMAIN_AUTODESTROY, di.domain_flags);
	EXPECT_EQ(~0ULL, di.max_pages);

	EXPECT_OK(raw_destroy(c->fd, a));
	EXPECT_OK(raw_destroy(c->fd, b));
	EXPECT_OK(raw_destroy(c->fd, ad));
}

TEST_F(domain, create_einval)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_create cr;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		if ((1U << bit) & NUMACLAIMS_DOMAIN_FLAGS)
			continue;
		memset(&cr, 0, sizeof(cr));
		cr.flags = 1U << bit;
		EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_CREATE,
					  &cr)) TH_LOG("flag bit %u", bit);
	}
	memset(&cr, 0, sizeof(cr));
	cr.reserved[0] = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &cr));
	memset(&cr, 0, sizeof(cr));
	cr.reserved[1] = 1ULL << 63;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &cr));
	/* The domid field is output only: a value there is ignored. */
	memset(&cr, 0, sizeof(cr));
	cr.domid = 0xffffffff;
	EXPECT_OK(raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_CREATE, &cr));
	EXPECT_NE(0xffffffff, cr.domid);
	EXPECT_EQ(1, nc_host(_metadata, c).nr_domains);
	EXPECT_OK(raw_destroy(c->fd, cr.domid));
}

/*
 * Domain ids run out: ENOSPC; destroying one makes room again.  The
 * domains are AUTODESTROY: if the harness kills this (long) test at its
 * timeout, closing its file destroys them before the next test starts.
 */
TEST_F_TIMEOUT(domain, create_enospc, 300)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int n = 0, max = 1U << 20, i;
	__u32 *ids = calloc(max, sizeof(*ids)), again;
	int rc = 0;

	ASSERT_NE(NULL, ids);
	while (n < max) {
		rc = raw_create(c->fd, 0, NUMACLAIMS_DOMAIN_AUTODESTROY,
			       &ids[n]);
		if (rc)
			break;
		n++;
	}
	EXPECT_ERR(ENOSPC, rc) TH_LOG("after %u domains", n);
	TH_LOG("%u domains created before %s", n, raw_errname(rc));
	EXPECT_EQ(n, nc_host(_metadata, c).nr_domains);
	EXPECT_INVARIANTS();
	if (n) {
		EXPECT_OK(raw_destroy(c->fd, ids[n / 2]));
		EXPECT_OK(raw_create(c->fd, 0, NUMACLAIMS_DOMAIN_AUTODESTROY, &again));
		EXPECT_ERR(ENOSPC, raw_create(c->fd, 0, 0, &again));
		ids[n / 2] = again;
	}
	for (i = 0; i < n; i++)
		if (raw_destroy(c->fd, ids[i]))
			break;
	EXPECT_EQ(n, i);
	free(ids);
}

TEST_F(domain, destroy_errors)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_destroy dd = { 0 };
	__u32 d = nc_new_dom(_metadata, c, 10);

	dd.domid = d;
	dd.pad = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_DESTROY, &dd));
	EXPECT_OK(raw_dom_info(c->fd, d, &(struct numaclaims_domain_info){0}));
	EXPECT_ERR(ESRCH, raw_destroy(c->fd, 0));
	EXPECT_ERR(ESRCH, raw_destroy(c->fd, d + 1000));
	EXPECT_ERR(ESRCH, raw_destroy(c->fd, 0xffffffff));
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_ERR(ESRCH, raw_destroy(c->fd, d));
}

TEST_F(domain, info_errors_and_enumeration)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_domain_info di;
	__u32 a, b, lo, hi;
	unsigned int bit;

	a = nc_new_dom(_metadata, c, 10);
	b = nc_new_dom(_metadata, c, 20);
	lo = a < b ? a : b;
	hi = a < b ? b : a;

	for (bit = 1; bit < 32; bit++) {
		memset(&di, 0, sizeof(di));
		di.domid = a;
		di.flags = 1U << bit;
		EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_INFO,
					  &di)) TH_LOG("flag bit %u", bit);
	}
	memset(&di, 0, sizeof(di));
	di.domid = a;
	di.pad = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di));
	EXPECT_ERR(ESRCH, raw_dom_info(c->fd, 0, &di));
	EXPECT_ERR(ESRCH, raw_dom_info(c->fd, hi + 1, &di));
	EXPECT_ERR(ESRCH, raw_dom_info(c->fd, 0xffffffff, &di));

	/* INFO_NEXT: the first domain at or after domid. */
	memset(&di, 0, sizeof(di));
	di.flags = NUMACLAIMS_INFO_NEXT;
	EXPECT_OK(raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di));
	EXPECT_EQ(lo, di.domid);
	EXPECT_EQ(lo == a ? 10 : 20, di.max_pages);
	memset(&di, 0, sizeof(di));
	di.domid = lo;
	di.flags = NUMACLAIMS_INFO_NEXT;
	EXPECT_OK(raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di));
	EXPECT_EQ(lo, di.domid);
	memset(&di, 0, sizeof(di));
	di.domid = lo + 1;
	di.flags = NUMACLAIMS_INFO_NEXT;
	EXPECT_OK(raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di));
	EXPECT_EQ(hi, di.domid);
	memset(&di, 0, sizeof(di));
	di.domid = hi + 1;
	di.flags = NUMACLAIMS_INFO_NEXT;
	EXPECT_ERR(ESRCH, raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di));

	EXPECT_OK(raw_destroy(c->fd, lo));
	memset(&di, 0, sizeof(di));
	di.flags = NUMACLAIMS_INFO_NEXT;
	EXPECT_OK(raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di));
	EXPECT_EQ(hi, di.domid);
	EXPECT_OK(raw_destroy(c->fd, hi));
	memset(&di, 0, sizeof(di));
	di.flags = NUMACLAIMS_INFO_NEXT;
	EXPECT_ERR(ESRCH, raw_ioc(c->fd, NUMACLAIMS_IOC_DOMAIN_INFO, &di));
}

TEST_F(domain, set_max_pages_errors)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_max_pages m = { 0 };
	__u32 d = nc_new_dom(_metadata, c, 10);

	m.domid = d;
	m.max_pages = 50;
	m.pad = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_SET_MAX_PAGES, &m));
	EXPECT_EQ(10, nc_dom(_metadata, c, d).max_pages);
	EXPECT_ERR(ESRCH, raw_set_max(c->fd, 0, 50));
	EXPECT_ERR(ESRCH, raw_set_max(c->fd, d + 1000, 50));
	EXPECT_OK(raw_set_max(c->fd, d, 50));
	EXPECT_EQ(50, nc_dom(_metadata, c, d).max_pages);
	EXPECT_OK(raw_set_max(c->fd, d, ~0ULL));
	EXPECT_EQ(~0ULL, nc_dom(_metadata, c, d).max_pages);
	EXPECT_OK(raw_set_max(c->fd, d, 0));
	EXPECT_EQ(0, nc_dom(_metadata, c, d).max_pages);
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_ERR(ESRCH, raw_set_max(c->fd, d, 50));
}

TEST_F(domain, set_node_affinity_errors)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_node_affinity a = { 0 };
	__u32 d = nc_new_dom(_metadata, c, 10);
	__u64 no_pool_mask = ~c->pool_mask;
	__u64 one = 1ULL << c->pool[c->nr_pool - 1];

	a.domid = d;
	a.nodemask = c->pool_mask;
	a.pad = 1;
	EXPECT_ERR(EINVAL, raw_ioc(c->fd, NUMACLAIMS_IOC_SET_NODE_AFFINITY,
				  &a));
	EXPECT_OK(raw_set_affinity(c->fd, d, one));
	EXPECT_EQ(one, nc_dom(_metadata, c, d).node_affinity & c->pool_mask);
	/* No node with a pool in the mask: EINVAL and nothing changes. */
	EXPECT_ERR(EINVAL, raw_set_affinity(c->fd, d, 0));
	EXPECT_ERR(EINVAL, raw_set_affinity(c->fd, d, no_pool_mask));
	EXPECT_ERR(EINVAL, raw_set_affinity(c->fd, d, 1ULL << c->no_pool_node));
	EXPECT_ERR(EINVAL, raw_set_affinity(c->fd, d, 1ULL << 63));
	EXPECT_EQ(one, nc_dom(_metadata, c, d).node_affinity & c->pool_mask);
	/* Bits without a pool next to one with a pool are accepted. */
	EXPECT_OK(raw_set_affinity(c->fd, d, (1ULL << c->pool[0]) |
				  (1ULL << c->no_pool_node)));
	EXPECT_EQ(1ULL << c->pool[0],
		  nc_dom(_metadata, c, d).node_affinity & c->pool_mask);
	EXPECT_ERR(ESRCH, raw_set_affinity(c->fd, 0, c->pool_mask));
	EXPECT_ERR(ESRCH, raw_set_affinity(c->fd, d + 1000, c->pool_mask));
	EXPECT_OK(raw_destroy(c->fd, d));
	EXPECT_ERR(ESRCH, raw_set_affinity(c->fd, d, c->pool_mask));
}

/* Parse a sysfs node list ("0-1,3") into a mask. */
static __u64 nc_parse_nodelist(const char *s)
{
	__u64 mask = 0;
	unsigned int a, b;
	int n;

	while (*s && *s != '\n') {
		if (sscanf(s, "%u-%u%n", &a, &b, &n) == 2) {
		} else if (sscanf(s, "%u%n", &a, &n) == 1) {
			b = a;
		} else {
			break;
		}
		for (; a <= b && a < 64; a++)
			mask |= 1ULL << a;
		s += n;
		if (*s == ',')
			s++;
	}
	return mask;
}

static int nc_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/* HOST_INFO agrees with itself and with the module parameters. */
TEST_F(domain, host_info_consistent)
{
	struct nc_ctx *c = &self->ctx;
	struct numaclaims_host_info hi = nc_host(_metadata, c);
	char buf[512], *p;
	long node_mb[NUMACLAIMS_MAX_NODES];
	unsigned int n, nr_node_mb = 0;
	__u64 avail = 0, node_out = 0, mem_mask;
	long pool_mb;

	ASSERT_OK(nc_read_file("/sys/module/numaclaims/parameters/pool_mb",
			       buf, sizeof(buf)));
	pool_mb = strtol(buf, NULL, 10);
	ASSERT_OK(nc_read_file("/sys/module/numaclaims/parameters/node_pool_mb",
			       buf, sizeof(buf)));
	for (p = buf; *p && *p != '\n' && nr_node_mb < 64; nr_node_mb++) {
		node_mb[nr_node_mb] = strtol(p, &p, 10);
		if (*p == ',')
			p++;
	}
	ASSERT_OK(nc_read_file("/sys/devices/system/node/has_memory", buf,
			       sizeof(buf)));
	mem_mask = nc_parse_nodelist(buf);
	TH_LOG("pool_mb=%ld, %u node_pool_mb values, nodes with memory 0x%llx, nr_nodes %u",
	       pool_mb, nr_node_mb, (unsigned long long)mem_mask, hi.nr_nodes);

	EXPECT_LE(1, hi.nr_nodes);
	EXPECT_GE(NUMACLAIMS_MAX_NODES, hi.nr_nodes);
	for (n = 0; n < NUMACLAIMS_MAX_NODES; n++) {
		const struct numaclaims_node_info *ni = &hi.nodes[n];
		long mb = pool_mb;

		if (n < nr_node_mb && node_mb[n] >= 0)
			mb = node_mb[n];
		if (!(mem_mask & (1ULL << n)))
			mb = 0;
		EXPECT_EQ(!!mb, ni->has_pool) TH_LOG("node %u", n);
		EXPECT_EQ((__u64)mb << 8, ni->reserved_pages)
			TH_LOG("node %u: %ld MiB pool", n, mb);
		EXPECT_EQ(0, ni->pad);
		if (!ni->has_pool) {
			EXPECT_EQ(0, ni->reserved_pages);
			EXPECT_EQ(0, ni->avail_pages);
			EXPECT_EQ(0, ni->outstanding_claims);
			EXPECT_EQ(0, ni->offlined_pages);
		} else {
			EXPECT_GT(hi.nr_nodes, n);
		}
		/* No domain: every pool page is free or offlined. */
		EXPECT_EQ(ni->reserved_pages,
			  ni->avail_pages + ni->offlined_pages);
		EXPECT_LE(ni->outstanding_claims, ni->avail_pages);
		avail += ni->avail_pages;
		node_out += ni->outstanding_claims;
	}
	EXPECT_EQ(avail, hi.total_avail_pages);
	EXPECT_LE(node_out, hi.outstanding_claims);
	EXPECT_LE(hi.outstanding_claims, hi.total_avail_pages);
	EXPECT_EQ(0, hi.nr_domains);
}
