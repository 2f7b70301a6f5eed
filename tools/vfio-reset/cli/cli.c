// SPDX-License-Identifier: GPL-2.0
/* vfio-reset command line: plan, reset, hot-reset, watch. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_BDFS 32

static const char usage_text[] =
"usage: vfio-reset [--cdev|--group] <command> [options] BDF...\n"
"\n"
"commands:\n"
"  plan BDF...        show which resets would be used, the devices they affect\n"
"                     and what blocks them (--json for machine output)\n"
"  reset BDF          function-level reset (VFIO_DEVICE_RESET)\n"
"  hot-reset BDF...   slot/bus reset (VFIO_DEVICE_PCI_HOT_RESET) through the first\n"
"                     BDF; list every affected function you want to own (cdev)\n"
"  watch BDF...       print timestamped events until interrupted or --count N\n"
"                     events were seen: \"error\" (AER, the ERR eventfd) and\n"
"                     \"kernel-reset\" (a reset by another kernel user started or\n"
"                     ended: one per wake-up, with the status read after it)\n"
"\n"
"options:\n"
"  --cdev             open through /dev/vfio/devices + /dev/iommu (iommufd)\n"
"  --group            open through /dev/vfio/<group> + type1 container\n"
"                     default: cdev when /dev/iommu and vfio-dev/ exist, else group\n"
"  --json             plan: one JSON array, an object per device (errors too);\n"
"                     watch: one JSON object per line, per event, in order\n"
"  --count N          watch: stop after N events\n"
"  --repeat N         reset, hot-reset: reset N times (default 1), one line per\n"
"                     run, then \"<bdf>: <reset|hot-reset> x<N>: median <M> ms,\n"
"                     min <A> ms, max <B> ms\" (time of the reset ioctl)\n"
"  -h, --help         this text\n"
"  --version          print the CLI and library versions\n"
"\n"
"examples:\n"
"  vfio-reset plan 0000:01:00.0 0000:01:00.1\n"
"  vfio-reset --group plan --json 01:00.0\n"
"  vfio-reset reset 0000:02:00.0\n"
"  vfio-reset --cdev hot-reset 0000:01:00.0 0000:01:00.1\n"
"  vfio-reset reset --repeat 20 0000:02:00.0\n"
"  vfio-reset watch --count 1 0000:01:00.0\n"
"  vfio-reset watch --json 0000:01:00.0\n"
"\n"
"exit codes:\n"
"  0  success (plan: plan computed, even if it lists blockers)\n"
"  1  operation failed (ioctl error, reset failed or blocked)\n"
"  2  usage error\n"
"  3  device unusable: no such device, not bound to vfio-pci, IOMMU group\n"
"     not viable, or no cdev/iommufd support for --cdev\n";

struct cli {
	const struct vfio_reset_cli_env *env;
	enum vfio_reset_path path;
	bool json;
	long count;
	long repeat;		/* 0: not given */
	bool version;
	const char *cmd;
	const char *bdfs[MAX_BDFS];
	size_t n_bdfs;
	struct vfio_reset_ctx *ctx;
	struct vfio_reset_dev *devs[MAX_BDFS];
};

static int usage_error(struct cli *c, const char *fmt, const char *arg)
{
	fprintf(c->env->err, "vfio-reset: ");
	fprintf(c->env->err, fmt, arg);
	fprintf(c->env->err, "\nTry 'vfio-reset --help'.\n");
	return EXIT_VR_USAGE;
}

static int exit_for(const struct vfio_reset_err *e)
{
	return e->kind == VFIO_RESET_ERR_GENERIC ? EXIT_VR_FAILED : EXIT_VR_UNUSABLE;
}

static void report(struct cli *c, const char *bdf, const struct vfio_reset_err *e)
{
	fprintf(c->env->err, "vfio-reset: %s: %s\n", bdf, e->msg);
}

