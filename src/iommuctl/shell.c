// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * shell: commands typed at a readline prompt, run on one context like a
 * batch's lines, with history and tab completion driven by the command
 * table (commands, subcommands, options, option values, and the objects
 * and @names that exist now).  When stdin is not a terminal it is a batch
 * reading stdin.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "shared/words.h"
#include "iommuctl.h"

#define HISTORY_LINES 1000

/*
 * Readline asks for matches through callbacks without a user pointer, so
 * the shell's state and the candidates being offered live here, for the
 * one shell a process runs.
 */
static struct {
	struct iommuctl *g;
	char **cand;		/* the matches for the word being completed */
	size_t ncand, next;
} shell_cpl;

/* ---- history ------------------------------------------------------------ */

/* $XDG_STATE_HOME/iommuctl/history, else ~/.local/state/iommuctl/history;
 * the directory is made (0700).  0, or -1 when there is nowhere to keep it. */
static int history_path(char *buf, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[4096];
	int n;

	if (state && state[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/iommuctl", state);
	else if (home && home[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/.local/state/iommuctl", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -1;
	/* make every missing directory of the path */
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -1;
	n = snprintf(buf, len, "%s/history", dir);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* ---- completion ------------------------------------------------------------ */

static void cand_free(void)
{
	for (size_t i = 0; i < shell_cpl.ncand; i++)
		free(shell_cpl.cand[i]);
	free(shell_cpl.cand);
	shell_cpl.cand = NULL;
	shell_cpl.ncand = shell_cpl.next = 0;
}

/* Offer prefix+word if it starts with 'text'. */
static void cand_add(const char *text, const char *prefix, const char *word)
{
	size_t plen = strlen(prefix), tlen = strlen(text);
	char **grown, *c;

	if (strncmp(text, prefix, plen < tlen ? plen : tlen) != 0)
		return;
	if (tlen > plen && strncmp(text + plen, word, tlen - plen) != 0)
		return;
	if (asprintf(&c, "%s%s", prefix, word) < 0)
		return;
	grown = realloc(shell_cpl.cand, (shell_cpl.ncand + 1) * sizeof(*grown));
	if (!grown) {
		free(c);
		return;
	}
	shell_cpl.cand = grown;
	shell_cpl.cand[shell_cpl.ncand++] = c;
}

static char *cand_next(const char *text, int state)
{
	(void)text;
	if (state == 0)
		shell_cpl.next = 0;
	if (shell_cpl.next >= shell_cpl.ncand)
		return NULL;
	return strdup(shell_cpl.cand[shell_cpl.next++]);
}

static void add_commands(const char *text, const char *group)
{
	for (const struct iommuctl_cmd *c = iommuctl_commands; c->name; c++)
		if ((group == NULL) == (c->group == NULL) && (!group || !strcmp(group, c->group)))
			cand_add(text, "", c->name);
}

static void add_options(const char *text, const struct cmd_opt *opts)
{
	char name[64];

	for (int i = 0; opts[i].name; i++) {
		snprintf(name, sizeof(name), "--%s", opts[i].name);
		cand_add(text, "", name);
	}
}

/* The IDs that exist now, as far as this process can tell, and the names. */
static void add_ids(const char *text)
{
	struct iommuctl *g = shell_cpl.g;
	const struct session *s = &g->session;
	char buf[48];

	for (size_t i = 0; i < s->nnames; i++) {
		snprintf(buf, sizeof(buf), "@%s", s->names[i].name);
		cand_add(text, "", buf);
	}
	if (g->ctx && ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM) {
		struct ifd_sim_object *objs;
		size_t n;

		if (ifd_sim_objects(g->ctx, &objs, &n) == 0) {
			for (size_t i = 0; i < n; i++) {
				snprintf(buf, sizeof(buf), "%u", objs[i].id);
				cand_add(text, "", buf);
			}
			free(objs);
		}
		return;
	}
	/* the kernel cannot list objects: those this process made */
	for (size_t i = 0; i < s->nids; i++) {
		snprintf(buf, sizeof(buf), "%u", s->ids[i]);
		cand_add(text, "", buf);
	}
}

static void add_columns(const char *text, const struct iommuctl_cmd *c)
{
	const char *comma = strrchr(text, ',');
	char prefix[256];

	snprintf(prefix, sizeof(prefix), "%.*s", comma ? (int)(comma - text + 1) : 0, text);
	for (size_t f = 0; c && c->columns && c->columns[f]; f++)
		if (f == 0)	/* -o selects the first family's columns */
			for (size_t i = 0; i < c->columns[f]->ncols; i++)
				cand_add(text, prefix, c->columns[f]->cols[i].name);
}

/* The fds this process has open: the shell's inherited ones among them. */
static void add_fds(const char *text)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && (int)strtol(e->d_name, NULL, 10) != dirfd(d))
			cand_add(text, "", e->d_name);
	if (d)
		closedir(d);
}

/* Values of option 'o' of command 'c' (may be NULL: a line's global). */
static bool add_values(const char *text, const char *prefix, const struct cmd_opt *o,
		       const struct iommuctl_cmd *c)
{
	switch (o->complete) {
	case OPT_CPL_FILE:
		return false;	/* readline's file names */
	case OPT_CPL_COLUMNS:
		add_columns(text, c);
		break;
	case OPT_CPL_WORDS:
		for (const char *const *w = o->words(); w && *w; w++)
			cand_add(text, prefix, *w);
		break;
	case OPT_CPL_ID:
		add_ids(text);
		break;
	case OPT_CPL_FD:
		add_fds(text);
		break;
	case OPT_CPL_NONE:
		break;
	}
	return true;
}

static const struct cmd_opt *find_opt(const struct cmd_opt *opts, const char *word)
{
	int i;

	if (word[0] != '-')
		return NULL;
	if (word[1] == '-') {
		i = cmdopt_index(opts, word + 2);
		return i < 0 ? NULL : &opts[i];
	}
	for (i = 0; opts[i].name; i++)
		if (word[1] && opts[i].short_name == word[strlen(word) - 1])
			return &opts[i];
	return NULL;
}

/* Fill the candidates for 'text', the word at 'start' of the line.  Returns
 * false when readline should complete a file name instead. */
static bool complete_word(const char *text, int start)
{
	char *before = strndup(rl_line_buffer, (size_t)start);
	const struct iommuctl_cmd *c = NULL, *group = NULL;
	const struct cmd_opt *opts = iommuctl_global_opts, *want = NULL;
	struct words w;
	const char *why;
	bool ok = true;

	if (!before || words_split(before, &w, &why) != WORDS_OK) {
		free(before);
		return true;	/* inside a quote: nothing to offer */
	}
	free(before);
	for (int i = 0; i < w.argc; i++) {
		const struct cmd_opt *o = find_opt(opts, w.argv[i]);

		if (w.argv[i][0] == '-') {
			if (o && o->arg == OPT_REQUIRED && !strchr(w.argv[i], '=') && ++i == w.argc)
				want = o;	/* its value is the word being completed */
			continue;
		}
		if (!c && !group) {
			c = iommuctl_find(NULL, w.argv[i]);
			if (c && (c->flags & CMD_GROUP)) {
				group = c;
				c = NULL;
			} else if (!c) {
				break;
			}
			opts = c ? c->options : group->options;
		} else if (group && !c) {
			c = iommuctl_find(group->name, w.argv[i]);
			if (!c)
				break;
			opts = c->options;
		}
	}
	if (want) {
		ok = add_values(text, "", want, c);
	} else if (strncmp(text, "--", 2) == 0 && strchr(text, '=')) {
		/* --opt=VALUE */
		char name[64];
		const struct cmd_opt *o;

		snprintf(name, sizeof(name), "%.*s", (int)(strchr(text, '=') - text), text);
		o = find_opt(opts, name);
		if (o && o->arg != OPT_NOARG) {
			char prefix[80];

			snprintf(prefix, sizeof(prefix), "%s=", name);
			if (o->complete == OPT_CPL_WORDS || o->complete == OPT_CPL_COLUMNS) {
				if (o->complete == OPT_CPL_WORDS)
					for (const char *const *v = o->words(); v && *v; v++)
						cand_add(text, prefix, *v);
				else
					add_columns(text, c);
			}
		}
	} else if (text[0] == '-') {
		add_options(text, opts);
	} else if (!c && !group) {
		add_commands(text, NULL);
		cand_add(text, "", "exit");
		cand_add(text, "", "quit");
	} else if (group && !c) {
		add_commands(text, group->name);
	} else if (c->fn == cmd_free) {
		add_ids(text);
	} else if (c->fn == cmd_help) {
		add_commands(text, NULL);
	}
	words_free(&w);
	return ok;
}

static char **shell_complete(const char *text, int start, int end)
{
	char **matches = NULL;

	(void)end;
	cand_free();
	if (complete_word(text, start)) {
		rl_attempted_completion_over = 1;	/* no file names */
		if (shell_cpl.ncand)
			matches = rl_completion_matches(text, cand_next);
	}
	cand_free();
	return matches;
}

/* ---- the loop ----------------------------------------------------------------- */

/*
 * Ctrl-C drops the line being typed, as in a shell, instead of ending
 * iommuctl.  The handler only notes it (no SA_RESTART, so the read is
 * interrupted); readline reads keys through shell_getc(), which turns the
 * interruption into the key Ctrl-C, bound to drop the line.  (With readline's
 * own signal handling, its read goes on after a handler returns, and the
 * next key typed would be taken into the dropped line.)
 */
#define KEY_CTRL_C 3

static volatile sig_atomic_t shell_interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	shell_interrupted = 1;
}

static int shell_getc(FILE *in)
{
	unsigned char c;

	for (;;) {
		if (shell_interrupted)
			return KEY_CTRL_C;
		ssize_t n = read(fileno(in), &c, 1);

		if (n == 1)
			return c;
		if (n == 0 || errno != EINTR)
			return EOF;
	}
}

static int drop_line(int count, int key)
{
	(void)count;
	(void)key;
	rl_replace_line("", 0);
	rl_done = 1;
	return 0;
}

static bool is_exit(const struct words *w)
{
	return w->argc == 1 && (!strcmp(w->argv[0], "exit") || !strcmp(w->argv[0], "quit"));
}

static int interactive(struct iommuctl *g)
{
	struct session *s = &g->session;
	struct sigaction old_int;
	char hist[4096], *logical = NULL;
	bool have_hist = history_path(hist, sizeof(hist)) == 0;
	int last = 0;

	s->active = true;
	s->interactive = true;
	s->force = true;	/* a person reads each error and goes on */
	s->file = "-";
	shell_cpl.g = g;
	rl_readline_name = "iommuctl";
	rl_attempted_completion_function = shell_complete;
	/* '@' and '=' belong to the words completed (@NAME, --opt=VALUE) */
	rl_completer_word_break_characters = " \t\n";
	rl_catch_signals = 0;
	rl_getc_function = shell_getc;
	rl_bind_key(KEY_CTRL_C, drop_line);
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_sigint }, &old_int);
	if (have_hist) {
		using_history();
		read_history(hist);	/* a first run has none yet */
	}
	for (;;) {
		char *line;

		shell_interrupted = 0;	/* a Ctrl-C while a command ran is spent */
		line = readline(logical ? "> " : "iommuctl> ");
		struct words w;
		const char *why = NULL;
		bool eof = !line;
		int split, code;

		if (shell_interrupted) {
			/* the line (and a continued one) is dropped; nothing runs */
			shell_interrupted = 0;
			putchar('\n');
			free(line);
			free(logical);
			logical = NULL;
			continue;
		}

		if (eof) {
			if (!logical) {
				putchar('\n');
				break;
			}
			split = WORDS_ERROR;	/* end of input inside a continuation */
			why = "the input ends in '\\', which continues no line";
		} else {
			char *joined;

			s->line++;
			if (asprintf(&joined, "%s%s", logical ? logical : "", line) < 0) {
				free(line);
				break;
			}
			free(line);
			free(logical);
			logical = joined;
			split = words_split(logical, &w, &why);
			if (split == WORDS_MORE) {
				logical[strlen(logical) - 1] = '\0';	/* the backslash */
				continue;
			}
		}
		if (logical && logical[strspn(logical, " \t")]) {
			add_history(logical);
			if (have_hist && append_history(1, hist) != 0)
				write_history(hist);	/* no file yet */
		}
		if (split == WORDS_OK && is_exit(&w)) {
			words_free(&w);
			break;
		}
		code = session_exec(g, split, split == WORDS_OK ? &w : NULL, why);
		if (split == WORDS_OK)
			words_free(&w);
		free(logical);
		logical = NULL;
		if (code >= 0)
			last = code;
		if (eof)
			break;
	}
	free(logical);
	sigaction(SIGINT, &old_int, NULL);
	if (have_hist)
		history_truncate_file(hist, HISTORY_LINES);
	return last;
}

int cmd_shell(struct iommuctl *g, struct cmd_args *a)
{
	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s' (commands are read from stdin)",
				      a->argv[0]);
	if (g->session.active)
		return iommuctl_usage(g, "already reading commands: a batch or shell cannot start "
				      "another");
	if (!isatty(STDIN_FILENO))
		return batch_run_stream(g, stdin, "-");
	return interactive(g);
}
