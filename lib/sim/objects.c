// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Contexts and objects.
 *
 * A context is what an open /dev/iommu is: its own table of objects with IDs
 * allocated lowest-free from 1 (the kernel's xarray with XA_FLAGS_ALLOC1 and a
 * 31-bit limit).  The shared context lives as long as the state; a private
 * context belongs to the process that opened it and is released, the way the
 * kernel releases a closed fd, when that process closes it or is gone.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define SIM_ID_LIMIT 0x7fffffffu

const char *sim_obj_type_name(uint32_t type)
{
	static const char *const names[SIM_OBJ_NR_TYPES] = {
		[SIM_OBJ_NONE] = "none",
		[SIM_OBJ_IOAS] = "ioas",
		[SIM_OBJ_HWPT_PAGING] = "hwpt_paging",
		[SIM_OBJ_HWPT_NESTED] = "hwpt_nested",
		[SIM_OBJ_DEVICE] = "device",
		[SIM_OBJ_ACCESS] = "access",
		[SIM_OBJ_FAULT] = "fault",
		[SIM_OBJ_VIOMMU] = "viommu",
		[SIM_OBJ_VDEVICE] = "vdevice",
		[SIM_OBJ_VEVENTQ] = "veventq",
		[SIM_OBJ_HW_QUEUE] = "hw_queue",
		[SIM_OBJ_SELFTEST] = "selftest",
	};

	return type < SIM_OBJ_NR_TYPES ? names[type] : "unknown";
}

/* "an ioas", "a device" (the type names are lower case). */
static const char *article(const char *name)
{
	return strchr("aeiou", name[0]) ? "an" : "a";
}

uint64_t sim_ctx_new(struct sim *sim, uint32_t flags, pid_t pid, uint64_t start)
{
	struct sim_hdr *h;
	uint64_t off = sim_alloc(sim, SIM_TAG_CTX);
	struct sim_ctx *ctx;

	if (!off)
		return 0;
	h = sim_hdrw(sim);
	ctx = sim_recw(sim, off, SIM_TAG_CTX);
	ctx->n.start = ctx->n.last = h->next_ctx_id++;
	ctx->flags = flags;
	ctx->owner_pid = pid;
	ctx->owner_start = start;
	/* Opened as /dev/iommu: "user" accounting (the /dev/vfio/vfio path would be "mm"). */
	ctx->account_mode = SIM_ACCOUNT_USER;
	itree_insert(sim, &h->ctx_root, SIM_TAG_CTX, off);
	h->nr_contexts++;
	return sim->corrupt ? 0 : off;
}

int sim_get_obj(struct sim *sim, uint32_t id, uint32_t type, uint64_t *off)
{
	struct sim_ctx *ctx = sim_my_ctx(sim);
	uint64_t o = itree_find(sim, ctx->obj_root, SIM_TAG_OBJ, id);
	struct sim_obj *obj;

	if (sim->corrupt)
		return -EUCLEAN;
	/* An ID reserved by an operation still in progress is not there yet,
	 * a tombstone's is not there any more. */
	if (!o || (((struct sim_obj *)sim_rec(sim, o, SIM_TAG_OBJ))->r.rflags &
		   (SIM_OBJ_PENDING | SIM_OBJ_TOMBSTONE)))
		return sim->corrupt ? -EUCLEAN : sim_fail(sim, ENOENT, "no object with id %u", id);
	obj = sim_rec(sim, o, SIM_TAG_OBJ);
	if (type != SIM_OBJ_NONE && obj->type != type)
		return sim_fail(sim, ENOENT, "id %u is not %s %s (it is %s %s)", id,
				article(sim_obj_type_name(type)), sim_obj_type_name(type),
				article(sim_obj_type_name(obj->type)), sim_obj_type_name(obj->type));
	*off = o;
	return 0;
}

/* Reserve the lowest free ID and make the object (the kernel's
 * _iommufd_object_alloc): lookups do not see it until sim_obj_finalize();
 * sim_obj_abort() undoes it. */