/*
 * "--name N" or "--name=N" at argv[*i]: 1 if this is that option (value in
 * *val, 1..max), 0 if not, or the usage exit code.
 */
static int parse_num_opt(struct cli *c, const char *name, long max, int argc,
			 char **argv, int *i, long *val)
{
	const char *a = argv[*i], *v;
	size_t len = strlen(name);
	char *end;
	long n;

	if (strncmp(a, name, len) != 0 || (a[len] != '\0' && a[len] != '='))
		return 0;
	v = a[len] == '=' ? a + len + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
	if (!v) {
		fprintf(c->env->err, "vfio-reset: %s needs a number\n"
			"Try 'vfio-reset --help'.\n", name);
		return -EXIT_VR_USAGE;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n <= 0 || n > max) {
		fprintf(c->env->err, "vfio-reset: invalid %s '%s' (want 1..%ld)\n"
			"Try 'vfio-reset --help'.\n", name, v, max);
		return -EXIT_VR_USAGE;
	}
	*val = n;
	return 1;
}

#define MAX_COUNT LONG_MAX
#define MAX_REPEAT 100000L

static int parse_args(struct cli *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (strcmp(a, "--cdev") == 0 || strcmp(a, "--group") == 0) {
			enum vfio_reset_path p = a[2] == 'c' ? VFIO_RESET_PATH_CDEV :
					 VFIO_RESET_PATH_GROUP;

			if (c->path != VFIO_RESET_PATH_AUTO && c->path != p)
				return usage_error(c, "%s", "--cdev and --group are exclusive");
			c->path = p;
		} else if (strcmp(a, "--json") == 0) {
			c->json = true;
		} else if ((r = parse_num_opt(c, "--count", MAX_COUNT, argc, argv,
					      &i, &c->count)) != 0 ||
			   (r = parse_num_opt(c, "--repeat", MAX_REPEAT, argc, argv,
					      &i, &c->repeat)) != 0) {
			if (r < 0)
				return -r;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			c->cmd = "help";
		} else if (strcmp(a, "--version") == 0) {
			c->version = true;
		} else if (a[0] == '-' && a[1]) {
			return usage_error(c, "unknown option '%s'", a);
		} else if (!c->cmd) {
			c->cmd = a;
		} else {
			if (c->n_bdfs == MAX_BDFS)
				return usage_error(c, "%s", "too many devices");
			c->bdfs[c->n_bdfs++] = a;
		}
	}
	return EXIT_VR_OK;
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", *s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static const char *err_kind_name(enum vfio_reset_err_kind k)
{
	switch (k) {
	case VFIO_RESET_ERR_GENERIC: return "failed";
	case VFIO_RESET_ERR_NOT_FOUND: return "not-found";
	case VFIO_RESET_ERR_NOT_VFIO: return "not-vfio";
	case VFIO_RESET_ERR_GROUP_NOT_VIABLE: return "group-not-viable";
	case VFIO_RESET_ERR_NO_CDEV: return "no-cdev";
	}
	return "failed";
}

static const char *errname(int err);

/* "\"error\":{...}" members of an error object */
static void json_error_member(FILE *out, const struct vfio_reset_err *e)
{
	fprintf(out, "\"error\":{\"errno\":%d,\"errno_name\":\"%s\",\"kind\":\"%s\",\"message\":",
		e->err, errname(e->err), err_kind_name(e->kind));
	json_str(out, e->msg);
	fputc('}', out);
}

/* {"bdf":...,"error":{...}}: what plan --json and watch --json print for a failure */
static void print_error_json(FILE *out, const char *bdf, const struct vfio_reset_err *e)
{
	fputs("{\"bdf\":", out);
	if (bdf)
		json_str(out, bdf);
	else
		fputs("null", out);
	fputc(',', out);
	json_error_member(out, e);
	fputc('}', out);
}

