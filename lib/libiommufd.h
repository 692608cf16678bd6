/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libiommufd: one context API over the kernel's /dev/iommu and an embedded
 * simulator that takes the same ioctl numbers and structs.
 *
 * Conventions: every function that can fail returns 0 (or a non-negative
 * value) on success and -errno on failure.  The library never prints, never
 * exits and keeps no global state; everything lives in a struct ifd_ctx.
 * After a failed call, ifd_ctx_last_error() says which ioctl failed, why,
 * and gives a hint.
 */
#ifndef LIBIOMMUFD_H
#define LIBIOMMUFD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ifd_ctx;

/* What failed and why.  Filled by failing calls: ifd_ctx_last_error() for a
 * context, or the caller's struct for the constructors. */
struct ifd_error {
	unsigned long cmd;		/* 0 when the failure was not an ioctl */
	const char *ioctl;		/* "IOMMU_IOAS_MAP", or an operation name */
	int err;			/* positive errno */
	const char *hint;		/* what this errno means for this ioctl, or NULL */
	char detail[256];		/* backend-specific detail, may be empty */
};

enum ifd_backend {
	IFD_BACKEND_AUTO = 0,	/* /dev/iommu; the simulator only if it does not exist */
	IFD_BACKEND_KERNEL,
	IFD_BACKEND_SIM,
};

/* flags for ifd_open_opts.flags */
#define IFD_OPEN_SIM_CREATE	(1u << 0)	/* create the state if it is missing */
#define IFD_OPEN_SIM_PRIVATE	(1u << 1)	/* a context of our own, closed when we are gone */

struct ifd_open_opts {
	uint32_t size;			/* sizeof(struct ifd_open_opts) */
	enum ifd_backend backend;
	uint32_t flags;
	const char *dev_path;		/* NULL: /dev/iommu */
	const char *sim_path;		/* NULL: $IOMMUFD_SIM, else the default state */
	const char *sim_profile;	/* profile for IFD_OPEN_SIM_CREATE; NULL: "default" */
	struct ifd_error *error;	/* if not NULL, receives why the open failed */
};

/* Open a context.  opts may be NULL (auto backend, default paths). */
int ifd_ctx_open(struct ifd_ctx **out, const struct ifd_open_opts *opts);

/*
 * Adopt an fd the caller already holds: an open /dev/iommu (kernel) or an
 * open simulator state file (simulator).  With IFD_FD_OWNED the context
 * closes it; otherwise it is left open.
 */
#define IFD_FD_OWNED		(1u << 0)
int ifd_ctx_from_fd(struct ifd_ctx **out, int fd, uint32_t flags, struct ifd_error *error);

/* Duplicate fd number 'fd' of process 'pid' (pidfd_getfd) and adopt it. */
int ifd_ctx_from_pid_fd(struct ifd_ctx **out, int pid, int fd, struct ifd_error *error);

void ifd_ctx_close(struct ifd_ctx *ctx);

enum ifd_backend ifd_ctx_backend(const struct ifd_ctx *ctx);
const char *ifd_ctx_backend_name(const struct ifd_ctx *ctx);	/* "kernel" or "simulator" */
const char *ifd_ctx_path(const struct ifd_ctx *ctx);		/* device node or state file */
int ifd_ctx_fd(const struct ifd_ctx *ctx);

/* ---- the ioctl entry point ------------------------------------------------ */

/*
 * Issue an iommufd command, with the kernel's command numbers and structs,
 * on whichever backend the context has.  Returns the ioctl's non-negative
 * result or -errno.
 */
int ifd_ioctl(struct ifd_ctx *ctx, unsigned long cmd, void *arg);

/*
 * Trace hook: called after every ioctl the context issues, with the command,
 * its argument as it came back, and the result (>= 0 or -errno).
 */
typedef void (*ifd_trace_fn)(void *user, unsigned long cmd, const void *arg, int ret);
void ifd_ctx_set_trace(struct ifd_ctx *ctx, ifd_trace_fn fn, void *user);

