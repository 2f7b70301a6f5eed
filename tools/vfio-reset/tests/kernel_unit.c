// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the kernel backend (lib/kernel.c) against a scripted
 * kernel: its system calls (struct vr_kernel_syscalls) answer the way
 * vfio, vfio-pci and iommufd do for one device, 0000:01:00.0 in IOMMU
 * group 10 with cdev vfio0, and log what they were asked.  The tests
 * check the uapi the backend speaks (ioctl order, argsz, flags, payloads),
 * that it closes what it opened and never what it adopted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/iommufd.h>

#include "kselftest_harness.h"

#include "internal.h"
#include "vfio_reset.h"

#define BDF "0000:01:00.0"
#define CONFIG_OFFSET (7ull << 40)
#define DEVID 5
#define IOAS_ID 7

/* the fds the scripted kernel hands out, and the ones it knows only by number */
enum {
	FD_CONTAINER = 60, FD_IOMMU, FD_GROUP, FD_DEVICE, FD_CDEV, FD_FDINFO,
	FD_MAX,
};

struct logged_ioctl {
	int fd;
	unsigned long req;
};

/* what the scripted kernel is, and what it was asked */
static struct {
	bool open[FD_MAX];
	unsigned int closes[FD_MAX];
	bool container_set;
	const char *fdinfo;		/* the device fd's fdinfo, NULL: none */
	struct logged_ioctl log[64];
	size_t n_log;
	/* VFIO_DEVICE_FEATURE */
	uint32_t feature_argsz, feature_flags;
	struct vfio_device_feature_kernel_reset_status status;
	int32_t kreset_fd;
	/* VFIO_DEVICE_SET_IRQS */
	struct vfio_irq_set irq_set;
	int32_t irq_fd;
	/* VFIO_DEVICE_PCI_HOT_RESET */
	uint32_t hot_argsz, hot_count;
	int32_t hot_fds[4];
	int get_device_fd_err;
} k;

