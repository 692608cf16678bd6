// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The simulator's vIOMMU objects: vIOMMUs, vDEVICEs (and their tombstones),
 * nested HWPTs of a vIOMMU, vIOMMU cache invalidation, and the fd-based
 * queues.  Expected errnos and flows come from the 7.2 kernel's viommu.c,
 * eventq.c, selftest.c and tools/testing/selftests/iommu/iommufd.c
 * (the iommufd_viommu fixture).
 */
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>

#include "ifd-test-abi.h"
#include "sim/layout.h"
#include "sim-test.h"

#define VINV_SELFTEST_INVALID	0xdadbeefu
#define DEV_CACHE_DEFAULT	0xbaddadu


static void set64(uint32_t *b, unsigned int i, uint64_t v)
{
	b[i] = (uint32_t)v;
	b[i + 1] = (uint32_t)(v >> 32);
}

static int tcmd(struct sim *sim, struct ifd_test_cmd *c)
{
	c->size = sizeof(*c);
	return io(sim, IFD_TEST_CMD, c);
}

static int top(struct sim *sim, uint32_t op, uint32_t id, uint32_t a, uint32_t b)
{
	struct ifd_test_cmd c = { .op = op, .id = id };

	((uint32_t *)c.raw)[0] = a;
	((uint32_t *)c.raw)[1] = b;
	return tcmd(sim, &c);
}

static int mock_domain(struct sim *sim, uint32_t pt, uint32_t *stdev, uint32_t *idev)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_MOCK_DOMAIN, .id = pt };
	int ret = tcmd(sim, &c);

	if (!ret) {
		*stdev = c.mock_domain.out_stdev_id;
		*idev = c.mock_domain.out_idev_id;
	}
	return ret;
}

static int replace(struct sim *sim, uint32_t stdev, uint32_t pt)
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

static int hwpt_alloc_data(struct sim *sim, uint32_t dev, uint32_t pt, uint32_t flags,
			   uint32_t type, const void *data, uint32_t len, uint32_t fault_id,
			   uint32_t *out)
{
	uint32_t w[12] = { 48, flags, dev, pt, 0, 0, type, len };
	int ret;

	set64(w, 8, (uintptr_t)data);
	w[10] = fault_id;
	ret = io(sim, IOMMU_HWPT_ALLOC, w);
	if (!ret && out)
		*out = w[4];
	return ret;
}

static int nested(struct sim *sim, uint32_t dev, uint32_t pt, uint32_t *out)
{
	struct ifd_hwpt_selftest d = { IFD_TEST_IOTLB_DEFAULT, 0 };

	return hwpt_alloc_data(sim, dev, pt, 0, 0xdead, &d, sizeof(d), 0, out);
}

static int viommu_alloc(struct sim *sim, uint32_t dev, uint32_t hwpt, uint32_t type,
			void *data, uint32_t len, uint32_t *out)
{
	uint32_t w[10] = { 40, 0, type, dev, hwpt, 0, len, 0 };
	int ret;

	set64(w, 8, (uintptr_t)data);
	ret = io(sim, IOMMU_VIOMMU_ALLOC, w);
	if (!ret && out)
		*out = w[5];
	return ret;
}

static int vdevice_alloc(struct sim *sim, uint32_t viommu, uint32_t dev, uint64_t virt_id,
			 uint32_t *out)
{
	uint32_t w[6] = { 24, viommu, dev, 0 };
	int ret;

	set64(w, 4, virt_id);
	ret = io(sim, IOMMU_VDEVICE_ALLOC, w);
	if (!ret && out)
		*out = w[3];
	return ret;
}

static int vinvalidate(struct sim *sim, uint32_t id, const void *reqs, uint32_t type,
		       uint32_t len, uint32_t *num)
{
	uint32_t b[8] = { 32, id, 0, 0, type, len, *num, 0 };
	int ret;

	set64(b, 2, (uintptr_t)reqs);
	ret = io(sim, IOMMU_HWPT_INVALIDATE, b);
	*num = b[6];
	return ret;
}

static int check_cache(struct sim *sim, uint32_t dev, uint32_t i, uint32_t v)
{
	return top(sim, IFD_TEST_OP_DEV_CHECK_CACHE, dev, i, v);
}

/* The iommufd_viommu fixture: an IOAS, a mock device on it, a nest parent,
 * a vIOMMU on it and a nested HWPT of the vIOMMU. */
struct fix {
	struct sim *sim;
	uint32_t ioas, stdev, dev, parent, viommu, nested;
};

static bool fixture(struct fix *f)
{
	memset(f, 0, sizeof(*f));
	f->sim = fresh();
	if (!f->sim)
		return false;
	f->ioas = st_ioas(f->sim);
	CHECK_EQ(mock_domain(f->sim, f->ioas, &f->stdev, &f->dev), 0);
	CHECK_EQ(hwpt_alloc_data(f->sim, f->dev, f->ioas, IFD_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, 0, &f->parent), 0);
	CHECK_EQ(viommu_alloc(f->sim, f->dev, f->parent, IFD_VIOMMU_TYPE_SELFTEST, NULL, 0, &f->viommu), 0);
	CHECK_EQ(nested(f->sim, f->dev, f->viommu, &f->nested), 0);
	return true;
}

static void unfix(struct fix *f)
{
	CHECK_EQ(st_check(f->sim), 0);
	sim_close(f->sim);
}

/* ---- vIOMMU ---------------------------------------------------------------------------------- */

