/*
 * fuzz_robots.c - libFuzzer target for the robots.txt parser and matcher (src/watch/robots.c).
 * The input's first line is a path to match (and the agent, after a tab); the rest is the
 * robots.txt.  Any input must parse; matching must terminate; nothing may be read past the
 * input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "watch/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t first = nl ? (size_t)(nl - s) : 0;
	char path[512] = "/", agent[64] = "Interdict";
	if (first) {
		const char *tab = memchr(s, '\t', first);
		size_t pl = tab ? (size_t)(tab - s) : first;
		if (pl > sizeof path - 1) pl = sizeof path - 1;
		memcpy(path, s, pl);
		path[pl] = 0;
		if (tab) {
			/* from the tab, not from the (possibly cut) path length */
			size_t al = first - (size_t)(tab - s) - 1;
			if (al > sizeof agent - 1) al = sizeof agent - 1;
			memcpy(agent, tab + 1, al);
			agent[al] = 0;
		}
	}
	const char *txt = nl ? nl + 1 : s;
	size_t len = nl ? size - first - 1 : size;
	/* a copy exactly as long as the text, so that reading past it is caught */
	char *copy = malloc(len ? len : 1);
	if (!copy) return 0;
	memcpy(copy, txt, len);
	idt_robots *r = NULL;
	if (idt_robots_parse(copy, len, agent, &r) == IDT_OK) {
		static const char *const probes[] = {"/", "/robots.txt", "/a/b?c=d", "/x.pdf", ""};
		idt_robots_allowed(r, path, strlen(path));
		for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
			idt_robots_allowed(r, probes[i], strlen(probes[i]));
		(void)idt_robots_crawl_delay(r);
		idt_robots_free(r);
	}
	free(copy);
	return 0;
}
