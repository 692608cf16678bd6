// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The state file: refusals (ownership, modes), foreign, other-version,
 * truncated and corrupt files (a clear error, never a crash or a hang), and
 * growth far past the initial size with the consistency check clean after.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <stdbool.h>
#include <stddef.h>

#include "sim/layout.h"
#include "sim-test.h"

#define PAGE 4096ull
#define U64MAX UINT64_MAX


static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	*len = (size_t)st.st_size;
	*buf = malloc(*len);
	if (!*buf || pread(fd, *buf, *len, 0) != (ssize_t)*len) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int write_file(const char *path, const uint8_t *buf, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int ret = 0;

	if (fd < 0)
		return -1;
	if (len && pwrite(fd, buf, len, 0) != (ssize_t)len)
		ret = -1;
	close(fd);
	return ret;
}

/* ---- refusals -------------------------------------------------------------------------------- */

static void test_create_and_refuse(void)
{
	char dir[PATH_MAX - 64], path[PATH_MAX], link[PATH_MAX];
	char detail[256];
	struct stat st;

	st_path(dir, sizeof(dir), "perm");
	CHECK_EQ(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/s.state", dir);

	CHECK_EQ(sim_check_path(path, detail, sizeof(detail)), -ENOENT);
	CHECK_EQ(sim_create(path, "no-such-profile", 0, detail, sizeof(detail)), -EINVAL);
	CHECK_EQ(sim_create(path, NULL, 0, detail, sizeof(detail)), 0);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_EQ(sim_check_path(path, detail, sizeof(detail)), 0);
	CHECK_EQ(sim_create(path, NULL, 0, detail, sizeof(detail)), -EEXIST);
	CHECK_EQ(sim_create(path, "arm64-64k", 1, detail, sizeof(detail)), 0);
	{
		const char *const *p = sim_profiles();
		int n = 0;

		for (; *p; p++)
			n += !strcmp(*p, "default") || !strcmp(*p, "arm64-64k");
		CHECK_EQ(n, 2);
	}

	/* The directory: writable by the group or by others. */
	CHECK_EQ(chmod(dir, 0770), 0);
	CHECK_EQ(sim_check_path(path, detail, sizeof(detail)), -EPERM);
	CHECK(strstr(detail, dir) && strstr(detail, "0770"));
	CHECK_EQ(sim_create(path, NULL, 1, detail, sizeof(detail)), -EPERM);
	CHECK_EQ(chmod(dir, 0703), 0);
	CHECK_EQ(sim_check_path(path, detail, sizeof(detail)), -EPERM);
	CHECK(strstr(detail, "others") != NULL);
	CHECK_EQ(chmod(dir, 0700), 0);
	/* The file. */
	CHECK_EQ(chmod(path, 0620), 0);
	CHECK_EQ(sim_check_path(path, detail, sizeof(detail)), -EPERM);
	CHECK(strstr(detail, path) && strstr(detail, "0620"));
	CHECK_EQ(chmod(path, 0600), 0);
	snprintf(link, sizeof(link), "%s/link.state", dir);
	CHECK_EQ(symlink(path, link), 0);
	CHECK(sim_check_path(link, detail, sizeof(detail)) < 0);
	/* Owned by someone else: only root can arrange it. */
	if (geteuid() == 0) {
		CHECK_EQ(chown(path, 65534, 65534), 0);
		CHECK_EQ(sim_check_path(path, detail, sizeof(detail)), -EPERM);
		CHECK(strstr(detail, "uid 65534") != NULL);
		CHECK_EQ(chown(path, 0, 0), 0);
		CHECK_EQ(chown(dir, 65534, 65534), 0);
		CHECK_EQ(sim_check_path(path, detail, sizeof(detail)), -EPERM);
		CHECK_EQ(sim_create(path, NULL, 1, detail, sizeof(detail)), -EPERM);
		CHECK_EQ(chown(dir, 0, 0), 0);
	} else {
		printf("     not root: ownership refusals not tried\n");
	}
	CHECK_EQ(sim_check_path(path, detail, sizeof(detail)), 0);
}

/* ---- foreign, other-version, truncated ---------------------------------------------------------- */

static int open_err(const char *path)
{
	int err;
	struct sim *sim = st_open_path(path, 0, &err);

	if (sim)
		sim_close(sim);
	return sim ? 0 : err;
}

static void test_foreign_and_truncated(void)
{
	char path[PATH_MAX], bad[PATH_MAX];
	struct sim *sim = st_open_new("default", 0, path, sizeof(path));
	uint8_t *pristine = NULL, *copy;
	size_t len = 0;
	uint32_t ioas;

	CHECK(sim != NULL);
	if (!sim)
		return;
	ioas = st_ioas(sim);
	for (int i = 0; i < 50; i++)
		CHECK_EQ(st_map_fixed(sim, ioas, 0x10000000, PAGE, 0x1000000 + i * PAGE), 0);
	sim_close(sim);
	CHECK_EQ(read_file(path, &pristine, &len), 0);
	st_path(bad, sizeof(bad), "bad.state");

	/* Not ours. */
	CHECK_EQ(write_file(bad, NULL, 0), 0);
	CHECK_EQ(open_err(bad), -EPROTO);
	CHECK_EQ(write_file(bad, (const uint8_t *)"hello, world\n", 13), 0);
	CHECK_EQ(open_err(bad), -EPROTO);
	CHECK(strstr(st_detail, "magic") != NULL);
	/* Another format version. */
	copy = malloc(len);
	memcpy(copy, pristine, len);
	((struct sim_hdr *)copy)->format_version = SIM_FORMAT_VERSION + 1;
	CHECK_EQ(write_file(bad, copy, len), 0);
	CHECK_EQ(open_err(bad), -EPROTO);
	{
		char want[32];

		snprintf(want, sizeof(want), "version %u", SIM_FORMAT_VERSION + 1);
		CHECK(strstr(st_detail, want) != NULL);
	}
	/* Unknown features. */
	memcpy(copy, pristine, len);
	((struct sim_hdr *)copy)->features = 4;
	((struct sim_hdr *)copy)->static_sum = 0;
	CHECK_EQ(write_file(bad, copy, len), 0);
	CHECK_EQ(open_err(bad), -EUCLEAN);	/* the checksum comes first */
	/* Truncated anywhere: refused, never mapped past the end. */
	{
		size_t cuts[] = { 1, 7, 8, 9, 100, 4095, 4096, 4097, 8192, len / 2, len - 4096,
				  len - 1 };

		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			int err;

			CHECK_EQ(write_file(bad, pristine, cuts[i]), 0);
			err = open_err(bad);
			CHECK(err == -EUCLEAN || err == -EPROTO);
		}
		for (int i = 0; i < 40; i++) {
			int err;

			CHECK_EQ(write_file(bad, pristine, 1 + rnd() % (len - 1)), 0);
			err = open_err(bad);
			CHECK(err == -EUCLEAN || err == -EPROTO);
		}
	}
	/* Longer than the header says. */
	copy = realloc(copy, len + 4096);
	memcpy(copy, pristine, len);
	memset(copy + len, 0, 4096);
	CHECK_EQ(write_file(bad, copy, len + 4096), 0);
	CHECK_EQ(open_err(bad), -EUCLEAN);
	CHECK(strstr(st_detail, "the file has") != NULL);

	/* Truncated under an open handle: the next operation says so, no SIGBUS. */
	{
		int err;
		struct sim *s2;

		CHECK_EQ(write_file(bad, pristine, len), 0);
		s2 = st_open_path(bad, 0, &err);
		CHECK(s2 != NULL);
		if (s2) {
			CHECK_EQ(truncate(bad, 8192), 0);
			CHECK_EQ(st_unmap(s2, ioas, 0, U64MAX, NULL), -EUCLEAN);
			CHECK_EQ(truncate(bad, 100), 0);
			CHECK_EQ(st_ioas(s2), 0);
			CHECK_EQ(truncate(bad, 0), 0);
			CHECK_EQ(st_unmap(s2, ioas, 0, U64MAX, NULL), -EPROTO);
			CHECK(sim_check(s2, NULL, 0) < 0);
			sim_close(s2);
		}
	}
	free(copy);
	free(pristine);
}

