/*
 * hubd.h: the provincial hub. One private header for the daemon and its verbs, prototypes
 * grouped by file.
 */
#ifndef HUBD_H
#define HUBD_H

#include <stdint.h>

#include <jansson.h>

#include "blob.h"
#include "conf.h"
#include "eiso.pb-c.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "store.h"

#define HUBD_DEFAULT_CONF "/etc/eiso/hubd.conf"

struct hubd_conf {
	char data[1024];
	char listen[256];
	uint64_t window;
	uint64_t max_frame;
	uint64_t chunk_size;
	uint64_t max_batch;
	uint64_t max_batch_bytes;
	uint64_t log_debug;
	uint64_t offline_after_s;
	uint64_t storage_warn_percent;
	uint64_t alert_check_s;
	char web_listen[128];
	char web_token[128];
	char web_user[64];
	char web_password_hash[160];
	char web_public_base[192];
	char web_targets[160];
	uint64_t web_max_upload;
	uint64_t web_session_s;
};

/* Sub-databases of the hub's environment, in store_open order. */
enum hub_db {
	HDB_META, HDB_AGENCIES, HDB_CURVEKEYS, HDB_LOG, HDB_HEADS, HDB_DOCS, HDB_WANTS,
	HDB_CHUNKS, HDB_BLOBMETA, HDB_VERSIONS, HDB_RECORDS, HDB_CASES, HDB_STATS, HDB_WORDS,
	HDB_SEARCHED, HDB_ALERTS, HDB_ALERTKEYS, HDB_PUBFILES, HDB_REVIEWS, HDB_COUNT
};

struct hub {
	struct hubd_conf conf;
	store_t *st;
	struct blob_tables bt;
};

/* main.c */
extern const struct conf_directive hubd_directives[];
extern const char *const hub_dbnames[HDB_COUNT];
int hub_open(const char *conf_path, int readonly, struct hub *h);
void hub_close(struct hub *h);
/* hub.c: the hub's store in dir, with the hub's parts of schema upgrades (store_open_hooks). */
int hub_store_open(const char *dir, int readonly, store_t **st);

/* init.c */
int cmd_init(int argc, char **argv);

/* enroll.c: agencies and their keys */
int cmd_enroll(int argc, char **argv);
int agency_get(MDB_txn *txn, const struct hub *h, const char *id, Eiso__AgencyRecord **rec);
int agency_by_curve(MDB_txn *txn, const struct hub *h, const uint8_t curve_pub[32],
    char *id, size_t idlen);
/* Key of (agency, suffix) tables: the id, a NUL, then suffix bytes. Returns key length. */
size_t agency_key(uint8_t *key, size_t cap, const char *id, const void *suffix, size_t slen);
int head_get(MDB_txn *txn, const struct hub *h, const char *id, Eiso__HeadRecord **head);
int head_put(MDB_txn *txn, const struct hub *h, const char *id, const Eiso__HeadRecord *head);

/* restore.c: a node's own log and files served back to it (noded restore --from-hub) */
typedef int (*restore_reply_fn)(void *arg, const Eiso__Envelope *env);
int restore_fetch_log(MDB_txn *txn, const struct hub *h, const char *agency,
    uint64_t applied_seq, const uint8_t applied_hash[KEYS_HASH], const Eiso__FetchLog *f,
    restore_reply_fn fn, void *arg);
int restore_fetch_blob(MDB_txn *txn, const struct hub *h, const char *agency,
    const Eiso__FetchBlob *f, restore_reply_fn fn, void *arg);

/* apply.c: materialise applied changes per agency */
int apply_change(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__Change *c);
int apply_stat_get(MDB_txn *txn, const struct hub *h, const char *agency, const char *name,
    uint64_t *v);
int apply_doc_version(MDB_txn *txn, const struct hub *h, const char *agency, const char *code,
    uint32_t issue, Eiso__DocIssue **d);
/*
 * Call fn for each stored issue of a document, oldest first. Walks the versions table,
 * never the numbers 1..latest: a node that numbers an issue 4000000000 costs nothing.
 * Returns 0, a store error, or what fn returned non-zero (which stops the walk).
 */
