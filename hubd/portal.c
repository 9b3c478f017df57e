/*
 * portal.c: the public portal: no login, Vietnamese first. The agencies, each agency's
 * documents public and in force (grouped by kind, earlier issues marked superseded), a page
 * per document issue, case status by case code, and search. verify.c adds what proves a
 * printout: QR codes, their landing pages, publication sheets, file downloads, the verify page.
 *
 * What may appear is decided by published_issue() alone (published.c): an issue that is not
 * published answers exactly as an issue that does not exist, so not even the existence of an
 * internal document leaks. Cases show procedure, dates and status: the hub holds no personal
 * data, and free text (the note) is never shown because staff may have written a name in it.
 *
 * Pages are written into a struct portal_reply by portal_page(), which needs only a read
 * transaction: `hubd portal PATH` prints any page from the command line, and portal_route()
 * answers the web thread's requests with the same function.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain.h"
#include "err.h"
#include "hubd.h"
#include "keys.h"
#include "text.h"
#include "wire.h"

#define PORTAL_KEY_MAX (WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 1 + 4)
#define PORTAL_PAGE_SIZE 20
#define PORTAL_MAX_SEG 8

const char *
portal_t(const struct portal_ctx *c, const char *key)
{
	return tr(c->lang, key);
}

/* ?lang=en on links when the page is English, so a browser without the cookie stays there. */
void
portal_lang_q(const struct portal_ctx *c, struct html *b, int first)
{
	if (c->lang == WEB_EN)
		html_raw(b, first ? "?lang=en" : "&amp;lang=en");
}

static void
portal_css(struct html *b)
{
	html_raw(b,
	    "<style>\n"
	    ":root{--ink:#1b1f24;--muted:#59636e;--line:#d0d7de;--brand:#0b3d91;--ok:#1a7f37;"
	    "--old:#9a6700;--bad:#cf222e}\n"
	    "*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,'Segoe UI',Roboto,"
	    "'Noto Sans',Arial,sans-serif;color:var(--ink);background:#f6f8fa}\n"
	    "header.site{background:var(--brand);color:#fff}header.site .in{max-width:1040px;"
	    "margin:auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;"
	    "align-items:center}header.site a{color:#fff;text-decoration:none}"
	    "header.site .name{font-weight:700;font-size:1.15rem;margin-right:auto}"
	    "header.site nav a{margin-left:1rem}header.site nav a:hover{text-decoration:underline}\n"
	    "main{max-width:1040px;margin:1rem auto;padding:0 1rem}"
	    "section,.card{background:#fff;border:1px solid var(--line);border-radius:8px;"
	    "padding:1rem 1.2rem;margin:0 0 1rem}\n"
	    "h1{font-size:1.5rem;margin:.2rem 0 .8rem}h2{font-size:1.2rem;margin:.2rem 0 .6rem}"
	    "a{color:var(--brand)}table{border-collapse:collapse;width:100%}"
	    "th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);"
	    "vertical-align:top}th{font-weight:600;color:var(--muted);font-size:.9rem}\n"
	    "table.docs{table-layout:fixed}table.docs th:nth-child(1){width:10%}"
	    "table.docs th:nth-child(2){width:34%}table.docs th:nth-child(3){width:9%}"
	    "table.docs th:nth-child(4){width:12%}table.docs th:nth-child(5){width:18%}"
	    "table.docs td{overflow-wrap:anywhere}\n"
	    ".hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82rem;"
	    "word-break:break-all}.muted{color:var(--muted)}.small{font-size:.88rem}\n"
	    ".badge{display:inline-block;padding:.05rem .55rem;border-radius:1rem;font-size:.85rem;"
	    "font-weight:600;color:#fff}.b-ok{background:var(--ok)}.b-old{background:var(--old)}"
	    ".b-bad{background:var(--bad)}\n"
	    ".verdict{border-left:8px solid;padding:1rem 1.2rem;font-size:1.25rem;font-weight:700}"
	    ".v-ok{border-color:var(--ok);color:var(--ok)}.v-old{border-color:var(--old);"
	    "color:var(--old)}.v-bad{border-color:var(--bad);color:var(--bad)}\n"
	    "form.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}"
	    "input,select,button{font:inherit;padding:.35rem .5rem;border:1px solid var(--line);"
	    "border-radius:6px}button{background:var(--brand);color:#fff;border-color:var(--brand);"
	    "cursor:pointer}input[type=text],input[type=search]{min-width:16rem}\n"
	    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}"
	    "dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}\n"
	    ".qr{float:right;margin:0 0 1rem 1rem;text-align:center}.qr img{width:150px;"
	    "height:150px;image-rendering:pixelated}\n"
	    "footer{max-width:1040px;margin:1.5rem auto;padding:0 1rem;color:var(--muted);"
	    "font-size:.85rem}\n"
	    ".pager a,.pager span{margin-right:.8rem}\n"
	    "</style>\n");
}

/* The page's start: doctype, head, the site header with its links and the language switch. */
void
portal_head(const struct portal_ctx *c, struct html *b, const char *title)
{
	html_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>",
	    c->lang == WEB_EN ? "en" : "vi");
	html_esc(b, title);
	html_raw(b, " · ");
	html_esc(b, portal_t(c, "portal.site"));
	html_raw(b, "</title>\n");
	portal_css(b);
	html_raw(b, "</head><body><header class=\"site\"><div class=\"in\"><a class=\"name\" "
	    "href=\"/portal");
	portal_lang_q(c, b, 1);
	html_raw(b, "\">");
	html_esc(b, portal_t(c, "portal.site"));
	html_raw(b, "</a><nav><a href=\"/portal");
	portal_lang_q(c, b, 1);
	html_raw(b, "\">");
	html_esc(b, portal_t(c, "portal.agencies"));
	html_raw(b, "</a><a href=\"/portal/search");
	portal_lang_q(c, b, 1);
	html_raw(b, "\">");
	html_esc(b, portal_t(c, "portal.search"));
	html_raw(b, "</a><a href=\"/portal/case");
	portal_lang_q(c, b, 1);
	html_raw(b, "\">");
	html_esc(b, portal_t(c, "portal.case"));
	html_raw(b, "</a><a href=\"/verify");
	portal_lang_q(c, b, 1);
	html_raw(b, "\">");
	html_esc(b, portal_t(c, "portal.verify"));
	/* The switch keeps the page: the same path, the query without lang, lang=other. */
	html_raw(b, "</a><a class=\"lang\" id=\"lang\" href=\"");
	html_esc(b, c->path);
	html_raw(b, "?");
	if (c->query != NULL && c->query[0] != '\0') {
		char q[1024];
		size_t n = 0;
		const char *p = c->query;

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
		html_esc(b, q);
	}
	html_printf(b, "lang=%s\" hreflang=\"%s\">%s</a></nav></div></header>\n<main>\n",
	    c->lang == WEB_EN ? "vi" : "en", c->lang == WEB_EN ? "vi" : "en",
	    c->lang == WEB_EN ? "Tiếng Việt" : "English");
}