static void test_viommu_alloc(void)
{
	struct ifd_viommu_selftest d = { .in_data = 0xbeef };
	uint32_t hw, v2, v3, v4, w[10];
	struct fix f;

	if (!fixture(&f))
		return;
	/* viommu_negative_tests */
	CHECK_EQ(viommu_alloc(f.sim, f.dev, 0, IFD_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL), -ENOENT);
	CHECK_EQ(hwpt_alloc_data(f.sim, f.dev, f.ioas, 0, 0, NULL, 0, 0, &hw), 0);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, hw, IFD_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL), -EINVAL);
	CHECK_EQ(destroy(f.sim, hw), 0);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, 0xdead, NULL, 0, NULL), -EOPNOTSUPP);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, 0, NULL, 0, NULL), -EOPNOTSUPP);
	CHECK_EQ(viommu_alloc(f.sim, 99, f.parent, IFD_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL), -ENOENT);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.ioas, IFD_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL), -ENOENT);
	memset(w, 0, sizeof(w));
	w[0] = 40;
	w[1] = 1;
	CHECK_EQ(io(f.sim, IOMMU_VIOMMU_ALLOC, w), -EOPNOTSUPP);
	CHECK_EQ(destroy(f.sim, f.parent), -EBUSY);
	CHECK_EQ(destroy(f.sim, f.viommu), -EBUSY);	/* the nested HWPT holds it */
	CHECK_EQ(st_users(f.sim, f.viommu), 2);
	CHECK_EQ(st_users(f.sim, f.parent), 2);		/* the vIOMMU, not the nested HWPT */

	/* viommu_alloc_with_data: loopback and an mmap cookie from PAGE_SIZE */
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, IFD_VIOMMU_TYPE_SELFTEST, &d, sizeof(d), &v2), 0);
	CHECK_EQ(d.out_data, 0xbeef);
	CHECK_EQ(d.out_mmap_offset, 4096);
	CHECK_EQ(d.out_mmap_length, 8192);
	memset(&d, 0, sizeof(d));
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, IFD_VIOMMU_TYPE_SELFTEST, &d, sizeof(d), &v3), 0);
	CHECK_EQ(d.out_mmap_offset, 4096 + 8192);
	CHECK_EQ(destroy(f.sim, v2), 0);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, IFD_VIOMMU_TYPE_SELFTEST, &d, sizeof(d), &v4), 0);
	CHECK_EQ(d.out_mmap_offset, 4096);
	/* the data: its type is the vIOMMU's, 8..24 bytes, readable */
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, IFD_VIOMMU_TYPE_SELFTEST, &d, 4, NULL), -EINVAL);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, IFD_VIOMMU_TYPE_SELFTEST, &d, sizeof(d) + 8, NULL),
		 -EINVAL);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, IFD_VIOMMU_TYPE_SELFTEST, (void *)8, sizeof(d), NULL),
		 -EFAULT);
	d.in_data = 7;
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, IFD_VIOMMU_TYPE_SELFTEST, &d, 8, &v2), 0);
	CHECK_EQ(d.out_data, 7);
	CHECK_EQ(d.out_mmap_offset, 4096);	/* only 8 bytes written back */
	CHECK_EQ(st_users(f.sim, f.parent), 5);
	CHECK_EQ(destroy(f.sim, v2), 0);
	CHECK_EQ(destroy(f.sim, v3), 0);
	CHECK_EQ(destroy(f.sim, v4), 0);
	/* teardown in the kernel's order */
	CHECK_EQ(destroy(f.sim, f.nested), 0);
	CHECK_EQ(destroy(f.sim, f.viommu), 0);
	CHECK_EQ(destroy(f.sim, f.parent), 0);
	unfix(&f);
}

/* ---- vDEVICE ----------------------------------------------------------------------------- */

static void test_vdevice(void)
{
	uint32_t vd, vd2, st2, dev2, w[6];
	struct fix f;

	if (!fixture(&f))
		return;
	/* a nested domain of a vIOMMU wants a vDEVICE there first */
	CHECK_EQ(replace(f.sim, f.stdev, f.nested), -ENOENT);
	CHECK_EQ(vdevice_alloc(f.sim, 99, f.dev, 0x99, NULL), -ENOENT);
	CHECK_EQ(vdevice_alloc(f.sim, f.parent, f.dev, 0x99, NULL), -ENOENT);
	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, 99, 0x99, NULL), -ENOENT);
	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, f.dev, 0x99, &vd), 0);
	CHECK_EQ(st_users(f.sim, f.viommu), 3);
	CHECK_EQ(st_users(f.sim, f.dev), 3);	/* unchanged: no reference on the device */
	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, f.dev, 0x98, NULL), -EEXIST);
	CHECK_EQ(mock_domain(f.sim, f.ioas, &st2, &dev2), 0);
	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, dev2, 0x99, NULL), -EEXIST);
	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, dev2, 0x98, &vd2), 0);
	CHECK_EQ(destroy(f.sim, f.viommu), -EBUSY);
	/* the vEVENT path: attached through the vIOMMU, no event queue */
	CHECK_EQ(top(f.sim, IFD_TEST_OP_TRIGGER_VEVENT, 0, f.dev, 0), -ENOENT);
	CHECK_EQ(replace(f.sim, f.stdev, f.nested), 0);
	CHECK_EQ(st_check(f.sim), 0);
	CHECK_EQ(top(f.sim, IFD_TEST_OP_TRIGGER_VEVENT, 0, f.dev, 0), -EOPNOTSUPP);
	CHECK_EQ(top(f.sim, IFD_TEST_OP_TRIGGER_VEVENT, 0, 99, 0), -ENOENT);
	/* the device keeps the vIOMMU while attached, even without its vDEVICE */
	CHECK_EQ(destroy(f.sim, vd), 0);
	CHECK_EQ(top(f.sim, IFD_TEST_OP_TRIGGER_VEVENT, 0, f.dev, 0), -EOPNOTSUPP);
	CHECK_EQ(replace(f.sim, f.stdev, f.ioas), 0);
	CHECK_EQ(top(f.sim, IFD_TEST_OP_TRIGGER_VEVENT, 0, f.dev, 0), -ENOENT);
	/* virt_id 0 is a virtual ID, but the mock reports no event for it */
	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, f.dev, 0, &vd), 0);
	CHECK_EQ(replace(f.sim, f.stdev, f.nested), 0);
	CHECK_EQ(top(f.sim, IFD_TEST_OP_TRIGGER_VEVENT, 0, f.dev, 0), -ENOENT);
	CHECK_EQ(st_check(f.sim), 0);
	/* virt_id 0 is taken as any other */
	memset(w, 0, sizeof(w));
	w[0] = 24;
	w[1] = f.viommu;
	w[2] = f.dev;
	CHECK_EQ(io(f.sim, IOMMU_VDEVICE_ALLOC, w), -EEXIST);
	unfix(&f);
}

