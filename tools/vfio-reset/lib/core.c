// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Context, device handles, error helpers and sysfs wrappers. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

int vfio_reset_set_err(struct vfio_reset_err *err, int negerr,
		       enum vfio_reset_err_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->err = negerr;
		err->kind = kind;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return negerr;
}

uint64_t vr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

unsigned int vfio_reset_version(void)
{
	return VFIO_RESET_VERSION_CODE;
}

#define STR2(x) #x
#define STR(x) STR2(x)

const char *vfio_reset_version_string(void)
{
	return STR(VFIO_RESET_VERSION_MAJOR) "." STR(VFIO_RESET_VERSION_MINOR) "."
	       STR(VFIO_RESET_VERSION_PATCH);
}

/* n hex digits at *p, advancing it; -1 unless exactly n of them */
static int hex_field(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	*p += n;
	return v;
}

/*
 * Accept "0000:01:00.0" and the lspci short form "01:00.0" (domain 0),
 * nothing else (no sign, no spaces, no missing or extra digits), and
 * always store the canonical long form that sysfs and the kernel use.
 */
int vfio_reset_parse_bdf(const char *in, char out[VFIO_RESET_BDF_LEN])
{
	const char *p = in;
	int seg = 0, bus, dev, fn;

	if (!in)
		return -EINVAL;
	/* long form iff the 5th character is the domain's ':' */
	if (strlen(in) == 12) {
		seg = hex_field(&p, 4);
		if (seg < 0 || *p++ != ':')
			return -EINVAL;
	} else if (strlen(in) != 7) {
		return -EINVAL;
	}
	bus = hex_field(&p, 2);
	if (bus < 0 || *p++ != ':')
		return -EINVAL;
	dev = hex_field(&p, 2);
	if (dev < 0 || *p++ != '.')
		return -EINVAL;
	fn = *p >= '0' && *p <= '7' ? *p++ - '0' : -1;
	if (fn < 0 || *p != '\0' || dev > 0x1f)
		return -EINVAL;
	vfio_reset_format_bdf(out, (uint16_t)seg, (uint8_t)bus,
			      (uint8_t)((dev << 3) | fn));
	return 0;
}

void vfio_reset_format_bdf(char out[VFIO_RESET_BDF_LEN], uint16_t seg,
			   uint8_t bus, uint8_t devfn)
{
	snprintf(out, VFIO_RESET_BDF_LEN, "%04x:%02x:%02x.%u", seg, bus,
		 devfn >> 3, devfn & 7u);
}

/* vfio-pci itself and vfio-pci-core variant drivers (mlx5_vfio_pci, ...) */
bool vfio_reset_driver_is_vfio(const char *driver)
{
	return driver && (strcmp(driver, "vfio-pci") == 0 ||
			  strstr(driver, "vfio") != NULL);
}

int vr_sys_link(struct vfio_reset_ctx *ctx, const char *bdf, const char *link,
		char *buf, size_t len)
{
	if (!ctx->sys || !ctx->sys->dev_link)
		return -ENOSYS;
	return ctx->sys->dev_link(ctx->sys->priv, bdf, link, buf, len);
}

int vr_sys_attr(struct vfio_reset_ctx *ctx, const char *bdf, const char *attr,
		char *buf, size_t len)
{
	if (!ctx->sys || !ctx->sys->dev_attr)
		return -ENOSYS;
	return ctx->sys->dev_attr(ctx->sys->priv, bdf, attr, buf, len);
}

int vr_sys_dir_entry(struct vfio_reset_ctx *ctx, const char *bdf,
		     const char *dir, char *buf, size_t len)
{
	if (!ctx->sys || !ctx->sys->dev_dir_entry)
		return -ENOSYS;
	return ctx->sys->dev_dir_entry(ctx->sys->priv, bdf, dir, buf, len);
}

int vr_sys_dev_exists(struct vfio_reset_ctx *ctx, const char *bdf)
{
	if (!ctx->sys || !ctx->sys->dev_exists)
		return 0;
	return ctx->sys->dev_exists(ctx->sys->priv, bdf);
}

int vr_sys_node_exists(struct vfio_reset_ctx *ctx, const char *path)
{
	if (!ctx->sys || !ctx->sys->node_exists)
		return 0;
	return ctx->sys->node_exists(ctx->sys->priv, path);
}