void
portal_foot(const struct portal_ctx *c, struct html *b)
{
	html_raw(b, "</main><footer>");
	html_esc(b, portal_t(c, "portal.footer"));
	html_raw(b, "</footer></body></html>\n");
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
portal_not_found(const struct portal_ctx *c, struct portal_reply *r, const char *what)
{
	html_free(&r->body);
	r->status = 404;
	r->ctype = "text/html; charset=utf-8";
	portal_head(c, &r->body, portal_t(c, "portal.not_found"));
	html_raw(&r->body, "<section data-verdict=\"not_found\"><h1>");
	html_esc(&r->body, portal_t(c, "portal.not_found"));
	html_raw(&r->body, "</h1><p>");
	html_esc(&r->body, portal_t(c, what));
	html_raw(&r->body, "</p></section>\n");
	portal_foot(c, &r->body);
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

/* The issue in force when it is published, else the newest published one; NULL if none. */
static Eiso__DocIssue *
portal_issue_best(const struct portal_ctx *c, const char *agency, const Eiso__DocRecord *rec)
{
	Eiso__DocIssue *d;

	if (rec->current != 0 && (d = portal_issue(c, agency, rec->code, rec->current)) != NULL)
		return d;
	for (uint32_t i = rec->latest; i >= 1; i--)
		if ((d = portal_issue(c, agency, rec->code, i)) != NULL)
			return d;
	return NULL;
}

void
portal_doc_url(const struct portal_ctx *c, struct html *b, const char *prefix,
    const char *agency, const char *code, uint32_t issue)
{
	html_raw(b, prefix);
	html_seg(b, agency);
	html_raw(b, "/");
	html_seg(b, code);
	if (issue != 0)
		html_printf(b, "/%u", issue);
	portal_lang_q(c, b, 1);
}

void
portal_file_url(struct html *b, const Eiso__BlobRef *f)
{
	char hex[2 * KEYS_HASH + 1];

	keys_hex(hex, f->sha256.data, f->sha256.len == KEYS_HASH ? KEYS_HASH : 0);
	html_printf(b, "/files/%s/", hex);
	html_seg(b, f->name && f->name[0] ? f->name : hex);
}

/* What the public reads of an issue's status: in_force, superseded, withdrawn. */
const char *
portal_state(const Eiso__DocIssue *d)
{
	if (strcmp(d->status, "effective") == 0)
		return "in_force";
	if (strcmp(d->status, "superseded") == 0)
		return "superseded";
	return "withdrawn";
}

/*
 * The status as a badge; for a superseded issue, "superseded by issue N" linking N when N is
 * published (an internal successor is named by its number only, never linked or described).
 */
void
portal_status(const struct portal_ctx *c, struct html *b, const char *agency,
    const Eiso__DocIssue *d)
{
	const char *s = portal_state(d);
	Eiso__DocIssue *n;

	if (strcmp(s, "in_force") == 0) {
		html_raw(b, "<span class=\"badge b-ok\" data-state=\"in_force\">");
		html_esc(b, portal_t(c, "portal.in_force"));
		html_raw(b, "</span>");
	} else if (strcmp(s, "superseded") == 0) {
		html_raw(b, "<span class=\"badge b-old\" data-state=\"superseded\">");
		html_esc(b, portal_t(c, "portal.superseded"));
		html_raw(b, "</span>");
		if (d->superseded_by != 0) {
			html_raw(b, " ");
			html_esc(b, portal_t(c, "portal.superseded_by"));
			html_raw(b, " ");
			if ((n = portal_issue(c, agency, d->code, d->superseded_by)) != NULL) {
				html_raw(b, "<a class=\"successor\" href=\"");
				portal_doc_url(c, b, "/portal/d/", agency, d->code, n->issue);
				html_printf(b, "\">%s %u</a>", portal_t(c, "portal.issue_lc"),
				    n->issue);
				eiso__doc_issue__free_unpacked(n, NULL);
			} else {
				html_printf(b, "%s %u", portal_t(c, "portal.issue_lc"),
				    d->superseded_by);
			}
		}
	} else {
		html_raw(b, "<span class=\"badge b-bad\" data-state=\"withdrawn\">");
		html_esc(b, portal_t(c, "portal.withdrawn"));
		html_raw(b, "</span>");
	}
}

void
portal_size(struct html *b, uint64_t n)
{
	if (n < 1024)
		html_printf(b, "%llu B", (unsigned long long)n);
	else if (n < 1024 * 1024)
		html_printf(b, "%.1f KB", (double)n / 1024);
	else
		html_printf(b, "%.1f MB", (double)n / (1024 * 1024));
}

static const char *
portal_kind(const struct portal_ctx *c, const char *kind)
{
	char key[48];

	snprintf(key, sizeof(key), "kind.%s", kind);
	return portal_t(c, key);
}

/* Split c->path below prefix into decoded segments; -1 when it does not fit the pattern. */
static int
portal_split(const struct portal_ctx *c, const char *prefix, char **seg, char *buf, size_t len)
{
	return http_path_split(c->path, prefix, seg, PORTAL_MAX_SEG, buf, len);
}

/* A query parameter, "" when absent or bad. */
static void
portal_param(const struct portal_ctx *c, const char *name, char *out, size_t len)
{
	if (c->query == NULL || http_query(c->query, name, out, len) != 0)
		out[0] = '\0';
}

/* ------------------------------------------------------------------------------------------ */
/* Agencies */

/* Public documents in force of an agency: the search index lists exactly those. */
static size_t
portal_count(const struct portal_ctx *c, const char *agency)
{
	uint8_t key[PORTAL_KEY_MAX];
	size_t klen = agency_key(key, sizeof(key), agency, NULL, 0), n = 0;
	MDB_cursor *cur;
	MDB_val k = { klen, key }, v;
	int rc;

	if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_SEARCHED), &cur) != 0)
		return 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < klen || memcmp(k.mv_data, key, klen) != 0)
			break;
		n++;
	}
	mdb_cursor_close(cur);
	return n;
}

