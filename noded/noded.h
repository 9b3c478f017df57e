/*
 * noded.h: the agency node. One private header for the daemon and its command-line verbs,
 * prototypes grouped by file.
 */
#ifndef NODED_H
#define NODED_H

#include <stdint.h>

#include "blob.h"
#include "chain.h"
#include "conf.h"
#include "eiso.pb-c.h"
#include "store.h"

#define NODED_DEFAULT_CONF "/etc/eiso/noded.conf"

struct noded_conf {
	char agency[72];
	char data[1024];
	char hub_endpoint[256];
	char hub_key[72];
	uint64_t window;
	uint64_t max_changes;
	uint64_t max_set_bytes;
	uint64_t linger_ms;
	uint64_t heartbeat_ms;
	uint64_t ack_timeout_ms;
	uint64_t reconnect_min_ms;
	uint64_t reconnect_max_ms;
	uint64_t log_debug;
};

/* Sub-databases of the node's environment, in store_open order. */
enum node_db { NDB_META, NDB_DOCS, NDB_PENDING, NDB_OUTBOX, NDB_CHUNKS, NDB_BLOBMETA, NDB_COUNT };

struct node {
	struct noded_conf conf;
	store_t *st;
	struct blob_tables bt;
};

/* main.c */
extern const struct conf_directive noded_directives[];
extern const char *const node_dbnames[NDB_COUNT];
int node_open(const char *conf_path, int readonly, struct node *n);
void node_close(struct node *n);
int node_path(const struct node *n, char *buf, size_t len, const char *rel);

/* init.c */
int cmd_init(int argc, char **argv);

/* doc.c */
int cmd_doc(int argc, char **argv);

/* outbox.c: the one write path (I1) and sealing of change sets */
int outbox_record(struct node *n, Eiso__Change *change, uint64_t *id);
int outbox_seal(struct node *n, const uint8_t *sign_sec, unsigned max_sets, unsigned *sealed);
int outbox_head(MDB_txn *txn, const struct node *n, struct chain_head *head);
int outbox_get(MDB_txn *txn, const struct node *n, uint64_t seq, MDB_val *set);
int outbox_set_hash(MDB_txn *txn, const struct node *n, uint64_t seq, uint8_t hash[KEYS_HASH]);

/* sender.c */
int cmd_run(int argc, char **argv);

/* status.c */
int cmd_status(int argc, char **argv);

/* config.c: config-sample, run -n, reload on SIGHUP */
int cmd_config_sample(int argc, char **argv);
int config_check(const char *path);
int config_reload(const char *path, struct noded_conf *live, int cli_debug);

#endif
