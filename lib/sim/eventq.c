// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fault queues (IOMMU_FAULT_QUEUE_ALLOC) and vEVENT queues
 * (IOMMU_VEVENTQ_ALLOC), after the 7.2 kernel's eventq.c, io-pgfault.c and
 * the selftest mock's TRIGGER_IOPF / TRIGGER_VEVENT.
 *
 * The queue lives in the state (struct sim_eventq, its events struct
 * sim_event); the caller gets a real fd, one end of an AF_UNIX stream socket
 * pair, non-blocking and close-on-exec; the library keeps the other end in
 * the handle of the process that made the queue (struct sim_qfd).  The
 * library has no code behind the caller's read(2), write(2) or close(2), so
 * at each operation of that process (and at sim_queue_sync()) it looks at
 * its end and brings the state up to date:
 *
 *  - events queued (by this process or any other) are written into the
 *    socket, one write each, the records the kernel's read() returns: a
 *    struct iommu_hwpt_pgfault, or an iommufd_vevent_header with its data;
 *  - what the caller read is seen from how much of what was written is
 *    still in the socket (SIOCOUTQ counts whole unread writes): a read fault
 *    then awaits its response, a read vEVENT leaves the queue (its depth);
 *  - struct iommu_hwpt_page_response records written to a fault fd are
 *    checked as the kernel checks them (code, then a cookie of a fault that
 *    was read) and answered; the first bad one is kept as -EINVAL for
 *    sim_queue_sync(), and the rest of what was written with it is dropped;
 *  - a hang-up means the caller closed the fd (every copy of it): the fd's
 *    users reference is dropped, after which IOMMU_DESTROY can succeed.
 *
 * What cannot be as on the kernel, and how it differs:
 *  - read(2) and write(2) are the socket's: read returns whatever bytes are
 *    there (whole records for a buffer large enough; a smaller one splits a
 *    record instead of failing with EINVAL), an empty queue answers EAGAIN
 *    (the kernel returns 0), and neither checks count or position (ESPIPE);
 *    a bad response is not refused by write(2): call sim_queue_sync() (or
 *    any operation, which drops it) to learn about it;
 *  - a close is noticed at the owner's next operation, not at once: until
 *    then IOMMU_DESTROY answers EBUSY;
 *  - a fault's cookie is chosen when it is queued (the lowest free one, as
 *    the kernel's read chooses it), not when it is read;
 *  - once written into the socket an event cannot be taken back: a fault
 *    the kernel answers by itself (its device left the domain) stays
 *    readable, and a lost-events header stays where it is when the kernel
 *    would move it (a later overflow) or drop it (a later vEVENT);
 *  - an event queued by another process reaches the fd at the owner's next
 *    operation; the fd only works in the process that made the queue, and
 *    closing the library handle (or releasing the context) closes it;
 *  - fork(): the child's copy of the fd keeps the queue open, as on the
 *    kernel, but only the parent's handle serves it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "cmds.h"
#include "ifd-abi.h"

_Static_assert(sizeof(struct ifd_hwpt_pgfault) <= SIM_EV_DATA, "a fault fits an event record");

#define VEVENTQ_MAX_DEPTH	(1u << 19)
#define PAGE_RESP_INVALID	1u
#define SEQ_MAX			0x7fffffffu

static struct sim_event *ev_at(struct sim *sim, uint64_t off)
{
	return sim_rec(sim, off, SIM_TAG_EVENT);
}

/* ---- the event list ------------------------------------------------------------------------- */

/* A new event at the tail of queue 'q' (carrying 'len' bytes); 0 with the
 * operation failed if no record can be had. */
static uint64_t ev_append(struct sim *sim, uint64_t q, const void *data, uint32_t len,
			  uint32_t flags)
{
	uint64_t off = sim_alloc(sim, SIM_TAG_EVENT);
	struct sim_eventq *eq;
	struct sim_event *ev;

	if (!off)
		return 0;
	ev = sim_recw(sim, off, SIM_TAG_EVENT);
	memcpy(ev->data, data, len);
	ev->len = len;
	ev->flags = flags;
	eq = &obj_w(sim, q)->eq;
	if (eq->tail)
		((struct sim_event *)sim_recw(sim, eq->tail, SIM_TAG_EVENT))->next = off;
	else
		eq->head = off;
	eq->tail = off;
	eq->nr_events++;
	sim->dirty = true;
	return off;
}

