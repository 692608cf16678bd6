// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * sim sysroot DIR: write the host the simulator state emulates as a
 * directory tree in the layout doctor and device list read
 * (IOMMUCTL_SYSROOT=DIR): its IOMMU unit as the real driver names it, the
 * firmware table, command line, kernel config and MSI controller that go
 * with it, /dev/iommu, and each mock device of the state as a PCI device on
 * vfio-pci with its IOMMU group, reserved regions and VFIO cdev.  The
 * registers and reserved regions come from the library (what GET_HW_INFO
 * answers and what an attach reserves), never a copy of them.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <json-c/json.h>

#include "columns.h"
#include "iommuctl.h"

/* Marks a tree this command wrote: --force deletes only such a tree. */
#define MARKER_NAME ".iommuctl-sysroot"
#define MARKER "/" MARKER_NAME

/* Device numbers of the VM lab's guest (dynamic ones: any would do). */
#define IOMMU_MAJOR	10
#define IOMMU_MINOR	257
#define VFIO_MAJOR	252

/* What a host of each platform shows beyond the profile's IOMMU. */
struct machine {
	const char *iommu;		/* struct ifd_sim_platform's name */
	const char *unit;		/* its /sys/class/iommu name */
	const char *acpi_table;		/* the firmware's IOMMU table, NULL: device tree */
	const char *cmdline;
	const char *cpuinfo;		/* enough for host_arch() and a reader */
	const char *kconfig;		/* the platform's lines of the config */
	const char *root_chip;		/* an interrupt chip of the platform */
	const char *msi_chip;		/* prefix of a device's MSI chip */
	bool unsafe_interrupts;		/* iommufd.allow_unsafe_interrupts=Y */
};

/* The PCI host bridge of every machine here (ACPI, or pSeries' PHB 0). */
#define PCI_ROOT "/sys/devices/pci0000:00"

static const struct machine machines[] = {
	/* VT-d is off unless the kernel is built or booted with it on */
	{ "intel-vtd", "dmar0", "DMAR", "console=ttyS0 intel_iommu=on",
	  "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: QEMU Virtual CPU\n",
	  "CONFIG_X86_64=y\nCONFIG_INTEL_IOMMU=y\nCONFIG_IRQ_REMAP=y\n",
	  "IR-IO-APIC", "IR-PCI-MSIX-", false },
	/* AMD-Vi is on by default; amd_iommu= has no "on" */
	{ "amd-vi", "ivhd0", "IVRS", "console=ttyS0",
	  "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: QEMU Virtual CPU\n",
	  "CONFIG_X86_64=y\nCONFIG_AMD_IOMMU=y\nCONFIG_IRQ_REMAP=y\n",
	  "IR-IO-APIC", "IR-PCI-MSIX-", false },
	/* QEMU virt's SMMUv3 (booted with ACPI); the GICv3 ITS isolates MSIs */
	{ "arm-smmuv3", "smmu3.0x0000000009050000", "IORT", "console=ttyAMA0",
	  "processor\t: 0\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\nCPU architecture: 8\n",
	  "CONFIG_ARM64=y\nCONFIG_ARM_SMMU_V3=y\nCONFIG_ARM_GIC_V3_ITS=y\n",
	  "GICv3", "ITS-PCI-MSIX-", false },
	/* pSeries names a unit per PHB and has no ACPI; no interrupt domain
	 * there is counted as isolating MSIs, so a host that uses iommufd has
	 * to allow unsafe interrupts (see host_irq_remapping) */
	{ "spapr", "iommu-phb0000", NULL, "console=hvc0",
	  "processor\t: 0\ncpu\t\t: POWER9 (architected), altivec supported\n\n"
	  "platform\t: pSeries\nmodel\t\t: IBM pSeries (emulated by qemu)\n",
	  "CONFIG_PPC64=y\nCONFIG_PPC_PSERIES=y\nCONFIG_SPAPR_TCE_IOMMU=y\n",
	  "XIVE-IRQ", "pSeries-PCI-MSI-", true },
};

const char *sim_iommu_unit(const char *iommu)
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (strcmp(machines[i].iommu, iommu) == 0)
			return machines[i].unit;
	return "";	/* the selftest mock is on no real host */
}


/* The tree being written: the first failure sticks, so the writing code
 * stays linear and is checked once. */
struct tree {
	char root[4096];
	int err;			/* errno of the first failure */
	const char *op;			/* what failed: "mkdir", "mknod", ... */
	char path[4200];		/* where */
};

