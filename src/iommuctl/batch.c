// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Batch mode (-b FILE): one command per line, all on one context, so what a
 * line makes is there for the next, even on a kernel fd of iommuctl's own.
 * Lines are split like a shell's (shared/words.c); a failed line stops the
 * batch unless --force, and what ran before it stays done.  With -J each
 * command prints one JSON line (iommuctl-json(7), "batch").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "shared/words.h"
#include "iommuctl.h"

/* The global options a line may give before its command: output only.  The
 * backend and -J are the batch's, on iommuctl's own command line. */
static const int line_globals[] = { G_OUTPUT, G_OUTPUT_ALL, G_LIST_COLUMNS, G_NOHEADINGS, G_RAW };

static int line_options(struct iommuctl *g, int *argc, char ***argv)
{
	struct cmd_args la;
	char err[256];

	if (cmdopt_parse(iommuctl_global_opts, *argc, *argv, true, &la, err, sizeof(err)))
		return iommuctl_usage(g, "%s", err);
	for (int i = 0; i < G_NOPTS; i++) {
		bool ok = false;

		for (size_t j = 0; j < sizeof(line_globals) / sizeof(line_globals[0]); j++)
			ok |= line_globals[j] == i;
		if (la.count[i] && !ok)
			return iommuctl_usage(g, "--%s: in a batch or the shell only -o, --output-all, "
					      "-H, -n and -r may come before a command; the others go "
					      "on iommuctl's own command line", iommuctl_global_opts[i].name);
	}
	g->out.columns = la.val[G_OUTPUT];
	g->out.output_all = la.count[G_OUTPUT_ALL] > 0;
	g->out.raw |= la.count[G_RAW] > 0;
	g->out.noheadings |= la.count[G_NOHEADINGS] > 0;
	g->list_columns = la.count[G_LIST_COLUMNS] > 0;
	if (g->out.json && (la.count[G_RAW] || la.count[G_NOHEADINGS]))
		return iommuctl_usage(g, "--json does not combine with --raw or --noheadings");
	if (g->out.columns && g->out.output_all)
		return iommuctl_usage(g, "--output and --output-all exclude each other");
	*argc = la.argc;
	*argv = la.argv;
	return 0;
}

static int print_record(struct iommuctl *g, int ret, struct json_object *error)
{
	const struct session *s = &g->session;
	struct json_object *rec = json_object_new_object();
	bool printed = ret == 0 || g->report_on_failure;

	json_object_object_add(rec, "schema_version", json_object_new_int(OUT_SCHEMA_VERSION));
	json_object_object_add(rec, "file", json_object_new_string(s->file));
	json_object_object_add(rec, "line", json_object_new_uint64(s->line));
	json_object_object_add(rec, "command",
			       g->cmdname[0] ? json_object_new_string(g->cmdname) : NULL);
	json_object_object_add(rec, "exit_status", json_object_new_int(ret));
	json_object_object_add(rec, "result", printed ? out_json_document(&g->out, false) : NULL);
	json_object_object_add(rec, "error", error);
	fprintf(stdout, "%s\n", out_json_text(rec, false));
	json_object_put(rec);
	return ferror(stdout) ? -1 : 0;
}

int session_exec(struct iommuctl *g, int split, struct words *w, const char *why)
{
	struct session *s = &g->session;
	struct json_object *error = NULL;
	int argc = w ? w->argc : 0, ret;
	char **argv = w ? w->argv : NULL;

	if (split == WORDS_OK && argc == 0)
		return -1;
	out_free(&g->out);
	out_init(&g->out);
	g->out.json = g->rep.json;
	g->out.raw = g->batch_raw;
	g->out.noheadings = g->batch_noheadings;
	g->cmd = NULL;
	g->cmdname[0] = '\0';
	g->report_on_failure = false;
	g->list_columns = false;
	if (s->interactive)
		s->where[0] = '\0';
	else
		snprintf(s->where, sizeof(s->where), "%s:%lu", s->file, s->line);
	g->rep.where = s->where[0] ? s->where : NULL;
	g->rep.capture = g->rep.json ? &error : NULL;

	if (split != WORDS_OK)
		ret = iommuctl_usage(g, "%s", why);
	else
		ret = line_options(g, &argc, &argv);
	if (!ret)
		ret = iommuctl_run(g, argc, argv);

	g->rep.capture = NULL;
	if (g->rep.json) {
		if (print_record(g, ret, error) && !ret)
			ret = EXIT_FAILED;
	} else if ((ret == 0 || g->report_on_failure) && out_flush(&g->out, stdout) && !ret) {
		ret = EXIT_FAILED;
	}
	out_free(&g->out);
	out_init(&g->out);
	/* stdout and stderr interleave in the order things happened */
	if (fflush(stdout) && !ret)
		ret = EXIT_FAILED;
	return ret;
}

