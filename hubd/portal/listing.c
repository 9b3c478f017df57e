/*
 * listing.c: the portal's pages of what agencies publish: the agencies, an agency's public
 * documents in force grouped by kind (with their earlier issues), and the page of one
 * published issue. Every issue comes through portal_issue(), which yields published issues
 * only (published.c), so nothing else can be listed or linked here.
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
/* Agencies */

/* Public documents in force of an agency: the search index lists exactly those. */
static size_t
portal_count(const struct portal_ctx *c, const char *agency)
{
	uint8_t key[PORTAL_KEY_MAX];
	size_t klen = agency_key(key, sizeof(key), agency, NULL, 0), n = 0;
	MDB_cursor *cur;
	MDB_val k = { klen, key }, v;
	int rc;

	if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_SEARCHED), &cur) != 0)
		return 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < klen || memcmp(k.mv_data, key, klen) != 0)
			break;
		n++;
	}
	mdb_cursor_close(cur);
	return n;
}

void
listing_agencies(const struct portal_ctx *c, struct portal_reply *r)
{
	static const char *const levels[] = { "department", "district", "subdepartment",
	    "commune", "", NULL };
	json_t *ctx = portal_tctx(c, portal_t(c, TR_PORTAL_AGENCIES)), *list = json_array();
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	for (int l = 0; levels[l] != NULL && list != NULL; l++) {
		json_t *ags = json_array();

		if (ags == NULL || mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_AGENCIES),
		    &cur) != 0) {
			json_decref(ags);
			break;
		}
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			Eiso__AgencyRecord *a = eiso__agency_record__unpack(NULL, v.mv_size,
			    v.mv_data);
			int known = 0;
			size_t n;

			if (a == NULL)
				continue;
			for (int j = 0; levels[j] != NULL && levels[j][0]; j++)
				known |= strcmp(a->level, levels[j]) == 0;
			if ((levels[l][0] ? strcmp(a->level, levels[l]) != 0 : known) ||
			    !wire_agency_ok(a->id)) {
				eiso__agency_record__free_unpacked(a, NULL);
				continue;
			}
			n = portal_count(c, a->id);
			if (strcmp(a->state, "retired") != 0 || n > 0)
				json_array_append_new(ags, json_pack("{s:s,s:s,s:I}", "id", a->id,
				    "name", portal_agency_name(c, a), "docs", (json_int_t)n));
			eiso__agency_record__free_unpacked(a, NULL);
		}
		mdb_cursor_close(cur);
		if (json_array_size(ags) > 0)
			json_array_append_new(list, json_pack("{s:s,s:o}", "name",
			    tr_value(c->lang, "plevel", levels[l][0] ? levels[l] : "other"),
			    "agencies", ags));
		else
			json_decref(ags);
	}
	if (ctx != NULL && list != NULL) {
		json_object_set_new(ctx, "en", json_boolean(c->lang == WEB_EN));
		json_object_set(ctx, "levels", list);
	}
	json_decref(list);
	portal_render(c, &r->body, "portal_agencies", list != NULL ? ctx : NULL);
	if (list == NULL)
		json_decref(ctx);
}

/* One row of portal_agency.html's docs: code, title, issue, date, files, earlier issues. */
static json_t *
agency_row(const struct portal_ctx *c, const char *agency, const Eiso__DocRecord *rec,
    const Eiso__DocIssue *d)
{
	char date[32];
	uint32_t list[PORTAL_MAX_ISSUES];
	size_t n;
	json_t *row = json_object(), *files = json_array(), *earlier = json_array();

	i18n_date(date, sizeof(date), d->effective_date, c->lang);
	portal_set(row, "code", d->code);
	portal_set(row, "title", d->title);
	json_object_set_new(row, "issue", json_integer(d->issue));
	portal_set(row, "date", date);
	for (size_t i = 0; i < d->n_files; i++)
		json_array_append_new(files, portal_file_json(d->files[i], i > 0));
	n = portal_issue_list(c, agency, rec->code, list, PORTAL_MAX_ISSUES);
	for (size_t j = n; j-- > 0; ) {
		uint32_t i = list[j];
		Eiso__DocIssue *o;

		if (i >= d->issue || (o = portal_issue(c, agency, rec->code, i)) == NULL)
			continue;
		json_array_append_new(earlier, json_pack("{s:b, s:I, s:s}", "sep",
		    json_array_size(earlier) > 0, "issue", (json_int_t)i, "state_lc",
		    portal_t(c, strcmp(o->status, "superseded") == 0 ? TR_PORTAL_SUPERSEDED_LC :
		    TR_PORTAL_WITHDRAWN_LC)));
		eiso__doc_issue__free_unpacked(o, NULL);
	}
	json_object_set_new(row, "files", files);
	json_object_set_new(row, "earlier", earlier);
	return row;
}

