// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * doctor: is this host (and these devices) ready for device passthrough
 * through iommufd, and if not, exactly what to fix.  It reads the host only
 * (sysfs, procfs, /dev, the kernel config); it never changes anything and
 * needs no backend.  $IOMMUCTL_SYSROOT points it at a directory tree that
 * stands for the host, which is how the tests describe hosts.
 *
 * Each check has a fixed name, so scripts can look one up; a check FAILS
 * only when passthrough cannot work as things are, WARNs when it works with
 * a caveat, and is INFO when it only describes.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "columns.h"
#include "iommuctl.h"
#include "shared/host.h"

struct doctor {
	struct host h;
	struct row_doctor *rows;
	size_t n, cap;
	bool oom;
};

static void add(struct doctor *d, const char *check, const char *subject, const char *status,
		const char *fix, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void add(struct doctor *d, const char *check, const char *subject, const char *status,
		const char *fix, const char *fmt, ...)
{
	struct row_doctor *r;
	va_list ap;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct row_doctor *nr = realloc(d->rows, cap * sizeof(*nr));

		if (!nr) {
			d->oom = true;
			return;
		}
		d->rows = nr;
		d->cap = cap;
	}
	r = &d->rows[d->n++];
	memset(r, 0, sizeof(*r));
	r->check = check;
	snprintf(r->subject, sizeof(r->subject), "%s", subject ? subject : "");
	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->value, sizeof(r->value), fmt, ap);
	va_end(ap);
	if (fix)
		snprintf(r->fix, sizeof(r->fix), "%s", fix);
	r->has_fix = fix != NULL;
}

/* ---- the kernel ------------------------------------------------------------ */

static void check_kconfig(struct doctor *d, const char *sym, const char *need_fix)
{
	char v[64];
	const char *val = host_kconfig(&d->h, sym, v, sizeof(v));

	if (!val)
		add(d, "kernel_config", sym, "info", NULL,
		    "unknown: no /boot/config-%s or /proc/config.gz", d->h.release);
	else if (strcmp(val, "y") == 0 || strcmp(val, "m") == 0)
		add(d, "kernel_config", sym, "ok", NULL, "%s (%s)", val, d->h.config_source);
	else
		add(d, "kernel_config", sym, "fail", need_fix, "%s (%s)", val, d->h.config_source);
}

static void check_kernel(struct doctor *d)
{
	char v[64];
	const char *mod;

	add(d, "kernel_release", NULL, "info", NULL, "%s", d->h.release[0] ? d->h.release : "unknown");
	check_kconfig(d, "CONFIG_IOMMUFD",
		      "run a kernel built with CONFIG_IOMMUFD=y or =m (Linux 6.2 or later)");
	check_kconfig(d, "CONFIG_VFIO_DEVICE_CDEV",
		      "run a kernel built with CONFIG_VFIO_DEVICE_CDEV=y (Linux 6.6 or later): "
		      "without it devices cannot be bound to an iommufd directly");
	mod = host_kconfig(&d->h, "CONFIG_IOMMUFD", v, sizeof(v));
	if (mod && strcmp(mod, "m") == 0) {
		if (host_exists(&d->h, "/sys/module/iommufd"))
			add(d, "iommufd_module", "iommufd", "ok", NULL, "loaded");
		else
			add(d, "iommufd_module", "iommufd", "fail", "modprobe iommufd", "not loaded");
	}
}

/* ---- the IOMMU and interrupts ----------------------------------------------- */

