// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The simulator's selftest mock (IOMMU_TEST_CMD): mock devices attached to
 * IOASes and HWPTs, the automatic domains they get, what attaching does to
 * the IOAS (alignment, aperture, pinning), replace, MD_CHECK_MAP/REFS and
 * the other operations.  Expected values come from the 7.2 kernel's
 * selftest.c, device.c, io_pagetable.c and its selftests
 * (tools/testing/selftests/iommu/iommufd.c).
 *
 * Tests named test_mutant_* pin down the faults planted by -DSIM_MUTANT=N:
 * each fails in the build of its mutant (make B=build-mutantN
 * CFLAGS=-DSIM_MUTANT=N unit).
 */
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include <linux/vfio.h>

#include "ifd-test-abi.h"
#include "sim/layout.h"
#include "sim-test.h"

#define PAGE 4096ull
#define U64MAX UINT64_MAX
#define MOCK_PAGE IFD_MOCK_PAGE_SIZE
#define AP_START IFD_MOCK_APERTURE_START
#define AP_LAST IFD_MOCK_APERTURE_LAST
#define FAKE_VA 0x7f0000200000ull	/* never touched: fine while nothing pins it */

static int tcmd(struct sim *sim, struct ifd_test_cmd *c)
{
	c->size = sizeof(*c);
	return io(sim, IFD_TEST_CMD, c);
}

static int mock_domain_flags(struct sim *sim, uint32_t pt, uint32_t flags, uint32_t *stdev,
			     uint32_t *hwpt, uint32_t *idev)
{
	struct ifd_test_cmd c = { .op = flags ? IFD_TEST_OP_MOCK_DOMAIN_FLAGS :
					       IFD_TEST_OP_MOCK_DOMAIN, .id = pt };
	int ret;

	c.mock_domain.dev_flags = flags;
	ret = tcmd(sim, &c);
	if (!ret) {
		if (stdev)
			*stdev = c.mock_domain.out_stdev_id;
		if (hwpt)
			*hwpt = c.mock_domain.out_hwpt_id;
		if (idev)
			*idev = c.mock_domain.out_idev_id;
	}
	return ret;
}

static int mock_domain(struct sim *sim, uint32_t pt, uint32_t *stdev, uint32_t *hwpt,
		       uint32_t *idev)
{
	return mock_domain_flags(sim, pt, 0, stdev, hwpt, idev);
}

static int mock_replace(struct sim *sim, uint32_t stdev, uint32_t *pt)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_MOCK_DOMAIN_REPLACE, .id = stdev };
	int ret;

	c.mock_domain_replace.pt_id = *pt;
	ret = tcmd(sim, &c);
	if (!ret)
		*pt = c.mock_domain_replace.pt_id;
	return ret;
}

static int add_reserved(struct sim *sim, uint32_t ioas, uint64_t start, uint64_t len)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_ADD_RESERVED, .id = ioas };

	c.add_reserved.start = start;
	c.add_reserved.length = len;
	return tcmd(sim, &c);
}

static int check_map(struct sim *sim, uint32_t hwpt, uint64_t iova, uint64_t len, const void *p)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_MD_CHECK_MAP, .id = hwpt };

	c.check_map.iova = iova;
	c.check_map.length = len;
	c.check_map.uptr = (uintptr_t)p;
	return tcmd(sim, &c);
}

static int check_refs(struct sim *sim, const void *p, uint64_t len, uint32_t refs)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_MD_CHECK_REFS };

	c.check_refs.uptr = (uintptr_t)p;
	c.check_refs.length = len;
	c.check_refs.refs = refs;
	return tcmd(sim, &c);
}

static int destroy(struct sim *sim, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return io(sim, IOMMU_DESTROY, &d);
}

/* IOVA_RANGES into r[8]; the count, or -errno. */
static int ranges(struct sim *sim, uint32_t ioas, struct iommu_iova_range *r, uint64_t *align)
{
	struct iommu_ioas_iova_ranges c = { .size = sizeof(c), .ioas_id = ioas, .num_iovas = 8,
					    .allowed_iovas = (uintptr_t)r };
	int ret = io(sim, IOMMU_IOAS_IOVA_RANGES, &c);

	if (align)
		*align = c.out_iova_alignment;
	return ret ? ret : (int)c.num_iovas;
}

/* Type and users of object 'id' ("" and 0 when there is none). */
static uint32_t users_of(struct sim *sim, uint32_t id, const char **type)
{
	static char tbuf[32];
	struct ifd_sim_object *objs = NULL;
	uint32_t users = 0;
	size_t n = 0;

	tbuf[0] = 0;
	if (!sim_objects(sim, &objs, &n)) {
		for (size_t i = 0; i < n; i++)
			if (objs[i].id == id) {
				users = objs[i].users;
				snprintf(tbuf, sizeof(tbuf), "%s", objs[i].type);
			}
		free(objs);
	}
	if (type)
		*type = tbuf;
	return users;
}

static void *buffer(size_t len, int flags)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);

	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		exit(2);
	memset(p, 0x5a, len);
	return p;
}

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define SHARED_ANON (MAP_SHARED | MAP_ANONYMOUS)

/* ---- IDs, users, EBUSY -------------------------------------------------------------------- */

static void test_ids_and_refs(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0, hwpt = 0, idev = 0, s2 = 0, h2 = 0, i2 = 0;
	const char *type;

	CHECK_EQ(ioas, 1);
	/* The selftests: stdev 2, idev 3, hwpt 4. */
	CHECK_EQ(mock_domain(sim, ioas, &stdev, &hwpt, &idev), 0);
	CHECK_EQ(stdev, 2);
	CHECK_EQ(idev, 3);
	CHECK_EQ(hwpt, 4);
	CHECK_EQ(users_of(sim, 1, &type), 2);
	CHECK(!strcmp(type, "ioas"));
	CHECK_EQ(users_of(sim, 2, &type), 1);
	CHECK(!strcmp(type, "selftest"));
	CHECK_EQ(users_of(sim, 3, &type), 3);
	CHECK(!strcmp(type, "device"));
	CHECK_EQ(users_of(sim, 4, &type), 2);
	CHECK(!strcmp(type, "hwpt_paging"));
	CHECK_EQ(st_check(sim), 0);
	/* A second device reuses the automatic domain. */
	CHECK_EQ(mock_domain(sim, ioas, &s2, &h2, &i2), 0);
	CHECK_EQ(s2, 5);
	CHECK_EQ(i2, 6);
	CHECK_EQ(h2, hwpt);
	CHECK_EQ(users_of(sim, hwpt, NULL), 3);
	/* And a device attached to the HWPT by its ID (selftest hwpt_attach). */
	CHECK_EQ(mock_domain(sim, hwpt, NULL, &h2, NULL), 0);
	CHECK_EQ(h2, hwpt);
	CHECK_EQ(destroy(sim, 7), 0);
	/* The driver owns the device; the HWPT and the IOAS are in use. */
	CHECK_EQ(destroy(sim, idev), -EBUSY);
	CHECK_EQ(destroy(sim, hwpt), -EBUSY);
	CHECK_EQ(destroy(sim, ioas), -EBUSY);
	/* Destroying one device leaves the shared domain ... */
	CHECK_EQ(destroy(sim, stdev), 0);
	CHECK_EQ(users_of(sim, hwpt, NULL), 2);
	CHECK_EQ(users_of(sim, idev, NULL), 0);
	CHECK_EQ(st_check(sim), 0);
	/* ... the last one takes it with it. */
	CHECK_EQ(destroy(sim, s2), 0);
	CHECK_EQ(users_of(sim, hwpt, NULL), 0);
	CHECK_EQ(users_of(sim, ioas, NULL), 1);
	CHECK_EQ(st_nr_objects(sim), 1);
	CHECK_EQ(destroy(sim, ioas), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static void test_failed_mock_domain_leaks_nothing(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0, hwpt = 0, idev = 0;

	/* No such IOAS: ENOENT, no ID kept (selftests test_err_mock_domain). */
	CHECK_EQ(mock_domain(sim, 99, NULL, NULL, NULL), -ENOENT);
	CHECK_EQ(st_nr_objects(sim), 1);
	/* The SELFTEST object's own ID is reserved, not published: ENOENT ... */
	CHECK_EQ(mock_domain(sim, 2, NULL, NULL, NULL), -ENOENT);
	/* ... while the device's is published: a device is not attachable to. */
	CHECK_EQ(mock_domain(sim, 3, NULL, NULL, NULL), -EINVAL);
	/* Unknown device flags (bit 1 was HUGE_IOVA before 7.x). */
	CHECK_EQ(mock_domain_flags(sim, ioas, 2, NULL, NULL, NULL), -EINVAL);
	CHECK_EQ(st_nr_objects(sim), 1);
	CHECK_EQ(mock_domain(sim, ioas, &stdev, &hwpt, &idev), 0);
	CHECK_EQ(stdev, 2);
	CHECK_EQ(idev, 3);
	CHECK_EQ(hwpt, 4);
	/* An answer that cannot be written undoes everything. */
	{
		struct ifd_test_cmd *c = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0);
		uint32_t i2 = st_ioas(sim);
		struct iommu_iova_range r[8];
		uint64_t align;

		memset(c, 0, sizeof(*c));
		c->size = sizeof(*c);
		c->op = IFD_TEST_OP_MOCK_DOMAIN;
		c->id = i2;
		mprotect(c, PAGE, PROT_READ);
		CHECK_EQ(io(sim, IFD_TEST_CMD, c), -EFAULT);
		munmap(c, PAGE);
		CHECK_EQ(st_nr_objects(sim), 5);
		CHECK_EQ(ranges(sim, i2, r, &align), 1);
		CHECK_EQ(align, 1);
		CHECK_EQ(users_of(sim, i2, NULL), 1);
	}
	CHECK_EQ(mock_domain(sim, ioas, &stdev, NULL, &idev), 0);
	CHECK_EQ(stdev, 6);
	CHECK_EQ(idev, 7);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- the envelope ------------------------------------------------------------------------ */

static void test_test_cmd_envelope(void)
{
	struct sim *sim = fresh();
	uint8_t buf[128];
	struct ifd_test_cmd *c = (void *)buf;

	memset(buf, 0, sizeof(buf));
	c->size = 67;
	c->op = IFD_TEST_OP_SET_TEMP_MEMORY_LIMIT;
	CHECK_EQ(io(sim, IFD_TEST_CMD, c), -EINVAL);
	/* 68 is enough: 'last' need not be sent */
	c->size = 68;
	c->memory_limit.limit = 65536;
	CHECK_EQ(io(sim, IFD_TEST_CMD, c), 0);
	c->size = 80;
	buf[79] = 1;
	CHECK_EQ(io(sim, IFD_TEST_CMD, c), -E2BIG);
	buf[79] = 0;
	CHECK_EQ(io(sim, IFD_TEST_CMD, c), 0);
	c->size = sizeof(*c);
	c->memory_limit.limit = 11;
	CHECK_EQ(io(sim, IFD_TEST_CMD, c), -EINVAL);
	c->memory_limit.limit = 12;
	CHECK_EQ(io(sim, IFD_TEST_CMD, c), 0);
	/* __reserved is not looked at */
	c->__reserved = 7;
	CHECK_EQ(io(sim, IFD_TEST_CMD, c), 0);
	c->op = 0;
	CHECK_EQ(io(sim, IFD_TEST_CMD, c), -EOPNOTSUPP);
	c->op = 24;
	CHECK_EQ(io(sim, IFD_TEST_CMD, c), -EOPNOTSUPP);
	/* ADD_RESERVED: length, overflow, then the IOAS */
	CHECK_EQ(add_reserved(sim, 99, PAGE, 0), -EINVAL);
	CHECK_EQ(add_reserved(sim, 99, U64MAX, 2), -EOVERFLOW);
	CHECK_EQ(add_reserved(sim, 99, PAGE, PAGE), -ENOENT);
	sim_close(sim);
}

/* ---- what attaching does to the IOAS -------------------------------------------------------- */

static void test_attach_iova_ranges(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0, hwpt = 0;
	struct iommu_iova_range r[8];
	uint64_t align = 0, iova;

	CHECK_EQ(mock_domain(sim, ioas, &stdev, &hwpt, NULL), 0);
	/* The selftest iova_ranges: one range, the mock aperture, alignment 2048. */
	CHECK_EQ(ranges(sim, ioas, r, &align), 1);
	CHECK_U64(r[0].start, AP_START);
	CHECK_U64(r[0].last, AP_LAST);
	CHECK_EQ(align, MOCK_PAGE);
	/* A reserved range inside the reserved area changes nothing. */
	CHECK_EQ(add_reserved(sim, ioas, PAGE, PAGE), 0);
	CHECK_EQ(ranges(sim, ioas, r, &align), 1);
	/* Outside the aperture: reserved (EINVAL); misaligned: EINVAL. */
	CHECK_EQ(st_map_fixed(sim, ioas, FAKE_VA, PAGE, AP_START - PAGE), -EINVAL);
	CHECK_EQ(st_map_fixed(sim, ioas, FAKE_VA, PAGE, AP_LAST + 1), -EINVAL);
	CHECK_EQ(st_map_fixed(sim, ioas, FAKE_VA, PAGE, AP_START + 0x400), -EINVAL);
	/* Every length not a multiple of the mock page (selftest ioas_iova_alloc). */
	CHECK_EQ(st_map(sim, ioas, RW, FAKE_VA, 0x400, &iova), -EINVAL);
	/* Detach: the domain's reservations go, the test one stays, alignment 1. */
	CHECK_EQ(destroy(sim, stdev), 0);
	CHECK_EQ(ranges(sim, ioas, r, &align), 2);
	CHECK_U64(r[0].last, PAGE - 1);
	CHECK_U64(r[1].start, 2 * PAGE);
	CHECK_U64(r[1].last, U64MAX);
	CHECK_EQ(align, 1);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static void test_attach_eaddrinuse(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0;
	struct iommu_iova_range r[8], allow = { 0x1000, 0x1fff };
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .ioas_id = ioas, .num_iovas = 1,
					    .allowed_iovas = (uintptr_t)&allow };
	uint8_t *buf = buffer(4 * PAGE, ANON);
	uint64_t align;

	/* An allowed range where the aperture's complement goes (the selftest
	 * area_allowed, device side). */
	CHECK_EQ(io(sim, IOMMU_IOAS_ALLOW_IOVAS, &a), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), -EADDRINUSE);
	CHECK_EQ(st_nr_objects(sim), 1);
	CHECK_EQ(ranges(sim, ioas, r, &align), 1);
	CHECK_EQ(align, 1);
	/* Inside the aperture it is fine. */
	allow = (struct iommu_iova_range){ AP_START, AP_START + 0xfffff };
	CHECK_EQ(io(sim, IOMMU_IOAS_ALLOW_IOVAS, &a), 0);
	CHECK_EQ(mock_domain(sim, ioas, &stdev, NULL, NULL), 0);
	CHECK_EQ(destroy(sim, stdev), 0);
	a.num_iovas = 0;
	CHECK_EQ(io(sim, IOMMU_IOAS_ALLOW_IOVAS, &a), 0);
	/* An area the new alignment does not fit: EADDRINUSE before anything else. */
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf + 1, 3, AP_START + 1), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), -EADDRINUSE);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
	/* An area outside the aperture. */
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, PAGE, PAGE), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), -EADDRINUSE);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, PAGE, AP_LAST + 1), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), -EADDRINUSE);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
	CHECK_EQ(st_nr_objects(sim), 1);
	CHECK_EQ(ranges(sim, ioas, r, &align), 1);
	CHECK_EQ(align, 1);
	/* An aligned area inside is pinned and kept. */
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 2 * PAGE, AP_START), 0);
	CHECK_EQ(mock_domain(sim, ioas, &stdev, NULL, NULL), 0);
	CHECK_EQ(nr_areas(sim, ioas), 1);
	/* With a domain the IOAS cannot go, areas or not (selftest ioas_area_destroy). */
	CHECK_EQ(destroy(sim, ioas), -EBUSY);
	CHECK_EQ(st_check(sim), 0);
	munmap(buf, 4 * PAGE);
	sim_close(sim);
}

