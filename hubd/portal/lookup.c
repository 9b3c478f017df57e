/*
 * lookup.c: the portal's search (hubd/search.c's index of public documents in force: ranked,
 * diacritics and case ignored, filtered by agency and kind, 20 a page) and case status by case
 * code (procedure, dates, status; the hub holds no personal data, and notes are never shown).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "portal/portal.h"
#include "keys.h"
#include "wire.h"

#define PORTAL_KEY_MAX (WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 1 + 4)

#define PORTAL_PAGE_SIZE 20
/* Agency pickers for the search and case forms */

static void
agency_options(const struct portal_ctx *c, struct html *b, const char *selected)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	html_raw(b, "<option value=\"\">");
	html_esc(b, portal_t(c, TR_PORTAL_ALL_AGENCIES));
	html_raw(b, "</option>");
	if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_AGENCIES), &cur) != 0)
		return;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Eiso__AgencyRecord *a = eiso__agency_record__unpack(NULL, v.mv_size, v.mv_data);

		if (a == NULL)
			continue;
		if (wire_agency_ok(a->id)) {
			html_raw(b, "<option value=\"");
			html_esc(b, a->id);
			html_raw(b, strcmp(a->id, selected) == 0 ? "\" selected>" : "\">");
			html_esc(b, portal_agency_name(c, a));
			html_raw(b, "</option>");
		}
		eiso__agency_record__free_unpacked(a, NULL);
	}
	mdb_cursor_close(cur);
}

/* ------------------------------------------------------------------------------------------ */
/* Case status */

static void
case_rows(const struct portal_ctx *c, struct html *b, const char *agency, const Eiso__Case *k)
{
	Eiso__AgencyRecord *a = portal_agency(c, agency);
	char buf[64];

	html_raw(b, "<section class=\"case\"><dl class=\"meta\">");
	portal_meta(b, portal_t(c, TR_PORTAL_CASE_CODE), k->code);
	portal_meta(b, portal_t(c, TR_PORTAL_AGENCY), a ? portal_agency_name(c, a) : agency);
	portal_meta(b, portal_t(c, TR_PORTAL_PROCEDURE), k->procedure);
	i18n_time(buf, sizeof(buf), k->received, c->lang);
	portal_meta(b, portal_t(c, TR_PORTAL_RECEIVED), buf);
	i18n_time(buf, sizeof(buf), k->due, c->lang);
	portal_meta(b, portal_t(c, TR_PORTAL_DUE), buf);
	html_raw(b, "<dt>");
	html_esc(b, portal_t(c, TR_PORTAL_STATUS));
	html_printf(b, "</dt><dd data-status=\"%s\"><strong>", domain_one_of(k->status,
	    domain_case_statuses) ? k->status : "unknown");
	html_esc(b, tr_value(c->lang, "cstatus", k->status));
	html_raw(b, "</strong></dd>");
	if (k->completed != 0) {
		i18n_time(buf, sizeof(buf), k->completed, c->lang);
		portal_meta(b, portal_t(c, TR_PORTAL_COMPLETED), buf);
		if (strcmp(k->status, "completed") == 0)
			portal_meta(b, portal_t(c, TR_PORTAL_TIMELINESS), portal_t(c, k->completed <=
			    k->due ? TR_PORTAL_ON_TIME : TR_PORTAL_LATE));
	} else if (!domain_case_final(k->status) && k->due < store_now_ms()) {
		portal_meta(b, portal_t(c, TR_PORTAL_TIMELINESS), portal_t(c, TR_PORTAL_OVERDUE));
	}
	html_raw(b, "</dl></section>\n");
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
}

