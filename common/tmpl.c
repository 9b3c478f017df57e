/*
 * tmpl.c: parse template files into a flat list of nodes once, then render them from a
 * jansson value with every value escaped unless its name says it is HTML already (tmpl.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tmpl.h"

#define TMPL_MAX_DEPTH 32      /* nested sections and partials while rendering */
#define TMPL_MAX_TAG 128       /* bytes of a tag's name */

enum tmpl_op { OP_TEXT, OP_VAR, OP_URL, OP_RAW, OP_SECTION, OP_INVERTED, OP_PARTIAL, OP_TR };

struct tmpl_node {
	enum tmpl_op op;
	const char *text;          /* OP_TEXT: into the source */
	size_t len;
	char *name;                /* names, partials */
	size_t end;                /* sections: index of the node after the section */
	size_t partial;            /* OP_PARTIAL: index of the template */
	enum tr_key key;           /* OP_TR */
};

struct tmpl {
	const char *name;
	struct tmpl_node *nodes;
	size_t n, cap;
};

struct tmpl_set {
	struct tmpl *t;
	size_t n;
};

static int
tmpl_push(struct tmpl *t, const struct tmpl_node *nd)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 32;
		struct tmpl_node *p = realloc(t->nodes, ncap * sizeof(*p));
		if (p == NULL)
			return EISO_NOMEM;
		t->nodes = p;
		t->cap = ncap;
	}
	t->nodes[t->n++] = *nd;
	return 0;
}

static int
tmpl_line(const char *start, const char *at)
{
	int line = 1;

	for (; start < at; start++)
		line += *start == '\n';
	return line;
}

static int
tmpl_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A name: letters, digits, '_', '-', '.'; or "." alone. */
static int
tmpl_name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return 0;
	return 1;
}

/* Parse one tag's contents (sigil stripped by the caller) into nd. */
static int
tmpl_tag(const struct tmpl_src *src, const char *at, char sigil, const char *name,
    struct tmpl_node *nd)
{
	const char *filter = NULL;
	int line = tmpl_line((const char *)src->data, at);

	memset(nd, 0, sizeof(*nd));
	switch (sigil) {
	case '#': nd->op = OP_SECTION; break;
	case '^': nd->op = OP_INVERTED; break;
	case '>': nd->op = OP_PARTIAL; break;
	case '@': nd->op = OP_TR; break;
	case '&': nd->op = OP_RAW; break;
	default: nd->op = OP_VAR; break;
	}
	if (nd->op == OP_VAR && (filter = strchr(name, '|')) != NULL) {
		if (strcmp(filter, "|url") != 0)
			return eiso_seterr(EISO_PARSE, "%s:%d: unknown filter '%s'", src->name, line,
			    filter + 1);
		nd->op = OP_URL;
	}
	if ((nd->name = strdup(name)) == NULL)
		return EISO_NOMEM;
	if (filter != NULL)
		nd->name[filter - name] = '\0';
	if (!tmpl_name_ok(nd->name))
		return eiso_seterr(EISO_PARSE, "%s:%d: bad name '%s'", src->name, line, name);
	if (nd->op == OP_RAW && !tmpl_ends_with(nd->name, "_html"))
		return eiso_seterr(EISO_PARSE, "%s:%d: unescaped '{{&%s}}': only names ending in "
		    "_html may be unescaped", src->name, line, nd->name);
	if (nd->op == OP_TR && tr_find(nd->name, &nd->key) != 0)
		return eiso_seterr(EISO_PARSE, "%s:%d: no string '%s' in i18n.def", src->name, line,
		    nd->name);
	return 0;
}

static void
tmpl_node_free(struct tmpl *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->nodes[i].name);
	free(t->nodes);
	t->nodes = NULL;
	t->n = t->cap = 0;
}

