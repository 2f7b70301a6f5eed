/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helper library for the vfio-pci reset selftests.
 *
 * Every function returning int returns 0 (or a non-negative value where
 * documented) on success and -errno on failure.
 */
#ifndef __VFIO_TEST_LIB_H
#define __VFIO_TEST_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>

#define VFIO_TOPO_DEFAULT	"/run/vfio-topology"
#define VFIO_TOPO_MAX		32
#define VFIO_MAX_GROUPS		16
#define VFIO_NR_BARS		6

/* IOVA and size of the DMA area every IOMMU context maps on demand */
#define VFIO_TEST_IOVA		0x10000000ULL
#define VFIO_TEST_DMA_SIZE	(4 * 4096ULL)

struct vfio_topo_entry {
	char bdf[32];
	char id[64];
	char roles[256];
};

int vfio_topo_load(void);
int vfio_topo_count(void);
const struct vfio_topo_entry *vfio_topo_get(int i);
const struct vfio_topo_entry *vfio_topo_find_role(const char *role, int n);
const struct vfio_topo_entry *vfio_topo_find_bdf(const char *bdf);
bool vfio_topo_has_role(const struct vfio_topo_entry *e, const char *role);

int vfio_parse_bdf(const char *bdf, unsigned int *seg, unsigned int *bus,
		   unsigned int *devfn);
int vfio_sysfs_read(const char *bdf, const char *attr, char *buf,
		    size_t len);
int vfio_sysfs_group_id(const char *bdf);
int vfio_sysfs_cdev_path(const char *bdf, char *path, size_t len);

enum vfio_open_mode {
	VFIO_MODE_GROUP,
	VFIO_MODE_CDEV,
};

/* A type1 container (group mode) or an iommufd + IOAS (cdev mode) */
struct vfio_iommu {
	enum vfio_open_mode mode;
	int container_fd;
	int iommufd;
	__u32 ioas_id;
	bool iommu_set;
	int nr_groups;
	int group_ids[VFIO_MAX_GROUPS];
	int group_fds[VFIO_MAX_GROUPS];
	void *dma_buf;
	bool dma_mapped;
};

struct vfio_dev {
	struct vfio_iommu *iommu;
	char bdf[32];
	int fd;
	int group_id;
	__u32 devid;
	struct vfio_device_info info;
	struct vfio_region_info regions[VFIO_PCI_NUM_REGIONS];
	void *bar_map[VFIO_NR_BARS];
	size_t bar_map_len[VFIO_NR_BARS];
};

int vfio_iommu_init(struct vfio_iommu *iommu, enum vfio_open_mode mode);
void vfio_iommu_cleanup(struct vfio_iommu *iommu);
int vfio_iommu_group_fd(struct vfio_iommu *iommu, int group_id);
int vfio_iommu_map(struct vfio_iommu *iommu, void *vaddr, __u64 iova,
		   __u64 size);
int vfio_iommu_unmap(struct vfio_iommu *iommu, __u64 iova, __u64 size);
int vfio_iommu_dma_area(struct vfio_iommu *iommu, void **vaddr);

int vfio_dev_open(struct vfio_dev *dev, struct vfio_iommu *iommu,
		  const char *bdf);
void vfio_dev_close(struct vfio_dev *dev);

int vfio_cfg_read(struct vfio_dev *dev, __u32 off, int size, __u32 *val);
int vfio_cfg_write(struct vfio_dev *dev, __u32 off, int size, __u32 val);
int vfio_region_read(struct vfio_dev *dev, int index, __u64 off, int size,
		     __u64 *val);
int vfio_region_write(struct vfio_dev *dev, int index, __u64 off, int size,
		      __u64 val);
int vfio_bar_mmap(struct vfio_dev *dev, int bar, void **addr);
int vfio_enable_mem(struct vfio_dev *dev, bool bus_master);
int vfio_find_cap(struct vfio_dev *dev, __u8 cap_id, __u8 start);

int vfio_irq_set_eventfd(struct vfio_dev *dev, int index, int *efd);
int vfio_irq_disable(struct vfio_dev *dev, int index);

int vfio_device_reset(struct vfio_dev *dev);
int vfio_hot_reset_info(struct vfio_dev *dev,
			struct vfio_pci_hot_reset_info **info);
int vfio_hot_reset(struct vfio_dev *dev, const int *group_fds, int count);

/*
 * Register probes: put a device into a state which a reset is known to
 * undo (arm), then check whether that state is gone (check).  check
 * returns 1 if the device was reset, 0 if the state survived.
 */
enum vfio_probe_kind {
	VFIO_PROBE_NONE,
	VFIO_PROBE_NVME,
	VFIO_PROBE_VIRTIO,
	VFIO_PROBE_E1000E,
	VFIO_PROBE_HDA,
};

struct vfio_probe {
	enum vfio_probe_kind kind;
	int bar;
	__u64 off;
	__u64 armed;
};

enum vfio_probe_kind vfio_probe_kind_of(const struct vfio_topo_entry *e);
const char *vfio_probe_name(enum vfio_probe_kind kind);
int vfio_probe_arm(struct vfio_dev *dev, struct vfio_probe *p,
		   enum vfio_probe_kind kind);
int vfio_probe_check(struct vfio_dev *dev, struct vfio_probe *p);

/* NVMe controller registers (BAR0) */
#define NVME_REG_CAP	0x00
#define NVME_REG_CC	0x14
#define NVME_REG_CSTS	0x1c
#define NVME_REG_AQA	0x24
#define NVME_REG_ASQ	0x28
#define NVME_REG_ACQ	0x30
#define NVME_CC_EN	0x1
#define NVME_CSTS_RDY	0x1
#define NVME_AQA_VAL	0x000f000f
#define NVME_CC_VAL	(NVME_CC_EN | (6 << 16) | (4 << 20))

int vfio_nvme_enable(struct vfio_dev *dev);

#endif /* __VFIO_TEST_LIB_H */
