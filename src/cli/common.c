/*
 * common.c - what the commands of the `interdict` program share: loading the knowledge base
 * from the bundled data or a directory plus national extras, and the default cache directory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

idt_kb *idt_cli_load_kb(const char *const *extra, size_t nextra, const char *kb_dir)
{
	idt_kb *kb = NULL;
	idt_error err = {0};
	idt_status st;
	if (kb_dir) {
		st = idt_kb_new(&kb);
		if (!st) st = idt_kb_add_file(kb, kb_dir, &err);
	} else {
		st = idt_kb_load_bundled(&kb, &err);
	}
	for (size_t i = 0; (!st || st == IDT_EPARSE) && i < nextra; i++) {
		if (st == IDT_EPARSE) st = IDT_OK;
		st = idt_kb_add_file(kb, extra[i], &err);
	}
	if (st == IDT_EPARSE) {
		idt_cli_error("%s:%llu: %s (run 'interdict kb lint' for every problem)",
		              err.where ? err.where : "?", (unsigned long long)err.line,
		              err.msg ? err.msg : "syntax error");
		st = IDT_OK; /* the rest of the knowledge base is usable */
	}
	if (st) {
		idt_cli_error("cannot load the knowledge base: %s%s%s",
		              err.msg ? err.msg : idt_status_str(st), err.where ? ": " : "",
		              err.where ? err.where : "");
		idt_kb_free(kb);
		return NULL;
	}
	return kb;
}

int idt_cli_engine_open(idt_cli_engine *e, const char *const *extra, size_t nextra,
                        const char *kb_dir, int use_cache, unsigned scan_flags)
{
	memset(e, 0, sizeof *e);
	e->kb = idt_cli_load_kb(extra, nextra, kb_dir);
	if (!e->kb) return -1;
	char cache[4096];
	idt_scanner_opts so = {0};
	so.cache_dir = use_cache ? idt_cli_cache_dir(cache, sizeof cache) : NULL;
	so.flags = scan_flags;
	idt_error err = {0};
	idt_status st = idt_folder_new(&e->folder);
	if (!st) st = idt_scanner_new(e->kb, e->folder, &so, &e->sc, &err);
	if (!st) return 0;
	idt_cli_error("cannot build the scanner: %s", err.msg ? err.msg : idt_status_str(st));
	if (st == IDT_EPATTERN && err.index < idt_kb_term_count(e->kb))
		idt_cli_error("the term is '%s'", idt_kb_term(e->kb, err.index)->text);
	idt_cli_engine_close(e);
	return -1;
}

void idt_cli_engine_close(idt_cli_engine *e)
{
	idt_scanner_free(e->sc);
	idt_folder_free(e->folder);
	idt_kb_free(e->kb);
	memset(e, 0, sizeof *e);
}

const char *idt_cli_cache_dir(char *buf, size_t n)
{
	const char *x = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (x && *x)
		snprintf(buf, n, "%s/interdict", x);
	else if (home && *home)
		snprintf(buf, n, "%s/.cache/interdict", home);
	else
		return NULL;
	return buf;
}

/* ----- output strings ---------------------------------------------------------------------- */

int idt_sb_put(idt_sb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1) ncap *= 2;
		char *p = realloc(b->p, ncap);
		if (!p) return -1;
		b->p = p;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

int idt_sb_puts(idt_sb *b, const char *s)
{
	return idt_sb_put(b, s, strlen(s));
}

int idt_sb_printf(idt_sb *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) return -1;
	if ((size_t)n < sizeof small) return idt_sb_put(b, small, (size_t)n);
	char *big = malloc((size_t)n + 1);
	if (!big) return -1;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int r = idt_sb_put(b, big, (size_t)n);
	free(big);
	return r;
}

int idt_sb_json(idt_sb *b, const char *s, size_t n)
{
	return idt_json_append_str(&b->p, &b->len, &b->cap, s, n) == IDT_OK ? 0 : -1;
}

void idt_sb_free(idt_sb *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ----- provenance ---------------------------------------------------------------------------- */

static int prov_member(idt_sb *b, const char *key, const char *v, int *first)
{
	if (!v) return 0;
	int r = idt_sb_printf(b, "%s\"%s\":", *first ? "" : ",", key);
	*first = 0;
	return r ? r : idt_sb_json(b, v, strlen(v));
}

/* Renders the record's provenance as the members of "source": {...}. */
int idt_cli_provenance_json(idt_sb *b, const idt_provenance *pv)
{
	int first = 1, r = idt_sb_puts(b, "\"source\":{");
	r = r ? r : prov_member(b, "file", pv->file, &first);
	if (!r && pv->line) {
		r = idt_sb_printf(b, "%s\"line\":%llu", first ? "" : ",",
		                  (unsigned long long)pv->line);
		first = 0;
	}
	if (!r) {
		r = idt_sb_printf(b, "%s\"offset\":%llu", first ? "" : ",",
		                  (unsigned long long)pv->offset);
		first = 0;
	}
	r = r ? r : prov_member(b, "url", pv->url, &first);
	r = r ? r : prov_member(b, "message_id", pv->msg_id, &first);
	r = r ? r : prov_member(b, "sender", pv->sender, &first);
	r = r ? r : prov_member(b, "date", pv->date, &first);
	r = r ? r : prov_member(b, "chat", pv->chat, &first);
	return r ? r : idt_sb_puts(b, "}");
}
