// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The simulator's VFIO devices (lib/sim/cdev.c): VFIO_DEVICE_BIND_IOMMUFD,
 * ATTACH/DETACH_IOMMUFD_PT on a node's fd, with vfio_device_cdev.c's argument
 * rules, and a binding that lives exactly as long as the open file that
 * made it, across processes.
 */
#include "sim-test.h"
#include "ifd-test-abi.h"

#include <linux/vfio.h>
#include <stdbool.h>

static struct sim *vtd(char *path, size_t len)
{
	struct sim *sim = st_open_new("intel-vtd", 0, path, len);

	if (!sim)
		exit(2);
	return sim;
}

/* An fd of VFIO device 'idx''s node, found as a user finds it. */
static int node_open(struct sim *sim, unsigned int idx)
{
	struct ifd_sim_vfio_dev *v = NULL;
	size_t n = 0;
	int fd = -1;

	if (sim_vfio_devices(sim, &v, &n) == 0 && idx < n)
		fd = open(v[idx].node, O_RDWR | O_CLOEXEC);
	free(v);
	return fd;
}

static int dio(struct sim *sim, int fd, unsigned long cmd, void *arg)
{
	st_detail[0] = 0;
	return sim_device_ioctl(sim, fd, cmd, arg, st_detail, sizeof(st_detail));
}

static int bind(struct sim *sim, int fd, int iommufd, uint32_t *dev_id)
{
	struct ifd_vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = iommufd };
	int ret = dio(sim, fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &b);

	if (!ret && dev_id)
		*dev_id = b.out_devid;
	return ret;
}

static int attach(struct sim *sim, int fd, uint32_t *pt)
{
	struct ifd_vfio_device_attach_iommufd_pt a = { .argsz = 12, .pt_id = *pt };
	int ret = dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);

	if (!ret)
		*pt = a.pt_id;
	return ret;
}

