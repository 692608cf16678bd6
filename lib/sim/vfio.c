// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The VFIO type1 container ioctls an iommufd answers (the kernel's
 * vfio_compat.c): every command number outside iommufd's table comes here,
 * and what is not one of these is ENOTTY.  They act on the context's
 * compatibility IOAS (IOMMU_VFIO_IOAS); with none, ENODEV.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <linux/vfio.h>

#include "internal.h"
#include "ifd-abi.h"

/* Debian's kernels are built with CONFIG_VFIO_NOIOMMU=y. */
#define SIM_CONFIG_VFIO_NOIOMMU 1

#define OFFSETOFEND(s, f) (offsetof(s, f) + sizeof(((s *)0)->f))

static int compat_ioas(struct sim *sim, uint64_t *off)
{
	struct sim_ctx *ctx = sim_my_ctx(sim);

	if (!ctx->vfio_ioas)
		return sim_fail(sim, ENODEV, "no IOAS is set for the VFIO compatibility ioctls "
				"(IOMMU_VFIO_IOAS)");
	return sim_get_obj(sim, ctx->vfio_ioas, SIM_OBJ_IOAS, off);
}

static int check_extension(struct sim *sim, unsigned long type)
{
	uint64_t off;
	int ret;

	switch (type) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return !sim_my_ctx(sim)->no_iommu_mode;
	case VFIO_NOIOMMU_IOMMU:
		return SIM_CONFIG_VFIO_NOIOMMU;
	case VFIO_DMA_CC_IOMMU:
		ret = compat_ioas(sim, &off);
		if (ret)
			return ret;
		/* 1 while every domain enforces cache coherency; the mock's do not. */
		return ((struct sim_obj *)sim_rec(sim, off, SIM_TAG_OBJ))->ioas.nr_domains ? 0 : 1;
	default:
		return 0;
	}
}

static int set_iommu(struct sim *sim, unsigned long type)
{
	uint64_t off;
	int ret;

	if ((type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU) ||
	    sim_my_ctx(sim)->no_iommu_mode)
		return sim_fail(sim, EINVAL, "type %lu is neither VFIO_TYPE1_IOMMU nor "
				"VFIO_TYPE1v2_IOMMU", type);
	ret = compat_ioas(sim, &off);
	if (ret)
		return ret;
	/* Type1 v1 may unmap inside a mapping: no large IOPTEs then. */
	if (type == VFIO_TYPE1_IOMMU)
		return sim_disable_large_pages(sim, off);
	return 0;
}

struct cap_iova_out {
	struct sim *sim;
	struct vfio_iommu_type1_info_cap_iova_range *cap;
	uint64_t cur, avail;
};

/* Write one range after the capability header while it fits; count it always. */
static int put_cap_range(void *arg, uint64_t start, uint64_t last)
{
	struct cap_iova_out *o = arg;
	struct vfio_iova_range range = { .start = start, .end = last };
	uint64_t at = sizeof(*o->cap) + (uint64_t)o->cap->nr_iovas * sizeof(range);

	if (o->avail >= at + sizeof(range) && sim_uwrite(o->sim, o->cur + at, &range, sizeof(range)))
		return sim_fail(o->sim, EFAULT, "cannot write the IOVA ranges");
	o->cap->nr_iovas++;
	return 0;
}

/* The holes of the reserved ranges, as the IOVA-range capability lists them. */
static int fill_cap_iova(struct sim *sim, uint64_t off, uint64_t cur, uint64_t avail)
{
	struct vfio_iommu_type1_info_cap_iova_range cap;
	struct cap_iova_out out = { .sim = sim, .cap = &cap, .cur = cur, .avail = avail };
	int ret;

	memset(&cap, 0, sizeof(cap));
	cap.header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
	cap.header.version = 1;
	ret = sim_resv_holes(sim, off, put_cap_range, &out);
	if (ret)
		return ret;
	if (avail >= sizeof(cap) + (uint64_t)cap.nr_iovas * sizeof(struct vfio_iova_range) &&
	    sim_uwrite(sim, cur, &cap, sizeof(cap)))
		return sim_fail(sim, EFAULT, "cannot write the IOVA range capability");
	return (int)(sizeof(cap) + cap.nr_iovas * sizeof(struct vfio_iova_range));
}

