// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * copy: IOMMU_IOAS_COPY maps the pages behind a range of one IOAS into
 * another (or the same) IOAS, without the memory's owner taking part: the
 * new mapping shares the source's pages, pinned once.
 */
#include <inttypes.h>
#include <stdio.h>

#include "ifd-abi.h"
#include "columns.h"
#include "iommuctl.h"

int cmd_copy(struct iommuctl *g, struct cmd_args *a)
{
	struct row_copy c = { 0 };
	char object[48];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[COPY_OPT_SRC_IOAS] || !a->count[COPY_OPT_DST_IOAS])
		return iommuctl_usage(g, "--src-ioas ID and --dst-ioas ID are required (they may "
				      "be the same)");
	if (!!(a->count[COPY_OPT_SRC_IOVA] || a->count[COPY_OPT_LENGTH]) +
	    !!a->count[COPY_OPT_RANGE] != 1)
		return iommuctl_usage(g, "give the source as --src-iova with --length, or as "
				      "--range");
	if (!!a->count[COPY_OPT_SRC_IOVA] != !!a->count[COPY_OPT_LENGTH])
		return iommuctl_usage(g, "--src-iova and --length go together");
	if (a->count[COPY_OPT_READONLY] && a->count[COPY_OPT_WRITEONLY])
		return iommuctl_usage(g, "--readonly and --writeonly exclude each other");

	ret = arg_id(g, a, COPY_OPT_SRC_IOAS, &c.src_ioas);
	if (!ret)
		ret = arg_id(g, a, COPY_OPT_DST_IOAS, &c.dst_ioas);
	if (!ret && a->count[COPY_OPT_SRC_IOVA])
		ret = arg_u64(g, a, COPY_OPT_SRC_IOVA, &c.src_iova);
	if (!ret && a->count[COPY_OPT_LENGTH])
		ret = arg_size(g, a, COPY_OPT_LENGTH, &c.length);
	if (!ret && a->count[COPY_OPT_DST_IOVA])
		ret = arg_u64(g, a, COPY_OPT_DST_IOVA, &c.dst_iova);
	if (ret)
		return ret;
	if (a->count[COPY_OPT_RANGE]) {
		struct parse_range r;

		ret = arg_range(g, a, COPY_OPT_RANGE, &r);
		if (ret)
			return ret;
		if (r.start == 0 && r.last == UINT64_MAX)
			return iommuctl_usage(g, "--range: 2^64 bytes do not fit COPY's 64-bit length");
		c.src_iova = r.start;
		c.length = r.last - r.start + 1;
	} else {
		if (c.length == 0)
			return iommuctl_usage(g, "--length must not be 0");
		if (c.src_iova + (c.length - 1) < c.src_iova)
			return iommuctl_usage(g, "--src-iova 0x%" PRIx64 " + 0x%" PRIx64 " bytes goes "
					      "past 0xffffffffffffffff", c.src_iova, c.length);
	}
	if (a->count[COPY_OPT_DST_IOVA] && c.dst_iova + (c.length - 1) < c.dst_iova)
		return iommuctl_usage(g, "--dst-iova 0x%" PRIx64 " + 0x%" PRIx64 " bytes goes past "
				      "0xffffffffffffffff", c.dst_iova, c.length);
	ret = iommuctl_columns(g, &fam_copy);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;

	c.flags = a->count[COPY_OPT_READONLY] ? IOMMU_IOAS_MAP_READABLE :
		  a->count[COPY_OPT_WRITEONLY] ? IOMMU_IOAS_MAP_WRITEABLE :
		  IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE;
	if (a->count[COPY_OPT_DST_IOVA])
		c.flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
	if (c.src_ioas == c.dst_ioas)
		snprintf(object, sizeof(object), "ioas %u", c.src_ioas);
	else
		snprintf(object, sizeof(object), "ioas %u to ioas %u", c.src_ioas, c.dst_ioas);
	/* COPY is all or nothing: a failure leaves the destination unchanged. */
	if (ifd_ioas_copy(g->ctx, c.dst_ioas, c.src_ioas, c.flags, c.src_iova, c.length,
			  &c.dst_iova))
		return iommuctl_fail(g, object, NULL, NULL);
	if (iommuctl_tracks_areas(g))
		session_areas_copied(&g->session, c.src_ioas, c.dst_ioas, c.src_iova,
				     c.src_iova + (c.length - 1), c.dst_iova);
	out_rows(&g->out, &fam_copy, &c, 1, sizeof(c), NULL);
	return 0;
}
