/*
 * test_http.c: unit tests for the parts of the HTTP layer that need no socket (common/http_parse.c): listen
 * addresses, the bearer-token check, percent-decoding, query parameters, path segments,
 * the error mapping and shape, and reading a JSON body. The server itself is exercised
 * over loopback by tests/integ/16-node-api.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "err.h"
#include "http.h"
#include "unit.h"

static void
test_parse_listen(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	static const char *const bad[] = {
		"", "127.0.0.1", "127.0.0.1:", ":7780", "127.0.0.1:65536", "127.0.0.1:-1",
		"127.0.0.1:+80", "127.0.0.1:80x", "localhost:7780", "300.0.0.1:80", "[::1]",
		"[::1]7780", "[nothex]:80", "::1:80", NULL
	};

	(void)state;
	assert_int_equal(http_parse_listen("127.0.0.1:7780", &ss), 0);
	assert_int_equal(a4->sin_family, AF_INET);
	assert_int_equal(ntohs(a4->sin_port), 7780);
	assert_int_equal(ntohl(a4->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(http_parse_listen("0.0.0.0:0", &ss), 0);
	assert_int_equal(ntohs(a4->sin_port), 0);
	assert_int_equal(http_parse_listen("[::1]:65535", &ss), 0);
	assert_int_equal(a6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(a6->sin6_port), 65535);
	assert_true(IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr));
	for (int i = 0; bad[i] != NULL; i++) {
		eiso_clearerr();
		if (http_parse_listen(bad[i], &ss) != EISO_CONF)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(eiso_lasterr(EISO_CONF), "listen: "));
	}
}

static void
test_bearer(void **state)
{
	uint8_t want[HTTP_TOKEN_HASH];
	const char *h;

	(void)state;
	http_token_hash("s3cret-token", want);
	h = "Bearer s3cret-token";
	assert_true(http_bearer_ok(h, strlen(h), want));
	h = "bearer  s3cret-token  ";           /* scheme is case-insensitive; spaces trimmed */
	assert_true(http_bearer_ok(h, strlen(h), want));
	/* Only len bytes count: the header value is not NUL-terminated in h2o. */
	h = "Bearer s3cret-tokenXYZ";
	assert_true(http_bearer_ok(h, strlen(h) - 3, want));
	assert_false(http_bearer_ok(h, strlen(h), want));
	h = "Bearer s3cret-toke";
	assert_false(http_bearer_ok(h, strlen(h), want));
	h = "Bearer S3CRET-TOKEN";
	assert_false(http_bearer_ok(h, strlen(h), want));
	h = "Basic s3cret-token";
	assert_false(http_bearer_ok(h, strlen(h), want));
	h = "Bearers3cret-token";
	assert_false(http_bearer_ok(h, strlen(h), want));
	h = "Bearer ";
	assert_false(http_bearer_ok(h, strlen(h), want));
	h = "Bearer";
	assert_false(http_bearer_ok(h, strlen(h), want));
	assert_false(http_bearer_ok(NULL, 0, want));
	h = "s3cret-token";
	assert_false(http_bearer_ok(h, strlen(h), want));
}

