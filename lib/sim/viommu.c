// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vIOMMUs and vDEVICEs of the selftest mock, after the 7.2 kernel's
 * viommu.c, the vIOMMU parts of hw_pagetable.c and selftest.c.
 *
 * A vIOMMU (IOMMU_VIOMMU_TYPE_SELFTEST only) holds its nest parent.  With
 * selftest data it loops in_data back and hands out an mmap cookie for a
 * two-page region of the iommufd: the cookie is the kernel's (the lowest free
 * PAGE_SIZE-aligned offset from PAGE_SIZE on of the context), but there is no
 * iommufd file to mmap in the simulator, so the region itself is never there
 * and a vIOMMU is never kept busy by a mapping of it.
 *
 * A vDEVICE holds its vIOMMU, not its device.  When the device goes (its
 * selftest object is destroyed) while the vDEVICE is there, the vDEVICE is
 * destroyed and its ID left as a tombstone until the context closes.
 *
 * The mock device keeps the vIOMMU of the nested domain it attaches to, and
 * its virtual ID there as read at the attach (a nested domain of a vIOMMU
 * takes only a device that has a vDEVICE in it): IOMMU_TEST_OP_TRIGGER_VEVENT
 * reports through them, and a vIOMMU invalidation clears the cache of the
 * device behind a virtual ID.
 */
#include <errno.h>
#include <string.h>

#include "cmds.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"

#define MOCK_DEV_CACHE_ID_MAX		(SIM_MOCK_DEV_CACHE_NUM - 1)
#define VIOMMU_MMAP_PAGES		2u
#define HW_QUEUE_MAX			2u	/* IOMMU_TEST_HW_QUEUE_MAX */

/* Call fn for every published object of our context of 'type'; stops at
 * the first non-zero answer and returns it. */
static uint64_t each_obj(struct sim *sim, uint32_t type,
			 bool (*fn)(struct sim *sim, uint64_t off, const void *arg), const void *arg)
{
	uint64_t limit = itree_max_nodes(sim), o = sim_obj_from(sim, sim->ctx_off, 0);

	for (uint64_t steps = 0; o && !sim->corrupt && steps <= limit; steps++) {
		struct sim_obj *obj = obj_at(sim, o);
		uint64_t id = obj->n.start;

		if (obj->type == type && !obj->r.rflags && fn(sim, o, arg))
			return o;
		o = sim_obj_from(sim, sim->ctx_off, id + 1);
	}
	return 0;
}

static bool mmap_at(struct sim *sim, uint64_t off, const void *arg)
{
	return obj_at(sim, off)->viommu.mmap_offset == *(const uint64_t *)arg;
}

/* The kernel's mtree_alloc_range over [PAGE_SIZE, ULONG_MAX] of the context:
 * every region is two pages, so the lowest free one starts at an odd page. */
static uint64_t mmap_cookie(struct sim *sim)
{
	uint64_t page = sim_hdr(sim)->page_size, limit = itree_max_nodes(sim);

	for (uint64_t k = 0; k <= limit; k++) {
		uint64_t at = page + k * VIOMMU_MMAP_PAGES * page;

		if (!each_obj(sim, SIM_OBJ_VIOMMU, mmap_at, &at))
			return at;
	}
	return 0;
}

/* ---- IOMMU_VIOMMU_ALLOC ------------------------------------------------------------------ */

/* The mock's viommu_init with selftest data: the loopback, the mmap cookie. */
static int viommu_data(struct sim *sim, struct ifd_viommu_alloc *cmd, uint64_t off)
{
	struct ifd_viommu_selftest data;
	struct sim_viommu *v;
	uint64_t page = sim_hdr(sim)->page_size;
	int ret = sim_copy_user_data(sim, &data, sizeof(data), sizeof(uint32_t) * 2, cmd->type,
				     SIM_VIOMMU_TYPE_SELFTEST, cmd->data_uptr, cmd->data_len);

	if (ret)
		return ret;
	v = &obj_w(sim, off)->viommu;
	v->in_data = data.in_data;
	v->mmap_length = VIOMMU_MMAP_PAGES * page;
	v->mmap_offset = mmap_cookie(sim);
	if (!v->mmap_offset)
		return sim->corrupt ? -EUCLEAN : sim_fail(sim, ENOMEM, "no mmap offset is free");
	data.out_data = data.in_data;
	data.out_mmap_offset = v->mmap_offset;
	data.out_mmap_length = v->mmap_length;
	/* data_len is at most sizeof(data) (checked by the copy in) */
	if (sim_uwrite(sim, cmd->data_uptr, &data, cmd->data_len))
		return sim_fail(sim, EFAULT, "cannot write the data back to 0x%llx",
				(unsigned long long)cmd->data_uptr);
	return 0;
}

