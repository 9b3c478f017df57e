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

/* portal_q.html's details of the issue (also shown when the hash does not match). */
static void
q_details(const struct portal_ctx *c, json_t *ctx, const char *agency, const Eiso__DocIssue *d)
{
	Eiso__AgencyRecord *a = portal_agency(c, agency);
	char date[32];

	i18n_date(date, sizeof(date), d->effective_date, c->lang);
	portal_set(ctx, "agency_id", agency);
	portal_set(ctx, "agency", a ? portal_agency_name(c, a) : agency);
	portal_set(ctx, "code", d->code);
	json_object_set_new(ctx, "issue", json_integer(d->issue));
	portal_set(ctx, "title", d->title);
	portal_set(ctx, "date", date);
	json_object_set_new(ctx, "st", portal_status_json(c, agency, d));
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
}

/* The verdict of a QR code's URL on an issue that is published: its state, and for a
 * superseded one the issue in force (current, 0 when none is). */
static void
q_verdict(const struct portal_ctx *c, json_t *ctx, const char *agency,
    const Eiso__DocRecord *rec, const Eiso__DocIssue *d)
{
	char when[11];
	const char *verdict = portal_state(c, agency, d, when);
	Eiso__DocIssue *cur = NULL;
	uint32_t current = 0;

	if (strcmp(verdict, "superseded") == 0 && rec->current != 0 &&
	    (cur = portal_issue(c, agency, rec->code, rec->current)) != NULL &&
	    strcmp(cur->status, "effective") == 0)
		current = cur->issue;
	portal_set(ctx, "verdict", verdict);
	portal_set(ctx, "verdict_class", strcmp(verdict, "in_force") == 0 ? "v-ok" :
	    strcmp(verdict, "withdrawn") == 0 ? "v-bad" : "v-old");
	json_object_set_new(ctx, "current", json_integer(current));
	if (cur != NULL)
		eiso__doc_issue__free_unpacked(cur, NULL);
}

static void
page_q(const struct portal_ctx *c, struct portal_reply *r, char **seg)
{
	Eiso__DocRecord *rec = NULL;
	Eiso__DocIssue *d = NULL;
	uint8_t h[KEYS_HASH];
	char hex[2 * KEYS_HASH + 1], given[2 * KEYS_HASH + 1];
	size_t gl = strlen(seg[3]);
	uint32_t issue = 0;
	json_t *ctx;

	for (size_t i = 0; i < gl && i < sizeof(given) - 1; i++)
		given[i] = (char)tolower((unsigned char)seg[3][i]);
	given[gl < sizeof(given) ? gl : sizeof(given) - 1] = '\0';
	if (!verify_issue_num(seg[2], "", &issue) ||
	    (rec = portal_docrec(c, seg[0], seg[1])) == NULL ||
	    (d = portal_issue(c, seg[0], rec->code, issue)) == NULL) {
		r->status = 404;
		ctx = portal_tctx(c, portal_t(c, TR_VERIFY_UNKNOWN_TITLE));
		if (ctx != NULL)
			json_object_set_new(ctx, "unknown", json_true());
		goto done;
	}
	published_hash(seg[0], d, h);
	keys_hex(hex, h, sizeof(h));
	if ((ctx = portal_tctx(c, d->title)) == NULL)
		goto done;
	if (gl < 8 || gl > 2 * KEYS_HASH || strspn(given, "0123456789abcdef") != gl ||
	    strncmp(hex, given, gl) != 0) {
		/* The issue exists and is published, but this is not its code: a forgery. */
		json_object_set_new(ctx, "mismatch", json_true());
		json_object_set_new(ctx, "expected", json_stringn(hex, VERIFY_HASH_SHOWN));
	} else {
		q_verdict(c, ctx, seg[0], rec, d);
		portal_set(ctx, "hash", hex);
	}
	q_details(c, ctx, seg[0], d);
done:
	portal_render(c, &r->body, "portal_q", ctx);
	portal_free(NULL, d, rec);
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
	struct html url = { 0 }, qr = { 0 };
	Eiso__DocIssue *d = NULL;
	Eiso__AgencyRecord *a = NULL;
	uint32_t issue;
	uint8_t h[KEYS_HASH];
	char hex[2 * KEYS_HASH + 1], date[32], now[32];
	json_t *ctx, *files;

	if (!verify_issue_num(seg[2], "", &issue) ||
	    (d = portal_issue(c, seg[0], seg[1], issue)) == NULL ||
	    (a = portal_agency(c, seg[0])) == NULL) {
		portal_not_found(c, r, TR_PORTAL_NO_DOC);
		goto done;
	}
	published_hash(seg[0], d, h);
	keys_hex(hex, h, sizeof(h));
	verify_qr_url(c, &url, seg[0], d);
	if (url.oom || qr_svg(url.buf, &qr) != 0 || qr.oom)
		html_free(&qr);
	i18n_date(date, sizeof(date), d->effective_date, c->lang);
	i18n_time(now, sizeof(now), store_now_ms(), c->lang);
	if ((ctx = portal_tctx(c, d->title)) != NULL) {
		portal_set(ctx, "agency_id", seg[0]);
		portal_set(ctx, "agency", portal_agency_name(c, a));
		portal_set(ctx, "code", d->code);
		json_object_set_new(ctx, "issue", json_integer(d->issue));
		portal_set(ctx, "title", d->title);
		portal_set(ctx, "date", date);
		if (d->approved != NULL && d->approved->name[0]) {
			portal_set(ctx, "approved", d->approved->name);
			portal_set(ctx, "approver_position", d->approved->position);
		}
		portal_set(ctx, "hash", hex);
		portal_set(ctx, "qr_html", qr.buf);
		portal_set(ctx, "qr_url", url.buf);
		json_object_set_new(ctx, "no_files", json_boolean(d->n_files == 0));
		files = json_array();
		for (size_t i = 0; i < d->n_files; i++)
			json_array_append_new(files, portal_file_json(d->files[i], i > 0));
		json_object_set_new(ctx, "files", files);
		portal_set(ctx, "now", now);
		json_object_set_new(ctx, "st", portal_status_json(c, seg[0], d));
	}
	portal_render(c, &r->body, "portal_sheet", ctx);
done:
	html_free(&qr);
	html_free(&url);
	portal_free(a, d, NULL);
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
	json_t *rows;
	int in_force;
};

