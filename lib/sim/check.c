// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sim_check(): the whole state against its invariants, read-only.
 *
 *  - the header (magic, version, checksum, profile, sizes, the platform its
 *    profile makes);
 *  - the arena: a linear walk of the carved region accounts for every byte
 *    (records by tag and class, extents, alignment padding) and the header's
 *    per-class counts, free lists and padding must match it; the journal's
 *    extents are a chain in it, and no operation is left uncommitted;
 *  - every tree: links, parent links, order, AVL balance, cached height,
 *    largest 'last' and count;
 *  - every record reachable exactly once from the roots (so live counts match);
 *  - contexts (kind, owner), objects (IDs, types, users), areas (no overlap,
 *    inside their source, meeting the IOAS alignment), reserved/allowed
 *    ranges, sources' and extents' reference counts, the header's totals;
 *  - each IOAS's gap tree: exactly the holes of its areas and reserved
 *    ranges (unless marked stale), and every cached room per alignment class;
 *  - the selftest mock: each SELFTEST object and its DEVICE point at each
 *    other, devices at HWPTs, paging HWPTs at IOASes and nested ones at nest
 *    parents of their own context; every users count is what those links
 *    make it; an IOAS counts its domains (and those with dirty tracking),
 *    its alignment is what they and HUGE_PAGES make it, and every reserved
 *    range it has for a domain is outside that domain's aperture, exactly;
 *    a domain's dirty records are aligned, non-empty, over mapped pages
 *    only, and add up to its count; a device's PASID attachments are a tree
 *    of PASIDs in its width, each on a PASID-compatible HWPT of its context
 *    (and then the device itself on one too, or detached), holding users
 *    references on the HWPT and the device.
 *
 * Only checked accessors touch the file, so any corruption is a report, not
 * a crash.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "oracle.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"

#define MAX_DEPTH 128

struct checker {
	struct sim *sim;
	char *report;
	size_t len, used;
	unsigned int problems;
	uint64_t live[SIM_NR_CLASSES];	/* records reached from the roots */
	/* Offsets of pages records referenced by areas, and of extents by pages. */
	uint64_t *page_refs;
	size_t nr_page_refs, cap_page_refs;
	uint64_t *ext_refs;
	size_t nr_ext_refs, cap_ext_refs;
};

