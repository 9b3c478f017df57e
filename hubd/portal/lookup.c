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
/* The agency picker of the search and case forms (portal_agency_options.html's agencies). */
static json_t *
agency_options(const struct portal_ctx *c, const char *selected)
{
	json_t *list = json_array();
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_AGENCIES), &cur) != 0)
		return list;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Eiso__AgencyRecord *a = eiso__agency_record__unpack(NULL, v.mv_size, v.mv_data);

		if (a == NULL)
			continue;
		if (wire_agency_ok(a->id))
			json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", a->id, "name",
			    portal_agency_name(c, a), "selected", strcmp(a->id, selected) == 0));
		eiso__agency_record__free_unpacked(a, NULL);
	}
	mdb_cursor_close(cur);
	return list;
}

/* ------------------------------------------------------------------------------------------ */
/* Case status */

/* One case of portal_case.html's cases; "" members are left out of the page. */
static json_t *
case_row(const struct portal_ctx *c, const char *agency, const Eiso__Case *k)
{
	Eiso__AgencyRecord *a = portal_agency(c, agency);
	char received[64], due[64], completed[64] = "";
	const char *timeliness = "";
	json_t *row;

	i18n_time(received, sizeof(received), k->received, c->lang);
	i18n_time(due, sizeof(due), k->due, c->lang);
	if (k->completed != 0) {
		i18n_time(completed, sizeof(completed), k->completed, c->lang);
		if (strcmp(k->status, "completed") == 0)
			timeliness = portal_t(c, k->completed <= k->due ? TR_PORTAL_ON_TIME :
			    TR_PORTAL_LATE);
	} else if (!domain_case_final(k->status) && k->due < store_now_ms()) {
		timeliness = portal_t(c, TR_PORTAL_OVERDUE);
	}
	row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", k->code,
	    "agency", a ? portal_agency_name(c, a) : agency, "procedure",
	    k->procedure ? k->procedure : "", "received", received, "due", due, "status",
	    domain_one_of(k->status, domain_case_statuses) ? k->status : "unknown",
	    "status_label", tr_value(c->lang, "cstatus", k->status), "completed", completed,
	    "timeliness", timeliness);
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
	return row;
}

static int
case_find(const struct portal_ctx *c, json_t *cases, const char *agency, const char *code)
{
	uint8_t key[PORTAL_KEY_MAX];
	MDB_val k, v;
	Eiso__Case *kc;

	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), agency, code, strlen(code));
	if (mdb_get(c->txn, store_dbi(c->h->st, HDB_CASES), &k, &v) != 0 ||
	    (kc = eiso__case__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return 0;
	json_array_append_new(cases, case_row(c, agency, kc));
	eiso__case__free_unpacked(kc, NULL);
	return 1;
}

/* A case code without an agency: every agency's case of that code. */
struct case_any {
	const struct portal_ctx *c;
	json_t *cases;
	const char *code;
	int found;
};

static int
case_find_any(const char *agency, void *arg)
{
	struct case_any *any = arg;

	any->found += case_find(any->c, any->cases, agency, any->code);
	return 0;
}

void
lookup_case(const struct portal_ctx *c, struct portal_reply *r)
{
	char agency[WIRE_MAX_AGENCY + 2], code[DOMAIN_MAX_CODE + 2];
	json_t *ctx, *cases = json_array();
	int found = 0;

	portal_param(c, "agency", agency, sizeof(agency));
	portal_param(c, "code", code, sizeof(code));
	if (code[0] != '\0') {
		if (!domain_code_ok(code) || (agency[0] && !wire_agency_ok(agency))) {
			found = 0;
		} else if (agency[0]) {
			found = case_find(c, cases, agency, code);
		} else {
			struct case_any any = { c, cases, code, 0 };

			(void)agency_each(c->txn, c->h, case_find_any, &any);
			found = any.found;
		}
		if (!found)
			r->status = 404;
	}
	ctx = portal_tctx(c, portal_t(c, TR_PORTAL_CASE));
	if (ctx != NULL) {
		/* The code is the client's bytes: not checked as UTF-8, only escaped. */
		json_object_set_new(ctx, "code", json_string_nocheck(code));
		json_object_set_new(ctx, "en", json_boolean(c->lang == WEB_EN));
		json_object_set_new(ctx, "agencies", agency_options(c, agency));
		json_object_set_new(ctx, "not_found", json_boolean(code[0] != '\0' && !found));
		json_object_set(ctx, "cases", cases);
	}
	json_decref(cases);
	portal_render(c, &r->body, "portal_case", ctx);
}

/* ------------------------------------------------------------------------------------------ */
/* Search */

struct search_page {
	const struct portal_ctx *c;
	json_t *hits;
};

static int
search_row(const char *agency, const char *code, uint32_t score, void *arg)
{
	struct search_page *sp = arg;
	const struct portal_ctx *c = sp->c;
	Eiso__DocRecord *rec = portal_docrec(c, agency, code);
	Eiso__DocIssue *d = rec && rec->current ? portal_issue(c, agency, code, rec->current) :
	    NULL;
	Eiso__AgencyRecord *a = portal_agency(c, agency);
	char date[32];

	(void)score;
	if (d != NULL && strcmp(d->status, "effective") == 0) {
		i18n_date(date, sizeof(date), d->effective_date, c->lang);
		json_array_append_new(sp->hits, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
		    "agency_id", agency, "code", d->code, "issue", (json_int_t)d->issue, "title",
		    d->title, "agency", a ? portal_agency_name(c, a) : agency, "kind",
		    portal_kind(c, d->kind), "date", date));
	}
	portal_free(a, d, rec);
	return 0;
}

