/*
 * test_user.c: the workspace's accounts (noded/core/user.c) in a real node store: add and
 * read back, a taken name, roles parsed and formatted, password hashes that check only the
 * right password, a disabled user who cannot log in, a new password, names refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "domain.h"
#include "err.h"
#include "keys.h"
#include "fixture.h"
#include "unit.h"

#define AGENCY FIXTURE_AGENCY

static int
setup(void **state)
{
	return fixture_node_setup(state, "user");
}

#define teardown fixture_node_teardown

/* ------------------------------------------------------------------------------------------ */

static int
count_fn(const struct user *u, void *arg)
{
	(void)u;
	(*(int *)arg)++;
	return 0;
}

static void
get(struct fx *f, const char *name, struct user *u, int want)
{
	MDB_txn *txn;

	assert_int_equal(store_read_begin(f->n.st, &txn), 0);
	assert_int_equal(user_get(txn, &f->n, name, u), want);
	store_read_end(&txn);
}

static void
test_add_and_check(void **state)
{
	struct fx *f = *state;
	char hash[USER_HASH_MAX], hash2[USER_HASH_MAX];
	struct user u;
	MDB_txn *txn;
	int count = 0;

	assert_int_equal(user_hash("mật khẩu dài", hash), 0);
	assert_int_equal(user_add(&f->n, "lan.nguyen", "Chuyên viên", ROLE_DRAFTER | ROLE_CHECKER,
	    hash), 0);
	get(f, "lan.nguyen", &u, 0);
	assert_string_equal(u.name, "lan.nguyen");
	assert_string_equal(u.position, "Chuyên viên");
	assert_int_equal(u.roles, ROLE_DRAFTER | ROLE_CHECKER);
	assert_int_equal(u.disabled, 0);
	assert_true(u.created > 0);
	assert_true(user_check(&u, "mật khẩu dài"));
	assert_false(user_check(&u, "mật khẩu dà"));
	assert_false(user_check(&u, ""));

	/* A taken name is refused and the first account is left as it was. */
	assert_int_equal(user_hash("another password", hash2), 0);
	assert_int_equal(user_add(&f->n, "lan.nguyen", "", ROLE_APPROVER, hash2), EISO_EXISTS);
	get(f, "lan.nguyen", &u, 0);
	assert_int_equal(u.roles, ROLE_DRAFTER | ROLE_CHECKER);
	assert_true(user_check(&u, "mật khẩu dài"));

	/* A new password replaces the old one. */
	assert_int_equal(user_set_hash(&f->n, "lan.nguyen", hash2), 0);
	get(f, "lan.nguyen", &u, 0);
	assert_false(user_check(&u, "mật khẩu dài"));
	assert_true(user_check(&u, "another password"));

	assert_int_equal(user_add(&f->n, "binh", "", ROLE_APPROVER, hash), 0);
	assert_int_equal(store_read_begin(f->n.st, &txn), 0);
	assert_int_equal(user_list(txn, &f->n, count_fn, &count), 0);
	store_read_end(&txn);
	assert_int_equal(count, 2);
	get(f, "nobody", &u, EISO_NOTFOUND);
}

/* One rule for a password change: the CLI's reset (no old password) and the user's own. */
static void
test_passwd(void **state)
{
	struct fx *f = *state;
	char hash[USER_HASH_MAX];
	struct user u;

	assert_int_equal(user_hash("first password", hash), 0);
	assert_int_equal(user_add(&f->n, "lan", "", ROLE_DRAFTER, hash), 0);
	assert_int_equal(user_passwd(&f->n, "lan", "wrong password", "second password"),
	    EISO_INVAL);
	assert_non_null(strstr(eiso_lasterr(EISO_INVAL), "old_password"));
	assert_int_equal(user_passwd(&f->n, "lan", "first password", "first password"),
	    EISO_INVAL);
	assert_non_null(strstr(eiso_lasterr(EISO_INVAL), "password: the new password is the old"));
	assert_int_equal(user_passwd(&f->n, "lan", "first password", "short"), EISO_INVAL);
	assert_non_null(strstr(eiso_lasterr(EISO_INVAL), "password: 8 to"));
	assert_int_equal(user_passwd(&f->n, "nobody", NULL, "second password"), EISO_NOTFOUND);
	get(f, "lan", &u, 0);
	assert_true(user_check(&u, "first password"));       /* nothing refused was written */
	assert_int_equal(user_passwd(&f->n, "lan", "first password", "second password"), 0);
	get(f, "lan", &u, 0);
	assert_true(user_check(&u, "second password"));
	assert_false(user_check(&u, "first password"));
	assert_int_equal(user_passwd(&f->n, "lan", NULL, "third password"), 0);   /* reset */
	get(f, "lan", &u, 0);
	assert_true(user_check(&u, "third password"));
	/* A disabled account's old password never matches. */
	assert_int_equal(user_set_disabled(&f->n, "lan", 1), 0);
	assert_int_equal(user_passwd(&f->n, "lan", "third password", "fourth password"),
	    EISO_INVAL);
}

