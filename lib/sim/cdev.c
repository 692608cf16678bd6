// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * VFIO devices and their cdevs (the kernel's drivers/vfio/device_cdev.c and
 * vfio-pci's iommufd ops, drivers/vfio/iommufd.c).
 *
 * A state has SIM_VFIO_DEFAULT PCI functions on vfio-pci.  Each has a cdev
 * node: a regular file next to the state (sim_cdev_node_path), made with
 * the state and told by its inode.  A caller opens it as it would open
 * /dev/vfio/devices/vfioN and passes the fd to ifd_device_ioctl():
 *
 *  - VFIO_DEVICE_BIND_IOMMUFD binds the device to the handle's context: a
 *    DEVICE object (mock.c's iommufd_device_bind), and an OFD read lock on
 *    byte 0 of the node taken through that fd.  The lock belongs to the
 *    open file description, so it lasts exactly as long as the kernel's
 *    binding does: until the last copy of the fd is closed, in this process,
 *    a child, or the shell that opened it ('exec 4<>NODE').
 *  - ATTACH/DETACH_IOMMUFD_PT act only through the fd that bound: the
 *    state says the device is bound, and no other open file description
 *    holds the lock (F_OFD_GETLK does not report the asker's own locks).
 *  - Every operation first unbinds the devices whose lock nobody holds any
 *    more (sim_cdev_sweep): detached at every PASID, then unbound, as
 *    vfio_df_unbind_iommufd does at the close.
 *
 * What differs from the kernel: the unbind happens at the next operation of
 * any process, not at the close itself; a node deleted while its fd binds
 * the device cannot be looked at, so the binding is taken as closed; and a
 * context released while its devices are bound (a private context whose
 * process died, sim reset) unbinds them, where the kernel's fd would keep
 * the context; that fd keeps its lock, so until it is closed the device's
 * next binding (through any fd) looks held to the sweep even after its own
 * fd is closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "ifd-abi.h"

/* Functions 0000:00:02.0 and 0000:00:03.0, as QEMU places its first
 * devices (the VM lab's edu device is 00:02.0), each its own group. */
#define SIM_VFIO_DEFAULT	2u
#define VFIO_SLOT0		2u

/* The token checks read a UUID of this size (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN). */
#define VF_TOKEN_LEN		16u

/* The node of a VFIO device (idx), or with 'group' of its legacy group. */
static int node_path(const char *state_path, bool group, unsigned int idx, char *buf, size_t len)
{
	const char *sub = group ? ".dev/vfio/" : ".dev/vfio/devices/vfio";
	size_t n = strlen(state_path), k = strlen(sub);
	int m;

	if (n + k + 11 > len)
		return -ENAMETOOLONG;
	memcpy(buf, state_path, n);
	memcpy(buf + n, sub, k);
	m = snprintf(buf + n + k, 11, "%u", idx);
	return m < 0 ? -ENAMETOOLONG : 0;
}

int sim_cdev_node_path(const char *state_path, unsigned int idx, char *buf, size_t len)
{
	return node_path(state_path, false, idx, buf, len);
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

/* The host's interrupts: pSeries has no MSI isolation Linux counts, so a
 * host that uses iommufd there allows unsafe interrupts. */
static int msi_flags(uint32_t iommu, uint32_t msi, uint32_t *flags, char *detail, size_t dlen)
{
	if (msi == IFD_SIM_MSI_DEFAULT)
		msi = iommu == SIM_IOMMU_SPAPR ? IFD_SIM_MSI_UNSAFE_ALLOWED : IFD_SIM_MSI_ISOLATED;
	switch (msi) {
	case IFD_SIM_MSI_ISOLATED:
		if (iommu == SIM_IOMMU_SPAPR) {
			sim_set_detail(detail, dlen, "profile spapr: pSeries has no MSI isolation "
				       "(its hosts allow unsafe interrupts or cannot bind)");
			return -EINVAL;
		}
		*flags = 0;
		return 0;
	case IFD_SIM_MSI_UNSAFE_ALLOWED:
		*flags = SIM_VFIO_MSI_UNISOLATED | SIM_VFIO_UNSAFE_OK;
		return 0;
	case IFD_SIM_MSI_UNISOLATED:
		*flags = SIM_VFIO_MSI_UNISOLATED;
		return 0;
	default:
		sim_set_detail(detail, dlen, "unknown MSI isolation %u", msi);
		return -EINVAL;
	}
}

int sim_cdev_make_nodes(const char *state_path, uint32_t iommu, uint32_t msi,
			struct sim_vfio_tab *tab, char *detail, size_t dlen)
{
	char path[PATH_MAX];
	static const char *const dirs[] = { ".dev", ".dev/vfio", ".dev/vfio/devices" };
	int ret;

	memset(tab, 0, sizeof(*tab));
	ret = msi_flags(iommu, msi, &tab->flags, detail, dlen);
	if (ret)
		return ret;
	for (size_t i = 0; i < SIM_ARRAY_SIZE(dirs); i++) {
		if (snprintf(path, sizeof(path), "%s%s", state_path, dirs[i]) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		ret = make_dir(path);
		if (ret) {
			sim_set_detail(detail, dlen, "cannot make %s for the VFIO device nodes: %s",
				       path, strerror(-ret));
			return ret;
		}
	}
	for (unsigned int i = 0; i < SIM_VFIO_DEFAULT; i++) {
		struct sim_vfio_fn *fn = &tab->fn[i];
		char text[256];
		struct stat st;
		int fd, n;

		fn->bdf = (VFIO_SLOT0 + i) << 3;
		fn->group = i;
		ret = sim_cdev_node_path(state_path, i, path, sizeof(path));
		if (ret)
			return ret;
		/* A new inode: fds of an earlier state's node are not its cdev. */
		if (unlink(path) < 0 && errno != ENOENT)
			ret = -errno;
		fd = ret ? -1 : open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			ret = ret ? ret : -errno;
			sim_set_detail(detail, dlen, "cannot make the VFIO device node %s: %s", path,
				       strerror(-ret));
			return ret;
		}
		n = snprintf(text, sizeof(text), "The VFIO cdev of the simulated PCI device "
			     "0000:00:%02x.0: open it read-write and pass the fd to "
			     "iommuctl device bind --device-fd.\n", VFIO_SLOT0 + i);
		if (write(fd, text, (size_t)n) != n || fstat(fd, &st) < 0) {
			ret = errno ? -errno : -EIO;
			close(fd);
			sim_set_detail(detail, dlen, "cannot write %s: %s", path, strerror(-ret));
			return ret;
		}
		close(fd);
		fn->dev = st.st_dev;
		fn->ino = st.st_ino;
		/* its legacy group's node: a FIFO, so that whether any process
		 * has it open can be seen (an open for writing finds a reader) */
		ret = node_path(state_path, true, fn->group, path, sizeof(path));
		if (ret)
			return ret;
		if ((unlink(path) < 0 && errno != ENOENT) || mkfifo(path, 0600) < 0) {
			ret = -errno;
			sim_set_detail(detail, dlen, "cannot make the VFIO group node %s: %s", path,
				       strerror(-ret));
			return ret;
		}
		tab->nr++;
	}
	return 0;
}


static const struct sim_vfio_tab *vfio_tab(struct sim *sim)
{
	return &sim_hdr(sim)->vfio.t;
}

static uint32_t nr_fns(struct sim *sim)
{
	return SIM_MIN(vfio_tab(sim)->nr, SIM_VFIO_MAX);
}

/* Has a process device 'i''s group node open, as the legacy VFIO group
 * interface opens /dev/vfio/GROUP?  (Read-write, 'exec 6<>NODE': a FIFO
 * opened for writing alone would wait for a reader.) */
static bool group_open(struct sim *sim, uint32_t i)
{
	char path[PATH_MAX];
	int fd;

	if (node_path(sim->path, true, vfio_tab(sim)->fn[i].group, path, sizeof(path)))
		return false;
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;	/* ENXIO: no reader; ENOENT: no node */
	close(fd);
	return true;
}

/* Which VFIO device 'fd' is a cdev fd of: its index, or -1. */
static int fd_function(struct sim *sim, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	for (uint32_t i = 0; i < nr_fns(sim); i++)
		if (vfio_tab(sim)->fn[i].dev == st.st_dev && vfio_tab(sim)->fn[i].ino == st.st_ino)
			return (int)i;
	return -1;
}

static void lock_range(struct flock *fl, short type)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	fl->l_start = 0;
	fl->l_len = 1;
}

/* Does an open file description other than fd's own hold a binding lock? */
static bool other_holder(int fd)
{
	struct flock fl;

	lock_range(&fl, F_WRLCK);
	return fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
}

/* Is device 'i''s binding held by any fd, anywhere? */
static bool binding_alive(struct sim *sim, uint32_t i)
{
	const struct sim_vfio_fn *fn = &vfio_tab(sim)->fn[i];
	char path[PATH_MAX];
	struct stat st;
	bool alive;
	int fd;

	if (sim_cdev_node_path(sim->path, i, path, sizeof(path)))
		return true;	/* cannot look: leave it bound */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno != ENOENT;
	alive = fstat(fd, &st) == 0 && st.st_dev == fn->dev && st.st_ino == fn->ino &&
		other_holder(fd);
	close(fd);
	return alive;
}

static void unbind_fn(struct sim *sim, uint32_t i)
{
	uint64_t dv = sim_hdr(sim)->vfio_idev[i];

	sim_hdrw(sim)->vfio_idev[i] = 0;
	sim_dev_release(sim, dv);
	sim->dirty = true;
}

void sim_cdev_sweep(struct sim *sim)
{
	for (uint32_t i = 0; i < nr_fns(sim) && !sim->corrupt; i++)
		if (sim_hdr(sim)->vfio_idev[i] && !binding_alive(sim, i))
			unbind_fn(sim, i);
}

void sim_cdev_close_ctx(struct sim *sim, uint64_t ctx_off)
{
	for (uint32_t i = 0; i < nr_fns(sim) && !sim->corrupt; i++) {
		uint64_t dv = sim_hdr(sim)->vfio_idev[i];

		if (dv && obj_at(sim, dv)->ctx == ctx_off)
			unbind_fn(sim, i);
	}
}

/* The DEVICE of a device bound through this very fd, or 0. */
static uint64_t bound_here(struct sim *sim, int fd, uint32_t i)
{
	uint64_t dv = sim_hdr(sim)->vfio_idev[i];

	return dv && !other_holder(fd) ? dv : 0;
}

static int bind_iommufd(struct sim *sim, int fd, uint32_t i, uint64_t uarg)
{
	struct ifd_vfio_device_bind_iommufd bind;
	uint8_t token[VF_TOKEN_LEN];
	struct stat mine, theirs;
	struct flock fl;
	uint32_t argsz;
	uint64_t dv;
	int ret;

	/* get_user, then copy_struct_from_user: bytes past ours must be zero */
	if (sim_uread(sim, &argsz, uarg, sizeof(argsz)))
		return sim_fail(sim, EFAULT, "cannot read argsz at 0x%llx", (unsigned long long)uarg);
	if (argsz < IFD_VFIO_BIND_MINSZ)
		return sim_fail(sim, EINVAL, "argsz %u is less than %u", argsz, IFD_VFIO_BIND_MINSZ);
	memset(&bind, 0, sizeof(bind));
	if (sim_uread(sim, &bind, uarg, SIM_MIN(argsz, sizeof(bind))))
		return sim_fail(sim, EFAULT, "cannot read the argument at 0x%llx",
				(unsigned long long)uarg);
	if (argsz > sizeof(bind)) {
		ret = sim_uzero(sim, uarg + sizeof(bind), argsz - sizeof(bind));
		if (ret < 0)
			return sim_fail(sim, EFAULT, "cannot read the argument's tail");
		if (!ret)
			return sim_fail(sim, E2BIG, "argsz %u: bytes past the %zu this kernel knows "
					"are not zero", argsz, sizeof(bind));
	}
	if (bind.iommufd < 0 || (bind.flags & ~IFD_VFIO_DEVICE_BIND_FLAG_TOKEN))
		return sim_fail(sim, EINVAL, bind.iommufd < 0 ? "iommufd %d is negative" :
				"unknown flags 0x%x", bind.iommufd < 0 ? bind.iommufd :
				(int)(bind.flags & ~IFD_VFIO_DEVICE_BIND_FLAG_TOKEN));
	/* vfio_device_block_group: the legacy group interface has the device */
	if (group_open(sim, i))
		return sim_fail(sim, EBUSY, "the VFIO group of vfio%u is open (its node %s.dev/"
				"vfio/%u): the legacy group interface has it", i, sim->path,
				vfio_tab(sim)->fn[i].group);
	if (bound_here(sim, fd, i))
		return sim_fail(sim, EINVAL, "vfio%u is bound already, through this fd", i);
	/* vfio-pci's token check: these devices are neither PF nor VF */
	if (bind.flags & IFD_VFIO_DEVICE_BIND_FLAG_TOKEN) {
		if (sim_uread(sim, token, bind.token_uuid_ptr, sizeof(token)))
			return sim_fail(sim, EFAULT, "cannot read the token at 0x%llx",
					(unsigned long long)bind.token_uuid_ptr);
		return sim_fail(sim, EINVAL, "a VF token is given, but 0000:00:%02x.0 is neither "
				"a PF nor a VF", VFIO_SLOT0 + i);
	}
	if (fcntl(bind.iommufd, F_GETFD) < 0)
		return sim_fail(sim, EBADF, "iommufd %d is not an open fd", bind.iommufd);
	if (fstat(bind.iommufd, &theirs) < 0 || fstat(sim->fd, &mine) < 0 ||
	    theirs.st_dev != mine.st_dev || theirs.st_ino != mine.st_ino)
		return sim_fail(sim, EBADFD, "iommufd %d is not this context's (the state %s)",
				bind.iommufd, sim->path);
	/* vfio_df_open: a device is opened (bound) once */
	if (sim_hdr(sim)->vfio_idev[i])
		return sim_fail(sim, EINVAL, "vfio%u is bound already, through another open fd "
				"of its cdev", i);
	/* iommufd_device_bind: a device whose MSIs could reach outside its
	 * context, unless the administrator allowed it */
	if ((vfio_tab(sim)->flags & SIM_VFIO_MSI_UNISOLATED) &&
	    !(vfio_tab(sim)->flags & SIM_VFIO_UNSAFE_OK))
		return sim_fail(sim, EPERM, "the host does not isolate MSIs (no interrupt "
				"remapping) and allow_unsafe_interrupts is off");
	ret = sim_reserve(sim, 4, 0);
	if (ret)
		return ret;
	lock_range(&fl, F_RDLCK);
	if (fcntl(fd, F_OFD_SETLK, &fl) < 0)
		return sim_fail(sim, errno, "cannot hold the binding on the cdev fd: %s",
				strerror(errno));
	ret = sim_dev_bind(sim, 0, 0, i + 1, &dv);
	if (!ret && sim_uwrite(sim, uarg + offsetof(struct ifd_vfio_device_bind_iommufd,
						    out_devid), &(uint32_t){ id_of(sim, dv) },
			       sizeof(uint32_t))) {
		sim_dev_release(sim, dv);
		ret = sim_fail(sim, EFAULT, "cannot write out_devid");
	}
	if (ret) {
		lock_range(&fl, F_UNLCK);
		fcntl(fd, F_OFD_SETLK, &fl);
		return sim->corrupt ? -EUCLEAN : ret;
	}
	sim_hdrw(sim)->vfio_idev[i] = dv;
	sim->dirty = true;
	return 0;
}

/*
 * VFIO keeps two records of a device's attachments (drivers/vfio/iommufd.c):
 * iommufd_attached for the one attach_ioas made, an IDA of the PASIDs
 * pasid_attach_ioas attached.  Both can name IOMMU_NO_PASID; the device's
 * one attachment there is the one of the record that made it
 * (SIM_PASID_VFIO_RID: the IDA's), and each command replaces or detaches
 * only through its own record.  Is 'dv' attached at 'pasid' in the record
 * of the PASID commands (pasid_cmd) or of the plain ones?
 */
static bool vfio_attached(struct sim *sim, uint64_t dv, bool pasid_cmd, uint32_t pasid)
{
	bool rid_by_pasid = obj_at(sim, dv)->idev.pasid_flags & SIM_PASID_VFIO_RID;

	if (!sim_dev_attached_at(sim, dv, pasid))
		return false;
	if (pasid_cmd && pasid)
		return true;
	return pasid_cmd == rid_by_pasid;
}

/* vfio_iommufd_physical_detach_ioas and _pasid_detach_ioas: nothing when
 * the record has nothing there. */
static void vfio_detach(struct sim *sim, uint64_t dv, bool pasid_cmd, uint32_t pasid)
{
	if (!vfio_attached(sim, dv, pasid_cmd, pasid))
		return;
	sim_dev_detach(sim, dv, pasid);
	if (!pasid)
		obj_w(sim, dv)->idev.pasid_flags &= ~SIM_PASID_VFIO_RID;
}

/*
 * vfio_df_ioctl_attach_pt and _detach_pt read their argument alike, in two
 * steps: the first 'minsz' bytes (argsz and flags lead), then, with the
 * PASID flag (bit 0 in both), the PASID right after them.
 */
#define PT_ARG_PASID	1u
_Static_assert(IFD_VFIO_DEVICE_ATTACH_PASID == PT_ARG_PASID &&
	       IFD_VFIO_DEVICE_DETACH_PASID == PT_ARG_PASID, "the PASID flag");

static int read_pt_arg(struct sim *sim, uint64_t uarg, void *arg, uint32_t minsz,
		       uint32_t *flags, uint32_t *pasid)
{
	uint32_t head[2];

	if (sim_uread(sim, arg, uarg, minsz))
		return sim_fail(sim, EFAULT, "cannot read the argument at 0x%llx",
				(unsigned long long)uarg);
	memcpy(head, arg, sizeof(head));
	if (head[0] < minsz)
		return sim_fail(sim, EINVAL, "argsz %u is less than %u", head[0], minsz);
	if (head[1] & ~PT_ARG_PASID)
		return sim_fail(sim, EINVAL, "unknown flags 0x%x", head[1] & ~PT_ARG_PASID);
	*flags = head[1];
	*pasid = 0;
	if (!(head[1] & PT_ARG_PASID))
		return 0;
	if (head[0] < minsz + sizeof(*pasid))
		return sim_fail(sim, EINVAL, "argsz %u has no room for the PASID (%zu)", head[0],
				minsz + sizeof(*pasid));
	if (sim_uread(sim, pasid, uarg + minsz, sizeof(*pasid)))
		return sim_fail(sim, EFAULT, "cannot read the PASID");
	return 0;
}

static int attach_pt(struct sim *sim, uint64_t dv, uint64_t uarg)
{
	struct ifd_vfio_device_attach_iommufd_pt at;
	uint32_t flags, pasid;
	bool pasid_cmd;
	int ret;

	memset(&at, 0, sizeof(at));
	ret = read_pt_arg(sim, uarg, &at, IFD_VFIO_ATTACH_MINSZ, &flags, &pasid);
	if (ret)
		return ret;
	pasid_cmd = flags & PT_ARG_PASID;
	/* a new PASID goes into VFIO's IDA first, which ends at INT_MAX */
	if (pasid_cmd && pasid > INT_MAX && !vfio_attached(sim, dv, true, pasid))
		return sim_fail(sim, ENOSPC, "PASID 0x%x is past VFIO's PASID IDA (INT_MAX)", pasid);
	/* a replace through the command's own record, else an attach, which
	 * is EBUSY where the other record attached the device */
	ret = sim_dev_attach(sim, dv, pasid, &at.pt_id, vfio_attached(sim, dv, pasid_cmd, pasid));
	if (ret)
		return ret;
	if (pasid_cmd && !pasid)
		obj_w(sim, dv)->idev.pasid_flags |= SIM_PASID_VFIO_RID;
	if (sim_uwrite(sim, uarg + offsetof(struct ifd_vfio_device_attach_iommufd_pt, pt_id),
		       &at.pt_id, sizeof(at.pt_id))) {
		/* the kernel's error path is the plain detach_ioas, whatever
		 * the command attached */
		vfio_detach(sim, dv, false, 0);
		return sim_fail(sim, EFAULT, "cannot write pt_id back");
	}
	return 0;
}

static int detach_pt(struct sim *sim, uint64_t dv, uint64_t uarg)
{
	struct ifd_vfio_device_detach_iommufd_pt dt;
	uint32_t flags, pasid;
	int ret = read_pt_arg(sim, uarg, &dt, IFD_VFIO_DETACH_MINSZ, &flags, &pasid);

	if (ret)
		return ret;
	/* nothing attached there is no error */
	vfio_detach(sim, dv, flags & PT_ARG_PASID, pasid);
	return sim->corrupt ? -EUCLEAN : 0;
}

/* vfio_device_fops_unl_ioctl, for the commands about iommufd. */
static int cdev_dispatch(struct sim *sim, int fd, unsigned int cmd, uint64_t uarg)
{
	uint64_t dv, saved_ctx;
	int i = fd_function(sim, fd), ret;

	if (i < 0)
		return sim_fail(sim, fcntl(fd, F_GETFD) < 0 ? EBADF : ENOTTY,
				"fd %d is not the cdev of a VFIO device of this state (its nodes "
				"are in %s.dev/vfio/devices)", fd, sim->path);
	if (cmd == IFD_VFIO_DEVICE_BIND_IOMMUFD)
		return bind_iommufd(sim, fd, (uint32_t)i, uarg);
	dv = bound_here(sim, fd, (uint32_t)i);
	if (!dv)
		return sim_fail(sim, EINVAL, "vfio%d is not bound through this fd "
				"(VFIO_DEVICE_BIND_IOMMUFD first)", i);
	if (cmd != IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT && cmd != IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT)
		return sim_fail(sim, ENOTTY, "command 0x%x is not one the simulator's VFIO devices "
				"have", cmd);
	/* IDs are looked up in the context the device is bound to. */
	saved_ctx = sim->ctx_off;
	sim->ctx_off = obj_at(sim, dv)->ctx;
	if (cmd == IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT)
		ret = attach_pt(sim, dv, uarg);
	else
		ret = detach_pt(sim, dv, uarg);
	sim->ctx_off = saved_ctx;
	return ret;
}

int sim_device_ioctl(struct sim *sim, int fd, unsigned long cmd, void *arg, char *detail,
		     size_t dlen)
{
	int ret = sim_enter(sim, detail, dlen);

	if (ret)
		return ret;
	sim->entry_frame = (uintptr_t)__builtin_frame_address(0);
	ret = cdev_dispatch(sim, fd, (unsigned int)cmd, (uint64_t)(uintptr_t)arg);
	sim->entry_frame = 0;
	if (sim->nqfds)
		sim_eventq_sync(sim);
	return sim_leave(sim, ret);
}

int sim_vfio_devices(struct sim *sim, struct ifd_sim_vfio_dev **devs, size_t *nr)
{
	struct ifd_sim_vfio_dev *v;
	uint32_t n;
	int ret = sim_enter(sim, NULL, 0);

	if (ret)
		return ret;
	n = nr_fns(sim);
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return sim_leave(sim, -ENOMEM);
	for (uint32_t i = 0; i < n && !sim->corrupt; i++) {
		const struct sim_vfio_fn *fn = &vfio_tab(sim)->fn[i];
		uint64_t dv = sim_hdr(sim)->vfio_idev[i], hw;

		snprintf(v[i].name, sizeof(v[i].name), "vfio%u", i);
		snprintf(v[i].bdf, sizeof(v[i].bdf), "%04x:%02x:%02x.%x", fn->bdf >> 16,
			 (fn->bdf >> 8) & 0xff, (fn->bdf >> 3) & 0x1f, fn->bdf & 7);
		sim_cdev_node_path(sim->path, i, v[i].node, sizeof(v[i].node));
		v[i].group = fn->group;
		v[i].msi_isolated = !(vfio_tab(sim)->flags & SIM_VFIO_MSI_UNISOLATED);
		v[i].unsafe_interrupts = !!(vfio_tab(sim)->flags & SIM_VFIO_UNSAFE_OK);
		if (!dv)
			continue;
		v[i].bound = 1;
		v[i].bound_here = obj_at(sim, dv)->ctx == sim->ctx_off;
		v[i].dev_id = id_of(sim, dv);
		hw = obj_at(sim, dv)->idev.hwpt;
		v[i].pt_id = hw ? id_of(sim, hw) : 0;
		v[i].nr_pasids = obj_at(sim, dv)->idev.nr_pasids;
	}
	ret = sim_leave(sim, 0);
	if (ret) {
		free(v);
		return ret;
	}
	*devs = v;
	*nr = n;
	return 0;
}
