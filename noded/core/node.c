/*
 * node.c: a node's configuration table and the opening of its store, shared by every verb
 * and by tools that work on a node's store (the benchmark load generator), and its reload
 * on SIGHUP.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "daemon.h"
#include "err.h"
#include "fsutil.h"
#include "log.h"

#define NC(field) offsetof(struct noded_conf, field), sizeof(((struct noded_conf *)0)->field)

const struct conf_directive noded_directives[] = {
	{ "node", "agency", CONF_STRING, NC(agency), 0, 0, NULL,
	    "agency id as enrolled at the hub" },
	{ "node", "data", CONF_STRING, NC(data), 0, 0, NULL,
	    "data directory: keys/ and store/ live here" },
	{ "hub", "endpoint", CONF_STRING, NC(hub_endpoint), 0, 0, NULL,
	    "ZeroMQ endpoint of the provincial hub, tcp://HOST:PORT" },
	{ "hub", "public_key", CONF_STRING, NC(hub_key), 0, 0, NULL,
	    "the hub's CURVE public key (hex), pinned" },
	{ "sender", "window", CONF_UINT, NC(window), 1, 4096, "64",
	    "change sets in flight without acknowledgement" },
	{ "sender", "max_changes", CONF_UINT, NC(max_changes), 1, 100000, "1000",
	    "changes sealed into one change set at most" },
	{ "sender", "max_set_bytes", CONF_UINT, NC(max_set_bytes), 4096, 16777216, "1048576",
	    "bytes of changes in one change set at most (keep below the hub's max_frame)" },
	{ "sender", "linger_ms", CONF_UINT, NC(linger_ms), 1, 10000, "10",
	    "how often pending changes are sealed and sent" },
	{ "sender", "heartbeat_ms", CONF_UINT, NC(heartbeat_ms), 100, 600000, "2000",
	    "ping interval while idle; three silent intervals mean the link is lost" },
	{ "sender", "ack_timeout_ms", CONF_UINT, NC(ack_timeout_ms), 100, 3600000, "5000",
	    "ask the hub for its resume point when acknowledgements stall this long" },
	{ "sender", "reconnect_min_ms", CONF_UINT, NC(reconnect_min_ms), 10, 600000, "200",
	    "first reconnection delay; doubles on each failure" },
	{ "sender", "reconnect_max_ms", CONF_UINT, NC(reconnect_max_ms), 100, 3600000, "30000",
	    "longest reconnection delay" },
	{ "log", "debug", CONF_UINT, NC(log_debug), 0, 1, "0",
	    "1 logs debug messages too, as noded run -d does" },
	{ "inbox", "dir", CONF_STRING, NC(inbox_dir), 0, 0, "",
	    "scan inbox: files dropped here become draft documents (empty: off)" },
	{ "inbox", "processed", CONF_STRING, NC(inbox_processed), 0, 0, "",
	    "where imported files go (empty: DIR/processed)" },
	{ "inbox", "rejected", CONF_STRING, NC(inbox_rejected), 0, 0, "",
	    "where refused files go, each with NAME.reason.txt (empty: DIR/rejected)" },
	{ "inbox", "settle_ms", CONF_UINT, NC(inbox_settle_ms), 100, 600000, "2000",
	    "a file is taken once unchanged this long (never half-written)" },
	{ "inbox", "kind", CONF_STRING, NC(inbox_kind), 0, 0, "record",
	    "document kind given to scanned files" },
	{ "inbox", "types", CONF_STRING, NC(inbox_types), 0, 0,
	    "application/pdf image/jpeg image/png image/tiff",
	    "media types accepted, by content (empty: any)" },
	{ "api", "listen", CONF_STRING, NC(api_listen), 0, 0, "127.0.0.1:7780",
	    "local JSON API address, HOST:PORT or [IPV6]:PORT (empty: no API)" },
	{ "api", "token", CONF_STRING, NC(api_token), 0, 0, "",
	    "bearer token API clients send (noded init makes one); empty: every request gets 401" },
	{ "api", "max_body", CONF_UINT, NC(api_max_body), 1024, 1073741824, "1048576",
	    "bytes of a request body at most, so of a file uploaded through the API" },
	HTTP_SERVE_DIRECTIVES("api", struct noded_conf, api_serve),
	CONF_END
};

int
node_path(const struct node *n, char *buf, size_t len, const char *rel)
{
	return fsutil_path(buf, len, n->conf.data, rel);
}

const char *const node_dbnames[NDB_COUNT] = {
	[NDB_META] = "meta", [NDB_DOCS] = "docs", [NDB_PENDING] = "pending",
	[NDB_OUTBOX] = "outbox", [NDB_CHUNKS] = "chunks", [NDB_BLOBMETA] = "blobmeta",
	[NDB_VERSIONS] = "versions", [NDB_RECORDS] = "records", [NDB_CASES] = "cases",
	[NDB_APPLICANTS] = "applicants", [NDB_ATTACHMENTS] = "attachments",
	[NDB_USERS] = "users",
};

int
node_open(const char *conf_path, int readonly, struct node *n)
{
	char dir[1100];
	MDB_txn *txn;
	MDB_val v;
	int rc;

	memset(n, 0, sizeof(*n));
	if ((rc = conf_load(conf_path, noded_directives, &n->conf)) != 0)
		return rc;
	/* It holds the local API's token: like a secret key, it is the node's user's only. */
	if ((rc = fsutil_private(conf_path, "configuration (it holds api.token)")) != 0)
		return rc;
	if ((rc = node_path(n, dir, sizeof(dir), "store")) != 0)
		return rc;
	if ((rc = store_open(dir, node_dbnames, NDB_COUNT, readonly, &n->st)) != 0)
		return rc;
	n->bt.chunks = store_dbi(n->st, NDB_CHUNKS);
	n->bt.meta = store_dbi(n->st, NDB_BLOBMETA);
	/* The store belongs to one agency for life: a config pointing elsewhere is refused. */
	if ((rc = store_read_begin(n->st, &txn)) != 0)
		goto fail;
	rc = store_get_str(txn, store_dbi(n->st, NDB_META), "agency", &v);
	if (rc == 0 && (v.mv_size != strlen(n->conf.agency) ||
	    memcmp(v.mv_data, n->conf.agency, v.mv_size) != 0))
		rc = eiso_seterr(EISO_CONF, "%s: store belongs to agency %.*s, config says %s",
		    dir, (int)v.mv_size, (char *)v.mv_data, n->conf.agency);
	else if (rc == EISO_NOTFOUND)
		rc = eiso_seterr(EISO_STORE, "%s: store was never initialised (noded init)", dir);
	store_read_end(&txn);
	if (rc == 0)
		return 0;