static void
page_agencies(const struct portal_ctx *c, struct portal_reply *r)
{
	static const char *const levels[] = { "department", "district", "subdepartment",
	    "commune", "", NULL };
	struct html *b = &r->body;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	portal_head(c, b, portal_t(c, "portal.agencies"));
	html_raw(b, "<section><h1>");
	html_esc(b, portal_t(c, "portal.agencies"));
	html_raw(b, "</h1><p class=\"muted\">");
	html_esc(b, portal_t(c, "portal.agencies_intro"));
	html_raw(b, "</p>\n<form class=\"inline\" action=\"/portal/search\" method=\"get\">"
	    "<input type=\"search\" name=\"q\" aria-label=\"q\" placeholder=\"");
	html_esc(b, portal_t(c, "portal.search_placeholder"));
	html_raw(b, "\">");
	if (c->lang == WEB_EN)
		html_raw(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	html_raw(b, "<button>");
	html_esc(b, portal_t(c, "portal.search_go"));
	html_raw(b, "</button></form></section>\n");
	for (int l = 0; levels[l] != NULL; l++) {
		int any = 0;

		if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_AGENCIES), &cur) != 0)
			break;
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			Eiso__AgencyRecord *a = eiso__agency_record__unpack(NULL, v.mv_size,
			    v.mv_data);
			int known = 0;
			size_t n;

			if (a == NULL)
				continue;
			for (int j = 0; levels[j] != NULL && levels[j][0]; j++)
				known |= strcmp(a->level, levels[j]) == 0;
			if ((levels[l][0] ? strcmp(a->level, levels[l]) != 0 : known) ||
			    !wire_agency_ok(a->id)) {
				eiso__agency_record__free_unpacked(a, NULL);
				continue;
			}
			n = portal_count(c, a->id);
			if (strcmp(a->state, "retired") == 0 && n == 0) {
				eiso__agency_record__free_unpacked(a, NULL);
				continue;
			}
			if (!any) {
				char key[48];

				snprintf(key, sizeof(key), "plevel.%s", levels[l][0] ? levels[l] :
				    "other");
				html_raw(b, "<section><h2>");
				html_esc(b, portal_t(c, key));
				html_raw(b, "</h2><table class=\"agencies\"><thead><tr><th>");
				html_esc(b, portal_t(c, "portal.agency"));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, "portal.docs_in_force"));
				html_raw(b, "</th></tr></thead><tbody>\n");
				any = 1;
			}
			html_raw(b, "<tr><td><a href=\"/portal/a/");
			html_seg(b, a->id);
			portal_lang_q(c, b, 1);
			html_raw(b, "\">");
			html_esc(b, portal_agency_name(c, a));
			html_raw(b, "</a></td>");
			html_printf(b, "<td>%zu</td></tr>\n", n);
			eiso__agency_record__free_unpacked(a, NULL);
		}
		mdb_cursor_close(cur);
		if (any)
			html_raw(b, "</tbody></table></section>\n");
	}
	portal_foot(c, b);
}

/* One row of the agency's list: code, title, issue, effective date, files, earlier issues. */
static void
agency_row(const struct portal_ctx *c, struct html *b, const char *agency,
    const Eiso__DocRecord *rec, const Eiso__DocIssue *d)
{
	char date[32];

	web_date(date, sizeof(date), d->effective_date, c->lang);
	html_raw(b, "<tr><td>");
	html_esc(b, d->code);
	html_raw(b, "</td><td><a href=\"");
	portal_doc_url(c, b, "/portal/d/", agency, d->code, d->issue);
	html_raw(b, "\">");
	html_esc(b, d->title);
	html_printf(b, "</a></td><td>%u</td><td>", d->issue);
	html_esc(b, date);
	html_raw(b, "</td><td>");
	for (size_t i = 0; i < d->n_files; i++) {
		html_raw(b, i ? "<br><a href=\"" : "<a href=\"");
		portal_file_url(b, d->files[i]);
		html_raw(b, "\">");
		html_esc(b, d->files[i]->name);
		html_raw(b, "</a>");
	}
	html_raw(b, "</td><td class=\"small\">");
	for (uint32_t i = d->issue - 1, any = 0; i >= 1; i--) {
		Eiso__DocIssue *o = portal_issue(c, agency, rec->code, i);

		if (o == NULL)
			continue;
		html_raw(b, any++ ? "<br><a class=\"earlier\" href=\"" : "<a class=\"earlier\" href=\"");
		portal_doc_url(c, b, "/portal/d/", agency, rec->code, i);
		html_printf(b, "\">%s %u</a> ", portal_t(c, "portal.issue_lc"), i);
		html_raw(b, "<span class=\"muted\">(");
		html_esc(b, strcmp(o->status, "superseded") == 0 ?
		    portal_t(c, "portal.superseded_lc") : portal_t(c, "portal.withdrawn_lc"));
		html_raw(b, ")</span>");
		eiso__doc_issue__free_unpacked(o, NULL);
	}
	html_raw(b, "</td></tr>\n");
}

