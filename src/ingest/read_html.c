/*
 * read_html.c - HTML pages: the text a visitor (or a search engine) sees, through libxml2's
 * forgiving HTML parser.  Used on its own (a .html file is one record) and by the WARC and mail
 * readers for HTML bodies (idt__html_extract).
 *
 * What is extracted, as separately named fields (so a verdict's evidence names where a term
 * was found); empty ones are left out except "text":
 *
 *   field        from
 *   ------------ ---------------------------------------------------------------------------
 *   title        <title>
 *   description  <meta name="description">, og:description, twitter:description, keywords
 *   text         the visible text of the document: text nodes outside <script>, <style>,
 *                <template>, <head>; block elements and <br> end lines, other white space
 *                runs become one space; entities decoded
 *   alt          alt text of <img>, <area> and <input type=image>, title attributes of <img>
 *   links        link targets (href of <a> and <area>), one per line, resolved against
 *                <base href> or the page's URL
 *
 * Charset, first found wins: a BOM; the charset of the HTTP Content-Type header (WARC, mail);
 * <meta charset> or <meta http-equiv=Content-Type> in the first 4 KiB; else UTF-8.  The page is
 * converted to UTF-8 (charset.c) before libxml2 sees it, and libxml2 is told to ignore the
 * page's own declaration.  Bytes invalid in that charset become U+FFFD and are counted
 * (idt__html.bad_bytes): the reader reports them as IDT_EPARSE, then returns the page.
 *
 * The page is parsed with SAX callbacks that fill the fields as the parser goes: no document
 * tree is built (twice as fast as walking one), and only a small stack of open elements is
 * kept.  libxml2 closes elements a broken page leaves open and reports them to the callbacks.
 */
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <libxml/HTMLparser.h>
#include <libxml/uri.h>
#include "ingest_int.h"

/* ======================================================================================
 * Text building
 * ====================================================================================== */

#define SAX_STACK 512 /* element kinds remembered; deeper ones are read as ordinary ones */

/* The state of one parse, driven by libxml2's SAX callbacks (no tree is built). */
typedef struct walker {
	idt__html *h;
	int space;                      /* white space seen since the last character of text */
	int tspace;                     /* the same in the title */
	int skip;                       /* inside <script>, <style> or <template> (nesting count) */
	int in_head;                    /* inside <head>: its text is not page text */
	int in_title;                   /* collecting the first <title> */
	int title_done;                 /* a <title> was read */
	size_t depth;                   /* open elements */
	unsigned char kinds[SAX_STACK]; /* their kinds (T_*) */
} walker;

static int is_html_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Appends s[0..n) to b with white space runs collapsed to one space (none at the start of a
 * line).  Past the buffer's cap the text is cut (h->truncated). */
static void append_collapsed(idt__html *h, idt_buf *b, const char *s, size_t n, int *space)
{
	if (idt__buf_reserve(b, n + 1)) {
		h->truncated = 1;
		return;
	}
	/* written in place: the output is never longer than the input plus one space */
	char *o = b->data + b->len;
	int at_line_start = !b->len || b->data[b->len - 1] == '\n';
	for (const unsigned char *p = (const unsigned char *)s, *e = p + n; p < e; p++) {
		if (is_html_space(*p)) {
			*space = 1;
			continue;
		}
		if (*space && !at_line_start) *o++ = ' ';
		*space = 0;
		at_line_start = 0;
		*o++ = (char)*p;
	}
	b->len = (size_t)(o - b->data);
}

/* Ends the current line of b (no empty lines). */
static void end_line(idt__html *h, idt_buf *b)
{
	if (b->len && b->data[b->len - 1] != '\n' && idt__buf_putc(b, '\n')) h->truncated = 1;
}

static void append_line(idt__html *h, idt_buf *b, const char *s)
{
	int space = 0;
	end_line(h, b);
	append_collapsed(h, b, s, strlen(s), &space);
}

/* What an element is to the walker. */
enum {
	T_OTHER = 1,
	T_BLOCK,
	T_SKIP,
	T_TITLE,
	T_META,
	T_BASE,
	T_A,
	T_AREA,
	T_IMG,
	T_INPUT,
	T_HEAD,
};