static void test_vdevice_tombstone(void)
{
	uint32_t vd, ioas2;
	struct fix f;

	if (!fixture(&f))
		return;
	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, f.dev, 0x99, &vd), 0);
	CHECK_EQ(destroy(f.sim, f.stdev), 0);
	CHECK_EQ(destroy(f.sim, vd), -ENOENT);
	CHECK_EQ(st_users(f.sim, f.viommu), 2);
	CHECK_EQ(st_check(f.sim), 0);
	/* the ID stays taken: the next object gets another */
	ioas2 = st_ioas(f.sim);
	CHECK(ioas2 != vd);
	CHECK_EQ(destroy(f.sim, f.nested), 0);
	CHECK_EQ(destroy(f.sim, f.viommu), 0);
	CHECK_EQ(st_check(f.sim), 0);
	unfix(&f);
}

/* ---- vIOMMU invalidation and the device cache (vdevice_cache) -------------------------------- */

static void test_vdevice_cache(void)
{
	struct ifd_viommu_invalidate_selftest inv[2];
	uint32_t vd, num;
	struct fix f;

	if (!fixture(&f))
		return;
	memset(inv, 0, sizeof(inv));
	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, f.dev, 0x99, &vd), 0);
	for (uint32_t i = 0; i < 4; i++)
		CHECK_EQ(check_cache(f.sim, f.dev, i, DEV_CACHE_DEFAULT), 0);
	CHECK_EQ(check_cache(f.sim, f.dev, 4, DEV_CACHE_DEFAULT), -EINVAL);
	CHECK_EQ(check_cache(f.sim, f.dev, 0, 0), -EINVAL);
	num = 0;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), 0);
	CHECK_EQ(num, 0);
	num = 0;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST_INVALID, sizeof(*inv), &num),
		 -EINVAL);
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST_INVALID, sizeof(*inv), &num),
		 -EINVAL);
	CHECK_EQ(num, 0);
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv) + 1, &num), -EINVAL);
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, 1, &num), -EINVAL);
	inv[0].flags = 0xffffffff;
	inv[0].vdev_id = 0x99;
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), -EOPNOTSUPP);
	CHECK_EQ(num, 0);
	inv[0].flags = 0;
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, NULL, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), -EINVAL);
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, 0, &num), -EINVAL);
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, (void *)8, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), -EFAULT);
	inv[0].cache_id = 4;
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), -EINVAL);
	inv[0].cache_id = 0;
	inv[0].vdev_id = 0x9;
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), -EINVAL);
	/* the first entry is done when the second fails */
	inv[0].vdev_id = 0x99;
	inv[1] = (struct ifd_viommu_invalidate_selftest){ 0xffffffff, 0x99, 1 };
	num = 2;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), -EOPNOTSUPP);
	CHECK_EQ(num, 1);
	CHECK_EQ(check_cache(f.sim, f.dev, 0, 0), 0);
	CHECK_EQ(check_cache(f.sim, f.dev, 1, DEV_CACHE_DEFAULT), 0);
	inv[1] = (struct ifd_viommu_invalidate_selftest){ 0, 0x99, 4 };
	num = 2;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), -EINVAL);
	CHECK_EQ(num, 1);
	inv[0] = (struct ifd_viommu_invalidate_selftest){ 0, 0x99, 1 };
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), 0);
	CHECK_EQ(num, 1);
	CHECK_EQ(check_cache(f.sim, f.dev, 1, 0), 0);
	CHECK_EQ(check_cache(f.sim, f.dev, 2, DEV_CACHE_DEFAULT), 0);
	inv[0] = (struct ifd_viommu_invalidate_selftest){ 1, 0x99, 0 };	/* ALL */
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), 0);
	for (uint32_t i = 0; i < 4; i++)
		CHECK_EQ(check_cache(f.sim, f.dev, i, 0), 0);
	/* a nested HWPT of a vIOMMU still invalidates its own IOTLB */
	CHECK_EQ(top(f.sim, IFD_TEST_OP_MD_CHECK_IOTLB, f.nested, 0, IFD_TEST_IOTLB_DEFAULT), 0);
	/* an IOAS is neither */
	num = 0;
	CHECK_EQ(vinvalidate(f.sim, f.ioas, inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(*inv), &num), -EINVAL);
	unfix(&f);
}

/* ---- release ------------------------------------------------------------------------------------ */

