// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pinning, as far as a simulator can see it.
 *
 * The kernel pins an area's pages when a domain needs them: user memory is
 * pinned in the process that mapped it (FOLL_LONGTERM, plus FOLL_WRITE when
 * the source was mapped WRITEABLE), so a page that is not mapped there, not
 * readable (not writable for a writeable source) or a special mapping is
 * EFAULT, and so is any page of a process that is gone; a file is pinned
 * through memfd_pin_folios(), which takes shmem and hugetlbfs files only and
 * no page past the end of the file (EINVAL).  Page indices of a source that
 * another area of the same source already holds in a domain are not pinned
 * again (the kernel reads them from that domain), so they cannot fail.
 *
 * The simulator pins nothing: it reads /proc/PID/maps of the source process
 * and answers what the pin would have found.  The same snapshot tells which
 * physical page a user address stands for, as far as MD_CHECK_MAP and
 * MD_CHECK_REFS need it: a page of a shared file mapping (shmem, memfd,
 * shared anonymous memory) is that file page, wherever it is mapped; any
 * other page is its own address in its own process.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

/* ---- /proc/PID/maps -------------------------------------------------------------------------- */

struct sim_vma {
	uint64_t start, end;		/* [start, end) */
	uint64_t off, dev, ino;
	uint8_t r, w, shared, special, huge;
};

struct sim_vmas {
	pid_t pid;
	int err;			/* 0: loaded; -errno: cannot be read */
	struct sim_vma *v;
	size_t n;
};

#define VM_CACHE_MAX 4

struct sim_vm_cache {
	struct sim_vmas s[VM_CACHE_MAX];
	size_t n;
};

static int vmas_load(pid_t pid, struct sim_vmas *vm)
{
	char path[64], *line = NULL;
	size_t cap = 0, room = 0;
	FILE *f;

	memset(vm, 0, sizeof(*vm));
	vm->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return vm->err = -errno;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long start, end, off, ino;
		unsigned int major, minor;
		char perms[8];
		int pos = 0;
		struct sim_vma *e;
		const char *name;

		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &off, &major,
			   &minor, &ino, &pos) < 7)
			continue;
		if (vm->n == room) {
			size_t nroom = room ? room * 2 : 64;
			void *nv = realloc(vm->v, nroom * sizeof(*vm->v));

			if (!nv) {
				vm->err = -ENOMEM;
				break;
			}
			vm->v = nv;
			room = nroom;
		}
		name = line + pos;
		e = &vm->v[vm->n++];
		memset(e, 0, sizeof(*e));
		e->start = start;
		e->end = end;
		e->off = off;
		e->dev = (uint64_t)makedev(major, minor);
		e->ino = ino;
		e->r = perms[0] == 'r';
		e->w = perms[1] == 'w';
		e->shared = perms[3] == 's';
		/* VM_IO / VM_PFNMAP and the vsyscall page: never pinnable. */
		e->special = !strncmp(name, "[vvar", 5) || !strncmp(name, "[vsyscall]", 10);
		/* hugetlb pages are compound: MD_CHECK_REFS skips them */
		e->huge = strstr(name, "anon_hugepage") != NULL;
	}
	free(line);
	fclose(f);
	return vm->err;
}

static const struct sim_vmas *vm_cache_get(struct sim_vm_cache *vc, pid_t pid)
{
	static struct sim_vmas none = { .err = -ENOMEM };

	if (!vc)
		return &none;
	for (size_t i = 0; i < vc->n; i++)
		if (vc->s[i].pid == pid)
			return &vc->s[i];
	if (vc->n == VM_CACHE_MAX) {
		free(vc->s[0].v);
		memmove(&vc->s[0], &vc->s[1], sizeof(vc->s[0]) * (VM_CACHE_MAX - 1));
		vc->n--;
	}
	vmas_load(pid, &vc->s[vc->n]);
	return &vc->s[vc->n++];
}

struct sim_vm_cache *sim_vm_cache_new(void)
{
	return calloc(1, sizeof(struct sim_vm_cache));
}

void sim_vm_cache_free(struct sim_vm_cache *vc)
{
	if (!vc)
		return;
	for (size_t i = 0; i < vc->n; i++)
		free(vc->s[i].v);
	free(vc);
}

