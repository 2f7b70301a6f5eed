// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The real thing: sysfs/dev access and the vfio ioctls of both open paths. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/iommufd.h>

#include "internal.h"

#define SYSFS_PCI "/sys/bus/pci/devices/"

/* ---- host sysfs ---- */

static int host_dev_exists(void *priv, const char *bdf)
{
	char path[PATH_MAX];

	(void)priv;
	snprintf(path, sizeof(path), SYSFS_PCI "%s", bdf);
	return access(path, F_OK) == 0;
}

static int host_dev_link(void *priv, const char *bdf, const char *link,
			 char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	(void)priv;
	snprintf(path, sizeof(path), SYSFS_PCI "%s/%s", bdf, link);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return (int)strlen(buf);
}

static int host_dev_attr(void *priv, const char *bdf, const char *attr,
			 char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	(void)priv;
	if (len == 0)
		return -EINVAL;
	snprintf(path, sizeof(path), SYSFS_PCI "%s/%s", bdf, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return (int)n;
}

static int host_dev_dir_entry(void *priv, const char *bdf, const char *dir,
			      char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	(void)priv;
	snprintf(path, sizeof(path), SYSFS_PCI "%s/%s", bdf, dir);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (strlen(de->d_name) >= len) {
			ret = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

static int host_node_exists(void *priv, const char *path)
{
	(void)priv;
	return access(path, F_OK) == 0;
}

const struct vfio_reset_sys vfio_reset_sys_host = {
	.dev_exists = host_dev_exists,
	.dev_link = host_dev_link,
	.dev_attr = host_dev_attr,
	.dev_dir_entry = host_dev_dir_entry,
	.node_exists = host_node_exists,
};

/* ---- system calls: the host's, or a scripted kernel's in tests ---- */

static int host_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

static int host_open(const char *path, int flags)
{
	return open(path, flags);
}

static int host_fcntl_getfd(int fd)
{
	return fcntl(fd, F_GETFD);
}

static const struct vr_kernel_syscalls host_syscalls = {
	.ioctl = host_ioctl,
	.open = host_open,
	.close = close,
	.read = read,
	.pread = pread,
	.pwrite = pwrite,
	.fstat = fstat,
	.stat = stat,
	.fcntl_getfd = host_fcntl_getfd,
};

const struct vr_kernel_syscalls *vr_kernel_syscalls = &host_syscalls;
#define sc vr_kernel_syscalls

/* ---- device ops ---- */

static int xioctl(int fd, unsigned long req, void *arg)
{
	return sc->ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static int k_get_info(struct vfio_reset_dev *dev, struct vfio_device_info *info)
{
	return xioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, info);
}

static int k_get_region_info(struct vfio_reset_dev *dev, struct vfio_region_info *info)
{
	return xioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO, info);
}

/* where vfio-pci put region index in the device fd: its own business */
static int k_region_offset(struct vfio_reset_dev *dev, uint32_t index, uint64_t off,
			   size_t len, uint64_t *pos)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };
	int ret = xioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO, &info);

	if (ret < 0)
		return ret;
	if (off > info.size || len > info.size - off)
		return -EINVAL;
	*pos = info.offset + off;
	return 0;
}

static int k_region_read(struct vfio_reset_dev *dev, uint32_t index, uint64_t off,
			 void *buf, size_t len)
{
	uint64_t pos;
	int ret = k_region_offset(dev, index, off, len, &pos);
	ssize_t n;

	if (ret < 0)
		return ret;
	n = sc->pread(dev->device_fd, buf, len, (off_t)pos);
	return n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
}

static int k_region_write(struct vfio_reset_dev *dev, uint32_t index, uint64_t off,
			  const void *buf, size_t len)
{
	uint64_t pos;
	int ret = k_region_offset(dev, index, off, len, &pos);
	ssize_t n;

	if (ret < 0)
		return ret;
	n = sc->pwrite(dev->device_fd, buf, len, (off_t)pos);
	return n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
}

static int k_get_irq_info(struct vfio_reset_dev *dev, struct vfio_irq_info *info)
{
	return xioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO, info);
}

static int k_set_irqs(struct vfio_reset_dev *dev, struct vfio_irq_set *set)
{
	return xioctl(dev->device_fd, VFIO_DEVICE_SET_IRQS, set);
}