/* ---- corruption ------------------------------------------------------------------------------ */

/* A state with something of everything. */
static void build_rich(char *path, size_t plen)
{
	struct sim *sim = st_open_new("default", 0, path, plen);
	struct iommu_iova_range r[2] = { { 0x40000000, 0x4fffffff }, { 0x60000000, 0x6fffffff } };
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .num_iovas = 2,
					    .allowed_iovas = (uintptr_t)r };
	uint32_t i1, i2;
	uint64_t va, iova = 0;

	if (!sim)
		return;
	i1 = st_ioas(sim);
	i2 = st_ioas(sim);
	a.ioas_id = i2;
	io(sim, IOMMU_IOAS_ALLOW_IOVAS, &a);
	sim_add_reserved(sim, i1, 0x7000000, 0x7ffffff, NULL, 0);
	for (int i = 0; i < 40; i++)
		st_map_fixed(sim, i1, 0x10000000 + i * 0x3000, 0x2000, 0x1000000 + i * 0x2000);
	for (int i = 0; i < 20; i++)
		st_map(sim, i2, RW, 0x20000000, PAGE * (i + 1), &iova);
	sim_mem_alloc(sim, 3 * PAGE, &va);
	sim_mem_alloc(sim, PAGE, &va);
	st_map(sim, i1, RW, va, PAGE, &iova);
	for (int i = 0; i < 40; i += 3)
		st_unmap(sim, i1, 0x1000000 + i * 0x2000, 0x2000, NULL);
	sim_close(sim);
}