int sim_cmd_viommu_alloc(struct sim_ucmd *uc)
{
	struct ifd_viommu_alloc *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t dev, parent, off;
	struct sim_obj *v;
	int ret;

	if (cmd->flags || cmd->type == 0)
		return sim_fail(sim, EOPNOTSUPP, "flags must be 0 and type not DEFAULT");
	ret = sim_get_obj(sim, cmd->dev_id, SIM_OBJ_DEVICE, &dev);
	if (ret)
		return ret;
	if (cmd->type != SIM_VIOMMU_TYPE_SELFTEST)
		return sim_fail(sim, EOPNOTSUPP, "the mock IOMMU has no vIOMMU of type 0x%x", cmd->type);
	ret = sim_get_obj(sim, cmd->hwpt_id, SIM_OBJ_HWPT_PAGING, &parent);
	if (ret)
		return ret;
	if (!(obj_at(sim, parent)->hwpt.flags & SIM_HWPT_NEST_PARENT))
		return sim_fail(sim, EINVAL, "hwpt %u is not a nest parent", cmd->hwpt_id);
	ret = sim_reserve(sim, 1, 0);
	if (!ret)
		ret = sim_obj_new(sim, SIM_OBJ_VIOMMU, &off);
	if (ret)
		return ret;
	v = obj_w(sim, off);
	v->viommu.parent = parent;
	v->viommu.type = cmd->type;
	obj_w(sim, parent)->users++;
	if (cmd->data_len) {
		ret = viommu_data(sim, cmd, off);
		if (ret)
			goto abort;
	}
	cmd->out_viommu_id = id_of(sim, off);
	ret = sim_respond(uc);
	if (ret)
		goto abort;
	sim_obj_finalize(sim, off);
	sim->dirty = true;
	return sim->corrupt ? -EUCLEAN : 0;
abort:
	sim_viommu_destroy_obj(sim, off);
	sim_obj_abort(sim, off);
	return sim->corrupt ? -EUCLEAN : ret;
}

/* ---- IOMMU_VDEVICE_ALLOC ------------------------------------------------------------------ */

struct vdev_key {
	uint64_t viommu, virt_id;
};

static bool vdev_is(struct sim *sim, uint64_t off, const void *arg)
{
	const struct vdev_key *k = arg;
	const struct sim_vdev *vd = &obj_at(sim, off)->vdev;

	return vd->viommu == k->viommu && vd->virt_id == k->virt_id;
}

/* The vDEVICE of vIOMMU 'viommu_off' with this virtual ID, or 0. */
uint64_t sim_vdev_find(struct sim *sim, uint64_t viommu_off, uint64_t virt_id)
{
	struct vdev_key k = { viommu_off, virt_id };

	return each_obj(sim, SIM_OBJ_VDEVICE, vdev_is, &k);
}

int sim_cmd_vdevice_alloc(struct sim_ucmd *uc)
{
	struct ifd_vdevice_alloc *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t viommu, dev, off;
	struct sim_obj *vd;
	int ret;

	/* virt_id > ULONG_MAX cannot happen on a 64-bit kernel. */
	ret = sim_get_obj(sim, cmd->viommu_id, SIM_OBJ_VIOMMU, &viommu);
	if (!ret)
		ret = sim_get_obj(sim, cmd->dev_id, SIM_OBJ_DEVICE, &dev);
	if (ret)
		return ret;
	/* Every mock device is behind the one mock IOMMU instance. */
	if (obj_at(sim, dev)->idev.vdev)
		return sim_fail(sim, EEXIST, "device %u has vdevice %u already", cmd->dev_id,
				id_of(sim, obj_at(sim, dev)->idev.vdev));
	ret = sim_reserve(sim, 1, 0);
	if (!ret)
		ret = sim_obj_new(sim, SIM_OBJ_VDEVICE, &off);
	if (ret)
		return ret;
	if (sim_vdev_find(sim, viommu, cmd->virt_id)) {
		ret = sim_fail(sim, EEXIST, "viommu %u has a vdevice with virt_id 0x%llx already",
			       cmd->viommu_id, (unsigned long long)cmd->virt_id);
		sim_obj_abort(sim, off);
		return sim->corrupt ? -EUCLEAN : ret;
	}
	vd = obj_w(sim, off);
	vd->vdev.viommu = viommu;
	vd->vdev.idev = dev;
	vd->vdev.virt_id = cmd->virt_id;
	obj_w(sim, viommu)->users++;
	obj_w(sim, dev)->idev.vdev = off;
	cmd->out_vdevice_id = id_of(sim, off);
	ret = sim_respond(uc);
	if (ret) {
		sim_viommu_destroy_obj(sim, off);
		sim_obj_abort(sim, off);
		return sim->corrupt ? -EUCLEAN : ret;
	}
	sim_obj_finalize(sim, off);
	sim->dirty = true;
	return sim->corrupt ? -EUCLEAN : 0;
}

