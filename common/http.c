/*
 * http.c: a JSON API server on libh2o 2.2 and a libuv loop the daemon already runs; the
 * node's local API and (later) the hub's dashboard API sit on it.
 *
 * h2o reads each request body whole (up to globalconf.max_request_entity_size, our max_body)
 * before the handler runs, so handlers are plain synchronous functions. A body over the
 * limit never reaches the handler: h2o answers 413 itself, on the host's fallback path,
 * where a filter rewrites that answer (and any other error h2o makes) into our JSON shape.
 *
 * Shutdown: h2o's context owns timers that keep the loop alive until h2o_context_dispose,
 * which asserts that no connection is left. So http_stop closes the listener, expires the
 * idle connections at once (their timeouts set to 0), and disposes when the last one has
 * closed; a connection stuck mid-response past HTTP_DRAIN_MS is left behind, unreferenced,
 * so the daemon can still exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <h2o.h>
#include <sodium.h>
#include <utf8proc.h>

#include "err.h"
#include "html.h"
#include "http.h"
#include "log.h"
#include "sha256.h"

#define HTTP_DRAIN_MS 2000

struct http_conn {
	uv_tcp_t tcp;                  /* first: h2o's close callback hands us this handle */
	struct http_server *srv;
	struct http_conn *prev, *next;
};

struct http_handler {
	h2o_handler_t super;
	struct http_server *srv;
};

struct http_errfilter {
	h2o_filter_t super;
	struct http_server *srv;
};

struct http_errstream {
	h2o_ostream_t super;
	h2o_iovec_t body;
};

struct http_server {
	uv_loop_t *loop;
	uv_tcp_t listener;
	uv_timer_t drain;
	h2o_globalconf_t config;
	h2o_context_t ctx;
	h2o_accept_ctx_t accept;
	char name[32];
	char listen[128];
	enum http_auth auth;
	uint8_t token_hash[HTTP_TOKEN_HASH];
	int have_token;
	uint64_t max_body;
	http_handler_fn handler;
	void *arg;
	struct http_conn *conns;
	unsigned nconns;
	int stopping, draining, disposed, refused_logged;
};

/*
 * Static: after h2o_context_dispose its timers close asynchronously, inside this memory, with
 * no callback to say when they are done.
 */
static struct http_server http_the_server;
static int http_in_use;

/* ------------------------------------------------------------------------------------------ */
/* Pure helpers */

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
static const char *
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

static const char *
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

static int
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
static size_t
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

/* ------------------------------------------------------------------------------------------ */
/* Answers */

static const char *
http_pooldup(h2o_req_t *req, const char *s, size_t len)
{
	return h2o_strdup(&req->pool, s, len).base;
}

/* Status, content type and extra headers; "cache-control: no-store" unless one is given. */
static void
http_head(h2o_req_t *req, int status, const char *ctype, const char *const *headers)
{
	int cache = 0;

	req->res.status = status;
	req->res.reason = http_reason(status);
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
	    ctype, strlen(ctype));
	for (size_t i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL;
	    i += 2) {
		const char *name = headers[i], *value = headers[i + 1];

		cache |= strcasecmp(name, "cache-control") == 0;
		h2o_add_header_by_str(&req->pool, &req->res.headers,
		    h2o_strdup(&req->pool, name, strlen(name)).base, strlen(name), 1, NULL,
		    h2o_strdup(&req->pool, value, strlen(value)).base, strlen(value));
	}
	if (!cache)
		h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
		    H2O_STRLIT("no-store"));
}

static void
http_send_typed(h2o_req_t *req, int status, const char *ctype, const char *text, size_t len,
    int auth, const char *const *headers)
{
	static h2o_generator_t generator = { NULL, NULL };
	h2o_iovec_t body = h2o_strdup(&req->pool, text, len);

	req->res.content_length = body.len;
	http_head(req, status, ctype, headers);
	if (auth)
		h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_WWW_AUTHENTICATE, NULL,
		    H2O_STRLIT("Bearer realm=\"eiso\""));
	h2o_start_response(req, &generator);
	h2o_send(req, &body, 1, H2O_SEND_STATE_FINAL);
}

static void
http_send(h2o_req_t *req, int status, const char *text, size_t len, int auth)
{
	http_send_typed(req, status, "application/json; charset=utf-8", text, len, auth, NULL);
}

void
http_reply_raw(struct http_req *r, int status, const char *content_type, const void *body,
    size_t len, const char *const *headers)
{
	if (r->answered)
		return;
	r->answered = 1;
	r->status = status;
	http_send_typed(r->h2o, status, content_type, body, len, 0, headers);
}