static void check_iommu(struct doctor *d)
{
	char v[64], list[512] = "", why[200];
	size_t n, used = 0, real = 0;
	char **units = host_list_dir(&d->h, "/sys/class/iommu", &n);
	bool dmar = host_exists(&d->h, "/sys/firmware/acpi/tables/DMAR");
	bool ivrs = host_exists(&d->h, "/sys/firmware/acpi/tables/IVRS");
	bool iort = host_exists(&d->h, "/sys/firmware/acpi/tables/IORT");
	const char *intel = host_cmdline_param(&d->h, "intel_iommu", v, sizeof(v));
	char av[64];
	const char *amd = host_cmdline_param(&d->h, "amd_iommu", av, sizeof(av));

	for (size_t i = 0; units && i < n; i++) {
		/* The selftest's mock unit is no IOMMU for real devices. */
		if (strncmp(units[i], "iommufd_selftest", 16) == 0)
			continue;
		real++;
		used += (size_t)snprintf(list + used, used < sizeof(list) ? sizeof(list) - used : 0,
					 "%s%s", real > 1 ? " " : "", units[i]);
	}
	host_free_list(units);
	if (used >= sizeof(list))
		snprintf(list + sizeof(list) - 4, 4, "...");
	if (real) {
		add(d, "iommu_units", NULL, "ok", NULL, "%zu: %s", real, list);
	} else {
		char fix[400];

		if (dmar && intel && (strcmp(intel, "off") == 0 || strcmp(intel, "0") == 0))
			snprintf(fix, sizeof(fix), "the kernel command line has intel_iommu=%s: "
				 "boot with intel_iommu=on", intel);
		else if (dmar)
			snprintf(fix, sizeof(fix), "the firmware has a DMAR table (Intel VT-d): boot "
				 "with intel_iommu=on and a kernel with CONFIG_INTEL_IOMMU=y");
		else if (ivrs && amd && strcmp(amd, "off") == 0)
			snprintf(fix, sizeof(fix), "the kernel command line has amd_iommu=off: "
				 "remove it");
		else if (ivrs)
			snprintf(fix, sizeof(fix), "the firmware has an IVRS table (AMD-Vi): use a "
				 "kernel with CONFIG_AMD_IOMMU=y and without amd_iommu=off");
		else if (iort)
			snprintf(fix, sizeof(fix), "the firmware has an IORT table (Arm SMMU): use a "
				 "kernel with CONFIG_ARM_SMMU_V3=y, and firmware whose IORT puts the "
				 "devices behind an SMMU");
		else
			snprintf(fix, sizeof(fix), "no DMAR, IVRS or IORT ACPI table: enable VT-d / "
				 "AMD-Vi / the SMMU (\"IOMMU\", \"Virtualization for directed I/O\") "
				 "in the firmware setup; in a VM, give it a vIOMMU (qemu: -device "
				 "intel-iommu, or -machine virt,iommu=smmuv3)");
		add(d, "iommu_units", NULL, "fail", fix, "none in /sys/class/iommu");
	}
	if (intel || amd)
		add(d, "iommu_cmdline", NULL, "info", NULL, "%s%s%s%s%s", intel ? "intel_iommu=" : "",
		    intel ? intel : "", intel && amd ? " " : "", amd ? "amd_iommu=" : "",
		    amd ? amd : "");

	enum host_irq_remap ir = host_irq_remapping(&d->h, why, sizeof(why));
	char unsafe[16] = "";
	bool allow = host_read_line(&d->h, "/sys/module/iommufd/parameters/allow_unsafe_interrupts",
				    unsafe, sizeof(unsafe)) == 0 && (unsafe[0] == 'Y' || unsafe[0] == '1');

	/* What isolates MSIs differs by architecture, and so does the way to it;
	 * powerpc has none to turn on (host_irq_remapping). */
	const char *turn_on, *enable;

	switch (host_arch(&d->h)) {
	case HOST_ARCH_ARM64:
		turn_on = "route MSIs through a GICv3 ITS (qemu -machine virt,gic-version=3)";
		enable = "give the devices a GICv3 ITS as their MSI controller (qemu -machine "
			 "virt,gic-version=3; a GICv2m cannot isolate)";
		break;
	case HOST_ARCH_PPC:
		turn_on = NULL;
		enable = "there is no MSI isolation to turn on on powerpc: iommufd binds devices "
			 "here only with iommufd.allow_unsafe_interrupts=1 (trust the device and its "
			 "user)";
		break;
	default:
		turn_on = "turn interrupt remapping on (intremap=on, a vIOMMU with intremap=on)";
		enable = "enable interrupt remapping (remove intremap=off; CONFIG_IRQ_REMAP=y; in "
			 "qemu -device intel-iommu,intremap=on or amd-iommu,intremap=on)";
		break;
	}
	char fix[400];

	if (ir == HOST_IR_ON) {
		add(d, "irq_remapping", NULL, "ok", NULL, "on: %s", why);
	} else if (allow) {
		if (turn_on)
			snprintf(fix, sizeof(fix), "%s and drop iommufd.allow_unsafe_interrupts",
				 turn_on);
		else
			snprintf(fix, sizeof(fix), "none on this platform: keep the devices trusted");
		add(d, "irq_remapping", NULL, "warn", fix,
		    "%s: %s; iommufd.allow_unsafe_interrupts=Y lets devices bind without MSI "
		    "isolation", ir == HOST_IR_OFF ? "off" : "unknown", why);
	} else if (ir == HOST_IR_OFF) {
		snprintf(fix, sizeof(fix), "%s%s", enable,
			 turn_on ? ", or accept unsafe MSIs with iommufd.allow_unsafe_interrupts=1" : "");
		add(d, "irq_remapping", NULL, "fail", fix,
		    "off: %s; binding a device fails with EPERM", why);
	} else {
		add(d, "irq_remapping", NULL, "info", NULL, "unknown: %s", why);
	}
}