static void
page_agency(const struct portal_ctx *c, struct portal_reply *r, const char *agency)
{
	struct html *b = &r->body;
	Eiso__AgencyRecord *a, *parent = NULL;
	uint8_t key[PORTAL_KEY_MAX];
	size_t klen;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, total = 0;

	if ((a = portal_agency(c, agency)) == NULL) {
		portal_not_found(c, r, "portal.no_agency");
		return;
	}
	portal_head(c, b, portal_agency_name(c, a));
	html_raw(b, "<section><h1>");
	html_esc(b, portal_agency_name(c, a));
	html_raw(b, "</h1><dl class=\"meta\"><dt>");
	html_esc(b, portal_t(c, "portal.agency_id"));
	html_raw(b, "</dt><dd>");
	html_esc(b, a->id);
	html_raw(b, "</dd>");
	if (a->level[0]) {
		char lk[48];

		snprintf(lk, sizeof(lk), "level.%s", a->level);
		html_raw(b, "<dt>");
		html_esc(b, portal_t(c, "portal.level"));
		html_raw(b, "</dt><dd>");
		html_esc(b, portal_t(c, lk));
		html_raw(b, "</dd>");
	}
	if (a->parent[0] && (parent = portal_agency(c, a->parent)) != NULL) {
		html_raw(b, "<dt>");
		html_esc(b, portal_t(c, "portal.parent"));
		html_raw(b, "</dt><dd><a href=\"/portal/a/");
		html_seg(b, parent->id);
		portal_lang_q(c, b, 1);
		html_raw(b, "\">");
		html_esc(b, portal_agency_name(c, parent));
		html_raw(b, "</a></dd>");
		eiso__agency_record__free_unpacked(parent, NULL);
	}
	html_raw(b, "</dl></section>\n");

	/* Kinds in their canonical order; within a kind, codes in key order. */
	klen = agency_key(key, sizeof(key), agency, NULL, 0);
	for (int ki = 0; domain_doc_kinds[ki] != NULL; ki++) {
		int any = 0;

		if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_SEARCHED), &cur) != 0)
			break;
		k.mv_data = key;
		k.mv_size = klen;
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			char code[DOMAIN_MAX_CODE + 1];
			Eiso__DocRecord *rec;
			Eiso__DocIssue *d;

			if (k.mv_size < klen || memcmp(k.mv_data, key, klen) != 0)
				break;
			if (k.mv_size - klen > DOMAIN_MAX_CODE)
				continue;
			memcpy(code, (const char *)k.mv_data + klen, k.mv_size - klen);
			code[k.mv_size - klen] = '\0';
			if ((rec = portal_docrec(c, agency, code)) == NULL)
				continue;
			if (strcmp(rec->kind, domain_doc_kinds[ki]) != 0 || rec->current == 0 ||
			    (d = portal_issue(c, agency, code, rec->current)) == NULL) {
				eiso__doc_record__free_unpacked(rec, NULL);
				continue;
			}
			if (!any) {
				html_printf(b, "<section class=\"kind\" id=\"kind-%s\"><h2>",
				    domain_doc_kinds[ki]);
				html_esc(b, portal_kind(c, domain_doc_kinds[ki]));
				html_raw(b, "</h2><table class=\"docs\"><thead><tr><th>");
				html_esc(b, portal_t(c, "portal.code"));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, "portal.title"));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, "portal.issue"));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, "portal.effective"));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, "portal.files"));
				html_raw(b, "</th><th>");
				html_esc(b, portal_t(c, "portal.earlier"));
				html_raw(b, "</th></tr></thead><tbody>\n");
				any = 1;
			}
			agency_row(c, b, agency, rec, d);
			total++;
			eiso__doc_issue__free_unpacked(d, NULL);
			eiso__doc_record__free_unpacked(rec, NULL);
		}
		mdb_cursor_close(cur);
		if (any)
			html_raw(b, "</tbody></table></section>\n");
	}
	if (total == 0) {
		html_raw(b, "<section><p>");
		html_esc(b, portal_t(c, "portal.no_docs"));
		html_raw(b, "</p></section>\n");
	}
	eiso__agency_record__free_unpacked(a, NULL);
	portal_foot(c, b);
}

/* ------------------------------------------------------------------------------------------ */
/* A document issue */

static void
portal_files_table(const struct portal_ctx *c, struct html *b, const Eiso__DocIssue *d,
    int links)
{
	if (d->n_files == 0) {
		html_raw(b, "<p class=\"muted\">");
		html_esc(b, portal_t(c, "portal.no_files"));
		html_raw(b, "</p>");
		return;
	}
	html_raw(b, "<table class=\"files\"><thead><tr><th>");
	html_esc(b, portal_t(c, "portal.file"));
	html_raw(b, "</th><th>");
	html_esc(b, portal_t(c, "portal.size"));
	html_raw(b, "</th><th>SHA-256</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < d->n_files; i++) {
		const Eiso__BlobRef *f = d->files[i];
		char hex[2 * KEYS_HASH + 1];

		keys_hex(hex, f->sha256.data, f->sha256.len == KEYS_HASH ? KEYS_HASH : 0);
		html_raw(b, "<tr><td>");
		if (links) {
			html_raw(b, "<a href=\"");
			portal_file_url(b, f);
			html_raw(b, "\">");
		}
		html_esc(b, f->name);
		html_raw(b, links ? "</a></td><td>" : "</td><td>");
		portal_size(b, f->size);
		html_printf(b, "</td><td class=\"hash\">%s</td></tr>\n", hex);
	}
	html_raw(b, "</tbody></table>\n");
}

static void
meta_row(struct html *b, const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	html_raw(b, "<dt>");
	html_esc(b, label);
	html_raw(b, "</dt><dd>");
	html_esc(b, value);
	html_raw(b, "</dd>");
}