static int detach(struct sim *sim, int fd)
{
	struct ifd_vfio_device_detach_iommufd_pt d = { .argsz = 8 };

	return dio(sim, fd, IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

/* The state's own fd stands for the iommufd. */
static int state_fd(const char *path)
{
	return open(path, O_RDWR | O_CLOEXEC);
}

static const struct ifd_sim_vfio_dev *find_dev(struct ifd_sim_vfio_dev *v, size_t n,
					       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static void test_nodes_and_list(void)
{
	char path[PATH_MAX];
	struct ifd_sim_vfio_dev *v = NULL;
	struct sim *sim = vtd(path, sizeof(path));
	const struct ifd_sim_vfio_dev *d;
	size_t n = 0;

	CHECK_EQ(sim_vfio_devices(sim, &v, &n), 0);
	CHECK_EQ(n, 2);
	d = find_dev(v, n, "vfio1");
	CHECK(d && strcmp(d->bdf, "0000:00:03.0") == 0 && d->group == 1 && !d->bound);
	CHECK(d && access(d->node, R_OK | W_OK) == 0);
	free(v);
	sim_close(sim);
}

static void test_bind_attach_detach(void)
{
	char path[PATH_MAX];
	struct sim *sim = vtd(path, sizeof(path));
	struct ifd_sim_vfio_dev *v = NULL;
	uint32_t dev = 0, ioas = st_ioas(sim), pt = ioas, pt2;
	int fd = node_open(sim, 0), other = node_open(sim, 0), ifd = state_fd(path);
	struct iommu_destroy ds = { .size = sizeof(ds) };
	size_t n = 0;

	CHECK(fd >= 0 && other >= 0 && ifd >= 0);
	/* nothing before the bind */
	CHECK_EQ(attach(sim, fd, &pt), -EINVAL);
	CHECK_EQ(detach(sim, fd), -EINVAL);
	CHECK_EQ(bind(sim, fd, ifd, &dev), 0);
	CHECK(dev > ioas);
	/* once: through the same fd or another open file of the node */
	CHECK_EQ(bind(sim, fd, ifd, NULL), -EINVAL);
	CHECK_EQ(bind(sim, other, ifd, NULL), -EINVAL);
	/* the same fd is refused before its iommufd is looked at, another fd
	 * after (a cdev fd is no iommufd) */
	CHECK_EQ(bind(sim, fd, other, NULL), -EINVAL);
	CHECK_EQ(bind(sim, other, fd, NULL), -EBADFD);
	/* only the fd that bound acts for it */
	CHECK_EQ(attach(sim, other, &pt), -EINVAL);
	CHECK_EQ(attach(sim, fd, &pt), 0);
	CHECK(pt != ioas && pt > dev);
	/* the MSI window is out of the IOAS now, and the alignment is the page */
	CHECK_EQ(st_map_fixed(sim, ioas, 0x10000, 0x1000, 0xfee00000), -EINVAL);
	/* attached again: a replace onto the same IOAS keeps the HWPT */
	pt2 = ioas;
	CHECK_EQ(attach(sim, fd, &pt2), 0);
	CHECK_EQ(pt2, pt);
	CHECK_EQ(sim_vfio_devices(sim, &v, &n), 0);
	CHECK(n == 2 && v[0].bound && v[0].bound_here && v[0].dev_id == dev && v[0].pt_id == pt &&
	      !v[1].bound);
	free(v);
	/* the driver's reference: DESTROY of the device is EBUSY */
	ds.id = dev;
	CHECK_EQ(io(sim, IOMMU_DESTROY, &ds), -EBUSY);
	ds.id = ioas;
	CHECK_EQ(io(sim, IOMMU_DESTROY, &ds), -EBUSY);
	CHECK_EQ(detach(sim, fd), 0);
	CHECK_EQ(detach(sim, fd), 0);	/* nothing attached: no error */
	CHECK_EQ(st_map_fixed(sim, ioas, 0x10000, 0x1000, 0xfee00000), 0);
	/* the device's reserved region now meets a mapping */
	pt = ioas;
	CHECK_EQ(attach(sim, fd, &pt), -EADDRINUSE);
	CHECK_EQ(st_unmap(sim, ioas, 0xfee00000, 0x1000, NULL), 0);
	CHECK_EQ(attach(sim, fd, &pt), 0);
	CHECK_EQ(st_check(sim), 0);
	/* closing every copy of the fd unbinds: the next operation sees it */
	close(fd);
	CHECK_EQ(st_users(sim, dev), 0);
	CHECK_EQ(bind(sim, other, ifd, &dev), 0);
	CHECK_EQ(st_check(sim), 0);
	close(other);
	close(ifd);
	sim_close(sim);
}

/* VFIO's two records of the RID's attachment (drivers/vfio/iommufd.c): a
 * plain attach and one with the PASID flag at PASID 0 each replace or
 * detach only what they made, and are EBUSY over the other's. */
static int pasid0(struct sim *sim, int fd, uint32_t *pt, bool detach_it)
{
	struct ifd_vfio_device_attach_iommufd_pt a = {
		.argsz = sizeof(a), .flags = IFD_VFIO_DEVICE_ATTACH_PASID, .pt_id = *pt,
	};
	struct ifd_vfio_device_detach_iommufd_pt d = {
		.argsz = sizeof(d), .flags = IFD_VFIO_DEVICE_DETACH_PASID,
	};
	int ret;

	if (detach_it)
		return dio(sim, fd, IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
	ret = dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
	if (!ret)
		*pt = a.pt_id;
	return ret;
}

static void test_pasid0_records(void)
{
	char path[PATH_MAX];
	struct sim *sim = vtd(path, sizeof(path));
	uint32_t ioas = st_ioas(sim), pt = ioas, pt0 = ioas, dev = 0;
	int fd = node_open(sim, 0), ifd = state_fd(path);
	struct ifd_sim_vfio_dev *v = NULL;
	size_t n = 0;

	CHECK(fd >= 0 && ifd >= 0);
	CHECK_EQ(bind(sim, fd, ifd, &dev), 0);
	CHECK_EQ(attach(sim, fd, &pt), 0);
	CHECK_EQ(pasid0(sim, fd, &pt0, false), -EBUSY);
	CHECK_EQ(pasid0(sim, fd, &pt0, true), 0);	/* not the PASID record's: nothing */
	CHECK_EQ(sim_vfio_devices(sim, &v, &n), 0);
	CHECK(n == 2 && v[0].pt_id == pt);
	free(v);
	CHECK_EQ(detach(sim, fd), 0);
	/* now through the PASID record */
	pt0 = ioas;
	CHECK_EQ(pasid0(sim, fd, &pt0, false), 0);
	CHECK(pt0 != ioas);
	pt = ioas;
	CHECK_EQ(attach(sim, fd, &pt), -EBUSY);
	CHECK_EQ(detach(sim, fd), 0);			/* not the plain record's: nothing */
	CHECK_EQ(sim_vfio_devices(sim, &v, &n), 0);
	CHECK(n == 2 && v[0].pt_id == pt0);
	free(v);
	pt = ioas;
	CHECK_EQ(pasid0(sim, fd, &pt, false), 0);	/* its own: a replace */
	CHECK_EQ(pt, pt0);
	CHECK_EQ(st_check(sim), 0);
	CHECK_EQ(pasid0(sim, fd, &pt0, true), 0);
	CHECK_EQ(sim_vfio_devices(sim, &v, &n), 0);
	CHECK(n == 2 && v[0].pt_id == 0);
	free(v);
	pt = ioas;
	CHECK_EQ(attach(sim, fd, &pt), 0);
	CHECK_EQ(st_check(sim), 0);
	close(fd);
	close(ifd);
	sim_close(sim);
}

/* A PCI function without a PASID capability has no PASID width at all, so
 * the core neither checks a PASID's range nor asks VT-d: an attachment at a
 * PASID is taken, onto a HWPT allocated for PASIDs; VT-d makes no nest
 * parent (QEMU's has no ECAP.NEST) and takes no data. */
static void test_pasid_without_capability(void)
{
	char path[PATH_MAX];
	struct sim *sim = vtd(path, sizeof(path));
	uint32_t ioas = st_ioas(sim), dev = 0, pt;
	int fd = node_open(sim, 0), ifd = state_fd(path);
	struct ifd_hwpt_alloc h = { .size = sizeof(h), .pt_id = ioas };
	struct ifd_vfio_device_attach_iommufd_pt a = {
		.argsz = sizeof(a), .flags = IFD_VFIO_DEVICE_ATTACH_PASID, .pasid = 0xfffff,
	};
	struct ifd_vfio_device_detach_iommufd_pt d = {
		.argsz = sizeof(d), .flags = IFD_VFIO_DEVICE_DETACH_PASID, .pasid = 0xfffff,
	};
	uint8_t data[8] = { 0 };

	CHECK(fd >= 0 && ifd >= 0);
	CHECK_EQ(bind(sim, fd, ifd, &dev), 0);
	h.dev_id = dev;
	h.flags = IFD_HWPT_ALLOC_NEST_PARENT;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, &h), -EOPNOTSUPP);
	h.flags = 0;
	h.data_type = IFD_HWPT_DATA_SELFTEST;
	h.data_len = sizeof(data);
	h.data_uptr = (uint64_t)(uintptr_t)data;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, &h), -EOPNOTSUPP);
	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.dev_id = dev;
	h.pt_id = ioas;
	h.flags = IFD_HWPT_ALLOC_PASID;
	CHECK_EQ(io(sim, IOMMU_HWPT_ALLOC, &h), 0);
	pt = h.out_hwpt_id;
	/* an IOAS's automatic domain is not for PASIDs */
	a.pt_id = ioas;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a), -EINVAL);
	a.pt_id = pt;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a), 0);
	CHECK_EQ(a.pt_id, pt);
	a.pasid = 1024;			/* no mock driver to fail every second one */
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a), 0);
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, &d), 0);
	a.pasid = 0x80000000u;		/* past VFIO's IDA */
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a), -ENOSPC);
	a.pasid = 1024;
	d.pasid = 1024;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, &d), 0);
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a), 0);
	CHECK_EQ(st_check(sim), 0);
	close(fd);
	CHECK_EQ(st_users(sim, dev), 0);	/* the unbind detached the PASID too */
	CHECK_EQ(st_check(sim), 0);
	close(ifd);
	sim_close(sim);
}