struct vfio_reset_ctx *vfio_reset_ctx_new_default(void)
{
	return vfio_reset_ctx_new(&vfio_reset_backend_kernel, &vfio_reset_sys_host, NULL);
}

struct vfio_reset_ctx *vfio_reset_ctx_new(const struct vfio_reset_backend *backend,
					  const struct vfio_reset_sys *sys,
					  void *backend_priv)
{
	struct vfio_reset_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->backend = backend;
	ctx->sys = sys;
	ctx->backend_priv = backend_priv;
	ctx->container_fd = -1;
	ctx->iommufd = -1;
	return ctx;
}

void vfio_reset_ctx_free(struct vfio_reset_ctx *ctx)
{
	if (!ctx)
		return;
	while (ctx->n_devs)
		vfio_reset_close(ctx->devs[ctx->n_devs - 1]);
	if (ctx->backend && ctx->backend->ctx_destroy)
		ctx->backend->ctx_destroy(ctx);
	free(ctx);
}

void *vfio_reset_ctx_backend_priv(struct vfio_reset_ctx *ctx)
{
	return ctx->backend_priv;
}

const struct vfio_reset_sys *vfio_reset_ctx_sys(struct vfio_reset_ctx *ctx)
{
	return ctx->sys;
}

enum vfio_reset_path vfio_reset_default_path(struct vfio_reset_ctx *ctx,
					     const char *bdf)
{
	char name[32];

	if (vr_sys_node_exists(ctx, "/dev/iommu") > 0 &&
	    vr_sys_dir_entry(ctx, bdf, "vfio-dev", name, sizeof(name)) >= 0)
		return VFIO_RESET_PATH_CDEV;
	return VFIO_RESET_PATH_GROUP;
}

const char *vfio_reset_dev_bdf(const struct vfio_reset_dev *dev)
{
	return dev->bdf;
}

enum vfio_reset_path vfio_reset_dev_path(const struct vfio_reset_dev *dev)
{
	return dev->path;
}

int vfio_reset_ctx_group_fd(struct vfio_reset_ctx *ctx, uint32_t group_id)
{
	for (size_t i = 0; i < ctx->n_devs; i++)
		if (ctx->devs[i]->group_fd >= 0 &&
		    ctx->devs[i]->group_id == (int64_t)group_id)
			return ctx->devs[i]->group_fd;
	return -1;
}

/* a context's devices are all adopted or all opened by the library */
static int check_ctx_kind(struct vfio_reset_ctx *ctx, bool adopting,
			  struct vfio_reset_err *err)
{
	if (ctx->n_devs && ctx->devs[0]->adopted != adopting)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "this context holds %s devices: %s devices in another context",
					  adopting ? "library-opened" : "adopted",
					  adopting ? "adopt" : "open");
	if (ctx->n_devs == VFIO_RESET_CTX_MAX_DEVS)
		return vfio_reset_set_err(err, -EMFILE, VFIO_RESET_ERR_GENERIC,
					  "too many open devices");
	return 0;
}

struct vfio_reset_dev *vr_ctx_dev(struct vfio_reset_ctx *ctx, const char *bdf)
{
	for (size_t i = 0; i < ctx->n_devs; i++)
		if (strcmp(ctx->devs[i]->bdf, bdf) == 0)
			return ctx->devs[i];
	return NULL;
}

static int check_not_open(struct vfio_reset_ctx *ctx, const char *bdf,
			  struct vfio_reset_err *err)
{
	if (vr_ctx_dev(ctx, bdf))
		return vfio_reset_set_err(err, -EBUSY, VFIO_RESET_ERR_GENERIC,
					  "device already open in this context");
	return 0;
}

static int bad_bdf(const char *bdf, struct vfio_reset_err *err)
{
	return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
				  "'%s' is not a PCI address (expected DDDD:BB:DD.F or BB:DD.F, hex)",
				  bdf);
}

static struct vfio_reset_dev *new_dev(struct vfio_reset_ctx *ctx, const char *canon,
				      struct vfio_reset_err *err)
{
	struct vfio_reset_dev *dev = calloc(1, sizeof(*dev));

	if (!dev) {
		vfio_reset_set_err(err, -ENOMEM, VFIO_RESET_ERR_GENERIC, "out of memory");
		return NULL;
	}
	dev->ctx = ctx;
	if (canon)
		memcpy(dev->bdf, canon, VFIO_RESET_BDF_LEN);
	dev->device_fd = -1;
	dev->group_fd = -1;
	dev->group_id = -1;
	dev->kreset_fd = -1;
	dev->err_fd = -1;
	return dev;
}

