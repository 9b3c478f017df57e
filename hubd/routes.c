/*
 * routes.c: every path the hub's web thread answers, in one table: the only place that knows
 * both the oversight side (web/) and the public portal (portal/). The web thread (web.c)
 * finds a request's route (common/http_parse.c), asks what its auth says (enum web_auth), and calls
 * its handler with the struct web. Order matters where patterns overlap: the first match wins.
 * The label is what /metrics counts the request under until the handler names a finer one
 * (the dashboard's handler names each page).
 */
#include <stddef.h>

#include "portal/portal.h"
#include "run.h"
#include "web/web.h"

/* The portal knows nothing of struct web: hand it the hub, the language and its cookie. */
static void
routes_portal(void *arg, struct http_req *r)
{
	struct web *w = arg;
	enum web_lang lang = web_lang(w, r);

	portal_serve(web_hub(w), web_tmpl(w), lang, web_lang_cookie(w), r);
}

const struct http_route routes_hubd[] = {
	{ NULL, "/static/*",  WEB_PUBLIC,  "static",    web_static },
	{ NULL, "/portal",    WEB_PUBLIC,  "portal",    routes_portal },
	{ NULL, "/portal/*",  WEB_PUBLIC,  "portal",    routes_portal },
	{ NULL, "/verify",    WEB_PUBLIC,  "portal",    routes_portal },
	{ NULL, "/q/*",       WEB_PUBLIC,  "portal",    routes_portal },
	{ NULL, "/qr/*",      WEB_PUBLIC,  "portal",    routes_portal },
	{ NULL, "/files/*",   WEB_PUBLIC,  "portal",    routes_portal },
	{ NULL, "/login",     WEB_LOGIN,   "login",     web_login },
	{ "POST", "/logout",  WEB_LOGIN,   "logout",    web_logout },
	{ NULL, "/api",       WEB_STAFF,   "api_other", api_route },
	{ NULL, "/api/*",     WEB_STAFF,   "api_other", api_route },
	{ NULL, "/metrics",   WEB_STAFF,   "metrics",   metrics_route },
	{ NULL, "/",          WEB_SESSION, "not_found", dash_route },
	{ NULL, "/agency/*",  WEB_SESSION, "not_found", dash_route },
	{ NULL, "/alerts",    WEB_SESSION, "not_found", dash_route },
	{ NULL, "/alerts/*",  WEB_SESSION, "not_found", dash_route },
	{ NULL, NULL, 0, NULL, NULL }
};