/* ---- device nodes ------------------------------------------------------------ */

static void node_desc(const struct stat *sb, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(sb->st_uid);
	struct group *gr = getgrgid(sb->st_gid);
	char u[16], g[16];

	snprintf(u, sizeof(u), "%u", (unsigned)sb->st_uid);
	snprintf(g, sizeof(g), "%u", (unsigned)sb->st_gid);
	snprintf(buf, len, "%s:%s %04o", pw ? pw->pw_name : u, gr ? gr->gr_name : g,
		 (unsigned)(sb->st_mode & 07777));
}

/* A device node: present, a character device, usable by us. */
static bool check_node(struct doctor *d, const char *check, const char *node, const char *missing_fix)
{
	char p[2048], desc[120];
	struct stat sb;

	if (stat(host_path(&d->h, node, p, sizeof(p)), &sb) != 0) {
		add(d, check, node, "fail", missing_fix, "missing");
		return false;
	}
	node_desc(&sb, desc, sizeof(desc));
	if (!S_ISCHR(sb.st_mode)) {
		add(d, check, node, "fail", "remove it and let udev or devtmpfs create the node",
		    "not a character device (%s)", desc);
		return false;
	}
	if (access(p, R_OK | W_OK) != 0) {
		add(d, check, node, "fail",
		    "run as root, or give the user access (a udev rule setting GROUP/MODE)",
		    "%s: not read-write for uid %u", desc, (unsigned)geteuid());
		return false;
	}
	add(d, check, node, "ok", NULL, "%s", desc);
	return true;
}

static void check_nodes(struct doctor *d)
{
	size_t n;
	char **cls;

	check_node(d, "iommufd_node", "/dev/iommu",
		   "load iommufd (modprobe iommufd) on a kernel with CONFIG_IOMMUFD; the node is "
		   "created by devtmpfs/udev");
	/* Every VFIO device the kernel has, and whether its cdev node exists. */
	cls = host_list_dir(&d->h, "/sys/class/vfio-dev", &n);
	if (!cls || !n) {
		add(d, "vfio_cdevs", NULL, "info", NULL,
		    "none: no device is bound to a VFIO driver (vfio-pci) with the cdev interface");
	} else {
		for (size_t i = 0; i < n; i++) {
			char node[300], p[2048];
			struct stat sb;

			snprintf(node, sizeof(node), "/dev/vfio/devices/%s", cls[i]);
			if (stat(host_path(&d->h, node, p, sizeof(p)), &sb) == 0)
				add(d, "vfio_cdevs", node, "ok", NULL, "present");
			else
				add(d, "vfio_cdevs", node, "fail",
				    "the VFIO cdev interface is off: use a kernel with "
				    "CONFIG_VFIO_DEVICE_CDEV=y, and check devtmpfs/udev",
				    "/sys/class/vfio-dev/%s exists but its node does not", cls[i]);
		}
	}
	host_free_list(cls);
}

/* ---- devices --------------------------------------------------------------------- */

/* Parse "DDDD:BB:DD.F" or "BB:DD.F" (hex fields, nothing else) into a
 * canonical BDF; -EINVAL when it is not one. */
