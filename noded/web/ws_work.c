/*
 * ws_work.c: "My work", the workspace's landing page (issue 13), and the counts the header
 * of every page shows. One walk over the newest issue of every document (and, for the
 * one-stop-shop role, over the open cases) sorts out what waits for this user:
 *   - issues in review not yet checked, for a checker; checked ones, for an approver;
 *   - the user's own drafts, and among them those returned with the comment of the return;
 *   - documents in force whose review is due within WS_REVIEW_DAYS days or overdue, for the
 *     ISO secretary (all of them) and for the person who drafted them;
 *   - cases due within WS_CASE_DAYS days or late, for the one-stop-shop officer.
 * Who drafted an issue is its drafted.name, the account name the workspace records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "domain.h"
#include "err.h"
#include "log.h"
#include "web/ws.h"

#define WS_REVIEW_DAYS 30
#define WS_CASE_DAYS   3
#define WS_TZ          (7 * 3600)    /* Asia/Ho_Chi_Minh, as domain_today */

struct ws_work {
	const struct user *u;
	enum web_lang lang;
	char today[11], soon[11];        /* soon: today + WS_REVIEW_DAYS */
	int64_t now;
	json_t *check, *approve, *drafts, *returned, *reviews, *cases;   /* NULL: count only */
	struct ws_counts *n;
};

