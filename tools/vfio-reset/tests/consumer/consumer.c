// SPDX-License-Identifier: GPL-2.0
/* A minimal VMM-side consumer, built against the installed library only. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vfio_reset.h>

/* the kernel-reset API needs no uapi header: the library's own types */
typedef int (*subscribe_fn)(struct vfio_reset_dev *, int, struct vfio_reset_err *);
typedef int (*status_fn)(struct vfio_reset_dev *, struct vfio_reset_kernel_reset_status *,
			 struct vfio_reset_err *);
typedef int (*unsubscribe_fn)(struct vfio_reset_dev *, struct vfio_reset_err *);
typedef int (*probe_fn)(struct vfio_reset_dev *);

static int kernel_reset_api(void)
{
	volatile subscribe_fn sub = vfio_reset_subscribe_kernel_reset;
	volatile status_fn st = vfio_reset_kernel_reset_status;
	volatile unsubscribe_fn unsub = vfio_reset_unsubscribe_kernel_reset;
	volatile probe_fn probe = vfio_reset_probe_kernel_reset;
	struct vfio_reset_kernel_reset_status s = { .flags = VFIO_RESET_KERNEL_RESET_ACTIVE,
						    .last = VFIO_RESET_KERNEL_RESET_RESTORED };

	return sub && st && unsub && probe && s.started == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct vfio_reset_err err = { 0 };
	struct vfio_reset_ctx *ctx;
	struct vfio_reset_dev *dev;
	char bdf[VFIO_RESET_BDF_LEN];
	int ret;

	if (argc != 2 || strcmp(argv[1], vfio_reset_version_string()) != 0 ||
	    vfio_reset_version() != VFIO_RESET_VERSION_CODE) {
		fprintf(stderr, "consumer: version mismatch: %s\n", vfio_reset_version_string());
		return 1;
	}
	if (vfio_reset_parse_bdf("3a:1f.7", bdf) != 0 || strcmp(bdf, "0000:3a:1f.7") != 0 ||
	    vfio_reset_parse_bdf("+1:00.0", bdf) != -EINVAL) {
		fprintf(stderr, "consumer: vfio_reset_parse_bdf misbehaves\n");
		return 1;
	}
	if (kernel_reset_api() != 0)
		return 1;
	ctx = vfio_reset_ctx_new_default();
	if (!ctx)
		return 1;
	/* no such device on any host: a negative errno and a message */
	ret = vfio_reset_open(ctx, "ffff:ff:1f.7", VFIO_RESET_PATH_GROUP, &dev, &err);
	vfio_reset_ctx_free(ctx);
	if (ret >= 0 || err.err != ret || err.kind != VFIO_RESET_ERR_NOT_FOUND || !err.msg[0]) {
		fprintf(stderr, "consumer: open of a missing device: %d %s\n", ret, err.msg);
		return 1;
	}
	return 0;
}
