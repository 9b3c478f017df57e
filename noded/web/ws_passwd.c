/*
 * ws_passwd.c: a user changes their own password (issue 13). The old password is required,
 * the form carries the session's token, and the check and the new hash (argon2id, slow on
 * purpose) run on libuv's thread pool as a login's check does, never on the loop that also
 * carries the link to the hub. The rules are core's user_passwd_hash, the same as
 * `noded user passwd`; the store is written back on the loop (user_set_hash). A wrong old
 * password counts as a failed login for the user name: this form is no way around the
 * lockout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "err.h"
#include "log.h"
#include "web/ws.h"

/* A change waiting for its hashing on the thread pool. */
struct ws_pw {
	uv_work_t work;
	struct web *w;
	struct ws_page p;                /* p.r is the deferred request */
	char *old, *pw;                  /* sodium_malloc */
	char hash[USER_HASH_MAX];
	char why[256];
	int rc;
};

static void
ws_passwd_form(struct ws_page *p, int status, const char *error, int done)
{
	json_t *ctx;
	char why[512];

	if (error != NULL) {             /* perhaps the last error text, which ws_ctx may reset */
		snprintf(why, sizeof(why), "%s", error);
		error = why;
	}
	ctx = ws_ctx(p, tr(p->lang, TR_WS_PW_TITLE));

	if (error != NULL)
		json_object_set_new(ctx, "error", json_string(error));
	json_object_set_new(ctx, "done", json_boolean(done));
	ws_render(p, status, "passwd", ctx, NULL);
}

void
ws_passwd_page(void *arg, struct http_req *r)
{
	struct ws_page p;

	if (ws_begin(&p, arg, r) != 0)
		return;
	ws_passwd_form(&p, 200, NULL, 0);
}

static void
ws_pw_work(uv_work_t *req)
{
	struct ws_pw *c = req->data;

	eiso_clearerr();
	if ((c->rc = user_passwd_hash(&c->p.u, c->old, c->pw, c->hash)) != 0)
		snprintf(c->why, sizeof(c->why), "%s", eiso_lasterr(c->rc));
}

static void
ws_pw_done(uv_work_t *req, int status)
{
	struct ws_pw *c = req->data;
	struct web *w = c->w;
	char key[96];

	(void)status;
	if (w->stopping || http_later_gone(c->p.r))
		goto done;
	snprintf(key, sizeof(key), "u:%s", c->p.u.name);
	eiso_clearerr();
	if (c->rc == 0 && (c->rc = user_set_hash(w->n, c->p.u.name, c->hash)) != 0)
		snprintf(c->why, sizeof(c->why), "%s", eiso_lasterr(c->rc));
	if (c->rc == 0) {
		log_info("workspace: %s changed their password", c->p.u.name);
		ws_passwd_form(&c->p, 200, NULL, 1);
		goto done;
	}
	if (strncmp(c->why, "old_password:", 13) == 0) {
		login_limit_fail(w->limit, key, store_now_ms());
		log_warnx("workspace: %s: password not changed: wrong old password", c->p.u.name);
	}
	ws_passwd_form(&c->p, c->rc == EISO_NOMEM ? 500 : 400, c->why, 0);
done:
	http_later_end(&c->p.r);
	sodium_free(c->old);
	sodium_free(c->pw);
	sodium_memzero(c, sizeof(*c));
	free(c);
	web_pending_release(w);
}

/* The three fields, checked before anything slow; 0, or the page is answered. */
static int
ws_pw_fields(struct ws_page *p, const struct ws_form *f, struct ws_pw *c)
{
	char *again = sodium_malloc(USER_PASSWORD_MAX + 2);
	int rc;

	if (again == NULL) {
		ws_error(p, 500, TR_WS_ERR_INTERNAL, NULL);
		return -1;
	}
	eiso_clearerr();
	if ((rc = ws_input(f, "old_password", c->old, USER_PASSWORD_MAX + 2, 0)) != 0 ||
	    (rc = ws_input(f, "password", c->pw, USER_PASSWORD_MAX + 2, 0)) != 0 ||
	    (rc = ws_input(f, "password_again", again, USER_PASSWORD_MAX + 2, 0)) != 0)
		goto bad;
	if (c->old[0] == '\0') {
		rc = eiso_seterr(EISO_INVAL, "old_password: required");
		goto bad;
	}
	if ((rc = user_password_ok(c->pw)) != 0)
		goto bad;
	if (strcmp(c->pw, again) != 0) {
		rc = eiso_seterr(EISO_INVAL, "password_again: the two new passwords differ");
		goto bad;
	}
	sodium_free(again);
	return 0;
bad:
	sodium_free(again);
	ws_passwd_form(p, ws_status(rc), eiso_lasterr(rc), 0);
	return -1;
}

void
ws_passwd(void *arg, struct http_req *r)
{
	struct web *w = arg;
	struct ws_pw *c = NULL;
	struct ws_form f;
	struct ws_page p;
	char key[96], secs[32], msg[256];
	int64_t wait;

	if (ws_begin(&p, w, r) != 0 || !ws_form_begin(&p, &f))
		return;
	snprintf(key, sizeof(key), "u:%s", p.u.name);
	if ((wait = login_limit_wait(w->limit, key, store_now_ms())) > 0) {
		snprintf(secs, sizeof(secs), "%lld", (long long)(wait + 999) / 1000);
		tr_fill_text(msg, sizeof(msg), p.lang, TR_WS_LOGIN_LOCKED, "s", secs, NULL);
		ws_passwd_form(&p, 429, msg, 0);
		goto done;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->old = sodium_malloc(USER_PASSWORD_MAX + 2)) == NULL ||
	    (c->pw = sodium_malloc(USER_PASSWORD_MAX + 2)) == NULL) {
		ws_error(&p, 500, TR_WS_ERR_INTERNAL, NULL);
		goto fail;
	}
	if (ws_pw_fields(&p, &f, c) != 0)
		goto fail;
	c->w = w;
	c->p = p;
	c->work.data = c;
	if ((c->p.r = http_later(r)) == NULL)
		goto fail;
	web_pending_hold(w);
	if (uv_queue_work(w->loop, &c->work, ws_pw_work, ws_pw_done) != 0) {
		web_pending_release(w);
		ws_error(&c->p, 500, TR_WS_ERR_INTERNAL, NULL);
		http_later_end(&c->p.r);
		goto fail;
	}
	ws_form_free(&f);
	return;
fail:
	if (c != NULL) {
		sodium_free(c->old);
		sodium_free(c->pw);
		sodium_memzero(c, sizeof(*c));
		free(c);
	}
done:
	ws_form_free(&f);
}
