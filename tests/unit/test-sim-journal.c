// SPDX-License-Identifier: GPL-3.0-or-later
// timeout: 400 (forks and kills hundreds of processes: slow on a loaded machine)
/*
 * The undo journal and the lock, deterministically.
 *
 * For each kind of operation (every IOMMU ioctl that changes something, the
 * VFIO compatibility ones, the selftest mock's, the simulator's own), a
 * child runs it on a copy of a prepared state and is killed at journal step
 * N (the simulator's test hook), for every N the operation has.  The next
 * process to open the state must roll it back: the state is then, in its
 * logical content, byte for byte the state before (or, killed after the
 * commit, the state after), and the consistency check is clean.  Some kills
 * also kill the process doing the roll-back, at each of its steps.
 *
 * Also: lock-free statistics against a busy writer and a dead one, and
 * locks no live process holds.
 */
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/vfio.h>

#include "ifd-test-abi.h"
#include "sim/layout.h"
#include "sim-test.h"

#define PAGE 4096ull
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define U64MAX UINT64_MAX
#define BUF_LEN (16ull << 20)
#define FILE_LEN (1ull << 20)

static uint8_t *buf;		/* user memory the operations map (the same in every child) */
static bool slow;		/* under valgrind or ASan: long operations are killed at a sample
				 * of steps (the plain build kills them at every one) */
#define SLOW_ALL 40		/* (those of more steps than this) */
static int memfd = -1;		/* what MAP_FILE maps */

/* What a child reports besides success. */
struct report {
	int64_t ret;
	uint64_t steps;
};
static volatile struct report *reports;

/* ---- images ---------------------------------------------------------------------------------- */

static int read_image(const char *path, uint8_t **img, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*img = NULL;
	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	*len = (size_t)st.st_size;
	*img = malloc(*len + 1);
	if (!*img || pread(fd, *img, *len, 0) != (ssize_t)*len) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	uint8_t *img;
	size_t len;
	int fd, ret = -1;

	if (read_image(from, &img, &len))
		return -1;
	fd = open(to, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0 && pwrite(fd, img, len, 0) == (ssize_t)len)
		ret = 0;
	if (fd >= 0)
		close(fd);
	free(img);
	return ret;
}

struct span {
	uint64_t start, end;
};

struct masks {
	struct span v[4096];
	size_t n;
};

static void mask_add(struct masks *m, uint64_t start, uint64_t end)
{
	if (m->n < sizeof(m->v) / sizeof(m->v[0]))
		m->v[m->n++] = (struct span){ start, end };
}

/* What may differ between two states that hold the same: the lock, the
 * sequence count, the journal (its room in the header and its extents),
 * the file size (a roll-back leaves the file as long as it grew), and the
 * process a source was mapped by (each child is another). */
static void find_masks(const uint8_t *img, size_t len, struct masks *m)
{
	const struct sim_hdr *h = (const void *)img;
	uint64_t x = h->journal.j.first;

	mask_add(m, offsetof(struct sim_hdr, file_size), offsetof(struct sim_hdr, file_size) + 8);
	mask_add(m, offsetof(struct sim_hdr, lock), offsetof(struct sim_hdr, platform));
	for (int n = 0; x && x + sizeof(struct sim_jext) <= len && n < 64; n++) {
		const struct sim_jext *e = (const void *)(img + x);

		mask_add(m, x, x + e->size);
		x = e->next;
	}
	for (uint64_t off = SIM_HDR_SIZE; off + 96 <= h->bump && off + 96 <= len; off += 32) {
		const struct sim_pages *p = (const void *)(img + off);

		if (p->r.tag == SIM_TAG_PAGES && p->r.cls == SIM_CLS_96) {
			mask_add(m, off + offsetof(struct sim_pages, pid),
				 off + offsetof(struct sim_pages, pid) + 4);
			mask_add(m, off + offsetof(struct sim_pages, pid_start),
				 off + offsetof(struct sim_pages, pid_start) + 8);
		}
	}
}

/* The first offset where the two states' logical content differs, or -1. */
static int64_t logical_diff(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	const struct sim_hdr *ha = (const void *)a, *hb = (const void *)b;
	uint64_t end = MAX(ha->bump, hb->bump);
	static struct masks m;
	uint8_t *x, *y;
	int64_t diff = -1;

	if (end > alen || end > blen)
		return 0;
	m.n = 0;
	find_masks(a, alen, &m);
	find_masks(b, blen, &m);
	x = malloc(end);
	y = malloc(end);
	memcpy(x, a, end);
	memcpy(y, b, end);
	for (size_t i = 0; i < m.n; i++) {
		uint64_t s = MIN(m.v[i].start, end), e = MIN(m.v[i].end, end);

		memset(x + s, 0, e - s);
		memset(y + s, 0, e - s);
	}
	for (uint64_t i = 0; i < end; i++)
		if (x[i] != y[i]) {
			diff = (int64_t)i;
			break;
		}
	free(x);
	free(y);
	return diff;
}

