/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The selftest-only command IOMMU_TEST_CMD (CONFIG_IOMMUFD_TEST).  It is not a
 * stable uAPI and no installed header has it, so we describe it ourselves.
 * The VM lab compiles tests/vm/check-test-abi.c against the lab kernel's
 * drivers/iommu/iommufd/iommufd_test.h and fails, naming the field, when the
 * kernel has moved away from what is written here.
 */
#ifndef IFD_TEST_ABI_H
#define IFD_TEST_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "ifd-abi.h"

#define IFD_TEST_CMD IFD_CMD(IFD_NR_TEST_CMD)

/* Operation numbers as of 7.2 (they are appended, never renumbered). */
enum ifd_test_op {
	IFD_TEST_OP_ADD_RESERVED = 1,
	IFD_TEST_OP_MOCK_DOMAIN = 2,
	IFD_TEST_OP_MD_CHECK_MAP = 3,
	IFD_TEST_OP_MD_CHECK_REFS = 4,
	IFD_TEST_OP_CREATE_ACCESS = 5,
	IFD_TEST_OP_DESTROY_ACCESS_PAGES = 6,
	IFD_TEST_OP_ACCESS_PAGES = 7,
	IFD_TEST_OP_ACCESS_RW = 8,
	IFD_TEST_OP_SET_TEMP_MEMORY_LIMIT = 9,
	IFD_TEST_OP_MOCK_DOMAIN_REPLACE = 10,
	IFD_TEST_OP_ACCESS_REPLACE_IOAS = 11,
	IFD_TEST_OP_MOCK_DOMAIN_FLAGS = 12,
	IFD_TEST_OP_DIRTY = 13,
	IFD_TEST_OP_MD_CHECK_IOTLB = 14,
	IFD_TEST_OP_TRIGGER_IOPF = 15,
	IFD_TEST_OP_DEV_CHECK_CACHE = 16,
	IFD_TEST_OP_TRIGGER_VEVENT = 17,
	IFD_TEST_OP_PASID_ATTACH = 18,
	IFD_TEST_OP_PASID_REPLACE = 19,
	IFD_TEST_OP_PASID_DETACH = 20,
	IFD_TEST_OP_PASID_CHECK_HWPT = 21,
	IFD_TEST_OP_DMABUF_GET = 22,
	IFD_TEST_OP_DMABUF_REVOKE = 23,
};

/* The mock domain's geometry (default page-table type). */
#define IFD_MOCK_APERTURE_START		(1ULL << 24)
#define IFD_MOCK_APERTURE_LAST		((1ULL << 31) - 1)
#define IFD_MOCK_PAGE_SIZE		2048ULL
#define IFD_MOCK_HUGE_PAGE_SIZE		(512 * IFD_MOCK_PAGE_SIZE)
#define IFD_MOCK_PASID_WIDTH		20
#define IFD_MOCK_FLAGS_DEVICE_NO_DIRTY	(1u << 0)
#define IFD_MOCK_FLAGS_DEVICE_PASID	(1u << 2)
#define IFD_MOCK_ACCESS_CREATE_NEEDS_PIN_PAGES (1u << 0)
#define IFD_MOCK_ACCESS_RW_WRITE	(1u << 0)
#define IFD_MOCK_ACCESS_RW_SLOW_PATH	(1u << 2)
#define IFD_MOCK_ACCESS_PAGES_WRITE	(1u << 0)
#define IFD_HW_INFO_TYPE_SELFTEST	0xfeedbeefu
#define IFD_HW_INFO_SELFTEST_REGVAL	0xdeadbeefu
#define IFD_HWPT_DATA_SELFTEST		0xdeadu
#define IFD_TEST_IOTLB_DEFAULT		0xbadbeefu
#define IFD_VIOMMU_TYPE_SELFTEST	0xdeadbeefu
#define IFD_VEVENTQ_TYPE_SELFTEST	0xbeefbeefu
#define IFD_HW_QUEUE_TYPE_SELFTEST	0xdeadbeefu

