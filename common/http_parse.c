/*
 * http_parse.c: the pure pieces of the HTTP layer (no socket, no h2o): status and error
 * mapping, percent-decoding, query, path, cookie and listen-address parsing, the bearer
 * token check, the check of a path to redirect to, and route tables. Unit-tested on their
 * own (tests/unit/test_http.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>
#include <utf8proc.h>

#include "err.h"
#include "http.h"
#include "http_int.h"
#include "sha256.h"

int
http_status_of(int rc, const char **code)
{
	switch (rc) {
	case 0: *code = "ok"; return 200;
	case EISO_INVAL:
	case EISO_PARSE: *code = "invalid"; return 400;
	case EISO_NOTFOUND: *code = "not_found"; return 404;
	case EISO_EXISTS: *code = "exists"; return 409;
	case EISO_TOOBIG: *code = "too_large"; return 413;
	default: *code = "internal"; return 500;
	}
}

/* The code of an error status h2o chose itself. */
const char *
http_code_of_status(int status)
{
	switch (status) {
	case 400: return "invalid";
	case 401: return "unauthorized";
	case 404: return "not_found";
	case 405: return "method";
	case 409: return "exists";
	case 413: return "too_large";
	default: return "internal";
	}
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

int
http_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
http_safe_path(const char *s)
{
	if (s == NULL || s[0] != '/' || s[1] == '/')
		return 0;
	/* Controls, spaces, DEL, bytes above ASCII and '\\' are what browsers bend into "//". */
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '\\')
			return 0;
	return 1;
}

/* Bytes of s[0..len) that are valid UTF-8 from the start (utf8proc's judgement). */
size_t
http_utf8_prefix(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;

		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i),
		    &cp);
		if (n <= 0 || cp < 0)
			break;
		i += (size_t)n;
	}
	return i;
}

int
http_escaped_utf8_ok(const char *s, size_t len)
{
	char *dec;
	size_t j = 0;
	int ok;

	if ((dec = malloc(len + 1)) == NULL)
		return 0;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len && (hi = http_hexval(s[i + 1])) >= 0 &&
		    (lo = http_hexval(s[i + 2])) >= 0) {
			dec[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			dec[j++] = s[i];
		}
	}
	ok = http_utf8_prefix(dec, j) == j;
	free(dec);
	return ok;
}

json_t *
http_error_body(const char *code, const char *message)
{
	char msg[1024];
	size_t len = strlen(message), at;

	if (http_utf8_prefix(message, len) == len)
		return json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);
	/* A request's bytes quoted in a message are never echoed invalid: each bad byte is '?'. */
	snprintf(msg, sizeof(msg), "%s", message);
	len = strlen(msg);
	for (at = 0; (at += http_utf8_prefix(msg + at, len - at)) < len; at++)
		msg[at] = '?';
	return json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
}

int
http_parse_listen(const char *s, struct sockaddr_storage *ss)
{
	char host[64], *end;
	const char *colon;
	unsigned long port;
	size_t hlen;
	int v6 = 0;

	memset(ss, 0, sizeof(*ss));
	if (s == NULL || s[0] == '\0')
		return eiso_seterr(EISO_CONF, "listen: empty");
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':')
			return eiso_seterr(EISO_CONF, "listen: '%s' is not [IPV6]:PORT", s);
		hlen = (size_t)(close - s - 1);
		s++;
		colon = close + 1;
		v6 = 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return eiso_seterr(EISO_CONF, "listen: '%s' is not HOST:PORT", s);
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return eiso_seterr(EISO_CONF, "listen: '%s' has no address before the port", s);
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port > 65535 || colon[1] == '-' ||
	    colon[1] == '+')
		return eiso_seterr(EISO_CONF, "listen: port '%s' is not 0-65535", colon + 1);
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return eiso_seterr(EISO_CONF, "listen: '%s' is not an IPv6 address", host);
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return eiso_seterr(EISO_CONF, "listen: '%s' is not an IPv4 address (use "
			    "127.0.0.1, 0.0.0.0, or [::1] for IPv6)", host);
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
	}
	return 0;
}

void
http_token_hash(const char *token, uint8_t hash[HTTP_TOKEN_HASH])
{
	sha256(token, strlen(token), hash);
}

