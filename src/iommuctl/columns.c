// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Column registries.  A column's name (for -o), JSON key and type are part
 * of the output contract (iommuctl-json(7)): add columns, never rename them.
 */
#include <stdio.h>
#include <sys/sysmacros.h>

#include "ifd-abi.h"
#include "columns.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define D OUT_COL_DEFAULT
#define NUL OUT_COL_NULLABLE

/* Getters: one line each.  'r' is the row; set v->u, v->b, v->s or v->null. */
#define GETTER(fn, type, body) \
	static void fn(const void *row, struct out_value *v) \
	{ const type *r = row; (void)r; body; }

static const char *access_text(uint32_t flags)
{
	static const char *const text[] = { "--", "-w", "r-", "rw" };

	return text[(!!(flags & IOMMU_IOAS_MAP_READABLE) << 1) |
		    !!(flags & IOMMU_IOAS_MAP_WRITEABLE)];
}

/* ---- alloc ---------------------------------------------------------------- */
GETTER(new_id, struct row_new_ioas, v->u = r->id)
GETTER(new_lifetime, struct row_new_ioas, v->s = r->lifetime)
GETTER(new_name, struct row_new_ioas, v->null = !r->name; v->s = r->name)

static const struct out_column new_ioas_cols[] = {
	{ "ID", "id", "ID", OUT_INT, D, "the new IOAS's ID", new_id },
	{ "LIFETIME", "lifetime", "LIFETIME", OUT_STRING, D,
	  "how long it lives: process (this process's /dev/iommu fd), fd (the adopted fd), "
	  "state (the simulator state)", new_lifetime },
	{ "NAME", "name", "NAME", OUT_STRING, NUL,
	  "the name given with --name (batch, shell): later lines say @NAME", new_name },
};
const struct out_family fam_new_ioas = { "ioas", "the IOAS allocated", new_ioas_cols,
					  N(new_ioas_cols) };

/* ---- free ----------------------------------------------------------------- */
GETTER(freed_id, struct row_freed, v->u = r->id)

static const struct out_column freed_cols[] = {
	{ "ID", "id", "ID", OUT_INT, D, "an ID that was destroyed", freed_id },
};
const struct out_family fam_freed = { "freed", "the objects destroyed", freed_cols,
				       N(freed_cols) };

/* ---- map ------------------------------------------------------------------ */
GETTER(map_ioas, struct row_mapping, v->u = r->ioas)
GETTER(map_iova, struct row_mapping, v->u = r->iova)
GETTER(map_last, struct row_mapping, v->u = r->iova + r->length - 1)
GETTER(map_length, struct row_mapping, v->u = r->length)
GETTER(map_flags, struct row_mapping, v->u = r->flags)
GETTER(map_access, struct row_mapping, v->s = access_text(r->flags))
GETTER(map_source, struct row_mapping, v->s = r->source)
GETTER(map_va, struct row_mapping, v->null = !r->has_va; v->u = r->va)
GETTER(map_file, struct row_mapping, v->null = !r->file; v->s = r->file)
GETTER(map_offset, struct row_mapping, v->null = !r->has_offset; v->u = r->offset)
GETTER(map_lifetime, struct row_mapping, v->s = r->lifetime)

static const struct out_column mapping_cols[] = {
	{ "IOAS", "ioas", "IOAS", OUT_INT, D, "the IOAS mapped into", map_ioas },
	{ "IOVA", "iova", "IOVA", OUT_HEX, D, "first IOVA of the mapping", map_iova },
	{ "LAST", "last", "LAST", OUT_HEX, 0, "last IOVA of the mapping (inclusive)", map_last },
	{ "LENGTH", "length", "LENGTH", OUT_HEX, D, "bytes mapped", map_length },
	{ "FLAGS", "flags", "FLAGS", OUT_HEX, D,
	  "IOMMU_IOAS_MAP_* flags sent (0x1 FIXED_IOVA, 0x2 WRITEABLE, 0x4 READABLE)", map_flags },
	{ "ACCESS", "access", "ACCESS", OUT_STRING, 0, "rw, r- or -w", map_access },
	{ "SOURCE", "source", "SOURCE", OUT_STRING, D,
	  "the memory: memfd, anon (this process's), memfd-hugetlb, anon-hugetlb, file, sim-mem "
	  "(the simulator's)", map_source },
	{ "VA", "va", "VA", OUT_HEX, NUL, "user VA of the memory (anon, sim-mem)", map_va },
	{ "FILE", "file", "FILE", OUT_STRING, NUL, "the file mapped (--file)", map_file },
	{ "OFFSET", "offset", "OFFSET", OUT_HEX, NUL, "byte offset in the file or memfd",
	  map_offset },
	{ "LIFETIME", "lifetime", "LIFETIME", OUT_STRING, 0, "how long the memory stays valid",
	  map_lifetime },
};
const struct out_family fam_mapping = { "mappings", "the mapping made", mapping_cols,
					 N(mapping_cols) };

/* ---- unmap ---------------------------------------------------------------- */
GETTER(unmap_ioas, struct row_unmap, v->u = r->ioas)
GETTER(unmap_start, struct row_unmap, v->u = r->start)
GETTER(unmap_last, struct row_unmap, v->u = r->last)
GETTER(unmap_unmapped, struct row_unmap, v->u = r->unmapped)
GETTER(unmap_areas, struct row_unmap, v->null = !r->areas_known; v->u = r->areas)

static const struct out_column unmap_cols[] = {
	{ "IOAS", "ioas", "IOAS", OUT_INT, D, "the IOAS", unmap_ioas },
	{ "START", "start", "START", OUT_HEX, D, "first IOVA of the range asked for", unmap_start },
	{ "LAST", "last", "LAST", OUT_HEX, D, "last IOVA of the range asked for (inclusive)",
	  unmap_last },
	{ "UNMAPPED", "unmapped", "UNMAPPED", OUT_HEX, D, "bytes unmapped (whole areas)",
	  unmap_unmapped },
	{ "AREAS", "areas", "AREAS", OUT_INT, D | NUL,
	  "areas removed (simulator; the kernel does not say)", unmap_areas },
};
const struct out_family fam_unmap = { "unmapped", "the range unmapped", unmap_cols,
				       N(unmap_cols) };

/* ---- query ---------------------------------------------------------------- */
GETTER(ioas_id, struct row_ioas, v->u = r->id)
GETTER(ioas_align, struct row_ioas, v->u = r->alignment)
GETTER(ioas_huge, struct row_ioas, v->b = r->huge_pages)
GETTER(ioas_nranges, struct row_ioas, v->u = r->nranges)
GETTER(ioas_nallowed, struct row_ioas, v->null = !r->allowed_known; v->u = r->nallowed)
GETTER(ioas_nareas, struct row_ioas, v->null = !r->introspect; v->u = r->nareas)
GETTER(ioas_mapped, struct row_ioas, v->null = !r->introspect; v->u = r->mapped)

static const struct out_column ioas_cols[] = {
	{ "ID", "id", "ID", OUT_INT, D, "the IOAS's ID", ioas_id },
	{ "ALIGNMENT", "iova_alignment", "ALIGNMENT", OUT_HEX, D,
	  "IOVA and length alignment for MAP (IOAS_IOVA_RANGES out_iova_alignment)", ioas_align },
	{ "HUGE_PAGES", "huge_pages", "HUGE_PAGES", OUT_BOOL, D,
	  "the IOMMU_OPTION_HUGE_PAGES option", ioas_huge },
	{ "RANGES", "nr_iova_ranges", "RANGES", OUT_INT, D, "usable IOVA ranges", ioas_nranges },
	{ "ALLOWED", "nr_allowed_iovas", "ALLOWED", OUT_INT, D | NUL,
	  "ranges in the ALLOW_IOVAS list (simulator, or set by this process)", ioas_nallowed },
	{ "AREAS", "nr_areas", "AREAS", OUT_INT, D | NUL, "mapped areas (simulator only)",
	  ioas_nareas },
	{ "MAPPED", "mapped_bytes", "MAPPED", OUT_HEX, D | NUL,
	  "bytes mapped (simulator only)", ioas_mapped },
};
const struct out_family fam_ioas = { "ioas", "an IOAS", ioas_cols, N(ioas_cols) };

