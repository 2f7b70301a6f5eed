/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Scripted fake backend for unit tests: a table of devices and the answers
 * the kernel would give, with ownership computed the way vfio_pci_core.c
 * computes it so plan tests exercise real decision paths.  Not part of
 * the installed library: tests link lib/fake.c themselves.
 */
#ifndef VFIO_RESET_FAKE_H
#define VFIO_RESET_FAKE_H

#include "vfio_reset_backend.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VFIO_FAKE_MAX_DEVS 16
#define VFIO_FAKE_MAX_SCOPE 8
#define VFIO_FAKE_GROUP_FD_BASE 1000	/* fake group fd = base + group id */
#define VFIO_FAKE_DEVICE_FD_BASE 100	/* fake device fd = base + index */

struct vfio_fake_device {
	char bdf[VFIO_RESET_BDF_LEN];
	bool no_sysfs;			/* backend knows it, sysfs does not */
	const char *driver;		/* NULL: not bound */
	int iommu_group;		/* -1: none */
	const char *reset_method;	/* NULL: attribute absent */
	bool has_cdev;
	bool conventional;		/* conventional PCI on a kernel (6.12) with ERR for PCIe only */
	uint32_t info_flags;
	const char *scope[VFIO_FAKE_MAX_SCOPE];	/* hot reset scope; empty: -ENODEV */
	int get_info_err, hot_info_err, reset_err, hot_reset_err;
	uint32_t enospc_grow;		/* scope grows by N after first ENOSPC */
	uint32_t enospc_always;		/* keep answering ENOSPC (topology churn) */
	uint32_t config_id;		/* config dword 0 after reset */
	unsigned int reset_delay_us;	/* each RESET / PCI_HOT_RESET sleeps this long */
	/* the kernel-reset features, as vfio_pci_core_ioctl_feature() answers */
	bool kernel_reset;		/* offered; false: -ENOTTY */
	bool no_kernel_reset_ops;	/* open with ops lacking them (-ENOTSUP) */
	struct vfio_reset_kernel_reset_status kreset;	/* what GET reports */
	int kreset_fd;			/* armed eventfd, -1: none */
	int kreset_status_err, kreset_eventfd_err;	/* injected ioctl errors */
	unsigned int kreset_probe_calls, kreset_set_calls;
};

struct vfio_fake {
	struct vfio_fake_device devs[VFIO_FAKE_MAX_DEVS];
	size_t n_devs;
	bool no_dev_iommu;
	int busy_groups[8];		/* held by "another process" */
	size_t n_busy_groups;
	/* what the code under test did */
	unsigned int hot_info_calls, reset_calls, hot_reset_calls;
	uint32_t last_hot_reset_count;
	int last_group_fds[VFIO_FAKE_MAX_SCOPE];
	int open_group_fds;		/* proof fds currently open: leak check */
	int err_eventfd;
	uint32_t last_set_irqs_flags;
	uint32_t next_devid;
};

void vfio_fake_init(struct vfio_fake *fake);
struct vfio_fake_device *vfio_fake_add(struct vfio_fake *fake, const char *bdf,
				       const char *driver, int iommu_group);
/* an AER error: signal the ERR eventfd (if armed) */
int vfio_fake_signal_err(struct vfio_fake *fake);
/*
 * A kernel-reset window of devs[i] starts / ends with outcome (one of
 * VFIO_RESET_KERNEL_RESET_RESTORED...): the status changes first, then
 * the armed eventfd (if any) is signalled, as vfio_pci_core.c does.
 */
int vfio_fake_kreset_start(struct vfio_fake *fake, size_t i);
int vfio_fake_kreset_end(struct vfio_fake *fake, size_t i, uint32_t outcome);
extern const struct vfio_reset_backend vfio_reset_backend_fake;
/* sys view of the same table; set .priv to the struct vfio_fake */
extern const struct vfio_reset_sys vfio_reset_sys_fake_template;

#ifdef __cplusplus
}
#endif

#endif
