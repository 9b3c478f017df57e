/*
 * backup.c: `noded backup DIR`: a hot, consistent copy of the node's store while the daemon
 * runs (store_backup: one LMDB read transaction, compacted), checked by opening the copy,
 * with a BACKUP.txt that says what it holds and how to restore it. The store holds the
 * applicants' personal data of cases: the backup is private (mode 0700/0600) like the store.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "fsutil.h"
#include "keys.h"
#include "cli/cli.h"

static void
backup_usage(FILE *f)
{
	fprintf(f,
	    "usage: noded backup [-c CONF] [--with-keys] DIR\n"
	    "\n"
	    "Writes a consistent, compacted copy of the node's store to DIR/store while the\n"
	    "daemon runs (or not), checks it, and writes DIR/BACKUP.txt: agency, head, acknowledged\n"
	    "seq and how to restore. DIR may exist but must not hold a backup already.\n"
	    "  -c CONF       config file (default " NODED_DEFAULT_CONF ")\n"
	    "  --with-keys   also copy keys/ (the agency's SECRET keys) into DIR/keys\n"
	    "Restore: stop noded, move DATA/store aside, copy DIR/store in its place (owned by\n"
	    "the daemon's user, mode 0700), start noded. See noded(8).\n");
}

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

int
cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "with-keys", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = NODED_DEFAULT_CONF, *dir;
	char storedir[PATH_MAX], src[PATH_MAX], path[PATH_MAX], hex[2 * KEYS_HASH + 1], when[64];
	struct chain_head head;
	struct node n;
	uint64_t bytes, acked, pending = 0, schema = 0;
	time_t now = time(NULL);
	FILE *f;
	int c, rc, with_keys = 0;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'k': with_keys = 1; break;
		case 'h': backup_usage(stdout); return 0;
		default: backup_usage(stderr); return 2;
		}
	}
	if (argc - optind != 1) {
		backup_usage(stderr);
		return 2;
	}
	dir = argv[optind];
	umask(077);
	eiso_clearerr();
	if ((rc = node_open(conf, 1, &n)) != 0) {
		fprintf(stderr, "noded backup: %s\n", eiso_lasterr(rc));
		return 1;
	}
	if ((rc = fsutil_mkdir(dir, 0700)) != 0 ||
	    (rc = fsutil_path(storedir, sizeof(storedir), dir, "store")) != 0 ||
	    (rc = store_backup(n.st, storedir, &bytes)) != 0) {
		fprintf(stderr, "noded backup: %s\n", eiso_lasterr(rc));
		node_close(&n);
		return 1;
	}
	node_close(&n);
	if ((rc = backup_inspect(storedir, &head, &acked, &pending, &schema)) != 0) {
		fprintf(stderr, "noded backup: the copy in %s does not open: %s\n", storedir,
		    eiso_lasterr(rc));
		return 1;
	}
	if (with_keys && (rc = keys_copy_pairs(n.conf.data, dir)) != 0)
		goto keys_fail;
	if ((rc = fsutil_path(path, sizeof(path), dir, "BACKUP.txt")) != 0 ||
	    (f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "noded backup: cannot write %s/BACKUP.txt\n", dir);
		return 1;
	}
	keys_hex(hex, head.hash, KEYS_HASH);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
	node_path(&n, src, sizeof(src), "store");
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
	    "\n"
	    "Restore (see noded(8)):\n"
	    "  systemctl stop eiso-noded\n"
	    "  mv %s %s.old\n"
	    "  cp -r store %s && chown -R eiso:eiso %s && chmod 0700 %s\n"
	    "  systemctl start eiso-noded\n"
	    "Changes written after this backup are lost from the node; the hub keeps every\n"
	    "change set it acknowledged. Pending changes are sealed after the restore.\n",
	    n.conf.agency, when, src, (unsigned long long)schema, (unsigned long long)head.seq,
	    hex, (unsigned long long)acked, (unsigned long long)pending,
	    (unsigned long long)bytes,
	    with_keys ? "copied (SECRET: keep this backup private)" : "not copied", src, src,
	    src, src, src);
	if (fclose(f) != 0) {
		fprintf(stderr, "noded backup: writing %s failed\n", path);
		return 1;
	}
	printf("backup of %s: head %llu, acknowledged %llu, %llu bytes in %s\n", n.conf.agency,
	    (unsigned long long)head.seq, (unsigned long long)acked, (unsigned long long)bytes,
	    storedir);
	return 0;
keys_fail:
	fprintf(stderr, "noded backup: copying the keys: %s\n", eiso_lasterr(rc));
	return 1;
}
