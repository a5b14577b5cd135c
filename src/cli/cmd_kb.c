/*
 * cmd_kb.c - `interdict kb`: the knowledge base's tooling.
 *   lint     check every file (syntax, CAS check digits, classes, control entries, sources,
 *            terms claimed twice, dictionary words marked decisive); exit 1 on any error
 *   stats    coverage: entities per list and class, terms per kind, trust and language
 *   lookup   which entity and term would match a text, and why, after normalisation
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char kb_usage[] =
    "usage: interdict kb lint [--dict FILE] [--kb DIR] [--kb-extra PATH]...\n"
    "       interdict kb stats [--json] [--kb DIR] [--kb-extra PATH]...\n"
    "       interdict kb lookup [--kb DIR] [--kb-extra PATH]... TEXT...\n"
    "       interdict kb terms [--normalised] [--kb DIR] [--kb-extra PATH]...\n"
    "\n"
    "The knowledge base: controlled substances, precursors and NPS with their names in many\n"
    "languages, CAS numbers, brand names, slang and emoji (docs/knowledge-base.md).\n"
    "\n"
    "  lint    check the bundled files (or --kb DIR) and any --kb-extra files: syntax, CAS\n"
    "          check digits, unknown classes or control entries, missing sources, a term\n"
    "          claimed by two entities, ordinary dictionary words marked decisive (the word\n"
    "          list is --dict FILE, default /usr/share/dict/words when present).  Prints\n"
    "          FILE:LINE: severity: message; exit status 1 if there is any error.\n"
    "  stats   counts per international list, class, term kind, trust and language.\n"
    "  lookup  normalise TEXT as the scanner does and show each entity and term that\n"
    "          matches, with the evidence span and the reasons of the verdict.\n"
    "  terms   every match term and phrase, one per line (--normalised: as the scanner\n"
    "          matches them); for benchmarks and external tools.\n"
    "\n"
    "Options:\n"
    "      --kb DIR        use the files in DIR instead of the bundled knowledge base\n"
    "      --kb-extra PATH add a national list or watch list; repeatable\n"
    "      --dict FILE     word list for lint (one word per line)\n"
    "      --json          stats as JSON\n"
    "      --normalised    terms: print the normal forms\n"
    "  -h, --help          this manual\n";

typedef struct kb_opts {
	const char *kb_dir;
	const char *extra[64];
	size_t nextra;
	const char *dict;
	int json;
	int normalised;
} kb_opts;

static int parse(int argc, char **argv, kb_opts *o)
{
	static const struct option longs[] = {{"kb", required_argument, 0, 1},
	                                      {"kb-extra", required_argument, 0, 2},
	                                      {"dict", required_argument, 0, 3},
	                                      {"json", no_argument, 0, 4},
	                                      {"normalised", no_argument, 0, 5},
	                                      {"help", no_argument, 0, 'h'},
	                                      {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 1: o->kb_dir = optarg; break;
		case 2:
			if (o->nextra == 64) return -1;
			o->extra[o->nextra++] = optarg;
			break;
		case 3: o->dict = optarg; break;
		case 4: o->json = 1; break;
		case 5: o->normalised = 1; break;
		case 'h': fputs(kb_usage, stdout); return 1;
		default: fputs(kb_usage, stderr); return -1;
		}
	}
	return 0;
}

/* ----- lint ----------------------------------------------------------------------------------- */

typedef struct lint_counts {
	size_t errors, warnings;
} lint_counts;

static int print_finding(void *ctx, const char *sev, const char *file, uint32_t line,
                         const char *msg)
{
	lint_counts *c = ctx;
	if (sev[0] == 'e')
		c->errors++;
	else
		c->warnings++;
	printf("%s:%u: %s: %s\n", file, line, sev, msg);
	return 0;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	idt_sb b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (idt_sb_put(&b, chunk, n)) break;
	fclose(f);
	*len = b.len;
	return b.p;
}

static int cmd_lint(const kb_opts *o, idt_kb *kb, idt_folder *folder)
{
	const char *dict_path = o->dict ? o->dict : "/usr/share/dict/words";
	size_t dlen = 0;
	char *dict = read_all(dict_path, &dlen);
	if (!dict && o->dict) {
		idt_cli_error("cannot read the word list %s", o->dict);
		return IDT_EXIT_FAILURE;
	}
	lint_counts c = {0};
	size_t nerr = 0;
	idt_status st = idt_kb_lint(kb, folder, dict, dlen, print_finding, &c, &nerr);
	free(dict);
	if (st) {
		idt_cli_error("lint failed: %s", idt_status_str(st));
		return IDT_EXIT_FAILURE;
	}
	fprintf(
	    stderr,
	    "interdict kb lint: %zu entities, %zu terms, %zu phrases: %zu errors, %zu warnings%s\n",
	    idt_kb_substance_count(kb), idt_kb_term_count(kb), idt_kb_phrase_count(kb), c.errors,
	    c.warnings, dict ? "" : " (no word list: dictionary check skipped)");
	return c.errors ? 1 : 0;
}

/* ----- stats ---------------------------------------------------------------------------------- */

