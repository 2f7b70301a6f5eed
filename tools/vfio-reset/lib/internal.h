/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Shared between the library's own files; not installed. */
#ifndef VFIO_RESET_INTERNAL_H
#define VFIO_RESET_INTERNAL_H

#include "vfio_reset_backend.h"

/*
 * The reset-completed notification: the index after VFIO_PCI_REQ_IRQ_INDEX
 * that the 6.12 queue's kernel assigns (the uapi's
 * VFIO_PCI_RESET_DONE_IRQ_INDEX), probed at run time with
 * VFIO_DEVICE_GET_IRQ_INFO.  A library-owned name, so the uapi's is never
 * shadowed; with headers that have the uapi constant the Makefile defines
 * VFIO_RESET_UAPI_HAS_RESET_DONE and perform.c checks they agree.
 */
#define VFIO_RESET_DONE_IRQ_INDEX (VFIO_PCI_REQ_IRQ_INDEX + 1)

#define VFIO_RESET_CTX_MAX_DEVS 64

struct vfio_reset_ctx {
	const struct vfio_reset_backend *backend;
	const struct vfio_reset_sys *sys;
	void *backend_priv;
	struct vfio_reset_dev *devs[VFIO_RESET_CTX_MAX_DEVS];
	size_t n_devs;
	/* state shared by every device of the context (kernel backend) */
	int container_fd;
	bool container_has_iommu;
	int iommufd;
	uint32_t ioas_id;
	bool ioas_valid;
};

/* sys wrappers: tolerate a sys table with missing callbacks */
int vr_sys_link(struct vfio_reset_ctx *ctx, const char *bdf, const char *link,
		char *buf, size_t len);
int vr_sys_attr(struct vfio_reset_ctx *ctx, const char *bdf, const char *attr,
		char *buf, size_t len);
int vr_sys_dir_entry(struct vfio_reset_ctx *ctx, const char *bdf,
		     const char *dir, char *buf, size_t len);
int vr_sys_dev_exists(struct vfio_reset_ctx *ctx, const char *bdf);
int vr_sys_node_exists(struct vfio_reset_ctx *ctx, const char *path);
uint64_t vr_now_ns(void);

#endif
