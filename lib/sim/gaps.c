// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The free IOVA of each IOAS as a tree of gaps, and the kernel-chosen IOVA
 * found in it in O(log n) instead of the kernel's (and the oracle's) O(n)
 * first-fit walk -- with exactly the oracle's answer.
 *
 * A gap is a maximal range that no area and no reserved range covers
 * (layout.h, struct sim_gap).  Reserved ranges may overlap each other; areas
 * overlap nothing.  Every node caches, per alignment class c, the largest
 * room of its subtree: last - ALIGN_UP(start, align_c).
 *
 * The oracle's rules (oracle.c) in terms of a whole gap [s, l], alignment a
 * and page offset po, with L' = max(length - 1, 1): the candidate
 * ALIGN_UP(s, a) | po fits iff it is <= l - L'.
 *  - For a >= PAGE_SIZE, po < a, so OR is addition and the test is exactly
 *    room_a(gap) >= po + L' (po is in fact 0 then: a never exceeds the
 *    source address's lowest set bit): one descent finds the first such gap.
 *  - For a < PAGE_SIZE (an unaligned source address, or a length below a
 *    page) the OR can move the candidate anywhere in the page, so no cached
 *    value decides it.  The candidate lies in [s, s + a + po), so
 *    room_1(gap) >= L' is necessary: gaps passing that are tested one by one
 *    with the oracle's own check.  Bound: O((1 + b) log n), b = the gaps
 *    before the answer whose room is in [L', L' + a + po) yet do not fit.
 *
 * Only whole gaps are in the tree; the oracle's holes are gaps clipped to the
 * allowed span [c0, L] it searches (c0: the span's own candidate, where the
 * kernel starts its hole walk).  So the gap holding c0 and the one running
 * past L are tested clipped, with the oracle's check; the gaps between them
 * are whole and the cached room decides.  Each allowed span costs O(log n);
 * the allowed ranges themselves are walked in order, as the kernel does.
 *
 * The tree is kept exact by every change to areas and reserved ranges
 * (ioas.c).  Splitting a gap needs a record; if one cannot be had (the file
 * cannot grow) the tree is marked stale instead of failing the operation,
 * and the next allocation rebuilds it, or uses the oracle if it still
 * cannot.  Correctness never hangs on an allocation.
 */
#include <errno.h>
#include <stddef.h>

#include "internal.h"
#include "oracle.h"

#define MAX_DEPTH 128

static struct sim_ioas *ioas_r(struct sim *sim, uint64_t obj_off)
{
	return &((struct sim_obj *)sim_rec(sim, obj_off, SIM_TAG_OBJ))->ioas;
}

static struct sim_ioas *ioas_w(struct sim *sim, uint64_t obj_off)
{
	return &((struct sim_obj *)sim_recw(sim, obj_off, SIM_TAG_OBJ))->ioas;
}

static struct sim_gap *gap_r(struct sim *sim, uint64_t off)
{
	return sim_rec(sim, off, SIM_TAG_GAP);
}

unsigned int sim_gap_nr_classes(struct sim *sim)
{
	struct sim_hdr *h = sim_hdr(sim);
	unsigned int n;

	/* The header was checked when the state was opened (HPAGE >= PAGE, both
	 * powers of two, the ratio within SIM_GAP_MAX_RATIO); clamp anyway. */
	if (!h->page_size || h->hpage_size < h->page_size)
		return 1;
	n = 2 + (unsigned int)(__builtin_ctzll(h->hpage_size) - __builtin_ctzll(h->page_size));
	return n > SIM_GAP_CLASSES ? SIM_GAP_CLASSES : n;
}

static const struct sim_gap *gap_of_node(const struct sim_tnode *n)
{
	return n ? (const struct sim_gap *)((const uint8_t *)n - offsetof(struct sim_gap, n)) : NULL;
}

