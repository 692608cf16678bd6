// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Typed wrappers: each fills the kernel's struct, goes through ifd_ioctl()
 * (so both backends, the trace hook and error recording apply) and returns
 * the outputs.  Nothing here knows which backend it talks to.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

IFD_EXPORT int ifd_destroy(struct ifd_ctx *ctx, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ifd_ioctl(ctx, IOMMU_DESTROY, &cmd);
}

IFD_EXPORT int ifd_ioas_alloc(struct ifd_ctx *ctx, uint32_t *out_ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int ret = ifd_ioctl(ctx, IOMMU_IOAS_ALLOC, &cmd);

	if (ret == 0)
		*out_ioas_id = cmd.out_ioas_id;
	return ret;
}

IFD_EXPORT int ifd_ioas_iova_ranges(struct ifd_ctx *ctx, uint32_t ioas_id,
				    struct ifd_range **ranges, uint32_t *nr,
				    uint64_t *out_alignment)
{
	struct iommu_ioas_iova_ranges cmd = { .size = sizeof(cmd), .ioas_id = ioas_id };
	struct iommu_iova_range *buf = NULL;
	int ret;

	_Static_assert(sizeof(struct ifd_range) == sizeof(struct iommu_iova_range),
		       "ifd_range mirrors iommu_iova_range");
	*ranges = NULL;
	*nr = 0;
	/*
	 * The list can change between the two calls (another thread attaching a
	 * device), so retry while the kernel keeps saying EMSGSIZE.
	 */
	for (int tries = 0; tries < 16; tries++) {
		ret = ifd_ioctl(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd);
		if (ret != -EMSGSIZE)
			break;
		uint32_t want = cmd.num_iovas;
		void *nbuf = realloc(buf, (size_t)(want ? want : 1) * sizeof(*buf));

		if (!nbuf) {
			free(buf);
			return ifd_set_error(ctx, IOMMU_IOAS_IOVA_RANGES, NULL, ENOMEM, NULL);
		}
		buf = nbuf;
		cmd.num_iovas = want;
		cmd.allowed_iovas = (uintptr_t)buf;
	}
	if (ret) {
		free(buf);
		return ret;
	}
	*ranges = (struct ifd_range *)buf;
	*nr = cmd.num_iovas;
	if (!buf && cmd.num_iovas) {	/* cannot happen with a sane backend */
		return ifd_set_error(ctx, IOMMU_IOAS_IOVA_RANGES, NULL, EPROTO,
				     "the backend reported %u ranges into no buffer", cmd.num_iovas);
	}
	if (out_alignment)
		*out_alignment = cmd.out_iova_alignment;
	return 0;
}

IFD_EXPORT int ifd_ioas_allow_iovas(struct ifd_ctx *ctx, uint32_t ioas_id,
				    const struct ifd_range *ranges, uint32_t nr)
{
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = nr,
		.allowed_iovas = (uintptr_t)ranges,
	};

	return ifd_ioctl(ctx, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

IFD_EXPORT int ifd_ioas_map(struct ifd_ctx *ctx, uint32_t ioas_id, uint32_t flags,
			    uint64_t user_va, uint64_t length, uint64_t *iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.user_va = user_va,
		.length = length,
		.iova = (flags & IOMMU_IOAS_MAP_FIXED_IOVA) ? *iova : 0,
	};
	int ret = ifd_ioctl(ctx, IOMMU_IOAS_MAP, &cmd);

	if (ret == 0)
		*iova = cmd.iova;
	return ret;
}

IFD_EXPORT int ifd_ioas_map_file(struct ifd_ctx *ctx, uint32_t ioas_id, uint32_t flags, int fd,
				 uint64_t start, uint64_t length, uint64_t *iova)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.fd = fd,
		.start = start,
		.length = length,
		.iova = (flags & IOMMU_IOAS_MAP_FIXED_IOVA) ? *iova : 0,
	};
	int ret = ifd_ioctl(ctx, IOMMU_IOAS_MAP_FILE, &cmd);

	if (ret == 0)
		*iova = cmd.iova;
	return ret;
}

IFD_EXPORT int ifd_ioas_copy(struct ifd_ctx *ctx, uint32_t dst_ioas_id, uint32_t src_ioas_id,
			     uint32_t flags, uint64_t src_iova, uint64_t length,
			     uint64_t *dst_iova)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dst_ioas_id = dst_ioas_id,
		.src_ioas_id = src_ioas_id,
		.length = length,
		.dst_iova = (flags & IOMMU_IOAS_MAP_FIXED_IOVA) ? *dst_iova : 0,
		.src_iova = src_iova,
	};
	int ret = ifd_ioctl(ctx, IOMMU_IOAS_COPY, &cmd);

	if (ret == 0)
		*dst_iova = cmd.dst_iova;
	return ret;
}

IFD_EXPORT int ifd_ioas_unmap(struct ifd_ctx *ctx, uint32_t ioas_id, uint64_t iova,
			      uint64_t length, uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = length,
	};
	int ret = ifd_ioctl(ctx, IOMMU_IOAS_UNMAP, &cmd);

	if (ret == 0 && unmapped)
		*unmapped = cmd.length;
	return ret;
}

IFD_EXPORT int ifd_option(struct ifd_ctx *ctx, uint32_t option_id, uint16_t op,
			  uint32_t object_id, uint64_t *val)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = option_id,
		.op = op,
		.object_id = object_id,
		.val64 = op == IOMMU_OPTION_OP_SET ? *val : 0,
	};
	int ret = ifd_ioctl(ctx, IOMMU_OPTION, &cmd);

	if (ret == 0 && op == IOMMU_OPTION_OP_GET)
		*val = cmd.val64;
	return ret;
}

IFD_EXPORT int ifd_vfio_ioas(struct ifd_ctx *ctx, uint16_t op, uint32_t *ioas_id)
{
	struct iommu_vfio_ioas cmd = {
		.size = sizeof(cmd),
		.ioas_id = op == IOMMU_VFIO_IOAS_SET ? *ioas_id : 0,
		.op = op,
	};
	int ret = ifd_ioctl(ctx, IOMMU_VFIO_IOAS, &cmd);

	if (ret == 0 && op == IOMMU_VFIO_IOAS_GET)
		*ioas_id = cmd.ioas_id;
	return ret;
}

/*
 * Probe with a 4-byte struct: the kernel looks up the command slot (ENOTTY
 * for an unknown one) before it checks the size (EINVAL, as every command's
 * minimum is larger than 4), so nothing is executed.
 */
IFD_EXPORT int ifd_probe_ioctl(struct ifd_ctx *ctx, unsigned long cmd)
{
	struct ifd_error saved = ctx->last_err;
	uint32_t arg[2] = { 4, 0 };
	int ret = ifd_ioctl(ctx, cmd, arg);

	ctx->last_err = saved;	/* a probe's expected failure is not an error */
	if (ret == -ENOTTY)
		return 0;
	if (ret == -EINVAL)
		return 1;
	if (ret >= 0)	/* should not happen: a 4-byte struct is always too short */
		return 1;
	return ifd_set_error(ctx, cmd, NULL, -ret,
			     "probe got %s, expected ENOTTY or EINVAL", ifd_errno_name(-ret) ?
			     ifd_errno_name(-ret) : "an unexpected errno");
}
