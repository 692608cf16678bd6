// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IOMMU_GET_HW_INFO data, field by field: the registers each driver reports
 * (Intel VT-d cap/ecap, ARM SMMUv3 IDRs, AMD EFR, the selftest's mock), cut
 * into the fields their specifications define, each with what its value
 * means.  The bit positions follow the VT-d specification (11.4.2-3), the
 * SMMUv3 architecture (6.3.1-6) and AMD's IOMMU specification (MMIO 0x30).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifd-test-abi.h"
#include "private.h"

enum meaning {
	M_BOOL,		/* 1 bit: yes/no */
	M_NUM,		/* the number as it is */
	M_VTD_ND,	/* domains: 2^(4 + 2 ND) */
	M_VTD_SAGAW,	/* page-table levels supported */
	M_PLUS1_BITS,	/* value + 1 bits */
	M_PLUS1,	/* value + 1 */
	M_X16,		/* register offset: value * 16 */
	M_VTD_SLLPS,	/* second-level large pages */
	M_POW2_PAGES,	/* 2^value pages */
	M_SMMU_TTF, M_SMMU_HTTU, M_SMMU_TTENDIAN, M_SMMU_STALL, M_SMMU_STLVL,
	M_LOG2_BITS,	/* value bits */
	M_LOG2_ENTRIES,	/* 2^value entries */
	M_SMMU_BBML, M_SMMU_OAS, M_SMMU_VAX,
	M_AMD_LEVELS,	/* HATS/GATS: 4 + value levels */
	M_AMD_GLX,	/* guest CR3 levels */
	M_AMD_PASMAX,	/* PASID bits: value + 1 */
};

struct field_def {
	unsigned reg;		/* index into the type's registers */
	const char *name;
	unsigned char lsb, msb;
	enum meaning m;
};

struct reg_def {
	const char *name;
	size_t offset;		/* in the driver's struct */
	unsigned width;		/* 32 or 64 */
};

#define F(r, n, l, h, m) { r, n, l, h, m }
#define B(r, n, bit) { r, n, bit, bit, M_BOOL }

static const struct reg_def vtd_regs[] = {
	{ "flags", offsetof(struct iommu_hw_info_vtd, flags), 32 },
	{ "cap_reg", offsetof(struct iommu_hw_info_vtd, cap_reg), 64 },
	{ "ecap_reg", offsetof(struct iommu_hw_info_vtd, ecap_reg), 64 },
};
static const struct field_def vtd_fields[] = {
	B(0, "ERRATA_772415_SPR17", 0),
	F(1, "ND", 0, 2, M_VTD_ND), B(1, "AFL", 3), B(1, "RWBF", 4), B(1, "PLMR", 5),
	B(1, "PHMR", 6), B(1, "CM", 7), F(1, "SAGAW", 8, 12, M_VTD_SAGAW),
	F(1, "MGAW", 16, 21, M_PLUS1_BITS), B(1, "ZLR", 22), F(1, "FRO", 24, 33, M_X16),
	F(1, "SLLPS", 34, 37, M_VTD_SLLPS), B(1, "PSI", 39), F(1, "NFR", 40, 47, M_PLUS1),
	F(1, "MAMV", 48, 53, M_POW2_PAGES), B(1, "DWD", 54), B(1, "DRD", 55), B(1, "FL1GP", 56),
	B(1, "PI", 59), B(1, "FL5LP", 60), B(1, "ECMDS", 61), B(1, "ESIRTPS", 62),
	B(1, "ESRTPS", 63),
	B(2, "C", 0), B(2, "QI", 1), B(2, "DT", 2), B(2, "IR", 3), B(2, "EIM", 4), B(2, "PT", 6),
	B(2, "SC", 7), F(2, "IRO", 8, 17, M_X16), F(2, "MHMV", 20, 23, M_NUM), B(2, "MTS", 25),
	B(2, "NEST", 26), B(2, "PRS", 29), B(2, "ERS", 30), B(2, "SRS", 31), B(2, "NWFS", 33),
	B(2, "EAFS", 34), F(2, "PSS", 35, 39, M_PLUS1_BITS), B(2, "PASID", 40), B(2, "DIT", 41),
	B(2, "PDS", 42), B(2, "SMTS", 43), B(2, "VCS", 44), B(2, "SLADS", 45), B(2, "SLTS", 46),
	B(2, "FLTS", 47), B(2, "SMPWCS", 48), B(2, "RPS", 49), B(2, "ADMS", 50),
	B(2, "RPRIVS", 51),
};

static const struct reg_def smmu_regs[] = {
	{ "flags", offsetof(struct ifd_hw_info_arm_smmuv3, flags), 32 },
	{ "idr0", offsetof(struct ifd_hw_info_arm_smmuv3, idr[0]), 32 },
	{ "idr1", offsetof(struct ifd_hw_info_arm_smmuv3, idr[1]), 32 },
	{ "idr2", offsetof(struct ifd_hw_info_arm_smmuv3, idr[2]), 32 },
	{ "idr3", offsetof(struct ifd_hw_info_arm_smmuv3, idr[3]), 32 },
	{ "idr4", offsetof(struct ifd_hw_info_arm_smmuv3, idr[4]), 32 },
	{ "idr5", offsetof(struct ifd_hw_info_arm_smmuv3, idr[5]), 32 },
	{ "iidr", offsetof(struct ifd_hw_info_arm_smmuv3, iidr), 32 },
	{ "aidr", offsetof(struct ifd_hw_info_arm_smmuv3, aidr), 32 },
};
/* The fields the uAPI tells user space to use, and the few that explain them. */
static const struct field_def smmu_fields[] = {
	B(1, "S2P", 0), B(1, "S1P", 1), F(1, "TTF", 2, 3, M_SMMU_TTF), B(1, "COHACC", 4),
	F(1, "HTTU", 6, 7, M_SMMU_HTTU), B(1, "ATS", 10), B(1, "ASID16", 12), B(1, "MSI", 13),
	B(1, "PRI", 16), B(1, "VMID16", 18), B(1, "CD2L", 19),
	F(1, "TTENDIAN", 21, 22, M_SMMU_TTENDIAN), F(1, "STALL_MODEL", 24, 25, M_SMMU_STALL),
	B(1, "TERM_MODEL", 26), F(1, "ST_LEVEL", 27, 28, M_SMMU_STLVL),
	F(2, "SIDSIZE", 0, 5, M_LOG2_BITS), F(2, "SSIDSIZE", 6, 10, M_LOG2_BITS),
	F(2, "PRIQS", 11, 15, M_LOG2_ENTRIES), F(2, "EVENTQS", 16, 20, M_LOG2_ENTRIES),
	F(2, "CMDQS", 21, 25, M_LOG2_ENTRIES),
	B(4, "FWB", 8), B(4, "RIL", 10), F(4, "BBML", 11, 12, M_SMMU_BBML),
	F(6, "OAS", 0, 2, M_SMMU_OAS), B(6, "GRAN4K", 4), B(6, "GRAN16K", 5), B(6, "GRAN64K", 6),
	F(6, "VAX", 10, 11, M_SMMU_VAX), F(6, "STALL_MAX", 16, 31, M_NUM),
	F(7, "Implementer", 0, 11, M_NUM), F(7, "Revision", 12, 15, M_NUM),
	F(7, "Variant", 16, 19, M_NUM), F(7, "ProductID", 20, 31, M_NUM),
	F(8, "ArchMinorRev", 0, 3, M_NUM), F(8, "ArchMajorRev", 4, 7, M_NUM),
};

static const struct reg_def amd_regs[] = {
	{ "efr", offsetof(struct ifd_hw_info_amd, efr), 64 },
	{ "efr2", offsetof(struct ifd_hw_info_amd, efr2), 64 },
};
static const struct field_def amd_fields[] = {
	B(0, "PreFSup", 0), B(0, "PPRSup", 1), B(0, "XTSup", 2), B(0, "NXSup", 3),
	B(0, "GTSup", 4), B(0, "IASup", 6), B(0, "GASup", 7), B(0, "HESup", 8), B(0, "PCSup", 9),
	F(0, "HATS", 10, 11, M_AMD_LEVELS), F(0, "GATS", 12, 13, M_AMD_LEVELS),
	F(0, "GLXSup", 14, 15, M_AMD_GLX), B(0, "GAMSup", 21), F(0, "PASmax", 32, 36, M_AMD_PASMAX),
	B(0, "GIoSup", 48), B(0, "HASup", 49), B(0, "EPHSup", 50), B(0, "HDSup", 52),
	B(0, "SNPSup", 63),
	B(1, "SNPIOSup", 1), B(1, "GCR3TRPMode", 3),
};

/* The selftest mock (drivers/iommu/iommufd/selftest.c): a flags word and a
 * register that reads IOMMU_HW_INFO_SELFTEST_REGVAL. */
static const struct reg_def test_regs[] = {
	{ "flags", offsetof(struct ifd_test_hw_info, flags), 32 },
	{ "test_reg", offsetof(struct ifd_test_hw_info, test_reg), 32 },
};
static const struct field_def test_fields[] = {
	F(1, "test_reg", 0, 31, M_NUM),
};

struct type_def {
	uint32_t type;
	const char *name;
	size_t size;
	const struct reg_def *regs;
	size_t nregs;
	const struct field_def *fields;
	size_t nfields;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
static const struct type_def types[] = {
	{ IOMMU_HW_INFO_TYPE_INTEL_VTD, "intel_vtd", sizeof(struct iommu_hw_info_vtd),
	  vtd_regs, N(vtd_regs), vtd_fields, N(vtd_fields) },
	{ IFD_HW_INFO_TYPE_ARM_SMMUV3, "arm_smmuv3", sizeof(struct ifd_hw_info_arm_smmuv3),
	  smmu_regs, N(smmu_regs), smmu_fields, N(smmu_fields) },
	{ IFD_HW_INFO_TYPE_AMD, "amd", sizeof(struct ifd_hw_info_amd), amd_regs, N(amd_regs), amd_fields,
	  N(amd_fields) },
	{ IFD_HW_INFO_TYPE_SELFTEST, "selftest", sizeof(struct ifd_test_hw_info), test_regs,
	  N(test_regs), test_fields, N(test_fields) },
};
_Static_assert(offsetof(struct iommu_hw_info_vtd, ecap_reg) == 16, "vtd layout");
_Static_assert(sizeof(struct ifd_hw_info_arm_smmuv3) == 40, "smmuv3 layout");

static const struct type_def *find_type(uint32_t type)
{
	for (size_t i = 0; i < N(types); i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

IFD_EXPORT const char *ifd_hw_info_type_name(uint32_t type)
{
	const struct type_def *t = find_type(type);

	if (t)
		return t->name;
	if (type == 0)
		return "none";
	if (type == IFD_HW_INFO_TYPE_TEGRA241_CMDQV)
		return "tegra241_cmdqv";
	return NULL;
}

static uint64_t reg_value(const struct reg_def *r, const uint8_t *data, size_t len, bool *ok)
{
	uint64_t v = 0;

	*ok = r->offset + r->width / 8 <= len;
	if (!*ok)
		return 0;
	if (r->width == 32) {
		uint32_t v32;

		memcpy(&v32, data + r->offset, 4);
		v = v32;
	} else {
		memcpy(&v, data + r->offset, 8);
	}
	return v;
}

IFD_EXPORT int ifd_hw_info_registers(uint32_t type, const void *data, size_t len,
				     struct ifd_hw_reg **regs, size_t *n)
{
	const struct type_def *t = find_type(type);
	struct ifd_hw_reg *out;
	size_t cnt = 0;

	*regs = NULL;
	*n = 0;
	if (!t)
		return -EOPNOTSUPP;
	out = calloc(t->nregs, sizeof(*out));
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < t->nregs; i++) {
		bool ok;
		uint64_t v = reg_value(&t->regs[i], data, len, &ok);

		if (!ok)
			continue;	/* an older kernel's shorter struct */
		out[cnt].name = t->regs[i].name;
		out[cnt].width = t->regs[i].width;
		out[cnt].value = v;
		cnt++;
	}
	*regs = out;
	*n = cnt;
	return 0;
}

static void meaning(enum meaning m, uint64_t v, char *buf, size_t len)
{
	static const char *const sagaw[] = { "2-level 30-bit", "3-level 39-bit", "4-level 48-bit",
					     "5-level 57-bit", "6-level 64-bit" };
	size_t used = 0;

	buf[0] = '\0';
	switch (m) {
	case M_BOOL:
		snprintf(buf, len, "%s", v ? "yes" : "no");
		break;
	case M_NUM:
		snprintf(buf, len, "%llu", (unsigned long long)v);
		break;
	case M_VTD_ND:
		snprintf(buf, len, "%llu domains", 1ull << (4 + 2 * v));
		break;
	case M_VTD_SAGAW:
		for (unsigned i = 0; i < 5; i++)
			if (v & (1u << i))
				used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
							 "%s%s", used ? ", " : "", sagaw[i]);
		if (!used)
			snprintf(buf, len, "none");
		break;
	case M_PLUS1_BITS:
		snprintf(buf, len, "%llu bits", (unsigned long long)v + 1);
		break;
	case M_PLUS1:
		snprintf(buf, len, "%llu", (unsigned long long)v + 1);
		break;
	case M_X16:
		snprintf(buf, len, "offset 0x%llx", (unsigned long long)v * 16);
		break;
	case M_VTD_SLLPS:
		used = (size_t)snprintf(buf, len, "4K");
		if (v & 1)
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, ", 2M");
		if (v & 2)
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, ", 1G");
		if (v & 4)
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, ", 512G");
		if (v & 8)
			snprintf(buf + used, used < len ? len - used : 0, ", 1T");
		break;
	case M_POW2_PAGES:
		snprintf(buf, len, "%llu pages", v < 64 ? 1ull << v : 0);
		break;
	case M_SMMU_TTF:
		snprintf(buf, len, "%s", v == 1 ? "AArch32" : v == 2 ? "AArch64" :
			 v == 3 ? "AArch32 and AArch64" : "reserved");
		break;
	case M_SMMU_HTTU:
		snprintf(buf, len, "%s", v == 0 ? "none" : v == 1 ? "access flag" :
			 v == 2 ? "access and dirty" : "access, dirty and HAFT");
		break;
	case M_SMMU_TTENDIAN:
		snprintf(buf, len, "%s", v == 0 ? "mixed" : v == 2 ? "little" : v == 3 ? "big" :
			 "reserved");
		break;
	case M_SMMU_STALL:
		snprintf(buf, len, "%s", v == 0 ? "stall and terminate" : v == 1 ? "terminate only" :
			 v == 2 ? "stall forced" : "reserved");
		break;
	case M_SMMU_STLVL:
		snprintf(buf, len, "%s", v == 0 ? "linear" : v == 1 ? "2-level" : "reserved");
		break;
	case M_LOG2_BITS:
		snprintf(buf, len, "%llu bits", (unsigned long long)v);
		break;
	case M_LOG2_ENTRIES:
		snprintf(buf, len, "%llu entries", v < 64 ? 1ull << v : 0);
		break;
	case M_SMMU_BBML:
		snprintf(buf, len, "%s", v == 0 ? "level 0" : v == 1 ? "level 1" : v == 2 ? "level 2" :
			 "reserved");
		break;
	case M_SMMU_OAS: {
		static const unsigned bits[] = { 32, 36, 40, 42, 44, 48, 52 };

		if (v < 7)
			snprintf(buf, len, "%u bits", bits[v]);
		else
			snprintf(buf, len, "reserved");
		break;
	}
	case M_SMMU_VAX:
		snprintf(buf, len, "%s", v == 0 ? "48 bits" : v == 1 ? "52 bits" : "reserved");
		break;
	case M_AMD_LEVELS:
		snprintf(buf, len, "%llu levels", (unsigned long long)v + 4);
		break;
	case M_AMD_GLX:
		snprintf(buf, len, "%s", v == 0 ? "1 level" : v == 1 ? "1 or 2 levels" :
			 v == 2 ? "1, 2 or 3 levels" : "reserved");
		break;
	case M_AMD_PASMAX:
		snprintf(buf, len, "%llu bits", (unsigned long long)v + 1);
		break;
	}
}

IFD_EXPORT int ifd_hw_info_decode(uint32_t type, const void *data, size_t len,
				  struct ifd_hw_field **fields, size_t *n)
{
	const struct type_def *t = find_type(type);
	struct ifd_hw_field *out;
	size_t cnt = 0;

	*fields = NULL;
	*n = 0;
	if (!t)
		return -EOPNOTSUPP;
	out = calloc(t->nfields, sizeof(*out));
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		bool ok;
		uint64_t r = reg_value(&t->regs[f->reg], data, len, &ok);
		unsigned width = (unsigned)(f->msb - f->lsb + 1);

		if (!ok)
			continue;
		out[cnt].reg = t->regs[f->reg].name;
		out[cnt].name = f->name;
		out[cnt].lsb = f->lsb;
		out[cnt].msb = f->msb;
		out[cnt].value = (r >> f->lsb) & (width == 64 ? UINT64_MAX : (1ull << width) - 1);
		meaning(f->m, out[cnt].value, out[cnt].meaning, sizeof(out[cnt].meaning));
		cnt++;
	}
	*fields = out;
	*n = cnt;
	return 0;
}
