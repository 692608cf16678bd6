// SPDX-License-Identifier: GPL-3.0-or-later
// timeout: 300 (forks and kills hundreds of processes: slow on a loaded machine)
/*
 * Kill storm: six processes run random operations on one state (three on
 * the shared context, three on private contexts of their own) while the
 * driver SIGKILLs one of them at a random moment, hundreds of times.  After
 * every kill the state opens, the consistency check is clean, and what the
 * dead process had done is there:
 *
 *  - on the shared context, its IOAS holds exactly the areas it had after
 *    its last finished operation, or those with its operation in flight
 *    applied (the worker logs its operations and the area list after each
 *    in shared memory, double-buffered so that a kill cannot tear the log);
 *  - a private context of a dead process is closed, as the kernel closes the
 *    fd of a process that dies, with every object in it.
 *
 * Half the kills fall at random moments; the other half wait until a
 * writer is inside an operation (the header's sequence count is odd) and
 * kill the lock's holder there, so that hundreds of operations are rolled
 * back.  SIM_STORM_SECONDS sets how long it rages (default 25, under
 * valgrind 15); under valgrind or ASan fewer kills are asked for.
 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "ifd-test-abi.h"
#include "sim/internal.h"
#include "sim-test.h"

#define PAGE 4096ull
#define U64MAX UINT64_MAX
#define NR_WORKERS 6
#define MAX_AREAS 40
#define BUF_LEN (4ull << 20)
#define APERTURE_START 0x1000000ull	/* the mock domain's, IFD_MOCK_APERTURE_START */

static uint8_t *buf;
static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

struct area {
	uint64_t iova, last;
};

struct model {
	uint32_t n;
	struct area a[MAX_AREAS + 8];
};

enum wop_kind {
	W_MAP_FIXED, W_MAP_AUTO, W_COPY, W_UNMAP, W_UNMAP_ALL, W_MOCK, W_MOCK_DESTROY, W_HUGE,
	W_ALLOW, W_MEM, W_SCRATCH, W_NR
};

struct wop {
	int kind;
	uint64_t iova, len;
};

/* One worker's log, in memory shared with the driver. */
struct wslot {
	volatile pid_t pid;
	volatile bool private_ctx;
	volatile uint32_t ioas;
	volatile int cur;			/* the model that holds */
	struct model model[2];
	volatile int pending;			/* an operation is in flight ... */
	struct wop op;				/* ... this one */
	volatile uint64_t ops, ok;
};

static struct wslot *slots;

#define BARRIER() __atomic_signal_fence(__ATOMIC_SEQ_CST)

static int read_areas(struct sim *sim, uint32_t ioas, struct model *m)
{
	struct ifd_sim_area *v = NULL;
	size_t n = 0;
	int ret = sim_areas(sim, ioas, &v, &n);

	if (ret)
		return ret;
	if (n > sizeof(m->a) / sizeof(m->a[0])) {
		free(v);
		return -E2BIG;
	}
	m->n = (uint32_t)n;
	for (size_t i = 0; i < n; i++)
		m->a[i] = (struct area){ v[i].iova, v[i].last };
	free(v);
	return 0;
}

/* ---- the worker ------------------------------------------------------------------------------- */

static int tcmd(struct sim *sim, struct ifd_test_cmd *c)
{
	c->size = sizeof(*c);
	return io(sim, IFD_TEST_CMD, c);
}

static int destroy(struct sim *sim, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return io(sim, IOMMU_DESTROY, &d);
}

