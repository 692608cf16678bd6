// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The simulator's ioctls through sim_ioctl(): the size rules of every command,
 * every errno of every IOAS command in the kernel's order, the commands that
 * need devices, the VFIO compatibility path, object IDs, persistence and
 * private contexts.  Expected values come from the 7.2 kernel source and its
 * selftests (tools/testing/selftests/iommu/iommufd.c).
 */
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/vfio.h>

#include "sim-test.h"

#define PAGE 4096ull
#define HPAGE (2ull << 20)
#define U64MAX UINT64_MAX
#define BUF_VA 0x7f0000200000ull	/* a THP-aligned user VA (never touched: MAP does not pin) */

/* A handle a child keeps open on purpose, reachable so no checker calls it lost. */
static struct sim *volatile st_kept;

/* ---- the entry: table, size rules ---------------------------------------------------------- */

static void test_cmd_fail(void)
{
	struct sim *sim = fresh();
	struct iommu_destroy d = { .size = sizeof(d), .id = 0 };

	CHECK_EQ(io(sim, IOMMU_DESTROY, &d), -ENOENT);
	CHECK(strstr(st_detail, "no object with id 0") != NULL);
	CHECK_EQ(io(sim, IOMMU_DESTROY, NULL), -EFAULT);
	CHECK_EQ(io(sim, IOMMU_DESTROY, (void *)1), -EFAULT);
	CHECK_EQ(io(sim, IFD_CMD(0x7f), &d), -ENOTTY);
	/* The lab kernel has CONFIG_IOMMUFD_TEST: its table runs to IOMMU_TEST_CMD
	 * (0xa0), so 0x95..0x9f are holes of it (the size is read first) ... */
	for (unsigned int nr = 0x95; nr <= 0x9f; nr++) {
		CHECK_EQ(io(sim, IFD_CMD(nr), &d), -ENOTTY);
		CHECK_EQ(io(sim, IFD_CMD(nr), NULL), -EFAULT);
	}
	/* ... 0xa0 is IOMMU_TEST_CMD (68 bytes at least) ... */
	CHECK_EQ(io(sim, IFD_CMD(0xa0), &d), -EINVAL);
	CHECK_EQ(io(sim, IFD_CMD(0xa0), NULL), -EFAULT);
	/* ... and past it is the VFIO path, which does not read arg. */
	for (unsigned int nr = 0xa1; nr <= 0xff; nr++) {
		CHECK_EQ(io(sim, IFD_CMD(nr), &d), -ENOTTY);
		CHECK_EQ(io(sim, IFD_CMD(nr), NULL), -ENOTTY);
	}
	/* In the table but not the slot's number: the size is read first. */
	CHECK_EQ(io(sim, _IOWR(IFD_TYPE, IFD_NR_DESTROY, struct iommu_destroy), &d), -ENOTTY);
	CHECK_EQ(io(sim, _IO('x', IFD_NR_DESTROY), &d), -ENOTTY);
	CHECK_EQ(io(sim, _IO('x', IFD_NR_DESTROY), NULL), -EFAULT);
	/* ioctl(2) truncates the command to 32 bits. */
	CHECK_EQ(io(sim, (1ul << 40) | IOMMU_DESTROY, &d), -ENOENT);
	sim_close(sim);
}

/* For every command: min-1 is EINVAL, a non-zero byte past the struct E2BIG, a
 * zero one the same as the exact size (the selftest's cmd_length). */
static void test_cmd_length(void)
{
	struct sim *sim = fresh();

	for (unsigned int nr = IFD_NR_DESTROY; nr <= IFD_NR_TEST_CMD; nr++) {
		uint32_t min = ifd_min_size(nr), ksize = ifd_struct_size(nr);
		uint8_t buf[256];
		uint32_t *size = (uint32_t *)buf;
		int exact, extra;

		if (nr > IFD_NR_LAST && nr < IFD_NR_TEST_CMD)
			continue;	/* holes */
		memset(buf, 0, sizeof(buf));
		*size = min - 1;
		buf[ksize] = 0xff;
		CHECK_EQ(io(sim, IFD_CMD(nr), buf), -EINVAL);
		*size = ksize + 1;
		CHECK_EQ(io(sim, IFD_CMD(nr), buf), -E2BIG);
		/* far past the struct, still E2BIG */
		*size = ksize + 100;
		buf[ksize] = 0;
		buf[ksize + 99] = 1;
		CHECK_EQ(io(sim, IFD_CMD(nr), buf), -E2BIG);
		buf[ksize + 99] = 0;

		memset(buf, 0, sizeof(buf));
		*size = ksize;
		exact = io(sim, IFD_CMD(nr), buf);
		memset(buf, 0, sizeof(buf));
		*size = ksize + 1;
		extra = io(sim, IFD_CMD(nr), buf);
		if (exact != extra)
			fprintf(stderr, "nr 0x%x: exact %d, +1 zero %d\n", nr, exact, extra);
		CHECK_EQ(exact, extra);
		/* A size that runs into unmapped memory: the zero test faults. */
		{
			uint8_t *page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
					     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			uint8_t *at = page + PAGE - ksize;

			munmap(page + PAGE, PAGE);
			memset(at, 0, ksize);
			*(uint32_t *)at = ksize + 8;
			CHECK_EQ(io(sim, IFD_CMD(nr), at), -EFAULT);
			munmap(page, PAGE);
		}
	}
	sim_close(sim);
}

/* Sizes below the struct read as zero past the size (copy_struct_from_user). */
static void test_short_struct(void)
{
	struct sim *sim = fresh();
	uint32_t buf[12];

	/* HWPT_ALLOC: data_type (offset 24) past a 24-byte size is ignored ... */
	memset(buf, 0, sizeof(buf));
	buf[0] = 24;
	buf[6] = 1;		/* data_type */
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, buf), -ENOENT);
	/* ... and read with the full size: data_type without data_len. */
	buf[0] = 48;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, buf), -EINVAL);
	/* The selftest's cmd_ex_fail. */
	{
		struct {
			struct iommu_destroy cmd;
			uint64_t future;
		} d = { .cmd = { .size = sizeof(d), .id = 0 } };

		CHECK_EQ(io(sim, IOMMU_DESTROY, &d), -ENOENT);
		d.future = 1;
		CHECK_EQ(io(sim, IOMMU_DESTROY, &d), -E2BIG);
		d.cmd.size = sizeof(d.cmd);
		CHECK_EQ(io(sim, IOMMU_DESTROY, &d), -ENOENT);
		d.cmd.size = sizeof(d.cmd) - 1;
		CHECK_EQ(io(sim, IOMMU_DESTROY, &d), -EINVAL);
	}
	/* Output is min(user size, struct size) bytes: a longer struct's tail is untouched. */
	{
		struct {
			struct iommu_ioas_alloc cmd;
			uint32_t future;
		} a = { .cmd = { .size = sizeof(a) } };

		CHECK_EQ(io(sim, IOMMU_IOAS_ALLOC, &a), 0);
		CHECK_EQ(a.cmd.out_ioas_id, 1);
		CHECK_EQ(a.future, 0);
	}
	sim_close(sim);
}

/* ---- objects ------------------------------------------------------------------------------------ */