/* Take event 'off' (whose predecessor is 'prev', 0 = the head) out and free it. */
static void ev_remove(struct sim *sim, uint64_t q, uint64_t prev, uint64_t off)
{
	uint64_t next = ev_at(sim, off)->next;
	struct sim_eventq *eq = &obj_w(sim, q)->eq;

	if (prev)
		((struct sim_event *)sim_recw(sim, prev, SIM_TAG_EVENT))->next = next;
	else
		eq->head = next;
	if (eq->tail == off)
		eq->tail = prev;
	eq->nr_events--;
	if (obj_at(sim, q)->type == SIM_OBJ_VEVENTQ && !(ev_at(sim, off)->flags & SIM_EV_LOST))
		eq->num_events--;
	sim_free(sim, off);
	sim->dirty = true;
}

/* Call fn on each event of queue 'q' in order; fn answers whether to remove
 * it.  Bounded by what the file can hold. */
static void ev_each(struct sim *sim, uint64_t q, bool (*fn)(struct sim *sim, uint64_t ev, void *arg),
		    void *arg)
{
	uint64_t limit = itree_max_nodes(sim), prev = 0, off = obj_at(sim, q)->eq.head;

	for (uint64_t steps = 0; off && !sim->corrupt; steps++) {
		uint64_t next = ev_at(sim, off)->next;

		if (steps > limit) {
			sim_corrupt(sim, "the events of %s %u loop", sim_obj_type_name(obj_at(sim, q)->type),
				    id_of(sim, q));
			return;
		}
		if (fn(sim, off, arg))
			ev_remove(sim, q, prev, off);
		else
			prev = off;
		off = next;
	}
}

static bool ev_all(struct sim *sim, uint64_t ev, void *arg)
{
	(void)sim, (void)ev, (void)arg;
	return true;
}

void sim_eventq_destroy_obj(struct sim *sim, uint64_t off)
{
	struct sim_obj *obj = obj_at(sim, off);

	/* the kernel answers the faults still there with INVALID */
	ev_each(sim, off, ev_all, NULL);
	if (obj->type == SIM_OBJ_VEVENTQ && obj->eq.viommu) {
		if (obj_at(sim, obj->eq.viommu)->users > 1)
			obj_w(sim, obj->eq.viommu)->users--;
		else
			sim_corrupt(sim, "viommu %u has fewer users than vEVENT queues",
				    id_of(sim, obj->eq.viommu));
	}
	sim->dirty = true;
}

/* ---- the fds ---------------------------------------------------------------------------------- */

/* The fd's reference goes (it was closed). */
static void fd_closed(struct sim *sim, uint64_t q)
{
	struct sim_obj *obj = obj_w(sim, q);

	if (!obj->eq.fd_open)
		return;
	obj->eq.fd_open = 0;
	if (obj->users > 1)
		obj->users--;
	else
		sim_corrupt(sim, "%s %u has fewer users than its fd", sim_obj_type_name(obj->type),
			    id_of(sim, q));
	sim_hdrw(sim)->nr_open_queues--;
	sim->dirty = true;
}

static bool is_queue(const struct sim_obj *obj)
{
	return obj->type == SIM_OBJ_FAULT || obj->type == SIM_OBJ_VEVENTQ;
}

void sim_eventq_close_ctx(struct sim *sim, uint64_t ctx_off)
{
	uint64_t limit = itree_max_nodes(sim), o = sim_obj_from(sim, ctx_off, 0);

	if (!sim_hdr(sim)->nr_open_queues)
		return;
	for (uint64_t steps = 0; o && !sim->corrupt && steps <= limit; steps++) {
		struct sim_obj *obj = obj_at(sim, o);
		uint64_t id = obj->n.start;

		if (is_queue(obj) && obj->eq.fd_open)
			fd_closed(sim, o);
		o = sim_obj_from(sim, ctx_off, id + 1);
	}
}

/* A process whose fds are gone: it no longer exists, or is another one now. */
static bool owner_gone(struct sim *sim, const struct sim_eventq *eq)
{
	uint64_t now;

	if (eq->owner_pid == sim->pid)
		return eq->owner_start != sim->start_time;
	now = sim_proc_start_time(eq->owner_pid);
	return now ? now != eq->owner_start : access("/proc/self/stat", F_OK) == 0;
}

