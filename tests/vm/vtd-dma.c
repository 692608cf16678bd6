// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Real DMA through a page table iommufd programmed, in the VM lab: QEMU's
 * "edu" device, bound to vfio-pci and translated by QEMU's VT-d, is bound to
 * an iommufd through its VFIO cdev, attached to an IOAS (then to a HWPT of
 * our own, by replacement), and made to copy a buffer RAM -> device -> RAM
 * through IOVAs.  Then the mapping goes away and a DMA to it must be blocked.
 *
 * iommufd goes through libiommufd (ifd_ioctl and the typed wrappers) so the
 * library is exercised against a real device; VFIO is called directly.
 *
 *   lab-vtd-dma [/dev/vfio/devices/vfioN]     (default: the first of $LAB_VFIO_DEVS)
 *
 * Prints "ok N - ..." / "not ok N - ..." per check and a summary; exit 0 when
 * every check passed, 1 when one failed, 77 when there is no such device.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "libiommufd.h"

/* QEMU's edu device (docs/specs/edu.rst): BAR0 registers. */
#define EDU_ID		0x00		/* 0xRRrr00ed */
#define EDU_LIVENESS	0x04		/* reads back the complement of what was written */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_START	0x1
#define EDU_CMD_TO_RAM	0x2		/* direction: device buffer -> RAM */
#define EDU_BUF		0x40000		/* the device's buffer, in its own DMA address space */
/* A transfer of the whole 4 KiB buffer trips an off-by-one in QEMU 7.2's range
 * check and aborts the VM; edu's DMA mask is 28 bits, so IOVAs stay low. */
#define XFER		2048u
#define IOVA_BASE	0x100000ull
#define BUF_SIZE	(4 * 4096u)

static int nr_checks, nr_failed;

static bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	nr_checks++;
	if (!ok)
		nr_failed++;
	printf("%s %d - ", ok ? "ok" : "not ok", nr_checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

static const char *ename(int err)
{
	const char *n = ifd_errno_name(err < 0 ? -err : err);

	return n ? n : "?";
}

struct edu {
	int dev_fd;
	volatile uint8_t *bar0;
	size_t bar0_size;
};

static uint32_t rd32(struct edu *e, unsigned int reg)
{
	return *(volatile uint32_t *)(e->bar0 + reg);
}

static void wr32(struct edu *e, unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(e->bar0 + reg) = v;
}

static void wr64(struct edu *e, unsigned int reg, uint64_t v)
{
	*(volatile uint64_t *)(e->bar0 + reg) = v;
}

/* edu runs one transfer per 100 ms timer tick; give it a few seconds under TCG. */
static bool edu_dma(struct edu *e, uint64_t src, uint64_t dst, uint32_t cmd)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	wr64(e, EDU_DMA_SRC, src);
	wr64(e, EDU_DMA_DST, dst);
	wr64(e, EDU_DMA_CNT, XFER);
	wr32(e, EDU_DMA_CMD, cmd | EDU_CMD_START);
	for (int i = 0; i < 1000; i++) {
		if (!(rd32(e, EDU_DMA_CMD) & EDU_CMD_START))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static int region_info(int fd, uint32_t index, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	return ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri) < 0 ? -errno : 0;
}

/* Memory space and bus mastering on, through the VFIO config region. */
static int enable_bus_master(int fd)
{
	struct vfio_region_info ri;
	uint16_t cmd;
	int ret = region_info(fd, VFIO_PCI_CONFIG_REGION_INDEX, &ri);

	if (ret)
		return ret;
	if (pread(fd, &cmd, sizeof(cmd), (off_t)(ri.offset + 4)) != sizeof(cmd))
		return -EIO;
	cmd |= 0x6;
	if (pwrite(fd, &cmd, sizeof(cmd), (off_t)(ri.offset + 4)) != sizeof(cmd))
		return -EIO;
	return 0;
}

/* The sysfs name of a VFIO cdev's PCI device ("0000:00:02.0"). */
static int cdev_bdf(const char *cdev, char *bdf, size_t len)
{
	const char *name = strrchr(cdev, '/');
	char link[512], target[512];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/vfio-dev/%s/device", name ? name + 1 : cdev);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = 0;
	name = strrchr(target, '/');
	name = name ? name + 1 : target;
	if (strlen(name) >= len)
		return -ENAMETOOLONG;
	memcpy(bdf, name, strlen(name) + 1);
	return 0;
}

/* The device group's reserved regions, from sysfs: what IOVA_RANGES must leave out. */
static int group_reserved(const char *bdf, struct ifd_range *out, int max)
{
	char path[512], buf[128];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group/reserved_regions", bdf);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (n < max && fgets(buf, sizeof(buf), f)) {
		unsigned long long s, l;

		if (sscanf(buf, "%llx %llx", &s, &l) == 2) {
			out[n].start = s;
			out[n].last = l;
			n++;
		}
	}
	fclose(f);
	return n;
}