static void test_ids(void)
{
	struct sim *sim = fresh();
	struct iommu_destroy d = { .size = sizeof(d) };
	struct iommu_ioas_alloc *ro;

	CHECK_EQ(st_ioas(sim), 1);
	CHECK_EQ(st_ioas(sim), 2);
	CHECK_EQ(st_ioas(sim), 3);
	d.id = 2;
	CHECK_EQ(io(sim, IOMMU_DESTROY, &d), 0);
	CHECK_EQ(io(sim, IOMMU_DESTROY, &d), -ENOENT);
	CHECK_EQ(st_ioas(sim), 2);
	d.id = 1;
	CHECK_EQ(io(sim, IOMMU_DESTROY, &d), 0);
	CHECK_EQ(st_ioas(sim), 1);
	CHECK_EQ(st_ioas(sim), 4);

	/* A creation whose answer cannot be written fails and gives its ID back. */
	ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro->size = sizeof(*ro);
	mprotect(ro, PAGE, PROT_READ);
	CHECK_EQ(io(sim, IOMMU_IOAS_ALLOC, ro), -EFAULT);
	munmap(ro, PAGE);
	d.id = 2;
	CHECK_EQ(io(sim, IOMMU_DESTROY, &d), 0);
	CHECK_EQ(st_ioas(sim), 2);
	CHECK_EQ(st_ioas(sim), 5);

	/* flags */
	{
		struct iommu_ioas_alloc a = { .size = sizeof(a), .flags = 1 };

		CHECK_EQ(io(sim, IOMMU_IOAS_ALLOC, &a), -EOPNOTSUPP);
	}
	CHECK_EQ(st_ioas(sim), 6);
	{
		struct ifd_sim_object *objs = NULL;
		size_t n = 0;

		CHECK_EQ(sim_objects(sim, &objs, &n), 0);
		CHECK_EQ(n, 6);
		for (size_t i = 0; i < n; i++) {
			CHECK_EQ(objs[i].id, i + 1);
			CHECK(!strcmp(objs[i].type, "ioas"));
			CHECK_EQ(objs[i].users, 1);
		}
		free(objs);
	}
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static void test_destroy_with_areas(void)
{
	struct sim *sim = fresh();
	struct iommu_destroy d = { .size = sizeof(d) };
	struct ifd_sim_info info;
	uint32_t ioas = st_ioas(sim);

	for (int i = 0; i < 10; i++)
		CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, PAGE, 0x1000000 + i * PAGE), 0);
	CHECK_EQ(sim_info(sim, &info), 0);
	CHECK_EQ(info.nr_areas, 10);
	CHECK_EQ(info.mapped_bytes, 10 * PAGE);
	d.id = ioas;
	CHECK_EQ(io(sim, IOMMU_DESTROY, &d), 0);
	CHECK_EQ(sim_info(sim, &info), 0);
	CHECK_EQ(info.nr_areas, 0);
	CHECK_EQ(info.mapped_bytes, 0);
	CHECK_EQ(info.nr_objects, 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- MAP --------------------------------------------------------------------------------------- */

static void test_map_errors(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	struct iommu_ioas_map m;

#define MAP(f, id, va, len, iov) \
	(m = (struct iommu_ioas_map){ .size = sizeof(m), .flags = (f), .ioas_id = (id), \
				      .user_va = (va), .length = (len), .iova = (iov) }, \
	 io(sim, IOMMU_IOAS_MAP, &m))

	/* Kernel order: flags/reserved, then overflow, then R/W, then the IOAS. */
	CHECK_EQ(MAP(1u << 3, 99, BUF_VA, PAGE, 0), -EOPNOTSUPP);
	m.__reserved = 1;
	m.flags = RW;
	m.ioas_id = ioas;
	CHECK_EQ(io(sim, IOMMU_IOAS_MAP, &m), -EOPNOTSUPP);
	CHECK_EQ(MAP(RW, 99, BUF_VA, PAGE, U64MAX), -EOVERFLOW);	/* even without FIXED */
	CHECK_EQ(MAP(0, 99, BUF_VA, U64MAX, 0), -EOVERFLOW);
	CHECK_EQ(MAP(0, 99, BUF_VA, PAGE, 0), -EINVAL);
	CHECK_EQ(MAP(FIXED, 99, BUF_VA, PAGE, 0), -EINVAL);
	CHECK_EQ(MAP(RW, 99, BUF_VA, PAGE, 0), -ENOENT);
	CHECK(strstr(st_detail, "no object with id 99") != NULL);
	/* Then the source: user_va + length must not overflow, length not 0. */
	CHECK_EQ(MAP(RW, ioas, U64MAX - PAGE + 1, PAGE, 0), -EOVERFLOW);
	CHECK_EQ(MAP(RW, ioas, U64MAX - PAGE, PAGE, 0), 0);	/* end == ULONG_MAX is fine */
	CHECK_EQ(MAP(RW, ioas, BUF_VA, 0, 0), -EINVAL);
	CHECK_EQ(MAP(RW, ioas, 0, U64MAX - PAGE + 1, 0), -EINVAL);
	CHECK_EQ(MAP(RW, ioas, 0, U64MAX - 1, 0), -EINVAL);
	/* Fixed IOVA: overflow, overlap (EEXIST, as in the selftest "area"). */
	CHECK_EQ(MAP(RW | FIXED, ioas, BUF_VA, 3, U64MAX - 1), -EOVERFLOW);
	CHECK_EQ(MAP(RW | FIXED, ioas, BUF_VA, PAGE, U64MAX - PAGE), 0);	/* the last page is fine */
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, 2 * PAGE, 0x1010000), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, 2 * PAGE, 0x1010000), -EEXIST);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, PAGE, 0x1011000), -EEXIST);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, 2 * PAGE, 0x100f000), -EEXIST);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, 3 * PAGE, 0x100f000), -EEXIST);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, PAGE, 0x100f000), 0);
	/* Byte granular without domains (selftest ioas_iova_alloc). */
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA + 1, 3, 0x2000001), 0);
	/* Any VA: nothing is pinned without a domain. */
	CHECK_EQ(st_map_fixed(sim, ioas, 0, PAGE, 0x3000000), 0);
	CHECK_EQ(st_check(sim), 0);
#undef MAP
	sim_close(sim);
}

static void test_auto_iova(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	uint64_t iova, iovas[10];

	/* A THP-aligned 2 MiB buffer lands on the first 2 MiB boundary. */
	CHECK_EQ(st_map(sim, ioas, RW, BUF_VA, HPAGE, &iova), 0);
	CHECK_U64(iova, 0x200000);
	/* A page of it: page alignment is enough, below it. */
	CHECK_EQ(st_map(sim, ioas, RW, BUF_VA, PAGE, &iova), 0);
	CHECK_U64(iova, 0x1000);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);

	/* The selftest area_auto_iova: lengths of 1..10 pages from 1<<31. */
	for (int i = 0; i < 10; i++) {
		uint64_t len = PAGE * (i + 1);

		CHECK_EQ(st_map(sim, ioas, RW, 1ull << 31, len, &iovas[i]), 0);
		CHECK_EQ(iovas[i] % (1ull << (__builtin_ffsll(len) - 1)), 0);
	}
	for (int i = 0; i < 10; i++)
		CHECK_EQ(st_unmap(sim, ioas, iovas[i], PAGE * (i + 1), NULL), 0);

	/* Avoids a reserved region. */
	CHECK_EQ(sim_add_reserved(sim, ioas, PAGE * 4, PAGE * 104 - 1, NULL, 0), 0);
	for (int i = 0; i < 10; i++) {
		uint64_t len = PAGE * (i + 1);

		CHECK_EQ(st_map(sim, ioas, RW, BUF_VA, len, &iovas[i]), 0);
		CHECK(!(iovas[i] + len > PAGE * 4 && iovas[i] < PAGE * 104));
	}
	for (int i = 0; i < 10; i++)
		CHECK_EQ(st_unmap(sim, ioas, iovas[i], PAGE * (i + 1), NULL), 0);

	/* Every length from 1 to two pages (selftest ioas_iova_alloc). */
	for (uint64_t len = 1; len < 2 * PAGE; len++) {
		CHECK_EQ(st_map(sim, ioas, RW, BUF_VA, len, &iova), 0);
		CHECK_EQ(st_unmap(sim, ioas, iova, len, NULL), 0);
	}
	/* Page offset kept: 0x...123 of length 16 goes to 0x1123. */
	CHECK_EQ(st_map(sim, ioas, RW, 0x10123, 16, &iova), 0);
	CHECK_U64(iova, 0x1123);
	/* The reserved-overflow selftest. */
	{
		uint32_t i2 = st_ioas(sim);

		CHECK_EQ(sim_add_reserved(sim, i2, 6, 6 + 0xffffffffffff8001ull - 1, NULL, 0), 0);
		CHECK_EQ(st_map(sim, i2, RW, BUF_VA, 0x5000, &iova), -ENOSPC);
	}
	/* Below the IOAS alignment once HUGE_PAGES is off. */
	{
		struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
					  .op = IOMMU_OPTION_OP_SET, .object_id = ioas, .val64 = 0 };

		CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
		CHECK_EQ(io(sim, IOMMU_OPTION, &o), 0);
		CHECK_EQ(st_map(sim, ioas, RW, BUF_VA + 0x800, PAGE, &iova), -EINVAL);
		CHECK_EQ(st_map(sim, ioas, RW, BUF_VA, 0x800, &iova), -EINVAL);
		CHECK_EQ(st_map(sim, ioas, RW, BUF_VA, PAGE, &iova), 0);
	}
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static void test_arm64_profile(void)
{
	struct sim *sim = st_open_new("arm64-64k", 0, NULL, 0);
	struct ifd_sim_info info;
	uint32_t ioas;
	uint64_t iova;

	CHECK(sim != NULL);
	if (!sim)
		return;
	CHECK_EQ(sim_info(sim, &info), 0);
	CHECK_EQ(info.page_size, 65536);
	CHECK_EQ(info.hpage_size, 512ull << 20);
	CHECK(!strcmp(info.profile, "arm64-64k"));
	CHECK(!strcmp(info.kernel_version, "7.2.13"));
	ioas = st_ioas(sim);
	CHECK_EQ(st_map(sim, ioas, RW, 0, 1, &iova), 0);
	CHECK_U64(iova, 0x10000);
	CHECK_EQ(st_map(sim, ioas, RW, 1ull << 30, 1ull << 30, &iova), 0);
	CHECK_U64(iova, 512ull << 20);
	sim_close(sim);
}

/* A map whose answer cannot be written back stays mapped (the kernel responds
 * after mapping). */
static void test_map_respond_fault(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	struct iommu_ioas_map *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	*m = (struct iommu_ioas_map){ .size = sizeof(*m), .flags = RW, .ioas_id = ioas,
				      .user_va = BUF_VA, .length = PAGE };
	mprotect(m, PAGE, PROT_READ);
	CHECK_EQ(io(sim, IOMMU_IOAS_MAP, m), -EFAULT);
	CHECK_EQ(nr_areas(sim, ioas), 1);
	munmap(m, PAGE);
	sim_close(sim);
}

