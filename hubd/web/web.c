/*
 * web.c: the hub's HTTP side. `hubd run` starts it in its own thread, with its own libuv loop
 * and one libh2o server (common/http.c) on [web] listen; it reads the store with read
 * transactions only, beside the ingest thread that writes it.
 *
 * Routing: the route table web_start is given (hubd/routes.c: /static/, the portal, /login,
 * /logout, /api/v1/, /metrics, the dashboard pages) says for each path who may ask: anyone
 * (WEB_PUBLIC, WEB_LOGIN), the bearer token from [web] token or a dashboard session
 * (WEB_STAFF), or a session only (WEB_SESSION; others are sent to /login).
 *
 * Login, logout and sessions are login.c's (web_int.h holds the state the two share).
 *
 * The one write the web side offers, acknowledging an alert, is not done here: the ingest
 * thread is the store's only writer. The request waits (bounded) while the ingest thread,
 * woken through an eventfd, runs it between two batches.
 */
#include <sys/eventfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "keys.h"
#include "log.h"
#include "web/web_int.h"

#define WEB_WRITE_WAIT_S 20

/* The routes /metrics counts requests under, and the statuses it tells apart. */
static const char *const web_routes[] = {
	"static", "portal", "login", "logout", "dashboard", "agency_page", "alerts_page",
	"alert_ack_form", "metrics", "api_province", "api_agencies", "api_agency",
	"api_documents", "api_document", "api_files", "api_file", "api_cases",
	"api_changesets", "api_alerts", "api_alert", "api_alert_ack", "api_other", "not_found",
	NULL
};
_Static_assert(WEB_NROUTES == sizeof(web_routes) / sizeof(web_routes[0]) - 1,
    "WEB_NROUTES (web_int.h) counts web_routes");
static const int web_statuses[] = {
	200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405, 409, 413, 429, 500, 503, 0
};
_Static_assert(WEB_NSTATUS == sizeof(web_statuses) / sizeof(web_statuses[0]),
    "WEB_NSTATUS (web_int.h) counts web_statuses");

/* The web thread's loop has ended (static: the thread outlives its struct web). */
static pthread_mutex_t web_done_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t web_done_cv = PTHREAD_COND_INITIALIZER;
static int web_done;

/* ------------------------------------------------------------------------------------------ */
/* Small pieces */

struct hub *
web_hub(struct web *w)
{
	return &w->h;
}

const struct tmpl_set *
web_tmpl(const struct web *w)
{
	return w->tmpl;
}

int
web_wake_fd(const struct web *w)
{
	return w != NULL ? w->efd : -1;
}

void
web_set_route(struct web *w, const char *route)
{
	w->route = route;
}

int
web_target(struct web *w, const char *level)
{
	for (int i = 0; i < w->ntargets; i++)
		if (level != NULL && strcmp(w->tlevel[i], level) == 0)
			return w->tpct[i];
	return -1;
}

void
web_reply_html(struct web *w, struct http_req *r, int status, struct html *b,
    const char *const *headers)
{
	const char *h[16];
	size_t n = 0;

	for (size_t i = 0; headers != NULL && headers[i] != NULL && n + 3 < 16; i++)
		h[n++] = headers[i];
	if (w->lang_cookie[0] != '\0' && n + 3 < 16) {
		h[n++] = "set-cookie";
		h[n++] = w->lang_cookie;
	}
	h[n] = NULL;
	http_reply_html(r, status, b, h);
}

void
web_render(struct web *w, struct http_req *r, int status, const char *name, json_t *ctx,
    const char *const *headers)
{
	enum web_lang lang = web_lang(w, r);
	struct html b = { 0 };
	int rc = EISO_NOMEM;

	if (ctx != NULL && json_object_set_new(ctx, "lang", json_string(lang == WEB_EN ?
	    "en" : "vi")) == 0)
		rc = tmpl_render(w->tmpl, name, lang, ctx, &b);
	json_decref(ctx);
	if (rc != 0 || b.oom) {
		html_free(&b);
		log_warnx("web: page %s: %s", name, eiso_lasterr(rc));
		http_reply_error(r, 500, "internal", "page %s cannot be rendered", name);
		return;
	}
	web_reply_html(w, r, status, &b, headers);
}

const char *
web_lang_cookie(const struct web *w)
{
	return w->lang_cookie;
}

