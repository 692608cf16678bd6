// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * viommu alloc, vdevice alloc, hw-queue alloc, change-process.
 *
 * A vIOMMU is the slice of a physical IOMMU a VMM gives a guest: it sits on
 * a nest parent HWPT, holds the guest's devices (vDevices, by their virtual
 * IDs), reports their events (vEVENTQ, see cmd-eventq.c) and may hand
 * hardware queues straight to the guest.  change-process moves the pinning
 * of a context's file mappings to the calling process.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "columns.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"
#include "iommuctl.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct named_value viommu_types[] = {
	{ "arm_smmuv3", 1 },
	{ "tegra241_cmdqv", 2 },
	{ "selftest", IFD_VIOMMU_TYPE_SELFTEST },
};

/* The vIOMMU types that take input data (the selftest's loops it back). */
static const struct data_type viommu_data[] = {
	{ "selftest", IFD_VIOMMU_TYPE_SELFTEST, 24, { { "in_data", 0, 4 } } },
};

static const struct named_value hw_queue_types[] = {
	{ "tegra241_cmdqv", 1 },
	{ "selftest", IFD_HW_QUEUE_TYPE_SELFTEST },
};

/* Remember an object made in a batch or the shell (and its --name). */
static int remember(struct iommuctl *g, uint32_t id, const char *name, const char *object,
		    const char *what)
{
	if (session_object_new(&g->session, id) ||
	    (name && session_name_add(&g->session, name, id)))
		return iommuctl_fail_errno(g, object, what, ENOMEM, NULL, NULL);
	return 0;
}

int cmd_viommu_alloc(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_viommu_alloc c = { .size = sizeof(c) };
	struct row_viommu row = { 0 };
	uint8_t data[64];
	char object[48];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[VIOMMU_OPT_DEV_ID] || !a->count[VIOMMU_OPT_HWPT] ||
	    !a->count[VIOMMU_OPT_TYPE])
		return iommuctl_usage(g, "--dev-id, --hwpt and --type are required");
	row.name = a->val[VIOMMU_OPT_NAME];
	ret = iommuctl_name_arg(g, row.name);
	if (!ret)
		ret = arg_id(g, a, VIOMMU_OPT_DEV_ID, &c.dev_id);
	if (!ret)
		ret = arg_id(g, a, VIOMMU_OPT_HWPT, &c.hwpt_id);
	if (!ret)
		ret = arg_named(g, a, VIOMMU_OPT_TYPE, viommu_types, N(viommu_types), &c.type);
	if (!ret && a->count[VIOMMU_OPT_DATA]) {
		const struct data_type *t = NULL;

		for (size_t i = 0; i < N(viommu_data); i++)
			if (viommu_data[i].type == c.type)
				t = &viommu_data[i];
		if (!t)
			return iommuctl_usage(g, "--data: iommuctl knows no input data of this "
					      "--type (only selftest's)");
		ret = iommuctl_parse_data(g, "--data", t, a->val[VIOMMU_OPT_DATA], data);
		c.data_len = t->size;
		c.data_uptr = (uintptr_t)data;
	}
	if (!ret)
		ret = iommuctl_columns(g, &fam_viommu);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "device %u on hwpt %u", c.dev_id, c.hwpt_id);
	if (ifd_ioctl(g->ctx, IOMMU_VIOMMU_ALLOC, &c) < 0)
		return iommuctl_fail(g, object, NULL, NULL);
	row.id = c.out_viommu_id;
	row.dev_id = c.dev_id;
	row.hwpt_id = c.hwpt_id;
	named_value_text(viommu_types, N(viommu_types), c.type, row.type, sizeof(row.type));
	ret = remember(g, row.id, row.name, object, "viommu alloc");
	if (ret)
		return ret;
	out_rows(&g->out, &fam_viommu, &row, 1, sizeof(row), NULL);
	return 0;
}

