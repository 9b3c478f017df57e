/*
 * api.c: the hub's JSON API for the provincial oversight staff and their tools, under
 * /api/v1/ (docs/API.md). Read-only but for acknowledging an alert. Every answer is one JSON
 * object; lists are paged with ?offset=&limit= and say their total; errors have the shape of
 * common/http.h: {"error":{"code":...,"message":...}}. The objects come from view.c, which
 * the dashboard renders too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain.h"
#include "err.h"
#include "web/web.h"
#include "wire.h"

#define API_PREFIX "/api/v1/"
#define API_MAX_SEGS 5

/* A query parameter or "" (an over-long or badly escaped one is an error). */
static int
api_param(struct http_req *r, const char *name, char *out, size_t len)
{
	int rc = http_query(r->query, name, out, len);

	if (rc == EISO_NOTFOUND) {
		out[0] = '\0';
		return 0;
	}
	return rc;
}

static void
api_list(struct http_req *r, const char *name, json_t *items, size_t total, size_t offset,
    size_t limit, json_t *extra)
{
	json_t *j = json_pack("{s:I,s:I,s:I,s:o}", "total", (json_int_t)total, "offset",
	    (json_int_t)offset, "limit", (json_int_t)limit, name, items);

	if (extra != NULL)
		json_object_update(j, extra);
	json_decref(extra);
	http_reply(r, 200, j);
}

static int
api_agency_get(MDB_txn *txn, struct web *w, struct http_req *r, const char *id,
    Eiso__AgencyRecord **a)
{
	*a = NULL;
	if (!wire_agency_ok(id) || agency_get(txn, web_hub(w), id, a) != 0) {
		http_reply_error(r, 404, "not_found", "agency: no agency '%s' is enrolled", id);
		return -1;
	}
	return 0;
}

static void
api_agencies(struct web *w, struct http_req *r, MDB_txn *txn)
{
	struct view_filter f;
	char order[8];
	size_t offset, limit, total;
	json_t *list, *totals;
	int rc;

	memset(&f, 0, sizeof(f));
	web_set_route(w, "api_agencies");
	if ((rc = web_page(r, &offset, &limit)) != 0 ||
	    (rc = api_param(r, "level", f.level, sizeof(f.level))) != 0 ||
	    (rc = api_param(r, "parent", f.parent, sizeof(f.parent))) != 0 ||
	    (rc = api_param(r, "status", f.status, sizeof(f.status))) != 0 ||
	    (rc = api_param(r, "q", f.q, sizeof(f.q))) != 0 ||
	    (rc = api_param(r, "sort", f.sort, sizeof(f.sort))) != 0 ||
	    (rc = api_param(r, "order", order, sizeof(order))) != 0) {
		http_reply_eiso(r, rc);
		return;
	}
	if (order[0] && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0) {
		http_reply_error(r, 400, "invalid", "order: '%s' is not asc or desc", order);
		return;
	}
	f.desc = strcmp(order, "desc") == 0;
	eiso_clearerr();
	if ((rc = view_agencies(txn, w, &f, offset, limit, &list, &total, &totals)) != 0) {
		http_reply_eiso(r, rc);
		return;
	}
	api_list(r, "agencies", list, total, offset, limit, json_pack("{s:o}", "province", totals));
}

static void
api_province(struct web *w, struct http_req *r, MDB_txn *txn)
{
	struct view_filter f;
	json_t *list, *totals;
	size_t total;
	int rc;

	memset(&f, 0, sizeof(f));
	web_set_route(w, "api_province");
	if ((rc = view_agencies(txn, w, &f, 0, 0, &list, &total, &totals)) != 0) {
		http_reply_eiso(r, rc);
		return;
	}
	json_decref(list);
	json_object_set_new(totals, "series", view_series(txn, w, NULL));
	http_reply(r, 200, totals);
}

