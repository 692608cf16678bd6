/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Splitting a line of a batch file or of the shell into words, the way a
 * shell would, minus expansions:
 *
 *   - blanks separate words; '#' at the start of a word begins a comment
 *     (inside quotes, or within a word, it is data);
 *   - '...' is literal; "..." is literal except that \" and \\ stand for
 *     " and \; outside quotes a backslash makes the next character literal;
 *   - a backslash at the very end of the line continues it on the next one.
 *
 * An unterminated quote is an error of that line alone, never of the whole
 * input (iproute2's batch parser exits on one).  There is no limit on the
 * number of words.
 */
#ifndef SHARED_WORDS_H
#define SHARED_WORDS_H

enum words_status {
	WORDS_ERROR = -1,	/* *why says what is wrong */
	WORDS_OK = 0,		/* argc may be 0: a blank or comment line */
	WORDS_MORE = 1,		/* ends in a continuation: drop the backslash, append the next line */
};

struct words {
	int argc;
	char **argv;		/* argv[argc] is NULL */
	char *buf;		/* the words' text */
};

enum words_status words_split(const char *line, struct words *w, const char **why);
void words_free(struct words *w);

#endif
