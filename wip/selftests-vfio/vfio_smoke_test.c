// SPDX-License-Identifier: GPL-2.0
/*
 * Basic vfio-pci checks over both ways of opening a device: the legacy
 * group/container interface and the iommufd cdev interface.
 *
 * Devices are looked up by role in the file named by $VFIO_TOPOLOGY
 * (default /run/vfio-topology), one "<bdf> <id> <role>[,<role>...]" line
 * per device.  Tests without their devices are skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>

#include "vfio_test_lib.h"
#include "kselftest_harness.h"

FIXTURE(vfio_smoke) {
	struct vfio_iommu iommu;
};

FIXTURE_VARIANT(vfio_smoke) {
	enum vfio_open_mode mode;
};

FIXTURE_VARIANT_ADD(vfio_smoke, group) {
	.mode = VFIO_MODE_GROUP,
};

FIXTURE_VARIANT_ADD(vfio_smoke, cdev) {
	.mode = VFIO_MODE_CDEV,
};

FIXTURE_SETUP(vfio_smoke)
{
	int ret;

	ret = vfio_topo_load();
	if (ret <= 0)
		SKIP(return, "no vfio topology file (%s)", strerror(-ret));

	ret = vfio_iommu_init(&self->iommu, variant->mode);
	if (ret)
		SKIP(return, "%s unavailable: %s",
		     variant->mode == VFIO_MODE_GROUP ? "/dev/vfio/vfio" :
		     "/dev/iommu", strerror(-ret));
}

FIXTURE_TEARDOWN(vfio_smoke)
{
	vfio_iommu_cleanup(&self->iommu);
}

/* Open errors meaning "this device/interface is not available here" */
static bool open_err_is_skip(int ret)
{
	return ret == -ENOENT || ret == -ENODEV || ret == -EPERM;
}

static bool has_reset_method(const char *bdf, char *methods, size_t len)
{
	int ret = vfio_sysfs_read(bdf, "reset_method", methods, len);

	/* The attribute is hidden when the device has no reset method */
	if (ret <= 0) {
		methods[0] = '\0';
		return false;
	}

	return true;
}

static bool method_listed(const char *methods, const char *m)
{
	char buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", methods);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		if (!strcmp(tok, m))
			return true;

	return false;
}

/* Every device of the topology opens and describes itself sanely */
TEST_F(vfio_smoke, open_all)
{
	int i, opened = 0;

	for (i = 0; i < vfio_topo_count(); i++) {
		const struct vfio_topo_entry *e = vfio_topo_get(i);
		unsigned long vendor, device;
		__u32 cfg_vendor, cfg_device;
		struct vfio_dev dev;
		char buf[32];
		int ret;

		ret = vfio_dev_open(&dev, &self->iommu, e->bdf);
		if (open_err_is_skip(ret)) {
			TH_LOG("%s (%s): not usable: %s", e->bdf, e->id,
			       strerror(-ret));
			continue;
		}
		ASSERT_EQ(0, ret) TH_LOG("open %s: %s", e->bdf, strerror(-ret));
		opened++;

		EXPECT_TRUE(dev.info.flags & VFIO_DEVICE_FLAGS_PCI);
		EXPECT_LE(VFIO_PCI_NUM_REGIONS, dev.info.num_regions);
		EXPECT_EQ(VFIO_PCI_NUM_IRQS, dev.info.num_irqs);
		if (variant->mode == VFIO_MODE_CDEV) {
			EXPECT_NE(0, dev.devid);
			EXPECT_NE((__u32)VFIO_PCI_DEVID_NOT_OWNED, dev.devid);
		}

		ASSERT_EQ(0, vfio_cfg_read(&dev, PCI_VENDOR_ID, 2,
					   &cfg_vendor));
		ASSERT_EQ(0, vfio_cfg_read(&dev, PCI_DEVICE_ID, 2,
					   &cfg_device));
		ASSERT_LT(0, vfio_sysfs_read(e->bdf, "vendor", buf,
					     sizeof(buf)));
		vendor = strtoul(buf, NULL, 16);
		ASSERT_LT(0, vfio_sysfs_read(e->bdf, "device", buf,
					     sizeof(buf)));
		device = strtoul(buf, NULL, 16);
		EXPECT_EQ(vendor, cfg_vendor);
		EXPECT_EQ(device, cfg_device);

		vfio_dev_close(&dev);
	}

	if (!opened)
		SKIP(return, "no topology device could be opened");
}

