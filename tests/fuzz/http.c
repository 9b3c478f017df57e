/*
 * http.c: fuzz the web layer's pure request parsers (common/http.h): each line of the input
 * is taken as a query string, a path, a cookie header, an Authorization header and a listen
 * address, as requests and configs bring them. Checks the promises their headers make: a
 * decoded value holds no NUL and fits, http_safe_path accepts only "/" plus printable ASCII
 * without a second "/" or "\\".
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "http.h"

static void
fuzz_line(const char *s, size_t len)
{
	char out[256], buf[512], *seg[8];
	uint8_t want[HTTP_TOKEN_HASH] = { 0 };
	struct sockaddr_storage ss;
	long n;

	if ((n = http_unescape(s, len, 1, out, sizeof(out))) >= 0 &&
	    ((size_t)n >= sizeof(out) || memchr(out, '\0', (size_t)n) != NULL))
		abort();
	if (http_safe_path(s)) {
		if (s[0] != '/' || s[1] == '/' || strchr(s, '\\') != NULL)
			abort();
		for (const char *p = s; *p; p++)
			if (*p < 0x21 || *p > 0x7e)
				abort();
	}
	for (const char *const *name = (const char *const[]){ "q", "next", "agency", "", NULL };
	    *name != NULL; name++)
		if (http_query(s, *name, out, sizeof(out)) == 0 && strlen(out) >= sizeof(out))
			abort();
	http_escaped_utf8_ok(s, len);
	http_path_split(s, "/api/v1/", seg, 8, buf, sizeof(buf));
	http_path_split(s, "/", seg, 8, buf, sizeof(buf));
	http_cookie(s, "eiso_session", out, sizeof(out));
	http_bearer_ok(s, len, want);
	http_parse_listen(s, &ss);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *line, *save = NULL;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		fuzz_line(line, strlen(line));
	free(copy);
	return 0;
}
