/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numaclaims: the kernel API differences between the kernels the module is
 * built and tested on (Debian's 6.1 and bookworm-backports' 6.12, see
 * `make selftests-612 kunit-612`).  Every kernel-version test of the module
 * is in this file.
 *
 * no_llseek needs nothing here: a NULL ->llseek makes lseek(2) fail with
 * ESPIPE on both (6.1's no_llseek is already "#define no_llseek NULL", and
 * 6.12 removed the name), so the file operations leave ->llseek unset.
 */
#ifndef NC_COMPAT_H
#define NC_COMPAT_H

#include <linux/device.h>
#include <linux/mm.h>
#include <linux/version.h>

/* 6.2: struct class's ->devnode takes a const struct device *. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define NC_DEVNODE_CONST const
#else
#define NC_DEVNODE_CONST
#endif

/* 6.4: class_create() lost its owner argument. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define nc_class_create(name) class_create(name)
#else
#define nc_class_create(name) class_create(THIS_MODULE, name)
#endif

/* 6.3: vma->vm_flags is read-only, changed through vm_flags_set(). */
static inline void nc_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

#endif /* NC_COMPAT_H */
