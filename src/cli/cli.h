/*
 * cli.h - what the `interdict` program's commands share: the command table entry type, option
 * parsing helpers and message output.  Each command lives in its own cmd_*.c and uses only the
 * public API in <interdict.h>.
 */
#ifndef IDT_CLI_H
#define IDT_CLI_H

#include <stdio.h>
#include <interdict.h>

/* Exit codes of every command (documented in docs/cli.md and `interdict --help`). */
enum {
	IDT_EXIT_OK = 0, /* success; for scan: input read, nothing flagged or flags not asked */
	IDT_EXIT_FLAGGED = 1, /* scan --fail-on-flag: at least one record was flagged */
	IDT_EXIT_USAGE = 2,   /* bad command line */
	IDT_EXIT_INPUT = 3,   /* some input was malformed (reported and skipped; the rest done) */
	IDT_EXIT_FAILURE = 4  /* could not run: unreadable file, knowledge base error, no memory */
};

typedef struct idt_cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
} idt_cli_command;

int idt_cmd_scan(int argc, char **argv);
int idt_cmd_kb(int argc, char **argv);
int idt_cmd_serve(int argc, char **argv);
int idt_cmd_admin(int argc, char **argv);
int idt_cmd_worker(int argc, char **argv);
int idt_cmd_collect(int argc, char **argv);
int idt_cmd_watch(int argc, char **argv);
int idt_cmd_evidence(int argc, char **argv);

/* Prints "interdict: " + message to standard error. */
void idt_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Loads the bundled knowledge base (or, with kb_dir, the files there instead) plus every
 * --kb-extra path.  Prints problems; NULL if nothing usable could be loaded. */
idt_kb *idt_cli_load_kb(const char *const *extra, size_t nextra, const char *kb_dir);

/* What every scanning command needs: the knowledge base (bundled, or kb_dir's files, plus
 * --kb-extra paths), the fold tables and the compiled scanner (its database cached in the
 * default cache directory when use_cache; scan_flags: IDT_SCAN_* options).  Problems are printed;
 * 0, or -1 with nothing left to free.  idt_cli_engine_close() frees all three (a zeroed engine is
 * fine). */
typedef struct idt_cli_engine {
	idt_kb *kb;
	idt_folder *folder;
	idt_scanner *sc;
} idt_cli_engine;
int idt_cli_engine_open(idt_cli_engine *e, const char *const *extra, size_t nextra,
                        const char *kb_dir, int use_cache, unsigned scan_flags);
void idt_cli_engine_close(idt_cli_engine *e);

/* The default cache directory ($XDG_CACHE_HOME/interdict or ~/.cache/interdict) into buf;
 * NULL if neither variable is set. */
const char *idt_cli_cache_dir(char *buf, size_t n);

/* The server's triage queue, as a client (submit.c). */
typedef struct idt_submitter idt_submitter;

/* A submitter for the server at base URL with an API token; NULL on failure. */
idt_submitter *idt_submitter_new(const char *base, const char *token);
void idt_submitter_free(idt_submitter *s); /* NULL allowed */
/* Hits accepted so far. */
size_t idt_submitter_count(const idt_submitter *s);
/* Posts n verdicts stored back to back in hits (verdict i ends at end[i]).  0, or -1 when some
 * request failed (reported on standard error). */
int idt_submit_hits(idt_submitter *s, const char *hits, const size_t *end, size_t n);

/* A growable string for output (the program's own; the library's is internal). */
typedef struct idt_sb {
	char *p;
	size_t len, cap;
} idt_sb;

int idt_sb_put(idt_sb *b, const char *s, size_t n); /* 0, or -1 out of memory */
int idt_sb_puts(idt_sb *b, const char *s);
int idt_sb_printf(idt_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int idt_sb_json(idt_sb *b, const char *s, size_t n); /* a JSON string literal */
void idt_sb_free(idt_sb *b);

/* Appends the --explain rendering of a verdict to o (colour: ANSI escapes, else [[...]] and
 * {{...}} marks).  0, or -1 out of memory. */
int idt_cli_explain(idt_sb *o, const idt_kb *kb, const idt_result *res, const idt_field *f,
                    size_t nf, const char *id, size_t idlen, int color);

/* Appends "source":{file, line, offset, url, ...} (JSON object member) for a record. */
int idt_cli_provenance_json(idt_sb *b, const idt_provenance *pv);

#endif
