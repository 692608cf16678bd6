// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The context: which backend, which fd, the trace hook and the last error.
 * Everything above the ioctl entry (wrappers, probing, decoding) is shared by
 * both backends; only ifd_ioctl() looks at which one it talks to.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "private.h"
#include "sim/sim.h"

#define DEFAULT_DEV "/dev/iommu"

static void error_fill(struct ifd_error *e, unsigned long cmd, const char *what, int err)
{
	memset(e, 0, sizeof(*e));
	e->cmd = cmd;
	e->ioctl = what ? what : ifd_ioctl_name(cmd);
	e->err = err;
	e->hint = cmd ? ifd_hint(cmd, err) : NULL;
}

static int error_set(struct ifd_error *e, unsigned long cmd, const char *what, int err,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int error_set(struct ifd_error *e, unsigned long cmd, const char *what, int err,
		     const char *fmt, ...)
{
	if (e) {
		error_fill(e, cmd, what, err);
		if (fmt) {
			va_list ap;

			va_start(ap, fmt);
			vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
			va_end(ap);
		}
	}
	return -err;
}

int ifd_set_error(struct ifd_ctx *ctx, unsigned long cmd, const char *what, int err,
		  const char *fmt, ...)
{
	error_fill(&ctx->last_err, cmd, what, err);
	if (fmt) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(ctx->last_err.detail, sizeof(ctx->last_err.detail), fmt, ap);
		va_end(ap);
	}
	return -err;
}

void ifd_clear_error(struct ifd_ctx *ctx)
{
	memset(&ctx->last_err, 0, sizeof(ctx->last_err));
}

/* "owner root:kvm mode 0660" for an error message about a device node. */
static void describe_node(const char *path, char *buf, size_t len)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(buf, len, "%s", strerror(errno));
		return;
	}
	struct passwd *pw = getpwuid(st.st_uid);
	struct group *gr = getgrgid(st.st_gid);
	char u[32], g[32];

	snprintf(u, sizeof(u), "%u", (unsigned)st.st_uid);
	snprintf(g, sizeof(g), "%u", (unsigned)st.st_gid);
	snprintf(buf, len, "owner %s:%s mode %04o, running as uid %u",
		 pw ? pw->pw_name : u, gr ? gr->gr_name : g,
		 (unsigned)(st.st_mode & 07777), (unsigned)geteuid());
}

static struct ifd_ctx *ctx_alloc(enum ifd_backend backend, int fd, bool owned, const char *path)
{
	struct ifd_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->backend = backend;
	ctx->fd = fd;
	ctx->fd_owned = owned;
	snprintf(ctx->path, sizeof(ctx->path), "%s", path ? path : "");
	return ctx;
}

static int open_sim(struct ifd_ctx **out, const char *path, uint32_t flags, const char *profile,
		    struct ifd_error *err)
{
	char defpath[PATH_MAX], detail[256] = "";
	struct sim *sim;
	int fd, ret;

	if (!path) {
		ret = ifd_sim_default_path(defpath, sizeof(defpath), !!(flags & IFD_OPEN_SIM_CREATE));
		if (ret)
			return error_set(err, 0, "simulator state", -ret,
					 "cannot set up the default state directory");
		path = defpath;
	}
	ret = sim_check_path(path, detail, sizeof(detail));
	if (ret == -ENOENT && (flags & IFD_OPEN_SIM_CREATE)) {
		ret = sim_create(path, profile, 0, detail, sizeof(detail));
		if (ret == -EEXIST)	/* another process created it first: use it */
			ret = 0;
		if (ret == 0)
			ret = sim_check_path(path, detail, sizeof(detail));
	}
	if (ret)	/* the simulator's detail names the path itself */
		return detail[0] ? error_set(err, 0, "simulator state", -ret, "%s", detail)
				 : error_set(err, 0, "simulator state", -ret, "%s: %s", path,
					     strerror(-ret));

	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return error_set(err, 0, "simulator state", errno, "open %s: %s", path,
				 strerror(errno));
	ret = sim_open_fd(fd, flags, &sim, detail, sizeof(detail));
	if (ret) {
		close(fd);
		return detail[0] ? error_set(err, 0, "simulator state", -ret, "%s", detail)
				 : error_set(err, 0, "simulator state", -ret, "%s: %s", path,
					     strerror(-ret));
	}
	*out = ctx_alloc(IFD_BACKEND_SIM, fd, true, path);
	if (!*out) {
		sim_close(sim);
		close(fd);
		return error_set(err, 0, "simulator state", ENOMEM, NULL);
	}
	(*out)->sim = sim;
	return 0;
}

