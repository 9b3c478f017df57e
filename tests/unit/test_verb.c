/*
 * test_verb.c: unit tests for common/verb.c, the dispatcher behind both daemons' command
 * lines: a verb runs with its own arguments, the list and each verb's usage come from the
 * table, a sub-verb's --help prints that sub-verb's usage only, unknown verbs and sub-verbs
 * are errors naming them (exit 2), and a usage error (2) gets the verb's usage on err.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "verb.h"

static int ran_argc;
static char ran_name[32];

static int
fake_ok(int argc, char **argv)
{
	ran_argc = argc;
	snprintf(ran_name, sizeof(ran_name), "%s", argv[0]);
	return 0;
}

static int
fake_usage_error(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 2;
}

static const struct verb sub_list[] = {
	{ "approve", fake_ok, "approve it", "--code C --by NAME\n\nonly approve's options\n",
	    NULL },
	{ "submit", fake_usage_error, "submit it", "--code C --for-review\n", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};
static const struct verb_table sub = { "prog doc", "About documents.\n", sub_list };

static const struct verb top_list[] = {
	{ "run", fake_ok, "run the daemon", "[-c CONF]\n", NULL },
	{ "doc", NULL, "documents", NULL, &sub },
	{ "config-sample", fake_ok, "print the directives", "\n\nTakes no arguments.\n", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};
static const struct verb_table top = { "prog", "What prog is.\n", top_list };

struct run {
	int rc;
	char *out, *err;
};

/* verb_run on the words of line, capturing what it prints. */
static struct run
run(const struct verb_table *t, const char *line)
{
	char buf[256], *argv[16], *save = NULL;
	int argc = 0;
	size_t olen, elen;
	FILE *out, *err;
	struct run r = { 0, NULL, NULL };

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok_r(buf, " ", &save); w != NULL && argc < 15;
	    w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	out = open_memstream(&r.out, &olen);
	err = open_memstream(&r.err, &elen);
	assert_non_null(out);
	assert_non_null(err);
	ran_argc = -1;
	ran_name[0] = '\0';
	r.rc = verb_run(t, argc, argv, out, err);
	fclose(out);
	fclose(err);
	return r;
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static void
test_find(void **state)
{
	(void)state;
	assert_ptr_equal(verb_find(&top, "run"), &top_list[0]);
	assert_ptr_equal(verb_find(&top, "config-sample"), &top_list[2]);
	assert_null(verb_find(&top, "ru"));
	assert_null(verb_find(&top, ""));
	assert_ptr_equal(verb_find(&sub, "submit"), &sub_list[1]);
}

static void
test_runs_verb_with_its_args(void **state)
{
	struct run r = run(&top, "prog run -c x.conf");

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(ran_name, "run");
	assert_int_equal(ran_argc, 3);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	run_free(&r);
	r = run(&top, "prog doc approve --code A");
	assert_int_equal(r.rc, 0);
	assert_string_equal(ran_name, "approve");
	assert_int_equal(ran_argc, 3);
	run_free(&r);
}

static void
test_help_lists_verbs(void **state)
{
	struct run r = run(&top, "prog --help");

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "usage: prog COMMAND"));
	assert_non_null(strstr(r.out, "What prog is."));
	assert_non_null(strstr(r.out, "commands:\n  run      run the daemon\n"));
	assert_non_null(strstr(r.out, "  config-sample  print the directives\n"));
	assert_string_equal(r.err, "");
	run_free(&r);
	/* No verb at all: the same list, as an error. */
	r = run(&top, "prog");
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "commands:"));
	run_free(&r);
}

static void
test_verb_help_is_its_usage(void **state)
{
	struct run r = run(&top, "prog run --help");

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_int_equal(ran_argc, -1);          /* help, not the verb */
	assert_string_equal(r.out, "usage: prog run [-c CONF]\n");
	run_free(&r);
	r = run(&top, "prog config-sample -h");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "usage: prog config-sample\n\nTakes no arguments.\n");
	run_free(&r);
	/* After "--" a -h is an argument, not a request for help. */
	r = run(&top, "prog run -- -h");
	assert_int_equal(r.rc, 0);
	assert_int_equal(ran_argc, 3);
	run_free(&r);
}

static void
test_sub_verb_help_is_its_own(void **state)
{
	struct run r = run(&top, "prog doc approve --code A --help");

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_int_equal(ran_argc, -1);
	assert_string_equal(r.out,
	    "usage: prog doc approve --code C --by NAME\n\nonly approve's options\n");
	assert_null(strstr(r.out, "submit"));
	run_free(&r);
	r = run(&top, "prog doc --help");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "usage: prog doc COMMAND"));
	assert_non_null(strstr(r.out, "  approve  approve it\n  submit   submit it\n"));
	run_free(&r);
}

static void
test_unknown_verbs(void **state)
{
	struct run r = run(&top, "prog frob");

	(void)state;
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "prog: unknown verb 'frob'"));
	run_free(&r);
	r = run(&top, "prog doc publish --code A");
	assert_int_equal(r.rc, 2);
	assert_int_equal(ran_argc, -1);
	assert_non_null(strstr(r.err, "prog doc: unknown verb 'publish'"));
	run_free(&r);
	r = run(&top, "prog doc");
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "usage: prog doc COMMAND"));
	run_free(&r);
}

static void
test_usage_error_prints_usage(void **state)
{
	struct run r = run(&top, "prog doc submit --bad");

	(void)state;
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "usage: prog doc submit --code C --for-review\n");
	run_free(&r);
}

static void
test_asks_help(void **state)
{
	char *a[] = { "v", "--code", "x", "--help", NULL };
	char *b[] = { "v", "--", "--help", NULL };
	char *c[] = { "v", "--helper", "-hx", NULL };

	(void)state;
	assert_int_equal(verb_asks_help(4, a), 1);
	assert_int_equal(verb_asks_help(3, b), 0);
	assert_int_equal(verb_asks_help(3, c), 0);
	assert_int_equal(verb_asks_help(1, a), 0);
}

static void
test_version(void **state)
{
	char *s = NULL;
	size_t len;
	FILE *f = open_memstream(&s, &len);

	(void)state;
	verb_version(f, "prog");
	fclose(f);
	assert_non_null(strstr(s, "prog (eiso) "));
	assert_non_null(strstr(s, "\nprotocol 1\n"));
	assert_non_null(strstr(s, "\nschema "));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_runs_verb_with_its_args),
		cmocka_unit_test(test_help_lists_verbs),
		cmocka_unit_test(test_verb_help_is_its_usage),
		cmocka_unit_test(test_sub_verb_help_is_its_own),
		cmocka_unit_test(test_unknown_verbs),
		cmocka_unit_test(test_usage_error_prints_usage),
		cmocka_unit_test(test_asks_help),
		cmocka_unit_test(test_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