/* The mapping holding 'addr', or NULL. */
static const struct sim_vma *vma_find(const struct sim_vmas *vm, uint64_t addr)
{
	size_t lo = 0, hi = vm->err ? 0 : vm->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct sim_vma *e = &vm->v[mid];

		if (addr < e->start)
			hi = mid;
		else if (addr >= e->end)
			lo = mid + 1;
		else
			return e;
	}
	return NULL;
}

/* Would GUP with(out) FOLL_WRITE take every page of [start, start+len)? */
static int vmas_check(const struct sim_vmas *vm, uint64_t start, uint64_t len, bool write)
{
	uint64_t cur = start, end = start + len;

	while (cur < end) {
		const struct sim_vma *e = vma_find(vm, cur);

		if (!e || e->special || !(write ? e->w : e->r))
			return -EFAULT;
		cur = e->end;
	}
	return 0;
}

/* ---- which physical page ------------------------------------------------------------------------ */

enum phys_kind { PHYS_NONE, PHYS_ANON, PHYS_FILE, PHYS_SIM, PHYS_OTHER };

struct phys {
	int kind;
	uint64_t a, b, c;		/* ANON/OTHER: pid, page VA; FILE: dev, ino, page offset;
					 * SIM: page VA */
};

static struct phys phys_of_va(const struct sim_vmas *vm, uint64_t page_va)
{
	const struct sim_vma *e = vma_find(vm, page_va);

	if (e && e->shared && e->ino)
		return (struct phys){ PHYS_FILE, e->dev, e->ino, e->off + (page_va - e->start) };
	return (struct phys){ PHYS_ANON, (uint64_t)vm->pid, page_va, 0 };
}

static bool phys_eq(const struct phys *x, const struct phys *y)
{
	return x->kind == y->kind && x->a == y->a && x->b == y->b && x->c == y->c;
}

static bool pages_is_self(struct sim *sim, const struct sim_pages *p)
{
	return p->pid == sim->pid && p->pid_start == sim->start_time;
}

/* The page byte 'byte' of source 'p' is in, and its offset there. */
static struct phys phys_of_source(struct sim *sim, const struct sim_vmas *self,
				  const struct sim_pages *p, uint64_t byte)
{
	uint64_t page = sim_hdr(sim)->page_size, at = p->base + byte - byte % page;

	switch (p->type) {
	case SIM_SRC_FILE:
		return (struct phys){ PHYS_FILE, p->dev, p->ino, at };
	case SIM_SRC_SIM_MEM:
		return (struct phys){ PHYS_SIM, at, 0, 0 };
	default:
		if (pages_is_self(sim, p))
			return phys_of_va(self, at);
		return (struct phys){ PHYS_OTHER, (uint64_t)p->pid, at, 0 };
	}
}

/* What GUP of the page at 'page_va' in this process finds: -EFAULT, or its page. */
static int phys_of_user(struct sim *sim, const struct sim_vmas *self, uint64_t page_va,
			struct phys *out, bool *huge)
{
	const struct sim_vma *e;

	*huge = false;
	if (sim_mem_find(sim, page_va, 1)) {
		/* sim memory is the simulator's own: always there */
		*out = (struct phys){ PHYS_SIM, page_va, 0, 0 };
		return 0;
	}
	e = vma_find(self, page_va);
	if (!e || e->special || !e->r)
		return -EFAULT;
	*huge = e->huge;
	*out = phys_of_va(self, page_va);
	return 0;
}

/* ---- pinning ------------------------------------------------------------------------------------- */