static int open_all(struct cli *c)
{
	struct vfio_reset_err e = { 0 };
	char canon[VFIO_RESET_BDF_LEN];
	enum vfio_reset_path path = c->path;

	for (size_t i = 0; i < c->n_bdfs; i++)
		if (vfio_reset_parse_bdf(c->bdfs[i], canon) < 0)
			return usage_error(c, "'%s' is not a PCI address (DDDD:BB:DD.F or BB:DD.F, hex)",
					   c->bdfs[i]);
	c->ctx = vfio_reset_ctx_new(c->env->backend, c->env->sys, c->env->backend_priv);
	if (!c->ctx)
		return EXIT_VR_FAILED;
	/* one path for the whole context: ownership needs one iommufd/container */
	if (path == VFIO_RESET_PATH_AUTO) {
		vfio_reset_parse_bdf(c->bdfs[0], canon);
		path = vfio_reset_default_path(c->ctx, canon);
	}
	for (size_t i = 0; i < c->n_bdfs; i++) {
		if (vfio_reset_open(c->ctx, c->bdfs[i], path, &c->devs[i], &e) < 0) {
			vfio_reset_parse_bdf(c->bdfs[i], canon);
			report(c, canon, &e);
			if (c->json) {	/* stdout stays one valid JSON document */
				bool plan = strcmp(c->cmd, "plan") == 0;

				fputs(plan ? "[" : "", c->env->out);
				print_error_json(c->env->out, canon, &e);
				fputs(plan ? "]\n" : "\n", c->env->out);
			}
			return exit_for(&e);
		}
	}
	return EXIT_VR_OK;
}

/* symbolic name of a negative errno, for plan and JSON output */
static const char *errname(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ 0, "note" },
		{ -EINVAL, "EINVAL" }, { -ENODEV, "ENODEV" }, { -EPERM, "EPERM" },
		{ -EBUSY, "EBUSY" }, { -ENOSPC, "ENOSPC" }, { -EAGAIN, "EAGAIN" },
		{ -ENOTTY, "ENOTTY" }, { -ENOENT, "ENOENT" }, { -EIO, "EIO" },
		{ -EFAULT, "EFAULT" }, { -ENOTSUP, "ENOTSUP" }, { -EPROTO, "EPROTO" },
		{ -ENOMEM, "ENOMEM" }, { -EBADF, "EBADF" }, { -EACCES, "EACCES" },
		{ -ENXIO, "ENXIO" }, { -EMFILE, "EMFILE" }, { -ENOSYS, "ENOSYS" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "errno";
}

static const char *path_name(enum vfio_reset_path p)
{
	return p == VFIO_RESET_PATH_CDEV ? "cdev" : p == VFIO_RESET_PATH_GROUP ? "group" : "auto";
}

#define COLS 5

/* one row of the affected-devices table, already formatted */
struct row { char cell[COLS][40]; };

static void fill_row(struct row *r, const struct vfio_reset_affected *a)
{
	snprintf(r->cell[0], sizeof(r->cell[0]), "%s", a->bdf);
	if (a->has_group_id)
		snprintf(r->cell[1], sizeof(r->cell[1]), "%u", a->group_id);
	else
		snprintf(r->cell[1], sizeof(r->cell[1]), "-");
	if (!a->has_devid)
		snprintf(r->cell[2], sizeof(r->cell[2]), "-");
	else if (a->ownership == VFIO_RESET_NOT_OWNED)
		snprintf(r->cell[2], sizeof(r->cell[2]), "-1");
	else
		snprintf(r->cell[2], sizeof(r->cell[2]), "%u", a->devid);
	snprintf(r->cell[3], sizeof(r->cell[3]), "%s", vfio_reset_ownership_name(a->ownership));
	snprintf(r->cell[4], sizeof(r->cell[4]), "%s",
		 !a->driver_known ? "?" : a->driver[0] ? a->driver : "(none)");
}

