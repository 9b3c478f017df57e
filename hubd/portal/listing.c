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

/* One row of the agency's list: code, title, issue, effective date, files, earlier issues. */
static void
agency_row(const struct portal_ctx *c, struct html *b, const char *agency,
    const Eiso__DocRecord *rec, const Eiso__DocIssue *d)
{
	char date[32];
	uint32_t list[PORTAL_MAX_ISSUES];
	size_t n;

	i18n_date(date, sizeof(date), d->effective_date, c->lang);
	html_raw(b, "<tr><td>");
	html_esc(b, d->code);
	html_raw(b, "</td><td><a href=\"");
	portal_doc_url(c, b, "/portal/d/", agency, d->code, d->issue);
	html_raw(b, "\">");
	html_esc(b, d->title);
	html_printf(b, "</a></td><td>%u</td><td>", d->issue);
	html_esc(b, date);
	html_raw(b, "</td><td>");
	for (size_t i = 0; i < d->n_files; i++) {
		html_raw(b, i ? "<br><a href=\"" : "<a href=\"");
		portal_file_url(b, d->files[i]);
		html_raw(b, "\">");
		html_esc(b, d->files[i]->name);
		html_raw(b, "</a>");
	}
	html_raw(b, "</td><td class=\"small\">");
	n = portal_issue_list(c, agency, rec->code, list, PORTAL_MAX_ISSUES);
	for (size_t j = n, any = 0; j-- > 0; ) {
		uint32_t i = list[j];
		Eiso__DocIssue *o;

		if (i >= d->issue || (o = portal_issue(c, agency, rec->code, i)) == NULL)
			continue;
		html_raw(b, any++ ? "<br>" : "");
		html_raw(b, "<a class=\"earlier\" href=\"");
		portal_doc_url(c, b, "/portal/d/", agency, rec->code, i);
		html_printf(b, "\">%s %u</a> ", portal_t(c, TR_PORTAL_ISSUE_LC), i);
		html_raw(b, "<span class=\"muted\">(");
		html_esc(b, strcmp(o->status, "superseded") == 0 ?
		    portal_t(c, TR_PORTAL_SUPERSEDED_LC) : portal_t(c, TR_PORTAL_WITHDRAWN_LC));
		html_raw(b, ")</span>");
		eiso__doc_issue__free_unpacked(o, NULL);
	}
	html_raw(b, "</td></tr>\n");
}

void
listing_agency(const struct portal_ctx *c, struct portal_reply *r, const char *agency)
{
	struct html *b = &r->body;
	Eiso__AgencyRecord *a, *parent = NULL;
	uint8_t key[PORTAL_KEY_MAX];
	size_t klen;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, total = 0;

	if ((a = portal_agency(c, agency)) == NULL) {
		portal_not_found(c, r, TR_PORTAL_NO_AGENCY);
		return;
	}
	portal_head(c, b, portal_agency_name(c, a));
	html_raw(b, "<section><h1>");
	html_esc(b, portal_agency_name(c, a));
	html_raw(b, "</h1><dl class=\"meta\"><dt>");
	html_esc(b, portal_t(c, TR_PORTAL_AGENCY_ID));
	html_raw(b, "</dt><dd>");
	html_esc(b, a->id);
	html_raw(b, "</dd>");
	if (a->level[0]) {
		html_raw(b, "<dt>");
		html_esc(b, portal_t(c, TR_PORTAL_LEVEL));
		html_raw(b, "</dt><dd>");
		html_esc(b, tr_value(c->lang, "level", a->level));
		html_raw(b, "</dd>");
	}
	if (a->parent[0] && (parent = portal_agency(c, a->parent)) != NULL) {
		html_raw(b, "<dt>");
		html_esc(b, portal_t(c, TR_PORTAL_PARENT));
		html_raw(b, "</dt><dd><a href=\"/portal/a/");
		html_seg(b, parent->id);
		portal_lang_q(c, b, 1);
		html_raw(b, "\">");
		html_esc(b, portal_agency_name(c, parent));
		html_raw(b, "</a></dd>");
		eiso__agency_record__free_unpacked(parent, NULL);
	}
	html_raw(b, "</dl></section>\n");

	/* Kinds in their canonical order; within a kind, codes in key order. */
	klen = agency_key(key, sizeof(key), agency, NULL, 0);
	for (int ki = 0; domain_doc_kinds[ki] != NULL; ki++) {
		int any = 0;

		if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_SEARCHED), &cur) != 0)
			break;
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
			if (strcmp(rec->kind, domain_doc_kinds[ki]) != 0 || rec->current == 0 ||
			    (d = portal_issue(c, agency, code, rec->current)) == NULL) {
				eiso__doc_record__free_unpacked(rec, NULL);
				continue;
			}
			if (!any) {
				html_printf(b, "<section class=\"kind\" id=\"kind-%s\"><h2>",
				    domain_doc_kinds[ki]);
				html_esc(b, portal_kind(c, domain_doc_kinds[ki]));
				html_raw(b, "</h2><table class=\"docs\"><thead><tr><th>");
				html_esc(b, portal_t(c, TR_PORTAL_CODE));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, TR_PORTAL_TITLE));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, TR_PORTAL_ISSUE));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, TR_PORTAL_EFFECTIVE));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, TR_PORTAL_FILES));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, TR_PORTAL_EARLIER));
				html_raw(b, "</th></tr></thead><tbody>\n");
				any = 1;
			}
			agency_row(c, b, agency, rec, d);
			total++;
			eiso__doc_issue__free_unpacked(d, NULL);
			eiso__doc_record__free_unpacked(rec, NULL);
		}
		mdb_cursor_close(cur);
		if (any)
			html_raw(b, "</tbody></table></section>\n");
	}
	if (total == 0) {
		html_raw(b, "<section><p>");
		html_esc(b, portal_t(c, TR_PORTAL_NO_DOCS));
		html_raw(b, "</p></section>\n");
	}
	eiso__agency_record__free_unpacked(a, NULL);
	portal_foot(c, b);
}

