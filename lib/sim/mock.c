// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's selftest mock (CONFIG_IOMMUFD_TEST, selftest.c) and the
 * device side of iommufd it drives (device.c, hw_pagetable.c): the lab's
 * kernel has it, so the simulator has it too.
 *
 * IOMMU_TEST_OP_MOCK_DOMAIN makes a SELFTEST object, binds a mock device (a
 * DEVICE object, owned by the driver: one users reference for the SELFTEST
 * object, one more while attached) and attaches it.  Attaching to an IOAS
 * takes the first of the IOAS's automatic HWPT_PAGINGs that accepts the
 * device, or makes a new one, which is added to the IOAS as a domain: the
 * IOVA alignment grows to the mock page size (2048), everything outside the
 * mock aperture [16 MiB, 2 GiB - 1] is reserved for it, and the IOAS's areas
 * are pinned.  An automatic HWPT goes away with its last device; removing it
 * gives back its reserved ranges and recomputes the alignment.
 *
 * IDs come in the kernel's order: the SELFTEST object's first (reserved, not
 * visible until the command succeeds), then the device's, then a new HWPT's;
 * a failed command gives every one of them back.
 *
 * IOMMU_HWPT_ALLOC (hwpt.c) makes user domains with the same helpers: a
 * paging HWPT is added to its IOAS like an automatic one but is never picked
 * by an attach to the IOAS, and lives until it is destroyed; a nested HWPT
 * holds its nest parent and adds nothing to any IOAS.
 *
 * The selftest mock device has no reserved regions; its driver refuses
 * (EINVAL) to attach a device flagged NO_DIRTY to a domain with dirty
 * tracking.  The automatic domains have no dirty tracking and no PASID
 * support.
 *
 * IOMMU_TEST_OP_PASID_* attach the device at a PASID as well: only to a
 * HWPT allocated with IOMMU_HWPT_ALLOC_PASID (paging or nested), only on a
 * device flagged PASID (20 bits, or the platform's width), and only while
 * the device itself is detached or on such a HWPT; the device then goes only
 * to such a HWPT.  Each PASID's attachment holds a users reference on its
 * HWPT and on the device, reserves nothing in the IOAS and is its own fault
 * handle.
 *
 * Under a platform profile (platform.c) the mock device takes the platform's
 * geometry instead: its domains' aperture and page size, and the reserved
 * regions its driver reports, which each attach to an IOAS enforces (owned
 * by the device, EADDRINUSE over a mapping or an allowed range) and each
 * detach, or a replace to another IOAS, gives back.  A nested HWPT's
 * IOAS is its nest parent's.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"

#define DMABUF_MAX_PAGES	512
#define ACCESS_MAX_LENGTH	(16ull << 20)
#define MEMORY_LIMIT_MIN	12u	/* sizeof(unsigned long) + sizeof(u32) */
#define MOCK_DEV_CACHE_ID_MAX	3u
#define MOCK_DEV_CACHE_DEFAULT	0xbaddadu
#define MOCK_ACCESS_SYZ		(1u << 16)

/* ---- domains in an IOAS (io_pagetable.c) ---------------------------------------------------- */

uint64_t sim_ioas_domain_pgsize(struct sim *sim, uint64_t obj_off)
{
	struct sim_obj *ioas = obj_at(sim, obj_off);
	uint64_t ctx = ioas->ctx, limit = itree_max_nodes(sim), best = 0;
	uint64_t o;

	if (!ioas->ioas.nr_domains)
		return 0;
	o = sim_obj_from(sim, ctx, 0);
	for (uint64_t steps = 0; o && !sim->corrupt && steps <= limit; steps++) {
		struct sim_obj *obj = obj_at(sim, o);
		uint64_t id = obj->n.start;

		if (obj->type == SIM_OBJ_HWPT_PAGING && obj->hwpt.ioas == obj_off &&
		    (obj->hwpt.flags & SIM_HWPT_ADDED))
			best = SIM_MAX(best, obj->hwpt.pgsize);
		o = sim_obj_from(sim, ctx, id + 1);
	}
	return best;
}

/* The kernel's iopt_table_add_domain, in its order: alignment, aperture,
 * then pinning every area when this is the IOAS's first domain. */
static int add_domain(struct sim *sim, uint64_t hwpt_off)
{
	struct sim_hwpt *h = &obj_at(sim, hwpt_off)->hwpt;
	uint64_t ioas_off = h->ioas, page = sim_hdr(sim)->page_size, start = h->aperture_start;
	uint64_t end = h->aperture_last, align, last;
	struct sim_ioas *ioas = &obj_at(sim, ioas_off)->ioas;
	int ret;

	align = SIM_MAX(h->pgsize, ioas->iova_alignment);
	if (align > page)
		return sim_fail(sim, EINVAL, "the domain's page size 0x%llx is above PAGE_SIZE",
				(unsigned long long)align);
	if (align != ioas->iova_alignment) {
		ret = sim_check_alignment(sim, ioas_off, align);
		if (ret)
			return ret;
	}
	if (start) {
		last = start - 1;
#if SIM_MUTANT == 3
		/* Mutant 3: the reservation below the aperture stops a page short. */
		last -= page;
#endif
		ret = sim_reserve_iova(sim, ioas_off, 0, last, hwpt_off);
		if (ret)
			goto fail;
	}
	if (end != SIM_ULONG_MAX) {
		ret = sim_reserve_iova(sim, ioas_off, end + 1, SIM_ULONG_MAX, hwpt_off);
		if (ret)
			goto fail;
	}
	/* A second domain is filled from the first: nothing new is pinned. */
	if (!obj_at(sim, ioas_off)->ioas.nr_domains) {
		struct sim_vm_cache *vc = sim_vm_cache_new();
		uint64_t limit = itree_max_nodes(sim);
		uint64_t a = itree_first(sim, obj_at(sim, ioas_off)->ioas.area_root, SIM_TAG_AREA);

		ret = 0;
		for (uint64_t steps = 0; a && !ret && !sim->corrupt && steps <= limit; steps++) {
			ret = sim_pin_area(sim, vc, a);
			a = itree_next(sim, a, SIM_TAG_AREA);
		}
		sim_vm_cache_free(vc);
		if (!ret && sim->corrupt)
			ret = -EUCLEAN;
		if (ret)
			goto fail;
	}
	ioas = &obj_w(sim, ioas_off)->ioas;
	ioas->iova_alignment = align;
	ioas->nr_domains++;
	if (obj_at(sim, hwpt_off)->hwpt.flags & SIM_HWPT_DIRTY_OPS)
		ioas->nr_dirty_domains++;
	obj_w(sim, hwpt_off)->hwpt.flags |= SIM_HWPT_ADDED;
	sim->dirty = true;
	return 0;
fail:
	sim_remove_reserved(sim, ioas_off, hwpt_off);
	return ret;
}

/* The kernel's iopt_table_remove_domain. */
static void remove_domain(struct sim *sim, uint64_t hwpt_off)
{
	struct sim_hwpt *h = &obj_at(sim, hwpt_off)->hwpt;
	uint64_t ioas_off = h->ioas;

	if (!(h->flags & SIM_HWPT_ADDED))
		return;
	obj_w(sim, hwpt_off)->hwpt.flags &= ~SIM_HWPT_ADDED;
	obj_w(sim, ioas_off)->ioas.nr_domains--;
	if (h->flags & SIM_HWPT_DIRTY_OPS)
		obj_w(sim, ioas_off)->ioas.nr_dirty_domains--;
	sim_remove_reserved(sim, ioas_off, hwpt_off);
	/* fewer domains never raise the alignment */
	sim_ioas_recalc_alignment(sim, ioas_off);
	sim->dirty = true;
}

/* ---- HWPT_PAGING ----------------------------------------------------------------------------- */

/* A mock paging domain on 'ioas_off' (not yet added to it); 'flags' are
 * SIM_HWPT_*: SIM_HWPT_HUGE is the MOCK_IOMMUPT_HUGE page table, whose
 * smallest page is PAGE_SIZE and whose aperture is its table's whole reach. */
static int hwpt_new(struct sim *sim, uint64_t ioas_off, uint32_t flags, uint64_t *out)
{
	struct sim_hwpt *h;
	uint64_t off;
	int ret = sim_obj_new(sim, SIM_OBJ_HWPT_PAGING, &off);

	if (ret)
		return ret;
	h = &obj_w(sim, off)->hwpt;
	h->ioas = ioas_off;
	h->flags = flags;
	if (flags & SIM_HWPT_HUGE) {
		h->pgsize = sim_hdr(sim)->page_size;
		h->aperture_start = 0;
		h->aperture_last = SIM_MOCK_HUGE_APERTURE_LAST;
	} else {
		sim_platform_domain(sim, &h->pgsize, &h->aperture_start, &h->aperture_last);
	}
	obj_w(sim, ioas_off)->users++;
	*out = off;
	return 0;
}

/* Drop a users reference another object holds on 'off'. */
static void unref(struct sim *sim, uint64_t off, const char *holder)
{
	if (obj_at(sim, off)->users > 1)
		obj_w(sim, off)->users--;
	else
		sim_corrupt(sim, "%s %u has fewer users than %s", sim_obj_type_name(obj_at(sim, off)->type),
			    id_of(sim, off), holder);
}

/* The destroy operation (with the HWPT out of the table, or never in it). */
static void hwpt_destroy(struct sim *sim, uint64_t off)
{
	struct sim_obj *hw = obj_at(sim, off);

	if (hw->hwpt.fault)
		unref(sim, hw->hwpt.fault, "HWPTs");
	if (hw->type == SIM_OBJ_HWPT_NESTED) {
		if (hw->hwpt.viommu)
			unref(sim, hw->hwpt.viommu, "nested HWPTs");
		else
			unref(sim, hw->hwpt.parent, "nested HWPTs");
		return;
	}
	remove_domain(sim, off);
	sim_dirty_free_all(sim, off);
	unref(sim, obj_at(sim, off)->hwpt.ioas, "HWPTs");
}

static void hwpt_abort(struct sim *sim, uint64_t off)
{
	hwpt_destroy(sim, off);
	sim_obj_abort(sim, off);
}

int sim_hwpt_paging_alloc(struct sim *sim, uint64_t ioas_off, uint32_t flags, uint64_t *out)
{
	uint64_t hw;
	int ret = sim_reserve(sim, 4, 0);

	if (!ret)
		ret = hwpt_new(sim, ioas_off, flags, &hw);
	if (ret)
		return ret;
	ret = add_domain(sim, hw);
	if (ret) {
		hwpt_abort(sim, hw);
		return ret;
	}
	obj_w(sim, hw)->hwpt.seq = ++obj_w(sim, ioas_off)->ioas.hwpt_seq;
	*out = hw;
	sim->dirty = true;
	return sim->corrupt ? -EUCLEAN : 0;
}

int sim_hwpt_nested_alloc(struct sim *sim, uint64_t parent_off, uint64_t viommu_off,
			  uint32_t flags, uint32_t iotlb, uint64_t *out)
{
	struct sim_hwpt *h;
	uint64_t off;
	int ret = sim_obj_new(sim, SIM_OBJ_HWPT_NESTED, &off);

	if (ret)
		return ret;
	h = &obj_w(sim, off)->hwpt;
	h->parent = parent_off;
	h->viommu = viommu_off;
	h->flags = flags;
	for (unsigned int i = 0; i < SIM_MOCK_IOTLB_NUM; i++)
		h->iotlb[i] = iotlb;
	obj_w(sim, viommu_off ? viommu_off : parent_off)->users++;
	*out = off;
	sim->dirty = true;
	return sim->corrupt ? -EUCLEAN : 0;
}

void sim_hwpt_abort(struct sim *sim, uint64_t off)
{
	hwpt_abort(sim, off);
}

/* Drop a users reference; an automatic domain goes with its last one
 * (iommufd_hw_pagetable_put). */
static void hwpt_put(struct sim *sim, uint64_t off)
{
	struct sim_obj *hw = obj_at(sim, off);

	if (hw->users <= 1) {
		sim_corrupt(sim, "hwpt %u is put more often than it is held", id_of(sim, off));
		return;
	}
	hw = obj_w(sim, off);
	hw->users--;
	if ((hw->hwpt.flags & SIM_HWPT_AUTO) && hw->users == 1)
		sim_obj_unpublish_destroy(sim, off);
}

/* ---- attaching the mock device (device.c) --------------------------------------------------- */

/* The mock driver's attach_dev: a domain with dirty tracking refuses a
 * device that cannot track (EINVAL, which an automatic attach takes for
 * "try the next domain"); a nested domain of a vIOMMU one without a vDEVICE
 * there (ENOENT). */
static int driver_attach(struct sim *sim, uint64_t hwpt_off, uint64_t idev_off)
{
	if ((obj_at(sim, hwpt_off)->hwpt.flags & SIM_HWPT_DIRTY_OPS) &&
	    !sim_dev_dirty_capable(sim, obj_at(sim, idev_off)->idev.dev_flags))
		return sim_fail(sim, EINVAL, "hwpt %u tracks dirty pages and device %u cannot",
				id_of(sim, hwpt_off), id_of(sim, idev_off));
	return sim_viommu_attach_check(sim, hwpt_off, idev_off);
}

/*
 * A VFIO device is a PCI function without a PASID capability: its
 * dev->iommu->max_pasids is 0, for which the core skips both the range check
 * of a PASID and the driver's set_dev_pasid (iommu_attach_device_pasid,
 * __iommu_set_group_pasid), so a PASID attachment is bookkeeping only.  A
 * mock device without PASIDs has a width of 0 bits, i.e. one PASID, which
 * the range check does refuse.
 */
static bool pasid_less_pci(struct sim *sim, uint64_t idev_off)
{
	return obj_at(sim, idev_off)->idev.vfio_fn != 0;
}

/* The mock driver's set_dev_pasid to a domain: it checks neither dirty
 * tracking nor vDEVICEs, but fails every second change of PASID 1024 (its
 * planted error, for the core's roll-back). */
static int driver_set_pasid(struct sim *sim, uint64_t idev_off, uint32_t pasid)
{
	struct sim_idev *dv;

	if (pasid != 1024 || pasid_less_pci(sim, idev_off))
		return 0;
	dv = &obj_w(sim, idev_off)->idev;
	dv->pasid_flags ^= SIM_PASID_1024_ARMED;
	sim->dirty = true;
	if (!(dv->pasid_flags & SIM_PASID_1024_ARMED))
		return sim_fail(sim, ENOMEM, "the mock driver fails this change of PASID 1024 on "
				"purpose (its previous one armed it)");
	return 0;
}

/* The IOAS whose mappings a HWPT translates: a nested one's parent's. */
static uint64_t hwpt_ioas(struct sim *sim, uint64_t hwpt_off)
{
	const struct sim_obj *h = obj_at(sim, hwpt_off);

	if (h->type == SIM_OBJ_HWPT_NESTED)
		h = obj_at(sim, h->hwpt.parent);
	return h->hwpt.ioas;
}

static struct sim_pasid *pasid_at(struct sim *sim, uint64_t off)
{
	return sim_rec(sim, off, SIM_TAG_PASID);
}

/* The record of the device's attachment at 'pasid' (not IOMMU_NO_PASID), or 0. */
static uint64_t pasid_find(struct sim *sim, uint64_t idev_off, uint32_t pasid)
{
	return itree_find(sim, obj_at(sim, idev_off)->idev.pasid_root, SIM_TAG_PASID, pasid);
}

uint64_t sim_dev_attached_at(struct sim *sim, uint64_t idev_off, uint32_t pasid)
{
	uint64_t p;

	if (!pasid)
		return obj_at(sim, idev_off)->idev.hwpt;
	p = pasid_find(sim, idev_off, pasid);
	return p ? pasid_at(sim, p)->hwpt : 0;
}

/* iommufd_hwpt_pasid_compat: only a HWPT allocated with IOMMU_HWPT_ALLOC_PASID
 * goes to a PASID, and then the device itself only to such a HWPT too. */
static int pasid_compat(struct sim *sim, uint64_t hwpt_off, uint64_t idev_off, uint32_t pasid)
{
	const struct sim_obj *dv = obj_at(sim, idev_off);
	bool compat = obj_at(sim, hwpt_off)->hwpt.flags & SIM_HWPT_PASID;

	if (!pasid && !compat && dv->idev.nr_pasids)
		return sim_fail(sim, EINVAL, "device %u has PASIDs attached and hwpt %u was not "
				"allocated with IOMMU_HWPT_ALLOC_PASID", id_of(sim, idev_off),
				id_of(sim, hwpt_off));
	if (pasid && !compat)
		return sim_fail(sim, EINVAL, "hwpt %u was not allocated with IOMMU_HWPT_ALLOC_PASID "
				"(automatic domains never are)", id_of(sim, hwpt_off));
	if (pasid && dv->idev.hwpt && !(obj_at(sim, dv->idev.hwpt)->hwpt.flags & SIM_HWPT_PASID))
		return sim_fail(sim, EINVAL, "device %u is attached to hwpt %u, which was not "
				"allocated with IOMMU_HWPT_ALLOC_PASID", id_of(sim, idev_off),
				id_of(sim, dv->idev.hwpt));
	return 0;
}

/* iommufd_hw_pagetable_attach at a PASID: a second attach is refused, then
 * the PASID compatibility, then the core's range check of the device's
 * PASID width (a mock device without PASIDs has a width of 0 bits). */
static int pasid_attach(struct sim *sim, uint64_t hwpt_off, uint64_t idev_off, uint32_t pasid)
{
	uint64_t limit = sim_dev_nr_pasids(sim, obj_at(sim, idev_off)->idev.dev_flags), p;
	uint64_t cur = pasid_find(sim, idev_off, pasid);
	struct sim_pasid *pr;
	struct sim_obj *hw;
	int ret;

	if (cur)
		return sim_fail(sim, EBUSY, "PASID %u of device %u is already attached (to hwpt %u)",
				pasid, id_of(sim, idev_off), id_of(sim, pasid_at(sim, cur)->hwpt));
	ret = pasid_compat(sim, hwpt_off, idev_off, pasid);
	if (ret)
		return ret;
	if (pasid >= limit && !pasid_less_pci(sim, idev_off))
		return sim_fail(sim, EINVAL, "PASID %u is beyond device %u's %llu PASIDs", pasid,
				id_of(sim, idev_off), (unsigned long long)limit);
	/* the record first: the driver's answer changes its state */
	p = sim_alloc(sim, SIM_TAG_PASID);
	if (!p)
		return sim->corrupt ? -EUCLEAN : -ENOMEM;
	ret = driver_set_pasid(sim, idev_off, pasid);
	if (ret) {
		sim_free(sim, p);
		return ret;
	}
	pr = sim_recw(sim, p, SIM_TAG_PASID);
	pr->n.start = pr->n.last = pasid;
	pr->hwpt = hwpt_off;
	itree_insert(sim, &obj_w(sim, idev_off)->idev.pasid_root, SIM_TAG_PASID, p);
	obj_w(sim, idev_off)->idev.nr_pasids++;
	hw = obj_w(sim, hwpt_off);
	hw->hwpt.nr_devices++;
	hw->users++;
	sim->dirty = true;
	return 0;
}

/* iommufd_hw_pagetable_attach: a second attach is refused, then the device's
 * reserved regions go into the IOAS, then the PASID compatibility and the
 * driver may refuse (and the regions go again). */
static int hwpt_attach(struct sim *sim, uint64_t hwpt_off, uint64_t idev_off, uint32_t pasid)
{
	struct sim_obj *dv = obj_at(sim, idev_off), *hw;
	uint64_t ioas = hwpt_ioas(sim, hwpt_off);
	int ret;

	if (pasid)
		return pasid_attach(sim, hwpt_off, idev_off, pasid);
	if (dv->idev.hwpt)
		return sim_fail(sim, EBUSY, "device %u is already attached (to hwpt %u)",
				id_of(sim, idev_off), id_of(sim, dv->idev.hwpt));
	ret = sim_dev_reserve(sim, ioas, idev_off);
	if (ret)
		return ret;
	ret = pasid_compat(sim, hwpt_off, idev_off, 0);
	if (!ret)
		ret = driver_attach(sim, hwpt_off, idev_off);
	if (ret) {
		sim_dev_unreserve(sim, ioas, idev_off);
		return ret;
	}
	obj_w(sim, idev_off)->idev.hwpt = hwpt_off;
	sim_viommu_attached(sim, idev_off, hwpt_off);
	hw = obj_w(sim, hwpt_off);
	hw->hwpt.nr_devices++;
	hw->users++;
	sim->dirty = true;
	return 0;
}

/* iommufd_hw_pagetable_detach + put; the blocking domain takes the PASID. */
static void hwpt_detach(struct sim *sim, uint64_t idev_off, uint32_t pasid)
{
	uint64_t hwpt_off, p = 0;

	if (pasid) {
		p = pasid_find(sim, idev_off, pasid);
		hwpt_off = p ? pasid_at(sim, p)->hwpt : 0;
	} else {
		hwpt_off = obj_at(sim, idev_off)->idev.hwpt;
	}
	if (!hwpt_off)
		return;
	if (pasid) {
		if (pasid == 1024)
			obj_w(sim, idev_off)->idev.pasid_flags &= ~SIM_PASID_1024_ARMED;
		sim_fault_auto_response(sim, hwpt_off, idev_off, pasid);
		itree_erase(sim, &obj_w(sim, idev_off)->idev.pasid_root, SIM_TAG_PASID, p);
		sim_free(sim, p);
		obj_w(sim, idev_off)->idev.nr_pasids--;
	} else {
		sim_dev_unreserve(sim, hwpt_ioas(sim, hwpt_off), idev_off);
		sim_fault_auto_response(sim, hwpt_off, idev_off, 0);
		obj_w(sim, idev_off)->idev.hwpt = 0;
		sim_viommu_attached(sim, idev_off, 0);	/* the blocking domain */
	}
	obj_w(sim, hwpt_off)->hwpt.nr_devices--;
	hwpt_put(sim, hwpt_off);
	sim->dirty = true;
}

/* iommufd_device_detach */
static void device_detach(struct sim *sim, uint64_t idev_off, uint32_t pasid)
{
	if (!sim_dev_attached_at(sim, idev_off, pasid))
		return;
	hwpt_detach(sim, idev_off, pasid);
	obj_w(sim, idev_off)->users--;
}

/* Move the attachment's reference from 'old' to 'hwpt_off'. */
static void move_attachment(struct sim *sim, uint64_t old, uint64_t hwpt_off)
{
	struct sim_obj *hw = obj_w(sim, hwpt_off);

	hw->hwpt.nr_devices++;
	hw->users++;
	obj_w(sim, old)->hwpt.nr_devices--;
	hwpt_put(sim, old);
	sim->dirty = true;
}

/* iommufd_device_do_replace at a PASID: no reserved regions; the driver
 * changes the PASID's domain. */
static int pasid_replace(struct sim *sim, uint64_t idev_off, uint64_t hwpt_off, uint32_t pasid)
{
	uint64_t p = pasid_find(sim, idev_off, pasid), old;
	int ret;

	if (!p)
		return sim_fail(sim, EINVAL, "PASID %u of device %u is not attached: nothing to "
				"replace", pasid, id_of(sim, idev_off));
	old = pasid_at(sim, p)->hwpt;
	if (old == hwpt_off)
		return 0;
	ret = pasid_compat(sim, hwpt_off, idev_off, pasid);
	if (!ret)
		ret = driver_set_pasid(sim, idev_off, pasid);
	if (ret)
		return ret;
	((struct sim_pasid *)sim_recw(sim, p, SIM_TAG_PASID))->hwpt = hwpt_off;
	sim_fault_auto_response(sim, old, idev_off, pasid);
	move_attachment(sim, old, hwpt_off);
	return 0;
}

/* iommufd_device_do_replace: moving the device to another IOAS takes the
 * reserved regions there first, and leaves the old IOAS's once the PASID
 * compatibility and the driver agreed. */
static int do_replace(struct sim *sim, uint64_t idev_off, uint64_t hwpt_off, uint32_t pasid)
{
	struct sim_obj *dv = obj_at(sim, idev_off);
	uint64_t old = dv->idev.hwpt, old_ioas, new_ioas;
	int ret;

	if (pasid)
		return pasid_replace(sim, idev_off, hwpt_off, pasid);
	if (!old)
		return sim_fail(sim, EINVAL, "device %u is not attached: nothing to replace",
				id_of(sim, idev_off));
	if (old == hwpt_off)
		return 0;
	old_ioas = hwpt_ioas(sim, old);
	new_ioas = hwpt_ioas(sim, hwpt_off);
	if (new_ioas != old_ioas) {
		ret = sim_dev_reserve(sim, new_ioas, idev_off);
		if (ret)
			return ret;
	}
	ret = pasid_compat(sim, hwpt_off, idev_off, 0);
	if (!ret)
		ret = driver_attach(sim, hwpt_off, idev_off);
	if (ret) {
		if (new_ioas != old_ioas)
			sim_dev_unreserve(sim, new_ioas, idev_off);
		return ret;
	}
	if (new_ioas != old_ioas)
		sim_dev_unreserve(sim, old_ioas, idev_off);
	obj_w(sim, idev_off)->idev.hwpt = hwpt_off;
	sim_viommu_attached(sim, idev_off, hwpt_off);
	sim_fault_auto_response(sim, old, idev_off, 0);
	move_attachment(sim, old, hwpt_off);
	return 0;
}

/* The next automatic domain of the IOAS in list order after position 'seq'. */
static uint64_t next_auto_hwpt(struct sim *sim, uint64_t ioas_off, uint64_t seq)
{
	uint64_t ctx = obj_at(sim, ioas_off)->ctx, limit = itree_max_nodes(sim), best = 0;
	uint64_t best_seq = 0, o = sim_obj_from(sim, ctx, 0);

	for (uint64_t steps = 0; o && !sim->corrupt && steps <= limit; steps++) {
		struct sim_obj *obj = obj_at(sim, o);
		uint64_t id = obj->n.start;

		if (obj->type == SIM_OBJ_HWPT_PAGING && obj->hwpt.ioas == ioas_off &&
		    (obj->hwpt.flags & SIM_HWPT_AUTO) && !(obj->r.rflags & SIM_OBJ_PENDING) &&
		    obj->hwpt.seq > seq && (!best || obj->hwpt.seq < best_seq)) {
			best = o;
			best_seq = obj->hwpt.seq;
		}
		o = sim_obj_from(sim, ctx, id + 1);
	}
	return best;
}

/* iommufd_device_auto_get_domain: an existing automatic domain that takes
 * the device (EINVAL from one means "try the next"), else a new one.  At a
 * PASID none ever does, automatic domains not being PASID compatible: an
 * attach is refused before its new domain is added to the IOAS, a replace
 * after. */
static int auto_get_domain(struct sim *sim, uint64_t idev_off, uint32_t pasid, uint64_t ioas_off,
			   bool replace, uint32_t *pt_out)
{
	uint64_t hw = 0, limit = itree_max_nodes(sim);
	struct sim_ioas *ioas;
	int ret;

	for (uint64_t steps = 0; !sim->corrupt && steps <= limit; steps++) {
		hw = next_auto_hwpt(sim, ioas_off, hw ? obj_at(sim, hw)->hwpt.seq : 0);
		if (!hw)
			break;
		ret = replace ? do_replace(sim, idev_off, hw, pasid) :
				hwpt_attach(sim, hw, idev_off, pasid);
		if (ret == -EINVAL)
			continue;
		if (ret)
			return ret;
		*pt_out = id_of(sim, hw);
		return 0;
	}
	if (sim->corrupt)
		return -EUCLEAN;

	ret = sim_reserve(sim, 4, 0);
	if (ret)
		return ret;
	ret = hwpt_new(sim, ioas_off, 0, &hw);
	if (ret)
		return ret;
	if (!replace) {
		/* immediate attach: the device first, then the domain (only the
		 * device itself gets this far, see above) */
		ret = hwpt_attach(sim, hw, idev_off, pasid);
		if (!ret) {
			ret = add_domain(sim, hw);
			if (ret) {
				sim_dev_unreserve(sim, ioas_off, idev_off);
				obj_w(sim, idev_off)->idev.hwpt = 0;
				obj_w(sim, hw)->hwpt.nr_devices--;
				obj_w(sim, hw)->users--;
			}
		}
	} else {
		ret = add_domain(sim, hw);
		if (!ret)
			ret = do_replace(sim, idev_off, hw, pasid);
	}
	if (ret) {
		hwpt_abort(sim, hw);
		return ret;
	}
	ioas = &obj_w(sim, ioas_off)->ioas;
	obj_w(sim, hw)->hwpt.seq = ++ioas->hwpt_seq;
	obj_w(sim, hw)->hwpt.flags |= SIM_HWPT_AUTO;
	sim_obj_finalize(sim, hw);
	*pt_out = id_of(sim, hw);
	sim->dirty = true;
	return 0;
}

/* iommufd_device_change_pt: *pt is an IOAS or a HWPT on input, the HWPT on
 * output. */
static int change_pt(struct sim *sim, uint64_t idev_off, uint32_t pasid, uint32_t *pt,
		     bool replace)
{
	struct sim_obj *obj;
	uint64_t off;
	int ret = sim_get_obj(sim, *pt, SIM_OBJ_NONE, &off);

	if (ret)
		return ret;
	obj = obj_at(sim, off);
	switch (obj->type) {
	case SIM_OBJ_HWPT_PAGING:
	case SIM_OBJ_HWPT_NESTED:
		return replace ? do_replace(sim, idev_off, off, pasid) :
				 hwpt_attach(sim, off, idev_off, pasid);
	case SIM_OBJ_IOAS:
		return auto_get_domain(sim, idev_off, pasid, off, replace, pt);
	default:
		return sim_fail(sim, EINVAL, "id %u is a %s: a device attaches to an IOAS or a HWPT",
				*pt, sim_obj_type_name(obj->type));
	}
}

/* iommufd_device_attach */
static int device_attach(struct sim *sim, uint64_t idev_off, uint32_t pasid, uint32_t *pt)
{
	int ret = sim_reserve(sim, 1, 0);

	if (!ret)
		ret = change_pt(sim, idev_off, pasid, pt, false);
	if (!ret)
		obj_w(sim, idev_off)->users++;
	return ret;
}

/* iommufd_device_unbind: the driver drops its reference and the device goes. */
static void device_unbind(struct sim *sim, uint64_t idev_off)
{
	struct sim_obj *dv = obj_at(sim, idev_off);

	if (dv->users != 2) {
		sim_corrupt(sim, "device %u is unbound with %u users", id_of(sim, idev_off),
			    dv->users);
		return;
	}
	sim_vdev_tombstone(sim, idev_off);
	obj_w(sim, idev_off)->users--;
	sim_obj_unpublish_destroy(sim, idev_off);
}

void sim_dev_release(struct sim *sim, uint64_t idev_off)
{
	for (uint64_t steps = 0, limit = itree_max_nodes(sim);
	     obj_at(sim, idev_off)->idev.pasid_root && !sim->corrupt && steps <= limit; steps++) {
		uint64_t p = itree_first(sim, obj_at(sim, idev_off)->idev.pasid_root, SIM_TAG_PASID);

		device_detach(sim, idev_off, (uint32_t)pasid_at(sim, p)->n.start);
	}
	device_detach(sim, idev_off, 0);
	device_unbind(sim, idev_off);
}

/* iommufd_device_bind: a DEVICE object, published at once, with the
 * driver's users reference; 'stdev' (a mock device's SELFTEST object) or
 * 'vfio_fn' says which driver. */
int sim_dev_bind(struct sim *sim, uint64_t stdev, uint32_t dev_flags, uint32_t vfio_fn,
		 uint64_t *out)
{
	struct sim_obj *o;
	uint64_t dv;
	int ret = sim_obj_new(sim, SIM_OBJ_DEVICE, &dv);

	if (ret)
		return ret;
	o = obj_w(sim, dv);
	o->users = 2;
	o->idev.stdev = stdev;
	o->idev.vfio_fn = vfio_fn;
	o->idev.dev_flags = dev_flags;
	o->idev.owner_ctx = sim_my_ctx(sim)->n.start;
	for (unsigned int i = 0; i < SIM_MOCK_DEV_CACHE_NUM; i++)
		o->idev.cache[i] = MOCK_DEV_CACHE_DEFAULT;
	sim_obj_finalize(sim, dv);
	*out = dv;
	return sim->corrupt ? -EUCLEAN : 0;
}

/* VFIO's attach_ioas and pasid_attach_ioas: iommufd_device_replace when
 * VFIO's own record says the device (or the PASID) is attached, else
 * iommufd_device_attach (EBUSY where it is attached all the same). */
int sim_dev_attach(struct sim *sim, uint64_t idev_off, uint32_t pasid, uint32_t *pt,
		   bool replace)
{
	if (replace)
		return change_pt(sim, idev_off, pasid, pt, true);
	return device_attach(sim, idev_off, pasid, pt);
}

void sim_dev_detach(struct sim *sim, uint64_t idev_off, uint32_t pasid)
{
	device_detach(sim, idev_off, pasid);
}

void sim_mock_destroy_obj(struct sim *sim, uint64_t off)
{
	struct sim_obj *obj = obj_at(sim, off);
	uint64_t dv;

	switch (obj->type) {
	case SIM_OBJ_SELFTEST:
		/* iommufd_selftest_destroy: detach, unbind, the mock device goes.
		 * The kernel's mock leaves the PASIDs attached and then WARNs (its
		 * users see to them first); detach them first, as VFIO's unbind
		 * does, so that the device can go. */
		dv = obj->stdev.idev;
		if (dv)
			sim_dev_release(sim, dv);
		break;
	case SIM_OBJ_HWPT_PAGING:
	case SIM_OBJ_HWPT_NESTED:
		hwpt_destroy(sim, off);
		break;
	default:
		/* DEVICE: its owner already detached it */
		break;
	}
}

/* ---- the operations ----------------------------------------------------------------------------- */

static int test_add_reserved(struct sim_ucmd *uc, struct ifd_test_cmd *cmd)
{
	struct sim *sim = uc->sim;
	uint64_t start = cmd->add_reserved.start, length = cmd->add_reserved.length, last, off;
	int ret;

	if (!length)
		return sim_fail(sim, EINVAL, "length is 0");
	if (__builtin_add_overflow(start, length - 1, &last))
		return sim_fail(sim, EOVERFLOW, "start + length overflows");
	ret = sim_get_obj(sim, cmd->id, SIM_OBJ_IOAS, &off);
	if (!ret)
		ret = sim_reserve(sim, 1, 0);
	if (!ret)
		ret = sim_reserve_iova(sim, off, start, last, 0);
	return ret;
}

static int test_mock_domain(struct sim_ucmd *uc, struct ifd_test_cmd *cmd)
{
	struct sim *sim = uc->sim;
	uint32_t flags = cmd->op == IFD_TEST_OP_MOCK_DOMAIN_FLAGS ? cmd->mock_domain.dev_flags : 0;
	uint32_t pt = cmd->id;
	uint64_t st, dv;
	int ret;

	ret = sim_reserve(sim, 8, 0);
	if (ret)
		return ret;
	ret = sim_obj_new(sim, SIM_OBJ_SELFTEST, &st);
	if (ret)
		return ret;
	if (flags & ~SIM_MOCK_DEV_FLAGS) {
		sim_obj_abort(sim, st);
		return sim_fail(sim, EINVAL, "unknown mock device flags 0x%x",
				flags & ~SIM_MOCK_DEV_FLAGS);
	}
	obj_w(sim, st)->stdev.dev_flags = flags;
	ret = sim_dev_bind(sim, st, flags, 0, &dv);
	if (ret) {
		sim_obj_abort(sim, st);
		return ret;
	}
	obj_w(sim, st)->stdev.idev = dv;

	ret = device_attach(sim, dv, 0, &pt);
	if (ret)
		goto unbind;
	cmd->mock_domain.out_hwpt_id = pt;
	cmd->mock_domain.out_stdev_id = id_of(sim, st);
	cmd->mock_domain.out_idev_id = id_of(sim, dv);
	ret = sim_respond(uc);
	if (ret) {
		device_detach(sim, dv, 0);
		goto unbind;
	}
	sim_obj_finalize(sim, st);
	sim->dirty = true;
	return 0;
unbind:
	device_unbind(sim, dv);
	sim_obj_abort(sim, st);
	return sim->corrupt ? -EUCLEAN : ret;
}

static int get_stdev(struct sim *sim, uint32_t id, uint64_t *idev)
{
	uint64_t st;
	int ret = sim_get_obj(sim, id, SIM_OBJ_SELFTEST, &st);

	if (ret)
		return ret;
	*idev = obj_at(sim, st)->stdev.idev;
	return sim->corrupt ? -EUCLEAN : 0;
}

static int test_mock_domain_replace(struct sim_ucmd *uc, struct ifd_test_cmd *cmd, uint32_t *pt)
{
	struct sim *sim = uc->sim;
	uint64_t dv;
	int ret = get_stdev(sim, cmd->id, &dv);

	if (ret)
		return ret;
	ret = change_pt(sim, dv, 0, pt, true);
	if (ret)
		return ret;
	return sim_respond(uc);
}

/* IOMMU_TEST_OP_PASID_*: the mock device's attachments at any PASID,
 * IOMMU_NO_PASID's (the device's own) included. */
static int test_pasid(struct sim_ucmd *uc, struct ifd_test_cmd *cmd)
{
	struct sim *sim = uc->sim;
	uint32_t pasid = cmd->pasid_attach.pasid;
	uint64_t dv, hw;
	int ret = get_stdev(sim, cmd->id, &dv);

	if (ret)
		return ret;
	switch (cmd->op) {
	case IFD_TEST_OP_PASID_ATTACH:
		ret = device_attach(sim, dv, pasid, &cmd->pasid_attach.pt_id);
		if (ret)
			return ret;
		ret = sim_respond(uc);
		if (ret)
			device_detach(sim, dv, pasid);
		return ret;
	case IFD_TEST_OP_PASID_REPLACE:
		ret = change_pt(sim, dv, pasid, &cmd->pasid_attach.pt_id, true);
		return ret ? ret : sim_respond(uc);
	case IFD_TEST_OP_PASID_DETACH:
		/* nothing attached there is no error */
		device_detach(sim, dv, cmd->pasid_detach.pasid);
		return sim->corrupt ? -EUCLEAN : 0;
	default:		/* PASID_CHECK_HWPT: 0 means "nothing attached" */
		pasid = cmd->pasid_check.pasid;
		hw = sim_dev_attached_at(sim, dv, pasid);
		if (!cmd->pasid_check.hwpt_id) {
			if (hw)
				return sim_fail(sim, EINVAL, "PASID %u is attached (to hwpt %u)", pasid,
						id_of(sim, hw));
			return 0;
		}
		ret = sim_get_obj(sim, cmd->pasid_check.hwpt_id, SIM_OBJ_NONE, &dv);
		if (ret)
			return ret;
		if (obj_at(sim, dv)->type != SIM_OBJ_HWPT_PAGING &&
		    obj_at(sim, dv)->type != SIM_OBJ_HWPT_NESTED)
			return sim_fail(sim, EINVAL, "id %u is not a HWPT", cmd->pasid_check.hwpt_id);
		if (dv != hw)
			return sim_fail(sim, EINVAL, "PASID %u is not attached to hwpt %u", pasid,
					cmd->pasid_check.hwpt_id);
		return 0;
	}
}

static int test_md_check_map(struct sim_ucmd *uc, struct ifd_test_cmd *cmd)
{
	uint64_t hw;
	int ret = sim_get_obj(uc->sim, cmd->id, SIM_OBJ_HWPT_PAGING, &hw);

	if (ret)
		return ret;
	return sim_md_check_map(uc->sim, hw, cmd->check_map.iova, cmd->check_map.length,
				cmd->check_map.uptr);
}

/* An fd that is not a selftest access file (the simulator makes none). */
static int no_access(struct sim *sim, uint32_t fd)
{
	return sim_fail(sim, EBADFD, "fd %d is not a selftest access (the simulator does not "
			"simulate accesses yet)", (int)fd);
}

static int test_dmabuf_revoke(struct sim *sim, int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return sim_fail(sim, EBADF, "fd %d is not open", fd);
	if (!sim_fd_is_dmabuf(fd))
		return sim_fail(sim, EINVAL, "fd %d is not a dma-buf", fd);
	return sim_fail(sim, EOPNOTSUPP, "fd %d is not a selftest dma-buf", fd);
}

int sim_cmd_test(struct sim_ucmd *uc)
{
	struct ifd_test_cmd *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t off, page = sim_hdr(sim)->page_size, len;
	int ret;

	/* __reserved is not checked */
	switch (cmd->op) {
	case IFD_TEST_OP_ADD_RESERVED:
		return test_add_reserved(uc, cmd);
	case IFD_TEST_OP_MOCK_DOMAIN:
	case IFD_TEST_OP_MOCK_DOMAIN_FLAGS:
		return test_mock_domain(uc, cmd);
	case IFD_TEST_OP_MOCK_DOMAIN_REPLACE:
		return test_mock_domain_replace(uc, cmd, &cmd->mock_domain_replace.pt_id);
	case IFD_TEST_OP_MD_CHECK_MAP:
		return test_md_check_map(uc, cmd);
	case IFD_TEST_OP_MD_CHECK_REFS:
		return sim_md_check_refs(sim, cmd->check_refs.uptr, cmd->check_refs.length,
					 cmd->check_refs.refs);
	case IFD_TEST_OP_MD_CHECK_IOTLB:
		return sim_test_check_iotlb(sim, cmd->id, ((uint32_t *)cmd->raw)[0],
					    ((uint32_t *)cmd->raw)[1]);
	case IFD_TEST_OP_DEV_CHECK_CACHE: {
		uint32_t cache_id = ((uint32_t *)cmd->raw)[0], cache = ((uint32_t *)cmd->raw)[1];

		ret = sim_get_obj(sim, cmd->id, SIM_OBJ_DEVICE, &off);
		if (ret)
			return ret;
		if (cache_id > MOCK_DEV_CACHE_ID_MAX)
			return sim_fail(sim, EINVAL, "cache entry %u: the mock has %u", cache_id,
					SIM_MOCK_DEV_CACHE_NUM);
		if (obj_at(sim, off)->idev.cache[cache_id] != cache)
			return sim_fail(sim, EINVAL, "cache[%u] holds 0x%x", cache_id,
					obj_at(sim, off)->idev.cache[cache_id]);
		return 0;
	}
	case IFD_TEST_OP_CREATE_ACCESS:
		if (cmd->create_access.flags & ~IFD_MOCK_ACCESS_CREATE_NEEDS_PIN_PAGES)
			return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x", cmd->create_access.flags);
		ret = sim_get_obj(sim, cmd->id, SIM_OBJ_IOAS, &off);
		if (ret)
			return ret;
		return sim_fail(sim, EOPNOTSUPP, "IOMMU_TEST_OP_CREATE_ACCESS: accesses are not "
				"simulated yet");
	case IFD_TEST_OP_ACCESS_REPLACE_IOAS:
	case IFD_TEST_OP_DESTROY_ACCESS_PAGES:
		return no_access(sim, cmd->id);
	case IFD_TEST_OP_ACCESS_PAGES:
		if (cmd->access_pages.length > ACCESS_MAX_LENGTH)
			return sim_fail(sim, ENOMEM, "length above 16 MiB");
		if (cmd->access_pages.flags & ~(IFD_MOCK_ACCESS_PAGES_WRITE | MOCK_ACCESS_SYZ))
			return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x", cmd->access_pages.flags);
		return no_access(sim, cmd->id);
	case IFD_TEST_OP_ACCESS_RW:
		if (cmd->access_rw.length > ACCESS_MAX_LENGTH)
			return sim_fail(sim, ENOMEM, "length above 16 MiB");
		if (cmd->access_rw.flags & ~(IFD_MOCK_ACCESS_RW_WRITE | IFD_MOCK_ACCESS_RW_SLOW_PATH |
					     MOCK_ACCESS_SYZ))
			return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x", cmd->access_rw.flags);
		return no_access(sim, cmd->id);
	case IFD_TEST_OP_SET_TEMP_MEMORY_LIMIT:
		/* It sizes the kernel's batch buffers: nothing to change here. */
		if (cmd->memory_limit.limit < MEMORY_LIMIT_MIN)
			return sim_fail(sim, EINVAL, "limit %u is below %u", cmd->memory_limit.limit,
					MEMORY_LIMIT_MIN);
		return 0;
	case IFD_TEST_OP_DIRTY:
		return sim_test_dirty(uc, cmd);
	case IFD_TEST_OP_TRIGGER_IOPF: {
		const uint32_t *a = (const uint32_t *)cmd->raw;
		uint64_t addr = a[4] | (uint64_t)a[5] << 32;

		/* dev_id, pasid, grpid, perm, addr */
		ret = sim_get_obj(sim, a[0], SIM_OBJ_DEVICE, &off);
		if (ret)
			return ret;
		return sim_trigger_iopf(sim, off, a[1], a[2], a[3], addr);
	}
	case IFD_TEST_OP_TRIGGER_VEVENT:
		ret = sim_get_obj(sim, ((uint32_t *)cmd->raw)[0], SIM_OBJ_DEVICE, &off);
		if (ret)
			return ret;
		return sim_trigger_vevent(sim, off);
	case IFD_TEST_OP_PASID_ATTACH:
	case IFD_TEST_OP_PASID_REPLACE:
	case IFD_TEST_OP_PASID_DETACH:
	case IFD_TEST_OP_PASID_CHECK_HWPT:
		return test_pasid(uc, cmd);
	case IFD_TEST_OP_DMABUF_GET:
		len = ((uint64_t)((uint32_t *)cmd->raw)[0] + page - 1) & ~(page - 1);
		if (!len || len > DMABUF_MAX_PAGES * page)
			return sim_fail(sim, EINVAL, "length must be 1..%llu bytes",
					(unsigned long long)(DMABUF_MAX_PAGES * page));
		return sim_fail(sim, EOPNOTSUPP, "IOMMU_TEST_OP_DMABUF_GET: selftest dma-bufs are not "
				"simulated yet");
	case IFD_TEST_OP_DMABUF_REVOKE:
		return test_dmabuf_revoke(sim, ((int32_t *)cmd->raw)[0]);
	default:
		return sim_fail(sim, EOPNOTSUPP, "unknown IOMMU_TEST_CMD op %u", cmd->op);
	}
}
