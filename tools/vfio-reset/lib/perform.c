// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Performing resets, the ERR notification, the kernel-reset features. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"

/*
 * After a reset, read the vendor/device dword through the config region:
 * all-ones means the device did not come back (or was surprise-removed),
 * which a VMM must treat as a failed reset even when the ioctl said 0.
 */
static int check_alive(struct vfio_reset_dev *dev, struct vfio_reset_result *res,
		       struct vfio_reset_err *err)
{
	struct vfio_region_info reg = {
		.argsz = sizeof(reg), .index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	uint32_t id = 0;
	int ret;

	ret = dev->ops->get_region_info(dev, &reg);
	if (ret < 0 || reg.size < sizeof(id))
		return 0;	/* cannot check; the ioctl result stands */
	ret = dev->ops->region_read(dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, &id, sizeof(id));
	if (ret < 0)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "reset done but config space read failed: %s",
					  strerror(-ret));
	res->vendor_device = id;
	if (id == 0xffffffffu)
		return vfio_reset_set_err(err, -EIO, VFIO_RESET_ERR_GENERIC,
					  "device does not respond after reset (config reads all-ones)");
	return 0;
}

int vfio_reset_function(struct vfio_reset_dev *dev, struct vfio_reset_result *res,
			struct vfio_reset_err *err)
{
	uint64_t start = vr_now_ns();
	int ret;

	memset(res, 0, sizeof(*res));
	res->kind = VFIO_RESET_FUNCTION;
	ret = dev->ops->device_reset(dev);
	res->duration_ns = vr_now_ns() - start;
	res->err = ret;
	switch (ret) {
	case 0:
		break;
	case -EINVAL:	/* vfio_pci_ioctl_reset(): !reset_works */
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "device has no function-level reset (try hot-reset)");
	case -EAGAIN:	/* pci_try_reset_function(): device or bus lock busy */
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "reset lock contended, try again");
	case -ENOTTY:	/* pci_try_reset_function(): no method probes OK now */
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "no reset method usable (reset_method empty?)");
	default:
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_RESET failed: %s", strerror(-ret));
	}
	ret = check_alive(dev, res, err);
	res->err = ret;
	return ret;
}

static bool fd_in(const int *fds, size_t n, int fd)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] == fd)
			return true;
	return false;
}

/*
 * The plan's blocker that explains a failed VFIO_DEVICE_PCI_HOT_RESET, or
 * NULL.  Group-not-held blockers never do: by the time the ioctl runs,
 * every group of the scope is held or was opened for it (else we stopped
 * before the ioctl with a message naming the group).
 */
static const struct vfio_reset_blocker *explaining_blocker(const struct vfio_reset_plan *plan,
							   int ret)
{
	for (size_t i = 0; i < plan->n_blockers; i++) {
		const struct vfio_reset_blocker *b = &plan->blockers[i];

		if (b->kind == VFIO_RESET_HOT && b->err == ret &&
		    b->cause != VFIO_RESET_CAUSE_GROUP_NOT_HELD)
			return b;
	}
	return NULL;
}

/* the why-not of a failed VFIO_DEVICE_PCI_HOT_RESET ioctl, by errno */
static int hot_reset_failed(const struct vfio_reset_plan *plan, int ret,
			    size_t n_opened, struct vfio_reset_err *err)
{
	const struct vfio_reset_blocker *b = explaining_blocker(plan, ret);
	const char *devid = vfio_reset_plan_uses_devid(plan) ? "cdev" : "group";

	if (b)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_PCI_HOT_RESET failed: %s: %s",
					  strerror(-ret), b->reason);
	switch (ret) {
	case -EBUSY:
		/* vfio_pci_dev_set_hot_reset(): memory_lock trylock failed */
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_PCI_HOT_RESET failed: %s: a device of the "
					  "reset set is busy (memory lock contended, e.g. a "
					  "concurrent mmap fault), retry", strerror(-ret));
	case -EINVAL:
		/* the plan saw no blocker: something changed since */
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_PCI_HOT_RESET failed: %s: the kernel refused "
					  "the reset set although the plan found no blocker (%s path, "
					  "%zu group fd(s) opened for it); a function of the slot/bus "
					  "may have changed driver or owner, re-run plan",
					  strerror(-ret), devid, n_opened);
	default:
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_PCI_HOT_RESET failed: %s", strerror(-ret));
	}
}