/* One row of portal_verify.html's matches: a published issue that holds the file. */
static int
verify_match(const char *agency, const char *code, uint32_t issue, void *arg)
{
	struct match_list *m = arg;
	Eiso__DocIssue *d = portal_issue(m->c, agency, code, issue);
	Eiso__AgencyRecord *a;
	char date[32], when[11];
	const char *state;
	json_t *row;

	if (d == NULL)
		return 0;
	state = portal_state(m->c, agency, d, when);
	a = portal_agency(m->c, agency);
	i18n_date(date, sizeof(date), d->effective_date, m->c->lang);
	if ((row = json_object()) != NULL) {
		portal_set(row, "state", state);
		portal_set(row, "agency", a ? portal_agency_name(m->c, a) : agency);
		portal_set(row, "agency_id", agency);
		/* The link names the code the file index gave; the text, the issue's own. */
		portal_set(row, "link_code", code);
		portal_set(row, "code", d->code);
		portal_set(row, "title", d->title);
		json_object_set_new(row, "issue", json_integer(issue));
		portal_set(row, "date", date);
		json_object_set_new(row, "st", portal_status_json(m->c, agency, d));
		json_array_append_new(m->rows, row);
	}
	m->in_force |= strcmp(state, "in_force") == 0;
	if (a != NULL)
		eiso__agency_record__free_unpacked(a, NULL);
	eiso__doc_issue__free_unpacked(d, NULL);
	return 0;
}

/* portal_verify.html's members after checking the file of hash sha (size -1: a pasted hash). */
static void
verify_result(const struct portal_ctx *c, json_t *ctx, const uint8_t sha[KEYS_HASH],
    long long size)
{
	struct match_list m = { c, json_array(), 0 };
	char hex[2 * KEYS_HASH + 1], sz[32] = "";

	keys_hex(hex, sha, KEYS_HASH);
	(void)published_file(c->txn, c->h, sha, verify_match, &m);
	if (size >= 0)
		portal_size(sz, sizeof(sz), (uint64_t)size);
	json_object_set_new(ctx, "checked", json_true());
	json_object_set_new(ctx, "uploaded", json_boolean(size >= 0));
	portal_set(ctx, "size", sz);
	portal_set(ctx, "hash", hex);
	json_object_set_new(ctx, "any", json_boolean(json_array_size(m.rows) > 0));
	json_object_set_new(ctx, "matches", m.rows);
	json_object_set_new(ctx, "in_force", json_integer(m.in_force));
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
	char sha_hex[80];
	uint8_t sha[KEYS_HASH];
	int posted = strcmp(method, "POST") == 0;
	json_t *ctx;

	sha_hex[0] = '\0';
	if (!posted && c->query != NULL && http_query(c->query, "sha", sha_hex,
	    sizeof(sha_hex)) != 0)
		sha_hex[0] = '\0';
	if ((ctx = portal_tctx(c, portal_t(c, TR_PORTAL_VERIFY))) == NULL) {
		r->body.oom = 1;
		return;
	}
	/* What was pasted is the client's bytes: not checked as UTF-8, only escaped. */
	portal_set(ctx, "sha", sha_hex);
	json_object_set_new(ctx, "en", json_boolean(c->lang == WEB_EN));
	if (posted) {
		const uint8_t *data = body;
		size_t len = body_len;

		if (ctype != NULL && strncasecmp(ctype, "multipart/form-data", 19) == 0 &&
		    (data = verify_multipart(ctype, body, body_len, &len)) == NULL) {
			r->status = 400;
			json_object_set_new(ctx, "bad_upload", json_true());
		} else {
			sha256(data, len, sha);
			verify_result(c, ctx, sha, (long long)len);
		}
	} else if (sha_hex[0] != '\0') {
		for (char *p = sha_hex; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (strlen(sha_hex) != 2 * KEYS_HASH ||
		    keys_unhex(sha, sizeof(sha), sha_hex) != 0) {
			r->status = 400;
			json_object_set_new(ctx, "bad_sha", json_true());
		} else {
			verify_result(c, ctx, sha, -1);
		}
	}
	portal_render(c, &r->body, "portal_verify", ctx);
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