/* Decode an ioctl argument into "IOMMU_IOAS_MAP {size=40 flags=0x7 ...} = 0". */
int ifd_decode_ioctl(unsigned long cmd, const void *arg, int ret, char *buf, size_t len);

/* "IOMMU_IOAS_MAP", or NULL for a command we do not know. */
const char *ifd_ioctl_name(unsigned long cmd);

/* "EINVAL" for 22; NULL for an unknown errno. */
const char *ifd_errno_name(int err);

/* ---- errors ---------------------------------------------------------------- */

const struct ifd_error *ifd_ctx_last_error(const struct ifd_ctx *ctx);

/* The documented meaning of errno 'err' for command 'cmd', or NULL. */
const char *ifd_hint(unsigned long cmd, int err);

/* ---- typed wrappers ------------------------------------------------------- */

struct ifd_range {
	uint64_t start;
	uint64_t last;			/* inclusive */
};

int ifd_destroy(struct ifd_ctx *ctx, uint32_t id);
int ifd_ioas_alloc(struct ifd_ctx *ctx, uint32_t *out_ioas_id);

/* Two-pass EMSGSIZE protocol; *ranges is malloc()ed, free() it. */
int ifd_ioas_iova_ranges(struct ifd_ctx *ctx, uint32_t ioas_id, struct ifd_range **ranges,
			 uint32_t *nr, uint64_t *out_alignment);
int ifd_ioas_allow_iovas(struct ifd_ctx *ctx, uint32_t ioas_id, const struct ifd_range *ranges,
			 uint32_t nr);

/* flags: IOMMU_IOAS_MAP_FIXED_IOVA | WRITEABLE | READABLE.  *iova in (fixed) and out. */
int ifd_ioas_map(struct ifd_ctx *ctx, uint32_t ioas_id, uint32_t flags, uint64_t user_va,
		 uint64_t length, uint64_t *iova);
int ifd_ioas_map_file(struct ifd_ctx *ctx, uint32_t ioas_id, uint32_t flags, int fd,
		      uint64_t start, uint64_t length, uint64_t *iova);
int ifd_ioas_copy(struct ifd_ctx *ctx, uint32_t dst_ioas_id, uint32_t src_ioas_id, uint32_t flags,
		  uint64_t src_iova, uint64_t length, uint64_t *dst_iova);
/* *unmapped: bytes the kernel reports unmapped (whole areas). */
int ifd_ioas_unmap(struct ifd_ctx *ctx, uint32_t ioas_id, uint64_t iova, uint64_t length,
		   uint64_t *unmapped);
/* op: IOMMU_OPTION_OP_SET (reads *val) or IOMMU_OPTION_OP_GET (writes *val). */
int ifd_option(struct ifd_ctx *ctx, uint32_t option_id, uint16_t op, uint32_t object_id,
	       uint64_t *val);
/* op: IOMMU_VFIO_IOAS_GET (writes *ioas_id), SET (reads it), CLEAR. */
int ifd_vfio_ioas(struct ifd_ctx *ctx, uint16_t op, uint32_t *ioas_id);

/* ---- feature probing ------------------------------------------------------ */

/*
 * Does the backend implement command 'cmd'?  Sends a 4-byte struct: the
 * kernel checks the command slot before the size, so ENOTTY means absent and
 * EINVAL means present.  Nothing is executed.  Returns 1, 0 or -errno.
 */
int ifd_probe_ioctl(struct ifd_ctx *ctx, unsigned long cmd);

/* Every iommufd command this library knows, in number order. */
struct ifd_cmd_info {
	unsigned long cmd;
	const char *name;		/* "IOMMU_IOAS_MAP" */
	const char *since;		/* first kernel release with it, "6.2" */
	uint32_t min_size;
	uint32_t size;			/* 7.2 struct size */
};
const struct ifd_cmd_info *ifd_cmd_table(size_t *nr);

/* ---- the simulator --------------------------------------------------------- */

