/* SPDX-License-Identifier: GPL-2.0 */
/* A strict RFC 8259 checker for what the CLI prints (unit and fuzz tests). */
#ifndef VFIO_RESET_TESTS_JSON_CHECK_H
#define VFIO_RESET_TESTS_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* s (strlen len) is exactly one JSON value of kind '[' or '{', then whitespace */
bool json_doc(const char *s, size_t len, char kind);
/* every line of s is one JSON object (watch --json); *n_lines counts them */
bool json_lines(const char *s, size_t *n_lines);

#endif
