/*
 * takedown.h - takedown tracking (issue 10) shared by the SQLite and PostgreSQL backends: the
 * columns both select, the shaping of a stored row into the API's takedown object, the audit
 * detail of a change, and the time-to-takedown aggregates of GET /stats.  Backend-independent:
 * the backends run the access-controlled queries and hand the rows in here.
 *
 * A takedown is a listing (URL) of an incident reported to a platform: which platform, its
 * reference, when it was reported, and, once the watch (or an analyst) saw it gone, when and
 * how.  Times are stored as unix seconds and shown as RFC 3339 UTC strings.
 */
#ifndef IDT_STORE_TAKEDOWN_H
#define IDT_STORE_TAKEDOWN_H

#include <stdint.h>
#include <jansson.h>
#include "interdict/status.h"

#define IDT__TAKEDOWN_LIST_MAX  5000   /* takedowns returned by one list call */
#define IDT__TAKEDOWN_STATS_MAX 100000 /* takedowns aggregated by one stats call */
#define IDT__TAKEDOWN_DAY       86400  /* seconds: the "within 24 h" share */

/* The columns every backend selects for a takedown row, with aliases t (takedowns),
 * i (incidents) and u (users, LEFT JOINed on t.created_by). */
#define IDT__TAKEDOWN_COLS                                                                         \
	"t.id, t.incident_id, t.url, t.platform, t.reference, t.reported_at, t.gone_at, t.how,"    \
	" t.last_check, t.checks, u.username AS created_by, t.created_at, i.org_id"

/* Turns a row of IDT__TAKEDOWN_COLS (times as integers) into the API object in place: times as
 * RFC 3339 strings (null while unset), "seconds_to_takedown" (gone_at - reported_at, or null),
 * "editable" (the reader's organisation owns the incident); org_id removed.  Returns row. */
json_t *idt__takedown_shape(json_t *row, int64_t reader_org);
/* The same for every row of an array; returns rows. */
json_t *idt__takedown_shape_all(json_t *rows, int64_t reader_org);

/* Whether an actor of organisation actor_org may change the takedowns of an incident it can
 * see or not (visible: 1 yes, 0 no, -1 the query failed) owned by owner_org: IDT_OK,
 * IDT_ENOTFOUND (not visible: never IDT_EDENIED, which would reveal it), IDT_EDENIED or
 * IDT_ESTORE. */
idt_status idt__takedown_access(int visible, int64_t owner_org, int64_t actor_org);

/* The audit detail of a change: a copy of the validated document with the incident's id
 * (a new reference; NULL on allocation failure). */
json_t *idt__takedown_detail(json_t *doc, int64_t incident_id);

/*
 * The aggregates of GET /stats "takedowns" from rows {platform, reported_at, gone_at} (unix
 * seconds, gone_at null while open) at time now:
 *   {reported, gone, open, median_seconds, within_24h, by_platform: [{platform, reported,
 *    gone, open, median_seconds}]}
 * median_seconds is the median of gone_at - reported_at over the listings gone (null if none);
 * within_24h the share (0..1) of listings taken down within 24 h of their report, among those
 * whose first 24 h are over or that are gone (null if none).  A new reference, or NULL.
 */
json_t *idt__takedown_stats(json_t *rows, int64_t now);

#endif
