// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * User-allocated HWPTs on the selftest mock: IOMMU_HWPT_ALLOC (paging on an
 * IOAS, nested on a nest parent), the mock nested domain's IOTLB and its
 * invalidation, and dirty tracking (SET_DIRTY_TRACKING, GET_DIRTY_BITMAP,
 * IOMMU_TEST_OP_DIRTY), following the 7.2 kernel's hw_pagetable.c,
 * io_pagetable.c, iova_bitmap.c and selftest.c.
 *
 * Dirty bits are kept per domain page (the HWPT's pgsize): the kernel keeps
 * them per IOPTE, whose size depends on how physically contiguous the pinned
 * memory is, which the simulator does not know.  With HUGE_PAGES off (what
 * the selftests use for dirty tracking) every IOPTE of a default mock domain
 * reports one 2 KiB page, as here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"

#define HWPT_INVALIDATE_ENTRY_NUM_MAX	(1u << 19)
#define MOCK_IOMMUPT_HUGE		1u
#define MOCK_IOTLB_ID_MAX		(SIM_MOCK_IOTLB_NUM - 1)
#define DIRTY_MAX_BITS			((16ull << 20) * 8)
#define UBITS_BLOCK			256u	/* bytes of the caller's bitmap cached at once */

/* iommu_copy_struct_from_user() */
int sim_copy_user_data(struct sim *sim, void *dst, uint32_t size, uint32_t min, uint32_t type,
			  uint32_t want, uint64_t uptr, uint32_t len)
{
	memset(dst, 0, size);
	if (type != want)
		return sim_fail(sim, EINVAL, "data type 0x%x, expected 0x%x", type, want);
	if (len < min || len > size)
		return sim_fail(sim, EINVAL, "data length %u, expected %u..%u", len, min, size);
	if (sim_uread(sim, dst, uptr, len))
		return sim_fail(sim, EFAULT, "cannot read the data at 0x%llx", (unsigned long long)uptr);
	return 0;
}

/* ---- dirty records ------------------------------------------------------------------------ */

static uint64_t chunk_bytes(const struct sim_hwpt *h)
{
	return h->pgsize * SIM_DIRTY_BITS;
}

/* Clear the marks of [start, last] in one record; free it once empty. */
static void dirty_clear(struct sim *sim, uint64_t hwpt_off, uint64_t d_off, uint64_t start,
			uint64_t last)
{
	uint64_t pgsize = obj_at(sim, hwpt_off)->hwpt.pgsize, cleared = 0;
	struct sim_dirty *d = sim_rec(sim, d_off, SIM_TAG_DIRTY);
	uint64_t from = start > d->n.start ? (start - d->n.start) / pgsize : 0;
	uint64_t to = last < d->n.last ? (last - d->n.start) / pgsize : SIM_DIRTY_BITS - 1;
	bool empty = true;

	for (uint64_t k = from; k <= to; k++)
		if (d->bits[k / 64] & (1ull << (k % 64))) {
			d = sim_recw(sim, d_off, SIM_TAG_DIRTY);
			d->bits[k / 64] &= ~(1ull << (k % 64));
			cleared++;
		}
	if (!cleared)
		return;
	for (unsigned int w = 0; w < SIM_DIRTY_BITS / 64; w++)
		empty &= !d->bits[w];
	obj_w(sim, hwpt_off)->hwpt.nr_dirty -= cleared;
	if (empty) {
		itree_erase(sim, &obj_w(sim, hwpt_off)->hwpt.dirty_root, SIM_TAG_DIRTY, d_off);
		sim_free(sim, d_off);
	}
	sim->dirty = true;
}

/* Clear the marks of [start, last] of a domain. */
static void dirty_forget(struct sim *sim, uint64_t hwpt_off, uint64_t start, uint64_t last)
{
	uint64_t limit = itree_max_nodes(sim);
	uint64_t d = itree_first_overlap(sim, obj_at(sim, hwpt_off)->hwpt.dirty_root, SIM_TAG_DIRTY,
					 start, last);

	for (uint64_t steps = 0; d && !sim->corrupt && steps <= limit; steps++) {
		uint64_t next = itree_next_overlap(sim, d, SIM_TAG_DIRTY, start, last);

		dirty_clear(sim, hwpt_off, d, start, last);
		d = next;
	}
}

void sim_dirty_free_all(struct sim *sim, uint64_t hwpt_off)
{
	uint64_t limit = itree_max_nodes(sim);

	for (uint64_t steps = 0; obj_at(sim, hwpt_off)->hwpt.dirty_root && !sim->corrupt &&
	     steps <= limit; steps++) {
		struct sim_hwpt *h = &obj_w(sim, hwpt_off)->hwpt;
		uint64_t d = h->dirty_root;

		itree_erase(sim, &h->dirty_root, SIM_TAG_DIRTY, d);
		sim_free(sim, d);
		sim->dirty = true;
	}
	if (obj_at(sim, hwpt_off)->hwpt.nr_dirty)
		obj_w(sim, hwpt_off)->hwpt.nr_dirty = 0;
}

void sim_dirty_unmapped(struct sim *sim, uint64_t ioas_off, uint64_t start, uint64_t last)
{
	uint64_t ctx = obj_at(sim, ioas_off)->ctx, limit = itree_max_nodes(sim);
	uint64_t o = sim_obj_from(sim, ctx, 0);

	for (uint64_t steps = 0; o && !sim->corrupt && steps <= limit; steps++) {
		struct sim_obj *obj = obj_at(sim, o);
		uint64_t id = obj->n.start;

		if (obj->type == SIM_OBJ_HWPT_PAGING && obj->hwpt.ioas == ioas_off &&
		    obj->hwpt.dirty_root)
			dirty_forget(sim, o, start, last);
		o = sim_obj_from(sim, ctx, id + 1);
	}
}

/* Mark the domain page holding 'iova', if it is mapped (the kernel's
 * set_dirty finds no IOPTE otherwise).  'area' caches the last area found. */
static int dirty_mark(struct sim *sim, uint64_t hwpt_off, uint64_t iova, uint64_t *area,
		      uint64_t *chunk)
{
	struct sim_hwpt *h = &obj_at(sim, hwpt_off)->hwpt;
	uint64_t page = iova & ~(h->pgsize - 1), base = iova & ~(chunk_bytes(h) - 1), k;
	struct sim_tnode *n = *area ? sim_node(sim, *area, SIM_TAG_AREA) : NULL;
	struct sim_dirty *d;

	if (!n || page < n->start || page > n->last) {
		*area = itree_first_overlap(sim, obj_at(sim, h->ioas)->ioas.area_root, SIM_TAG_AREA,
					    page, page);
		if (!*area)
			return 0;
	}
	if (!*chunk || sim_node(sim, *chunk, SIM_TAG_DIRTY)->start != base) {
		*chunk = itree_find(sim, h->dirty_root, SIM_TAG_DIRTY, base);
		if (!*chunk) {
			*chunk = sim_alloc(sim, SIM_TAG_DIRTY);
			if (!*chunk)
				return sim->corrupt ? -EUCLEAN : -ENOMEM;
			d = sim_recw(sim, *chunk, SIM_TAG_DIRTY);
			d->n.start = base;
			d->n.last = base + chunk_bytes(h) - 1;
			itree_insert(sim, &obj_w(sim, hwpt_off)->hwpt.dirty_root, SIM_TAG_DIRTY, *chunk);
		}
	}
	k = (page - base) / h->pgsize;
	if (!(((struct sim_dirty *)sim_rec(sim, *chunk, SIM_TAG_DIRTY))->bits[k / 64] &
	      (1ull << (k % 64)))) {
		d = sim_recw(sim, *chunk, SIM_TAG_DIRTY);
		d->bits[k / 64] |= 1ull << (k % 64);
		obj_w(sim, hwpt_off)->hwpt.nr_dirty++;
		sim->dirty = true;
	}
	return sim->corrupt ? -EUCLEAN : 0;
}

/* ---- the caller's bitmap (iova_bitmap.c) ---------------------------------------------------- */

/* Bits are ORed into the caller's memory a block at a time; a block that
 * cannot be read or written loses its bits silently, as the kernel's do
 * when it cannot pin the bitmap's page. */
struct ubits {
	struct sim *sim;
	uint64_t data;			/* address of bit 0 */
	uint64_t blk;			/* address of the cached block (aligned), UINT64_MAX = none */
	bool bad;			/* the cached block faulted */
	uint32_t lo, hi;		/* its changed bytes [lo, hi) */
	uint8_t buf[UBITS_BLOCK];
};

static void ubits_flush(struct ubits *u)
{
	if (u->blk != UINT64_MAX && !u->bad && u->hi > u->lo)
		(void)sim_uwrite(u->sim, u->blk + u->lo, u->buf + u->lo, u->hi - u->lo);
	u->blk = UINT64_MAX;
}

static void ubits_set(struct ubits *u, uint64_t bit)
{
	uint64_t addr = u->data + bit / 8;
	/* blocks are aligned in the caller's address space, so never cross a page */
	uint64_t blk = addr & ~(uint64_t)(UBITS_BLOCK - 1);
	uint32_t i = (uint32_t)(addr - blk);

	if (addr < u->data)
		return;		/* past the end of the address space */
	if (blk != u->blk) {
		ubits_flush(u);
		u->blk = blk;
		u->lo = UBITS_BLOCK;
		u->hi = 0;
		u->bad = sim_uread(u->sim, u->buf, blk, UBITS_BLOCK) != 0;
	}
	if (u->bad)
		return;
	u->buf[i] |= (uint8_t)(1u << (bit % 8));
	u->lo = SIM_MIN(u->lo, i);
	u->hi = SIM_MAX(u->hi, i + 1);
}

/* ---- IOMMU_HWPT_ALLOC -------------------------------------------------------------------- */

/* iommufd_hwpt_paging_alloc with the mock's domain_alloc_paging_flags. */
static int alloc_paging(struct sim *sim, struct ifd_hwpt_alloc *cmd, uint64_t dev,
			uint64_t ioas_off, uint64_t *out)
{
	const uint32_t valid = IFD_HWPT_ALLOC_NEST_PARENT | IFD_HWPT_ALLOC_DIRTY_TRACKING |
			       IFD_HWPT_FAULT_ID_VALID | IFD_HWPT_ALLOC_PASID;
	struct ifd_hwpt_selftest data = { 0, 0 };
	uint32_t flags = 0;
	int ret;

	if (cmd->flags & ~valid)
		return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x", cmd->flags & ~valid);
	if ((cmd->flags & IFD_HWPT_ALLOC_DIRTY_TRACKING) &&
	    !sim_dev_dirty_capable(sim, obj_at(sim, dev)->idev.dev_flags))
		return sim_fail(sim, EOPNOTSUPP, "device %u cannot track dirty pages", cmd->dev_id);
	if ((cmd->flags & IFD_HWPT_FAULT_ID_VALID) && (cmd->flags & IFD_HWPT_ALLOC_NEST_PARENT))
		return sim_fail(sim, EOPNOTSUPP, "a nest parent cannot take a fault queue");
	/* intel_iommu_domain_alloc_paging_flags on QEMU's VT-d (legacy mode:
	 * second stage only, and ECAP has no NEST) */
	if (sim_platform(sim)->iommu == SIM_IOMMU_VTD && cmd->data_len)
		return sim_fail(sim, EOPNOTSUPP, "VT-d's paging domains take no data");
	if (sim_platform(sim)->iommu == SIM_IOMMU_VTD && (cmd->flags & IFD_HWPT_ALLOC_NEST_PARENT))
		return sim_fail(sim, EOPNOTSUPP, "this VT-d has no nested translation (ECAP.NEST): "
				"no nest parent");
	if (cmd->data_len) {
		if (cmd->data_type != IFD_HWPT_DATA_SELFTEST)
			return sim_fail(sim, EOPNOTSUPP, "the mock IOMMU takes no data of type 0x%x",
					cmd->data_type);
		ret = sim_copy_user_data(sim, &data, sizeof(data), sizeof(data.iotlb), cmd->data_type,
				     IFD_HWPT_DATA_SELFTEST, cmd->data_uptr, cmd->data_len);
		if (ret)
			return ret;
		if (data.pagetable_type > MOCK_IOMMUPT_HUGE)
			return sim_fail(sim, EOPNOTSUPP, "unknown mock page table type %u",
					data.pagetable_type);
	}
	if (cmd->flags & IFD_HWPT_ALLOC_NEST_PARENT)
		flags |= SIM_HWPT_NEST_PARENT;
	if (cmd->flags & IFD_HWPT_ALLOC_DIRTY_TRACKING)
		flags |= SIM_HWPT_DIRTY_OPS;
	if (cmd->flags & IFD_HWPT_ALLOC_PASID)
		flags |= SIM_HWPT_PASID;
	if (data.pagetable_type == MOCK_IOMMUPT_HUGE)
		flags |= SIM_HWPT_HUGE;
	return sim_hwpt_paging_alloc(sim, ioas_off, flags, out);
}

/* iommufd_hwpt_nested_alloc with the mock's domain_alloc_nested. */
static int alloc_nested(struct sim *sim, struct ifd_hwpt_alloc *cmd, uint64_t parent,
			uint64_t *out)
{
	uint32_t pflags = obj_at(sim, parent)->hwpt.flags;
	struct ifd_hwpt_selftest data;
	int ret;

	if ((cmd->flags & ~(IFD_HWPT_FAULT_ID_VALID | IFD_HWPT_ALLOC_PASID)) || !cmd->data_len)
		return sim_fail(sim, EOPNOTSUPP, "a nested HWPT takes data and no flags but "
				"FAULT_ID_VALID and PASID");
	if ((pflags & SIM_HWPT_AUTO) || !(pflags & SIM_HWPT_NEST_PARENT))
		return sim_fail(sim, EINVAL, "hwpt %u is not a nest parent", cmd->pt_id);
	if (cmd->data_type != IFD_HWPT_DATA_SELFTEST)
		return sim_fail(sim, EOPNOTSUPP, "the mock IOMMU takes no nested data of type 0x%x",
				cmd->data_type);
	ret = sim_copy_user_data(sim, &data, sizeof(data), sizeof(data.iotlb), cmd->data_type,
			     IFD_HWPT_DATA_SELFTEST, cmd->data_uptr, cmd->data_len);
	if (!ret)
		ret = sim_reserve(sim, 2, 0);
	if (ret)
		return ret;
	return sim_hwpt_nested_alloc(sim, parent, 0,
				     (cmd->flags & IFD_HWPT_ALLOC_PASID) ? SIM_HWPT_PASID : 0, data.iotlb, out);
}

/* iommufd_viommu_alloc_hwpt_nested with the mock vIOMMU's alloc_domain_nested:
 * the HWPT holds the vIOMMU, its parent is the vIOMMU's. */
static int alloc_viommu_nested(struct sim *sim, struct ifd_hwpt_alloc *cmd, uint64_t viommu,
			       uint64_t *out)
{
	struct ifd_hwpt_selftest data;
	int ret;

	if ((cmd->flags & ~(IFD_HWPT_FAULT_ID_VALID | IFD_HWPT_ALLOC_PASID)) || !cmd->data_len)
		return sim_fail(sim, EOPNOTSUPP, "a nested HWPT takes data and no flags but "
				"FAULT_ID_VALID and PASID");
	if (cmd->data_type != IFD_HWPT_DATA_SELFTEST)
		return sim_fail(sim, EOPNOTSUPP, "the mock IOMMU takes no nested data of type 0x%x",
				cmd->data_type);
	ret = sim_copy_user_data(sim, &data, sizeof(data), sizeof(data.iotlb), cmd->data_type,
				 IFD_HWPT_DATA_SELFTEST, cmd->data_uptr, cmd->data_len);
	if (!ret)
		ret = sim_reserve(sim, 2, 0);
	if (ret)
		return ret;
	return sim_hwpt_nested_alloc(sim, obj_at(sim, viommu)->viommu.parent, viommu,
				     (cmd->flags & IFD_HWPT_ALLOC_PASID) ? SIM_HWPT_PASID : 0, data.iotlb, out);
}

int sim_cmd_hwpt_alloc(struct sim_ucmd *uc)
{
	struct ifd_hwpt_alloc *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t dev, off, hw, fault;
	int ret;

	if (cmd->reserved)
		return sim_fail(sim, EOPNOTSUPP, "__reserved is not zero");
	if ((cmd->data_type == 0 && cmd->data_len) || (cmd->data_type != 0 && !cmd->data_len))
		return sim_fail(sim, EINVAL, "data_type %u does not go with data_len %u",
				cmd->data_type, cmd->data_len);
	ret = sim_get_obj(sim, cmd->dev_id, SIM_OBJ_DEVICE, &dev);
	if (ret)
		return ret;
	/* A missing pt_id is EINVAL here, not ENOENT. */
	if (sim_get_obj(sim, cmd->pt_id, SIM_OBJ_NONE, &off))
		return sim->corrupt ? -EUCLEAN : -EINVAL;
	switch (obj_at(sim, off)->type) {
	case SIM_OBJ_IOAS:
		ret = alloc_paging(sim, cmd, dev, off, &hw);
		break;
	case SIM_OBJ_HWPT_PAGING:
		ret = alloc_nested(sim, cmd, off, &hw);
		break;
	case SIM_OBJ_VIOMMU:
		/* every mock device is behind the vIOMMU's IOMMU instance */
		ret = alloc_viommu_nested(sim, cmd, off, &hw);
		break;
	default:
		return sim_fail(sim, EINVAL, "id %u is a %s: HWPT_ALLOC takes an IOAS, a nest parent or a "
				"vIOMMU",
				cmd->pt_id, sim_obj_type_name(obj_at(sim, off)->type));
	}
	if (ret)
		return ret;
	if (cmd->flags & IFD_HWPT_FAULT_ID_VALID) {
		ret = sim_get_obj(sim, cmd->fault_id, SIM_OBJ_FAULT, &fault);
		if (ret)
			goto abort;
		obj_w(sim, hw)->hwpt.fault = fault;
		obj_w(sim, fault)->users++;
	}
	cmd->out_hwpt_id = (uint32_t)obj_at(sim, hw)->n.start;
	ret = sim_respond(uc);
	if (ret)
		goto abort;
	sim_obj_finalize(sim, hw);
	sim->dirty = true;
	return sim->corrupt ? -EUCLEAN : 0;
abort:
	sim_hwpt_abort(sim, hw);
	return sim->corrupt ? -EUCLEAN : ret;
}

/* ---- dirty tracking ------------------------------------------------------------------------- */

int sim_cmd_set_dirty_tracking(struct sim_ucmd *uc)
{
	struct ifd_hwpt_set_dirty_tracking *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	struct sim_obj *hw;
	uint64_t off;
	int ret;

	if (cmd->flags & ~IFD_HWPT_DIRTY_TRACKING_ENABLE)
		return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x", cmd->flags);
	ret = sim_get_obj(sim, cmd->hwpt_id, SIM_OBJ_HWPT_PAGING, &off);
	if (ret)
		return ret;
	hw = obj_at(sim, off);
	if (!(hw->hwpt.flags & SIM_HWPT_DIRTY_OPS))
		return sim_fail(sim, EOPNOTSUPP, "hwpt %u has no dirty tracking (%s)", cmd->hwpt_id,
				(hw->hwpt.flags & SIM_HWPT_AUTO) ? "it is an automatic domain" :
				"it was allocated without DIRTY_TRACKING");
	if (cmd->flags & IFD_HWPT_DIRTY_TRACKING_ENABLE) {
		/* a clean snapshot first, even when it is on already */
		sim_dirty_free_all(sim, off);
		obj_w(sim, off)->hwpt.flags |= SIM_HWPT_DIRTY_ON;
	} else if (hw->hwpt.flags & SIM_HWPT_DIRTY_ON) {
		/* the marks stay: only enabling clears them */
		obj_w(sim, off)->hwpt.flags &= ~SIM_HWPT_DIRTY_ON;
	}
	sim->dirty = true;
	return sim->corrupt ? -EUCLEAN : 0;
}

/* The last IOVA of the run of back-to-back areas that starts with the area
 * holding 'iova', capped at 'last'; false if no area holds 'iova' (the
 * kernel's iopt_for_each_contig_area stops at the first hole). */
static bool contig_run(struct sim *sim, uint64_t ioas_off, uint64_t iova, uint64_t last,
		       uint64_t *run_last)
{
	uint64_t a = itree_first_overlap(sim, obj_at(sim, ioas_off)->ioas.area_root, SIM_TAG_AREA,
					 iova, iova);
	uint64_t limit = itree_max_nodes(sim);

	if (!a)
		return false;
	for (uint64_t steps = 0; !sim->corrupt && steps <= limit; steps++) {
		struct sim_tnode *n = sim_node(sim, a, SIM_TAG_AREA);
		uint64_t next;

		if (n->last >= last) {
			*run_last = last;
			return true;
		}
		*run_last = n->last;
		next = itree_next(sim, a, SIM_TAG_AREA);
		if (!next || sim_node(sim, next, SIM_TAG_AREA)->start != n->last + 1)
			return true;
		a = next;
	}
	return true;
}

int sim_cmd_get_dirty_bitmap(struct sim_ucmd *uc)
{
	struct ifd_hwpt_get_dirty_bitmap *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t off, last, align, run_last = 0, pgsize, shift, limit = itree_max_nodes(sim), d;
	struct ubits *u;
	struct sim_obj *hw;
	int ret;

	if ((cmd->flags & ~IFD_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) || cmd->reserved)
		return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x or __reserved not zero",
				cmd->flags);
	ret = sim_get_obj(sim, cmd->hwpt_id, SIM_OBJ_HWPT_PAGING, &off);
	if (ret)
		return ret;
	/* iommufd_check_iova_range, then the domain's dirty ops */
	hw = obj_at(sim, off);
	align = obj_at(sim, hw->hwpt.ioas)->ioas.iova_alignment;
	if (__builtin_add_overflow(cmd->iova, cmd->length - 1, &last))
		return sim_fail(sim, EOVERFLOW, "iova + length overflows");
	if ((cmd->iova & (align - 1)) || ((last + 1) & (align - 1)))
		return sim_fail(sim, EINVAL, "the range is not aligned to the IOAS alignment 0x%llx",
				(unsigned long long)align);
	if (!cmd->page_size)
		return sim_fail(sim, EINVAL, "page_size is 0");
	if ((cmd->iova & (cmd->page_size - 1)) || ((last + 1) & (cmd->page_size - 1)))
		return sim_fail(sim, EINVAL, "the range is not aligned to page_size");
	if (!(hw->hwpt.flags & SIM_HWPT_DIRTY_OPS))
		return sim_fail(sim, EOPNOTSUPP, "hwpt %u has no dirty tracking (%s)", cmd->hwpt_id,
				(hw->hwpt.flags & SIM_HWPT_AUTO) ? "it is an automatic domain" :
				"it was allocated without DIRTY_TRACKING");
	if (!hw->hwpt.dirty_root || !contig_run(sim, hw->hwpt.ioas, cmd->iova, last, &run_last))
		return sim->corrupt ? -EUCLEAN : 0;
	u = malloc(sizeof(*u));
	if (!u)
		return sim_fail(sim, ENOMEM, "no memory for the bitmap");
	u->sim = sim;
	u->data = cmd->data;
	u->blk = UINT64_MAX;
	u->bad = false;
	u->lo = u->hi = 0;
	/* a bit per page_size, counted by its lowest set bit as the kernel does */
	shift = (uint64_t)__builtin_ctzll(cmd->page_size);
	pgsize = hw->hwpt.pgsize;
	d = itree_first_overlap(sim, hw->hwpt.dirty_root, SIM_TAG_DIRTY, cmd->iova, run_last);
	for (uint64_t steps = 0; d && !sim->corrupt && steps <= limit; steps++) {
		uint64_t next = itree_next_overlap(sim, d, SIM_TAG_DIRTY, cmd->iova, run_last);
		struct sim_dirty *dr = sim_rec(sim, d, SIM_TAG_DIRTY);

		for (uint64_t k = 0; k < SIM_DIRTY_BITS; k++) {
			uint64_t page = dr->n.start + k * pgsize;

			if (!(dr->bits[k / 64] & (1ull << (k % 64))) || page < cmd->iova ||
			    page > run_last)
				continue;
			for (uint64_t b = (page - cmd->iova) >> shift;
			     b <= (page + pgsize - 1 - cmd->iova) >> shift; b++)
				ubits_set(u, b);
		}
		if (!(cmd->flags & IFD_HWPT_GET_DIRTY_BITMAP_NO_CLEAR))
			dirty_clear(sim, off, d, cmd->iova, run_last);
		d = next;
	}
	ubits_flush(u);
	free(u);
	return sim->corrupt ? -EUCLEAN : 0;
}