static void problem(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct checker *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	c->problems++;
	if (!c->report || c->used + 1 >= c->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->report + c->used, c->len - c->used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	c->used += (size_t)n;
	if (c->used + 1 < c->len) {
		c->report[c->used++] = '\n';
		c->report[c->used] = 0;
	} else {
		c->used = c->len;
	}
}

static int push(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		uint64_t *nv = realloc(*v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = x;
	return 0;
}

static void *rec(struct checker *c, uint64_t off, uint32_t tag)
{
	return sim_rec_ok(c->sim, off, tag) ? c->sim->base + off : NULL;
}

static void count_live(struct checker *c, uint32_t tag)
{
	unsigned int cls = sim_tag_class(tag);

	if (cls < SIM_NR_CLASSES)
		c->live[cls]++;
}

/* ---- trees ----------------------------------------------------------------------------------- */

struct tree_walk {
	uint32_t tag;
	const char *what;
	void (*visit)(struct checker *c, uint64_t off, void *arg);
	void *arg;
	uint64_t nodes;
	bool bad;
};

/* Checks the subtree at 'off' (whose parent must be 'parent'); returns its height. */
static int32_t walk(struct checker *c, struct tree_walk *w, uint64_t off, uint64_t parent,
		    int depth, uint64_t *max_last, uint64_t *count, uint64_t lo_start, uint64_t lo_off,
		    uint64_t hi_start, uint64_t hi_off, bool has_lo, bool has_hi)
{
	struct sim_tnode *n;
	struct sim_trec *r;
	uint64_t lmax = 0, rmax = 0, lcount = 0, rcount = 0;
	int32_t lh, rh;

	if (!off) {
		*count = 0;
		return 0;
	}
	if (w->bad)
		return 0;
	if (depth > MAX_DEPTH) {
		problem(c, "%s tree deeper than %d levels (a cycle?)", w->what, MAX_DEPTH);
		w->bad = true;
		return 0;
	}
	r = rec(c, off, w->tag);
	if (!r) {
		problem(c, "%s tree: 0x%llx is not a %s", w->what, (unsigned long long)off,
			sim_tag_name(w->tag));
		w->bad = true;
		return 0;
	}
	n = &r->n;
	if (n->parent != parent) {
		problem(c, "%s tree: node 0x%llx has parent 0x%llx, expected 0x%llx", w->what,
			(unsigned long long)off, (unsigned long long)n->parent,
			(unsigned long long)parent);
		w->bad = true;
		return 0;
	}
	if ((has_lo && (n->start < lo_start || (n->start == lo_start && off < lo_off))) ||
	    (has_hi && (n->start > hi_start || (n->start == hi_start && off > hi_off))))
		problem(c, "%s tree: node [0x%llx, 0x%llx] is out of order", w->what,
			(unsigned long long)n->start, (unsigned long long)n->last);
	if (n->last < n->start)
		problem(c, "%s tree: node [0x%llx, 0x%llx] ends before it starts", w->what,
			(unsigned long long)n->start, (unsigned long long)n->last);
	w->nodes++;
	lh = walk(c, w, n->left, off, depth + 1, &lmax, &lcount, lo_start, lo_off, n->start, off,
		  has_lo, true);
	rh = walk(c, w, n->right, off, depth + 1, &rmax, &rcount, n->start, off, hi_start, hi_off,
		  true, has_hi);
	if (w->bad)
		return 0;
	if (lh - rh > 1 || rh - lh > 1)
		problem(c, "%s tree: node 0x%llx is out of balance (%d vs %d)", w->what,
			(unsigned long long)off, lh, rh);
	if (n->height != SIM_MAX(lh, rh) + 1)
		problem(c, "%s tree: node 0x%llx caches height %d, it is %d", w->what,
			(unsigned long long)off, n->height, SIM_MAX(lh, rh) + 1);
	*max_last = n->last;
	if (n->left && lmax > *max_last)
		*max_last = lmax;
	if (n->right && rmax > *max_last)
		*max_last = rmax;
	if (n->max_last != *max_last)
		problem(c, "%s tree: node 0x%llx caches max last 0x%llx, it is 0x%llx", w->what,
			(unsigned long long)off, (unsigned long long)n->max_last,
			(unsigned long long)*max_last);
	*count = 1 + lcount + rcount;
	if (n->count != *count)
		problem(c, "%s tree: node 0x%llx caches count %llu, it is %llu", w->what,
			(unsigned long long)off, (unsigned long long)n->count,
			(unsigned long long)*count);
	count_live(c, w->tag);
	return SIM_MAX(lh, rh) + 1;
}

/* In-order visit after the structure checked out. */
static void visit_in_order(struct checker *c, struct tree_walk *w, uint64_t root)
{
	uint64_t off = itree_first(c->sim, root, w->tag);

	for (uint64_t i = 0; off && i <= w->nodes && !c->sim->corrupt; i++) {
		w->visit(c, off, w->arg);
		off = itree_next(c->sim, off, w->tag);
	}
}

static bool check_tree(struct checker *c, uint64_t root, uint32_t tag, const char *what,
		       void (*visit)(struct checker *, uint64_t, void *), void *arg, uint64_t *nodes)
{
	struct tree_walk w = { .tag = tag, .what = what, .visit = visit, .arg = arg };
	uint64_t max_last, count;

	walk(c, &w, root, 0, 0, &max_last, &count, 0, 0, 0, 0, false, false);
	if (nodes)
		*nodes = w.nodes;
	if (w.bad)
		return false;
	if (visit)
		visit_in_order(c, &w, root);
	return true;
}

/* ---- IOAS contents --------------------------------------------------------------------------- */

struct ioas_walk {
	uint32_t id;
	uint64_t align;
	bool have_prev;
	uint64_t prev_last;
	uint64_t nr_areas, mapped;
};

static void visit_area(struct checker *c, uint64_t off, void *arg)
{
	struct ioas_walk *iw = arg;
	struct sim_area *a = rec(c, off, SIM_TAG_AREA);
	uint64_t page = sim_hdr(c->sim)->page_size, len, last_byte;
	struct sim_pages *p;

	if (!a)
		return;
	len = a->n.last - a->n.start + 1;
	if (iw->have_prev && a->n.start <= iw->prev_last)
		problem(c, "ioas %u: area [0x%llx, 0x%llx] overlaps the one before", iw->id,
			(unsigned long long)a->n.start, (unsigned long long)a->n.last);
	iw->have_prev = true;
	iw->prev_last = a->n.last;
	iw->nr_areas++;
	iw->mapped += len;
	if (a->prot & ~(uint32_t)(IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE))
		problem(c, "ioas %u: area at 0x%llx has flags 0x%x", iw->id,
			(unsigned long long)a->n.start, a->prot);
	if (a->flags)
		problem(c, "ioas %u: area at 0x%llx is left marked 0x%x", iw->id,
			(unsigned long long)a->n.start, a->flags);
	if ((a->n.start | len | (a->start_byte % page)) & (iw->align - 1))
		problem(c, "ioas %u: area [0x%llx, 0x%llx] does not meet the alignment 0x%llx", iw->id,
			(unsigned long long)a->n.start, (unsigned long long)a->n.last,
			(unsigned long long)iw->align);
	p = rec(c, a->pages, SIM_TAG_PAGES);
	if (!p) {
		problem(c, "ioas %u: area at 0x%llx has no source (0x%llx)", iw->id,
			(unsigned long long)a->n.start, (unsigned long long)a->pages);
		return;
	}
	if (__builtin_add_overflow(a->start_byte, len - 1, &last_byte) ||
	    last_byte / page >= p->npages)
		problem(c, "ioas %u: area at 0x%llx runs past its source's %llu pages", iw->id,
			(unsigned long long)a->n.start, (unsigned long long)p->npages);
	if ((a->prot & IOMMU_IOAS_MAP_WRITEABLE) && !p->writable)
		problem(c, "ioas %u: area at 0x%llx is writeable, its source is not", iw->id,
			(unsigned long long)a->n.start);
	push(&c->page_refs, &c->nr_page_refs, &c->cap_page_refs, a->pages);
}

struct range_walk {
	uint32_t id;
	const char *what;
	bool disjoint, have_prev;
	uint64_t prev_last;
};

static void visit_range(struct checker *c, uint64_t off, void *arg)
{
	struct range_walk *rw = arg;
	struct sim_tnode *n = sim_node(c->sim, off, rw->disjoint ? SIM_TAG_ALLOW : SIM_TAG_RESV);

	if (rw->disjoint) {
		if (n->start >= n->last)
			problem(c, "ioas %u: allowed range [0x%llx, 0x%llx] has start >= last", rw->id,
				(unsigned long long)n->start, (unsigned long long)n->last);
		if (rw->have_prev && n->start <= rw->prev_last)
			problem(c, "ioas %u: allowed ranges overlap at 0x%llx", rw->id,
				(unsigned long long)n->start);
	}
	rw->have_prev = true;
	rw->prev_last = n->last;
}

/* ---- gaps ---------------------------------------------------------------------------------- */

struct gap_walk {
	uint32_t id;
	bool stale;
	struct sim_span *want;		/* the holes of areas and reserved ranges, in order */
	size_t nr_want, cap_want, seen;
	bool reported;
};

static int push_span(struct gap_walk *gw, uint64_t start, uint64_t last)
{
	if (gw->nr_want == gw->cap_want) {
		size_t ncap = gw->cap_want ? gw->cap_want * 2 : 16;
		struct sim_span *nv = realloc(gw->want, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		gw->want = nv;
		gw->cap_want = ncap;
	}
	gw->want[gw->nr_want++] = (struct sim_span){ start, last };
	return 0;
}

/* What the gaps must be: the holes of areas and reserved ranges over
 * [0, ULONG_MAX], from an in-order merge of the two (checked) trees. */
static int expected_gaps(struct checker *c, struct sim_ioas *ioas, struct gap_walk *gw)
{
	struct sim *sim = c->sim;
	uint64_t r = itree_first(sim, ioas->resv_root, SIM_TAG_RESV);
	uint64_t a = itree_first(sim, ioas->area_root, SIM_TAG_AREA);
	uint64_t pos = 0, limit = 2 * itree_max_nodes(sim);

	for (uint64_t steps = 0; (r || a) && !sim->corrupt && steps <= limit; steps++) {
		struct sim_tnode *rn = r ? sim_node(sim, r, SIM_TAG_RESV) : NULL;
		struct sim_tnode *an = a ? sim_node(sim, a, SIM_TAG_AREA) : NULL;
		struct sim_tnode *u;

		if (rn && (!an || rn->start <= an->start)) {
			u = rn;
			r = itree_next(sim, r, SIM_TAG_RESV);
		} else {
			u = an;
			a = itree_next(sim, a, SIM_TAG_AREA);
		}
		if (u->start > pos && push_span(gw, pos, u->start - 1))
			return -ENOMEM;
		if (u->last == UINT64_MAX)
			return 0;
		if (u->last >= pos)
			pos = u->last + 1;
	}
	return push_span(gw, pos, UINT64_MAX);
}

static void visit_gap(struct checker *c, uint64_t off, void *arg)
{
	struct gap_walk *gw = arg;
	struct sim_tnode *n = sim_node(c->sim, off, SIM_TAG_GAP);
	size_t i = gw->seen++;

	if (gw->stale || gw->reported)
		return;
	if (i >= gw->nr_want || gw->want[i].start != n->start || gw->want[i].last != n->last) {
		if (i < gw->nr_want)
			problem(c, "ioas %u: gap %zu is [0x%llx, 0x%llx]; the areas and reserved ranges "
				"leave [0x%llx, 0x%llx] there", gw->id, i, (unsigned long long)n->start,
				(unsigned long long)n->last, (unsigned long long)gw->want[i].start,
				(unsigned long long)gw->want[i].last);
		else
			problem(c, "ioas %u: gap [0x%llx, 0x%llx] is not a hole of the areas and "
				"reserved ranges", gw->id, (unsigned long long)n->start,
				(unsigned long long)n->last);
		gw->reported = true;
	}
}

/* Every node's cached room per class against its subtree; returns nothing
 * but problems (the tree's structure was checked before). */
static void check_gap_rooms(struct checker *c, uint32_t id, uint64_t off, int depth,
			    uint64_t room[SIM_GAP_CLASSES], unsigned int nc, bool *reported)
{
	struct sim_gap *g = rec(c, off, SIM_TAG_GAP);
	uint64_t lroom[SIM_GAP_CLASSES] = { 0 }, rroom[SIM_GAP_CLASSES] = { 0 };
	uint64_t page = sim_hdr(c->sim)->page_size;

	memset(room, 0, SIM_GAP_CLASSES * sizeof(room[0]));
	if (!g || depth > MAX_DEPTH)
		return;
	if (g->n.left)
		check_gap_rooms(c, id, g->n.left, depth + 1, lroom, nc, reported);
	if (g->n.right)
		check_gap_rooms(c, id, g->n.right, depth + 1, rroom, nc, reported);
	for (unsigned int k = 0; k < SIM_GAP_CLASSES; k++) {
		if (k < nc)
			room[k] = SIM_MAX(sim_gap_room(g->n.start, g->n.last,
						       sim_gap_class_align(page, k)),
					  SIM_MAX(lroom[k], rroom[k]));
		if (g->room[k] != room[k] && !*reported) {
			problem(c, "ioas %u: gap [0x%llx, 0x%llx] caches room 0x%llx for alignment "
				"class %u, its subtree has 0x%llx", id, (unsigned long long)g->n.start,
				(unsigned long long)g->n.last, (unsigned long long)g->room[k], k,
				(unsigned long long)room[k]);
			*reported = true;
		}
	}
}

static void check_gaps(struct checker *c, struct sim_ioas *ioas, uint32_t id)
{
	struct gap_walk gw = { .id = id, .stale = ioas->gaps_stale != 0 };
	uint64_t room[SIM_GAP_CLASSES];
	bool reported = false;

	if (ioas->gaps_stale > 1)
		problem(c, "ioas %u: bad gap tree state %u", id, ioas->gaps_stale);
	if (!gw.stale && expected_gaps(c, ioas, &gw)) {
		problem(c, "out of memory checking the gaps of ioas %u", id);
		gw.stale = true;
	}
	if (check_tree(c, ioas->gap_root, SIM_TAG_GAP, "gap", visit_gap, &gw, NULL)) {
		check_gap_rooms(c, id, ioas->gap_root, 0, room, sim_gap_nr_classes(c->sim),
				&reported);
		if (!gw.stale && !gw.reported && gw.seen != gw.nr_want)
			problem(c, "ioas %u: %zu gaps, the areas and reserved ranges leave %zu holes",
				id, gw.seen, gw.nr_want);
	}
	free(gw.want);
}

static void check_ioas(struct checker *c, struct sim_obj *obj)
{
	struct sim_ioas *ioas = &obj->ioas;
	struct ioas_walk iw = { .id = (uint32_t)obj->n.start, .align = ioas->iova_alignment };
	struct range_walk allow = { .id = iw.id, .what = "allowed", .disjoint = true };
	struct range_walk resv = { .id = iw.id, .what = "reserved" };

	if (!iw.align || (iw.align & (iw.align - 1)) || iw.align > sim_hdr(c->sim)->page_size) {
		problem(c, "ioas %u: alignment 0x%llx is not a power of two up to PAGE_SIZE", iw.id,
			(unsigned long long)iw.align);
		iw.align = 1;
	}
	if (check_tree(c, ioas->area_root, SIM_TAG_AREA, "area", visit_area, &iw, NULL)) {
		if (iw.nr_areas != ioas->nr_areas)
			problem(c, "ioas %u: counts %llu areas, has %llu", iw.id,
				(unsigned long long)ioas->nr_areas, (unsigned long long)iw.nr_areas);
		if (iw.mapped != ioas->mapped_bytes)
			problem(c, "ioas %u: counts %llu mapped bytes, has %llu", iw.id,
				(unsigned long long)ioas->mapped_bytes, (unsigned long long)iw.mapped);
	}
	check_tree(c, ioas->allow_root, SIM_TAG_ALLOW, "allowed", visit_range, &allow, NULL);
	check_tree(c, ioas->resv_root, SIM_TAG_RESV, "reserved", visit_range, &resv, NULL);
	check_gaps(c, ioas, iw.id);
	if (ioas->disable_large_pages > 1)
		problem(c, "ioas %u: bad huge pages flag %u", iw.id, ioas->disable_large_pages);
}

/* ---- contexts and objects -------------------------------------------------------------------- */

struct ctx_walk {
	uint64_t ctx_off;
	uint64_t objects;
	uint64_t ioas_ids_seen;
};

static void visit_obj(struct checker *c, uint64_t off, void *arg)
{
	struct ctx_walk *cw = arg;
	struct sim_obj *obj = rec(c, off, SIM_TAG_OBJ);

	if (!obj)
		return;
	cw->objects++;
	if (obj->n.start != obj->n.last || obj->n.start == 0 || obj->n.start > 0x7fffffffu)
		problem(c, "object at 0x%llx has a bad ID [%llu, %llu]", (unsigned long long)off,
			(unsigned long long)obj->n.start, (unsigned long long)obj->n.last);
	if (obj->ctx != cw->ctx_off)
		problem(c, "object %llu names context record 0x%llx, it lives in 0x%llx",
			(unsigned long long)obj->n.start, (unsigned long long)obj->ctx,
			(unsigned long long)cw->ctx_off);
	if (obj->r.rflags == SIM_OBJ_TOMBSTONE) {
		static const uint8_t zero[sizeof(obj->room)];

		if (obj->type != SIM_OBJ_VDEVICE || obj->users != 1 ||
		    memcmp(obj->room, zero, sizeof(zero)))
			problem(c, "object %llu is a tombstone of type %u with %u users or contents",
				(unsigned long long)obj->n.start, obj->type, obj->users);
	} else if (obj->r.rflags) {
		problem(c, "object %llu is left marked 0x%x (an ID reserved, never published)",
			(unsigned long long)obj->n.start, obj->r.rflags);
	}
	if (obj->type == SIM_OBJ_IOAS)
		check_ioas(c, obj);
}

/* 'off' as an object of 'type' in context 'ctx_off', or NULL. */
static struct sim_obj *obj_in(struct checker *c, uint64_t ctx_off, uint64_t off, uint32_t type)
{
	struct sim_obj *obj = rec(c, off, SIM_TAG_OBJ);

	if (!obj || obj->type != type || obj->ctx != ctx_off)
		return NULL;
	return obj;
}

/* The paging HWPT a device translates through: the one it is attached to,
 * or the nest parent of a nested one. */
static struct sim_obj *dev_paging(struct checker *c, uint64_t ctx_off, const struct sim_obj *dv)
{
	struct sim_obj *hw;

	if (!dv->idev.hwpt)
		return NULL;
	hw = obj_in(c, ctx_off, dv->idev.hwpt, SIM_OBJ_HWPT_PAGING);
	if (hw)
		return hw;
	hw = obj_in(c, ctx_off, dv->idev.hwpt, SIM_OBJ_HWPT_NESTED);
	return hw ? obj_in(c, ctx_off, hw->hwpt.parent, SIM_OBJ_HWPT_PAGING) : NULL;
}

/* A reserved range owned by device 'dv': one of the platform's regions, and
 * the device is attached to a domain of this IOAS. */
static void check_dev_owner(struct checker *c, uint64_t ctx_off, uint64_t ioas_off, uint32_t id,
			    const struct sim_resv *rv, const struct sim_obj *dv)
{
	const struct sim_platform *p = sim_platform(c->sim);
	struct sim_obj *hw = dev_paging(c, ctx_off, dv);
	bool known = false;

	if (!hw || hw->hwpt.ioas != ioas_off) {
		problem(c, "ioas %u: device %llu reserves [0x%llx, 0x%llx] but is not attached to it",
			id, (unsigned long long)dv->n.start, (unsigned long long)rv->n.start,
			(unsigned long long)rv->n.last);
		return;
	}
	for (uint32_t i = 0; i < p->nr_resv && i < SIM_PLAT_MAX_RESV; i++)
		known |= sim_resv_enforced(&p->resv[i]) && p->resv[i].start == rv->n.start &&
			 p->resv[i].last == rv->n.last;
	if (!known)
		problem(c, "ioas %u: device %llu reserves [0x%llx, 0x%llx], not a region of its "
			"platform", id, (unsigned long long)dv->n.start,
			(unsigned long long)rv->n.start, (unsigned long long)rv->n.last);
}

/* The IOAS's reserved ranges: owners are HWPTs of this IOAS, devices attached
 * to one (or none); each HWPT owns exactly the complement of its aperture. */
static void check_owners(struct checker *c, uint64_t ctx_off, uint64_t ioas_off, struct sim_obj *io)
{
	uint64_t limit = itree_max_nodes(c->sim);
	uint32_t id = (uint32_t)io->n.start;

	for (uint64_t r = itree_first(c->sim, io->ioas.resv_root, SIM_TAG_RESV), i = 0;
	     r && i <= limit && !c->sim->corrupt; r = itree_next(c->sim, r, SIM_TAG_RESV), i++) {
		struct sim_resv *rv = rec(c, r, SIM_TAG_RESV);
		struct sim_obj *hw;

		if (!rv || !rv->owner)
			continue;
		hw = obj_in(c, ctx_off, rv->owner, SIM_OBJ_DEVICE);
		if (hw) {
			check_dev_owner(c, ctx_off, ioas_off, id, rv, hw);
			continue;
		}
		hw = obj_in(c, ctx_off, rv->owner, SIM_OBJ_HWPT_PAGING);
		if (!hw || hw->hwpt.ioas != ioas_off || !(hw->hwpt.flags & SIM_HWPT_ADDED)) {
			problem(c, "ioas %u: reserved range [0x%llx, 0x%llx] belongs to 0x%llx, not a "
				"domain of this IOAS", id, (unsigned long long)rv->n.start,
				(unsigned long long)rv->n.last, (unsigned long long)rv->owner);
			continue;
		}
		if (!((rv->n.start == 0 && hw->hwpt.aperture_start &&
		       rv->n.last == hw->hwpt.aperture_start - 1) ||
		      (rv->n.last == UINT64_MAX && hw->hwpt.aperture_last != UINT64_MAX &&
		       rv->n.start == hw->hwpt.aperture_last + 1)))
			problem(c, "ioas %u: hwpt %llu reserves [0x%llx, 0x%llx], which is not outside "
				"its aperture [0x%llx, 0x%llx]", id, (unsigned long long)hw->n.start,
				(unsigned long long)rv->n.start, (unsigned long long)rv->n.last,
				(unsigned long long)hw->hwpt.aperture_start,
				(unsigned long long)hw->hwpt.aperture_last);
	}
}

static uint64_t owned_ranges(struct checker *c, struct sim_obj *io, uint64_t owner)
{
	uint64_t limit = itree_max_nodes(c->sim), n = 0;

	for (uint64_t r = itree_first(c->sim, io->ioas.resv_root, SIM_TAG_RESV), i = 0;
	     r && i <= limit && !c->sim->corrupt; r = itree_next(c->sim, r, SIM_TAG_RESV), i++) {
		struct sim_resv *rv = rec(c, r, SIM_TAG_RESV);

		n += rv && rv->owner == owner;
	}
	return n;
}

/* How many reserved ranges an attached device holds in its IOAS. */
static uint32_t dev_regions(struct checker *c)
{
	const struct sim_platform *p = sim_platform(c->sim);
	uint32_t n = 0;

	for (uint32_t i = 0; i < p->nr_resv && i < SIM_PLAT_MAX_RESV; i++)
		n += sim_resv_enforced(&p->resv[i]);
	return n;
}

/* A reference from one object to another, and what it brings along. */
struct link {
	uint64_t to;
	uint64_t pgsize;		/* HWPT -> IOAS: the domain's page size */
	uint64_t flag;			/* HWPT -> IOAS: 1 if it has dirty tracking */
};

static int link_cmp(const void *a, const void *b)
{
	const struct link *x = a, *y = b;

	return x->to < y->to ? -1 : x->to > y->to;
}

/* The links of a sorted array that point at 'to': how many, largest pgsize,
 * how many flagged. */
static uint64_t links_to(const struct link *v, size_t n, uint64_t to, uint64_t *pgsize,
			 uint64_t *flagged)
{
	size_t lo = 0, hi = n, cnt = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].to < to)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pgsize)
		*pgsize = 0;
	if (flagged)
		*flagged = 0;
	for (; lo < n && v[lo].to == to; lo++, cnt++) {
		if (pgsize)
			*pgsize = SIM_MAX(*pgsize, v[lo].pgsize);
		if (flagged)
			*flagged += v[lo].flag;
	}
	return cnt;
}

