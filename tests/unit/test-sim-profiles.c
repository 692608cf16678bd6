// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The simulator's platform profiles: the mock device of each emulated IOMMU
 * (intel-vtd, amd-vi, arm-smmuv3, spapr) and what attaching it does to an
 * IOAS, as the 7.2 kernel's device.c and io_pagetable.c do it: the device's
 * reserved regions and its domain's aperture leave IOVA_RANGES, the
 * alignment becomes the smallest IO page size, a mapping or an allowed range
 * in the way is EADDRINUSE (with nothing left behind), and detach or a
 * replace to another IOAS gives them back.  Also GET_HW_INFO's answer and the
 * platform in the header (checksum, sim check).
 */
#include <stdbool.h>
#include <sys/mman.h>

#include "ifd-test-abi.h"
#include "sim/layout.h"
#include "sim-test.h"

/* store.c: the header's checksum (fixed part and platform). */
uint64_t sim_static_sum(const struct sim_hdr *h);

#define MSI_START 0xfee00000ull
#define MSI_LAST 0xfeefffffull

static int tcmd(struct sim *sim, struct ifd_test_cmd *c)
{
	c->size = sizeof(*c);
	return io(sim, IFD_TEST_CMD, c);
}

static int mock_domain_flags(struct sim *sim, uint32_t pt, uint32_t flags, uint32_t *stdev,
			     uint32_t *idev)
{
	struct ifd_test_cmd c = { .op = flags ? IFD_TEST_OP_MOCK_DOMAIN_FLAGS :
					       IFD_TEST_OP_MOCK_DOMAIN, .id = pt };
	int ret;

	c.mock_domain.dev_flags = flags;
	ret = tcmd(sim, &c);
	if (!ret) {
		if (stdev)
			*stdev = c.mock_domain.out_stdev_id;
		if (idev)
			*idev = c.mock_domain.out_idev_id;
	}
	return ret;
}

static int mock_domain(struct sim *sim, uint32_t pt, uint32_t *stdev, uint32_t *idev)
{
	return mock_domain_flags(sim, pt, 0, stdev, idev);
}

static int mock_replace(struct sim *sim, uint32_t stdev, uint32_t pt)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_MOCK_DOMAIN_REPLACE, .id = stdev };

	c.mock_domain_replace.pt_id = pt;
	return tcmd(sim, &c);
}

static int destroy(struct sim *sim, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return io(sim, IOMMU_DESTROY, &d);
}

static int allow(struct sim *sim, uint32_t ioas, uint64_t start, uint64_t last)
{
	struct iommu_iova_range r = { .start = start, .last = last };
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .ioas_id = ioas,
					    .num_iovas = last ? 1 : 0,
					    .allowed_iovas = (uintptr_t)&r };

	return io(sim, IOMMU_IOAS_ALLOW_IOVAS, &a);
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

/* Is the IOAS back to one range over everything, alignment 1? */
static bool whole(struct sim *sim, uint32_t ioas)
{
	struct iommu_iova_range r[8];
	uint64_t align = 0;

	return ranges(sim, ioas, r, &align) == 1 && r[0].start == 0 && r[0].last == UINT64_MAX &&
	       align == 1;
}

static int hw_info(struct sim *sim, uint32_t dev, void *data, uint32_t len, struct ifd_hw_info *out)
{
	*out = (struct ifd_hw_info){ .size = sizeof(*out), .dev_id = dev, .data_len = len,
				 .data_uptr = (uintptr_t)data };
	return io(sim, IOMMU_GET_HW_INFO, out);
}

static struct sim *open_profile(const char *profile, uint32_t bits, char *path, size_t plen)
{
	char p[PATH_MAX];
	struct sim *sim;
	int err;

	snprintf(p, sizeof(p), "%s/profile-%u", st_dir, st_seq++);
	err = sim_create_aperture(p, profile, bits, 0, 0, st_detail, sizeof(st_detail));
	CHECK_EQ(err, 0);
	if (err)
		return NULL;
	sim = st_open_path(p, 0, &err);
	CHECK(sim != NULL);
	if (path)
		snprintf(path, plen, "%s", p);
	return sim;
}

static void *buffer(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		exit(2);
	memset(p, 0x5a, len);
	return p;
}

/* ---- creation ----------------------------------------------------------------------------- */

