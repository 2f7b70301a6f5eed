/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libvfio-reset backend interface: how a device handle reaches the
 * kernel (or anything that answers like it).  Consumers of the library
 * need only vfio_reset.h; this header is for backend implementers, the
 * CLI and the tests.  It is not yet stable across minor versions: its
 * structs grow at their end, and its symbols sit in the version node of
 * the minor version whose layout they have (lib/libvfio-reset.map), so
 * that a backend built against an older minor version fails to load
 * instead of misbehaving.
 */
#ifndef VFIO_RESET_BACKEND_H
#define VFIO_RESET_BACKEND_H

#include <linux/vfio.h>

#include "vfio_reset.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Injectable view of sysfs and /dev.  The library never touches sysfs
 * directly, so a backend may name devices that have no sysfs presence
 * (the fake backend, or a VMM given pre-opened fds).  Each returns the
 * value described or a negative errno.
 */
struct vfio_reset_sys {
	void *priv;
	/* 1 if /sys/bus/pci/devices/<bdf> exists, 0 if not */
	int (*dev_exists)(void *priv, const char *bdf);
	/* basename of the symlink <bdf>/<link> (driver, iommu_group) */
	int (*dev_link)(void *priv, const char *bdf, const char *link,
			char *buf, size_t len);
	/* contents of <bdf>/<attr>, trailing newline removed */
	int (*dev_attr)(void *priv, const char *bdf, const char *attr,
			char *buf, size_t len);
	/* name of the first entry of directory <bdf>/<dir> (vfio-dev) */
	int (*dev_dir_entry)(void *priv, const char *bdf, const char *dir,
			     char *buf, size_t len);
	/* 1 if the path (a device node such as /dev/iommu) exists */
	int (*node_exists)(void *priv, const char *path);
};

extern const struct vfio_reset_sys vfio_reset_sys_host;

/*
 * Per-backend device operations, in the shape of the vfio uapi but not
 * tied to how Linux's vfio-pci lays its regions out, so that a vfio-user
 * or non-Linux backend can implement them.  Each returns 0 or a negative
 * errno (the kernel's, for the kernel backend).  The library calls them
 * from the thread that called it, one at a time per context (see
 * vfio_reset.h), except kernel_reset_probe and kernel_reset_status,
 * which may run concurrently with any other op of the same device.
 */
struct vfio_reset_ops {
	/* VFIO_DEVICE_GET_INFO: flags (PCI, RESET), num_regions, num_irqs */
	int (*get_info)(struct vfio_reset_dev *dev, struct vfio_device_info *info);
	/*
	 * VFIO_DEVICE_GET_REGION_INFO for info->index: size and flags; the
	 * offset is the backend's business (region_read/write do not take it)
	 */
	int (*get_region_info)(struct vfio_reset_dev *dev,
			       struct vfio_region_info *info);
	/*
	 * Read/write len bytes at offset within region index (a
	 * VFIO_PCI_*_REGION_INDEX): pread/pwrite of the device fd at the
	 * region's offset for the kernel, VFIO_USER_REGION_READ/WRITE for
	 * vfio-user.  All or nothing: a short transfer is -EIO.
	 */
	int (*region_read)(struct vfio_reset_dev *dev, uint32_t index, uint64_t offset,
			   void *buf, size_t len);
	int (*region_write)(struct vfio_reset_dev *dev, uint32_t index, uint64_t offset,
			    const void *buf, size_t len);
	/* VFIO_DEVICE_GET_IRQ_INFO for info->index: count and flags */
	int (*get_irq_info)(struct vfio_reset_dev *dev, struct vfio_irq_info *info);
	/* VFIO_DEVICE_SET_IRQS; set->data holds the eventfds (int32_t, -1 disarms) */
	int (*set_irqs)(struct vfio_reset_dev *dev, struct vfio_irq_set *set);
	/* VFIO_DEVICE_RESET: a function reset of this device */
	int (*device_reset)(struct vfio_reset_dev *dev);
	/*
	 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO: the slot/bus reset scope.  The
	 * caller sets info->argsz; on -ENOSPC info->count holds the need.
	 * With VFIO_PCI_HOT_RESET_FLAG_DEV_ID the entries carry devids,
	 * else IOMMU group ids.
	 */
	int (*hot_reset_info)(struct vfio_reset_dev *dev,
			      struct vfio_pci_hot_reset_info *info);
	/*
	 * VFIO_DEVICE_PCI_HOT_RESET.  The ownership proof in req depends on
	 * how the device was opened, not on the backend: group fds of every
	 * group of the scope on the group path, a zero-length array on the
	 * cdev path (the library builds it; the backend passes it on).
	 */
	int (*hot_reset)(struct vfio_reset_dev *dev, struct vfio_pci_hot_reset *req);
	/*
	 * The kernel-reset features (VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS
	 * and _EVENTFD), in the library's types so that this header does not
	 * need uapi headers that have them.  Any may be NULL: the library
	 * then answers -ENOTSUP.
	 */
	/* VFIO_DEVICE_FEATURE_PROBE | GET of KERNEL_RESET_STATUS */
	int (*kernel_reset_probe)(struct vfio_reset_dev *dev);
	/* VFIO_DEVICE_FEATURE_GET of KERNEL_RESET_STATUS, copied field by field */
	int (*kernel_reset_status)(struct vfio_reset_dev *dev,
				   struct vfio_reset_kernel_reset_status *st);
	/* VFIO_DEVICE_FEATURE_SET of KERNEL_RESET_EVENTFD: arm fd, or -1 disarms */
	int (*kernel_reset_eventfd)(struct vfio_reset_dev *dev, int fd);
	/*
	 * vfio_reset_close(), after the library disarmed what it armed:
	 * release the device (nothing of an adopted device's fds)
	 */
	void (*close)(struct vfio_reset_dev *dev);
};

