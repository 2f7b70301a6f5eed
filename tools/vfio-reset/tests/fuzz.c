// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the text the library and the CLI take from users:
 * the BDF parser, and whole CLI command lines run on the fake backend.
 * The first input byte picks which (odd: BDF), the rest is the input; a
 * command line is split at spaces, newlines and NULs.
 *
 * Invariants (a violation aborts, which libFuzzer reports as a crash):
 * - BDF: 0 or -EINVAL; on 0 the output is the 12-character canonical form,
 *   parses back to itself, and equals the input up to case and the
 *   "0000:" of the short form.
 * - CLI: the exit code is 0..3; a usage error (2) prints nothing on
 *   stdout; with --json whatever reaches stdout is one valid JSON array
 *   (unless help, -h, --help or --version asked for text); no fd is left
 *   open.
 * "watch" (runs until a signal) and "--repeat" (up to 100000 resets) are
 * left out: their output is covered by the unit tests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "test_util.h"
#include "vfio_reset.h"
#include "vfio_reset_fake.h"

#define MAX_ARGS 16
#define MAX_LINE 512

#define require(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz: invariant broken: %s\n", #cond); abort(); } } while (0)

static void fuzz_bdf(const uint8_t *data, size_t size)
{
	char in[64], out[VFIO_RESET_BDF_LEN], again[VFIO_RESET_BDF_LEN];
	int ret;

	if (size >= sizeof(in))
		return;
	memcpy(in, data, size);
	in[size] = '\0';
	ret = vfio_reset_parse_bdf(in, out);
	require(ret == 0 || ret == -EINVAL);
	if (ret)
		return;
	require(strlen(out) == 12);
	require(vfio_reset_parse_bdf(out, again) == 0 && !strcmp(out, again));
	require(!strcasecmp(in, strlen(in) == 7 ? out + 5 : out));
}

static void fuzz_cli(const uint8_t *data, size_t size)
{
	char line[MAX_LINE], *argv[MAX_ARGS + 2], *out = NULL, *err = NULL;
	struct vfio_reset_sys sys = vfio_reset_sys_fake_template;
	volatile sig_atomic_t stop = 1;
	struct vfio_fake_device *d0, *d1;
	struct vfio_fake fake;
	struct vfio_reset_cli_env env = {
		.backend = &vfio_reset_backend_fake, .sys = &sys, .backend_priv = &fake,
		.stop = &stop, .poll_ms = 1,
	};
	size_t out_len = 0, err_len = 0;
	bool json = false, help = false;
	int argc = 1, fds = open_fds(), rc;
	FILE *fout, *ferr;

	if (size >= sizeof(line))
		return;
	memcpy(line, data, size);
	line[size] = '\0';
	argv[0] = "vfio-reset";
	for (size_t i = 0; i < size; i++)
		if (line[i] == ' ' || line[i] == '\n')
			line[i] = '\0';
	for (size_t i = 0; i < size && argc <= MAX_ARGS; i++) {
		if (line[i] && (i == 0 || !line[i - 1])) {
			argv[argc] = &line[i];
			if (strstr(argv[argc], "watch") || strstr(argv[argc], "repeat"))
				return;
			json = json || !strcmp(argv[argc], "--json");
			/* text asked for, in any position, wins over --json */
			help = help || !strcmp(argv[argc], "-h") || !strcmp(argv[argc], "help") ||
			       !strcmp(argv[argc], "--help") || !strcmp(argv[argc], "--version");
			argc++;
		}
	}
	argv[argc] = NULL;

	/* a two-function slot, one IOMMU group each, cdev and group paths */
	vfio_fake_init(&fake);
	d0 = vfio_fake_add(&fake, "0000:01:00.0", "vfio-pci", 10);
	d1 = vfio_fake_add(&fake, "0000:01:00.1", "vfio-pci", 11);
	d0->scope[0] = d1->scope[0] = "0000:01:00.0";
	d0->scope[1] = d1->scope[1] = "0000:01:00.1";
	d0->kernel_reset = true;
	sys.priv = &fake;
	fout = open_memstream(&out, &out_len);
	ferr = open_memstream(&err, &err_len);
	require(fout && ferr);
	env.out = fout;
	env.err = ferr;
	rc = vfio_reset_cli_main(argc, argv, &env);
	fclose(fout);
	fclose(ferr);
	require(rc >= 0 && rc <= 3);
	require(rc != EXIT_VR_USAGE || out_len == 0);
	if (json && !help && rc != EXIT_VR_USAGE && out_len)
		require(json_doc(out, out_len, '['));
	require(open_fds() == fds);
	free(out);
	free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_bdf(data + 1, size - 1);
	else
		fuzz_cli(data + 1, size - 1);
	return 0;
}