void sim_eventq_sweep(struct sim *sim)
{
	struct sim_hdr *h = sim_hdr(sim);
	uint64_t limit = itree_max_nodes(sim);

	if (!h->nr_open_queues)
		return;
	for (uint64_t c = itree_first(sim, h->ctx_root, SIM_TAG_CTX), i = 0; c && !sim->corrupt && i <= limit;
	     c = itree_next(sim, c, SIM_TAG_CTX), i++) {
		uint64_t o = sim_obj_from(sim, c, 0);

		for (uint64_t steps = 0; o && !sim->corrupt && steps <= limit; steps++) {
			struct sim_obj *obj = obj_at(sim, o);
			uint64_t id = obj->n.start;

			if (is_queue(obj) && obj->eq.fd_open && owner_gone(sim, &obj->eq))
				fd_closed(sim, o);
			o = sim_obj_from(sim, c, id + 1);
		}
	}
}

/* What SIOCOUTQ reports for one unread write of 'len' bytes on this kernel
 * (the size of the buffer it took), measured once per length. */
static int outq_unit(uint32_t len)
{
	static int units[SIM_EV_DATA + 1];
	uint8_t buf[SIM_EV_DATA] = { 0 };
	int sv[2], v = -1;

	if (len > SIM_EV_DATA)
		return -1;
	if (__atomic_load_n(&units[len], __ATOMIC_RELAXED))
		return units[len];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	if (send(sv[0], buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len &&
	    ioctl(sv[0], SIOCOUTQ, &v) == 0 && v > 0)
		__atomic_store_n(&units[len], v, __ATOMIC_RELAXED);
	close(sv[0]);
	close(sv[1]);
	return v > 0 ? v : -1;
}

struct consume {
	uint64_t *evs;			/* pushed, not yet seen read: offsets in order */
	size_t n, cap;
	size_t read;			/* how many of them the caller has read */
	size_t i;
};

static bool collect_pushed(struct sim *sim, uint64_t off, void *arg)
{
	struct consume *c = arg;
	const struct sim_event *ev = ev_at(sim, off);

	if ((ev->flags & (SIM_EV_PUSHED | SIM_EV_READ)) != SIM_EV_PUSHED)
		return false;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		uint64_t *v = realloc(c->evs, cap * sizeof(*v));

		if (!v)
			return false;
		c->evs = v;
		c->cap = cap;
	}
	c->evs[c->n++] = off;
	return false;
}

/* The first c->read pushed events were read: a fault awaits its response, a
 * vEVENT (or a withdrawn fault) is gone. */
static bool mark_read(struct sim *sim, uint64_t off, void *arg)
{
	struct consume *c = arg;
	const struct sim_event *ev = ev_at(sim, off);

	if (c->i >= c->read || (ev->flags & (SIM_EV_PUSHED | SIM_EV_READ)) != SIM_EV_PUSHED)
		return false;
	c->i++;
	if (ev->cookie && !(ev->flags & SIM_EV_WITHDRAWN)) {
		((struct sim_event *)sim_recw(sim, off, SIM_TAG_EVENT))->flags |= SIM_EV_READ;
		sim->dirty = true;
		return false;
	}
	return true;
}

/* How much of what was pushed into 'fd' the caller has read: the unread
 * writes are the last ones, whose sizes add up to what is left. */
static void note_reads(struct sim *sim, uint64_t q, int fd)
{
	struct consume c = { 0 };
	int outq = 0;
	size_t unread = 0;

	ev_each(sim, q, collect_pushed, &c);
	if (!c.n || ioctl(fd, SIOCOUTQ, &outq) < 0) {
		free(c.evs);
		return;
	}
	for (size_t k = c.n; k > 0 && outq > 0; k--) {
		int u = outq_unit(ev_at(sim, c.evs[k - 1])->len);

		if (u <= 0)
			break;
		outq -= u;
		unread++;
	}
	c.read = c.n - SIM_MIN(unread, c.n);
	if (c.read)
		ev_each(sim, q, mark_read, &c);
	free(c.evs);
}

struct respond {
	uint32_t cookie;
	bool found;
};

static bool answer(struct sim *sim, uint64_t off, void *arg)
{
	struct respond *r = arg;
	const struct sim_event *ev = ev_at(sim, off);

	if (r->found || !(ev->flags & SIM_EV_READ) || ev->cookie != r->cookie)
		return false;
	r->found = true;
	return true;
}