/*
 * The command envelope: 16 bytes of header, a 48-byte area whose meaning
 * depends on 'op', and a trailing 'last' that marks the minimum size (68).
 */
struct ifd_test_cmd {
	__u32 size;
	__u32 op;
	__u32 id;		/* IOAS, HWPT, stdev or access fd, per op */
	__u32 __reserved;
	union {
		__u8 raw[48];
		struct { __aligned_u64 start, length; } add_reserved;
		struct { __u32 out_stdev_id, out_hwpt_id, out_idev_id, dev_flags; } mock_domain;
		struct { __u32 pt_id; } mock_domain_replace;
		struct { __aligned_u64 iova, length, uptr; } check_map;
		struct { __aligned_u64 length, uptr; __u32 refs; } check_refs;
		struct { __u32 out_access_fd, flags; } create_access;
		struct { __u32 access_pages_id; } destroy_access_pages;
		struct {
			__u32 flags, out_access_pages_id;
			__aligned_u64 iova, length, uptr;
		} access_pages;
		struct { __aligned_u64 iova, length, uptr; __u32 flags; } access_rw;
		struct { __u32 limit; } memory_limit;
		struct { __u32 ioas_id; } access_replace_ioas;
		struct {
			__u32 flags;
			__aligned_u64 iova, length, page_size, uptr, out_nr_dirty;
		} dirty;
		struct { __u32 pasid, pt_id; } pasid_attach;
		struct { __u32 pasid; } pasid_detach;
		struct { __u32 pasid, hwpt_id; } pasid_check;
		struct { __u32 dev_id, pasid, grpid, perm; __u64 addr; } trigger_iopf;
		struct { __u32 dev_id; } trigger_vevent;
	};
	__u32 last;
};

_Static_assert(sizeof(struct ifd_test_cmd) == 72, "ifd_test_cmd size");
_Static_assert(offsetof(struct ifd_test_cmd, add_reserved) == 16, "test cmd union");
_Static_assert(offsetof(struct ifd_test_cmd, last) == 64, "test cmd last");
_Static_assert(offsetof(struct ifd_test_cmd, dirty.out_nr_dirty) == 56, "dirty.out_nr_dirty");
_Static_assert(offsetof(struct ifd_test_cmd, access_pages.uptr) == 40, "access_pages.uptr");
_Static_assert(offsetof(struct ifd_test_cmd, trigger_iopf.addr) == 32, "trigger_iopf.addr");

/* The mock's driver data: HWPT_ALLOC, HWPT_INVALIDATE, VIOMMU_ALLOC and the
 * vIOMMU's cache invalidation, GET_HW_INFO, and a vEVENT's payload. */
#define IFD_HWPT_INVALIDATE_DATA_SELFTEST	0xdeadbeefu
#define IFD_VIOMMU_INVALIDATE_DATA_SELFTEST	0xdeadbeefu
#define IFD_TEST_INVALIDATE_FLAG_ALL		(1u << 0)
struct ifd_hwpt_selftest {
	uint32_t iotlb, pagetable_type;
};
struct ifd_hwpt_invalidate_selftest {
	uint32_t flags, iotlb_id;
};
struct ifd_viommu_selftest {
	uint32_t in_data, out_data;
	uint64_t out_mmap_offset, out_mmap_length;
};
struct ifd_viommu_invalidate_selftest {
	uint32_t flags, vdev_id, cache_id;
};
struct ifd_test_hw_info {
	uint32_t flags, test_reg;
};
struct ifd_viommu_event_selftest {
	uint32_t virt_id;
};
_Static_assert(sizeof(struct ifd_hwpt_selftest) == 8 &&
	       sizeof(struct ifd_hwpt_invalidate_selftest) == 8 &&
	       sizeof(struct ifd_viommu_selftest) == 24 &&
	       sizeof(struct ifd_viommu_invalidate_selftest) == 12 &&
	       sizeof(struct ifd_test_hw_info) == 8, "selftest driver data");

#endif
