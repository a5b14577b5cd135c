/*
 * main.c - the `interdict` program: global options and dispatch to the subcommands (cmd_*.c).
 * Every command uses only the public API in <interdict.h>.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const idt_cli_command commands[] = {
    {"scan", "find controlled substances and trafficking signals in text", idt_cmd_scan},
    {"kb", "inspect and check the substance knowledge base (lint, stats, lookup)", idt_cmd_kb},
    /* server commands: one line each */
    {"serve", "run the incident communication server (JSON API, web app)", idt_cmd_serve},
    {"admin", "administer a server database: organisations, users, tokens, audit", idt_cmd_admin},
    {"worker", "scan records from a NATS JetStream work queue (distributed scanning)",
     idt_cmd_worker},
    {"collect", "print the verdicts stored on a NATS JetStream results subject", idt_cmd_collect},
    {"watch", "crawl monitored sources politely, preserve WARC evidence, track takedowns",
     idt_cmd_watch},
    {"evidence", "verify, bundle and attach preserved WARC evidence", idt_cmd_evidence},
};

static const char usage_text[] =
    "usage: interdict [--version] [--help] COMMAND [ARGS]\n"
    "\n"
    "Interdict finds drug trafficking in online text and helps agencies act on it together.\n"
    "\n"
    "Commands:\n";

static const char usage_tail[] =
    "\n"
    "Run 'interdict COMMAND --help' for a command's options.\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  scan --fail-on-flag: at least one record was flagged\n"
    "  2  usage error\n"
    "  3  some input records were malformed (each reported on standard error; the rest done)\n"
    "  4  failure: unreadable input, knowledge-base error, out of memory\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs(usage_tail, f);
}

void idt_cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("interdict: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return IDT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("interdict %s\n", idt_version());
		return IDT_EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return IDT_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	idt_cli_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return IDT_EXIT_USAGE;
}
