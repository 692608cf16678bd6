/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The column registries of iommuctl's object families, and the row structs
 * their getters read.  iommuctl-json(7) documents each family; the schema
 * test checks the documented keys against real output.
 */
#ifndef IOMMUCTL_COLUMNS_H
#define IOMMUCTL_COLUMNS_H

#include <stdbool.h>
#include <stdint.h>

#include "libiommufd.h"
#include "shared/output.h"

/* alloc: the new IOAS and how long it lives */
struct row_new_ioas {
	uint32_t id;
	const char *lifetime;		/* "process", "fd" or "state" */
	const char *name;		/* --name (batch, shell), or NULL */
};
extern const struct out_family fam_new_ioas;

/* free: an ID that was destroyed */
struct row_freed {
	uint32_t id;
};
extern const struct out_family fam_freed;

/* map: the mapping made */
struct row_mapping {
	uint32_t ioas;
	uint32_t flags;			/* IOMMU_IOAS_MAP_* as sent */
	uint64_t iova;
	uint64_t length;
	const char *source;		/* "memfd", "anon", "file", "sim-mem" */
	bool has_va;
	uint64_t va;
	const char *file;		/* --file PATH, or NULL */
	bool has_offset;
	uint64_t offset;
	uint64_t dev, ino;		/* the file or memfd (not printed: the session's areas) */
	const char *lifetime;		/* one sentence */
};
extern const struct out_family fam_mapping;

/* unmap: what was asked and what went */
struct row_unmap {
	uint32_t ioas;
	uint64_t start, last;		/* the range asked for */
	uint64_t unmapped;		/* bytes, as the backend reports */
	bool areas_known;		/* the simulator can say how many areas went */
	uint64_t areas;
};
extern const struct out_family fam_unmap;

/* query --ioas: one IOAS */
struct row_ioas {
	uint32_t id;
	uint64_t alignment;
	bool huge_pages;
	uint32_t nranges;
	bool introspect;		/* simulator: the areas are known */
	bool allowed_known;		/* the simulator, or this process set the list */
	uint32_t nallowed;
	uint64_t nareas;
	uint64_t mapped;		/* bytes */
};
extern const struct out_family fam_ioas;
extern const struct out_family fam_iova_ranges;	/* rows: struct ifd_range */
extern const struct out_family fam_allowed_iovas;	/* rows: struct ifd_range */
extern const struct out_family fam_areas;		/* rows: struct ifd_sim_area */
extern const struct out_family fam_objects;		/* rows: struct ifd_sim_object */

/* copy: the new mapping and where it came from */
struct row_copy {
	uint32_t src_ioas, dst_ioas;
	uint32_t flags;			/* IOMMU_IOAS_MAP_* as sent */
	uint64_t src_iova, dst_iova, length;
};
extern const struct out_family fam_copy;

/* allow: an IOAS's allowed list; the ranges are fam_allowed_iovas rows */
struct row_allow {
	uint32_t ioas;
	bool known;
	uint32_t n;
	const char *source;		/* "backend" or "session"; NULL when unknown */
	const char *reason;		/* why it is unknown, or NULL */
};
extern const struct out_family fam_allow;

/* option get/set */
struct row_option {
	const char *name;		/* "rlimit-mode", "huge-pages" */
	uint32_t option_id;		/* IOMMU_OPTION_* */
	bool has_ioas;
	uint32_t ioas;
	uint64_t value;			/* val64 */
	const char *meaning;		/* "user", "mm", "on", "off", or NULL for another value */
};
extern const struct out_family fam_options;

/* vfio-ioas get/set/clear */
struct row_vfio_ioas {
	bool set;
	uint32_t ioas;
};
extern const struct out_family fam_vfio_ioas;

