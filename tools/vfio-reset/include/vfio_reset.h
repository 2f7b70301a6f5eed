/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libvfio-reset: plan and perform resets of vfio-pci devices from a VMM.
 *
 * This is the consumer API.  Backends (the ops vector a device handle is
 * driven through) are declared in vfio_reset_backend.h.
 *
 * Errors: every function returning int returns 0 (or a non-negative value
 * such as an fd) on success and a negative errno on failure; every errno
 * stored in a struct of this header (vfio_reset_err.err,
 * vfio_reset_plan.hot_info_err, vfio_reset_affected.group_open_err,
 * vfio_reset_blocker.err, vfio_reset_result.err) is negative too, 0 meaning
 * none.  Functions taking a struct vfio_reset_err fill it with a sentence
 * for humans, so callers can print "vfio-reset: <bdf>: <msg>" without
 * guessing what went wrong.
 *
 * Threading: a context and its devices are not locked; use one context per
 * thread or serialise calls on it.  Distinct contexts are independent.
 */
#ifndef VFIO_RESET_H
#define VFIO_RESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * MAJOR is the soname (libvfio-reset.so.MAJOR): it changes when symbols go
 * away or change meaning; MINOR when symbols are added.
 */
#define VFIO_RESET_VERSION_MAJOR 1
#define VFIO_RESET_VERSION_MINOR 1
#define VFIO_RESET_VERSION_PATCH 0
/* (MAJOR << 16) | (MINOR << 8) | PATCH, comparable with vfio_reset_version() */
#define VFIO_RESET_VERSION_CODE \
	((VFIO_RESET_VERSION_MAJOR << 16) | (VFIO_RESET_VERSION_MINOR << 8) | \
	 VFIO_RESET_VERSION_PATCH)

/* version of the library actually loaded, as VFIO_RESET_VERSION_CODE */
unsigned int vfio_reset_version(void);
/* the same as "MAJOR.MINOR.PATCH" */
const char *vfio_reset_version_string(void);

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

/* opaque handles */
struct vfio_reset_dev;
struct vfio_reset_ctx;

/*
 * A context on the host kernel (vfio ioctls, sysfs under /sys/bus/pci).
 * NULL on allocation failure.  Contexts with other backends are made with
 * vfio_reset_ctx_new() (vfio_reset_backend.h).
 */
struct vfio_reset_ctx *vfio_reset_ctx_new_default(void);
/* closes every device still open in ctx, then the context's own fds */
void vfio_reset_ctx_free(struct vfio_reset_ctx *ctx);
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
/*
 * The fds of a device the caller (a VMM) already holds, for
 * vfio_reset_adopt().  Unused members are -1 (fds) or 0 (devid).
 */
struct vfio_reset_adopt_fds {
	int device_fd;		/* required: a vfio-pci device fd */
	/* group path: the device's group fd; container_fd may be -1 */
	int group_fd;
	int container_fd;
	/* cdev path: the iommufd the device is bound to, and its devid */
	int iommufd;
	uint32_t devid;		/* out_devid of VFIO_DEVICE_BIND_IOMMUFD, 0: unknown */
};

/* every fd -1 (0 is a valid fd): start from this, then set what you hold */
#define VFIO_RESET_ADOPT_FDS_INIT \
	{ .device_fd = -1, .group_fd = -1, .container_fd = -1, .iommufd = -1, .devid = 0 }

/*
 * Make a device handle from fds the caller owns, instead of opening the
 * device: the way to plan, reset and watch a device a VM is using (a
 * second open of it would fail).  The path is the group path if
 * fds->group_fd >= 0, the cdev path if fds->iommufd >= 0; exactly one
 * must be given.  bdf names the device for sysfs; NULL takes it from the
 * device fd (the kernel's "vfio-device-syspath" fdinfo, Linux 6.16 and
 * later; -EINVAL without it).  Where the kernel can tell (that fdinfo, or
 * the cdev's device number), a bdf that is not the device fd's is
 * refused (-EINVAL).
 *
 * The library never closes an adopted fd: vfio_reset_close() and
 * vfio_reset_ctx_free() leave every fd of fds open (they disarm what the
 * library armed).  The caller keeps them open while the handle exists.
 * A context holds either adopted devices or devices it opened itself
 * (mixing them would put them in different containers or iommufds, so
 * neither would count as owned for a hot reset): -EINVAL otherwise.
 * vfio_reset_hot() of an adopted device never opens a group the caller
 * does not hold; vfio_reset_hot_ex() does only with
 * VFIO_RESET_HOT_OPEN_GROUPS.
 *
 * Returns 0 with *out set, or a negative errno with err filled: -EBADF
 * for a closed fd, -EINVAL for a missing or contradictory fd, an fd that
 * is not what its member says, or a bdf that is not the device's,
 * -ENODEV for a device sysfs does not show bound to vfio-pci or without
 * an IOMMU group (group path).  The kernel cannot be asked which
 * container or iommufd a device fd is attached to: container_fd is only
 * checked to be a container, and iommufd to be /dev/iommu.  A context
 * should adopt devices of one container or iommufd: hot reset ownership
 * is decided per container or iommufd.
 */
