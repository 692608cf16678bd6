// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The command table: every command, its options, columns and flags.  Names
 * match exactly (no abbreviations), so that adding a command never changes
 * what an existing command line means.
 */
#include <stddef.h>

#include "columns.h"
#include "iommuctl.h"

static const char *const *sim_profile_words(void)
{
	return ifd_sim_profiles();
}

const char *const sim_msi_words_list[] = { "isolated", "unsafe-allowed", "unisolated", NULL };

static const char *const *sim_msi_words(void)
{
	return sim_msi_words_list;
}

static const char *const *aperture_bits_words(void)
{
	static const char *const w[] = { "39", "48", NULL };

	return w;
}

const struct cmd_opt iommuctl_global_opts[] = {
	[G_SIM] = { "sim", 0, OPT_OPTIONAL, "PATH",
		    "use the simulator (state PATH, default $IOMMUFD_SIM or the per-user state)",
		    OPT_CPL_FILE, NULL },
	[G_KERNEL] = { "kernel", 0, OPT_NOARG, NULL, "use /dev/iommu, never the simulator",
		       OPT_CPL_NONE, NULL },
	[G_DEV] = { "dev", 0, OPT_REQUIRED, "PATH", "the iommufd device node (implies --kernel)",
		    OPT_CPL_FILE, NULL },
	[G_FD] = { "fd", 0, OPT_REQUIRED, "N",
		   "use the inherited fd N: /dev/iommu or a simulator state (read-write)",
		   OPT_CPL_NONE, NULL },
	[G_PID] = { "pid", 0, OPT_REQUIRED, "PID", "with --fd: fd N of process PID (pidfd_getfd)",
		    OPT_CPL_NONE, NULL },
	[G_BATCH] = { "batch", 'b', OPT_REQUIRED, "FILE",
		      "run the commands of FILE (- for stdin), one per line, on one context",
		      OPT_CPL_FILE, NULL },
	[G_FORCE] = { "force", 0, OPT_NOARG, NULL,
		      "with -b or shell: go on after a failed command", OPT_CPL_NONE, NULL },
	[G_JSON] = { "json", 'J', OPT_NOARG, NULL, "print JSON (see iommuctl-json(7))",
		     OPT_CPL_NONE, NULL },
	[G_OUTPUT] = { "output", 'o', OPT_REQUIRED, "COLS",
		       "columns to print, comma-separated; +COLS adds to the defaults",
		       OPT_CPL_COLUMNS, NULL },
	[G_OUTPUT_ALL] = { "output-all", 0, OPT_NOARG, NULL, "print every column", OPT_CPL_NONE,
			   NULL },
	[G_LIST_COLUMNS] = { "list-columns", 'H', OPT_NOARG, NULL,
			     "list the command's columns instead of running it", OPT_CPL_NONE,
			     NULL },
	[G_NOHEADINGS] = { "noheadings", 'n', OPT_NOARG, NULL,
			   "no headings, titles or backend line", OPT_CPL_NONE, NULL },
	[G_RAW] = { "raw", 'r', OPT_NOARG, NULL, "raw table: one space between columns",
		    OPT_CPL_NONE, NULL },
	[G_VERBOSE] = { "verbose", 'v', OPT_NOARG, NULL, "print every ioctl, decoded, on stderr",
			OPT_CPL_NONE, NULL },
	[G_HELP] = { "help", 'h', OPT_NOARG, NULL, "show this help", OPT_CPL_NONE, NULL },
	[G_VERSION] = { "version", 'V', OPT_NOARG, NULL, "show the version", OPT_CPL_NONE, NULL },
	[G_LIST_CMDS] = { "list-cmds", 0, OPT_NOARG, NULL,
			  "list the commands (for shell completion)", OPT_CPL_NONE, NULL },
	[G_LIST_OPTS] = { "list-opts", 0, OPT_NOARG, NULL,
			  "list the global options (for shell completion)", OPT_CPL_NONE, NULL },
	[G_NOPTS] = { NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt alloc_opts[] = {
	[ALLOC_OPT_NAME] = { "name", 0, OPT_REQUIRED, "NAME",
			     "call it @NAME in later lines (batch and shell)", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt free_opts[] = {
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt map_opts[] = {
	[MAP_OPT_IOAS] = { "ioas", 0, OPT_REQUIRED, "ID", "the IOAS to map into", OPT_CPL_ID, NULL },
	[MAP_OPT_SIZE] = { "size", 0, OPT_REQUIRED, "SIZE",
		       "map SIZE bytes of new memory (a memfd where the kernel has "
		       "IOMMU_IOAS_MAP_FILE, else anonymous memory)", OPT_CPL_NONE, NULL },
	[MAP_OPT_SIM_MEM] = { "sim-mem", 0, OPT_REQUIRED, "SIZE",
			  "map SIZE bytes of simulator-owned memory (simulator only)",
			  OPT_CPL_NONE, NULL },
	[MAP_OPT_FILE] = { "file", 0, OPT_REQUIRED, "PATH",
		       "map a range of a memfd, tmpfs or hugetlbfs file (IOMMU_IOAS_MAP_FILE)",
		       OPT_CPL_FILE, NULL },
	[MAP_OPT_OFFSET] = { "offset", 0, OPT_REQUIRED, "OFF", "with --file: first byte (default 0)",
			 OPT_CPL_NONE, NULL },
	[MAP_OPT_LENGTH] = { "length", 0, OPT_REQUIRED, "LEN", "with --file: bytes to map",
			 OPT_CPL_NONE, NULL },
	[MAP_OPT_IOVA] = { "iova", 0, OPT_REQUIRED, "IOVA",
		       "map at this IOVA (FIXED_IOVA); default: the backend chooses",
		       OPT_CPL_NONE, NULL },
	[MAP_OPT_READONLY] = { "readonly", 0, OPT_NOARG, NULL, "device reads only (READABLE)",
			   OPT_CPL_NONE, NULL },
	[MAP_OPT_WRITEONLY] = { "writeonly", 0, OPT_NOARG, NULL, "device writes only (WRITEABLE)",
			    OPT_CPL_NONE, NULL },
	[MAP_OPT_HUGEPAGES] = { "hugepages", 0, OPT_NOARG, NULL,
			    "with --size: huge pages (hugetlbfs memfd, or MAP_HUGETLB)",
			    OPT_CPL_NONE, NULL },
	[MAP_OPT_ANONYMOUS] = { "anonymous", 0, OPT_NOARG, NULL,
			    "with --size: iommuctl's anonymous memory (IOMMU_IOAS_MAP), "
			    "not a memfd, on either backend", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt unmap_opts[] = {
	[UNMAP_OPT_IOAS] = { "ioas", 0, OPT_REQUIRED, "ID", "the IOAS", OPT_CPL_ID, NULL },
	[UNMAP_OPT_IOVA] = { "iova", 0, OPT_REQUIRED, "IOVA", "first IOVA (with --length)",
			 OPT_CPL_NONE, NULL },
	[UNMAP_OPT_LENGTH] = { "length", 0, OPT_REQUIRED, "LEN", "bytes (with --iova)", OPT_CPL_NONE,
			   NULL },
	[UNMAP_OPT_RANGE] = { "range", 0, OPT_REQUIRED, "RANGE",
			  "START-END (END inclusive) or START+LEN", OPT_CPL_NONE, NULL },
	[UNMAP_OPT_ALL] = { "all", 0, OPT_NOARG, NULL, "unmap everything in the IOAS", OPT_CPL_NONE,
			NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt query_opts[] = {
	[QUERY_OPT_IOAS] = { "ioas", 0, OPT_REQUIRED, "ID", "the IOAS to describe", OPT_CPL_ID,
			 NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt copy_opts[] = {
	[COPY_OPT_SRC_IOAS] = { "src-ioas", 0, OPT_REQUIRED, "ID", "the IOAS to copy from",
				OPT_CPL_ID, NULL },
	[COPY_OPT_DST_IOAS] = { "dst-ioas", 0, OPT_REQUIRED, "ID",
				"the IOAS to copy into (may be the same)", OPT_CPL_ID, NULL },
	[COPY_OPT_SRC_IOVA] = { "src-iova", 0, OPT_REQUIRED, "IOVA",
				"first IOVA of the source (with --length)", OPT_CPL_NONE, NULL },
	[COPY_OPT_LENGTH] = { "length", 0, OPT_REQUIRED, "LEN", "bytes (with --src-iova)",
			      OPT_CPL_NONE, NULL },
	[COPY_OPT_RANGE] = { "range", 0, OPT_REQUIRED, "RANGE",
			     "the source: START-END (END inclusive) or START+LEN", OPT_CPL_NONE,
			     NULL },
	[COPY_OPT_DST_IOVA] = { "dst-iova", 0, OPT_REQUIRED, "IOVA",
				"map at this IOVA (FIXED_IOVA); default: the backend chooses",
				OPT_CPL_NONE, NULL },
	[COPY_OPT_READONLY] = { "readonly", 0, OPT_NOARG, NULL, "device reads only (READABLE)",
				OPT_CPL_NONE, NULL },
	[COPY_OPT_WRITEONLY] = { "writeonly", 0, OPT_NOARG, NULL,
				 "device writes only (WRITEABLE)", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

#define GROUP_OPTS(name) \
	static const struct cmd_opt name[] = { \
		IOMMUCTL_META_OPTS, \
		{ "list-cmds", 0, OPT_NOARG, NULL, "list the subcommands (for shell completion)", \
		  OPT_CPL_NONE, NULL }, \
		{ NULL, 0, 0, NULL, NULL, 0, NULL }, \
	}

GROUP_OPTS(allow_group_opts);
GROUP_OPTS(option_group_opts);
GROUP_OPTS(vfio_group_opts);

static const struct cmd_opt allow_opts[] = {
	[ALLOW_OPT_IOAS] = { "ioas", 0, OPT_REQUIRED, "ID", "the IOAS", OPT_CPL_ID, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt option_opts[] = {
	[OPTION_OPT_IOAS] = { "ioas", 0, OPT_REQUIRED, "ID", "the IOAS (huge-pages)", OPT_CPL_ID,
			      NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt vfio_set_opts[] = {
	[VFIO_OPT_IOAS] = { "ioas", 0, OPT_REQUIRED, "ID",
			    "the IOAS the VFIO compatibility ioctls are to use", OPT_CPL_ID, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt shell_opts[] = {
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt status_opts[] = {
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt doctor_opts[] = {
	[DOCTOR_OPT_MEMORY] = { "memory", 0, OPT_REQUIRED, "SIZE",
			    "memory the user will pin: checked against RLIMIT_MEMLOCK",
			    OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt hwinfo_opts[] = {
	[HWINFO_OPT_DEV_ID] = { "dev-id", 0, OPT_REQUIRED, "ID",
			    "a device bound to the context (a mock device on the simulator)",
			    OPT_CPL_ID, NULL },
	[HWINFO_OPT_DEVICE] = { "device", 0, OPT_REQUIRED, "DEV",
			    "a VFIO cdev (/dev/vfio/devices/vfioN, vfioN) or PCI address, bound "
			    "for the length of the command (kernel only)", OPT_CPL_FILE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

GROUP_OPTS(mock_group_opts);
GROUP_OPTS(device_group_opts);
GROUP_OPTS(hwpt_group_opts);

static const char *const *hwpt_data_words(void)
{
	static const char *const w[] = { "vtd_s1", "arm_smmuv3", "amd_guest", "selftest", NULL };

	return w;
}

static const char *const *inval_data_words(void)
{
	static const char *const w[] = { "vtd_s1", "arm_smmuv3", "selftest", NULL };

	return w;
}

static const struct cmd_opt hwpt_alloc_opts[] = {
	[HWPT_OPT_DEV_ID] = { "dev-id", 0, OPT_REQUIRED, "ID", "the device it is for",
			  OPT_CPL_ID, NULL },
	[HWPT_OPT_PT] = { "pt", 0, OPT_REQUIRED, "ID",
		      "an IOAS (a paging HWPT) or a nest parent HWPT (a nested one)", OPT_CPL_ID,
		      NULL },
	[HWPT_OPT_NEST_PARENT] = { "nest-parent", 0, OPT_NOARG, NULL,
			       "a paging HWPT that nested ones can sit on (NEST_PARENT)",
			       OPT_CPL_NONE, NULL },
	[HWPT_OPT_DIRTY] = { "dirty-tracking", 0, OPT_NOARG, NULL,
			 "able to track dirty pages (DIRTY_TRACKING)", OPT_CPL_NONE, NULL },
	[HWPT_OPT_PASID] = { "pasid", 0, OPT_NOARG, NULL,
			 "usable for PASID attachments (PASID)", OPT_CPL_NONE, NULL },
	[HWPT_OPT_FAULT] = { "fault", 0, OPT_REQUIRED, "ID",
			 "report I/O page faults to this fault queue (FAULT_ID_VALID)",
			 OPT_CPL_ID, NULL },
	[HWPT_OPT_DATA_TYPE] = { "data-type", 0, OPT_REQUIRED, "TYPE",
			     "a nested HWPT: the driver data's type", OPT_CPL_WORDS,
			     hwpt_data_words },
	[HWPT_OPT_DATA] = { "data", 0, OPT_REQUIRED, "FIELD=VALUE,...",
			"the driver data, by the fields of its uAPI struct", OPT_CPL_NONE, NULL },
	[HWPT_OPT_NAME] = { "name", 0, OPT_REQUIRED, "NAME",
			"call it @NAME in later lines (batch and shell)", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt hwpt_set_dirty_opts[] = {
	[DIRTY_OPT_HWPT] = { "hwpt", 0, OPT_REQUIRED, "ID", "the HWPT", OPT_CPL_ID, NULL },
	[DIRTY_OPT_ON] = { "on", 0, OPT_NOARG, NULL, "start tracking", OPT_CPL_NONE, NULL },
	[DIRTY_OPT_OFF] = { "off", 0, OPT_NOARG, NULL, "stop tracking", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt hwpt_get_dirty_opts[] = {
	[GETD_OPT_HWPT] = { "hwpt", 0, OPT_REQUIRED, "ID", "the HWPT", OPT_CPL_ID, NULL },
	[GETD_OPT_RANGE] = { "range", 0, OPT_REQUIRED, "RANGE",
			  "the IOVAs to read: START-END or START+LEN", OPT_CPL_NONE, NULL },
	[GETD_OPT_PAGE_SIZE] = { "page-size", 0, OPT_REQUIRED, "SIZE",
			      "the bitmap's granule (default 4K)", OPT_CPL_NONE, NULL },
	[GETD_OPT_NO_CLEAR] = { "no-clear", 0, OPT_NOARG, NULL,
			     "leave the dirty bits set (NO_CLEAR)", OPT_CPL_NONE, NULL },
	[GETD_OPT_BITMAP] = { "bitmap", 0, OPT_NOARG, NULL, "print the raw bitmap too",
			   OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt hwpt_invalidate_opts[] = {
	[INVAL_OPT_HWPT] = { "hwpt", 0, OPT_REQUIRED, "ID", "the nested HWPT", OPT_CPL_ID, NULL },
	[INVAL_OPT_DATA_TYPE] = { "data-type", 0, OPT_REQUIRED, "TYPE", "the entry's type",
			      OPT_CPL_WORDS, inval_data_words },
	[INVAL_OPT_ENTRY] = { "entry", 0, OPT_REQUIRED, "FIELD=VALUE,...",
			  "the invalidation entry, by the fields of its uAPI struct",
			  OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt device_plain_opts[] = {
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt device_bind_opts[] = {
	[DEVICE_BIND_OPT_DEVICE] = { "device", 0, OPT_REQUIRED, "DEV",
				 "a VFIO cdev (/dev/vfio/devices/vfioN, vfioN) or the PCI address "
				 "of a device on vfio-pci", OPT_CPL_FILE, NULL },
	[DEVICE_BIND_OPT_FD] = { "device-fd", 0, OPT_REQUIRED, "N",
			     "an fd of the cdev this process inherited: the binding lives as "
			     "long as the caller keeps it", OPT_CPL_NONE, NULL },
	[DEVICE_BIND_OPT_NAME] = { "name", 0, OPT_REQUIRED, "NAME",
			       "call it @NAME in later lines (batch and shell)", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt device_attach_opts[] = {
	[DEVICE_ATTACH_OPT_DEV_ID] = { "dev-id", 0, OPT_REQUIRED, "ID",
				   "a device this batch or shell bound", OPT_CPL_ID, NULL },
	[DEVICE_ATTACH_OPT_FD] = { "device-fd", 0, OPT_REQUIRED, "N",
			       "the device's cdev fd (inherited)", OPT_CPL_NONE, NULL },
	[DEVICE_ATTACH_OPT_PT] = { "pt", 0, OPT_REQUIRED, "ID", "the IOAS or HWPT to attach to",
			       OPT_CPL_ID, NULL },
	[DEVICE_ATTACH_OPT_PASID] = { "pasid", 0, OPT_REQUIRED, "PASID",
				  "attach this PASID of the device only", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt device_detach_opts[] = {
	[DEVICE_DETACH_OPT_DEV_ID] = { "dev-id", 0, OPT_REQUIRED, "ID",
				   "a device this batch or shell bound", OPT_CPL_ID, NULL },
	[DEVICE_DETACH_OPT_FD] = { "device-fd", 0, OPT_REQUIRED, "N",
			       "the device's cdev fd (inherited)", OPT_CPL_NONE, NULL },
	[DEVICE_DETACH_OPT_PASID] = { "pasid", 0, OPT_REQUIRED, "PASID",
				  "detach this PASID of the device only", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt mock_domain_opts[] = {
	[MOCK_OPT_IOAS] = { "ioas", 0, OPT_REQUIRED, "ID", "the IOAS to attach the mock device to",
			OPT_CPL_ID, NULL },
	[MOCK_OPT_NO_DIRTY] = { "no-dirty", 0, OPT_NOARG, NULL,
			    "a device without dirty tracking (MOCK_FLAGS_DEVICE_NO_DIRTY)",
			    OPT_CPL_NONE, NULL },
	[MOCK_OPT_PASID] = { "pasid", 0, OPT_NOARG, NULL,
			 "a device with PASIDs (MOCK_FLAGS_DEVICE_PASID)", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt mock_replace_opts[] = {
	[MOCK_REPLACE_OPT_STDEV] = { "stdev", 0, OPT_REQUIRED, "ID", "the mock device (STDEV_ID)",
				 OPT_CPL_ID, NULL },
	[MOCK_REPLACE_OPT_PT] = { "pt", 0, OPT_REQUIRED, "ID", "the IOAS or HWPT to move it to",
			      OPT_CPL_ID, NULL },
	[MOCK_REPLACE_OPT_PASID] = { "pasid", 0, OPT_REQUIRED, "PASID",
				 "move this PASID's attachment (PASID_REPLACE)", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt mock_attach_opts[] = {
	[MOCK_ATTACH_OPT_STDEV] = { "stdev", 0, OPT_REQUIRED, "ID", "the mock device (STDEV_ID)",
				OPT_CPL_ID, NULL },
	[MOCK_ATTACH_OPT_PT] = { "pt", 0, OPT_REQUIRED, "ID", "the IOAS or HWPT to attach to",
			     OPT_CPL_ID, NULL },
	[MOCK_ATTACH_OPT_PASID] = { "pasid", 0, OPT_REQUIRED, "PASID",
				"the PASID (default 0: the device itself)", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt mock_detach_opts[] = {
	[MOCK_DETACH_OPT_STDEV] = { "stdev", 0, OPT_REQUIRED, "ID", "the mock device (STDEV_ID)",
				OPT_CPL_ID, NULL },
	[MOCK_DETACH_OPT_PASID] = { "pasid", 0, OPT_REQUIRED, "PASID",
				"the PASID (default 0: the device itself)", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt mock_check_opts[] = {
	[MOCK_CHECK_OPT_STDEV] = { "stdev", 0, OPT_REQUIRED, "ID", "the mock device (STDEV_ID)",
			       OPT_CPL_ID, NULL },
	[MOCK_CHECK_OPT_PASID] = { "pasid", 0, OPT_REQUIRED, "PASID",
			       "the PASID (default 0: the device itself)", OPT_CPL_NONE, NULL },
	[MOCK_CHECK_OPT_HWPT] = { "hwpt", 0, OPT_REQUIRED, "ID",
			      "the HWPT it must be attached to (default: none)", OPT_CPL_ID, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt mock_reserve_opts[] = {
	[MOCK_RESERVE_OPT_IOAS] = { "ioas", 0, OPT_REQUIRED, "ID", "the IOAS", OPT_CPL_ID, NULL },
	[MOCK_RESERVE_OPT_RANGE] = { "range", 0, OPT_REQUIRED, "RANGE",
				 "START-END (END inclusive) or START+LEN", OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

GROUP_OPTS(fault_group_opts);
GROUP_OPTS(viommu_group_opts);
GROUP_OPTS(vdevice_group_opts);
GROUP_OPTS(veventq_group_opts);
GROUP_OPTS(hw_queue_group_opts);

#define NAME_OPT \
	{ "name", 0, OPT_REQUIRED, "NAME", "call it @NAME in later lines (batch and shell)", \
	  OPT_CPL_NONE, NULL }
#define WAIT_OPT \
	{ "wait", 0, OPT_REQUIRED, "SECS", \
	  "wait up to SECS seconds for the first record (default: do not wait)", OPT_CPL_NONE, \
	  NULL }

static const char *const *viommu_type_words(void)
{
	static const char *const w[] = { "arm_smmuv3", "tegra241_cmdqv", "selftest", NULL };

	return w;
}

static const char *const *hw_queue_type_words(void)
{
	static const char *const w[] = { "tegra241_cmdqv", "selftest", NULL };

	return w;
}

static const char *const *response_code_words(void)
{
	static const char *const w[] = { "success", "invalid", NULL };

	return w;
}

static const struct cmd_opt fault_alloc_opts[] = {
	[FAULT_ALLOC_OPT_NAME] = NAME_OPT,
	[FAULT_ALLOC_OPT_FD] = { "fault-fd", 0, OPT_REQUIRED, "N",
				 "with -- COMMAND: run COMMAND with the queue's fd at N",
				 OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt fault_read_opts[] = {
	[FAULT_READ_OPT_FAULT] = { "fault", 0, OPT_REQUIRED, "ID",
				   "a fault queue this batch or shell allocated", OPT_CPL_ID, NULL },
	[FAULT_READ_OPT_FD] = { "fault-fd", 0, OPT_REQUIRED, "N",
				"the fault queue's fd (inherited)", OPT_CPL_FD, NULL },
	[FAULT_READ_OPT_WAIT] = WAIT_OPT,
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt fault_respond_opts[] = {
	[FAULT_RESP_OPT_FAULT] = { "fault", 0, OPT_REQUIRED, "ID",
				   "a fault queue this batch or shell allocated", OPT_CPL_ID, NULL },
	[FAULT_RESP_OPT_FD] = { "fault-fd", 0, OPT_REQUIRED, "N",
				"the fault queue's fd (inherited)", OPT_CPL_FD, NULL },
	[FAULT_RESP_OPT_COOKIE] = { "cookie", 0, OPT_REQUIRED, "N",
				    "the fault group to answer (fault read's COOKIE)", OPT_CPL_NONE,
				    NULL },
	[FAULT_RESP_OPT_CODE] = { "code", 0, OPT_REQUIRED, "CODE",
				  "success (default), invalid, or a number", OPT_CPL_WORDS,
				  response_code_words },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt viommu_alloc_opts[] = {
	[VIOMMU_OPT_DEV_ID] = { "dev-id", 0, OPT_REQUIRED, "ID",
				"a device behind the IOMMU to virtualize", OPT_CPL_ID, NULL },
	[VIOMMU_OPT_HWPT] = { "hwpt", 0, OPT_REQUIRED, "ID", "the nest parent HWPT (stage 2)",
			      OPT_CPL_ID, NULL },
	[VIOMMU_OPT_TYPE] = { "type", 0, OPT_REQUIRED, "TYPE",
			      "arm_smmuv3, tegra241_cmdqv, selftest, or a number", OPT_CPL_WORDS,
			      viommu_type_words },
	[VIOMMU_OPT_DATA] = { "data", 0, OPT_REQUIRED, "FIELD=VALUE,...",
			      "the type's input data (selftest: in_data)", OPT_CPL_NONE, NULL },
	[VIOMMU_OPT_NAME] = NAME_OPT,
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt vdevice_alloc_opts[] = {
	[VDEV_OPT_VIOMMU] = { "viommu", 0, OPT_REQUIRED, "ID", "the vIOMMU", OPT_CPL_ID, NULL },
	[VDEV_OPT_DEV_ID] = { "dev-id", 0, OPT_REQUIRED, "ID", "the physical device", OPT_CPL_ID,
			      NULL },
	[VDEV_OPT_VIRT_ID] = { "virt-id", 0, OPT_REQUIRED, "N",
			       "its ID in the guest (a vSID, vRID, ...)", OPT_CPL_NONE, NULL },
	[VDEV_OPT_NAME] = NAME_OPT,
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt veventq_alloc_opts[] = {
	[VEVQ_ALLOC_OPT_VIOMMU] = { "viommu", 0, OPT_REQUIRED, "ID", "the vIOMMU", OPT_CPL_ID,
				    NULL },
	[VEVQ_ALLOC_OPT_TYPE] = { "type", 0, OPT_REQUIRED, "TYPE",
				  "arm_smmuv3, tegra241_cmdqv, selftest, or a number",
				  OPT_CPL_WORDS, viommu_type_words },
	[VEVQ_ALLOC_OPT_DEPTH] = { "depth", 0, OPT_REQUIRED, "N",
				   "events it holds before it loses some (default 64)",
				   OPT_CPL_NONE, NULL },
	[VEVQ_ALLOC_OPT_NAME] = NAME_OPT,
	[VEVQ_ALLOC_OPT_FD] = { "veventq-fd", 0, OPT_REQUIRED, "N",
				"with -- COMMAND: run COMMAND with the queue's fd at N",
				OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt veventq_read_opts[] = {
	[VEVQ_READ_OPT_VEVENTQ] = { "veventq", 0, OPT_REQUIRED, "ID",
				    "a vEVENTQ this batch or shell allocated", OPT_CPL_ID, NULL },
	[VEVQ_READ_OPT_FD] = { "veventq-fd", 0, OPT_REQUIRED, "N", "the vEVENTQ's fd (inherited)",
			       OPT_CPL_FD, NULL },
	[VEVQ_READ_OPT_TYPE] = { "type", 0, OPT_REQUIRED, "TYPE",
				 "with --veventq-fd: the events' type, if the fd's environment "
				 "does not say", OPT_CPL_WORDS, viommu_type_words },
	[VEVQ_READ_OPT_WAIT] = WAIT_OPT,
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt hw_queue_alloc_opts[] = {
	[HWQ_OPT_VIOMMU] = { "viommu", 0, OPT_REQUIRED, "ID", "the vIOMMU", OPT_CPL_ID, NULL },
	[HWQ_OPT_TYPE] = { "type", 0, OPT_REQUIRED, "TYPE", "tegra241_cmdqv, selftest, or a number",
			   OPT_CPL_WORDS, hw_queue_type_words },
	[HWQ_OPT_INDEX] = { "index", 0, OPT_REQUIRED, "N", "the queue's index (default 0)",
			    OPT_CPL_NONE, NULL },
	[HWQ_OPT_BASE] = { "base-addr", 0, OPT_REQUIRED, "IOVA",
			   "the queue's guest physical address, mapped in the nest parent",
			   OPT_CPL_NONE, NULL },
	[HWQ_OPT_LENGTH] = { "length", 0, OPT_REQUIRED, "LEN", "the queue's size in bytes",
			     OPT_CPL_NONE, NULL },
	[HWQ_OPT_NAME] = NAME_OPT,
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt mock_iopf_opts[] = {
	[IOPF_OPT_DEV_ID] = { "dev-id", 0, OPT_REQUIRED, "ID", "the mock device (its IDEV_ID)",
			      OPT_CPL_ID, NULL },
	[IOPF_OPT_PASID] = { "pasid", 0, OPT_REQUIRED, "PASID", "the PASID (default 0: none)",
			     OPT_CPL_NONE, NULL },
	[IOPF_OPT_GRPID] = { "grpid", 0, OPT_REQUIRED, "N", "the page request group (default 0)",
			     OPT_CPL_NONE, NULL },
	[IOPF_OPT_PERM] = { "perm", 0, OPT_REQUIRED, "PERM",
			    "the access: letters of rwxp (default rw)", OPT_CPL_NONE, NULL },
	[IOPF_OPT_ADDR] = { "addr", 0, OPT_REQUIRED, "ADDR", "the faulting address (default 0)",
			    OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt mock_vevent_opts[] = {
	[VEVT_OPT_DEV_ID] = { "dev-id", 0, OPT_REQUIRED, "ID",
			      "the mock device (it needs a vDevice)", OPT_CPL_ID, NULL },
	[VEVT_OPT_COUNT] = { "count", 0, OPT_REQUIRED, "N", "report N vEVENTs (default 1)",
			     OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt mock_dirty_opts[] = {
	[MOCK_DIRTY_OPT_HWPT] = { "hwpt", 0, OPT_REQUIRED, "ID",
				  "the paging HWPT (tracking dirty pages)", OPT_CPL_ID, NULL },
	[MOCK_DIRTY_OPT_RANGE] = { "range", 0, OPT_REQUIRED, "RANGE",
				   "the IOVAs: START-END (END inclusive) or START+LEN", OPT_CPL_NONE,
				   NULL },
	[MOCK_DIRTY_OPT_PAGE_SIZE] = { "page-size", 0, OPT_REQUIRED, "SIZE",
				       "the bitmap's granule (default 4K)", OPT_CPL_NONE, NULL },
	[MOCK_DIRTY_OPT_BITMAP] = { "bitmap", 0, OPT_REQUIRED, "HEX",
				    "bit i marks the page at START + i * SIZE (default: all)",
				    OPT_CPL_NONE, NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

GROUP_OPTS(sim_group_opts);

static const struct cmd_opt sim_create_opts[] = {
	[SIM_CREATE_OPT_PROFILE] = { "profile", 0, OPT_REQUIRED, "PROFILE",
				 "what to emulate (default: default)", OPT_CPL_WORDS,
				 sim_profile_words },
	[SIM_CREATE_OPT_APERTURE_BITS] = { "aperture-bits", 0, OPT_REQUIRED, "BITS",
				       "intel-vtd: the address width, 39 (default) or 48",
				       OPT_CPL_WORDS, aperture_bits_words },
	[SIM_CREATE_OPT_FORCE] = { "force", 0, OPT_NOARG, NULL, "replace an existing state",
			       OPT_CPL_NONE, NULL },
	[SIM_CREATE_OPT_MSI] = { "msi", 0, OPT_REQUIRED, "ISOLATION",
			     "the host's MSI isolation: isolated, unsafe-allowed (none, but "
			     "allow_unsafe_interrupts=Y) or unisolated (device bind: EPERM)",
			     OPT_CPL_WORDS, sim_msi_words },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt sim_sysroot_opts[] = {
	[SIM_SYSROOT_OPT_FORCE] = { "force", 0, OPT_NOARG, NULL,
				"replace a tree sim sysroot wrote there before", OPT_CPL_NONE,
				NULL },
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt sim_plain_opts[] = {
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cmd_opt help_opts[] = {
	IOMMUCTL_META_OPTS,
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

#define FAMILIES(...) ((const struct out_family *const[]){ __VA_ARGS__, NULL })

const struct iommuctl_cmd iommuctl_commands[] = {
	{ NULL, "alloc", cmd_alloc, "allocate an IOAS (IOMMU_IOAS_ALLOC)", "[--name NAME]",
	  alloc_opts, FAMILIES(&fam_new_ioas), CMD_MUTATES },
	{ NULL, "free", cmd_free, "destroy objects by ID (IOMMU_DESTROY)", "ID...",
	  free_opts, FAMILIES(&fam_freed), CMD_MUTATES },
	{ NULL, "map", cmd_map, "map memory into an IOAS (IOMMU_IOAS_MAP, IOMMU_IOAS_MAP_FILE)",
	  "--ioas ID (--size SIZE [--hugepages] [--anonymous] | --sim-mem SIZE | --file PATH [--offset OFF] "
	  "--length LEN) [--iova IOVA] [--readonly | --writeonly]",
	  map_opts, FAMILIES(&fam_mapping), CMD_MUTATES },
	{ NULL, "unmap", cmd_unmap, "unmap IOVA ranges (IOMMU_IOAS_UNMAP)",
	  "--ioas ID (--iova IOVA --length LEN | --range START-END | --range START+LEN | --all)",
	  unmap_opts, FAMILIES(&fam_unmap), CMD_MUTATES },
	{ NULL, "copy", cmd_copy,
	  "map a range of one IOAS into another, same pages (IOMMU_IOAS_COPY)",
	  "--src-ioas ID --dst-ioas ID (--src-iova IOVA --length LEN | --range START-END | "
	  "--range START+LEN) [--dst-iova IOVA] [--readonly | --writeonly]",
	  copy_opts, FAMILIES(&fam_copy), CMD_MUTATES },
	{ NULL, "allow", NULL, "set, show or clear an IOAS's allowed IOVAs (IOMMU_IOAS_ALLOW_IOVAS)",
	  "set|show|clear", allow_group_opts, NULL, CMD_GROUP },
	{ "allow", "set", cmd_allow_set, "replace the allowed list with these ranges",
	  "--ioas ID RANGE... (RANGE: START-END or START+LEN)", allow_opts,
	  FAMILIES(&fam_allowed_iovas, &fam_allow), CMD_MUTATES },
	{ "allow", "show", cmd_allow_show, "show the allowed list", "--ioas ID", allow_opts,
	  FAMILIES(&fam_allowed_iovas, &fam_allow), 0 },
	{ "allow", "clear", cmd_allow_clear, "empty the allowed list", "--ioas ID", allow_opts,
	  FAMILIES(&fam_allowed_iovas, &fam_allow), CMD_MUTATES },
	{ NULL, "option", NULL, "get or set RLIMIT_MODE and HUGE_PAGES (IOMMU_OPTION)", "get|set",
	  option_group_opts, NULL, CMD_GROUP },
	{ "option", "get", cmd_option_get, "show options",
	  "[rlimit-mode | huge-pages] [--ioas ID]", option_opts, FAMILIES(&fam_options), 0 },
	{ "option", "set", cmd_option_set, "set an option",
	  "rlimit-mode user|mm | huge-pages on|off --ioas ID", option_opts,
	  FAMILIES(&fam_options), CMD_MUTATES },
	{ NULL, "vfio-ioas", NULL,
	  "the IOAS of the VFIO compatibility ioctls (IOMMU_VFIO_IOAS)", "get|set|clear",
	  vfio_group_opts, NULL, CMD_GROUP },
	{ "vfio-ioas", "get", cmd_vfio_ioas_get, "show the VFIO compatibility IOAS", "",
	  shell_opts, FAMILIES(&fam_vfio_ioas), 0 },
	{ "vfio-ioas", "set", cmd_vfio_ioas_set, "make an IOAS the VFIO compatibility IOAS",
	  "--ioas ID", vfio_set_opts, FAMILIES(&fam_vfio_ioas), CMD_MUTATES },
	{ "vfio-ioas", "clear", cmd_vfio_ioas_clear, "unset the VFIO compatibility IOAS", "",
	  shell_opts, FAMILIES(&fam_vfio_ioas), CMD_MUTATES },
	{ NULL, "query", cmd_query, "describe an IOAS, or list the objects (simulator)",
	  "[--ioas ID]", query_opts,
	  FAMILIES(&fam_ioas, &fam_iova_ranges, &fam_allowed_iovas, &fam_areas, &fam_objects),
	  0 },
	{ NULL, "status", cmd_status, "the backend, the device node, and the ioctls it supports",
	  "", status_opts, FAMILIES(&fam_status, &fam_ioctls), 0 },
	{ NULL, "hw-info", cmd_hw_info,
	  "a device's IOMMU hardware information, decoded (IOMMU_GET_HW_INFO)",
	  "(--dev-id ID | --device CDEV|PCI-ADDRESS)", hwinfo_opts,
	  FAMILIES(&fam_hw_fields, &fam_hw_info, &fam_hw_regs), 0 },
	{ NULL, "mock", NULL, "the kernel's selftest mock devices (IOMMU_TEST_CMD)",
	  "domain|replace|attach|detach|check|reserve|trigger-iopf|trigger-vevent|dirty",
	  mock_group_opts, NULL, CMD_GROUP },
	{ "mock", "domain", cmd_mock_domain,
	  "a mock device attached to an IOAS through a new mock domain",
	  "--ioas ID [--no-dirty] [--pasid]", mock_domain_opts, FAMILIES(&fam_mock), CMD_MUTATES },
	{ "mock", "replace", cmd_mock_replace, "move a mock device (or a PASID of it) to another IOAS or HWPT",
	  "--stdev ID --pt ID [--pasid PASID]", mock_replace_opts,
	  FAMILIES(&fam_mock_replace, &fam_mock_attach), CMD_MUTATES },
	{ "mock", "attach", cmd_mock_attach, "attach a mock device at a PASID (PASID_ATTACH)",
	  "--stdev ID --pt ID [--pasid PASID]", mock_attach_opts, FAMILIES(&fam_mock_attach),
	  CMD_MUTATES },
	{ "mock", "detach", cmd_mock_detach, "detach a mock device at a PASID (PASID_DETACH)",
	  "--stdev ID [--pasid PASID]", mock_detach_opts, FAMILIES(&fam_mock_attach), CMD_MUTATES },
	{ "mock", "check", cmd_mock_check,
	  "fail unless a mock device's PASID is attached as said (PASID_CHECK_HWPT)",
	  "--stdev ID [--pasid PASID] [--hwpt ID]", mock_check_opts, FAMILIES(&fam_mock_attach), 0 },
	{ "mock", "reserve", cmd_mock_reserve, "reserve an IOVA range of an IOAS (ADD_RESERVED)",
	  "--ioas ID --range RANGE", mock_reserve_opts, FAMILIES(&fam_mock_reserved), CMD_MUTATES },
	{ "mock", "trigger-iopf", cmd_mock_trigger_iopf,
	  "make a mock device raise an I/O page fault (TRIGGER_IOPF)",
	  "--dev-id ID [--pasid PASID] [--grpid N] [--perm PERM] [--addr ADDR]", mock_iopf_opts,
	  FAMILIES(&fam_mock_iopf), CMD_MUTATES },
	{ "mock", "trigger-vevent", cmd_mock_trigger_vevent,
	  "make a mock device report vEVENTs to its vIOMMU (TRIGGER_VEVENT)",
	  "--dev-id ID [--count N]", mock_vevent_opts, FAMILIES(&fam_mock_vevent), CMD_MUTATES },
	{ "mock", "dirty", cmd_mock_dirty,
	  "mark pages of a mock domain dirty, as its device wrote them (IOMMU_TEST_OP_DIRTY)",
	  "--hwpt ID --range RANGE [--page-size SIZE] [--bitmap HEX]", mock_dirty_opts,
	  FAMILIES(&fam_mock_dirty), CMD_MUTATES },
	{ NULL, "device", NULL, "VFIO devices: to vfio-pci and back, bound, attached",
	  "list|vfio-bind|vfio-release|bind|attach|detach", device_group_opts, NULL, CMD_GROUP },
	{ "device", "list", cmd_device_list, "the host's VFIO devices, their groups and IOMMUs",
	  "", device_plain_opts, FAMILIES(&fam_vfio_devs), 0 },
	{ "device", "vfio-bind", cmd_device_vfio_bind,
	  "move PCI devices to vfio-pci (writes sysfs)", "PCI-ADDRESS...", device_plain_opts,
	  FAMILIES(&fam_vfio_move, &fam_sysfs_writes), CMD_MUTATES },
	{ "device", "vfio-release", cmd_device_vfio_release,
	  "give PCI devices back to the driver they had (writes sysfs)", "PCI-ADDRESS...",
	  device_plain_opts, FAMILIES(&fam_vfio_move, &fam_sysfs_writes), CMD_MUTATES },
	{ "device", "bind", cmd_device_bind, "bind a VFIO device to the iommufd",
	  "(--device CDEV|PCI-ADDRESS | --device-fd N) [--name NAME]", device_bind_opts,
	  FAMILIES(&fam_device), CMD_MUTATES },
	{ "device", "attach", cmd_device_attach, "attach a bound device to an IOAS or HWPT",
	  "(--dev-id ID | --device-fd N) --pt ID [--pasid PASID]", device_attach_opts,
	  FAMILIES(&fam_attach), CMD_MUTATES },
	{ "device", "detach", cmd_device_detach, "detach a bound device",
	  "(--dev-id ID | --device-fd N) [--pasid PASID]", device_detach_opts,
	  FAMILIES(&fam_attach), CMD_MUTATES },
	{ NULL, "hwpt", NULL, "hardware page tables: paging, nested, dirty tracking, invalidation",
	  "alloc|set-dirty|get-dirty|invalidate", hwpt_group_opts, NULL, CMD_GROUP },
	{ "hwpt", "alloc", cmd_hwpt_alloc, "allocate a HWPT for a device (IOMMU_HWPT_ALLOC)",
	  "--dev-id ID --pt ID [--nest-parent] [--dirty-tracking] [--pasid] [--fault ID] "
	  "[--data-type TYPE --data FIELD=VALUE,...] [--name NAME]", hwpt_alloc_opts,
	  FAMILIES(&fam_hwpt), CMD_MUTATES },
	{ "hwpt", "set-dirty", cmd_hwpt_set_dirty,
	  "start or stop dirty tracking (IOMMU_HWPT_SET_DIRTY_TRACKING)", "--hwpt ID (--on | --off)",
	  hwpt_set_dirty_opts, FAMILIES(&fam_dirty_state), CMD_MUTATES },
	{ "hwpt", "get-dirty", cmd_hwpt_get_dirty,
	  "read (and clear) the dirty bits of a range (IOMMU_HWPT_GET_DIRTY_BITMAP)",
	  "--hwpt ID --range RANGE [--page-size SIZE] [--no-clear] [--bitmap]",
	  hwpt_get_dirty_opts, FAMILIES(&fam_dirty_ranges, &fam_bitmap_words), CMD_MUTATES },
	{ "hwpt", "invalidate", cmd_hwpt_invalidate,
	  "invalidate a nested HWPT's caches (IOMMU_HWPT_INVALIDATE)",
	  "--hwpt ID --data-type TYPE --entry FIELD=VALUE,...", hwpt_invalidate_opts,
	  FAMILIES(&fam_invalidate), CMD_MUTATES },
	{ NULL, "fault", NULL, "fault queues: I/O page faults read and answered",
	  "alloc|read|respond", fault_group_opts, NULL, CMD_GROUP },
	{ "fault", "alloc", cmd_fault_alloc, "allocate a fault queue (IOMMU_FAULT_QUEUE_ALLOC)",
	  "[--name NAME] [--fault-fd N -- COMMAND [ARG...]]", fault_alloc_opts,
	  FAMILIES(&fam_fault_queue), CMD_MUTATES },
	{ "fault", "read", cmd_fault_read, "read the faults waiting in a fault queue",
	  "(--fault ID | --fault-fd N) [--wait SECS]", fault_read_opts, FAMILIES(&fam_pgfaults),
	  CMD_MUTATES },
	{ "fault", "respond", cmd_fault_respond, "answer a fault group read from a fault queue",
	  "(--fault ID | --fault-fd N) --cookie N [--code CODE]", fault_respond_opts,
	  FAMILIES(&fam_page_responses), CMD_MUTATES },
	{ NULL, "viommu", NULL, "virtual IOMMUs (IOMMU_VIOMMU_ALLOC)", "alloc", viommu_group_opts,
	  NULL, CMD_GROUP },
	{ "viommu", "alloc", cmd_viommu_alloc, "allocate a vIOMMU on a nest parent HWPT",
	  "--dev-id ID --hwpt ID --type TYPE [--data FIELD=VALUE,...] [--name NAME]",
	  viommu_alloc_opts, FAMILIES(&fam_viommu), CMD_MUTATES },
	{ NULL, "vdevice", NULL, "a device's virtual ID in a vIOMMU (IOMMU_VDEVICE_ALLOC)", "alloc",
	  vdevice_group_opts, NULL, CMD_GROUP },
	{ "vdevice", "alloc", cmd_vdevice_alloc, "give a device its virtual ID in a vIOMMU",
	  "--viommu ID --dev-id ID --virt-id N [--name NAME]", vdevice_alloc_opts,
	  FAMILIES(&fam_vdevice), CMD_MUTATES },
	{ NULL, "veventq", NULL, "a vIOMMU's event queues (IOMMU_VEVENTQ_ALLOC)", "alloc|read",
	  veventq_group_opts, NULL, CMD_GROUP },
	{ "veventq", "alloc", cmd_veventq_alloc, "allocate a vEVENTQ for a vIOMMU",
	  "--viommu ID --type TYPE [--depth N] [--name NAME] [--veventq-fd N -- COMMAND [ARG...]]",
	  veventq_alloc_opts,
	  FAMILIES(&fam_veventq), CMD_MUTATES },
	{ "veventq", "read", cmd_veventq_read, "read the vEVENTs waiting in a vEVENTQ",
	  "(--veventq ID | --veventq-fd N [--type TYPE]) [--wait SECS]", veventq_read_opts,
	  FAMILIES(&fam_vevents), CMD_MUTATES },
	{ NULL, "hw-queue", NULL, "hardware queues given to a guest (IOMMU_HW_QUEUE_ALLOC)",
	  "alloc", hw_queue_group_opts, NULL, CMD_GROUP },
	{ "hw-queue", "alloc", cmd_hw_queue_alloc, "allocate a HW queue of a vIOMMU",
	  "--viommu ID --type TYPE [--index N] --base-addr IOVA --length LEN [--name NAME]",
	  hw_queue_alloc_opts, FAMILIES(&fam_hw_queue), CMD_MUTATES },
	{ NULL, "change-process", cmd_change_process,
	  "pin the context's file mappings in this process (IOMMU_IOAS_CHANGE_PROCESS)", "",
	  status_opts, FAMILIES(&fam_change_process), CMD_MUTATES },
	{ NULL, "doctor", cmd_doctor,
	  "is this host (and these devices) ready for passthrough through iommufd",
	  "[--memory SIZE] [PCI-ADDRESS | /dev/vfio/devices/vfioN]...", doctor_opts,
	  FAMILIES(&fam_doctor), 0 },
	{ NULL, "sim", NULL, "manage a simulator state", "create|reset|check|info|sysroot",
	  sim_group_opts, NULL, CMD_GROUP },
	{ "sim", "create", cmd_sim_create, "create a simulator state",
	  "[--profile PROFILE [--aperture-bits BITS]] [--msi ISOLATION] [--force]", sim_create_opts, FAMILIES(&fam_sim),
	  CMD_MUTATES | CMD_SIM_ONLY },
	{ "sim", "reset", cmd_sim_reset, "destroy every object of a simulator state", "",
	  sim_plain_opts, FAMILIES(&fam_sim), CMD_MUTATES | CMD_SIM_ONLY },
	{ "sim", "check", cmd_sim_check, "check a simulator state for consistency", "",
	  sim_plain_opts, FAMILIES(&fam_check), CMD_SIM_ONLY },
	{ "sim", "info", cmd_sim_info, "describe a simulator state", "", sim_plain_opts,
	  FAMILIES(&fam_sim), CMD_SIM_ONLY },
	{ "sim", "sysroot", cmd_sim_sysroot,
	  "write the host the state emulates as a directory tree, for doctor",
	  "[--force] DIR", sim_sysroot_opts, FAMILIES(&fam_sysroot), CMD_SIM_ONLY },
	{ NULL, "shell", cmd_shell,
	  "read commands from a terminal (readline) or stdin, on one context", "",
	  shell_opts, NULL, 0 },
	{ NULL, "help", cmd_help, "show the manual page of a command, or its usage", "[COMMAND]",
	  help_opts, NULL, CMD_NO_JSON },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
};
