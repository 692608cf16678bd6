// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * device: VFIO devices and the iommufd.
 *
 *   device list                 the host's VFIO devices (sysfs)
 *   device vfio-bind BDF...     move PCI devices to vfio-pci (writes sysfs)
 *   device vfio-release BDF...  and back to the driver they had
 *   device bind                 bind a VFIO cdev to the context
 *   device attach / detach      attach it to an IOAS or HWPT (PASID too)
 *
 * A device's binding lives as long as the cdev fd that made it.  bind keeps
 * that fd for the rest of a batch or shell; a one-shot command takes the
 * caller's fd (--device-fd N, e.g. after 'exec 4<>/dev/vfio/devices/vfio0'),
 * or binds for its own length only and says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "columns.h"
#include "iommuctl.h"
#include "shared/host.h"

#ifndef VFIO_DEVICE_ATTACH_PASID
#define VFIO_DEVICE_ATTACH_PASID (1 << 0)	/* 6.16 */
#endif
#ifndef VFIO_DEVICE_DETACH_PASID
#define VFIO_DEVICE_DETACH_PASID (1 << 0)
#endif

/* The 6.16 layout with the PASID; older kernels take the first 12 bytes
 * (argsz says how many) and refuse the flag. */
struct attach_arg {
	uint32_t argsz, flags, pt_id, pasid;
};
struct detach_arg {
	uint32_t argsz, flags, pasid;
};

static int arg_pasid(struct iommuctl *g, const struct cmd_args *a, int idx, uint32_t *pasid)
{
	uint64_t v;
	int ret = arg_u64(g, a, idx, &v);

	if (ret)
		return ret;
	if (v >= 1u << 20)
		return iommuctl_usage(g, "--pasid %s: PASIDs have 20 bits", a->val[idx]);
	*pasid = (uint32_t)v;
	return 0;
}

static const char *sysroot(void)
{
	return getenv("IOMMUCTL_SYSROOT");
}

/* ---- device list ------------------------------------------------------------ */

/* The simulator's VFIO devices, as the host's would show: on vfio-pci, in a
 * group of their own, with the platform's IOMMU and reserved regions. */
static int sim_device_list(struct iommuctl *g)
{
	struct ifd_sim_vfio_dev *devs = NULL;
	struct ifd_sim_platform plat;
	struct row_vfio_dev *rows;
	size_t n = 0;

	if (ifd_sim_vfio_devices(g->ctx, &devs, &n) || ifd_sim_platform(g->ctx, &plat)) {
		free(devs);
		return iommuctl_fail(g, NULL, NULL, NULL);
	}
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		free(devs);
		return iommuctl_fail_errno(g, NULL, "device list", ENOMEM, NULL, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		struct row_vfio_dev *r = &rows[i];
		size_t used = 0;

		snprintf(r->cdev, sizeof(r->cdev), "%s", devs[i].node);
		r->node_present = access(devs[i].node, F_OK) == 0;
		snprintf(r->bdf, sizeof(r->bdf), "%s", devs[i].bdf);
		snprintf(r->driver, sizeof(r->driver), "vfio-pci");
		r->has_driver = true;
		r->group = devs[i].group;
		snprintf(r->iommu, sizeof(r->iommu), "%s", sim_iommu_unit(plat.iommu));
		r->has_reserved = true;
		for (uint32_t k = 0; k < plat.nr_resv && k < IFD_SIM_MAX_RESV; k++)
			used += (size_t)snprintf(r->reserved + used,
						 used < sizeof(r->reserved) ? sizeof(r->reserved) - used : 0,
						 "%s0x%llx-0x%llx %s", used ? ", " : "",
						 (unsigned long long)plat.resv[k].start,
						 (unsigned long long)plat.resv[k].last,
						 strcmp(plat.resv[k].type, "sw_msi") ? plat.resv[k].type : "msi");
		r->bound_here = devs[i].bound_here;
		r->dev_id = devs[i].dev_id;
	}
	out_rows(&g->out, &fam_vfio_devs, rows, n, sizeof(*rows), NULL);
	free(rows);
	free(devs);
	return 0;
}

