// SPDX-License-Identifier: GPL-2.0
/*
 * Helper library for the vfio-pci reset selftests: topology lookup,
 * opening devices through the legacy group/container interface or the
 * iommufd cdev interface, config space and BAR access, DMA mapping, IRQ
 * eventfds, reset ioctls and register probes proving that a reset
 * happened.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>

#include "vfio_test_lib.h"

static struct vfio_topo_entry topo[VFIO_TOPO_MAX];
static int topo_nr = -1;

int vfio_topo_load(void)
{
	const char *path = getenv("VFIO_TOPOLOGY");
	char line[512];
	FILE *f;

	if (topo_nr >= 0)
		return topo_nr;

	if (!path || !*path)
		path = VFIO_TOPO_DEFAULT;

	f = fopen(path, "r");
	if (!f)
		return -errno;

	topo_nr = 0;
	while (topo_nr < VFIO_TOPO_MAX && fgets(line, sizeof(line), f)) {
		struct vfio_topo_entry *e = &topo[topo_nr];
		char *p = line;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || !*p)
			continue;
		memset(e, 0, sizeof(*e));
		if (sscanf(p, "%31s %63s %255s", e->bdf, e->id, e->roles) < 2)
			continue;
		topo_nr++;
	}
	fclose(f);

	return topo_nr;
}

int vfio_topo_count(void)
{
	int ret = vfio_topo_load();

	return ret < 0 ? 0 : ret;
}

const struct vfio_topo_entry *vfio_topo_get(int i)
{
	if (i < 0 || i >= vfio_topo_count())
		return NULL;
	return &topo[i];
}

bool vfio_topo_has_role(const struct vfio_topo_entry *e, const char *role)
{
	size_t len = strlen(role);
	const char *p = e->roles;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t tok = end ? (size_t)(end - p) : strlen(p);

		if (tok == len && !strncmp(p, role, len))
			return true;
		if (!end)
			break;
		p = end + 1;
	}

	return false;
}

const struct vfio_topo_entry *vfio_topo_find_role(const char *role, int n)
{
	int i;

	for (i = 0; i < vfio_topo_count(); i++) {
		if (!vfio_topo_has_role(&topo[i], role))
			continue;
		if (n-- == 0)
			return &topo[i];
	}

	return NULL;
}

const struct vfio_topo_entry *vfio_topo_find_bdf(const char *bdf)
{
	int i;

	for (i = 0; i < vfio_topo_count(); i++)
		if (!strcmp(topo[i].bdf, bdf))
			return &topo[i];

	return NULL;
}

int vfio_parse_bdf(const char *bdf, unsigned int *seg, unsigned int *bus,
		   unsigned int *devfn)
{
	unsigned int s, b, d, f;

	if (sscanf(bdf, "%x:%x:%x.%x", &s, &b, &d, &f) != 4)
		return -EINVAL;
	if (b > 0xff || d > 0x1f || f > 7)
		return -EINVAL;

	*seg = s;
	*bus = b;
	*devfn = (d << 3) | f;

	return 0;
}

int vfio_sysfs_read(const char *bdf, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);

	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';

	return n;
}

int vfio_sysfs_group_id(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';

	base = strrchr(link, '/');
	base = base ? base + 1 : link;

	return atoi(base);
}

int vfio_sysfs_cdev_path(const char *bdf, char *path, size_t len)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(dir);
	if (!d)
		return -errno;

	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vfio", 4))
			continue;
		snprintf(path, len, "/dev/vfio/devices/%s", de->d_name);
		ret = 0;
		break;
	}
	closedir(d);

	return ret;
}

int vfio_iommu_init(struct vfio_iommu *iommu, enum vfio_open_mode mode)
{
	int i;

	memset(iommu, 0, sizeof(*iommu));
	iommu->mode = mode;
	iommu->container_fd = -1;
	iommu->iommufd = -1;
	for (i = 0; i < VFIO_MAX_GROUPS; i++)
		iommu->group_fds[i] = -1;

	if (mode == VFIO_MODE_GROUP) {
		iommu->container_fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
		if (iommu->container_fd < 0)
			return -errno;
		if (ioctl(iommu->container_fd, VFIO_GET_API_VERSION) !=
		    VFIO_API_VERSION)
			goto err_nodev;
		if (ioctl(iommu->container_fd, VFIO_CHECK_EXTENSION,
			  VFIO_TYPE1v2_IOMMU) <= 0)
			goto err_nodev;
	} else {
		struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };

		iommu->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
		if (iommu->iommufd < 0)
			return -errno;
		if (ioctl(iommu->iommufd, IOMMU_IOAS_ALLOC, &alloc)) {
			int ret = -errno;

			vfio_iommu_cleanup(iommu);
			return ret;
		}
		iommu->ioas_id = alloc.out_ioas_id;
	}

	return 0;

err_nodev:
	vfio_iommu_cleanup(iommu);
	return -ENODEV;
}

void vfio_iommu_cleanup(struct vfio_iommu *iommu)
{
	int i;

	for (i = 0; i < iommu->nr_groups; i++) {
		if (iommu->group_fds[i] >= 0)
			close(iommu->group_fds[i]);
		iommu->group_fds[i] = -1;
	}
	iommu->nr_groups = 0;

	if (iommu->container_fd >= 0)
		close(iommu->container_fd);
	iommu->container_fd = -1;

	if (iommu->iommufd >= 0)
		close(iommu->iommufd);
	iommu->iommufd = -1;

	if (iommu->dma_buf)
		munmap(iommu->dma_buf, VFIO_TEST_DMA_SIZE);
	iommu->dma_buf = NULL;
	iommu->dma_mapped = false;
	iommu->iommu_set = false;
}

int vfio_iommu_group_fd(struct vfio_iommu *iommu, int group_id)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int i, fd, ret;

	if (iommu->mode != VFIO_MODE_GROUP)
		return -EINVAL;

	for (i = 0; i < iommu->nr_groups; i++)
		if (iommu->group_ids[i] == group_id)
			return iommu->group_fds[i];

	if (iommu->nr_groups >= VFIO_MAX_GROUPS)
		return -ENOSPC;

	snprintf(path, sizeof(path), "/dev/vfio/%d", group_id);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status))
		goto err;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		/* Some device in the group is bound to a non-vfio driver */
		errno = EPERM;
		goto err;
	}
	if (ioctl(fd, VFIO_GROUP_SET_CONTAINER, &iommu->container_fd))
		goto err;
	if (!iommu->iommu_set) {
		if (ioctl(iommu->container_fd, VFIO_SET_IOMMU,
			  VFIO_TYPE1v2_IOMMU))
			goto err;
		iommu->iommu_set = true;
	}

	iommu->group_ids[iommu->nr_groups] = group_id;
	iommu->group_fds[iommu->nr_groups] = fd;
	iommu->nr_groups++;

	return fd;

