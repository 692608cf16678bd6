/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * iommuctl: the command table, the global state and what the commands share.
 *
 * Everything a command is (name, options, columns, flags, help) is declared
 * in commands.c; dispatch, --help, help, --list-cmds, --list-opts, -H, the
 * completions and the man-page drift test all read that table.
 */
#ifndef IOMMUCTL_H
#define IOMMUCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "libiommufd.h"
#include "shared/cmdopt.h"
#include "shared/output.h"
#include "shared/parse.h"
#include "shared/report.h"
#include "session.h"

struct iommuctl;
typedef int (*iommuctl_fn)(struct iommuctl *g, struct cmd_args *a);

#define CMD_MUTATES	(1u << 0)	/* changes state; prints what it created or removed */
#define CMD_SIM_ONLY	(1u << 1)	/* the simulator only (its default backend) */
#define CMD_GROUP	(1u << 2)	/* only holds subcommands */
#define CMD_NO_JSON	(1u << 3)	/* prints no document: -J is a usage error */

struct iommuctl_cmd {
	const char *group;		/* "sim" for "sim create"; NULL at the top level */
	const char *name;
	iommuctl_fn fn;
	const char *summary;
	const char *usage;		/* what follows "iommuctl [OPTIONS] NAME" */
	const struct cmd_opt *options;	/* name-NULL terminated; ends with the meta options */
	const struct out_family *const *columns;	/* NULL-terminated, primary first; or NULL */
	unsigned flags;
};

extern const struct iommuctl_cmd iommuctl_commands[];	/* ends with name NULL */
extern const struct cmd_opt iommuctl_global_opts[];

/* The meta options every command has, last in its options array. */
#define IOMMUCTL_META_OPTS \
	{ "help", 'h', OPT_NOARG, NULL, "show this help", OPT_CPL_NONE, NULL }, \
	{ "list-opts", 0, OPT_NOARG, NULL, "list the options (for shell completion)", \
	  OPT_CPL_NONE, NULL }

/* Option indices: each command's options[] uses designated initializers, and
 * the meta options (--help, --list-opts) follow, found by name. */
enum { G_SIM, G_KERNEL, G_DEV, G_FD, G_PID, G_BATCH, G_FORCE, G_JSON, G_OUTPUT, G_OUTPUT_ALL,
       G_LIST_COLUMNS, G_NOHEADINGS, G_RAW, G_VERBOSE, G_HELP, G_VERSION, G_LIST_CMDS,
       G_LIST_OPTS, G_NOPTS };
enum { ALLOC_OPT_NAME };
enum { MAP_OPT_IOAS, MAP_OPT_SIZE, MAP_OPT_SIM_MEM, MAP_OPT_FILE, MAP_OPT_OFFSET,
       MAP_OPT_LENGTH, MAP_OPT_IOVA, MAP_OPT_READONLY, MAP_OPT_WRITEONLY, MAP_OPT_HUGEPAGES,
       MAP_OPT_ANONYMOUS };
enum { COPY_OPT_SRC_IOAS, COPY_OPT_DST_IOAS, COPY_OPT_SRC_IOVA, COPY_OPT_LENGTH, COPY_OPT_RANGE,
       COPY_OPT_DST_IOVA, COPY_OPT_READONLY, COPY_OPT_WRITEONLY };
enum { ALLOW_OPT_IOAS };
enum { OPTION_OPT_IOAS };
enum { VFIO_OPT_IOAS };
enum { UNMAP_OPT_IOAS, UNMAP_OPT_IOVA, UNMAP_OPT_LENGTH, UNMAP_OPT_RANGE, UNMAP_OPT_ALL };
enum { QUERY_OPT_IOAS };
enum { SIM_CREATE_OPT_PROFILE, SIM_CREATE_OPT_APERTURE_BITS, SIM_CREATE_OPT_FORCE,
       SIM_CREATE_OPT_MSI };
