// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The IOVA oracle against a brute-force model.
 *
 * The model works on a small address space [0, U) where everything from U up
 * is in use, with a bitmap of used addresses and one of allowed addresses: it
 * finds the spans and holes by scanning bits, so the interval arithmetic of
 * the oracle (overlapping used ranges, touching allowed ranges, clipping to
 * [PAGE_SIZE, ULONG_MAX - PAGE_SIZE], overflow at the top) is checked against
 * something that has none.  The kernel's candidate rule (ALIGN_UP, then OR the
 * page offset, then "strictly below the last byte") is restated with 128-bit
 * arithmetic.  Directed cases pin down examples worked out from the kernel's
 * iopt_alloc_iova and the selftests.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/oracle.h"
#include "unit.h"

#define U 4096u			/* the model's address space */
#define MAXU UINT64_MAX

typedef unsigned __int128 u128;


/* ---- the model ------------------------------------------------------------------------------ */

struct model {
	bool used[U];
	bool allowed[U];
	bool allowed_to_top;	/* an allowed range runs from inside U to ULONG_MAX */
	size_t nr_allowed;
};

static uint64_t model_align(uint64_t addr, uint64_t len, uint64_t hpage)
{
	uint64_t p = 1, low;

	while (p < len)
		p <<= 1;
	if (addr) {
		for (low = 1; !(addr & low); low <<= 1)
			;
		if (low < p)
			p = low;
	}
	return p >= hpage ? hpage : p;
}

/* The kernel's test of a range [s, l]: candidate and whether it fits. */
static bool model_fits(uint64_t s, uint64_t l, uint64_t len, uint64_t align, uint64_t off,
		       uint64_t *cand)
{
	u128 c = ((u128)s + align - 1) / align * align;

	if (c > MAXU)
		return false;
	c |= off;
	if (c >= l || (u128)l - c < (u128)len - 1)
		return false;
	*cand = (uint64_t)c;
	return true;
}

static int model_alloc(const struct model *m, uint64_t page, uint64_t hpage, uint64_t addr,
		       uint64_t len, uint64_t iova_align, uint64_t *iova)
{
	uint64_t spans[U][2], nspans = 0, align, off = addr % page;

	if (len == 0 || len >= MAXU / 2)
		return -EOVERFLOW;
	align = model_align(addr, len, hpage);
	if (align < iova_align)
		return -EINVAL;
	if (!m->nr_allowed) {
		spans[0][0] = page;
		spans[0][1] = MAXU - page;
		nspans = 1;
	} else {
		for (uint64_t x = 0; x < U;) {
			uint64_t a, b;

			if (!m->allowed[x]) {
				x++;
				continue;
			}
			a = x;
			while (x < U && m->allowed[x])
				x++;
			b = x - 1;
			if (x == U && m->allowed_to_top)
				b = MAXU;
			if (b < page)
				continue;
			if (a < page)
				a = page;
			if (b > MAXU - page)
				b = MAXU - page;
			spans[nspans][0] = a;
			spans[nspans][1] = b;
			nspans++;
		}
	}
	for (uint64_t i = 0; i < nspans; i++) {
		uint64_t s, l = spans[i][1];

		if (!model_fits(spans[i][0], l, len, align, off, &s))
			continue;
		/* Holes of the used bitmap from s on; nothing is free from U up. */
		for (uint64_t x = s; x < U && x <= l;) {
			uint64_t hs, he, cand;

			if (m->used[x]) {
				x++;
				continue;
			}
			hs = x;
			while (x < U && x <= l && !m->used[x])
				x++;
			he = x - 1;
			if (model_fits(hs, he, len, align, off, &cand)) {
				*iova = cand;
				return 0;
			}
		}
	}
	return -ENOSPC;
}

/* ---- random cases ------------------------------------------------------------------------------ */

