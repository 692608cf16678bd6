// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * First-fit IOVA allocation, as the kernel does it.  The rules that are easy
 * to get wrong, all mirrored on purpose:
 *  - the search space is each allowed range (touching ones merged) clipped to
 *    [PAGE_SIZE, ULONG_MAX - PAGE_SIZE], or that window alone: IOVA 0 and the
 *    last page are never chosen;
 *  - a candidate is ALIGN_UP(hole start, align) with the source's page offset
 *    OR-ed in (not added);
 *  - a range fits only if the candidate is strictly below the range's last
 *    byte and last - candidate >= length - 1, so a one-byte hole never fits;
 *  - the allowed range as a whole is tested first, and the hole walk starts
 *    at that range's aligned start;
 *  - ALIGN_UP overflowing past 2^64 means "does not fit".
 */
#include <errno.h>
#include <stdbool.h>

#include "oracle.h"

static uint64_t roundup_pow2(uint64_t v)
{
	return v <= 1 ? 1 : 1ull << (64 - __builtin_clzll(v - 1));
}

uint64_t sim_oracle_alignment(uint64_t addr, uint64_t length, uint64_t hpage_size)
{
	uint64_t align = roundup_pow2(length);

	if (addr && (addr & -addr) < align)
		align = addr & -addr;
	if (align >= hpage_size)
		align = hpage_size;
#if SIM_MUTANT == 2
	/* Mutant 2: one alignment step short when the THP size caps it. */
	if (align == hpage_size)
		align >>= 1;
#endif
	return align;
}

bool sim_oracle_check_range(uint64_t *start, uint64_t last, uint64_t length, uint64_t align,
			    uint64_t page_offset)
{
	uint64_t aligned;

	if (__builtin_add_overflow(*start, align - 1, &aligned))
		return false;
	aligned &= ~(align - 1);
	aligned |= page_offset;
	if (aligned >= last || last - aligned < length - 1)
		return false;
	*start = aligned;
	return true;
}

/* First fitting hole of 'used' inside [start, last]. */
static bool search_span(const struct sim_oracle_req *req, uint64_t start, uint64_t last,
			uint64_t align, uint64_t page_offset, uint64_t *iova)
{
	uint64_t pos = start;

	for (size_t i = 0; i < req->nr_used; i++) {
		const struct sim_span *u = &req->used[i];

		if (u->last < pos)
			continue;
		if (u->start > last)
			break;
		if (u->start > pos) {
			uint64_t hole = pos;

			if (sim_oracle_check_range(&hole, u->start - 1, req->length, align, page_offset)) {
				*iova = hole;
				return true;
			}
		}
		if (u->last >= last)
			return false;	/* covered to the end of the span */
		pos = u->last + 1;
	}
	if (sim_oracle_check_range(&pos, last, req->length, align, page_offset)) {
		*iova = pos;
		return true;
	}
	return false;
}

int sim_oracle_params(uint64_t addr, uint64_t length, uint64_t hpage_size,
		      uint64_t iova_alignment, uint64_t *align)
{
	if (length == 0 || length >= UINT64_MAX / 2)
		return -EOVERFLOW;
	*align = sim_oracle_alignment(addr, length, hpage_size);
	if (*align < iova_alignment)
		return -EINVAL;
	return 0;
}

int sim_oracle_alloc_iova(const struct sim_oracle_req *req, uint64_t *iova)
{
	const uint64_t win_start = req->page_size, win_last = UINT64_MAX - req->page_size;
	uint64_t page_offset = req->addr % req->page_size;
	uint64_t align;
	int ret;

	ret = sim_oracle_params(req->addr, req->length, req->hpage_size, req->iova_alignment,
				&align);
	if (ret)
		return ret;

	if (!req->nr_allowed) {
		uint64_t s = win_start;

		if (sim_oracle_check_range(&s, win_last, req->length, align, page_offset) &&
		    search_span(req, s, win_last, align, page_offset, iova))
			return 0;
		return -ENOSPC;
	}
	for (size_t i = 0; i < req->nr_allowed;) {
		/* One span: this range and every later one that overlaps or touches it. */
		uint64_t s = req->allowed[i].start, l = req->allowed[i].last;

		for (i++; i < req->nr_allowed; i++) {
			if (l != UINT64_MAX && req->allowed[i].start > l + 1)
				break;
			if (req->allowed[i].last > l)
				l = req->allowed[i].last;
		}
		/* Clipped to the window. */
		if (l < win_start || s > win_last)
			continue;
		if (s < win_start)
			s = win_start;
		if (l > win_last)
			l = win_last;
		if (!sim_oracle_check_range(&s, l, req->length, align, page_offset))
			continue;
		if (search_span(req, s, l, align, page_offset, iova))
			return 0;
	}
	return -ENOSPC;
}
