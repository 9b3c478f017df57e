/*
 * text.c: fuzz the search folding (text_words) and the UTF-8 helpers over any bytes: every
 * folded word is at most TEXT_MAX_WORD bytes of valid UTF-8 with no upper-case ASCII, and
 * wire_utf8_trim leaves a prefix of its input.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"
#include "text.h"
#include "wire.h"

static int
fuzz_word(const char *w, size_t len, void *arg)
{
	(void)arg;
	if (len == 0 || len > TEXT_MAX_WORD)
		abort();
	for (size_t i = 0; i < len; i++)
		if (w[i] >= 'A' && w[i] <= 'Z')
			abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *t;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	text_words(s, fuzz_word, NULL);
	http_escaped_utf8_ok(s, strlen(s));
	if ((t = strdup(s)) != NULL) {
		wire_utf8_trim(t);
		if (strncmp(t, s, strlen(t)) != 0)
			abort();
		text_words(t, fuzz_word, NULL);
		free(t);
	}
	free(s);
	return 0;
}
