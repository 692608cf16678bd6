// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * status: which backend these options reach, the device node, the kernel,
 * and which ioctls the backend has (probed, never assumed).  It must work
 * where iommufd is absent, so a failed open is part of the report.
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "columns.h"
#include "iommuctl.h"
#include "shared/host.h"

#define DEFAULT_DEV "/dev/iommu"

/* Entries of /sys/class/iommu (the selftest's mock unit included: it is
 * one to iommufd), or -1 if there is no such directory. */
static long iommu_units(const struct host *h)
{
	size_t n;
	char **l = host_list_dir(h, "/sys/class/iommu", &n);

	host_free_list(l);
	return l ? (long)n : -1;
}

/* Why the kernel has no iommufd node, in a few words (iommuctl doctor, later,
 * goes into the details). */
static void absent_reason(const struct row_status *st, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s does not exist", st->device);

	if (st->config_iommufd && strcmp(st->config_iommufd, "not set") == 0)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 ": CONFIG_IOMMUFD is not set in this kernel (%s)",
					 st->config_source);
	else if (st->config_iommufd && strcmp(st->config_iommufd, "m") == 0 &&
		 access("/sys/module/iommufd", F_OK) != 0)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 ": iommufd is a module that is not loaded (modprobe iommufd)");
	else if (!st->config_iommufd)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 ": no kernel config found to tell why");
	if (st->units_known && st->iommu_units == 0)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 "; no IOMMU units in /sys/class/iommu (no IOMMU, or it is off: "
					 "intel_iommu=on for a DMAR table, no amd_iommu=off for IVRS, "
					 "or enable it in the firmware)");
	snprintf(buf + used, used < len ? len - used : 0,
		 "; 'iommuctl doctor' checks everything passthrough needs and says what to fix");
}

int cmd_status(struct iommuctl *g, struct cmd_args *a)
{
	struct row_status st = { 0 };
	struct ifd_error e = { 0 };
	struct row_ioctl *ioctls = NULL;
	struct ifd_sim_info info;
	struct host host;
	char kval[64], cval[64], why[200], unsafe[8];
	struct stat sb;
	char owner[80], mode[8], sim_path[4096], problem[512];
	size_t ncmds = 0;
	long units;
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	ret = iommuctl_columns(g, &fam_status);
	if (ret)
		return ret;

	st.device = g->dev_path ? g->dev_path : DEFAULT_DEV;
	if (stat(st.device, &sb) == 0) {
		struct passwd *pw = getpwuid(sb.st_uid);
		struct group *gr = getgrgid(sb.st_gid);
		char u[16], gid[16];

		snprintf(u, sizeof(u), "%u", (unsigned)sb.st_uid);
		snprintf(gid, sizeof(gid), "%u", (unsigned)sb.st_gid);
		snprintf(owner, sizeof(owner), "%s:%s", pw ? pw->pw_name : u, gr ? gr->gr_name : gid);
		snprintf(mode, sizeof(mode), "%04o", (unsigned)(sb.st_mode & 07777));
		st.device_present = true;
		st.owner = owner;
		st.mode = mode;
	}
	host_init(&host, NULL);
	st.kernel_release = host.release[0] ? host.release : "unknown";
	st.config_iommufd = host_kconfig(&host, "CONFIG_IOMMUFD", kval, sizeof(kval));
	st.config_source = st.config_iommufd ? host.config_source : NULL;
	units = iommu_units(&host);
	st.config_vfio_cdev = host_kconfig(&host, "CONFIG_VFIO_DEVICE_CDEV", cval, sizeof(cval));
	switch (host_irq_remapping(&host, why, sizeof(why))) {
	case HOST_IR_ON: st.irq_remapping = "on"; break;
	case HOST_IR_OFF: st.irq_remapping = "off"; break;
	default: break;
	}
	if (host_read_line(&host, "/sys/module/iommufd/parameters/allow_unsafe_interrupts", unsafe,
			   sizeof(unsafe)) == 0) {
		st.unsafe_known = true;
		st.allow_unsafe_interrupts = unsafe[0] == 'Y' || unsafe[0] == '1';
	}
	host_free(&host);	/* only the config text: the rest are arrays in 'host' */
	st.units_known = units >= 0;
	st.iommu_units = units >= 0 ? (uint64_t)units : 0;
	if (g->sim_path)
		snprintf(sim_path, sizeof(sim_path), "%s", g->sim_path);
	else if (ifd_sim_default_path(sim_path, sizeof(sim_path), 0) != 0)
		sim_path[0] = '\0';
	st.sim_path = sim_path[0] ? sim_path : NULL;
	st.sim_exists = sim_path[0] && access(sim_path, F_OK) == 0;

	ret = iommuctl_open_ctx(g, &e);
	if (ret == 0) {
		st.backend = ifd_ctx_backend_name(g->ctx);
		st.path = ifd_ctx_path(g->ctx);
		if (ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM && ifd_sim_info(g->ctx, &info) == 0)
			st.emulated_release = info.kernel_version;
	} else {
		st.backend = g->backend == IFD_BACKEND_SIM ? "simulator" :
			     g->backend == IFD_BACKEND_KERNEL || st.device_present ? "kernel" :
			     "simulator";
	}
	g->out.backend = st.backend;

	if (!st.device_present) {
		absent_reason(&st, problem, sizeof(problem));
		st.problem = problem;
	} else if (ret && strcmp(st.backend, "kernel") == 0) {
		snprintf(problem, sizeof(problem), "%s", e.detail[0] ? e.detail : strerror(e.err));
		st.problem = problem;
	}

	const struct ifd_cmd_info *cmds = ifd_cmd_table(&ncmds);

	ioctls = calloc(ncmds ? ncmds : 1, sizeof(*ioctls));
	if (!ioctls)
		return iommuctl_fail_errno(g, NULL, "status", ENOMEM, NULL, NULL);
	for (size_t i = 0; i < ncmds; i++) {
		ioctls[i].info = &cmds[i];
		ioctls[i].supported = -1;
		if (g->ctx) {
			int p = ifd_probe_ioctl(g->ctx, cmds[i].cmd);

			ioctls[i].supported = p < 0 ? -1 : p;
		}
	}
	out_record(&g->out, &fam_status, &st, NULL);
	out_rows(&g->out, &fam_ioctls, ioctls, ncmds, sizeof(*ioctls),
		 g->ctx ? "ioctls, probed on this backend:"
			: "ioctls (not probed: the backend could not be opened):");
	free(ioctls);
	if (ret == 0)
		return 0;

	/* The report is complete either way; the exit code says whether the
	 * backend asked for is usable.  Auto mode with nothing set up yet is
	 * not a failure: the report says what to do. */
	g->report_on_failure = true;
	if (!g->backend_explicit && g->fd < 0 && e.err == ENOENT)
		return 0;
	return iommuctl_open_failed(g, &e, strcmp(st.backend, "kernel") == 0 ? st.problem : NULL);
}
