/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Error reporting and exit codes, in one place for every tool.
 *
 * Text:  "PROG CMD: OBJECT: IOCTL: ERRNAME: message (hint: ...)", after
 *        "FILE:LINE: " in a batch
 * JSON:  {"schema_version":1,"error":{"command":..,"object":..,"ioctl":..,
 *         "errno":..,"errno_name":..,"message":..,"hint":..,"partial":..}}
 *        on one line of stderr; the keys never change, unknown values are null.
 */
#ifndef SHARED_REPORT_H
#define SHARED_REPORT_H

#include <stdbool.h>

struct json_object;

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the operation failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_UNSUPPORTED = 3,	/* this kernel/backend cannot do it (ENOTTY, iommufd absent) */
	EXIT_PERMISSION = 4,	/* EPERM, EACCES */
	EXIT_REFUSED = 5,	/* a request was refused (negotiate) */
};

/* The exit code for a failure with errno 'err' (positive). */
enum exit_code exit_code_for_errno(int err);

struct report_error {
	const char *command;	/* "map", "sim create"; NULL before a command is known */
	const char *object;	/* "ioas 3", or NULL */
	const char *ioctl;	/* "IOMMU_IOAS_MAP" or an operation name, or NULL */
	int err;		/* positive errno, or 0 (usage errors) */
	const char *message;	/* NULL: strerror(err) */
	const char *hint;	/* or NULL */
	/* What had already been done when the failure came, or NULL: a line of
	 * text, and the same as JSON (taken over by report_error()). */
	const char *partial_text;
	struct json_object *partial_json;
};

struct report {
	const char *prog;	/* "iommuctl" */
	bool json;
	/* A batch: "FILE:LINE" put before every message (as compilers do), or
	 * NULL. */
	const char *where;
	/* If not NULL, JSON errors are kept here (the previous one dropped)
	 * instead of printed: a batch puts them in its per-line records. */
	struct json_object **capture;
};

void report_error(const struct report *r, const struct report_error *e);

/* A usage error: reported, returns EXIT_USAGE. */
int report_usage(const struct report *r, const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A note for people on stderr ("PROG CMD: note: ..."); dropped with JSON,
 * where stderr carries only error objects. */
void report_note(const struct report *r, const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