static bool cdev_opened(void)
{
	return k.open[FD_CDEV];
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static int sk_feature(struct vfio_device_feature *f)
{
	struct vfio_device_feature_kernel_reset_eventfd set;
	uint32_t feature = f->flags & VFIO_DEVICE_FEATURE_MASK;

	k.feature_argsz = f->argsz;
	k.feature_flags = f->flags;
	if (f->flags & VFIO_DEVICE_FEATURE_PROBE)
		return feature == VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS ? 0 : fail(ENOTTY);
	if (feature == VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS &&
	    f->flags & VFIO_DEVICE_FEATURE_GET) {
		if (f->argsz < sizeof(*f) + sizeof(k.status))
			return fail(EINVAL);
		memcpy(f->data, &k.status, sizeof(k.status));
		return 0;
	}
	if (feature == VFIO_DEVICE_FEATURE_KERNEL_RESET_EVENTFD &&
	    f->flags & VFIO_DEVICE_FEATURE_SET) {
		/* as vfio-pci: the payload must be there, flags 0, fd >= -1 */
		if (f->argsz < sizeof(*f) + sizeof(set))
			return fail(EINVAL);
		memcpy(&set, f->data, sizeof(set));
		if (set.flags || set.fd < -1)
			return fail(EINVAL);
		k.kreset_fd = set.fd;
		return 0;
	}
	return fail(ENOTTY);
}

static int sk_device_ioctl(unsigned long req, void *arg)
{
	struct vfio_pci_hot_reset_info *hi = arg;
	struct vfio_pci_hot_reset *hr = arg;
	struct vfio_device_info *info = arg;
	struct vfio_region_info *reg = arg;
	struct vfio_irq_info *irq = arg;
	struct vfio_irq_set *set = arg;

	switch (req) {
	case VFIO_DEVICE_GET_INFO:
		info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		info->num_regions = VFIO_PCI_NUM_REGIONS;
		info->num_irqs = VFIO_PCI_NUM_IRQS;
		return 0;
	case VFIO_DEVICE_GET_REGION_INFO:
		if (reg->index != VFIO_PCI_CONFIG_REGION_INDEX)
			return fail(EINVAL);
		reg->offset = CONFIG_OFFSET;
		reg->size = 256;
		return 0;
	case VFIO_DEVICE_GET_IRQ_INFO:
		irq->flags = VFIO_IRQ_INFO_EVENTFD;
		irq->count = 1;
		return 0;
	case VFIO_DEVICE_SET_IRQS:
		/* vfio_set_irqs_validate_and_prepare(): one eventfd, index ERR */
		if (set->argsz < sizeof(*set) + sizeof(int32_t) * set->count ||
		    set->index != VFIO_PCI_ERR_IRQ_INDEX || set->start || set->count != 1)
			return fail(EINVAL);
		k.irq_set = *set;
		memcpy(&k.irq_fd, set->data, sizeof(k.irq_fd));
		return 0;
	case VFIO_DEVICE_RESET:
		return 0;
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
		if (hi->argsz < sizeof(*hi) + sizeof(hi->devices[0])) {
			hi->count = 1;
			return fail(ENOSPC);
		}
		hi->count = 1;
		hi->devices[0].segment = 0;
		hi->devices[0].bus = 1;
		hi->devices[0].devfn = 0;
		if (cdev_opened()) {
			hi->flags = VFIO_PCI_HOT_RESET_FLAG_DEV_ID |
				    VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
			hi->devices[0].devid = DEVID;
		} else {
			hi->flags = 0;
			hi->devices[0].group_id = 10;
		}
		return 0;
	case VFIO_DEVICE_PCI_HOT_RESET:
		k.hot_argsz = hr->argsz;
		k.hot_count = hr->count;
		memcpy(k.hot_fds, hr->group_fds, hr->count * sizeof(int32_t));
		return 0;
	case VFIO_DEVICE_FEATURE:
		return sk_feature(arg);
	case VFIO_DEVICE_BIND_IOMMUFD:
		if (((struct vfio_device_bind_iommufd *)arg)->iommufd != FD_IOMMU)
			return fail(EBADF);
		((struct vfio_device_bind_iommufd *)arg)->out_devid = DEVID;
		return 0;
	case VFIO_DEVICE_ATTACH_IOMMUFD_PT:
		return ((struct vfio_device_attach_iommufd_pt *)arg)->pt_id == IOAS_ID ? 0 :
		       fail(ENOENT);
	}
	return fail(ENOTTY);
}

static int sk_ioctl(int fd, unsigned long req, void *arg)
{
	if (k.n_log < sizeof(k.log) / sizeof(k.log[0]))
		k.log[k.n_log++] = (struct logged_ioctl){ fd, req };
	if (fd < 0 || fd >= FD_MAX || !k.open[fd])
		return fail(EBADF);
	switch (fd) {
	case FD_CONTAINER:
		if (req == VFIO_GET_API_VERSION)
			return VFIO_API_VERSION;
		if (req == VFIO_CHECK_EXTENSION || req == VFIO_SET_IOMMU)
			return (uintptr_t)arg == VFIO_TYPE1v2_IOMMU ? (req == VFIO_CHECK_EXTENSION) :
			       fail(EINVAL);
		return fail(ENOTTY);
	case FD_GROUP:
		if (req == VFIO_GROUP_GET_STATUS) {
			((struct vfio_group_status *)arg)->flags = VFIO_GROUP_FLAGS_VIABLE |
				(k.container_set ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0);
			return 0;
		}
		if (req == VFIO_GROUP_SET_CONTAINER) {
			if (*(int *)arg != FD_CONTAINER)
				return fail(EBADF);
			k.container_set = true;
			return 0;
		}
		if (req == VFIO_GROUP_GET_DEVICE_FD) {
			if (k.get_device_fd_err)
				return fail(k.get_device_fd_err);
			if (strcmp(arg, BDF))
				return fail(ENODEV);
			k.open[FD_DEVICE] = true;
			return FD_DEVICE;
		}
		return fail(ENOTTY);
	case FD_IOMMU:
		if (req != IOMMU_IOAS_ALLOC)
			return fail(ENOTTY);
		((struct iommu_ioas_alloc *)arg)->out_ioas_id = IOAS_ID;
		return 0;
	case FD_DEVICE:
	case FD_CDEV:
		return sk_device_ioctl(req, arg);
	}
	return fail(ENOTTY);
}

static const struct { const char *path; int fd; } nodes[] = {
	{ "/dev/vfio/vfio", FD_CONTAINER }, { "/dev/iommu", FD_IOMMU },
	{ "/dev/vfio/10", FD_GROUP }, { "/dev/vfio/devices/vfio0", FD_CDEV },
};

static int sk_open(const char *path, int flags)
{
	char fdinfo[64];

	(void)flags;
	snprintf(fdinfo, sizeof(fdinfo), "/proc/self/fdinfo/%d", FD_DEVICE);
	if (!strcmp(path, fdinfo) && k.open[FD_DEVICE]) {
		k.open[FD_FDINFO] = true;
		return FD_FDINFO;
	}
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (!strcmp(path, nodes[i].path)) {
			k.open[nodes[i].fd] = true;
			return nodes[i].fd;
		}
	return fail(ENOENT);
}

static int sk_close(int fd)
{
	if (fd < 0 || fd >= FD_MAX || !k.open[fd])
		return fail(EBADF);
	k.open[fd] = false;
	k.closes[fd]++;
	return 0;
}

static ssize_t sk_read(int fd, void *buf, size_t len)
{
	size_t n = k.fdinfo ? strlen(k.fdinfo) : 0;

	if (fd != FD_FDINFO)
		return fail(EBADF);
	n = n < len ? n : len;
	memcpy(buf, k.fdinfo ? k.fdinfo : "", n);
	return (ssize_t)n;
}

static ssize_t sk_pread(int fd, void *buf, size_t len, off_t off)
{
	uint32_t id = 0x00101b36;

	if ((fd != FD_DEVICE && fd != FD_CDEV) || (uint64_t)off != CONFIG_OFFSET || len != 4)
		return fail(EINVAL);
	memcpy(buf, &id, 4);
	return 4;
}

static ssize_t sk_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	(void)fd; (void)buf; (void)len; (void)off;
	return fail(EPERM);
}

