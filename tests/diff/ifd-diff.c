// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * ifd-diff: differential testing of the simulator against the kernel.
 *
 * Generates random sequences of iommufd ioctls (good and bad arguments,
 * bad struct sizes), replays each on two contexts in this one process on the
 * same buffers, and compares every return value, errno and output field.  A
 * mismatch is shrunk to a minimal sequence and printed in the replay format.
 *
 *   ifd-diff [--seed N] [--sequences N] [--length N]
 *            [--mock [--viommu [--hw-queue]] [--pasid] [--queues] | --vfio]
 *            [--against sim|kernel]
 *            [--quiet] [--stats] [--trace]
 *
 * --stats counts the ops of each kind run and succeeded (on the reference);
 * --trace prints every op of every sequence with the reference's result.
 *
 * The reference is /dev/iommu (in the VM lab); '--against sim' uses a second
 * simulator context instead, which checks the tool itself anywhere.
 *
 * With --mock the sequences also drive the kernel's selftest mock
 * (IOMMU_TEST_CMD): mock devices attached to IOASes and HWPTs, replaced and
 * destroyed, user HWPTs (IOMMU_HWPT_ALLOC: paging with the mock's flags and
 * page table types, nested with its data) that devices are then replaced
 * onto and that get destroyed, MD_CHECK_MAP/MD_CHECK_REFS on the shared
 * buffer, GET_HW_INFO,
 * and the other test operations with arguments that cannot create what the
 * simulator does not simulate (accesses, dma-bufs) nor slow the kernel down
 * (the temporary memory limit is only ever set to its default).
 *
 * --viommu adds vIOMMUs (IOMMU_VIOMMU_ALLOC of the selftest type, with and
 * without its data, on nest parents and not) and vDEVICEs
 * (IOMMU_VDEVICE_ALLOC), which HWPT_ALLOC may then nest on and DESTROY
 * takes down.  It is a flag of its own so that the sequences of a seed
 * without it stay what they were (tests/diff/regress.txt).
 *
 * --hw-queue (with --viommu), a flag of its own for the same reason, adds
 * HW queues of the selftest vIOMMU (IOMMU_HW_QUEUE_ALLOC): their index,
 * type and flags right and wrong, over mapped and unmapped guest ranges,
 * which pin what they cover; DESTROY takes them down.  A queue stays within
 * one CPU page: whether more pages are physically contiguous (else EFAULT)
 * is what the simulator cannot know.  A queue's internal access holds the
 * ID after the queue's (DESTROY of it is EBUSY), so later IDs count past it.
 *
 * --pasid, a flag of its own for the same reason, adds mock devices with
 * PASIDs, PASID-compatible HWPTs (paging, nest parents, nested), devices
 * moved onto them, and PASID attach, replace, detach and check at PASIDs
 * the mock takes and does not (1024 included, where its driver fails every
 * second change).
 *
 * --queues, a flag of its own for the same reason, adds fault queues
 * (IOMMU_FAULT_QUEUE_ALLOC), HWPTs that report to one (FAULT_ID_VALID,
 * paging and, with --viommu, nested), mock devices moved onto them, faults
 * raised (TRIGGER_IOPF), read from the queue's fd and answered by write()
 * (the cookie of a fault read, a stale or unknown one, a bad code), and with
 * --viommu vEVENT queues (IOMMU_VEVENTQ_ALLOC: depth, type, one per type and
 * vIOMMU) that TRIGGER_VEVENT fills past their depth, read with their
 * lost-events headers and sequence numbers.  The fds are closed and the
 * queues destroyed in any order.  The queue fds are the process's own on
 * each backend, so an op names a queue by its object ID and each side keeps
 * its fd (struct qside).  What differs by design and is left out of the
 * comparison (lib/sim/eventq.c says why each is so):
 *  - the fd numbers, and the cookies: the simulator picks a fault's cookie
 *    when the fault is queued, the kernel when it is read.  A response names
 *    "the k-th fault read" and each side writes the cookie it read for it;
 *    one it has since seen handed out again is stale there, and that side
 *    writes a cookie never handed out instead, so both expect EINVAL;
 *  - an empty queue: the kernel's read() returns 0, the simulator's socket
 *    EAGAIN (taken as 0);
 *  - reads and writes only of what the kernel's fd takes whole: fault reads
 *    of whole records, vEVENT reads of the whole queue, one response per
 *    write (a socket cannot refuse a short write as the kernel does, with
 *    ESPIPE, nor tell which of several records it refused);
 *  - a lost-events header's sequence: the simulator's holds that of the
 *    first overflow since the last read, the kernel's that of the latest
 *    (the events after it carry the same numbers on both);
 *  - a fault the kernel answers by itself when its device leaves the HWPT
 *    stays readable on the simulator once its bytes are in the socket: so
 *    before an op that can detach a device (replace, destroy, PASID detach
 *    and replace), every fault fd is read dry on both sides and what that
 *    read is compared as part of the op (out[1], out[2]).
 *
 * --vfio (not with --mock: the kernel's mock devices sit on another IOMMU
 * than the VM lab's edu device) drives a VFIO device's cdev instead: the
 * kernel's /dev/vfio/devices/vfio0 (the edu device behind intel-iommu; the
 * run is skipped, exit 77, without it), and VFIO device 0 of a simulator
 * made with the intel-vtd profile (lib/sim/cdev.c).  Its ops open and close
 * fds of the cdev (two slots; each side its own fds, like the queue fds),
 * and through them VFIO_DEVICE_BIND_IOMMUFD (the context's iommufd, none, a
 * closed fd, another file; the token flag, unknown flags; argsz short and
 * long, its tail zero or not; a second bind through the same or the other
 * fd), ATTACH_IOMMUFD_PT (IOASes, HWPTs made by IOMMU_HWPT_ALLOC for the
 * bound device, the device's own ID, any ID; the PASID flag, unknown flags,
 * short argsz) and DETACH_IOMMUFD_PT, among the IOAS ops, so that the MSI
 * window and the aperture an attachment brings (EADDRINUSE, the IOVA
 * ranges) are compared too.  What differs by design and is left out:
 *  - the fd numbers: an op names a slot, and an op on a slot that is not
 *    open (or an open of one that is) is answered by ifd-diff alike on both;
 *  - when a closed fd's binding ends: the kernel unbinds at the close, the
 *    simulator at its next operation (of any kind), so a close itself
 *    reports nothing but 0 and the state it leaves is compared from the op
 *    after it on.
 *
 * The kernel's mock device WARNs when it goes with PASIDs still attached
 * (and the lab's kernels panic on a WARN): before a DESTROY of a mock device
 * and before a sequence's contexts close, every PASID the generator uses is
 * detached on both backends, as VFIO does before it unbinds a device.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libiommufd.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"

#define BUF_SIZE	(64ULL << 20)	/* the user memory both backends map */
#define FILE_SIZE	(16ULL << 20)	/* the memfd MAP_FILE maps */
#define MAX_OPS		4096
#define MAX_RANGES	4
#define VFIO_SLOTS	2	/* --vfio: open fds of the one cdev, at once */
#define KERNEL_VFIO_NODE	"/dev/vfio/devices/vfio0"	/* the VM lab's edu device */
#define CLOSED_FD	999	/* an fd number never open in this process */

enum op_kind {
	OP_IOAS_ALLOC, OP_DESTROY, OP_MAP, OP_MAP_FILE, OP_UNMAP, OP_COPY, OP_ALLOW,
	OP_RANGES, OP_OPTION, OP_VFIO_IOAS, OP_MOCK_DOMAIN, OP_ADD_RESERVED, OP_MOCK_REPLACE,
	OP_CHECK_MAP, OP_CHECK_REFS, OP_HW_INFO, OP_TEST_MISC, OP_HWPT_ALLOC, OP_VIOMMU_ALLOC,
	OP_VDEVICE_ALLOC, OP_HW_QUEUE_ALLOC, OP_FAULT_ALLOC, OP_VEVENTQ_ALLOC, OP_QUEUE_READ,
	OP_QUEUE_WRITE, OP_QUEUE_CLOSE, OP_CDEV_OPEN, OP_CDEV_CLOSE, OP_VFIO_BIND,
	OP_VFIO_ATTACH, OP_VFIO_DETACH, OP_NR_KINDS,
};

static const char *const op_names[OP_NR_KINDS] = {
	"ioas_alloc", "destroy", "map", "map_file", "unmap", "copy", "allow",
	"ranges", "option", "vfio_ioas", "mock_domain", "add_reserved", "mock_replace",
	"check_map", "check_refs", "hw_info", "test_op", "hwpt_alloc", "viommu_alloc",
	"vdevice_alloc", "hw_queue_alloc", "fault_alloc", "veventq_alloc", "queue_read",
	"queue_write", "queue_close", "cdev_open", "cdev_close", "vfio_bind", "vfio_attach",
	"vfio_detach",
};

/* One concrete operation: everything needed to issue it again exactly. */
struct op {
	enum op_kind kind;
	uint32_t size;		/* struct size to send; 0 = the full struct */
	uint8_t tail;		/* non-zero: a byte past the struct (E2BIG check) */
	uint32_t flags;
	uint32_t id1, id2;	/* ioas / dst / object ids */
	uint32_t opt_op;	/* option op, vfio_ioas op, test op, hw_info data type */
	uint64_t va_off;	/* offset into the buffer (map), file offset (map_file) */
	uint64_t length;
	uint64_t iova;		/* fixed iova, unmap iova, copy src iova, option value */
	uint32_t nr;		/* allow: ranges; ranges: capacity */
	struct iommu_iova_range r[MAX_RANGES];
};

/* What came back: compared between the backends. */
struct result {
	int ret;
	uint64_t out[3];
	uint32_t nr_ranges;
	struct iommu_iova_range ranges[8];
};

/* --queues: one backend's queue fds and the faults read from them. */
#define MAX_QUEUES	16
#define MAX_FAULT_READS	256
#define BOGUS_COOKIE	0x7ffffff0u	/* a cookie neither side hands out */
struct qside {
	struct { uint32_t id; int fd; bool fault; } q[MAX_QUEUES];
	unsigned int nr_q;
	struct { uint32_t qid, cookie; } reads[MAX_FAULT_READS];	/* in read order */
	unsigned int nr_reads;
	uint64_t drained_hash;		/* what queues_before() read for the next op */
	uint32_t drained;
};

struct env {
	unsigned char *buf;	/* BUF_SIZE bytes, 2 MiB aligned */
	int memfd;
	char state_path[256];
	bool mock;
	bool viommu;		/* --viommu */
	bool pasid;		/* --pasid */
	bool hw_queue;		/* --hw-queue */
	bool queues;		/* --queues */
	struct qside side[2];	/* [0] the reference, [1] the simulator under test */
	bool vfio;		/* --vfio */
	char ref_state_path[256];	/* the reference's state, when it is a simulator too */
	char node[2][4096];	/* --vfio: each side's cdev node of its VFIO device 0 */
	int cdev[2][VFIO_SLOTS];	/* ... and its open fds of it, -1 when closed */
};

static uint64_t rng_state;

/* --stats: per kind of op, how many ran and how many succeeded (reference side). */
static unsigned long stat_run[OP_NR_KINDS], stat_ok[OP_NR_KINDS];
/* ... and of the PASID test ops at a PASID other than IOMMU_NO_PASID */
static const char *const pasid_op_names[4] = {
	"pasid_attach", "pasid_replace", "pasid_detach", "pasid_check",
};
static unsigned long stat_pasid_run[4], stat_pasid_ok[4];
/* ... and of the records queue_read gave: [0] vEVENT queues, [1] fault queues */
static unsigned long stat_records[2];

/* Every PASID the generator picks that a mock device can take. */
static const uint32_t gen_pasids[] = { 1, 2, 100, 1024, 0xfffff };

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the printed seed on any libc */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[rnd() % n];
}
#define PICK(arr) pick(arr, sizeof(arr) / sizeof(arr[0]))

/* Side 0 is the reference, side 1 the simulator under test. */
static int open_backend(struct ifd_ctx **ctx, bool kernel, struct env *e, int side)
{
	struct ifd_error err;
	struct ifd_open_opts o = { .size = sizeof(o), .error = &err };
	/* each simulator its own state: a state's VFIO nodes lie next to it */
	const char *path = side ? e->state_path : e->ref_state_path;

	if (kernel) {
		o.backend = IFD_BACKEND_KERNEL;
	} else {
		/* a fresh state per replay: IDs and areas start from nothing */
		unlink(path);
		o.backend = IFD_BACKEND_SIM;
		o.sim_path = path;
		o.flags = IFD_OPEN_SIM_CREATE;
		/* --vfio: the IOMMU the VM lab's edu device sits behind */
		o.sim_profile = e->vfio ? "intel-vtd" : NULL;
	}
	int ret = ifd_ctx_open(ctx, &o);

	if (ret) {
		fprintf(stderr, "ifd-diff: cannot open the %s: %s\n", kernel ? "kernel" : "simulator",
			err.detail[0] ? err.detail : strerror(-ret));
		return ret;
	}
	if (!e->vfio)
		return 0;
	if (kernel) {
		snprintf(e->node[side], sizeof(e->node[side]), "%s", KERNEL_VFIO_NODE);
	} else {
		struct ifd_sim_vfio_dev *v = NULL;
		size_t n = 0;

		ret = ifd_sim_vfio_devices(*ctx, &v, &n);
		if (!ret && !n)
			ret = -ENODEV;
		if (ret) {
			fprintf(stderr, "ifd-diff: the simulator lists no VFIO device: %s\n",
				strerror(-ret));
			ifd_ctx_close(*ctx);
			*ctx = NULL;
			free(v);
			return ret;
		}
		snprintf(e->node[side], sizeof(e->node[side]), "%s", v[0].node);
		free(v);
	}
	return 0;
}

