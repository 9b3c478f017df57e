/*
 * web.h: what the oversight side of the hub's web thread shares between its files: web.c (the
 * thread, routing, login), view.c (the figures, read from the store, as JSON), api.c (the
 * JSON API), dash.c (the dashboard's HTML and SVG charts) and metrics.c (/metrics). The
 * interface the rest of hubd (and the portal) sees is in hubd.h.
 */
#ifndef HUBD_WEB_H
#define HUBD_WEB_H

#include "hubd.h"

#define WEB_LIMIT_DEFAULT 50
#define WEB_LIMIT_MAX     1000
#define WEB_DAYS          30      /* daily series: change sets applied per day */
#define WEB_MONTHS        12      /* monthly series: documents in force, cases on time */

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

/* api.c: /api/v1/... */
void api_route(struct web *w, struct http_req *r, const struct web_who *who);

/* dash.c: the dashboard's pages */
void dash_route(struct web *w, struct http_req *r, const struct web_who *who);

/* metrics.c: /metrics */
void metrics_route(struct web *w, struct http_req *r);

#endif