/* The kernel's fault write(), record by record; 0 or -EINVAL at the first
 * bad one (the rest of the bytes go with it). */
static int take_responses(struct sim *sim, uint64_t q, struct sim_qfd *e)
{
	uint8_t buf[512];
	ssize_t n;
	int ret = 0;

	while ((n = recv(e->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			struct ifd_hwpt_page_response resp;
			struct respond r;

			if (ret)
				break;
			e->part[e->npart++] = buf[i];
			if (e->npart < sizeof(resp))
				continue;
			e->npart = 0;
			memcpy(&resp, e->part, sizeof(resp));
			if (resp.code > PAGE_RESP_INVALID) {
				ret = sim_fail(sim, EINVAL, "response code %u", resp.code);
				break;
			}
			r = (struct respond){ resp.cookie, false };
			if (obj_at(sim, q)->type == SIM_OBJ_FAULT)
				ev_each(sim, q, answer, &r);
			if (!r.found)
				ret = sim_fail(sim, EINVAL, "no fault read awaits a response with cookie %u",
					       resp.cookie);
		}
		if (ret)
			e->npart = 0;
	}
	return ret;
}

static bool push_one(struct sim *sim, uint64_t off, void *arg)
{
	struct sim_event *ev = ev_at(sim, off);
	int *fd = arg;

	if (*fd < 0 || (ev->flags & SIM_EV_PUSHED))
		return false;
	/* a write too big for the room left waits for the next time */
	if (send(*fd, ev->data, ev->len, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)ev->len) {
		*fd = -1;
		return false;
	}
	((struct sim_event *)sim_recw(sim, off, SIM_TAG_EVENT))->flags |= SIM_EV_PUSHED;
	sim->dirty = true;
	return false;
}

/* Is entry 'e' still the fd of a live queue of ours? */
static bool entry_valid(struct sim *sim, const struct sim_qfd *e)
{
	struct sim_obj *obj;

	if (!sim_rec_ok(sim, e->obj_off, SIM_TAG_OBJ))
		return false;
	obj = obj_at(sim, e->obj_off);
	return is_queue(obj) && obj->n.start == e->id && !obj->r.rflags && obj->eq.fd_open &&
	       obj->eq.owner_pid == sim->pid && obj->eq.owner_start == sim->start_time &&
	       sim_rec_ok(sim, obj->ctx, SIM_TAG_CTX) &&
	       ((struct sim_ctx *)sim_rec(sim, obj->ctx, SIM_TAG_CTX))->n.start == e->ctx_id;
}

static void entry_drop(struct sim *sim, size_t i)
{
	close(sim->qfds[i].fd);
	sim->qfds[i] = sim->qfds[--sim->nqfds];
}

void sim_eventq_sync(struct sim *sim)
{
	for (size_t i = 0; i < sim->nqfds && !sim->corrupt;) {
		struct sim_qfd *e = &sim->qfds[i];
		struct pollfd p = { .fd = e->fd, .events = POLLIN };
		int fd = e->fd, err;

		if (!entry_valid(sim, e)) {
			entry_drop(sim, i);
			continue;
		}
		note_reads(sim, e->obj_off, e->fd);
		err = take_responses(sim, e->obj_off, e);
		if (err && !e->err)
			e->err = err;
		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
			fd_closed(sim, e->obj_off);
			entry_drop(sim, i);
			continue;
		}
		ev_each(sim, e->obj_off, push_one, &fd);
		i++;
	}
}

void sim_eventq_forget(struct sim *sim)
{
	while (sim->nqfds)
		entry_drop(sim, 0);
	free(sim->qfds);
	sim->qfds = NULL;
	sim->qfds_cap = 0;
}

int sim_queue_sync(struct sim *sim, int fd, char *detail, size_t dlen)
{
	int ret = sim_enter(sim, detail, dlen), err = -EBADF;

	if (ret)
		return ret;
	sim_eventq_sync(sim);
	for (size_t i = 0; i < sim->nqfds; i++)
		if (sim->qfds[i].ufd == fd) {
			err = sim->qfds[i].err;
			sim->qfds[i].err = 0;
		}
	if (err == -EBADF)
		sim_fail(sim, EBADF, "fd %d is no open queue of this process", fd);
	else if (err)
		sim_fail(sim, -err, "a response written to fd %d was refused", fd);
	return sim_leave(sim, err);
}

