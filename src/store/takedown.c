/*
 * takedown.c - takedown tracking shared by the SQLite and PostgreSQL backends (takedown.h): the
 * API shape of a stored takedown, the audit detail of a change and the time-to-takedown
 * aggregates.
 */
#include <stdlib.h>
#include <string.h>
#include "store.h"
#include "takedown.h"

/* ---------------------------------------------------------------- one takedown */

static void iso_or_null(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v)) {
		json_object_set_new(o, k, json_null());
		return;
	}
	char t[32];
	idt__time_iso(json_integer_value(v), t);
	json_object_set_new(o, k, json_string(t));
}

json_t *idt__takedown_shape(json_t *row, int64_t reader_org)
{
	json_t *rep = json_object_get(row, "reported_at"), *gone = json_object_get(row, "gone_at");
	if (json_is_integer(rep) && json_is_integer(gone))
		json_object_set_new(
		    row, "seconds_to_takedown",
		    json_integer(json_integer_value(gone) - json_integer_value(rep)));
	else
		json_object_set_new(row, "seconds_to_takedown", json_null());
	static const char *const times[] = {"reported_at", "gone_at", "last_check", "created_at"};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) iso_or_null(row, times[i]);
	json_object_set_new(
	    row, "editable",
	    json_boolean(json_integer_value(json_object_get(row, "org_id")) == reader_org));
	json_object_del(row, "org_id");
	return row;
}

json_t *idt__takedown_shape_all(json_t *rows, int64_t reader_org)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) idt__takedown_shape(r, reader_org);
	return rows;
}

idt_status idt__takedown_access(int visible, int64_t owner_org, int64_t actor_org)
{
	if (visible < 0) return IDT_ESTORE;
	if (visible == 0) return IDT_ENOTFOUND;
	return owner_org == actor_org ? IDT_OK : IDT_EDENIED;
}

json_t *idt__takedown_detail(json_t *doc, int64_t incident_id)
{
	json_t *d = doc ? json_deep_copy(doc) : json_object();
	if (d) json_object_set_new(d, "incident_id", json_integer(incident_id));
	return d;
}

/* ---------------------------------------------------------------- aggregates */

/* Durations of one group (all, or one platform), and its counts. */
typedef struct group {
	const char *platform; /* borrowed from the rows; NULL: all */
	int64_t *d;           /* seconds to takedown of the listings gone */
	size_t nd, reported, in_day, decided;
} group;

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The median of g's durations (sorts them); null if none. */
static json_t *median(group *g)
{
	if (!g->nd) return json_null();
	qsort(g->d, g->nd, sizeof *g->d, cmp_i64);
	size_t m = g->nd / 2;
	if (g->nd % 2) return json_integer(g->d[m]);
	int64_t a = g->d[m - 1], b = g->d[m];
	/* the mean of the middle two; whole seconds when it is whole */
	return (a + b) % 2 ? json_real(((double)a + (double)b) / 2) : json_integer((a + b) / 2);
}

static json_t *share(size_t k, size_t n)
{
	return n ? json_real((double)k / (double)n) : json_null();
}

/* Adds one listing to g (whose d has room for every listing of the group gone). */
static void add(group *g, int64_t rep, const json_t *gone, int64_t now)
{
	g->reported++;
	if (json_is_integer(gone)) {
		int64_t s = json_integer_value(gone) - rep;
		g->d[g->nd++] = s;
		g->decided++;
		if (s <= IDT__TAKEDOWN_DAY) g->in_day++;
	} else if (now - rep > IDT__TAKEDOWN_DAY) {
		g->decided++; /* still online a day after its report */
	}
}

json_t *idt__takedown_stats(json_t *rows, int64_t now)
{
	size_t n = json_array_size(rows);
	/* one duration array for all, one per platform (the platforms' slices follow) */
	int64_t *all = calloc(n ? n : 1, sizeof *all), *per = calloc(n ? n : 1, sizeof *per);
	group *gs = calloc(n ? n : 1, sizeof *gs);
	size_t ng = 0;
	json_t *out = NULL;
	if (!all || !per || !gs) goto done;
	group tot = {.d = all};
	/* pass 1: platforms and their counts of listings gone, to cut `per` into slices */
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		const char *p = json_string_value(json_object_get(r, "platform"));
		if (!p) continue;
		size_t k = 0;
		while (k < ng && strcmp(gs[k].platform, p)) k++;
		if (k == ng) gs[ng++].platform = p;
		if (json_is_integer(json_object_get(r, "gone_at"))) gs[k].decided++;
	}
	size_t off = 0;
	for (size_t k = 0; k < ng; k++) {
		gs[k].d = per + off;
		off += gs[k].decided;
		gs[k].decided = 0;
	}
	/* pass 2: durations and shares */
	json_array_foreach(rows, i, r)
	{
		const char *p = json_string_value(json_object_get(r, "platform"));
		json_t *rep = json_object_get(r, "reported_at"),
		       *gone = json_object_get(r, "gone_at");
		if (!p || !json_is_integer(rep)) continue;
		size_t k = 0;
		while (k < ng && strcmp(gs[k].platform, p)) k++;
		add(&tot, json_integer_value(rep), gone, now);
		add(&gs[k], json_integer_value(rep), gone, now);
	}
	json_t *plats = json_array();
	for (size_t k = 0; plats && k < ng; k++)
		json_array_append_new(
		    plats,
		    json_pack("{s:s,s:I,s:I,s:I,s:o,s:o}", "platform", gs[k].platform, "reported",
		              (json_int_t)gs[k].reported, "gone", (json_int_t)gs[k].nd, "open",
		              (json_int_t)(gs[k].reported - gs[k].nd), "median_seconds",
		              median(&gs[k]), "within_24h", share(gs[k].in_day, gs[k].decided)));
	out = json_pack("{s:I,s:I,s:I,s:o,s:o,s:o}", "reported", (json_int_t)tot.reported, "gone",
	                (json_int_t)tot.nd, "open", (json_int_t)(tot.reported - tot.nd),
	                "median_seconds", median(&tot), "within_24h",
	                share(tot.in_day, tot.decided), "by_platform", plats);
done:
	free(all), free(per), free(gs);
	return out;
}
