// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Fake backend for tests: see vfio_reset_fake.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "vfio_reset_fake.h"

#define FAKE_CONFIG_OFFSET (7ull << 40)

void vfio_fake_init(struct vfio_fake *fake)
{
	memset(fake, 0, sizeof(*fake));
	fake->err_eventfd = -1;
	fake->next_devid = 1;
}

struct vfio_fake_device *vfio_fake_add(struct vfio_fake *fake, const char *bdf,
				       const char *driver, int iommu_group)
{
	struct vfio_fake_device *d;

	if (fake->n_devs == VFIO_FAKE_MAX_DEVS)
		return NULL;
	d = &fake->devs[fake->n_devs++];
	memset(d, 0, sizeof(*d));
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->driver = driver;
	d->iommu_group = iommu_group;
	d->reset_method = "flr bus";
	d->has_cdev = vfio_reset_driver_is_vfio(driver);
	d->info_flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	d->config_id = 0x10001af4;
	d->kreset_fd = -1;
	return d;
}

static struct vfio_fake_device *find(struct vfio_fake *fake, const char *bdf)
{
	for (size_t i = 0; i < fake->n_devs; i++)
		if (strcmp(fake->devs[i].bdf, bdf) == 0)
			return &fake->devs[i];
	return NULL;
}

static struct vfio_fake *fake_of(struct vfio_reset_dev *dev)
{
	return vfio_reset_ctx_backend_priv(dev->ctx);
}

static struct vfio_fake_device *fdev(struct vfio_reset_dev *dev)
{
	return dev->priv;
}

/* ---- sys ---- */

static struct vfio_fake_device *sys_find(void *priv, const char *bdf)
{
	struct vfio_fake_device *d = find(priv, bdf);

	return d && !d->no_sysfs ? d : NULL;
}

static int copy_out(char *buf, size_t len, const char *s)
{
	if (strlen(s) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, s);
	return (int)strlen(s);
}

static int fs_dev_exists(void *priv, const char *bdf)
{
	return sys_find(priv, bdf) != NULL;
}

static int fs_dev_link(void *priv, const char *bdf, const char *link,
		       char *buf, size_t len)
{
	struct vfio_fake_device *d = sys_find(priv, bdf);
	char tmp[16];

	if (!d)
		return -ENOENT;
	if (strcmp(link, "driver") == 0)
		return d->driver ? copy_out(buf, len, d->driver) : -ENOENT;
	if (strcmp(link, "iommu_group") == 0) {
		if (d->iommu_group < 0)
			return -ENOENT;
		snprintf(tmp, sizeof(tmp), "%d", d->iommu_group);
		return copy_out(buf, len, tmp);
	}
	return -ENOENT;
}

static int fs_dev_attr(void *priv, const char *bdf, const char *attr,
		       char *buf, size_t len)
{
	struct vfio_fake_device *d = sys_find(priv, bdf);

	if (!d || strcmp(attr, "reset_method") != 0 || !d->reset_method)
		return -ENOENT;
	return copy_out(buf, len, d->reset_method);
}

static int fs_dev_dir_entry(void *priv, const char *bdf, const char *dir,
			    char *buf, size_t len)
{
	struct vfio_fake_device *d = sys_find(priv, bdf);
	char tmp[16];

	if (!d || strcmp(dir, "vfio-dev") != 0 || !d->has_cdev)
		return -ENOENT;
	snprintf(tmp, sizeof(tmp), "vfio%d", (int)(d - ((struct vfio_fake *)priv)->devs));
	return copy_out(buf, len, tmp) < 0 ? -ENAMETOOLONG : 0;
}

static int fs_node_exists(void *priv, const char *path)
{
	struct vfio_fake *fake = priv;

	if (strcmp(path, "/dev/iommu") == 0)
		return !fake->no_dev_iommu;
	return 1;
}