static int cmp_span(const void *a, const void *b)
{
	const struct sim_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static uint64_t pick_addr(uint64_t page)
{
	switch (rnd_below(6)) {
	case 0:
		return 0;
	case 1:
		return rnd_below(4 * U);
	case 2:
		return rnd() << rnd_below(40);
	case 3:
		return (rnd_below(64) + 1) * page + rnd_below(page);
	case 4:
		return 1ull << rnd_below(64);
	default:
		return rnd();
	}
}

static uint64_t pick_len(void)
{
	switch (rnd_below(10)) {
	case 0:
		return 0;
	case 1:
		return MAXU / 2 + rnd_below(3);
	case 2:
		return MAXU / 2 - 1;
	case 3:
		return 1ull << rnd_below(12);
	default:
		return 1 + rnd_below(U / 3);
	}
}

/* How often each outcome came up, so a run shows what it covered. */
static unsigned int outcomes[4];

static unsigned int random_round(uint64_t page, uint64_t hpage)
{
	struct sim_span used[16], allowed[8];
	struct model m;
	size_t nu = 0, na = 0;
	struct sim_oracle_req req;
	uint64_t addr = pick_addr(page), len = pick_len(), want = 0, got = 0;
	uint64_t sel = rnd_below(10);
	uint64_t iova_align = sel < 6 ? 1 : sel < 8 ? page : 1ull << rnd_below(14);
	int rw, rg;

	memset(&m, 0, sizeof(m));
	/* Used ranges: random, overlapping each other freely; [U, MAX] always. */
	for (size_t i = rnd_below(10); i; i--) {
		uint64_t s = rnd_below(U), l = s + rnd_below(rnd_below(2) ? 64 : U / 4);

		if (l >= U)
			l = U - 1;
		used[nu++] = (struct sim_span){ s, l };
		for (uint64_t x = s; x <= l; x++)
			m.used[x] = true;
	}
	used[nu++] = (struct sim_span){ U, MAXU };
	qsort(used, nu, sizeof(used[0]), cmp_span);

	/* Allowed ranges: disjoint, start < last, sometimes touching, sometimes to the top. */
	if (rnd_below(2)) {
		uint64_t pos = rnd_below(U / 8);

		for (size_t i = 1 + rnd_below(5); i && pos < U - 1; i--) {
			uint64_t s = pos, l = s + 1 + rnd_below(U / 4);

			if (l >= U)
				l = U - 1;
			allowed[na++] = (struct sim_span){ s, l };
			for (uint64_t x = s; x <= l; x++)
				m.allowed[x] = true;
			pos = l + 1 + (rnd_below(3) ? rnd_below(U / 8) : 0);
		}
		if (na && allowed[na - 1].last == U - 1 && rnd_below(3) == 0) {
			allowed[na - 1].last = MAXU;
			m.allowed_to_top = true;
		}
	}
	m.nr_allowed = na;

	req = (struct sim_oracle_req){
		.used = used, .nr_used = nu, .allowed = allowed, .nr_allowed = na,
		.page_size = page, .hpage_size = hpage, .addr = addr, .length = len,
		.iova_alignment = iova_align,
	};
	rg = sim_oracle_alloc_iova(&req, &got);
	rw = model_alloc(&m, page, hpage, addr, len, iova_align, &want);
	outcomes[rw == 0 ? 0 : rw == -ENOSPC ? 1 : rw == -EINVAL ? 2 : 3]++;
	if (rg != rw || (rg == 0 && got != want)) {
		fprintf(stderr, "mismatch: page %llu addr 0x%llx len 0x%llx align 0x%llx: oracle %d "
			"0x%llx, model %d 0x%llx\n", (unsigned long long)page,
			(unsigned long long)addr, (unsigned long long)len,
			(unsigned long long)iova_align, rg, (unsigned long long)got, rw,
			(unsigned long long)want);
		return 1;
	}
	if (rg == 0) {
		/* Whatever the rules, the result must be free, inside an allowed span, and
		 * never IOVA 0 or in the last page. */
		uint64_t last = got + len - 1;

		if (got < page || last > MAXU - page || last >= U)
			return 1;
		for (uint64_t x = got; x <= last; x++)
			if (m.used[x] || (na && !m.allowed[x]))
				return 1;
	}
	return 0;
}

static uint64_t seed;

static void test_random_vs_model(void)
{
	static const uint64_t pages[][2] = { { 16, 256 }, { 64, 512 }, { 32, 32 }, { 256, 1024 } };
	unsigned int bad = 0, rounds = 0;

	rng_state = seed;
	for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++)
		for (int i = 0; i < 5000; i++, rounds++)
			bad += random_round(pages[p][0], pages[p][1]);
	printf("     %u random rounds (%u placed, %u ENOSPC, %u EINVAL, %u EOVERFLOW), seed %llu\n",
	       rounds, outcomes[0], outcomes[1], outcomes[2], outcomes[3], (unsigned long long)seed);
	CHECK_EQ(bad, 0);
}