int vfio_reset_adopt(struct vfio_reset_ctx *ctx, const char *bdf,
		     const struct vfio_reset_adopt_fds *fds,
		     struct vfio_reset_dev **out, struct vfio_reset_err *err);
/* true for a handle made by vfio_reset_adopt() */
bool vfio_reset_dev_adopted(const struct vfio_reset_dev *dev);
void vfio_reset_close(struct vfio_reset_dev *dev);
/* canonical "DDDD:BB:DD.F" of an open device */
const char *vfio_reset_dev_bdf(const struct vfio_reset_dev *dev);
/* resolved open path: GROUP or CDEV */
enum vfio_reset_path vfio_reset_dev_path(const struct vfio_reset_dev *dev);

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

/* what a blocker is about, for callers that act on it */
enum vfio_reset_cause {
	VFIO_RESET_CAUSE_NOTE,		/* informative, err == 0 */
	VFIO_RESET_CAUSE_NO_FUNCTION_RESET, /* VFIO_DEVICE_FLAGS_RESET clear */
	VFIO_RESET_CAUSE_NO_SLOT_OR_BUS,	/* HOT_RESET_INFO: -ENODEV */
	VFIO_RESET_CAUSE_NO_IOMMU_GROUP,	/* HOT_RESET_INFO: -EPERM */
	VFIO_RESET_CAUSE_INFO_FAILED,	/* HOT_RESET_INFO: any other error */
	VFIO_RESET_CAUSE_PATH_MISMATCH,	/* kernel answered for the other path */
	VFIO_RESET_CAUSE_NOT_VFIO,	/* a scope device not bound to vfio-pci */
	VFIO_RESET_CAUSE_NOT_OWNED,	/* cdev: a scope device not owned */
	VFIO_RESET_CAUSE_GROUP_NOT_HELD, /* group: fd not held (may be openable) */
	VFIO_RESET_CAUSE_NO_OWNED_FLAG,	/* cdev: DEV_ID_OWNED flag missing */
};

struct vfio_reset_blocker {
	enum vfio_reset_kind kind;
	enum vfio_reset_cause cause;
	int err;			/* negative errno the kernel would return, 0: note */
	char reason[VFIO_RESET_MSG_LEN];
};

#define VFIO_RESET_MAX_BLOCKERS 16

/* values of vfio_reset_plan.hot_flags (mirror VFIO_PCI_HOT_RESET_FLAG_*) */
#define VFIO_RESET_HOT_FLAG_DEV_ID		(1u << 0)
#define VFIO_RESET_HOT_FLAG_DEV_ID_OWNED	(1u << 1)

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

/*
 * Try-open the groups of the scope the caller does not hold, to tell
 * group-openable from group-unavailable.  Opening a group can race a VM
 * that is starting: without the flag, plan opens nothing.
 */
#define VFIO_RESET_PLAN_PROBE_GROUPS	(1u << 0)

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

/*
 * vfio_reset_hot() with options after QEMU's vfio_pci_hot_reset().
 *
 * VFIO_RESET_HOT_SINGLE: reset only if the scope is this device alone (a
 *   device reset the VMM wants for one device, not a bus reset of its
 *   neighbours); -EPERM, before the reset ioctl, if the scope holds any
 *   other function.  (QEMU's single mode is looser: it refuses only when
 *   another device of the VM is in scope, with -EINVAL.)
 * VFIO_RESET_HOT_OPEN_GROUPS: on the group path, open the groups of the
 *   scope the context does not hold, as proof of ownership, for the
 *   ioctl's duration.  Without it a group not held fails the reset with
 *   -EINVAL before the ioctl, naming the group: opening a group can race
 *   a VM that is starting.  vfio_reset_hot() sets it for contexts that
 *   opened their devices, never for adopted ones.
 *
 * pre_reset is called, in scope order, for every device of the scope that
 * is open (or adopted) in this context, before the ioctl: a VMM saves
 * what it must and quiesces the device there.  A negative return stops:
 * no reset, post_reset runs for the devices whose pre_reset succeeded
 * (with that errno), and the errno is returned.  post_reset is called for
 * the same devices after the ioctl, with its result (0 or -errno), also
 * on failure.  Either may be NULL.  Both run on the calling thread; they
 * must not call into the library for the same context.
 */
