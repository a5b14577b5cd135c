/*
 * store.c - opens a storage backend from a location (see store.h).  SQLite serves file paths;
 * postgresql:// URLs are reserved for the PostgreSQL backend.
 */
#include <string.h>
#include "store.h"

idt_status idt__store_open(const char *location, idt_store **out, const char **errmsg)
{
	*out = NULL;
	if (!location || !*location) {
		if (errmsg) *errmsg = "no database location";
		return IDT_EINVAL;
	}
	if (strncmp(location, "postgresql://", 13) == 0 ||
	    strncmp(location, "postgres://", 11) == 0) {
		if (errmsg) *errmsg = "the PostgreSQL backend is not built yet";
		return IDT_EINVAL;
	}
	return idt__sqlite_open(location, 8, out, errmsg);
}

void idt__store_close(idt_store *st)
{
	if (st) st->ops->close(st);
}