/* portal_agency.html's kinds: the agency's documents in force, kinds in their canonical
 * order, and within a kind codes in key order; kinds without documents are left out. */
static json_t *
agency_kinds(const struct portal_ctx *c, const char *agency)
{
	uint8_t key[PORTAL_KEY_MAX];
	size_t klen = agency_key(key, sizeof(key), agency, NULL, 0);
	json_t *kinds = json_array();
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	for (int ki = 0; domain_doc_kinds[ki] != NULL; ki++) {
		json_t *docs = json_array();

		if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_SEARCHED), &cur) != 0) {
			json_decref(docs);
			break;
		}
		k.mv_data = key;
		k.mv_size = klen;
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			char code[DOMAIN_MAX_CODE + 1];
			Eiso__DocRecord *rec;
			Eiso__DocIssue *d;

			if (k.mv_size < klen || memcmp(k.mv_data, key, klen) != 0)
				break;
			if (k.mv_size - klen > DOMAIN_MAX_CODE)
				continue;
			memcpy(code, (const char *)k.mv_data + klen, k.mv_size - klen);
			code[k.mv_size - klen] = '\0';
			if ((rec = portal_docrec(c, agency, code)) == NULL)
				continue;
			if (strcmp(rec->kind, domain_doc_kinds[ki]) == 0 && rec->current != 0 &&
			    (d = portal_issue(c, agency, code, rec->current)) != NULL) {
				json_array_append_new(docs, agency_row(c, agency, rec, d));
				eiso__doc_issue__free_unpacked(d, NULL);
			}
			eiso__doc_record__free_unpacked(rec, NULL);
		}
		mdb_cursor_close(cur);
		if (json_array_size(docs) > 0)
			json_array_append_new(kinds, json_pack("{s:s, s:s, s:o}", "kind",
			    domain_doc_kinds[ki], "label", portal_kind(c, domain_doc_kinds[ki]),
			    "docs", docs));
		else
			json_decref(docs);
	}
	return kinds;
}

void
listing_agency(const struct portal_ctx *c, struct portal_reply *r, const char *agency)
{
	Eiso__AgencyRecord *a, *parent = NULL;
	json_t *ctx;

	if ((a = portal_agency(c, agency)) == NULL) {
		portal_not_found(c, r, TR_PORTAL_NO_AGENCY);
		return;
	}
	if ((ctx = portal_tctx(c, portal_agency_name(c, a))) != NULL) {
		portal_set(ctx, "name", portal_agency_name(c, a));
		portal_set(ctx, "id", a->id);
		portal_set(ctx, "agency_id", agency);
		portal_set(ctx, "level", a->level[0] ? tr_value(c->lang, "level", a->level) : "");
		if (a->parent[0] && (parent = portal_agency(c, a->parent)) != NULL) {
			json_t *p = json_object();

			portal_set(p, "id", parent->id);
			portal_set(p, "name", portal_agency_name(c, parent));
			json_object_set_new(ctx, "parent", p);
			eiso__agency_record__free_unpacked(parent, NULL);
		}
		json_object_set_new(ctx, "kinds", agency_kinds(c, agency));
	}
	eiso__agency_record__free_unpacked(a, NULL);
	portal_render(c, &r->body, "portal_agency", ctx);
}

/* ------------------------------------------------------------------------------------------ */
/* A document issue */