typedef int (*apply_version_fn)(const Eiso__DocIssue *d, void *arg);
int apply_doc_versions(MDB_txn *txn, const struct hub *h, const char *agency, const char *code,
    apply_version_fn fn, void *arg);
/* Count one applied change set on its day ("sets:YYYY-MM-DD", Asia/Ho_Chi_Minh). */
int apply_count_set(MDB_txn *txn, const struct hub *h, const char *agency, int64_t now_ms);
/*
 * Call fn for each non-zero counter of the agency whose name starts with prefix and, when
 * before is not NULL, sorts before prefix + before ("review:", "2026-01-02": reviews due
 * before that day). Returns 0, a store error, or what fn returned non-zero (stops the walk).
 */
typedef int (*apply_stat_fn)(const char *name, uint64_t v, void *arg);
int apply_stats(MDB_txn *txn, const struct hub *h, const char *agency, const char *prefix,
    const char *before, apply_stat_fn fn, void *arg);
/* *n = the agency's documents in force whose next review date is before `before` (counters). */
int apply_reviews_due(MDB_txn *txn, const struct hub *h, const char *agency, const char *before,
    uint64_t *n);
/*
 * The reviews index: call fn for each document in force whose next review date (YYYY-MM-DD)
 * sorts before `before` (NULL: every one), earliest first, of the agency (NULL: every one).
 * Returns 0, a store error, or what fn returned non-zero (which stops the walk).
 */
typedef int (*apply_review_fn)(const char *date, const char *agency, const char *code,
    uint32_t issue, void *arg);
int apply_reviews(MDB_txn *txn, const struct hub *h, const char *agency, const char *before,
    apply_review_fn fn, void *arg);
/* Build the reviews index and the in-force counters again from the documents (upgrades). */
int apply_rebuild_in_force(MDB_txn *txn, const struct hub *h);

/* search.c: the public search index (documents public and in force) */
int search_update(MDB_txn *txn, const struct hub *h, const char *agency, const char *code,
    uint32_t current);
typedef int (*search_hit_fn)(const char *agency, const char *code, uint32_t score, void *arg);
int search_query(MDB_txn *txn, const struct hub *h, const char *text, const char *agency,
    const char *kind, size_t offset, size_t limit, search_hit_fn fn, void *arg,
    size_t *total);

/*
 * published.c: what the public portal may show. An issue is published when it is public and
 * has been in force (effective, superseded, withdrawn). The public-files index maps each file
 * of a published issue to (agency, code, issue); published_update keeps it in apply's
 * transaction (call it before the new version is stored: it reads the old one).
 */
int published_issue(const Eiso__DocIssue *d);
int published_update(MDB_txn *txn, const struct hub *h, const char *agency,
    const Eiso__DocIssue *d);
/* The issue's content hash (see published.c for exactly what it covers). */
void published_hash(const char *agency, const Eiso__DocIssue *d, uint8_t out[KEYS_HASH]);
/*
 * Call fn for every published issue holding the file sha. Returns 0, EISO_NOTFOUND (none),
 * EISO_STORE, or what fn returned non-zero (which stops the walk).
 */
typedef int (*published_fn)(const char *agency, const char *code, uint32_t issue, void *arg);
int published_file(MDB_txn *txn, const struct hub *h, const uint8_t sha[KEYS_HASH],
    published_fn fn, void *arg);

/* alerts.c: conditions staff should see, raised by the ingest thread */
int alert_raise(MDB_txn *txn, const struct hub *h, const char *agency, const char *kind,
    const char *reason);
int alert_clear(MDB_txn *txn, const struct hub *h, const char *agency, const char *kind);
int alert_ack(MDB_txn *txn, const struct hub *h, uint64_t id, const char *by);
int alert_sweep(struct hub *h);
int cmd_alerts(int argc, char **argv);

/* metrics.c: counters the ingest thread keeps and the HTTP side reads (atomics) */
#define METRICS_BUCKETS 12
struct metrics {
	_Atomic uint64_t applied, duplicates, deferred, batches, bytes_in;
	_Atomic uint64_t rejected[16];                    /* by RejectCode */
	_Atomic uint64_t batch_hist[METRICS_BUCKETS];     /* messages per batch: 1,2,4..2048,+inf */
	_Atomic uint64_t commit_hist[METRICS_BUCKETS];    /* commit ms: .5,1,2..512,+inf */
	_Atomic uint64_t commit_us_sum;
	_Atomic uint64_t batch_msgs_sum;
};
extern struct metrics hub_metrics;
void metrics_batch(uint64_t messages, uint64_t commit_us);

