// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Platforms: the IOMMU a state emulates, chosen by its profile at creation.
 *
 * A platform is what the mock device (IOMMU_TEST_OP_MOCK_DOMAIN) looks like
 * to iommufd: its domains' geometry (aperture, IO page sizes, hence the
 * IOAS's alignment), the reserved regions its driver reports (enforced in the
 * IOAS on attach, owned by the device, as device.c does) and its GET_HW_INFO
 * answer.  The selftest mock is one platform; the others follow what the
 * Intel VT-d, AMD-Vi and SMMUv3 drivers report for a typical part, and a
 * PPC-like sPAPR with a 32-bit and a 64-bit DMA window (the case of the 2021
 * "constraints vs capabilities" debate), which iommufd sees as one aperture
 * with a hole reserved by the device.
 *
 * Register values: VT-d is QEMU's intel-iommu with intremap=on (aw-bits 39
 * as in QEMU 7.2, or 48 as in QEMU 10); AMD and SMMUv3 are plausible parts
 * with dirty tracking (EFR.HDSup, IDR0.HTTU), decodable field by field by
 * lib/hwinfo.c.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"

#define SZ_4K	0x1000ull
#define SZ_64K	0x10000ull
#define SZ_2M	0x200000ull
#define SZ_16M	0x1000000ull
#define SZ_1G	0x40000000ull

/* The x86 interrupt window every VT-d and AMD-Vi device reserves. */
#define X86_MSI_START	0xfee00000ull
#define X86_MSI_LAST	0xfeefffffull
/* AMD's HyperTransport hole, reserved unless EFR2 says HT ranges are ignored. */
#define AMD_HT_START	0xfd00000000ull
#define AMD_HT_LAST	0xffffffffffull
/* The SMMUv3 driver's software MSI window (the ITS doorbell is mapped there). */
#define SMMU_SW_MSI_START	0x8000000ull
#define SMMU_SW_MSI_LAST	(0x8000000ull + 0x100000ull - 1)
/* sPAPR: the default 32-bit window and the 64-bit one at 2^59. */
#define SPAPR_WIN32_LAST	((2ull << 30) - 1)
#define SPAPR_WIN64_START	(1ull << 59)
#define SPAPR_WIN64_LAST	((1ull << 60) - 1)

/* QEMU's intel-iommu, intremap=on: cap by address width, ecap the same. */
#define VTD_CAP_39	0x00d2008c22260206ull
#define VTD_CAP_48	0x00d2008c222f0606ull
#define VTD_ECAP	0x0000000000f00f4aull
#define VTD_FLAGS	1u	/* IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17: 7.2 always sets it */

/* AMD EFR: PreF PPR XT NX GT IA GA HE PC, HATS 0 (4 levels: 48 bits), GATS 0,
 * GLX 1, GAM, PASmax 15 (16 bits), GIo HA EPH HD. */
#define AMD_EFR		0x0017000f002043dfull
#define AMD_EFR2	0ull
#define AMD_PASID_BITS	16u
/* The v1 page table takes every power of two from 4 KiB (but 2^39). */
#define AMD_PGSIZES	(~0xfffull & ~(2ull << 38))

/* SMMUv3: IDR0 S2P S1P TTF=AArch64 COHACC HTTU=access+dirty ASID16 MSI VMID16
 * CD2L STALL_MODEL=1 (no stall) ST_LEVEL=2-level; IDR1 SIDSIZE 16, SSIDSIZE
 * 20, EVENTQS/CMDQS 19; IDR3 RIL, BBML2; IDR5 OAS 48 bits, 4K/16K/64K
 * granules; an Arm MMU-700 (IIDR) of SMMUv3.1 (AIDR). */
#define SMMU_IDR0	0x090c309bu
#define SMMU_IDR1	0x02730510u
#define SMMU_IDR3	0x00001400u
#define SMMU_IDR5	0x00000075u
#define SMMU_IIDR	0x4870043bu
#define SMMU_AIDR	0x00000001u
#define SMMU_SSID_BITS	20u

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void add_resv(struct sim_platform *p, uint64_t start, uint64_t last, uint32_t type)
{
	p->resv[p->nr_resv++] = (struct sim_plat_resv){ .start = start, .last = last, .type = type };
}

