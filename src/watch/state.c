/*
 * state.c - the watch's own state, an SQLite database (WAL) beside the WARC files.
 *
 *   table        one row per                 columns
 *   ------------ --------------------------- -----------------------------------------------
 *   pages        URL last fetched            url, source, content_hash (SHA-256 of the
 *                                            extracted text), flagged, last_fetch, status
 *   captures     fetch                       url, source, fetched_at, status, record_id,
 *                                            warc_file, warc_offset, payload_sha256, flagged
 *   warc_files   finished WARC file          name, path, sha256, size, finished_at
 *   pharmacy     assessed site               site, source, assessed_at, score, verdict,
 *                                            reasons (JSON array)
 *   sources      watch-list source           name, last_run (epoch seconds)
 *   takedowns    listing reported            url, platform, reference, reported_at,
 *                to a platform               last_check, checks, gone_at, gone_how
 *   events       operator decision           at, kind (robots-override, ...), detail
 *
 * Times are ISO 8601 UTC text.  Every write is its own statement (autocommit); the database
 * is opened with a busy timeout so `report-takedown` can run beside a running watch.
 */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "watch/watch.h"

struct idt_wstate {
	sqlite3 *db;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS pages(url TEXT PRIMARY KEY, source TEXT, content_hash TEXT,"
    " flagged INTEGER, last_fetch TEXT, status INTEGER);"
    "CREATE TABLE IF NOT EXISTS captures(id INTEGER PRIMARY KEY, url TEXT NOT NULL,"
    " source TEXT, fetched_at TEXT NOT NULL, status INTEGER, record_id TEXT, warc_file TEXT,"
    " warc_offset INTEGER, payload_sha256 TEXT, flagged INTEGER);"
    "CREATE INDEX IF NOT EXISTS captures_url ON captures(url);"
    "CREATE TABLE IF NOT EXISTS warc_files(name TEXT PRIMARY KEY, path TEXT, sha256 TEXT"
    " NOT NULL, size INTEGER, finished_at TEXT);"
    "CREATE TABLE IF NOT EXISTS pharmacy(site TEXT PRIMARY KEY, source TEXT, assessed_at"
    " TEXT, score REAL, verdict TEXT, reasons TEXT);"
    "CREATE TABLE IF NOT EXISTS sources(name TEXT PRIMARY KEY, last_run INTEGER);"
    "CREATE TABLE IF NOT EXISTS takedowns(url TEXT PRIMARY KEY, platform TEXT NOT NULL,"
    " reference TEXT NOT NULL, reported_at TEXT NOT NULL, last_check TEXT, checks INTEGER"
    " DEFAULT 0, gone_at TEXT, gone_how TEXT);"
    "CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, at TEXT, kind TEXT, detail"
    " TEXT);";

idt_status idt_wstate_open(const char *path, idt_wstate **out)
{
	*out = NULL;
	idt_wstate *s = calloc(1, sizeof *s);
	if (!s) return IDT_ENOMEM;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	        SQLITE_OK ||
	    sqlite3_busy_timeout(s->db, 10000) != SQLITE_OK ||
	    sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		idt_wstate_close(s);
		return IDT_ESTORE;
	}
	*out = s;
	return IDT_OK;
}

void idt_wstate_close(idt_wstate *s)
{
	if (!s) return;
	sqlite3_close(s->db);
	free(s);
}

void *idt_wstate_db(idt_wstate *s)
{
	return s->db;
}

/* Runs sql with text parameters (NULL binds NULL; "#123" binds an integer); 0 or -1. */
static idt_status run(idt_wstate *s, const char *sql, int n, const char *const *v)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return IDT_ESTORE;
	for (int i = 0; i < n; i++) {
		if (!v[i])
			sqlite3_bind_null(st, i + 1);
		else if (v[i][0] == '#')
			sqlite3_bind_int64(st, i + 1, strtoll(v[i] + 1, NULL, 10));
		else
			sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_TRANSIENT);
	}
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? IDT_OK : IDT_ESTORE;
}

static const char *num(char *buf, int64_t v)
{
	snprintf(buf, 24, "#%lld", (long long)v);
	return buf;
}

idt_status idt_wstate_page_hash(idt_wstate *s, const char *url, char hash[65])
{
	hash[0] = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT content_hash FROM pages WHERE url = ?", -1, &st,
	                       NULL) != SQLITE_OK)
		return IDT_ESTORE;
	sqlite3_bind_text(st, 1, url, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return IDT_OK;
}

