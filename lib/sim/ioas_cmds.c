// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The IOAS commands: each checks its arguments in the order the kernel does
 * (ioas.c, io_pagetable.c, pages.c of 7.2), so that an argument with several
 * faults gets the kernel's errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/capability.h>

#include "cmds.h"
#include "ifd-abi.h"

#define MAP_FLAGS (IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)
#define MAP_PROT (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)

int sim_cmd_ioas_alloc(struct sim_ucmd *uc)
{
	struct iommu_ioas_alloc *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t off;
	int ret;

	if (cmd->flags)
		return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x", cmd->flags);
	/* the object and its first gap */
	ret = sim_reserve(sim, 2, 0);
	if (ret)
		return ret;
	ret = sim_obj_new(sim, SIM_OBJ_IOAS, &off);
	if (ret)
		return ret;
	sim_ioas_init(sim, off);
	cmd->out_ioas_id = (uint32_t)((struct sim_obj *)sim_rec(sim, off, SIM_TAG_OBJ))->n.start;
	ret = sim_respond(uc);
	if (ret) {
		/* Not published: the ID and the first gap go back. */
		sim_gaps_destroy(sim, off);
		sim_obj_abort(sim, off);
		return ret;
	}
	sim_obj_finalize(sim, off);
	return 0;
}

static struct sim_ioas *ioas_at(struct sim *sim, uint64_t off)
{
	return &((struct sim_obj *)sim_rec(sim, off, SIM_TAG_OBJ))->ioas;
}

static struct sim_ioas *ioas_at_w(struct sim *sim, uint64_t off)
{
	return &((struct sim_obj *)sim_recw(sim, off, SIM_TAG_OBJ))->ioas;
}

/* ---- IOVA_RANGES --------------------------------------------------------------------------- */

int sim_resv_holes(struct sim *sim, uint64_t ioas_off,
		   int (*fn)(void *arg, uint64_t start, uint64_t last), void *arg)
{
	uint64_t r = itree_first(sim, ioas_at(sim, ioas_off)->resv_root, SIM_TAG_RESV);
	uint64_t pos = 0, limit = itree_max_nodes(sim);
	bool done = false;
	int ret;

	for (uint64_t steps = 0; !done && !sim->corrupt; steps++) {
		struct sim_tnode *n = r ? sim_node(sim, r, SIM_TAG_RESV) : NULL;

		if (steps > limit)
			return sim_corrupt(sim, "reserved tree loops");
		if (n && n->start <= pos) {
			/* covered from pos on (reserved ranges may overlap) */
			if (n->last >= pos) {
				if (n->last == SIM_ULONG_MAX)
					done = true;
				else
					pos = n->last + 1;
			}
			r = itree_next(sim, r, SIM_TAG_RESV);
			continue;
		}
		ret = fn(arg, pos, n ? n->start - 1 : SIM_ULONG_MAX);
		if (ret)
			return ret;
		if (!n)
			done = true;
		pos = n ? n->start : 0;
	}
	return sim->corrupt ? -EUCLEAN : 0;
}

struct ranges_out {
	struct sim *sim;
	struct iommu_ioas_iova_ranges *cmd;
	uint32_t max;
};

/* Write one range if the caller's array has room; count it either way. */
static int put_range(void *arg, uint64_t start, uint64_t last)
{
	struct ranges_out *o = arg;
	struct iommu_iova_range elm = { .start = start, .last = last };

	if (o->cmd->num_iovas < o->max &&
	    sim_uwrite(o->sim, o->cmd->allowed_iovas + (uint64_t)o->cmd->num_iovas * sizeof(elm),
		       &elm, sizeof(elm)))
		return sim_fail(o->sim, EFAULT, "cannot write range %u to allowed_iovas",
				o->cmd->num_iovas);
	o->cmd->num_iovas++;
	return 0;
}

int sim_cmd_iova_ranges(struct sim_ucmd *uc)
{
	struct iommu_ioas_iova_ranges *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	struct ranges_out out;
	uint64_t off;
	uint32_t max;
	int ret;

	if (cmd->__reserved)
		return sim_fail(sim, EOPNOTSUPP, "__reserved is not zero");
	ret = sim_get_obj(sim, cmd->ioas_id, SIM_OBJ_IOAS, &off);
	if (ret)
		return ret;
	max = cmd->num_iovas;
	cmd->num_iovas = 0;
	cmd->out_iova_alignment = ioas_at(sim, off)->iova_alignment;

	/* The holes of the reserved ranges over the whole IOVA space. */
	out = (struct ranges_out){ .sim = sim, .cmd = cmd, .max = max };
	ret = sim_resv_holes(sim, off, put_range, &out);
	if (ret)
		return ret;
	ret = sim_respond(uc);
	if (ret)
		return ret;
	if (cmd->num_iovas > max)
		return sim_fail(sim, EMSGSIZE, "%u ranges, room for %u: num_iovas says how many",
				cmd->num_iovas, max);
	return 0;
}