static int do_op(struct sim *sim, struct wslot *w, const struct wop *op, uint32_t *stdevs,
		 unsigned int *nst)
{
	uint64_t iova = op->iova;
	int ret;

	switch (op->kind) {
	case W_MAP_FIXED:
		return st_map_fixed(sim, w->ioas, (uintptr_t)buf + (rnd() % 64) * PAGE, op->len, iova);
	case W_MAP_AUTO:
		return st_map(sim, w->ioas, RW, (uintptr_t)buf + (rnd() % 64) * PAGE, op->len, &iova);
	case W_COPY: {
		struct iommu_ioas_copy c = { .size = sizeof(c), .flags = RW, .dst_ioas_id = w->ioas,
					     .src_ioas_id = w->ioas, .length = op->len,
					     .src_iova = op->iova };

		return io(sim, IOMMU_IOAS_COPY, &c);
	}
	case W_UNMAP:
		return st_unmap(sim, w->ioas, op->iova, op->len, NULL);
	case W_UNMAP_ALL:
		return st_unmap(sim, w->ioas, 0, U64MAX, NULL);
	case W_MOCK: {
		struct ifd_test_cmd c = { .op = IFD_TEST_OP_MOCK_DOMAIN, .id = w->ioas };

		ret = tcmd(sim, &c);
		if (!ret)
			stdevs[(*nst)++] = c.mock_domain.out_stdev_id;
		return ret;
	}
	case W_MOCK_DESTROY:
		ret = destroy(sim, stdevs[--(*nst)]);
		return ret;
	case W_HUGE: {
		struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
					  .op = IOMMU_OPTION_OP_SET, .object_id = w->ioas,
					  .val64 = rnd() % 2 };

		return io(sim, IOMMU_OPTION, &o);
	}
	case W_ALLOW: {
		struct iommu_iova_range r = { APERTURE_START, 0x3fffffff };
		struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .ioas_id = w->ioas,
						    .num_iovas = rnd() % 2,
						    .allowed_iovas = (uintptr_t)&r };

		return io(sim, IOMMU_IOAS_ALLOW_IOVAS, &a);
	}
	case W_MEM: {
		uint64_t va;

		ret = sim_mem_alloc(sim, (1 + rnd() % 4) * PAGE, &va);
		if (!ret)
			ret = sim_mem_free(sim, va);
		return ret;
	}
	default: {	/* W_SCRATCH: an IOAS with an area, destroyed whole */
		uint32_t s = st_ioas(sim);

		if (!s)
			return -1;
		st_map(sim, s, RW, (uintptr_t)buf, 2 * PAGE, &iova);
		return destroy(sim, s);
	}
	}
}

/* An operation for the model: maps inside the mock aperture, unmaps of
 * whole areas (never a partial failure), a copy of one area. */
static void pick_op(const struct model *m, struct wop *op, unsigned int nst)
{
	uint64_t r = rnd() % 100;

	memset(op, 0, sizeof(*op));
	if (m->n >= MAX_AREAS)
		r = 40 + r % 20;	/* an unmap */
	if (r < 20) {
		op->kind = W_MAP_FIXED;
		op->len = (1 + rnd() % 4) * PAGE;
		op->iova = APERTURE_START + (rnd() % 256) * 4 * PAGE;
	} else if (r < 32) {
		op->kind = W_MAP_AUTO;
		op->len = (1 + rnd() % 4) * PAGE;
	} else if (r < 40 && m->n) {
		const struct area *a = &m->a[rnd() % m->n];

		op->kind = W_COPY;
		op->iova = a->iova;
		op->len = a->last - a->iova + 1;
	} else if (r < 58 && m->n) {
		uint32_t i = (uint32_t)(rnd() % m->n), j = i + (uint32_t)(rnd() % 3);

		if (j >= m->n)
			j = m->n - 1;
		op->kind = W_UNMAP;
		op->iova = m->a[i].iova;
		op->len = m->a[j].last - m->a[i].iova + 1;
	} else if (r < 61) {
		op->kind = W_UNMAP_ALL;
	} else if (r < 68) {
		op->kind = nst < 2 ? W_MOCK : W_MOCK_DESTROY;
	} else if (r < 74 && nst) {
		op->kind = W_MOCK_DESTROY;
	} else if (r < 80) {
		op->kind = W_HUGE;
	} else if (r < 86) {
		op->kind = W_ALLOW;
	} else if (r < 93) {
		op->kind = W_MEM;
	} else {
		op->kind = W_SCRATCH;
	}
}

static void worker(const char *path, int idx, uint32_t shared_ioas)
{
	struct wslot *w = &slots[idx];
	uint32_t stdevs[4];
	unsigned int nst = 0;
	struct sim *sim;
	int err;

	rng_state = ((uint64_t)getpid() << 20) ^ now_ms() ^ 0x9e3779b97f4a7c15ull;
	sim = st_open_path(path, w->private_ctx ? IFD_OPEN_SIM_PRIVATE : 0, &err);
	if (!sim)
		st_child_exit(idx, 0);
	if (w->private_ctx) {
		/* a context of its own: the IOAS is new, and nothing is in flight */
		w->ioas = st_ioas(sim);
		if (!w->ioas)
			st_child_exit(idx, 0);
	} else {
		w->ioas = shared_ioas;
	}
	if (read_areas(sim, w->ioas, &w->model[w->cur]))
		st_child_exit(idx, 0);
	for (;;) {
		struct wop op;
		int next = 1 - w->cur, ret;

		pick_op(&w->model[w->cur], &op, nst);
		w->op = op;
		BARRIER();
		w->pending = 1;
		BARRIER();
		ret = do_op(sim, w, &op, stdevs, &nst);
		w->ops++;
		w->ok += ret == 0;
		if (read_areas(sim, w->ioas, &w->model[next]))
			st_child_exit(idx, 0);
		BARRIER();
		w->cur = next;
		BARRIER();
		w->pending = 0;
	}
}

/* ---- the checks ------------------------------------------------------------------------------- */