/* ---- the operations ------------------------------------------------------------------------ */

static int tcmd(struct sim *sim, struct ifd_test_cmd *c)
{
	c->size = sizeof(*c);
	return io(sim, IFD_TEST_CMD, c);
}

static int mock_domain(struct sim *sim, uint32_t pt)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_MOCK_DOMAIN, .id = pt };

	return tcmd(sim, &c);
}

static int destroy(struct sim *sim, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return io(sim, IOMMU_DESTROY, &d);
}

static int option(struct sim *sim, uint32_t opt, uint32_t obj, uint64_t val)
{
	struct iommu_option o = { .size = sizeof(o), .option_id = opt, .op = IOMMU_OPTION_OP_SET,
				  .object_id = obj, .val64 = val };

	return io(sim, IOMMU_OPTION, &o);
}

static int vfio_ioas_set(struct sim *sim, uint32_t ioas)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v), .ioas_id = ioas, .op = IOMMU_VFIO_IOAS_SET };

	return io(sim, IOMMU_VFIO_IOAS, &v);
}

/* Ten areas over [0x1000000, +10 pages), each a page of its own source. */
static void setup_ten(struct sim *sim)
{
	uint32_t ioas = st_ioas(sim);

	for (int i = 0; i < 10; i++)
		CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf + i * PAGE, PAGE,
				      0x1000000 + i * PAGE), 0);
}

static void setup_ioas(struct sim *sim)
{
	CHECK_EQ(st_ioas(sim), 1);
}

static void setup_two_ioas(struct sim *sim)
{
	setup_ten(sim);
	CHECK_EQ(st_ioas(sim), 2);
}

static void setup_domain(struct sim *sim)
{
	setup_ten(sim);
	CHECK_EQ(mock_domain(sim, 1), 0);	/* ids 2 (selftest), 3 (device), 4 (hwpt) */
}

/* IOMMU_HWPT_ALLOC of a paging HWPT: 'dev' for 'ioas' with 'flags'. */
static int hwpt_alloc(struct sim *sim, uint32_t dev, uint32_t ioas, uint32_t flags)
{
	uint32_t w[12] = { 48, flags, dev, ioas };

	return io(sim, IOMMU_HWPT_ALLOC, w);
}

static int pasid_op(struct sim *sim, uint32_t op, uint32_t pasid, uint32_t pt)
{
	struct ifd_test_cmd c = { .op = op, .id = 2 };

	c.pasid_attach.pasid = pasid;
	c.pasid_attach.pt_id = pt;
	return tcmd(sim, &c);
}

/* A PASID device (2, 3) on PASID-compatible HWPT 5, with HWPT 6 beside it
 * and PASIDs 1, 7 and 1024 attached to 5. */
static void setup_pasid(struct sim *sim)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_MOCK_DOMAIN_FLAGS, .id = 1 };

	setup_ten(sim);
	c.mock_domain.dev_flags = IFD_MOCK_FLAGS_DEVICE_PASID;
	CHECK_EQ(tcmd(sim, &c), 0);		/* ids 2, 3, 4 (automatic) */
	CHECK_EQ(hwpt_alloc(sim, 3, 1, 1u << 3), 0);	/* 5: IOMMU_HWPT_ALLOC_PASID */
	CHECK_EQ(hwpt_alloc(sim, 3, 1, 1u << 3), 0);	/* 6 */
	c = (struct ifd_test_cmd){ .op = IFD_TEST_OP_MOCK_DOMAIN_REPLACE, .id = 2 };
	c.mock_domain_replace.pt_id = 5;
	CHECK_EQ(tcmd(sim, &c), 0);		/* 4 goes */
	CHECK_EQ(pasid_op(sim, IFD_TEST_OP_PASID_ATTACH, 1, 5), 0);
	CHECK_EQ(pasid_op(sim, IFD_TEST_OP_PASID_ATTACH, 7, 5), 0);
	CHECK_EQ(pasid_op(sim, IFD_TEST_OP_PASID_ATTACH, 1024, 5), 0);
}

static int op_pasid_attach(struct sim *sim)
{
	return pasid_op(sim, IFD_TEST_OP_PASID_ATTACH, 3, 6);
}

static int op_pasid_replace(struct sim *sim)
{
	return pasid_op(sim, IFD_TEST_OP_PASID_REPLACE, 7, 6);
}

/* The mock driver's planted failure: disarmed, the PASID stays. */
static int op_pasid_replace_1024(struct sim *sim)
{
	return pasid_op(sim, IFD_TEST_OP_PASID_REPLACE, 1024, 6) == -ENOMEM ? 0 : -1;
}

static void setup_vfio(struct sim *sim)
{
	setup_ten(sim);
	CHECK_EQ(vfio_ioas_set(sim, 1), 0);
}