/*
 * A deferred answer: the copy lives on the heap, tied to the request by a small object in the
 * request's pool whose dispose (the client went away, or the answer is over) cuts the tie.
 */
struct http_later {
	struct http_req r;             /* first: the caller holds &l->r */
	struct http_later_tie *tie;    /* NULL once the request is gone */
};
struct http_later_tie {
	struct http_later *l;          /* NULL once the copy is ended */
};

static void
http_later_dispose(void *p)
{
	struct http_later_tie *t = p;

	if (t->l != NULL)
		t->l->tie = NULL;
}

struct http_req *
http_later(struct http_req *r)
{
	h2o_req_t *req = r->h2o;
	struct http_later *l;

	if (r->answered)
		return NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		http_reply_error(r, 500, "internal", "out of memory");
		return NULL;
	}
	l->r = *r;
	l->tie = h2o_mem_alloc_shared(&req->pool, sizeof(*l->tie), http_later_dispose);
	l->tie->l = l;
	r->answered = 1;               /* by the copy, later */
	return &l->r;
}

int
http_later_gone(const struct http_req *later)
{
	return ((const struct http_later *)later)->tie == NULL;
}

void
http_later_end(struct http_req **later)
{
	struct http_later *l = (struct http_later *)*later;

	if (l == NULL)
		return;
	if (l->tie != NULL) {
		if (!l->r.answered)
			http_reply_error(&l->r, 500, "internal", "no answer for %s %s", l->r.method,
			    l->r.path);
		l->tie->l = NULL;
	}
	free(l);
	*later = NULL;
}

void
http_peer(struct http_req *r, char *buf, size_t len)
{
	h2o_req_t *req = r->h2o;
	struct sockaddr_storage ss;
	socklen_t sl;

	snprintf(buf, len, "?");
	if (req->conn->callbacks->get_peername == NULL ||
	    (sl = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss)) == 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, buf, (socklen_t)len);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf, (socklen_t)len);
}

/* A body produced piece by piece, as the client takes it (never whole in memory). */
struct http_stream {
	h2o_generator_t super;
	h2o_req_t *req;
	http_read_fn read;
	void (*done)(void *arg);
	void *arg;
	uint64_t off, total;
	char buf[HTTP_STREAM_CHUNK];
};

static void
http_stream_proceed(h2o_generator_t *g, h2o_req_t *req)
{
	struct http_stream *s = (struct http_stream *)g;
	uint64_t left = s->total - s->off;
	size_t want = left < sizeof(s->buf) ? (size_t)left : sizeof(s->buf), got = 0;
	h2o_iovec_t v;

	if (want > 0 && (s->read(s->arg, s->off, s->buf, want, &got) != 0 || got == 0)) {
		/* The source failed midway: end here; the client sees a short body. */
		h2o_send(req, NULL, 0, H2O_SEND_STATE_ERROR);
		return;
	}
	s->off += got;
	v = h2o_iovec_init(s->buf, got);
	h2o_send(req, &v, 1, s->off == s->total ? H2O_SEND_STATE_FINAL :
	    H2O_SEND_STATE_IN_PROGRESS);
}

static void
http_stream_stop(h2o_generator_t *g, h2o_req_t *req)
{
	(void)g;
	(void)req;
}

static void
http_stream_dispose(void *p)
{
	struct http_stream *s = p;

	if (s->done != NULL)
		s->done(s->arg);
}

void
http_reply_stream(struct http_req *r, int status, const char *content_type, uint64_t total,
    const char *const *headers, http_read_fn read, void (*done)(void *arg), void *arg)
{
	h2o_req_t *req = r->h2o;
	struct http_stream *s;

	if (r->answered) {
		if (done != NULL)
			done(arg);
		return;
	}
	r->answered = 1;
	r->status = status;
	s = h2o_mem_alloc_shared(&req->pool, sizeof(*s), http_stream_dispose);
	memset(s, 0, offsetof(struct http_stream, buf));
	s->super.proceed = http_stream_proceed;
	s->super.stop = http_stream_stop;
	s->req = req;
	s->read = read;
	s->done = done;
	s->arg = arg;
	s->total = total;
	req->res.content_length = total;
	http_head(req, status, content_type, headers);
	h2o_start_response(req, &s->super);
	if (strcmp(r->method, "HEAD") == 0 || total == 0) {
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
		return;
	}
	http_stream_proceed(&s->super, req);
}