static int
case_find(const struct portal_ctx *c, struct html *b, const char *agency, const char *code)
{
	uint8_t key[PORTAL_KEY_MAX];
	MDB_val k, v;
	Eiso__Case *kc;

	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), agency, code, strlen(code));
	if (mdb_get(c->txn, store_dbi(c->h->st, HDB_CASES), &k, &v) != 0 ||
	    (kc = eiso__case__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return 0;
	case_rows(c, b, agency, kc);
	eiso__case__free_unpacked(kc, NULL);
	return 1;
}

void
lookup_case(const struct portal_ctx *c, struct portal_reply *r)
{
	struct html *b = &r->body;
	char agency[WIRE_MAX_AGENCY + 2], code[DOMAIN_MAX_CODE + 2];
	int found = 0;

	portal_param(c, "agency", agency, sizeof(agency));
	portal_param(c, "code", code, sizeof(code));
	portal_head(c, b, portal_t(c, TR_PORTAL_CASE));
	html_raw(b, "<section><h1>");
	html_esc(b, portal_t(c, TR_PORTAL_CASE));
	html_raw(b, "</h1><p class=\"muted\">");
	html_esc(b, portal_t(c, TR_PORTAL_CASE_INTRO));
	html_raw(b, "</p><form class=\"inline\" action=\"/portal/case\" method=\"get\"><label>");
	html_esc(b, portal_t(c, TR_PORTAL_CASE_CODE));
	html_raw(b, "<br><input type=\"text\" name=\"code\" required value=\"");
	html_esc(b, code);
	html_raw(b, "\"></label><label>");
	html_esc(b, portal_t(c, TR_PORTAL_AGENCY));
	html_raw(b, "<br><select name=\"agency\">");
	agency_options(c, b, agency);
	html_raw(b, "</select></label>");
	if (c->lang == WEB_EN)
		html_raw(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	html_raw(b, "<button>");
	html_esc(b, portal_t(c, TR_PORTAL_LOOKUP));
	html_raw(b, "</button></form></section>\n");
	if (code[0] != '\0') {
		if (!domain_code_ok(code) || (agency[0] && !wire_agency_ok(agency))) {
			found = 0;
		} else if (agency[0]) {
			found = case_find(c, b, agency, code);
		} else {
			MDB_cursor *cur;
			MDB_val k, v;
			char id[WIRE_MAX_AGENCY + 1];
			int rc;

			if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_AGENCIES), &cur) == 0) {
				for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
				    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
					if (k.mv_size > WIRE_MAX_AGENCY)
						continue;
					memcpy(id, k.mv_data, k.mv_size);
					id[k.mv_size] = '\0';
					found += case_find(c, b, id, code);
				}
				mdb_cursor_close(cur);
			}
		}
		if (!found) {
			r->status = 404;
			html_raw(b, "<section data-verdict=\"not_found\"><p>");
			html_esc(b, portal_t(c, TR_PORTAL_NO_CASE));
			html_raw(b, "</p></section>\n");
		}
	}
	portal_foot(c, b);
}

/* ------------------------------------------------------------------------------------------ */
/* Search */

struct search_page {
	const struct portal_ctx *c;
	struct html *b;
};

static int
search_row(const char *agency, const char *code, uint32_t score, void *arg)
{
	struct search_page *s = arg;
	const struct portal_ctx *c = s->c;
	struct html *b = s->b;
	Eiso__DocRecord *rec = portal_docrec(c, agency, code);
	Eiso__DocIssue *d = rec && rec->current ? portal_issue(c, agency, code, rec->current) :
	    NULL;
	Eiso__AgencyRecord *a = portal_agency(c, agency);
	char date[32];

	(void)score;
	if (d != NULL && strcmp(d->status, "effective") == 0) {
		i18n_date(date, sizeof(date), d->effective_date, c->lang);
		html_raw(b, "<li class=\"hit\"><a href=\"");
		portal_doc_url(c, b, "/portal/d/", agency, code, d->issue);
		html_raw(b, "\">");
		html_esc(b, d->title);
		html_raw(b, "</a><br><span class=\"small muted\">");
		html_esc(b, a ? portal_agency_name(c, a) : agency);
		html_raw(b, " · ");
		html_esc(b, d->code);
		html_raw(b, " · ");
		html_esc(b, portal_kind(c, d->kind));
		html_printf(b, " · %s %u · ", portal_t(c, TR_PORTAL_ISSUE_LC), d->issue);
		html_esc(b, date);
		html_raw(b, "</span></li>\n");
	}
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
	if (d != NULL)
		eiso__doc_issue__free_unpacked(d, NULL);
	if (rec != NULL)
		eiso__doc_record__free_unpacked(rec, NULL);
	return 0;
}

static void
search_link(const struct portal_ctx *c, struct html *b, const char *q, const char *agency,
    const char *kind, unsigned long page)
{
	html_raw(b, "/portal/search?q=");
	html_seg(b, q);
	if (agency[0]) {
		html_raw(b, "&amp;agency=");
		html_seg(b, agency);
	}
	if (kind[0]) {
		html_raw(b, "&amp;kind=");
		html_seg(b, kind);
	}
	html_printf(b, "&amp;page=%lu", page);
	portal_lang_q(c, b, 0);
}

