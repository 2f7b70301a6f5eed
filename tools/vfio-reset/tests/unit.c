// SPDX-License-Identifier: GPL-2.0
/* Host unit tests: fake backend, no vfio devices or kernel build needed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vfio_reset.h"
#include "vfio_reset_fake.h"

static int passed, failed;
static const char *current;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  FAIL %s:%d [%s]: %s\n", __FILE__,	\
			__LINE__, current, #cond);			\
		failed_here = true;					\
	}								\
} while (0)

#define TEST(name) static void name(bool *failed_here_p)
#define failed_here (*failed_here_p)

static void run(const char *name, void (*fn)(bool *))
{
	bool bad = false;

	current = name;
	fn(&bad);
	if (bad)
		failed++;
	else
		passed++;
	printf("%s %s\n", bad ? "not ok" : "ok", name);
}

/* ---- fixtures ---- */

struct fx {
	struct vfio_fake fake;
	struct vfio_reset_sys sys;
	struct vfio_reset_ctx *ctx;
	struct vfio_reset_err err;
};

/* two-function slot 0000:01:00.{0,1}, groups g0/g1, scope = both */
static void fx_slot(struct fx *f, int g0, int g1, const char *drv1)
{
	struct vfio_fake_device *d0, *d1;

	vfio_fake_init(&f->fake);
	d0 = vfio_fake_add(&f->fake, "0000:01:00.0", "vfio-pci", g0);
	d1 = vfio_fake_add(&f->fake, "0000:01:00.1", drv1, g1);
	d0->scope[0] = d1->scope[0] = "0000:01:00.0";
	d0->scope[1] = d1->scope[1] = "0000:01:00.1";
	f->sys = vfio_reset_sys_fake_template;
	f->sys.priv = &f->fake;
	f->ctx = vfio_reset_ctx_new(&vfio_reset_backend_fake, &f->sys, &f->fake);
	memset(&f->err, 0, sizeof(f->err));
}

static struct vfio_reset_dev *fx_open(struct fx *f, const char *bdf, enum vfio_reset_path p)
{
	struct vfio_reset_dev *dev = NULL;

	if (vfio_reset_open(f->ctx, bdf, p, &dev, &f->err) < 0)
		fprintf(stderr, "  open %s: %s\n", bdf, f->err.msg);
	return dev;
}

static void fx_done(struct fx *f)
{
	vfio_reset_ctx_free(f->ctx);
}

static size_t count_blockers(const struct vfio_reset_plan *p, enum vfio_reset_kind k, int err)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_blockers; i++)
		if (p->blockers[i].kind == k && p->blockers[i].err == err)
			n++;
	return n;
}

static const char *blocker_text(const struct vfio_reset_plan *p, enum vfio_reset_kind k)
{
	for (size_t i = 0; i < p->n_blockers; i++)
		if (p->blockers[i].kind == k && p->blockers[i].err)
			return p->blockers[i].reason;
	return "";
}

/* ---- helpers ---- */

TEST(test_parse_bdf)
{
	char b[VFIO_RESET_BDF_LEN];

	CHECK(vfio_reset_parse_bdf("0000:01:00.1", b) == 0 && !strcmp(b, "0000:01:00.1"));
	CHECK(vfio_reset_parse_bdf("3a:1f.7", b) == 0 && !strcmp(b, "0000:3a:1f.7"));
	CHECK(vfio_reset_parse_bdf("00:20.0", b) == -EINVAL);	/* device > 31 */
	CHECK(vfio_reset_parse_bdf("00:01.8", b) == -EINVAL);
	CHECK(vfio_reset_parse_bdf("0000:01:00.0x", b) == -EINVAL);
	CHECK(vfio_reset_parse_bdf("nvme0", b) == -EINVAL);
	CHECK(vfio_reset_parse_bdf(NULL, b) == -EINVAL);
}

/* ---- plan: cdev ---- */

TEST(test_plan_cdev_all_opened_devid)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(fx_open(&f, "0000:01:00.1", VFIO_RESET_PATH_CDEV) != NULL);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(vfio_reset_plan_uses_devid(&p));
	CHECK(p.hot_flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED);
	CHECK(p.n_affected == 2);
	CHECK(p.affected[0].ownership == VFIO_RESET_OWNED_DEVID && p.affected[0].devid == 1);
	CHECK(p.affected[1].ownership == VFIO_RESET_OWNED_DEVID && p.affected[1].devid == 2);
	CHECK(p.affected[1].has_group_id && p.affected[1].group_id == 11); /* from sysfs */
	CHECK(!strcmp(p.affected[1].driver, "vfio-pci"));
	CHECK(p.hot_reset && p.function_reset && !strcmp(p.function_method, "flr"));
	CHECK(p.n_blockers == 0);
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_cdev_devid_owned_same_group)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 10, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(p.affected[1].ownership == VFIO_RESET_OWNED_IMPLICIT);
	CHECK(p.affected[1].has_devid && p.affected[1].devid == VFIO_PCI_DEVID_OWNED);
	CHECK(p.hot_reset && p.n_blockers == 0);
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_cdev_not_owned)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(p.affected[1].ownership == VFIO_RESET_NOT_OWNED);
	CHECK(p.affected[1].devid == (uint32_t)VFIO_PCI_DEVID_NOT_OWNED);
	CHECK(!(p.hot_flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED));
	CHECK(!p.hot_reset);
	CHECK(count_blockers(&p, VFIO_RESET_HOT, EINVAL) == 1);
	CHECK(strstr(blocker_text(&p, VFIO_RESET_HOT), "0000:01:00.1 is not owned"));
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_cdev_foreign_driver)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 11, "nvme");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(p.affected[1].ownership == VFIO_RESET_NOT_OWNED);
	CHECK(count_blockers(&p, VFIO_RESET_HOT, EINVAL) == 1);	/* no duplicate */
	CHECK(strstr(blocker_text(&p, VFIO_RESET_HOT), "bound to nvme"));
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

