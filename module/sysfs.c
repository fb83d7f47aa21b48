// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims front end: /sys/kernel/numaclaims/nodeN/, one directory per
 * node with a pool, in the way of hugetlb's per-node
 * /sys/devices/system/node/nodeN/hugepages/hugepages-2048kB/nr_hugepages:
 *
 *   pool_pages      (rw) the node's 4 KiB pool in pages (reserved_pages);
 *                   writing a number resizes the pool to it, all or nothing
 *                   (NUMACLAIMS_IOC_POOL_RESIZE: the write fails with its
 *                   errno and the pool is as it was).
 *   capacity_pages  (ro) the most pages the pool can be resized to.
 *   grow_on_claim   (rw) 1: a claim that does not fit grows the pool from
 *                   Linux by what it lacks (within the capacity), as
 *                   hugetlb's overcommit; 0: it fails with ENOMEM.
 *   surplus_pages   (ro) pages the pool grew by for claims and has not
 *                   given back yet (hugetlb's surplus_hugepages).
 *
 * and /sys/kernel/numaclaims/grow_release_ms (rw): how often the
 * surplus that is free and unclaimed goes back to Linux.
 *
 * Writing needs the file's mode (root, 0644), as for nr_hugepages.
 */
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "nc_core.h"

struct nc_node_kobj {
	struct kobject kobj;
	u32 node;
};

static struct kobject *nc_sysfs_root;
static struct nc_node_kobj *nc_node_kobjs[CE_MAX_NODES];

static u32 nc_kobj_node(struct kobject *kobj)
{
	return container_of(kobj, struct nc_node_kobj, kobj)->node;
}

static ssize_t pool_pages_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	u64 pages, cap;

	if (!nc_pool_size(nc_kobj_node(kobj), &pages, &cap))
		return -ENOENT;
	return sysfs_emit(buf, "%llu\n", pages);
}

static ssize_t pool_pages_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t len)
{
	u64 pages;
	int ret = kstrtou64(buf, 0, &pages);

	if (!ret)
		ret = nc_pool_resize(nc_kobj_node(kobj), pages);
	return ret ? ret : len;
}

static ssize_t capacity_pages_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	u64 pages, cap;

	if (!nc_pool_size(nc_kobj_node(kobj), &pages, &cap))
		return -ENOENT;
	return sysfs_emit(buf, "%llu\n", cap);
}

static ssize_t grow_on_claim_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  nc_pool_grows_on_claim(nc_kobj_node(kobj)));
}

static ssize_t grow_on_claim_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t len)
{
	bool on;
	int ret = kstrtobool(buf, &on);

	if (!ret)
		ret = nc_pool_set_grow_on_claim(nc_kobj_node(kobj), on);
	return ret ? ret : len;
}

static ssize_t surplus_pages_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", nc_pool_surplus(nc_kobj_node(kobj)));
}

static ssize_t grow_release_ms_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", nc_pool_release_ms());
}

static ssize_t grow_release_ms_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t len)
{
	unsigned int ms;
	int ret = kstrtouint(buf, 0, &ms);

	if (ret)
		return ret;
	nc_pool_set_release_ms(ms);
	return len;
}

static struct kobj_attribute nc_attr_grow_on_claim = __ATTR_RW(grow_on_claim);
static struct kobj_attribute nc_attr_surplus_pages = __ATTR_RO(surplus_pages);
static struct kobj_attribute nc_attr_grow_release_ms =
	__ATTR_RW(grow_release_ms);
static struct kobj_attribute nc_attr_pool_pages = __ATTR_RW(pool_pages);
static struct kobj_attribute nc_attr_capacity_pages =
	__ATTR_RO(capacity_pages);

static struct attribute *nc_node_attrs[] = {
	&nc_attr_pool_pages.attr,
	&nc_attr_capacity_pages.attr,
	&nc_attr_grow_on_claim.attr,
	&nc_attr_surplus_pages.attr,
	NULL,
};
ATTRIBUTE_GROUPS(nc_node);

static void nc_node_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct nc_node_kobj, kobj));
}

static const struct kobj_type nc_node_ktype = {
	.release = nc_node_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = nc_node_groups,
};

void nc_sysfs_exit(void)
{
	u32 node;

	for (node = 0; node < CE_MAX_NODES; node++) {
		if (nc_node_kobjs[node])
			kobject_put(&nc_node_kobjs[node]->kobj);
		nc_node_kobjs[node] = NULL;
	}
	kobject_put(nc_sysfs_root);
	nc_sysfs_root = NULL;
}

int nc_sysfs_init(void)
{
	u64 pages, cap;
	u32 node;
	int ret;

	nc_sysfs_root = kobject_create_and_add("numaclaims", kernel_kobj);
	if (!nc_sysfs_root)
		return -ENOMEM;
	ret = sysfs_create_file(nc_sysfs_root, &nc_attr_grow_release_ms.attr);
	if (ret) {
		nc_sysfs_exit();
		return ret;
	}
	for (node = 0; node < CE_MAX_NODES; node++) {
		struct nc_node_kobj *nk;

		if (!nc_pool_size(node, &pages, &cap))
			continue;
		nk = kzalloc(sizeof(*nk), GFP_KERNEL);
		if (!nk) {
			nc_sysfs_exit();
			return -ENOMEM;
		}
		nk->node = node;
		ret = kobject_init_and_add(&nk->kobj, &nc_node_ktype,
					   nc_sysfs_root, "node%u", node);
		if (ret) {
			kobject_put(&nk->kobj);
			nc_sysfs_exit();
			return ret;
		}
		nc_node_kobjs[node] = nk;
	}
	return 0;
}