static void test_argument_rules(void)
{
	char path[PATH_MAX];
	struct sim *sim = vtd(path, sizeof(path));
	int fd = node_open(sim, 1), ifd = state_fd(path), notcdev = open("/dev/null", O_RDWR);
	uint8_t big[40] = { 0 };
	struct ifd_vfio_device_bind_iommufd b = { .argsz = 8, .iommufd = ifd };
	struct ifd_vfio_device_attach_iommufd_pt a = { .argsz = 16, .flags = 1, .pasid = 1 };
	uint32_t ioas = st_ioas(sim);

	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &b), -EINVAL);	/* argsz */
	b.argsz = sizeof(b);
	b.flags = 2;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &b), -EINVAL);	/* flags */
	b.flags = IFD_VFIO_DEVICE_BIND_FLAG_TOKEN;
	b.token_uuid_ptr = 8;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &b), -EFAULT);	/* the token */
	b.token_uuid_ptr = (uint64_t)(uintptr_t)big;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &b), -EINVAL);	/* neither PF nor VF */
	b.flags = 0;
	b.iommufd = -1;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &b), -EINVAL);
	b.iommufd = 999;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &b), -EBADF);
	b.iommufd = notcdev;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &b), -EBADFD);
	/* a longer struct: zeros past ours are fine, anything else is E2BIG */
	b.iommufd = ifd;
	memcpy(big, &b, sizeof(b));
	((struct ifd_vfio_device_bind_iommufd *)big)->argsz = sizeof(big);
	big[sizeof(big) - 1] = 1;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, big), -E2BIG);
	big[sizeof(big) - 1] = 0;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, big), 0);
	CHECK(((struct ifd_vfio_device_bind_iommufd *)big)->out_devid > ioas);
	/* not a node of this state: ENOTTY; closed: EBADF */
	CHECK_EQ(dio(sim, notcdev, IFD_VFIO_DEVICE_BIND_IOMMUFD, &b), -ENOTTY);
	CHECK_EQ(dio(sim, 999, IFD_VFIO_DEVICE_BIND_IOMMUFD, &b), -EBADF);
	/* bound: another command is ENOTTY */
	CHECK_EQ(dio(sim, fd, _IO(';', 100 + 7), &b), -ENOTTY);
	/* attach's flags and sizes; an IOAS's automatic domain is not for PASIDs */
	a.pt_id = ioas;
	a.flags = 2;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a), -EINVAL);
	a.flags = IFD_VFIO_DEVICE_ATTACH_PASID;
	a.argsz = 12;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a), -EINVAL);
	a.argsz = 16;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a), -EINVAL);
	a.argsz = 8;
	a.flags = 0;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a), -EINVAL);
	a.argsz = 12;
	a.pt_id = 77;
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a), -ENOENT);
	CHECK_EQ(dio(sim, fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, (void *)8), -EFAULT);
	CHECK_EQ(st_check(sim), 0);
	close(notcdev);
	close(fd);
	close(ifd);
	sim_close(sim);
}

