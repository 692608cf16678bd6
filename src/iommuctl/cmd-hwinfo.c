// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * hw-info: IOMMU_GET_HW_INFO for a device, decoded field by field with the
 * raw registers beside.  The device is one already bound to the context
 * (--dev-id: a mock device of the simulator's state, or one bound through an
 * inherited fd), or a VFIO cdev bound for the length of the command
 * (--device), which is how a shell user asks about a real device.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "ifd-abi.h"
#include "columns.h"
#include "iommuctl.h"
#include "shared/host.h"

static const struct {
	uint64_t bit;
	const char *name;
} caps[] = {
	{ IFD_HW_CAP_DIRTY_TRACKING, "DIRTY_TRACKING" },
	{ IFD_HW_CAP_PCI_PASID_EXEC, "PCI_PASID_EXEC" },
	{ IFD_HW_CAP_PCI_PASID_PRIV, "PCI_PASID_PRIV" },
	{ IFD_HW_CAP_PCI_ATS_NOT_SUPPORTED, "PCI_ATS_NOT_SUPPORTED" },
};

/* The cdev node of --device: a node path, "vfioN", or a PCI address. */
static int device_node(const char *arg, char *node, size_t len)
{
	struct host h;
	char name[64];
	int ret = 0;

	if (arg[0] == '/') {
		snprintf(node, len, "%s", arg);
		return 0;
	}
	if (strncmp(arg, "vfio", 4) == 0) {
		snprintf(node, len, "/dev/vfio/devices/%s", arg);
		return 0;
	}
	host_init(&h, NULL);
	if (host_pci_vfio_dev(&h, arg, name, sizeof(name)) == 0)
		snprintf(node, len, "/dev/vfio/devices/%s", name);
	else
		ret = -ENOENT;
	host_free(&h);
	return ret;
}

/* Open the cdev and bind it to our iommufd; the binding ends when *fd closes. */
static int bind_device(struct iommuctl *g, const char *arg, int *fd, uint32_t *dev_id)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	char node[512], msg[600];

	if (device_node(arg, node, sizeof(node)) != 0) {
		snprintf(msg, sizeof(msg), "%s has no VFIO cdev: is it bound to vfio-pci?", arg);
		return iommuctl_fail_errno(g, arg, "open", ENOENT, msg,
					   "see 'iommuctl doctor' for what the device needs");
	}
	*fd = open(node, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return iommuctl_fail_errno(g, node, "open", errno, NULL, NULL);
	bind.iommufd = ifd_ctx_fd(g->ctx);
	if (ioctl(*fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		int err = errno;

		return iommuctl_fail_errno(g, node, "VFIO_DEVICE_BIND_IOMMUFD", err, NULL,
					   err == EPERM ? "MSI interrupts are not isolated here "
					   "(no interrupt remapping): see 'iommuctl doctor'" :
					   err == EBUSY ? "the device is bound to another iommufd "
					   "or VFIO container" : NULL);
	}
	*dev_id = bind.out_devid;
	return 0;
}

int cmd_hw_info(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_hw_info hi = { .size = sizeof(hi) };
	uint64_t data[64] = { 0 };	/* larger than any driver's struct so far */
	struct row_hw_info row = { 0 };
	struct ifd_hw_reg *regs = NULL;
	struct ifd_hw_field *fields = NULL;
	size_t nregs = 0, nfields = 0;
	int dev_fd = -1, ret;
	char object[64];

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!!a->count[HWINFO_OPT_DEV_ID] == !!a->count[HWINFO_OPT_DEVICE])
		return iommuctl_usage(g, "give either --dev-id ID or --device CDEV|PCI-ADDRESS");
	if (a->count[HWINFO_OPT_DEV_ID]) {
		ret = arg_id(g, a, HWINFO_OPT_DEV_ID, &hi.dev_id);
		if (ret)
			return ret;
	}
	ret = iommuctl_columns(g, &fam_hw_fields);
	if (ret)
		return ret;
	ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (a->count[HWINFO_OPT_DEVICE]) {
		if (ifd_ctx_backend(g->ctx) != IFD_BACKEND_KERNEL)
			return iommuctl_fail_errno(g, a->val[HWINFO_OPT_DEVICE], "hw-info", EOPNOTSUPP,
						   "the simulator has no VFIO devices",
						   "use --dev-id with a mock device (IOMMU_TEST_CMD)");
		ret = bind_device(g, a->val[HWINFO_OPT_DEVICE], &dev_fd, &hi.dev_id);
		if (ret)
			return ret;
	}
	snprintf(object, sizeof(object), "device %u", hi.dev_id);
	hi.data_len = sizeof(data);
	hi.data_uptr = (uintptr_t)data;
	ret = ifd_ioctl(g->ctx, IOMMU_GET_HW_INFO, &hi);
	if (dev_fd >= 0)
		close(dev_fd);		/* unbinds: nothing of ours outlives the command */
	if (ret < 0)
		return iommuctl_fail(g, object, NULL, NULL);

	row.dev_id = hi.dev_id;
	row.type = hi.out_data_type;
	row.type_name = ifd_hw_info_type_name(hi.out_data_type);
	row.data_len = hi.data_len;
	row.capabilities = hi.out_capabilities;
	row.max_pasid_log2 = hi.out_max_pasid_log2;
	row.bound_for_command = dev_fd >= 0;
	for (size_t i = 0, used = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (hi.out_capabilities & caps[i].bit)
			used += (size_t)snprintf(row.cap_names + used,
						 used < sizeof(row.cap_names) ? sizeof(row.cap_names) - used : 0,
						 "%s%s", used ? "," : "", caps[i].name);
	row.decoded = ifd_hw_info_registers(hi.out_data_type, data, hi.data_len, &regs, &nregs) == 0 &&
		      ifd_hw_info_decode(hi.out_data_type, data, hi.data_len, &fields, &nfields) == 0;
	out_rows(&g->out, &fam_hw_fields, fields, nfields, sizeof(*fields), NULL);
	out_record(&g->out, &fam_hw_info, &row, "device:");
	out_rows(&g->out, &fam_hw_regs, regs, nregs, sizeof(*regs), "registers:");
	if (!row.decoded)
		out_note(&g->out, "data type %u is not one this release decodes", hi.out_data_type);
	free(regs);
	free(fields);
	return 0;
}
