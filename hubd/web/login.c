/*
 * login.c: the dashboard's login, logout and sessions.
 *
 * [web] user and password_hash (argon2id from `hubd passwd`): the user name is compared by
 * hash in constant time and the password through libsodium's verifier. A login opens a
 * session (common/session.c): a random token in an HttpOnly, SameSite=Strict cookie (Secure
 * over TLS), kept in memory with an idle expiry, and its own form token that every form
 * carrying a change (logout included, which is a POST) sends back.
 *
 * An argon2id check costs a core for a tenth of a second and 64 MiB: done on the web thread,
 * four parallel bad logins made every portal page wait seconds. So the check runs on libuv's
 * thread pool, at most LOGIN_HASHING at once, with at most LOGIN_WAITING more queued (further
 * logins are answered 503 with Retry-After), and the web thread answers the login when it
 * is done (http_later). Failures are counted per user name and per client address
 * (common/session.c's limiter): past a few, that name or address is locked out for a time
 * that doubles with each failure; every failure and refusal is logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "log.h"
#include "web/web_int.h"

#define LOGIN_COOKIE     "eiso_session"
#define LOGIN_SESSIONS   256
#define LOGIN_USER_FAILS 5        /* failures per user name before a lockout */
#define LOGIN_ADDR_FAILS 20       /* per address: an office behind one NAT shares it */
#define LOGIN_LOCK_MS    30000    /* the first lockout; doubles with each failure after */
#define LOGIN_LOCK_MAX_MS (15 * 60 * 1000)
#define LOGIN_HASHING    2        /* password checks at once: leaves a core to the pages */
#define LOGIN_WAITING    32       /* logins queued behind them; more: 503 */
#define LOGIN_PASS_MAX   256

/* A login waiting for, or in, its password check. */
struct web_login {
	uv_work_t work;
	struct web *w;
	struct http_req *r;              /* the deferred request */
	struct web_login *next;          /* in w->hashing_q */
	char user[64], addr[64], next_path[512];
	char *pass;                      /* sodium_malloc */
	int ok;
};

int
login_open(struct web *w)
{
	int rc;

	w->hashing_tail = &w->hashing_q;
	if ((rc = session_table_new(LOGIN_SESSIONS, (int64_t)w->h.conf.web_session_s * 1000,
	    &w->sessions)) != 0 ||
	    (rc = login_limit_new(1024, LOGIN_USER_FAILS, LOGIN_LOCK_MS, LOGIN_LOCK_MAX_MS,
	    &w->limit_user)) != 0 ||
	    (rc = login_limit_new(1024, LOGIN_ADDR_FAILS, LOGIN_LOCK_MS, LOGIN_LOCK_MAX_MS,
	    &w->limit_addr)) != 0)
		return eiso_seterr(rc, "web: sessions: out of memory");
	return 0;
}

void
login_close(struct web *w)
{
	session_table_free(&w->sessions);
	login_limit_free(&w->limit_user);
	login_limit_free(&w->limit_addr);
}

const struct session *
login_session(struct web *w, struct http_req *r)
{
	const char *cookie = http_header(r, "cookie");
	char tok[SESSION_TOKEN_HEX + 2];

	if (cookie == NULL || http_cookie(cookie, LOGIN_COOKIE, tok, sizeof(tok)) != 0 ||
	    strlen(tok) != SESSION_TOKEN_HEX)
		return NULL;
	return session_find(w->sessions, tok, store_now_ms());
}

/* A form field of an application/x-www-form-urlencoded body (the same syntax as a query). */
static int
login_form(struct http_req *r, const char *name, char *out, size_t outlen)
{
	char body[WEB_MAX_BODY + 1];

	out[0] = '\0';
	if (r->body == NULL || r->body_len > WEB_MAX_BODY)
		return EISO_NOTFOUND;
	memcpy(body, r->body, r->body_len);
	body[r->body_len] = '\0';
	return http_query(body, name, out, outlen);
}

/* A local path to go back to after login; anything else goes to the overview. */
static const char *
login_safe_next(const char *next)
{
	return http_safe_path(next) ? next : "/";
}

/*
 * The login page: bad (wrong name or password), locked (seconds to wait, or NULL), busy (too
 * many logins in progress); headers as for web_render.
 */