static void setup_vfio_v1(struct sim *sim)
{
	uint32_t ioas = st_ioas(sim);

	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 8 * PAGE, 0x1000000), 0);
	CHECK_EQ(vfio_ioas_set(sim, ioas), 0);
	CHECK_EQ(io(sim, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1_IOMMU), 0);
}

/* Enough areas that unmapping them all outgrows the first journal extent. */
static void setup_many(struct sim *sim)
{
	uint32_t ioas = st_ioas(sim);

	for (int i = 0; i < 100; i++)
		CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf + i * PAGE, PAGE,
				      0x1000000 + i * 2 * PAGE), 0);
}

static uint64_t mem_spare;	/* a sim-memory extent no area uses, beside a free one */

/* Extents A (free again), C (spare) and B (mapped), in that order. */
static void setup_mem(struct sim *sim)
{
	uint64_t a, b;

	setup_ioas(sim);
	CHECK_EQ(sim_mem_alloc(sim, 4 * PAGE, &a), 0);
	CHECK_EQ(sim_mem_alloc(sim, 2 * PAGE, &mem_spare), 0);
	CHECK_EQ(sim_mem_alloc(sim, PAGE, &b), 0);
	CHECK_EQ(st_map(sim, 1, RW, b, PAGE, NULL), 0);
	CHECK_EQ(sim_mem_free(sim, a), 0);
}

/* A domain, and a second IOAS (5) to replace to. */
static void setup_domain_two(struct sim *sim)
{
	setup_domain(sim);
	CHECK_EQ(st_ioas(sim), 5);
}

static void setup_none(struct sim *sim)
{
	(void)sim;
}

static int op_alloc(struct sim *sim)
{
	return st_ioas(sim) ? 0 : -1;
}

static int op_map_fixed(struct sim *sim)
{
	return st_map_fixed(sim, 1, (uintptr_t)buf + 64 * PAGE, 4 * PAGE, 0x2000000);
}

static int op_map_auto(struct sim *sim)
{
	uint64_t iova = 0;

	return st_map(sim, 1, RW, (uintptr_t)buf + 64 * PAGE, 3 * PAGE, &iova);
}

static int op_map_file(struct sim *sim)
{
	struct iommu_ioas_map_file m = { .size = sizeof(m), .flags = RW | FIXED, .ioas_id = 1,
					 .fd = memfd, .start = PAGE, .length = 2 * PAGE,
					 .iova = 0x3000000 };

	return io(sim, IOMMU_IOAS_MAP_FILE, &m);
}

static int op_copy(struct sim *sim)
{
	struct iommu_ioas_copy c = { .size = sizeof(c), .flags = RW, .dst_ioas_id = 2,
				     .src_ioas_id = 1, .length = 4 * PAGE,
				     .src_iova = 0x1000000 + 3 * PAGE };

	return io(sim, IOMMU_IOAS_COPY, &c);
}

static int op_unmap_partial(struct sim *sim)
{
	return st_unmap(sim, 1, 0x1000000 + 2 * PAGE, 5 * PAGE, NULL);
}

/* Fails (ENOENT) after it removed the areas before the one only partly in
 * range: those stay removed, as in the kernel. */
static int op_unmap_fail(struct sim *sim)
{
	int ret = st_unmap(sim, 1, 0x1000000 + 2 * PAGE, 3 * PAGE + 1, NULL);

	return ret == -ENOENT ? 0 : -1;
}

static int op_unmap_all(struct sim *sim)
{
	return st_unmap(sim, 1, 0, U64MAX, NULL);
}

static int op_allow(struct sim *sim)
{
	struct iommu_iova_range r[3] = { { 0x100000, 0x1ffffff }, { 0x4000000, 0x4ffffff },
					 { 0x8000000, 0x8ffffff } };
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .ioas_id = 1, .num_iovas = 3,
					    .allowed_iovas = (uintptr_t)r };

	return io(sim, IOMMU_IOAS_ALLOW_IOVAS, &a);
}

static int op_huge_pages(struct sim *sim)
{
	return option(sim, IOMMU_OPTION_HUGE_PAGES, 1, 0);
}

static int op_destroy(struct sim *sim)
{
	return destroy(sim, 1);
}

static int op_vfio_map(struct sim *sim)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m),
					      .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
					      .vaddr = (uintptr_t)buf + 64 * PAGE,
					      .iova = 0x5000000, .size = 2 * PAGE };

	return io(sim, VFIO_IOMMU_MAP_DMA, &m);
}

/* Type1 v1: cuts the area at both ends, then unmaps the middle. */
static int op_vfio_unmap_cut(struct sim *sim)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .iova = 0x1000000 + 2 * PAGE,
						.size = 3 * PAGE };

	return io(sim, VFIO_IOMMU_UNMAP_DMA, &u);
}

static int op_mock_domain(struct sim *sim)
{
	return mock_domain(sim, 1);
}