/* ---- ALLOW_IOVAS --------------------------------------------------------------------------- */

/* Ordering where overlapping ranges compare equal: in a tree of disjoint
 * ranges, finding an "equal" one is finding an overlap. */
static int overlap_cmp(const void *a, const void *b)
{
	const struct iommu_iova_range *x = a, *y = b;

	if (x->last < y->start)
		return -1;
	if (y->last < x->start)
		return 1;
	return 0;
}

static int start_cmp(const void *a, const void *b)
{
	const struct iommu_iova_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void no_free(void *p)
{
	(void)p;
}

/* Read up to 'num' ranges; *nread stops at the first one that faults. */
static int read_ranges(struct sim *sim, uint64_t uptr, uint32_t num, struct iommu_iova_range **out,
		       uint32_t *nread)
{
	const uint32_t chunk = 256;
	struct iommu_iova_range *v = NULL;
	uint32_t n = 0, cap = 0;

	while (n < num) {
		uint32_t k = num - n < chunk ? num - n : chunk;
		uint64_t at = uptr + (uint64_t)n * sizeof(*v);

		if (n + k > cap) {
			uint32_t ncap = cap ? (cap > UINT32_MAX / 2 ? UINT32_MAX : cap * 2) : chunk;
			void *nv;

			while (ncap < n + k)
				ncap = ncap > UINT32_MAX / 2 ? UINT32_MAX : ncap * 2;
			nv = realloc(v, (size_t)ncap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap = ncap;
		}
		if (sim_uread(sim, &v[n], at, (size_t)k * sizeof(*v)) == 0) {
			n += k;
			continue;
		}
		/* Something in this chunk faults: find the first entry that does. */
		for (uint32_t i = 0; i < k; i++, n++)
			if (sim_uread(sim, &v[n], at + (uint64_t)i * sizeof(*v), sizeof(*v)))
				break;
		break;
	}
	*out = v;
	*nread = n;
	return 0;
}

int sim_cmd_allow_iovas(struct sim_ucmd *uc)
{
	struct iommu_ioas_allow_iovas *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	struct iommu_iova_range *v = NULL;
	struct sim_ioas *ioas;
	void *tree = NULL;
	uint32_t nread = 0, i;
	uint64_t off, limit;
	int ret;

	if (cmd->__reserved)
		return sim_fail(sim, EOPNOTSUPP, "__reserved is not zero");
	ret = sim_get_obj(sim, cmd->ioas_id, SIM_OBJ_IOAS, &off);
	if (ret)
		return ret;

	/* Validate in the kernel's order: entry by entry, a fault or a bad entry
	 * ends it, whichever comes first. */
	ret = read_ranges(sim, cmd->allowed_iovas, cmd->num_iovas, &v, &nread);
	if (ret)
		return ret;
	for (i = 0; i < nread; i++) {
		struct iommu_iova_range **hit;

		if (v[i].start >= v[i].last) {
			ret = sim_fail(sim, EINVAL, "range %u [0x%llx, 0x%llx]: start must be below last",
				       i, (unsigned long long)v[i].start,
				       (unsigned long long)v[i].last);
			goto out;
		}
		hit = tfind(&v[i], &tree, overlap_cmp);
		if (hit) {
			ret = sim_fail(sim, EINVAL, "range %u [0x%llx, 0x%llx] overlaps range %u",
				       i, (unsigned long long)v[i].start,
				       (unsigned long long)v[i].last, (uint32_t)(*hit - v));
			goto out;
		}
		if (!tsearch(&v[i], &tree, overlap_cmp)) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (nread < cmd->num_iovas) {
		ret = sim_fail(sim, EFAULT, "cannot read range %u of allowed_iovas", nread);
		goto out;
	}
	if (nread)
		qsort(v, nread, sizeof(*v), start_cmp);
	/* No allowed range may cover a reserved one; the old list stays if one does. */
	for (i = 0; i < nread; i++) {
		uint64_t r = itree_first_overlap(sim, ioas_at(sim, off)->resv_root, SIM_TAG_RESV,
						 v[i].start, v[i].last);

		if (r) {
			struct sim_tnode *n = sim_node(sim, r, SIM_TAG_RESV);

			ret = sim_fail(sim, EADDRINUSE, "[0x%llx, 0x%llx] overlaps the reserved range "
				       "[0x%llx, 0x%llx]", (unsigned long long)v[i].start,
				       (unsigned long long)v[i].last, (unsigned long long)n->start,
				       (unsigned long long)n->last);
			goto out;
		}
	}
	if (sim->corrupt) {
		ret = -EUCLEAN;
		goto out;
	}
	ret = sim_reserve(sim, nread, 0);
	if (ret)
		goto out;
	/* Swap the lists. */
	ioas = ioas_at_w(sim, off);
	limit = itree_max_nodes(sim);
	for (uint64_t steps = 0; ioas->allow_root && !sim->corrupt && steps <= limit; steps++) {
		uint64_t a = ioas->allow_root;

		itree_erase(sim, &ioas->allow_root, SIM_TAG_ALLOW, a);
		sim_free(sim, a);
	}
	for (i = 0; i < nread && !sim->corrupt; i++) {
		uint64_t a = sim_alloc(sim, SIM_TAG_ALLOW);
		struct sim_allow *al;

		if (!a) {
			ret = sim->corrupt ? -EUCLEAN : -ENOMEM;
			goto out;
		}
		al = sim_recw(sim, a, SIM_TAG_ALLOW);
		al->n.start = v[i].start;
		al->n.last = v[i].last;
		itree_insert(sim, &ioas_at_w(sim, off)->allow_root, SIM_TAG_ALLOW, a);
	}
	sim->dirty = true;
	ret = sim->corrupt ? -EUCLEAN : 0;
out:
	tdestroy(tree, no_free);
	free(v);
	return ret;
}

/* ---- MAP and MAP_FILE ----------------------------------------------------------------------- */

static int map_common(struct sim *sim, uint64_t ioas_off, uint64_t pages, uint64_t start_byte,
		      uint64_t length, uint64_t *iova, uint32_t flags)
{
	struct sim_piece piece = { pages, start_byte, length };
	struct sim_pages *p = sim_recw(sim, pages, SIM_TAG_PAGES);
	int ret;

	/* An "mm"-accounting context charges new sources to the mm. */
	if (sim_my_ctx(sim)->account_mode == SIM_ACCOUNT_MM && p->account_mode == SIM_ACCOUNT_USER)
		p->account_mode = SIM_ACCOUNT_MM;

	/* Hold the new source across the map: its areas may come and go (a
	 * failed pin removes them), and it goes with the last reference. */
	p->refs++;
	ret = sim_map_pieces(sim, ioas_off, &piece, 1, length, iova, flags & MAP_PROT,
			     !(flags & IOMMU_IOAS_MAP_FIXED_IOVA));
	sim_pages_put(sim, pages);
	return ret;
}

int sim_cmd_ioas_map(struct sim_ucmd *uc)
{
	struct iommu_ioas_map *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t off, end, pages, page = sim_hdr(sim)->page_size, iova = cmd->iova;
	int ret;

	if ((cmd->flags & ~MAP_FLAGS) || cmd->__reserved)
		return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x or __reserved not zero",
				cmd->flags & ~MAP_FLAGS);
	if (cmd->iova >= SIM_ULONG_MAX || cmd->length >= SIM_ULONG_MAX)
		return sim_fail(sim, EOVERFLOW, "iova or length is ULONG_MAX");
	if (!(cmd->flags & MAP_PROT))
		return sim_fail(sim, EINVAL, "neither READABLE nor WRITEABLE");
	ret = sim_get_obj(sim, cmd->ioas_id, SIM_OBJ_IOAS, &off);
	if (ret)
		return ret;
	if (__builtin_add_overflow(cmd->user_va, cmd->length, &end))
		return sim_fail(sim, EOVERFLOW, "user_va + length overflows");
	if (cmd->length > SIM_ULONG_MAX - page || cmd->length == 0)
		return sim_fail(sim, EINVAL, "length 0x%llx is 0 or too large",
				(unsigned long long)cmd->length);
	ret = sim_reserve(sim, 2, 0);
	if (ret)
		return ret;
	pages = sim_pages_new_user(sim, cmd->user_va, cmd->length,
				   cmd->flags & IOMMU_IOAS_MAP_WRITEABLE);
	if (!pages)
		return sim->corrupt ? -EUCLEAN : -ENOMEM;
	ret = map_common(sim, off, pages, cmd->user_va - sim_pages_source_addr(sim, pages, 0),
			 cmd->length, &iova, cmd->flags);
	if (ret)
		return ret;
	cmd->iova = iova;
	return sim_respond(uc);
}

/* A dma-buf file names itself "/dmabuf:NAME". */
bool sim_fd_is_dmabuf(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = 0;
	return !strncmp(target, "/dmabuf:", 8) || !strcmp(target, "anon_inode:dmabuf");
}

int sim_cmd_ioas_map_file(struct sim_ucmd *uc)
{
	struct iommu_ioas_map_file *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t off, last, pages, start_byte, page = sim_hdr(sim)->page_size, iova = cmd->iova;
	struct sim_pages *p;
	struct stat st;
	int ret;

	/* 'fd' sits where MAP has __reserved: nothing to check there. */
	if (cmd->flags & ~MAP_FLAGS)
		return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x", cmd->flags & ~MAP_FLAGS);
	if (cmd->iova >= SIM_ULONG_MAX || cmd->length >= SIM_ULONG_MAX)
		return sim_fail(sim, EOVERFLOW, "iova or length is ULONG_MAX");
	if (!(cmd->flags & MAP_PROT))
		return sim_fail(sim, EINVAL, "neither READABLE nor WRITEABLE");
	ret = sim_get_obj(sim, cmd->ioas_id, SIM_OBJ_IOAS, &off);
	if (ret)
		return ret;
	if (!cmd->length)
		return sim_fail(sim, EINVAL, "length is 0");
	if (__builtin_add_overflow(cmd->start, cmd->length - 1, &last))
		return sim_fail(sim, EOVERFLOW, "start + length overflows");
	start_byte = cmd->start % page;
	if (cmd->fd >= 0 && sim_fd_is_dmabuf(cmd->fd) && fstat(cmd->fd, &st) == 0) {
		if ((uint64_t)st.st_size <= last || cmd->length / page >= UINT32_MAX)
			return sim_fail(sim, EINVAL, "[0x%llx, 0x%llx] is not inside the %llu-byte dma-buf",
					(unsigned long long)cmd->start, (unsigned long long)last,
					(unsigned long long)st.st_size);
		return sim_fail(sim, EOPNOTSUPP, "only VFIO PCI dma-bufs can be mapped, and the "
				"simulator has no VFIO devices");
	}
	if (cmd->fd < 0 || fstat(cmd->fd, &st) < 0)
		return sim_fail(sim, EBADF, "fd %d is not open", cmd->fd);
	if (cmd->length > SIM_ULONG_MAX - page)
		return sim_fail(sim, EINVAL, "length 0x%llx is too large",
				(unsigned long long)cmd->length);
	ret = sim_reserve(sim, 2, 0);
	if (ret)
		return ret;
	pages = sim_alloc(sim, SIM_TAG_PAGES);
	if (!pages)
		return sim->corrupt ? -EUCLEAN : -ENOMEM;
	/* Any file is taken: the kernel only looks at it (memfd_pin_folios
	 * wants shmem or hugetlbfs) when pages get pinned, now if a domain is
	 * attached, else at the first attach. */
	sim_pages_note_file(sim, pages, cmd->fd);
	p = sim_recw(sim, pages, SIM_TAG_PAGES);
	p->type = SIM_SRC_FILE;
	p->base = cmd->start - start_byte;
	p->npages = (cmd->length + start_byte + page - 1) / page;
	p->writable = !!(cmd->flags & IOMMU_IOAS_MAP_WRITEABLE);
	/* sim_enter made sim->pid this process */
	p->pid = sim->pid;
	p->pid_start = sim->start_time;
	p->account_mode = sim_capable(sim, CAP_IPC_LOCK) ? SIM_ACCOUNT_NONE : SIM_ACCOUNT_USER;
	p->dev = (uint64_t)st.st_dev;
	p->ino = (uint64_t)st.st_ino;
	ret = map_common(sim, off, pages, start_byte, cmd->length, &iova, cmd->flags);
	if (ret)
		return ret;
	cmd->iova = iova;
	return sim_respond(uc);
}

/* ---- COPY ------------------------------------------------------------------------------------ */

/* The kernel's iopt_get_pages: [iova, iova+length-1] must be covered by
 * areas that touch each other; one piece per area. */
static int get_pieces(struct sim *sim, uint64_t ioas_off, uint64_t iova, uint64_t length,
		      struct sim_piece **out, size_t *nr)
{
	uint64_t last, cur = iova, limit = itree_max_nodes(sim);
	struct sim_piece *v = NULL;
	size_t n = 0, cap = 0;

	if (!length)
		return sim_fail(sim, EINVAL, "length is 0");
	if (__builtin_add_overflow(iova, length - 1, &last))
		return sim_fail(sim, EOVERFLOW, "src_iova + length overflows");
	for (uint64_t steps = 0; !sim->corrupt; steps++) {
		uint64_t a = itree_first_overlap(sim, ioas_at(sim, ioas_off)->area_root, SIM_TAG_AREA,
						 cur, cur);
		struct sim_area *area;

		if (!a || steps > limit) {
			free(v);
			if (a)
				return sim_corrupt(sim, "area tree loops");
			return sim_fail(sim, ENOENT, "nothing is mapped at 0x%llx: [0x%llx, 0x%llx] "
					"must be covered by touching areas",
					(unsigned long long)cur, (unsigned long long)iova,
					(unsigned long long)last);
		}
		area = sim_rec(sim, a, SIM_TAG_AREA);
		if (n == cap) {
			void *nv;

			cap = cap ? cap * 2 : 4;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[n].pages = area->pages;
		v[n].start_byte = area->start_byte + (cur - area->n.start);
		v[n].length = SIM_MIN(last, area->n.last) - cur + 1;
		n++;
		if (last <= area->n.last)
			break;
		cur = area->n.last + 1;
	}
	if (sim->corrupt) {
		free(v);
		return -EUCLEAN;
	}
	*out = v;
	*nr = n;
	return 0;
}

/*
 * The test kernel's syzkaller hook (CONFIG_IOMMUFD_TEST, which the lab's kernel
 * and so the simulator have): a COPY whose flags carry bit 16 has the bit
 * cleared and src_iova read as {u32 nth area, u32 offset} of the source IOAS
 * (little-endian); no such area, or no such IOAS, leaves IOVA 0 / as given.
 */
#define SYZ_CONV_FLAG (1u << 16)
static void syz_conv_src_iova(struct sim *sim, struct iommu_ioas_copy *cmd)
{
	uint32_t nth = (uint32_t)cmd->src_iova, offset = (uint32_t)(cmd->src_iova >> 32);
	uint64_t ioas, a, limit = itree_max_nodes(sim);

	if (!(cmd->flags & SYZ_CONV_FLAG))
		return;
	cmd->flags &= ~SYZ_CONV_FLAG;
	if (sim_get_obj(sim, cmd->src_ioas_id, SIM_OBJ_IOAS, &ioas))
		return;	/* the kernel ignores the lookup failure here; COPY fails later */
	a = itree_first(sim, ioas_at(sim, ioas)->area_root, SIM_TAG_AREA);
	for (uint64_t steps = 0; a && steps <= limit && !sim->corrupt; steps++) {
		if (nth-- == 0) {
			cmd->src_iova = sim_node(sim, a, SIM_TAG_AREA)->start + offset;
			return;
		}
		a = itree_next(sim, a, SIM_TAG_AREA);
	}
	cmd->src_iova = 0;
}

int sim_cmd_ioas_copy(struct sim_ucmd *uc)
{
	struct iommu_ioas_copy *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	struct sim_piece *pieces = NULL;
	uint64_t src, dst, iova = cmd->dst_iova;
	size_t n = 0;
	int ret;

	syz_conv_src_iova(sim, cmd);
	if (cmd->flags & ~MAP_FLAGS)
		return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x", cmd->flags & ~MAP_FLAGS);
	if (cmd->length >= SIM_ULONG_MAX || cmd->src_iova >= SIM_ULONG_MAX ||
	    cmd->dst_iova >= SIM_ULONG_MAX)
		return sim_fail(sim, EOVERFLOW, "length, src_iova or dst_iova is ULONG_MAX");
	if (!(cmd->flags & MAP_PROT))
		return sim_fail(sim, EINVAL, "neither READABLE nor WRITEABLE");
	ret = sim_get_obj(sim, cmd->src_ioas_id, SIM_OBJ_IOAS, &src);
	if (ret)
		return ret;
	ret = get_pieces(sim, src, cmd->src_iova, cmd->length, &pieces, &n);
	if (ret)
		return ret;
	ret = sim_get_obj(sim, cmd->dst_ioas_id, SIM_OBJ_IOAS, &dst);
	if (!ret)
		ret = sim_reserve(sim, n, 0);
	if (!ret)
		ret = sim_map_pieces(sim, dst, pieces, n, cmd->length, &iova, cmd->flags & MAP_PROT,
				     !(cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA));
	free(pieces);
	if (ret)
		return ret;
	cmd->dst_iova = iova;
	return sim_respond(uc);
}

/* ---- UNMAP ----------------------------------------------------------------------------------- */

int sim_cmd_ioas_unmap(struct sim_ucmd *uc)
{
	struct iommu_ioas_unmap *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t off, unmapped = 0, last;
	int ret;

	ret = sim_get_obj(sim, cmd->ioas_id, SIM_OBJ_IOAS, &off);
	if (ret)
		return ret;
	if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
		ret = sim_unmap_range(sim, off, 0, SIM_ULONG_MAX, &unmapped);
		if (ret)
			return ret;
	} else {
		if (cmd->iova >= SIM_ULONG_MAX || cmd->length >= SIM_ULONG_MAX)
			return sim_fail(sim, EOVERFLOW, "iova or length is ULONG_MAX (only iova 0 with "
					"length U64_MAX means \"all\")");
		if (!cmd->length)
			return sim_fail(sim, EINVAL, "length is 0");
		if (__builtin_add_overflow(cmd->iova, cmd->length - 1, &last))
			return sim_fail(sim, EOVERFLOW, "iova + length overflows");
		ret = sim_unmap_range(sim, off, cmd->iova, last, &unmapped);
		if (ret)
			return ret;
		if (!unmapped)
			return sim_fail(sim, ENOENT, "nothing is mapped in [0x%llx, 0x%llx]",
					(unsigned long long)cmd->iova, (unsigned long long)last);
	}
	cmd->length = unmapped;
	return sim_respond(uc);
}

/* ---- CHANGE_PROCESS ------------------------------------------------------------------------- */

/* Call fn on every area of every IOAS of our context, in ID then IOVA order. */
static int for_each_area(struct sim *sim, int (*fn)(struct sim *sim, struct sim_area *a))
{
	uint64_t limit = itree_max_nodes(sim);
	uint64_t o = itree_first(sim, sim_my_ctx(sim)->obj_root, SIM_TAG_OBJ);

	for (uint64_t s1 = 0; o && !sim->corrupt; s1++) {
		struct sim_obj *obj = sim_rec(sim, o, SIM_TAG_OBJ);

		if (s1 > limit)
			return sim_corrupt(sim, "object table loops");
		if (obj->type == SIM_OBJ_IOAS) {
			uint64_t a = itree_first(sim, obj->ioas.area_root, SIM_TAG_AREA);

			for (uint64_t s2 = 0; a && !sim->corrupt; s2++) {
				int ret;

				if (s2 > limit)
					return sim_corrupt(sim, "area tree loops");
				ret = fn(sim, sim_rec(sim, a, SIM_TAG_AREA));
				if (ret)
					return ret;
				a = itree_next(sim, a, SIM_TAG_AREA);
			}
		}
		o = itree_next(sim, o, SIM_TAG_OBJ);
	}
	return sim->corrupt ? -EUCLEAN : 0;
}

static int area_is_file(struct sim *sim, struct sim_area *a)
{
	struct sim_pages *p = sim_rec(sim, a->pages, SIM_TAG_PAGES);

	if (p->type != SIM_SRC_FILE)
		return sim_fail(sim, EINVAL, "the area [0x%llx, 0x%llx] is not from MAP_FILE; only "
				"file mappings can change process", (unsigned long long)a->n.start,
				(unsigned long long)a->n.last);
	return 0;
}

static int area_take_over(struct sim *sim, struct sim_area *a)
{
	struct sim_pages *p = sim_recw(sim, a->pages, SIM_TAG_PAGES);

	/* sim_enter made sim->pid this process */
	p->pid = sim->pid;
	p->pid_start = sim->start_time;
	sim->dirty = true;
	return 0;
}

int sim_cmd_change_process(struct sim_ucmd *uc)
{
	struct iommu_ioas_change_process *cmd = uc->cmd;
	int ret;

	if (cmd->__reserved)
		return sim_fail(uc->sim, EOPNOTSUPP, "__reserved is not zero");
	ret = for_each_area(uc->sim, area_is_file);
	if (ret)
		return ret;
	/* Pinned-page charges are not modelled: the areas' source process
	 * becomes the caller. */
	return for_each_area(uc->sim, area_take_over);
}