static void test_viommu_release(void)
{
	char path[PATH_MAX];
	uint32_t ioas, stdev, dev, parent, viommu, nest, vd, num = 1;
	struct ifd_viommu_invalidate_selftest inv = { 1, 0x5, 0 };
	struct sim *sim = st_open_new("default", 0, path, sizeof(path)), *priv;
	pid_t pid;
	int err;

	if (!sim)
		return;
	/* a private context, with every kind of object, closed */
	priv = st_open_path(path, IFD_OPEN_SIM_PRIVATE, &err);
	CHECK(priv != NULL);
	if (!priv)
		return;
	ioas = st_ioas(priv);
	CHECK_EQ(mock_domain(priv, ioas, &stdev, &dev), 0);
	CHECK_EQ(hwpt_alloc_data(priv, dev, ioas, IFD_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, 0, &parent), 0);
	CHECK_EQ(viommu_alloc(priv, dev, parent, IFD_VIOMMU_TYPE_SELFTEST, NULL, 0, &viommu), 0);
	CHECK_EQ(nested(priv, dev, viommu, &nest), 0);
	CHECK_EQ(vdevice_alloc(priv, viommu, dev, 0x5, &vd), 0);
	CHECK_EQ(replace(priv, stdev, nest), 0);
	CHECK_EQ(vinvalidate(priv, viommu, &inv, IFD_VIOMMU_INVALIDATE_DATA_SELFTEST, sizeof(inv), &num), 0);
	CHECK_EQ(st_check(priv), 0);
	sim_close(priv);
	CHECK_EQ(st_check(sim), 0);

	/* the same in a process that dies */
	pid = st_fork(0);
	if (pid == 0) {
		struct sim *c = st_open_path(path, IFD_OPEN_SIM_PRIVATE, &err);
		bool ok = c != NULL;

		if (ok) {
			ioas = st_ioas(c);
			ok = !mock_domain(c, ioas, &stdev, &dev) &&
			     !hwpt_alloc_data(c, dev, ioas, IFD_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, 0, &parent) &&
			     !viommu_alloc(c, dev, parent, IFD_VIOMMU_TYPE_SELFTEST, NULL, 0, &viommu) &&
			     !nested(c, dev, viommu, &nest) &&
			     !vdevice_alloc(c, viommu, dev, 0x5, &vd) &&
			     !replace(c, stdev, nest);
		}
		st_child_exit(0, ok);
		_exit(0);	/* never closed */
	}
	CHECK(st_child_ok(pid, 0));
	CHECK_EQ(st_check(sim), 0);	/* sweeps the dead owner first */
	{
		struct ifd_sim_info info;

		CHECK_EQ(sim_info(sim, &info), 0);
		CHECK_EQ(info.nr_objects, 0);
	}
	sim_close(sim);
}


/* ---- fault queues --------------------------------------------------------------------------- */


static int fault_alloc(struct sim *sim, uint32_t *id, int *fd)
{
	uint32_t w[4] = { 16, 0, 0, 0 };
	int ret = io(sim, IOMMU_FAULT_QUEUE_ALLOC, w);

	if (!ret) {
		*id = w[2];
		*fd = (int)w[3];
	}
	return ret;
}

static int trigger_iopf(struct sim *sim, uint32_t dev, uint32_t pasid)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_TRIGGER_IOPF };
	uint32_t *a = (uint32_t *)c.raw;

	a[0] = dev;
	a[1] = pasid;
	a[2] = 0x2;
	a[3] = 3;		/* READ | WRITE */
	set64(a, 4, 0xdeadbeaf);
	return tcmd(sim, &c);
}