/* ---- UNMAP ----------------------------------------------------------------------------------- */

static void test_unmap(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	const uint64_t base = 0x1000000;
	uint64_t len;

	/* Nothing mapped: ENOENT; unmap-all succeeds with 0 (twice). */
	for (int i = 0; i < 10; i++)
		CHECK_EQ(st_unmap(sim, ioas, i * PAGE, PAGE, NULL), -ENOENT);
	len = 1;
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, &len), 0);
	CHECK_EQ(len, 0);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, &len), 0);
	/* Order: the IOAS before the arguments. */
	CHECK_EQ(st_unmap(sim, 99, U64MAX, 1, NULL), -ENOENT);
	CHECK_EQ(st_unmap(sim, ioas, U64MAX, 1, NULL), -EOVERFLOW);
	CHECK_EQ(st_unmap(sim, ioas, 1, U64MAX, NULL), -EOVERFLOW);
	CHECK_EQ(st_unmap(sim, ioas, 0, 0, NULL), -EINVAL);
	CHECK_EQ(st_unmap(sim, ioas, U64MAX - 1, 3, NULL), -EOVERFLOW);

	/* Splitting fails. */
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, 2 * PAGE, base + 16 * PAGE), 0);
	CHECK_EQ(st_unmap(sim, ioas, base + 16 * PAGE, PAGE, NULL), -ENOENT);
	CHECK(strstr(st_detail, "partly") != NULL);
	CHECK_EQ(st_unmap(sim, ioas, base + 17 * PAGE, PAGE, NULL), -ENOENT);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, &len), 0);
	CHECK_EQ(len, 2 * PAGE);

	/* Fully contained areas (selftest unmap_fully_contained_areas). */
	for (int i = 0; i < 4; i++)
		CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, 8 * PAGE, base + i * 16 * PAGE), 0);
	CHECK_EQ(st_unmap(sim, ioas, base - 4 * PAGE, 8 * PAGE, NULL), -ENOENT);
	CHECK_EQ(st_unmap(sim, ioas, base + 3 * 16 * PAGE + 4 * PAGE, 8 * PAGE, NULL), -ENOENT);
	CHECK_EQ(st_unmap(sim, ioas, base - 4 * PAGE, 3 * 16 * PAGE + 12 * PAGE, &len), 0);
	CHECK_EQ(len, 32 * PAGE);

	/* Not atomic: A is removed before B is found only partly inside. */
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, PAGE, 0x10000), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, 2 * PAGE, 0x20000), 0);
	CHECK_EQ(st_unmap(sim, ioas, 0x10000, 0x11000, NULL), -ENOENT);
	{
		struct ifd_sim_area *a = NULL;
		size_t n = 0;

		CHECK_EQ(sim_areas(sim, ioas, &a, &n), 0);
		CHECK_EQ(n, 1);
		if (n == 1)
			CHECK_U64(a[0].iova, 0x20000);
		free(a);
	}
	/* The last byte of the IOVA space. */
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, PAGE, U64MAX - PAGE + 1), 0);
	CHECK_EQ(st_unmap(sim, ioas, U64MAX - PAGE + 1, PAGE - 1, NULL), -ENOENT);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, &len), 0);
	CHECK_EQ(len, 3 * PAGE);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- COPY ------------------------------------------------------------------------------------ */

static int copy(struct sim *sim, uint32_t flags, uint32_t dst, uint32_t src, uint64_t src_iova,
		uint64_t len, uint64_t *dst_iova)
{
	struct iommu_ioas_copy c = { .size = sizeof(c), .flags = flags, .dst_ioas_id = dst,
				     .src_ioas_id = src, .length = len, .src_iova = src_iova,
				     .dst_iova = dst_iova ? *dst_iova : 0 };
	int ret = io(sim, IOMMU_IOAS_COPY, &c);

	if (!ret && dst_iova)
		*dst_iova = c.dst_iova;
	return ret;
}

static void test_copy(void)
{
	struct sim *sim = fresh();
	uint32_t src = st_ioas(sim), dst = st_ioas(sim);
	const uint64_t base = 0x1000000, bufsz = 16 * PAGE, last = base + bufsz - 2;
	uint64_t iova;

	/* The selftest copy_sweep: any sub-range of the mapping, step 511. */
	CHECK_EQ(st_map_fixed(sim, src, BUF_VA, last - base + 1, base), 0);
	for (uint64_t s = base - PAGE; s <= last; s += 511) {
		iova = base;
		if (s < base || s + 2048 - 1 > last) {
			CHECK_EQ(copy(sim, RW | FIXED, dst, src, s, 2048, &iova), -ENOENT);
		} else {
			CHECK_EQ(copy(sim, RW | FIXED, dst, src, s, 2048, &iova), 0);
			CHECK_EQ(st_unmap(sim, dst, base, 2048, NULL), 0);
		}
	}
	/* Inside one IOAS. */
	iova = base + bufsz;
	CHECK_EQ(copy(sim, RW | FIXED, src, src, base, PAGE, &iova), 0);

	/* The test kernel's syzkaller hook: flag bit 16 is dropped and src_iova
	 * names {nth area, offset}; found in the lab by ifd-diff (EINVAL, not
	 * EOPNOTSUPP, for FIXED|bit 16 with no R/W flag). */
	iova = 0x7000000;
	CHECK_EQ(copy(sim, FIXED | (1u << 16), dst, src, 0x2001, PAGE, &iova), -EINVAL);
	CHECK_EQ(copy(sim, RW | FIXED | (1u << 16), dst, src, (0x800ULL << 32) | 0, PAGE, &iova), 0);
	CHECK_EQ(st_unmap(sim, dst, 0x7000000, PAGE, NULL), 0);
	/* nth area past the end: IOVA 0, which no area covers */
	CHECK_EQ(copy(sim, RW | FIXED | (1u << 16), dst, src, 99, PAGE, &iova), -ENOENT);

	/* Two touching areas: one destination area per piece, sources carried over. */
	{
		uint32_t s2 = st_ioas(sim), d2 = st_ioas(sim);
		struct ifd_sim_area *a = NULL;
		size_t n = 0;

		CHECK_EQ(st_map_fixed(sim, s2, 0x50000000, 2 * PAGE, 0x100000), 0);
		CHECK_EQ(st_map_fixed(sim, s2, 0x60000000, 2 * PAGE, 0x102000), 0);
		iova = 0x900000;
		CHECK_EQ(copy(sim, RW | FIXED, d2, s2, 0x101800, 0x1000, &iova), 0);
		CHECK_EQ(sim_areas(sim, d2, &a, &n), 0);
		CHECK_EQ(n, 2);
		if (n == 2) {
			CHECK_U64(a[0].iova, 0x900000);
			CHECK_U64(a[0].last, 0x9007ff);
			CHECK_U64(a[0].user_va, 0x50001800);
			CHECK_U64(a[1].iova, 0x900800);
			CHECK_U64(a[1].last, 0x900fff);
			CHECK_U64(a[1].user_va, 0x60000000);
			CHECK_EQ(a[0].source, IFD_SIM_SRC_USER);
			CHECK_EQ(a[0].pid, getpid());
		}
		free(a);
		/* A gap between areas. */
		CHECK_EQ(st_map_fixed(sim, s2, 0x70000000, PAGE, 0x105000), 0);
		CHECK_EQ(copy(sim, RW, d2, s2, 0x103000, 0x3000, &iova), -ENOENT);
		/* Kernel-chosen destination: from the source's address (0x50000000 is
		 * 256 MiB aligned, 8 KiB long: 8 KiB alignment, above what is used). */
		CHECK_EQ(copy(sim, RW, d2, s2, 0x100000, 2 * PAGE, &iova), 0);
		CHECK_U64(iova, 0x2000);
	}
	/* Errors in order. */
	CHECK_EQ(copy(sim, 1u << 5, 99, 99, base, PAGE, NULL), -EOPNOTSUPP);
	CHECK_EQ(copy(sim, RW, 99, 99, base, U64MAX, NULL), -EOVERFLOW);
	CHECK_EQ(copy(sim, RW, 99, 99, U64MAX, 1, NULL), -EOVERFLOW);
	iova = U64MAX;
	CHECK_EQ(copy(sim, RW, 99, 99, base, 1, &iova), -EOVERFLOW);
	CHECK_EQ(copy(sim, 0, 99, 99, base, PAGE, NULL), -EINVAL);
	CHECK_EQ(copy(sim, RW, dst, 99, base, PAGE, NULL), -ENOENT);
	CHECK_EQ(copy(sim, RW, 99, src, base, 0, NULL), -EINVAL);
	CHECK_EQ(copy(sim, RW, 99, src, U64MAX - 1, 2, NULL), -ENOENT);	/* last == ULONG_MAX */
	CHECK_EQ(copy(sim, RW, 99, src, U64MAX - 1, 3, NULL), -EOVERFLOW);
	CHECK_EQ(copy(sim, RW, 99, src, base, PAGE, NULL), -ENOENT);
	CHECK(strstr(st_detail, "no object with id 99") != NULL);
	/* Writeable from a read-only source: EPERM, after the IOVA is chosen. */
	{
		uint32_t s3 = st_ioas(sim);

		CHECK_EQ(st_map(sim, s3, IOMMU_IOAS_MAP_READABLE | FIXED, BUF_VA, PAGE,
				&(uint64_t){ 0x100000 }), 0);
		CHECK_EQ(copy(sim, RW, dst, s3, 0x100000, PAGE, NULL), -EPERM);
		iova = 0;
		CHECK_EQ(copy(sim, IOMMU_IOAS_MAP_READABLE, dst, s3, 0x100000, PAGE, &iova), 0);
		CHECK_EQ(copy(sim, RW | FIXED, dst, s3, 0x100000, PAGE, &iova), -EEXIST);
	}
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- IOVA_RANGES, ALLOW_IOVAS -------------------------------------------------------------- */

static int ranges(struct sim *sim, uint32_t ioas, struct iommu_iova_range *r, uint32_t *num,
		  uint64_t *align)
{
	struct iommu_ioas_iova_ranges c = { .size = sizeof(c), .ioas_id = ioas, .num_iovas = *num,
					    .allowed_iovas = (uintptr_t)r };
	int ret = io(sim, IOMMU_IOAS_IOVA_RANGES, &c);

	*num = c.num_iovas;
	if (align)
		*align = c.out_iova_alignment;
	return ret;
}

static void test_iova_ranges(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), num;
	struct iommu_iova_range r[8];
	uint64_t align;

	num = 8;
	CHECK_EQ(ranges(sim, ioas, r, &num, &align), 0);
	CHECK_EQ(num, 1);
	CHECK_U64(r[0].start, 0);
	CHECK_U64(r[0].last, U64MAX);
	CHECK_EQ(align, 1);
	/* Too small: EMSGSIZE, the count written back, the array untouched. */
	memset(r, 0, sizeof(r));
	num = 0;
	CHECK_EQ(ranges(sim, ioas, r, &num, &align), -EMSGSIZE);
	CHECK_EQ(num, 1);
	CHECK_U64(r[0].last, 0);
	/* Two ranges around a reserved page. */
	CHECK_EQ(sim_add_reserved(sim, ioas, PAGE, 2 * PAGE - 1, NULL, 0), 0);
	num = 8;
	CHECK_EQ(ranges(sim, ioas, r, &num, &align), 0);
	CHECK_EQ(num, 2);
	CHECK_U64(r[0].start, 0);
	CHECK_U64(r[0].last, PAGE - 1);
	CHECK_U64(r[1].start, 2 * PAGE);
	CHECK_U64(r[1].last, U64MAX);
	memset(r, 0, sizeof(r));
	num = 1;
	CHECK_EQ(ranges(sim, ioas, r, &num, &align), -EMSGSIZE);
	CHECK_EQ(num, 2);
	CHECK_U64(r[0].last, PAGE - 1);
	CHECK_U64(r[1].last, 0);
	/* Overlapping reserved ranges and one to the end. */
	CHECK_EQ(sim_add_reserved(sim, ioas, PAGE, 3 * PAGE - 1, NULL, 0), 0);
	CHECK_EQ(sim_add_reserved(sim, ioas, 0x100000, U64MAX, NULL, 0), 0);
	num = 8;
	CHECK_EQ(ranges(sim, ioas, r, &num, &align), 0);
	CHECK_EQ(num, 2);
	CHECK_U64(r[1].start, 3 * PAGE);
	CHECK_U64(r[1].last, 0xfffff);
	/* Errors. */
	{
		struct iommu_ioas_iova_ranges c = { .size = sizeof(c), .ioas_id = ioas,
						    .__reserved = 1 };

		CHECK_EQ(io(sim, IOMMU_IOAS_IOVA_RANGES, &c), -EOPNOTSUPP);
		c.__reserved = 0;
		c.ioas_id = 99;
		CHECK_EQ(io(sim, IOMMU_IOAS_IOVA_RANGES, &c), -ENOENT);
		c.ioas_id = ioas;
		c.num_iovas = 2;
		c.allowed_iovas = 8;
		CHECK_EQ(io(sim, IOMMU_IOAS_IOVA_RANGES, &c), -EFAULT);
	}
	/* HUGE_PAGES off: PAGE_SIZE alignment. */
	{
		uint32_t i2 = st_ioas(sim);
		struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
					  .op = IOMMU_OPTION_OP_SET, .object_id = i2 };

		CHECK_EQ(io(sim, IOMMU_OPTION, &o), 0);
		num = 8;
		CHECK_EQ(ranges(sim, i2, r, &num, &align), 0);
		CHECK_EQ(align, PAGE);
	}
	sim_close(sim);
}