/* ---- plan: group ---- */

TEST(test_plan_group_held_and_openable)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_plan(d0, VFIO_RESET_PLAN_PROBE_GROUPS, &p, &f.err) == 0);
	CHECK(!vfio_reset_plan_uses_devid(&p));
	CHECK(p.affected[0].ownership == VFIO_RESET_GROUP_HELD && p.affected[0].group_id == 10);
	CHECK(p.affected[1].ownership == VFIO_RESET_GROUP_OPENABLE && p.affected[1].group_id == 11);
	CHECK(!p.affected[1].has_devid);
	CHECK(p.hot_reset && p.n_blockers == 0);
	CHECK(f.fake.open_group_fds == 0);	/* probe closed what it opened */
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_group_not_held_without_probe)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(p.affected[1].ownership == VFIO_RESET_GROUP_UNAVAILABLE);
	CHECK(count_blockers(&p, VFIO_RESET_HOT, EINVAL) == 1);
	CHECK(strstr(blocker_text(&p, VFIO_RESET_HOT), "group 11"));
	CHECK(!p.hot_reset);
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_group_busy)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.busy_groups[f.fake.n_busy_groups++] = 11;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_plan(d0, VFIO_RESET_PLAN_PROBE_GROUPS, &p, &f.err) == 0);
	CHECK(p.affected[1].ownership == VFIO_RESET_GROUP_UNAVAILABLE);
	CHECK(p.affected[1].group_open_err == -EBUSY);
	CHECK(strstr(blocker_text(&p, VFIO_RESET_HOT), "cannot be opened"));
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_group_same_group_and_foreign)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 12, NULL);	/* .1 unbound: group viable, not in dev_set */
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_plan(d0, VFIO_RESET_PLAN_PROBE_GROUPS, &p, &f.err) == 0);
	CHECK(!p.affected[1].driver[0] && p.affected[1].driver_known);
	CHECK(strstr(blocker_text(&p, VFIO_RESET_HOT), "not bound to any driver"));
	CHECK(!p.hot_reset);
	vfio_reset_plan_free(&p);
	fx_done(&f);

	fx_slot(&f, 10, 10, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(p.affected[1].ownership == VFIO_RESET_GROUP_HELD);
	CHECK(p.hot_reset);
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_group_eperm_no_iommu_group)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, -1, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(p.hot_info_err == -EPERM && count_blockers(&p, VFIO_RESET_HOT, EPERM) == 1);
	CHECK(!p.hot_reset && p.n_affected == 0);
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

/* ---- plan: HOT_RESET_INFO sizing and errors ---- */

static void fx_wide(struct fx *f, size_t n)
{
	static char names[8][16];

	fx_slot(f, 10, 10, "vfio-pci");
	for (size_t i = 2; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "0000:01:00.%zu", i);
		vfio_fake_add(&f->fake, names[i], "vfio-pci", 10);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "0000:01:00.%zu", i);
		f->fake.devs[0].scope[i] = names[i];
	}
}

TEST(test_plan_enospc_retry)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_wide(&f, 6);
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(f.fake.hot_info_calls == 2);
	CHECK(p.n_affected == 6 && !strcmp(p.affected[5].bdf, "0000:01:00.5"));
	CHECK(p.hot_reset);
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_enospc_overreport_and_churn)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_wide(&f, 6);
	f.fake.devs[0].enospc_grow = 3;		/* kernel said 9, then gives 6 */
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(f.fake.hot_info_calls == 2 && p.n_affected == 6);
	vfio_reset_plan_free(&p);

	f.fake.devs[0].enospc_always = 1;	/* never settles */
	f.fake.hot_info_calls = 0;
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(p.hot_info_err == -EAGAIN && f.fake.hot_info_calls == 4);
	CHECK(!p.hot_reset && count_blockers(&p, VFIO_RESET_HOT, EAGAIN) == 1);
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_enodev_and_no_function_reset)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].scope[0] = NULL;		/* no slot/bus reset */
	f.fake.devs[0].info_flags = VFIO_DEVICE_FLAGS_PCI;
	f.fake.devs[0].reset_method = "";
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(p.hot_info_err == -ENODEV && count_blockers(&p, VFIO_RESET_HOT, ENODEV) == 1);
	CHECK(!p.function_reset && count_blockers(&p, VFIO_RESET_FUNCTION, EINVAL) == 1);
	CHECK(strstr(blocker_text(&p, VFIO_RESET_FUNCTION), "reset_method: none"));
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_device_without_sysfs)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 10, "vfio-pci");
	f.fake.devs[0].no_sysfs = true;
	f.fake.devs[1].no_sysfs = true;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(d0 != NULL);
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(!p.methods_known && p.function_reset);
	CHECK(!p.affected[0].driver_known && !p.affected[0].has_group_id);
	CHECK(p.affected[1].ownership == VFIO_RESET_OWNED_IMPLICIT);
	CHECK(p.hot_reset);
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