int vfio_reset_open(struct vfio_reset_ctx *ctx, const char *bdf,
		    enum vfio_reset_path path, struct vfio_reset_dev **out,
		    struct vfio_reset_err *err)
{
	struct vfio_reset_dev *dev;
	char canon[VFIO_RESET_BDF_LEN];
	int ret;

	*out = NULL;
	if (vfio_reset_parse_bdf(bdf, canon) < 0)
		return bad_bdf(bdf, err);
	ret = check_not_open(ctx, canon, err);
	if (ret == 0)
		ret = check_ctx_kind(ctx, false, err);
	if (ret < 0)
		return ret;
	dev = new_dev(ctx, canon, err);
	if (!dev)
		return -ENOMEM;
	dev->path = path == VFIO_RESET_PATH_AUTO ?
		    vfio_reset_default_path(ctx, canon) : path;
	ret = ctx->backend->open_device(ctx, dev, err);
	if (ret < 0) {
		free(dev);
		return ret;
	}
	ctx->devs[ctx->n_devs++] = dev;
	*out = dev;
	return 0;
}

int vfio_reset_adopt(struct vfio_reset_ctx *ctx, const char *bdf,
		     const struct vfio_reset_adopt_fds *fds,
		     struct vfio_reset_dev **out, struct vfio_reset_err *err)
{
	struct vfio_reset_dev *dev;
	char canon[VFIO_RESET_BDF_LEN];
	int ret;

	*out = NULL;
	if (bdf && vfio_reset_parse_bdf(bdf, canon) < 0)
		return bad_bdf(bdf, err);
	if (!fds || fds->device_fd < 0)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "no device fd to adopt (device_fd %d)",
					  fds ? fds->device_fd : -1);
	if ((fds->group_fd >= 0) == (fds->iommufd >= 0))
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "pass exactly one of group_fd (group path, now %d) and "
					  "iommufd (cdev path, now %d)", fds->group_fd, fds->iommufd);
	if (fds->iommufd >= 0 && fds->container_fd >= 0)
		return vfio_reset_set_err(err, -EINVAL, VFIO_RESET_ERR_GENERIC,
					  "container_fd %d given on the cdev path (iommufd %d)",
					  fds->container_fd, fds->iommufd);
	ret = check_ctx_kind(ctx, true, err);
	if (ret == 0 && bdf)
		ret = check_not_open(ctx, canon, err);
	if (ret < 0)
		return ret;
	if (!ctx->backend->adopt_device)
		return vfio_reset_set_err(err, -ENOTSUP, VFIO_RESET_ERR_GENERIC,
					  "backend '%s' cannot adopt fds", ctx->backend->name);
	dev = new_dev(ctx, bdf ? canon : NULL, err);
	if (!dev)
		return -ENOMEM;
	dev->adopted = true;
	dev->path = fds->group_fd >= 0 ? VFIO_RESET_PATH_GROUP : VFIO_RESET_PATH_CDEV;
	ret = ctx->backend->adopt_device(ctx, dev, fds, err);
	/* a bdf learnt from the fd may name a device adopted already */
	if (ret == 0 && !bdf)
		ret = check_not_open(ctx, dev->bdf, err);
	if (ret < 0) {
		free(dev);
		return ret;
	}
	ctx->devs[ctx->n_devs++] = dev;
	*out = dev;
	return 0;
}

bool vfio_reset_dev_adopted(const struct vfio_reset_dev *dev)
{
	return dev->adopted;
}

void vfio_reset_close(struct vfio_reset_dev *dev)
{
	struct vfio_reset_ctx *ctx;

	if (!dev)
		return;
	/* while the device fd is still open: disarm, close the library's fd */
	vr_kernel_reset_release(dev);
	vr_err_release(dev);
	ctx = dev->ctx;
	for (size_t i = 0; i < ctx->n_devs; i++) {
		if (ctx->devs[i] == dev) {
			memmove(&ctx->devs[i], &ctx->devs[i + 1],
				(ctx->n_devs - i - 1) * sizeof(ctx->devs[0]));
			ctx->n_devs--;
			break;
		}
	}
	/* after unlinking, so the backend can see whether the group is shared */
	if (dev->ops && dev->ops->close)
		dev->ops->close(dev);
	free(dev);
}
