/*
 * portal.c: the public portal: no login, Vietnamese first. This file has what its pages share
 * (the layout's template context, the published issue lookups, the status and file values
 * its templates show), the router and the web thread's entry (portal_serve, which
 * hubd/routes.c calls). listing.c: agencies, an agency's documents in force, a document issue;
 * lookup.c: search and case status; verify.c: what proves a printout (QR codes, their landing
 * pages, publication sheets, file downloads, the verify page). The pages themselves are the
 * templates in tmpl/ (portal_*.html): C fills a jansson context, tmpl.c renders it escaped.
 *
 * What may appear is decided by published_issue() alone (published.c): an issue that is not
 * published answers exactly as an issue that does not exist, so not even the existence of an
 * internal document leaks. Cases show procedure, dates and status: the hub holds no personal
 * data, and free text (the note) is never shown because staff may have written a name in it.
 *
 * Pages are written into a struct portal_reply by portal_page(), which needs only a read
 * transaction: `hubd portal PATH` (cli/portal.c) prints any page from the command line, and
 * portal_serve() answers the web thread's requests with the same function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain.h"
#include "err.h"
#include "portal/portal.h"
#include "keys.h"
#include "wire.h"

#define PORTAL_KEY_MAX (WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 1 + 4)
#define PORTAL_MAX_SEG 8

const char *
portal_t(const struct portal_ctx *c, enum tr_key key)
{
	return tr(c->lang, key);
}

/*
 * The context every page's template starts from: what portal_head.html needs (the language,
 * the title, ?lang=en for links, the language switch that keeps the page). NULL without memory.
 */
json_t *
portal_tctx(const struct portal_ctx *c, const char *title)
{
	char q[1024];
	size_t n = 0;
	const char *p = c->query != NULL ? c->query : "";

	/* The switch keeps the page: the same path, the query without lang, lang=other. */
	while (*p && n < sizeof(q) - 1) {
		const char *e = strchr(p, '&');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (strncmp(p, "lang=", 5) != 0 && l > 0 && n + l + 1 < sizeof(q)) {
			memcpy(q + n, p, l);
			n += l;
			q[n++] = '&';
		}
		p += l + (e ? 1 : 0);
	}
	q[n] = '\0';
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "lang", c->lang == WEB_EN ? "en" : "vi",
	    "title", title, "lang_q", c->lang == WEB_EN ? "?lang=en" : "", "path", c->path,
	    "switch_q", q, "other", c->lang == WEB_EN ? "vi" : "en",
	    "other_name", c->lang == WEB_EN ? "Tiếng Việt" : "English");
}

/* Render template name from ctx (taken) into b; out of memory marks b. */
void
portal_render(const struct portal_ctx *c, struct html *b, const char *name, json_t *ctx)
{
	if (ctx == NULL || tmpl_render(c->tmpl, name, c->lang, ctx, b) != 0)
		b->oom = 1;
	json_decref(ctx);
}

void
portal_reply_init(struct portal_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	r->ctype = "text/html; charset=utf-8";
}

void
portal_reply_free(struct portal_reply *r)
{
	html_free(&r->body);
}

int
portal_header(struct portal_reply *r, const char *name, const char *value)
{
	if (r->nhdr == PORTAL_MAX_HDR)
		return EISO_TOOBIG;
	r->hdr[r->nhdr].name = name;
	snprintf(r->hdr[r->nhdr].value, sizeof(r->hdr[r->nhdr].value), "%s", value);
	r->nhdr++;
	return 0;
}

/* A page that says what was not found; the same words for unknown and non-public things. */
void
portal_not_found(const struct portal_ctx *c, struct portal_reply *r, enum tr_key what)
{
	json_t *ctx;

	html_free(&r->body);
	r->status = 404;
	r->ctype = "text/html; charset=utf-8";
	ctx = portal_tctx(c, portal_t(c, TR_PORTAL_NOT_FOUND));
	if (ctx != NULL)
		json_object_set_new(ctx, "what", json_string(portal_t(c, what)));
	portal_render(c, &r->body, "portal_not_found", ctx);
}

/* The agency's record; NULL when not enrolled. Free with eiso__agency_record__free_unpacked. */
Eiso__AgencyRecord *
portal_agency(const struct portal_ctx *c, const char *id)
{
	Eiso__AgencyRecord *a = NULL;

	if (!wire_agency_ok(id) || agency_get(c->txn, c->h, id, &a) != 0)
		return NULL;
	return a;
}

void
portal_free(Eiso__AgencyRecord *a, Eiso__DocIssue *d, Eiso__DocRecord *rec)
{
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
	if (d != NULL)
		eiso__doc_issue__free_unpacked(d, NULL);
	if (rec != NULL)
		eiso__doc_record__free_unpacked(rec, NULL);
}

