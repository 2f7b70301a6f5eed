// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests on the fake backend (no vfio device or kernel build
 * needed), in kselftest_harness.h: each test runs in a child with the
 * harness's time-out, so a hang fails it instead of stalling make test.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "cli.h"
#include "test_util.h"
#include "internal.h"
#include "vfio_reset.h"
#include "vfio_reset_fake.h"

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
	static const struct { const char *in; int rc; const char *want; } cases[] = {
		{ "0000:01:00.1", 0, "0000:01:00.1" },
		{ "3a:1f.7", 0, "0000:3a:1f.7" },
		{ "00:20.0", -EINVAL, NULL },	/* device > 31 */
		{ "00:01.8", -EINVAL, NULL },
		{ "0000:01:00.0x", -EINVAL, NULL },
		{ "nvme0", -EINVAL, NULL },
		{ NULL, -EINVAL, NULL },
		/* strict: only DDDD:BB:DD.F and BB:DD.F, hex, exact widths */
		{ "ABCD:eF:1F.7", 0, "abcd:ef:1f.7" },
		{ "ffff:ff:1f.7", 0, "ffff:ff:1f.7" },
		{ "+1:00.0", -EINVAL, NULL },
		{ "-1:00.0", -EINVAL, NULL },
		{ " 1:00.0", -EINVAL, NULL },
		{ "1:00.0", -EINVAL, NULL },
		{ "001:00.0", -EINVAL, NULL },
		{ "0000:1:00.0", -EINVAL, NULL },
		{ "000:01:00.0", -EINVAL, NULL },
		{ "00000:01:00.0", -EINVAL, NULL },
		{ "0000:01:0.0", -EINVAL, NULL },
		{ "0000:01:00.00", -EINVAL, NULL },
		{ "0000:01:00.", -EINVAL, NULL },
		{ "0000:01:00.0 ", -EINVAL, NULL },
		{ "0000:01:+0.0", -EINVAL, NULL },
		{ "0x01:00.0", -EINVAL, NULL },
		{ "0000.01:00.0", -EINVAL, NULL },
		{ "0000:01.00.0", -EINVAL, NULL },
		{ "0000:01:00:0", -EINVAL, NULL },
		{ "0000:01:00.a", -EINVAL, NULL },
		{ "0000:g1:00.0", -EINVAL, NULL },
		{ "", -EINVAL, NULL },
	};
	char b[VFIO_RESET_BDF_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = vfio_reset_parse_bdf(cases[i].in, b);

		EXPECT_TRUE(rc == cases[i].rc && (!cases[i].want || !strcmp(b, cases[i].want)));
		if (rc != cases[i].rc)
			fprintf(stderr, "  [%s] rc=%d\n", cases[i].in ? cases[i].in : "NULL", rc);
	}
}

/* ---- plan: one table of scenarios, one runner ---- */

/* scope 0000:01:00.0 .. 0000:01:00.<n-1>, all in group 10 (after fx_slot(10, 10)) */
static void fx_widen(struct fx *f, size_t n)
{
	static char names[8][16];

	for (size_t i = 2; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "0000:01:00.%zu", i);
		vfio_fake_add(&f->fake, names[i], "vfio-pci", 10);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "0000:01:00.%zu", i);
		f->fake.devs[0].scope[i] = names[i];
	}
}

enum tri { ANY, YES, NO };
#define OWN(o) ((int)(o) + 1)	/* .own1 = 0: not checked */

struct plan_case {
	int g0, g1;			/* fx_slot() arguments */
	const char *drv1;
	void (*setup)(struct fx *);	/* after fx_slot, before open */
	enum vfio_reset_path path;
	bool open_peer;			/* also open 0000:01:00.1 on the same path */
	unsigned int flags;		/* vfio_reset_plan() flags */
	/* expectations, each checked only where set */
	int own1;			/* OWN(x): affected[1].ownership == x */
	enum tri hot_reset, function_reset;
	bool no_blockers;
	int hot_info_err;		/* p.hot_info_err == this */
	int hot_blocker;		/* exactly one hot blocker with this errno */
	const char *hot_text;		/* in the hot blocker's reason */
	void (*more)(struct __test_metadata *_metadata, const struct fx *f, const struct vfio_reset_plan *p);
};

static void plan_case_run(struct __test_metadata *_metadata, const void *arg)
{
	const struct plan_case *c = arg;
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;
	int rc = -1;

	fx_slot(&f, c->g0, c->g1, c->drv1);
	if (c->setup)
		c->setup(&f);
	d0 = fx_open(&f, "0000:01:00.0", c->path);
	EXPECT_TRUE(d0 != NULL);
	if (c->open_peer)
		EXPECT_TRUE(fx_open(&f, "0000:01:00.1", c->path) != NULL);
	if (d0)
		rc = vfio_reset_plan(d0, c->flags, &p, &f.err);
	EXPECT_TRUE(rc == 0);
	if (rc == 0) {
		if (c->own1)
			EXPECT_TRUE(p.n_affected > 1 && (int)p.affected[1].ownership == c->own1 - 1);
		if (c->hot_reset)
			EXPECT_TRUE(p.hot_reset == (c->hot_reset == YES));
		if (c->function_reset)
			EXPECT_TRUE(p.function_reset == (c->function_reset == YES));
		if (c->no_blockers)
			EXPECT_TRUE(p.n_blockers == 0);
		if (c->hot_info_err)
			EXPECT_TRUE(p.hot_info_err == c->hot_info_err);
		if (c->hot_blocker)
			EXPECT_TRUE(count_blockers(&p, VFIO_RESET_HOT, c->hot_blocker) == 1);
		if (c->hot_text)
			EXPECT_NE(NULL, strstr(blocker_text(&p, VFIO_RESET_HOT), c->hot_text));
		if (c->more)
			c->more(_metadata, &f, &p);
		vfio_reset_plan_free(&p);
	}
	fx_done(&f);
}

#define MORE(name) \
	static void name(struct __test_metadata *_metadata, const struct fx *f, const struct vfio_reset_plan *p)

MORE(more_all_opened_devid)
{
	(void)f;
	EXPECT_TRUE(vfio_reset_plan_uses_devid(p));
	EXPECT_NE(0u, p->hot_flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED);
	EXPECT_TRUE(p->n_affected == 2);
	EXPECT_TRUE(p->affected[0].ownership == VFIO_RESET_OWNED_DEVID && p->affected[0].devid == 1);
	EXPECT_TRUE(p->affected[1].devid == 2);
	EXPECT_TRUE(p->affected[1].has_group_id && p->affected[1].group_id == 11); /* from sysfs */
	EXPECT_TRUE(!strcmp(p->affected[1].driver, "vfio-pci"));
	EXPECT_TRUE(!strcmp(p->function_method, "flr"));
}

MORE(more_devid_owned_same_group)
{
	(void)f;
	EXPECT_TRUE(p->affected[1].has_devid && p->affected[1].devid == VFIO_PCI_DEVID_OWNED);
}

MORE(more_not_owned)
{
	(void)f;
	EXPECT_TRUE(p->affected[1].devid == (uint32_t)VFIO_PCI_DEVID_NOT_OWNED);
	EXPECT_TRUE(!(p->hot_flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED));
}

MORE(more_held_and_openable)
{
	EXPECT_TRUE(!vfio_reset_plan_uses_devid(p));
	EXPECT_TRUE(p->affected[0].ownership == VFIO_RESET_GROUP_HELD && p->affected[0].group_id == 10);
	EXPECT_TRUE(p->affected[1].group_id == 11);
	EXPECT_TRUE(!p->affected[1].has_devid);
	EXPECT_TRUE(f->fake.open_group_fds == 0);	/* probe closed what it opened */
}

MORE(more_group_busy)
{
	(void)f;
	EXPECT_TRUE(p->affected[1].group_open_err == -EBUSY);
}

MORE(more_unbound)
{
	(void)f;
	EXPECT_TRUE(!p->affected[1].driver[0] && p->affected[1].driver_known);
}

MORE(more_no_affected)
{
	(void)f;
	EXPECT_TRUE(p->n_affected == 0);
}

MORE(more_enospc_retry)
{
	EXPECT_TRUE(f->fake.hot_info_calls == 2);
	EXPECT_TRUE(p->n_affected == 6 && !strcmp(p->affected[5].bdf, "0000:01:00.5"));
}

MORE(more_no_function_reset)
{
	(void)f;
	EXPECT_TRUE(count_blockers(p, VFIO_RESET_FUNCTION, -EINVAL) == 1);
	EXPECT_NE(NULL, strstr(blocker_text(p, VFIO_RESET_FUNCTION), "reset_method: none"));
}

MORE(more_without_sysfs)
{
	(void)f;
	EXPECT_TRUE(!p->methods_known);
	EXPECT_TRUE(!p->affected[0].driver_known && !p->affected[0].has_group_id);
}

static void busy_group_11(struct fx *f)
{
	f->fake.busy_groups[f->fake.n_busy_groups++] = 11;
}

static void widen_6(struct fx *f)
{
	fx_widen(f, 6);
}

static void no_slot_no_method(struct fx *f)
{
	f->fake.devs[0].scope[0] = NULL;		/* no slot/bus reset */
	f->fake.devs[0].info_flags = VFIO_DEVICE_FLAGS_PCI;
	f->fake.devs[0].reset_method = "";
}

static void no_sysfs(struct fx *f)
{
	f->fake.devs[0].no_sysfs = true;
	f->fake.devs[1].no_sysfs = true;
}

#define CDEV VFIO_RESET_PATH_CDEV
#define GROUP VFIO_RESET_PATH_GROUP
#define PROBE VFIO_RESET_PLAN_PROBE_GROUPS

FIXTURE(plan) {};
FIXTURE_SETUP(plan) {}
FIXTURE_TEARDOWN(plan) {}

FIXTURE_VARIANT(plan) {
	struct plan_case row;
};

/* cdev */
FIXTURE_VARIANT_ADD(plan, cdev_all_opened_devid) {
	.row = { 10, 11, "vfio-pci", .path = CDEV, .open_peer = true,
	  .own1 = OWN(VFIO_RESET_OWNED_DEVID), .hot_reset = YES, .function_reset = YES,
	  .no_blockers = true, .more = more_all_opened_devid},
};

FIXTURE_VARIANT_ADD(plan, cdev_devid_owned_same_group) {
	.row = { 10, 10, "vfio-pci", .path = CDEV,
	  .own1 = OWN(VFIO_RESET_OWNED_IMPLICIT), .hot_reset = YES, .no_blockers = true,
	  .more = more_devid_owned_same_group},
};

FIXTURE_VARIANT_ADD(plan, cdev_not_owned) {
	.row = { 10, 11, "vfio-pci", .path = CDEV,
	  .own1 = OWN(VFIO_RESET_NOT_OWNED), .hot_reset = NO, .hot_blocker = -EINVAL,
	  .hot_text = "0000:01:00.1 is not owned", .more = more_not_owned},
};

FIXTURE_VARIANT_ADD(plan, cdev_foreign_driver) {
	.row = { 10, 11, "nvme", .path = CDEV,
	  .own1 = OWN(VFIO_RESET_NOT_OWNED), .hot_blocker = -EINVAL,	/* no duplicate */
	  .hot_text = "bound to nvme"},
};

/* group */
FIXTURE_VARIANT_ADD(plan, group_held_and_openable) {
	.row = { 10, 11, "vfio-pci", .path = GROUP, .flags = PROBE,
	  .own1 = OWN(VFIO_RESET_GROUP_OPENABLE), .hot_reset = YES, .no_blockers = true,
	  .more = more_held_and_openable},
};

