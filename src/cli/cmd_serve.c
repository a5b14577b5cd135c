/*
 * cmd_serve.c - `interdict serve`: opens (creating and migrating) the database, optionally
 * loads the bundled demo data set, starts the HTTP server (src/server) and runs until SIGINT or
 * SIGTERM, then stops accepting, lets requests in flight finish and closes the database.
 * Unlike the other commands it uses the server's internal headers: it is the server's front.
 */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "server/server.h"

static const char help[] =
    "usage: interdict serve [OPTIONS]\n"
    "\n"
    "Runs the incident communication server: a JSON API under /api/v1 (docs/api.md) and the\n"
    "web application's static files.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URL      SQLite database file, or a postgresql:// URL (created and\n"
    "                         migrated if needed; default ./interdict.db; with --demo and\n"
    "                         no --db, a fresh temporary SQLite database)\n"
    "      --listen HOST:PORT address to listen on (default 127.0.0.1:8080; port 0 picks a\n"
    "                         free port, printed on start)\n"
    "      --data-dir DIR     where attachments are stored (default: DB path + \".data\";\n"
    "                         ./interdict.data for a PostgreSQL URL)\n"
    "      --web-root DIR     static files to serve (default: the bundled web/dist if\n"
    "                         present)\n"
    "      --demo             load the bundled demo data set into a fresh database and\n"
    "                         print the demo logins\n"
    "      --threads N        HTTP worker threads (default 4)\n"
    "      --secure-cookies   mark the session cookie Secure (when served behind TLS)\n"
    "      --base-url URL     external URL used in feeds (default http://HOST:PORT)\n"
    "      --webhook-allow PREFIXES\n"
    "                         comma-separated URL prefixes alert webhooks may be sent to\n"
    "                         (default: none; subscriptions with other webhooks are refused)\n"
    "  -h, --help             this help\n"
    "\n"
    "Stop with Ctrl-C (SIGINT) or SIGTERM: requests in flight are finished first.\n";

typedef struct serve_opts {
	const char *db, *listen, *data_dir, *web_root, *base_url, *webhook_allow;
	int demo, threads, secure;
} serve_opts;

static int parse(int argc, char **argv, serve_opts *o)
{
	static const struct option lo[] = {{"db", required_argument, 0, 1},
	                                   {"listen", required_argument, 0, 2},
	                                   {"data-dir", required_argument, 0, 3},
	                                   {"web-root", required_argument, 0, 4},
	                                   {"demo", no_argument, 0, 5},
	                                   {"threads", required_argument, 0, 6},
	                                   {"secure-cookies", no_argument, 0, 7},
	                                   {"base-url", required_argument, 0, 8},
	                                   {"webhook-allow", required_argument, 0, 9},
	                                   {"help", no_argument, 0, 'h'},
	                                   {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 1: o->db = optarg; break;
		case 2: o->listen = optarg; break;
		case 3: o->data_dir = optarg; break;
		case 4: o->web_root = optarg; break;
		case 5: o->demo = 1; break;
		case 6:
			o->threads = atoi(optarg);
			if (o->threads < 1 || o->threads > 256) {
				idt_cli_error("--threads must be 1..256");
				return -1;
			}
			break;
		case 7: o->secure = 1; break;
		case 8: o->base_url = optarg; break;
		case 9: o->webhook_allow = optarg; break;
		case 'h': fputs(help, stdout); return 1;
		default: fputs(help, stderr); return -1;
		}
	}
	if (optind < argc) {
		idt_cli_error("serve takes no arguments ('%s')", argv[optind]);
		return -1;
	}
	return 0;
}

/* The bundled web/dist next to the program (build tree or installed share dir), if any. */
static const char *default_web_root(char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (l <= 0) return NULL;
	exe[l] = 0;
	char *slash = strrchr(exe, '/');
	if (!slash) return NULL;
	*slash = 0;
	static const char *const rel[] = {"/../../web/dist", "/../../../web/dist",
	                                  "/../share/interdict/web"};
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		struct stat sb;
		snprintf(buf, n, "%s%s", exe, rel[i]);
		if (stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode)) return buf;
	}
	return NULL;
}

static idt_scanner *demo_scanner(const idt_kb *kb, idt_folder **folder)
{
	idt_scanner *sc = NULL;
	idt_scanner_opts so = {0};
	char cache[4096];
	so.cache_dir = idt_cli_cache_dir(cache, sizeof cache);
	if (idt_folder_new(folder) != IDT_OK) return NULL;
	if (idt_scanner_new(kb, *folder, &so, &sc, NULL) != IDT_OK) return NULL;
	return sc;
}