/* A new queue's fd pair: the caller's end in *ufd, ours in the handle. */
static int fd_new(struct sim *sim, uint64_t q, int *ufd)
{
	struct sim_obj *obj;
	int sv[2];

	if (sim->nqfds == sim->qfds_cap) {
		size_t cap = sim->qfds_cap ? sim->qfds_cap * 2 : 4;
		struct sim_qfd *v = realloc(sim->qfds, cap * sizeof(*v));

		if (!v)
			return sim_fail(sim, ENOMEM, "no memory for the queue's fd");
		sim->qfds = v;
		sim->qfds_cap = cap;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv))
		return sim_fail(sim, errno, "cannot make the queue's fd");
	sim->qfds[sim->nqfds++] = (struct sim_qfd){ .obj_off = q, .ctx_id = sim->ctx_id,
						    .id = id_of(sim, q), .fd = sv[1], .ufd = sv[0] };
	obj = obj_w(sim, q);
	obj->eq.owner_pid = sim->pid;
	obj->eq.owner_start = sim->start_time;
	obj->eq.fd_open = 1;
	obj->users++;
	sim_hdrw(sim)->nr_open_queues++;
	*ufd = sv[0];
	return 0;
}

/* Undo fd_new() of a queue that is not made after all. */
static void fd_abort(struct sim *sim, int ufd)
{
	for (size_t i = 0; i < sim->nqfds; i++)
		if (sim->qfds[i].ufd == ufd) {
			close(ufd);
			fd_closed(sim, sim->qfds[i].obj_off);
			entry_drop(sim, i);
			return;
		}
}

/* ---- IOMMU_FAULT_QUEUE_ALLOC and IOMMU_VEVENTQ_ALLOC -------------------------------------------- */

/* The common end of both allocations: give the new queue its fd, answer the
 * caller and make the object visible; on failure the fd is gone again and
 * the caller aborts the object. */
static int queue_publish(struct sim_ucmd *uc, uint64_t off, uint32_t *out_id, uint32_t *out_fd)
{
	struct sim *sim = uc->sim;
	int ufd = -1, ret = fd_new(sim, off, &ufd);

	if (ret)
		return ret;
	*out_id = id_of(sim, off);
	*out_fd = (uint32_t)ufd;
	ret = sim_respond(uc);
	if (ret) {
		fd_abort(sim, ufd);
		return ret;
	}
	sim_obj_finalize(sim, off);
	sim->dirty = true;
	return 0;
}

int sim_cmd_fault_queue_alloc(struct sim_ucmd *uc)
{
	struct ifd_fault_alloc *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t off;
	int ret;

	if (cmd->flags)
		return sim_fail(sim, EOPNOTSUPP, "unknown flags 0x%x", cmd->flags);
	ret = sim_reserve(sim, 1, 0);
	if (!ret)
		ret = sim_obj_new(sim, SIM_OBJ_FAULT, &off);
	if (ret)
		return ret;
	ret = queue_publish(uc, off, &cmd->out_fault_id, &cmd->out_fault_fd);
	if (ret)
		sim_obj_abort(sim, off);
	return sim->corrupt ? -EUCLEAN : ret;
}

struct find_q {
	uint64_t viommu;
	uint32_t type;
};