static void
test_unescape(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(http_unescape("a%20b+c", 7, 0, out, sizeof(out)), 5);
	assert_string_equal(out, "a b+c");
	assert_int_equal(http_unescape("a%20b+c", 7, 1, out, sizeof(out)), 5);
	assert_string_equal(out, "a b c");
	assert_int_equal(http_unescape("QT%2f01", 7, 0, out, sizeof(out)), 5);
	assert_string_equal(out, "QT/01");
	/* UTF-8 bytes come through as they are. */
	assert_int_equal(http_unescape("tr%C3%ACnh", 10, 0, out, sizeof(out)), 6);
	assert_string_equal(out, "tr\xc3\xacnh");
	assert_int_equal(http_unescape("", 0, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(http_unescape("%", 1, 0, out, sizeof(out)), -1);
	assert_int_equal(http_unescape("%2", 2, 0, out, sizeof(out)), -1);
	assert_int_equal(http_unescape("%zz", 3, 0, out, sizeof(out)), -1);
	assert_int_equal(http_unescape("a%00b", 5, 0, out, sizeof(out)), -1);
	/* Too long for out: 15 characters fit with the NUL, 16 do not. */
	assert_int_equal(http_unescape("123456789012345", 15, 0, out, sizeof(out)), 15);
	assert_int_equal(http_unescape("1234567890123456", 16, 0, out, sizeof(out)), -1);
	/* Only len bytes are read. */
	assert_int_equal(http_unescape("abc%zz", 3, 0, out, sizeof(out)), 3);
	assert_string_equal(out, "abc");
}

static void
test_query(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(http_query("kind=form&status=effective", "status", out, sizeof(out)), 0);
	assert_string_equal(out, "effective");
	assert_int_equal(http_query("kind=form&status=effective", "kind", out, sizeof(out)), 0);
	assert_string_equal(out, "form");
	assert_int_equal(http_query("name=Quy+tr%C3%ACnh.pdf", "name", out, sizeof(out)), 0);
	assert_string_equal(out, "Quy tr\xc3\xacnh.pdf");
	/* A parameter without '=' is present with an empty value. */
	assert_int_equal(http_query("review_due&kind=form", "review_due", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(http_query("a=&b=2", "a", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* Names match whole: "kin" is not "kind", "status" is not "statuses". */
	assert_int_equal(http_query("kind=form", "kin", out, sizeof(out)), EISO_NOTFOUND);
	assert_int_equal(http_query("statuses=x", "status", out, sizeof(out)), EISO_NOTFOUND);
	assert_int_equal(http_query("", "a", out, sizeof(out)), EISO_NOTFOUND);
	assert_int_equal(http_query("&&a=1&", "a", out, sizeof(out)), 0);
	assert_string_equal(out, "1");
	/* The first of repeated parameters wins. */
	assert_int_equal(http_query("a=1&a=2", "a", out, sizeof(out)), 0);
	assert_string_equal(out, "1");
	eiso_clearerr();
	assert_int_equal(http_query("a=%zz", "a", out, sizeof(out)), EISO_INVAL);
	assert_non_null(strstr(eiso_lasterr(EISO_INVAL), "a: "));
	assert_int_equal(http_query("a=0123456789012345678901234567890123456789", "a", out,
	    sizeof(out)), EISO_INVAL);
}

static void
test_path_split(void **state)
{
	char buf[128], *seg[4];

	(void)state;
	assert_int_equal(http_path_split("/api/v1/docs", "/api/v1/", seg, 4, buf, sizeof(buf)), 1);
	assert_string_equal(seg[0], "docs");
	assert_int_equal(http_path_split("/api/v1/docs/QT-01/history", "/api/v1/", seg, 4, buf,
	    sizeof(buf)), 3);
	assert_string_equal(seg[0], "docs");
	assert_string_equal(seg[1], "QT-01");
	assert_string_equal(seg[2], "history");
	/* A code with '/' travels as %2F and stays one segment. */
	assert_int_equal(http_path_split("/api/v1/docs/QT%2F01/submit", "/api/v1/", seg, 4, buf,
	    sizeof(buf)), 3);
	assert_string_equal(seg[1], "QT/01");
	assert_int_equal(http_path_split("/api/v1/", "/api/v1/", seg, 4, buf, sizeof(buf)), 0);
	assert_int_equal(http_path_split("/api/v2/docs", "/api/v1/", seg, 4, buf, sizeof(buf)),
	    -1);
	assert_int_equal(http_path_split("/api/v1/docs/", "/api/v1/", seg, 4, buf, sizeof(buf)),
	    -1);
	assert_int_equal(http_path_split("/api/v1/docs//x", "/api/v1/", seg, 4, buf, sizeof(buf)),
	    -1);
	assert_int_equal(http_path_split("/api/v1/a/b/c/d/e", "/api/v1/", seg, 4, buf,
	    sizeof(buf)), -1);
	assert_int_equal(http_path_split("/api/v1/docs/%zz", "/api/v1/", seg, 4, buf,
	    sizeof(buf)), -1);
	assert_int_equal(http_path_split("/api/v1/docs/%00", "/api/v1/", seg, 4, buf,
	    sizeof(buf)), -1);
	assert_int_equal(http_path_split("/api/v1/docs/QT-01", "/api/v1/", seg, 4, buf, 8), -1);
}

static void
test_errors(void **state)
{
	static const struct { int rc; int status; const char *code; } map[] = {
		{ 0, 200, "ok" }, { EISO_INVAL, 400, "invalid" }, { EISO_PARSE, 400, "invalid" },
		{ EISO_NOTFOUND, 404, "not_found" }, { EISO_EXISTS, 409, "exists" },
		{ EISO_TOOBIG, 413, "too_large" }, { EISO_STORE, 500, "internal" },
		{ EISO_IO, 500, "internal" }, { EISO_NOMEM, 500, "internal" },
	};
	const char *code;
	char *text;
	json_t *j;

	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		assert_int_equal(http_status_of(map[i].rc, &code), map[i].status);
		assert_string_equal(code, map[i].code);
	}
	j = http_error_body("invalid", "title: required");
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"error\":{\"code\":\"invalid\",\"message\":\"title: required\"}}");
	free(text);
	json_decref(j);
}

static void
test_body_json(void **state)
{
	struct http_req r;
	json_t *j;

	(void)state;
	memset(&r, 0, sizeof(r));
	/* No body is an empty object: POST .../submit needs none. */
	assert_int_equal(http_body_json(&r, &j), 0);
	assert_true(json_is_object(j) && json_object_size(j) == 0);
	json_decref(j);
	r.body = (const uint8_t *)"{\"title\":\"Quy tr\xc3\xacnh\",\"review_months\":6}";
	r.body_len = strlen((const char *)r.body);
	assert_int_equal(http_body_json(&r, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "Quy tr\xc3\xacnh");
	json_decref(j);

	eiso_clearerr();
	r.body = (const uint8_t *)"[1,2]";
	r.body_len = 5;
	assert_int_equal(http_body_json(&r, &j), EISO_INVAL);
	assert_null(j);
	assert_string_equal(eiso_lasterr(EISO_INVAL), "body: must be a JSON object");
	eiso_clearerr();
	r.body = (const uint8_t *)"{\"a\":";
	r.body_len = 5;
	assert_int_equal(http_body_json(&r, &j), EISO_INVAL);
	assert_true(strncmp(eiso_lasterr(EISO_INVAL), "body: not valid JSON", 20) == 0);
	/* Duplicate keys, invalid UTF-8 and NUL in strings are refused. */
	r.body = (const uint8_t *)"{\"a\":1,\"a\":2}";
	r.body_len = strlen((const char *)r.body);
	assert_int_equal(http_body_json(&r, &j), EISO_INVAL);
	r.body = (const uint8_t *)"{\"a\":\"\xff\"}";
	r.body_len = strlen((const char *)r.body);
	assert_int_equal(http_body_json(&r, &j), EISO_INVAL);
	r.body = (const uint8_t *)"{\"a\":\"x\\u0000y\"}";
	r.body_len = strlen((const char *)r.body);
	assert_int_equal(http_body_json(&r, &j), EISO_INVAL);
	/* Only body_len bytes are read. */
	r.body = (const uint8_t *)"{}garbage";
	r.body_len = 2;
	assert_int_equal(http_body_json(&r, &j), 0);
	json_decref(j);
}

/* Cookie values by name, as the hub's dashboard reads its session and language. */
static void
test_cookie(void **state)
{
	char v[16];

	(void)state;
	assert_int_equal(http_cookie("a=1; eiso_session=abc; lang=en", "eiso_session", v,
	    sizeof(v)), 0);
	assert_string_equal(v, "abc");
	assert_int_equal(http_cookie("lang=en", "lang", v, sizeof(v)), 0);
	assert_string_equal(v, "en");
	assert_int_equal(http_cookie("xlang=en;lang=vi ", "lang", v, sizeof(v)), 0);
	assert_string_equal(v, "vi");
	assert_int_equal(http_cookie("a=", "a", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(http_cookie("la=en; lan=en", "lang", v, sizeof(v)), EISO_NOTFOUND);
	assert_int_equal(http_cookie("", "lang", v, sizeof(v)), EISO_NOTFOUND);
	assert_int_equal(http_cookie("lang", "lang", v, sizeof(v)), EISO_NOTFOUND);
	assert_int_equal(http_cookie("lang=0123456789abcdef", "lang", v, sizeof(v)), EISO_INVAL);
}

/* Where a login or a form may send the browser back to: one local path, nothing else. */
static void
test_safe_path(void **state)
{
	static const char *const good[] = {
		"/", "/alerts", "/alerts?state=open", "/agency/vp-skhcn", "/agency/vp%2Fx",
		"/?lang=en&status=never", "/a/b/c", "/q/vp-skhcn/QT-01/2/abcdef012345", NULL
	};
	static const char *const bad[] = {
		"", "alerts", "//evil.example", "/\\evil.example", "/\t/evil.example",
		"/\n/evil.example", "/\r\nSet-Cookie: x=1", "/ /evil.example", "/a\\b", "/a b",
		"/a\tb", "/a\x7f", "/\x01", "http://evil.example/", "/a\xc3\xa9", "\\/evil.example",
		"/\x0b/evil.example", NULL
	};

	(void)state;
	for (int i = 0; good[i] != NULL; i++)
		if (!http_safe_path(good[i]))
			fail_msg("'%s' was refused", good[i]);
	for (int i = 0; bad[i] != NULL; i++)
		if (http_safe_path(bad[i]))
			fail_msg("'%s' was taken", bad[i]);
	assert_false(http_safe_path(NULL));
}

/* Invalid UTF-8 in a request is a 400 with a clear message, never a 500 "out of memory". */
static void
test_utf8(void **state)
{
	char out[64], buf[128], *seg[4], *text;
	json_t *j;

	(void)state;
	eiso_clearerr();
	assert_int_equal(http_query("state=%ff", "state", out, sizeof(out)), EISO_INVAL);
	assert_string_equal(eiso_lasterr(EISO_INVAL), "state: not valid UTF-8");
	assert_int_equal(http_query("before=2026-01-0%c3", "before", out, sizeof(out)),
	    EISO_INVAL);
	assert_int_equal(http_query("q=Quy+tr%C3%ACnh", "q", out, sizeof(out)), 0);
	assert_string_equal(out, "Quy tr\xc3\xacnh");
	assert_int_equal(http_path_split("/api/v1/agencies/%ff", "/api/v1/", seg, 4, buf,
	    sizeof(buf)), -1);
	assert_int_equal(http_path_split("/api/v1/agencies/x%C3%ACy", "/api/v1/", seg, 4, buf,
	    sizeof(buf)), 2);
	/* The door: the path and query of a request, percent-decoded. */
	assert_true(http_escaped_utf8_ok("/api/v1/alerts", 14));
	assert_true(http_escaped_utf8_ok("q=Quy+tr%C3%ACnh&x=%zz%", 23));
	assert_false(http_escaped_utf8_ok("state=%ff", 9));
	assert_false(http_escaped_utf8_ok("a=%c3&b=%a9", 11));   /* split by an ASCII byte */
	assert_false(http_escaped_utf8_ok("/agencies/\xff", 11));
	assert_false(http_escaped_utf8_ok("%ED%A0%80", 9));       /* a surrogate */
	assert_false(http_escaped_utf8_ok("%C0%AF", 6));          /* an overlong '/' */
	/* Whatever a message holds, the error body is made, with the bad bytes replaced. */
	j = http_error_body("invalid", "agency: no agency '\xff\xfe' is enrolled");
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"error\":{\"code\":\"invalid\",\"message\":\"agency: no "
	    "agency '?" "?' is enrolled\"}}");
	free(text);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_path_split),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_body_json),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_safe_path),
		cmocka_unit_test(test_utf8),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
