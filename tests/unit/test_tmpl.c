/*
 * test_tmpl.c: unit tests for common/tmpl.c and common/i18n.c: every value escaped unless
 * its name ends in _html, sections, partials, translated strings with parameters, and the
 * errors tmpl_load (and so the build) reports for bad templates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "i18n.h"
#include "tmpl.h"

#define SRC(name, text) { name, (const unsigned char *)(text), sizeof(text) - 1 }

/* Render template "t" of a one- or two-template set from the JSON text ctx, in lang. */
static void
expect_render(const char *text, const char *partial, const char *ctx, enum web_lang lang,
    const char *want)
{
	struct tmpl_src src[3] = {
		{ "t", (const unsigned char *)text, (unsigned)strlen(text) },
		{ "p", (const unsigned char *)partial, partial ? (unsigned)strlen(partial) : 0 },
		{ 0, 0, 0 },
	};
	struct tmpl_set *s;
	struct html out = { 0 };
	json_t *j = json_loads(ctx, JSON_ALLOW_NUL, NULL);

	if (partial == NULL)
		src[1].name = NULL;
	assert_non_null(j);
	assert_int_equal(tmpl_load(src, &s), 0);
	assert_int_equal(tmpl_render(s, "t", lang, j, &out), 0);
	assert_string_equal(out.buf ? out.buf : "", want);
	html_free(&out);
	json_decref(j);
	tmpl_free(&s);
	assert_null(s);
}

static void
expect_load_error(const char *text, const char *detail)
{
	struct tmpl_src src[2] = {
		{ "bad", (const unsigned char *)text, (unsigned)strlen(text) }, { 0, 0, 0 },
	};
	struct tmpl_set *s = (struct tmpl_set *)1;

	assert_int_equal(tmpl_load(src, &s), EISO_PARSE);
	assert_null(s);
	if (strstr(eiso_lasterr(EISO_PARSE), detail) == NULL)
		fail_msg("error '%s' does not say '%s'", eiso_lasterr(EISO_PARSE), detail);
}