void sim_gap_update(struct sim *sim, uint64_t off, const struct sim_tnode *left,
		    const struct sim_tnode *right)
{
	struct sim_gap *g = sim_recw(sim, off, SIM_TAG_GAP);
	const struct sim_gap *l = gap_of_node(left), *r = gap_of_node(right);
	uint64_t page = sim_hdr(sim)->page_size, start = g->n.start, last = g->n.last;
	unsigned int nc = sim_gap_nr_classes(sim), c;

	for (c = 0; c < nc; c++) {
		uint64_t v = sim_gap_room(start, last, sim_gap_class_align(page, c));

		if (l && l->room[c] > v)
			v = l->room[c];
		if (r && r->room[c] > v)
			v = r->room[c];
		g->room[c] = v;
	}
	for (; c < SIM_GAP_CLASSES; c++)
		g->room[c] = 0;
}

/* ---- lookups ---------------------------------------------------------------------------------- */

/* The gap holding address x, or 0. */
static uint64_t gap_holding(struct sim *sim, uint64_t root, uint64_t x)
{
	uint64_t off = root, best = 0;

	for (int depth = 0; off; depth++) {
		struct sim_gap *g = gap_r(sim, off);

		if (depth > MAX_DEPTH || sim->corrupt) {
			sim_corrupt(sim, "gap tree deeper than any balanced tree");
			return 0;
		}
		if (g->n.start <= x) {
			best = off;
			off = g->n.right;
		} else {
			off = g->n.left;
		}
	}
	return best && gap_r(sim, best)->n.last >= x ? best : 0;
}

struct query {
	uint64_t root;
	uint64_t page;
	uint64_t length, align, page_offset;
	unsigned int cls;		/* room class searched */
	uint64_t align_cls;		/* its alignment */
	uint64_t need;			/* room a gap must have (see the top) */
	bool exact;			/* the room decides (align >= PAGE_SIZE) */
};

/* The first gap of the subtree at 'off' (whose cached room is known to reach
 * q->need) with room >= q->need itself. */
static uint64_t descend_first(struct sim *sim, const struct query *q, uint64_t off)
{
	for (int depth = 0; off; depth++) {
		struct sim_gap *g = gap_r(sim, off);

		if (depth > MAX_DEPTH || sim->corrupt) {
			sim_corrupt(sim, "gap tree deeper than any balanced tree");
			return 0;
		}
		if (g->n.left && gap_r(sim, g->n.left)->room[q->cls] >= q->need) {
			off = g->n.left;
			continue;
		}
		if (sim_gap_room(g->n.start, g->n.last, q->align_cls) >= q->need)
			return off;
		if (!g->n.right || gap_r(sim, g->n.right)->room[q->cls] < q->need)
			break;
		off = g->n.right;
	}
	sim_corrupt(sim, "gap tree caches room that no gap under it has");
	return 0;
}

/* The first gap, in address order, starting at lo or later whose room is at
 * least q->need; 0 if none.  Down the search path for lo the nodes at or
 * past lo are stacked; the deepest is the lowest, and it or its right
 * subtree (one more descent) is the answer if anything there is. */
static uint64_t first_fit_from(struct sim *sim, const struct query *q, uint64_t lo)
{
	uint64_t stack[MAX_DEPTH + 2], off = q->root;
	int sp = 0;

	while (off) {
		struct sim_gap *g = gap_r(sim, off);

		if (sim->corrupt)
			return 0;
		if (g->room[q->cls] < q->need)
			break;
		if (g->n.start >= lo) {
			if (sp > MAX_DEPTH) {
				sim_corrupt(sim, "gap tree deeper than any balanced tree");
				return 0;
			}
			stack[sp++] = off;
			off = g->n.left;
		} else {
			off = g->n.right;
		}
	}
	while (sp > 0 && !sim->corrupt) {
		struct sim_gap *g = gap_r(sim, stack[--sp]);

		if (sim_gap_room(g->n.start, g->n.last, q->align_cls) >= q->need)
			return stack[sp];
		if (g->n.right && gap_r(sim, g->n.right)->room[q->cls] >= q->need)
			return descend_first(sim, q, g->n.right);
	}
	return 0;
}

/* The oracle's test of the hole [start, last]; *iova = the candidate if it fits. */
static bool hole_fits(const struct query *q, uint64_t start, uint64_t last, uint64_t *iova)
{
	if (!sim_oracle_check_range(&start, last, q->length, q->align, q->page_offset))
		return false;
	*iova = start;
	return true;
}

/* The oracle's search_span: the first hole of the used ranges inside
 * [c0, last] that fits; c0 is the span's own candidate. */
