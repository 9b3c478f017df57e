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
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "err.h"
#include "http.h"
#include "http_int.h"
#include "log.h"

#define HTTP_DRAIN_MS 2000

/*
 * Static: after h2o_context_dispose its timers close asynchronously, inside this memory, with
 * no callback to say when they are done.
 */
static struct http_server http_the_server;
static int http_in_use;

/* ------------------------------------------------------------------------------------------ */
/* h2o glue */

/*
 * A route that sets one of these itself keeps its own (a file download's "sandbox" policy).
 * Pages load their script and styles only as files from the same site; nothing is framed
 * (no portal page is made to be embedded in another site), no plugin runs, a <base> cannot
 * move relative links, and forms post only back here.
 */
#define HTTP_CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " \
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
#define HTTP_HSTS "max-age=31536000"

int
http_req_tls(h2o_req_t *req)
{
	return req->conn != NULL && req->conn->callbacks->get_socket != NULL &&
	    req->conn->callbacks->get_socket(req->conn) != NULL &&
	    req->conn->callbacks->get_socket(req->conn)->ssl != NULL;
}

void
http_secure_headers(h2o_req_t *req)
{
	h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("content-security-policy"),
	    1, H2O_STRLIT(HTTP_CSP), 0);
	h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-content-type-options"),
	    1, H2O_STRLIT("nosniff"), 0);
	h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("referrer-policy"), 0,
	    H2O_STRLIT("same-origin"), 0);
	h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-frame-options"), 0,
	    H2O_STRLIT("DENY"), 0);
	if (http_req_tls(req))
		h2o_set_header_by_str(&req->pool, &req->res.headers,
		    H2O_STRLIT("strict-transport-security"), 1, H2O_STRLIT(HTTP_HSTS), 1);
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
		http_secure_headers(req);
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

	http_limit_gone(c);
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
	if (http_limit_admit(s, c) != 0) {
		uv_close((uv_handle_t *)&c->tcp, http_conn_free);
		return;
	}
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	sock = h2o_uv_socket_create((uv_stream_t *)&c->tcp, http_conn_closed);
	c->sock = sock;
	h2o_accept(&s->accept, sock);
	http_limit_track(c);
}

static int http_tls_load(const struct http_config *cfg, SSL_CTX **out);

/* The last OpenSSL error as text ("" when none), the queue emptied. */
static const char *
http_ssl_error(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	buf[0] = '\0';
	if (e != 0)
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

/* An OpenSSL context for cfg's certificate and key: TLS 1.2 and up, modern ciphers only. */
static int
http_tls_open(const struct http_config *cfg, SSL_CTX **out)
{
	if (cfg->tls_cert == NULL || cfg->tls_cert[0] == '\0')
		return eiso_seterr(EISO_CONF, "%s.tls_key is set but %s.tls_cert is empty: give "
		    "both (HTTPS) or neither (plain HTTP)", cfg->name, cfg->name);
	return http_tls_load(cfg, out);
}

int
http_tls_check(const char *name, const char *cert, const char *key)
{
	struct http_config cfg;
	SSL_CTX *ctx;
	int rc;

	if ((cert == NULL || cert[0] == '\0') && (key == NULL || key[0] == '\0'))
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = name;
	cfg.tls_cert = cert;
	cfg.tls_key = key;
	if ((rc = http_tls_open(&cfg, &ctx)) != 0)
		return rc;
	SSL_CTX_free(ctx);
	return 0;
}

static int
http_tls_load(const struct http_config *cfg, SSL_CTX **out)
{
	SSL_CTX *ctx;
	char why[256];
	int rc;

	*out = NULL;
	if (cfg->tls_key == NULL || cfg->tls_key[0] == '\0')
		return eiso_seterr(EISO_CONF, "%s.tls_cert is set but %s.tls_key is empty: give "
		    "both (HTTPS) or neither (plain HTTP)", cfg->name, cfg->name);
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		return eiso_seterr(EISO_NOMEM, "%s: TLS: %s", cfg->name,
		    http_ssl_error(why, sizeof(why)));
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* TLS 1.2: forward secrecy and AEAD only (1.3's suites are all of that kind). */
	SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20");
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert) != 1) {
		rc = eiso_seterr(EISO_CONF, "%s.tls_cert: cannot load the certificate chain '%s' "
		    "(PEM): %s", cfg->name, cfg->tls_cert, http_ssl_error(why, sizeof(why)));
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_key, SSL_FILETYPE_PEM) != 1) {
		rc = eiso_seterr(EISO_CONF, "%s.tls_key: cannot load the private key '%s' (PEM): "
		    "%s", cfg->name, cfg->tls_key, http_ssl_error(why, sizeof(why)));
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		rc = eiso_seterr(EISO_CONF, "%s.tls_key: '%s' is not the key of the certificate "
		    "'%s': %s", cfg->name, cfg->tls_key, cfg->tls_cert,
		    http_ssl_error(why, sizeof(why)));
		goto fail;
	}
	*out = ctx;
	return 0;
fail:
	SSL_CTX_free(ctx);
	return rc;
}

void
http_serve_apply(struct http_config *cfg, const struct http_serve *s)
{
	cfg->tls_cert = s->tls_cert;
	cfg->tls_key = s->tls_key;
	cfg->body_budget = s->body_budget;
	cfg->conns_per_addr = (unsigned)s->conns_per_addr;
	cfg->read_timeout_s = (unsigned)s->read_timeout_s;
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
	if (((cfg->tls_cert != NULL && cfg->tls_cert[0] != '\0') ||
	    (cfg->tls_key != NULL && cfg->tls_key[0] != '\0')) &&
	    (rc = http_tls_open(cfg, &s->ssl)) != 0)
		return rc;
	s->loop = loop;
	s->body_budget = cfg->body_budget;
	s->conns_per_addr = cfg->conns_per_addr;
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
		SSL_CTX_free(s->ssl);
		s->ssl = NULL;
		http_in_use = 1;
		return eiso_seterr(EISO_NET, "%s: cannot listen on %s: %s", cfg->name, cfg->listen,
		    uv_strerror(rc));
	}

	h2o_config_init(&s->config);
	s->config.max_request_entity_size = (size_t)cfg->max_body;
	/* h2o's request timeout runs from the first byte of a request to its last: head and body. */
	if (cfg->read_timeout_s > 0) {
		s->config.http1.req_timeout = (uint64_t)cfg->read_timeout_s * 1000;
		s->config.http2.idle_timeout = (uint64_t)cfg->read_timeout_s * 1000;
		if (s->config.handshake_timeout > s->config.http1.req_timeout)
			s->config.handshake_timeout = s->config.http1.req_timeout;
	}
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
	s->accept.ssl_ctx = s->ssl;
	http_limit_start(s);
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
	SSL_CTX_free(s->ssl);
	s->ssl = NULL;
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
	http_limit_stop(s);
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