/* IOMMU_TEST_OP_DIRTY: mark the pages whose bit is set in the caller's
 * bitmap; every set bit counts, mapped or not. */
int sim_test_dirty(struct sim_ucmd *uc, struct ifd_test_cmd *cmd)
{
	struct sim *sim = uc->sim;
	uint64_t ps = cmd->dirty.page_size, max, off, count = 0, area = 0, chunk = 0, nrec;
	uint8_t *bits;
	int ret;

	if (!ps || !cmd->dirty.length || cmd->dirty.iova % ps || cmd->dirty.length % ps ||
	    !cmd->dirty.uptr)
		return sim_fail(sim, EINVAL, "page_size, length and uptr must be non-zero, iova and "
				"length multiples of page_size");
	max = cmd->dirty.length / ps;
	if (max > DIRTY_MAX_BITS)
		return sim_fail(sim, EOVERFLOW, "more than %llu pages",
				(unsigned long long)DIRTY_MAX_BITS);
	ret = sim_get_obj(sim, cmd->id, SIM_OBJ_HWPT_PAGING, &off);
	if (ret)
		return ret;
	if (!(obj_at(sim, off)->hwpt.flags & SIM_HWPT_DIRTY_ON))
		return sim_fail(sim, EINVAL, "hwpt %u is not tracking dirty pages", cmd->id);
	bits = malloc((size_t)((max + 7) / 8));
	if (!bits)
		return sim_fail(sim, ENOMEM, "no memory for %llu bits", (unsigned long long)max);
	if (sim_uread(sim, bits, cmd->dirty.uptr, (size_t)((max + 7) / 8))) {
		free(bits);
		return sim_fail(sim, EFAULT, "cannot read the bitmap at 0x%llx",
				(unsigned long long)cmd->dirty.uptr);
	}
	/* Records for the marks before any change: one per set bit at most, and
	 * at most one per 128 domain pages of the range or of what is mapped. */
	for (uint64_t i = 0; i < (max + 7) / 8; i++)
		count += (uint64_t)__builtin_popcount(bits[i]);
	nrec = cmd->dirty.length / chunk_bytes(&obj_at(sim, off)->hwpt) + 2;
	nrec = SIM_MIN(nrec, count);
	{
		struct sim_obj *hw = obj_at(sim, off);
		struct sim_ioas *io = &obj_at(sim, hw->hwpt.ioas)->ioas;

		nrec = SIM_MIN(nrec, io->mapped_bytes / chunk_bytes(&hw->hwpt) + 2 * io->nr_areas);
	}
	count = 0;
	ret = sim_reserve(sim, nrec, 0);
	for (uint64_t i = 0; i < max && !ret; i++) {
		if (!(bits[i / 8] & (1u << (i % 8))))
			continue;
		count++;
		ret = dirty_mark(sim, off, cmd->dirty.iova + i * ps, &area, &chunk);
	}
	free(bits);
	if (ret)
		return ret;
	cmd->dirty.out_nr_dirty = count;
	return sim_respond(uc);
}

