/*
 * ws.h: what the node's server (web.c) and the workspace's pages (workspace.c) share.
 * Private to noded/web.
 */
#ifndef NODED_WEB_WS_H
#define NODED_WEB_WS_H

#include <jansson.h>

#include "http.h"
#include "i18n.h"
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

/* What waits for a user (ws_work.c), shown in every page's header. */
struct ws_counts {
	unsigned check, approve, drafts, returned, reviews, cases;
	unsigned total;                  /* all but drafts: what asks for action */
};

/* Per-request state of a page. */
struct ws_page {
	struct web *w;
	struct http_req *r;
	enum web_lang lang;
	char lang_cookie[80];            /* set when ?lang= chose the language */
	struct user u;                   /* the logged-in user (WEB_SESSION routes) */
	struct ws_counts counts;
	int have_counts;                 /* counts filled (else ws_ctx counts) */
};
/* A posted form: a NUL-terminated copy of the request body. */
struct ws_form {
	char *body;
};

/* workspace.c: what every page uses */
void ws_page_init(struct ws_page *p, struct web *w, struct http_req *r);
/* The session's user, read afresh (a disabled account ends its session); 0 or an error. */
int ws_page_user(struct ws_page *p);
/* Load the page's user, or send the browser to log in again (-1). 0: go on. */
int ws_begin(struct ws_page *p, struct web *w, struct http_req *r);
/* The context every page starts from: language, user, roles, counts, the form token. */
json_t *ws_ctx(struct ws_page *p, const char *title);
/* Render template name from ctx (taken) with status and an optional set-cookie. */
void ws_render(struct ws_page *p, int status, const char *name, json_t *ctx,
    const char *cookie);
/* A page that says why the request was refused (403, 404, 400 ...). */
void ws_error(struct ws_page *p, int status, enum tr_key what, const char *detail);
void ws_redirect(struct http_req *r, const char *to, const char *cookie);
#define WS_MAX_FORM     (64 << 10)   /* bytes of a posted form */
#define WS_FIELD_MAX    1024         /* bytes of a one-line field (title, note) */
/* 0; EISO_TOOBIG (over WS_MAX_FORM, naming its largest field), EISO_INVAL (a NUL byte),
 * EISO_NOMEM. */
int ws_form_read(struct http_req *r, struct ws_form *f);
/* Read the posted form and check its session token: 1, or 0 when the 4xx page is answered. */
int ws_form_begin(struct ws_page *p, struct ws_form *f);
/*
 * Field name of f decoded into buf (len bytes with its NUL): 0, "" when absent. EISO_INVAL
 * for a NUL byte, a broken %-escape, text that is not UTF-8 or a control character (multiline
 * allows tab, CR and LF), EISO_TOOBIG when longer; the message names the field.
 */
int ws_input(const struct ws_form *f, const char *name, char *buf, size_t len, int multiline);
/* The HTTP status of a form error: 413 for EISO_TOOBIG, 500 for EISO_NOMEM, else 400. */
int ws_status(int rc);

/* p->counts filled once per page (0), -1 without a user or on a store error. A thread holds
 * one LMDB read transaction at a time: call it before opening one, ws_ctx calls it too. */
int ws_page_counts(struct ws_page *p);
/* ws_work.c: what waits for p's user, counted (for the header); 0 or a store error. */
int ws_work_counts(struct ws_page *p, struct ws_counts *n);
/* A field's decoded value into buf; "" when absent or not decodable. */
const char *ws_field(const struct ws_form *f, const char *name, char *buf, size_t len);
void ws_form_free(struct ws_form *f);
/* 1 when the form carries the session's token; else the 403 page is answered, 0. */
int ws_csrf_ok(struct ws_page *p, const struct ws_form *f);

#endif
