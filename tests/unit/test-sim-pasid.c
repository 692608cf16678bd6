// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The simulator's attachments at a PASID (IOMMU_TEST_OP_PASID_*): which
 * HWPTs go where, every errno the 7.2 kernel answers, the mock driver's
 * planted failure at PASID 1024, references, faults delivered through a
 * PASID's attachment, and what destroying the mock device does.  The
 * sequences follow the kernel's selftest (the iommufd_device_pasid fixture
 * of tools/testing/selftests/iommu/iommufd.c) and its device.c.
 */
#include <poll.h>
#include <stdbool.h>
#include <sys/mman.h>

#include "ifd-test-abi.h"
#include "sim/layout.h"
#include "sim-test.h"

#define NO_FAULT	77u		/* a fault_id no fault queue can have */

static int tcmd(struct sim *sim, struct ifd_test_cmd *c)
{
	c->size = sizeof(*c);
	return io(sim, IFD_TEST_CMD, c);
}

static int mock_dev(struct sim *sim, uint32_t pt, uint32_t flags, uint32_t *stdev, uint32_t *hwpt,
		    uint32_t *idev)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_MOCK_DOMAIN_FLAGS, .id = pt };
	int ret;

	c.mock_domain.dev_flags = flags;
	ret = tcmd(sim, &c);
	if (!ret) {
		*stdev = c.mock_domain.out_stdev_id;
		if (hwpt)
			*hwpt = c.mock_domain.out_hwpt_id;
		if (idev)
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

static int pasid_op(struct sim *sim, uint32_t op, uint32_t stdev, uint32_t pasid, uint32_t pt)
{
	struct ifd_test_cmd c = { .op = op, .id = stdev };

	c.pasid_attach.pasid = pasid;
	c.pasid_attach.pt_id = pt;
	return tcmd(sim, &c);
}

#define ATTACH(s, p, pt)	pasid_op(sim, IFD_TEST_OP_PASID_ATTACH, s, p, pt)
#define REPLACE(s, p, pt)	pasid_op(sim, IFD_TEST_OP_PASID_REPLACE, s, p, pt)
#define DETACH(s, p)		pasid_op(sim, IFD_TEST_OP_PASID_DETACH, s, p, 0)
#define CHECK_HWPT(s, p, h)	pasid_op(sim, IFD_TEST_OP_PASID_CHECK_HWPT, s, p, h)

static int destroy(struct sim *sim, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return io(sim, IOMMU_DESTROY, &d);
}

/* IOMMU_HWPT_ALLOC, with the mock's nested data when 'nested'. */
static int hwpt_alloc(struct sim *sim, uint32_t dev, uint32_t pt, uint32_t flags, bool nested,
		      uint32_t fault, uint32_t *out)
{
	uint32_t w[12] = { 48, flags, dev, pt }, data[2] = { IFD_TEST_IOTLB_DEFAULT, 0 };
	uint64_t uptr = (uintptr_t)data;
	int ret;

	if (nested) {
		w[6] = IFD_HWPT_DATA_SELFTEST;
		w[7] = sizeof(data);
		memcpy(&w[8], &uptr, sizeof(uptr));
	}
	w[10] = fault;
	ret = io(sim, IOMMU_HWPT_ALLOC, w);
	if (!ret && out)
		*out = w[4];
	return ret;
}

struct fix {
	struct sim *sim;
	uint32_t ioas, stdev, idev, np_stdev, np_idev;	/* a PASID device, one without */
	uint32_t parent, nested[2], s2;
};

/* The kernel selftest's setup: both devices on automatic domains of one
 * IOAS, a nest parent, two PASID-compatible nested HWPTs on it, and a
 * PASID-compatible paging HWPT. */
static bool fixture(struct fix *f)
{
	memset(f, 0, sizeof(*f));
	f->sim = fresh();
	if (!f->sim)
		return false;
	f->ioas = st_ioas(f->sim);
	CHECK_EQ(mock_dev(f->sim, f->ioas, IFD_MOCK_FLAGS_DEVICE_PASID, &f->stdev, NULL, &f->idev), 0);
	CHECK_EQ(mock_dev(f->sim, f->ioas, 0, &f->np_stdev, NULL, &f->np_idev), 0);
	CHECK_EQ(hwpt_alloc(f->sim, f->idev, f->ioas, IFD_HWPT_ALLOC_NEST_PARENT, false, NO_FAULT, &f->parent), 0);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(hwpt_alloc(f->sim, f->idev, f->parent, IFD_HWPT_ALLOC_PASID, true, NO_FAULT,
				    &f->nested[i]), 0);
	CHECK_EQ(hwpt_alloc(f->sim, f->idev, f->ioas, IFD_HWPT_ALLOC_PASID, false, NO_FAULT, &f->s2), 0);
	return f->s2 != 0;
}

static void test_compat(void)
{
	struct fix f;
	struct sim *sim;
	size_t n;

	if (!fixture(&f))
		return;
	sim = f.sim;
	/* detaching what is not attached is no error */
	CHECK_EQ(DETACH(f.stdev, 100), 0);
	/* the device itself on a HWPT that is not PASID compatible: no PASID */
	CHECK_EQ(replace(sim, f.stdev, f.parent), 0);
	CHECK_EQ(ATTACH(f.stdev, 100, f.s2), -EINVAL);
	CHECK_EQ(replace(sim, f.stdev, f.s2), 0);
	CHECK_EQ(ATTACH(f.stdev, 100, f.nested[0]), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, 100, f.nested[0]), 0);
	/* ... and with a PASID attached, the device goes to compatible HWPTs only */
	CHECK_EQ(replace(sim, f.stdev, f.parent), -EINVAL);
	CHECK_EQ(replace(sim, f.stdev, f.ioas), -EINVAL);
	CHECK_EQ(ATTACH(f.stdev, 0, f.ioas), -EBUSY);
	CHECK_EQ(replace(sim, f.stdev, f.nested[1]), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, 0, f.nested[1]), 0);
	/* detached, it may only come back to a compatible one */
	CHECK_EQ(DETACH(f.stdev, 0), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, 0, 0), 0);
	n = st_nr_objects(sim);
	CHECK_EQ(ATTACH(f.stdev, 0, f.ioas), -EINVAL);	/* an automatic domain, made and dropped */
	CHECK_EQ(st_nr_objects(sim), n);
	CHECK_EQ(ATTACH(f.stdev, 0, f.parent), -EINVAL);
	CHECK_EQ(ATTACH(f.stdev, 0, f.s2), 0);
	CHECK_EQ(DETACH(f.stdev, 100), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, 100, 0), 0);
	CHECK_EQ(replace(sim, f.stdev, f.parent), 0);
	CHECK_EQ(replace(sim, f.stdev, f.s2), 0);

	/* a device without PASIDs takes compatible HWPTs itself, no PASID */
	CHECK_EQ(replace(sim, f.np_stdev, f.nested[0]), 0);
	CHECK_EQ(replace(sim, f.np_stdev, f.ioas), 0);
	CHECK_EQ(ATTACH(f.np_stdev, 100, f.parent), -EINVAL);
	CHECK_EQ(ATTACH(f.np_stdev, 100, f.s2), -EINVAL);
	CHECK_EQ(ATTACH(f.np_stdev, 1, f.s2), -EINVAL);
	/* what is no HWPT, a HWPT that is not compatible, an automatic domain */
	CHECK_EQ(ATTACH(f.stdev, 100, f.parent), -EINVAL);
	CHECK_EQ(ATTACH(f.stdev, 100, f.ioas), -EINVAL);
	CHECK_EQ(CHECK_HWPT(f.stdev, 100, 0), 0);
	CHECK_EQ(st_nr_objects(sim), n);
	CHECK_EQ(ATTACH(f.stdev, 100, f.np_idev), -EINVAL);	/* a device */
	CHECK_EQ(ATTACH(f.stdev, 100, 999), -ENOENT);
	CHECK_EQ(ATTACH(f.idev, 100, f.s2), -ENOENT);		/* not a selftest object */
	CHECK_EQ(ATTACH(999, 100, f.s2), -ENOENT);
	/* the width: 20 bits */
	CHECK_EQ(ATTACH(f.stdev, 1u << 20, f.s2), -EINVAL);
	CHECK_EQ(ATTACH(f.stdev, UINT32_MAX, f.s2), -EINVAL);
	CHECK_EQ(ATTACH(f.stdev, (1u << 20) - 1, f.s2), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, (1u << 20) - 1, f.s2), 0);
	/* a PASID's attachment reserves nothing in the IOAS */
	{
		void *buf = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
		uint64_t out = 0;

		CHECK(buf != MAP_FAILED);
		memset(buf, 1, 2 * 4096);
		CHECK_EQ(st_map_fixed(sim, f.ioas, (uintptr_t)buf, 2 * 4096, 0x1000000), 0);
		CHECK_EQ(st_unmap(sim, f.ioas, 0x1000000, 2 * 4096, &out), 0);
		CHECK_EQ(out, 2 * 4096);
		munmap(buf, 2 * 4096);
	}
	CHECK_EQ(DETACH(f.stdev, (1u << 20) - 1), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

static void test_attach_replace_detach(void)
{
	struct fix f;
	struct sim *sim;
	uint32_t s2_users, dev_users;

	if (!fixture(&f))
		return;
	sim = f.sim;
	CHECK_EQ(replace(sim, f.stdev, f.s2), 0);
	s2_users = st_users(sim, f.s2);
	dev_users = st_users(sim, f.idev);
	CHECK_EQ(ATTACH(f.stdev, 100, f.s2), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, 100, f.s2), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, 100, 0), -EINVAL);
	CHECK_EQ(CHECK_HWPT(f.stdev, 100, f.nested[0]), -EINVAL);
	CHECK_EQ(CHECK_HWPT(f.stdev, 100, f.ioas), -EINVAL);	/* not a HWPT */
	CHECK_EQ(CHECK_HWPT(f.stdev, 100, 999), -ENOENT);
	CHECK_EQ(CHECK_HWPT(f.idev, 100, f.s2), -ENOENT);
	CHECK_EQ(st_users(sim, f.s2), s2_users + 1);
	CHECK_EQ(st_users(sim, f.idev), dev_users + 1);
	/* attach never overwrites */
	CHECK_EQ(ATTACH(f.stdev, 100, f.nested[0]), -EBUSY);
	CHECK_EQ(ATTACH(f.stdev, 100, f.s2), -EBUSY);
	CHECK_EQ(ATTACH(f.stdev, 100, f.ioas), -EBUSY);
	CHECK_EQ(ATTACH(f.stdev, 100, f.parent), -EBUSY);
	/* what a PASID holds cannot be destroyed */
	CHECK_EQ(destroy(sim, f.s2), -EBUSY);
	CHECK_EQ(destroy(sim, f.idev), -EBUSY);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(DETACH(f.stdev, 100), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, 100, 0), 0);
	CHECK_EQ(st_users(sim, f.s2), s2_users);
	CHECK_EQ(st_users(sim, f.idev), dev_users);
	CHECK_EQ(DETACH(f.stdev, 100), 0);

	/* replace: only what is attached, only to a compatible HWPT */
	CHECK_EQ(REPLACE(f.stdev, 200, f.s2), -EINVAL);
	CHECK_EQ(ATTACH(f.stdev, 200, f.s2), 0);
	CHECK_EQ(REPLACE(f.stdev, 200, f.ioas), -EINVAL);
	CHECK_EQ(REPLACE(f.stdev, 200, f.parent), -EINVAL);
	CHECK_EQ(REPLACE(f.stdev, 200, f.idev), -EINVAL);
	CHECK_EQ(REPLACE(f.stdev, 200, 999), -ENOENT);
	CHECK_EQ(CHECK_HWPT(f.stdev, 200, f.s2), 0);
	CHECK_EQ(REPLACE(f.stdev, 200, f.s2), 0);		/* the same: nothing happens */
	CHECK_EQ(st_users(sim, f.s2), s2_users + 1);
	CHECK_EQ(REPLACE(f.stdev, 200, f.nested[0]), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, 200, f.nested[0]), 0);
	CHECK_EQ(st_users(sim, f.s2), s2_users);
	CHECK_EQ(REPLACE(f.stdev, 200, f.nested[1]), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, 200, f.nested[1]), 0);
	CHECK_EQ(destroy(sim, f.nested[0]), 0);
	CHECK_EQ(destroy(sim, f.nested[1]), -EBUSY);
	/* several PASIDs, one HWPT */
	CHECK_EQ(ATTACH(f.stdev, 1, f.nested[1]), 0);
	CHECK_EQ(ATTACH(f.stdev, 2, f.s2), 0);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(DETACH(f.stdev, 200), 0);
	CHECK_EQ(DETACH(f.stdev, 1), 0);
	CHECK_EQ(DETACH(f.stdev, 2), 0);
	CHECK_EQ(st_users(sim, f.idev), dev_users);
	CHECK_EQ(destroy(sim, f.nested[1]), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* The mock driver fails every second change of PASID 1024 to a domain;
 * blocking the PASID (a detach) starts over. */
static void test_pasid_1024(void)
{
	struct fix f;
	struct sim *sim;

	if (!fixture(&f))
		return;
	sim = f.sim;
	CHECK_EQ(replace(sim, f.stdev, f.s2), 0);
	CHECK_EQ(ATTACH(f.stdev, 1024, f.s2), 0);
	CHECK_EQ(REPLACE(f.stdev, 1024, f.nested[0]), -ENOMEM);
	CHECK_EQ(CHECK_HWPT(f.stdev, 1024, f.s2), 0);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(REPLACE(f.stdev, 1024, f.s2), 0);		/* the same HWPT: no call */
	CHECK_EQ(REPLACE(f.stdev, 1024, f.nested[0]), 0);
	CHECK_EQ(CHECK_HWPT(f.stdev, 1024, f.nested[0]), 0);
	CHECK_EQ(REPLACE(f.stdev, 1024, f.s2), -ENOMEM);
	CHECK_EQ(REPLACE(f.stdev, 1024, f.s2), 0);
	CHECK_EQ(DETACH(f.stdev, 1024), 0);
	CHECK_EQ(ATTACH(f.stdev, 1024, f.s2), 0);
	CHECK_EQ(DETACH(f.stdev, 1024), 0);
	CHECK_EQ(ATTACH(f.stdev, 1024, f.s2), 0);
	CHECK_EQ(REPLACE(f.stdev, 1024, f.nested[1]), -ENOMEM);
	/* a refused change first does not arm it */
	CHECK_EQ(REPLACE(f.stdev, 1024, f.parent), -EINVAL);
	CHECK_EQ(REPLACE(f.stdev, 1024, f.nested[1]), 0);
	/* other PASIDs never fail */
	CHECK_EQ(ATTACH(f.stdev, 1023, f.s2), 0);
	CHECK_EQ(REPLACE(f.stdev, 1023, f.nested[1]), 0);
	CHECK_EQ(REPLACE(f.stdev, 1023, f.s2), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* The mock's set_dev_pasid checks neither dirty tracking nor a vDEVICE. */
static void test_driver_checks(void)
{
	struct fix f;
	struct sim *sim;
	uint32_t nd_stdev, dirty;

	if (!fixture(&f))
		return;
	sim = f.sim;
	CHECK_EQ(mock_dev(sim, f.ioas, IFD_MOCK_FLAGS_DEVICE_PASID | IFD_MOCK_FLAGS_DEVICE_NO_DIRTY,
			  &nd_stdev, NULL, NULL), 0);
	CHECK_EQ(hwpt_alloc(sim, f.idev, f.ioas, IFD_HWPT_ALLOC_PASID | IFD_HWPT_ALLOC_DIRTY_TRACKING, false, NO_FAULT, &dirty), 0);
	CHECK_EQ(replace(sim, nd_stdev, dirty), -EINVAL);
	CHECK_EQ(replace(sim, nd_stdev, f.s2), 0);
	CHECK_EQ(ATTACH(nd_stdev, 5, dirty), 0);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(DETACH(nd_stdev, 5), 0);
	sim_close(sim);
}

static int trigger_iopf(struct sim *sim, uint32_t dev, uint32_t pasid)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_TRIGGER_IOPF };

	c.trigger_iopf.dev_id = dev;
	c.trigger_iopf.pasid = pasid;
	c.trigger_iopf.perm = 3;	/* READ | WRITE */
	return tcmd(sim, &c);
}

static int nread(int fd, struct ifd_hwpt_pgfault *f, size_t n)
{
	ssize_t r = read(fd, f, n * sizeof(*f));

	return r < 0 ? -errno : (int)(r / (ssize_t)sizeof(*f));
}

/* Faults at a PASID go through its attachment; each attachment's unread
 * faults are answered when it leaves the HWPT, not another's. */
static void test_faults(void)
{
	struct ifd_hwpt_pgfault ev[4];
	uint32_t w[4] = { 16, 0, 0, 0 }, fault, iopf;
	struct fix f;
	struct sim *sim;
	int fd;

	if (!fixture(&f))
		return;
	sim = f.sim;
	CHECK_EQ(io(sim, IOMMU_FAULT_QUEUE_ALLOC, w), 0);
	fault = w[2];
	fd = (int)w[3];
	CHECK_EQ(hwpt_alloc(sim, f.idev, f.parent, IFD_HWPT_FAULT_ID_VALID | IFD_HWPT_ALLOC_PASID, true, fault, &iopf),
		 0);
	CHECK_EQ(replace(sim, f.stdev, f.s2), 0);
	CHECK_EQ(ATTACH(f.stdev, 2048, iopf), 0);
	CHECK_EQ(trigger_iopf(sim, f.idev, 2048), 0);
	CHECK_EQ(nread(fd, ev, 4), 1);
	CHECK_EQ(ev[0].flags, 3);	/* PASID_VALID | LAST_PAGE */
	CHECK_EQ(ev[0].pasid, 2048);
	CHECK_EQ(ev[0].dev_id, f.idev);
	/* not attached at PASID 5: the device's own HWPT is paging, no fault */
	CHECK_EQ(trigger_iopf(sim, f.idev, 5), 0);
	CHECK_EQ(trigger_iopf(sim, f.idev, 0), 0);
	CHECK_EQ(nread(fd, ev, 4), -EAGAIN);
	/* the device's own attachment to the same HWPT: two handles */
	CHECK_EQ(replace(sim, f.stdev, iopf), 0);
	CHECK_EQ(trigger_iopf(sim, f.idev, 0), 0);
	CHECK_EQ(trigger_iopf(sim, f.idev, 2048), 0);
	CHECK_EQ(trigger_iopf(sim, f.idev, 7), 0);	/* through the nested one of the device */
	CHECK_EQ(st_check(sim), 0);
	/* the PASID leaves: its fault is answered, the device's two stay */
	CHECK_EQ(REPLACE(f.stdev, 2048, f.s2), 0);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(nread(fd, ev, 4), 3);
	CHECK_EQ(ev[0].pasid, 0);
	CHECK_EQ(ev[1].pasid, 2048);
	CHECK_EQ(ev[2].pasid, 7);
	{
		/* answering the PASID's is refused (the kernel did), the others not */
		uint32_t r[2] = { ev[1].cookie, 0 };

		CHECK_EQ(write(fd, r, sizeof(r)), (ssize_t)sizeof(r));
		CHECK_EQ(sim_queue_sync(sim, fd, NULL, 0), -EINVAL);
		r[0] = ev[0].cookie;
		CHECK_EQ(write(fd, r, sizeof(r)), (ssize_t)sizeof(r));
		r[0] = ev[2].cookie;
		CHECK_EQ(write(fd, r, sizeof(r)), (ssize_t)sizeof(r));
		CHECK_EQ(sim_queue_sync(sim, fd, NULL, 0), 0);
	}
	CHECK_EQ(DETACH(f.stdev, 2048), 0);
	CHECK_EQ(replace(sim, f.stdev, f.s2), 0);
	CHECK_EQ(destroy(sim, iopf), 0);
	close(fd);
	CHECK_EQ(destroy(sim, fault), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);
}

/* Destroying the mock device detaches its PASIDs (the kernel's mock WARNs
 * there), and so does closing its context. */
static void test_destroy(void)
{
	struct fix f;
	struct sim *sim;
	uint32_t s2_users;

	if (!fixture(&f))
		return;
	sim = f.sim;
	s2_users = st_users(sim, f.s2);
	CHECK_EQ(replace(sim, f.stdev, f.s2), 0);
	CHECK_EQ(ATTACH(f.stdev, 1024, f.s2), 0);
	CHECK_EQ(ATTACH(f.stdev, 3, f.nested[0]), 0);
	CHECK_EQ(destroy(sim, f.stdev), 0);
	CHECK_EQ(st_users(sim, f.s2), s2_users);
	CHECK_EQ(st_users(sim, f.idev), 0);
	CHECK_EQ(destroy(sim, f.nested[0]), 0);
	CHECK_EQ(st_check(sim), 0);
	sim_close(sim);

	/* a private context closes with PASIDs attached */
	{
		char path[PATH_MAX];
		struct sim *p;
		uint32_t ioas, stdev, idev, hw;
		int err;

		sim = st_open_new("default", 0, path, sizeof(path));
		if (!sim)
			return;
		p = st_open_path(path, IFD_OPEN_SIM_PRIVATE, &err);
		CHECK(p != NULL);
		if (!p) {
			sim_close(sim);
			return;
		}
		ioas = st_ioas(p);
		CHECK_EQ(mock_dev(p, ioas, IFD_MOCK_FLAGS_DEVICE_PASID, &stdev, NULL, &idev), 0);
		CHECK_EQ(hwpt_alloc(p, idev, ioas, IFD_HWPT_ALLOC_PASID, false, NO_FAULT, &hw), 0);
		CHECK_EQ(replace(p, stdev, hw), 0);
		CHECK_EQ(pasid_op(p, IFD_TEST_OP_PASID_ATTACH, stdev, 9, hw), 0);
		sim_close(p);
		CHECK_EQ(st_nr_objects(sim), 0);
		CHECK_EQ(st_check(sim), 0);
		sim_close(sim);
	}
}

int main(void)
{
	st_setup_dir();
	UNIT_RUN(test_compat);
	UNIT_RUN(test_attach_replace_detach);
	UNIT_RUN(test_pasid_1024);
	UNIT_RUN(test_driver_checks);
	UNIT_RUN(test_faults);
	UNIT_RUN(test_destroy);
	st_cleanup();
	return unit_finish();
}
