// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * hwpt alloc | set-dirty | get-dirty | invalidate: hardware page tables.
 *
 * A HWPT is allocated for a device (its IOMMU decides what the page table
 * can be): a paging one over an IOAS (optionally a nest parent, with dirty
 * tracking, PASID-capable, reporting faults to a queue), or a nested one
 * over a nest parent, described by driver data (a VT-d stage-1 table, an
 * SMMUv3 STE, an AMD guest DTE, or the selftest mock's).  The driver data is
 * given as FIELD=VALUE pairs of the uAPI struct of its type.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"
#include "iommuctl.h"

/* ---- driver data: FIELD=VALUE pairs into a uAPI struct ------------------------ */

/* IOMMU_HWPT_ALLOC data (enum iommu_hwpt_data_type; the selftest's 0xdead). */
static const struct data_type alloc_types[] = {
	{ "vtd_s1", 1, 24, { { "flags", 0, 8 }, { "pgtbl_addr", 8, 8 }, { "addr_width", 16, 4 } } },
	{ "arm_smmuv3", 2, 16, { { "ste0", 0, 8 }, { "ste1", 8, 8 } } },
	{ "amd_guest", 3, 32, { { "dte0", 0, 8 }, { "dte1", 8, 8 }, { "dte2", 16, 8 },
				{ "dte3", 24, 8 } } },
	{ "selftest", IFD_HWPT_DATA_SELFTEST, 8, { { "iotlb", 0, 4 }, { "pagetable_type", 4, 4 } } },
};

/* IOMMU_HWPT_INVALIDATE data (enum iommu_hwpt_invalidate_data_type). */
static const struct data_type inval_types[] = {
	{ "vtd_s1", 0, 24, { { "addr", 0, 8 }, { "npages", 8, 8 }, { "flags", 16, 4 } } },
	{ "arm_smmuv3", 1, 16, { { "cmd0", 0, 8 }, { "cmd1", 8, 8 } } },
	{ "selftest", 0xdeadbeefu, 8, { { "flags", 0, 4 }, { "iotlb_id", 4, 4 } } },
};

static const struct data_type *find_type(const struct data_type *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

static void type_names(const struct data_type *t, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", t[i].name);
}

/* Parse "a=1,b=0x2" into the struct 'out' (t->size bytes, zeroed first). */
int iommuctl_parse_data(struct iommuctl *g, const char *opt, const struct data_type *t,
			const char *text, uint8_t *out)
{
	char buf[512], *save = NULL, *tok;

	memset(out, 0, t->size);
	if (strlen(text) >= sizeof(buf))
		return iommuctl_usage(g, "%s: too long", opt);
	memcpy(buf, text, strlen(text) + 1);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		const struct data_field *f = NULL;
		const char *why;
		uint64_t v;

		if (!eq)
			return iommuctl_usage(g, "%s: '%s' is not FIELD=VALUE", opt, tok);
		*eq = '\0';
		for (size_t i = 0; i < sizeof(t->fields) / sizeof(t->fields[0]) && t->fields[i].name; i++)
			if (strcmp(t->fields[i].name, tok) == 0)
				f = &t->fields[i];
		if (!f) {
			char names[128] = "";
			size_t used = 0;

			for (size_t i = 0; i < sizeof(t->fields) / sizeof(t->fields[0]) &&
					   t->fields[i].name; i++)
				used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
							 i ? ", " : "", t->fields[i].name);
			return iommuctl_usage(g, "%s: %s has no field '%s' (fields: %s)", opt, t->name,
					      tok, names);
		}
		if (parse_u64(eq + 1, &v, &why))
			return iommuctl_usage(g, "%s: %s=%s: %s", opt, tok, eq + 1, why);
		if (f->size == 4 && v > UINT32_MAX)
			return iommuctl_usage(g, "%s: %s=%s: the field has 32 bits", opt, tok, eq + 1);
		if (f->size == 4) {
			uint32_t v32 = (uint32_t)v;

			memcpy(out + f->offset, &v32, 4);
		} else {
			memcpy(out + f->offset, &v, 8);
		}
	}
	return 0;
}

