/*
 * ws_docs.c: the workspace's document pages (issue 13): the document list, a document with
 * its issues and their route, a new draft, editing a draft, and the route's forms (submit,
 * check, return with a comment, approve). What a user may do is checked here, on the
 * server, from the roles read afresh on each request (403 with a page that says why); in
 * what order the route goes is core's rule (document_next, enforced by document_do), the
 * same for the CLI and the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain.h"
#include "err.h"
#include "log.h"
#include "web/ws.h"

/* ------------------------------------------------------------------------------------------ */
/* The document list and a document */

void
ws_home(void *arg, struct http_req *r)
{
	(void)arg;
	ws_redirect(r, "/work", NULL);
}

struct ws_rows {
	json_t *rows;
	enum web_lang lang;
};

static int
ws_row(const Eiso__DocIssue *d, void *arg)
{
	struct ws_rows *rows = arg;

	json_array_append_new(rows->rows, json_pack("{s:s,s:s,s:s,s:s,s:s,s:i}", "code", d->code,
	    "title", d->title, "kind", tr_value(rows->lang, "kind", d->kind), "status",
	    tr_value(rows->lang, "dstatus", d->status), "status_key", d->status, "issue",
	    (int)d->issue));
	return 0;
}

void
ws_docs(void *arg, struct http_req *r)
{
	struct doc_filter filter = { 0 };
	struct ws_rows rows;
	struct ws_page p;
	json_t *ctx, *opts;
	MDB_txn *txn;
	char status[32];
	int rc;

	if (ws_begin(&p, arg, r) != 0)
		return;
	if (http_query(r->query, "status", status, sizeof(status)) == 0 && status[0] != '\0')
		filter.status = status;
	ctx = ws_ctx(&p, tr(p.lang, TR_WS_DOCS_TITLE));
	rows.rows = json_array();
	rows.lang = p.lang;
	eiso_clearerr();
	if ((rc = store_read_begin(p.w->n->st, &txn)) == 0) {
		rc = document_list(txn, p.w->n, &filter, ws_row, &rows);
		store_read_end(&txn);
	}
	if (rc != 0) {
		json_decref(rows.rows);
		json_decref(ctx);
		ws_error(&p, rc == EISO_INVAL ? 400 : 500, TR_WS_ERR_FORM, eiso_lasterr(rc));
		return;
	}
	opts = json_array();
	for (int i = 0; domain_doc_statuses[i] != NULL; i++)
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value",
		    domain_doc_statuses[i], "label", tr_value(p.lang, "dstatus",
		    domain_doc_statuses[i]), "selected", filter.status != NULL &&
		    strcmp(filter.status, domain_doc_statuses[i]) == 0));
	json_object_set_new(ctx, "statuses", opts);
	json_object_set_new(ctx, "count", json_integer((json_int_t)json_array_size(rows.rows)));
	json_object_set_new(ctx, "rows", rows.rows);
	ws_render(&p, 200, "docs", ctx, NULL);
}

static json_t *
ws_person(const Eiso__Person *who, enum web_lang lang)
{
	char at[64];

	if (who == NULL || who->name[0] == '\0')
		return json_null();
	i18n_time(at, sizeof(at), who->at, lang);
	return json_pack("{s:s,s:s,s:s}", "name", who->name, "position", who->position, "at", at);
}

static json_t *
ws_issue(const Eiso__DocIssue *d, enum web_lang lang)
{
	json_t *files = json_array(), *j;
	char sha[2 * KEYS_HASH + 1], eff[32];

	for (size_t i = 0; i < d->n_files; i++) {
		const Eiso__BlobRef *f = d->files[i];

		if (f->sha256.len == KEYS_HASH)
			keys_hex(sha, f->sha256.data, KEYS_HASH);
		else
			sha[0] = '\0';
		json_array_append_new(files, json_pack("{s:s,s:I,s:s}", "name", f->name, "size",
		    (json_int_t)f->size, "sha256", sha));
	}
	i18n_date(eff, sizeof(eff), d->effective_date, lang);
	j = json_pack("{s:i,s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "issue", (int)d->issue, "status",
	    tr_value(lang, "dstatus", d->status), "status_key", d->status, "note", d->note,
	    "drafted", ws_person(d->drafted, lang), "checked", ws_person(d->checked, lang),
	    "approved", ws_person(d->approved, lang), "files", files);
	json_object_set_new(j, "effective", json_string(d->effective_date[0] ? eff : ""));
	return j;
}

