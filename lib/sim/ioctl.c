// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ioctl entry: the kernel's command table, its extensible-struct rules
 * (in the kernel's order: table slot, size read, slot match, minimum size,
 * trailing bytes, copy-in), and the commands that are not about an IOAS.
 *
 * The emulated kernel is the VM lab's, built with CONFIG_IOMMUFD_TEST: its
 * table runs to IOMMU_TEST_CMD (0xa0, mock.c), so 0x95..0x9f are holes of
 * the table (the size is read first: EFAULT for a bad pointer, then ENOTTY)
 * and only numbers past 0xa0 go to the VFIO compatibility handler, which
 * does not read the argument of a command it does not know.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "cmds.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"

/* The effective set, asked once per process (at its first operation, as the
 * user namespace is): the kernel asks at every call, but a system call per
 * map would cost more than the map.  A process that changes its own
 * capabilities while it uses the handle is not seen doing so. */
uint64_t sim_read_caps(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return geteuid() == 0 ? ~0ull : 0;
	return data[0].effective | (uint64_t)data[1].effective << 32;
}

/* The kernel's capable(): the capability in the initial user namespace, so
 * the full set a process has inside a user namespace of its own counts for
 * nothing (sim->foreign_userns, see store.c). */
int sim_capable(struct sim *sim, int cap)
{
	if (sim->foreign_userns || cap < 0 || cap > 63)
		return 0;
	return !!(sim->caps & (1ull << cap));
}

int sim_respond(struct sim_ucmd *uc)
{
	if (sim_uwrite(uc->sim, uc->ubuf, uc->cmd, SIM_MIN(uc->user_size, uc->ksize)))
		return sim_fail(uc->sim, EFAULT, "cannot write the result back to 0x%llx",
				(unsigned long long)uc->ubuf);
	return 0;
}

/* ---- commands about objects in general ---------------------------------------------------- */

static int cmd_destroy(struct sim_ucmd *uc)
{
	struct iommu_destroy *cmd = uc->cmd;

	return sim_obj_destroy(uc->sim, cmd->id);
}

static int option_rlimit_mode(struct sim_ucmd *uc, struct iommu_option *cmd)
{
	struct sim *sim = uc->sim;
	struct sim_ctx *ctx = sim_my_ctx(sim);

	if (cmd->object_id)
		return sim_fail(sim, EOPNOTSUPP, "RLIMIT_MODE is global: object_id must be 0");
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = ctx->account_mode == SIM_ACCOUNT_MM;
		return 0;
	}
	if (cmd->op != IOMMU_OPTION_OP_SET)
		return sim_fail(sim, EOPNOTSUPP, "unknown option op %u", cmd->op);
	if (!sim_capable(sim, CAP_SYS_RESOURCE))
		return sim_fail(sim, EPERM, "setting RLIMIT_MODE needs CAP_SYS_RESOURCE");
	if (ctx->nr_objects || ctx->obj_root)
		return sim_fail(sim, EBUSY, "RLIMIT_MODE can only change while the context has no "
				"objects (it has %llu)", (unsigned long long)ctx->nr_objects);
	if (cmd->val64 > 1)
		return sim_fail(sim, EINVAL, "RLIMIT_MODE is 0 (user) or 1 (mm), not %llu",
				(unsigned long long)cmd->val64);
	ctx = sim_recw(sim, sim->ctx_off, SIM_TAG_CTX);
	ctx->account_mode = cmd->val64 ? SIM_ACCOUNT_MM : SIM_ACCOUNT_USER;
	sim->dirty = true;
	return 0;
}

static int option_huge_pages(struct sim_ucmd *uc, struct iommu_option *cmd)
{
	struct sim *sim = uc->sim;
	uint64_t off;
	int ret;

	ret = sim_get_obj(sim, cmd->object_id, SIM_OBJ_IOAS, &off);
	if (ret)
		return ret;
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = !((struct sim_obj *)sim_rec(sim, off, SIM_TAG_OBJ))->ioas.disable_large_pages;
		return 0;
	}
	if (cmd->op != IOMMU_OPTION_OP_SET)
		return sim_fail(sim, EOPNOTSUPP, "unknown option op %u", cmd->op);
	if (cmd->val64 == 0)
		return sim_disable_large_pages(sim, off);
	if (cmd->val64 == 1) {
		sim_enable_large_pages(sim, off);
		return 0;
	}
	return sim_fail(sim, EINVAL, "HUGE_PAGES is 0 or 1, not %llu", (unsigned long long)cmd->val64);
}

static int cmd_option(struct sim_ucmd *uc)
{
	struct iommu_option *cmd = uc->cmd;
	int ret;

	if (cmd->__reserved)
		return sim_fail(uc->sim, EOPNOTSUPP, "__reserved is not zero");
	switch (cmd->option_id) {
	case IOMMU_OPTION_RLIMIT_MODE:
		ret = option_rlimit_mode(uc, cmd);
		break;
	case IOMMU_OPTION_HUGE_PAGES:
		ret = option_huge_pages(uc, cmd);
		break;
	default:
		return sim_fail(uc->sim, EOPNOTSUPP, "unknown option %u", cmd->option_id);
	}
	if (ret)
		return ret;
	/* Only val64 goes back. */
	if (sim_uwrite(uc->sim, uc->ubuf + offsetof(struct iommu_option, val64), &cmd->val64,
		       sizeof(cmd->val64)))
		return sim_fail(uc->sim, EFAULT, "cannot write val64 back");
	return 0;
}