/* The default state path: $IOMMUFD_SIM, $XDG_RUNTIME_DIR/iommufd-sim/default.state
 * or /tmp/iommufd-sim-$UID/default.state.  Creates the directory (0700) if
 * 'create_dir'.  Returns 0 or -errno. */
int ifd_sim_default_path(char *buf, size_t len, int create_dir);

/* Create a state file (EEXIST if it exists, unless 'replace'). */
int ifd_sim_create(const char *path, const char *profile, int replace, struct ifd_error *error);

/* ifd_sim_create() with the platform's parameters. */
struct ifd_sim_create_opts {
	uint32_t size;			/* sizeof(struct ifd_sim_create_opts) */
	uint32_t aperture_bits;		/* intel-vtd: 39 (0 = default) or 48; others: 0 */
	const char *profile;		/* NULL: "default" */
	int replace;			/* replace an existing state */
	uint32_t msi;			/* enum ifd_sim_msi: the host's interrupts */
};
/* Whether the host the state emulates isolates the MSIs of its VFIO devices
 * (interrupt remapping, a GICv3 ITS), which VFIO_DEVICE_BIND_IOMMUFD needs
 * unless iommufd's allow_unsafe_interrupts parameter is on (else EPERM). */
enum ifd_sim_msi {
	IFD_SIM_MSI_DEFAULT = 0,	/* the profile's: isolated; spapr: unsafe allowed */
	IFD_SIM_MSI_ISOLATED,
	IFD_SIM_MSI_UNSAFE_ALLOWED,	/* not isolated, allow_unsafe_interrupts=Y */
	IFD_SIM_MSI_UNISOLATED,		/* not isolated, allow_unsafe_interrupts=N */
};
int ifd_sim_create_opts(const char *path, const struct ifd_sim_create_opts *opts,
			struct ifd_error *error);

/* Names of the profiles ifd_sim_create() knows, NULL-terminated. */
const char *const *ifd_sim_profiles(void);

struct ifd_sim_info {
	char path[4096];
	char profile[32];
	uint32_t format_version;
	uint64_t file_size;
	uint64_t used_bytes;
	uint64_t page_size;		/* the emulated PAGE_SIZE */
	uint64_t hpage_size;		/* the emulated THP size (max auto-IOVA alignment) */
	uint32_t nr_contexts;		/* open contexts, the shared one included */
	uint32_t nr_objects;		/* objects in all contexts */
	uint64_t nr_areas;		/* mapped areas in all IOAS */
	uint64_t mapped_bytes;
	uint64_t sim_mem_bytes;		/* simulator-owned memory */
	uint64_t generation;		/* bumped by every mutating operation */
	char kernel_version[32];	/* the kernel release whose behaviour it emulates */
};
/* ctx must be a simulator context. */
int ifd_sim_info(struct ifd_ctx *ctx, struct ifd_sim_info *info);

/* The IOMMU a state emulates (fixed by its profile): what a mock device's
 * domains, reserved regions and GET_HW_INFO look like. */
#define IFD_SIM_MAX_RESV	4
struct ifd_sim_resv_region {
	uint64_t start, last;		/* inclusive */
	char type[24];			/* "direct", "reserved", "msi", "sw_msi" */
};
struct ifd_sim_platform {
	char iommu[32];			/* "selftest", "intel-vtd", "amd-vi", "arm-smmuv3", "spapr" */
	uint32_t aperture_bits;		/* the width chosen at creation, 0 = none */
	uint32_t hw_info_type;		/* GET_HW_INFO's out_data_type */
	uint64_t pgsize_bitmap;		/* the domains' IO page sizes */
	uint64_t aperture_start, aperture_last;
	uint64_t hw_caps;		/* out_capabilities of a device with every feature */
	uint32_t max_pasid_log2;	/* of a PASID-capable mock device */
	uint32_t nr_resv;
	struct ifd_sim_resv_region resv[IFD_SIM_MAX_RESV];	/* every device's */
};
int ifd_sim_platform(struct ifd_ctx *ctx, struct ifd_sim_platform *plat);
/* Its IOMMU_GET_HW_INFO data (of type plat.hw_info_type), as a mock device
 * gets it: copies up to 'len' bytes to 'data'; returns the data's full
 * length (0: the platform's driver has none) or -errno. */
