// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * mock domain | replace | attach | detach | check | reserve | trigger-iopf |
 * trigger-vevent | dirty: the
 * kernel's selftest mock devices (IOMMU_TEST_CMD, CONFIG_IOMMUFD_TEST), on the kernel where it is built in
 * and on the simulator always.  A mock device is an object of the context:
 * on the kernel it lives as long as the fd (use --fd, batch or the shell),
 * on the simulator as long as the state.  trigger-iopf and trigger-vevent
 * make a mock device report what a real one would: a page fault (to the
 * fault queue of the HWPT it is attached to) and a vEVENT (to its vIOMMU's
 * vEVENTQ).  dirty marks pages of a mock domain as its device's DMA writes
 * would, for dirty tracking (hwpt set-dirty, get-dirty) to find.  attach,
 * detach, check and replace --pasid drive a mock device's attachments at a
 * PASID (PASID 0 is the device itself).
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

static int test_cmd(struct iommuctl *g, struct ifd_test_cmd *c, const char *object)
{
	c->size = sizeof(*c);
	if (ifd_ioctl(g->ctx, IFD_TEST_CMD, c) < 0)
		return iommuctl_fail(g, object, NULL, NULL);
	return 0;
}

int cmd_mock_domain(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_test_cmd c = { 0 };
	struct row_mock row = { 0 };
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[MOCK_OPT_IOAS])
		return iommuctl_usage(g, "--ioas is required");
	ret = arg_id(g, a, MOCK_OPT_IOAS, &c.id);
	if (ret)
		return ret;
	ret = iommuctl_columns(g, &fam_mock);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	/* The flags variant only when a flag is asked for: the plain op is the
	 * one every kernel with the selftest has. */
	if (a->count[MOCK_OPT_NO_DIRTY] || a->count[MOCK_OPT_PASID]) {
		c.op = IFD_TEST_OP_MOCK_DOMAIN_FLAGS;
		c.mock_domain.dev_flags = (a->count[MOCK_OPT_NO_DIRTY] ? IFD_MOCK_FLAGS_DEVICE_NO_DIRTY : 0) |
					  (a->count[MOCK_OPT_PASID] ? IFD_MOCK_FLAGS_DEVICE_PASID : 0);
	} else {
		c.op = IFD_TEST_OP_MOCK_DOMAIN;
	}
	snprintf(object, sizeof(object), "ioas %u", c.id);
	ret = test_cmd(g, &c, object);
	if (ret)
		return ret;
	row.ioas = c.id;
	row.stdev_id = c.mock_domain.out_stdev_id;
	row.hwpt_id = c.mock_domain.out_hwpt_id;
	row.idev_id = c.mock_domain.out_idev_id;
	row.lifetime = ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM ? "state" :
		       iommuctl_fd_is_private(g) ? "process" : "fd";
	out_rows(&g->out, &fam_mock, &row, 1, sizeof(row), NULL);
	if (strcmp(row.lifetime, "process") == 0)
		iommuctl_note(g, "the mock device went away with this process's /dev/iommu fd: "
			      "use --fd, a batch (-b) or the shell to keep it");
	return 0;
}

/* --pasid PASID: any 32-bit value (the kernel judges the width); 0 is
 * IOMMU_NO_PASID, the device itself. */
static int pasid_arg(struct iommuctl *g, const struct cmd_args *a, int idx, uint32_t *pasid)
{
	uint64_t v;
	int ret;

	*pasid = 0;
	if (!a->count[idx])
		return 0;
	ret = arg_u64(g, a, idx, &v);
	if (!ret && v > UINT32_MAX)
		return iommuctl_usage(g, "--pasid %s: PASIDs are 32-bit", a->val[idx]);
	*pasid = (uint32_t)v;
	return ret;
}

/* One IOMMU_TEST_OP_PASID_* on mock device row->stdev_id, its row printed. */
static int pasid_cmd(struct iommuctl *g, uint32_t op, struct row_mock_attach *row)
{
	struct ifd_test_cmd c = { .op = op, .id = row->stdev_id };
	char object[48];
	int ret;

	c.pasid_attach.pasid = row->pasid;
	c.pasid_attach.pt_id = row->pt_id;
	snprintf(object, sizeof(object), "mock device %u PASID %u", row->stdev_id, row->pasid);
	ret = test_cmd(g, &c, object);
	if (ret)
		return ret;
	/* attach and replace answer with the HWPT an IOAS gave */
	if (op == IFD_TEST_OP_PASID_ATTACH || op == IFD_TEST_OP_PASID_REPLACE)
		row->pt_id = c.pasid_attach.pt_id;
	out_rows(&g->out, &fam_mock_attach, row, 1, sizeof(*row), NULL);
	return 0;
}

