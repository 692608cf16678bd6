// SPDX-License-Identifier: GPL-3.0-or-later
/* help [COMMAND]: the manual page when man has it, else the usage. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iommuctl.h"

extern char **environ;

/* Does man know the page?  (man -w prints its path, or fails.) */
static bool man_has_page(const char *page)
{
	char *argv[] = { "man", "-w", (char *)page, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, ret;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	ret = posix_spawnp(&pid, "man", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret != 0)
		return false;
	while (waitpid(pid, &status, 0) < 0)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* man PAGE, waited for: 0 if it ran and succeeded. */
static int run_man(const char *page)
{
	char *argv[] = { "man", (char *)page, NULL };
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, "man", NULL, NULL, argv, environ) != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int cmd_help(struct iommuctl *g, struct cmd_args *a)
{
	const struct iommuctl_cmd *c;
	char page[64];

	if (a->argc == 0) {
		iommuctl_print_global_usage(stdout);
		return 0;
	}
	if (a->argc > 2)
		return iommuctl_usage(g, "one command at a time");
	c = iommuctl_find(NULL, a->argv[0]);
	if (c && a->argc == 2)
		c = (c->flags & CMD_GROUP) ? iommuctl_find(c->name, a->argv[1]) : NULL;
	if (!c)
		return iommuctl_usage(g, "unknown command '%s%s%s' (see 'iommuctl --list-cmds')",
				      a->argv[0], a->argc == 2 ? " " : "",
				      a->argc == 2 ? a->argv[1] : "");
	iommuctl_man_page(c, page, sizeof(page));
	/* A batch goes on after help, so it never hands over to man; the
	 * shell on a terminal waits for man to return. */
	if (g->session.active && !g->session.interactive) {
		iommuctl_print_usage(stdout, c);
		return 0;
	}
	if (man_has_page(page)) {
		fflush(stdout);
		if (!g->session.active) {
			execlp("man", "man", page, (char *)NULL);
		} else if (run_man(page) == 0) {
			return 0;
		}
		/* man vanished between the two calls: fall back to the usage */
	}
	iommuctl_print_usage(stdout, c);
	return 0;
}