/* To a new automatic domain of the second IOAS; the old one goes. */
static int op_mock_replace(struct sim *sim)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_MOCK_DOMAIN_REPLACE, .id = 2 };

	c.mock_domain_replace.pt_id = 5;
	return tcmd(sim, &c);
}

static int op_add_reserved(struct sim *sim)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_ADD_RESERVED, .id = 1 };

	c.add_reserved.start = 0x7000000;
	c.add_reserved.length = 0x100000;
	return tcmd(sim, &c);
}

/* Detach, unbind, and the automatic domain goes with its last device. */
static int op_destroy_selftest(struct sim *sim)
{
	return destroy(sim, 2);
}

/* Pinning fails (the source is not mapped): nothing of the map stays. */
static int op_map_pin_fail(struct sim *sim)
{
	int ret = st_map_fixed(sim, 1, 0x10000, PAGE, 0x2000000);

	return ret == -EFAULT ? 0 : -1;
}

static int op_mem_alloc_grow(struct sim *sim)
{
	uint64_t va;

	/* past the initial file: the state grows */
	return sim_mem_alloc(sim, 4ull << 20, &va);
}

/* A page of the free extent A: it is split. */
static int op_mem_reuse(struct sim *sim)
{
	uint64_t va;

	return sim_mem_alloc(sim, PAGE, &va);
}

/* C goes back, merged with the free A before it. */
static int op_mem_free(struct sim *sim)
{
	return sim_mem_free(sim, mem_spare);
}

static int op_reset(struct sim *sim)
{
	return sim_reset(sim);
}

struct scenario {
	const char *name;
	void (*setup)(struct sim *sim);
	int (*op)(struct sim *sim);
};

#define UNMAP_ALL (&scenarios[8])
static const struct scenario scenarios[] = {
	{ "IOAS_ALLOC", setup_none, op_alloc },
	{ "IOAS_ALLOC (second)", setup_ten, op_alloc },
	{ "IOAS_MAP fixed", setup_ten, op_map_fixed },
	{ "IOAS_MAP auto", setup_ten, op_map_auto },
	{ "IOAS_MAP_FILE", setup_ten, op_map_file },
	{ "IOAS_COPY", setup_two_ioas, op_copy },
	{ "IOAS_UNMAP partial", setup_ten, op_unmap_partial },
	{ "IOAS_UNMAP failing half way", setup_ten, op_unmap_fail },
	{ "IOAS_UNMAP all", setup_ten, op_unmap_all },		/* UNMAP_ALL */
	{ "IOAS_UNMAP all, journal grows", setup_many, op_unmap_all },
	{ "IOAS_ALLOW_IOVAS", setup_ioas, op_allow },
	{ "OPTION HUGE_PAGES", setup_ten, op_huge_pages },
	{ "DESTROY with areas", setup_ten, op_destroy },
	{ "VFIO MAP_DMA", setup_vfio, op_vfio_map },
	{ "VFIO UNMAP_DMA cutting", setup_vfio_v1, op_vfio_unmap_cut },
	{ "TEST MOCK_DOMAIN", setup_ten, op_mock_domain },
	{ "TEST MOCK_DOMAIN_REPLACE", setup_domain_two, op_mock_replace },
	{ "TEST ADD_RESERVED", setup_ten, op_add_reserved },
	{ "DESTROY selftest", setup_domain, op_destroy_selftest },
	{ "TEST PASID_ATTACH", setup_pasid, op_pasid_attach },
	{ "TEST PASID_REPLACE", setup_pasid, op_pasid_replace },
	{ "TEST PASID_REPLACE failing at 1024", setup_pasid, op_pasid_replace_1024 },
	{ "DESTROY selftest with PASIDs (detached first)", setup_pasid, op_destroy_selftest },
	{ "IOAS_MAP with a domain, pin fails", setup_domain, op_map_pin_fail },
	{ "IOAS_MAP with a domain", setup_domain, op_map_fixed },
	{ "sim memory, the state grows", setup_ioas, op_mem_alloc_grow },
	{ "sim memory reused", setup_mem, op_mem_reuse },
	{ "sim memory freed", setup_mem, op_mem_free },
	{ "sim reset", setup_domain, op_reset },
};

/* ---- one scenario ------------------------------------------------------------------------------ */

/* Open 'path', kill this process at step 'crash_at' (0: never) of the
 * operation, report what it returned and how many steps it took. */
static void run_op(const char *path, const struct scenario *sc, uint64_t crash_at, int slot)
{
	struct sim *sim;
	int err, ret;

	sim = st_open_path(path, 0, &err);
	if (!sim)
		st_child_exit(slot, 0);
	sim_test_crash_at(sim, crash_at);
	ret = sc->op(sim);
	reports[slot].ret = ret;
	reports[slot].steps = sim_test_steps(sim);
	st_child_exit(slot, 1);
}

