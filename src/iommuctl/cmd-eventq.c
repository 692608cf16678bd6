// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * fault alloc | read | respond, veventq alloc | read: the event queues.
 *
 * A fault queue (IOMMU_FAULT_QUEUE_ALLOC) and a vEVENTQ (IOMMU_VEVENTQ_ALLOC)
 * are objects whose records are read from an fd the allocation returns, not
 * through an ioctl.  That fd is the only way to them, so a batch or the
 * shell keeps it for the commands after the allocation; a single command
 * closes it as it exits, which leaves the queue unreadable.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "columns.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"
#include "iommuctl.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct named_value veventq_types[] = {
	{ "arm_smmuv3", 1 },
	{ "tegra241_cmdqv", 2 },
	{ "selftest", IFD_VEVENTQ_TYPE_SELFTEST },
};

/* The data after each vEVENT header: the fd does not say how long it is, the
 * queue's type does (struct iommu_vevent_arm_smmuv3, _tegra241_cmdqv, and
 * the selftest's struct iommu_viommu_event_selftest). */
static uint32_t vevent_data_len(uint32_t type)
{
	switch (type) {
	case 1: return 32;
	case 2: return 16;
	case IFD_VEVENTQ_TYPE_SELFTEST: return 4;
	default: return 0;
	}
}

static const struct named_value response_codes[] = {
	{ "success", 0 },
	{ "invalid", 1 },
};

/* The new queue's fd: kept by a batch or the shell, else closed now. */
static int keep_eventq(struct iommuctl *g, struct row_eventq *row, const struct session_eventq *q,
		       const char *object, const char *what)
{
	row->fd = q->fd;
	if (g->session.active) {
		/* New first: it forgets what a reused ID had, fds included. */
		if (session_object_new(&g->session, q->id) || session_eventq_add(&g->session, q) ||
		    (row->name && session_name_add(&g->session, row->name, q->id))) {
			if (!session_eventq_of(&g->session, q->id))
				close(q->fd);
			return iommuctl_fail_errno(g, object, what, ENOMEM, NULL, NULL);
		}
		row->lifetime = "session";
		return 0;
	}
	close(q->fd);
	row->fd = -1;
	row->lifetime = "command";
	iommuctl_note(g, "its fd was closed with this command, so nothing can read it: allocate "
		      "it in a batch (-b) or the shell, where later lines can");
	return 0;
}

int cmd_fault_alloc(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_fault_alloc c = { .size = sizeof(c) };
	struct row_eventq row = { 0 };
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	row.name = a->val[FAULT_ALLOC_OPT_NAME];
	ret = iommuctl_name_arg(g, row.name);
	if (!ret)
		ret = iommuctl_columns(g, &fam_fault_queue);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (ifd_ioctl(g->ctx, IOMMU_FAULT_QUEUE_ALLOC, &c) < 0)
		return iommuctl_fail(g, NULL, NULL, NULL);
	row.id = c.out_fault_id;
	ret = keep_eventq(g, &row, &(struct session_eventq){ .id = c.out_fault_id,
							      .fd = (int)c.out_fault_fd },
			  NULL, "fault alloc");
	if (ret)
		return ret;
	out_rows(&g->out, &fam_fault_queue, &row, 1, sizeof(row), NULL);
	return 0;
}

/* The queue 'id' this session keeps, of the kind asked for; else a usage
 * error naming where its fd went. */
static int session_queue(struct iommuctl *g, const char *opt, uint32_t id, bool vevent,
			 const struct session_eventq **q)
{
	*q = session_eventq_of(&g->session, id);
	if (*q && (*q)->vevent == vevent)
		return 0;
	if (!g->session.active)
		return iommuctl_usage(g, "%s %u: only the batch (-b) or shell that allocated a %s "
				      "has its fd", opt, id, vevent ? "vEVENTQ" : "fault queue");
	return iommuctl_usage(g, "%s %u: not a %s allocated in this batch or shell", opt, id,
			      vevent ? "vEVENTQ" : "fault queue");
}

/* --wait SECS: how long the first read waits for a record, in ms (0: not). */
static int wait_arg(struct iommuctl *g, struct cmd_args *a, int idx, int *ms)
{
	uint64_t secs = 0;
	int ret;

	*ms = 0;
	if (!a->count[idx])
		return 0;
	ret = arg_u64(g, a, idx, &secs);
	if (ret)
		return ret;
	if (secs > INT_MAX / 1000)
		return iommuctl_usage(g, "--wait %" PRIu64 ": at most %d seconds", secs,
				      INT_MAX / 1000);
	*ms = (int)secs * 1000;
	return 0;
}

/* Read what the queue has now (after waiting up to 'ms' for the first):
 * both fds answer 0 bytes when empty, but poll first so that a descriptor
 * that would block (the simulator's) does not.  Returns bytes, or -errno. */
static ssize_t read_records(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0 || !(p.revents & POLLIN))
		return 0;
	n = read(fd, buf, len);
	return n < 0 ? -errno : n;
}

