// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * GET_HW_INFO decoding: the registers QEMU's VT-d reports in the VM lab
 * (tests/vm: cap 0x00d2008c22260206, ecap 0xf00f4a with interrupt
 * remapping, 0xf42 without), fields of SMMUv3 and AMD registers built bit by
 * bit, the selftest mock, shorter (older) structs and unknown types.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"
#include "unit.h"

/* The field 'name' of a decoded list, or NULL. */
static const struct ifd_hw_field *field(const struct ifd_hw_field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

#define CHECK_FIELD(f, n, name, val, text) do {					\
	const struct ifd_hw_field *_x = field(f, n, name);			\
	CHECK(_x != NULL);							\
	if (_x) {								\
		CHECK_U64(_x->value, val);					\
		if (strcmp(_x->meaning, text) != 0) {				\
			fprintf(stderr, "%s: meaning '%s', expected '%s'\n", name, _x->meaning, text); \
			unit_failed_checks++;					\
		}								\
	}									\
} while (0)

static void test_vtd_lab(void)
{
	struct iommu_hw_info_vtd v = { .flags = 1, .cap_reg = 0x00d2008c22260206ull,
				       .ecap_reg = 0xf00f4aull };
	struct ifd_hw_field *f;
	struct ifd_hw_reg *r;
	size_t n, nr;

	CHECK(strcmp(ifd_hw_info_type_name(IOMMU_HW_INFO_TYPE_INTEL_VTD), "intel_vtd") == 0);
	CHECK_EQ(ifd_hw_info_registers(IOMMU_HW_INFO_TYPE_INTEL_VTD, &v, sizeof(v), &r, &nr), 0);
	CHECK_EQ(nr, 3);
	CHECK(nr == 3 && strcmp(r[1].name, "cap_reg") == 0 && r[1].value == v.cap_reg &&
	      r[1].width == 64 && strcmp(r[0].name, "flags") == 0 && r[0].value == 1);
	free(r);
	CHECK_EQ(ifd_hw_info_decode(IOMMU_HW_INFO_TYPE_INTEL_VTD, &v, sizeof(v), &f, &n), 0);
	CHECK_FIELD(f, n, "ERRATA_772415_SPR17", 1, "yes");
	CHECK_FIELD(f, n, "ND", 6, "65536 domains");
	CHECK_FIELD(f, n, "SAGAW", 2, "3-level 39-bit");
	CHECK_FIELD(f, n, "MGAW", 38, "39 bits");
	CHECK_FIELD(f, n, "FRO", 0x22, "offset 0x220");
	CHECK_FIELD(f, n, "SLLPS", 3, "4K, 2M, 1G");
	CHECK_FIELD(f, n, "PSI", 1, "yes");
	CHECK_FIELD(f, n, "NFR", 0, "1");
	CHECK_FIELD(f, n, "MAMV", 18, "262144 pages");
	CHECK_FIELD(f, n, "DWD", 1, "yes");
	CHECK_FIELD(f, n, "DRD", 1, "yes");
	CHECK_FIELD(f, n, "CM", 0, "no");
	CHECK_FIELD(f, n, "QI", 1, "yes");
	CHECK_FIELD(f, n, "IR", 1, "yes");
	CHECK_FIELD(f, n, "PT", 1, "yes");
	CHECK_FIELD(f, n, "IRO", 0xf, "offset 0xf0");
	CHECK_FIELD(f, n, "MHMV", 15, "15");
	CHECK_FIELD(f, n, "NEST", 0, "no");
	CHECK_FIELD(f, n, "SLADS", 0, "no");
	/* every field lies inside its register and is named once */
	for (size_t i = 0; i < n; i++) {
		CHECK(f[i].lsb <= f[i].msb && f[i].msb < 64);
		for (size_t j = i + 1; j < n; j++)
			CHECK(strcmp(f[i].reg, f[j].reg) != 0 || strcmp(f[i].name, f[j].name) != 0);
	}
	free(f);

	v.ecap_reg = 0xf42;	/* intremap=off */
	CHECK_EQ(ifd_hw_info_decode(IOMMU_HW_INFO_TYPE_INTEL_VTD, &v, sizeof(v), &f, &n), 0);
	CHECK_FIELD(f, n, "IR", 0, "no");
	CHECK_FIELD(f, n, "MHMV", 0, "0");
	CHECK_FIELD(f, n, "QI", 1, "yes");
	free(f);
}