int sim_platform_build(uint32_t iommu, uint32_t aperture_bits, struct sim_platform *p)
{
	memset(p, 0, sizeof(*p));
	p->iommu = iommu;
	switch (iommu) {
	case SIM_IOMMU_MOCK:
		if (aperture_bits)
			return -EINVAL;
		p->pgsize_bitmap = IFD_MOCK_PAGE_SIZE;
		p->aperture_start = IFD_MOCK_APERTURE_START;
		p->aperture_last = IFD_MOCK_APERTURE_LAST;
		p->hw_info_type = IFD_HW_INFO_TYPE_SELFTEST;
		p->hw_caps = IFD_HW_CAP_DIRTY_TRACKING | IFD_HW_CAP_PCI_ATS_NOT_SUPPORTED;
		p->max_pasid_log2 = IFD_MOCK_PASID_WIDTH;
		p->hw_info_len = 8;	/* flags, test_reg */
		put32(p->hw_info + 4, IFD_HW_INFO_SELFTEST_REGVAL);
		return 0;
	case SIM_IOMMU_VTD:
		if (!aperture_bits)
			aperture_bits = 39;
		if (aperture_bits != 39 && aperture_bits != 48)
			return -EINVAL;
		p->aperture_bits = aperture_bits;
		/* SLLPS 0x3: 2 MiB and 1 GiB super pages */
		p->pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
		p->aperture_last = (1ull << aperture_bits) - 1;
		add_resv(p, X86_MSI_START, X86_MSI_LAST, SIM_RESV_MSI);
		p->hw_info_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
		/* no ECAP.SLADS: no dirty tracking; no PASID without ECAP.PASID */
		p->hw_caps = IFD_HW_CAP_PCI_ATS_NOT_SUPPORTED;
		p->hw_info_len = 24;
		put32(p->hw_info, VTD_FLAGS);
		put64(p->hw_info + 8, aperture_bits == 39 ? VTD_CAP_39 : VTD_CAP_48);
		put64(p->hw_info + 16, VTD_ECAP);
		return 0;
	case SIM_IOMMU_AMD:
		if (aperture_bits)
			return -EINVAL;
		p->pgsize_bitmap = AMD_PGSIZES;
		p->aperture_last = (1ull << 48) - 1;
		add_resv(p, X86_MSI_START, X86_MSI_LAST, SIM_RESV_MSI);
		add_resv(p, AMD_HT_START, AMD_HT_LAST, SIM_RESV_RESERVED);
		p->hw_info_type = IFD_HW_INFO_TYPE_AMD;
		p->hw_caps = IFD_HW_CAP_DIRTY_TRACKING | IFD_HW_CAP_PCI_ATS_NOT_SUPPORTED;
		p->max_pasid_log2 = AMD_PASID_BITS;
		p->hw_info_len = 16;
		put64(p->hw_info, AMD_EFR);
		put64(p->hw_info + 8, AMD_EFR2);
		return 0;
	case SIM_IOMMU_SMMUV3:
		if (aperture_bits)
			return -EINVAL;
		p->pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
		p->aperture_last = (1ull << 48) - 1;
		add_resv(p, SMMU_SW_MSI_START, SMMU_SW_MSI_LAST, SIM_RESV_SW_MSI);
		p->hw_info_type = IFD_HW_INFO_TYPE_ARM_SMMUV3;
		p->hw_caps = IFD_HW_CAP_DIRTY_TRACKING | IFD_HW_CAP_PCI_ATS_NOT_SUPPORTED;
		p->max_pasid_log2 = SMMU_SSID_BITS;
		p->hw_info_len = 40;	/* flags, __reserved, idr[6], iidr, aidr */
		put32(p->hw_info + 8, SMMU_IDR0);
		put32(p->hw_info + 12, SMMU_IDR1);
		put32(p->hw_info + 20, SMMU_IDR3);
		put32(p->hw_info + 28, SMMU_IDR5);
		put32(p->hw_info + 32, SMMU_IIDR);
		put32(p->hw_info + 36, SMMU_AIDR);
		return 0;
	case SIM_IOMMU_SPAPR:
		if (aperture_bits)
			return -EINVAL;
		/* TCE sizes: 4 KiB for the 32-bit window, 64 KiB and 16 MiB for DDW */
		p->pgsize_bitmap = SZ_4K | SZ_64K | SZ_16M;
		p->aperture_last = SPAPR_WIN64_LAST;
		add_resv(p, SPAPR_WIN32_LAST + 1, SPAPR_WIN64_START - 1, SIM_RESV_RESERVED);
		/* no hw_info op: the kernel answers IOMMU_HW_INFO_TYPE_NONE, no data */
		p->hw_info_type = 0;
		p->hw_caps = IFD_HW_CAP_PCI_ATS_NOT_SUPPORTED;
		return 0;
	default:
		return -EINVAL;
	}
}