/* A binding held by an fd another process shares lives while any copy is
 * open; a process that dies with the last copy unbinds. */
static void test_lifetime_across_processes(void)
{
	char path[PATH_MAX];
	struct sim *sim = vtd(path, sizeof(path));
	uint32_t dev = 0, ioas = st_ioas(sim), pt = ioas;
	int fd = node_open(sim, 0), ifd = state_fd(path), go[2], err;
	pid_t pid;

	CHECK(fd >= 0 && pipe(go) == 0);
	CHECK_EQ(bind(sim, fd, ifd, &dev), 0);
	CHECK_EQ(attach(sim, fd, &pt), 0);
	pid = st_fork(0);
	if (pid == 0) {
		/* the child's copy acts for the binding, through a handle of its own */
		struct sim *s = st_open_path(path, 0, &err);
		uint32_t p = ioas;
		char c;

		close(go[1]);
		st_child_exit(0, s && detach(s, fd) == 0 && attach(s, fd, &p) == 0 &&
			      read(go[0], &c, 1) == 0);
	}
	close(go[0]);
	/* the parent lets go of its copy: the child's keeps the device bound */
	close(fd);
	CHECK_EQ(st_users(sim, dev), 3);
	close(go[1]);
	CHECK(st_child_ok(pid, 0));
	/* the child is gone and its copy with it */
	CHECK_EQ(st_users(sim, dev), 0);
	CHECK_EQ(st_users(sim, pt), 0);
	CHECK_EQ(st_users(sim, ioas), 1);
	CHECK_EQ(st_check(sim), 0);
	close(ifd);
	sim_close(sim);
}