static bool range_covers(const struct ifd_range *r, uint32_t nr, uint64_t start, uint64_t last)
{
	for (uint32_t i = 0; i < nr; i++)
		if (r[i].start <= start && last <= r[i].last)
			return true;
	return false;
}

static bool range_touches(const struct ifd_range *r, uint32_t nr, uint64_t start, uint64_t last)
{
	for (uint32_t i = 0; i < nr; i++)
		if (r[i].start <= last && start <= r[i].last)
			return true;
	return false;
}

/* Did VT-d report a blocked DMA write at 'iova'?  (e.g. "DMAR: [DMA Write
 * NO_PASID] Request device [0000:00:02.0] fault addr 0x101000 ...") */
static bool klog_has_fault(uint64_t iova)
{
	char want[64], *log;
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), n;
	bool found = false;

	if (size <= 0)
		return false;
	snprintf(want, sizeof(want), "fault addr 0x%llx", (unsigned long long)iova);
	/* The fault report is printed from an interrupt: give it a moment. */
	for (int tries = 0; tries < 50 && !found; tries++) {
		log = malloc((size_t)size + 1);
		if (!log)
			return false;
		n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, size);
		if (n > 0) {
			log[n] = 0;
			found = strstr(log, "DMAR") && strstr(log, want);
		}
		free(log);
		if (!found)
			usleep(20000);
	}
	return found;
}

/* One round trip: pattern at IOVA_BASE -> edu -> IOVA_BASE + 4096. */
static void round_trip(struct edu *e, uint8_t *buf, const char *via, uint8_t seed)
{
	bool ok;

	for (unsigned int i = 0; i < XFER; i++)
		buf[i] = (uint8_t)(seed + i * 7);
	memset(buf + 4096, 0, XFER);
	ok = edu_dma(e, IOVA_BASE, EDU_BUF, 0);
	check(ok, "%s: DMA of %u bytes RAM -> edu from IOVA 0x%llx finished", via, XFER,
	      (unsigned long long)IOVA_BASE);
	ok = ok && edu_dma(e, EDU_BUF, IOVA_BASE + 4096, EDU_CMD_TO_RAM);
	check(ok, "%s: DMA of %u bytes edu -> RAM to IOVA 0x%llx finished", via, XFER,
	      (unsigned long long)IOVA_BASE + 4096);
	check(ok && memcmp(buf, buf + 4096, XFER) == 0,
	      "%s: the bytes came back through the IOMMU unchanged", via);
}

