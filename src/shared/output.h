/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One data model, two renderers.  Each object family has a column registry
 * (struct out_family); the same getters feed a libsmartcols table for people
 * and json-c objects for programs, so the two cannot drift apart.
 *
 * Output is collected while a command runs and written by out_flush() only
 * when it succeeded: a failed command leaves stdout empty, never half a
 * document.
 */
#ifndef SHARED_OUTPUT_H
#define SHARED_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

enum out_type {
	OUT_STRING,
	OUT_INT,		/* JSON integer: IDs and counts */
	OUT_HEX,		/* JSON "0x..." string: addresses, sizes, flag words */
	OUT_BOOL,
};

#define OUT_COL_DEFAULT		(1u << 0)	/* in the table without -o */
#define OUT_COL_NULLABLE	(1u << 1)	/* may be unknown: null in JSON, "-" in tables */

struct out_value {
	bool null;
	uint64_t u;		/* OUT_INT, OUT_HEX */
	bool b;			/* OUT_BOOL */
	const char *s;		/* OUT_STRING: the row's own string, or buf */
	char buf[160];
};

struct out_column {
	const char *name;	/* what -o takes: "IOVA" */
	const char *json_key;	/* "iova" */
	const char *header;	/* table header, or the field label of a record */
	enum out_type type;
	unsigned flags;
	const char *help;
	void (*get)(const void *row, struct out_value *v);
};

struct out_family {
	const char *name;	/* JSON key of the array (or object, for a record) */
	const char *help;	/* what a row is */
	const struct out_column *cols;
	size_t ncols;
};

#define OUT_MAX_COLS 32

struct out_section;

struct out {
	/* from the command line */
	bool json, raw, noheadings, output_all;
	const char *columns;		/* -o argument */
	/* set by the command */
	const char *backend;		/* "kernel", "simulator", or NULL (no backend involved) */
	/* collected output */
	struct json_object *body;
	struct out_section *head, **tail;
	const struct out_family *primary;
	size_t sel[OUT_MAX_COLS];
	size_t nsel;
	bool explicit_sel;		/* -o given: JSON keys follow it too */
};

void out_init(struct out *o);
void out_free(struct out *o);

/* Make f the family -o/--output-all apply to, and resolve them.  Commands call
 * it before they change anything, so a bad column name changes nothing.
 * Returns 0, or -1 with a message in err. */
int out_select(struct out *o, const struct out_family *f, char *err, size_t len);

/* A list of rows: a table (titled, if title) or a JSON array under f->name. */
void out_rows(struct out *o, const struct out_family *f, const void *rows, size_t nrows,
	      size_t stride, const char *title);
/* One row shown as FIELD/VALUE lines, or a JSON object under f->name. */
void out_record(struct out *o, const struct out_family *f, const void *row, const char *title);
/* A line of text among the tables (table mode only). */
void out_note(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* JSON building blocks for nested documents. */
struct json_object *out_json_row(const struct out *o, const struct out_family *f, const void *row);
struct json_object *out_json_rows(const struct out *o, const struct out_family *f, const void *rows,
				  size_t nrows, size_t stride);
/* Add a key to the document (takes the reference). */
void out_json_add(struct out *o, const char *key, struct json_object *val);
struct json_object *out_json_hex(uint64_t v);

/* The JSON document collected so far: schema_version (if 'versioned'),
 * backend, then the keys added.  A new reference. */
struct json_object *out_json_document(const struct out *o, bool versioned);

/* Write what was collected; returns 0 or -1 (errno set) on a write error. */
int out_flush(struct out *o, FILE *f);

/* -H: the columns of the given families (NULL-terminated), primary first. */
void out_list_columns(struct out *o, const struct out_family *const *fams);

/* The JSON type of a column as documented: "hex-string|null". */
const char *out_type_name(const struct out_column *c, char *buf, size_t len);

/* A finished JSON document as text, with our fixed formatting. */
const char *out_json_text(struct json_object *obj, bool pretty);

#define OUT_SCHEMA_VERSION 1

#endif