typedef struct counter {
	char key[32];
	size_t n;
} counter;

static void count(counter *c, size_t *nc, size_t cap, const char *key)
{
	for (size_t i = 0; i < *nc; i++)
		if (strcmp(c[i].key, key) == 0) {
			c[i].n++;
			return;
		}
	if (*nc == cap) return;
	snprintf(c[*nc].key, sizeof c[*nc].key, "%s", key);
	c[(*nc)++].n = 1;
}

static int cmp_counter(const void *a, const void *b)
{
	return strcmp(((const counter *)a)->key, ((const counter *)b)->key);
}

static void print_group(const char *title, counter *c, size_t n, int json, int *first)
{
	qsort(c, n, sizeof *c, cmp_counter);
	if (json) {
		printf("%s\"%s\":{", *first ? "" : ",", title);
		for (size_t i = 0; i < n; i++)
			printf("%s\"%s\":%zu", i ? "," : "", c[i].key, c[i].n);
		printf("}");
		*first = 0;
		return;
	}
	printf("%s:\n", title);
	for (size_t i = 0; i < n; i++) printf("  %-24s %6zu\n", c[i].key, c[i].n);
}

/* The list a control entry belongs to: "UN1961:I" -> "UN1961", national "CN:x" -> "national". */
static void list_of(const char *control, char *out, size_t n)
{
	const char *colon = strchr(control, ':');
	if (colon && colon - control == 2)
		snprintf(out, n, "national:%.2s", control);
	else if (colon)
		snprintf(out, n, "%.*s", (int)(colon - control), control);
	else
		snprintf(out, n, "%s", control);
}

static int cmd_stats(const kb_opts *o, const idt_kb *kb)
{
	counter lists[64], schedules[64], classes[16], kinds[16], trust[4], langs[64];
	size_t nl = 0, ns = 0, ncl = 0, nk = 0, nt = 0, nla = 0;
	for (size_t i = 0; i < idt_kb_substance_count(kb); i++) {
		const idt_substance *s = idt_kb_substance(kb, i);
		count(classes, &ncl, 16, idt_class_name(s->cls));
		char seen[8][32];
		size_t nseen = 0;
		for (size_t k = 0; k < s->ncontrol; k++) {
			char l[32];
			list_of(s->control[k], l, sizeof l);
			count(schedules, &ns, 64, s->control[k]);
			int dup = 0;
			for (size_t j = 0; j < nseen; j++) dup |= strcmp(seen[j], l) == 0;
			if (dup || nseen == 8) continue;
			snprintf(seen[nseen++], 32, "%s", l);
			count(lists, &nl, 64, l);
		}
		if (!s->ncontrol) count(lists, &nl, 64, "(none)");
	}
	size_t terms = idt_kb_term_count(kb);
	for (size_t i = 0; i < terms; i++) {
		const idt_term *t = idt_kb_term(kb, i);
		count(kinds, &nk, 16, idt_term_kind_name(t->kind));
		count(trust, &nt, 4, t->trust == IDT_TRUST_WEAK ? "weak" : "decisive");
		if (t->kind == IDT_TERM_NAME || t->kind == IDT_TERM_SLANG)
			count(langs, &nla, 64, t->lang[0] ? t->lang : "(none)");
	}
	/* Entities named in each language (names or slang in that language). */
	counter ent_langs[64];
	size_t nel = 0;
	for (size_t i = 0; i < idt_kb_substance_count(kb); i++) {
		char seen[32][8];
		size_t nseen = 0;
		for (size_t k = 0; k < terms; k++) {
			const idt_term *t = idt_kb_term(kb, k);
			if (t->substance != i || t->kind != IDT_TERM_NAME || !t->lang[0]) continue;
			int dup = 0;
			for (size_t j = 0; j < nseen; j++) dup |= strcmp(seen[j], t->lang) == 0;
			if (dup || nseen == 32) continue;
			snprintf(seen[nseen++], 8, "%s", t->lang);
			count(ent_langs, &nel, 64, t->lang);
		}
	}
	int first = 1;
	if (o->json)
		printf("{\"entities\":%zu,\"terms\":%zu,\"phrases\":%zu",
		       idt_kb_substance_count(kb), terms, idt_kb_phrase_count(kb)),
		    first = 0;
	else
		printf("entities %zu\nterms %zu\nphrases %zu\n", idt_kb_substance_count(kb), terms,
		       idt_kb_phrase_count(kb));
	print_group("entities per list", lists, nl, o->json, &first);
	print_group("entities per schedule", schedules, ns, o->json, &first);
	print_group("entities per class", classes, ncl, o->json, &first);
	print_group("entities named per language", ent_langs, nel, o->json, &first);
	print_group("terms per kind", kinds, nk, o->json, &first);
	print_group("terms per trust", trust, nt, o->json, &first);
	print_group("name and slang terms per language", langs, nla, o->json, &first);
	if (o->json) printf("}\n");
	return 0;
}

/* ----- terms -----------------------------------------------------------------------------------
 */

