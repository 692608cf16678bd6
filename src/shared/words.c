// SPDX-License-Identifier: GPL-3.0-or-later
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"

void words_free(struct words *w)
{
	free(w->argv);
	free(w->buf);
	w->argv = NULL;
	w->buf = NULL;
	w->argc = 0;
}

static bool blank(char c)
{
	/* '\r': a file written with CRLF line ends reads the same */
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int push(struct words *w, size_t *cap, char *word)
{
	if ((size_t)w->argc + 1 >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		char **n = realloc(w->argv, ncap * sizeof(*n));

		if (!n)
			return -1;
		w->argv = n;
		*cap = ncap;
	}
	w->argv[w->argc++] = word;
	w->argv[w->argc] = NULL;
	return 0;
}

static enum words_status fail(struct words *w, const char **why, const char *msg)
{
	words_free(w);
	*why = msg;
	return WORDS_ERROR;
}

enum words_status words_split(const char *line, struct words *w, const char **why)
{
	const char *p = line;
	size_t cap = 0;
	char *out;

	memset(w, 0, sizeof(*w));
	/* A word is never longer than the text it comes from. */
	w->buf = malloc(strlen(line) + 1);
	if (!w->buf || push(w, &cap, NULL))
		return fail(w, why, "out of memory");
	w->argc = 0;
	out = w->buf;
	for (;;) {
		char *word = out;

		while (blank(*p))
			p++;
		if (!*p || *p == '#')
			break;
		while (*p && !blank(*p)) {
			if (*p == '\'') {
				for (p++; *p && *p != '\''; )
					*out++ = *p++;
				if (!*p)
					return fail(w, why, "unterminated ' quote");
				p++;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; ) {
					if (p[0] == '\\' && p[1] == '\0') {
						words_free(w);
						return WORDS_MORE;
					}
					if (p[0] == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					*out++ = *p++;
				}
				if (!*p)
					return fail(w, why, "unterminated \" quote");
				p++;
			} else if (*p == '\\') {
				if (p[1] == '\0') {
					words_free(w);
					return WORDS_MORE;
				}
				p++;
				*out++ = *p++;
			} else {
				*out++ = *p++;
			}
		}
		*out++ = '\0';
		if (push(w, &cap, word))
			return fail(w, why, "out of memory");
	}
	return WORDS_OK;
}
