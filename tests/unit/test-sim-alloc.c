// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The gap-tree allocator of kernel-chosen IOVAs (lib/sim/gaps.c) against the
 * first-fit oracle (lib/sim/oracle.c) it must agree with exactly.
 *
 * Random IOASes in every profile: areas at byte or page granularity, reserved
 * ranges overlapping each other, allowed lists (touching ranges, ranges to the
 * top), regions near 0, near ULONG_MAX and in the middle, spaces filled up to
 * ENOSPC, mock domains (whose aperture reservations overlap).  On each, many
 * queries with every kind of source address (aligned, unaligned, 0) and
 * length (one byte, powers of two, near 2^63, past it) are answered by both
 * allocators, and mutations through the ioctl entry (kernel-chosen MAP and
 * COPY checked against the oracle's answer taken just before, fixed MAP,
 * UNMAP, reserved ranges added and removed, mock domains attached and
 * detached, the tree forced stale and rebuilt) keep changing the gap tree,
 * which sim_check compares with the areas and reserved ranges.
 *
 * Seeded: "test-sim-alloc SEED [ROUNDS]" repeats a run; a mismatch prints
 * the seed, the layout and the query.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#include "ifd-test-abi.h"
#include "sim/internal.h"
#include "sim/oracle.h"
#include "sim-test.h"

#define MAXU UINT64_MAX

static uint64_t seed;

/* A uniform address in [lo, last]. */
static uint64_t rnd_in(uint64_t lo, uint64_t last)
{
	return last - lo == MAXU ? rnd() : lo + rnd_below(last - lo + 1);
}

static int tcmd(struct sim *sim, struct ifd_test_cmd *c)
{
	c->size = sizeof(*c);
	return io(sim, IFD_TEST_CMD, c);
}

/* ---- one layout ------------------------------------------------------------------------------ */

/* User memory the areas come from: real (mock domains pin it), never touched. */
#define VA_POOL_SIZE (1ull << 32)
static uint8_t *va_pool;

struct layout {
	struct sim *sim;
	const char *profile;
	uint64_t page, hpage;
	uint32_t ioas;
	uint64_t lo, last;		/* the region most things go into */
	uint64_t gran;			/* 1, or the page size (aligned IOAS) */
	bool domains;			/* mock domains may come and go */
	uint32_t stdev[2];		/* attached mock devices */
	int nr_stdev;
	unsigned int id;		/* layout number, for reports */
};

static struct {
	unsigned long queries, placed, enospc, einval, eoverflow, fallback;
	unsigned long maps, copies, stale, domains, mismatches;
} st;

static uint64_t ioas_off(struct layout *l)
{
	uint64_t off = 0;

	if (sim_get_obj(l->sim, l->ioas, SIM_OBJ_IOAS, &off))
		return 0;
	return off;
}

/* Both allocators' answers for one query, under the lock. */
static int both(struct layout *l, uint64_t addr, uint64_t len, int *rg, uint64_t *g, int *ro,
		uint64_t *o)
{
	uint64_t off;
	int ret = sim_enter(l->sim, NULL, 0);

	if (ret)
		return ret;
	off = ioas_off(l);
	*g = *o = 0;
	*ro = sim_ioas_pick_iova(l->sim, off, addr, len, true, o);
	*rg = sim_ioas_pick_iova(l->sim, off, addr, len, false, g);
	/* -EUCLEAN: the gap tree contradicted itself */
	return sim_leave(l->sim, 0);
}