static void print_plan_table(FILE *out, const struct vfio_reset_plan *p)
{
	static const char *const hdr[COLS] = { "DEVICE", "GROUP", "DEVID", "OWNERSHIP", "DRIVER" };
	size_t width[COLS];
	struct row *rows = calloc(p->n_affected + 1, sizeof(*rows));

	if (!rows)
		return;
	fprintf(out, "%s  path: %s\n", p->bdf, path_name(p->path));
	if (p->function_reset)
		fprintf(out, "  function reset: yes, VFIO_DEVICE_RESET via %s (reset_method: %s)\n",
			p->function_method[0] ? p->function_method : "?",
			p->methods_known ? p->reset_methods : "unknown");
	else
		fprintf(out, "  function reset: no\n");
	if (p->hot_info_err)
		fprintf(out, "  hot reset: no\n");
	else
		fprintf(out, "  hot reset: %s, %zu device(s) affected\n",
			p->hot_reset ? "yes" : "blocked", p->n_affected);

	for (int c = 0; c < COLS; c++)
		width[c] = strlen(hdr[c]);
	for (size_t i = 0; i < p->n_affected; i++) {
		fill_row(&rows[i], &p->affected[i]);
		for (int c = 0; c < COLS; c++)
			if (strlen(rows[i].cell[c]) > width[c])
				width[c] = strlen(rows[i].cell[c]);
	}
	if (p->n_affected) {
		fputs("   ", out);
		for (int c = 0; c < COLS; c++)
			fprintf(out, " %-*s", c == COLS - 1 ? 0 : (int)width[c], hdr[c]);
		fputc('\n', out);
		for (size_t i = 0; i < p->n_affected; i++) {
			fputs("   ", out);
			for (int c = 0; c < COLS; c++)
				fprintf(out, " %-*s", c == COLS - 1 ? 0 : (int)width[c],
					rows[i].cell[c]);
			fputc('\n', out);
		}
	}
	for (size_t i = 0; i < p->n_blockers; i++) {
		const struct vfio_reset_blocker *b = &p->blockers[i];

		fprintf(out, "  %s %s: %s: %s\n", b->err ? "blocker" : "note",
			b->kind == VFIO_RESET_HOT ? "hot-reset" : "reset",
			errname(b->err), b->reason);
	}
	free(rows);
}

static const char *cause_name(enum vfio_reset_cause cause)
{
	switch (cause) {
	case VFIO_RESET_CAUSE_NOTE: return "note";
	case VFIO_RESET_CAUSE_NO_FUNCTION_RESET: return "no-function-reset";
	case VFIO_RESET_CAUSE_NO_SLOT_OR_BUS: return "no-slot-or-bus-reset";
	case VFIO_RESET_CAUSE_NO_IOMMU_GROUP: return "no-iommu-group";
	case VFIO_RESET_CAUSE_INFO_FAILED: return "hot-reset-info-failed";
	case VFIO_RESET_CAUSE_PATH_MISMATCH: return "path-mismatch";
	case VFIO_RESET_CAUSE_NOT_VFIO: return "not-vfio";
	case VFIO_RESET_CAUSE_NOT_OWNED: return "not-owned";
	case VFIO_RESET_CAUSE_GROUP_NOT_HELD: return "group-not-held";
	case VFIO_RESET_CAUSE_NO_OWNED_FLAG: return "no-owned-flag";
	}
	return "?";
}