/* ---- destruction ----------------------------------------------------------------------------- */

static void unref(struct sim *sim, uint64_t off, const char *holder)
{
	if (obj_at(sim, off)->users > 1)
		obj_w(sim, off)->users--;
	else
		sim_corrupt(sim, "%s %u has fewer users than %s", sim_obj_type_name(obj_at(sim, off)->type),
			    id_of(sim, off), holder);
}

void sim_viommu_destroy_obj(struct sim *sim, uint64_t off)
{
	struct sim_obj *obj = obj_at(sim, off);

	switch (obj->type) {
	case SIM_OBJ_VIOMMU:
		unref(sim, obj->viommu.parent, "vIOMMUs");
		break;
	case SIM_OBJ_VDEVICE:
		if (obj->r.rflags & SIM_OBJ_TOMBSTONE)
			break;
		unref(sim, obj->vdev.viommu, "vDEVICEs");
		obj_w(sim, obj->vdev.idev)->idev.vdev = 0;
		break;
	case SIM_OBJ_HW_QUEUE:
		/* the mock's destroy (the dependency), the access, the vIOMMU */
		if (obj->hwq.prev)
			unref(sim, obj->hwq.prev, "HW queues");
		if (obj->hwq.ioas) {
			unref(sim, obj->hwq.ioas, "HW queue accesses");
			obj_w(sim, obj->hwq.ioas)->ioas.nr_locks--;
			/* iopt_remove_access: the alignment may go down again */
			sim_ioas_recalc_alignment(sim, obj->hwq.ioas);
		}
		if (obj->hwq.access) {
			/* the queue's reference first, then the table's with the ID */
			obj_w(sim, obj->hwq.access)->users--;
			sim_obj_unpublish_destroy(sim, obj->hwq.access);
		}
		if (obj->hwq.viommu)
			unref(sim, obj->hwq.viommu, "HW queues");
		break;
	default:
		break;
	}
	sim->dirty = true;
}

/* iommufd_device_remove_vdev: the device goes, its vDEVICE with it, and the
 * vDEVICE's ID stays taken (a tombstone) until the context closes. */
void sim_vdev_tombstone(struct sim *sim, uint64_t idev_off)
{
	uint64_t vd = obj_at(sim, idev_off)->idev.vdev;
	struct sim_obj *obj;

	if (!vd)
		return;
	if (obj_at(sim, vd)->users != 1) {
		sim_corrupt(sim, "vdevice %u is held by %u users", id_of(sim, vd), obj_at(sim, vd)->users);
		return;
	}
	sim_viommu_destroy_obj(sim, vd);
	obj = obj_w(sim, vd);
	memset(obj->room, 0, sizeof(obj->room));
	obj->r.rflags |= SIM_OBJ_TOMBSTONE;
}

/* ---- the mock device through its vIOMMU ------------------------------------------------------ */

/* mock_domain_nop_attach's check: a nested domain of a vIOMMU takes a device
 * only with a vDEVICE there; 0 or -ENOENT. */
int sim_viommu_attach_check(struct sim *sim, uint64_t hwpt_off, uint64_t idev_off)
{
	const struct sim_obj *hw = obj_at(sim, hwpt_off);
	uint64_t vd = obj_at(sim, idev_off)->idev.vdev;

	if (hw->type != SIM_OBJ_HWPT_NESTED || !hw->hwpt.viommu)
		return 0;
	if (!vd || obj_at(sim, vd)->vdev.viommu != hw->hwpt.viommu)
		return sim_fail(sim, ENOENT, "device %u has no vdevice in viommu %u",
				id_of(sim, idev_off), id_of(sim, hw->hwpt.viommu));
	return 0;
}