static int k_device_reset(struct vfio_reset_dev *dev)
{
	return sc->ioctl(dev->device_fd, VFIO_DEVICE_RESET, NULL) < 0 ? -errno : 0;
}

static int k_hot_reset_info(struct vfio_reset_dev *dev,
			    struct vfio_pci_hot_reset_info *info)
{
	return xioctl(dev->device_fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info);
}

static int k_hot_reset(struct vfio_reset_dev *dev, struct vfio_pci_hot_reset *req)
{
	return xioctl(dev->device_fd, VFIO_DEVICE_PCI_HOT_RESET, req);
}

/*
 * The kernel-reset features exist only with uapi headers that define them
 * (the Makefile says so when they do not): without them the ops stay NULL
 * and the library answers -ENOTSUP.  No fallback copies of the uapi.
 */
#ifdef VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS
_Static_assert(VFIO_RESET_KERNEL_RESET_ACTIVE == VFIO_KERNEL_RESET_ACTIVE &&
	       VFIO_RESET_KERNEL_RESET_NONE == VFIO_KERNEL_RESET_NONE &&
	       VFIO_RESET_KERNEL_RESET_RESTORED == VFIO_KERNEL_RESET_RESTORED &&
	       VFIO_RESET_KERNEL_RESET_STATE_LOST == VFIO_KERNEL_RESET_STATE_LOST &&
	       VFIO_RESET_KERNEL_RESET_FAILED == VFIO_KERNEL_RESET_FAILED &&
	       VFIO_RESET_KERNEL_RESET_NOT_RESET == VFIO_KERNEL_RESET_NOT_RESET,
	       "vfio_reset.h's VFIO_RESET_KERNEL_RESET_* differ from the uapi's");

/* VFIO_DEVICE_FEATURE with a payload of len bytes, copied back */
static int k_feature(struct vfio_reset_dev *dev, uint32_t flags, void *data, size_t len)
{
	union {
		struct vfio_device_feature hdr;
		uint64_t buf[(sizeof(struct vfio_device_feature) +
			      sizeof(struct vfio_device_feature_kernel_reset_status) + 7) / 8];
	} u;
	int ret;

	if (sizeof(u.hdr) + len > sizeof(u))
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.hdr.argsz = (uint32_t)(sizeof(u.hdr) + len);
	u.hdr.flags = flags;
	if (len)
		memcpy(u.hdr.data, data, len);
	ret = xioctl(dev->device_fd, VFIO_DEVICE_FEATURE, &u.hdr);
	if (ret == 0 && len)
		memcpy(data, u.hdr.data, len);
	return ret;
}

static int k_kernel_reset_probe(struct vfio_reset_dev *dev)
{
	return k_feature(dev, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			 VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS, NULL, 0);
}

static int k_kernel_reset_status(struct vfio_reset_dev *dev,
				 struct vfio_reset_kernel_reset_status *st)
{
	struct vfio_device_feature_kernel_reset_status k;
	int ret;

	memset(&k, 0, sizeof(k));
	ret = k_feature(dev, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS,
			&k, sizeof(k));
	if (ret < 0)
		return ret;
	st->flags = k.flags;
	st->last = k.last;
	st->started = k.started;
	st->restored = k.restored;
	st->state_lost = k.state_lost;
	st->failed = k.failed;
	st->not_reset = k.not_reset;
	return 0;
}

static int k_kernel_reset_eventfd(struct vfio_reset_dev *dev, int fd)
{
	struct vfio_device_feature_kernel_reset_eventfd set = { .fd = fd, .flags = 0 };

	return k_feature(dev, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_KERNEL_RESET_EVENTFD,
			 &set, sizeof(set));
}
#endif

static void k_close(struct vfio_reset_dev *dev)
{
	if (dev->adopted)
		return;		/* the caller's fds */
	if (dev->device_fd >= 0)
		sc->close(dev->device_fd);
	/* the group fd is shared by same-group devices of the context */
	if (dev->group_fd >= 0 &&
	    vfio_reset_ctx_group_fd(dev->ctx, (uint32_t)dev->group_id) < 0)
		sc->close(dev->group_fd);
}