FIXTURE_VARIANT_ADD(plan, group_not_held_without_probe) {
	.row = { 10, 11, "vfio-pci", .path = GROUP,
	  .own1 = OWN(VFIO_RESET_GROUP_UNAVAILABLE), .hot_reset = NO, .hot_blocker = -EINVAL,
	  .hot_text = "group 11"},
};

FIXTURE_VARIANT_ADD(plan, group_busy) {
	.row = { 10, 11, "vfio-pci", busy_group_11, GROUP, .flags = PROBE,
	  .own1 = OWN(VFIO_RESET_GROUP_UNAVAILABLE), .hot_text = "cannot be opened",
	  .more = more_group_busy},
};

/* .1 unbound: group viable, not in dev_set */
FIXTURE_VARIANT_ADD(plan, group_foreign_unbound) {
	.row = { 10, 12, NULL, .path = GROUP, .flags = PROBE,
	  .hot_reset = NO, .hot_text = "not bound to any driver", .more = more_unbound},
};

FIXTURE_VARIANT_ADD(plan, group_same_group) {
	.row = { 10, 10, "vfio-pci", .path = GROUP,
	  .own1 = OWN(VFIO_RESET_GROUP_HELD), .hot_reset = YES},
};

FIXTURE_VARIANT_ADD(plan, group_eperm_no_iommu_group) {
	.row = { 10, -1, "vfio-pci", .path = GROUP,
	  .hot_reset = NO, .hot_info_err = -EPERM, .hot_blocker = -EPERM,
	  .more = more_no_affected},
};

/* HOT_RESET_INFO sizing and errors */
FIXTURE_VARIANT_ADD(plan, enospc_retry) {
	.row = { 10, 10, "vfio-pci", widen_6, CDEV,
	  .hot_reset = YES, .more = more_enospc_retry},
};

FIXTURE_VARIANT_ADD(plan, enodev_and_no_function_reset) {
	.row = { 10, 11, "vfio-pci", no_slot_no_method, CDEV,
	  .function_reset = NO, .hot_info_err = -ENODEV, .hot_blocker = -ENODEV,
	  .more = more_no_function_reset},
};

FIXTURE_VARIANT_ADD(plan, device_without_sysfs) {
	.row = { 10, 10, "vfio-pci", no_sysfs, CDEV,
	  .own1 = OWN(VFIO_RESET_OWNED_IMPLICIT), .hot_reset = YES, .function_reset = YES,
	  .more = more_without_sysfs},
};

TEST_F(plan, checks)
{
	plan_case_run(_metadata, &variant->row);
}


TEST(test_plan_enospc_overreport_and_churn)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 10, "vfio-pci");
	fx_widen(&f, 6);
	f.fake.devs[0].enospc_grow = 3;		/* kernel said 9, then gives 6 */
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	EXPECT_TRUE(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	EXPECT_TRUE(f.fake.hot_info_calls == 2 && p.n_affected == 6);
	vfio_reset_plan_free(&p);

	f.fake.devs[0].enospc_always = 1;	/* never settles */
	f.fake.hot_info_calls = 0;
	EXPECT_TRUE(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	EXPECT_TRUE(p.hot_info_err == -EAGAIN && f.fake.hot_info_calls == 4);
	EXPECT_TRUE(!p.hot_reset && count_blockers(&p, VFIO_RESET_HOT, -EAGAIN) == 1);
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
	EXPECT_TRUE(vfio_reset_plan(d0, 0, &p, &f.err) == -EIO);
	EXPECT_NE(NULL, strstr(f.err.msg, "VFIO_DEVICE_GET_INFO"));
	f.fake.devs[0].get_info_err = 0;
	f.fake.devs[0].info_flags = VFIO_DEVICE_FLAGS_PLATFORM;
	EXPECT_TRUE(vfio_reset_plan(d0, 0, &p, &f.err) == -ENODEV);
	EXPECT_TRUE(f.err.kind == VFIO_RESET_ERR_NOT_VFIO);
	f.fake.devs[0].info_flags = VFIO_DEVICE_FLAGS_PCI;
	f.fake.devs[0].hot_info_err = -EFAULT;
	EXPECT_TRUE(vfio_reset_plan(d0, 0, &p, &f.err) == 0);
	EXPECT_TRUE(count_blockers(&p, VFIO_RESET_HOT, -EFAULT) == 1);
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
	EXPECT_TRUE(vfio_reset_open(f.ctx, "0000:09:00.0", VFIO_RESET_PATH_GROUP, &d, &f.err) == -ENODEV);
	EXPECT_TRUE(f.err.kind == VFIO_RESET_ERR_NOT_FOUND);
	EXPECT_TRUE(vfio_reset_open(f.ctx, "0000:01:00.1", VFIO_RESET_PATH_GROUP, &d, &f.err) == -ENODEV);
	EXPECT_TRUE(f.err.kind == VFIO_RESET_ERR_NOT_VFIO && strstr(f.err.msg, "nvme"));
	EXPECT_TRUE(vfio_reset_open(f.ctx, "0000:02:00.0", VFIO_RESET_PATH_GROUP, &d, &f.err) == -ENODEV);
	EXPECT_TRUE(f.err.kind == VFIO_RESET_ERR_NOT_VFIO && strstr(f.err.msg, "not bound"));
	/* .0 is vfio-pci but shares group 10 with nvme-bound .1 */
	EXPECT_TRUE(vfio_reset_open(f.ctx, "0000:01:00.0", VFIO_RESET_PATH_GROUP, &d, &f.err) == -EPERM);
	EXPECT_TRUE(f.err.kind == VFIO_RESET_ERR_GROUP_NOT_VIABLE);
	EXPECT_TRUE(vfio_reset_open(f.ctx, "bogus", VFIO_RESET_PATH_GROUP, &d, &f.err) == -EINVAL);
	fx_done(&f);

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.no_dev_iommu = true;
	EXPECT_TRUE(vfio_reset_open(f.ctx, "0000:01:00.0", VFIO_RESET_PATH_CDEV, &d, &f.err) == -ENOENT);
	EXPECT_TRUE(f.err.kind == VFIO_RESET_ERR_NO_CDEV);
	EXPECT_TRUE(vfio_reset_default_path(f.ctx, "0000:01:00.0") == VFIO_RESET_PATH_GROUP);
	f.fake.no_dev_iommu = false;
	EXPECT_TRUE(vfio_reset_default_path(f.ctx, "0000:01:00.0") == VFIO_RESET_PATH_CDEV);
	f.fake.devs[0].has_cdev = false;
	EXPECT_TRUE(vfio_reset_default_path(f.ctx, "0000:01:00.0") == VFIO_RESET_PATH_GROUP);
	EXPECT_TRUE(vfio_reset_open(f.ctx, "0000:01:00.0", VFIO_RESET_PATH_CDEV, &d, &f.err) == -ENOENT);
	EXPECT_TRUE(f.err.kind == VFIO_RESET_ERR_NO_CDEV);
	f.fake.busy_groups[f.fake.n_busy_groups++] = 11;
	EXPECT_TRUE(vfio_reset_open(f.ctx, "0000:01:00.1", VFIO_RESET_PATH_GROUP, &d, &f.err) == -EBUSY);
	EXPECT_TRUE(f.err.kind == VFIO_RESET_ERR_GENERIC);
	EXPECT_TRUE(vfio_reset_open(f.ctx, "01:00.0", VFIO_RESET_PATH_AUTO, &d, &f.err) == 0);
	EXPECT_TRUE(d->path == VFIO_RESET_PATH_GROUP);
	EXPECT_TRUE(vfio_reset_open(f.ctx, "0000:01:00.0", VFIO_RESET_PATH_GROUP, &d, &f.err) == -EBUSY);
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
	EXPECT_TRUE(vfio_reset_function(d0, &r, &f.err) == 0);
	EXPECT_TRUE(r.err == 0 && r.vendor_device == 0x10001af4 && f.fake.reset_calls == 1);
	f.fake.devs[0].reset_err = -EAGAIN;
	EXPECT_TRUE(vfio_reset_function(d0, &r, &f.err) == -EAGAIN && strstr(f.err.msg, "try again"));
	f.fake.devs[0].reset_err = -ENOTTY;
	EXPECT_TRUE(vfio_reset_function(d0, &r, &f.err) == -ENOTTY);
	f.fake.devs[0].reset_err = -EIO;
	EXPECT_TRUE(vfio_reset_function(d0, &r, &f.err) == -EIO && strstr(f.err.msg, "VFIO_DEVICE_RESET"));
	f.fake.devs[0].reset_err = 0;
	f.fake.devs[0].info_flags = VFIO_DEVICE_FLAGS_PCI;
	EXPECT_TRUE(vfio_reset_function(d0, &r, &f.err) == -EINVAL && strstr(f.err.msg, "hot-reset"));
	f.fake.devs[0].info_flags |= VFIO_DEVICE_FLAGS_RESET;
	f.fake.devs[0].config_id = 0xffffffff;
	EXPECT_TRUE(vfio_reset_function(d0, &r, &f.err) == -EIO && strstr(f.err.msg, "does not respond"));
	fx_done(&f);
}

TEST(test_hot_reset_group_gathers_fds)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	struct vfio_reset_result r;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	EXPECT_TRUE(vfio_reset_hot(d0, &r, &f.err) == 0);
	EXPECT_TRUE(f.fake.hot_reset_calls == 1 && f.fake.last_hot_reset_count == 2);
	EXPECT_TRUE(f.fake.last_group_fds[0] == VFIO_FAKE_GROUP_FD_BASE + 10);
	EXPECT_TRUE(f.fake.last_group_fds[1] == VFIO_FAKE_GROUP_FD_BASE + 11);
	EXPECT_TRUE(r.n_group_fds == 2 && f.fake.open_group_fds == 0);
	fx_done(&f);

	fx_slot(&f, 10, 10, "vfio-pci");	/* same group: one fd, no dupes */
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	EXPECT_TRUE(vfio_reset_hot(d0, &r, &f.err) == 0);
	EXPECT_TRUE(f.fake.last_hot_reset_count == 1 && r.n_group_fds == 1);
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
	EXPECT_TRUE(vfio_reset_hot(d0, &r, &f.err) == -EINVAL);
	EXPECT_TRUE(strstr(f.err.msg, "group 11") && f.fake.hot_reset_calls == 0);
	fx_done(&f);
}

TEST(test_hot_reset_cdev)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	struct vfio_reset_result r;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	EXPECT_TRUE(vfio_reset_hot(d0, &r, &f.err) == -EINVAL);	/* .1 not owned */
	EXPECT_TRUE(f.fake.last_hot_reset_count == 0 && strstr(f.err.msg, "not owned"));
	EXPECT_TRUE(fx_open(&f, "0000:01:00.1", VFIO_RESET_PATH_CDEV) != NULL);
	EXPECT_TRUE(vfio_reset_hot(d0, &r, &f.err) == 0 && r.n_group_fds == 0);
	f.fake.devs[0].hot_reset_err = -EBUSY;
	EXPECT_TRUE(vfio_reset_hot(d0, &r, &f.err) == -EBUSY && strstr(f.err.msg, "busy"));
	f.fake.devs[0].hot_reset_err = 0;
	f.fake.devs[0].scope[0] = NULL;
	EXPECT_TRUE(vfio_reset_hot(d0, &r, &f.err) == -ENODEV && strstr(f.err.msg, "slot nor a bus"));
	fx_done(&f);
}

/* ---- adopting the caller's fds ---- */

static bool fd_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