err:
	ret = -errno;
	close(fd);
	return ret;
}

int vfio_iommu_map(struct vfio_iommu *iommu, void *vaddr, __u64 iova,
		   __u64 size)
{
	if (iommu->mode == VFIO_MODE_GROUP) {
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = VFIO_DMA_MAP_FLAG_READ |
				 VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)vaddr,
			.iova = iova,
			.size = size,
		};

		/* VFIO_SET_IOMMU needs a group in the container first */
		if (!iommu->iommu_set)
			return -EINVAL;
		if (ioctl(iommu->container_fd, VFIO_IOMMU_MAP_DMA, &map))
			return -errno;
	} else {
		struct iommu_ioas_map map = {
			.size = sizeof(map),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = iommu->ioas_id,
			.user_va = (uintptr_t)vaddr,
			.length = size,
			.iova = iova,
		};

		if (ioctl(iommu->iommufd, IOMMU_IOAS_MAP, &map))
			return -errno;
	}

	return 0;
}

int vfio_iommu_unmap(struct vfio_iommu *iommu, __u64 iova, __u64 size)
{
	if (iommu->mode == VFIO_MODE_GROUP) {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap),
			.iova = iova,
			.size = size,
		};

		if (ioctl(iommu->container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap))
			return -errno;
	} else {
		struct iommu_ioas_unmap unmap = {
			.size = sizeof(unmap),
			.ioas_id = iommu->ioas_id,
			.iova = iova,
			.length = size,
		};

		if (ioctl(iommu->iommufd, IOMMU_IOAS_UNMAP, &unmap))
			return -errno;
	}

	return 0;
}

