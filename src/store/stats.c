/*
 * stats.c - the GET /api/v1/stats document shaped from the summed counter rows of either
 * backend (stats.h): which member a row goes to, the caps and the 24-month window of
 * by_month_class.  The queries, and the access control inside them, stay in the backends.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "stats.h"

idt_status idt__stats_init(idt__stats_acc *acc, int64_t now)
{
	memset(acc, 0, sizeof *acc);
	json_t **m[] = {&acc->by_type,        &acc->by_class, &acc->by_month,
	                &acc->by_month_class, &acc->subs,     &acc->origins,
	                &acc->destinations,   &acc->transits, &acc->routes};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
		*m[i] = json_array();
		if (!*m[i]) {
			idt__stats_clear(acc);
			return IDT_ENOMEM;
		}
	}
	/* the window: now's UTC month and the IDT__STATS_MONTHS - 1 before it */
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	int months = (tm.tm_year + 1900) * 12 + tm.tm_mon - (IDT__STATS_MONTHS - 1);
	if (months < 0) months = 0; /* a clock before year 0 */
	snprintf(acc->since, sizeof acc->since, "%04u-%02u", (unsigned)(months / 12) % 10000u,
	         (unsigned)(months % 12 + 1) % 100u);
	return IDT_OK;
}

/* A key "YYYY-MM rest": true with the rest at key + 8. */
static bool month_key(const char *key)
{
	return strlen(key) > 8 && key[4] == '-' && key[7] == ' ';
}

/* A key "AA BB" of two country codes, different from each other. */
static bool route_key(const char *key)
{
	return strlen(key) == 5 && key[2] == ' ' && memcmp(key, key + 3, 2) != 0;
}

/* Appends {k1: v1, [k2: v2,] n} to arr; v1 may be cut to len1 bytes (SIZE_MAX: whole). */
static idt_status append(json_t *arr, const char *k1, const char *v1, size_t len1, const char *k2,
                         const char *v2, int64_t n)
{
	json_t *o = json_object();
	if (!o) return IDT_ENOMEM;
	json_t *s1 = len1 == SIZE_MAX ? json_string(v1) : json_stringn(v1, len1);
	int bad = json_object_set_new(o, k1, s1);
	if (k2) bad |= json_object_set_new(o, k2, json_string(v2));
	bad |= json_object_set_new(o, "n", json_integer((json_int_t)n));
	if (bad) {
		json_decref(o);
		return IDT_ENOMEM;
	}
	return json_array_append_new(arr, o) == 0 ? IDT_OK : IDT_ENOMEM;
}

idt_status idt__stats_add(idt__stats_acc *acc, const char *dim, const char *key, int64_t n)
{
	if (!dim || !key || n <= 0) return IDT_OK;
	if (strcmp(dim, "type") == 0)
		return append(acc->by_type, "type", key, SIZE_MAX, NULL, NULL, n);
	if (strcmp(dim, "class") == 0)
		return append(acc->by_class, "class", key, SIZE_MAX, NULL, NULL, n);
	if (strcmp(dim, "month") == 0)
		return month_key(key) ? append(acc->by_month, "month", key, 7, "type", key + 8, n)
		                      : IDT_OK;
	if (strcmp(dim, "month_class") == 0)
		return month_key(key) && strncmp(key, acc->since, 7) >= 0
		           ? append(acc->by_month_class, "month", key, 7, "class", key + 8, n)
		           : IDT_OK;
	if (strcmp(dim, "substance") == 0)
		return json_array_size(acc->subs) < IDT__STATS_TOP_SUBSTANCES
		           ? append(acc->subs, "id", key, SIZE_MAX, NULL, NULL, n)
		           : IDT_OK;
	if (strcmp(dim, "origin") == 0)
		return append(acc->origins, "country", key, SIZE_MAX, NULL, NULL, n);
	if (strcmp(dim, "destination") == 0)
		return append(acc->destinations, "country", key, SIZE_MAX, NULL, NULL, n);
	if (strcmp(dim, "transit") == 0)
		return append(acc->transits, "country", key, SIZE_MAX, NULL, NULL, n);
	if (strcmp(dim, "route") == 0)
		return route_key(key) && json_array_size(acc->routes) < IDT__STATS_ROUTES
		           ? append(acc->routes, "origin", key, 2, "destination", key + 3, n)
		           : IDT_OK;
	return IDT_OK;
}

idt_status idt__stats_finish(idt__stats_acc *acc, json_t *hits_per_day, int64_t triage_queue,
                             json_t **out)
{
	*out = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}", "by_type", acc->by_type,
	                 "by_class", acc->by_class, "by_month", acc->by_month, "by_month_class",
	                 acc->by_month_class, "top_substances", acc->subs, "origins", acc->origins,
	                 "destinations", acc->destinations, "transits", acc->transits, "routes",
	                 acc->routes, "hits_per_day", hits_per_day, "triage_queue",
	                 (json_int_t)triage_queue);
	/* json_pack's "o" steals every reference, on failure too */
	memset(acc, 0, sizeof *acc);
	return *out ? IDT_OK : IDT_ENOMEM;
}

void idt__stats_clear(idt__stats_acc *acc)
{
	json_decref(acc->by_type), json_decref(acc->by_class), json_decref(acc->by_month);
	json_decref(acc->by_month_class), json_decref(acc->subs), json_decref(acc->origins);
	json_decref(acc->destinations), json_decref(acc->transits), json_decref(acc->routes);
	memset(acc, 0, sizeof *acc);
}
