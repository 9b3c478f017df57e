/*
 * hub.c: the hub's configuration table and the opening of its store, shared by every verb
 * and by tools that work on a hub's store.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "fsutil.h"
#include "core/core.h"

#define HC(field) offsetof(struct hubd_conf, field), sizeof(((struct hubd_conf *)0)->field)

const struct conf_directive hubd_directives[] = {
	{ "hub", "data", CONF_STRING, HC(data), 0, 0, NULL,
	    "data directory: keys/ and store/ live here" },
	{ "hub", "listen", CONF_STRING, HC(listen), 0, 0, "tcp://127.0.0.1:7701",
	    "ZeroMQ endpoint the nodes connect to" },
	{ "ingest", "window", CONF_UINT, HC(window), 1, 4096, "64",
	    "change sets a node may send ahead of acknowledgements" },
	{ "ingest", "max_frame", CONF_UINT, HC(max_frame), 65536, 67108864, "4194304",
	    "largest message accepted, in bytes" },
	{ "ingest", "chunk_size", CONF_UINT, HC(chunk_size), 4096, 1048576, "262144",
	    "bytes of file data in one blob chunk" },
	{ "ingest", "max_batch", CONF_UINT, HC(max_batch), 1, 100000, "4096",
	    "messages applied in one transaction (group commit) at most" },
	{ "ingest", "max_batch_bytes", CONF_UINT, HC(max_batch_bytes), 65536, 1073741824,
	    "67108864", "bytes of messages in one transaction at most" },
	{ "log", "debug", CONF_UINT, HC(log_debug), 0, 1, "0",
	    "1 logs debug messages too, as hubd run -d does" },
	{ "alerts", "offline_after_s", CONF_UINT, HC(offline_after_s), 10, 2592000, "900",
	    "an agency silent this long is offline and alerted (nodes send a heartbeat every 2 s)" },
	{ "alerts", "storage_warn_percent", CONF_UINT, HC(storage_warn_percent), 50, 99, "90",
	    "alert when the data directory's disk is this full" },
	{ "alerts", "check_s", CONF_UINT, HC(alert_check_s), 5, 3600, "30",
	    "how often offline agencies, overdue reviews and storage are checked" },
	{ "web", "listen", CONF_STRING, HC(web_listen), 0, 0, "127.0.0.1:7790",
	    "HOST:PORT of the dashboard, JSON API, /metrics and public portal; empty: none" },
	{ "web", "token", CONF_STRING, HC(web_token), 0, 0, "",
	    "bearer token of the JSON API and /metrics (hubd init writes a random one)" },
	{ "web", "user", CONF_STRING, HC(web_user), 0, 0, "admin",
	    "dashboard login name" },
	{ "web", "password_hash", CONF_STRING, HC(web_password_hash), 0, 0, "",
	    "argon2id hash of the dashboard password (hubd passwd); empty: login refused" },
	{ "web", "public_base", CONF_STRING, HC(web_public_base), 0, 0,
	    "http://127.0.0.1:7790", "address citizens reach the portal at; QR codes name it" },
	{ "web", "targets", CONF_STRING, HC(web_targets), 0, 0,
	    "department=90 district=80 subdepartment=80 commune=30",
	    "electronic-record coverage target, percent, per agency level" },
	{ "web", "max_upload", CONF_UINT, HC(web_max_upload), 65536, 1073741824, "33554432",
	    "largest file the portal's verify page takes, in bytes (h2o holds it whole)" },
	{ "web", "session_s", CONF_UINT, HC(web_session_s), 60, 604800, "28800",
	    "a dashboard session ends after this many idle seconds" },
	HTTP_SERVE_DIRECTIVES("web", struct hubd_conf, web_serve),
	CONF_END
};

const char *const hub_dbnames[HDB_COUNT] = {
	[HDB_META] = "meta", [HDB_AGENCIES] = "agencies", [HDB_CURVEKEYS] = "curvekeys",
	[HDB_LOG] = "log", [HDB_HEADS] = "heads", [HDB_DOCS] = "docs", [HDB_WANTS] = "wants",
	[HDB_CHUNKS] = "chunks", [HDB_BLOBMETA] = "blobmeta", [HDB_VERSIONS] = "versions",
	[HDB_RECORDS] = "records", [HDB_CASES] = "cases", [HDB_STATS] = "stats",
	[HDB_WORDS] = "words", [HDB_SEARCHED] = "searched", [HDB_ALERTS] = "alerts",
	[HDB_ALERTKEYS] = "alertkeys", [HDB_PUBFILES] = "pubfiles", [HDB_REVIEWS] = "reviews",
};

/* Schema 2: the reviews index and the in-force counters, built from the documents held. */
static int
hub_up_1(store_t *st, MDB_txn *txn)
{
	struct hub h;

	memset(&h, 0, sizeof(h));
	h.st = st;
	return apply_rebuild_in_force(txn, &h);
}

static const struct store_hook hub_hooks[] = {
	{ 1, hub_up_1 },
};

int
hub_store_open(const char *dir, int readonly, store_t **st)
{
	return store_open_hooks(dir, hub_dbnames, HDB_COUNT, readonly, hub_hooks,
	    sizeof(hub_hooks) / sizeof(hub_hooks[0]), st);
}

int
hub_open(const char *conf_path, int readonly, struct hub *h)
{
	char dir[1100];
	int rc;

	memset(h, 0, sizeof(*h));
	if ((rc = conf_load(conf_path, hubd_directives, &h->conf)) != 0)
		return rc;
	if (h->conf.chunk_size + 1024 > h->conf.max_frame)
		return eiso_seterr(EISO_CONF, "%s: ingest.chunk_size must be well below "
		    "ingest.max_frame", conf_path);
	if ((rc = fsutil_path(dir, sizeof(dir), h->conf.data, "store")) != 0 ||
	    (rc = hub_store_open(dir, readonly, &h->st)) != 0)
		return rc;
	h->bt.chunks = store_dbi(h->st, HDB_CHUNKS);
	h->bt.meta = store_dbi(h->st, HDB_BLOBMETA);
	return 0;
}

void
hub_close(struct hub *h)
{
	store_close(&h->st);
}