static int cmd_vfio_ioas(struct sim_ucmd *uc)
{
	struct iommu_vfio_ioas *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	struct sim_ctx *ctx;
	uint64_t off;
	int ret;

	if (cmd->__reserved)
		return sim_fail(sim, EOPNOTSUPP, "__reserved is not zero");
	switch (cmd->op) {
	case IOMMU_VFIO_IOAS_GET:
		ctx = sim_my_ctx(sim);
		if (!ctx->vfio_ioas)
			return sim_fail(sim, ENODEV, "no IOAS is set for the VFIO compatibility ioctls");
		cmd->ioas_id = ctx->vfio_ioas;
		return sim_respond(uc);
	case IOMMU_VFIO_IOAS_SET:
		ret = sim_get_obj(sim, cmd->ioas_id, SIM_OBJ_IOAS, &off);
		if (ret)
			return ret;
		((struct sim_ctx *)sim_recw(sim, sim->ctx_off, SIM_TAG_CTX))->vfio_ioas = cmd->ioas_id;
		sim->dirty = true;
		return 0;
	case IOMMU_VFIO_IOAS_CLEAR:
		((struct sim_ctx *)sim_recw(sim, sim->ctx_off, SIM_TAG_CTX))->vfio_ioas = 0;
		sim->dirty = true;
		return 0;
	default:
		return sim_fail(sim, EOPNOTSUPP, "unknown op %u", cmd->op);
	}
}

/* ---- commands about devices and HWPTs ------------------------------------------------------ */

static uint32_t dev_flags_of(struct sim *sim, uint64_t idev_off)
{
	return ((struct sim_obj *)sim_rec(sim, idev_off, SIM_TAG_OBJ))->idev.dev_flags;
}

int sim_cmd_get_hw_info(struct sim_ucmd *uc)
{
	static const uint8_t zero[256];
	const struct sim_platform *plat = sim_platform(uc->sim);
	struct ifd_hw_info *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint32_t copy, flags;
	uint64_t off;
	int ret;

	if (cmd->flags & ~IFD_HW_INFO_FLAG_INPUT_TYPE)
		return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x", cmd->flags);
	if (cmd->reserved[0] || cmd->reserved[1] || cmd->reserved[2])
		return sim_fail(sim, EOPNOTSUPP, "__reserved is not zero");
	if (!(cmd->flags & IFD_HW_INFO_FLAG_INPUT_TYPE))
		cmd->in_data_type = 0;	/* IOMMU_HW_INFO_TYPE_DEFAULT */
	ret = sim_get_obj(sim, cmd->dev_id, SIM_OBJ_DEVICE, &off);
	if (ret)
		return ret;
	/* The platform driver's hw_info: the default type or its own.  A driver
	 * without one (type NONE) ignores the type asked for. */
	if (plat->hw_info_type && cmd->in_data_type != 0 && cmd->in_data_type != plat->hw_info_type)
		return sim_fail(sim, EOPNOTSUPP, "the IOMMU reports no data of type 0x%x",
				cmd->in_data_type);
	cmd->out_data_type = plat->hw_info_type;
	copy = SIM_MIN(cmd->data_len, SIM_MIN(plat->hw_info_len, (uint32_t)sizeof(plat->hw_info)));
	if (copy && sim_uwrite(sim, cmd->data_uptr, plat->hw_info, copy))
		return sim_fail(sim, EFAULT, "cannot write the data to 0x%llx",
				(unsigned long long)cmd->data_uptr);
	/* clear_user() of the rest of the caller's buffer */
	for (uint64_t done = copy; done < cmd->data_len;) {
		uint32_t n = SIM_MIN(cmd->data_len - (uint32_t)done, (uint32_t)sizeof(zero));

		if (sim_uwrite(sim, cmd->data_uptr + done, zero, n))
			return sim_fail(sim, EFAULT, "cannot clear the data past %u bytes",
					copy);
		done += n;
	}
	cmd->data_len = plat->hw_info_len;
	flags = dev_flags_of(sim, off);
	cmd->out_capabilities = sim_dev_hw_caps(sim, flags);
	/* "pasid-num-bits": 0 (one PASID, log2 0) or the IOMMU's width */
	cmd->out_max_pasid_log2 = (flags & SIM_MOCK_DEV_PASID) ? (uint8_t)plat->max_pasid_log2 : 0;
	return sim_respond(uc);
}

/* ---- the table and the entry ------------------------------------------------------------- */

typedef int (*sim_cmd_fn)(struct sim_ucmd *uc);