static int allow(struct sim *sim, uint32_t ioas, const struct iommu_iova_range *r, uint32_t num)
{
	struct iommu_ioas_allow_iovas c = { .size = sizeof(c), .ioas_id = ioas, .num_iovas = num,
					    .allowed_iovas = (uintptr_t)r };

	return io(sim, IOMMU_IOAS_ALLOW_IOVAS, &c);
}

static void test_allow_iovas(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), n;
	struct iommu_iova_range r[4];
	struct ifd_range *got = NULL;
	uint64_t iova;

	/* start >= last, single-byte ranges included */
	r[0] = (struct iommu_iova_range){ 0x1000, 0x1000 };
	CHECK_EQ(allow(sim, ioas, r, 1), -EINVAL);
	r[0] = (struct iommu_iova_range){ 0x2000, 0x1000 };
	CHECK_EQ(allow(sim, ioas, r, 1), -EINVAL);
	/* overlapping within the list */
	r[0] = (struct iommu_iova_range){ 0x10000, 0x1ffff };
	r[1] = (struct iommu_iova_range){ 0x30000, 0x3ffff };
	r[2] = (struct iommu_iova_range){ 0x1f000, 0x2ffff };
	CHECK_EQ(allow(sim, ioas, r, 3), -EINVAL);
	CHECK(strstr(st_detail, "range 2") != NULL);
	/* touching is fine */
	r[2] = (struct iommu_iova_range){ 0x20000, 0x2ffff };
	CHECK_EQ(allow(sim, ioas, r, 3), 0);
	CHECK_EQ(sim_allowed(sim, ioas, &got, &n), 0);
	CHECK_EQ(n, 3);
	if (n == 3) {
		CHECK_U64(got[0].start, 0x10000);
		CHECK_U64(got[1].start, 0x20000);
		CHECK_U64(got[2].last, 0x3ffff);
	}
	free(got);
	/* Kernel-chosen IOVAs stay inside; a 0x30000 map spans the touching ranges. */
	CHECK_EQ(st_map(sim, ioas, RW, 0, 0x30000, &iova), -ENOSPC);	/* 0x40000 alignment */
	CHECK_EQ(st_map(sim, ioas, RW, 0x10000, 0x30000, &iova), 0);
	CHECK_U64(iova, 0x10000);
	CHECK_EQ(st_map(sim, ioas, RW, 0, PAGE, &iova), -ENOSPC);
	/* Fixed maps ignore the list. */
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, PAGE, 0x900000), 0);
	/* Reserved vs allowed, both ways (selftest area_allowed). */
	CHECK_EQ(sim_add_reserved(sim, ioas, 0x12000, 0x12fff, NULL, 0), -EADDRINUSE);
	CHECK_EQ(sim_add_reserved(sim, ioas, 0x900000, 0x900fff, NULL, 0), -EADDRINUSE);
	CHECK_EQ(sim_add_reserved(sim, ioas, 0x800000, 0x800fff, NULL, 0), 0);
	/* A list that covers a reserved range: EADDRINUSE, the old list stays. */
	r[0] = (struct iommu_iova_range){ 0x700000, 0x8fffff };
	CHECK_EQ(allow(sim, ioas, r, 1), -EADDRINUSE);
	CHECK_EQ(sim_allowed(sim, ioas, &got, &n), 0);
	CHECK_EQ(n, 3);
	free(got);
	/* Order: EINVAL at entry 1 comes before a fault at entry 3. */
	{
		uint8_t *pg = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct iommu_iova_range *arr = (struct iommu_iova_range *)(pg + PAGE) - 3;

		munmap(pg + PAGE, PAGE);
		arr[0] = (struct iommu_iova_range){ 0x1000, 0x1fff };
		arr[1] = (struct iommu_iova_range){ 0x3000, 0x2000 };
		arr[2] = (struct iommu_iova_range){ 0x5000, 0x5fff };
		CHECK_EQ(allow(sim, ioas, arr, 4), -EINVAL);
		arr[1] = (struct iommu_iova_range){ 0x3000, 0x3fff };
		CHECK_EQ(allow(sim, ioas, arr, 4), -EFAULT);
		CHECK_EQ(allow(sim, ioas, arr, 3), 0);
		munmap(pg, PAGE);
	}
	CHECK_EQ(allow(sim, ioas, (void *)8, 1), -EFAULT);
	/* Errors before the list is read. */
	{
		struct iommu_ioas_allow_iovas c = { .size = sizeof(c), .ioas_id = 99, .num_iovas = 1,
						    .allowed_iovas = 8 };

		CHECK_EQ(io(sim, IOMMU_IOAS_ALLOW_IOVAS, &c), -ENOENT);
		c.__reserved = 1;
		CHECK_EQ(io(sim, IOMMU_IOAS_ALLOW_IOVAS, &c), -EOPNOTSUPP);
	}
	/* 0 clears it. */
	CHECK_EQ(allow(sim, ioas, NULL, 0), 0);
	CHECK_EQ(sim_allowed(sim, ioas, &got, &n), 0);
	CHECK_EQ(n, 0);
	free(got);
	CHECK_EQ(st_map(sim, ioas, RW, 0, PAGE, &iova), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- OPTION ------------------------------------------------------------------------------------ */

static int option(struct sim *sim, uint32_t id, uint16_t op, uint32_t obj, uint64_t *val)
{
	struct iommu_option o = { .size = sizeof(o), .option_id = id, .op = op, .object_id = obj,
				  .val64 = *val };
	int ret = io(sim, IOMMU_OPTION, &o);

	*val = o.val64;
	return ret;
}

static bool has_cap(int cap)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

static void drop_cap_and_set_rlimit(struct sim *sim)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uint64_t v = 1;

	syscall(SYS_capget, &hdr, data);
	data[CAP_SYS_RESOURCE / 32].effective &= ~(1u << (CAP_SYS_RESOURCE % 32));
	if (syscall(SYS_capset, &hdr, data))
		st_child_exit(0, 0);
	v = option(sim, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &v) == -EPERM;
	sim_close(sim);
	st_child_exit(0, (int)v);
}

