// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * device-keeper: what a VMM does to keep a vfio-pci device working while
 * the kernel resets it behind its back (a sysfs "reset", a bus reset from
 * "reset_subordinate", AER/DPC recovery).
 *
 * It opens the device itself, as a VMM does (group + container, or cdev +
 * iommufd), and hands those fds to libvfio-reset (vfio_reset_adopt()),
 * which never closes them.  It maps BAR0, sets the device up (writes a
 * register that a reset clears), then works: each operation writes a new
 * value to a second register, reads it back and checks that the setup is
 * still there.  One epoll set holds its own two eventfds, armed through
 * the library: the kernel-reset eventfd and the AER error eventfd.
 *
 * On a wake-up, or when an operation finds the device not as it left it,
 * it reads the kernel-reset status and goes by its counters (signals
 * coalesce): while a window is open it waits for the end; for each window
 * that ended it proves the device was reset (the setup register is
 * cleared), sets the device up again (for "state-lost" its command
 * register too, for "failed" after a function reset of its own) and
 * retries the interrupted operation (each retry needs a window of its
 * own).  An operation that fails without a window to explain it, or reads
 * all-ones (an access the kernel let through during a reset), is lost;
 * the summary line counts them:
 *
 *   device-keeper: <bdf>: ops N, retried R, lost L, windows W (restored A,
 *     state-lost B, failed C, not-reset D), reset-proven P, reinit I,
 *     config-lost X, err-signals E, kreset-signals K
 *
 * (config-lost: windows that ended restored with memory decoding off.)
 * Exit: 0 when nothing was lost and --windows N windows were seen,
 * 1 otherwise, 2 usage, 4 when the kernel lacks the kernel-reset features.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>

#include <vfio_reset.h>

#define EXIT_SKIP 4
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define WINDOW_TIMEOUT_MS 30000

/*
 * Per device: a setup register that holds what is written and that a
 * reset clears, and a work register that holds what is written.
 */
struct regs {
	uint16_t vendor, device;
	const char *name;
	uint32_t setup_off, setup_val;
	uint32_t work_off, work_mask;	/* writable bits of the work register */
};

static const struct regs known_regs[] = {
	/* RDBAL0 (128-byte aligned) is cleared by a reset; RDBAH0 holds */
	{ 0x8086, 0x10c9, "igb", 0xc000, 0x12345600, 0xc004, 0xffffffff },
	{ 0x8086, 0x10d3, "e1000e", 0x2800, 0x12345600, 0x2804, 0xffffffff },
	/*
	 * CC with EN clear (IOSQES 6, IOCQES 4) is cleared by a reset; the
	 * admin queue attributes (AQA, 12 bits per queue) hold across one.
	 */
	{ 0x1b36, 0x0010, "nvme", 0x14, 0x00460000, 0x24, 0x0fff0fff },
};

struct keeper {
	const char *bdf;
	bool cdev;
	/* the VMM's own fds */
	int container_fd, group_fd, iommufd, device_fd;
	uint32_t devid;
	uint64_t config_off;
	volatile uint32_t *bar0;
	size_t bar0_size;
	const struct regs *regs;
	/* the library's view of the same device */
	struct vfio_reset_ctx *ctx;
	struct vfio_reset_dev *dev;
	int kreset_efd, err_efd, epfd;
	struct vfio_reset_kernel_reset_status seen;	/* counters handled so far */
	/* figures */
	uint64_t ops, retried, lost, reset_proven, reinit, config_lost;
	uint64_t err_signals, kreset_signals;
	bool error;
};

static void say(const struct keeper *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const struct keeper *k, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "device-keeper: %s: ", k->bdf);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int sysfs_read(const char *bdf, const char *attr, char *buf, size_t len, bool link)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	if (link) {
		n = readlink(path, buf, len - 1);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		n = read(fd, buf, len - 1);
		close(fd);
	}
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* ---- opening the device as a VMM does: these fds are ours ---- */

