/*
 * cmd_admin.c - `interdict admin`: administration of a server database from the command line
 * (organisations, users, sharing groups, API tokens, the audit log), for the first admin user
 * and for scripts.  Works directly on the database through the storage interface; every change
 * is audited as user "cli".  Passwords are read from a file or standard input, never from the
 * command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "server/server.h"

static const char help[] =
    "usage: interdict admin [--db PATH] COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  create-org   --name NAME --country CC --kind KIND\n"
    "               KIND: government, international-body, platform, drug-checking-service\n"
    "  create-user  --org ORG --username NAME --role ROLE [--password-file FILE]\n"
    "               ROLE: admin, analyst, viewer; the password (10+ bytes) is the first line\n"
    "               of FILE, or of standard input\n"
    "  create-token --user NAME --name LABEL --scopes read[,write][,submit-hits]\n"
    "               prints the token once (only its hash is stored)\n"
    "  revoke-token --id ID\n"
    "  create-group --name NAME --owner ORG [--member ORG]...\n"
    "  add-member   --group ID --org ORG\n"
    "  list         orgs | users | groups | tokens\n"
    "  audit-verify verify the audit log's hash chain (exit 4 if broken)\n"
    "  audit-export write the audit log as JSON Lines to standard output\n"
    "\n"
    "ORG is an organisation's name or id.  --db (a SQLite file or a postgresql:// URL)\n"
    "defaults to ./interdict.db.\n";

typedef struct aopts {
	const char *db, *name, *country, *kind, *org, *username, *role, *pwfile, *user, *scopes,
	    *owner, *group, *id;
	const char *members[64];
	int nmembers;
} aopts;

static int parse(int argc, char **argv, aopts *o)
{
	static const struct option lo[] = {
	    {"db", required_argument, 0, 1},      {"name", required_argument, 0, 2},
	    {"country", required_argument, 0, 3}, {"kind", required_argument, 0, 4},
	    {"org", required_argument, 0, 5},     {"username", required_argument, 0, 6},
	    {"role", required_argument, 0, 7},    {"password-file", required_argument, 0, 8},
	    {"user", required_argument, 0, 9},    {"scopes", required_argument, 0, 10},
	    {"owner", required_argument, 0, 11},  {"member", required_argument, 0, 12},
	    {"group", required_argument, 0, 13},  {"id", required_argument, 0, 14},
	    {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 1: o->db = optarg; break;
		case 2: o->name = optarg; break;
		case 3: o->country = optarg; break;
		case 4: o->kind = optarg; break;
		case 5: o->org = optarg; break;
		case 6: o->username = optarg; break;
		case 7: o->role = optarg; break;
		case 8: o->pwfile = optarg; break;
		case 9: o->user = optarg; break;
		case 10: o->scopes = optarg; break;
		case 11: o->owner = optarg; break;
		case 12:
			if (o->nmembers < 64) o->members[o->nmembers++] = optarg;
			break;
		case 13: o->group = optarg; break;
		case 14: o->id = optarg; break;
		case 'h': fputs(help, stdout); return 1;
		default: fputs(help, stderr); return -1;
		}
	}
	return 0;
}

static const idt_actor cli_actor = {.username = "cli", .addr = "local"};

static int need(const char *v, const char *opt)
{
	if (v) return 0;
	idt_cli_error("admin: %s is required", opt);
	return -1;
}

static int org_id(idt_store *st, const char *org, int64_t *id)
{
	if (need(org, "--org") != 0) return -1;
	if (st->ops->org_find(st, org, id) != IDT_OK) {
		idt_cli_error("admin: no organisation '%s'", org);
		return -1;
	}
	return 0;
}

static int read_password(const char *file, char *pw, size_t n)
{
	FILE *f = file ? fopen(file, "r") : stdin;
	if (!f) {
		idt_cli_error("admin: cannot open %s", file);
		return -1;
	}
	if (!fgets(pw, (int)n, f)) pw[0] = 0;
	if (file) fclose(f);
	pw[strcspn(pw, "\r\n")] = 0;
	if (strlen(pw) < 10) {
		idt_cli_error("admin: the password must have at least 10 bytes");
		return -1;
	}
	return 0;
}

static void audit(idt_store *st, const char *action, const char *type, int64_t id)
{
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	st->ops->audit_append(st, &cli_actor, action, type, sid, NULL);
}

static int fail(idt_status s, const char *what)
{
	idt_cli_error("admin: %s: %s", what,
	              s == IDT_ECONFLICT ? "already exists"
	              : s == IDT_EINVAL  ? "invalid value or unknown reference"
	                                 : idt_status_str(s));
	return IDT_EXIT_FAILURE;
}

static int cmd_create_org(idt_store *st, aopts *o)
{
	if (need(o->name, "--name") || need(o->country, "--country") || need(o->kind, "--kind"))
		return IDT_EXIT_USAGE;
	if (!idt__country_valid(o->country)) {
		idt_cli_error("admin: --country must be an ISO 3166 alpha-2 code (e.g. GB)");
		return IDT_EXIT_USAGE;
	}
	int64_t id;
	idt_status s = st->ops->org_create(st, o->name, o->country, o->kind, &id);
	if (s != IDT_OK) return fail(s, "create-org");
	audit(st, "create", "org", id);
	printf("%lld\n", (long long)id);
	return IDT_EXIT_OK;
}

static int cmd_create_user(idt_store *st, aopts *o)
{
	int64_t org;
	idt_role role;
	if (need(o->username, "--username") || need(o->role, "--role")) return IDT_EXIT_USAGE;
	if (org_id(st, o->org, &org) != 0) return IDT_EXIT_USAGE;
	if (idt__role_parse(o->role, &role) != 0) {
		idt_cli_error("admin: --role must be admin, analyst or viewer");
		return IDT_EXIT_USAGE;
	}
	char pw[1100], h[128];
	if (read_password(o->pwfile, pw, sizeof pw) != 0) return IDT_EXIT_USAGE;
	int64_t id;
	idt_status s = idt__password_hash(pw, h);
	if (s == IDT_OK) s = st->ops->user_create(st, org, o->username, h, role, &id);
	memset(pw, 0, sizeof pw);
	if (s != IDT_OK) return fail(s, "create-user");
	audit(st, "create", "user", id);
	printf("%lld\n", (long long)id);
	return IDT_EXIT_OK;
}

static int cmd_create_token(idt_store *st, aopts *o)
{
	if (need(o->user, "--user") || need(o->name, "--name") || need(o->scopes, "--scopes"))
		return IDT_EXIT_USAGE;
	idt_user_rec u;
	if (st->ops->user_by_name(st, o->user, &u) != IDT_OK) {
		idt_cli_error("admin: no user '%s'", o->user);
		return IDT_EXIT_USAGE;
	}
	json_t *arr = json_array();
	char sc[200];
	snprintf(sc, sizeof sc, "%s", o->scopes);
	for (char *t = strtok(sc, ","); t; t = strtok(NULL, ","))
		json_array_append_new(arr, json_string(t));
	unsigned scopes = idt__scopes_parse(arr);
	json_decref(arr);
	if (!scopes) {
		idt__user_clear(&u);
		idt_cli_error("admin: --scopes takes read, write, submit-hits (comma-separated)");
		return IDT_EXIT_USAGE;
	}
	char token[80];
	int64_t id;
	idt_status s = idt__token_new(st, u.id, o->name, scopes, token, &id);
	idt__user_clear(&u);
	if (s != IDT_OK) return fail(s, "create-token");
	audit(st, "create", "token", id);
	printf("%s\n", token);
	return IDT_EXIT_OK;
}

static int cmd_revoke_token(idt_store *st, aopts *o)
{
	if (need(o->id, "--id")) return IDT_EXIT_USAGE;
	int64_t id = atoll(o->id);
	idt_status s = st->ops->token_revoke(st, id, 0);
	if (s != IDT_OK) return fail(s, "revoke-token");
	audit(st, "revoke", "token", id);
	return IDT_EXIT_OK;
}

static int cmd_create_group(idt_store *st, aopts *o)
{
	int64_t owner, id, m;
	if (need(o->name, "--name") || org_id(st, o->owner, &owner) != 0) return IDT_EXIT_USAGE;
	idt_status s = st->ops->group_create(st, o->name, owner, &id);
	for (int i = 0; s == IDT_OK && i < o->nmembers; i++) {
		if (org_id(st, o->members[i], &m) != 0) return IDT_EXIT_USAGE;
		s = st->ops->group_set_member(st, id, m, true);
	}
	if (s != IDT_OK) return fail(s, "create-group");
	audit(st, "create", "sharing-group", id);
	printf("%lld\n", (long long)id);
	return IDT_EXIT_OK;
}

static int cmd_add_member(idt_store *st, aopts *o)
{
	int64_t org;
	if (need(o->group, "--group") || org_id(st, o->org, &org) != 0) return IDT_EXIT_USAGE;
	idt_status s = st->ops->group_set_member(st, atoll(o->group), org, true);
	if (s != IDT_OK) return fail(s, "add-member");
	audit(st, "add-member", "sharing-group", atoll(o->group));
	return IDT_EXIT_OK;
}

static int cmd_list(idt_store *st, const char *what)
{
	json_t *out = NULL;
	idt_status s;
	if (!what) return need(what, "orgs|users|groups|tokens"), IDT_EXIT_USAGE;
	if (strcmp(what, "orgs") == 0)
		s = st->ops->org_list(st, &out);
	else if (strcmp(what, "users") == 0)
		s = st->ops->user_list(st, 0, &out);
	else if (strcmp(what, "groups") == 0)
		s = st->ops->group_list(st, 0, &out);
	else if (strcmp(what, "tokens") == 0)
		s = st->ops->token_list(st, 0, &out);
	else {
		idt_cli_error("admin: list orgs|users|groups|tokens");
		return IDT_EXIT_USAGE;
	}
	if (s != IDT_OK) return fail(s, "list");
	size_t i;
	json_t *x;
	json_array_foreach(out, i, x)
	{
		char *line = json_dumps(x, JSON_COMPACT | JSON_SORT_KEYS);
		if (line) puts(line);
		free(line);
	}
	json_decref(out);
	return IDT_EXIT_OK;
}

static int cmd_audit(idt_store *st, bool verify)
{
	if (verify) {
		int64_t checked = 0, bad = 0;
		idt_status s = st->ops->audit_verify(st, &checked, &bad);
		if (s != IDT_OK) return fail(s, "audit-verify");
		if (bad) {
			printf("audit log BROKEN at entry %lld (%lld entries verified before it)\n",
			       (long long)bad, (long long)checked);
			return IDT_EXIT_FAILURE;
		}
		printf("audit log OK: %lld entries, chain intact\n", (long long)checked);
		return IDT_EXIT_OK;
	}
	int64_t after = 0;
	for (;;) {
		json_t *page = NULL;
		idt_status s = st->ops->audit_list(st, after, 1000, &page);
		if (s != IDT_OK) return fail(s, "audit-export");
		size_t i, n = json_array_size(page);
		json_t *e;
		json_array_foreach(page, i, e)
		{
			char *line = json_dumps(e, JSON_COMPACT | JSON_ENSURE_ASCII);
			if (line) puts(line);
			free(line);
			after = json_integer_value(json_object_get(e, "id"));
		}
		json_decref(page);
		if (n < 1000) break;
	}
	return IDT_EXIT_OK;
}

int idt_cmd_admin(int argc, char **argv)
{
	aopts o = {.db = "interdict.db"};
	/* global options before the command, the command's options after it */
	int pr = parse(argc, argv, &o);
	if (pr) return pr > 0 ? IDT_EXIT_OK : IDT_EXIT_USAGE;
	if (optind >= argc) {
		fputs(help, stderr);
		return IDT_EXIT_USAGE;
	}
	const char *cmd = argv[optind];
	int sub_argc = argc - optind;
	char **sub_argv = argv + optind;
	pr = parse(sub_argc, sub_argv, &o);
	if (pr) return pr > 0 ? IDT_EXIT_OK : IDT_EXIT_USAGE;
	const char *arg = optind < sub_argc ? sub_argv[optind] : NULL;
	idt_store *st = NULL;
	const char *msg = NULL;
	if (idt__store_open(o.db, &st, &msg) != IDT_OK) {
		idt_cli_error("%s: %s", o.db, msg ? msg : "cannot open the database");
		return IDT_EXIT_FAILURE;
	}
	int rc;
	if (strcmp(cmd, "create-org") == 0)
		rc = cmd_create_org(st, &o);
	else if (strcmp(cmd, "create-user") == 0)
		rc = cmd_create_user(st, &o);
	else if (strcmp(cmd, "create-token") == 0)
		rc = cmd_create_token(st, &o);
	else if (strcmp(cmd, "revoke-token") == 0)
		rc = cmd_revoke_token(st, &o);
	else if (strcmp(cmd, "create-group") == 0)
		rc = cmd_create_group(st, &o);
	else if (strcmp(cmd, "add-member") == 0)
		rc = cmd_add_member(st, &o);
	else if (strcmp(cmd, "list") == 0)
		rc = cmd_list(st, arg);
	else if (strcmp(cmd, "audit-verify") == 0)
		rc = cmd_audit(st, true);
	else if (strcmp(cmd, "audit-export") == 0)
		rc = cmd_audit(st, false);
	else {
		idt_cli_error("admin: unknown command '%s'", cmd);
		fputs(help, stderr);
		rc = IDT_EXIT_USAGE;
	}
	idt__store_close(st);
	return rc;
}
