/*
 * http.h: the HTTP side both daemons share: a JSON API served by libh2o (2.2, the libuv
 * flavour) on a libuv loop the daemon already runs.
 *
 * http_start listens on "HOST:PORT" and hands every request, already authenticated and with
 * its body read whole (bounded by max_body), to one handler function, which answers with
 * http_reply* before it returns. Errors have one shape everywhere:
 *     {"error":{"code":"invalid","message":"field: reason"}}
 * with code one of invalid, not_found, exists, unauthorized, too_large, method, internal, busy
 * and the matching status 400, 404, 409, 401, 413, 405, 500, 503. Even the errors h2o produces itself
 * (a body over the limit) come out in that shape.
 *
 * The pure pieces (address, query and path parsing, the token check, error mapping, the
 * check of a path to redirect to) work without a socket and are unit-tested on their own.
 */
#ifndef EISO_HTTP_H
#define EISO_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <jansson.h>
#include <uv.h>

#include "conf.h"

#define HTTP_MAX_CONNS 256     /* open connections at most; more are closed at once */
#define HTTP_BUDGET_WAIT_MS 3000   /* an upload paused by the body budget this long: 503 */
#define HTTP_TOKEN_HASH 32

/* A request as the handler sees it. Strings are NUL-terminated and live until it answers. */
struct http_req {
	const char *method;        /* "GET", "POST" ... */
	const char *path;          /* raw (still percent-encoded), without the query */
	const char *query;         /* raw, without the '?'; "" when there is none */
	const uint8_t *body;       /* NULL when there is no body */
	size_t body_len;
	void *h2o;                 /* the h2o_req_t, for the http*.c files only */
	int answered;
	int status;                /* the status it was answered with */
};

typedef void (*http_handler_fn)(void *arg, struct http_req *r);

enum http_auth {
	HTTP_AUTH_NONE,            /* public: no token asked */
	HTTP_AUTH_BEARER,          /* "Authorization: Bearer TOKEN"; an empty token refuses all */
};

struct http_config {
	const char *name;          /* config section, for logs and messages ("api") */
	const char *listen;        /* "HOST:PORT", "[IPV6]:PORT" */
	enum http_auth auth;
	const char *token;         /* HTTP_AUTH_BEARER; only its hash is kept */
	uint64_t max_body;         /* bytes of a request body at most */
	/* HTTPS: a PEM certificate chain and its key; both or neither (then plain HTTP). */
	const char *tls_cert;
	const char *tls_key;
	uint64_t body_budget;      /* bytes of requests held in memory at once, all clients; 0: none */
	unsigned conns_per_addr;   /* open connections per client address; 0: no limit */
	unsigned read_timeout_s;   /* seconds to send a whole request, head and body; 0: 10 */
	http_handler_fn handler;
	void *arg;
};

/*
 * What a daemon's config says about its web side besides the address, the same for both
 * daemons ([web] of hubd, [api] of noded): HTTPS and the resource limits. A daemon's config
 * struct holds one, its directive table lists HTTP_SERVE_DIRECTIVES for it, and
 * http_serve_apply copies it into the server's http_config.
 */
struct http_serve {
	char tls_cert[256];
	char tls_key[256];
	uint64_t body_budget;
	uint64_t conns_per_addr;
	uint64_t read_timeout_s;
};