/* ---- the mock nested domain's IOTLB ------------------------------------------------------- */

int sim_test_check_iotlb(struct sim *sim, uint32_t id, uint32_t index, uint32_t value)
{
	uint64_t off;
	int ret = sim_get_obj(sim, id, SIM_OBJ_HWPT_NESTED, &off);

	if (ret)
		return ret;
	if (index > MOCK_IOTLB_ID_MAX)
		return sim_fail(sim, EINVAL, "IOTLB entry %u: the mock has %u", index,
				SIM_MOCK_IOTLB_NUM);
	if (obj_at(sim, off)->hwpt.iotlb[index] != value)
		return sim_fail(sim, EINVAL, "IOTLB entry %u holds 0x%x", index,
				obj_at(sim, off)->hwpt.iotlb[index]);
	return 0;
}

/* The mock's cache_invalidate_user: entries in order, each copied on its
 * own; *done counts those handled before a failure. */
static int mock_invalidate(struct sim *sim, uint64_t off, struct ifd_hwpt_invalidate *cmd,
			   uint32_t *done)
{
	struct ifd_hwpt_invalidate_selftest inv;
	int ret;

	if (cmd->data_type != IFD_HWPT_INVALIDATE_DATA_SELFTEST)
		return sim_fail(sim, EINVAL, "the mock nested domain takes invalidations of type "
				"0x%x, not 0x%x", IFD_HWPT_INVALIDATE_DATA_SELFTEST, cmd->data_type);
	for (uint32_t i = 0; i < cmd->entry_num; i++) {
		ret = sim_copy_user_data(sim, &inv, sizeof(inv), sizeof(inv), cmd->data_type,
				     IFD_HWPT_INVALIDATE_DATA_SELFTEST,
				     cmd->data_uptr + (uint64_t)cmd->entry_len * i, cmd->entry_len);
		if (ret)
			return ret;
		if (inv.flags & ~IFD_TEST_INVALIDATE_FLAG_ALL)
			return sim_fail(sim, EOPNOTSUPP, "entry %u: unknown flags 0x%x", i, inv.flags);
		/* checked even when the entry invalidates everything */
		if (inv.iotlb_id > MOCK_IOTLB_ID_MAX)
			return sim_fail(sim, EINVAL, "entry %u: IOTLB entry %u, the mock has %u", i,
					inv.iotlb_id, SIM_MOCK_IOTLB_NUM);
		if (inv.flags & IFD_TEST_INVALIDATE_FLAG_ALL)
			memset(obj_w(sim, off)->hwpt.iotlb, 0, sizeof(obj_at(sim, off)->hwpt.iotlb));
		else
			obj_w(sim, off)->hwpt.iotlb[inv.iotlb_id] = 0;
		sim->dirty = true;
		++*done;
	}
	return sim->corrupt ? -EUCLEAN : 0;
}

