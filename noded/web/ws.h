/*
 * ws.h: what the node's server (web.c) and the workspace's pages (workspace.c) share.
 * Private to noded/web.
 */
#ifndef NODED_WEB_WS_H
#define NODED_WEB_WS_H

#include "http.h"
#include "session.h"
#include "tmpl.h"
#include "web/web.h"

struct web {
	struct node *n;
	uv_loop_t *loop;
	struct http_server *srv;
	const struct http_route *routes;
	struct api *api;
	uint8_t token_hash[HTTP_TOKEN_HASH];
	int have_token;
	struct tmpl_set *tmpl;
	struct session_table *sessions;
	struct login_limit *limit;
	const struct session *who;       /* WEB_SESSION routes: the caller's session */
	int stopping;
	unsigned pending;                /* logins on the thread pool */
};

/* web.c: a login on the thread pool keeps w alive past web_stop until it is released. */
void web_pending_hold(struct web *w);
void web_pending_release(struct web *w);

/* workspace.c: its state, made and freed by web_start and web_stop */
int ws_open(struct web *w);
void ws_close(struct web *w);
/* A page for a path no route has, or a method it does not take (404, 405). */
void ws_not_found(struct web *w, struct http_req *r, int status);

#endif