/* ---- pinning ------------------------------------------------------------------------------ */

/* Memory nothing can be read from, that stays so: an inaccessible mapping,
 * which no later mmap (the journal verifier's, the sanitizers') can land on
 * as it could on an unmapped hole. */
static int hole(void *p, size_t len)
{
	return mmap(p, len, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
		    0) == MAP_FAILED ? -1 : 0;
}

static void test_pin_faults(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), i2 = st_ioas(sim), stdev = 0;
	size_t len = 8 * PAGE;
	uint8_t *buf = buffer(len, ANON);
	struct iommu_iova_range r[8];
	uint64_t iova, align;

	CHECK_EQ(mock_domain(sim, ioas, &stdev, NULL, NULL), 0);
	/* The selftest basic: EFAULT half way through mapping, the area gone ... */
	CHECK_EQ(hole(buf + len / 2, len / 2), 0);
	CHECK_EQ(st_map(sim, ioas, RW, (uintptr_t)buf, len, &iova), -EFAULT);
	CHECK(strstr(st_detail, "not all mapped") != NULL);
	CHECK_EQ(nr_areas(sim, ioas), 0);
	CHECK_EQ(st_check(sim), 0);
	/* ... and on the first page. */
	CHECK_EQ(hole(buf, len / 2), 0);
	CHECK_EQ(st_map(sim, ioas, RW, (uintptr_t)buf, len, &iova), -EFAULT);
	CHECK_EQ(nr_areas(sim, ioas), 0);
	/* A fixed map too, and a copy from an IOAS without a domain. */
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, PAGE, AP_START), -EFAULT);
	CHECK_EQ(st_map_fixed(sim, i2, (uintptr_t)buf, PAGE, AP_START), 0);
	{
		struct iommu_ioas_copy c = { .size = sizeof(c), .flags = RW | FIXED,
					     .dst_ioas_id = ioas, .src_ioas_id = i2,
					     .length = PAGE, .dst_iova = AP_START,
					     .src_iova = AP_START };

		CHECK_EQ(io(sim, IOMMU_IOAS_COPY, &c), -EFAULT);
	}
	CHECK_EQ(nr_areas(sim, ioas), 0);
	/* Without a domain nothing is pinned: the map is taken, the attach fails
	 * and leaves the IOAS as it was. */
	CHECK_EQ(mock_domain(sim, i2, NULL, NULL, NULL), -EFAULT);
	CHECK(strstr(st_detail, "not all mapped") != NULL);
	CHECK_EQ(ranges(sim, i2, r, &align), 1);
	CHECK_EQ(align, 1);
	CHECK_EQ(st_nr_objects(sim), 5);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static void test_pin_protections(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	uint8_t *ro = buffer(2 * PAGE, ANON), *none = buffer(PAGE, ANON);
	uint64_t iova, va;

	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), 0);
	mprotect(ro, 2 * PAGE, PROT_READ);
	mprotect(none, PAGE, PROT_NONE);
	/* A writeable source needs writable memory; a readable one readable memory. */
	CHECK_EQ(st_map(sim, ioas, RW, (uintptr_t)ro, PAGE, &iova), -EFAULT);
	CHECK_EQ(st_map(sim, ioas, IOMMU_IOAS_MAP_READABLE, (uintptr_t)ro, PAGE, &iova), 0);
	CHECK_EQ(st_map(sim, ioas, IOMMU_IOAS_MAP_READABLE, (uintptr_t)none, PAGE, &iova), -EFAULT);
	/* Sim memory is always there. */
	CHECK_EQ(sim_mem_alloc(sim, 4 * PAGE, &va), 0);
	CHECK_EQ(st_map(sim, ioas, RW, va, 4 * PAGE, &iova), 0);
	CHECK_EQ(check_map(sim, 4, iova, 4 * PAGE, (void *)(uintptr_t)va), 0);
	CHECK_EQ(check_map(sim, 4, iova, PAGE, (void *)(uintptr_t)(va + PAGE)), -EINVAL);
	CHECK_EQ(st_check(sim), 0);
	munmap(ro, 2 * PAGE);
	munmap(none, PAGE);
	sim_close(sim);
}

/* The area of a process that is gone cannot be pinned. */
static void test_pin_other_process(void)
{
	char path[PATH_MAX];
	struct sim *sim = st_open_new("default", 0, path, sizeof(path));
	uint32_t ioas;
	pid_t pid;

	CHECK(sim != NULL);
	if (!sim)
		return;
	ioas = st_ioas(sim);
	pid = st_fork(0);
	if (pid == 0) {
		uint8_t *b = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0);
		int ok = b != MAP_FAILED && st_map_fixed(sim, ioas, (uintptr_t)b, PAGE, AP_START) == 0;

		st_child_exit(0, ok);
	}
	CHECK(st_child_ok(pid, 0));
	CHECK_EQ(nr_areas(sim, ioas), 1);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), -EFAULT);
	CHECK(strstr(st_detail, "is gone") != NULL);
	/* Unmapped, the way is free. */
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static int map_file(struct sim *sim, uint32_t ioas, int fd, uint64_t start, uint64_t len,
		    uint64_t *iova)
{
	struct iommu_ioas_map_file m = { .size = sizeof(m), .flags = RW, .ioas_id = ioas,
					 .fd = fd, .start = start, .length = len,
					 .iova = *iova };

	if (*iova)
		m.flags |= FIXED;
	int ret = io(sim, IOMMU_IOAS_MAP_FILE, &m);

	if (!ret && iova)
		*iova = m.iova;
	return ret;
}