/* A backend knows how to open devices and group fds in a context. */
struct vfio_reset_backend {
	const char *name;
	int (*open_device)(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev,
			   struct vfio_reset_err *err);
	/* open a group fd only as proof of ownership for a hot reset */
	int (*open_group)(struct vfio_reset_ctx *ctx, uint32_t group_id);
	void (*close_fd)(struct vfio_reset_ctx *ctx, int fd);
	void (*ctx_destroy)(struct vfio_reset_ctx *ctx);
	/* 1.1 */
	/*
	 * vfio_reset_adopt(): check the caller's fds and set dev up around
	 * them (ops, device_fd, group_fd, group_id, devid; bdf if empty).
	 * NULL: the backend cannot adopt (-ENOTSUP).  Nothing of fds is ever
	 * closed by the library.
	 */
	int (*adopt_device)(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev,
			    const struct vfio_reset_adopt_fds *fds,
			    struct vfio_reset_err *err);
};

extern const struct vfio_reset_backend vfio_reset_backend_kernel;

/* Open device; fields are set by the library and the backend's open_device. */
struct vfio_reset_dev {
	struct vfio_reset_ctx *ctx;
	const struct vfio_reset_ops *ops;
	void *priv;			/* backend data */
	char bdf[VFIO_RESET_BDF_LEN];
	enum vfio_reset_path path;	/* resolved: GROUP or CDEV */
	int device_fd;
	int64_t group_id;		/* -1 if unknown */
	int group_fd;			/* group path only, else -1 */
	uint32_t devid;			/* cdev path: devid from BIND_IOMMUFD */
	/* kernel-reset eventfd armed through the library, -1 if none */
	int kreset_fd;
	bool kreset_fd_owned;		/* created by the library: it closes it */
	/* 1.1 */
	bool adopted;			/* fds are the caller's: ops->close closes none */
	int err_fd;			/* ERR eventfd armed through the library, -1 if none */
};

struct vfio_reset_ctx *vfio_reset_ctx_new(const struct vfio_reset_backend *backend,
					  const struct vfio_reset_sys *sys,
					  void *backend_priv);
void *vfio_reset_ctx_backend_priv(struct vfio_reset_ctx *ctx);
const struct vfio_reset_sys *vfio_reset_ctx_sys(struct vfio_reset_ctx *ctx);
/* Group fd held by some open device in ctx, or -1. */
int vfio_reset_ctx_group_fd(struct vfio_reset_ctx *ctx, uint32_t group_id);

/* fill err (if not NULL) and return negerr (a negative errno) */
int vfio_reset_set_err(struct vfio_reset_err *err, int negerr,
		       enum vfio_reset_err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* vfio-pci itself and vfio-pci-core variant drivers (mlx5_vfio_pci, ...) */
bool vfio_reset_driver_is_vfio(const char *driver);

#ifdef __cplusplus
}
#endif

#endif /* VFIO_RESET_BACKEND_H */