static sim_cmd_fn cmd_fn(unsigned int nr)
{
	switch (nr) {
	case IFD_NR_DESTROY:			return cmd_destroy;
	case IFD_NR_IOAS_ALLOC:			return sim_cmd_ioas_alloc;
	case IFD_NR_IOAS_ALLOW_IOVAS:		return sim_cmd_allow_iovas;
	case IFD_NR_IOAS_COPY:			return sim_cmd_ioas_copy;
	case IFD_NR_IOAS_IOVA_RANGES:		return sim_cmd_iova_ranges;
	case IFD_NR_IOAS_MAP:			return sim_cmd_ioas_map;
	case IFD_NR_IOAS_UNMAP:			return sim_cmd_ioas_unmap;
	case IFD_NR_OPTION:			return cmd_option;
	case IFD_NR_VFIO_IOAS:			return cmd_vfio_ioas;
	case IFD_NR_HWPT_ALLOC:			return sim_cmd_hwpt_alloc;
	case IFD_NR_GET_HW_INFO:		return sim_cmd_get_hw_info;
	case IFD_NR_HWPT_SET_DIRTY_TRACKING:	return sim_cmd_set_dirty_tracking;
	case IFD_NR_HWPT_GET_DIRTY_BITMAP:	return sim_cmd_get_dirty_bitmap;
	case IFD_NR_HWPT_INVALIDATE:		return sim_cmd_hwpt_invalidate;
	case IFD_NR_FAULT_QUEUE_ALLOC:		return sim_cmd_fault_queue_alloc;
	case IFD_NR_IOAS_MAP_FILE:		return sim_cmd_ioas_map_file;
	case IFD_NR_VIOMMU_ALLOC:		return sim_cmd_viommu_alloc;
	case IFD_NR_VDEVICE_ALLOC:		return sim_cmd_vdevice_alloc;
	case IFD_NR_IOAS_CHANGE_PROCESS:	return sim_cmd_change_process;
	case IFD_NR_VEVENTQ_ALLOC:		return sim_cmd_veventq_alloc;
	case IFD_NR_HW_QUEUE_ALLOC:		return sim_cmd_hw_queue_alloc;
	case IFD_NR_TEST_CMD:			return sim_cmd_test;
	default:				return NULL;
	}
}

static int dispatch(struct sim *sim, unsigned int cmd, uint64_t ubuf)
{
	unsigned int nr = _IOC_NR(cmd);
	uint64_t buf[16];	/* the largest command struct, 8-byte aligned */

	_Static_assert(sizeof(buf) >= sizeof(struct ifd_test_cmd), "command buffer");
	struct sim_ucmd uc = { .sim = sim, .ubuf = ubuf, .cmd = buf };
	uint32_t min;
	int z;

	if (nr < IFD_CMD_BASE || nr > IFD_NR_TEST_CMD)
		return sim_vfio_ioctl(sim, cmd, (unsigned long)ubuf);
	if (sim_uread(sim, &uc.user_size, ubuf, sizeof(uc.user_size)))
		return sim_fail(sim, EFAULT, "cannot read the struct size at 0x%llx",
				(unsigned long long)ubuf);
	if (nr > IFD_NR_LAST && nr < IFD_NR_TEST_CMD)
		return sim_fail(sim, ENOTTY, "0x%x is not an iommufd command (slot 0x%x is a hole of "
				"the table)", cmd, nr);
	if (cmd != IFD_CMD(nr))
		return sim_fail(sim, ENOTTY, "0x%x is not an iommufd command (slot 0x%x holds 0x%x)",
				cmd, nr, (unsigned)IFD_CMD(nr));
	min = ifd_min_size(nr);
	uc.ksize = ifd_struct_size(nr);
	if (uc.user_size < min)
		return sim_fail(sim, EINVAL, "size %u is below the %u bytes this command needs",
				uc.user_size, min);
	if (uc.user_size > uc.ksize) {
		z = sim_uzero(sim, ubuf + uc.ksize, uc.user_size - uc.ksize);
		if (z < 0)
			return sim_fail(sim, EFAULT, "cannot read the struct's %u bytes",
					uc.user_size);
		if (!z)
			return sim_fail(sim, E2BIG, "bytes past the %u this kernel knows are not zero",
					uc.ksize);
	}
	memset(buf, 0, sizeof(buf));
	if (sim_uread(sim, buf, ubuf, SIM_MIN(uc.user_size, uc.ksize)))
		return sim_fail(sim, EFAULT, "cannot read the struct at 0x%llx",
				(unsigned long long)ubuf);
	return cmd_fn(nr)(&uc);
}

int sim_ioctl(struct sim *sim, unsigned long cmd, void *arg, char *detail, size_t dlen)
{
	int ret = sim_enter(sim, detail, dlen);

	if (ret)
		return ret;
	sim->entry_frame = (uintptr_t)__builtin_frame_address(0);
	/* ioctl(2) takes the command as an unsigned int. */
	ret = dispatch(sim, (unsigned int)cmd, (uint64_t)(uintptr_t)arg);
	sim->entry_frame = 0;
	/* what the command queued reaches the queue fds of this process now */
	if (sim->nqfds)
		sim_eventq_sync(sim);
	return sim_leave(sim, ret);
}