static void test_create_choices(void)
{
	char p[PATH_MAX];
	struct ifd_sim_platform plat;
	struct sim *sim;

	st_path(p, sizeof(p), "bad-bits");
	CHECK_EQ(sim_create_aperture(p, "intel-vtd", 40, 0, 0, st_detail, sizeof(st_detail)), -EINVAL);
	CHECK_EQ(sim_create_aperture(p, "amd-vi", 48, 0, 0, st_detail, sizeof(st_detail)), -EINVAL);
	CHECK_EQ(sim_create_aperture(p, "default", 39, 0, 0, st_detail, sizeof(st_detail)), -EINVAL);
	CHECK(access(p, F_OK) != 0);

	/* every profile the library lists can be made and checks clean */
	for (const char *const *n = sim_profiles(); *n; n++) {
		sim = open_profile(*n, 0, NULL, 0);
		if (!sim)
			continue;
		CHECK_EQ(sim_platform_info(sim, &plat, NULL, 0), 0);
		CHECK_EQ(st_check(sim), 0);
		sim_close(sim);
	}

	sim = open_profile("intel-vtd", 48, NULL, 0);
	if (!sim)
		return;
	CHECK_EQ(sim_platform_info(sim, &plat, NULL, 0), 0);
	CHECK(!strcmp(plat.iommu, "intel-vtd"));
	CHECK_EQ(plat.aperture_bits, 48);
	CHECK_U64(plat.aperture_last, (1ull << 48) - 1);
	CHECK_EQ(plat.nr_resv, 1);
	CHECK_U64(plat.resv[0].start, MSI_START);
	CHECK(!strcmp(plat.resv[0].type, "msi"));
	sim_close(sim);
}

/* ---- intel-vtd: ranges, alignment, EADDRINUSE ---------------------------------------------- */

static void test_vtd_attach(void)
{
	struct sim *sim = open_profile("intel-vtd", 0, NULL, 0);
	struct iommu_iova_range r[8];
	uint32_t ioas, stdev = 0;
	uint64_t align = 0;
	void *buf = buffer(16384);

	if (!sim)
		return;
	ioas = st_ioas(sim);
	CHECK_EQ(mock_domain(sim, ioas, &stdev, NULL), 0);
	CHECK_EQ(ranges(sim, ioas, r, &align), 2);
	CHECK_U64(r[0].start, 0);
	CHECK_U64(r[0].last, MSI_START - 1);
	CHECK_U64(r[1].start, MSI_LAST + 1);
	CHECK_U64(r[1].last, (1ull << 39) - 1);
	CHECK_U64(align, 4096);
	/* a second device on the same IOAS: the same ranges (both reserve the window) */
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL), 0);
	CHECK_EQ(ranges(sim, ioas, r, NULL), 2);
	CHECK_EQ(st_check(sim), 0);
	/* the map the window refuses, and the allowed range it refuses */
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 4096, MSI_START), -EINVAL);
	CHECK_EQ(allow(sim, ioas, MSI_LAST, MSI_LAST + 4096), -EADDRINUSE);
	CHECK_EQ(destroy(sim, stdev), 0);
	CHECK_EQ(destroy(sim, stdev + 3), 0);
	CHECK(whole(sim, ioas));
	CHECK_EQ(st_check(sim), 0);

	/* EADDRINUSE before the device is there: nothing stays reserved */
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 4096, MSI_START + 0x10000), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL), -EADDRINUSE);
	CHECK(whole(sim, ioas));
	CHECK_EQ(st_unmap(sim, ioas, 0, UINT64_MAX, NULL), 0);
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 4096, 1ull << 39), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL), -EADDRINUSE);
	CHECK(whole(sim, ioas));
	CHECK_EQ(st_unmap(sim, ioas, 0, UINT64_MAX, NULL), 0);
	/* an area the 4 KiB page size does not divide */
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 2048, 0x100800), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL), -EADDRINUSE);
	CHECK(whole(sim, ioas));
	CHECK_EQ(st_unmap(sim, ioas, 0, UINT64_MAX, NULL), 0);
	CHECK_EQ(allow(sim, ioas, MSI_START - 4096, MSI_START), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL), -EADDRINUSE);
	CHECK(whole(sim, ioas));
	CHECK_EQ(allow(sim, ioas, 0, 0), 0);
	/* a mapping that fits: attached, the area is kept */
	CHECK_EQ(st_map_fixed(sim, ioas, (uintptr_t)buf, 16384, 0x100000), 0);
	CHECK_EQ(mock_domain(sim, ioas, NULL, NULL), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
	munmap(buf, 16384);
}

