/*
 * i18n.c: the table of web strings made from i18n.def, lookup by key name for templates and
 * for strings picked from a value, and filling of "{name}" parameters.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "i18n.h"

struct i18n_str {
	const char *key, *vi, *en;
};

#define TR(name, key, vi, en) { key, vi, en },
static const struct i18n_str i18n_table[TR_COUNT] = {
#include "i18n.def"
};
#undef TR

/* Key indexes sorted by key name, built once, for tr_find's binary search. */
static unsigned short i18n_sorted[TR_COUNT];
static pthread_once_t i18n_once = PTHREAD_ONCE_INIT;

static int
i18n_cmp(const void *a, const void *b)
{
	return strcmp(i18n_table[*(const unsigned short *)a].key,
	    i18n_table[*(const unsigned short *)b].key);
}

static void
i18n_sort(void)
{
	for (unsigned i = 0; i < TR_COUNT; i++)
		i18n_sorted[i] = (unsigned short)i;
	qsort(i18n_sorted, TR_COUNT, sizeof(i18n_sorted[0]), i18n_cmp);
}

const char *
tr(enum web_lang lang, enum tr_key key)
{
	if ((unsigned)key >= TR_COUNT)
		return "";
	return lang == WEB_EN ? i18n_table[key].en : i18n_table[key].vi;
}

int
tr_find(const char *name, enum tr_key *key)
{
	size_t lo = 0, hi = TR_COUNT;

	pthread_once(&i18n_once, i18n_sort);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, i18n_table[i18n_sorted[mid]].key);
		if (c == 0) {
			*key = (enum tr_key)i18n_sorted[mid];
			return 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return EISO_NOTFOUND;
}

const char *
tr_value(enum web_lang lang, const char *prefix, const char *value)
{
	char name[128];
	enum tr_key key;
	size_t pl = strlen(prefix), vl = strlen(value);

	if (pl + 1 + vl >= sizeof(name))
		return value;
	memcpy(name, prefix, pl);
	name[pl] = '.';
	memcpy(name + pl + 1, value, vl + 1);
	return tr_find(name, &key) == 0 ? tr(lang, key) : value;
}

/* The value given for the parameter name (n bytes) in ap's pairs, or NULL. */
static const char *
tr_param(const char *name, size_t n, va_list ap)
{
	va_list aq;
	const char *k, *v = NULL;

	va_copy(aq, ap);
	while ((k = va_arg(aq, const char *)) != NULL) {
		const char *val = va_arg(aq, const char *);
		if (strlen(k) == n && memcmp(k, name, n) == 0) {
			v = val;
			break;
		}
	}
	va_end(aq);
	return v;
}

/* Write s with its {name} parameters filled through put(arg, bytes, n, is_value). */
static void
tr_expand(const char *s, va_list ap, void (*put)(void *, const char *, size_t), void *arg)
{
	while (*s) {
		const char *open = strchr(s, '{'), *close, *v;

		if (open == NULL || (close = strchr(open, '}')) == NULL) {
			put(arg, s, strlen(s));
			return;
		}
		put(arg, s, (size_t)(open - s));
		v = tr_param(open + 1, (size_t)(close - open - 1), ap);
		if (v != NULL)
			put(arg, v, strlen(v));
		else
			put(arg, open, (size_t)(close + 1 - open));
		s = close + 1;
	}
}

static void
tr_put_html(void *arg, const char *s, size_t n)
{
	html_esc_mem(arg, s, n);
}

void
tr_fill(struct html *b, enum web_lang lang, enum tr_key key, ...)
{
	va_list ap;

	va_start(ap, key);
	tr_expand(tr(lang, key), ap, tr_put_html, b);
	va_end(ap);
}

struct tr_text {
	char *out;
	size_t len, cap;
};

static void
tr_put_text(void *arg, const char *s, size_t n)
{
	struct tr_text *t = arg;

	if (t->len + 1 >= t->cap)
		return;
	if (n > t->cap - 1 - t->len) {
		/* Cut at a character: back over UTF-8 continuation bytes. */
		n = t->cap - 1 - t->len;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		t->cap = t->len + n + 1;     /* and write nothing after the cut */
	}
	memcpy(t->out + t->len, s, n);
	t->len += n;
	t->out[t->len] = '\0';
}

void
tr_fill_text(char *out, size_t outlen, enum web_lang lang, enum tr_key key, ...)
{
	struct tr_text t = { out, 0, outlen };
	va_list ap;

	if (outlen == 0)
		return;
	out[0] = '\0';
	va_start(ap, key);
	tr_expand(tr(lang, key), ap, tr_put_text, &t);
	va_end(ap);
}

/* ------------------------------------------------------------------------------------------ */
/* Times and dates in Asia/Ho_Chi_Minh (UTC+7, no daylight saving), whatever the machine's zone */

#define I18N_TZ_S (7 * 3600)
static void
i18n_tm(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000) + I18N_TZ_S;

	gmtime_r(&t, tm);
}

void
i18n_time(char *buf, size_t len, int64_t ms, enum web_lang lang)
{
	struct tm tm;

	if (ms <= 0) {
		snprintf(buf, len, "%s", tr(lang, TR_NEVER));
		return;
	}
	i18n_tm(ms, &tm);
	strftime(buf, len, lang == WEB_EN ? "%Y-%m-%d %H:%M" : "%d/%m/%Y %H:%M", &tm);
}

void
i18n_date(char *buf, size_t len, const char *ymd, enum web_lang lang)
{
	int y, m, d;

	if (ymd == NULL || ymd[0] == '\0')
		snprintf(buf, len, "—");
	else if (lang == WEB_VI && sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) == 3)
		snprintf(buf, len, "%02d/%02d/%04d", d, m, y);
	else
		snprintf(buf, len, "%s", ymd);
}

void
i18n_iso(char *buf, size_t len, int64_t ms)
{
	struct tm tm;

	if (ms <= 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	i18n_tm(ms, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
}

void
i18n_day(char buf[11], int64_t ms)
{
	struct tm tm;

	i18n_tm(ms, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}