static int respond(int fd, uint32_t cookie, uint32_t code)
{
	struct ifd_hwpt_page_response r = { cookie, code };

	return write(fd, &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : -errno;
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void test_fault_queue(void)
{
	struct ifd_hwpt_selftest d = { IFD_TEST_IOTLB_DEFAULT, 0 };
	struct ifd_hwpt_pgfault f[3];
	uint32_t fault, w[4] = { 16, 1, 0, 0 }, iopf, vd, paging;
	int fd, fl;
	struct fix f0;

	if (!fixture(&f0))
		return;
	CHECK_EQ(io(f0.sim, IOMMU_FAULT_QUEUE_ALLOC, w), -EOPNOTSUPP);
	CHECK_EQ(fault_alloc(f0.sim, &fault, &fd), 0);
	fl = fcntl(fd, F_GETFL);
	CHECK(fl >= 0 && (fl & O_NONBLOCK));
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK_EQ(st_users(f0.sim, fault), 2);
	CHECK_EQ(read(fd, f, sizeof(f[0])), -1);	/* empty: EAGAIN (the kernel: 0) */
	CHECK_EQ(errno, EAGAIN);
	/* viommu_alloc_nested_iopf */
	CHECK_EQ(hwpt_alloc_data(f0.sim, f0.dev, f0.viommu, 4, 0xdead, &d, sizeof(d), UINT32_MAX,
				 &iopf), -ENOENT);
	CHECK_EQ(hwpt_alloc_data(f0.sim, f0.dev, f0.viommu, 4 | (1u << 31), 0xdead, &d, sizeof(d),
				 fault, &iopf), -EOPNOTSUPP);
	CHECK_EQ(hwpt_alloc_data(f0.sim, f0.dev, f0.viommu, 4, 0xdead, &d, sizeof(d), f0.viommu,
				 &iopf), -ENOENT);	/* not a fault queue */
	CHECK_EQ(hwpt_alloc_data(f0.sim, f0.dev, f0.viommu, 4, 0xdead, &d, sizeof(d), fault, &iopf), 0);
	CHECK_EQ(st_users(f0.sim, fault), 3);
	CHECK_EQ(replace(f0.sim, f0.stdev, iopf), -ENOENT);
	CHECK_EQ(vdevice_alloc(f0.sim, f0.viommu, f0.dev, 0x99, &vd), 0);
	CHECK_EQ(replace(f0.sim, f0.stdev, iopf), 0);
	CHECK_EQ(destroy(f0.sim, iopf), -EBUSY);
	CHECK_EQ(destroy(f0.sim, fault), -EBUSY);

	/* a page request, read, answered */
	CHECK(!readable(fd));
	CHECK_EQ(trigger_iopf(f0.sim, f0.dev, 1), 0);
	CHECK(readable(fd));
	CHECK_EQ(read(fd, f, sizeof(f[0])), (ssize_t)sizeof(f[0]));
	CHECK_EQ(f[0].flags, 3);	/* PASID_VALID | LAST_PAGE */
	CHECK_EQ(f[0].dev_id, f0.dev);
	CHECK_EQ(f[0].pasid, 1);
	CHECK_EQ(f[0].grpid, 2);
	CHECK_EQ(f[0].perm, 3);
	CHECK_EQ(f[0].addr, 0xdeadbeaf);
	CHECK_EQ(f[0].length, 0);
	CHECK_EQ(f[0].cookie, 1);
	CHECK_EQ(st_check(f0.sim), 0);
	CHECK_EQ(respond(fd, f[0].cookie, 0), 0);
	CHECK_EQ(sim_queue_sync(f0.sim, fd, NULL, 0), 0);
	CHECK_EQ(sim_queue_sync(f0.sim, fd + 1000, NULL, 0), -EBADF);
	/* answered once: a second answer is refused, reported once */
	CHECK_EQ(respond(fd, f[0].cookie, 0), 0);
	CHECK_EQ(sim_queue_sync(f0.sim, fd, NULL, 0), -EINVAL);
	CHECK_EQ(sim_queue_sync(f0.sim, fd, NULL, 0), 0);
	/* a bad code; an answer to a fault not read yet */
	CHECK_EQ(trigger_iopf(f0.sim, f0.dev, 0), 0);
	CHECK_EQ(respond(fd, 1, 0), 0);
	CHECK_EQ(sim_queue_sync(f0.sim, fd, NULL, 0), -EINVAL);
	CHECK_EQ(read(fd, f, sizeof(f)), (ssize_t)sizeof(f[0]));
	CHECK_EQ(f[0].cookie, 1);
	CHECK_EQ(f[0].flags, 2);	/* LAST_PAGE: PASID 0 is no PASID */
	CHECK_EQ(respond(fd, 1, 2), 0);
	CHECK_EQ(sim_queue_sync(f0.sim, fd, NULL, 0), -EINVAL);
	CHECK_EQ(respond(fd, 1, 1), 0);	/* INVALID is a good code */
	CHECK_EQ(sim_queue_sync(f0.sim, fd, NULL, 0), 0);
	/* cookies: the lowest free ones; several faults in one read */
	CHECK_EQ(trigger_iopf(f0.sim, f0.dev, 1), 0);
	CHECK_EQ(trigger_iopf(f0.sim, f0.dev, 1), 0);
	CHECK_EQ(read(fd, f, sizeof(f)), (ssize_t)(2 * sizeof(f[0])));
	CHECK_EQ(f[0].cookie, 1);
	CHECK_EQ(f[1].cookie, 2);
	{
		struct ifd_hwpt_page_response r[2] = { { 2, 0 }, { 1, 0 } };

		CHECK_EQ(write(fd, r, sizeof(r)), (ssize_t)sizeof(r));
	}
	CHECK_EQ(sim_queue_sync(f0.sim, fd, NULL, 0), 0);
	CHECK_EQ(st_check(f0.sim), 0);
	/* the device leaves with a fault unread: the kernel answers it; its
	 * bytes are out already, so it is read, and answering it is refused */
	CHECK_EQ(trigger_iopf(f0.sim, f0.dev, 1), 0);
	CHECK_EQ(replace(f0.sim, f0.stdev, f0.ioas), 0);
	CHECK_EQ(st_check(f0.sim), 0);
	CHECK_EQ(read(fd, f, sizeof(f)), (ssize_t)sizeof(f[0]));
	CHECK_EQ(respond(fd, f[0].cookie, 0), 0);
	CHECK_EQ(sim_queue_sync(f0.sim, fd, NULL, 0), -EINVAL);
	/* ... read and awaiting its answer: gone as well */
	CHECK_EQ(replace(f0.sim, f0.stdev, iopf), 0);
	CHECK_EQ(trigger_iopf(f0.sim, f0.dev, 1), 0);
	CHECK_EQ(read(fd, f, sizeof(f)), (ssize_t)sizeof(f[0]));
	CHECK_EQ(replace(f0.sim, f0.stdev, f0.ioas), 0);
	CHECK_EQ(respond(fd, f[0].cookie, 0), 0);
	CHECK_EQ(sim_queue_sync(f0.sim, fd, NULL, 0), -EINVAL);
	/* not attached to a HWPT with a fault queue: the mock takes the fault */
	CHECK_EQ(trigger_iopf(f0.sim, f0.dev, 1), 0);
	CHECK_EQ(trigger_iopf(f0.sim, 99, 1), -ENOENT);
	CHECK(!readable(fd));
	/* a paging HWPT with a fault queue takes PASID 0 only (no PASID attachments) */
	CHECK_EQ(hwpt_alloc_data(f0.sim, f0.dev, f0.ioas, 4, 0, NULL, 0, fault, &paging), 0);
	CHECK_EQ(hwpt_alloc_data(f0.sim, f0.dev, f0.ioas, 5, 0, NULL, 0, fault, NULL), -EOPNOTSUPP);
	CHECK_EQ(replace(f0.sim, f0.stdev, paging), 0);
	CHECK_EQ(trigger_iopf(f0.sim, f0.dev, 1), 0);
	CHECK(!readable(fd));
	CHECK_EQ(trigger_iopf(f0.sim, f0.dev, 0), 0);
	CHECK(readable(fd));
	CHECK_EQ(st_check(f0.sim), 0);
	/* teardown: the fault queue goes once its fd is closed and no HWPT holds it */
	CHECK_EQ(replace(f0.sim, f0.stdev, f0.ioas), 0);
	CHECK_EQ(destroy(f0.sim, paging), 0);
	CHECK_EQ(destroy(f0.sim, iopf), 0);
	CHECK_EQ(destroy(f0.sim, fault), -EBUSY);
	CHECK_EQ(close(fd), 0);
	CHECK_EQ(st_users(f0.sim, fault), 1);
	CHECK_EQ(sim_queue_sync(f0.sim, fd, NULL, 0), -EBADF);
	CHECK_EQ(destroy(f0.sim, fault), 0);
	unfix(&f0);
}

/* ---- vEVENT queues (vdevice_alloc) ------------------------------------------------------------- */

#define VEVENTQ_MAX		(1u << 19)

struct vevent { uint32_t flags, sequence, virt_id; };

static int veventq_alloc(struct sim *sim, uint32_t viommu, uint32_t type, uint32_t depth,
			 uint32_t *id, int *fd)
{
	uint32_t w[8] = { 32, 0, viommu, type, depth, 0, 0, 0 };
	int ret = io(sim, IOMMU_VEVENTQ_ALLOC, w);

	if (!ret) {
		*id = w[5];
		*fd = (int)w[6];
	}
	return ret;
}

static int vevent(struct sim *sim, uint32_t dev)
{
	return top(sim, IFD_TEST_OP_TRIGGER_VEVENT, 0, dev, 0);
}

static void test_veventq(void)
{
	uint32_t w[8] = { 32, 1, 0, IFD_VEVENTQ_TYPE_SELFTEST, 2, 0, 0, 0 }, q, q2, vd;
	uint8_t buf[64];
	struct vevent ev[3];
	int fd, fd2;
	struct fix f;

	if (!fixture(&f))
		return;
	w[2] = f.viommu;
	CHECK_EQ(io(f.sim, IOMMU_VEVENTQ_ALLOC, w), -EOPNOTSUPP);
	w[1] = 0;
	w[7] = 1;
	CHECK_EQ(io(f.sim, IOMMU_VEVENTQ_ALLOC, w), -EOPNOTSUPP);
	CHECK_EQ(veventq_alloc(f.sim, f.viommu, 0, 2, &q, &fd), -EOPNOTSUPP);
	CHECK_EQ(veventq_alloc(f.sim, f.viommu, IFD_VEVENTQ_TYPE_SELFTEST, 0, &q, &fd), -EINVAL);
	CHECK_EQ(veventq_alloc(f.sim, f.viommu, IFD_VEVENTQ_TYPE_SELFTEST, VEVENTQ_MAX + 1, &q, &fd), -EINVAL);
	CHECK_EQ(veventq_alloc(f.sim, f.parent, IFD_VEVENTQ_TYPE_SELFTEST, 2, &q, &fd), -ENOENT);
	CHECK_EQ(veventq_alloc(f.sim, f.viommu, IFD_VEVENTQ_TYPE_SELFTEST, VEVENTQ_MAX, &q, &fd), 0);
	CHECK_EQ(st_users(f.sim, f.viommu), 3);
	CHECK_EQ(destroy(f.sim, q), -EBUSY);
	CHECK_EQ(close(fd), 0);
	CHECK_EQ(destroy(f.sim, q), 0);
	CHECK_EQ(st_users(f.sim, f.viommu), 2);

	CHECK_EQ(veventq_alloc(f.sim, f.viommu, IFD_VEVENTQ_TYPE_SELFTEST, 2, &q, &fd), 0);
	CHECK_EQ(veventq_alloc(f.sim, f.viommu, IFD_VEVENTQ_TYPE_SELFTEST, 2, NULL, NULL), -EEXIST);
	CHECK_EQ(veventq_alloc(f.sim, f.viommu, 0x1234, 2, &q2, &fd2), 0);	/* another type */
	CHECK_EQ(read(fd, buf, 0), 0);	/* the kernel: EINVAL */
	CHECK_EQ(read(fd, buf, 8), -1);	/* empty: EAGAIN (the kernel: 0) */
	CHECK_EQ(errno, EAGAIN);

	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, f.dev, 0x99, &vd), 0);
	CHECK_EQ(replace(f.sim, f.stdev, f.nested), 0);
	CHECK_EQ(vevent(f.sim, f.dev), 0);
	CHECK(readable(fd));
	CHECK(!readable(fd2));
	CHECK_EQ(read(fd, ev, sizeof(ev)), 12);
	CHECK_EQ(ev[0].flags, 0);
	CHECK_EQ(ev[0].sequence, 0);
	CHECK_EQ(ev[0].virt_id, 0x99);
	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, f.dev, 0x99, NULL), -EEXIST);
	CHECK_EQ(replace(f.sim, f.stdev, f.ioas), 0);
	CHECK_EQ(destroy(f.sim, vd), 0);

	/* an overflow: two vEVENTs and the lost-events header */
	CHECK_EQ(vdevice_alloc(f.sim, f.viommu, f.dev, 0x88, &vd), 0);
	CHECK_EQ(replace(f.sim, f.stdev, f.nested), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(vevent(f.sim, f.dev), 0);
	CHECK_EQ(st_check(f.sim), 0);
	CHECK_EQ(read(fd, buf, 36), 32);
	memcpy(ev, buf, 24);
	CHECK_EQ(ev[0].sequence, 1);
	CHECK_EQ(ev[0].virt_id, 0x88);
	CHECK_EQ(ev[1].sequence, 2);
	{
		uint32_t lost[2];

		memcpy(lost, buf + 24, 8);
		CHECK_EQ(lost[0], 1);	/* IOMMU_VEVENTQ_FLAG_LOST_EVENTS */
		CHECK_EQ(lost[1], 3);
	}
	/* the overflow is gone after the reads */
	CHECK_EQ(vevent(f.sim, f.dev), 0);
	CHECK_EQ(read(fd, ev, sizeof(ev)), 12);
	CHECK_EQ(ev[0].sequence, 4);
	CHECK_EQ(ev[0].flags, 0);
	CHECK_EQ(st_check(f.sim), 0);
	/* a read too small splits a record (the kernel: EINVAL, nothing read) */
	CHECK_EQ(vevent(f.sim, f.dev), 0);
	CHECK_EQ(read(fd, buf, 8), 8);
	CHECK_EQ(vevent(f.sim, f.dev), 0);
	CHECK_EQ(vevent(f.sim, f.dev), 0);	/* the partly read one still counts */
	CHECK_EQ(read(fd, buf, sizeof(buf)), 4 + 12 + 8);
	CHECK_EQ(st_check(f.sim), 0);

	/* without a queue of the selftest type: EOPNOTSUPP */
	CHECK_EQ(close(fd), 0);
	CHECK_EQ(destroy(f.sim, q), 0);
	CHECK_EQ(vevent(f.sim, f.dev), -EOPNOTSUPP);
	CHECK_EQ(destroy(f.sim, f.viommu), -EBUSY);
	CHECK_EQ(replace(f.sim, f.stdev, f.ioas), 0);
	CHECK_EQ(destroy(f.sim, vd), 0);
	CHECK_EQ(close(fd2), 0);
	CHECK_EQ(destroy(f.sim, q2), 0);
	CHECK_EQ(destroy(f.sim, f.nested), 0);
	CHECK_EQ(destroy(f.sim, f.viommu), 0);
	unfix(&f);
}