static void
page_doc(const struct portal_ctx *c, struct portal_reply *r, const char *agency,
    const char *code, uint32_t issue)
{
	struct html *b = &r->body;
	Eiso__DocRecord *rec;
	Eiso__DocIssue *d = NULL;
	Eiso__AgencyRecord *a = NULL;
	uint8_t h[KEYS_HASH];
	char hex[2 * KEYS_HASH + 1], buf[64];

	if ((rec = portal_docrec(c, agency, code)) == NULL ||
	    (d = issue ? portal_issue(c, agency, rec->code, issue) :
	    portal_issue_best(c, agency, rec)) == NULL ||
	    (a = portal_agency(c, agency)) == NULL) {
		portal_not_found(c, r, "portal.no_doc");
		goto done;
	}
	published_hash(agency, d, h);
	keys_hex(hex, h, sizeof(h));
	portal_head(c, b, d->title);
	html_printf(b, "<section class=\"doc\" data-state=\"%s\"><div class=\"qr\"><img alt=\"QR\" "
	    "src=\"", portal_state(d));
	portal_doc_url(c, b, "/qr/", agency, d->code, 0);
	html_printf(b, "/%u.svg\"><br><a class=\"small\" href=\"", d->issue);
	portal_doc_url(c, b, "/portal/sheet/", agency, d->code, d->issue);
	html_raw(b, "\">");
	html_esc(b, portal_t(c, "portal.sheet_link"));
	html_raw(b, "</a></div><h1>");
	html_esc(b, d->title);
	html_raw(b, "</h1><p>");
	portal_status(c, b, agency, d);
	html_raw(b, "</p><dl class=\"meta\">");
	meta_row(b, portal_t(c, "portal.code"), d->code);
	meta_row(b, portal_t(c, "portal.kind"), portal_kind(c, d->kind));
	snprintf(buf, sizeof(buf), "%u", d->issue);
	meta_row(b, portal_t(c, "portal.issue"), buf);
	web_date(buf, sizeof(buf), d->effective_date, c->lang);
	meta_row(b, portal_t(c, "portal.effective"), buf);
	if (d->approved != NULL && d->approved->name[0]) {
		html_raw(b, "<dt>");
		html_esc(b, portal_t(c, "portal.approved"));
		html_raw(b, "</dt><dd>");
		html_esc(b, d->approved->name);
		if (d->approved->position[0]) {
			html_raw(b, ", ");
			html_esc(b, d->approved->position);
		}
		if (d->approved->at != 0) {
			web_time(buf, sizeof(buf), d->approved->at, c->lang);
			html_raw(b, " — ");
			html_esc(b, buf);
		}
		html_raw(b, "</dd>");
	}
	html_raw(b, "<dt>");
	html_esc(b, portal_t(c, "portal.agency_signed"));
	html_raw(b, "</dt><dd><a href=\"/portal/a/");
	html_seg(b, agency);
	portal_lang_q(c, b, 1);
	html_raw(b, "\">");
	html_esc(b, portal_agency_name(c, a));
	html_raw(b, "</a>");
	if (a->sign_pub.len == 32) {
		char kh[65];

		keys_hex(kh, a->sign_pub.data, 32);
		html_raw(b, " <span class=\"muted small\">(Ed25519 ");
		html_printf(b, "<span class=\"hash\">%.16s…</span>)</span>", kh);
	}
	html_raw(b, "</dd>");
	meta_row(b, portal_t(c, "portal.owner_unit"), d->owner_unit);
	if (d->origin != NULL) {
		meta_row(b, portal_t(c, "portal.origin_issuer"), d->origin->issuer);
		meta_row(b, portal_t(c, "portal.origin_number"), d->origin->number);
	}
	meta_row(b, portal_t(c, "portal.note"), d->note);
	if (strcmp(d->status, "withdrawn") == 0)
		meta_row(b, portal_t(c, "portal.withdraw_note"), d->withdraw_note);
	html_raw(b, "<dt>");
	html_esc(b, portal_t(c, "portal.hash"));
	html_printf(b, "</dt><dd class=\"hash\" id=\"content-hash\">%s</dd></dl></section>\n", hex);

	html_raw(b, "<section><h2>");
	html_esc(b, portal_t(c, "portal.files"));
	html_raw(b, "</h2>");
	portal_files_table(c, b, d, 1);
	html_raw(b, "</section>\n");

	/* Every published issue of the document. */
	html_raw(b, "<section><h2>");
	html_esc(b, portal_t(c, "portal.history"));
	html_raw(b, "</h2><table class=\"history\"><tbody>\n");
	for (uint32_t i = rec->latest; i >= 1; i--) {
		Eiso__DocIssue *o = portal_issue(c, agency, rec->code, i);

		if (o == NULL)
			continue;
		web_date(buf, sizeof(buf), o->effective_date, c->lang);
		html_raw(b, "<tr><td>");
		if (i != d->issue) {
			html_raw(b, "<a href=\"");
			portal_doc_url(c, b, "/portal/d/", agency, rec->code, i);
			html_printf(b, "\">%s %u</a>", portal_t(c, "portal.issue_lc"), i);
		} else {
			html_printf(b, "<strong>%s %u</strong>", portal_t(c, "portal.issue_lc"), i);
		}
		html_raw(b, "</td><td>");
		html_esc(b, buf);
		html_raw(b, "</td><td>");
		portal_status(c, b, agency, o);
		html_raw(b, "</td></tr>\n");
		eiso__doc_issue__free_unpacked(o, NULL);
	}
	html_raw(b, "</tbody></table></section>\n");
	portal_foot(c, b);
done:
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
	if (d != NULL)
		eiso__doc_issue__free_unpacked(d, NULL);
	if (rec != NULL)
		eiso__doc_record__free_unpacked(rec, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Agency pickers for the search and case forms */

static void
agency_options(const struct portal_ctx *c, struct html *b, const char *selected)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	html_raw(b, "<option value=\"\">");
	html_esc(b, portal_t(c, "portal.all_agencies"));
	html_raw(b, "</option>");
	if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_AGENCIES), &cur) != 0)
		return;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Eiso__AgencyRecord *a = eiso__agency_record__unpack(NULL, v.mv_size, v.mv_data);

		if (a == NULL)
			continue;
		if (wire_agency_ok(a->id)) {
			html_raw(b, "<option value=\"");
			html_esc(b, a->id);
			html_raw(b, strcmp(a->id, selected) == 0 ? "\" selected>" : "\">");
			html_esc(b, portal_agency_name(c, a));
			html_raw(b, "</option>");
		}
		eiso__agency_record__free_unpacked(a, NULL);
	}
	mdb_cursor_close(cur);
}

