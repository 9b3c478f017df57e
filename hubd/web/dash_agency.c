/*
 * dash_agency.c: the dashboard's page of one agency: its figures and charts, documents in
 * force (paged), reviews due, record files and cases, and its change sets, each re-verified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "web/dash.h"
#include "wire.h"


/* One fact of the agency's list (the dash_agency template's facts); with parent (an id), value
 * is that agency's name, shown as a link to it. */
static void
dash_kv(json_t *facts, const char *label, const char *value, const char *parent,
    const char *cls)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "label", label, "parent", parent, "cls", cls);

	if (o != NULL)
		json_object_set_new(o, "value", json_string_nocheck(value));
	json_array_append_new(facts, o);
}

/* The dash_agency_documents partial's members of ctx: one page (dpage) of the documents. */
static void
dash_documents(struct dash *d, MDB_txn *txn, const char *agency, size_t dpage, json_t *ctx)
{
	json_t *items, *doc, *iss, *docs, *pages;
	size_t total, i, k, npages;
	char date[32], eff[32], upd[40];

	if (view_documents(txn, d->w, agency, NULL, NULL, dpage * DASH_DOCS_PAGE, DASH_DOCS_PAGE,
	    &items, &total) != 0)
		return;
	docs = json_array();
	json_array_foreach(items, i, doc) {
		json_t *row, *issues = json_array();

		json_array_foreach(json_object_get(doc, "issues"), k, iss) {
			json_t *by = json_object_get(iss, "approved_by"), *step, *returns = json_array();
			json_t *chk = json_object_get(iss, "checked_by"), *last;
			size_t s;

			/* Returns to the drafter, with their reason: what the route cost this issue. */
			json_array_foreach(json_object_get(iss, "route"), s, step)
				if (strcmp(jstr(step, "action"), "return") == 0)
					json_array_append_new(returns, json_pack("{s:s,s:s}", "by",
					    jstr(step, "by"), "comment", jstr(step, "comment")));

			i18n_time(upd, sizeof(upd), (int64_t)jint(iss, "updated"), d->lang);
			i18n_date(date, sizeof(date), jstr(iss, "effective_date"), d->lang);
			json_array_append_new(issues, json_pack("{s:I, s:s, s:s, s:b, s:s, s:s, s:s}",
			    "issue", (json_int_t)jint(iss, "issue"), "status_label",
			    Tv(d, "dstatus", jstr(iss, "status")), "effective",
			    jstr(iss, "effective_date")[0] ? date : "", "approved", by != NULL,
			    "approved_by", jstr(by, "name"), "note", jstr(iss, "note"), "updated",
			    upd));
			last = json_array_get(issues, json_array_size(issues) - 1);
			json_object_set_new(last, "checked", json_boolean(chk != NULL));
			json_object_set_new(last, "checked_by", json_string(jstr(chk, "name")));
			json_object_set_new(last, "returns", returns);
		}
		i18n_date(date, sizeof(date), jstr(doc, "effective_date"), d->lang);
		i18n_date(eff, sizeof(eff), jstr(doc, "next_review"), d->lang);
		row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b, s:o}", "code",
		    jstr(doc, "code"), "title", jstr(doc, "title"), "kind",
		    Tv(d, "kind", jstr(doc, "kind")), "status", jstr(doc, "status"), "status_label",
		    Tv(d, "dstatus", jstr(doc, "status")), "latest", (json_int_t)jint(doc, "latest"),
		    "effective", date, "next_review", eff, "overdue",
		    json_is_true(json_object_get(doc, "review_overdue")), "issues", issues);
		json_array_append_new(docs, row);
	}
	npages = (total + DASH_DOCS_PAGE - 1) / DASH_DOCS_PAGE;
	pages = json_array();
	for (size_t p = 0; npages > 1 && p < npages; p++)
		json_array_append_new(pages, json_pack("{s:I, s:I, s:b}", "p", (json_int_t)p, "n",
		    (json_int_t)(p + 1), "current", p == dpage));
	json_object_set_new(ctx, "docs_shown", json_true());
	json_object_set_new(ctx, "docs_total", json_integer((json_int_t)total));
	json_object_set_new(ctx, "docs", docs);
	json_object_set_new(ctx, "pager", json_boolean(npages > 1));
	json_object_set_new(ctx, "pages", pages);
	json_decref(items);
}

/*
 * The dash_agency_reviews partial's members of ctx: the agency's documents past their review
 * date, earliest first, from the reviews index.
 */