/* ---- queues and their owners ---------------------------------------------------------------- */

static void test_queue_owners(void)
{
	char path[PATH_MAX];
	uint32_t ioas, stdev, dev, parent, viommu, fault, q;
	struct sim *sim = st_open_new("default", 0, path, sizeof(path)), *priv;
	uint8_t buf[16];
	pid_t pid;
	int err, fd, qfd;

	if (!sim)
		return;
	ioas = st_ioas(sim);
	CHECK_EQ(mock_domain(sim, ioas, &stdev, &dev), 0);
	CHECK_EQ(hwpt_alloc_data(sim, dev, ioas, IFD_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, 0, &parent), 0);
	CHECK_EQ(viommu_alloc(sim, dev, parent, IFD_VIOMMU_TYPE_SELFTEST, NULL, 0, &viommu), 0);
	/* a process that makes queues in the shared context and dies: their
	 * fds close with it */
	pid = st_fork(0);
	if (pid == 0) {
		struct sim *c = st_open_path(path, 0, &err);
		bool ok = c && !fault_alloc(c, &fault, &fd) &&
			  !veventq_alloc(c, viommu, IFD_VEVENTQ_TYPE_SELFTEST, 4, &q, &qfd);

		st_child_exit(0, ok);
		_exit(0);	/* neither the fds nor the handle closed */
	}
	CHECK(st_child_ok(pid, 0));
	CHECK_EQ(st_check(sim), 0);	/* the sweep drops the fds' references */
	CHECK_EQ(st_users(sim, viommu), 2);	/* the vEVENT queue's */
	{
		struct ifd_sim_object *objs = NULL;
		size_t n = 0;

		CHECK_EQ(sim_objects(sim, &objs, &n), 0);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(objs[i].type, "fault") || !strcmp(objs[i].type, "veventq")) {
				CHECK_EQ(objs[i].users, 1);
				CHECK_EQ(destroy(sim, objs[i].id), 0);
			}
		free(objs);
	}
	CHECK_EQ(st_users(sim, viommu), 1);
	/* a forked child's copy of the fd keeps it open; the parent serves it */
	CHECK_EQ(fault_alloc(sim, &fault, &fd), 0);
	pid = st_fork(1);
	if (pid == 0) {
		struct ifd_sim_info info;

		/* its operations do not touch the parent's queue */
		st_child_exit(1, sim_info(sim, &info) == 0 && destroy(sim, fault) == -EBUSY);
		_exit(0);
	}
	CHECK(st_child_ok(pid, 1));
	CHECK_EQ(destroy(sim, fault), -EBUSY);
	CHECK_EQ(close(fd), 0);
	CHECK_EQ(destroy(sim, fault), 0);
	/* a private context released with an open queue fd: the fd reads EOF */
	priv = st_open_path(path, IFD_OPEN_SIM_PRIVATE, &err);
	CHECK(priv != NULL);
	if (priv) {
		CHECK_EQ(fault_alloc(priv, &fault, &fd), 0);
		CHECK_EQ(st_check(priv), 0);
		sim_close(priv);
		CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
		CHECK_EQ(close(fd), 0);
	}
	/* closing the handle closes the queues it serves in the shared context */
	priv = st_open_path(path, 0, &err);
	CHECK(priv != NULL);
	if (priv) {
		CHECK_EQ(fault_alloc(priv, &fault, &fd), 0);
		sim_close(priv);
		CHECK_EQ(st_users(sim, fault), 1);
		CHECK_EQ(destroy(sim, fault), 0);
		CHECK_EQ(close(fd), 0);
	}
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* ---- HW queues (hw_queue) ----------------------------------------------------------------------- */