int cmd_vdevice_alloc(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_vdevice_alloc c = { .size = sizeof(c) };
	struct row_vdevice row = { 0 };
	char object[48];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[VDEV_OPT_VIOMMU] || !a->count[VDEV_OPT_DEV_ID] || !a->count[VDEV_OPT_VIRT_ID])
		return iommuctl_usage(g, "--viommu, --dev-id and --virt-id are required");
	row.name = a->val[VDEV_OPT_NAME];
	ret = iommuctl_name_arg(g, row.name);
	if (!ret)
		ret = arg_id(g, a, VDEV_OPT_VIOMMU, &c.viommu_id);
	if (!ret)
		ret = arg_id(g, a, VDEV_OPT_DEV_ID, &c.dev_id);
	if (!ret)
		ret = arg_u64(g, a, VDEV_OPT_VIRT_ID, &c.virt_id);
	if (!ret)
		ret = iommuctl_columns(g, &fam_vdevice);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "device %u on viommu %u", c.dev_id, c.viommu_id);
	if (ifd_ioctl(g->ctx, IOMMU_VDEVICE_ALLOC, &c) < 0)
		return iommuctl_fail(g, object, NULL, NULL);
	row.id = c.out_vdevice_id;
	row.viommu = c.viommu_id;
	row.dev_id = c.dev_id;
	row.virt_id = c.virt_id;
	ret = remember(g, row.id, row.name, object, "vdevice alloc");
	if (ret)
		return ret;
	out_rows(&g->out, &fam_vdevice, &row, 1, sizeof(row), NULL);
	return 0;
}

int cmd_hw_queue_alloc(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_hw_queue_alloc c = { .size = sizeof(c) };
	struct row_hw_queue row = { 0 };
	uint64_t index;
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[HWQ_OPT_VIOMMU] || !a->count[HWQ_OPT_TYPE] || !a->count[HWQ_OPT_BASE] ||
	    !a->count[HWQ_OPT_LENGTH])
		return iommuctl_usage(g, "--viommu, --type, --base-addr and --length are required");
	row.name = a->val[HWQ_OPT_NAME];
	ret = iommuctl_name_arg(g, row.name);
	if (!ret)
		ret = arg_id(g, a, HWQ_OPT_VIOMMU, &c.viommu_id);
	if (!ret)
		ret = arg_named(g, a, HWQ_OPT_TYPE, hw_queue_types, N(hw_queue_types), &c.type);
	if (!ret && a->count[HWQ_OPT_INDEX]) {
		ret = arg_u64(g, a, HWQ_OPT_INDEX, &index);
		if (!ret && index > UINT32_MAX)
			return iommuctl_usage(g, "--index: more than 32 bits");
		c.index = (uint32_t)index;
	}
	if (!ret)
		ret = arg_u64(g, a, HWQ_OPT_BASE, &c.nesting_parent_iova);
	if (!ret)
		ret = arg_size(g, a, HWQ_OPT_LENGTH, &c.length);
	if (!ret)
		ret = iommuctl_columns(g, &fam_hw_queue);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "viommu %u", c.viommu_id);
	if (ifd_ioctl(g->ctx, IOMMU_HW_QUEUE_ALLOC, &c) < 0)
		return iommuctl_fail(g, object, NULL, NULL);
	row.id = c.out_hw_queue_id;
	row.viommu = c.viommu_id;
	row.index = c.index;
	row.base_addr = c.nesting_parent_iova;
	row.length = c.length;
	named_value_text(hw_queue_types, N(hw_queue_types), c.type, row.type, sizeof(row.type));
	ret = remember(g, row.id, row.name, object, "hw-queue alloc");
	if (ret)
		return ret;
	out_rows(&g->out, &fam_hw_queue, &row, 1, sizeof(row), NULL);
	return 0;
}

int cmd_change_process(struct iommuctl *g, struct cmd_args *a)
{
	struct iommu_ioas_change_process c = { .size = sizeof(c) };
	struct row_change_process row = { .pid = (long)getpid() };
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	ret = iommuctl_columns(g, &fam_change_process);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (ifd_ioctl(g->ctx, IOMMU_IOAS_CHANGE_PROCESS, &c) < 0)
		return iommuctl_fail(g, NULL, NULL, NULL);
	out_rows(&g->out, &fam_change_process, &row, 1, sizeof(row), NULL);
	if (iommuctl_fd_is_private(g) && !g->session.active)
		iommuctl_note(g, "this was iommuctl's own /dev/iommu fd: its mappings went away with "
			      "it; use --fd or --pid with --fd to take over another context's");
	return 0;
}