IFD_EXPORT int ifd_ctx_open(struct ifd_ctx **out, const struct ifd_open_opts *opts)
{
	struct ifd_open_opts def = { .size = sizeof(def) };
	const char *dev;
	int fd;

	*out = NULL;
	if (!opts)
		opts = &def;
	if (opts->size < offsetof(struct ifd_open_opts, error))
		return -EINVAL;
	struct ifd_error *err = opts->size >= offsetof(struct ifd_open_opts, error) +
		sizeof(opts->error) ? opts->error : NULL;
	const char *sim_path = opts->sim_path;

	if (!sim_path) {
		const char *env = getenv("IOMMUFD_SIM");

		if (env && env[0])
			sim_path = env;
	}
	if (opts->backend == IFD_BACKEND_SIM)
		return open_sim(out, sim_path, opts->flags, opts->sim_profile, err);
	if (opts->backend != IFD_BACKEND_AUTO && opts->backend != IFD_BACKEND_KERNEL)
		return error_set(err, 0, "open", EINVAL, "unknown backend %d", opts->backend);

	dev = opts->dev_path ? opts->dev_path : DEFAULT_DEV;
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		char why[160];

		/* Fall back only when iommufd is absent, never to hide a real problem. */
		if (opts->backend == IFD_BACKEND_AUTO && (e == ENOENT || e == ENODEV || e == ENXIO))
			return open_sim(out, sim_path, opts->flags, opts->sim_profile, err);
		if (e == ENOENT || e == ENODEV || e == ENXIO)
			return error_set(err, 0, "open", e,
					 "%s: %s (iommufd is not available: CONFIG_IOMMUFD off, "
					 "module not loaded, or no IOMMU)", dev, strerror(e));
		describe_node(dev, why, sizeof(why));
		return error_set(err, 0, "open", e, "%s: %s (%s)", dev, strerror(e), why);
	}
	*out = ctx_alloc(IFD_BACKEND_KERNEL, fd, true, dev);
	if (!*out) {
		close(fd);
		return error_set(err, 0, "open", ENOMEM, NULL);
	}
	return 0;
}

IFD_EXPORT int ifd_ctx_from_fd(struct ifd_ctx **out, int fd, uint32_t flags,
			       struct ifd_error *err)
{
	char link[64], path[PATH_MAX] = "";
	struct stat st;
	ssize_t n;

	*out = NULL;
	if (fstat(fd, &st) != 0)
		return error_set(err, 0, "fd", errno, "fd %d: %s", fd, strerror(errno));
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n > 0)
		path[n] = '\0';
	else
		snprintf(path, sizeof(path), "fd %d", fd);

	if (S_ISCHR(st.st_mode)) {
		*out = ctx_alloc(IFD_BACKEND_KERNEL, fd, flags & IFD_FD_OWNED, path);
		return *out ? 0 : error_set(err, 0, "fd", ENOMEM, NULL);
	}
	if (S_ISREG(st.st_mode)) {
		char detail[256] = "";
		struct sim *sim;
		int ret;

		if ((fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDWR)
			return error_set(err, 0, "fd", EBADF,
					 "fd %d (%s) must be open read-write (exec %d<>FILE)", fd,
					 path, fd);
		ret = sim_check_path(path, detail, sizeof(detail));
		if (ret && ret != -ENOENT)	/* a deleted file is still usable through its fd */
			return error_set(err, 0, "simulator state", -ret, "%s: %s", path, detail);
		ret = sim_open_fd(fd, 0, &sim, detail, sizeof(detail));
		if (ret)
			return error_set(err, 0, "simulator state", -ret, "fd %d (%s): %s", fd, path,
					 detail[0] ? detail : strerror(-ret));
		*out = ctx_alloc(IFD_BACKEND_SIM, fd, flags & IFD_FD_OWNED, path);
		if (!*out) {
			sim_close(sim);
			return error_set(err, 0, "fd", ENOMEM, NULL);
		}
		(*out)->sim = sim;
		return 0;
	}
	return error_set(err, 0, "fd", ENOTTY,
			 "fd %d (%s) is neither an iommufd device nor a simulator state", fd, path);
}

