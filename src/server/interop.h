/*
 * interop.h - the exchange formats of the server (issue 8), shared by its files:
 *
 *   routes_interop.c  the export and import endpoints; collects the incidents to export through
 *                     the store's own access-checked queries (incident_get, incident_search),
 *                     deterministic UUIDv5 (SHA-1, RFC 9562 section 5.5)
 *   export_misp.c     incidents -> MISP core format events (draft-dulaunoy-misp-core-format)
 *   export_stix.c     incidents -> one STIX 2.1 bundle, and Interdict's extension definitions
 *   export_csv.c      incidents -> CSV (RFC 4180), one row per incident and per observable
 *   import.c          MISP events and STIX 2.1 bundles -> incident documents for creation
 *   openapi.c         GET /api/v1/openapi.json (the embedded data/openapi/interdict.json)
 *
 * docs/interop.md maps every Interdict field to every format.  Exporters take incident
 * documents as the store returns them (docs/api.md shapes; borrowed) and return new JSON the
 * caller owns.  Nothing here prints or touches the store except routes_interop.c and import.c.
 */
#ifndef IDT_INTEROP_H
#define IDT_INTEROP_H

#include <stdint.h>
#include <jansson.h>
#include "server.h"

/* The most incidents one export carries (search and sharing-group exports). */
#define IDT_EXPORT_MAX 1000
/* The most incidents one import may create (each is its own transaction; more is refused
 * before anything is created). */
#define IDT_IMPORT_MAX 1000
/* The most incidents a sharing-group export walks through to find the group's. */
#define IDT_EXPORT_SCAN_MAX 20000

/* Interdict's UUIDv5 namespace for the ids of exported objects. */
extern const uint8_t idt__ns_interdict[16];
/* The STIX 2.1 namespace for deterministic cyber-observable ids (STIX 2.1 section 2.9). */
extern const uint8_t idt__ns_stix_sco[16];

/* UUIDv5 of name[0..len) in namespace ns, as 36 lower-case characters + NUL. */
void idt__uuid5(const uint8_t ns[16], const char *name, size_t len, char out[37]);
/* UUIDv5 in Interdict's namespace of the printf-formatted name. */
void idt__uuid5f(char out[37], const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* RFC 3339 "YYYY-MM-DDTHH:MM:SSZ" -> unix seconds; 0 if it is not one. */
int64_t idt__iso_to_unix(const char *s);

/* Exporters.  `incidents` is an array of incident documents; `base` the server's external URL
 * (names the ids, so that two servers' incident 1 differ). */
/* groups: the caller's sharing groups (group_list), for the names of SharingGroup. */
json_t *idt__export_misp(const char *base, json_t *incidents, json_t *groups, bool single);
json_t *idt__export_stix(const char *base, json_t *incidents);
/* The CSV text, malloc'ed (caller frees), length in *len; NULL on out-of-memory. */
char *idt__export_csv(json_t *incidents, size_t *len);

/* The STIX type of Interdict's own extension definitions (for import and docs). */
#define IDT_STIX_EXT_INCIDENT "interdict-incident"

/*
 * Importers: turn a MISP document ({"Event": …}, {"response": [{"Event": …}, …]} or an array
 * of either) or a STIX 2.1 bundle into an array of incident request documents (the shape POST
 * /api/v1/incidents takes), appending to `unmapped` one {"where", "reason"} object per thing
 * that could not be mapped.  Observables are checked with the server's normaliser, so every
 * observable in the result is valid.  `kb` (may be NULL) checks substance ids.  Returns NULL
 * with *why set when the document is not of the format at all.
 */
json_t *idt__import_misp(json_t *doc, const idt_kb *kb, json_t *unmapped, const char **why);
json_t *idt__import_stix(json_t *doc, const idt_kb *kb, json_t *unmapped, const char **why);

/* The OpenAPI document (embedded JSON text) and its length. */
const char *idt__openapi_text(size_t *len);

#endif