static void report(struct layout *l, const char *what, uint64_t addr, uint64_t len, int rg,
		   uint64_t g, int ro, uint64_t o)
{
	struct ifd_sim_area *a = NULL;
	size_t n = 0;

	st.mismatches++;
	if (st.mismatches > 5)
		return;
	fprintf(stderr, "MISMATCH (%s) seed %llu layout %u profile %s region [0x%llx, 0x%llx]: "
		"addr 0x%llx len 0x%llx: gaps %d 0x%llx, oracle %d 0x%llx\n", what,
		(unsigned long long)seed, l->id, l->profile, (unsigned long long)l->lo,
		(unsigned long long)l->last, (unsigned long long)addr, (unsigned long long)len, rg,
		(unsigned long long)g, ro, (unsigned long long)o);
	if (!sim_areas(l->sim, l->ioas, &a, &n)) {
		for (size_t i = 0; i < n && i < 40; i++)
			fprintf(stderr, "  area [0x%llx, 0x%llx]\n", (unsigned long long)a[i].iova,
				(unsigned long long)a[i].last);
		free(a);
	}
}

static uint64_t pick_addr(struct layout *l)
{
	uint64_t va = (uintptr_t)va_pool;

	switch (rnd_below(9)) {
	case 0:
		return 0;
	case 1:
		return va + rnd_below(VA_POOL_SIZE / 2) / l->page * l->page;
	case 2:
		return va + rnd_below(VA_POOL_SIZE / 2);	/* unaligned */
	case 3:
		return rnd() << rnd_below(64);
	case 4:
		return 1ull << rnd_below(64);
	case 5:
		return (rnd_below(1024) + 1) * l->page + rnd_below(l->page);
	case 6:
		return (rnd() & ~(l->hpage - 1)) | (rnd_below(2) ? 0 : l->page * rnd_below(8));
	case 7:
		return rnd() & ~(l->page - 1);
	default:
		return rnd();
	}
}

static uint64_t pick_len(struct layout *l)
{
	uint64_t span = l->last - l->lo;

	switch (rnd_below(14)) {
	case 0:
		return 1 + rnd_below(16);
	case 1:
		return 1ull << rnd_below(64);
	case 2:
		return (1ull << rnd_below(63)) + rnd_below(3) - 1;
	case 3:
		return MAXU / 2 - 1 + rnd_below(3);	/* the EOVERFLOW edge */
	case 4:
		return MAXU / 2 - rnd_below(l->page * 4);
	case 5:
		return rnd();
	case 6:
		return l->page * (1 + rnd_below(16));
	case 7:
		return l->hpage * (1 + rnd_below(3));
	case 8:
		return 1 + rnd_below(span / 4 + 1);
	case 9:
		return 1 + rnd_below(span / 64 + 1);
	default:
		/* about the size of the holes */
		return 1 + rnd_below(span / 256 + l->page);
	}
}

/* Many queries, one lock: the allocators must agree on every one. */
static void queries(struct layout *l, unsigned int n)
{
	uint64_t off;

	if (sim_enter(l->sim, NULL, 0)) {
		CHECK(0);
		return;
	}
	off = ioas_off(l);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t addr = pick_addr(l), len = pick_len(l), g = 0, o = 0;
		int ro = sim_ioas_pick_iova(l->sim, off, addr, len, true, &o);
		int rg = sim_ioas_pick_iova(l->sim, off, addr, len, false, &g);

		st.queries++;
		if (ro == 0)
			st.placed++;
		else if (ro == -ENOSPC)
			st.enospc++;
		else if (ro == -EINVAL)
			st.einval++;
		else if (ro == -EOVERFLOW)
			st.eoverflow++;
		if (ro == 0 && sim_oracle_alignment(addr, len, l->hpage) < l->page)
			st.fallback++;
		if (rg != ro || g != o || l->sim->corrupt) {
			sim_leave(l->sim, 0);
			report(l, "query", addr, len, rg, g, ro, o);
			CHECK(0);
			return;
		}
	}
	sim_leave(l->sim, 0);
}

/* An address and length inside the region at the layout's granularity. */
static void pick_range(struct layout *l, uint64_t scale, uint64_t *start, uint64_t *len)
{
	uint64_t s = rnd_in(l->lo, l->last) / l->gran * l->gran;
	uint64_t n = (1 + rnd_below(scale ? scale : 1)) * l->gran;

	if (s < l->lo)
		s += l->gran;
	*start = s;
	*len = n;
}