struct span {
	uint64_t first, last;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Page indices of source 'pages_off' held in a domain by areas of our
 * context other than those being filled, sorted. */
static int pinned_spans(struct sim *sim, uint64_t pages_off, struct span **out, size_t *nr)
{
	uint64_t page = sim_hdr(sim)->page_size, limit = itree_max_nodes(sim);
	struct span *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t o = sim_obj_from(sim, sim->ctx_off, 0);

	for (uint64_t s1 = 0; o && !sim->corrupt && s1 <= limit; s1++) {
		struct sim_obj *obj = sim_rec(sim, o, SIM_TAG_OBJ);
		uint64_t id = obj->n.start;

		if (obj->type == SIM_OBJ_IOAS && obj->ioas.nr_domains) {
			uint64_t a = itree_first(sim, obj->ioas.area_root, SIM_TAG_AREA);

			for (uint64_t s2 = 0; a && !sim->corrupt && s2 <= limit; s2++) {
				struct sim_area *ar = sim_rec(sim, a, SIM_TAG_AREA);

				if (ar->pages == pages_off && !(ar->flags & SIM_AREA_FILLING)) {
					if (n == cap) {
						void *nv;

						cap = cap ? cap * 2 : 8;
						nv = realloc(v, cap * sizeof(*v));
						if (!nv) {
							free(v);
							return -ENOMEM;
						}
						v = nv;
					}
					v[n].first = ar->start_byte / page;
					v[n].last = (ar->start_byte + (ar->n.last - ar->n.start)) / page;
					n++;
				}
				a = itree_next(sim, a, SIM_TAG_AREA);
			}
		}
		o = sim_obj_from(sim, sim->ctx_off, id + 1);
	}
	if (n)
		qsort(v, n, sizeof(*v), span_cmp);
	*out = v;
	*nr = n;
	return sim->corrupt ? -EUCLEAN : 0;
}

/* An open file of ours that is the source's file: its size now. */
static void refresh_file(struct sim *sim, uint64_t pages_off)
{
	struct sim_pages *p = sim_rec(sim, pages_off, SIM_TAG_PAGES);
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(d) || fstat(fd, &st) < 0)
			continue;
		if ((uint64_t)st.st_dev == p->dev && (uint64_t)st.st_ino == p->ino) {
			sim_pages_note_file(sim, pages_off, fd);
			break;
		}
	}
	closedir(d);
}

/* Pin page indices [first, last] of a source. */
static int pin_source(struct sim *sim, struct sim_vm_cache *vc, uint64_t pages_off,
		      uint64_t first, uint64_t last)
{
	uint64_t page = sim_hdr(sim)->page_size, va, len, end;
	struct sim_pages *p = sim_rec(sim, pages_off, SIM_TAG_PAGES);
	const struct sim_vmas *vm;
	pid_t pid;

	switch (p->type) {
	case SIM_SRC_SIM_MEM:
		return 0;
	case SIM_SRC_FILE:
		refresh_file(sim, pages_off);
		p = sim_rec(sim, pages_off, SIM_TAG_PAGES);
		if (!(p->file_flags & SIM_FILE_KNOWN))
			return 0;
		if (!(p->file_flags & SIM_FILE_PINNABLE))
			return sim_fail(sim, EINVAL, "the file %llu:%llu is neither shmem nor hugetlbfs: "
					"its pages cannot be pinned", (unsigned long long)p->dev,
					(unsigned long long)p->ino);
		if (__builtin_add_overflow(p->base, (last + 1) * page - 1, &end) ||
		    end >= p->file_size)
			return sim_fail(sim, EINVAL, "file offset 0x%llx is past the end of the %llu-byte "
					"file", (unsigned long long)(p->base + last * page),
					(unsigned long long)p->file_size);
		return 0;
	default:
		break;
	}
	va = p->base + first * page;
	len = (last - first + 1) * page;
	if (va + len < va)
		return sim_fail(sim, EFAULT, "user memory at 0x%llx runs past the address space",
				(unsigned long long)va);
	pid = p->pid;
	if (!pages_is_self(sim, p) &&
	    (!p->pid_start || sim_proc_start_time(pid) != p->pid_start))
		return sim_fail(sim, EFAULT, "process %d, which mapped 0x%llx, is gone", (int)pid,
				(unsigned long long)va);
	vm = vm_cache_get(vc, pid);
	if (vm->err)
		return sim_fail(sim, EFAULT, "cannot read the mappings of process %d, which mapped "
				"0x%llx: %s", (int)pid, (unsigned long long)va, strerror(-vm->err));
	if (vmas_check(vm, va, len, p->writable))
		return sim_fail(sim, EFAULT, "[0x%llx, 0x%llx] of process %d is not all mapped %s",
				(unsigned long long)va, (unsigned long long)(va + len - 1), (int)pid,
				p->writable ? "writable" : "readable");
	return 0;
}