/* Parse src into t: text and tags, with each section's end index filled in. */
static int
tmpl_parse(const struct tmpl_src *src, struct tmpl *t)
{
	const char *p = (const char *)src->data, *end = p + src->len;
	size_t open[TMPL_MAX_DEPTH];
	int depth = 0, rc;

	t->name = src->name;
	while (p < end) {
		const char *tag = memmem(p, (size_t)(end - p), "{{", 2), *close;
		struct tmpl_node nd = { 0 };
		char name[TMPL_MAX_TAG], sigil = 0;
		size_t n;

		if (tag == NULL)
			tag = end;
		if (tag > p) {
			nd.op = OP_TEXT;
			nd.text = p;
			nd.len = (size_t)(tag - p);
			if ((rc = tmpl_push(t, &nd)) != 0)
				return rc;
		}
		if (tag == end)
			break;
		close = memmem(tag + 2, (size_t)(end - tag - 2), "}}", 2);
		if (close == NULL)
			return eiso_seterr(EISO_PARSE, "%s:%d: '{{' without '}}'", src->name,
			    tmpl_line((const char *)src->data, tag));
		p = close + 2;
		tag += 2;
		while (tag < close && (*tag == ' ' || *tag == '\t'))
			tag++;
		if (tag < close && strchr("#^/>@&!", *tag) != NULL)
			sigil = *tag++;
		while (tag < close && (*tag == ' ' || *tag == '\t'))
			tag++;
		n = (size_t)(close - tag);
		while (n > 0 && (tag[n - 1] == ' ' || tag[n - 1] == '\t'))
			n--;
		if (sigil == '!')
			continue;
		if (n == 0 || n >= sizeof(name) || memchr(tag, '\n', n) != NULL)
			return eiso_seterr(EISO_PARSE, "%s:%d: bad tag", src->name,
			    tmpl_line((const char *)src->data, tag));
		memcpy(name, tag, n);
		name[n] = '\0';
		if (sigil == '/') {
			if (depth == 0 || strcmp(t->nodes[open[depth - 1]].name, name) != 0)
				return eiso_seterr(EISO_PARSE, "%s:%d: '{{/%s}}' closes no open section",
				    src->name, tmpl_line((const char *)src->data, tag), name);
			t->nodes[open[--depth]].end = t->n;
			continue;
		}
		rc = tmpl_tag(src, tag, sigil, name, &nd);
		if (rc == 0)
			rc = tmpl_push(t, &nd);
		if (rc != 0) {
			free(nd.name);
			return rc;
		}
		if (nd.op == OP_SECTION || nd.op == OP_INVERTED) {
			if (depth == TMPL_MAX_DEPTH)
				return eiso_seterr(EISO_PARSE, "%s:%d: sections nested too deep",
				    src->name, tmpl_line((const char *)src->data, tag));
			open[depth++] = t->n - 1;
		}
	}
	if (depth > 0)
		return eiso_seterr(EISO_PARSE, "%s: section '%s' is not closed", src->name,
		    t->nodes[open[depth - 1]].name);
	return 0;
}

static long
tmpl_find(const struct tmpl_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->t[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Every partial names a template of the set. */
static int
tmpl_link(struct tmpl_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < s->t[i].n; j++) {
			struct tmpl_node *nd = &s->t[i].nodes[j];
			long k;

			if (nd->op != OP_PARTIAL)
				continue;
			if ((k = tmpl_find(s, nd->name)) < 0)
				return eiso_seterr(EISO_PARSE, "%s: '{{>%s}}': no such template",
				    s->t[i].name, nd->name);
			nd->partial = (size_t)k;
		}
	}
	return 0;
}

int
tmpl_load(const struct tmpl_src *src, struct tmpl_set **out)
{
	struct tmpl_set *s;
	size_t n = 0;
	int rc;

	*out = NULL;
	while (src[n].name != NULL)
		n++;
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->t = calloc(n + 1, sizeof(*s->t))) == NULL) {
		free(s);
		return EISO_NOMEM;
	}
	for (size_t i = 0; i < n; i++, s->n++) {
		if (tmpl_find(s, src[i].name) >= 0) {
			rc = eiso_seterr(EISO_PARSE, "%s: two templates of that name", src[i].name);
			goto fail;
		}
		if ((rc = tmpl_parse(&src[i], &s->t[i])) != 0) {
			s->n++;
			goto fail;
		}
	}
	if ((rc = tmpl_link(s)) != 0)
		goto fail;
	*out = s;
	return 0;
fail:
	tmpl_free(&s);
	return rc;
}

void
tmpl_free(struct tmpl_set **sp)
{
	struct tmpl_set *s = *sp;

	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		tmpl_node_free(&s->t[i]);
	free(s->t);
	free(s);
	*sp = NULL;
}

int
tmpl_has(const struct tmpl_set *s, const char *name)
{
	return tmpl_find(s, name) >= 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Rendering */

struct tmpl_run {
	const struct tmpl_set *set;
	enum web_lang lang;
	struct html *out;
	json_t *stack[TMPL_MAX_DEPTH + 1];
	int depth;                 /* values on the stack */
	int partials;              /* partials being rendered */
};

/* Walk "a.b.c" into v; NULL when a step is missing. */
static json_t *
tmpl_walk(json_t *v, const char *path)
{
	while (v != NULL && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (!json_is_object(v))
			return NULL;
		v = json_object_getn(v, path, n);
		path += n + (dot != NULL);
	}
	return v;
}

static json_t *
tmpl_lookup(const struct tmpl_run *r, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);

	if (strcmp(name, ".") == 0)
		return r->stack[r->depth - 1];
	for (int i = r->depth - 1; i >= 0; i--) {
		json_t *v = json_is_object(r->stack[i]) ? json_object_getn(r->stack[i], name, n) :
		    NULL;
		if (v != NULL)
			return dot ? tmpl_walk(v, dot + 1) : v;
	}
	return NULL;
}

