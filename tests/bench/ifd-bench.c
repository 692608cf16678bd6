// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * make bench: the simulator's map path against floors measured in the same
 * run on the same machine.  Not a test: it prints figures and ratios, and a
 * missed target is reported (an error only with --strict).
 *
 *  (a) Fixed-IOVA map + unmap of one 4 KiB page, with N live mappings (one
 *      page every other page), through the ioctl entry (ifd_ioctl on a
 *      simulator state, lock taken per operation), against the insert +
 *      erase pair of a bare red-black tree of N keys (below).  Both get the
 *      same random free slots.  Targets: <= 1.5x the tree at 1e4 live,
 *      <= 0.5x at 1e6.
 *  (b) Kernel-chosen IOVA in a fragmented IOAS: 2N pages mapped, every other
 *      one unmapped, then maps of two pages, each of which first-fit has to
 *      carry past the N one-page holes (each is unmapped again, untimed, so
 *      every allocation sees the same layout).  p50/p99 per map through the
 *      ioctl entry, and of the allocation alone (the gap-tree search, called
 *      under one lock); the oracle (the kernel's O(n) first fit,
 *      lib/sim/oracle.c) timed directly on the same layout, its answer checked
 *      against the simulator's.  Targets, for both: p99 <= 1 us, oracle /
 *      simulator p50 >= 100.
 *
 * Timing: CLOCK_MONOTONIC around batches of operations (its own cost is
 * printed); a repeat is many batches, its figure the median batch mean per
 * operation; the result is the median of >= 5 repeats after a warm-up, with
 * the repeats' min and max.  Simulator and tree batches alternate, so drift
 * of the machine hits both.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libiommufd.h"
#include "ifd-abi.h"
#include "private.h"
#include "sim/internal.h"
#include "sim/oracle.h"

#define PAGE		4096ull
#define FIXED_BASE	(1ull << 32)	/* where the live pages of (a) start */
#define RW		(IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define BATCH		32		/* operations per timed batch */
#define BATCHES		48		/* batches per repeat */

static struct {
	unsigned long small, large, frag;
	unsigned int repeats;
	bool strict;
	const char *dir;
} opt = { 10000, 1000000, 100000, 7, false, NULL };

