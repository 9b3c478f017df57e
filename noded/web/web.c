/*
 * web.c: the node's one HTTP server (common/http.c allows one per process) on [api] listen,
 * on the daemon's loop. The route table (../routes.c) says for each path who may ask: the
 * API's bearer token (WEB_TOKEN: /api/v1/), anyone (WEB_PUBLIC: the login page and the
 * stylesheet) or a logged-in user of the workspace (WEB_SESSION; others go to /login).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "web/ws.h"

#define WEB_COOKIE "eiso_ws"

void
web_api(void *arg, struct http_req *r)
{
	struct web *w = arg;

	api_handle(w->api, r);
}

/* The session the request's cookie names, or NULL. */
static const struct session *
web_session(struct web *w, struct http_req *r)
{
	const char *cookie = http_header(r, "cookie");
	char token[SESSION_TOKEN_HEX + 2];

	if (cookie == NULL || http_cookie(cookie, WEB_COOKIE, token, sizeof(token)) != 0)
		return NULL;
	return session_find(w->sessions, token, store_now_ms());
}

static void
web_handle(void *arg, struct http_req *r)
{
	static const char *const to_login[] = { "location", "/login", NULL };
	struct web *w = arg;
	const struct http_route *rt;
	int status;

	w->who = NULL;
	if ((rt = http_route_find(w->routes, r, &status)) == NULL) {
		if (strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/api") == 0)
			http_reply_error(r, status, status == 404 ? "not_found" : "method",
			    "path: %s: no such endpoint (see docs/API-node.md)", r->path);
		else
			ws_not_found(w, r, status);
		return;
	}
	if (rt->auth == WEB_TOKEN &&
	    !http_bearer_check(r, "api", w->have_token ? w->token_hash : NULL))
		return;
	if (rt->auth == WEB_SESSION && (w->who = web_session(w, r)) == NULL) {
		http_reply_raw(r, 303, "text/plain; charset=utf-8", "", 0, to_login);
		return;
	}
	rt->fn(w, r);
}

int
web_start(uv_loop_t *loop, struct node *n, const char *conf_path,
    const struct http_route *routes, struct web **out)
{
	struct http_config cfg;
	struct web *w;
	char why[400];
	int rc;

	*out = NULL;
	if (n->conf.api_listen[0] == '\0') {
		log_info("api: off (api.listen is empty): no local API, no workspace");
		return 0;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return EISO_NOMEM;
	w->n = n;
	w->loop = loop;
	w->routes = routes;
	if (n->conf.api_token[0] != '\0') {
		http_token_hash(n->conf.api_token, w->token_hash);
		w->have_token = 1;
	}
	if ((rc = api_open(n, &w->api)) != 0 || (rc = ws_open(w)) != 0)
		goto fail;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = "api";
	cfg.listen = n->conf.api_listen;
	cfg.auth = HTTP_AUTH_NONE;
	cfg.max_body = n->conf.api_max_body;
	http_serve_apply(&cfg, &n->conf.api_serve);
	cfg.handler = web_handle;
	cfg.arg = w;
	/*
	 * A configured API that cannot listen stops start-up: a node running without the API its
	 * document software talks to fails silently where an operator would not look. An empty
	 * api.listen is how to run without it.
	 */
	if ((rc = http_start(loop, &cfg, &w->srv)) != 0) {
		if (rc == EISO_NET) {
			snprintf(why, sizeof(why), "%s", eiso_lasterr(rc));
			rc = eiso_seterr(EISO_NET, "%s (set api.listen in %s to a free HOST:PORT, or "
			    "empty to run without the local API)", why, conf_path);
		}
		goto fail;
	}
	if (!w->have_token)
		log_warnx("api: api.token is empty: every request will be refused with 401 (set a "
		    "token in %s)", conf_path);
	log_info("api: listening on %s (port %d); workspace at %s://%s/", n->conf.api_listen,
	    http_port(w->srv), n->conf.api_serve.tls_cert[0] != '\0' ? "https" : "http",
	    n->conf.api_listen);
	*out = w;
	return 0;
fail:
	ws_close(w);
	api_close(&w->api);
	free(w);
	return rc;
}

void
web_pending_hold(struct web *w)
{
	w->pending++;
}

void
web_pending_release(struct web *w)
{
	if (--w->pending == 0 && w->stopping)
		free(w);
}

void
web_stop(struct web **w)
{
	if (*w == NULL)
		return;
	(*w)->stopping = 1;
	http_stop(&(*w)->srv);
	ws_close(*w);
	api_close(&(*w)->api);
	/* A login still on the thread pool frees it when it comes back (the loop runs on). */
	if ((*w)->pending == 0)
		free(*w);
	*w = NULL;
}
