/*
 * feeds.c - Atom feeds (RFC 4287): the public drug-checking warnings and a user's alerts.
 * Every feed has the required atom:id, atom:title, atom:updated and atom:author; every entry
 * atom:id (a tag: URI), atom:title, atom:updated, a link and a summary.  Text is XML-escaped;
 * invalid characters for XML 1.0 are dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server.h"

static void esc(idt_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '&': idt__buf_puts(b, "&amp;"); break;
		case '<': idt__buf_puts(b, "&lt;"); break;
		case '>': idt__buf_puts(b, "&gt;"); break;
		case '"': idt__buf_puts(b, "&quot;"); break;
		case '\'': idt__buf_puts(b, "&apos;"); break;
		default:
			if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') break;
			idt__buf_putc(b, (char)*p);
		}
	}
}

static void open_feed(idt_buf *b, idt_server *srv, const char *id, const char *title,
                      const char *self, const char *updated)
{
	idt__buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	                 "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>");
	esc(b, id);
	idt__buf_puts(b, "</id>\n  <title>");
	esc(b, title);
	idt__buf_puts(b, "</title>\n  <updated>");
	esc(b, updated);
	idt__buf_puts(b, "</updated>\n  <author><name>Interdict</name></author>\n"
	                 "  <generator>Interdict</generator>\n  <link rel=\"self\" href=\"");
	esc(b, srv->base_url);
	esc(b, self);
	idt__buf_puts(b, "\"/>\n");
}

static void entry(idt_buf *b, idt_server *srv, const char *id, const char *title,
                  const char *updated, const char *href, const char *author, const char *summary)
{
	idt__buf_puts(b, "  <entry>\n    <id>");
	esc(b, id);
	idt__buf_puts(b, "</id>\n    <title>");
	esc(b, title);
	idt__buf_puts(b, "</title>\n    <updated>");
	esc(b, updated);
	idt__buf_puts(b, "</updated>\n");
	if (author) {
		idt__buf_puts(b, "    <author><name>");
		esc(b, author);
		idt__buf_puts(b, "</name></author>\n");
	}
	idt__buf_puts(b, "    <link rel=\"alternate\" href=\"");
	esc(b, srv->base_url);
	esc(b, href);
	idt__buf_puts(b, "\"/>\n    <summary type=\"text\">");
	esc(b, summary);
	idt__buf_puts(b, "</summary>\n  </entry>\n");
}

static const char *first_updated(json_t *items, const char *key)
{
	const char *u = json_string_value(json_object_get(json_array_get(items, 0), key));
	return u ? u : "1970-01-01T00:00:00Z";
}

static char *finish(idt_buf *b, size_t *len)
{
	if (idt__buf_puts(b, "</feed>\n") != IDT_OK) {
		idt__buf_free(b);
		return NULL;
	}
	*len = b->len;
	return b->data;
}

char *idt__atom_warnings(idt_server *srv, json_t *warnings, size_t *len)
{
	idt_buf b = {.cap_limit = 16u << 20};
	char id[300];
	snprintf(id, sizeof id, "%s/api/v1/feeds/warnings.atom", srv->base_url);
	open_feed(&b, srv, id, "Interdict: drug-checking warnings", "/api/v1/feeds/warnings.atom",
	          first_updated(warnings, "updated_at"));
	size_t i;
	json_t *w;
	json_array_foreach(warnings, i, w)
	{
		char eid[128], href[128];
		json_int_t n = json_integer_value(json_object_get(w, "id"));
		snprintf(eid, sizeof eid, "tag:interdict,2026:warning:%lld", (long long)n);
		snprintf(href, sizeof href, "/warnings#%lld", (long long)n);
		entry(&b, srv, eid, json_string_value(json_object_get(w, "title")),
		      json_string_value(json_object_get(w, "updated_at")), href,
		      json_string_value(json_object_get(w, "org_name")),
		      json_string_value(json_object_get(w, "narrative")));
	}
	return finish(&b, len);
}

char *idt__atom_alerts(idt_server *srv, const char *username, json_t *notifs, size_t *len)
{
	idt_buf b = {.cap_limit = 16u << 20};
	char id[400], title[300];
	snprintf(id, sizeof id, "tag:interdict,2026:alerts:%s", username);
	snprintf(title, sizeof title, "Interdict alerts for %s", username);
	open_feed(&b, srv, id, title, "/api/v1/feeds/alerts.atom",
	          first_updated(notifs, "created_at"));
	size_t i;
	json_t *n;
	json_array_foreach(notifs, i, n)
	{
		char eid[128], href[128];
		snprintf(eid, sizeof eid, "tag:interdict,2026:notification:%lld",
		         (long long)json_integer_value(json_object_get(n, "id")));
		snprintf(href, sizeof href, "/incidents/%lld",
		         (long long)json_integer_value(json_object_get(n, "incident_id")));
		entry(&b, srv, eid, json_string_value(json_object_get(n, "title")),
		      json_string_value(json_object_get(n, "created_at")), href,
		      json_string_value(json_object_get(n, "org_name")),
		      json_string_value(json_object_get(n, "reason")));
	}
	return finish(&b, len);
}