const struct vfio_reset_sys vfio_reset_sys_fake_template = {
	.dev_exists = fs_dev_exists,
	.dev_link = fs_dev_link,
	.dev_attr = fs_dev_attr,
	.dev_dir_entry = fs_dev_dir_entry,
	.node_exists = fs_node_exists,
};

/* ---- kernel model ---- */

static size_t scope_len(const struct vfio_fake_device *d)
{
	size_t n = 0;

	while (n < VFIO_FAKE_MAX_SCOPE && d->scope[n])
		n++;
	return n;
}

static struct vfio_reset_dev *ctx_dev(struct vfio_reset_ctx *ctx, const char *bdf)
{
	for (size_t i = 0; i < ctx->n_devs; i++)
		if (strcmp(ctx->devs[i]->bdf, bdf) == 0)
			return ctx->devs[i];
	return NULL;
}

/* devid as vfio_pci_fill_devs() would report it for the cdev path */
static uint32_t model_devid(struct vfio_reset_dev *dev, const char *bdf)
{
	struct vfio_fake_device *sd = find(fake_of(dev), bdf);
	struct vfio_reset_dev *opened;

	if (!sd || !vfio_reset_driver_is_vfio(sd->driver))
		return (uint32_t)VFIO_PCI_DEVID_NOT_OWNED;	/* not in dev_set */
	opened = ctx_dev(dev->ctx, bdf);
	if (opened && opened->path == VFIO_RESET_PATH_CDEV)
		return opened->devid;
	for (size_t i = 0; sd->iommu_group >= 0 && i < dev->ctx->n_devs; i++) {
		struct vfio_reset_dev *o = dev->ctx->devs[i];

		if (o->path == VFIO_RESET_PATH_CDEV && o->group_id == sd->iommu_group)
			return VFIO_PCI_DEVID_OWNED;
	}
	return (uint32_t)VFIO_PCI_DEVID_NOT_OWNED;
}

static int f_get_info(struct vfio_reset_dev *dev, struct vfio_device_info *info)
{
	if (fdev(dev)->get_info_err)
		return fdev(dev)->get_info_err;
	info->flags = fdev(dev)->info_flags;
	info->num_regions = VFIO_PCI_NUM_REGIONS;
	/* not VFIO_PCI_NUM_IRQS: it depends on which uapi header we built with */
	info->num_irqs = VFIO_PCI_REQ_IRQ_INDEX + 1;
	return 0;
}

static int f_get_region_info(struct vfio_reset_dev *dev, struct vfio_region_info *info)
{
	(void)dev;
	if (info->index != VFIO_PCI_CONFIG_REGION_INDEX)
		return -EINVAL;
	info->offset = FAKE_CONFIG_OFFSET;
	info->size = 256;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	return 0;
}

static int f_region_read(struct vfio_reset_dev *dev, uint32_t index, uint64_t off,
			 void *buf, size_t len)
{
	if (index != VFIO_PCI_CONFIG_REGION_INDEX || off != 0 || len != 4)
		return -EINVAL;
	memcpy(buf, &fdev(dev)->config_id, 4);
	return 0;
}

static int f_region_write(struct vfio_reset_dev *dev, uint32_t index, uint64_t off,
			  const void *buf, size_t len)
{
	(void)dev; (void)index; (void)off; (void)buf; (void)len;
	return -EPERM;
}

static int f_get_irq_info(struct vfio_reset_dev *dev, struct vfio_irq_info *info)
{
	struct vfio_fake_device *d = fdev(dev);

	/* vfio_pci_ioctl_get_irq_info(): -EINVAL past VFIO_PCI_REQ_IRQ_INDEX */
	if (info->index > VFIO_PCI_REQ_IRQ_INDEX)
		return -EINVAL;
	if (info->index == VFIO_PCI_ERR_IRQ_INDEX && d->conventional)
		return -EINVAL;
	info->flags = VFIO_IRQ_INFO_EVENTFD;
	info->count = 1;
	return 0;
}