int cmd_mock_replace(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_MOCK_DOMAIN_REPLACE };
	struct row_mock_attach at = { .has_pt = true };
	bool pasid = a->count[MOCK_REPLACE_OPT_PASID] > 0;
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[MOCK_REPLACE_OPT_STDEV] || !a->count[MOCK_REPLACE_OPT_PT])
		return iommuctl_usage(g, "--stdev and --pt are required");
	ret = arg_id(g, a, MOCK_REPLACE_OPT_STDEV, &c.id);
	if (!ret)
		ret = arg_id(g, a, MOCK_REPLACE_OPT_PT, &c.mock_domain_replace.pt_id);
	if (!ret)
		ret = pasid_arg(g, a, MOCK_REPLACE_OPT_PASID, &at.pasid);
	if (!ret)
		ret = iommuctl_columns(g, pasid ? &fam_mock_attach : &fam_mock_replace);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (pasid) {
		at.stdev_id = c.id;
		at.pt_id = c.mock_domain_replace.pt_id;
		return pasid_cmd(g, IFD_TEST_OP_PASID_REPLACE, &at);
	}
	snprintf(object, sizeof(object), "mock device %u", c.id);
	ret = test_cmd(g, &c, object);
	if (ret)
		return ret;
	struct row_mock_replace row = { .stdev_id = c.id, .pt_id = c.mock_domain_replace.pt_id };

	out_rows(&g->out, &fam_mock_replace, &row, 1, sizeof(row), NULL);
	return 0;
}

int cmd_mock_attach(struct iommuctl *g, struct cmd_args *a)
{
	struct row_mock_attach row = { .has_pt = true };
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[MOCK_ATTACH_OPT_STDEV] || !a->count[MOCK_ATTACH_OPT_PT])
		return iommuctl_usage(g, "--stdev and --pt are required");
	ret = arg_id(g, a, MOCK_ATTACH_OPT_STDEV, &row.stdev_id);
	if (!ret)
		ret = arg_id(g, a, MOCK_ATTACH_OPT_PT, &row.pt_id);
	if (!ret)
		ret = pasid_arg(g, a, MOCK_ATTACH_OPT_PASID, &row.pasid);
	if (!ret)
		ret = iommuctl_columns(g, &fam_mock_attach);
	if (!ret)
		ret = iommuctl_open(g);
	return ret ? ret : pasid_cmd(g, IFD_TEST_OP_PASID_ATTACH, &row);
}

int cmd_mock_detach(struct iommuctl *g, struct cmd_args *a)
{
	struct row_mock_attach row = { 0 };
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[MOCK_DETACH_OPT_STDEV])
		return iommuctl_usage(g, "--stdev is required");
	ret = arg_id(g, a, MOCK_DETACH_OPT_STDEV, &row.stdev_id);
	if (!ret)
		ret = pasid_arg(g, a, MOCK_DETACH_OPT_PASID, &row.pasid);
	if (!ret)
		ret = iommuctl_columns(g, &fam_mock_attach);
	if (!ret)
		ret = iommuctl_open(g);
	return ret ? ret : pasid_cmd(g, IFD_TEST_OP_PASID_DETACH, &row);
}

int cmd_mock_check(struct iommuctl *g, struct cmd_args *a)
{
	struct row_mock_attach row = { 0 };
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[MOCK_CHECK_OPT_STDEV])
		return iommuctl_usage(g, "--stdev is required");
	ret = arg_id(g, a, MOCK_CHECK_OPT_STDEV, &row.stdev_id);
	if (!ret)
		ret = pasid_arg(g, a, MOCK_CHECK_OPT_PASID, &row.pasid);
	if (!ret && a->count[MOCK_CHECK_OPT_HWPT]) {
		ret = arg_id(g, a, MOCK_CHECK_OPT_HWPT, &row.pt_id);
		row.has_pt = true;
	}
	if (!ret)
		ret = iommuctl_columns(g, &fam_mock_attach);
	if (!ret)
		ret = iommuctl_open(g);
	return ret ? ret : pasid_cmd(g, IFD_TEST_OP_PASID_CHECK_HWPT, &row);
}

