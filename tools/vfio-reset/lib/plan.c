// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Reset plan: what VFIO_DEVICE_RESET and VFIO_DEVICE_PCI_HOT_RESET would do
 * for a device, and why they would fail.  Errnos quoted in blockers are the
 * ones drivers/vfio/pci/vfio_pci_core.c (Linux 6.12) returns, negative as
 * everywhere in the library; the function producing each is named next to
 * the check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* First guess of the scope size; a slot holds at most 8 functions. */
#define HOT_INFO_FIRST_GUESS 4
#define HOT_INFO_ATTEMPTS 4

const char *vfio_reset_ownership_name(enum vfio_reset_ownership o)
{
	switch (o) {
	case VFIO_RESET_OWNED_DEVID: return "owned";
	case VFIO_RESET_OWNED_IMPLICIT: return "owned-unopened";
	case VFIO_RESET_NOT_OWNED: return "not-owned";
	case VFIO_RESET_GROUP_HELD: return "group-held";
	case VFIO_RESET_GROUP_OPENABLE: return "group-openable";
	case VFIO_RESET_GROUP_UNAVAILABLE: return "group-unavailable";
	}
	return "?";
}

bool vfio_reset_plan_uses_devid(const struct vfio_reset_plan *plan)
{
	return plan->hot_flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID;
}

_Static_assert(VFIO_RESET_HOT_FLAG_DEV_ID == VFIO_PCI_HOT_RESET_FLAG_DEV_ID &&
	       VFIO_RESET_HOT_FLAG_DEV_ID_OWNED == VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED,
	       "hot reset flags mirror the uapi");

