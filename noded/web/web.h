/*
 * web.h: the node's HTTP side, built on the node's core: one server (common/http.c allows
 * one per process) on [api] listen that answers the local JSON API (api.c,
 * docs/API-node.md; bearer token) and the agency staff's workspace (workspace.c; sessions),
 * each path by the route table in ../routes.c.
 */
#ifndef NODED_WEB_H
#define NODED_WEB_H

#include <uv.h>

#include "core/core.h"
#include "http.h"

/* Who may ask for a route. */
enum web_auth {
	WEB_TOKEN,     /* the API's bearer token (api.token) */
	WEB_PUBLIC,    /* anyone: the login page, the stylesheet */
	WEB_SESSION,   /* a logged-in user; others are sent to /login */
};

/* web.c: the server and the dispatch by route table (routes: arg of each fn is struct web) */
struct web;
int web_start(uv_loop_t *loop, struct node *n, const char *conf_path,
    const struct http_route *routes, struct web **w);
void web_stop(struct web **w);

/* api.c: the local JSON API's resources, below /api/v1/ */
struct api;
int api_open(struct node *n, struct api **api);
void api_close(struct api **api);
void api_handle(struct api *a, struct http_req *r);
void web_api(void *arg, struct http_req *r);          /* web.c: the route into api_handle */

/* workspace.c: the staff's pages (route functions; arg is the struct web) */
void ws_static(void *arg, struct http_req *r);
void ws_login_page(void *arg, struct http_req *r);
void ws_login(void *arg, struct http_req *r);
void ws_logout(void *arg, struct http_req *r);
void ws_home(void *arg, struct http_req *r);
void ws_docs(void *arg, struct http_req *r);
void ws_work(void *arg, struct http_req *r);          /* ws_work.c: My work */
void ws_passwd_page(void *arg, struct http_req *r);   /* ws_passwd.c: own password */
void ws_passwd(void *arg, struct http_req *r);
void ws_doc(void *arg, struct http_req *r);
void ws_new_page(void *arg, struct http_req *r);
void ws_new(void *arg, struct http_req *r);

#endif
