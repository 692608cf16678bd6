// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The batch and shell line splitter (src/shared/words.c): quoting, comments,
 * continuations and errors, each case written out with the words a shell
 * would make of it.
 */
#include <string.h>

#include "shared/words.h"
#include "unit.h"

/* Split 'line' and compare with the NULL-terminated 'want'. */
static int split_is(const char *line, const char *const *want)
{
	struct words w;
	const char *why = NULL;
	int n = 0, ok;

	if (words_split(line, &w, &why) != WORDS_OK) {
		fprintf(stderr, "  '%s': %s\n", line, why ? why : "not WORDS_OK");
		return 0;
	}
	while (want[n])
		n++;
	ok = w.argc == n && w.argv[w.argc] == NULL;
	for (int i = 0; ok && i < n; i++)
		ok = strcmp(w.argv[i], want[i]) == 0;
	if (!ok) {
		fprintf(stderr, "  '%s' gave %d words:", line, w.argc);
		for (int i = 0; i < w.argc; i++)
			fprintf(stderr, " [%s]", w.argv[i]);
		fputc('\n', stderr);
	}
	words_free(&w);
	return ok;
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NONE ((const char *const[]){ NULL })

static void test_plain(void)
{
	CHECK(split_is("map --ioas 1 --size 4K", WORDS("map", "--ioas", "1", "--size", "4K")));
	CHECK(split_is("  \talloc  \t", WORDS("alloc")));
	CHECK(split_is("alloc\r", WORDS("alloc")));	/* CRLF files */
	CHECK(split_is("", NONE));
	CHECK(split_is("   ", NONE));
}

static void test_comments(void)
{
	CHECK(split_is("# all comment", NONE));
	CHECK(split_is("   # indented comment", NONE));
	CHECK(split_is("alloc # the first", WORDS("alloc")));
	CHECK(split_is("alloc #", WORDS("alloc")));
	/* '#' inside a word or in quotes is data */
	CHECK(split_is("free 1#2", WORDS("free", "1#2")));
	CHECK(split_is("free '#1' \"#2\" \\#3", WORDS("free", "#1", "#2", "#3")));
	CHECK(split_is("a 'x # y' # z", WORDS("a", "x # y")));
}

static void test_quotes(void)
{
	CHECK(split_is("a 'b c' \"d e\"", WORDS("a", "b c", "d e")));
	CHECK(split_is("a '' \"\"", WORDS("a", "", "")));
	CHECK(split_is("a'b'\"c\"d", WORDS("abcd")));
	CHECK(split_is("'a\\b'", WORDS("a\\b")));		/* literal in '' */
	CHECK(split_is("\"a\\\"b\\\\c\\d\"", WORDS("a\"b\\c\\d")));
	CHECK(split_is("\"it's\" 'say \"hi\"'", WORDS("it's", "say \"hi\"")));
	CHECK(split_is("a\\ b c\\'d", WORDS("a b", "c'd")));
}

static void test_errors(void)
{
	struct words w;
	const char *why = NULL;

	CHECK_EQ(words_split("free 'unterminated", &w, &why), WORDS_ERROR);
	CHECK(why && strstr(why, "unterminated '"));
	why = NULL;
	CHECK_EQ(words_split("free \"unterminated", &w, &why), WORDS_ERROR);
	CHECK(why && strstr(why, "unterminated \""));
	/* the error is the line's only: the splitter keeps nothing */
	CHECK(w.argv == NULL && w.buf == NULL && w.argc == 0);
}

static void test_continuation(void)
{
	struct words w;
	const char *why = NULL;

	CHECK_EQ(words_split("map --ioas 1 \\", &w, &why), WORDS_MORE);
	CHECK_EQ(words_split("map \"--ioas 1\\", &w, &why), WORDS_MORE);
	/* an escaped backslash at the end is a word, not a continuation */
	CHECK(split_is("a \\\\", WORDS("a", "\\")));
}

static void test_many_words(void)
{
	char line[4096];
	size_t used = 0;
	struct words w;
	const char *why;

	/* no fixed limit on the number of words */
	for (int i = 0; i < 1000; i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%d ", i % 10);
	CHECK_EQ(words_split(line, &w, &why), WORDS_OK);
	CHECK_EQ(w.argc, 1000);
	CHECK(w.argc == 1000 && strcmp(w.argv[999], "9") == 0 && w.argv[1000] == NULL);
	words_free(&w);
}

int main(void)
{
	UNIT_RUN(test_plain);
	UNIT_RUN(test_comments);
	UNIT_RUN(test_quotes);
	UNIT_RUN(test_errors);
	UNIT_RUN(test_continuation);
	UNIT_RUN(test_many_words);
	return unit_finish();
}