static void test_pin_files(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), i2 = st_ioas(sim), hwpt = 0;
	int mfd = memfd_create("sim-mock", MFD_CLOEXEC), exe;
	uint64_t iova;
	uint8_t *m;

	CHECK(mfd >= 0);
	CHECK_EQ(ftruncate(mfd, 8 * PAGE), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, &hwpt, NULL), 0);
	/* The selftest basic (file): past the end of the memfd, EINVAL ... */
	iova = 0;
	CHECK_EQ(map_file(sim, ioas, mfd, 0, 8 * PAGE + 1, &iova), -EINVAL);
	CHECK_EQ(nr_areas(sim, ioas), 0);
	CHECK_EQ(map_file(sim, ioas, mfd, 0, 8 * PAGE, &iova), 0);
	/* ... and MD_CHECK_MAP finds the file's pages through a shared mapping. */
	m = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	CHECK(m != MAP_FAILED);
	CHECK_EQ(check_map(sim, hwpt, iova, 8 * PAGE, m), 0);
	CHECK_EQ(check_map(sim, hwpt, iova, MOCK_PAGE, m + PAGE), -EINVAL);
	CHECK_EQ(check_refs(sim, m, 8 * PAGE, 1), 0);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
	CHECK_EQ(check_refs(sim, m, 8 * PAGE, 0), 0);
	munmap(m, 8 * PAGE);
	/* Shrunk after a lazy map: the attach finds it short. */
	iova = AP_START;
	CHECK_EQ(map_file(sim, i2, mfd, 0, 8 * PAGE, &iova), 0);
	CHECK_EQ(ftruncate(mfd, 0), 0);
	CHECK_EQ(mock_domain(sim, i2, NULL, NULL, NULL), -EINVAL);
	CHECK_EQ(st_unmap(sim, i2, 0, U64MAX, NULL), 0);
	/* A file that is not shmem or hugetlbfs cannot be pinned. */
	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe >= 0) {
		struct statfs sf;

		if (fstatfs(exe, &sf) == 0 && sf.f_type != TMPFS_MAGIC) {
			struct iommu_ioas_map_file mf = { .size = sizeof(mf),
							  .flags = IOMMU_IOAS_MAP_READABLE,
							  .ioas_id = ioas, .fd = exe, .length = PAGE };

			CHECK_EQ(io(sim, IOMMU_IOAS_MAP_FILE, &mf), -EINVAL);
			if (!strstr(st_detail, "shmem"))
				fprintf(stderr, "detail: %s\n", st_detail);
			CHECK(strstr(st_detail, "shmem") != NULL);
		}
		close(exe);
	}
	close(mfd);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- automatic domains: reuse, teardown, replace ---------------------------------------------- */

static void test_replace(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0, hwpt = 0, idev = 0, i2, pt, s2 = 0;
	struct iommu_iova_range r[8];
	uint64_t align;

	CHECK_EQ(mock_domain(sim, ioas, &stdev, &hwpt, &idev), 0);
	i2 = st_ioas(sim);
	CHECK_EQ(i2, 5);
	/* To another IOAS: a new domain there, the old one goes with its last device. */
	pt = i2;
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	CHECK_EQ(pt, 6);
	CHECK_EQ(users_of(sim, hwpt, NULL), 0);
	CHECK_EQ(ranges(sim, ioas, r, &align), 1);
	CHECK_U64(r[0].start, 0);
	CHECK_EQ(align, 1);
	CHECK_EQ(ranges(sim, i2, r, &align), 1);
	CHECK_U64(r[0].start, AP_START);
	/* The old HWPT is gone (selftest replace, one domain). */
	pt = hwpt;
	CHECK_EQ(mock_replace(sim, stdev, &pt), -ENOENT);
	/* The same IOAS again: the same domain. */
	pt = i2;
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	CHECK_EQ(pt, 6);
	pt = 6;
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	/* Back: the lowest free ID again. */
	pt = ioas;
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	CHECK_EQ(pt, 4);
	CHECK_EQ(users_of(sim, 6, NULL), 0);
	CHECK_EQ(destroy(sim, i2), 0);
	/* Errors: no such selftest object, no such target, not a target. */
	pt = ioas;
	CHECK_EQ(mock_replace(sim, 99, &pt), -ENOENT);
	CHECK_EQ(mock_replace(sim, idev, &pt), -ENOENT);
	pt = 99;
	CHECK_EQ(mock_replace(sim, stdev, &pt), -ENOENT);
	pt = idev;
	CHECK_EQ(mock_replace(sim, stdev, &pt), -EINVAL);
	/* Two devices share a domain: replacing one keeps it for the other. */
	CHECK_EQ(mock_domain(sim, ioas, &s2, &pt, NULL), 0);
	CHECK_EQ(pt, 4);
	i2 = st_ioas(sim);
	{
		uint8_t *buf = buffer(PAGE, ANON);

		/* A target whose areas the new domain cannot take: nothing changes. */
		CHECK_EQ(st_map_fixed(sim, i2, (uintptr_t)buf + 1, 3, AP_START + 1), 0);
		pt = i2;
		CHECK_EQ(mock_replace(sim, stdev, &pt), -EADDRINUSE);
		CHECK_EQ(users_of(sim, 4, NULL), 3);
		CHECK_EQ(st_nr_objects(sim), 7);
		CHECK_EQ(st_unmap(sim, i2, 0, U64MAX, NULL), 0);
		munmap(buf, PAGE);
	}
	pt = i2;
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	CHECK_EQ(users_of(sim, 4, NULL), 2);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static void test_context_release(void)
{
	char path[PATH_MAX];
	struct sim *shared = st_open_new("default", 0, path, sizeof(path)), *priv;
	struct ifd_sim_info info;
	uint32_t ioas;
	int err;

	CHECK(shared != NULL);
	if (!shared)
		return;
	priv = st_open_path(path, IFD_OPEN_SIM_PRIVATE, &err);
	CHECK(priv != NULL);
	if (!priv)
		return;
	ioas = st_ioas(priv);
	CHECK_EQ(mock_domain(priv, ioas, NULL, NULL, NULL), 0);
	CHECK_EQ(mock_domain(priv, ioas, NULL, NULL, NULL), 0);
	CHECK_EQ(mock_domain(priv, st_ioas(priv), NULL, NULL, NULL), 0);
	CHECK_EQ(sim_info(shared, &info), 0);
	CHECK_EQ(info.nr_objects, 10);
	CHECK_EQ(st_check(shared), 0);
	/* Closing the "fd" destroys everything, leaves first. */
	sim_close(priv);
	CHECK_EQ(sim_info(shared, &info), 0);
	CHECK_EQ(info.nr_objects, 0);
	/* Reset does the same in the shared context. */
	ioas = st_ioas(shared);
	CHECK_EQ(mock_domain(shared, ioas, NULL, NULL, NULL), 0);
	CHECK_EQ(sim_reset(shared), 0);
	CHECK_EQ(sim_info(shared, &info), 0);
	CHECK_EQ(info.nr_objects, 0);
	CHECK_EQ(st_check(shared), 0);
	sim_close(shared);
}

/* ---- MD_CHECK_MAP, MD_CHECK_REFS ---------------------------------------------------------------- */

static void test_md_check_map(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), hwpt = 0;
	size_t len = 16 * PAGE;
	/* one page more, so that a check running past the area finds memory */
	uint8_t *buf = buffer(len + PAGE, ANON), *gone = buffer(PAGE, ANON);
	uint64_t iova;

	CHECK_EQ(mock_domain(sim, ioas, NULL, &hwpt, NULL), 0);
	CHECK_EQ(st_map(sim, ioas, RW, (uintptr_t)buf + MOCK_PAGE, len - MOCK_PAGE, &iova), 0);
	CHECK_EQ(iova % PAGE, MOCK_PAGE);
	CHECK_EQ(check_map(sim, hwpt, iova, len - MOCK_PAGE, buf + MOCK_PAGE), 0);
	CHECK_EQ(check_map(sim, hwpt, iova + MOCK_PAGE, MOCK_PAGE, buf + PAGE), 0);
	CHECK_EQ(check_map(sim, hwpt, iova, 0, buf), 0);
	/* Another address: EINVAL; past the area: EINVAL. */
	CHECK_EQ(check_map(sim, hwpt, iova, MOCK_PAGE, buf), -EINVAL);
	CHECK_EQ(check_map(sim, hwpt, iova, len, buf + MOCK_PAGE), -EINVAL);
	/* Mock-page alignment of all three. */
	CHECK_EQ(check_map(sim, hwpt, iova + 1, MOCK_PAGE, buf + MOCK_PAGE), -EINVAL);
	CHECK_EQ(check_map(sim, hwpt, iova, MOCK_PAGE + 1, buf + MOCK_PAGE), -EINVAL);
	CHECK_EQ(check_map(sim, hwpt, iova, MOCK_PAGE, buf + 1), -EINVAL);
	CHECK_EQ(check_map(sim, hwpt, iova, MOCK_PAGE, (void *)(uintptr_t)(U64MAX - 2047)),
		 -EINVAL);
	/* Memory that is not there: EFAULT first. */
	munmap(gone, PAGE);
	CHECK_EQ(check_map(sim, hwpt, 0, MOCK_PAGE, gone), -EFAULT);
	/* Only a HWPT_PAGING. */
	CHECK_EQ(check_map(sim, ioas, iova, MOCK_PAGE, buf + MOCK_PAGE), -ENOENT);
	CHECK_EQ(check_map(sim, 99, iova, MOCK_PAGE, buf + MOCK_PAGE), -ENOENT);
	/* A copy maps the same memory. */
	{
		struct iommu_ioas_copy c = { .size = sizeof(c), .flags = RW, .dst_ioas_id = ioas,
					     .src_ioas_id = ioas, .length = PAGE,
					     .src_iova = iova + MOCK_PAGE };

		CHECK_EQ(io(sim, IOMMU_IOAS_COPY, &c), 0);
		CHECK_EQ(check_map(sim, hwpt, c.dst_iova, PAGE, buf + PAGE), 0);
	}
	munmap(buf, len + PAGE);
	sim_close(sim);
}