/* Open, so that the lock rolls back what the dead child left; check. */
static int settle(const char *path, char *report, size_t len)
{
	struct sim *sim;
	int err, ret;

	sim = st_open_path(path, 0, &err);
	if (!sim) {
		snprintf(report, len, "open: %d %s", err, st_detail);
		return err;
	}
	ret = sim_check(sim, report, len);
	sim_close(sim);
	return ret;
}

/* Kill a roll-back at each of its steps too, once per scenario; returns
 * how many steps it has. */
static unsigned int double_crashes(const char *work, const char *before_path, uint64_t n,
				   const struct scenario *sc, const uint8_t *before, size_t blen)
{
	unsigned int done = 0;

	for (uint64_t m = 1; m < 100000; m++) {
		int go[2], ready[2];
		pid_t rec, victim;
		char report[2048];
		uint8_t *img;
		size_t len;
		bool survived;

		CHECK_EQ(copy_file(before_path, work), 0);
		CHECK_EQ(pipe(go), 0);
		CHECK_EQ(pipe(ready), 0);
		rec = st_fork(1);
		if (rec == 0) {
			int err;
			struct sim *s = st_open_path(work, 0, &err);
			struct ifd_sim_info info;
			char c;

			close(go[1]);
			close(ready[0]);
			/* open before the victim runs: its roll-back is ours to do */
			if (!s || write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
				st_child_exit(1, 0);
			sim_test_crash_at(s, m);
			/* the first entry after the victim died: the roll-back */
			sim_info(s, &info);
			st_child_exit(1, 1);
		}
		close(go[0]);
		close(ready[1]);
		{
			char c;

			CHECK_EQ(read(ready[0], &c, 1), 1);
			close(ready[0]);
		}
		victim = st_fork(0);
		if (victim == 0)
			run_op(work, sc, n, 0);
		CHECK(!st_child_ok(victim, 0));
		CHECK_EQ(write(go[1], "x", 1), 1);
		close(go[1]);
		survived = st_child_ok(rec, 1);
		CHECK_EQ(settle(work, report, sizeof(report)), 0);
		CHECK_EQ(read_image(work, &img, &len), 0);
		if (img) {
			int64_t d = logical_diff(before, blen, img, len);

			if (d >= 0)
				fprintf(stderr, "%s: killed at %llu, its roll-back at %llu: state "
					"differs at 0x%llx\n", sc->name, (unsigned long long)n,
					(unsigned long long)m, (unsigned long long)d);
			CHECK(d < 0);
			free(img);
		}
		if (survived)
			break;
		done++;
	}
	return done;
}

/* A new state made by 'setup' at 'path', and a copy of it at 'work' for an
 * operation to be killed in: 0, or -1 (the failure checked). */
static int new_state_and_copy(void (*setup)(struct sim *), char *path, size_t plen, char *work,
			      size_t wlen)
{
	struct sim *sim = st_open_new("default", 0, path, plen);

	CHECK(sim != NULL);
	if (!sim)
		return -1;
	setup(sim);
	sim_close(sim);
	snprintf(work, wlen, "%s.work", path);
	CHECK_EQ(copy_file(path, work), 0);
	return 0;
}

static void run_scenario(const struct scenario *sc)
{
	char before_path[PATH_MAX - 16], after_path[PATH_MAX], work[PATH_MAX], report[2048];
	uint8_t *before = NULL, *after = NULL;
	size_t blen = 0, alen = 0;
	uint64_t steps, kills = 0, doubles = 0;
	struct sim *sim;
	pid_t pid;

	/* the state before */
	sim = st_open_new("default", 0, before_path, sizeof(before_path));
	CHECK(sim != NULL);
	if (!sim)
		return;
	sc->setup(sim);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
	CHECK_EQ(read_image(before_path, &before, &blen), 0);

	/* the state after, and how many steps the operation takes */
	snprintf(after_path, sizeof(after_path), "%s.after", before_path);
	snprintf(work, sizeof(work), "%s.work", before_path);
	CHECK_EQ(copy_file(before_path, after_path), 0);
	pid = st_fork(0);
	if (pid == 0)
		run_op(after_path, sc, 0, 0);
	CHECK(st_child_ok(pid, 0));
	CHECK_EQ(reports[0].ret, 0);
	steps = reports[0].steps;
	CHECK(steps > 1);
	CHECK_EQ(settle(after_path, report, sizeof(report)), 0);
	CHECK_EQ(read_image(after_path, &after, &alen), 0);
	if (!before || !after)
		return;
	CHECK(logical_diff(before, blen, after, alen) >= 0);

	for (uint64_t n = 1; n <= steps; n++) {
		const uint8_t *want = n == steps ? after : before;
		bool sample = !slow || steps <= SLOW_ALL || n <= 10 || steps - n < 10 || n % 8 == 0;
		size_t wlen = n == steps ? alen : blen;
		uint8_t *img;
		size_t len;
		int64_t d;

		if (!sample)
			continue;
		CHECK_EQ(copy_file(before_path, work), 0);
		pid = st_fork(0);
		if (pid == 0)
			run_op(work, sc, n, 0);
		if (st_child_ok(pid, 0)) {
			fprintf(stderr, "%s: not killed at step %llu of %llu\n", sc->name,
				(unsigned long long)n, (unsigned long long)steps);
			CHECK(0);
			break;
		}
		kills++;
		if (settle(work, report, sizeof(report))) {
			fprintf(stderr, "%s: killed at step %llu of %llu: %s\n", sc->name,
				(unsigned long long)n, (unsigned long long)steps, report);
			CHECK(0);
			break;
		}
		CHECK_EQ(read_image(work, &img, &len), 0);
		if (!img)
			break;
		d = logical_diff(want, wlen, img, len);
		if (d >= 0) {
			fprintf(stderr, "%s: killed at step %llu of %llu: the state differs from the "
				"one %s at 0x%llx\n", sc->name, (unsigned long long)n,
				(unsigned long long)steps, n == steps ? "after" : "before",
				(unsigned long long)d);
			CHECK(0);
			free(img);
			break;
		}
		/* what is longer than the header is cut back */
		CHECK_EQ(len, ((const struct sim_hdr *)(const void *)img)->file_size);
		free(img);
		if (n == steps / 2 && (!slow || steps <= SLOW_ALL))
			doubles = double_crashes(work, before_path, n, sc, before, blen);
	}
	printf("     %-34s %4llu steps, killed at %s; at %llu, its roll-back at each of %llu\n",
	       sc->name, (unsigned long long)steps, slow && steps > SLOW_ALL ? "a sample" : "each",
	       (unsigned long long)(steps / 2), (unsigned long long)doubles);
	free(before);
	free(after);
}

/* An operation killed after it made records past the bump pointer leaves
 * their bytes in the file when it is rolled back; a later carve's alignment
 * padding, from the restored bump to a page boundary, covers them, and the
 * check must see padding there, not records. */
static void test_padding_over_undone_records(void)
{
	static const struct scenario map = { "IOAS_MAP with a domain", setup_domain, op_map_fixed };
	static const struct scenario mem = { "sim memory", setup_none, op_mem_reuse };
	char before_path[PATH_MAX - 16], work[PATH_MAX], report[2048];
	uint64_t steps, tried = 0;
	pid_t pid;

	if (new_state_and_copy(setup_domain, before_path, sizeof(before_path), work, sizeof(work)))
		return;
	pid = st_fork(0);
	if (pid == 0)
		run_op(work, &map, 0, 0);
	CHECK(st_child_ok(pid, 0));
	steps = reports[0].steps;
	for (uint64_t n = steps / 2; n < steps; n++) {
		CHECK_EQ(copy_file(before_path, work), 0);
		pid = st_fork(0);
		if (pid == 0)
			run_op(work, &map, n, 0);
		if (st_child_ok(pid, 0))
			continue;
		/* rolled back, then a page of sim memory carved after it */
		pid = st_fork(0);
		if (pid == 0)
			run_op(work, &mem, 0, 0);
		CHECK(st_child_ok(pid, 0));
		CHECK_EQ(reports[0].ret, 0);
		if (settle(work, report, sizeof(report))) {
			fprintf(stderr, "killed at step %llu of %llu, then sim memory: %s\n",
				(unsigned long long)n, (unsigned long long)steps, report);
			CHECK(0);
			break;
		}
		tried++;
	}
	CHECK(tried > 0);
}

static void test_crash_every_step(void)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		run_scenario(&scenarios[i]);
}