/* ------------------------------------------------------------------------------------------ */
/* Case status */

static void
case_rows(const struct portal_ctx *c, struct html *b, const char *agency, const Eiso__Case *k)
{
	Eiso__AgencyRecord *a = portal_agency(c, agency);
	char buf[64], key[48];

	html_raw(b, "<section class=\"case\"><dl class=\"meta\">");
	meta_row(b, portal_t(c, "portal.case_code"), k->code);
	meta_row(b, portal_t(c, "portal.agency"), a ? portal_agency_name(c, a) : agency);
	meta_row(b, portal_t(c, "portal.procedure"), k->procedure);
	web_time(buf, sizeof(buf), k->received, c->lang);
	meta_row(b, portal_t(c, "portal.received"), buf);
	web_time(buf, sizeof(buf), k->due, c->lang);
	meta_row(b, portal_t(c, "portal.due"), buf);
	snprintf(key, sizeof(key), "cstatus.%s", k->status);
	html_raw(b, "<dt>");
	html_esc(b, portal_t(c, "portal.status"));
	html_printf(b, "</dt><dd data-status=\"%s\"><strong>", domain_one_of(k->status,
	    domain_case_statuses) ? k->status : "unknown");
	html_esc(b, portal_t(c, key));
	html_raw(b, "</strong></dd>");
	if (k->completed != 0) {
		web_time(buf, sizeof(buf), k->completed, c->lang);
		meta_row(b, portal_t(c, "portal.completed"), buf);
		if (strcmp(k->status, "completed") == 0)
			meta_row(b, portal_t(c, "portal.timeliness"), portal_t(c, k->completed <=
			    k->due ? "portal.on_time" : "portal.late"));
	} else if (!domain_case_final(k->status) && k->due < store_now_ms()) {
		meta_row(b, portal_t(c, "portal.timeliness"), portal_t(c, "portal.overdue"));
	}
	html_raw(b, "</dl></section>\n");
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
}

