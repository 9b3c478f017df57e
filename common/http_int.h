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
