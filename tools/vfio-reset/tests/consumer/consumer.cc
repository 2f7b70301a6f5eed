// SPDX-License-Identifier: GPL-2.0
// The C++ side: links only if the header's extern "C" guards are right.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vfio_reset.h>

int main(int argc, char **argv)
{
	char bdf[VFIO_RESET_BDF_LEN];
	vfio_reset_err err = {};
	vfio_reset_dev *dev = nullptr;
	vfio_reset_ctx *ctx = vfio_reset_ctx_new_default();
	int ret;

	if (argc != 2 || std::strcmp(argv[1], vfio_reset_version_string()) != 0 || !ctx)
		return 1;
	if (vfio_reset_parse_bdf("0000:01:00.1", bdf) != 0 || std::strcmp(bdf, "0000:01:00.1"))
		return 1;
	ret = vfio_reset_open(ctx, "ffff:ff:1f.7", VFIO_RESET_PATH_AUTO, &dev, &err);
	vfio_reset_ctx_free(ctx);
	if (ret != -ENODEV || err.kind != VFIO_RESET_ERR_NOT_FOUND) {
		std::fprintf(stderr, "cxx-consumer: %d %s\n", ret, err.msg);
		return 1;
	}
	return 0;
}
