/*
 * web_int.h: the web thread's state, shared by web.c (the thread, routing) and login.c (the
 * dashboard's sessions and login), and by nothing else: the other files of hubd/web see
 * struct web only through web.h.
 */
#ifndef HUBD_WEB_INT_H
#define HUBD_WEB_INT_H

#include <pthread.h>

#include <uv.h>

#include "session.h"
#include "web/web.h"

#define WEB_MAX_BODY   (64 << 10)  /* bodies of every route but the portal's verify upload */
#define WEB_MAX_TARGETS 16
#define WEB_NROUTES    23          /* web.c's web_routes */
#define WEB_NSTATUS    18          /* web.c's web_statuses, with its ending 0 */

struct web_login;

struct web {
	struct hub h;                      /* conf copy; st is the ingest thread's, read only */
	char conf_path[1024];
	pthread_t thread;
	int thread_started;
	uv_loop_t loop;
	uv_async_t stop_async;
	struct http_server *srv;
	struct tmpl_set *tmpl;             /* the pages' templates, parsed once */
	/* start-up handshake with web_start */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int start_done, start_rc;
	char start_err[256];
	/* auth */
	uint8_t token_hash[HTTP_TOKEN_HASH];
	int have_token;
	uint8_t user_hash[HTTP_TOKEN_HASH];
	struct session_table *sessions;    /* the dashboard's (login.c) */
	struct login_limit *limit_user, *limit_addr;
	struct web_login *hashing_q;       /* logins waiting for a hash worker (login.c) */
	struct web_login **hashing_tail;
	unsigned hashing, waiting;         /* password checks running, and queued */
	/* coverage targets per level */
	char tlevel[WEB_MAX_TARGETS][32];
	int tpct[WEB_MAX_TARGETS];
	int ntargets;
	/* the write handed to the ingest thread (one at a time: requests are served in turn) */
	int efd;
	int stopping;
	struct {
		uint64_t alert;
		char by[64];
		int pending, done, rc;
		char err[256];
	} wr;
	/* request counters (this thread only) */
	const char *route;
	uint64_t hits[WEB_NROUTES][WEB_NSTATUS];
	/* the request being served (the thread answers one at a time) */
	const struct http_route *routes;
	struct web_who who;
	char lang_cookie[64];
};

/* web.c */
/* Count an answer of status under the route w->route for /metrics. */
void web_count(struct web *w, int status);

/* login.c */
/* The sessions, limiters and hash workers of the dashboard's login. 0 or EISO_NOMEM. */
int login_open(struct web *w);
void login_close(struct web *w);
/* The live session whose cookie r carries (its idle time restarts), or NULL. */
const struct session *login_session(struct web *w, struct http_req *r);

#endif
