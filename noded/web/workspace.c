/*
 * workspace.c: the agency staff's web pages (issue 13, first slice): log in, the document
 * list, a document with its issues, a new draft, and the route submit -> check -> approve.
 *
 * Every change goes through document_do(), the CLI's one write path, so it replicates like
 * any other; the person recorded is the logged-in user with the position of their account.
 * What a user may do is decided here, on the server, from the roles read afresh from the
 * store on each request: a forbidden action answers 403 with a page that says why, whatever
 * buttons the page showed. Every form carries the session's form token (CSRF); the login
 * form a random token of its own, doubled in a cookie. Password checks run on libuv's
 * thread pool (uv_queue_work), never on the loop that also carries the link to the hub, and
 * failed logins lock the user name and the address out for a time that grows.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "domain.h"
#include "err.h"
#include "log.h"
#include "web/ws.h"

#define WS_COOKIE       "eiso_ws"
#define WS_PRE_COOKIE   "eiso_pre"
#define WS_MAX_FORM     (64 << 10)
#define WS_SESSIONS     256
#define WS_IDLE_MS      (8LL * 3600 * 1000)  /* a working day without a request */
#define WS_USER_FAILS   5        /* failures per user name before a lockout */
#define WS_ADDR_FAILS   20       /* per address: a whole office may share one */
#define WS_LOCK_MS      30000    /* the first lockout; doubles per failure after */
#define WS_LOCK_MAX_MS  (15 * 60 * 1000)

extern const struct tmpl_src noded_templates[];
struct ws_asset { const char *name; const unsigned char *data; unsigned int len; };
extern const struct ws_asset ws_assets[];

/* Per-request state of a page. */
struct ws_page {
	struct web *w;
	struct http_req *r;
	enum web_lang lang;
	char lang_cookie[80];            /* set when ?lang= chose the language */
	struct user u;                   /* the logged-in user (WEB_SESSION routes) */
};

/* The limiters live beside the sessions (ws.h keeps the struct web opaque to routes). */
static struct login_limit *ws_addr_limit;

int
ws_open(struct web *w)
{
	int rc;

	if ((rc = tmpl_load(noded_templates, &w->tmpl)) != 0 ||
	    (rc = session_table_new(WS_SESSIONS, WS_IDLE_MS, &w->sessions)) != 0 ||
	    (rc = login_limit_new(1024, WS_USER_FAILS, WS_LOCK_MS, WS_LOCK_MAX_MS, &w->limit))
	    != 0 ||
	    (rc = login_limit_new(1024, WS_ADDR_FAILS, WS_LOCK_MS, WS_LOCK_MAX_MS,
	    &ws_addr_limit)) != 0)
		return rc;
	return 0;
}

void
ws_close(struct web *w)
{
	tmpl_free(&w->tmpl);
	session_table_free(&w->sessions);
	login_limit_free(&w->limit);
	login_limit_free(&ws_addr_limit);
}

/* ------------------------------------------------------------------------------------------ */
/* Pages */

static void
ws_page_init(struct ws_page *p, struct web *w, struct http_req *r)
{
	const char *cookie;
	char v[8];

	memset(p, 0, sizeof(*p));
	p->w = w;
	p->r = r;
	p->lang = WEB_VI;
	if (http_query(r->query, "lang", v, sizeof(v)) == 0 &&
	    (strcmp(v, "en") == 0 || strcmp(v, "vi") == 0)) {
		snprintf(p->lang_cookie, sizeof(p->lang_cookie),
		    "lang=%s; Path=/; Max-Age=31536000; SameSite=Strict", v);
		p->lang = v[0] == 'e' ? WEB_EN : WEB_VI;
	} else if ((cookie = http_header(r, "cookie")) != NULL &&
	    http_cookie(cookie, "lang", v, sizeof(v)) == 0 && strcmp(v, "en") == 0) {
		p->lang = WEB_EN;
	}
}

/* The user of the session, read afresh: a disabled or removed account ends its session. */
static int
ws_page_user(struct ws_page *p)
{
	MDB_txn *txn;
	int rc;

	if (p->w->who == NULL)
		return EISO_NOTFOUND;
	if ((rc = store_read_begin(p->w->n->st, &txn)) != 0)
		return rc;
	rc = user_get(txn, p->w->n, p->w->who->user, &p->u);
	store_read_end(&txn);
	if (rc == 0 && p->u.disabled)
		rc = EISO_NOTFOUND;
	if (rc != 0)
		session_close(p->w->sessions, p->w->who->token);
	return rc;
}