static const struct vfio_reset_adopt_fds no_fds = {
	.device_fd = -1, .group_fd = -1, .container_fd = -1, .iommufd = -1,
};

/* the fds a VMM holds for fake device i: group path, or cdev (iommufd 7) */
static struct vfio_reset_adopt_fds fx_fds(const struct fx *f, size_t i, bool cdev)
{
	struct vfio_reset_adopt_fds fds = no_fds;

	fds.device_fd = VFIO_FAKE_DEVICE_FD_BASE + (int)i;
	if (cdev) {
		fds.iommufd = 7;
		fds.devid = 40 + (uint32_t)i;
	} else {
		fds.group_fd = VFIO_FAKE_GROUP_FD_BASE + f->fake.devs[i].iommu_group;
	}
	return fds;
}

static struct vfio_reset_dev *fx_adopt(struct fx *f, size_t i, bool cdev)
{
	struct vfio_reset_adopt_fds fds = fx_fds(f, i, cdev);
	struct vfio_reset_dev *dev = NULL;

	if (vfio_reset_adopt(f->ctx, f->fake.devs[i].bdf, &fds, &dev, &f->err) < 0)
		fprintf(stderr, "  adopt %zu: %s\n", i, f->err.msg);
	return dev;
}

/* one refused adoption: its errno and the start of its message */
struct adopt_case {
	const char *bdf;
	void (*edit)(struct vfio_reset_adopt_fds *fds);
	int err;
	const char *msg;
};

static void no_device_fd(struct vfio_reset_adopt_fds *fds) { fds->device_fd = -1; }
static void both_paths(struct vfio_reset_adopt_fds *fds) { fds->iommufd = 7; }
static void no_path(struct vfio_reset_adopt_fds *fds) { fds->group_fd = -1; }
static void wrong_group(struct vfio_reset_adopt_fds *fds) { fds->group_fd += 1; }
static void not_a_device(struct vfio_reset_adopt_fds *fds) { fds->device_fd = 3; }
static void other_device(struct vfio_reset_adopt_fds *fds) { fds->device_fd += 1; }
static void container_on_cdev(struct vfio_reset_adopt_fds *fds)
{
	fds->group_fd = -1;
	fds->iommufd = 7;
	fds->container_fd = 8;
}

FIXTURE(adopt) {};
FIXTURE_SETUP(adopt) {}
FIXTURE_TEARDOWN(adopt) {}

FIXTURE_VARIANT(adopt) {
	struct adopt_case row;
};

FIXTURE_VARIANT_ADD(adopt, no_device_fd) {
	.row = { "0000:01:00.0", no_device_fd, -EINVAL,
	  "no device fd to adopt (device_fd -1)"},
};

FIXTURE_VARIANT_ADD(adopt, both_paths) {
	.row = { "0000:01:00.0", both_paths, -EINVAL,
	  "pass exactly one of group_fd (group path, now 1010) and iommufd (cdev path, now 7)"},
};

FIXTURE_VARIANT_ADD(adopt, no_path) {
	.row = { "0000:01:00.0", no_path, -EINVAL,
	  "pass exactly one of group_fd (group path, now -1) and iommufd (cdev path, now -1)"},
};

FIXTURE_VARIANT_ADD(adopt, container_on_cdev) {
	.row = { "0000:01:00.0", container_on_cdev, -EINVAL,
	  "container_fd 8 given on the cdev path (iommufd 7)"},
};

FIXTURE_VARIANT_ADD(adopt, bad_bdf) {
	.row = { "+1:00.0", NULL, -EINVAL, "'+1:00.0' is not a PCI address"},
};

FIXTURE_VARIANT_ADD(adopt, not_a_device_fd) {
	.row = { "0000:01:00.0", not_a_device, -EINVAL,
	  "fd 3 is not a vfio-pci device fd"},
};

FIXTURE_VARIANT_ADD(adopt, fd_of_another_device) {
	.row = { "0000:01:00.0", other_device, -EINVAL,
	  "device fd 101 is 0000:01:00.1, not 0000:01:00.0"},
};

FIXTURE_VARIANT_ADD(adopt, wrong_group_fd) {
	.row = { "0000:01:00.0", wrong_group, -EINVAL,
	  "group_fd 1011 is not the group of 0000:01:00.0"},
};


static void adopt_case_run(struct __test_metadata *_metadata, const void *arg)
{
	const struct adopt_case *c = arg;
	struct vfio_reset_adopt_fds fds;
	struct vfio_reset_dev *dev = (struct vfio_reset_dev *)&fds;
	struct fx f;

	fx_slot(&f, 10, 11, "vfio-pci");
	fds = fx_fds(&f, 0, false);
	if (c->edit)
		c->edit(&fds);
	EXPECT_TRUE(vfio_reset_adopt(f.ctx, c->bdf, &fds, &dev, &f.err) == c->err);
	EXPECT_TRUE(dev == NULL && f.err.err == c->err);
	EXPECT_TRUE(!strncmp(f.err.msg, c->msg, strlen(c->msg)));
	if (strncmp(f.err.msg, c->msg, strlen(c->msg)))
		fprintf(stderr, "  got: %s\n", f.err.msg);
	fx_done(&f);
}

TEST_F(adopt, refused)
{
	adopt_case_run(_metadata, &variant->row);
}

TEST(test_adopt)
{
	struct vfio_reset_adopt_fds fds;
	struct vfio_reset_dev *d0, *d1, *dev;
	struct fx f;
	int efd = eventfd(0, EFD_CLOEXEC);

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_adopt(&f, 0, false);
	EXPECT_TRUE(d0 && vfio_reset_dev_adopted(d0));
	EXPECT_TRUE(d0 && vfio_reset_dev_path(d0) == VFIO_RESET_PATH_GROUP);
	EXPECT_TRUE(d0 && d0->device_fd == VFIO_FAKE_DEVICE_FD_BASE &&
	      d0->group_fd == VFIO_FAKE_GROUP_FD_BASE + 10);
	/* the same device again */
	fds = fx_fds(&f, 0, false);
	EXPECT_TRUE(vfio_reset_adopt(f.ctx, "01:00.0", &fds, &dev, &f.err) == -EBUSY);
	EXPECT_TRUE(vfio_reset_adopt(f.ctx, NULL, &fds, &dev, &f.err) == -EBUSY && !dev);
	/* an adopting context opens nothing itself */
	EXPECT_TRUE(vfio_reset_open(f.ctx, "0000:01:00.1", VFIO_RESET_PATH_GROUP, &dev,
			      &f.err) == -EINVAL);
	EXPECT_TRUE(!strcmp(f.err.msg, "this context holds adopted devices: open devices in "
		      "another context"));
	/* no BDF: the device fd names it */
	fds = fx_fds(&f, 1, false);
	EXPECT_TRUE(vfio_reset_adopt(f.ctx, NULL, &fds, &d1, &f.err) == 0);
	EXPECT_TRUE(d1 && !strcmp(vfio_reset_dev_bdf(d1), "0000:01:00.1"));
	/* the caller's eventfd survives close */
	f.fake.devs[0].kernel_reset = true;
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, efd, &f.err) == efd);
	vfio_reset_close(d0);
	EXPECT_TRUE(fd_open(efd) && f.fake.devs[0].kreset_fd == -1);
	fx_done(&f);
	close(efd);

	/* and the other way round */
	fx_slot(&f, 10, 11, "vfio-pci");
	EXPECT_TRUE(fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV) != NULL);
	fds = fx_fds(&f, 1, true);
	EXPECT_TRUE(vfio_reset_adopt(f.ctx, NULL, &fds, &dev, &f.err) == -EINVAL);
	EXPECT_TRUE(!strcmp(f.err.msg, "this context holds library-opened devices: adopt "
		      "devices in another context"));
	fx_done(&f);

	/* cdev: the devid is the caller's */
	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_adopt(&f, 0, true);
	EXPECT_TRUE(d0 && vfio_reset_dev_path(d0) == VFIO_RESET_PATH_CDEV && d0->devid == 40);
	fx_done(&f);
}

/* adopted contexts never open a group the caller does not hold */
TEST(test_hot_reset_adopted_holds_groups)
{
	struct vfio_reset_result r;
	struct vfio_reset_dev *d0;
	struct fx f;

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_adopt(&f, 0, false);
	EXPECT_TRUE(vfio_reset_hot(d0, &r, &f.err) == -EINVAL && r.err == -EINVAL);
	EXPECT_TRUE(!strcmp(f.err.msg, "IOMMU group 11 (0000:01:00.1) is not held by this context "
		      "(adopt a device of it, or allow opening groups)"));
	EXPECT_TRUE(f.fake.hot_reset_calls == 0 && f.fake.open_group_fds == 0);
	EXPECT_TRUE(fx_adopt(&f, 1, false) != NULL);
	EXPECT_TRUE(vfio_reset_hot(d0, &r, &f.err) == 0 && r.n_group_fds == 2);
	EXPECT_TRUE(f.fake.last_group_fds[0] == VFIO_FAKE_GROUP_FD_BASE + 10 &&
	      f.fake.last_group_fds[1] == VFIO_FAKE_GROUP_FD_BASE + 11);
	fx_done(&f);

	/* a library-opened context may open it, for the ioctl only, if asked */
	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	EXPECT_TRUE(vfio_reset_hot_ex(d0, NULL, &r, &f.err) == -EINVAL);
	EXPECT_TRUE(strstr(f.err.msg, "IOMMU group 11") && f.fake.hot_reset_calls == 0);
	EXPECT_TRUE(vfio_reset_hot_ex(d0, &(struct vfio_reset_hot_opts){
		.flags = VFIO_RESET_HOT_OPEN_GROUPS }, &r, &f.err) == 0);
	EXPECT_TRUE(f.fake.hot_reset_calls == 1 && f.fake.open_group_fds == 0);
	fx_done(&f);
}

TEST(test_hot_reset_single)
{
	const struct vfio_reset_hot_opts single = { .flags = VFIO_RESET_HOT_SINGLE };
	struct vfio_reset_result r;
	struct vfio_reset_dev *d0;
	struct fx f;

	fx_slot(&f, 10, 10, "vfio-pci");
	d0 = fx_adopt(&f, 0, false);
	EXPECT_TRUE(fx_adopt(&f, 1, false) != NULL);
	EXPECT_TRUE(vfio_reset_hot_ex(d0, &single, &r, &f.err) == -EPERM && r.err == -EPERM);
	EXPECT_TRUE(!strcmp(f.err.msg, "single-device hot reset refused: the reset would also "
		      "reset 0000:01:00.1 (2 functions in scope)"));
	EXPECT_TRUE(f.fake.hot_reset_calls == 0);
	/* alone in its scope */
	f.fake.devs[0].scope[1] = NULL;
	EXPECT_TRUE(vfio_reset_hot_ex(d0, &single, &r, &f.err) == 0 && f.fake.hot_reset_calls == 1);
	fx_done(&f);
}

/* what the pre/post callbacks saw, in order */
struct hook_log {
	char calls[8][32];
	size_t n;
	const char *fail_pre;	/* BDF whose pre_reset fails with -EIO */
};

static int log_pre(void *opaque, struct vfio_reset_dev *dev)
{
	struct hook_log *log = opaque;

	if (log->n < 8)
		snprintf(log->calls[log->n++], 32, "pre %s", vfio_reset_dev_bdf(dev));
	return log->fail_pre && !strcmp(log->fail_pre, vfio_reset_dev_bdf(dev)) ? -EIO : 0;
}