GETTER(range_start, struct ifd_range, v->u = r->start)
GETTER(range_last, struct ifd_range, v->u = r->last)

static const struct out_column range_cols[] = {
	{ "START", "start", "START", OUT_HEX, D, "first IOVA of the range", range_start },
	{ "LAST", "last", "LAST", OUT_HEX, D, "last IOVA of the range (inclusive)", range_last },
};
const struct out_family fam_iova_ranges = {
	"iova_ranges", "a usable IOVA range (IOMMU_IOAS_IOVA_RANGES)", range_cols, N(range_cols)
};
const struct out_family fam_allowed_iovas = {
	"allowed_iovas", "a range of the ALLOW_IOVAS list", range_cols, N(range_cols)
};

/* ---- copy ------------------------------------------------------------------ */
GETTER(copy_src_ioas, struct row_copy, v->u = r->src_ioas)
GETTER(copy_src_iova, struct row_copy, v->u = r->src_iova)
GETTER(copy_dst_ioas, struct row_copy, v->u = r->dst_ioas)
GETTER(copy_dst_iova, struct row_copy, v->u = r->dst_iova)
GETTER(copy_dst_last, struct row_copy, v->u = r->dst_iova + r->length - 1)
GETTER(copy_length, struct row_copy, v->u = r->length)
GETTER(copy_flags, struct row_copy, v->u = r->flags)
GETTER(copy_access, struct row_copy, v->s = access_text(r->flags))

static const struct out_column copy_cols[] = {
	{ "SRC_IOAS", "src_ioas", "SRC_IOAS", OUT_INT, D, "the IOAS copied from", copy_src_ioas },
	{ "SRC_IOVA", "src_iova", "SRC_IOVA", OUT_HEX, D, "first IOVA of the source range",
	  copy_src_iova },
	{ "DST_IOAS", "dst_ioas", "DST_IOAS", OUT_INT, D, "the IOAS copied into", copy_dst_ioas },
	{ "DST_IOVA", "dst_iova", "DST_IOVA", OUT_HEX, D,
	  "first IOVA of the new mapping (given, or chosen by the backend)", copy_dst_iova },
	{ "DST_LAST", "dst_last", "DST_LAST", OUT_HEX, 0,
	  "last IOVA of the new mapping (inclusive)", copy_dst_last },
	{ "LENGTH", "length", "LENGTH", OUT_HEX, D, "bytes copied", copy_length },
	{ "FLAGS", "flags", "FLAGS", OUT_HEX, D,
	  "IOMMU_IOAS_MAP_* flags sent (0x1 FIXED_IOVA, 0x2 WRITEABLE, 0x4 READABLE)", copy_flags },
	{ "ACCESS", "access", "ACCESS", OUT_STRING, 0, "rw, r- or -w", copy_access },
};
const struct out_family fam_copy = { "copies", "the mapping made by the copy", copy_cols,
				      N(copy_cols) };

/* ---- allow ----------------------------------------------------------------- */
GETTER(allow_ioas, struct row_allow, v->u = r->ioas)
GETTER(allow_n, struct row_allow, v->null = !r->known; v->u = r->n)
GETTER(allow_source, struct row_allow, v->null = !r->source; v->s = r->source)
GETTER(allow_reason, struct row_allow, v->null = !r->reason; v->s = r->reason)

static const struct out_column allow_cols[] = {
	{ "IOAS", "ioas", "IOAS", OUT_INT, D, "the IOAS", allow_ioas },
	{ "ALLOWED", "nr_allowed_iovas", "ALLOWED", OUT_INT, D | NUL,
	  "ranges in the list (null: unknown)", allow_n },
	{ "SOURCE", "allowed_iovas_source", "SOURCE", OUT_STRING, D | NUL,
	  "who reported the list: backend (the simulator) or session (set by this process; "
	  "the kernel cannot report it)", allow_source },
	{ "REASON", "allowed_iovas_reason", "REASON", OUT_STRING, NUL,
	  "why the list is unknown (null: it is known)", allow_reason },
};
const struct out_family fam_allow = { "allow", "an IOAS's ALLOW_IOVAS list", allow_cols,
				       N(allow_cols) };

/* ---- option ---------------------------------------------------------------- */
GETTER(opt_name, struct row_option, v->s = r->name)
GETTER(opt_id, struct row_option, v->u = r->option_id)
GETTER(opt_ioas, struct row_option, v->null = !r->has_ioas; v->u = r->ioas)
GETTER(opt_value, struct row_option, v->u = r->value)
GETTER(opt_meaning, struct row_option, v->null = !r->meaning; v->s = r->meaning)

static const struct out_column option_cols[] = {
	{ "OPTION", "option", "OPTION", OUT_STRING, D, "rlimit-mode or huge-pages", opt_name },
	{ "OPTION_ID", "option_id", "OPTION_ID", OUT_INT, 0,
	  "IOMMU_OPTION_* number (0 RLIMIT_MODE, 1 HUGE_PAGES)", opt_id },
	{ "IOAS", "ioas", "IOAS", OUT_INT, D | NUL, "the IOAS (huge-pages); null for a global option",
	  opt_ioas },
	{ "VALUE", "value", "VALUE", OUT_INT, D, "val64 as the backend reports it", opt_value },
	{ "MEANING", "meaning", "MEANING", OUT_STRING, D | NUL,
	  "user or mm (rlimit-mode), on or off (huge-pages)", opt_meaning },
};
const struct out_family fam_options = { "options", "an IOMMU_OPTION value", option_cols,
					 N(option_cols) };

/* ---- vfio-ioas ----------------------------------------------------------- */
GETTER(vfio_ioas_id, struct row_vfio_ioas, v->null = !r->set; v->u = r->ioas)

static const struct out_column vfio_ioas_cols[] = {
	{ "IOAS", "ioas", "IOAS", OUT_INT, D | NUL,
	  "the IOAS the VFIO compatibility ioctls use (null: none)", vfio_ioas_id },
};
const struct out_family fam_vfio_ioas = { "vfio_ioas", "the VFIO compatibility IOAS",
					   vfio_ioas_cols, N(vfio_ioas_cols) };

static const char *const source_names[] = {
	[IFD_SIM_SRC_USER] = "user", [IFD_SIM_SRC_FILE] = "file", [IFD_SIM_SRC_SIM_MEM] = "sim-mem",
};

GETTER(area_iova, struct ifd_sim_area, v->u = r->iova)
GETTER(area_last, struct ifd_sim_area, v->u = r->last)
GETTER(area_length, struct ifd_sim_area, v->u = r->last - r->iova + 1)
GETTER(area_flags, struct ifd_sim_area, v->u = r->flags)
GETTER(area_access, struct ifd_sim_area, v->s = access_text(r->flags))
GETTER(area_source, struct ifd_sim_area,
       v->s = (unsigned)r->source < N(source_names) ? source_names[r->source] : "unknown")
GETTER(area_pid, struct ifd_sim_area,
       v->null = r->source != IFD_SIM_SRC_USER; v->u = (uint64_t)r->pid)
GETTER(area_va, struct ifd_sim_area, v->null = r->source == IFD_SIM_SRC_FILE; v->u = r->user_va)
GETTER(area_dev, struct ifd_sim_area, v->null = r->source != IFD_SIM_SRC_FILE;
       snprintf(v->buf, sizeof(v->buf), "%u:%u", major(r->dev), minor(r->dev)); v->s = v->buf)
GETTER(area_ino, struct ifd_sim_area, v->null = r->source != IFD_SIM_SRC_FILE; v->u = r->ino)
GETTER(area_offset, struct ifd_sim_area,
       v->null = r->source != IFD_SIM_SRC_FILE; v->u = r->offset)