/* The context every page starts from: language, the user and the session's form token. */
static json_t *
ws_ctx(struct ws_page *p, const char *title)
{
	json_t *ctx = json_object(), *roles = json_array();
	char buf[160];

	json_object_set_new(ctx, "lang", json_string(p->lang == WEB_EN ? "en" : "vi"));
	json_object_set_new(ctx, "title", json_string(title));
	json_object_set_new(ctx, "agency", json_string(p->w->n->conf.agency));
	if (p->u.name[0] != '\0') {
		json_object_set_new(ctx, "user", json_string(p->u.name));
		json_object_set_new(ctx, "position", json_string(p->u.position));
		for (int i = 0; i < USER_NROLES; i++)
			if (p->u.roles & (1u << i)) {
				snprintf(buf, sizeof(buf), "%s", tr_value(p->lang, "role",
				    user_role_names[i]));
				json_array_append_new(roles, json_string(buf));
			}
	}
	json_object_set_new(ctx, "roles", roles);
	json_object_set_new(ctx, "can_draft", json_boolean(p->u.roles &
	    (ROLE_DRAFTER | ROLE_ISO_SECRETARY)));
	if (p->w->who != NULL)
		json_object_set_new(ctx, "csrf", json_string(p->w->who->csrf));
	return ctx;
}

/* Render template name from ctx (taken) and answer it with status and extra headers. */
static void
ws_render(struct ws_page *p, int status, const char *name, json_t *ctx, const char *cookie)
{
	const char *headers[5] = { NULL };
	struct html out = { 0 };
	int h = 0, rc;

	if (p->lang_cookie[0] != '\0') {
		headers[h++] = "set-cookie";
		headers[h++] = p->lang_cookie;
	}
	if (cookie != NULL) {
		headers[h++] = "set-cookie";
		headers[h++] = cookie;
	}
	if (ctx == NULL || (rc = tmpl_render(p->w->tmpl, name, p->lang, ctx, &out)) != 0) {
		log_warnx("workspace: page %s: %s", name, ctx ? eiso_lasterr(rc) : "out of memory");
		html_free(&out);
		json_decref(ctx);
		http_reply_raw(p->r, 500, "text/plain; charset=utf-8", "internal error\n", 15,
		    NULL);
		return;
	}
	json_decref(ctx);
	http_reply_html(p->r, status, &out, headers);
}

/* A page that says why the request was refused (403, 404, 400 ...). */
static void
ws_error(struct ws_page *p, int status, enum tr_key what, const char *detail)
{
	json_t *ctx = ws_ctx(p, tr(p->lang, what));

	json_object_set_new(ctx, "status", json_integer(status));
	json_object_set_new(ctx, "detail", json_string(detail ? detail : ""));
	json_object_set_new(ctx, "forbidden", json_boolean(what == TR_WS_ERR_FORBIDDEN));
	ws_render(p, status, "error", ctx, NULL);
}

void
ws_not_found(struct web *w, struct http_req *r, int status)
{
	struct ws_page p;

	ws_page_init(&p, w, r);
	ws_error(&p, status, status == 405 ? TR_WS_ERR_METHOD : TR_WS_ERR_NOT_FOUND, r->path);
}

static void
ws_redirect(struct http_req *r, const char *to, const char *cookie)
{
	const char *headers[] = { "location", to, cookie ? "set-cookie" : NULL, cookie, NULL };

	http_reply_raw(r, 303, "text/plain; charset=utf-8", "", 0, headers);
}

/* ------------------------------------------------------------------------------------------ */
/* Forms */

struct ws_form {
	char *body;                      /* NUL-terminated copy of the request body */
};

static int
ws_form_read(struct http_req *r, struct ws_form *f)
{
	f->body = NULL;
	if (r->body_len > WS_MAX_FORM)
		return EISO_INVAL;
	if ((f->body = malloc(r->body_len + 1)) == NULL)
		return EISO_NOMEM;
	if (r->body_len > 0)
		memcpy(f->body, r->body, r->body_len);
	f->body[r->body_len] = '\0';
	return 0;
}

/* A field's decoded value into buf; "" when absent or not decodable. */
static const char *
ws_field(const struct ws_form *f, const char *name, char *buf, size_t len)
{
	if (f->body == NULL || http_query(f->body, name, buf, len) != 0)
		buf[0] = '\0';
	return buf;
}