static uint64_t va_for(struct layout *l, uint64_t len)
{
	uint64_t room = VA_POOL_SIZE - len - l->page;

	if (len >= VA_POOL_SIZE - l->page)
		return (uintptr_t)va_pool;
	return (uintptr_t)va_pool + rnd_below(room) / l->gran * l->gran;
}

static void add_reserved(struct layout *l, uint64_t start, uint64_t last)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_ADD_RESERVED, .id = l->ioas };

	/* over an area or an allowed range it fails: fine, it is random */
	c.add_reserved.start = start;
	c.add_reserved.length = last - start + 1;
	if (last - start == MAXU)
		return;
	tcmd(l->sim, &c);
}

static void random_reserved(struct layout *l)
{
	uint64_t s, n;

	switch (rnd_below(5)) {
	case 0:
		add_reserved(l, 0, rnd_in(0, l->lo + (l->last - l->lo) / 8));
		break;
	case 1:
		add_reserved(l, rnd_in(l->last - (l->last - l->lo) / 8, MAXU), MAXU);
		break;
	default:
		pick_range(l, (l->last - l->lo) / l->gran / 16, &s, &n);
		if (s + n - 1 < s)
			n = MAXU - s + 1;
		add_reserved(l, s, s + n - 1);
		break;
	}
}

static void set_allowed(struct layout *l)
{
	struct iommu_iova_range r[8];
	uint64_t pos = l->lo + rnd_below((l->last - l->lo) / 8 + 1);
	uint32_t n = 0;

	for (int i = 1 + (int)rnd_below(6); i > 0 && pos < l->last && n < 8; i--) {
		uint64_t span = (l->last - pos) / 2 + 1, last = pos + 1 + rnd_below(span);

		if (last > l->last || last < pos)
			last = l->last;
		r[n].start = pos;
		r[n].last = last;
		n++;
		if (last >= l->last - 1)
			break;
		/* touching the next one now and then */
		pos = last + 1 + (rnd_below(3) ? rnd_below((l->last - last) / 4 + 1) : 0);
	}
	if (n && r[n - 1].last == l->last && l->last != MAXU && rnd_below(3) == 0)
		r[n - 1].last = MAXU;
	{
		struct iommu_ioas_allow_iovas a = {
			.size = sizeof(a), .ioas_id = l->ioas, .num_iovas = n,
			.allowed_iovas = (uintptr_t)r,
		};

		io(l->sim, IOMMU_IOAS_ALLOW_IOVAS, &a);
	}
}

static void fixed_maps(struct layout *l, unsigned int n)
{
	uint64_t span = (l->last - l->lo) / l->gran, pos = l->lo;
	bool packed = rnd_below(3) == 0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t s, len;

		if (packed) {
			/* back to back with small holes: many gaps, some one byte or page long */
			len = (1 + rnd_below(4)) * l->gran;
			s = pos + rnd_below(3) * l->gran;
			if (s < pos || s + len - 1 < s || s + len - 1 > l->last)
				break;
			pos = s + len;
		} else {
			pick_range(l, span / (n + 1) + 1, &s, &len);
			if (s + len - 1 < s)
				continue;
		}
		st_map_fixed(l->sim, l->ioas, va_for(l, len), len, s);
	}
}

/* A kernel-chosen MAP through the ioctl entry against the oracle's answer. */
static void chosen_map(struct layout *l)
{
	uint64_t len = l->gran * (1 + rnd_below(rnd_below(2) ? 4 : (l->last - l->lo) / l->gran / 64 + 1));
	uint64_t va = va_for(l, len), iova = 0, g = 0, o = 0;
	int rg = 0, ro = 0, ret;

	if (l->gran == 1 && rnd_below(2))
		va += rnd_below(l->page);	/* an unaligned source */
	ret = both(l, va, len, &rg, &g, &ro, &o);
	if (ret || rg != ro || g != o) {
		report(l, "before map", va, len, rg, g, ro, o);
		CHECK(0);
		return;
	}
	ret = st_map(l->sim, l->ioas, RW, va, len, &iova);
	st.maps++;
	if ((ro == 0 && (ret != 0 || iova != o)) || (ro == -ENOSPC && ret != -ENOSPC)) {
		report(l, "map", va, len, ret, iova, ro, o);
		CHECK(0);
	}
}

