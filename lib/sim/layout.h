/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulator's state file, byte for byte.
 *
 * The file is mapped MAP_SHARED by every process that uses it, so nothing in
 * it is a pointer: every link is a 64-bit offset from the start of the file
 * (0 = none).  Everything read from the file is distrusted: offsets are bounds-
 * and tag-checked before use (store.c), and a file that fails a check is
 * reported as corrupt, never "repaired".
 *
 *   [0, SIM_HDR_SIZE)        struct sim_hdr
 *   [SIM_HDR_SIZE, bump)     records (fixed size classes, 32-byte aligned),
 *                            sim-memory extents (page aligned) and journal
 *                            extents, in the order they were carved from the
 *                            bump pointer
 *   [bump, file_size)        not yet used; grown with posix_fallocate
 */
#ifndef IFD_SIM_LAYOUT_H
#define IFD_SIM_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define SIM_MAGIC		"IFDSIMST"
#define SIM_FORMAT_VERSION	8u	/* 2: gap trees (struct sim_gap); 3: the robust lock and
					 * the undo journal in the header; 4: user HWPTs (nest
					 * parents, nested, dirty tracking: struct sim_dirty) and
					 * the platform (the emulated IOMMU) in the header; 5:
					 * vIOMMUs, vDEVICEs and tombstones, the mock device's
					 * cache and vIOMMU, fault queues and vEVENT queues
					 * (struct sim_eventq, struct sim_event), HW queues and
					 * the areas they lock; 6: attachments at a PASID
					 * (struct sim_pasid); 7: a HW queue's internal
					 * access is an object with an ID (struct
					 * sim_access), and its IOAS wants PAGE_SIZE; 8:
					 * VFIO devices (struct sim_vfio_fn, the
					 * header's vfio_idev) */
#define SIM_HDR_SIZE		4096u
#define SIM_REC_ALIGN		32u
#define SIM_KERNEL_VERSION	"7.2.13"

/*
 * Sim memory is addressed by pseudo user VAs in the x86-64 kernel half, which
 * no user process can have: VA = SIM_MEM_VA_BASE + file offset of the data.
 */
#define SIM_MEM_VA_BASE		0xffffc00000000000ull
#define SIM_MEM_VA_END		0xffffe00000000000ull	/* exclusive */

/* Record tags: the first word of every record says what it is. */
enum sim_tag {
	SIM_TAG_FREE	= 0x45455246,	/* "FREE": on a size-class free list */
	SIM_TAG_CTX	= 0x5854434b,	/* a context */
	SIM_TAG_OBJ	= 0x4a424f4b,	/* an object (IOAS, ...) */
	SIM_TAG_AREA	= 0x41455241,	/* a mapped area of an IOAS */
	SIM_TAG_RESV	= 0x56534552,	/* a reserved range of an IOAS */
	SIM_TAG_ALLOW	= 0x574f4c41,	/* an ALLOW_IOVAS range of an IOAS */
	SIM_TAG_PAGES	= 0x53474150,	/* the source of one or more areas */
	SIM_TAG_EXT	= 0x4d454d53,	/* a live sim-memory extent */
	SIM_TAG_EXTF	= 0x46545845,	/* a free sim-memory extent */
	SIM_TAG_GAP	= 0x53504147,	/* "GAPS": a free IOVA range of an IOAS */
	SIM_TAG_DIRTY	= 0x54524944,	/* "DIRT": dirty IO pages of a mock domain */
	SIM_TAG_EVENT	= 0x544e5645,	/* "EVNT": an event of a fault queue or vEVENT queue */
	SIM_TAG_PASID	= 0x44495350,	/* "PSID": a device's attachment at a PASID */
};

/* Size classes of the record arena. */
enum sim_class { SIM_CLS_96, SIM_CLS_128, SIM_CLS_192, SIM_NR_CLASSES };
#define SIM_CLASS_SIZES { 96, 128, 192 }

struct sim_rec {
	uint32_t tag;
	uint16_t cls;
	uint16_t rflags;
};

/*
 * A node of an interval tree (AVL, parent links), keyed by (start, record
 * offset) and augmented with the subtree's largest 'last' (overlap queries in
 * O(log n) even when ranges overlap each other) and its node count (lowest
 * free ID in O(log n)).  More augmentation is appended here.
 */
struct sim_tnode {
	uint64_t parent, left, right;
	uint64_t start, last;		/* inclusive */
	uint64_t max_last;
	uint64_t count;
	int32_t height;			/* leaf = 1 */
	uint32_t pad;
};

/* Every record that lives in a tree starts like this. */
struct sim_trec {
	struct sim_rec r;
	struct sim_tnode n;
};

struct sim_free {
	struct sim_rec r;
	uint64_t next;
};

/* Kernel object types (the kernel's enum iommufd_object_type is not uAPI). */
enum sim_obj_type {
	SIM_OBJ_NONE = 0,
	SIM_OBJ_IOAS,
	SIM_OBJ_HWPT_PAGING,
	SIM_OBJ_HWPT_NESTED,
	SIM_OBJ_DEVICE,
	SIM_OBJ_ACCESS,
	SIM_OBJ_FAULT,
	SIM_OBJ_VIOMMU,
	SIM_OBJ_VDEVICE,
	SIM_OBJ_VEVENTQ,
	SIM_OBJ_HW_QUEUE,
	SIM_OBJ_SELFTEST,
	SIM_OBJ_NR_TYPES,
};

struct sim_ioas {
	uint64_t area_root;
	uint64_t resv_root;
	uint64_t allow_root;
	uint64_t iova_alignment;
	uint64_t nr_areas;
	uint64_t mapped_bytes;
	uint32_t disable_large_pages;
	uint32_t nr_domains;		/* HWPT_PAGING objects added to the table (the kernel's
					 * iopt->domains); their areas are pinned */
	uint64_t hwpt_seq;		/* last list position handed to a HWPT of this IOAS */
	uint64_t gap_root;		/* the gaps of areas and reserved ranges (struct sim_gap) */
	uint32_t gaps_stale;		/* 1: the gap tree is out of date (a record could not be
					 * had); the next allocation rebuilds it */
	uint32_t nr_dirty_domains;	/* added domains allocated with DIRTY_TRACKING: an unmap
					 * drops their dirty bits over the range */
	uint64_t nr_locks;		/* HW_QUEUE objects whose pages lock areas of it */
};

/*
 * The selftest mock (CONFIG_IOMMUFD_TEST): a SELFTEST object owns a mock
 * device, bound as a DEVICE object and attached to a HWPT_PAGING.  Links are
 * object record offsets in the same context; 0 = none.
 */
#define SIM_MOCK_DEV_NO_DIRTY	(1u << 0)	/* MOCK_FLAGS_DEVICE_NO_DIRTY */
#define SIM_MOCK_DEV_PASID	(1u << 2)	/* MOCK_FLAGS_DEVICE_PASID */
#define SIM_MOCK_DEV_FLAGS	(SIM_MOCK_DEV_NO_DIRTY | SIM_MOCK_DEV_PASID)

struct sim_stdev {
	uint64_t idev;			/* the DEVICE it bound */
	uint32_t dev_flags;		/* SIM_MOCK_DEV_* */
	uint32_t pad;
};

#define SIM_MOCK_DEV_CACHE_NUM	4		/* the mock device's cache entries */

struct sim_idev {
	uint64_t stdev;			/* the driver that owns it (holds a users reference) */
	uint64_t hwpt;			/* attached HWPT (holds a users reference on each), 0 = none;
					 * IOMMU_NO_PASID's attachment (the RID) */
	uint64_t owner_ctx;		/* number of the context the device is bound to (the fd
					 * that owns its DMA) */
	uint32_t dev_flags;
	uint32_t vfio_fn;		/* a VFIO device's: 1 + its function's index in the
					 * platform (no SELFTEST object then); 0 = a mock device */
	uint64_t vdev;			/* its VDEVICE (no reference: a vDEVICE holds none on
					 * its device either way), 0 = none */
	uint64_t viommu;		/* the mock's mdev->viommu: the vIOMMU of the nested
					 * HWPT it is attached to (no reference), 0 = none */
	uint64_t vdev_id;		/* ... and its virtual ID there, as read at the attach */
	uint32_t cache[SIM_MOCK_DEV_CACHE_NUM];	/* the mock device's cache */
	uint64_t pasid_root;		/* its attachments at other PASIDs (struct sim_pasid);
					 * each holds a users reference on the device too */
	uint32_t nr_pasids;		/* ... how many */
	uint32_t pasid_flags;		/* SIM_PASID_* */
};

/* The mock driver's set_dev_pasid fails the next change of PASID 1024 to a
 * domain (-ENOMEM) after one that succeeded; blocking PASID 1024 disarms it. */
#define SIM_PASID_1024_ARMED	(1u << 0)
/* A VFIO device's IOMMU_NO_PASID attachment made with VFIO_DEVICE_ATTACH_PASID
 * at PASID 0: VFIO keeps it in its PASID IDA, not as iommufd_attached, so only
 * the PASID commands replace or detach it, and a plain attach is EBUSY. */
#define SIM_PASID_VFIO_RID	(1u << 1)
#define SIM_PASID_FLAGS		(SIM_PASID_1024_ARMED | SIM_PASID_VFIO_RID)
#define SIM_MOCK_PASID_MAX	((1u << 20) - 1)	/* MOCK_PASID_WIDTH bits */

/* A device's attachment at PASID n.start (= n.last, never IOMMU_NO_PASID). */
struct sim_pasid {
	struct sim_rec r;
	struct sim_tnode n;
	uint64_t hwpt;			/* the HWPT (holds a users reference, counted in its
					 * nr_devices) */
};

/* A vIOMMU (IOMMU_VIOMMU_TYPE_SELFTEST) on a nest parent. */
struct sim_viommu {
	uint64_t parent;		/* the nest parent HWPT_PAGING (holds a users reference) */
	uint32_t type;
	uint32_t in_data;		/* the selftest data's in_data (its loopback page) */
	uint64_t mmap_offset;		/* the mmap cookie of its 2-page region, 0 = none */
	uint64_t mmap_length;
};

/* A HW queue (IOMMU_HW_QUEUE_TYPE_SELFTEST) of a vIOMMU: its internal access
 * pins [lock_start, lock_last] of the nest parent's IOAS and locks the areas
 * there against unmapping. */
struct sim_hwq {
	uint64_t viommu;		/* holds a users reference */
	uint64_t ioas;			/* the access's IOAS (holds a users reference) */
	uint64_t prev;			/* the queue of index - 1 it depends on (holds a users
					 * reference), 0 = none */
	uint64_t base, length;		/* nesting_parent_iova, length */
	uint64_t lock_start, lock_last;	/* the pinned pages (PAGE_SIZE aligned) */
	uint32_t index, type;
	uint64_t access;		/* its internal ACCESS object (holds a users reference) */
};

/*
 * The internal access of a HW queue (the kernel's
 * iommufd_access_create_internal): it has no uAPI, but it is a finalized
 * object, so it takes an ID (later objects' IDs count past it) and DESTROY
 * of that ID is EBUSY while the queue holds it.
 */
struct sim_access {
	uint64_t hwq;			/* the HW queue it is of (no reference) */
};

/* A vDEVICE: 'idev' seen through 'viommu' as 'virt_id'. */
struct sim_vdev {
	uint64_t viommu;		/* holds a users reference */
	uint64_t idev;			/* the DEVICE (holds no users reference) */
	uint64_t virt_id;
};

#define SIM_HWPT_AUTO		(1u << 0)	/* auto domain: destroyed at its last detach */
#define SIM_HWPT_ADDED		(1u << 1)	/* added to its IOAS (counted in nr_domains) */
#define SIM_HWPT_NEST_PARENT	(1u << 2)	/* IOMMU_HWPT_ALLOC_NEST_PARENT */
#define SIM_HWPT_DIRTY_OPS	(1u << 3)	/* allocated with DIRTY_TRACKING: has dirty ops */
#define SIM_HWPT_DIRTY_ON	(1u << 4)	/* tracking enabled (the mock's MOCK_DIRTY_TRACK) */
#define SIM_HWPT_PASID		(1u << 5)	/* IOMMU_HWPT_ALLOC_PASID (pasid_compat) */
#define SIM_HWPT_HUGE		(1u << 6)	/* MOCK_IOMMUPT_HUGE page table */
#define SIM_HWPT_FLAGS		((1u << 7) - 1)

#define SIM_MOCK_IOTLB_NUM	4		/* a mock nested domain's IOTLB entries */

/*
 * HWPT_PAGING and HWPT_NESTED.  A nested HWPT has no IOAS, pgsize or
 * aperture of its own: it points at its nest parent.
 */
struct sim_hwpt {
	uint64_t ioas;			/* PAGING: the IOAS (holds a users reference) */
	uint64_t seq;			/* position in the IOAS's list of HWPTs */
	uint64_t pgsize;		/* smallest IO page size (lowest bit of pgsize_bitmap) */
	uint64_t aperture_start, aperture_last;
	uint32_t flags;			/* SIM_HWPT_* */
	uint32_t nr_devices;		/* attachments: devices' and their PASIDs' */
	uint64_t parent;		/* NESTED: the nest parent (holds a users reference) */
	uint64_t dirty_root;		/* PAGING: its dirty IO pages (struct sim_dirty) */
	uint64_t nr_dirty;		/* ... how many */
	uint32_t iotlb[SIM_MOCK_IOTLB_NUM];	/* NESTED: the mock's IOTLB */
	uint64_t viommu;		/* NESTED on a vIOMMU: the vIOMMU (holds a users reference
					 * instead of 'parent', which is then the vIOMMU's) */
	uint64_t fault;			/* its FAULT queue (holds a users reference), 0 = none */
};

/*
 * Dirty IO pages of a mock paging domain (the D bits of its IOPTEs): one bit
 * per domain page ('pgsize') of the 128 pages from 'start', which is aligned
 * to 128 pages; n.last = start + 128 * pgsize - 1.  Only mapped pages are
 * ever marked, and an unmap drops the marks of what it unmapped.
 */
#define SIM_DIRTY_BITS		128u

struct sim_dirty {
	struct sim_rec r;
	struct sim_tnode n;
	uint64_t bits[SIM_DIRTY_BITS / 64];
};

/*
 * A FAULT or VEVENTQ object: a queue of events (struct sim_event, oldest
 * first) behind an fd.  The fd belongs to the process that made the queue
 * (owner_pid, owner_start) and holds a users reference while it is open.
 */
struct sim_eventq {
	uint64_t head, tail;		/* the events */
	uint64_t nr_events;		/* records in the list */
	uint64_t viommu;		/* VEVENTQ: the vIOMMU (holds a users reference) */
	uint32_t type;			/* VEVENTQ: IOMMU_VEVENTQ_TYPE_* */
	uint32_t depth;			/* VEVENTQ: the most vEVENTs queued, lost header aside */
	uint32_t num_events;		/* VEVENTQ: vEVENTs queued (the kernel's num_events) */
	uint32_t sequence;		/* VEVENTQ: the next vEVENT's sequence (0..INT_MAX) */
	int32_t owner_pid;		/* the process whose fd it is */
	uint32_t fd_open;		/* 1 while that fd holds its reference */
	uint64_t owner_start;
};

/*
 * An event: for a FAULT, one fault group of one page request (struct
 * iommu_hwpt_pgfault, its cookie set when queued); for a VEVENTQ, a vEVENT
 * (header and data) or the lost-events header.  'flags' say where it is:
 * pushed into the owner's fd, read from there (a fault awaiting its
 * response), or withdrawn (answered by the kernel while still unread: its
 * bytes are in the fd and only wait to be read).
 */
#define SIM_EV_PUSHED		(1u << 0)
#define SIM_EV_READ		(1u << 1)
#define SIM_EV_WITHDRAWN	(1u << 2)
#define SIM_EV_LOST		(1u << 3)	/* VEVENTQ: the lost-events header */
#define SIM_EV_FLAGS		((1u << 4) - 1)
#define SIM_EV_DATA		40u

struct sim_event {
	struct sim_rec r;
	uint64_t next;
	uint64_t idev;			/* FAULT: the DEVICE it is of (no reference) */
	uint32_t flags;			/* SIM_EV_* */
	uint32_t len;			/* bytes of 'data' the fd carries */
	uint32_t cookie;		/* FAULT: the response cookie */
	uint32_t handle_pasid;		/* FAULT: the PASID of the attachment it came through
					 * (0: the device's own) */
	uint8_t data[SIM_EV_DATA];	/* what the fd carries */
};

/* An object, keyed by its ID in its context's object tree. */
struct sim_obj {
	struct sim_rec r;		/* rflags: SIM_OBJ_PENDING */
	struct sim_tnode n;		/* start = last = ID */
	uint32_t type;			/* enum sim_obj_type */
	uint32_t users;			/* the table's reference + other objects' */
	uint64_t ctx;			/* the owning context record */
	union {
		struct sim_ioas ioas;
		struct sim_stdev stdev;
		struct sim_idev idev;
		struct sim_hwpt hwpt;
		struct sim_viommu viommu;
		struct sim_vdev vdev;
		struct sim_eventq eq;
		struct sim_hwq hwq;
		struct sim_access acc;
		uint8_t room[104];
	};
};

/* An ID reserved but not yet published (the kernel's XA_ZERO_ENTRY): lookups
 * do not find it.  Only ever set inside one operation. */
#define SIM_OBJ_PENDING		(1u << 0)
/* A destroyed object whose ID the kernel leaves taken until its context is
 * closed (iommufd_object_tombstone_user: a vDEVICE whose device went away):
 * lookups do not find it, its payload is zero, only the table holds it. */
#define SIM_OBJ_TOMBSTONE	(1u << 1)

#define SIM_CTX_SHARED	(1u << 0)
#define SIM_CTX_PRIVATE	(1u << 1)

enum sim_account_mode { SIM_ACCOUNT_NONE = 0, SIM_ACCOUNT_USER = 1, SIM_ACCOUNT_MM = 2 };

/* A context (what an open /dev/iommu is in the kernel), keyed by its number. */
struct sim_ctx {
	struct sim_rec r;
	struct sim_tnode n;		/* start = last = context number */
	uint64_t obj_root;
	uint64_t nr_objects;
	uint32_t flags;			/* SIM_CTX_* */
	int32_t owner_pid;		/* PRIVATE: the process whose "fd" it is */
	uint64_t owner_start;		/* its start time, /proc/PID/stat field 22 */
	uint32_t account_mode;		/* enum sim_account_mode (RLIMIT_MODE) */
	uint32_t vfio_ioas;		/* IOMMU_VFIO_IOAS: ID of the compat IOAS, 0 = none */
	uint32_t no_iommu_mode;
	uint32_t pad;
};

enum sim_src_type { SIM_SRC_USER = 0, SIM_SRC_FILE = 1, SIM_SRC_SIM_MEM = 2 };

/*
 * The source of areas (the kernel's iopt_pages): shared, with a reference per
 * area, by every area COPY made from it.  Byte b of the source is at
 * base + b; base is PAGE_SIZE aligned.
 */
struct sim_pages {
	struct sim_rec r;
	uint64_t refs;			/* areas pointing here */
	uint32_t type;			/* enum sim_src_type */
	uint32_t writable;
	int32_t pid;			/* the process that mapped it */
	uint32_t account_mode;
	uint64_t pid_start;
	uint64_t base;			/* USER/SIM_MEM: VA; FILE: file offset */
	uint64_t npages;
	uint64_t dev, ino;		/* FILE */
	uint64_t ext;			/* SIM_MEM: the extent record */
	uint64_t file_size;		/* FILE: size when last seen (SIM_FILE_KNOWN) */
	uint32_t file_flags;		/* FILE: SIM_FILE_* */
	uint32_t pad;
};

#define SIM_FILE_KNOWN		(1u << 0)	/* file_size and SIM_FILE_PINNABLE are valid */
#define SIM_FILE_PINNABLE	(1u << 1)	/* shmem or hugetlbfs (memfd_pin_folios takes it) */

struct sim_area {
	struct sim_rec r;
	struct sim_tnode n;		/* [iova, last] */
	uint64_t pages;
	uint64_t start_byte;		/* byte of the pages the area's first byte is */
	uint32_t prot;			/* IOMMU_IOAS_MAP_READABLE | WRITEABLE */
	uint32_t flags;			/* SIM_AREA_FILLING inside an operation, else 0 */
};

/* Being filled into the domains (its pages do not count as pinned yet). */
#define SIM_AREA_FILLING	(1u << 0)

struct sim_resv {
	struct sim_rec r;
	struct sim_tnode n;
	uint64_t owner;			/* object that reserved it: a HWPT_PAGING record for a
					 * domain's aperture; 0 = none (IOMMU_TEST_OP_ADD_RESERVED) */
};

struct sim_allow {
	struct sim_rec r;
	struct sim_tnode n;
};

/*
 * A gap of an IOAS: a maximal range [start, last] that no area and no
 * reserved range covers.  The gaps of an IOAS are disjoint and never touch.
 * Kernel-chosen IOVAs are found in this tree (gaps.c): each node caches, for
 * its subtree and per alignment class, the largest "room" of a gap:
 * last - ALIGN_UP(start, class alignment), 0 when the aligned start is past
 * the end or overflows.  Class 0 is alignment 1; class k >= 1 is
 * PAGE_SIZE << (k - 1), up to the THP size, so a profile needs
 * 2 + log2(HPAGE_SIZE / PAGE_SIZE) classes.
 */
#define SIM_GAP_CLASSES		15
#define SIM_GAP_MAX_RATIO	(1ull << (SIM_GAP_CLASSES - 2))	/* largest HPAGE/PAGE */

struct sim_gap {
	struct sim_rec r;
	struct sim_tnode n;
	uint64_t room[SIM_GAP_CLASSES];
};

/* A sim-memory extent: live ones keyed by pseudo VA, free ones by file offset. */
struct sim_ext {
	struct sim_rec r;
	struct sim_tnode n;
	uint64_t data;			/* file offset of the bytes */
	uint64_t length;
	uint64_t refs;			/* pages records pointing here */
};

/* Feature bits of a state (header 'features'); none defined yet. */
#define SIM_FEAT_KNOWN		0ull

/*
 * The undo journal.  An operation saves the bytes of every record it is
 * about to change, once, and the header's mutable part when it starts; it
 * commits by clearing 'active'.  Whoever takes the lock and finds 'active'
 * set (the process that held it died) puts the saved bytes back, newest
 * first, so that every operation is wholly there or wholly absent.  A crash
 * here is a process dying, not power loss: nothing is synced.
 *
 * The entries live in journal extents carved from the arena and chained from
 * 'first'; they are not journaled themselves.  An extent carved during an
 * operation lies past the bump pointer the header goes back to, so a roll-
 * back drops it from the chain; a commit keeps it for the operations after.
 */
#define SIM_JOURNAL_ACTIVE	1u	/* an operation's writes are not committed */
#define SIM_JOURNAL_UNDONE	2u	/* rolled back; the chain is still to be cut */
#define SIM_JEXT_MAGIC		0x4c4e524au	/* "JRNL" */
#define SIM_JOURNAL_HDR_SAVE	256u

struct sim_jctl {
	uint32_t active;		/* 0, SIM_JOURNAL_ACTIVE or SIM_JOURNAL_UNDONE */
	uint32_t op;			/* number of the operation; its entries carry it */
	uint64_t nr;			/* entries written by the operation (counted once whole) */
	uint64_t first;			/* the first journal extent, 0 = none */
	uint64_t cur;			/* the extent being written ... */
	uint64_t pos;			/* ... and where its free room starts */
	uint64_t recoveries;		/* interrupted operations rolled back */
	uint64_t nr_ext, ext_bytes;	/* journal extents and their bytes */
	uint8_t hdr_save[SIM_JOURNAL_HDR_SAVE];	/* the header's journaled part, at the start */
};

/* The start of a journal extent (32-byte aligned in the arena). */
struct sim_jext {
	uint32_t magic;			/* SIM_JEXT_MAGIC */
	uint32_t pad;
	uint64_t size;			/* bytes, this header included */
	uint64_t next;			/* the next extent of the chain, 0 = last */
	uint64_t pad2;
};

/* One saved range, followed by 'len' bytes and padding to 8. */
struct sim_jent {
	uint64_t off;			/* where the bytes go back */
	uint32_t len;			/* 0: nothing more in this extent, go on with the next */
	uint32_t op;			/* sim_jctl.op of the operation that wrote it */
};

/*
 * The emulated IOMMU, fixed at creation by the profile: what every mock
 * device's domains, reserved regions and GET_HW_INFO look like.  The
 * selftest mock is a platform too (SIM_IOMMU_MOCK), so the device code reads
 * its geometry from here whatever the profile.
 */
enum sim_iommu {
	SIM_IOMMU_MOCK = 0,		/* the kernel's selftest mock */
	SIM_IOMMU_VTD,
	SIM_IOMMU_AMD,
	SIM_IOMMU_SMMUV3,
	SIM_IOMMU_SPAPR,		/* PPC-like, two DMA windows */
	SIM_IOMMU_NR,
};

/* Reserved region types (the kernel's enum iommu_resv_type). */
enum sim_resv_type {
	SIM_RESV_DIRECT = 0,
	SIM_RESV_DIRECT_RELAXABLE,
	SIM_RESV_RESERVED,
	SIM_RESV_MSI,
	SIM_RESV_SW_MSI,
	SIM_RESV_NR_TYPES,
};

#define SIM_PLAT_MAX_RESV	4
#define SIM_PLAT_HW_INFO_MAX	64

struct sim_plat_resv {
	uint64_t start, last;		/* inclusive */
	uint32_t type;			/* enum sim_resv_type */
	uint32_t pad;
};

/*
 * A PCI function on vfio-pci with a VFIO cdev (vfio.c's bindings): its node
 * is a regular file next to the state, made with it; an fd of that file is
 * the device's cdev fd, told by its inode.  A binding is an OFD lock on the
 * node taken through the fd that bound it, so it ends when the last copy of
 * that fd is closed, in whichever process.
 */
#define SIM_VFIO_MAX		4
struct sim_vfio_fn {
	uint64_t dev, ino;		/* the node's file */
	uint32_t bdf;			/* domain << 16 | bus << 8 | devfn */
	uint32_t group;			/* its IOMMU group */
};

struct sim_platform {
	uint32_t iommu;			/* enum sim_iommu */
	uint32_t aperture_bits;		/* the address width asked for; 0 = none (mock) */
	uint64_t pgsize_bitmap;		/* the domains' IO page sizes */
	uint64_t aperture_start, aperture_last;	/* the domains' geometry */
	uint32_t nr_resv;
	uint32_t hw_info_type;		/* IOMMU_HW_INFO_TYPE_* the driver answers with */
	struct sim_plat_resv resv[SIM_PLAT_MAX_RESV];	/* every device's, by start */
	uint64_t hw_caps;		/* IOMMU_HW_CAP_* of a device without NO_DIRTY */
	uint32_t max_pasid_log2;	/* of a device with MOCK_FLAGS_DEVICE_PASID */
	uint32_t hw_info_len;
	uint8_t hw_info[SIM_PLAT_HW_INFO_MAX];	/* the driver's payload */
};

#define SIM_VFIO_MSI_UNISOLATED	(1u << 0)	/* no MSI isolation (interrupt remapping, ITS) */
#define SIM_VFIO_UNSAFE_OK	(1u << 1)	/* iommufd's allow_unsafe_interrupts=Y */
#define SIM_VFIO_FLAGS		(SIM_VFIO_MSI_UNISOLATED | SIM_VFIO_UNSAFE_OK)

struct sim_vfio_tab {
	uint32_t nr;			/* VFIO devices */
	uint32_t flags;			/* SIM_VFIO_*, the host's */
	struct sim_vfio_fn fn[SIM_VFIO_MAX];
};

struct sim_hdr {
	/* Fixed at creation and covered by static_sum. */
	char magic[8];
	uint32_t format_version;
	uint32_t header_size;
	char profile[32];
	uint64_t page_size;		/* the emulated PAGE_SIZE */
	uint64_t hpage_size;		/* the emulated HPAGE_SIZE (THP) */
	char kernel_version[32];
	uint64_t features;		/* room for profiles with the selftest mock, devices */
	uint64_t static_sum;		/* FNV-1a of every byte above and of 'platform' */

	/* Only ever grows, with the file; not journaled (a rolled-back
	 * operation leaves the file as long as it made it). */
	uint64_t file_size;

	/* Changed by operations; journaled whole (sim_hdrw), checked by
	 * consistency, not by a sum.  From 'generation' to 'lock'. */
	uint64_t generation;
	uint64_t bump;			/* end of the carved part of the file */
	uint64_t pad_bytes;		/* carved but unused (alignment of extents) */
	uint64_t free_head[SIM_NR_CLASSES];
	uint64_t nr_free[SIM_NR_CLASSES];
	uint64_t nr_live[SIM_NR_CLASSES];
	uint64_t mem_root;		/* live sim-memory extents */
	uint64_t mem_free_root;		/* free sim-memory extents */
	uint64_t nr_mem, mem_bytes;
	uint64_t nr_mem_free, mem_free_bytes;
	uint64_t ctx_root;
	uint64_t shared_ctx;
	uint64_t next_ctx_id;
	uint64_t nr_contexts;
	uint64_t nr_objects;
	uint64_t nr_areas;
	uint64_t mapped_bytes;
	uint64_t nr_open_queues;	/* FAULT and VEVENTQ objects whose fd is open */
	uint64_t vfio_idev[SIM_VFIO_MAX];	/* the DEVICE each VFIO device is bound as, 0 = none */

	/* The writers' lock: a process-shared robust pthread mutex. */
	uint8_t lock[64];
	/* Odd while an operation changes the state: lock-free readers of the
	 * counters above retry until they see the same even value around
	 * their copy. */
	uint64_t seq;
	union {
		struct sim_jctl j;
		uint8_t room[1024];
	} journal;
	union {
		struct sim_platform p;	/* fixed at creation, covered by static_sum */
		uint8_t room[1024];
	} platform;
	union {
		struct sim_vfio_tab t;	/* fixed at creation, covered by static_sum */
		uint8_t room[256];
	} vfio;
};

#define SIM_HDR_JOURNALED_START	offsetof(struct sim_hdr, generation)
#define SIM_HDR_JOURNALED_END	offsetof(struct sim_hdr, lock)

_Static_assert(SIM_HDR_JOURNALED_END - SIM_HDR_JOURNALED_START <= SIM_JOURNAL_HDR_SAVE,
	       "journal room for the header");
_Static_assert(sizeof(struct sim_jctl) <= 1024, "journal control");
_Static_assert(sizeof(struct sim_jext) % SIM_REC_ALIGN == 0, "journal extent header");
_Static_assert(sizeof(struct sim_jent) == 16, "journal entry");
_Static_assert(sizeof(struct sim_hdr) <= SIM_HDR_SIZE, "header too big");
_Static_assert(sizeof(struct sim_platform) <= 1024, "platform room");
_Static_assert(sizeof(struct sim_vfio_tab) <= 256, "VFIO device room");
_Static_assert(sizeof(struct sim_area) <= 96, "area class");
_Static_assert(sizeof(struct sim_resv) <= 96, "resv class");
_Static_assert(sizeof(struct sim_allow) <= 96, "allow class");
_Static_assert(sizeof(struct sim_pages) <= 96, "pages class");
_Static_assert(sizeof(struct sim_ext) <= 96, "ext class");
_Static_assert(sizeof(struct sim_ctx) <= 128, "ctx class");
_Static_assert(sizeof(struct sim_gap) <= 192, "gap class");
_Static_assert(sizeof(struct sim_dirty) <= 96, "dirty class");
_Static_assert(sizeof(struct sim_obj) <= 192, "obj class");
_Static_assert(sizeof(struct sim_ioas) <= 104 && sizeof(struct sim_hwpt) <= 104 &&
	       sizeof(struct sim_idev) <= 104 && sizeof(struct sim_stdev) <= 104 &&
	       sizeof(struct sim_viommu) <= 104 && sizeof(struct sim_vdev) <= 104 &&
	       sizeof(struct sim_eventq) <= 104 && sizeof(struct sim_hwq) <= 104, "obj payloads");
_Static_assert(sizeof(struct sim_event) <= 96, "event class");
_Static_assert(sizeof(struct sim_pasid) <= 96, "pasid class");
_Static_assert(offsetof(struct sim_pasid, n) == offsetof(struct sim_trec, n), "tnode placement");
_Static_assert(offsetof(struct sim_obj, n) == offsetof(struct sim_trec, n), "tnode placement");
_Static_assert(offsetof(struct sim_ctx, n) == offsetof(struct sim_trec, n), "tnode placement");
_Static_assert(offsetof(struct sim_area, n) == offsetof(struct sim_trec, n), "tnode placement");
_Static_assert(offsetof(struct sim_resv, n) == offsetof(struct sim_trec, n), "tnode placement");
_Static_assert(offsetof(struct sim_allow, n) == offsetof(struct sim_trec, n), "tnode placement");
_Static_assert(offsetof(struct sim_ext, n) == offsetof(struct sim_trec, n), "tnode placement");
_Static_assert(offsetof(struct sim_gap, n) == offsetof(struct sim_trec, n), "tnode placement");
_Static_assert(offsetof(struct sim_dirty, n) == offsetof(struct sim_trec, n), "tnode placement");

#endif