/* what eventfd_ctx_fdget() says of fd: 0, -EBADF (closed), -EINVAL (not an eventfd) */
static int fd_is_eventfd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -EBADF;
	target[n] = '\0';
	return strcmp(target, "anon_inode:[eventfd]") == 0 ? 0 : -EINVAL;
}

static int f_set_irqs(struct vfio_reset_dev *dev, struct vfio_irq_set *set)
{
	int32_t fd;
	int ret;

	fake_of(dev)->last_set_irqs_flags = set->flags;
	if (set->count != 1 || set->argsz < sizeof(*set) + sizeof(fd) ||
	    set->flags != (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER))
		return -EINVAL;
	memcpy(&fd, set->data, sizeof(fd));
	if (set->index != VFIO_PCI_ERR_IRQ_INDEX || fd < -1)
		return -EINVAL;
	if (fd >= 0 && (ret = fd_is_eventfd(fd)) < 0)
		return ret;
	fake_of(dev)->err_eventfd = fd;
	return 0;
}

/* a reset takes time: lets latency tests see a known lower bound */
static void reset_delay(struct vfio_fake_device *d)
{
	struct timespec ts = {
		.tv_sec = d->reset_delay_us / 1000000,
		.tv_nsec = (long)(d->reset_delay_us % 1000000) * 1000,
	};

	while (d->reset_delay_us && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int f_device_reset(struct vfio_reset_dev *dev)
{
	fake_of(dev)->reset_calls++;
	reset_delay(fdev(dev));
	if (fdev(dev)->reset_err)
		return fdev(dev)->reset_err;
	return fdev(dev)->info_flags & VFIO_DEVICE_FLAGS_RESET ? 0 : -EINVAL;
}

static int f_hot_reset_info(struct vfio_reset_dev *dev, struct vfio_pci_hot_reset_info *info)
{
	struct vfio_fake_device *d = fdev(dev);
	size_t n = scope_len(d);
	uint32_t cap;

	fake_of(dev)->hot_info_calls++;
	if (d->hot_info_err)
		return d->hot_info_err;
	if (n == 0)
		return -ENODEV;
	if (info->argsz < sizeof(*info))
		return -EINVAL;
	cap = (uint32_t)((info->argsz - sizeof(*info)) / sizeof(info->devices[0]));
	if (d->enospc_always || n > cap) {
		/* over-report once, like a function that went away in between */
		info->count = (uint32_t)n + d->enospc_grow + d->enospc_always;
		d->enospc_grow = 0;
		return -ENOSPC;
	}
	info->flags = 0;
	if (dev->path == VFIO_RESET_PATH_CDEV)
		info->flags = VFIO_PCI_HOT_RESET_FLAG_DEV_ID |
			      VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	for (size_t i = 0; i < n; i++) {
		struct vfio_fake_device *sd = find(fake_of(dev), d->scope[i]);
		unsigned int seg, bus, slot, fn;

		sscanf(d->scope[i], "%x:%x:%x.%u", &seg, &bus, &slot, &fn);
		info->devices[i].segment = (uint16_t)seg;
		info->devices[i].bus = (uint8_t)bus;
		info->devices[i].devfn = (uint8_t)((slot << 3) | fn);
		if (dev->path == VFIO_RESET_PATH_CDEV) {
			info->devices[i].devid = model_devid(dev, d->scope[i]);
			if (info->devices[i].devid == (uint32_t)VFIO_PCI_DEVID_NOT_OWNED)
				info->flags &= ~VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
		} else {
			if (!sd || sd->iommu_group < 0)
				return -EPERM;
			info->devices[i].group_id = (uint32_t)sd->iommu_group;
		}
	}
	info->count = (uint32_t)n;
	return 0;
}

static int f_hot_reset(struct vfio_reset_dev *dev, struct vfio_pci_hot_reset *req)
{
	struct vfio_fake *fake = fake_of(dev);
	struct vfio_fake_device *d = fdev(dev);
	size_t n = scope_len(d);
	bool cdev = dev->path == VFIO_RESET_PATH_CDEV;

	fake->hot_reset_calls++;
	reset_delay(d);
	fake->last_hot_reset_count = req->count;
	for (uint32_t i = 0; i < req->count && i < VFIO_FAKE_MAX_SCOPE; i++)
		fake->last_group_fds[i] = req->group_fds[i];
	if (d->hot_reset_err)
		return d->hot_reset_err;
	if (req->flags || !!req->count == cdev)
		return -EINVAL;
	if (n == 0)
		return -ENODEV;
	if (req->count > n)
		return -EINVAL;
	for (uint32_t i = 0; i < req->count; i++)
		if (req->group_fds[i] < VFIO_FAKE_GROUP_FD_BASE)
			return -EBADF;
	for (size_t i = 0; i < n; i++) {
		struct vfio_fake_device *sd = find(fake, d->scope[i]);
		bool owned = false;

		if (!sd || !vfio_reset_driver_is_vfio(sd->driver))
			return -EINVAL;		/* vfio_pci_dev_set_resettable() */
		if (cdev) {
			owned = model_devid(dev, d->scope[i]) !=
				(uint32_t)VFIO_PCI_DEVID_NOT_OWNED;
		} else {
			for (uint32_t j = 0; j < req->count; j++)
				if (req->group_fds[j] - VFIO_FAKE_GROUP_FD_BASE == sd->iommu_group)
					owned = true;
		}
		if (!owned)
			return -EINVAL;
	}
	return 0;
}

/* ---- kernel-reset features (vfio_pci_core_feature_kreset_*()) ---- */

static int f_kernel_reset_probe(struct vfio_reset_dev *dev)
{
	fdev(dev)->kreset_probe_calls++;
	return fdev(dev)->kernel_reset ? 0 : -ENOTTY;
}

static int f_kernel_reset_status(struct vfio_reset_dev *dev,
				 struct vfio_reset_kernel_reset_status *st)
{
	struct vfio_fake_device *d = fdev(dev);

	if (!d->kernel_reset)
		return -ENOTTY;
	if (d->kreset_status_err)
		return d->kreset_status_err;
	*st = d->kreset;
	return 0;
}

static int f_kernel_reset_eventfd(struct vfio_reset_dev *dev, int fd)
{
	struct vfio_fake_device *d = fdev(dev);
	int ret;

	d->kreset_set_calls++;
	if (!d->kernel_reset)
		return -ENOTTY;
	/* a failed SET leaves the armed eventfd as it was */
	if (d->kreset_eventfd_err)
		return d->kreset_eventfd_err;
	if (fd < -1)
		return -EINVAL;
	if (fd >= 0 && (ret = fd_is_eventfd(fd)) < 0)
		return ret;
	d->kreset_fd = fd;
	return 0;
}

static void f_close(struct vfio_reset_dev *dev)
{
	/* the last close of the device disarms (one fd per device here) */
	fdev(dev)->kreset_fd = -1;
}

static const struct vfio_reset_ops fake_ops = {
	.get_info = f_get_info,
	.get_region_info = f_get_region_info,
	.region_read = f_region_read,
	.region_write = f_region_write,
	.get_irq_info = f_get_irq_info,
	.set_irqs = f_set_irqs,
	.device_reset = f_device_reset,
	.hot_reset_info = f_hot_reset_info,
	.hot_reset = f_hot_reset,
	.kernel_reset_probe = f_kernel_reset_probe,
	.kernel_reset_status = f_kernel_reset_status,
	.kernel_reset_eventfd = f_kernel_reset_eventfd,
	.close = f_close,
};

/* a backend (or a library built without the uapi) lacking the kernel-reset ops */
static const struct vfio_reset_ops fake_ops_no_kreset = {
	.get_info = f_get_info,
	.get_region_info = f_get_region_info,
	.region_read = f_region_read,
	.region_write = f_region_write,
	.get_irq_info = f_get_irq_info,
	.set_irqs = f_set_irqs,
	.device_reset = f_device_reset,
	.hot_reset_info = f_hot_reset_info,
	.hot_reset = f_hot_reset,
	.close = f_close,
};

static bool group_busy(struct vfio_fake *fake, int gid)
{
	for (size_t i = 0; i < fake->n_busy_groups; i++)
		if (fake->busy_groups[i] == gid)
			return true;
	return false;
}

static int fake_open_device(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev,
			    struct vfio_reset_err *err)
{
	struct vfio_fake *fake = vfio_reset_ctx_backend_priv(ctx);
	struct vfio_fake_device *d = find(fake, dev->bdf);

	if (!d)
		return vfio_reset_set_err(err, -ENODEV, VFIO_RESET_ERR_NOT_FOUND,
					  "no such PCI device");
	if (!d->no_sysfs && !d->driver)
		return vfio_reset_set_err(err, -ENODEV, VFIO_RESET_ERR_NOT_VFIO,
					  "not bound to any driver; bind it to vfio-pci first");
	if (!d->no_sysfs && !vfio_reset_driver_is_vfio(d->driver))
		return vfio_reset_set_err(err, -ENODEV, VFIO_RESET_ERR_NOT_VFIO,
					  "bound to %s, not vfio-pci", d->driver);
	dev->ops = d->no_kernel_reset_ops ? &fake_ops_no_kreset : &fake_ops;
	dev->priv = d;
	dev->group_id = d->iommu_group;
	if (dev->path == VFIO_RESET_PATH_CDEV) {
		if (fake->no_dev_iommu)
			return vfio_reset_set_err(err, -ENOENT, VFIO_RESET_ERR_NO_CDEV,
						  "/dev/iommu missing");
		if (!d->has_cdev)
			return vfio_reset_set_err(err, -ENOENT, VFIO_RESET_ERR_NO_CDEV,
						  "no vfio-dev node");
		dev->devid = fake->next_devid++;
		dev->device_fd = VFIO_FAKE_DEVICE_FD_BASE + (int)(d - fake->devs);
		return 0;
	}
	if (d->iommu_group < 0)
		return vfio_reset_set_err(err, -ENODEV, VFIO_RESET_ERR_GROUP_NOT_VIABLE,
					  "has no IOMMU group");
	if (group_busy(fake, d->iommu_group))
		return vfio_reset_set_err(err, -EBUSY, VFIO_RESET_ERR_GENERIC,
					  "group in use by another process");
	for (size_t i = 0; i < fake->n_devs; i++)
		if (fake->devs[i].iommu_group == d->iommu_group && fake->devs[i].driver &&
		    !vfio_reset_driver_is_vfio(fake->devs[i].driver))
			return vfio_reset_set_err(err, -EPERM, VFIO_RESET_ERR_GROUP_NOT_VIABLE,
						  "IOMMU group %d is not viable", d->iommu_group);
	dev->group_fd = VFIO_FAKE_GROUP_FD_BASE + d->iommu_group;
	dev->device_fd = VFIO_FAKE_DEVICE_FD_BASE + (int)(d - fake->devs);
	return 0;
}

/*
 * The caller's fds, as a VMM holds them: device fd VFIO_FAKE_DEVICE_FD_BASE
 * + index, group fd VFIO_FAKE_GROUP_FD_BASE + group id, any iommufd.  The
 * device fd names its device (as the kernel's fdinfo does).
 */
static int fake_adopt_device(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev,
			     const struct vfio_reset_adopt_fds *fds,
			     struct vfio_reset_err *err)
{
	struct vfio_fake *fake = vfio_reset_ctx_backend_priv(ctx);
	size_t i = (size_t)(fds->device_fd - VFIO_FAKE_DEVICE_FD_BASE);
	struct vfio_fake_device *d;

	if (fds->device_fd < VFIO_FAKE_DEVICE_FD_BASE || i >= fake->n_devs)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "fd %d is not a vfio-pci device fd", fds->device_fd);
	d = &fake->devs[i];
	if (!dev->bdf[0])
		memcpy(dev->bdf, d->bdf, sizeof(dev->bdf));
	else if (strcmp(dev->bdf, d->bdf) != 0)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "device fd %d is %s, not %s", fds->device_fd, d->bdf,
					  dev->bdf);
	if (dev->path == VFIO_RESET_PATH_GROUP &&
	    fds->group_fd != VFIO_FAKE_GROUP_FD_BASE + d->iommu_group)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "group_fd %d is not the group of %s", fds->group_fd,
					  d->bdf);
	if (dev->path == VFIO_RESET_PATH_CDEV && !d->has_cdev)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_NO_CDEV,
					  "%s has no vfio-dev node", d->bdf);
	dev->ops = d->no_kernel_reset_ops ? &fake_ops_no_kreset : &fake_ops;
	dev->priv = d;
	dev->group_id = d->iommu_group;
	dev->device_fd = fds->device_fd;
	dev->group_fd = fds->group_fd;
	dev->devid = fds->devid;
	return 0;
}