static void
ws_form_free(struct ws_form *f)
{
	if (f->body != NULL)
		sodium_memzero(f->body, strlen(f->body));
	free(f->body);
	f->body = NULL;
}

/* A form that changes something: its token must be the session's. */
static int
ws_csrf_ok(struct ws_page *p, const struct ws_form *f)
{
	char tok[SESSION_CSRF_HEX + 2];

	if (session_csrf_ok(p->w->who, ws_field(f, "csrf", tok, sizeof(tok))))
		return 1;
	log_warnx("workspace: %s %s by %s: form token %s", p->r->method, p->r->path,
	    p->u.name, tok[0] ? "wrong" : "missing");
	ws_error(p, 403, TR_WS_ERR_CSRF, NULL);
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Static files */

void
ws_static(void *arg, struct http_req *r)
{
	const char *name = r->path + strlen("/static/");
	static const char *const cache[] = { "cache-control", "max-age=3600", NULL };
	struct ws_page p;

	(void)arg;
	for (const struct ws_asset *a = ws_assets; a->name != NULL; a++)
		if (strcmp(a->name, name) == 0) {
			const char *dot = strrchr(a->name, '.');
			const char *type = dot && strcmp(dot, ".css") == 0 ? "text/css; charset=utf-8" :
			    dot && strcmp(dot, ".svg") == 0 ? "image/svg+xml" :
			    "application/octet-stream";

			http_reply_raw(r, 200, type, a->data, a->len, cache);
			return;
		}
	ws_page_init(&p, arg, r);
	ws_error(&p, 404, TR_WS_ERR_NOT_FOUND, r->path);
}

/* ------------------------------------------------------------------------------------------ */
/* Login and logout */

static void
ws_login_form(struct ws_page *p, int status, const char *user, enum tr_key err,
    const char *detail)
{
	char pre[SESSION_CSRF_HEX + 1], cookie[160];
	json_t *ctx = ws_ctx(p, tr(p->lang, TR_WS_LOGIN_TITLE));

	session_random_hex(pre, SESSION_CSRF_HEX);
	snprintf(cookie, sizeof(cookie), WS_PRE_COOKIE "=%s; Path=/login; HttpOnly; "
	    "SameSite=Strict", pre);
	json_object_set_new(ctx, "login_csrf", json_string(pre));
	json_object_set_new(ctx, "name", json_string(user ? user : ""));
	if (err != TR_COUNT) {
		json_object_set_new(ctx, "error", json_string(tr(p->lang, err)));
		json_object_set_new(ctx, "detail", json_string(detail ? detail : ""));
	}
	ws_render(p, status, "login", ctx, cookie);
}

void
ws_login_page(void *arg, struct http_req *r)
{
	struct ws_page p;

	ws_page_init(&p, arg, r);
	ws_login_form(&p, 200, NULL, TR_COUNT, NULL);
}

/* A login waiting for its password check on the thread pool. */
struct ws_login {
	uv_work_t work;
	struct web *w;
	struct ws_page p;                /* p.r is the deferred request */
	char name[USER_NAME_MAX + 1];
	char addr[64];
	char *password;                  /* sodium_malloc */
	int found, ok;
};

/* A hash to check unknown names against, so they take as long as known ones. */
static char ws_dummy_hash[USER_HASH_MAX];
static pthread_once_t ws_dummy_once = PTHREAD_ONCE_INIT;

static void
ws_dummy_make(void)
{
	if (user_hash("not a password of anyone", ws_dummy_hash) != 0)
		ws_dummy_hash[0] = '\0';
}

static void
ws_login_work(uv_work_t *req)
{
	struct ws_login *l = req->data;

	if (l->found) {
		l->ok = user_check(&l->p.u, l->password);
	} else {
		pthread_once(&ws_dummy_once, ws_dummy_make);
		/* The answer is thrown away: the name is unknown whatever the password. */
		l->ok = ws_dummy_hash[0] != '\0' && crypto_pwhash_str_verify(ws_dummy_hash,
		    l->password, strlen(l->password)) == 0 && 0;
	}
}

static void
ws_login_done(uv_work_t *req, int status)
{
	struct ws_login *l = req->data;
	struct web *w = l->w;
	const struct session *s;
	char key[96], cookie[200];
	unsigned fails;

	(void)status;
	if (w->stopping || http_later_gone(l->p.r))
		goto done;
	snprintf(key, sizeof(key), "u:%s", l->name);
	if (l->ok && (s = session_open(w->sessions, l->name, store_now_ms())) != NULL) {
		login_limit_clear(w->limit, key);
		log_info("workspace: %s logged in from %s", l->name, l->addr);
		snprintf(cookie, sizeof(cookie), WS_COOKIE "=%s; Path=/; HttpOnly; "
		    "SameSite=Strict", s->token);
		ws_redirect(l->p.r, "/docs", cookie);
		goto done;
	}
	fails = login_limit_fail(w->limit, key, store_now_ms());
	snprintf(key, sizeof(key), "a:%s", l->addr);
	login_limit_fail(ws_addr_limit, key, store_now_ms());
	log_warnx("workspace: failed login for '%s' from %s (%u in a row)", l->name, l->addr,
	    fails);
	memset(&l->p.u, 0, sizeof(l->p.u));
	ws_login_form(&l->p, 401, l->name, TR_WS_LOGIN_FAILED, NULL);
done:
	http_later_end(&l->p.r);
	sodium_free(l->password);
	sodium_memzero(l, sizeof(*l));
	free(l);
	web_pending_release(w);
}

/* 0 when neither the name nor the address is locked out; else the page is answered. */
static int
ws_login_locked(struct ws_page *p, const char *name, const char *addr)
{
	char key[96], secs[32];
	int64_t wait_u, wait_a, wait;

	snprintf(key, sizeof(key), "u:%s", name);
	wait_u = login_limit_wait(p->w->limit, key, store_now_ms());
	snprintf(key, sizeof(key), "a:%s", addr);
	wait_a = login_limit_wait(ws_addr_limit, key, store_now_ms());
	wait = wait_u > wait_a ? wait_u : wait_a;
	if (wait == 0)
		return 0;
	log_warnx("workspace: login for '%s' from %s refused: locked out for %lld s more", name,
	    addr, (long long)(wait + 999) / 1000);
	snprintf(secs, sizeof(secs), "%lld", (long long)(wait + 999) / 1000);
	{
		char msg[256];

		tr_fill_text(msg, sizeof(msg), p->lang, TR_WS_LOGIN_LOCKED, "s", secs, NULL);
		ws_login_form(p, 429, name, TR_WS_LOGIN_LOCKED_TITLE, msg);
	}
	return 1;
}

void
ws_login(void *arg, struct http_req *r)
{
	struct web *w = arg;
	struct ws_login *l = NULL;
	struct ws_form f;
	struct ws_page p;
	MDB_txn *txn;
	const char *cookie;
	char tok[SESSION_CSRF_HEX + 2], pre[SESSION_CSRF_HEX + 2], name[USER_NAME_MAX + 2];
	char addr[64];
	int rc;

	ws_page_init(&p, w, r);
	if (ws_form_read(r, &f) != 0) {
		ws_error(&p, 400, TR_WS_ERR_FORM, NULL);
		return;
	}
	ws_field(&f, "csrf", tok, sizeof(tok));
	cookie = http_header(r, "cookie");
	if (cookie == NULL || http_cookie(cookie, WS_PRE_COOKIE, pre, sizeof(pre)) != 0 ||
	    strlen(tok) != SESSION_CSRF_HEX || strlen(pre) != SESSION_CSRF_HEX ||
	    sodium_memcmp(tok, pre, SESSION_CSRF_HEX) != 0) {
		log_warnx("workspace: login form without its token, refused");
		ws_error(&p, 403, TR_WS_ERR_CSRF, NULL);
		goto done;
	}
	/* Only a well-formed name reaches the logs and the limiter's keys. */
	if (user_name_ok(ws_field(&f, "name", name, sizeof(name))) != 0)
		snprintf(name, sizeof(name), "?");
	http_peer(r, addr, sizeof(addr));
	if (ws_login_locked(&p, name, addr))
		goto done;
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->password = sodium_malloc(USER_PASSWORD_MAX + 1)) == NULL) {
		ws_error(&p, 500, TR_WS_ERR_INTERNAL, NULL);
		goto fail;
	}
	l->w = w;
	snprintf(l->name, sizeof(l->name), "%.*s", USER_NAME_MAX, name);
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	ws_field(&f, "password", l->password, USER_PASSWORD_MAX + 1);
	if (user_name_ok(name) == 0 && store_read_begin(w->n->st, &txn) == 0) {
		rc = user_get(txn, w->n, name, &l->p.u);
		store_read_end(&txn);
		l->found = rc == 0;
	}
	l->p.lang = p.lang;
	memcpy(l->p.lang_cookie, p.lang_cookie, sizeof(p.lang_cookie));
	l->p.w = w;
	l->work.data = l;
	if ((l->p.r = http_later(r)) == NULL)
		goto fail;
	web_pending_hold(w);
	if (uv_queue_work(w->loop, &l->work, ws_login_work, ws_login_done) != 0) {
		web_pending_release(w);
		ws_error(&l->p, 500, TR_WS_ERR_INTERNAL, NULL);
		http_later_end(&l->p.r);
		goto fail;
	}
	ws_form_free(&f);
	return;