int iommuctl_data_type_arg(struct iommuctl *g, const char *opt, const char *name,
			   const struct data_type *t, size_t n, const struct data_type **out)
{
	char names[128];

	*out = find_type(t, n, name);
	if (*out)
		return 0;
	type_names(t, n, names, sizeof(names));
	return iommuctl_usage(g, "%s: unknown type '%s' (types: %s)", opt, name, names);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- hwpt alloc ------------------------------------------------------------------ */

int cmd_hwpt_alloc(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_hwpt_alloc c = { .size = sizeof(c) };
	struct row_hwpt row = { 0 };
	const struct data_type *t = NULL;
	uint8_t data[64];
	char object[48];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[HWPT_OPT_DEV_ID] || !a->count[HWPT_OPT_PT])
		return iommuctl_usage(g, "--dev-id and --pt are required");
	if (!!a->count[HWPT_OPT_DATA_TYPE] != !!a->count[HWPT_OPT_DATA])
		return iommuctl_usage(g, "--data-type and --data go together (a nested HWPT)");
	ret = iommuctl_name_arg(g, a->val[HWPT_OPT_NAME]);
	if (!ret)
		ret = arg_id(g, a, HWPT_OPT_DEV_ID, &c.dev_id);
	if (!ret)
		ret = arg_id(g, a, HWPT_OPT_PT, &c.pt_id);
	if (!ret && a->count[HWPT_OPT_FAULT]) {
		ret = arg_id(g, a, HWPT_OPT_FAULT, &c.fault_id);
		c.flags |= IFD_HWPT_FAULT_ID_VALID;
	}
	if (!ret && a->count[HWPT_OPT_DATA_TYPE])
		ret = iommuctl_data_type_arg(g, "--data-type", a->val[HWPT_OPT_DATA_TYPE], alloc_types,
				    N(alloc_types), &t);
	if (!ret && t)
		ret = iommuctl_parse_data(g, "--data", t, a->val[HWPT_OPT_DATA], data);
	if (ret)
		return ret;
	c.flags |= (a->count[HWPT_OPT_NEST_PARENT] ? IFD_HWPT_ALLOC_NEST_PARENT : 0) |
		   (a->count[HWPT_OPT_DIRTY] ? IFD_HWPT_ALLOC_DIRTY_TRACKING : 0) |
		   (a->count[HWPT_OPT_PASID] ? IFD_HWPT_ALLOC_PASID : 0);
	if (t) {
		c.data_type = t->type;
		c.data_len = t->size;
		c.data_uptr = (uintptr_t)data;
	}
	ret = iommuctl_columns(g, &fam_hwpt);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "device %u on %u", c.dev_id, c.pt_id);
	if (ifd_ioctl(g->ctx, IOMMU_HWPT_ALLOC, &c) < 0)
		return iommuctl_fail(g, object, NULL, NULL);
	row.id = c.out_hwpt_id;
	row.dev_id = c.dev_id;
	row.pt_id = c.pt_id;
	row.flags = c.flags;
	row.kind = t ? "nested" : "paging";
	row.data_type = t ? t->name : NULL;
	if (session_object_new(&g->session, row.id) ||
	    (a->val[HWPT_OPT_NAME] && session_name_add(&g->session, a->val[HWPT_OPT_NAME], row.id)))
		return iommuctl_fail_errno(g, object, "hwpt alloc", ENOMEM, NULL, NULL);
	out_rows(&g->out, &fam_hwpt, &row, 1, sizeof(row), NULL);
	return 0;
}

/* ---- dirty tracking ---------------------------------------------------------------- */

int cmd_hwpt_set_dirty(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_hwpt_set_dirty_tracking c = { .size = sizeof(c) };
	struct row_dirty_state row = { 0 };
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[DIRTY_OPT_HWPT])
		return iommuctl_usage(g, "--hwpt is required");
	if (!!a->count[DIRTY_OPT_ON] == !!a->count[DIRTY_OPT_OFF])
		return iommuctl_usage(g, "give --on or --off");
	ret = arg_id(g, a, DIRTY_OPT_HWPT, &c.hwpt_id);
	if (!ret)
		ret = iommuctl_columns(g, &fam_dirty_state);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	c.flags = a->count[DIRTY_OPT_ON] ? IFD_HWPT_DIRTY_TRACKING_ENABLE : 0;
	snprintf(object, sizeof(object), "hwpt %u", c.hwpt_id);
	if (ifd_ioctl(g->ctx, IOMMU_HWPT_SET_DIRTY_TRACKING, &c) < 0)
		return iommuctl_fail(g, object, NULL, NULL);
	row.hwpt = c.hwpt_id;
	row.enabled = c.flags & IFD_HWPT_DIRTY_TRACKING_ENABLE;
	out_rows(&g->out, &fam_dirty_state, &row, 1, sizeof(row), NULL);
	return 0;
}

