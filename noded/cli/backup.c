/*
 * backup.c: `noded backup DIR`: a hot, consistent copy of the node's store while the daemon
 * runs (store_backup: one LMDB read transaction, compacted), checked by opening the copy,
 * with a BACKUP.txt that says what it holds and how to restore it. The store holds the
 * applicants' personal data of cases: the backup is private (mode 0700/0600) like the store.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "err.h"
#include "fsutil.h"
#include "keys.h"
#include "cli/cli.h"

/* Open the copy as the daemon would and read what it holds. */
static int
backup_inspect(const char *storedir, struct chain_head *head, uint64_t *acked,
    uint64_t *pending, uint64_t *schema)
{
	struct node copy;
	MDB_txn *txn;
	int rc;

	memset(&copy, 0, sizeof(copy));
	*acked = 0;
	if ((rc = store_open(storedir, node_dbnames, NDB_COUNT, 0, &copy.st)) != 0)
		return rc;
	if ((rc = store_read_begin(copy.st, &txn)) == 0) {
		rc = outbox_head(txn, &copy, head);
		store_get_u64(txn, store_dbi(copy.st, NDB_META), "acked_seq", acked);
		if (rc == 0)
			rc = store_get_u64(txn, store_dbi(copy.st, NDB_META), "schema", schema);
		*pending = store_count(txn, store_dbi(copy.st, NDB_PENDING));
		store_read_end(&txn);
	}
	store_close(&copy.st);
	return rc;
}

struct backup_ctx {
	struct node n;
	struct chain_head head;
	uint64_t acked, pending, schema;
};

/* daemon_backup's steps for a node: open the store read-only, inspect the copy, report. */
static int
backup_check(void *ctx, const char *storedir)
{
	struct backup_ctx *c = ctx;

	return backup_inspect(storedir, &c->head, &c->acked, &c->pending, &c->schema);
}

static int
backup_open(void *ctx, const char *conf, store_t **st, const char **data)
{
	struct backup_ctx *c = ctx;
	int rc = node_open(conf, 1, &c->n);

	*data = c->n.conf.data;
	*st = c->n.st;         /* daemon_backup closes it, also when rc is an error */
	return rc;
}

static int
backup_report(void *ctx, FILE *f, const struct daemon_backup_made *m)
{
	struct backup_ctx *c = ctx;
	char hex[2 * KEYS_HASH + 1];

	keys_hex(hex, c->head.hash, KEYS_HASH);
	fprintf(f,
	    "eiso node backup (noded backup)\n"
	    "agency: %s\n"
	    "made: %s\n"
	    "from: %s\n"
	    "schema: %llu\n"
	    "head_seq: %llu\n"
	    "head_hash: %s\n"
	    "acked_seq: %llu\n"
	    "pending_changes: %llu\n"
	    "bytes: %llu\n"
	    "keys: %s\n"
	    "\n",
	    c->n.conf.agency, m->when, m->src, (unsigned long long)c->schema,
	    (unsigned long long)c->head.seq, hex, (unsigned long long)c->acked,
	    (unsigned long long)c->pending, (unsigned long long)m->bytes,
	    m->with_keys ? "copied (SECRET: keep this backup private)" : "not copied");
	return 0;
}

static void
backup_done(void *ctx, const struct daemon_backup_made *m)
{
	struct backup_ctx *c = ctx;

	if (m != NULL)
		printf("backup of %s: head %llu, acknowledged %llu, %llu bytes in %s\n",
		    c->n.conf.agency, (unsigned long long)c->head.seq,
		    (unsigned long long)c->acked, (unsigned long long)m->bytes, m->storedir);
}

static const struct daemon_backup noded_backup = {
	"noded", NODED_DEFAULT_CONF, backup_open, backup_check, backup_report, backup_done,
	"Changes written after this backup are lost from the node; the hub keeps every\n"
	"change set it acknowledged. Pending changes are sealed after the restore.\n",
};

int
cmd_backup(int argc, char **argv)
{
	struct backup_ctx c;

	memset(&c, 0, sizeof(c));
	return daemon_backup(&noded_backup, &c, argc, argv);
}