int main(int argc, char **argv)
{
	const char *cdev = argc > 1 ? argv[1] : NULL;
	struct ifd_open_opts oo = { .size = sizeof(oo), .backend = IFD_BACKEND_KERNEL };
	struct ifd_error err = { 0 };
	struct ifd_ctx *ctx = NULL;
	struct edu e = { .dev_fd = -1 };
	char devs[1024], bdf[64] = "";
	uint32_t dev_id = 0, ioas = 0, hwpt = 0, nr = 0;
	struct ifd_range *ranges = NULL, resv[16];
	uint64_t align = 0, iova = IOVA_BASE, mgaw = 0;
	uint8_t *buf;
	int ret, nresv;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!cdev) {
		const char *env = getenv("LAB_VFIO_DEVS");

		snprintf(devs, sizeof(devs), "%s", env ? env : "");
		cdev = strtok(devs, " ");
	}
	if (!cdev) {
		printf("no VFIO cdev to test (LAB_VFIO_DEVS is empty): skipped\n");
		return 77;
	}
	printf("# device %s\n", cdev);
	oo.error = &err;
	ret = ifd_ctx_open(&ctx, &oo);
	if (!check(ret == 0, "open /dev/iommu: %s%s%s", ret ? ename(ret) : "ok", err.detail[0] ? ": " : "",
		   err.detail))
		return 1;

	e.dev_fd = open(cdev, O_RDWR | O_CLOEXEC);
	if (!check(e.dev_fd >= 0, "open %s: %s", cdev, e.dev_fd < 0 ? strerror(errno) : "ok"))
		return 1;
	if (cdev_bdf(cdev, bdf, sizeof(bdf)) == 0)
		printf("# PCI device %s\n", bdf);

	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind), .iommufd = ifd_ctx_fd(ctx),
	};
	ret = ioctl(e.dev_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0 ? -errno : 0;
	if (!check(ret == 0, "VFIO_DEVICE_BIND_IOMMUFD: %s, dev_id %u", ret ? ename(ret) : "ok",
		   bind.out_devid))
		return 1;
	dev_id = bind.out_devid;

	/* What the IOMMU is: QEMU's VT-d, its cap/ecap decoded where it matters here. */
	struct iommu_hw_info_vtd vtd = { 0 };
	struct iommu_hw_info hi = {
		.size = sizeof(hi), .dev_id = dev_id, .data_len = sizeof(vtd),
		.data_uptr = (uintptr_t)&vtd,
	};
	ret = ifd_ioctl(ctx, IOMMU_GET_HW_INFO, &hi);
	check(ret == 0 && hi.out_data_type == IOMMU_HW_INFO_TYPE_INTEL_VTD,
	      "IOMMU_GET_HW_INFO: %s, type %u (INTEL_VTD is %u), cap 0x%016llx ecap 0x%016llx",
	      ret ? ename(ret) : "ok", hi.out_data_type, IOMMU_HW_INFO_TYPE_INTEL_VTD,
	      (unsigned long long)vtd.cap_reg, (unsigned long long)vtd.ecap_reg);
	mgaw = ((vtd.cap_reg >> 16) & 0x3f) + 1;	/* MGAW field holds width - 1 */
	printf("# VT-d MGAW %llu bits\n", (unsigned long long)mgaw);

	ret = ifd_ioas_alloc(ctx, &ioas);
	if (!check(ret == 0, "IOMMU_IOAS_ALLOC: %s, ioas %u", ret ? ename(ret) : "ok", ioas))
		return 1;
	ret = ifd_ioas_iova_ranges(ctx, ioas, &ranges, &nr, &align);
	check(ret == 0 && nr == 1 && ranges[0].start == 0 && ranges[0].last == UINT64_MAX,
	      "an IOAS with no device spans all of [0, 2^64-1] (%u range(s))", nr);
	free(ranges);
	ranges = NULL;

	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = ioas };
	ret = ioctl(e.dev_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) < 0 ? -errno : 0;
	if (!check(ret == 0 && at.pt_id != ioas,
		   "VFIO_DEVICE_ATTACH_IOMMUFD_PT to ioas %u: %s, automatic domain hwpt %u", ioas,
		   ret ? ename(ret) : "ok", at.pt_id))
		return 1;

	/* The aperture and the group's reserved regions now shape the IOAS. */
	ret = ifd_ioas_iova_ranges(ctx, ioas, &ranges, &nr, &align);
	if (check(ret == 0 && nr > 0, "IOMMU_IOAS_IOVA_RANGES after attach: %s, %u range(s), alignment 0x%llx",
		  ret ? ename(ret) : "ok", nr, (unsigned long long)align)) {
		for (uint32_t i = 0; i < nr; i++)
			printf("#   [0x%llx, 0x%llx]\n", (unsigned long long)ranges[i].start,
			       (unsigned long long)ranges[i].last);
		if (mgaw >= 32 && mgaw < 64)
			check(ranges[nr - 1].last == (1ull << mgaw) - 1,
			      "the last range ends at the %llu-bit aperture", (unsigned long long)mgaw);
	}
	nresv = bdf[0] ? group_reserved(bdf, resv, 16) : -ENOENT;
	if (check(nresv > 0, "the group's reserved_regions in sysfs: %d", nresv)) {
		for (int i = 0; i < nresv; i++)
			check(!range_touches(ranges, nr, resv[i].start, resv[i].last),
			      "reserved region [0x%llx, 0x%llx] is not in IOVA_RANGES",
			      (unsigned long long)resv[i].start, (unsigned long long)resv[i].last);
	}
	check(range_covers(ranges, nr, IOVA_BASE, IOVA_BASE + BUF_SIZE - 1),
	      "IOVA 0x%llx (below edu's 28-bit DMA mask) is usable", (unsigned long long)IOVA_BASE);

	/* A fixed mapping onto a reserved region (the MSI window) is refused. */
	if (nresv > 0) {
		uint64_t bad = resv[0].start & ~0xfffull;

		buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ret = buf == MAP_FAILED ? -ENOMEM :
		      ifd_ioas_map(ctx, ioas, IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
				   IOMMU_IOAS_MAP_WRITEABLE, (uintptr_t)buf, 4096, &bad);
		check(ret == -EINVAL, "a fixed map onto reserved IOVA 0x%llx fails with EINVAL (got %s)",
		      (unsigned long long)(resv[0].start & ~0xfffull), ret ? ename(ret) : "success");
		if (buf != MAP_FAILED)
			munmap(buf, 4096);
	}
	free(ranges);
	ranges = NULL;

	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (!check(buf != MAP_FAILED, "a %u-byte buffer", BUF_SIZE))
		return 1;
	ret = ifd_ioas_map(ctx, ioas, IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			   IOMMU_IOAS_MAP_WRITEABLE, (uintptr_t)buf, BUF_SIZE, &iova);
	if (!check(ret == 0, "IOMMU_IOAS_MAP at IOVA 0x%llx: %s", (unsigned long long)iova,
		   ret ? ename(ret) : "ok"))
		return 1;

	struct vfio_region_info ri;
	ret = region_info(e.dev_fd, VFIO_PCI_BAR0_REGION_INDEX, &ri);
	if (!check(ret == 0 && (ri.flags & VFIO_REGION_INFO_FLAG_MMAP), "BAR0: %s, size 0x%llx",
		   ret ? ename(ret) : "ok", (unsigned long long)ri.size))
		return 1;
	e.bar0_size = ri.size;
	e.bar0 = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, e.dev_fd, (off_t)ri.offset);
	if (!check(e.bar0 != MAP_FAILED, "mmap BAR0"))
		return 1;
	check((rd32(&e, EDU_ID) & 0xff) == 0xed, "edu identifies itself (0x%08x)", rd32(&e, EDU_ID));
	wr32(&e, EDU_LIVENESS, 0x12345678);
	check(rd32(&e, EDU_LIVENESS) == ~0x12345678u, "edu is alive (liveness register)");
	ret = enable_bus_master(e.dev_fd);
	check(ret == 0, "bus mastering on through the config region: %s", ret ? ename(ret) : "ok");

	round_trip(&e, buf, "automatic domain", 0x11);

	/* A paging HWPT of our own, and the device moved onto it (replace): the
	 * IOAS fills the new domain, so the same IOVAs keep working. */
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha), .dev_id = dev_id, .pt_id = ioas };
	ret = ifd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha);
	check(ret == 0, "IOMMU_HWPT_ALLOC (paging, on ioas %u): %s, hwpt %u", ioas,
	      ret ? ename(ret) : "ok", ha.out_hwpt_id);
	hwpt = ret == 0 ? ha.out_hwpt_id : 0;
	if (hwpt) {
		struct vfio_device_attach_iommufd_pt rp = { .argsz = sizeof(rp), .pt_id = hwpt };

		ret = ioctl(e.dev_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &rp) < 0 ? -errno : 0;
		check(ret == 0 && rp.pt_id == hwpt, "replace: attach to hwpt %u: %s", hwpt,
		      ret ? ename(ret) : "ok");
		ret = ifd_destroy(ctx, ioas);
		check(ret == -EBUSY, "IOMMU_DESTROY of an IOAS under an attached HWPT: EBUSY (got %s)",
		      ret ? ename(ret) : "success");
		round_trip(&e, buf, "our own hwpt", 0x5a);
	}
	/* QEMU's VT-d has neither nesting nor second-stage dirty tracking. */
	struct iommu_hwpt_alloc hd = { .size = sizeof(hd), .dev_id = dev_id, .pt_id = ioas,
				       .flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING };
	ret = ifd_ioctl(ctx, IOMMU_HWPT_ALLOC, &hd);
	check(ret == -EOPNOTSUPP, "IOMMU_HWPT_ALLOC with DIRTY_TRACKING: EOPNOTSUPP (got %s)",
	      ret ? ename(ret) : "success");
	if (ret == 0)
		ifd_destroy(ctx, hd.out_hwpt_id);

	/* Unmapped, the IOVA must be blocked: the DMA goes nowhere. */
	uint64_t unmapped = 0;
	ret = ifd_ioas_unmap(ctx, ioas, IOVA_BASE, BUF_SIZE, &unmapped);
	check(ret == 0 && unmapped == BUF_SIZE, "IOMMU_IOAS_UNMAP: %s, 0x%llx bytes",
	      ret ? ename(ret) : "ok", (unsigned long long)unmapped);
	memset(buf + 4096, 0xa5, XFER);
	check(edu_dma(&e, EDU_BUF, IOVA_BASE + 4096, EDU_CMD_TO_RAM),
	      "DMA edu -> RAM to the unmapped IOVA finished (the IOMMU drops it)");
	bool untouched = true;
	for (unsigned int i = 0; i < XFER; i++)
		untouched &= buf[4096 + i] == 0xa5;
	check(untouched, "the unmapped buffer is untouched");
	check(klog_has_fault(IOVA_BASE + 4096), "the kernel logged the DMAR fault at IOVA 0x%llx",
	      (unsigned long long)IOVA_BASE + 4096);

	struct vfio_device_detach_iommufd_pt dt = { .argsz = sizeof(dt) };
	ret = ioctl(e.dev_fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt) < 0 ? -errno : 0;
	check(ret == 0, "VFIO_DEVICE_DETACH_IOMMUFD_PT: %s", ret ? ename(ret) : "ok");
	if (hwpt) {
		ret = ifd_destroy(ctx, hwpt);
		check(ret == 0, "IOMMU_DESTROY hwpt %u: %s", hwpt, ret ? ename(ret) : "ok");
	}
	ret = ifd_destroy(ctx, ioas);
	check(ret == 0, "IOMMU_DESTROY ioas %u: %s", ioas, ret ? ename(ret) : "ok");

	munmap((void *)e.bar0, e.bar0_size);
	munmap(buf, BUF_SIZE);
	close(e.dev_fd);
	ifd_ctx_close(ctx);
	printf("# %d checks, %d failed\n", nr_checks, nr_failed);
	return nr_failed ? 1 : 0;
}