int cmd_hwpt_get_dirty(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_hwpt_get_dirty_bitmap c = { .size = sizeof(c), .page_size = 4096 };
	struct parse_range r;
	struct row_dirty_range *rows = NULL;
	uint64_t *bitmap = NULL, npages, nwords, nrows = 0;
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[GETD_OPT_HWPT] || !a->count[GETD_OPT_RANGE])
		return iommuctl_usage(g, "--hwpt and --range are required");
	ret = arg_id(g, a, GETD_OPT_HWPT, &c.hwpt_id);
	if (!ret)
		ret = arg_bitmap_range(g, a, GETD_OPT_RANGE, GETD_OPT_PAGE_SIZE, &r, &c.page_size);
	if (ret)
		return ret;
	c.iova = r.start;
	c.length = r.last - r.start + 1;
	npages = c.length / c.page_size + !!(c.length % c.page_size);
	if (npages > (1ull << 30))
		return iommuctl_usage(g, "--range: %" PRIu64 " pages; read at most 2^30 at once",
				      npages);
	nwords = (npages + 63) / 64;
	bitmap = calloc(nwords, sizeof(*bitmap));
	if (!bitmap)
		return iommuctl_fail_errno(g, NULL, "dirty bitmap", ENOMEM, NULL, NULL);
	c.data = (uintptr_t)bitmap;
	c.flags = a->count[GETD_OPT_NO_CLEAR] ? IFD_HWPT_GET_DIRTY_BITMAP_NO_CLEAR : 0;
	ret = iommuctl_columns(g, &fam_dirty_ranges);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		goto out;
	snprintf(object, sizeof(object), "hwpt %u", c.hwpt_id);
	if (ifd_ioctl(g->ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &c) < 0) {
		ret = iommuctl_fail(g, object, NULL, NULL);
		goto out;
	}
	/* Runs of set bits, as IOVA ranges. */
	for (uint64_t p = 0; p < npages;) {
		if (!(bitmap[p / 64] >> (p % 64) & 1)) {
			p++;
			continue;
		}
		uint64_t q = p;

		while (q < npages && (bitmap[q / 64] >> (q % 64) & 1))
			q++;
		struct row_dirty_range *nr = realloc(rows, (nrows + 1) * sizeof(*nr));

		if (!nr) {
			ret = iommuctl_fail_errno(g, object, "dirty ranges", ENOMEM, NULL, NULL);
			goto out;
		}
		rows = nr;
		rows[nrows].start = c.iova + p * c.page_size;
		rows[nrows].last = c.iova + q * c.page_size - 1;
		rows[nrows].pages = q - p;
		nrows++;
		p = q;
	}
	out_rows(&g->out, &fam_dirty_ranges, rows, nrows, sizeof(*rows), NULL);
	if (a->count[GETD_OPT_BITMAP]) {
		struct row_bitmap_word *w = calloc(nwords, sizeof(*w));

		if (!w) {
			ret = iommuctl_fail_errno(g, object, "dirty bitmap", ENOMEM, NULL, NULL);
			goto out;
		}
		for (uint64_t i = 0; i < nwords; i++) {
			w[i].iova = c.iova + i * 64 * c.page_size;
			w[i].bits = bitmap[i];
		}
		out_rows(&g->out, &fam_bitmap_words, w, nwords, sizeof(*w),
			 "bitmap (bit i of a word: the page at IOVA + i * page size):");
		free(w);
	}
	if (!nrows && !g->out.noheadings)
		out_note(&g->out, "no dirty pages in 0x%" PRIx64 "-0x%" PRIx64 "%s", r.start, r.last,
			 c.flags ? "" : " (the bits read are cleared)");
out:
	free(rows);
	free(bitmap);
	return ret;
}

/* ---- invalidate ------------------------------------------------------------------------ */

int cmd_hwpt_invalidate(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_hwpt_invalidate c = { .size = sizeof(c), .entry_num = 1 };
	struct row_invalidate row = { 0 };
	const struct data_type *t = NULL;
	uint8_t entry[64];
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[INVAL_OPT_HWPT] || !a->count[INVAL_OPT_DATA_TYPE] || !a->count[INVAL_OPT_ENTRY])
		return iommuctl_usage(g, "--hwpt, --data-type and --entry are required");
	ret = arg_id(g, a, INVAL_OPT_HWPT, &c.hwpt_id);
	if (!ret)
		ret = iommuctl_data_type_arg(g, "--data-type", a->val[INVAL_OPT_DATA_TYPE], inval_types,
				    N(inval_types), &t);
	if (!ret)
		ret = iommuctl_parse_data(g, "--entry", t, a->val[INVAL_OPT_ENTRY], entry);
	if (!ret)
		ret = iommuctl_columns(g, &fam_invalidate);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	c.data_type = t->type;
	c.entry_len = t->size;
	c.data_uptr = (uintptr_t)entry;
	snprintf(object, sizeof(object), "hwpt %u", c.hwpt_id);
	if (ifd_ioctl(g->ctx, IOMMU_HWPT_INVALIDATE, &c) < 0) {
		char done[96];

		/* entry_num comes back as the entries handled before the failure */
		snprintf(done, sizeof(done), "%u of 1 entries were handled", c.entry_num);
		return iommuctl_fail(g, object, done, NULL);
	}
	row.hwpt = c.hwpt_id;
	row.data_type = t->name;
	row.handled = c.entry_num;
	out_rows(&g->out, &fam_invalidate, &row, 1, sizeof(row), NULL);
	return 0;
}