/* ... and what it remembers once attached to 'hwpt_off' (0: blocked). */
void sim_viommu_attached(struct sim *sim, uint64_t idev_off, uint64_t hwpt_off)
{
	const struct sim_obj *hw = hwpt_off ? obj_at(sim, hwpt_off) : NULL;
	uint64_t viommu = hw && hw->type == SIM_OBJ_HWPT_NESTED ? hw->hwpt.viommu : 0;
	struct sim_idev *d;

	if (obj_at(sim, idev_off)->idev.viommu == viommu)
		return;
	d = &obj_w(sim, idev_off)->idev;
	d->viommu = viommu;
	d->vdev_id = viommu ? obj_at(sim, d->vdev)->vdev.virt_id : 0;
}

/* The mock vIOMMU's cache_invalidate: the whole array is read first, then
 * the entries run in order; *done counts those handled before a failure. */
int sim_viommu_invalidate(struct sim *sim, uint64_t viommu_off, uint32_t type, uint64_t uptr,
			  uint32_t entry_len, uint32_t entry_num, uint32_t *done)
{
	struct ifd_viommu_invalidate_selftest inv;
	const uint32_t esz = sizeof(inv);
	int z;

	if (!entry_num && type == IFD_VIOMMU_INVALIDATE_DATA_SELFTEST)
		return 0;
	if (type != IFD_VIOMMU_INVALIDATE_DATA_SELFTEST)
		return sim_fail(sim, EINVAL, "the mock vIOMMU takes invalidations of type 0x%x, not "
				"0x%x", IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, type);
	if (!entry_num)
		return sim_fail(sim, EINVAL, "no entries");
	/* the copy of the whole array comes before any entry is handled */
	for (uint32_t i = 0; i < entry_num; i++) {
		uint64_t at = uptr + (uint64_t)entry_len * i;

		if (sim_uread(sim, &inv, at, SIM_MIN(entry_len, esz)))
			return sim_fail(sim, EFAULT, "cannot read entry %u at 0x%llx", i,
					(unsigned long long)at);
		if (entry_len > esz) {
			z = sim_uzero(sim, at + esz, entry_len - esz);
			if (z < 0)
				return sim_fail(sim, EFAULT, "cannot read entry %u", i);
			if (!z)
				return sim_fail(sim, E2BIG, "entry %u: bytes past %u are not zero", i, esz);
		}
	}
	for (uint32_t i = 0; i < entry_num; i++) {
		uint64_t at = uptr + (uint64_t)entry_len * i, vd, dev;
		struct sim_idev *d;

		memset(&inv, 0, sizeof(inv));
		if (sim_uread(sim, &inv, at, SIM_MIN(entry_len, esz)))
			return sim_fail(sim, EFAULT, "cannot read entry %u at 0x%llx", i,
					(unsigned long long)at);
		if (inv.flags & ~IFD_TEST_INVALIDATE_FLAG_ALL)
			return sim_fail(sim, EOPNOTSUPP, "entry %u: unknown flags 0x%x", i, inv.flags);
		if (inv.cache_id > MOCK_DEV_CACHE_ID_MAX)
			return sim_fail(sim, EINVAL, "entry %u: cache entry %u, the mock has %u", i,
					inv.cache_id, SIM_MOCK_DEV_CACHE_NUM);
		vd = sim_vdev_find(sim, viommu_off, inv.vdev_id);
		if (!vd)
			return sim->corrupt ? -EUCLEAN :
			       sim_fail(sim, EINVAL, "entry %u: no vdevice with virt_id %u", i,
					inv.vdev_id);
		dev = obj_at(sim, vd)->vdev.idev;
		d = &obj_w(sim, dev)->idev;
		if (inv.flags & IFD_TEST_INVALIDATE_FLAG_ALL)
			memset(d->cache, 0, sizeof(d->cache));
		else
			d->cache[inv.cache_id] = 0;
		sim->dirty = true;
		++*done;
	}
	return sim->corrupt ? -EUCLEAN : 0;
}

/* IOMMU_TEST_OP_TRIGGER_VEVENT: the device's vIOMMU reports a selftest
 * vEVENT carrying its virtual ID to the vIOMMU's selftest event queue. */
