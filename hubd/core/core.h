/*
 * core.h: the hub's core: its configuration, its store and what is kept in it, and the ingest
 * side that fills it. The web side (web/), the portal (portal/) and the verbs (cli/) build on
 * it; nothing here includes them. Prototypes grouped by file.
 */
#ifndef HUBD_CORE_H
#define HUBD_CORE_H

#include <stdint.h>

#include <jansson.h>

#include "blob.h"
#include "conf.h"
#include "http.h"
#include "eiso.pb-c.h"
#include "store.h"
#include "tmpl.h"

#define HUBD_DEFAULT_CONF "/etc/eiso/hubd.conf"

/* The pages' templates, hubd/ROLE/tmpl/NAME.html compiled in by tmplc (build/gen/tmpl_hubd.c). */
extern const struct tmpl_src hubd_templates[];

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
	struct http_serve web_serve;     /* [web] tls_cert ... read_timeout_s */
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

/* hub.c: the directive table, the store's sub-databases, opening the hub */
extern const struct conf_directive hubd_directives[];
extern const char *const hub_dbnames[HDB_COUNT];
int hub_open(const char *conf_path, int readonly, struct hub *h);
void hub_close(struct hub *h);
/* The hub's store in dir, with the hub's parts of schema upgrades (store_open_hooks). */
int hub_store_open(const char *dir, int readonly, store_t **st);

/* agencies.c: agencies and their keys, as enrolled (cli/enroll.c writes them) */
int agency_get(MDB_txn *txn, const struct hub *h, const char *id, Eiso__AgencyRecord **rec);
/* fn(id, arg) for each enrolled agency, in id order; 0, a store error, or fn's non-zero. */
typedef int (*agency_id_fn)(const char *id, void *arg);
int agency_each(MDB_txn *txn, const struct hub *h, agency_id_fn fn, void *arg);
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
 * The days issue d of the agency's document was in force, YYYY-MM-DD in Asia/Ho_Chi_Minh:
 * from its effective date (inclusive) until `until` (exclusive; "" while it still is). An
 * issue stops being in force when its successor takes effect, not when the successor is
 * approved; a withdrawn issue, on the day it was withdrawn. An issue never approved (draft,
 * in review) gets from = "". Returns 0 or a store error.
 */
int apply_in_force_span(MDB_txn *txn, const struct hub *h, const char *agency,
    const Eiso__DocIssue *d, char from[11], char until[11]);
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

/* metrics.c: counters the ingest thread keeps and the web thread reads (atomics) */
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

/*
 * ingest.c (with ingest_txn.c, behind their private ingest.h): the ingest side, driven by
 * run.c: ingest_open opens the hub's store for writing
 * (conf: the config file); ingest_listen binds [hub] listen (CURVE, admitted by zap.c) and
 * starts the pool that checks change sets; ingest_poll waits up to timeout_ms for nodes'
 * messages (and for wake_fd, when it is not -1, setting *woken when it is readable), then
 * judges and applies a batch in one transaction and answers. An interrupted wait returns 0.
 * Each returns 0 or EISO_* with a detail. ingest_close logs the totals, frees everything and
 * sets *g to NULL. ingest_hub: the hub as the ingest thread holds it (its only writer).
 */
struct ingest;
int ingest_open(const char *conf, struct ingest **g);
struct hub *ingest_hub(struct ingest *g);
int ingest_listen(struct ingest *g);
int ingest_poll(struct ingest *g, int wake_fd, long timeout_ms, int *woken);
void ingest_close(struct ingest **g);

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

/*
 * figures.c: an agency's figures as numbers (figures_get: now and today say what is overdue;
 * reads counters and the agency's cases, never its documents), as the JSON object the CLI,
 * the API and the dashboard show (figures_json adds documents by kind and status), or both at
 * once (figures_agency).
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

#endif
