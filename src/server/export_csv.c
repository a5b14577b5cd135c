/*
 * export_csv.c - incidents as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a
 * comma, quote, CR or LF quoted, quotes doubled; UTF-8; a header row).
 *
 * One row per incident (record = "incident"), followed by one row per observable of it
 * (record = "observable", with the incident's id and the observable columns filled).  Lists
 * (countries) are joined with ";" and substances are "id quantity unit" items joined with ";".
 *
 * Spreadsheet formula injection: a cell that begins with = @ TAB or CR, or with + or - not
 * followed by a digit (so that +447700900123 stays a phone number), gets a leading
 * apostrophe, as OWASP advises; the data is otherwise as stored.
 */
#include <stdlib.h>
#include <string.h>
#include "interop.h"

#define CSV_CAP (64u << 20) /* 64 MiB: IDT_EXPORT_MAX incidents fit with room to spare */

static const char *const columns[] = {"record",
                                      "incident_id",
                                      "title",
                                      "type",
                                      "status",
                                      "occurred_on",
                                      "reported_on",
                                      "org",
                                      "tlp",
                                      "distribution",
                                      "origin",
                                      "transit",
                                      "destination",
                                      "transport_mode",
                                      "substances",
                                      "observable_type",
                                      "observable_value",
                                      "observable_raw",
                                      "created_at",
                                      "updated_at"};
#define NCOL (sizeof columns / sizeof columns[0])

static void cell(idt_buf *b, const char *s, bool first)
{
	if (!first) idt__buf_putc(b, ',');
	if (!s) return;
	bool guard = s[0] == '=' || s[0] == '@' || s[0] == '\t' || s[0] == '\r' ||
	             ((s[0] == '+' || s[0] == '-') && !(s[1] >= '0' && s[1] <= '9'));
	bool quote = guard || strpbrk(s, ",\"\r\n") != NULL;
	if (quote) idt__buf_putc(b, '"');
	if (guard) idt__buf_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"') idt__buf_putc(b, '"');
		idt__buf_putc(b, *p);
	}
	if (quote) idt__buf_putc(b, '"');
}

static void row(idt_buf *b, const char *const v[NCOL])
{
	for (size_t i = 0; i < NCOL; i++) cell(b, v[i], i == 0);
	idt__buf_puts(b, "\r\n");
}

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* "a;b;c" of a string array, into buf (truncated at its size). */
static const char *joined(json_t *arr, char *buf, size_t n)
{
	size_t o = 0, i;
	json_t *x;
	buf[0] = 0;
	json_array_foreach(arr, i, x)
	{
		const char *s = json_string_value(x);
		if (!s) continue;
		int k = snprintf(buf + o, n - o, "%s%s", o ? ";" : "", s);
		if (k < 0 || (size_t)k >= n - o) break;
		o += (size_t)k;
	}
	return buf;
}

static const char *substances(json_t *arr, char *buf, size_t n)
{
	size_t o = 0, i;
	json_t *x;
	buf[0] = 0;
	json_array_foreach(arr, i, x)
	{
		char q[64] = "";
		json_t *qty = json_object_get(x, "quantity");
		if (json_is_number(qty))
			snprintf(q, sizeof q, " %g%s%s", json_number_value(qty),
			         js(x, "unit") ? " " : "", js(x, "unit") ? js(x, "unit") : "");
		int k = snprintf(buf + o, n - o, "%s%s%s", o ? ";" : "",
		                 js(x, "id") ? js(x, "id") : "", q);
		if (k < 0 || (size_t)k >= n - o) break;
		o += (size_t)k;
	}
	return buf;
}

char *idt__export_csv(json_t *incidents, size_t *len)
{
	idt_buf b = {.cap_limit = CSV_CAP};
	row(&b, columns);
	size_t i;
	json_t *inc;
	json_array_foreach(incidents, i, inc)
	{
		char id[32], org[400], ctry[3][200], subs[4000];
		snprintf(id, sizeof id, "%lld",
		         (long long)json_integer_value(json_object_get(inc, "id")));
		snprintf(org, sizeof org, "%s",
		         js(json_object_get(inc, "org"), "name")
		             ? js(json_object_get(inc, "org"), "name")
		             : "");
		const char *v[NCOL] = {
		    "incident",
		    id,
		    js(inc, "title"),
		    js(inc, "type"),
		    js(inc, "status"),
		    js(inc, "occurred_on"),
		    js(inc, "reported_on"),
		    org,
		    js(inc, "tlp"),
		    js(inc, "distribution"),
		    joined(json_object_get(inc, "origin"), ctry[0], sizeof ctry[0]),
		    joined(json_object_get(inc, "transit"), ctry[1], sizeof ctry[1]),
		    joined(json_object_get(inc, "destination"), ctry[2], sizeof ctry[2]),
		    js(inc, "transport_mode"),
		    substances(json_object_get(inc, "substances"), subs, sizeof subs),
		    NULL,
		    NULL,
		    NULL,
		    js(inc, "created_at"),
		    js(inc, "updated_at")};
		row(&b, v);
		size_t k;
		json_t *o;
		json_array_foreach(json_object_get(inc, "observables"), k, o)
		{
			const char *w[NCOL] = {"observable"};
			w[1] = id;
			w[15] = js(o, "type"), w[16] = js(o, "value"), w[17] = js(o, "raw");
			row(&b, w);
		}
	}
	if (idt__buf_putc(&b, 0) != IDT_OK) {
		idt__buf_free(&b);
		return NULL;
	}
	*len = b.len - 1;
	return b.data;
}