/* ------------------------------------------------------------------------------------------ */
/* A document issue */

static void
portal_files_table(const struct portal_ctx *c, struct html *b, const Eiso__DocIssue *d,
    int links)
{
	if (d->n_files == 0) {
		html_raw(b, "<p class=\"muted\">");
		html_esc(b, portal_t(c, TR_PORTAL_NO_FILES));
		html_raw(b, "</p>");
		return;
	}
	html_raw(b, "<table class=\"files\"><thead><tr><th>");
	html_esc(b, portal_t(c, TR_PORTAL_FILE));
	html_raw(b, "</th><th>");
	html_esc(b, portal_t(c, TR_PORTAL_SIZE));
	html_raw(b, "</th><th>SHA-256</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < d->n_files; i++) {
		const Eiso__BlobRef *f = d->files[i];
		char hex[2 * KEYS_HASH + 1];

		keys_hex(hex, f->sha256.data, f->sha256.len == KEYS_HASH ? KEYS_HASH : 0);
		html_raw(b, "<tr><td>");
		if (links) {
			html_raw(b, "<a href=\"");
			portal_file_url(b, f);
			html_raw(b, "\">");
		}
		html_esc(b, f->name);
		html_raw(b, links ? "</a></td><td>" : "</td><td>");
		portal_size(b, f->size);
		html_printf(b, "</td><td class=\"hash\">%s</td></tr>\n", hex);
	}
	html_raw(b, "</tbody></table>\n");
}