static const struct out_column area_cols[] = {
	{ "IOVA", "iova", "IOVA", OUT_HEX, D, "first IOVA of the area", area_iova },
	{ "LAST", "last", "LAST", OUT_HEX, D, "last IOVA of the area (inclusive)", area_last },
	{ "LENGTH", "length", "LENGTH", OUT_HEX, D, "bytes", area_length },
	{ "FLAGS", "flags", "FLAGS", OUT_HEX, 0, "IOMMU_IOAS_MAP_* flags", area_flags },
	{ "ACCESS", "access", "ACCESS", OUT_STRING, D, "rw, r- or -w", area_access },
	{ "SOURCE", "source", "SOURCE", OUT_STRING, D,
	  "user (a process's memory), file, sim-mem (the simulator's)", area_source },
	{ "PID", "pid", "PID", OUT_INT, D | NUL, "the process whose memory it is (user)", area_pid },
	{ "VA", "va", "VA", OUT_HEX, D | NUL, "user VA of the first byte (user, sim-mem)", area_va },
	{ "DEV", "dev", "DEV", OUT_STRING, NUL, "the file's device, major:minor (file)", area_dev },
	{ "INO", "ino", "INO", OUT_INT, NUL, "the file's inode (file)", area_ino },
	{ "OFFSET", "offset", "OFFSET", OUT_HEX, NUL, "byte offset in the file (file)",
	  area_offset },
};
const struct out_family fam_areas = { "areas", "a mapped area (the simulator's; the kernel's in a batch or shell)", area_cols,
				       N(area_cols) };

GETTER(obj_id, struct ifd_sim_object, v->u = r->id)
GETTER(obj_type, struct ifd_sim_object, v->s = r->type)
GETTER(obj_users, struct ifd_sim_object, v->u = r->users)

static const struct out_column object_cols[] = {
	{ "ID", "id", "ID", OUT_INT, D, "object ID", obj_id },
	{ "TYPE", "type", "TYPE", OUT_STRING, D, "ioas, hwpt_paging, device, ...", obj_type },
	{ "USERS", "users", "USERS", OUT_INT, D, "references, the table's own included",
	  obj_users },
};
const struct out_family fam_objects = { "objects", "an object (simulator only)", object_cols,
					 N(object_cols) };

/* ---- status --------------------------------------------------------------- */
GETTER(st_backend, struct row_status, v->s = r->backend)
GETTER(st_path, struct row_status, v->null = !r->path; v->s = r->path)
GETTER(st_device, struct row_status, v->s = r->device)
GETTER(st_present, struct row_status, v->b = r->device_present)
GETTER(st_owner, struct row_status, v->null = !r->owner; v->s = r->owner)
GETTER(st_mode, struct row_status, v->null = !r->mode; v->s = r->mode)
GETTER(st_release, struct row_status, v->s = r->kernel_release)
GETTER(st_emulated, struct row_status, v->null = !r->emulated_release; v->s = r->emulated_release)
GETTER(st_config, struct row_status, v->null = !r->config_iommufd; v->s = r->config_iommufd)
GETTER(st_config_src, struct row_status, v->null = !r->config_source; v->s = r->config_source)
GETTER(st_units, struct row_status, v->null = !r->units_known; v->u = r->iommu_units)
GETTER(st_problem, struct row_status, v->null = !r->problem; v->s = r->problem)
GETTER(st_vfio_cdev, struct row_status, v->null = !r->config_vfio_cdev; v->s = r->config_vfio_cdev)
GETTER(st_irq, struct row_status, v->null = !r->irq_remapping; v->s = r->irq_remapping)
GETTER(st_unsafe, struct row_status, v->null = !r->unsafe_known; v->b = r->allow_unsafe_interrupts)
GETTER(st_sim_path, struct row_status, v->null = !r->sim_path; v->s = r->sim_path)
GETTER(st_sim_exists, struct row_status, v->b = r->sim_exists)

static const struct out_column status_cols[] = {
	{ "BACKEND", "backend", "backend", OUT_STRING, D,
	  "kernel or simulator: the backend these options select", st_backend },
	{ "PATH", "path", "path", OUT_STRING, D | NUL,
	  "the device node or state file opened (null: none could be)", st_path },
	{ "DEVICE", "device", "device node", OUT_STRING, D, "the kernel's iommufd node",
	  st_device },
	{ "DEVICE_PRESENT", "device_present", "device present", OUT_BOOL, D,
	  "whether the node exists", st_present },
	{ "OWNER", "owner", "device owner", OUT_STRING, D | NUL, "user:group of the node",
	  st_owner },
	{ "MODE", "mode", "device mode", OUT_STRING, D | NUL, "permission bits, octal",
	  st_mode },
	{ "KERNEL_RELEASE", "kernel_release", "kernel release", OUT_STRING, D,
	  "the running kernel (uname -r)", st_release },
	{ "EMULATED_RELEASE", "emulated_release", "emulated release", OUT_STRING, D | NUL,
	  "the kernel release the simulator emulates", st_emulated },
	{ "CONFIG_IOMMUFD", "config_iommufd", "CONFIG_IOMMUFD", OUT_STRING, D | NUL,
	  "y, m or \"not set\" in the kernel config (null: no config found)", st_config },
	{ "CONFIG_SOURCE", "config_source", "config source", OUT_STRING, NUL,
	  "the file CONFIG_IOMMUFD was read from", st_config_src },
	{ "IOMMU_UNITS", "iommu_units", "IOMMU units", OUT_INT, D | NUL,
	  "IOMMU units in /sys/class/iommu", st_units },
	{ "CONFIG_VFIO_CDEV", "config_vfio_device_cdev", "CONFIG_VFIO_DEVICE_CDEV", OUT_STRING,
	  D | NUL, "y or \"not set\": devices bind to an iommufd only with it (null: no config)",
	  st_vfio_cdev },
	{ "IRQ_REMAPPING", "irq_remapping", "IRQ remapping", OUT_STRING, D | NUL,
	  "on or off: without it device binds fail with EPERM (null: cannot tell)", st_irq },
	{ "UNSAFE_INTERRUPTS", "allow_unsafe_interrupts", "unsafe interrupts", OUT_BOOL, D | NUL,
	  "iommufd.allow_unsafe_interrupts (null: iommufd is not loaded)", st_unsafe },
	{ "PROBLEM", "problem", "problem", OUT_STRING, D | NUL,
	  "why the kernel backend cannot be used (null: it can)", st_problem },
	{ "SIM_PATH", "sim_path", "simulator state", OUT_STRING, D | NUL,
	  "the simulator state path these options select", st_sim_path },
	{ "SIM_EXISTS", "sim_exists", "state exists", OUT_BOOL, D,
	  "whether that state file exists", st_sim_exists },
};
const struct out_family fam_status = { "status", "the backend and the kernel", status_cols,
				        N(status_cols) };

GETTER(ioctl_name, struct row_ioctl, v->s = r->info->name)
GETTER(ioctl_cmd, struct row_ioctl, v->u = r->info->cmd)
GETTER(ioctl_since, struct row_ioctl, v->null = !r->info->since; v->s = r->info->since)
GETTER(ioctl_supported, struct row_ioctl, v->null = r->supported < 0; v->b = r->supported > 0)

static const struct out_column ioctl_cols[] = {
	{ "NAME", "name", "IOCTL", OUT_STRING, D, "the ioctl", ioctl_name },
	{ "CMD", "cmd", "CMD", OUT_HEX, D, "its number", ioctl_cmd },
	{ "SINCE", "since", "SINCE", OUT_STRING, D | NUL, "first kernel release with it",
	  ioctl_since },
	{ "SUPPORTED", "supported", "SUPPORTED", OUT_BOOL, D | NUL,
	  "probed on this backend (null: nothing could be opened to probe)", ioctl_supported },
};
const struct out_family fam_ioctls = { "ioctls", "an iommufd ioctl, probed", ioctl_cols,
				        N(ioctl_cols) };

/* ---- doctor --------------------------------------------------------------- */
GETTER(doc_check, struct row_doctor, v->s = r->check)
GETTER(doc_subject, struct row_doctor, v->null = !r->subject[0]; v->s = r->subject)
GETTER(doc_status, struct row_doctor, v->s = r->status)
GETTER(doc_value, struct row_doctor, v->s = r->value)
GETTER(doc_fix, struct row_doctor, v->null = !r->has_fix; v->s = r->fix)

static const struct out_column doctor_cols[] = {
	{ "CHECK", "check", "CHECK", OUT_STRING, D,
	  "what is checked: a fixed name such as irq_remapping or device_driver", doc_check },
	{ "SUBJECT", "subject", "SUBJECT", OUT_STRING, D | NUL,
	  "what it is about: a node, a config symbol, a PCI device (null: the host)", doc_subject },
	{ "STATUS", "status", "STATUS", OUT_STRING, D,
	  "ok, fail (passthrough cannot work), warn (works with a caveat) or info", doc_status },
	{ "VALUE", "value", "VALUE", OUT_STRING, D, "what was found", doc_value },
	{ "FIX", "fix", "FIX", OUT_STRING, D | NUL, "what to do about it (null: nothing)",
	  doc_fix },
};
const struct out_family fam_doctor = { "checks", "a check of the host's readiness",
				        doctor_cols, N(doctor_cols) };

