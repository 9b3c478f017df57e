/*
 * test_conf.c: unit tests for common/conf.c, the directive-table INI loader and writer:
 * defaults, parsing, "file:line" errors for unknown keys and bad values, required
 * directives, and that conf_write's output loads back to the same values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/stat.h>

#include "conf.h"
#include "err.h"
#include "fsutil.h"
#include "unit.h"

struct tconf {
	char agency[65];
	char data[128];
	char endpoint[96];
	char public_key[65];
	uint64_t window;
	uint64_t heartbeat_ms;
	uint64_t max_frame;
};

#define S(sec, name, field, def, help) \
	{ sec, name, CONF_STRING, offsetof(struct tconf, field), \
	  sizeof(((struct tconf *)0)->field), 0, 0, def, help }
#define U(sec, name, field, lo, hi, def, help) \
	{ sec, name, CONF_UINT, offsetof(struct tconf, field), sizeof(uint64_t), lo, hi, def, \
	  help }

static const struct conf_directive tab[] = {
	S("node", "agency", agency, NULL, "agency id"),
	S("node", "data", data, "/var/lib/eiso", "data directory"),
	S("hub", "endpoint", endpoint, "tcp://127.0.0.1:7701", "hub endpoint"),
	S("hub", "public_key", public_key, "", "hub CURVE public key, hex"),
	U("sender", "window", window, 1, 1024, "64", "change sets in flight"),
	U("sender", "heartbeat_ms", heartbeat_ms, 100, 600000, "5000", "ping interval"),
	U("sender", "max_frame", max_frame, 65536, 67108864, "4194304", "largest message"),
	CONF_END
};

struct fixture {
	char *dir;
	char *path;
	struct tconf c;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->dir = unit_mkdtemp("conf")) == NULL ||
	    (f->path = unit_path(f->dir, "noded.conf")) == NULL)
		return -1;
	/* Garbage, so a directive that is not set shows. */
	memset(&f->c, 0xa5, sizeof(f->c));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	free(f->path);
	if (unit_rmtree(&f->dir) != 0)
		return -1;
	free(f);
	return 0;
}

/* Write text as the config file and load it. */
static int
load(struct fixture *f, const char *text)
{
	assert_int_equal(unit_write_file(f->path, text, strlen(text)), 0);
	eiso_clearerr();
	return conf_load(f->path, tab, &f->c);
}

/* Expect the load to fail with EISO_CONF and a detail starting "PATH:LINE: " holding what. */
static void
expect_error(struct fixture *f, const char *text, int line, const char *what)
{
	char prefix[512];
	const char *detail;
	int rc = load(f, text);

	if (rc != EISO_CONF)
		fail_msg("conf_load returned %d, wanted EISO_CONF, for:\n%s", rc, text);
	detail = eiso_lasterr(rc);
	if (line > 0) {
		snprintf(prefix, sizeof(prefix), "%s:%d: ", f->path, line);
		if (strncmp(detail, prefix, strlen(prefix)) != 0)
			fail_msg("detail '%s' does not start with '%s'", detail, prefix);
	}
	if (strstr(detail, what) == NULL)
		fail_msg("detail '%s' does not mention '%s'", detail, what);
}

static void
test_defaults(void **state)
{
	struct fixture *f = *state;

	conf_defaults(tab, &f->c);
	assert_string_equal(f->c.agency, "");      /* required: empty until set */
	assert_string_equal(f->c.data, "/var/lib/eiso");
	assert_string_equal(f->c.endpoint, "tcp://127.0.0.1:7701");
	assert_string_equal(f->c.public_key, "");
	assert_int_equal(f->c.window, 64);
	assert_int_equal(f->c.heartbeat_ms, 5000);
	assert_int_equal(f->c.max_frame, 4194304);

	/* A file naming only the required directive gets every default too. */
	assert_int_equal(load(f, "[node]\nagency = a\n"), 0);
	assert_string_equal(f->c.agency, "a");
	assert_string_equal(f->c.data, "/var/lib/eiso");
	assert_int_equal(f->c.window, 64);
	assert_int_equal(f->c.max_frame, 4194304);
}