#define VFIO_RESET_HOT_SINGLE		(1u << 0)
#define VFIO_RESET_HOT_OPEN_GROUPS	(1u << 1)

struct vfio_reset_hot_opts {
	unsigned int flags;
	int (*pre_reset)(void *opaque, struct vfio_reset_dev *dev);
	void (*post_reset)(void *opaque, struct vfio_reset_dev *dev, int result);
	void *opaque;
};

int vfio_reset_hot_ex(struct vfio_reset_dev *dev, const struct vfio_reset_hot_opts *opts,
		      struct vfio_reset_result *res, struct vfio_reset_err *err);

/* ---- notifications ---- */

/*
 * eventfd (nonblocking, close-on-exec, owned by the caller) triggered on
 * AER errors (VFIO_PCI_ERR_IRQ_INDEX); returns the fd or -errno.  The
 * caller closes it after vfio_reset_unsubscribe_err() or
 * vfio_reset_close(), which disarm it.
 *
 * The kernel keeps one ERR trigger per device, for every fd of it: arming
 * one through the library replaces any the VMM armed itself.
 */
int vfio_reset_subscribe_err(struct vfio_reset_dev *dev, struct vfio_reset_err *err);

/*
 * Arm the caller's eventfd fd (>= 0) on VFIO_PCI_ERR_IRQ_INDEX instead;
 * the library never closes it.  Returns fd or a negative errno with err
 * filled (-EINVAL: fd < 0 or not an eventfd, or a conventional PCI device
 * on kernels that offer ERR only for PCI Express, 6.12 among them;
 * -EBADF: fd not open; -ENOTSUP: the kernel offers no ERR interrupt).
 * The ERR eventfd is signalled once per error, when vfio-pci's error
 * handler runs (with the recovery series, once the recovery window has
 * begun: read the kernel-reset status after it).  Signals coalesce.
 */
int vfio_reset_subscribe_err_fd(struct vfio_reset_dev *dev, int fd,
				struct vfio_reset_err *err);

/*
 * Disarm the ERR eventfd the library armed (SET_IRQS with fd -1); 0
 * without an ioctl when it armed none, so a trigger the VMM armed itself
 * is left alone.  The fd is the caller's to close.  0 or a negative errno
 * with err filled (the eventfd then stays armed).
 */
int vfio_reset_unsubscribe_err(struct vfio_reset_dev *dev, struct vfio_reset_err *err);

/* ---- resets by other kernel users ---- */

/*
 * The kernel-reset features of vfio-pci (the uapi's
 * VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS and _EVENTFD): resets of the
 * device the user did not ask for -- a reset through the sysfs "reset"
 * attribute, or a slot/bus reset below a bridge ("reset_subordinate" or
 * another kernel user), and AER/DPC error recovery, reset or not (the
 * ERR eventfd, vfio_reset_subscribe_err(), is signalled once its window
 * has begun).  Not reported: the resets the user asks for
 * (VFIO_DEVICE_RESET, VFIO_DEVICE_PCI_HOT_RESET, a function reset written
 * to config space, the resets of open and close).
 *
 * Each such reset is a window: from before the device is reset until it
 * is usable again, vfio-pci keeps the user away from it (memory BAR
 * read/write, VFIO_DEVICE_RESET, config space and MSI/MSI-X setup wait;
 * mmap faults wait; VFIO_DEVICE_PCI_HOT_RESET fails with -EBUSY; I/O
 * port BARs, VGA, the ROM and INTx are not covered).  A window
 * ends restored (config space, MSI and MSI-X as just before the window,
 * device-internal state as the reset left it), failed (state unknown),
 * or, for error recovery only, state_lost (nothing could be saved, as
 * under DPC: set the device up again) or not_reset (the recovery did not
 * reset the device).
 *
 * This struct mirrors the uapi's struct
 * vfio_device_feature_kernel_reset_status field by field, so consumers
 * need no uapi header that has it.  started - (restored + state_lost +
 * failed + not_reset) is 1 while a window is open
 * (VFIO_RESET_KERNEL_RESET_ACTIVE set in flags) and 0 otherwise.  The
 * counters are per device, the same for every fd of it, and only grow.
 */
#define VFIO_RESET_KERNEL_RESET_ACTIVE		(1u << 0)	/* a window is open */

/* values of vfio_reset_kernel_reset_status.last (mirror VFIO_KERNEL_RESET_*) */
#define VFIO_RESET_KERNEL_RESET_NONE		0u	/* no window has ended yet */
#define VFIO_RESET_KERNEL_RESET_RESTORED	1u
#define VFIO_RESET_KERNEL_RESET_STATE_LOST	2u	/* error recovery only */
#define VFIO_RESET_KERNEL_RESET_FAILED		3u
#define VFIO_RESET_KERNEL_RESET_NOT_RESET	4u	/* error recovery only */

