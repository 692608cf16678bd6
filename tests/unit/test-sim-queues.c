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

#define VIOMMU_SELFTEST		0xdeadbeefu
#define VINV_SELFTEST		0xdeadbeefu
#define VINV_SELFTEST_INVALID	0xdadbeefu
#define DEV_CACHE_DEFAULT	0xbaddadu
#define IOTLB_DEFAULT		0xbadbeefu
#define NEST_PARENT		1u

struct viommu_data { uint32_t in_data, out_data; uint64_t mmap_offset, mmap_length; };
struct vinv { uint32_t flags, vdev_id, cache_id; };
struct hwpt_data { uint32_t iotlb, pagetable_type; };

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
	struct hwpt_data d = { IOTLB_DEFAULT, 0 };

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

static uint32_t users_of(struct sim *sim, uint32_t id)
{
	struct ifd_sim_object *objs = NULL;
	uint32_t users = 0;
	size_t n = 0;

	if (!sim_objects(sim, &objs, &n)) {
		for (size_t i = 0; i < n; i++)
			if (objs[i].id == id)
				users = objs[i].users;
		free(objs);
	}
	return users;
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
	CHECK_EQ(hwpt_alloc_data(f->sim, f->dev, f->ioas, NEST_PARENT, 0, NULL, 0, 0, &f->parent), 0);
	CHECK_EQ(viommu_alloc(f->sim, f->dev, f->parent, VIOMMU_SELFTEST, NULL, 0, &f->viommu), 0);
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
	struct viommu_data d = { .in_data = 0xbeef };
	uint32_t hw, v2, v3, v4, w[10];
	struct fix f;

	if (!fixture(&f))
		return;
	/* viommu_negative_tests */
	CHECK_EQ(viommu_alloc(f.sim, f.dev, 0, VIOMMU_SELFTEST, NULL, 0, NULL), -ENOENT);
	CHECK_EQ(hwpt_alloc_data(f.sim, f.dev, f.ioas, 0, 0, NULL, 0, 0, &hw), 0);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, hw, VIOMMU_SELFTEST, NULL, 0, NULL), -EINVAL);
	CHECK_EQ(destroy(f.sim, hw), 0);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, 0xdead, NULL, 0, NULL), -EOPNOTSUPP);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, 0, NULL, 0, NULL), -EOPNOTSUPP);
	CHECK_EQ(viommu_alloc(f.sim, 99, f.parent, VIOMMU_SELFTEST, NULL, 0, NULL), -ENOENT);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.ioas, VIOMMU_SELFTEST, NULL, 0, NULL), -ENOENT);
	memset(w, 0, sizeof(w));
	w[0] = 40;
	w[1] = 1;
	CHECK_EQ(io(f.sim, IOMMU_VIOMMU_ALLOC, w), -EOPNOTSUPP);
	CHECK_EQ(destroy(f.sim, f.parent), -EBUSY);
	CHECK_EQ(destroy(f.sim, f.viommu), -EBUSY);	/* the nested HWPT holds it */
	CHECK_EQ(users_of(f.sim, f.viommu), 2);
	CHECK_EQ(users_of(f.sim, f.parent), 2);		/* the vIOMMU, not the nested HWPT */

	/* viommu_alloc_with_data: loopback and an mmap cookie from PAGE_SIZE */
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, VIOMMU_SELFTEST, &d, sizeof(d), &v2), 0);
	CHECK_EQ(d.out_data, 0xbeef);
	CHECK_EQ(d.mmap_offset, 4096);
	CHECK_EQ(d.mmap_length, 8192);
	memset(&d, 0, sizeof(d));
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, VIOMMU_SELFTEST, &d, sizeof(d), &v3), 0);
	CHECK_EQ(d.mmap_offset, 4096 + 8192);
	CHECK_EQ(destroy(f.sim, v2), 0);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, VIOMMU_SELFTEST, &d, sizeof(d), &v4), 0);
	CHECK_EQ(d.mmap_offset, 4096);
	/* the data: its type is the vIOMMU's, 8..24 bytes, readable */
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, VIOMMU_SELFTEST, &d, 4, NULL), -EINVAL);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, VIOMMU_SELFTEST, &d, sizeof(d) + 8, NULL),
		 -EINVAL);
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, VIOMMU_SELFTEST, (void *)8, sizeof(d), NULL),
		 -EFAULT);
	d.in_data = 7;
	CHECK_EQ(viommu_alloc(f.sim, f.dev, f.parent, VIOMMU_SELFTEST, &d, 8, &v2), 0);
	CHECK_EQ(d.out_data, 7);
	CHECK_EQ(d.mmap_offset, 4096);	/* only 8 bytes written back */
	CHECK_EQ(users_of(f.sim, f.parent), 5);
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
	CHECK_EQ(users_of(f.sim, f.viommu), 3);
	CHECK_EQ(users_of(f.sim, f.dev), 3);	/* unchanged: no reference on the device */
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
	CHECK_EQ(users_of(f.sim, f.viommu), 2);
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
	struct vinv inv[2];
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
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, sizeof(*inv), &num), 0);
	CHECK_EQ(num, 0);
	num = 0;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST_INVALID, sizeof(*inv), &num),
		 -EINVAL);
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST_INVALID, sizeof(*inv), &num),
		 -EINVAL);
	CHECK_EQ(num, 0);
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, sizeof(*inv) + 1, &num), -EINVAL);
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, 1, &num), -EINVAL);
	inv[0].flags = 0xffffffff;
	inv[0].vdev_id = 0x99;
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, sizeof(*inv), &num), -EOPNOTSUPP);
	CHECK_EQ(num, 0);
	inv[0].flags = 0;
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, NULL, VINV_SELFTEST, sizeof(*inv), &num), -EINVAL);
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, 0, &num), -EINVAL);
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, (void *)8, VINV_SELFTEST, sizeof(*inv), &num), -EFAULT);
	inv[0].cache_id = 4;
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, sizeof(*inv), &num), -EINVAL);
	inv[0].cache_id = 0;
	inv[0].vdev_id = 0x9;
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, sizeof(*inv), &num), -EINVAL);
	/* the first entry is done when the second fails */
	inv[0].vdev_id = 0x99;
	inv[1] = (struct vinv){ 0xffffffff, 0x99, 1 };
	num = 2;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, sizeof(*inv), &num), -EOPNOTSUPP);
	CHECK_EQ(num, 1);
	CHECK_EQ(check_cache(f.sim, f.dev, 0, 0), 0);
	CHECK_EQ(check_cache(f.sim, f.dev, 1, DEV_CACHE_DEFAULT), 0);
	inv[1] = (struct vinv){ 0, 0x99, 4 };
	num = 2;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, sizeof(*inv), &num), -EINVAL);
	CHECK_EQ(num, 1);
	inv[0] = (struct vinv){ 0, 0x99, 1 };
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, sizeof(*inv), &num), 0);
	CHECK_EQ(num, 1);
	CHECK_EQ(check_cache(f.sim, f.dev, 1, 0), 0);
	CHECK_EQ(check_cache(f.sim, f.dev, 2, DEV_CACHE_DEFAULT), 0);
	inv[0] = (struct vinv){ 1, 0x99, 0 };	/* ALL */
	num = 1;
	CHECK_EQ(vinvalidate(f.sim, f.viommu, inv, VINV_SELFTEST, sizeof(*inv), &num), 0);
	for (uint32_t i = 0; i < 4; i++)
		CHECK_EQ(check_cache(f.sim, f.dev, i, 0), 0);
	/* a nested HWPT of a vIOMMU still invalidates its own IOTLB */
	CHECK_EQ(top(f.sim, IFD_TEST_OP_MD_CHECK_IOTLB, f.nested, 0, IOTLB_DEFAULT), 0);
	/* an IOAS is neither */
	num = 0;
	CHECK_EQ(vinvalidate(f.sim, f.ioas, inv, VINV_SELFTEST, sizeof(*inv), &num), -EINVAL);
	unfix(&f);
}

