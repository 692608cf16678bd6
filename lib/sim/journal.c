// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The undo journal (its bytes in the file: layout.h).
 *
 * Writing.  The first write of an operation makes the sequence count odd,
 * saves the header's journaled part into the header's journal room and sets
 * 'active'.  Before an existing record is first changed, its bytes go into
 * the journal extents as one entry, counted (jctl.nr) only once complete;
 * records the operation made itself are never saved (they lie past the bump
 * pointer a roll-back restores, or came off a free list, which saved them).
 * Compiler barriers keep that order in the code the compiler emits, and a
 * process's own stores reach the shared pages in program order as far as
 * the next locker can tell (it syncs with the dead one through the kernel's
 * robust futex handling): a process killed at any instruction leaves a
 * journal whose counted entries hold the bytes as they were.
 *
 * Commit.  Clear 'active', make the sequence count even.  Errors commit like
 * successes: a failed ioctl keeps what the kernel would keep.  Only an
 * operation that could not journal is rolled back (and fails).
 *
 * Roll-back (whoever takes the lock and finds 'active' set).  Every counted
 * entry goes back, newest first, then the header; the journal is marked
 * UNDONE; the extents carved during the operation (past the restored bump)
 * are cut from the chain; the journal is cleared.  Each step can itself be
 * interrupted and run again.
 *
 * A process-local hash set of record offsets ('jset') keeps the saving to
 * once per record per operation; the common small operation makes no system
 * call here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define BARRIER()	__atomic_signal_fence(__ATOMIC_SEQ_CST)

#define JEXT_MIN	(16ull << 10)	/* the first extent, and the least one carved */
#define JEXT_MAX	(64ull << 20)	/* extents double up to this */
#define JOURNAL_KEEP	(1ull << 20)	/* past this, extents at the arena's end go back */
#define JOURNAL_HDR_LEN	(SIM_HDR_JOURNALED_END - SIM_HDR_JOURNALED_START)

static struct sim_jctl *jctl_of(uint8_t *base)
{
	return &((struct sim_hdr *)(void *)base)->journal.j;
}

static uint64_t entry_size(uint32_t len)
{
	return sizeof(struct sim_jent) + (((uint64_t)len + 7) & ~7ull);
}

/* The journal extent at 'off' of an image of 'size' bytes whose carved part
 * ends at 'bump', or NULL if there is none. */
static struct sim_jext *jext_in(uint8_t *base, uint64_t size, uint64_t bump, uint64_t off)
{
	struct sim_jext *x;

	if (bump > size || off < SIM_HDR_SIZE || off % SIM_REC_ALIGN || off > bump ||
	    bump - off < sizeof(*x))
		return NULL;
	x = (struct sim_jext *)(void *)(base + off);
	if (x->magic != SIM_JEXT_MAGIC || x->size < sizeof(*x) + sizeof(struct sim_jent) ||
	    x->size > bump - off || x->size % SIM_REC_ALIGN)
		return NULL;
	return x;
}

/* ---- the set of records not to save again ------------------------------------------------ */

static size_t jset_slot(const struct sim_jset *s, uint64_t key)
{
	return (size_t)(((key >> 5) * 0x9e3779b97f4a7c15ull) >> 20) & (s->cap - 1);
}

static int jset_grow(struct sim_jset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	uint64_t *keys = malloc(cap * sizeof(*keys));
	uint32_t *stamps = calloc(cap, sizeof(*stamps));
	struct sim_jset n = { .keys = keys, .stamps = stamps, .cap = cap, .stamp = s->stamp };

	if (!keys || !stamps) {
		free(keys);
		free(stamps);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->cap; i++) {
		size_t j;

		if (s->stamps[i] != s->stamp)
			continue;
		for (j = jset_slot(&n, s->keys[i]); n.stamps[j] == n.stamp; j = (j + 1) & (cap - 1))
			;
		n.keys[j] = s->keys[i];
		n.stamps[j] = n.stamp;
		n.n++;
	}
	free(s->keys);
	free(s->stamps);
	*s = n;
	return 0;
}

