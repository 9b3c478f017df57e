/*
 * web.h: the oversight side of the hub's web thread, built on the hub's core: web.c (the
 * thread, routing, sessions and login), view.c and view_records.c (the figures, read from
 * the store, as JSON), api.c (the JSON API), dash.c and dash_agency.c (the dashboard's pages
 * and SVG charts, rendered by the templates in tmpl/; dash.h is theirs) and metrics.c
 * (/metrics). The portal (portal/) does not include it; hubd/routes.c joins the two.
 */
#ifndef HUBD_WEB_H
#define HUBD_WEB_H

#include "core/core.h"
#include "domain.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "tmpl.h"
#include "wire.h"

/*
 * web.c: the hub's HTTP side (dashboard, JSON API, /metrics, and the portal's routes through
 * the route table), in its own thread with its own libuv loop, reading the store with read
 * transactions only. The one write it offers (acknowledging an alert) is handed to the
 * ingest thread, the only writer.
 */
struct web;
/*
 * Start serving [web] listen (empty: nothing is started, *out stays NULL), dispatching through
 * routes (hubd/routes.c; handlers get the struct web as their arg). 0 or EISO_*; EISO_NET
 * when it cannot listen, the detail naming the address, the reason and the fix.
 */
int web_start(struct hub *h, const char *conf_path, const struct http_route *routes,
    struct web **out);
void web_stop(struct web **w);
/* A descriptor that becomes readable when the web side waits for a write (-1: none). */
int web_wake_fd(const struct web *w);
/* Ingest thread: run the writes the web side waits for, each in its own transaction. */
void web_do_writes(struct web *w, struct hub *h);
/* The hub as the web thread sees it: conf, and the store (read transactions only). */
struct hub *web_hub(struct web *w);
/* The hub's page templates (hubd/ROLE/tmpl/NAME.html), parsed once when the web side starts. */
const struct tmpl_set *web_tmpl(const struct web *w);
/* The page language: ?lang=vi|en (kept in a cookie), else the cookie, else Vietnamese. */
enum web_lang web_lang(struct web *w, struct http_req *r);
/* hubd run -n: [web] listen, password_hash and targets as web_start would take them. */
int web_check_conf(const char *path, const struct hubd_conf *c);

/*
 * Answer text/html with b (freed), with the language cookie of ?lang= when the request set
 * one; headers: name, value, ..., NULL (may be NULL).
 */
void web_reply_html(struct web *w, struct http_req *r, int status, struct html *b,
    const char *const *headers);
/*
 * Answer text/html with template name rendered from ctx in the request's language (ctx also
 * gets "lang": "vi" or "en"); ctx is released. An error renders as a 500.
 */
void web_render(struct web *w, struct http_req *r, int status, const char *name, json_t *ctx,
    const char *const *headers);
/* The Set-Cookie value ?lang= asked for while serving this request, "" when none. */
const char *web_lang_cookie(const struct web *w);

/* Who may ask for a route (struct http_route's auth). */
enum web_auth {
	WEB_PUBLIC,                /* anyone; bodies up to [web] max_upload (the verify upload) */
	WEB_LOGIN,                 /* anyone; small bodies (the login form) */
	WEB_STAFF,                 /* the bearer token or a session; else 401 */
	WEB_SESSION,               /* a dashboard session; else sent to /login */
};

#define WEB_LIMIT_DEFAULT 50
#define WEB_LIMIT_MAX     1000
#define WEB_DAYS          30      /* daily series: change sets applied per day */
#define WEB_MONTHS        12      /* monthly series: documents in force, cases on time */
#define VIEW_KEY_MAX      (WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 16)   /* agency\0code... */

/* Who is asking: a session (dashboard) or the bearer token (API clients, Prometheus). */
struct web_who {
	const char *user;          /* session user, or "api" for the token */
	const char *csrf;          /* the session's form token; NULL for the token */
	int cookie;                /* authenticated by the session cookie */
};

/* Filters of the agency list (every field optional: "" or 0). */
struct view_filter {
	char level[64], parent[72], status[16], q[128], sort[32];
	int desc;
};

