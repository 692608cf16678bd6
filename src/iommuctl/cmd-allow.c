// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * allow set | show | clear: an IOAS's allowed IOVAs (IOMMU_IOAS_ALLOW_IOVAS).
 * The kernel takes the list but has no ioctl to read it back, so on the
 * kernel iommuctl reports only what this process set; the simulator can be
 * asked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "columns.h"
#include "iommuctl.h"

int iommuctl_allowed_list(struct iommuctl *g, uint32_t ioas, const char *object,
			  struct ifd_range **ranges, uint32_t *n, const char **source)
{
	const struct session_allowed *known;

	*ranges = NULL;
	*n = 0;
	*source = NULL;
	if (ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM) {
		if (ifd_sim_allowed(g->ctx, ioas, ranges, n))
			return iommuctl_fail(g, object, NULL, NULL);
		*source = "backend";
		return 0;
	}
	known = session_allowed_get(&g->session, ioas);
	if (!known)
		return 0;
	if (known->n) {
		*ranges = malloc(known->n * sizeof(**ranges));
		if (!*ranges)
			return iommuctl_fail_errno(g, object, "allowed list", ENOMEM, NULL, NULL);
		memcpy(*ranges, known->ranges, known->n * sizeof(**ranges));
	}
	*n = known->n;
	*source = "session";
	return 0;
}

/* The list now in effect, as a document. */
static int print_allowed(struct iommuctl *g, uint32_t ioas, const char *object)
{
	struct row_allow row = { .ioas = ioas };
	struct ifd_range *ranges = NULL;
	char title[96];
	int ret;

	/* The kernel cannot report the list, but IOVA_RANGES says whether the
	 * IOAS exists, in the same words on both backends. */
	struct ifd_range *r;
	uint32_t nr;

	if (ifd_ioas_iova_ranges(g->ctx, ioas, &r, &nr, NULL))
		return iommuctl_fail(g, object, NULL, NULL);
	free(r);
	ret = iommuctl_allowed_list(g, ioas, object, &ranges, &row.n, &row.source);
	if (ret)
		return ret;
	row.known = row.source != NULL;
	row.reason = row.known ? NULL : IOMMUCTL_KERNEL_NO_ALLOWED;
	if (g->out.json) {
		struct json_object *obj = out_json_row(&g->out, &fam_allow, &row);

		json_object_object_add(obj, "allowed_iovas", !row.known ? NULL :
				       out_json_rows(&g->out, &fam_allowed_iovas, ranges, row.n,
						     sizeof(*ranges)));
		out_json_add(&g->out, fam_allow.name, obj);
	} else if (!row.known) {
		out_note(&g->out, "allowed IOVAs of ioas %u: not available: %s", ioas, row.reason);
	} else if (row.n) {
		snprintf(title, sizeof(title), "allowed IOVAs of ioas %u:", ioas);
		out_rows(&g->out, &fam_allowed_iovas, ranges, row.n, sizeof(*ranges), title);
	} else if (!g->out.noheadings) {
		out_note(&g->out, "allowed IOVAs of ioas %u: none (any IOVA may be chosen)", ioas);
	}
	free(ranges);
	return 0;
}

/* --ioas, no other operand than 'operands' allows; opens the context. */
static int allow_args(struct iommuctl *g, struct cmd_args *a, bool operands, uint32_t *ioas,
		      char *object, size_t len)
{
	int ret;

	if (!operands && a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[ALLOW_OPT_IOAS])
		return iommuctl_usage(g, "--ioas ID is required");
	ret = arg_id(g, a, ALLOW_OPT_IOAS, ioas);
	if (ret)
		return ret;
	snprintf(object, len, "ioas %u", *ioas);
	return 0;
}

static int set_list(struct iommuctl *g, uint32_t ioas, const char *object,
		    const struct ifd_range *ranges, uint32_t n)
{
	int ret = iommuctl_columns(g, &fam_allowed_iovas);

	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	/* ALLOW_IOVAS is atomic: on failure the old list is still in effect. */
	if (ifd_ioas_allow_iovas(g->ctx, ioas, ranges, n))
		return iommuctl_fail(g, object, NULL, NULL);
	if (session_allowed_set(&g->session, ioas, ranges, n))
		return iommuctl_fail_errno(g, object, "allowed list", ENOMEM,
					   "the list was set, but iommuctl could not keep a copy",
					   NULL);
	return print_allowed(g, ioas, object);
}

int cmd_allow_set(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_range *ranges;
	char object[32];
	uint32_t ioas;
	int ret = allow_args(g, a, true, &ioas, object, sizeof(object));

	if (ret)
		return ret;
	if (a->argc == 0)
		return iommuctl_usage(g, "which ranges? (RANGE: START-END or START+LEN; 'allow "
				      "clear' empties the list)");
	ranges = calloc((size_t)a->argc, sizeof(*ranges));
	if (!ranges)
		return iommuctl_fail_errno(g, object, "allowed list", ENOMEM, NULL, NULL);
	for (int i = 0; i < a->argc && !ret; i++) {
		struct parse_range r;
		const char *why;

		if (parse_range(a->argv[i], &r, &why))
			ret = iommuctl_usage(g, "RANGE '%s': %s", a->argv[i], why);
		else
			ranges[i] = (struct ifd_range){ r.start, r.last };
	}
	if (!ret)
		ret = set_list(g, ioas, object, ranges, (uint32_t)a->argc);
	free(ranges);
	return ret;
}

int cmd_allow_clear(struct iommuctl *g, struct cmd_args *a)
{
	char object[32];
	uint32_t ioas;
	int ret = allow_args(g, a, false, &ioas, object, sizeof(object));

	return ret ? ret : set_list(g, ioas, object, NULL, 0);
}

int cmd_allow_show(struct iommuctl *g, struct cmd_args *a)
{
	char object[32];
	uint32_t ioas;
	int ret = allow_args(g, a, false, &ioas, object, sizeof(object));

	if (!ret)
		ret = iommuctl_columns(g, &fam_allowed_iovas);
	if (!ret)
		ret = iommuctl_open(g);
	return ret ? ret : print_allowed(g, ioas, object);
}