static const struct vfio_reset_ops kernel_ops = {
	.get_info = k_get_info,
	.get_region_info = k_get_region_info,
	.region_read = k_region_read,
	.region_write = k_region_write,
	.get_irq_info = k_get_irq_info,
	.set_irqs = k_set_irqs,
	.device_reset = k_device_reset,
	.hot_reset_info = k_hot_reset_info,
	.hot_reset = k_hot_reset,
#ifdef VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS
	.kernel_reset_probe = k_kernel_reset_probe,
	.kernel_reset_status = k_kernel_reset_status,
	.kernel_reset_eventfd = k_kernel_reset_eventfd,
#endif
	.close = k_close,
};

/* ---- opening ---- */

static int check_bound_to_vfio(struct vfio_reset_ctx *ctx, const char *bdf,
			       struct vfio_reset_err *err)
{
	char driver[64];
	int ret;

	if (vr_sys_dev_exists(ctx, bdf) <= 0)
		return vfio_reset_set_err(err, -ENODEV, VFIO_RESET_ERR_NOT_FOUND,
					  "no such PCI device (%s%s missing)", SYSFS_PCI, bdf);
	ret = vr_sys_link(ctx, bdf, "driver", driver, sizeof(driver));
	if (ret == -ENOENT)
		return vfio_reset_set_err(err, -ENODEV, VFIO_RESET_ERR_NOT_VFIO,
					  "not bound to any driver; bind it to vfio-pci first");
	if (ret < 0)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "cannot read driver link: %s", strerror(-ret));
	if (!vfio_reset_driver_is_vfio(driver))
		return vfio_reset_set_err(err, -ENODEV, VFIO_RESET_ERR_NOT_VFIO,
					  "bound to %s, not vfio-pci", driver);
	return 0;
}

static int read_group_id(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev)
{
	char group[16];
	int ret = vr_sys_link(ctx, dev->bdf, "iommu_group", group, sizeof(group));

	if (ret >= 0)
		dev->group_id = strtol(group, NULL, 10);
	return ret;
}

static int open_container(struct vfio_reset_ctx *ctx, struct vfio_reset_err *err)
{
	int fd, ret;

	if (ctx->container_fd >= 0)
		return 0;
	fd = sc->open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return vfio_reset_set_err(err, -errno, errno == ENOENT ?
					  VFIO_RESET_ERR_NOT_FOUND : VFIO_RESET_ERR_GENERIC,
					  "cannot open /dev/vfio/vfio: %s", strerror(errno));
	ret = sc->ioctl(fd, VFIO_GET_API_VERSION, NULL);
	if (ret != VFIO_API_VERSION) {
		sc->close(fd);
		return vfio_reset_set_err(err, -EPROTO, VFIO_RESET_ERR_GENERIC,
					  "unexpected VFIO API version %d", ret);
	}
	if (sc->ioctl(fd, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU) <= 0) {
		sc->close(fd);
		return vfio_reset_set_err(err, -ENOTSUP, VFIO_RESET_ERR_GENERIC,
					  "container lacks VFIO_TYPE1v2_IOMMU");
	}
	ctx->container_fd = fd;
	return 0;
}

