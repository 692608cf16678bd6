// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The IOAS's page table (the kernel's io_pagetable): its mapped areas,
 * reserved and allowed ranges, the sources areas point at, and the
 * operations on them with the kernel's checks in the kernel's order.
 *
 * Without a domain nothing is pinned: an area is a record of where its
 * bytes come from.  Once a domain (a mock HWPT_PAGING) is added, every area
 * of the IOAS is pinned, and so is every new one as it is mapped; pinning
 * is emulated by checking the source is there to be pinned (pin.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>

#include "internal.h"
#include "oracle.h"
#include "ifd-abi.h"

static struct sim_ioas *ioas_of(struct sim *sim, uint64_t obj_off)
{
	return &((struct sim_obj *)sim_rec(sim, obj_off, SIM_TAG_OBJ))->ioas;
}

/* The same, about to be written. */
static struct sim_ioas *ioas_w(struct sim *sim, uint64_t obj_off)
{
	return &((struct sim_obj *)sim_recw(sim, obj_off, SIM_TAG_OBJ))->ioas;
}

void sim_ioas_init(struct sim *sim, uint64_t obj_off)
{
	struct sim_ioas *ioas = ioas_w(sim, obj_off);

	memset(ioas, 0, sizeof(*ioas));
	/* A table without domains takes any byte alignment. */
	ioas->iova_alignment = 1;
	sim_gaps_init(sim, obj_off);
}

/* ---- sources ------------------------------------------------------------------------------ */

uint64_t sim_mem_find(struct sim *sim, uint64_t va, uint64_t len)
{
	uint64_t last = va + len - 1;
	uint64_t off = itree_first_overlap(sim, sim_hdr(sim)->mem_root, SIM_TAG_EXT, va, va);
	struct sim_ext *ext;

	if (!off || last < va)
		return 0;
	ext = sim_rec(sim, off, SIM_TAG_EXT);
	return ext->n.start <= va && last <= ext->n.last ? off : 0;
}

uint64_t sim_pages_new_user(struct sim *sim, uint64_t uptr, uint64_t length, bool writable)
{
	uint64_t page = sim_hdr(sim)->page_size;
	uint64_t off = sim_alloc(sim, SIM_TAG_PAGES), ext;
	struct sim_pages *p;

	if (!off)
		return 0;
	p = sim_recw(sim, off, SIM_TAG_PAGES);
	p->base = uptr & ~(page - 1);
	p->npages = (length + (uptr - p->base) + page - 1) / page;
	p->writable = writable;
	/* sim_enter made sim->pid this process */
	p->pid = sim->pid;
	p->pid_start = sim->start_time;
	/* CAP_IPC_LOCK exempts the creator from pinned-page accounting. */
	p->account_mode = sim_capable(sim, CAP_IPC_LOCK) ? SIM_ACCOUNT_NONE : SIM_ACCOUNT_USER;
	ext = sim_mem_find(sim, uptr, length);
	if (ext) {
		p->type = SIM_SRC_SIM_MEM;
		p->ext = ext;
		((struct sim_ext *)sim_recw(sim, ext, SIM_TAG_EXT))->refs++;
	} else {
		p->type = SIM_SRC_USER;
	}
	return off;
}

void sim_pages_put(struct sim *sim, uint64_t pages_off)
{
	struct sim_pages *p = sim_rec(sim, pages_off, SIM_TAG_PAGES);

	if (sim->corrupt)
		return;
	if (p->refs > 1) {
		((struct sim_pages *)sim_recw(sim, pages_off, SIM_TAG_PAGES))->refs--;
		return;
	}
	if (p->type == SIM_SRC_SIM_MEM) {
		struct sim_ext *ext = sim_recw(sim, p->ext, SIM_TAG_EXT);

		if (ext->refs)
			ext->refs--;
		else
			sim_corrupt(sim, "sim memory at 0x%llx has more users than references",
				    (unsigned long long)ext->n.start);
	}
	sim_free(sim, pages_off);
}

void sim_pages_note_file(struct sim *sim, uint64_t pages_off, int fd)
{
	struct sim_pages *p;
	struct statfs sf;
	struct stat st;

	if (fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0)
		return;
	p = sim_recw(sim, pages_off, SIM_TAG_PAGES);
	p->file_size = (uint64_t)st.st_size;
	p->file_flags = SIM_FILE_KNOWN;
	/* memfd_pin_folios() takes shmem and hugetlbfs files only. */
	if ((unsigned long)sf.f_type == TMPFS_MAGIC || (unsigned long)sf.f_type == HUGETLBFS_MAGIC)
		p->file_flags |= SIM_FILE_PINNABLE;
}

uint64_t sim_pages_source_addr(struct sim *sim, uint64_t pages_off, uint64_t start_byte)
{
	return ((struct sim_pages *)sim_rec(sim, pages_off, SIM_TAG_PAGES))->base + start_byte;
}

/* ---- areas --------------------------------------------------------------------------------- */

void sim_area_remove(struct sim *sim, uint64_t obj_off, uint64_t area_off)
{
	struct sim_ioas *ioas = ioas_w(sim, obj_off);
	struct sim_area *a = sim_rec(sim, area_off, SIM_TAG_AREA);
	struct sim_hdr *h = sim_hdrw(sim);
	uint64_t len = a->n.last - a->n.start + 1;

	itree_erase(sim, &ioas->area_root, SIM_TAG_AREA, area_off);
	sim_gaps_release(sim, obj_off, a->n.start, a->n.last);
	if (ioas->nr_dirty_domains)
		sim_dirty_unmapped(sim, obj_off, a->n.start, a->n.last);
	ioas->nr_areas--;
	ioas->mapped_bytes -= len;
	h->nr_areas--;
	h->mapped_bytes -= len;
	sim_pages_put(sim, a->pages);
	sim_free(sim, area_off);
}

/* A new area over [iova, last]; 'new_iova': the range was free (not the right
 * part of a split area), so the gaps change. */
static uint64_t area_insert(struct sim *sim, uint64_t obj_off, uint64_t pages, uint64_t iova,
			    uint64_t last, uint64_t start_byte, uint32_t prot, bool new_iova)
{
	uint64_t off = sim_alloc(sim, SIM_TAG_AREA);
	struct sim_ioas *ioas = ioas_w(sim, obj_off);
	struct sim_hdr *h = sim_hdrw(sim);
	struct sim_area *a;

	if (!off)
		return 0;
	a = sim_recw(sim, off, SIM_TAG_AREA);
	a->n.start = iova;
	a->n.last = last;
	a->pages = pages;
	a->start_byte = start_byte;
	a->prot = prot;
	itree_insert(sim, &ioas->area_root, SIM_TAG_AREA, off);
	if (new_iova)
		sim_gaps_cover(sim, obj_off, iova, last);
	ioas->nr_areas++;
	ioas->mapped_bytes += last - iova + 1;
	h->nr_areas++;
	h->mapped_bytes += last - iova + 1;
	((struct sim_pages *)sim_recw(sim, pages, SIM_TAG_PAGES))->refs++;
	return off;
}

/* Reserved ranges and areas together, sorted by start, for the oracle. */
static int used_spans(struct sim *sim, const struct sim_ioas *ioas, struct sim_span **out,
		      size_t *nr)
{
	uint64_t nres = itree_count(sim, ioas->resv_root, SIM_TAG_RESV);
	uint64_t nar = itree_count(sim, ioas->area_root, SIM_TAG_AREA);
	uint64_t r = itree_first(sim, ioas->resv_root, SIM_TAG_RESV);
	uint64_t a = itree_first(sim, ioas->area_root, SIM_TAG_AREA);
	struct sim_span *v;
	size_t n = 0;

	if (nres + nar > itree_max_nodes(sim))
		return sim_corrupt(sim, "tree counts exceed the file");
	v = malloc((nres + nar + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	while ((r || a) && !sim->corrupt && n < nres + nar) {
		struct sim_tnode *rn = r ? sim_node(sim, r, SIM_TAG_RESV) : NULL;
		struct sim_tnode *an = a ? sim_node(sim, a, SIM_TAG_AREA) : NULL;

		if (rn && (!an || rn->start <= an->start)) {
			v[n++] = (struct sim_span){ rn->start, rn->last };
			r = itree_next(sim, r, SIM_TAG_RESV);
		} else {
			v[n++] = (struct sim_span){ an->start, an->last };
			a = itree_next(sim, a, SIM_TAG_AREA);
		}
	}
	if (sim->corrupt || r || a) {
		free(v);
		return sim_corrupt(sim, "tree counts disagree with the trees");
	}
	*out = v;
	*nr = n;
	return 0;
}

static int allowed_spans(struct sim *sim, const struct sim_ioas *ioas, struct sim_span **out,
			 size_t *nr)
{
	uint64_t cnt = itree_count(sim, ioas->allow_root, SIM_TAG_ALLOW);
	uint64_t off = itree_first(sim, ioas->allow_root, SIM_TAG_ALLOW);
	struct sim_span *v;
	size_t n = 0;

	if (cnt > itree_max_nodes(sim))
		return sim_corrupt(sim, "tree counts exceed the file");
	v = malloc((cnt + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (; off && n < cnt && !sim->corrupt; off = itree_next(sim, off, SIM_TAG_ALLOW)) {
		struct sim_tnode *t = sim_node(sim, off, SIM_TAG_ALLOW);

		v[n++] = (struct sim_span){ t->start, t->last };
	}
	if (sim->corrupt || off) {
		free(v);
		return sim_corrupt(sim, "tree counts disagree with the trees");
	}
	*out = v;
	*nr = n;
	return 0;
}

/* The oracle itself, on arrays built from the trees: O(n). */
static int oracle_alloc_iova(struct sim *sim, uint64_t obj_off, uint64_t addr, uint64_t length,
			     uint64_t *iova)
{
	struct sim_ioas *ioas = ioas_of(sim, obj_off);
	struct sim_hdr *h = sim_hdr(sim);
	struct sim_oracle_req req = {
		.page_size = h->page_size,
		.hpage_size = h->hpage_size,
		.addr = addr,
		.length = length,
		.iova_alignment = ioas->iova_alignment,
	};
	struct sim_span *used = NULL, *allowed = NULL;
	size_t nr_used = 0, nr_allowed = 0;
	int ret;

	ret = used_spans(sim, ioas, &used, &nr_used);
	if (!ret)
		ret = allowed_spans(sim, ioas, &allowed, &nr_allowed);
	if (ret) {
		free(used);
		return ret;
	}
	req.used = used;
	req.nr_used = nr_used;
	req.allowed = allowed;
	req.nr_allowed = nr_allowed;
	ret = sim_oracle_alloc_iova(&req, iova);
	free(used);
	free(allowed);
	return ret;
}

int sim_ioas_pick_iova(struct sim *sim, uint64_t obj_off, uint64_t addr, uint64_t length,
		       bool oracle, uint64_t *iova)
{
	if (!oracle && ioas_of(sim, obj_off)->gaps_stale)
		sim_gaps_rebuild(sim, obj_off);
	if (sim->corrupt)
		return -EUCLEAN;
	/* A gap tree that could not be rebuilt (no room for its records): the
	 * oracle gives the same answer, slower. */
	if (oracle || ioas_of(sim, obj_off)->gaps_stale)
		return oracle_alloc_iova(sim, obj_off, addr, length, iova);
	return sim_gaps_alloc_iova(sim, obj_off, addr, length, iova);
}

static int alloc_iova(struct sim *sim, uint64_t obj_off, uint64_t addr, uint64_t length,
		      uint64_t *iova)
{
	struct sim_hdr *h = sim_hdr(sim);
	int ret = sim_ioas_pick_iova(sim, obj_off, addr, length, false, iova);

	switch (ret) {
	case -EOVERFLOW:
		return sim_fail(sim, EOVERFLOW, "length 0x%llx is too large to choose an IOVA for",
				(unsigned long long)length);
	case -EINVAL:
		return sim_fail(sim, EINVAL, "the source address 0x%llx and length 0x%llx allow an IOVA "
				"alignment of 0x%llx, below the IOAS alignment 0x%llx",
				(unsigned long long)addr, (unsigned long long)length,
				(unsigned long long)sim_oracle_alignment(addr, length, h->hpage_size),
				(unsigned long long)ioas_of(sim, obj_off)->iova_alignment);
	case -ENOSPC:
		return sim_fail(sim, ENOSPC, "no free IOVA range of 0x%llx bytes%s",
				(unsigned long long)length,
				ioas_of(sim, obj_off)->allow_root ? " inside the allowed ranges" : "");
	}
	return ret;
}

/* The kernel's iopt_check_iova for a fixed IOVA. */
static int check_iova(struct sim *sim, uint64_t obj_off, uint64_t iova, uint64_t length)
{
	struct sim_ioas *ioas = ioas_of(sim, obj_off);
	uint64_t last, r, a;

	if (iova & (ioas->iova_alignment - 1))
		return sim_fail(sim, EINVAL, "IOVA 0x%llx is not aligned to the IOAS alignment 0x%llx",
				(unsigned long long)iova, (unsigned long long)ioas->iova_alignment);
	if (__builtin_add_overflow(iova, length - 1, &last))
		return sim_fail(sim, EOVERFLOW, "IOVA 0x%llx + length 0x%llx overflows",
				(unsigned long long)iova, (unsigned long long)length);
	r = itree_first_overlap(sim, ioas->resv_root, SIM_TAG_RESV, iova, last);
	if (r) {
		struct sim_tnode *n = sim_node(sim, r, SIM_TAG_RESV);

		return sim_fail(sim, EINVAL, "[0x%llx, 0x%llx] overlaps the reserved range [0x%llx, 0x%llx]",
				(unsigned long long)iova, (unsigned long long)last,
				(unsigned long long)n->start, (unsigned long long)n->last);
	}
	a = itree_first_overlap(sim, ioas->area_root, SIM_TAG_AREA, iova, last);
	if (a) {
		struct sim_tnode *n = sim_node(sim, a, SIM_TAG_AREA);

#if SIM_MUTANT == 1
		/* Mutant 1: the wrong errno for a fixed map over an area. */
		return sim_fail(sim, EINVAL, "[0x%llx, 0x%llx] overlaps the mapped area [0x%llx, 0x%llx]",
				(unsigned long long)iova, (unsigned long long)last,
				(unsigned long long)n->start, (unsigned long long)n->last);
#endif
		return sim_fail(sim, EEXIST, "[0x%llx, 0x%llx] overlaps the mapped area [0x%llx, 0x%llx]",
				(unsigned long long)iova, (unsigned long long)last,
				(unsigned long long)n->start, (unsigned long long)n->last);
	}
	return sim->corrupt ? -EUCLEAN : 0;
}

int sim_map_pieces(struct sim *sim, uint64_t obj_off, const struct sim_piece *pieces, size_t n,
		   uint64_t length, uint64_t *iova, uint32_t prot, bool alloc)
{
	uint64_t page = sim_hdr(sim)->page_size, align, cur, *made;
	size_t i;
	int ret;

	align = ioas_of(sim, obj_off)->iova_alignment;
	if ((length & (align - 1)) || !length)
		return sim_fail(sim, EINVAL, "length 0x%llx is not a non-zero multiple of the IOAS "
				"alignment 0x%llx", (unsigned long long)length,
				(unsigned long long)align);
	/* The areas, a gap split and, should the map fail, a gap for what it
	 * gives back: before any change. */
	ret = sim_reserve(sim, n + 2, 0);
	if (ret)
		return ret;
	if (alloc) {
		/* The first piece's source address guides the alignment. */
		ret = alloc_iova(sim, obj_off,
				 sim_pages_source_addr(sim, pieces[0].pages, pieces[0].start_byte),
				 length, iova);
	} else {
		ret = check_iova(sim, obj_off, *iova, length);
	}
	if (ret)
		return ret;

	made = calloc(n, sizeof(*made));
	if (!made)
		return -ENOMEM;
	cur = *iova;
	for (i = 0; i < n; i++) {
		const struct sim_piece *p = &pieces[i];
		struct sim_pages *pg = sim_rec(sim, p->pages, SIM_TAG_PAGES);
		uint64_t last, pages_last;

		if (sim->corrupt) {
			ret = -EUCLEAN;
			break;
		}
		if ((prot & IOMMU_IOAS_MAP_WRITEABLE) && !pg->writable) {
			ret = sim_fail(sim, EPERM, "the source of piece %zu was mapped without WRITEABLE; "
				       "it cannot be mapped writeable", i);
			break;
		}
		if ((p->start_byte % page) & (align - 1)) {
			ret = sim_fail(sim, EINVAL, "the source's offset in its page, 0x%llx, is not "
				       "aligned to the IOAS alignment 0x%llx",
				       (unsigned long long)(p->start_byte % page),
				       (unsigned long long)align);
			break;
		}
		if (__builtin_add_overflow(cur, p->length - 1, &last) ||
		    __builtin_add_overflow(p->start_byte, p->length - 1, &pages_last) ||
		    pages_last / page >= pg->npages) {
			ret = sim_fail(sim, EOVERFLOW, "piece %zu overflows", i);
			break;
		}
		made[i] = area_insert(sim, obj_off, p->pages, cur, last, p->start_byte, prot, true);
		if (!made[i]) {
			ret = sim->corrupt ? -EUCLEAN : -ENOMEM;
			break;
		}
		cur += p->length;
	}
	/* With a domain attached the new areas are pinned and mapped now, in
	 * order (iopt_fill_domains_pages); a failure takes them all back. */
	if (!ret && ioas_of(sim, obj_off)->nr_domains) {
		struct sim_vm_cache *vc = sim_vm_cache_new();

		for (size_t k = 0; k < n; k++)
			((struct sim_area *)sim_recw(sim, made[k], SIM_TAG_AREA))->flags |= SIM_AREA_FILLING;
		for (size_t k = 0; k < n && !ret; k++)
			ret = sim_pin_area(sim, vc, made[k]);
		for (size_t k = 0; k < n; k++)
			((struct sim_area *)sim_recw(sim, made[k], SIM_TAG_AREA))->flags &= ~SIM_AREA_FILLING;
		sim_vm_cache_free(vc);
	}
	if (ret) {
		/* Nothing of a failed map stays (the kernel aborts its areas). */
		while (i-- > 0)
			if (made[i])
				sim_area_remove(sim, obj_off, made[i]);
	}
	free(made);
	return ret;
}

/* The kernel's iopt_unmap_iova_range: whole areas only, in IOVA order, and
 * what was removed before a failure stays removed. */
int sim_unmap_range(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last,
		    uint64_t *unmapped)
{
	uint64_t limit = itree_max_nodes(sim), done = 0;
	const uint64_t first = start;	/* the request, for messages: 'start' advances */
	int ret = 0;

	for (uint64_t steps = 0; !sim->corrupt; steps++) {
		struct sim_ioas *ioas = ioas_of(sim, obj_off);
		uint64_t off = itree_first_overlap(sim, ioas->area_root, SIM_TAG_AREA, start, last);
		struct sim_tnode *n;
		uint64_t a_first, a_last;

		if (!off)
			break;
		if (steps > limit) {
			ret = sim_corrupt(sim, "area tree loops");
			break;
		}
		n = sim_node(sim, off, SIM_TAG_AREA);
		a_first = n->start;
		a_last = n->last;
		/* a HW queue's pages lock the area (the kernel's num_locks) */
		if (ioas->nr_locks && sim_area_locked(sim, obj_off, a_first, a_last)) {
			ret = sim_fail(sim, EBUSY, "the area [0x%llx, 0x%llx] is locked by a HW queue",
				       (unsigned long long)a_first, (unsigned long long)a_last);
			break;
		}
		if (a_first < start || a_last > last) {
			ret = sim_fail(sim, ENOENT, "the area [0x%llx, 0x%llx] is only partly inside "
				       "the range [0x%llx, 0x%llx]; areas are unmapped whole",
				       (unsigned long long)a_first, (unsigned long long)a_last,
				       (unsigned long long)first, (unsigned long long)last);
			break;
		}
		sim_area_remove(sim, obj_off, off);
		done += a_last - a_first + 1;
		if (a_last >= last)
			break;
		start = a_last + 1;
	}
	if (sim->corrupt)
		ret = -EUCLEAN;
	if (unmapped)
		*unmapped = done;
	return ret;
}

void sim_ioas_destroy(struct sim *sim, uint64_t obj_off)
{
	uint64_t limit = itree_max_nodes(sim);
	struct sim_ioas *ioas;

	/* The gaps go first: nothing needs them kept up to date any more. */
	sim_gaps_destroy(sim, obj_off);
	sim_unmap_range(sim, obj_off, 0, SIM_ULONG_MAX, NULL);
	ioas = ioas_w(sim, obj_off);
	for (uint64_t steps = 0; ioas->allow_root && !sim->corrupt && steps <= limit; steps++) {
		uint64_t off = ioas->allow_root;

		itree_erase(sim, &ioas->allow_root, SIM_TAG_ALLOW, off);
		sim_free(sim, off);
	}
	for (uint64_t steps = 0; ioas->resv_root && !sim->corrupt && steps <= limit; steps++) {
		uint64_t off = ioas->resv_root;

		itree_erase(sim, &ioas->resv_root, SIM_TAG_RESV, off);
		sim_free(sim, off);
	}
}

/* ---- alignment ------------------------------------------------------------------------------- */

int sim_check_alignment(struct sim *sim, uint64_t obj_off, uint64_t align)
{
	struct sim_ioas *ioas = ioas_of(sim, obj_off);
	uint64_t page = sim_hdr(sim)->page_size, mask = align - 1, limit = itree_max_nodes(sim);
	uint64_t off = itree_first(sim, ioas->area_root, SIM_TAG_AREA);

	for (uint64_t steps = 0; off && !sim->corrupt; steps++) {
		struct sim_area *a = sim_rec(sim, off, SIM_TAG_AREA);
		uint64_t len = a->n.last - a->n.start + 1;

		if (steps > limit)
			return sim_corrupt(sim, "area tree loops");
		if ((a->n.start & mask) || (len & mask) || ((a->start_byte % page) & mask))
			return sim_fail(sim, EADDRINUSE, "the area [0x%llx, 0x%llx] is not aligned to "
					"0x%llx", (unsigned long long)a->n.start,
					(unsigned long long)a->n.last, (unsigned long long)align);
		off = itree_next(sim, off, SIM_TAG_AREA);
	}
	return sim->corrupt ? -EUCLEAN : 0;
}

/* The kernel's iopt_calculate_iova_alignment.  The only accesses simulated
 * are the HW queues' internal ones (nr_locks), which want PAGE_SIZE. */
int sim_ioas_recalc_alignment(struct sim *sim, uint64_t obj_off)
{
	const struct sim_ioas *cur = ioas_of(sim, obj_off);
	uint64_t page = sim_hdr(sim)->page_size;
	uint64_t want = cur->disable_large_pages || cur->nr_locks ? page : 1;
	struct sim_ioas *ioas;
	int ret;

	want = SIM_MAX(want, sim_ioas_domain_pgsize(sim, obj_off));
	ioas = ioas_of(sim, obj_off);
	if (want > ioas->iova_alignment) {
		ret = sim_check_alignment(sim, obj_off, want);
		if (ret)
			return ret;
	}
	if (want != ioas->iova_alignment)
		ioas_w(sim, obj_off)->iova_alignment = want;
	return 0;
}


/* ---- reserved ranges ------------------------------------------------------------------------- */

int sim_reserve_iova(struct sim *sim, uint64_t obj_off, uint64_t start, uint64_t last,
		     uint64_t owner)
{
	struct sim_ioas *ioas = ioas_of(sim, obj_off);
	struct sim_resv *r;
	uint64_t off;
	int ret;

	if (itree_first_overlap(sim, ioas->area_root, SIM_TAG_AREA, start, last))
		return sim_fail(sim, EADDRINUSE, "[0x%llx, 0x%llx] overlaps a mapped area",
				(unsigned long long)start, (unsigned long long)last);
	if (itree_first_overlap(sim, ioas->allow_root, SIM_TAG_ALLOW, start, last))
		return sim_fail(sim, EADDRINUSE, "[0x%llx, 0x%llx] overlaps an allowed range",
				(unsigned long long)start, (unsigned long long)last);
	if (sim->corrupt)
		return -EUCLEAN;
	/* The range and a gap it may split. */
	ret = sim_reserve(sim, 2, 0);
	if (ret)
		return ret;
	off = sim_alloc(sim, SIM_TAG_RESV);
	if (!off)
		return sim->corrupt ? -EUCLEAN : -ENOMEM;
	r = sim_recw(sim, off, SIM_TAG_RESV);
	r->n.start = start;
	r->n.last = last;
	r->owner = owner;
	itree_insert(sim, &ioas_w(sim, obj_off)->resv_root, SIM_TAG_RESV, off);
	sim_gaps_cover(sim, obj_off, start, last);
	sim->dirty = true;
	return sim->corrupt ? -EUCLEAN : 0;
}

void sim_remove_reserved(struct sim *sim, uint64_t obj_off, uint64_t owner)
{
	uint64_t limit = itree_max_nodes(sim);
	uint64_t off = itree_first(sim, ioas_of(sim, obj_off)->resv_root, SIM_TAG_RESV);

	for (uint64_t steps = 0; off && !sim->corrupt; steps++) {
		uint64_t next = itree_next(sim, off, SIM_TAG_RESV);
		struct sim_resv *r = sim_rec(sim, off, SIM_TAG_RESV);

		if (steps > limit) {
			sim_corrupt(sim, "reserved tree loops");
			return;
		}
		if (r->owner == owner) {
			uint64_t start = r->n.start, last = r->n.last;

			itree_erase(sim, &ioas_w(sim, obj_off)->resv_root, SIM_TAG_RESV, off);
			sim_free(sim, off);
			sim_gaps_uncover(sim, obj_off, start, last);
			sim->dirty = true;
		}
		off = next;
	}
}

int sim_disable_large_pages(struct sim *sim, uint64_t obj_off)
{
	struct sim_ioas *ioas = ioas_of(sim, obj_off);
	int ret;

	if (ioas->disable_large_pages)
		return 0;
	if (ioas->nr_domains && ioas->area_root)
		return sim_fail(sim, EINVAL, "domains are attached and areas are mapped");
	ioas_w(sim, obj_off)->disable_large_pages = 1;
	ret = sim_ioas_recalc_alignment(sim, obj_off);
	if (ret)
		ioas_w(sim, obj_off)->disable_large_pages = 0;
	sim->dirty = true;
	return ret;
}

void sim_enable_large_pages(struct sim *sim, uint64_t obj_off)
{
	if (ioas_of(sim, obj_off)->disable_large_pages)
		ioas_w(sim, obj_off)->disable_large_pages = 0;
	sim_ioas_recalc_alignment(sim, obj_off);
	sim->dirty = true;
}

/* ---- VFIO type1 cuts ------------------------------------------------------------------------- */

/* The kernel's iopt_area_split: 'iova' becomes the last byte of the left part. */
static int area_split(struct sim *sim, uint64_t obj_off, uint64_t off, uint64_t iova)
{
	struct sim_ioas *ioas = ioas_of(sim, obj_off);
	struct sim_area *a = sim_rec(sim, off, SIM_TAG_AREA);
	uint64_t align = ioas->iova_alignment, start = a->n.start, last = a->n.last;
	uint64_t new_start = iova + 1, rhs;

	if (iova == start || iova == last)
		return 0;
	if ((new_start & (align - 1)) || ((a->start_byte + (new_start - start)) & (align - 1)))
		return sim_fail(sim, EINVAL, "cannot cut the area [0x%llx, 0x%llx] after 0x%llx: "
				"misaligned for 0x%llx", (unsigned long long)start,
				(unsigned long long)last, (unsigned long long)iova,
				(unsigned long long)align);
	/* A domain may hold it in huge IOPTEs, which cannot be split. */
	if (ioas->nr_domains && !ioas->disable_large_pages)
		return sim_fail(sim, EINVAL, "cannot cut the area [0x%llx, 0x%llx]: it is mapped in a "
				"domain that may use huge pages", (unsigned long long)start,
				(unsigned long long)last);
	rhs = area_insert(sim, obj_off, a->pages, new_start, last,
			  a->start_byte + (new_start - start), a->prot, false);
	if (!rhs)
		return sim->corrupt ? -EUCLEAN : -ENOMEM;
	/* Shrink the left part: its key is unchanged, its 'last' feeds the
	 * augmentation, so take it out and put it back. */
	ioas = ioas_w(sim, obj_off);
	a = sim_recw(sim, off, SIM_TAG_AREA);
	itree_erase(sim, &ioas->area_root, SIM_TAG_AREA, off);
	a->n.last = iova;
	itree_insert(sim, &ioas->area_root, SIM_TAG_AREA, off);
	/* area_insert counted the right part's bytes again */
	ioas->mapped_bytes -= last - new_start + 1;
	sim_hdrw(sim)->mapped_bytes -= last - new_start + 1;
	return sim->corrupt ? -EUCLEAN : 0;
}

int sim_cut_iova(struct sim *sim, uint64_t obj_off, const uint64_t *iovas, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct sim_ioas *ioas = ioas_of(sim, obj_off);
		uint64_t off = itree_first_overlap(sim, ioas->area_root, SIM_TAG_AREA, iovas[i],
						   iovas[i]);
		int ret;

		if (!off)
			continue;
		ret = area_split(sim, obj_off, off, iovas[i]);
		if (ret)
			return ret;
	}
	return sim->corrupt ? -EUCLEAN : 0;
}