static void test_option(void)
{
	struct sim *sim = fresh();
	uint64_t v;
	uint32_t ioas;

	v = 7;
	CHECK_EQ(option(sim, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_GET, 0, &v), 0);
	CHECK_EQ(v, 0);
	/* Setting it needs CAP_SYS_RESOURCE, which not every root has (containers). */
	if (has_cap(CAP_SYS_RESOURCE)) {
		v = 1;
		CHECK_EQ(option(sim, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &v), 0);
		v = 2;
		CHECK_EQ(option(sim, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &v), -EINVAL);
		CHECK_EQ(option(sim, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_GET, 0, &v), 0);
		CHECK_EQ(v, 1);
		v = 0;
		CHECK_EQ(option(sim, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &v), 0);
		/* Without CAP_SYS_RESOURCE: EPERM. */
		pid_t pid = st_fork(0);

		if (pid == 0)
			drop_cap_and_set_rlimit(sim);
		CHECK(st_child_ok(pid, 0));
	} else {
		printf("     no CAP_SYS_RESOURCE: setting RLIMIT_MODE checked for EPERM only\n");
		v = 1;
		CHECK_EQ(option(sim, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &v), -EPERM);
		CHECK(strstr(st_detail, "CAP_SYS_RESOURCE") != NULL);
	}
	/* A user namespace of our own grants every capability there, none in the
	 * initial namespace, which is what the kernel asks about. */
	{
		pid_t pid = st_fork(0);

		if (pid == 0) {
			v = 1;
			int ok = 1;

			/* not allowed here: nothing to test */
			if (unshare(CLONE_NEWUSER) == 0)
				ok = option(sim, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &v) ==
				     -EPERM;
			sim_close(sim);
			st_child_exit(0, ok);
		}
		CHECK(st_child_ok(pid, 0));
	}
	CHECK_EQ(option(sim, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_GET, 1, &v), -EOPNOTSUPP);
	CHECK_EQ(option(sim, IOMMU_OPTION_RLIMIT_MODE, 5, 0, &v), -EOPNOTSUPP);
	CHECK_EQ(option(sim, 7, IOMMU_OPTION_OP_GET, 0, &v), -EOPNOTSUPP);
	{
		struct iommu_option o = { .size = sizeof(o), .op = IOMMU_OPTION_OP_GET,
					  .__reserved = 1 };

		CHECK_EQ(io(sim, IOMMU_OPTION, &o), -EOPNOTSUPP);
	}
	/* HUGE_PAGES with no such IOAS (selftest global_options). */
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, 0, &v), -ENOENT);
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, 0, &v), -ENOENT);
	/* An object makes RLIMIT_MODE immutable. */
	ioas = st_ioas(sim);
	v = 0;
	if (has_cap(CAP_SYS_RESOURCE))
		CHECK_EQ(option(sim, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &v), -EBUSY);
	/* HUGE_PAGES (selftests ioas_option_huge_pages, ioas_align_change). */
	v = 3;
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, ioas, &v), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, 9, ioas, &v), -EOPNOTSUPP);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, PAGE, 0x1000000), 0);
	v = 0;
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &v), 0);
	v = 3;
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, ioas, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA + 2048, PAGE, 0x1001000), -EINVAL);
	v = 0;
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &v), 0);
	v = 2;
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &v), -EINVAL);
	v = 1;
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &v), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA + 2048, PAGE, 0x1001000), 0);
	v = 0;
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &v), -EADDRINUSE);
	v = 3;
	CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, ioas, &v), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- VFIO_IOAS and the VFIO container ioctls -------------------------------------------------- */

static int vfio_ioas(struct sim *sim, uint16_t op, uint32_t *id)
{
	struct iommu_vfio_ioas c = { .size = sizeof(c), .op = op, .ioas_id = *id };
	int ret = io(sim, IOMMU_VFIO_IOAS, &c);

	*id = c.ioas_id;
	return ret;
}

static void test_vfio_ioas(void)
{
	struct sim *sim = fresh();
	struct iommu_destroy d = { .size = sizeof(d) };
	uint32_t id = 0, ioas;

	CHECK_EQ(vfio_ioas(sim, IOMMU_VFIO_IOAS_GET, &id), -ENODEV);
	CHECK_EQ(vfio_ioas(sim, IOMMU_VFIO_IOAS_SET, &id), -ENOENT);
	ioas = st_ioas(sim);
	id = ioas;
	CHECK_EQ(vfio_ioas(sim, IOMMU_VFIO_IOAS_SET, &id), 0);
	id = 0;
	CHECK_EQ(vfio_ioas(sim, IOMMU_VFIO_IOAS_GET, &id), 0);
	CHECK_EQ(id, ioas);
	CHECK_EQ(vfio_ioas(sim, IOMMU_VFIO_IOAS_CLEAR, &id), 0);
	CHECK_EQ(vfio_ioas(sim, IOMMU_VFIO_IOAS_GET, &id), -ENODEV);
	CHECK_EQ(vfio_ioas(sim, 3, &id), -EOPNOTSUPP);
	{
		struct iommu_vfio_ioas c = { .size = sizeof(c), .__reserved = 1 };

		CHECK_EQ(io(sim, IOMMU_VFIO_IOAS, &c), -EOPNOTSUPP);
	}
	/* Destroying the IOAS forgets it. */
	id = ioas;
	CHECK_EQ(vfio_ioas(sim, IOMMU_VFIO_IOAS_SET, &id), 0);
	d.id = ioas;
	CHECK_EQ(io(sim, IOMMU_DESTROY, &d), 0);
	CHECK_EQ(vfio_ioas(sim, IOMMU_VFIO_IOAS_GET, &id), -ENODEV);
	sim_close(sim);
}