const struct web_who *
web_who(const struct web *w)
{
	return &w->who;
}

enum web_lang
web_lang(struct web *w, struct http_req *r)
{
	const char *cookie;
	char v[8];

	if (http_query(r->query, "lang", v, sizeof(v)) == 0 &&
	    (strcmp(v, "en") == 0 || strcmp(v, "vi") == 0)) {
		snprintf(w->lang_cookie, sizeof(w->lang_cookie),
		    "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", v);
		return v[0] == 'e' ? WEB_EN : WEB_VI;
	}
	if ((cookie = http_header(r, "cookie")) != NULL &&
	    http_cookie(cookie, "lang", v, sizeof(v)) == 0 && strcmp(v, "en") == 0)
		return WEB_EN;
	return WEB_VI;
}

int
web_query_uint(struct http_req *r, const char *name, uint64_t def, uint64_t min, uint64_t max,
    uint64_t *out)
{
	char v[32], *end;
	int rc;

	*out = def;
	if ((rc = http_query(r->query, name, v, sizeof(v))) == EISO_NOTFOUND || v[0] == '\0')
		return 0;
	if (rc != 0)
		return rc;
	errno = 0;
	*out = strtoull(v, &end, 10);
	if (*end != '\0' || errno != 0 || v[0] == '-' || v[0] == '+' || *out < min || *out > max)
		return eiso_seterr(EISO_INVAL, "%s: '%s' is not a number from %llu to %llu", name, v,
		    (unsigned long long)min, (unsigned long long)max);
	return 0;
}

int
web_page(struct http_req *r, size_t *offset, size_t *limit)
{
	uint64_t o, l;
	int rc;

	if ((rc = web_query_uint(r, "offset", 0, 0, UINT32_MAX, &o)) != 0 ||
	    (rc = web_query_uint(r, "limit", WEB_LIMIT_DEFAULT, 1, WEB_LIMIT_MAX, &l)) != 0)
		return rc;
	*offset = (size_t)o;
	*limit = (size_t)l;
	return 0;
}

int
web_http_count(struct web *w, size_t i, const char **route, int *status, uint64_t *n)
{
	for (; i < WEB_NROUTES * WEB_NSTATUS; i++) {
		size_t ro = i / WEB_NSTATUS, st = i % WEB_NSTATUS;

		if (w->hits[ro][st] == 0)
			continue;
		*route = web_routes[ro];
		*status = web_statuses[st];
		*n = w->hits[ro][st];
		return (int)i + 1;
	}
	return 0;
}

void
web_count(struct web *w, int status)
{
	size_t ro, st;

	for (ro = 0; ro < WEB_NROUTES; ro++)
		if (w->route != NULL && strcmp(web_routes[ro], w->route) == 0)
			break;
	if (ro == WEB_NROUTES)
		ro = WEB_NROUTES - 1;          /* not_found */
	for (st = 0; st + 1 < WEB_NSTATUS && web_statuses[st] != status; st++)
		;
	w->hits[ro][st]++;
}