const char *
portal_agency_name(const struct portal_ctx *c, const Eiso__AgencyRecord *a)
{
	if (c->lang == WEB_EN && a->name_en != NULL && a->name_en[0] != '\0')
		return a->name_en;
	if (a->name_vi != NULL && a->name_vi[0] != '\0')
		return a->name_vi;
	return a->id;
}

/* The document's index record, or NULL. */
Eiso__DocRecord *
portal_docrec(const struct portal_ctx *c, const char *agency, const char *code)
{
	uint8_t key[PORTAL_KEY_MAX];
	MDB_val k, v;

	if (!wire_agency_ok(agency) || !domain_code_ok(code))
		return NULL;
	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), agency, code, strlen(code));
	if (mdb_get(c->txn, store_dbi(c->h->st, HDB_DOCS), &k, &v) != 0)
		return NULL;
	return eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data);
}

/* A published issue, or NULL (not held, or not published: the same to the public). */
Eiso__DocIssue *
portal_issue(const struct portal_ctx *c, const char *agency, const char *code, uint32_t issue)
{
	Eiso__DocIssue *d = NULL;

	if (issue == 0 || !wire_agency_ok(agency) || !domain_code_ok(code) ||
	    apply_doc_version(c->txn, c->h, agency, code, issue, &d) != 0)
		return NULL;
	if (!published_issue(d)) {
		eiso__doc_issue__free_unpacked(d, NULL);
		return NULL;
	}
	return d;
}

struct issue_list {
	uint32_t *out;
	size_t n, max;
};

static int
issue_list_one(const Eiso__DocIssue *d, void *arg)
{
	struct issue_list *l = arg;

	if (published_issue(d))
		l->out[l->n++] = d->issue;
	return l->n == l->max;    /* full: stop the walk */
}

/*
 * The numbers of a document's published issues, ascending, at most max; returns the count.
 * The versions table is walked, never the numbers from 1 to latest: a node that numbered an
 * issue 4000000000 must not make a page view loop four billion times.
 */
size_t
portal_issue_list(const struct portal_ctx *c, const char *agency, const char *code,
    uint32_t *out, size_t max)
{
	struct issue_list l = { out, 0, max };

	if (max == 0 || !wire_agency_ok(agency) || !domain_code_ok(code))
		return 0;
	(void)apply_doc_versions(c->txn, c->h, agency, code, issue_list_one, &l);
	return l.n;
}

/* The issue in force when it is published, else the newest published one; NULL if none. */
Eiso__DocIssue *
portal_issue_best(const struct portal_ctx *c, const char *agency, const Eiso__DocRecord *rec)
{
	Eiso__DocIssue *d;
	uint32_t list[PORTAL_MAX_ISSUES];
	size_t n;

	if (rec->current != 0 && (d = portal_issue(c, agency, rec->code, rec->current)) != NULL)
		return d;
	n = portal_issue_list(c, agency, rec->code, list, PORTAL_MAX_ISSUES);
	return n > 0 ? portal_issue(c, agency, rec->code, list[n - 1]) : NULL;
}

/* A string member of a page's context; NULL as "". Stored bytes are escaped, not checked. */
void
portal_set(json_t *o, const char *key, const char *value)
{
	json_object_set_new(o, key, json_string_nocheck(value != NULL ? value : ""));
}

/*
 * A published file for a template: name, sha (hex), url_name (the name, or the hex when it
 * has none: /files/{sha}/{url_name} downloads it), size (as text) and sep (1 but for the first).
 */
json_t *
portal_file_json(const Eiso__BlobRef *f, int sep)
{
	char hex[2 * KEYS_HASH + 1], size[32];
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	keys_hex(hex, f->sha256.data, f->sha256.len == KEYS_HASH ? KEYS_HASH : 0);
	portal_size(size, sizeof(size), f->size);
	portal_set(o, "name", f->name);
	portal_set(o, "sha", hex);
	portal_set(o, "url_name", f->name && f->name[0] ? f->name : hex);
	portal_set(o, "size", size);
	json_object_set_new(o, "sep", json_boolean(sep));
	return o;
}

const char *
portal_state(const struct portal_ctx *c, const char *agency, const Eiso__DocIssue *d,
    char when[11])
{
	const char *gone = strcmp(d->status, "withdrawn") == 0 ? "withdrawn" : "superseded";
	char from[11], until[11], today[11];

	when[0] = '\0';
	domain_today(today);
	if (apply_in_force_span(c->txn, c->h, agency, d, from, until) != 0 || from[0] == '\0')
		return strcmp(d->status, "effective") == 0 ? "in_force" : gone;
	if (strcmp(from, today) > 0) {
		if (strcmp(d->status, "effective") != 0)
			return gone;
		memcpy(when, from, 11);
		return "upcoming";
	}
	if (until[0] != '\0' && strcmp(until, today) <= 0)
		return gone;
	memcpy(when, until, 11);
	return "in_force";
}