/* VFIO_RESET_HOT_SINGLE: -EPERM unless the scope is this device alone */
static int check_single(struct vfio_reset_dev *dev, const struct vfio_reset_plan *plan,
			struct vfio_reset_err *err)
{
	for (size_t i = 0; i < plan->n_affected; i++)
		if (strcmp(plan->affected[i].bdf, dev->bdf) != 0)
			return vfio_reset_set_err(err, -EPERM, VFIO_RESET_ERR_GENERIC,
						  "single-device hot reset refused: the reset "
						  "would also reset %s (%zu functions in scope)",
						  plan->affected[i].bdf, plan->n_affected);
	return 0;
}

/*
 * Group path: one fd per distinct group as proof of ownership, opened for
 * the ioctl only with VFIO_RESET_HOT_OPEN_GROUPS.  cdev path: the kernel
 * requires a zero-length array (vfio_pci_ioctl_pci_hot_reset() returns
 * -EINVAL otherwise).
 */
static int gather_group_fds(struct vfio_reset_ctx *ctx, const struct vfio_reset_plan *plan,
			    unsigned int flags, struct vfio_pci_hot_reset *req,
			    int *opened, size_t *n_opened, struct vfio_reset_err *err)
{
	size_t n_fds = 0;

	for (size_t i = 0; i < plan->n_affected; i++) {
		if (vfio_reset_plan_uses_devid(plan))
			break;
		uint32_t gid = plan->affected[i].group_id;
		int fd = vfio_reset_ctx_group_fd(ctx, gid);

		if (fd < 0 && !(flags & VFIO_RESET_HOT_OPEN_GROUPS))
			/* kernel would say -EINVAL (vfio_dev_in_groups) */
			return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
						  "IOMMU group %u (%s) is not held by this context "
						  "(adopt a device of it, or allow opening groups)",
						  gid, plan->affected[i].bdf);
		if (fd < 0) {
			fd = ctx->backend->open_group ? ctx->backend->open_group(ctx, gid) :
			     -ENOTSUP;
			if (fd < 0)
				return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
							  "cannot prove ownership of IOMMU group %u (%s): %s",
							  gid, plan->affected[i].bdf, strerror(-fd));
			opened[(*n_opened)++] = fd;
		}
		if (!fd_in(req->group_fds, n_fds, fd))
			req->group_fds[n_fds++] = fd;
	}
	req->argsz = (uint32_t)(sizeof(*req) + n_fds * sizeof(int32_t));
	req->count = (uint32_t)n_fds;
	return 0;
}

/*
 * pre_reset for each device of the scope in the context; on failure,
 * post_reset for those done, with the error.  *n_pre: how many were done.
 */
static int run_pre_reset(struct vfio_reset_ctx *ctx, const struct vfio_reset_plan *plan,
			 const struct vfio_reset_hot_opts *opts,
			 struct vfio_reset_dev **scope, size_t *n_pre,
			 struct vfio_reset_err *err)
{
	*n_pre = 0;
	for (size_t i = 0; i < plan->n_affected; i++) {
		struct vfio_reset_dev *d = vr_ctx_dev(ctx, plan->affected[i].bdf);
		int ret;

		if (!d)
			continue;
		ret = opts->pre_reset ? opts->pre_reset(opts->opaque, d) : 0;
		if (ret < 0) {
			for (size_t j = 0; j < *n_pre; j++)
				if (opts->post_reset)
					opts->post_reset(opts->opaque, scope[j], ret);
			*n_pre = 0;
			return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
						  "pre-reset callback of %s failed: %s; nothing reset",
						  d->bdf, strerror(-ret));
		}
		scope[(*n_pre)++] = d;
	}
	return 0;
}

