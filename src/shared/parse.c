// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * One scanner for every number, so that all options reject the same things:
 * strtoull() would accept blanks, signs ("-1" is U64_MAX) and octal, and
 * reports errors in-band.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Scan a number at s; *end points past it.  With 'suffix', a K/M/G/T
 * multiplier (and an optional "iB") is taken too. */
static int scan_u64(const char *s, const char **end, bool suffix, uint64_t *out, const char **why)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;

	if (!*p) {
		*why = "empty number";
		return -1;
	}
	if (*p == '-' || *p == '+') {
		*why = "a sign is not allowed";
		return -1;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = p;

	for (;; p++) {
		int d = hexval(*p);

		if (d < 0 || (unsigned)d >= base)
			break;
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, (unsigned)d, &v)) {
			*why = "number too large (more than 64 bits)";
			return -1;
		}
	}
	if (p == digits) {
		*why = base == 16 ? "no hex digits after 0x" : "not a number";
		return -1;
	}
	if (suffix && *p) {
		unsigned shift = 0;

		switch (*p) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		case 'T': case 't': shift = 40; break;
		}
		if (shift) {
			p++;
			if (p[0] == 'i' && p[1] == 'B')
				p += 2;
			if (v > (UINT64_MAX >> shift)) {
				*why = "size too large (more than 64 bits)";
				return -1;
			}
			v <<= shift;
		}
	}
	*end = p;
	*out = v;
	return 0;
}

static int scan_all(const char *s, bool suffix, uint64_t *out, const char **why)
{
	const char *end;

	if (scan_u64(s, &end, suffix, out, why))
		return -1;
	if (*end) {
		*why = suffix ? "junk after the number (sizes take K, M, G or T)"
			      : "junk after the number";
		return -1;
	}
	return 0;
}

int parse_u64(const char *s, uint64_t *out, const char **why)
{
	return scan_all(s, false, out, why);
}

int parse_size(const char *s, uint64_t *out, const char **why)
{
	return scan_all(s, true, out, why);
}

int parse_id(const char *s, uint32_t *out, const char **why)
{
	uint64_t v;

	if (scan_all(s, false, &v, why))
		return -1;
	if (v > UINT32_MAX) {
		*why = "IDs are 32-bit";
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int parse_int(const char *s, int *out, const char **why)
{
	uint64_t v;

	if (scan_all(s, false, &v, why))
		return -1;
	if (v > INT_MAX) {
		*why = "number too large";
		return -1;
	}
	*out = (int)v;
	return 0;
}

int parse_range(const char *s, struct parse_range *out, const char **why)
{
	const char *end;
	uint64_t start, second;
	char sep;

	if (scan_u64(s, &end, false, &start, why))
		return -1;
	sep = *end;
	if (sep != '-' && sep != '+') {
		*why = *end ? "expected START-END or START+LENGTH" : "a range needs -END or +LENGTH";
		return -1;
	}
	if (scan_all(end + 1, sep == '+', &second, why))
		return -1;
	if (sep == '-') {
		if (second < start) {
			*why = "END is below START";
			return -1;
		}
		out->start = start;
		out->last = second;
		return 0;
	}
	if (second == 0) {
		*why = "LENGTH is 0";
		return -1;
	}
	if (__builtin_add_overflow(start, second - 1, &out->last)) {
		*why = "START+LENGTH goes past 0xffffffffffffffff";
		return -1;
	}
	out->start = start;
	return 0;
}