/* Both contexts of a sequence, or exit. */
static void open_both(struct env *e, bool ref_kernel, struct ifd_ctx **a, struct ifd_ctx **b)
{
	*a = *b = NULL;
	if (open_backend(a, ref_kernel, e, 0) || open_backend(b, false, e, 1)) {
		ifd_ctx_close(*a);
		exit(2);
	}
}

/* A state and, with --vfio, the VFIO device nodes the simulator made by it. */
static void remove_state(const char *path)
{
	static const char *const dirs[] = { ".dev/vfio/devices", ".dev/vfio", ".dev" };
	char p[512];

	unlink(path);
	for (unsigned int i = 0; i < 8; i++) {
		snprintf(p, sizeof(p), "%s.dev/vfio/devices/vfio%u", path, i);
		unlink(p);
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, dirs[i]);
		rmdir(p);
	}
}

/* ---- --queues: the fds of each side -------------------------------------------- */

static int qside_find(const struct qside *qs, uint32_t id)
{
	for (unsigned int i = 0; i < qs->nr_q; i++)
		if (qs->q[i].id == id)
			return (int)i;
	return -1;
}

static void qside_add(struct qside *qs, uint32_t id, int fd, bool fault)
{
	/* both sides run out of room at the same op, so both close it there */
	if (qs->nr_q == MAX_QUEUES) {
		close(fd);
		return;
	}
	qs->q[qs->nr_q].id = id;
	qs->q[qs->nr_q].fd = fd;
	qs->q[qs->nr_q++].fault = fault;
}