static void test_md_check_refs(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), lazy = st_ioas(sim), other = st_ioas(sim);
	size_t len = 8 * PAGE;
	uint8_t *buf = buffer(len, SHARED_ANON);
	uint64_t iova, iova2;

	/* The selftests' all_aligns on a MAP_SHARED|MAP_ANONYMOUS buffer. */
	CHECK_EQ(check_refs(sim, buf, len, 0), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), 0);
	CHECK_EQ(st_map(sim, ioas, RW, (uintptr_t)buf + PAGE + MOCK_PAGE, 2 * PAGE, &iova), 0);
	CHECK_EQ(check_refs(sim, buf + PAGE, 3 * PAGE, 1), 0);
	CHECK_EQ(check_refs(sim, buf, PAGE, 0), 0);
	CHECK_EQ(check_refs(sim, buf + PAGE, PAGE, 0), -EIO);
	CHECK_EQ(check_refs(sim, buf + 4 * PAGE, 4 * PAGE, 0), 0);
	/* A map without a domain pins nothing ... */
	CHECK_EQ(st_map(sim, lazy, RW, (uintptr_t)buf, len, &iova2), 0);
	CHECK_EQ(check_refs(sim, buf, PAGE, 0), 0);
	/* ... a second map of the same memory with one pins it again ... */
	CHECK_EQ(st_map(sim, ioas, RW, (uintptr_t)buf + PAGE, PAGE, &iova2), 0);
	CHECK_EQ(check_refs(sim, buf + PAGE, PAGE, 2), 0);
	CHECK_EQ(st_unmap(sim, ioas, iova2, PAGE, NULL), 0);
	/* ... a copy into another domain shares the pin. */
	CHECK_EQ(mock_domain(sim, other, NULL, NULL, NULL), 0);
	{
		struct iommu_ioas_copy c = { .size = sizeof(c), .flags = RW, .dst_ioas_id = other,
					     .src_ioas_id = ioas, .length = PAGE, .src_iova = iova };

		CHECK_EQ(io(sim, IOMMU_IOAS_COPY, &c), 0);
	}
	CHECK_EQ(check_refs(sim, buf + PAGE, PAGE, 1), 0);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
	/* the copy's bytes [PAGE + 2048, 2 * PAGE + 2048) are on two pages */
	CHECK_EQ(check_refs(sim, buf + PAGE, 2 * PAGE, 1), 0);
	CHECK_EQ(check_refs(sim, buf + 3 * PAGE, PAGE, 0), 0);
	/* Alignment, then faults. */
	CHECK_EQ(check_refs(sim, buf + 1, PAGE, 0), -EINVAL);
	CHECK_EQ(check_refs(sim, buf, PAGE + 1, 0), -EINVAL);
	munmap(buf, len);
	CHECK_EQ(check_refs(sim, buf, PAGE, 0), -EFAULT);
	sim_close(sim);
}

/* ---- HUGE_PAGES with a domain ------------------------------------------------------------------- */

static int huge_pages(struct sim *sim, uint32_t ioas, uint64_t val)
{
	struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
				  .op = IOMMU_OPTION_OP_SET, .object_id = ioas, .val64 = val };

	return io(sim, IOMMU_OPTION, &o);
}

static void test_huge_pages_with_domain(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), i2 = st_ioas(sim), stdev = 0;
	struct iommu_iova_range r[8];
	uint8_t *buf = buffer(2 * PAGE, ANON);
	uint64_t align;

	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), 0);
	/* A domain and no areas: fine (selftest ioas_option_huge_pages, mock). */
	CHECK_EQ(huge_pages(sim, ioas, 0), 0);
	CHECK_EQ(ranges(sim, ioas, r, &align), 1);
	CHECK_EQ(align, PAGE);
	CHECK_EQ(huge_pages(sim, ioas, 1), 0);
	CHECK_EQ(ranges(sim, ioas, r, &align), 1);
	CHECK_EQ(align, MOCK_PAGE);
	/* A domain and areas: EINVAL, however aligned the areas are. */
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, PAGE, AP_START), 0);
	CHECK_EQ(huge_pages(sim, ioas, 0), -EINVAL);
	/* Already off: nothing to do, no error. */
	CHECK_EQ(huge_pages(sim, i2, 0), 0);
	CHECK_EQ(st_map_fixed(sim, i2, (uintptr_t)buf, PAGE, AP_START), 0);
	CHECK_EQ(mock_domain(sim, i2, &stdev, NULL, NULL), 0);
	CHECK_EQ(ranges(sim, i2, r, &align), 1);
	CHECK_EQ(align, PAGE);
	CHECK_EQ(huge_pages(sim, i2, 0), 0);
	CHECK_EQ(destroy(sim, stdev), 0);
	CHECK_EQ(ranges(sim, i2, r, &align), 1);
	CHECK_EQ(align, PAGE);
	CHECK_EQ(huge_pages(sim, i2, 1), 0);
	CHECK_EQ(ranges(sim, i2, r, &align), 1);
	CHECK_EQ(align, 1);
	CHECK_EQ(st_check(sim), 0);
	munmap(buf, 2 * PAGE);
	sim_close(sim);
}

/* ---- the other operations and commands ------------------------------------------------------------ */

static int top(struct sim *sim, uint32_t op, uint32_t id, uint32_t a, uint32_t b)
{
	struct ifd_test_cmd c = { .op = op, .id = id };

	((uint32_t *)c.raw)[0] = a;
	((uint32_t *)c.raw)[1] = b;
	return tcmd(sim, &c);
}

static void test_other_ops(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0, hwpt = 0, idev = 0;
	int p[2];

	CHECK_EQ(mock_domain(sim, ioas, &stdev, &hwpt, &idev), 0);
	/* DEV_CHECK_CACHE: the default in each of 4 entries */
	for (uint32_t i = 0; i < 4; i++)
		CHECK_EQ(top(sim, IFD_TEST_OP_DEV_CHECK_CACHE, idev, i, 0xbaddad), 0);
	CHECK_EQ(top(sim, IFD_TEST_OP_DEV_CHECK_CACHE, idev, 4, 0xbaddad), -EINVAL);
	CHECK_EQ(top(sim, IFD_TEST_OP_DEV_CHECK_CACHE, idev, 0, 0), -EINVAL);
	CHECK_EQ(top(sim, IFD_TEST_OP_DEV_CHECK_CACHE, stdev, 0, 0xbaddad), -ENOENT);
	/* No nested domains, no vIOMMU, no accesses, no dma-bufs. */
	CHECK_EQ(top(sim, IFD_TEST_OP_MD_CHECK_IOTLB, hwpt, 0, 0), -ENOENT);
	CHECK_EQ(top(sim, IFD_TEST_OP_TRIGGER_IOPF, 0, idev, 0), 0);
	CHECK_EQ(top(sim, IFD_TEST_OP_TRIGGER_IOPF, 0, 99, 0), -ENOENT);
	CHECK_EQ(top(sim, IFD_TEST_OP_TRIGGER_VEVENT, 0, idev, 0), -ENOENT);
	CHECK_EQ(top(sim, IFD_TEST_OP_CREATE_ACCESS, ioas, 0, 2), -EOPNOTSUPP);
	CHECK_EQ(top(sim, IFD_TEST_OP_CREATE_ACCESS, 99, 0, 1), -ENOENT);
	CHECK_EQ(top(sim, IFD_TEST_OP_CREATE_ACCESS, ioas, 0, 1), -EOPNOTSUPP);
	CHECK(strstr(st_detail, "not simulated yet") != NULL);
	CHECK_EQ(top(sim, IFD_TEST_OP_DESTROY_ACCESS_PAGES, 3, 0, 0), -EBADFD);
	CHECK_EQ(top(sim, IFD_TEST_OP_ACCESS_REPLACE_IOAS, 3, ioas, 0), -EBADFD);
	{
		struct ifd_test_cmd c = { .op = IFD_TEST_OP_ACCESS_RW, .id = 3 };

		c.access_rw.length = (16 << 20) + 1;
		CHECK_EQ(tcmd(sim, &c), -ENOMEM);
		c.access_rw.length = 8;
		c.access_rw.flags = 2;
		CHECK_EQ(tcmd(sim, &c), -EOPNOTSUPP);
		c.access_rw.flags = 5;
		CHECK_EQ(tcmd(sim, &c), -EBADFD);
	}
	CHECK_EQ(top(sim, IFD_TEST_OP_DMABUF_GET, 0, 0, 0), -EINVAL);
	CHECK_EQ(top(sim, IFD_TEST_OP_DMABUF_GET, 0, 512 * PAGE + 1, 0), -EINVAL);
	CHECK_EQ(top(sim, IFD_TEST_OP_DMABUF_GET, 0, 512 * PAGE, 0), -EOPNOTSUPP);
	CHECK_EQ(top(sim, IFD_TEST_OP_DMABUF_REVOKE, 0, (uint32_t)-1, 1), -EBADF);
	CHECK_EQ(pipe2(p, O_CLOEXEC), 0);
	CHECK_EQ(top(sim, IFD_TEST_OP_DMABUF_REVOKE, 0, p[0], 1), -EINVAL);
	close(p[0]);
	close(p[1]);
	/* DIRTY: arguments, the HWPT, then tracking (never on here) */
	{
		struct ifd_test_cmd c = { .op = IFD_TEST_OP_DIRTY, .id = hwpt };

		c.dirty.page_size = PAGE;
		c.dirty.length = PAGE;
		CHECK_EQ(tcmd(sim, &c), -EINVAL);
		c.dirty.uptr = 8;
		CHECK_EQ(tcmd(sim, &c), -EINVAL);
		c.id = ioas;
		CHECK_EQ(tcmd(sim, &c), -ENOENT);
		c.dirty.length = PAGE * ((16ull << 23) + 1);
		CHECK_EQ(tcmd(sim, &c), -EOVERFLOW);
	}
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static void test_pasid_ops(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0, hwpt = 0, pt;
	struct ifd_test_cmd c;

#define PASID(o, pa, x) \
	(c = (struct ifd_test_cmd){ .op = (o), .id = stdev }, c.pasid_attach.pasid = (pa), \
	 c.pasid_attach.pt_id = (x), tcmd(sim, &c))
	CHECK_EQ(mock_domain_flags(sim, ioas, IFD_MOCK_FLAGS_DEVICE_PASID, &stdev, &hwpt, NULL), 0);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_CHECK_HWPT, 0, hwpt), 0);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_CHECK_HWPT, 0, 0), -EINVAL);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_CHECK_HWPT, 7, 0), 0);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_CHECK_HWPT, 7, hwpt), -EINVAL);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_CHECK_HWPT, 7, ioas), -EINVAL);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_CHECK_HWPT, 7, 99), -ENOENT);
	/* The automatic domains are not PASID compatible. */
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_ATTACH, 7, ioas), -EINVAL);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_ATTACH, 7, hwpt), -EINVAL);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_REPLACE, 7, ioas), -EINVAL);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_DETACH, 7, 0), 0);
	/* PASID 0 is the device's own attachment. */
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_ATTACH, 0, ioas), -EBUSY);
	CHECK_EQ(st_nr_objects(sim), 4);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_DETACH, 0, 0), 0);
	CHECK_EQ(users_of(sim, hwpt, NULL), 0);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_CHECK_HWPT, 0, 0), 0);
	pt = ioas;
	CHECK_EQ(mock_replace(sim, stdev, &pt), -EINVAL);
	CHECK_EQ(st_nr_objects(sim), 3);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_ATTACH, 0, ioas), 0);
	CHECK_EQ(c.pasid_attach.pt_id, hwpt);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_ATTACH, 1, 99), -ENOENT);
	CHECK_EQ(destroy(sim, stdev), 0);
	CHECK_EQ(PASID(IFD_TEST_OP_PASID_DETACH, 0, 0), -ENOENT);
#undef PASID
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static void set64(uint32_t *b, unsigned int i, uint64_t v)
{
	memcpy(&b[i], &v, sizeof(v));
}

