/*
 * graph.h - the network graph both storage backends build for GET /incidents/{id}/network:
 * nodes (incidents and observables) and edges, each added once, capped at
 * IDT__NET_MAX_NODES nodes (the reply then says "truncated").  Backend-independent: the
 * backends run the access-controlled queries and feed the rows in here.
 */
#ifndef IDT_STORE_GRAPH_H
#define IDT_STORE_GRAPH_H

#include <jansson.h>

#define IDT__NET_MAX_NODES 500 /* network graph size cap */

typedef struct idt__graph {
	json_t *nodes, *edges, *seen; /* seen: node and edge keys -> true */
	int truncated;                /* a node was refused by the cap */
} idt__graph;

/* Adds node (reference taken) under key unless already there: 1 added, 0 already there, -1
 * refused by the cap (truncated set). */
int idt__graph_add_node(idt__graph *g, const char *key, json_t *node);
/* Adds the edge a -> b of kind (with an optional detail) unless already there. */
void idt__graph_add_edge(idt__graph *g, const char *a, const char *b, const char *kind,
                         const char *det);

#endif