/* ---- hw-info -------------------------------------------------------------- */
GETTER(hwf_reg, struct ifd_hw_field, v->s = r->reg)
GETTER(hwf_name, struct ifd_hw_field, v->s = r->name)
GETTER(hwf_bits, struct ifd_hw_field,
       snprintf(v->buf, sizeof(v->buf), r->lsb == r->msb ? "%u" : "%u:%u", r->msb, r->lsb);
       v->s = v->buf)
GETTER(hwf_value, struct ifd_hw_field, v->u = r->value)
GETTER(hwf_meaning, struct ifd_hw_field, v->s = r->meaning)

static const struct out_column hw_field_cols[] = {
	{ "REGISTER", "register", "REGISTER", OUT_STRING, D, "the register it is in", hwf_reg },
	{ "FIELD", "field", "FIELD", OUT_STRING, D, "its name in the specification", hwf_name },
	{ "BITS", "bits", "BITS", OUT_STRING, D, "its bits: \"21:16\" or \"3\"", hwf_bits },
	{ "VALUE", "value", "VALUE", OUT_HEX, D, "the field's value", hwf_value },
	{ "MEANING", "meaning", "MEANING", OUT_STRING, D, "what the value means", hwf_meaning },
};
const struct out_family fam_hw_fields = { "fields", "a field of a hardware register",
					   hw_field_cols, N(hw_field_cols) };

GETTER(hw_dev, struct row_hw_info, v->u = r->dev_id)
GETTER(hw_type, struct row_hw_info, v->u = r->type)
GETTER(hw_type_name, struct row_hw_info, v->null = !r->type_name; v->s = r->type_name)
GETTER(hw_len, struct row_hw_info, v->u = r->data_len)
GETTER(hw_caps, struct row_hw_info, v->u = r->capabilities)
GETTER(hw_cap_names, struct row_hw_info, v->s = r->cap_names)
GETTER(hw_pasid, struct row_hw_info, v->u = r->max_pasid_log2)
GETTER(hw_bound, struct row_hw_info, v->b = r->bound_for_command)
GETTER(hw_decoded, struct row_hw_info, v->b = r->decoded)

static const struct out_column hw_info_cols[] = {
	{ "DEV_ID", "dev_id", "device ID", OUT_INT, D, "the device's ID in the context", hw_dev },
	{ "TYPE", "type", "data type", OUT_HEX, D, "IOMMU_HW_INFO_TYPE_*", hw_type },
	{ "TYPE_NAME", "type_name", "IOMMU", OUT_STRING, D | NUL,
	  "intel_vtd, arm_smmuv3, amd, selftest (null: unknown)", hw_type_name },
	{ "DATA_LEN", "data_len", "data bytes", OUT_INT, D, "bytes of register data returned",
	  hw_len },
	{ "CAPABILITIES", "capabilities", "capabilities", OUT_HEX, D, "IOMMU_HW_CAP_* bits",
	  hw_caps },
	{ "CAP_NAMES", "cap_names", "capability names", OUT_STRING, D,
	  "those bits by name, comma-separated", hw_cap_names },
	{ "MAX_PASID_LOG2", "max_pasid_log2", "PASID bits", OUT_INT, D,
	  "width of the PASIDs the device supports (0: none)", hw_pasid },
	{ "BOUND_FOR_COMMAND", "bound_for_command", "bound for this command", OUT_BOOL, D,
	  "--device: the device was bound only while the command ran", hw_bound },
	{ "DECODED", "decoded", "decoded", OUT_BOOL, D, "whether this release decodes the type",
	  hw_decoded },
};
const struct out_family fam_hw_info = { "hw_info", "the device's GET_HW_INFO answer",
					 hw_info_cols, N(hw_info_cols) };

GETTER(hwr_name, struct ifd_hw_reg, v->s = r->name)
GETTER(hwr_width, struct ifd_hw_reg, v->u = r->width)
GETTER(hwr_value, struct ifd_hw_reg, v->u = r->value)

static const struct out_column hw_reg_cols[] = {
	{ "NAME", "name", "NAME", OUT_STRING, D, "the register: cap_reg, idr0, efr, ...", hwr_name },
	{ "WIDTH", "width", "WIDTH", OUT_INT, D, "its width in bits", hwr_width },
	{ "RAW", "raw", "RAW", OUT_HEX, D, "its raw value", hwr_value },
};
const struct out_family fam_hw_regs = { "registers", "a raw hardware register", hw_reg_cols,
					 N(hw_reg_cols) };

/* ---- mock ----------------------------------------------------------------- */
GETTER(mock_ioas, struct row_mock, v->u = r->ioas)
GETTER(mock_stdev, struct row_mock, v->u = r->stdev_id)
GETTER(mock_hwpt, struct row_mock, v->u = r->hwpt_id)
GETTER(mock_idev, struct row_mock, v->u = r->idev_id)
GETTER(mock_lifetime, struct row_mock, v->s = r->lifetime)

static const struct out_column mock_cols[] = {
	{ "IOAS", "ioas", "IOAS", OUT_INT, D, "the IOAS it was attached to", mock_ioas },
	{ "STDEV_ID", "stdev_id", "STDEV_ID", OUT_INT, D,
	  "the selftest object (mock replace --stdev; free destroys it all)", mock_stdev },
	{ "HWPT_ID", "hwpt_id", "HWPT_ID", OUT_INT, D, "the mock domain (a HWPT_PAGING)",
	  mock_hwpt },
	{ "IDEV_ID", "idev_id", "IDEV_ID", OUT_INT, D, "the device (hw-info --dev-id)",
	  mock_idev },
	{ "LIFETIME", "lifetime", "LIFETIME", OUT_STRING, D,
	  "state (simulator), fd (an inherited fd) or process (gone already)", mock_lifetime },
};
const struct out_family fam_mock = { "mock_devices", "a mock device and its domain", mock_cols,
				      N(mock_cols) };

GETTER(mockr_stdev, struct row_mock_replace, v->u = r->stdev_id)
GETTER(mockr_pt, struct row_mock_replace, v->u = r->pt_id)

static const struct out_column mock_replace_cols[] = {
	{ "STDEV_ID", "stdev_id", "STDEV_ID", OUT_INT, D, "the mock device", mockr_stdev },
	{ "PT_ID", "pt_id", "PT_ID", OUT_INT, D, "the IOAS or HWPT it is attached to now",
	  mockr_pt },
};
const struct out_family fam_mock_replace = { "replaced", "a mock device moved to another page table",
					      mock_replace_cols, N(mock_replace_cols) };

GETTER(mocka_stdev, struct row_mock_attach, v->u = r->stdev_id)
GETTER(mocka_pasid, struct row_mock_attach, v->u = r->pasid)
GETTER(mocka_pt, struct row_mock_attach, v->null = !r->has_pt; v->u = r->pt_id)

static const struct out_column mock_attach_cols[] = {
	{ "STDEV_ID", "stdev_id", "STDEV_ID", OUT_INT, D, "the mock device", mocka_stdev },
	{ "PASID", "pasid", "PASID", OUT_INT, D, "the PASID (0: the device itself)", mocka_pasid },
	{ "PT_ID", "pt_id", "PT_ID", OUT_INT, D | NUL,
	  "the HWPT it is attached to there (null: none)", mocka_pt },
};
const struct out_family fam_mock_attach = { "attachments", "a mock device's attachment at a PASID",
					     mock_attach_cols, N(mock_attach_cols) };

GETTER(rng_id, struct row_range_of, v->u = r->id)
GETTER(rng_start, struct row_range_of, v->u = r->start)
GETTER(rng_last, struct row_range_of, v->u = r->last)

static const struct out_column mock_reserved_cols[] = {
	{ "IOAS", "ioas", "IOAS", OUT_INT, D, "the IOAS", rng_id },
	{ "START", "start", "START", OUT_HEX, D, "first reserved IOVA", rng_start },
	{ "LAST", "last", "LAST", OUT_HEX, D, "last reserved IOVA (inclusive)", rng_last },
};
const struct out_family fam_mock_reserved = { "reserved", "a range reserved in an IOAS",
					       mock_reserved_cols, N(mock_reserved_cols) };

