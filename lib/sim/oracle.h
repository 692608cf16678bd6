/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reference allocator for kernel-chosen IOVAs (IOAS_MAP, MAP_FILE and
 * COPY without IOMMU_IOAS_MAP_FIXED_IOVA): a plain first-fit scan written from
 * the rules of the kernel's iopt_alloc_iova().  It is a pure function of its
 * input, so it can be tested alone, and it stays as the oracle any faster
 * allocator is checked against.
 */
#ifndef IFD_SIM_ORACLE_H
#define IFD_SIM_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Planted faults for checking the tests (built with -DSIM_MUTANT=N, see
 * lib/sim/mock.c, ioas.c, oracle.c); 0 = none. */
#ifndef SIM_MUTANT
#define SIM_MUTANT 0
#endif

struct sim_span {
	uint64_t start;
	uint64_t last;			/* inclusive */
};

struct sim_oracle_req {
	/* Reserved ranges and mapped areas together, sorted by start; they may
	 * overlap each other (reserved ranges of different owners do). */
	const struct sim_span *used;
	size_t nr_used;
	/* The ALLOW_IOVAS ranges sorted by start (they never overlap, but may
	 * touch); none means "anywhere". */
	const struct sim_span *allowed;
	size_t nr_allowed;
	uint64_t page_size;		/* PAGE_SIZE */
	uint64_t hpage_size;		/* the largest alignment chosen (THP size) */
	uint64_t addr;			/* the source address the IOVA should mirror */
	uint64_t length;
	uint64_t iova_alignment;	/* the IOAS's current alignment */
};

/*
 * The IOVA the kernel would choose, in *iova; or -EOVERFLOW (length 0 or
 * >= ULONG_MAX/2), -EINVAL (the alignment it would use is below the IOAS's),
 * -ENOSPC (no hole fits).
 */
int sim_oracle_alloc_iova(const struct sim_oracle_req *req, uint64_t *iova);

/* The alignment the kernel aims for: min(roundup_pow_of_two(length), lowest
 * set bit of addr), capped at hpage_size; length must be in (0, 2^63). */
uint64_t sim_oracle_alignment(uint64_t addr, uint64_t length, uint64_t hpage_size);

/*
 * The parts any allocator of kernel-chosen IOVAs shares with the oracle, so
 * that they cannot drift apart: the length and alignment checks (*align gets
 * the alignment; -EOVERFLOW, -EINVAL as above) and the test of one range:
 * does [*start, last] hold 'length' bytes at the alignment with the page
 * offset OR-ed in?  It moves *start to the candidate when it does.
 */
int sim_oracle_params(uint64_t addr, uint64_t length, uint64_t hpage_size,
		      uint64_t iova_alignment, uint64_t *align);
bool sim_oracle_check_range(uint64_t *start, uint64_t last, uint64_t length, uint64_t align,
			    uint64_t page_offset);

#endif
