/*
 * view_records.c: an agency's documents (paged, by kind and status, each with its issues),
 * the reviews due, its record files and its cases, read from the hub's store inside the
 * caller's read transaction and returned as JSON for the API and the dashboard alike (see
 * view.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "pbjson.h"
#include "web/web.h"
#include "wire.h"


struct page {
	MDB_txn *txn;
	struct web *w;
	const char *agency, *kind, *status;
	size_t offset, limit, total;
	int64_t now;
	char today[11];
	json_t *items;
};

/* The issue's approval route as the node recorded it: action, who, position, when, comment. */
static json_t *
view_route(const Eiso__DocIssue *d)
{
	json_t *steps = json_array(), *s;

	for (size_t i = 0; i < d->n_route; i++) {
		const Eiso__RouteStep *st = d->route[i];
		const Eiso__Person *by = st->by;

		s = json_pack("{s:s,s:s,s:s,s:s}", "action", st->action ? st->action : "", "by",
		    by && by->name ? by->name : "", "position", by && by->position ? by->position :
		    "", "comment", st->comment ? st->comment : "");
		view_set_time(s, "at", by ? by->at : 0);
		json_array_append_new(steps, s);
	}
	return steps;
}

static json_t *
view_issue_brief(const Eiso__DocIssue *d)
{
	json_t *j = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:i}", "issue", (int)d->issue,
	    "status", d->status, "title", d->title, "note", d->note ? d->note : "",
	    "effective_date", d->effective_date ? d->effective_date : "", "access",
	    d->access, "files", (int)d->n_files);

	view_set_time(j, "updated", d->updated);
	if (d->approved != NULL && d->approved->name != NULL && d->approved->name[0])
		json_object_set_new(j, "approved_by", json_pack("{s:s,s:s}", "name",
		    d->approved->name, "position", d->approved->position ?
		    d->approved->position : ""));
	if (d->checked != NULL && d->checked->name != NULL && d->checked->name[0])
		json_object_set_new(j, "checked_by", json_pack("{s:s,s:s}", "name",
		    d->checked->name, "position", d->checked->position ?
		    d->checked->position : ""));
	if (d->n_route > 0)
		json_object_set_new(j, "route", view_route(d));
	return j;
}

/* Newest first: each stored issue goes to the front of the array. */
static int
view_prepend_brief(const Eiso__DocIssue *d, void *arg)
{
	json_array_insert_new(arg, 0, view_issue_brief(d));
	return 0;
}

static int
view_prepend_full(const Eiso__DocIssue *d, void *arg)
{
	json_array_insert_new(arg, 0, pbjson_encode(&d->base));
	return 0;
}

static int
page_doc(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct page *p = arg;
	Eiso__DocRecord *rec = eiso__doc_record__unpack(NULL, v->mv_size, v->mv_data);
	Eiso__DocIssue *latest = NULL, *cur = NULL;
	json_t *j, *issues;

	(void)k;
	if (rec == NULL)
		return 0;
	if (apply_doc_version(p->txn, web_hub(p->w), p->agency, rec->code, rec->latest,
	    &latest) != 0)
		goto done;
	if ((p->kind[0] && strcmp(p->kind, rec->kind) != 0) ||
	    (p->status[0] && strcmp(p->status, latest->status) != 0))
		goto done;
	if (p->total++ < p->offset || json_array_size(p->items) >= p->limit)
		goto done;
	if (rec->current != 0)
		apply_doc_version(p->txn, web_hub(p->w), p->agency, rec->code, rec->current, &cur);
	j = json_pack("{s:s,s:s,s:s,s:i,s:i,s:s,s:s}", "code", rec->code, "kind", rec->kind,
	    "title", latest->title, "latest", (int)rec->latest, "current", (int)rec->current,
	    "status", latest->status, "access", latest->access);
	json_object_set_new(j, "effective_date", json_string(cur && cur->effective_date ?
	    cur->effective_date : ""));
	json_object_set_new(j, "next_review", json_string(cur && cur->next_review ?
	    cur->next_review : ""));
	json_object_set_new(j, "review_overdue", json_boolean(cur && cur->next_review &&
	    cur->next_review[0] && strcmp(cur->next_review, p->today) < 0));
	issues = json_array();
	apply_doc_versions(p->txn, web_hub(p->w), p->agency, rec->code, view_prepend_brief,
	    issues);
	json_object_set_new(j, "issues", issues);
	json_array_append_new(p->items, j);
	if (cur != NULL)
		eiso__doc_issue__free_unpacked(cur, NULL);
done:
	if (latest != NULL)
		eiso__doc_issue__free_unpacked(latest, NULL);
	eiso__doc_record__free_unpacked(rec, NULL);
	return 0;
}