/* ---- device ---------------------------------------------------------------- */
GETTER(vd_cdev, struct row_vfio_dev, v->s = r->cdev)
GETTER(vd_node, struct row_vfio_dev, v->b = r->node_present)
GETTER(vd_bdf, struct row_vfio_dev, v->null = !r->bdf[0]; v->s = r->bdf)
GETTER(vd_driver, struct row_vfio_dev, v->null = !r->has_driver || !r->driver[0]; v->s = r->driver)
GETTER(vd_group, struct row_vfio_dev, v->null = r->group < 0; v->u = (uint64_t)r->group)
GETTER(vd_iommu, struct row_vfio_dev, v->null = !r->iommu[0]; v->s = r->iommu)
GETTER(vd_resv, struct row_vfio_dev, v->null = !r->has_reserved; v->s = r->reserved)
GETTER(vd_bound, struct row_vfio_dev, v->b = r->bound_here)
GETTER(vd_dev_id, struct row_vfio_dev, v->null = !r->bound_here; v->u = r->dev_id)

static const struct out_column vfio_dev_cols[] = {
	{ "CDEV", "cdev", "CDEV", OUT_STRING, D, "the VFIO cdev node", vd_cdev },
	{ "NODE", "node_present", "NODE", OUT_BOOL, D,
	  "whether the node exists (no: the cdev interface is off)", vd_node },
	{ "PCI", "pci", "PCI", OUT_STRING, D | NUL, "the PCI address", vd_bdf },
	{ "DRIVER", "driver", "DRIVER", OUT_STRING, D | NUL, "its driver (vfio-pci)", vd_driver },
	{ "GROUP", "group", "GROUP", OUT_INT, D | NUL, "its IOMMU group", vd_group },
	{ "IOMMU", "iommu", "IOMMU", OUT_STRING, D | NUL, "its IOMMU unit", vd_iommu },
	{ "RESERVED", "reserved", "RESERVED", OUT_STRING, D | NUL,
	  "the group's reserved regions: START-LAST TYPE, ...", vd_resv },
	{ "BOUND", "bound_here", "BOUND", OUT_BOOL, 0,
	  "bound to the context by this batch or shell", vd_bound },
	{ "DEV_ID", "dev_id", "DEV_ID", OUT_INT, NUL, "its ID there (null: not bound here)",
	  vd_dev_id },
};
const struct out_family fam_vfio_devs = { "devices", "a VFIO device of the host",
					   vfio_dev_cols, N(vfio_dev_cols) };

GETTER(vm_bdf, struct row_vfio_move, v->s = r->bdf)
GETTER(vm_before, struct row_vfio_move, v->null = !r->driver_before[0]; v->s = r->driver_before)
GETTER(vm_after, struct row_vfio_move, v->null = !r->driver_after[0]; v->s = r->driver_after)
GETTER(vm_writes, struct row_vfio_move, v->u = r->nwrites)

static const struct out_column vfio_move_cols[] = {
	{ "PCI", "pci", "PCI", OUT_STRING, D, "the PCI address", vm_bdf },
	{ "BEFORE", "driver_before", "BEFORE", OUT_STRING, D | NUL,
	  "its driver before (null: none)", vm_before },
	{ "AFTER", "driver_after", "AFTER", OUT_STRING, D | NUL, "its driver now (null: none)",
	  vm_after },
	{ "WRITES", "writes", "WRITES", OUT_INT, D, "sysfs files written (listed below)", vm_writes },
};
const struct out_family fam_vfio_move = { "moved", "a PCI device moved between drivers",
					   vfio_move_cols, N(vfio_move_cols) };

GETTER(sw_path, struct row_sysfs_write, v->s = r->path)
GETTER(sw_value, struct row_sysfs_write, v->s = r->value)

static const struct out_column sysfs_write_cols[] = {
	{ "PATH", "path", "PATH", OUT_STRING, D, "the sysfs file written", sw_path },
	{ "VALUE", "value", "VALUE", OUT_STRING, D, "what was written (\"\": cleared)", sw_value },
};
const struct out_family fam_sysfs_writes = { "sysfs_writes", "a sysfs write, in order",
					      sysfs_write_cols, N(sysfs_write_cols) };

GETTER(dv_id, struct row_device, v->u = r->dev_id)
GETTER(dv_node, struct row_device, v->s = r->node)
GETTER(dv_lifetime, struct row_device, v->s = r->lifetime)

static const struct out_column device_cols[] = {
	{ "DEV_ID", "dev_id", "DEV_ID", OUT_INT, D, "the device's ID in the context", dv_id },
	{ "DEVICE", "device", "DEVICE", OUT_STRING, D, "the cdev bound (or \"fd N\")", dv_node },
	{ "LIFETIME", "lifetime", "LIFETIME", OUT_STRING, D,
	  "session (the batch or shell keeps it), fd (as long as the caller's fd) or command "
	  "(it ended already)", dv_lifetime },
};
const struct out_family fam_device = { "bound", "a device bound to the context", device_cols,
				        N(device_cols) };

GETTER(at_dev, struct row_attach, v->null = !r->dev_id; v->u = r->dev_id)
GETTER(at_pasid, struct row_attach, v->null = !r->has_pasid; v->u = r->pasid)
GETTER(at_pt, struct row_attach, v->null = !r->attached; v->u = r->pt_id)

static const struct out_column attach_cols[] = {
	{ "DEV_ID", "dev_id", "DEV_ID", OUT_INT, D | NUL, "the device (null: given by its fd)",
	  at_dev },
	{ "PASID", "pasid", "PASID", OUT_INT, D | NUL, "the PASID (null: the whole device)",
	  at_pasid },
	{ "PT_ID", "pt_id", "PT_ID", OUT_INT, D | NUL,
	  "attach: the page table attached (an IOAS gives its automatic HWPT); detach: null",
	  at_pt },
};
const struct out_family fam_attach = { "attached", "a device attached or detached",
				        attach_cols, N(attach_cols) };

/* ---- hwpt ------------------------------------------------------------------ */
GETTER(hw_id, struct row_hwpt, v->u = r->id)
GETTER(hw_dev_id, struct row_hwpt, v->u = r->dev_id)
GETTER(hw_pt, struct row_hwpt, v->u = r->pt_id)
GETTER(hw_flags, struct row_hwpt, v->u = r->flags)
GETTER(hw_kind, struct row_hwpt, v->s = r->kind)
GETTER(hw_dtype, struct row_hwpt, v->null = !r->data_type; v->s = r->data_type)

static const struct out_column hwpt_cols[] = {
	{ "ID", "id", "ID", OUT_INT, D, "the new HWPT", hw_id },
	{ "KIND", "kind", "KIND", OUT_STRING, D, "paging or nested", hw_kind },
	{ "DEV_ID", "dev_id", "DEV_ID", OUT_INT, D, "the device it was made for", hw_dev_id },
	{ "PT_ID", "pt_id", "PT_ID", OUT_INT, D, "its IOAS (paging) or nest parent (nested)",
	  hw_pt },
	{ "FLAGS", "flags", "FLAGS", OUT_HEX, D, "IOMMU_HWPT_ALLOC_* and FAULT_ID_VALID", hw_flags },
	{ "DATA_TYPE", "data_type", "DATA_TYPE", OUT_STRING, D | NUL,
	  "nested: vtd_s1, arm_smmuv3, amd_guest or selftest", hw_dtype },
};
const struct out_family fam_hwpt = { "hwpts", "a hardware page table", hwpt_cols,
				      N(hwpt_cols) };

GETTER(ds_hwpt, struct row_dirty_state, v->u = r->hwpt)
GETTER(ds_on, struct row_dirty_state, v->b = r->enabled)

static const struct out_column dirty_state_cols[] = {
	{ "HWPT", "hwpt", "HWPT", OUT_INT, D, "the HWPT", ds_hwpt },
	{ "DIRTY_TRACKING", "dirty_tracking", "DIRTY_TRACKING", OUT_BOOL, D,
	  "whether it tracks dirty pages now", ds_on },
};
const struct out_family fam_dirty_state = { "dirty_tracking", "a HWPT's dirty tracking",
					     dirty_state_cols, N(dirty_state_cols) };