/* 6000 one-page areas in IOAS 1: enough records that the journal grows
 * extents the commit then trims. */
static void setup_6000_pages(struct sim *sim)
{
	CHECK_EQ(st_ioas(sim), 1);
	for (int i = 0; i < 6000; i++)
		CHECK_EQ(st_map_fixed(sim, 1, (uintptr_t)buf, PAGE, 0x1000000 + i * 2 * PAGE), 0);
}

/* Unmapping thousands of areas journals more than the journal keeps: after
 * the commit its extents at the arena's end go back, one by one.  Killed at
 * each step of that, the state is the one after, the check clean, and the
 * journal small again after the next operation. */
static void test_crash_in_trim(void)
{
	char path[PATH_MAX - 16], work[PATH_MAX], report[2048];
	struct ifd_sim_stats s;
	uint64_t steps, commit = 0;
	unsigned int tried = 0;
	pid_t pid;

	if (new_state_and_copy(setup_6000_pages, path, sizeof(path), work, sizeof(work)))
		return;
	pid = st_fork(0);
	if (pid == 0)
		run_op(work, UNMAP_ALL, 0, 0);
	CHECK(st_child_ok(pid, 0));
	steps = reports[0].steps;
	/* from the last step back to the commit: the state after, whatever
	 * the trimming had done */
	for (uint64_t n = steps; n > 0 && !commit; n--) {
		struct sim *t;
		int err;

		CHECK_EQ(copy_file(path, work), 0);
		pid = st_fork(0);
		if (pid == 0)
			run_op(work, UNMAP_ALL, n, 0);
		CHECK(!st_child_ok(pid, 0));
		CHECK_EQ(settle(work, report, sizeof(report)), 0);
		t = st_open_path(work, 0, &err);
		if (!t)
			break;
		CHECK_EQ(sim_stats(t, &s), 0);
		if (s.nr_areas) {
			commit = n + 1;	/* rolled back: before the commit */
			CHECK_EQ(s.nr_areas, 6000);
		} else {
			tried++;
			CHECK_EQ(st_ioas(t), 2);
			CHECK_EQ(sim_stats(t, &s), 0);
			if (s.journal_bytes > (1u << 20))
				fprintf(stderr, "killed at %llu of %llu: %llu journal bytes\n",
					(unsigned long long)n, (unsigned long long)steps,
					(unsigned long long)s.journal_bytes);
			CHECK(s.journal_bytes <= (1u << 20));
			CHECK_EQ(st_check(t), 0);
		}
		sim_close(t);
	}
	printf("     killed at each of %u steps after the commit (of %llu)\n", tried,
	       (unsigned long long)steps);
	CHECK(tried >= 3);	/* the commit, and at least one extent given back */
}

