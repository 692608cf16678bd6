// SPDX-License-Identifier: GPL-3.0-or-later
/* The memory of a batch or shell: names, objects made, allowed lists set. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"

void session_free(struct session *s)
{
	for (size_t i = 0; i < s->nallowed; i++)
		free(s->allowed[i].ranges);
	free(s->allowed);
	/* Closing a device's fd unbinds it from the context. */
	for (size_t i = 0; i < s->ndevices; i++)
		close(s->devices[i].fd);
	free(s->devices);
	s->devices = NULL;
	s->ndevices = 0;
	for (size_t i = 0; i < s->neventqs; i++)
		close(s->eventqs[i].fd);
	free(s->eventqs);
	s->eventqs = NULL;
	s->neventqs = 0;
	for (size_t i = 0; i < s->nareas; i++)
		free(s->areas[i].a);
	free(s->areas);
	s->areas = NULL;
	s->nareas = 0;
	free(s->names);
	free(s->ids);
	s->allowed = NULL;
	s->names = NULL;
	s->ids = NULL;
	s->nallowed = s->nnames = s->nids = 0;
}

int session_name_check(const char *name, const char **why)
{
	size_t n = strlen(name);

	if (n == 0) {
		*why = "empty name";
		return -1;
	}
	if (n >= SESSION_NAME_MAX) {
		*why = "names have at most 31 characters";
		return -1;
	}
	if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z') ||
	      (name[0] >= 'A' && name[0] <= 'Z'))) {
		*why = "a name starts with a letter or '_'";
		return -1;
	}
	for (const char *p = name; *p; p++) {
		char c = *p;

		if (!(c == '_' || c == '-' || c == '.' || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
			*why = "a name has only letters, digits, '_', '-' and '.'";
			return -1;
		}
	}
	return 0;
}

int session_name_find(const struct session *s, const char *name, uint32_t *id)
{
	for (size_t i = 0; i < s->nnames; i++)
		if (strcmp(s->names[i].name, name) == 0) {
			*id = s->names[i].id;
			return 0;
		}
	return -1;
}

const char *session_name_of(const struct session *s, uint32_t id)
{
	for (size_t i = 0; i < s->nnames; i++)
		if (s->names[i].id == id)
			return s->names[i].name;
	return NULL;
}