int vfio_iommu_dma_area(struct vfio_iommu *iommu, void **vaddr)
{
	int ret;

	if (!iommu->dma_buf) {
		void *buf = mmap(NULL, VFIO_TEST_DMA_SIZE,
				 PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED)
			return -errno;
		iommu->dma_buf = buf;
	}

	if (!iommu->dma_mapped) {
		ret = vfio_iommu_map(iommu, iommu->dma_buf, VFIO_TEST_IOVA,
				     VFIO_TEST_DMA_SIZE);
		if (ret)
			return ret;
		iommu->dma_mapped = true;
	}

	*vaddr = iommu->dma_buf;

	return 0;
}

static int vfio_dev_open_group(struct vfio_dev *dev)
{
	int group_fd, fd;

	dev->group_id = vfio_sysfs_group_id(dev->bdf);
	if (dev->group_id < 0)
		return dev->group_id;

	group_fd = vfio_iommu_group_fd(dev->iommu, dev->group_id);
	if (group_fd < 0)
		return group_fd;

	fd = ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, dev->bdf);
	if (fd < 0)
		return -errno;
	dev->fd = fd;

	return 0;
}

static int vfio_dev_open_cdev(struct vfio_dev *dev)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	char path[PATH_MAX];
	int ret;

	dev->group_id = vfio_sysfs_group_id(dev->bdf);

	ret = vfio_sysfs_cdev_path(dev->bdf, path, sizeof(path));
	if (ret)
		return ret;

	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return -errno;

	bind.iommufd = dev->iommu->iommufd;
	if (ioctl(dev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -errno;
	dev->devid = bind.out_devid;

	attach.pt_id = dev->iommu->ioas_id;
	if (ioctl(dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return -errno;

	return 0;
}

int vfio_dev_open(struct vfio_dev *dev, struct vfio_iommu *iommu,
		  const char *bdf)
{
	unsigned int i;
	int ret;

	memset(dev, 0, sizeof(*dev));
	dev->iommu = iommu;
	dev->fd = -1;
	dev->group_id = -1;
	snprintf(dev->bdf, sizeof(dev->bdf), "%s", bdf);

	if (iommu->mode == VFIO_MODE_GROUP)
		ret = vfio_dev_open_group(dev);
	else
		ret = vfio_dev_open_cdev(dev);
	if (ret)
		goto err;

	dev->info.argsz = sizeof(dev->info);
	if (ioctl(dev->fd, VFIO_DEVICE_GET_INFO, &dev->info)) {
		ret = -errno;
		goto err;
	}
	if (!(dev->info.flags & VFIO_DEVICE_FLAGS_PCI)) {
		ret = -ENODEV;
		goto err;
	}

	for (i = 0; i < VFIO_PCI_NUM_REGIONS && i < dev->info.num_regions;
	     i++) {
		struct vfio_region_info *r = &dev->regions[i];

		r->argsz = sizeof(*r);
		r->index = i;
		if (ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, r))
			memset(r, 0, sizeof(*r));
	}

	return 0;

err:
	vfio_dev_close(dev);
	return ret;
}

void vfio_dev_close(struct vfio_dev *dev)
{
	int i;

	for (i = 0; i < VFIO_NR_BARS; i++) {
		if (dev->bar_map[i])
			munmap(dev->bar_map[i], dev->bar_map_len[i]);
		dev->bar_map[i] = NULL;
	}
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

static int vfio_rw(struct vfio_dev *dev, int index, __u64 off, int size,
		   __u32 *val, bool write)
{
	struct vfio_region_info *r;
	__u8 buf[4];
	ssize_t n;

	if (index < 0 || index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	if (size != 1 && size != 2 && size != 4)
		return -EINVAL;

	r = &dev->regions[index];
	if (!r->size || off + size > r->size)
		return -EINVAL;

	if (write) {
		__u16 v16 = htole16(*val);
		__u32 v32 = htole32(*val);

		if (size == 1)
			buf[0] = *val;
		else if (size == 2)
			memcpy(buf, &v16, 2);
		else
			memcpy(buf, &v32, 4);
		n = pwrite(dev->fd, buf, size, r->offset + off);
	} else {
		n = pread(dev->fd, buf, size, r->offset + off);
	}
	if (n < 0)
		return -errno;
	if (n != size)
		return -EIO;

	if (!write) {
		__u16 v16;
		__u32 v32;

		if (size == 1) {
			*val = buf[0];
		} else if (size == 2) {
			memcpy(&v16, buf, 2);
			*val = le16toh(v16);
		} else {
			memcpy(&v32, buf, 4);
			*val = le32toh(v32);
		}
	}

	return 0;
}

int vfio_cfg_read(struct vfio_dev *dev, __u32 off, int size, __u32 *val)
{
	return vfio_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, off, size, val,
		       false);
}

int vfio_cfg_write(struct vfio_dev *dev, __u32 off, int size, __u32 val)
{
	return vfio_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, off, size, &val,
		       true);
}

/* 8 byte accesses are split in two dword accesses, low dword first */
int vfio_region_read(struct vfio_dev *dev, int index, __u64 off, int size,
		     __u64 *val)
{
	__u32 lo = 0, hi = 0;
	int ret;

	if (size != 8) {
		ret = vfio_rw(dev, index, off, size, &lo, false);
		*val = lo;
		return ret;
	}

	ret = vfio_rw(dev, index, off, 4, &lo, false);
	if (!ret)
		ret = vfio_rw(dev, index, off + 4, 4, &hi, false);
	*val = ((__u64)hi << 32) | lo;

	return ret;
}

int vfio_region_write(struct vfio_dev *dev, int index, __u64 off, int size,
		      __u64 val)
{
	__u32 lo = val, hi = val >> 32;
	int ret;

	if (size != 8)
		return vfio_rw(dev, index, off, size, &lo, true);

	ret = vfio_rw(dev, index, off, 4, &lo, true);
	if (!ret)
		ret = vfio_rw(dev, index, off + 4, 4, &hi, true);

	return ret;
}

int vfio_bar_mmap(struct vfio_dev *dev, int bar, void **addr)
{
	struct vfio_region_info *r;
	long pgsz = sysconf(_SC_PAGESIZE);
	size_t len;
	void *p;

	if (bar < 0 || bar >= VFIO_NR_BARS)
		return -EINVAL;

	r = &dev->regions[bar];
	if (!r->size || !(r->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -EOPNOTSUPP;

	if (!dev->bar_map[bar]) {
		len = (r->size + pgsz - 1) & ~(pgsz - 1);
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 dev->fd, r->offset);
		if (p == MAP_FAILED)
			return -errno;
		dev->bar_map[bar] = p;
		dev->bar_map_len[bar] = len;
	}
	*addr = dev->bar_map[bar];

	return 0;
}

int vfio_enable_mem(struct vfio_dev *dev, bool bus_master)
{
	__u32 cmd = 0, want;
	int ret;

	ret = vfio_cfg_read(dev, PCI_COMMAND, 2, &cmd);
	if (ret)
		return ret;

	want = cmd | PCI_COMMAND_MEMORY;
	if (bus_master)
		want |= PCI_COMMAND_MASTER;
	if (want == cmd)
		return 0;

	return vfio_cfg_write(dev, PCI_COMMAND, 2, want);
}

/* Returns the config offset of the next capability @cap_id after @start */
int vfio_find_cap(struct vfio_dev *dev, __u8 cap_id, __u8 start)
{
	__u32 status = 0, pos = 0, id = 0;
	int ret, ttl = 48;

	ret = vfio_cfg_read(dev, PCI_STATUS, 2, &status);
	if (ret)
		return ret;
	if (!(status & PCI_STATUS_CAP_LIST))
		return -ENOENT;

	if (start)
		ret = vfio_cfg_read(dev, start + PCI_CAP_LIST_NEXT, 1, &pos);
	else
		ret = vfio_cfg_read(dev, PCI_CAPABILITY_LIST, 1, &pos);
	if (ret)
		return ret;

	while (pos >= 0x40 && ttl--) {
		pos &= ~3;
		ret = vfio_cfg_read(dev, pos + PCI_CAP_LIST_ID, 1, &id);
		if (ret)
			return ret;
		if (id == cap_id)
			return pos;
		ret = vfio_cfg_read(dev, pos + PCI_CAP_LIST_NEXT, 1, &pos);
		if (ret)
			return ret;
	}

	return -ENOENT;
}

int vfio_irq_set_eventfd(struct vfio_dev *dev, int index, int *efd)
{
	size_t sz = sizeof(struct vfio_irq_set) + sizeof(__s32);
	struct vfio_irq_set *set;
	__s32 fd32;
	int ret = 0;

	set = calloc(1, sz);
	if (!set)
		return -ENOMEM;

	*efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*efd < 0) {
		ret = -errno;
		goto out;
	}

	set->argsz = sz;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = 1;
	fd32 = *efd;
	memcpy(set->data, &fd32, sizeof(fd32));

	if (ioctl(dev->fd, VFIO_DEVICE_SET_IRQS, set)) {
		ret = -errno;
		close(*efd);
		*efd = -1;
	}
out:
	free(set);
	return ret;
}

int vfio_irq_disable(struct vfio_dev *dev, int index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index,
	};

	if (ioctl(dev->fd, VFIO_DEVICE_SET_IRQS, &set))
		return -errno;

	return 0;
}

int vfio_device_reset(struct vfio_dev *dev)
{
	if (ioctl(dev->fd, VFIO_DEVICE_RESET))
		return -errno;

	return 0;
}

int vfio_hot_reset_info(struct vfio_dev *dev,
			struct vfio_pci_hot_reset_info **info)
{
	struct vfio_pci_hot_reset_info hdr = { .argsz = sizeof(hdr) };
	struct vfio_pci_hot_reset_info *buf;
	size_t sz;

	*info = NULL;
	if (!ioctl(dev->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hdr))
		return -EIO;	/* at least one device is always affected */
	if (errno != ENOSPC)
		return -errno;
	if (!hdr.count)
		return -EIO;

	sz = sizeof(*buf) + hdr.count * sizeof(buf->devices[0]);
	buf = calloc(1, sz);
	if (!buf)
		return -ENOMEM;

	buf->argsz = sz;
	if (ioctl(dev->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, buf)) {
		int ret = -errno;

		free(buf);
		return ret;
	}
	*info = buf;

	return 0;
}

int vfio_hot_reset(struct vfio_dev *dev, const int *group_fds, int count)
{
	struct vfio_pci_hot_reset *reset;
	size_t sz = sizeof(*reset) + count * sizeof(__s32);
	int i, ret = 0;

	reset = calloc(1, sz);
	if (!reset)
		return -ENOMEM;

	reset->argsz = sz;
	reset->count = count;
	for (i = 0; i < count; i++)
		reset->group_fds[i] = group_fds[i];

	if (ioctl(dev->fd, VFIO_DEVICE_PCI_HOT_RESET, reset))
		ret = -errno;
	free(reset);

	return ret;
}

enum vfio_probe_kind vfio_probe_kind_of(const struct vfio_topo_entry *e)
{
	if (vfio_topo_has_role(e, "nvme") ||
	    vfio_topo_has_role(e, "nvme-switch"))
		return VFIO_PROBE_NVME;
	if (vfio_topo_has_role(e, "virtio-net") ||
	    vfio_topo_has_role(e, "virtio-net-switch") ||
	    vfio_topo_has_role(e, "slot-fn1"))
		return VFIO_PROBE_VIRTIO;
	if (vfio_topo_has_role(e, "e1000e") ||
	    vfio_topo_has_role(e, "slot-fn0"))
		return VFIO_PROBE_E1000E;
	if (vfio_topo_has_role(e, "hda"))
		return VFIO_PROBE_HDA;

	return VFIO_PROBE_NONE;
}

const char *vfio_probe_name(enum vfio_probe_kind kind)
{
	switch (kind) {
	case VFIO_PROBE_NVME:
		return "nvme CC/CSTS";
	case VFIO_PROBE_VIRTIO:
		return "virtio device_status";
	case VFIO_PROBE_E1000E:
		return "e1000e RDBAL";
	case VFIO_PROBE_HDA:
		return "hda CORBLBASE";
	default:
		return "none";
	}
}

static int nvme_wait_rdy(struct vfio_dev *dev, bool rdy)
{
	__u64 csts;
	int i, ret;

	for (i = 0; i < 1000; i++) {
		ret = vfio_region_read(dev, 0, NVME_REG_CSTS, 4, &csts);
		if (ret)
			return ret;
		if (csts == 0xffffffff)
			return -EIO;
		if (!!(csts & NVME_CSTS_RDY) == rdy)
			return 0;
		usleep(1000);
	}

	return -ETIMEDOUT;
}

int vfio_nvme_enable(struct vfio_dev *dev)
{
	__u64 cc, csts;
	void *dma;
	int ret;

	ret = vfio_enable_mem(dev, true);
	if (ret)
		return ret;

	ret = vfio_iommu_dma_area(dev->iommu, &dma);
	if (ret)
		return ret;
	memset(dma, 0, VFIO_TEST_DMA_SIZE);

	ret = vfio_region_read(dev, 0, NVME_REG_CC, 4, &cc);
	if (ret)
		return ret;
	if (cc & NVME_CC_EN) {
		ret = vfio_region_write(dev, 0, NVME_REG_CC, 4, 0);
		if (!ret)
			ret = nvme_wait_rdy(dev, false);
		if (ret)
			return ret;
	}

	ret = vfio_region_write(dev, 0, NVME_REG_AQA, 4, NVME_AQA_VAL);
	if (!ret)
		ret = vfio_region_write(dev, 0, NVME_REG_ASQ, 8,
					VFIO_TEST_IOVA);
	if (!ret)
		ret = vfio_region_write(dev, 0, NVME_REG_ACQ, 8,
					VFIO_TEST_IOVA + 4096);
	if (!ret)
		ret = vfio_region_write(dev, 0, NVME_REG_CC, 4, NVME_CC_VAL);
	if (!ret)
		ret = nvme_wait_rdy(dev, true);
	if (ret)
		return ret;

	ret = vfio_region_read(dev, 0, NVME_REG_CSTS, 4, &csts);
	if (ret)
		return ret;

	/* CSTS.CFS: controller fatal status */
	return (csts & 0x2) ? -EIO : 0;
}

/* Finds the virtio common config structure: returns its BAR and offset */
static int virtio_find_common_cfg(struct vfio_dev *dev, int *bar, __u64 *off)
{
	int pos = 0;

	for (;;) {
		__u32 type = 0, b = 0, o = 0;
		int ret;

		pos = vfio_find_cap(dev, PCI_CAP_ID_VNDR, pos);
		if (pos < 0)
			return pos;

		ret = vfio_cfg_read(dev, pos + 3, 1, &type);	/* cfg_type */
		if (ret)
			return ret;
		if (type != 1)	/* VIRTIO_PCI_CAP_COMMON_CFG */
			continue;

		ret = vfio_cfg_read(dev, pos + 4, 1, &b);	/* bar */
		if (!ret)
			ret = vfio_cfg_read(dev, pos + 8, 4, &o); /* offset */
		if (ret)
			return ret;
		if (b >= VFIO_NR_BARS)
			return -EINVAL;

		*bar = b;
		*off = o;
		return 0;
	}
}

#define VIRTIO_COMMON_STATUS	20
#define VIRTIO_STATUS_ACK_DRV	0x3	/* ACKNOWLEDGE | DRIVER */
#define PROBE_PATTERN		0x12345600ULL

int vfio_probe_arm(struct vfio_dev *dev, struct vfio_probe *p,
		   enum vfio_probe_kind kind)
{
	__u64 val;
	int ret;

	memset(p, 0, sizeof(*p));
	p->kind = kind;

	switch (kind) {
	case VFIO_PROBE_NVME:
		ret = vfio_nvme_enable(dev);
		if (ret)
			return ret;
		p->bar = 0;
		p->off = NVME_REG_CC;
		p->armed = NVME_CC_VAL;
		return 0;
	case VFIO_PROBE_VIRTIO:
		ret = virtio_find_common_cfg(dev, &p->bar, &p->off);
		if (ret)
			return ret;
		p->off += VIRTIO_COMMON_STATUS;
		p->armed = VIRTIO_STATUS_ACK_DRV;
		break;
	case VFIO_PROBE_E1000E:
		p->bar = 0;
		p->off = 0x2800;	/* RDBAL */
		p->armed = PROBE_PATTERN;
		break;
	case VFIO_PROBE_HDA:
		p->bar = 0;
		p->off = 0x40;		/* CORBLBASE, bits 6:0 reserved */
		p->armed = PROBE_PATTERN;
		break;
	default:
		return -EOPNOTSUPP;
	}

	ret = vfio_enable_mem(dev, false);
	if (ret)
		return ret;

	if (kind == VFIO_PROBE_VIRTIO) {
		/* Walk the status up as a driver would: ACK, then DRIVER */
		ret = vfio_region_write(dev, p->bar, p->off, 1, 1);
		if (ret)
			return ret;
		ret = vfio_region_write(dev, p->bar, p->off, 1, p->armed);
	} else {
		ret = vfio_region_write(dev, p->bar, p->off, 4, p->armed);
	}
	if (ret)
		return ret;

	ret = vfio_region_read(dev, p->bar, p->off,
			       kind == VFIO_PROBE_VIRTIO ? 1 : 4, &val);
	if (ret)
		return ret;

	return val == p->armed ? 0 : -EIO;
}

int vfio_probe_check(struct vfio_dev *dev, struct vfio_probe *p)
{
	__u64 cc, csts, val;
	int ret;

	/* The kernel restores config space after a reset; be defensive */
	ret = vfio_enable_mem(dev, p->kind == VFIO_PROBE_NVME);
	if (ret)
		return ret;

	if (p->kind == VFIO_PROBE_NVME) {
		ret = vfio_region_read(dev, 0, NVME_REG_CC, 4, &cc);
		if (!ret)
			ret = vfio_region_read(dev, 0, NVME_REG_CSTS, 4, &csts);
		if (ret)
			return ret;
		/*
		 * QEMU's controller reset clears CC and CSTS but keeps the
		 * admin queue attributes (AQA/ASQ/ACQ), so only CC and
		 * CSTS.RDY prove the reset.
		 */
		return !cc && !(csts & NVME_CSTS_RDY);
	}

	ret = vfio_region_read(dev, p->bar, p->off,
			       p->kind == VFIO_PROBE_VIRTIO ? 1 : 4, &val);
	if (ret)
		return ret;

	return val == 0;
}