static int parse_bdf(const char *arg, char *bdf, size_t len)
{
	unsigned long f[4];
	int nf = 0;
	const char *p = arg;
	static const char seps[] = "::.";

	for (;;) {
		size_t n = strspn(p, "0123456789abcdefABCDEF");
		char *end;

		if (!n || n > 4 || nf == 4)
			return -EINVAL;
		f[nf++] = strtoul(p, &end, 16);
		p = end;
		if (!*p)
			break;
		if (*p != ':' && *p != '.')
			return -EINVAL;
		p++;
	}
	if (nf == 3) {		/* no domain */
		memmove(&f[1], &f[0], 3 * sizeof(f[0]));
		f[0] = 0;
	} else if (nf != 4) {
		return -EINVAL;
	}
	/* The separators must be where a BDF has them. */
	const char *q = arg;
	int want = nf == 4 ? 0 : 1;

	for (; *q; q++)
		if (*q == ':' || *q == '.')
			if (*q != seps[want++])
				return -EINVAL;
	if (f[0] > 0xffff || f[1] > 0xff || f[2] > 0x1f || f[3] > 7)
		return -EINVAL;
	snprintf(bdf, len, "%04lx:%02lx:%02lx.%lx", f[0], f[1], f[2], f[3]);
	return 0;
}

static bool is_vfio_name(const char *arg)
{
	const char *name = strrchr(arg, '/');

	name = name ? name + 1 : arg;
	return strncmp(name, "vfio", 4) == 0 && name[4] &&
	       strspn(name + 4, "0123456789") == strlen(name + 4);
}

/* "00:02.0" -> "0000:00:02.0"; a /dev/vfio/devices/vfioN or vfioN -> its BDF. */
static int resolve_device(struct doctor *d, const char *arg, char *bdf, size_t len)
{
	const char *name = strrchr(arg, '/');
	char link[300], p[2048], target[1024];
	ssize_t n;

	name = name ? name + 1 : arg;
	if (is_vfio_name(arg)) {
		snprintf(link, sizeof(link), "/sys/class/vfio-dev/%s/device", name);
		n = readlink(host_path(&d->h, link, p, sizeof(p)), target, sizeof(target) - 1);
		if (n < 0)
			return -ENOENT;
		target[n] = '\0';
		const char *t = strrchr(target, '/');

		t = t ? t + 1 : target;
		if (strlen(t) >= len)
			return -ENAMETOOLONG;
		memcpy(bdf, t, strlen(t) + 1);
		return 0;
	}
	return parse_bdf(arg, bdf, len);
}

/* Drivers that may hold other members of a device's group without breaking
 * its isolation: none, VFIO, and PCIe port services of a bridge. */
static bool driver_is_benign(const char *drv)
{
	return !drv[0] || strcmp(drv, "vfio-pci") == 0 || strcmp(drv, "pcieport") == 0 ||
	       strncmp(drv, "vfio", 4) == 0 || strcmp(drv, "pci-stub") == 0;
}

