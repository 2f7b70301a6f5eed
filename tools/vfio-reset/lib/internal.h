/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Shared between the library's own files; not installed. */
#ifndef VFIO_RESET_INTERNAL_H
#define VFIO_RESET_INTERNAL_H

#include <sys/types.h>

#include "vfio_reset_backend.h"

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
/* the device of ctx with this canonical BDF, or NULL */
struct vfio_reset_dev *vr_ctx_dev(struct vfio_reset_ctx *ctx, const char *bdf);
/*
 * vfio_reset_close(): disarm the kernel-reset eventfd if one is armed
 * (best effort, errors ignored) and close it if the library created it.
 */
void vr_kernel_reset_release(struct vfio_reset_dev *dev);
/* vfio_reset_close(): disarm the ERR eventfd if the library armed one */
void vr_err_release(struct vfio_reset_dev *dev);

/*
 * The system calls of the kernel backend's device ops and opening paths
 * (not its sysfs view, which is the context's struct vfio_reset_sys):
 * the host's by default; tests/kernel_unit.c points it at a scripted
 * kernel.  Not exported by the shared library (lib/libvfio-reset.map).
 */
struct stat;
struct vr_kernel_syscalls {
	int (*ioctl)(int fd, unsigned long req, void *arg);
	int (*open)(const char *path, int flags);
	int (*close)(int fd);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*pread)(int fd, void *buf, size_t len, off_t off);
	ssize_t (*pwrite)(int fd, const void *buf, size_t len, off_t off);
	int (*fstat)(int fd, struct stat *st);
	int (*stat)(const char *path, struct stat *st);
	int (*fcntl_getfd)(int fd);
};
extern const struct vr_kernel_syscalls *vr_kernel_syscalls;

#endif