static bool contains(const struct model *big, const struct area *a)
{
	for (uint32_t i = 0; i < big->n; i++)
		if (big->a[i].iova == a->iova && big->a[i].last == a->last)
			return true;
	return false;
}

static bool same(const struct model *x, const struct model *y)
{
	if (x->n != y->n)
		return false;
	for (uint32_t i = 0; i < x->n; i++)
		if (x->a[i].iova != y->a[i].iova || x->a[i].last != y->a[i].last)
			return false;
	return true;
}

/* Is 'now' what the worker's log allows: the model, or the model with the
 * operation in flight done? */
static bool allowed(const struct wslot *w, const struct model *now)
{
	const struct model *m = &w->model[w->cur];
	const struct wop *op = &w->op;
	uint32_t kept = 0, extra = 0;
	struct area x = { 0, 0 };

	if (same(now, m))
		return true;
	if (!w->pending)
		return false;
	switch (op->kind) {
	case W_MAP_FIXED:
	case W_MAP_AUTO:
	case W_COPY:
		/* everything there stays, one new area of the length */
		for (uint32_t i = 0; i < m->n; i++)
			if (!contains(now, &m->a[i]))
				return false;
		for (uint32_t i = 0; i < now->n; i++)
			if (!contains(m, &now->a[i])) {
				x = now->a[i];
				extra++;
			}
		if (extra != 1 || x.last - x.iova + 1 != op->len)
			return false;
		return op->kind != W_MAP_FIXED || x.iova == op->iova;
	case W_UNMAP:
		for (uint32_t i = 0; i < m->n; i++) {
			bool inside = m->a[i].iova >= op->iova &&
				      m->a[i].last <= op->iova + op->len - 1;

			if (inside == contains(now, &m->a[i]))
				return false;
			kept += !inside;
		}
		return kept == now->n;
	case W_UNMAP_ALL:
		return now->n == 0;
	default:
		return false;
	}
}

/* Contexts a process 'pid' owns. */
static unsigned int contexts_of(struct sim *sim, pid_t pid)
{
	unsigned int n = 0;
	uint64_t off;

	if (sim_lock(sim, NULL, 0))
		return 1000;
	off = itree_first(sim, sim_hdr(sim)->ctx_root, SIM_TAG_CTX);
	for (int i = 0; off && i < 1000; i++) {
		const struct sim_ctx *c = sim_rec(sim, off, SIM_TAG_CTX);

		n += (c->flags & SIM_CTX_PRIVATE) && c->owner_pid == pid;
		off = itree_next(sim, off, SIM_TAG_CTX);
	}
	sim_unlock(sim);
	return n;
}

/* The worker holding the lock with its journal open, caught within a few
 * milliseconds, or -1. */
static int writer_in_journal(struct sim *drv)
{
	const struct sim_hdr *h = drv->hdr_map;
	uint64_t give_up = now_ms() + 20;

	while (now_ms() < give_up) {
		uint64_t seq = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE);
		uint32_t word = __atomic_load_n((const uint32_t *)(const void *)h->lock,
						__ATOMIC_RELAXED);
		pid_t tid = (pid_t)(word & 0x3fffffffu);

		if (!(seq & 1) || !tid)
			continue;
		for (int i = 0; i < NR_WORKERS; i++)
			if (slots[i].pid == tid)
				return i;
	}
	return -1;
}

struct tally {
	unsigned int kills, in_flight, bad_check, bad_areas, bad_ctx;
};

/* After a kill: the state opens, checks clean, holds what the log says. */
static void check_dead(struct sim *drv, const char *path, int idx, struct tally *t)
{
	struct wslot *w = &slots[idx];
	char report[4096];
	struct model now = { 0 };	/* all of it goes to the log, which the worker fills */
	struct sim *fresh_handle;
	int err;

	fresh_handle = st_open_path(path, 0, &err);
	if (!fresh_handle) {
		fprintf(stderr, "the state does not open after a kill: %d %s\n", err, st_detail);
		t->bad_check++;
		return;
	}
	if (sim_check(fresh_handle, report, sizeof(report))) {
		fprintf(stderr, "check after killing worker %d (op %d in flight: %d):\n%s", idx,
			w->op.kind, w->pending, report);
		t->bad_check++;
	}
	sim_close(fresh_handle);
	if (w->private_ctx) {
		struct ifd_sim_info info;

		/* any entry closes the contexts of the dead */
		sim_info(drv, &info);
		if (contexts_of(drv, w->pid)) {
			fprintf(stderr, "the private context of dead worker %d is still open\n", idx);
			t->bad_ctx++;
		}
		return;
	}
	if (read_areas(drv, w->ioas, &now) || !allowed(w, &now)) {
		fprintf(stderr, "worker %d (IOAS %u) killed with op %d in flight (%d): %u areas, "
			"its log says %u\n", idx, w->ioas, w->op.kind, w->pending, now.n,
			w->model[w->cur].n);
		t->bad_areas++;
	}
	/* what the next worker of the slot starts from, should it die first thing */
	w->model[w->cur] = now;
	w->pending = 0;
}