static void
login_page(struct web *w, struct http_req *r, int status, int bad, const char *locked,
    int busy, const char *next, const char *const *headers)
{
	enum web_lang lang = web_lang(w, r);
	char msg[256] = "";
	json_t *ctx;

	if (locked != NULL)
		tr_fill_text(msg, sizeof(msg), lang, TR_LOGIN_LOCKED, "s", locked, NULL);
	ctx = json_pack("{s:b, s:b, s:s, s:s, s:s, s:b}", "off",
	    w->h.conf.web_password_hash[0] == '\0', "error", bad, "conf_path", w->conf_path,
	    "next", next, "locked", msg, "busy", busy);
	web_render(w, r, status, "web_login", ctx, headers);
}

/* 0 when neither the name nor the address is locked out; else r is answered 429. */
static int
login_locked(struct web *w, struct http_req *r, const char *user, const char *addr,
    const char *next)
{
	char key[96], secs[32];
	int64_t now = store_now_ms(), wait_u, wait_a, wait;

	snprintf(key, sizeof(key), "u:%s", user);
	wait_u = login_limit_wait(w->limit_user, key, now);
	snprintf(key, sizeof(key), "a:%s", addr);
	wait_a = login_limit_wait(w->limit_addr, key, now);
	wait = wait_u > wait_a ? wait_u : wait_a;
	if (wait == 0)
		return 0;
	snprintf(secs, sizeof(secs), "%lld", (long long)(wait + 999) / 1000);
	log_warnx("web: login for user '%.64s' from %s refused: %s locked out for %s s more",
	    user, addr, wait_u >= wait_a ? "the user name is" : "the address is", secs);
	{
		const char *h[] = { "retry-after", secs, NULL };
		login_page(w, r, 429, 0, secs, 0, next, h);
	}
	return 1;
}

/* Thread pool: the slow part. Only the job and the immutable config are touched. */
static void
login_work(uv_work_t *work)
{
	struct web_login *l = work->data;
	struct web *w = l->w;
	uint8_t uh[HTTP_TOKEN_HASH];
	int user_ok, pass_ok;

	http_token_hash(l->user, uh);
	user_ok = sodium_memcmp(uh, w->user_hash, sizeof(uh)) == 0;
	/* The password is checked even for a wrong user: both take the same time. */
	pass_ok = crypto_pwhash_str_verify(w->h.conf.web_password_hash, l->pass,
	    strlen(l->pass)) == 0;
	l->ok = user_ok && pass_ok;
}

static void login_done(uv_work_t *work, int status);

/* Start the next queued check if a worker is free. */
static void
login_next(struct web *w)
{
	struct web_login *l;

	while (w->hashing < LOGIN_HASHING && (l = w->hashing_q) != NULL) {
		if ((w->hashing_q = l->next) == NULL)
			w->hashing_tail = &w->hashing_q;
		w->waiting--;
		w->hashing++;
		if (uv_queue_work(&w->loop, &l->work, login_work, login_done) != 0) {
			l->ok = 0;
			login_done(&l->work, UV_ECANCELED);
		}
	}
}

static void
login_free(struct web_login **lp)
{
	struct web_login *l = *lp;

	sodium_free(l->pass);
	sodium_memzero(l, sizeof(*l));
	free(l);
	*lp = NULL;
}

