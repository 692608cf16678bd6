// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the simulator offers beyond the ioctls: information about the state,
 * listings the kernel cannot give, reset, and simulator-owned memory.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"
#include "ifd-abi.h"

int sim_info(struct sim *sim, struct ifd_sim_info *info)
{
	struct sim_hdr *h;
	int ret = sim_enter(sim, NULL, 0);

	if (ret)
		return ret;
	h = sim_hdr(sim);
	memset(info, 0, sizeof(*info));
	snprintf(info->path, sizeof(info->path), "%s", sim->path);
	snprintf(info->profile, sizeof(info->profile), "%.31s", h->profile);
	info->format_version = h->format_version;
	info->file_size = h->file_size;
	for (unsigned int c = 0; c < SIM_NR_CLASSES; c++)
		info->used_bytes += h->nr_live[c] * sim_class_size(c);
	info->used_bytes += SIM_HDR_SIZE + h->mem_bytes + h->journal.j.ext_bytes;
	info->page_size = h->page_size;
	info->hpage_size = h->hpage_size;
	info->nr_contexts = (uint32_t)h->nr_contexts;
	info->nr_objects = (uint32_t)h->nr_objects;
	info->nr_areas = h->nr_areas;
	info->mapped_bytes = h->mapped_bytes;
	info->sim_mem_bytes = h->mem_bytes;
	info->generation = h->generation;
	snprintf(info->kernel_version, sizeof(info->kernel_version), "%.31s", h->kernel_version);
	return sim_leave(sim, 0);
}

static void platform_out(const struct sim_platform *p, struct ifd_sim_platform *out)
{
	static const char *const names[SIM_IOMMU_NR] = {
		[SIM_IOMMU_MOCK] = "selftest", [SIM_IOMMU_VTD] = "intel-vtd",
		[SIM_IOMMU_AMD] = "amd-vi", [SIM_IOMMU_SMMUV3] = "arm-smmuv3",
		[SIM_IOMMU_SPAPR] = "spapr",
	};

	memset(out, 0, sizeof(*out));
	snprintf(out->iommu, sizeof(out->iommu), "%s",
		 p->iommu < SIM_IOMMU_NR ? names[p->iommu] : "?");
	out->aperture_bits = p->aperture_bits;
	out->hw_info_type = p->hw_info_type;
	out->pgsize_bitmap = p->pgsize_bitmap;
	out->aperture_start = p->aperture_start;
	out->aperture_last = p->aperture_last;
	out->hw_caps = p->hw_caps;
	out->max_pasid_log2 = p->max_pasid_log2;
	for (uint32_t i = 0; i < p->nr_resv && i < IFD_SIM_MAX_RESV && i < SIM_PLAT_MAX_RESV; i++) {
		out->resv[i].start = p->resv[i].start;
		out->resv[i].last = p->resv[i].last;
		snprintf(out->resv[i].type, sizeof(out->resv[i].type), "%s",
			 sim_resv_type_name(p->resv[i].type));
		out->nr_resv++;
	}
}

/* The platform's description (out, if not NULL) and its GET_HW_INFO payload
 * (up to len bytes to hw_info, if not NULL); returns the payload's length
 * when hw_info was asked for, else 0. */
int sim_platform_info(struct sim *sim, struct ifd_sim_platform *out, void *hw_info, size_t len)
{
	const struct sim_platform *p;
	int ret = sim_enter(sim, NULL, 0);

	if (ret)
		return ret;
	/* validated at the lock: the platform is what its profile makes */
	p = sim_platform(sim);
	if (hw_info) {
		memcpy(hw_info, p->hw_info, SIM_MIN(len, SIM_MIN(p->hw_info_len, sizeof(p->hw_info))));
		ret = (int)p->hw_info_len;
	}
	if (out)
		platform_out(p, out);
	return sim_leave(sim, ret);
}

/* ---- lock-free statistics ------------------------------------------------------------------ */