TEST(test_plan_info_errors)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 10, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	f.fake.devs[0].get_info_err = -EIO;
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == -EIO);
	CHECK(strstr(f.err.msg, "VFIO_DEVICE_GET_INFO"));
	f.fake.devs[0].get_info_err = 0;
	f.fake.devs[0].info_flags = VFIO_DEVICE_FLAGS_PLATFORM;
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == -ENODEV);
	CHECK(f.err.kind == VFIO_RESET_ERR_NOT_VFIO);
	f.fake.devs[0].info_flags = VFIO_DEVICE_FLAGS_PCI;
	f.fake.devs[0].hot_info_err = -EFAULT;
	CHECK(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	CHECK(count_blockers(&p, VFIO_RESET_HOT, EFAULT) == 1);
	vfio_reset_plan_free(&p);
	fx_done(&f);
}

/* ---- open ---- */

TEST(test_open_errors)
{
	struct fx f;
	struct vfio_reset_dev *d;

	fx_slot(&f, 10, 10, "nvme");
	vfio_fake_add(&f.fake, "0000:02:00.0", NULL, 20);
	CHECK(vfio_reset_open(f.ctx, "0000:09:00.0", VFIO_RESET_PATH_GROUP, &d, &f.err) == -ENODEV);
	CHECK(f.err.kind == VFIO_RESET_ERR_NOT_FOUND);
	CHECK(vfio_reset_open(f.ctx, "0000:01:00.1", VFIO_RESET_PATH_GROUP, &d, &f.err) == -ENODEV);
	CHECK(f.err.kind == VFIO_RESET_ERR_NOT_VFIO && strstr(f.err.msg, "nvme"));
	CHECK(vfio_reset_open(f.ctx, "0000:02:00.0", VFIO_RESET_PATH_GROUP, &d, &f.err) == -ENODEV);
	CHECK(f.err.kind == VFIO_RESET_ERR_NOT_VFIO && strstr(f.err.msg, "not bound"));
	/* .0 is vfio-pci but shares group 10 with nvme-bound .1 */
	CHECK(vfio_reset_open(f.ctx, "0000:01:00.0", VFIO_RESET_PATH_GROUP, &d, &f.err) == -EPERM);
	CHECK(f.err.kind == VFIO_RESET_ERR_GROUP_NOT_VIABLE);
	CHECK(vfio_reset_open(f.ctx, "bogus", VFIO_RESET_PATH_GROUP, &d, &f.err) == -EINVAL);
	fx_done(&f);

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.no_dev_iommu = true;
	CHECK(vfio_reset_open(f.ctx, "0000:01:00.0", VFIO_RESET_PATH_CDEV, &d, &f.err) == -ENOENT);
	CHECK(f.err.kind == VFIO_RESET_ERR_NO_CDEV);
	CHECK(vfio_reset_default_path(f.ctx, "0000:01:00.0") == VFIO_RESET_PATH_GROUP);
	f.fake.no_dev_iommu = false;
	CHECK(vfio_reset_default_path(f.ctx, "0000:01:00.0") == VFIO_RESET_PATH_CDEV);
	f.fake.devs[0].has_cdev = false;
	CHECK(vfio_reset_default_path(f.ctx, "0000:01:00.0") == VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_open(f.ctx, "0000:01:00.0", VFIO_RESET_PATH_CDEV, &d, &f.err) == -ENOENT);
	CHECK(f.err.kind == VFIO_RESET_ERR_NO_CDEV);
	f.fake.busy_groups[f.fake.n_busy_groups++] = 11;
	CHECK(vfio_reset_open(f.ctx, "0000:01:00.1", VFIO_RESET_PATH_GROUP, &d, &f.err) == -EBUSY);
	CHECK(f.err.kind == VFIO_RESET_ERR_GENERIC);
	CHECK(vfio_reset_open(f.ctx, "01:00.0", VFIO_RESET_PATH_AUTO, &d, &f.err) == 0);
	CHECK(d->path == VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_open(f.ctx, "0000:01:00.0", VFIO_RESET_PATH_GROUP, &d, &f.err) == -EBUSY);
	fx_done(&f);
}

