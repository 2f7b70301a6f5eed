/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvfio-reset: plan and perform resets of vfio-pci devices from a VMM.
 *
 * Every function returning int returns 0 (or a non-negative value) on
 * success and a negative errno on failure.  Functions taking a
 * struct vfio_reset_err fill it with a sentence for humans, so callers can
 * print "vfio-reset: <bdf>: <msg>" without guessing what went wrong.
 */
#ifndef VFIO_RESET_H
#define VFIO_RESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

#define VFIO_RESET_BDF_LEN 16		/* "0000:00:00.0" + NUL, rounded */
#define VFIO_RESET_MSG_LEN 256

enum vfio_reset_path {
	VFIO_RESET_PATH_AUTO,	/* cdev when /dev/iommu and vfio-dev/ exist */
	VFIO_RESET_PATH_GROUP,	/* legacy group + type1 container */
	VFIO_RESET_PATH_CDEV,	/* /dev/vfio/devices/vfioN + iommufd */
};

/*
 * Why an open failed, beyond the errno: lets the CLI choose its exit code
 * and lets a VMM tell "wrong host setup" from "ioctl failed".
 */
enum vfio_reset_err_kind {
	VFIO_RESET_ERR_GENERIC,
	VFIO_RESET_ERR_NOT_FOUND,	/* no such PCI device */
	VFIO_RESET_ERR_NOT_VFIO,	/* not bound to a vfio-pci driver */
	VFIO_RESET_ERR_GROUP_NOT_VIABLE,
	VFIO_RESET_ERR_NO_CDEV,		/* no vfio-dev node or no /dev/iommu */
};

struct vfio_reset_err {
	int err;			/* negative errno, 0 if none */
	enum vfio_reset_err_kind kind;
	char msg[VFIO_RESET_MSG_LEN];
};

/*
 * Injectable view of sysfs and /dev.  The library never touches sysfs
 * directly, so a backend may name devices that have no sysfs presence
 * (the fake backend, or a VMM given pre-opened fds).
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

struct vfio_reset_dev;
struct vfio_reset_ctx;

/* Per-backend device operations: raw uapi calls, each returns -errno. */
struct vfio_reset_ops {
	int (*get_info)(struct vfio_reset_dev *dev, struct vfio_device_info *info);
	int (*get_region_info)(struct vfio_reset_dev *dev,
			       struct vfio_region_info *info);
	int (*region_read)(struct vfio_reset_dev *dev, uint64_t offset,
			   void *buf, size_t len);
	int (*region_write)(struct vfio_reset_dev *dev, uint64_t offset,
			    const void *buf, size_t len);
	int (*get_irq_info)(struct vfio_reset_dev *dev, struct vfio_irq_info *info);
	int (*set_irqs)(struct vfio_reset_dev *dev, struct vfio_irq_set *set);
	int (*device_reset)(struct vfio_reset_dev *dev);
	/* caller sets info->argsz; on -ENOSPC info->count holds the need */
	int (*hot_reset_info)(struct vfio_reset_dev *dev,
			      struct vfio_pci_hot_reset_info *info);
	int (*hot_reset)(struct vfio_reset_dev *dev, struct vfio_pci_hot_reset *req);
	int (*device_feature)(struct vfio_reset_dev *dev,
			      struct vfio_device_feature *feature);
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
};

extern const struct vfio_reset_backend vfio_reset_backend_kernel;

/* Open device; fields are read-only for library users. */
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
};

struct vfio_reset_ctx *vfio_reset_ctx_new(const struct vfio_reset_backend *backend,
					  const struct vfio_reset_sys *sys,
					  void *backend_priv);
void vfio_reset_ctx_free(struct vfio_reset_ctx *ctx);
void *vfio_reset_ctx_backend_priv(struct vfio_reset_ctx *ctx);
const struct vfio_reset_sys *vfio_reset_ctx_sys(struct vfio_reset_ctx *ctx);
/* Resolve AUTO for a BDF: cdev if /dev/iommu and <bdf>/vfio-dev exist. */
enum vfio_reset_path vfio_reset_default_path(struct vfio_reset_ctx *ctx,
					     const char *bdf);
/*
 * Open a device in ctx.  All devices of a context share one container
 * (group path) or one iommufd (cdev path), which is what makes them count
 * as "owned" for a hot reset.
 */
int vfio_reset_open(struct vfio_reset_ctx *ctx, const char *bdf,
		    enum vfio_reset_path path, struct vfio_reset_dev **out,
		    struct vfio_reset_err *err);
void vfio_reset_close(struct vfio_reset_dev *dev);
/* Group fd held by some open device in ctx, or -1. */
int vfio_reset_ctx_group_fd(struct vfio_reset_ctx *ctx, uint32_t group_id);

/* ---- reset plan ---- */

enum vfio_reset_ownership {
	VFIO_RESET_OWNED_DEVID,		/* cdev: devid > 0 in our iommufd */
	VFIO_RESET_OWNED_IMPLICIT,	/* cdev: VFIO_PCI_DEVID_OWNED */
	VFIO_RESET_NOT_OWNED,		/* cdev: VFIO_PCI_DEVID_NOT_OWNED */
	VFIO_RESET_GROUP_HELD,		/* group: we hold the group fd */
	VFIO_RESET_GROUP_OPENABLE,	/* group: we can open it for the reset */
	VFIO_RESET_GROUP_UNAVAILABLE,	/* group: fd not held, cannot open */
};