/* The kind of the element named `nm` (libxml2's HTML parser gives lower-case names). */
static int tag_kind(const char *nm)
{
	static const struct {
		const char *name;
		int kind;
	} tags[] = {
	    {"p", T_BLOCK},       {"div", T_BLOCK},        {"br", T_BLOCK},
	    {"li", T_BLOCK},      {"ul", T_BLOCK},         {"ol", T_BLOCK},
	    {"tr", T_BLOCK},      {"td", T_BLOCK},         {"th", T_BLOCK},
	    {"table", T_BLOCK},   {"h1", T_BLOCK},         {"h2", T_BLOCK},
	    {"h3", T_BLOCK},      {"h4", T_BLOCK},         {"h5", T_BLOCK},
	    {"h6", T_BLOCK},      {"section", T_BLOCK},    {"article", T_BLOCK},
	    {"header", T_BLOCK},  {"footer", T_BLOCK},     {"nav", T_BLOCK},
	    {"aside", T_BLOCK},   {"main", T_BLOCK},       {"blockquote", T_BLOCK},
	    {"pre", T_BLOCK},     {"hr", T_BLOCK},         {"form", T_BLOCK},
	    {"dd", T_BLOCK},      {"dt", T_BLOCK},         {"dl", T_BLOCK},
	    {"option", T_BLOCK},  {"figcaption", T_BLOCK}, {"address", T_BLOCK},
	    {"button", T_BLOCK},  {"caption", T_BLOCK},    {"details", T_BLOCK},
	    {"summary", T_BLOCK}, {"body", T_BLOCK},       {"select", T_BLOCK},
	    {"script", T_SKIP},   {"style", T_SKIP},       {"template", T_SKIP},
	    {"title", T_TITLE},   {"meta", T_META},        {"base", T_BASE},
	    {"a", T_A},           {"area", T_AREA},        {"img", T_IMG},
	    {"input", T_INPUT},   {"head", T_HEAD},
	};
	if (!nm) return T_OTHER;
	size_t len = strlen(nm);
	for (size_t i = 0; i < IDT_ARRAY_LEN(tags); i++)
		if (tags[i].name[0] == (nm[0] | 0x20) && strlen(tags[i].name) == len &&
		    !strcasecmp(tags[i].name, nm))
			return tags[i].kind;
	return T_OTHER;
}

/* The value of attribute `name` in SAX attributes (name, value pairs), or NULL. */
static const char *attr(const xmlChar **atts, const char *name)
{
	for (size_t i = 0; atts && atts[i]; i += 2)
		if (strcasecmp((const char *)atts[i], name) == 0)
			return atts[i + 1] ? (const char *)atts[i + 1] : "";
	return NULL;
}

static void do_meta(idt__html *h, const xmlChar **atts)
{
	const char *name = attr(atts, "name");
	if (!name) name = attr(atts, "property");
	if (!name) return;
	if (!strcasecmp(name, "description") || !strcasecmp(name, "og:description") ||
	    !strcasecmp(name, "twitter:description") || !strcasecmp(name, "keywords")) {
		const char *c = attr(atts, "content");
		if (c) append_line(h, &h->desc, c);
	}
}

static void do_link(idt__html *h, const xmlChar **atts)
{
	const char *href = attr(atts, "href");
	if (!href) return;
	const char *base = h->base ? h->base : h->url;
	xmlChar *abs = base ? xmlBuildURI((const xmlChar *)href, (const xmlChar *)base) : NULL;
	append_line(h, &h->links, abs ? (const char *)abs : href);
	xmlFree(abs);
}

static void do_alt(idt__html *h, const xmlChar **atts, int img)
{
	const char *alt = attr(atts, "alt");
	if (alt && *alt) append_line(h, &h->alt, alt);
	const char *t = img ? attr(atts, "title") : NULL;
	if (t && *t) append_line(h, &h->alt, t);
}