int sim_pin_area(struct sim *sim, struct sim_vm_cache *vc, uint64_t area_off)
{
	struct sim_area *a = sim_rec(sim, area_off, SIM_TAG_AREA);
	uint64_t page = sim_hdr(sim)->page_size, pages_off = a->pages;
	uint64_t first = a->start_byte / page;
	uint64_t last = (a->start_byte + (a->n.last - a->n.start)) / page, cur = first;
	struct span *sp = NULL;
	size_t nsp = 0;
	int ret = 0;

	if (sim->corrupt)
		return -EUCLEAN;
	if (((struct sim_pages *)sim_rec(sim, pages_off, SIM_TAG_PAGES))->refs > 1) {
		ret = pinned_spans(sim, pages_off, &sp, &nsp);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < nsp && cur <= last && !ret; i++) {
		if (sp[i].last < cur)
			continue;
		if (sp[i].first > last)
			break;
		if (sp[i].first > cur)
			ret = pin_source(sim, vc, pages_off, cur, sp[i].first - 1);
		if (sp[i].last >= last) {
			cur = last + 1;
			break;
		}
		cur = sp[i].last + 1;
	}
	if (!ret && cur <= last)
		ret = pin_source(sim, vc, pages_off, cur, last);
	free(sp);
	return ret;
}

/* ---- IOMMU_TEST_OP_MD_CHECK_MAP / MD_CHECK_REFS ----------------------------------------------- */

int sim_md_check_map(struct sim *sim, uint64_t hwpt_off, uint64_t iova, uint64_t length,
		     uint64_t uptr)
{
	struct sim_obj *hw = sim_rec(sim, hwpt_off, SIM_TAG_OBJ);
	uint64_t ps = hw->hwpt.pgsize, ioas_off = hw->hwpt.ioas, end, page;
	struct sim_vmas self;
	int ret = 0;

	if (!ps || iova % ps || length % ps || uptr % ps || __builtin_add_overflow(uptr, length, &end))
		return sim_fail(sim, EINVAL, "iova, length and uptr must be multiples of the mock page "
				"size 0x%llx (and uptr + length must not overflow)",
				(unsigned long long)ps);
	if (!length)
		return 0;
	page = sim_hdr(sim)->page_size;
	vmas_load(sim->pid, &self);
	for (; length && !ret; length -= ps, iova += ps, uptr += ps) {
		struct sim_obj *io = sim_rec(sim, ioas_off, SIM_TAG_OBJ);
		uint64_t a = itree_first_overlap(sim, io->ioas.area_root, SIM_TAG_AREA, iova, iova);
		struct phys pu, pa;
		struct sim_area *ar;
		uint64_t byte;
		bool huge;

		if (sim->corrupt) {
			ret = -EUCLEAN;
			break;
		}
		if (phys_of_user(sim, &self, uptr - uptr % page, &pu, &huge)) {
			ret = sim_fail(sim, EFAULT, "0x%llx is not readable memory of this process",
				       (unsigned long long)uptr);
			break;
		}
		if (!a) {
			ret = sim_fail(sim, EINVAL, "nothing is mapped at IOVA 0x%llx",
				       (unsigned long long)iova);
			break;
		}
		ar = sim_rec(sim, a, SIM_TAG_AREA);
		byte = ar->start_byte + (iova - ar->n.start);
		pa = phys_of_source(sim, &self, sim_rec(sim, ar->pages, SIM_TAG_PAGES), byte);
		if (!phys_eq(&pu, &pa) || byte % page != uptr % page)
			ret = sim_fail(sim, EINVAL, "IOVA 0x%llx does not map the memory at 0x%llx",
				       (unsigned long long)iova, (unsigned long long)uptr);
	}
	free(self.v);
	return ret;
}

/* Pinned page spans of every context's domain-attached IOASes. */
struct pin_rec {
	uint64_t pages;
	uint64_t first, last;
};

