/*
 * store.h: the LMDB environment behind each daemon.
 *
 * One environment per daemon with named sub-databases. Keys that hold numbers are big-endian
 * so cursor order is numeric order. A write runs as a callback inside store_write(), which
 * grows the map and runs the callback again when LMDB says the map is full: callbacks must
 * therefore start from scratch on every call (no side effects outside the transaction).
 */
#ifndef EISO_STORE_H
#define EISO_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#define STORE_MAX_DBS 24
#define STORE_SCHEMA 3           /* layout version kept under "schema" in the meta db:
                                    raise it with an upgrade step in store.c */

typedef struct store store_t;

/*
 * A daemon's own part of the upgrade step from schema `from`: fn fills what that step added
 * to the daemon's tables (all open: store_dbi works), in the upgrade's one transaction, right
 * after store.c's own step. 0 or a negative EISO_* / LMDB code, which aborts the upgrade.
 */
struct store_hook {
	uint64_t from;
	int (*fn)(store_t *st, MDB_txn *txn);
};

/*
 * Open (creating if needed) the environment in directory dir with the named sub-databases
 * dbnames[0..ndb-1]; dbnames[0] must be "meta". readonly opens without creating anything.
 *
 * The layout version is kept under "schema" in meta. A write open stamps a new store with
 * STORE_SCHEMA and upgrades an older one in place, in one transaction, through the steps in
 * store.c (store_upgraded_from says it did); a read-only open refuses an older store
 * (EISO_VERSION, detail: open it for writing once). Both refuse a newer store.
 * Returns 0, EISO_STORE (detail names the directory and LMDB's reason), EISO_VERSION (the
 * store was made by a newer layout, or an older one opened read-only), EISO_NOMEM.
 */
int store_open(const char *dir, const char *const *dbnames, int ndb, int readonly,
    store_t **out);
/* store_open, with the daemon's parts of upgrade steps (hooks[0..nhooks-1], kept by pointer). */
int store_open_hooks(const char *dir, const char *const *dbnames, int ndb, int readonly,
    const struct store_hook *hooks, size_t nhooks, store_t **out);

/*
 * Hot backup: write a consistent, compacted copy of the environment (mdb_env_copyfd2 with
 * MDB_CP_COMPACT: one read transaction, free pages left out) to dir/data.mdb, creating dir
 * (mode 0700) if needed; the file is mode 0600 and on disk (fsync) when this returns. Writers,
 * in this process or others, go on meanwhile; st may be opened read-only. *bytes gets the
 * copy's size. Returns 0, EISO_EXISTS (dir already holds a data.mdb: never overwritten),
 * EISO_IO (detail names the file; a partial copy is removed), EISO_TOOBIG (path).
 */
int store_backup(store_t *st, const char *dir, uint64_t *bytes);

/* The schema version store_open upgraded this store from, or -1 when it did not upgrade. */
int store_upgraded_from(const store_t *st);

/* Close and free; sets *st to NULL. No transaction may be open. */
void store_close(store_t **st);

/* The handle of sub-database i (index into the dbnames given to store_open). */
MDB_dbi store_dbi(const store_t *st, int i);
MDB_env *store_env(const store_t *st);

/*
 * Run fn(txn, arg) in a write transaction and commit it durably. fn returns 0 to commit or a
 * negative EISO_* / LMDB code to abort; MDB_MAP_FULL from fn grows the map and retries.
 * Returns fn's error, or EISO_STORE when the commit fails.
 */
typedef int (*store_write_fn)(MDB_txn *txn, void *arg);
int store_write(store_t *st, store_write_fn fn, void *arg);

/* Begin/end a read-only transaction (handles a map grown by another process). */
int store_read_begin(store_t *st, MDB_txn **txn);
void store_read_end(MDB_txn **txn);

/* Map an LMDB return code: 0 -> 0, MDB_NOTFOUND -> EISO_NOTFOUND, MDB_MAP_FULL kept, else EISO_STORE. */
int store_rc(int mdb_rc);

/* u64 values under string keys (meta tables). get returns 0 or EISO_NOTFOUND. */
int store_get_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *v);
int store_put_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t v);
/* Raw values under string keys; get points *val into the map (valid until the txn ends). */
int store_get_str(MDB_txn *txn, MDB_dbi dbi, const char *key, MDB_val *val);
int store_put_str(MDB_txn *txn, MDB_dbi dbi, const char *key, const void *data, size_t len);

/*
 * Store the protobuf-c message m under key (klen bytes) of dbi, packed straight into space
 * reserved in the map (MDB_RESERVE): no heap copy of the packed message. flags: 0 (replace
 * any value) or MDB_NOOVERWRITE. Returns 0, MDB_MAP_FULL (inside store_write: the map grows
 * and the callback runs again), or EISO_STORE (detail: LMDB's reason; also a key that
 * exists under MDB_NOOVERWRITE, whose value is then unchanged).
 */
struct ProtobufCMessage;
int store_put_pb(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
    const struct ProtobufCMessage *m, unsigned flags);

/* Number of entries in a sub-database. */
size_t store_count(MDB_txn *txn, MDB_dbi dbi);

static inline void
store_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static inline uint64_t
store_get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Current time in unix milliseconds. */
int64_t store_now_ms(void);

#endif