struct dirty_walk {
	uint32_t id;
	uint64_t pgsize;
	struct sim_obj *ioas;		/* NULL: the HWPT's IOAS is broken, areas unchecked */
	uint64_t marks;
};

static void visit_dirty(struct checker *c, uint64_t off, void *arg)
{
	struct dirty_walk *dw = arg;
	struct sim_dirty *d = rec(c, off, SIM_TAG_DIRTY);
	uint64_t chunk = dw->pgsize * SIM_DIRTY_BITS, marks = 0;

	if (!d)
		return;
	if (!dw->pgsize || (d->n.start & (chunk - 1)) || d->n.last != d->n.start + chunk - 1) {
		problem(c, "hwpt %u: dirty record [0x%llx, 0x%llx] is not %llu aligned pages", dw->id,
			(unsigned long long)d->n.start, (unsigned long long)d->n.last,
			(unsigned long long)SIM_DIRTY_BITS);
		return;
	}
	for (uint64_t k = 0; k < SIM_DIRTY_BITS; k++) {
		uint64_t page = d->n.start + k * dw->pgsize;

		if (!(d->bits[k / 64] & (1ull << (k % 64))))
			continue;
		marks++;
		if (dw->ioas && !itree_first_overlap(c->sim, dw->ioas->ioas.area_root, SIM_TAG_AREA,
						     page, page + dw->pgsize - 1))
			problem(c, "hwpt %u: page 0x%llx is marked dirty but not mapped", dw->id,
				(unsigned long long)page);
	}
	if (!marks)
		problem(c, "hwpt %u: dirty record at 0x%llx marks nothing", dw->id,
			(unsigned long long)d->n.start);
	dw->marks += marks;
}

/* A user or automatic paging HWPT's own fields and dirty records. */
static void check_paging(struct checker *c, uint32_t id, const struct sim_hwpt *h,
			 struct sim_obj *ioas, uint64_t ndev)
{
	uint32_t user = SIM_HWPT_NEST_PARENT | SIM_HWPT_DIRTY_OPS | SIM_HWPT_DIRTY_ON |
			SIM_HWPT_PASID | SIM_HWPT_HUGE;
	struct dirty_walk dw = { .id = id, .pgsize = h->pgsize, .ioas = ioas };
	bool huge = h->flags & SIM_HWPT_HUGE;
	uint64_t want_pg, want_start, want_last;