/* zap.c: ZeroMQ authentication, fail-closed */
int zap_open(void *zctx, void **sock);
void zap_handle(struct hub *h, void *sock);

/* ingest.c */
int cmd_run(int argc, char **argv);

/*
 * pool.c: threads that share the ingest thread's CPU-bound work. pool_submit starts fn(i, arg)
 * for every i < n, handed out in order to the pool's threads (all of them inline, before it
 * returns, when the pool is NULL or empty, or n < 2); pool_help runs the next one not yet
 * taken on the caller's thread (1) or returns 0 when none is left; pool_wait helps, then
 * waits until all have run. Every pool_submit needs its pool_wait before the next; one caller
 * at a time. pool_start returns 0 or EISO_NOMEM; pool_stop joins the threads and sets *p to
 * NULL. pool_cores: the CPUs this process may use.
 */
struct pool;
typedef void (*pool_fn)(size_t i, void *arg);
unsigned pool_cores(void);
int pool_start(unsigned nthreads, struct pool **out);
void pool_submit(struct pool *p, size_t n, pool_fn fn, void *arg);
int pool_help(struct pool *p);
void pool_wait(struct pool *p);
void pool_stop(struct pool **p);

/* status.c: the replication view, and what the read-only verbs share */
int cmd_status(int argc, char **argv);
int view_opts(int argc, char **argv, const char **conf, int *json);
int view_open(const char *verb, const char *conf, struct hub *h, MDB_txn **txn);

/*
 * show.c: what the hub holds for an agency. Its figures as numbers (figures_get: now and
 * today say what is overdue; reads counters and the agency's cases, never its documents),
 * as the JSON object the CLI, the API and the dashboard show (figures_json adds documents by
 * kind and status), or both at once (figures_agency).
 */
struct figures {
	uint64_t in_force, reviews_overdue, files;
	uint64_t cases_open, cases_overdue, on_time, late, with_file;
};
void figures_get(MDB_txn *txn, struct hub *h, const char *agency, int64_t now,
    const char *today, struct figures *f);