int sim_cmd_veventq_alloc(struct sim_ucmd *uc)
{
	struct ifd_veventq_alloc *cmd = uc->cmd;
	struct sim *sim = uc->sim;
	uint64_t viommu, off, limit = itree_max_nodes(sim), o;
	struct sim_obj *obj;
	int ret;

	if (cmd->flags || cmd->reserved || cmd->type == 0)
		return sim_fail(sim, EOPNOTSUPP, "flags and __reserved must be 0, type not DEFAULT");
	if (!cmd->veventq_depth || cmd->veventq_depth > VEVENTQ_MAX_DEPTH)
		return sim_fail(sim, EINVAL, "veventq_depth must be 1..%u", VEVENTQ_MAX_DEPTH);
	ret = sim_get_obj(sim, cmd->viommu_id, SIM_OBJ_VIOMMU, &viommu);
	if (ret)
		return ret;
	o = sim_obj_from(sim, sim->ctx_off, 0);
	for (uint64_t steps = 0; o && !sim->corrupt && steps <= limit; steps++) {
		obj = obj_at(sim, o);
		if (obj->type == SIM_OBJ_VEVENTQ && obj->eq.viommu == viommu && obj->eq.type == cmd->type)
			return sim_fail(sim, EEXIST, "viommu %u has a vEVENT queue of type 0x%x already",
					cmd->viommu_id, cmd->type);
		o = sim_obj_from(sim, sim->ctx_off, obj->n.start + 1);
	}
	ret = sim_reserve(sim, 1, 0);
	if (!ret)
		ret = sim_obj_new(sim, SIM_OBJ_VEVENTQ, &off);
	if (ret)
		return ret;
	obj = obj_w(sim, off);
	obj->eq.viommu = viommu;
	obj->eq.type = cmd->type;
	obj->eq.depth = cmd->veventq_depth;
	obj_w(sim, viommu)->users++;
	ret = queue_publish(uc, off, &cmd->out_veventq_id, &cmd->out_veventq_fd);
	if (ret) {
		sim_eventq_destroy_obj(sim, off);
		sim_obj_abort(sim, off);
	}
	return sim->corrupt ? -EUCLEAN : ret;
}

/* ---- reporting --------------------------------------------------------------------------------- */

int sim_viommu_report(struct sim *sim, uint64_t viommu_off, uint32_t type, const void *data,
		      uint32_t len)
{
	uint64_t limit = itree_max_nodes(sim), o = sim_obj_from(sim, sim->ctx_off, 0), q = 0;
	uint8_t buf[SIM_EV_DATA];
	struct ifd_vevent_header hdr = { 0, 0 };
	struct sim_eventq *eq;
	const struct sim_event *tail;

	for (uint64_t steps = 0; o && !q && !sim->corrupt && steps <= limit; steps++) {
		struct sim_obj *obj = obj_at(sim, o);

		if (obj->type == SIM_OBJ_VEVENTQ && !obj->r.rflags && obj->eq.viommu == viommu_off &&
		    obj->eq.type == type)
			q = o;
		o = sim_obj_from(sim, sim->ctx_off, obj->n.start + 1);
	}
	if (!q)
		return sim->corrupt ? -EUCLEAN :
		       sim_fail(sim, EOPNOTSUPP, "viommu %u has no vEVENT queue of type 0x%x",
				id_of(sim, viommu_off), type);
	if (sim_reserve(sim, 1, 0))
		return -ENOMEM;
	eq = &obj_at(sim, q)->eq;
	tail = eq->tail ? ev_at(sim, eq->tail) : NULL;
	if (eq->num_events == eq->depth) {
		/* a lost-events header, at most one at the tail */
		if (tail && (tail->flags & SIM_EV_LOST)) {
			if (!(tail->flags & SIM_EV_PUSHED)) {
				hdr = (struct ifd_vevent_header){ IFD_VEVENTQ_FLAG_LOST_EVENTS, eq->sequence };
				memcpy(((struct sim_event *)sim_recw(sim, eq->tail, SIM_TAG_EVENT))->data,
				       &hdr, sizeof(hdr));
			}
		} else {
			hdr = (struct ifd_vevent_header){ IFD_VEVENTQ_FLAG_LOST_EVENTS, eq->sequence };
			if (!ev_append(sim, q, &hdr, sizeof(hdr), SIM_EV_LOST))
				return sim->corrupt ? -EUCLEAN : -ENOMEM;
		}
	} else {
		/* an unread lost header at the tail gives way (its bytes may be out) */
		if (tail && (tail->flags & SIM_EV_LOST) && !(tail->flags & SIM_EV_PUSHED)) {
			uint64_t prev = 0;

			for (uint64_t e = eq->head; e && e != eq->tail; e = ev_at(sim, e)->next)
				prev = e;
			ev_remove(sim, q, prev, eq->tail);
		}
		hdr.sequence = obj_at(sim, q)->eq.sequence;
		memcpy(buf, &hdr, sizeof(hdr));
		memcpy(buf + sizeof(hdr), data, len);
		if (!ev_append(sim, q, buf, (uint32_t)sizeof(hdr) + len, 0))
			return sim->corrupt ? -EUCLEAN : -ENOMEM;
		obj_w(sim, q)->eq.num_events++;
	}
	eq = &obj_w(sim, q)->eq;
	eq->sequence = (eq->sequence + 1) & SEQ_MAX;
	sim->dirty = true;
	return sim->corrupt ? -EUCLEAN : 0;
}

