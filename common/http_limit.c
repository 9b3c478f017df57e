/*
 * http_limit.c: what keeps one client from holding the whole HTTP server: a cap on the
 * connections of one address, and a budget for the request bytes held in memory.
 *
 * libh2o 2.2 reads a request's body whole, into the connection's input buffer, before any
 * handler runs, and has no hook between the head and the body: eight 32 MiB uploads took the
 * hub to 357 MB. So the budget watches what h2o reads: h2o's libuv read callback on each
 * connection is wrapped (uv_stream_t's read_cb, re-wrapped before each poll since h2o starts
 * reading anew after every answer), and after each read, while the bytes buffered over all
 * connections exceed the budget, a connection that holds more than HTTP_BUDGET_SMALL is
 * paused (h2o_socket_read_stop: TCP then holds the client back), except the oldest such
 * one, so some upload always goes on. A timer resumes paused uploads, oldest first, when
 * room comes back; one that waited HTTP_BUDGET_WAIT_MS is answered 503 with Retry-After and
 * never read again (h2o's read timeout closes it).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <h2o.h>

#include "http.h"
#include "http_int.h"
#include "log.h"

#define HTTP_BUDGET_SMALL (256 << 10)  /* a request this small is never paused */
#define HTTP_BUDGET_TICK_MS 50
#define HTTP_LOG_EVERY_MS 10000        /* refusals are logged once, then counted */

#define HTTP_BUSY_BODY "{\"error\":{\"code\":\"busy\",\"message\":\"body: too many uploads " \
	"at once; try again in a few seconds\"}}\n"
static char http_busy[640];             /* the whole 503 answer, made by http_limit_start */

static void http_on_budget_tick(uv_timer_t *t);

/* Bytes h2o holds for c: the request being read (head and body) or being answered. */
static size_t
http_held(const struct http_conn *c)
{
	return c->sock != NULL && c->sock->input != NULL ? c->sock->input->size : 0;
}

static uint64_t
http_held_all(const struct http_server *s)
{
	uint64_t n = 0;

	for (const struct http_conn *c = s->conns; c != NULL; c = c->next)
		n += http_held(c);
	return n;
}

/* The oldest connection still reading a large request (it is never paused), or NULL. */
static const struct http_conn *
http_oldest_big(const struct http_server *s)
{
	const struct http_conn *o = NULL;

	for (const struct http_conn *c = s->conns; c != NULL; c = c->next)
		if (!c->paused && !c->refused && http_held(c) >= HTTP_BUDGET_SMALL &&
		    (o == NULL || c->seq < o->seq))
			o = c;
	return o;
}

static void
http_pause(struct http_server *s, struct http_conn *c)
{
	uint64_t now = uv_now(s->loop);

	c->paused_cb = c->sock->_cb.read;
	h2o_socket_read_stop(c->sock);
	c->paused = 1;
	c->paused_at = now;
	s->npaused++;
	if (s->budget_logged_at == 0 || now - s->budget_logged_at >= HTTP_LOG_EVERY_MS) {
		log_warnx("%s: %llu bytes of requests held (body_budget %llu): uploads wait",
		    s->name, (unsigned long long)http_held_all(s),
		    (unsigned long long)s->body_budget);
		s->budget_logged_at = now;
	}
	if (s->limits_on && !uv_is_active((uv_handle_t *)&s->budget_timer))
		uv_timer_start(&s->budget_timer, http_on_budget_tick, HTTP_BUDGET_TICK_MS, 0);
}

static void
http_written(h2o_socket_t *sock, const char *err)
{
	(void)sock;
	(void)err;
}

/* Tell a paused upload to come back later; h2o's read timeout then closes it. */
static void
http_refuse(struct http_server *s, struct http_conn *c)
{
	h2o_iovec_t v = h2o_iovec_init(http_busy, strlen(http_busy));

	c->refused = 1;
	s->budget_refused++;
	log_warnx("%s: an upload waited %d ms for room in body_budget: answered 503", s->name,
	    HTTP_BUDGET_WAIT_MS);
	/* h2o writes nothing while it reads a request: the socket is ours for this answer. */
	if (c->sock->_cb.write == NULL)
		h2o_socket_write(c->sock, &v, 1, http_written);
}

