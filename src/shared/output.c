// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Column registry renderer: libsmartcols for tables, json-c for JSON (never
 * libsmartcols' own JSON, whose keys are headers and whose values can carry
 * padding).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <libsmartcols/libsmartcols.h>

#include "output.h"

struct out_section {
	struct out_section *next;
	char *text;			/* a line of text, or */
	struct libscols_table *table;	/* a table */
};

void out_init(struct out *o)
{
	memset(o, 0, sizeof(*o));
	o->body = json_object_new_object();
	o->tail = &o->head;
}

void out_free(struct out *o)
{
	struct out_section *s, *next;

	for (s = o->head; s; s = next) {
		next = s->next;
		free(s->text);
		if (s->table)
			scols_unref_table(s->table);
		free(s);
	}
	o->head = NULL;
	o->tail = &o->head;
	json_object_put(o->body);
	o->body = NULL;
}

static void section_add(struct out *o, char *text, struct libscols_table *tb)
{
	struct out_section *s = calloc(1, sizeof(*s));

	if (!s) {
		/* Nothing sensible is left to print with; an empty result would lie. */
		fputs("out of memory\n", stderr);
		exit(1);
	}
	s->text = text;
	s->table = tb;
	*o->tail = s;
	o->tail = &s->next;
}

static int column_index(const struct out_family *f, const char *name, size_t len)
{
	for (size_t i = 0; i < f->ncols; i++)
		if (strlen(f->cols[i].name) == len && strncasecmp(f->cols[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static void select_defaults(struct out *o, const struct out_family *f)
{
	o->nsel = 0;
	for (size_t i = 0; i < f->ncols && o->nsel < OUT_MAX_COLS; i++)
		if (o->output_all || (f->cols[i].flags & OUT_COL_DEFAULT))
			o->sel[o->nsel++] = i;
}

int out_select(struct out *o, const struct out_family *f, char *err, size_t len)
{
	const char *p = o->columns;

	o->primary = f;
	o->explicit_sel = false;
	if (!p) {
		select_defaults(o, f);
		return 0;
	}
	o->explicit_sel = true;
	o->nsel = 0;
	if (*p == '+') {	/* "+COLS": the defaults, then these */
		select_defaults(o, f);
		p++;
	}
	if (!*p) {
		snprintf(err, len, "--output: no column names");
		return -1;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		int idx = column_index(f, p, n);

		if (n == 0) {
			snprintf(err, len, "--output: empty column name");
			return -1;
		}
		if (idx < 0) {
			snprintf(err, len, "--output: unknown column '%.*s' (%s has:", (int)n, p, f->name);
			for (size_t i = 0; i < f->ncols; i++) {
				size_t used = strlen(err);

				snprintf(err + used, len - used, " %s", f->cols[i].name);
			}
			size_t used = strlen(err);

			snprintf(err + used, len - used, ")");
			return -1;
		}
		if (o->nsel == OUT_MAX_COLS) {
			snprintf(err, len, "--output: too many columns");
			return -1;
		}
		o->sel[o->nsel++] = (size_t)idx;
		p += n;
		if (*p == ',') {
			p++;
			if (!*p) {
				snprintf(err, len, "--output: empty column name");
				return -1;
			}
		}
	}
	return 0;
}

/* The columns of f to show: the -o selection for the primary family, else
 * the defaults (tables) or every column (JSON). */
static size_t columns_of(const struct out *o, const struct out_family *f, bool json,
			 size_t *idx)
{
	size_t n = 0;

	if (f == o->primary && (!json || o->explicit_sel)) {
		memcpy(idx, o->sel, o->nsel * sizeof(*idx));
		return o->nsel;
	}
	for (size_t i = 0; i < f->ncols && n < OUT_MAX_COLS; i++)
		if (json || o->output_all || (f->cols[i].flags & OUT_COL_DEFAULT))
			idx[n++] = i;
	return n;
}

static void get_value(const struct out_column *c, const void *row, struct out_value *v)
{
	memset(v, 0, sizeof(*v));
	c->get(row, v);
}

static const char *value_text(const struct out_column *c, struct out_value *v, char *buf,
			      size_t len)
{
	if (v->null)
		return "-";
	switch (c->type) {
	case OUT_INT:
		snprintf(buf, len, "%" PRIu64, v->u);
		return buf;
	case OUT_HEX:
		snprintf(buf, len, "0x%" PRIx64, v->u);
		return buf;
	case OUT_BOOL:
		return v->b ? "yes" : "no";
	case OUT_STRING:
		return v->s ? v->s : "-";
	}
	return "-";
}

struct json_object *out_json_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

static struct json_object *value_json(const struct out_column *c, const struct out_value *v)
{
	if (v->null)
		return NULL;
	switch (c->type) {
	case OUT_INT:
		return json_object_new_uint64(v->u);
	case OUT_HEX:
		return out_json_hex(v->u);
	case OUT_BOOL:
		return json_object_new_boolean(v->b);
	case OUT_STRING:
		return v->s ? json_object_new_string(v->s) : NULL;
	}
	return NULL;
}

struct json_object *out_json_row(const struct out *o, const struct out_family *f, const void *row)
{
	struct json_object *obj = json_object_new_object();
	size_t idx[OUT_MAX_COLS], n = columns_of(o, f, true, idx);
	struct out_value v;

	for (size_t i = 0; i < n; i++) {
		const struct out_column *c = &f->cols[idx[i]];

		get_value(c, row, &v);
		json_object_object_add(obj, c->json_key, value_json(c, &v));
	}
	return obj;
}

struct json_object *out_json_rows(const struct out *o, const struct out_family *f, const void *rows,
				  size_t nrows, size_t stride)
{
	struct json_object *arr = json_object_new_array();

	for (size_t r = 0; r < nrows; r++)
		json_object_array_add(arr, out_json_row(o, f, (const char *)rows + r * stride));
	return arr;
}

void out_json_add(struct out *o, const char *key, struct json_object *val)
{
	json_object_object_add(o->body, key, val);
}

static struct libscols_table *table_new(const struct out *o)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb) {
		fputs("out of memory\n", stderr);
		exit(1);
	}
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	return tb;
}

static void title_add(struct out *o, const char *title)
{
	if (title && !o->noheadings) {
		char *t = strdup(title);

		if (t)
			section_add(o, t, NULL);
	}
}

void out_rows(struct out *o, const struct out_family *f, const void *rows, size_t nrows,
	      size_t stride, const char *title)
{
	if (o->json) {
		out_json_add(o, f->name, out_json_rows(o, f, rows, nrows, stride));
		return;
	}
	size_t idx[OUT_MAX_COLS], n = columns_of(o, f, false, idx);
	struct libscols_table *tb = table_new(o);
	struct out_value v;
	char buf[64];

	for (size_t i = 0; i < n; i++) {
		const struct out_column *c = &f->cols[idx[i]];

		scols_table_new_column(tb, c->header, 0, c->type == OUT_INT ? SCOLS_FL_RIGHT : 0);
	}
	for (size_t r = 0; r < nrows; r++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		for (size_t i = 0; i < n; i++) {
			const struct out_column *c = &f->cols[idx[i]];

			get_value(c, (const char *)rows + r * stride, &v);
			scols_line_set_data(ln, i, value_text(c, &v, buf, sizeof(buf)));
		}
	}
	title_add(o, title);
	section_add(o, NULL, tb);
}

void out_record(struct out *o, const struct out_family *f, const void *row, const char *title)
{
	if (o->json) {
		out_json_add(o, f->name, out_json_row(o, f, row));
		return;
	}
	size_t idx[OUT_MAX_COLS], n = columns_of(o, f, false, idx);
	struct libscols_table *tb = table_new(o);
	struct out_value v;
	char buf[64];

	scols_table_new_column(tb, "FIELD", 0, 0);
	scols_table_new_column(tb, "VALUE", 0, 0);
	for (size_t i = 0; i < n; i++) {
		const struct out_column *c = &f->cols[idx[i]];
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		get_value(c, row, &v);
		scols_line_set_data(ln, 0, c->header);
		scols_line_set_data(ln, 1, value_text(c, &v, buf, sizeof(buf)));
	}
	title_add(o, title);
	section_add(o, NULL, tb);
}

void out_note(struct out *o, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (o->json)
		return;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (text)
		section_add(o, text, NULL);
}

const char *out_json_text(struct json_object *obj, bool pretty)
{
	return json_object_to_json_string_ext(obj, (pretty ? JSON_C_TO_STRING_PRETTY
							   : JSON_C_TO_STRING_PLAIN) |
						   JSON_C_TO_STRING_NOSLASHESCAPE);
}

struct json_object *out_json_document(const struct out *o, bool versioned)
{
	struct json_object *doc = json_object_new_object();

	if (versioned)
		json_object_object_add(doc, "schema_version", json_object_new_int(OUT_SCHEMA_VERSION));
	json_object_object_add(doc, "backend", o->backend ? json_object_new_string(o->backend) : NULL);
	json_object_object_foreach(o->body, key, val)
		json_object_object_add(doc, key, json_object_get(val));
	return doc;
}

int out_flush(struct out *o, FILE *f)
{
	if (o->json) {
		struct json_object *doc = out_json_document(o, true);

		fprintf(f, "%s\n", out_json_text(doc, true));
		json_object_put(doc);
		return ferror(f) ? -1 : 0;
	}
	/* Every table names its backend: a caption line, left out with -n. */
	if (o->backend && !o->noheadings && o->head)
		fprintf(f, "backend: %s\n", o->backend);
	for (struct out_section *s = o->head; s; s = s->next) {
		if (s->text) {
			fprintf(f, "%s\n", s->text);
		} else {
			scols_table_set_stream(s->table, f);
			scols_print_table(s->table);
		}
	}
	return ferror(f) ? -1 : 0;
}

const char *out_type_name(const struct out_column *c, char *buf, size_t len)
{
	static const char *const names[] = {
		[OUT_STRING] = "string", [OUT_INT] = "integer",
		[OUT_HEX] = "hex-string", [OUT_BOOL] = "boolean",
	};

	snprintf(buf, len, "%s%s", names[c->type], (c->flags & OUT_COL_NULLABLE) ? "|null" : "");
	return buf;
}

struct column_listing {
	const struct out_family *fam;
	const struct out_column *col;
};

static void get_listing_family(const void *row, struct out_value *v)
{
	v->s = ((const struct column_listing *)row)->fam->name;
}
static void get_listing_name(const void *row, struct out_value *v)
{
	v->s = ((const struct column_listing *)row)->col->name;
}
static void get_listing_key(const void *row, struct out_value *v)
{
	v->s = ((const struct column_listing *)row)->col->json_key;
}
static void get_listing_type(const void *row, struct out_value *v)
{
	v->s = out_type_name(((const struct column_listing *)row)->col, v->buf, sizeof(v->buf));
}
static void get_listing_default(const void *row, struct out_value *v)
{
	v->b = ((const struct column_listing *)row)->col->flags & OUT_COL_DEFAULT;
}
static void get_listing_help(const void *row, struct out_value *v)
{
	v->s = ((const struct column_listing *)row)->col->help;
}

static const struct out_column listing_cols[] = {
	{ "NAME", "name", "NAME", OUT_STRING, OUT_COL_DEFAULT, "column name for -o", get_listing_name },
	{ "TYPE", "type", "TYPE", OUT_STRING, OUT_COL_DEFAULT, "JSON type", get_listing_type },
	{ "DESCRIPTION", "description", "DESCRIPTION", OUT_STRING, OUT_COL_DEFAULT,
	  "what the column holds", get_listing_help },
	{ "FAMILY", "family", "FAMILY", OUT_STRING, 0, "the JSON array (or object) it belongs to",
	  get_listing_family },
	{ "JSON_KEY", "json_key", "JSON_KEY", OUT_STRING, 0, "its key in JSON", get_listing_key },
	{ "DEFAULT", "default", "DEFAULT", OUT_BOOL, 0, "shown without -o", get_listing_default },
};
static const struct out_family listing_family = {
	"columns", "one column of a command's output", listing_cols,
	sizeof(listing_cols) / sizeof(listing_cols[0]),
};

void out_list_columns(struct out *o, const struct out_family *const *fams)
{
	struct column_listing *rows;
	size_t n = 0, total = 0;

	for (size_t i = 0; fams[i]; i++)
		total += fams[i]->ncols;
	rows = calloc(total ? total : 1, sizeof(*rows));
	if (!rows) {
		fputs("out of memory\n", stderr);
		exit(1);
	}
	/* In JSON every key of the listing is wanted; in a table, what -o asks. */
	o->primary = &listing_family;
	o->explicit_sel = false;
	for (size_t i = 0; fams[i]; i++)
		for (size_t c = 0; c < fams[i]->ncols; c++)
			rows[n++] = (struct column_listing){ fams[i], &fams[i]->cols[c] };
	if (o->json) {
		out_rows(o, &listing_family, rows, n, sizeof(*rows), NULL);
	} else {
		for (size_t i = 0, first = 0; fams[i]; first += fams[i]->ncols, i++) {
			char title[160];

			snprintf(title, sizeof(title), "%s: %s", fams[i]->name, fams[i]->help);
			select_defaults(o, &listing_family);
			out_rows(o, &listing_family, rows + first, fams[i]->ncols, sizeof(*rows),
				 fams[i + 1] || i ? title : NULL);
		}
	}
	free(rows);
}
