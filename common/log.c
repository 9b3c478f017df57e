/*
 * log.c: stderr logging with journald priority prefixes when run under systemd.
 *
 * Logged values often come from outside (a user name typed at the login, a node's reason text),
 * so every control character of a message is written as \xNN: one call, one line, whatever
 * the values hold. The limit table keeps a peer who repeats a refused message from filling the
 * disk: a few lines per key, then a count.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "eiso";
static int log_debugging;
static int log_journal;

void
log_init(const char *prog, int debug)
{
	log_prog = prog;
	log_debugging = debug;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

/* Copy s into out (outlen bytes) with every control character as \xNN; cut to fit. */
static void
log_escape(char *out, size_t outlen, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != 0x7f) {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)c;
			continue;
		}
		if (o + 4 >= outlen)
			break;
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
}

static void __attribute__((format(printf, 3, 0)))
log_emit(int prio, int with_errno, const char *fmt, va_list ap)
{
	char raw[1024], msg[4 * sizeof(raw)];
	int saved = errno;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	log_escape(msg, sizeof(msg), raw);
	if (log_journal) {
		if (with_errno)
			fprintf(stderr, "<%d>%s: %s\n", prio, msg, strerror(saved));
		else
			fprintf(stderr, "<%d>%s\n", prio, msg);
	} else {
		if (with_errno)
			fprintf(stderr, "%s: %s: %s\n", log_prog, msg, strerror(saved));
		else
			fprintf(stderr, "%s: %s\n", log_prog, msg);
	}
	errno = saved;
}

#define LOG_BODY(prio, with_errno)              \
	do {                                    \
		va_list ap;                     \
		va_start(ap, fmt);              \
		log_emit(prio, with_errno, fmt, ap); \
		va_end(ap);                     \
	} while (0)

void log_warn(const char *fmt, ...) { LOG_BODY(4, 1); }
void log_warnx(const char *fmt, ...) { LOG_BODY(4, 0); }
void log_info(const char *fmt, ...) { LOG_BODY(6, 0); }

void
log_debug(const char *fmt, ...)
{
	if (log_debugging)
		LOG_BODY(7, 0);
}

void
fatal(const char *fmt, ...)
{
	LOG_BODY(3, 1);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(3, 0);
	exit(1);
}

/* The rate limit: one entry per key seen in its current window. */
struct log_limit_key {
	char key[LOG_LIMIT_KEY];
	int64_t since;                /* start of its window, ms */
	unsigned lines;               /* lines logged in it */
	uint64_t held;                /* lines not logged in it */
};

struct log_limit {
	char what[32];
	struct log_limit_key *k;
	size_t n, cap;
};

int
log_limit_new(const char *what, struct log_limit **out)
{
	struct log_limit *l = calloc(1, sizeof(*l));

	*out = NULL;
	if (l == NULL)
		return -1;
	snprintf(l->what, sizeof(l->what), "%s", what);
	*out = l;
	return 0;
}

void
log_limit_free(struct log_limit **l)
{
	if (*l != NULL) {
		free((*l)->k);
		free(*l);
		*l = NULL;
	}
}

int
log_limit_take(struct log_limit *l, const char *key, int64_t now_ms)
{
	struct log_limit_key *e = NULL;

	if (l == NULL)
		return 1;
	for (size_t i = 0; i < l->n && e == NULL; i++)
		if (strncmp(l->k[i].key, key, sizeof(l->k[i].key) - 1) == 0)
			e = &l->k[i];
	if (e == NULL) {
		if (l->n == l->cap) {
			size_t ncap = l->cap ? l->cap * 2 : 16;
			struct log_limit_key *p = realloc(l->k, ncap * sizeof(*p));
			if (p == NULL)
				return 1;   /* no room to count: log it */
			l->k = p;
			l->cap = ncap;
		}
		e = &l->k[l->n++];
		memset(e, 0, sizeof(*e));
		snprintf(e->key, sizeof(e->key), "%s", key);
		e->since = now_ms;
	}
	if (e->lines < LOG_LIMIT_BURST) {
		e->lines++;
		return 1;
	}
	e->held++;
	return 0;
}

void
log_limit_flush(struct log_limit *l, int64_t now_ms)
{
	size_t i = 0;

	if (l == NULL)
		return;
	while (i < l->n) {
		struct log_limit_key *e = &l->k[i];

		if (now_ms - e->since < LOG_LIMIT_WINDOW_MS) {
			i++;
			continue;
		}
		if (e->held > 0)
			log_warnx("%s: %llu more %s not logged in the last %d s", e->key,
			    (unsigned long long)e->held, l->what, LOG_LIMIT_WINDOW_MS / 1000);
		*e = l->k[--l->n];   /* a new window starts with its next line */
	}
}