int vfio_reset_hot_ex(struct vfio_reset_dev *dev, const struct vfio_reset_hot_opts *opts,
		      struct vfio_reset_result *res, struct vfio_reset_err *err)
{
	static const struct vfio_reset_hot_opts no_opts;
	struct vfio_reset_ctx *ctx = dev->ctx;
	struct vfio_pci_hot_reset *req = NULL;
	struct vfio_reset_dev **scope = NULL;
	struct vfio_reset_plan plan;
	int *opened = NULL;
	size_t n_opened = 0, n_pre = 0;
	uint64_t start;
	int ret;

	if (!opts)
		opts = &no_opts;
	memset(res, 0, sizeof(*res));
	res->kind = VFIO_RESET_HOT;
	ret = vfio_reset_plan(dev, 0, &plan, err);
	if (ret < 0)
		return res->err = ret;
	if (plan.hot_info_err) {
		ret = vfio_reset_set_err(err, plan.hot_info_err, VFIO_RESET_ERR_GENERIC,
					 "no hot reset: %s", plan.blockers[plan.n_blockers - 1].reason);
		goto out;
	}
	if (opts->flags & VFIO_RESET_HOT_SINGLE) {
		ret = check_single(dev, &plan, err);
		if (ret < 0)
			goto out;
	}
	req = calloc(1, sizeof(*req) + (plan.n_affected + 1) * sizeof(int32_t));
	opened = calloc(plan.n_affected + 1, sizeof(int));
	scope = calloc(plan.n_affected + 1, sizeof(*scope));
	if (!req || !opened || !scope) {
		ret = vfio_reset_set_err(err, -ENOMEM, VFIO_RESET_ERR_GENERIC, "out of memory");
		goto out;
	}
	ret = gather_group_fds(ctx, &plan, opts->flags, req, opened, &n_opened, err);
	if (ret < 0)
		goto out;
	res->n_group_fds = req->count;
	ret = run_pre_reset(ctx, &plan, opts, scope, &n_pre, err);
	if (ret < 0)
		goto out;

	start = vr_now_ns();
	ret = dev->ops->hot_reset(dev, req);
	res->duration_ns = vr_now_ns() - start;
	if (ret < 0)
		hot_reset_failed(&plan, ret, n_opened, err);
	else
		ret = check_alive(dev, res, err);
	for (size_t i = 0; i < n_pre; i++)
		if (opts->post_reset)
			opts->post_reset(opts->opaque, scope[i], ret);
out:
	res->err = ret;
	for (size_t i = 0; i < n_opened; i++)
		ctx->backend->close_fd(ctx, opened[i]);
	free(scope);
	free(opened);
	free(req);
	vfio_reset_plan_free(&plan);
	return ret;
}

int vfio_reset_hot(struct vfio_reset_dev *dev, struct vfio_reset_result *res,
		   struct vfio_reset_err *err)
{
	/* a context that opened its devices may open groups; an adopting one never */
	struct vfio_reset_hot_opts opts = {
		.flags = dev->adopted ? 0 : VFIO_RESET_HOT_OPEN_GROUPS,
	};

	return vfio_reset_hot_ex(dev, &opts, res, err);
}

static int set_trigger(struct vfio_reset_dev *dev, uint32_t index, int32_t fd)
{
	union {
		struct vfio_irq_set set;
		char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	} u;

	memset(&u, 0, sizeof(u));
	u.set.argsz = sizeof(u.buf);
	u.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	u.set.index = index;
	u.set.start = 0;
	u.set.count = 1;
	memcpy(u.set.data, &fd, sizeof(fd));
	return dev->ops->set_irqs(dev, &u.set);
}

/* the ERR interrupt exists: 0, or -errno with err filled */
static int err_irq_check(struct vfio_reset_dev *dev, struct vfio_reset_err *err)
{
	struct vfio_irq_info info = {
		.argsz = sizeof(info), .index = VFIO_PCI_ERR_IRQ_INDEX,
	};
	int ret;

	/* older kernels (6.12): -EINVAL unless pci_is_pcie(); 7.x offer it to all */
	ret = dev->ops->get_irq_info(dev, &info);
	if (ret == -EINVAL)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "no error notification: this kernel offers it only for "
					  "PCI Express devices");
	if (ret < 0)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_GET_IRQ_INFO(ERR) failed: %s", strerror(-ret));
	if (info.count == 0 || !(info.flags & VFIO_IRQ_INFO_EVENTFD))
		return vfio_reset_set_err(err, -ENOTSUP, VFIO_RESET_ERR_GENERIC,
					  "no error notification: kernel reports count %u", info.count);
	return 0;
}