/* A kernel-chosen COPY of one area or a run of adjacent ones. */
static void chosen_copy(struct layout *l)
{
	struct ifd_sim_area *a = NULL;
	size_t n = 0, i, j;
	uint64_t g = 0, o = 0;
	int rg = 0, ro = 0, ret;

	if (sim_areas(l->sim, l->ioas, &a, &n) || !n) {
		free(a);
		return;
	}
	i = rnd_below(n);
	for (j = i; j + 1 < n && j - i < 3 && a[j + 1].iova == a[j].last + 1; j++)
		;
	{
		struct iommu_ioas_copy c = {
			.size = sizeof(c), .flags = RW, .dst_ioas_id = l->ioas,
			.src_ioas_id = l->ioas, .length = a[j].last - a[i].iova + 1,
			.src_iova = a[i].iova,
		};

		ret = both(l, a[i].user_va, c.length, &rg, &g, &ro, &o);
		if (ret) {
			report(l, "before copy", a[i].user_va, c.length, rg, g, ro, o);
			CHECK(0);
		} else {
			ret = io(l->sim, IOMMU_IOAS_COPY, &c);
			st.copies++;
			if (rg != ro || g != o ||
			    (ro == 0 && (ret != 0 || c.dst_iova != o)) ||
			    (ro == -ENOSPC && ret != -ENOSPC)) {
				report(l, "copy", a[i].user_va, c.length, ret, c.dst_iova, ro, o);
				CHECK(0);
			}
		}
	}
	free(a);
}

static void random_unmap(struct layout *l)
{
	struct ifd_sim_area *a = NULL;
	size_t n = 0, i, j;

	if (rnd_below(40) == 0) {
		st_unmap(l->sim, l->ioas, 0, MAXU, NULL);
		return;
	}
	if (sim_areas(l->sim, l->ioas, &a, &n) || !n) {
		free(a);
		return;
	}
	i = rnd_below(n);
	j = i + rnd_below(3);
	if (j >= n)
		j = n - 1;
	st_unmap(l->sim, l->ioas, a[i].iova, a[j].last - a[i].iova + 1, NULL);
	free(a);
}

/* The test reserved ranges (owner 0) all go, as a domain's go at detach. */
static void drop_reserved(struct layout *l)
{
	if (sim_enter(l->sim, NULL, 0))
		return;
	sim_remove_reserved(l->sim, ioas_off(l), 0);
	sim_leave(l->sim, 0);
}

/* As if a gap record could not be had: the next allocation rebuilds the tree. */
static void force_stale(struct layout *l)
{
	if (sim_enter(l->sim, NULL, 0))
		return;
	((struct sim_obj *)sim_recw(l->sim, ioas_off(l), SIM_TAG_OBJ))->ioas.gaps_stale = 1;
	l->sim->dirty = true;
	sim_leave(l->sim, 0);
	st.stale++;
}

static void toggle_domain(struct layout *l)
{
	if (l->nr_stdev && (l->nr_stdev == 2 || rnd_below(2))) {
		struct iommu_destroy d = { .size = sizeof(d), .id = l->stdev[--l->nr_stdev] };

		CHECK_EQ(io(l->sim, IOMMU_DESTROY, &d), 0);
		return;
	}
	{
		struct ifd_test_cmd c = { .op = IFD_TEST_OP_MOCK_DOMAIN, .id = l->ioas };

		if (tcmd(l->sim, &c) == 0) {
			l->stdev[l->nr_stdev++] = c.mock_domain.out_stdev_id;
			st.domains++;
		}
	}
}