void
listing_doc(const struct portal_ctx *c, struct portal_reply *r, const char *agency,
    const char *code, uint32_t issue)
{
	struct html *b = &r->body;
	Eiso__DocRecord *rec;
	Eiso__DocIssue *d = NULL;
	Eiso__AgencyRecord *a = NULL;
	uint8_t h[KEYS_HASH];
	char hex[2 * KEYS_HASH + 1], buf[64];
	uint32_t list[PORTAL_MAX_ISSUES];
	size_t n;

	if ((rec = portal_docrec(c, agency, code)) == NULL ||
	    (d = issue ? portal_issue(c, agency, rec->code, issue) :
	    portal_issue_best(c, agency, rec)) == NULL ||
	    (a = portal_agency(c, agency)) == NULL) {
		portal_not_found(c, r, TR_PORTAL_NO_DOC);
		goto done;
	}
	published_hash(agency, d, h);
	keys_hex(hex, h, sizeof(h));
	portal_head(c, b, d->title);
	html_printf(b, "<section class=\"doc\" data-state=\"%s\"><div class=\"qr\"><img alt=\"QR\" "
	    "src=\"", portal_state(d));
	portal_doc_url(c, b, "/qr/", agency, d->code, 0);
	html_printf(b, "/%u.svg\"><br><a class=\"small\" href=\"", d->issue);
	portal_doc_url(c, b, "/portal/sheet/", agency, d->code, d->issue);
	html_raw(b, "\">");
	html_esc(b, portal_t(c, TR_PORTAL_SHEET_LINK));
	html_raw(b, "</a></div><h1>");
	html_esc(b, d->title);
	html_raw(b, "</h1><p>");
	portal_status(c, b, agency, d);
	html_raw(b, "</p><dl class=\"meta\">");
	portal_meta(b, portal_t(c, TR_PORTAL_CODE), d->code);
	portal_meta(b, portal_t(c, TR_PORTAL_KIND), portal_kind(c, d->kind));
	snprintf(buf, sizeof(buf), "%u", d->issue);
	portal_meta(b, portal_t(c, TR_PORTAL_ISSUE), buf);
	i18n_date(buf, sizeof(buf), d->effective_date, c->lang);
	portal_meta(b, portal_t(c, TR_PORTAL_EFFECTIVE), buf);
	if (d->approved != NULL && d->approved->name[0]) {
		html_raw(b, "<dt>");
		html_esc(b, portal_t(c, TR_PORTAL_APPROVED));
		html_raw(b, "</dt><dd>");
		html_esc(b, d->approved->name);
		if (d->approved->position[0]) {
			html_raw(b, ", ");
			html_esc(b, d->approved->position);
		}
		if (d->approved->at != 0) {
			i18n_time(buf, sizeof(buf), d->approved->at, c->lang);
			html_raw(b, " — ");
			html_esc(b, buf);
		}
		html_raw(b, "</dd>");
	}
	html_raw(b, "<dt>");
	html_esc(b, portal_t(c, TR_PORTAL_AGENCY_SIGNED));
	html_raw(b, "</dt><dd><a href=\"/portal/a/");
	html_seg(b, agency);
	portal_lang_q(c, b, 1);
	html_raw(b, "\">");
	html_esc(b, portal_agency_name(c, a));
	html_raw(b, "</a>");
	if (a->sign_pub.len == 32) {
		char kh[65];

		keys_hex(kh, a->sign_pub.data, 32);
		html_raw(b, " <span class=\"muted small\">(Ed25519 ");
		html_printf(b, "<span class=\"hash\">%.16s…</span>)</span>", kh);
	}
	html_raw(b, "</dd>");
	portal_meta(b, portal_t(c, TR_PORTAL_OWNER_UNIT), d->owner_unit);
	if (d->origin != NULL) {
		portal_meta(b, portal_t(c, TR_PORTAL_ORIGIN_ISSUER), d->origin->issuer);
		portal_meta(b, portal_t(c, TR_PORTAL_ORIGIN_NUMBER), d->origin->number);
	}
	portal_meta(b, portal_t(c, TR_PORTAL_NOTE), d->note);
	if (strcmp(d->status, "withdrawn") == 0)
		portal_meta(b, portal_t(c, TR_PORTAL_WITHDRAW_NOTE), d->withdraw_note);
	html_raw(b, "<dt>");
	html_esc(b, portal_t(c, TR_PORTAL_HASH));
	html_printf(b, "</dt><dd class=\"hash\" id=\"content-hash\">%s</dd></dl></section>\n", hex);

	html_raw(b, "<section><h2>");
	html_esc(b, portal_t(c, TR_PORTAL_FILES));
	html_raw(b, "</h2>");
	portal_files_table(c, b, d, 1);
	html_raw(b, "</section>\n");

	/* Every published issue of the document. */
	html_raw(b, "<section><h2>");
	html_esc(b, portal_t(c, TR_PORTAL_HISTORY));
	html_raw(b, "</h2><table class=\"history\"><tbody>\n");
	n = portal_issue_list(c, agency, rec->code, list, PORTAL_MAX_ISSUES);
	for (size_t j = n; j-- > 0; ) {
		uint32_t i = list[j];
		Eiso__DocIssue *o = portal_issue(c, agency, rec->code, i);

		if (o == NULL)
			continue;
		i18n_date(buf, sizeof(buf), o->effective_date, c->lang);
		html_raw(b, "<tr><td>");
		if (i != d->issue) {
			html_raw(b, "<a href=\"");
			portal_doc_url(c, b, "/portal/d/", agency, rec->code, i);
			html_printf(b, "\">%s %u</a>", portal_t(c, TR_PORTAL_ISSUE_LC), i);
		} else {
			html_printf(b, "<strong>%s %u</strong>", portal_t(c, TR_PORTAL_ISSUE_LC), i);
		}
		html_raw(b, "</td><td>");
		html_esc(b, buf);
		html_raw(b, "</td><td>");
		portal_status(c, b, agency, o);
		html_raw(b, "</td></tr>\n");
		eiso__doc_issue__free_unpacked(o, NULL);
	}
	html_raw(b, "</tbody></table></section>\n");
	portal_foot(c, b);
done:
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
	if (d != NULL)
		eiso__doc_issue__free_unpacked(d, NULL);
	if (rec != NULL)
		eiso__doc_record__free_unpacked(rec, NULL);
}
