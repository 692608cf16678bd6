// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The context layer: ABI tables against the installed header, the decoder,
 * errno names and hints, backend selection and fd adoption.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"
#include "unit.h"

#define OFFSETOFEND(s, f) (offsetof(struct s, f) + sizeof(((struct s *)0)->f))

static char tmpdir[] = "/tmp/ifd-unit-lib-XXXXXX";

static void test_abi_tables(void)
{
	size_t n;
	const struct ifd_cmd_info *t = ifd_cmd_table(&n);

	CHECK(n == 22);
	for (size_t i = 0; i < n; i++) {
		unsigned int nr = _IOC_NR(t[i].cmd);

		CHECK_EQ(t[i].cmd, 0x3b00 + nr);
		CHECK_EQ(t[i].min_size, ifd_min_size(nr));
		CHECK_EQ(t[i].size, ifd_struct_size(nr));
		CHECK(t[i].min_size <= t[i].size);
		CHECK(t[i].min_size > 4);	/* what makes the 4-byte probe safe */
		CHECK(strcmp(ifd_ioctl_name(t[i].cmd), t[i].name) == 0);
		if (i)
			CHECK(t[i].cmd > t[i - 1].cmd);
	}
	/* the minimum is offsetofend of the last field of the first release */
	CHECK_EQ(ifd_min_size(IFD_NR_DESTROY), OFFSETOFEND(iommu_destroy, id));
	CHECK_EQ(ifd_min_size(IFD_NR_IOAS_ALLOC), OFFSETOFEND(iommu_ioas_alloc, out_ioas_id));
	CHECK_EQ(ifd_min_size(IFD_NR_IOAS_ALLOW_IOVAS),
		 OFFSETOFEND(iommu_ioas_allow_iovas, allowed_iovas));
	CHECK_EQ(ifd_min_size(IFD_NR_IOAS_COPY), OFFSETOFEND(iommu_ioas_copy, src_iova));
	CHECK_EQ(ifd_min_size(IFD_NR_IOAS_IOVA_RANGES),
		 OFFSETOFEND(iommu_ioas_iova_ranges, out_iova_alignment));
	CHECK_EQ(ifd_min_size(IFD_NR_IOAS_MAP), OFFSETOFEND(iommu_ioas_map, iova));
	CHECK_EQ(ifd_min_size(IFD_NR_IOAS_MAP_FILE), OFFSETOFEND(iommu_ioas_map_file, iova));
	CHECK_EQ(ifd_min_size(IFD_NR_IOAS_UNMAP), OFFSETOFEND(iommu_ioas_unmap, length));
	CHECK_EQ(ifd_min_size(IFD_NR_OPTION), OFFSETOFEND(iommu_option, val64));
	CHECK_EQ(ifd_min_size(IFD_NR_VFIO_IOAS), OFFSETOFEND(iommu_vfio_ioas, __reserved));
	CHECK_EQ(ifd_min_size(IFD_NR_HWPT_ALLOC), OFFSETOFEND(iommu_hwpt_alloc, __reserved));
	CHECK_EQ(ifd_min_size(IFD_NR_IOAS_CHANGE_PROCESS),
		 OFFSETOFEND(iommu_ioas_change_process, __reserved));
	/* whole sizes, as far as this header knows them */
	CHECK_EQ(ifd_struct_size(IFD_NR_IOAS_MAP), sizeof(struct iommu_ioas_map));
	CHECK_EQ(ifd_struct_size(IFD_NR_IOAS_COPY), sizeof(struct iommu_ioas_copy));
	CHECK_EQ(ifd_struct_size(IFD_NR_OPTION), sizeof(struct iommu_option));
	CHECK(ifd_struct_size(IFD_NR_HWPT_ALLOC) >= sizeof(struct iommu_hwpt_alloc));
	/* holes and strangers */
	CHECK_EQ(ifd_min_size(0x95), 0);
	CHECK(ifd_ioctl_name(IFD_CMD(0x95)) == NULL);
	CHECK(ifd_ioctl_name(_IOWR(IFD_TYPE, 0x85, int)) == NULL);	/* size bits: not ours */
}

