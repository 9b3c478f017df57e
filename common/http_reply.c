/*
 * http_reply.c: answering a request on h2o: JSON, HTML, raw and streamed bodies, deferred
 * answers (http_later) for work done on another thread, and reading what the request
 * carries (headers, the peer's address, a JSON body, the bearer token).
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <h2o.h>

#include "err.h"
#include "html.h"
#include "http.h"
#include "http_int.h"
#include "log.h"

/* ------------------------------------------------------------------------------------------ */
/* Answers */

const char *
http_pooldup(h2o_req_t *req, const char *s, size_t len)
{
	return h2o_strdup(&req->pool, s, len).base;
}

/*
 * Status, content type, extra headers, "cache-control: no-store" unless one is given, and the
 * headers every answer carries (http_secure_headers).
 */
static void
http_head(h2o_req_t *req, int status, const char *ctype, const char *const *headers)
{
	int cache = 0, tls = http_req_tls(req);

	req->res.status = status;
	req->res.reason = http_reason(status);
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
	    ctype, strlen(ctype));
	for (size_t i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL;
	    i += 2) {
		const char *name = headers[i], *value = headers[i + 1];

		h2o_iovec_t v = h2o_strdup(&req->pool, value, strlen(value));

		cache |= strcasecmp(name, "cache-control") == 0;
		/* Over TLS a session cookie must never travel in clear text. */
		if (tls && strcasecmp(name, "set-cookie") == 0 && strcasestr(value, "; Secure") == NULL)
			v = h2o_concat(&req->pool, v, h2o_iovec_init(H2O_STRLIT("; Secure")));
		h2o_add_header_by_str(&req->pool, &req->res.headers,
		    h2o_strdup(&req->pool, name, strlen(name)).base, strlen(name), 1, NULL,
		    v.base, v.len);
	}
	http_secure_headers(req);
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

void
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