/* ---- release ------------------------------------------------------------------------------------ */

static void test_viommu_release(void)
{
	char path[PATH_MAX];
	uint32_t ioas, stdev, dev, parent, viommu, nest, vd, num = 1;
	struct vinv inv = { 1, 0x5, 0 };
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
	CHECK_EQ(hwpt_alloc_data(priv, dev, ioas, NEST_PARENT, 0, NULL, 0, 0, &parent), 0);
	CHECK_EQ(viommu_alloc(priv, dev, parent, VIOMMU_SELFTEST, NULL, 0, &viommu), 0);
	CHECK_EQ(nested(priv, dev, viommu, &nest), 0);
	CHECK_EQ(vdevice_alloc(priv, viommu, dev, 0x5, &vd), 0);
	CHECK_EQ(replace(priv, stdev, nest), 0);
	CHECK_EQ(vinvalidate(priv, viommu, &inv, VINV_SELFTEST, sizeof(inv), &num), 0);
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
			     !hwpt_alloc_data(c, dev, ioas, NEST_PARENT, 0, NULL, 0, 0, &parent) &&
			     !viommu_alloc(c, dev, parent, VIOMMU_SELFTEST, NULL, 0, &viommu) &&
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

int main(void)
{
	(void)st_map_fixed;	/* helpers of sim-test.h these tests need not */
	(void)st_unmap;
	st_setup_dir();
	UNIT_RUN(test_viommu_alloc);
	UNIT_RUN(test_vdevice);
	UNIT_RUN(test_vdevice_tombstone);
	UNIT_RUN(test_vdevice_cache);
	UNIT_RUN(test_viommu_release);
	st_cleanup();
	return unit_finish();
}