static int hwq_alloc(struct sim *sim, uint32_t viommu, uint32_t type, uint32_t index,
		     uint64_t iova, uint64_t len, uint32_t *out)
{
	uint32_t w[10] = { 40, 0, viommu, type, index, 0 };
	int ret;

	set64(w, 6, iova);
	set64(w, 8, len);
	ret = io(sim, IOMMU_HW_QUEUE_ALLOC, w);
	if (!ret && out)
		*out = w[5];
	return ret;
}

static void test_hw_queue(void)
{
	uint64_t iova = 1ull << 24, iova2 = iova + 4096;
	uint32_t q[2], ioas_users, extra;
	uint8_t *buf = aligned_alloc(4096, 2 * 4096);
	size_t objs;
	struct fix f;

	if (!fixture(&f))
		return;
	memset(buf, 1, 2 * 4096);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, 0, 0, iova, 4096, q), -EOPNOTSUPP);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 0, iova, 0, q), -EINVAL);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 0, ~0ull, 4096, q), -EOVERFLOW);
	CHECK_EQ(hwq_alloc(f.sim, f.parent, IFD_HW_QUEUE_TYPE_SELFTEST, 0, iova, 4096, q), -ENOENT);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, 0x1234, 0, iova, 4096, q), -EOPNOTSUPP);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 0, iova, 4096, q), -ENOENT);	/* not mapped */
	CHECK_EQ(st_map_fixed(f.sim, f.ioas, (uintptr_t)buf, 4096, iova), 0);
	CHECK_EQ(st_map_fixed(f.sim, f.ioas, (uintptr_t)buf + 4096, 4096, iova2), 0);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 1, iova, 4096, q), -EIO);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 2, iova, 4096, q), -EINVAL);
	ioas_users = st_users(f.sim, f.ioas);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 0, iova, 4096, &q[0]), 0);
	CHECK_EQ(st_users(f.sim, f.ioas), ioas_users + 1);	/* the internal access */
	CHECK_EQ(st_users(f.sim, f.viommu), 3);
	/* the internal access holds the next ID, as the kernel's does: the
	 * next object's ID counts past it, DESTROY of it is EBUSY, and it is
	 * nothing a command of another type finds */
	CHECK_EQ(destroy(f.sim, q[0] + 1), -EBUSY);
	CHECK_EQ(st_map_fixed(f.sim, q[0] + 1, (uintptr_t)buf + 4096, 4096, iova2), -ENOENT);
	objs = st_nr_objects(f.sim);
	extra = st_ioas(f.sim);
	CHECK_EQ(extra, q[0] + 2);
	CHECK_EQ(destroy(f.sim, extra), 0);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 0, iova, 4096, NULL), -EEXIST);
	CHECK_EQ(st_nr_objects(f.sim), objs);	/* a failed queue takes no access with it */
	CHECK_EQ(st_unmap(f.sim, f.ioas, iova, 4096, NULL), -EBUSY);
	CHECK_EQ(st_unmap(f.sim, f.ioas, iova2, 4096, NULL), 0);
	CHECK_EQ(st_unmap(f.sim, f.ioas, 0, ~0ull, NULL), -EBUSY);
	/* unaligned: the page around it is pinned */
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 1, iova + 2048, 2048, &q[1]), 0);
	CHECK_EQ(st_check(f.sim), 0);
	CHECK_EQ(destroy(f.sim, q[0]), -EBUSY);
	CHECK_EQ(destroy(f.sim, f.viommu), -EBUSY);
	CHECK_EQ(destroy(f.sim, q[1]), 0);
	CHECK_EQ(destroy(f.sim, q[0]), 0);
	CHECK_EQ(st_users(f.sim, f.ioas), ioas_users);
	CHECK_EQ(st_nr_objects(f.sim), objs - 2);	/* each queue took its access with it */
	extra = st_ioas(f.sim);
	CHECK_EQ(extra, q[0]);
	CHECK_EQ(destroy(f.sim, extra), 0);
	CHECK_EQ(st_unmap(f.sim, f.ioas, iova, 4096, NULL), 0);
	/* the queue's internal access wants PAGE_SIZE alignment of the IOAS:
	 * refused while a 2 KiB area is there (EADDRINUSE), and it refuses one
	 * (EINVAL) while the queue is there */
	CHECK_EQ(st_map_fixed(f.sim, f.ioas, (uintptr_t)buf, 4096, iova), 0);
	CHECK_EQ(st_map_fixed(f.sim, f.ioas, (uintptr_t)buf + 4096, 2048, iova + 0x10000), 0);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 0, iova, 4096, q), -EADDRINUSE);
	CHECK_EQ(st_unmap(f.sim, f.ioas, iova + 0x10000, 2048, NULL), 0);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 0, iova, 4096, &q[0]), 0);
	CHECK_EQ(st_map_fixed(f.sim, f.ioas, (uintptr_t)buf + 4096, 2048, iova + 0x10000), -EINVAL);
	CHECK_EQ(st_check(f.sim), 0);
	CHECK_EQ(destroy(f.sim, q[0]), 0);
	CHECK_EQ(st_map_fixed(f.sim, f.ioas, (uintptr_t)buf + 4096, 2048, iova + 0x10000), 0);
	CHECK_EQ(st_check(f.sim), 0);
	CHECK_EQ(st_unmap(f.sim, f.ioas, 0, ~0ull, NULL), 0);
	/* a queue over two areas; the context released with it */
	CHECK_EQ(st_map_fixed(f.sim, f.ioas, (uintptr_t)buf, 4096, iova), 0);
	CHECK_EQ(st_map_fixed(f.sim, f.ioas, (uintptr_t)buf + 4096, 4096, iova2), 0);
	CHECK_EQ(hwq_alloc(f.sim, f.viommu, IFD_HW_QUEUE_TYPE_SELFTEST, 0, iova + 4000, 200, &q[0]), 0);
	CHECK_EQ(st_unmap(f.sim, f.ioas, iova2, 4096, NULL), -EBUSY);
	CHECK_EQ(st_check(f.sim), 0);
	unfix(&f);
	free(buf);
}

int main(void)
{
	st_setup_dir();
	UNIT_RUN(test_viommu_alloc);
	UNIT_RUN(test_vdevice);
	UNIT_RUN(test_vdevice_tombstone);
	UNIT_RUN(test_vdevice_cache);
	UNIT_RUN(test_viommu_release);
	UNIT_RUN(test_fault_queue);
	UNIT_RUN(test_veventq);
	UNIT_RUN(test_queue_owners);
	UNIT_RUN(test_hw_queue);
	st_cleanup();
	return unit_finish();
}