static void
test_disable_and_roles(void **state)
{
	struct fx *f = *state;
	char hash[USER_HASH_MAX];
	struct user u;

	assert_int_equal(user_hash("password1", hash), 0);
	assert_int_equal(user_add(&f->n, "an", "", ROLE_APPROVER, hash), 0);
	assert_int_equal(user_set_disabled(&f->n, "an", 1), 0);
	get(f, "an", &u, 0);
	assert_false(user_check(&u, "password1"));
	assert_int_equal(user_set_disabled(&f->n, "an", 0), 0);
	get(f, "an", &u, 0);
	assert_true(user_check(&u, "password1"));

	assert_int_equal(user_set_roles(&f->n, "an", ROLE_IT_ADMIN | ROLE_ONE_STOP), 0);
	get(f, "an", &u, 0);
	assert_int_equal(u.roles, ROLE_IT_ADMIN | ROLE_ONE_STOP);
	assert_int_equal(user_set_roles(&f->n, "an", 0), EISO_INVAL);
	assert_int_equal(user_set_roles(&f->n, "an", ROLE_IT_ADMIN | ROLE_APPROVER), EISO_INVAL);
	assert_int_equal(user_add(&f->n, "root", "", ROLE_IT_ADMIN | ROLE_APPROVER, hash),
	    EISO_INVAL);
	assert_int_equal(user_set_roles(&f->n, "ghost", ROLE_DRAFTER), EISO_NOTFOUND);
	assert_int_equal(user_set_disabled(&f->n, "ghost", 1), EISO_NOTFOUND);
}

static void
test_names_and_roles(void **state)
{
	struct fx *f = *state;
	char hash[USER_HASH_MAX], buf[160];
	uint32_t roles;

	(void)f;
	assert_int_equal(user_roles_parse("drafter,approver", &roles), 0);
	assert_int_equal(roles, ROLE_DRAFTER | ROLE_APPROVER);
	assert_int_equal(user_roles_parse("iso_secretary, records_clerk", &roles), 0);
	assert_int_equal(roles, ROLE_ISO_SECRETARY | ROLE_RECORDS_CLERK);
	user_roles_format(ROLE_CHECKER | ROLE_IT_ADMIN, buf, sizeof(buf));
	assert_string_equal(buf, "checker,it_admin");
	assert_int_equal(user_roles_parse("drafter,boss", &roles), EISO_INVAL);
	assert_int_equal(user_roles_parse("", &roles), EISO_INVAL);
	assert_int_equal(user_roles_parse(NULL, &roles), EISO_INVAL);

	assert_int_equal(user_name_ok("a.b-c_9"), 0);
	assert_int_equal(user_name_ok("Lan"), EISO_INVAL);
	assert_int_equal(user_name_ok(""), EISO_INVAL);
	assert_int_equal(user_name_ok("a b"), EISO_INVAL);
	assert_int_equal(user_name_ok("012345678901234567890123456789012"), EISO_INVAL);
	assert_int_equal(user_hash("short", hash), EISO_INVAL);
	assert_int_equal(user_hash("longenough", hash), 0);
	assert_int_equal(user_add(&f->n, "Bad Name", "", ROLE_DRAFTER, hash), EISO_INVAL);
	assert_int_equal(user_add(&f->n, "ok", "", 0, hash), EISO_INVAL);
}

static int
schema_2_txn(MDB_txn *txn, void *arg)
{
	store_t *st = arg;

	return store_put_u64(txn, store_dbi(st, 0), "schema", 2);
}

/* A node store of schema 2 (no users table): refused read-only, upgraded by a write open. */
static void
test_upgrade_from_2(void **state)
{
	struct fx *f = *state;
	char *dir = unit_path(f->dir, "old");
	store_t *st;
	MDB_txn *txn;
	MDB_dbi users;

	assert_int_equal(store_open(dir, node_dbnames, NDB_USERS, 0, &st), 0);
	assert_int_equal(store_write(st, schema_2_txn, st), 0);
	store_close(&st);
	assert_int_equal(store_open(dir, node_dbnames, NDB_COUNT, 1, &st), EISO_VERSION);
	assert_int_equal(store_open(dir, node_dbnames, NDB_COUNT, 0, &st), 0);
	assert_int_equal(store_upgraded_from(st), 2);
	store_close(&st);
	assert_int_equal(store_open(dir, node_dbnames, NDB_COUNT, 1, &st), 0);
	assert_int_equal(store_read_begin(st, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "users", 0, &users), 0);
	store_read_end(&txn);
	store_close(&st);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_and_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable_and_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passwd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_and_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_2, setup, teardown),
	};

	return cmocka_run_group_tests_name("user", tests, NULL, NULL);
}