static void
page_init(struct page *p, MDB_txn *txn, struct web *w, const char *agency, size_t offset,
    size_t limit)
{
	memset(p, 0, sizeof(*p));
	p->txn = txn;
	p->w = w;
	p->agency = agency;
	p->kind = p->status = "";
	p->offset = offset;
	p->limit = limit;
	p->now = store_now_ms();
	domain_today(p->today);
	p->items = json_array();
}

int
view_documents(MDB_txn *txn, struct web *w, const char *agency, const char *kind,
    const char *status, size_t offset, size_t limit, json_t **items, size_t *total)
{
	struct page p;
	int rc;

	if (kind != NULL && kind[0] && !domain_one_of(kind, domain_doc_kinds))
		return eiso_seterr(EISO_INVAL, "kind: '%s' is not one of %s", kind,
		    domain_words(domain_doc_kinds));
	if (status != NULL && status[0] && !domain_one_of(status, domain_doc_statuses))
		return eiso_seterr(EISO_INVAL, "status: '%s' is not one of %s", status,
		    domain_words(domain_doc_statuses));
	page_init(&p, txn, w, agency, offset, limit);
	p.kind = kind ? kind : "";
	p.status = status ? status : "";
	rc = view_scan(txn, w, HDB_DOCS, agency, page_doc, &p);
	*items = p.items;
	*total = p.total;
	return rc;
}

struct review_page {
	MDB_txn *txn;
	struct web *w;
	size_t offset, limit, total;
	json_t *items;
};

static int
page_review(const char *date, const char *agency, const char *code, uint32_t issue, void *arg)
{
	struct review_page *p = arg;
	Eiso__DocIssue *d;
	json_t *j;

	if (p->total++ < p->offset || json_array_size(p->items) >= p->limit)
		return 0;
	j = json_pack("{s:s,s:s,s:i,s:s}", "agency", agency, "code", code, "issue", (int)issue,
	    "next_review", date);
	if (apply_doc_version(p->txn, web_hub(p->w), agency, code, issue, &d) == 0) {
		json_object_set_new(j, "title", json_string(d->title));
		json_object_set_new(j, "kind", json_string(d->kind));
		json_object_set_new(j, "effective_date", json_string(d->effective_date ?
		    d->effective_date : ""));
		eiso__doc_issue__free_unpacked(d, NULL);
	}
	json_array_append_new(p->items, j);
	return 0;
}

int
view_reviews(MDB_txn *txn, struct web *w, const char *agency, const char *before,
    size_t offset, size_t limit, json_t **items, size_t *total)
{
	struct review_page p = { txn, w, offset, limit, 0, json_array() };
	int rc;

	*items = NULL;
	*total = 0;
	if (!domain_date_ok(before)) {
		json_decref(p.items);
		return eiso_seterr(EISO_INVAL, "before: '%s' is not a date (YYYY-MM-DD)", before);
	}
	if ((rc = apply_reviews(txn, web_hub(w), agency, before, page_review, &p)) != 0) {
		json_decref(p.items);
		return rc;
	}
	*items = p.items;
	*total = p.total;
	return 0;
}