static int open_group_path(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev,
			   struct vfio_reset_err *err)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	bool own_group_fd = false;
	int ret, gfd;

	if (read_group_id(ctx, dev) < 0)
		return vfio_reset_set_err(err, -ENODEV, VFIO_RESET_ERR_GROUP_NOT_VIABLE,
					  "has no IOMMU group (IOMMU off? no-IOMMU mode is not supported)");
	ret = open_container(ctx, err);
	if (ret < 0)
		return ret;
	gfd = vfio_reset_ctx_group_fd(ctx, (uint32_t)dev->group_id);
	if (gfd < 0) {
		snprintf(path, sizeof(path), "/dev/vfio/%lld", (long long)dev->group_id);
		gfd = sc->open(path, O_RDWR | O_CLOEXEC);
		if (gfd < 0)
			return vfio_reset_set_err(err, -errno, VFIO_RESET_ERR_GENERIC,
						  "cannot open %s: %s%s", path, strerror(errno),
						  errno == EBUSY ? " (group in use by another process)" : "");
		own_group_fd = true;
	}
	ret = xioctl(gfd, VFIO_GROUP_GET_STATUS, &status);
	if (ret < 0) {
		vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
				   "VFIO_GROUP_GET_STATUS: %s", strerror(-ret));
		goto fail;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		ret = vfio_reset_set_err(err, -EPERM, VFIO_RESET_ERR_GROUP_NOT_VIABLE,
					 "IOMMU group %lld is not viable: bind every device of the group to vfio-pci (or unbind it)",
					 (long long)dev->group_id);
		goto fail;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET)) {
		ret = xioctl(gfd, VFIO_GROUP_SET_CONTAINER, &ctx->container_fd);
		if (ret < 0) {
			vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					   "VFIO_GROUP_SET_CONTAINER: %s", strerror(-ret));
			goto fail;
		}
	}
	/* the IOMMU model is set once per container, after its first group */
	if (!ctx->container_has_iommu) {
		if (sc->ioctl(ctx->container_fd, VFIO_SET_IOMMU,
			      (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU) < 0) {
			ret = vfio_reset_set_err(err, -errno, VFIO_RESET_ERR_GENERIC,
						 "VFIO_SET_IOMMU(TYPE1v2): %s", strerror(errno));
			goto fail;
		}
		ctx->container_has_iommu = true;
	}
	dev->device_fd = sc->ioctl(gfd, VFIO_GROUP_GET_DEVICE_FD, dev->bdf);
	if (dev->device_fd < 0) {
		ret = vfio_reset_set_err(err, -errno, VFIO_RESET_ERR_GENERIC,
					 "VFIO_GROUP_GET_DEVICE_FD: %s", strerror(errno));
		goto fail;
	}
	dev->group_fd = gfd;
	return 0;
fail:
	if (own_group_fd)
		sc->close(gfd);
	return ret;
}

