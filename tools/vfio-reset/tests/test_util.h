/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the unit and fuzz tests: a strict JSON checker, an fd count. */
#ifndef VFIO_RESET_TESTS_TEST_UTIL_H
#define VFIO_RESET_TESTS_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* s (strlen len) is exactly one JSON value of kind '[' or '{', then whitespace */
bool json_doc(const char *s, size_t len, char kind);
/* every line of s is one JSON object (watch --json); *n_lines counts them */
bool json_lines(const char *s, size_t *n_lines);
/* open fds of this process (leak checks), -1 if /proc is not there */
int open_fds(void);

#endif
