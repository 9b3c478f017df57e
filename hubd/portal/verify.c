/*
 * verify.c: what lets a citizen trust a printout. Each published issue has a QR code (PNG and
 * SVG) of a stable URL on [web] public_base:
 *     {public_base}/q/{agency}/{code}/{issue}/{hash12}
 * naming the agency, the document code (a '/' in it written %2F), the issue number and the
 * first 12 hex digits of the issue's content hash (published.c says what it covers). That URL
 * answers plainly: in force, superseded (linking the issue in force), withdrawn, or that the
 * hash does not match (a forged or altered sheet) or names nothing published. Also here: the
 * printable A4 publication sheet, downloads of published files (and only those), and the
 * verify page, which tells whether a file (uploaded, or its SHA-256 pasted) is a published
 * file, of which agency and issue, and whether that issue is in force.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain.h"
#include "err.h"
#include "portal/portal.h"
#include "keys.h"
#include "sha256.h"
#include "wire.h"

#define VERIFY_HASH_SHOWN 12      /* hex digits of the content hash in QR URLs */

/* The URL a published issue's QR code encodes. */
void
verify_qr_url(const struct portal_ctx *c, struct html *b, const char *agency,
    const Eiso__DocIssue *d)
{
	uint8_t h[KEYS_HASH];
	char hex[2 * KEYS_HASH + 1];
	size_t n = strlen(c->base);

	while (n > 0 && c->base[n - 1] == '/')
		n--;
	published_hash(agency, d, h);
	keys_hex(hex, h, sizeof(h));
	html_mem(b, c->base, n);
	html_raw(b, "/q/");
	html_seg(b, agency);
	html_raw(b, "/");
	html_seg(b, d->code);
	html_printf(b, "/%u/%.*s", d->issue, VERIFY_HASH_SHOWN, hex);
}

/* Parse "N" (1..UINT32_MAX) with an optional suffix that must then follow. */
static int
verify_issue_num(const char *s, const char *suffix, uint32_t *issue)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return 0;
	v = strtoul(s, &end, 10);
	if (v == 0 || v > UINT32_MAX || strcmp(end, suffix) != 0)
		return 0;
	*issue = (uint32_t)v;
	return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* /q/{agency}/{code}/{issue}/{hash}: the page a QR code leads to */

static void
q_details(const struct portal_ctx *c, struct html *b, const char *agency,
    const Eiso__DocIssue *d)
{
	Eiso__AgencyRecord *a = portal_agency(c, agency);
	char date[32];

	i18n_date(date, sizeof(date), d->effective_date, c->lang);
	html_raw(b, "<section><h2>");
	html_esc(b, d->title);
	html_raw(b, "</h2><dl class=\"meta\"><dt>");
	html_esc(b, portal_t(c, TR_PORTAL_AGENCY_SIGNED));
	html_raw(b, "</dt><dd>");
	html_esc(b, a ? portal_agency_name(c, a) : agency);
	html_raw(b, "</dd><dt>");
	html_esc(b, portal_t(c, TR_PORTAL_CODE));
	html_raw(b, "</dt><dd>");
	html_esc(b, d->code);
	html_raw(b, "</dd><dt>");
	html_esc(b, portal_t(c, TR_PORTAL_ISSUE));
	html_printf(b, "</dt><dd>%u</dd><dt>", d->issue);
	html_esc(b, portal_t(c, TR_PORTAL_EFFECTIVE));
	html_raw(b, "</dt><dd>");
	html_esc(b, date);
	html_raw(b, "</dd><dt>");
	html_esc(b, portal_t(c, TR_PORTAL_STATUS));
	html_raw(b, "</dt><dd>");
	portal_status(c, b, agency, d);
	html_raw(b, "</dd></dl><p><a href=\"");
	portal_doc_url(c, b, "/portal/d/", agency, d->code, d->issue);
	html_raw(b, "\">");
	html_esc(b, portal_t(c, TR_VERIFY_SEE_DOC));
	html_raw(b, "</a></p></section>\n");
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
}