/* ---- directed cases --------------------------------------------------------------------------- */

static int alloc(const struct sim_span *used, size_t nu, const struct sim_span *allowed, size_t na,
		 uint64_t page, uint64_t hpage, uint64_t addr, uint64_t len, uint64_t iova_align,
		 uint64_t *iova)
{
	struct sim_oracle_req req = {
		.used = used, .nr_used = nu, .allowed = allowed, .nr_allowed = na,
		.page_size = page, .hpage_size = hpage, .addr = addr, .length = len,
		.iova_alignment = iova_align,
	};

	*iova = 0xdeadbeef;
	return sim_oracle_alloc_iova(&req, iova);
}

#define P4K 4096ull
#define H2M (2ull << 20)

static void test_x86_examples(void)
{
	uint64_t iova;

	/* A 2 MiB THP-aligned buffer of 2 MiB in an empty IOAS: the first 2 MiB
	 * boundary past PAGE_SIZE. */
	CHECK_EQ(alloc(NULL, 0, NULL, 0, P4K, H2M, 0x7f0000200000ull, H2M, 1, &iova), 0);
	CHECK_U64(iova, 0x200000);
	/* A page of the same buffer: page alignment is enough. */
	CHECK_EQ(alloc(NULL, 0, NULL, 0, P4K, H2M, 0x7f0000200000ull, P4K, 1, &iova), 0);
	CHECK_U64(iova, 0x1000);
	/* 1 GiB of a 1 GiB-aligned VA: capped at the THP size. */
	CHECK_EQ(alloc(NULL, 0, NULL, 0, P4K, H2M, 1ull << 30, 1ull << 30, 1, &iova), 0);
	CHECK_U64(iova, 0x200000);
	/* addr 0: roundup_pow_of_two(length) alone. */
	CHECK_EQ(alloc(NULL, 0, NULL, 0, P4K, H2M, 0, 3 * P4K, 1, &iova), 0);
	CHECK_U64(iova, 0x4000);
	/* Sub-page source: the page offset is OR-ed into the aligned start. */
	CHECK_EQ(alloc(NULL, 0, NULL, 0, P4K, H2M, 0x10123, 0x10, 1, &iova), 0);
	CHECK_U64(iova, 0x1123);
	/* The selftest's reserved_overflow: reserved [6, 0xffffffffffff8006] leaves a
	 * top hole whose ALIGN_UP overflows: ENOSPC, not a wrapped IOVA. */
	{
		struct sim_span r = { 6, 6 + 0xffffffffffff8001ull - 1 };

		CHECK_EQ(alloc(&r, 1, NULL, 0, P4K, H2M, 0x200000, 0x5000, 1, &iova), -ENOSPC);
	}
	/* Below the IOAS alignment. */
	CHECK_EQ(alloc(NULL, 0, NULL, 0, P4K, H2M, 0x10800, P4K, P4K, &iova), -EINVAL);
	CHECK_EQ(alloc(NULL, 0, NULL, 0, P4K, H2M, 0x10000, 0x800, P4K, &iova), -EINVAL);
	/* Length rules. */
	CHECK_EQ(alloc(NULL, 0, NULL, 0, P4K, H2M, 0, 0, 1, &iova), -EOVERFLOW);
	CHECK_EQ(alloc(NULL, 0, NULL, 0, P4K, H2M, 0, MAXU / 2, 1, &iova), -EOVERFLOW);
	CHECK_EQ(alloc(NULL, 0, NULL, 0, P4K, H2M, 0, MAXU / 2 - 1, 1, &iova), 0);
	CHECK_U64(iova, 0x200000);
}