/* sim create --msi: the words, in enum ifd_sim_msi's order from ISOLATED */
extern const char *const sim_msi_words_list[];
enum { SIM_SYSROOT_OPT_FORCE };
enum { DOCTOR_OPT_MEMORY };
enum { HWINFO_OPT_DEV_ID, HWINFO_OPT_DEVICE };
enum { MOCK_OPT_IOAS, MOCK_OPT_NO_DIRTY, MOCK_OPT_PASID };
enum { MOCK_REPLACE_OPT_STDEV, MOCK_REPLACE_OPT_PT, MOCK_REPLACE_OPT_PASID };
enum { MOCK_ATTACH_OPT_STDEV, MOCK_ATTACH_OPT_PT, MOCK_ATTACH_OPT_PASID };
enum { MOCK_DETACH_OPT_STDEV, MOCK_DETACH_OPT_PASID };
enum { MOCK_CHECK_OPT_STDEV, MOCK_CHECK_OPT_PASID, MOCK_CHECK_OPT_HWPT };
enum { MOCK_RESERVE_OPT_IOAS, MOCK_RESERVE_OPT_RANGE };
enum { HWPT_OPT_DEV_ID, HWPT_OPT_PT, HWPT_OPT_NEST_PARENT, HWPT_OPT_DIRTY, HWPT_OPT_PASID,
       HWPT_OPT_FAULT, HWPT_OPT_DATA_TYPE, HWPT_OPT_DATA, HWPT_OPT_NAME };
enum { DIRTY_OPT_HWPT, DIRTY_OPT_ON, DIRTY_OPT_OFF };
enum { GETD_OPT_HWPT, GETD_OPT_RANGE, GETD_OPT_PAGE_SIZE, GETD_OPT_NO_CLEAR, GETD_OPT_BITMAP };
enum { INVAL_OPT_HWPT, INVAL_OPT_DATA_TYPE, INVAL_OPT_ENTRY };
enum { DEVICE_BIND_OPT_DEVICE, DEVICE_BIND_OPT_FD, DEVICE_BIND_OPT_NAME };
enum { DEVICE_ATTACH_OPT_DEV_ID, DEVICE_ATTACH_OPT_FD, DEVICE_ATTACH_OPT_PT, DEVICE_ATTACH_OPT_PASID };
enum { DEVICE_DETACH_OPT_DEV_ID, DEVICE_DETACH_OPT_FD, DEVICE_DETACH_OPT_PASID };
enum { FAULT_ALLOC_OPT_NAME, FAULT_ALLOC_OPT_FD };
enum { FAULT_READ_OPT_FAULT, FAULT_READ_OPT_FD, FAULT_READ_OPT_WAIT };
enum { FAULT_RESP_OPT_FAULT, FAULT_RESP_OPT_FD, FAULT_RESP_OPT_COOKIE, FAULT_RESP_OPT_CODE };
enum { VIOMMU_OPT_DEV_ID, VIOMMU_OPT_HWPT, VIOMMU_OPT_TYPE, VIOMMU_OPT_DATA, VIOMMU_OPT_NAME };
enum { VDEV_OPT_VIOMMU, VDEV_OPT_DEV_ID, VDEV_OPT_VIRT_ID, VDEV_OPT_NAME };
enum { VEVQ_ALLOC_OPT_VIOMMU, VEVQ_ALLOC_OPT_TYPE, VEVQ_ALLOC_OPT_DEPTH, VEVQ_ALLOC_OPT_NAME,
       VEVQ_ALLOC_OPT_FD };
enum { VEVQ_READ_OPT_VEVENTQ, VEVQ_READ_OPT_FD, VEVQ_READ_OPT_TYPE, VEVQ_READ_OPT_WAIT };
enum { HWQ_OPT_VIOMMU, HWQ_OPT_TYPE, HWQ_OPT_INDEX, HWQ_OPT_BASE, HWQ_OPT_LENGTH, HWQ_OPT_NAME };
enum { IOPF_OPT_DEV_ID, IOPF_OPT_PASID, IOPF_OPT_GRPID, IOPF_OPT_PERM, IOPF_OPT_ADDR };
enum { VEVT_OPT_DEV_ID, VEVT_OPT_COUNT };
enum { MOCK_DIRTY_OPT_HWPT, MOCK_DIRTY_OPT_RANGE, MOCK_DIRTY_OPT_PAGE_SIZE, MOCK_DIRTY_OPT_BITMAP };