int cmd_fault_read(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_hwpt_pgfault buf[64];
	struct row_pgfault *rows = NULL;
	const struct session_eventq *q;
	size_t nrows = 0;
	char object[32];
	uint32_t id;
	int ms, ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[FAULT_READ_OPT_FAULT])
		return iommuctl_usage(g, "--fault is required");
	ret = arg_id(g, a, FAULT_READ_OPT_FAULT, &id);
	if (!ret)
		ret = wait_arg(g, a, FAULT_READ_OPT_WAIT, &ms);
	if (!ret)
		ret = session_queue(g, "--fault", id, false, &q);
	if (!ret)
		ret = iommuctl_columns(g, &fam_pgfaults);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "fault %u", id);
	for (;;) {
		/* A fault group is read whole or not at all: the buffer holds 64. */
		ssize_t n = read_records(q->fd, buf, sizeof(buf), nrows ? 0 : ms);
		struct row_pgfault *more;

		if (n < 0) {
			ret = iommuctl_fail_errno(g, object, "read", (int)-n, NULL,
						  n == -EINVAL ? "a fault group larger than 64 "
						  "faults" : NULL);
			goto out;
		}
		if (n == 0)
			break;
		more = realloc(rows, (nrows + (size_t)n / sizeof(buf[0])) * sizeof(*rows));
		if (!more) {
			ret = iommuctl_fail_errno(g, object, "fault read", ENOMEM, NULL, NULL);
			goto out;
		}
		rows = more;
		for (size_t i = 0; i < (size_t)n / sizeof(buf[0]); i++)
			rows[nrows++] = (struct row_pgfault){
				.flags = buf[i].flags, .dev_id = buf[i].dev_id,
				.pasid = buf[i].pasid, .grpid = buf[i].grpid, .perm = buf[i].perm,
				.addr = buf[i].addr, .length = buf[i].length,
				.cookie = buf[i].cookie,
			};
	}
	out_rows(&g->out, &fam_pgfaults, rows, nrows, sizeof(*rows), NULL);
	if (!nrows && !g->out.noheadings)
		out_note(&g->out, "no faults waiting in fault queue %u", id);
out:
	free(rows);
	return ret;
}

int cmd_fault_respond(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_hwpt_page_response r;
	struct row_page_response row = { 0 };
	const struct session_eventq *q;
	char object[48];
	uint64_t cookie;
	ssize_t n;
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[FAULT_RESP_OPT_FAULT] || !a->count[FAULT_RESP_OPT_COOKIE])
		return iommuctl_usage(g, "--fault and --cookie are required");
	ret = arg_id(g, a, FAULT_RESP_OPT_FAULT, &row.fault);
	if (!ret)
		ret = arg_u64(g, a, FAULT_RESP_OPT_COOKIE, &cookie);
	if (!ret && cookie > UINT32_MAX)
		return iommuctl_usage(g, "--cookie: more than 32 bits");
	row.code = 0;
	if (!ret && a->count[FAULT_RESP_OPT_CODE])
		ret = arg_named(g, a, FAULT_RESP_OPT_CODE, response_codes, N(response_codes),
				&row.code);
	if (!ret)
		ret = session_queue(g, "--fault", row.fault, false, &q);
	if (!ret)
		ret = iommuctl_columns(g, &fam_page_responses);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	row.cookie = (uint32_t)cookie;
	r = (struct ifd_hwpt_page_response){ .cookie = row.cookie, .code = row.code };
	snprintf(object, sizeof(object), "fault %u cookie %u", row.fault, row.cookie);
	n = write(q->fd, &r, sizeof(r));
	/* The simulator checks a response when it next looks at the queue (a
	 * socket's write cannot refuse it): ask now.  The kernel answers 0. */
	ret = n == (ssize_t)sizeof(r) ? ifd_queue_sync(g->ctx, q->fd) : n < 0 ? -errno : -EIO;
	if (ret)
		return iommuctl_fail_errno(g, object, "write", -ret, NULL,
					   ret == -EINVAL ?
					   "no fault group with this cookie is waiting for an answer "
					   "(fault read gives the cookies), or the code is neither "
					   "success nor invalid" : NULL);
	row.code_name = row.code < N(response_codes) ? response_codes[row.code].name : NULL;
	out_rows(&g->out, &fam_page_responses, &row, 1, sizeof(row), NULL);
	return 0;
}