static void log_post(void *opaque, struct vfio_reset_dev *dev, int result)
{
	struct hook_log *log = opaque;

	if (log->n < 8)
		snprintf(log->calls[log->n++], 32, "post %s %d", vfio_reset_dev_bdf(dev), result);
}

TEST(test_hot_reset_callbacks)
{
	struct hook_log log = { .n = 0 };
	const struct vfio_reset_hot_opts opts = {
		.pre_reset = log_pre, .post_reset = log_post, .opaque = &log,
	};
	struct vfio_reset_result r;
	struct vfio_reset_dev *d0;
	struct fx f;

	fx_slot(&f, 10, 10, "vfio-pci");
	d0 = fx_adopt(&f, 0, false);
	EXPECT_TRUE(fx_adopt(&f, 1, false) != NULL);
	EXPECT_TRUE(vfio_reset_hot_ex(d0, &opts, &r, &f.err) == 0);
	EXPECT_TRUE(log.n == 4 && !strcmp(log.calls[0], "pre 0000:01:00.0") &&
	      !strcmp(log.calls[1], "pre 0000:01:00.1") &&
	      !strcmp(log.calls[2], "post 0000:01:00.0 0") &&
	      !strcmp(log.calls[3], "post 0000:01:00.1 0"));
	/* the ioctl's failure reaches post_reset */
	log.n = 0;
	f.fake.devs[0].hot_reset_err = -EBUSY;
	EXPECT_TRUE(vfio_reset_hot_ex(d0, &opts, &r, &f.err) == -EBUSY);
	EXPECT_TRUE(log.n == 4 && !strcmp(log.calls[3], "post 0000:01:00.1 -16"));
	/* a failing pre_reset: no reset, post for those before it */
	log.n = 0;
	log.fail_pre = "0000:01:00.1";
	f.fake.devs[0].hot_reset_err = 0;
	EXPECT_TRUE(vfio_reset_hot_ex(d0, &opts, &r, &f.err) == -EIO && r.err == -EIO);
	EXPECT_TRUE(f.fake.hot_reset_calls == 2);
	EXPECT_TRUE(log.n == 3 && !strcmp(log.calls[2], "post 0000:01:00.0 -5"));
	EXPECT_NE(NULL, strstr(f.err.msg, "pre-reset callback of 0000:01:00.1 failed"));
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
	EXPECT_TRUE(fd >= 0 && f.fake.err_eventfd == fd);
	if (fd >= 0)
		close(fd);
	f.fake.devs[0].conventional = true;
	EXPECT_TRUE(vfio_reset_subscribe_err(d0, &f.err) == -EINVAL);
	EXPECT_NE(NULL, strstr(f.err.msg, "PCI Express"));
	fx_done(&f);
}

TEST(test_err_subscription_caller_fd)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	int efd = eventfd(0, EFD_CLOEXEC), pipefd[2];

	fx_slot(&f, 10, 11, "vfio-pci");
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	EXPECT_TRUE(vfio_reset_subscribe_err_fd(d0, efd, &f.err) == efd && f.fake.err_eventfd == efd);
	EXPECT_TRUE(vfio_fake_signal_err(&f.fake) == 0);
	EXPECT_TRUE(vfio_reset_unsubscribe_err(d0, &f.err) == 0 && f.fake.err_eventfd == -1);
	EXPECT_TRUE(vfio_reset_unsubscribe_err(d0, &f.err) == 0);	/* nothing armed: fine */
	EXPECT_TRUE(fd_open(efd));
	/* a trigger the VMM armed itself is not the library's to disarm */
	f.fake.err_eventfd = 77;
	EXPECT_EQ(0, vfio_reset_unsubscribe_err(d0, &f.err));
	EXPECT_EQ(77, f.fake.err_eventfd);
	f.fake.err_eventfd = -1;
	EXPECT_TRUE(vfio_reset_subscribe_err_fd(d0, -1, &f.err) == -EINVAL &&
	      !strcmp(f.err.msg, "invalid eventfd -1 for the ERR notification"));
	EXPECT_TRUE(pipe(pipefd) == 0);
	EXPECT_TRUE(vfio_reset_subscribe_err_fd(d0, pipefd[0], &f.err) == -EINVAL &&
	      strstr(f.err.msg, "is not an eventfd"));
	close(pipefd[0]);
	EXPECT_TRUE(vfio_reset_subscribe_err_fd(d0, pipefd[0], &f.err) == -EBADF &&
	      strstr(f.err.msg, "is not open"));
	close(pipefd[1]);
	/* what the library armed, close disarms; the fd stays the caller's */
	EXPECT_EQ(efd, vfio_reset_subscribe_err_fd(d0, efd, &f.err));
	vfio_reset_close(d0);
	EXPECT_EQ(-1, f.fake.err_eventfd);
	EXPECT_TRUE(fd_open(efd));
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	f.fake.devs[0].conventional = true;
	EXPECT_TRUE(vfio_reset_subscribe_err_fd(d0, efd, &f.err) == -EINVAL &&
	      strstr(f.err.msg, "only for PCI Express devices"));
	fx_done(&f);
	EXPECT_TRUE(fd_open(efd));
	close(efd);
}

/* ---- kernel-reset features ---- */

#ifdef VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS
/* the library's mirror of the uapi, checked where the uapi has it */
_Static_assert(VFIO_RESET_KERNEL_RESET_ACTIVE == VFIO_KERNEL_RESET_ACTIVE &&
	       VFIO_RESET_KERNEL_RESET_RESTORED == VFIO_KERNEL_RESET_RESTORED &&
	       VFIO_RESET_KERNEL_RESET_FAILED == VFIO_KERNEL_RESET_FAILED &&
	       VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS == 14 &&
	       VFIO_DEVICE_FEATURE_KERNEL_RESET_EVENTFD == 15, "uapi mirror");
_Static_assert(sizeof(struct vfio_reset_kernel_reset_status) ==
	       sizeof(struct vfio_device_feature_kernel_reset_status), "same fields");
#endif

TEST(test_kernel_reset_probe)
{
	struct vfio_reset_kernel_reset_status st;
	struct fx f;
	struct vfio_reset_dev *d0, *d1;
	int fds = open_fds(), fd;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[1].no_kernel_reset_ops = true;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	d1 = fx_open(&f, "0000:01:00.1", VFIO_RESET_PATH_CDEV);
	if (!d0 || !d1) {
		EXPECT_TRUE(d0 && d1);
		fx_done(&f);
		return;
	}
	/* a kernel (or driver) without the features: -ENOTTY, with why-not */
	EXPECT_TRUE(vfio_reset_probe_kernel_reset(d0) == -ENOTTY);
	EXPECT_TRUE(f.fake.devs[0].kreset_probe_calls == 1);
	memset(&st, 0xa5, sizeof(st));
	EXPECT_TRUE(vfio_reset_kernel_reset_status(d0, &st, &f.err) == -ENOTTY);
	EXPECT_TRUE(f.err.err == -ENOTTY && st.started == 0 && st.flags == 0);
	EXPECT_TRUE(!strcmp(f.err.msg, "no kernel-reset status: the kernel or the driver lacks "
		      "VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS (only vfio-pci offers it)"));
	memset(&f.err, 0, sizeof(f.err));
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, -1, &f.err) == -ENOTTY);
	EXPECT_TRUE(f.err.err == -ENOTTY && strstr(f.err.msg, "no kernel-reset notification: ") &&
	      strstr(f.err.msg, "VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS"));
	EXPECT_TRUE(d0->kreset_fd == -1 && f.fake.devs[0].kreset_fd == -1);
	EXPECT_TRUE(open_fds() == fds);	/* the eventfd made for it is closed */
	EXPECT_TRUE(vfio_reset_unsubscribe_kernel_reset(d0, &f.err) == 0);
	/* the ERR notification does not depend on it */
	fd = vfio_reset_subscribe_err(d0, &f.err);
	EXPECT_TRUE(fd >= 0);
	if (fd >= 0)
		close(fd);

	/* offered */
	f.fake.devs[0].kernel_reset = true;
	EXPECT_TRUE(vfio_reset_probe_kernel_reset(d0) == 0);
	EXPECT_TRUE(vfio_reset_kernel_reset_status(d0, &st, &f.err) == 0);
	EXPECT_TRUE(st.flags == 0 && st.last == VFIO_RESET_KERNEL_RESET_NONE && st.started == 0);

	/* a backend without the ops (a library built without the uapi): -ENOTSUP */
	f.fake.devs[1].kernel_reset = true;
	EXPECT_TRUE(vfio_reset_probe_kernel_reset(d1) == -ENOTSUP);
	memset(&f.err, 0, sizeof(f.err));
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d1, -1, &f.err) == -ENOTSUP);
	EXPECT_TRUE(f.err.err == -ENOTSUP &&
	      !strcmp(f.err.msg, "no kernel-reset notification: backend 'fake' does not "
		      "implement the kernel-reset features"));
	EXPECT_TRUE(vfio_reset_kernel_reset_status(d1, &st, &f.err) == -ENOTSUP &&
	      strstr(f.err.msg, "no kernel-reset status: "));
	EXPECT_TRUE(f.fake.devs[1].kreset_set_calls == 0 && d1->kreset_fd == -1);
	fx_done(&f);
	EXPECT_TRUE(open_fds() == fds);
}

TEST(test_kernel_reset_status_mapping)
{
	static const struct vfio_reset_kernel_reset_status cases[] = {
		{ VFIO_RESET_KERNEL_RESET_ACTIVE, VFIO_RESET_KERNEL_RESET_NONE, 1, 0, 0, 0, 0 },
		{ 0, VFIO_RESET_KERNEL_RESET_RESTORED, 5, 3, 0, 2, 0 },
		{ VFIO_RESET_KERNEL_RESET_ACTIVE, VFIO_RESET_KERNEL_RESET_FAILED,
		  (1ull << 40) + 7, 1ull << 40, 1, 4, 1 },
		/* values a later kernel may add pass through unchanged */
		{ 0x80000001u, 9, UINT64_MAX, UINT64_MAX - 1, 0, 1, 0 },
	};
	struct vfio_reset_kernel_reset_status st;
	struct fx f;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].kernel_reset = true;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	if (!d0) {
		EXPECT_NE(NULL, d0);
		fx_done(&f);
		return;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vfio_reset_kernel_reset_status *c = &cases[i];

		f.fake.devs[0].kreset = *c;
		memset(&st, 0x5a, sizeof(st));
		EXPECT_TRUE(vfio_reset_kernel_reset_status(d0, &st, NULL) == 0);
		EXPECT_TRUE(st.flags == c->flags && st.last == c->last && st.started == c->started &&
		      st.restored == c->restored && st.state_lost == c->state_lost &&
		      st.failed == c->failed && st.not_reset == c->not_reset);
	}
	/* the fake's windows keep vfio-pci's invariant: open window <=> ACTIVE */
	memset(&f.fake.devs[0].kreset, 0, sizeof(f.fake.devs[0].kreset));
	EXPECT_TRUE(vfio_fake_kreset_start(&f.fake, 0) == 0);
	EXPECT_TRUE(vfio_fake_kreset_start(&f.fake, 0) == -EINVAL);	/* no overlap */
	EXPECT_TRUE(vfio_reset_kernel_reset_status(d0, &st, NULL) == 0);
	EXPECT_TRUE((st.flags & VFIO_RESET_KERNEL_RESET_ACTIVE) && st.started == 1 &&
	      st.last == VFIO_RESET_KERNEL_RESET_NONE);
	EXPECT_TRUE(vfio_fake_kreset_end(&f.fake, 0, VFIO_RESET_KERNEL_RESET_FAILED) == 0);
	EXPECT_TRUE(vfio_reset_kernel_reset_status(d0, &st, NULL) == 0);
	EXPECT_TRUE(!(st.flags & VFIO_RESET_KERNEL_RESET_ACTIVE) && st.started == 1 &&
	      st.failed == 1 && st.restored == 0 && st.last == VFIO_RESET_KERNEL_RESET_FAILED);
	/* a failing GET: negative errno, a message naming the ioctl, *out cleared */
	f.fake.devs[0].kreset_status_err = -EIO;
	memset(&st, 0x5a, sizeof(st));
	EXPECT_TRUE(vfio_reset_kernel_reset_status(d0, &st, &f.err) == -EIO);
	EXPECT_TRUE(f.err.err == -EIO && !strcmp(f.err.msg, "VFIO_DEVICE_FEATURE_GET(KERNEL_RESET_STATUS) "
					   "failed: Input/output error"));
	EXPECT_TRUE(st.started == 0 && st.failed == 0 && st.flags == 0);
	fx_done(&f);
}

