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


/* One fact of the agency's list (dash_agency_top's facts); parent: a link to that agency. */
static void
dash_kv(json_t *facts, const char *label, const char *value, const char *parent,
    const char *cls)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "label", label, "parent", parent, "cls", cls);

	if (o != NULL)
		json_object_set_new(o, "value", json_string_nocheck(value));
	json_array_append_new(facts, o);
}

static void
dash_documents(struct dash *d, MDB_txn *txn, const char *agency, size_t dpage)
{
	json_t *items, *doc, *iss;
	size_t total, i, k, pages;
	char date[32];

	if (view_documents(txn, d->w, agency, NULL, NULL, dpage * DASH_DOCS_PAGE, DASH_DOCS_PAGE,
	    &items, &total) != 0)
		return;
	html_printf(&d->b, "<section id=\"documents\"><h2>%s <small>(%zu)</small></h2>",
	    T(d, TR_AGENCY_DOCUMENTS), total);
	html_printf(&d->b, "<table class=\"docs\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>", T(d, TR_DOC_CODE),
	    T(d, TR_DOC_TITLE), T(d, TR_DOC_KIND), T(d, TR_DOC_STATUS), T(d, TR_DOC_ISSUE),
	    T(d, TR_DOC_EFFECTIVE), T(d, TR_DOC_NEXT_REVIEW));
	json_array_foreach(items, i, doc) {
		html_raw(&d->b, "<tr><td class=\"code\">");
		html_esc(&d->b, jstr(doc, "code"));
		html_raw(&d->b, "</td><td><details><summary>");
		html_esc(&d->b, jstr(doc, "title"));
		html_printf(&d->b, "</summary><ol class=\"history\">");
		json_array_foreach(json_object_get(doc, "issues"), k, iss) {
			char upd[40];

			i18n_time(upd, sizeof(upd), (int64_t)jint(iss, "updated"), d->lang);
			html_printf(&d->b, "<li><b>%s %lld</b> — ", T(d, TR_DOC_ISSUE),
			    jint(iss, "issue"));
			html_esc(&d->b, Tv(d, "dstatus", jstr(iss, "status")));
			i18n_date(date, sizeof(date), jstr(iss, "effective_date"), d->lang);
			if (jstr(iss, "effective_date")[0])
				html_printf(&d->b, ", %s %s", T(d, TR_DOC_EFFECTIVE), date);
			if (json_object_get(iss, "approved_by") != NULL) {
				html_printf(&d->b, ", %s ", T(d, TR_DOC_APPROVED_BY));
				html_esc(&d->b, jstr(json_object_get(iss, "approved_by"), "name"));
			}
			if (jstr(iss, "note")[0]) {
				html_raw(&d->b, " — <i>");
				html_esc(&d->b, jstr(iss, "note"));
				html_raw(&d->b, "</i>");
			}
			html_printf(&d->b, " <small>(%s)</small></li>", upd);
		}
		html_raw(&d->b, "</ol></details></td><td>");
		html_esc(&d->b, Tv(d, "kind", jstr(doc, "kind")));
		html_printf(&d->b, "</td><td><span class=\"badge ds-%s\">", jstr(doc, "status"));
		html_esc(&d->b, Tv(d, "dstatus", jstr(doc, "status")));
		html_printf(&d->b, "</span></td><td class=\"num\">%lld</td>", jint(doc, "latest"));
		i18n_date(date, sizeof(date), jstr(doc, "effective_date"), d->lang);
		html_printf(&d->b, "<td>%s</td>", date);
		i18n_date(date, sizeof(date), jstr(doc, "next_review"), d->lang);
		html_printf(&d->b, "<td class=\"%s\">%s</td></tr>",
		    json_is_true(json_object_get(doc, "review_overdue")) ? "bad" : "", date);
	}
	if (total == 0)
		html_printf(&d->b, "<tr><td colspan=\"7\" class=\"muted\">%s</td></tr>",
		    T(d, TR_NONE));
	html_raw(&d->b, "</tbody></table>");
	pages = (total + DASH_DOCS_PAGE - 1) / DASH_DOCS_PAGE;
	if (pages > 1) {
		html_raw(&d->b, "<nav class=\"pager\">");
		for (size_t p = 0; p < pages; p++) {
			html_raw(&d->b, p == dpage ? "<b>" : "<a href=\"?dpage=");
			if (p != dpage)
				html_printf(&d->b, "%zu#documents\">", p);
			html_printf(&d->b, "%zu", p + 1);
			html_raw(&d->b, p == dpage ? "</b> " : "</a> ");
		}
		html_raw(&d->b, "</nav>");
	}
	html_raw(&d->b, "</section>");
	json_decref(items);
}