double figures_coverage(const struct figures *f);     /* percent of completed cases with a file */
json_t *figures_json(MDB_txn *txn, struct hub *h, const char *agency, const struct figures *f);
json_t *figures_agency(MDB_txn *txn, struct hub *h, const char *agency);
int cmd_doc(int argc, char **argv);
int cmd_file(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_figures(int argc, char **argv);
int cmd_blob(int argc, char **argv);
int cmd_search(int argc, char **argv);

/* agency.c: list, show, rename, move, retire */
struct verb_table;
extern const struct verb_table agency_verbs;   /* the sub-verbs (common/verb.h) */

/* qr.c: QR codes (level M, 4-module quiet zone) appended to out. 0, EISO_INVAL, EISO_NOMEM */
int qr_png(const char *text, unsigned scale, struct html *out);
int qr_svg(const char *text, struct html *out);

/* backup.c */
int cmd_backup(int argc, char **argv);

/* config.c: config-sample, run -n, reload on SIGHUP */
int cmd_config_sample(int argc, char **argv);
int config_check(const char *path);
int config_reload(const char *path, struct hubd_conf *live, int cli_debug);

/*
 * web.c: the hub's HTTP side (dashboard, JSON API, /metrics, and the portal's routes), in its
 * own thread with its own libuv loop, reading the store with read transactions only. The one
 * write it offers (acknowledging an alert) is handed to the ingest thread, the only writer.
 */
struct web;
/*
 * Start serving [web] listen (empty: nothing is started, *out stays NULL). 0 or EISO_*;
 * EISO_NET when it cannot listen, the detail naming the address, the reason and the fix.
 */
int web_start(struct hub *h, const char *conf_path, struct web **out);
void web_stop(struct web **w);
/* A descriptor that becomes readable when the web side waits for a write (-1: none). */
int web_wake_fd(const struct web *w);
/* Ingest thread: run the writes the web side waits for, each in its own transaction. */
void web_do_writes(struct web *w, struct hub *h);
/* The hub as the web thread sees it: conf, and the store (read transactions only). */
struct hub *web_hub(struct web *w);
/* The page language: ?lang=vi|en (kept in a cookie), else the cookie, else Vietnamese. */
enum web_lang web_lang(struct web *w, struct http_req *r);
int cmd_passwd(int argc, char **argv);
/* hubd run -n: [web] listen, targets and password_hash as web_start would take them. */
int web_check_conf(const char *path, const struct hubd_conf *c);

/* Times in Asia/Ho_Chi_Minh (UTC+7): dd/mm/yyyy HH:MM in Vietnamese, ISO-like in English. */
void web_time(char *buf, size_t len, int64_t ms, enum web_lang lang);
void web_date(char *buf, size_t len, const char *ymd, enum web_lang lang);
void web_iso(char *buf, size_t len, int64_t ms);       /* 2026-01-02T03:04:05+07:00, "" for 0 */
void web_day(char buf[11], int64_t ms);                /* YYYY-MM-DD in UTC+7 */
/* Answer text/html with b (freed); headers: name, value, ..., NULL (may be NULL). */
void web_reply_html(struct http_req *r, int status, struct html *b, const char *const *headers);


/* portal.c (the public portal): 1 when it answered r, 0 when the path is not its own */
int portal_route(struct web *w, struct http_req *r);

/*
 * portal.c, listing.c, lookup.c, verify.c: the portal's pages, written from a read transaction into a reply that
 * the web thread sends (portal_route) or `hubd portal` prints. Only published issues
 * (published.c) ever appear; anything else answers as if it did not exist.
 */
#define PORTAL_MAX_HDR 6
struct portal_ctx {
	MDB_txn *txn;
	const struct hub *h;
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
int cmd_portal(int argc, char **argv);
/* [web] public_base is an http(s) address QR codes can carry. 0 or EISO_CONF with a detail. */
int portal_check_base(const char *base);
/* Shared by portal.c and verify.c */
const char *portal_t(const struct portal_ctx *c, enum tr_key key);
void portal_lang_q(const struct portal_ctx *c, struct html *b, int first);
void portal_head(const struct portal_ctx *c, struct html *b, const char *title);
void portal_foot(const struct portal_ctx *c, struct html *b);
void portal_not_found(const struct portal_ctx *c, struct portal_reply *r, enum tr_key what);
Eiso__AgencyRecord *portal_agency(const struct portal_ctx *c, const char *id);
const char *portal_agency_name(const struct portal_ctx *c, const Eiso__AgencyRecord *a);
Eiso__DocRecord *portal_docrec(const struct portal_ctx *c, const char *agency, const char *code);
Eiso__DocIssue *portal_issue(const struct portal_ctx *c, const char *agency, const char *code,
    uint32_t issue);
void portal_doc_url(const struct portal_ctx *c, struct html *b, const char *prefix,
    const char *agency, const char *code, uint32_t issue);
void portal_file_url(struct html *b, const Eiso__BlobRef *f);
#define PORTAL_MAX_ISSUES 1000     /* issues of one document a page lists at most */
size_t portal_issue_list(const struct portal_ctx *c, const char *agency, const char *code,
    uint32_t *out, size_t max);
Eiso__DocIssue *portal_issue_best(const struct portal_ctx *c, const char *agency,
    const Eiso__DocRecord *rec);
const char *portal_state(const Eiso__DocIssue *d);
void portal_status(const struct portal_ctx *c, struct html *b, const char *agency,
    const Eiso__DocIssue *d);
void portal_size(struct html *b, uint64_t n);
const char *portal_kind(const struct portal_ctx *c, const char *kind);
/* A query parameter, "" when absent or bad. */
void portal_param(const struct portal_ctx *c, const char *name, char *out, size_t len);
/* <dt>label</dt><dd>value</dd>, nothing when value is empty. */
void portal_meta(struct html *b, const char *label, const char *value);
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
void verify_qr_url(const struct portal_ctx *c, struct html *b, const char *agency,
    const Eiso__DocIssue *d);

#endif