/* What a flipped state does when used: never crash, never hang. */
static int exercise(const char *path, unsigned int *refused, unsigned int *caught)
{
	char report[1024];
	struct sim *sim;
	int err, chk;
	uint64_t iova = 0, len, va;
	struct ifd_sim_info info;
	struct ifd_sim_object *objs;
	struct ifd_sim_area *areas;
	struct ifd_range *ranges;
	uint32_t nr;
	size_t n;

	sim = st_open_path(path, 0, &err);
	if (!sim) {
		(*refused)++;
		return err;
	}
	chk = sim_check(sim, report, sizeof(report));
	if (chk)
		(*caught)++;
	sim_info(sim, &info);
	if (!sim_objects(sim, &objs, &n))
		free(objs);
	if (!sim_areas(sim, 1, &areas, &n))
		free(areas);
	if (!sim_allowed(sim, 2, &ranges, &nr))
		free(ranges);
	st_ioas(sim);
	st_map(sim, 1, RW, 0x30000000, PAGE, &iova);
	st_map(sim, 2, RW, 0x30000000, 2 * PAGE, &iova);
	st_map_fixed(sim, 1, 0x30000000, PAGE, 0x1002000);
	st_unmap(sim, 1, 0x1000000, 0x10000, &len);
	{
		struct iommu_iova_range r[4];
		struct iommu_ioas_iova_ranges c = { .size = sizeof(c), .ioas_id = 1, .num_iovas = 4,
						    .allowed_iovas = (uintptr_t)r };

		io(sim, IOMMU_IOAS_IOVA_RANGES, &c);
	}
	if (!sim_mem_alloc(sim, PAGE, &va))
		sim_mem_free(sim, va);
	{
		struct iommu_destroy d = { .size = sizeof(d), .id = 2 };

		io(sim, IOMMU_DESTROY, &d);
	}
	st_unmap(sim, 1, 0, U64MAX, &len);
	sim_reset(sim);
	sim_check(sim, report, sizeof(report));
	sim_close(sim);
	return chk;
}

