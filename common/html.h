/*
 * html.h: a growable buffer that web pages are written into (html.c), with HTML escaping and
 * URL percent-encoding. Both daemons' web sides write their pages through it.
 *
 * Writes never fail one by one: out of memory sets oom and later writes do nothing; check oom
 * once before sending. buf is NUL-terminated.
 */
#ifndef EISO_HTML_H
#define EISO_HTML_H

#include <stddef.h>

struct html {
	char *buf;
	size_t len, cap;
	int oom;
};
void html_mem(struct html *b, const void *p, size_t n);
void html_raw(struct html *b, const char *s);
void html_printf(struct html *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text escaped for HTML content and attribute values: & < > " ' */
void html_esc(struct html *b, const char *s);
/* Percent-encoded for a URL path segment or query value (all but A-Z a-z 0-9 - _ . ~). */
void html_seg(struct html *b, const char *s);
void html_free(struct html *b);
/* Room for n more bytes at buf + len (len unchanged: add n once written), or NULL. */
void *html_reserve(struct html *b, size_t n);

#endif
