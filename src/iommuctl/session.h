/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What iommuctl remembers between the commands of one process: a batch
 * (-b) or the shell runs many commands on one context, so names given to
 * objects (alloc --name a, then @a), the objects this process made, and the
 * allowed lists it set (which the kernel cannot report) live here.
 */
#ifndef IOMMUCTL_SESSION_H
#define IOMMUCTL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiommufd.h"

#define SESSION_NAME_MAX 32	/* bytes of a name, the NUL included */

struct session_name {
	char name[SESSION_NAME_MAX];
	uint32_t id;
};

struct session_allowed {
	uint32_t ioas;
	uint32_t n;
	struct ifd_range *ranges;
};

/* A VFIO device bound to the context by this process: its binding lives as
 * long as this fd, so the session keeps it open until it ends. */
struct session_device {
	uint32_t dev_id;
	int fd;
	char node[4200];		/* /dev/vfio/devices/vfioN, or the simulator's node */
};

/* The fd of a fault queue or vEVENTQ this session allocated: its records can
 * only be read (and faults answered) through it, so the session keeps it
 * until the object is destroyed or the session ends. */
struct session_eventq {
	uint32_t id;
	int fd;
	bool vevent;			/* a vEVENTQ (else a fault queue) */
	uint32_t type;			/* a vEVENTQ's IOMMU_VEVENTQ_TYPE_* */
};

/* The areas this session mapped into an IOAS it made, on a kernel context of
 * its own (where nobody else can map): what the kernel cannot report. */
struct session_areas {
	uint32_t ioas;
	bool unknown;			/* a failed unmap may have removed some */
	size_t n;
	struct ifd_sim_area *a;		/* sorted by IOVA */
};

struct session {
	bool active;			/* -b or shell: several commands on one context */
	bool interactive;		/* the shell on a terminal */
	bool force;			/* go on after a failed command */
	const char *file;		/* the batch's name in messages: a path or "-" */
	unsigned long line;		/* the line being run (its first, if continued) */
	char where[320];		/* "FILE:LINE", prefixed to messages; "" outside a batch */
	bool mutated;			/* some command changed something */
	struct session_name *names;
	size_t nnames;
	uint32_t *ids;			/* objects made here and not destroyed since */
	size_t nids;
	struct session_allowed *allowed;
	size_t nallowed;
	struct session_device *devices;
	size_t ndevices;
	struct session_areas *areas;
	size_t nareas;
	struct session_eventq *eventqs;
	size_t neventqs;
};

void session_free(struct session *s);

/* Is 'name' (without '@') a valid name?  0, or -1 with *why. */
int session_name_check(const char *name, const char **why);
/* The ID named 'name' (without '@'), or -1 if there is none. */
int session_name_find(const struct session *s, const char *name, uint32_t *id);
/* The name of object 'id', or NULL. */
const char *session_name_of(const struct session *s, uint32_t id);
int session_name_add(struct session *s, const char *name, uint32_t id);

/* Object 'id' was made here / is gone: names and allowed lists of a gone
 * object are dropped (IDs are reused). */
int session_object_new(struct session *s, uint32_t id);
void session_object_gone(struct session *s, uint32_t id);
/* Every object is gone (sim reset). */
void session_forget_all(struct session *s);

/* The allowed list this process set on 'ioas' (copied), and what it knows. */
int session_allowed_set(struct session *s, uint32_t ioas, const struct ifd_range *r,
			uint32_t n);
const struct session_allowed *session_allowed_get(const struct session *s, uint32_t ioas);

/* A device this session bound (it keeps 'fd' open); the fd of 'dev_id', or -1. */
int session_device_add(struct session *s, uint32_t dev_id, int fd, const char *node);
int session_device_fd(const struct session *s, uint32_t dev_id);

/* An event queue this session allocated (it keeps 'fd' open, and closes it
 * when the object is gone); the one of 'id', or NULL. */
int session_eventq_add(struct session *s, const struct session_eventq *q);
const struct session_eventq *session_eventq_of(const struct session *s, uint32_t id);
/* Close the fd kept for 'id' (the kernel keeps the object busy while it is
 * open); false if none was kept. */
bool session_eventq_close(struct session *s, uint32_t id);

/* Areas: a map made 'a'; an unmap of [start, last] succeeded (whole areas
 * inside went) or failed (what went is unknown); a copy made areas in 'dst'
 * from [start, last] of 'src' at dst_iova.  The list of 'ioas' if this
 * session knows it (it made the IOAS, no failed unmap since), else NULL. */
int session_area_add(struct session *s, uint32_t ioas, const struct ifd_sim_area *a);
void session_areas_unmapped(struct session *s, uint32_t ioas, uint64_t start, uint64_t last,
			    bool ok);
void session_areas_copied(struct session *s, uint32_t src, uint32_t dst, uint64_t start,
			  uint64_t last, uint64_t dst_iova);
const struct session_areas *session_areas_of(const struct session *s, uint32_t ioas);

#endif