static void pick_region(struct layout *l)
{
	uint64_t size;

	l->domains = false;
	switch (rnd_below(7)) {
	case 0:
		l->lo = 0;
		l->last = (1ull << (12 + rnd_below(28))) - 1;
		break;
	case 1:
		size = 1ull << (12 + rnd_below(30));
		l->lo = MAXU - size + 1;
		l->last = MAXU;
		break;
	case 2:
		size = 1ull << (16 + rnd_below(40));
		l->lo = rnd() & ~(size - 1);
		l->last = l->lo + (size - 1);
		if (l->last < l->lo)
			l->last = MAXU;
		break;
	case 3:
		l->lo = 0;
		l->last = MAXU;
		break;
	case 4:
		/* inside the mock aperture, so domains can attach */
		l->lo = IFD_MOCK_APERTURE_START;
		l->last = IFD_MOCK_APERTURE_START + (1ull << (16 + rnd_below(14))) - 1;
		l->domains = true;
		break;
	default:
		l->lo = l->page * rnd_below(4);
		l->last = l->lo + (1ull << (14 + rnd_below(14))) - 1;
		break;
	}
}

static void one_layout(struct layout *l, unsigned int nq)
{
	struct iommu_destroy d = { .size = sizeof(d) };
	unsigned int nareas = rnd_below(8) == 0 ? 200 + (unsigned int)rnd_below(1000)
					     : (unsigned int)rnd_below(120);

	l->ioas = st_ioas(l->sim);
	CHECK(l->ioas != 0);
	l->nr_stdev = 0;
	pick_region(l);
	l->gran = l->domains || rnd_below(2) ? l->page : 1;
	if (l->gran > 1 && !l->domains && rnd_below(3) == 0) {
		/* huge pages off: the IOAS alignment is PAGE_SIZE (EINVAL for smaller) */
		struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
					  .op = IOMMU_OPTION_OP_SET, .object_id = l->ioas };

		CHECK_EQ(io(l->sim, IOMMU_OPTION, &o), 0);
	}
	if (rnd_below(2))
		set_allowed(l);
	for (int i = (int)rnd_below(6); i > 0; i--)
		random_reserved(l);
	if (rnd_below(6) == 0 && l->lo && l->last != MAXU) {
		/* nothing outside the region: a space that fills up */
		add_reserved(l, 0, l->lo - 1);
		add_reserved(l, l->last + 1, MAXU);
	}
	fixed_maps(l, nareas);
	for (int i = (int)rnd_below(3); i > 0; i--)
		random_reserved(l);
	if (l->domains && rnd_below(2))
		toggle_domain(l);
	queries(l, nq);
	CHECK_EQ(st_check(l->sim), 0);

	/* Mutations, each followed by a few queries. */
	for (int i = 0; i < 40 && !st.mismatches; i++) {
		switch (rnd_below(l->domains ? 11 : 10)) {
		case 0:
		case 1:
		case 2:
			chosen_map(l);
			break;
		case 3:
			chosen_copy(l);
			break;
		case 4:
		case 5:
			random_unmap(l);
			break;
		case 6:
			random_reserved(l);
			break;
		case 7:
			drop_reserved(l);
			break;
		case 8:
			if (rnd_below(4) == 0)
				force_stale(l);
			else
				fixed_maps(l, 1 + (unsigned int)rnd_below(8));
			break;
		case 9:
			if (rnd_below(8) == 0)
				set_allowed(l);
			else
				chosen_map(l);
			break;
		default:
			toggle_domain(l);
			break;
		}
		queries(l, nq / 40);
	}
	CHECK_EQ(st_check(l->sim), 0);
	while (l->nr_stdev) {
		d.id = l->stdev[--l->nr_stdev];
		CHECK_EQ(io(l->sim, IOMMU_DESTROY, &d), 0);
	}
	d.id = l->ioas;
	CHECK_EQ(io(l->sim, IOMMU_DESTROY, &d), 0);
}

