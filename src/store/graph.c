/*
 * graph.c - building the network graph of incidents and observables, shared by the SQLite and
 * PostgreSQL backends (graph.h).
 */
#include <stdio.h>
#include "graph.h"

int idt__graph_add_node(idt__graph *g, const char *key, json_t *node)
{
	if (json_object_get(g->seen, key)) {
		json_decref(node);
		return 0;
	}
	if (json_array_size(g->nodes) >= IDT__NET_MAX_NODES) {
		g->truncated = 1;
		json_decref(node);
		return -1;
	}
	json_object_set_new(g->seen, key, json_true());
	json_object_set_new(node, "id", json_string(key));
	json_array_append_new(g->nodes, node);
	return 1;
}

void idt__graph_add_edge(idt__graph *g, const char *a, const char *b, const char *kind,
                         const char *det)
{
	char key[96];
	snprintf(key, sizeof key, "e:%s|%s|%s", a, b, kind);
	if (json_object_get(g->seen, key)) return;
	json_object_set_new(g->seen, key, json_true());
	json_array_append_new(g->edges, json_pack("{s:s,s:s,s:s,s:s?}", "source", a, "target", b,
	                                          "kind", kind, "detail", det));
}