/* 1: added, 0: there already, -ENOMEM. */
static int jset_add(struct sim_jset *s, uint64_t key)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap && jset_grow(s))
		return -ENOMEM;
	for (i = jset_slot(s, key); s->stamps[i] == s->stamp; i = (i + 1) & (s->cap - 1))
		if (s->keys[i] == key)
			return 0;
	s->keys[i] = key;
	s->stamps[i] = s->stamp;
	s->n++;
	return 1;
}

/* A new operation: every slot stamped otherwise is empty. */
static void jset_next_op(struct sim_jset *s)
{
	if (++s->stamp == 0) {
		if (s->stamps)
			memset(s->stamps, 0, s->cap * sizeof(*s->stamps));
		s->stamp = 1;
	}
	s->n = 0;
}

void sim_journal_free(struct sim *sim)
{
	free(sim->jset.keys);
	free(sim->jset.stamps);
	memset(&sim->jset, 0, sizeof(sim->jset));
}

/* ---- writing -------------------------------------------------------------------------------- */

void sim_journal_begin(struct sim *sim)
{
	struct sim_hdr *h = sim_hdr(sim);
	struct sim_jctl *j = &h->journal.j;

	if (sim->journal_off || j->active)
		return;
	/* Readers see an odd count from before the first byte changes. */
	__atomic_store_n(&h->seq, h->seq | 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(j->hdr_save, (uint8_t *)h + SIM_HDR_JOURNALED_START, JOURNAL_HDR_LEN);
	j->op++;
	j->nr = 0;
	j->cur = j->first;
	j->pos = sizeof(struct sim_jext);
	jset_next_op(&sim->jset);
	BARRIER();
	j->active = SIM_JOURNAL_ACTIVE;
	BARRIER();
	sim_crash_point(sim);		/* begun, nothing changed yet */
}

static int journal_fail(struct sim *sim, int err)
{
	if (!sim->journal_failed) {
		/* A detail from a failed growth names the cause: keep it. */
		if (err == -ENOMEM && !sim->corrupt && sim->detail && sim->dlen &&
		    !sim->detail[0])
			sim_set_detail(sim->detail, sim->dlen, "no memory to journal the operation");
		sim->journal_failed = true;
		sim->journal_err = err;
	}
	/* Stops every loop of the operation; it is rolled back at its end. */
	sim->corrupt = true;
	return err;
}

/* A new extent at the end of the chain, which ends in the link at file
 * offset 'link' (an offset: growing the file may map it anew). */
static uint64_t jext_add(struct sim *sim, uint64_t link, uint64_t need)
{
	struct sim_jctl *j = &sim_hdr(sim)->journal.j;
	uint64_t size = SIM_MIN(SIM_MAX(JEXT_MIN, j->ext_bytes), JEXT_MAX), off;
	struct sim_jext *x;

	size = SIM_MAX(size, need + sizeof(*x));
	size = (size + SIM_REC_ALIGN - 1) & ~(uint64_t)(SIM_REC_ALIGN - 1);
	/* Carved like sim memory: a roll-back of this operation takes it back
	 * with the bump pointer, and the chain is cut there. */
	off = sim_extent_carve(sim, size, SIM_REC_ALIGN);
	if (!off)
		return 0;
	x = (struct sim_jext *)(void *)(sim->base + off);
	memset(x, 0, sizeof(*x));
	x->magic = SIM_JEXT_MAGIC;
	x->size = size;
	BARRIER();
	sim_crash_point(sim);		/* carved, not linked */
	*(uint64_t *)(void *)(sim->base + link) = off;
	j = &sim_hdr(sim)->journal.j;
	j->nr_ext++;
	j->ext_bytes += size;
	BARRIER();
	sim_crash_point(sim);		/* linked */
	return off;
}

static int jput(struct sim *sim, uint64_t off, uint32_t len)
{
	struct sim_hdr *h = sim_hdr(sim);
	struct sim_jctl *j = &h->journal.j;
	uint64_t need = entry_size(len);
	struct sim_jext *x = NULL;
	struct sim_jent *e;

	if (j->cur) {
		x = jext_in(sim->base, sim->mapped, h->bump, j->cur);
		if (!x)
			return sim_corrupt(sim, "the journal extent 0x%llx is not one",
					   (unsigned long long)j->cur);
	}
	for (unsigned int hops = 0; !x || j->pos > x->size || x->size - j->pos < need; hops++) {
		uint64_t next, link;

		if (hops > 64)
			return sim_corrupt(sim, "the journal's chain of extents loops");
		if (x && j->pos <= x->size && x->size - j->pos >= sizeof(*e)) {
			/* the rest of this extent is unused */
			e = (struct sim_jent *)(void *)(sim->base + j->cur + j->pos);
			e->off = 0;
			e->len = 0;
			e->op = j->op;
			BARRIER();
		}
		next = x ? x->next : j->first;
		if (!next) {
			link = x ? j->cur + offsetof(struct sim_jext, next)
				 : (uint64_t)((uint8_t *)&j->first - sim->base);
			next = jext_add(sim, link, need);
			if (!next)
				return -ENOMEM;
			h = sim_hdr(sim);
			j = &h->journal.j;
		}
		x = jext_in(sim->base, sim->mapped, h->bump, next);
		if (!x)
			return sim_corrupt(sim, "the journal extent 0x%llx is not one",
					   (unsigned long long)next);
		j->cur = next;
		j->pos = sizeof(struct sim_jext);
	}
	e = (struct sim_jent *)(void *)(sim->base + j->cur + j->pos);
	e->off = off;
	e->len = len;
	e->op = j->op;
	memcpy(e + 1, sim->base + off, len);
	sim_crash_point(sim);		/* written, not counted */
	BARRIER();
	j->pos += need;
	j->nr++;
	BARRIER();
	sim_crash_point(sim);		/* counted, the record not changed yet */
	return 0;
}

int sim_journal_save(struct sim *sim, uint64_t off, uint32_t len)
{
	int ret;

	if (sim->journal_off)
		return 0;
	sim_journal_begin(sim);
	if (sim->journal_failed)
		return sim->journal_err;
	ret = jset_add(&sim->jset, off);
	if (ret > 0) {
		sim_crash_point(sim);	/* nothing of this record saved yet */
		ret = jput(sim, off, len);
	}
	if (ret < 0)
		return journal_fail(sim, ret == -EUCLEAN ? -EUCLEAN : ret);
	return 0;
}

void sim_journal_fresh(struct sim *sim, uint64_t off, uint64_t len)
{
	(void)len;
	if (sim->journal_off || sim->journal_failed)
		return;
	sim_journal_begin(sim);
	if (jset_add(&sim->jset, off) < 0)
		journal_fail(sim, -ENOMEM);
}

/* ---- rolling back ------------------------------------------------------------------------------ */

/* The journal's extents in an image, in chain order; NULL-free on success. */
struct jexts {
	uint64_t *off, *end;
	size_t n;
};

static int collect_extents(uint8_t *base, uint64_t size, struct jexts *v)
{
	struct sim_hdr *h = (struct sim_hdr *)(void *)base;
	uint64_t off = h->journal.j.first;
	size_t cap = 0;

	memset(v, 0, sizeof(*v));
	while (off) {
		struct sim_jext *x = jext_in(base, size, h->bump, off);

		if (!x || v->n > size / sizeof(*x))
			return -EUCLEAN;
		if (v->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			uint64_t *no = realloc(v->off, ncap * sizeof(*no));

			if (!no)
				return -ENOMEM;
			v->off = no;
			no = realloc(v->end, ncap * sizeof(*no));
			if (!no)
				return -ENOMEM;
			v->end = no;
			cap = ncap;
		}
		v->off[v->n] = off;
		v->end[v->n++] = off + x->size;
		off = x->next;
	}
	return 0;
}

static void free_extents(struct jexts *v)
{
	free(v->off);
	free(v->end);
}

static bool overlaps_extent(const struct jexts *v, uint64_t off, uint64_t end)
{
	for (size_t i = 0; i < v->n; i++)
		if (off < v->end[i] && v->off[i] < end)
			return true;
	return false;
}

/*
 * The counted entries of the operation in an image of 'size' bytes (the
 * mapping, or a copy of the file): their offsets in *at, in order.  Every
 * entry is checked against the file before anything is put back.
 */
static int collect_entries(uint8_t *base, uint64_t size, const struct jexts *xv, uint64_t **at,
			   char *why, size_t wlen)
{
	struct sim_hdr *h = (struct sim_hdr *)(void *)base;
	struct sim_jctl *j = &h->journal.j;
	uint64_t nr = j->nr, pos = sizeof(struct sim_jext), *v;
	size_t xi = 0;

	*at = NULL;
	if (nr > size / sizeof(struct sim_jent)) {
		sim_set_detail(why, wlen, "the journal counts %llu entries", (unsigned long long)nr);
		return -EUCLEAN;
	}
	v = malloc((nr + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint64_t i = 0; i < nr;) {
		struct sim_jent *e;
		uint64_t xoff, xsize;

		if (xi >= xv->n) {
			sim_set_detail(why, wlen, "the journal ends after %llu of its %llu entries",
				       (unsigned long long)i, (unsigned long long)nr);
			free(v);
			return -EUCLEAN;
		}
		xoff = xv->off[xi];
		xsize = xv->end[xi] - xoff;
		e = (struct sim_jent *)(void *)(base + xoff + pos);
		if (pos > xsize || xsize - pos < sizeof(*e) || !e->len || e->op != j->op ||
		    entry_size(e->len) > xsize - pos) {
			xi++;
			pos = sizeof(struct sim_jext);
			continue;
		}
		if (e->off < SIM_HDR_SIZE || e->off > size || size - e->off < e->len ||
		    overlaps_extent(xv, e->off, e->off + e->len)) {
			sim_set_detail(why, wlen, "journal entry %llu would write %u bytes at 0x%llx",
				       (unsigned long long)i, e->len, (unsigned long long)e->off);
			free(v);
			return -EUCLEAN;
		}
		v[i++] = xoff + pos;
		pos += entry_size(e->len);
	}
	*at = v;
	return 0;
}

/* Put the operation's saved bytes back into an image; 'sim' (the live
 * mapping's handle, or NULL for a copy) gets its crash points. */
static int journal_undo(struct sim *sim, uint8_t *base, uint64_t size, char *why, size_t wlen)
{
	struct sim_jctl *j = jctl_of(base);
	struct jexts xv;
	uint64_t *at = NULL;
	int ret;

	ret = collect_extents(base, size, &xv);
	if (ret == -EUCLEAN)
		sim_set_detail(why, wlen, "the journal's chain of extents is broken");
	if (!ret)
		ret = collect_entries(base, size, &xv, &at, why, wlen);
	if (!ret) {
		for (uint64_t i = j->nr; i-- > 0;) {
			struct sim_jent *e = (struct sim_jent *)(void *)(base + at[i]);

			memcpy(base + e->off, e + 1, e->len);
			if (sim)
				sim_crash_point(sim);
		}
		memcpy(base + SIM_HDR_JOURNALED_START, j->hdr_save, JOURNAL_HDR_LEN);
	}
	free(at);
	free_extents(&xv);
	return ret;
}

/* After a roll-back (or a death while trimming): drop from the chain what
 * lies past the bump pointer, count the rest, empty the journal. */
static void journal_settle(struct sim *sim)
{
	struct sim_hdr *h = sim_hdr(sim);
	struct sim_jctl *j = &h->journal.j;
	uint64_t *link = &j->first, n = 0, bytes = 0;

	while (*link) {
		struct sim_jext *x = jext_in(sim->base, sim->mapped, h->bump, *link);

		if (!x || n > sim->mapped / sizeof(*x)) {
			*link = 0;
			break;
		}
		n++;
		bytes += x->size;
		link = &x->next;
	}
	j->nr_ext = n;
	j->ext_bytes = bytes;
	j->nr = 0;
	j->cur = j->first;
	j->pos = sizeof(struct sim_jext);
}

static void journal_trim(struct sim *sim);

static void seq_even(struct sim_hdr *h)
{
	uint64_t s = h->seq;

	if (s & 1)
		__atomic_store_n(&h->seq, s + 1, __ATOMIC_RELEASE);
}

int sim_journal_recover(struct sim *sim, bool owner_died)
{
	struct sim_hdr *h = sim_hdr(sim);
	struct sim_jctl *j = &h->journal.j;
	char why[160] = "";
	bool undone = false;
	int ret;

	if (!owner_died && !j->active)
		return 0;
	if (j->active != 0 && j->active != SIM_JOURNAL_ACTIVE && j->active != SIM_JOURNAL_UNDONE)
		return sim_corrupt(sim, "the journal's state word is 0x%x", j->active);
	if (j->active == SIM_JOURNAL_ACTIVE) {
		ret = journal_undo(sim, sim->base, sim->mapped, why, sizeof(why));
		if (ret == -ENOMEM)
			return sim_fail(sim, ENOMEM, "no memory to roll back an interrupted operation");
		if (ret)
			return sim_corrupt(sim, "an interrupted operation cannot be rolled back: %s",
					   why);
		BARRIER();
		j->active = SIM_JOURNAL_UNDONE;
		BARRIER();
		sim_crash_point(sim);
	}
	undone = j->active == SIM_JOURNAL_UNDONE;
	journal_settle(sim);
	if (undone)
		j->recoveries++;
	BARRIER();
	j->active = 0;
	BARRIER();
	seq_even(h);
	/* a death between a commit and its trimming: trim now, before anything
	 * is carved after the extents */
	journal_trim(sim);
	return 0;
}

/* Give back journal extents at the end of the arena once the journal has
 * grown past JOURNAL_KEEP (an operation over a million records leaves tens
 * of megabytes of it).  Committed and locked: no journal runs; a death
 * between the two steps leaves an extent past the bump, which the next
 * locker's journal_settle() drops. */
static void journal_trim(struct sim *sim)
{
	struct sim_hdr *h = sim_hdr(sim);
	struct sim_jctl *j = &h->journal.j;

	while (j->ext_bytes > JOURNAL_KEEP && j->nr_ext > 1) {
		uint64_t *link = &j->first;
		struct sim_jext *x = NULL;

		for (uint64_t n = 0; *link && n < j->nr_ext; n++) {
			struct sim_jext *y = jext_in(sim->base, sim->mapped, h->bump, *link);

			if (!y)
				return;
			if (!y->next)
				break;
			x = y;
			link = &y->next;
		}
		x = jext_in(sim->base, sim->mapped, h->bump, *link);
		if (!x || *link + x->size != h->bump || *link == j->first)
			return;
		__atomic_store_n(&h->seq, h->seq | 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		h->bump = *link;
		BARRIER();
		sim_crash_point(sim);	/* past the bump, still chained */
		j->nr_ext--;
		j->ext_bytes -= x->size;
		*link = 0;
		seq_even(h);
		sim_crash_point(sim);
	}
}

void sim_journal_end(struct sim *sim)
{
	struct sim_hdr *h = sim_hdr(sim);
	struct sim_jctl *j = &h->journal.j;
	char why[160] = "";

	if (sim->journal_off)
		return;
	if ((sim->dirty || j->active) && !sim->journal_failed)
		sim_hdrw(sim)->generation++;
	if (!j->active) {
		sim_verify_end(sim);
		return;
	}
	if (sim->journal_failed) {
		/* Could not journal everything: none of it stays. */
		if (journal_undo(sim, sim->base, sim->mapped, why, sizeof(why)) == 0) {
			BARRIER();
			j->active = SIM_JOURNAL_UNDONE;
			BARRIER();
			journal_settle(sim);
			BARRIER();
			j->active = 0;
			BARRIER();
			seq_even(h);
		}
		/* else it stays active: the next locker tries again */
		sim_verify_cancel(sim);
		return;
	}
	sim_verify_end(sim);
	BARRIER();
	j->active = 0;
	BARRIER();
	sim_crash_point(sim);		/* committed, still locked */
	__atomic_store_n(&h->seq, h->seq + 1, __ATOMIC_RELEASE);
	journal_trim(sim);
}

int sim_journal_extents(struct sim *sim, void (*fn)(void *arg, uint64_t off, uint64_t size),
			void *arg)
{
	struct jexts v;
	int ret = collect_extents(sim->base, sim->mapped, &v);

	if (!ret)
		for (size_t i = 0; i < v.n; i++)
			fn(arg, v.off[i], v.end[i] - v.off[i]);
	free_extents(&v);
	return ret;
}

/* ---- $IFD_SIM_JOURNAL_VERIFY: proof that the journal covers every write ----------------------- */

/*
 * With IFD_SIM_JOURNAL_VERIFY=1 in the environment every operation copies the
 * file at the lock, and at its commit (1) every byte that changed must lie in
 * a record it journaled, in the header's journaled part, in the journal's own
 * bytes, past the bump pointer of the start (what the operation carved), or
 * in a range it declared of no account (reused sim-memory bytes); (2) the
 * roll-back, run on a copy of the file, must give back the file of the start
 * byte for byte, but for those.  A failure is a bug in the simulator: it is
 * printed and the process aborts, so that no test can miss it.  A debugging
 * aid for the test suite, off by default.
 *
 * The copy costs the size of the arena per operation: past VERIFY_FULL of
 * arena, one operation in (arena / VERIFY_FULL + 1) is checked, so that the
 * tests that grow a state to tens of megabytes finish.
 */
#define VERIFY_FULL	(256ull << 10)

struct span {
	uint64_t start, end;
};

struct sim_verify {
	bool armed;			/* a snapshot of this lock is there */
	uint64_t ops;			/* operations seen, for the sampling of big states */
	uint8_t *snap, *scratch;
	uint64_t len;			/* bytes of the snapshot */
	uint64_t cap_snap, cap_scratch;
	struct span *dontcare;
	size_t nr_dontcare, cap_dontcare;
};

void sim_verify_setup(struct sim *sim)
{
	const char *v = getenv("IFD_SIM_JOURNAL_VERIFY");

	if (v && v[0] && strcmp(v, "0"))
		sim->verify = calloc(1, sizeof(*sim->verify));
}

void sim_verify_free(struct sim *sim)
{
	if (!sim->verify)
		return;
	free(sim->verify->snap);
	free(sim->verify->scratch);
	free(sim->verify->dontcare);
	free(sim->verify);
	sim->verify = NULL;
}

static void verify_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* A buffer of at least 'len' bytes, kept between operations. */
static uint8_t *room(uint8_t **p, uint64_t *cap, uint64_t len)
{
	if (len > *cap) {
		uint64_t ncap = SIM_MAX(len, *cap * 2);

		free(*p);
		*p = malloc(ncap);
		*cap = *p ? ncap : 0;
		if (!*p)
			verify_die("no memory for %llu bytes", (unsigned long long)ncap);
	}
	return *p;
}
static void verify_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "libiommufd: IFD_SIM_JOURNAL_VERIFY: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void sim_verify_begin(struct sim *sim)
{
	struct sim_verify *v = sim->verify;
	uint64_t len;

	if (!v)
		return;
	/* check_sizes() passed: the bump is inside the mapping */
	len = sim_hdr(sim)->bump;
	if (len > VERIFY_FULL && v->ops++ % (len / VERIFY_FULL + 1))
		return;
	room(&v->snap, &v->cap_snap, len);
	v->len = len;
	memcpy(v->snap, sim->base, v->len);
	v->nr_dontcare = 0;
	/* A state broken already (tests flip its bits) proves nothing either. */
	{
		struct jexts xv;

		v->armed = collect_extents(v->snap, v->len, &xv) == 0;
		free_extents(&xv);
	}
}

void sim_verify_cancel(struct sim *sim)
{
	if (sim->verify)
		sim->verify->armed = false;
}

void sim_verify_fresh(struct sim *sim, uint64_t off, uint64_t len)
{
	struct sim_verify *v = sim->verify;

	if (!v || !v->armed)
		return;
	if (v->nr_dontcare == v->cap_dontcare) {
		size_t cap = v->cap_dontcare ? v->cap_dontcare * 2 : 16;
		struct span *p = realloc(v->dontcare, cap * sizeof(*p));

		if (!p)
			verify_die("out of memory");
		v->dontcare = p;
		v->cap_dontcare = cap;
	}
	v->dontcare[v->nr_dontcare++] = (struct span){ off, off + len };
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorted, merged spans; is 'off' inside one? */
static bool in_spans(const struct span *s, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].end <= off)
			lo = mid + 1;
		else if (s[mid].start > off)
			hi = mid;
		else
			return true;
	}
	return false;
}

static void spans_add(struct span **v, size_t *n, size_t *cap, uint64_t start, uint64_t end)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct span *p = realloc(*v, ncap * sizeof(*p));

		if (!p)
			verify_die("out of memory");
		*v = p;
		*cap = ncap;
	}
	(*v)[(*n)++] = (struct span){ start, end };
}

