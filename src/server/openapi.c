/*
 * openapi.c - GET /api/v1/openapi.json: the OpenAPI 3.1 description of the whole REST API.
 *
 * The document is data/openapi/interdict.json, compiled into the program by scripts/embed.py
 * (openapi_embed.c), so it is served from any directory.  tests/http/test_openapi.py keeps it
 * true: every route of routes.c must be in it and everything in it must be a route, and it must
 * validate as OpenAPI 3.1 (tests/interop).
 */
#include <stdlib.h>
#include <string.h>
#include "interop.h"
#include "kb/embedded.h"
#include "routes.h"

extern const struct idt__embedded idt__openapi_files[];

const char *idt__openapi_text(size_t *len)
{
	*len = idt__openapi_files[0].len;
	return idt__openapi_files[0].data;
}

int idt__h_openapi(idt_req *r, char **p)
{
	(void)p;
	size_t n;
	const char *t = idt__openapi_text(&n);
	char *copy = malloc(n ? n : 1);
	if (!copy) return idt__reply_status(r, IDT_ENOMEM);
	memcpy(copy, t, n);
	r->raw = copy;
	r->raw_len = n;
	r->raw_type = "application/json";
	r->status = 200;
	return 0;
}