static void test_vtd_replace(void)
{
	struct sim *sim = open_profile("intel-vtd", 48, NULL, 0);
	struct iommu_iova_range r[8];
	uint32_t a, b, stdev = 0;
	void *buf = buffer(4096);

	if (!sim)
		return;
	a = st_ioas(sim);
	b = st_ioas(sim);
	CHECK_EQ(mock_domain(sim, a, &stdev, NULL), 0);
	/* b has a mapping in the window: the replace fails, the device stays on a */
	CHECK_EQ(st_map_fixed(sim, b, (uintptr_t)buf, 4096, MSI_START), 0);
	CHECK_EQ(mock_replace(sim, stdev, b), -EADDRINUSE);
	CHECK(whole(sim, b));
	CHECK_EQ(ranges(sim, a, r, NULL), 2);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(st_unmap(sim, b, 0, UINT64_MAX, NULL), 0);
	CHECK_EQ(mock_replace(sim, stdev, b), 0);
	CHECK(whole(sim, a));
	CHECK_EQ(ranges(sim, b, r, NULL), 2);
	CHECK_U64(r[1].last, (1ull << 48) - 1);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(destroy(sim, stdev), 0);
	CHECK(whole(sim, b));
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
	munmap(buf, 4096);
}

/* ---- the other platforms -------------------------------------------------------------------- */

static void test_amd_smmu_spapr_ranges(void)
{
	struct iommu_iova_range r[8];
	uint64_t align = 0;
	struct sim *sim;
	uint32_t ioas;

	sim = open_profile("amd-vi", 0, NULL, 0);
	if (sim) {
		ioas = st_ioas(sim);
		CHECK_EQ(mock_domain(sim, ioas, NULL, NULL), 0);
		CHECK_EQ(ranges(sim, ioas, r, &align), 3);
		CHECK_U64(r[1].last, 0xfcffffffffull);
		CHECK_U64(r[2].start, 0x10000000000ull);
		CHECK_U64(r[2].last, (1ull << 48) - 1);
		CHECK_U64(align, 4096);
		CHECK_EQ(st_check(sim), 0);
		sim_close(sim);
	}
	sim = open_profile("arm-smmuv3", 0, NULL, 0);
	if (sim) {
		ioas = st_ioas(sim);
		CHECK_EQ(mock_domain(sim, ioas, NULL, NULL), 0);
		CHECK_EQ(ranges(sim, ioas, r, &align), 2);
		CHECK_U64(r[0].last, 0x7ffffffull);
		CHECK_U64(r[1].start, 0x8100000ull);
		CHECK_EQ(st_check(sim), 0);
		sim_close(sim);
	}
	sim = open_profile("spapr", 0, NULL, 0);
	if (sim) {
		ioas = st_ioas(sim);
		CHECK_EQ(mock_domain(sim, ioas, NULL, NULL), 0);
		CHECK_EQ(ranges(sim, ioas, r, &align), 2);
		CHECK_U64(r[0].start, 0);
		CHECK_U64(r[0].last, (2ull << 30) - 1);
		CHECK_U64(r[1].start, 1ull << 59);
		CHECK_U64(r[1].last, (1ull << 60) - 1);
		CHECK_U64(align, 4096);
		CHECK_EQ(st_check(sim), 0);
		sim_close(sim);
	}
}