fail:
	if (l != NULL) {
		sodium_free(l->password);
		free(l);
	}
done:
	ws_form_free(&f);
}

void
ws_logout(void *arg, struct http_req *r)
{
	static const char gone[] = WS_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
	struct ws_page p;
	struct ws_form f;

	ws_page_init(&p, arg, r);
	if (ws_page_user(&p) != 0) {
		ws_redirect(r, "/login", gone);
		return;
	}
	if (ws_form_read(r, &f) != 0) {
		ws_error(&p, 400, TR_WS_ERR_FORM, NULL);
		return;
	}
	if (ws_csrf_ok(&p, &f)) {
		log_info("workspace: %s logged out", p.u.name);
		session_close(p.w->sessions, p.w->who->token);
		ws_redirect(r, "/login", gone);
	}
	ws_form_free(&f);
}

/* ------------------------------------------------------------------------------------------ */
/* The document list and a document */

void
ws_home(void *arg, struct http_req *r)
{
	(void)arg;
	ws_redirect(r, "/docs", NULL);
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

/* Load the page's user, or send the browser to log in again. 0: go on. */
static int
ws_begin(struct ws_page *p, struct web *w, struct http_req *r)
{
	ws_page_init(p, w, r);
	if (ws_page_user(p) != 0) {
		ws_redirect(r, "/login", NULL);
		return -1;
	}
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

/* What the route offers next on the newest issue, and who may do it. */
enum ws_action { WS_SUBMIT, WS_CHECK, WS_APPROVE, WS_NACTIONS };
static const struct {
	const char *name;
	uint32_t roles;                  /* any of them */
	enum doc_op op;
	enum tr_key label;
} ws_actions[WS_NACTIONS] = {
	[WS_SUBMIT] = { "submit", ROLE_DRAFTER | ROLE_ISO_SECRETARY, DOC_SUBMIT, TR_WS_ACT_SUBMIT },
	[WS_CHECK] = { "check", ROLE_CHECKER, DOC_CHECK, TR_WS_ACT_CHECK },
	[WS_APPROVE] = { "approve", ROLE_APPROVER, DOC_APPROVE, TR_WS_ACT_APPROVE },
};

/* The action the issue's state is ready for, or WS_NACTIONS. */
static enum ws_action
ws_next(const Eiso__DocIssue *d)
{
	if (strcmp(d->status, "draft") == 0)
		return WS_SUBMIT;
	if (strcmp(d->status, "in_review") != 0)
		return WS_NACTIONS;
	return d->checked == NULL || d->checked->name[0] == '\0' ? WS_CHECK : WS_APPROVE;
}

static void
ws_doc_page(struct ws_page *p, const char *code, int status, const char *error)
{
	Eiso__DocRecord *rec = NULL;
	Eiso__DocIssue *d;
	json_t *ctx, *issues = json_array();
	enum ws_action next = WS_NACTIONS;
	MDB_txn *txn;
	int rc;

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
			next = ws_next(d);
		}
		json_array_append_new(issues, ws_issue(d, p->lang));
		eiso__doc_issue__free_unpacked(d, NULL);
	}
	store_read_end(&txn);
	json_object_set_new(ctx, "code", json_string(code));
	json_object_set_new(ctx, "issues", issues);
	if (next != WS_NACTIONS && (p->u.roles & ws_actions[next].roles))
		json_object_set_new(ctx, "action", json_pack("{s:s,s:s}", "name",
		    ws_actions[next].name, "label", tr(p->lang, ws_actions[next].label)));
	else if (next != WS_NACTIONS)
		json_object_set_new(ctx, "waiting", json_string(tr(p->lang,
		    ws_actions[next].label)));
	if (error != NULL)
		json_object_set_new(ctx, "error", json_string(error));
	eiso__doc_record__free_unpacked(rec, NULL);
	ws_render(p, status, "doc", ctx, NULL);
}