/*
 * An issue's status for portal_status.html: in_force, superseded or withdrawn, and for a
 * superseded issue its successor's number (by) and whether that one is published (by_pub: an
 * internal successor is named by its number only, never linked or described).
 */
json_t *
portal_status_json(const struct portal_ctx *c, const char *agency, const Eiso__DocIssue *d)
{
	char when[11], day[32];
	const char *s = portal_state(c, agency, d, when);
	json_t *o = json_object();
	Eiso__DocIssue *n = NULL;

	if (o == NULL)
		return NULL;
	if (d->superseded_by != 0)
		n = portal_issue(c, agency, d->code, d->superseded_by);
	json_object_set_new(o, "in_force", json_boolean(strcmp(s, "in_force") == 0));
	json_object_set_new(o, "upcoming", json_boolean(strcmp(s, "upcoming") == 0));
	i18n_date(day, sizeof(day), when, c->lang);
	portal_set(o, "when", when[0] != '\0' ? day : "");
	json_object_set_new(o, "superseded", json_boolean(strcmp(s, "superseded") == 0));
	json_object_set_new(o, "withdrawn", json_boolean(strcmp(s, "withdrawn") == 0));
	json_object_set_new(o, "by", json_integer(strcmp(s, "superseded") == 0 ||
	    (strcmp(s, "in_force") == 0 && when[0] != '\0') ? d->superseded_by : 0));
	json_object_set_new(o, "by_pub", json_boolean(n != NULL));
	portal_set(o, "agency_id", agency);
	portal_set(o, "code", d->code);
	if (n != NULL)
		eiso__doc_issue__free_unpacked(n, NULL);
	return o;
}

/* A file's size as people read it: 512 B, 12.5 KB, 3.1 MB. */
void
portal_size(char *out, size_t len, uint64_t n)
{
	if (n < 1024)
		snprintf(out, len, "%llu B", (unsigned long long)n);
	else if (n < 1024 * 1024)
		snprintf(out, len, "%.1f KB", (double)n / 1024);
	else
		snprintf(out, len, "%.1f MB", (double)n / (1024 * 1024));
}

const char *
portal_kind(const struct portal_ctx *c, const char *kind)
{
	return tr_value(c->lang, "kind", kind);
}

/* Split c->path below prefix into decoded segments; -1 when it does not fit the pattern. */
static int
portal_split(const struct portal_ctx *c, const char *prefix, char **seg, char *buf, size_t len)
{
	return http_path_split(c->path, prefix, seg, PORTAL_MAX_SEG, buf, len);
}

/* A query parameter, "" when absent or bad. */
void
portal_param(const struct portal_ctx *c, const char *name, char *out, size_t len)
{
	if (c->query == NULL || http_query(c->query, name, out, len) != 0)
		out[0] = '\0';
}

/* ------------------------------------------------------------------------------------------ */

