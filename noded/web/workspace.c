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

#define WS_SESSIONS     256
#define WS_IDLE_MS      (8LL * 3600 * 1000)  /* a working day without a request */
#define WS_USER_FAILS   5        /* failures per user name before a lockout */
#define WS_ADDR_FAILS   20       /* per address: a whole office may share one */
#define WS_LOCK_MS      30000    /* the first lockout; doubles per failure after */
#define WS_LOCK_MAX_MS  (15 * 60 * 1000)

extern const struct tmpl_src noded_templates[];
struct ws_asset { const char *name; const unsigned char *data; unsigned int len; };
extern const struct ws_asset ws_assets[];


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

void
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
int
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

int
ws_page_counts(struct ws_page *p)
{
	if (p->have_counts)
		return 0;
	if (p->u.name[0] == '\0' || ws_work_counts(p, &p->counts) != 0)
		return -1;
	p->have_counts = 1;
	return 0;
}

/* The context every page starts from: language, the user and the session's form token. */
json_t *
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
	if (ws_page_counts(p) == 0) {
		const struct ws_counts *n = &p->counts;

		json_object_set_new(ctx, "counts", json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "total",
		    (int)n->total, "check", (int)n->check, "approve", (int)n->approve, "returned",
		    (int)n->returned, "reviews", (int)n->reviews, "cases", (int)n->cases));
	}
	json_object_set_new(ctx, "can_draft", json_boolean(p->u.roles &
	    (ROLE_DRAFTER | ROLE_ISO_SECRETARY)));
	if (p->w->who != NULL)
		json_object_set_new(ctx, "csrf", json_string(p->w->who->csrf));
	return ctx;
}

/* Render template name from ctx (taken) and answer it with status and extra headers. */
void
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
void
ws_error(struct ws_page *p, int status, enum tr_key what, const char *detail)
{
	json_t *ctx;
	char why[512];

	/* detail may be the thread's last error text, which ws_ctx's store reads may reset. */
	if (detail != NULL) {
		snprintf(why, sizeof(why), "%s", detail);
		detail = why;
	}
	ctx = ws_ctx(p, tr(p->lang, what));

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

void
ws_redirect(struct http_req *r, const char *to, const char *cookie)
{
	const char *headers[] = { "location", to, cookie ? "set-cookie" : NULL, cookie, NULL };

	http_reply_raw(r, 303, "text/plain; charset=utf-8", "", 0, headers);
}

/* ------------------------------------------------------------------------------------------ */
/* Forms */

/* The raw (still escaped) value of field name in a form body; NULL when absent. */
static const char *
ws_raw(const char *body, const char *name, size_t *vlen)
{
	size_t nlen = strlen(name);

	for (const char *q = body; q != NULL && *q != '\0'; ) {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);

		if (eq != NULL && (size_t)(eq - q) == nlen && memcmp(q, name, nlen) == 0) {
			*vlen = len - nlen - 1;
			return eq + 1;
		}
		q += len;
		if (*q == '&')
			q++;
	}
	return NULL;
}

/* A form too large to take: name its largest field, so the page says what to shorten. */
static int
ws_form_toobig(const struct http_req *r)
{
	const char *body = (const char *)r->body;
	size_t best = 0, at = 0, bat = 0, blen = 0, len;

	while (at < r->body_len) {
		const char *q = body + at, *eq;

		len = 0;
		while (at + len < r->body_len && q[len] != '&')
			len++;
		if (len > best && (eq = memchr(q, '=', len)) != NULL) {
			best = len;
			bat = at;
			blen = (size_t)(eq - q);
		}
		at += len + 1;
	}
	if (blen == 0 || blen > 40 || strspn(body + bat, "abcdefghijklmnopqrstuvwxyz_") < blen)
		return eiso_seterr(EISO_TOOBIG, "form: larger than %d KiB", WS_MAX_FORM >> 10);
	return eiso_seterr(EISO_TOOBIG, "%.*s: too long (the form takes at most %d KiB)",
	    (int)blen, body + bat, WS_MAX_FORM >> 10);
}

int
ws_form_read(struct http_req *r, struct ws_form *f)
{
	f->body = NULL;
	if (r->body_len > WS_MAX_FORM)
		return ws_form_toobig(r);
	if ((f->body = malloc(r->body_len + 1)) == NULL)
		return EISO_NOMEM;
	if (r->body_len > 0)
		memcpy(f->body, r->body, r->body_len);
	f->body[r->body_len] = '\0';
	/* A NUL in the body would end the copy early and hide what follows from every check. */
	if (memchr(f->body, '\0', r->body_len) != NULL) {
		free(f->body);
		f->body = NULL;
		return eiso_seterr(EISO_INVAL, "form: holds a NUL byte");
	}
	return 0;
}

int
ws_status(int rc)
{
	return rc == EISO_TOOBIG ? 413 : rc == EISO_NOMEM ? 500 : 400;
}