static int open_group_path(struct keeper *k)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char link[PATH_MAX], path[PATH_MAX + 16];
	const char *group;

	if (sysfs_read(k->bdf, "iommu_group", link, sizeof(link), true) < 0)
		return -ENODEV;
	group = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	k->container_fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "/dev/vfio/%s", group);
	k->group_fd = open(path, O_RDWR | O_CLOEXEC);
	if (k->container_fd < 0 || k->group_fd < 0 ||
	    ioctl(k->group_fd, VFIO_GROUP_GET_STATUS, &status) < 0)
		return -errno;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EPERM;
	if (ioctl(k->group_fd, VFIO_GROUP_SET_CONTAINER, &k->container_fd) < 0 ||
	    ioctl(k->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0)
		return -errno;
	k->device_fd = ioctl(k->group_fd, VFIO_GROUP_GET_DEVICE_FD, k->bdf);
	return k->device_fd < 0 ? -errno : 0;
}

/* the name of the one entry of <bdf>/vfio-dev/: the device's cdev */
static int cdev_name(const char *bdf, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strlen(de->d_name) < len) {
			strcpy(buf, de->d_name);
			ret = 0;
			break;
		}
	closedir(d);
	return ret;
}

static int open_cdev_path(struct keeper *k)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	char name[64], path[128];
	int ret = cdev_name(k->bdf, name, sizeof(name));

	if (ret < 0)
		return ret;
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", name);
	k->device_fd = open(path, O_RDWR | O_CLOEXEC);
	k->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (k->device_fd < 0 || k->iommufd < 0)
		return -errno;
	bind.iommufd = k->iommufd;
	if (ioctl(k->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0 ||
	    ioctl(k->iommufd, IOMMU_IOAS_ALLOC, &alloc) < 0)
		return -errno;
	k->devid = bind.out_devid;
	attach.pt_id = alloc.out_ioas_id;
	return ioctl(k->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0 ? -errno : 0;
}

/* config space offset and BAR0 mapping, the regs of the device */
static int map_device(struct keeper *k)
{
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	struct vfio_region_info bar = { .argsz = sizeof(bar), .index = VFIO_PCI_BAR0_REGION_INDEX };
	uint32_t id;
	void *map;

	if (ioctl(k->device_fd, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0 ||
	    ioctl(k->device_fd, VFIO_DEVICE_GET_REGION_INFO, &bar) < 0)
		return -errno;
	k->config_off = cfg.offset;
	if (pread(k->device_fd, &id, sizeof(id), (off_t)cfg.offset) != sizeof(id))
		return -EIO;
	for (size_t i = 0; i < sizeof(known_regs) / sizeof(known_regs[0]); i++)
		if (known_regs[i].vendor == (id & 0xffff) && known_regs[i].device == id >> 16)
			k->regs = &known_regs[i];
	if (!k->regs) {
		say(k, "no registers known for %04x:%04x (igb, e1000e and QEMU's nvme are)",
		    id & 0xffff, id >> 16);
		return -ENOTSUP;
	}
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) ||
	    bar.size < (uint64_t)k->regs->setup_off + 4 || bar.size < (uint64_t)k->regs->work_off + 4) {
		say(k, "BAR0 cannot be mapped or is too small (%llu bytes)",
		    (unsigned long long)bar.size);
		return -ENOTSUP;
	}
	map = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, k->device_fd,
		   (off_t)bar.offset);
	if (map == MAP_FAILED)
		return -errno;
	k->bar0 = map;
	k->bar0_size = bar.size;
	return 0;
}

static uint32_t reg_read(const struct keeper *k, uint32_t off)
{
	return k->bar0[off / 4];
}

static void reg_write(const struct keeper *k, uint32_t off, uint32_t val)
{
	k->bar0[off / 4] = val;
}

static int config_read16(const struct keeper *k, uint32_t off, uint16_t *val)
{
	return pread(k->device_fd, val, sizeof(*val), (off_t)(k->config_off + off)) ==
	       sizeof(*val) ? 0 : -EIO;
}

static int config_write16(const struct keeper *k, uint32_t off, uint16_t val)
{
	return pwrite(k->device_fd, &val, sizeof(val), (off_t)(k->config_off + off)) ==
	       sizeof(val) ? 0 : -EIO;
}