static void test_errno_and_hints(void)
{
	CHECK(strcmp(ifd_errno_name(EINVAL), "EINVAL") == 0);
	CHECK(strcmp(ifd_errno_name(-EEXIST), "EEXIST") == 0);
	CHECK(strcmp(ifd_errno_name(EOPNOTSUPP), "EOPNOTSUPP") == 0);
	CHECK(ifd_errno_name(0) == NULL);
	CHECK(ifd_errno_name(4000) == NULL);
	/* a command-specific meaning wins over the general one */
	CHECK(strstr(ifd_hint(IOMMU_IOAS_MAP, EEXIST), "overlaps") != NULL);
	CHECK(strstr(ifd_hint(IOMMU_IOAS_UNMAP, ENOENT), "whole") != NULL);
	CHECK(strstr(ifd_hint(IOMMU_DESTROY, EBUSY), "in use") != NULL);
	/* general meanings for any command */
	CHECK(strstr(ifd_hint(IFD_CMD(IFD_NR_VDEVICE_ALLOC), ENOTTY), "does not have") != NULL);
	CHECK(strstr(ifd_hint(IOMMU_IOAS_MAP, E2BIG), "newer") != NULL);
	CHECK(ifd_hint(IOMMU_IOAS_MAP, ECHILD) == NULL);
}

static void test_decode(void)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map), .flags = 7, .ioas_id = 3,
		.user_va = 0x7f0000001000ULL, .length = 0x2000, .iova = 0x200000,
	};
	char buf[512];
	int n = ifd_decode_ioctl(IOMMU_IOAS_MAP, &map, 0, buf, sizeof(buf));

	CHECK(n > 0);
	CHECK(strcmp(buf, "IOMMU_IOAS_MAP {size=40 flags=0x7<FIXED_IOVA|WRITEABLE|READABLE> "
		     "ioas_id=3 __reserved=0x0 user_va=0x7f0000001000 length=0x2000 "
		     "iova=0x200000} = 0") == 0);
	if (strcmp(buf, "") && n <= 0)
		fprintf(stderr, "%s\n", buf);

	/* a short size stops the decoder before fields the caller did not pass */
	map.size = 24;
	ifd_decode_ioctl(IOMMU_IOAS_MAP, &map, -EINVAL, buf, sizeof(buf));
	CHECK(strstr(buf, "user_va") != NULL);
	CHECK(strstr(buf, "length") == NULL);
	CHECK(strstr(buf, "= -1 EINVAL") != NULL);

	ifd_decode_ioctl(IOMMU_DESTROY, NULL, -EFAULT, buf, sizeof(buf));
	CHECK(strcmp(buf, "IOMMU_DESTROY NULL = -1 EFAULT") == 0);

	uint32_t probe[2] = { 4, 0 };
	ifd_decode_ioctl(IFD_CMD(0x99), probe, -ENOTTY, buf, sizeof(buf));
	CHECK(strcmp(buf, "ioctl(0x3b99) {size=4} = -1 ENOTTY") == 0);

	struct iommu_iova_range r[2] = { { 0, 0xfedfffff }, { 0xfef00000, 0x7fffffffffULL } };
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = 1, .num_iovas = 2,
		.allowed_iovas = (uintptr_t)r, .out_iova_alignment = 4096,
	};
	ifd_decode_ioctl(IOMMU_IOAS_IOVA_RANGES, &q, 0, buf, sizeof(buf));
	CHECK(strstr(buf, "ranges=[0x0-0xfedfffff 0xfef00000-0x7fffffffff]") != NULL);

	/* truncation is reported, never an overrun */
	char tiny[16];
	CHECK_EQ(ifd_decode_ioctl(IOMMU_IOAS_MAP, &map, 0, tiny, sizeof(tiny)), -ENOSPC);
	CHECK_EQ(strlen(tiny), sizeof(tiny) - 1);
}

static void test_open_fallback(void)
{
	char dev[256], state[256];
	struct ifd_error err;
	struct ifd_ctx *ctx;
	struct ifd_open_opts o = { .size = sizeof(o), .error = &err };

	snprintf(dev, sizeof(dev), "%s/no-such-iommu", tmpdir);
	snprintf(state, sizeof(state), "%s/state", tmpdir);
	o.dev_path = dev;
	o.sim_path = state;

	/* absent node + no state + no CREATE: the simulator path says what is missing */
	CHECK(ifd_ctx_open(&ctx, &o) < 0);
	CHECK(ctx == NULL);

	/* absent node: auto falls back to the simulator */
	o.flags = IFD_OPEN_SIM_CREATE;
	int ret = ifd_ctx_open(&ctx, &o);
	CHECK_EQ(ret, 0);
	if (ret == 0) {
		CHECK_EQ(ifd_ctx_backend(ctx), IFD_BACKEND_SIM);
		CHECK(strcmp(ifd_ctx_backend_name(ctx), "simulator") == 0);
		CHECK(strcmp(ifd_ctx_path(ctx), state) == 0);
		ifd_ctx_close(ctx);
	}

	/* kernel backend forced: no fallback, a clear error */
	o.backend = IFD_BACKEND_KERNEL;
	CHECK_EQ(ifd_ctx_open(&ctx, &o), -ENOENT);
	CHECK(strstr(err.detail, "not available") != NULL);

	/* a node that exists but cannot be opened is reported, never hidden */
	o.backend = IFD_BACKEND_AUTO;
	snprintf(dev, sizeof(dev), "%s/iommu-dir", tmpdir);
	mkdir(dev, 0700);		/* open(O_RDWR) of a directory: EISDIR */
	ret = ifd_ctx_open(&ctx, &o);
	CHECK_EQ(ret, -EISDIR);
	CHECK(strstr(err.detail, "owner") != NULL && strstr(err.detail, "mode 0700") != NULL);
}