int sim_trigger_vevent(struct sim *sim, uint64_t idev_off)
{
	const struct sim_idev *d = &obj_at(sim, idev_off)->idev;

	uint32_t virt_id;

	if (!d->viommu || !d->vdev_id)
		return sim_fail(sim, ENOENT, "device %u is not attached through a vIOMMU with a "
				"non-zero virtual ID", id_of(sim, idev_off));
	/* struct iommu_viommu_event_selftest: the virtual ID, truncated to 32 bits */
	virt_id = (uint32_t)d->vdev_id;
	return sim_viommu_report(sim, d->viommu, IFD_VEVENTQ_TYPE_SELFTEST, &virt_id, sizeof(virt_id));
}

/* ---- IOMMU_HW_QUEUE_ALLOC ------------------------------------------------------------------- */

struct hwq_key {
	uint64_t viommu;
	uint32_t index;
};

static bool hwq_is(struct sim *sim, uint64_t off, const void *arg)
{
	const struct hwq_key *k = arg;
	const struct sim_hwq *q = &obj_at(sim, off)->hwq;

	return q->viommu == k->viommu && q->index == k->index;
}

static bool hwq_locks(struct sim *sim, uint64_t off, const void *arg)
{
	const uint64_t *r = arg;	/* ioas, first, last */
	const struct sim_hwq *q = &obj_at(sim, off)->hwq;

	return q->ioas == r[0] && q->lock_start <= r[2] && r[1] <= q->lock_last;
}

bool sim_area_locked(struct sim *sim, uint64_t ioas_off, uint64_t first, uint64_t last)
{
	uint64_t r[3] = { ioas_off, first, last };
	uint64_t ctx = sim->ctx_off;
	bool locked;

	/* the IOAS's context (an IOAS is only ever unmapped from its own) */
	sim->ctx_off = obj_at(sim, ioas_off)->ctx;
	locked = each_obj(sim, SIM_OBJ_HW_QUEUE, hwq_locks, r) != 0;
	sim->ctx_off = ctx;
	return locked;
}

/* iommufd_hw_queue_alloc_phys: the internal access pins the pages of the
 * guest queue in the nest parent's IOAS, [*lo, *hi]; the areas there must
 * cover it without a hole (ENOENT) and be readable (EPERM).  Whether the
 * pages are physically contiguous (EFAULT) is unknown here: they are taken
 * to be. */
static int hwq_pin(struct sim *sim, uint64_t ioas_off, uint64_t base, uint64_t length,
		   uint64_t *lo, uint64_t *hi)
{
	uint64_t page = sim_hdr(sim)->page_size, aligned = base & ~(page - 1), len, last, cur;
	uint64_t limit = itree_max_nodes(sim), area;

	if (__builtin_add_overflow(base - aligned, length, &len) ||
	    __builtin_add_overflow(len, page - 1, &len))
		return sim_fail(sim, ERANGE, "the queue's pages overflow");
	len &= ~(page - 1);
	if (__builtin_add_overflow(aligned, len - 1, &last))
		return sim_fail(sim, EOVERFLOW, "the queue's pages overflow");
	cur = aligned;
	area = itree_first_overlap(sim, obj_at(sim, ioas_off)->ioas.area_root, SIM_TAG_AREA, aligned,
				   last);
	for (uint64_t steps = 0; area && !sim->corrupt && steps <= limit; steps++) {
		const struct sim_area *a = sim_rec(sim, area, SIM_TAG_AREA);

		if (a->n.start > cur)
			break;
		if (!(a->prot & IOMMU_IOAS_MAP_READABLE))
			return sim_fail(sim, EPERM, "the area at 0x%llx is not readable",
					(unsigned long long)a->n.start);
		if (a->n.last >= last) {
			*lo = aligned;
			*hi = last;
			return 0;
		}
		cur = a->n.last + 1;
		area = itree_next_overlap(sim, area, SIM_TAG_AREA, aligned, last);
	}
	if (sim->corrupt)
		return -EUCLEAN;
	return sim_fail(sim, ENOENT, "[0x%llx, 0x%llx] of the nest parent's IOAS is not all mapped",
			(unsigned long long)aligned, (unsigned long long)last);
}

