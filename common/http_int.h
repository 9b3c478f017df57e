/*
 * http_int.h: what the files of the HTTP layer (http.c, http_reply.c, http_parse.c) share
 * with each other and with nothing else: the server's state and a few internal helpers.
 */
#ifndef EISO_HTTP_INT_H
#define EISO_HTTP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <h2o.h>

#include "http.h"

struct http_conn {
	uv_tcp_t tcp;                  /* first: h2o's close callback hands us this handle */
	struct http_server *srv;
	struct http_conn *prev, *next;
	h2o_socket_t *sock;
	uv_read_cb h2o_read;           /* h2o's libuv read callback, which http_limit.c's wraps */
	h2o_socket_cb paused_cb;       /* h2o's socket read callback, kept while paused */
	uint64_t seq, paused_at;       /* accept order; when the body budget paused it (ms) */
	int paused, refused;           /* refused: answered 503, never read again */
	int family;                    /* the peer's address (AF_INET, AF_INET6; 0: unknown) */
	unsigned char addr[16];
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
	SSL_CTX *ssl;                  /* HTTPS when not NULL */
	/* http_limit.c */
	uint64_t body_budget;
	unsigned conns_per_addr;
	uint64_t conn_seq;
	uv_prepare_t wrap;             /* wraps h2o's read callbacks before each poll */
	uv_timer_t budget_timer;       /* resumes or refuses paused uploads */
	int limits_on;
	unsigned npaused;
	uint64_t addr_refused, budget_refused;  /* counted since the last log line */
	uint64_t addr_logged_at, budget_logged_at;
};

/* http_limit.c */
/* Start the per-address and body budget bookkeeping (after the listener is up). */
void http_limit_start(struct http_server *s);
void http_limit_stop(struct http_server *s);
/* Note c's peer; 0 when it may stay, -1 when its address has too many connections. */
int http_limit_admit(struct http_server *s, struct http_conn *c);
/* h2o has taken c (c->sock set): watch what it reads. */
void http_limit_track(struct http_conn *c);
/* c is closing. */
void http_limit_gone(struct http_conn *c);

/* http_parse.c */
const char *http_code_of_status(int status);   /* the error code h2o's own status means */
const char *http_reason(int status);
int http_hexval(char c);
/* Bytes of s[0..len) that are valid UTF-8 from the start (utf8proc's judgement). */
size_t http_utf8_prefix(const char *s, size_t len);

/* http.c */
/*
 * Add the headers every answer carries (the content security policy, nosniff, the referrer
 * policy, and HSTS when the server speaks TLS) to req's response.
 */
void http_secure_headers(h2o_req_t *req);
/* 1 when req came over TLS. */
int http_req_tls(h2o_req_t *req);

/* http_reply.c */
const char *http_pooldup(h2o_req_t *req, const char *s, size_t len);
void http_send(h2o_req_t *req, int status, const char *text, size_t len, int auth);

#endif