int cmd_mock_reserve(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_ADD_RESERVED };
	struct parse_range r;
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[MOCK_RESERVE_OPT_IOAS] || !a->count[MOCK_RESERVE_OPT_RANGE])
		return iommuctl_usage(g, "--ioas and --range are required");
	ret = arg_id(g, a, MOCK_RESERVE_OPT_IOAS, &c.id);
	if (!ret)
		ret = arg_range(g, a, MOCK_RESERVE_OPT_RANGE, &r);
	if (!ret && r.start == 0 && r.last == UINT64_MAX)
		return iommuctl_usage(g, "--range: the whole 64-bit space has no length the "
				      "test command can carry");
	if (!ret)
		ret = iommuctl_columns(g, &fam_mock_reserved);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	c.add_reserved.start = r.start;
	c.add_reserved.length = r.last - r.start + 1;
	snprintf(object, sizeof(object), "ioas %u", c.id);
	ret = test_cmd(g, &c, object);
	if (ret)
		return ret;
	struct row_range_of row = { .id = c.id, .start = r.start, .last = r.last };

	out_rows(&g->out, &fam_mock_reserved, &row, 1, sizeof(row), NULL);
	return 0;
}

/* --perm: the IOMMU_PGFAULT_PERM_* bits as letters, r w x p in any order. */
static int perm_arg(struct iommuctl *g, const char *text, uint32_t *perm)
{
	static const char letters[] = "rwxp";

	*perm = 0;
	if (!text[0])
		return iommuctl_usage(g, "--perm: empty (give letters of rwxp)");
	for (const char *p = text; *p; p++) {
		const char *l = strchr(letters, *p);

		if (!l || (*perm & (1u << (l - letters))))
			return iommuctl_usage(g, "--perm '%s': letters r, w, x (exec) and p "
					      "(privileged), each once", text);
		*perm |= 1u << (l - letters);
	}
	return 0;
}

int cmd_mock_trigger_iopf(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_TRIGGER_IOPF };
	struct row_mock_iopf row = { 0 };
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[IOPF_OPT_DEV_ID])
		return iommuctl_usage(g, "--dev-id is required");
	ret = arg_id(g, a, IOPF_OPT_DEV_ID, &row.dev_id);
	/* PASID 0 is IOMMU_NO_PASID: the fault then has no PASID_VALID. */
	if (!ret && a->count[IOPF_OPT_PASID])
		ret = arg_id(g, a, IOPF_OPT_PASID, &row.pasid);
	if (!ret && a->count[IOPF_OPT_GRPID])
		ret = arg_id(g, a, IOPF_OPT_GRPID, &row.grpid);
	if (!ret)
		ret = perm_arg(g, a->count[IOPF_OPT_PERM] ? a->val[IOPF_OPT_PERM] : "rw", &row.perm);
	if (!ret && a->count[IOPF_OPT_ADDR])
		ret = arg_u64(g, a, IOPF_OPT_ADDR, &row.addr);
	if (!ret)
		ret = iommuctl_columns(g, &fam_mock_iopf);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	c.trigger_iopf.dev_id = row.dev_id;
	c.trigger_iopf.pasid = row.pasid;
	c.trigger_iopf.grpid = row.grpid;
	c.trigger_iopf.perm = row.perm;
	c.trigger_iopf.addr = row.addr;
	snprintf(object, sizeof(object), "device %u", row.dev_id);
	ret = test_cmd(g, &c, object);
	if (ret)
		return ret;
	out_rows(&g->out, &fam_mock_iopf, &row, 1, sizeof(row), NULL);
	return 0;
}

int cmd_mock_trigger_vevent(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_TRIGGER_VEVENT };
	struct row_mock_vevent row = { .count = 1 };
	uint64_t count;
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[VEVT_OPT_DEV_ID])
		return iommuctl_usage(g, "--dev-id is required");
	ret = arg_id(g, a, VEVT_OPT_DEV_ID, &row.dev_id);
	if (!ret && a->count[VEVT_OPT_COUNT]) {
		ret = arg_u64(g, a, VEVT_OPT_COUNT, &count);
		if (!ret && (count == 0 || count > 1000000))
			return iommuctl_usage(g, "--count: 1 to 1000000");
		row.count = (uint32_t)count;
	}
	if (!ret)
		ret = iommuctl_columns(g, &fam_mock_vevent);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "device %u", row.dev_id);
	/* One vEVENT per call, as the mock reports them. */
	for (uint32_t i = 0; i < row.count; i++) {
		c.size = sizeof(c);
		c.trigger_vevent.dev_id = row.dev_id;
		if (ifd_ioctl(g->ctx, IFD_TEST_CMD, &c) < 0) {
			char done[64];

			snprintf(done, sizeof(done), "%u of %u vEVENTs were reported", i, row.count);
			return iommuctl_fail(g, object, i ? done : NULL, NULL);
		}
	}
	out_rows(&g->out, &fam_mock_vevent, &row, 1, sizeof(row), NULL);
	return 0;
}