/* The calendar day days from today, YYYY-MM-DD. */
static void
ws_day(char out[11], int64_t now_ms, int days)
{
	time_t t = (time_t)(now_ms / 1000) + WS_TZ + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void
ws_work_add(json_t *list, json_t *row)
{
	if (list != NULL)
		json_array_append_new(list, row);
	else
		json_decref(row);
}

static json_t *
ws_work_row(const Eiso__DocIssue *d, enum web_lang lang)
{
	return json_pack("{s:s,s:s,s:i,s:s,s:s}", "code", d->code, "title", d->title, "issue",
	    (int)d->issue, "status", tr_value(lang, "dstatus", d->status), "status_key",
	    d->status);
}

static int
ws_work_doc(const Eiso__DocIssue *d, void *arg)
{
	struct ws_work *w = arg;
	uint32_t roles = w->u->roles;
	int mine = d->drafted != NULL && strcmp(d->drafted->name, w->u->name) == 0;
	enum doc_op next = document_next(d);
	json_t *row;

	if (next == DOC_CHECK && (roles & ROLE_CHECKER)) {
		w->n->check++;
		ws_work_add(w->check, ws_work_row(d, w->lang));
	} else if (next == DOC_APPROVE && (roles & ROLE_APPROVER)) {
		w->n->approve++;
		ws_work_add(w->approve, ws_work_row(d, w->lang));
	} else if (next == DOC_SUBMIT && mine) {
		const Eiso__RouteStep *last = d->n_route ? d->route[d->n_route - 1] : NULL;

		if (last != NULL && strcmp(last->action, "return") == 0) {
			w->n->returned++;
			row = ws_work_row(d, w->lang);
			json_object_set_new(row, "by", json_string(last->by ? last->by->name : ""));
			json_object_set_new(row, "comment", json_string(last->comment));
			ws_work_add(w->returned, row);
		} else {
			w->n->drafts++;
			ws_work_add(w->drafts, ws_work_row(d, w->lang));
		}
	}
	/* Reviews: the newest issue stands for the document; one in force carries the date. */
	if (strcmp(d->status, "effective") == 0 && d->next_review[0] != '\0' &&
	    strcmp(d->next_review, w->soon) <= 0 && ((roles & ROLE_ISO_SECRETARY) || mine)) {
		char date[32];

		w->n->reviews++;
		row = ws_work_row(d, w->lang);
		i18n_date(date, sizeof(date), d->next_review, w->lang);
		json_object_set_new(row, "due", json_string(date));
		json_object_set_new(row, "overdue", json_boolean(strcmp(d->next_review,
		    w->today) < 0));
		ws_work_add(w->reviews, row);
	}
	return 0;
}

static int
ws_work_case(const Eiso__Case *c, void *arg)
{
	struct ws_work *w = arg;
	int64_t soon = w->now + (int64_t)WS_CASE_DAYS * 86400 * 1000;
	char due[64];

	if (domain_case_final(c->status) || c->due == 0 || c->due > soon)
		return 0;
	w->n->cases++;
	if (w->cases != NULL) {
		i18n_time(due, sizeof(due), c->due, w->lang);
		json_array_append_new(w->cases, json_pack("{s:s,s:s,s:s,s:s,s:b}", "code",
		    c->code, "procedure", c->procedure, "status", tr_value(w->lang, "cstatus",
		    c->status), "due", due, "late", c->due < w->now));
	}
	return 0;
}

/* Walk the store for u; lists (the page) or only the counts (NULL lists, the header). */
static int
ws_work_scan(struct web *web, struct ws_work *w)
{
	struct doc_filter df = { 0 };
	struct case_filter cf = { .open = 1 };
	MDB_txn *txn;
	int rc;

	w->now = store_now_ms();
	ws_day(w->today, w->now, 0);
	ws_day(w->soon, w->now, WS_REVIEW_DAYS);
	memset(w->n, 0, sizeof(*w->n));
	if ((rc = store_read_begin(web->n->st, &txn)) != 0)
		return rc;
	rc = document_list(txn, web->n, &df, ws_work_doc, w);
	if (rc == 0 && (w->u->roles & ROLE_ONE_STOP))
		rc = case_list(txn, web->n, &cf, ws_work_case, w);
	store_read_end(&txn);
	w->n->total = w->n->check + w->n->approve + w->n->returned + w->n->reviews + w->n->cases;
	return rc;
}

int
ws_work_counts(struct ws_page *p, struct ws_counts *n)
{
	struct ws_work w = { .u = &p->u, .lang = p->lang, .n = n };

	return ws_work_scan(p->w, &w);
}

void
ws_work(void *arg, struct http_req *r)
{
	struct ws_counts n;
	struct ws_work w = { .n = &n };
	struct ws_page p;
	json_t *ctx;
	int rc;

	if (ws_begin(&p, arg, r) != 0)
		return;
	w.u = &p.u;
	w.lang = p.lang;
	w.check = json_array();
	w.approve = json_array();
	w.drafts = json_array();
	w.returned = json_array();
	w.reviews = json_array();
	w.cases = json_array();
	eiso_clearerr();
	rc = ws_work_scan(p.w, &w);
	p.counts = n;
	p.have_counts = rc == 0;
	ctx = rc == 0 ? ws_ctx(&p, tr(p.lang, TR_WS_WORK_TITLE)) : NULL;
	if (ctx != NULL) {
		json_object_set_new(ctx, "to_check", w.check);
		json_object_set_new(ctx, "to_approve", w.approve);
		json_object_set_new(ctx, "drafts", w.drafts);
		json_object_set_new(ctx, "returned", w.returned);
		json_object_set_new(ctx, "reviews", w.reviews);
		json_object_set_new(ctx, "cases", w.cases);
		json_object_set_new(ctx, "is_checker", json_boolean(p.u.roles & ROLE_CHECKER));
		json_object_set_new(ctx, "is_approver", json_boolean(p.u.roles & ROLE_APPROVER));
		json_object_set_new(ctx, "is_drafter", json_boolean(p.u.roles &
		    (ROLE_DRAFTER | ROLE_ISO_SECRETARY)));
		json_object_set_new(ctx, "is_one_stop", json_boolean(p.u.roles & ROLE_ONE_STOP));
		json_object_set_new(ctx, "nothing", json_boolean(n.total + n.drafts == 0));
		json_object_set_new(ctx, "counts_drafts", json_integer(n.drafts));
		ws_render(&p, 200, "work", ctx, NULL);
		return;
	}
	json_decref(w.check);
	json_decref(w.approve);
	json_decref(w.drafts);
	json_decref(w.returned);
	json_decref(w.reviews);
	json_decref(w.cases);
	ws_error(&p, 500, TR_WS_ERR_INTERNAL, eiso_lasterr(rc));
}