/* status */
struct row_status {
	const char *backend;		/* the backend used (or that would be) */
	const char *path;		/* its device node or state file, if opened */
	const char *device;		/* the kernel's device node */
	bool device_present;
	const char *owner;		/* "root:root", NULL if unknown */
	const char *mode;		/* "0660", NULL if unknown */
	const char *kernel_release;	/* uname -r */
	const char *emulated_release;	/* the simulator's kernel_version, or NULL */
	const char *config_iommufd;	/* "y", "m", "not set", or NULL (unknown) */
	const char *config_source;	/* where that came from, or NULL */
	bool units_known;
	uint64_t iommu_units;		/* entries of /sys/class/iommu */
	const char *config_vfio_cdev;	/* CONFIG_VFIO_DEVICE_CDEV: "y", "not set", NULL */
	const char *irq_remapping;	/* "on", "off" or NULL (unknown) */
	bool unsafe_known;
	bool allow_unsafe_interrupts;	/* iommufd.allow_unsafe_interrupts */
	const char *problem;		/* why the kernel backend cannot be used, or NULL */
	const char *sim_path;
	bool sim_exists;
};
extern const struct out_family fam_status;

struct row_ioctl {
	const struct ifd_cmd_info *info;
	int supported;			/* 1, 0, or -1 (not probed: no context) */
};
extern const struct out_family fam_ioctls;

/* sim create/reset/info: rows are struct ifd_sim_info */
/* A simulator state: its info and the IOMMU it emulates. */
struct row_sim {
	struct ifd_sim_info info;
	struct ifd_sim_platform plat;
	char reserved[4 * 64];		/* the platform's reserved regions, as text */
	const char *msi;		/* sim create --msi's word */
	uint32_t nr_vfio;		/* VFIO devices */
};
extern const struct out_family fam_sim;

/* sim sysroot: a mock device as the tree shows it */
struct row_sysroot {
	uint32_t dev_id;		/* its device object in the state */
	char bdf[16];
	uint32_t group;			/* its IOMMU group */
	uint32_t minor;			/* N of its cdev vfioN */
	char cdev[40];
	const char *unit;		/* the IOMMU unit it is behind */
};
extern const struct out_family fam_sysroot;

/* doctor: one check of the host's readiness */
struct row_doctor {
	const char *check;		/* a fixed name: "irq_remapping" */
	char subject[160];		/* what it is about ("/dev/iommu", a BDF), or "" */
	const char *status;		/* "ok", "fail", "warn", "info" */
	char value[400];		/* what was found */
	bool has_fix;
	char fix[640];			/* what to do about it */
};
extern const struct out_family fam_doctor;

/* hw-info: the device's answer; the fields and registers are the library's
 * struct ifd_hw_field and struct ifd_hw_reg rows */
struct row_hw_info {
	uint32_t dev_id;
	uint32_t type;			/* IOMMU_HW_INFO_TYPE_* */
	const char *type_name;		/* NULL: unknown */
	uint32_t data_len;		/* bytes the kernel filled */
	uint64_t capabilities;		/* IOMMU_HW_CAP_* */
	char cap_names[128];
	uint32_t max_pasid_log2;
	bool bound_for_command;		/* --device: bound only while the command ran */
	bool decoded;
};
extern const struct out_family fam_hw_info;
extern const struct out_family fam_hw_fields;	/* rows: struct ifd_hw_field */
extern const struct out_family fam_hw_regs;	/* rows: struct ifd_hw_reg */

/* mock domain: the mock device made and what it is attached to */
struct row_mock {
	uint32_t ioas;
	uint32_t stdev_id, hwpt_id, idev_id;
	const char *lifetime;		/* "state", "fd" or "process" */
};
extern const struct out_family fam_mock;
struct row_mock_replace {
	uint32_t stdev_id, pt_id;
};
extern const struct out_family fam_mock_replace;
/* mock attach, detach, check, replace --pasid: one attachment of a mock device */
struct row_mock_attach {
	uint32_t stdev_id, pasid, pt_id;
	bool has_pt;			/* detach, and check of "nothing": no page table */
};
extern const struct out_family fam_mock_attach;
/* A range of an object (mock reserve) */
struct row_range_of {
	uint32_t id;
	uint64_t start, last;
};
extern const struct out_family fam_mock_reserved;

/* device list: a VFIO device of the host */
struct row_vfio_dev {
	char cdev[4200];
	bool node_present;
	char bdf[32];
	bool has_driver;
	char driver[64];
	long group;			/* < 0: none */
	char iommu[64];			/* "" if unknown */
	bool has_reserved;
	char reserved[256];
	bool bound_here;		/* bound by this batch or shell (simulator: to its
					 * context, by any process) */
	uint32_t dev_id;
};
extern const struct out_family fam_vfio_devs;

