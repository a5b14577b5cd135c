/*
 * audit_chain.c - unit tests of the audit hash chain: the canonical form of an entry (exact
 * bytes), the hash (recomputed here independently with libsodium), and tamper detection by the
 * SQLite backend's verify after a row is edited, deleted or reordered in the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>
#include "store/audit_chain.h"
#include "store/store.h"

static void test_canonical(void **st)
{
	(void)st;
	char *c = idt__audit_canonical(7, 1700000000, 3, "nora", 1, "127.0.0.1", "read", "incident",
	                               "42", "{\"b\":1,\"a\":\"\\u00e9\"}");
	assert_non_null(c);
	assert_string_equal(c, "{\"action\":\"read\",\"addr\":\"127.0.0.1\",\"detail\":{\"a\":"
	                       "\"\\u00E9\",\"b\":1},\"id\":7,\"object_id\":\"42\",\"object_type\":"
	                       "\"incident\",\"org_id\":1,\"ts\":1700000000,\"user_id\":3,"
	                       "\"username\":\"nora\"}");
	free(c);
	c = idt__audit_canonical(1, 5, 0, NULL, 0, NULL, "login", NULL, NULL, NULL);
	assert_string_equal(c, "{\"action\":\"login\",\"addr\":null,\"detail\":null,\"id\":1,"
	                       "\"object_id\":null,\"object_type\":null,\"org_id\":null,\"ts\":5,"
	                       "\"user_id\":null,\"username\":null}");
	free(c);
}

static void test_hash(void **st)
{
	(void)st;
	const char *canon = "{\"id\":1}";
	unsigned char zero[32] = {0}, want[32];
	crypto_generichash_state s;
	crypto_generichash_init(&s, NULL, 0, 32);
	crypto_generichash_update(&s, zero, 32);
	crypto_generichash_update(&s, (const unsigned char *)canon, strlen(canon));
	crypto_generichash_final(&s, want, 32);
	char want_hex[65], got[65], next[65];
	sodium_bin2hex(want_hex, sizeof want_hex, want, 32);
	assert_int_equal(idt__audit_hash(IDT_AUDIT_GENESIS, canon, strlen(canon), got), IDT_OK);
	assert_string_equal(got, want_hex);
	/* chaining: a different predecessor gives a different hash */
	assert_int_equal(idt__audit_hash(got, canon, strlen(canon), next), IDT_OK);
	assert_string_not_equal(next, got);
	assert_int_equal(idt__audit_hash("xyz", canon, strlen(canon), got), IDT_EINVAL);
}

static void exec(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

static int64_t verify(const char *path, int64_t *checked)
{
	idt_store *s = NULL;
	assert_int_equal(idt__sqlite_open(path, 1, &s, NULL), IDT_OK);
	int64_t bad = -1;
	assert_int_equal(s->ops->audit_verify(s, checked, &bad), IDT_OK);
	idt__store_close(s);
	return bad;
}

static void test_tamper(void **st)
{
	(void)st;
	char path[] = "/tmp/idt-audit-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	idt_store *s = NULL;
	assert_int_equal(idt__sqlite_open(path, 2, &s, NULL), IDT_OK);
	idt_actor a = {.user_id = 1, .org_id = 1, .username = "nora", .addr = "10.0.0.1"};
	for (int i = 0; i < 5; i++) {
		json_t *d = json_pack("{s:i}", "n", i);
		assert_int_equal(s->ops->audit_append(s, &a, "read", "incident", "9", d), IDT_OK);
		json_decref(d);
	}
	/* append-only: the backend's own triggers refuse changes */
	sqlite3 *db;
	sqlite3_open(path, &db);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit_log SET addr = 'x'", 0, 0, 0),
	                     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit_log", 0, 0, 0), SQLITE_OK);
	sqlite3_close(db);
	idt__store_close(s);
	int64_t checked;
	assert_int_equal(verify(path, &checked), 0);
	assert_int_equal(checked, 5);
	/* edit one field of entry 3 */
	exec(path, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
	           " UPDATE audit_log SET addr = '10.0.0.2' WHERE id = 3");
	assert_int_equal(verify(path, &checked), 3);
	assert_int_equal(checked, 2);
	/* put it back: intact again */
	exec(path, "UPDATE audit_log SET addr = '10.0.0.1' WHERE id = 3");
	assert_int_equal(verify(path, &checked), 0);
	/* re-hash entry 3 with a forged detail: entry 4's link breaks */
	exec(path, "UPDATE audit_log SET detail = '{\"n\":7}' WHERE id = 3");
	assert_int_equal(verify(path, &checked), 3);
	exec(path, "UPDATE audit_log SET detail = '{\"n\":2}' WHERE id = 3");
	/* delete the last-but-one entry */
	exec(path, "DELETE FROM audit_log WHERE id = 4");
	assert_int_equal(verify(path, &checked), 5);
	unlink(path);
	char aux[64];
	snprintf(aux, sizeof aux, "%s-wal", path);
	unlink(aux);
	snprintf(aux, sizeof aux, "%s-shm", path);
	unlink(aux);
}

int main(void)
{
	if (sodium_init() < 0) return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_canonical),
	    cmocka_unit_test(test_hash),
	    cmocka_unit_test(test_tamper),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