static void
dash_reviews(struct dash *d, MDB_txn *txn, const char *agency, json_t *ctx)
{
	json_t *items, *e, *rows;
	size_t total, i;
	char today[11], date[32];

	domain_today(today);
	if (view_reviews(txn, d->w, agency, today, 0, DASH_LIST, &items, &total) != 0)
		return;
	rows = json_array();
	json_array_foreach(items, i, e) {
		i18n_date(date, sizeof(date), jstr(e, "next_review"), d->lang);
		json_array_append_new(rows, json_pack("{s:s, s:s, s:I, s:s}", "code",
		    jstr(e, "code"), "title", jstr(e, "title"), "issue", (json_int_t)jint(e, "issue"),
		    "next_review", date));
	}
	json_object_set_new(ctx, "reviews_total", json_integer((json_int_t)total));
	json_object_set_new(ctx, "reviews", rows);
	json_decref(items);
}

/* A case's badge: on time, late or overdue; false when it has none. */
static json_t *
dash_case_badge(struct dash *d, json_t *e)
{
	if (json_is_true(json_object_get(e, "on_time")))
		return json_pack("{s:s, s:s}", "cls", "ok", "label", T(d, TR_CASES_ON_TIME));
	if (json_is_false(json_object_get(e, "on_time")))
		return json_pack("{s:s, s:s}", "cls", "bad", "label", T(d, TR_CASES_LATE));
	if (json_is_true(json_object_get(e, "overdue")))
		return json_pack("{s:s, s:s}", "cls", "bad", "label", T(d, TR_CASES_OVERDUE));
	return json_false();
}

/* The dash_agency_files and dash_agency_cases partials' members of ctx. */
static void
dash_files_cases(struct dash *d, MDB_txn *txn, const char *agency, json_t *ctx)
{
	json_t *items, *e, *rows;
	size_t total, i;
	char t1[40], t2[40], t3[40];

	if (view_files(txn, d->w, agency, 0, DASH_LIST, &items, &total) == 0) {
		rows = json_array();
		json_array_foreach(items, i, e)
			json_array_append_new(rows, json_pack("{s:s, s:s, s:I, s:I, s:b, s:I, s:s}",
			    "code", jstr(e, "code"), "title", jstr(e, "title"), "doc_total",
			    (json_int_t)jint(e, "doc_total"), "page_total",
			    (json_int_t)jint(e, "page_total"), "permanent",
			    json_is_true(json_object_get(e, "retention_permanent")), "years",
			    (json_int_t)jint(e, "retention_years"), "status_label",
			    Tv(d, "fstatus", jstr(e, "status"))));
		json_object_set_new(ctx, "files_shown", json_true());
		json_object_set_new(ctx, "files_total", json_integer((json_int_t)total));
		json_object_set_new(ctx, "files", rows);
		json_decref(items);
	}
	if (view_cases(txn, d->w, agency, NULL, 0, DASH_LIST, &items, &total) == 0) {
		rows = json_array();
		json_array_foreach(items, i, e) {
			i18n_time(t1, sizeof(t1), (int64_t)jint(e, "received"), d->lang);
			i18n_time(t2, sizeof(t2), (int64_t)jint(e, "due"), d->lang);
			if (jint(e, "completed") > 0)
				i18n_time(t3, sizeof(t3), (int64_t)jint(e, "completed"), d->lang);
			else
				snprintf(t3, sizeof(t3), "—");
			json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
			    "code", jstr(e, "code"), "procedure", jstr(e, "procedure"), "received",
			    t1, "due", t2, "completed", t3, "status_label",
			    Tv(d, "cstatus", jstr(e, "status")), "badge", dash_case_badge(d, e)));
		}
		json_object_set_new(ctx, "cases_shown", json_true());
		json_object_set_new(ctx, "cases_total", json_integer((json_int_t)total));
		json_object_set_new(ctx, "case_rows", rows);
		json_decref(items);
	}
}

/*
 * One change of a set in the page's language, into buf: "Tài liệu QT-01, lần ban hành 2: Có
 * hiệu lực". The code and status are what the agency sent: escaped by the template, not
 * checked as UTF-8 again; a status the table does not know is shown as sent.
 */