static int load_demo(idt_store *st, const idt_kb *kb)
{
	json_t *orgs = NULL;
	if (st->ops->org_list(st, &orgs) != IDT_OK || json_array_size(orgs) != 0) {
		json_decref(orgs);
		idt_cli_error("--demo needs a fresh database (this one already has organisations)");
		return -1;
	}
	json_decref(orgs);
	idt_folder *folder = NULL;
	idt_scanner *sc = demo_scanner(kb, &folder);
	json_t *logins = NULL;
	const char *msg = NULL;
	idt_status s = idt__demo_load(st, kb, sc, &logins, &msg);
	idt_scanner_free(sc);
	idt_folder_free(folder);
	if (s != IDT_OK) {
		idt_cli_error("%s (%s)", msg ? msg : "cannot load the demo data",
		              idt_status_str(s));
		return -1;
	}
	printf("Demo data loaded. Logins (demo passwords, documented in docs/api.md):\n");
	size_t i;
	json_t *l;
	json_array_foreach(logins, i, l)
	{
		printf("  %-14s %-18s %-8s %s\n", json_string_value(json_object_get(l, "username")),
		       json_string_value(json_object_get(l, "password")),
		       json_string_value(json_object_get(l, "role")),
		       json_string_value(json_object_get(l, "org")));
	}
	json_decref(logins);
	return 0;
}

int idt_cmd_serve(int argc, char **argv)
{
	serve_opts o = {.listen = "127.0.0.1:8080"};
	int pr = parse(argc, argv, &o);
	if (pr) return pr > 0 ? IDT_EXIT_OK : IDT_EXIT_USAGE;
	char tmpdir[] = "/tmp/interdict-demo-XXXXXX", dbbuf[PATH_MAX], databuf[PATH_MAX + 8];
	if (!o.db && o.demo) {
		if (!mkdtemp(tmpdir)) {
			idt_cli_error("cannot create a temporary directory");
			return IDT_EXIT_FAILURE;
		}
		snprintf(dbbuf, sizeof dbbuf, "%s/interdict.db", tmpdir);
		o.db = dbbuf;
	}
	if (!o.db) o.db = "interdict.db";
	if (!o.data_dir &&
	    (strncmp(o.db, "postgresql:", 11) == 0 || strncmp(o.db, "postgres:", 9) == 0)) {
		/* A URL is no path to put files beside: attachments go to ./interdict.data, which
		 * every server of one database must share (docs/deployment.md). */
		o.data_dir = "interdict.data";
	} else if (!o.data_dir) {
		snprintf(databuf, sizeof databuf, "%s.data", o.db);
		o.data_dir = databuf;
	}
	char webbuf[PATH_MAX];
	if (!o.web_root) o.web_root = default_web_root(webbuf, sizeof webbuf);

	/* signals: blocked in every thread, taken synchronously by this one */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	idt_kb *kb = idt_cli_load_kb(NULL, 0, NULL);
	if (!kb) return IDT_EXIT_FAILURE;
	idt_store *st = NULL;
	const char *msg = NULL;
	if (idt__store_open(o.db, &st, &msg) != IDT_OK) {
		idt_cli_error("%s: %s", o.db, msg ? msg : "cannot open the database");
		idt_kb_free(kb);
		return IDT_EXIT_FAILURE;
	}
	if (o.demo && load_demo(st, kb) != 0) {
		idt__store_close(st);
		idt_kb_free(kb);
		return IDT_EXIT_FAILURE;
	}
	idt_server_opts so = {.listen = o.listen,
	                      .data_dir = o.data_dir,
	                      .web_root = o.web_root,
	                      .threads = (unsigned)o.threads,
	                      .secure_cookies = o.secure,
	                      .base_url = o.base_url,
	                      .webhook_allow = o.webhook_allow};
	idt_server *srv = NULL;
	if (idt__server_start(&so, st, kb, &srv, &msg) != IDT_OK) {
		idt_cli_error("%s: %s", o.listen, msg ? msg : "cannot start the server");
		idt__store_close(st);
		idt_kb_free(kb);
		return IDT_EXIT_FAILURE;
	}
	printf("Interdict server listening on %s/ (database %s)\n", srv->base_url, o.db);
	if (o.web_root) printf("Web application from %s\n", o.web_root);
	fflush(stdout);
	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "interdict: %s received, shutting down\n",
	        sig == SIGINT ? "SIGINT" : "SIGTERM");
	idt__server_stop(srv);
	idt__store_close(st);
	idt_kb_free(kb);
	return IDT_EXIT_OK;
}
