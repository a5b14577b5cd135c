/*
 * stats.h - the document of GET /api/v1/stats shaped once for both backends.  The backends
 * sum their counters over the visibility keys the reader may see (SQLite: incident_stats,
 * class_stats, dim_stats kept by triggers; PostgreSQL: incident_counts kept by count_keys) and
 * hand each (dimension, key, count) row in here; this file sorts the rows into the members of
 * the document, applies the caps and the 24-month window, and builds the object.
 *
 * Dimensions and their keys (docs/data-model.md, "Statistics"):
 *
 *   dim            key                      member
 *   type           incident type            by_type        [{type, n}]
 *   class          substance class          by_class       [{class, n}]
 *   month          "YYYY-MM type"           by_month       [{month, type, n}]
 *   month_class    "YYYY-MM class"          by_month_class [{month, class, n}]  last 24 months
 *   substance      knowledge-base id        top_substances [{id, n}]            first 20
 *   origin         country                  origins        [{country, n}]
 *   destination    country                  destinations   [{country, n}]
 *   transit        country                  transits       [{country, n}]
 *   route          "FROM TO" (two alpha-2)  routes         [{origin, destination, n}]
 *                                                           first 200, FROM <> TO
 *
 * Every count is a number of distinct incidents.  Rows must arrive ordered by dimension, then
 * by key for type, class, month and month_class, and by count (descending) then key for the
 * others, which is the order the caps keep.  Rows with n <= 0 must be left out by the query.
 */
#ifndef IDT_STORE_STATS_H
#define IDT_STORE_STATS_H

#include <stdint.h>
#include <jansson.h>
#include "interdict/status.h"

#define IDT__STATS_TOP_SUBSTANCES 20  /* top_substances: the most frequent substances */
#define IDT__STATS_ROUTES         200 /* routes: the most frequent origin-destination pairs */
#define IDT__STATS_MONTHS         24  /* by_month_class: this month and the 23 before it */

/* The members being filled; every pointer is owned by the accumulator until
 * idt__stats_finish hands them over (or idt__stats_clear drops them). */
typedef struct idt__stats_acc {
	json_t *by_type, *by_class, *by_month, *by_month_class, *subs, *origins, *destinations,
	    *transits, *routes;
	char since[8]; /* "YYYY-MM": the first month by_month_class keeps (NUL-terminated) */
} idt__stats_acc;

/* Prepares the members for a reader at unix time now (the 24-month window ends in now's UTC
 * month).  IDT_ENOMEM (and nothing to clear) if an array cannot be allocated. */
idt_status idt__stats_init(idt__stats_acc *acc, int64_t now);

/* Adds one summed counter row; unknown dimensions and malformed keys are ignored.  Returns
 * IDT_ENOMEM if the row could not be stored. */
idt_status idt__stats_add(idt__stats_acc *acc, const char *dim, const char *key, int64_t n);

/* Builds the document with the organisation's own hits_per_day (an array; the reference is
 * taken over, even on failure) and triage_queue; the accumulator is emptied either way.
 * *out is a new reference, NULL on IDT_ENOMEM. */
idt_status idt__stats_finish(idt__stats_acc *acc, json_t *hits_per_day, int64_t triage_queue,
                             json_t **out);

/* Drops whatever the accumulator holds (safe after finish, and twice). */
void idt__stats_clear(idt__stats_acc *acc);

#endif