static uint64_t get64(const uint32_t *b, unsigned int i)
{
	uint64_t v;

	memcpy(&v, &b[i], sizeof(v));
	return v;
}

static void test_device_commands(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), idev = 0, hwpt = 0, nd = 0;
	uint32_t b[16];
	struct { uint32_t flags, test_reg; uint64_t more; } data;

	CHECK_EQ(mock_domain(sim, ioas, NULL, &hwpt, &idev), 0);
	CHECK_EQ(mock_domain_flags(sim, ioas, IFD_MOCK_FLAGS_DEVICE_NO_DIRTY |
				   IFD_MOCK_FLAGS_DEVICE_PASID, NULL, NULL, &nd), 0);
#define Z() memset(b, 0, sizeof(b))
	/* GET_HW_INFO (selftest get_hw_info): the selftest data, zero-filled past it. */
	Z(); b[0] = 40; b[2] = idev; b[3] = sizeof(data);
	memset(&data, 0xaa, sizeof(data));
	set64(b, 4, (uintptr_t)&data);
	CHECK_EQ(io(sim, IOMMU_GET_HW_INFO, b), 0);
	CHECK_EQ(b[3], 8);
	CHECK_EQ(b[6], IFD_HW_INFO_TYPE_SELFTEST);
	CHECK_EQ(data.flags, 0);
	CHECK_EQ(data.test_reg, IFD_HW_INFO_SELFTEST_REGVAL);
	CHECK_EQ(data.more, 0);
	CHECK_EQ(((uint8_t *)b)[28], 0);
	CHECK_EQ(get64(b, 8), 1 | 8);	/* DIRTY_TRACKING | PCI_ATS_NOT_SUPPORTED */
	Z(); b[0] = 40; b[2] = nd;
	CHECK_EQ(io(sim, IOMMU_GET_HW_INFO, b), 0);
	CHECK_EQ(((uint8_t *)b)[28], IFD_MOCK_PASID_WIDTH);
	CHECK_EQ(get64(b, 8), 8);
	Z(); b[0] = 40; b[1] = 1; b[2] = idev; b[6] = IFD_HW_INFO_TYPE_SELFTEST + 1;
	CHECK_EQ(io(sim, IOMMU_GET_HW_INFO, b), -EOPNOTSUPP);
	Z(); b[0] = 40; b[2] = idev; b[3] = 8; set64(b, 4, 8);
	CHECK_EQ(io(sim, IOMMU_GET_HW_INFO, b), -EFAULT);
	/* HWPT_ALLOC: a missing pt_id is EINVAL; nested needs a nest parent. */
	Z(); b[0] = 48; b[2] = idev; b[3] = 99;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, b), -EINVAL);
	Z(); b[0] = 48; b[2] = idev; b[3] = hwpt;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, b), -EOPNOTSUPP);
	Z(); b[0] = 48; b[2] = idev; b[3] = hwpt; b[6] = IFD_HWPT_DATA_SELFTEST; b[7] = 4;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, b), -EINVAL);
	Z(); b[0] = 48; b[1] = 1u << 1; b[2] = nd; b[3] = ioas;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, b), -EOPNOTSUPP);
	Z(); b[0] = 48; b[2] = idev; b[3] = ioas;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, b), 0);
	CHECK_EQ(destroy(sim, b[4]), 0);
	/* Dirty tracking: the automatic domains have none. */
	Z(); b[0] = 16; b[1] = 1; b[2] = hwpt;
	CHECK_EQ(io(sim, IOMMU_HWPT_SET_DIRTY_TRACKING, b), -EOPNOTSUPP);
	Z(); b[0] = 48; b[1] = hwpt; b[4] = AP_START; b[6] = PAGE; b[8] = PAGE;
	CHECK_EQ(io(sim, IOMMU_HWPT_GET_DIRTY_BITMAP, b), -EOPNOTSUPP);
	Z(); b[0] = 48; b[1] = hwpt; b[4] = AP_START + 0x400; b[6] = PAGE; b[8] = PAGE;
	CHECK_EQ(io(sim, IOMMU_HWPT_GET_DIRTY_BITMAP, b), -EINVAL);
	/* VIOMMU_ALLOC: the selftest type needs a nest parent. */
	Z(); b[0] = 40; b[2] = 5; b[3] = idev; b[4] = hwpt;
	CHECK_EQ(io(sim, IOMMU_VIOMMU_ALLOC, b), -EOPNOTSUPP);
	Z(); b[0] = 40; b[2] = 0xdeadbeef; b[3] = idev; b[4] = hwpt;
	CHECK_EQ(io(sim, IOMMU_VIOMMU_ALLOC, b), -EINVAL);
	Z(); b[0] = 40; b[2] = 0xdeadbeef; b[3] = idev; b[4] = ioas;
	CHECK_EQ(io(sim, IOMMU_VIOMMU_ALLOC, b), -ENOENT);
	/* HWPT_INVALIDATE: a paging HWPT is neither nested nor a vIOMMU. */
	Z(); b[0] = 32; b[1] = hwpt;
	CHECK_EQ(io(sim, IOMMU_HWPT_INVALIDATE, b), -EINVAL);
#undef Z
	sim_close(sim);
}

static void test_vfio_with_domain(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0;
	struct iommu_vfio_ioas v = { .size = sizeof(v), .ioas_id = ioas,
				     .op = IOMMU_VFIO_IOAS_SET };
	uint8_t *buf = buffer(4 * PAGE, ANON);
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map), .iova = AP_START,
						.size = 4 * PAGE, .vaddr = (uintptr_t)buf,
						.flags = VFIO_DMA_MAP_FLAG_READ |
							 VFIO_DMA_MAP_FLAG_WRITE };
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap),
						    .iova = AP_START + PAGE, .size = PAGE };

	CHECK_EQ(io(sim, IOMMU_VFIO_IOAS, &v), 0);
	CHECK_EQ(io(sim, VFIO_CHECK_EXTENSION, (void *)VFIO_DMA_CC_IOMMU), 1);
	CHECK_EQ(mock_domain(sim, ioas, &stdev, NULL, NULL), 0);
	/* The mock domains do not enforce cache coherency. */
	CHECK_EQ(io(sim, VFIO_CHECK_EXTENSION, (void *)VFIO_DMA_CC_IOMMU), 0);
	CHECK_EQ(io(sim, VFIO_IOMMU_MAP_DMA, &map), 0);
	/* Type1 v1 cannot cut what a domain may hold in huge IOPTEs. */
	CHECK_EQ(io(sim, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_IOMMU), -EINVAL);
	CHECK_EQ(destroy(sim, stdev), 0);
	CHECK_EQ(io(sim, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_IOMMU), 0);
	CHECK_EQ(mock_domain(sim, ioas, &stdev, NULL, NULL), 0);
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	CHECK_EQ(unmap.size, PAGE);
	CHECK_EQ(nr_areas(sim, ioas), 2);
	CHECK_EQ(st_check(sim), 0);
	munmap(buf, 4 * PAGE);
	sim_close(sim);
}

/* ---- sim_check on the mock's records ----------------------------------------------------------- */

/* The object record with ID 'id' in the tree at 'node'. */
static uint64_t find_obj(const uint8_t *img, uint64_t node, uint64_t id)
{
	while (node) {
		const struct sim_obj *o = (const void *)(img + node);

		if (o->n.start == id)
			return node;
		node = id < o->n.start ? o->n.left : o->n.right;
	}
	return 0;
}