/* SAX: an element opens. */
static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	walker *w = ((htmlParserCtxtPtr)ctx)->_private;
	idt__html *h = w->h;
	int kind = tag_kind((const char *)name);
	if (w->depth < SAX_STACK) w->kinds[w->depth] = (unsigned char)kind;
	w->depth++;
	if (w->skip) {
		if (kind == T_SKIP) w->skip++;
		return;
	}
	switch (kind) {
	case T_SKIP: w->skip = 1; break;
	case T_TITLE: w->in_title = !w->title_done; break;
	case T_META: do_meta(h, atts); break;
	case T_BASE:
		if (!h->base) {
			const char *b = attr(atts, "href");
			if (b) h->base = idt__strndup(b, strlen(b));
		}
		break;
	case T_A: do_link(h, atts); break;
	case T_AREA:
		do_link(h, atts);
		do_alt(h, atts, 0);
		break;
	case T_IMG: do_alt(h, atts, 1); break;
	case T_INPUT: {
		const char *type = attr(atts, "type");
		if (type && !strcasecmp(type, "image")) do_alt(h, atts, 0);
		break;
	}
	case T_HEAD: w->in_head++; break;
	case T_BLOCK:
		end_line(h, &h->text);
		w->space = 0;
		break;
	default: break;
	}
}

/* SAX: an element closes (also the ones the parser closes itself). */
static void on_end(void *ctx, const xmlChar *name)
{
	walker *w = ((htmlParserCtxtPtr)ctx)->_private;
	if (!w->depth) return;
	w->depth--;
	int kind = w->depth < SAX_STACK ? w->kinds[w->depth] : tag_kind((const char *)name);
	if (w->skip) {
		if (kind == T_SKIP) w->skip--;
		return;
	}
	switch (kind) {
	case T_TITLE:
		if (w->in_title) w->title_done = 1;
		w->in_title = 0;
		break;
	case T_HEAD:
		if (w->in_head) w->in_head--;
		break;
	case T_BLOCK:
		end_line(w->h, &w->h->text);
		w->space = 0;
		break;
	default: break;
	}
}

/* SAX: text (entities decoded), also the raw text of scripts and styles. */
static void on_text(void *ctx, const xmlChar *s, int len)
{
	walker *w = ((htmlParserCtxtPtr)ctx)->_private;
	if (w->skip || len <= 0) return;
	if (w->in_title) {
		append_collapsed(w->h, &w->h->title, (const char *)s, (size_t)len, &w->tspace);
		return;
	}
	if (w->in_head) return;
	append_collapsed(w->h, &w->h->text, (const char *)s, (size_t)len, &w->space);
}

/* ======================================================================================
 * Extraction
 * ====================================================================================== */

static void html_reset(idt__html *h, size_t cap)
{
	idt_buf *bufs[] = {&h->title, &h->desc, &h->text, &h->alt, &h->links, &h->utf8};
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) {
		bufs[i]->len = 0;
		bufs[i]->cap_limit = cap;
	}
	free(h->base);
	h->base = NULL;
	h->bad_bytes = 0;
	h->truncated = 0;
	h->unknown_charset = 0;
	h->charset[0] = 0;
}

void idt__html_free(idt__html *h)
{
	if (!h) return;
	idt_buf *bufs[] = {&h->title, &h->desc, &h->text, &h->alt, &h->links, &h->utf8};
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) idt__buf_free(bufs[i]);
	free(h->base);
	h->base = NULL;
}