/* The route's forms; in what order they come is core's (document_next). */
enum ws_action { WS_SUBMIT, WS_CHECK, WS_RETURN, WS_APPROVE, WS_EDIT, WS_NACTIONS };
static const struct {
	const char *name;
	enum doc_op op;
	enum tr_key label;
} ws_actions[WS_NACTIONS] = {
	[WS_SUBMIT] = { "submit", DOC_SUBMIT, TR_WS_ACT_SUBMIT },
	[WS_CHECK] = { "check", DOC_CHECK, TR_WS_ACT_CHECK },
	[WS_RETURN] = { "return", DOC_RETURN, TR_WS_ACT_RETURN },
	[WS_APPROVE] = { "approve", DOC_APPROVE, TR_WS_ACT_APPROVE },
	[WS_EDIT] = { "edit", DOC_EDIT, TR_WS_ACT_EDIT },
};

/* Does action fit the step the issue waits for (next, from document_next)? */
static int
ws_fits(enum ws_action a, enum doc_op next)
{
	switch (a) {
	case WS_EDIT: return next == DOC_SUBMIT;
	case WS_RETURN: return next == DOC_CHECK || next == DOC_APPROVE;
	default: return ws_actions[a].op == next;
	}
}

/* The roles that may take action a at step next: the checker returns before the check,
 * the approver after it. */
static uint32_t
ws_roles(enum ws_action a, enum doc_op next)
{
	switch (a) {
	case WS_SUBMIT:
	case WS_EDIT: return ROLE_DRAFTER | ROLE_ISO_SECRETARY;
	case WS_CHECK: return ROLE_CHECKER;
	case WS_APPROVE: return ROLE_APPROVER;
	case WS_RETURN: return next == DOC_APPROVE ? ROLE_APPROVER : ROLE_CHECKER;
	default: return 0;
	}
}

static json_t *
ws_route(const Eiso__DocIssue *d, enum web_lang lang)
{
	json_t *steps = json_array();
	char at[64];

	for (size_t i = 0; i < d->n_route; i++) {
		const Eiso__RouteStep *st = d->route[i];

		i18n_time(at, sizeof(at), st->by ? st->by->at : 0, lang);
		json_array_append_new(steps, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "action",
		    tr_value(lang, "step", st->action), "name", st->by ? st->by->name : "",
		    "position", st->by ? st->by->position : "", "at", at, "comment", st->comment,
		    "returned", strcmp(st->action, "return") == 0));
	}
	return steps;
}

/* The newest issue's forms this user may use now, and the steps they wait for otherwise. */
static void
ws_doc_actions(struct ws_page *p, const Eiso__DocIssue *d, json_t *ctx)
{
	enum doc_op next = document_next(d);
	json_t *acts = json_array();

	for (int a = 0; a < WS_NACTIONS; a++) {
		if (!ws_fits(a, next))
			continue;
		if (!(p->u.roles & ws_roles(a, next))) {
			if (a == WS_SUBMIT || a == WS_CHECK || a == WS_APPROVE)
				json_object_set_new(ctx, "waiting", json_string(tr(p->lang,
				    ws_actions[a].label)));
			continue;
		}
		if (a == WS_EDIT) {
			json_object_set_new(ctx, "edit", json_pack("{s:s,s:s}", "title", d->title,
			    "note", d->note));
			continue;
		}
		json_array_append_new(acts, json_pack("{s:s,s:s,s:b,s:b}", "name",
		    ws_actions[a].name, "label", tr(p->lang, ws_actions[a].label), "comment",
		    1, "need_comment", a == WS_RETURN));
	}
	if (json_array_size(acts) > 0)
		json_object_set_new(ctx, "actions", acts);
	else
		json_decref(acts);
	/* A returned draft says why, where its drafter looks first. */
	if (next == DOC_SUBMIT && d->n_route > 0 &&
	    strcmp(d->route[d->n_route - 1]->action, "return") == 0) {
		const Eiso__RouteStep *st = d->route[d->n_route - 1];

		json_object_set_new(ctx, "returned", json_pack("{s:s,s:s}", "name", st->by ?
		    st->by->name : "", "comment", st->comment));
	}
}