static const char *
dash_change_words(struct dash *d, json_t *it, char *buf, size_t len)
{
	const char *kind = jstr(it, "kind");
	char issue[16];

	snprintf(issue, sizeof(issue), "%lld", jint(it, "issue"));
	if (strcmp(kind, "doc_issue") == 0)
		tr_fill_text(buf, len, d->lang, TR_CS_DOC_ISSUE, "code", jstr(it, "code"), "issue",
		    issue, "status", Tv(d, "dstatus", jstr(it, "status")), NULL);
	else if (strcmp(kind, "record_file") == 0)
		tr_fill_text(buf, len, d->lang, TR_CS_RECORD_FILE, "code", jstr(it, "code"),
		    "status", Tv(d, "fstatus", jstr(it, "status")), NULL);
	else
		tr_fill_text(buf, len, d->lang, TR_CS_CASE, "code", jstr(it, "code"), "status",
		    Tv(d, "cstatus", jstr(it, "status")), NULL);
	return buf;
}

/* The dash_agency_changesets partial's members of ctx: the latest ten, re-verified. */
static void
dash_changesets(struct dash *d, MDB_txn *txn, const Eiso__AgencyRecord *a, json_t *ctx)
{
	json_t *items, *e, *it, *rows;
	size_t total, i, k;
	char when[40], hash[24], text[256];

	if (view_changesets(txn, d->w, a, 0, 10, &items, &total) != 0)
		return;
	rows = json_array();
	json_array_foreach(items, i, e) {
		json_t *lines = json_array(), *row;
		int cut = 0;

		json_array_foreach(json_object_get(e, "items"), k, it) {
			if (k >= 4) {
				cut = 1;
				break;
			}
			row = json_pack("{s:b}", "br", k > 0);
			if (row != NULL)
				json_object_set_new(row, "text", json_string_nocheck(
				    dash_change_words(d, it, text, sizeof(text))));
			json_array_append_new(lines, row);
		}
		i18n_time(when, sizeof(when), (int64_t)jint(e, "created"), d->lang);
		snprintf(hash, sizeof(hash), "%.16s…", jstr(e, "hash"));
		json_array_append_new(rows, json_pack("{s:I, s:s, s:o, s:b, s:I, s:s, s:b}", "seq",
		    (json_int_t)jint(e, "seq"), "created", when, "items", lines, "cut", cut,
		    "changes", (json_int_t)jint(e, "changes"), "hash", hash, "ok",
		    strcmp(jstr(e, "signature"), "valid") == 0 &&
		    strcmp(jstr(e, "chain"), "linked") == 0));
	}
	json_object_set_new(ctx, "changesets_shown", json_true());
	json_object_set_new(ctx, "changesets_total", json_integer((json_int_t)total));
	json_object_set_new(ctx, "changesets", rows);
	json_decref(items);
}

