/*
 * test_store.c: unit tests for common/store.c on a real LMDB environment in a temp dir:
 * creation and schema version, all-or-nothing store_write (the I1 mechanism), map growth on
 * MDB_MAP_FULL, refusal of a newer schema, big-endian key order, and protobuf messages packed
 * straight into reserved space (store_put_pb).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "eiso.pb-c.h"
#include "err.h"
#include "grow.h"
#include "store.h"
#include "unit.h"

#define T_META 0
#define T_A    1
#define T_B    2

static const char *const names[] = { "meta", "a", "b" };

struct fixture {
	char *dir;
	store_t *st;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->dir = unit_mkdtemp("store")) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(&f->st);
	if (unit_rmtree(&f->dir) != 0)
		return -1;
	free(f);
	return 0;
}

static void
open_rw(struct fixture *f)
{
	int rc = store_open(f->dir, names, 3, 0, &f->st);

	if (rc != 0)
		fail_msg("store_open: %s", eiso_lasterr(rc));
	assert_non_null(f->st);
}

/* --- helpers run inside store_write ------------------------------------------------------ */

struct two_tables {
	MDB_dbi a, b;
	int result;     /* what the callback returns after writing both */
	int calls;
};

static int
write_two(MDB_txn *txn, void *arg)
{
	struct two_tables *w = arg;
	int rc;

	w->calls++;
	if ((rc = store_put_str(txn, w->a, "doc", "QT-01", 5)) != 0 ||
	    (rc = store_put_str(txn, w->b, "outbox", "change 1", 8)) != 0)
		return rc;
	return w->result;
}

static int
get_str(store_t *st, MDB_dbi dbi, const char *key, char *out, size_t outsz)
{
	MDB_txn *txn;
	MDB_val v;
	int rc;

	assert_int_equal(store_read_begin(st, &txn), 0);
	rc = store_get_str(txn, dbi, key, &v);
	if (rc == 0) {
		assert_true(v.mv_size < outsz);
		memcpy(out, v.mv_data, v.mv_size);
		out[v.mv_size] = '\0';
	}
	store_read_end(&txn);
	assert_null(txn);
	return rc;
}

/* --- tests ------------------------------------------------------------------------------- */