static void qside_reset(struct qside *qs)
{
	for (unsigned int i = 0; i < qs->nr_q; i++)
		close(qs->q[i].fd);
	memset(qs, 0, sizeof(*qs));
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * read() queue 'i' of 'qs' into a buffer of 'count' bytes: the bytes or
 * -errno, the records hashed with what differs by design cleared (a fault's
 * cookie, which is kept in qs->reads instead; a lost-events header's
 * sequence) into *hash, their number added to *nrec.
 */
static ssize_t queue_read(struct ifd_ctx *ctx, struct qside *qs, unsigned int i, size_t count,
			  uint64_t *hash, uint32_t *nrec)
{
	static unsigned char buf[4096];
	size_t rec, off = 0;
	ssize_t n;

	/* the simulator brings the fd up to date at its operations */
	ifd_queue_sync(ctx, qs->q[i].fd);
	n = read(qs->q[i].fd, buf, count < sizeof(buf) ? count : sizeof(buf));
	if (n < 0 && errno == EAGAIN && ifd_ctx_backend(ctx) == IFD_BACKEND_SIM)
		n = 0;		/* the kernel's read of an empty queue answers 0 */
	if (n < 0)
		return -errno;
	while (off < (size_t)n) {
		if (qs->q[i].fault && (size_t)n - off >= sizeof(struct ifd_hwpt_pgfault)) {
			struct ifd_hwpt_pgfault f;

			memcpy(&f, buf + off, sizeof(f));
			if (qs->nr_reads < MAX_FAULT_READS) {
				qs->reads[qs->nr_reads].qid = qs->q[i].id;
				qs->reads[qs->nr_reads++].cookie = f.cookie;
			}
			f.cookie = 0;
			*hash = fnv1a(*hash, &f, sizeof(f));
			rec = sizeof(f);
		} else if (!qs->q[i].fault && (size_t)n - off >= sizeof(struct ifd_vevent_header)) {
			struct ifd_vevent_header h;

			memcpy(&h, buf + off, sizeof(h));
			rec = sizeof(h);
			if (h.flags & IFD_VEVENTQ_FLAG_LOST_EVENTS)
				h.sequence = 0;
			else
				rec += sizeof(struct ifd_viommu_event_selftest);
			*hash = fnv1a(*hash, &h, sizeof(h));
			rec = rec < (size_t)n - off ? rec : (size_t)n - off;
			*hash = fnv1a(*hash, buf + off + sizeof(h), rec - sizeof(h));
		} else {
			/* a piece of a record: compared as it is */
			rec = (size_t)n - off;
			*hash = fnv1a(*hash, buf + off, rec);
		}
		off += rec;
		(*nrec)++;
	}
	return n;
}

/* An op that can detach a device from a HWPT, after which the kernel
 * answers the device's faults by itself. */
static bool may_detach(const struct op *op)
{
	return op->kind == OP_MOCK_REPLACE || op->kind == OP_DESTROY ||
	       (op->kind == OP_TEST_MISC && (op->opt_op == IFD_TEST_OP_PASID_REPLACE ||
					     op->opt_op == IFD_TEST_OP_PASID_DETACH));
}

/* Before 'op' on both sides (and before live_before() detaches PASIDs):
 * read every fault fd dry, for run_op() to report with the op. */
static void queues_before(struct env *e, const struct op *op, struct ifd_ctx *a,
			  struct ifd_ctx *b)
{
	struct ifd_ctx *ctx[2] = { a, b };

	if (!may_detach(op))
		return;
	for (int s = 0; s < 2; s++) {
		struct qside *qs = &e->side[s];

		for (unsigned int i = 0; i < qs->nr_q; i++) {
			if (!qs->q[i].fault)
				continue;
			while (queue_read(ctx[s], qs, i, 10 * sizeof(struct ifd_hwpt_pgfault),
					  &qs->drained_hash, &qs->drained) > 0)
				;
		}
	}
}

/* The cookie side 'qs' answers the k-th fault read with: its own, unless it
 * has since handed the same one out again (then it is stale there). */
static uint32_t response_cookie(const struct qside *qs, uint32_t k)
{
	if (k >= qs->nr_reads)
		return BOGUS_COOKIE;
	for (unsigned int j = k + 1; j < qs->nr_reads; j++)
		if (qs->reads[j].qid == qs->reads[k].qid && qs->reads[j].cookie == qs->reads[k].cookie)
			return BOGUS_COOKIE;
	return qs->reads[k].cookie;
}

/* QUEUE_READ, QUEUE_WRITE, QUEUE_CLOSE: the fd of queue id1 on this side. */
static void run_queue_io(struct ifd_ctx *ctx, const struct op *op, struct qside *qs,
			 struct result *res)
{
	int i = qside_find(qs, op->id1);
	uint64_t hash = 0xcbf29ce484222325ULL;

	/* a response to the k-th fault read goes to the queue it came from */
	if (op->kind == OP_QUEUE_WRITE && !op->flags && op->nr < qs->nr_reads)
		i = qside_find(qs, qs->reads[op->nr].qid);
	uint32_t nrec = 0;

	if (i < 0) {
		res->ret = -EBADF;	/* never had, or closed: the same on both sides */
		return;
	}
	switch (op->kind) {
	case OP_QUEUE_READ:
		/* nr faults' worth of a fault queue (the kernel's takes whole
		 * records only), all of a vEVENT queue */
		res->ret = (int)queue_read(ctx, qs, (unsigned int)i,
					   qs->q[i].fault ? op->nr * sizeof(struct ifd_hwpt_pgfault) :
							    4096, &hash, &nrec);
		res->out[0] = hash;
		res->out[1] = nrec;
		break;
	case OP_QUEUE_WRITE: {
		/* flags 1: a cookie never handed out; opt_op: the code */
		struct ifd_hwpt_page_response r = {
			.cookie = op->flags ? BOGUS_COOKIE : response_cookie(qs, op->nr),
			.code = op->opt_op,
		};
		ssize_t n = write(qs->q[i].fd, &r, sizeof(r));
		int verdict;

		res->ret = n < 0 ? -errno : (int)n;
		/* the simulator's verdict on what was written (the kernel's is n) */
		verdict = ifd_queue_sync(ctx, qs->q[i].fd);
		if (verdict < 0 && res->ret >= 0)
			res->ret = verdict;
		break;
	}
	default:
		close(qs->q[i].fd);
		qs->q[i] = qs->q[--qs->nr_q];
		res->ret = 0;
		break;
	}
}

/*
 * --vfio: CDEV_OPEN and CDEV_CLOSE of fd slot id1 of this side's cdev, and the
 * device commands through it.  A slot that is not open (or open already, for
 * CDEV_OPEN) is answered here, the same on both sides, as the fd numbers
 * differ.  VFIO_BIND: opt_op picks the iommufd (0 the context's, 1 -1, 2 a
 * closed fd, 3 the memfd, 4 the cdev fd itself), nr a readable token (else
 * an unreadable address); size is argsz (0: the whole struct) and a tail
 * makes argsz 32 with a non-zero byte past the struct.  ATTACH: id2 the
 * pt_id, nr the PASID; DETACH: nr the PASID.
 */
static void run_vfio(struct ifd_ctx *ctx, const struct op *op, struct env *e, int side,
		     struct result *res)
{
	int *fd = &e->cdev[side][op->id1 % VFIO_SLOTS];
	union {
		unsigned char raw[64];
		struct ifd_vfio_device_bind_iommufd bind;
		struct ifd_vfio_device_attach_iommufd_pt attach;
		struct ifd_vfio_device_detach_iommufd_pt detach;
	} u;
	static const uint8_t token[16] = { 0x11, 0x22 };
	unsigned long cmd;

	if (op->kind == OP_CDEV_OPEN) {
		if (*fd >= 0) {
			res->ret = -EBUSY;
			return;
		}
		*fd = open(e->node[side], O_RDWR | O_CLOEXEC);
		res->ret = *fd < 0 ? -errno : 0;
		return;
	}
	if (*fd < 0) {
		res->ret = -EBADF;
		return;
	}
	if (op->kind == OP_CDEV_CLOSE) {
		close(*fd);
		*fd = -1;
		res->ret = 0;
		return;
	}
	memset(&u, 0, sizeof(u));
	switch (op->kind) {
	case OP_VFIO_BIND: {
		const int fds[] = { ifd_ctx_fd(ctx), -1, CLOSED_FD, e->memfd, *fd };

		cmd = IFD_VFIO_DEVICE_BIND_IOMMUFD;
		u.bind.argsz = op->size ? op->size : (uint32_t)sizeof(u.bind);
		u.bind.flags = op->flags;
		u.bind.iommufd = fds[op->opt_op % (sizeof(fds) / sizeof(fds[0]))];
		u.bind.token_uuid_ptr = op->nr ? (uintptr_t)token : 8;
		if (op->tail) {
			u.bind.argsz = 32;
			u.raw[sizeof(u.bind)] = op->tail;
		}
		break;
	}
	case OP_VFIO_ATTACH:
		cmd = IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT;
		u.attach.argsz = op->size ? op->size : (uint32_t)sizeof(u.attach);
		u.attach.flags = op->flags;
		u.attach.pt_id = op->id2;
		u.attach.pasid = op->nr;
		break;
	default:
		cmd = IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT;
		u.detach.argsz = op->size ? op->size : (uint32_t)sizeof(u.detach);
		u.detach.flags = op->flags;
		u.detach.pasid = op->nr;
		break;
	}
	res->ret = ifd_device_ioctl(ctx, *fd, cmd, &u);
	if (res->ret == 0 && op->kind == OP_VFIO_BIND)
		res->out[0] = u.bind.out_devid;
	else if (res->ret == 0 && op->kind == OP_VFIO_ATTACH)
		res->out[0] = u.attach.pt_id;
}

/* Issue one op; fill 'res'.  The struct is built in a zeroed buffer larger
 * than any command, so short and long sizes are both representable. */
static void run_op(struct ifd_ctx *ctx, const struct op *op, struct env *e, struct qside *qs,
		   struct result *res)
{
	union {
		unsigned char raw[256];
		struct iommu_destroy destroy;
		struct iommu_ioas_alloc alloc;
		struct iommu_ioas_map map;
		struct iommu_ioas_map_file map_file;
		struct iommu_ioas_unmap unmap;
		struct iommu_ioas_copy copy;
		struct iommu_ioas_allow_iovas allow;
		struct iommu_ioas_iova_ranges ranges;
		struct iommu_option option;
		struct iommu_vfio_ioas vfio;
		struct ifd_test_cmd test;
		struct ifd_hw_info hw_info;
		struct ifd_hwpt_alloc hwpt;
		struct ifd_viommu_alloc viommu;
		struct ifd_vdevice_alloc vdevice;
		struct ifd_hw_queue_alloc hwq;
		struct ifd_fault_alloc fault;
		struct ifd_veventq_alloc veventq;
	} u;
	uint32_t hw_data[8];
	struct iommu_iova_range rbuf[8];
	unsigned long cmd = 0;
	unsigned int nr;

	memset(&u, 0, sizeof(u));
	memset(res, 0, sizeof(*res));
	memset(rbuf, 0xa5, sizeof(rbuf));
	if (op->kind == OP_QUEUE_READ || op->kind == OP_QUEUE_WRITE || op->kind == OP_QUEUE_CLOSE) {
		run_queue_io(ctx, op, qs, res);
		return;
	}
	if (op->kind >= OP_CDEV_OPEN && op->kind <= OP_VFIO_DETACH) {
		run_vfio(ctx, op, e, qs == &e->side[0] ? 0 : 1, res);
		return;
	}
	switch (op->kind) {
	case OP_IOAS_ALLOC:
		cmd = IOMMU_IOAS_ALLOC;
		u.alloc.flags = op->flags;
		break;
	case OP_DESTROY:
		cmd = IOMMU_DESTROY;
		u.destroy.id = op->id1;
		break;
	case OP_MAP:
		cmd = IOMMU_IOAS_MAP;
		u.map.flags = op->flags;
		u.map.ioas_id = op->id1;
		u.map.user_va = (uintptr_t)e->buf + op->va_off;
		u.map.length = op->length;
		u.map.iova = op->iova;
		break;
	case OP_MAP_FILE:
		cmd = IOMMU_IOAS_MAP_FILE;
		u.map_file.flags = op->flags;
		u.map_file.ioas_id = op->id1;
		u.map_file.fd = op->id2 ? (int)op->id2 : e->memfd;
		u.map_file.start = op->va_off;
		u.map_file.length = op->length;
		u.map_file.iova = op->iova;
		break;
	case OP_UNMAP:
		cmd = IOMMU_IOAS_UNMAP;
		u.unmap.ioas_id = op->id1;
		u.unmap.iova = op->iova;
		u.unmap.length = op->length;
		break;
	case OP_COPY:
		cmd = IOMMU_IOAS_COPY;
		u.copy.flags = op->flags;
		u.copy.dst_ioas_id = op->id1;
		u.copy.src_ioas_id = op->id2;
		u.copy.length = op->length;
		u.copy.src_iova = op->iova;
		u.copy.dst_iova = op->va_off;	/* fixed destination */
		break;
	case OP_ALLOW:
		cmd = IOMMU_IOAS_ALLOW_IOVAS;
		u.allow.ioas_id = op->id1;
		u.allow.num_iovas = op->nr;
		u.allow.allowed_iovas = (uintptr_t)op->r;
		break;
	case OP_RANGES:
		cmd = IOMMU_IOAS_IOVA_RANGES;
		u.ranges.ioas_id = op->id1;
		u.ranges.num_iovas = op->nr;
		u.ranges.allowed_iovas = op->nr ? (uintptr_t)rbuf : 0;
		break;
	case OP_OPTION:
		cmd = IOMMU_OPTION;
		u.option.option_id = op->flags;
		u.option.op = (uint16_t)op->opt_op;
		u.option.object_id = op->id1;
		u.option.val64 = op->iova;
		break;
	case OP_VFIO_IOAS:
		cmd = IOMMU_VFIO_IOAS;
		u.vfio.ioas_id = op->id1;
		u.vfio.op = (uint16_t)op->opt_op;
		break;
	case OP_MOCK_DOMAIN:
		cmd = IFD_TEST_CMD;
		u.test.op = op->opt_op ? IFD_TEST_OP_MOCK_DOMAIN_FLAGS : IFD_TEST_OP_MOCK_DOMAIN;
		u.test.id = op->id1;
		u.test.mock_domain.dev_flags = op->flags;
		break;
	case OP_MOCK_REPLACE:
		cmd = IFD_TEST_CMD;
		u.test.op = IFD_TEST_OP_MOCK_DOMAIN_REPLACE;
		u.test.id = op->id1;
		u.test.mock_domain_replace.pt_id = op->id2;
		break;
	case OP_CHECK_MAP:
		cmd = IFD_TEST_CMD;
		u.test.op = IFD_TEST_OP_MD_CHECK_MAP;
		u.test.id = op->id1;
		u.test.check_map.iova = op->iova;
		u.test.check_map.length = op->length;
		u.test.check_map.uptr = (uintptr_t)e->buf + op->va_off;
		break;
	case OP_CHECK_REFS:
		cmd = IFD_TEST_CMD;
		u.test.op = IFD_TEST_OP_MD_CHECK_REFS;
		u.test.check_refs.uptr = (uintptr_t)e->buf + op->va_off;
		u.test.check_refs.length = op->length;
		u.test.check_refs.refs = op->nr;
		break;
	case OP_HW_INFO:
		cmd = IOMMU_GET_HW_INFO;
		memset(hw_data, 0xa5, sizeof(hw_data));
		u.hw_info.flags = op->flags;
		u.hw_info.dev_id = op->id1;
		u.hw_info.data_len = op->nr;
		u.hw_info.data_uptr = op->nr ? (uintptr_t)hw_data : 0;
		u.hw_info.in_data_type = op->opt_op;
		break;
	case OP_TEST_MISC: {
		/* The union as 32- and 64-bit words; each op reads what it reads. */
		uint32_t w32[2] = { op->id2, op->flags };
		uint64_t w64[4] = { op->iova, op->length, op->va_off,
				    op->nr ? (uintptr_t)e->buf : 0 };

		cmd = IFD_TEST_CMD;
		u.test.op = op->opt_op;
		u.test.id = op->id1;
		memcpy(u.test.raw, w32, sizeof(w32));
		memcpy(u.test.raw + 8, w64, sizeof(w64));
		break;
	}
	case OP_HWPT_ALLOC:
		/* opt_op: 1 = the mock's data, 'nr' bytes of {iotlb = va_off,
		 * pagetable_type = iova} */
		cmd = IOMMU_HWPT_ALLOC;
		u.hwpt.flags = op->flags;
		u.hwpt.dev_id = op->id1;
		u.hwpt.pt_id = op->id2;
		u.hwpt.fault_id = op->length ? (uint32_t)op->length : 99;	/* --queues */
		hw_data[0] = (uint32_t)op->va_off;
		hw_data[1] = (uint32_t)op->iova;
		if (op->opt_op) {
			u.hwpt.data_type = IFD_HWPT_DATA_SELFTEST;
			u.hwpt.data_len = op->nr;
			u.hwpt.data_uptr = (uintptr_t)hw_data;
		}
		break;
	case OP_VIOMMU_ALLOC:
		/* nr: bytes of the selftest data {in_data = va_off, out_*} */
		cmd = IOMMU_VIOMMU_ALLOC;
		u.viommu.flags = op->flags;
		u.viommu.type = op->opt_op;
		u.viommu.dev_id = op->id1;
		u.viommu.hwpt_id = op->id2;
		memset(hw_data, 0, sizeof(hw_data));
		hw_data[0] = (uint32_t)op->va_off;
		if (op->nr) {
			u.viommu.data_len = op->nr;
			u.viommu.data_uptr = (uintptr_t)hw_data;
		}
		break;
	case OP_VDEVICE_ALLOC:
		cmd = IOMMU_VDEVICE_ALLOC;
		u.vdevice.viommu_id = op->id1;
		u.vdevice.dev_id = op->id2;
		u.vdevice.virt_id = op->iova;
		break;
	case OP_HW_QUEUE_ALLOC:
		cmd = IOMMU_HW_QUEUE_ALLOC;
		u.hwq.flags = op->flags;
		u.hwq.viommu_id = op->id1;
		u.hwq.type = op->opt_op;
		u.hwq.index = op->nr;
		u.hwq.nesting_parent_iova = op->iova;
		u.hwq.length = op->length;
		break;
	case OP_FAULT_ALLOC:
		cmd = IOMMU_FAULT_QUEUE_ALLOC;
		u.fault.flags = op->flags;
		break;
	case OP_VEVENTQ_ALLOC:
		cmd = IOMMU_VEVENTQ_ALLOC;
		u.veventq.flags = op->flags;
		u.veventq.viommu_id = op->id1;
		u.veventq.type = op->opt_op;
		u.veventq.veventq_depth = op->nr;
		break;
	case OP_ADD_RESERVED:
		cmd = IFD_TEST_CMD;
		u.test.op = IFD_TEST_OP_ADD_RESERVED;
		u.test.id = op->id1;
		u.test.add_reserved.start = op->iova;
		u.test.add_reserved.length = op->length;
		break;
	case OP_QUEUE_READ:
	case OP_QUEUE_WRITE:
	case OP_QUEUE_CLOSE:
	case OP_CDEV_OPEN:
	case OP_CDEV_CLOSE:
	case OP_VFIO_BIND:
	case OP_VFIO_ATTACH:
	case OP_VFIO_DETACH:
	case OP_NR_KINDS:
		break;
	}
	nr = _IOC_NR(cmd);
	uint32_t size = op->size ? op->size : ifd_struct_size(nr);

	if (op->tail)
		u.raw[size++] = op->tail;	/* a non-zero byte the kernel does not know */
	memcpy(u.raw, &size, sizeof(size));
	res->ret = ifd_ioctl(ctx, cmd, &u);

	/* outputs, only where the call defines them */
	if (res->ret == 0 || (op->kind == OP_RANGES && res->ret == -EMSGSIZE)) {
		switch (op->kind) {
		case OP_IOAS_ALLOC: res->out[0] = u.alloc.out_ioas_id; break;
		case OP_MAP: res->out[0] = u.map.iova; break;
		case OP_MAP_FILE: res->out[0] = u.map_file.iova; break;
		case OP_UNMAP: res->out[0] = u.unmap.length; break;
		case OP_COPY: res->out[0] = u.copy.dst_iova; break;
		case OP_RANGES:
			res->out[0] = u.ranges.num_iovas;
			res->out[1] = u.ranges.out_iova_alignment;
			res->nr_ranges = op->nr < 8 ? op->nr : 8;
			memcpy(res->ranges, rbuf, sizeof(rbuf));	/* untouched entries too */
			break;
		case OP_OPTION: res->out[0] = u.option.val64; break;
		case OP_VFIO_IOAS: res->out[0] = u.vfio.ioas_id; break;
		case OP_MOCK_DOMAIN:
			res->out[0] = u.test.mock_domain.out_stdev_id;
			res->out[1] = u.test.mock_domain.out_hwpt_id;
			res->out[2] = u.test.mock_domain.out_idev_id;
			break;
		case OP_MOCK_REPLACE: res->out[0] = u.test.mock_domain_replace.pt_id; break;
		case OP_HWPT_ALLOC: res->out[0] = u.hwpt.out_hwpt_id; break;
		case OP_VIOMMU_ALLOC:
			/* the ID, then out_data and the mmap cookie and length */
			res->out[0] = u.viommu.out_viommu_id | (uint64_t)hw_data[1] << 32;
			res->out[1] = hw_data[2] | (uint64_t)hw_data[3] << 32;
			res->out[2] = hw_data[4] | (uint64_t)hw_data[5] << 32;
			break;
		case OP_VDEVICE_ALLOC: res->out[0] = u.vdevice.out_vdevice_id; break;
		case OP_HW_QUEUE_ALLOC: res->out[0] = u.hwq.out_hw_queue_id; break;
		case OP_FAULT_ALLOC:
			/* the ID; of the fd only that there is one (numbers differ) */
			res->out[0] = u.fault.out_fault_id;
			res->out[1] = (int)u.fault.out_fault_fd >= 0;
			qside_add(qs, u.fault.out_fault_id, (int)u.fault.out_fault_fd, true);
			break;
		case OP_VEVENTQ_ALLOC:
			res->out[0] = u.veventq.out_veventq_id;
			res->out[1] = (int)u.veventq.out_veventq_fd >= 0;
			qside_add(qs, u.veventq.out_veventq_id, (int)u.veventq.out_veventq_fd, false);
			break;
		case OP_TEST_MISC:
			/* PASID_ATTACH/REPLACE write pt_id back */
			memcpy(&res->out[0], u.test.raw, sizeof(res->out[0]));
			break;
		case OP_HW_INFO: {
			uint32_t fold = 0;

			for (unsigned int i = 0; i < 8; i++)
				fold = fold * 31 + hw_data[i];
			res->out[0] = u.hw_info.data_len | (uint64_t)fold << 32;
			res->out[1] = u.hw_info.out_data_type |
				      (uint64_t)u.hw_info.out_max_pasid_log2 << 32;
			res->out[2] = u.hw_info.out_capabilities;
			break;
		}
		default: break;
		}
	}
	/* what queues_before() read dry for this op */
	if (qs->drained) {
		res->out[1] ^= qs->drained_hash;
		res->out[2] += qs->drained;
		qs->drained = 0;
		qs->drained_hash = 0;
	}
}

static bool result_eq(const struct result *a, const struct result *b)
{
	if (a->ret != b->ret || memcmp(a->out, b->out, sizeof(a->out)))
		return false;
	return a->nr_ranges == b->nr_ranges &&
	       !memcmp(a->ranges, b->ranges, sizeof(a->ranges[0]) * a->nr_ranges);
}

static void print_op(FILE *f, const struct op *op)
{
	fprintf(f, "%s size=%u tail=%u flags=0x%x id1=%u id2=%u opt=%u va_off=0x%" PRIx64
		" length=0x%" PRIx64 " iova=0x%" PRIx64 " nr=%u", op_names[op->kind], op->size,
		op->tail, op->flags, op->id1, op->id2, op->opt_op, op->va_off, op->length,
		op->iova, op->nr);
	for (unsigned int i = 0; op->kind == OP_ALLOW && i < op->nr && i < MAX_RANGES; i++)
		fprintf(f, " r=0x%llx-0x%llx", (unsigned long long)op->r[i].start,
			(unsigned long long)op->r[i].last);
}

static void print_result(FILE *f, const struct result *r)
{
	const char *en = r->ret < 0 ? ifd_errno_name(-r->ret) : NULL;

	if (r->ret < 0)
		fprintf(f, "ret=%s", en ? en : "?");
	else
		fprintf(f, "ret=%d", r->ret);
	fprintf(f, " out=0x%" PRIx64 ",0x%" PRIx64 ",0x%" PRIx64, r->out[0], r->out[1],
		r->out[2]);
	for (uint32_t i = 0; i < r->nr_ranges; i++)
		fprintf(f, " rr=0x%llx-0x%llx", (unsigned long long)r->ranges[i].start,
			(unsigned long long)r->ranges[i].last);
}

/* ---- generation ----------------------------------------------------------- */

struct gen_state {
	uint32_t ids[16];		/* ids seen: ioas, mock objects */
	unsigned int nr_ids;
	uint32_t stdevs[8];		/* selftest objects, destroyed more often */
	unsigned int nr_stdevs;
	uint32_t idevs[8];		/* their devices */
	unsigned int nr_idevs;
	struct { uint32_t id, ioas; } hwpts[8];	/* HWPTs seen and the IOAS they were for */
	unsigned int nr_hwpts;
	struct { uint32_t ioas; uint64_t iova, length, va_off; bool user; } areas[64];
	unsigned int nr_areas;
	uint32_t parents[8];		/* nest parents made (--viommu) */
	unsigned int nr_parents;
	uint32_t viommus[8];		/* vIOMMUs made */
	uint32_t viommu_parents[8];	/* ... the HWPT each sits on */
	unsigned int nr_viommus;
	uint32_t pstdevs[8];		/* mock devices with PASIDs (--pasid) */
	unsigned int nr_pstdevs;
	uint32_t pidevs[8];		/* ... their devices */
	unsigned int nr_pidevs;
	uint32_t phwpts[8];		/* PASID-compatible HWPTs made */
	unsigned int nr_phwpts;
	uint32_t ioases[8];		/* IOASes made (--pasid) */
	unsigned int nr_ioases;
	struct { uint32_t stdev, pasid; } attached[8];	/* PASID attaches that succeeded */
	unsigned int nr_attached;
	bool hw_queue;			/* --hw-queue: draw HW queue allocations */
	bool queues;			/* --queues */
	uint32_t faults[8];		/* fault queues made */
	unsigned int nr_faults;
	uint32_t fhwpts[8];		/* HWPTs that report to one */
	unsigned int nr_fhwpts;
	struct { uint32_t id; bool fault; } queues_made[16];	/* fault and vEVENT queues */
	unsigned int nr_queues;
	unsigned int nr_fault_reads;	/* fault records read (qside.reads) */
	uint32_t videvs[8];		/* devices given a vDEVICE */
	uint32_t videv_viommus[8];	/* ... and its vIOMMU */
	unsigned int nr_videvs;
	unsigned int nr_vqs;		/* vEVENT queues of the selftest type made */
	struct { uint32_t id, idev; } vnested[8];	/* nested HWPTs made for a vDEVICE's device */
	unsigned int nr_vnested;
	unsigned int nr_vattached;	/* devices moved onto one */
	uint32_t fidevs[8];		/* devices put on a HWPT with a fault queue */
	unsigned int nr_fidevs;
	bool vfio;			/* --vfio */
	bool cdev_open[VFIO_SLOTS];	/* the cdev fd slots open */
	bool bound;			/* the device bound ... */
	uint32_t bound_slot;		/* ... through this slot ... */
	uint32_t vdev_id;		/* ... as this DEVICE */
	bool vattached;			/* ... and attached (no PASID) */
};


static uint32_t gen_id(struct gen_state *g)
{
	uint64_t r = rnd() % 16;

	if (r == 0)
		return 0;
	if (r == 1)
		return (uint32_t)(rnd() % 40);
	if (!g->nr_ids)
		return 1;
	return g->ids[rnd() % g->nr_ids];
}

/* A selftest object ID (a made one most of the time), or any ID. */
static uint32_t gen_stdev(struct gen_state *g)
{
	if (g->nr_stdevs && rnd() % 4)
		return g->stdevs[rnd() % g->nr_stdevs];
	return gen_id(g);
}

static uint64_t gen_length(void)
{
	static const uint64_t lens[] = {
		0, 1, 2, 0x7ff, 0x800, 0xfff, 0x1000, 0x1001, 0x2000, 0x3000, 0x10000,
		0x1ff000, 0x200000, 0x201000, 0x400000, 0x1000000, UINT64_MAX, 1ULL << 63,
		UINT64_MAX / 2,
	};
	if (rnd() % 4 == 0)
		return ((rnd() % 64) + 1) * 0x1000;
	return PICK(lens);
}

static uint64_t gen_iova(void)
{
	static const uint64_t iovas[] = {
		0, 0x1000, 0x800, 0x100000, 0x200000, 0x201000, 0x1000000, 0x7fffffff,
		0x80000000, 0xfee00000, UINT64_MAX - 0xfff, UINT64_MAX, 1ULL << 48,
	};
	if (rnd() % 3 == 0)
		return (rnd() % 0x4000) * 0x1000;
	return PICK(iovas);
}

static uint64_t gen_va_off(uint64_t length)
{
	static const uint64_t offs[] = { 0, 0x200000, 0x1000, 0x800, 1, 0x400000, 0x201000 };
	uint64_t off = rnd() % 2 ? PICK(offs) : (rnd() % 0x1000) * 0x1000;

	/* keep the mapped memory inside the buffer when it is meant to be real */
	if (length < BUF_SIZE && off + length > BUF_SIZE)
		off = 0;
	return off;
}

static uint32_t gen_map_flags(void)
{
	uint64_t r = rnd() % 20;

	if (r == 0)
		return 0;			/* neither R nor W: EINVAL */
	if (r == 1)
		return 1u << (3 + rnd() % 29);	/* unknown: EOPNOTSUPP */
	return (uint32_t)(IOMMU_IOAS_MAP_READABLE | (rnd() % 2 ? IOMMU_IOAS_MAP_WRITEABLE : 0));
}

static void gen_size(struct op *op, enum op_kind kind)
{
	/* mostly well-formed; sometimes too short, too long, or long with junk */
	uint64_t r = rnd() % 40;
	unsigned long cmd_nr;

	switch (kind) {
	case OP_IOAS_ALLOC: cmd_nr = IFD_NR_IOAS_ALLOC; break;
	case OP_DESTROY: cmd_nr = IFD_NR_DESTROY; break;
	case OP_MAP: cmd_nr = IFD_NR_IOAS_MAP; break;
	case OP_MAP_FILE: cmd_nr = IFD_NR_IOAS_MAP_FILE; break;
	case OP_UNMAP: cmd_nr = IFD_NR_IOAS_UNMAP; break;
	case OP_COPY: cmd_nr = IFD_NR_IOAS_COPY; break;
	case OP_ALLOW: cmd_nr = IFD_NR_IOAS_ALLOW_IOVAS; break;
	case OP_RANGES: cmd_nr = IFD_NR_IOAS_IOVA_RANGES; break;
	case OP_OPTION: cmd_nr = IFD_NR_OPTION; break;
	case OP_VFIO_IOAS: cmd_nr = IFD_NR_VFIO_IOAS; break;
	case OP_HW_INFO: cmd_nr = IFD_NR_GET_HW_INFO; break;
	case OP_HWPT_ALLOC: cmd_nr = IFD_NR_HWPT_ALLOC; break;
	case OP_VIOMMU_ALLOC: cmd_nr = IFD_NR_VIOMMU_ALLOC; break;
	case OP_VDEVICE_ALLOC: cmd_nr = IFD_NR_VDEVICE_ALLOC; break;
	case OP_HW_QUEUE_ALLOC: cmd_nr = IFD_NR_HW_QUEUE_ALLOC; break;
	case OP_FAULT_ALLOC: cmd_nr = IFD_NR_FAULT_QUEUE_ALLOC; break;
	case OP_VEVENTQ_ALLOC: cmd_nr = IFD_NR_VEVENTQ_ALLOC; break;
	case OP_MOCK_DOMAIN:
	case OP_MOCK_REPLACE:
	case OP_CHECK_MAP:
	case OP_CHECK_REFS:
	case OP_TEST_MISC: cmd_nr = IFD_NR_TEST_CMD; break;
	default: return;
	}
	if (r == 0)
		op->size = ifd_min_size((unsigned int)cmd_nr) - 1 - (uint32_t)(rnd() % 4);
	else if (r == 1)
		op->tail = (uint8_t)(1 + rnd() % 255);
	else if (r == 2)
		op->size = ifd_struct_size((unsigned int)cmd_nr) + 8;	/* zero tail: fine */
}

/* --pasid: what gen_op's specials 5..8 make of 'op' (its kind set). */
static void gen_pasid_op(struct gen_state *g, struct op *op, int special)
{
	static const uint64_t pasid_ops[] = {
		IFD_TEST_OP_PASID_ATTACH, IFD_TEST_OP_PASID_ATTACH, IFD_TEST_OP_PASID_ATTACH,
		IFD_TEST_OP_PASID_REPLACE, IFD_TEST_OP_PASID_REPLACE, IFD_TEST_OP_PASID_DETACH,
		IFD_TEST_OP_PASID_CHECK_HWPT,
	};
	uint32_t phwpt = g->nr_phwpts && rnd() % 5 ? g->phwpts[rnd() % g->nr_phwpts] : gen_id(g);
	uint32_t pstdev = g->nr_pstdevs && rnd() % 5 ? g->pstdevs[rnd() % g->nr_pstdevs] :
			  gen_stdev(g);

	switch (special) {
	case 5:
		if (g->nr_ioases && rnd() % 4)
			op->id1 = g->ioases[rnd() % g->nr_ioases];
		op->opt_op = 1;		/* MOCK_DOMAIN_FLAGS: PASID (| NO_DIRTY) */
		op->flags = (uint32_t)PICK(((uint64_t[]){ 4, 4, 5 }));
		if (g->nr_phwpts && rnd() % 2)
			op->id1 = phwpt;
		break;
	case 6:
		/* PASID, | NEST_PARENT, | DIRTY_TRACKING, | FAULT_ID_VALID (no
		 * queue), or nested on a nest parent */
		op->flags = (uint32_t)PICK(((uint64_t[]){ 8, 8, 8, 9, 10, 12 }));
		if (g->nr_pidevs && rnd() % 4)
			op->id1 = g->pidevs[rnd() % g->nr_pidevs];
		else if (g->nr_idevs && rnd() % 4)
			op->id1 = g->idevs[rnd() % g->nr_idevs];
		if (g->nr_ioases && rnd() % 4)
			op->id2 = g->ioases[rnd() % g->nr_ioases];
		op->opt_op = 0;
		if (g->nr_parents && rnd() % 3 == 0) {
			op->flags = 8;
			op->id2 = g->parents[rnd() % g->nr_parents];
			op->opt_op = 1;
			op->nr = 8;
			op->va_off = IFD_TEST_IOTLB_DEFAULT;
			op->iova = 0;
		}
		break;
	case 7:
		op->opt_op = (uint32_t)PICK(pasid_ops);
		op->id1 = pstdev;
		op->id2 = rnd() % 8 ? gen_pasids[rnd() % (sizeof(gen_pasids) / sizeof(gen_pasids[0]))] :
				       (uint32_t)PICK(((uint64_t[]){ 0, 0x100000, 0xffffffff }));
		op->flags = rnd() % 6 ? phwpt : gen_id(g);
		if (op->opt_op != IFD_TEST_OP_PASID_ATTACH && g->nr_attached && rnd() % 4) {
			unsigned int k = (unsigned int)(rnd() % g->nr_attached);

			op->id1 = g->attached[k].stdev;
			op->id2 = g->attached[k].pasid;
		}
		if (op->opt_op == IFD_TEST_OP_PASID_CHECK_HWPT && rnd() % 3 == 0)
			op->flags = 0;
		break;
	default:
		op->id1 = pstdev;
		op->id2 = rnd() % 4 ? phwpt : gen_id(g);
		break;
	}
}

/* A device, mostly one the sequence made (with PASIDs or not). */
static uint32_t gen_idev(struct gen_state *g)
{
	if (g->nr_pidevs && rnd() % 4 == 0)
		return g->pidevs[rnd() % g->nr_pidevs];
	return g->nr_idevs && rnd() % 8 ? g->idevs[rnd() % g->nr_idevs] : gen_id(g);
}

/* A queue of either kind (fault: only a fault queue), mostly one made. */
static uint32_t gen_queue(struct gen_state *g, bool fault)
{
	for (unsigned int i = 0, k = (unsigned int)rnd(); i < g->nr_queues && rnd() % 8; i++) {
		unsigned int j = (k + i) % g->nr_queues;

		if (!fault || g->queues_made[j].fault)
			return g->queues_made[j].id;
	}
	return gen_id(g);
}

/* --queues: what gen_op's queue specials 1..11 make of 'op' (its kind set). */
static void gen_queue_op(struct gen_state *g, struct op *op, int q)
{
	uint32_t fhwpt = g->nr_fhwpts && rnd() % 6 ? g->fhwpts[rnd() % g->nr_fhwpts] : gen_id(g);

	switch (q) {
	case 1:
		op->flags = rnd() % 12 == 0 ? 1 : 0;
		break;
	case 2:
		/* FAULT_ID_VALID on a paging HWPT (| PASID, | NEST_PARENT,
		 * | DIRTY_TRACKING), or one nested on a vIOMMU */
		op->flags = IFD_HWPT_FAULT_ID_VALID |
			    (uint32_t)PICK(((uint64_t[]){ 0, 0, 0, IFD_HWPT_ALLOC_PASID,
							  IFD_HWPT_ALLOC_NEST_PARENT,
							  IFD_HWPT_ALLOC_DIRTY_TRACKING }));
		op->id1 = gen_idev(g);
		op->id2 = g->nr_hwpts && rnd() % 4 ? g->hwpts[rnd() % g->nr_hwpts].ioas : gen_id(g);
		op->length = g->nr_faults && rnd() % 6 ? g->faults[rnd() % g->nr_faults] : gen_id(g);
		op->opt_op = 0;
		op->nr = 0;
		op->va_off = 0;
		op->iova = 0;
		if (g->nr_viommus && rnd() % 3 == 0) {
			op->flags &= IFD_HWPT_FAULT_ID_VALID | IFD_HWPT_ALLOC_PASID;
			op->id2 = g->viommus[rnd() % g->nr_viommus];
			op->opt_op = 1;
			op->nr = 8;
			op->va_off = IFD_TEST_IOTLB_DEFAULT;
		}
		break;
	case 3:
		/* onto a HWPT with a fault queue, or away from one */
		op->id1 = gen_stdev(g);
		op->id2 = rnd() % 3 ? fhwpt : g->nr_hwpts && rnd() % 2 ?
			  g->hwpts[rnd() % g->nr_hwpts].id : gen_id(g);
		break;
	case 4:
		op->opt_op = IFD_TEST_OP_TRIGGER_IOPF;
		op->id1 = 0;
		op->id2 = g->nr_fidevs && rnd() % 6 ? g->fidevs[rnd() % g->nr_fidevs] : gen_idev(g);
		op->flags = rnd() % 4 ? 0 :	/* pasid */
			    gen_pasids[rnd() % (sizeof(gen_pasids) / sizeof(gen_pasids[0]))];
		op->iova = (rnd() % 4) | PICK(((uint64_t[]){ 0, 1, 2, 3 })) << 32;	/* grpid, perm */
		op->length = PICK(((uint64_t[]){ 0, 0x1000, 0xdeadbeef000ull }));	/* addr */
		op->va_off = 0;
		op->nr = 0;
		break;
	case 5:
		op->id1 = gen_queue(g, false);
		op->nr = (uint32_t)PICK(((uint64_t[]){ 1, 1, 2, 10 }));	/* faults */
		break;
	case 6:
		/* mostly one of the last faults read; a code of 2 is bad */
		op->id1 = gen_queue(g, true);
		op->nr = (uint32_t)(rnd() % (g->nr_fault_reads + 1));
		if (g->nr_fault_reads && rnd() % 3)
			op->nr = g->nr_fault_reads - 1 - (uint32_t)(rnd() % (g->nr_fault_reads < 4 ?
									   g->nr_fault_reads : 4));
		op->flags = rnd() % 8 == 0;
		op->opt_op = (uint32_t)PICK(((uint64_t[]){ 0, 0, 0, 1, 2 }));
		break;
	case 7:
		op->id1 = gen_queue(g, false);
		break;
	case 8:
		op->id1 = rnd() % 4 ? gen_queue(g, false) : fhwpt;
		break;
	case 9:
		op->id1 = g->nr_viommus && rnd() % 8 ? g->viommus[rnd() % g->nr_viommus] : gen_id(g);
		op->opt_op = (uint32_t)PICK(((uint64_t[]){ IFD_VEVENTQ_TYPE_SELFTEST,
							   IFD_VEVENTQ_TYPE_SELFTEST,
							   IFD_VEVENTQ_TYPE_SELFTEST, 0, 1 }));
		op->nr = (uint32_t)PICK(((uint64_t[]){ 1, 2, 3, 3, 8, 64, 0, (1u << 19) + 1 }));
		op->flags = rnd() % 12 == 0 ? 1 : 0;
		break;
	case 10:
		op->opt_op = IFD_TEST_OP_TRIGGER_VEVENT;
		op->id1 = 0;
		op->id2 = g->nr_videvs && rnd() % 4 ? g->videvs[rnd() % g->nr_videvs] : gen_idev(g);
		break;
	case 12:
		op->flags = 0;
		break;
	case 13:
		op->id1 = g->ioases[rnd() % g->nr_ioases];
		op->opt_op = rnd() % 2;		/* MOCK_DOMAIN_FLAGS: PASID */
		op->flags = op->opt_op ? IFD_MOCK_FLAGS_DEVICE_PASID : 0;
		break;
	case 14:
		op->flags = IFD_HWPT_ALLOC_NEST_PARENT;
		op->id1 = g->idevs[rnd() % g->nr_idevs];
		op->id2 = g->ioases[rnd() % g->nr_ioases];
		op->opt_op = 0;
		op->nr = 0;
		break;
	case 15:
		op->flags = 0;
		op->opt_op = IFD_VIOMMU_TYPE_SELFTEST;
		op->id1 = g->idevs[rnd() % g->nr_idevs];
		op->id2 = g->parents[rnd() % g->nr_parents];
		op->nr = 0;
		break;
	case 16:
		op->id1 = g->viommus[rnd() % g->nr_viommus];
		op->id2 = g->idevs[rnd() % g->nr_idevs];
		op->iova = 1 + rnd() % 0x100;	/* virt_id */
		break;
	case 18:
		/* the selftest type on the vIOMMU of a vDEVICE */
		op->id1 = g->videv_viommus[rnd() % g->nr_videvs];
		op->opt_op = IFD_VEVENTQ_TYPE_SELFTEST;
		op->nr = (uint32_t)PICK(((uint64_t[]){ 1, 2, 3, 8 }));
		op->flags = 0;
		break;
	case 19: {
		/* nested on the vIOMMU of a vDEVICE, with a fault queue or not */
		unsigned int v = (unsigned int)(rnd() % g->nr_videvs);

		op->id1 = g->videvs[v];
		op->id2 = g->videv_viommus[v];
		op->flags = rnd() % 2 && g->nr_faults ? IFD_HWPT_FAULT_ID_VALID : 0;
		op->length = g->nr_faults ? g->faults[rnd() % g->nr_faults] : 0;
		op->opt_op = 1;
		op->nr = 8;
		op->va_off = IFD_TEST_IOTLB_DEFAULT;
		op->iova = 0;
		break;
	}
	case 20: {
		/* the vDEVICE's device onto it: its vEVENTs then have a way out */
		unsigned int h = (unsigned int)(rnd() % g->nr_vnested);

		op->id2 = g->vnested[h].id;
		op->id1 = gen_stdev(g);
		for (unsigned int i = 0; i < g->nr_stdevs && i < g->nr_idevs; i++)
			if (g->idevs[i] == g->vnested[h].idev)
				op->id1 = g->stdevs[i];
		break;
	}
	case 17:
		op->id1 = g->stdevs[rnd() % g->nr_stdevs];
		op->id2 = g->fhwpts[rnd() % g->nr_fhwpts];
		break;
	case 11:
		op->id1 = fhwpt;	/* a new mock device on a HWPT with a fault queue */
		op->opt_op = 0;
		op->flags = 0;
		break;
	}
}

/* --vfio: a cdev fd slot, mostly an open one (the bound one when asked). */
static uint32_t gen_slot(struct gen_state *g, bool bound)
{
	uint32_t k = (uint32_t)(rnd() % VFIO_SLOTS);

	if (bound && g->bound && rnd() % 6)
		return g->bound_slot;
	for (uint32_t i = 0; i < VFIO_SLOTS && rnd() % 6; i++)
		if (g->cdev_open[(k + i) % VFIO_SLOTS])
			return (k + i) % VFIO_SLOTS;
	return k;
}

/* --vfio: what gen_op's specials 21..26 make of 'op' (its kind set). */
static void gen_vfio_op(struct gen_state *g, struct op *op, int v)
{
	uint64_t r = rnd() % 12;

	switch (v) {
	case 21:
		/* mostly a slot that is closed */
		op->id1 = (uint32_t)(rnd() % VFIO_SLOTS);
		if (g->cdev_open[op->id1] && rnd() % 4)
			op->id1 = (op->id1 + 1) % VFIO_SLOTS;
		break;
	case 22:
		op->id1 = gen_slot(g, rnd() % 2);
		break;
	case 23:
		/* unknown flags, the token (no PF nor VF takes one); an iommufd
		 * that is none, argsz short, long with zeroes or not */
		op->id1 = gen_slot(g, false);
		op->flags = (uint32_t)PICK(((uint64_t[]){ 0, 0, 0, 0, 0, 0, 0, 0,
							  IFD_VFIO_DEVICE_BIND_FLAG_TOKEN, 2,
							  0x80000000u }));
		op->opt_op = rnd() % 6 ? 0 : 1 + (uint32_t)(rnd() % 4);
		op->nr = rnd() % 4 != 0;
		if (r == 0)
			op->size = (uint32_t)PICK(((uint64_t[]){ 4, 12, 15 }));
		else if (r == 1)
			op->size = IFD_VFIO_BIND_MINSZ;
		else if (r == 2)
			op->size = 32;
		else if (r == 3)
			op->tail = (uint8_t)(1 + rnd() % 255);
		break;
	case 24:
		/* the IOAS or a HWPT, the device's own ID, any ID; at a PASID */
		op->id1 = gen_slot(g, true);
		op->id2 = g->nr_ioases && rnd() % 2 ? g->ioases[rnd() % g->nr_ioases] :
			  g->nr_hwpts && rnd() % 2 ? g->hwpts[rnd() % g->nr_hwpts].id :
			  g->bound && rnd() % 4 == 0 ? g->vdev_id : gen_id(g);
		op->flags = rnd() % 8 ? 0 : (uint32_t)PICK(((uint64_t[]){
				IFD_VFIO_DEVICE_ATTACH_PASID, IFD_VFIO_DEVICE_ATTACH_PASID, 2, 3 }));
		op->nr = (uint32_t)PICK(((uint64_t[]){ 1, 1, 0, 0xfffff, 0x100000, 0x80000000u }));
		if (r == 0)
			op->size = (uint32_t)PICK(((uint64_t[]){ 4, 8, 11 }));
		else if (r == 1)
			op->size = IFD_VFIO_ATTACH_MINSZ;
		break;
	case 25:
		op->id1 = gen_slot(g, true);
		op->flags = rnd() % 6 ? 0 : (uint32_t)PICK(((uint64_t[]){
				IFD_VFIO_DEVICE_DETACH_PASID, IFD_VFIO_DEVICE_DETACH_PASID, 4 }));
		op->nr = (uint32_t)PICK(((uint64_t[]){ 1, 1, 0, 0xfffff }));
		if (r == 0)
			op->size = (uint32_t)PICK(((uint64_t[]){ 4, 7 }));
		else if (r == 1)
			op->size = IFD_VFIO_DETACH_MINSZ;
		break;
	default:
		/* a HWPT for the bound device: paging, with flags VT-d takes or not */
		op->id1 = g->bound && rnd() % 6 ? g->vdev_id : gen_id(g);
		op->id2 = g->nr_ioases && rnd() % 6 ? g->ioases[rnd() % g->nr_ioases] : gen_id(g);
		op->flags = (uint32_t)PICK(((uint64_t[]){ 0, 0, 0, 0, IFD_HWPT_ALLOC_NEST_PARENT,
							  IFD_HWPT_ALLOC_DIRTY_TRACKING,
							  IFD_HWPT_ALLOC_PASID, 0x100 }));
		op->opt_op = 0;
		op->nr = 0;
		op->va_off = 0;
		op->iova = 0;
		break;
	}
}

static void gen_op(struct gen_state *g, struct op *op, bool mock, bool viommu, bool pasid)
{
	int special = 0, qspecial = 0, vspecial = 0;
	static const uint32_t kinds[] = {
		OP_IOAS_ALLOC, OP_IOAS_ALLOC, OP_DESTROY, OP_MAP, OP_MAP, OP_MAP, OP_MAP,
		OP_MAP_FILE, OP_UNMAP, OP_UNMAP, OP_UNMAP, OP_COPY, OP_ALLOW, OP_RANGES,
		OP_RANGES, OP_OPTION, OP_VFIO_IOAS, OP_MOCK_DOMAIN, OP_ADD_RESERVED,
		OP_MOCK_DOMAIN, OP_MOCK_REPLACE, OP_CHECK_MAP, OP_CHECK_REFS, OP_HW_INFO,
		OP_TEST_MISC, OP_DESTROY, OP_HWPT_ALLOC, OP_MOCK_REPLACE,
	};
	enum op_kind kind;

	do {
		kind = kinds[rnd() % (sizeof(kinds) / sizeof(kinds[0]))];
	} while (!mock && (kind == OP_MOCK_DOMAIN || kind == OP_ADD_RESERVED ||
			   kind == OP_MOCK_REPLACE || kind == OP_CHECK_MAP || kind == OP_CHECK_REFS ||
			   kind == OP_HW_INFO || kind == OP_TEST_MISC || kind == OP_HWPT_ALLOC));
	/* drawn only with --viommu: without it a seed's sequence is unchanged.
	 * 1: a vIOMMU, 2: a vDEVICE, 3: a nest parent, 4: a HWPT nested on a
	 * vIOMMU */
	if (mock && viommu && rnd() % (g->hw_queue ? 3 : 5) == 0) {
		special = 1 + (int)(rnd() % 4);
		kind = special == 1 ? OP_VIOMMU_ALLOC : special == 2 ? OP_VDEVICE_ALLOC : OP_HWPT_ALLOC;
	}
	/* drawn only with --hw-queue (which needs vIOMMUs), likewise */
	if (mock && g->hw_queue && g->nr_viommus && rnd() % 3 == 0) {
		special = 0;
		kind = OP_HW_QUEUE_ALLOC;
	}
	/* drawn only with --pasid, likewise.  5: a mock device with PASIDs,
	 * 6: a PASID-compatible HWPT, 7: a PASID op, 8: a mock device to a
	 * PASID-compatible HWPT */
	if (mock && pasid && rnd() % 2 == 0) {
		special = (int)PICK(((uint64_t[]){ 5, 5, 6, 6, 6, 7, 7, 7, 7, 7, 8, 8 }));
		kind = special == 5 ? OP_MOCK_DOMAIN : special == 6 ? OP_HWPT_ALLOC :
		       special == 7 ? OP_TEST_MISC : OP_MOCK_REPLACE;
	}
	/* drawn only with --queues, likewise; 9 and 10 (vEVENTs) with --viommu */
	if (mock && g->queues && rnd() % 2 == 0) {
		static const enum op_kind qkinds[] = {
			OP_MOCK_DOMAIN, OP_FAULT_ALLOC, OP_HWPT_ALLOC, OP_MOCK_REPLACE, OP_TEST_MISC,
			OP_QUEUE_READ, OP_QUEUE_WRITE, OP_QUEUE_CLOSE, OP_DESTROY, OP_VEVENTQ_ALLOC,
			OP_TEST_MISC,
		};

		special = 0;
		qspecial = (int)PICK(((uint64_t[]){ 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 5,
						   5, 5, 5, 6, 6, 6, 6, 7, 8, 11, 9, 9, 10, 10, 10,
						   10 }));
		if (!viommu && qspecial >= 9 && qspecial <= 10)
			qspecial = (int)(rnd() % 8) + 1;
		kind = qkinds[qspecial % 11];
		/* mostly, the next missing piece of a working setup: 12: an
		 * IOAS, 13: a mock device, 14: a nest parent, 15: a vIOMMU,
		 * 16: a vDEVICE, then a fault queue, a HWPT on it, and 17: a
		 * device moved there */
		if (rnd() % 4) {
			if (!g->nr_ioases)
				qspecial = 12, kind = OP_IOAS_ALLOC;
			else if (!g->nr_stdevs)
				qspecial = 13, kind = OP_MOCK_DOMAIN;
			else if (!g->nr_faults)
				qspecial = 1, kind = OP_FAULT_ALLOC;
			else if (viommu && !g->nr_parents)
				qspecial = 14, kind = OP_HWPT_ALLOC;
			else if (viommu && !g->nr_viommus)
				qspecial = 15, kind = OP_VIOMMU_ALLOC;
			else if (viommu && !g->nr_videvs)
				qspecial = 16, kind = OP_VDEVICE_ALLOC;
			else if (viommu && !g->nr_vqs)
				qspecial = 18, kind = OP_VEVENTQ_ALLOC;
			else if (viommu && !g->nr_vnested)
				qspecial = 19, kind = OP_HWPT_ALLOC;
			else if (viommu && !g->nr_vattached)
				qspecial = 20, kind = OP_MOCK_REPLACE;
			else if (!g->nr_fhwpts)
				qspecial = 2, kind = OP_HWPT_ALLOC;
			else if (!g->nr_fidevs)
				qspecial = 17, kind = OP_MOCK_REPLACE;
		}
	}

	/* drawn only with --vfio, likewise: 21: open a cdev fd, 22: close one,
	 * 23: BIND_IOMMUFD, 24: ATTACH_IOMMUFD_PT, 25: DETACH_IOMMUFD_PT, 26: a
	 * HWPT for the bound device */
	if (g->vfio && rnd() % 2 == 0) {
		static const enum op_kind vkinds[] = {
			OP_CDEV_OPEN, OP_CDEV_CLOSE, OP_VFIO_BIND, OP_VFIO_ATTACH, OP_VFIO_DETACH,
			OP_HWPT_ALLOC,
		};

		vspecial = (int)PICK(((uint64_t[]){ 21, 21, 22, 23, 23, 23, 24, 24, 24, 24, 24, 24,
						   25, 25, 26, 26, 26 }));
		/* mostly, the next missing piece: an IOAS, a cdev fd, the bind,
		 * an attachment */
		if (rnd() % 3) {
			if (!g->nr_ioases)
				vspecial = 0, kind = OP_IOAS_ALLOC;
			else if (!g->cdev_open[0] && !g->cdev_open[1])
				vspecial = 21;
			else if (!g->bound)
				vspecial = 23;
			else if (!g->vattached)
				vspecial = 24;
		}
		if (vspecial)
			kind = vkinds[vspecial - 21];
	}

	memset(op, 0, sizeof(*op));
	op->kind = kind;
	switch (kind) {
	case OP_IOAS_ALLOC:
		op->flags = rnd() % 30 == 0 ? 1 : 0;
		break;
	case OP_DESTROY:
		op->id1 = mock && rnd() % 3 == 0 ? gen_stdev(g) : gen_id(g);
		break;
	case OP_MAP:
	case OP_MAP_FILE:
		op->flags = gen_map_flags();
		if (rnd() % 2)
			op->flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
		op->id1 = gen_id(g);
		op->length = gen_length();
		if (kind == OP_MAP_FILE) {
			op->va_off = rnd() % 4 ? (rnd() % 0x800) * 0x1000 : PICK(((uint64_t[]){ 0, 1, 0x800, FILE_SIZE, UINT64_MAX }));
			if (rnd() % 25 == 0)
				op->id2 = 999;	/* a bad fd */
		} else {
			op->va_off = gen_va_off(op->length);
		}
		op->iova = gen_iova();
		break;
	case OP_UNMAP:
		op->id1 = gen_id(g);
		if (g->nr_areas && rnd() % 3) {
			/* a whole area, part of one, or a span of several */
			unsigned int a = (unsigned int)(rnd() % g->nr_areas);

			op->id1 = g->areas[a].ioas;
			op->iova = g->areas[a].iova;
			op->length = g->areas[a].length;
			if (rnd() % 4 == 0)
				op->length /= 2;
			else if (rnd() % 4 == 0)
				op->length += gen_length();
		} else if (rnd() % 3 == 0) {
			op->iova = 0;
			op->length = UINT64_MAX;
		} else {
			op->iova = gen_iova();
			op->length = gen_length();
		}
		break;
	case OP_COPY:
		op->flags = gen_map_flags();
		if (rnd() % 2)
			op->flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
		op->id1 = gen_id(g);
		op->id2 = gen_id(g);
		if (g->nr_areas && rnd() % 3) {
			unsigned int a = (unsigned int)(rnd() % g->nr_areas);

			op->id2 = g->areas[a].ioas;
			op->iova = g->areas[a].iova + (rnd() % 2 ? 0 : 0x1000);
			op->length = rnd() % 2 ? g->areas[a].length : 0x1000;
		} else {
			op->iova = gen_iova();
			op->length = gen_length();
		}
		op->va_off = gen_iova();
		break;
	case OP_ALLOW:
		op->id1 = gen_id(g);
		op->nr = (uint32_t)(rnd() % (MAX_RANGES + 1));
		for (unsigned int i = 0; i < op->nr; i++) {
			uint64_t s = gen_iova();

			op->r[i].start = s;
			op->r[i].last = rnd() % 8 == 0 ? s : s + gen_length() - 1;
		}
		break;
	case OP_RANGES:
		op->id1 = gen_id(g);
		op->nr = (uint32_t)(rnd() % 4);
		break;
	case OP_OPTION:
		op->flags = rnd() % 10 == 0 ? 2 : (uint32_t)(rnd() % 2);	/* RLIMIT, HUGE, bad */
		op->opt_op = rnd() % 10 == 0 ? 2 : (uint32_t)(rnd() % 2);
		op->id1 = op->flags == IOMMU_OPTION_RLIMIT_MODE && rnd() % 4 ? 0 : gen_id(g);
		op->iova = rnd() % 8 == 0 ? 2 : rnd() % 2;
		break;
	case OP_VFIO_IOAS:
		op->opt_op = (uint32_t)(rnd() % 4);
		op->id1 = gen_id(g);
		break;
	case OP_MOCK_DOMAIN:
		op->id1 = gen_id(g);
		if (rnd() % 4 == 0) {
			op->opt_op = 1;		/* MOCK_DOMAIN_FLAGS */
			op->flags = (uint32_t)PICK(((uint64_t[]){ 0, 1, 2, 4, 5, 8 }));
		}
		break;
	case OP_MOCK_REPLACE:
		op->id1 = gen_stdev(g);
		op->id2 = gen_id(g);
		break;
	case OP_HWPT_ALLOC:
		op->id1 = g->nr_idevs && rnd() % 8 ? g->idevs[rnd() % g->nr_idevs] : gen_id(g);
		op->id2 = gen_id(g);
		/* mostly an IOAS a domain was made for, or a HWPT to nest on */
		if (g->nr_hwpts && rnd() % 4) {
			unsigned int h = (unsigned int)(rnd() % g->nr_hwpts);

			op->id2 = rnd() % 2 ? g->hwpts[h].ioas : g->hwpts[h].id;
		}
		/* NEST_PARENT, DIRTY_TRACKING, FAULT_ID_VALID (no fault queue), PASID */
		op->flags = (uint32_t)PICK(((uint64_t[]){ 0, 0, 1, 1, 2, 3, 8, 9, 4, 5, 16 }));
		if (rnd() % 3 == 0) {
			op->opt_op = 1;
			op->nr = (uint32_t)PICK(((uint64_t[]){ 8, 8, 4, 3, 9 }));
			op->va_off = rnd() % 2 ? IFD_TEST_IOTLB_DEFAULT : rnd() % 0x100000000ull;
			op->iova = PICK(((uint64_t[]){ 0, 0, 1, 2 }));
		}
		break;
	case OP_CHECK_MAP:
		op->id1 = gen_id(g);
		if (g->nr_areas && rnd() % 4) {
			unsigned int a = (unsigned int)(rnd() % g->nr_areas);

			/* a HWPT made for the area's IOAS, when there is one */
			for (unsigned int h = 0; h < g->nr_hwpts && rnd() % 8; h++)
				if (g->hwpts[h].ioas == g->areas[a].ioas)
					op->id1 = g->hwpts[h].id;
			op->iova = g->areas[a].iova + (rnd() % 2 ? 0 : 0x800);
			op->length = rnd() % 2 ? 0x800 : g->areas[a].length & ~0x7ffULL;
			op->va_off = g->areas[a].va_off + (rnd() % 3 ? op->iova - g->areas[a].iova : 0);
		} else {
			op->iova = gen_iova();
			op->length = rnd() % 2 ? 0x800 : gen_length();
			op->va_off = gen_va_off(op->length);
		}
		break;
	case OP_CHECK_REFS: {
		unsigned int a = g->nr_areas ? (unsigned int)(rnd() % g->nr_areas) : 0;

		if (g->nr_areas && g->areas[a].user && rnd() % 2)
			op->va_off = g->areas[a].va_off & ~0xfffULL;
		else
			op->va_off = (rnd() % 0x1000) * 0x1000 + (rnd() % 10 == 0 ? 0x800 : 0);
		op->length = rnd() % 10 == 0 ? 0x800 : ((rnd() % 16) + 1) * 0x1000;
		if (op->va_off + op->length > BUF_SIZE)
			op->va_off = 0;
		op->nr = (uint32_t)(rnd() % 3);
		break;
	}
	case OP_HW_INFO:
		op->id1 = g->nr_idevs && rnd() % 4 ? g->idevs[rnd() % g->nr_idevs] : gen_id(g);
		op->flags = (uint32_t)PICK(((uint64_t[]){ 0, 0, 1, 2 }));
		op->opt_op = (uint32_t)PICK(((uint64_t[]){ 0, IFD_HW_INFO_TYPE_SELFTEST, 1 }));
		op->nr = (uint32_t)PICK(((uint64_t[]){ 0, 4, 8, 16, 32 }));
		break;
	case OP_TEST_MISC: {
		/* Operations the simulator answers as the kernel does, with
		 * arguments that create nothing it does not simulate. */
		static const uint64_t ops[] = {
			IFD_TEST_OP_MD_CHECK_IOTLB, IFD_TEST_OP_DEV_CHECK_CACHE,
			IFD_TEST_OP_TRIGGER_IOPF, IFD_TEST_OP_TRIGGER_VEVENT,
			IFD_TEST_OP_PASID_ATTACH, IFD_TEST_OP_PASID_REPLACE,
			IFD_TEST_OP_PASID_DETACH, IFD_TEST_OP_PASID_CHECK_HWPT,
			IFD_TEST_OP_DIRTY, IFD_TEST_OP_ACCESS_RW, IFD_TEST_OP_ACCESS_PAGES,
			IFD_TEST_OP_DESTROY_ACCESS_PAGES, IFD_TEST_OP_ACCESS_REPLACE_IOAS,
			IFD_TEST_OP_CREATE_ACCESS, IFD_TEST_OP_SET_TEMP_MEMORY_LIMIT,
			IFD_TEST_OP_DMABUF_GET, IFD_TEST_OP_DMABUF_REVOKE, 0, 24, 99,
		};

		op->opt_op = (uint32_t)PICK(ops);
		op->id1 = gen_id(g);
		op->id2 = gen_id(g);
		op->flags = (uint32_t)PICK(((uint64_t[]){ 0, 1, 2, 4, 5, 0xbaddad, 1u << 16 }));
		op->iova = gen_iova();
		op->length = gen_length();
		op->va_off = PICK(((uint64_t[]){ 0, 0x800, 0x1000, 3 }));
		op->nr = (uint32_t)(rnd() % 2);
		switch (op->opt_op) {
		case IFD_TEST_OP_PASID_ATTACH:
		case IFD_TEST_OP_PASID_REPLACE:
		case IFD_TEST_OP_PASID_DETACH:
		case IFD_TEST_OP_PASID_CHECK_HWPT:
			op->id1 = gen_stdev(g);
			op->id2 = (uint32_t)PICK(((uint64_t[]){ 0, 0, 1, 1024 }));
			op->flags = rnd() % 4 ? gen_id(g) : 0;
			break;
		case IFD_TEST_OP_DEV_CHECK_CACHE:
			op->id2 = (uint32_t)(rnd() % 5);
			break;
		case IFD_TEST_OP_CREATE_ACCESS:
			/* bad flags, or an ID that is never an IOAS */
			if (rnd() % 2)
				op->flags = 2;
			else
				op->id1 = 0;
			break;
		case IFD_TEST_OP_SET_TEMP_MEMORY_LIMIT:
			op->id2 = (uint32_t)PICK(((uint64_t[]){ 0, 11, 65536 }));
			break;
		case IFD_TEST_OP_DMABUF_GET:
			op->id2 = (uint32_t)PICK(((uint64_t[]){ 0, 0x200001, 0xffffffff }));
			break;
		case IFD_TEST_OP_DMABUF_REVOKE:
			op->id2 = (uint32_t)PICK(((uint64_t[]){ (uint32_t)-1, 999, 0 }));
			break;
		default:
			break;
		}
		break;
	}
	case OP_ADD_RESERVED:
		op->id1 = gen_id(g);
		op->iova = gen_iova();
		op->length = gen_length();
		break;
	case OP_VIOMMU_ALLOC:
		op->id1 = g->nr_idevs && rnd() % 8 ? g->idevs[rnd() % g->nr_idevs] : gen_id(g);
		/* mostly a HWPT (a nest parent when one was made) */
		op->id2 = g->nr_hwpts && rnd() % 4 ? g->hwpts[rnd() % g->nr_hwpts].id : gen_id(g);
		if (g->nr_parents && rnd() % 3)
			op->id2 = g->parents[rnd() % g->nr_parents];
		op->opt_op = (uint32_t)PICK(((uint64_t[]){ 0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0,
							   0xdead }));
		op->flags = rnd() % 12 == 0 ? 1 : 0;
		op->nr = (uint32_t)PICK(((uint64_t[]){ 0, 0, 24, 24, 8, 4, 16, 32 }));
		op->va_off = rnd() % 0x100000000ull;
		break;
	case OP_VDEVICE_ALLOC:
		op->id1 = g->nr_viommus && rnd() % 6 ? g->viommus[rnd() % g->nr_viommus] : gen_id(g);
		op->id2 = g->nr_idevs && rnd() % 6 ? g->idevs[rnd() % g->nr_idevs] : gen_id(g);
		op->iova = PICK(((uint64_t[]){ 0, 1, 0x99, 0x88, 0x99, 1ull << 40 }));
		break;
	case OP_HW_QUEUE_ALLOC: {
		unsigned int v;
		uint32_t ioas = 0;
		int a = -1;

		/* the selftest type at index 0 or 1 (2 is past the mock's two), over
		 * a mapped area of some IOAS (the nest parent's, with luck), part of
		 * one, or nothing mapped */
		v = (unsigned int)(rnd() % g->nr_viommus);
		op->id1 = rnd() % 8 ? g->viommus[v] : gen_id(g);
		op->opt_op = (uint32_t)PICK(((uint64_t[]){ 0xdeadbeef, 0xdeadbeef, 0xdeadbeef,
							   0xdeadbeef, 0, 1 }));
		op->nr = (uint32_t)PICK(((uint64_t[]){ 0, 0, 1, 1, 2 }));
		op->flags = rnd() % 12 == 0 ? 1 : 0;
		/* mostly an area of the IOAS under the vIOMMU's nest parent */
		for (unsigned int i = 0; i < g->nr_hwpts; i++)
			if (g->hwpts[i].id == g->viommu_parents[v])
				ioas = g->hwpts[i].ioas;
		for (unsigned int i = 0, k = (unsigned int)rnd(); ioas && i < g->nr_areas; i++)
			if (g->areas[(k + i) % g->nr_areas].ioas == ioas) {
				a = (int)((k + i) % g->nr_areas);
				break;
			}
		if (a < 0 && g->nr_areas && rnd() % 2)
			a = (int)(rnd() % g->nr_areas);
		/* Within one CPU page: whether more are physically contiguous
		 * (else EFAULT) only the kernel knows. */
		if (a >= 0 && rnd() % 6) {
			op->iova = g->areas[a].iova + (rnd() % 5 == 0 ? 0x800 : 0);
			op->length = op->iova & 0xfff ? 0x800 : 0x1000;
		} else {
			op->iova = gen_iova() & ~0xfffull;
			op->length = PICK(((uint64_t[]){ 0, 0x1000 }));
		}
		break;
	}
	case OP_FAULT_ALLOC:
	case OP_VEVENTQ_ALLOC:
	case OP_QUEUE_READ:
	case OP_QUEUE_WRITE:
	case OP_QUEUE_CLOSE:
	case OP_CDEV_OPEN:
	case OP_CDEV_CLOSE:
	case OP_VFIO_BIND:
	case OP_VFIO_ATTACH:
	case OP_VFIO_DETACH:
	case OP_NR_KINDS:
		break;
	}
	if (vspecial)
		gen_vfio_op(g, op, vspecial);
	if (qspecial)
		gen_queue_op(g, op, qspecial);
	if (special == 3) {
		op->flags = rnd() % 4 ? 1 : 3;	/* NEST_PARENT (| DIRTY_TRACKING) */
		op->opt_op = 0;
		if (g->nr_idevs)
			op->id1 = g->idevs[rnd() % g->nr_idevs];
		if (g->nr_hwpts)
			op->id2 = g->hwpts[rnd() % g->nr_hwpts].ioas;
	} else if (special >= 5) {
		gen_pasid_op(g, op, special);
	} else if (special == 4 && g->nr_viommus) {
		op->id2 = g->viommus[rnd() % g->nr_viommus];
		op->flags = (uint32_t)PICK(((uint64_t[]){ 0, 0, 0, 8, 4, 1 }));
		op->opt_op = 1;
		op->nr = 8;
		op->va_off = IFD_TEST_IOTLB_DEFAULT;
		op->iova = 0;
	}
	gen_size(op, kind);
}

/* --vfio: the cdev fds, the binding and the attachment, from a success. */
static void gen_learn_vfio(struct gen_state *g, const struct op *op, const struct result *r)
{
	switch (op->kind) {
	case OP_CDEV_OPEN:
		g->cdev_open[op->id1 % VFIO_SLOTS] = true;
		break;
	case OP_CDEV_CLOSE:
		g->cdev_open[op->id1 % VFIO_SLOTS] = false;
		/* the kernel unbinds at the close, the simulator at its next op */
		if (g->bound && g->bound_slot == op->id1 % VFIO_SLOTS)
			g->bound = g->vattached = false;
		break;
	case OP_VFIO_BIND:
		g->bound = true;
		g->bound_slot = op->id1 % VFIO_SLOTS;
		g->vdev_id = (uint32_t)r->out[0];
		if (g->nr_ids < 16)
			g->ids[g->nr_ids++] = g->vdev_id;
		break;
	case OP_VFIO_ATTACH:
		if (op->flags & IFD_VFIO_DEVICE_ATTACH_PASID)
			break;
		g->vattached = true;
		/* onto an IOAS: the HWPT made for it */
		if (r->out[0] != op->id2 && g->nr_hwpts < 8) {
			g->hwpts[g->nr_hwpts].id = (uint32_t)r->out[0];
			g->hwpts[g->nr_hwpts++].ioas = op->id2;
			if (g->nr_ids < 16)
				g->ids[g->nr_ids++] = (uint32_t)r->out[0];
		}
		break;
	case OP_VFIO_DETACH:
		if (!(op->flags & IFD_VFIO_DEVICE_DETACH_PASID))
			g->vattached = false;
		break;
	default:
		break;
	}
}

/* Learn from what the reference backend answered: new ids and areas. */
static void gen_learn(struct gen_state *g, const struct op *op, const struct result *r)
{
	/* fault records read: by a read, or before an op that may detach */
	if (op->kind == OP_QUEUE_READ && r->ret > 0)
		for (unsigned int i = 0; i < g->nr_queues; i++)
			if (g->queues_made[i].id == op->id1 && g->queues_made[i].fault)
				g->nr_fault_reads += (unsigned int)r->out[1];
	if (may_detach(op))
		g->nr_fault_reads += (unsigned int)r->out[2];
	if (g->nr_fault_reads > MAX_FAULT_READS)
		g->nr_fault_reads = MAX_FAULT_READS;
	if (r->ret != 0)
		return;
	gen_learn_vfio(g, op, r);
	/* an ID comes again after its object went: the new queue replaces it */
	for (unsigned int i = 0; (op->kind == OP_FAULT_ALLOC || op->kind == OP_VEVENTQ_ALLOC) &&
				 i < g->nr_queues; i++)
		if (g->queues_made[i].id == (uint32_t)r->out[0])
			g->queues_made[i] = g->queues_made[--g->nr_queues];
	if ((op->kind == OP_FAULT_ALLOC || op->kind == OP_VEVENTQ_ALLOC) && g->nr_queues < 16) {
		g->queues_made[g->nr_queues].id = (uint32_t)r->out[0];
		g->queues_made[g->nr_queues++].fault = op->kind == OP_FAULT_ALLOC;
		if (g->nr_ids < 16)
			g->ids[g->nr_ids++] = (uint32_t)r->out[0];
	}
	if (op->kind == OP_FAULT_ALLOC && g->nr_faults < 8)
		g->faults[g->nr_faults++] = (uint32_t)r->out[0];
	if (op->kind == OP_HWPT_ALLOC && (op->flags & IFD_HWPT_FAULT_ID_VALID) && g->nr_fhwpts < 8)
		g->fhwpts[g->nr_fhwpts++] = (uint32_t)r->out[0];
	if (op->kind == OP_VDEVICE_ALLOC && g->nr_videvs < 8) {
		g->videv_viommus[g->nr_videvs] = op->id1;
		g->videvs[g->nr_videvs++] = op->id2;
	}
	if (op->kind == OP_VEVENTQ_ALLOC && op->opt_op == IFD_VEVENTQ_TYPE_SELFTEST)
		g->nr_vqs++;
	for (unsigned int v = 0; v < g->nr_videvs; v++)
		if (op->kind == OP_HWPT_ALLOC && op->opt_op && op->id1 == g->videvs[v] &&
		    op->id2 == g->videv_viommus[v] && g->nr_vnested < 8) {
			g->vnested[g->nr_vnested].idev = op->id1;
			g->vnested[g->nr_vnested++].id = (uint32_t)r->out[0];
			break;
		}
	for (unsigned int h = 0; h < g->nr_vnested; h++)
		if (op->kind == OP_MOCK_REPLACE && op->id2 == g->vnested[h].id)
			g->nr_vattached++;
	for (unsigned int h = 0; h < g->nr_fhwpts && g->nr_fidevs < 8; h++) {
		if (op->kind == OP_MOCK_DOMAIN && op->id1 == g->fhwpts[h])
			g->fidevs[g->nr_fidevs++] = (uint32_t)r->out[2];
		for (unsigned int i = 0; op->kind == OP_MOCK_REPLACE && op->id2 == g->fhwpts[h] &&
					 i < g->nr_stdevs && i < g->nr_idevs; i++)
			if (g->stdevs[i] == op->id1)
				g->fidevs[g->nr_fidevs++] = g->idevs[i];
	}
	if (op->kind == OP_IOAS_ALLOC && g->nr_ids < 16)
		g->ids[g->nr_ids++] = (uint32_t)r->out[0];
	if (op->kind == OP_MOCK_DOMAIN && g->nr_ids + 3 <= 16)
		for (int i = 0; i < 3; i++)
			g->ids[g->nr_ids++] = (uint32_t)r->out[i];
	if (op->kind == OP_MOCK_DOMAIN && g->nr_stdevs < 8)
		g->stdevs[g->nr_stdevs++] = (uint32_t)r->out[0];
	if (op->kind == OP_MOCK_DOMAIN && g->nr_idevs < 8)
		g->idevs[g->nr_idevs++] = (uint32_t)r->out[2];
	if (op->kind == OP_MOCK_DOMAIN && op->id1 != r->out[1] && g->nr_hwpts < 8) {
		g->hwpts[g->nr_hwpts].id = (uint32_t)r->out[1];
		g->hwpts[g->nr_hwpts++].ioas = op->id1;
	}
	if ((op->kind == OP_MOCK_REPLACE || op->kind == OP_HWPT_ALLOC ||
	     op->kind == OP_VDEVICE_ALLOC) && g->nr_ids < 16)
		g->ids[g->nr_ids++] = (uint32_t)r->out[0];
	if ((op->kind == OP_VIOMMU_ALLOC || op->kind == OP_HW_QUEUE_ALLOC) && g->nr_ids < 16)
		g->ids[g->nr_ids++] = (uint32_t)r->out[0];
	if (op->kind == OP_VIOMMU_ALLOC && g->nr_viommus < 8) {
		g->viommu_parents[g->nr_viommus] = op->id2;
		g->viommus[g->nr_viommus++] = (uint32_t)r->out[0];
	}
	if (op->kind == OP_MOCK_DOMAIN && op->opt_op && (op->flags & 4) && g->nr_pstdevs < 8) {
		g->pstdevs[g->nr_pstdevs++] = (uint32_t)r->out[0];
		g->pidevs[g->nr_pidevs++] = (uint32_t)r->out[2];
	}
	if (op->kind == OP_TEST_MISC && op->opt_op == IFD_TEST_OP_PASID_ATTACH && op->id2 &&
	    g->nr_attached < 8) {
		g->attached[g->nr_attached].stdev = op->id1;
		g->attached[g->nr_attached++].pasid = op->id2;
	}
	if (op->kind == OP_IOAS_ALLOC && g->nr_ioases < 8)
		g->ioases[g->nr_ioases++] = (uint32_t)r->out[0];
	if (op->kind == OP_HWPT_ALLOC && (op->flags & 8) && g->nr_phwpts < 8)
		g->phwpts[g->nr_phwpts++] = (uint32_t)r->out[0];
	if (op->kind == OP_HWPT_ALLOC && (op->flags & 1) && !op->opt_op && g->nr_parents < 8)
		g->parents[g->nr_parents++] = (uint32_t)r->out[0];
	/* without data only a paging HWPT can be made, so id2 was its IOAS */
	if (op->kind == OP_HWPT_ALLOC && !op->opt_op && g->nr_hwpts < 8) {
		g->hwpts[g->nr_hwpts].id = (uint32_t)r->out[0];
		g->hwpts[g->nr_hwpts++].ioas = op->id2;
	}
	if ((op->kind == OP_MAP || op->kind == OP_MAP_FILE) && g->nr_areas < 64) {
		g->areas[g->nr_areas].ioas = op->id1;
		g->areas[g->nr_areas].iova = r->out[0];
		g->areas[g->nr_areas].length = op->length;
		g->areas[g->nr_areas].va_off = op->va_off;
		g->areas[g->nr_areas].user = op->kind == OP_MAP;
		g->nr_areas++;
	}
}

/* ---- PASIDs detached before a mock device goes ----------------------------- */

/* The mock devices (SELFTEST IDs) the reference made in this sequence. */
struct live {
	uint32_t stdevs[MAX_OPS];
	unsigned int n;
};

static void live_learn(struct live *l, const struct op *op, const struct result *r)
{
	if (op->kind == OP_MOCK_DOMAIN && r->ret == 0 && l->n < MAX_OPS)
		l->stdevs[l->n++] = (uint32_t)r->out[0];
}

static void pasids_off(struct ifd_ctx *ctx, uint32_t stdev)
{
	for (size_t i = 0; i < sizeof(gen_pasids) / sizeof(gen_pasids[0]); i++) {
		struct ifd_test_cmd c = { .size = sizeof(c), .op = IFD_TEST_OP_PASID_DETACH,
					  .id = stdev };

		c.pasid_detach.pasid = gen_pasids[i];
		ifd_ioctl(ctx, IFD_TEST_CMD, &c);
	}
}

/* Before 'op' (NULL: before closing), on both contexts. */
static void live_before(const struct live *l, const struct op *op, struct ifd_ctx *a,
			struct ifd_ctx *b)
{
	for (unsigned int i = 0; i < l->n; i++) {
		if (op && (op->kind != OP_DESTROY || op->id1 != l->stdevs[i]))
			continue;
		pasids_off(a, l->stdevs[i]);
		pasids_off(b, l->stdevs[i]);
	}
}

static void close_both(struct env *e, const struct live *l, struct ifd_ctx *a, struct ifd_ctx *b)
{
	if (a && b)
		live_before(l, NULL, a, b);
	qside_reset(&e->side[0]);
	qside_reset(&e->side[1]);
	/* before the contexts: the kernel's binding holds its context */
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < VFIO_SLOTS; k++) {
			if (e->cdev[s][k] >= 0)
				close(e->cdev[s][k]);
			e->cdev[s][k] = -1;
		}
	ifd_ctx_close(a);
	ifd_ctx_close(b);
}