static void print_plan_json(FILE *out, const struct vfio_reset_plan *p)
{
	fprintf(out, "{\"bdf\":");
	json_str(out, p->bdf);
	fprintf(out, ",\"path\":\"%s\",\"info_flags\":%u,", path_name(p->path), p->info_flags);
	fprintf(out, "\"function_reset\":{\"available\":%s,\"method\":",
		p->function_reset ? "true" : "false");
	if (p->function_method[0])
		json_str(out, p->function_method);
	else
		fputs("null", out);
	fputs(",\"reset_methods\":", out);
	if (p->methods_known)
		json_str(out, p->reset_methods);
	else
		fputs("null", out);
	fprintf(out, "},\"hot_reset\":{\"available\":%s,\"info_errno\":%d,\"flags\":%u,"
		"\"uses_devid\":%s,\"affected\":[",
		p->hot_reset ? "true" : "false", p->hot_info_err, p->hot_flags,
		vfio_reset_plan_uses_devid(p) ? "true" : "false");
	for (size_t i = 0; i < p->n_affected; i++) {
		const struct vfio_reset_affected *a = &p->affected[i];

		fprintf(out, "%s{\"bdf\":", i ? "," : "");
		json_str(out, a->bdf);
		if (a->has_group_id)
			fprintf(out, ",\"group\":%u", a->group_id);
		else
			fputs(",\"group\":null", out);
		if (a->has_devid)
			fprintf(out, ",\"devid\":%" PRId32, (int32_t)a->devid);
		else
			fputs(",\"devid\":null", out);
		fprintf(out, ",\"ownership\":\"%s\",\"driver\":",
			vfio_reset_ownership_name(a->ownership));
		if (a->driver_known)
			json_str(out, a->driver);
		else
			fputs("null", out);
		fputc('}', out);
	}
	fputs("]},\"blockers\":[", out);
	for (size_t i = 0; i < p->n_blockers; i++) {
		const struct vfio_reset_blocker *b = &p->blockers[i];

		fprintf(out, "%s{\"reset\":\"%s\",\"cause\":\"%s\",\"errno\":%d,"
			"\"errno_name\":\"%s\",\"reason\":",
			i ? "," : "", b->kind == VFIO_RESET_HOT ? "hot" : "function",
			cause_name(b->cause), b->err, errname(b->err));
		json_str(out, b->reason);
		fputc('}', out);
	}
	fputs("]}", out);
}