/* portal_search.html's members of ctx after a search for q. */
static void
search_results(const struct portal_ctx *c, const char *q, const char *agency, const char *kind,
    unsigned long page, json_t *ctx)
{
	json_t *hits = json_array();
	struct search_page sp = { c, hits };
	size_t total = 0, pages;
	char n[24];
	int rc;

	rc = search_query(c->txn, c->h, q, agency[0] ? agency : NULL, kind[0] ? kind : NULL,
	    (page - 1) * PORTAL_PAGE_SIZE, PORTAL_PAGE_SIZE, search_row, &sp, &total);
	if (rc != 0)
		total = 0;
	snprintf(n, sizeof(n), "%zu", total);
	pages = (total + PORTAL_PAGE_SIZE - 1) / PORTAL_PAGE_SIZE;
	json_object_set_new(ctx, "searched", json_true());
	json_object_set_new(ctx, "bad", json_boolean(rc != 0));
	json_object_set_new(ctx, "total", json_integer((json_int_t)total));
	json_object_set_new(ctx, "n", json_string(n));
	json_object_set_new(ctx, "hits_shown", json_boolean(json_array_size(hits) > 0));
	json_object_set_new(ctx, "hits", hits);
	json_object_set_new(ctx, "pager", json_boolean(pages > 1));
	json_object_set_new(ctx, "page", json_integer((json_int_t)page));
	json_object_set_new(ctx, "pages", json_integer((json_int_t)pages));
	json_object_set_new(ctx, "prev", json_integer(page > 1 ? (json_int_t)page - 1 : 0));
	json_object_set_new(ctx, "next", json_integer(page < pages ? (json_int_t)page + 1 : 0));
}

void
lookup_search(const struct portal_ctx *c, struct portal_reply *r)
{
	char q[512], agency[WIRE_MAX_AGENCY + 2], kind[32], pg[16];
	unsigned long page;
	json_t *ctx, *kinds;

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

	if ((ctx = portal_tctx(c, portal_t(c, TR_PORTAL_SEARCH))) == NULL) {
		r->body.oom = 1;
		return;
	}
	kinds = json_array();
	for (int i = 0; domain_doc_kinds[i] != NULL; i++)
		json_array_append_new(kinds, json_pack("{s:s, s:s, s:b}", "kind", domain_doc_kinds[i],
		    "label", portal_kind(c, domain_doc_kinds[i]),
		    "selected", strcmp(kind, domain_doc_kinds[i]) == 0));
	/* The words are the client's bytes: not checked as UTF-8, only escaped. */
	json_object_set_new(ctx, "q", json_string_nocheck(q));
	json_object_set_new(ctx, "en", json_boolean(c->lang == WEB_EN));
	json_object_set_new(ctx, "agencies", agency_options(c, agency));
	json_object_set_new(ctx, "kinds", kinds);
	json_object_set_new(ctx, "agency_sel", json_string(agency));
	json_object_set_new(ctx, "kind_sel", json_string(kind));
	if (q[0] != '\0')
		search_results(c, q, agency, kind, page, ctx);
	portal_render(c, &r->body, "portal_search", ctx);
}