static void test_hole_edges(void)
{
	uint64_t iova;
	/* a one-byte hole at 0x2000 */
	struct sim_span one[] = { { 0x1000, 0x1fff }, { 0x2001, MAXU } };
	/* a one-page hole [0x2000, 0x2fff] */
	struct sim_span page[] = { { 0x1000, 0x1fff }, { 0x3000, MAXU } };
	/* overlapping used ranges leave [0x5000, 0x5fff] */
	struct sim_span ovl[] = { { 0x1000, 0x4fff }, { 0x2000, 0x3000 }, { 0x6000, MAXU } };

	CHECK_EQ(alloc(one, 2, NULL, 0, P4K, H2M, 0, 1, 1, &iova), -ENOSPC);
	CHECK_EQ(alloc(page, 2, NULL, 0, P4K, H2M, 0, P4K, 1, &iova), 0);
	CHECK_U64(iova, 0x2000);
	CHECK_EQ(alloc(page, 2, NULL, 0, P4K, H2M, 0, P4K + 1, 1, &iova), -ENOSPC);
	CHECK_EQ(alloc(ovl, 3, NULL, 0, P4K, H2M, 0, P4K, 1, &iova), 0);
	CHECK_U64(iova, 0x5000);
	/* Nothing below PAGE_SIZE is ever chosen. */
	{
		struct sim_span top[] = { { 0x1000, MAXU } };

		CHECK_EQ(alloc(top, 1, NULL, 0, P4K, H2M, 0, 1, 1, &iova), -ENOSPC);
	}
}

static void test_allowed(void)
{
	uint64_t iova;
	/* [0, 0xfff] clips away entirely */
	struct sim_span low[] = { { 0, 0xfff } };
	/* touching ranges form one span */
	struct sim_span touch[] = { { 0x1000, 0x1fff }, { 0x2000, 0x2fff } };
	/* the top range clips to ULONG_MAX - PAGE_SIZE */
	struct sim_span top[] = { { MAXU - 0x3000, MAXU } };
	struct sim_span two[] = { { 0x10000, 0x10fff }, { 0x40000, 0x7ffff } };

	CHECK_EQ(alloc(NULL, 0, low, 1, P4K, H2M, 0, 1, 1, &iova), -ENOSPC);
	CHECK_EQ(alloc(NULL, 0, touch, 2, P4K, H2M, 0x800, 0x1800, 1, &iova), 0);
	CHECK_U64(iova, 0x1800);
	CHECK_EQ(alloc(NULL, 0, top, 1, P4K, H2M, 0, P4K, 1, &iova), 0);
	CHECK_U64(iova, 0xffffffffffffd000ull);
	CHECK_EQ(alloc(NULL, 0, top, 1, P4K, H2M, 0, 3 * P4K, 1, &iova), -ENOSPC);
	/* First fit over the spans in order; a span too small is skipped whole. */
	CHECK_EQ(alloc(NULL, 0, two, 2, P4K, H2M, 0, 0x2000, 1, &iova), 0);
	CHECK_U64(iova, 0x40000);
	CHECK_EQ(alloc(NULL, 0, two, 2, P4K, H2M, 0, 0x1000, 1, &iova), 0);
	CHECK_U64(iova, 0x10000);
}

static void test_arm64_64k(void)
{
	const uint64_t p = 65536, h = 512ull << 20;
	uint64_t iova;

	/* The window starts at 64 KiB; a 2 MiB-aligned 2 MiB buffer keeps 2 MiB. */
	CHECK_EQ(alloc(NULL, 0, NULL, 0, p, h, 0x200000, 2ull << 20, 1, &iova), 0);
	CHECK_U64(iova, 0x200000);
	CHECK_EQ(alloc(NULL, 0, NULL, 0, p, h, 0, 1, 1, &iova), 0);
	CHECK_U64(iova, 0x10000);
	/* THP is 512 MiB there: a 1 GiB buffer aligns to 512 MiB. */
	CHECK_EQ(alloc(NULL, 0, NULL, 0, p, h, 1ull << 30, 1ull << 30, 1, &iova), 0);
	CHECK_U64(iova, 512ull << 20);
	/* The page offset is taken modulo 64 KiB. */
	CHECK_EQ(alloc(NULL, 0, NULL, 0, p, h, 0x12340, 0x40, 1, &iova), 0);
	CHECK_U64(iova, 0x12340);
}

int main(int argc, char **argv)
{
	seed = argc > 1 ? strtoull(argv[1], NULL, 0) : ((uint64_t)time(NULL) << 20 ^ (uint64_t)getpid()) * 2654435761u + 1;
	if (!seed)
		seed = 1;
	printf("seed %llu (rerun with: %s %llu)\n", (unsigned long long)seed, argv[0],
	       (unsigned long long)seed);
	UNIT_RUN(test_x86_examples);
	UNIT_RUN(test_hole_edges);
	UNIT_RUN(test_allowed);
	UNIT_RUN(test_arm64_64k);
	UNIT_RUN(test_random_vs_model);
	return unit_finish();
}
