/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Command-line options described by data, so that parsing, --help,
 * --list-opts (for the shell completions) and the man-page drift test all
 * read the same description.
 *
 * Long options must be spelled out: unlike getopt_long() there is no prefix
 * matching, which would turn into ambiguity errors when options are added.
 */
#ifndef SHARED_CMDOPT_H
#define SHARED_CMDOPT_H

#include <stdbool.h>
#include <stdio.h>

enum opt_arg {
	OPT_NOARG,
	OPT_REQUIRED,		/* --name VALUE or --name=VALUE */
	OPT_OPTIONAL,		/* --name or --name=VALUE */
};

/* What a shell completes for an option's value. */
enum opt_complete {
	OPT_CPL_NONE,		/* free text: numbers, IDs */
	OPT_CPL_FILE,
	OPT_CPL_COLUMNS,	/* column names, from --list-columns */
	OPT_CPL_WORDS,		/* the words from .words() */
	OPT_CPL_ID,		/* an object ID (or @NAME in a batch or the shell) */
	OPT_CPL_FD,		/* an fd number the caller has open (inherited) */
};

struct cmd_opt {
	const char *name;	/* long name, without "--" */
	char short_name;	/* or 0 */
	enum opt_arg arg;
	const char *metavar;	/* "ID" */
	const char *help;
	enum opt_complete complete;
	const char *const *(*words)(void);	/* OPT_CPL_WORDS: NULL-terminated */
};

#define CMD_MAX_OPTS 32

struct cmd_args {
	const char *val[CMD_MAX_OPTS];		/* last value given (OPT_REQUIRED/OPTIONAL) */
	unsigned count[CMD_MAX_OPTS];		/* times given */
	int argc;				/* the operands */
	char **argv;
};

/*
 * Parse argv[0..argc) against opts (terminated by an entry with name NULL).
 * With 'stop_at_operand', parsing stops at the first operand (global options
 * before a command); otherwise operands and options may mix and "--" ends the
 * options.  Returns 0, or -1 with a message in err.
 */
int cmdopt_parse(const struct cmd_opt *opts, int argc, char **argv, bool stop_at_operand,
		 struct cmd_args *a, char *err, size_t len);

/* Index of option 'name' in opts, or -1. */
int cmdopt_index(const struct cmd_opt *opts, const char *name);

/* "  -o, --output COLS   help" lines. */
void cmdopt_print_help(FILE *f, const struct cmd_opt *opts);

/* --list-opts: one line per option name (long, then the short one if any):
 * "--name" (no value), "--name=KIND" (a value), "--name[=KIND]" (an optional
 * value, only after '='), with KIND "value", "file", "columns", "id"
 * (an object ID) or "word W1 W2 ..." (one of these words). */
void cmdopt_print_list(FILE *f, const struct cmd_opt *opts);

#endif
