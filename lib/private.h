/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libiommufd internals shared by the context layer and the backends. */
#ifndef IFD_PRIVATE_H
#define IFD_PRIVATE_H

#include <limits.h>
#include <stdbool.h>
#include "libiommufd.h"
#include "ifd-abi.h"

#define IFD_EXPORT __attribute__((visibility("default")))

struct sim;

struct ifd_ctx {
	enum ifd_backend backend;
	int fd;				/* /dev/iommu, or the simulator's state file */
	bool fd_owned;
	char path[PATH_MAX];
	struct sim *sim;		/* IFD_BACKEND_SIM only */
	ifd_trace_fn trace;
	void *trace_user;
	struct ifd_error last_err;
};

/* Record a failure in ctx->last_err; returns -err for tail calls. */
int ifd_set_error(struct ifd_ctx *ctx, unsigned long cmd, const char *what, int err,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void ifd_clear_error(struct ifd_ctx *ctx);

#endif