static void
test_open_creates_tables_and_schema(void **state)
{
	struct fixture *f = *state;
	char *data = unit_path(f->dir, "data.mdb");
	struct stat sb;
	MDB_txn *txn;
	uint64_t schema = 0;
	char buf[32];
	struct two_tables w;

	open_rw(f);
	assert_int_equal(stat(data, &sb), 0);
	free(data);

	assert_int_equal(store_read_begin(f->st, &txn), 0);
	assert_int_equal(store_get_u64(txn, store_dbi(f->st, T_META), "schema", &schema), 0);
	assert_int_equal(schema, STORE_SCHEMA);
	assert_int_equal(store_count(txn, store_dbi(f->st, T_A)), 0);
	assert_int_equal(store_count(txn, store_dbi(f->st, T_B)), 0);
	/* Each name got its own table, not one shared handle. */
	assert_int_not_equal(store_dbi(f->st, T_A), store_dbi(f->st, T_B));
	store_read_end(&txn);

	w = (struct two_tables){ store_dbi(f->st, T_A), store_dbi(f->st, T_B), 0, 0 };
	assert_int_equal(store_write(f->st, write_two, &w), 0);
	store_close(&f->st);
	assert_null(f->st);

	/* Read-only reopen sees the tables, the schema and the data. */
	assert_int_equal(store_open(f->dir, names, 3, 1, &f->st), 0);
	assert_int_equal(get_str(f->st, store_dbi(f->st, T_A), "doc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "QT-01");
	assert_int_equal(get_str(f->st, store_dbi(f->st, T_B), "outbox", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "change 1");
	assert_int_equal(get_str(f->st, store_dbi(f->st, T_B), "doc", buf, sizeof(buf)),
	    EISO_NOTFOUND);
}

static void
test_open_refusals(void **state)
{
	struct fixture *f = *state;
	static const char *const nometa[] = { "a", "meta" };
	static const char *const extra[] = { "meta", "a", "b", "never-created" };
	char *fresh = unit_path(f->dir, "fresh");
	char *missing = unit_path(f->dir, "missing/deeper");
	store_t *st = (store_t *)1;

	/* The first table must be meta: the schema version lives there. */
	assert_int_equal(store_open(f->dir, nometa, 2, 0, &st), EISO_INVAL);
	assert_null(st);
	assert_int_equal(store_open(f->dir, names, 0, 0, &st), EISO_INVAL);
	assert_int_equal(store_open(f->dir, names, STORE_MAX_DBS + 1, 0, &st), EISO_INVAL);

	/* Read-only never creates: not the directory, not a table, not the schema. */
	assert_int_equal(store_open(missing, names, 3, 1, &st), EISO_STORE);
	assert_null(st);
	assert_int_equal(mkdir(fresh, 0700), 0);
	assert_int_equal(store_open(fresh, names, 3, 1, &st), EISO_STORE);
	assert_null(st);

	open_rw(f);
	store_close(&f->st);
	eiso_clearerr();
	assert_int_equal(store_open(f->dir, extra, 4, 1, &st), EISO_STORE);
	assert_null(st);
	assert_non_null(strstr(eiso_lasterr(EISO_STORE), "never-created"));
	free(fresh);
	free(missing);
}

/* I1: a callback that writes two tables and then fails leaves neither written. */
static void
test_write_is_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	struct two_tables w;
	char buf[32];

	open_rw(f);
	w = (struct two_tables){ store_dbi(f->st, T_A), store_dbi(f->st, T_B), EISO_INVAL, 0 };
	assert_int_equal(store_write(f->st, write_two, &w), EISO_INVAL);
	assert_int_equal(w.calls, 1);    /* an ordinary error is not retried */
	assert_int_equal(get_str(f->st, w.a, "doc", buf, sizeof(buf)), EISO_NOTFOUND);
	assert_int_equal(get_str(f->st, w.b, "outbox", buf, sizeof(buf)), EISO_NOTFOUND);

	/* Survives a reopen too: nothing half-written reached the file. */
	store_close(&f->st);
	open_rw(f);
	assert_int_equal(get_str(f->st, w.a, "doc", buf, sizeof(buf)), EISO_NOTFOUND);
	assert_int_equal(get_str(f->st, w.b, "outbox", buf, sizeof(buf)), EISO_NOTFOUND);

	w.result = 0;
	w.calls = 0;
	assert_int_equal(store_write(f->st, write_two, &w), 0);
	assert_int_equal(w.calls, 1);
	assert_int_equal(get_str(f->st, w.a, "doc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "QT-01");
	assert_int_equal(get_str(f->st, w.b, "outbox", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "change 1");
}

#define BIG_VALUE ((size_t)1 << 20)
#define BIG_COUNT 300      /* 300 MiB: more than the 256 MiB initial map */

struct big_put {
	MDB_dbi dbi;
	uint64_t i;
	uint8_t *value;
	int calls;
};

static int
put_big(MDB_txn *txn, void *arg)
{
	struct big_put *p = arg;
	uint8_t key[8];
	MDB_val k = { sizeof(key), key }, v = { BIG_VALUE, p->value };

	p->calls++;
	store_be64(key, p->i);
	/* Stamp the value so a misplaced or stale value would show. */
	store_be64(p->value, p->i);
	return store_rc(mdb_put(txn, p->dbi, &k, &v, 0));
}

static void
test_map_grows_when_full(void **state)
{
	struct fixture *f = *state;
	struct big_put p;
	MDB_envinfo info;
	MDB_txn *txn;
	MDB_val k, v;
	uint8_t key[8];

	open_rw(f);
	mdb_env_info(store_env(f->st), &info);
	assert_true(info.me_mapsize < (size_t)BIG_COUNT * BIG_VALUE);

	memset(&p, 0, sizeof(p));
	p.dbi = store_dbi(f->st, T_A);
	assert_non_null(p.value = calloc(1, BIG_VALUE));
	for (p.i = 0; p.i < BIG_COUNT; p.i++) {
		int rc = store_write(f->st, put_big, &p);
		if (rc != 0)
			fail_msg("value %llu: %s", (unsigned long long)p.i, eiso_lasterr(rc));
	}
	/* At least one write hit MAP_FULL and was run again on a bigger map. */
	assert_true(p.calls > BIG_COUNT);
	mdb_env_info(store_env(f->st), &info);
	assert_true(info.me_mapsize >= (size_t)BIG_COUNT * BIG_VALUE);
	free(p.value);

	/* Everything is there, also for a fresh open that must adopt the grown map. */
	store_close(&f->st);
	assert_int_equal(store_open(f->dir, names, 3, 1, &f->st), 0);
	assert_int_equal(store_read_begin(f->st, &txn), 0);
	assert_int_equal(store_count(txn, store_dbi(f->st, T_A)), BIG_COUNT);
	for (uint64_t i = 0; i < BIG_COUNT; i += 37) {
		store_be64(key, i);
		k = (MDB_val){ sizeof(key), key };
		assert_int_equal(mdb_get(txn, store_dbi(f->st, T_A), &k, &v), 0);
		assert_int_equal(v.mv_size, BIG_VALUE);
		assert_int_equal(store_get_be64(v.mv_data), i);
	}
	store_read_end(&txn);
}

static int
put_schema_99(MDB_txn *txn, void *arg)
{
	store_t *st = arg;

	return store_put_u64(txn, store_dbi(st, T_META), "schema", 99);
}

static void
test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	store_t *st = (store_t *)1;

	open_rw(f);
	assert_int_equal(store_write(f->st, put_schema_99, f->st), 0);
	store_close(&f->st);

	eiso_clearerr();
	assert_int_equal(store_open(f->dir, names, 3, 0, &st), EISO_VERSION);
	assert_null(st);
	assert_non_null(strstr(eiso_lasterr(EISO_VERSION), "99"));
	assert_int_equal(store_open(f->dir, names, 3, 1, &st), EISO_VERSION);
	assert_null(st);
}

static int
put_bad_u64(MDB_txn *txn, void *arg)
{
	store_t *st = arg;

	return store_put_str(txn, store_dbi(st, T_META), "short", "abc", 3);
}

static void
test_u64_values(void **state)
{
	struct fixture *f = *state;
	MDB_txn *txn;
	uint64_t v = 7;

	open_rw(f);
	assert_int_equal(store_write(f->st, put_bad_u64, f->st), 0);
	assert_int_equal(store_read_begin(f->st, &txn), 0);
	assert_int_equal(store_get_u64(txn, store_dbi(f->st, T_META), "absent", &v),
	    EISO_NOTFOUND);
	assert_int_equal(v, 7);
	/* A value of the wrong size is corruption, not a number. */
	assert_int_equal(store_get_u64(txn, store_dbi(f->st, T_META), "short", &v), EISO_STORE);
	store_read_end(&txn);

	assert_int_equal(store_rc(0), 0);
	assert_int_equal(store_rc(MDB_NOTFOUND), EISO_NOTFOUND);
	assert_int_equal(store_rc(MDB_MAP_FULL), MDB_MAP_FULL);
	assert_int_equal(store_rc(MDB_CORRUPTED), EISO_STORE);
}

struct pb_put {
	MDB_dbi dbi;
	const char *key;
	const Eiso__BlobRef *ref;
	unsigned flags;
	int calls;
};

static int
put_pb(MDB_txn *txn, void *arg)
{
	struct pb_put *p = arg;

	p->calls++;
	return store_put_pb(txn, p->dbi, p->key, strlen(p->key), &p->ref->base, p->flags);
}

/* The value under key, unpacked (NULL when absent). */
static Eiso__BlobRef *
get_pb(struct fixture *f, const char *key, size_t *size)
{
	MDB_txn *txn;
	MDB_val k = { strlen(key), (void *)key }, v;
	Eiso__BlobRef *r = NULL;

	assert_int_equal(store_read_begin(f->st, &txn), 0);
	if (mdb_get(txn, store_dbi(f->st, T_A), &k, &v) == 0) {
		*size = v.mv_size;
		assert_non_null(r = eiso__blob_ref__unpack(NULL, v.mv_size, v.mv_data));
	}
	store_read_end(&txn);
	return r;
}

static void
test_put_pb(void **state)
{
	struct fixture *f = *state;
	uint8_t sha[32];
	Eiso__BlobRef ref = EISO__BLOB_REF__INIT, *got;
	struct pb_put p = { 0, "k1", &ref, 0, 0 };
	size_t size = 0;

	open_rw(f);
	p.dbi = store_dbi(f->st, T_A);
	memset(sha, 0xab, sizeof(sha));
	ref.sha256 = (ProtobufCBinaryData){ sizeof(sha), sha };
	ref.size = 123456;
	ref.name = "quy-trinh.pdf";
	ref.media_type = "application/pdf";
	ref.pages = 7;
	assert_int_equal(store_write(f->st, put_pb, &p), 0);
	/* Stored exactly as packed: the reserved space is the packed size, no more. */
	assert_non_null(got = get_pb(f, "k1", &size));
	assert_int_equal(size, eiso__blob_ref__get_packed_size(&ref));
	assert_memory_equal(got->sha256.data, sha, sizeof(sha));
	assert_int_equal(got->size, 123456);
	assert_string_equal(got->name, "quy-trinh.pdf");
	assert_string_equal(got->media_type, "application/pdf");
	assert_int_equal(got->pages, 7);
	eiso__blob_ref__free_unpacked(got, NULL);

	/* Without flags it replaces, also by a shorter value. */
	ref.name = "a";
	ref.pages = 0;
	assert_int_equal(store_write(f->st, put_pb, &p), 0);
	assert_non_null(got = get_pb(f, "k1", &size));
	assert_int_equal(size, eiso__blob_ref__get_packed_size(&ref));
	assert_string_equal(got->name, "a");
	eiso__blob_ref__free_unpacked(got, NULL);

	/* MDB_NOOVERWRITE refuses an existing key and leaves its value alone. */
	ref.name = "other";
	p.flags = MDB_NOOVERWRITE;
	eiso_clearerr();
	assert_int_equal(store_write(f->st, put_pb, &p), EISO_STORE);
	assert_non_null(got = get_pb(f, "k1", &size));
	assert_string_equal(got->name, "a");
	eiso__blob_ref__free_unpacked(got, NULL);

	/* An empty message is a value of zero bytes, not an error. */
	memset(&ref, 0, sizeof(ref));
	eiso__blob_ref__init(&ref);
	p.key = "empty";
	assert_int_equal(store_write(f->st, put_pb, &p), 0);
	assert_non_null(got = get_pb(f, "empty", &size));
	assert_int_equal(size, 0);
	eiso__blob_ref__free_unpacked(got, NULL);
}

static void
test_be64_layout(void **state)
{
	static const uint64_t vals[] = { 0, 1, 255, 256, 65535, 65536, UINT32_MAX,
	    (uint64_t)UINT32_MAX + 1, (uint64_t)1 << 63, UINT64_MAX };
	static const uint8_t want[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t b[8];

	(void)state;
	store_be64(b, 0x0102030405060708ULL);
	assert_memory_equal(b, want, 8);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		store_be64(b, vals[i]);
		assert_true(store_get_be64(b) == vals[i]);
	}
}

struct be_keys {
	MDB_dbi dbi;
	const uint64_t *vals;
	size_t n;
};

static int
put_be_keys(MDB_txn *txn, void *arg)
{
	struct be_keys *k = arg;
	int rc;

	for (size_t i = 0; i < k->n; i++) {
		uint8_t key[8];
		MDB_val kv = { sizeof(key), key }, v = { 0, "" };

		store_be64(key, k->vals[i]);
		if ((rc = store_rc(mdb_put(txn, k->dbi, &kv, &v, 0))) != 0)
			return rc;
	}
	return 0;
}

/* Cursor order over big-endian keys is numeric order (what the outbox and log rely on). */
static void
test_be64_cursor_order(void **state)
{
	/* Shuffled, and chosen so little-endian or text order would differ. */
	static const uint64_t vals[] = { 256, 1, 65536, (uint64_t)1 << 40, 255, 2, 10,
	    UINT64_MAX, 0, 4294967296ULL, 100, 9, 257 };
	struct fixture *f = *state;
	struct be_keys k;
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val kv, v;
	uint64_t prev = 0, got;
	size_t n = 0;
	int rc;

	open_rw(f);
	k = (struct be_keys){ store_dbi(f->st, T_A), vals, sizeof(vals) / sizeof(vals[0]) };
	assert_int_equal(store_write(f->st, put_be_keys, &k), 0);
	assert_int_equal(store_read_begin(f->st, &txn), 0);
	assert_int_equal(mdb_cursor_open(txn, k.dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &kv, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &kv, &v, MDB_NEXT)) {
		assert_int_equal(kv.mv_size, 8);
		got = store_get_be64(kv.mv_data);
		if (n > 0)
			assert_true(got > prev);
		prev = got;
		n++;
	}
	assert_int_equal(rc, MDB_NOTFOUND);
	assert_int_equal(n, k.n);
	assert_true(prev == UINT64_MAX);
	mdb_cursor_close(c);
	store_read_end(&txn);
}

static void
test_now_ms(void **state)
{
	int64_t a, b;

	(void)state;
	a = store_now_ms();
	b = store_now_ms();
	/* Milliseconds since 1970, not seconds or microseconds: after 2020, before 2100. */
	assert_true(a > 1577836800000LL && a < 4102444800000LL);
	assert_true(b >= a);
}

/* eiso_grow: room for one more, the elements kept, first then doubling, overflow refused. */
static void
test_grow(void **state)
{
	struct pair { uint64_t a, b; } *arr = NULL, *big = NULL;
	size_t n = 0, cap = 0, bigcap = 1;

	(void)state;
	for (uint64_t i = 0; i < 1000; i++) {
		assert_int_equal(eiso_grow(&arr, n, &cap, sizeof(*arr), 16), 0);
		assert_true(cap > n);
		arr[n++] = (struct pair){ i, ~i };
	}
	assert_int_equal(cap, 1024);    /* 16, 32, ..., 1024 */
	for (uint64_t i = 0; i < 1000; i++)
		assert_true(arr[i].a == i && arr[i].b == ~i);
	/* Already room: nothing moves. */
	assert_int_equal(eiso_grow(&arr, 5, &cap, sizeof(*arr), 16), 0);
	assert_int_equal(cap, 1024);
	free(arr);
	/* A capacity whose double overflows size_t is refused, and the array left as it was. */
	bigcap = SIZE_MAX / 2 + 1;
	assert_int_equal(eiso_grow(&big, bigcap, &bigcap, sizeof(*big), 16), -1);
	assert_null(big);
	assert_true(bigcap == SIZE_MAX / 2 + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates_tables_and_schema, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_is_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_grows_when_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_u64_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_pb, setup, teardown),
		cmocka_unit_test(test_be64_layout),
		cmocka_unit_test_setup_teardown(test_be64_cursor_order, setup, teardown),
		cmocka_unit_test(test_now_ms),
		cmocka_unit_test(test_grow),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