idt_status idt__html_extract(idt__html *h, const char *s, size_t n, const char *http_charset,
                             const char *url, size_t cap)
{
	html_reset(h, cap + 64);
	h->url = url;
	h->utf8.cap_limit = cap * 3 + 64; /* a single-byte charset grows up to 3x in UTF-8 */
	size_t skip = 0;
	if (idt__charset_sniff(s, n, h->charset, sizeof h->charset))
		skip = h->charset[4] == '8' ? 3 : 2; /* the BOM: "UTF-8" or "UTF-16.." */
	else if (http_charset && *http_charset)
		snprintf(h->charset, sizeof h->charset, "%s", http_charset);
	else
		idt__charset_meta(s, n, h->charset, sizeof h->charset);
	int unknown = 0;
	idt_status st =
	    idt__to_utf8(h->charset, s + skip, n - skip, &h->utf8, &h->bad_bytes, &unknown);
	h->unknown_charset = unknown;
	if (st) return st;
	if (h->utf8.len > INT32_MAX) return IDT_ELIMIT;
	/* SAX: the callbacks build the fields as the parser goes; no tree */
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	if (!ctxt) return IDT_ENOMEM;
	xmlSAXHandler *sax = (xmlSAXHandler *)ctxt->sax;
	memset(sax, 0, sizeof *sax);
	sax->startElement = on_start;
	sax->endElement = on_end;
	sax->characters = on_text;
	sax->cdataBlock = on_text;
	sax->ignorableWhitespace = on_text;
	walker *w = calloc(1, sizeof *w);
	if (!w) {
		htmlFreeParserCtxt(ctxt);
		return IDT_ENOMEM;
	}
	w->h = h;
	ctxt->_private = w;
	htmlDocPtr doc =
	    htmlCtxtReadMemory(ctxt, h->utf8.len ? h->utf8.data : " ",
	                       h->utf8.len ? (int)h->utf8.len : 1, url, "UTF-8",
	                       HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                           HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
	if (doc) xmlFreeDoc(doc); /* none is built without a startDocument callback */
	htmlFreeParserCtxt(ctxt);
	free(w);
	if (h->text.len && h->text.data[h->text.len - 1] == '\n') h->text.len--;
	return IDT_OK;
}

size_t idt__html_fields(const idt__html *h, idt_field *out)
{
	static const char *const names[] = {"title", "description", "text", "alt", "links"};
	const idt_buf *bufs[] = {&h->title, &h->desc, &h->text, &h->alt, &h->links};
	size_t k = 0;
	for (size_t i = 0; i < IDT_ARRAY_LEN(bufs); i++) {
		size_t len = bufs[i]->len;
		if (len && bufs[i]->data[len - 1] == '\n') len--;
		if (!len && i != 2) continue;
		out[k++] = (idt_field){names[i], strlen(names[i]), len ? bufs[i]->data : "", len};
	}
	return k;
}

/* ======================================================================================
 * The reader: one page per input
 * ====================================================================================== */

typedef struct html_state {
	idt__html h;
	idt_buf id;
	int done;    /* the page was returned */
	int pending; /* a charset problem was reported: the page comes next */
} html_state;

static void html_free(idt_reader *r)
{
	html_state *hs = r->state;
	if (!hs) return;
	idt__html_free(&hs->h);
	idt__buf_free(&hs->id);
	free(hs);
	r->state = NULL;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void)
{
	xmlInitParser();
}

void idt__html_global_init(void)
{
	pthread_once(&xml_once, xml_init);
}

static idt_status html_init(idt_reader *r, idt_error *err)
{
	idt__html_global_init();
	html_state *hs = calloc(1, sizeof *hs);
	if (!hs) return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
	r->state = hs;
	return IDT_OK;
}

static void html_record(idt_reader *r, idt_record *rec)
{
	html_state *hs = r->state;
	idt__rec_init(r, rec);
	rec->id_json = hs->id.data;
	rec->id_len = hs->id.len;
	rec->nfields = idt__html_fields(&hs->h, r->fields);
	rec->fields = r->fields;
	rec->prov.url = hs->h.base;
}

static idt_status html_next(idt_reader *r, idt_record *rec, idt_error *err)
{
	html_state *hs = r->state;
	if (hs->pending) {
		hs->pending = 0;
		html_record(r, rec);
		return IDT_OK;
	}
	if (hs->done) return IDT_END;
	hs->done = 1;
	/* the whole page, up to the record limit */
	idt_status st = idt__in_fill(&r->in, r->max_record + 1);
	if (st && st != IDT_ELIMIT) return idt__rerr(r, err, st, "read failed", 0, 0);
	size_t n = idt__in_avail(&r->in);
	if (n > r->max_record || !r->in.eof)
		return idt__rerr(r, err, IDT_ELIMIT, "page larger than the record limit", 0, 0);
	st = idt__html_extract(&hs->h, r->in.buf + r->in.pos, n, NULL, NULL, r->max_record);
	r->in.pos += n;
	if (st) return idt__rerr(r, err, st, "cannot extract the page's text", 0, 0);
	hs->id.len = 0;
	if (idt__buf_json_str(&hs->id, r->name, strlen(r->name)))
		return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
	if (hs->h.bad_bytes || hs->h.unknown_charset) {
		hs->pending = 1;
		return idt__rerr(r, err, IDT_EPARSE,
		                 hs->h.unknown_charset ? "unknown charset; read as UTF-8"
		                                       : "bytes invalid in the page's charset "
		                                         "(replaced by U+FFFD; the page follows)",
		                 0, 0);
	}
	html_record(r, rec);
	return IDT_OK;
}

const idt__fmt_ops idt__html_ops = {html_init, html_next, html_free};