/* ---- perform ---- */

TEST(test_function_reset)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	struct vfio_reset_result r;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(vfio_reset_function(d0, &r, &f.err) == 0);
	CHECK(r.err == 0 && r.vendor_device == 0x10001af4 && f.fake.reset_calls == 1);
	f.fake.devs[0].reset_err = -EAGAIN;
	CHECK(vfio_reset_function(d0, &r, &f.err) == -EAGAIN && strstr(f.err.msg, "try again"));
	f.fake.devs[0].reset_err = -ENOTTY;
	CHECK(vfio_reset_function(d0, &r, &f.err) == -ENOTTY);
	f.fake.devs[0].reset_err = -EIO;
	CHECK(vfio_reset_function(d0, &r, &f.err) == -EIO && strstr(f.err.msg, "VFIO_DEVICE_RESET"));
	f.fake.devs[0].reset_err = 0;
	f.fake.devs[0].info_flags = VFIO_DEVICE_FLAGS_PCI;
	CHECK(vfio_reset_function(d0, &r, &f.err) == -EINVAL && strstr(f.err.msg, "hot-reset"));
	f.fake.devs[0].info_flags |= VFIO_DEVICE_FLAGS_RESET;
	f.fake.devs[0].config_id = 0xffffffff;
	CHECK(vfio_reset_function(d0, &r, &f.err) == -EIO && strstr(f.err.msg, "does not respond"));
	fx_done(&f);
}

TEST(test_hot_reset_group_gathers_fds)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	struct vfio_reset_result r;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_hot(d0, &r, &f.err) == 0);
	CHECK(f.fake.hot_reset_calls == 1 && f.fake.last_hot_reset_count == 2);
	CHECK(f.fake.last_group_fds[0] == VFIO_FAKE_GROUP_FD_BASE + 10);
	CHECK(f.fake.last_group_fds[1] == VFIO_FAKE_GROUP_FD_BASE + 11);
	CHECK(r.n_group_fds == 2 && f.fake.open_group_fds == 0);
	fx_done(&f);

	fx_slot(&f, 10, 10, "vfio-pci");	/* same group: one fd, no dupes */
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_hot(d0, &r, &f.err) == 0);
	CHECK(f.fake.last_hot_reset_count == 1 && r.n_group_fds == 1);
	fx_done(&f);
}

TEST(test_hot_reset_group_busy_group)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	struct vfio_reset_result r;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.busy_groups[f.fake.n_busy_groups++] = 11;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	CHECK(vfio_reset_hot(d0, &r, &f.err) == -EINVAL);
	CHECK(strstr(f.err.msg, "group 11") && f.fake.hot_reset_calls == 0);
	fx_done(&f);
}

TEST(test_hot_reset_cdev)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	struct vfio_reset_result r;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(vfio_reset_hot(d0, &r, &f.err) == -EINVAL);	/* .1 not owned */
	CHECK(f.fake.last_hot_reset_count == 0 && strstr(f.err.msg, "not owned"));
	CHECK(fx_open(&f, "0000:01:00.1", VFIO_RESET_PATH_CDEV) != NULL);
	CHECK(vfio_reset_hot(d0, &r, &f.err) == 0 && r.n_group_fds == 0);
	f.fake.devs[0].hot_reset_err = -EBUSY;
	CHECK(vfio_reset_hot(d0, &r, &f.err) == -EBUSY && strstr(f.err.msg, "busy"));
	f.fake.devs[0].hot_reset_err = 0;
	f.fake.devs[0].scope[0] = NULL;
	CHECK(vfio_reset_hot(d0, &r, &f.err) == -ENODEV && strstr(f.err.msg, "slot nor a bus"));
	fx_done(&f);
}

/* ---- notifications ---- */

TEST(test_err_subscription)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	int fd;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	fd = vfio_reset_subscribe_err(d0, &f.err);
	CHECK(fd >= 0 && f.fake.err_eventfd == fd);
	if (fd >= 0)
		close(fd);
	f.fake.devs[0].conventional = true;
	CHECK(vfio_reset_subscribe_err(d0, &f.err) == -EINVAL);
	CHECK(strstr(f.err.msg, "PCI Express"));
	fx_done(&f);
}

TEST(test_reset_done_probe_supported)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	struct vfio_device_info info = { .argsz = sizeof(info) };

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].reset_done_irq = true;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(vfio_reset_probe_reset_done(d0) == 0);
	CHECK(d0->ops->get_info(d0, &info) == 0);
	CHECK(info.num_irqs == VFIO_PCI_RESET_DONE_IRQ_INDEX + 1);
	CHECK(VFIO_PCI_RESET_DONE_IRQ_INDEX == VFIO_PCI_REQ_IRQ_INDEX + 1);
	CHECK(f.fake.feature_calls == 0);	/* no VFIO_DEVICE_FEATURE variant */
	fx_done(&f);
}