static int cmd_plan(struct cli *c)
{
	FILE *out = c->env->out;
	int rc = EXIT_VR_OK;

	if (c->json)
		fputc('[', out);
	for (size_t i = 0; i < c->n_bdfs; i++) {
		const char *bdf = vfio_reset_dev_bdf(c->devs[i]);
		struct vfio_reset_plan plan;
		struct vfio_reset_err e = { 0 };
		int ret;

		ret = vfio_reset_plan(c->devs[i], VFIO_RESET_PLAN_PROBE_GROUPS, &plan, &e);
		if (c->json && i)
			fputc(',', out);
		if (ret < 0) {
			report(c, bdf, &e);
			if (c->json)
				print_error_json(out, bdf, &e);
			rc = exit_for(&e);
			continue;
		}
		if (c->json) {
			print_plan_json(out, &plan);
		} else {
			if (i)
				fputc('\n', out);
			print_plan_table(out, &plan);
		}
		vfio_reset_plan_free(&plan);
	}
	if (c->json)
		fputs("]\n", out);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void vfio_reset_cli_latency_summary(FILE *out, const char *bdf, const char *what,
				    uint64_t *ns, size_t n)
{
	double median;

	if (n == 0)
		return;
	qsort(ns, n, sizeof(*ns), cmp_u64);
	median = n % 2 ? (double)ns[n / 2] :
		 ((double)ns[n / 2 - 1] + (double)ns[n / 2]) / 2;
	fprintf(out, "%s: %s x%zu: median %.3f ms, min %.3f ms, max %.3f ms\n",
		bdf, what, n, median / 1e6, (double)ns[0] / 1e6, (double)ns[n - 1] / 1e6);
}

/* one reset (function or hot) per run, --repeat times; summary if asked */
static int run_resets(struct cli *c, enum vfio_reset_kind kind)
{
	struct vfio_reset_dev *dev = c->devs[0];
	const char *what = kind == VFIO_RESET_HOT ? "hot-reset" : "reset";
	long n = c->repeat ? c->repeat : 1;
	uint64_t *ns = calloc((size_t)n, sizeof(*ns));
	int rc = EXIT_VR_OK;

	if (!ns) {
		fprintf(c->env->err, "vfio-reset: %s: out of memory for %ld runs\n",
			vfio_reset_dev_bdf(dev), n);
		return EXIT_VR_FAILED;
	}
	for (long i = 0; i < n; i++) {
		struct vfio_reset_result res;
		struct vfio_reset_err e = { 0 };
		char run[48] = "";
		int ret;

		if (c->repeat)
			snprintf(run, sizeof(run), "run %ld/%ld: ", i + 1, n);
		ret = kind == VFIO_RESET_HOT ? vfio_reset_hot(dev, &res, &e) :
		      vfio_reset_function(dev, &res, &e);
		if (ret < 0) {
			fprintf(c->env->err, "vfio-reset: %s: %s%s\n", vfio_reset_dev_bdf(dev), run, e.msg);
			rc = EXIT_VR_FAILED;
			break;
		}
		ns[i] = res.duration_ns;
		if (kind == VFIO_RESET_HOT)
			fprintf(c->env->out, "%s: %shot reset ok in %.3f ms (%zu group fd(s) passed)\n",
				vfio_reset_dev_bdf(dev), run, (double)res.duration_ns / 1e6, res.n_group_fds);
		else
			fprintf(c->env->out, "%s: %sfunction reset ok in %.3f ms (id %04x:%04x)\n",
				vfio_reset_dev_bdf(dev), run, (double)res.duration_ns / 1e6,
				res.vendor_device & 0xffff, res.vendor_device >> 16);
	}
	if (rc == EXIT_VR_OK && c->repeat)
		vfio_reset_cli_latency_summary(c->env->out, vfio_reset_dev_bdf(dev), what, ns, (size_t)n);
	free(ns);
	return rc;
}

static int cmd_reset(struct cli *c)
{
	return run_resets(c, VFIO_RESET_FUNCTION);
}

static int cmd_hot_reset(struct cli *c)
{
	return run_resets(c, VFIO_RESET_HOT);
}

enum watch_kind { WATCH_ERR, WATCH_KERNEL_RESET };

struct watched {
	int fd;
	struct vfio_reset_dev *dev;
	const char *bdf;
	enum watch_kind kind;
};

static const char *watch_name(enum watch_kind k)
{
	return k == WATCH_ERR ? "error" : "kernel-reset";
}

static const char *outcome_name(uint32_t last)
{
	switch (last) {
	case VFIO_RESET_KERNEL_RESET_NONE: return "none";
	case VFIO_RESET_KERNEL_RESET_RESTORED: return "restored";
	case VFIO_RESET_KERNEL_RESET_STATE_LOST: return "state-lost";
	case VFIO_RESET_KERNEL_RESET_FAILED: return "failed";
	case VFIO_RESET_KERNEL_RESET_NOT_RESET: return "not-reset";
	}
	return "unknown";
}

/*
 * One event: the eventfd counter n (signals coalesced since the last
 * read) and, for kernel-reset, the status read after the wake-up (st), or
 * the error of that read (st_err).
 */
static void print_event(FILE *out, bool json, unsigned long seq, const struct watched *w,
			uint64_t n, const struct vfio_reset_kernel_reset_status *st,
			const struct vfio_reset_err *st_err)
{
	struct timespec ts;
	struct tm tm;
	char when[48];
	size_t len;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	len = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + len, sizeof(when) - len, ".%03ldZ", ts.tv_nsec / 1000000);
	if (json) {
		fprintf(out, "{\"seq\":%lu,\"time\":\"%s\",\"bdf\":", seq, when);
		json_str(out, w->bdf);
		fprintf(out, ",\"event\":\"%s\",\"count\":%" PRIu64, watch_name(w->kind), n);
		if (st_err) {
			fputc(',', out);
			json_error_member(out, st_err);
		} else if (st) {
			fprintf(out, ",\"active\":%s,\"last\":\"%s\",\"started\":%" PRIu64
				",\"restored\":%" PRIu64 ",\"state_lost\":%" PRIu64
				",\"failed\":%" PRIu64 ",\"not_reset\":%" PRIu64,
				st->flags & VFIO_RESET_KERNEL_RESET_ACTIVE ? "true" : "false",
				outcome_name(st->last), st->started, st->restored,
				st->state_lost, st->failed, st->not_reset);
		}
		fputs("}\n", out);
	} else {
		fprintf(out, "%s %s %s (x%" PRIu64 ")", when, w->bdf, watch_name(w->kind), n);
		if (st_err)
			fprintf(out, ": status unknown: %s", st_err->msg);
		else if (st)
			fprintf(out, ": %s, last %s, started %" PRIu64 ", restored %" PRIu64
				", state-lost %" PRIu64 ", failed %" PRIu64 ", not-reset %" PRIu64,
				st->flags & VFIO_RESET_KERNEL_RESET_ACTIVE ? "active" : "inactive",
				outcome_name(st->last), st->started, st->restored,
				st->state_lost, st->failed, st->not_reset);
		fputc('\n', out);
	}
	fflush(out);
}

