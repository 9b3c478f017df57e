/*
 * routes.c: every path noded's HTTP server answers, in one table: the only place that knows
 * both the local JSON API (web/api.c, bearer token) and the staff's workspace
 * (web/workspace.c, sessions). web/web.c finds a request's route (common/http_parse.c), checks
 * what its auth says (enum web_auth) and calls it. The first match wins.
 */
#include <stddef.h>

#include "run.h"
#include "web/web.h"

const struct http_route routes_noded[] = {
	{ NULL,   "/api",       WEB_TOKEN,   "api",      web_api },
	{ NULL,   "/api/*",     WEB_TOKEN,   "api",      web_api },
	{ "GET",  "/static/*",  WEB_PUBLIC,  "static",   ws_static },
	{ "GET",  "/login",     WEB_PUBLIC,  "login",    ws_login_page },
	{ "POST", "/login",     WEB_PUBLIC,  "login",    ws_login },
	{ "POST", "/logout",    WEB_SESSION, "logout",   ws_logout },
	{ "GET",  "/",          WEB_SESSION, "home",     ws_home },
	{ "GET",  "/work",      WEB_SESSION, "work",     ws_work },
	{ "GET",  "/docs",      WEB_SESSION, "docs",     ws_docs },
	{ NULL,   "/docs/*",    WEB_SESSION, "doc",      ws_doc },
	{ "GET",  "/password",  WEB_SESSION, "password", ws_passwd_page },
	{ "POST", "/password",  WEB_SESSION, "password", ws_passwd },
	{ "GET",  "/new",       WEB_SESSION, "new",      ws_new_page },
	{ "POST", "/new",       WEB_SESSION, "new",      ws_new },
	{ NULL, NULL, 0, NULL, NULL }
};