/*
 * vfio_pci_core_enable() sets reset_works from a trial
 * pci_try_reset_function(), which walks the device's reset methods (the
 * ones sysfs lists in reset_method, which is hidden when there are none).
 * VFIO_DEVICE_FLAGS_RESET mirrors reset_works and VFIO_DEVICE_RESET
 * returns -EINVAL without it (vfio_pci_ioctl_reset()).
 */
TEST_F(vfio_smoke, reset_flag_matches_device)
{
	int i, checked = 0;

	for (i = 0; i < vfio_topo_count(); i++) {
		const struct vfio_topo_entry *e = vfio_topo_get(i);
		struct vfio_dev dev;
		char methods[128];
		bool expect, flag;
		int ret;

		ret = vfio_dev_open(&dev, &self->iommu, e->bdf);
		if (open_err_is_skip(ret))
			continue;
		ASSERT_EQ(0, ret) TH_LOG("open %s: %s", e->bdf, strerror(-ret));
		checked++;

		expect = has_reset_method(e->bdf, methods, sizeof(methods));
		flag = !!(dev.info.flags & VFIO_DEVICE_FLAGS_RESET);
		TH_LOG("%s (%s): reset_method \"%s\", FLAGS_RESET %d",
		       e->bdf, e->id, methods, flag);
		/*
		 * A device that reports a reset has a reset method.  The
		 * converse does not hold: "bus" is listed for a device behind
		 * a bridge even when the trial reset at open fails because the
		 * bus is shared (the conventional pair), so a device without
		 * the flag is only required to refuse VFIO_DEVICE_RESET below.
		 */
		if (flag)
			EXPECT_TRUE(expect);

		/* No FLR/PM, and a bus reset is shared with the other device */
		EXPECT_FALSE(vfio_topo_has_role(e, "conventional-pair") &&
			     flag);
		if (vfio_topo_has_role(e, "flr")) {
			EXPECT_TRUE(flag);
			EXPECT_TRUE(method_listed(methods, "flr"));
		}
		if (vfio_topo_has_role(e, "pm-reset")) {
			EXPECT_TRUE(flag);
			EXPECT_TRUE(method_listed(methods, "pm"));
		}

		if (!flag) {
			errno = 0;
			EXPECT_EQ(-1, ioctl(dev.fd, VFIO_DEVICE_RESET));
			EXPECT_EQ(EINVAL, errno);
		}

		vfio_dev_close(&dev);
	}

	if (!checked)
		SKIP(return, "no topology device could be opened");
}

static void nvme_expect_enabled(struct __test_metadata *_metadata,
				struct vfio_dev *dev)
{
	__u64 cc, csts, aqa, asq, acq;

	ASSERT_EQ(0, vfio_region_read(dev, 0, NVME_REG_CC, 4, &cc));
	ASSERT_EQ(0, vfio_region_read(dev, 0, NVME_REG_CSTS, 4, &csts));
	ASSERT_EQ(0, vfio_region_read(dev, 0, NVME_REG_AQA, 4, &aqa));
	ASSERT_EQ(0, vfio_region_read(dev, 0, NVME_REG_ASQ, 8, &asq));
	ASSERT_EQ(0, vfio_region_read(dev, 0, NVME_REG_ACQ, 8, &acq));
	EXPECT_EQ(NVME_CC_VAL, cc);
	EXPECT_EQ(NVME_CSTS_RDY, csts & (NVME_CSTS_RDY | 0x2));
	EXPECT_EQ(NVME_AQA_VAL, aqa);
	EXPECT_EQ(VFIO_TEST_IOVA, asq);
	EXPECT_EQ(VFIO_TEST_IOVA + 4096, acq);
}

/* One 32-bit load the compiler can neither split, merge nor cache */
static __u32 mmio_read32(__u32 *bar, unsigned int off)
{
	return __atomic_load_n(&bar[off / 4], __ATOMIC_RELAXED);
}