static void
api_agency(struct web *w, struct http_req *r, MDB_txn *txn, char **seg, int n)
{
	Eiso__AgencyRecord *a;
	size_t offset, limit, total;
	char kind[32], status[32];
	json_t *items, *j;
	int rc;

	web_set_route(w, "api_agency");
	if (api_agency_get(txn, w, r, seg[1], &a) != 0)
		return;
	if (n == 2) {
		j = view_agency(txn, w, a, store_now_ms());
		json_object_set_new(j, "series", view_series(txn, w, a->id));
		http_reply(r, 200, j);
		goto done;
	}
	if (n == 4) {
		json_t *one = NULL;
		const char *what = NULL;

		if (strcmp(seg[2], "documents") == 0) {
			web_set_route(w, "api_document");
			one = view_document(txn, w, a->id, seg[3]);
			what = "document";
		} else if (strcmp(seg[2], "files") == 0) {
			web_set_route(w, "api_file");
			one = view_file(txn, w, a->id, seg[3]);
			what = "record file";
		}
		if (what == NULL)
			http_reply_error(r, 404, "not_found", "path: no such endpoint (see docs/API.md)");
		else if (one == NULL)
			http_reply_error(r, 404, "not_found", "code: the hub holds no %s '%s' of %s",
			    what, seg[3], a->id);
		else
			http_reply(r, 200, one);
		goto done;
	}
	if ((rc = web_page(r, &offset, &limit)) != 0) {
		http_reply_eiso(r, rc);
		goto done;
	}
	eiso_clearerr();
	if (strcmp(seg[2], "documents") == 0) {
		web_set_route(w, "api_documents");
		if ((rc = api_param(r, "kind", kind, sizeof(kind))) != 0 ||
		    (rc = api_param(r, "status", status, sizeof(status))) != 0 ||
		    (rc = view_documents(txn, w, a->id, kind, status, offset, limit, &items,
		    &total)) != 0) {
			http_reply_eiso(r, rc);
			goto done;
		}
		api_list(r, "documents", items, total, offset, limit, json_pack("{s:s}", "agency",
		    a->id));
	} else if (strcmp(seg[2], "files") == 0) {
		web_set_route(w, "api_files");
		if ((rc = view_files(txn, w, a->id, offset, limit, &items, &total)) != 0) {
			http_reply_eiso(r, rc);
			goto done;
		}
		api_list(r, "files", items, total, offset, limit, json_pack("{s:s}", "agency",
		    a->id));
	} else if (strcmp(seg[2], "cases") == 0) {
		web_set_route(w, "api_cases");
		if ((rc = api_param(r, "status", status, sizeof(status))) != 0 ||
		    (rc = view_cases(txn, w, a->id, status, offset, limit, &items, &total)) != 0) {
			http_reply_eiso(r, rc);
			goto done;
		}
		api_list(r, "cases", items, total, offset, limit, json_pack("{s:s}", "agency",
		    a->id));
	} else if (strcmp(seg[2], "changesets") == 0) {
		web_set_route(w, "api_changesets");
		view_changesets(txn, w, a, offset, limit, &items, &total);
		api_list(r, "changesets", items, total, offset, limit, json_pack("{s:s}",
		    "agency", a->id));
	} else {
		http_reply_error(r, 404, "not_found", "path: no such endpoint (see docs/API.md)");
	}
done:
	eiso__agency_record__free_unpacked(a, NULL);
}

static int
api_alert_id(struct http_req *r, const char *s, uint64_t *id)
{
	char *end;

	*id = strtoull(s, &end, 10);
	if (*end != '\0' || *id == 0 || s[0] == '-' || s[0] == '+') {
		http_reply_error(r, 400, "invalid", "id: '%s' is not an alert number", s);
		return -1;
	}
	return 0;
}

static void
api_alerts(struct web *w, struct http_req *r, MDB_txn *txn)
{
	char state[16], agency[80], kind[48];
	size_t offset, limit, total;
	json_t *items;
	int rc;

	web_set_route(w, "api_alerts");
	eiso_clearerr();
	if ((rc = web_page(r, &offset, &limit)) != 0 ||
	    (rc = api_param(r, "state", state, sizeof(state))) != 0 ||
	    (rc = api_param(r, "agency", agency, sizeof(agency))) != 0 ||
	    (rc = api_param(r, "kind", kind, sizeof(kind))) != 0 ||
	    (rc = view_alerts(txn, w, state, agency, kind, offset, limit, &items, &total)) != 0) {
		http_reply_eiso(r, rc);
		return;
	}
	api_list(r, "alerts", items, total, offset, limit, json_pack("{s:s}", "state",
	    state[0] ? state : "open"));
}

/* GET /api/v1/reviews?agency=&before=: documents in force due for review (the index). */
static void
api_reviews(struct web *w, struct http_req *r, MDB_txn *txn)
{
	char agency[80], before[16];
	size_t offset, limit, total;
	json_t *items;
	int rc;

	web_set_route(w, "api_reviews");
	eiso_clearerr();
	if ((rc = web_page(r, &offset, &limit)) != 0 ||
	    (rc = api_param(r, "agency", agency, sizeof(agency))) != 0 ||
	    (rc = api_param(r, "before", before, sizeof(before))) != 0) {
		http_reply_eiso(r, rc);
		return;
	}
	if (agency[0] && !wire_agency_ok(agency)) {
		http_reply_error(r, 400, "invalid", "agency: '%s' is not an agency id", agency);
		return;
	}
	if (before[0] == '\0')
		domain_today(before);
	if ((rc = view_reviews(txn, w, agency[0] ? agency : NULL, before, offset, limit, &items,
	    &total)) != 0) {
		http_reply_eiso(r, rc);
		return;
	}
	api_list(r, "reviews", items, total, offset, limit, json_pack("{s:s}", "before", before));
}