int cmd_device_list(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_error e = { 0 };
	struct host h;
	struct row_vfio_dev *rows;
	char **cdevs;
	size_t n;
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	ret = iommuctl_columns(g, &fam_vfio_devs);
	if (ret)
		return ret;
	/* The simulator's devices, unless a host tree is asked for; a host
	 * whose /dev/iommu cannot be opened still lists its devices. */
	if (!sysroot() && iommuctl_open_ctx(g, &e) == 0 &&
	    ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM)
		return sim_device_list(g);
	host_init(&h, sysroot());
	cdevs = host_list_dir(&h, "/sys/class/vfio-dev", &n);
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		host_free_list(cdevs);
		host_free(&h);
		return iommuctl_fail_errno(g, NULL, "device list", ENOMEM, NULL, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		struct row_vfio_dev *r = &rows[i];
		char path[512], target[512], p[2048], line[160];
		ssize_t len;

		snprintf(r->cdev, sizeof(r->cdev), "/dev/vfio/devices/%s", cdevs[i]);
		r->node_present = host_exists(&h, r->cdev);
		snprintf(path, sizeof(path), "/sys/class/vfio-dev/%s/device", cdevs[i]);
		len = readlink(host_path(&h, path, p, sizeof(p)), target, sizeof(target) - 1);
		if (len > 0) {
			target[len] = '\0';
			const char *b = strrchr(target, '/');

			snprintf(r->bdf, sizeof(r->bdf), "%.31s", b ? b + 1 : target);
		}
		if (r->bdf[0] && host_pci_driver(&h, r->bdf, r->driver, sizeof(r->driver)) == 0)
			r->has_driver = true;
		r->group = r->bdf[0] ? host_pci_group(&h, r->bdf) : -ENOENT;
		/* The IOMMU unit: the device's "iommu" link (dmar0, ivhd0, smmu3.0x...). */
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu", r->bdf);
		len = r->bdf[0] ? readlink(host_path(&h, path, p, sizeof(p)), target, sizeof(target) - 1) : -1;
		if (len > 0) {
			target[len] = '\0';
			const char *b = strrchr(target, '/');

			snprintf(r->iommu, sizeof(r->iommu), "%.63s", b ? b + 1 : target);
		}
		if (r->group >= 0) {
			FILE *f;
			size_t used = 0;

			snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%ld/reserved_regions",
				 r->group);
			f = fopen(host_path(&h, path, p, sizeof(p)), "re");
			while (f && fgets(line, sizeof(line), f)) {
				unsigned long long s, l;
				char type[32];

				if (sscanf(line, "%llx %llx %31s", &s, &l, type) != 3)
					continue;
				used += (size_t)snprintf(r->reserved + used,
							 used < sizeof(r->reserved) ? sizeof(r->reserved) - used : 0,
							 "%s0x%llx-0x%llx %s", used ? ", " : "", s, l, type);
			}
			if (f) {
				fclose(f);
				r->has_reserved = true;
			}
		}
		/* Bound to our context: known only for what this session bound. */
		for (size_t k = 0; k < g->session.ndevices; k++)
			if (strcmp(g->session.devices[k].node, r->cdev) == 0) {
				r->bound_here = true;
				r->dev_id = g->session.devices[k].dev_id;
			}
	}
	out_rows(&g->out, &fam_vfio_devs, rows, n, sizeof(*rows), NULL);
	if (!n)
		out_note(&g->out, "no VFIO devices: none is bound to vfio-pci (iommuctl device "
			 "vfio-bind), or the kernel has no VFIO cdev interface");
	free(rows);
	host_free_list(cdevs);
	host_free(&h);
	return 0;
}

/* ---- vfio-bind / vfio-release: the sysfs writes -------------------------------- */

struct sysfs_log {
	struct row_sysfs_write rows[8];
	size_t n;
};

static int sysfs_write(const struct host *h, struct sysfs_log *log, const char *path,
		       const char *value)
{
	char p[2048];
	int fd = open(host_path(h, path, p, sizeof(p)), O_WRONLY | O_CLOEXEC), err = 0;
	size_t len = strlen(value);

	if (fd < 0)
		return -errno;
	if (write(fd, value, len) != (ssize_t)len)
		err = errno ? errno : EIO;
	close(fd);
	if (err)
		return -err;
	if (log->n < sizeof(log->rows) / sizeof(log->rows[0])) {
		snprintf(log->rows[log->n].path, sizeof(log->rows[0].path), "%s", path);
		snprintf(log->rows[log->n].value, sizeof(log->rows[0].value), "%.*s",
			 (int)strcspn(value, "\n"), value);
		log->n++;
	}
	return 0;
}