struct vfio_reset_kernel_reset_status {
	uint32_t flags;			/* VFIO_RESET_KERNEL_RESET_ACTIVE */
	uint32_t last;			/* outcome of the last window that ended */
	uint64_t started;		/* windows started */
	uint64_t restored;		/* ... ended restored */
	uint64_t state_lost;		/* ... ended with the state lost (recovery only) */
	uint64_t failed;		/* ... ended failed */
	uint64_t not_reset;		/* ... ended without a reset (recovery only) */
};

/*
 * 0 if the device offers the kernel-reset features
 * (VFIO_DEVICE_FEATURE_PROBE | GET of KERNEL_RESET_STATUS), else the
 * negative errno: the kernel's answer (-ENOTTY from kernels and drivers
 * without them) or -ENOTSUP when the context's backend does not
 * implement them (the kernel backend of a library built against uapi
 * headers without the features).  No library state is touched: callable
 * from any thread while the device is open.
 */
int vfio_reset_probe_kernel_reset(struct vfio_reset_dev *dev);

/*
 * Read the status (VFIO_DEVICE_FEATURE_GET of KERNEL_RESET_STATUS) into
 * *out; 0 or a negative errno (-ENOTTY: not offered) with err (may be
 * NULL) filled.  The kernel does not make it wait for a window (unless
 * the device must first leave a low-power state the user entered), and
 * no library state is touched: call it from any thread while the device is
 * open, including while another thread is blocked in a BAR access or a
 * reset of the same device.  *out is cleared on failure.
 */
int vfio_reset_kernel_reset_status(struct vfio_reset_dev *dev,
				   struct vfio_reset_kernel_reset_status *out,
				   struct vfio_reset_err *err);

/*
 * Arm an eventfd the kernel signals when a window starts and when it ends
 * (VFIO_DEVICE_FEATURE_SET of KERNEL_RESET_EVENTFD), each time after the
 * status shows the change.  Signals coalesce: after each wake-up read the
 * eventfd, then vfio_reset_kernel_reset_status(), and act on the counters,
 * not on the number of signals.  Arming does not report a window already
 * open: read the status once after subscribing.
 *
 * fd >= 0: the caller's eventfd.  The library never closes it (not on
 *   unsubscribe, a later subscribe, vfio_reset_close() or
 *   vfio_reset_ctx_free()); the caller closes it once it is disarmed.
 * fd == -1: the library creates one (EFD_NONBLOCK | EFD_CLOEXEC) and owns
 *   it: the caller may poll and read it but must not close it; the library
 *   closes it when it is disarmed or replaced (unsubscribe, a later
 *   subscribe) and on vfio_reset_close() / vfio_reset_ctx_free().
 *
 * Returns the armed fd or a negative errno with err filled: -EINVAL for
 * any other negative fd and, from the kernel, for a file that is not an
 * eventfd, -EBADF for a closed fd, -ENOTTY when the features are not
 * offered, -ENOTSUP as for vfio_reset_probe_kernel_reset().  A device
 * has at most one armed eventfd: a new subscribe replaces the previous
 * one (closed if the library owned it); a failed subscribe leaves the
 * previous one armed and owned as it was.
 *
 * Threading: subscribe, unsubscribe, vfio_reset_close() and
 * vfio_reset_ctx_free() of one device must be serialised (as every call
 * on a context); the armed fd may be polled and read from any thread.
 */
int vfio_reset_subscribe_kernel_reset(struct vfio_reset_dev *dev, int fd,
				      struct vfio_reset_err *err);

/*
 * Disarm (SET with fd -1) and close the eventfd if the library created
 * it; a caller's fd is left open.  0 when nothing was armed (no ioctl).
 * On failure (negative errno, err filled) the eventfd stays armed and
 * owned as it was.  vfio_reset_close() disarms too.  Threading as for
 * subscribe.
 */
int vfio_reset_unsubscribe_kernel_reset(struct vfio_reset_dev *dev,
					struct vfio_reset_err *err);

/* ---- helpers ---- */

/*
 * Strict PCI address: "DDDD:BB:DD.F" or "BB:DD.F" (domain 0), hex digits
 * (either case) of exactly these widths, device <= 1f, function <= 7.
 * Stores the canonical lower-case long form; -EINVAL otherwise.
 */
int vfio_reset_parse_bdf(const char *in, char out[VFIO_RESET_BDF_LEN]);
void vfio_reset_format_bdf(char out[VFIO_RESET_BDF_LEN], uint16_t seg,
			   uint8_t bus, uint8_t devfn);

#ifdef __cplusplus
}
#endif

#endif /* VFIO_RESET_H */