/* device vfio-bind / vfio-release */
struct row_vfio_move {
	char bdf[32];
	char driver_before[64], driver_after[64];	/* "" = none */
	size_t nwrites;
};
extern const struct out_family fam_vfio_move;
struct row_sysfs_write {
	char path[160];
	char value[48];
};
extern const struct out_family fam_sysfs_writes;

/* device bind */
struct row_device {
	uint32_t dev_id;
	char node[4200];
	const char *lifetime;		/* "session", "fd", "command" */
};
extern const struct out_family fam_device;

/* device attach / detach */
struct row_attach {
	uint32_t dev_id;		/* 0: unknown (--device-fd) */
	bool has_pasid;
	uint32_t pasid;
	uint32_t pt_requested;
	bool attached;
	uint32_t pt_id;			/* what the kernel attached: an IOAS gives its HWPT */
};
extern const struct out_family fam_attach;

/* hwpt alloc */
struct row_hwpt {
	uint32_t id, dev_id, pt_id, flags;
	const char *kind;		/* "paging" or "nested" */
	const char *data_type;		/* nested: the data's type; NULL for paging */
};
extern const struct out_family fam_hwpt;
/* hwpt set-dirty */
struct row_dirty_state {
	uint32_t hwpt;
	bool enabled;
};
extern const struct out_family fam_dirty_state;
/* hwpt get-dirty: a run of dirty pages, and the raw bitmap */
struct row_dirty_range {
	uint64_t start, last, pages;
};
extern const struct out_family fam_dirty_ranges;
struct row_bitmap_word {
	uint64_t iova, bits;
};
extern const struct out_family fam_bitmap_words;
/* hwpt invalidate */
struct row_invalidate {
	uint32_t hwpt;
	const char *data_type;
	uint32_t handled;
};
extern const struct out_family fam_invalidate;

/* fault alloc, veventq alloc: an event queue and its fd */
struct row_eventq {
	uint32_t id;
	bool has_viommu;		/* a vEVENTQ: its vIOMMU, type and depth */
	uint32_t viommu;
	char type[24];
	uint32_t depth;
	int fd;
	const char *lifetime;		/* "session" (kept) or "command" (closed) */
	const char *name;
};
extern const struct out_family fam_fault_queue;
extern const struct out_family fam_veventq;
/* fault read: one struct iommu_hwpt_pgfault */
struct row_pgfault {
	uint32_t flags, dev_id, pasid, grpid, perm, length, cookie;
	uint64_t addr;
};
extern const struct out_family fam_pgfaults;
/* fault respond */
struct row_page_response {
	bool has_fault;			/* false: an inherited fd nothing described */
	uint32_t fault, cookie, code;
	const char *code_name;		/* NULL for a code without a name */
};
extern const struct out_family fam_page_responses;
/* veventq read: one vEVENT */
struct row_vevent {
	uint32_t flags, sequence;
	bool has_virt_id;		/* the selftest's event */
	uint32_t virt_id;
	char data[160];			/* the event data in hex words, "" for none */
};
extern const struct out_family fam_vevents;
/* viommu alloc, vdevice alloc, hw-queue alloc */
struct row_viommu {
	uint32_t id, dev_id, hwpt_id;
	char type[24];
	const char *name;
};
extern const struct out_family fam_viommu;
struct row_vdevice {
	uint32_t id, viommu, dev_id;
	uint64_t virt_id;
	const char *name;
};
extern const struct out_family fam_vdevice;
struct row_hw_queue {
	uint32_t id, viommu, index;
	char type[24];
	uint64_t base_addr, length;
	const char *name;
};
extern const struct out_family fam_hw_queue;
/* change-process */
struct row_change_process {
	long pid;
};
extern const struct out_family fam_change_process;
/* mock trigger-iopf, trigger-vevent */
struct row_mock_iopf {
	uint32_t dev_id, pasid, grpid, perm;
	uint64_t addr;
};
extern const struct out_family fam_mock_iopf;
struct row_mock_vevent {
	uint32_t dev_id, count;
};
extern const struct out_family fam_mock_vevent;

struct row_mock_dirty {
	uint32_t hwpt;
	uint64_t start, last, page_size, pages, marked;
};
extern const struct out_family fam_mock_dirty;

struct row_check {
	bool consistent;
	const char *report;
};
extern const struct out_family fam_check;

#endif