static bool search_span(struct sim *sim, const struct query *q, uint64_t c0, uint64_t last,
			uint64_t *iova)
{
	uint64_t off = gap_holding(sim, q->root, c0), lo = c0 + 1;	/* c0 < last */
	uint64_t limit = itree_max_nodes(sim);

	if (off) {
		struct sim_gap *g = gap_r(sim, off);

		if (hole_fits(q, c0, SIM_MIN(g->n.last, last), iova))
			return true;
		if (g->n.last >= last)
			return false;
		lo = g->n.last + 1;
	}
	for (uint64_t steps = 0; !sim->corrupt; steps++) {
		struct sim_gap *g;

		if (steps > limit) {
			sim_corrupt(sim, "gap search does not end");
			return false;
		}
		off = first_fit_from(sim, q, lo);
		if (!off)
			return false;
		g = gap_r(sim, off);
		if (g->n.start > last)
			return false;
		if (hole_fits(q, g->n.start, SIM_MIN(g->n.last, last), iova))
			return true;
		/* A whole gap the room said fits, yet does not: the cache is wrong. */
		if (q->exact && g->n.last <= last) {
			sim_corrupt(sim, "gap [0x%llx, 0x%llx] caches room it does not have",
				    (unsigned long long)g->n.start, (unsigned long long)g->n.last);
			return false;
		}
		if (q->exact || g->n.last >= last)
			return false;
		lo = g->n.last + 1;
	}
	return false;
}

int sim_gaps_alloc_iova(struct sim *sim, uint64_t obj_off, uint64_t addr, uint64_t length,
			uint64_t *iova)
{
	struct sim_hdr *h = sim_hdr(sim);
	struct sim_ioas *io = ioas_r(sim, obj_off);
	const uint64_t win_start = h->page_size, win_last = SIM_ULONG_MAX - h->page_size;
	uint64_t limit = itree_max_nodes(sim), off, steps = 0;
	struct query q = {
		.root = io->gap_root,
		.page = h->page_size,
		.length = length,
		.page_offset = addr % h->page_size,
	};
	int ret;

	ret = sim_oracle_params(addr, length, h->hpage_size, io->iova_alignment, &q.align);
	if (ret)
		return ret;
	q.need = length - 1 > 1 ? length - 1 : 1;
	if (q.align >= q.page) {
		q.cls = 1 + (unsigned int)(__builtin_ctzll(q.align) - __builtin_ctzll(q.page));
		q.exact = q.cls < sim_gap_nr_classes(sim);
	}
	if (q.exact)
		q.need += q.page_offset;
	else
		q.cls = 0;
	q.align_cls = sim_gap_class_align(q.page, q.cls);

	if (!io->allow_root) {
		uint64_t s = win_start;

		if (sim_oracle_check_range(&s, win_last, length, q.align, q.page_offset) &&
		    search_span(sim, &q, s, win_last, iova))
			return 0;
		return sim->corrupt ? -EUCLEAN : -ENOSPC;
	}
	off = itree_first(sim, io->allow_root, SIM_TAG_ALLOW);
	while (off && !sim->corrupt) {
		/* One span: this range and every later one that overlaps or touches it. */
		struct sim_tnode *n = sim_node(sim, off, SIM_TAG_ALLOW);
		uint64_t s = n->start, l = n->last;

		for (off = itree_next(sim, off, SIM_TAG_ALLOW); off && !sim->corrupt;
		     off = itree_next(sim, off, SIM_TAG_ALLOW)) {
			n = sim_node(sim, off, SIM_TAG_ALLOW);
			if (++steps > limit)
				return sim_corrupt(sim, "allowed tree loops");
			if (l != SIM_ULONG_MAX && n->start > l + 1)
				break;
			if (n->last > l)
				l = n->last;
		}
		if (l < win_start || s > win_last)
			continue;
		s = SIM_MAX(s, win_start);
		l = SIM_MIN(l, win_last);
		if (!sim_oracle_check_range(&s, l, length, q.align, q.page_offset))
			continue;
		if (search_span(sim, &q, s, l, iova))
			return 0;
	}
	return sim->corrupt ? -EUCLEAN : -ENOSPC;
}

/* ---- keeping the tree exact ------------------------------------------------------------------- */