/* Our read callback around h2o's: after each read, see whether the budget still holds. */
static void
http_on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
	struct http_conn *c = (struct http_conn *)st;
	struct http_server *s = c->srv;

	c->h2o_read(st, n, buf);
	if (s->body_budget == 0 || uv_is_closing((uv_handle_t *)st) || c->paused ||
	    c->sock->_cb.read == NULL || http_held(c) < HTTP_BUDGET_SMALL)
		return;
	if (http_held_all(s) > s->body_budget && http_oldest_big(s) != c)
		http_pause(s, c);
}

static void
http_wrap(struct http_conn *c)
{
	if (c->tcp.read_cb != NULL && c->tcp.read_cb != http_on_read) {
		c->h2o_read = c->tcp.read_cb;
		c->tcp.read_cb = http_on_read;
	}
}

static void
http_on_prepare(uv_prepare_t *p)
{
	struct http_server *s = p->data;

	for (struct http_conn *c = s->conns; c != NULL; c = c->next)
		if (!uv_is_closing((uv_handle_t *)&c->tcp))
			http_wrap(c);
}

/* Resume the oldest paused upload while there is room; refuse those that waited too long. */
static void
http_on_budget_tick(uv_timer_t *t)
{
	struct http_server *s = t->data;
	uint64_t now = uv_now(s->loop), held = http_held_all(s);
	struct http_conn *oldest = NULL;

	for (struct http_conn *c = s->conns; c != NULL; c = c->next) {
		if (!c->paused || c->refused)
			continue;
		if (now - c->paused_at >= HTTP_BUDGET_WAIT_MS)
			http_refuse(s, c);
		else if (oldest == NULL || c->seq < oldest->seq)
			oldest = c;
	}
	if (oldest != NULL && (held <= s->body_budget / 2 || http_oldest_big(s) == NULL)) {
		oldest->paused = 0;
		s->npaused--;
		h2o_socket_read_start(oldest->sock, oldest->paused_cb);
		http_wrap(oldest);
	}
	if (s->npaused > 0 && s->limits_on && !uv_is_active((uv_handle_t *)t))
		uv_timer_start(t, http_on_budget_tick, HTTP_BUDGET_TICK_MS, 0);
}

void
http_limit_start(struct http_server *s)
{
	snprintf(http_busy, sizeof(http_busy), "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Type: application/json; charset=utf-8\r\nRetry-After: 5\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
	    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
	    "Connection: close\r\nContent-Length: %zu\r\n\r\n%s", strlen(HTTP_BUSY_BODY),
	    HTTP_BUSY_BODY);
	uv_prepare_init(s->loop, &s->wrap);
	s->wrap.data = s;
	uv_prepare_start(&s->wrap, http_on_prepare);
	uv_timer_init(s->loop, &s->budget_timer);
	s->budget_timer.data = s;
	s->limits_on = 1;
}

void
http_limit_stop(struct http_server *s)
{
	if (!s->limits_on)
		return;
	s->limits_on = 0;
	uv_close((uv_handle_t *)&s->wrap, NULL);
	uv_close((uv_handle_t *)&s->budget_timer, NULL);
}

int
http_limit_admit(struct http_server *s, struct http_conn *c)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	unsigned same = 0;
	uint64_t now;
	char text[64];

	c->seq = ++s->conn_seq;
	if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	c->family = ss.ss_family;
	if (ss.ss_family == AF_INET)
		memcpy(c->addr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else if (ss.ss_family == AF_INET6)
		memcpy(c->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	else
		c->family = 0;
	if (s->conns_per_addr == 0 || c->family == 0)
		return 0;
	for (const struct http_conn *o = s->conns; o != NULL; o = o->next)
		if (o->family == c->family && memcmp(o->addr, c->addr, sizeof(c->addr)) == 0)
			same++;
	if (same < s->conns_per_addr)
		return 0;
	s->addr_refused++;
	now = uv_now(s->loop);
	if (s->addr_logged_at == 0 || now - s->addr_logged_at >= HTTP_LOG_EVERY_MS) {
		inet_ntop(c->family, c->addr, text, sizeof(text));
		log_warnx("%s: %s has %u connections open (conns_per_addr): closing its new ones "
		    "(%llu refused since the last such line)", s->name, text, same,
		    (unsigned long long)s->addr_refused);
		s->addr_logged_at = now;
		s->addr_refused = 0;
	}
	return -1;
}

void
http_limit_track(struct http_conn *c)
{
	http_wrap(c);
}

void
http_limit_gone(struct http_conn *c)
{
	if (c->paused && c->srv->npaused > 0)
		c->srv->npaused--;
	c->paused = 0;
}