static int open_cdev_path(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev,
			  struct vfio_reset_err *err)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	char name[32], path[64];
	int ret;

	if (vr_sys_node_exists(ctx, "/dev/iommu") <= 0)
		return vfio_reset_set_err(err, -ENOENT, VFIO_RESET_ERR_NO_CDEV,
					  "/dev/iommu missing: kernel without CONFIG_IOMMUFD (use --group)");
	if (vr_sys_dir_entry(ctx, dev->bdf, "vfio-dev", name, sizeof(name)) < 0)
		return vfio_reset_set_err(err, -ENOENT, VFIO_RESET_ERR_NO_CDEV,
					  "no vfio-dev node: kernel without CONFIG_VFIO_DEVICE_CDEV (use --group)");
	read_group_id(ctx, dev);	/* informative on this path */
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", name);
	dev->device_fd = sc->open(path, O_RDWR | O_CLOEXEC);
	if (dev->device_fd < 0)
		return vfio_reset_set_err(err, -errno, errno == ENOENT ?
					  VFIO_RESET_ERR_NO_CDEV : VFIO_RESET_ERR_GENERIC,
					  "cannot open %s: %s", path, strerror(errno));
	if (ctx->iommufd < 0) {
		ctx->iommufd = sc->open("/dev/iommu", O_RDWR | O_CLOEXEC);
		if (ctx->iommufd < 0) {
			ret = vfio_reset_set_err(err, -errno, VFIO_RESET_ERR_NO_CDEV,
						 "cannot open /dev/iommu: %s", strerror(errno));
			goto fail;
		}
	}
	bind.iommufd = ctx->iommufd;
	ret = xioctl(dev->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (ret < 0) {
		vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
				   "VFIO_DEVICE_BIND_IOMMUFD: %s%s", strerror(-ret),
				   ret == -EBUSY ? " (device or its group is in use elsewhere)" : "");
		goto fail;
	}
	dev->devid = bind.out_devid;
	if (!ctx->ioas_valid) {
		struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };

		ret = xioctl(ctx->iommufd, IOMMU_IOAS_ALLOC, &alloc);
		if (ret < 0) {
			vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					   "IOMMU_IOAS_ALLOC: %s", strerror(-ret));
			goto fail;
		}
		ctx->ioas_id = alloc.out_ioas_id;
		ctx->ioas_valid = true;
	}
	attach.pt_id = ctx->ioas_id;
	ret = xioctl(dev->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
	if (ret < 0) {
		vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
				   "VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s", strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	sc->close(dev->device_fd);
	dev->device_fd = -1;
	return ret;
}

static int kernel_open_device(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev,
			      struct vfio_reset_err *err)
{
	int ret = check_bound_to_vfio(ctx, dev->bdf, err);

	if (ret < 0)
		return ret;
	dev->ops = &kernel_ops;
	if (dev->path == VFIO_RESET_PATH_CDEV)
		return open_cdev_path(ctx, dev, err);
	return open_group_path(ctx, dev, err);
}

/* ---- adopting the caller's fds ---- */

static int fd_not_open(int fd, const char *what, struct vfio_reset_err *err)
{
	if (sc->fcntl_getfd(fd) >= 0)
		return 0;
	return vfio_reset_set_err(err, -EBADF, VFIO_RESET_ERR_GENERIC,
				  "%s %d is not open", what, fd);
}

/* 1 if fd is the character device of path, 0 if not, -errno */
static int fd_is_node(int fd, const char *path)
{
	struct stat fst, pst;

	if (sc->fstat(fd, &fst) < 0)
		return -errno;
	if (sc->stat(path, &pst) < 0)
		return -errno;
	return S_ISCHR(fst.st_mode) && S_ISCHR(pst.st_mode) && fst.st_rdev == pst.st_rdev;
}

static bool fd_is_chardev(int fd)
{
	struct stat st;

	return sc->fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
}

/*
 * The BDF of a vfio device fd from the kernel's own fdinfo line
 * "vfio-device-syspath: /sys/devices/.../DDDD:BB:DD.F" (Linux 6.16+):
 * 0, or -ENOENT on kernels without it.
 */
static int fdinfo_bdf(int fd, char bdf[VFIO_RESET_BDF_LEN])
{
	static const char key[] = "\nvfio-device-syspath: ";
	char path[64], info[4096] = "\n", *line, *base;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = sc->open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	n = sc->read(f, info + 1, sizeof(info) - 2);
	sc->close(f);
	if (n < 0)
		return -errno;
	info[n + 1] = '\0';
	line = strstr(info, key);
	if (!line)
		return -ENOENT;
	line += sizeof(key) - 1;
	line[strcspn(line, "\n")] = '\0';
	base = strrchr(line, '/');
	return vfio_reset_parse_bdf(base ? base + 1 : line, bdf);
}

/* the BDF the caller gave and the one the kernel names agree */
static int adopt_bdf(struct vfio_reset_dev *dev, int fd, struct vfio_reset_err *err)
{
	char known[VFIO_RESET_BDF_LEN];
	int ret = fdinfo_bdf(fd, known);

	if (ret == 0 && !dev->bdf[0])
		memcpy(dev->bdf, known, sizeof(known));
	else if (ret == 0 && strcmp(dev->bdf, known) != 0)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "device fd %d is %s, not %s", fd, known, dev->bdf);
	else if (ret < 0 && !dev->bdf[0])
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "no BDF given and the kernel does not name the device "
					  "of fd %d (no vfio-device-syspath in its fdinfo): pass the BDF",
					  fd);
	return 0;
}

static int adopt_group(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev,
		       const struct vfio_reset_adopt_fds *fds, struct vfio_reset_err *err)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int ret = fd_not_open(fds->group_fd, "group_fd", err);

	if (ret < 0)
		return ret;
	if (fds->container_fd >= 0) {
		ret = fd_not_open(fds->container_fd, "container_fd", err);
		if (ret < 0)
			return ret;
		if (sc->ioctl(fds->container_fd, VFIO_GET_API_VERSION, NULL) != VFIO_API_VERSION)
			return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
						  "container_fd %d is not a vfio container",
						  fds->container_fd);
	}
	if (fd_is_chardev(fds->device_fd))
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "device fd %d was opened from a vfio cdev: pass the "
					  "iommufd it is bound to, not a group fd", fds->device_fd);
	if (read_group_id(ctx, dev) < 0)
		return vfio_reset_set_err(err, -ENODEV, VFIO_RESET_ERR_GROUP_NOT_VIABLE,
					  "has no IOMMU group");
	snprintf(path, sizeof(path), "/dev/vfio/%lld", (long long)dev->group_id);
	ret = fd_is_node(fds->group_fd, path);
	if (ret <= 0)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "group_fd %d is not %s, the group of %s%s%s",
					  fds->group_fd, path, dev->bdf, ret < 0 ? ": " : "",
					  ret < 0 ? strerror(-ret) : "");
	ret = xioctl(fds->group_fd, VFIO_GROUP_GET_STATUS, &status);
	if (ret < 0)
		return vfio_reset_set_err(err, ret, VFIO_RESET_ERR_GENERIC,
					  "VFIO_GROUP_GET_STATUS on group_fd %d: %s",
					  fds->group_fd, strerror(-ret));
	if (!(status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET))
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "group_fd %d is in no container, so device fd %d "
					  "cannot be of it", fds->group_fd, fds->device_fd);
	dev->group_fd = fds->group_fd;
	return 0;
}

