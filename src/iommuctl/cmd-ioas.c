// SPDX-License-Identifier: GPL-3.0-or-later
/* alloc, free, query: IOAS objects. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ifd-abi.h"
#include "columns.h"
#include "iommuctl.h"

#define KERNEL_NO_LISTING \
	"iommufd has no ioctl that lists objects: a process sees only the objects of the fd it " \
	"holds, and only by the IDs it was given"
#define KERNEL_NO_AREAS "the kernel has no ioctl that reports an IOAS's mappings"

static const char *ctx_lifetime(const struct iommuctl *g)
{
	if (ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM)
		return "state";
	return g->fd < 0 ? "process" : "fd";
}

int cmd_alloc(struct iommuctl *g, struct cmd_args *a)
{
	struct row_new_ioas row = { 0 };
	const char *name = a->val[ALLOC_OPT_NAME], *why;
	uint32_t taken;
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (name) {
		if (!g->session.active)
			return iommuctl_usage(g, "--name: names last for one batch (-b) or shell; "
					      "a single command has no later line to use it");
		if (name[0] == '@')
			name++;
		if (session_name_check(name, &why))
			return iommuctl_usage(g, "--name '%s': %s", a->val[ALLOC_OPT_NAME], why);
		if (session_name_find(&g->session, name, &taken) == 0)
			return iommuctl_usage(g, "--name: @%s is taken (it names %u; free it first)",
					      name, taken);
	}
	ret = iommuctl_columns(g, &fam_new_ioas);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (ifd_ioas_alloc(g->ctx, &row.id))
		return iommuctl_fail(g, NULL, NULL, NULL);
	if (session_object_new(&g->session, row.id) ||
	    (name && session_name_add(&g->session, name, row.id))) {
		char object[32];

		snprintf(object, sizeof(object), "ioas %u", row.id);
		return iommuctl_fail_errno(g, object, "--name", ENOMEM,
					   "the IOAS was allocated, but its name could not be kept",
					   NULL);
	}
	row.lifetime = ctx_lifetime(g);
	row.name = name;
	out_rows(&g->out, &fam_new_ioas, &row, 1, sizeof(row), NULL);
	return 0;
}

static struct json_object *id_array(const struct row_freed *ids, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_uint64(ids[i].id));
	return arr;
}

static void id_list(char *buf, size_t len, const struct row_freed *ids, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u", i ? " " : "", ids[i].id);
}

int cmd_free(struct iommuctl *g, struct cmd_args *a)
{
	struct row_freed *ids;
	int ret;

	if (a->argc == 0)
		return iommuctl_usage(g, "which IDs? (free ID...)");
	ids = calloc((size_t)a->argc, sizeof(*ids));
	if (!ids)
		return iommuctl_fail_errno(g, NULL, "free", ENOMEM, NULL, NULL);
	/* Every ID is checked before anything is destroyed. */
	for (int i = 0; i < a->argc; i++) {
		ret = iommuctl_parse_id(g, "ID", a->argv[i], &ids[i].id);
		if (ret)
			goto out;
	}
	ret = iommuctl_columns(g, &fam_freed);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		goto out;
	for (int i = 0; i < a->argc; i++) {
		/* An event queue is busy while its fd is open: on EBUSY, close
		 * the one this session keeps and try again (a HWPT using the
		 * queue still keeps it busy). */
		if (ifd_destroy(g->ctx, ids[i].id) == 0 ||
		    (ifd_ctx_last_error(g->ctx)->err == EBUSY &&
		     session_eventq_close(&g->session, ids[i].id) &&
		     ifd_destroy(g->ctx, ids[i].id) == 0)) {
			session_object_gone(&g->session, ids[i].id);
			continue;
		}
		/* Stop at the first failure: later IDs may depend on this one. */
		size_t done = (size_t)i, rest = (size_t)a->argc - done - 1;
		char object[32], freed[256], skipped[256], text[600];
		struct json_object *partial = NULL;

		snprintf(object, sizeof(object), "id %u", ids[i].id);
		text[0] = '\0';
		if (done || rest) {
			id_list(freed, sizeof(freed), ids, done);
			id_list(skipped, sizeof(skipped), ids + i + 1, rest);
			snprintf(text, sizeof(text), "freed: %s; not attempted: %s",
				 done ? freed : "none", rest ? skipped : "none");
			partial = json_object_new_object();
			json_object_object_add(partial, "freed", id_array(ids, done));
			json_object_object_add(partial, "not_attempted", id_array(ids + i + 1, rest));
		}
		ret = iommuctl_fail(g, object, text[0] ? text : NULL, partial);
		goto out;
	}
	out_rows(&g->out, &fam_freed, ids, (size_t)a->argc, sizeof(*ids), NULL);
out:
	free(ids);
	return ret;
}

static int query_objects(struct iommuctl *g)
{
	struct ifd_sim_object *objs;
	size_t n;
	int ret = iommuctl_columns(g, &fam_objects);

	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (ifd_ctx_backend(g->ctx) != IFD_BACKEND_SIM) {
		if (g->out.json) {
			out_json_add(&g->out, "objects", NULL);
			out_json_add(&g->out, "objects_reason", json_object_new_string(KERNEL_NO_LISTING));
		} else {
			out_note(&g->out, "objects: not available: " KERNEL_NO_LISTING);
		}
		return 0;
	}
	if (ifd_sim_objects(g->ctx, &objs, &n))
		return iommuctl_fail(g, NULL, NULL, NULL);
	out_rows(&g->out, &fam_objects, objs, n, sizeof(*objs), NULL);
	if (g->out.json)
		out_json_add(&g->out, "objects_reason", NULL);
	free(objs);
	return 0;
}