int session_name_add(struct session *s, const char *name, uint32_t id)
{
	struct session_name *n = realloc(s->names, (s->nnames + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	s->names = n;
	memset(&n[s->nnames], 0, sizeof(n[s->nnames]));
	memcpy(n[s->nnames].name, name, strnlen(name, SESSION_NAME_MAX - 1));
	n[s->nnames++].id = id;
	return 0;
}

static void allowed_drop(struct session *s, uint32_t ioas)
{
	for (size_t i = 0; i < s->nallowed; i++)
		if (s->allowed[i].ioas == ioas) {
			free(s->allowed[i].ranges);
			s->allowed[i] = s->allowed[--s->nallowed];
			return;
		}
}

int session_object_new(struct session *s, uint32_t id)
{
	uint32_t *ids;

	/* A reused ID is a new object: nothing known about the old one holds. */
	session_object_gone(s, id);
	ids = realloc(s->ids, (s->nids + 1) * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	s->ids = ids;
	ids[s->nids++] = id;
	return 0;
}

static const struct session_areas no_areas;

static struct session_areas *areas_find(const struct session *s, uint32_t ioas)
{
	for (size_t i = 0; i < s->nareas; i++)
		if (s->areas[i].ioas == ioas)
			return &s->areas[i];
	return NULL;
}

static bool made_here(const struct session *s, uint32_t id)
{
	for (size_t i = 0; i < s->nids; i++)
		if (s->ids[i] == id)
			return true;
	return false;
}

static void areas_drop(struct session *s, uint32_t ioas)
{
	struct session_areas *sa = areas_find(s, ioas);

	if (!sa)
		return;
	free(sa->a);
	*sa = s->areas[--s->nareas];
}

/* The list of 'ioas', made empty when first needed: only for an IOAS this
 * session made, whose every area it saw. */
static struct session_areas *areas_get(struct session *s, uint32_t ioas)
{
	struct session_areas *sa = areas_find(s, ioas), *n;

	if (sa || !made_here(s, ioas))
		return sa;
	n = realloc(s->areas, (s->nareas + 1) * sizeof(*n));
	if (!n)
		return NULL;
	s->areas = n;
	sa = &n[s->nareas++];
	memset(sa, 0, sizeof(*sa));
	sa->ioas = ioas;
	return sa;
}

int session_area_add(struct session *s, uint32_t ioas, const struct ifd_sim_area *a)
{
	struct session_areas *sa = areas_get(s, ioas);
	struct ifd_sim_area *n;
	size_t at = 0;

	if (!sa || sa->unknown)
		return 0;
	n = realloc(sa->a, (sa->n + 1) * sizeof(*n));
	if (!n) {
		sa->unknown = true;	/* better unknown than wrong */
		return -ENOMEM;
	}
	sa->a = n;
	while (at < sa->n && n[at].iova < a->iova)
		at++;
	memmove(&n[at + 1], &n[at], (sa->n - at) * sizeof(*n));
	n[at] = *a;
	sa->n++;
	return 0;
}

void session_areas_unmapped(struct session *s, uint32_t ioas, uint64_t start, uint64_t last,
			    bool ok)
{
	struct session_areas *sa = areas_find(s, ioas);
	size_t k = 0;

	if (!sa)
		return;
	if (!ok) {
		/* The kernel may have removed whole areas before the one it failed on. */
		sa->unknown = true;
		return;
	}
	for (size_t i = 0; i < sa->n; i++)
		if (!(sa->a[i].iova >= start && sa->a[i].last <= last))
			sa->a[k++] = sa->a[i];
	sa->n = k;
}

void session_areas_copied(struct session *s, uint32_t src, uint32_t dst, uint64_t start,
			  uint64_t last, uint64_t dst_iova)
{
	const struct session_areas *from = session_areas_of(s, src);
	struct session_areas *to = areas_get(s, dst);

	if (!to || to->unknown)
		return;
	if (!from) {
		to->unknown = true;
		return;
	}
	/* One area per source area the range covers, clipped to the range. */
	for (size_t i = 0; i < from->n && !to->unknown; i++) {
		struct ifd_sim_area a = from->a[i];
		uint64_t lo, hi;

		if (a.last < start || a.iova > last)
			continue;
		lo = a.iova > start ? a.iova : start;
		hi = a.last < last ? a.last : last;
		if (a.source != IFD_SIM_SRC_FILE)
			a.user_va += lo - a.iova;
		else
			a.offset += lo - a.iova;
		a.iova = dst_iova + (lo - start);
		a.last = dst_iova + (hi - start);
		if (session_area_add(s, dst, &a))
			return;
		to = areas_find(s, dst);
	}
}

const struct session_areas *session_areas_of(const struct session *s, uint32_t ioas)
{
	const struct session_areas *sa = areas_find(s, ioas);

	if (sa)
		return sa->unknown ? NULL : sa;
	/* An IOAS made here and never mapped has no areas. */
	return made_here(s, ioas) ? &no_areas : NULL;
}

void session_object_gone(struct session *s, uint32_t id)
{
	for (size_t i = 0; i < s->nids; i++)
		if (s->ids[i] == id) {
			memmove(&s->ids[i], &s->ids[i + 1], (s->nids - i - 1) * sizeof(*s->ids));
			s->nids--;
			break;
		}
	for (size_t i = 0; i < s->nnames;)
		if (s->names[i].id == id) {
			memmove(&s->names[i], &s->names[i + 1],
				(s->nnames - i - 1) * sizeof(*s->names));
			s->nnames--;
		} else {
			i++;
		}
	allowed_drop(s, id);
	areas_drop(s, id);
	/* IDs are reused: a later object with this ID is not behind this fd. */
	session_eventq_close(s, id);
}

void session_forget_all(struct session *s)
{
	bool active = s->active, interactive = s->interactive, force = s->force;
	const char *file = s->file;

	session_free(s);
	s->active = active;
	s->interactive = interactive;
	s->force = force;
	s->file = file;
}

int session_allowed_set(struct session *s, uint32_t ioas, const struct ifd_range *r,
			uint32_t n)
{
	struct session_allowed *a;
	struct ifd_range *copy = NULL;

	if (n) {
		copy = malloc(n * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, r, n * sizeof(*copy));
	}
	allowed_drop(s, ioas);
	a = realloc(s->allowed, (s->nallowed + 1) * sizeof(*a));
	if (!a) {
		free(copy);
		return -ENOMEM;
	}
	s->allowed = a;
	a[s->nallowed++] = (struct session_allowed){ .ioas = ioas, .n = n, .ranges = copy };
	return 0;
}

const struct session_allowed *session_allowed_get(const struct session *s, uint32_t ioas)
{
	for (size_t i = 0; i < s->nallowed; i++)
		if (s->allowed[i].ioas == ioas)
			return &s->allowed[i];
	return NULL;
}

int session_device_add(struct session *s, uint32_t dev_id, int fd, const char *node)
{
	struct session_device *d = realloc(s->devices, (s->ndevices + 1) * sizeof(*d));

	if (!d)
		return -ENOMEM;
	s->devices = d;
	d = &d[s->ndevices++];
	memset(d, 0, sizeof(*d));
	d->dev_id = dev_id;
	d->fd = fd;
	memcpy(d->node, node, strnlen(node, sizeof(d->node) - 1));
	return 0;
}

int session_device_fd(const struct session *s, uint32_t dev_id)
{
	for (size_t i = 0; i < s->ndevices; i++)
		if (s->devices[i].dev_id == dev_id)
			return s->devices[i].fd;
	return -1;
}

int session_eventq_add(struct session *s, const struct session_eventq *q)
{
	struct session_eventq *n = realloc(s->eventqs, (s->neventqs + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	s->eventqs = n;
	n[s->neventqs++] = *q;
	return 0;
}

const struct session_eventq *session_eventq_of(const struct session *s, uint32_t id)
{
	for (size_t i = 0; i < s->neventqs; i++)
		if (s->eventqs[i].id == id)
			return &s->eventqs[i];
	return NULL;
}

bool session_eventq_close(struct session *s, uint32_t id)
{
	for (size_t i = 0; i < s->neventqs; i++)
		if (s->eventqs[i].id == id) {
			close(s->eventqs[i].fd);
			s->eventqs[i] = s->eventqs[--s->neventqs];
			return true;
		}
	return false;
}