/* Where in the state 'off' is, for the report. */
static void describe(struct sim *sim, uint64_t off, char *buf, size_t len)
{
	const struct sim_hdr *h = (const struct sim_hdr *)(const void *)sim->verify->snap;
	uint64_t pos = SIM_HDR_SIZE;

	if (off < SIM_HDR_SIZE) {
		snprintf(buf, len, "header byte %llu", (unsigned long long)off);
		return;
	}
	while (pos < h->bump && pos < sim->verify->len) {
		const struct sim_rec *r = (const void *)(sim->verify->snap + pos);
		uint64_t size = sim_class_size(r->tag == SIM_TAG_FREE ? r->cls : sim_tag_class(r->tag));
		const struct sim_jext *x = (const void *)r;

		if (x->magic == SIM_JEXT_MAGIC && x->size && x->size % SIM_REC_ALIGN == 0) {
			if (off < pos + x->size) {
				snprintf(buf, len, "byte %llu of the journal extent at 0x%llx",
					 (unsigned long long)(off - pos), (unsigned long long)pos);
				return;
			}
			pos += x->size;
			continue;
		}

		if (!size)
			break;
		if (off < pos + size) {
			snprintf(buf, len, "byte %llu of the %s at 0x%llx", (unsigned long long)(off - pos),
				 sim_tag_name(r->tag), (unsigned long long)pos);
			return;
		}
		pos += size;
	}
	snprintf(buf, len, "offset 0x%llx", (unsigned long long)off);
}