TEST(test_reset_done_probe_unsupported)
{
	struct fx f;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	CHECK(vfio_reset_probe_reset_done(d0) == -EINVAL);
	CHECK(vfio_reset_subscribe_reset_done(d0, &f.err) == -EINVAL);
	CHECK(f.err.err == -EINVAL && strstr(f.err.msg, "no reset-completed notification"));
	CHECK(strstr(f.err.msg, "VFIO_PCI_RESET_DONE_IRQ_INDEX"));
	CHECK(f.fake.done_eventfd == -1 && f.fake.feature_calls == 0);
	/* the ERR notification does not depend on it */
	{
		int fd = vfio_reset_subscribe_err(d0, &f.err);

		CHECK(fd >= 0);
		if (fd >= 0)
			close(fd);
	}
	fx_done(&f);
}

TEST(test_reset_done_subscription)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	uint64_t v = 0;
	int fd;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].reset_done_irq = true;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	fd = vfio_reset_subscribe_reset_done(d0, &f.err);
	CHECK(fd >= 0 && f.fake.done_eventfd == fd);
	CHECK(f.fake.last_set_irqs_flags ==
	      (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER));
	CHECK(f.fake.feature_calls == 0);
	if (fd >= 0) {
		CHECK(read(fd, &v, sizeof(v)) < 0 && errno == EAGAIN);	/* nonblocking, quiet */
		CHECK(vfio_fake_kernel_reset(&f.fake, false) == 0);
		CHECK(read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v) && v == 1);
		close(fd);
	}
	fx_done(&f);
}

/* ---- CLI ---- */

struct cli_run {
	char *out, *err;
	size_t out_len, err_len;
	int rc;
};

/* what the kernel does once watch is subscribed: a fatal AER error or not */
static bool watch_fatal_error = true;

static void kernel_reset_event(void *arg)
{
	if (vfio_fake_kernel_reset(arg, watch_fatal_error) < 0)
		perror("vfio_fake_kernel_reset");
}

static struct cli_run cli(struct vfio_fake *fake, const char *line)
{
	struct vfio_reset_sys sys = vfio_reset_sys_fake_template;
	struct cli_run r = { 0 };
	char buf[512], *argv[32];
	int argc = 0;
	FILE *out, *err;
	struct vfio_reset_cli_env env = {
		.backend = &vfio_reset_backend_fake, .sys = &sys, .backend_priv = fake,
		.poll_ms = 50, .watch_ready = kernel_reset_event, .watch_ready_arg = fake,
	};

	sys.priv = fake;
	fake->err_eventfd = fake->done_eventfd = -1;	/* closed by the last run */
	snprintf(buf, sizeof(buf), "vfio-reset %s", line);
	for (char *t = strtok(buf, " "); t && argc < 31; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	out = open_memstream(&r.out, &r.out_len);
	err = open_memstream(&r.err, &r.err_len);
	env.out = out;
	env.err = err;
	r.rc = vfio_reset_cli_main(argc, argv, &env);
	fclose(out);
	fclose(err);
	return r;
}

static void cli_free(struct cli_run *r)
{
	free(r->out);
	free(r->err);
}

#define CLI_EXPECT(fake, line, code, stream, text) do {			\
	struct cli_run r_ = cli(fake, line);				\
	CHECK(r_.rc == (code));						\
	CHECK(strstr(r_.stream, text) != NULL);				\
	if (r_.rc != (code) || !strstr(r_.stream, text))		\
		fprintf(stderr, "  [%s] rc=%d out=<%s> err=<%s>\n", line, \
			r_.rc, r_.out, r_.err);				\
	cli_free(&r_);							\
} while (0)

TEST(test_cli_usage)
{
	struct fx f;

	fx_slot(&f, 10, 11, "vfio-pci");
	CLI_EXPECT(&f.fake, "", EXIT_VR_USAGE, err, "missing command");
	CLI_EXPECT(&f.fake, "frobnicate 0000:01:00.0", EXIT_VR_USAGE, err, "unknown command");
	CLI_EXPECT(&f.fake, "plan --bogus 0000:01:00.0", EXIT_VR_USAGE, err, "unknown option");
	CLI_EXPECT(&f.fake, "plan", EXIT_VR_USAGE, err, "needs at least one BDF");
	CLI_EXPECT(&f.fake, "plan 1:2:3", EXIT_VR_USAGE, err, "not a PCI address");
	CLI_EXPECT(&f.fake, "reset 0000:01:00.0 0000:01:00.1", EXIT_VR_USAGE, err, "exactly one");
	CLI_EXPECT(&f.fake, "watch --count 0 0000:01:00.0", EXIT_VR_USAGE, err, "invalid --count");
	CLI_EXPECT(&f.fake, "watch --count", EXIT_VR_USAGE, err, "needs a number");
	CLI_EXPECT(&f.fake, "reset --json 0000:01:00.0", EXIT_VR_USAGE, err, "--json only");
	CLI_EXPECT(&f.fake, "plan --count 2 0000:01:00.0", EXIT_VR_USAGE, err, "--count only");
	CLI_EXPECT(&f.fake, "--cdev --group plan 0000:01:00.0", EXIT_VR_USAGE, err, "exclusive");
	CLI_EXPECT(&f.fake, "--help", EXIT_VR_OK, out, "exit codes");
	CLI_EXPECT(&f.fake, "plan -h", EXIT_VR_OK, out, "examples");
	fx_done(&f);
}