/* Where vfio-bind remembers a device's previous driver: under /run, which
 * a reboot clears together with the bindings themselves. */
static void record_path(const struct host *h, const char *bdf, char *buf, size_t len)
{
	snprintf(buf, len, "%s/run/iommuctl/vfio-bind/%s", h->root, bdf);
}

static void record_driver(const struct host *h, const char *bdf, const char *drv)
{
	char path[1200], dir[1200];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/run/iommuctl", h->root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/run/iommuctl/vfio-bind", h->root);
	mkdir(dir, 0755);
	record_path(h, bdf, path, sizeof(path));
	f = fopen(path, "we");
	if (f) {
		fprintf(f, "%s\n", drv);
		fclose(f);
	}
}

static int check_bdf(struct iommuctl *g, const struct host *h, const char *arg, char *bdf,
		     size_t len, char *drv, size_t dlen)
{
	unsigned d, b, s, f;
	char junk;

	if (sscanf(arg, "%4x:%2x:%2x.%1x%c", &d, &b, &s, &f, &junk) != 4 || s > 0x1f || f > 7 ||
	    strlen(arg) != 12)
		return iommuctl_usage(g, "'%s' is not a PCI address (DDDD:BB:DD.F, as in lspci -D)",
				      arg);
	snprintf(bdf, len, "%04x:%02x:%02x.%x", d, b, s, f);
	if (host_pci_driver(h, bdf, drv, dlen) != 0)
		return iommuctl_fail_errno(g, bdf, "device", ENODEV, "no such PCI device",
					   "check the address with lspci -D");
	return 0;
}

static void put_log(struct iommuctl *g, const char *bdf, const char *before, const char *after,
		    const struct sysfs_log *log)
{
	struct row_vfio_move row = { 0 };

	snprintf(row.bdf, sizeof(row.bdf), "%s", bdf);
	snprintf(row.driver_before, sizeof(row.driver_before), "%s", before);
	snprintf(row.driver_after, sizeof(row.driver_after), "%s", after);
	row.nwrites = log->n;
	out_rows(&g->out, &fam_vfio_move, &row, 1, sizeof(row), NULL);
	out_rows(&g->out, &fam_sysfs_writes, log->rows, log->n, sizeof(log->rows[0]),
		 "sysfs writes:");
}

/* A failure in the middle: say which writes were made (they stay made). */
static int sysfs_failed(struct iommuctl *g, const char *bdf, const char *path, int err,
			const struct sysfs_log *log, const char *hint)
{
	char done[1024] = "";
	size_t used = 0;

	for (size_t i = 0; i < log->n; i++)
		used += (size_t)snprintf(done + used, used < sizeof(done) ? sizeof(done) - used : 0,
					 "%s%s <- %s", i ? "; " : "", log->rows[i].path,
					 log->rows[i].value);
	char msg[1400];

	snprintf(msg, sizeof(msg), "writing %s failed%s%s", path,
		 log->n ? "; already written: " : "; nothing was written", done);
	return iommuctl_fail_errno(g, bdf, "sysfs", -err, msg, hint);
}

int cmd_device_vfio_bind(struct iommuctl *g, struct cmd_args *a)
{
	struct host h;
	int ret = 0;

	if (!a->argc)
		return iommuctl_usage(g, "which device? (a PCI address: DDDD:BB:DD.F)");
	ret = iommuctl_columns(g, &fam_vfio_move);
	if (ret)
		return ret;
	host_init(&h, sysroot());
	for (int i = 0; i < a->argc && !ret; i++) {
		char bdf[32], drv[128], now[128], path[256], val[64];
		struct sysfs_log log = { .n = 0 };

		ret = check_bdf(g, &h, a->argv[i], bdf, sizeof(bdf), drv, sizeof(drv));
		if (ret)
			break;
		if (strcmp(drv, "vfio-pci") == 0) {
			put_log(g, bdf, drv, drv, &log);
			continue;
		}
		if (!host_exists(&h, "/sys/bus/pci/drivers/vfio-pci")) {
			ret = iommuctl_fail_errno(g, bdf, "vfio-pci", ENOENT,
						  "the vfio-pci driver is not loaded",
						  "modprobe vfio-pci");
			break;
		}
		record_driver(&h, bdf, drv);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
		if ((ret = sysfs_write(&h, &log, path, "vfio-pci\n")) != 0) {
			ret = sysfs_failed(g, bdf, path, ret, &log, "writing sysfs needs root");
			break;
		}
		if (drv[0]) {
			snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", drv);
			snprintf(val, sizeof(val), "%s\n", bdf);
			if ((ret = sysfs_write(&h, &log, path, val)) != 0) {
				ret = sysfs_failed(g, bdf, path, ret, &log, NULL);
				break;
			}
		}
		snprintf(val, sizeof(val), "%s\n", bdf);
		if ((ret = sysfs_write(&h, &log, "/sys/bus/pci/drivers_probe", val)) != 0) {
			ret = sysfs_failed(g, bdf, "/sys/bus/pci/drivers_probe", ret, &log,
					   "is the device's IOMMU group viable? see 'iommuctl doctor'");
			break;
		}
		if (host_pci_driver(&h, bdf, now, sizeof(now)) != 0 || strcmp(now, "vfio-pci") != 0) {
			ret = sysfs_failed(g, bdf, "/sys/bus/pci/drivers_probe", EIO, &log,
					   "vfio-pci did not take the device: see the kernel log and "
					   "'iommuctl doctor'");
			break;
		}
		put_log(g, bdf, drv[0] ? drv : "", now, &log);
	}
	host_free(&h);
	return ret;
}