static void test_check_mock_records(void)
{
	char path[PATH_MAX], bad[PATH_MAX], report[4096];
	struct sim *sim = st_open_new("default", 0, path, sizeof(path));
	uint64_t ioas_off, stdev_off, idev_off, hwpt_off, resv_off;
	uint8_t *pristine = NULL, *copy;
	size_t len = 0;
	int err;

	CHECK(sim != NULL);
	if (!sim)
		return;
	CHECK_EQ(mock_domain(sim, st_ioas(sim), NULL, NULL, NULL), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
	CHECK_EQ(st_slurp(path, &pristine, &len), 0);
	copy = malloc(len);
	{
		const struct sim_hdr *h = (const void *)pristine;
		const struct sim_ctx *ctx = (const void *)(pristine + h->shared_ctx);
		const struct sim_obj *io;

		ioas_off = find_obj(pristine, ctx->obj_root, 1);
		stdev_off = find_obj(pristine, ctx->obj_root, 2);
		idev_off = find_obj(pristine, ctx->obj_root, 3);
		hwpt_off = find_obj(pristine, ctx->obj_root, 4);
		io = (const void *)(pristine + ioas_off);
		resv_off = io->ioas.resv_root;
	}
	CHECK(ioas_off && stdev_off && idev_off && hwpt_off && resv_off);
	st_path(bad, sizeof(bad), "broken.state");

#define OBJ(off) ((struct sim_obj *)(copy + (off)))
#define BROKEN(stmt, what) do {									memcpy(copy, pristine, len);							stmt;										CHECK_EQ(st_spill(bad, copy, len), 0);						sim = st_open_path(bad, 0, &err);						CHECK(sim != NULL);								if (sim) {										CHECK_EQ(sim_check(sim, report, sizeof(report)), -EUCLEAN); 			if (!strstr(report, what))								fprintf(stderr, "expected \"%s\" in:\n%s", what, report); 			CHECK(strstr(report, what) != NULL);						sim_close(sim);								}									} while (0)

	BROKEN(OBJ(hwpt_off)->users = 3, "(hwpt_paging) has 3 users, 2 expected");
	BROKEN(OBJ(ioas_off)->users = 1, "(ioas) has 1 users, 2 expected");
	BROKEN(OBJ(idev_off)->idev.hwpt = 0, "counts 1 devices, 0 are attached");
	BROKEN(OBJ(idev_off)->idev.owner_ctx = 77, "owned by context 77");
	BROKEN(OBJ(stdev_off)->stdev.idev = 0, "does not point back");
	BROKEN(OBJ(ioas_off)->ioas.nr_domains = 0, "counts 0 domains");
	BROKEN(OBJ(ioas_off)->ioas.iova_alignment = 1, "alignment 0x1, expected 0x800");
	BROKEN(OBJ(hwpt_off)->hwpt.flags = SIM_HWPT_AUTO, "flags 0x1 (an added automatic domain");
	BROKEN(OBJ(hwpt_off)->hwpt.flags = SIM_HWPT_ADDED | SIM_HWPT_DIRTY_ON, "tracking only with dirty ops");
	BROKEN(OBJ(stdev_off)->r.rflags = SIM_OBJ_PENDING, "never published");
	BROKEN(((struct sim_resv *)(copy + resv_off))->owner = stdev_off, "not a domain");
	BROKEN(((struct sim_resv *)(copy + resv_off))->owner = 0, "reserves 1 ranges");
#undef BROKEN
#undef OBJ
	/* and the pristine copy is clean */
	CHECK_EQ(st_spill(bad, pristine, len), 0);
	sim = st_open_path(bad, 0, &err);
	CHECK(sim != NULL);
	if (sim) {
		CHECK_EQ(st_check(sim), 0);
		sim_close(sim);
	}
	free(copy);
	free(pristine);
}

/* ---- user HWPTs (IOMMU_HWPT_ALLOC), nesting, invalidation, dirty tracking ------------------ */

static int hwpt_alloc_data(struct sim *sim, uint32_t dev, uint32_t pt, uint32_t flags,
			   uint32_t type, const void *data, uint32_t len, uint32_t *out)
{
	struct iommu_hwpt_alloc c;
	uint32_t *w = (uint32_t *)&c;
	int ret;

	_Static_assert(sizeof(c) >= 48, "hwpt_alloc");
	memset(&c, 0, sizeof(c));
	w[0] = 48;
	w[1] = flags;
	w[2] = dev;
	w[3] = pt;
	w[6] = type;
	w[7] = len;
	set64(w, 8, (uintptr_t)data);
	w[10] = 77;	/* fault_id: no fault queue can have it */
	ret = io(sim, IOMMU_HWPT_ALLOC, &c);
	if (!ret && out)
		*out = w[4];
	return ret;
}

static int hwpt_alloc(struct sim *sim, uint32_t dev, uint32_t pt, uint32_t flags, uint32_t *out)
{
	return hwpt_alloc_data(sim, dev, pt, flags, 0, NULL, 0, out);
}

static int hwpt_nested(struct sim *sim, uint32_t dev, uint32_t parent, uint32_t flags,
		       uint32_t iotlb, uint32_t *out)
{
	struct ifd_hwpt_selftest d = { iotlb, 0 };

	return hwpt_alloc_data(sim, dev, parent, flags, IFD_HWPT_DATA_SELFTEST, &d, sizeof(d), out);
}

static int check_iotlb(struct sim *sim, uint32_t hwpt, uint32_t i, uint32_t v)
{
	return top(sim, IFD_TEST_OP_MD_CHECK_IOTLB, hwpt, i, v);
}

static int check_iotlb_all(struct sim *sim, uint32_t hwpt, uint32_t v)
{
	for (uint32_t i = 0; i < 4; i++)
		if (check_iotlb(sim, hwpt, i, v))
			return -1;
	return 0;
}

/* HWPT_INVALIDATE; *num in, handled count out. */
static int invalidate(struct sim *sim, uint32_t hwpt, const void *reqs, uint32_t type,
		      uint32_t len, uint32_t *num)
{
	uint32_t b[8] = { 32, hwpt, 0, 0, type, len, *num, 0 };
	int ret;

	set64(b, 2, (uintptr_t)reqs);
	ret = io(sim, IOMMU_HWPT_INVALIDATE, b);
	*num = b[6];
	return ret;
}

static void test_hwpt_alloc_paging(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0, hwpt = 0, idev = 0, user = 0, huge = 0, pt, st2;
	struct iommu_iova_range r[8];
	struct ifd_hwpt_selftest data = { 0, 0 };
	uint64_t align = 0;
	size_t n;
	uint8_t *buf = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);

	CHECK(buf != MAP_FAILED);
	memset(buf, 1, 16 * PAGE);
	CHECK_EQ(mock_domain(sim, ioas, &stdev, &hwpt, &idev), 0);
	/* the command's own checks, then the device, then pt_id (EINVAL) */
	CHECK_EQ(hwpt_alloc(sim, ioas, ioas, 0, NULL), -ENOENT);
	CHECK_EQ(hwpt_alloc(sim, idev, idev, 0, NULL), -EINVAL);
	CHECK_EQ(hwpt_alloc(sim, idev, 99, 0, NULL), -EINVAL);
	CHECK_EQ(hwpt_alloc(sim, idev, ioas, 1u << 4, NULL), -EOPNOTSUPP);
	CHECK_EQ(hwpt_alloc(sim, idev, ioas, IFD_HWPT_ALLOC_NEST_PARENT | IFD_HWPT_FAULT_ID_VALID, NULL), -EOPNOTSUPP);
	CHECK_EQ(hwpt_alloc_data(sim, idev, ioas, 0, 0, &data, sizeof(data), NULL), -EINVAL);
	CHECK_EQ(hwpt_alloc_data(sim, idev, ioas, 0, IFD_HWPT_DATA_SELFTEST, &data, 0, NULL),
		 -EINVAL);
	/* the mock's data for a paging domain: its page table type */
	CHECK_EQ(hwpt_alloc_data(sim, idev, ioas, 0, IFD_HWPT_DATA_SELFTEST + 1, &data,
				 sizeof(data), NULL), -EOPNOTSUPP);
	CHECK_EQ(hwpt_alloc_data(sim, idev, ioas, 0, IFD_HWPT_DATA_SELFTEST, &data, 3, NULL),
		 -EINVAL);
	CHECK_EQ(hwpt_alloc_data(sim, idev, ioas, 0, IFD_HWPT_DATA_SELFTEST, &data, 9, NULL),
		 -EINVAL);
	CHECK_EQ(hwpt_alloc_data(sim, idev, ioas, 0, IFD_HWPT_DATA_SELFTEST, NULL, 8, NULL),
		 -EFAULT);
	data.pagetable_type = 2;
	CHECK_EQ(hwpt_alloc_data(sim, idev, ioas, 0, IFD_HWPT_DATA_SELFTEST, &data, 8, NULL),
		 -EOPNOTSUPP);
	/* no fault queue exists: the domain is made, added, and dropped again */
	CHECK_EQ(hwpt_alloc(sim, idev, ioas, IFD_HWPT_FAULT_ID_VALID, NULL), -ENOENT);
	CHECK_EQ(st_nr_objects(sim), 4);
	CHECK_EQ(st_check(sim), 0);

	CHECK_EQ(hwpt_alloc(sim, idev, ioas, 0, &user), 0);
	CHECK_EQ(user, 5);
	CHECK_EQ(users_of(sim, ioas, NULL), 3);
	CHECK_EQ(users_of(sim, user, NULL), 1);
	CHECK_EQ(destroy(sim, ioas), -EBUSY);
	/* maps fill it like any domain */
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 16 * PAGE, AP_START), 0);
	CHECK_EQ(check_map(sim, user, AP_START, 16 * PAGE, buf), 0);
	/* attaching to the IOAS never picks a user domain */
	CHECK_EQ(mock_domain(sim, ioas, &st2, &pt, NULL), 0);
	CHECK_EQ(pt, hwpt);
	CHECK_EQ(destroy(sim, st2), 0);
	/* a device made on it, and one moved onto it: the automatic domain goes */
	CHECK_EQ(mock_domain(sim, user, &st2, &pt, NULL), 0);
	CHECK_EQ(pt, user);
	pt = user;
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	CHECK_EQ(pt, user);
	CHECK_EQ(users_of(sim, hwpt, NULL), 0);
	CHECK_EQ(users_of(sim, user, NULL), 3);
	CHECK_EQ(destroy(sim, user), -EBUSY);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(destroy(sim, st2), 0);
	pt = ioas;
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	CHECK_EQ(destroy(sim, user), 0);
	/* the MOCK_IOMMUPT_HUGE page table: PAGE_SIZE pages, a 2^38 aperture */
	CHECK_EQ(destroy(sim, stdev), 0);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
	data.pagetable_type = 1;
	CHECK_EQ(hwpt_alloc_data(sim, idev, ioas, 0, IFD_HWPT_DATA_SELFTEST, &data, 8, NULL),
		 -ENOENT);
	CHECK_EQ(mock_domain(sim, ioas, &stdev, &hwpt, &idev), 0);
	CHECK_EQ(hwpt_alloc_data(sim, idev, ioas, 0, IFD_HWPT_DATA_SELFTEST, &data, 8, &huge), 0);
	pt = huge;
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	n = (size_t)ranges(sim, ioas, r, &align);
	CHECK_EQ(n, 1);
	CHECK_EQ(r[0].start, 0);
	CHECK_EQ(r[0].last, (1ull << 38) - 1);
	CHECK_EQ(align, PAGE);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 16 * PAGE, 0x1000), 0);
	CHECK_EQ(check_map(sim, huge, 0x1000, 16 * PAGE, buf), 0);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(destroy(sim, stdev), 0);
	CHECK_EQ(destroy(sim, huge), 0);
	CHECK_EQ(destroy(sim, ioas), 0);
	CHECK_EQ(st_nr_objects(sim), 0);
	CHECK_EQ(st_check(sim), 0);
	munmap(buf, 16 * PAGE);
	sim_close(sim);
}

