/*
 * test_schema.c: the store's layout version (common/store.c). A new store is stamped with
 * STORE_SCHEMA; a store made before versions were kept (a meta table without "schema":
 * schema 0) is refused read-only, naming what to do, and upgraded in place by a write open,
 * its data intact; a read-only open of an older store that lacks a table says the store is
 * older rather than naming the table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "err.h"
#include "store.h"
#include "unit.h"

static const char *const names[] = { "meta", "docs" };
static const char *const more[] = { "meta", "docs", "added-later" };

struct fixture {
	char *dir;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->dir = unit_mkdtemp("schema")) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (unit_rmtree(&f->dir) != 0)
		return -1;
	free(f);
	return 0;
}

static uint64_t
schema_of(store_t *st)
{
	MDB_txn *txn;
	uint64_t v = 12345;

	assert_int_equal(store_read_begin(st, &txn), 0);
	assert_int_equal(store_get_u64(txn, store_dbi(st, 0), "schema", &v), 0);
	store_read_end(&txn);
	return v;
}

/* What an old build left: data in meta and docs, no "schema". */
static int
make_legacy(MDB_txn *txn, void *arg)
{
	store_t *st = arg;
	MDB_val k = { 6, "schema" };
	int rc;

	if ((rc = store_put_str(txn, store_dbi(st, 0), "agency", "vp-skhcn", 8)) != 0 ||
	    (rc = store_put_str(txn, store_dbi(st, 1), "QT-01", "a document", 10)) != 0)
		return rc;
	return store_rc(mdb_del(txn, store_dbi(st, 0), &k, NULL));
}

static void
test_new_store_stamped(void **state)
{
	struct fixture *f = *state;
	store_t *st = NULL;

	assert_int_equal(store_open(f->dir, names, 2, 0, &st), 0);
	assert_int_equal(store_upgraded_from(st), -1);
	assert_int_equal(schema_of(st), STORE_SCHEMA);
	store_close(&st);
	assert_int_equal(store_open(f->dir, names, 2, 1, &st), 0);
	assert_int_equal(store_upgraded_from(st), -1);
	store_close(&st);
}

static void
test_schema0_upgraded_in_place(void **state)
{
	struct fixture *f = *state;
	store_t *st = NULL;
	MDB_txn *txn;
	MDB_val v;

	assert_int_equal(store_open(f->dir, names, 2, 0, &st), 0);
	assert_int_equal(store_write(st, make_legacy, st), 0);
	store_close(&st);

	/* Read-only: refused, saying it is older and how to upgrade. */
	eiso_clearerr();
	assert_int_equal(store_open(f->dir, names, 2, 1, &st), EISO_VERSION);
	assert_null(st);
	assert_non_null(strstr(eiso_lasterr(EISO_VERSION), "schema 0 is older"));
	assert_non_null(strstr(eiso_lasterr(EISO_VERSION), "upgrade it in place"));

	/* A write open upgrades, once, and keeps the data. */
	assert_int_equal(store_open(f->dir, names, 2, 0, &st), 0);
	assert_int_equal(store_upgraded_from(st), 0);
	assert_int_equal(schema_of(st), STORE_SCHEMA);
	assert_int_equal(store_read_begin(st, &txn), 0);
	assert_int_equal(store_get_str(txn, store_dbi(st, 1), "QT-01", &v), 0);
	assert_int_equal(v.mv_size, 10);
	assert_memory_equal(v.mv_data, "a document", 10);
	assert_int_equal(store_get_str(txn, store_dbi(st, 0), "agency", &v), 0);
	store_read_end(&txn);
	store_close(&st);
	assert_int_equal(store_open(f->dir, names, 2, 0, &st), 0);
	assert_int_equal(store_upgraded_from(st), -1);
	store_close(&st);
	assert_int_equal(store_open(f->dir, names, 2, 1, &st), 0);
	store_close(&st);
}

static void
test_older_missing_table_named_as_older(void **state)
{
	struct fixture *f = *state;
	store_t *st = NULL;

	assert_int_equal(store_open(f->dir, names, 2, 0, &st), 0);
	assert_int_equal(store_write(st, make_legacy, st), 0);
	store_close(&st);

	/* The layout the program expects has a table this old store lacks. */
	eiso_clearerr();
	assert_int_equal(store_open(f->dir, more, 3, 1, &st), EISO_VERSION);
	assert_non_null(strstr(eiso_lasterr(EISO_VERSION), "older"));
	assert_int_equal(store_open(f->dir, more, 3, 0, &st), 0);
	assert_int_equal(store_upgraded_from(st), 0);
	store_close(&st);
	assert_int_equal(store_open(f->dir, more, 3, 1, &st), 0);
	store_close(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_store_stamped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema0_upgraded_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_older_missing_table_named_as_older, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