int vfio_reset_subscribe_err_fd(struct vfio_reset_dev *dev, int fd,
				struct vfio_reset_err *err)
{
	int ret;

	if (fd < 0)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "invalid eventfd %d for the ERR notification", fd);
	ret = err_irq_check(dev, err);
	if (ret < 0)
		return ret;
	ret = set_trigger(dev, VFIO_PCI_ERR_IRQ_INDEX, fd);
	if (ret == -EBADF)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_SET_IRQS(ERR) failed: %s: fd %d is not open",
					  strerror(-ret), fd);
	if (ret == -EINVAL)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_SET_IRQS(ERR) failed: %s: fd %d is not an eventfd",
					  strerror(-ret), fd);
	if (ret < 0)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_SET_IRQS(ERR) failed: %s", strerror(-ret));
	dev->err_fd = fd;
	return fd;
}

int vfio_reset_subscribe_err(struct vfio_reset_dev *dev, struct vfio_reset_err *err)
{
	int efd, ret;

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return vfio_reset_set_err(err, -errno, VFIO_RESET_ERR_GENERIC,
					  "eventfd: %s", strerror(errno));
	ret = vfio_reset_subscribe_err_fd(dev, efd, err);
	if (ret < 0)
		close(efd);
	return ret;
}

int vfio_reset_unsubscribe_err(struct vfio_reset_dev *dev, struct vfio_reset_err *err)
{
	int ret;

	/* the trigger is per device: never disarm one the VMM armed itself */
	if (dev->err_fd < 0)
		return 0;
	/* fd -1 disarms (DATA_NONE would -EINVAL with nothing armed) */
	ret = set_trigger(dev, VFIO_PCI_ERR_IRQ_INDEX, -1);
	if (ret < 0)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_SET_IRQS(ERR, disarm) failed: %s; eventfd %d "
					  "stays armed", strerror(-ret), dev->err_fd);
	dev->err_fd = -1;
	return 0;
}

void vr_err_release(struct vfio_reset_dev *dev)
{
	if (dev->err_fd >= 0 && dev->ops && dev->ops->set_irqs)
		(void)set_trigger(dev, VFIO_PCI_ERR_IRQ_INDEX, -1);
	dev->err_fd = -1;
}

/* ---- kernel-reset features ---- */

/* the why-not of a backend without the kernel-reset ops */
static int no_kernel_reset_ops(struct vfio_reset_dev *dev, const char *what,
			       struct vfio_reset_err *err)
{
	if (dev->ctx->backend == &vfio_reset_backend_kernel)
		return vfio_reset_set_err(err, -ENOTSUP, VFIO_RESET_ERR_GENERIC,
					  "no kernel-reset %s: libvfio-reset was built against "
					  "uapi headers without VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS",
					  what);
	return vfio_reset_set_err(err, -ENOTSUP, VFIO_RESET_ERR_GENERIC,
				  "no kernel-reset %s: backend '%s' does not implement the "
				  "kernel-reset features", what, dev->ctx->backend->name);
}

/*
 * -ENOTTY: vfio_pci_core_ioctl_feature() knows neither feature (kernel
 * without them), or the driver has its own device_feature without them
 * (variant drivers), or no device_feature at all.
 */
static int kernel_reset_absent(const char *what, struct vfio_reset_err *err)
{
	return vfio_reset_set_err(err, -ENOTTY, VFIO_RESET_ERR_GENERIC,
				  "no kernel-reset %s: the kernel or the driver lacks "
				  "VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS (only vfio-pci "
				  "offers it)", what);
}

int vfio_reset_probe_kernel_reset(struct vfio_reset_dev *dev)
{
	if (!dev->ops->kernel_reset_probe)
		return -ENOTSUP;
	return dev->ops->kernel_reset_probe(dev);
}