static void
ws_doc_page(struct ws_page *p, const char *code, int status, const char *error)
{
	Eiso__DocRecord *rec = NULL;
	Eiso__DocIssue *d;
	json_t *ctx, *issues = json_array(), *j;
	MDB_txn *txn;
	char why[512];
	int rc;

	/* error may be the thread's last error text, which eiso_clearerr empties. */
	if (error != NULL) {
		snprintf(why, sizeof(why), "%s", error);
		error = why;
	}
	ws_page_counts(p);               /* before this page's own read transaction */
	eiso_clearerr();
	if ((rc = store_read_begin(p->w->n->st, &txn)) != 0 ||
	    (rc = document_index(txn, p->w->n, code, &rec)) != 0) {
		store_read_end(&txn);
		json_decref(issues);
		ws_error(p, rc == EISO_NOTFOUND || rc == EISO_INVAL ? 404 : 500,
		    TR_WS_ERR_NOT_FOUND, eiso_lasterr(rc));
		return;
	}
	ctx = ws_ctx(p, code);
	for (uint32_t i = rec->latest; i >= 1; i--) {
		if (document_get(txn, p->w->n, code, i, &d) != 0)
			continue;
		if (i == rec->latest) {
			json_object_set_new(ctx, "doc_title", json_string(d->title));
			json_object_set_new(ctx, "kind", json_string(tr_value(p->lang, "kind",
			    d->kind)));
			ws_doc_actions(p, d, ctx);
		}
		j = ws_issue(d, p->lang);
		json_object_set_new(j, "route", ws_route(d, p->lang));
		json_object_set_new(j, "has_route", json_boolean(d->n_route > 0));
		json_array_append_new(issues, j);
		eiso__doc_issue__free_unpacked(d, NULL);
	}
	store_read_end(&txn);
	json_object_set_new(ctx, "code", json_string(code));
	json_object_set_new(ctx, "issues", issues);
	if (error != NULL)
		json_object_set_new(ctx, "error", json_string(error));
	eiso__doc_record__free_unpacked(rec, NULL);
	ws_render(p, status, "doc", ctx, NULL);
}

/* The fields of the edit form into req (bufs of the caller); -1 when the page is answered. */
struct ws_edit_bufs { char title[WS_FIELD_MAX], note[WS_FIELD_MAX]; };

static int
ws_edit_fields(struct ws_page *p, const struct ws_form *f, struct doc_request *req,
    struct ws_edit_bufs *b)
{
	int rc;

	eiso_clearerr();
	if ((rc = ws_input(f, "title", b->title, sizeof(b->title), 0)) != 0 ||
	    (rc = ws_input(f, "note", b->note, sizeof(b->note), 1)) != 0) {
		ws_doc_page(p, req->code, ws_status(rc), eiso_lasterr(rc));
		return -1;
	}
	req->title = b->title;
	if (b->title[0] == '\0') {
		ws_doc_page(p, req->code, 400, "title: required");
		return -1;
	}
	req->note = b->note;
	return 0;
}

/* POST /docs/CODE/ACTION: the form's token and fields, the role on the server, the route's
 * step, then document_do (which keeps the route's order whatever was checked here). */