static int print_term(const idt_folder *folder, int normalised, const char *text)
{
	if (!normalised) return printf("%s\n", text) < 0;
	char *n = NULL;
	size_t len = 0;
	if (idt_normalize_dup(folder, text, strlen(text), &n, &len)) return -1;
	if (len) printf("%.*s\n", (int)len, n);
	free(n);
	return 0;
}

static int cmd_terms(const kb_opts *o, const idt_kb *kb, const idt_folder *folder)
{
	for (size_t i = 0; i < idt_kb_term_count(kb); i++)
		if (print_term(folder, o->normalised, idt_kb_term(kb, i)->text))
			return IDT_EXIT_FAILURE;
	for (size_t i = 0; i < idt_kb_phrase_count(kb); i++)
		if (print_term(folder, o->normalised, idt_kb_phrase(kb, i)->text))
			return IDT_EXIT_FAILURE;
	return 0;
}

/* ----- lookup --------------------------------------------------------------------------------- */

static int cmd_lookup(const kb_opts *o, idt_kb *kb, idt_folder *folder, int argc, char **argv)
{
	(void)o;
	if (argc < 1) {
		fputs(kb_usage, stderr);
		return IDT_EXIT_USAGE;
	}
	idt_sb text = {0};
	for (int i = 0; i < argc; i++) {
		if (i) idt_sb_puts(&text, " ");
		idt_sb_puts(&text, argv[i]);
	}
	char *norm = NULL;
	size_t nlen = 0;
	if (idt_normalize_dup(folder, text.p, text.len, &norm, &nlen)) {
		idt_sb_free(&text);
		return IDT_EXIT_FAILURE;
	}
	printf("normalised: \"%.*s\"\n", (int)nlen, norm);
	free(norm);
	idt_scanner *sc = NULL;
	idt_scratch *scratch = NULL;
	idt_result *res = NULL;
	idt_error err = {0};
	idt_scanner_opts so = {0};
	idt_status st = idt_scanner_new(kb, folder, &so, &sc, &err);
	if (!st) st = idt_scratch_new(sc, &scratch);
	idt_field f = {"text", 4, text.p, text.len};
	if (!st) st = idt_scan(sc, scratch, &f, 1, &res);
	if (st) {
		idt_cli_error("lookup failed: %s", err.msg ? err.msg : idt_status_str(st));
	} else {
		size_t n = idt_result_evidence_count(res);
		if (!n) printf("no entity or signal matches\n");
		for (size_t i = 0; i < n; i++) {
			const idt_evidence *e = idt_result_evidence(res, i);
			printf("  bytes %zu-%zu \"%.*s\": ", e->start, e->end,
			       (int)(e->end - e->start), text.p + e->start);
			if (e->kind == IDT_EV_SUBSTANCE) {
				const idt_term *t = idt_kb_term(kb, e->term);
				const idt_substance *s = idt_kb_substance(kb, e->substance);
				printf("%s [%s] (%s) via %s %s '%s'%s%s (%s)\n", s->name, s->id,
				       idt_class_name(s->cls),
				       t->trust == IDT_TRUST_WEAK ? "weak" : "decisive",
				       idt_term_kind_name(t->kind), t->text,
				       t->lang[0] ? " lang " : "", t->lang, s->file);
			} else {
				printf("signal %s '%s'\n", idt_signal_type_name(e->signal.type),
				       e->signal.value);
			}
		}
		for (size_t i = 0; i < idt_result_reason_count(res); i++)
			printf("  - %s\n", idt_result_reason(res, i));
	}
	idt_result_free(res);
	idt_scratch_free(scratch);
	idt_scanner_free(sc);
	idt_sb_free(&text);
	return st ? IDT_EXIT_FAILURE : 0;
}

int idt_cmd_kb(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(kb_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? IDT_EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	kb_opts o = {0};
	int pr = parse(argc - 1, argv + 1, &o);
	if (pr) return pr > 0 ? 0 : IDT_EXIT_USAGE;
	int rest = argc - 1 - optind;
	char **rargv = argv + 1 + optind;
	if (strcmp(sub, "lint") && strcmp(sub, "stats") && strcmp(sub, "lookup") &&
	    strcmp(sub, "terms")) {
		idt_cli_error("unknown kb command '%s'", sub);
		fputs(kb_usage, stderr);
		return IDT_EXIT_USAGE;
	}
	idt_kb *kb = idt_cli_load_kb(o.extra, o.nextra, o.kb_dir);
	if (!kb) return IDT_EXIT_FAILURE;
	idt_folder *folder = NULL;
	if (idt_folder_new(&folder)) {
		idt_kb_free(kb);
		return IDT_EXIT_FAILURE;
	}
	int rc;
	if (strcmp(sub, "lint") == 0)
		rc = cmd_lint(&o, kb, folder);
	else if (strcmp(sub, "stats") == 0)
		rc = cmd_stats(&o, kb);
	else if (strcmp(sub, "terms") == 0)
		rc = cmd_terms(&o, kb, folder);
	else
		rc = cmd_lookup(&o, kb, folder, rest, rargv);
	idt_folder_free(folder);
	idt_kb_free(kb);
	return rc;
}