static int pin_rec_cmp(const void *a, const void *b)
{
	const struct pin_rec *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages < y->pages ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int all_pinned(struct sim *sim, struct pin_rec **out, size_t *nr)
{
	uint64_t page = sim_hdr(sim)->page_size, limit = itree_max_nodes(sim);
	uint64_t c = itree_first(sim, sim_hdr(sim)->ctx_root, SIM_TAG_CTX);
	struct pin_rec *v = NULL;
	size_t n = 0, cap = 0;

	for (uint64_t s0 = 0; c && !sim->corrupt && s0 <= limit; s0++) {
		uint64_t o = sim_obj_from(sim, c, 0);

		for (uint64_t s1 = 0; o && !sim->corrupt && s1 <= limit; s1++) {
			struct sim_obj *obj = sim_rec(sim, o, SIM_TAG_OBJ);
			uint64_t id = obj->n.start;

			if (obj->type == SIM_OBJ_IOAS && obj->ioas.nr_domains) {
				uint64_t a = itree_first(sim, obj->ioas.area_root, SIM_TAG_AREA);

				for (uint64_t s2 = 0; a && !sim->corrupt && s2 <= limit; s2++) {
					struct sim_area *ar = sim_rec(sim, a, SIM_TAG_AREA);

					if (n == cap) {
						void *nv;

						cap = cap ? cap * 2 : 16;
						nv = realloc(v, cap * sizeof(*v));
						if (!nv) {
							free(v);
							return -ENOMEM;
						}
						v = nv;
					}
					v[n].pages = ar->pages;
					v[n].first = ar->start_byte / page;
					v[n].last = (ar->start_byte + (ar->n.last - ar->n.start)) / page;
					n++;
					a = itree_next(sim, a, SIM_TAG_AREA);
				}
			}
			o = sim_obj_from(sim, c, id + 1);
		}
		c = itree_next(sim, c, SIM_TAG_CTX);
	}
	if (n)
		qsort(v, n, sizeof(*v), pin_rec_cmp);
	*out = v;
	*nr = n;
	return sim->corrupt ? -EUCLEAN : 0;
}

static bool idx_in(const struct pin_rec *r, uint64_t base, uint64_t at, uint64_t page)
{
	uint64_t idx;

	if (at < base)
		return false;
	idx = (at - base) / page;
	return idx >= r->first && idx <= r->last;
}

/* Does pinned span 'r' (of source 'p') hold the physical page 'ph'? */
static bool span_holds(struct sim *sim, const struct sim_vmas *self, const struct pin_rec *r,
		       const struct sim_pages *p, const struct phys *ph)
{
	uint64_t page = sim_hdr(sim)->page_size;

	switch (p->type) {
	case SIM_SRC_FILE:
		return ph->kind == PHYS_FILE && ph->a == p->dev && ph->b == p->ino &&
		       idx_in(r, p->base, ph->c, page);
	case SIM_SRC_SIM_MEM:
		return ph->kind == PHYS_SIM && idx_in(r, p->base, ph->a, page);
	default:
		if (!pages_is_self(sim, p))
			return false;
		if (ph->kind == PHYS_ANON)
			return idx_in(r, p->base, ph->b, page);
		if (ph->kind != PHYS_FILE)
			return false;
		/* every address of ours that maps this file page */
		for (size_t i = 0; !self->err && i < self->n; i++) {
			const struct sim_vma *e = &self->v[i];

			if (e->shared && e->dev == ph->a && e->ino == ph->b && ph->c >= e->off &&
			    ph->c - e->off < e->end - e->start &&
			    idx_in(r, p->base, e->start + (ph->c - e->off), page))
				return true;
		}
		return false;
	}
}

int sim_md_check_refs(struct sim *sim, uint64_t uptr, uint64_t length, uint32_t refs)
{
	uint64_t page = sim_hdr(sim)->page_size, end;
	struct pin_rec *pr = NULL;
	struct sim_vmas self;
	size_t npr = 0;
	int ret;

	if (length % page || uptr % page || __builtin_add_overflow(uptr, length, &end))
		return sim_fail(sim, EINVAL, "uptr and length must be multiples of PAGE_SIZE 0x%llx",
				(unsigned long long)page);
	if (!length)
		return 0;
	ret = all_pinned(sim, &pr, &npr);
	if (ret)
		return ret;
	vmas_load(sim->pid, &self);
	for (; length && !ret; length -= page, uptr += page) {
		uint32_t count = 0;
		struct phys ph;
		bool huge;

		if (phys_of_user(sim, &self, uptr, &ph, &huge)) {
			ret = sim_fail(sim, EFAULT, "0x%llx is not readable memory of this process",
				       (unsigned long long)uptr);
			break;
		}
		if (huge)
			continue;	/* compound pages are not checked */
		for (size_t i = 0; i < npr;) {
			size_t j = i;
			bool hit = false;
			struct sim_pages *p = sim_rec(sim, pr[i].pages, SIM_TAG_PAGES);

			/* one pin per source, however many areas share the page */
			for (; j < npr && pr[j].pages == pr[i].pages; j++)
				if (!hit)
					hit = span_holds(sim, &self, &pr[j], p, &ph);
			count += hit;
			i = j;
		}
		if (count != refs)
			ret = sim_fail(sim, EIO, "the page at 0x%llx is pinned %u times, not %u",
				       (unsigned long long)uptr, count, refs);
	}
	free(self.v);
	free(pr);
	return sim->corrupt ? -EUCLEAN : ret;
}