static void mark_stale(struct sim *sim, uint64_t obj_off)
{
	ioas_w(sim, obj_off)->gaps_stale = 1;
	sim->dirty = true;
}

/* A new gap record [start, last] in the tree; marks the tree stale if no
 * record can be had. */
static void gap_insert(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last)
{
	uint64_t off = sim_alloc(sim, SIM_TAG_GAP);
	struct sim_gap *g;

	if (!off) {
		if (!sim->corrupt)
			mark_stale(sim, obj_off);
		return;
	}
	g = sim_recw(sim, off, SIM_TAG_GAP);
	g->n.start = start;
	g->n.last = last;
	itree_insert(sim, &ioas_w(sim, obj_off)->gap_root, SIM_TAG_GAP, off);
}

void sim_gaps_init(struct sim *sim, uint64_t obj_off)
{
	struct sim_ioas *io = ioas_w(sim, obj_off);

	io->gap_root = 0;
	io->gaps_stale = 0;
	gap_insert(sim, obj_off, 0, SIM_ULONG_MAX);
}

void sim_gaps_cover(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last)
{
	uint64_t limit = itree_max_nodes(sim);

	if (ioas_r(sim, obj_off)->gaps_stale)
		return;
	for (uint64_t steps = 0; !sim->corrupt; steps++) {
		uint64_t *root = &ioas_w(sim, obj_off)->gap_root;
		uint64_t off = itree_first_overlap(sim, *root, SIM_TAG_GAP, start, last);
		struct sim_tnode *n;

		if (!off)
			return;
		if (steps > limit) {
			sim_corrupt(sim, "gap tree loops");
			return;
		}
		n = sim_nodew(sim, off, SIM_TAG_GAP);
		if (n->start < start && n->last > last) {
			/* Split: the part past 'last' becomes a gap of its own. */
			uint64_t rest = n->last;

			n->last = start - 1;
			itree_changed(sim, root, SIM_TAG_GAP, off);
			gap_insert(sim, obj_off, last + 1, rest);
			return;
		}
		if (n->start < start) {
			n->last = start - 1;
			itree_changed(sim, root, SIM_TAG_GAP, off);
		} else if (n->last > last) {
			/* The order of starts is kept: no gap lies in [start, last]. */
			n->start = last + 1;
			itree_changed(sim, root, SIM_TAG_GAP, off);
			return;
		} else {
			itree_erase(sim, root, SIM_TAG_GAP, off);
			sim_free(sim, off);
		}
	}
}

void sim_gaps_release(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last)
{
	struct sim_ioas *io = ioas_r(sim, obj_off);
	uint64_t left, right, *root;

	if (io->gaps_stale)
		return;
	left = start ? gap_holding(sim, io->gap_root, start - 1) : 0;
	right = last != SIM_ULONG_MAX ? gap_holding(sim, io->gap_root, last + 1) : 0;
	if (sim->corrupt)
		return;
	if ((left && gap_r(sim, left)->n.last != start - 1) ||
	    (right && gap_r(sim, right)->n.start != last + 1)) {
		sim_corrupt(sim, "a gap overlaps the used range [0x%llx, 0x%llx]",
			    (unsigned long long)start, (unsigned long long)last);
		return;
	}
	root = &ioas_w(sim, obj_off)->gap_root;
	if (left && right) {
		uint64_t rest = gap_r(sim, right)->n.last;

		itree_erase(sim, root, SIM_TAG_GAP, right);
		sim_free(sim, right);
		sim_nodew(sim, left, SIM_TAG_GAP)->last = rest;
		itree_changed(sim, root, SIM_TAG_GAP, left);
	} else if (left) {
		sim_nodew(sim, left, SIM_TAG_GAP)->last = last;
		itree_changed(sim, root, SIM_TAG_GAP, left);
	} else if (right) {
		sim_nodew(sim, right, SIM_TAG_GAP)->start = start;
		itree_changed(sim, root, SIM_TAG_GAP, right);
	} else {
		gap_insert(sim, obj_off, start, last);
	}
}

/* The areas and reserved ranges overlapping a window, in address order. */
struct used_walk {
	uint64_t r, a;			/* current reserved range and area, 0 = done */
	uint64_t start, last;		/* the window */
};