const char *sim_resv_type_name(uint32_t type)
{
	static const char *const names[SIM_RESV_NR_TYPES] = {
		[SIM_RESV_DIRECT] = "direct", [SIM_RESV_DIRECT_RELAXABLE] = "direct-relaxable",
		[SIM_RESV_RESERVED] = "reserved", [SIM_RESV_MSI] = "msi", [SIM_RESV_SW_MSI] = "sw_msi",
	};

	return type < SIM_RESV_NR_TYPES ? names[type] : "?";
}

const struct sim_platform *sim_platform(struct sim *sim)
{
	return &sim_hdr(sim)->platform.p;
}

bool sim_resv_enforced(const struct sim_plat_resv *r)
{
	/* iommufd leaves relaxable direct mappings to the user */
	return r->type != SIM_RESV_DIRECT_RELAXABLE;
}

/* iopt_table_enforce_dev_resv_regions for device 'idev_off' in the IOAS: each
 * region reserved with the device as owner; on a conflict (a mapped area or
 * an allowed range, EADDRINUSE) none stays. */
int sim_dev_reserve(struct sim *sim, uint64_t ioas_off, uint64_t idev_off)
{
	const struct sim_platform *p = sim_platform(sim);
	int ret;

	for (uint32_t i = 0; i < p->nr_resv && i < SIM_PLAT_MAX_RESV; i++) {
		if (!sim_resv_enforced(&p->resv[i]))
			continue;
		ret = sim_reserve_iova(sim, ioas_off, p->resv[i].start, p->resv[i].last, idev_off);
		if (ret) {
			sim_remove_reserved(sim, ioas_off, idev_off);
			return ret;
		}
	}
	return 0;
}

void sim_dev_unreserve(struct sim *sim, uint64_t ioas_off, uint64_t idev_off)
{
	if (sim_platform(sim)->nr_resv)
		sim_remove_reserved(sim, ioas_off, idev_off);
}

void sim_platform_domain(struct sim *sim, uint64_t *pgsize, uint64_t *aperture_start,
			 uint64_t *aperture_last)
{
	const struct sim_platform *p = sim_platform(sim);

	*pgsize = p->pgsize_bitmap & -p->pgsize_bitmap;
	*aperture_start = p->aperture_start;
	*aperture_last = p->aperture_last;
}

uint64_t sim_dev_hw_caps(struct sim *sim, uint32_t dev_flags)
{
	uint64_t caps = sim_platform(sim)->hw_caps;

	if (dev_flags & SIM_MOCK_DEV_NO_DIRTY)
		caps &= ~IFD_HW_CAP_DIRTY_TRACKING;
	return caps;
}

bool sim_dev_dirty_capable(struct sim *sim, uint32_t dev_flags)
{
	return sim_dev_hw_caps(sim, dev_flags) & IFD_HW_CAP_DIRTY_TRACKING;
}

uint64_t sim_dev_nr_pasids(struct sim *sim, uint32_t dev_flags)
{
	if (!(dev_flags & SIM_MOCK_DEV_PASID))
		return 1;
	return 1ull << SIM_MIN(sim_platform(sim)->max_pasid_log2, 32u);
}
