/*
 * tmpl.h: web pages as template files, escaped by default. A small Mustache dialect
 * rendered from a jansson value, because Debian ships no C template library (mustach, ctemplate
 * and the C++ ones are not packaged for C) and a page needs only this much:
 *
 *     {{name}}          the value, HTML-escaped (strings; numbers as written; true, false)
 *     {{name|url}}      the value percent-encoded for a URL path segment or query value
 *     {{&name_html}}    the value unescaped: only for names ending in "_html", which C code
 *                       builds with the escaping html.h functions (an SVG, a QR code)
 *     {{#name}}..{{/name}}  once per element of an array, once with an object or a true value
 *     {{^name}}..{{/name}}  once when name is missing, false, null, 0, "" or []
 *     {{>other}}        the template named other, with the same context
 *     {{@key}}          the translated string of key (i18n.def), escaped, its {param}s filled
 *                       from the context
 *     {{! comment }}
 *
 * A name is looked up from the innermost section's value outwards; "a.b" walks into objects
 * and "." is the current value. Every template set is parsed once (tmpl_load): an unknown
 * translation key, an unknown partial, an unbalanced section or a raw value not named
 * *_html is an error there, and tmplc runs the same check when the binary is built.
 */
#ifndef EISO_TMPL_H
#define EISO_TMPL_H

#include <jansson.h>

#include "html.h"
#include "i18n.h"

/* One template source, as the build compiles it in; a list ends with name NULL. */
struct tmpl_src {
	const char *name;          /* the file name without its extension: "login" */
	const unsigned char *data;
	unsigned int len;
};

struct tmpl_set;

/*
 * Parse every template of src (a list ending with name NULL). Returns 0, EISO_NOMEM, or
 * EISO_PARSE with a detail "NAME:LINE: reason".
 */
int tmpl_load(const struct tmpl_src *src, struct tmpl_set **out);
void tmpl_free(struct tmpl_set **s);

/* 1 when the set holds a template called name. */
int tmpl_has(const struct tmpl_set *s, const char *name);

/*
 * Append template name rendered from ctx in lang to out. Returns 0, EISO_NOTFOUND (no such
 * template), EISO_NOMEM (out->oom is set too). The set is only read: several threads may
 * render from one set at once.
 */
int tmpl_render(const struct tmpl_set *s, const char *name, enum web_lang lang, json_t *ctx,
    struct html *out);

#endif