struct iommuctl {
	const struct iommuctl_cmd *cmd;
	char cmdname[48];		/* "map", "sim create": the prefix of messages */
	struct report rep;
	struct out out;

	/* the backend, from the global options */
	enum ifd_backend backend;
	bool backend_explicit;		/* --sim, --kernel or --dev given */
	const char *dev_path;
	const char *sim_path;
	int fd;				/* --fd, or -1 */
	int pid;			/* --pid, or 0 */
	int verbose;
	struct ifd_ctx *ctx;
	bool list_columns;		/* -H: list the command's columns instead */
	/* -n and -r as given before -b: each line of a batch starts from them */
	bool batch_raw, batch_noheadings;
	struct session session;		/* what outlives one command (batch, shell) */
	bool noted_private;		/* said once that the kernel undoes it all at exit */
	/* The command's output is a complete report even though it fails
	 * (status without iommufd, sim check of a broken state): print it. */
	bool report_on_failure;
	/* The command printed its output itself (before it ran a COMMAND). */
	bool flushed;
};

/* Open the context the global options ask for; reports
 * a failure and returns its exit code, or 0.  Commands open it once their
 * arguments are checked, so a usage error never depends on the backend. */
int iommuctl_open(struct iommuctl *g);
/* The same without reporting: 0, or -errno with *e saying why. */
int iommuctl_open_ctx(struct iommuctl *g, struct ifd_error *e);
/* Report a failed open (with 'why' as the message, if not NULL); returns the
 * exit code: 3 when the kernel was asked for and iommufd is absent. */
int iommuctl_open_failed(struct iommuctl *g, struct ifd_error *e, const char *why);

/* Report the context's last error about 'object' (may be NULL), with what
 * was already done (partial; may be NULL/NULL); returns the exit code. */
int iommuctl_fail(struct iommuctl *g, const char *object, const char *partial_text,
		  struct json_object *partial_json);
/* Report a failure that is not in the context (errno err). */
int iommuctl_fail_errno(struct iommuctl *g, const char *object, const char *what, int err,
			const char *message, const char *hint);
/* The /sys/class/iommu name of the unit of a simulator platform
 * (struct ifd_sim_platform's iommu), "" for the selftest mock. */