GETTER(dr_start, struct row_dirty_range, v->u = r->start)
GETTER(dr_last, struct row_dirty_range, v->u = r->last)
GETTER(dr_pages, struct row_dirty_range, v->u = r->pages)

static const struct out_column dirty_range_cols[] = {
	{ "START", "start", "START", OUT_HEX, D, "first IOVA of a run of dirty pages", dr_start },
	{ "LAST", "last", "LAST", OUT_HEX, D, "its last IOVA (inclusive)", dr_last },
	{ "PAGES", "pages", "PAGES", OUT_INT, D, "pages in the run", dr_pages },
};
const struct out_family fam_dirty_ranges = { "dirty", "a run of dirty pages", dirty_range_cols,
					      N(dirty_range_cols) };

GETTER(bw_iova, struct row_bitmap_word, v->u = r->iova)
GETTER(bw_bits, struct row_bitmap_word, v->u = r->bits)

static const struct out_column bitmap_cols[] = {
	{ "IOVA", "iova", "IOVA", OUT_HEX, D, "the IOVA of the word's bit 0", bw_iova },
	{ "BITS", "bits", "BITS", OUT_HEX, D, "64 pages, bit i set = page i dirty", bw_bits },
};
const struct out_family fam_bitmap_words = { "bitmap", "a 64-bit word of the dirty bitmap",
					      bitmap_cols, N(bitmap_cols) };

GETTER(iv_hwpt, struct row_invalidate, v->u = r->hwpt)
GETTER(iv_type, struct row_invalidate, v->s = r->data_type)
GETTER(iv_handled, struct row_invalidate, v->u = r->handled)

static const struct out_column invalidate_cols[] = {
	{ "HWPT", "hwpt", "HWPT", OUT_INT, D, "the nested HWPT", iv_hwpt },
	{ "DATA_TYPE", "data_type", "DATA_TYPE", OUT_STRING, D, "the entries' type", iv_type },
	{ "HANDLED", "handled", "HANDLED", OUT_INT, D, "entries the driver handled", iv_handled },
};
const struct out_family fam_invalidate = { "invalidated", "a cache invalidation",
					    invalidate_cols, N(invalidate_cols) };

/* ---- event queues, vIOMMUs ---------------------------------------------------- */
/* The IOMMU_PGFAULT_PERM_* bits (READ, WRITE, EXEC, PRIV) as letters. */
static const char *perm_text(uint32_t perm)
{
	static const char *const text[16] = {
		"----", "r---", "-w--", "rw--", "--x-", "r-x-", "-wx-", "rwx-",
		"---p", "r--p", "-w-p", "rw-p", "--xp", "r-xp", "-wxp", "rwxp",
	};

	return text[perm & 0xf];
}

GETTER(eq_id, struct row_eventq, v->u = r->id)
GETTER(eq_viommu, struct row_eventq, v->u = r->viommu)
GETTER(eq_type, struct row_eventq, v->s = r->type)
GETTER(eq_depth, struct row_eventq, v->u = r->depth)
GETTER(eq_fd, struct row_eventq, v->null = r->fd < 0; v->u = (uint64_t)r->fd)
GETTER(eq_lifetime, struct row_eventq, v->s = r->lifetime)
GETTER(eq_name, struct row_eventq, v->null = !r->name; v->s = r->name)

#define EQ_FD_COLS(what) \
	{ "FD", "fd", "FD", OUT_INT, D | NUL, \
	  "the fd " what " are read from (null: closed with the command)", eq_fd }, \
	{ "LIFETIME", "lifetime", "LIFETIME", OUT_STRING, D, \
	  "session (the batch or shell keeps the fd), inherited (COMMAND has it at FD) or " \
	  "command (the fd is closed)", \
	  eq_lifetime }, \
	{ "NAME", "name", "NAME", OUT_STRING, NUL, \
	  "the name given with --name (batch, shell)", eq_name }

static const struct out_column fault_queue_cols[] = {
	{ "ID", "id", "ID", OUT_INT, D, "the new fault queue (hwpt alloc --fault)", eq_id },
	EQ_FD_COLS("faults"),
};
const struct out_family fam_fault_queue = { "fault_queues", "a fault queue allocated",
					     fault_queue_cols, N(fault_queue_cols) };

static const struct out_column veventq_cols[] = {
	{ "ID", "id", "ID", OUT_INT, D, "the new vEVENTQ", eq_id },
	{ "VIOMMU", "viommu", "VIOMMU", OUT_INT, D, "its vIOMMU", eq_viommu },
	{ "TYPE", "type", "TYPE", OUT_STRING, D,
	  "the events' type: arm_smmuv3, tegra241_cmdqv, selftest, or a number", eq_type },
	{ "DEPTH", "depth", "DEPTH", OUT_INT, D, "events it holds before it loses some",
	  eq_depth },
	EQ_FD_COLS("vEVENTs"),
};
const struct out_family fam_veventq = { "veventqs", "a vEVENTQ allocated", veventq_cols,
					 N(veventq_cols) };

GETTER(pf_flags, struct row_pgfault, v->u = r->flags)
GETTER(pf_dev, struct row_pgfault, v->u = r->dev_id)
GETTER(pf_pasid, struct row_pgfault, v->null = !(r->flags & 1); v->u = r->pasid)
GETTER(pf_grpid, struct row_pgfault, v->u = r->grpid)
GETTER(pf_perm, struct row_pgfault, v->u = r->perm)
GETTER(pf_last, struct row_pgfault, v->b = r->flags & 2)
GETTER(pf_addr, struct row_pgfault, v->u = r->addr)
GETTER(pf_length, struct row_pgfault, v->u = r->length)
GETTER(pf_cookie, struct row_pgfault, v->u = r->cookie)

GETTER(pf_access, struct row_pgfault, v->s = perm_text(r->perm))

static const struct out_column pgfault_cols[] = {
	{ "COOKIE", "cookie", "COOKIE", OUT_INT, D, "answer with fault respond --cookie",
	  pf_cookie },
	{ "DEV_ID", "dev_id", "DEV_ID", OUT_INT, D, "the faulting device", pf_dev },
	{ "PASID", "pasid", "PASID", OUT_INT, D | NUL, "its PASID (null: PASID_VALID not set)",
	  pf_pasid },
	{ "GRPID", "grpid", "GRPID", OUT_INT, D, "the page request group", pf_grpid },
	{ "ADDR", "addr", "ADDR", OUT_HEX, D, "the faulting address", pf_addr },
	{ "ACCESS", "access", "ACCESS", OUT_STRING, D,
	  "the access asked for: r(ead) w(rite) x (exec) p(rivileged)", pf_access },
	{ "PERM", "perm", "PERM", OUT_HEX, 0, "IOMMU_PGFAULT_PERM_* (0x1 READ, 0x2 WRITE, "
	  "0x4 EXEC, 0x8 PRIV)", pf_perm },
	{ "FLAGS", "flags", "FLAGS", OUT_HEX, 0,
	  "IOMMU_PGFAULT_FLAGS_* (0x1 PASID_VALID, 0x2 LAST_PAGE)", pf_flags },
	{ "LAST", "last", "LAST", OUT_BOOL, D, "the group's last fault (LAST_PAGE)", pf_last },
	{ "LENGTH", "length", "LENGTH", OUT_INT, 0, "bytes of the record", pf_length },
};
const struct out_family fam_pgfaults = { "faults", "an I/O page fault read", pgfault_cols,
					  N(pgfault_cols) };

GETTER(pr_fault, struct row_page_response, v->null = !r->has_fault; v->u = r->fault)
GETTER(pr_cookie, struct row_page_response, v->u = r->cookie)
GETTER(pr_code, struct row_page_response, v->u = r->code)
GETTER(pr_code_name, struct row_page_response, v->null = !r->code_name; v->s = r->code_name)

static const struct out_column page_response_cols[] = {
	{ "FAULT", "fault", "FAULT", OUT_INT, D | NUL,
	  "the fault queue (null: an inherited fd whose queue is not known)", pr_fault },
	{ "COOKIE", "cookie", "COOKIE", OUT_INT, D, "the fault group answered", pr_cookie },
	{ "CODE", "code", "CODE", OUT_INT, D, "the response code sent", pr_code },
	{ "CODE_NAME", "code_name", "CODE_NAME", OUT_STRING, D | NUL, "success or invalid",
	  pr_code_name },
};
const struct out_family fam_page_responses = { "responses", "a page response written",
						page_response_cols, N(page_response_cols) };

