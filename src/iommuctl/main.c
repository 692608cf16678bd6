// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * iommuctl: global options, the backend, dispatch through the command table.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommuctl.h"

#define PROG "iommuctl"

/* ---- the table --------------------------------------------------------- */

const struct iommuctl_cmd *iommuctl_find(const char *group, const char *name)
{
	for (const struct iommuctl_cmd *c = iommuctl_commands; c->name; c++) {
		if ((group == NULL) != (c->group == NULL))
			continue;
		if (group && strcmp(group, c->group) != 0)
			continue;
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

static void full_name(const struct iommuctl_cmd *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", c->group ? c->group : "", c->group ? " " : "", c->name);
}

void iommuctl_man_page(const struct iommuctl_cmd *c, char *buf, size_t len)
{
	snprintf(buf, len, PROG "-%s", c->group ? c->group : c->name);
}

static void print_subcommands(FILE *f, const char *group)
{
	for (const struct iommuctl_cmd *c = iommuctl_commands; c->name; c++) {
		char name[48];

		if ((group == NULL) != (c->group == NULL) || (group && strcmp(group, c->group)))
			continue;
		full_name(c, name, sizeof(name));
		fprintf(f, "  %-15s  %s\n", name, c->summary);
		/* list a group's subcommands right after it */
		if (!group && (c->flags & CMD_GROUP))
			for (const struct iommuctl_cmd *s = iommuctl_commands; s->name; s++)
				if (s->group && strcmp(s->group, c->name) == 0) {
					full_name(s, name, sizeof(name));
					fprintf(f, "  %-15s  %s\n", name, s->summary);
				}
	}
}

void iommuctl_print_usage(FILE *f, const struct iommuctl_cmd *c)
{
	char name[48], man[48];

	full_name(c, name, sizeof(name));
	iommuctl_man_page(c, man, sizeof(man));
	fprintf(f, "Usage: " PROG " [OPTIONS] %s%s%s\n\n%c%s.\n", name, c->usage[0] ? " " : "",
		c->usage, toupper((unsigned char)c->summary[0]), c->summary + 1);
	if (c->flags & CMD_GROUP) {
		fputs("\nCommands:\n", f);
		print_subcommands(f, c->name);
	}
	fputs("\nOptions:\n", f);
	cmdopt_print_help(f, c->options);
	fprintf(f, "\nGlobal options (-J, -o, --sim, ...) go before the command: see " PROG
		" --help.\nSee %s(8).\n", man);
}

void iommuctl_print_global_usage(FILE *f)
{
	fputs("Usage: " PROG " [OPTIONS] COMMAND [ARGS]\n\n"
	      "Manage iommufd (/dev/iommu) objects, on the kernel or on the embedded simulator.\n"
	      "\nCommands:\n", f);
	print_subcommands(f, NULL);
	fputs("\nOptions:\n", f);
	cmdopt_print_help(f, iommuctl_global_opts);
	fputs("\n'" PROG " COMMAND --help' shows a command's options; '" PROG
	      " help COMMAND' its manual.\nSee iommuctl(8) and iommuctl-json(7).\n", f);
}

static void print_command_names(FILE *f, const char *group)
{
	for (const struct iommuctl_cmd *c = iommuctl_commands; c->name; c++)
		if ((group == NULL) == (c->group == NULL) && (!group || !strcmp(group, c->group)))
			fprintf(f, "%s\n", c->name);
}

/* ---- errors ------------------------------------------------------------ */

int iommuctl_usage(struct iommuctl *g, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return report_usage(&g->rep, g->cmdname[0] ? g->cmdname : NULL, "%s", msg);
}

void iommuctl_note(struct iommuctl *g, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_note(&g->rep, g->cmdname, "%s", msg);
}

static int fail_with(struct iommuctl *g, const char *object, const struct ifd_error *e,
		     const char *hint, const char *partial_text, struct json_object *partial_json,
		     enum exit_code code)
{
	report_error(&g->rep, &(struct report_error){
		.command = g->cmdname[0] ? g->cmdname : NULL,
		.object = object,
		.ioctl = e->ioctl,
		.err = e->err,
		.message = e->detail[0] ? e->detail : NULL,
		.hint = hint ? hint : e->hint,
		.partial_text = partial_text,
		.partial_json = partial_json,
	});
	return code;
}

int iommuctl_fail(struct iommuctl *g, const char *object, const char *partial_text,
		  struct json_object *partial_json)
{
	const struct ifd_error *e = ifd_ctx_last_error(g->ctx);
	char hint[512];

	/* A kernel context of our own starts empty: no ID from an earlier run
	 * exists in it, which the bare ENOENT does not tell.  (In a batch or
	 * shell the earlier lines' objects are there.) */
	if (e->err == ENOENT && e->cmd && iommuctl_fd_is_private(g) && !g->session.active) {
		snprintf(hint, sizeof(hint), "%s%sthis process's /dev/iommu fd is new and empty: "
			 "objects live in the fd that made them (use --fd)",
			 e->hint ? e->hint : "", e->hint ? "; " : "");
		return fail_with(g, object, e, hint, partial_text, partial_json, EXIT_FAILED);
	}
	return fail_with(g, object, e, NULL, partial_text, partial_json,
			 exit_code_for_errno(e->err));
}

int iommuctl_fail_errno(struct iommuctl *g, const char *object, const char *what, int err,
			const char *message, const char *hint)
{
	struct ifd_error e = { .ioctl = what, .err = err };

	if (message)
		snprintf(e.detail, sizeof(e.detail), "%s", message);
	return fail_with(g, object, &e, hint, NULL, NULL, exit_code_for_errno(err));
}

/* ---- arguments ----------------------------------------------------------- */

static int bad_value(struct iommuctl *g, const struct cmd_args *a, int idx, const char *why)
{
	return iommuctl_usage(g, "--%s: '%s': %s", g->cmd->options[idx].name, a->val[idx], why);
}

int arg_u64(struct iommuctl *g, const struct cmd_args *a, int idx, uint64_t *v)
{
	const char *why;

	return parse_u64(a->val[idx], v, &why) ? bad_value(g, a, idx, why) : 0;
}

int arg_size(struct iommuctl *g, const struct cmd_args *a, int idx, uint64_t *v)
{
	const char *why;

	return parse_size(a->val[idx], v, &why) ? bad_value(g, a, idx, why) : 0;
}

int arg_named(struct iommuctl *g, const struct cmd_args *a, int idx,
	      const struct named_value *t, size_t n, uint32_t *v)
{
	char names[160];
	size_t used = 0;
	const char *why;
	uint64_t u;

	for (size_t i = 0; i < n; i++)
		if (strcmp(a->val[idx], t[i].name) == 0) {
			*v = t[i].value;
			return 0;
		}
	if (a->val[idx][0] >= '0' && a->val[idx][0] <= '9') {
		if (parse_u64(a->val[idx], &u, &why))
			return bad_value(g, a, idx, why);
		if (u > UINT32_MAX)
			return bad_value(g, a, idx, "more than 32 bits");
		*v = (uint32_t)u;
		return 0;
	}
	used = (size_t)snprintf(names, sizeof(names), "neither a number nor one of ");
	for (size_t i = 0; i < n && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
					 t[i].name);
	return bad_value(g, a, idx, names);
}

const char *named_value_text(const struct named_value *t, size_t n, uint32_t v, char *buf,
			     size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v) {
			snprintf(buf, len, "%s", t[i].name);
			return buf;
		}
	snprintf(buf, len, "0x%x", v);
	return buf;
}

int iommuctl_name_arg(struct iommuctl *g, const char *name)
{
	const char *why;

	if (!name)
		return 0;
	if (!g->session.active)
		return iommuctl_usage(g, "--name: names exist only in a batch (-b) or the shell");
	if (session_name_check(name, &why))
		return iommuctl_usage(g, "--name '%s': %s", name, why);
	return 0;
}

int iommuctl_parse_id(struct iommuctl *g, const char *what, const char *text, uint32_t *id)
{
	const struct session *s = &g->session;
	const char *why;

	if (text[0] != '@')
		return parse_id(text, id, &why) ? iommuctl_usage(g, "%s '%s': %s", what, text, why)
						: 0;
	if (!s->active)
		return iommuctl_usage(g, "%s '%s': names exist only in a batch (-b) or the shell, "
				      "where 'alloc --name NAME' gives them", what, text);
	if (session_name_find(s, text + 1, id) == 0)
		return 0;
	if (s->nnames == 0)
		return iommuctl_usage(g, "%s '%s': no such name (none is given yet: alloc --name "
				      "NAME)", what, text);

	char names[256];
	size_t used = 0;

	names[0] = '\0';
	for (size_t i = 0; i < s->nnames && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, " @%s",
					 s->names[i].name);
	return iommuctl_usage(g, "%s '%s': no such name (names:%s)", what, text, names);
}

int arg_id(struct iommuctl *g, const struct cmd_args *a, int idx, uint32_t *v)
{
	char what[64];

	snprintf(what, sizeof(what), "--%s:", g->cmd->options[idx].name);
	return iommuctl_parse_id(g, what, a->val[idx], v);
}

int arg_range(struct iommuctl *g, const struct cmd_args *a, int idx, struct parse_range *v)
{
	const char *why;

	return parse_range(a->val[idx], v, &why) ? bad_value(g, a, idx, why) : 0;
}

int arg_bitmap_range(struct iommuctl *g, const struct cmd_args *a, int range, int page_size,
		     struct parse_range *r, uint64_t *pgsize)
{
	int ret = arg_range(g, a, range, r);

	if (!ret && a->count[page_size])
		ret = arg_size(g, a, page_size, pgsize);
	if (ret)
		return ret;
	if (!*pgsize || (*pgsize & (*pgsize - 1)))
		return iommuctl_usage(g, "--page-size: a power of two");
	if (r->start == 0 && r->last == UINT64_MAX)
		return iommuctl_usage(g, "--range: a bitmap of the whole 64-bit space is too big");
	return 0;
}

int iommuctl_columns(struct iommuctl *g, const struct out_family *f)
{
	char err[512];

	if (out_select(&g->out, f, err, sizeof(err)))
		return iommuctl_usage(g, "%s", err);
	return 0;
}

/* ---- the backend ----------------------------------------------------------- */

bool iommuctl_tracks_areas(const struct iommuctl *g)
{
	return g->session.active && g->ctx && ifd_ctx_backend(g->ctx) == IFD_BACKEND_KERNEL &&
	       iommuctl_fd_is_private(g);
}

bool iommuctl_fd_is_private(const struct iommuctl *g)
{
	return g->ctx && ifd_ctx_backend(g->ctx) == IFD_BACKEND_KERNEL && g->fd < 0;
}

static void trace_ioctl(void *user, unsigned long cmd, const void *arg, int ret)
{
	char buf[512];

	(void)user;
	ifd_decode_ioctl(cmd, arg, ret, buf, sizeof(buf));
	fprintf(stderr, PROG ": ioctl %s\n", buf);
}

int iommuctl_open_ctx(struct iommuctl *g, struct ifd_error *e)
{
	int ret;

	/* A batch's commands share the context the first of them opened. */
	if (g->ctx) {
		g->out.backend = ifd_ctx_backend_name(g->ctx);
		return 0;
	}
	if (g->fd >= 0 && g->pid)
		ret = ifd_ctx_from_pid_fd(&g->ctx, g->pid, g->fd, e);
	else if (g->fd >= 0)
		ret = ifd_ctx_from_fd(&g->ctx, g->fd, 0, e);
	else
		ret = ifd_ctx_open(&g->ctx, &(struct ifd_open_opts){
			.size = sizeof(struct ifd_open_opts),
			.backend = g->backend,
			.dev_path = g->dev_path,
			.sim_path = g->sim_path,
			.error = e,
		});
	if (ret) {
		if (!e->err)
			e->err = -ret;
		return ret;
	}
	if (g->verbose)
		ifd_ctx_set_trace(g->ctx, trace_ioctl, g);
	g->out.backend = ifd_ctx_backend_name(g->ctx);
	return 0;
}

int iommuctl_open_failed(struct iommuctl *g, struct ifd_error *e, const char *why)
{
	const char *hint = NULL;

	if (why && why != e->detail)
		snprintf(e->detail, sizeof(e->detail), "%s", why);
	/* The kernel node missing means iommufd is absent here: unsupported.  In
	 * auto mode a missing node sends us to the simulator, so ENOENT there is
	 * about the state file. */
	if (g->fd < 0 && g->backend == IFD_BACKEND_KERNEL &&
	    (e->err == ENOENT || e->err == ENODEV || e->err == ENXIO))
		return fail_with(g, NULL, e, g->cmd && g->cmd->fn == cmd_status ? NULL :
				 "see '" PROG " --kernel status'", NULL, NULL, EXIT_UNSUPPORTED);
	if (g->fd < 0 && g->backend != IFD_BACKEND_KERNEL && e->err == ENOENT)
		hint = g->backend == IFD_BACKEND_AUTO
			? "/dev/iommu does not exist, so the simulator is used: create its state "
			  "with '" PROG " sim create'"
			: "create it with '" PROG " sim create'";
	return fail_with(g, NULL, e, hint, NULL, NULL, exit_code_for_errno(e->err));
}

int iommuctl_open(struct iommuctl *g)
{
	struct ifd_error e = { 0 };

	return iommuctl_open_ctx(g, &e) ? iommuctl_open_failed(g, &e, NULL) : 0;
}

/* ---- main ------------------------------------------------------------------ */

static int parse_globals(struct iommuctl *g, struct cmd_args *ga, int *argc, char ***argv)
{
	char err[256];
	const char *why;

	if (cmdopt_parse(iommuctl_global_opts, *argc, *argv, true, ga, err, sizeof(err)))
		return report_usage(&g->rep, NULL, "%s", err);
	*argc = ga->argc;
	*argv = ga->argv;
	g->rep.json = g->out.json = ga->count[G_JSON] > 0;
	g->out.raw = ga->count[G_RAW] > 0;
	g->out.noheadings = ga->count[G_NOHEADINGS] > 0;
	g->out.output_all = ga->count[G_OUTPUT_ALL] > 0;
	g->out.columns = ga->val[G_OUTPUT];
	g->verbose = (int)ga->count[G_VERBOSE];
	g->list_columns = ga->count[G_LIST_COLUMNS] > 0;
	g->batch_raw = g->out.raw;
	g->batch_noheadings = g->out.noheadings;
	g->session.force = ga->count[G_FORCE] > 0;

	if (g->out.json && (g->out.raw || g->out.noheadings))
		return report_usage(&g->rep, NULL, "--json does not combine with --raw or --noheadings");
	if (g->out.columns && g->out.output_all)
		return report_usage(&g->rep, NULL, "--output and --output-all exclude each other");
	if ((ga->count[G_SIM] > 0) + (ga->count[G_KERNEL] > 0 || ga->count[G_DEV] > 0) +
	    (ga->count[G_FD] > 0) > 1)
		return report_usage(&g->rep, NULL, "choose one backend: --sim, --kernel/--dev or --fd");
	if (ga->count[G_BATCH] && (g->out.columns || g->out.output_all || g->list_columns))
		return report_usage(&g->rep, NULL, "-b: -o, --output-all and -H go on the batch's "
				    "lines, each for its own command");
	if (ga->count[G_BATCH] && !ga->val[G_BATCH][0])
		return report_usage(&g->rep, NULL, "-b: empty file name (- is stdin)");
	if (ga->count[G_PID] && !ga->count[G_FD])
		return report_usage(&g->rep, NULL, "--pid needs --fd (the fd number in that process)");
	if (ga->count[G_SIM]) {
		g->backend = IFD_BACKEND_SIM;
		g->sim_path = ga->val[G_SIM];
		if (g->sim_path && !g->sim_path[0])
			return report_usage(&g->rep, NULL, "--sim=: empty path");
	}
	if (ga->count[G_KERNEL] || ga->count[G_DEV]) {
		g->backend = IFD_BACKEND_KERNEL;
		g->dev_path = ga->val[G_DEV];
	}
	g->backend_explicit = g->backend != IFD_BACKEND_AUTO;
	if (ga->count[G_FD] && parse_int(ga->val[G_FD], &g->fd, &why))
		return report_usage(&g->rep, NULL, "--fd: '%s': %s", ga->val[G_FD], why);
	if (ga->count[G_PID] && (parse_int(ga->val[G_PID], &g->pid, &why) ||
				 (g->pid == 0 && (why = "not a process ID"))))
		return report_usage(&g->rep, NULL, "--pid: '%s': %s", ga->val[G_PID], why);
	return 0;
}

int iommuctl_run(struct iommuctl *g, int argc, char **argv)
{
	const struct iommuctl_cmd *c;
	struct cmd_args a;
	char err[256];
	int ret, skip = 1;

	if (argc == 0)
		return report_usage(&g->rep, NULL, "no command (see '" PROG " --list-cmds')");
	c = iommuctl_find(NULL, argv[0]);
	if (!c)
		return report_usage(&g->rep, NULL, "unknown command '%s' (see '" PROG " --list-cmds')",
				    argv[0]);
	if ((c->flags & CMD_GROUP) && argc > 1 && argv[1][0] != '-') {
		const struct iommuctl_cmd *sub = iommuctl_find(c->name, argv[1]);

		if (!sub)
			return report_usage(&g->rep, c->name, "unknown command '%s %s' (see '" PROG
					    " %s --list-cmds')", c->name, argv[1], c->name);
		c = sub;
		skip = 2;
	}
	g->cmd = c;
	full_name(c, g->cmdname, sizeof(g->cmdname));

	if (cmdopt_parse(c->options, argc - skip, argv + skip, false, &a, err, sizeof(err)))
		return iommuctl_usage(g, "%s", err);
	if (g->out.json && (a.count[cmdopt_index(c->options, "help")] ||
			    a.count[cmdopt_index(c->options, "list-opts")] ||
			    ((c->flags & CMD_GROUP) && a.count[cmdopt_index(c->options, "list-cmds")])))
		return iommuctl_usage(g, "--json: --help, --list-opts and --list-cmds print text, "
				      "not JSON");
	if (a.count[cmdopt_index(c->options, "help")]) {
		iommuctl_print_usage(stdout, c);
		return 0;
	}
	if (a.count[cmdopt_index(c->options, "list-opts")]) {
		cmdopt_print_list(stdout, c->options);
		return 0;
	}
	if (c->flags & CMD_GROUP) {
		if (a.count[cmdopt_index(c->options, "list-cmds")]) {
			print_command_names(stdout, c->name);
			return 0;
		}
		return iommuctl_usage(g, "which %s command? %s", c->name, c->usage);
	}
	if (g->list_columns) {
		if (!c->columns)
			return iommuctl_usage(g, "--list-columns: %s has no columns", g->cmdname);
		if (a.argc)
			return iommuctl_usage(g, "--list-columns: no operands, only the command");
		out_list_columns(&g->out, c->columns);
		return 0;
	}
	if (g->out.json && (c->flags & CMD_NO_JSON))
		return iommuctl_usage(g, "--json: %s has no JSON output", g->cmdname);
	if (!c->columns && (g->out.columns || g->out.output_all))
		return iommuctl_usage(g, "--output: %s has no columns", g->cmdname);
	if (c->flags & CMD_SIM_ONLY) {
		if (g->backend == IFD_BACKEND_KERNEL ||
		    (g->ctx && ifd_ctx_backend(g->ctx) != IFD_BACKEND_SIM))
			return iommuctl_usage(g, "%s works on a simulator state: not with --kernel "
					      "or --dev", g->cmdname);
		if (g->fd < 0)
			g->backend = IFD_BACKEND_SIM;
	}
	ret = c->fn(g, &a);
	if (ret == 0 && (c->flags & CMD_MUTATES))
		g->session.mutated = true;
	/* Kernel objects die with the fd that made them: say so when that fd is
	 * our own, or the user would believe the change stays.  A batch or shell
	 * says it once. */
	if (ret == 0 && (c->flags & CMD_MUTATES) && iommuctl_fd_is_private(g) &&
	    !g->noted_private) {
		if (g->session.active)
			iommuctl_note(g, "the kernel undoes what this %s makes when iommuctl exits: "
				      "it lives in iommuctl's own /dev/iommu fd, closed at exit "
				      "(use --fd N with an fd that outlives iommuctl)",
				      g->session.interactive ? "shell" : "batch");
		else
			iommuctl_note(g, "the kernel undoes this when iommuctl exits: what it made "
				      "lives in iommuctl's own /dev/iommu fd, closed at exit (use "
				      "--fd N with an fd that outlives iommuctl)");
		g->noted_private = g->session.active;
	}
	return ret;
}

/* A command that printed nothing because stdout failed has not succeeded. */
static int close_stdout(int ret)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		fprintf(stderr, PROG ": write error on stdout: %s\n", strerror(errno ? errno : EIO));
		return ret ? ret : EXIT_FAILED;
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct iommuctl g = { .fd = -1, .rep = { .prog = PROG } };
	struct cmd_args ga;
	int ret;

	out_init(&g.out);
	argc--;
	argv++;
	ret = parse_globals(&g, &ga, &argc, &argv);
	if (ret)
		goto out;
	if (ga.count[G_HELP]) {
		iommuctl_print_global_usage(stdout);
	} else if (ga.count[G_VERSION]) {
		printf(PROG " %s (libiommufd %s)\n", IFD_VERSION, ifd_version());
	} else if (ga.count[G_LIST_CMDS]) {
		print_command_names(stdout, NULL);
	} else if (ga.count[G_LIST_OPTS]) {
		cmdopt_print_list(stdout, iommuctl_global_opts);
	} else if (ga.count[G_BATCH]) {
		if (argc)
			ret = report_usage(&g.rep, NULL, "-b FILE: the commands come from FILE, not "
					   "the command line ('%s')", argv[0]);
		else
			ret = batch_run_file(&g, ga.val[G_BATCH]);
	} else if (g.session.force && (argc == 0 || strcmp(argv[0], "shell") != 0)) {
		ret = report_usage(&g.rep, NULL, "--force goes with -b or shell: one command stops "
				   "at its failure anyway");
	} else {
		ret = iommuctl_run(&g, argc, argv);
		/* the shell printed each command's output itself */
		if (!g.session.active && !g.flushed && (ret == 0 || g.report_on_failure) &&
		    out_flush(&g.out, stdout) != 0)
			ret = EXIT_FAILED;
	}
out:
	if (g.ctx)
		ifd_ctx_close(g.ctx);
	out_free(&g.out);
	session_free(&g.session);
	return close_stdout(ret);
}