/* memory decoding on and the setup register written: the VMM's device setup */
static int setup_device(struct keeper *k)
{
	uint16_t cmd;

	if (config_read16(k, PCI_COMMAND, &cmd) < 0)
		return -EIO;
	if (!(cmd & PCI_COMMAND_MEMORY) &&
	    config_write16(k, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY) < 0)
		return -EIO;
	reg_write(k, k->regs->setup_off, k->regs->setup_val);
	if (reg_read(k, k->regs->setup_off) != k->regs->setup_val) {
		say(k, "%s setup register 0x%x does not hold 0x%08x (reads 0x%08x)",
		    k->regs->name, k->regs->setup_off, k->regs->setup_val,
		    reg_read(k, k->regs->setup_off));
		return -EIO;
	}
	return 0;
}

/* ---- the library: adopt our fds, arm our eventfds ---- */

static int adopt(struct keeper *k)
{
	struct vfio_reset_adopt_fds fds = {
		.device_fd = k->device_fd, .group_fd = k->cdev ? -1 : k->group_fd,
		.container_fd = k->cdev ? -1 : k->container_fd,
		.iommufd = k->cdev ? k->iommufd : -1, .devid = k->devid,
	};
	struct epoll_event ev = { .events = EPOLLIN };
	struct vfio_reset_err err = { 0 };
	int ret;

	k->ctx = vfio_reset_ctx_new_default();
	if (!k->ctx)
		return -ENOMEM;
	ret = vfio_reset_adopt(k->ctx, k->bdf, &fds, &k->dev, &err);
	if (ret < 0) {
		say(k, "adopt: %s", err.msg);
		return ret;
	}
	ret = vfio_reset_probe_kernel_reset(k->dev);
	if (ret < 0) {
		say(k, "no kernel-reset features: %s", strerror(-ret));
		return ret;
	}
	k->kreset_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	k->err_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	k->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (k->kreset_efd < 0 || k->err_efd < 0 || k->epfd < 0)
		return -errno;
	ret = vfio_reset_subscribe_kernel_reset(k->dev, k->kreset_efd, &err);
	if (ret < 0) {
		say(k, "%s", err.msg);
		return ret;
	}
	ev.data.fd = k->kreset_efd;
	if (epoll_ctl(k->epfd, EPOLL_CTL_ADD, k->kreset_efd, &ev) < 0)
		return -errno;
	/* no ERR interrupt (conventional PCI on 6.12): the status still tells all */
	ret = vfio_reset_subscribe_err_fd(k->dev, k->err_efd, &err);
	if (ret >= 0) {
		ev.data.fd = k->err_efd;
		if (epoll_ctl(k->epfd, EPOLL_CTL_ADD, k->err_efd, &ev) < 0)
			return -errno;
	} else {
		say(k, "no ERR eventfd (%s), going by the kernel-reset eventfd", err.msg);
	}
	/* arming does not report a window already open: read the status once */
	ret = vfio_reset_kernel_reset_status(k->dev, &k->seen, &err);
	if (ret < 0)
		say(k, "%s", err.msg);
	return ret;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* read one of our eventfds and count its signals: whether any came */
static bool count_signals(struct keeper *k, int efd)
{
	uint64_t n = 0;

	if (read(efd, &n, sizeof(n)) != sizeof(n))
		return false;
	if (efd == k->err_efd)
		k->err_signals += n;
	else
		k->kreset_signals += n;
	return n != 0;
}

/*
 * VFIO_DEVICE_RESET, retried while it says -EAGAIN: just after a window
 * the PCI core may still hold the device lock for a moment.
 */
static int function_reset(struct keeper *k)
{
	struct vfio_reset_result res;
	struct vfio_reset_err err = { 0 };
	int ret;

	for (int i = 0; i < 50; i++) {
		ret = vfio_reset_function(k->dev, &res, &err);
		if (ret != -EAGAIN)
			break;
		usleep(20000);
	}
	if (ret < 0)
		say(k, "our own reset failed: %s", err.msg);
	return ret;
}

/* the status once no window is open: waits on the kernel-reset eventfd */
static int settled_status(struct keeper *k, struct vfio_reset_kernel_reset_status *st)
{
	uint64_t deadline = now_ms() + WINDOW_TIMEOUT_MS;
	struct vfio_reset_err err = { 0 };
	struct epoll_event ev;

	for (;;) {
		if (vfio_reset_kernel_reset_status(k->dev, st, &err) < 0) {
			say(k, "%s", err.msg);
			return -EIO;
		}
		if (!(st->flags & VFIO_RESET_KERNEL_RESET_ACTIVE))
			return 0;
		if (now_ms() >= deadline) {
			say(k, "a kernel-reset window is still open after %d ms", WINDOW_TIMEOUT_MS);
			return -ETIMEDOUT;
		}
		/* the end signal follows the status change: wait for it, bounded */
		if (epoll_wait(k->epfd, &ev, 1, 100) > 0)
			count_signals(k, ev.data.fd);
	}
}

/*
 * Act on the windows that ended since the last look: prove the reset,
 * set the device up again.  Returns the number of windows handled, or a
 * negative errno when the device cannot be brought back.
 */
static int handle_windows(struct keeper *k)
{
	struct vfio_reset_kernel_reset_status st;
	uint64_t ended, failed, lost, not_reset;
	bool decoding;
	uint16_t cmd;
	int ret = settled_status(k, &st);

	if (ret < 0)
		return ret;
	ended = st.started - k->seen.started;
	failed = st.failed - k->seen.failed;
	lost = st.state_lost - k->seen.state_lost;
	not_reset = st.not_reset - k->seen.not_reset;
	k->seen = st;
	if (!ended)
		return 0;
	if (failed) {
		/* state unknown: reset it ourselves, then set it up from scratch */
		say(k, "window ended failed: resetting the device ourselves");
		ret = function_reset(k);
		if (ret < 0)
			return ret;
	} else {
		if (config_read16(k, PCI_COMMAND, &cmd) < 0)
			return -EIO;
		/* QEMU reads a BAR that does not decode as 0: know before judging it */
		decoding = cmd & PCI_COMMAND_MEMORY;
		if (!lost && !decoding) {
			say(k, "window ended %s but memory decoding is off: config space not "
			    "restored", not_reset ? "restored or not-reset" : "restored");
			k->config_lost++;
		}
		/* not reset (a recovery that needed none): the setup is still there */
		if (decoding && reg_read(k, k->regs->setup_off) == k->regs->setup_val)
			return (int)ended;
		/* a reset clears the setup register: the device was reset */
		if (decoding)
			k->reset_proven++;
		if (lost)
			say(k, "window ended state-lost: setting up config space too");
	}
	ret = setup_device(k);
	if (ret < 0)
		return ret;
	k->reinit++;
	return (int)ended;
}

static int handle_events(struct keeper *k)
{
	struct epoll_event evs[2];
	int n = epoll_wait(k->epfd, evs, 2, 0);
	bool any = false;

	for (int i = 0; i < n; i++)
		any = count_signals(k, evs[i].data.fd) || any;
	return any ? handle_windows(k) : 0;
}

/*
 * One operation: a new value into the work register, read back, and the
 * setup still in place.  A mismatch that a window explains is retried
 * after the device is set up again; one that none explains is lost.
 */
static int do_op(struct keeper *k)
{
	uint32_t val = (uint32_t)(k->ops * 2654435761u) & k->regs->work_mask;
	uint32_t work, setup;
	int ret;

	/* each retry needs a window of its own to explain it */
	for (;;) {
		reg_write(k, k->regs->work_off, val);
		work = reg_read(k, k->regs->work_off);
		setup = reg_read(k, k->regs->setup_off);
		if (work == val && setup == k->regs->setup_val) {
			k->ops++;
			return 0;
		}
		/*
		 * All-ones is a read the kernel let through while the device
		 * was in reset (or gone): a broken window, never explained.
		 */
		if (work == ~0u || setup == ~0u)
			break;
		ret = handle_windows(k);
		if (ret < 0)
			return ret;
		if (ret == 0)
			break;		/* nothing explains it */
		k->retried++;
	}
	k->lost++;
	if (k->lost <= 5)
		say(k, "operation %llu lost: work 0x%08x (wrote 0x%08x), setup 0x%08x",
		    (unsigned long long)k->ops, work, val, setup);
	k->ops++;
	return 0;
}

static void summary(const struct keeper *k)
{
	printf("device-keeper: %s: ops %llu, retried %llu, lost %llu, windows %llu "
	       "(restored %llu, state-lost %llu, failed %llu, not-reset %llu), "
	       "reset-proven %llu, reinit %llu, config-lost %llu, err-signals %llu, "
	       "kreset-signals %llu\n",
	       k->bdf, (unsigned long long)k->ops, (unsigned long long)k->retried,
	       (unsigned long long)k->lost, (unsigned long long)k->seen.started,
	       (unsigned long long)k->seen.restored, (unsigned long long)k->seen.state_lost,
	       (unsigned long long)k->seen.failed, (unsigned long long)k->seen.not_reset,
	       (unsigned long long)k->reset_proven, (unsigned long long)k->reinit,
	       (unsigned long long)k->config_lost, (unsigned long long)k->err_signals, (unsigned long long)k->kreset_signals);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: device-keeper [--cdev | --group] [--windows N] [--seconds S] BDF\n"
		"  Keep BDF working across kernel-initiated resets; prints \"ready\" once\n"
		"  set up, a summary line at the end.  Stops after N windows ended and\n"
		"  were handled (default 1), or after S seconds (default 60: a failure\n"
		"  if fewer windows were seen).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cdev", no_argument, NULL, 'c' },
		{ "group", no_argument, NULL, 'g' },
		{ "windows", required_argument, NULL, 'w' },
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct keeper k = {
		.container_fd = -1, .group_fd = -1, .iommufd = -1, .device_fd = -1,
		.kreset_efd = -1, .err_efd = -1, .epfd = -1,
	};
	char bdf[VFIO_RESET_BDF_LEN], *end;
	unsigned long windows = 1, seconds = 60;
	uint64_t deadline, settle_ops = 0;
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': k.cdev = true; break;
		case 'g': k.cdev = false; break;
		case 'w':
		case 's':
			errno = 0;
			*(c == 'w' ? &windows : &seconds) = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-') {
				fprintf(stderr, "device-keeper: bad number '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || vfio_reset_parse_bdf(argv[optind], bdf) < 0) {
		usage(stderr);
		return 2;
	}
	k.bdf = bdf;
	ret = k.cdev ? open_cdev_path(&k) : open_group_path(&k);
	if (ret < 0) {
		say(&k, "opening it (%s path): %s", k.cdev ? "cdev" : "group", strerror(-ret));
		return 1;
	}
	ret = map_device(&k);
	if (ret == 0)
		ret = adopt(&k);
	/* a kernel (or a library build) without the kernel-reset features */
	if (ret == -ENOTTY || ret == -ENOTSUP)
		return EXIT_SKIP;
	if (ret == 0)
		ret = setup_device(&k);
	if (ret < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);

	deadline = now_ms() + seconds * 1000;
	while (now_ms() < deadline) {
		ret = handle_events(&k);
		for (int i = 0; ret >= 0 && i < 64; i++)
			ret = do_op(&k);
		if (ret < 0) {
			k.error = true;
			break;
		}
		/* enough windows: some more work to show it resumed, then stop */
		if (k.seen.started >= windows && !(k.seen.flags & VFIO_RESET_KERNEL_RESET_ACTIVE) &&
		    ++settle_ops > 16)
			break;
	}
	summary(&k);
	if (k.seen.started < windows)
		say(&k, "saw %llu of %lu windows in %lu s", (unsigned long long)k.seen.started,
		    windows, seconds);
	/* the library disarms what it armed; every fd stays ours to close */
	vfio_reset_ctx_free(k.ctx);
	munmap((void *)k.bar0, k.bar0_size);
	close(k.epfd);
	close(k.err_efd);
	close(k.kreset_efd);
	close(k.device_fd);
	if (k.cdev)
		close(k.iommufd);
	else {
		close(k.group_fd);
		close(k.container_fd);
	}
	/* the device was kept working; a failed or state-lost window shows in the summary */
	return k.error || k.lost || k.config_lost || k.seen.started < windows ? 1 : 0;
}