int cmd_device_vfio_release(struct iommuctl *g, struct cmd_args *a)
{
	struct host h;
	int ret = 0;

	if (!a->argc)
		return iommuctl_usage(g, "which device? (a PCI address: DDDD:BB:DD.F)");
	ret = iommuctl_columns(g, &fam_vfio_move);
	if (ret)
		return ret;
	host_init(&h, sysroot());
	for (int i = 0; i < a->argc && !ret; i++) {
		char bdf[32], drv[128], prev[128] = "", now[128] = "", path[1200], val[64];
		struct sysfs_log log = { .n = 0 };
		FILE *f;

		ret = check_bdf(g, &h, a->argv[i], bdf, sizeof(bdf), drv, sizeof(drv));
		if (ret)
			break;
		if (strcmp(drv, "vfio-pci") != 0) {
			ret = iommuctl_fail_errno(g, bdf, "vfio-release", EINVAL,
						  drv[0] ? "the device is not on vfio-pci" :
						  "the device has no driver", NULL);
			break;
		}
		record_path(&h, bdf, path, sizeof(path));
		f = fopen(path, "re");
		if (f) {
			if (fgets(prev, sizeof(prev), f))
				prev[strcspn(prev, "\n")] = '\0';
			fclose(f);
		}
		snprintf(val, sizeof(val), "%s\n", bdf);
		if ((ret = sysfs_write(&h, &log, "/sys/bus/pci/drivers/vfio-pci/unbind", val)) != 0) {
			ret = sysfs_failed(g, bdf, "/sys/bus/pci/drivers/vfio-pci/unbind", ret, &log,
					   "writing sysfs needs root");
			break;
		}
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
		if ((ret = sysfs_write(&h, &log, path, "\n")) != 0) {
			ret = sysfs_failed(g, bdf, path, ret, &log, NULL);
			break;
		}
		/* Back to the driver it had, or to whatever the kernel picks. */
		if (prev[0])
			snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", prev);
		else
			snprintf(path, sizeof(path), "/sys/bus/pci/drivers_probe");
		if ((ret = sysfs_write(&h, &log, path, val)) != 0 && prev[0]) {
			ret = sysfs_failed(g, bdf, path, ret, &log, "the previous driver refused it");
			break;
		}
		/* drivers_probe fails (ENODEV) when no driver wants the device: fine. */
		ret = 0;
		record_path(&h, bdf, path, sizeof(path));
		unlink(path);
		host_pci_driver(&h, bdf, now, sizeof(now));
		put_log(g, bdf, drv, now, &log);
	}
	host_free(&h);
	return ret;
}

/* ---- bind / attach / detach ------------------------------------------------------ */

/* The columns and the context: what bind, attach and detach need once their
 * arguments are checked. */
static int device_open(struct iommuctl *g, const struct out_family *fam)
{
	int ret = iommuctl_columns(g, fam);

	return ret ? ret : iommuctl_open(g);
}