static void
test_escaped_by_default(void **state)
{
	(void)state;
	expect_render("<p title=\"{{v}}\">{{v}}</p>", NULL,
	    "{\"v\": \"<script>alert('x')</script> & \\\"q\\\"\"}", WEB_VI,
	    "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\">"
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
	/* A NUL inside a value ends it: nothing after it is written. */
	expect_render("[{{v}}]", NULL, "{\"v\": \"a\\u0000<b>\"}", WEB_VI, "[a]");
	expect_render("{{ n }} {{r}} {{t}} {{f}} {{z}} {{missing}}.", NULL,
	    "{\"n\": 42, \"r\": 2.5, \"t\": true, \"f\": false, \"z\": null}", WEB_VI,
	    "42 2.5 true false  .");
}

static void
test_url_and_raw(void **state)
{
	(void)state;
	expect_render("<a href=\"/a/{{id|url}}?q={{q|url}}\">", NULL,
	    "{\"id\": \"vp-skhcn/../x\", \"q\": \"hồ sơ\\\"><\"}", WEB_VI,
	    "<a href=\"/a/vp-skhcn%2F..%2Fx?q=h%E1%BB%93%20s%C6%A1%22%3E%3C\">");
	expect_render("{{&chart_html}}", NULL, "{\"chart_html\": \"<svg></svg>\"}", WEB_VI,
	    "<svg></svg>");
	expect_load_error("{{&title}}", "only names ending in _html");
	expect_load_error("{{title|upper}}", "unknown filter 'upper'");
}

static void
test_sections(void **state)
{
	(void)state;
	expect_render("{{#rows}}<tr><td>{{id}}</td><td>{{name}}</td></tr>{{/rows}}"
	    "{{^rows}}none{{/rows}}", NULL,
	    "{\"name\": \"outer\", \"rows\": [{\"id\": 1, \"name\": \"a<\"}, {\"id\": 2}]}",
	    WEB_VI, "<tr><td>1</td><td>a&lt;</td></tr><tr><td>2</td><td>outer</td></tr>");
	expect_render("{{#rows}}x{{/rows}}{{^rows}}none{{/rows}}", NULL, "{\"rows\": []}",
	    WEB_VI, "none");
	expect_render("{{#a}}[{{b.c}}]{{/a}}{{#list}}{{.}},{{/list}}{{#zero}}z{{/zero}}"
	    "{{^zero}}0{{/zero}}{{#s}}s={{.}}{{/s}}", NULL,
	    "{\"a\": {\"b\": {\"c\": \"deep\"}}, \"list\": [\"x\", 2], \"zero\": 0, \"s\": \"y\"}",
	    WEB_VI, "[deep]x,2,0s=y");
	expect_load_error("{{#a}}open", "section 'a' is not closed");
	expect_load_error("{{#a}}{{/b}}", "'{{/b}}' closes no open section");
	expect_load_error("text {{name", "'{{' without '}}'");
	expect_load_error("{{ }}", "bad tag");
	expect_load_error("{{a b}}", "bad name");
}

static void
test_partials(void **state)
{
	struct tmpl_src loop[2] = { SRC("t", "{{>t}}"), { 0, 0, 0 } };
	struct tmpl_set *s;
	struct html out = { 0 };
	json_t *j = json_object();

	(void)state;
	expect_render("<main>{{>p}}</main>", "<b>{{who}}</b>", "{\"who\": \"<i>\"}", WEB_VI,
	    "<main><b>&lt;i&gt;</b></main>");
	expect_load_error("{{>nowhere}}", "'{{>nowhere}}': no such template");
	/* A template that includes itself stops at a depth, it does not exhaust the stack. */
	assert_int_equal(tmpl_load(loop, &s), 0);
	assert_int_equal(tmpl_render(s, "t", WEB_VI, j, &out), EISO_INVAL);
	assert_int_equal(tmpl_render(s, "none", WEB_VI, j, &out), EISO_NOTFOUND);
	assert_true(tmpl_has(s, "t"));
	assert_false(tmpl_has(s, "none"));
	html_free(&out);
	json_decref(j);
	tmpl_free(&s);
}

static void
test_translations(void **state)
{
	(void)state;
	expect_render("{{@login.title}}", NULL, "{}", WEB_VI, "Đăng nhập");
	expect_render("{{@login.title}}", NULL, "{}", WEB_EN, "Log in");
	expect_render("{{@portal.search_total}}", NULL, "{\"n\": 12}", WEB_VI,
	    "12 tài liệu phù hợp");
	expect_render("{{@portal.search_total}}", NULL, "{\"n\": \"<1>\"}", WEB_EN,
	    "&lt;1&gt; documents match");
	expect_render("{{@portal.search_total}}", NULL, "{}", WEB_EN, "{n} documents match");
	expect_load_error("\n\n{{@login.titel}}", "bad:3: no string 'login.titel'");
}

/* A printf conversion ("%s", "%llu", "%3d"): a '%' followed by a letter or a digit. */
static int
printf_like(const char *s)
{
	for (const char *p = strchr(s, '%'); p != NULL; p = strchr(p + 1, '%'))
		if ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= '0' && p[1] <= '9'))
			return 1;
	return 0;
}

static void
test_i18n_table(void **state)
{
	struct html b = { 0 };
	char text[16];
	enum tr_key k;

	(void)state;
	for (int i = 0; i < TR_COUNT; i++) {
		const char *vi = tr(WEB_VI, (enum tr_key)i), *en = tr(WEB_EN, (enum tr_key)i);

		/* No string is a printf format, and every one has both languages. */
		assert_false(printf_like(vi));
		assert_false(printf_like(en));
		assert_true(vi[0] != '\0' && en[0] != '\0');
	}
	assert_int_equal(tr_find("login.title", &k), 0);
	assert_int_equal(k, TR_LOGIN_TITLE);
	assert_int_equal(tr_find("login.titel", &k), EISO_NOTFOUND);
	assert_string_equal(tr_value(WEB_EN, "status", "online"), tr(WEB_EN, TR_STATUS_ONLINE));
	assert_string_equal(tr_value(WEB_EN, "status", "<odd>"), "<odd>");
	tr_fill(&b, WEB_EN, TR_PORTAL_SEARCH_TOTAL, "n", "<3>", NULL);
	assert_string_equal(b.buf, "&lt;3&gt; documents match");
	html_free(&b);
	tr_fill_text(text, sizeof(text), WEB_VI, TR_PORTAL_SEARCH_TOTAL, "n", "7", NULL);
	assert_string_equal(text, "7 tài liệu p");   /* cut at a character, not inside one */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaped_by_default),
		cmocka_unit_test(test_url_and_raw),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_partials),
		cmocka_unit_test(test_translations),
		cmocka_unit_test(test_i18n_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