static void test_random_flips(void)
{
	char path[PATH_MAX], bad[PATH_MAX];
	uint8_t *pristine = NULL, *copy;
	unsigned int refused = 0, caught = 0, rounds = 300;
	struct sim_hdr *h;
	size_t len = 0;
	uint64_t seed = ((uint64_t)time(NULL) << 16) ^ (uint64_t)getpid();
	const char *env_rounds = getenv("SIM_FLIP_ROUNDS"), *env_seed = getenv("SIM_FLIP_SEED");

	/* SIM_FLIP_ROUNDS=N for a longer hunt, SIM_FLIP_SEED to replay one. */
	if (env_rounds)
		rounds = (unsigned int)strtoul(env_rounds, NULL, 0);
	if (env_seed)
		seed = strtoull(env_seed, NULL, 0);

	build_rich(path, sizeof(path));
	CHECK_EQ(read_file(path, &pristine, &len), 0);
	if (!pristine)
		return;
	h = (struct sim_hdr *)pristine;
	st_path(bad, sizeof(bad), "flipped.state");
	rng_state = seed | 1;
	copy = malloc(len);
	for (unsigned int i = 0; i < rounds; i++) {
		unsigned int flips = 1 + rnd() % 4;

		memcpy(copy, pristine, len);
		for (unsigned int f = 0; f < flips; f++) {
			/* a third in the header, the rest in the records */
			uint64_t at = rnd() % 3 == 0 ? rnd() % sizeof(struct sim_hdr)
						      : SIM_HDR_SIZE + rnd() % (h->bump - SIM_HDR_SIZE);

			if (rnd() % 3)
				copy[at] ^= (uint8_t)(1u << (rnd() % 8));
			else
				copy[at] = (uint8_t)rnd();	/* a whole byte */
		}
		CHECK_EQ(write_file(bad, copy, len), 0);
		exercise(bad, &refused, &caught);
	}
	printf("     %u flipped states (seed %llu): %u refused at open, %u reported by the check, "
	       "the rest harmless\n", rounds, (unsigned long long)seed, refused, caught);
	/* Unflipped, the same steps pass the check. */
	CHECK_EQ(write_file(bad, pristine, len), 0);
	{
		unsigned int r = 0, c = 0;

		CHECK_EQ(exercise(bad, &r, &c), 0);
		CHECK_EQ(r + c, 0);
	}
	free(copy);
	free(pristine);
}

static bool known_record(const uint8_t *img, uint64_t off, unsigned int *cls)
{
	const struct sim_rec *r = (const void *)(img + off);

	switch (r->tag) {
	case SIM_TAG_AREA: case SIM_TAG_RESV: case SIM_TAG_ALLOW: case SIM_TAG_PAGES:
	case SIM_TAG_EXT: case SIM_TAG_EXTF:
		*cls = SIM_CLS_96;
		break;
	case SIM_TAG_CTX:
		*cls = SIM_CLS_128;
		break;
	case SIM_TAG_OBJ:
		*cls = SIM_CLS_192;
		break;
	case SIM_TAG_FREE:
		*cls = r->cls;
		break;
	default:
		return false;
	}
	return r->cls == *cls;
}

/* Is 'off' inside one of the journal's extents?  Their bytes are copies of
 * records, not records. */
static bool in_journal(const uint8_t *img, uint64_t off)
{
	const struct sim_hdr *h = (const void *)img;
	uint64_t x = h->journal.j.first;

	for (int n = 0; x && n < 64; n++) {
		const struct sim_jext *e = (const void *)(img + x);

		if (off >= x && off < x + e->size)
			return true;
		x = e->next;
	}
	return false;
}

/*
 * A flip in what holds the structure together (a record's tag or class, a
 * tree link, a cached height, largest last or count, a free-list link) is
 * always caught, by the open or by the check.  (A flip in a payload, say a
 * source address, leaves a consistent state that nothing can tell from the
 * real one without per-record checksums.)
 */