	if ((h->flags & SIM_HWPT_AUTO) ? h->flags != (SIM_HWPT_AUTO | SIM_HWPT_ADDED) :
	    (h->flags & ~(user | SIM_HWPT_ADDED)) || !(h->flags & SIM_HWPT_ADDED) ||
	    ((h->flags & SIM_HWPT_DIRTY_ON) && !(h->flags & SIM_HWPT_DIRTY_OPS)))
		problem(c, "hwpt %u: flags 0x%x (an added automatic domain, or an added user "
			"domain, tracking only with dirty ops)", id, h->flags);
	/* the mock's huge page table, else the platform's domain */
	if (huge) {
		want_pg = sim_hdr(c->sim)->page_size;
		want_start = 0;
		want_last = SIM_MOCK_HUGE_APERTURE_LAST;
	} else {
		sim_platform_domain(c->sim, &want_pg, &want_start, &want_last);
	}
	if (h->pgsize != want_pg || h->aperture_start != want_start || h->aperture_last != want_last)
		problem(c, "hwpt %u: page size 0x%llx, aperture [0x%llx, 0x%llx], not the platform's", id,
			(unsigned long long)h->pgsize, (unsigned long long)h->aperture_start,
			(unsigned long long)h->aperture_last);
	if (h->nr_devices != ndev || (!ndev && (h->flags & SIM_HWPT_AUTO)))
		problem(c, "hwpt %u: counts %u devices, %llu are attached (an automatic domain "
			"lives while one is)", id, h->nr_devices, (unsigned long long)ndev);
	if (h->parent || h->iotlb[0] || h->iotlb[1] || h->iotlb[2] || h->iotlb[3])
		problem(c, "hwpt %u: a paging HWPT with a parent or an IOTLB", id);
	if (h->dirty_root && !(h->flags & SIM_HWPT_DIRTY_OPS))
		problem(c, "hwpt %u: dirty records without dirty tracking", id);
	if (check_tree(c, h->dirty_root, SIM_TAG_DIRTY, "dirty", visit_dirty, &dw, NULL) &&
	    dw.marks != h->nr_dirty)
		problem(c, "hwpt %u: counts %llu dirty pages, has %llu", id,
			(unsigned long long)h->nr_dirty, (unsigned long long)dw.marks);
}

/* HW queues whose access pins pages of IOAS 'ioas_off'. */
static uint64_t count_locks(struct checker *c, const struct sim_ctx *ctx, uint64_t ioas_off)
{
	uint64_t limit = itree_max_nodes(c->sim), n = 0;

	for (uint64_t q = itree_first(c->sim, ctx->obj_root, SIM_TAG_OBJ), j = 0;
	     q && j <= limit && !c->sim->corrupt; q = itree_next(c->sim, q, SIM_TAG_OBJ), j++) {
		struct sim_obj *y = rec(c, q, SIM_TAG_OBJ);

		n += y && y->type == SIM_OBJ_HW_QUEUE && y->hwq.ioas == ioas_off;
	}
	return n;
}

/* A HW queue: its vIOMMU, the IOAS its access pins (the vIOMMU's), the queue
 * it depends on, and the pages it pins, all mapped. */
static void check_hwq(struct checker *c, uint64_t ctx_off, const struct sim_obj *q)
{
	const struct sim_hwq *h = &q->hwq;
	uint32_t id = (uint32_t)q->n.start;
	uint64_t page = sim_hdr(c->sim)->page_size;
	struct sim_obj *v = obj_in(c, ctx_off, h->viommu, SIM_OBJ_VIOMMU), *p, *io;

	p = v ? obj_in(c, ctx_off, v->viommu.parent, SIM_OBJ_HWPT_PAGING) : NULL;
	io = obj_in(c, ctx_off, h->ioas, SIM_OBJ_IOAS);
	if (!v || !p || !io || p->hwpt.ioas != h->ioas)
		problem(c, "hw_queue %u: viommu 0x%llx and ioas 0x%llx do not go together", id,
			(unsigned long long)h->viommu, (unsigned long long)h->ioas);
	if (!obj_in(c, ctx_off, h->access, SIM_OBJ_ACCESS))
		problem(c, "hw_queue %u: its access 0x%llx is not an access object of its context",
			id, (unsigned long long)h->access);
	if (h->index >= 2 || !h->length || !!h->index != !!h->prev ||
	    (h->prev && (!obj_in(c, ctx_off, h->prev, SIM_OBJ_HW_QUEUE) ||
			 ((struct sim_obj *)rec(c, h->prev, SIM_TAG_OBJ))->hwq.index + 1 != h->index)))
		problem(c, "hw_queue %u: index %u, length %llu, depends on 0x%llx", id, h->index,
			(unsigned long long)h->length, (unsigned long long)h->prev);
	if (h->lock_start % page || (h->lock_last + 1) % page || h->lock_start > h->base ||
	    h->base - h->lock_start >= page || h->lock_last < h->base + (h->length - 1))
		problem(c, "hw_queue %u: pins [0x%llx, 0x%llx] for 0x%llx+0x%llx", id,
			(unsigned long long)h->lock_start, (unsigned long long)h->lock_last,
			(unsigned long long)h->base, (unsigned long long)h->length);
	if (io) {
		uint64_t cur = h->lock_start, limit = itree_max_nodes(c->sim);
		bool covered = false;
		uint64_t a = itree_first_overlap(c->sim, io->ioas.area_root, SIM_TAG_AREA,
						 h->lock_start, h->lock_last);

		for (uint64_t s = 0; a && s <= limit && cur <= h->lock_last; s++) {
			struct sim_area *ar = rec(c, a, SIM_TAG_AREA);

			if (!ar || ar->n.start > cur)
				break;
			if (ar->n.last >= h->lock_last) {
				covered = true;
				break;
			}
			cur = ar->n.last + 1;
			a = itree_next_overlap(c->sim, a, SIM_TAG_AREA, h->lock_start, h->lock_last);
		}
		if (!covered)
			problem(c, "hw_queue %u: pages it pins at 0x%llx are not mapped", id,
				(unsigned long long)cur);
	}
}

/* A fault queue or vEVENT queue and its events. */
static void check_eventq(struct checker *c, uint64_t ctx_off, uint64_t q_off,
			 const struct sim_obj *q)
{
	const struct sim_eventq *eq = &q->eq;
	uint64_t limit = itree_max_nodes(c->sim), n = 0, last = 0, off = eq->head;
	uint32_t id = (uint32_t)q->n.start, vevents = 0;
	bool vq = q->type == SIM_OBJ_VEVENTQ;

	if (eq->fd_open > 1 || (eq->fd_open && (eq->owner_pid <= 0 || !eq->owner_start)))
		problem(c, "%s %u: fd open %u, owner %d", sim_obj_type_name(q->type), id, eq->fd_open,
			eq->owner_pid);
	if (vq && (!obj_in(c, ctx_off, eq->viommu, SIM_OBJ_VIOMMU) || !eq->type || !eq->depth ||
		   eq->depth > (1u << 19) || eq->sequence > 0x7fffffffu))
		problem(c, "veventq %u: viommu 0x%llx, type 0x%x, depth %u, sequence %u", id,
			(unsigned long long)eq->viommu, eq->type, eq->depth, eq->sequence);
	if (!vq && (eq->viommu || eq->type || eq->depth || eq->num_events || eq->sequence))
		problem(c, "fault %u: has vEVENT queue fields", id);
	for (; off && n <= limit; n++) {
		const struct sim_event *ev = rec(c, off, SIM_TAG_EVENT);

		if (!ev) {
			problem(c, "%s %u: event 0x%llx is not an event record",
				sim_obj_type_name(q->type), id, (unsigned long long)off);
			return;
		}
		count_live(c, SIM_TAG_EVENT);
		if (ev->flags & ~SIM_EV_FLAGS || ((ev->flags & SIM_EV_READ) && !(ev->flags & SIM_EV_PUSHED)))
			problem(c, "%s %u: an event with flags 0x%x", sim_obj_type_name(q->type), id,
				ev->flags);
		if (vq) {
			bool lost = ev->flags & SIM_EV_LOST;

			vevents += !lost;
			if (ev->cookie || ev->idev || ev->handle_pasid ||
			    (ev->flags & (SIM_EV_READ | SIM_EV_WITHDRAWN)) ||
			    ev->len != (lost ? 8u : 12u))
				problem(c, "veventq %u: a vEVENT of %u bytes, flags 0x%x", id, ev->len,
					ev->flags);
		} else if (ev->len != 40 || !ev->cookie || (ev->flags & SIM_EV_LOST) ||
			   (!(ev->flags & SIM_EV_WITHDRAWN) && !obj_in(c, ctx_off, ev->idev, SIM_OBJ_DEVICE)) ||
			   ((ev->flags & SIM_EV_WITHDRAWN) && ev->idev)) {
			problem(c, "fault %u: a fault of %u bytes, cookie %u, device 0x%llx", id, ev->len,
				ev->cookie, (unsigned long long)ev->idev);
		} else if (ev->handle_pasid) {
			/* a PASID's faults go when its attachment leaves the HWPT */
			const struct sim_obj *dv = rec(c, ev->idev, SIM_TAG_OBJ);
			uint64_t p = dv ? itree_find(c->sim, dv->idev.pasid_root, SIM_TAG_PASID,
						     ev->handle_pasid) : 0;
			const struct sim_pasid *pr = p ? rec(c, p, SIM_TAG_PASID) : NULL;
			const struct sim_obj *hw = pr ? rec(c, pr->hwpt, SIM_TAG_OBJ) : NULL;

			if ((ev->flags & SIM_EV_WITHDRAWN) || !hw || hw->hwpt.fault != q_off)
				problem(c, "fault %u: a fault of PASID %u of device 0x%llx, which is not "
					"attached to a HWPT of this queue", id, ev->handle_pasid,
					(unsigned long long)ev->idev);
		}
		last = off;
		off = ev->next;
	}
	if (off)
		problem(c, "%s %u: its events loop", sim_obj_type_name(q->type), id);
	if (n != eq->nr_events || last != eq->tail)
		problem(c, "%s %u: %llu events ending at 0x%llx, it counts %llu ending at 0x%llx",
			sim_obj_type_name(q->type), id, (unsigned long long)n, (unsigned long long)last,
			(unsigned long long)eq->nr_events, (unsigned long long)eq->tail);
	if (vq && (vevents != eq->num_events || vevents > eq->depth))
		problem(c, "veventq %u: %u vEVENTs queued, it counts %u (depth %u)", id, vevents,
			eq->num_events, eq->depth);
}