static void test_from_fd(void)
{
	char state[256];
	struct ifd_error err;
	struct ifd_ctx *ctx;
	int p[2], fd;

	/* a pipe is neither iommufd nor a state */
	CHECK(pipe(p) == 0);
	CHECK_EQ(ifd_ctx_from_fd(&ctx, p[0], 0, &err), -ENOTTY);
	CHECK(strstr(err.detail, "neither") != NULL);
	close(p[0]);
	close(p[1]);

	/* a state file opened read-only cannot carry a context */
	snprintf(state, sizeof(state), "%s/state", tmpdir);
	fd = open(state, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(ifd_ctx_from_fd(&ctx, fd, 0, &err), -EBADF);
	close(fd);

	/* an inherited state fd: objects made through it persist in the file */
	fd = open(state, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	int ret = ifd_ctx_from_fd(&ctx, fd, 0, &err);
	CHECK_EQ(ret, 0);
	if (ret == 0) {
		uint32_t id = 0;

		CHECK_EQ(ifd_ctx_backend(ctx), IFD_BACKEND_SIM);
		CHECK_EQ(ifd_ioas_alloc(ctx, &id), 0);
		CHECK(id >= 1);
		ifd_ctx_close(ctx);
		/* not owned: still open */
		CHECK(fcntl(fd, F_GETFD) >= 0);

		CHECK_EQ(ifd_ctx_from_fd(&ctx, fd, IFD_FD_OWNED, &err), 0);
		CHECK_EQ(ifd_destroy(ctx, id), 0);
		CHECK_EQ(ifd_destroy(ctx, id), -ENOENT);
		const struct ifd_error *le = ifd_ctx_last_error(ctx);
		CHECK(le->err == ENOENT && le->cmd == IOMMU_DESTROY);
		CHECK(strcmp(le->ioctl, "IOMMU_DESTROY") == 0);
		CHECK(le->hint != NULL);
		ifd_ctx_close(ctx);
		CHECK(fcntl(fd, F_GETFD) < 0);	/* owned: closed with the context */
	} else {
		close(fd);
	}
}

struct trace_log {
	int calls;
	unsigned long last_cmd;
	int last_ret;
	char line[512];
};

static void trace_cb(void *user, unsigned long cmd, const void *arg, int ret)
{
	struct trace_log *t = user;

	t->calls++;
	t->last_cmd = cmd;
	t->last_ret = ret;
	ifd_decode_ioctl(cmd, arg, ret, t->line, sizeof(t->line));
}

static void test_trace_probe_wrappers(void)
{
	char state[256];
	struct ifd_ctx *ctx;
	struct trace_log log = { 0 };
	struct ifd_open_opts o = { .size = sizeof(o), .backend = IFD_BACKEND_SIM };

	snprintf(state, sizeof(state), "%s/state", tmpdir);
	o.sim_path = state;
	if (ifd_ctx_open(&ctx, &o) != 0) {
		CHECK(!"cannot open the simulator");
		return;
	}
	ifd_ctx_set_trace(ctx, trace_cb, &log);

	uint32_t ioas = 0;
	CHECK_EQ(ifd_ioas_alloc(ctx, &ioas), 0);
	CHECK_EQ(log.calls, 1);
	CHECK_EQ(log.last_cmd, IOMMU_IOAS_ALLOC);
	CHECK(strstr(log.line, "IOMMU_IOAS_ALLOC {size=12 flags=0x0 out_ioas_id=") != NULL);

	/* probing: every 7.2 command is present on the simulator, holes are not */
	size_t n;
	const struct ifd_cmd_info *t = ifd_cmd_table(&n);
	for (size_t i = 0; i < n; i++)
		if (t[i].cmd != IFD_CMD(IFD_NR_TEST_CMD))
			CHECK_EQ(ifd_probe_ioctl(ctx, t[i].cmd), 1);
	CHECK_EQ(ifd_probe_ioctl(ctx, IFD_CMD(0x95)), 0);
	CHECK_EQ(ifd_probe_ioctl(ctx, IFD_CMD(0x9f)), 0);
	CHECK_EQ(ifd_ctx_last_error(ctx)->err, 0);	/* probes leave no error behind */

	/* the two-pass ranges query */
	struct ifd_range *r = NULL;
	uint32_t nr = 0;
	uint64_t align = 0;
	CHECK_EQ(ifd_ioas_iova_ranges(ctx, ioas, &r, &nr, &align), 0);
	CHECK_EQ(nr, 1);
	if (r && nr == 1) {
		CHECK_U64(r[0].start, 0);
		CHECK_U64(r[0].last, UINT64_MAX);
	}
	CHECK_U64(align, 1);
	free(r);

	uint64_t iova = 0x100000, unmapped = 0;
	CHECK_EQ(ifd_ioas_map(ctx, ioas, IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
			      0x10000000, 0x1000, &iova), 0);
	CHECK_U64(iova, 0x100000);
	CHECK_EQ(ifd_ioas_map(ctx, ioas, IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
			      0x10000000, 0x1000, &iova), -EEXIST);
	CHECK(strstr(log.line, "= -1 EEXIST") != NULL);
	CHECK_EQ(ifd_ioas_unmap(ctx, ioas, 0, UINT64_MAX, &unmapped), 0);
	CHECK_U64(unmapped, 0x1000);

	uint64_t val = 0;
	CHECK_EQ(ifd_option(ctx, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, ioas, &val), 0);
	CHECK_U64(val, 1);
	uint32_t vid = 0;
	CHECK_EQ(ifd_vfio_ioas(ctx, IOMMU_VFIO_IOAS_GET, &vid), -ENODEV);
	CHECK_EQ(ifd_destroy(ctx, ioas), 0);
	ifd_ctx_close(ctx);
}

/* ifd_sim_stats: the counters sim info reports, without the lock. */
static void test_sim_stats(void)
{
	char state[256];
	struct ifd_error err;
	struct ifd_ctx *ctx;
	struct ifd_open_opts o = { .size = sizeof(o), .error = &err, .backend = IFD_BACKEND_SIM,
				   .flags = IFD_OPEN_SIM_CREATE };
	struct ifd_sim_stats s;
	struct ifd_sim_info info;
	uint64_t va, iova = 0, gen;
	uint32_t id = 0;

	snprintf(state, sizeof(state), "%s/stats.state", tmpdir);
	o.sim_path = state;
	if (ifd_ctx_open(&ctx, &o)) {
		CHECK(0);
		return;
	}
	CHECK_EQ(ifd_sim_stats(ctx, &s), 0);
	gen = s.generation;
	CHECK_EQ(s.nr_contexts, 1);
	CHECK_EQ(s.nr_objects, 0);
	CHECK_EQ(ifd_ioas_alloc(ctx, &id), 0);
	CHECK_EQ(ifd_sim_mem_alloc(ctx, 8192, &va), 0);
	CHECK_EQ(ifd_ioas_map(ctx, id, IOMMU_IOAS_MAP_READABLE, va, 8192, &iova), 0);
	CHECK_EQ(ifd_sim_stats(ctx, &s), 0);
	CHECK_EQ(ifd_sim_info(ctx, &info), 0);
	CHECK_EQ(s.generation, gen + 3);
	CHECK_EQ(s.generation, info.generation);
	CHECK_EQ(s.nr_objects, 1);
	CHECK_EQ(s.nr_areas, 1);
	CHECK_EQ(s.mapped_bytes, 8192);
	CHECK_EQ(s.sim_mem_bytes, 8192);
	CHECK_EQ(s.file_size, info.file_size);
	CHECK_EQ(s.used_bytes, info.used_bytes);
	/* a context, an IOAS, an extent, a source, an area, and the IOAS's free
	 * gaps below and above the area */
	CHECK_EQ(s.nr_records, 7);
	CHECK(s.journal_bytes > 0);
	CHECK_EQ(s.recoveries, 0);
	ifd_ctx_close(ctx);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	UNIT_RUN(test_abi_tables);
	UNIT_RUN(test_errno_and_hints);
	UNIT_RUN(test_decode);
	UNIT_RUN(test_open_fallback);
	UNIT_RUN(test_from_fd);
	UNIT_RUN(test_trace_probe_wrappers);
	UNIT_RUN(test_sim_stats);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return unit_finish();
}