static void check_device(struct doctor *d, const char *bdf)
{
	char drv[128], path[512], fix[600], cdev[64], node[128], p[2048];
	long grp;
	int ret = host_pci_driver(&d->h, bdf, drv, sizeof(drv));

	if (ret) {
		add(d, "device", bdf, "fail", "check the address with lspci -D", "no such PCI device");
		return;
	}
	if (strcmp(drv, "vfio-pci") == 0) {
		add(d, "device_driver", bdf, "ok", NULL, "vfio-pci");
	} else {
		char unbind[300] = "";

		if (drv[0])
			snprintf(unbind, sizeof(unbind), "echo %s > /sys/bus/pci/drivers/%s/unbind; ",
				 bdf, drv);
		snprintf(fix, sizeof(fix),
			 "echo vfio-pci > /sys/bus/pci/devices/%s/driver_override; %s"
			 "echo %s > /sys/bus/pci/drivers_probe", bdf, unbind, bdf);
		add(d, "device_driver", bdf, "fail", fix, "%s", drv[0] ? drv : "no driver");
	}

	grp = host_pci_group(&d->h, bdf);
	if (grp < 0) {
		add(d, "device_group", bdf, "fail",
		    "the device is not behind an IOMMU: check iommu_units, and that the IOMMU "
		    "covers this device", "no IOMMU group");
	} else {
		size_t n;
		char **members;

		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%ld/devices", grp);
		members = host_list_dir(&d->h, path, &n);
		add(d, "device_group", bdf, "ok", NULL, "group %ld, %zu device(s)", grp, n);
		for (size_t i = 0; members && i < n; i++) {
			char mdrv[128];

			if (strcmp(members[i], bdf) == 0)
				continue;
			if (host_pci_driver(&d->h, members[i], mdrv, sizeof(mdrv)) != 0)
				mdrv[0] = '\0';
			if (driver_is_benign(mdrv)) {
				add(d, "group_member", members[i], "ok", NULL, "group %ld: %s", grp,
				    mdrv[0] ? mdrv : "no driver");
			} else {
				snprintf(fix, sizeof(fix),
					 "every device of group %ld must be unbound or on vfio-pci: "
					 "move %s to vfio-pci too, or unbind it (echo %s > "
					 "/sys/bus/pci/drivers/%s/unbind)", grp, members[i], members[i],
					 mdrv);
				add(d, "group_member", members[i], "fail", fix,
				    "group %ld: bound to %s", grp, mdrv);
			}
		}
		host_free_list(members);

		/* The IOVA the device cannot use: it narrows every IOAS it joins. */
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%ld/reserved_regions", grp);
		FILE *f = fopen(host_path(&d->h, path, p, sizeof(p)), "re");

		if (f) {
			char line[160], all[400] = "";
			size_t used = 0;
			unsigned cnt = 0;

			while (fgets(line, sizeof(line), f)) {
				unsigned long long s, l;
				char type[32];

				if (sscanf(line, "%llx %llx %31s", &s, &l, type) != 3)
					continue;
				used += (size_t)snprintf(all + used, used < sizeof(all) ? sizeof(all) - used : 0,
							 "%s0x%llx-0x%llx %s", cnt ? ", " : "", s, l, type);
				cnt++;
			}
			fclose(f);
			add(d, "reserved_regions", bdf, "info", NULL, "%s", cnt ? all : "none");
		}
	}

	if (host_pci_vfio_dev(&d->h, bdf, cdev, sizeof(cdev)) == 0) {
		struct stat sb;

		snprintf(node, sizeof(node), "/dev/vfio/devices/%s", cdev);
		if (stat(host_path(&d->h, node, p, sizeof(p)), &sb) == 0 && S_ISCHR(sb.st_mode))
			add(d, "device_cdev", bdf, "ok", NULL, "%s", node);
		else
			add(d, "device_cdev", bdf, "fail",
			    "the VFIO cdev interface is off: use a kernel with CONFIG_VFIO_DEVICE_CDEV=y",
			    "vfio-dev/%s without %s", cdev, node);
	} else if (strcmp(drv, "vfio-pci") == 0) {
		add(d, "device_cdev", bdf, "fail",
		    "the VFIO cdev interface is off: use a kernel with CONFIG_VFIO_DEVICE_CDEV=y",
		    "vfio-pci holds it but it has no vfio-dev entry");
	}
}

/* ---- memory --------------------------------------------------------------------- */

static bool have_cap_ipc_lock(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	bool cap = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "CapEff:", 7) == 0)
			cap = (strtoull(line + 7, NULL, 16) >> 14) & 1;	/* CAP_IPC_LOCK */
	fclose(f);
	return cap;
}