/* character devices: the nodes and the fds opened from them */
static dev_t rdev_of_fd(int fd)
{
	switch (fd) {
	case FD_CONTAINER: return makedev(10, 196);
	case FD_IOMMU: return makedev(10, 123);
	case FD_GROUP: return makedev(240, 10);
	case FD_CDEV: return makedev(241, 0);
	}
	return 0;
}

static int sk_fstat(int fd, struct stat *st)
{
	if (fd < 0 || fd >= FD_MAX || !k.open[fd])
		return fail(EBADF);
	memset(st, 0, sizeof(*st));
	st->st_rdev = rdev_of_fd(fd);
	st->st_mode = st->st_rdev ? S_IFCHR : 0;	/* a group's device fd: anon inode */
	return 0;
}

static int sk_stat(const char *path, struct stat *st)
{
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (!strcmp(path, nodes[i].path)) {
			memset(st, 0, sizeof(*st));
			st->st_mode = S_IFCHR;
			st->st_rdev = rdev_of_fd(nodes[i].fd);
			return 0;
		}
	return fail(ENOENT);
}

static int sk_fcntl_getfd(int fd)
{
	return fd >= 0 && fd < FD_MAX && k.open[fd] ? 0 : fail(EBADF);
}

static const struct vr_kernel_syscalls scripted = {
	.ioctl = sk_ioctl, .open = sk_open, .close = sk_close, .read = sk_read,
	.pread = sk_pread, .pwrite = sk_pwrite, .fstat = sk_fstat, .stat = sk_stat,
	.fcntl_getfd = sk_fcntl_getfd,
};

/* ---- sysfs of the same device ---- */

static int copy(char *buf, size_t len, const char *s)
{
	if (strlen(s) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, s);
	return (int)strlen(s);
}