static unsigned int rounds = 40;

static void test_random_layouts(void)
{
	static const char *const profiles[] = { "default", "arm64-16k", "arm64-64k" };
	unsigned int id = 0;

	rng_state = seed;
	memset(&st, 0, sizeof(st));
	for (size_t p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
		struct layout l = { .profile = profiles[p] };
		struct ifd_sim_info info;

		l.sim = st_open_new(profiles[p], 0, NULL, 0);
		CHECK(l.sim != NULL);
		if (!l.sim)
			return;
		CHECK_EQ(sim_info(l.sim, &info), 0);
		l.page = info.page_size;
		l.hpage = info.hpage_size;
		for (unsigned int r = 0; r < rounds && !st.mismatches; r++) {
			l.id = id++;
			one_layout(&l, 2000);
		}
		CHECK_EQ(st_check(l.sim), 0);
		sim_close(l.sim);
	}
	printf("     %lu queries (%lu placed, %lu below page alignment, %lu ENOSPC, %lu EINVAL, "
	       "%lu EOVERFLOW); %lu maps, %lu copies, %lu stale rebuilds, %lu domains; seed %llu\n",
	       st.queries, st.placed, st.fallback, st.enospc, st.einval, st.eoverflow, st.maps,
	       st.copies, st.stale, st.domains, (unsigned long long)seed);
	CHECK_EQ(st.mismatches, 0);
	if (st.mismatches)
		fprintf(stderr, "rerun with: test-sim-alloc %llu %u\n", (unsigned long long)seed,
			rounds);
}

/* ---- directed cases --------------------------------------------------------------------------- */

static uint64_t gap_root(struct sim *sim, uint32_t ioas)
{
	uint64_t off = 0, root = 0;

	if (sim_enter(sim, NULL, 0))
		return 0;
	if (!sim_get_obj(sim, ioas, SIM_OBJ_IOAS, &off))
		root = ((struct sim_obj *)sim_rec(sim, off, SIM_TAG_OBJ))->ioas.gap_root;
	sim_leave(sim, 0);
	return root;
}

static struct sim_gap *gap_at(struct sim *sim, uint64_t off)
{
	return (struct sim_gap *)(sim->base + off);
}

static int check_says(struct sim *sim, const char *what)
{
	char report[4096];
	int ret = sim_check(sim, report, sizeof(report));

	if (!ret || !strstr(report, what)) {
		fprintf(stderr, "sim_check %d, wanted \"%s\":\n%s\n", ret, what, report);
		return 0;
	}
	return 1;
}

/* A stale, wrong or badly cached gap tree is a report of sim check. */
static void test_check_finds_bad_gaps(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	uint64_t root, iova;
	struct sim_gap *g, save;

	CHECK_EQ(st_map_fixed(sim, ioas, 0x7f0000000000ull, 0x4000, 0x10000), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, 0x7f0000000000ull, 0x1000, 0x20000), 0);
	CHECK_EQ(st_check(sim), 0);
	root = gap_root(sim, ioas);
	CHECK(root != 0);
	if (!root)
		goto out;
	g = gap_at(sim, root);
	save = *g;

	g->room[3]++;
	CHECK(check_says(sim, "caches room"));
	*g = save;
	g->n.last--;
	CHECK(check_says(sim, "gap"));
	*g = save;
	CHECK_EQ(st_check(sim), 0);

	/* An area the gaps do not know of. */
	{
		uint64_t obj = 0;

		CHECK_EQ(sim_enter(sim, NULL, 0), 0);
		CHECK_EQ(sim_get_obj(sim, ioas, SIM_OBJ_IOAS, &obj), 0);
		((struct sim_obj *)sim_rec(sim, obj, SIM_TAG_OBJ))->ioas.gaps_stale = 1;
		sim_leave(sim, 0);
		CHECK_EQ(st_map_fixed(sim, ioas, 0x7f0000000000ull, 0x1000, 0x30000), 0);
		CHECK_EQ(st_check(sim), 0);	/* stale is a legal state */
		CHECK_EQ(sim_enter(sim, NULL, 0), 0);
		((struct sim_obj *)sim_rec(sim, obj, SIM_TAG_OBJ))->ioas.gaps_stale = 0;
		sim_leave(sim, 0);
		CHECK(check_says(sim, "leave"));
		CHECK_EQ(sim_enter(sim, NULL, 0), 0);
		((struct sim_obj *)sim_rec(sim, obj, SIM_TAG_OBJ))->ioas.gaps_stale = 2;
		sim_leave(sim, 0);
		CHECK(check_says(sim, "bad gap tree state"));
		CHECK_EQ(sim_enter(sim, NULL, 0), 0);
		((struct sim_obj *)sim_rec(sim, obj, SIM_TAG_OBJ))->ioas.gaps_stale = 1;
		sim_leave(sim, 0);
	}
	/* The next kernel-chosen map rebuilds the stale tree and sees every area. */
	iova = 0;
	CHECK_EQ(st_map(sim, ioas, RW, 0x7f0000010000ull, 0x10000, &iova), 0);
	CHECK_U64(iova, 0x40000);
	CHECK_EQ(st_check(sim), 0);