static void check_memory(struct doctor *d, bool have_need, uint64_t need)
{
	struct rlimit rl;
	char lim[64];
	bool cap = have_cap_ipc_lock();

	if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0) {
		add(d, "memlock", NULL, "info", NULL, "RLIMIT_MEMLOCK unreadable");
	} else {
		if (rl.rlim_cur == RLIM_INFINITY)
			snprintf(lim, sizeof(lim), "unlimited");
		else
			snprintf(lim, sizeof(lim), "%llu bytes", (unsigned long long)rl.rlim_cur);
		if (cap)
			add(d, "memlock", NULL, "ok", NULL,
			    "RLIMIT_MEMLOCK %s; CAP_IPC_LOCK: pinned pages are not limited", lim);
		else if (!have_need)
			add(d, "memlock", NULL, "info", NULL,
			    "RLIMIT_MEMLOCK %s (pinned memory is charged to it by default; "
			    "--memory SIZE checks a size)", lim);
		else if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
			add(d, "memlock", NULL, "ok", NULL, "RLIMIT_MEMLOCK %s >= %llu bytes to pin",
			    lim, (unsigned long long)need);
		else
			add(d, "memlock", NULL, "fail",
			    "raise the limit (ulimit -l, LimitMEMLOCK= in systemd, memlock in "
			    "limits.conf), or give the process CAP_IPC_LOCK",
			    "RLIMIT_MEMLOCK %s < %llu bytes to pin: maps would fail with ENOMEM", lim,
			    (unsigned long long)need);
	}

	long long total = host_meminfo_kb(&d->h, "HugePages_Total");
	long long freep = host_meminfo_kb(&d->h, "HugePages_Free");
	long long size = host_meminfo_kb(&d->h, "Hugepagesize");
	char thp[128] = "";

	host_read_line(&d->h, "/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof(thp));
	if (total >= 0)
		add(d, "hugepages", NULL, "info", NULL,
		    "%lld of %lld free (%lld kB each); transparent huge pages: %s", freep, total,
		    size, thp[0] ? thp : "unknown");
	else
		add(d, "hugepages", NULL, "info", NULL, "unknown (no /proc/meminfo)");
}

/* Is 'arg' shaped like a PCI address or a VFIO cdev?  (Whether it exists is
 * a check of its own, not a usage error.) */
static bool device_arg_ok(const char *arg)
{
	char bdf[32];

	return is_vfio_name(arg) || parse_bdf(arg, bdf, sizeof(bdf)) == 0;
}

int cmd_doctor(struct iommuctl *g, struct cmd_args *a)
{
	struct doctor d = { 0 };
	uint64_t need = 0;
	bool have_need = false, ready = true;
	char bdf[32];
	int ret;

	ret = iommuctl_columns(g, &fam_doctor);
	if (ret)
		return ret;
	if (a->count[DOCTOR_OPT_MEMORY]) {
		ret = arg_size(g, a, DOCTOR_OPT_MEMORY, &need);
		if (ret)
			return ret;
		have_need = true;
	}
	for (int i = 0; i < a->argc; i++)
		if (!device_arg_ok(a->argv[i]))
			return iommuctl_usage(g, "'%s' is neither a PCI address (0000:00:02.0) nor "
					      "a VFIO cdev (/dev/vfio/devices/vfio0)", a->argv[i]);

	host_init(&d.h, getenv("IOMMUCTL_SYSROOT"));
	check_kernel(&d);
	check_iommu(&d);
	check_nodes(&d);
	for (int i = 0; i < a->argc; i++) {
		ret = resolve_device(&d, a->argv[i], bdf, sizeof(bdf));
		if (ret == 0)
			check_device(&d, bdf);
		else
			add(&d, "device", a->argv[i], "fail",
			    ret == -EINVAL ? "check the address with lspci -D" :
			    "check the name: ls /sys/class/vfio-dev", "%s",
			    ret == -EINVAL ? "not a valid PCI address" : "no such VFIO device");
	}
	check_memory(&d, have_need, need);
	host_free(&d.h);
	if (d.oom) {
		free(d.rows);
		return iommuctl_fail_errno(g, NULL, "doctor", ENOMEM, NULL, NULL);
	}

	size_t nfail = 0, nwarn = 0;

	for (size_t i = 0; i < d.n; i++) {
		nfail += strcmp(d.rows[i].status, "fail") == 0;
		nwarn += strcmp(d.rows[i].status, "warn") == 0;
	}
	ready = nfail == 0;
	out_rows(&g->out, &fam_doctor, d.rows, d.n, sizeof(*d.rows), NULL);
	out_json_add(&g->out, "ready", json_object_new_boolean(ready));
	out_json_add(&g->out, "failed", json_object_new_int64((int64_t)nfail));
	out_json_add(&g->out, "warnings", json_object_new_int64((int64_t)nwarn));
	if (ready)
		out_note(&g->out, "ready%s", nwarn ? " (with warnings)" : "");
	else
		out_note(&g->out, "not ready: %zu check(s) failed", nfail);
	free(d.rows);
	if (ready)
		return 0;
	/* The checklist is the answer: print it, and say "no" in the exit code. */
	g->report_on_failure = true;
	return EXIT_FAILED;
}
