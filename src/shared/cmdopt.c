// SPDX-License-Identifier: GPL-3.0-or-later
#include <stdio.h>
#include <string.h>

#include "cmdopt.h"

int cmdopt_index(const struct cmd_opt *opts, const char *name)
{
	for (int i = 0; opts[i].name; i++)
		if (strcmp(opts[i].name, name) == 0)
			return i;
	return -1;
}

static int find_long(const struct cmd_opt *opts, const char *name, size_t len)
{
	for (int i = 0; opts[i].name; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return i;
	return -1;
}

static int find_short(const struct cmd_opt *opts, char c)
{
	for (int i = 0; opts[i].name; i++)
		if (opts[i].short_name && opts[i].short_name == c)
			return i;
	return -1;
}

int cmdopt_parse(const struct cmd_opt *opts, int argc, char **argv, bool stop_at_operand,
		 struct cmd_args *a, char *err, size_t len)
{
	int i, nops = 0;

	memset(a, 0, sizeof(*a));
	a->argv = argv;		/* operands are compacted to the front of argv */
	for (i = 0; i < argc; i++) {
		char *arg = argv[i];

		if (strcmp(arg, "--") == 0) {
			for (i++; i < argc; i++)
				argv[nops++] = argv[i];
			break;
		}
		/* "-", and "-5": an operand (a negative number gets the number
		 * parser's "no sign" message, not "unknown option") */
		if (arg[0] != '-' || arg[1] == '\0' || (arg[1] >= '0' && arg[1] <= '9')) {
			if (stop_at_operand) {
				for (; i < argc; i++)
					argv[nops++] = argv[i];
				break;
			}
			argv[nops++] = arg;
			continue;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			int idx = find_long(opts, name, n);

			if (idx < 0) {
				snprintf(err, len, "unknown option '--%.*s'", (int)n, name);
				return -1;
			}
			const struct cmd_opt *o = &opts[idx];

			a->count[idx]++;
			if (o->arg == OPT_NOARG) {
				if (eq) {
					snprintf(err, len, "option '--%s' takes no value", o->name);
					return -1;
				}
			} else if (eq) {
				a->val[idx] = eq + 1;
			} else if (o->arg == OPT_REQUIRED) {
				if (i + 1 >= argc) {
					snprintf(err, len, "option '--%s' needs a value (%s)", o->name,
						 o->metavar);
					return -1;
				}
				a->val[idx] = argv[++i];
			}
			continue;
		}
		for (const char *p = arg + 1; *p; p++) {
			int idx = find_short(opts, *p);

			if (idx < 0) {
				snprintf(err, len, "unknown option '-%c'", *p);
				return -1;
			}
			a->count[idx]++;
			if (opts[idx].arg == OPT_NOARG)
				continue;
			/* -oVALUE or -o VALUE; a short option's value is never optional */
			if (p[1]) {
				a->val[idx] = p + 1;
			} else if (i + 1 < argc) {
				a->val[idx] = argv[++i];
			} else {
				snprintf(err, len, "option '-%c' needs a value (%s)", *p,
					 opts[idx].metavar);
				return -1;
			}
			break;
		}
	}
	a->argc = nops;
	return 0;
}

void cmdopt_print_help(FILE *f, const struct cmd_opt *opts)
{
	for (int i = 0; opts[i].name; i++) {
		const struct cmd_opt *o = &opts[i];
		char spec[64];
		int n;

		if (o->short_name)
			n = snprintf(spec, sizeof(spec), "-%c, --%s", o->short_name, o->name);
		else
			n = snprintf(spec, sizeof(spec), "    --%s", o->name);
		if (o->arg == OPT_REQUIRED && n > 0 && (size_t)n < sizeof(spec))
			snprintf(spec + n, sizeof(spec) - (size_t)n, " %s", o->metavar);
		else if (o->arg == OPT_OPTIONAL && n > 0 && (size_t)n < sizeof(spec))
			snprintf(spec + n, sizeof(spec) - (size_t)n, "[=%s]", o->metavar);
		if (strlen(spec) > 24)
			fprintf(f, "  %s\n  %-24s  %s\n", spec, "", o->help);
		else
			fprintf(f, "  %-24s  %s\n", spec, o->help);
	}
}

static void print_list_line(FILE *f, const struct cmd_opt *o, const char *name)
{
	fprintf(f, "%s%s", name, o->arg == OPT_OPTIONAL ? "[" : "");
	switch (o->arg == OPT_NOARG ? -1 : (int)o->complete) {
	case OPT_CPL_NONE:
		fputs("=value", f);
		break;
	case OPT_CPL_FILE:
		fputs("=file", f);
		break;
	case OPT_CPL_COLUMNS:
		fputs("=columns", f);
		break;
	case OPT_CPL_ID:
		fputs("=id", f);
		break;
	case OPT_CPL_FD:
		fputs("=fd", f);
		break;
	case OPT_CPL_WORDS:
		fputs("=word", f);
		for (const char *const *w = o->words(); w && *w; w++)
			fprintf(f, " %s", *w);
		break;
	}
	fputs(o->arg == OPT_OPTIONAL ? "]\n" : "\n", f);
}

void cmdopt_print_list(FILE *f, const struct cmd_opt *opts)
{
	for (int i = 0; opts[i].name; i++) {
		char name[64];

		snprintf(name, sizeof(name), "--%s", opts[i].name);
		print_list_line(f, &opts[i], name);
		if (opts[i].short_name) {
			snprintf(name, sizeof(name), "-%c", opts[i].short_name);
			print_list_line(f, &opts[i], name);
		}
	}
}