void
dash_agency(struct dash *d, MDB_txn *txn)
{
	char id[WIRE_MAX_AGENCY + 8], v[128], next[128], pname[256];
	Eiso__AgencyRecord *rec;
	json_t *a, *cases, *cov, *lag, *series, *items, *cards, *facts, *ctx;
	uint64_t dpage = 0;
	size_t total;

	web_set_route(d->w, "agency_page");
	if (http_unescape(d->r->path + 8, strlen(d->r->path + 8), 0, id, sizeof(id)) < 0 ||
	    !wire_agency_ok(id) || agency_get(txn, web_hub(d->w), id, &rec) != 0) {
		dash_error(d, 404, T(d, TR_ERR_NO_AGENCY));
		return;
	}
	web_query_uint(d->r, "dpage", 0, 0, 100000, &dpage);
	a = view_agency(txn, d->w, rec, store_now_ms());
	cases = json_object_get(a, "cases");
	cov = json_object_get(a, "record_coverage");
	lag = json_object_get(a, "lag");
	ctx = dash_frame(d, dash_name(d, a), "");
	facts = json_array();
	cards = json_array();
	dash_kv(facts, T(d, TR_COL_ID), jstr(a, "id"), "", "");
	dash_kv(facts, T(d, TR_COL_LEVEL), Tv(d, "level", jstr(a, "level")), "", "");
	if (jstr(a, "parent")[0])
		dash_kv(facts, T(d, TR_COL_PARENT), dash_agency_name(d, txn, jstr(a, "parent"), pname,
		    sizeof(pname)), jstr(a, "parent"), "");
	i18n_time(v, sizeof(v), (int64_t)jint(a, "last_seen"), d->lang);
	dash_kv(facts, T(d, TR_COL_LAST_SEEN), v, "", "");
	snprintf(v, sizeof(v), "%lld", jint(a, "applied_seq"));
	dash_kv(facts, T(d, TR_COL_APPLIED), v, "", "");
	snprintf(v, sizeof(v), "%.16s…", jstr(a, "head_hash"));
	dash_kv(facts, T(d, TR_AGENCY_HEAD), v, "", "hash");
	snprintf(v, sizeof(v), "%lld · %llds", jint(lag, "sets"), jint(lag, "seconds"));
	dash_kv(facts, T(d, TR_COL_LAG), v, "", jint(lag, "sets") ? "warn" : "");
	snprintf(v, sizeof(v), "%lld", jint(a, "rejected"));
	dash_kv(facts, T(d, TR_AGENCY_REJECTED), v, "", jint(a, "rejected") ? "bad" : "");
	snprintf(v, sizeof(v), "%lld", jint(a, "documents_in_force"));
	dash_card(cards, "in-force", T(d, TR_CARD_IN_FORCE), v, "", "");
	snprintf(v, sizeof(v), "%lld", jint(a, "reviews_overdue"));
	dash_card(cards, "reviews", T(d, TR_CARD_REVIEWS), v, "", jint(a, "reviews_overdue") ?
	    "warn" : "");
	snprintf(v, sizeof(v), "%lld / %lld / %lld", jint(cases, "on_time"), jint(cases, "late"),
	    jint(cases, "open"));
	snprintf(next, sizeof(next), "%s / %s / %s", T(d, TR_CASES_ON_TIME), T(d, TR_CASES_LATE),
	    T(d, TR_CASES_OPEN));
	dash_card(cards, "cases", T(d, TR_AGENCY_CASES), v, next, jint(cases, "open_overdue") ?
	    "warn" : "");
	snprintf(v, sizeof(v), "%.0f%%", json_real_value(json_object_get(cov, "percent")));
	if (json_is_integer(json_object_get(cov, "target")))
		snprintf(next, sizeof(next), "%s %lld%%", T(d, TR_CARD_TARGET),
		    jint(cov, "target"));
	else
		next[0] = '\0';
	dash_card(cards, "coverage", T(d, TR_CARD_COVERAGE), v, next,
	    json_is_false(json_object_get(cov, "meets_target")) ? "warn" : "");
	snprintf(v, sizeof(v), "%lld", jint(a, "record_files"));
	dash_card(cards, "files", T(d, TR_AGENCY_FILES), v, "", "");
	series = view_series(txn, d->w, rec->id);
	if (ctx != NULL) {
		json_object_set_new(ctx, "id", json_string(jstr(a, "id")));
		json_object_set_new(ctx, "name", json_string_nocheck(dash_name(d, a)));
		json_object_set_new(ctx, "status", json_string(jstr(a, "status")));
		json_object_set_new(ctx, "status_label", json_string(Tv(d, "status",
		    jstr(a, "status"))));
		json_object_set_new(ctx, "facts", json_incref(facts));
		json_object_set_new(ctx, "cards", json_incref(cards));
		json_object_set_new(ctx, "charts", dash_charts_ctx(d, series, "agency"));
	}
	json_decref(series);
	json_decref(facts);
	json_decref(cards);
	/* Its alerts, open ones first. */
	if (ctx != NULL &&
	    view_alerts(txn, d->w, "all", rec->id, NULL, 0, 20, &items, &total) == 0) {
		struct html nb = { 0 };

		html_raw(&nb, "/agency/");
		html_seg(&nb, rec->id);
		json_object_set_new(ctx, "alerts_shown", json_true());
		json_object_set_new(ctx, "open", json_integer(jint(a, "alerts_open")));
		json_object_set_new(ctx, "open_label", json_string(Tv(d, "astate", "open")));
		dash_alerts_ctx(d, txn, items, 0, nb.buf ? nb.buf : "/", ctx);
		html_free(&nb);
		json_decref(items);
	}
	if (ctx != NULL) {
		dash_reviews(d, txn, rec->id, ctx);
		dash_documents(d, txn, rec->id, (size_t)dpage, ctx);
		dash_files_cases(d, txn, rec->id, ctx);
		dash_changesets(d, txn, rec, ctx);
	}
	dash_tmpl(d, "dash_agency", ctx);
	json_decref(a);
	eiso__agency_record__free_unpacked(rec, NULL);
	dash_send(d, 200);
}