int sim_cmd_hw_queue_alloc(struct sim_ucmd *uc)
{
	struct ifd_hw_queue_alloc *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t viommu, off, acc, last, ioas, lo = 0, hi = 0, prev = 0;
	struct hwq_key k;
	struct sim_obj *q;
	int ret;

	if (cmd->flags || cmd->type == 0)
		return sim_fail(sim, EOPNOTSUPP, "flags must be 0 and type not DEFAULT");
	if (!cmd->length)
		return sim_fail(sim, EINVAL, "length is 0");
	if (__builtin_add_overflow(cmd->nesting_parent_iova, cmd->length - 1, &last))
		return sim_fail(sim, EOVERFLOW, "nesting_parent_iova + length overflows");
	ret = sim_get_obj(sim, cmd->viommu_id, SIM_OBJ_VIOMMU, &viommu);
	if (ret)
		return ret;
	if (cmd->type != IFD_HW_QUEUE_TYPE_SELFTEST)
		return sim_fail(sim, EOPNOTSUPP, "the mock vIOMMU has no HW queue of type 0x%x",
				cmd->type);
	ret = sim_reserve(sim, 2, 0);
	if (!ret)
		ret = sim_obj_new(sim, SIM_OBJ_HW_QUEUE, &off);
	if (ret)
		return ret;
	/* iommufd_hw_queue_alloc_phys: the internal access is an object too,
	 * with the ID after the queue's; the queue holds it. */
	ret = sim_obj_new(sim, SIM_OBJ_ACCESS, &acc);
	if (ret) {
		sim_obj_abort(sim, off);
		return ret;
	}
	ioas = obj_at(sim, obj_at(sim, viommu)->viommu.parent)->hwpt.ioas;
	/* iopt_add_access: the internal access wants PAGE_SIZE alignment, which
	 * every area must meet already (EADDRINUSE). */
	if (obj_at(sim, ioas)->ioas.iova_alignment < sim_hdr(sim)->page_size) {
		ret = sim_check_alignment(sim, ioas, sim_hdr(sim)->page_size);
		if (ret)
			goto abort;
	}
	ret = hwq_pin(sim, ioas, cmd->nesting_parent_iova, cmd->length, &lo, &hi);
	if (ret)
		goto abort;
	/* mock_hw_queue_init_phys: indexes in order, one queue each */
	k = (struct hwq_key){ viommu, cmd->index };
	if (cmd->index >= HW_QUEUE_MAX)
		ret = sim_fail(sim, EINVAL, "index %u: the mock has %u queues", cmd->index, HW_QUEUE_MAX);
	else if (each_obj(sim, SIM_OBJ_HW_QUEUE, hwq_is, &k))
		ret = sim_fail(sim, EEXIST, "viommu %u has a queue of index %u already", cmd->viommu_id,
			       cmd->index);
	else if (cmd->index) {
		k.index = cmd->index - 1;
		prev = each_obj(sim, SIM_OBJ_HW_QUEUE, hwq_is, &k);
		if (!prev)
			ret = sim_fail(sim, EIO, "index %u before queue %u of viommu %u", cmd->index - 1,
				       cmd->index, cmd->viommu_id);
	}
	if (ret)
		goto abort;
	q = obj_w(sim, off);
	q->hwq = (struct sim_hwq){ .viommu = viommu, .ioas = ioas, .prev = prev,
				   .base = cmd->nesting_parent_iova, .length = cmd->length,
				   .lock_start = lo, .lock_last = hi, .index = cmd->index,
				   .type = cmd->type, .access = acc };
	obj_w(sim, acc)->acc.hwq = off;
	obj_w(sim, acc)->users++;
	obj_w(sim, viommu)->users++;
	obj_w(sim, ioas)->users++;
	obj_w(sim, ioas)->ioas.nr_locks++;
	obj_w(sim, ioas)->ioas.iova_alignment = SIM_MAX(obj_at(sim, ioas)->ioas.iova_alignment,
							sim_hdr(sim)->page_size);
	if (prev)
		obj_w(sim, prev)->users++;
	cmd->out_hw_queue_id = id_of(sim, off);
	sim_obj_finalize(sim, acc);
	ret = sim_respond(uc);
	if (ret) {
		/* takes the access with it */
		sim_viommu_destroy_obj(sim, off);
		sim_obj_abort(sim, off);
		return sim->corrupt ? -EUCLEAN : ret;
	}
	sim_obj_finalize(sim, off);
	sim->dirty = true;
	return sim->corrupt ? -EUCLEAN : 0;
abort:
	sim_obj_abort(sim, acc);
	sim_obj_abort(sim, off);
	return sim->corrupt ? -EUCLEAN : ret;
}