static void stat_pasid(const struct op *op, const struct result *r)
{
	unsigned int k = op->opt_op - IFD_TEST_OP_PASID_ATTACH;

	if (op->kind != OP_TEST_MISC || op->opt_op < IFD_TEST_OP_PASID_ATTACH ||
	    op->opt_op > IFD_TEST_OP_PASID_CHECK_HWPT || !op->id2 || op->size || op->tail)
		return;
	stat_pasid_run[k]++;
	stat_pasid_ok[k] += r->ret == 0;
}

/* ---- replay and shrinking -------------------------------------------------- */

/*
 * Run ops[0..n) with 'skip' removed on both contexts; return the index of the
 * first mismatch, or -1.  Fresh contexts each time.
 */
static int replay(struct env *e, const struct op *ops, int n, const bool *skip,
		  bool ref_kernel, struct result *ra, struct result *rb)
{
	static struct live l;
	struct ifd_ctx *a = NULL, *b = NULL;
	int bad = -1;

	l.n = 0;
	open_both(e, ref_kernel, &a, &b);
	for (int i = 0; i < n; i++) {
		if (skip && skip[i])
			continue;
		queues_before(e, &ops[i], a, b);
		live_before(&l, &ops[i], a, b);
		run_op(a, &ops[i], e, &e->side[0], ra);
		run_op(b, &ops[i], e, &e->side[1], rb);
		live_learn(&l, &ops[i], ra);
		if (!result_eq(ra, rb)) {
			bad = i;
			break;
		}
	}
	close_both(e, &l, a, b);
	return bad;
}

