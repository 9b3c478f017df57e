/*
 * session.c: in-memory web sessions and the login limiter (session.h). Tables are small and
 * scanned whole: a node has tens of staff, and a scan is cheaper than anything it replaces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "keys.h"
#include "session.h"

struct session_table {
	size_t max;
	int64_t idle_ms;
	struct session s[];
};

void
session_random_hex(char *buf, size_t len)
{
	uint8_t raw[64];

	randombytes_buf(raw, len / 2);
	keys_hex(buf, raw, len / 2);
	buf[len] = '\0';
}

int
session_table_new(size_t max, int64_t idle_ms, struct session_table **t)
{
	if ((*t = calloc(1, sizeof(**t) + max * sizeof(struct session))) == NULL)
		return EISO_NOMEM;
	(*t)->max = max;
	(*t)->idle_ms = idle_ms;
	return 0;
}

void
session_table_free(struct session_table **t)
{
	if (*t != NULL)
		sodium_memzero((*t)->s, (*t)->max * sizeof(struct session));
	free(*t);
	*t = NULL;
}

const struct session *
session_open(struct session_table *t, const char *user, int64_t now)
{
	struct session *pick = &t->s[0];

	if (user == NULL || user[0] == '\0' || strlen(user) >= SESSION_USER_MAX)
		return NULL;
	for (size_t i = 0; i < t->max; i++) {
		if (t->s[i].expires <= now) {
			pick = &t->s[i];
			break;
		}
		if (t->s[i].expires < pick->expires)
			pick = &t->s[i];
	}
	session_random_hex(pick->token, SESSION_TOKEN_HEX);
	session_random_hex(pick->csrf, SESSION_CSRF_HEX);
	strcpy(pick->user, user);
	pick->expires = now + t->idle_ms;
	return pick;
}

static struct session *
session_lookup(struct session_table *t, const char *token, int64_t now)
{
	if (token == NULL || strlen(token) != SESSION_TOKEN_HEX)
		return NULL;
	for (size_t i = 0; i < t->max; i++)
		if (t->s[i].expires > now &&
		    sodium_memcmp(t->s[i].token, token, SESSION_TOKEN_HEX) == 0)
			return &t->s[i];
	return NULL;
}

const struct session *
session_find(struct session_table *t, const char *token, int64_t now)
{
	struct session *s = session_lookup(t, token, now);

	if (s != NULL)
		s->expires = now + t->idle_ms;
	return s;
}

void
session_close(struct session_table *t, const char *token)
{
	struct session *s = session_lookup(t, token, 0);

	if (s != NULL)
		sodium_memzero(s, sizeof(*s));
}

int
session_csrf_ok(const struct session *s, const char *csrf)
{
	return s != NULL && csrf != NULL && strlen(csrf) == SESSION_CSRF_HEX &&
	    sodium_memcmp(s->csrf, csrf, SESSION_CSRF_HEX) == 0;
}

/* ------------------------------------------------------------------------------------------ */

struct login_fail {
	char key[96];
	unsigned count;
	int64_t until, last;
};

struct login_limit {
	size_t max;
	unsigned threshold;
	int64_t base_ms, max_ms;
	struct login_fail f[];
};

int
login_limit_new(size_t max, unsigned threshold, int64_t base_ms, int64_t max_ms,
    struct login_limit **l)
{
	if ((*l = calloc(1, sizeof(**l) + max * sizeof(struct login_fail))) == NULL)
		return EISO_NOMEM;
	(*l)->max = max;
	(*l)->threshold = threshold;
	(*l)->base_ms = base_ms;
	(*l)->max_ms = max_ms;
	return 0;
}

void
login_limit_free(struct login_limit **l)
{
	free(*l);
	*l = NULL;
}

static struct login_fail *
login_limit_find(struct login_limit *l, const char *key)
{
	for (size_t i = 0; i < l->max; i++)
		if (l->f[i].count > 0 && strcmp(l->f[i].key, key) == 0)
			return &l->f[i];
	return NULL;
}

int64_t
login_limit_wait(struct login_limit *l, const char *key, int64_t now)
{
	struct login_fail *f = login_limit_find(l, key);

	return f != NULL && f->until > now ? f->until - now : 0;
}

unsigned
login_limit_fail(struct login_limit *l, const char *key, int64_t now)
{
	struct login_fail *f = login_limit_find(l, key);
	int64_t lock;

	if (f == NULL) {
		/* A free slot, else the one whose last failure is oldest. */
		f = &l->f[0];
		for (size_t i = 0; i < l->max; i++) {
			if (l->f[i].count == 0) {
				f = &l->f[i];
				break;
			}
			if (l->f[i].last < f->last)
				f = &l->f[i];
		}
		memset(f, 0, sizeof(*f));
		snprintf(f->key, sizeof(f->key), "%s", key);
	}
	f->count++;
	f->last = now;
	if (f->count >= l->threshold) {
		lock = l->base_ms;
		for (unsigned i = l->threshold; i < f->count && lock < l->max_ms; i++)
			lock *= 2;
		f->until = now + (lock < l->max_ms ? lock : l->max_ms);
	}
	return f->count;
}

void
login_limit_clear(struct login_limit *l, const char *key)
{
	struct login_fail *f = login_limit_find(l, key);

	if (f != NULL)
		memset(f, 0, sizeof(*f));
}