fail:
	store_close(&n->st);
	return rc;
}

static int
node_store_create_txn(MDB_txn *txn, void *arg)
{
	struct node *n = arg;

	return store_put_str(txn, store_dbi(n->st, NDB_META), "agency", n->conf.agency,
	    strlen(n->conf.agency));
}

int
node_store_create(struct node *n, const char *dir)
{
	int rc;

	if ((rc = store_open(dir, node_dbnames, NDB_COUNT, 0, &n->st)) != 0)
		return rc;
	return store_write(n->st, node_store_create_txn, n);
}

void
node_close(struct node *n)
{
	store_close(&n->st);
}

/*
 * What SIGHUP may change: the log level and the sender's timings and sizes, all read afresh
 * on each use (window and max_set_bytes after a Hello to the hub, which the reload sends).
 * The agency, data directory and hub (endpoint, pinned key) need a restart.
 */
static const char *const node_reloadable[] = {
	"log.debug", "sender.window", "sender.max_changes", "sender.max_set_bytes",
	"sender.linger_ms", "sender.heartbeat_ms", "sender.ack_timeout_ms",
	"sender.reconnect_min_ms", "sender.reconnect_max_ms", NULL
};

int
node_reload(const char *path, struct noded_conf *live, int cli_debug)
{
	struct noded_conf scratch;
	int rc;

	if ((rc = daemon_reload(path, noded_directives, live, &scratch, node_reloadable)) == 0)
		log_init("noded", cli_debug || live->log_debug);
	return rc;
}