GETTER(ve_seq, struct row_vevent, v->u = r->sequence)
GETTER(ve_flags, struct row_vevent, v->u = r->flags)
GETTER(ve_lost, struct row_vevent, v->b = r->flags & 1)
GETTER(ve_virt, struct row_vevent, v->null = !r->has_virt_id; v->u = r->virt_id)
GETTER(ve_data, struct row_vevent, v->null = !r->data[0]; v->s = r->data)

static const struct out_column vevent_cols[] = {
	{ "SEQUENCE", "sequence", "SEQUENCE", OUT_INT, D, "the event's sequence number", ve_seq },
	{ "FLAGS", "flags", "FLAGS", OUT_HEX, 0, "IOMMU_VEVENTQ_FLAG_* (0x1 LOST_EVENTS)",
	  ve_flags },
	{ "LOST", "lost", "LOST", OUT_BOOL, D,
	  "events were lost before this one (a header without data)", ve_lost },
	{ "VIRT_ID", "virt_id", "VIRT_ID", OUT_INT, D | NUL,
	  "selftest: the virtual ID of the device", ve_virt },
	{ "DATA", "data", "DATA", OUT_STRING, D | NUL,
	  "the event's data, as hex words of the type's struct", ve_data },
};
const struct out_family fam_vevents = { "vevents", "a vEVENT read", vevent_cols,
					 N(vevent_cols) };

GETTER(vi_id, struct row_viommu, v->u = r->id)
GETTER(vi_type, struct row_viommu, v->s = r->type)
GETTER(vi_dev, struct row_viommu, v->u = r->dev_id)
GETTER(vi_hwpt, struct row_viommu, v->u = r->hwpt_id)
GETTER(vi_name, struct row_viommu, v->null = !r->name; v->s = r->name)

static const struct out_column viommu_cols[] = {
	{ "ID", "id", "ID", OUT_INT, D, "the new vIOMMU", vi_id },
	{ "TYPE", "type", "TYPE", OUT_STRING, D,
	  "arm_smmuv3, tegra241_cmdqv, selftest, or a number", vi_type },
	{ "DEV_ID", "dev_id", "DEV_ID", OUT_INT, D, "the device whose IOMMU backs it", vi_dev },
	{ "HWPT_ID", "hwpt_id", "HWPT_ID", OUT_INT, D, "its nest parent HWPT", vi_hwpt },
	{ "NAME", "name", "NAME", OUT_STRING, NUL, "the name given with --name (batch, shell)",
	  vi_name },
};
const struct out_family fam_viommu = { "viommus", "a vIOMMU allocated", viommu_cols,
					N(viommu_cols) };

GETTER(vd_id, struct row_vdevice, v->u = r->id)
GETTER(vd_viommu, struct row_vdevice, v->u = r->viommu)
GETTER(vd_dev, struct row_vdevice, v->u = r->dev_id)
GETTER(vd_virt, struct row_vdevice, v->u = r->virt_id)
GETTER(vd_name, struct row_vdevice, v->null = !r->name; v->s = r->name)

static const struct out_column vdevice_cols[] = {
	{ "ID", "id", "ID", OUT_INT, D, "the new vDevice", vd_id },
	{ "VIOMMU", "viommu", "VIOMMU", OUT_INT, D, "its vIOMMU", vd_viommu },
	{ "DEV_ID", "dev_id", "DEV_ID", OUT_INT, D, "the physical device", vd_dev },
	{ "VIRT_ID", "virt_id", "VIRT_ID", OUT_HEX, D,
	  "the device's ID in the guest (a vSID, vRID)", vd_virt },
	{ "NAME", "name", "NAME", OUT_STRING, NUL, "the name given with --name (batch, shell)",
	  vd_name },
};
const struct out_family fam_vdevice = { "vdevices", "a vDevice allocated", vdevice_cols,
					 N(vdevice_cols) };

GETTER(hq_id, struct row_hw_queue, v->u = r->id)
GETTER(hq_viommu, struct row_hw_queue, v->u = r->viommu)
GETTER(hq_type, struct row_hw_queue, v->s = r->type)
GETTER(hq_index, struct row_hw_queue, v->u = r->index)
GETTER(hq_base, struct row_hw_queue, v->u = r->base_addr)
GETTER(hq_length, struct row_hw_queue, v->u = r->length)
GETTER(hq_name, struct row_hw_queue, v->null = !r->name; v->s = r->name)

static const struct out_column hw_queue_cols[] = {
	{ "ID", "id", "ID", OUT_INT, D, "the new HW queue", hq_id },
	{ "VIOMMU", "viommu", "VIOMMU", OUT_INT, D, "its vIOMMU", hq_viommu },
	{ "TYPE", "type", "TYPE", OUT_STRING, D, "tegra241_cmdqv, selftest, or a number",
	  hq_type },
	{ "INDEX", "index", "INDEX", OUT_INT, D, "the queue's index in the vIOMMU", hq_index },
	{ "BASE_ADDR", "base_addr", "BASE_ADDR", OUT_HEX, D,
	  "the queue's guest physical address (an IOVA of the nest parent)", hq_base },
	{ "LENGTH", "length", "LENGTH", OUT_HEX, D, "the queue's bytes", hq_length },
	{ "NAME", "name", "NAME", OUT_STRING, NUL, "the name given with --name (batch, shell)",
	  hq_name },
};
const struct out_family fam_hw_queue = { "hw_queues", "a HW queue allocated", hw_queue_cols,
					  N(hw_queue_cols) };

GETTER(cp_pid, struct row_change_process, v->u = (uint64_t)r->pid)

static const struct out_column change_process_cols[] = {
	{ "PID", "pid", "PID", OUT_INT, D,
	  "the process whose mm now pins the context's pages (iommuctl itself)", cp_pid },
};
const struct out_family fam_change_process = { "change_process", "the pinning moved",
						change_process_cols, N(change_process_cols) };

GETTER(mi_dev, struct row_mock_iopf, v->u = r->dev_id)
GETTER(mi_pasid, struct row_mock_iopf, v->u = r->pasid)
GETTER(mi_grpid, struct row_mock_iopf, v->u = r->grpid)
GETTER(mi_perm, struct row_mock_iopf, v->u = r->perm)
GETTER(mi_addr, struct row_mock_iopf, v->u = r->addr)

static const struct out_column mock_iopf_cols[] = {
	{ "DEV_ID", "dev_id", "DEV_ID", OUT_INT, D, "the mock device that faulted", mi_dev },
	{ "PASID", "pasid", "PASID", OUT_INT, D, "the PASID (0: none)", mi_pasid },
	{ "GRPID", "grpid", "GRPID", OUT_INT, D, "the page request group", mi_grpid },
	{ "PERM", "perm", "PERM", OUT_HEX, D, "IOMMU_PGFAULT_PERM_* asked for", mi_perm },
	{ "ADDR", "addr", "ADDR", OUT_HEX, D, "the faulting address", mi_addr },
};
const struct out_family fam_mock_iopf = { "iopfs", "an I/O page fault the mock raised",
					   mock_iopf_cols, N(mock_iopf_cols) };

GETTER(mv_dev, struct row_mock_vevent, v->u = r->dev_id)
GETTER(mv_count, struct row_mock_vevent, v->u = r->count)

static const struct out_column mock_vevent_cols[] = {
	{ "DEV_ID", "dev_id", "DEV_ID", OUT_INT, D, "the mock device", mv_dev },
	{ "COUNT", "count", "COUNT", OUT_INT, D, "vEVENTs reported", mv_count },
};
const struct out_family fam_mock_vevent = { "vevents_raised", "vEVENTs the mock reported",
					     mock_vevent_cols, N(mock_vevent_cols) };

GETTER(md_hwpt, struct row_mock_dirty, v->u = r->hwpt)
GETTER(md_start, struct row_mock_dirty, v->u = r->start)
GETTER(md_last, struct row_mock_dirty, v->u = r->last)
GETTER(md_page_size, struct row_mock_dirty, v->u = r->page_size)
GETTER(md_pages, struct row_mock_dirty, v->u = r->pages)
GETTER(md_marked, struct row_mock_dirty, v->u = r->marked)

