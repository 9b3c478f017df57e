/*
 * backup.c: `hubd backup DIR`: a hot, consistent copy of the hub's store while the daemon
 * runs (store_backup: one LMDB read transaction, compacted), checked by opening the copy,
 * with a BACKUP.txt listing each agency's applied seq and head hash in the copy and how to
 * restore it. After a restore, nodes resend what the copy lacks: each node keeps every change
 * set in its outbox and resumes from the hub's Welcome.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "err.h"
#include "fsutil.h"
#include "cli/cli.h"
#include "keys.h"

/* Each agency's applied head in the copy, one line each, into f. */
static int
backup_heads(const char *storedir, FILE *f, size_t *nagencies, uint64_t *nsets,
    uint64_t *schema)
{
	struct hub copy;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	memset(&copy, 0, sizeof(copy));
	*nagencies = 0;
	*nsets = 0;
	if ((rc = hub_store_open(storedir, 0, &copy.st)) != 0)
		return rc;
	if ((rc = store_read_begin(copy.st, &txn)) != 0)
		goto done;
	if ((rc = store_get_u64(txn, store_dbi(copy.st, HDB_META), "schema", schema)) != 0 ||
	    (rc = store_rc(mdb_cursor_open(txn, store_dbi(copy.st, HDB_AGENCIES), &cur))) != 0) {
		store_read_end(&txn);
		goto done;
	}
	for (int r = mdb_cursor_get(cur, &k, &v, MDB_FIRST); r == 0;
	    r = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Eiso__AgencyRecord *a = eiso__agency_record__unpack(NULL, v.mv_size, v.mv_data);
		Eiso__HeadRecord *hr;
		char hex[2 * KEYS_HASH + 1];
		uint8_t zero[KEYS_HASH] = { 0 };
		uint64_t seq = 0;

		if (a == NULL)
			continue;
		keys_hex(hex, zero, KEYS_HASH);
		if (head_get(txn, &copy, a->id, &hr) == 0) {
			seq = hr->seq;
			if (hr->hash.len == KEYS_HASH)
				keys_hex(hex, hr->hash.data, KEYS_HASH);
			eiso__head_record__free_unpacked(hr, NULL);
		}
		fprintf(f, "agency %s %s applied %llu head %s\n", a->id,
		    a->state != NULL ? a->state : "-", (unsigned long long)seq, hex);
		(*nagencies)++;
		*nsets += seq;
		eiso__agency_record__free_unpacked(a, NULL);
	}
	mdb_cursor_close(cur);
	store_read_end(&txn);
done:
	store_close(&copy.st);
	return rc;
}

struct backup_ctx {
	struct hub h;
	FILE *heads;                  /* backup_heads' lines, for BACKUP.txt */
	size_t nagencies;
	uint64_t nsets, schema;
};

/* The store to copy, handed to daemon_backup (which closes it), and the data directory. */
static int
backup_open(void *ctx, const char *conf, store_t **st, const char **data)
{
	struct hub *h = &((struct backup_ctx *)ctx)->h;
	int rc = hub_open(conf, 1, h);

	*st = h->st;
	*data = h->conf.data;
	return rc;
}

static int
backup_check(void *ctx, const char *storedir)
{
	struct backup_ctx *c = ctx;

	if ((c->heads = tmpfile()) == NULL)
		return eiso_seterr(EISO_IO, "no temporary file");
	return backup_heads(storedir, c->heads, &c->nagencies, &c->nsets, &c->schema);
}

static int
backup_report(void *ctx, FILE *f, const struct daemon_backup_made *m)
{
	struct backup_ctx *c = ctx;
	int ch;

	fprintf(f,
	    "eiso hub backup (hubd backup)\n"
	    "made: %s\n"
	    "from: %s\n"
	    "schema: %llu\n"
	    "agencies: %zu\n"
	    "change_sets: %llu\n"
	    "bytes: %llu\n"
	    "keys: %s\n"
	    "\n", m->when, m->src, (unsigned long long)c->schema, c->nagencies,
	    (unsigned long long)c->nsets, (unsigned long long)m->bytes,
	    m->with_keys ? "copied (SECRET: keep this backup private)" : "not copied");
	rewind(c->heads);
	while ((ch = getc(c->heads)) != EOF)
		putc(ch, f);
	fputc('\n', f);
	return 0;
}

static void
backup_done(void *ctx, const struct daemon_backup_made *m)
{
	struct backup_ctx *c = ctx;

	if (c->heads != NULL)
		fclose(c->heads);
	if (m != NULL)
		printf("backup of the hub: %zu agencies, %llu change sets, %llu bytes in %s\n",
		    c->nagencies, (unsigned long long)c->nsets, (unsigned long long)m->bytes,
		    m->storedir);
}

static const struct daemon_backup hubd_backup = {
	"hubd", HUBD_DEFAULT_CONF, backup_open, backup_check, backup_report, backup_done,
	"Each node resends from its outbox what this copy lacks.\n",
};

int
cmd_backup(int argc, char **argv)
{
	struct backup_ctx c;

	memset(&c, 0, sizeof(c));
	return daemon_backup(&hubd_backup, &c, argc, argv);
}