int
ws_input(const struct ws_form *f, const char *name, char *buf, size_t len, int multiline)
{
	const char *raw;
	size_t vlen;

	buf[0] = '\0';
	if (f->body == NULL || (raw = ws_raw(f->body, name, &vlen)) == NULL)
		return 0;
	for (size_t i = 0; i + 2 < vlen; i++)
		if (raw[i] == '%' && raw[i + 1] == '0' && raw[i + 2] == '0')
			return eiso_seterr(EISO_INVAL, "%s: holds a NUL byte (%%00)", name);
	if (!http_escaped_utf8_ok(raw, vlen))
		return eiso_seterr(EISO_INVAL, "%s: is not valid UTF-8 text", name);
	if (http_unescape(raw, vlen, 1, buf, len) < 0) {
		buf[0] = '\0';
		/* Decoding never makes text longer: a value that fits undecoded is malformed. */
		if (vlen < len)
			return eiso_seterr(EISO_INVAL, "%s: a broken %%-escape", name);
		return eiso_seterr(EISO_TOOBIG, "%s: longer than %zu bytes", name, len - 1);
	}
	for (const unsigned char *c = (const unsigned char *)buf; *c != '\0'; c++)
		if ((*c < 0x20 && !(multiline && (*c == '\n' || *c == '\r' || *c == '\t'))) ||
		    *c == 0x7f) {
			buf[0] = '\0';
			return eiso_seterr(EISO_INVAL, "%s: holds a control character (0x%02x)", name,
			    *c);
		}
	return 0;
}

int
ws_form_begin(struct ws_page *p, struct ws_form *f)
{
	int rc;

	eiso_clearerr();
	if ((rc = ws_form_read(p->r, f)) != 0) {
		log_warnx("workspace: %s %s by %s: %s", p->r->method, p->r->path, p->u.name,
		    eiso_lasterr(rc));
		ws_error(p, ws_status(rc), TR_WS_ERR_FORM, eiso_lasterr(rc));
		return 0;
	}
	if (!ws_csrf_ok(p, f)) {
		ws_form_free(f);
		return 0;
	}
	return 1;
}

/* A field's decoded value into buf; "" when absent or not decodable. */
const char *
ws_field(const struct ws_form *f, const char *name, char *buf, size_t len)
{
	if (f->body == NULL || http_query(f->body, name, buf, len) != 0)
		buf[0] = '\0';
	return buf;
}

void
ws_form_free(struct ws_form *f)
{
	if (f->body != NULL)
		sodium_memzero(f->body, strlen(f->body));
	free(f->body);
	f->body = NULL;
}

/* A form that changes something: its token must be the session's. */
int
ws_csrf_ok(struct ws_page *p, const struct ws_form *f)
{
	char tok[SESSION_CSRF_HEX + 2];

	if (session_csrf_ok(p->w->who, ws_field(f, "csrf", tok, sizeof(tok))))
		return 1;
	log_warnx("workspace: %s %s by %s: form token %s", p->r->method, p->r->path,
	    p->u.name, tok[0] ? "wrong" : "missing");
	ws_error(p, 403, TR_WS_ERR_CSRF, tok[0] ? "csrf: not the token of this session" :
	    "csrf: missing");
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
		ws_redirect(l->p.r, "/work", cookie);
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
	eiso_clearerr();
	if ((rc = ws_form_read(r, &f)) != 0) {
		log_warnx("workspace: login form refused: %s", eiso_lasterr(rc));
		ws_error(&p, ws_status(rc), TR_WS_ERR_FORM, eiso_lasterr(rc));
		return;
	}
	ws_field(&f, "csrf", tok, sizeof(tok));
	cookie = http_header(r, "cookie");
	if (cookie == NULL || http_cookie(cookie, WS_PRE_COOKIE, pre, sizeof(pre)) != 0 ||
	    strlen(tok) != SESSION_CSRF_HEX || strlen(pre) != SESSION_CSRF_HEX ||
	    sodium_memcmp(tok, pre, SESSION_CSRF_HEX) != 0) {
		log_warnx("workspace: login form without its token, refused");
		ws_error(&p, 403, TR_WS_ERR_CSRF, tok[0] ? "csrf: not the token of this login form" :
		    "csrf: missing");
		goto done;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->password = sodium_malloc(USER_PASSWORD_MAX + 1)) == NULL) {
		ws_error(&p, 500, TR_WS_ERR_INTERNAL, NULL);
		goto fail;
	}
	/* Bytes no name or password holds are refused before they reach the logs or a hash. */
	eiso_clearerr();
	if ((rc = ws_input(&f, "name", name, sizeof(name), 0)) != 0 ||
	    (rc = ws_input(&f, "password", l->password, USER_PASSWORD_MAX + 1, 0)) != 0) {
		log_warnx("workspace: login form refused: %s", eiso_lasterr(rc));
		ws_login_form(&p, ws_status(rc), NULL, TR_WS_ERR_FORM, eiso_lasterr(rc));
		goto fail;
	}
	/* Only a well-formed name reaches the logs and the limiter's keys. */
	if (user_name_ok(name) != 0)
		snprintf(name, sizeof(name), "?");
	http_peer(r, addr, sizeof(addr));
	if (ws_login_locked(&p, name, addr))
		goto fail;
	l->w = w;
	snprintf(l->name, sizeof(l->name), "%.*s", USER_NAME_MAX, name);
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
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
	if (!ws_form_begin(&p, &f))
		return;
	{
		log_info("workspace: %s logged out", p.u.name);
		session_close(p.w->sessions, p.w->who->token);
		ws_redirect(r, "/login", gone);
	}
	ws_form_free(&f);
}

/* Load the page's user, or send the browser to log in again. 0: go on. */
int
ws_begin(struct ws_page *p, struct web *w, struct http_req *r)
{
	ws_page_init(p, w, r);
	if (ws_page_user(p) != 0) {
		ws_redirect(r, "/login", NULL);
		return -1;
	}
	return 0;
}
