/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Strict parsing of the numbers users type: IDs, addresses, sizes, ranges.
 * Every parser returns 0 on success, or -1 with *why set to a short reason
 * ("junk after the number"); nothing is in-band, so U64_MAX is a valid
 * result.  Accepted: decimal or 0x hex digits only (no sign, no blanks);
 * sizes may end in K, M, G or T (IEC: 1K = 1024), optionally followed by "iB".
 */
#ifndef SHARED_PARSE_H
#define SHARED_PARSE_H

#include <stdint.h>

struct parse_range {
	uint64_t start;
	uint64_t last;		/* inclusive */
};

int parse_u64(const char *s, uint64_t *out, const char **why);
int parse_size(const char *s, uint64_t *out, const char **why);
/* An object ID: a u32 (iommufd IDs are __u32). */
int parse_id(const char *s, uint32_t *out, const char **why);
/* A non-negative int: fd numbers, PIDs. */
int parse_int(const char *s, int *out, const char **why);
/* START-END (END inclusive, END >= START) or START+LEN (LEN > 0, a size). */
int parse_range(const char *s, struct parse_range *out, const char **why);

#endif