/* The cdev fd of a device: --device-fd N, or the one this session bound. */
static int device_fd(struct iommuctl *g, struct cmd_args *a, int opt_id, int opt_fd,
		     uint32_t *dev_id, int *fd)
{
	const char *why;
	uint32_t n;
	int ret;

	if (!!a->count[opt_id] == !!a->count[opt_fd])
		return iommuctl_usage(g, "give either --dev-id ID (a device bound in this batch or "
				      "shell) or --device-fd N (an fd of the VFIO cdev)");
	if (a->count[opt_fd]) {
		if (parse_id(a->val[opt_fd], &n, &why) || n > 1000000)
			return iommuctl_usage(g, "--device-fd '%s': not an fd number", a->val[opt_fd]);
		if (fcntl((int)n, F_GETFD) < 0)
			return iommuctl_usage(g, "--device-fd %u: not an open fd of this process", n);
		*fd = (int)n;
		*dev_id = 0;
		return 0;
	}
	ret = arg_id(g, a, opt_id, dev_id);
	if (ret)
		return ret;
	*fd = session_device_fd(&g->session, *dev_id);
	if (*fd < 0)
		return iommuctl_usage(g, "--dev-id %u: not a device bound in this %s", *dev_id,
				      g->session.active ? "batch or shell" :
				      "command (outside a batch or shell, use --device-fd N)");
	return 0;
}

/* The simulator's node of device 'arg' (vfioN or its PCI address). */
static int sim_node(struct iommuctl *g, const char *arg, char *node, size_t len)
{
	struct ifd_sim_vfio_dev *devs = NULL;
	size_t n = 0;
	int ret = ifd_sim_vfio_devices(g->ctx, &devs, &n);

	if (ret)
		return iommuctl_fail(g, NULL, NULL, NULL);
	ret = -ENOENT;
	for (size_t i = 0; i < n; i++)
		if (strcmp(devs[i].name, arg) == 0 || strcmp(devs[i].bdf, arg) == 0) {
			snprintf(node, len, "%s", devs[i].node);
			ret = 0;
		}
	free(devs);
	if (ret)
		return iommuctl_fail_errno(g, arg, "device bind", ENOENT,
					   "the simulator has no such VFIO device",
					   "its devices are in 'iommuctl device list'");
	return 0;
}

/* The node --device names: a path as it is; vfioN and a PCI address as the
 * backend has them (/dev/vfio/devices, or the simulator's nodes). */
static int device_node(struct iommuctl *g, const char *arg, char *node, size_t len)
{
	char cdev[64];
	struct host h;
	int ret;

	if (arg[0] == '/') {
		snprintf(node, len, "%s", arg);
		return 0;
	}
	if (ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM)
		return sim_node(g, arg, node, len);
	if (strncmp(arg, "vfio", 4) == 0) {
		snprintf(node, len, "/dev/vfio/devices/%s", arg);
		return 0;
	}
	host_init(&h, NULL);
	ret = host_pci_vfio_dev(&h, arg, cdev, sizeof(cdev));
	host_free(&h);
	if (ret)
		return iommuctl_fail_errno(g, arg, "device bind", ENOENT,
					   "no VFIO cdev: the device is not on vfio-pci",
					   "iommuctl device vfio-bind, or see 'iommuctl doctor'");
	snprintf(node, len, "/dev/vfio/devices/%s", cdev);
	return 0;
}