int sim_obj_new(struct sim *sim, uint32_t type, uint64_t *out)
{
	struct sim_ctx *ctx = sim_my_ctx(sim);
	uint64_t id = itree_lowest_free(sim, ctx->obj_root, SIM_TAG_OBJ), off;
	struct sim_obj *obj;

	if (sim->corrupt)
		return -EUCLEAN;
	if (id > SIM_ID_LIMIT)
		return sim_fail(sim, EBUSY, "every object ID up to 0x%x is in use", SIM_ID_LIMIT);
	off = sim_alloc(sim, SIM_TAG_OBJ);
	if (!off)
		return sim->corrupt ? -EUCLEAN : -ENOMEM;
	ctx = sim_recw(sim, sim->ctx_off, SIM_TAG_CTX);
	obj = sim_recw(sim, off, SIM_TAG_OBJ);
	obj->n.start = obj->n.last = id;
	obj->r.rflags |= SIM_OBJ_PENDING;
	obj->type = type;
	obj->users = 1;
	obj->ctx = sim->ctx_off;
	itree_insert(sim, &ctx->obj_root, SIM_TAG_OBJ, off);
	ctx->nr_objects++;
	sim_hdrw(sim)->nr_objects++;
	*out = off;
	return sim->corrupt ? -EUCLEAN : 0;
}

/* Take the object out of its context's table (it stays allocated). */
static void obj_unlink(struct sim *sim, uint64_t ctx_off, uint64_t off)
{
	struct sim_ctx *ctx = sim_recw(sim, ctx_off, SIM_TAG_CTX);
	struct sim_obj *obj = sim_rec(sim, off, SIM_TAG_OBJ);

	itree_erase(sim, &ctx->obj_root, SIM_TAG_OBJ, off);
	ctx->nr_objects--;
	sim_hdrw(sim)->nr_objects--;
	/* The kernel forgets the compat IOAS with the object. */
	if (ctx->vfio_ioas == obj->n.start)
		ctx->vfio_ioas = 0;
}

static void obj_remove(struct sim *sim, uint64_t ctx_off, uint64_t off)
{
	obj_unlink(sim, ctx_off, off);
	sim_free(sim, off);
}

void sim_obj_abort(struct sim *sim, uint64_t off)
{
	obj_remove(sim, ((struct sim_obj *)sim_rec(sim, off, SIM_TAG_OBJ))->ctx, off);
}

void sim_obj_finalize(struct sim *sim, uint64_t off)
{
	((struct sim_obj *)sim_recw(sim, off, SIM_TAG_OBJ))->r.rflags &= (uint16_t)~SIM_OBJ_PENDING;
}

uint64_t sim_obj_from(struct sim *sim, uint64_t ctx_off, uint64_t id)
{
	struct sim_ctx *ctx = sim_rec(sim, ctx_off, SIM_TAG_CTX);

	return itree_first_overlap(sim, ctx->obj_root, SIM_TAG_OBJ, id, UINT64_MAX);
}

/* The type's destroy operation, with the object already out of the table
 * (as the kernel runs it); it may destroy other objects (a selftest object
 * takes its device and an auto domain with it). */
static void obj_destroy_contents(struct sim *sim, uint64_t off)
{
	struct sim_obj *obj = sim_rec(sim, off, SIM_TAG_OBJ);

	switch (obj->type) {
	case SIM_OBJ_IOAS:
		sim_ioas_destroy(sim, off);
		break;
	case SIM_OBJ_SELFTEST:
	case SIM_OBJ_DEVICE:
	case SIM_OBJ_HWPT_PAGING:
	case SIM_OBJ_HWPT_NESTED:
		sim_mock_destroy_obj(sim, off);
		break;
	case SIM_OBJ_VIOMMU:
	case SIM_OBJ_VDEVICE:
	case SIM_OBJ_HW_QUEUE:
		sim_viommu_destroy_obj(sim, off);
		break;
	case SIM_OBJ_FAULT:
	case SIM_OBJ_VEVENTQ:
		sim_eventq_destroy_obj(sim, off);
		break;
	default:
		break;
	}
}

/* Take the object out of its table, run its destroy operation, free it. */
static void obj_destroy(struct sim *sim, uint64_t ctx_off, uint64_t off)
{
	obj_unlink(sim, ctx_off, off);
	obj_destroy_contents(sim, off);
	sim_free(sim, off);
}

void sim_obj_unpublish_destroy(struct sim *sim, uint64_t off)
{
	obj_destroy(sim, ((struct sim_obj *)sim_rec(sim, off, SIM_TAG_OBJ))->ctx, off);
}

int sim_obj_destroy(struct sim *sim, uint32_t id)
{
	struct sim_obj *obj;
	uint64_t off;
	int ret;

	ret = sim_get_obj(sim, id, SIM_OBJ_NONE, &off);
	if (ret)
		return ret;
	obj = sim_rec(sim, off, SIM_TAG_OBJ);
	if (obj->users != 1)
		return sim_fail(sim, EBUSY, "%s %u is in use (%u references besides the table's)",
				sim_obj_type_name(obj->type), id, obj->users - 1);
	obj_destroy(sim, sim->ctx_off, off);
	return sim->corrupt ? -EUCLEAN : 0;
}