static void
ws_doc_act(struct ws_page *p, const char *code, const char *action)
{
	struct doc_request req;
	struct ws_edit_bufs eb;
	Eiso__DocIssue *d = NULL, *cur = NULL;
	struct ws_form f;
	enum doc_op next = DOC_NOPS;
	MDB_txn *txn;
	char comment[DOC_COMMENT_MAX + 1];
	struct html url = { 0 };
	int a, rc;

	for (a = 0; a < WS_NACTIONS && strcmp(ws_actions[a].name, action) != 0; a++)
		;
	if (a == WS_NACTIONS || !domain_code_ok(code)) {
		ws_error(p, 404, TR_WS_ERR_NOT_FOUND, p->r->path);
		return;
	}
	if (!ws_form_begin(p, &f))
		return;
	if ((rc = store_read_begin(p->w->n->st, &txn)) == 0) {
		rc = document_get(txn, p->w->n, code, 0, &cur);
		store_read_end(&txn);
	}
	if (rc == 0) {
		next = document_next(cur);
		eiso__doc_issue__free_unpacked(cur, NULL);
	}
	if (!(p->u.roles & ws_roles(a, next))) {
		log_warnx("workspace: %s may not %s %s (roles)", p->u.name, action, code);
		ws_error(p, 403, TR_WS_ERR_FORBIDDEN, tr(p->lang, ws_actions[a].label));
		goto done;
	}
	if (rc == 0 && !ws_fits(a, next)) {
		ws_doc_page(p, code, 409, tr(p->lang, TR_WS_ERR_STATE));
		goto done;
	}
	memset(&req, 0, sizeof(req));
	req.code = code;
	req.review_months = -1;
	if (a == WS_EDIT) {
		if (ws_edit_fields(p, &f, &req, &eb) != 0)
			goto done;
	} else {
		req.person = p->u.name;
		req.position = p->u.position;
		eiso_clearerr();
		if ((rc = ws_input(&f, "comment", comment, sizeof(comment), 1)) != 0) {
			ws_doc_page(p, code, ws_status(rc), eiso_lasterr(rc));
			goto done;
		}
		req.comment = comment;
	}
	eiso_clearerr();
	if ((rc = document_do(p->w->n, ws_actions[a].op, &req, &d)) != 0) {
		ws_doc_page(p, code, rc == EISO_NOTFOUND ? 404 : 400, eiso_lasterr(rc));
		goto done;
	}
	log_info("workspace: %s: doc %s %s issue %u (%s)", p->u.name, action, d->code, d->issue,
	    d->status);
	eiso__doc_issue__free_unpacked(d, NULL);
	html_raw(&url, "/docs/");
	html_seg(&url, code);
	ws_redirect(p->r, url.oom ? "/docs" : url.buf, NULL);
	html_free(&url);
done:
	ws_form_free(&f);
}

void
ws_doc(void *arg, struct http_req *r)
{
	char buf[256], *seg[2];
	struct ws_page p;
	int n;

	if (ws_begin(&p, arg, r) != 0)
		return;
	n = http_path_split(r->path, "/docs/", seg, 2, buf, sizeof(buf));
	if (n == 1 && strcmp(r->method, "GET") == 0)
		ws_doc_page(&p, seg[0], 200, NULL);
	else if (n == 2 && strcmp(r->method, "POST") == 0)
		ws_doc_act(&p, seg[0], seg[1]);
	else if (n == 1 || n == 2)
		ws_error(&p, 405, TR_WS_ERR_METHOD, r->path);
	else
		ws_error(&p, 404, TR_WS_ERR_NOT_FOUND, r->path);
}

/* ------------------------------------------------------------------------------------------ */
/* A new draft */