/* ---- lock-free statistics ------------------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/*
 * A writer maps and unmaps one page at a time; within each operation the
 * header's area count and mapped bytes change apart, so a torn copy shows as
 * mapped_bytes != nr_areas * PAGE.  The reader never takes the lock: the
 * writer is never held up by it.
 */
static void test_stats_busy_writer(void)
{
	char path[PATH_MAX];
	struct sim *sim = st_open_new("default", 0, path, sizeof(path));
	struct ifd_sim_stats s;
	uint64_t last_gen = 0, reads = 0, torn = 0, backwards = 0, retries = 0, end;
	volatile uint64_t *writer_ops;
	pid_t pid;

	CHECK(sim != NULL);
	if (!sim)
		return;
	CHECK_EQ(st_ioas(sim), 1);
	writer_ops = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	*writer_ops = 0;
	pid = st_fork(0);
	if (pid == 0) {
		int err;
		struct sim *w = st_open_path(path, 0, &err);
		uint64_t stop = now_ms() + 1500;

		for (uint64_t i = 0; w && now_ms() < stop; i++) {
			uint64_t iova = 0x1000000 + (i % 64) * PAGE;

			if (st_map_fixed(w, 1, (uintptr_t)buf, PAGE, iova) ||
			    st_unmap(w, 1, iova, PAGE, NULL))
				st_child_exit(0, 0);
			/* keep a few mapped, for counts that move */
			if (i % 3 == 0)
				st_map_fixed(w, 1, (uintptr_t)buf, PAGE, 0x4000000 + (i % 128) * PAGE);
			(*writer_ops)++;
		}
		st_child_exit(0, w != NULL);
	}
	end = now_ms() + 1500;
	while (now_ms() < end) {
		if (sim_stats(sim, &s)) {
			CHECK(0);
			break;
		}
		reads++;
		retries += s.retries;
		torn += s.mapped_bytes != s.nr_areas * PAGE;
		backwards += s.generation < last_gen;
		last_gen = s.generation;
	}
	CHECK(st_child_ok(pid, 0));
	printf("     %llu snapshots (%llu retries) beside %llu writer operations\n",
	       (unsigned long long)reads, (unsigned long long)retries,
	       (unsigned long long)*writer_ops);
	CHECK(reads > 100);
	CHECK(*writer_ops > 100);
	CHECK_EQ(torn, 0);
	CHECK_EQ(backwards, 0);
	CHECK_EQ(sim_stats(sim, &s), 0);
	{
		struct ifd_sim_info info;

		CHECK_EQ(sim_info(sim, &info), 0);
		CHECK_EQ(s.nr_areas, info.nr_areas);
		CHECK_EQ(s.mapped_bytes, info.mapped_bytes);
		CHECK_EQ(s.generation, info.generation);
		CHECK_EQ(s.used_bytes, info.used_bytes);
	}
	munmap((void *)writer_ops, 4096);
	sim_close(sim);
}

/* A writer killed in the middle: the reader finds it dead, rolls back, and
 * reads the state as it was. */
