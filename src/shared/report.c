// SPDX-License-Identifier: GPL-3.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "libiommufd.h"
#include "output.h"
#include "report.h"

enum exit_code exit_code_for_errno(int err)
{
	switch (err) {
	case 0:
		return EXIT_OK;
	case ENOTTY:		/* the ioctl does not exist here */
	case EOPNOTSUPP:	/* a flag or value this kernel does not know */
		return EXIT_UNSUPPORTED;
	case EPERM:
	case EACCES:
		return EXIT_PERMISSION;
	default:
		return EXIT_FAILED;
	}
}

static struct json_object *json_str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

void report_error(const struct report *r, const struct report_error *e)
{
	const char *errname = e->err ? ifd_errno_name(e->err) : NULL;
	const char *message = e->message ? e->message : e->err ? strerror(e->err) : "failed";

	if (r->json) {
		struct json_object *doc = json_object_new_object();
		struct json_object *err = json_object_new_object();

		json_object_object_add(err, "command", json_str_or_null(e->command));
		json_object_object_add(err, "object", json_str_or_null(e->object));
		json_object_object_add(err, "ioctl", json_str_or_null(e->ioctl));
		json_object_object_add(err, "errno", e->err ? json_object_new_int(e->err) : NULL);
		json_object_object_add(err, "errno_name", json_str_or_null(errname));
		json_object_object_add(err, "message", json_object_new_string(message));
		json_object_object_add(err, "hint", json_str_or_null(e->hint));
		json_object_object_add(err, "partial", e->partial_json);
		if (r->capture) {
			json_object_put(doc);
			json_object_put(*r->capture);
			*r->capture = err;
			return;
		}
		json_object_object_add(doc, "schema_version", json_object_new_int(OUT_SCHEMA_VERSION));
		json_object_object_add(doc, "error", err);
		fprintf(stderr, "%s\n", out_json_text(doc, false));
		json_object_put(doc);
		return;
	}
	if (r->where)
		fprintf(stderr, "%s: ", r->where);
	fprintf(stderr, "%s", r->prog);
	if (e->command)
		fprintf(stderr, " %s", e->command);
	fputs(":", stderr);
	if (e->object)
		fprintf(stderr, " %s:", e->object);
	if (e->ioctl)
		fprintf(stderr, " %s:", e->ioctl);
	if (e->err)
		fprintf(stderr, " %s:", errname ? errname : "errno");
	fprintf(stderr, " %s", message);
	if (e->hint)
		fprintf(stderr, " (hint: %s)", e->hint);
	fputc('\n', stderr);
	if (e->partial_text)
		fprintf(stderr, "%s%s%s%s%s: %s\n", r->where ? r->where : "", r->where ? ": " : "",
			r->prog, e->command ? " " : "",
			e->command ? e->command : "", e->partial_text);
	json_object_put(e->partial_json);
}

int report_usage(const struct report *r, const char *command, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_error(r, &(struct report_error){ .command = command, .message = msg });
	if (!r->json)
		fprintf(stderr, "Try '%s%s%s --help'.\n", r->prog, command ? " " : "",
			command ? command : "");
	return EXIT_USAGE;
}

void report_note(const struct report *r, const char *command, const char *fmt, ...)
{
	va_list ap;

	if (r->json)
		return;
	if (r->where)
		fprintf(stderr, "%s: ", r->where);
	fprintf(stderr, "%s%s%s: note: ", r->prog, command ? " " : "", command ? command : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
