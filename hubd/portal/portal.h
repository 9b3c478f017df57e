/*
 * portal.h: the public portal (portal.c, listing.c, lookup.c, verify.c, qr.c): what anyone
 * may see of the published documents, built on the hub's core. It knows nothing of the
 * oversight side (web/): hubd/routes.c hands it the requests of its paths.
 */
#ifndef HUBD_PORTAL_H
#define HUBD_PORTAL_H

#include "core/core.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "tmpl.h"

/*
 * portal.c: answer r, a request for one of the portal's paths, in lang, from its own read
 * transaction and the templates t; a page carries lang_cookie (when not NULL or empty) as its Set-Cookie.
 */
void portal_serve(struct hub *h, const struct tmpl_set *t, enum web_lang lang, const char *lang_cookie,
    struct http_req *r);

/*
 * The portal's pages, written from a read transaction into a reply that the web thread sends
 * (portal_serve) or `hubd portal` prints. Only published issues
 * (published.c) ever appear; anything else answers as if it did not exist.
 */
#define PORTAL_MAX_HDR 8
struct portal_ctx {
	MDB_txn *txn;
	const struct hub *h;
	const struct tmpl_set *tmpl;  /* the pages (portal_*.html), parsed once by the caller */
	enum web_lang lang;
	const char *base;            /* [web] public_base: what QR codes name */
	const char *path;            /* raw path, without the query */
	const char *query;           /* raw query, "" when none */
};
struct portal_reply {
	int status;
	const char *ctype;
	struct html body;
	struct {
		const char *name;
		char value[512];
	} hdr[PORTAL_MAX_HDR];
	int nhdr;
	int blob;                    /* send the stored file sha (size bytes), not body */
	uint8_t sha[KEYS_HASH];
	uint64_t size;
};
/* 1 when path is the portal's (r filled in: free with portal_reply_free), else 0. */
int portal_page(struct portal_ctx *c, const char *method, const char *ctype,
    const uint8_t *body, size_t body_len, struct portal_reply *r);
void portal_reply_init(struct portal_reply *r);
void portal_reply_free(struct portal_reply *r);
int portal_header(struct portal_reply *r, const char *name, const char *value);
/* [web] public_base is an http(s) address QR codes can carry. 0 or EISO_CONF with a detail. */
int portal_check_base(const char *base);
/* Shared by portal.c and verify.c */
const char *portal_t(const struct portal_ctx *c, enum tr_key key);
/* A page's template context with the layout's keys (portal_head.html); NULL without memory. */
json_t *portal_tctx(const struct portal_ctx *c, const char *title);
/* Template name rendered from ctx (taken, may be NULL) into b; a failure marks b->oom. */
void portal_render(const struct portal_ctx *c, struct html *b, const char *name, json_t *ctx);
void portal_not_found(const struct portal_ctx *c, struct portal_reply *r, enum tr_key what);
Eiso__AgencyRecord *portal_agency(const struct portal_ctx *c, const char *id);
/* Free what portal_agency, portal_issue and portal_docrec returned; each may be NULL. */
void portal_free(Eiso__AgencyRecord *a, Eiso__DocIssue *d, Eiso__DocRecord *rec);
const char *portal_agency_name(const struct portal_ctx *c, const Eiso__AgencyRecord *a);
Eiso__DocRecord *portal_docrec(const struct portal_ctx *c, const char *agency, const char *code);
Eiso__DocIssue *portal_issue(const struct portal_ctx *c, const char *agency, const char *code,
    uint32_t issue);
/* value (NULL as "") as ctx's member key: stored bytes, escaped by the template, not checked. */
void portal_set(json_t *ctx, const char *key, const char *value);
/* A file for a template: {name, sha, url_name, size, sep}; NULL without memory. */
json_t *portal_file_json(const Eiso__BlobRef *f, int sep);
#define PORTAL_MAX_ISSUES 1000     /* issues of one document a page lists at most */
size_t portal_issue_list(const struct portal_ctx *c, const char *agency, const char *code,
    uint32_t *out, size_t max);
Eiso__DocIssue *portal_issue_best(const struct portal_ctx *c, const char *agency,
    const Eiso__DocRecord *rec);
/*
 * What the public reads of an issue's status today: in_force, upcoming (approved, in force
 * from its effective date, into when), superseded or withdrawn. An issue stays in force until
 * its successor takes effect (apply_in_force_span): when that day is ahead, when holds it.
 */
const char *portal_state(const struct portal_ctx *c, const char *agency,
    const Eiso__DocIssue *d, char when[11]);
/* portal_status.html's st: the issue's state and successor; NULL without memory. */
json_t *portal_status_json(const struct portal_ctx *c, const char *agency,
    const Eiso__DocIssue *d);
/* n bytes as "512 B", "1.5 KB", "2.0 MB". */
void portal_size(char *out, size_t len, uint64_t n);
const char *portal_kind(const struct portal_ctx *c, const char *kind);
/* A query parameter, "" when absent or bad. */
void portal_param(const struct portal_ctx *c, const char *name, char *out, size_t len);
/* listing.c: agencies, an agency's documents in force, a published issue */
void listing_agencies(const struct portal_ctx *c, struct portal_reply *r);
void listing_agency(const struct portal_ctx *c, struct portal_reply *r, const char *agency);
void listing_doc(const struct portal_ctx *c, struct portal_reply *r, const char *agency,
    const char *code, uint32_t issue);
/* lookup.c: search, case status */
void lookup_search(const struct portal_ctx *c, struct portal_reply *r);
void lookup_case(const struct portal_ctx *c, struct portal_reply *r);
/* verify.c: /q/ landing pages, /qr/ images, /portal/sheet/, /files/, /verify */
void verify_route(const struct portal_ctx *c, struct portal_reply *r);
void verify_page(const struct portal_ctx *c, const char *method, const char *ctype,
    const uint8_t *body, size_t body_len, struct portal_reply *r);
/* The URL a published issue's QR code encodes, into b (a plain buffer: not HTML). */
void verify_qr_url(const struct portal_ctx *c, struct html *b, const char *agency,
    const Eiso__DocIssue *d);

/* qr.c: QR codes (level M, 4-module quiet zone) appended to out. 0, EISO_INVAL, EISO_NOMEM */
int qr_png(const char *text, unsigned scale, struct html *out);
int qr_svg(const char *text, struct html *out);


#endif