/* "department=90 district=80 ..." */
static int
web_parse_targets(struct web *w, const char *s)
{
	char buf[sizeof(w->h.conf.web_targets)], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", s);
	w->ntargets = 0;
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL; tok = strtok_r(NULL, " \t,", &save)) {
		char *eq = strchr(tok, '='), *end;
		long pct;

		if (eq == NULL || eq == tok || (size_t)(eq - tok) >= sizeof(w->tlevel[0]))
			return eiso_seterr(EISO_CONF, "web.targets: '%s' is not LEVEL=PERCENT", tok);
		pct = strtol(eq + 1, &end, 10);
		if (*end != '\0' || eq[1] == '\0' || pct < 0 || pct > 100)
			return eiso_seterr(EISO_CONF, "web.targets: '%s': the percent must be 0-100",
			    tok);
		if (w->ntargets == WEB_MAX_TARGETS)
			return eiso_seterr(EISO_CONF, "web.targets: more than %d levels",
			    WEB_MAX_TARGETS);
		*eq = '\0';
		snprintf(w->tlevel[w->ntargets], sizeof(w->tlevel[0]), "%s", tok);
		w->tpct[w->ntargets++] = (int)pct;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Static assets (hubd/web/www, compiled in by the Makefile) */

struct web_asset {
	const char *name;
	const unsigned char *data;
	unsigned int len;
};
extern const struct web_asset web_assets[];

void
web_static(void *arg, struct http_req *r)
{
	struct web *w = arg;
	static const char *const cache[] = { "cache-control", "public, max-age=600", NULL };
	const char *name = r->path + strlen("/static/"), *dot = strrchr(name, '.'), *type;

	web_set_route(w, "static");
	type = dot == NULL ? "application/octet-stream" :
	    strcmp(dot, ".css") == 0 ? "text/css; charset=utf-8" :
	    strcmp(dot, ".js") == 0 ? "text/javascript; charset=utf-8" :
	    strcmp(dot, ".svg") == 0 ? "image/svg+xml" :
	    strcmp(dot, ".png") == 0 ? "image/png" : "application/octet-stream";
	for (const struct web_asset *a = web_assets; a->name != NULL; a++) {
		if (strcmp(a->name, name) == 0) {
			http_reply_raw(r, 200, type, a->data, a->len, cache);
			return;
		}
	}
	http_reply_raw(r, 404, "text/plain; charset=utf-8", "not found\n", 10, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* The write handed to the ingest thread */

int
web_ack(struct web *w, uint64_t id, const char *by)
{
	struct timespec until;
	uint64_t one = 1;
	int rc;

	pthread_mutex_lock(&w->mu);
	w->wr.alert = id;
	snprintf(w->wr.by, sizeof(w->wr.by), "%s", by);
	w->wr.pending = 1;
	w->wr.done = 0;
	if (write(w->efd, &one, sizeof(one)) != sizeof(one))
		log_warn("web: eventfd");
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WEB_WRITE_WAIT_S;
	while (!w->wr.done && !w->stopping &&
	    pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT)
		;
	if (w->wr.done) {
		rc = w->wr.rc;
		if (rc != 0)
			eiso_seterr(rc, "%s", w->wr.err);
	} else {
		/* Still queued: the ingest thread may yet do it; say so rather than guess. */
		w->wr.pending = 0;
		rc = eiso_seterr(EISO_STORE, "the hub is busy or stopping: try again");
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

struct web_ack_txn {
	uint64_t id;
	const char *by;
	struct hub *h;
};

static int
web_ack_txn(MDB_txn *txn, void *arg)
{
	struct web_ack_txn *a = arg;

	return alert_ack(txn, a->h, a->id, a->by);
}

void
web_do_writes(struct web *w, struct hub *h)
{
	uint64_t n;
	struct web_ack_txn a;

	if (w == NULL)
		return;
	if (read(w->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("web: eventfd");
	pthread_mutex_lock(&w->mu);
	if (w->wr.pending) {
		a.id = w->wr.alert;
		a.by = w->wr.by;
		a.h = h;
		eiso_clearerr();
		w->wr.rc = store_write(h->st, web_ack_txn, &a);
		snprintf(w->wr.err, sizeof(w->wr.err), "%s", eiso_lasterr(w->wr.rc));
		if (w->wr.rc == 0)
			log_info("alert %llu acknowledged by %s", (unsigned long long)a.id, a.by);
		w->wr.pending = 0;
		w->wr.done = 1;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
}

/* ------------------------------------------------------------------------------------------ */
/* Routing */

static void
web_not_found(struct web *w, struct http_req *r)
{
	web_set_route(w, "not_found");
	web_render(w, r, 404, "web_not_found", json_object(), NULL);
}

/* The Authorization header carries the API token. */
static int
web_bearer(struct web *w, struct http_req *r)
{
	const char *a = http_header(r, "authorization");

	return a != NULL && w->have_token && http_bearer_ok(a, strlen(a), w->token_hash);
}

/* Who asks: the bearer token, or a session's cookie. */
static void
web_identify(struct web *w, struct http_req *r)
{
	const struct session *s;

	if (web_bearer(w, r)) {
		w->who.user = "api";
	} else if ((s = login_session(w, r)) != NULL) {
		w->who.user = s->user;
		w->who.csrf = s->csrf;
		w->who.cookie = 1;
	}
}

/* Send a page that wants a session to /login, with a way back. */
static void
web_to_login(struct web *w, struct http_req *r)
{
	struct html loc = { 0 };
	const char *h[3] = { "location", NULL, NULL };

	web_set_route(w, "login");
	html_raw(&loc, "/login?next=");
	html_seg(&loc, r->path);
	h[1] = loc.buf != NULL ? loc.buf : "/login";
	http_reply_raw(r, 303, "text/plain; charset=utf-8", "", 0, h);
	html_free(&loc);
}

static void
web_on_request(void *arg, struct http_req *r)
{
	struct web *w = arg;
	const struct http_route *rt;
	int status;

	w->route = "not_found";
	w->lang_cookie[0] = '\0';
	memset(&w->who, 0, sizeof(w->who));
	rt = http_route_find(w->routes, r, &status);
	/* Only public routes (the portal's verify upload) take bodies up to [web] max_upload. */
	if ((rt == NULL || rt->auth != WEB_PUBLIC) && r->body_len > WEB_MAX_BODY) {
		http_reply_error(r, 413, "too_large", "body: larger than %d bytes", WEB_MAX_BODY);
		goto done;
	}
	if (rt == NULL) {
		if (status == 405)
			http_reply_error(r, 405, "method", "method: %s %s is not allowed",
			    r->method, r->path);
		else
			web_not_found(w, r);
		goto done;
	}
	web_set_route(w, rt->label);
	/* Everything but the public pages and login is for staff: the token, or a session. */
	if (rt->auth == WEB_STAFF || rt->auth == WEB_SESSION)
		web_identify(w, r);
	if (rt->auth == WEB_STAFF && w->who.user == NULL) {
		http_reply_error(r, 401, "unauthorized", "login: send Authorization: Bearer "
		    "TOKEN (web.token in the hub's config) or log in to the dashboard");
		goto done;
	}
	if (rt->auth == WEB_SESSION && (w->who.user == NULL || !w->who.cookie)) {
		web_to_login(w, r);
		goto done;
	}
	rt->fn(w, r);
done:
	if (!r->answered)
		http_reply_error(r, 500, "internal", "no answer for %s %s", r->method, r->path);
	if (r->status != 0)            /* 0: answered later (a login), and counted then */
		web_count(w, r->status);
}

/* ------------------------------------------------------------------------------------------ */
/* The thread */

static void
web_on_stop(uv_async_t *a)
{
	struct web *w = a->data;

	http_stop(&w->srv);
	uv_close((uv_handle_t *)&w->stop_async, NULL);
}

static void *
web_thread(void *arg)
{
	struct web *w = arg;
	struct http_config cfg;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.name = "web";
	cfg.listen = w->h.conf.web_listen;
	cfg.auth = HTTP_AUTH_NONE;
	cfg.max_body = w->h.conf.web_max_upload;     /* the portal's verify upload */
	http_serve_apply(&cfg, &w->h.conf.web_serve);
	cfg.handler = web_on_request;
	cfg.arg = w;
	eiso_clearerr();
	if ((rc = uv_loop_init(&w->loop)) != 0) {
		rc = eiso_seterr(EISO_NET, "web: %s", uv_strerror(rc));
	} else if ((rc = http_start(&w->loop, &cfg, &w->srv)) == 0) {
		w->stop_async.data = w;
		uv_async_init(&w->loop, &w->stop_async, web_on_stop);
	}
	pthread_mutex_lock(&w->mu);
	w->start_rc = rc;
	snprintf(w->start_err, sizeof(w->start_err), "%s", eiso_lasterr(rc));
	w->start_done = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (rc != 0)
		return NULL;
	uv_run(&w->loop, UV_RUN_DEFAULT);
	uv_loop_close(&w->loop);
	pthread_mutex_lock(&web_done_mu);
	web_done = 1;
	pthread_cond_broadcast(&web_done_cv);
	pthread_mutex_unlock(&web_done_mu);
	/*
	 * h2o keeps freed buffers for reuse in thread-local lists that no call empties: a thread
	 * that ended would leave them unreachable (LeakSanitizer says so). So the thread stays,
	 * parked with every signal blocked, until the process ends; w is not touched again.
	 */
	for (;;)
		pause();
	return NULL;
}

static void
web_free(struct web *w)
{
	if (w->efd >= 0)
		close(w->efd);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	tmpl_free(&w->tmpl);
	login_close(w);
	sodium_memzero(&w->h.conf, sizeof(w->h.conf));
	free(w);
}

int
web_start(struct hub *h, const char *conf_path, const struct http_route *routes,
    struct web **out)
{
	struct web *w;
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (h->conf.web_listen[0] == '\0') {
		log_info("web: off (web.listen is empty)");
		return 0;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return EISO_NOMEM;
	w->h = *h;
	w->routes = routes;
	w->efd = -1;
	snprintf(w->conf_path, sizeof(w->conf_path), "%s", conf_path);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if ((rc = web_parse_targets(w, h->conf.web_targets)) != 0)
		goto fail;
	if ((rc = login_open(w)) != 0)
		goto fail;
	if ((rc = tmpl_load(hubd_templates, &w->tmpl)) != 0) {
		rc = eiso_seterr(rc, "web: templates: %s", eiso_lasterr(rc));
		goto fail;
	}
	if (h->conf.web_token[0] != '\0') {
		http_token_hash(h->conf.web_token, w->token_hash);
		w->have_token = 1;
	} else {
		log_warnx("web: web.token is empty: the API and /metrics accept only dashboard "
		    "sessions");
	}
	http_token_hash(h->conf.web_user, w->user_hash);
	if (h->conf.web_password_hash[0] == '\0')
		log_warnx("web: no password is set (web.password_hash), so the dashboard login is "
		    "refused; set one with: hubd passwd -c %s (then restart hubd)", conf_path);
	if ((w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		rc = eiso_seterr(EISO_IO, "web: eventfd: %s", strerror(errno));
		goto fail;
	}
	/* Signals are the ingest thread's: it stops the hub and reloads the config. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&w->thread, NULL, web_thread, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		rc = eiso_seterr(EISO_NOMEM, "web: cannot start its thread: %s", strerror(rc));
		goto fail;
	}
	w->thread_started = 1;
	pthread_mutex_lock(&w->mu);
	while (!w->start_done)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	if ((rc = w->start_rc) != 0) {
		pthread_join(w->thread, NULL);
		if (rc == EISO_NET)
			eiso_seterr(rc, "%s (set web.listen in %s to a free HOST:PORT, or empty to run "
			    "without the web side)", w->start_err, conf_path);
		else
			eiso_seterr(rc, "%s", w->start_err);
		goto fail;
	}
	log_info("web: dashboard, API and metrics on %s://%s/", h->conf.web_serve.tls_cert[0] != '\0' ?
	    "https" : "http", h->conf.web_listen);
	*out = w;
	return 0;
fail:
	web_free(w);
	return rc;
}

void
web_stop(struct web **wp)
{
	struct web *w = *wp;

	*wp = NULL;
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	uv_async_send(&w->stop_async);
	pthread_mutex_lock(&web_done_mu);
	while (!web_done)
		pthread_cond_wait(&web_done_cv, &web_done_mu);
	pthread_mutex_unlock(&web_done_mu);
	pthread_detach(w->thread);
	web_free(w);
}

int
web_check_conf(const char *path, const struct hubd_conf *c)
{
	struct sockaddr_storage ss;
	struct web *w;
	char why[256];
	int rc = 0;

	/* eiso_lasterr's buffer is the one eiso_seterr writes: copy the detail out first. */
	if (c->web_listen[0] != '\0' && (rc = http_parse_listen(c->web_listen, &ss)) != 0) {
		snprintf(why, sizeof(why), "%s", eiso_lasterr(rc));
		return eiso_seterr(EISO_CONF, "%s: web.%s", path, why);
	}
	if ((rc = http_tls_check("web", c->web_serve.tls_cert, c->web_serve.tls_key)) != 0) {
		snprintf(why, sizeof(why), "%s", eiso_lasterr(rc));
		return eiso_seterr(EISO_CONF, "%s: %s", path, why);
	}
	if (c->web_password_hash[0] != '\0' &&
	    strncmp(c->web_password_hash, "$argon2", 7) != 0)
		return eiso_seterr(EISO_CONF, "%s: web.password_hash is not a hash from hubd passwd",
		    path);
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return EISO_NOMEM;
	if ((rc = web_parse_targets(w, c->web_targets)) != 0) {
		snprintf(why, sizeof(why), "%s", eiso_lasterr(rc));
		rc = eiso_seterr(EISO_CONF, "%s: %s", path, why);
	}
	free(w);
	return rc;
}