static int fill_cap_dma_avail(struct sim *sim, uint64_t cur, uint64_t avail)
{
	struct vfio_iommu_type1_info_dma_avail cap;

	memset(&cap, 0, sizeof(cap));
	cap.header.id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL;
	cap.header.version = 1;
	/* iommufd's limit is the memory cgroup's; it reports U32_MAX. */
	cap.avail = UINT32_MAX;
	if (avail >= sizeof(cap) && sim_uwrite(sim, cur, &cap, sizeof(cap)))
		return sim_fail(sim, EFAULT, "cannot write the DMA-available capability");
	return sizeof(cap);
}

static int iommu_get_info(struct sim *sim, uint64_t arg)
{
	size_t minsz = OFFSETOFEND(struct vfio_iommu_type1_info, iova_pgsizes);
	struct vfio_iommu_type1_info info;
	uint64_t off, total, last_cap = 0, page = sim_hdr(sim)->page_size, pgsizes;
	struct sim_obj *obj;
	int ret;

	memset(&info, 0, sizeof(info));
	if (sim_uread(sim, &info, arg, minsz))
		return sim_fail(sim, EFAULT, "cannot read the argument");
	if (info.argsz < minsz)
		return sim_fail(sim, EINVAL, "argsz %u is below %zu", info.argsz, minsz);
	minsz = SIM_MIN((size_t)info.argsz, sizeof(info));
	ret = compat_ioas(sim, &off);
	if (ret)
		return ret;
	obj = sim_rec(sim, off, SIM_TAG_OBJ);
	/* No domains: every page size, then VFIO's rule folds the sub-page ones into PAGE_SIZE. */
	pgsizes = (SIM_ULONG_MAX & ~(page - 1)) | page;
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = SIM_MAX(pgsizes, obj->ioas.iova_alignment);
	info.cap_offset = 0;
	total = sizeof(info);
	for (int i = 0; i < 2; i++) {
		uint64_t cur = info.argsz > total ? arg + total : 0;
		uint64_t avail = info.argsz > total ? info.argsz - total : 0;
		uint32_t next = (uint32_t)total;
		int cap_size = i == 0 ? fill_cap_dma_avail(sim, cur, avail)
				      : fill_cap_iova(sim, off, cur, avail);

		if (cap_size < 0)
			return cap_size;
		cap_size = (cap_size + 7) & ~7;
		if (last_cap && info.argsz >= total &&
		    sim_uwrite(sim, last_cap + offsetof(struct vfio_info_cap_header, next), &next,
			       sizeof(next)))
			return sim_fail(sim, EFAULT, "cannot link the capabilities");
		last_cap = arg + total;
		total += (uint64_t)cap_size;
	}
	if (info.argsz >= total)
		info.cap_offset = sizeof(info);
	info.argsz = (uint32_t)total;
	info.flags |= VFIO_IOMMU_INFO_CAPS;
	if (sim_uwrite(sim, arg, &info, minsz))
		return sim_fail(sim, EFAULT, "cannot write the argument back");
	return 0;
}

