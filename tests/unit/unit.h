/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A minimal unit-test harness: each tests/unit/test-*.c is one program whose
 * main() calls UNIT_RUN(fn) for every test function and returns
 * unit_finish().  A failed CHECK records the failure and goes on; the program
 * prints "N passed, N failed" for its own test functions and exits non-zero
 * if any failed.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

static int unit_failed_checks;	/* failures inside the current test */
static int unit_pass, unit_fail;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: CHECK failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		unit_failed_checks++;					\
	}								\
} while (0)

/* Compare two integers (as long long), printing both on failure. */
#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld != %lld)\n", \
			__FILE__, __LINE__, #a, #b, _a, _b);		\
		unit_failed_checks++;					\
	}								\
} while (0)

#define CHECK_U64(a, b) do {						\
	uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);		\
	if (_a != _b) {							\
		fprintf(stderr, "%s:%d: CHECK_U64 failed: %s == %s (0x%" PRIx64 " != 0x%" PRIx64 ")\n", \
			__FILE__, __LINE__, #a, #b, _a, _b);		\
		unit_failed_checks++;					\
	}								\
} while (0)

#define UNIT_RUN(fn) do {						\
	unit_failed_checks = 0;						\
	fn();								\
	if (unit_failed_checks) {					\
		unit_fail++;						\
		fprintf(stderr, "FAIL %s\n", #fn);			\
	} else {							\
		unit_pass++;						\
		printf("ok   %s\n", #fn);				\
	}								\
} while (0)

/* xorshift64*: the random tests' generator, seeded by each test so that a
 * printed seed reproduces a failure. */
static uint64_t rng_state;

static inline uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static inline uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static inline int unit_finish(void)
{
	printf("%d passed, %d failed\n", unit_pass, unit_fail);
	return unit_fail ? 1 : 0;
}

#endif