void sim_verify_end(struct sim *sim)
{
	struct sim_verify *v = sim->verify;
	struct sim_jctl *j = &sim_hdr(sim)->journal.j;
	const struct sim_hdr *old;
	struct span *ok = NULL;
	size_t nok = 0, cap = 0;
	uint64_t limit, *at = NULL;
	struct jexts xv;
	char why[160] = "", where[128];
	bool active = j->active == SIM_JOURNAL_ACTIVE;

	if (!v || !v->armed)
		return;
	v->armed = false;
	/* What an operation does to a state it found corrupt proves nothing. */
	if (sim->corrupt)
		return;
	old = (const struct sim_hdr *)(const void *)v->snap;
	/* Past the bump of the start: only what the operation carved. */
	limit = SIM_MIN(SIM_MIN(v->len, sim->mapped), old->bump);

	/* What may differ: the lock, the count, the journal's room and the file
	 * size; with a journal, the header's journaled part, the records it
	 * saved and its extents; the spans of no account. */
	spans_add(&ok, &nok, &cap, offsetof(struct sim_hdr, file_size),
		  offsetof(struct sim_hdr, file_size) + 8);
	spans_add(&ok, &nok, &cap, offsetof(struct sim_hdr, lock), offsetof(struct sim_hdr, platform));
	for (size_t i = 0; i < v->nr_dontcare; i++)
		spans_add(&ok, &nok, &cap, v->dontcare[i].start, v->dontcare[i].end);
	if (collect_extents(sim->base, sim->mapped, &xv))
		verify_die("the journal's chain of extents is broken");
	for (size_t i = 0; i < xv.n; i++)
		spans_add(&ok, &nok, &cap, xv.off[i], xv.end[i]);
	if (active) {
		spans_add(&ok, &nok, &cap, SIM_HDR_JOURNALED_START, SIM_HDR_JOURNALED_END);
		if (collect_entries(sim->base, sim->mapped, &xv, &at, why, sizeof(why)))
			verify_die("the journal does not read back: %s", why);
		for (uint64_t i = 0; i < j->nr; i++) {
			struct sim_jent *e = (struct sim_jent *)(void *)(sim->base + at[i]);

			spans_add(&ok, &nok, &cap, e->off, e->off + e->len);
		}
		free(at);
	}
	free_extents(&xv);
	qsort(ok, nok, sizeof(*ok), span_cmp);

	/* (1) every changed byte is accounted for */
	for (uint64_t i = 0; i < limit; i += 64) {
		uint64_t n = SIM_MIN(64, limit - i);

		if (!memcmp(sim->base + i, v->snap + i, n))
			continue;
		for (uint64_t k = i; k < i + n; k++) {
			if (sim->base[k] == v->snap[k] || in_spans(ok, nok, k))
				continue;
			describe(sim, k, where, sizeof(where));
			verify_die("%s changed outside the journal (0x%02x -> 0x%02x)", where,
				   v->snap[k], sim->base[k]);
		}
	}
	/* (2) the roll-back gives the start back */
	if (active) {
		/* the journal and everything it restores lie below the bump */
		uint64_t upto = sim_hdr(sim)->bump;
		uint8_t *p = room(&v->scratch, &v->cap_scratch, upto);
		struct span *keep = NULL;
		size_t nkeep = 0, capkeep = 0;

		memcpy(p, sim->base, upto);
		if (journal_undo(NULL, p, upto, why, sizeof(why)))
			verify_die("the roll-back fails: %s", why);
		spans_add(&keep, &nkeep, &capkeep, offsetof(struct sim_hdr, file_size),
			  offsetof(struct sim_hdr, file_size) + 8);
		spans_add(&keep, &nkeep, &capkeep, offsetof(struct sim_hdr, lock),
			  offsetof(struct sim_hdr, platform));
		for (size_t i = 0; i < v->nr_dontcare; i++)
			spans_add(&keep, &nkeep, &capkeep, v->dontcare[i].start, v->dontcare[i].end);
		if (collect_extents(v->snap, v->len, &xv))
			verify_die("the journal's chain of extents was broken at the start");
		for (size_t i = 0; i < xv.n; i++)
			spans_add(&keep, &nkeep, &capkeep, xv.off[i], xv.end[i]);
		free_extents(&xv);
		qsort(keep, nkeep, sizeof(*keep), span_cmp);
		for (uint64_t i = 0; i < limit; i += 64) {
			uint64_t n = SIM_MIN(64, limit - i);

			if (!memcmp(p + i, v->snap + i, n))
				continue;
			for (uint64_t k = i; k < i + n; k++) {
				if (p[k] == v->snap[k] || in_spans(keep, nkeep, k))
					continue;
				describe(sim, k, where, sizeof(where));
				verify_die("the roll-back leaves %s at 0x%02x, not 0x%02x", where,
					   p[k], v->snap[k]);
			}
		}
		free(keep);
	}
	free(ok);
}