static void test_structural_flips(void)
{
	static const size_t tnode_fields[] = {
		offsetof(struct sim_tnode, parent), offsetof(struct sim_tnode, left),
		offsetof(struct sim_tnode, right), offsetof(struct sim_tnode, max_last),
		offsetof(struct sim_tnode, count), offsetof(struct sim_tnode, height),
	};
	char path[PATH_MAX], bad[PATH_MAX], report[1024];
	uint8_t *pristine = NULL, *copy;
	unsigned int records = 0, missed = 0;
	const struct sim_hdr *h;
	size_t len = 0;

	build_rich(path, sizeof(path));
	CHECK_EQ(read_file(path, &pristine, &len), 0);
	if (!pristine)
		return;
	h = (const void *)pristine;
	copy = malloc(len);
	st_path(bad, sizeof(bad), "structural.state");
	for (uint64_t off = SIM_HDR_SIZE; off + 32 <= h->bump; off += 32) {
		const struct sim_rec *r = (const void *)(pristine + off);
		unsigned int cls, bit;
		size_t at;
		struct sim *sim;
		int err;

		if (in_journal(pristine, off) || !known_record(pristine, off, &cls))
			continue;
		records++;
		memcpy(copy, pristine, len);
		switch (rnd() % 4) {
		case 0:
			at = off + rnd() % 6;	/* tag or class */
			break;
		default:
			if (r->tag == SIM_TAG_FREE)
				at = off + offsetof(struct sim_free, next) + rnd() % 8;
			else if (r->tag == SIM_TAG_PAGES)
				at = off + offsetof(struct sim_pages, refs) + rnd() % 8;
			else
				at = off + offsetof(struct sim_trec, n) +
				     tnode_fields[rnd() % 6] + rnd() % 4;
			break;
		}
		bit = rnd() % 8;
		copy[at] ^= (uint8_t)(1u << bit);
		CHECK_EQ(write_file(bad, copy, len), 0);
		sim = st_open_path(bad, 0, &err);
		if (!sim)
			continue;
		if (sim_check(sim, report, sizeof(report)) == 0) {
			missed++;
			fprintf(stderr, "flip of bit %u at 0x%zx (%s record at 0x%llx) not caught\n",
				bit, at, r->tag == SIM_TAG_FREE ? "free" : "live",
				(unsigned long long)off);
		}
		sim_close(sim);
	}
	printf("     %u records, one structural flip each\n", records);
	CHECK(records > 50);
	CHECK_EQ(missed, 0);
	free(copy);
	free(pristine);
}

/* Offsets of the first IOAS and its first area in a state with one IOAS. */
struct places {
	uint64_t ctx, obj, area, pages;
};

static void find_places(const uint8_t *img, struct places *p)
{
	const struct sim_hdr *h = (const void *)img;
	const struct sim_ctx *ctx = (const void *)(img + h->shared_ctx);
	const struct sim_obj *obj = (const void *)(img + ctx->obj_root);
	const struct sim_area *area = (const void *)(img + obj->ioas.area_root);

	p->ctx = h->shared_ctx;
	p->obj = ctx->obj_root;
	p->area = obj->ioas.area_root;
	p->pages = area->pages;
}

static void test_directed_corruption(void)
{
	char path[PATH_MAX], bad[PATH_MAX], report[2048];
	struct sim *sim = st_open_new("default", 0, path, sizeof(path));
	uint8_t *pristine = NULL, *copy;
	struct places p;
	size_t len = 0;
	uint32_t ioas;
	int err;

	CHECK(sim != NULL);
	if (!sim)
		return;
	ioas = st_ioas(sim);
	for (int i = 0; i < 7; i++)
		CHECK_EQ(st_map_fixed(sim, ioas, 0x10000000, PAGE, 0x1000000 + i * PAGE), 0);
	sim_close(sim);
	CHECK_EQ(read_file(path, &pristine, &len), 0);
	copy = malloc(len);
	find_places(pristine, &p);
	st_path(bad, sizeof(bad), "directed.state");

#define CORRUPT(stmt) do {							\
		memcpy(copy, pristine, len);					\
		stmt;								\
		CHECK_EQ(write_file(bad, copy, len), 0);			\
		sim = st_open_path(bad, 0, &err);				\
	} while (0)