/* Give up on a writer that is alive but holds the state this long. */
#define STATS_PATIENCE_NS	(10ull * 1000000000ull)

#define LOAD(f)	__atomic_load_n(&h->f, __ATOMIC_RELAXED)

/* A copy of the counters between two equal, even sequence counts. */
static bool stats_copy(const struct sim_hdr *h, struct ifd_sim_stats *st)
{
	uint64_t seq = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE), records = 0, used = 0;

	if (seq & 1)
		return false;
	for (unsigned int c = 0; c < SIM_NR_CLASSES; c++) {
		uint64_t n = LOAD(nr_live[c]);

		records += n;
		used += n * sim_class_size(c);
	}
	st->generation = LOAD(generation);
	st->file_size = LOAD(file_size);
	st->nr_contexts = (uint32_t)LOAD(nr_contexts);
	st->nr_objects = (uint32_t)LOAD(nr_objects);
	st->nr_areas = LOAD(nr_areas);
	st->mapped_bytes = LOAD(mapped_bytes);
	st->sim_mem_bytes = LOAD(mem_bytes);
	st->nr_records = records;
	st->journal_bytes = LOAD(journal.j.ext_bytes);
	st->recoveries = LOAD(journal.j.recoveries);
	st->used_bytes = SIM_HDR_SIZE + used + st->sim_mem_bytes + st->journal_bytes;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&h->seq, __ATOMIC_RELAXED) == seq;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int sim_stats(struct sim *sim, struct ifd_sim_stats *stats)
{
	const struct sim_hdr *h = sim->hdr_map;
	uint64_t start = 0;
	uint32_t retries = 0;
	struct stat st;

	/* The header is mapped apart and never moves; a file cut below it
	 * must not be read. */
	if (!h)
		return -EBADF;
	if (fstat(sim->fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size < SIM_HDR_SIZE || memcmp(h->magic, SIM_MAGIC, 8))
		return -EUCLEAN;
	if (h->format_version != SIM_FORMAT_VERSION)
		return -EPROTO;
	memset(stats, 0, sizeof(*stats));
	while (!stats_copy(h, stats)) {
		retries++;
		if (retries < 64) {
			sched_yield();
			continue;
		}
		/* Long odd: a live writer at work, or a dead one to roll back. */
		if (!start)
			start = now_ns();
		if (retries % 16 == 0) {
			int ret = sim_reader_probe(sim);

			if (ret < 0)
				return ret;
			if (ret)
				continue;
		}
		if (now_ns() - start > STATS_PATIENCE_NS)
			return -EBUSY;
		nanosleep(&(struct timespec){ .tv_nsec = 200000 }, NULL);
	}
	stats->retries = retries;
	return 0;
}

#undef LOAD

int sim_reset(struct sim *sim)
{
	uint64_t off, limit;
	int ret = sim_enter(sim, NULL, 0);

	if (ret)
		return ret;
	limit = itree_max_nodes(sim);
	off = itree_first(sim, sim_hdr(sim)->ctx_root, SIM_TAG_CTX);
	for (uint64_t steps = 0; off && !sim->corrupt && steps <= limit; steps++) {
		sim_ctx_empty(sim, off);
		off = itree_next(sim, off, SIM_TAG_CTX);
	}
	sim->dirty = true;
	return sim_leave(sim, 0);
}

int sim_objects(struct sim *sim, struct ifd_sim_object **objs, size_t *nr)
{
	struct ifd_sim_object *v;
	uint64_t n, off, i = 0;
	int ret = sim_enter(sim, NULL, 0);

	if (ret)
		return ret;
	n = sim_my_ctx(sim)->nr_objects;
	if (n > itree_max_nodes(sim))
		return sim_leave(sim, sim_corrupt(sim, "object count exceeds the file"));
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return sim_leave(sim, -ENOMEM);
	off = itree_first(sim, sim_my_ctx(sim)->obj_root, SIM_TAG_OBJ);
	for (; off && i < n && !sim->corrupt; i++, off = itree_next(sim, off, SIM_TAG_OBJ)) {
		struct sim_obj *obj = sim_rec(sim, off, SIM_TAG_OBJ);

		v[i].id = (uint32_t)obj->n.start;
		snprintf(v[i].type, sizeof(v[i].type), "%s", sim_obj_type_name(obj->type));
		v[i].users = obj->users;
	}
	if (off && !sim->corrupt)
		sim_corrupt(sim, "object count disagrees with the object table");
	ret = sim_leave(sim, 0);
	if (ret) {
		free(v);
		return ret;
	}
	*objs = v;
	*nr = (size_t)i;
	return 0;
}

static void area_out(struct sim *sim, const struct sim_area *a, struct ifd_sim_area *out)
{
	struct sim_pages *p = sim_rec(sim, a->pages, SIM_TAG_PAGES);

	out->iova = a->n.start;
	out->last = a->n.last;
	out->flags = a->prot;
	out->pid = p->pid;
	out->pid_start_time = p->pid_start;
	switch (p->type) {
	case SIM_SRC_FILE:
		out->source = IFD_SIM_SRC_FILE;
		out->dev = p->dev;
		out->ino = p->ino;
		out->offset = p->base + a->start_byte;
		break;
	case SIM_SRC_SIM_MEM:
		out->source = IFD_SIM_SRC_SIM_MEM;
		out->user_va = p->base + a->start_byte;
		break;
	default:
		out->source = IFD_SIM_SRC_USER;
		out->user_va = p->base + a->start_byte;
		break;
	}
}

int sim_areas(struct sim *sim, uint32_t ioas_id, struct ifd_sim_area **areas, size_t *nr)
{
	struct ifd_sim_area *v;
	uint64_t obj, n, off, i = 0;
	int ret = sim_enter(sim, NULL, 0);

	if (ret)
		return ret;
	ret = sim_get_obj(sim, ioas_id, SIM_OBJ_IOAS, &obj);
	if (ret)
		return sim_leave(sim, ret);
	n = ((struct sim_obj *)sim_rec(sim, obj, SIM_TAG_OBJ))->ioas.nr_areas;
	if (n > itree_max_nodes(sim))
		return sim_leave(sim, sim_corrupt(sim, "area count exceeds the file"));
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return sim_leave(sim, -ENOMEM);
	off = itree_first(sim, ((struct sim_obj *)sim_rec(sim, obj, SIM_TAG_OBJ))->ioas.area_root,
			  SIM_TAG_AREA);
	for (; off && i < n && !sim->corrupt; i++, off = itree_next(sim, off, SIM_TAG_AREA))
		area_out(sim, sim_rec(sim, off, SIM_TAG_AREA), &v[i]);
	if (off && !sim->corrupt)
		sim_corrupt(sim, "area count disagrees with the area tree");
	ret = sim_leave(sim, 0);
	if (ret) {
		free(v);
		return ret;
	}
	*areas = v;
	*nr = (size_t)i;
	return 0;
}

int sim_allowed(struct sim *sim, uint32_t ioas_id, struct ifd_range **ranges, uint32_t *nr)
{
	struct ifd_range *v;
	uint64_t obj, n, off, root, i = 0;
	int ret = sim_enter(sim, NULL, 0);

	if (ret)
		return ret;
	ret = sim_get_obj(sim, ioas_id, SIM_OBJ_IOAS, &obj);
	if (ret)
		return sim_leave(sim, ret);
	root = ((struct sim_obj *)sim_rec(sim, obj, SIM_TAG_OBJ))->ioas.allow_root;
	n = itree_count(sim, root, SIM_TAG_ALLOW);
	if (n > itree_max_nodes(sim) || n > UINT32_MAX)
		return sim_leave(sim, sim_corrupt(sim, "allowed count exceeds the file"));
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return sim_leave(sim, -ENOMEM);
	off = itree_first(sim, root, SIM_TAG_ALLOW);
	for (; off && i < n && !sim->corrupt; i++, off = itree_next(sim, off, SIM_TAG_ALLOW)) {
		struct sim_tnode *t = sim_node(sim, off, SIM_TAG_ALLOW);

		v[i].start = t->start;
		v[i].last = t->last;
	}
	ret = sim_leave(sim, 0);
	if (ret) {
		free(v);
		return ret;
	}
	*ranges = v;
	*nr = (uint32_t)i;
	return 0;
}

/* ---- sim memory ------------------------------------------------------------------------------ */

/* Take 'len' bytes from the first free extent that has them; 0 if none. */
static uint64_t take_free_extent(struct sim *sim, uint64_t len)
{
	struct sim_hdr *h = sim_hdrw(sim);
	uint64_t limit = itree_max_nodes(sim);
	uint64_t off = itree_first(sim, h->mem_free_root, SIM_TAG_EXTF);

	for (uint64_t steps = 0; off && !sim->corrupt && steps <= limit; steps++) {
		struct sim_ext *f = sim_rec(sim, off, SIM_TAG_EXTF);
		uint64_t data = f->data, end;

		/* It is about to be written: it must lie among the carved bytes. */
		if (!sim->corrupt && (data < SIM_HDR_SIZE || data % h->page_size ||
				      __builtin_add_overflow(data, f->length, &end) || end > h->bump)) {
			sim_corrupt(sim, "free memory extent 0x%llx lies outside the file",
				    (unsigned long long)off);
			return 0;
		}
		if (f->length >= len) {
			f = sim_recw(sim, off, SIM_TAG_EXTF);
			/* What the bytes held before is of no account (sim_mem_alloc zeroes them). */
			sim_verify_fresh(sim, data, len);
			itree_erase(sim, &h->mem_free_root, SIM_TAG_EXTF, off);
			h->nr_mem_free--;
			h->mem_free_bytes -= f->length;
			if (f->length == len) {
				sim_free(sim, off);
			} else {
				f->data += len;
				f->length -= len;
				f->n.start = f->data;
				f->n.last = f->data + f->length - 1;
				itree_insert(sim, &h->mem_free_root, SIM_TAG_EXTF, off);
				h->nr_mem_free++;
				h->mem_free_bytes += f->length;
			}
			return data;
		}
		off = itree_next(sim, off, SIM_TAG_EXTF);
	}
	return 0;
}

int sim_mem_alloc(struct sim *sim, uint64_t length, uint64_t *va)
{
	struct sim_hdr *h;
	uint64_t len, data, off, page;
	struct sim_ext *ext;
	int ret = sim_enter(sim, NULL, 0);

	if (ret)
		return ret;
	h = sim_hdr(sim);
	page = h->page_size;
	if (!length || length > SIM_MEM_VA_END - SIM_MEM_VA_BASE)
		return sim_leave(sim, -EINVAL);
	len = (length + page - 1) & ~(page - 1);
	ret = sim_reserve(sim, 2, 0);
	if (ret)
		return sim_leave(sim, ret);
	data = take_free_extent(sim, len);
	if (!data && !sim->corrupt)
		data = sim_extent_carve(sim, len, page);
	if (!data)
		return sim_leave(sim, sim->corrupt ? -EUCLEAN : -ENOMEM);
	if (data + len > SIM_MEM_VA_END - SIM_MEM_VA_BASE)
		return sim_leave(sim, -ENOMEM);
	off = sim_alloc(sim, SIM_TAG_EXT);
	if (!off)
		return sim_leave(sim, sim->corrupt ? -EUCLEAN : -ENOMEM);
	h = sim_hdrw(sim);
	ext = sim_recw(sim, off, SIM_TAG_EXT);
	ext->data = data;
	ext->length = len;
	ext->n.start = SIM_MEM_VA_BASE + data;
	ext->n.last = ext->n.start + len - 1;
	itree_insert(sim, &h->mem_root, SIM_TAG_EXT, off);
	h->nr_mem++;
	h->mem_bytes += len;
	memset(sim->base + data, 0, len);
	*va = ext->n.start;
	return sim_leave(sim, 0);
}

/* Put [data, data+len) back, merged with free neighbours. */
static void give_back_extent(struct sim *sim, uint64_t off)
{
	struct sim_hdr *h = sim_hdrw(sim);
	struct sim_ext *f = sim_recw(sim, off, SIM_TAG_EXTF);
	uint64_t nb;

	if (f->data) {
		nb = itree_first_overlap(sim, h->mem_free_root, SIM_TAG_EXTF, f->data - 1, f->data - 1);
		if (nb) {
			struct sim_ext *p = sim_rec(sim, nb, SIM_TAG_EXTF);

			itree_erase(sim, &h->mem_free_root, SIM_TAG_EXTF, nb);
			h->nr_mem_free--;
			h->mem_free_bytes -= p->length;
			f->data = p->data;
			f->length += p->length;
			sim_free(sim, nb);
		}
	}
	nb = itree_first_overlap(sim, h->mem_free_root, SIM_TAG_EXTF, f->data + f->length,
				 f->data + f->length);
	if (nb) {
		struct sim_ext *n = sim_rec(sim, nb, SIM_TAG_EXTF);

		itree_erase(sim, &h->mem_free_root, SIM_TAG_EXTF, nb);
		h->nr_mem_free--;
		h->mem_free_bytes -= n->length;
		f->length += n->length;
		sim_free(sim, nb);
	}
	f->n.start = f->data;
	f->n.last = f->data + f->length - 1;
	itree_insert(sim, &h->mem_free_root, SIM_TAG_EXTF, off);
	h->nr_mem_free++;
	h->mem_free_bytes += f->length;
}

int sim_mem_free(struct sim *sim, uint64_t va)
{
	struct sim_hdr *h;
	struct sim_ext *ext;
	uint64_t off;
	int ret = sim_enter(sim, NULL, 0);

	if (ret)
		return ret;
	h = sim_hdr(sim);
	off = itree_find(sim, h->mem_root, SIM_TAG_EXT, va);
	if (!off)
		return sim_leave(sim, sim->corrupt ? -EUCLEAN : -ENOENT);
	ext = sim_rec(sim, off, SIM_TAG_EXT);
	if (ext->refs)
		return sim_leave(sim, -EBUSY);
	h = sim_hdrw(sim);
	ext = sim_recw(sim, off, SIM_TAG_EXT);
	itree_erase(sim, &h->mem_root, SIM_TAG_EXT, off);
	h->nr_mem--;
	h->mem_bytes -= ext->length;
	/* The record becomes the free extent's. */
	ext->r.tag = SIM_TAG_EXTF;
	memset(&ext->n, 0, sizeof(ext->n));
	ext->refs = 0;
	give_back_extent(sim, off);
	return sim_leave(sim, 0);
}

/* ---- reserved ranges ------------------------------------------------------------------------- */

int sim_add_reserved(struct sim *sim, uint32_t ioas_id, uint64_t start, uint64_t last,
		     char *detail, size_t dlen)
{
	uint64_t obj;
	int ret = sim_enter(sim, detail, dlen);

	if (ret)
		return ret;
	ret = sim_get_obj(sim, ioas_id, SIM_OBJ_IOAS, &obj);
	if (ret)
		return sim_leave(sim, ret);
	if (start > last)
		return sim_leave(sim, sim_fail(sim, EINVAL, "start 0x%llx is past last 0x%llx",
					       (unsigned long long)start, (unsigned long long)last));
	ret = sim_reserve(sim, 1, 0);
	if (!ret)
		ret = sim_reserve_iova(sim, obj, start, last, 0);
	return sim_leave(sim, ret);
}