TEST(test_kernel_reset_subscribe_caller_fd)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	int fds = open_fds(), efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	unsigned int sets;
	uint64_t v = 0;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].kernel_reset = true;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	if (!d0 || efd < 0) {
		EXPECT_TRUE(d0 && efd >= 0);
		fx_done(&f);
		return;
	}
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, efd, &f.err) == efd);
	EXPECT_TRUE(f.fake.devs[0].kreset_fd == efd && d0->kreset_fd == efd && !d0->kreset_fd_owned);
	/* start and end of a window: the caller's eventfd is signalled */
	EXPECT_TRUE(vfio_fake_kreset_start(&f.fake, 0) == 0);
	EXPECT_TRUE(read(efd, &v, sizeof(v)) == (ssize_t)sizeof(v) && v == 1);
	EXPECT_TRUE(vfio_fake_kreset_end(&f.fake, 0, VFIO_RESET_KERNEL_RESET_RESTORED) == 0);
	EXPECT_TRUE(read(efd, &v, sizeof(v)) == (ssize_t)sizeof(v) && v == 1);
	/* unsubscribe disarms and leaves the caller's fd open */
	EXPECT_TRUE(vfio_reset_unsubscribe_kernel_reset(d0, &f.err) == 0);
	EXPECT_TRUE(f.fake.devs[0].kreset_fd == -1 && d0->kreset_fd == -1 && fd_open(efd));
	EXPECT_TRUE(vfio_fake_kreset_start(&f.fake, 0) == 0);
	EXPECT_TRUE(read(efd, &v, sizeof(v)) < 0 && errno == EAGAIN);	/* disarmed: quiet */
	/* nothing armed: no ioctl */
	sets = f.fake.devs[0].kreset_set_calls;
	EXPECT_TRUE(vfio_reset_unsubscribe_kernel_reset(d0, &f.err) == 0);
	EXPECT_TRUE(f.fake.devs[0].kreset_set_calls == sets);
	/* armed at close: disarmed by the library, the fd still the caller's */
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, efd, &f.err) == efd);
	sets = f.fake.devs[0].kreset_set_calls;
	vfio_reset_close(d0);
	EXPECT_TRUE(f.fake.devs[0].kreset_set_calls == sets + 1 && fd_open(efd));
	/* and at vfio_reset_ctx_free() */
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	EXPECT_TRUE(d0 && vfio_reset_subscribe_kernel_reset(d0, efd, &f.err) == efd);
	fx_done(&f);
	EXPECT_TRUE(f.fake.devs[0].kreset_fd == -1 && fd_open(efd));
	close(efd);
	EXPECT_TRUE(open_fds() == fds);
}

TEST(test_kernel_reset_subscribe_library_fd)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	int fds = open_fds(), fd, fd1, fd2, efd;
	uint64_t v = 0;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].kernel_reset = true;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	if (!d0) {
		EXPECT_NE(NULL, d0);
		fx_done(&f);
		return;
	}
	fd = vfio_reset_subscribe_kernel_reset(d0, -1, &f.err);
	EXPECT_TRUE(fd >= 0 && f.fake.devs[0].kreset_fd == fd && d0->kreset_fd_owned);
	if (fd >= 0) {
		EXPECT_TRUE((fcntl(fd, F_GETFL) & O_NONBLOCK) && (fcntl(fd, F_GETFD) & FD_CLOEXEC));
		EXPECT_TRUE(read(fd, &v, sizeof(v)) < 0 && errno == EAGAIN);	/* quiet */
		EXPECT_TRUE(vfio_fake_kreset_start(&f.fake, 0) == 0);
		EXPECT_TRUE(vfio_fake_kreset_end(&f.fake, 0, VFIO_RESET_KERNEL_RESET_RESTORED) == 0);
		EXPECT_TRUE(read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v) && v == 2);	/* coalesced */
	}
	/* unsubscribe disarms and closes it */
	EXPECT_TRUE(vfio_reset_unsubscribe_kernel_reset(d0, &f.err) == 0);
	EXPECT_TRUE(f.fake.devs[0].kreset_fd == -1 && d0->kreset_fd == -1 && !fd_open(fd));
	/* a new subscribe replaces the armed one: the library's old fd is closed */
	fd1 = vfio_reset_subscribe_kernel_reset(d0, -1, &f.err);
	fd2 = vfio_reset_subscribe_kernel_reset(d0, -1, &f.err);
	EXPECT_TRUE(fd1 >= 0 && fd2 >= 0 && fd1 != fd2 && !fd_open(fd1) && fd_open(fd2));
	EXPECT_TRUE(f.fake.devs[0].kreset_fd == fd2);
	/* re-arming the library's own fd keeps it the library's */
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, fd2, &f.err) == fd2 && d0->kreset_fd_owned);
	/* replaced by a caller's fd: the library's is closed, the caller's never */
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, efd, &f.err) == efd);
	EXPECT_TRUE(!fd_open(fd2) && !d0->kreset_fd_owned);
	fd = vfio_reset_subscribe_kernel_reset(d0, -1, &f.err);
	EXPECT_TRUE(fd >= 0 && fd != efd && fd_open(efd) && f.fake.devs[0].kreset_fd == fd);
	/* closed with the device, and with the context */
	vfio_reset_close(d0);
	EXPECT_TRUE(!fd_open(fd) && f.fake.devs[0].kreset_fd == -1);
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	fd = d0 ? vfio_reset_subscribe_kernel_reset(d0, -1, &f.err) : -1;
	EXPECT_TRUE(fd >= 0);
	fx_done(&f);
	EXPECT_TRUE(!fd_open(fd) && fd_open(efd));
	close(efd);
	EXPECT_TRUE(open_fds() == fds);
}

TEST(test_kernel_reset_subscribe_errors)
{
	struct fx f;
	struct vfio_reset_dev *d0;
	int fds = open_fds(), p[2] = { -1, -1 }, fd, closed;
	char want[VFIO_RESET_MSG_LEN];

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].kernel_reset = true;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_CDEV);
	if (!d0 || pipe(p) < 0) {
		EXPECT_TRUE(d0 && p[0] >= 0);
		fx_done(&f);
		return;
	}
	closed = eventfd(0, 0);		/* a number nothing else holds */
	close(closed);
	/* refused by the library: no ioctl */
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, -2, &f.err) == -EINVAL);
	EXPECT_TRUE(f.err.err == -EINVAL && !strcmp(f.err.msg, "invalid eventfd -2 (want an eventfd, "
					     "or -1 for one the library creates)"));
	EXPECT_TRUE(f.fake.devs[0].kreset_set_calls == 0);
	/* refused by the kernel */
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, p[0], &f.err) == -EINVAL);
	snprintf(want, sizeof(want), "VFIO_DEVICE_FEATURE_SET(KERNEL_RESET_EVENTFD) failed: "
		 "Invalid argument: fd %d is not an eventfd", p[0]);
	EXPECT_TRUE(f.err.err == -EINVAL && !strcmp(f.err.msg, want));
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, closed, &f.err) == -EBADF);
	snprintf(want, sizeof(want), "VFIO_DEVICE_FEATURE_SET(KERNEL_RESET_EVENTFD) failed: "
		 "Bad file descriptor: fd %d is not open", closed);
	EXPECT_TRUE(f.err.err == -EBADF && !strcmp(f.err.msg, want));
	EXPECT_TRUE(d0->kreset_fd == -1 && fd_open(p[0]));

	/* a failed subscribe leaves the armed eventfd armed and owned */
	fd = vfio_reset_subscribe_kernel_reset(d0, -1, &f.err);
	EXPECT_TRUE(fd >= 0);
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, p[1], &f.err) == -EINVAL);
	EXPECT_TRUE(d0->kreset_fd == fd && d0->kreset_fd_owned && fd_open(fd) && fd_open(p[1]));
	EXPECT_TRUE(f.fake.devs[0].kreset_fd == fd);
	f.fake.devs[0].kreset_eventfd_err = -EIO;
	EXPECT_TRUE(vfio_reset_subscribe_kernel_reset(d0, -1, &f.err) == -EIO);
	EXPECT_TRUE(f.err.err == -EIO && strstr(f.err.msg, "VFIO_DEVICE_FEATURE_SET(KERNEL_RESET_EVENTFD, ") &&
	      strstr(f.err.msg, ") failed: Input/output error"));
	EXPECT_TRUE(d0->kreset_fd == fd && fd_open(fd) && f.fake.devs[0].kreset_fd == fd);
	EXPECT_TRUE(open_fds() == fds + 3);	/* pipe + the armed one: the new one was closed */
	/* a failed unsubscribe: still armed, still open, retry works */
	EXPECT_TRUE(vfio_reset_unsubscribe_kernel_reset(d0, &f.err) == -EIO);
	EXPECT_TRUE(f.err.err == -EIO && strstr(f.err.msg, "stays armed"));
	EXPECT_TRUE(d0->kreset_fd == fd && fd_open(fd) && f.fake.devs[0].kreset_fd == fd);
	f.fake.devs[0].kreset_eventfd_err = 0;
	EXPECT_TRUE(vfio_reset_unsubscribe_kernel_reset(d0, &f.err) == 0 && !fd_open(fd));
	fx_done(&f);
	close(p[0]);
	close(p[1]);
	EXPECT_TRUE(open_fds() == fds);
}

/* ---- CLI ---- */

struct cli_run {
	char *out, *err;
	size_t out_len, err_len;
	int rc;
};

/*
 * What the "kernel" does while watch runs: steps[0] once the subscriptions
 * are live, steps[k] after event k was printed.  A step is a string of
 * E (an AER error: ERR eventfd), S (a kernel-reset window of devs[0]
 * starts), R / F (it ends restored / failed); several letters in one step
 * coalesce into one wake-up.
 */
struct watch_script {
	const char *steps[8];
	size_t next;
	struct vfio_fake *fake;
	bool bad;			/* a step was not possible */
};

/* the default: an error, then a whole window before watch reads anything */
static struct watch_script default_script = { { "ESR" }, 0, NULL, false };
static struct watch_script *watch_script = &default_script;

static void script_step(struct watch_script *s)
{
	const char *step = s->next < 8 ? s->steps[s->next] : NULL;

	if (!step)
		return;
	s->next++;
	for (; *step; step++) {
		int r = -EINVAL;

		switch (*step) {
		case 'E': r = vfio_fake_signal_err(s->fake); break;
		case 'S': r = vfio_fake_kreset_start(s->fake, 0); break;
		case 'R': r = vfio_fake_kreset_end(s->fake, 0, VFIO_RESET_KERNEL_RESET_RESTORED); break;
		case 'F': r = vfio_fake_kreset_end(s->fake, 0, VFIO_RESET_KERNEL_RESET_FAILED); break;
		}
		if (r < 0) {
			fprintf(stderr, "  watch script step '%c': %s\n", *step, strerror(-r));
			s->bad = true;
		}
	}
}

