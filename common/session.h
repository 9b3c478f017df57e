/*
 * session.h: web sessions kept in memory and the login limiter, for a daemon's staff pages
 * (noded's workspace today). A session is a random token the browser holds in an HttpOnly,
 * SameSite=Strict cookie, with an idle expiry and its own random form token (CSRF) that
 * every form carrying a change must send back. Sessions end when the daemon restarts.
 *
 * The limiter counts failed logins per key (the caller uses one key per user name and one
 * per client address) and locks a key out for a time that doubles with each failure past a
 * threshold: a guessed password costs more the longer one guesses. Nothing here does I/O.
 */
#ifndef EISO_SESSION_H
#define EISO_SESSION_H

#include <stddef.h>
#include <stdint.h>

#define SESSION_TOKEN_HEX 64
#define SESSION_CSRF_HEX  32
#define SESSION_USER_MAX  64

struct session {
	char token[SESSION_TOKEN_HEX + 1];
	char csrf[SESSION_CSRF_HEX + 1];
	char user[SESSION_USER_MAX];
	int64_t expires;           /* unix ms; 0: a free slot */
};

struct session_table;

/* At most max sessions, each ending after idle_ms without a request. 0 or EISO_NOMEM. */
int session_table_new(size_t max, int64_t idle_ms, struct session_table **t);
void session_table_free(struct session_table **t);
/* A new session for user (the oldest is dropped when the table is full); NULL: bad user. */
const struct session *session_open(struct session_table *t, const char *user, int64_t now);
/* The live session of token (its idle time restarts), or NULL. Compared in constant time. */
const struct session *session_find(struct session_table *t, const char *token, int64_t now);
/* End the session of token (logout); nothing if there is none. */
void session_close(struct session_table *t, const char *token);
/* 1 when csrf is s's form token (constant time), else 0 (NULL included). */
int session_csrf_ok(const struct session *s, const char *csrf);
/* A random token of hex characters (len even, buf of len + 1). */
void session_random_hex(char *buf, size_t len);

struct login_limit;
/* Remember at most max keys; threshold failures are free, then lockouts of base_ms doubling
 * up to max_ms. 0 or EISO_NOMEM. */
int login_limit_new(size_t max, unsigned threshold, int64_t base_ms, int64_t max_ms,
    struct login_limit **l);
void login_limit_free(struct login_limit **l);
/* Milliseconds key must still wait before a login is tried, 0 when it may try now. */
int64_t login_limit_wait(struct login_limit *l, const char *key, int64_t now);
/* A failed login for key; returns the failures counted so far. */
unsigned login_limit_fail(struct login_limit *l, const char *key, int64_t now);
/* A login succeeded: forget key's failures. */
void login_limit_clear(struct login_limit *l, const char *key);

#endif