static int hwpt_invalidate(struct sim *sim, struct ifd_hwpt_invalidate *cmd, uint32_t *done)
{
	struct sim_obj *obj;
	uint64_t off;
	int ret;

	if (cmd->reserved)
		return sim_fail(sim, EOPNOTSUPP, "__reserved is not zero");
	if (cmd->entry_num && (!cmd->data_uptr || !cmd->entry_len ||
			       cmd->entry_len > sim_hdr(sim)->page_size ||
			       cmd->entry_num > HWPT_INVALIDATE_ENTRY_NUM_MAX))
		return sim_fail(sim, EINVAL, "entries need data_uptr, 0 < entry_len <= PAGE_SIZE and "
				"entry_num <= %u", HWPT_INVALIDATE_ENTRY_NUM_MAX);
	ret = sim_get_obj(sim, cmd->hwpt_id, SIM_OBJ_NONE, &off);
	if (ret)
		return ret;
	obj = obj_at(sim, off);
	if (obj->type == SIM_OBJ_HWPT_NESTED)
		return mock_invalidate(sim, off, cmd, done);
	if (obj->type == SIM_OBJ_VIOMMU)
		return sim_viommu_invalidate(sim, off, cmd->data_type, cmd->data_uptr, cmd->entry_len,
					     cmd->entry_num, done);
	return sim_fail(sim, EINVAL, "id %u is a %s, not a nested HWPT or a vIOMMU", cmd->hwpt_id,
			sim_obj_type_name(obj->type));
}

int sim_cmd_hwpt_invalidate(struct sim_ucmd *uc)
{
	struct ifd_hwpt_invalidate *cmd = uc->cmd;
	uint32_t done = 0;
	int ret = hwpt_invalidate(uc->sim, cmd, &done);

	/* The one command that answers on failure too: the entries handled. */
	cmd->entry_num = done;
	if (sim_respond(uc))
		return -EFAULT;
	return ret;
}