IFD_EXPORT int ifd_ctx_from_pid_fd(struct ifd_ctx **out, int pid, int fd, struct ifd_error *err)
{
	int pidfd, myfd, ret;

	*out = NULL;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return error_set(err, 0, "pidfd_open", errno, "pid %d: %s", pid, strerror(errno));
	myfd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	ret = errno;
	close(pidfd);
	if (myfd < 0)
		return error_set(err, 0, "pidfd_getfd", ret, "fd %d of pid %d: %s%s", fd, pid,
				 strerror(ret),
				 ret == EPERM ? " (needs ptrace access to the process, "
						"e.g. same user and ptrace_scope 0, or CAP_SYS_PTRACE)" : "");
	ret = ifd_ctx_from_fd(out, myfd, IFD_FD_OWNED, err);
	if (ret)
		close(myfd);
	return ret;
}

IFD_EXPORT void ifd_ctx_close(struct ifd_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->sim)
		sim_close(ctx->sim);
	if (ctx->fd_owned && ctx->fd >= 0)
		close(ctx->fd);
	free(ctx);
}

IFD_EXPORT enum ifd_backend ifd_ctx_backend(const struct ifd_ctx *ctx)
{
	return ctx->backend;
}

IFD_EXPORT const char *ifd_ctx_backend_name(const struct ifd_ctx *ctx)
{
	return ctx->backend == IFD_BACKEND_SIM ? "simulator" : "kernel";
}

IFD_EXPORT const char *ifd_ctx_path(const struct ifd_ctx *ctx)
{
	return ctx->path;
}

IFD_EXPORT int ifd_ctx_fd(const struct ifd_ctx *ctx)
{
	return ctx->fd;
}

IFD_EXPORT void ifd_ctx_set_trace(struct ifd_ctx *ctx, ifd_trace_fn fn, void *user)
{
	ctx->trace = fn;
	ctx->trace_user = user;
}

IFD_EXPORT const struct ifd_error *ifd_ctx_last_error(const struct ifd_ctx *ctx)
{
	return &ctx->last_err;
}

/* After either backend's ioctl: the error, then the trace hook. */
static int ioctl_done(struct ifd_ctx *ctx, unsigned long cmd, void *arg, int ret,
		      const char *detail)
{
	if (ret < 0)
		ifd_set_error(ctx, cmd, NULL, -ret, detail[0] ? "%s" : NULL, detail);
	if (ctx->trace)
		ctx->trace(ctx->trace_user, cmd, arg, ret);
	return ret;
}

IFD_EXPORT int ifd_ioctl(struct ifd_ctx *ctx, unsigned long cmd, void *arg)
{
	char detail[sizeof(ctx->last_err.detail)] = "";
	int ret;

	if (ctx->backend == IFD_BACKEND_SIM) {
		ret = sim_ioctl(ctx->sim, cmd, arg, detail, sizeof(detail));
	} else {
		ret = ioctl(ctx->fd, cmd, arg);
		if (ret < 0)
			ret = -errno;
	}
	return ioctl_done(ctx, cmd, arg, ret, detail);
}

IFD_EXPORT int ifd_device_ioctl(struct ifd_ctx *ctx, int dev_fd, unsigned long cmd, void *arg)
{
	char detail[sizeof(ctx->last_err.detail)] = "";
	int ret;

	if (ctx->backend == IFD_BACKEND_SIM) {
		ret = sim_device_ioctl(ctx->sim, dev_fd, cmd, arg, detail, sizeof(detail));
	} else {
		ret = ioctl(dev_fd, cmd, arg);
		if (ret < 0)
			ret = -errno;
	}
	return ioctl_done(ctx, cmd, arg, ret, detail);
}

IFD_EXPORT const char *ifd_version(void)
{
	return IFD_VERSION;
}