static void
ws_new_form(struct ws_page *p, int status, const struct ws_form *f, const char *error)
{
	json_t *ctx, *kinds = json_array();
	char code[DOMAIN_MAX_CODE + 2], title[WS_FIELD_MAX], kind[32], why[512];

	/* error may be the thread's last error text, which the store calls below may reset. */
	if (error != NULL) {
		snprintf(why, sizeof(why), "%s", error);
		error = why;
	}
	ctx = ws_ctx(p, tr(p->lang, TR_WS_NEW_TITLE));

	code[0] = title[0] = kind[0] = '\0';
	if (f != NULL) {
		ws_field(f, "code", code, sizeof(code));
		ws_field(f, "title", title, sizeof(title));
		ws_field(f, "kind", kind, sizeof(kind));
	}
	for (int i = 0; domain_doc_kinds[i] != NULL; i++)
		json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "value", domain_doc_kinds[i],
		    "label", tr_value(p->lang, "kind", domain_doc_kinds[i]), "selected",
		    strcmp(kind, domain_doc_kinds[i]) == 0));
	json_object_set_new(ctx, "kinds", kinds);
	json_object_set_new(ctx, "code", json_string(code));
	json_object_set_new(ctx, "doc_title", json_string(title));
	if (error != NULL)
		json_object_set_new(ctx, "error", json_string(error));
	ws_render(p, status, "new", ctx, NULL);
}

void
ws_new_page(void *arg, struct http_req *r)
{
	struct ws_page p;

	if (ws_begin(&p, arg, r) != 0)
		return;
	if (!(p.u.roles & (ROLE_DRAFTER | ROLE_ISO_SECRETARY))) {
		ws_error(&p, 403, TR_WS_ERR_FORBIDDEN, tr(p.lang, TR_WS_NEW_TITLE));
		return;
	}
	ws_new_form(&p, 200, NULL, NULL);
}

void
ws_new(void *arg, struct http_req *r)
{
	struct doc_request req;
	Eiso__DocIssue *d = NULL;
	struct ws_page p;
	struct ws_form f;
	char code[DOMAIN_MAX_CODE + 1], title[WS_FIELD_MAX], kind[32], note[WS_FIELD_MAX];
	struct html url = { 0 };
	int rc;

	if (ws_begin(&p, arg, r) != 0 || !ws_form_begin(&p, &f))
		return;
	if (!(p.u.roles & (ROLE_DRAFTER | ROLE_ISO_SECRETARY))) {
		log_warnx("workspace: %s may not draft (roles)", p.u.name);
		ws_error(&p, 403, TR_WS_ERR_FORBIDDEN, tr(p.lang, TR_WS_NEW_TITLE));
		goto done;
	}
	memset(&req, 0, sizeof(req));
	req.review_months = -1;
	eiso_clearerr();
	if ((rc = ws_input(&f, "code", code, sizeof(code), 0)) != 0 ||
	    (rc = ws_input(&f, "title", title, sizeof(title), 0)) != 0 ||
	    (rc = ws_input(&f, "kind", kind, sizeof(kind), 0)) != 0 ||
	    (rc = ws_input(&f, "note", note, sizeof(note), 1)) != 0) {
		ws_new_form(&p, ws_status(rc), &f, eiso_lasterr(rc));
		goto done;
	}
	req.code = code;
	req.title = title;
	req.kind = kind;
	if (note[0] != '\0')
		req.note = note;
	req.person = p.u.name;
	req.position = p.u.position;
	eiso_clearerr();
	if ((rc = document_do(p.w->n, DOC_NEW, &req, &d)) != 0) {
		ws_new_form(&p, rc == EISO_EXISTS ? 409 : 400, &f, eiso_lasterr(rc));
		goto done;
	}
	log_info("workspace: %s: doc new %s issue %u", p.u.name, d->code, d->issue);
	eiso__doc_issue__free_unpacked(d, NULL);
	html_raw(&url, "/docs/");
	html_seg(&url, code);
	ws_redirect(r, url.oom ? "/docs" : url.buf, NULL);
	html_free(&url);
done:
	ws_form_free(&f);
}