static int sys_exists(void *priv, const char *bdf)
{
	(void)priv;
	return !strcmp(bdf, BDF);
}

static int sys_link(void *priv, const char *bdf, const char *link, char *buf, size_t len)
{
	(void)priv;
	if (strcmp(bdf, BDF))
		return -ENOENT;
	return copy(buf, len, !strcmp(link, "driver") ? "vfio-pci" : "10");
}

static int sys_attr(void *priv, const char *bdf, const char *attr, char *buf, size_t len)
{
	(void)priv; (void)bdf;
	return !strcmp(attr, "reset_method") ? copy(buf, len, "flr") : -ENOENT;
}

static int sys_dir_entry(void *priv, const char *bdf, const char *dir, char *buf, size_t len)
{
	(void)priv;
	return !strcmp(bdf, BDF) && !strcmp(dir, "vfio-dev") ? copy(buf, len, "vfio0") : -ENOENT;
}

static int sys_node(void *priv, const char *path)
{
	(void)priv;
	return !strcmp(path, "/dev/iommu");
}

static const struct vfio_reset_sys scripted_sys = {
	.dev_exists = sys_exists, .dev_link = sys_link, .dev_attr = sys_attr,
	.dev_dir_entry = sys_dir_entry, .node_exists = sys_node,
};

/* a fresh scripted kernel and a kernel-backend context on it */
static struct vfio_reset_ctx *scripted_ctx(void)
{
	memset(&k, 0, sizeof(k));
	k.kreset_fd = k.irq_fd = -2;
	vr_kernel_syscalls = &scripted;
	return vfio_reset_ctx_new(&vfio_reset_backend_kernel, &scripted_sys, NULL);
}

FIXTURE(kernel) {
	struct vfio_reset_ctx *ctx;
	struct vfio_reset_err err;
};

FIXTURE_SETUP(kernel)
{
	self->ctx = scripted_ctx();
	ASSERT_NE(NULL, self->ctx);
	memset(&self->err, 0, sizeof(self->err));
}

FIXTURE_TEARDOWN(kernel)
{
	vfio_reset_ctx_free(self->ctx);
}

static bool none_open(void)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (k.open[fd])
			return false;
	return true;
}