/* A device's vDEVICE, and the vIOMMU the mock device keeps: the one of the
 * nested HWPT 'hw' it is attached to, with its vDEVICE's virtual ID there. */
static void check_dev_viommu(struct checker *c, uint64_t ctx_off, uint64_t o,
			     const struct sim_obj *dv, const struct sim_obj *hw)
{
	uint64_t want = hw && hw->type == SIM_OBJ_HWPT_NESTED ? hw->hwpt.viommu : 0;
	uint32_t id = (uint32_t)dv->n.start;
	struct sim_obj *vd = NULL;

	if (dv->idev.vdev) {
		vd = obj_in(c, ctx_off, dv->idev.vdev, SIM_OBJ_VDEVICE);
		if (!vd || vd->r.rflags || vd->vdev.idev != o)
			problem(c, "device %u: its vdevice 0x%llx does not point back", id,
				(unsigned long long)dv->idev.vdev);
	}
	if (dv->idev.viommu != want || (!want && dv->idev.vdev_id))
		problem(c, "device %u: keeps viommu 0x%llx (virt_id 0x%llx), attached through 0x%llx",
			id, (unsigned long long)dv->idev.viommu,
			(unsigned long long)dv->idev.vdev_id, (unsigned long long)want);
}

struct pasid_walk {
	struct checker *c;
	uint64_t ctx_off;
	const struct sim_obj *dv;
	struct link **devl;
	size_t *ndevl, *capl;
	uint64_t nodes;
};

/* One attachment of a device at a PASID: its link to the HWPT counts. */
static void visit_pasid(struct checker *c, uint64_t off, void *arg)
{
	struct pasid_walk *pw = arg;
	const struct sim_pasid *p = rec(c, off, SIM_TAG_PASID);
	const struct sim_obj *hw;
	uint32_t id = (uint32_t)pw->dv->n.start;
	/* a VFIO device's PASIDs are only VFIO's IDA's (1 .. INT_MAX) */
	uint64_t width = pw->dv->idev.vfio_fn ? 1ull << 31 :
			 sim_dev_nr_pasids(c->sim, pw->dv->idev.dev_flags);

	if (!p)
		return;
	pw->nodes++;
	if (p->n.start != p->n.last || !p->n.start || p->n.start >= width)
		problem(c, "device %u: an attachment at PASID [%llu, %llu], outside its %llu PASIDs",
			id, (unsigned long long)p->n.start, (unsigned long long)p->n.last,
			(unsigned long long)width);
	hw = obj_in(c, pw->ctx_off, p->hwpt, SIM_OBJ_HWPT_PAGING);
	if (!hw)
		hw = obj_in(c, pw->ctx_off, p->hwpt, SIM_OBJ_HWPT_NESTED);
	if (!hw || !(hw->hwpt.flags & SIM_HWPT_PASID))
		problem(c, "device %u: PASID %llu is attached to 0x%llx, not a PASID-compatible HWPT "
			"of its context", id, (unsigned long long)p->n.start,
			(unsigned long long)p->hwpt);
	if (*pw->ndevl == *pw->capl) {
		size_t ncap = *pw->capl * 2;
		struct link *nl = realloc(*pw->devl, ncap * sizeof(*nl));

		if (!nl) {
			problem(c, "out of memory checking the PASIDs of device %u", id);
			return;
		}
		*pw->devl = nl;
		*pw->capl = ncap;
	}
	(*pw->devl)[(*pw->ndevl)++] = (struct link){ p->hwpt, 0, 0 };
}

/* References between the objects of a context: every users count, link and
 * back link, the domains of each IOAS and the alignment they make. */
