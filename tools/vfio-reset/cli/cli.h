/* SPDX-License-Identifier: GPL-2.0 */
/* The CLI as a function, so unit tests can drive it with the fake backend. */
#ifndef VFIO_RESET_CLI_H
#define VFIO_RESET_CLI_H

#include <signal.h>
#include <stdio.h>
#include "vfio_reset_backend.h"

enum vfio_reset_exit {
	EXIT_VR_OK = 0,
	EXIT_VR_FAILED = 1,	/* an operation (ioctl, reset) failed */
	EXIT_VR_USAGE = 2,	/* bad command line */
	EXIT_VR_UNUSABLE = 3,	/* no device / not vfio-pci / group not viable / no cdev */
};

struct vfio_reset_cli_env {
	const struct vfio_reset_backend *backend;
	const struct vfio_reset_sys *sys;
	void *backend_priv;
	FILE *out, *err;
	volatile sig_atomic_t *stop;	/* set by SIGINT/SIGTERM: ends watch */
	int poll_ms;			/* watch poll period */
	void (*watch_ready)(void *arg);	/* test hook: subscriptions are live */
	void *watch_ready_arg;
	/* test hook: event seq (from 1) was printed; also gets watch_ready_arg */
	void (*watch_event)(void *arg, unsigned long seq);
};

/*
 * "<bdf>: <what> x<n>: median <M> ms, min <A> ms, max <B> ms" (3 decimals);
 * sorts ns[] in place.  Exposed for the unit tests.
 */
void vfio_reset_cli_latency_summary(FILE *out, const char *bdf, const char *what,
				    uint64_t *ns, size_t n);

int vfio_reset_cli_main(int argc, char **argv, const struct vfio_reset_cli_env *env);

#endif