static int iommu_map_dma(struct sim *sim, uint64_t arg)
{
	const uint32_t supported = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	size_t minsz = OFFSETOFEND(struct vfio_iommu_type1_dma_map, size);
	struct vfio_iommu_type1_dma_map map;
	uint64_t off, end, pages, iova, page = sim_hdr(sim)->page_size;
	struct sim_piece piece;
	uint32_t prot = 0;
	int ret;

	if (sim_uread(sim, &map, arg, minsz))
		return sim_fail(sim, EFAULT, "cannot read the argument");
	if (map.argsz < minsz || (map.flags & ~supported))
		return sim_fail(sim, EINVAL, "argsz %u below %zu or unknown flags 0x%x", map.argsz,
				minsz, map.flags & ~supported);
	if (map.flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_IOAS_MAP_READABLE;
	if (map.flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_IOAS_MAP_WRITEABLE;
	ret = compat_ioas(sim, &off);
	if (ret)
		return ret;
	if (__builtin_add_overflow(map.vaddr, map.size, &end))
		return sim_fail(sim, EOVERFLOW, "vaddr + size overflows");
	if (map.size > SIM_ULONG_MAX - page || map.size == 0)
		return sim_fail(sim, EINVAL, "size 0x%llx is 0 or too large",
				(unsigned long long)map.size);
	ret = sim_reserve(sim, 2, 0);
	if (ret)
		return ret;
	pages = sim_pages_new_user(sim, map.vaddr, map.size, prot & IOMMU_IOAS_MAP_WRITEABLE);
	if (!pages)
		return sim->corrupt ? -EUCLEAN : -ENOMEM;
	/* Maps made through this interface always use VFIO's "mm" accounting
	 * when the context does. */
	if (sim_my_ctx(sim)->account_mode == SIM_ACCOUNT_MM) {
		struct sim_pages *p = sim_recw(sim, pages, SIM_TAG_PAGES);

		if (p->account_mode == SIM_ACCOUNT_USER)
			p->account_mode = SIM_ACCOUNT_MM;
	}
	piece.pages = pages;
	piece.start_byte = map.vaddr - sim_pages_source_addr(sim, pages, 0);
	piece.length = map.size;
	iova = map.iova;
	/* held across the map, as in IOMMU_IOAS_MAP */
	((struct sim_pages *)sim_recw(sim, pages, SIM_TAG_PAGES))->refs++;
	ret = sim_map_pieces(sim, off, &piece, 1, map.size, &iova, prot, false);
	sim_pages_put(sim, pages);
	return ret;
}

static int iommu_unmap_dma(struct sim *sim, uint64_t arg)
{
	size_t minsz = OFFSETOFEND(struct vfio_iommu_type1_dma_unmap, size);
	struct vfio_iommu_type1_dma_unmap unmap;
	uint64_t off, unmapped = 0, last;
	int ret;

	if (sim_uread(sim, &unmap, arg, minsz))
		return sim_fail(sim, EFAULT, "cannot read the argument");
	if (unmap.argsz < minsz || (unmap.flags & ~VFIO_DMA_UNMAP_FLAG_ALL))
		return sim_fail(sim, EINVAL, "argsz %u below %zu or unsupported flags 0x%x",
				unmap.argsz, minsz, unmap.flags & ~VFIO_DMA_UNMAP_FLAG_ALL);
	ret = compat_ioas(sim, &off);
	if (ret)
		return ret;
	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		if (unmap.iova || unmap.size)
			return sim_fail(sim, EINVAL, "UNMAP_FLAG_ALL needs iova and size 0");
		ret = sim_unmap_range(sim, off, 0, SIM_ULONG_MAX, &unmapped);
	} else {
		if (((struct sim_obj *)sim_rec(sim, off, SIM_TAG_OBJ))->ioas.disable_large_pages) {
			/* Type1 v1: cut the areas at both ends of the range first. */
			uint64_t iovas[2] = { unmap.iova + unmap.size - 1, unmap.iova - 1 };

			ret = sim_reserve(sim, 4, 0);
			if (!ret)
				ret = sim_cut_iova(sim, off, iovas, unmap.iova ? 2 : 1);
			if (ret)
				return ret;
		}
		if (!unmap.size)
			ret = sim_fail(sim, EINVAL, "size is 0");
		else if (__builtin_add_overflow(unmap.iova, unmap.size - 1, &last))
			ret = sim_fail(sim, EOVERFLOW, "iova + size overflows");
		else
			ret = sim_unmap_range(sim, off, unmap.iova, last, &unmapped);
	}
	/* Written back whatever happened, with what was unmapped. */
	unmap.size = unmapped;
	if (sim_uwrite(sim, arg, &unmap, minsz))
		ret = sim_fail(sim, EFAULT, "cannot write the argument back");
	return ret;
}

int sim_vfio_ioctl(struct sim *sim, unsigned long cmd, unsigned long arg)
{
	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_SET_IOMMU:
		return set_iommu(sim, arg);
	case VFIO_CHECK_EXTENSION:
		return check_extension(sim, arg);
	case VFIO_IOMMU_GET_INFO:
		return iommu_get_info(sim, arg);
	case VFIO_IOMMU_MAP_DMA:
		return iommu_map_dma(sim, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return iommu_unmap_dma(sim, arg);
	default:
		return sim_fail(sim, ENOTTY, "0x%lx is neither an iommufd command nor a VFIO "
				"container ioctl iommufd answers", cmd);
	}
}