#define H ((struct sim_hdr *)copy)
#define AREA ((struct sim_area *)(copy + p.area))
#define OBJ ((struct sim_obj *)(copy + p.obj))

	/* The profile is covered by the header checksum. */
	CORRUPT(H->profile[0] ^= 1);
	CHECK(sim == NULL && err == -EUCLEAN);
	CHECK(strstr(st_detail, "checksum") != NULL);
	CORRUPT(H->bump = len + 32);
	CHECK(sim == NULL && err == -EUCLEAN);

	/* A counter: the check catches it, operations go on. */
	CORRUPT(H->nr_areas += 1);
	CHECK(sim != NULL);
	if (sim) {
		CHECK_EQ(sim_check(sim, report, sizeof(report)), -EUCLEAN);
		CHECK(strstr(report, "totals") != NULL);
		sim_close(sim);
	}
	/* A tree link into nowhere. */
	CORRUPT(AREA->n.left = 0x12340);
	if (sim) {
		CHECK_EQ(sim_check(sim, report, sizeof(report)), -EUCLEAN);
		CHECK(strstr(report, "area tree") != NULL);
		CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), -EUCLEAN);
		CHECK(strstr(st_detail, "corrupt") != NULL);
		sim_close(sim);
	}
	/* A cycle: the operation ends, with an error. */
	CORRUPT(AREA->n.left = p.area; AREA->n.right = p.area);
	if (sim) {
		uint64_t iova;

		CHECK_EQ(sim_check(sim, report, sizeof(report)), -EUCLEAN);
		CHECK(st_map(sim, ioas, RW, 0x10000000, PAGE, &iova) < 0);
		CHECK(st_unmap(sim, ioas, 0, U64MAX, NULL) < 0);
		sim_close(sim);
	}
	/* An area whose source is a context. */
	CORRUPT(AREA->pages = p.ctx);
	if (sim) {
		CHECK_EQ(sim_check(sim, report, sizeof(report)), -EUCLEAN);
		CHECK(strstr(report, "source") != NULL);
		CHECK_EQ(st_unmap(sim, ioas, 0, U64MAX, NULL), -EUCLEAN);
		sim_close(sim);
	}
	/* Wrong cached augmentation. */
	CORRUPT(AREA->n.max_last ^= 0x10);
	if (sim) {
		CHECK_EQ(sim_check(sim, report, sizeof(report)), -EUCLEAN);
		CHECK(strstr(report, "max last") != NULL);
		sim_close(sim);
	}
	/* A source with a wrong reference count. */
	CORRUPT(((struct sim_pages *)(copy + p.pages))->refs = 5);
	if (sim) {
		CHECK_EQ(sim_check(sim, report, sizeof(report)), -EUCLEAN);
		CHECK(strstr(report, "counts 5 areas") != NULL);
		sim_close(sim);
	}
	/* A free list pointing into the header. */
	CORRUPT(H->free_head[0] = 64; H->nr_free[0] = 1);
	if (sim) {
		uint32_t id;

		CHECK_EQ(sim_check(sim, report, sizeof(report)), -EUCLEAN);
		CHECK(strstr(report, "free list") != NULL);
		/* allocation from it fails cleanly */
		id = st_ioas(sim);
		(void)id;
		sim_close(sim);
	}
	/* An object of a type that cannot exist, and wrong users. */
	CORRUPT(OBJ->users = 2);
	if (sim) {
		struct iommu_destroy d = { .size = sizeof(d), .id = ioas };

		CHECK_EQ(sim_check(sim, report, sizeof(report)), -EUCLEAN);
		CHECK(strstr(report, "users") != NULL);
		CHECK_EQ(io(sim, IOMMU_DESTROY, &d), -EBUSY);
		sim_close(sim);
	}
	/* Overlapping areas (an area moved onto its neighbour). */
	CORRUPT(AREA->n.last += PAGE);
	if (sim) {
		CHECK_EQ(sim_check(sim, report, sizeof(report)), -EUCLEAN);
		sim_close(sim);
	}
	/* The shared context gone. */
	CORRUPT(H->shared_ctx = p.obj);
	CHECK(sim == NULL || sim_check(sim, report, sizeof(report)) == -EUCLEAN);
	if (sim)
		sim_close(sim);
	/* Pristine again: clean. */
	CORRUPT((void)0);
	if (sim) {
		CHECK_EQ(sim_check(sim, report, sizeof(report)), 0);
		sim_close(sim);
	}