struct vfio_reset_affected {
	char bdf[VFIO_RESET_BDF_LEN];
	bool has_group_id;
	uint32_t group_id;		/* from the kernel (group path) or sysfs */
	bool has_devid;
	uint32_t devid;			/* raw value from the kernel (cdev path) */
	enum vfio_reset_ownership ownership;
	int group_open_err;		/* -errno of a failed probe open, or 0 */
	char driver[32];		/* sysfs driver, "" if unknown/none */
	bool driver_known;
};

enum vfio_reset_kind { VFIO_RESET_FUNCTION, VFIO_RESET_HOT };

struct vfio_reset_blocker {
	enum vfio_reset_kind kind;
	int err;			/* positive errno the kernel would return */
	char reason[VFIO_RESET_MSG_LEN];
};

#define VFIO_RESET_MAX_BLOCKERS 16

struct vfio_reset_plan {
	char bdf[VFIO_RESET_BDF_LEN];
	enum vfio_reset_path path;
	uint32_t info_flags;		/* VFIO_DEVICE_GET_INFO flags */
	/* function reset (VFIO_DEVICE_RESET) */
	bool function_reset;
	bool methods_known;
	char reset_methods[96];		/* sysfs reset_method, priority order */
	char function_method[24];	/* first method: what the kernel tries first */
	/* hot reset (VFIO_DEVICE_PCI_HOT_RESET) */
	int hot_info_err;		/* -errno of HOT_RESET_INFO, 0 if ok */
	uint32_t hot_flags;		/* VFIO_PCI_HOT_RESET_FLAG_* */
	bool hot_reset;			/* possible now, no blockers */
	size_t n_affected;
	struct vfio_reset_affected *affected;
	size_t n_blockers;
	struct vfio_reset_blocker blockers[VFIO_RESET_MAX_BLOCKERS];
};

#define VFIO_RESET_PLAN_PROBE_GROUPS	(1u << 0) /* try-open unheld groups */

int vfio_reset_plan(struct vfio_reset_dev *dev, unsigned int flags,
		    struct vfio_reset_plan *plan, struct vfio_reset_err *err);
void vfio_reset_plan_free(struct vfio_reset_plan *plan);
const char *vfio_reset_ownership_name(enum vfio_reset_ownership o);
/* true if the kernel answered with devids (VFIO_PCI_HOT_RESET_FLAG_DEV_ID) */
bool vfio_reset_plan_uses_devid(const struct vfio_reset_plan *plan);

/* ---- perform ---- */

struct vfio_reset_result {
	enum vfio_reset_kind kind;
	int err;			/* -errno, 0 on success */
	uint64_t duration_ns;
	size_t n_group_fds;		/* fds passed to PCI_HOT_RESET */
	uint32_t vendor_device;		/* config dword 0 read after reset */
};

int vfio_reset_function(struct vfio_reset_dev *dev, struct vfio_reset_result *res,
			struct vfio_reset_err *err);
int vfio_reset_hot(struct vfio_reset_dev *dev, struct vfio_reset_result *res,
		   struct vfio_reset_err *err);

/* ---- notifications ---- */

/* eventfd triggered on AER errors (VFIO_PCI_ERR_IRQ_INDEX); returns fd */
int vfio_reset_subscribe_err(struct vfio_reset_dev *dev, struct vfio_reset_err *err);

/*
 * Reset-completed notification: VFIO_PCI_RESET_DONE_IRQ_INDEX, an eventfd
 * the kernel signals once per completed reset it did behind the user's
 * back (sysfs reset, bus/slot reset by another kernel user, fatal AER/DPC
 * recovery), after the user's configuration is restored and BAR access has
 * resumed.  Not signalled for VFIO_DEVICE_RESET, hot reset, open or close.
 *
 * The fallback lets the library build against uapi headers older than the
 * constant.  The uapi defines it as an enum constant, which the
 * preprocessor cannot see, so this macro is also defined with new headers;
 * it expands to the same value (the index after VFIO_PCI_REQ_IRQ_INDEX).
 */
#ifndef VFIO_PCI_RESET_DONE_IRQ_INDEX
#define VFIO_PCI_RESET_DONE_IRQ_INDEX (VFIO_PCI_REQ_IRQ_INDEX + 1)
#endif
/*
 * 0 if the device offers it (GET_IRQ_INFO: count >= 1, EVENTFD), else the
 * negative errno: the kernel's answer (-EINVAL from kernels or drivers
 * without it) or -ENOTSUP when it answers count 0 / no EVENTFD flag.
 */
int vfio_reset_probe_reset_done(struct vfio_reset_dev *dev);
/* returns eventfd, or the probe's -errno when unsupported */
int vfio_reset_subscribe_reset_done(struct vfio_reset_dev *dev,
				    struct vfio_reset_err *err);

/* ---- helpers ---- */
int vfio_reset_parse_bdf(const char *in, char out[VFIO_RESET_BDF_LEN]);
void vfio_reset_format_bdf(char out[VFIO_RESET_BDF_LEN], uint16_t seg,
			   uint8_t bus, uint8_t devfn);
int vfio_reset_set_err(struct vfio_reset_err *err, int negerr,
		       enum vfio_reset_err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool vfio_reset_driver_is_vfio(const char *driver);

#endif /* VFIO_RESET_H */
