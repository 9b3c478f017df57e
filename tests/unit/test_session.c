/*
 * test_session.c: web sessions and the login limiter (common/session.c): a session found by
 * its token until it idles out, refreshed by use, ended by close, the oldest dropped when the
 * table is full; form tokens compared whole; lockouts that start at the threshold, double,
 * stop at the cap and end with a success.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "session.h"

static void
test_sessions(void **state)
{
	struct session_table *t;
	const struct session *s, *s2;
	char token[SESSION_TOKEN_HEX + 1], csrf[SESSION_CSRF_HEX + 1];

	(void)state;
	assert_int_equal(session_table_new(2, 1000, &t), 0);
	assert_null(session_open(t, "", 0));
	assert_non_null(s = session_open(t, "lan", 0));
	assert_int_equal(strlen(s->token), SESSION_TOKEN_HEX);
	strcpy(token, s->token);
	strcpy(csrf, s->csrf);
	assert_ptr_equal(session_find(t, token, 999), s);
	assert_ptr_equal(session_find(t, token, 1998), s);      /* use restarts the idle time */
	assert_null(session_find(t, token, 2999));
	assert_null(session_find(t, "short", 0));
	assert_null(session_find(t, NULL, 0));

	assert_non_null(s = session_open(t, "lan", 5000));
	assert_true(session_csrf_ok(s, s->csrf));
	assert_false(session_csrf_ok(s, csrf));                 /* another session's token */
	assert_false(session_csrf_ok(s, ""));
	assert_false(session_csrf_ok(s, NULL));
	assert_false(session_csrf_ok(NULL, s->csrf));
	strcpy(token, s->token);
	session_close(t, token);
	assert_null(session_find(t, token, 5001));

	/* Full: the session closest to its end gives way. */
	assert_non_null(s = session_open(t, "a", 6000));
	strcpy(token, s->token);
	assert_non_null(s2 = session_open(t, "b", 6500));
	assert_non_null(session_open(t, "c", 6600));
	assert_null(session_find(t, token, 6700));
	assert_non_null(session_find(t, s2->token, 6700));
	session_table_free(&t);
	assert_null(t);
}

static void
test_limit(void **state)
{
	struct login_limit *l;

	(void)state;
	assert_int_equal(login_limit_new(2, 3, 100, 350, &l), 0);
	assert_int_equal(login_limit_wait(l, "u:lan", 0), 0);
	assert_int_equal(login_limit_fail(l, "u:lan", 0), 1);
	assert_int_equal(login_limit_fail(l, "u:lan", 0), 2);
	assert_int_equal(login_limit_wait(l, "u:lan", 0), 0);
	assert_int_equal(login_limit_fail(l, "u:lan", 10), 3);
	assert_int_equal(login_limit_wait(l, "u:lan", 10), 100);
	assert_int_equal(login_limit_wait(l, "u:lan", 110), 0);
	login_limit_fail(l, "u:lan", 200);
	assert_int_equal(login_limit_wait(l, "u:lan", 200), 200);
	login_limit_fail(l, "u:lan", 500);
	assert_int_equal(login_limit_wait(l, "u:lan", 500), 350);   /* the cap */
	assert_int_equal(login_limit_wait(l, "u:minh", 500), 0);    /* keys apart */
	login_limit_clear(l, "u:lan");
	assert_int_equal(login_limit_wait(l, "u:lan", 500), 0);
	assert_int_equal(login_limit_fail(l, "u:lan", 600), 1);
	/* Full: the key whose last failure is oldest is forgotten. */
	login_limit_fail(l, "u:a", 700);
	login_limit_fail(l, "u:b", 800);
	assert_int_equal(login_limit_fail(l, "u:a", 900), 2);
	login_limit_free(&l);
	assert_null(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