#undef CORRUPT
#undef H
#undef AREA
#undef OBJ
	free(copy);
	free(pristine);
}

/* ---- growth ---------------------------------------------------------------------------------- */

static void test_growth(void)
{
	char path[PATH_MAX];
	struct sim *sim = st_open_new("default", 0, path, sizeof(path)), *other;
	struct ifd_sim_info info;
	const unsigned int n = 100000;
	uint64_t first_size, grown, len;
	unsigned int bad = 0;
	uint32_t ioas;
	int err;

	CHECK(sim != NULL);
	if (!sim)
		return;
	/* Opened before the growth: it must follow. */
	other = st_open_path(path, 0, &err);
	CHECK(other != NULL);
	if (!other)
		return;
	CHECK_EQ(sim_info(sim, &info), 0);
	first_size = info.file_size;
	ioas = st_ioas(sim);
	for (unsigned int i = 0; i < n; i++)
		bad += st_map_fixed(sim, ioas, 0x10000000 + (uint64_t)i * PAGE, PAGE,
				    0x100000000ull + (uint64_t)i * 2 * PAGE) != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(sim_info(other, &info), 0);
	grown = info.file_size;
	CHECK(grown > first_size);
	CHECK_EQ(info.nr_areas, n);
	CHECK_EQ(info.mapped_bytes, n * PAGE);
	CHECK_EQ(st_check(other), 0);
	/* A kernel-chosen IOVA among them: the first hole that fits. */
	{
		uint64_t iova;

		CHECK_EQ(st_map(other, ioas, RW, 0, PAGE, &iova), 0);
		CHECK_U64(iova, 0x1000);
		/* 32 MiB from address 0: alignment capped at 2 MiB */
		CHECK_EQ(st_map(other, ioas, RW, 0, 0x2000000, &iova), 0);
		CHECK_U64(iova, 0x200000);
		/* 2 MiB from a 1 MiB-aligned address: 1 MiB alignment, after it */
		CHECK_EQ(st_map(other, ioas, RW, 0x100000, 0x200000, &iova), 0);
		CHECK_U64(iova, 0x2200000);
	}
	CHECK_EQ(st_unmap(other, ioas, 0, U64MAX, &len), 0);
	CHECK_EQ(len, n * PAGE + PAGE + 0x2000000 + 0x200000);
	CHECK_EQ(st_check(sim), 0);
	/* Unmapping everything journals every area and source: the file grew
	 * for that, and the journal gave the room back to the arena after. */
	{
		struct ifd_sim_stats stats;

		CHECK_EQ(sim_stats(sim, &stats), 0);
		CHECK(stats.journal_bytes <= (1u << 20));
		CHECK_EQ(sim_info(sim, &info), 0);
		grown = info.file_size;
	}
	/* Records are reused: the same maps again do not grow the file. */
	for (unsigned int i = 0; i < n; i += 10)
		bad += st_map_fixed(sim, ioas, 0x10000000, PAGE, 0x100000000ull + (uint64_t)i * PAGE) != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(sim_info(sim, &info), 0);
	CHECK_EQ(info.file_size, grown);
	CHECK_EQ(st_check(sim), 0);
	sim_close(other);
	sim_close(sim);
}

int main(void)
{
	rng_state = ((uint64_t)time(NULL) << 8) | 1;
	st_setup_dir();
	UNIT_RUN(test_create_and_refuse);
	UNIT_RUN(test_foreign_and_truncated);
	UNIT_RUN(test_random_flips);
	UNIT_RUN(test_structural_flips);
	UNIT_RUN(test_directed_corruption);
	UNIT_RUN(test_growth);
	st_cleanup();
	return unit_finish();
}