static void on_watch_ready(void *arg)
{
	script_step(arg);
}

static void on_watch_event(void *arg, unsigned long seq)
{
	(void)seq;
	script_step(arg);
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
		.poll_ms = 50, .watch_ready = on_watch_ready, .watch_event = on_watch_event,
		.watch_ready_arg = watch_script,
	};

	sys.priv = fake;
	fake->err_eventfd = -1;		/* closed by the last run */
	watch_script->fake = fake;
	watch_script->next = 0;
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

/* one CLI invocation and what it must give: exit code and a fragment of out or err */
struct cli_case {
	const char *line;
	int code;
	const char *out, *err;			/* fragment expected in stdout / stderr */
	void (*before)(struct vfio_fake *);	/* state change before this row, kept */
};

static void cli_expect(struct __test_metadata *_metadata, struct vfio_fake *fake, const struct cli_case *c)
{
	struct cli_run r;
	const char *s;

	if (c->before)
		c->before(fake);
	r = cli(fake, c->line);
	s = c->err ? r.err : r.out;
	EXPECT_TRUE(r.rc == c->code);
	EXPECT_TRUE(strstr(s, c->err ? c->err : c->out) != NULL);
	if (r.rc != c->code || !strstr(s, c->err ? c->err : c->out))
		fprintf(stderr, "  [%s] rc=%d out=<%s> err=<%s>\n", c->line, r.rc, r.out, r.err);
	cli_free(&r);
}

/* a fresh two-function slot (.1 bound to drv1), then each row in order */
struct cli_suite {
	const char *drv1;
	const struct cli_case *cases;
	size_t n;
	void (*after)(struct __test_metadata *_metadata, const struct vfio_fake *fake);
};

static void cli_suite_run(struct __test_metadata *_metadata, const void *arg)
{
	const struct cli_suite *s = arg;
	struct fx f;

	fx_slot(&f, 10, 11, s->drv1);
	for (size_t i = 0; i < s->n; i++)
		cli_expect(_metadata, &f.fake, &s->cases[i]);
	if (s->after)
		s->after(_metadata, &f.fake);
	fx_done(&f);
}

static const struct cli_case cli_usage[] = {
	{ "", EXIT_VR_USAGE, .err = "missing command" },
	{ "frobnicate 0000:01:00.0", EXIT_VR_USAGE, .err = "unknown command" },
	{ "plan --bogus 0000:01:00.0", EXIT_VR_USAGE, .err = "unknown option" },
	{ "plan", EXIT_VR_USAGE, .err = "needs at least one BDF" },
	{ "plan 1:2:3", EXIT_VR_USAGE, .err = "not a PCI address" },
	{ "reset 0000:01:00.0 0000:01:00.1", EXIT_VR_USAGE, .err = "exactly one" },
	{ "watch --count 0 0000:01:00.0", EXIT_VR_USAGE, .err = "invalid --count" },
	{ "watch --count", EXIT_VR_USAGE, .err = "needs a number" },
	{ "reset --json 0000:01:00.0", EXIT_VR_USAGE, .err = "--json only" },
	{ "plan --count 2 0000:01:00.0", EXIT_VR_USAGE, .err = "--count only" },
	{ "--cdev --group plan 0000:01:00.0", EXIT_VR_USAGE, .err = "exclusive" },
	{ "--help", EXIT_VR_OK, .out = "exit codes" },
	{ "plan -h", EXIT_VR_OK, .out = "examples" },
};

static void fn1_in_group_10(struct vfio_fake *fake)
{
	fake->devs[1].iommu_group = 10;
}

static void no_dev_iommu(struct vfio_fake *fake)
{
	fake->no_dev_iommu = true;
}

static const struct cli_case cli_device_errors[] = {	/* .1 bound to nvme */
	{ "reset 0000:09:00.0", EXIT_VR_UNUSABLE,
	  .err = "vfio-reset: 0000:09:00.0: no such PCI device" },
	{ "plan 01:00.1", EXIT_VR_UNUSABLE,
	  .err = "vfio-reset: 0000:01:00.1: bound to nvme, not vfio-pci" },
	{ "--group plan 0000:01:00.0", EXIT_VR_UNUSABLE, .err = "not viable", .before = fn1_in_group_10 },
	{ "--cdev plan 0000:01:00.0", EXIT_VR_UNUSABLE, .err = "/dev/iommu", .before = no_dev_iommu },
};

static void fn0_reset_eio(struct vfio_fake *fake)
{
	fake->devs[0].reset_err = -EIO;
}

static const struct cli_case cli_plan_and_resets[] = {
	{ "plan 0000:01:00.0 0000:01:00.1", EXIT_VR_OK,
	  .out = "    DEVICE       GROUP DEVID OWNERSHIP DRIVER\n"
	  "    0000:01:00.0 10    1     owned     vfio-pci\n" },
	{ "plan 0000:01:00.0", EXIT_VR_OK, .out = "not-owned" },
	{ "plan 0000:01:00.0", EXIT_VR_OK, .out = "blocker hot-reset: EINVAL" },
	{ "--cdev plan --json 0000:01:00.0", EXIT_VR_OK, .out = "\"uses_devid\":true" },
	{ "--cdev plan --json 0000:01:00.0", EXIT_VR_OK, .out = "\"devid\":-1" },
	{ "--group plan --json 0000:01:00.0", EXIT_VR_OK,
	  .out = "\"ownership\":\"group-openable\"" },
	{ "reset 0000:01:00.0", EXIT_VR_OK, .out = "function reset ok" },
	{ "reset 0000:01:00.0", EXIT_VR_FAILED,
	  .err = "vfio-reset: 0000:01:00.0: VFIO_DEVICE_RESET failed", .before = fn0_reset_eio },
	{ "--group hot-reset 0000:01:00.0", EXIT_VR_OK, .out = "2 group fd(s)" },
	{ "--cdev hot-reset 0000:01:00.0 0000:01:00.1", EXIT_VR_OK, .out = "hot reset ok" },
	{ "--cdev hot-reset 0000:01:00.0", EXIT_VR_FAILED, .err = "not owned" },
};

static void fn0_conventional(struct vfio_fake *fake)
{
	fake->devs[0].conventional = true;
}

static void fn0_kernel_reset(struct vfio_fake *fake)
{
	fake->devs[0].kernel_reset = true;
}

static void fn0_no_kernel_reset(struct vfio_fake *fake)
{
	fake->devs[0].kernel_reset = false;
}

static const struct cli_case cli_watch[] = {
	{ "watch --count 1 0000:01:00.0", EXIT_VR_OK, .out = "Z 0000:01:00.0 error (x1)" },
	{ "watch --count=1 0000:01:00.0", EXIT_VR_OK,
	  .err = "vfio-reset: 0000:01:00.0: no kernel-reset notification: the kernel or the "
	  "driver lacks VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS" },
	/* the counters count every window of the device (each row runs one), armed or not */
	{ "watch --count 2 0000:01:00.0", EXIT_VR_OK, .before = fn0_kernel_reset,
	  .out = "Z 0000:01:00.0 kernel-reset (x2): inactive, last restored, started 3, "
	  "restored 3, state-lost 0, failed 0, not-reset 0\n" },
	{ "watch --count 1 0000:01:00.0", EXIT_VR_OK, .before = fn0_conventional,
	  .out = "Z 0000:01:00.0 kernel-reset (x2): inactive, last restored, started 4, " },
	{ "watch --count 1 0000:01:00.0", EXIT_VR_FAILED, .err = "nothing to watch",
	  .before = fn0_no_kernel_reset },
};

static const struct cli_case cli_repeat_usage[] = {
	{ "reset --repeat 0 0000:01:00.0", EXIT_VR_USAGE, .err = "invalid --repeat '0'" },
	{ "reset --repeat -2 0000:01:00.0", EXIT_VR_USAGE, .err = "invalid --repeat '-2'" },
	{ "reset --repeat abc 0000:01:00.0", EXIT_VR_USAGE, .err = "invalid --repeat 'abc'" },
	{ "reset --repeat=3x 0000:01:00.0", EXIT_VR_USAGE, .err = "invalid --repeat '3x'" },
	{ "reset --repeat= 0000:01:00.0", EXIT_VR_USAGE, .err = "invalid --repeat ''" },
	{ "hot-reset --repeat 100001 0000:01:00.0", EXIT_VR_USAGE, .err = "invalid --repeat" },
	{ "hot-reset --repeat 99999999999999999999 0000:01:00.0", EXIT_VR_USAGE,
	  .err = "invalid --repeat" },
	{ "reset 0000:01:00.0 --repeat", EXIT_VR_USAGE, .err = "--repeat needs a number" },
	{ "reset --repeats 2 0000:01:00.0", EXIT_VR_USAGE, .err = "unknown option '--repeats'" },
	{ "plan --repeat 2 0000:01:00.0", EXIT_VR_USAGE,
	  .err = "--repeat only applies to reset and hot-reset" },
	{ "watch --repeat 2 0000:01:00.0", EXIT_VR_USAGE, .err = "--repeat only applies" },
	{ "reset --count 2 0000:01:00.0", EXIT_VR_USAGE, .err = "--count only applies to watch" },
	{ "--help", EXIT_VR_OK, .out = "reset --repeat 20 " },
};

static void no_reset_called(struct __test_metadata *_metadata, const struct vfio_fake *fake)
{
	EXPECT_TRUE(fake->reset_calls == 0 && fake->hot_reset_calls == 0);
}

#define CASES(a) (a), sizeof(a) / sizeof((a)[0])

FIXTURE(cli) {};
FIXTURE_SETUP(cli) {}
FIXTURE_TEARDOWN(cli) {}

FIXTURE_VARIANT(cli) {
	struct cli_suite row;
};

FIXTURE_VARIANT_ADD(cli, usage) {
	.row = { "vfio-pci", CASES(cli_usage), NULL},
};

FIXTURE_VARIANT_ADD(cli, device_errors) {
	.row = { "nvme", CASES(cli_device_errors), NULL},
};

FIXTURE_VARIANT_ADD(cli, plan_and_resets) {
	.row = { "vfio-pci", CASES(cli_plan_and_resets), NULL},
};

FIXTURE_VARIANT_ADD(cli, watch) {
	.row = { "vfio-pci", CASES(cli_watch), NULL},
};

FIXTURE_VARIANT_ADD(cli, repeat_usage) {
	.row = { "vfio-pci", CASES(cli_repeat_usage), no_reset_called},
};

TEST_F(cli, suite)
{
	cli_suite_run(_metadata, &variant->row);
}



/*
 * watch with a script: the exit code, the fragments of out in order, with
 * json_n > 0 that out is json_n JSON lines, and no fd leaked or left armed.
 */