int
portal_page(struct portal_ctx *c, const char *method, const char *ctype, const uint8_t *body,
    size_t body_len, struct portal_reply *r)
{
	char buf[1024], *seg[PORTAL_MAX_SEG];
	int n;

	portal_reply_init(r);
	if (strcmp(c->path, "/portal") != 0 && strncmp(c->path, "/portal/", 8) != 0 &&
	    strcmp(c->path, "/verify") != 0 && strncmp(c->path, "/q/", 3) != 0 &&
	    strncmp(c->path, "/qr/", 4) != 0 && strncmp(c->path, "/files/", 7) != 0)
		return 0;
	if (strcmp(c->path, "/verify") == 0) {
		if (strcmp(method, "POST") != 0 && strcmp(method, "GET") != 0 &&
		    strcmp(method, "HEAD") != 0)
			goto method;
		verify_page(c, method, ctype, body, body_len, r);
		return 1;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		goto method;
	if (strncmp(c->path, "/q/", 3) == 0 || strncmp(c->path, "/qr/", 4) == 0 ||
	    strncmp(c->path, "/files/", 7) == 0 || strncmp(c->path, "/portal/sheet/", 14) == 0) {
		verify_route(c, r);
		return 1;
	}
	if (strcmp(c->path, "/portal") == 0 || strcmp(c->path, "/portal/") == 0) {
		listing_agencies(c, r);
	} else if (strcmp(c->path, "/portal/search") == 0) {
		lookup_search(c, r);
	} else if (strcmp(c->path, "/portal/case") == 0) {
		lookup_case(c, r);
	} else if ((n = portal_split(c, "/portal/a/", seg, buf, sizeof(buf))) == 1) {
		listing_agency(c, r, seg[0]);
	} else if ((n = portal_split(c, "/portal/d/", seg, buf, sizeof(buf))) == 2 || n == 3) {
		char *end = NULL;
		unsigned long issue = n == 3 ? strtoul(seg[2], &end, 10) : 0;

		if (n == 3 && (end == seg[2] || *end != '\0' || issue == 0 || issue > UINT32_MAX))
			portal_not_found(c, r, TR_PORTAL_NO_DOC);
		else
			listing_doc(c, r, seg[0], seg[1], (uint32_t)issue);
	} else {
		portal_not_found(c, r, TR_PORTAL_NO_PAGE);
	}
	return 1;
method:
	html_free(&r->body);
	r->status = 405;
	r->ctype = "text/plain; charset=utf-8";
	html_raw(&r->body, "method not allowed\n");
	portal_header(r, "allow", strcmp(c->path, "/verify") == 0 ? "GET, HEAD, POST" :
	    "GET, HEAD");
	return 1;
}

/* A published file, streamed chunk by chunk, each read in its own short read transaction. */
struct portal_stream {
	struct hub *h;
	uint8_t sha[KEYS_HASH];
};

static int
portal_stream_read(void *arg, uint64_t offset, void *buf, size_t len, size_t *got)
{
	struct portal_stream *s = arg;
	MDB_txn *txn;
	int rc;

	*got = 0;
	if ((rc = store_read_begin(s->h->st, &txn)) != 0)
		return rc;
	rc = blob_read(txn, &s->h->bt, s->sha, offset, buf, len, got);
	store_read_end(&txn);
	return rc;
}

static void
portal_stream_done(void *arg)
{
	free(arg);
}

void
portal_serve(struct hub *h, const struct tmpl_set *t, enum web_lang lang, const char *lang_cookie, struct http_req *r)
{
	struct portal_ctx c;
	struct portal_reply rep;
	const char *hdrs[2 * PORTAL_MAX_HDR + 1];
	MDB_txn *txn;
	int rc, n = 0;

	memset(&c, 0, sizeof(c));
	c.lang = lang;
	c.h = h;
	c.tmpl = t;
	c.base = h->conf.web_public_base;
	c.path = r->path;
	c.query = r->query;
	if ((rc = store_read_begin(h->st, &txn)) != 0) {
		http_reply_raw(r, 503, "text/plain; charset=utf-8", "store unavailable\n", 18,
		    NULL);
		return;
	}
	c.txn = txn;
	portal_page(&c, r->method, http_header(r, "content-type"), r->body, r->body_len, &rep);
	store_read_end(&txn);
	/* The language a ?lang= chose is kept in a cookie, on pages only. */
	if (lang_cookie != NULL && lang_cookie[0] != '\0' && !rep.blob &&
	    strncmp(rep.ctype, "text/html", 9) == 0)
		portal_header(&rep, "set-cookie", lang_cookie);
	for (int i = 0; i < rep.nhdr; i++) {
		hdrs[n++] = rep.hdr[i].name;
		hdrs[n++] = rep.hdr[i].value;
	}
	hdrs[n] = NULL;
	if (rep.blob) {
		struct portal_stream *s = malloc(sizeof(*s));

		if (s == NULL) {
			http_reply_raw(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14,
			    NULL);
		} else {
			s->h = h;
			memcpy(s->sha, rep.sha, sizeof(s->sha));
			http_reply_stream(r, rep.status, rep.ctype, rep.size, hdrs,
			    portal_stream_read, portal_stream_done, s);
		}
		portal_reply_free(&rep);
	} else if (strncmp(rep.ctype, "text/html", 9) == 0) {
		http_reply_html(r, rep.status, &rep.body, hdrs);      /* frees the body */
	} else {
		if (rep.body.oom)
			http_reply_raw(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14,
			    NULL);
		else
			http_reply_raw(r, rep.status, rep.ctype, rep.body.buf ? rep.body.buf : "",
			    rep.body.len, hdrs);
		portal_reply_free(&rep);
	}
}

int
portal_check_base(const char *base)
{
	const char *host;

	if (strncmp(base, "https://", 8) == 0)
		host = base + 8;
	else if (strncmp(base, "http://", 7) == 0)
		host = base + 7;
	else
		return eiso_seterr(EISO_CONF, "web.public_base: '%s' is not an http:// or https:// "
		    "address (QR codes name it)", base);
	if (*host == '\0' || *host == '/')
		return eiso_seterr(EISO_CONF, "web.public_base: '%s' names no host", base);
	for (const unsigned char *p = (const unsigned char *)base; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("\"'<>\\^`{|}?#", *p) != NULL)
			return eiso_seterr(EISO_CONF, "web.public_base: '%s' has a character an "
			    "address may not carry ('%c')", base, *p > ' ' ? *p : '?');
	return 0;
}