static void test_vfio_compat(void)
{
	struct sim *sim = fresh();
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map), .iova = 0x1000000,
						.size = PAGE, .vaddr = BUF_VA };
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap), .iova = 0x1000000,
						    .size = PAGE };
	struct vfio_iommu_type1_info info = { 0 };
	uint32_t ioas;

	CHECK_EQ(io(sim, VFIO_GET_API_VERSION, NULL), VFIO_API_VERSION);
	CHECK_EQ(io(sim, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1v2_IOMMU), 1);
	CHECK_EQ(io(sim, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1_IOMMU), 1);
	CHECK_EQ(io(sim, VFIO_CHECK_EXTENSION, (void *)VFIO_UNMAP_ALL), 1);
	CHECK_EQ(io(sim, VFIO_CHECK_EXTENSION, (void *)6), 0);
	CHECK_EQ(io(sim, VFIO_CHECK_EXTENSION, (void *)VFIO_UPDATE_VADDR), 0);
	CHECK_EQ(io(sim, VFIO_CHECK_EXTENSION, (void *)VFIO_DMA_CC_IOMMU), -ENODEV);
	CHECK_EQ(io(sim, VFIO_IOMMU_DIRTY_PAGES, NULL), -ENOTTY);
	/* Without a compat IOAS (selftests unmap_cmd, map_cmd, info_cmd, set_iommu_cmd). */
	unmap.argsz = 1;
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), -EINVAL);
	unmap.argsz = sizeof(unmap);
	unmap.flags = 1u << 31;
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), -EINVAL);
	unmap.flags = 0;
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), -ENODEV);
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, NULL), -EFAULT);
	map.argsz = 1;
	CHECK_EQ(io(sim, VFIO_IOMMU_MAP_DMA, &map), -EINVAL);
	map.argsz = sizeof(map);
	map.flags = 1u << 31;
	CHECK_EQ(io(sim, VFIO_IOMMU_MAP_DMA, &map), -EINVAL);
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	CHECK_EQ(io(sim, VFIO_IOMMU_MAP_DMA, &map), -ENODEV);
	info.argsz = 1;
	CHECK_EQ(io(sim, VFIO_IOMMU_GET_INFO, &info), -EINVAL);
	info.argsz = sizeof(info);
	CHECK_EQ(io(sim, VFIO_IOMMU_GET_INFO, &info), -ENODEV);
	CHECK_EQ(io(sim, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), -ENODEV);
	CHECK_EQ(io(sim, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_IOMMU), -ENODEV);
	CHECK_EQ(io(sim, VFIO_SET_IOMMU, (void *)2), -EINVAL);

	ioas = st_ioas(sim);
	{
		uint32_t id = ioas;

		CHECK_EQ(vfio_ioas(sim, IOMMU_VFIO_IOAS_SET, &id), 0);
	}
	CHECK_EQ(io(sim, VFIO_CHECK_EXTENSION, (void *)VFIO_DMA_CC_IOMMU), 1);
	CHECK_EQ(io(sim, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), 0);
	/* Simple map/unmap; unmap of nothing succeeds with size 0. */
	CHECK_EQ(io(sim, VFIO_IOMMU_MAP_DMA, &map), 0);
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	CHECK_EQ(unmap.size, PAGE);
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	CHECK_EQ(unmap.size, 0);
	/* UNMAP_FLAG_ALL needs iova and size 0. */
	CHECK_EQ(io(sim, VFIO_IOMMU_MAP_DMA, &map), 0);
	unmap.flags = VFIO_DMA_UNMAP_FLAG_ALL;
	unmap.iova = 0x1000000;
	unmap.size = PAGE;
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), -EINVAL);
	unmap.iova = 0;
	unmap.size = 0;
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	CHECK_EQ(unmap.size, PAGE);
	/* Type1v2 cannot cut a mapping: ENOENT, and the struct still comes back. */
	unmap.flags = 0;
	map.size = 4 * PAGE;
	CHECK_EQ(io(sim, VFIO_IOMMU_MAP_DMA, &map), 0);
	unmap.iova = 0x1000000 + PAGE;
	unmap.size = PAGE;
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), -ENOENT);
	CHECK_EQ(unmap.size, 0);
	/* Type1 (v1) turns huge pages off and cuts. */
	CHECK_EQ(io(sim, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_IOMMU), 0);
	{
		uint64_t v = 3;

		CHECK_EQ(option(sim, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, ioas, &v), 0);
		CHECK_EQ(v, 0);
	}
	unmap.size = PAGE;
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	CHECK_EQ(unmap.size, PAGE);
	CHECK_EQ(nr_areas(sim, ioas), 2);
	{
		struct ifd_sim_area *a = NULL;
		size_t n = 0;

		CHECK_EQ(sim_areas(sim, ioas, &a, &n), 0);
		if (n == 2) {
			CHECK_U64(a[0].iova, 0x1000000);
			CHECK_U64(a[0].last, 0x1000fff);
			CHECK_U64(a[1].iova, 0x1002000);
			CHECK_U64(a[1].user_va, BUF_VA + 2 * PAGE);
		}
		free(a);
	}
	/* A cut that is not page aligned. */
	unmap.iova = 0x1002000 + 0x800;
	CHECK_EQ(io(sim, VFIO_IOMMU_UNMAP_DMA, &unmap), -EINVAL);
	CHECK_EQ(st_check(sim), 0);

	/* GET_INFO: the capability chain, and nothing written past argsz. */
	{
		uint8_t buf[512];
		struct vfio_iommu_type1_info *in = (void *)buf;
		uint32_t full;

		/* The pre-capability struct: 16 bytes. */
		memset(buf, 0xaa, sizeof(buf));
		memset(buf, 0, 16);
		in->argsz = 16;
		CHECK_EQ(io(sim, VFIO_IOMMU_GET_INFO, in), 0);
		CHECK_EQ(in->flags, VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
		CHECK_U64(in->iova_pgsizes, ~(PAGE - 1));
		CHECK_EQ(buf[16], 0xaa);

		memset(buf, 0xaa, sizeof(buf));
		*in = (struct vfio_iommu_type1_info){ .argsz = sizeof(*in) };
		CHECK_EQ(io(sim, VFIO_IOMMU_GET_INFO, in), 0);
		CHECK_EQ(in->cap_offset, 0);
		full = in->argsz;
		CHECK_EQ(full, 24 + 16 + 16 + 16);
		CHECK_EQ(buf[24], 0xaa);

		memset(buf, 0xaa, sizeof(buf));
		*in = (struct vfio_iommu_type1_info){ .argsz = full };
		CHECK_EQ(io(sim, VFIO_IOMMU_GET_INFO, in), 0);
		CHECK_EQ(in->cap_offset, 24);
		{
			struct vfio_iommu_type1_info_dma_avail *c1 = (void *)(buf + 24);
			struct vfio_iommu_type1_info_cap_iova_range *c2 = (void *)(buf + 40);

			CHECK_EQ(c1->header.id, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
			CHECK_EQ(c1->header.next, 40);
			CHECK_EQ(c1->avail, UINT32_MAX);
			CHECK_EQ(c2->header.id, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
			CHECK_EQ(c2->header.version, 1);
			CHECK_EQ(c2->header.next, 0);
			CHECK_EQ(c2->nr_iovas, 1);
			CHECK_U64(c2->iova_ranges[0].start, 0);
			CHECK_U64(c2->iova_ranges[0].end, U64MAX);
		}
		CHECK_EQ(buf[full], 0xaa);
		/* Every length in between: never a byte past argsz. */
		for (uint32_t len = sizeof(*in); len < full; len++) {
			memset(buf, 0xaa, sizeof(buf));
			*in = (struct vfio_iommu_type1_info){ .argsz = len };
			CHECK_EQ(io(sim, VFIO_IOMMU_GET_INFO, in), 0);
			for (uint32_t i = len; i < sizeof(buf); i++)
				if (buf[i] != 0xaa) {
					CHECK(buf[i] == 0xaa);
					break;
				}
		}
	}
	sim_close(sim);
}

/* ---- commands that need devices ------------------------------------------------------------- */

static void test_device_commands(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), b[16];

#define Z() memset(b, 0, sizeof(b))
	/* HWPT_ALLOC: reserved, data checks, then the device. */
	Z(); b[0] = 48; b[5] = 1;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, b), -EOPNOTSUPP);
	Z(); b[0] = 48; b[7] = 8;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, b), -EINVAL);
	Z(); b[0] = 48; b[2] = ioas; b[3] = ioas;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, b), -ENOENT);
	CHECK(strstr(st_detail, "id 1 is not a device (it is an ioas)") != NULL);
	/* GET_HW_INFO */
	Z(); b[0] = 40; b[1] = 2;
	CHECK_EQ(io(sim, IOMMU_GET_HW_INFO, b), -EOPNOTSUPP);
	Z(); b[0] = 40; ((uint8_t *)b)[30] = 1;
	CHECK_EQ(io(sim, IOMMU_GET_HW_INFO, b), -EOPNOTSUPP);
	Z(); b[0] = 40; b[1] = 1; b[2] = 5;
	CHECK_EQ(io(sim, IOMMU_GET_HW_INFO, b), -ENOENT);
	/* SET_DIRTY_TRACKING / GET_DIRTY_BITMAP: the IOAS is not an HWPT. */
	Z(); b[0] = 16; b[1] = 2;
	CHECK_EQ(io(sim, IOMMU_HWPT_SET_DIRTY_TRACKING, b), -EOPNOTSUPP);
	Z(); b[0] = 16; b[2] = ioas;
	CHECK_EQ(io(sim, IOMMU_HWPT_SET_DIRTY_TRACKING, b), -ENOENT);
	CHECK(strstr(st_detail, "is not a hwpt_paging (it is an ioas)") != NULL);
	Z(); b[0] = 48; b[3] = 1;
	CHECK_EQ(io(sim, IOMMU_HWPT_GET_DIRTY_BITMAP, b), -EOPNOTSUPP);
	Z(); b[0] = 48; b[1] = ioas;
	CHECK_EQ(io(sim, IOMMU_HWPT_GET_DIRTY_BITMAP, b), -ENOENT);
	/* HWPT_INVALIDATE answers even on failure: entry_num becomes 0. */
	Z(); b[0] = 32; b[7] = 1; b[6] = 5;
	CHECK_EQ(io(sim, IOMMU_HWPT_INVALIDATE, b), -EOPNOTSUPP);
	CHECK_EQ(b[6], 0);
	Z(); b[0] = 32; b[6] = 1; b[5] = 8;
	CHECK_EQ(io(sim, IOMMU_HWPT_INVALIDATE, b), -EINVAL);
	Z(); b[0] = 32; b[6] = 1; b[2] = 0x1000; b[5] = PAGE + 1;
	CHECK_EQ(io(sim, IOMMU_HWPT_INVALIDATE, b), -EINVAL);
	Z(); b[0] = 32; b[1] = 77; b[6] = 0;
	CHECK_EQ(io(sim, IOMMU_HWPT_INVALIDATE, b), -ENOENT);
	Z(); b[0] = 32; b[1] = ioas; b[6] = 1; b[2] = 0x1000; b[5] = 16;
	CHECK_EQ(io(sim, IOMMU_HWPT_INVALIDATE, b), -EINVAL);
	CHECK_EQ(b[6], 0);
	/* FAULT_QUEUE_ALLOC: flags, then a queue and its fd (test-sim-queues.c) */
	Z(); b[0] = 16; b[1] = 1;
	CHECK_EQ(io(sim, IOMMU_FAULT_QUEUE_ALLOC, b), -EOPNOTSUPP);
	Z(); b[0] = 16;
	CHECK_EQ(io(sim, IOMMU_FAULT_QUEUE_ALLOC, b), 0);
	{
		struct iommu_destroy d = { .size = sizeof(d), .id = b[2] };

		CHECK_EQ(io(sim, IOMMU_DESTROY, &d), -EBUSY);	/* its fd is open */
		CHECK_EQ(close((int)b[3]), 0);
		CHECK_EQ(io(sim, IOMMU_DESTROY, &d), 0);
	}
	/* VIOMMU / VDEVICE / VEVENTQ / HW_QUEUE */
	Z(); b[0] = 40; b[2] = 0;
	CHECK_EQ(io(sim, IOMMU_VIOMMU_ALLOC, b), -EOPNOTSUPP);
	Z(); b[0] = 40; b[2] = 1; b[3] = 3;
	CHECK_EQ(io(sim, IOMMU_VIOMMU_ALLOC, b), -ENOENT);
	Z(); b[0] = 24; b[1] = ioas;
	CHECK_EQ(io(sim, IOMMU_VDEVICE_ALLOC, b), -ENOENT);
	Z(); b[0] = 32; b[3] = 0;
	CHECK_EQ(io(sim, IOMMU_VEVENTQ_ALLOC, b), -EOPNOTSUPP);
	Z(); b[0] = 32; b[3] = 1; b[4] = 0;
	CHECK_EQ(io(sim, IOMMU_VEVENTQ_ALLOC, b), -EINVAL);
	Z(); b[0] = 32; b[3] = 1; b[4] = (1u << 19) + 1;
	CHECK_EQ(io(sim, IOMMU_VEVENTQ_ALLOC, b), -EINVAL);
	Z(); b[0] = 32; b[3] = 1; b[4] = 16;
	CHECK_EQ(io(sim, IOMMU_VEVENTQ_ALLOC, b), -ENOENT);
	Z(); b[0] = 40; b[3] = 0;
	CHECK_EQ(io(sim, IOMMU_HW_QUEUE_ALLOC, b), -EOPNOTSUPP);
	Z(); b[0] = 40; b[3] = 1;
	CHECK_EQ(io(sim, IOMMU_HW_QUEUE_ALLOC, b), -EINVAL);
	Z(); b[0] = 40; b[3] = 1; b[6] = 0xffffffff; b[7] = 0xffffffff; b[8] = 2;
	CHECK_EQ(io(sim, IOMMU_HW_QUEUE_ALLOC, b), -EOVERFLOW);
	Z(); b[0] = 40; b[3] = 1; b[8] = 0x1000;
	CHECK_EQ(io(sim, IOMMU_HW_QUEUE_ALLOC, b), -ENOENT);
