/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommufd ABI facts the project relies on.
 *
 * We build against the distribution's <linux/iommufd.h>, which may be as old
 * as 6.6.  Whatever that header lacks is defined here from the ABI (layouts and
 * command numbers never change once released); whenever the header does have
 * a definition, static asserts check ours against it, so a drift breaks the
 * build instead of an ioctl.
 *
 * Feature tests use the ioctl macros: they are #defines, while the command
 * enum and struct names cannot be tested by the preprocessor.
 */
#ifndef IFD_ABI_H
#define IFD_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/iommufd.h>

#ifndef IOMMU_DESTROY
#error "<linux/iommufd.h> without IOMMU_DESTROY: a kernel uAPI header from 6.6 or later is needed (see 'make deps')"
#endif
#ifndef IOMMU_HWPT_ALLOC
#error "<linux/iommufd.h> older than 6.6: a kernel uAPI header from 6.6 or later is needed (see 'make deps')"
#endif

#define IFD_TYPE		0x3b	/* ';', shared with VFIO */
#define IFD_CMD_BASE		0x80
#define IFD_CMD(nr)		_IO(IFD_TYPE, (nr))

/* Command slots, as in the kernel's table (7.2).  0x95..0x9f are holes. */
enum ifd_nr {
	IFD_NR_DESTROY			= 0x80,
	IFD_NR_IOAS_ALLOC		= 0x81,
	IFD_NR_IOAS_ALLOW_IOVAS		= 0x82,
	IFD_NR_IOAS_COPY		= 0x83,
	IFD_NR_IOAS_IOVA_RANGES		= 0x84,
	IFD_NR_IOAS_MAP			= 0x85,
	IFD_NR_IOAS_UNMAP		= 0x86,
	IFD_NR_OPTION			= 0x87,
	IFD_NR_VFIO_IOAS		= 0x88,
	IFD_NR_HWPT_ALLOC		= 0x89,
	IFD_NR_GET_HW_INFO		= 0x8a,
	IFD_NR_HWPT_SET_DIRTY_TRACKING	= 0x8b,
	IFD_NR_HWPT_GET_DIRTY_BITMAP	= 0x8c,
	IFD_NR_HWPT_INVALIDATE		= 0x8d,
	IFD_NR_FAULT_QUEUE_ALLOC	= 0x8e,
	IFD_NR_IOAS_MAP_FILE		= 0x8f,
	IFD_NR_VIOMMU_ALLOC		= 0x90,
	IFD_NR_VDEVICE_ALLOC		= 0x91,
	IFD_NR_IOAS_CHANGE_PROCESS	= 0x92,
	IFD_NR_VEVENTQ_ALLOC		= 0x93,
	IFD_NR_HW_QUEUE_ALLOC		= 0x94,
	IFD_NR_LAST			= 0x94,
	/* selftest-only, present with CONFIG_IOMMUFD_TEST (0x80 + 32) */
	IFD_NR_TEST_CMD			= 0xa0,
};