void
lookup_search(const struct portal_ctx *c, struct portal_reply *r)
{
	struct html *b = &r->body;
	char q[512], agency[WIRE_MAX_AGENCY + 2], kind[32], pg[16];
	unsigned long page;
	size_t total = 0, pages;
	struct search_page sp = { c, b };
	int rc = 0;

	portal_param(c, "q", q, sizeof(q));
	portal_param(c, "agency", agency, sizeof(agency));
	portal_param(c, "kind", kind, sizeof(kind));
	portal_param(c, "page", pg, sizeof(pg));
	page = strtoul(pg, NULL, 10);
	if (page < 1 || page > 100000)
		page = 1;
	if (agency[0] && !wire_agency_ok(agency))
		agency[0] = '\0';
	if (kind[0] && !domain_one_of(kind, domain_doc_kinds))
		kind[0] = '\0';

	portal_head(c, b, portal_t(c, TR_PORTAL_SEARCH));
	html_raw(b, "<section><h1>");
	html_esc(b, portal_t(c, TR_PORTAL_SEARCH));
	html_raw(b, "</h1><form class=\"inline\" action=\"/portal/search\" method=\"get\"><label>");
	html_esc(b, portal_t(c, TR_PORTAL_SEARCH_WORDS));
	html_raw(b, "<br><input type=\"search\" name=\"q\" value=\"");
	html_esc(b, q);
	html_raw(b, "\" placeholder=\"");
	html_esc(b, portal_t(c, TR_PORTAL_SEARCH_PLACEHOLDER));
	html_raw(b, "\"></label><label>");
	html_esc(b, portal_t(c, TR_PORTAL_AGENCY));
	html_raw(b, "<br><select name=\"agency\">");
	agency_options(c, b, agency);
	html_raw(b, "</select></label><label>");
	html_esc(b, portal_t(c, TR_PORTAL_KIND));
	html_raw(b, "<br><select name=\"kind\"><option value=\"\">");
	html_esc(b, portal_t(c, TR_PORTAL_ALL_KINDS));
	html_raw(b, "</option>");
	for (int i = 0; domain_doc_kinds[i] != NULL; i++) {
		html_printf(b, "<option value=\"%s\"%s>", domain_doc_kinds[i],
		    strcmp(kind, domain_doc_kinds[i]) == 0 ? " selected" : "");
		html_esc(b, portal_kind(c, domain_doc_kinds[i]));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></label>");
	if (c->lang == WEB_EN)
		html_raw(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	html_raw(b, "<button>");
	html_esc(b, portal_t(c, TR_PORTAL_SEARCH_GO));
	html_raw(b, "</button></form></section>\n");
	if (q[0] != '\0') {
		struct html list = { 0 };

		sp.b = &list;
		rc = search_query(c->txn, c->h, q, agency[0] ? agency : NULL, kind[0] ? kind : NULL,
		    (page - 1) * PORTAL_PAGE_SIZE, PORTAL_PAGE_SIZE, search_row, &sp, &total);
		html_raw(b, "<section class=\"results\">");
		if (rc != 0) {
			html_raw(b, "<p>");
			html_esc(b, portal_t(c, TR_PORTAL_SEARCH_BAD));
			html_raw(b, "</p>");
			total = 0;
		} else {
			html_printf(b, "<p id=\"total\" data-total=\"%zu\">", total);
			char n[24];

			snprintf(n, sizeof(n), "%zu", total);
			tr_fill(b, c->lang, TR_PORTAL_SEARCH_TOTAL, "n", n, NULL);
			html_raw(b, "</p>");
		}
		if (list.len > 0) {
			html_raw(b, "<ol class=\"hits\">");
			html_mem(b, list.buf, list.len);
			html_raw(b, "</ol>");
		}
		html_free(&list);
		pages = (total + PORTAL_PAGE_SIZE - 1) / PORTAL_PAGE_SIZE;
		if (pages > 1) {
			html_raw(b, "<p class=\"pager\">");
			if (page > 1) {
				html_raw(b, "<a rel=\"prev\" href=\"");
				search_link(c, b, q, agency, kind, page - 1);
				html_raw(b, "\">« ");
				html_esc(b, portal_t(c, TR_PORTAL_PREV));
				html_raw(b, "</a>");
			}
			html_printf(b, "<span>%lu / %zu</span>", page, pages);
			if (page < pages) {
				html_raw(b, "<a rel=\"next\" href=\"");
				search_link(c, b, q, agency, kind, page + 1);
				html_raw(b, "\">");
				html_esc(b, portal_t(c, TR_PORTAL_NEXT));
				html_raw(b, " »</a>");
			}
			html_raw(b, "</p>");
		}
		html_raw(b, "</section>\n");
	}
	portal_foot(c, b);
}