TEST(test_cli_device_errors)
{
	struct fx f;

	fx_slot(&f, 10, 11, "nvme");
	CLI_EXPECT(&f.fake, "reset 0000:09:00.0", EXIT_VR_UNUSABLE, err,
		   "vfio-reset: 0000:09:00.0: no such PCI device");
	CLI_EXPECT(&f.fake, "plan 01:00.1", EXIT_VR_UNUSABLE, err,
		   "vfio-reset: 0000:01:00.1: bound to nvme, not vfio-pci");
	f.fake.devs[1].iommu_group = 10;
	CLI_EXPECT(&f.fake, "--group plan 0000:01:00.0", EXIT_VR_UNUSABLE, err, "not viable");
	f.fake.no_dev_iommu = true;
	CLI_EXPECT(&f.fake, "--cdev plan 0000:01:00.0", EXIT_VR_UNUSABLE, err, "/dev/iommu");
	fx_done(&f);
}

TEST(test_cli_plan_and_resets)
{
	struct fx f;

	fx_slot(&f, 10, 11, "vfio-pci");
	CLI_EXPECT(&f.fake, "plan 0000:01:00.0 0000:01:00.1", EXIT_VR_OK, out,
		   "    DEVICE       GROUP DEVID OWNERSHIP DRIVER\n"
		   "    0000:01:00.0 10    1     owned     vfio-pci\n");
	CLI_EXPECT(&f.fake, "plan 0000:01:00.0", EXIT_VR_OK, out, "not-owned");
	CLI_EXPECT(&f.fake, "plan 0000:01:00.0", EXIT_VR_OK, out, "blocker hot-reset: EINVAL");
	CLI_EXPECT(&f.fake, "--cdev plan --json 0000:01:00.0", EXIT_VR_OK, out,
		   "\"uses_devid\":true");
	CLI_EXPECT(&f.fake, "--cdev plan --json 0000:01:00.0", EXIT_VR_OK, out, "\"devid\":-1");
	CLI_EXPECT(&f.fake, "--group plan --json 0000:01:00.0", EXIT_VR_OK, out,
		   "\"ownership\":\"group-openable\"");
	CLI_EXPECT(&f.fake, "reset 0000:01:00.0", EXIT_VR_OK, out, "function reset ok");
	f.fake.devs[0].reset_err = -EIO;
	CLI_EXPECT(&f.fake, "reset 0000:01:00.0", EXIT_VR_FAILED, err,
		   "vfio-reset: 0000:01:00.0: VFIO_DEVICE_RESET failed");
	CLI_EXPECT(&f.fake, "--group hot-reset 0000:01:00.0", EXIT_VR_OK, out, "2 group fd(s)");
	CLI_EXPECT(&f.fake, "--cdev hot-reset 0000:01:00.0 0000:01:00.1", EXIT_VR_OK, out,
		   "hot reset ok");
	CLI_EXPECT(&f.fake, "--cdev hot-reset 0000:01:00.0", EXIT_VR_FAILED, err, "not owned");
	fx_done(&f);
}

TEST(test_cli_watch)
{
	struct fx f;

	fx_slot(&f, 10, 11, "vfio-pci");
	CLI_EXPECT(&f.fake, "watch --count 1 0000:01:00.0", EXIT_VR_OK, out,
		   "Z 0000:01:00.0 error (x1)");
	CLI_EXPECT(&f.fake, "watch --count=1 0000:01:00.0", EXIT_VR_OK, err,
		   "no reset-completed notification");
	f.fake.devs[0].conventional = true;
	CLI_EXPECT(&f.fake, "watch --count 1 0000:01:00.0", EXIT_VR_FAILED, err,
		   "nothing to watch");
	fx_done(&f);
}