/* Commands in the rest of a regular file, to say what was not run. */
static long count_rest(FILE *in)
{
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	long n = 0;

	if (fstat(fileno(in), &st) || !S_ISREG(st.st_mode))
		return -1;
	ssize_t len;

	while ((len = getline(&line, &cap, in)) >= 0) {
		struct words w;
		const char *why;
		int rc;

		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		rc = words_split(line, &w, &why);

		/* a continued line counts once, at its end */
		n += rc == WORDS_ERROR || (rc == WORDS_OK && w.argc > 0);
		if (rc == WORDS_OK)
			words_free(&w);
	}
	free(line);
	return n;
}

static void say_stopped(struct iommuctl *g, int code, unsigned long done, long rest)
{
	char before[96], after[128];

	if (done)
		snprintf(before, sizeof(before), "the %lu command%s before it took effect and stay%s",
			 done, done == 1 ? "" : "s", done == 1 ? "s" : "");
	else
		snprintf(before, sizeof(before), "no command ran before it");
	if (rest == 0)
		snprintf(after, sizeof(after), "it was the last command");
	else if (rest > 0)
		snprintf(after, sizeof(after), "%ld command%s after it %s not run", rest,
			 rest == 1 ? "" : "s", rest == 1 ? "was" : "were");
	else
		snprintf(after, sizeof(after), "the rest of the input was not read");
	fprintf(stderr, "%s: %s: stopped at this failed command (exit %d): %s; %s (--force goes "
		"on after errors)\n", g->session.where, g->rep.prog, code, before, after);
}

static void say_failures(struct iommuctl *g, unsigned long run, const unsigned long *lines,
			 size_t nfailed)
{
	fprintf(stderr, "%s: %s: %zu of %lu command%s failed (line%s", g->session.file,
		g->rep.prog, nfailed, run, run == 1 ? "" : "s", nfailed == 1 ? "" : "s");
	for (size_t i = 0; i < nfailed; i++)
		fprintf(stderr, "%s %lu", i ? "," : "", lines[i]);
	fprintf(stderr, "); the other %lu took effect\n", run - nfailed);
}

int batch_run_stream(struct iommuctl *g, FILE *in, const char *name)
{
	struct session *s = &g->session;
	char *line = NULL, *logical = NULL;
	size_t cap = 0, llen = 0;
	unsigned long lineno = 0, run = 0, *failed = NULL;
	size_t nfailed = 0;
	int first_code = 0;
	ssize_t n;

	s->active = true;
	s->file = name;
	for (;;) {
		struct words w;
		const char *why = NULL;
		int split, code;

		n = getline(&line, &cap, in);
		if (n < 0) {
			if (!logical)
				break;
			/* the last line ended in a continuation: run what there is as an error */
			split = WORDS_ERROR;
			why = "the last line ends in '\\', which continues no line";
		} else {
			lineno++;
			if (n && line[n - 1] == '\n')
				line[--n] = '\0';
			char *grown = realloc(logical, llen + (size_t)n + 1);

			if (!grown) {
				free(line);
				free(logical);
				free(failed);
				return iommuctl_fail_errno(g, NULL, "batch", ENOMEM, NULL, NULL);
			}
			if (!logical)
				s->line = lineno;
			logical = grown;
			memcpy(logical + llen, line, (size_t)n + 1);
			llen += (size_t)n;
			split = words_split(logical, &w, &why);
			if (split == WORDS_MORE) {
				logical[--llen] = '\0';	/* the backslash */
				continue;
			}
		}
		code = session_exec(g, split, split == WORDS_OK ? &w : NULL, why);
		if (split == WORDS_OK)
			words_free(&w);
		free(logical);
		logical = NULL;
		llen = 0;
		if (code < 0)
			continue;
		run++;
		if (code == 0)
			continue;
		if (!first_code)
			first_code = code;
		unsigned long *grown = realloc(failed, (nfailed + 1) * sizeof(*failed));

		if (grown) {
			failed = grown;
			failed[nfailed++] = s->line;
		}
		if (!s->force) {
			if (!g->rep.json)
				say_stopped(g, code, run - 1, n < 0 ? 0 : count_rest(in));
			break;
		}
		if (n < 0)
			break;
	}
	if (s->force && nfailed && !g->rep.json)
		say_failures(g, run, failed, nfailed);
	free(line);
	free(logical);
	free(failed);
	return first_code;
}

int batch_run_file(struct iommuctl *g, const char *path)
{
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	int ret;

	if (!in) {
		char msg[300];
		int err = errno;

		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(err));
		return iommuctl_fail_errno(g, NULL, "open", err, msg, NULL);
	}
	ret = batch_run_stream(g, in, path);
	if (in != stdin)
		fclose(in);
	return ret;
}