out:
	sim_close(sim);
}

/* The examples worked out in test-sim-oracle, through the gap tree. */
static void test_examples(void)
{
	struct sim *sim = fresh();
	uint32_t ioas = st_ioas(sim);
	uint64_t iova;

	/* A THP-aligned 2 MiB buffer; a page of it; a sub-page source. */
	iova = 0;
	CHECK_EQ(st_map(sim, ioas, RW, 0x7f0000200000ull, 2ull << 20, &iova), 0);
	CHECK_U64(iova, 0x200000);
	CHECK_EQ(st_map(sim, ioas, RW, 0x7f0000200000ull, 0x1000, &iova), 0);
	CHECK_U64(iova, 0x1000);
	CHECK_EQ(st_map(sim, ioas, RW, 0x10123, 0x10, &iova), 0);
	CHECK_U64(iova, 0x2123);
	/* A one-byte hole never fits; a page-size hole exactly does. */
	CHECK_EQ(st_map_fixed(sim, ioas, 0x7f0000000000ull, 0x1000, 0x3000), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, 0x7f0000000000ull, 0x1fff, 0x4001), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, 0x7f0000000000ull, 0x1000, 0x7000), 0);
	CHECK_EQ(st_map(sim, ioas, RW, 0x7f0000000000ull, 0x1000, &iova), 0);
	CHECK_U64(iova, 0x6000);
	/* The first page of the space: the window starts at PAGE_SIZE. */
	CHECK_EQ(st_unmap(sim, ioas, 0x1000, 0x1000, NULL), 0);
	CHECK_EQ(st_map(sim, ioas, RW, 0x7f0000000000ull, 0x1000, &iova), 0);
	CHECK_U64(iova, 0x1000);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

int main(int argc, char **argv)
{
	seed = argc > 1 ? strtoull(argv[1], NULL, 0)
			: ((uint64_t)time(NULL) << 20 ^ (uint64_t)getpid()) * 2654435761u + 1;
	if (!seed)
		seed = 1;
	if (argc > 2)
		rounds = (unsigned int)strtoul(argv[2], NULL, 0);
	printf("seed %llu (rerun with: %s %llu %u)\n", (unsigned long long)seed, argv[0],
	       (unsigned long long)seed, rounds);
	st_setup_dir();
	va_pool = mmap(NULL, VA_POOL_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (va_pool == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	UNIT_RUN(test_examples);
	UNIT_RUN(test_check_finds_bad_gaps);
	UNIT_RUN(test_random_layouts);
	munmap(va_pool, VA_POOL_SIZE);
	st_cleanup();
	return unit_finish();
}
