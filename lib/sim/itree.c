// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * An AVL interval tree whose nodes live in the state file: links are record
 * offsets, every dereference is checked (sim_node), and every loop is bounded
 * so that a corrupt file (say, a cycle of links) ends the operation with
 * -EUCLEAN instead of hanging it.
 *
 * Nodes are ordered by (start, record offset), so equal starts are allowed.
 * Each node caches its subtree's height, largest 'last' and node count;
 * update() is the one place that computes them; a tree that caches more
 * (the gap tree's room per alignment class) has its hook called from there.
 *
 * Every write goes through sim_nodew() (the undo journal saves the node
 * first); 'root' must point into a record or header the caller took for
 * writing.
 */
#include "internal.h"

/* Deeper than any AVL tree of 2^64 nodes: a walk longer than this is a cycle. */
#define MAX_DEPTH 128

uint64_t itree_max_nodes(struct sim *sim)
{
	return sim_hdr(sim)->bump / 96 + 1;
}

/* A node's cached height, clamped: it comes from the file, and arithmetic on
 * a corrupt one must not overflow. */
static int32_t height_of(const struct sim_tnode *n)
{
	return n->height < 0 ? 0 : n->height > MAX_DEPTH ? MAX_DEPTH : n->height;
}

static int32_t height(struct sim *sim, uint64_t off, uint32_t tag)
{
	return off ? height_of(sim_node(sim, off, tag)) : 0;
}

static void update(struct sim *sim, uint64_t off, uint32_t tag)
{
	struct sim_tnode *n = sim_nodew(sim, off, tag), *l = NULL, *r = NULL;
	uint64_t max_last = n->last, count = 1;
	int32_t h = 0;

	if (n->left) {
		l = sim_node(sim, n->left, tag);
		h = height_of(l);
		max_last = SIM_MAX(max_last, l->max_last);
		count += l->count;
	}
	if (n->right) {
		r = sim_node(sim, n->right, tag);
		h = SIM_MAX(h, height_of(r));
		max_last = SIM_MAX(max_last, r->max_last);
		count += r->count;
	}
	n->height = h + 1;
	n->max_last = max_last;
	n->count = count;
	/* Trees with more to cache. */
	if (tag == SIM_TAG_GAP)
		sim_gap_update(sim, off, l, r);
}

static void replace_child(struct sim *sim, uint64_t *root, uint32_t tag, uint64_t parent,
			  uint64_t old, uint64_t new)
{
	if (!parent) {
		*root = new;
		return;
	}
	struct sim_tnode *p = sim_nodew(sim, parent, tag);

	if (p->left == old)
		p->left = new;
	else if (p->right == old)
		p->right = new;
	else
		sim_corrupt(sim, "tree node 0x%llx is not a child of its parent",
			    (unsigned long long)old);
}

/* x's right child takes its place; returns it. */
static uint64_t rotate_left(struct sim *sim, uint64_t *root, uint32_t tag, uint64_t x)
{
	struct sim_tnode *xn = sim_nodew(sim, x, tag);
	uint64_t y = xn->right;
	struct sim_tnode *yn = sim_nodew(sim, y, tag);

	xn->right = yn->left;
	if (yn->left)
		sim_nodew(sim, yn->left, tag)->parent = x;
	yn->parent = xn->parent;
	replace_child(sim, root, tag, xn->parent, x, y);
	yn->left = x;
	xn->parent = y;
	update(sim, x, tag);
	update(sim, y, tag);
	return y;
}

static uint64_t rotate_right(struct sim *sim, uint64_t *root, uint32_t tag, uint64_t x)
{
	struct sim_tnode *xn = sim_nodew(sim, x, tag);
	uint64_t y = xn->left;
	struct sim_tnode *yn = sim_nodew(sim, y, tag);

	xn->left = yn->right;
	if (yn->right)
		sim_nodew(sim, yn->right, tag)->parent = x;
	yn->parent = xn->parent;
	replace_child(sim, root, tag, xn->parent, x, y);
	yn->right = x;
	xn->parent = y;
	update(sim, x, tag);
	update(sim, y, tag);
	return y;
}

/* Recompute and rebalance from 'off' up to the root (the augmentation of
 * every ancestor changes, so the walk always goes all the way up). */
static void fix_up(struct sim *sim, uint64_t *root, uint32_t tag, uint64_t off)
{
	for (int steps = 0; off && !sim->corrupt; steps++) {
		struct sim_tnode *n;
		int32_t bf;

		if (steps > MAX_DEPTH) {
			sim_corrupt(sim, "tree parent links form a cycle");
			return;
		}
		update(sim, off, tag);
		n = sim_node(sim, off, tag);
		bf = height(sim, n->left, tag) - height(sim, n->right, tag);
		if (bf > 1) {
			struct sim_tnode *l = sim_node(sim, n->left, tag);

			if (height(sim, l->left, tag) < height(sim, l->right, tag))
				rotate_left(sim, root, tag, n->left);
			off = rotate_right(sim, root, tag, off);
		} else if (bf < -1) {
			struct sim_tnode *r = sim_node(sim, n->right, tag);

			if (height(sim, r->right, tag) < height(sim, r->left, tag))
				rotate_right(sim, root, tag, n->right);
			off = rotate_left(sim, root, tag, off);
		}
		off = sim_node(sim, off, tag)->parent;
	}
}

void itree_changed(struct sim *sim, uint64_t *root, uint32_t tag, uint64_t off)
{
	fix_up(sim, root, tag, off);
}

static bool before(uint64_t start_a, uint64_t off_a, uint64_t start_b, uint64_t off_b)
{
	return start_a < start_b || (start_a == start_b && off_a < off_b);
}

void itree_insert(struct sim *sim, uint64_t *root, uint32_t tag, uint64_t off)
{
	struct sim_tnode *n = sim_nodew(sim, off, tag);
	uint64_t parent = 0, cur = *root;
	bool left = false;

	for (int depth = 0; cur; depth++) {
		struct sim_tnode *c = sim_node(sim, cur, tag);

		if (depth > MAX_DEPTH || sim->corrupt) {
			sim_corrupt(sim, "tree deeper than any balanced tree");
			return;
		}
		parent = cur;
		left = before(n->start, off, c->start, cur);
		cur = left ? c->left : c->right;
	}
	n->parent = parent;
	n->left = n->right = 0;
	update(sim, off, tag);
	if (!parent)
		*root = off;
	else if (left)
		sim_nodew(sim, parent, tag)->left = off;
	else
		sim_nodew(sim, parent, tag)->right = off;
	fix_up(sim, root, tag, parent);
}

void itree_erase(struct sim *sim, uint64_t *root, uint32_t tag, uint64_t off)
{
	struct sim_tnode *n = sim_nodew(sim, off, tag);
	uint64_t fix;

	if (!n->left || !n->right) {
		uint64_t child = n->left ? n->left : n->right;

		replace_child(sim, root, tag, n->parent, off, child);
		if (child)
			sim_nodew(sim, child, tag)->parent = n->parent;
		fix = n->parent;
	} else {
		/* The successor takes the node's place (records keep their identity:
		 * nothing is copied between them). */
		uint64_t s = n->right;
		struct sim_tnode *sn = sim_node(sim, s, tag);

		for (int depth = 0; sn->left; depth++) {
			if (depth > MAX_DEPTH || sim->corrupt) {
				sim_corrupt(sim, "tree deeper than any balanced tree");
				return;
			}
			s = sn->left;
			sn = sim_node(sim, s, tag);
		}
		sn = sim_nodew(sim, s, tag);
		if (s == n->right) {
			fix = s;
		} else {
			uint64_t sp = sn->parent;

			sim_nodew(sim, sp, tag)->left = sn->right;
			if (sn->right)
				sim_nodew(sim, sn->right, tag)->parent = sp;
			sn->right = n->right;
			sim_nodew(sim, n->right, tag)->parent = s;
			fix = sp;
		}
		sn->left = n->left;
		sim_nodew(sim, n->left, tag)->parent = s;
		sn->parent = n->parent;
		replace_child(sim, root, tag, n->parent, off, s);
	}
	n->parent = n->left = n->right = 0;
	fix_up(sim, root, tag, fix);
}

static uint64_t leftmost(struct sim *sim, uint64_t off, uint32_t tag)
{
	for (int depth = 0; off; depth++) {
		struct sim_tnode *n = sim_node(sim, off, tag);

		if (depth > MAX_DEPTH || sim->corrupt) {
			sim_corrupt(sim, "tree deeper than any balanced tree");
			return 0;
		}
		if (!n->left)
			return off;
		off = n->left;
	}
	return 0;
}

uint64_t itree_first(struct sim *sim, uint64_t root, uint32_t tag)
{
	return leftmost(sim, root, tag);
}

uint64_t itree_last(struct sim *sim, uint64_t root, uint32_t tag)
{
	for (int depth = 0; root; depth++) {
		struct sim_tnode *n = sim_node(sim, root, tag);

		if (depth > MAX_DEPTH || sim->corrupt)
			return 0;
		if (!n->right)
			return root;
		root = n->right;
	}
	return 0;
}

uint64_t itree_next(struct sim *sim, uint64_t off, uint32_t tag)
{
	struct sim_tnode *n = sim_node(sim, off, tag);

	if (sim->corrupt)
		return 0;
	if (n->right)
		return leftmost(sim, n->right, tag);
	for (int depth = 0; n->parent; depth++) {
		uint64_t parent = n->parent;
		struct sim_tnode *p = sim_node(sim, parent, tag);

		if (depth > MAX_DEPTH || sim->corrupt) {
			sim_corrupt(sim, "tree parent links form a cycle");
			return 0;
		}
		if (p->left == off)
			return parent;
		off = parent;
		n = p;
	}
	return 0;
}

/* The lowest-start node of the subtree at 'off' that overlaps [start, last]. */
static uint64_t subtree_overlap(struct sim *sim, uint64_t off, uint32_t tag, uint64_t start,
				uint64_t last)
{
	for (int depth = 0; off; depth++) {
		struct sim_tnode *n = sim_node(sim, off, tag);

		if (depth > MAX_DEPTH || sim->corrupt) {
			sim_corrupt(sim, "tree deeper than any balanced tree");
			return 0;
		}
		if (n->left && sim_node(sim, n->left, tag)->max_last >= start) {
			off = n->left;
			continue;
		}
		if (n->start > last)
			return 0;
		if (n->last >= start)
			return off;
		if (!n->right || sim_node(sim, n->right, tag)->max_last < start)
			return 0;
		off = n->right;
	}
	return 0;
}

uint64_t itree_first_overlap(struct sim *sim, uint64_t root, uint32_t tag, uint64_t start,
			     uint64_t last)
{
	if (!root || sim_node(sim, root, tag)->max_last < start)
		return 0;
	return subtree_overlap(sim, root, tag, start, last);
}

uint64_t itree_next_overlap(struct sim *sim, uint64_t off, uint32_t tag, uint64_t start,
			    uint64_t last)
{
	struct sim_tnode *n = sim_node(sim, off, tag);

	for (int steps = 0; !sim->corrupt; steps++) {
		uint64_t parent, from;

		if (steps > 2 * MAX_DEPTH) {
			sim_corrupt(sim, "tree parent links form a cycle");
			return 0;
		}
		if (n->right && sim_node(sim, n->right, tag)->max_last >= start)
			return subtree_overlap(sim, n->right, tag, start, last);
		/* Up until we come from a left child. */
		do {
			parent = n->parent;
			if (!parent)
				return 0;
			from = off;
			off = parent;
			n = sim_node(sim, off, tag);
			if (++steps > 2 * MAX_DEPTH) {
				sim_corrupt(sim, "tree parent links form a cycle");
				return 0;
			}
		} while (n->right == from && !sim->corrupt);
		if (n->start > last)
			return 0;
		if (n->last >= start)
			return off;
	}
	return 0;
}

uint64_t itree_find(struct sim *sim, uint64_t root, uint32_t tag, uint64_t key)
{
	for (int depth = 0; root; depth++) {
		struct sim_tnode *n = sim_node(sim, root, tag);

		if (depth > MAX_DEPTH || sim->corrupt)
			return 0;
		if (n->start == key)
			return root;
		root = key < n->start ? n->left : n->right;
	}
	return 0;
}

uint64_t itree_count(struct sim *sim, uint64_t root, uint32_t tag)
{
	return root ? sim_node(sim, root, tag)->count : 0;
}

/*
 * Keys are distinct integers >= 1.  Walking down, 'base' is the lowest key the
 * current subtree could hold and every key below 'base' is present; a left
 * subtree of L nodes is dense exactly when the node's own key is base + L.
 */
uint64_t itree_lowest_free(struct sim *sim, uint64_t root, uint32_t tag)
{
	uint64_t base = 1;

	for (int depth = 0; root; depth++) {
		struct sim_tnode *n = sim_node(sim, root, tag);
		uint64_t lc = itree_count(sim, n->left, tag);

		if (depth > MAX_DEPTH || sim->corrupt)
			return 0;
		if (n->start == base + lc) {
			base += lc + 1;
			root = n->right;
		} else {
			root = n->left;
		}
	}
	return base;
}