int vfio_reset_kernel_reset_status(struct vfio_reset_dev *dev,
				   struct vfio_reset_kernel_reset_status *out,
				   struct vfio_reset_err *err)
{
	int ret;

	memset(out, 0, sizeof(*out));
	if (!dev->ops->kernel_reset_status)
		return no_kernel_reset_ops(dev, "status", err);
	ret = dev->ops->kernel_reset_status(dev, out);
	if (ret == 0)
		return 0;
	memset(out, 0, sizeof(*out));
	if (ret == -ENOTTY)
		return kernel_reset_absent("status", err);
	return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
				  "VFIO_DEVICE_FEATURE_GET(KERNEL_RESET_STATUS) failed: %s",
				  strerror(-ret));
}

/* the why-not of a failed SET of KERNEL_RESET_EVENTFD */
static int kernel_reset_set_failed(int ret, int fd, struct vfio_reset_err *err)
{
	switch (ret) {
	case -ENOTTY:
		return kernel_reset_absent("notification", err);
	case -EBADF:
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_FEATURE_SET(KERNEL_RESET_EVENTFD) failed: "
					  "%s: fd %d is not open", strerror(-ret), fd);
	case -EINVAL:
		if (fd >= 0)
			return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
						  "VFIO_DEVICE_FEATURE_SET(KERNEL_RESET_EVENTFD) "
						  "failed: %s: fd %d is not an eventfd",
						  strerror(-ret), fd);
		/* fall through */
	default:
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_FEATURE_SET(KERNEL_RESET_EVENTFD, %d) failed: %s",
					  fd, strerror(-ret));
	}
}

int vfio_reset_subscribe_kernel_reset(struct vfio_reset_dev *dev, int fd,
				      struct vfio_reset_err *err)
{
	/* re-arming the library's own fd keeps it the library's */
	bool owned = fd == -1 || (fd == dev->kreset_fd && dev->kreset_fd_owned);
	int efd = fd, ret;

	if (fd < -1)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "invalid eventfd %d (want an eventfd, or -1 for one "
					  "the library creates)", fd);
	if (!dev->ops->kernel_reset_eventfd)
		return no_kernel_reset_ops(dev, "notification", err);
	if (fd == -1) {
		efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (efd < 0)
			return vfio_reset_set_err(err, -errno, VFIO_RESET_ERR_GENERIC,
						  "eventfd: %s", strerror(errno));
	}
	ret = dev->ops->kernel_reset_eventfd(dev, efd);
	if (ret < 0) {
		/* the kernel left the previous eventfd armed: so do we */
		if (fd == -1)
			close(efd);
		return kernel_reset_set_failed(ret, efd, err);
	}
	/* replaced: the kernel no longer signals the previous one */
	if (dev->kreset_fd >= 0 && dev->kreset_fd != efd && dev->kreset_fd_owned)
		close(dev->kreset_fd);
	dev->kreset_fd = efd;
	dev->kreset_fd_owned = owned;
	return efd;
}

int vfio_reset_unsubscribe_kernel_reset(struct vfio_reset_dev *dev,
					struct vfio_reset_err *err)
{
	int ret;

	if (dev->kreset_fd < 0)
		return 0;
	ret = dev->ops->kernel_reset_eventfd ? dev->ops->kernel_reset_eventfd(dev, -1) :
	      -ENOTSUP;
	if (ret < 0)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_FEATURE_SET(KERNEL_RESET_EVENTFD, -1) failed: "
					  "%s; eventfd %d stays armed", strerror(-ret), dev->kreset_fd);
	if (dev->kreset_fd_owned)
		close(dev->kreset_fd);
	dev->kreset_fd = -1;
	dev->kreset_fd_owned = false;
	return 0;
}

void vr_kernel_reset_release(struct vfio_reset_dev *dev)
{
	if (dev->kreset_fd < 0)
		return;
	/* the kernel disarms on the device's last close; other fds may remain */
	if (dev->ops && dev->ops->kernel_reset_eventfd)
		(void)dev->ops->kernel_reset_eventfd(dev, -1);
	if (dev->kreset_fd_owned)
		close(dev->kreset_fd);
	dev->kreset_fd = -1;
	dev->kreset_fd_owned = false;
}