static void test_hwpt_nested(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0, hwpt = 0, idev = 0, parent = 0, plain = 0;
	uint32_t nested[2] = { 0, 0 }, x = 0, num, pt;
	struct { uint32_t flags, iotlb_id; } inv[2];
	struct ifd_hwpt_selftest d = { IFD_TEST_IOTLB_DEFAULT, 0 };

	CHECK_EQ(mock_domain(sim, ioas, &stdev, &hwpt, &idev), 0);
	CHECK_EQ(hwpt_alloc(sim, idev, ioas, IFD_HWPT_ALLOC_NEST_PARENT, &parent), 0);
	CHECK_EQ(hwpt_alloc(sim, idev, ioas, 0, &plain), 0);
	/* the selftest's alloc_hwpt_nested, in its order */
	CHECK_EQ(hwpt_alloc_data(sim, idev, parent, 0, 0, &d, sizeof(d), &x), -EINVAL);
	CHECK_EQ(hwpt_alloc_data(sim, idev, parent, 0, IFD_HWPT_DATA_SELFTEST + 1, &d, sizeof(d),
				 &x), -EOPNOTSUPP);
	CHECK_EQ(hwpt_alloc_data(sim, idev, parent, 0, IFD_HWPT_DATA_SELFTEST, &d, 3, &x), -EINVAL);
	CHECK_EQ(hwpt_alloc_data(sim, idev, parent, 0, IFD_HWPT_DATA_SELFTEST, NULL, sizeof(d), &x),
		 -EFAULT);
	CHECK_EQ(hwpt_nested(sim, idev, parent, IFD_HWPT_ALLOC_NEST_PARENT, 1, &x), -EOPNOTSUPP);
	CHECK_EQ(hwpt_nested(sim, idev, plain, 0, 1, &x), -EINVAL);
	CHECK_EQ(hwpt_nested(sim, idev, hwpt, 0, 1, &x), -EINVAL);
	CHECK_EQ(hwpt_alloc(sim, idev, parent, 0, &x), -EOPNOTSUPP);
	CHECK_EQ(hwpt_nested(sim, idev, parent, IFD_HWPT_FAULT_ID_VALID, 1, &x), -ENOENT);
	CHECK_EQ(st_nr_objects(sim), 6);
	CHECK_EQ(hwpt_nested(sim, idev, parent, 0, IFD_TEST_IOTLB_DEFAULT, &nested[0]), 0);
	CHECK_EQ(hwpt_nested(sim, idev, parent, IFD_HWPT_ALLOC_PASID, IFD_TEST_IOTLB_DEFAULT, &nested[1]),
		 0);
	CHECK_EQ(check_iotlb_all(sim, nested[0], IFD_TEST_IOTLB_DEFAULT), 0);
	CHECK_EQ(check_iotlb_all(sim, nested[1], IFD_TEST_IOTLB_DEFAULT), 0);
	CHECK_EQ(check_iotlb(sim, nested[0], 4, IFD_TEST_IOTLB_DEFAULT), -EINVAL);
	CHECK_EQ(check_iotlb(sim, nested[0], 0, 0), -EINVAL);
	CHECK_EQ(check_iotlb(sim, parent, 0, IFD_TEST_IOTLB_DEFAULT), -ENOENT);
	CHECK_EQ(hwpt_nested(sim, idev, nested[0], 0, 1, &x), -EINVAL);
	CHECK_EQ(destroy(sim, parent), -EBUSY);
	CHECK_EQ(users_of(sim, parent, NULL), 3);
	CHECK_EQ(st_check(sim), 0);

	/* invalidation */
	memset(inv, 0, sizeof(inv));
	num = 1;
	CHECK_EQ(invalidate(sim, parent, inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), -EINVAL);
	CHECK_EQ(num, 0);
	num = 0;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), 0);
	num = 0;
	CHECK_EQ(invalidate(sim, nested[0], inv, 0xdadbeef, 8, &num), -EINVAL);
	num = 1;
	CHECK_EQ(invalidate(sim, nested[0], inv, 0xdadbeef, 8, &num), -EINVAL);
	num = 1;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 9, &num), -EINVAL);
	CHECK_EQ(num, 0);
	num = 1;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 1, &num), -EINVAL);
	num = 1;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, PAGE + 1, &num), -EINVAL);
	num = (1u << 19) + 1;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), -EINVAL);
	CHECK_EQ(num, 0);
	num = 1;
	CHECK_EQ(invalidate(sim, nested[0], NULL, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), -EINVAL);
	num = 1;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 0, &num), -EINVAL);
	num = 1;
	CHECK_EQ(invalidate(sim, nested[0], (void *)8, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), -EFAULT);
	num = 1;
	inv[0].flags = 0xffffffff;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), -EOPNOTSUPP);
	CHECK_EQ(num, 0);
	inv[0].flags = 1;
	inv[0].iotlb_id = 4;
	num = 1;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), -EINVAL);
	CHECK_EQ(check_iotlb_all(sim, nested[0], IFD_TEST_IOTLB_DEFAULT), 0);
	/* the first of two is done, the second fails */
	inv[0] = (typeof(inv[0])){ 0, 0 };
	inv[1] = (typeof(inv[1])){ 0xffffffff, 1 };
	num = 2;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), -EOPNOTSUPP);
	CHECK_EQ(num, 1);
	inv[1] = (typeof(inv[1])){ 0, 4 };
	num = 2;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), -EINVAL);
	CHECK_EQ(num, 1);
	CHECK_EQ(check_iotlb(sim, nested[0], 0, 0), 0);
	CHECK_EQ(check_iotlb(sim, nested[0], 1, IFD_TEST_IOTLB_DEFAULT), 0);
	inv[0] = (typeof(inv[0])){ 0, 2 };
	inv[1] = (typeof(inv[1])){ 0, 3 };
	num = 2;
	CHECK_EQ(invalidate(sim, nested[0], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), 0);
	CHECK_EQ(num, 2);
	CHECK_EQ(check_iotlb(sim, nested[0], 1, IFD_TEST_IOTLB_DEFAULT), 0);
	CHECK_EQ(check_iotlb(sim, nested[0], 3, 0), 0);
	inv[0] = (typeof(inv[0])){ 1, 0 };
	num = 1;
	CHECK_EQ(invalidate(sim, nested[1], inv, IFD_HWPT_INVALIDATE_DATA_SELFTEST, 8, &num), 0);
	CHECK_EQ(check_iotlb_all(sim, nested[1], 0), 0);

	/* the device on the nested HWPTs, then back */
	pt = nested[0];
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	CHECK_EQ(users_of(sim, hwpt, NULL), 0);
	CHECK_EQ(destroy(sim, nested[0]), -EBUSY);
	pt = nested[1];
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	CHECK_EQ(destroy(sim, nested[0]), 0);
	CHECK_EQ(destroy(sim, nested[1]), -EBUSY);
	CHECK_EQ(st_check(sim), 0);
	/* a device without PASIDs attaches none (test-sim-pasid has the rest) */
	{
		struct ifd_test_cmd c = { .op = IFD_TEST_OP_PASID_ATTACH, .id = stdev };

		c.pasid_attach.pasid = 7;
		c.pasid_attach.pt_id = nested[1];
		CHECK_EQ(tcmd(sim, &c), -EINVAL);
		c.pasid_attach.pt_id = parent;
		CHECK_EQ(tcmd(sim, &c), -EINVAL);
		/* ... so a replace there finds nothing attached (ifd-diff seed 989) */
		c.op = IFD_TEST_OP_PASID_REPLACE;
		c.pasid_attach.pasid = 1024;
		c.pasid_attach.pt_id = nested[1];
		CHECK_EQ(tcmd(sim, &c), -EINVAL);
	}
	/* a device made on a nested HWPT */
	CHECK_EQ(mock_domain(sim, nested[1], &x, &pt, NULL), 0);
	CHECK_EQ(pt, nested[1]);
	CHECK_EQ(users_of(sim, nested[1], NULL), 3);
	CHECK_EQ(destroy(sim, x), 0);
	pt = parent;
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	CHECK_EQ(destroy(sim, nested[1]), 0);
	pt = ioas;
	CHECK_EQ(mock_replace(sim, stdev, &pt), 0);
	CHECK_EQ(destroy(sim, parent), 0);
	CHECK_EQ(destroy(sim, plain), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* Closing a context takes nested HWPTs, their parents and devices, leaves first. */
static void test_hwpt_release(void)
{
	char path[PATH_MAX];
	struct sim *shared = st_open_new("default", 0, path, sizeof(path)), *priv;
	struct ifd_sim_info info;
	uint32_t ioas, idev = 0, parent = 0, nested = 0;
	int err;

	CHECK(shared != NULL);
	if (!shared)
		return;
	priv = st_open_path(path, IFD_OPEN_SIM_PRIVATE, &err);
	CHECK(priv != NULL);
	if (!priv)
		return;
	ioas = st_ioas(priv);
	CHECK_EQ(mock_domain(priv, ioas, NULL, NULL, &idev), 0);
	CHECK_EQ(hwpt_alloc(priv, idev, ioas, IFD_HWPT_ALLOC_NEST_PARENT | IFD_HWPT_ALLOC_DIRTY_TRACKING, &parent), 0);
	CHECK_EQ(hwpt_nested(priv, idev, parent, 0, 5, &nested), 0);
	CHECK_EQ(mock_domain(priv, nested, NULL, NULL, NULL), 0);
	CHECK_EQ(st_check(shared), 0);
	sim_close(priv);
	CHECK_EQ(sim_info(shared, &info), 0);
	CHECK_EQ(info.nr_objects, 0);
	CHECK_EQ(st_check(shared), 0);
	sim_close(shared);
}

static int set_dirty(struct sim *sim, uint32_t hwpt, uint32_t flags)
{
	uint32_t b[4] = { 16, flags, hwpt, 0 };

	return io(sim, IOMMU_HWPT_SET_DIRTY_TRACKING, b);
}

static int get_dirty(struct sim *sim, uint32_t hwpt, uint64_t iova, uint64_t len, uint64_t ps,
		     void *bitmap, uint32_t flags)
{
	uint32_t b[12] = { 48, hwpt, flags, 0 };

	set64(b, 4, iova);
	set64(b, 6, len);
	set64(b, 8, ps);
	set64(b, 10, (uintptr_t)bitmap);
	return io(sim, IOMMU_HWPT_GET_DIRTY_BITMAP, b);
}

/* IOMMU_TEST_OP_DIRTY: the count it reports, or -errno. */
static int64_t mark_dirty(struct sim *sim, uint32_t hwpt, uint64_t iova, uint64_t len, uint64_t ps,
			  const void *bitmap)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_DIRTY, .id = hwpt };
	int ret;

	c.dirty.iova = iova;
	c.dirty.length = len;
	c.dirty.page_size = ps;
	c.dirty.uptr = (uintptr_t)bitmap;
	ret = tcmd(sim, &c);
	return ret ? ret : (int64_t)c.dirty.out_nr_dirty;
}

static bool bit(const uint8_t *b, uint64_t i)
{
	return b[i / 8] & (1u << (i % 8));
}

/* The selftest's test_mock_dirty_bitmaps with pte_size = page_size: every
 * other bit marked, read back, then clean (or not, with NO_CLEAR). */
static int dirty_round(struct sim *sim, uint32_t hwpt, uint64_t len, uint8_t *bm, uint32_t flags)
{
	uint64_t nbits = len / MOCK_PAGE;

	memset(bm, 0, nbits / 8 + 1);
	for (uint64_t i = 0; i < nbits; i += 2)
		bm[i / 8] |= (uint8_t)(1u << (i % 8));
	if (mark_dirty(sim, hwpt, AP_START, len, MOCK_PAGE, bm) != (int64_t)(nbits / 2))
		return 1;
	memset(bm, 0, nbits / 8 + 1);
	if (get_dirty(sim, hwpt, AP_START, len, MOCK_PAGE, bm, flags))
		return 2;
	for (uint64_t i = 0; i < nbits; i++)
		if (bit(bm, i) != !(i % 2))
			return 3;
	memset(bm, 0, nbits / 8 + 1);
	if (get_dirty(sim, hwpt, AP_START, len, MOCK_PAGE, bm, flags))
		return 4;
	for (uint64_t i = 0; i < nbits; i++)
		if (bit(bm, i) != (!(i % 2) && flags))
			return 5;
	return 0;
}