/* --bitmap HEX: bit i (of the number, least significant first) is page i of
 * the range; a bit past the last page is a mistake, not ignored. */
static int bitmap_arg(struct iommuctl *g, const char *text, uint8_t *bits, uint64_t npages)
{
	const char *h = text, *end;
	uint64_t bit = 0;

	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	if (!*h)
		return iommuctl_usage(g, "--bitmap '%s': no hex digits", text);
	end = h + strlen(h);
	/* from the last digit (bits 0-3) back to the first */
	for (const char *p = end; p > h; p--, bit += 4) {
		int c = p[-1], v = c >= '0' && c <= '9' ? c - '0' :
			    c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (v < 0)
			return iommuctl_usage(g, "--bitmap '%s': '%c' is not a hex digit", text, c);
		for (int k = 0; k < 4; k++) {
			if (!(v & (1 << k)))
				continue;
			if (bit + (uint64_t)k >= npages)
				return iommuctl_usage(g, "--bitmap '%s': bit %" PRIu64 " is past the "
						      "range's %" PRIu64 " pages", text,
						      bit + (uint64_t)k, npages);
			bits[(bit + (uint64_t)k) / 8] |= (uint8_t)(1u << ((bit + (uint64_t)k) % 8));
		}
	}
	return 0;
}

int cmd_mock_dirty(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_test_cmd c = { .op = IFD_TEST_OP_DIRTY };
	struct row_mock_dirty row = { .page_size = 4096 };
	struct parse_range r;
	uint8_t *bits = NULL;
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[MOCK_DIRTY_OPT_HWPT] || !a->count[MOCK_DIRTY_OPT_RANGE])
		return iommuctl_usage(g, "--hwpt and --range are required");
	ret = arg_id(g, a, MOCK_DIRTY_OPT_HWPT, &c.id);
	if (!ret)
		ret = arg_bitmap_range(g, a, MOCK_DIRTY_OPT_RANGE, MOCK_DIRTY_OPT_PAGE_SIZE, &r,
				       &row.page_size);
	if (ret)
		return ret;
	c.dirty.iova = r.start;
	c.dirty.length = r.last - r.start + 1;
	c.dirty.page_size = row.page_size;
	if (c.dirty.iova % row.page_size || c.dirty.length % row.page_size)
		return iommuctl_usage(g, "--range: its start and length must be multiples of the "
				      "page size (0x%" PRIx64 ")", row.page_size);
	row.pages = c.dirty.length / row.page_size;
	/* The test command's own limit: 16 MiB of bitmap. */
	if (row.pages > (16ull << 20) * 8)
		return iommuctl_usage(g, "--range: %" PRIu64 " pages; the test command takes at "
				      "most 2^27 at once", row.pages);
	bits = calloc((size_t)((row.pages + 7) / 8), 1);
	if (!bits)
		return iommuctl_fail_errno(g, NULL, "dirty bitmap", ENOMEM, NULL, NULL);
	if (a->count[MOCK_DIRTY_OPT_BITMAP])
		ret = bitmap_arg(g, a->val[MOCK_DIRTY_OPT_BITMAP], bits, row.pages);
	else
		for (uint64_t i = 0; i < row.pages; i++)
			bits[i / 8] |= (uint8_t)(1u << (i % 8));
	if (!ret)
		ret = iommuctl_columns(g, &fam_mock_dirty);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		goto out;
	c.dirty.uptr = (uintptr_t)bits;
	snprintf(object, sizeof(object), "hwpt %u", c.id);
	ret = test_cmd(g, &c, object);
	if (ret)
		goto out;
	row.hwpt = c.id;
	row.start = r.start;
	row.last = r.last;
	row.marked = c.dirty.out_nr_dirty;
	out_rows(&g->out, &fam_mock_dirty, &row, 1, sizeof(row), NULL);
out:
	free(bits);
	return ret;
}
