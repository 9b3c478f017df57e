/*
 * backup.c: `hubd backup DIR`: a hot, consistent copy of the hub's store while the daemon
 * runs (store_backup: one LMDB read transaction, compacted), checked by opening the copy,
 * with a BACKUP.txt listing each agency's applied seq and head hash in the copy and how to
 * restore it. After a restore, nodes resend what the copy lacks: each node keeps every change
 * set in its outbox and resumes from the hub's Welcome.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "fsutil.h"
#include "cli/cli.h"
#include "keys.h"

static void
backup_usage(FILE *f)
{
	fprintf(f,
	    "usage: hubd backup [-c CONF] [--with-keys] DIR\n"
	    "\n"
	    "Writes a consistent, compacted copy of the hub's store to DIR/store while the daemon\n"
	    "runs (or not), checks it, and writes DIR/BACKUP.txt: every agency's applied seq and\n"
	    "head hash in the copy, and how to restore. DIR must not hold a backup already.\n"
	    "  -c CONF       config file (default " HUBD_DEFAULT_CONF ")\n"
	    "  --with-keys   also copy keys/ (the hub's SECRET keys) into DIR/keys\n"
	    "Restore: stop hubd, move DATA/store aside, copy DIR/store in its place (owned by the\n"
	    "daemon's user, mode 0700), start hubd; nodes resend what the copy lacks. See hubd(8).\n");
}

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

int
cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "with-keys", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = HUBD_DEFAULT_CONF, *dir;
	char storedir[PATH_MAX], src[PATH_MAX], path[PATH_MAX], when[64];
	struct hub h;
	uint64_t bytes, nsets = 0, schema = 0;
	size_t nagencies = 0;
	time_t now = time(NULL);
	FILE *f, *heads;
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
	if ((rc = hub_open(conf, 1, &h)) != 0) {
		fprintf(stderr, "hubd backup: %s\n", eiso_lasterr(rc));
		return 1;
	}
	if ((rc = fsutil_mkdir(dir, 0700)) != 0 ||
	    (rc = fsutil_path(storedir, sizeof(storedir), dir, "store")) != 0 ||
	    (rc = store_backup(h.st, storedir, &bytes)) != 0) {
		fprintf(stderr, "hubd backup: %s\n", eiso_lasterr(rc));
		hub_close(&h);
		return 1;
	}
	hub_close(&h);
	if ((heads = tmpfile()) == NULL ||
	    (rc = backup_heads(storedir, heads, &nagencies, &nsets, &schema)) != 0) {
		fprintf(stderr, "hubd backup: the copy in %s does not open: %s\n", storedir,
		    eiso_lasterr(heads == NULL ? EISO_IO : rc));
		return 1;
	}
	if (with_keys && (rc = keys_copy_pairs(h.conf.data, dir)) != 0)
		goto keys_fail;
	if ((rc = fsutil_path(path, sizeof(path), dir, "BACKUP.txt")) != 0 ||
	    (f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "hubd backup: cannot write %s/BACKUP.txt\n", dir);
		return 1;
	}
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
	fsutil_path(src, sizeof(src), h.conf.data, "store");
	fprintf(f,
	    "eiso hub backup (hubd backup)\n"
	    "made: %s\n"
	    "from: %s\n"
	    "schema: %llu\n"
	    "agencies: %zu\n"
	    "change_sets: %llu\n"
	    "bytes: %llu\n"
	    "keys: %s\n"
	    "\n", when, src, (unsigned long long)schema, nagencies,
	    (unsigned long long)nsets, (unsigned long long)bytes,
	    with_keys ? "copied (SECRET: keep this backup private)" : "not copied");
	rewind(heads);
	while ((c = getc(heads)) != EOF)
		putc(c, f);
	fclose(heads);
	fprintf(f,
	    "\n"
	    "Restore (see hubd(8)):\n"
	    "  systemctl stop eiso-hubd\n"
	    "  mv %s %s.old\n"
	    "  cp -r store %s && chown -R eiso:eiso %s && chmod 0700 %s\n"
	    "  systemctl start eiso-hubd\n"
	    "Each node resends from its outbox what this copy lacks.\n", src, src, src, src, src);
	if (fclose(f) != 0) {
		fprintf(stderr, "hubd backup: writing %s failed\n", path);
		return 1;
	}
	printf("backup of the hub: %zu agencies, %llu change sets, %llu bytes in %s\n",
	    nagencies, (unsigned long long)nsets, (unsigned long long)bytes, storedir);
	return 0;
keys_fail:
	fprintf(stderr, "hubd backup: copying the keys: %s\n", eiso_lasterr(rc));
	return 1;
}