static void check_links(struct checker *c, uint64_t ctx_off)
{
	struct sim_ctx *ctx = rec(c, ctx_off, SIM_TAG_CTX);
	uint64_t limit = itree_max_nodes(c->sim), page = sim_hdr(c->sim)->page_size;
	struct link *hwl = NULL, *devl = NULL, *nestl = NULL, *refl = NULL;
	size_t nhwl = 0, ndevl = 0, nnestl = 0, nrefl = 0, cap, capl;

	if (!ctx)
		return;
	/* HWPT -> IOAS and DEVICE -> HWPT references, sorted by target */
	cap = (size_t)SIM_MIN(ctx->nr_objects, limit) + 1;
	hwl = calloc(cap, sizeof(*hwl));
	capl = cap;
	devl = calloc(capl, sizeof(*devl));
	nestl = calloc(cap, sizeof(*nestl));
	refl = calloc(3 * cap, sizeof(*refl));
	if (!hwl || !devl || !nestl || !refl) {
		problem(c, "out of memory checking the links of context %llu",
			(unsigned long long)ctx->n.start);
		goto out;
	}
	for (uint64_t q = itree_first(c->sim, ctx->obj_root, SIM_TAG_OBJ), j = 0;
	     q && j <= limit && !c->sim->corrupt; q = itree_next(c->sim, q, SIM_TAG_OBJ), j++) {
		struct sim_obj *y = rec(c, q, SIM_TAG_OBJ);

		if (!y)
			continue;
		if (y->type == SIM_OBJ_HWPT_PAGING && nhwl < cap)
			hwl[nhwl++] = (struct link){ y->hwpt.ioas, y->hwpt.pgsize,
						     !!(y->hwpt.flags & SIM_HWPT_DIRTY_OPS) };
		/* the users references of vIOMMUs, vDEVICEs and the nested HWPTs of
		 * a vIOMMU, one link each */
		if (y->type == SIM_OBJ_HWPT_NESTED && !y->hwpt.viommu && nnestl < cap)
			nestl[nnestl++] = (struct link){ y->hwpt.parent, 0, 0 };
		if (y->type == SIM_OBJ_HWPT_NESTED && y->hwpt.viommu && nrefl < 3 * cap)
			refl[nrefl++] = (struct link){ y->hwpt.viommu, 0, 0 };
		if (y->type == SIM_OBJ_VIOMMU && nrefl < 3 * cap)
			refl[nrefl++] = (struct link){ y->viommu.parent, 0, 0 };
		if (y->type == SIM_OBJ_VDEVICE && !y->r.rflags && nrefl < 3 * cap)
			refl[nrefl++] = (struct link){ y->vdev.viommu, 0, 0 };
		if (y->type == SIM_OBJ_HW_QUEUE && nrefl + 4 <= 3 * cap) {
			refl[nrefl++] = (struct link){ y->hwq.viommu, 0, 0 };
			refl[nrefl++] = (struct link){ y->hwq.ioas, 0, 0 };
			refl[nrefl++] = (struct link){ y->hwq.access, 0, 0 };
			if (y->hwq.prev)
				refl[nrefl++] = (struct link){ y->hwq.prev, 0, 0 };
		}
		if (y->type == SIM_OBJ_VEVENTQ && nrefl < 3 * cap)
			refl[nrefl++] = (struct link){ y->eq.viommu, 0, 0 };
		if ((y->type == SIM_OBJ_HWPT_PAGING || y->type == SIM_OBJ_HWPT_NESTED) &&
		    y->hwpt.fault && nrefl < 3 * cap)
			refl[nrefl++] = (struct link){ y->hwpt.fault, 0, 0 };
		if (y->type == SIM_OBJ_DEVICE && y->idev.hwpt && ndevl < capl)
			devl[ndevl++] = (struct link){ y->idev.hwpt, 0, 0 };
		if (y->type == SIM_OBJ_DEVICE) {
			struct pasid_walk pw = { .c = c, .ctx_off = ctx_off, .dv = y, .devl = &devl,
						 .ndevl = &ndevl, .capl = &capl };
			const struct sim_obj *rid;
			uint64_t nodes = 0;

			if (check_tree(c, y->idev.pasid_root, SIM_TAG_PASID, "pasid", visit_pasid, &pw,
				       &nodes) && (nodes != y->idev.nr_pasids || pw.nodes != nodes))
				problem(c, "device %llu: counts %u PASID attachments, has %llu",
					(unsigned long long)y->n.start, y->idev.nr_pasids,
					(unsigned long long)nodes);
			if (y->idev.pasid_flags & ~SIM_PASID_FLAGS ||
			    ((y->idev.pasid_flags & SIM_PASID_1024_ARMED) &&
			     !itree_find(c->sim, y->idev.pasid_root, SIM_TAG_PASID, 1024)) ||
			    ((y->idev.pasid_flags & SIM_PASID_VFIO_RID) &&
			     (!y->idev.hwpt || !y->idev.vfio_fn)))
				problem(c, "device %llu: PASID flags 0x%x (armed only while PASID 1024 "
					"is attached, VFIO's PASID 0 only while a VFIO device is "
					"attached)", (unsigned long long)y->n.start,
					y->idev.pasid_flags);
			rid = y->idev.hwpt ? rec(c, y->idev.hwpt, SIM_TAG_OBJ) : NULL;
			if (y->idev.nr_pasids && rid && !(rid->hwpt.flags & SIM_HWPT_PASID))
				problem(c, "device %llu: has PASIDs attached and is itself attached to a "
					"HWPT that is not PASID compatible", (unsigned long long)y->n.start);
		}
	}
	if (nhwl)
		qsort(hwl, nhwl, sizeof(*hwl), link_cmp);
	if (ndevl)
		qsort(devl, ndevl, sizeof(*devl), link_cmp);
	if (nnestl)
		qsort(nestl, nnestl, sizeof(*nestl), link_cmp);
	if (nrefl)
		qsort(refl, nrefl, sizeof(*refl), link_cmp);
	for (uint64_t o = itree_first(c->sim, ctx->obj_root, SIM_TAG_OBJ), i = 0;
	     o && i <= limit && !c->sim->corrupt; o = itree_next(c->sim, o, SIM_TAG_OBJ), i++) {
		struct sim_obj *obj = rec(c, o, SIM_TAG_OBJ), *x;
		uint32_t id, expect = 1;
		uint64_t nhw, ndev, nnest, pgsize, ndirty;

		if (!obj)
			continue;
		id = (uint32_t)obj->n.start;
		/* what refers to it */
		nhw = links_to(hwl, nhwl, o, &pgsize, &ndirty);
		ndev = links_to(devl, ndevl, o, NULL, NULL);
		nnest = links_to(nestl, nnestl, o, NULL, NULL);
		expect += (uint32_t)links_to(refl, nrefl, o, NULL, NULL);
		switch (obj->type) {
		case SIM_OBJ_IOAS: {
			/* HW queues' internal accesses (nr_locks) want PAGE_SIZE */
			uint64_t want = obj->ioas.disable_large_pages || obj->ioas.nr_locks ? page : 1;

			expect += (uint32_t)nhw;
			if (obj->ioas.nr_domains != nhw)
				problem(c, "ioas %u: counts %u domains, %llu HWPTs are on it", id,
					obj->ioas.nr_domains, (unsigned long long)nhw);
			if (obj->ioas.nr_dirty_domains != ndirty)
				problem(c, "ioas %u: counts %u domains with dirty tracking, %llu are on "
					"it", id, obj->ioas.nr_dirty_domains, (unsigned long long)ndirty);
			want = SIM_MAX(want, pgsize);
			if (obj->ioas.iova_alignment != want)
				problem(c, "ioas %u: alignment 0x%llx, expected 0x%llx", id,
					(unsigned long long)obj->ioas.iova_alignment,
					(unsigned long long)want);
			check_owners(c, ctx_off, o, obj);
			if (obj->ioas.nr_locks != count_locks(c, ctx, o))
				problem(c, "ioas %u: counts %llu locks, %llu HW queues lock it", id,
					(unsigned long long)obj->ioas.nr_locks,
					(unsigned long long)count_locks(c, ctx, o));
			break;
		}
		case SIM_OBJ_HWPT_PAGING: {
			const struct sim_hwpt *h = &obj->hwpt;

			x = obj_in(c, ctx_off, h->ioas, SIM_OBJ_IOAS);
			if (!x)
				problem(c, "hwpt %u: its IOAS 0x%llx is not an IOAS of its context", id,
					(unsigned long long)h->ioas);
			check_paging(c, id, h, x, ndev);
			if (x && owned_ranges(c, x, o) != (uint64_t)(h->aperture_start != 0) +
							  (h->aperture_last != UINT64_MAX))
				problem(c, "hwpt %u: reserves %llu ranges of ioas %llu, its aperture "
					"needs %u", id, (unsigned long long)owned_ranges(c, x, o),
					(unsigned long long)x->n.start,
					(h->aperture_start != 0) + (h->aperture_last != UINT64_MAX));
			if ((nnest || links_to(refl, nrefl, o, NULL, NULL)) &&
			    (h->flags & (SIM_HWPT_AUTO | SIM_HWPT_NEST_PARENT)) != SIM_HWPT_NEST_PARENT)
				problem(c, "hwpt %u: %llu nested HWPTs on a domain that is no nest parent",
					id, (unsigned long long)nnest);
			expect += h->nr_devices + (uint32_t)nnest;
			break;
		}
		case SIM_OBJ_HWPT_NESTED: {
			const struct sim_hwpt *h = &obj->hwpt;

			if (!obj_in(c, ctx_off, h->parent, SIM_OBJ_HWPT_PAGING))
				problem(c, "hwpt %u: its parent 0x%llx is not a paging HWPT of its "
					"context", id, (unsigned long long)h->parent);
			x = h->viommu ? obj_in(c, ctx_off, h->viommu, SIM_OBJ_VIOMMU) : NULL;
			if (h->viommu && (!x || x->viommu.parent != h->parent))
				problem(c, "hwpt %u: its vIOMMU 0x%llx is not a vIOMMU of its context "
					"on its parent", id, (unsigned long long)h->viommu);
			if ((h->flags & ~SIM_HWPT_PASID) || h->ioas || h->seq || h->pgsize ||
			    h->aperture_start || h->aperture_last || h->dirty_root || h->nr_dirty)
				problem(c, "hwpt %u: a nested HWPT with flags 0x%x or paging fields", id,
					h->flags);
			if (h->nr_devices != ndev)
				problem(c, "hwpt %u: counts %u devices, %llu are attached", id,
					h->nr_devices, (unsigned long long)ndev);
			expect += h->nr_devices;
			break;
		}
		case SIM_OBJ_DEVICE:
			if (obj->idev.vfio_fn) {
				/* a VFIO device's: the header's binding names it */
				const struct sim_hdr *hd = sim_hdr(c->sim);

				if (obj->idev.stdev || obj->idev.vfio_fn > SIM_MIN(hd->vfio.t.nr, SIM_VFIO_MAX) ||
				    hd->vfio_idev[obj->idev.vfio_fn - 1] != o)
					problem(c, "device %u: VFIO device %u does not bind it", id,
						obj->idev.vfio_fn - 1);
			} else {
				x = obj_in(c, ctx_off, obj->idev.stdev, SIM_OBJ_SELFTEST);
				if (!x || x->stdev.idev != o)
					problem(c, "device %u: its driver 0x%llx is not a selftest "
						"object that owns it", id,
						(unsigned long long)obj->idev.stdev);
			}
			x = obj->idev.hwpt ? obj_in(c, ctx_off, obj->idev.hwpt, SIM_OBJ_HWPT_PAGING) : NULL;
			if (obj->idev.hwpt && !x)
				x = obj_in(c, ctx_off, obj->idev.hwpt, SIM_OBJ_HWPT_NESTED);
			if (obj->idev.hwpt && !x)
				problem(c, "device %u: attached to 0x%llx, not a HWPT of its context", id,
					(unsigned long long)obj->idev.hwpt);
			if (x && (x->hwpt.flags & SIM_HWPT_DIRTY_OPS) &&
			    !sim_dev_dirty_capable(c->sim, obj->idev.dev_flags))
				problem(c, "device %u: cannot track dirty pages, attached to hwpt %llu, "
					"which does", id, (unsigned long long)x->n.start);
			if (obj->idev.owner_ctx != ctx->n.start)
				problem(c, "device %u: owned by context %llu, lives in %llu", id,
					(unsigned long long)obj->idev.owner_ctx,
					(unsigned long long)ctx->n.start);
			if (obj->idev.dev_flags & ~SIM_MOCK_DEV_FLAGS)
				problem(c, "device %u: flags 0x%x", id, obj->idev.dev_flags);
			check_dev_viommu(c, ctx_off, o, obj, x);
			x = dev_paging(c, ctx_off, obj);
			x = x ? obj_in(c, ctx_off, x->hwpt.ioas, SIM_OBJ_IOAS) : NULL;
			if (x && owned_ranges(c, x, o) != dev_regions(c))
				problem(c, "device %u: reserves %llu ranges of ioas %llu, its platform "
					"has %u regions", id, (unsigned long long)owned_ranges(c, x, o),
					(unsigned long long)x->n.start, dev_regions(c));
			expect = 2 + (obj->idev.hwpt != 0) + obj->idev.nr_pasids;
			break;
		case SIM_OBJ_VIOMMU:
			x = obj_in(c, ctx_off, obj->viommu.parent, SIM_OBJ_HWPT_PAGING);
			if (!x || !(x->hwpt.flags & SIM_HWPT_NEST_PARENT))
				problem(c, "viommu %u: its parent 0x%llx is not a nest parent of its "
					"context", id, (unsigned long long)obj->viommu.parent);
			if (obj->viommu.type != SIM_VIOMMU_TYPE_SELFTEST ||
			    !obj->viommu.mmap_offset != !obj->viommu.mmap_length ||
			    obj->viommu.mmap_offset % page ||
			    (obj->viommu.mmap_length && obj->viommu.mmap_length != 2 * page))
				problem(c, "viommu %u: type 0x%x, mmap region 0x%llx+0x%llx", id,
					obj->viommu.type, (unsigned long long)obj->viommu.mmap_offset,
					(unsigned long long)obj->viommu.mmap_length);
			break;
		case SIM_OBJ_FAULT:
		case SIM_OBJ_VEVENTQ:
			check_eventq(c, ctx_off, o, obj);
			expect += obj->eq.fd_open;
			break;
		case SIM_OBJ_VDEVICE:
			if (obj->r.rflags)
				break;	/* a tombstone: checked with the table */
			x = obj_in(c, ctx_off, obj->vdev.idev, SIM_OBJ_DEVICE);
			if (!x || x->idev.vdev != o)
				problem(c, "vdevice %u: its device 0x%llx does not point back", id,
					(unsigned long long)obj->vdev.idev);
			if (!obj_in(c, ctx_off, obj->vdev.viommu, SIM_OBJ_VIOMMU))
				problem(c, "vdevice %u: its vIOMMU 0x%llx is not a vIOMMU of its "
					"context", id, (unsigned long long)obj->vdev.viommu);
			break;
		case SIM_OBJ_SELFTEST:
			x = obj_in(c, ctx_off, obj->stdev.idev, SIM_OBJ_DEVICE);
			if (!x || x->idev.stdev != o || x->idev.dev_flags != obj->stdev.dev_flags)
				problem(c, "selftest %u: its device 0x%llx does not point back", id,
					(unsigned long long)obj->stdev.idev);
			break;
		case SIM_OBJ_HW_QUEUE:
			check_hwq(c, ctx_off, obj);
			break;
		case SIM_OBJ_ACCESS:
			/* only a HW queue's: it points back, and holds it */
			x = obj_in(c, ctx_off, obj->acc.hwq, SIM_OBJ_HW_QUEUE);
			if (!x || x->hwq.access != o)
				problem(c, "access %u: its HW queue 0x%llx does not point back", id,
					(unsigned long long)obj->acc.hwq);
			break;
		default:
			problem(c, "object %u has type %u, which this version cannot create", id,
				obj->type);
			break;
		}
		if (obj->users != expect)
			problem(c, "object %u (%s) has %u users, %u expected", id,
				sim_obj_type_name(obj->type), obj->users, expect);
	}
out:
	free(hwl);
	free(devl);
	free(nestl);
	free(refl);
}