static void watch_run(struct __test_metadata *_metadata, struct fx *f, const char *line, int code,
		      struct watch_script *script, const char *const *want, size_t n_want,
		      size_t json_n)
{
	int fds = open_fds();
	struct cli_run r;
	const char *p;
	size_t n;

	watch_script = script;
	r = cli(&f->fake, line);
	watch_script = &default_script;
	EXPECT_TRUE(r.rc == code && !script->bad);
	EXPECT_TRUE(!json_n || (json_lines(r.out, &n) && n == json_n));
	p = r.out;
	for (size_t i = 0; i < n_want; i++) {
		const char *q = p ? strstr(p, want[i]) : NULL;

		EXPECT_TRUE(q != NULL);
		if (!q)
			fprintf(stderr, "  [%s] missing (in order) <%s>\n", line, want[i]);
		p = q ? q + strlen(want[i]) : NULL;
	}
	/* watch disarmed and closed what it armed, and only that */
	EXPECT_TRUE(f->fake.devs[0].kreset_fd == -1);
	EXPECT_TRUE(open_fds() == fds);
	if (r.rc != code || !p)
		fprintf(stderr, "  [%s] rc=%d out=<%s> err=<%s>\n", line, r.rc, r.out, r.err);
	cli_free(&r);
}

/* start, end, then four signals coalesced: one event each, status after it */
TEST(test_cli_watch_kernel_reset)
{
	static const char *const text[] = {
		"Z 0000:01:00.0 error (x1)\n",
		"Z 0000:01:00.0 kernel-reset (x1): active, last none, started 1, restored 0, "
		"state-lost 0, failed 0, not-reset 0\n",
		"Z 0000:01:00.0 kernel-reset (x1): inactive, last restored, started 1, "
		"restored 1, state-lost 0, failed 0, not-reset 0\n",
		"Z 0000:01:00.0 kernel-reset (x4): inactive, last restored, started 3, "
		"restored 2, state-lost 0, failed 1, not-reset 0\n",
	};
	struct watch_script script = { { "E", "S", "R", "SFSR" }, 0, NULL, false };
	struct fx f;
	struct cli_run r;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].kernel_reset = true;
	watch_run(_metadata, &f, "watch --count 4 0000:01:00.0", EXIT_VR_OK, &script,
		  text, 4, 0);
	EXPECT_TRUE(script.next == 4);

	/* a status read failing after a wake-up: the event says so */
	f.fake.devs[0].kreset_status_err = -EIO;
	script = (struct watch_script){ { "S" }, 0, NULL, false };
	watch_script = &script;
	r = cli(&f.fake, "watch --count 1 0000:01:00.0");
	watch_script = &default_script;
	EXPECT_TRUE(r.rc == EXIT_VR_OK && strstr(r.out, "Z 0000:01:00.0 kernel-reset (x1): status "
		"unknown: VFIO_DEVICE_FEATURE_GET(KERNEL_RESET_STATUS) failed: Input/output error\n"));
	EXPECT_NE(NULL, strstr(r.err, "vfio-reset: 0000:01:00.0: VFIO_DEVICE_FEATURE_GET(KERNEL_RESET_STATUS)"));
	cli_free(&r);
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
	struct { uint64_t ns[4]; size_t n; const char *want; } cases[] = {
		{ { 3000000, 1000000, 2500000, 1500000 }, 4,
		  "0000:01:00.0: reset x4: median 2.000 ms, min 1.000 ms, max 3.000 ms\n" },
		{ { 5000000, 1234567, 3000499 }, 3,
		  "0000:01:00.0: reset x3: median 3.000 ms, min 1.235 ms, max 5.000 ms\n" },
		{ { 42 }, 1,
		  "0000:01:00.0: reset x1: median 0.000 ms, min 0.000 ms, max 0.000 ms\n" },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		summary_of(cases[i].ns, cases[i].n, buf, sizeof(buf));
		EXPECT_TRUE(!strcmp(buf, cases[i].want));
		if (strcmp(buf, cases[i].want))
			fprintf(stderr, "  x%zu: <%s>\n", cases[i].n, buf);
	}
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
	EXPECT_TRUE(r.rc == EXIT_VR_OK && f.fake.reset_calls == 5);
	EXPECT_TRUE(check_repeat_output(r.out, "reset", 5, 0.3));
	EXPECT_NE(NULL, strstr(r.out, "run 5/5: function reset ok in "));
	if (r.rc || !check_repeat_output(r.out, "reset", 5, 0.3))
		fprintf(stderr, "  out=<%s> err=<%s>\n", r.out, r.err);
	cli_free(&r);

	r = cli(&f.fake, "--cdev hot-reset --repeat=2 0000:01:00.0 0000:01:00.1");
	EXPECT_TRUE(r.rc == EXIT_VR_OK && f.fake.hot_reset_calls == 2);
	EXPECT_TRUE(check_repeat_output(r.out, "hot-reset", 2, 0.3));
	if (r.rc || !check_repeat_output(r.out, "hot-reset", 2, 0.3))
		fprintf(stderr, "  out=<%s> err=<%s>\n", r.out, r.err);
	cli_free(&r);

	/* --repeat 1 still prints the summary; without --repeat there is none */
	r = cli(&f.fake, "reset --repeat 1 0000:01:00.0");
	EXPECT_TRUE(r.rc == EXIT_VR_OK && check_repeat_output(r.out, "reset", 1, 0.3));
	cli_free(&r);
	r = cli(&f.fake, "reset 0000:01:00.0");
	EXPECT_TRUE(r.rc == EXIT_VR_OK && !strstr(r.out, "median") && !strstr(r.out, "run "));
	EXPECT_NE(NULL, strstr(r.out, "0000:01:00.0: function reset ok in "));
	cli_free(&r);

	/* a failing run stops the series: no summary, exit 1 */
	f.fake.reset_calls = 0;
	f.fake.devs[0].reset_err = -EIO;
	r = cli(&f.fake, "reset --repeat 3 0000:01:00.0");
	EXPECT_TRUE(r.rc == EXIT_VR_FAILED && f.fake.reset_calls == 1 && !strstr(r.out, "median"));
	EXPECT_NE(NULL, strstr(r.err, "vfio-reset: 0000:01:00.0: run 1/3: VFIO_DEVICE_RESET failed"));
	cli_free(&r);
	fx_done(&f);
}

