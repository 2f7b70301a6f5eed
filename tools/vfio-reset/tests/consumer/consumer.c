// SPDX-License-Identifier: GPL-2.0
/* A minimal VMM-side consumer, built against the installed library only. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vfio_reset.h>

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