json_t *
view_document(MDB_txn *txn, struct web *w, const char *agency, const char *code)
{
	uint8_t key[VIEW_KEY_MAX];
	MDB_val k, v;
	Eiso__DocRecord *rec;
	json_t *j, *issues;

	if (!domain_code_ok(code))
		return NULL;
	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), agency, code, strlen(code));
	if (mdb_get(txn, store_dbi(web_hub(w)->st, HDB_DOCS), &k, &v) != 0 ||
	    (rec = eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return NULL;
	j = json_pack("{s:s,s:s,s:s,s:i,s:i}", "agency", agency, "code", rec->code, "kind",
	    rec->kind, "latest", (int)rec->latest, "current", (int)rec->current);
	issues = json_array();
	apply_doc_versions(txn, web_hub(w), agency, rec->code, view_prepend_full, issues);
	json_object_set_new(j, "issues", issues);
	eiso__doc_record__free_unpacked(rec, NULL);
	return j;
}

static int
page_file(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct page *p = arg;
	Eiso__RecordFile *f;
	json_t *j;

	(void)k;
	if (p->total++ < p->offset || json_array_size(p->items) >= p->limit)
		return 0;
	if ((f = eiso__record_file__unpack(NULL, v->mv_size, v->mv_data)) == NULL)
		return 0;
	j = pbjson_encode(&f->base);
	/* A file may list thousands of entries: the list says how many; the file itself shows them. */
	json_object_del(j, "entries");
	json_object_set_new(j, "entries_count", json_integer((json_int_t)f->n_entries));
	json_array_append_new(p->items, j);
	eiso__record_file__free_unpacked(f, NULL);
	return 0;
}

int
view_files(MDB_txn *txn, struct web *w, const char *agency, size_t offset, size_t limit,
    json_t **items, size_t *total)
{
	struct page p;
	int rc;

	page_init(&p, txn, w, agency, offset, limit);
	rc = view_scan(txn, w, HDB_RECORDS, agency, page_file, &p);
	*items = p.items;
	*total = p.total;
	return rc;
}

json_t *
view_file(MDB_txn *txn, struct web *w, const char *agency, const char *code)
{
	uint8_t key[VIEW_KEY_MAX];
	MDB_val k, v;
	Eiso__RecordFile *f;
	json_t *j;

	if (!domain_code_ok(code))
		return NULL;
	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), agency, code, strlen(code));
	if (mdb_get(txn, store_dbi(web_hub(w)->st, HDB_RECORDS), &k, &v) != 0 ||
	    (f = eiso__record_file__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return NULL;
	j = pbjson_encode(&f->base);
	json_object_set_new(j, "agency", json_string(agency));
	eiso__record_file__free_unpacked(f, NULL);
	return j;
}

static int
page_case(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct page *p = arg;
	Eiso__Case *c = eiso__case__unpack(NULL, v->mv_size, v->mv_data);
	json_t *j;

	(void)k;
	if (c == NULL)
		return 0;
	if ((p->status[0] && strcmp(p->status, c->status) != 0) ||
	    p->total++ < p->offset || json_array_size(p->items) >= p->limit) {
		eiso__case__free_unpacked(c, NULL);
		return 0;
	}
	j = pbjson_encode(&c->base);
	json_object_set_new(j, "on_time", strcmp(c->status, "completed") == 0 ?
	    json_boolean(c->completed <= c->due) : json_null());
	json_object_set_new(j, "overdue", json_boolean(!domain_case_final(c->status) &&
	    c->due < p->now));
	json_array_append_new(p->items, j);
	eiso__case__free_unpacked(c, NULL);
	return 0;
}

int
view_cases(MDB_txn *txn, struct web *w, const char *agency, const char *status,
    size_t offset, size_t limit, json_t **items, size_t *total)
{
	struct page p;
	int rc;

	if (status != NULL && status[0] && !domain_one_of(status, domain_case_statuses))
		return eiso_seterr(EISO_INVAL, "status: '%s' is not one of %s", status,
		    domain_words(domain_case_statuses));
	page_init(&p, txn, w, agency, offset, limit);
	p.status = status ? status : "";
	rc = view_scan(txn, w, HDB_CASES, agency, page_case, &p);
	*items = p.items;
	*total = p.total;
	return rc;
}