/* FLR through VFIO_DEVICE_RESET clears the NVMe controller state */
TEST_F(vfio_smoke, nvme_device_reset)
{
	const struct vfio_topo_entry *e = vfio_topo_find_role("nvme", 0);
	__u32 *bar = NULL;
	__u64 cc, csts;
	struct vfio_dev dev;
	char methods[128];
	void *map;
	int ret;

	if (!e)
		SKIP(return, "no device with role nvme");

	ret = vfio_dev_open(&dev, &self->iommu, e->bdf);
	if (open_err_is_skip(ret))
		SKIP(return, "%s: %s", e->bdf, strerror(-ret));
	ASSERT_EQ(0, ret);
	ASSERT_TRUE(dev.info.flags & VFIO_DEVICE_FLAGS_RESET);
	ASSERT_TRUE(has_reset_method(e->bdf, methods, sizeof(methods)));
	EXPECT_TRUE(method_listed(methods, "flr"));

	ret = vfio_nvme_enable(&dev);
	ASSERT_EQ(0, ret) TH_LOG("nvme enable: %s", strerror(-ret));
	nvme_expect_enabled(_metadata, &dev);

	/* The mmap view of BAR0 agrees with read()/write() access */
	if (!vfio_bar_mmap(&dev, 0, &map)) {
		bar = map;
		EXPECT_EQ(NVME_CC_VAL, mmio_read32(bar, NVME_REG_CC));
		EXPECT_EQ(NVME_AQA_VAL, mmio_read32(bar, NVME_REG_AQA));
	}

	ASSERT_EQ(0, vfio_device_reset(&dev));

	ASSERT_EQ(0, vfio_enable_mem(&dev, true));
	ASSERT_EQ(0, vfio_region_read(&dev, 0, NVME_REG_CC, 4, &cc));
	ASSERT_EQ(0, vfio_region_read(&dev, 0, NVME_REG_CSTS, 4, &csts));
	/* QEMU keeps AQA/ASQ/ACQ over a controller reset: CC and CSTS tell */
	EXPECT_EQ(0, cc);
	EXPECT_EQ(0, csts & NVME_CSTS_RDY);

	/* The BAR mapping was zapped by the reset and faults back in */
	if (bar) {
		EXPECT_EQ(0, mmio_read32(bar, NVME_REG_CC));
		EXPECT_EQ(0, mmio_read32(bar, NVME_REG_CSTS) & NVME_CSTS_RDY);
	}

	/* The controller is usable again after the reset */
	ret = vfio_nvme_enable(&dev);
	ASSERT_EQ(0, ret) TH_LOG("nvme re-enable: %s", strerror(-ret));
	nvme_expect_enabled(_metadata, &dev);

	vfio_dev_close(&dev);
}

/* An eventfd can be attached to MSI-X vector 0 and detached again */
TEST_F(vfio_smoke, msix_eventfd)
{
	const struct vfio_topo_entry *e = vfio_topo_find_role("msix", 0);
	struct vfio_irq_info irq = { .argsz = sizeof(irq) };
	struct vfio_dev dev;
	int ret, efd = -1;

	if (!e)
		SKIP(return, "no device with role msix");

	ret = vfio_dev_open(&dev, &self->iommu, e->bdf);
	if (open_err_is_skip(ret))
		SKIP(return, "%s: %s", e->bdf, strerror(-ret));
	ASSERT_EQ(0, ret);

	irq.index = VFIO_PCI_MSIX_IRQ_INDEX;
	ASSERT_EQ(0, ioctl(dev.fd, VFIO_DEVICE_GET_IRQ_INFO, &irq));
	ASSERT_LT(0, irq.count);
	EXPECT_TRUE(irq.flags & VFIO_IRQ_INFO_EVENTFD);

	ret = vfio_irq_set_eventfd(&dev, VFIO_PCI_MSIX_IRQ_INDEX, &efd);
	ASSERT_EQ(0, ret) TH_LOG("set MSI-X eventfd: %s", strerror(-ret));
	EXPECT_EQ(0, vfio_irq_disable(&dev, VFIO_PCI_MSIX_IRQ_INDEX));

	close(efd);
	vfio_dev_close(&dev);
}

TEST_HARNESS_MAIN
