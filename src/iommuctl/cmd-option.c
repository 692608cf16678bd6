// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * option get | set: IOMMU_OPTION's RLIMIT_MODE (how the context accounts
 * pinned pages, global) and HUGE_PAGES (per IOAS).
 * vfio-ioas get | set | clear: IOMMU_VFIO_IOAS, the IOAS that the legacy
 * VFIO container ioctls on this iommufd operate on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ifd-abi.h"
#include "columns.h"
#include "iommuctl.h"

struct option_desc {
	const char *name;
	uint32_t id;
	bool per_ioas;
	const char *value_names[2];	/* the meanings of 0 and 1 */
};

static const struct option_desc options[] = {
	{ "rlimit-mode", IOMMU_OPTION_RLIMIT_MODE, false, { "user", "mm" } },
	{ "huge-pages", IOMMU_OPTION_HUGE_PAGES, true, { "off", "on" } },
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static const struct option_desc *find_option(const char *name)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

static int unknown_option(struct iommuctl *g, const char *name)
{
	return iommuctl_usage(g, "unknown option '%s' (options: rlimit-mode, huge-pages)", name);
}

/* The --ioas an option needs, or its absence: 0 or EXIT_USAGE. */
static int option_ioas(struct iommuctl *g, struct cmd_args *a, const struct option_desc *o,
		       uint32_t *ioas)
{
	if (!o->per_ioas && a->count[OPTION_OPT_IOAS])
		return iommuctl_usage(g, "%s is global (the whole context): no --ioas", o->name);
	if (o->per_ioas && !a->count[OPTION_OPT_IOAS])
		return iommuctl_usage(g, "%s is per IOAS: --ioas ID is required", o->name);
	return o->per_ioas ? arg_id(g, a, OPTION_OPT_IOAS, ioas) : 0;
}

/* GET one option into a row; 0 or the exit code of a reported failure. */
static int get_option(struct iommuctl *g, const struct option_desc *o, uint32_t ioas,
		      struct row_option *row)
{
	char object[32];

	*row = (struct row_option){ .name = o->name, .option_id = o->id, .has_ioas = o->per_ioas,
				    .ioas = ioas };
	if (ifd_option(g->ctx, o->id, IOMMU_OPTION_OP_GET, o->per_ioas ? ioas : 0, &row->value)) {
		snprintf(object, sizeof(object), "ioas %u", ioas);
		return iommuctl_fail(g, o->per_ioas ? object : NULL, NULL, NULL);
	}
	row->meaning = row->value < 2 ? o->value_names[row->value] : NULL;
	return 0;
}

int cmd_option_get(struct iommuctl *g, struct cmd_args *a)
{
	struct row_option rows[NOPTIONS];
	const struct option_desc *want[NOPTIONS];
	size_t n = 0;
	uint32_t ioas = 0;
	int ret;

	if (a->argc > 1)
		return iommuctl_usage(g, "one option at a time, or none for all");
	if (a->argc == 1) {
		want[n] = find_option(a->argv[0]);
		if (!want[n])
			return unknown_option(g, a->argv[0]);
		ret = option_ioas(g, a, want[n++], &ioas);
	} else {
		/* every option there is something to ask about */
		want[n++] = &options[0];
		if (a->count[OPTION_OPT_IOAS])
			want[n++] = &options[1];
		ret = a->count[OPTION_OPT_IOAS] ? arg_id(g, a, OPTION_OPT_IOAS, &ioas) : 0;
	}
	if (!ret)
		ret = iommuctl_columns(g, &fam_options);
	if (!ret)
		ret = iommuctl_open(g);
	for (size_t i = 0; i < n && !ret; i++)
		ret = get_option(g, want[i], ioas, &rows[i]);
	if (ret)
		return ret;
	out_rows(&g->out, &fam_options, rows, n, sizeof(rows[0]), NULL);
	return 0;
}

int cmd_option_set(struct iommuctl *g, struct cmd_args *a)
{
	const struct option_desc *o;
	struct row_option row;
	char object[32];
	uint64_t val;
	uint32_t ioas = 0;
	int ret;

	if (a->argc != 2)
		return iommuctl_usage(g, "give an option and its value: rlimit-mode user|mm, "
				      "huge-pages on|off");
	o = find_option(a->argv[0]);
	if (!o)
		return unknown_option(g, a->argv[0]);
	if (strcmp(a->argv[1], o->value_names[0]) == 0 || strcmp(a->argv[1], "0") == 0)
		val = 0;
	else if (strcmp(a->argv[1], o->value_names[1]) == 0 || strcmp(a->argv[1], "1") == 0)
		val = 1;
	else
		return iommuctl_usage(g, "%s: value '%s': give %s or %s (or 0 or 1)", o->name,
				      a->argv[1], o->value_names[0], o->value_names[1]);
	ret = option_ioas(g, a, o, &ioas);
	if (!ret)
		ret = iommuctl_columns(g, &fam_options);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (ifd_option(g->ctx, o->id, IOMMU_OPTION_OP_SET, ioas, &val)) {
		snprintf(object, sizeof(object), "ioas %u", ioas);
		return iommuctl_fail(g, o->per_ioas ? object : NULL, NULL, NULL);
	}
	/* What the backend now reports, not what was asked. */
	ret = get_option(g, o, ioas, &row);
	if (ret)
		return ret;
	out_rows(&g->out, &fam_options, &row, 1, sizeof(row), NULL);
	return 0;
}

/* ---- vfio-ioas ------------------------------------------------------------ */

static int vfio_get(struct iommuctl *g, struct row_vfio_ioas *row)
{
	int ret = ifd_vfio_ioas(g->ctx, IOMMU_VFIO_IOAS_GET, &row->ioas);

	row->set = ret == 0;
	/* ENODEV is GET's way of saying that none is set: an answer, not a failure */
	if (ret == -ENODEV)
		return 0;
	return ret ? iommuctl_fail(g, NULL, NULL, NULL) : 0;
}

static int vfio_print(struct iommuctl *g)
{
	struct row_vfio_ioas row = { 0 };
	int ret = vfio_get(g, &row);

	if (ret)
		return ret;
	out_rows(&g->out, &fam_vfio_ioas, &row, 1, sizeof(row), NULL);
	if (!row.set && !g->out.noheadings)
		out_note(&g->out, "no IOAS is set for the VFIO compatibility ioctls");
	return 0;
}

static int vfio_open(struct iommuctl *g, struct cmd_args *a)
{
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	ret = iommuctl_columns(g, &fam_vfio_ioas);
	return ret ? ret : iommuctl_open(g);
}

int cmd_vfio_ioas_get(struct iommuctl *g, struct cmd_args *a)
{
	int ret = vfio_open(g, a);

	return ret ? ret : vfio_print(g);
}

int cmd_vfio_ioas_set(struct iommuctl *g, struct cmd_args *a)
{
	char object[32];
	uint32_t ioas;
	int ret;

	if (!a->count[VFIO_OPT_IOAS])
		return iommuctl_usage(g, "--ioas ID is required");
	ret = arg_id(g, a, VFIO_OPT_IOAS, &ioas);
	if (!ret)
		ret = vfio_open(g, a);
	if (ret)
		return ret;
	if (ifd_vfio_ioas(g->ctx, IOMMU_VFIO_IOAS_SET, &ioas)) {
		snprintf(object, sizeof(object), "ioas %u", ioas);
		return iommuctl_fail(g, object, NULL, NULL);
	}
	return vfio_print(g);
}

int cmd_vfio_ioas_clear(struct iommuctl *g, struct cmd_args *a)
{
	uint32_t none = 0;
	int ret = vfio_open(g, a);

	if (ret)
		return ret;
	if (ifd_vfio_ioas(g->ctx, IOMMU_VFIO_IOAS_CLEAR, &none))
		return iommuctl_fail(g, NULL, NULL, NULL);
	return vfio_print(g);
}