static void visit_ctx(struct checker *c, uint64_t off, void *arg)
{
	struct sim_hdr *h = sim_hdr(c->sim);
	struct sim_ctx *ctx = rec(c, off, SIM_TAG_CTX);
	struct ctx_walk cw = { .ctx_off = off };
	uint64_t *shared_seen = arg;

	if (!ctx)
		return;
	if (ctx->n.start != ctx->n.last || !ctx->n.start || ctx->n.start >= h->next_ctx_id)
		problem(c, "context at 0x%llx has a bad number %llu", (unsigned long long)off,
			(unsigned long long)ctx->n.start);
	if (ctx->flags == SIM_CTX_SHARED) {
		(*shared_seen)++;
		if (off != h->shared_ctx)
			problem(c, "context %llu is marked shared but is not the shared context",
				(unsigned long long)ctx->n.start);
		if (ctx->owner_pid || ctx->owner_start)
			problem(c, "the shared context has an owner");
	} else if (ctx->flags == SIM_CTX_PRIVATE) {
		if (ctx->owner_pid <= 0 || !ctx->owner_start)
			problem(c, "private context %llu has no owner (pid %d, start %llu)",
				(unsigned long long)ctx->n.start, ctx->owner_pid,
				(unsigned long long)ctx->owner_start);
	} else {
		problem(c, "context %llu has flags 0x%x", (unsigned long long)ctx->n.start,
			ctx->flags);
	}
	if (ctx->account_mode != SIM_ACCOUNT_USER && ctx->account_mode != SIM_ACCOUNT_MM)
		problem(c, "context %llu has accounting mode %u", (unsigned long long)ctx->n.start,
			ctx->account_mode);
	if (!check_tree(c, ctx->obj_root, SIM_TAG_OBJ, "object", visit_obj, &cw, NULL))
		return;
	check_links(c, off);
	if (cw.objects != ctx->nr_objects)
		problem(c, "context %llu counts %llu objects, has %llu",
			(unsigned long long)ctx->n.start, (unsigned long long)ctx->nr_objects,
			(unsigned long long)cw.objects);
	if (ctx->vfio_ioas) {
		uint64_t o = itree_find(c->sim, ctx->obj_root, SIM_TAG_OBJ, ctx->vfio_ioas);
		struct sim_obj *obj = rec(c, o, SIM_TAG_OBJ);

		if (!obj || obj->type != SIM_OBJ_IOAS)
			problem(c, "context %llu: compat IOAS %u is not an IOAS",
				(unsigned long long)ctx->n.start, ctx->vfio_ioas);
	}
}

/* ---- sources and memory ------------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void check_pages(struct checker *c)
{
	size_t i = 0;

	if (c->nr_page_refs)
		qsort(c->page_refs, c->nr_page_refs, sizeof(uint64_t), cmp_u64);
	while (i < c->nr_page_refs) {
		uint64_t off = c->page_refs[i], n = 0;
		struct sim_pages *p = rec(c, off, SIM_TAG_PAGES);

		while (i < c->nr_page_refs && c->page_refs[i] == off) {
			n++;
			i++;
		}
		if (!p)
			continue;
		count_live(c, SIM_TAG_PAGES);
		if (p->refs != n)
			problem(c, "source 0x%llx counts %llu areas, %llu point at it",
				(unsigned long long)off, (unsigned long long)p->refs,
				(unsigned long long)n);
		if (p->type > SIM_SRC_SIM_MEM || p->writable > 1 || !p->npages ||
		    p->base % sim_hdr(c->sim)->page_size ||
		    (p->file_flags & ~(SIM_FILE_KNOWN | SIM_FILE_PINNABLE)) ||
		    (p->type != SIM_SRC_FILE && (p->file_flags || p->file_size)))
			problem(c, "source 0x%llx is malformed", (unsigned long long)off);
		if (p->type == SIM_SRC_SIM_MEM) {
			if (!rec(c, p->ext, SIM_TAG_EXT))
				problem(c, "source 0x%llx names no memory extent", (unsigned long long)off);
			else
				push(&c->ext_refs, &c->nr_ext_refs, &c->cap_ext_refs, p->ext);
		}
	}
	if (c->nr_ext_refs)
		qsort(c->ext_refs, c->nr_ext_refs, sizeof(uint64_t), cmp_u64);
}

struct ext_walk {
	bool live;
	uint64_t n, bytes;
	uint64_t *data;			/* [data, end) pairs of every extent, for the arena walk */
	size_t nr_data, cap_data;
	bool have_prev;
	uint64_t prev_last;
};

static void visit_ext(struct checker *c, uint64_t off, void *arg)
{
	struct ext_walk *ew = arg;
	struct sim_ext *e = rec(c, off, ew->live ? SIM_TAG_EXT : SIM_TAG_EXTF);
	uint64_t page = sim_hdr(c->sim)->page_size, refs = 0, end;

	if (!e)
		return;
	ew->n++;
	ew->bytes += e->length;
	if (!e->length || e->length % page || e->data % page ||
	    __builtin_add_overflow(e->data, e->length, &end) || e->data < SIM_HDR_SIZE ||
	    end > sim_hdr(c->sim)->bump) {
		problem(c, "memory extent 0x%llx: bad place [0x%llx, +0x%llx)", (unsigned long long)off,
			(unsigned long long)e->data, (unsigned long long)e->length);
		return;
	}
	if (ew->live) {
		if (e->n.start != SIM_MEM_VA_BASE + e->data || e->n.last != e->n.start + e->length - 1)
			problem(c, "memory extent 0x%llx: VA does not match its place",
				(unsigned long long)off);
		for (size_t i = 0; i < c->nr_ext_refs; i++)
			refs += c->ext_refs[i] == off;
		if (refs != e->refs)
			problem(c, "memory extent at VA 0x%llx counts %llu sources, %llu point at it",
				(unsigned long long)e->n.start, (unsigned long long)e->refs,
				(unsigned long long)refs);
	} else {
		if (e->n.start != e->data || e->n.last != e->data + e->length - 1)
			problem(c, "free extent 0x%llx: key does not match its place",
				(unsigned long long)off);
		if (ew->have_prev && e->data <= ew->prev_last + 1)
			problem(c, "free extents at 0x%llx are not merged or overlap",
				(unsigned long long)e->data);
		ew->have_prev = true;
		ew->prev_last = e->data + e->length - 1;
	}
	push(&ew->data, &ew->nr_data, &ew->cap_data, e->data);
	push(&ew->data, &ew->nr_data, &ew->cap_data, end);
}

/* Walk [SIM_HDR_SIZE, bump): every byte a record, an extent, or padding before one. */
static void check_arena(struct checker *c, uint64_t *ext, size_t nr_ext)
{
	struct sim_hdr *h = sim_hdr(c->sim);
	uint64_t pos = SIM_HDR_SIZE, tags[SIM_NR_CLASSES] = { 0 }, frees[SIM_NR_CLASSES] = { 0 };
	uint64_t pad = 0;
	size_t e = 0;

	/* ext holds [data, end) pairs; sort them by data. */
	if (nr_ext)
		qsort(ext, nr_ext / 2, 2 * sizeof(uint64_t), cmp_u64);
	while (pos < h->bump) {
		struct sim_rec *r;
		unsigned int cls;

		if (e < nr_ext && ext[e] < pos) {
			problem(c, "memory extent at 0x%llx overlaps records",
				(unsigned long long)ext[e]);
			return;
		}
		if (e < nr_ext && ext[e] == pos) {
			pos = ext[e + 1];
			e += 2;
			continue;
		}
		if (pos + sizeof(struct sim_rec) > h->bump) {
			problem(c, "arena: %llu stray bytes before the end",
				(unsigned long long)(h->bump - pos));
			return;
		}
		r = (struct sim_rec *)(c->sim->base + pos);
		if (r->tag == 0 && e < nr_ext) {
			/* alignment padding before the next extent */
			pad += ext[e] - pos;
			pos = ext[e];
			continue;
		}
		cls = r->tag == SIM_TAG_FREE ? r->cls : sim_tag_class(r->tag);
		if (cls >= SIM_NR_CLASSES || r->cls != cls ||
		    pos + sim_class_size(cls) > h->bump) {
			problem(c, "arena: unknown or cut record (tag 0x%08x class %u) at 0x%llx",
				r->tag, r->cls, (unsigned long long)pos);
			return;
		}
		if (r->tag == SIM_TAG_FREE)
			frees[cls]++;
		else
			tags[cls]++;
		pos += sim_class_size(cls);
	}
	if (pos != h->bump)
		problem(c, "arena: the last extent runs past the end of the records");
	if (e != nr_ext)
		problem(c, "arena: memory extents lie past the end of the records");
	if (pad != h->pad_bytes)
		problem(c, "arena: %llu padding bytes, the header counts %llu", (unsigned long long)pad,
			(unsigned long long)h->pad_bytes);
	for (unsigned int cls = 0; cls < SIM_NR_CLASSES; cls++) {
		if (tags[cls] != h->nr_live[cls] || frees[cls] != h->nr_free[cls])
			problem(c, "arena class %u: %llu live and %llu free records, the header counts "
				"%llu and %llu", cls, (unsigned long long)tags[cls],
				(unsigned long long)frees[cls], (unsigned long long)h->nr_live[cls],
				(unsigned long long)h->nr_free[cls]);
		if (c->live[cls] != h->nr_live[cls])
			problem(c, "arena class %u: %llu records reachable, the header counts %llu live",
				cls, (unsigned long long)c->live[cls],
				(unsigned long long)h->nr_live[cls]);
	}
}

