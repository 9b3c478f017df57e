/*
 * text.h: search folding of Vietnamese (and any) text with utf8proc: compatibility
 * decomposition, marks stripped, case folded, and đ/Đ read as d, so that "ho so" matches
 * "hồ sơ" and "dang ky" matches "Đăng ký". Words are runs of letters and digits.
 */
#ifndef EISO_TEXT_H
#define EISO_TEXT_H

#include <stddef.h>

#define TEXT_MAX_WORD 64    /* bytes of one folded word; longer words are cut */

/*
 * Call fn(word, len, arg) for each folded word of s, in order. Returns 0, EISO_NOMEM, or
 * EISO_PARSE when s is not valid UTF-8. fn returning non-zero stops the walk (returned).
 */
typedef int (*text_word_fn)(const char *word, size_t len, void *arg);
int text_words(const char *s, text_word_fn fn, void *arg);

#endif