static void test_dirty_tracking(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), stdev = 0, idev = 0, nd = 0, nd_st = 0, dirty = 0, plain = 0;
	uint32_t pt, x;
	const uint64_t len = 128 * 1024;
	uint8_t *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *bm = malloc(2 * PAGE), *ro;
	uint64_t one = 1, all = ~0ull;

	CHECK(buf != MAP_FAILED && bm);
	memset(buf, 1, len);
	CHECK_EQ(mock_domain(sim, ioas, &stdev, NULL, &idev), 0);
	CHECK_EQ(mock_domain_flags(sim, ioas, IFD_MOCK_FLAGS_DEVICE_NO_DIRTY, &nd_st, NULL, &nd), 0);
	/* enforce_dirty: a device without it can neither have nor join one */
	CHECK_EQ(hwpt_alloc(sim, nd, ioas, IFD_HWPT_ALLOC_DIRTY_TRACKING, &x), -EOPNOTSUPP);
	CHECK_EQ(hwpt_alloc(sim, idev, ioas, IFD_HWPT_ALLOC_DIRTY_TRACKING, &dirty), 0);
	CHECK_EQ(hwpt_alloc(sim, idev, ioas, 0, &plain), 0);
	CHECK_EQ(mock_domain_flags(sim, dirty, IFD_MOCK_FLAGS_DEVICE_NO_DIRTY, &x, NULL, NULL),
		 -EINVAL);
	pt = dirty;
	CHECK_EQ(mock_replace(sim, nd_st, &pt), -EINVAL);
	CHECK_EQ(mock_domain(sim, dirty, &x, NULL, NULL), 0);
	CHECK_EQ(destroy(sim, x), 0);
	CHECK_EQ(st_nr_objects(sim), 8);
	/* SET_DIRTY_TRACKING */
	CHECK_EQ(set_dirty(sim, dirty, 2), -EOPNOTSUPP);
	CHECK_EQ(set_dirty(sim, ioas, 1), -ENOENT);
	CHECK_EQ(set_dirty(sim, plain, 1), -EOPNOTSUPP);
	CHECK_EQ(set_dirty(sim, plain, 0), -EOPNOTSUPP);
	/* DIRTY needs tracking on */
	CHECK_EQ(mark_dirty(sim, dirty, AP_START, MOCK_PAGE, MOCK_PAGE, &one), -EINVAL);
	CHECK_EQ(mark_dirty(sim, plain, AP_START, MOCK_PAGE, MOCK_PAGE, &one), -EINVAL);
	CHECK_EQ(set_dirty(sim, dirty, 1), 0);
	CHECK_EQ(set_dirty(sim, dirty, 1), 0);
	CHECK_EQ(mark_dirty(sim, dirty, AP_START, MOCK_PAGE, MOCK_PAGE, (void *)8), -EFAULT);
	/* nothing mapped: counted, not recorded */
	CHECK_EQ(mark_dirty(sim, dirty, AP_START, 64 * MOCK_PAGE, MOCK_PAGE, &all), 64);
	memset(bm, 0, 16);
	CHECK_EQ(get_dirty(sim, dirty, AP_START, 64 * MOCK_PAGE, MOCK_PAGE, bm, 0), 0);
	CHECK_EQ(get64((uint32_t *)bm, 0), 0);

	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, len, AP_START), 0);
	CHECK_EQ(dirty_round(sim, dirty, len, bm, 0), 0);
	CHECK_EQ(dirty_round(sim, dirty, len, bm + 1, 0), 0);
	CHECK_EQ(dirty_round(sim, dirty, len, bm + 0xff1, 0), 0);
	CHECK_EQ(dirty_round(sim, dirty, len, bm, 1), 0);
	CHECK_EQ(st_check(sim), 0);
	/* a coarser bitmap: one bit per 4 KiB covers two marked 2 KiB pages or one */
	CHECK_EQ(set_dirty(sim, dirty, 1), 0);
	CHECK_EQ(mark_dirty(sim, dirty, AP_START, 64 * MOCK_PAGE, MOCK_PAGE, &one), 1);
	memset(bm, 0xf0, 8);
	CHECK_EQ(get_dirty(sim, dirty, AP_START, 32 * PAGE, PAGE, bm, 0), 0);
	CHECK_EQ(bm[0], 0xf1);	/* ORed into what was there */
	/* range and page_size checks */
	CHECK_EQ(get_dirty(sim, dirty, AP_START, 0x400, MOCK_PAGE, bm, 0), -EINVAL);
	CHECK_EQ(get_dirty(sim, dirty, AP_START, PAGE, 0, bm, 0), -EINVAL);
	CHECK_EQ(get_dirty(sim, dirty, AP_START + MOCK_PAGE, PAGE, PAGE, bm, 0), -EINVAL);
	CHECK_EQ(get_dirty(sim, dirty, 1ull << 63, 1ull << 63 | 0x800, PAGE, bm, 0), -EOVERFLOW);
	CHECK_EQ(get_dirty(sim, dirty, AP_START, PAGE, PAGE, bm, 2), -EOPNOTSUPP);
	CHECK_EQ(get_dirty(sim, ioas, AP_START, PAGE, PAGE, bm, 0), -ENOENT);
	CHECK_EQ(get_dirty(sim, plain, AP_START, PAGE, PAGE, bm, 0), -EOPNOTSUPP);
	/* a bitmap that cannot be written loses its bits, the read still clears */
	CHECK_EQ(mark_dirty(sim, dirty, AP_START, MOCK_PAGE, MOCK_PAGE, &one), 1);
	ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	CHECK_EQ(get_dirty(sim, dirty, AP_START, PAGE, MOCK_PAGE, ro, 0), 0);
	CHECK_EQ(ro[0], 0);
	CHECK_EQ(get_dirty(sim, dirty, AP_START, PAGE, MOCK_PAGE, (void *)8, 0), 0);
	munmap(ro, PAGE);
	memset(bm, 0, 8);
	CHECK_EQ(get_dirty(sim, dirty, AP_START, PAGE, MOCK_PAGE, bm, 0), 0);
	CHECK_EQ(bm[0], 0);
	/* the walk stops at the first hole, and finds nothing from one; a mark at
	 * a 4 KiB address is the 2 KiB domain page there */
	CHECK_EQ(st_unmap(sim, ioas, AP_START, len, NULL), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, PAGE, AP_START), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, PAGE, AP_START + 2 * PAGE), 0);
	CHECK_EQ(mark_dirty(sim, dirty, AP_START, 4 * PAGE, PAGE, &all), 4);
	memset(bm, 0, 8);
	CHECK_EQ(get_dirty(sim, dirty, AP_START, 4 * PAGE, PAGE, bm, 1), 0);
	CHECK_EQ(bm[0], 0x1);
	memset(bm, 0, 8);
	CHECK_EQ(get_dirty(sim, dirty, AP_START + PAGE, 3 * PAGE, PAGE, bm, 1), 0);
	CHECK_EQ(bm[0], 0);
	memset(bm, 0, 8);
	CHECK_EQ(get_dirty(sim, dirty, AP_START + 2 * PAGE, 2 * PAGE, PAGE, bm, 1), 0);
	CHECK_EQ(bm[0], 0x1);
	/* disabling keeps the marks, an unmap drops them with the IOPTEs */
	CHECK_EQ(set_dirty(sim, dirty, 0), 0);
	CHECK_EQ(mark_dirty(sim, dirty, AP_START, PAGE, PAGE, &one), -EINVAL);
	memset(bm, 0, 8);
	CHECK_EQ(get_dirty(sim, dirty, AP_START + 2 * PAGE, PAGE, MOCK_PAGE, bm, 1), 0);
	CHECK_EQ(bm[0], 0x1);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(st_unmap(sim, ioas, AP_START + 2 * PAGE, PAGE, NULL), 0);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, PAGE, AP_START + 2 * PAGE), 0);
	memset(bm, 0, 8);
	CHECK_EQ(get_dirty(sim, dirty, AP_START + 2 * PAGE, PAGE, MOCK_PAGE, bm, 1), 0);
	CHECK_EQ(bm[0], 0);
	/* enabling again starts from a clean snapshot */
	memset(bm, 0, 8);
	CHECK_EQ(get_dirty(sim, dirty, AP_START, PAGE, MOCK_PAGE, bm, 1), 0);
	CHECK_EQ(bm[0], 0x1);
	CHECK_EQ(set_dirty(sim, dirty, 1), 0);
	memset(bm, 0, 8);
	CHECK_EQ(get_dirty(sim, dirty, AP_START, PAGE, MOCK_PAGE, bm, 1), 0);
	CHECK_EQ(bm[0], 0);
	CHECK_EQ(mark_dirty(sim, dirty, AP_START, PAGE, PAGE, &one), 1);
	CHECK_EQ(st_check(sim), 0);
	/* destroying the domain takes its marks */
	CHECK_EQ(destroy(sim, dirty), 0);
	CHECK_EQ(destroy(sim, plain), 0);
	CHECK_EQ(st_check(sim), 0);
	munmap(buf, len);
	free(bm);
	sim_close(sim);
}

/* ---- the planted faults (SIM_MUTANT) ------------------------------------------------------------- */

/* Mutant 1: a fixed map over an area is EEXIST (selftest "area"), domain or not. */
static void test_mutant_fixed_overlap(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	uint8_t *buf = buffer(2 * PAGE, ANON);

	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 2 * PAGE, AP_START), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, PAGE, AP_START + PAGE), -EEXIST);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 2 * PAGE, AP_START - MOCK_PAGE), -EINVAL);
	munmap(buf, 2 * PAGE);
	sim_close(sim);
}

/* Mutant 2: a THP-aligned VA gets a THP-aligned IOVA (2 MiB on x86-64). */
static void test_mutant_thp_alignment(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	uint64_t iova;

	CHECK_EQ(st_map(sim, ioas, RW, FAKE_VA, 2ull << 20, &iova), 0);
	CHECK_U64(iova, 2ull << 20);
	CHECK_EQ(st_map(sim, ioas, RW, FAKE_VA, 4ull << 20, &iova), 0);
	CHECK_U64(iova % (2ull << 20), 0);
	sim_close(sim);
}

/* Mutant 3: nothing below the aperture is mappable, to its last byte. */
static void test_mutant_aperture_edge(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	struct iommu_iova_range r[8];
	uint8_t *buf = buffer(PAGE, ANON);

	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL, NULL), 0);
	CHECK_EQ(ranges(sim, ioas, r, NULL), 1);
	CHECK_U64(r[0].start, AP_START);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, PAGE, AP_START - PAGE), -EINVAL);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, PAGE, AP_START), 0);
	munmap(buf, PAGE);
	sim_close(sim);
}

int main(void)
{
	st_setup_dir();
	UNIT_RUN(test_ids_and_refs);
	UNIT_RUN(test_failed_mock_domain_leaks_nothing);
	UNIT_RUN(test_test_cmd_envelope);
	UNIT_RUN(test_attach_iova_ranges);
	UNIT_RUN(test_attach_eaddrinuse);
	UNIT_RUN(test_pin_faults);
	UNIT_RUN(test_pin_protections);
	UNIT_RUN(test_pin_other_process);
	UNIT_RUN(test_pin_files);
	UNIT_RUN(test_replace);
	UNIT_RUN(test_context_release);
	UNIT_RUN(test_md_check_map);
	UNIT_RUN(test_md_check_refs);
	UNIT_RUN(test_huge_pages_with_domain);
	UNIT_RUN(test_other_ops);
	UNIT_RUN(test_pasid_ops);
	UNIT_RUN(test_device_commands);
	UNIT_RUN(test_vfio_with_domain);
	UNIT_RUN(test_check_mock_records);
	UNIT_RUN(test_hwpt_alloc_paging);
	UNIT_RUN(test_hwpt_nested);
	UNIT_RUN(test_hwpt_release);
	UNIT_RUN(test_dirty_tracking);
	UNIT_RUN(test_mutant_fixed_overlap);
	UNIT_RUN(test_mutant_thp_alignment);
	UNIT_RUN(test_mutant_aperture_edge);
	st_cleanup();
	return unit_finish();
}
