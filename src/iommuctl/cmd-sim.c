// SPDX-License-Identifier: GPL-3.0-or-later
/* sim create | reset | check | info: manage a simulator state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "iommuctl.h"

static int print_info(struct iommuctl *g)
{
	struct ifd_sim_vfio_dev *devs = NULL;
	struct row_sim row;
	size_t used = 0, ndev = 0;

	memset(&row, 0, sizeof(row));
	if (ifd_sim_info(g->ctx, &row.info) || ifd_sim_platform(g->ctx, &row.plat))
		return iommuctl_fail(g, NULL, NULL, NULL);
	for (uint32_t i = 0; i < row.plat.nr_resv && i < IFD_SIM_MAX_RESV; i++) {
		int n = snprintf(row.reserved + used, sizeof(row.reserved) - used,
				 "%s0x%llx-0x%llx %s", i ? "," : "",
				 (unsigned long long)row.plat.resv[i].start,
				 (unsigned long long)row.plat.resv[i].last, row.plat.resv[i].type);

		if (n < 0 || (size_t)n >= sizeof(row.reserved) - used)
			break;
		used += (size_t)n;
	}
	if (ifd_sim_vfio_devices(g->ctx, &devs, &ndev))
		return iommuctl_fail(g, NULL, NULL, NULL);
	row.nr_vfio = (uint32_t)ndev;
	row.msi = sim_msi_words_list[!ndev || devs[0].msi_isolated ? 0 :
				     devs[0].unsafe_interrupts ? 1 : 2];
	free(devs);
	out_record(&g->out, &fam_sim, &row, NULL);
	return 0;
}

static bool known_profile(const char *name)
{
	for (const char *const *p = ifd_sim_profiles(); p && *p; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

int cmd_sim_create(struct iommuctl *g, struct cmd_args *a)
{
	const char *profile = a->val[SIM_CREATE_OPT_PROFILE];
	const char *bits = a->val[SIM_CREATE_OPT_APERTURE_BITS];
	struct ifd_sim_create_opts o = { .size = sizeof(o), .profile = profile };
	struct ifd_error e = { 0 };
	char path[4096], names[256] = "";
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s' (the path goes in --sim=PATH)",
				      a->argv[0]);
	if (g->fd >= 0)
		return iommuctl_usage(g, "it makes a new state file; --fd adopts an open one");
	if (g->ctx)
		return iommuctl_usage(g, "this batch or shell has its state open already: sim create "
				      "cannot replace it under the commands that use it (run it on "
				      "its own, or first)");
	if (profile && !known_profile(profile)) {
		size_t used = 0;

		for (const char *const *p = ifd_sim_profiles(); p && *p && used < sizeof(names); p++)
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 used ? ", " : "", *p);
		return iommuctl_usage(g, "--profile: unknown profile '%s' (profiles: %s)", profile,
				      names);
	}
	if (bits) {
		if (!profile || strcmp(profile, "intel-vtd"))
			return iommuctl_usage(g, "--aperture-bits: only --profile intel-vtd takes an "
					      "aperture width");
		if (strcmp(bits, "39") && strcmp(bits, "48"))
			return iommuctl_usage(g, "--aperture-bits: '%s' is not 39 or 48", bits);
		o.aperture_bits = (uint32_t)atoi(bits);
	}
	if (a->count[SIM_CREATE_OPT_MSI]) {
		const char *v = a->val[SIM_CREATE_OPT_MSI];

		for (uint32_t i = 0; sim_msi_words_list[i]; i++)
			if (strcmp(v, sim_msi_words_list[i]) == 0)
				o.msi = IFD_SIM_MSI_ISOLATED + i;
		if (!o.msi)
			return iommuctl_usage(g, "--msi: '%s' is not isolated, unsafe-allowed or "
					      "unisolated", v);
		if (o.msi == IFD_SIM_MSI_ISOLATED && profile && strcmp(profile, "spapr") == 0)
			return iommuctl_usage(g, "--msi isolated: pSeries (--profile spapr) has no "
					      "MSI isolation");
	}
	o.replace = a->count[SIM_CREATE_OPT_FORCE] > 0;
	ret = iommuctl_columns(g, &fam_sim);
	if (ret)
		return ret;
	if (g->sim_path)
		snprintf(path, sizeof(path), "%s", g->sim_path);
	else if ((ret = ifd_sim_default_path(path, sizeof(path), 1)) != 0)
		return iommuctl_fail_errno(g, NULL, "simulator state", -ret,
					   "cannot set up the default state directory", NULL);
	if (ifd_sim_create_opts(path, &o, &e))
		return iommuctl_fail_errno(g, NULL, e.ioctl, e.err, e.detail,
					   e.err == EEXIST ? "--force replaces it, destroying its "
							     "objects" : NULL);
	g->sim_path = path;
	ret = iommuctl_open(g);
	return ret ? ret : print_info(g);
}

int cmd_sim_reset(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_sim_info before;
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	ret = iommuctl_columns(g, &fam_sim);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (ifd_sim_info(g->ctx, &before) || ifd_sim_reset(g->ctx))
		return iommuctl_fail(g, NULL, NULL, NULL);
	session_forget_all(&g->session);
	iommuctl_note(g, "destroyed %u objects and %llu areas", before.nr_objects,
		      (unsigned long long)before.nr_areas);
	return print_info(g);
}

int cmd_sim_check(struct iommuctl *g, struct cmd_args *a)
{
	struct row_check row;
	char report[4096] = "";
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	ret = iommuctl_columns(g, &fam_check);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	ret = ifd_sim_check(g->ctx, report, sizeof(report));
	if (ret && ret != -EUCLEAN)
		return iommuctl_fail(g, NULL, NULL, NULL);
	row.consistent = ret == 0;
	row.report = report;
	out_record(&g->out, &fam_check, &row, NULL);
	if (row.consistent)
		return 0;
	/* The report is the output; the exit code says the state is broken. */
	g->report_on_failure = true;
	report_error(&g->rep, &(struct report_error){
		.command = g->cmdname, .object = ifd_ctx_path(g->ctx), .ioctl = "sim check",
		.err = EUCLEAN, .message = "the state is inconsistent (the report is on stdout)" });
	return EXIT_FAILED;
}

int cmd_sim_info(struct iommuctl *g, struct cmd_args *a)
{
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	ret = iommuctl_columns(g, &fam_sim);
	if (!ret)
		ret = iommuctl_open(g);
	return ret ? ret : print_info(g);
}
