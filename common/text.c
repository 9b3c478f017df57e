/* text.c: folding text into search words with utf8proc. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "err.h"
#include "text.h"

static int
text_is_word_char(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

int
text_words(const char *s, text_word_fn fn, void *arg)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n, len, step;
	utf8proc_int32_t cp;
	char word[TEXT_MAX_WORD + 4];
	size_t wl = 0;
	int rc = 0;

	if (s == NULL || *s == '\0')
		return 0;
	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &folded, UTF8PROC_NULLTERM |
	    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
	    UTF8PROC_CASEFOLD);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? EISO_NOMEM : EISO_PARSE;
	len = n;
	for (utf8proc_ssize_t i = 0; i <= len; i += step) {
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t el;

		if (i == len) {
			cp = ' ';
			step = 1;
		} else if ((step = utf8proc_iterate(folded + i, len - i, &cp)) < 0) {
			rc = EISO_PARSE;
			break;
		}
		/* Marks are gone after decomposition, but đ is a letter of its own. */
		if (cp == 0x0111)
			cp = 'd';
		if (text_is_word_char(cp)) {
			el = utf8proc_encode_char(cp, enc);
			if (wl + (size_t)el <= TEXT_MAX_WORD) {
				memcpy(word + wl, enc, (size_t)el);
				wl += (size_t)el;
			}
			continue;
		}
		if (wl > 0) {
			word[wl] = '\0';
			if ((rc = fn(word, wl, arg)) != 0)
				break;
			wl = 0;
		}
	}
	free(folded);
	return rc;
}