static void add_blocker(struct vfio_reset_plan *plan, enum vfio_reset_kind kind,
			enum vfio_reset_cause cause, int err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void add_blocker(struct vfio_reset_plan *plan, enum vfio_reset_kind kind,
			enum vfio_reset_cause cause, int err, const char *fmt, ...)
{
	struct vfio_reset_blocker *b;
	va_list ap;

	if (plan->n_blockers == VFIO_RESET_MAX_BLOCKERS)
		return;
	b = &plan->blockers[plan->n_blockers++];
	b->kind = kind;
	b->cause = cause;
	b->err = err;
	va_start(ap, fmt);
	vsnprintf(b->reason, sizeof(b->reason), fmt, ap);
	va_end(ap);
}

/*
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO with the kernel's own count: on
 * -ENOSPC vfio_pci_ioctl_get_pci_hot_reset_info() writes the needed count
 * into the header.  The scope can grow between calls (hotplug), so retry a
 * few times instead of once.
 */
static int fetch_hot_reset_info(struct vfio_reset_dev *dev,
				struct vfio_pci_hot_reset_info **out)
{
	uint32_t cap = HOT_INFO_FIRST_GUESS;
	struct vfio_pci_hot_reset_info *info;
	int ret = -EAGAIN;

	*out = NULL;
	for (int attempt = 0; attempt < HOT_INFO_ATTEMPTS; attempt++) {
		size_t size = sizeof(*info) + cap * sizeof(info->devices[0]);

		info = calloc(1, size);
		if (!info)
			return -ENOMEM;
		info->argsz = (uint32_t)size;
		ret = dev->ops->hot_reset_info(dev, info);
		if (ret == -ENOSPC) {
			/* a count not larger than ours would loop forever */
			cap = info->count > cap ? info->count : cap * 2;
			free(info);
			ret = -EAGAIN;
			continue;
		}
		if (ret < 0) {
			free(info);
			return ret;
		}
		if (info->count > cap) {	/* kernel must not overrun us */
			free(info);
			return -EPROTO;
		}
		*out = info;
		return 0;
	}
	return ret;
}

static void read_driver(struct vfio_reset_ctx *ctx, struct vfio_reset_affected *a)
{
	int ret = vr_sys_link(ctx, a->bdf, "driver", a->driver, sizeof(a->driver));

	if (ret >= 0) {
		a->driver_known = true;
	} else if (ret == -ENOENT && vr_sys_dev_exists(ctx, a->bdf) > 0) {
		/* device is in sysfs but has no driver link: unbound */
		a->driver_known = true;
		a->driver[0] = '\0';
	} else {
		a->driver_known = false;	/* no sysfs for this device */
		a->driver[0] = '\0';
	}
}

static bool group_seen_before(const struct vfio_reset_plan *plan, size_t upto,
			      uint32_t group_id)
{
	for (size_t i = 0; i < upto; i++)
		if (plan->affected[i].has_group_id &&
		    plan->affected[i].group_id == group_id)
			return true;
	return false;
}

static void decode_group_entry(struct vfio_reset_dev *dev, unsigned int flags,
			       struct vfio_reset_plan *plan, size_t i)
{
	struct vfio_reset_ctx *ctx = dev->ctx;
	struct vfio_reset_affected *a = &plan->affected[i];
	int fd;

	if (vfio_reset_ctx_group_fd(ctx, a->group_id) >= 0) {
		a->ownership = VFIO_RESET_GROUP_HELD;
		return;
	}
	a->ownership = VFIO_RESET_GROUP_UNAVAILABLE;
	if (!(flags & VFIO_RESET_PLAN_PROBE_GROUPS) || !ctx->backend->open_group)
		return;
	/* a same-group sibling already probed tells us the answer */
	for (size_t j = 0; j < i; j++) {
		if (plan->affected[j].group_id == a->group_id) {
			a->ownership = plan->affected[j].ownership;
			a->group_open_err = plan->affected[j].group_open_err;
			return;
		}
	}
	fd = ctx->backend->open_group(ctx, a->group_id);
	if (fd >= 0) {
		a->ownership = VFIO_RESET_GROUP_OPENABLE;
		ctx->backend->close_fd(ctx, fd);
	} else {
		a->group_open_err = fd;
	}
}

static void decode_devid_entry(struct vfio_reset_affected *a, uint32_t raw)
{
	a->has_devid = true;
	a->devid = raw;
	if (raw == (uint32_t)VFIO_PCI_DEVID_NOT_OWNED)
		a->ownership = VFIO_RESET_NOT_OWNED;
	else if (raw == VFIO_PCI_DEVID_OWNED)
		a->ownership = VFIO_RESET_OWNED_IMPLICIT;
	else
		a->ownership = VFIO_RESET_OWNED_DEVID;
}

static void hot_reset_blockers(struct vfio_reset_dev *dev, struct vfio_reset_plan *plan)
{
	bool devid = vfio_reset_plan_uses_devid(plan);
	bool any_not_owned = false;

	/*
	 * The kernel picks the union member by how *this* device was opened
	 * (vfio_device_cdev_opened()); a mismatch means the backend lied.
	 */
	if (devid != (dev->path == VFIO_RESET_PATH_CDEV))
		add_blocker(plan, VFIO_RESET_HOT, VFIO_RESET_CAUSE_PATH_MISMATCH, -EINVAL,
			    "kernel reports %s but the device was opened via the %s path",
			    devid ? "devids" : "group ids",
			    dev->path == VFIO_RESET_PATH_CDEV ? "cdev" : "group");

	for (size_t i = 0; i < plan->n_affected; i++) {
		struct vfio_reset_affected *a = &plan->affected[i];
		bool foreign = a->driver_known && !vfio_reset_driver_is_vfio(a->driver);

		/*
		 * vfio_pci_dev_set_hot_reset() -> vfio_pci_dev_set_resettable():
		 * every function in the slot/bus must be in the vfio dev_set,
		 * else -EINVAL, on both paths.
		 */
		if (foreign)
			add_blocker(plan, VFIO_RESET_HOT, VFIO_RESET_CAUSE_NOT_VFIO, -EINVAL,
				    "%s is %s%s, not vfio-pci, so it is outside the vfio device set",
				    a->bdf, a->driver[0] ? "bound to " : "not bound to any driver",
				    a->driver);
		if (devid && a->ownership == VFIO_RESET_NOT_OWNED) {
			any_not_owned = true;
			/*
			 * vfio_pci_dev_set_hot_reset(): owned only if devid > 0
			 * or -ENOENT (same group as an owned device); else -EINVAL.
			 */
			if (!foreign)
				add_blocker(plan, VFIO_RESET_HOT, VFIO_RESET_CAUSE_NOT_OWNED, -EINVAL,
					    "%s is not owned: not opened in this iommufd context and no device of its IOMMU group is (or it is not bound to vfio-pci)",
					    a->bdf);
		}
		if (!devid && a->ownership == VFIO_RESET_GROUP_UNAVAILABLE &&
		    !group_seen_before(plan, i, a->group_id)) {
			/* vfio_dev_in_groups() false -> -EINVAL */
			if (a->group_open_err)
				add_blocker(plan, VFIO_RESET_HOT, VFIO_RESET_CAUSE_GROUP_NOT_HELD, -EINVAL,
					    "IOMMU group %u (%s) is not held by the caller and cannot be opened: %s",
					    a->group_id, a->bdf, strerror(-a->group_open_err));
			else
				add_blocker(plan, VFIO_RESET_HOT, VFIO_RESET_CAUSE_GROUP_NOT_HELD, -EINVAL,
					    "IOMMU group %u (%s) is not held by the caller",
					    a->group_id, a->bdf);
		}
	}
	if (devid && !any_not_owned &&
	    !(plan->hot_flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED))
		add_blocker(plan, VFIO_RESET_HOT, VFIO_RESET_CAUSE_NO_OWNED_FLAG, -EINVAL,
			    "kernel did not set VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED");
}

static void function_reset_part(struct vfio_reset_dev *dev, struct vfio_reset_plan *plan)
{
	int ret = vr_sys_attr(dev->ctx, dev->bdf, "reset_method", plan->reset_methods,
			      sizeof(plan->reset_methods));

	plan->methods_known = ret >= 0;
	if (ret >= 0)
		sscanf(plan->reset_methods, "%23s", plan->function_method);
	else
		plan->reset_methods[0] = '\0';

	/*
	 * VFIO_DEVICE_FLAGS_RESET mirrors vdev->reset_works, probed at open;
	 * vfio_pci_ioctl_reset() returns -EINVAL when it is false.
	 */
	plan->function_reset = plan->info_flags & VFIO_DEVICE_FLAGS_RESET;
	if (!plan->function_reset)
		add_blocker(plan, VFIO_RESET_FUNCTION, VFIO_RESET_CAUSE_NO_FUNCTION_RESET, -EINVAL,
			    "no function-level reset: VFIO_DEVICE_FLAGS_RESET clear (reset_method: %s)",
			    !plan->methods_known ? "unknown" :
			    plan->reset_methods[0] ? plan->reset_methods : "none");
	else if (plan->function_method[0] && strcmp(plan->function_method, "bus") == 0)
		/* pci_reset_bus_function() only probes OK for a lone device */
		add_blocker(plan, VFIO_RESET_FUNCTION, VFIO_RESET_CAUSE_NOTE, 0,
			    "note: function reset is a secondary bus reset (device is alone on its bus/slot)");
}

int vfio_reset_plan(struct vfio_reset_dev *dev, unsigned int flags,
		    struct vfio_reset_plan *plan, struct vfio_reset_err *err)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_pci_hot_reset_info *hot = NULL;
	struct vfio_reset_ctx *ctx = dev->ctx;
	int ret;

	memset(plan, 0, sizeof(*plan));
	memcpy(plan->bdf, dev->bdf, sizeof(plan->bdf));
	plan->path = dev->path;

	ret = dev->ops->get_info(dev, &info);
	if (ret < 0)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_DEVICE_GET_INFO failed: %s", strerror(-ret));
	plan->info_flags = info.flags;
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI))
		return vfio_reset_set_err(err, -ENODEV, VFIO_RESET_ERR_NOT_VFIO,
					  "not a vfio-pci device (flags 0x%x)", info.flags);

	function_reset_part(dev, plan);

	ret = fetch_hot_reset_info(dev, &hot);
	plan->hot_info_err = ret;
	if (ret == -ENODEV) {
		/* vfio_pci_ioctl_get_pci_hot_reset_info(): no slot nor bus reset */
		add_blocker(plan, VFIO_RESET_HOT, VFIO_RESET_CAUSE_NO_SLOT_OR_BUS, -ENODEV,
			    "neither a slot nor a bus reset is possible for this device");
	} else if (ret == -EPERM) {
		/* vfio_pci_fill_devs(): group path, device without IOMMU group */
		add_blocker(plan, VFIO_RESET_HOT, VFIO_RESET_CAUSE_NO_IOMMU_GROUP, -EPERM,
			    "a device in the reset scope has no IOMMU group (not isolated)");
	} else if (ret < 0) {
		add_blocker(plan, VFIO_RESET_HOT, VFIO_RESET_CAUSE_INFO_FAILED, ret,
			    "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO failed: %s", strerror(-ret));
	}
	if (ret < 0)
		return 0;	/* the plan itself succeeded: it says "no hot reset" */

	plan->hot_flags = hot->flags;
	plan->n_affected = hot->count;
	plan->affected = calloc(hot->count ? hot->count : 1, sizeof(*plan->affected));
	if (!plan->affected) {
		free(hot);
		return vfio_reset_set_err(err, -ENOMEM, VFIO_RESET_ERR_GENERIC,
					  "out of memory");
	}
	for (size_t i = 0; i < hot->count; i++) {
		const struct vfio_pci_dependent_device *d = &hot->devices[i];
		struct vfio_reset_affected *a = &plan->affected[i];
		char group[16];

		vfio_reset_format_bdf(a->bdf, d->segment, d->bus, d->devfn);
		read_driver(ctx, a);
		if (vfio_reset_plan_uses_devid(plan)) {
			decode_devid_entry(a, d->devid);
			/* group id is informative only here: take it from sysfs */
			if (vr_sys_link(ctx, a->bdf, "iommu_group", group, sizeof(group)) >= 0) {
				a->has_group_id = true;
				a->group_id = (uint32_t)strtoul(group, NULL, 10);
			}
		} else {
			a->has_group_id = true;
			a->group_id = d->group_id;
		}
	}
	if (!vfio_reset_plan_uses_devid(plan))
		for (size_t i = 0; i < hot->count; i++)
			decode_group_entry(dev, flags, plan, i);
	free(hot);

	hot_reset_blockers(dev, plan);
	plan->hot_reset = true;
	for (size_t i = 0; i < plan->n_blockers; i++)
		if (plan->blockers[i].kind == VFIO_RESET_HOT && plan->blockers[i].err)
			plan->hot_reset = false;
	return 0;
}

void vfio_reset_plan_free(struct vfio_reset_plan *plan)
{
	free(plan->affected);
	plan->affected = NULL;
	plan->n_affected = 0;
}
