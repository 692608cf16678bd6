/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The simulator's internals, shared by the files of lib/sim. */
#ifndef IFD_SIM_INTERNAL_H
#define IFD_SIM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "layout.h"
#include "sim.h"

#define SIM_ULONG_MAX	UINT64_MAX	/* the emulated kernel is 64-bit */

/* Planted faults for checking the tests (built with -DSIM_MUTANT=N, see
 * lib/sim/mock.c, ioas.c, oracle.c); 0 = none. */
#ifndef SIM_MUTANT
#define SIM_MUTANT 0
#endif

/* Offsets of records the current operation need not save again: saved
 * already, or made by the operation (open addressing, stamped with the
 * operation's number so that nothing is cleared between operations). */
struct sim_jset {
	uint64_t *keys;
	uint32_t *stamps;
	size_t cap, n;
	uint32_t stamp;
};

struct sim_verify;

/* A process's handle on a state: the mapping and the context it works in. */
struct sim {
	int fd;				/* the state, read-write (growing and mapping need it) */
	pthread_mutex_t mutex;		/* threads sharing the handle (the state's lock is per
					 * thread; the per-operation fields below are not) */
	uint8_t *base;			/* the mapping; its address never changes */
	uint64_t window;		/* address space reserved for the mapping */
	uint64_t mapped;		/* bytes of the file mapped at 'base' */
	const struct sim_hdr *hdr_map;	/* the header alone, mapped apart: lock-free readers
					 * use it while another thread may move the window */
	uint64_t ctx_off;		/* our context record ... */
	uint64_t ctx_id;		/* ... and its number, to notice it was closed */
	bool private_ctx;
	pid_t pid;			/* the process using the handle (see note_fork) */
	volatile uint8_t *fork_mark;	/* non-zero until a fork (MADV_WIPEONFORK) */
	uint64_t start_time;		/* its start time */
	bool foreign_userns;		/* it is not in the initial user namespace */
	uint64_t caps;			/* its effective capabilities (see sim_capable) */
	/* Stacks known mapped and writable (see uaccess.c), one per thread that
	 * used the handle lately. */
	struct sim_stack { pthread_t thread; uintptr_t lo, hi; } stacks[4];
	unsigned int nstacks, next_stack;
	bool locked;			/* this handle holds the state's lock */
	uint8_t lock_kind[sizeof(pthread_mutex_t)];	/* an unlocked lock of the right kind */
	char path[4096];

	/* Per operation. */
	uintptr_t entry_frame;		/* sim_ioctl's frame: the caller's stack is above it */
	char *detail;
	size_t dlen;
	bool corrupt;			/* a check failed: the operation ends with -EUCLEAN */
	bool dirty;			/* something changed: bump the generation */
	bool journal_off;		/* a state being created: nobody else can see it */
	bool journal_failed;		/* no room to journal: the operation is rolled back ... */
	int journal_err;		/* ... and fails with this */
	struct sim_jset jset;
	/* Test hooks: kill the process at the crash_at-th journal step of an
	 * operation (sim_test_crash_at); steps counts them.  A step is a point
	 * where the journal changes: the start, each record saved (before,
	 * written, counted), an extent carved and linked, growth, the commit,
	 * each entry a roll-back puts back. */
	uint64_t crash_at, steps;
	struct sim_verify *verify;	/* $IFD_SIM_JOURNAL_VERIFY: see journal.c */
	/* The fds of the queues this process made (eventq.c): our end of each
	 * socket pair, the caller holds the other. */
	struct sim_qfd {
		uint64_t obj_off;	/* the FAULT or VEVENTQ record ... */
		uint64_t ctx_id;	/* ... of this context ... */
		uint32_t id;		/* ... with this ID */
		int fd;			/* our end */
		int ufd;		/* the number the caller got */
		int err;		/* a response refused since the last sim_queue_sync() */
		uint32_t npart;		/* bytes of a response not yet whole */
		uint8_t part[8];
	} *qfds;
	size_t nqfds, qfds_cap;
	union {
		struct sim_trec t;
		uint8_t bytes[256];
	} dummy;			/* what a bad offset reads as, so callers need no NULL checks */
};

static inline struct sim_hdr *sim_hdr(struct sim *sim)
{
	return (struct sim_hdr *)sim->base;
}