static bool used_next(struct sim *sim, struct used_walk *w, uint64_t *start, uint64_t *last)
{
	struct sim_tnode *rn = w->r ? sim_node(sim, w->r, SIM_TAG_RESV) : NULL;
	struct sim_tnode *an = w->a ? sim_node(sim, w->a, SIM_TAG_AREA) : NULL;

	if (sim->corrupt || (!rn && !an))
		return false;
	if (rn && (!an || rn->start <= an->start)) {
		*start = rn->start;
		*last = rn->last;
		w->r = itree_next_overlap(sim, w->r, SIM_TAG_RESV, w->start, w->last);
	} else {
		*start = an->start;
		*last = an->last;
		w->a = itree_next_overlap(sim, w->a, SIM_TAG_AREA, w->start, w->last);
	}
	return true;
}

/* Call fn for every hole of the used ranges inside [start, last], in order. */
static void for_each_hole(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last,
			  void (*fn)(struct sim *, uint64_t, uint64_t, uint64_t))
{
	struct sim_ioas *io = ioas_r(sim, obj_off);
	struct used_walk w = {
		.r = itree_first_overlap(sim, io->resv_root, SIM_TAG_RESV, start, last),
		.a = itree_first_overlap(sim, io->area_root, SIM_TAG_AREA, start, last),
		.start = start, .last = last,
	};
	uint64_t pos = start, us, ul, limit = 2 * itree_max_nodes(sim);

	for (uint64_t steps = 0; used_next(sim, &w, &us, &ul); steps++) {
		if (steps > limit) {
			sim_corrupt(sim, "used ranges loop");
			return;
		}
		if (us > pos)
			fn(sim, obj_off, pos, us - 1);
		if (ul >= last)
			return;
		if (ul >= pos)
			pos = ul + 1;
	}
	if (!sim->corrupt)
		fn(sim, obj_off, pos, last);
}

void sim_gaps_uncover(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last)
{
	if (ioas_r(sim, obj_off)->gaps_stale)
		return;
	for_each_hole(sim, obj_off, start, last, sim_gaps_release);
}

/* Free every record of the tree, bottom up (no rebalancing on the way). */
static void free_all(struct sim *sim, uint64_t obj_off)
{
	uint64_t off = ioas_r(sim, obj_off)->gap_root, limit = 3 * itree_max_nodes(sim);

	for (uint64_t steps = 0; off && !sim->corrupt; steps++) {
		struct sim_tnode *n = sim_nodew(sim, off, SIM_TAG_GAP);
		uint64_t parent = n->parent;

		if (steps > limit) {
			sim_corrupt(sim, "gap tree loops");
			return;
		}
		if (n->left) {
			off = n->left;
			continue;
		}
		if (n->right) {
			off = n->right;
			continue;
		}
		if (parent) {
			struct sim_tnode *p = sim_nodew(sim, parent, SIM_TAG_GAP);

			if (p->left == off)
				p->left = 0;
			else
				p->right = 0;
		}
		sim_free(sim, off);
		off = parent;
	}
	ioas_w(sim, obj_off)->gap_root = 0;
}

void sim_gaps_destroy(struct sim *sim, uint64_t obj_off)
{
	free_all(sim, obj_off);
	mark_stale(sim, obj_off);
}

int sim_gaps_rebuild(struct sim *sim, uint64_t obj_off)
{
	struct sim_ioas *io = ioas_r(sim, obj_off);
	uint64_t need = itree_count(sim, io->area_root, SIM_TAG_AREA) +
			itree_count(sim, io->resv_root, SIM_TAG_RESV) + 1;

	free_all(sim, obj_off);
	if (sim->corrupt)
		return -EUCLEAN;
	if (need > itree_max_nodes(sim))
		return sim_corrupt(sim, "tree counts exceed the file");
	if (sim_reserve(sim, need, 0))
		return -ENOMEM;
	ioas_w(sim, obj_off)->gaps_stale = 0;
	sim->dirty = true;
	/* With room reserved, gap_insert cannot fail short of corruption (which
	 * would mark the tree stale again). */
	for_each_hole(sim, obj_off, 0, SIM_ULONG_MAX, gap_insert);
	if (sim->corrupt)
		return -EUCLEAN;
	return ioas_r(sim, obj_off)->gaps_stale ? -ENOMEM : 0;
}