/* Web thread: the check is done; answer the login. */
static void
login_done(uv_work_t *work, int status)
{
	struct web_login *l = work->data;
	struct web *w = l->w;
	const struct session *s;
	char key[96], cookie[200];
	unsigned fails;

	w->hashing--;
	if (w->stopping || http_later_gone(l->r))
		goto done;
	w->lang_cookie[0] = '\0';          /* this answer's own, if its query asks */
	web_set_route(w, "login");
	if (status == 0 && l->ok &&
	    (s = session_open(w->sessions, l->user, store_now_ms())) != NULL) {
		snprintf(key, sizeof(key), "u:%s", l->user);
		login_limit_clear(w->limit_user, key);
		log_info("web: %s logged in from %s", s->user, l->addr);
		snprintf(cookie, sizeof(cookie), LOGIN_COOKIE "=%s; Path=/; HttpOnly; "
		    "SameSite=Strict; Max-Age=%llu", s->token,
		    (unsigned long long)w->h.conf.web_session_s);
		{
			const char *h[] = { "set-cookie", cookie, "location",
			    login_safe_next(l->next_path), NULL };
			http_reply_raw(l->r, 303, "text/plain; charset=utf-8", "", 0, h);
		}
	} else {
		snprintf(key, sizeof(key), "u:%s", l->user);
		fails = login_limit_fail(w->limit_user, key, store_now_ms());
		snprintf(key, sizeof(key), "a:%s", l->addr);
		login_limit_fail(w->limit_addr, key, store_now_ms());
		log_warnx("web: failed login for user '%.64s' from %s (%u in a row)", l->user,
		    l->addr, fails);
		login_page(w, l->r, 401, 1, NULL, 0, login_safe_next(l->next_path), NULL);
	}
	web_count(w, l->r->status);
done:
	http_later_end(&l->r);
	login_free(&l);
	login_next(w);
}

void
web_login(void *arg, struct http_req *r)
{
	struct web *w = arg;
	struct web_login *l;
	char user[64], next[512], addr[64];

	web_set_route(w, "login");
	if (strcmp(r->method, "POST") != 0) {
		if (http_query(r->query, "next", next, sizeof(next)) != 0)
			snprintf(next, sizeof(next), "/");
		login_page(w, r, 200, 0, NULL, 0, login_safe_next(next), NULL);
		return;
	}
	if (login_form(r, "next", next, sizeof(next)) != 0)
		snprintf(next, sizeof(next), "/");
	if (w->h.conf.web_password_hash[0] == '\0') {
		log_warnx("web: login refused: no password is set (web.password_hash); set one "
		    "with: hubd passwd -c %s", w->conf_path);
		login_page(w, r, 403, 0, NULL, 0, login_safe_next(next), NULL);
		return;
	}
	if (login_form(r, "user", user, sizeof(user)) != 0)
		user[0] = '\0';
	http_peer(r, addr, sizeof(addr));
	if (login_locked(w, r, user, addr, login_safe_next(next)))
		return;
	if (w->hashing + w->waiting >= LOGIN_HASHING + LOGIN_WAITING) {
		static const char *const h[] = { "retry-after", "2", NULL };

		log_warnx("web: login for user '%.64s' from %s refused: %u logins already wait "
		    "for their password check", user, addr, w->hashing + w->waiting);
		login_page(w, r, 503, 0, NULL, 1, login_safe_next(next), h);
		return;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->pass = sodium_malloc(LOGIN_PASS_MAX)) == NULL) {
		free(l);
		http_reply_error(r, 500, "internal", "out of memory");
		return;
	}
	if (login_form(r, "password", l->pass, LOGIN_PASS_MAX) != 0)
		l->pass[0] = '\0';
	l->w = w;
	l->work.data = l;
	snprintf(l->user, sizeof(l->user), "%s", user);
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	snprintf(l->next_path, sizeof(l->next_path), "%s", next);
	if ((l->r = http_later(r)) == NULL) {
		login_free(&l);
		return;
	}
	*w->hashing_tail = l;
	w->hashing_tail = &l->next;
	w->waiting++;
	login_next(w);
}

void
web_logout(void *arg, struct http_req *r)
{
	struct web *w = arg;
	static const char *const h[] = {
		"set-cookie", LOGIN_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
		"location", "/login", NULL
	};
	const struct session *s = login_session(w, r);
	char csrf[SESSION_CSRF_HEX + 2];

	web_set_route(w, "logout");
	if (s == NULL) {
		http_reply_raw(r, 303, "text/plain; charset=utf-8", "", 0, h);
		return;
	}
	/* A page of another site must not be able to log the user out: the form token. */
	if (login_form(r, "csrf", csrf, sizeof(csrf)) != 0 || !session_csrf_ok(s, csrf)) {
		log_warnx("web: logout of %s without the form token, refused", s->user);
		http_reply_error(r, 403, "forbidden", "csrf: the form token is missing or wrong "
		    "(log out with the button of a dashboard page)");
		return;
	}
	log_info("web: %s logged out", s->user);
	session_close(w->sessions, s->token);
	http_reply_raw(r, 303, "text/plain; charset=utf-8", "", 0, h);
}