static void test_smmuv3(void)
{
	struct ifd_hw_info_arm_smmuv3 s = { 0 };
	struct ifd_hw_field *f;
	size_t n;

	/* S1P, S2P, AArch64 tables, COHACC, HTTU access+dirty, 2-level stream
	 * table, 16-bit SIDs, 20-bit SSIDs, RIL, BBML 2, 48-bit OAS, 4K+64K. */
	s.idr[0] = 1u << 0 | 1u << 1 | 2u << 2 | 1u << 4 | 2u << 6 | 1u << 27;
	s.idr[1] = 16u | 20u << 6 | 8u << 21;
	s.idr[3] = 1u << 10 | 2u << 11;
	s.idr[5] = 5u | 1u << 4 | 1u << 6 | 1u << 10;
	s.iidr = 0x43b | 0x3u << 12 | 0x1u << 16 | 0x482u << 20;
	s.aidr = 0x2;
	CHECK(strcmp(ifd_hw_info_type_name(IFD_HW_INFO_TYPE_ARM_SMMUV3), "arm_smmuv3") == 0);
	CHECK_EQ(ifd_hw_info_decode(IFD_HW_INFO_TYPE_ARM_SMMUV3, &s, sizeof(s), &f, &n), 0);
	CHECK_FIELD(f, n, "S1P", 1, "yes");
	CHECK_FIELD(f, n, "S2P", 1, "yes");
	CHECK_FIELD(f, n, "TTF", 2, "AArch64");
	CHECK_FIELD(f, n, "HTTU", 2, "access and dirty");
	CHECK_FIELD(f, n, "ST_LEVEL", 1, "2-level");
	CHECK_FIELD(f, n, "SIDSIZE", 16, "16 bits");
	CHECK_FIELD(f, n, "SSIDSIZE", 20, "20 bits");
	CHECK_FIELD(f, n, "CMDQS", 8, "256 entries");
	CHECK_FIELD(f, n, "RIL", 1, "yes");
	CHECK_FIELD(f, n, "BBML", 2, "level 2");
	CHECK_FIELD(f, n, "OAS", 5, "48 bits");
	CHECK_FIELD(f, n, "GRAN4K", 1, "yes");
	CHECK_FIELD(f, n, "GRAN16K", 0, "no");
	CHECK_FIELD(f, n, "GRAN64K", 1, "yes");
	CHECK_FIELD(f, n, "VAX", 1, "52 bits");
	CHECK_FIELD(f, n, "Implementer", 0x43b, "1083");
	CHECK_FIELD(f, n, "ProductID", 0x482, "1154");
	CHECK_FIELD(f, n, "ArchMinorRev", 2, "2");
	free(f);
}

static void test_amd(void)
{
	struct ifd_hw_info_amd a = { .efr = 1ull << 1 | 1ull << 4 | 1ull << 7 | 2ull << 10 |
					    1ull << 14 | 15ull << 32 | 1ull << 48 | 1ull << 50,
				     .efr2 = 1ull << 1 };
	struct ifd_hw_field *f;
	size_t n;

	CHECK_EQ(ifd_hw_info_decode(IFD_HW_INFO_TYPE_AMD, &a, sizeof(a), &f, &n), 0);
	CHECK_FIELD(f, n, "PPRSup", 1, "yes");
	CHECK_FIELD(f, n, "GTSup", 1, "yes");
	CHECK_FIELD(f, n, "GASup", 1, "yes");
	CHECK_FIELD(f, n, "HATS", 2, "6 levels");
	CHECK_FIELD(f, n, "GLXSup", 1, "1 or 2 levels");
	CHECK_FIELD(f, n, "PASmax", 15, "16 bits");
	CHECK_FIELD(f, n, "GIoSup", 1, "yes");
	CHECK_FIELD(f, n, "EPHSup", 1, "yes");
	CHECK_FIELD(f, n, "XTSup", 0, "no");
	CHECK_FIELD(f, n, "SNPIOSup", 1, "yes");
	free(f);
}

static void test_selftest_short_unknown(void)
{
	uint32_t t[2] = { 0, 0xdeadbeef };
	struct ifd_hw_field *f;
	struct ifd_hw_reg *r;
	size_t n;

	CHECK(strcmp(ifd_hw_info_type_name(0xfeedbeef), "selftest") == 0);
	CHECK_EQ(ifd_hw_info_decode(0xfeedbeef, t, sizeof(t), &f, &n), 0);
	CHECK_FIELD(f, n, "test_reg", 0xdeadbeef, "3735928559");
	free(f);

	/* A struct cut short (an older kernel's): only the registers it holds. */
	struct iommu_hw_info_vtd v = { .cap_reg = 0x00d2008c22260206ull };
	CHECK_EQ(ifd_hw_info_registers(IOMMU_HW_INFO_TYPE_INTEL_VTD, &v, 16, &r, &n), 0);
	CHECK_EQ(n, 2);
	free(r);
	CHECK_EQ(ifd_hw_info_decode(IOMMU_HW_INFO_TYPE_INTEL_VTD, &v, 16, &f, &n), 0);
	CHECK(field(f, n, "MGAW") != NULL && field(f, n, "IR") == NULL);
	free(f);

	CHECK_EQ(ifd_hw_info_decode(99, t, sizeof(t), &f, &n), -EOPNOTSUPP);
	CHECK(f == NULL && n == 0);
	CHECK_EQ(ifd_hw_info_registers(IFD_HW_INFO_TYPE_TEGRA241_CMDQV, t, sizeof(t), &r, &n),
		 -EOPNOTSUPP);
	CHECK(ifd_hw_info_type_name(99) == NULL);
	CHECK(strcmp(ifd_hw_info_type_name(0), "none") == 0);
	CHECK(strcmp(ifd_hw_info_type_name(IFD_HW_INFO_TYPE_TEGRA241_CMDQV), "tegra241_cmdqv") == 0);
}

int main(void)
{
	UNIT_RUN(test_vtd_lab);
	UNIT_RUN(test_smmuv3);
	UNIT_RUN(test_amd);
	UNIT_RUN(test_selftest_short_unknown);
	return unit_finish();
}