int
http_bearer_ok(const char *hdr, size_t len, const uint8_t want[HTTP_TOKEN_HASH])
{
	uint8_t got[HTTP_TOKEN_HASH];
	size_t i = 6;
	int ok;

	if (hdr == NULL || len < 7 || strncasecmp(hdr, "Bearer", 6) != 0 || hdr[6] != ' ')
		return 0;
	while (i < len && hdr[i] == ' ')
		i++;
	while (len > i && (hdr[len - 1] == ' ' || hdr[len - 1] == '\t'))
		len--;
	if (i == len)
		return 0;
	/* Hashes of equal length: the comparison's time says nothing about the token. */
	sha256(hdr + i, len - i, got);
	ok = sodium_memcmp(got, want, HTTP_TOKEN_HASH) == 0;
	sodium_memzero(got, sizeof(got));
	return ok;
}

long
http_unescape(const char *s, size_t len, int plus, char *out, size_t outlen)
{
	size_t j = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;
			if (i + 2 >= len)
				return -1;
			hi = http_hexval(s[i + 1]);
			lo = http_hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			if (c == '\0')
				return -1;
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (j + 1 >= outlen)
			return -1;
		out[j++] = c;
	}
	if (outlen == 0)
		return -1;
	out[j] = '\0';
	return (long)j;
}

int
http_query(const char *query, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = query;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '&'), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p);

		eq = memchr(p, '=', len);
		if ((size_t)((eq ? eq : p + len) - p) == nlen && memcmp(p, name, nlen) == 0) {
			const char *v = eq ? eq + 1 : p + len;
			long n = http_unescape(v, (size_t)(p + len - v), 1, out, outlen);

			if (n < 0)
				return eiso_seterr(EISO_INVAL, "%s: bad percent-escape or longer than "
				    "%zu bytes", name, outlen ? outlen - 1 : 0);
			if (http_utf8_prefix(out, (size_t)n) != (size_t)n) {
				out[0] = '\0';
				return eiso_seterr(EISO_INVAL, "%s: not valid UTF-8", name);
			}
			return 0;
		}
		p = end ? end + 1 : NULL;
	}
	return EISO_NOTFOUND;
}

int
http_path_split(const char *path, const char *prefix, char **seg, int max, char *buf,
    size_t buflen)
{
	size_t plen = strlen(prefix), used = 0;
	const char *p;
	int n = 0;

	if (strncmp(path, prefix, plen) != 0)
		return -1;
	p = path + plen;
	while (*p != '\0') {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		long got;

		if (len == 0 || n == max)
			return -1;
		if ((got = http_unescape(p, len, 0, buf + used, buflen - used)) <= 0 ||
		    http_utf8_prefix(buf + used, (size_t)got) != (size_t)got)
			return -1;
		seg[n++] = buf + used;
		used += (size_t)got + 1;
		if (end == NULL)
			break;
		p = end + 1;
		if (*p == '\0')         /* a trailing slash */
			return -1;
	}
	return n;
}

int
http_cookie(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = header;

	while (p != NULL && *p != '\0') {
		const char *end, *eq;
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		end = strchr(p, ';');
		len = end ? (size_t)(end - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (eq != NULL && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
			size_t vlen = (size_t)(p + len - eq - 1);
			while (vlen > 0 && (eq[vlen] == ' ' || eq[vlen] == '\t'))
				vlen--;
			if (vlen + 1 > outlen)
				return eiso_seterr(EISO_INVAL, "cookie %s: longer than %zu bytes", name,
				    outlen ? outlen - 1 : 0);
			memcpy(out, eq + 1, vlen);
			out[vlen] = '\0';
			return 0;
		}
		p = end ? end + 1 : NULL;
	}
	return EISO_NOTFOUND;
}

int
http_route_match(const char *pat, const char *path)
{
	size_t n = strlen(pat);

	if (n > 0 && pat[n - 1] == '*')
		return strncmp(path, pat, n - 1) == 0;
	return strcmp(path, pat) == 0;
}

const struct http_route *
http_route_find(const struct http_route *table, const struct http_req *r, int *status)
{
	int path_seen = 0;

	for (const struct http_route *t = table; t->path != NULL; t++) {
		if (!http_route_match(t->path, r->path))
			continue;
		if (t->method == NULL || strcmp(t->method, r->method) == 0)
			return t;
		path_seen = 1;
	}
	*status = path_seen ? 405 : 404;
	return NULL;
}