/* Drop ops one at a time (then in halves) while the mismatch persists. */
static void shrink(struct env *e, struct op *ops, int n, bool ref_kernel, bool *skip)
{
	struct result ra, rb;
	bool changed = true;

	for (int i = 0; i < n; i++)
		skip[i] = false;
	while (changed) {
		changed = false;
		for (int chunk = n / 2; chunk >= 1; chunk /= 2) {
			for (int start = 0; start < n; start += chunk) {
				bool saved[MAX_OPS];
				int any = 0;

				memcpy(saved, skip, sizeof(bool) * (size_t)n);
				for (int i = start; i < start + chunk && i < n; i++) {
					any |= !skip[i];
					skip[i] = true;
				}
				if (!any)
					continue;
				if (replay(e, ops, n, skip, ref_kernel, &ra, &rb) >= 0)
					changed = true;
				else
					memcpy(skip, saved, sizeof(bool) * (size_t)n);
			}
		}
	}
}

static void report_mismatch_to(FILE *out, struct env *e, struct op *ops, int n, bool ref_kernel,
			       uint64_t seed)
{
	static bool skip[MAX_OPS];
	struct result ra, rb;
	const char *ref = ref_kernel ? "kernel" : "reference";

	shrink(e, ops, n, ref_kernel, skip);
	int bad = replay(e, ops, n, skip, ref_kernel, &ra, &rb);

	fprintf(out, "MISMATCH seed=%" PRIu64 "; minimal sequence (%s first, simulator second):\n",
	       seed, ref);
	/* print every kept op with both results so the line that differs stands out */
	static struct live l;
	struct ifd_ctx *a = NULL, *b = NULL;
	struct result xa, xb;

	l.n = 0;
	open_both(e, ref_kernel, &a, &b);
	for (int i = 0; i < n; i++) {
		if (skip[i])
			continue;
		queues_before(e, &ops[i], a, b);
		live_before(&l, &ops[i], a, b);
		run_op(a, &ops[i], e, &e->side[0], &xa);
		run_op(b, &ops[i], e, &e->side[1], &xb);
		live_learn(&l, &ops[i], &xa);
		fprintf(out, "  ");
		print_op(out, &ops[i]);
		fprintf(out, "\n    expect ");
		print_result(out, &xa);
		if (!result_eq(&xa, &xb)) {
			fprintf(out, "\n    got    ");
			print_result(out, &xb);
			fprintf(out, "   <-- differs");
		}
		fprintf(out, "\n");
		if (i == bad)
			break;
	}
	close_both(e, &l, a, b);
	fprintf(out, "ifd-diff: reproduce with: ifd-diff --seed %" PRIu64 " --sequences 1 --length %d%s%s%s%s%s%s\n",
		seed, n, e->mock ? " --mock" : "", e->mock && e->viommu ? " --viommu" : "",
		e->mock && e->pasid ? " --pasid" : "", e->mock && e->hw_queue ? " --hw-queue" : "",
		e->mock && e->queues ? " --queues" : "", e->vfio ? " --vfio" : "");
}