/* POST /docs/CODE/ACTION: the role on the server, the state, then document_do. */
static void
ws_doc_act(struct ws_page *p, const char *code, const char *action)
{
	struct doc_request req;
	Eiso__DocIssue *d = NULL, *cur = NULL;
	struct ws_form f;
	MDB_txn *txn;
	char where[160];
	int a, rc;

	for (a = 0; a < WS_NACTIONS && strcmp(ws_actions[a].name, action) != 0; a++)
		;
	if (a == WS_NACTIONS || !domain_code_ok(code)) {
		ws_error(p, 404, TR_WS_ERR_NOT_FOUND, p->r->path);
		return;
	}
	if (ws_form_read(p->r, &f) != 0) {
		ws_error(p, 400, TR_WS_ERR_FORM, NULL);
		return;
	}
	if (!ws_csrf_ok(p, &f))
		goto done;
	if (!(p->u.roles & ws_actions[a].roles)) {
		log_warnx("workspace: %s may not %s %s (roles)", p->u.name, action, code);
		ws_error(p, 403, TR_WS_ERR_FORBIDDEN, tr(p->lang, ws_actions[a].label));
		goto done;
	}
	/* The route's order: an issue in review is checked before it is approved. */
	if ((rc = store_read_begin(p->w->n->st, &txn)) == 0) {
		rc = document_get(txn, p->w->n, code, 0, &cur);
		store_read_end(&txn);
	}
	if (rc == 0 && (int)ws_next(cur) != a) {
		eiso__doc_issue__free_unpacked(cur, NULL);
		ws_doc_page(p, code, 409, tr(p->lang, TR_WS_ERR_STATE));
		goto done;
	}
	if (cur != NULL)
		eiso__doc_issue__free_unpacked(cur, NULL);
	memset(&req, 0, sizeof(req));
	req.code = code;
	req.review_months = -1;
	if (a != WS_SUBMIT) {
		req.person = p->u.name;
		req.position = p->u.position;
	}
	eiso_clearerr();
	if ((rc = document_do(p->w->n, ws_actions[a].op, &req, &d)) != 0) {
		ws_doc_page(p, code, rc == EISO_NOTFOUND ? 404 : 400, eiso_lasterr(rc));
		goto done;
	}
	log_info("workspace: %s: doc %s %s issue %u (%s)", p->u.name, action, d->code, d->issue,
	    d->status);
	eiso__doc_issue__free_unpacked(d, NULL);
	snprintf(where, sizeof(where), "/docs/%s", code);
	{
		struct html url = { 0 };

		html_raw(&url, "/docs/");
		html_seg(&url, code);
		ws_redirect(p->r, url.oom ? where : url.buf, NULL);
		html_free(&url);
	}
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
	json_t *ctx = ws_ctx(p, tr(p->lang, TR_WS_NEW_TITLE)), *kinds = json_array();
	char code[DOMAIN_MAX_CODE + 2], title[512], kind[32];

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
	char code[DOMAIN_MAX_CODE + 2], title[512], kind[32], note[1024];
	struct html url = { 0 };
	int rc;

	if (ws_begin(&p, arg, r) != 0)
		return;
	if (ws_form_read(r, &f) != 0) {
		ws_error(&p, 400, TR_WS_ERR_FORM, NULL);
		return;
	}
	if (!ws_csrf_ok(&p, &f))
		goto done;
	if (!(p.u.roles & (ROLE_DRAFTER | ROLE_ISO_SECRETARY))) {
		log_warnx("workspace: %s may not draft (roles)", p.u.name);
		ws_error(&p, 403, TR_WS_ERR_FORBIDDEN, tr(p.lang, TR_WS_NEW_TITLE));
		goto done;
	}
	memset(&req, 0, sizeof(req));
	req.review_months = -1;
	req.code = ws_field(&f, "code", code, sizeof(code));
	req.title = ws_field(&f, "title", title, sizeof(title));
	req.kind = ws_field(&f, "kind", kind, sizeof(kind));
	if (ws_field(&f, "note", note, sizeof(note))[0] != '\0')
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