int cmd_device_bind(struct iommuctl *g, struct cmd_args *a)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct row_device row = { 0 };
	const char *name = a->val[DEVICE_BIND_OPT_NAME], *why;
	char node[4200] = "";
	uint32_t n;
	int fd = -1, ret;
	bool own_fd = false;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!!a->count[DEVICE_BIND_OPT_DEVICE] == !!a->count[DEVICE_BIND_OPT_FD])
		return iommuctl_usage(g, "give either --device CDEV|PCI-ADDRESS or --device-fd N");
	if (name && session_name_check(name, &why))
		return iommuctl_usage(g, "--name '%s': %s", name, why);
	if (name && !g->session.active)
		return iommuctl_usage(g, "--name: names exist only in a batch (-b) or the shell");
	if (a->count[DEVICE_BIND_OPT_FD]) {
		if (parse_id(a->val[DEVICE_BIND_OPT_FD], &n, &why) || n > 1000000 ||
		    fcntl((int)n, F_GETFD) < 0)
			return iommuctl_usage(g, "--device-fd '%s': not an open fd of this process",
					      a->val[DEVICE_BIND_OPT_FD]);
		fd = (int)n;
		snprintf(node, sizeof(node), "fd %u", n);
	}
	ret = device_open(g, &fam_device);
	if (ret)
		return ret;
	if (fd < 0) {
		ret = device_node(g, a->val[DEVICE_BIND_OPT_DEVICE], node, sizeof(node));
		if (ret)
			return ret;
		fd = open(node, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return iommuctl_fail_errno(g, node, "open", errno, NULL,
						   errno == EBUSY ? "another process has the device open" : NULL);
		own_fd = true;
	}
	bind.iommufd = ifd_ctx_fd(g->ctx);
	if (ifd_device_ioctl(g->ctx, fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		if (own_fd)
			close(fd);
		return iommuctl_fail(g, node, NULL, NULL);
	}
	row.dev_id = bind.out_devid;
	snprintf(row.node, sizeof(row.node), "%s", node);
	if (own_fd && g->session.active) {
		if (session_device_add(&g->session, row.dev_id, fd, node) ||
		    session_object_new(&g->session, row.dev_id) ||
		    (name && session_name_add(&g->session, name, row.dev_id))) {
			close(fd);
			return iommuctl_fail_errno(g, node, "device bind", ENOMEM, NULL, NULL);
		}
		row.lifetime = "session";
	} else if (own_fd) {
		close(fd);
		row.lifetime = "command";
		iommuctl_note(g, "the binding ended with this command (its cdev fd is closed): use "
			      "--device-fd N with an fd you keep open, or a batch (-b) or the shell");
	} else {
		row.lifetime = "fd";
	}
	out_rows(&g->out, &fam_device, &row, 1, sizeof(row), NULL);
	return 0;
}

int cmd_device_attach(struct iommuctl *g, struct cmd_args *a)
{
	struct attach_arg at = { .argsz = 12 };
	struct row_attach row = { 0 };
	uint32_t dev_id = 0;
	int fd = -1, ret;
	char object[48];

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[DEVICE_ATTACH_OPT_PT])
		return iommuctl_usage(g, "--pt is required (the IOAS or HWPT to attach to)");
	ret = device_fd(g, a, DEVICE_ATTACH_OPT_DEV_ID, DEVICE_ATTACH_OPT_FD, &dev_id, &fd);
	if (!ret)
		ret = arg_id(g, a, DEVICE_ATTACH_OPT_PT, &at.pt_id);
	if (!ret && a->count[DEVICE_ATTACH_OPT_PASID]) {
		ret = arg_pasid(g, a, DEVICE_ATTACH_OPT_PASID, &at.pasid);
		at.flags = VFIO_DEVICE_ATTACH_PASID;
		at.argsz = sizeof(at);
	}
	if (!ret)
		ret = device_open(g, &fam_attach);
	if (ret)
		return ret;
	row.pt_requested = at.pt_id;
	if (ifd_device_ioctl(g->ctx, fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) < 0) {
		snprintf(object, sizeof(object), "pt %u", row.pt_requested);
		return iommuctl_fail(g, object, NULL, NULL);
	}
	row.dev_id = dev_id;
	row.attached = true;
	row.pt_id = at.pt_id;
	row.has_pasid = a->count[DEVICE_ATTACH_OPT_PASID] > 0;
	row.pasid = at.pasid;
	out_rows(&g->out, &fam_attach, &row, 1, sizeof(row), NULL);
	return 0;
}

int cmd_device_detach(struct iommuctl *g, struct cmd_args *a)
{
	struct detach_arg dt = { .argsz = 8 };
	struct row_attach row = { 0 };
	uint32_t dev_id = 0;
	int fd = -1, ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	ret = device_fd(g, a, DEVICE_DETACH_OPT_DEV_ID, DEVICE_DETACH_OPT_FD, &dev_id, &fd);
	if (!ret && a->count[DEVICE_DETACH_OPT_PASID]) {
		ret = arg_pasid(g, a, DEVICE_DETACH_OPT_PASID, &dt.pasid);
		dt.flags = VFIO_DEVICE_DETACH_PASID;
		dt.argsz = sizeof(dt);
	}
	if (!ret)
		ret = device_open(g, &fam_attach);
	if (ret)
		return ret;
	if (ifd_device_ioctl(g->ctx, fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt) < 0)
		return iommuctl_fail(g, NULL, NULL, NULL);
	row.dev_id = dev_id;
	row.has_pasid = a->count[DEVICE_DETACH_OPT_PASID] > 0;
	row.pasid = dt.pasid;
	out_rows(&g->out, &fam_attach, &row, 1, sizeof(row), NULL);
	return 0;
}