static void check_free_lists(struct checker *c)
{
	struct sim_hdr *h = sim_hdr(c->sim);

	for (unsigned int cls = 0; cls < SIM_NR_CLASSES; cls++) {
		uint64_t off = h->free_head[cls], n = 0;

		while (off) {
			struct sim_free *f = rec(c, off, SIM_TAG_FREE);

			if (!f || f->r.cls != cls || off + sim_class_size(cls) > h->bump) {
				problem(c, "free list %u: 0x%llx is not a free record of its class", cls,
					(unsigned long long)off);
				break;
			}
			if (++n > h->nr_free[cls]) {
				problem(c, "free list %u is longer than its count %llu (a cycle?)", cls,
					(unsigned long long)h->nr_free[cls]);
				break;
			}
			off = f->next;
		}
		if (!off && n != h->nr_free[cls])
			problem(c, "free list %u has %llu records, the header counts %llu", cls,
				(unsigned long long)n, (unsigned long long)h->nr_free[cls]);
	}
}

/* ---- the journal ---------------------------------------------------------------------------------- */

struct journal_walk {
	struct ext_walk *arena;		/* where the extents go for the arena walk */
	uint64_t n, bytes;
};

static void visit_journal_ext(void *arg, uint64_t off, uint64_t size)
{
	struct journal_walk *jw = arg;

	jw->n++;
	jw->bytes += size;
	push(&jw->arena->data, &jw->arena->nr_data, &jw->arena->cap_data, off);
	push(&jw->arena->data, &jw->arena->nr_data, &jw->arena->cap_data, off + size);
}

/* Its extents are a chain inside the arena that the header counts right,
 * and no operation is left in it (the lock rolled back any). */
static void check_journal(struct checker *c, struct ext_walk *arena)
{
	const struct sim_jctl *j = &sim_hdr(c->sim)->journal.j;
	struct journal_walk jw = { .arena = arena };

	if (j->active)
		problem(c, "the journal holds an operation that was not committed (state 0x%x)",
			j->active);
	if (sim_journal_extents(c->sim, visit_journal_ext, &jw)) {
		problem(c, "the journal's chain of extents is broken");
		return;
	}
	if (jw.n != j->nr_ext || jw.bytes != j->ext_bytes)
		problem(c, "journal: %llu extents of %llu bytes, the header counts %llu of %llu",
			(unsigned long long)jw.n, (unsigned long long)jw.bytes,
			(unsigned long long)j->nr_ext, (unsigned long long)j->ext_bytes);
}

/* ---- the whole ---------------------------------------------------------------------------------- */

struct totals {
	uint64_t objects, areas, mapped, open_queues, vfio_bound;
};

static void total_obj(struct checker *c, uint64_t off, void *arg)
{
	struct totals *t = arg;
	struct sim_obj *obj = rec(c, off, SIM_TAG_OBJ);

	if (!obj)
		return;
	t->objects++;
	if ((obj->type == SIM_OBJ_FAULT || obj->type == SIM_OBJ_VEVENTQ) && obj->eq.fd_open)
		t->open_queues++;
	if (obj->type == SIM_OBJ_DEVICE && obj->idev.vfio_fn)
		t->vfio_bound++;
	if (obj->type == SIM_OBJ_IOAS) {
		t->areas += obj->ioas.nr_areas;
		t->mapped += obj->ioas.mapped_bytes;
	}
}

static void total_ctx(struct checker *c, uint64_t off, void *arg)
{
	struct sim_ctx *ctx = rec(c, off, SIM_TAG_CTX);
	uint64_t limit = itree_max_nodes(c->sim);

	if (!ctx)
		return;
	for (uint64_t o = itree_first(c->sim, ctx->obj_root, SIM_TAG_OBJ), i = 0;
	     o && i <= limit && !c->sim->corrupt; o = itree_next(c->sim, o, SIM_TAG_OBJ), i++)
		total_obj(c, o, arg);
}

int sim_check_locked(struct sim *sim, char *report, size_t len)
{
	struct checker c = { .sim = sim, .report = report, .len = len };
	struct ext_walk live = { .live = true }, freed = { .live = false };
	struct sim_hdr *h = sim_hdr(sim);
	char detail[256] = "";
	uint64_t shared_seen = 0, nctx = 0;
	struct totals t = { 0 };
	char *save_detail = sim->detail;
	size_t save_dlen = sim->dlen;
	bool ok;

	if (report && len)
		report[0] = 0;
	sim->detail = detail;
	sim->dlen = sizeof(detail);
	if (sim_validate_header(sim, sim->mapped)) {
		problem(&c, "%s", detail);
		goto out;
	}
	check_free_lists(&c);
	if (!rec(&c, h->shared_ctx, SIM_TAG_CTX))
		problem(&c, "the shared context 0x%llx is not a context",
			(unsigned long long)h->shared_ctx);
	ok = check_tree(&c, h->ctx_root, SIM_TAG_CTX, "context", visit_ctx, &shared_seen, &nctx);
	if (ok) {
		if (shared_seen != 1)
			problem(&c, "%llu shared contexts, expected 1", (unsigned long long)shared_seen);
		if (nctx != h->nr_contexts)
			problem(&c, "%llu contexts, the header counts %llu", (unsigned long long)nctx,
				(unsigned long long)h->nr_contexts);
		for (uint64_t o = itree_first(sim, h->ctx_root, SIM_TAG_CTX), i = 0;
		     o && i <= nctx && !sim->corrupt; o = itree_next(sim, o, SIM_TAG_CTX), i++)
			total_ctx(&c, o, &t);
		if (t.objects != h->nr_objects || t.areas != h->nr_areas || t.mapped != h->mapped_bytes)
			problem(&c, "totals: %llu objects, %llu areas, %llu bytes mapped; the header "
				"counts %llu, %llu, %llu", (unsigned long long)t.objects,
				(unsigned long long)t.areas, (unsigned long long)t.mapped,
				(unsigned long long)h->nr_objects, (unsigned long long)h->nr_areas,
				(unsigned long long)h->mapped_bytes);
		uint64_t nbound = 0;

		for (uint32_t i = 0; i < SIM_VFIO_MAX; i++)
			if (h->vfio_idev[i] && (i >= h->vfio.t.nr ||
						!sim_rec_ok(sim, h->vfio_idev[i], SIM_TAG_OBJ)))
				problem(&c, "VFIO device %u: bound as 0x%llx, not a device record", i,
					(unsigned long long)h->vfio_idev[i]);
			else if (h->vfio_idev[i])
				nbound++;
		if (nbound != t.vfio_bound)
			problem(&c, "%llu VFIO devices are bound, %llu DEVICE objects are VFIO "
				"devices'", (unsigned long long)nbound,
				(unsigned long long)t.vfio_bound);
		if (t.open_queues != h->nr_open_queues)
			problem(&c, "%llu queues have their fd open, the header counts %llu",
				(unsigned long long)t.open_queues,
				(unsigned long long)h->nr_open_queues);
	}
	check_pages(&c);
	check_tree(&c, h->mem_root, SIM_TAG_EXT, "memory", visit_ext, &live, NULL);
	check_tree(&c, h->mem_free_root, SIM_TAG_EXTF, "free memory", visit_ext, &freed, NULL);
	if (live.n != h->nr_mem || live.bytes != h->mem_bytes || freed.n != h->nr_mem_free ||
	    freed.bytes != h->mem_free_bytes)
		problem(&c, "sim memory: %llu extents of %llu bytes live, %llu of %llu free; the "
			"header counts %llu/%llu and %llu/%llu", (unsigned long long)live.n,
			(unsigned long long)live.bytes, (unsigned long long)freed.n,
			(unsigned long long)freed.bytes, (unsigned long long)h->nr_mem,
			(unsigned long long)h->mem_bytes, (unsigned long long)h->nr_mem_free,
			(unsigned long long)h->mem_free_bytes);
	for (size_t i = 0; i < freed.nr_data; i++)
		push(&live.data, &live.nr_data, &live.cap_data, freed.data[i]);
	check_journal(&c, &live);
	if (ok && !c.problems)
		check_arena(&c, live.data, live.nr_data);
	if (sim->corrupt)
		problem(&c, "%s", detail);
	free(live.data);
	free(freed.data);
out:
	free(c.page_refs);
	free(c.ext_refs);
	sim->detail = save_detail;
	sim->dlen = save_dlen;
	sim->corrupt = false;
	return c.problems ? -EUCLEAN : 0;
}

int sim_check(struct sim *sim, char *report, size_t len)
{
	int ret = sim_lock(sim, report, len);

	if (ret)
		return ret;
	ret = sim_check_locked(sim, report, len);
	sim_unlock(sim);
	return ret;
}