static void test_stats_dead_writer(void)
{
	char path[PATH_MAX];
	struct sim *sim = st_open_new("default", 0, path, sizeof(path));
	struct ifd_sim_stats before, after;
	pid_t pid;

	CHECK(sim != NULL);
	if (!sim)
		return;
	setup_ten(sim);
	CHECK_EQ(sim_stats(sim, &before), 0);
	CHECK_EQ(before.nr_areas, 10);
	pid = st_fork(0);
	if (pid == 0)
		run_op(path, UNMAP_ALL, 20, 0);	/* killed at step 20 */
	CHECK(!st_child_ok(pid, 0));
	CHECK_EQ(sim_stats(sim, &after), 0);
	CHECK(after.retries > 0);		/* it met the dead writer's odd count */
	CHECK_EQ(after.nr_areas, 10);
	CHECK_EQ(after.mapped_bytes, 10 * PAGE);
	CHECK_EQ(after.generation, before.generation);
	CHECK_EQ(after.recoveries, before.recoveries + 1);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- locks nobody will release ---------------------------------------------------------------- */

static void test_stale_lock(void)
{
	char path[PATH_MAX], bad[PATH_MAX];
	struct sim *sim = st_open_new("default", 0, path, sizeof(path));
	uint8_t *img;
	size_t len;
	int err;
	uint64_t t0;

	CHECK(sim != NULL);
	if (!sim)
		return;
	setup_ten(sim);
	sim_close(sim);
	CHECK_EQ(read_image(path, &img, &len), 0);
	if (!img)
		return;
	st_path(bad, sizeof(bad), "stale.state");

	/* Held, says its word, by init: which does not use this state. */
	*(uint32_t *)(void *)((struct sim_hdr *)(void *)img)->lock = 1;
	{
		int fd = open(bad, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		CHECK(fd >= 0 && pwrite(fd, img, len, 0) == (ssize_t)len);
		close(fd);
	}
	t0 = now_ms();
	CHECK(st_open_path(bad, 0, &err) == NULL);
	CHECK_EQ(err, -ENOLCK);
	CHECK(strstr(st_detail, "thread 1") != NULL);
	CHECK(now_ms() - t0 < 10000);

	/* Not a robust shared mutex at all. */
	memset(((struct sim_hdr *)(void *)img)->lock, 0x5a, 64);
	{
		int fd = open(bad, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		CHECK(fd >= 0 && pwrite(fd, img, len, 0) == (ssize_t)len);
		close(fd);
	}
	CHECK(st_open_path(bad, 0, &err) == NULL);
	CHECK_EQ(err, -EUCLEAN);
	CHECK(strstr(st_detail, "lock") != NULL);
	free(img);
}

/* A journal whose entries point outside the file is a clear error, every
 * time, not a roll-back that writes anywhere. */
static void test_bad_journal(void)
{
	char path[PATH_MAX - 16], work[PATH_MAX], report[1024];
	const struct scenario *sc = UNMAP_ALL;
	struct sim_hdr *h;
	uint8_t *img;
	size_t len;
	pid_t pid;
	int err, fd;

	if (new_state_and_copy(setup_ten, path, sizeof(path), work, sizeof(work)))
		return;
	pid = st_fork(0);
	if (pid == 0)
		run_op(work, sc, 30, 0);
	CHECK(!st_child_ok(pid, 0));
	CHECK_EQ(read_image(work, &img, &len), 0);
	if (!img)
		return;
	h = (struct sim_hdr *)(void *)img;
	CHECK_EQ(h->journal.j.active, SIM_JOURNAL_ACTIVE);
	/* the first entry now says: put your bytes back past the end */
	{
		struct sim_jent *e = (void *)(img + h->journal.j.first + sizeof(struct sim_jext));

		e->off = len + 4096;
	}
	fd = open(work, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0 && pwrite(fd, img, len, 0) == (ssize_t)len);
	close(fd);
	for (int i = 0; i < 2; i++) {
		CHECK(st_open_path(work, 0, &err) == NULL);
		CHECK_EQ(err, -EUCLEAN);
		CHECK(strstr(st_detail, "rolled back") != NULL);
	}
	CHECK(settle(work, report, sizeof(report)) != 0);
	free(img);
}

int main(void)
{
	st_setup_dir();
	reports = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memfd = memfd_create("journal-test", MFD_CLOEXEC);
	if (reports == MAP_FAILED || buf == MAP_FAILED || memfd < 0 ||
	    ftruncate(memfd, (off_t)FILE_LEN)) {
		perror("set-up");
		return 2;
	}
	memset(buf, 0x5a, BUF_LEN);
	slow = getenv("TS_VALGRIND") && !strcmp(getenv("TS_VALGRIND"), "1");
#ifdef __SANITIZE_ADDRESS__
	slow = true;	/* every fork copies the sanitizer's shadow maps */
#endif
	UNIT_RUN(test_padding_over_undone_records);
	UNIT_RUN(test_crash_every_step);
	UNIT_RUN(test_crash_in_trim);
	UNIT_RUN(test_stats_busy_writer);
	UNIT_RUN(test_stats_dead_writer);
	UNIT_RUN(test_stale_lock);
	UNIT_RUN(test_bad_journal);
	st_cleanup();
	return unit_finish();
}