int ifd_sim_platform_hw_info(struct ifd_ctx *ctx, void *data, size_t len);

/*
 * The state's counters, for a monitor sampling them while others work: read
 * without the writers' lock (a sequence count makes the copy consistent), so
 * it never holds a writer up.  If the last writer died in the middle of an
 * operation, that operation is rolled back first.
 */
struct ifd_sim_stats {
	uint64_t generation;		/* bumped by every mutating operation */
	uint64_t file_size;
	uint64_t used_bytes;
	uint32_t nr_contexts;
	uint32_t nr_objects;
	uint64_t nr_areas;
	uint64_t mapped_bytes;
	uint64_t sim_mem_bytes;
	uint64_t nr_records;		/* live records of every kind */
	uint64_t journal_bytes;		/* room of the undo journal */
	uint64_t recoveries;		/* interrupted operations rolled back, ever */
	uint32_t retries;		/* times this snapshot met a writer and read again */
	uint32_t reserved;
};
int ifd_sim_stats(struct ifd_ctx *ctx, struct ifd_sim_stats *stats);

/* Consistency check; on failure (-EUCLEAN) 'report' says what is wrong. */
int ifd_sim_check(struct ifd_ctx *ctx, char *report, size_t len);

/* Drop every object of every context, keep the file and its profile. */
int ifd_sim_reset(struct ifd_ctx *ctx);

/*
 * A fault queue or vEVENT queue fd (out_fault_fd, out_veventq_fd) after
 * read(2)s and write(2)s on it.  On the kernel: 0 (write(2) itself refuses
 * a bad response).  On the simulator, which sees the fd only at its
 * operations: brings the queue up to date now (faults read then await their
 * response, vEVENTs read leave the queue, a closed fd releases its object),
 * and returns -EINVAL once if a response written since the last call was
 * refused (bad code or cookie, as the kernel's write(2) would have); -EBADF
 * if 'fd' is not a queue fd this process made through this context.
 */
int ifd_queue_sync(struct ifd_ctx *ctx, int fd);

/*
 * Simulator-owned memory: 'length' bytes kept in the state, addressed by a
 * pseudo user VA (*va) that MAP accepts and the simulator recognises as its
 * own, so mappings of it stay valid in every process.
 */
int ifd_sim_mem_alloc(struct ifd_ctx *ctx, uint64_t length, uint64_t *va);
int ifd_sim_mem_free(struct ifd_ctx *ctx, uint64_t va);

/* Introspection the kernel cannot offer (it has no object listing): the
 * simulator knows its objects and areas.  Arrays are malloc()ed; free() them. */
struct ifd_sim_object {
	uint32_t id;
	char type[16];			/* "ioas", "hwpt_paging", "device", ... */
	uint32_t users;			/* references, the table's own included */
};
int ifd_sim_objects(struct ifd_ctx *ctx, struct ifd_sim_object **objs, size_t *nr);

enum ifd_sim_source {
	IFD_SIM_SRC_USER = 0,		/* a process's memory: pid + start time + VA */
	IFD_SIM_SRC_FILE,		/* a memfd / tmpfs / hugetlbfs file: dev + inode + offset */
	IFD_SIM_SRC_SIM_MEM,		/* simulator-owned memory kept in the state */
};
struct ifd_sim_area {
	uint64_t iova;
	uint64_t last;			/* inclusive */
	uint32_t flags;			/* IOMMU_IOAS_MAP_* (READABLE/WRITEABLE) */
	enum ifd_sim_source source;
	int32_t pid;			/* USER: the mapping process */
	uint64_t pid_start_time;	/* USER: its start time (clock ticks since boot) */
	uint64_t user_va;		/* USER, SIM_MEM: address of the first byte */
	uint64_t dev, ino, offset;	/* FILE: the file and the byte offset of the first byte */
};
int ifd_sim_areas(struct ifd_ctx *ctx, uint32_t ioas_id, struct ifd_sim_area **areas, size_t *nr);
/* The ALLOW_IOVAS list of an IOAS. */
int ifd_sim_allowed(struct ifd_ctx *ctx, uint32_t ioas_id, struct ifd_range **ranges, uint32_t *nr);