const char *
http_header(struct http_req *r, const char *name)
{
	h2o_req_t *req = r->h2o;
	ssize_t i = h2o_find_header_by_str(&req->headers, name, strlen(name), -1);

	if (i == -1)
		return NULL;
	return http_pooldup(req, req->headers.entries[i].value.base,
	    req->headers.entries[i].value.len);
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

void
http_reply(struct http_req *r, int status, json_t *body)
{
	static const char oom[] =
	    "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}\n";
	char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;

	if (r->answered) {
		json_decref(body);
		return;
	}
	r->answered = 1;
	r->status = text != NULL ? status : 500;
	json_decref(body);
	if (text == NULL) {
		http_send(r->h2o, 500, oom, sizeof(oom) - 1, 0);
		return;
	}
	/* One line per answer, like the CLI's --json. */
	{
		size_t n = strlen(text);
		char *line = malloc(n + 2);
		if (line == NULL) {
			free(text);
			http_send(r->h2o, 500, oom, sizeof(oom) - 1, 0);
			return;
		}
		memcpy(line, text, n);
		line[n] = '\n';
		http_send(r->h2o, status, line, n + 1, status == 401);
		free(line);
	}
	free(text);
}

void
http_reply_html(struct http_req *r, int status, struct html *b, const char *const *headers)
{
	if (b->oom)
		http_reply_raw(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14, NULL);
	else
		http_reply_raw(r, status, "text/html; charset=utf-8", b->buf != NULL ? b->buf : "",
		    b->len, headers);
	html_free(b);
}

void
http_reply_error(struct http_req *r, int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_reply(r, status, http_error_body(code, msg));
}

void
http_reply_eiso(struct http_req *r, int rc)
{
	const char *code;
	int status = http_status_of(rc, &code);

	if (status == 500)
		log_warnx("%s %s: %s", r->method, r->path, eiso_lasterr(rc));
	http_reply_error(r, status, code, "%s", eiso_lasterr(rc));
}

int
http_body_json(const struct http_req *r, json_t **out)
{
	json_error_t je;

	*out = NULL;
	if (r->body == NULL || r->body_len == 0) {
		*out = json_object();
		return *out != NULL ? 0 : EISO_NOMEM;
	}
	if ((*out = json_loadb((const char *)r->body, r->body_len, JSON_REJECT_DUPLICATES,
	    &je)) == NULL)
		return eiso_seterr(EISO_INVAL, "body: not valid JSON: %s (line %d, column %d)",
		    je.text, je.line, je.column);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return eiso_seterr(EISO_INVAL, "body: must be a JSON object");
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* h2o glue */


int
http_bearer_check(struct http_req *r, const char *name, const uint8_t *want)
{
	h2o_req_t *req = r->h2o;
	ssize_t i;

	if (want == NULL) {
		http_reply_error(r, 401, "unauthorized", "token: %s.token is empty in the "
		    "configuration, so every request is refused", name);
		return 0;
	}
	i = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1);
	if (i == -1 || !http_bearer_ok(req->headers.entries[i].value.base,
	    req->headers.entries[i].value.len, want)) {
		log_debug("%s: %s %s: refused, %s token", name, r->method, r->path,
		    i == -1 ? "no" : "wrong");
		http_reply_error(r, 401, "unauthorized", "token: %s (send the header "
		    "Authorization: Bearer TOKEN, TOKEN from %s.token)", i == -1 ?
		    "missing" : "wrong", name);
		return 0;
	}
	return 1;
}

static int
http_on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct http_server *s = ((struct http_handler *)self)->srv;
	struct http_req r;
	size_t plen = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	memset(&r, 0, sizeof(r));
	r.h2o = req;
	r.method = http_pooldup(req, req->method.base, req->method.len);
	r.path = http_pooldup(req, req->path.base, plen);
	r.query = req->query_at != SIZE_MAX ? http_pooldup(req, req->path.base + plen + 1,
	    req->path.len - plen - 1) : "";
	if (req->entity.base != NULL) {
		r.body = (const uint8_t *)req->entity.base;
		r.body_len = req->entity.len;
	}
	if (s->stopping) {
		/* The handler's owner may be gone: answer nothing more of substance. */
		http_reply_error(&r, 500, "internal", "http: %s is stopping", s->name);
		return 0;
	}
	if (s->auth == HTTP_AUTH_BEARER &&
	    !http_bearer_check(&r, s->name, s->have_token ? s->token_hash : NULL))
		return 0;
	/* Every value a handler reads is text: bytes that are not UTF-8 stop here, with a 400. */
	if (!http_escaped_utf8_ok(r.path, strlen(r.path)) ||
	    !http_escaped_utf8_ok(r.query, strlen(r.query))) {
		http_reply_error(&r, 400, "invalid", "%s: not valid UTF-8 once percent-decoded",
		    http_escaped_utf8_ok(r.path, strlen(r.path)) ? "query" : "path");
		return 0;
	}
	s->handler(s->arg, &r);
	if (!r.answered)
		http_reply_error(&r, 500, "internal", "no answer for %s %s", r.method, r.path);
	log_debug("%s: %s %s -> %d", s->name, r.method, r.path, req->res.status);
	return 0;
}