static unsigned int misses;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "ifd-bench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(2);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of v[0..n) (sorts v). */
static double quantile(double *v, size_t n, double q)
{
	size_t i;

	qsort(v, n, sizeof(*v), cmp_double);
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

struct summary {
	double med, min, max;		/* over the repeats */
};

static struct summary summarize(double *rep, unsigned int n)
{
	struct summary s;

	s.med = quantile(rep, n, 0.5);
	s.min = rep[0];
	s.max = rep[n - 1];
	return s;
}

/* ---- a bare red-black tree keyed by IOVA (the floor of (a)) ------------------------------------ */

struct rb {
	struct rb *left, *right, *parent;
	uint64_t key;
	bool red;
};

struct rbtree {
	struct rb *root;
	struct rb nil;			/* the sentinel leaf: black, its links scratch */
};

static void rb_init(struct rbtree *t)
{
	t->nil = (struct rb){ &t->nil, &t->nil, &t->nil, 0, false };
	t->root = &t->nil;
}

static void rb_rotate_left(struct rbtree *t, struct rb *x)
{
	struct rb *y = x->right;

	x->right = y->left;
	if (y->left != &t->nil)
		y->left->parent = x;
	y->parent = x->parent;
	if (x->parent == &t->nil)
		t->root = y;
	else if (x == x->parent->left)
		x->parent->left = y;
	else
		x->parent->right = y;
	y->left = x;
	x->parent = y;
}

static void rb_rotate_right(struct rbtree *t, struct rb *x)
{
	struct rb *y = x->left;

	x->left = y->right;
	if (y->right != &t->nil)
		y->right->parent = x;
	y->parent = x->parent;
	if (x->parent == &t->nil)
		t->root = y;
	else if (x == x->parent->right)
		x->parent->right = y;
	else
		x->parent->left = y;
	y->right = x;
	x->parent = y;
}

static void rb_insert(struct rbtree *t, struct rb *z)
{
	struct rb *y = &t->nil, *x = t->root;

	while (x != &t->nil) {
		y = x;
		x = z->key < x->key ? x->left : x->right;
	}
	z->parent = y;
	if (y == &t->nil)
		t->root = z;
	else if (z->key < y->key)
		y->left = z;
	else
		y->right = z;
	z->left = z->right = &t->nil;
	z->red = true;
	while (z->parent->red) {
		struct rb *g = z->parent->parent;

		if (z->parent == g->left) {
			struct rb *u = g->right;

			if (u->red) {
				z->parent->red = u->red = false;
				g->red = true;
				z = g;
				continue;
			}
			if (z == z->parent->right) {
				z = z->parent;
				rb_rotate_left(t, z);
			}
			z->parent->red = false;
			z->parent->parent->red = true;
			rb_rotate_right(t, z->parent->parent);
		} else {
			struct rb *u = g->left;

			if (u->red) {
				z->parent->red = u->red = false;
				g->red = true;
				z = g;
				continue;
			}
			if (z == z->parent->left) {
				z = z->parent;
				rb_rotate_right(t, z);
			}
			z->parent->red = false;
			z->parent->parent->red = true;
			rb_rotate_left(t, z->parent->parent);
		}
	}
	t->root->red = false;
}

static void rb_transplant(struct rbtree *t, struct rb *u, struct rb *v)
{
	if (u->parent == &t->nil)
		t->root = v;
	else if (u == u->parent->left)
		u->parent->left = v;
	else
		u->parent->right = v;
	v->parent = u->parent;
}

static void rb_erase(struct rbtree *t, struct rb *z)
{
	struct rb *y = z, *x;
	bool y_red = y->red;

	if (z->left == &t->nil) {
		x = z->right;
		rb_transplant(t, z, z->right);
	} else if (z->right == &t->nil) {
		x = z->left;
		rb_transplant(t, z, z->left);
	} else {
		for (y = z->right; y->left != &t->nil; y = y->left)
			;
		y_red = y->red;
		x = y->right;
		if (y->parent == z) {
			x->parent = y;
		} else {
			rb_transplant(t, y, y->right);
			y->right = z->right;
			y->right->parent = y;
		}
		rb_transplant(t, z, y);
		y->left = z->left;
		y->left->parent = y;
		y->red = z->red;
	}
	if (y_red)
		return;
	while (x != t->root && !x->red) {
		if (x == x->parent->left) {
			struct rb *w = x->parent->right;

			if (w->red) {
				w->red = false;
				x->parent->red = true;
				rb_rotate_left(t, x->parent);
				w = x->parent->right;
			}
			if (!w->left->red && !w->right->red) {
				w->red = true;
				x = x->parent;
				continue;
			}
			if (!w->right->red) {
				w->left->red = false;
				w->red = true;
				rb_rotate_right(t, w);
				w = x->parent->right;
			}
			w->red = x->parent->red;
			x->parent->red = false;
			w->right->red = false;
			rb_rotate_left(t, x->parent);
		} else {
			struct rb *w = x->parent->left;

			if (w->red) {
				w->red = false;
				x->parent->red = true;
				rb_rotate_right(t, x->parent);
				w = x->parent->left;
			}
			if (!w->right->red && !w->left->red) {
				w->red = true;
				x = x->parent;
				continue;
			}
			if (!w->left->red) {
				w->right->red = false;
				w->red = true;
				rb_rotate_left(t, w);
				w = x->parent->left;
			}
			w->red = x->parent->red;
			x->parent->red = false;
			w->left->red = false;
			rb_rotate_right(t, x->parent);
		}
		x = t->root;
	}
	x->red = false;
}

/* Black height of the subtree, or -1 if it breaks a red-black rule or the
 * order; counts its nodes.  So the floor is a real, balanced tree. */
static int rb_check(const struct rbtree *t, const struct rb *n, uint64_t lo, uint64_t hi,
		    size_t *count)
{
	int l, r;

	if (n == &t->nil)
		return 1;
	if (n->key < lo || n->key > hi)
		return -1;
	if (n->red && (n->left->red || n->right->red))
		return -1;
	++*count;
	l = rb_check(t, n->left, lo, n->key, count);
	r = rb_check(t, n->right, n->key, hi, count);
	if (l < 0 || l != r)
		return -1;
	return l + !n->red;
}

/* ---- the simulator -------------------------------------------------------------------------- */

struct simstate {
	char path[4096];
	struct ifd_ctx *ctx;
	uint32_t ioas;
};

static void sim_state_open(struct simstate *s, const char *name)
{
	struct ifd_open_opts o = { .size = sizeof(o), .backend = IFD_BACKEND_SIM };
	struct ifd_error err;
	int ret;

	snprintf(s->path, sizeof(s->path), "%s/%s", opt.dir, name);
	ret = ifd_sim_create(s->path, "default", 1, &err);
	if (ret)
		die(err.detail[0] ? err.detail : "ifd_sim_create", ret);
	o.sim_path = s->path;
	o.error = &err;
	ret = ifd_ctx_open(&s->ctx, &o);
	if (ret)
		die(err.detail[0] ? err.detail : "ifd_ctx_open", ret);
	ret = ifd_ioas_alloc(s->ctx, &s->ioas);
	if (ret)
		die("IOAS_ALLOC", ret);
}

static void sim_state_close(struct simstate *s)
{
	ifd_ctx_close(s->ctx);
	unlink(s->path);
}

static void map_fixed(struct simstate *s, uint64_t va, uint64_t len, uint64_t iova)
{
	int ret = ifd_ioas_map(s->ctx, s->ioas, RW | IOMMU_IOAS_MAP_FIXED_IOVA, va, len, &iova);

	if (ret)
		die("IOAS_MAP (fixed)", ret);
}

static void unmap(struct simstate *s, uint64_t iova, uint64_t len)
{
	int ret = ifd_ioas_unmap(s->ctx, s->ioas, iova, len, NULL);

	if (ret)
		die("IOAS_UNMAP", ret);
}

/* A page-aligned buffer whose address has no bit below 'align' (so a map of
 * it keeps that alignment), never touched: nothing pins without a domain. */
static uint64_t aligned_buffer(uint64_t len, uint64_t align)
{
	uint8_t *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap", errno);
	return ((uintptr_t)p + align - 1) & ~(align - 1);
}

static void verdict(const char *name, const char *what, double value, const char *cmp,
		    double target)
{
	bool ok = !strcmp(cmp, "<=") ? value <= target : value >= target;

	if (!ok)
		misses++;
	printf("RESULT %-12s %-22s %10.2f   (target %s %g)  %s\n", name, what, value, cmp, target,
	       ok ? "PASS" : "MISS");
}

static double timer_cost(void)
{
	uint64_t t0 = now_ns();

	for (int i = 0; i < 100000; i++)
		(void)now_ns();
	return (double)(now_ns() - t0) / 100000.0;
}

/* What any command pays before it does anything: IOMMU_DESTROY of an ID that
 * does not exist (entry, lock, copy-in, lookup, -ENOENT). */
static double entry_floor(struct simstate *s)
{
	double v[BATCHES];

	for (int b = 0; b < BATCHES; b++) {
		uint64_t t0 = now_ns();

		for (int i = 0; i < BATCH; i++)
			if (ifd_destroy(s->ctx, 0x7fffffff) != -ENOENT)
				die("IOMMU_DESTROY of no object", EINVAL);
		v[b] = (double)(now_ns() - t0) / BATCH;
	}
	return quantile(v, BATCHES, 0.5);
}

/*
 * The one system call every operation must make: fstat of the state at each
 * lock (a state another process cut short must never be read past its end).
 * Measured on the state file itself, so the target can be set against it.
 */
static double fstat_floor(struct simstate *s)
{
	double v[BATCHES];
	struct stat st;
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open the state", errno);
	for (int b = 0; b < BATCHES; b++) {
		uint64_t t0 = now_ns();

		for (int i = 0; i < BATCH; i++)
			if (fstat(fd, &st) < 0)
				die("fstat", errno);
		v[b] = (double)(now_ns() - t0) / BATCH;
	}
	close(fd);
	return quantile(v, BATCHES, 0.5);
}

/* The floor of a measurement of 'ops' operations against its reference:
 * what the fstat at each lock alone costs, as a ratio, printed beside the
 * result so a miss the floor forces reads as such. */
static void floor_note(double fstat_ns, int ops, double ref_ns, double target)
{
	double r = ops * fstat_ns / ref_ns;

	printf("  floor: %d fstat of the state (one per lock) = %.0f ns = %.2fx the reference%s\n",
	       ops, ops * fstat_ns, r, r > target ? ": above the target before any work" : "");
}

/* ---- (a) fixed-IOVA map + unmap pairs ------------------------------------------------------------ */

static void bench_fixed(unsigned long live)
{
	struct simstate s;
	struct rbtree t;
	struct rb *nodes, probe;
	uint64_t va = aligned_buffer(PAGE, PAGE), t0, *slot;
	size_t nslots = (size_t)BATCH * BATCHES, count = 0;
	double *sim_rep, *rb_rep, sim_b[BATCHES], rb_b[BATCHES], setup_s;
	struct summary ss, rs;
	char name[32];

	snprintf(name, sizeof(name), "fixed-%.0e", (double)live);
	printf("\n(a) fixed-IOVA 4 KiB map+unmap pair, %lu live mappings\n", live);
	sim_state_open(&s, "fixed.state");
	t0 = now_ns();
	for (unsigned long i = 0; i < live; i++)
		map_fixed(&s, va, PAGE, FIXED_BASE + 2 * i * PAGE);
	setup_s = (double)(now_ns() - t0) / 1e9;
	printf("  setup: %lu fixed maps through the ioctl entry in %.2f s (%.0f ns each)\n", live,
	       setup_s, setup_s * 1e9 / (double)live);

	rb_init(&t);
	nodes = calloc(live, sizeof(*nodes));
	if (!nodes)
		die("calloc", ENOMEM);
	for (unsigned long i = 0; i < live; i++) {
		nodes[i].key = FIXED_BASE + 2 * i * PAGE;
		rb_insert(&t, &nodes[i]);
	}
	if (rb_check(&t, t.root, 0, UINT64_MAX, &count) < 0 || count != live)
		die("the red-black tree is broken", EINVAL);

	/* the same random free slots (odd pages) for both */
	slot = malloc(nslots * sizeof(*slot));
	sim_rep = calloc(opt.repeats, sizeof(*sim_rep));
	rb_rep = calloc(opt.repeats, sizeof(*rb_rep));
	if (!slot || !sim_rep || !rb_rep)
		die("malloc", ENOMEM);
	for (size_t i = 0; i < nslots; i++)
		slot[i] = FIXED_BASE + (2 * (rnd() % live) + 1) * PAGE;

	for (int r = -1; r < (int)opt.repeats; r++) {	/* repeat -1: warm-up */
		for (int b = 0; b < BATCHES; b++) {
			const uint64_t *sl = slot + (size_t)b * BATCH;

			t0 = now_ns();
			for (int i = 0; i < BATCH; i++) {
				map_fixed(&s, va, PAGE, sl[i]);
				unmap(&s, sl[i], PAGE);
			}
			sim_b[b] = (double)(now_ns() - t0) / BATCH;
			t0 = now_ns();
			for (int i = 0; i < BATCH; i++) {
				probe.key = sl[i];
				rb_insert(&t, &probe);
				rb_erase(&t, &probe);
			}
			rb_b[b] = (double)(now_ns() - t0) / BATCH;
		}
		if (r >= 0) {
			sim_rep[r] = quantile(sim_b, BATCHES, 0.5);
			rb_rep[r] = quantile(rb_b, BATCHES, 0.5);
		}
	}
	count = 0;
	if (rb_check(&t, t.root, 0, UINT64_MAX, &count) < 0 || count != live)
		die("the red-black tree is broken", EINVAL);
	ss = summarize(sim_rep, opt.repeats);
	rs = summarize(rb_rep, opt.repeats);
	printf("  simulator map+unmap: %.0f ns/pair (repeats %.0f..%.0f)\n", ss.med, ss.min, ss.max);
	printf("  red-black tree insert+erase: %.0f ns/pair (repeats %.0f..%.0f)\n", rs.med, rs.min,
	       rs.max);
	printf("  of which the bare ioctl entry, twice: %.0f ns (IOMMU_DESTROY of no object)\n",
	       2 * entry_floor(&s));
	floor_note(fstat_floor(&s), 2, rs.med, live >= 1000000 ? 0.5 : 1.5);
	verdict(name, "simulator/rbtree", ss.med / rs.med, "<=", live >= 1000000 ? 0.5 : 1.5);
	free(slot);
	free(sim_rep);
	free(rb_rep);
	free(nodes);
	sim_state_close(&s);
}

/* ---- (b) kernel-chosen IOVAs in a fragmented IOAS -------------------------------------------- */

#define CHOSEN_PER_REPEAT	400

static void bench_chosen(unsigned long n)
{
	struct simstate s;
	uint64_t va4 = aligned_buffer(PAGE, PAGE), va8 = aligned_buffer(2 * PAGE, 2 * PAGE);
	uint64_t t0, iova, first_iova = 0, oracle_iova = 0;
	double *p50, *p99, *a50, *a99, *orc, lat[CHOSEN_PER_REPEAT], setup_s;
	struct summary s50, s99, sa50, sa99, so;
	struct ifd_sim_area *areas = NULL;
	struct sim_span *used;
	size_t nareas = 0;
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "chosen-%.0e", (double)n);
	printf("\n(b) kernel-chosen IOVA, %lu one-page holes before the first fit\n", n);
	sim_state_open(&s, "chosen.state");
	t0 = now_ns();
	for (unsigned long i = 0; i < 2 * n; i++) {
		ret = ifd_ioas_map(s.ctx, s.ioas, RW, va4, PAGE, &iova);
		if (ret)
			die("IOAS_MAP", ret);
		if (iova != PAGE * (i + 1))
			die("kernel-chosen pages are not back to back", EINVAL);
	}
	for (unsigned long i = 0; i < 2 * n; i += 2)
		unmap(&s, PAGE * (i + 1), PAGE);
	setup_s = (double)(now_ns() - t0) / 1e9;
	printf("  setup: %lu kernel-chosen maps and %lu unmaps in %.2f s\n", 2 * n, n, setup_s);

	p50 = calloc(opt.repeats, sizeof(*p50));
	p99 = calloc(opt.repeats, sizeof(*p99));
	a50 = calloc(opt.repeats, sizeof(*a50));
	a99 = calloc(opt.repeats, sizeof(*a99));
	orc = calloc(opt.repeats, sizeof(*orc));
	if (!p50 || !p99 || !a50 || !a99 || !orc)
		die("malloc", ENOMEM);
	for (int r = -1; r < (int)opt.repeats; r++) {
		for (int i = 0; i < CHOSEN_PER_REPEAT; i++) {
			t0 = now_ns();
			ret = ifd_ioas_map(s.ctx, s.ioas, RW, va8, 2 * PAGE, &iova);
			lat[i] = (double)(now_ns() - t0);
			if (ret)
				die("IOAS_MAP (kernel-chosen)", ret);
			if (!first_iova)
				first_iova = iova;
			else if (iova != first_iova)
				die("the same layout gave another IOVA", EINVAL);
			unmap(&s, iova, 2 * PAGE);
		}
		if (r >= 0) {
			p50[r] = quantile(lat, CHOSEN_PER_REPEAT, 0.5);
			p99[r] = quantile(lat, CHOSEN_PER_REPEAT, 0.99);
		}
	}

	/* The allocator alone: the gap-tree search, each call timed, under one lock. */
	{
		struct sim *sim = s.ctx->sim;
		uint64_t obj = 0, got = 0;

		if (sim_enter(sim, NULL, 0) || sim_get_obj(sim, s.ioas, SIM_OBJ_IOAS, &obj))
			die("sim_enter", EINVAL);
		for (int r = -1; r < (int)opt.repeats; r++) {
			for (int i = 0; i < CHOSEN_PER_REPEAT; i++) {
				t0 = now_ns();
				ret = sim_ioas_pick_iova(sim, obj, va8, 2 * PAGE, false, &got);
				lat[i] = (double)(now_ns() - t0);
				if (ret || got != first_iova)
					die("the gap tree disagrees with the map", ret ? ret : EINVAL);
			}
			if (r >= 0) {
				a50[r] = quantile(lat, CHOSEN_PER_REPEAT, 0.5);
				a99[r] = quantile(lat, CHOSEN_PER_REPEAT, 0.99);
			}
		}
		sim_leave(sim, 0);
	}

	/* The oracle on the same layout. */
	ret = ifd_sim_areas(s.ctx, s.ioas, &areas, &nareas);
	if (ret)
		die("ifd_sim_areas", ret);
	used = malloc((nareas + 1) * sizeof(*used));
	if (!used)
		die("malloc", ENOMEM);
	for (size_t i = 0; i < nareas; i++)
		used[i] = (struct sim_span){ areas[i].iova, areas[i].last };
	{
		struct sim_oracle_req req = {
			.used = used, .nr_used = nareas, .page_size = PAGE, .hpage_size = 2ull << 20,
			.addr = va8, .length = 2 * PAGE, .iova_alignment = 1,
		};

		for (int r = -1; r < (int)opt.repeats; r++) {
			t0 = now_ns();
			ret = sim_oracle_alloc_iova(&req, &oracle_iova);
			if (r >= 0)
				orc[r] = (double)(now_ns() - t0);
			if (ret || oracle_iova != first_iova)
				die("the oracle disagrees with the simulator", EINVAL);
		}
	}
	s50 = summarize(p50, opt.repeats);
	s99 = summarize(p99, opt.repeats);
	sa50 = summarize(a50, opt.repeats);
	sa99 = summarize(a99, opt.repeats);
	so = summarize(orc, opt.repeats);
	printf("  kernel-chosen map through the ioctl entry: p50 %.0f ns, p99 %.0f ns "
	       "(repeats' p99 %.0f..%.0f), IOVA 0x%llx\n", s50.med, s99.med, s99.min, s99.max,
	       (unsigned long long)first_iova);
	printf("  the allocation alone (gap-tree search, lock held): p50 %.0f ns, p99 %.0f ns\n",
	       sa50.med, sa99.med);
	printf("  oracle (first fit over %zu areas, arrays prebuilt): %.0f ns (repeats %.0f..%.0f), "
	       "same IOVA\n", nareas, so.med, so.min, so.max);
	{
		double f = fstat_floor(&s);

		floor_note(f, 1, 1000.0, 1.0);
		printf("  ceiling: the oracle over one fstat = %.1fx (oracle/map can be no better)\n",
		       so.med / f);
	}
	verdict(name, "map p99/1us", s99.med / 1000.0, "<=", 1.0);
	verdict(name, "oracle/map p50", so.med / s50.med, ">=", 100.0);
	verdict(name, "alloc p99/1us", sa99.med / 1000.0, "<=", 1.0);
	verdict(name, "oracle/alloc p50", so.med / sa50.med, ">=", 100.0);
	free(areas);
	free(used);
	free(p50);
	free(p99);
	free(a50);
	free(a99);
	free(orc);
	sim_state_close(&s);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ifd-bench [--small N] [--large N] [--frag N] [--repeats R] [--quick]\n"
		   "                 [--strict] [--dir DIR]\n"
		   "  --small N    live mappings of the first fixed-IOVA case (default 10000)\n"
		   "  --large N    live mappings of the second (default 1000000)\n"
		   "  --frag N     one-page holes of the kernel-chosen case (default 100000)\n"
		   "  --repeats R  timed repeats after the warm-up, at least 5 (default 7)\n"
		   "  --quick      1e3 / 1e5 / 1e4: a smoke run\n"
		   "  --strict     exit 1 if a target is missed\n"
		   "  --dir DIR    where the state files go (default: a new directory in $TMPDIR)\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "small", required_argument, NULL, 's' },
		{ "large", required_argument, NULL, 'l' },
		{ "frag", required_argument, NULL, 'f' },
		{ "repeats", required_argument, NULL, 'r' },
		{ "quick", no_argument, NULL, 'q' },
		{ "strict", no_argument, NULL, 'S' },
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char tmpdir[4096] = "";
	uint64_t t0 = now_ns();
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt.small = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			opt.large = strtoul(optarg, NULL, 0);
			break;
		case 'f':
			opt.frag = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			opt.repeats = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'q':
			opt.small = 1000;
			opt.large = 100000;
			opt.frag = 10000;
			break;
		case 'S':
			opt.strict = true;
			break;
		case 'd':
			opt.dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || opt.repeats < 5 || !opt.small || !opt.large || !opt.frag) {
		usage(stderr);
		return 2;
	}
	if (!opt.dir) {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/ifd-bench-XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir))
			die("mkdtemp", errno);
		opt.dir = tmpdir;
	}
	printf("ifd-bench: simulator through ifd_ioctl (state in %s, lock per operation)\n",
	       opt.dir);
	printf("clock_gettime: %.0f ns per call; timing in batches of %d pairs, median batch of "
	       "%d per repeat, median of %u repeats after a warm-up\n", timer_cost(), BATCH,
	       BATCHES, opt.repeats);
	bench_fixed(opt.small);
	bench_fixed(opt.large);
	bench_chosen(opt.frag);
	printf("\n%u target(s) missed; %.0f s\n", misses, (double)(now_ns() - t0) / 1e9);
	if (tmpdir[0])
		rmdir(tmpdir);
	return opt.strict && misses ? 1 : 0;
}
