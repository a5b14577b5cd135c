/*
 * hit.h - the triage queue's filter keys, shared by the SQLite and PostgreSQL backends.
 *
 * GET /api/v1/hits filters by what a hit's verdict and sources say (a category, a substance,
 * a class, a source).  Those live inside the stored JSON, which no query reads; instead every
 * submission writes one row per key into hit_keys (org_id, kind, value, hit_id), primary key
 * in that order, so that a filter is an index probe and the same SQL serves both backends:
 *
 *   kind        value                                   from
 *   category    a verdict category ("offer", ...)       verdict.categories[]
 *   substance   a knowledge-base id                     verdict.substances[].id
 *   class       a substance class                       verdict.substances[].class
 *   source      a platform, and a URL's host (lower     every source the hit was submitted
 *               case, no port or user info)             with: source.platform, source.url
 *
 * Values longer than IDT__HIT_KEY_MAX bytes, empty or with control characters are not keys.
 * A merge (the same content submitted again) adds the keys of its new source.  Migration 6 of
 * both backends fills the keys of the hits stored before, with the same function.
 */
#ifndef IDT_STORE_HIT_H
#define IDT_STORE_HIT_H

#include <jansson.h>
#include "interdict/status.h"

#define IDT__HIT_KEY_MAX    200 /* bytes of a key value */
#define IDT__HIT_FACETS_MAX 500 /* values listed per kind in "facets" */

/* Appends to keys (an array) one [kind, value] array per key of a hit: of its verdict (the
 * stored hit document; categories and substances) when verdict is non-NULL, and of each source
 * in sources (an array of source objects, or one source object; may be NULL).  Duplicates are
 * left to the INSERT (primary key).  IDT_ENOMEM if the array cannot grow. */
idt_status idt__hit_keys(json_t *verdict, json_t *sources, json_t *keys);

/* Adds a summed row of facets (kind, value, n) to facets, an object {kind: [{value, n}]} with
 * at most IDT__HIT_FACETS_MAX values per kind (rows beyond are dropped). */
idt_status idt__hit_facet_add(json_t *facets, const char *kind, const char *value, int64_t n);

#endif
