/*
 * store.c - opens a storage backend from a location (see store.h).  SQLite serves file paths;
 * postgresql:// URLs are reserved for the PostgreSQL backend.
 */
#include <string.h>
#include "store.h"

/* issue 9: the PostgreSQL backend (src/store/pg_*.c, declared in pg_int.h) */
idt_status idt__pg_open(const char *url, idt_store **out, const char **errmsg);

idt_status idt__store_open(const char *location, idt_store **out, const char **errmsg)
{
	*out = NULL;
	if (!location || !*location) {
		if (errmsg) *errmsg = "no database location";
		return IDT_EINVAL;
	}
	if (strncmp(location, "postgresql://", 13) == 0 ||
	    strncmp(location, "postgres://", 11) == 0) {
		return idt__pg_open(location, out, errmsg); /* issue 9: PostgreSQL backend */
	}
	return idt__sqlite_open(location, 8, out, errmsg);
}

void idt__store_close(idt_store *st)
{
	if (st) st->ops->close(st);
}