/* vfio_df_ioctl_bind_iommufd's order: the legacy group (EBUSY) first, then
 * a bind through this very fd (EINVAL), the token and the iommufd, and only
 * then another fd's binding (EINVAL). */
static void test_group_and_order(void)
{
	char path[PATH_MAX], group[PATH_MAX + 32];
	struct sim *sim = vtd(path, sizeof(path));
	int fd = node_open(sim, 0), other = node_open(sim, 0), fd1 = node_open(sim, 1);
	int ifd = state_fd(path), g;

	snprintf(group, sizeof(group), "%s.dev/vfio/0", path);
	g = open(group, O_RDWR | O_CLOEXEC);
	CHECK(g >= 0);
	CHECK_EQ(bind(sim, fd, ifd, NULL), -EBUSY);
	CHECK_EQ(bind(sim, fd1, ifd, NULL), 0);		/* another group */
	close(g);
	CHECK_EQ(bind(sim, fd, ifd, NULL), 0);
	CHECK_EQ(bind(sim, fd, 999, NULL), -EINVAL);		/* this fd's: first */
	CHECK_EQ(bind(sim, other, 999, NULL), -EBADF);		/* another fd's: after */
	CHECK_EQ(bind(sim, other, ifd, NULL), -EINVAL);
	g = open(group, O_RDWR | O_CLOEXEC);
	CHECK_EQ(bind(sim, fd, ifd, NULL), -EBUSY);
	close(g);
	CHECK_EQ(st_check(sim), 0);
	close(fd);
	close(fd1);
	close(other);
	close(ifd);
	sim_close(sim);
}

/* A host without MSI isolation: binding is EPERM unless unsafe interrupts
 * are allowed; pSeries has no isolation to ask for. */
static void test_msi_isolation(void)
{
	char path[PATH_MAX];
	struct sim *sim;
	int fd, ifd, err;

	for (uint32_t msi = IFD_SIM_MSI_ISOLATED; msi <= IFD_SIM_MSI_UNISOLATED; msi++) {
		snprintf(path, sizeof(path), "%s/msi-%u", st_dir, msi);
		CHECK_EQ(sim_create_aperture(path, "amd-vi", 0, msi, 0, st_detail,
					     sizeof(st_detail)), 0);
		sim = st_open_path(path, 0, &err);
		CHECK(sim != NULL);
		if (!sim)
			continue;
		fd = node_open(sim, 0);
		ifd = state_fd(path);
		CHECK_EQ(bind(sim, fd, ifd, NULL), msi == IFD_SIM_MSI_UNISOLATED ? -EPERM : 0);
		CHECK_EQ(st_nr_objects(sim), msi == IFD_SIM_MSI_UNISOLATED ? 0 : 1);
		close(fd);
		close(ifd);
		sim_close(sim);
	}
	snprintf(path, sizeof(path), "%s/msi-spapr", st_dir);
	CHECK_EQ(sim_create_aperture(path, "spapr", 0, IFD_SIM_MSI_ISOLATED, 0, st_detail,
				     sizeof(st_detail)), -EINVAL);
	CHECK_EQ(sim_create_aperture(path, "spapr", 0, 9, 0, st_detail, sizeof(st_detail)),
		 -EINVAL);
	CHECK_EQ(sim_create_aperture(path, "spapr", 0, IFD_SIM_MSI_DEFAULT, 0, st_detail,
				     sizeof(st_detail)), 0);
	sim = st_open_path(path, 0, &err);
	CHECK(sim != NULL);
	if (sim) {
		struct ifd_sim_vfio_dev *v = NULL;
		size_t n = 0;

		CHECK_EQ(sim_vfio_devices(sim, &v, &n), 0);
		CHECK(n == 2 && !v[0].msi_isolated && v[0].unsafe_interrupts);
		free(v);
		sim_close(sim);
	}
}