int cmd_query(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_range *ranges = NULL, *allowed = NULL;
	struct ifd_sim_area *areas = NULL;
	struct row_ioas row = { 0 };
	const char *allowed_source = NULL, *areas_source = NULL;
	char object[32], title[96];
	uint64_t huge;
	size_t nareas = 0;
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[QUERY_OPT_IOAS])
		return query_objects(g);
	ret = arg_id(g, a, QUERY_OPT_IOAS, &row.id);
	if (!ret)
		ret = iommuctl_columns(g, &fam_ioas);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "ioas %u", row.id);
	if (ifd_ioas_iova_ranges(g->ctx, row.id, &ranges, &row.nranges, &row.alignment) ||
	    ifd_option(g->ctx, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, row.id, &huge))
		return iommuctl_fail(g, object, NULL, NULL);
	row.huge_pages = huge != 0;
	row.introspect = ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM;
	ret = iommuctl_allowed_list(g, row.id, object, &allowed, &row.nallowed, &allowed_source);
	if (ret)
		goto out;
	row.allowed_known = allowed_source != NULL;
	if (row.introspect) {
		if (ifd_sim_areas(g->ctx, row.id, &areas, &nareas)) {
			ret = iommuctl_fail(g, object, NULL, NULL);
			goto out;
		}
		areas_source = "backend";
	} else if (iommuctl_tracks_areas(g)) {
		/* Everything mapped on this fd was mapped by this session. */
		const struct session_areas *known = session_areas_of(&g->session, row.id);

		if (known) {
			nareas = known->n;
			areas = calloc(nareas ? nareas : 1, sizeof(*areas));
			if (!areas) {
				ret = iommuctl_fail_errno(g, object, "areas", ENOMEM, NULL, NULL);
				goto out;
			}
			if (nareas)
				memcpy(areas, known->a, nareas * sizeof(*areas));
			areas_source = "session";
			row.introspect = true;
		}
	}
	if (row.introspect) {
		row.nareas = nareas;
		for (size_t i = 0; i < nareas; i++)
			row.mapped += areas[i].last - areas[i].iova + 1;
	}

	if (g->out.json) {
		struct json_object *obj = out_json_row(&g->out, &fam_ioas, &row);
		struct json_object *arr = json_object_new_array();
		const char *reason = row.introspect ? NULL : iommuctl_tracks_areas(g) ?
				     KERNEL_NO_AREAS ": this batch or shell did not make this IOAS, or "
				     "an unmap of it failed (which may remove some areas)" :
				     KERNEL_NO_AREAS ": iommuctl knows them only in a batch or shell on "
				     "its own /dev/iommu fd, for the IOASes it made";

		json_object_object_add(obj, "iova_ranges",
				       out_json_rows(&g->out, &fam_iova_ranges, ranges, row.nranges,
						     sizeof(*ranges)));
		json_object_object_add(obj, "allowed_iovas", !row.allowed_known ? NULL :
				       out_json_rows(&g->out, &fam_allowed_iovas, allowed,
						     row.nallowed, sizeof(*allowed)));
		json_object_object_add(obj, "allowed_iovas_source", allowed_source ?
				       json_object_new_string(allowed_source) : NULL);
		json_object_object_add(obj, "allowed_iovas_reason", row.allowed_known ? NULL :
				       json_object_new_string(IOMMUCTL_KERNEL_NO_ALLOWED));
		json_object_object_add(obj, "areas", !row.introspect ? NULL :
				       out_json_rows(&g->out, &fam_areas, areas, nareas,
						     sizeof(*areas)));
		json_object_object_add(obj, "areas_source", areas_source ?
				       json_object_new_string(areas_source) : NULL);
		json_object_object_add(obj, "areas_reason",
				       reason ? json_object_new_string(reason) : NULL);
		json_object_array_add(arr, obj);
		out_json_add(&g->out, fam_ioas.name, arr);
		goto out;
	}
	out_rows(&g->out, &fam_ioas, &row, 1, sizeof(row), NULL);
	snprintf(title, sizeof(title), "IOVA ranges of ioas %u:", row.id);
	out_rows(&g->out, &fam_iova_ranges, ranges, row.nranges, sizeof(*ranges), title);
	if (!row.allowed_known) {
		out_note(&g->out, "allowed IOVAs of ioas %u: not available: %s", row.id,
			 IOMMUCTL_KERNEL_NO_ALLOWED);
	} else if (row.nallowed) {
		snprintf(title, sizeof(title), "allowed IOVAs of ioas %u:", row.id);
		out_rows(&g->out, &fam_allowed_iovas, allowed, row.nallowed, sizeof(*allowed), title);
	} else if (!g->out.noheadings) {
		out_note(&g->out, "allowed IOVAs of ioas %u: none set (any IOVA may be chosen)",
			 row.id);
	}
	if (!row.introspect) {
		out_note(&g->out, "areas of ioas %u: not available: %s", row.id,
			 iommuctl_tracks_areas(g) ? KERNEL_NO_AREAS ": this batch or shell did not "
			 "make this IOAS, or an unmap of it failed" : KERNEL_NO_AREAS ": iommuctl "
			 "knows them only in a batch or shell on its own /dev/iommu fd");
		goto out;
	}
	if (nareas) {
		snprintf(title, sizeof(title), "areas of ioas %u:", row.id);
		out_rows(&g->out, &fam_areas, areas, nareas, sizeof(*areas), title);
	} else if (!g->out.noheadings) {
		out_note(&g->out, "areas of ioas %u: none", row.id);
	}
out:
	free(ranges);
	free(allowed);
	free(areas);
	return ret;
}