static void
page_q(const struct portal_ctx *c, struct portal_reply *r, char **seg)
{
	struct html *b = &r->body;
	Eiso__DocRecord *rec = NULL;
	Eiso__DocIssue *d = NULL, *cur = NULL;
	uint8_t h[KEYS_HASH];
	char hex[2 * KEYS_HASH + 1], given[2 * KEYS_HASH + 1];
	size_t gl = strlen(seg[3]);
	uint32_t issue = 0;
	const char *verdict;

	for (size_t i = 0; i < gl && i < sizeof(given) - 1; i++)
		given[i] = (char)tolower((unsigned char)seg[3][i]);
	given[gl < sizeof(given) ? gl : sizeof(given) - 1] = '\0';
	if (!verify_issue_num(seg[2], "", &issue) ||
	    (rec = portal_docrec(c, seg[0], seg[1])) == NULL ||
	    (d = portal_issue(c, seg[0], rec->code, issue)) == NULL) {
		r->status = 404;
		portal_head(c, b, portal_t(c, TR_VERIFY_UNKNOWN_TITLE));
		html_raw(b, "<section class=\"verdict v-bad\" id=\"verdict\" "
		    "data-verdict=\"unknown\">");
		html_esc(b, portal_t(c, TR_VERIFY_UNKNOWN));
		html_raw(b, "</section><section><p>");
		html_esc(b, portal_t(c, TR_VERIFY_UNKNOWN_MORE));
		html_raw(b, "</p></section>\n");
		goto done;
	}
	published_hash(seg[0], d, h);
	keys_hex(hex, h, sizeof(h));
	portal_head(c, b, d->title);
	if (gl < 8 || gl > 2 * KEYS_HASH || strspn(given, "0123456789abcdef") != gl ||
	    strncmp(hex, given, gl) != 0) {
		/* The issue exists and is published, but this is not its code: a forgery. */
		html_raw(b, "<section class=\"verdict v-bad\" id=\"verdict\" "
		    "data-verdict=\"mismatch\">");
		html_esc(b, portal_t(c, TR_VERIFY_MISMATCH));
		html_raw(b, "</section><section><p>");
		html_esc(b, portal_t(c, TR_VERIFY_MISMATCH_MORE));
		html_raw(b, "</p><p class=\"small\">");
		html_esc(b, portal_t(c, TR_VERIFY_HASH_EXPECTED));
		html_printf(b, " <span class=\"hash\">%.*s</span></p></section>\n",
		    VERIFY_HASH_SHOWN, hex);
		q_details(c, b, seg[0], d);
		goto done;
	}
	verdict = portal_state(d);
	html_printf(b, "<section class=\"verdict %s\" id=\"verdict\" data-verdict=\"%s\">",
	    strcmp(verdict, "in_force") == 0 ? "v-ok" : strcmp(verdict, "superseded") == 0 ?
	    "v-old" : "v-bad", verdict);
	if (strcmp(verdict, "in_force") == 0) {
		html_esc(b, portal_t(c, TR_VERIFY_IN_FORCE));
	} else if (strcmp(verdict, "superseded") == 0) {
		html_esc(b, portal_t(c, TR_VERIFY_SUPERSEDED));
		if (rec->current != 0 &&
		    (cur = portal_issue(c, seg[0], rec->code, rec->current)) != NULL &&
		    strcmp(cur->status, "effective") == 0) {
			html_raw(b, "<br><a id=\"current\" href=\"");
			portal_doc_url(c, b, "/portal/d/", seg[0], rec->code, cur->issue);
			html_raw(b, "\">");
			html_esc(b, portal_t(c, TR_VERIFY_CURRENT_IS));
			html_printf(b, " %u", cur->issue);
			html_raw(b, "</a>");
		} else {
			html_raw(b, "<br><span class=\"small\">");
			html_esc(b, portal_t(c, TR_VERIFY_NO_CURRENT));
			html_raw(b, "</span>");
		}
	} else {
		html_esc(b, portal_t(c, TR_VERIFY_WITHDRAWN));
	}
	html_raw(b, "</section><section><p id=\"hash-ok\" data-hash=\"match\">✔ ");
	html_esc(b, portal_t(c, TR_VERIFY_HASH_MATCH));
	html_printf(b, "</p><p class=\"small muted\">SHA-256 <span class=\"hash\">%s</span></p>"
	    "</section>\n", hex);
	q_details(c, b, seg[0], d);
done:
	portal_foot(c, b);
	if (cur != NULL)
		eiso__doc_issue__free_unpacked(cur, NULL);
	if (d != NULL)
		eiso__doc_issue__free_unpacked(d, NULL);
	if (rec != NULL)
		eiso__doc_record__free_unpacked(rec, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* /qr/{agency}/{code}/{issue}.png|svg */

static void
page_qr(const struct portal_ctx *c, struct portal_reply *r, char **seg)
{
	Eiso__DocIssue *d = NULL;
	struct html url = { 0 };
	uint32_t issue;
	int png, rc;
	char sc[8];
	unsigned scale = 8;

	png = verify_issue_num(seg[2], ".png", &issue);
	if ((!png && !verify_issue_num(seg[2], ".svg", &issue)) ||
	    (d = portal_issue(c, seg[0], seg[1], issue)) == NULL) {
		portal_not_found(c, r, TR_PORTAL_NO_DOC);
		return;
	}
	if (c->query != NULL && http_query(c->query, "scale", sc, sizeof(sc)) == 0 &&
	    atoi(sc) >= 1 && atoi(sc) <= 16)
		scale = (unsigned)atoi(sc);
	verify_qr_url(c, &url, seg[0], d);
	rc = url.oom ? EISO_NOMEM : png ? qr_png(url.buf, scale, &r->body) :
	    qr_svg(url.buf, &r->body);
	if (rc != 0) {
		html_free(&r->body);
		r->status = 500;
		r->ctype = "text/plain; charset=utf-8";
		html_raw(&r->body, "cannot draw the QR code\n");
	} else {
		r->ctype = png ? "image/png" : "image/svg+xml";
		portal_header(r, "cache-control", "public, max-age=3600");
		portal_header(r, "x-eiso-qr-url", url.buf);
	}
	html_free(&url);
	eiso__doc_issue__free_unpacked(d, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* /portal/sheet/{agency}/{code}/{issue}: the A4 publication sheet */

static void
page_sheet(const struct portal_ctx *c, struct portal_reply *r, char **seg)
{
	struct html *b = &r->body, url = { 0 };
	Eiso__DocIssue *d = NULL;
	Eiso__AgencyRecord *a = NULL;
	uint32_t issue;
	uint8_t h[KEYS_HASH];
	char hex[2 * KEYS_HASH + 1], date[32], now[32];

	if (!verify_issue_num(seg[2], "", &issue) ||
	    (d = portal_issue(c, seg[0], seg[1], issue)) == NULL ||
	    (a = portal_agency(c, seg[0])) == NULL) {
		portal_not_found(c, r, TR_PORTAL_NO_DOC);
		goto done;
	}
	published_hash(seg[0], d, h);
	keys_hex(hex, h, sizeof(h));
	verify_qr_url(c, &url, seg[0], d);
	i18n_date(date, sizeof(date), d->effective_date, c->lang);
	i18n_time(now, sizeof(now), store_now_ms(), c->lang);
	html_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
	    c->lang == WEB_EN ? "en" : "vi");
	html_esc(b, d->code);
	html_printf(b, " · %s %u</title></title>\n<link rel=\"stylesheet\" href=\"/static/sheet.css\">", portal_t(c, TR_PORTAL_ISSUE_LC), d->issue);
	html_raw(b, "</head><body>\n<div class=\"tools\"><a href=\"");
	portal_doc_url(c, b, "/portal/d/", seg[0], d->code, d->issue);
	html_raw(b, "\">← ");
	html_esc(b, portal_t(c, TR_SHEET_BACK));
	html_raw(b, "</a> · ");
	html_esc(b, portal_t(c, TR_SHEET_PRINT_HINT));
	html_raw(b, "</div>\n<article class=\"sheet\" id=\"sheet\"><div class=\"agency\">");
	html_esc(b, portal_agency_name(c, a));
	html_raw(b, "</div><div class=\"rule\"></div><div class=\"kicker\">");
	html_esc(b, portal_t(c, TR_SHEET_KICKER));
	html_raw(b, "</div><h1>");
	html_esc(b, d->title);
	html_raw(b, "</h1><table class=\"m\"><tr><th>");
	html_esc(b, portal_t(c, TR_PORTAL_CODE));
	html_raw(b, "</th><td>");
	html_esc(b, d->code);
	html_raw(b, "</td></tr><tr><th>");
	html_esc(b, portal_t(c, TR_PORTAL_ISSUE));
	html_printf(b, "</th><td>%u</td></tr><tr><th>", d->issue);
	html_esc(b, portal_t(c, TR_PORTAL_EFFECTIVE));
	html_raw(b, "</th><td>");
	html_esc(b, date);
	html_raw(b, "</td></tr><tr><th>");
	html_esc(b, portal_t(c, TR_PORTAL_AGENCY_SIGNED));
	html_raw(b, "</th><td>");
	html_esc(b, portal_agency_name(c, a));
	html_raw(b, "</td></tr>");
	if (d->approved != NULL && d->approved->name[0]) {
		html_raw(b, "<tr><th>");
		html_esc(b, portal_t(c, TR_PORTAL_APPROVED));
		html_raw(b, "</th><td>");
		html_esc(b, d->approved->name);
		if (d->approved->position[0]) {
			html_raw(b, ", ");
			html_esc(b, d->approved->position);
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "<tr><th>");
	html_esc(b, portal_t(c, TR_PORTAL_HASH));
	html_printf(b, "</th><td class=\"hash\" id=\"content-hash\">%s</td></tr></table>\n", hex);
	html_raw(b, "<div class=\"qrbox\">");
	if (url.oom || qr_svg(url.buf, b) != 0)
		html_raw(b, "<p>QR?</p>");
	html_raw(b, "<div><p><strong>");
	html_esc(b, portal_t(c, TR_SHEET_SCAN));
	html_raw(b, "</strong></p><p class=\"url\" id=\"qr-url\">");
	html_esc(b, url.buf);
	html_raw(b, "</p><p class=\"small\">");
	html_esc(b, portal_t(c, TR_SHEET_OR_VERIFY));
	html_raw(b, "</p></div></div>\n<div class=\"files\"><strong>");
	html_esc(b, portal_t(c, TR_PORTAL_FILES));
	html_raw(b, "</strong>");
	if (d->n_files == 0) {
		html_raw(b, ": ");
		html_esc(b, portal_t(c, TR_PORTAL_NO_FILES));
	}
	html_raw(b, "<ul>");
	for (size_t i = 0; i < d->n_files; i++) {
		char fh[2 * KEYS_HASH + 1];

		keys_hex(fh, d->files[i]->sha256.data, d->files[i]->sha256.len == KEYS_HASH ?
		    KEYS_HASH : 0);
		html_raw(b, "<li>");
		html_esc(b, d->files[i]->name);
		html_printf(b, "<br><span class=\"hash\">SHA-256 %s</span></li>", fh);
	}
	html_raw(b, "</ul></div>\n<div class=\"foot\">");
	html_esc(b, portal_t(c, TR_SHEET_STATUS_AT));
	html_raw(b, " ");
	html_esc(b, now);
	html_raw(b, ": ");
	html_esc(b, portal_t(c, strcmp(d->status, "effective") == 0 ? TR_PORTAL_IN_FORCE :
	    strcmp(d->status, "superseded") == 0 ? TR_PORTAL_SUPERSEDED : TR_PORTAL_WITHDRAWN));
	html_raw(b, ". ");
	html_esc(b, portal_t(c, TR_SHEET_FOOT));
	html_raw(b, "</div></article>\n</body></html>\n");
done:
	html_free(&url);
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
	if (d != NULL)
		eiso__doc_issue__free_unpacked(d, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* /files/{sha}[/{name}]: a published file, and nothing else */

struct file_hit {
	const struct portal_ctx *c;
	const uint8_t *sha;
	Eiso__BlobRef ref;
	char name[256], media[128];
	int found;
};

static int
file_first(const char *agency, const char *code, uint32_t issue, void *arg)
{
	struct file_hit *f = arg;
	Eiso__DocIssue *d = portal_issue(f->c, agency, code, issue);

	if (d == NULL)
		return 0;
	for (size_t i = 0; i < d->n_files; i++) {
		const Eiso__BlobRef *b = d->files[i];

		if (b->sha256.len == KEYS_HASH && memcmp(b->sha256.data, f->sha, KEYS_HASH) == 0) {
			snprintf(f->name, sizeof(f->name), "%s", b->name);
			snprintf(f->media, sizeof(f->media), "%s", b->media_type);
			f->ref.size = b->size;
			f->found = 1;
			break;
		}
	}
	eiso__doc_issue__free_unpacked(d, NULL);
	return f->found;
}

/* Only types a browser will not run as a page of this site; anything else is a download. */
static const char *
file_ctype(const char *media, int *inline_ok)
{
	static const struct { const char *type; int show; } ok[] = {
		{ "application/pdf", 1 }, { "image/png", 1 }, { "image/jpeg", 1 },
		{ "image/gif", 1 }, { "image/webp", 1 }, { "image/tiff", 0 },
		{ "text/plain", 1 },
		{ "application/msword", 0 }, { "application/vnd.ms-excel", 0 },
		{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 0 },
		{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 0 },
		{ "application/vnd.oasis.opendocument.text", 0 },
		{ "application/vnd.oasis.opendocument.spreadsheet", 0 },
		{ "application/zip", 0 },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (strcmp(media, ok[i].type) == 0) {
			*inline_ok = ok[i].show;
			return strcmp(media, "text/plain") == 0 ? "text/plain; charset=utf-8" :
			    ok[i].type;
		}
	}
	*inline_ok = 0;
	return "application/octet-stream";
}

static void
page_file(const struct portal_ctx *c, struct portal_reply *r, char **seg, int n)
{
	struct file_hit f;
	struct blob_meta m;
	uint8_t sha[KEYS_HASH];
	struct html disp = { 0 };
	int show;

	memset(&f, 0, sizeof(f));
	f.c = c;
	f.sha = sha;
	if (strlen(seg[0]) != 2 * KEYS_HASH || keys_unhex(sha, sizeof(sha), seg[0]) != 0 ||
	    published_file(c->txn, c->h, sha, file_first, &f) < 0 || !f.found ||
	    blob_meta(c->txn, &c->h->bt, sha, &m) != 0 || !m.complete) {
		portal_not_found(c, r, TR_PORTAL_NO_FILE);
		return;
	}
	r->blob = 1;
	memcpy(r->sha, sha, sizeof(sha));
	r->size = m.size;
	r->ctype = file_ctype(f.media, &show);
	/* The name: the one asked for in the URL, else the published one; ASCII fallback. */
	{
		const char *name = n == 2 && seg[1][0] ? seg[1] : f.name[0] ? f.name : seg[0];
		char ascii[128];
		size_t j = 0;

		for (const char *p = name; *p && j < sizeof(ascii) - 1; p++)
			ascii[j++] = *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' ?
			    *p : '_';
		ascii[j] = '\0';
		html_printf(&disp, "%s; filename=\"%s\"; filename*=UTF-8''",
		    show ? "inline" : "attachment", ascii);
		html_seg(&disp, name);
	}
	portal_header(r, "content-disposition", disp.oom ? "attachment" : disp.buf);
	portal_header(r, "x-content-type-options", "nosniff");
	portal_header(r, "content-security-policy", "sandbox; default-src 'none'");
	portal_header(r, "cache-control", "public, max-age=3600");
	html_free(&disp);
}

/* ------------------------------------------------------------------------------------------ */
/* /verify: paste a SHA-256 or upload a file */

struct match_list {
	const struct portal_ctx *c;
	struct html *b;
	int n, in_force;
};

static int
verify_match(const char *agency, const char *code, uint32_t issue, void *arg)
{
	struct match_list *m = arg;
	Eiso__DocIssue *d = portal_issue(m->c, agency, code, issue);
	Eiso__AgencyRecord *a;
	char date[32];

	if (d == NULL)
		return 0;
	a = portal_agency(m->c, agency);
	i18n_date(date, sizeof(date), d->effective_date, m->c->lang);
	html_printf(m->b, "<tr data-state=\"%s\"><td>", portal_state(d));
	html_esc(m->b, a ? portal_agency_name(m->c, a) : agency);
	html_raw(m->b, "</td><td><a href=\"");
	portal_doc_url(m->c, m->b, "/portal/d/", agency, code, issue);
	html_raw(m->b, "\">");
	html_esc(m->b, d->title);
	html_raw(m->b, "</a><br><span class=\"small muted\">");
	html_esc(m->b, d->code);
	html_printf(m->b, " · %s %u · ", portal_t(m->c, TR_PORTAL_ISSUE_LC), issue);
	html_esc(m->b, date);
	html_raw(m->b, "</span></td><td>");
	portal_status(m->c, m->b, agency, d);
	html_raw(m->b, "</td></tr>\n");
	m->n++;
	m->in_force |= strcmp(d->status, "effective") == 0;
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
	eiso__doc_issue__free_unpacked(d, NULL);
	return 0;
}

static void
verify_result(const struct portal_ctx *c, struct portal_reply *r, const uint8_t sha[KEYS_HASH],
    enum tr_key what, long long size)
{
	struct html *b = &r->body, rows = { 0 };
	struct match_list m = { c, &rows, 0, 0 };
	char hex[2 * KEYS_HASH + 1];

	keys_hex(hex, sha, KEYS_HASH);
	(void)published_file(c->txn, c->h, sha, verify_match, &m);
	html_raw(b, "<section><p class=\"small\">");
	html_esc(b, portal_t(c, what));
	if (size >= 0) {
		html_raw(b, " (");
		portal_size(b, (uint64_t)size);
		html_raw(b, ")");
	}
	html_printf(b, "<br>SHA-256 <span class=\"hash\" id=\"sha\">%s</span></p></section>\n",
	    hex);
	if (m.n == 0) {
		html_raw(b, "<section class=\"verdict v-bad\" id=\"verdict\" "
		    "data-verdict=\"unknown\">");
		html_esc(b, portal_t(c, TR_VERIFY_FILE_UNKNOWN));
		html_raw(b, "</section><section><p>");
		html_esc(b, portal_t(c, TR_VERIFY_FILE_UNKNOWN_MORE));
		html_raw(b, "</p></section>\n");
	} else {
		html_printf(b, "<section class=\"verdict %s\" id=\"verdict\" "
		    "data-verdict=\"published\" data-in-force=\"%d\">", m.in_force ? "v-ok" :
		    "v-old", m.in_force);
		html_esc(b, portal_t(c, m.in_force ? TR_VERIFY_FILE_IN_FORCE :
		    TR_VERIFY_FILE_NOT_IN_FORCE));
		html_raw(b, "</section><section><table class=\"matches\"><thead><tr><th>");
		html_esc(b, portal_t(c, TR_PORTAL_AGENCY));
		html_raw(b, "</th><th>");
		html_esc(b, portal_t(c, TR_PORTAL_TITLE));
		html_raw(b, "</th><th>");
		html_esc(b, portal_t(c, TR_PORTAL_STATUS));
		html_raw(b, "</th></tr></thead><tbody>\n");
		html_mem(b, rows.buf ? rows.buf : "", rows.len);
		html_raw(b, "</tbody></table></section>\n");
	}
	html_free(&rows);
}

/*
 * The file part of a multipart/form-data body (the field named "file"), or NULL. The body is
 * whole in memory already (h2o 2.2 buffers request bodies; [web] max_upload bounds it).
 */
static const uint8_t *
verify_multipart(const char *ctype, const uint8_t *body, size_t len, size_t *out_len)
{
	char delim[128];
	const char *bp;
	size_t dl;
	const uint8_t *p = body, *end = body + len;

	if ((bp = strstr(ctype, "boundary=")) == NULL)
		return NULL;
	bp += 9;
	if (*bp == '"')
		bp++;
	dl = strcspn(bp, "\";, \t");
	if (dl == 0 || dl > 70)
		return NULL;
	snprintf(delim, sizeof(delim), "\r\n--%.*s", (int)dl, bp);
	dl += 4;
	/* The first delimiter has no CRLF before it. */
	if (len < dl - 2 || memcmp(p, delim + 2, dl - 2) != 0)
		return NULL;
	p += dl - 2;
	while (p < end) {
		const uint8_t *hend, *next;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return NULL;                        /* the closing delimiter */
		if ((hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4)) == NULL)
			return NULL;
		if ((next = memmem(hend + 4, (size_t)(end - hend - 4), delim, dl)) == NULL)
			return NULL;
		{
			char hdr[1024];
			size_t hl = (size_t)(hend - p) < sizeof(hdr) - 1 ? (size_t)(hend - p) :
			    sizeof(hdr) - 1;

			memcpy(hdr, p, hl);
			hdr[hl] = '\0';
			for (char *q = hdr; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			if (strstr(hdr, "name=\"file\"") != NULL) {
				*out_len = (size_t)(next - hend - 4);
				return hend + 4;
			}
		}
		p = next + dl;
	}
	return NULL;
}

void
verify_page(const struct portal_ctx *c, const char *method, const char *ctype,
    const uint8_t *body, size_t body_len, struct portal_reply *r)
{
	struct html *b = &r->body;
	char sha_hex[80];
	uint8_t sha[KEYS_HASH];
	int posted = strcmp(method, "POST") == 0;

	sha_hex[0] = '\0';
	if (!posted && c->query != NULL && http_query(c->query, "sha", sha_hex,
	    sizeof(sha_hex)) != 0)
		sha_hex[0] = '\0';
	portal_head(c, b, portal_t(c, TR_PORTAL_VERIFY));
	html_raw(b, "<section><h1>");
	html_esc(b, portal_t(c, TR_PORTAL_VERIFY));
	html_raw(b, "</h1><p class=\"muted\">");
	html_esc(b, portal_t(c, TR_VERIFY_INTRO));
	html_raw(b, "</p><form class=\"inline\" id=\"upload\" action=\"/verify");
	portal_lang_q(c, b, 1);
	html_raw(b, "\" method=\"post\" enctype=\"multipart/form-data\"><label>");
	html_esc(b, portal_t(c, TR_VERIFY_UPLOAD));
	html_raw(b, "<br><input type=\"file\" name=\"file\" required></label><button>");
	html_esc(b, portal_t(c, TR_VERIFY_CHECK));
	html_raw(b, "</button></form><form class=\"inline\" id=\"paste\" action=\"/verify\" "
	    "method=\"get\"><label>");
	html_esc(b, portal_t(c, TR_VERIFY_PASTE));
	html_raw(b, "<br><input type=\"text\" name=\"sha\" size=\"70\" pattern=\"[0-9a-fA-F]{64}\" "
	    "value=\"");
	html_esc(b, sha_hex);
	html_raw(b, "\"></label>");
	if (c->lang == WEB_EN)
		html_raw(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	html_raw(b, "<button>");
	html_esc(b, portal_t(c, TR_VERIFY_CHECK));
	html_raw(b, "</button></form></section>\n");

	if (posted) {
		const uint8_t *data = body;
		size_t len = body_len;

		if (ctype != NULL && strncasecmp(ctype, "multipart/form-data", 19) == 0 &&
		    (data = verify_multipart(ctype, body, body_len, &len)) == NULL) {
			r->status = 400;
			html_raw(b, "<section data-verdict=\"bad\"><p>");
			html_esc(b, portal_t(c, TR_VERIFY_BAD_UPLOAD));
			html_raw(b, "</p></section>\n");
		} else {
			sha256(data, len, sha);
			verify_result(c, r, sha, TR_VERIFY_UPLOADED, (long long)len);
		}
	} else if (sha_hex[0] != '\0') {
		for (char *p = sha_hex; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (strlen(sha_hex) != 2 * KEYS_HASH ||
		    keys_unhex(sha, sizeof(sha), sha_hex) != 0) {
			r->status = 400;
			html_raw(b, "<section data-verdict=\"bad\"><p>");
			html_esc(b, portal_t(c, TR_VERIFY_BAD_SHA));
			html_raw(b, "</p></section>\n");
		} else {
			verify_result(c, r, sha, TR_VERIFY_PASTED, -1);
		}
	}
	portal_foot(c, b);
}

/* /q/, /qr/, /files/, /portal/sheet/ */
void
verify_route(const struct portal_ctx *c, struct portal_reply *r)
{
	char buf[1024], *seg[8];
	int n;

	if ((n = http_path_split(c->path, "/q/", seg, 8, buf, sizeof(buf))) == 4)
		page_q(c, r, seg);
	else if ((n = http_path_split(c->path, "/qr/", seg, 8, buf, sizeof(buf))) == 3)
		page_qr(c, r, seg);
	else if ((n = http_path_split(c->path, "/files/", seg, 8, buf, sizeof(buf))) == 1 ||
	    n == 2)
		page_file(c, r, seg, n);
	else if ((n = http_path_split(c->path, "/portal/sheet/", seg, 8, buf, sizeof(buf))) == 3)
		page_sheet(c, r, seg);
	else if (strncmp(c->path, "/q/", 3) == 0)
		page_q(c, r, (char *[]){ "", "", "", "" });
	else
		portal_not_found(c, r, TR_PORTAL_NO_PAGE);
}