static void
test_file_values(void **state)
{
	struct fixture *f = *state;
	int rc;

	rc = load(f,
	    "# eiso node configuration\n"
	    "[node]\n"
	    "agency = ubnd-vinh-yen\n"
	    "data=/srv/eiso/node\n"
	    "\n"
	    "; another comment style\n"
	    "[sender]\n"
	    "  window   =   8  \n"
	    "heartbeat_ms = 250\n"
	    "max_frame = 67108864\n"
	    "[hub]\n"
	    "public_key = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
	if (rc != 0)
		fail_msg("conf_load: %s", eiso_lasterr(rc));
	assert_string_equal(f->c.agency, "ubnd-vinh-yen");
	assert_string_equal(f->c.data, "/srv/eiso/node");
	assert_string_equal(f->c.endpoint, "tcp://127.0.0.1:7701");
	assert_string_equal(f->c.public_key,
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	assert_int_equal(f->c.window, 8);
	assert_int_equal(f->c.heartbeat_ms, 250);
	assert_int_equal(f->c.max_frame, 67108864);    /* the maximum is allowed */
}

static void
test_unknown_directive(void **state)
{
	struct fixture *f = *state;

	expect_error(f,
	    "[node]\n"
	    "agency = x\n"
	    "\n"
	    "# a comment\n"
	    "[sender]\n"
	    "windw = 8\n"
	    "window = 9\n", 6, "unknown directive 'windw'");

	/* A real name in the wrong section is just as unknown. */
	expect_error(f,
	    "[node]\n"
	    "agency = x\n"
	    "[hub]\n"
	    "window = 3\n", 4, "unknown directive");

	/* The first error is the one reported. */
	expect_error(f,
	    "[node]\n"
	    "nope = 1\n"
	    "agency = x\n"
	    "[sender]\n"
	    "window = banana\n", 2, "unknown directive 'nope'");
}

static void
test_out_of_range(void **state)
{
	struct fixture *f = *state;

	expect_error(f, "[node]\nagency = x\n[sender]\nwindow = 0\n", 4, "outside");
	expect_error(f, "[node]\nagency = x\n[sender]\nwindow = 1025\n", 4, "1025");
	expect_error(f, "[sender]\nmax_frame = 65535\n[node]\nagency = x\n", 2, "outside");
	expect_error(f, "[sender]\nmax_frame = 67108865\n[node]\nagency = x\n", 2, "max_frame");
	/* Limits themselves are inside. */
	assert_int_equal(load(f, "[node]\nagency = x\n[sender]\nwindow = 1\n"), 0);
	assert_int_equal(f->c.window, 1);
	assert_int_equal(load(f, "[node]\nagency = x\n[sender]\nwindow = 1024\n"), 0);
	assert_int_equal(f->c.window, 1024);
}

static void
test_not_a_number(void **state)
{
	static const char *const bad[] = { "abc", "12x", "-1", "1.5", "0x10", "8 8",
	    "99999999999999999999999", "+" };
	struct fixture *f = *state;
	char text[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[node]\nagency = x\n\n[sender]\nwindow = %s\n",
		    bad[i]);
		expect_error(f, text, 5, "window");
		expect_error(f, text, 5, "not a number");
	}
	expect_error(f, "[sender]\nwindow =\n", 2, "not a number");
}

static void
test_missing_required(void **state)
{
	struct fixture *f = *state;

	expect_error(f, "[node]\ndata = /srv\n[sender]\nwindow = 2\n", 0,
	    "required directive 'agency'");
	assert_non_null(strstr(eiso_lasterr(EISO_CONF), f->path));
	/* An empty file too. */
	expect_error(f, "", 0, "agency");
}

static void
test_other_errors(void **state)
{
	struct fixture *f = *state;
	char text[512], *missing = unit_path(f->dir, "absent.conf");

	/* Not INI at all: a syntax error at its line. */
	expect_error(f, "[node]\nagency = x\n\nthis is not a directive\n", 4, "syntax error");

	/* A string longer than its field is refused, not cut. */
	snprintf(text, sizeof(text), "[node]\nagency = %s\n",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); /* 65 */
	expect_error(f, text, 2, "longer than 64");

	eiso_clearerr();
	assert_int_equal(conf_load(missing, tab, &f->c), EISO_IO);
	assert_non_null(strstr(eiso_lasterr(EISO_IO), "absent.conf"));
	free(missing);
}

static void
test_conf_set(void **state)
{
	struct fixture *f = *state;

	conf_defaults(tab, &f->c);
	assert_int_equal(conf_set(tab, &f->c, "sender", "window", "12"), 0);
	assert_int_equal(f->c.window, 12);
	assert_int_equal(conf_set(tab, &f->c, "node", "agency", "so-noi-vu"), 0);
	assert_string_equal(f->c.agency, "so-noi-vu");
	assert_int_equal(conf_set(tab, &f->c, "sender", "window", "0"), EISO_CONF);
	assert_int_equal(conf_set(tab, &f->c, "sender", "window", "x"), EISO_CONF);
	assert_int_equal(f->c.window, 12);    /* a refused value leaves the old one */
	eiso_clearerr();
	assert_int_equal(conf_set(tab, &f->c, "node", "window", "3"), EISO_CONF);
	assert_non_null(strstr(eiso_lasterr(EISO_CONF), "unknown directive"));
}

static void
test_write_loads_back(void **state)
{
	struct fixture *f = *state;
	struct tconf back;
	FILE *out;
	size_t len;
	char *text;
	int rc;

	conf_defaults(tab, &f->c);
	strcpy(f->c.agency, "so-khcn.vinh-phuc");
	strcpy(f->c.data, "/var/lib/eiso/so-khcn");
	strcpy(f->c.public_key, "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
	f->c.window = 7;
	f->c.heartbeat_ms = 600000;
	f->c.max_frame = 65536;

	assert_non_null(out = fopen(f->path, "w"));
	assert_int_equal(conf_write(out, tab, &f->c), 0);
	assert_int_equal(fclose(out), 0);

	memset(&back, 0x5a, sizeof(back));
	if ((rc = conf_load(f->path, tab, &back)) != 0)
		fail_msg("conf_load of conf_write output: %s", eiso_lasterr(rc));
	assert_string_equal(back.agency, f->c.agency);
	assert_string_equal(back.data, f->c.data);
	assert_string_equal(back.endpoint, f->c.endpoint);
	assert_string_equal(back.public_key, f->c.public_key);
	assert_int_equal(back.window, f->c.window);
	assert_int_equal(back.heartbeat_ms, f->c.heartbeat_ms);
	assert_int_equal(back.max_frame, f->c.max_frame);

	/* The sample documents itself: sections, help, defaults, what is required. */
	assert_non_null(text = (char *)unit_read_file(f->path, &len));
	assert_non_null(strstr(text, "[node]\n"));
	assert_non_null(strstr(text, "[hub]\n"));
	assert_non_null(strstr(text, "[sender]\n"));
	assert_non_null(strstr(text, "# agency id (required)\n"));
	assert_non_null(strstr(text, "# change sets in flight (default: 64)\n"));
	assert_non_null(strstr(text, "(default: empty)"));
	assert_non_null(strstr(text, "window = 7\n"));
	free(text);

	/* Defaults written out (required one empty) load back as the defaults. */
	conf_defaults(tab, &f->c);
	strcpy(f->c.agency, "x");
	assert_non_null(out = fopen(f->path, "w"));
	assert_int_equal(conf_write(out, tab, &f->c), 0);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(conf_load(f->path, tab, &back), 0);
	assert_string_equal(back.public_key, "");
	assert_string_equal(back.endpoint, "tcp://127.0.0.1:7701");
	assert_int_equal(back.window, 64);
}

/* Debian's inih cuts lines at 200 bytes: a long line is an error naming it, never misread. */
static void
test_long_line(void **state)
{
	struct fixture *f = *state;
	char text[600];

	snprintf(text, sizeof(text), "[node]\nagency = vp-a\n# %0250d\n", 7);
	assert_int_equal(load(f, text), EISO_CONF);
	assert_non_null(strstr(eiso_lasterr(EISO_CONF), ":3: line longer than"));
}

/* Values that would not load back identically (inih drops " ;comment") are refused. */
static void
test_unwritable_values(void **state)
{
	struct fixture *f = *state;

	conf_defaults(tab, &f->c);
	assert_int_equal(conf_set(tab, &f->c, "node", "data", "/srv/a ;b"), EISO_CONF);
	assert_non_null(strstr(eiso_lasterr(EISO_CONF), "not allowed"));
	assert_int_equal(conf_set(tab, &f->c, "node", "data", "/srv/eiso"), 0);
	assert_string_equal(f->c.data, "/srv/eiso");
}

static void
test_save(void **state)
{
	struct fixture *f = *state;
	static const char head[] = "# eiso node configuration\n\n[node]\n";
	struct tconf back;
	char *tmp = unit_path(f->dir, "noded.conf.tmp");
	char *nodir = unit_path(f->dir, "no-such-dir/noded.conf");
	unsigned char *text;
	struct stat st;
	size_t len;

	conf_defaults(tab, &f->c);
	strcpy(f->c.agency, "ubnd-binh-xuyen");
	f->c.window = 3;
	assert_int_equal(conf_save(f->path, "eiso node configuration", tab, &f->c), 0);
	assert_non_null(text = unit_read_file(f->path, &len));
	assert_int_equal(strncmp((char *)text, head, strlen(head)), 0);
	free(text);
	assert_int_equal(access(tmp, F_OK), -1);      /* renamed into place, nothing left */

	memset(&back, 0, sizeof(back));
	assert_int_equal(conf_load(f->path, tab, &back), 0);
	assert_string_equal(back.agency, "ubnd-binh-xuyen");
	assert_int_equal(back.window, 3);

	/* Configurations hold tokens: owner-only whatever the umask, and a wider one is named. */
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(fsutil_private(f->path, "configuration"), 0);

	/* Saving over an existing file replaces it whole, and makes it 0600 again. */
	assert_int_equal(chmod(f->path, 0644), 0);
	eiso_clearerr();
	assert_int_equal(fsutil_private(f->path, "configuration"), EISO_PERM);
	assert_non_null(strstr(eiso_lasterr(EISO_PERM), "configuration has mode 644, must be "
	    "0600 or stricter (chmod 600 "));
	f->c.window = 4;
	assert_int_equal(conf_save(f->path, "again", tab, &f->c), 0);
	assert_int_equal(conf_load(f->path, tab, &back), 0);
	assert_int_equal(back.window, 4);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	eiso_clearerr();
	assert_int_equal(conf_save(nodir, "x", tab, &f->c), EISO_IO);
	assert_non_null(strstr(eiso_lasterr(EISO_IO), "no-such-dir"));
	free(tmp);
	free(nodir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_directive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_loads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_values, setup, teardown),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