/* POST /api/v1/alerts/ID/ack {"by": NAME}: NAME defaults to the session's user. */
static void
api_ack(struct web *w, struct http_req *r, const struct web_who *who, uint64_t id)
{
	const char *by = who->user, *key;
	json_t *body = NULL, *v, *j;
	MDB_txn *txn;
	int rc;

	web_set_route(w, "api_alert_ack");
	if (who->cookie) {
		/* A browser session must prove the request comes from our own page. */
		const char *tok = http_header(r, "x-csrf-token");
		if (tok == NULL || strlen(tok) != strlen(who->csrf) ||
		    sodium_memcmp(tok, who->csrf, strlen(tok)) != 0) {
			http_reply_error(r, 403, "forbidden", "csrf: a dashboard session must send "
			    "the header X-CSRF-Token with its form token");
			return;
		}
	}
	if ((rc = http_body_json(r, &body)) != 0) {
		http_reply_eiso(r, rc);
		return;
	}
	json_object_foreach(body, key, v) {
		if (strcmp(key, "by") != 0) {
			http_reply_error(r, 400, "invalid", "%s: unknown field (this operation takes: "
			    "by)", key);
			goto done;
		}
		if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 63) {
			http_reply_error(r, 400, "invalid", "by: must be a name of 1-63 bytes");
			goto done;
		}
		by = json_string_value(v);
	}
	eiso_clearerr();
	if ((rc = web_ack(w, id, by)) != 0) {
		http_reply_eiso(r, rc);
		goto done;
	}
	if ((rc = store_read_begin(web_hub(w)->st, &txn)) != 0) {
		http_reply_eiso(r, rc);
		goto done;
	}
	j = view_alert(txn, w, id);
	store_read_end(&txn);
	http_reply(r, 200, j);
done:
	json_decref(body);
}

void
api_route(void *arg, struct http_req *r)
{
	struct web *w = arg;
	const struct web_who *who = web_who(w);
	char *seg[API_MAX_SEGS], buf[1024];
	int n = http_path_split(r->path, API_PREFIX, seg, API_MAX_SEGS, buf, sizeof(buf));
	int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
	MDB_txn *txn;
	uint64_t id;
	int rc;

	if (n < 1) {
		http_reply_error(r, 404, "not_found", "path: no such endpoint (see docs/API.md)");
		return;
	}
	if (n == 3 && strcmp(seg[0], "alerts") == 0 && strcmp(seg[2], "ack") == 0) {
		web_set_route(w, "api_alert_ack");
		if (strcmp(r->method, "POST") != 0) {
			http_reply_error(r, 405, "method", "method: %s %s takes POST", r->method,
			    r->path);
			return;
		}
		if (api_alert_id(r, seg[1], &id) == 0)
			api_ack(w, r, who, id);
		return;
	}
	if (!get) {
		http_reply_error(r, 405, "method", "method: %s %s takes GET", r->method, r->path);
		return;
	}
	eiso_clearerr();
	if ((rc = store_read_begin(web_hub(w)->st, &txn)) != 0) {
		http_reply_eiso(r, rc);
		return;
	}
	if (n == 1 && strcmp(seg[0], "province") == 0) {
		api_province(w, r, txn);
	} else if (n == 1 && strcmp(seg[0], "agencies") == 0) {
		api_agencies(w, r, txn);
	} else if (n >= 2 && n <= 4 && strcmp(seg[0], "agencies") == 0) {
		api_agency(w, r, txn, seg, n);
	} else if (n == 1 && strcmp(seg[0], "reviews") == 0) {
		api_reviews(w, r, txn);
	} else if (n == 1 && strcmp(seg[0], "alerts") == 0) {
		api_alerts(w, r, txn);
	} else if (n == 2 && strcmp(seg[0], "alerts") == 0) {
		json_t *j;

		web_set_route(w, "api_alert");
		if (api_alert_id(r, seg[1], &id) == 0) {
			if ((j = view_alert(txn, w, id)) == NULL)
				http_reply_error(r, 404, "not_found", "id: no alert %llu",
				    (unsigned long long)id);
			else
				http_reply(r, 200, j);
		}
	} else {
		http_reply_error(r, 404, "not_found", "path: no such endpoint (see docs/API.md)");
	}
	store_read_end(&txn);
}
