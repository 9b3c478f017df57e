/*
 * test_text.c: unit tests for common/text.c, the search folding: Vietnamese diacritics and
 * case do not matter, đ reads as d, words split on anything but letters and digits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "text.h"

static int
join(const char *word, size_t len, void *arg)
{
	char *out = arg;

	assert_int_equal(strlen(word), len);
	if (out[0] != '\0')
		strcat(out, "|");
	strcat(out, word);
	return 0;
}

static void
expect_words(const char *in, const char *want)
{
	char out[1024] = "";

	assert_int_equal(text_words(in, join, out), 0);
	assert_string_equal(out, want);
}

static void
test_vietnamese(void **state)
{
	(void)state;
	expect_words("Quy trình tiếp nhận hồ sơ", "quy|trinh|tiep|nhan|ho|so");
	expect_words("ĐĂNG KÝ kinh doanh", "dang|ky|kinh|doanh");
	expect_words("Đường đi", "duong|di");
	expect_words("Nghị định 30/2020/NĐ-CP", "nghi|dinh|30|2020|nd|cp");
	expect_words("Sở Khoa học và Công nghệ", "so|khoa|hoc|va|cong|nghe");
	/* Precomposed and decomposed forms fold alike. */
	expect_words("h\xe1\xbb\x93 s\xc6\xa1", "ho|so");
	expect_words("ho\xcc\x80 so\xcc\x9b", "ho|so");
}

static void
test_separators(void **state)
{
	(void)state;
	expect_words("", "");
	expect_words("  ,;--  ", "");
	expect_words("QT-01: (bản 2)", "qt|01|ban|2");
	expect_words("ＡＢＣ１２", "abc12");   /* full-width, by compatibility folding */
}

static void
test_long_word_cut(void **state)
{
	char in[200], want[TEXT_MAX_WORD + 1];

	(void)state;
	memset(in, 'a', 150);
	in[150] = '\0';
	memset(want, 'a', TEXT_MAX_WORD);
	want[TEXT_MAX_WORD] = '\0';
	expect_words(in, want);
}

static int
stop_after_one(const char *word, size_t len, void *arg)
{
	(void)word;
	(void)len;
	(*(int *)arg)++;
	return 7;
}

static void
test_invalid_and_stop(void **state)
{
	int calls = 0;

	(void)state;
	assert_int_equal(text_words("Quy tr\xecnh", join, (char[64]){ 0 }), EISO_PARSE);
	assert_int_equal(text_words("mot hai ba", stop_after_one, &calls), 7);
	assert_int_equal(calls, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vietnamese),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_long_word_cut),
		cmocka_unit_test(test_invalid_and_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