static int
case_find(const struct portal_ctx *c, struct html *b, const char *agency, const char *code)
{
	uint8_t key[PORTAL_KEY_MAX];
	MDB_val k, v;
	Eiso__Case *kc;

	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), agency, code, strlen(code));
	if (mdb_get(c->txn, store_dbi(c->h->st, HDB_CASES), &k, &v) != 0 ||
	    (kc = eiso__case__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return 0;
	case_rows(c, b, agency, kc);
	eiso__case__free_unpacked(kc, NULL);
	return 1;
}

static void
page_case(const struct portal_ctx *c, struct portal_reply *r)
{
	struct html *b = &r->body;
	char agency[WIRE_MAX_AGENCY + 2], code[DOMAIN_MAX_CODE + 2];
	int found = 0;

	portal_param(c, "agency", agency, sizeof(agency));
	portal_param(c, "code", code, sizeof(code));
	portal_head(c, b, portal_t(c, "portal.case"));
	html_raw(b, "<section><h1>");
	html_esc(b, portal_t(c, "portal.case"));
	html_raw(b, "</h1><p class=\"muted\">");
	html_esc(b, portal_t(c, "portal.case_intro"));
	html_raw(b, "</p><form class=\"inline\" action=\"/portal/case\" method=\"get\"><label>");
	html_esc(b, portal_t(c, "portal.case_code"));
	html_raw(b, "<br><input type=\"text\" name=\"code\" required value=\"");
	html_esc(b, code);
	html_raw(b, "\"></label><label>");
	html_esc(b, portal_t(c, "portal.agency"));
	html_raw(b, "<br><select name=\"agency\">");
	agency_options(c, b, agency);
	html_raw(b, "</select></label>");
	if (c->lang == WEB_EN)
		html_raw(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	html_raw(b, "<button>");
	html_esc(b, portal_t(c, "portal.lookup"));
	html_raw(b, "</button></form></section>\n");
	if (code[0] != '\0') {
		if (!domain_code_ok(code) || (agency[0] && !wire_agency_ok(agency))) {
			found = 0;
		} else if (agency[0]) {
			found = case_find(c, b, agency, code);
		} else {
			MDB_cursor *cur;
			MDB_val k, v;
			char id[WIRE_MAX_AGENCY + 1];
			int rc;

			if (mdb_cursor_open(c->txn, store_dbi(c->h->st, HDB_AGENCIES), &cur) == 0) {
				for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
				    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
					if (k.mv_size > WIRE_MAX_AGENCY)
						continue;
					memcpy(id, k.mv_data, k.mv_size);
					id[k.mv_size] = '\0';
					found += case_find(c, b, id, code);
				}
				mdb_cursor_close(cur);
			}
		}
		if (!found) {
			r->status = 404;
			html_raw(b, "<section data-verdict=\"not_found\"><p>");
			html_esc(b, portal_t(c, "portal.no_case"));
			html_raw(b, "</p></section>\n");
		}
	}
	portal_foot(c, b);
}

/* ------------------------------------------------------------------------------------------ */
/* Search */

struct search_page {
	const struct portal_ctx *c;
	struct html *b;
};

static int
search_row(const char *agency, const char *code, uint32_t score, void *arg)
{
	struct search_page *s = arg;
	const struct portal_ctx *c = s->c;
	struct html *b = s->b;
	Eiso__DocRecord *rec = portal_docrec(c, agency, code);
	Eiso__DocIssue *d = rec && rec->current ? portal_issue(c, agency, code, rec->current) :
	    NULL;
	Eiso__AgencyRecord *a = portal_agency(c, agency);
	char date[32];

	(void)score;
	if (d != NULL && strcmp(d->status, "effective") == 0) {
		web_date(date, sizeof(date), d->effective_date, c->lang);
		html_raw(b, "<li class=\"hit\"><a href=\"");
		portal_doc_url(c, b, "/portal/d/", agency, code, d->issue);
		html_raw(b, "\">");
		html_esc(b, d->title);
		html_raw(b, "</a><br><span class=\"small muted\">");
		html_esc(b, a ? portal_agency_name(c, a) : agency);
		html_raw(b, " · ");
		html_esc(b, d->code);
		html_raw(b, " · ");
		html_esc(b, portal_kind(c, d->kind));
		html_printf(b, " · %s %u · ", portal_t(c, "portal.issue_lc"), d->issue);
		html_esc(b, date);
		html_raw(b, "</span></li>\n");
	}
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
	if (d != NULL)
		eiso__doc_issue__free_unpacked(d, NULL);
	if (rec != NULL)
		eiso__doc_record__free_unpacked(rec, NULL);
	return 0;
}

static void
search_link(const struct portal_ctx *c, struct html *b, const char *q, const char *agency,
    const char *kind, unsigned long page)
{
	html_raw(b, "/portal/search?q=");
	html_seg(b, q);
	if (agency[0]) {
		html_raw(b, "&amp;agency=");
		html_seg(b, agency);
	}
	if (kind[0]) {
		html_raw(b, "&amp;kind=");
		html_seg(b, kind);
	}
	html_printf(b, "&amp;page=%lu", page);
	portal_lang_q(c, b, 0);
}

static void
page_search(const struct portal_ctx *c, struct portal_reply *r)
{
	struct html *b = &r->body;
	char q[512], agency[WIRE_MAX_AGENCY + 2], kind[32], pg[16];
	unsigned long page;
	size_t total = 0, pages;
	struct search_page sp = { c, b };
	int rc = 0;

	portal_param(c, "q", q, sizeof(q));
	portal_param(c, "agency", agency, sizeof(agency));
	portal_param(c, "kind", kind, sizeof(kind));
	portal_param(c, "page", pg, sizeof(pg));
	page = strtoul(pg, NULL, 10);
	if (page < 1 || page > 100000)
		page = 1;
	if (agency[0] && !wire_agency_ok(agency))
		agency[0] = '\0';
	if (kind[0] && !domain_one_of(kind, domain_doc_kinds))
		kind[0] = '\0';

	portal_head(c, b, portal_t(c, "portal.search"));
	html_raw(b, "<section><h1>");
	html_esc(b, portal_t(c, "portal.search"));
	html_raw(b, "</h1><form class=\"inline\" action=\"/portal/search\" method=\"get\"><label>");
	html_esc(b, portal_t(c, "portal.search_words"));
	html_raw(b, "<br><input type=\"search\" name=\"q\" value=\"");
	html_esc(b, q);
	html_raw(b, "\" placeholder=\"");
	html_esc(b, portal_t(c, "portal.search_placeholder"));
	html_raw(b, "\"></label><label>");
	html_esc(b, portal_t(c, "portal.agency"));
	html_raw(b, "<br><select name=\"agency\">");
	agency_options(c, b, agency);
	html_raw(b, "</select></label><label>");
	html_esc(b, portal_t(c, "portal.kind"));
	html_raw(b, "<br><select name=\"kind\"><option value=\"\">");
	html_esc(b, portal_t(c, "portal.all_kinds"));
	html_raw(b, "</option>");
	for (int i = 0; domain_doc_kinds[i] != NULL; i++) {
		html_printf(b, "<option value=\"%s\"%s>", domain_doc_kinds[i],
		    strcmp(kind, domain_doc_kinds[i]) == 0 ? " selected" : "");
		html_esc(b, portal_kind(c, domain_doc_kinds[i]));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></label>");
	if (c->lang == WEB_EN)
		html_raw(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	html_raw(b, "<button>");
	html_esc(b, portal_t(c, "portal.search_go"));
	html_raw(b, "</button></form></section>\n");
	if (q[0] != '\0') {
		struct html list = { 0 };

		sp.b = &list;
		rc = search_query(c->txn, c->h, q, agency[0] ? agency : NULL, kind[0] ? kind : NULL,
		    (page - 1) * PORTAL_PAGE_SIZE, PORTAL_PAGE_SIZE, search_row, &sp, &total);
		html_raw(b, "<section class=\"results\">");
		if (rc != 0) {
			html_raw(b, "<p>");
			html_esc(b, portal_t(c, "portal.search_bad"));
			html_raw(b, "</p>");
			total = 0;
		} else {
			html_printf(b, "<p id=\"total\" data-total=\"%zu\">", total);
			html_printf(b, portal_t(c, "portal.search_total"), total);
			html_raw(b, "</p>");
		}
		if (list.len > 0) {
			html_raw(b, "<ol class=\"hits\">");
			html_mem(b, list.buf, list.len);
			html_raw(b, "</ol>");
		}
		html_free(&list);
		pages = (total + PORTAL_PAGE_SIZE - 1) / PORTAL_PAGE_SIZE;
		if (pages > 1) {
			html_raw(b, "<p class=\"pager\">");
			if (page > 1) {
				html_raw(b, "<a rel=\"prev\" href=\"");
				search_link(c, b, q, agency, kind, page - 1);
				html_raw(b, "\">« ");
				html_esc(b, portal_t(c, "portal.prev"));
				html_raw(b, "</a>");
			}
			html_printf(b, "<span>%lu / %zu</span>", page, pages);
			if (page < pages) {
				html_raw(b, "<a rel=\"next\" href=\"");
				search_link(c, b, q, agency, kind, page + 1);
				html_raw(b, "\">");
				html_esc(b, portal_t(c, "portal.next"));
				html_raw(b, " »</a>");
			}
			html_raw(b, "</p>");
		}
		html_raw(b, "</section>\n");
	}
	portal_foot(c, b);
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
		page_agencies(c, r);
	} else if (strcmp(c->path, "/portal/search") == 0) {
		page_search(c, r);
	} else if (strcmp(c->path, "/portal/case") == 0) {
		page_case(c, r);
	} else if ((n = portal_split(c, "/portal/a/", seg, buf, sizeof(buf))) == 1) {
		page_agency(c, r, seg[0]);
	} else if ((n = portal_split(c, "/portal/d/", seg, buf, sizeof(buf))) == 2 || n == 3) {
		char *end = NULL;
		unsigned long issue = n == 3 ? strtoul(seg[2], &end, 10) : 0;

		if (n == 3 && (end == seg[2] || *end != '\0' || issue == 0 || issue > UINT32_MAX))
			portal_not_found(c, r, "portal.no_doc");
		else
			page_doc(c, r, seg[0], seg[1], (uint32_t)issue);
	} else {
		portal_not_found(c, r, "portal.no_page");
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

int
portal_route(struct web *w, struct http_req *r)
{
	struct hub *h = web_hub(w);
	struct portal_ctx c;
	struct portal_reply rep;
	const char *hdrs[2 * PORTAL_MAX_HDR + 1];
	MDB_txn *txn;
	int rc, n = 0;

	if (strcmp(r->path, "/portal") != 0 && strncmp(r->path, "/portal/", 8) != 0 &&
	    strcmp(r->path, "/verify") != 0 && strncmp(r->path, "/q/", 3) != 0 &&
	    strncmp(r->path, "/qr/", 4) != 0 && strncmp(r->path, "/files/", 7) != 0)
		return 0;
	memset(&c, 0, sizeof(c));
	c.lang = web_lang(w, r);
	c.h = h;
	c.base = h->conf.web_public_base;
	c.path = r->path;
	c.query = r->query;
	if ((rc = store_read_begin(h->st, &txn)) != 0) {
		http_reply_raw(r, 503, "text/plain; charset=utf-8", "store unavailable\n", 18, NULL);
		return 1;
	}
	c.txn = txn;
	portal_page(&c, r->method, http_header(r, "content-type"), r->body, r->body_len, &rep);
	store_read_end(&txn);
	for (int i = 0; i < rep.nhdr; i++) {
		hdrs[n++] = rep.hdr[i].name;
		hdrs[n++] = rep.hdr[i].value;
	}
	hdrs[n] = NULL;
	if (rep.blob) {
		struct portal_stream *s = malloc(sizeof(*s));

		if (s == NULL) {
			http_reply_raw(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14, NULL);
		} else {
			s->h = h;
			memcpy(s->sha, rep.sha, sizeof(s->sha));
			http_reply_stream(r, rep.status, rep.ctype, rep.size, hdrs, portal_stream_read,
			    portal_stream_done, s);
		}
		portal_reply_free(&rep);
	} else if (strncmp(rep.ctype, "text/html", 9) == 0) {
		web_reply_html(r, rep.status, &rep.body, hdrs);      /* frees the body */
	} else {
		if (rep.body.oom)
			http_reply_raw(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14,
			    NULL);
		else
			http_reply_raw(r, rep.status, rep.ctype, rep.body.buf ? rep.body.buf : "",
			    rep.body.len, hdrs);
		portal_reply_free(&rep);
	}
	return 1;
}

int
cmd_portal(int argc, char **argv)
{
	static const char usage[] =
	    "usage: hubd portal [-c CONF] [--lang vi|en] [--post FILE] [--head] PATH[?QUERY]\n"
	    "\n"
	    "Writes a page of the public portal to standard output, exactly as the web side\n"
	    "serves it (the status goes to standard error; exit 1 when it is not 200). PATH is\n"
	    "one of /portal, /portal/a/AGENCY, /portal/d/AGENCY/CODE[/ISSUE], /portal/search,\n"
	    "/portal/case, /portal/sheet/AGENCY/CODE/ISSUE, /q/..., /qr/AGENCY/CODE/ISSUE.png|svg,\n"
	    "/files/SHA256, /verify. --post sends FILE as the body of a POST (the verify upload).\n"
	    "--head prints the status and headers before the body.\n";
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "post", required_argument, NULL, 'p' },
		{ "head", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = HUBD_DEFAULT_CONF, *post = NULL;
	char path[2048], *q;
	struct portal_ctx ctx;
	struct portal_reply r;
	struct hub h;
	MDB_txn *txn = NULL;
	struct html body = { 0 };
	int c, ret = 1, head = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.lang = WEB_VI;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'l': ctx.lang = strcmp(optarg, "en") == 0 ? WEB_EN : WEB_VI; break;
		case 'p': post = optarg; break;
		case 'H': head = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (argc - optind != 1 || snprintf(path, sizeof(path), "%s", argv[optind]) >=
	    (int)sizeof(path)) {
		fputs(usage, stderr);
		return 2;
	}
	if (post != NULL) {
		FILE *f = fopen(post, "rb");
		size_t got;
		char chunk[65536];

		if (f == NULL) {
			fprintf(stderr, "hubd portal: %s: cannot read\n", post);
			return 1;
		}
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			html_mem(&body, chunk, got);
		fclose(f);
		if (body.oom) {
			fprintf(stderr, "hubd portal: out of memory\n");
			return 1;
		}
	}
	if ((q = strchr(path, '?')) != NULL)
		*q++ = '\0';
	ctx.path = path;
	ctx.query = q ? q : "";
	if (view_open("portal", conf, &h, &txn) != 0) {
		html_free(&body);
		return 1;
	}
	ctx.txn = txn;
	ctx.h = &h;
	ctx.base = h.conf.web_public_base;
	if (!portal_page(&ctx, post ? "POST" : "GET", "application/octet-stream",
	    (const uint8_t *)body.buf, body.len, &r)) {
		fprintf(stderr, "hubd portal: %s is not a page of the portal\n", path);
		goto done;
	}
	if (r.blob) {
		fprintf(stderr, "%d %s (file %llu bytes)\n", r.status, r.ctype,
		    (unsigned long long)r.size);
		for (int i = 0; head && i < r.nhdr; i++)
			fprintf(stderr, "%s: %s\n", r.hdr[i].name, r.hdr[i].value);
		fflush(stdout);
		ret = blob_write_fd(txn, &h.bt, r.sha, STDOUT_FILENO) != 0;
	} else {
		fprintf(stderr, "%d %s\n", r.status, r.ctype);
		for (int i = 0; head && i < r.nhdr; i++)
			fprintf(stderr, "%s: %s\n", r.hdr[i].name, r.hdr[i].value);
		fwrite(r.body.buf ? r.body.buf : "", 1, r.body.len, stdout);
		ret = r.body.oom || r.status != 200;
	}
	portal_reply_free(&r);
done:
	html_free(&body);
	store_read_end(&txn);
	hub_close(&h);
	return ret;
}