struct cookie_scan {
	uint32_t want;
	bool used;
};

static bool cookie_used(struct sim *sim, uint64_t off, void *arg)
{
	struct cookie_scan *c = arg;

	if (ev_at(sim, off)->cookie == c->want)
		c->used = true;
	return false;
}

int sim_trigger_iopf(struct sim *sim, uint64_t idev_off, uint32_t pasid, uint32_t grpid,
		     uint32_t perm, uint64_t addr)
{
	const struct sim_obj *hw;
	struct ifd_hwpt_pgfault f = { 0 };
	struct cookie_scan cs = { 0, true };
	uint64_t q, ev, hw_off = pasid ? sim_dev_attached_at(sim, idev_off, pasid) : 0;
	uint32_t handle = hw_off ? pasid : 0;

	/* find_fault_handler: the PASID's attachment, else, the mock keeping a
	 * user PASID table, the nested domain of the device; without a fault
	 * queue on it the mock's page_response takes the fault and the
	 * operation succeeds. */
	if (!hw_off)
		hw_off = obj_at(sim, idev_off)->idev.hwpt;
	if (!hw_off)
		return 0;
	hw = obj_at(sim, hw_off);
	if (pasid && !handle && hw->type != SIM_OBJ_HWPT_NESTED)
		return 0;
	q = hw->hwpt.fault;
	if (!q)
		return 0;
	/* the cookie the kernel's read would give: the lowest free from 1 */
	for (uint32_t c = 1; cs.used && c; c++) {
		cs = (struct cookie_scan){ c, false };
		ev_each(sim, q, cookie_used, &cs);
	}
	if (sim->corrupt)
		return -EUCLEAN;
	if (sim_reserve(sim, 1, 0))
		return -ENOMEM;
	f.flags = IFD_PGFAULT_FLAGS_LAST_PAGE | (pasid ? IFD_PGFAULT_FLAGS_PASID_VALID : 0);
	f.dev_id = id_of(sim, idev_off);
	f.pasid = pasid;
	f.grpid = grpid;
	f.perm = perm;
	f.addr = addr;
	f.cookie = cs.want;
	ev = ev_append(sim, q, &f, sizeof(f), 0);
	if (!ev)
		return sim->corrupt ? -EUCLEAN : -ENOMEM;
	((struct sim_event *)sim_recw(sim, ev, SIM_TAG_EVENT))->idev = idev_off;
	((struct sim_event *)sim_recw(sim, ev, SIM_TAG_EVENT))->cookie = cs.want;
	((struct sim_event *)sim_recw(sim, ev, SIM_TAG_EVENT))->handle_pasid = handle;
	return sim->corrupt ? -EUCLEAN : 0;
}

/* The faults of one attachment (device and PASID) are answered INVALID by
 * the kernel: gone unless their bytes are in the fd unread (withdrawn,
 * freed when read). */
struct handle_key {
	uint64_t idev;
	uint32_t pasid;
};

static bool auto_answer(struct sim *sim, uint64_t off, void *arg)
{
	const struct handle_key *k = arg;
	struct sim_event *ev = ev_at(sim, off);

	if (ev->idev != k->idev || ev->handle_pasid != k->pasid)
		return false;
	if ((ev->flags & (SIM_EV_PUSHED | SIM_EV_READ)) != SIM_EV_PUSHED)
		return true;
	ev = sim_recw(sim, off, SIM_TAG_EVENT);
	ev->flags |= SIM_EV_WITHDRAWN;
	ev->idev = 0;	/* the device may go before the bytes are read */
	ev->handle_pasid = 0;
	return false;
}

void sim_fault_auto_response(struct sim *sim, uint64_t hwpt_off, uint64_t idev_off,
			     uint32_t pasid)
{
	struct handle_key k = { idev_off, pasid };
	uint64_t q = obj_at(sim, hwpt_off)->hwpt.fault;

	if (q)
		ev_each(sim, q, auto_answer, &k);
}

void sim_eventq_close_mine(struct sim *sim)
{
	while (sim->nqfds) {
		if (entry_valid(sim, &sim->qfds[0]))
			fd_closed(sim, sim->qfds[0].obj_off);
		entry_drop(sim, 0);
	}
}