#undef Z
	sim_close(sim);
}

/* ---- MAP_FILE and CHANGE_PROCESS ----------------------------------------------------------------- */

static int map_file(struct sim *sim, uint32_t ioas, uint32_t flags, int fd, uint64_t start,
		    uint64_t len, uint64_t *iova)
{
	struct iommu_ioas_map_file m = { .size = sizeof(m), .flags = flags, .ioas_id = ioas,
					 .fd = fd, .start = start, .length = len,
					 .iova = iova && (flags & FIXED) ? *iova : 0 };
	int ret = io(sim, IOMMU_IOAS_MAP_FILE, &m);

	if (!ret && iova)
		*iova = m.iova;
	return ret;
}

static void test_map_file(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	int mfd = memfd_create("sim-test", MFD_CLOEXEC);
	struct ifd_sim_area *a = NULL;
	struct stat st;
	uint64_t iova;
	size_t n = 0;

	CHECK(mfd >= 0);
	CHECK_EQ(ftruncate(mfd, 8 << 20), 0);
	fstat(mfd, &st);
	CHECK_EQ(map_file(sim, ioas, 1u << 4, mfd, 0, PAGE, &iova), -EOPNOTSUPP);
	CHECK_EQ(map_file(sim, 99, RW, mfd, 0, U64MAX, &iova), -EOVERFLOW);
	CHECK_EQ(map_file(sim, 99, 0, mfd, 0, PAGE, &iova), -EINVAL);
	CHECK_EQ(map_file(sim, 99, RW, -1, 0, PAGE, &iova), -ENOENT);
	CHECK_EQ(map_file(sim, ioas, RW, -1, 0, 0, &iova), -EINVAL);
	CHECK_EQ(map_file(sim, ioas, RW, -1, U64MAX - 1, 3, &iova), -EOVERFLOW);
	CHECK_EQ(map_file(sim, ioas, RW, -1, 0, PAGE, &iova), -EBADF);
	CHECK_EQ(map_file(sim, ioas, RW, 1000, 0, PAGE, &iova), -EBADF);
	/* Kernel-chosen IOVA from the file offset. */
	CHECK_EQ(map_file(sim, ioas, RW, mfd, 2 << 20, 2 << 20, &iova), 0);
	CHECK_U64(iova, 0x200000);
	CHECK_EQ(map_file(sim, ioas, IOMMU_IOAS_MAP_READABLE, mfd, 0x1000, 0x1000, &iova), 0);
	CHECK_U64(iova, 0x1000);
	CHECK_EQ(sim_areas(sim, ioas, &a, &n), 0);
	CHECK_EQ(n, 2);
	if (n == 2) {
		CHECK_EQ(a[0].source, IFD_SIM_SRC_FILE);
		CHECK_U64(a[0].dev, st.st_dev);
		CHECK_U64(a[0].ino, st.st_ino);
		CHECK_U64(a[0].offset, 0x1000);
		CHECK_EQ(a[0].flags, IOMMU_IOAS_MAP_READABLE);
		CHECK_U64(a[1].offset, 2 << 20);
	}
	free(a);
	/* Any file is taken at map time (the kernel looks at it only when pinning). */
	{
		char path[PATH_MAX];
		int fd;

		st_path(path, sizeof(path), "plain-file");
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		CHECK_EQ(map_file(sim, ioas, RW, fd, 0, PAGE, &iova), 0);
		close(fd);
	}
	/* CHANGE_PROCESS: every area from MAP_FILE -> 0; a user map -> EINVAL. */
	{
		struct iommu_ioas_change_process c = { .size = sizeof(c) };

		CHECK_EQ(io(sim, IOMMU_IOAS_CHANGE_PROCESS, &c), 0);
		c.__reserved = 1;
		CHECK_EQ(io(sim, IOMMU_IOAS_CHANGE_PROCESS, &c), -EOPNOTSUPP);
		c.__reserved = 0;
		CHECK_EQ(st_map(sim, ioas, RW, BUF_VA, PAGE, &iova), 0);
		CHECK_EQ(io(sim, IOMMU_IOAS_CHANGE_PROCESS, &c), -EINVAL);
		CHECK_EQ(st_unmap(sim, ioas, iova, PAGE, NULL), 0);
		/* In a child: the areas' source process becomes the child. */
		pid_t pid = st_fork(0);

		if (pid == 0) {
			struct ifd_sim_area *ca = NULL;
			size_t cn = 0;
			int ok = io(sim, IOMMU_IOAS_CHANGE_PROCESS, &c) == 0 &&
				 sim_areas(sim, ioas, &ca, &cn) == 0 && cn == 3 &&
				 ca[0].pid == getpid();

			free(ca);
			sim_close(sim);
			st_child_exit(0, ok);
		}
		CHECK(st_child_ok(pid, 0));
	}
	close(mfd);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- sim memory ---------------------------------------------------------------------------------- */

static void test_sim_mem(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim), d2 = st_ioas(sim);
	struct ifd_sim_area *a = NULL;
	struct ifd_sim_info info;
	uint64_t va, va2, iova;
	size_t n = 0;

	CHECK_EQ(sim_mem_alloc(sim, 0, &va), -EINVAL);
	CHECK_EQ(sim_mem_alloc(sim, 3 * PAGE + 1, &va), 0);
	CHECK(va >= 0xffffc00000000000ull);
	CHECK_EQ(va % PAGE, 0);
	CHECK_EQ(sim_mem_alloc(sim, PAGE, &va2), 0);
	CHECK_EQ(sim_info(sim, &info), 0);
	CHECK_EQ(info.sim_mem_bytes, 5 * PAGE);
	CHECK_EQ(st_map(sim, ioas, RW, va + PAGE, 2 * PAGE, &iova), 0);
	CHECK_EQ(sim_areas(sim, ioas, &a, &n), 0);
	CHECK_EQ(n, 1);
	if (n == 1) {
		CHECK_EQ(a[0].source, IFD_SIM_SRC_SIM_MEM);
		CHECK_U64(a[0].user_va, va + PAGE);
	}
	free(a);
	/* A copy shares the source, offset-adjusted. */
	CHECK_EQ(copy(sim, RW | FIXED, d2, ioas, iova + 0x800, 0x800, &(uint64_t){ 0x5000000 }), 0);
	CHECK_EQ(sim_areas(sim, d2, &a, &n), 0);
	CHECK_EQ(n, 1);
	if (n == 1) {
		CHECK_EQ(a[0].source, IFD_SIM_SRC_SIM_MEM);
		CHECK_U64(a[0].user_va, va + PAGE + 0x800);
	}
	free(a);
	/* In use: EBUSY; once unmapped everywhere, freed and reused. */
	CHECK_EQ(sim_mem_free(sim, va), -EBUSY);
	CHECK_EQ(sim_mem_free(sim, va + PAGE), -ENOENT);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
	CHECK_EQ(sim_mem_free(sim, va), -EBUSY);
	CHECK_EQ(st_unmap(sim, d2, 0, U64MAX, NULL), 0);
	CHECK_EQ(sim_mem_free(sim, va), 0);
	CHECK_EQ(sim_mem_free(sim, va2), 0);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(sim_mem_alloc(sim, PAGE, &va2), 0);
	CHECK_EQ(va2, va);
	CHECK_EQ(sim_mem_alloc(sim, 4 * PAGE, &va2), 0);
	/* Outside any extent: an ordinary (if impossible) user address. */
	CHECK_EQ(st_map(sim, ioas, RW, 0xffffd00000000000ull, PAGE, &iova), 0);
	CHECK_EQ(sim_areas(sim, ioas, &a, &n), 0);
	if (n == 1)
		CHECK_EQ(a[0].source, IFD_SIM_SRC_USER);
	free(a);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- persistence and contexts -------------------------------------------------------------------- */

static void test_persistence(void)
{
	char path[PATH_MAX];
	struct sim *sim = st_open_new("default", 0, path, sizeof(path));
	struct ifd_sim_info info;
	uint64_t gen;
	uint32_t ioas;
	int err;

	CHECK(sim != NULL);
	if (!sim)
		return;
	ioas = st_ioas(sim);
	CHECK_EQ(st_map_fixed(sim, ioas, BUF_VA, PAGE, 0x1000000), 0);
	CHECK_EQ(sim_info(sim, &info), 0);
	gen = info.generation;
	sim_close(sim);

	sim = st_open_path(path, 0, &err);
	CHECK_EQ(err, 0);
	if (!sim)
		return;
	CHECK_EQ(nr_areas(sim, ioas), 1);
	CHECK_EQ(sim_info(sim, &info), 0);
	CHECK_EQ(info.generation, gen);
	CHECK_EQ(info.nr_objects, 1);
	CHECK(strstr(info.path, path) != NULL);
	CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), 0);
	CHECK_EQ(sim_info(sim, &info), 0);
	CHECK(info.generation > gen);
	/* reset: every object of every context goes, the state stays */
	CHECK_EQ(st_ioas(sim), 2);
	CHECK_EQ(sim_reset(sim), 0);
	CHECK_EQ(sim_info(sim, &info), 0);
	CHECK_EQ(info.nr_objects, 0);
	CHECK_EQ(st_ioas(sim), 1);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static void test_private_context(void)
{
	char path[PATH_MAX];
	struct sim *shared = st_open_new("default", 0, path, sizeof(path));
	struct sim *priv;
	struct ifd_sim_info info;
	int err;
	pid_t pid;

	CHECK(shared != NULL);
	if (!shared)
		return;
	CHECK_EQ(st_ioas(shared), 1);
	CHECK_EQ(st_ioas(shared), 2);
	/* A private context has its own IDs. */
	priv = st_open_path(path, IFD_OPEN_SIM_PRIVATE, &err);
	CHECK_EQ(err, 0);
	if (!priv)
		return;
	CHECK_EQ(st_ioas(priv), 1);
	CHECK_EQ(sim_info(shared, &info), 0);
	CHECK_EQ(info.nr_contexts, 2);
	CHECK_EQ(info.nr_objects, 3);
	sim_close(priv);
	CHECK_EQ(sim_info(shared, &info), 0);
	CHECK_EQ(info.nr_contexts, 1);
	CHECK_EQ(info.nr_objects, 2);

	/* A child that opens one and exits without closing: gone at the next entry. */
	pid = st_fork(0);
	if (pid == 0) {
		struct sim *c = st_open_path(path, IFD_OPEN_SIM_PRIVATE, &err);
		uint32_t i;

		int ok;

		sim_close(shared);
		if (!c)
			st_child_exit(0, 0);
		i = st_ioas(c);
		ok = i == 1 && st_map_fixed(c, i, BUF_VA, PAGE, 0x1000000) == 0;
		/* killed, never closed: the owner is simply gone */
		st_kept = c;
		st_child_exit(0, ok);
	}
	CHECK(st_child_ok(pid, 0));
	CHECK_EQ(sim_info(shared, &info), 0);
	CHECK_EQ(info.nr_contexts, 1);
	CHECK_EQ(info.nr_objects, 2);
	CHECK_EQ(info.nr_areas, 0);
	CHECK_EQ(st_check(shared), 0);

	/* A forked child shares its parent's private context while the parent lives. */
	priv = st_open_path(path, IFD_OPEN_SIM_PRIVATE, &err);
	if (priv) {
		pid = st_fork(0);
		if (pid == 0) {
			int ok = st_ioas(priv) == 1;

			/* not the owner: closing here releases nothing */
			sim_close(priv);
			sim_close(shared);
			st_child_exit(0, ok);
		}
		CHECK(st_child_ok(pid, 0));
		CHECK_EQ(st_ioas(priv), 2);
		sim_close(priv);
	}
	CHECK_EQ(sim_info(shared, &info), 0);
	CHECK_EQ(info.nr_contexts, 1);
	sim_close(shared);
}