static int adopt_cdev(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev,
		      const struct vfio_reset_adopt_fds *fds, struct vfio_reset_err *err)
{
	char name[32], path[64];
	int ret = fd_not_open(fds->iommufd, "iommufd", err);

	if (ret < 0)
		return ret;
	if (fd_is_node(fds->iommufd, "/dev/iommu") <= 0)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "iommufd %d is not /dev/iommu", fds->iommufd);
	if (vr_sys_dir_entry(ctx, dev->bdf, "vfio-dev", name, sizeof(name)) < 0)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_NO_CDEV,
					  "%s has no vfio-dev node, so device fd %d is not its cdev",
					  dev->bdf, fds->device_fd);
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", name);
	ret = fd_is_node(fds->device_fd, path);
	if (ret <= 0)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "device fd %d is not %s (the cdev of %s)%s", fds->device_fd,
					  path, dev->bdf, fd_is_chardev(fds->device_fd) ? "" :
					  ": it came from a group, pass group_fd");
	read_group_id(ctx, dev);	/* informative on this path */
	dev->devid = fds->devid;
	return 0;
}

static int kernel_adopt_device(struct vfio_reset_ctx *ctx, struct vfio_reset_dev *dev,
			       const struct vfio_reset_adopt_fds *fds,
			       struct vfio_reset_err *err)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int ret = fd_not_open(fds->device_fd, "device fd", err);

	if (ret < 0)
		return ret;
	ret = xioctl(fds->device_fd, VFIO_DEVICE_GET_INFO, &info);
	if (ret < 0 || !(info.flags & VFIO_DEVICE_FLAGS_PCI))
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "fd %d is not a vfio-pci device fd (%s)", fds->device_fd,
					  ret < 0 ? strerror(-ret) : "VFIO_DEVICE_FLAGS_PCI clear");
	ret = adopt_bdf(dev, fds->device_fd, err);
	if (ret == 0)
		ret = check_bound_to_vfio(ctx, dev->bdf, err);
	if (ret == 0)
		ret = dev->path == VFIO_RESET_PATH_CDEV ? adopt_cdev(ctx, dev, fds, err) :
		      adopt_group(ctx, dev, fds, err);
	if (ret < 0)
		return ret;
	dev->ops = &kernel_ops;
	dev->device_fd = fds->device_fd;
	return 0;
}

static int kernel_open_group(struct vfio_reset_ctx *ctx, uint32_t group_id)
{
	char path[32];
	int fd;

	(void)ctx;
	snprintf(path, sizeof(path), "/dev/vfio/%u", group_id);
	fd = sc->open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static void kernel_close_fd(struct vfio_reset_ctx *ctx, int fd)
{
	(void)ctx;
	sc->close(fd);
}

static void kernel_ctx_destroy(struct vfio_reset_ctx *ctx)
{
	if (ctx->container_fd >= 0)
		sc->close(ctx->container_fd);
	if (ctx->iommufd >= 0)
		sc->close(ctx->iommufd);
	ctx->container_fd = ctx->iommufd = -1;
}

const struct vfio_reset_backend vfio_reset_backend_kernel = {
	.name = "kernel",
	.open_device = kernel_open_device,
	.adopt_device = kernel_adopt_device,
	.open_group = kernel_open_group,
	.close_fd = kernel_close_fd,
	.ctx_destroy = kernel_ctx_destroy,
};
