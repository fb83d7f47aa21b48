// SPDX-License-Identifier: GPL-2.0
/*
 * numaclaims core: the domain-file interface, whole (as drivers/dax/
 * device.c keeps its mapping interface in one file).  The pseudo
 * filesystem that gives every domain an inode of its own, the file
 * operations and the fault handler of a domain's mappings, the files
 * NUMACLAIMS_IOC_DOMAIN_OPEN returns, and the device nodes
 * /dev/numaclaims-domN with their cdev and class.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/sched/signal.h>
#include <linux/uio.h>
#include "nc_internal.h"
#include "nc_compat.h"

/* One inode per domain on this pseudo filesystem: a mapping of its own. */
#define NC_FS_MAGIC	0x6e636c6dU	/* "nclm" */
static struct vfsmount *nc_mnt;

/* ---------------------------------------------------------------------------
 * The pseudo filesystem of domain inodes.
 */

static int nc_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, NC_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type nc_fs_type = {
	.name = KBUILD_MODNAME "_dom",
	.init_fs_context = nc_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

int nc_domfile_mount(void)
{
	nc_mnt = kern_mount(&nc_fs_type);
	if (IS_ERR(nc_mnt)) {
		int ret = PTR_ERR(nc_mnt);

		nc_mnt = NULL;
		return ret;
	}
	return 0;
}

void nc_domfile_unmount(void)
{
	if (nc_mnt)
		kern_unmount(nc_mnt);
	nc_mnt = NULL;
}

/*
 * A new domain's inode: its i_mapping holds every mapping of the domain.
 * Its size covers every gfn: the fault path of 6.12 and later maps nothing
 * of a (non-shmem) file beyond i_size.
 */
struct inode *nc_domfile_inode(void)
{
	struct inode *inode = alloc_anon_inode(nc_mnt->mnt_sb);

	if (!IS_ERR(inode))
		i_size_write(inode, (loff_t)NUMACLAIMS_MAX_GFN << PAGE_SHIFT);
	return inode;
}

/* ---------------------------------------------------------------------------
 * Domain files: mmap of a domain's physmap (see NUMACLAIMS_IOC_DOMAIN_OPEN).
 *
 * The mapping is an ordinary shared file mapping (not VM_MIXEDMAP or
 * VM_PFNMAP): the fault handler returns the domain's page, referenced and
 * locked, and the kernel's finish_fault() maps it, with one PMD when it is
 * part of a superpage (a PMD-order folio) and the 2 MiB of the mapping
 * are aligned (do_set_pmd()), else with a PTE.  So superpages reach a
 * process, and KVM's EPT, as 2 MiB pages, the way page-cache THPs do.
 *
 * The fault path takes neither the domain's lock nor the heap lock: it
 * looks the gfn up in the physmap (RCU) under the domain mapping's
 * invalidate lock, shared, and takes the page's reference and lock before
 * it drops it.  Decrease and destroy erase the entries and unmap under the
 * same lock, exclusive, then wait for the page lock of every page a fault
 * may still be mapping and unmap again (nc_entry_fault_barrier()), as
 * truncation does: a fault either maps a page before the last unmap or
 * finds a hole.
 */
static vm_fault_t nc_dom_fault(struct vm_fault *vmf)
{
	struct nc_domain_obj *dom = vmf->vma->vm_file->private_data;
	struct address_space *mapping = dom->inode->i_mapping;
	struct page *page = NULL;

	filemap_invalidate_lock_shared(mapping);
	if (!READ_ONCE(dom->dying))
		page = nc_physmap_lookup(dom, vmf->pgoff);
	if (page) {
		get_page(page);
		lock_page(page);
	}
	filemap_invalidate_unlock_shared(mapping);
	if (!page)
		return VM_FAULT_SIGBUS;
	vmf->page = page;
	return VM_FAULT_LOCKED;
}

static const struct vm_operations_struct nc_dom_vm_ops = {
	.fault = nc_dom_fault,
};

static int nc_domain_file_mmap(struct file *file,
			       struct vm_area_struct *vma)
{
	struct nc_domain_obj *dom = file->private_data;
	u64 end;

	/*
	 * VM_MAYSHARE, not VM_SHARED: a MAP_SHARED mapping of a file opened
	 * read-only has no VM_SHARED (it can never be written) and is fine.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (check_add_overflow((u64)vma->vm_pgoff, (u64)vma_pages(vma), &end) ||
	    end > NUMACLAIMS_MAX_GFN)
		return -ENXIO;
	if (READ_ONCE(dom->dying))
		return -ESRCH;
	/*
	 * Ordinary pages mapped by the kernel's fault path: get_user_pages(),
	 * move_pages(2) and numa_maps see them.  No growth by mremap() past
	 * the range checked here.
	 */
	nc_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &nc_dom_vm_ops;
	return 0;
}

/*
 * read(2)/write(2) (and pread/pwrite, readv, ...) at file offset gfn << 12:
 * the domain's pages, for tools (dd, a debugger, a migration helper).  Each
 * page is looked up as the fault path does and copied with only a
 * reference held, so a page freed meanwhile is held, not reused, until the
 * copy is done.  A hole ends the call: what was copied before it, or ENXIO
 * if it is the first page (as SEEK_HOLE's world calls it).
 */
static ssize_t nc_domain_file_rw(struct kiocb *iocb, struct iov_iter *iter,
				 bool write)
{
	struct nc_domain_obj *dom = iocb->ki_filp->private_data;
	struct address_space *mapping = dom->inode->i_mapping;
	ssize_t done = 0;

	while (iov_iter_count(iter)) {
		u64 gfn = (u64)iocb->ki_pos >> PAGE_SHIFT;
		size_t off = iocb->ki_pos & ~PAGE_MASK, n, copied;
		struct page *page = NULL;

		if (iocb->ki_pos < 0 || gfn >= NUMACLAIMS_MAX_GFN)
			break;
		n = min_t(size_t, PAGE_SIZE - off, iov_iter_count(iter));
		filemap_invalidate_lock_shared(mapping);
		if (!READ_ONCE(dom->dying))
			page = nc_physmap_lookup(dom, gfn);
		if (page)
			get_page(page);
		filemap_invalidate_unlock_shared(mapping);
		if (!page)
			return done ? done : -ENXIO;
		copied = write ? copy_page_from_iter(page, off, n, iter) :
				 copy_page_to_iter(page, off, n, iter);
		put_page(page);
		iocb->ki_pos += copied;
		done += copied;
		if (copied < n)
			return done ? done : -EFAULT;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	return done;
}

static ssize_t nc_domain_file_read_iter(struct kiocb *iocb,
					struct iov_iter *iter)
{
	return nc_domain_file_rw(iocb, iter, false);
}

static ssize_t nc_domain_file_write_iter(struct kiocb *iocb,
					 struct iov_iter *iter)
{
	return nc_domain_file_rw(iocb, iter, true);
}

/* SEEK_END answers max_pages << PAGE_SHIFT: how a VMM sizes its backend. */
static loff_t nc_domain_file_llseek(struct file *file, loff_t offset,
				    int whence)
{
	struct nc_domain_obj *dom = file->private_data;
	u64 pages;

	spin_lock(&nc_heap_lock);
	pages = min_t(u64, dom->acct.max_pages, NUMACLAIMS_MAX_GFN);
	spin_unlock(&nc_heap_lock);
	return fixed_size_llseek(file, offset, whence,
				 (loff_t)pages << PAGE_SHIFT);
}

static int nc_domain_file_release(struct inode *inode, struct file *file)
{
	nc_domain_put(file->private_data);
	return 0;
}

/*
 * Mappings of 2 MiB or more start 2 MiB-aligned (relative to their file
 * offset), as for THP-backed files, so superpages can be mapped by PMDs.
 */
static const struct file_operations nc_domain_fops = {
	.owner = THIS_MODULE,
	.mmap = nc_domain_file_mmap,
	.fsync = noop_fsync,	/* msync(MS_SYNC): nothing to write back */
	.read_iter = nc_domain_file_read_iter,
	.write_iter = nc_domain_file_write_iter,
	.get_unmapped_area = thp_get_unmapped_area,
	.llseek = nc_domain_file_llseek,
	.release = nc_domain_file_release,
};

/*
 * Make @file (opened by some other route, e.g. a device node) a file of
 * @dom: its mappings go to the domain's own address space.  Takes a
 * reference to @dom, dropped by the file's release.
 */
static int nc_domain_attach_file(struct nc_domain_obj *dom,
				 struct file *file)
{
	if (READ_ONCE(dom->dying))
		return -ESRCH;
	kref_get(&dom->ref);
	file->private_data = dom;
	file->f_mapping = dom->inode->i_mapping;
	return 0;
}

/* A new file for @dom (O_RDWR), holding a reference to it and the module. */
struct file *nc_domain_file(struct nc_domain_obj *dom)
{
	struct file *file;

	if (READ_ONCE(dom->dying))
		return ERR_PTR(-ESRCH);
	if (!try_module_get(THIS_MODULE))
		return ERR_PTR(-ENODEV);
	ihold(dom->inode);
	file = alloc_file_pseudo(dom->inode, nc_mnt, "numaclaims-domain",
				 O_RDWR, &nc_domain_fops);
	if (IS_ERR(file)) {
		iput(dom->inode);
		module_put(THIS_MODULE);
		return file;
	}
	/* pread/pwrite at gfn << 12 (alloc_file_pseudo() sets only LSEEK). */
	file->f_mode |= FMODE_PREAD | FMODE_PWRITE;
	kref_get(&dom->ref);
	file->private_data = dom;
	return file;
}

/* ---------------------------------------------------------------------------
 * Domain device nodes: /dev/numaclaims-domN (NUMACLAIMS_DOMAIN_DEV_FMT), one
 * minor per domid, so a VMM can open a domain's memory by path.
 *
 * Who may open one is decided by the node's owner and mode alone, as for
 * /dev/kvm or a device-dax node: a new node is 0600 root, and the builder
 * gives it to an unprivileged VMM (chown/chmod: claims_domain_give(),
 * claimctl give).  A domain file can only map, read and write the domain's
 * pages; everything that changes a domain or the host stays on the control
 * device and needs CAP_SYS_ADMIN.  A new domain's node is a new inode
 * (devtmpfs removes the old one with the old domain), so what was given
 * with one domain never reaches the next domain of the same id.
 */
#define NC_DOMDEV_MINORS	0x8000U		/* domids 1 .. 0x7fef */
static dev_t nc_domdev_base;
static struct cdev nc_domdev_cdev;
static struct class *nc_domdev_class;


static int nc_domdev_open(struct inode *inode, struct file *file)
{
	struct nc_domain_obj *dom;
	int ret;

	dom = nc_domain_get(iminor(inode));
	if (!dom)
		return -ESRCH;
	ret = nc_domain_attach_file(dom, file);
	nc_domain_put(dom);
	return ret;
}

static const struct file_operations nc_domdev_fops = {
	.owner = THIS_MODULE,
	.open = nc_domdev_open,
	.release = nc_domain_file_release,
	.mmap = nc_domain_file_mmap,
	.get_unmapped_area = thp_get_unmapped_area,
	.fsync = noop_fsync,
	.read_iter = nc_domain_file_read_iter,
	.write_iter = nc_domain_file_write_iter,
	.llseek = nc_domain_file_llseek,
};

static char *nc_domdev_devnode(NC_DEVNODE_CONST struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0600;
	return NULL;
}

/*
 * A domain has a device node exactly while it is alive: both are decided
 * under the domain's lock (@devnode), so a destroy racing with the create
 * (another caller guessing the new domid) never leaves a node behind.  A
 * missing node only costs the path, not the domain: warn and go on.
 */
void nc_domdev_add(struct nc_domain_obj *dom)
{
	u32 domid = dom->acct.domid;
	struct device *dev;

	if (nc_domain_lock(dom))
		return;
	dev = device_create(nc_domdev_class, NULL,
			    MKDEV(MAJOR(nc_domdev_base), domid), NULL,
			    "numaclaims-dom%u", domid);
	if (IS_ERR(dev))
		pr_warn("domain %u: no device node (%ld)\n", domid,
			PTR_ERR(dev));
	else
		dom->devnode = true;
	mutex_unlock(&dom->lock);
}

void nc_domdev_remove(struct nc_domain_obj *dom)
{
	mutex_lock(&dom->lock);
	if (dom->devnode)
		device_destroy(nc_domdev_class,
			       MKDEV(MAJOR(nc_domdev_base), dom->acct.domid));
	dom->devnode = false;
	mutex_unlock(&dom->lock);
}

int nc_domdev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&nc_domdev_base, 0, NC_DOMDEV_MINORS,
				  "numaclaims-dom");
	if (ret)
		return ret;
	cdev_init(&nc_domdev_cdev, &nc_domdev_fops);
	nc_domdev_cdev.owner = THIS_MODULE;
	ret = cdev_add(&nc_domdev_cdev, nc_domdev_base, NC_DOMDEV_MINORS);
	if (ret)
		goto out_region;
	nc_domdev_class = nc_class_create("numaclaims");
	if (IS_ERR(nc_domdev_class)) {
		ret = PTR_ERR(nc_domdev_class);
		goto out_cdev;
	}
	nc_domdev_class->devnode = nc_domdev_devnode;
	return 0;
out_cdev:
	cdev_del(&nc_domdev_cdev);
out_region:
	unregister_chrdev_region(nc_domdev_base, NC_DOMDEV_MINORS);
	return ret;
}

/*
 * At unload every domain file is closed (each holds the module): remove
 * the nodes of the domains still alive, then the class.
 */
void nc_domdev_exit(void)
{
	struct nc_domain_obj *dom;
	u32 domid = 0;

	while ((dom = nc_domain_get_next(domid))) {
		domid = dom->acct.domid + 1;
		nc_domdev_remove(dom);
		nc_domain_put(dom);
	}
	class_destroy(nc_domdev_class);
	cdev_del(&nc_domdev_cdev);
	unregister_chrdev_region(nc_domdev_base, NC_DOMDEV_MINORS);
}