/* Several processes at once on the shared context: the lock serialises them. */
static void test_concurrent(void)
{
	char path[PATH_MAX];
	struct sim *sim = st_open_new("default", 0, path, sizeof(path));
	struct ifd_sim_info info;
	uint32_t ioas;
	pid_t pids[4];

	CHECK(sim != NULL);
	if (!sim)
		return;
	ioas = st_ioas(sim);
	for (int p = 0; p < 4; p++) {
		pids[p] = st_fork(p);
		if (pids[p] == 0) {
			int err, bad = 0;
			struct sim *c = st_open_path(path, 0, &err);

			for (int i = 0; c && i < 1000; i++) {
				uint64_t iova;

				bad += st_map_fixed(c, ioas, BUF_VA, PAGE,
						    0x10000000 + ((uint64_t)p * 1000 + i) * PAGE) != 0;
				bad += st_map(c, ioas, RW, BUF_VA, PAGE, &iova) != 0;
				if (i % 2)
					bad += st_unmap(c, ioas, iova, PAGE, NULL) != 0;
			}
			if (c)
				sim_close(c);
			sim_close(sim);
			st_child_exit(p, c && !bad);
		}
	}
	for (int p = 0; p < 4; p++)
		CHECK(st_child_ok(pids[p], p));
	CHECK_EQ(sim_info(sim, &info), 0);
	CHECK_EQ(info.nr_areas, 4 * 1500);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

int main(void)
{
	st_setup_dir();
	UNIT_RUN(test_cmd_fail);
	UNIT_RUN(test_cmd_length);
	UNIT_RUN(test_short_struct);
	UNIT_RUN(test_ids);
	UNIT_RUN(test_destroy_with_areas);
	UNIT_RUN(test_map_errors);
	UNIT_RUN(test_auto_iova);
	UNIT_RUN(test_arm64_profile);
	UNIT_RUN(test_map_respond_fault);
	UNIT_RUN(test_unmap);
	UNIT_RUN(test_copy);
	UNIT_RUN(test_iova_ranges);
	UNIT_RUN(test_allow_iovas);
	UNIT_RUN(test_option);
	UNIT_RUN(test_vfio_ioas);
	UNIT_RUN(test_vfio_compat);
	UNIT_RUN(test_device_commands);
	UNIT_RUN(test_map_file);
	UNIT_RUN(test_sim_mem);
	UNIT_RUN(test_persistence);
	UNIT_RUN(test_private_context);
	UNIT_RUN(test_concurrent);
	st_cleanup();
	return unit_finish();
}