/* Destroy every object of a context, leaves first, pass after pass in ID
 * order (the kernel's release).  A destroy may take other objects with it,
 * so each step looks the next ID up afresh.  A pass that destroys nothing
 * means a reference cycle or miscounted references, which only a corrupt
 * state can have. */
static int ctx_destroy_objects(struct sim *sim, uint64_t ctx_off)
{
	uint64_t limit = itree_max_nodes(sim);

	/* The kernel's queue fds hold the context open; here they close with it
	 * (the library cannot serve an fd of a context that is gone). */
	sim_eventq_close_ctx(sim, ctx_off);
	/* So do the VFIO devices bound to it (the kernel's cdev fds hold a
	 * reference on the context instead). */
	sim_cdev_close_ctx(sim, ctx_off);

	for (uint64_t pass = 0; !sim->corrupt; pass++) {
		struct sim_ctx *ctx = sim_rec(sim, ctx_off, SIM_TAG_CTX);
		uint64_t off = itree_first(sim, ctx->obj_root, SIM_TAG_OBJ), destroyed = 0;

		if (!off)
			return sim->corrupt ? -EUCLEAN : 0;
		for (uint64_t steps = 0; off && !sim->corrupt; steps++) {
			struct sim_obj *obj = sim_rec(sim, off, SIM_TAG_OBJ);
			uint64_t id = obj->n.start;

			if (steps > limit)
				return sim_corrupt(sim, "object table of context %llu loops",
						   (unsigned long long)ctx->n.start);
			if (obj->users == 1) {
				obj_destroy(sim, ctx_off, off);
				destroyed++;
			}
			off = sim_obj_from(sim, ctx_off, id + 1);
		}
		if (!destroyed)
			return sim_corrupt(sim, "objects of context %llu hold references no release "
					   "can drop", (unsigned long long)ctx->n.start);
		if (pass > limit)
			break;
	}
	return -EUCLEAN;
}

void sim_ctx_empty(struct sim *sim, uint64_t ctx_off)
{
	struct sim_ctx *ctx;

	ctx_destroy_objects(sim, ctx_off);
	ctx = sim_recw(sim, ctx_off, SIM_TAG_CTX);
	ctx->vfio_ioas = 0;
	ctx->no_iommu_mode = 0;
	ctx->account_mode = SIM_ACCOUNT_USER;
}

int sim_ctx_release(struct sim *sim, uint64_t ctx_off)
{
	struct sim_ctx *ctx = sim_rec(sim, ctx_off, SIM_TAG_CTX);
	struct sim_hdr *h;

	if (ctx->flags & SIM_CTX_SHARED)
		return sim_fail(sim, EINVAL, "the shared context is never released");
	if (ctx_destroy_objects(sim, ctx_off))
		return -EUCLEAN;
	h = sim_hdrw(sim);
	itree_erase(sim, &h->ctx_root, SIM_TAG_CTX, ctx_off);
	h->nr_contexts--;
	sim_free(sim, ctx_off);
	return sim->corrupt ? -EUCLEAN : 0;
}

static bool owner_alive(struct sim *sim, pid_t pid, uint64_t start)
{
	uint64_t now;

	if (pid == sim->pid)
		return start == sim->start_time;
	now = sim_proc_start_time(pid);
	if (now)
		return now == start;
	/* No /proc entry: gone, unless /proc is not there to ask. */
	if (access("/proc/self/stat", F_OK) == 0)
		return false;
	return kill(pid, 0) == 0 || errno != ESRCH;
}

int sim_sweep_dead_owners(struct sim *sim)
{
	struct sim_hdr *h = sim_hdr(sim);
	uint64_t limit = itree_max_nodes(sim);
	uint64_t off = itree_first(sim, h->ctx_root, SIM_TAG_CTX);

	for (uint64_t steps = 0; off && !sim->corrupt; steps++) {
		uint64_t next = itree_next(sim, off, SIM_TAG_CTX);
		struct sim_ctx *ctx = sim_rec(sim, off, SIM_TAG_CTX);

		if (steps > limit)
			return sim_corrupt(sim, "context table loops");
		if ((ctx->flags & SIM_CTX_PRIVATE) && !owner_alive(sim, ctx->owner_pid, ctx->owner_start))
			sim_ctx_release(sim, off);
		off = next;
	}
	/* Fd-owned objects whose owner process is gone are closed as the kernel
	 * would close them. */
	sim_eventq_sweep(sim);
	sim_cdev_sweep(sim);
	return sim->corrupt ? -EUCLEAN : 0;
}
