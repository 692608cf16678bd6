/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The embedded simulator: a userspace iommufd with the kernel's semantics,
 * its state in a file.  The context layer (lib/ctx.c) reaches it only through
 * these functions; the ioctl entry takes the kernel's command numbers and
 * structs.  'detail'/'dlen' receive an optional human explanation of a
 * failure that goes beyond the errno (e.g. "id 3 is a hwpt_paging, not an
 * ioas"); they may be NULL/0.
 */
#ifndef IFD_SIM_H
#define IFD_SIM_H

#include <stddef.h>
#include <stdint.h>
#include "../libiommufd.h"

struct sim;

/* Open the state in the already open file 'fd' (not closed by the simulator).
 * flags: IFD_OPEN_SIM_PRIVATE. */
int sim_open_fd(int fd, uint32_t flags, struct sim **out, char *detail, size_t dlen);
void sim_close(struct sim *sim);

/* Create (or with 'replace', recreate) a state file.  Checks the directory's
 * ownership and mode like sim_check_path(). */
int sim_create(const char *path, const char *profile, int replace, char *detail, size_t dlen);
/* The same with the aperture's address width (intel-vtd: 39 or 48; 0: the
 * profile's default) and the host's MSI isolation (enum ifd_sim_msi);
 * -EINVAL for a width or an isolation the profile does not take. */
int sim_create_aperture(const char *path, const char *profile, uint32_t aperture_bits,
			uint32_t msi, int replace, char *detail, size_t dlen);

/* Refuse a state, or its directory, owned by another user or writable by
 * group/others (-EPERM with a detail). */
int sim_check_path(const char *path, char *detail, size_t dlen);

const char *const *sim_profiles(void);

/* The ioctl entry: same numbers and structs as the kernel.  Returns >= 0 or -errno. */
int sim_ioctl(struct sim *sim, unsigned long cmd, void *arg, char *detail, size_t dlen);

int sim_info(struct sim *sim, struct ifd_sim_info *info);
int sim_platform_info(struct sim *sim, struct ifd_sim_platform *plat, void *hw_info, size_t len);
int sim_check(struct sim *sim, char *report, size_t len);
int sim_reset(struct sim *sim);
int sim_mem_alloc(struct sim *sim, uint64_t length, uint64_t *va);
int sim_mem_free(struct sim *sim, uint64_t va);
int sim_objects(struct sim *sim, struct ifd_sim_object **objs, size_t *nr);
int sim_areas(struct sim *sim, uint32_t ioas_id, struct ifd_sim_area **areas, size_t *nr);
int sim_allowed(struct sim *sim, uint32_t ioas_id, struct ifd_range **ranges, uint32_t *nr);

/* A snapshot of the state's counters without the writers' lock: consistent
 * (a sequence count), never stalling a writer; a writer that died in the
 * middle is rolled back first. */
int sim_stats(struct sim *sim, struct ifd_sim_stats *stats);

/* Bring the queue behind fault or vEVENT queue fd 'fd' (made by this
 * process) up to date with what was read from it, written to it or whether
 * it was closed, as every operation does; then report the first response
 * written to it that the kernel's write() would have refused (-EINVAL) since
 * the last call, once.  -EBADF: 'fd' is no open queue fd of this handle. */
int sim_queue_sync(struct sim *sim, int fd, char *detail, size_t dlen);

/* A VFIO device cdev's command on 'fd', a node of one of the state's VFIO
 * devices (cdev.c).  Returns >= 0 or -errno. */
int sim_device_ioctl(struct sim *sim, int fd, unsigned long cmd, void *arg, char *detail,
		     size_t dlen);
int sim_vfio_devices(struct sim *sim, struct ifd_sim_vfio_dev **devs, size_t *nr);

/* Test hooks: kill this process (SIGKILL) at the step-th journal step of the
 * operations that follow (0: never); the steps the last operation took. */
void sim_test_crash_at(struct sim *sim, uint64_t step);
uint64_t sim_test_steps(const struct sim *sim);

/* Reserve [start, last] in an IOAS with no owner, as the kernel's
 * iopt_reserve_iova does for IOMMU_TEST_OP_ADD_RESERVED: -EADDRINUSE if a
 * mapped area or an allowed range is there, -ENOENT for no such IOAS. */
int sim_add_reserved(struct sim *sim, uint32_t ioas_id, uint64_t start, uint64_t last,
		     char *detail, size_t dlen);

#endif