/* A private context released with a device bound to it unbinds it. */
static void test_private_context_release(void)
{
	char path[PATH_MAX];
	struct sim *sim = vtd(path, sizeof(path)), *priv;
	struct ifd_sim_vfio_dev *v = NULL;
	int fd = node_open(sim, 0), ifd = state_fd(path), err;
	uint32_t dev = 0, ioas, pt;
	size_t n = 0;

	priv = st_open_path(path, IFD_OPEN_SIM_PRIVATE, &err);
	CHECK(priv != NULL);
	if (!priv)
		return;
	ioas = st_ioas(priv);
	pt = ioas;
	CHECK_EQ(bind(priv, fd, ifd, &dev), 0);
	CHECK_EQ(attach(priv, fd, &pt), 0);
	/* the shared context's handle acts for the device too: in its context */
	CHECK_EQ(detach(sim, fd), 0);
	CHECK_EQ(sim_vfio_devices(sim, &v, &n), 0);
	CHECK(n == 2 && v[0].bound && !v[0].bound_here && v[0].pt_id == 0);
	free(v);
	sim_close(priv);
	CHECK_EQ(sim_vfio_devices(sim, &v, &n), 0);
	CHECK(n == 2 && !v[0].bound);
	free(v);
	CHECK_EQ(st_check(sim), 0);
	/* the fd is still open: it can bind again */
	CHECK_EQ(bind(sim, fd, ifd, &dev), 0);
	close(fd);
	close(ifd);
	sim_close(sim);
}

/* A process killed at each journal step of a bind and of an attach leaves a
 * state that rolls back to a consistent one. */
static void test_crash_during_bind(void)
{
	char path[PATH_MAX];
	struct sim *sim = vtd(path, sizeof(path));
	uint32_t ioas = st_ioas(sim);
	int done = 0;

	for (uint64_t step = 1; step < 200 && !done; step++) {
		int fd = node_open(sim, 0), ifd = state_fd(path), err;
		pid_t pid = st_fork(0);

		if (pid == 0) {
			struct sim *s = st_open_path(path, 0, &err);
			uint32_t pt = ioas;

			if (!s)
				st_child_exit(0, 0);
			sim_test_crash_at(s, step);
			st_child_exit(0, bind(s, fd, ifd, NULL) == 0 && attach(s, fd, &pt) == 0 &&
				      detach(s, fd) == 0);
		}
		done = st_child_ok(pid, 0);
		close(fd);
		close(ifd);
		CHECK_EQ(st_check(sim), 0);
		CHECK_EQ(st_nr_objects(sim), 1);
	}
	CHECK(done);
	sim_close(sim);
}

int main(void)
{
	st_setup_dir();
	UNIT_RUN(test_nodes_and_list);
	UNIT_RUN(test_bind_attach_detach);
	UNIT_RUN(test_pasid0_records);
	UNIT_RUN(test_pasid_without_capability);
	UNIT_RUN(test_argument_rules);
	UNIT_RUN(test_lifetime_across_processes);
	UNIT_RUN(test_group_and_order);
	UNIT_RUN(test_msi_isolation);
	UNIT_RUN(test_private_context_release);
	UNIT_RUN(test_crash_during_bind);
	st_cleanup();
	return unit_finish();
}