/* portal_doc.html's members for the issue's approval and signing agency. */
static void
doc_signed(const struct portal_ctx *c, json_t *ctx, const Eiso__DocIssue *d,
    const Eiso__AgencyRecord *a)
{
	char at[64] = "", kh[65] = "";

	if (d->approved != NULL && d->approved->name[0]) {
		portal_set(ctx, "approved", d->approved->name);
		portal_set(ctx, "approver_position", d->approved->position);
		if (d->approved->at != 0)
			i18n_time(at, sizeof(at), d->approved->at, c->lang);
	}
	portal_set(ctx, "approved_at", at);
	portal_set(ctx, "agency", portal_agency_name(c, a));
	if (a->sign_pub.len == 32) {
		keys_hex(kh, a->sign_pub.data, 32);
		kh[16] = '\0';
	}
	portal_set(ctx, "key16", kh);
}

/* portal_doc.html's history: every published issue of the document, newest first. */
static json_t *
doc_history(const struct portal_ctx *c, const char *agency, const Eiso__DocRecord *rec,
    uint32_t shown)
{
	uint32_t list[PORTAL_MAX_ISSUES];
	size_t n = portal_issue_list(c, agency, rec->code, list, PORTAL_MAX_ISSUES);
	json_t *history = json_array();
	char date[64];

	for (size_t j = n; j-- > 0; ) {
		Eiso__DocIssue *o = portal_issue(c, agency, rec->code, list[j]);

		if (o == NULL)
			continue;
		i18n_date(date, sizeof(date), o->effective_date, c->lang);
		json_array_append_new(history, json_pack("{s:I, s:s, s:b, s:o*}", "issue",
		    (json_int_t)list[j], "date", date, "this", list[j] == shown, "st",
		    portal_status_json(c, agency, o)));
		eiso__doc_issue__free_unpacked(o, NULL);
	}
	return history;
}

void
listing_doc(const struct portal_ctx *c, struct portal_reply *r, const char *agency,
    const char *code, uint32_t issue)
{
	Eiso__DocRecord *rec;
	Eiso__DocIssue *d = NULL;
	Eiso__AgencyRecord *a = NULL;
	uint8_t h[KEYS_HASH];
	char hex[2 * KEYS_HASH + 1], date[64], when[11];
	json_t *ctx, *files;

	if ((rec = portal_docrec(c, agency, code)) == NULL ||
	    (d = issue ? portal_issue(c, agency, rec->code, issue) :
	    portal_issue_best(c, agency, rec)) == NULL ||
	    (a = portal_agency(c, agency)) == NULL) {
		portal_not_found(c, r, TR_PORTAL_NO_DOC);
		goto done;
	}
	published_hash(agency, d, h);
	keys_hex(hex, h, sizeof(h));
	if ((ctx = portal_tctx(c, d->title)) != NULL) {
		portal_set(ctx, "state", portal_state(c, agency, d, when));
		portal_set(ctx, "agency_id", agency);
		portal_set(ctx, "code", d->code);
		json_object_set_new(ctx, "issue", json_integer(d->issue));
		portal_set(ctx, "title", d->title);
		json_object_set_new(ctx, "st", portal_status_json(c, agency, d));
		portal_set(ctx, "kind", portal_kind(c, d->kind));
		i18n_date(date, sizeof(date), d->effective_date, c->lang);
		portal_set(ctx, "date", date);
		doc_signed(c, ctx, d, a);
		portal_set(ctx, "owner_unit", d->owner_unit);
		portal_set(ctx, "origin_issuer", d->origin != NULL ? d->origin->issuer : "");
		portal_set(ctx, "origin_number", d->origin != NULL ? d->origin->number : "");
		portal_set(ctx, "note", d->note);
		portal_set(ctx, "withdraw_note", strcmp(d->status, "withdrawn") == 0 ?
		    d->withdraw_note : "");
		portal_set(ctx, "hash", hex);
		files = json_array();
		for (size_t i = 0; i < d->n_files; i++)
			json_array_append_new(files, portal_file_json(d->files[i], i > 0));
		json_object_set_new(ctx, "has_files", json_boolean(d->n_files > 0));
		json_object_set_new(ctx, "files", files);
		json_object_set_new(ctx, "history", doc_history(c, agency, rec, d->issue));
	}
	portal_render(c, &r->body, "portal_doc", ctx);
done:
	portal_free(a, d, rec);
}