/* ---- VFIO devices ---------------------------------------------------------- */

/*
 * An iommufd command of a VFIO device cdev, on the device's fd 'dev_fd', with
 * the kernel's numbers and structs (<linux/vfio.h>):
 * VFIO_DEVICE_BIND_IOMMUFD (its iommufd: ifd_ctx_fd(ctx)),
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT and VFIO_DEVICE_DETACH_IOMMUFD_PT.  On the
 * kernel, ioctl(2) on dev_fd; on the simulator, dev_fd is an open node of
 * one of its VFIO devices (ifd_sim_vfio_devices), and a binding lasts, as on
 * the kernel, until every copy of that fd is closed, in whatever process.
 * Traced, and failures recorded, as ifd_ioctl() does.  Returns >= 0 or -errno.
 */
int ifd_device_ioctl(struct ifd_ctx *ctx, int dev_fd, unsigned long cmd, void *arg);

/* The simulator's VFIO devices: PCI functions on vfio-pci, fixed at creation. */
struct ifd_sim_vfio_dev {
	char name[16];			/* "vfio0" */
	char bdf[16];			/* "0000:00:02.0" */
	char node[4096];		/* its cdev node (a file next to the state) */
	uint32_t group;			/* its IOMMU group */
	uint8_t bound;			/* bound to a context of the state ... */
	uint8_t bound_here;		/* ... to this handle's context */
	uint8_t msi_isolated;		/* its MSIs are isolated (see enum ifd_sim_msi) */
	uint8_t unsafe_interrupts;	/* allow_unsafe_interrupts is on */
	uint32_t dev_id;		/* bound: its DEVICE object's ID in that context */
	uint32_t pt_id;			/* bound and attached: the HWPT (no PASID), else 0 */
	uint32_t nr_pasids;		/* bound: PASIDs attached besides */
};
int ifd_sim_vfio_devices(struct ifd_ctx *ctx, struct ifd_sim_vfio_dev **devs, size_t *nr);

/* ---- IOMMU_GET_HW_INFO, decoded -------------------------------------------- */

/* "intel_vtd", "arm_smmuv3", "amd", "selftest", "none"; NULL if unknown. */
const char *ifd_hw_info_type_name(uint32_t type);

struct ifd_hw_reg {
	const char *name;		/* "cap_reg", "idr0", "efr" */
	unsigned width;			/* bits: 32 or 64 */
	uint64_t value;
};
/* The raw registers in the data of 'type' (len bytes, as GET_HW_INFO filled
 * it: a shorter, older struct gives fewer); *regs is malloc()ed.  -EOPNOTSUPP
 * for a type we cannot decode. */
int ifd_hw_info_registers(uint32_t type, const void *data, size_t len, struct ifd_hw_reg **regs,
			  size_t *n);

struct ifd_hw_field {
	const char *reg;		/* the register it is in */
	const char *name;		/* its name in the specification: "MGAW" */
	unsigned lsb, msb;		/* its bits */
	uint64_t value;			/* the field's value */
	char meaning[96];		/* "39 bits", "yes", "4K, 2M, 1G" */
};
/* Those registers cut into their fields; *fields is malloc()ed. */
int ifd_hw_info_decode(uint32_t type, const void *data, size_t len, struct ifd_hw_field **fields,
		       size_t *n);

/* ---- versions ------------------------------------------------------------- */
const char *ifd_version(void);

#ifdef __cplusplus
}
#endif
#endif /* LIBIOMMUFD_H */