/* The agency's documents past their review date, earliest first, from the reviews index. */
static void
dash_reviews(struct dash *d, MDB_txn *txn, const char *agency)
{
	json_t *items, *e;
	size_t total, i;
	char today[11], date[32];

	domain_today(today);
	if (view_reviews(txn, d->w, agency, today, 0, DASH_LIST, &items, &total) != 0)
		return;
	if (total > 0) {
		html_printf(&d->b, "<section id=\"reviews\"><h2>%s <small>(%zu)</small></h2>"
		    "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
		    "<tbody>", T(d, TR_CARD_REVIEWS), total, T(d, TR_DOC_CODE), T(d, TR_DOC_TITLE),
		    T(d, TR_DOC_ISSUE), T(d, TR_DOC_NEXT_REVIEW));
		json_array_foreach(items, i, e) {
			html_raw(&d->b, "<tr><td class=\"code\">");
			html_esc(&d->b, jstr(e, "code"));
			html_raw(&d->b, "</td><td>");
			html_esc(&d->b, jstr(e, "title"));
			i18n_date(date, sizeof(date), jstr(e, "next_review"), d->lang);
			html_printf(&d->b, "</td><td class=\"num\">%lld</td><td class=\"bad\">%s"
			    "</td></tr>", jint(e, "issue"), date);
		}
		html_raw(&d->b, "</tbody></table></section>");
	}
	json_decref(items);
}

static void
dash_files_cases(struct dash *d, MDB_txn *txn, const char *agency)
{
	json_t *items, *e;
	size_t total, i;
	char t1[40], t2[40], t3[40];

	if (view_files(txn, d->w, agency, 0, DASH_LIST, &items, &total) == 0) {
		html_printf(&d->b, "<section id=\"files\"><h2>%s <small>(%zu)</small></h2>"
		    "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		    "</tr></thead><tbody>", T(d, TR_AGENCY_FILES), total, T(d, TR_FILE_CODE),
		    T(d, TR_FILE_TITLE), T(d, TR_FILE_DOCS), T(d, TR_FILE_RETENTION),
		    T(d, TR_FILE_STATUS));
		json_array_foreach(items, i, e) {
			html_raw(&d->b, "<tr><td class=\"code\">");
			html_esc(&d->b, jstr(e, "code"));
			html_raw(&d->b, "</td><td>");
			html_esc(&d->b, jstr(e, "title"));
			html_printf(&d->b, "</td><td class=\"num\">%lld / %lld</td><td>",
			    jint(e, "doc_total"), jint(e, "page_total"));
			if (json_is_true(json_object_get(e, "retention_permanent")))
				html_esc(&d->b, T(d, TR_FILE_PERMANENT));
			else
				html_printf(&d->b, "%lld %s", jint(e, "retention_years"),
				    T(d, TR_FILE_YEARS));
			html_raw(&d->b, "</td><td>");
			html_esc(&d->b, Tv(d, "fstatus", jstr(e, "status")));
			html_raw(&d->b, "</td></tr>");
		}
		if (total == 0)
			html_printf(&d->b, "<tr><td colspan=\"5\" class=\"muted\">%s</td></tr>",
			    T(d, TR_NONE));
		html_raw(&d->b, "</tbody></table></section>");
		json_decref(items);
	}
	if (view_cases(txn, d->w, agency, NULL, 0, DASH_LIST, &items, &total) == 0) {
		html_printf(&d->b, "<section id=\"cases\"><h2>%s <small>(%zu)</small></h2>"
		    "<p class=\"muted\">%s</p><table><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
		    "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>", T(d, TR_AGENCY_CASES),
		    total, T(d, TR_CASE_NO_PERSONAL), T(d, TR_CASE_CODE), T(d, TR_CASE_PROCEDURE),
		    T(d, TR_CASE_RECEIVED), T(d, TR_CASE_DUE), T(d, TR_CASE_COMPLETED),
		    T(d, TR_CASE_STATUS));
		json_array_foreach(items, i, e) {
			i18n_time(t1, sizeof(t1), (int64_t)jint(e, "received"), d->lang);
			i18n_time(t2, sizeof(t2), (int64_t)jint(e, "due"), d->lang);
			if (jint(e, "completed") > 0)
				i18n_time(t3, sizeof(t3), (int64_t)jint(e, "completed"), d->lang);
			else
				snprintf(t3, sizeof(t3), "—");
			html_raw(&d->b, "<tr><td class=\"code\">");
			html_esc(&d->b, jstr(e, "code"));
			html_raw(&d->b, "</td><td>");
			html_esc(&d->b, jstr(e, "procedure"));
			html_printf(&d->b, "</td><td class=\"time\">%s</td><td class=\"time\">%s</td>"
			    "<td class=\"time\">%s</td><td>", t1, t2, t3);
			html_esc(&d->b, Tv(d, "cstatus", jstr(e, "status")));
			if (json_is_true(json_object_get(e, "on_time")))
				html_printf(&d->b, " <span class=\"badge ok\">%s</span>",
				    T(d, TR_CASES_ON_TIME));
			else if (json_is_false(json_object_get(e, "on_time")))
				html_printf(&d->b, " <span class=\"badge bad\">%s</span>",
				    T(d, TR_CASES_LATE));
			else if (json_is_true(json_object_get(e, "overdue")))
				html_printf(&d->b, " <span class=\"badge bad\">%s</span>",
				    T(d, TR_CASES_OVERDUE));
			html_raw(&d->b, "</td></tr>");
		}
		if (total == 0)
			html_printf(&d->b, "<tr><td colspan=\"6\" class=\"muted\">%s</td></tr>",
			    T(d, TR_NONE));
		html_raw(&d->b, "</tbody></table></section>");
		json_decref(items);
	}
}

