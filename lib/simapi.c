// SPDX-License-Identifier: LGPL-2.1-or-later
/* The simulator's management API: state paths and the calls that only make
 * sense on a simulator context (the kernel has no equivalent). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"
#include "sim/sim.h"

#define SIM_MIN_SIZE(a, b) ((size_t)(a) < (b) ? (size_t)(a) : (b))

IFD_EXPORT int ifd_sim_default_path(char *buf, size_t len, int create_dir)
{
	const char *env = getenv("IOMMUFD_SIM");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char dir[PATH_MAX];
	int n;

	if (env && env[0]) {
		n = snprintf(buf, len, "%s", env);
		return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
	}
	if (rt && rt[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/iommufd-sim", rt);
	else
		n = snprintf(dir, sizeof(dir), "/tmp/iommufd-sim-%u", (unsigned)getuid());
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -ENAMETOOLONG;
	/* 0700 from the start: the directory guards states that hold our objects */
	if (create_dir && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -errno;
	n = snprintf(buf, len, "%s/default.state", dir);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

IFD_EXPORT int ifd_sim_create(const char *path, const char *profile, int replace,
			      struct ifd_error *error)
{
	struct ifd_sim_create_opts o = { .size = sizeof(o), .profile = profile, .replace = replace };

	return ifd_sim_create_opts(path, &o, error);
}

IFD_EXPORT int ifd_sim_create_opts(const char *path, const struct ifd_sim_create_opts *opts,
				   struct ifd_error *error)
{
	struct ifd_sim_create_opts o = { 0 };
	char detail[256] = "";
	int ret;

	/* an older caller's smaller struct: what it lacks is zero */
	if (opts)
		memcpy(&o, opts, SIM_MIN_SIZE(opts->size, sizeof(o)));
	if (opts && opts->size < offsetof(struct ifd_sim_create_opts, replace) + sizeof(int)) {
		ret = -EINVAL;
		snprintf(detail, sizeof(detail), "ifd_sim_create_opts: size %u is too small",
			 opts->size);
	} else {
		ret = sim_create_aperture(path, o.profile, o.aperture_bits, o.msi, o.replace, detail,
					  sizeof(detail));
	}

	if (ret && error) {
		memset(error, 0, sizeof(*error));
		error->ioctl = "simulator state";
		error->err = -ret;
		/* the simulator's detail names the path itself */
		if (detail[0])
			memcpy(error->detail, detail, sizeof(error->detail));
		else
			snprintf(error->detail, sizeof(error->detail), "%.200s: %s", path,
				 strerror(-ret));
	}
	return ret;
}

IFD_EXPORT const char *const *ifd_sim_profiles(void)
{
	return sim_profiles();
}

/* Every call below needs a simulator context; say so instead of crashing. */
static int need_sim(struct ifd_ctx *ctx, const char *what)
{
	if (ctx->backend == IFD_BACKEND_SIM && ctx->sim)
		return 0;
	return ifd_set_error(ctx, 0, what, ENOTTY,
			     "only the simulator can do this; this context is on the kernel");
}

/* Record a failure of a simulator management call. */
static int sim_result(struct ifd_ctx *ctx, const char *what, int ret)
{
	if (ret < 0)
		return ifd_set_error(ctx, 0, what, -ret, NULL);
	return ret;
}

IFD_EXPORT int ifd_sim_info(struct ifd_ctx *ctx, struct ifd_sim_info *info)
{
	int ret = need_sim(ctx, "sim info");

	return ret ? ret : sim_result(ctx, "sim info", sim_info(ctx->sim, info));
}

IFD_EXPORT int ifd_sim_platform(struct ifd_ctx *ctx, struct ifd_sim_platform *plat)
{
	int ret = need_sim(ctx, "sim info");

	return ret ? ret : sim_result(ctx, "sim info", sim_platform_info(ctx->sim, plat, NULL, 0));
}

IFD_EXPORT int ifd_sim_platform_hw_info(struct ifd_ctx *ctx, void *data, size_t len)
{
	int ret = need_sim(ctx, "sim info");

	return ret ? ret : sim_result(ctx, "sim info", sim_platform_info(ctx->sim, NULL, data, len));
}

IFD_EXPORT int ifd_sim_stats(struct ifd_ctx *ctx, struct ifd_sim_stats *stats)
{
	int ret = need_sim(ctx, "sim stats");

	return ret ? ret : sim_result(ctx, "sim stats", sim_stats(ctx->sim, stats));
}

IFD_EXPORT int ifd_sim_check(struct ifd_ctx *ctx, char *report, size_t len)
{
	int ret = need_sim(ctx, "sim check");

	return ret ? ret : sim_result(ctx, "sim check", sim_check(ctx->sim, report, len));
}

IFD_EXPORT int ifd_sim_reset(struct ifd_ctx *ctx)
{
	int ret = need_sim(ctx, "sim reset");

	return ret ? ret : sim_result(ctx, "sim reset", sim_reset(ctx->sim));
}

IFD_EXPORT int ifd_sim_mem_alloc(struct ifd_ctx *ctx, uint64_t length, uint64_t *va)
{
	int ret = need_sim(ctx, "sim memory");

	return ret ? ret : sim_result(ctx, "sim memory", sim_mem_alloc(ctx->sim, length, va));
}

IFD_EXPORT int ifd_sim_mem_free(struct ifd_ctx *ctx, uint64_t va)
{
	int ret = need_sim(ctx, "sim memory");

	return ret ? ret : sim_result(ctx, "sim memory", sim_mem_free(ctx->sim, va));
}

IFD_EXPORT int ifd_sim_objects(struct ifd_ctx *ctx, struct ifd_sim_object **objs, size_t *nr)
{
	int ret = need_sim(ctx, "sim objects");

	return ret ? ret : sim_result(ctx, "sim objects", sim_objects(ctx->sim, objs, nr));
}

IFD_EXPORT int ifd_sim_vfio_devices(struct ifd_ctx *ctx, struct ifd_sim_vfio_dev **devs,
				    size_t *nr)
{
	int ret = need_sim(ctx, "sim VFIO devices");

	return ret ? ret : sim_result(ctx, "sim VFIO devices", sim_vfio_devices(ctx->sim, devs, nr));
}

IFD_EXPORT int ifd_sim_areas(struct ifd_ctx *ctx, uint32_t ioas_id, struct ifd_sim_area **areas,
			     size_t *nr)
{
	int ret = need_sim(ctx, "sim areas");

	return ret ? ret : sim_result(ctx, "sim areas", sim_areas(ctx->sim, ioas_id, areas, nr));
}

IFD_EXPORT int ifd_sim_allowed(struct ifd_ctx *ctx, uint32_t ioas_id, struct ifd_range **ranges,
			       uint32_t *nr)
{
	int ret = need_sim(ctx, "sim allowed");

	return ret ? ret : sim_result(ctx, "sim allowed",
				      sim_allowed(ctx->sim, ioas_id, ranges, nr));
}

IFD_EXPORT int ifd_queue_sync(struct ifd_ctx *ctx, int fd)
{
	char detail[256] = "";
	int ret;

	/* The kernel checks a response when it is written. */
	if (ctx->backend != IFD_BACKEND_SIM || !ctx->sim)
		return 0;
	ret = sim_queue_sync(ctx->sim, fd, detail, sizeof(detail));
	if (ret < 0)
		return ifd_set_error(ctx, 0, "queue sync", -ret, "%s", detail);
	return 0;
}