/* ---- 6.13: IOMMU_IOAS_MAP_FILE, IOMMU_IOAS_CHANGE_PROCESS ---------------- */
#ifndef IOMMU_IOAS_MAP_FILE
struct iommu_ioas_map_file {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__s32 fd;
	__aligned_u64 start;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP_FILE IFD_CMD(IFD_NR_IOAS_MAP_FILE)
#define IFD_HDR_HAS_MAP_FILE 0
#else
#define IFD_HDR_HAS_MAP_FILE 1
#endif

#ifndef IOMMU_IOAS_CHANGE_PROCESS
struct iommu_ioas_change_process {
	__u32 size;
	__u32 __reserved;
};
#define IOMMU_IOAS_CHANGE_PROCESS IFD_CMD(IFD_NR_IOAS_CHANGE_PROCESS)
#endif

/* ---- command numbers a 6.6..6.12 header lacks ---------------------------- */
#ifndef IOMMU_HWPT_SET_DIRTY_TRACKING
#define IOMMU_HWPT_SET_DIRTY_TRACKING IFD_CMD(IFD_NR_HWPT_SET_DIRTY_TRACKING)
#define IFD_HDR_HAS_DIRTY 0
#else
#define IFD_HDR_HAS_DIRTY 1		/* 6.7: dirty tracking, HWPT user data */
#endif
#ifndef IOMMU_HWPT_GET_DIRTY_BITMAP
#define IOMMU_HWPT_GET_DIRTY_BITMAP IFD_CMD(IFD_NR_HWPT_GET_DIRTY_BITMAP)
#endif
#ifndef IOMMU_HWPT_INVALIDATE
#define IOMMU_HWPT_INVALIDATE IFD_CMD(IFD_NR_HWPT_INVALIDATE)
#define IFD_HDR_HAS_INVALIDATE 0
#else
#define IFD_HDR_HAS_INVALIDATE 1	/* 6.8 */
#endif
#ifndef IOMMU_FAULT_QUEUE_ALLOC
#define IOMMU_FAULT_QUEUE_ALLOC IFD_CMD(IFD_NR_FAULT_QUEUE_ALLOC)
#define IFD_HDR_HAS_FAULT 0
#else
#define IFD_HDR_HAS_FAULT 1		/* 6.11: fault queues, HWPT fault_id */
#endif
#ifndef IOMMU_VIOMMU_ALLOC
#define IOMMU_VIOMMU_ALLOC IFD_CMD(IFD_NR_VIOMMU_ALLOC)
#define IFD_HDR_HAS_SMMUV3_INFO 0
#else
#define IFD_HDR_HAS_SMMUV3_INFO 1	/* 6.13: ARM SMMUv3 hw_info came with vIOMMUs */
#endif
#ifndef IOMMU_VDEVICE_ALLOC
#define IOMMU_VDEVICE_ALLOC IFD_CMD(IFD_NR_VDEVICE_ALLOC)
#endif
#ifndef IOMMU_VEVENTQ_ALLOC
#define IOMMU_VEVENTQ_ALLOC IFD_CMD(IFD_NR_VEVENTQ_ALLOC)
#define IFD_HDR_HAS_VEVENTQ 0
#else
#define IFD_HDR_HAS_VEVENTQ 1		/* 6.15 */
#endif
#ifndef IOMMU_HW_QUEUE_ALLOC
#define IOMMU_HW_QUEUE_ALLOC IFD_CMD(IFD_NR_HW_QUEUE_ALLOC)
#define IFD_HDR_HAS_AMD_INFO 0
#else
#define IFD_HDR_HAS_AMD_INFO 1		/* 6.17 */
#endif

/* ---- GET_HW_INFO data types a 6.6..6.16 header lacks ----------------------- */
#define IFD_HW_INFO_TYPE_ARM_SMMUV3	2u
#define IFD_HW_INFO_TYPE_TEGRA241_CMDQV	3u
#define IFD_HW_INFO_TYPE_AMD		4u
struct ifd_hw_info_arm_smmuv3 {
	__u32 flags;
	__u32 __reserved;
	__u32 idr[6];
	__u32 iidr;
	__u32 aidr;
};
struct ifd_hw_info_amd {
	__aligned_u64 efr;
	__aligned_u64 efr2;
};

/*
 * ---- 7.2 layouts of the commands a 6.6 header lacks or has shorter ---------
 * The simulator and iommuctl both use these, so a program built against an
 * old header still speaks the whole 7.2 uAPI; where the header has the
 * struct, the asserts below hold ours to it field by field.
 */
struct ifd_hwpt_alloc {
	uint32_t size, flags, dev_id, pt_id, out_hwpt_id, reserved;
	uint32_t data_type, data_len;		/* 6.7 */
	uint64_t data_uptr;
	uint32_t fault_id, reserved2;		/* 6.11 */
};
struct ifd_hw_info {
	uint32_t size, flags, dev_id, data_len;
	uint64_t data_uptr;
	union {					/* in with IFD_HW_INFO_FLAG_INPUT_TYPE */
		uint32_t in_data_type, out_data_type;
	};
	uint8_t out_max_pasid_log2;
	uint8_t reserved[3];
	uint64_t out_capabilities;		/* 6.7 */
};
struct ifd_hwpt_set_dirty_tracking {
	uint32_t size, flags, hwpt_id, reserved;
};
struct ifd_hwpt_get_dirty_bitmap {
	uint32_t size, hwpt_id, flags, reserved;
	uint64_t iova, length, page_size, data;
};
struct ifd_hwpt_invalidate {
	uint32_t size, hwpt_id;
	uint64_t data_uptr;
	uint32_t data_type, entry_len, entry_num, reserved;
};
struct ifd_fault_alloc {
	uint32_t size, flags, out_fault_id, out_fault_fd;
};
/* What a fault queue's fd gives (read) and takes (write). */
struct ifd_hwpt_pgfault {
	uint32_t flags, dev_id, pasid, grpid, perm, reserved;
	uint64_t addr;
	uint32_t length, cookie;
};
struct ifd_hwpt_page_response {
	uint32_t cookie, code;
};
struct ifd_viommu_alloc {
	uint32_t size, flags, type, dev_id, hwpt_id, out_viommu_id, data_len, reserved;
	uint64_t data_uptr;
};
struct ifd_vdevice_alloc {
	uint32_t size, viommu_id, dev_id, out_vdevice_id;
	uint64_t virt_id;
};
struct ifd_veventq_alloc {
	uint32_t size, flags, viommu_id, type, veventq_depth, out_veventq_id, out_veventq_fd,
		reserved;
};
/* Each record a vEVENT queue's fd gives starts with this; the queue's type
 * says how much data follows. */
struct ifd_vevent_header {
	uint32_t flags, sequence;
};
struct ifd_hw_queue_alloc {
	uint32_t size, flags, viommu_id, type, index, out_hw_queue_id;
	uint64_t nesting_parent_iova, length;
};

#define IFD_HWPT_ALLOC_NEST_PARENT		(1u << 0)
#define IFD_HWPT_ALLOC_DIRTY_TRACKING		(1u << 1)
#define IFD_HWPT_FAULT_ID_VALID			(1u << 2)
#define IFD_HWPT_ALLOC_PASID			(1u << 3)
#define IFD_HWPT_DIRTY_TRACKING_ENABLE		(1u << 0)
#define IFD_HWPT_GET_DIRTY_BITMAP_NO_CLEAR	(1u << 0)
#define IFD_HW_INFO_FLAG_INPUT_TYPE		(1u << 0)
#define IFD_HW_CAP_DIRTY_TRACKING		(1ull << 0)
#define IFD_HW_CAP_PCI_PASID_EXEC		(1ull << 1)
#define IFD_HW_CAP_PCI_PASID_PRIV		(1ull << 2)
#define IFD_HW_CAP_PCI_ATS_NOT_SUPPORTED	(1ull << 3)
#define IFD_PGFAULT_FLAGS_PASID_VALID		(1u << 0)
#define IFD_PGFAULT_FLAGS_LAST_PAGE		(1u << 1)
#define IFD_VEVENTQ_FLAG_LOST_EVENTS		(1u << 0)

/* ---- checks: every command number and layout we use --------------------- */
#define IFD_ASSERT_OFF(s, f, o) \
	_Static_assert(offsetof(struct s, f) == (o), #s "." #f " moved")
#define IFD_ASSERT_SIZE(s, n) \
	_Static_assert(sizeof(struct s) == (n), "sizeof(struct " #s ") changed")

_Static_assert(IOMMU_DESTROY == 0x3b80, "IOMMU_DESTROY");
_Static_assert(IOMMU_IOAS_ALLOC == 0x3b81, "IOMMU_IOAS_ALLOC");
_Static_assert(IOMMU_IOAS_ALLOW_IOVAS == 0x3b82, "IOMMU_IOAS_ALLOW_IOVAS");
_Static_assert(IOMMU_IOAS_COPY == 0x3b83, "IOMMU_IOAS_COPY");
_Static_assert(IOMMU_IOAS_IOVA_RANGES == 0x3b84, "IOMMU_IOAS_IOVA_RANGES");
_Static_assert(IOMMU_IOAS_MAP == 0x3b85, "IOMMU_IOAS_MAP");
_Static_assert(IOMMU_IOAS_UNMAP == 0x3b86, "IOMMU_IOAS_UNMAP");
_Static_assert(IOMMU_OPTION == 0x3b87, "IOMMU_OPTION");
_Static_assert(IOMMU_VFIO_IOAS == 0x3b88, "IOMMU_VFIO_IOAS");
_Static_assert(IOMMU_HWPT_ALLOC == 0x3b89, "IOMMU_HWPT_ALLOC");
_Static_assert(IOMMU_GET_HW_INFO == 0x3b8a, "IOMMU_GET_HW_INFO");
_Static_assert(IOMMU_IOAS_MAP_FILE == 0x3b8f, "IOMMU_IOAS_MAP_FILE");
_Static_assert(IOMMU_IOAS_CHANGE_PROCESS == 0x3b92, "IOMMU_IOAS_CHANGE_PROCESS");
_Static_assert(IOMMU_HWPT_SET_DIRTY_TRACKING == 0x3b8b, "IOMMU_HWPT_SET_DIRTY_TRACKING");
_Static_assert(IOMMU_HWPT_GET_DIRTY_BITMAP == 0x3b8c, "IOMMU_HWPT_GET_DIRTY_BITMAP");
_Static_assert(IOMMU_HWPT_INVALIDATE == 0x3b8d, "IOMMU_HWPT_INVALIDATE");
_Static_assert(IOMMU_FAULT_QUEUE_ALLOC == 0x3b8e, "IOMMU_FAULT_QUEUE_ALLOC");
_Static_assert(IOMMU_VIOMMU_ALLOC == 0x3b90, "IOMMU_VIOMMU_ALLOC");
_Static_assert(IOMMU_VDEVICE_ALLOC == 0x3b91, "IOMMU_VDEVICE_ALLOC");
_Static_assert(IOMMU_VEVENTQ_ALLOC == 0x3b93, "IOMMU_VEVENTQ_ALLOC");
_Static_assert(IOMMU_HW_QUEUE_ALLOC == 0x3b94, "IOMMU_HW_QUEUE_ALLOC");
_Static_assert(IFD_CMD(IFD_NR_TEST_CMD) == 0x3ba0, "IOMMU_TEST_CMD");

#if IFD_HDR_HAS_SMMUV3_INFO
_Static_assert(IOMMU_HW_INFO_TYPE_ARM_SMMUV3 == IFD_HW_INFO_TYPE_ARM_SMMUV3, "SMMUv3 type");
_Static_assert(sizeof(struct iommu_hw_info_arm_smmuv3) == sizeof(struct ifd_hw_info_arm_smmuv3) &&
	       offsetof(struct iommu_hw_info_arm_smmuv3, aidr) ==
	       offsetof(struct ifd_hw_info_arm_smmuv3, aidr), "SMMUv3 hw_info layout");
#endif
#if IFD_HDR_HAS_AMD_INFO
_Static_assert(IOMMU_HW_INFO_TYPE_AMD == IFD_HW_INFO_TYPE_AMD, "AMD type");
_Static_assert(sizeof(struct iommu_hw_info_amd) == sizeof(struct ifd_hw_info_amd) &&
	       offsetof(struct iommu_hw_info_amd, efr2) == offsetof(struct ifd_hw_info_amd, efr2),
	       "AMD hw_info layout");
#endif

IFD_ASSERT_SIZE(iommu_destroy, 8);
IFD_ASSERT_OFF(iommu_destroy, id, 4);
IFD_ASSERT_SIZE(iommu_ioas_alloc, 12);
IFD_ASSERT_OFF(iommu_ioas_alloc, out_ioas_id, 8);
IFD_ASSERT_SIZE(iommu_iova_range, 16);
IFD_ASSERT_OFF(iommu_iova_range, last, 8);
IFD_ASSERT_SIZE(iommu_ioas_iova_ranges, 32);
IFD_ASSERT_OFF(iommu_ioas_iova_ranges, num_iovas, 8);
IFD_ASSERT_OFF(iommu_ioas_iova_ranges, allowed_iovas, 16);
IFD_ASSERT_OFF(iommu_ioas_iova_ranges, out_iova_alignment, 24);
IFD_ASSERT_SIZE(iommu_ioas_allow_iovas, 24);
IFD_ASSERT_OFF(iommu_ioas_allow_iovas, num_iovas, 8);
IFD_ASSERT_OFF(iommu_ioas_allow_iovas, allowed_iovas, 16);
IFD_ASSERT_SIZE(iommu_ioas_map, 40);
IFD_ASSERT_OFF(iommu_ioas_map, flags, 4);
IFD_ASSERT_OFF(iommu_ioas_map, ioas_id, 8);
IFD_ASSERT_OFF(iommu_ioas_map, __reserved, 12);
IFD_ASSERT_OFF(iommu_ioas_map, user_va, 16);
IFD_ASSERT_OFF(iommu_ioas_map, length, 24);
IFD_ASSERT_OFF(iommu_ioas_map, iova, 32);
IFD_ASSERT_SIZE(iommu_ioas_map_file, 40);
IFD_ASSERT_OFF(iommu_ioas_map_file, fd, 12);
IFD_ASSERT_OFF(iommu_ioas_map_file, start, 16);
IFD_ASSERT_OFF(iommu_ioas_map_file, length, 24);
IFD_ASSERT_OFF(iommu_ioas_map_file, iova, 32);
IFD_ASSERT_SIZE(iommu_ioas_copy, 40);
IFD_ASSERT_OFF(iommu_ioas_copy, dst_ioas_id, 8);
IFD_ASSERT_OFF(iommu_ioas_copy, src_ioas_id, 12);
IFD_ASSERT_OFF(iommu_ioas_copy, length, 16);
IFD_ASSERT_OFF(iommu_ioas_copy, dst_iova, 24);
IFD_ASSERT_OFF(iommu_ioas_copy, src_iova, 32);
IFD_ASSERT_SIZE(iommu_ioas_unmap, 24);
IFD_ASSERT_OFF(iommu_ioas_unmap, iova, 8);
IFD_ASSERT_OFF(iommu_ioas_unmap, length, 16);
IFD_ASSERT_SIZE(iommu_option, 24);
IFD_ASSERT_OFF(iommu_option, op, 8);
IFD_ASSERT_OFF(iommu_option, object_id, 12);
IFD_ASSERT_OFF(iommu_option, val64, 16);
IFD_ASSERT_SIZE(iommu_vfio_ioas, 12);
IFD_ASSERT_OFF(iommu_vfio_ioas, op, 8);
IFD_ASSERT_SIZE(iommu_ioas_change_process, 8);

/* Ours against the header's, member by member, where the header has it. */
#define IFD_ASSERT_AS(ours, theirs, f) \
	_Static_assert(offsetof(struct ours, f) == offsetof(struct theirs, f) && \
		       sizeof(((struct ours *)0)->f) == sizeof(((struct theirs *)0)->f), \
		       #ours "." #f " differs from " #theirs)
IFD_ASSERT_SIZE(ifd_hwpt_alloc, 48);
IFD_ASSERT_SIZE(ifd_hw_info, 40);
IFD_ASSERT_SIZE(ifd_hwpt_set_dirty_tracking, 16);
IFD_ASSERT_SIZE(ifd_hwpt_get_dirty_bitmap, 48);
IFD_ASSERT_SIZE(ifd_hwpt_invalidate, 32);
IFD_ASSERT_SIZE(ifd_fault_alloc, 16);
IFD_ASSERT_SIZE(ifd_hwpt_pgfault, 40);
IFD_ASSERT_SIZE(ifd_hwpt_page_response, 8);
IFD_ASSERT_SIZE(ifd_viommu_alloc, 40);
IFD_ASSERT_SIZE(ifd_vdevice_alloc, 24);
IFD_ASSERT_SIZE(ifd_veventq_alloc, 32);
IFD_ASSERT_SIZE(ifd_vevent_header, 8);
IFD_ASSERT_SIZE(ifd_hw_queue_alloc, 40);
IFD_ASSERT_AS(ifd_hwpt_alloc, iommu_hwpt_alloc, out_hwpt_id);
IFD_ASSERT_AS(ifd_hw_info, iommu_hw_info, data_uptr);
IFD_ASSERT_AS(ifd_hw_info, iommu_hw_info, out_data_type);
_Static_assert(IOMMU_HWPT_ALLOC_NEST_PARENT == IFD_HWPT_ALLOC_NEST_PARENT, "hwpt flags");
#if IFD_HDR_HAS_DIRTY
IFD_ASSERT_AS(ifd_hwpt_alloc, iommu_hwpt_alloc, data_type);
IFD_ASSERT_AS(ifd_hwpt_alloc, iommu_hwpt_alloc, data_uptr);
IFD_ASSERT_AS(ifd_hw_info, iommu_hw_info, out_capabilities);
IFD_ASSERT_AS(ifd_hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking, hwpt_id);
IFD_ASSERT_AS(ifd_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, flags);
IFD_ASSERT_AS(ifd_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, page_size);
IFD_ASSERT_AS(ifd_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, data);
_Static_assert(IOMMU_HWPT_ALLOC_DIRTY_TRACKING == IFD_HWPT_ALLOC_DIRTY_TRACKING &&
	       IOMMU_HWPT_DIRTY_TRACKING_ENABLE == IFD_HWPT_DIRTY_TRACKING_ENABLE &&
	       IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR == IFD_HWPT_GET_DIRTY_BITMAP_NO_CLEAR &&
	       IOMMU_HW_CAP_DIRTY_TRACKING == IFD_HW_CAP_DIRTY_TRACKING, "dirty flags");
#endif
#if IFD_HDR_HAS_INVALIDATE
IFD_ASSERT_AS(ifd_hwpt_invalidate, iommu_hwpt_invalidate, data_uptr);
IFD_ASSERT_AS(ifd_hwpt_invalidate, iommu_hwpt_invalidate, entry_num);
#endif
#if IFD_HDR_HAS_FAULT
IFD_ASSERT_AS(ifd_hwpt_alloc, iommu_hwpt_alloc, fault_id);
IFD_ASSERT_AS(ifd_fault_alloc, iommu_fault_alloc, out_fault_fd);
IFD_ASSERT_AS(ifd_hwpt_pgfault, iommu_hwpt_pgfault, addr);
IFD_ASSERT_AS(ifd_hwpt_pgfault, iommu_hwpt_pgfault, cookie);
IFD_ASSERT_AS(ifd_hwpt_page_response, iommu_hwpt_page_response, code);
_Static_assert(IOMMU_HWPT_FAULT_ID_VALID == IFD_HWPT_FAULT_ID_VALID &&
	       IOMMU_PGFAULT_FLAGS_PASID_VALID == IFD_PGFAULT_FLAGS_PASID_VALID &&
	       IOMMU_PGFAULT_FLAGS_LAST_PAGE == IFD_PGFAULT_FLAGS_LAST_PAGE, "fault flags");
#endif
#if IFD_HDR_HAS_SMMUV3_INFO
IFD_ASSERT_AS(ifd_viommu_alloc, iommu_viommu_alloc, out_viommu_id);
IFD_ASSERT_AS(ifd_vdevice_alloc, iommu_vdevice_alloc, virt_id);
#endif
#if IFD_HDR_HAS_VEVENTQ
IFD_ASSERT_AS(ifd_veventq_alloc, iommu_veventq_alloc, out_veventq_fd);
IFD_ASSERT_AS(ifd_vevent_header, iommufd_vevent_header, sequence);
_Static_assert(IOMMU_VEVENTQ_FLAG_LOST_EVENTS == IFD_VEVENTQ_FLAG_LOST_EVENTS, "vevent flags");
#endif
#if IFD_HDR_HAS_AMD_INFO
IFD_ASSERT_AS(ifd_viommu_alloc, iommu_viommu_alloc, data_uptr);
IFD_ASSERT_AS(ifd_hw_info, iommu_hw_info, out_max_pasid_log2);
IFD_ASSERT_AS(ifd_hw_queue_alloc, iommu_hw_queue_alloc, nesting_parent_iova);
_Static_assert(IOMMU_HWPT_ALLOC_PASID == IFD_HWPT_ALLOC_PASID &&
	       IOMMU_HW_INFO_FLAG_INPUT_TYPE == IFD_HW_INFO_FLAG_INPUT_TYPE &&
	       IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED == IFD_HW_CAP_PCI_ATS_NOT_SUPPORTED, "7.x flags");
#endif

_Static_assert(IOMMU_IOAS_MAP_FIXED_IOVA == 1, "map flags");
_Static_assert(IOMMU_IOAS_MAP_WRITEABLE == 2, "map flags");
_Static_assert(IOMMU_IOAS_MAP_READABLE == 4, "map flags");
_Static_assert(IOMMU_OPTION_RLIMIT_MODE == 0 && IOMMU_OPTION_HUGE_PAGES == 1, "options");
_Static_assert(IOMMU_OPTION_OP_SET == 0 && IOMMU_OPTION_OP_GET == 1, "option ops");
_Static_assert(IOMMU_VFIO_IOAS_GET == 0 && IOMMU_VFIO_IOAS_SET == 1 &&
	       IOMMU_VFIO_IOAS_CLEAR == 2, "vfio_ioas ops");

/*
 * Every command: X(ID, nr, "name", "first release", min size, 7.2 size).
 * min is offsetofend of the last field the kernel knew when the command was
 * introduced: the smallest size it accepts.
 */
#define IFD_COMMANDS(X) \
	X(DESTROY,		  0x80, "IOMMU_DESTROY",		 "6.2",  8,  8) \
	X(IOAS_ALLOC,		  0x81, "IOMMU_IOAS_ALLOC",		 "6.2", 12, 12) \
	X(IOAS_ALLOW_IOVAS,	  0x82, "IOMMU_IOAS_ALLOW_IOVAS",	 "6.2", 24, 24) \
	X(IOAS_COPY,		  0x83, "IOMMU_IOAS_COPY",		 "6.2", 40, 40) \
	X(IOAS_IOVA_RANGES,	  0x84, "IOMMU_IOAS_IOVA_RANGES",	 "6.2", 32, 32) \
	X(IOAS_MAP,		  0x85, "IOMMU_IOAS_MAP",		 "6.2", 40, 40) \
	X(IOAS_UNMAP,		  0x86, "IOMMU_IOAS_UNMAP",		 "6.2", 24, 24) \
	X(OPTION,		  0x87, "IOMMU_OPTION",			 "6.2", 24, 24) \
	X(VFIO_IOAS,		  0x88, "IOMMU_VFIO_IOAS",		 "6.2", 12, 12) \
	X(HWPT_ALLOC,		  0x89, "IOMMU_HWPT_ALLOC",		 "6.6", 24, 48) \
	X(GET_HW_INFO,		  0x8a, "IOMMU_GET_HW_INFO",		 "6.6", 32, 40) \
	X(HWPT_SET_DIRTY_TRACKING, 0x8b, "IOMMU_HWPT_SET_DIRTY_TRACKING", "6.7", 16, 16) \
	X(HWPT_GET_DIRTY_BITMAP,  0x8c, "IOMMU_HWPT_GET_DIRTY_BITMAP",	 "6.7", 48, 48) \
	X(HWPT_INVALIDATE,	  0x8d, "IOMMU_HWPT_INVALIDATE",	 "6.8", 32, 32) \
	X(FAULT_QUEUE_ALLOC,	  0x8e, "IOMMU_FAULT_QUEUE_ALLOC",	 "6.11", 16, 16) \
	X(IOAS_MAP_FILE,	  0x8f, "IOMMU_IOAS_MAP_FILE",		 "6.13", 40, 40) \
	X(VIOMMU_ALLOC,		  0x90, "IOMMU_VIOMMU_ALLOC",		 "6.13", 24, 40) \
	X(VDEVICE_ALLOC,	  0x91, "IOMMU_VDEVICE_ALLOC",		 "6.13", 24, 24) \
	X(IOAS_CHANGE_PROCESS,	  0x92, "IOMMU_IOAS_CHANGE_PROCESS",	 "6.13",  8,  8) \
	X(VEVENTQ_ALLOC,	  0x93, "IOMMU_VEVENTQ_ALLOC",		 "6.15", 28, 32) \
	X(HW_QUEUE_ALLOC,	  0x94, "IOMMU_HW_QUEUE_ALLOC",		 "6.17", 40, 40) \
	X(TEST_CMD,		  0xa0, "IOMMU_TEST_CMD",		 "6.2",  68, 72)

/* The smallest size the kernel accepts for command slot 'nr'; 0 if unknown. */
static inline uint32_t ifd_min_size(unsigned int nr)
{
	switch (nr) {
#define IFD_X_MIN(id, n, name, since, min, size) case n: return min;
	IFD_COMMANDS(IFD_X_MIN)
#undef IFD_X_MIN
	default: return 0;
	}
}

/* The full struct size of command slot 'nr' in the 7.2 uAPI; 0 if unknown. */
static inline uint32_t ifd_struct_size(unsigned int nr)
{
	switch (nr) {
#define IFD_X_SIZE(id, n, name, since, min, size) case n: return size;
	IFD_COMMANDS(IFD_X_SIZE)
#undef IFD_X_SIZE
	default: return 0;
	}
}

/*
 * The VFIO cdev's iommufd commands (6.6; the PASID fields 6.16, the token
 * 6.17), which ifd_device_ioctl() issues on a device fd.  Our own layouts,
 * checked against <linux/vfio.h> where it has them.
 */
#define IFD_VFIO_DEVICE_BIND_IOMMUFD		_IO(IFD_TYPE, 100 + 18)
#define IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(IFD_TYPE, 100 + 19)
#define IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT	_IO(IFD_TYPE, 100 + 20)
#define IFD_VFIO_DEVICE_BIND_FLAG_TOKEN		(1u << 0)
#define IFD_VFIO_DEVICE_ATTACH_PASID		(1u << 0)
#define IFD_VFIO_DEVICE_DETACH_PASID		(1u << 0)

struct ifd_vfio_device_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
	int32_t iommufd;
	uint32_t out_devid;
	uint64_t token_uuid_ptr;	/* with IFD_VFIO_DEVICE_BIND_FLAG_TOKEN: 16 bytes */
};
struct ifd_vfio_device_attach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pt_id;			/* in: IOAS or HWPT; out: the HWPT attached */
	uint32_t pasid;			/* with IFD_VFIO_DEVICE_ATTACH_PASID */
};
struct ifd_vfio_device_detach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pasid;			/* with IFD_VFIO_DEVICE_DETACH_PASID */
};
#define IFD_VFIO_BIND_MINSZ		16u	/* to out_devid */
#define IFD_VFIO_ATTACH_MINSZ		12u	/* to pt_id */
#define IFD_VFIO_DETACH_MINSZ		8u	/* to flags */

_Static_assert(sizeof(struct ifd_vfio_device_bind_iommufd) == 24, "bind layout");
_Static_assert(sizeof(struct ifd_vfio_device_attach_iommufd_pt) == 16, "attach layout");
_Static_assert(sizeof(struct ifd_vfio_device_detach_iommufd_pt) == 12, "detach layout");
#ifdef VFIO_DEVICE_BIND_IOMMUFD
_Static_assert(VFIO_DEVICE_BIND_IOMMUFD == IFD_VFIO_DEVICE_BIND_IOMMUFD &&
	       VFIO_DEVICE_ATTACH_IOMMUFD_PT == IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT &&
	       VFIO_DEVICE_DETACH_IOMMUFD_PT == IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, "VFIO numbers");
_Static_assert(offsetof(struct vfio_device_bind_iommufd, out_devid) ==
	       offsetof(struct ifd_vfio_device_bind_iommufd, out_devid), "bind out_devid");
_Static_assert(offsetof(struct vfio_device_attach_iommufd_pt, pt_id) ==
	       offsetof(struct ifd_vfio_device_attach_iommufd_pt, pt_id), "attach pt_id");
#endif
#ifdef VFIO_DEVICE_BIND_FLAG_TOKEN
_Static_assert(sizeof(struct vfio_device_bind_iommufd) == 24, "bind with its token");
#endif
#ifdef VFIO_DEVICE_ATTACH_PASID
_Static_assert(sizeof(struct vfio_device_attach_iommufd_pt) == 16 &&
	       sizeof(struct vfio_device_detach_iommufd_pt) == 12, "the PASID fields");
#endif

/* The header's structs must have the sizes the table says, where it has them. */
_Static_assert(sizeof(struct iommu_hwpt_alloc) >= 24, "iommu_hwpt_alloc");
_Static_assert(sizeof(struct iommu_hw_info) >= 32, "iommu_hw_info");

#endif /* IFD_ABI_H */