TEST(test_cli_watch_reset_done)
{
	struct fx f;
	struct cli_run r;
	char *err_line, *done_line;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].reset_done_irq = true;
	/* fatal AER recovery: ERR first, then reset-done */
	watch_fatal_error = true;
	r = cli(&f.fake, "watch --count 2 0000:01:00.0");
	err_line = strstr(r.out, "Z 0000:01:00.0 error (x1)\n");
	done_line = strstr(r.out, "Z 0000:01:00.0 reset-done (x1)\n");
	CHECK(r.rc == EXIT_VR_OK && err_line && done_line && err_line < done_line);
	CHECK(r.err_len == 0);
	if (!(r.rc == EXIT_VR_OK && err_line && done_line))
		fprintf(stderr, "  rc=%d out=<%s> err=<%s>\n", r.rc, r.out, r.err);
	cli_free(&r);
	/* sysfs reset / bus reset by another kernel user: reset-done only */
	watch_fatal_error = false;
	r = cli(&f.fake, "watch --count 1 0000:01:00.0");
	CHECK(r.rc == EXIT_VR_OK && strstr(r.out, "Z 0000:01:00.0 reset-done (x1)\n"));
	CHECK(!strstr(r.out, "error"));
	cli_free(&r);
	/* conventional PCI: no ERR index, reset-done alone is watched */
	f.fake.devs[0].conventional = true;
	r = cli(&f.fake, "watch --count 1 0000:01:00.0");
	CHECK(r.rc == EXIT_VR_OK && strstr(r.out, "reset-done (x1)"));
	CHECK(strstr(r.err, "PCI Express"));
	cli_free(&r);
	watch_fatal_error = true;
	CHECK(f.fake.feature_calls == 0);
	fx_done(&f);
}

TEST(test_cli_repeat_usage)
{
	struct fx f;

	fx_slot(&f, 10, 11, "vfio-pci");
	CLI_EXPECT(&f.fake, "reset --repeat 0 0000:01:00.0", EXIT_VR_USAGE, err,
		   "invalid --repeat '0'");
	CLI_EXPECT(&f.fake, "reset --repeat -2 0000:01:00.0", EXIT_VR_USAGE, err,
		   "invalid --repeat '-2'");
	CLI_EXPECT(&f.fake, "reset --repeat abc 0000:01:00.0", EXIT_VR_USAGE, err,
		   "invalid --repeat 'abc'");
	CLI_EXPECT(&f.fake, "reset --repeat=3x 0000:01:00.0", EXIT_VR_USAGE, err,
		   "invalid --repeat '3x'");
	CLI_EXPECT(&f.fake, "reset --repeat= 0000:01:00.0", EXIT_VR_USAGE, err,
		   "invalid --repeat ''");
	CLI_EXPECT(&f.fake, "hot-reset --repeat 100001 0000:01:00.0", EXIT_VR_USAGE, err,
		   "invalid --repeat");
	CLI_EXPECT(&f.fake, "hot-reset --repeat 99999999999999999999 0000:01:00.0",
		   EXIT_VR_USAGE, err, "invalid --repeat");
	CLI_EXPECT(&f.fake, "reset 0000:01:00.0 --repeat", EXIT_VR_USAGE, err,
		   "--repeat needs a number");
	CLI_EXPECT(&f.fake, "reset --repeats 2 0000:01:00.0", EXIT_VR_USAGE, err,
		   "unknown option '--repeats'");
	CLI_EXPECT(&f.fake, "plan --repeat 2 0000:01:00.0", EXIT_VR_USAGE, err,
		   "--repeat only applies to reset and hot-reset");
	CLI_EXPECT(&f.fake, "watch --repeat 2 0000:01:00.0", EXIT_VR_USAGE, err,
		   "--repeat only applies");
	CLI_EXPECT(&f.fake, "reset --count 2 0000:01:00.0", EXIT_VR_USAGE, err,
		   "--count only applies to watch");
	CLI_EXPECT(&f.fake, "--help", EXIT_VR_OK, out, "reset --repeat 20 ");
	CHECK(f.fake.reset_calls == 0 && f.fake.hot_reset_calls == 0);
	fx_done(&f);
}

static void summary_of(uint64_t *ns, size_t n, char *buf, size_t len)
{
	FILE *m = fmemopen(buf, len, "w");

	vfio_reset_cli_latency_summary(m, "0000:01:00.0", "reset", ns, n);
	fclose(m);
}

TEST(test_cli_latency_summary)
{
	char buf[256];
	uint64_t even[] = { 3000000, 1000000, 2500000, 1500000 };
	uint64_t odd[] = { 5000000, 1234567, 3000499 };
	uint64_t one[] = { 42 };

	summary_of(even, 4, buf, sizeof(buf));
	CHECK(!strcmp(buf, "0000:01:00.0: reset x4: median 2.000 ms, min 1.000 ms, max 3.000 ms\n"));
	summary_of(odd, 3, buf, sizeof(buf));
	CHECK(!strcmp(buf, "0000:01:00.0: reset x3: median 3.000 ms, min 1.235 ms, max 5.000 ms\n"));
	summary_of(one, 1, buf, sizeof(buf));
	CHECK(!strcmp(buf, "0000:01:00.0: reset x1: median 0.000 ms, min 0.000 ms, max 0.000 ms\n"));
}