static void start(const char *path, int idx, uint32_t shared_ioas)
{
	struct wslot *w = &slots[idx];
	pid_t pid;

	w->pending = 0;
	w->pid = 0;
	/* known before the worker runs: it may die first thing */
	w->ioas = shared_ioas;
	pid = st_fork(idx);
	if (pid == 0)
		worker(path, idx, shared_ioas);
	w->pid = pid;
}

static void test_kill_storm(void)
{
	char path[PATH_MAX];
	struct sim *drv = st_open_new("default", 0, path, sizeof(path));
	const char *env = getenv("SIM_STORM_SECONDS"), *vg = getenv("TS_VALGRIND");
	bool slow = vg && !strcmp(vg, "1");
	uint64_t seconds = env ? strtoull(env, NULL, 0) : slow ? 15 : 25, end, hard_end, target;
	uint64_t ops = 0, ok = 0;
	struct ifd_sim_stats before, after;
	uint32_t shared_ioas[NR_WORKERS];
	struct tally t = { 0 };

	CHECK(drv != NULL);
	if (!drv)
		return;
	rng_state = now_ms() | 1;
	for (int i = 0; i < NR_WORKERS; i++) {
		slots[i].private_ctx = i % 2;
		shared_ioas[i] = slots[i].private_ctx ? 0 : st_ioas(drv);
		start(path, i, shared_ioas[i]);
	}
#ifdef __SANITIZE_ADDRESS__
	slow = true;	/* every fork copies the sanitizer's shadow maps */
#endif
	CHECK_EQ(sim_stats(drv, &before), 0);
	/* The storm lasts 'seconds', and longer (up to three times) until it has
	 * killed enough: on a loaded machine the workers start slowly, and a
	 * short storm proves little. */
	target = (slow ? 2 : 10) * seconds;
	end = now_ms() + seconds * 1000;
	hard_end = now_ms() + seconds * 3000;
	while (now_ms() < end || (t.kills < target && now_ms() < hard_end)) {
		int idx = (int)(rnd() % NR_WORKERS);
		struct wslot *w = &slots[idx];
		int status;

		nanosleep(&(struct timespec){ .tv_nsec = (long)(2 + rnd() % 30) * 1000000 }, NULL);
		/* Every other kill waits for a writer inside an operation's journal
		 * (the sequence count is odd) and kills the lock's holder there. */
		if (t.kills % 2) {
			int h = writer_in_journal(drv);

			if (h >= 0)
				idx = h;
			w = &slots[idx];
		}
		if (!w->pid)
			continue;
		kill(w->pid, SIGKILL);
		if (waitpid(w->pid, &status, 0) != w->pid || !WIFSIGNALED(status) ||
		    st_results[idx] == 2) {
			fprintf(stderr, "worker %d ended by itself (it failed)\n", idx);
			t.bad_check++;
		}
		t.kills++;
		t.in_flight += w->pending;
		ops += w->ops;
		ok += w->ok;
		w->ops = w->ok = 0;
		check_dead(drv, path, idx, &t);
		start(path, idx, shared_ioas[idx]);
	}
	for (int i = 0; i < NR_WORKERS; i++) {
		kill(slots[i].pid, SIGKILL);
		waitpid(slots[i].pid, NULL, 0);
		ops += slots[i].ops;
		ok += slots[i].ok;
		check_dead(drv, path, i, &t);
	}
	CHECK_EQ(sim_stats(drv, &after), 0);
	CHECK_EQ(st_check(drv), 0);
	printf("     %u kills (%u in an operation), %llu operations (%llu succeeded), %llu roll-backs\n",
	       t.kills, t.in_flight, (unsigned long long)ops, (unsigned long long)ok,
	       (unsigned long long)(after.recoveries - before.recoveries));
	CHECK_EQ(t.bad_check, 0);
	CHECK_EQ(t.bad_areas, 0);
	CHECK_EQ(t.bad_ctx, 0);
	CHECK(t.kills >= target);
	/* a good share of the kills must land inside an operation's journal */
	CHECK(after.recoveries - before.recoveries >= t.kills / 10);
	sim_close(drv);
}

int main(void)
{
	(void)st_path;
	st_setup_dir();
	slots = mmap(NULL, sizeof(*slots) * NR_WORKERS, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED || buf == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memset(slots, 0, sizeof(*slots) * NR_WORKERS);
	memset(buf, 0x5a, BUF_LEN);
	UNIT_RUN(test_kill_storm);
	st_cleanup();
	return unit_finish();
}