TEST(test_json_checker)
{
	static const char *const good[] = { "[]", "[{}]", "{\"a\":[1,-2,0.5,true,false,null]}",
					    "[{\"s\":\"x\\\"\\u001f\"}]\n" };
	static const char *const bad[] = { "[,{}]", "[{},]", "[", "{\"a\"}", "[01]", "[1.]",
					   "[\"\x01\"]", "[]x", "{\"a\":1,}", "", "[] []" };

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		EXPECT_TRUE(json_doc(good[i], strlen(good[i]), good[i][0]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_TRUE(!json_doc(bad[i], strlen(bad[i]), '['));
}

static void fn0_get_info_eio(struct vfio_fake *fake)
{
	fake->devs[0].get_info_err = -EIO;
}

TEST(test_cli_plan_json_always_valid)
{
	static const struct {
		const char *line;
		int code;
		const char *has[3];
		void (*before)(struct vfio_fake *);
	} cases[] = {
		/* the first device fails: an error object, then the second plan */
		{ "plan --json 0000:01:00.0 0000:01:00.1", EXIT_VR_FAILED,
		  { "[{\"bdf\":\"0000:01:00.0\",\"error\":{\"errno\":-5,\"errno_name\":\"EIO\","
		    "\"kind\":\"failed\",\"message\":\"VFIO_DEVICE_GET_INFO failed: ",
		    "},{\"bdf\":\"0000:01:00.1\",\"path\":" }, fn0_get_info_eio },
		{ "plan --json 0000:01:00.0", EXIT_VR_OK,
		  { "\"info_errno\":0,", "\"cause\":\"not-owned\",\"errno\":-22,\"errno_name\":\"EINVAL\"" }, NULL },
		{ "plan --json 0000:01:00.0 0000:01:00.1", EXIT_VR_OK, { "\"blockers\":[]},{\"bdf\":\"0000:01:00.1\"" }, NULL },
		{ "--group plan --json 0000:01:00.0", EXIT_VR_OK, { "\"group-openable\"" }, NULL },
		/* open failures are objects too, with the exit code of the failure */
		{ "plan --json 0000:09:00.0", EXIT_VR_UNUSABLE,
		  { "[{\"bdf\":\"0000:09:00.0\",\"error\":{\"errno\":-19,\"errno_name\":\"ENODEV\","
		    "\"kind\":\"not-found\",\"message\":\"no such PCI device\"}}]\n" }, NULL },
		{ "plan --json 0000:01:00.0 0000:09:00.0", EXIT_VR_UNUSABLE, { "\"not-found\"" }, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx f;
		struct cli_run r;
		bool good;

		fx_slot(&f, 10, 11, "vfio-pci");
		if (cases[i].before)
			cases[i].before(&f.fake);
		r = cli(&f.fake, cases[i].line);
		good = r.rc == cases[i].code && json_doc(r.out, r.out_len, '[');
		for (size_t j = 0; j < 3 && cases[i].has[j]; j++)
			good = good && strstr(r.out, cases[i].has[j]);
		EXPECT_TRUE(good);
		if (!good)
			fprintf(stderr, "  [%s] rc=%d out=<%s> err=<%s>\n", cases[i].line, r.rc,
				r.out, r.err);
		cli_free(&r);
		fx_done(&f);
	}
}

TEST(test_cli_watch_json)
{
	static const char *const seq[] = {
		"{\"seq\":1,\"time\":\"",
		"Z\",\"bdf\":\"0000:01:00.0\",\"event\":\"error\",\"count\":1}\n",
		"{\"seq\":2,\"time\":\"",
		"Z\",\"bdf\":\"0000:01:00.0\",\"event\":\"kernel-reset\",\"count\":1,\"active\":true,"
		"\"last\":\"none\",\"started\":1,\"restored\":0,\"state_lost\":0,\"failed\":0,"
		"\"not_reset\":0}\n",
		"{\"seq\":3,\"time\":\"",
		"Z\",\"bdf\":\"0000:01:00.0\",\"event\":\"kernel-reset\",\"count\":1,\"active\":false,"
		"\"last\":\"restored\",\"started\":1,\"restored\":1,\"state_lost\":0,\"failed\":0,"
		"\"not_reset\":0}\n",
		"{\"seq\":4,\"time\":\"",
		"Z\",\"bdf\":\"0000:01:00.0\",\"event\":\"kernel-reset\",\"count\":4,\"active\":false,"
		"\"last\":\"restored\",\"started\":3,\"restored\":2,\"state_lost\":0,\"failed\":1,"
		"\"not_reset\":0}\n",
		/* a window ended failed and an error, seen in one poll: error first */
		"{\"seq\":5,\"time\":\"",
		"\"event\":\"error\",\"count\":1}\n",
		"{\"seq\":6,\"time\":\"",
		"\"event\":\"kernel-reset\",\"count\":2,\"active\":false,\"last\":\"failed\","
		"\"started\":4,\"restored\":2,\"state_lost\":0,\"failed\":2,\"not_reset\":0}\n",
	};
	static const char *const absent[] = {
		"{\"bdf\":\"0000:01:00.0\",\"source\":\"kernel-reset\",\"error\":{\"errno\":-25,"
		"\"errno_name\":\"ENOTTY\",\"kind\":\"failed\",\"message\":\"no kernel-reset "
		"notification: the kernel or the driver lacks VFIO_DEVICE_FEATURE_KERNEL_RESET_STATUS",
		"\"event\":\"error\",\"count\":1}\n",
	};
	static const char *const nothing[] = {
		"{\"bdf\":\"0000:01:00.0\",\"source\":\"error\",\"error\":{\"errno\":-22,",
		"{\"bdf\":\"0000:01:00.0\",\"source\":\"kernel-reset\",\"error\":{\"errno\":-25,",
		"{\"bdf\":null,\"error\":{\"errno\":-95,",
	};
	struct watch_script script = { { "E", "S", "R", "SFSR", "SFE" }, 0, NULL, false };
	struct fx f;
	struct cli_run r;
	size_t n;

	/* one object per event, per line, in order */
	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.devs[0].kernel_reset = true;
	watch_run(_metadata, &f, "watch --json --count 6 0000:01:00.0", EXIT_VR_OK, &script,
		  seq, sizeof(seq) / sizeof(seq[0]), 6);
	EXPECT_TRUE(script.next == 5);
	r = cli(&f.fake, "watch --json --count 2 0000:01:00.0");
	EXPECT_TRUE(r.rc == EXIT_VR_OK && json_lines(r.out, &n) && n == 2);
	cli_free(&r);

	/* a notification that cannot be armed is an object, the other still works */
	f.fake.devs[0].kernel_reset = false;
	script = (struct watch_script){ { "E" }, 0, NULL, false };
	watch_run(_metadata, &f, "watch --json --count 1 0000:01:00.0", EXIT_VR_OK, &script,
		  absent, 2, 2);
	r = cli(&f.fake, "watch --json --count 1 0000:01:00.0");
	EXPECT_TRUE(r.rc == EXIT_VR_OK && json_lines(r.out, &n) && n == 2);
	cli_free(&r);

	/* nothing armable: error objects only, exit 1 */
	f.fake.devs[0].conventional = true;
	script = (struct watch_script){ { NULL }, 0, NULL, false };
	watch_run(_metadata, &f, "watch --json --count 1 0000:01:00.0", EXIT_VR_FAILED,
		  &script, nothing, 3, 3);
	/* open failure */
	r = cli(&f.fake, "watch --json 0000:09:00.0");
	EXPECT_TRUE(r.rc == EXIT_VR_UNUSABLE && json_lines(r.out, &n) && n == 1);
	cli_free(&r);
	fx_done(&f);
}

TEST(test_cli_version)
{
	struct fx f;
	struct cli_run r;
	char want[64];

	snprintf(want, sizeof(want), "vfio-reset %d.%d.%d (libvfio-reset %s)\n",
		 VFIO_RESET_VERSION_MAJOR, VFIO_RESET_VERSION_MINOR, VFIO_RESET_VERSION_PATCH,
		 vfio_reset_version_string());
	EXPECT_TRUE(vfio_reset_version() == VFIO_RESET_VERSION_CODE);
	fx_slot(&f, 10, 11, "vfio-pci");
	r = cli(&f.fake, "--version");
	EXPECT_TRUE(r.rc == EXIT_VR_OK && !strcmp(r.out, want) && r.err_len == 0);
	cli_free(&r);
	r = cli(&f.fake, "plan --version 0000:01:00.0");
	EXPECT_TRUE(r.rc == EXIT_VR_OK && !strcmp(r.out, want));
	cli_free(&r);
	r = cli(&f.fake, "plan +1:00.0");
	EXPECT_TRUE(r.rc == EXIT_VR_USAGE && strstr(r.err, "'+1:00.0' is not a PCI address"));
	cli_free(&r);
	fx_done(&f);
}

/* ---- why-not of a failed hot reset: one row per failure path ---- */

struct hot_case {
	int g0, g1;
	const char *drv1;
	enum vfio_reset_path path;
	bool open_peer;
	void (*setup)(struct fx *);
	int rc;
	const char *msg;		/* the whole message, exactly */
	bool ioctl_called;
};

static void hot_ebusy(struct fx *f) { f->fake.devs[0].hot_reset_err = -EBUSY; }
static void hot_einval(struct fx *f) { f->fake.devs[0].hot_reset_err = -EINVAL; }
static void hot_eio(struct fx *f) { f->fake.devs[0].hot_reset_err = -EIO; }
static void hot_dead(struct fx *f) { f->fake.devs[0].config_id = 0xffffffff; }
static void hot_no_scope(struct fx *f) { f->fake.devs[0].scope[0] = NULL; }
static void hot_churn(struct fx *f) { f->fake.devs[0].enospc_always = 1; }

FIXTURE(hot_why) {};
FIXTURE_SETUP(hot_why) {}
FIXTURE_TEARDOWN(hot_why) {}

FIXTURE_VARIANT(hot_why) {
	struct hot_case row;
};

/* the reported bug: group 11 was opened for the reset, EBUSY is not about it */
FIXTURE_VARIANT_ADD(hot_why, why_ebusy_group_opened_for_reset) {
	.row = { 10, 11, "vfio-pci", GROUP, false,
	  hot_ebusy, -EBUSY, "VFIO_DEVICE_PCI_HOT_RESET failed: Device or resource busy: "
	  "a device of the reset set is busy (memory lock contended, e.g. a concurrent mmap "
	  "fault), retry", true},
};

FIXTURE_VARIANT_ADD(hot_why, why_ebusy_groups_held) {
	.row = { 10, 11, "vfio-pci", GROUP, true, hot_ebusy, -EBUSY,
	  "VFIO_DEVICE_PCI_HOT_RESET failed: Device or resource busy: a device of the reset "
	  "set is busy (memory lock contended, e.g. a concurrent mmap fault), retry", true},
};

FIXTURE_VARIANT_ADD(hot_why, why_ebusy_cdev) {
	.row = { 10, 11, "vfio-pci", CDEV, true, hot_ebusy, -EBUSY,
	  "VFIO_DEVICE_PCI_HOT_RESET failed: Device or resource busy: a device of the reset "
	  "set is busy (memory lock contended, e.g. a concurrent mmap fault), retry", true},
};

FIXTURE_VARIANT_ADD(hot_why, why_cdev_not_owned) {
	.row = { 10, 11, "vfio-pci", CDEV, false, NULL, -EINVAL,
	  "VFIO_DEVICE_PCI_HOT_RESET failed: Invalid argument: 0000:01:00.1 is not owned: "
	  "not opened in this iommufd context and no device of its IOMMU group is (or it is "
	  "not bound to vfio-pci)", true},
};

FIXTURE_VARIANT_ADD(hot_why, why_group_foreign_driver) {
	.row = { 10, 12, "nvme", GROUP, false, NULL, -EINVAL,
	  "VFIO_DEVICE_PCI_HOT_RESET failed: Invalid argument: 0000:01:00.1 is bound to nvme, "
	  "not vfio-pci, so it is outside the vfio device set", true},
};

FIXTURE_VARIANT_ADD(hot_why, why_cdev_foreign_unbound) {
	.row = { 10, 12, NULL, CDEV, false, NULL, -EINVAL,
	  "VFIO_DEVICE_PCI_HOT_RESET failed: Invalid argument: 0000:01:00.1 is not bound to "
	  "any driver, not vfio-pci, so it is outside the vfio device set", true},
};

FIXTURE_VARIANT_ADD(hot_why, why_einval_unexplained) {
	.row = { 10, 11, "vfio-pci", GROUP, false, hot_einval,
	  -EINVAL, "VFIO_DEVICE_PCI_HOT_RESET failed: Invalid argument: the kernel refused the "
	  "reset set although the plan found no blocker (group path, 1 group fd(s) opened for "
	  "it); a function of the slot/bus may have changed driver or owner, re-run plan", true},
};

FIXTURE_VARIANT_ADD(hot_why, why_other_errno) {
	.row = { 10, 11, "vfio-pci", CDEV, true, hot_eio, -EIO,
	  "VFIO_DEVICE_PCI_HOT_RESET failed: Input/output error", true},
};

FIXTURE_VARIANT_ADD(hot_why, why_group_busy_elsewhere) {
	.row = { 10, 11, "vfio-pci", GROUP, false, busy_group_11,
	  -EINVAL, "cannot prove ownership of IOMMU group 11 (0000:01:00.1): Device or resource "
	  "busy", false},
};

FIXTURE_VARIANT_ADD(hot_why, why_no_slot_or_bus) {
	.row = { 10, 11, "vfio-pci", CDEV, false, hot_no_scope, -ENODEV,
	  "no hot reset: neither a slot nor a bus reset is possible for this device", false},
};

FIXTURE_VARIANT_ADD(hot_why, why_no_iommu_group) {
	.row = { 10, -1, "vfio-pci", GROUP, false, NULL, -EPERM,
	  "no hot reset: a device in the reset scope has no IOMMU group (not isolated)", false},
};

FIXTURE_VARIANT_ADD(hot_why, why_info_churn) {
	.row = { 10, 11, "vfio-pci", CDEV, true, hot_churn, -EAGAIN,
	  "no hot reset: VFIO_DEVICE_GET_PCI_HOT_RESET_INFO failed: Resource temporarily "
	  "unavailable", false},
};

FIXTURE_VARIANT_ADD(hot_why, why_dead_after_reset) {
	.row = { 10, 11, "vfio-pci", CDEV, true, hot_dead, -EIO,
	  "device does not respond after reset (config reads all-ones)", true},
};


static void hot_case_run(struct __test_metadata *_metadata, const void *arg)
{
	const struct hot_case *c = arg;
	struct vfio_reset_result r;
	struct vfio_reset_dev *d0;
	struct fx f;
	int rc = 1;

	fx_slot(&f, c->g0, c->g1, c->drv1);
	if (c->setup)
		c->setup(&f);
	d0 = fx_open(&f, "0000:01:00.0", c->path);
	EXPECT_TRUE(d0 != NULL);
	if (c->open_peer)
		EXPECT_TRUE(fx_open(&f, "0000:01:00.1", c->path) != NULL);
	if (d0)
		rc = vfio_reset_hot(d0, &r, &f.err);
	EXPECT_TRUE(rc == c->rc && r.err == c->rc && f.err.err == c->rc);
	EXPECT_TRUE(!strcmp(f.err.msg, c->msg));
	EXPECT_TRUE(!strstr(f.err.msg, "not held") || c->rc != -EBUSY);
	EXPECT_TRUE((f.fake.hot_reset_calls == 1) == c->ioctl_called);
	EXPECT_TRUE(f.fake.open_group_fds == 0);	/* what was opened for it is closed */
	if (rc != c->rc || strcmp(f.err.msg, c->msg))
		fprintf(stderr, "  rc=%d msg=<%s>\n", rc, f.err.msg);
	fx_done(&f);
}

TEST_F(hot_why, message)
{
	hot_case_run(_metadata, &variant->row);
}

TEST(test_plan_errno_negative_everywhere)
{
	struct fx f;
	struct vfio_reset_plan p;
	struct vfio_reset_dev *d0;

	fx_slot(&f, 10, 11, "vfio-pci");
	f.fake.busy_groups[f.fake.n_busy_groups++] = 11;
	d0 = fx_open(&f, "0000:01:00.0", VFIO_RESET_PATH_GROUP);
	EXPECT_TRUE(d0 && vfio_reset_plan(d0, VFIO_RESET_PLAN_PROBE_GROUPS, &p, &f.err) == 0);
	if (d0) {
		EXPECT_TRUE(p.n_affected == 2 && p.affected[1].group_open_err == -EBUSY);
		EXPECT_TRUE(p.n_blockers == 1 && p.blockers[0].err == -EINVAL);
		EXPECT_TRUE(p.blockers[0].cause == VFIO_RESET_CAUSE_GROUP_NOT_HELD);
		EXPECT_TRUE(!strcmp(p.blockers[0].reason, "IOMMU group 11 (0000:01:00.1) is not held "
			      "by the caller and cannot be opened: Device or resource busy"));
		for (size_t i = 0; i < p.n_blockers; i++)
			EXPECT_TRUE(p.blockers[i].err <= 0);
		vfio_reset_plan_free(&p);
	}
	fx_done(&f);
}

TEST_HARNESS_MAIN
