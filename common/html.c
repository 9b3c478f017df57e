/*
 * html.c: a growable buffer that web pages are written into, with HTML escaping and URL
 * percent-encoding. Out of memory is remembered (b->oom) instead of reported at each
 * call, so page code stays a straight line of writes; the caller checks once at the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

static int
html_grow(struct html *b, size_t more)
{
	size_t ncap;
	char *p;

	if (b->oom)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	for (ncap = b->cap ? b->cap : 4096; ncap < b->len + more + 1; ncap *= 2)
		;
	if ((p = realloc(b->buf, ncap)) == NULL) {
		b->oom = 1;
		return -1;
	}
	b->buf = p;
	b->cap = ncap;
	return 0;
}

void *
html_reserve(struct html *b, size_t n)
{
	return html_grow(b, n) == 0 ? b->buf + b->len : NULL;
}

void
html_mem(struct html *b, const void *p, size_t n)
{
	if (html_grow(b, n) != 0)
		return;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
html_raw(struct html *b, const char *s)
{
	html_mem(b, s, strlen(s));
}

void
html_printf(struct html *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || html_grow(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
html_esc(struct html *b, const char *s)
{
	const char *run = s;

	if (s == NULL)
		return;
	for (; *s; s++) {
		const char *rep;

		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		html_mem(b, run, (size_t)(s - run));
		html_raw(b, rep);
		run = s + 1;
	}
	html_mem(b, run, (size_t)(s - run));
}

void
html_seg(struct html *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	if (s == NULL)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char e[3];

		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			html_mem(b, p, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[*p >> 4];
		e[2] = hex[*p & 15];
		html_mem(b, e, 3);
	}
}

void
html_free(struct html *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}
