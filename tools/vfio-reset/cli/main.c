// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include "cli.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct vfio_reset_cli_env env = {
		.backend = &vfio_reset_backend_kernel,
		.sys = &vfio_reset_sys_host,
		.out = stdout,
		.err = stderr,
		.stop = &stop_requested,
		.poll_ms = 250,
	};

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return vfio_reset_cli_main(argc, argv, &env);
}