/*
 * The report goes to stdout and, in the VM lab, also to a file in
 * $LAB_OUT_DIR, which the lab brings back to the host with the run's logs.
 */
static void report_mismatch(struct env *e, struct op *ops, int n, bool ref_kernel, uint64_t seed)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	const char *dir = getenv("LAB_OUT_DIR");

	if (!mem) {
		report_mismatch_to(stdout, e, ops, n, ref_kernel, seed);
		return;
	}
	report_mismatch_to(mem, e, ops, n, ref_kernel, seed);
	fclose(mem);
	fputs(text, stdout);
	if (dir && dir[0]) {
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/ifd-diff-mismatch-%" PRIu64 ".txt", dir, seed);
		f = fopen(path, "we");
		if (f) {
			fputs(text, f);
			fclose(f);
			printf("ifd-diff: the report is also in %s\n", path);
		}
	}
	free(text);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ifd-diff [--seed N] [--sequences N] [--length N]\n"
		   "                [--mock [--viommu [--hw-queue]] [--pasid] [--queues] | --vfio]\n"
		   "                [--against kernel|sim] [--quiet] [--stats] [--trace]\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "sequences", required_argument, NULL, 'n' },
		{ "length", required_argument, NULL, 'l' },
		{ "mock", no_argument, NULL, 'm' },
		{ "viommu", no_argument, NULL, 'V' },
		{ "pasid", no_argument, NULL, 'P' },
		{ "hw-queue", no_argument, NULL, 'Q' },
		{ "queues", no_argument, NULL, 'E' },
		{ "vfio", no_argument, NULL, 'F' },
		{ "against", required_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "stats", no_argument, NULL, 'S' },
		{ "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	long sequences = 200, length = 60;
	bool ref_kernel = true, quiet = false, stats = false, trace = false;
	struct env e = { .memfd = -1 };
	int c;

	while ((c = getopt_long(argc, argv, "s:n:l:mVPQEFa:qSTh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': sequences = strtol(optarg, NULL, 0); break;
		case 'l': length = strtol(optarg, NULL, 0); break;
		case 'm': e.mock = true; break;
		case 'V': e.viommu = true; break;
		case 'P': e.pasid = true; break;
		case 'Q': e.hw_queue = true; break;
		case 'E': e.queues = true; break;
		case 'F': e.vfio = true; break;
		case 'a': ref_kernel = strcmp(optarg, "sim") != 0; break;
		case 'q': quiet = true; break;
		case 'S': stats = true; break;
		case 'T': trace = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (length < 1 || length > MAX_OPS || sequences < 1 || (e.hw_queue && !e.viommu) ||
	    (e.queues && !e.mock) || (e.vfio && e.mock)) {
		usage(stderr);
		return 2;
	}
	if (e.vfio && ref_kernel && access(KERNEL_VFIO_NODE, F_OK) != 0) {
		printf("ifd-diff: --vfio: no %s (a VFIO device's cdev, on vfio-pci behind an "
		       "IOMMU): skipped\n", KERNEL_VFIO_NODE);
		return 77;
	}
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < VFIO_SLOTS; k++)
			e.cdev[s][k] = -1;

	/* 2 MiB-aligned buffer so the auto-IOVA alignment rule sees THP-sized VAs */
	unsigned char *raw = mmap(NULL, BUF_SIZE + (2 << 20), PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED) {
		perror("ifd-diff: mmap");
		return 2;
	}
	e.buf = (unsigned char *)(((uintptr_t)raw + (2 << 20) - 1) & ~(uintptr_t)((2 << 20) - 1));
	/* Real pages, no huge ones: MD_CHECK_REFS skips compound pages and a
	 * read-only pin of an untouched page takes the shared zero page, which
	 * it does not count; the simulator models neither. */
	madvise(e.buf, BUF_SIZE, MADV_NOHUGEPAGE);
	memset(e.buf, 0x5a, BUF_SIZE);
	e.memfd = memfd_create("ifd-diff", MFD_CLOEXEC);
	if (e.memfd < 0 || ftruncate(e.memfd, (off_t)FILE_SIZE) != 0) {
		perror("ifd-diff: memfd");
		return 2;
	}
	/* the simulator refuses states in shared directories: make a private one */
	const char *tmp = getenv("TMPDIR");
	char dir[200];
	snprintf(dir, sizeof(dir), "%s/ifd-diff-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("ifd-diff: mkdtemp");
		return 2;
	}
	snprintf(e.state_path, sizeof(e.state_path), "%s/state", dir);
	snprintf(e.ref_state_path, sizeof(e.ref_state_path), "%s/ref", dir);

	printf("ifd-diff: seed=%" PRIu64 " sequences=%ld length=%ld mock=%s%s%s%s%s%s against=%s\n",
	       seed, sequences, length, e.mock ? "yes" : "no", e.viommu ? " viommu=yes" : "",
	       e.hw_queue ? " hw_queue=yes" : "", e.pasid ? " pasid=yes" : "",
	       e.queues ? " queues=yes" : "", e.vfio ? " vfio=yes" : "",
	       ref_kernel ? "kernel" : "sim");
	fflush(stdout);

	static struct op ops[MAX_OPS];
	long ops_run = 0;

	for (long s = 0; s < sequences; s++) {
		uint64_t sseed = seed + (uint64_t)s;
		static struct gen_state g;
		static struct live l;
		struct ifd_ctx *a = NULL, *b = NULL;
		struct result ra, rb;
		int n = 0;

		memset(&g, 0, sizeof(g));
		g.hw_queue = e.hw_queue;
		g.queues = e.queues;
		g.vfio = e.vfio;
		l.n = 0;
		rng_state = sseed * 0x9E3779B97F4A7C15ULL + 1;
		open_both(&e, ref_kernel, &a, &b);
		for (int i = 0; i < length; i++) {
			gen_op(&g, &ops[n], e.mock, e.viommu, e.pasid);
			queues_before(&e, &ops[n], a, b);
			live_before(&l, &ops[n], a, b);
			run_op(a, &ops[n], &e, &e.side[0], &ra);
			run_op(b, &ops[n], &e, &e.side[1], &rb);
			live_learn(&l, &ops[n], &ra);
			if (trace) {
				printf("  ");
				print_op(stdout, &ops[n]);
				printf("\n    -> ");
				print_result(stdout, &ra);
				printf("\n");
			}
			if (ops[n].kind == OP_QUEUE_READ && ra.ret > 0) {
				int q = qside_find(&e.side[0], ops[n].id1);

				if (q >= 0)
					stat_records[e.side[0].q[q].fault] += ra.out[1];
			}
			n++;
			ops_run++;
			if (!result_eq(&ra, &rb)) {
				close_both(&e, &l, a, b);
				report_mismatch(&e, ops, n, ref_kernel, sseed);
				remove_state(e.state_path);
				remove_state(e.ref_state_path);
				rmdir(dir);
				return 1;
			}
			gen_learn(&g, &ops[n - 1], &ra);
			stat_run[ops[n - 1].kind]++;
			stat_ok[ops[n - 1].kind] += ra.ret >= 0;
			stat_pasid(&ops[n - 1], &ra);
		}
		close_both(&e, &l, a, b);
		if (!quiet && (s + 1) % 100 == 0) {
			printf("ifd-diff: %ld sequences, %ld ops, no mismatch\n", s + 1, ops_run);
			fflush(stdout);
		}
	}
	remove_state(e.state_path);
	remove_state(e.ref_state_path);
	rmdir(dir);
	printf("ifd-diff: %ld sequences, %ld ops: no mismatch\n", sequences, ops_run);
	for (int k = 0; stats && k < OP_NR_KINDS; k++)
		if (stat_run[k])
			printf("ifd-diff: stats %-12s %7lu run %7lu succeeded\n", op_names[k],
			       stat_run[k], stat_ok[k]);
	for (int k = 0; stats && k < 4; k++)
		if (stat_pasid_run[k])
			printf("ifd-diff: stats %-13s %6lu run %7lu succeeded (at a PASID)\n",
			       pasid_op_names[k], stat_pasid_run[k], stat_pasid_ok[k]);
	if (stats && e.queues)
		printf("ifd-diff: stats records read: %lu faults, %lu vEVENT records\n",
		       stat_records[1], stat_records[0]);
	return 0;
}