/* check "N run lines, then the summary" and that the summary matches them */
static bool check_repeat_output(const char *out, const char *what, int n, double floor_ms)
{
	char line[256], kind[16];
	double run_ms[16], med, lo, hi;
	const char *p = out;
	int runs = 0, nn = 0, got;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int k, total;
		double ms;

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (nl ? 1 : 0);
		if (sscanf(line, "0000:01:00.0: run %d/%d: %*s reset ok in %lf ms",
			   &k, &total, &ms) == 3) {
			if (k != runs + 1 || total != n || runs == 16 || *p == '\0')
				return false;	/* in order, and never the last line */
			run_ms[runs++] = ms;
			continue;
		}
		got = sscanf(line, "0000:01:00.0: %15s x%d: median %lf ms, min %lf ms, max %lf ms",
			     kind, &nn, &med, &lo, &hi);
		if (got != 5 || strcmp(kind, what) || nn != n || *p != '\0')
			return false;
	}
	if (runs != n || nn != n || lo < floor_ms || lo > med || med > hi)
		return false;
	for (int i = 0; i < runs; i++)
		if (run_ms[i] < lo || run_ms[i] > hi)
			return false;
	/* 3 decimals everywhere: summary line format is exact */
	snprintf(line, sizeof(line), "0000:01:00.0: %s x%d: median %.3f ms, min %.3f ms, max %.3f ms\n",
		 what, n, med, lo, hi);
	return strstr(out, line) != NULL;
}

TEST(test_cli_repeat_summary)
{
	struct fx f;
	struct cli_run r;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].reset_delay_us = 300;
	r = cli(&f.fake, "reset --repeat 5 0000:01:00.0");
	CHECK(r.rc == EXIT_VR_OK && f.fake.reset_calls == 5);
	CHECK(check_repeat_output(r.out, "reset", 5, 0.3));
	CHECK(strstr(r.out, "run 5/5: function reset ok in "));
	if (r.rc || !check_repeat_output(r.out, "reset", 5, 0.3))
		fprintf(stderr, "  out=<%s> err=<%s>\n", r.out, r.err);
	cli_free(&r);

	r = cli(&f.fake, "--cdev hot-reset --repeat=2 0000:01:00.0 0000:01:00.1");
	CHECK(r.rc == EXIT_VR_OK && f.fake.hot_reset_calls == 2);
	CHECK(check_repeat_output(r.out, "hot-reset", 2, 0.3));
	if (r.rc || !check_repeat_output(r.out, "hot-reset", 2, 0.3))
		fprintf(stderr, "  out=<%s> err=<%s>\n", r.out, r.err);
	cli_free(&r);

	/* --repeat 1 still prints the summary; without --repeat there is none */
	r = cli(&f.fake, "reset --repeat 1 0000:01:00.0");
	CHECK(r.rc == EXIT_VR_OK && check_repeat_output(r.out, "reset", 1, 0.3));
	cli_free(&r);
	r = cli(&f.fake, "reset 0000:01:00.0");
	CHECK(r.rc == EXIT_VR_OK && !strstr(r.out, "median") && !strstr(r.out, "run "));
	CHECK(strstr(r.out, "0000:01:00.0: function reset ok in "));
	cli_free(&r);

	/* a failing run stops the series: no summary, exit 1 */
	f.fake.reset_calls = 0;
	f.fake.devs[0].reset_err = -EIO;
	r = cli(&f.fake, "reset --repeat 3 0000:01:00.0");
	CHECK(r.rc == EXIT_VR_FAILED && f.fake.reset_calls == 1 && !strstr(r.out, "median"));
	CHECK(strstr(r.err, "vfio-reset: 0000:01:00.0: run 1/3: VFIO_DEVICE_RESET failed"));
	cli_free(&r);
	fx_done(&f);
}

int main(void)
{
	static const struct { const char *name; void (*fn)(bool *); } tests[] = {
#define T(x) { #x, x }
		T(test_parse_bdf),
		T(test_plan_cdev_all_opened_devid),
		T(test_plan_cdev_devid_owned_same_group),
		T(test_plan_cdev_not_owned),
		T(test_plan_cdev_foreign_driver),
		T(test_plan_group_held_and_openable),
		T(test_plan_group_not_held_without_probe),
		T(test_plan_group_busy),
		T(test_plan_group_same_group_and_foreign),
		T(test_plan_group_eperm_no_iommu_group),
		T(test_plan_enospc_retry),
		T(test_plan_enospc_overreport_and_churn),
		T(test_plan_enodev_and_no_function_reset),
		T(test_plan_device_without_sysfs),
		T(test_plan_info_errors),
		T(test_open_errors),
		T(test_function_reset),
		T(test_hot_reset_group_gathers_fds),
		T(test_hot_reset_group_busy_group),
		T(test_hot_reset_cdev),
		T(test_err_subscription),
		T(test_reset_done_probe_supported),
		T(test_reset_done_probe_unsupported),
		T(test_reset_done_subscription),
		T(test_cli_usage),
		T(test_cli_device_errors),
		T(test_cli_plan_and_resets),
		T(test_cli_watch),
		T(test_cli_watch_reset_done),
		T(test_cli_repeat_usage),
		T(test_cli_latency_summary),
		T(test_cli_repeat_summary),
#undef T
	};

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		run(tests[i].name, tests[i].fn);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