static void
http_err_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t n,
    h2o_send_state_t state)
{
	struct http_errstream *o = (struct http_errstream *)self;

	(void)bufs;
	(void)n;
	/* h2o's own text is dropped; ours goes out with the final call. */
	if (h2o_send_state_is_in_progress(state))
		h2o_ostream_send_next(self, req, NULL, 0, state);
	else
		h2o_ostream_send_next(self, req, &o->body, 1, state);
}

static void
http_err_setup(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	struct http_server *s = ((struct http_errfilter *)self)->srv;
	struct http_errstream *o;
	char msg[256], *text;
	json_t *j;

	if (req->res.status >= 400) {
		if (req->res.status == 413)
			snprintf(msg, sizeof(msg), "body: larger than %llu bytes (%s.max_body)",
			    (unsigned long long)s->max_body, s->name);
		else
			snprintf(msg, sizeof(msg), "http: %s", req->res.reason ?
			    req->res.reason : "error");
		j = http_error_body(http_code_of_status(req->res.status), msg);
		text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (text != NULL) {
			o = (struct http_errstream *)h2o_add_ostream(req, sizeof(*o), slot);
			o->super.do_send = http_err_send;
			o->body = h2o_concat(&req->pool, h2o_iovec_init(text, strlen(text)),
			    h2o_iovec_init(H2O_STRLIT("\n")));
			free(text);
			req->res.content_length = o->body.len;
			h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
			    H2O_STRLIT("application/json; charset=utf-8"), 1);
			slot = &o->super.next;
		}
		log_debug("%s: %.*s %.*s -> %d (from h2o)", s->name, (int)req->method.len,
		    req->method.base, (int)req->path.len, req->path.base, req->res.status);
	}
	h2o_setup_next_ostream(req, slot);
}

static void
http_conn_free(uv_handle_t *h)
{
	free(h);
}

static void http_dispose(struct http_server *s);

/* h2o closed a connection's socket (it is done with it). */
static void
http_conn_closed(uv_handle_t *h)
{
	struct http_conn *c = (struct http_conn *)h;
	struct http_server *s = c->srv;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	s->nconns--;
	free(c);
	if (s->stopping && s->nconns == 0)
		http_dispose(s);
}

static void
http_on_accept(uv_stream_t *listener, int status)
{
	struct http_server *s = listener->data;
	struct http_conn *c;
	h2o_socket_t *sock;

	if (status != 0) {
		log_warnx("%s: accept on %s: %s", s->name, s->listen, uv_strerror(status));
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	uv_tcp_init(s->loop, &c->tcp);
	if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0) {
		uv_close((uv_handle_t *)&c->tcp, http_conn_free);
		return;
	}
	if (s->nconns >= HTTP_MAX_CONNS || s->stopping) {
		if (!s->refused_logged)
			log_warnx("%s: %u connections open: closing new ones until some end",
			    s->name, s->nconns);
		s->refused_logged = 1;
		uv_close((uv_handle_t *)&c->tcp, http_conn_free);
		return;
	}
	s->refused_logged = 0;
	c->srv = s;
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	sock = h2o_uv_socket_create((uv_stream_t *)&c->tcp, http_conn_closed);
	h2o_accept(&s->accept, sock);
}