static const struct out_column mock_dirty_cols[] = {
	{ "HWPT", "hwpt", "HWPT", OUT_INT, D, "the mock domain (a paging HWPT)", md_hwpt },
	{ "START", "start", "START", OUT_HEX, D, "first IOVA of the range", md_start },
	{ "LAST", "last", "LAST", OUT_HEX, D, "its last IOVA (inclusive)", md_last },
	{ "PAGE_SIZE", "page_size", "PAGE_SIZE", OUT_HEX, D, "the bitmap's granule", md_page_size },
	{ "PAGES", "pages", "PAGES", OUT_INT, 0, "pages in the range (bits of the bitmap)",
	  md_pages },
	{ "MARKED", "marked", "MARKED", OUT_INT, D,
	  "pages the mock marked dirty (out_nr_dirty: the bits set)", md_marked },
};
const struct out_family fam_mock_dirty = { "dirty_marked", "pages the mock marked dirty",
					    mock_dirty_cols, N(mock_dirty_cols) };

/* ---- sim ------------------------------------------------------------------ */
GETTER(sim_path, struct row_sim, v->s = r->info.path)
GETTER(sim_profile, struct row_sim, v->s = r->info.profile)
GETTER(sim_format, struct row_sim, v->u = r->info.format_version)
GETTER(sim_kernel, struct row_sim, v->s = r->info.kernel_version)
GETTER(sim_file_size, struct row_sim, v->u = r->info.file_size)
GETTER(sim_used, struct row_sim, v->u = r->info.used_bytes)
GETTER(sim_page, struct row_sim, v->u = r->info.page_size)
GETTER(sim_hpage, struct row_sim, v->u = r->info.hpage_size)
GETTER(sim_contexts, struct row_sim, v->u = r->info.nr_contexts)
GETTER(sim_objects, struct row_sim, v->u = r->info.nr_objects)
GETTER(sim_areas, struct row_sim, v->u = r->info.nr_areas)
GETTER(sim_mapped, struct row_sim, v->u = r->info.mapped_bytes)
GETTER(sim_mem, struct row_sim, v->u = r->info.sim_mem_bytes)
GETTER(sim_generation, struct row_sim, v->u = r->info.generation)

GETTER(sim_iommu, struct row_sim, v->s = r->plat.iommu)
GETTER(sim_ap_start, struct row_sim, v->u = r->plat.aperture_start)
GETTER(sim_ap_last, struct row_sim, v->u = r->plat.aperture_last)
GETTER(sim_pgsizes, struct row_sim, v->u = r->plat.pgsize_bitmap)
GETTER(sim_resv, struct row_sim, v->s = r->reserved)
GETTER(sim_msi, struct row_sim, v->s = r->msi)
GETTER(sim_nr_vfio, struct row_sim, v->u = r->nr_vfio)

static void sim_ap_bits(const void *row, struct out_value *v)
{
	const struct row_sim *r = row;

	v->null = !r->plat.aperture_bits;
	v->u = r->plat.aperture_bits;
}

static const struct out_column sim_cols[] = {
	{ "PATH", "path", "path", OUT_STRING, D, "the state file", sim_path },
	{ "PROFILE", "profile", "profile", OUT_STRING, D, "the profile it was created with",
	  sim_profile },
	{ "IOMMU", "iommu", "IOMMU", OUT_STRING, D,
	  "the IOMMU a mock device has: selftest, intel-vtd, amd-vi, arm-smmuv3 or spapr",
	  sim_iommu },
	{ "APERTURE_BITS", "aperture_bits", "aperture bits", OUT_INT, NUL,
	  "the address width chosen at creation (intel-vtd)", sim_ap_bits },
	{ "APERTURE_START", "aperture_start", "aperture start", OUT_HEX, 0,
	  "the first IOVA of a mock device's domains", sim_ap_start },
	{ "APERTURE_LAST", "aperture_last", "aperture last", OUT_HEX, D,
	  "the last IOVA of a mock device's domains", sim_ap_last },
	{ "IO_PAGE_SIZES", "io_page_sizes", "IO page sizes", OUT_HEX, 0,
	  "the domains' page sizes (a bitmap: the lowest is the IOVA alignment)", sim_pgsizes },
	{ "RESERVED_REGIONS", "reserved_regions", "reserved regions", OUT_STRING, 0,
	  "what a mock device reserves in the IOAS it attaches to: START-LAST TYPE, comma "
	  "separated", sim_resv },
	{ "VFIO_DEVICES", "vfio_devices", "VFIO devices", OUT_INT, 0,
	  "PCI devices on vfio-pci, with cdev nodes next to the state", sim_nr_vfio },
	{ "MSI", "msi", "MSI", OUT_STRING, 0,
	  "the host's MSI isolation: isolated, unsafe-allowed or unisolated", sim_msi },
	{ "EMULATED_RELEASE", "emulated_release", "emulated release", OUT_STRING, D,
	  "the kernel release whose behaviour it emulates", sim_kernel },
	{ "FORMAT", "format_version", "format version", OUT_INT, 0, "state file format",
	  sim_format },
	{ "FILE_SIZE", "file_size", "file size", OUT_HEX, 0, "bytes of the state file",
	  sim_file_size },
	{ "USED", "used_bytes", "used", OUT_HEX, 0, "bytes of it in use", sim_used },
	{ "PAGE_SIZE", "page_size", "page size", OUT_HEX, D, "the emulated PAGE_SIZE", sim_page },
	{ "HPAGE_SIZE", "hpage_size", "huge page size", OUT_HEX, 0,
	  "the emulated THP size (the largest automatic IOVA alignment)", sim_hpage },
	{ "CONTEXTS", "contexts", "contexts", OUT_INT, D,
	  "open contexts, the shared one included", sim_contexts },
	{ "OBJECTS", "objects", "objects", OUT_INT, D, "objects in all contexts", sim_objects },
	{ "AREAS", "areas", "areas", OUT_INT, D, "mapped areas in all IOAS", sim_areas },
	{ "MAPPED", "mapped_bytes", "mapped", OUT_HEX, D, "bytes mapped in all IOAS", sim_mapped },
	{ "SIM_MEM", "sim_mem_bytes", "simulator memory", OUT_HEX, 0,
	  "bytes of simulator-owned memory", sim_mem },
	{ "GENERATION", "generation", "generation", OUT_INT, 0,
	  "bumped by every change to the state", sim_generation },
};
const struct out_family fam_sim = { "sim", "a simulator state", sim_cols, N(sim_cols) };

GETTER(sr_dev, struct row_sysroot, v->u = r->dev_id)
GETTER(sr_bdf, struct row_sysroot, v->s = r->bdf)
GETTER(sr_group, struct row_sysroot, v->u = r->group)
GETTER(sr_cdev, struct row_sysroot, v->s = r->cdev)
GETTER(sr_unit, struct row_sysroot, v->s = r->unit)

static const struct out_column sysroot_cols[] = {
	{ "DEV_ID", "dev_id", "DEV_ID", OUT_INT, D, "the mock device's object ID in the state",
	  sr_dev },
	{ "PCI", "pci", "PCI", OUT_STRING, D, "its PCI address in the tree", sr_bdf },
	{ "GROUP", "group", "GROUP", OUT_INT, D, "its IOMMU group", sr_group },
	{ "CDEV", "cdev", "CDEV", OUT_STRING, D, "its VFIO cdev node", sr_cdev },
	{ "IOMMU", "iommu", "IOMMU", OUT_STRING, D,
	  "the IOMMU unit it is behind (/sys/class/iommu)", sr_unit },
};
const struct out_family fam_sysroot = { "devices", "a mock device as a PCI device of the tree",
					 sysroot_cols, N(sysroot_cols) };

GETTER(check_ok, struct row_check, v->b = r->consistent)
GETTER(check_report, struct row_check, v->s = r->report)

static const struct out_column check_cols[] = {
	{ "CONSISTENT", "consistent", "consistent", OUT_BOOL, D,
	  "whether the state passed every check", check_ok },
	{ "REPORT", "report", "report", OUT_STRING, D,
	  "what is wrong (empty when consistent)", check_report },
};
const struct out_family fam_check = { "check", "a consistency check of the state", check_cols,
				       N(check_cols) };