#define HTTP_SERVE_ROW_(sec, T, m, f, type, lo, hi, def, help) \
	{ sec, #f, type, offsetof(T, m.f), sizeof(((T *)0)->m.f), lo, hi, def, help }
#define HTTP_SERVE_DIRECTIVES(sec, T, m) \
	HTTP_SERVE_ROW_(sec, T, m, tls_cert, CONF_STRING, 0, 0, "", \
	    "PEM certificate chain; with tls_key the web side speaks HTTPS only (TLS 1.2+)"), \
	HTTP_SERVE_ROW_(sec, T, m, tls_key, CONF_STRING, 0, 0, "", \
	    "PEM private key of tls_cert (keep it 0600, readable by the daemon's user only)"), \
	HTTP_SERVE_ROW_(sec, T, m, body_budget, CONF_UINT, 1048576, 68719476736, "67108864", \
	    "bytes of requests held in memory at once, all clients together; uploads past it " \
	    "wait, then get 503"), \
	HTTP_SERVE_ROW_(sec, T, m, conns_per_addr, CONF_UINT, 0, 100000, "64", \
	    "open connections one client address may hold (0: no limit; behind a reverse " \
	    "proxy every client has the proxy's address)"), \
	HTTP_SERVE_ROW_(sec, T, m, read_timeout_s, CONF_UINT, 1, 3600, "60", \
	    "seconds a client has to send a whole request, head and body")

/* Copy s into cfg's TLS and limit members (cfg points into s: keep s alive). */
void http_serve_apply(struct http_config *cfg, const struct http_serve *s);

struct http_server;

/*
 * Listen on cfg->listen on loop and serve. One server per process (h2o's context must
 * outlive the closing of its timers, so it lives in static storage). Returns 0, EISO_CONF
 * (bad address, or a TLS certificate or key that cannot be loaded; detail says why),
 * EISO_NET (bind or listen failed: detail names the address and the reason), EISO_EXISTS
 * (a server already runs).
 *
 * With tls_cert and tls_key, only HTTPS is spoken (TLS 1.2 and up), every answer carries
 * Strict-Transport-Security and every Set-Cookie gets Secure. Every answer carries a strict
 * Content-Security-Policy, X-Content-Type-Options: nosniff and Referrer-Policy: same-origin.
 *
 * Limits against a client that holds the server: a connection from an address that already
 * has conns_per_addr open is closed at once; a request not received whole (head and body)
 * within read_timeout_s is dropped; and while the request bytes held in memory exceed
 * body_budget, uploads past their first 256 KiB wait (reading paused, the oldest always
 * goes on), and one that waited HTTP_BUDGET_WAIT_MS is answered 503 with Retry-After.
 */
int http_start(uv_loop_t *loop, const struct http_config *cfg, struct http_server **out);

/*
 * Stop listening, close idle connections, and dispose of h2o once the last connection is
 * gone; the loop must run (uv_run) afterwards for the handles to close. Sets *s to NULL.
 */
void http_stop(struct http_server **s);

/*
 * For a configuration check (-n): 0 when cert and key are both empty, or load as http_start
 * would load them; else EISO_CONF naming section name's directive and the reason.
 */
int http_tls_check(const char *name, const char *cert, const char *key);

/* The port the server listens on (useful with port 0). */
int http_port(const struct http_server *s);

/*
 * Answer later, for a handler that hands slow work (a password hash) to another thread: the
 * returned copy of r outlives the handler, and the loop's thread answers it with http_reply*
 * when the work is done, then calls http_later_end. A copy whose client went away meanwhile
 * (http_later_gone) must not be answered, only ended. The copy's strings (method, path,
 * query, body) live only as long as the client: take what the work needs before deferring.
 * NULL when out of memory (r is then answered 500).
 */
struct http_req *http_later(struct http_req *r);
int http_later_gone(const struct http_req *later);
void http_later_end(struct http_req **later);

/* Answer with status and body (the reference is taken; NULL answers 500). */
void http_reply(struct http_req *r, int status, json_t *body);
/*
 * Answer with status, any content type and len bytes of body (copied), plus extra headers
 * given as pairs: { "set-cookie", "a=b", "location", "/x", NULL } (headers may be NULL).
 * Without a cache-control among them, "no-store" is added.
 */
void http_reply_raw(struct http_req *r, int status, const char *content_type, const void *body,
    size_t len, const char *const *headers);
/*
 * Answer with status, content type and a body of total bytes that is never whole in memory:
 * read(arg, offset, buf, len, &got) fills buf with up to len (HTTP_STREAM_CHUNK at most)
 * bytes at offset each time the client can take more, returning 0 (got > 0) or non-zero to
 * cut the answer short. done(arg), if given, is called once when the answer is over or the
 * client went away (free arg there). headers as for http_reply_raw. A HEAD sends no body.
 */
#define HTTP_STREAM_CHUNK (256 << 10)
typedef int (*http_read_fn)(void *arg, uint64_t offset, void *buf, size_t len, size_t *got);
void http_reply_stream(struct http_req *r, int status, const char *content_type, uint64_t total,
    const char *const *headers, http_read_fn read, void (*done)(void *arg), void *arg);
/*
 * Answer text/html with the page in b, then free b; headers as for http_reply_raw. A page
 * whose buffer ran out of memory (b->oom) answers 500 instead.
 */
struct html;
void http_reply_html(struct http_req *r, int status, struct html *b, const char *const *headers);
/* Answer {"error":{"code":CODE,"message":...}} with status. */
void http_reply_error(struct http_req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Answer the error an EISO_* code stands for, with eiso_lasterr(rc) as the message. */
void http_reply_eiso(struct http_req *r, int rc);

/*
 * The body as a JSON object: an empty body is {}. Returns 0 or EISO_INVAL with a detail
 * starting "body: ".
 */
int http_body_json(const struct http_req *r, json_t **out);

/*
 * The value of request header name (lower case, e.g. "cookie"), NUL-terminated, living until
 * the answer; the first one when it repeats; NULL when absent.
 */
const char *http_header(struct http_req *r, const char *name);

/* The client's address as text ("127.0.0.1", "::1") into buf; "?" when unknown. */
void http_peer(struct http_req *r, char *buf, size_t len);

/*
 * The value of cookie name in a Cookie header value ("a=1; b=2"), copied into out (outlen
 * bytes with the NUL). Returns 0, EISO_NOTFOUND, EISO_INVAL (longer than outlen - 1).
 */
int http_cookie(const char *header, const char *name, char *out, size_t outlen);

/*
 * For a server that serves several kinds of route (HTTP_AUTH_NONE, its own table): 1 when r
 * carries the bearer token whose hash is want; else r is answered 401 (with
 * WWW-Authenticate: Bearer, the message naming the config section name) and 0 is returned.
 * want NULL (no token configured) refuses every request.
 */
int http_bearer_check(struct http_req *r, const char *name, const uint8_t *want);

/* Pure helpers (no socket). */

/* Parse "A.B.C.D:PORT" or "[V6]:PORT" (port 0-65535). 0 or EISO_CONF with a detail. */
int http_parse_listen(const char *s, struct sockaddr_storage *ss);

/* SHA-256 of a token, the form in which the server keeps it. */
void http_token_hash(const char *token, uint8_t hash[HTTP_TOKEN_HASH]);

/*
 * 1 if the Authorization header value (len bytes, not NUL-terminated) is "Bearer TOKEN" with
 * TOKEN's hash equal to want, compared in constant time (sodium_memcmp on the hashes, so
 * neither the token nor its length leaks through timing); else 0.
 */
int http_bearer_ok(const char *hdr, size_t len, const uint8_t want[HTTP_TOKEN_HASH]);

/*
 * Percent-decode len bytes of s into out (outlen bytes with the NUL); '+' becomes a space
 * when plus is set (query strings). Returns the decoded length, or -1 for a bad escape, a
 * decoded NUL or too little room.
 */
long http_unescape(const char *s, size_t len, int plus, char *out, size_t outlen);

/*
 * The decoded value of parameter name in query ("a=1&b=x%20y"). Returns 0, EISO_NOTFOUND,
 * EISO_INVAL (bad escape, or longer than outlen - 1).
 */
int http_query(const char *query, const char *name, char *out, size_t outlen);

/*
 * Split path below prefix ("/api/v1/") into at most max decoded segments held in buf
 * (segments may contain "/" written as %2F). Returns the count, or -1 when the path is not
 * below prefix, has empty or bad segments, more than max, or does not fit buf.
 */
int http_path_split(const char *path, const char *prefix, char **seg, int max, char *buf,
    size_t buflen);

/*
 * 1 if s may follow a login or a form as "Location: s": one local path, that is a "/" then
 * no second "/" (a "//host" is another site), and only printable ASCII without "\\" (a
 * browser reads "/\\host" and "/<TAB>/host" as "//host"). s is the decoded value, exactly
 * as it would be sent. 0 for anything else, NULL included.
 */
int http_safe_path(const char *s);

/*
 * 1 if len bytes of s (a raw path or query), percent-decoded, are valid UTF-8; a bad escape
 * counts as its literal characters (the handler that reads it says what is wrong with it).
 */
int http_escaped_utf8_ok(const char *s, size_t len);

/*
 * Route tables. A daemon lists its routes in one array ending in a { NULL path } entry; the
 * web thread finds the request's route, asks what the route's auth says, and calls fn.
 * path is matched exactly, or, when it ends in an asterisk, as a prefix: "/agency/" followed
 * by one matches every path below /agency/. method NULL takes every method; the same path
 * may appear more than once with different methods. auth and label mean what the daemon
 * says (who may ask; what its request counters call the route).
 */
typedef void (*http_route_fn)(void *arg, struct http_req *r);
struct http_route {
	const char *method;
	const char *path;
	int auth;
	const char *label;
	http_route_fn fn;
};
/*
 * The first route of table whose path and method match r, or NULL with *status 404 (no path
 * matches) or 405 (a path matches, not with r's method).
 */
const struct http_route *http_route_find(const struct http_route *table,
    const struct http_req *r, int *status);
/* 1 when path matches the route pattern pat (above), else 0. */
int http_route_match(const char *pat, const char *path);

/* The status and error code an EISO_* code answers with. */
int http_status_of(int rc, const char **code);

/* {"error":{"code":code,"message":message}} (a new reference). */
json_t *http_error_body(const char *code, const char *message);

#endif