/* web.c */
/* Who is asking, for the request being served. */
const struct web_who *web_who(const struct web *w);
/* Handlers for the route table: /static/ (assets compiled in), /login, /logout. */
void web_static(void *arg, struct http_req *r);
void web_login(void *arg, struct http_req *r);
void web_logout(void *arg, struct http_req *r);
int web_target(struct web *w, const char *level);          /* percent, -1 when none */
void web_set_route(struct web *w, const char *route);      /* the label /metrics counts under */
/* Hand an alert acknowledgement to the ingest thread and wait for it. 0 or EISO_*. */
int web_ack(struct web *w, uint64_t id, const char *by);
/* A query parameter as a bounded unsigned number: 0, or EISO_INVAL with a detail. */
int web_query_uint(struct http_req *r, const char *name, uint64_t def, uint64_t min,
    uint64_t max, uint64_t *out);
/* Page parameters ?offset=&limit=. 0 or EISO_INVAL with a detail. */
int web_page(struct http_req *r, size_t *offset, size_t *limit);
/* One HTTP request counter row for /metrics: route, status, count; returns 0 at the end. */
int web_http_count(struct web *w, size_t i, const char **route, int *status, uint64_t *n);

/* view.c: read-only, inside the caller's read transaction */
/* Call fn for each row of db under the agency's prefix (every row when agency is NULL). */
typedef int (*view_row_fn)(const MDB_val *k, const MDB_val *v, void *arg);
int view_scan(MDB_txn *txn, struct web *w, int db, const char *agency, view_row_fn fn,
    void *arg);
/* j's member name = ms, and name_iso = ms as ISO 8601 in UTC+7 (both null for 0). */
void view_set_time(json_t *j, const char *name, int64_t ms);
json_t *view_agency(MDB_txn *txn, struct web *w, const Eiso__AgencyRecord *a, int64_t now);
/*
 * The enrolled agencies that match the filter, sorted: *total of them, the objects (as
 * view_agency's) of those from offset, at most limit, in *list; totals over the whole
 * province. Only the listed agencies' objects are built.
 */
int view_agencies(MDB_txn *txn, struct web *w, const struct view_filter *f, size_t offset,
    size_t limit, json_t **list, size_t *total, json_t **totals);
/* {"daily":[{date,sets}], "monthly":[{month,in_force,on_time,late}]}; agency NULL: all. */
json_t *view_series(MDB_txn *txn, struct web *w, const char *agency);
/* view_records.c: an agency's documents, reviews due, record files and cases */
int view_documents(MDB_txn *txn, struct web *w, const char *agency, const char *kind,
    const char *status, size_t offset, size_t limit, json_t **items, size_t *total);
json_t *view_document(MDB_txn *txn, struct web *w, const char *agency, const char *code);
/*
 * Documents in force whose next review date is before `before` (YYYY-MM-DD; today: the
 * overdue ones), earliest first, of one agency or (agency NULL) all, from the reviews index.
 */
int view_reviews(MDB_txn *txn, struct web *w, const char *agency, const char *before,
    size_t offset, size_t limit, json_t **items, size_t *total);
int view_files(MDB_txn *txn, struct web *w, const char *agency, size_t offset, size_t limit,
    json_t **items, size_t *total);
json_t *view_file(MDB_txn *txn, struct web *w, const char *agency, const char *code);
int view_cases(MDB_txn *txn, struct web *w, const char *agency, const char *status,
    size_t offset, size_t limit, json_t **items, size_t *total);
/* The agency's change sets newest first, each re-verified (signature, link to the previous). */
int view_changesets(MDB_txn *txn, struct web *w, const Eiso__AgencyRecord *a, size_t offset,
    size_t limit, json_t **items, size_t *total);
/* Alerts newest first. state: open (neither cleared nor acknowledged), acked, cleared, all. */
int view_alerts(MDB_txn *txn, struct web *w, const char *state, const char *agency,
    const char *kind, size_t offset, size_t limit, json_t **items, size_t *total);
json_t *view_alert(MDB_txn *txn, struct web *w, uint64_t id);

/* Route handlers (arg: the struct web). api.c: /api/v1/...; dash.c: the dashboard's pages;
 * metrics.c: /metrics. */
void api_route(void *arg, struct http_req *r);
void dash_route(void *arg, struct http_req *r);
void metrics_route(void *arg, struct http_req *r);

#endif