int cmd_veventq_alloc(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_veventq_alloc c = { .size = sizeof(c), .veventq_depth = 64 };
	struct row_eventq row = { .has_viommu = true };
	uint64_t depth;
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[VEVQ_ALLOC_OPT_VIOMMU] || !a->count[VEVQ_ALLOC_OPT_TYPE])
		return iommuctl_usage(g, "--viommu and --type are required");
	row.name = a->val[VEVQ_ALLOC_OPT_NAME];
	ret = iommuctl_name_arg(g, row.name);
	if (!ret)
		ret = arg_id(g, a, VEVQ_ALLOC_OPT_VIOMMU, &c.viommu_id);
	if (!ret)
		ret = arg_named(g, a, VEVQ_ALLOC_OPT_TYPE, veventq_types, N(veventq_types), &c.type);
	if (!ret && a->count[VEVQ_ALLOC_OPT_DEPTH]) {
		ret = arg_u64(g, a, VEVQ_ALLOC_OPT_DEPTH, &depth);
		if (!ret && depth > UINT32_MAX)
			return iommuctl_usage(g, "--depth: more than 32 bits");
		c.veventq_depth = (uint32_t)depth;
	}
	if (!ret)
		ret = iommuctl_columns(g, &fam_veventq);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "viommu %u", c.viommu_id);
	if (ifd_ioctl(g->ctx, IOMMU_VEVENTQ_ALLOC, &c) < 0)
		return iommuctl_fail(g, object, NULL, NULL);
	row.id = c.out_veventq_id;
	row.viommu = c.viommu_id;
	row.depth = c.veventq_depth;
	named_value_text(veventq_types, N(veventq_types), c.type, row.type, sizeof(row.type));
	ret = keep_eventq(g, &row, &(struct session_eventq){ .id = c.out_veventq_id,
							      .fd = (int)c.out_veventq_fd,
							      .vevent = true, .type = c.type },
			  object, "veventq alloc");
	if (ret)
		return ret;
	out_rows(&g->out, &fam_veventq, &row, 1, sizeof(row), NULL);
	return 0;
}

/* Event data as hex words: 64-bit ones where the struct has them. */
static void data_words(const uint8_t *d, uint32_t len, char *buf, size_t size)
{
	size_t used = 0;
	unsigned w = len % 8 ? 4 : 8;

	buf[0] = '\0';
	for (uint32_t off = 0; off + w <= len && used < size; off += w) {
		uint64_t v = 0;

		if (w == 8) {
			memcpy(&v, d + off, 8);
		} else {
			uint32_t v32;

			memcpy(&v32, d + off, 4);
			v = v32;
		}
		used += (size_t)snprintf(buf + used, size - used, "%s0x%" PRIx64, off ? " " : "", v);
	}
}

int cmd_veventq_read(struct iommuctl *g, struct cmd_args *a)
{
	static uint8_t buf[16384];
	struct row_vevent *rows = NULL;
	const struct session_eventq *q;
	size_t nrows = 0;
	uint32_t id, dlen;
	char object[32];
	int ms, ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[VEVQ_READ_OPT_VEVENTQ])
		return iommuctl_usage(g, "--veventq is required");
	ret = arg_id(g, a, VEVQ_READ_OPT_VEVENTQ, &id);
	if (!ret)
		ret = wait_arg(g, a, VEVQ_READ_OPT_WAIT, &ms);
	if (!ret)
		ret = session_queue(g, "--veventq", id, true, &q);
	if (ret)
		return ret;
	dlen = vevent_data_len(q->type);
	if (!dlen)
		return iommuctl_usage(g, "--veventq %u: iommuctl does not know how long the events "
				      "of type 0x%x are", id, q->type);
	ret = iommuctl_columns(g, &fam_vevents);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "veventq %u", id);
	for (;;) {
		ssize_t n = read_records(q->fd, buf, sizeof(buf), nrows ? 0 : ms);
		size_t off = 0;

		if (n < 0) {
			ret = iommuctl_fail_errno(g, object, "read", (int)-n, NULL, NULL);
			goto out;
		}
		if (n == 0)
			break;
		/* A header, then the type's data unless it only says events were lost. */
		while (off + sizeof(struct ifd_vevent_header) <= (size_t)n) {
			struct ifd_vevent_header h;
			struct row_vevent *more = realloc(rows, (nrows + 1) * sizeof(*rows)), *r;

			if (!more) {
				ret = iommuctl_fail_errno(g, object, "veventq read", ENOMEM, NULL,
							  NULL);
				goto out;
			}
			rows = more;
			r = memset(&rows[nrows++], 0, sizeof(*r));
			memcpy(&h, buf + off, sizeof(h));
			off += sizeof(h);
			r->flags = h.flags;
			r->sequence = h.sequence;
			if (h.flags & IFD_VEVENTQ_FLAG_LOST_EVENTS)
				continue;
			if (off + dlen > (size_t)n) {
				ret = iommuctl_fail_errno(g, object, "read", EIO,
							  "an event ends past what read returned",
							  NULL);
				goto out;
			}
			data_words(buf + off, dlen, r->data, sizeof(r->data));
			if (q->type == IFD_VEVENTQ_TYPE_SELFTEST) {
				r->has_virt_id = true;
				memcpy(&r->virt_id, buf + off, 4);
			}
			off += dlen;
		}
	}
	out_rows(&g->out, &fam_vevents, rows, nrows, sizeof(*rows), NULL);
	if (!nrows && !g->out.noheadings)
		out_note(&g->out, "no vEVENTs waiting in vEVENTQ %u", id);
out:
	free(rows);
	return ret;
}