/* ---- errors ------------------------------------------------------------------ */
int sim_fail(struct sim *sim, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int sim_corrupt(struct sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_set_detail(char *detail, size_t dlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- store.c: the file, the mapping, the lock and the arena ------------------- */
uint64_t sim_class_size(unsigned int cls);
unsigned int sim_tag_class(uint32_t tag);
const char *sim_tag_name(uint32_t tag);

/* The record at 'off' with tag 'tag', or the zeroed dummy (and the operation
 * marked corrupt) if 'off' is out of bounds, misaligned or of another kind. */
void *sim_rec(struct sim *sim, uint64_t off, uint32_t tag);
/* Same without marking: is 'off' a record of kind 'tag'? */
bool sim_rec_ok(struct sim *sim, uint64_t off, uint32_t tag);
static inline struct sim_tnode *sim_node(struct sim *sim, uint64_t off, uint32_t tag)
{
	return &((struct sim_trec *)sim_rec(sim, off, tag))->n;
}
/* The record at 'off', about to be written: every write to an existing record
 * goes through these (or sim_hdrw), so that the undo journal saves its bytes
 * first and an interrupted operation can be rolled back.  Records made by the
 * operation (sim_alloc) cost a lookup; a record is saved once per operation. */
void *sim_recw(struct sim *sim, uint64_t off, uint32_t tag);

/* An object record (IOAS, HWPT, device, ...) to read, or about to be written,
 * and its ID: the short forms the object commands use. */
static inline struct sim_obj *obj_at(struct sim *sim, uint64_t off)
{
	return sim_rec(sim, off, SIM_TAG_OBJ);
}

static inline struct sim_obj *obj_w(struct sim *sim, uint64_t off)
{
	return sim_recw(sim, off, SIM_TAG_OBJ);
}

static inline uint32_t id_of(struct sim *sim, uint64_t off)
{
	return (uint32_t)obj_at(sim, off)->n.start;
}
static inline struct sim_tnode *sim_nodew(struct sim *sim, uint64_t off, uint32_t tag)
{
	return &((struct sim_trec *)sim_recw(sim, off, tag))->n;
}
/* The header, about to be written: the journal starts, with the header's
 * journaled part saved, at the first write of an operation. */
struct sim_hdr *sim_hdrw(struct sim *sim);

/* Make sure 'nrecs' records and 'bytes' of extents can be carved without
 * growing the file mid-operation (growing maps at the same address, so
 * pointers stay valid, but a failed growth must come before any change). */
int sim_reserve(struct sim *sim, uint64_t nrecs, uint64_t bytes);
/* A zeroed record of kind 'tag' (its header set), or 0 with the op failed. */
uint64_t sim_alloc(struct sim *sim, uint32_t tag);
void sim_free(struct sim *sim, uint64_t off);
/* Page-aligned bytes for sim memory; returns the file offset or 0. */
uint64_t sim_extent_carve(struct sim *sim, uint64_t length, uint64_t align);

/* The lock around every operation: the handle's mutex, then the state's
 * robust lock; the mapping follows the file, the header is checked, and an
 * operation a dead process left half done is rolled back first.  Unlocking
 * commits the operation's journal. */
int sim_lock(struct sim *sim, char *detail, size_t dlen);
void sim_unlock(struct sim *sim);
/* sim_lock, then close contexts whose owner is gone and check ours is open. */
int sim_enter(struct sim *sim, char *detail, size_t dlen);
int sim_leave(struct sim *sim, int ret);
int sim_reader_probe(struct sim *sim);
int sim_validate_header(struct sim *sim, uint64_t file_size);
uint64_t sim_static_sum(const struct sim_hdr *h);
/* Grow the file to at least 'need_end' bytes (posix_fallocate, then map). */
int sim_grow(struct sim *sim, uint64_t need_end);
/* A crash point of the test hook (sim_test_crash_at). */
void sim_crash_now(struct sim *sim) __attribute__((noreturn));
static inline void sim_crash_point(struct sim *sim)
{
	++sim->steps;
	if (__builtin_expect(sim->crash_at != 0, 0) && sim->steps == sim->crash_at)
		sim_crash_now(sim);
}

/* ---- journal.c: the undo journal ---------------------------------------------------- */
/* Save 'len' bytes at 'off' (a record being changed) unless saved already. */
int sim_journal_save(struct sim *sim, uint64_t off, uint32_t len);
/* A record (or extent) made by the operation: never saved. */
void sim_journal_fresh(struct sim *sim, uint64_t off, uint64_t len);
/* Start the operation's journal if it has not started (saves the header). */
void sim_journal_begin(struct sim *sim);
/* At the lock: roll back what a dead process left; 0 or -EUCLEAN. */
int sim_journal_recover(struct sim *sim, bool owner_died);
/* At the unlock: commit (or, when journaling failed, roll back) the operation. */
void sim_journal_end(struct sim *sim);
void sim_journal_free(struct sim *sim);
/* The chain of journal extents for the consistency check: calls fn for each;
 * returns 0 or -EUCLEAN with sim->detail set. */
int sim_journal_extents(struct sim *sim, void (*fn)(void *arg, uint64_t off, uint64_t size),
			void *arg);
/* $IFD_SIM_JOURNAL_VERIFY: snapshot at the lock, proof at the unlock. */
void sim_verify_setup(struct sim *sim);
void sim_verify_begin(struct sim *sim);
void sim_verify_cancel(struct sim *sim);
void sim_verify_end(struct sim *sim);
void sim_verify_fresh(struct sim *sim, uint64_t off, uint64_t len);
void sim_verify_free(struct sim *sim);

/* Start time of a process (clock ticks since boot), 0 if it does not exist. */
uint64_t sim_proc_start_time(pid_t pid);

/* ---- itree.c: the interval tree ---------------------------------------------- */
void itree_insert(struct sim *sim, uint64_t *root, uint32_t tag, uint64_t off);
void itree_erase(struct sim *sim, uint64_t *root, uint32_t tag, uint64_t off);
uint64_t itree_first(struct sim *sim, uint64_t root, uint32_t tag);
uint64_t itree_next(struct sim *sim, uint64_t off, uint32_t tag);
uint64_t itree_last(struct sim *sim, uint64_t root, uint32_t tag);
/* The overlapping node with the lowest start, then the next ones. */
uint64_t itree_first_overlap(struct sim *sim, uint64_t root, uint32_t tag, uint64_t start,
			     uint64_t last);
uint64_t itree_next_overlap(struct sim *sim, uint64_t off, uint32_t tag, uint64_t start,
			    uint64_t last);
/* The node whose start is 'key' (for trees of points such as IDs). */
uint64_t itree_find(struct sim *sim, uint64_t root, uint32_t tag, uint64_t key);
/* The lowest key >= 1 that no node has (keys are distinct points >= 1). */
uint64_t itree_lowest_free(struct sim *sim, uint64_t root, uint32_t tag);
uint64_t itree_count(struct sim *sim, uint64_t root, uint32_t tag);
/* A node's 'start' or 'last' changed in place without changing its order:
 * recompute what its ancestors cache. */
void itree_changed(struct sim *sim, uint64_t *root, uint32_t tag, uint64_t off);
/* Bounded loop guard: how many nodes could the file possibly hold. */
uint64_t itree_max_nodes(struct sim *sim);

/* ---- gaps.c: the free IOVA of an IOAS, and kernel-chosen IOVAs ------------------------ */
/* The itree hook: recompute the room cache of gap node 'off' from its
 * children's nodes (NULL: none), which the caller has checked already. */
void sim_gap_update(struct sim *sim, uint64_t off, const struct sim_tnode *left,
		    const struct sim_tnode *right);
/* A new IOAS: one gap, all of [0, ULONG_MAX]. */
void sim_gaps_init(struct sim *sim, uint64_t obj_off);
/* [start, last] became used (an area or reserved range was added over it). */
void sim_gaps_cover(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last);
/* An area [start, last] went away: all of it is free now. */
void sim_gaps_release(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last);
/* A reserved range [start, last] went away (already out of its tree): what no
 * other reserved range covers is free now. */
void sim_gaps_uncover(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last);
/* Free every gap record; the tree is stale from then on (IOAS destroy). */
void sim_gaps_destroy(struct sim *sim, uint64_t obj_off);
/* Rebuild a stale gap tree from the areas and reserved ranges: 0 or -ENOMEM. */
int sim_gaps_rebuild(struct sim *sim, uint64_t obj_off);
/* The IOVA the kernel would choose for 'length' bytes at source address
 * 'addr' (exactly sim_oracle_alloc_iova's answer): 0, -EOVERFLOW, -EINVAL,
 * -ENOSPC, or -EUCLEAN.  The tree must not be stale. */
int sim_gaps_alloc_iova(struct sim *sim, uint64_t obj_off, uint64_t addr, uint64_t length,
			uint64_t *iova);
/* Alignment of room class 'cls' (0 = byte) in a state with this page size. */
static inline uint64_t sim_gap_class_align(uint64_t page_size, unsigned int cls)
{
	return cls ? page_size << (cls - 1) : 1;
}
/* How many room classes a state's profile uses (at most SIM_GAP_CLASSES). */
unsigned int sim_gap_nr_classes(struct sim *sim);
/* last - ALIGN_UP(start, align), or 0 when the aligned start overflows or is past last. */
static inline uint64_t sim_gap_room(uint64_t start, uint64_t last, uint64_t align)
{
	uint64_t a = (start + align - 1) & ~(align - 1);

	return a < start || a > last ? 0 : last - a;
}

/* ---- uaccess.c: the caller's memory, fault-tolerant ----------------------------- */
int sim_uread(struct sim *sim, void *dst, uint64_t uaddr, size_t len);
int sim_uwrite(struct sim *sim, uint64_t uaddr, const void *src, size_t len);
/* 1 if [uaddr, uaddr+len) is all zero, 0 if not, -EFAULT on a fault. */
int sim_uzero(struct sim *sim, uint64_t uaddr, uint64_t len);

/* ---- objects.c: contexts and objects ------------------------------------------ */
const char *sim_obj_type_name(uint32_t type);
/* Look up 'id' of 'type' (SIM_OBJ_NONE: any) in our context; -ENOENT with a
 * detail that tells a missing ID from one of another type. */
int sim_get_obj(struct sim *sim, uint32_t id, uint32_t type, uint64_t *off);
int sim_obj_new(struct sim *sim, uint32_t type, uint64_t *off);
/* Publish an object made by sim_obj_new(). */
void sim_obj_finalize(struct sim *sim, uint64_t off);
/* Undo sim_obj_new() of an object that needs no destroy operation. */
void sim_obj_abort(struct sim *sim, uint64_t off);
/* Take an object out of its context's table and destroy it (its type's
 * destroy operation included), whatever its users count. */
void sim_obj_unpublish_destroy(struct sim *sim, uint64_t off);
int sim_obj_destroy(struct sim *sim, uint32_t id);
/* The object of context 'ctx_off' with the lowest ID >= id, or 0. */
uint64_t sim_obj_from(struct sim *sim, uint64_t ctx_off, uint64_t id);
int sim_ctx_release(struct sim *sim, uint64_t ctx_off);
void sim_ctx_empty(struct sim *sim, uint64_t ctx_off);
int sim_sweep_dead_owners(struct sim *sim);
uint64_t sim_ctx_new(struct sim *sim, uint32_t flags, pid_t pid, uint64_t start);
static inline struct sim_ctx *sim_my_ctx(struct sim *sim)
{
	return sim_rec(sim, sim->ctx_off, SIM_TAG_CTX);
}

/* ---- ioas.c: the io_pagetable -------------------------------------------------- */
struct sim_piece {
	uint64_t pages;			/* pages record */
	uint64_t start_byte;
	uint64_t length;
};
void sim_ioas_init(struct sim *sim, uint64_t obj_off);
void sim_ioas_destroy(struct sim *sim, uint64_t obj_off);
int sim_map_pieces(struct sim *sim, uint64_t obj_off, const struct sim_piece *pieces, size_t n,
		   uint64_t length, uint64_t *iova, uint32_t prot, bool alloc_iova);
int sim_unmap_range(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last,
		    uint64_t *unmapped);
int sim_disable_large_pages(struct sim *sim, uint64_t obj_off);
void sim_enable_large_pages(struct sim *sim, uint64_t obj_off);
int sim_cut_iova(struct sim *sim, uint64_t obj_off, const uint64_t *iovas, size_t n);
uint64_t sim_pages_new_user(struct sim *sim, uint64_t uptr, uint64_t length, bool writable);
void sim_pages_put(struct sim *sim, uint64_t pages_off);
uint64_t sim_pages_source_addr(struct sim *sim, uint64_t pages_off, uint64_t start_byte);
void sim_area_remove(struct sim *sim, uint64_t obj_off, uint64_t area_off);
int sim_check_alignment(struct sim *sim, uint64_t obj_off, uint64_t align);
/* The IOVA a kernel-chosen map of 'length' bytes at source 'addr' gets: from
 * the gap tree, or with 'oracle' from the first-fit oracle (for tests).
 * 0, -EOVERFLOW, -EINVAL, -ENOSPC (no message set), -ENOMEM, -EUCLEAN. */
int sim_ioas_pick_iova(struct sim *sim, uint64_t obj_off, uint64_t addr, uint64_t length,
		       bool oracle, uint64_t *iova);
/* The kernel's iopt_calculate_iova_alignment: PAGE_SIZE with huge pages off,
 * at least every domain's page size; -EADDRINUSE if it grows past an area. */
int sim_ioas_recalc_alignment(struct sim *sim, uint64_t obj_off);
/* The kernel's iopt_reserve_iova: -EADDRINUSE over an area or allowed range. */
int sim_reserve_iova(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last,
		     uint64_t owner);
/* Drop every reserved range of 'owner' (a HWPT record). */
void sim_remove_reserved(struct sim *sim, uint64_t obj_off, uint64_t owner);
/* A FILE source's memfd-ness and size as seen on the open file 'fd'. */
void sim_pages_note_file(struct sim *sim, uint64_t pages_off, int fd);

/* Call fn(arg, start, last) for each hole of the IOAS's reserved ranges over
 * [0, ULONG_MAX], in order: where mapping is legal (IOVA_RANGES, VFIO's IOVA
 * capability).  Returns 0, fn's first non-zero result, or -EUCLEAN. */
int sim_resv_holes(struct sim *sim, uint64_t ioas_off,
		   int (*fn)(void *arg, uint64_t start, uint64_t last), void *arg);

/* ---- mock.c: the selftest mock (IOMMU_TEST_CMD) -------------------------------- */
/* The destroy operation of SELFTEST, DEVICE and HWPT objects. */
void sim_mock_destroy_obj(struct sim *sim, uint64_t off);
/* The last IOVA of a MOCK_IOMMUPT_HUGE domain: its AMDv1-format table starts
 * at level 2 over 2 KiB pages, 11 + 3 * 9 = 38 bits. */
#define SIM_MOCK_HUGE_APERTURE_LAST	((1ull << 38) - 1)
/* A user paging HWPT (SIM_HWPT_* flags) on an IOAS, added to it as a domain;
 * not published: sim_obj_finalize() or sim_hwpt_abort(). */
int sim_hwpt_paging_alloc(struct sim *sim, uint64_t ioas_off, uint32_t flags, uint64_t *out);
/* A mock nested HWPT on nest parent 'parent_off', its IOTLB set to 'iotlb';
 * with 'viommu_off' (then the vIOMMU's parent) it holds the vIOMMU instead. */
int sim_hwpt_nested_alloc(struct sim *sim, uint64_t parent_off, uint64_t viommu_off,
			  uint32_t flags, uint32_t iotlb, uint64_t *out);
void sim_hwpt_abort(struct sim *sim, uint64_t off);
/* The HWPT a device is attached to at 'pasid' (IOMMU_NO_PASID: its own
 * attachment), 0 = none. */
uint64_t sim_dev_attached_at(struct sim *sim, uint64_t idev_off, uint32_t pasid);
/* iommufd_device_bind: a published DEVICE with its driver's reference, of
 * mock device 'stdev' or (stdev 0) of VFIO device 'vfio_fn' (1-based). */
int sim_dev_bind(struct sim *sim, uint64_t stdev, uint32_t dev_flags, uint32_t vfio_fn,
		 uint64_t *out);
/* VFIO's attach: attach the device (or its PASID), or replace where it is
 * attached; *pt is an IOAS or HWPT, the HWPT on return. */
int sim_dev_attach(struct sim *sim, uint64_t idev_off, uint32_t pasid, uint32_t *pt,
		   bool replace);
/* iommufd_device_detach: nothing attached there is no error. */
void sim_dev_detach(struct sim *sim, uint64_t idev_off, uint32_t pasid);
/* The driver lets go: every PASID detached, the device detached, unbound. */
void sim_dev_release(struct sim *sim, uint64_t idev_off);

/* ---- cdev.c: VFIO devices and their cdev fds ------------------------------------------ */
/* The node of VFIO device 'idx' of the state at 'state_path'. */
int sim_cdev_node_path(const char *state_path, unsigned int idx, char *buf, size_t len);
/* Make the nodes of a state being created at 'state_path' (replacing old
 * ones) and fill the table with the devices, the nodes' inodes and the MSI
 * isolation 'msi' (enum ifd_sim_msi) of a host with IOMMU 'iommu'. */
int sim_cdev_make_nodes(const char *state_path, uint32_t iommu, uint32_t msi,
			struct sim_vfio_tab *tab, char *detail, size_t dlen);
/* Unbind the VFIO devices whose binding fd is closed everywhere
 * (sim_sweep_dead_owners). */
void sim_cdev_sweep(struct sim *sim);
/* Context 'ctx_off' is being released: its VFIO devices are unbound. */
void sim_cdev_close_ctx(struct sim *sim, uint64_t ctx_off);

/* ---- viommu.c: vIOMMUs and vDEVICEs --------------------------------------------------- */
#define SIM_VIOMMU_TYPE_SELFTEST	0xdeadbeefu	/* the only type the mock has */
/* The destroy operation of VIOMMU and VDEVICE objects. */
void sim_viommu_destroy_obj(struct sim *sim, uint64_t off);
/* The device 'idev_off' goes: its vDEVICE is destroyed, its ID a tombstone. */
void sim_vdev_tombstone(struct sim *sim, uint64_t idev_off);
uint64_t sim_vdev_find(struct sim *sim, uint64_t viommu_off, uint64_t virt_id);
/* The mock driver's attach of a device to a nested HWPT of a vIOMMU: it needs
 * a vDEVICE there (-ENOENT); once attached the device remembers the vIOMMU. */
int sim_viommu_attach_check(struct sim *sim, uint64_t hwpt_off, uint64_t idev_off);
void sim_viommu_attached(struct sim *sim, uint64_t idev_off, uint64_t hwpt_off);
int sim_trigger_vevent(struct sim *sim, uint64_t idev_off);
/* Is area [first, last] of IOAS 'ioas_off' locked by a HW queue's pages? */
bool sim_area_locked(struct sim *sim, uint64_t ioas_off, uint64_t first, uint64_t last);
int sim_viommu_invalidate(struct sim *sim, uint64_t viommu_off, uint32_t type, uint64_t uptr,
			  uint32_t entry_len, uint32_t entry_num, uint32_t *done);

/* ---- eventq.c: fault queues and vEVENT queues, and their fds ------------------------ */
/* The destroy operation of FAULT and VEVENTQ objects. */
void sim_eventq_destroy_obj(struct sim *sim, uint64_t off);
/* The fds of the queues of context 'ctx_off' close (it is being released). */
void sim_eventq_close_ctx(struct sim *sim, uint64_t ctx_off);
/* Close the fds of queues whose owner process is gone (sim_sweep_dead_owners). */
void sim_eventq_sweep(struct sim *sim);
/* Bring the state and this process's queue fds together: what was read
 * from them, the responses written to them, which were closed; then push
 * what is queued.  Inside an operation. */
void sim_eventq_sync(struct sim *sim);
/* Forget the handle's fds (a forked child's copies, or the handle closing). */
void sim_eventq_forget(struct sim *sim);
/* The handle closes: the fds it serves are closed for the state. */
void sim_eventq_close_mine(struct sim *sim);
/* A page request of device 'idev_off' (IOMMU_TEST_OP_TRIGGER_IOPF). */
int sim_trigger_iopf(struct sim *sim, uint64_t idev_off, uint32_t pasid, uint32_t grpid,
		     uint32_t perm, uint64_t addr);
/* iommufd_viommu_report_event: -EOPNOTSUPP without a queue of the type. */
int sim_viommu_report(struct sim *sim, uint64_t viommu_off, uint32_t type, const void *data,
		      uint32_t len);
/* iommufd_auto_response_faults: device 'idev_off''s attachment at 'pasid'
 * leaves HWPT 'hwpt_off'. */
void sim_fault_auto_response(struct sim *sim, uint64_t hwpt_off, uint64_t idev_off,
			     uint32_t pasid);

/* ---- hwpt.c: user HWPTs, dirty tracking, invalidation ------------------------------ */
/* iommu_copy_struct_from_user(): type 'want', length min..size (EINVAL), then
 * the bytes (EFAULT); the rest of 'dst' (of 'size' bytes) zeroed. */
int sim_copy_user_data(struct sim *sim, void *dst, uint32_t size, uint32_t min, uint32_t type,
		       uint32_t want, uint64_t uptr, uint32_t len);
/* Free every dirty record of a paging HWPT. */
void sim_dirty_free_all(struct sim *sim, uint64_t hwpt_off);
/* [start, last] of IOAS 'ioas_off' was unmapped: its IOPTEs, dirty bits
 * with them, are gone from every domain. */
void sim_dirty_unmapped(struct sim *sim, uint64_t ioas_off, uint64_t start, uint64_t last);
/* The largest smallest-page-size of the domains added to an IOAS, 0 if none. */
uint64_t sim_ioas_domain_pgsize(struct sim *sim, uint64_t obj_off);

/* ---- platform.c: the emulated IOMMU ------------------------------------------------- */
/* The platform of IOMMU 'iommu' (enum sim_iommu) with this aperture width
 * (0: its default); -EINVAL if it takes no such width. */
int sim_platform_build(uint32_t iommu, uint32_t aperture_bits, struct sim_platform *p);
const struct sim_platform *sim_platform(struct sim *sim);
const char *sim_resv_type_name(uint32_t type);
/* Does iommufd reserve regions of this type in the IOAS? */
bool sim_resv_enforced(const struct sim_plat_resv *r);
/* A new domain's smallest IO page size and aperture. */
void sim_platform_domain(struct sim *sim, uint64_t *pgsize, uint64_t *aperture_start,
			 uint64_t *aperture_last);
/* The kernel's iopt_table_enforce_dev_resv_regions for a device attaching to
 * the IOAS (owner: the DEVICE record): 0, -EADDRINUSE (none stays), ... */
int sim_dev_reserve(struct sim *sim, uint64_t ioas_off, uint64_t idev_off);
/* ... and iopt_remove_reserved_iova when it leaves. */
void sim_dev_unreserve(struct sim *sim, uint64_t ioas_off, uint64_t idev_off);
/* GET_HW_INFO's out_capabilities of a mock device with these SIM_MOCK_DEV_*
 * flags, and whether it can track dirty pages. */
uint64_t sim_dev_hw_caps(struct sim *sim, uint32_t dev_flags);
bool sim_dev_dirty_capable(struct sim *sim, uint32_t dev_flags);
/* How many PASIDs a mock device with these flags has: 1 (IOMMU_NO_PASID
 * only) without MOCK_FLAGS_DEVICE_PASID. */
uint64_t sim_dev_nr_pasids(struct sim *sim, uint32_t dev_flags);

/* ---- pin.c: what pinning a source would find in the process's memory ------------- */
struct sim_vm_cache;
struct sim_vm_cache *sim_vm_cache_new(void);
void sim_vm_cache_free(struct sim_vm_cache *vc);
/* Could the kernel pin the pages of area 'area_off' (of IOAS 'obj_off') now?
 * Indices another area of the same source holds pinned in a domain are taken
 * as they are.  0, -EFAULT (user memory), -EINVAL (file not pinnable). */
int sim_pin_area(struct sim *sim, struct sim_vm_cache *vc, uint64_t area_off);
int sim_md_check_map(struct sim *sim, uint64_t hwpt_off, uint64_t iova, uint64_t length,
		     uint64_t uptr);
int sim_md_check_refs(struct sim *sim, uint64_t uptr, uint64_t length, uint32_t refs);
/* The live sim-memory extent holding [va, va+len-1], or 0. */
uint64_t sim_mem_find(struct sim *sim, uint64_t va, uint64_t len);

/* ---- ioas_cmds.c ---------------------------------------------------------------- */
bool sim_fd_is_dmabuf(int fd);

/* ---- ioctl.c / vfio.c --------------------------------------------------------- */
int sim_vfio_ioctl(struct sim *sim, unsigned long cmd, unsigned long arg);
int sim_capable(struct sim *sim, int cap);
uint64_t sim_read_caps(void);

/* ---- check.c -------------------------------------------------------------------- */
int sim_check_locked(struct sim *sim, char *report, size_t len);

#define SIM_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SIM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SIM_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