static bool failed(struct tree *t, const char *op, const char *path)
{
	if (!t->err) {
		t->err = errno ? errno : EIO;
		t->op = op;
		snprintf(t->path, sizeof(t->path), "%s%s", t->root, path);
	}
	return false;
}

/* Make the directories of 'path' (under the root), all but its last part. */
static bool parents(struct tree *t, const char *path)
{
	char p[4200];
	size_t rl = strlen(t->root);

	snprintf(p, sizeof(p), "%s%s", t->root, path);
	for (char *s = strchr(p + rl + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return failed(t, "mkdir", p + rl);
		*s = '/';
	}
	return true;
}

static void put(struct tree *t, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void put(struct tree *t, const char *path, const char *fmt, ...)
{
	char p[4200];
	va_list ap;
	FILE *f;
	int bad;

	if (t->err || !parents(t, path))
		return;
	snprintf(p, sizeof(p), "%s%s", t->root, path);
	f = fopen(p, "wex");
	if (!f) {
		failed(t, "create", path);
		return;
	}
	va_start(ap, fmt);
	bad = vfprintf(f, fmt, ap) < 0;
	va_end(ap);
	if (fclose(f) != 0 || bad)
		failed(t, "write", path);
}

/* A symlink at 'path' to 'target' (both as on the host), relative as sysfs
 * makes them, so the tree can be moved. */
static void link_to(struct tree *t, const char *target, const char *path)
{
	char rel[1024] = "", p[4200];
	size_t used = 0;

	if (t->err || !parents(t, path))
		return;
	for (const char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/'))
		used += (size_t)snprintf(rel + used, sizeof(rel) - used, "../");
	snprintf(rel + used, sizeof(rel) - used, "%s", target + 1);
	snprintf(p, sizeof(p), "%s%s", t->root, path);
	if (symlink(rel, p) != 0)
		failed(t, "symlink", path);
}

static void node(struct tree *t, const char *path, mode_t mode, unsigned maj, unsigned min)
{
	char p[4200];

	if (t->err || !parents(t, path))
		return;
	snprintf(p, sizeof(p), "%s%s", t->root, path);
	if (mknod(p, S_IFCHR | mode, makedev(maj, min)) != 0 || chmod(p, mode) != 0)
		failed(t, "mknod", path);
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	if (ftw->level == 0)
		return 0;	/* the directory itself stays */
	return (type == FTW_DP ? rmdir(path) : unlink(path)) ? -1 : 0;
}

/* Empty DIR (without following links or leaving its file system). */
static int empty_dir(const char *dir)
{
	return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) ? -errno : 0;
}

/* 1 if DIR has no entries, 0 if it has, -errno. */
static int dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 1;

	if (!d)
		return -errno;
	while (ret == 1 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			ret = 0;
	closedir(d);
	return ret;
}

/* A register of the platform's GET_HW_INFO data, by its name in lib/hwinfo.c. */
static bool reg(const struct ifd_hw_reg *regs, size_t n, const char *name, uint64_t *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(regs[i].name, name) == 0) {
			*v = regs[i].value;
			return true;
		}
	return false;
}

static void write_unit(struct tree *t, const struct machine *m, uint32_t type, const void *data,
		       size_t len)
{
	struct ifd_hw_reg *regs = NULL;
	size_t n = 0;
	uint64_t a, b;
	char path[256];

	if (ifd_hw_info_registers(type, data, len, &regs, &n) != 0)
		n = 0;	/* spapr: no data */
	snprintf(path, sizeof(path), "/sys/class/iommu/%s/devices/", m->unit);
	if (!t->err)
		parents(t, path);	/* devices/ itself, even with no device */
	/* as the drivers print them: hex without 0x; AMD's EFR, then EFR2 */
	if (reg(regs, n, "cap_reg", &a) && reg(regs, n, "ecap_reg", &b)) {
		snprintf(path, sizeof(path), "/sys/class/iommu/%s/intel-iommu/cap", m->unit);
		put(t, path, "%llx\n", (unsigned long long)a);
		snprintf(path, sizeof(path), "/sys/class/iommu/%s/intel-iommu/ecap", m->unit);
		put(t, path, "%llx\n", (unsigned long long)b);
	}
	if (reg(regs, n, "efr", &a) && reg(regs, n, "efr2", &b)) {
		snprintf(path, sizeof(path), "/sys/class/iommu/%s/amd-iommu/features", m->unit);
		put(t, path, "%llx:%llx\n", (unsigned long long)a, (unsigned long long)b);
	}
	free(regs);
}

static void write_host(struct tree *t, const struct machine *m, const struct ifd_sim_info *info)
{
	char path[256];

	put(t, "/proc/sys/kernel/osrelease", "%s\n", info->kernel_version);
	put(t, "/proc/cmdline", "%s\n", m->cmdline);
	put(t, "/proc/cpuinfo", "%s", m->cpuinfo);
	put(t, "/proc/meminfo", "MemTotal:        4000000 kB\nHugePages_Total:       0\n"
	    "HugePages_Free:        0\nHugepagesize:       %llu kB\n",
	    (unsigned long long)(info->hpage_size >> 10));
	snprintf(path, sizeof(path), "/boot/config-%s", info->kernel_version);
	put(t, path, "CONFIG_IOMMU_SUPPORT=y\nCONFIG_IOMMUFD=y\nCONFIG_VFIO=y\nCONFIG_VFIO_PCI=y\n"
	    "CONFIG_VFIO_DEVICE_CDEV=y\n%s", m->kconfig);
	if (m->acpi_table) {
		/* present is what doctor looks at; the contents are the firmware's */
		snprintf(path, sizeof(path), "/sys/firmware/acpi/tables/%s", m->acpi_table);
		put(t, path, "%s", "");
	}
	put(t, "/sys/module/iommufd/parameters/allow_unsafe_interrupts", "%c\n",
	    m->unsafe_interrupts ? 'Y' : 'N');
	put(t, "/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
	put(t, "/sys/kernel/irq/1/chip_name", "%s\n", m->root_chip);
	/* what device vfio-bind and vfio-release write */
	put(t, "/sys/bus/pci/drivers_probe", "%s", "");
	put(t, "/sys/bus/pci/drivers/vfio-pci/bind", "%s", "");
	put(t, "/sys/bus/pci/drivers/vfio-pci/unbind", "%s", "");
}

static void write_device(struct tree *t, const struct machine *m, const struct ifd_sim_platform *plat,
			 const struct row_sysroot *r)
{
	char dev[256], p[512], grp[64], unit[128], vdev[300], resv[IFD_SIM_MAX_RESV * 64] = "";
	size_t used = 0;

	snprintf(dev, sizeof(dev), PCI_ROOT "/%s", r->bdf);
	snprintf(grp, sizeof(grp), "/sys/kernel/iommu_groups/%u", r->group);
	snprintf(unit, sizeof(unit), "/sys/class/iommu/%s", m->unit);
	snprintf(vdev, sizeof(vdev), "%s/vfio-dev/vfio%u", dev, r->minor);
	/* QEMU's edu device, as in the VM lab */
	snprintf(p, sizeof(p), "%s/vendor", dev);
	put(t, p, "0x1234\n");
	snprintf(p, sizeof(p), "%s/device", dev);
	put(t, p, "0x11e8\n");
	snprintf(p, sizeof(p), "%s/driver_override", dev);
	put(t, p, "vfio-pci\n");
	snprintf(p, sizeof(p), "%s/driver", dev);
	link_to(t, "/sys/bus/pci/drivers/vfio-pci", p);
	snprintf(p, sizeof(p), "/sys/bus/pci/drivers/vfio-pci/%s", r->bdf);
	link_to(t, dev, p);
	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s", r->bdf);
	link_to(t, dev, p);
	snprintf(p, sizeof(p), "%s/iommu_group", dev);
	link_to(t, grp, p);
	snprintf(p, sizeof(p), "%s/devices/%s", grp, r->bdf);
	link_to(t, dev, p);
	snprintf(p, sizeof(p), "%s/iommu", dev);
	link_to(t, unit, p);
	snprintf(p, sizeof(p), "%s/devices/%s", unit, r->bdf);
	link_to(t, dev, p);
	/* as the kernel prints them, which calls a software MSI window "msi" too */
	for (uint32_t i = 0; i < plat->nr_resv && i < IFD_SIM_MAX_RESV; i++)
		used += (size_t)snprintf(resv + used, sizeof(resv) - used, "0x%016llx 0x%016llx %s\n",
					 (unsigned long long)plat->resv[i].start,
					 (unsigned long long)plat->resv[i].last,
					 strcmp(plat->resv[i].type, "sw_msi") ? plat->resv[i].type : "msi");
	snprintf(p, sizeof(p), "%s/reserved_regions", grp);
	put(t, p, "%s", resv);
	snprintf(p, sizeof(p), "%s/dev", vdev);
	put(t, p, "%u:%u\n", VFIO_MAJOR, r->minor);
	snprintf(p, sizeof(p), "%s/device", vdev);
	link_to(t, dev, p);
	snprintf(p, sizeof(p), "/sys/class/vfio-dev/vfio%u", r->minor);
	link_to(t, vdev, p);
	snprintf(p, sizeof(p), "/sys/kernel/irq/%u/chip_name", 24 + r->minor);
	put(t, p, "%s%s\n", m->msi_chip, r->bdf);
	node(t, r->cdev, 0600, VFIO_MAJOR, r->minor);
}

/* The machine as the state's host boots it: without MSI isolation (sim
 * create --msi), x86 has interrupt remapping off and Arm a GICv2m instead
 * of the ITS; allow_unsafe_interrupts as the state has it. */
static int host_interrupts(struct iommuctl *g, const struct machine *m, struct machine *host,
			   char *cmdline, size_t len)
{
	struct ifd_sim_vfio_dev *devs = NULL;
	size_t n = 0;
	bool isolated = true, unsafe = m->unsafe_interrupts;

	if (ifd_sim_vfio_devices(g->ctx, &devs, &n))
		return iommuctl_fail(g, NULL, NULL, NULL);
	if (n) {
		isolated = devs[0].msi_isolated;
		unsafe = devs[0].unsafe_interrupts;
	}
	free(devs);
	*host = *m;
	host->unsafe_interrupts = unsafe;
	if (isolated || strcmp(m->iommu, "spapr") == 0)
		return 0;
	if (strcmp(m->iommu, "arm-smmuv3") == 0) {
		host->msi_chip = "GICv2m-PCI-MSIX-";
		return 0;
	}
	snprintf(cmdline, len, "%s intremap=off", m->cmdline);
	host->cmdline = cmdline;
	host->root_chip = "IO-APIC";
	host->msi_chip = "PCI-MSIX-";
	return 0;
}

/* Where the i-th mock device sits: slots 2-31 of bus 0 (the VM lab's edu
 * device is 00:02.0), then their other functions. */
#define MAX_DEVICES	(30 * 8)

int cmd_sim_sysroot(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_sim_platform plat;
	struct ifd_sim_info info;
	struct machine host = { 0 };
	char cmdline[160];
	struct ifd_sim_object *objs = NULL;
	struct row_sysroot *rows = NULL;
	const struct machine *m = NULL;
	struct tree t = { .err = 0 };
	uint8_t hw[256];
	size_t nobj = 0, ndev = 0;
	bool made = false;
	int hwlen, ret;
	const char *dir;

	if (a->argc != 1)
		return iommuctl_usage(g, a->argc ? "one directory, not %d operands" :
				      "which directory? (sim sysroot DIR)", a->argc);
	dir = a->argv[0];
	if (!dir[0] || strlen(dir) >= sizeof(t.root) - 256)
		return iommuctl_usage(g, "'%s' is no directory name to write under", dir);
	ret = iommuctl_columns(g, &fam_sysroot);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (ifd_sim_info(g->ctx, &info) || ifd_sim_platform(g->ctx, &plat))
		return iommuctl_fail(g, NULL, NULL, NULL);
	hwlen = ifd_sim_platform_hw_info(g->ctx, hw, sizeof(hw));
	if (hwlen < 0)
		return iommuctl_fail(g, NULL, NULL, NULL);
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (strcmp(machines[i].iommu, plat.iommu) == 0)
			m = &machines[i];
	if (!m)
		return iommuctl_fail_errno(g, info.profile, "profile", EOPNOTSUPP,
					   "the selftest mock IOMMU of this profile is on no real host",
					   "create the state with --profile intel-vtd, amd-vi, arm-smmuv3 "
					   "or spapr");
	ret = host_interrupts(g, m, &host, cmdline, sizeof(cmdline));
	if (ret)
		return ret;
	m = &host;
	if (ifd_sim_objects(g->ctx, &objs, &nobj))
		return iommuctl_fail(g, NULL, NULL, NULL);
	rows = calloc(nobj ? nobj : 1, sizeof(*rows));
	if (!rows) {
		free(objs);
		return iommuctl_fail_errno(g, NULL, "sim sysroot", ENOMEM, NULL, NULL);
	}
	for (size_t i = 0; i < nobj; i++) {
		struct row_sysroot *r = &rows[ndev];

		if (strcmp(objs[i].type, "device"))
			continue;
		r->dev_id = objs[i].id;
		r->minor = r->group = (uint32_t)ndev;
		snprintf(r->bdf, sizeof(r->bdf), "0000:00:%02x.%x", (unsigned)(2 + ndev % 30),
			 (unsigned)(ndev / 30));
		snprintf(r->cdev, sizeof(r->cdev), "/dev/vfio/devices/vfio%u", r->minor);
		r->unit = m->unit;
		ndev++;
	}
	free(objs);
	if (ndev > MAX_DEVICES) {
		free(rows);
		return iommuctl_fail_errno(g, NULL, "mock devices", E2BIG,
					   "more mock devices than the tree's PCI bus places",
					   "at most 240 (slots 2-31, functions 0-7 of bus 0)");
	}

	/* The directory: new, empty, or one this command wrote (--force). */
	snprintf(t.root, sizeof(t.root), "%s", dir);
	for (size_t n = strlen(t.root); n > 1 && t.root[n - 1] == '/'; n--)
		t.root[n - 1] = '\0';
	ret = dir_empty(t.root);
	if (ret == -ENOENT) {
		if (mkdir(t.root, 0755) != 0) {
			ret = errno;
			free(rows);
			return iommuctl_fail_errno(g, t.root, "mkdir", ret, NULL,
						   ret == ENOENT ? "its parent directory must exist" : NULL);
		}
		made = true;
	} else if (ret < 0) {
		free(rows);
		return iommuctl_fail_errno(g, t.root, "opendir", -ret, NULL, NULL);
	} else if (ret == 0) {
		char mark[4400];
		bool ours;

		snprintf(mark, sizeof(mark), "%s" MARKER, t.root);
		ours = access(mark, F_OK) == 0;
		if (!a->count[SIM_SYSROOT_OPT_FORCE] || !ours) {
			free(rows);
			return iommuctl_fail_errno(g, t.root, "directory", EEXIST,
						   ours ? "the directory holds an earlier tree" :
						   "the directory is not empty",
						   ours ? "--force replaces it" :
						   "give a new or empty directory (--force replaces only a "
						   "tree sim sysroot wrote, which has " MARKER_NAME ")");
		}
		ret = empty_dir(t.root);
		if (ret) {
			free(rows);
			return iommuctl_fail_errno(g, t.root, "directory", -ret,
						   "cannot remove the earlier tree", NULL);
		}
	}

	/* The marker first, so that a tree cut short can be replaced; the
	 * device nodes next, so that without CAP_MKNOD little is undone. */
	put(&t, MARKER, "written by iommuctl sim sysroot from %s (profile %s)\n", info.path,
	    info.profile);
	node(&t, "/dev/iommu", 0666, IOMMU_MAJOR, IOMMU_MINOR);
	write_host(&t, m, &info);
	write_unit(&t, m, plat.hw_info_type, hw, (size_t)hwlen < sizeof(hw) ? (size_t)hwlen : sizeof(hw));
	for (size_t i = 0; i < ndev; i++)
		write_device(&t, m, &plat, &rows[i]);
	if (t.err) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s failed; %s", t.op,
			 made ? "the directory was removed" : "the directory was emptied");
		empty_dir(t.root);
		if (made)
			rmdir(t.root);
		free(rows);
		return iommuctl_fail_errno(g, t.path, t.op, t.err, msg,
					   t.err == EPERM && strcmp(t.op, "mknod") == 0 ?
					   "device nodes need CAP_MKNOD (root, outside a user namespace)" :
					   NULL);
	}

	struct json_object *units = json_object_new_array();

	json_object_array_add(units, json_object_new_string(m->unit));
	out_rows(&g->out, &fam_sysroot, rows, ndev, sizeof(*rows), NULL);
	out_json_add(&g->out, "sysroot", json_object_new_string(t.root));
	out_json_add(&g->out, "iommu", json_object_new_string(plat.iommu));
	out_json_add(&g->out, "units", units);
	out_note(&g->out, "wrote %s: %s (IOMMU unit %s), %zu device(s); IOMMUCTL_SYSROOT=%s "
		 "iommuctl doctor reads it", t.root, plat.iommu, m->unit, ndev, t.root);
	free(rows);
	return 0;
}