/* The text of a scalar (numbers as written, true and false), "" for anything else. */
static const char *
tmpl_text(json_t *v, char *buf, size_t len)
{
	switch (json_typeof(v)) {
	case JSON_STRING: return json_string_value(v);
	case JSON_INTEGER:
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, len, "%.15g", json_real_value(v));
		return buf;
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	default: return "";
	}
}

static int
tmpl_truthy(json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT: return 1;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0;
	case JSON_TRUE: return 1;
	default: return 0;
	}
}

/* A translated string, escaped, with "{name}" filled from the context. */
static void
tmpl_tr(struct tmpl_run *r, enum tr_key key)
{
	const char *s = tr(r->lang, key);

	while (*s) {
		const char *open = strchr(s, '{'), *close;
		char name[TMPL_MAX_TAG], buf[64];
		json_t *v;
		size_t n;

		if (open == NULL || (close = strchr(open, '}')) == NULL ||
		    (n = (size_t)(close - open - 1)) >= sizeof(name)) {
			html_esc(r->out, s);
			return;
		}
		html_esc_mem(r->out, s, (size_t)(open - s));
		memcpy(name, open + 1, n);
		name[n] = '\0';
		if ((v = tmpl_lookup(r, name)) != NULL)
			html_esc(r->out, tmpl_text(v, buf, sizeof(buf)));
		else
			html_esc_mem(r->out, open, n + 2);
		s = close + 1;
	}
}

static int tmpl_nodes(struct tmpl_run *r, const struct tmpl *t, size_t from, size_t to);

/* Render a section's body with v as its innermost value. */
static int
tmpl_with(struct tmpl_run *r, const struct tmpl *t, size_t from, size_t to, json_t *v)
{
	int rc;

	if (r->depth > TMPL_MAX_DEPTH)
		return eiso_seterr(EISO_INVAL, "%s: nested too deep", t->name);
	r->stack[r->depth++] = v;
	rc = tmpl_nodes(r, t, from, to);
	r->depth--;
	return rc;
}

static int
tmpl_section(struct tmpl_run *r, const struct tmpl *t, size_t i)
{
	const struct tmpl_node *nd = &t->nodes[i];
	json_t *v = tmpl_lookup(r, nd->name);
	int rc = 0;

	if (nd->op == OP_INVERTED)
		return tmpl_truthy(v) ? 0 : tmpl_nodes(r, t, i + 1, nd->end);
	if (!tmpl_truthy(v))
		return 0;
	if (!json_is_array(v))
		return tmpl_with(r, t, i + 1, nd->end, v);
	for (size_t k = 0; rc == 0 && k < json_array_size(v); k++)
		rc = tmpl_with(r, t, i + 1, nd->end, json_array_get(v, k));
	return rc;
}

static int
tmpl_nodes(struct tmpl_run *r, const struct tmpl *t, size_t from, size_t to)
{
	char buf[64];
	int rc;

	for (size_t i = from; i < to; i++) {
		const struct tmpl_node *nd = &t->nodes[i];
		json_t *v;

		switch (nd->op) {
		case OP_TEXT:
			html_mem(r->out, nd->text, nd->len);
			break;
		case OP_VAR:
		case OP_URL:
		case OP_RAW:
			if ((v = tmpl_lookup(r, nd->name)) == NULL)
				break;
			if (nd->op == OP_VAR)
				html_esc(r->out, tmpl_text(v, buf, sizeof(buf)));
			else if (nd->op == OP_URL)
				html_seg(r->out, tmpl_text(v, buf, sizeof(buf)));
			else
				html_raw(r->out, tmpl_text(v, buf, sizeof(buf)));
			break;
		case OP_SECTION:
		case OP_INVERTED:
			if ((rc = tmpl_section(r, t, i)) != 0)
				return rc;
			i = nd->end - 1;
			break;
		case OP_PARTIAL:
			if (r->partials == TMPL_MAX_DEPTH)
				return eiso_seterr(EISO_INVAL, "%s: partials nested too deep", t->name);
			r->partials++;
			rc = tmpl_nodes(r, &r->set->t[nd->partial], 0, r->set->t[nd->partial].n);
			r->partials--;
			if (rc != 0)
				return rc;
			break;
		case OP_TR:
			tmpl_tr(r, nd->key);
			break;
		}
	}
	return 0;
}

int
tmpl_render(const struct tmpl_set *s, const char *name, enum web_lang lang, json_t *ctx,
    struct html *out)
{
	struct tmpl_run r = { .set = s, .lang = lang, .out = out };
	long k = tmpl_find(s, name);
	int rc;

	if (k < 0)
		return eiso_seterr(EISO_NOTFOUND, "no template '%s'", name);
	r.stack[r.depth++] = ctx;
	rc = tmpl_nodes(&r, &s->t[k], 0, s->t[k].n);
	if (rc == 0 && out->oom)
		rc = EISO_NOMEM;
	return rc;
}