/* a subscription that failed: stderr always, an object on stdout with --json */
static void watch_failed(struct cli *c, const char *bdf, const char *what,
			 const struct vfio_reset_err *e)
{
	report(c, bdf, e);
	if (!c->json)
		return;
	fputs("{\"bdf\":", c->env->out);
	json_str(c->env->out, bdf);
	fprintf(c->env->out, ",\"source\":\"%s\",", what);
	json_error_member(c->env->out, e);
	fputs("}\n", c->env->out);
	fflush(c->env->out);
}

/* one wake-up of w: read the counter, then (kernel-reset) the status */
static bool watch_read(struct cli *c, const struct watched *w, unsigned long seq)
{
	struct vfio_reset_kernel_reset_status st;
	struct vfio_reset_err e = { 0 };
	bool st_failed = false;
	uint64_t v;

	if (read(w->fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return false;	/* EAGAIN: someone else read it */
	/* after the read: a change after it signals again, none is lost */
	if (w->kind == WATCH_KERNEL_RESET &&
	    vfio_reset_kernel_reset_status(w->dev, &st, &e) < 0) {
		report(c, w->bdf, &e);
		st_failed = true;
	}
	print_event(c->env->out, c->json, seq, w, v,
		    w->kind == WATCH_KERNEL_RESET && !st_failed ? &st : NULL,
		    st_failed ? &e : NULL);
	return true;
}

static int cmd_watch(struct cli *c)
{
	struct watched w[2 * MAX_BDFS];
	struct pollfd pfd[2 * MAX_BDFS];
	size_t n = 0;
	long seen = 0;
	int rc = EXIT_VR_OK;

	for (size_t i = 0; i < c->n_bdfs; i++) {
		const char *bdf = vfio_reset_dev_bdf(c->devs[i]);
		struct vfio_reset_err e = { 0 };
		int fd = vfio_reset_subscribe_err(c->devs[i], &e);

		if (fd >= 0)
			w[n++] = (struct watched){ fd, c->devs[i], bdf, WATCH_ERR };
		else
			watch_failed(c, bdf, watch_name(WATCH_ERR), &e);
		/* the library's eventfd: it closes it on unsubscribe */
		fd = vfio_reset_subscribe_kernel_reset(c->devs[i], -1, &e);
		if (fd >= 0)
			w[n++] = (struct watched){ fd, c->devs[i], bdf, WATCH_KERNEL_RESET };
		else
			watch_failed(c, bdf, watch_name(WATCH_KERNEL_RESET), &e);
	}
	if (n == 0) {
		struct vfio_reset_err e = { 0 };

		vfio_reset_set_err(&e, -ENOTSUP, VFIO_RESET_ERR_GENERIC, "nothing to watch");
		fprintf(c->env->err, "vfio-reset: %s\n", e.msg);
		if (c->json) {
			print_error_json(c->env->out, NULL, &e);
			fputc('\n', c->env->out);
		}
		return EXIT_VR_FAILED;
	}
	for (size_t i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = w[i].fd, .events = POLLIN };
	if (c->env->watch_ready)
		c->env->watch_ready(c->env->watch_ready_arg);
	while (!(c->env->stop && *c->env->stop) && (c->count == 0 || seen < c->count)) {
		int ret = poll(pfd, n, c->env->poll_ms);

		if (ret < 0 && errno != EINTR) {
			fprintf(c->env->err, "vfio-reset: poll: %s\n", strerror(errno));
			rc = EXIT_VR_FAILED;
			break;
		}
		/* per device, error before kernel-reset: the order they are armed in */
		for (size_t i = 0; ret > 0 && i < n && (c->count == 0 || seen < c->count); i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (watch_read(c, &w[i], (unsigned long)seen + 1)) {
				seen++;
				if (c->env->watch_event)
					c->env->watch_event(c->env->watch_ready_arg,
							    (unsigned long)seen);
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct vfio_reset_err e = { 0 };

		if (w[i].kind == WATCH_ERR)
			close(w[i].fd);		/* ours */
		else if (vfio_reset_unsubscribe_kernel_reset(w[i].dev, &e) < 0)
			report(c, w[i].bdf, &e);	/* vfio_reset_close() retries */
	}
	return rc;
}

int vfio_reset_cli_main(int argc, char **argv, const struct vfio_reset_cli_env *env)
{
	struct cli c = { .env = env, .path = VFIO_RESET_PATH_AUTO };
	int rc = parse_args(&c, argc, argv);
	int (*run)(struct cli *c);

	if (rc)
		return rc;
	if (c.version) {
		fprintf(env->out, "vfio-reset %d.%d.%d (libvfio-reset %s)\n",
			VFIO_RESET_VERSION_MAJOR, VFIO_RESET_VERSION_MINOR,
			VFIO_RESET_VERSION_PATCH, vfio_reset_version_string());
		return EXIT_VR_OK;
	}
	if (!c.cmd)
		return usage_error(&c, "%s", "missing command");
	if (strcmp(c.cmd, "help") == 0) {
		fputs(usage_text, env->out);
		return EXIT_VR_OK;
	}
	if (strcmp(c.cmd, "plan") == 0)
		run = cmd_plan;
	else if (strcmp(c.cmd, "reset") == 0)
		run = cmd_reset;
	else if (strcmp(c.cmd, "hot-reset") == 0)
		run = cmd_hot_reset;
	else if (strcmp(c.cmd, "watch") == 0)
		run = cmd_watch;
	else
		return usage_error(&c, "unknown command '%s'", c.cmd);
	if (c.n_bdfs == 0)
		return usage_error(&c, "%s: needs at least one BDF", c.cmd);
	if (run == cmd_reset && c.n_bdfs != 1)
		return usage_error(&c, "%s", "reset: takes exactly one BDF");
	if (c.json && run != cmd_plan && run != cmd_watch)
		return usage_error(&c, "%s", "--json only applies to plan and watch");
	if (c.count && run != cmd_watch)
		return usage_error(&c, "%s", "--count only applies to watch");
	if (c.repeat && run != cmd_reset && run != cmd_hot_reset)
		return usage_error(&c, "%s", "--repeat only applies to reset and hot-reset");

	rc = open_all(&c);
	if (rc == EXIT_VR_OK)
		rc = run(&c);
	vfio_reset_ctx_free(c.ctx);
	return rc;
}