static void
dash_changesets(struct dash *d, MDB_txn *txn, const Eiso__AgencyRecord *a)
{
	json_t *items, *e, *it;
	size_t total, i, k;
	char when[40];

	if (view_changesets(txn, d->w, a, 0, 10, &items, &total) != 0)
		return;
	html_printf(&d->b, "<section id=\"changesets\"><h2>%s <small>(%zu)</small></h2>"
	    "<table><thead><tr><th>Seq</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>"
	    "</thead><tbody>", T(d, TR_AGENCY_CHANGESETS), total, T(d, TR_CS_CREATED),
	    T(d, TR_CS_CHANGES), T(d, TR_CS_HASH), T(d, TR_CS_OUTCOME));
	json_array_foreach(items, i, e) {
		int ok = strcmp(jstr(e, "signature"), "valid") == 0 &&
		    strcmp(jstr(e, "chain"), "linked") == 0;

		i18n_time(when, sizeof(when), (int64_t)jint(e, "created"), d->lang);
		html_printf(&d->b, "<tr><td class=\"num\">%lld</td><td class=\"time\">%s</td><td>",
		    jint(e, "seq"), when);
		json_array_foreach(json_object_get(e, "items"), k, it) {
			if (k >= 4) {
				html_printf(&d->b, "… (%lld)", jint(e, "changes"));
				break;
			}
			html_raw(&d->b, k ? "<br>" : "");
			html_esc(&d->b, json_string_value(it));
		}
		html_printf(&d->b, "</td><td class=\"hash\">%.16s…</td><td><span class=\"badge %s\">"
		    "%s</span></td></tr>", jstr(e, "hash"), ok ? "ok" : "bad",
		    ok ? T(d, TR_CS_VERIFIED) : T(d, TR_CS_FAILED));
	}
	if (total == 0)
		html_printf(&d->b, "<tr><td colspan=\"5\" class=\"muted\">%s</td></tr>", T(d, TR_NONE));
	html_raw(&d->b, "</tbody></table></section>");
	json_decref(items);
}

void
dash_agency(struct dash *d, MDB_txn *txn)
{
	char id[WIRE_MAX_AGENCY + 8], v[128], next[128];
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
		dash_kv(facts, T(d, TR_COL_PARENT), "", jstr(a, "parent"), "");
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
		dash_alerts_ctx(d, items, 0, nb.buf ? nb.buf : "/", ctx);
		html_free(&nb);
		json_decref(items);
	}
	dash_tmpl(d, "dash_agency_top", ctx);
	dash_reviews(d, txn, rec->id);
	dash_documents(d, txn, rec->id, (size_t)dpage);
	dash_files_cases(d, txn, rec->id);
	dash_changesets(d, txn, rec);
	dash_foot(d);
	json_decref(a);
	eiso__agency_record__free_unpacked(rec, NULL);
	dash_send(d, 200);
}
