// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * errno names and hints.  The hints restate, in our words, what the iommufd
 * uAPI documents an errno to mean for each command, so that a user who sees
 * "EINVAL" learns which of the command's rules was broken.
 */
#include <errno.h>
#include <stddef.h>

#include "private.h"

struct errno_name {
	int err;
	const char *name;
};

static const struct errno_name errno_names[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
	{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" },
	{ EISDIR, "EISDIR" }, { EINVAL, "EINVAL" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" }, { ESPIPE, "ESPIPE" },
	{ EROFS, "EROFS" }, { ERANGE, "ERANGE" }, { EDEADLK, "EDEADLOCK" },
	{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" }, { ELOOP, "ELOOP" },
	{ EPROTO, "EPROTO" }, { EBADFD, "EBADFD" }, { EOVERFLOW, "EOVERFLOW" }, { EMSGSIZE, "EMSGSIZE" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EADDRINUSE, "EADDRINUSE" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ EUCLEAN, "EUCLEAN" }, { EOWNERDEAD, "EOWNERDEAD" }, { ENOTRECOVERABLE, "ENOTRECOVERABLE" },
	{ EWOULDBLOCK == EAGAIN ? 0 : EWOULDBLOCK, "EWOULDBLOCK" },
};

IFD_EXPORT const char *ifd_errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err && err)
			return errno_names[i].name;
	return NULL;
}

/* nr 0 = any command (the uAPI's general errno meanings). */
enum { VFIO_NR_BIND = 118, VFIO_NR_ATTACH, VFIO_NR_DETACH };
_Static_assert(IFD_CMD(VFIO_NR_BIND) == IFD_VFIO_DEVICE_BIND_IOMMUFD &&
	       IFD_CMD(VFIO_NR_DETACH) == IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, "VFIO numbers");
struct hint {
	unsigned int nr;
	int err;
	const char *text;
};

static const struct hint hints[] = {
	/* command-specific meanings first: the lookup takes the first match */
	{ IFD_NR_DESTROY, ENOENT, "no object with this ID in this context" },
	{ IFD_NR_DESTROY, EBUSY, "the object is in use: a device, HWPT, access or another "
				 "object still refers to it, or an ioctl is running on it" },
	{ IFD_NR_IOAS_ALLOC, EOPNOTSUPP, "flags must be 0" },
	{ IFD_NR_IOAS_IOVA_RANGES, EMSGSIZE, "the buffer holds fewer ranges than exist; "
					     "num_iovas now says how many" },
	{ IFD_NR_IOAS_IOVA_RANGES, ENOENT, "no IOAS with this ID" },
	{ IFD_NR_IOAS_ALLOW_IOVAS, EINVAL, "each range needs start < last, and the ranges "
					   "must not overlap each other" },
	{ IFD_NR_IOAS_ALLOW_IOVAS, EADDRINUSE, "an allowed range overlaps a range that is "
					       "reserved now (aperture, MSI window, "
					       "device reserved region)" },
	{ IFD_NR_IOAS_ALLOW_IOVAS, ENOENT, "no IOAS with this ID" },
	{ IFD_NR_IOAS_MAP, EEXIST, "the fixed IOVA range overlaps an existing mapping" },
	{ IFD_NR_IOAS_MAP, EINVAL, "the IOVA or length is not a multiple of the IOAS "
				   "alignment, the fixed range is reserved, the length is 0, "
				   "or neither readable nor writeable was asked for" },
	{ IFD_NR_IOAS_MAP, ENOSPC, "no free IOVA hole is large enough (inside the allowed "
				   "ranges, when they are set)" },
	{ IFD_NR_IOAS_MAP, ENOENT, "no IOAS with this ID" },
	{ IFD_NR_IOAS_MAP, EFAULT, "the user memory could not be pinned (not mapped in "
				   "this process)" },
	{ IFD_NR_IOAS_MAP, ENOMEM, "out of memory, or pinning would exceed RLIMIT_MEMLOCK" },
	{ IFD_NR_IOAS_MAP, EPERM, "writeable asked for, but the source memory is read-only" },
	{ IFD_NR_IOAS_MAP_FILE, EBADF, "the fd is not open" },
	{ IFD_NR_IOAS_MAP_FILE, EEXIST, "the fixed IOVA range overlaps an existing mapping" },
	{ IFD_NR_IOAS_MAP_FILE, EINVAL, "the file cannot be pinned (not a memfd, tmpfs or "
					"hugetlbfs file), the IOVA or length is misaligned, "
					"or the fixed range is reserved" },
	{ IFD_NR_IOAS_MAP_FILE, ENOSPC, "no free IOVA hole is large enough" },
	{ IFD_NR_IOAS_MAP_FILE, ENOENT, "no IOAS with this ID" },
	{ IFD_NR_IOAS_COPY, ENOENT, "the source range is not completely covered by "
				    "mappings that touch each other, or an IOAS ID is wrong" },
	{ IFD_NR_IOAS_COPY, EEXIST, "the fixed destination range overlaps an existing mapping" },
	{ IFD_NR_IOAS_COPY, EINVAL, "misaligned destination, reserved destination range, "
				    "length 0, or neither readable nor writeable" },
	{ IFD_NR_IOAS_COPY, ENOSPC, "no free IOVA hole in the destination is large enough" },
	{ IFD_NR_IOAS_UNMAP, ENOENT, "nothing is mapped in the range, or the range cuts "
				     "through a mapping: only whole mappings can be unmapped "
				     "(mappings wholly inside the range before that one "
				     "may already be gone)" },
	{ IFD_NR_IOAS_UNMAP, EINVAL, "the length is 0" },
	{ IFD_NR_IOAS_UNMAP, EBUSY, "the mapping is being set up by another thread, or is "
				    "locked by a hardware queue" },
	{ IFD_NR_IOAS_UNMAP, EDEADLK, "an in-kernel user of the pages did not let go" },
	{ IFD_NR_OPTION, EPERM, "setting RLIMIT_MODE needs CAP_SYS_RESOURCE" },
	{ IFD_NR_OPTION, EBUSY, "RLIMIT_MODE can only change while the context has no objects" },
	{ IFD_NR_OPTION, EINVAL, "the value must be 0 or 1; huge pages cannot be disabled "
				 "while both domains and mappings exist" },
	{ IFD_NR_OPTION, EADDRINUSE, "huge pages cannot be disabled while a mapping is not "
				     "PAGE_SIZE aligned" },
	{ IFD_NR_OPTION, EOPNOTSUPP, "unknown option or operation, or RLIMIT_MODE with a "
				     "non-zero object ID" },
	{ IFD_NR_OPTION, ENOENT, "no IOAS with this ID" },
	{ IFD_NR_VFIO_IOAS, ENODEV, "no IOAS is set for VFIO compatibility" },
	{ IFD_NR_VFIO_IOAS, ENOENT, "no IOAS with this ID" },
	{ IFD_NR_HWPT_ALLOC, EINVAL, "pt_id is not an IOAS or a nest-parent HWPT, or the "
				     "data type and length do not agree" },
	{ IFD_NR_HWPT_ALLOC, ENOENT, "no device with this ID (or no fault object)" },
	{ IFD_NR_GET_HW_INFO, ENOENT, "no device with this ID" },
	{ IFD_NR_IOAS_CHANGE_PROCESS, EINVAL, "every mapping must come from MAP_FILE" },
	/* the VFIO cdev's commands (same ioctl type, numbers 118-120) */
	{ VFIO_NR_BIND, EINVAL, "the device is bound already, through this fd or another "
				"open fd of its cdev (or argsz or flags are wrong)" },
	{ VFIO_NR_BIND, EPERM, "MSI interrupts are not isolated here (no interrupt "
			       "remapping): see 'iommuctl doctor'" },
	{ VFIO_NR_BIND, EBUSY, "the device's VFIO group (/dev/vfio/GROUP) is open: the "
			       "legacy group interface has it" },
	{ VFIO_NR_BIND, EBADF, "the iommufd is not an open fd" },
	{ VFIO_NR_BIND, EBADFD, "the iommufd fd is not an iommufd (or not this context's)" },
	{ VFIO_NR_BIND, ENOTTY, "the fd is not a VFIO cdev" },
	{ VFIO_NR_ATTACH, EINVAL, "the fd is not bound, pt_id is neither an IOAS nor a HWPT "
				  "or is another IOMMU's, or a PASID meets a page table not "
				  "allocated for PASIDs (before Linux 6.16, any PASID)" },
	{ VFIO_NR_ATTACH, EADDRINUSE, "the IOAS has a mapping or an allowed range over the "
				      "device's reserved regions (its MSI window) or past its "
				      "IOMMU's aperture" },
	{ VFIO_NR_ATTACH, ENOENT, "no IOAS or HWPT has this ID" },
	{ VFIO_NR_ATTACH, ENOTTY, "the fd is not a VFIO cdev" },
	{ VFIO_NR_DETACH, EINVAL, "the fd is not bound" },
	{ VFIO_NR_DETACH, ENOTTY, "the fd is not a VFIO cdev" },

	/* the general meanings, from the uAPI's description of the ioctl format */
	{ 0, ENOTTY, "this kernel (or backend) does not have this ioctl" },
	{ 0, E2BIG, "the struct has non-zero bytes this kernel does not understand: "
		    "the program is newer than the kernel" },
	{ 0, EOPNOTSUPP, "a field has a value this kernel does not support "
			 "(unknown flag, non-zero reserved field)" },
	{ 0, EINVAL, "a value is understood but not valid" },
	{ 0, ENOENT, "no object with this ID (or of this type), or no mapping at this IOVA" },
	{ 0, ENOMEM, "out of memory" },
	{ 0, EOVERFLOW, "an address or length computation overflows" },
	{ 0, EFAULT, "a user pointer could not be read or written" },
	{ 0, EPERM, "not permitted" },
	{ 0, EBUSY, "the object is in use" },
};

IFD_EXPORT const char *ifd_hint(unsigned long cmd, int err)
{
	unsigned int nr = _IOC_NR(cmd);

	if (err < 0)
		err = -err;
	if (_IOC_TYPE(cmd) != IFD_TYPE)
		nr = ~0u;
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (hints[i].err == err && (hints[i].nr == nr || hints[i].nr == 0))
			return hints[i].text;
	return NULL;
}