/* the ioctls of the log, in order, are exactly want[] */
static bool log_is(const struct logged_ioctl *want, size_t n)
{
	if (k.n_log != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (k.log[i].fd != want[i].fd || k.log[i].req != want[i].req)
			return false;
	return true;
}

TEST_F(kernel, group_open_reset_close)
{
	static const struct logged_ioctl open_seq[] = {
		{ FD_CONTAINER, VFIO_GET_API_VERSION }, { FD_CONTAINER, VFIO_CHECK_EXTENSION },
		{ FD_GROUP, VFIO_GROUP_GET_STATUS }, { FD_GROUP, VFIO_GROUP_SET_CONTAINER },
		{ FD_CONTAINER, VFIO_SET_IOMMU }, { FD_GROUP, VFIO_GROUP_GET_DEVICE_FD },
	};
	static const struct logged_ioctl reset_seq[] = {
		{ FD_DEVICE, VFIO_DEVICE_RESET }, { FD_DEVICE, VFIO_DEVICE_GET_REGION_INFO },
		{ FD_DEVICE, VFIO_DEVICE_GET_REGION_INFO },
	};
	struct vfio_reset_result res;
	struct vfio_reset_dev *dev;

	ASSERT_EQ(0, vfio_reset_open(self->ctx, BDF, VFIO_RESET_PATH_GROUP, &dev, &self->err));
	EXPECT_TRUE(log_is(open_seq, sizeof(open_seq) / sizeof(open_seq[0])));
	k.n_log = 0;
	/* the config dword is read at the region's offset, from its index */
	EXPECT_EQ(0, vfio_reset_function(dev, &res, &self->err));
	EXPECT_EQ(0x00101b36u, res.vendor_device);
	EXPECT_TRUE(log_is(reset_seq, sizeof(reset_seq) / sizeof(reset_seq[0])));
	/* group path: the group fd is the ownership proof */
	EXPECT_EQ(0, vfio_reset_hot(dev, &res, &self->err));
	EXPECT_EQ(1u, k.hot_count);
	EXPECT_EQ(FD_GROUP, k.hot_fds[0]);
	EXPECT_EQ(sizeof(struct vfio_pci_hot_reset) + sizeof(int32_t), k.hot_argsz);
	vfio_reset_ctx_free(self->ctx);
	self->ctx = NULL;
	EXPECT_TRUE(none_open());
}

TEST_F(kernel, group_open_failure_closes_group)
{
	struct vfio_reset_dev *dev;

	k.get_device_fd_err = EBUSY;
	EXPECT_EQ(-EBUSY, vfio_reset_open(self->ctx, BDF, VFIO_RESET_PATH_GROUP, &dev,
					  &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "VFIO_GROUP_GET_DEVICE_FD"));
	EXPECT_FALSE(k.open[FD_GROUP]);
	EXPECT_EQ(1u, k.closes[FD_GROUP]);
}

TEST_F(kernel, cdev_open_hot_reset)
{
	static const struct logged_ioctl open_seq[] = {
		{ FD_CDEV, VFIO_DEVICE_BIND_IOMMUFD }, { FD_IOMMU, IOMMU_IOAS_ALLOC },
		{ FD_CDEV, VFIO_DEVICE_ATTACH_IOMMUFD_PT },
	};
	struct vfio_reset_result res;
	struct vfio_reset_dev *dev;

	ASSERT_EQ(0, vfio_reset_open(self->ctx, BDF, VFIO_RESET_PATH_CDEV, &dev, &self->err));
	EXPECT_TRUE(log_is(open_seq, sizeof(open_seq) / sizeof(open_seq[0])));
	EXPECT_EQ((uint32_t)DEVID, dev->devid);
	/* cdev path: a zero-length fd array */
	EXPECT_EQ(0, vfio_reset_hot(dev, &res, &self->err));
	EXPECT_EQ(0u, k.hot_count);
	EXPECT_EQ(sizeof(struct vfio_pci_hot_reset), k.hot_argsz);
	vfio_reset_ctx_free(self->ctx);
	self->ctx = NULL;
	EXPECT_TRUE(none_open());
}

TEST_F(kernel, kernel_reset_feature_layout)
{
	const struct vfio_device_feature_kernel_reset_status st = {
		.flags = VFIO_KERNEL_RESET_ACTIVE, .last = VFIO_KERNEL_RESET_STATE_LOST,
		.started = 11, .restored = 3, .state_lost = 4, .failed = 2, .not_reset = 1,
	};
	struct vfio_reset_kernel_reset_status out;
	struct vfio_reset_dev *dev;

	ASSERT_EQ(0, vfio_reset_open(self->ctx, BDF, VFIO_RESET_PATH_CDEV, &dev, &self->err));
	EXPECT_EQ(0, vfio_reset_probe_kernel_reset(dev));
	EXPECT_EQ((uint32_t)(VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
		  VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS), k.feature_flags);
	EXPECT_EQ(sizeof(struct vfio_device_feature), k.feature_argsz);
	/* every field reaches its own member */
	k.status = st;
	EXPECT_EQ(0, vfio_reset_kernel_reset_status(dev, &out, &self->err));
	EXPECT_EQ((uint32_t)(VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS),
		  k.feature_flags);
	EXPECT_EQ(sizeof(struct vfio_device_feature) + sizeof(st), k.feature_argsz);
	EXPECT_EQ(st.flags, out.flags);
	EXPECT_EQ(st.last, out.last);
	EXPECT_EQ(st.started, out.started);
	EXPECT_EQ(st.restored, out.restored);
	EXPECT_EQ(st.state_lost, out.state_lost);
	EXPECT_EQ(st.failed, out.failed);
	EXPECT_EQ(st.not_reset, out.not_reset);
	/* the caller's eventfd is armed as {fd, flags 0}, -1 disarms */
	k.open[FD_FDINFO] = true;	/* any open fd: the kernel checks, not the library */
	EXPECT_EQ(FD_FDINFO, vfio_reset_subscribe_kernel_reset(dev, FD_FDINFO, &self->err));
	EXPECT_EQ((uint32_t)(VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_KERNEL_RESET_EVENTFD),
		  k.feature_flags);
	EXPECT_EQ(sizeof(struct vfio_device_feature) +
		  sizeof(struct vfio_device_feature_kernel_reset_eventfd), k.feature_argsz);
	EXPECT_EQ(FD_FDINFO, k.kreset_fd);
	EXPECT_EQ(0, vfio_reset_unsubscribe_kernel_reset(dev, &self->err));
	EXPECT_EQ(-1, k.kreset_fd);
	EXPECT_TRUE(k.open[FD_FDINFO]);		/* the caller's */
}

TEST_F(kernel, err_irq_layout)
{
	struct vfio_reset_dev *dev;

	ASSERT_EQ(0, vfio_reset_open(self->ctx, BDF, VFIO_RESET_PATH_GROUP, &dev, &self->err));
	k.open[FD_FDINFO] = true;
	EXPECT_EQ(FD_FDINFO, vfio_reset_subscribe_err_fd(dev, FD_FDINFO, &self->err));
	EXPECT_EQ(sizeof(struct vfio_irq_set) + sizeof(int32_t), k.irq_set.argsz);
	EXPECT_EQ((uint32_t)(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER), k.irq_set.flags);
	EXPECT_EQ((uint32_t)VFIO_PCI_ERR_IRQ_INDEX, k.irq_set.index);
	EXPECT_EQ(0u, k.irq_set.start);
	EXPECT_EQ(1u, k.irq_set.count);
	EXPECT_EQ(FD_FDINFO, k.irq_fd);
	EXPECT_EQ(0, vfio_reset_unsubscribe_err(dev, &self->err));
	EXPECT_EQ(-1, k.irq_fd);
	EXPECT_EQ(1u, k.irq_set.count);
	/* nothing armed by the library: no ioctl, the VMM's own trigger stays */
	k.n_log = 0;
	EXPECT_EQ(0, vfio_reset_unsubscribe_err(dev, &self->err));
	EXPECT_EQ(0u, k.n_log);
	/* armed by the library: close disarms it */
	EXPECT_EQ(FD_FDINFO, vfio_reset_subscribe_err_fd(dev, FD_FDINFO, &self->err));
	vfio_reset_close(dev);
	EXPECT_EQ(-1, k.irq_fd);
	EXPECT_TRUE(k.open[FD_FDINFO]);
}

/* a VMM's own fds: adopted, used, never closed */
TEST_F(kernel, adopt_group_never_closes)
{
	struct vfio_reset_adopt_fds fds = {
		.device_fd = FD_DEVICE, .group_fd = FD_GROUP, .container_fd = FD_CONTAINER,
		.iommufd = -1,
	};
	struct vfio_reset_result res;
	struct vfio_reset_dev *dev;

	k.open[FD_DEVICE] = k.open[FD_GROUP] = k.open[FD_CONTAINER] = true;
	k.container_set = true;
	k.fdinfo = "pos:\t0\nflags:\t02000002\nvfio-device-syspath: /sys/devices/pci0000:00/"
		   "0000:00:03.0/" BDF "\n";
	ASSERT_EQ(0, vfio_reset_adopt(self->ctx, NULL, &fds, &dev, &self->err));
	EXPECT_STREQ(BDF, vfio_reset_dev_bdf(dev));
	EXPECT_EQ(0, vfio_reset_hot(dev, &res, &self->err));
	EXPECT_EQ(FD_GROUP, k.hot_fds[0]);
	vfio_reset_close(dev);
	vfio_reset_ctx_free(self->ctx);
	self->ctx = NULL;
	EXPECT_EQ(0u, k.closes[FD_DEVICE] + k.closes[FD_GROUP] + k.closes[FD_CONTAINER]);
	EXPECT_TRUE(k.open[FD_DEVICE] && k.open[FD_GROUP] && k.open[FD_CONTAINER]);
}

/* what the kernel can tell is checked: a wrong fd is refused, by name */
struct adopt_refusal {
	int device_fd, group_fd, iommufd;
	const char *bdf, *fdinfo;
	int err;
	const char *msg;
};

FIXTURE(adopt_refused) {
	struct vfio_reset_ctx *ctx;
};

FIXTURE_VARIANT(adopt_refused) {
	struct adopt_refusal r;
};

FIXTURE_SETUP(adopt_refused)
{
	self->ctx = scripted_ctx();
	ASSERT_NE(NULL, self->ctx);
	/* the VMM holds every fd but the fdinfo one; its group is in a container */
	for (int fd = FD_CONTAINER; fd < FD_FDINFO; fd++)
		k.open[fd] = true;
	k.container_set = true;
}

FIXTURE_TEARDOWN(adopt_refused)
{
	vfio_reset_ctx_free(self->ctx);
}

FIXTURE_VARIANT_ADD(adopt_refused, fdinfo_names_another_device) {
	.r = { FD_DEVICE, FD_GROUP, -1, BDF, "vfio-device-syspath: /sys/devices/0000:02:00.0\n",
	       -EINVAL, "device fd 63 is 0000:02:00.0, not 0000:01:00.0" },
};

FIXTURE_VARIANT_ADD(adopt_refused, no_bdf_no_fdinfo) {
	.r = { FD_DEVICE, FD_GROUP, -1, NULL, "pos:\t0\n", -EINVAL,
	       "no BDF given and the kernel does not name the device of fd 63" },
};

FIXTURE_VARIANT_ADD(adopt_refused, group_fd_of_another_node) {
	.r = { FD_DEVICE, FD_CONTAINER, -1, BDF, NULL, -EINVAL,
	       "group_fd 60 is not /dev/vfio/10, the group of 0000:01:00.0" },
};

FIXTURE_VARIANT_ADD(adopt_refused, group_device_fd_on_cdev_path) {
	.r = { FD_DEVICE, -1, FD_IOMMU, BDF, NULL, -EINVAL,
	       "device fd 63 is not /dev/vfio/devices/vfio0 (the cdev of 0000:01:00.0): it "
	       "came from a group, pass group_fd" },
};

FIXTURE_VARIANT_ADD(adopt_refused, cdev_fd_on_group_path) {
	.r = { FD_CDEV, FD_GROUP, -1, BDF, NULL, -EINVAL,
	       "device fd 64 was opened from a vfio cdev: pass the iommufd it is bound to" },
};

FIXTURE_VARIANT_ADD(adopt_refused, iommufd_not_dev_iommu) {
	.r = { FD_CDEV, -1, FD_GROUP, BDF, NULL, -EINVAL, "iommufd 62 is not /dev/iommu" },
};

FIXTURE_VARIANT_ADD(adopt_refused, closed_device_fd) {
	.r = { FD_FDINFO, FD_GROUP, -1, BDF, NULL, -EBADF, "device fd 65 is not open" },
};

TEST_F(adopt_refused, with_why)
{
	const struct adopt_refusal *r = &variant->r;
	struct vfio_reset_adopt_fds fds = {
		.device_fd = r->device_fd, .group_fd = r->group_fd, .container_fd = -1,
		.iommufd = r->iommufd,
	};
	struct vfio_reset_err err = { 0 };
	struct vfio_reset_dev *dev = NULL;

	k.fdinfo = r->fdinfo;
	EXPECT_EQ(r->err, vfio_reset_adopt(self->ctx, r->bdf, &fds, &dev, &err));
	EXPECT_EQ(NULL, dev);
	EXPECT_EQ(0, strncmp(err.msg, r->msg, strlen(r->msg)))
		TH_LOG("got '%s'", err.msg);
	for (int fd = FD_CONTAINER; fd < FD_FDINFO; fd++)
		EXPECT_EQ(0u, k.closes[fd]);
}

TEST_HARNESS_MAIN