idt_status idt_wstate_page_set(idt_wstate *s, const char *url, const char *source, const char *hash,
                               int flagged, const char *at, long status)
{
	char a[24], b[24];
	const char *v[] = {url, source, hash, num(a, flagged), at, num(b, status)};
	return run(s,
	           "INSERT INTO pages VALUES (?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET"
	           " source = excluded.source, content_hash = excluded.content_hash,"
	           " flagged = excluded.flagged, last_fetch = excluded.last_fetch,"
	           " status = excluded.status",
	           6, v);
}

idt_status idt_wstate_page_forget(idt_wstate *s, const char *url)
{
	const char *v[] = {url};
	return run(s, "UPDATE pages SET content_hash = NULL WHERE url = ?", 1, v);
}

idt_status idt_wstate_capture(idt_wstate *s, const char *url, const char *source, const char *at,
                              long status, const idt_warc_loc *loc, int flagged)
{
	char a[24], b[24], c[24];
	const char *v[] = {url,
	                   source,
	                   at,
	                   num(a, status),
	                   loc->record_id,
	                   loc->file,
	                   num(b, (int64_t)loc->offset),
	                   loc->payload_sha256,
	                   num(c, flagged)};
	return run(s,
	           "INSERT INTO captures(url, source, fetched_at, status, record_id, warc_file,"
	           " warc_offset, payload_sha256, flagged) VALUES (?,?,?,?,?,?,?,?,?)",
	           9, v);
}

idt_status idt_wstate_warc_file(idt_wstate *s, const char *path, const char *sha256, uint64_t size)
{
	char a[24], at[32];
	idt_watch_now(at);
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	const char *v[] = {name, path, sha256, num(a, (int64_t)size), at};
	return run(s, "INSERT OR REPLACE INTO warc_files VALUES (?,?,?,?,?)", 5, v);
}

idt_status idt_wstate_warc_sha256(idt_wstate *s, const char *name, char hash[65])
{
	hash[0] = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT sha256 FROM warc_files WHERE name = ?", -1, &st,
	                       NULL) != SQLITE_OK)
		return IDT_ESTORE;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	idt_status r = IDT_ENOTFOUND;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(st, 0));
		r = IDT_OK;
	}
	sqlite3_finalize(st);
	return r;
}

idt_status idt_wstate_pharmacy_set(idt_wstate *s, const char *site, const char *source,
                                   const char *at, double score, const char *verdict,
                                   const char *reasons_json)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO pharmacy VALUES (?,?,?,?,?,?)", -1,
	                       &st, NULL) != SQLITE_OK)
		return IDT_ESTORE;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 4, score);
	sqlite3_bind_text(st, 5, verdict, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, reasons_json, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? IDT_OK : IDT_ESTORE;
}

idt_status idt_wstate_source_ran(idt_wstate *s, const char *name, int64_t at)
{
	char a[24];
	const char *v[] = {name, num(a, at)};
	return run(s, "INSERT OR REPLACE INTO sources VALUES (?,?)", 2, v);
}

int64_t idt_wstate_source_last(idt_wstate *s, const char *name)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT last_run FROM sources WHERE name = ?", -1, &st,
	                       NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int64_t r = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return r;
}

idt_status idt_wstate_event(idt_wstate *s, const char *kind, const char *detail)
{
	char at[32];
	idt_watch_now(at);
	const char *v[] = {at, kind, detail};
	return run(s, "INSERT INTO events(at, kind, detail) VALUES (?,?,?)", 3, v);
}

idt_status idt_wstate_takedown_report(idt_wstate *s, const char *url, const char *platform,
                                      const char *reference, const char *at)
{
	const char *v[] = {url, platform, reference, at};
	return run(s,
	           "INSERT INTO takedowns(url, platform, reference, reported_at) VALUES (?,?,?,?)"
	           " ON CONFLICT(url) DO UPDATE SET platform = excluded.platform,"
	           " reference = excluded.reference, reported_at = excluded.reported_at,"
	           " gone_at = NULL, gone_how = NULL",
	           4, v);
}

idt_status idt_wstate_takedown_gone(idt_wstate *s, const char *url, const char *at, const char *how)
{
	const char *v[] = {at, how, at, url};
	return run(s,
	           "UPDATE takedowns SET gone_at = CASE WHEN ?2 IS NULL THEN gone_at ELSE ?1 END,"
	           " gone_how = COALESCE(?2, gone_how), last_check = ?3, checks = checks + 1"
	           " WHERE url = ?4",
	           4, v);
}