const char *sim_iommu_unit(const char *iommu);
int iommuctl_usage(struct iommuctl *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void iommuctl_note(struct iommuctl *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Resolve -o against the command's primary family: 0 or EXIT_USAGE. */
int iommuctl_columns(struct iommuctl *g, const struct out_family *f);

/* Option values, parsed strictly; on a bad value they report it and return
 * EXIT_USAGE. */
int arg_u64(struct iommuctl *g, const struct cmd_args *a, int idx, uint64_t *v);
int arg_size(struct iommuctl *g, const struct cmd_args *a, int idx, uint64_t *v);
int arg_id(struct iommuctl *g, const struct cmd_args *a, int idx, uint32_t *v);
int arg_range(struct iommuctl *g, const struct cmd_args *a, int idx, struct parse_range *v);
/* --range and --page-size (*pgsize keeps its default unless given) of a
 * dirty bitmap: a power of two, and a range whose length fits 64 bits. */
int arg_bitmap_range(struct iommuctl *g, const struct cmd_args *a, int range, int page_size,
		     struct parse_range *r, uint64_t *pgsize);
/* An object ID as typed (a number, or @NAME in a batch or the shell); 'what'
 * names it in the message ("--ioas", "ID").  0 or EXIT_USAGE (reported). */
int iommuctl_parse_id(struct iommuctl *g, const char *what, const char *text, uint32_t *id);

/* --name NAME of an allocating command: 0 when NULL or valid in this
 * session, else EXIT_USAGE (reported). */
int iommuctl_name_arg(struct iommuctl *g, const char *name);

/* A value given by name or as a number (--type, --code). */
struct named_value {
	const char *name;
	uint32_t value;
};
/* Option idx: one of the n names of t, or a number up to UINT32_MAX.
 * 0 or EXIT_USAGE (reported, with the names). */
int arg_named(struct iommuctl *g, const struct cmd_args *a, int idx,
	      const struct named_value *t, size_t n, uint32_t *v);
/* The name of value v in t, else v as "0x...", written to buf (len bytes). */
const char *named_value_text(const struct named_value *t, size_t n, uint32_t v, char *buf,
			     size_t len);

/* A driver's uAPI struct given as FIELD=VALUE pairs (hwpt, viommu). */
struct data_field {
	const char *name;
	unsigned offset, size;		/* bytes: 4 or 8 */
};
struct data_type {
	const char *name;
	uint32_t type;
	unsigned size;			/* of the struct */
	struct data_field fields[5];
};
/* Parse "a=1,b=0x2" into 'out' (t->size bytes, zeroed first); 'opt' names
 * the option in messages.  0 or EXIT_USAGE (reported). */
int iommuctl_parse_data(struct iommuctl *g, const char *opt, const struct data_type *t,
			const char *text, uint8_t *out);
/* The type called 'name' among t[0..n-1]: 0 or EXIT_USAGE (reported). */
int iommuctl_data_type_arg(struct iommuctl *g, const char *opt, const char *name,
			   const struct data_type *t, size_t n, const struct data_type **out);

/* Why a kernel context's allowed list is unknown (the allow and query outputs). */
#define IOMMUCTL_KERNEL_NO_ALLOWED \
	"the kernel has no ioctl that reports an IOAS's allowed list: iommuctl knows it only " \
	"where this process set it (allow set or clear, in one batch or shell)"

/* The allowed list of 'ioas': the simulator's, or the one this process set
 * on the kernel (*source "backend" or "session"); on the kernel, if this
 * process did not set it, *source is NULL and the list empty.  *ranges is
 * malloc()ed.  0, or the exit code of a reported failure. */
int iommuctl_allowed_list(struct iommuctl *g, uint32_t ioas, const char *object,
			  struct ifd_range **ranges, uint32_t *n, const char **source);

/* Is the context the kernel's, and only as long as this process lives? */
bool iommuctl_fd_is_private(const struct iommuctl *g);
/* Does this session see every mapping of the context (a batch or shell on a
 * kernel fd of its own), so it can report the areas the kernel cannot? */
bool iommuctl_tracks_areas(const struct iommuctl *g);

/* The commands. */
int cmd_alloc(struct iommuctl *g, struct cmd_args *a);
int cmd_free(struct iommuctl *g, struct cmd_args *a);
int cmd_map(struct iommuctl *g, struct cmd_args *a);
int cmd_unmap(struct iommuctl *g, struct cmd_args *a);
int cmd_query(struct iommuctl *g, struct cmd_args *a);
int cmd_status(struct iommuctl *g, struct cmd_args *a);
int cmd_doctor(struct iommuctl *g, struct cmd_args *a);
int cmd_hw_info(struct iommuctl *g, struct cmd_args *a);
int cmd_mock_domain(struct iommuctl *g, struct cmd_args *a);
int cmd_mock_replace(struct iommuctl *g, struct cmd_args *a);
int cmd_mock_attach(struct iommuctl *g, struct cmd_args *a);
int cmd_mock_detach(struct iommuctl *g, struct cmd_args *a);
int cmd_mock_check(struct iommuctl *g, struct cmd_args *a);
int cmd_mock_reserve(struct iommuctl *g, struct cmd_args *a);
int cmd_device_list(struct iommuctl *g, struct cmd_args *a);
int cmd_hwpt_alloc(struct iommuctl *g, struct cmd_args *a);
int cmd_hwpt_set_dirty(struct iommuctl *g, struct cmd_args *a);
int cmd_hwpt_get_dirty(struct iommuctl *g, struct cmd_args *a);
int cmd_hwpt_invalidate(struct iommuctl *g, struct cmd_args *a);
int cmd_device_vfio_bind(struct iommuctl *g, struct cmd_args *a);
int cmd_device_vfio_release(struct iommuctl *g, struct cmd_args *a);
int cmd_device_bind(struct iommuctl *g, struct cmd_args *a);
int cmd_device_attach(struct iommuctl *g, struct cmd_args *a);
int cmd_device_detach(struct iommuctl *g, struct cmd_args *a);
int cmd_sim_create(struct iommuctl *g, struct cmd_args *a);
int cmd_sim_reset(struct iommuctl *g, struct cmd_args *a);
int cmd_sim_check(struct iommuctl *g, struct cmd_args *a);
int cmd_sim_info(struct iommuctl *g, struct cmd_args *a);
int cmd_sim_sysroot(struct iommuctl *g, struct cmd_args *a);
int cmd_help(struct iommuctl *g, struct cmd_args *a);
int cmd_copy(struct iommuctl *g, struct cmd_args *a);
int cmd_allow_set(struct iommuctl *g, struct cmd_args *a);
int cmd_allow_show(struct iommuctl *g, struct cmd_args *a);
int cmd_allow_clear(struct iommuctl *g, struct cmd_args *a);
int cmd_option_get(struct iommuctl *g, struct cmd_args *a);
int cmd_option_set(struct iommuctl *g, struct cmd_args *a);
int cmd_vfio_ioas_get(struct iommuctl *g, struct cmd_args *a);
int cmd_vfio_ioas_set(struct iommuctl *g, struct cmd_args *a);
int cmd_vfio_ioas_clear(struct iommuctl *g, struct cmd_args *a);
int cmd_shell(struct iommuctl *g, struct cmd_args *a);
int cmd_fault_alloc(struct iommuctl *g, struct cmd_args *a);
int cmd_fault_read(struct iommuctl *g, struct cmd_args *a);
int cmd_fault_respond(struct iommuctl *g, struct cmd_args *a);
int cmd_veventq_alloc(struct iommuctl *g, struct cmd_args *a);
int cmd_veventq_read(struct iommuctl *g, struct cmd_args *a);
int cmd_viommu_alloc(struct iommuctl *g, struct cmd_args *a);
int cmd_vdevice_alloc(struct iommuctl *g, struct cmd_args *a);
int cmd_hw_queue_alloc(struct iommuctl *g, struct cmd_args *a);
int cmd_change_process(struct iommuctl *g, struct cmd_args *a);
int cmd_mock_trigger_iopf(struct iommuctl *g, struct cmd_args *a);
int cmd_mock_trigger_vevent(struct iommuctl *g, struct cmd_args *a);
int cmd_mock_dirty(struct iommuctl *g, struct cmd_args *a);

/* Dispatch one command line (after the global options): find the command,
 * parse its options, run it.  Returns the exit code; output is collected in
 * g->out. */
int iommuctl_run(struct iommuctl *g, int argc, char **argv);

/* Batch and shell (batch.c, shell.c). */
int batch_run_file(struct iommuctl *g, const char *path);
int batch_run_stream(struct iommuctl *g, FILE *in, const char *name);
/* Run one line of a batch or the shell, split by words_split() with result
 * 'split' (and 'why' if it failed), on the session's context; print its
 * output (one JSON line with -J).  Returns the exit code, or -1 for a line
 * without a command. */
struct words;
int session_exec(struct iommuctl *g, int split, struct words *w, const char *why);

/* Usage and lookups (main.c). */
const struct iommuctl_cmd *iommuctl_find(const char *group, const char *name);
void iommuctl_print_usage(FILE *f, const struct iommuctl_cmd *c);
void iommuctl_print_global_usage(FILE *f);
/* "iommuctl-map": the man page of a command. */
void iommuctl_man_page(const struct iommuctl_cmd *c, char *buf, size_t len);

#endif