int
http_start(uv_loop_t *loop, const struct http_config *cfg, struct http_server **out)
{
	struct http_server *s = &http_the_server;
	struct sockaddr_storage ss;
	h2o_hostconf_t *host;
	h2o_pathconf_t *path;
	struct http_handler *h;
	struct http_errfilter *f;
	int rc;

	*out = NULL;
	if (http_in_use)
		return eiso_seterr(EISO_EXISTS, "%s: an HTTP server already runs in this process",
		    cfg->name);
	if ((rc = http_parse_listen(cfg->listen, &ss)) != 0) {
		char why[400];
		snprintf(why, sizeof(why), "%s", eiso_lasterr(rc));
		return eiso_seterr(EISO_CONF, "%s.%s", cfg->name, why);
	}
	memset(s, 0, sizeof(*s));
	s->loop = loop;
	snprintf(s->name, sizeof(s->name), "%s", cfg->name);
	snprintf(s->listen, sizeof(s->listen), "%s", cfg->listen);
	s->auth = cfg->auth;
	s->max_body = cfg->max_body;
	s->handler = cfg->handler;
	s->arg = cfg->arg;
	if (cfg->auth == HTTP_AUTH_BEARER && cfg->token != NULL && cfg->token[0] != '\0') {
		http_token_hash(cfg->token, s->token_hash);
		s->have_token = 1;
	}

	if ((rc = uv_tcp_init(loop, &s->listener)) != 0)
		return eiso_seterr(EISO_NET, "%s: %s", cfg->name, uv_strerror(rc));
	s->listener.data = s;
	if ((rc = uv_tcp_bind(&s->listener, (struct sockaddr *)&ss, 0)) != 0 ||
	    (rc = uv_listen((uv_stream_t *)&s->listener, 128, http_on_accept)) != 0) {
		/* The handle closes inside http_the_server: no second server in this process. */
		uv_close((uv_handle_t *)&s->listener, NULL);
		http_in_use = 1;
		return eiso_seterr(EISO_NET, "%s: cannot listen on %s: %s", cfg->name, cfg->listen,
		    uv_strerror(rc));
	}

	h2o_config_init(&s->config);
	s->config.max_request_entity_size = (size_t)cfg->max_body;
	s->config.server_name = h2o_iovec_init(H2O_STRLIT("eiso"));
	host = h2o_config_register_host(&s->config, h2o_iovec_init(H2O_STRLIT("default")),
	    65535);
	path = h2o_config_register_path(host, "/", 0);
	h = (struct http_handler *)h2o_create_handler(path, sizeof(*h));
	h->super.on_req = http_on_req;
	h->srv = s;
	/* Errors h2o makes before any handler runs are answered on the fallback path. */
	f = (struct http_errfilter *)h2o_create_filter(&host->fallback_path, sizeof(*f));
	f->super.on_setup_ostream = http_err_setup;
	f->srv = s;
	h2o_context_init(&s->ctx, loop, &s->config);
	s->accept.ctx = &s->ctx;
	s->accept.hosts = s->config.hosts;
	http_in_use = 1;
	*out = s;
	return 0;
}

int
http_port(const struct http_server *s)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);

	if (uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void
http_dispose(struct http_server *s)
{
	if (s->disposed)
		return;
	s->disposed = 1;
	if (s->draining)
		uv_close((uv_handle_t *)&s->drain, NULL);
	h2o_context_dispose(&s->ctx);
	h2o_config_dispose(&s->config);
	log_debug("%s: stopped", s->name);
}

/* uv_walk: let the loop end without what h2o still holds (its context is never disposed). */
static void
http_unref_walk(uv_handle_t *h, void *arg)
{
	struct http_server *s = arg;
	const char *p = (const char *)h;

	if ((p >= (const char *)&s->ctx && p < (const char *)(&s->ctx + 1)) ||
	    (void *)h == (void *)s->ctx.queue)
		uv_unref(h);
}

static void
http_on_drain(uv_timer_t *t)
{
	struct http_server *s = t->data;

	if (s->nconns == 0 || s->disposed)
		return;
	log_warnx("%s: %u connections still busy %d ms after stop; not waiting for them",
	    s->name, s->nconns, HTTP_DRAIN_MS);
	for (struct http_conn *c = s->conns; c != NULL; c = c->next)
		uv_unref((uv_handle_t *)&c->tcp);
	uv_walk(s->loop, http_unref_walk, s);
	uv_close((uv_handle_t *)&s->drain, NULL);
	s->draining = 0;
}

void
http_stop(struct http_server **sp)
{
	struct http_server *s = *sp;

	*sp = NULL;
	if (s == NULL || s->stopping)
		return;
	s->stopping = 1;
	uv_close((uv_handle_t *)&s->listener, NULL);
	/* A keep-alive connection waiting for its next request would hold us for seconds. */
	s->ctx.http1.req_timeout.timeout = 0;
	s->ctx.http2.idle_timeout.timeout = 0;
	h2o_timeout_run(s->loop, &s->ctx.http1.req_timeout, h2o_now(s->loop));
	h2o_timeout_run(s->loop, &s->ctx.http2.idle_timeout, h2o_now(s->loop));
	if (s->nconns == 0) {
		http_dispose(s);
		return;
	}
	uv_timer_init(s->loop, &s->drain);
	s->drain.data = s;
	s->draining = 1;
	uv_timer_start(&s->drain, http_on_drain, HTTP_DRAIN_MS, 0);
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