static int fake_open_group(struct vfio_reset_ctx *ctx, uint32_t group_id)
{
	struct vfio_fake *fake = vfio_reset_ctx_backend_priv(ctx);

	if (group_busy(fake, (int)group_id))
		return -EBUSY;
	for (size_t i = 0; i < fake->n_devs; i++)
		if (fake->devs[i].iommu_group == (int)group_id) {
			fake->open_group_fds++;
			return VFIO_FAKE_GROUP_FD_BASE + (int)group_id;
		}
	return -ENOENT;
}

static void fake_close_fd(struct vfio_reset_ctx *ctx, int fd)
{
	struct vfio_fake *fake = vfio_reset_ctx_backend_priv(ctx);

	(void)fd;
	fake->open_group_fds--;
}

static int signal_fd(int fd)
{
	uint64_t one = 1;

	if (fd >= 0 && write(fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		return -errno;
	return 0;
}

int vfio_fake_signal_err(struct vfio_fake *fake)
{
	return signal_fd(fake->err_eventfd);
}

int vfio_fake_kreset_start(struct vfio_fake *fake, size_t i)
{
	struct vfio_fake_device *d = i < fake->n_devs ? &fake->devs[i] : NULL;

	if (!d || (d->kreset.flags & VFIO_RESET_KERNEL_RESET_ACTIVE))
		return -EINVAL;		/* windows of one device do not overlap */
	d->kreset.started++;
	d->kreset.flags |= VFIO_RESET_KERNEL_RESET_ACTIVE;
	return signal_fd(d->kreset_fd);
}

int vfio_fake_kreset_end(struct vfio_fake *fake, size_t i, uint32_t outcome)
{
	struct vfio_fake_device *d = i < fake->n_devs ? &fake->devs[i] : NULL;
	uint64_t *count;

	if (!d || !(d->kreset.flags & VFIO_RESET_KERNEL_RESET_ACTIVE))
		return -EINVAL;
	switch (outcome) {
	case VFIO_RESET_KERNEL_RESET_RESTORED: count = &d->kreset.restored; break;
	case VFIO_RESET_KERNEL_RESET_STATE_LOST: count = &d->kreset.state_lost; break;
	case VFIO_RESET_KERNEL_RESET_FAILED: count = &d->kreset.failed; break;
	case VFIO_RESET_KERNEL_RESET_NOT_RESET: count = &d->kreset.not_reset; break;
	default: return -EINVAL;
	}
	++*count;
	d->kreset.last = outcome;
	d->kreset.flags &= ~VFIO_RESET_KERNEL_RESET_ACTIVE;
	return signal_fd(d->kreset_fd);
}

const struct vfio_reset_backend vfio_reset_backend_fake = {
	.name = "fake",
	.open_device = fake_open_device,
	.adopt_device = fake_adopt_device,
	.open_group = fake_open_group,
	.close_fd = fake_close_fd,
};