static void test_hw_info(void)
{
	uint8_t data[64];
	struct ifd_hw_info hi;
	uint64_t v;
	uint32_t w, dev = 0, nodirty = 0;
	struct sim *sim;

	sim = open_profile("intel-vtd", 0, NULL, 0);
	if (sim) {
		CHECK_EQ(mock_domain(sim, st_ioas(sim), NULL, &dev), 0);
		memset(data, 0xff, sizeof(data));
		CHECK_EQ(hw_info(sim, dev, data, sizeof(data), &hi), 0);
		CHECK_EQ(hi.out_data_type, IOMMU_HW_INFO_TYPE_INTEL_VTD);
		CHECK_EQ(hi.data_len, 24);
		memcpy(&w, data, 4);
		CHECK_EQ(w, 1);
		memcpy(&v, data + 8, 8);
		CHECK_U64(v, 0x00d2008c22260206ull);
		memcpy(&v, data + 16, 8);
		CHECK_U64(v, 0xf00f4aull);
		CHECK_EQ(data[24], 0);	/* the rest cleared */
		CHECK_U64(hi.out_capabilities & 1, 0);	/* no SLADS */
		/* the platform query gives the same bytes without a device; a short
		 * buffer gets its part and the full length */
		uint8_t plat[64] = { 0 };

		CHECK_EQ(sim_platform_info(sim, NULL, plat, sizeof(plat)), 24);
		CHECK(!memcmp(plat, data, 24));
		memset(plat, 0xee, sizeof(plat));
		CHECK_EQ(sim_platform_info(sim, NULL, plat, 8), 24);
		CHECK(!memcmp(plat, data, 8) && plat[8] == 0xee);
		/* another type asked for: EOPNOTSUPP; the selftest's too */
		hi = (struct ifd_hw_info){ .size = sizeof(hi), .flags = 1, .dev_id = dev,
				       .in_data_type = IFD_HW_INFO_TYPE_SELFTEST };
		CHECK_EQ(io(sim, IOMMU_GET_HW_INFO, &hi), -EOPNOTSUPP);
		sim_close(sim);
	}
	sim = open_profile("arm-smmuv3", 0, NULL, 0);
	if (sim) {
		uint32_t ioas = st_ioas(sim);

		CHECK_EQ(mock_domain(sim, ioas, NULL, &dev), 0);
		CHECK_EQ(mock_domain_flags(sim, ioas, IFD_MOCK_FLAGS_DEVICE_NO_DIRTY, NULL, &nodirty), 0);
		CHECK_EQ(hw_info(sim, dev, data, sizeof(data), &hi), 0);
		CHECK_EQ(hi.out_data_type, IFD_HW_INFO_TYPE_ARM_SMMUV3);
		CHECK_EQ(hi.data_len, 40);
		memcpy(&w, data + 8, 4);
		CHECK_EQ((w >> 6) & 3, 2);	/* IDR0.HTTU: access and dirty */
		CHECK_U64(hi.out_capabilities & 1, 1);
		CHECK_EQ(hw_info(sim, nodirty, data, sizeof(data), &hi), 0);
		CHECK_U64(hi.out_capabilities & 1, 0);
		sim_close(sim);
	}
	sim = open_profile("spapr", 0, NULL, 0);
	if (sim) {
		CHECK_EQ(mock_domain(sim, st_ioas(sim), NULL, &dev), 0);
		memset(data, 0xff, sizeof(data));
		/* no hw_info op: any type asked for, NONE and no data */
		hi = (struct ifd_hw_info){ .size = sizeof(hi), .flags = 1, .dev_id = dev, .data_len = 8,
				       .data_uptr = (uintptr_t)data, .in_data_type = 1 };
		CHECK_EQ(io(sim, IOMMU_GET_HW_INFO, &hi), 0);
		CHECK_EQ(hi.out_data_type, 0);
		CHECK_EQ(hi.data_len, 0);
		CHECK_EQ(data[0], 0);
		CHECK_EQ(sim_platform_info(sim, NULL, data, sizeof(data)), 0);
		sim_close(sim);
	}
}

/* ---- the platform in the header and in sim check ----------------------------------------------- */

static void test_header_platform(void)
{
	char path[PATH_MAX], bad[PATH_MAX], report[4096];
	struct sim *sim = open_profile("intel-vtd", 0, path, sizeof(path));
	uint8_t *img = NULL;
	struct sim_hdr *h;
	size_t len = 0;
	int err;

	if (!sim)
		return;
	CHECK_EQ(mock_domain(sim, st_ioas(sim), NULL, NULL), 0);
	sim_close(sim);
	CHECK_EQ(st_slurp(path, &img, &len), 0);
	h = (struct sim_hdr *)img;
	CHECK_EQ(h->format_version, SIM_FORMAT_VERSION);
	CHECK_EQ(h->platform.p.iommu, SIM_IOMMU_VTD);
	st_path(bad, sizeof(bad), "bad-platform.state");

	/* a changed platform breaks the checksum */
	h->platform.p.aperture_last = (1ull << 48) - 1;
	CHECK_EQ(st_spill(bad, img, len), 0);
	sim = st_open_path(bad, 0, &err);
	CHECK(sim == NULL);
	CHECK_EQ(err, -EUCLEAN);
	/* ... and with the checksum made to match, it is not what the profile makes */
	h->static_sum = sim_static_sum(h);
	CHECK_EQ(st_spill(bad, img, len), 0);
	sim = st_open_path(bad, 0, &err);
	CHECK(sim == NULL);
	CHECK_EQ(err, -EUCLEAN);
	CHECK(strstr(st_detail, "not what profile intel-vtd makes") != NULL);
	/* the pristine state opens and checks clean, the device's range included */
	h->platform.p.aperture_last = (1ull << 39) - 1;
	h->static_sum = sim_static_sum(h);
	CHECK_EQ(st_spill(bad, img, len), 0);
	sim = st_open_path(bad, 0, &err);
	CHECK(sim != NULL);
	if (sim) {
		CHECK_EQ(sim_check(sim, report, sizeof(report)), 0);
		sim_close(sim);
	}
	free(img);
}

int main(void)
{
	st_setup_dir();
	UNIT_RUN(test_create_choices);
	UNIT_RUN(test_vtd_attach);
	UNIT_RUN(test_vtd_replace);
	UNIT_RUN(test_amd_smmu_spapr_ranges);
	UNIT_RUN(test_hw_info);
	UNIT_RUN(test_header_platform);
	st_cleanup();
	return unit_finish();
}
