/* store.c: LMDB environment, write-with-retry on a full map, and small key/value helpers. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <protobuf-c/protobuf-c.h>

#include "err.h"
#include "fsutil.h"
#include "store.h"

#define STORE_INITIAL_MAP ((size_t)256 << 20)

struct store {
	MDB_env *env;
	MDB_dbi dbi[STORE_MAX_DBS];
	int ndb;
	int readonly;
	/*
	 * LMDB lets a process change its map size only while none of its transactions is open,
	 * and a daemon may read on one thread (the hub's web side) while it writes on another:
	 * read transactions hold this lock shared, a resize takes it exclusive.
	 */
	pthread_rwlock_t resize;
	int upgraded_from;      /* schema this open upgraded from, -1 if none */
	const struct store_hook *hooks;         /* the daemon's parts of upgrade steps */
	size_t nhooks;
};

/* Read transactions this thread has open: a resize from inside one must not wait for itself. */
static _Thread_local int store_reading;
static _Thread_local store_t *store_locked;     /* whose lock this thread's readers hold */

int
store_rc(int mdb_rc)
{
	switch (mdb_rc) {
	case 0:
		return 0;
	case MDB_NOTFOUND:
		return EISO_NOTFOUND;
	case MDB_MAP_FULL:
		return MDB_MAP_FULL;
	default:
		return eiso_seterr(EISO_STORE, "lmdb: %s", mdb_strerror(mdb_rc));
	}
}

int64_t
store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Upgrade steps, oldest first. The step with from == N takes a store from schema N to N + 1,
 * inside the one write transaction that also records the new version, so an upgrade is
 * whole or not at all. A step must work on either daemon's store: one that concerns one
 * daemon's tables looks for them (mdb_dbi_open without MDB_CREATE) and skips the store that
 * has none. To change the layout: raise STORE_SCHEMA and add the step from the old value.
 */
struct store_step {
	uint64_t from;
	const char *what;
	int (*fn)(store_t *st, MDB_txn *txn);
};

/* Stores made before the version was recorded hold schema 1's layout: nothing to move. */
static int
store_up_0(store_t *st, MDB_txn *txn)
{
	(void)st;
	(void)txn;
	return 0;
}

/*
 * Schema 2 adds the hub's reviews table and its in-force counters; the hub fills them from
 * its documents through its hook (hubd/core/hub.c). The node's store has nothing to move.
 */
static int
store_up_1(store_t *st, MDB_txn *txn)
{
	(void)st;
	(void)txn;
	return 0;
}

/*
 * Schema 3 adds the node's users table (the workspace's accounts), which the write open
 * creates empty; the hub's store has nothing to move.
 */
static int
store_up_2(store_t *st, MDB_txn *txn)
{
	(void)st;
	(void)txn;
	return 0;
}

static const struct store_step store_steps[] = {
	{ 0, "record the layout version", store_up_0 },
	{ 1, "the hub's reviews index and in-force counters", store_up_1 },
	{ 2, "the node's users table", store_up_2 },
};

static int
store_older(uint64_t v)
{
	return eiso_seterr(EISO_VERSION, "store schema %llu is older than this program's (%d): "
	    "start the daemon (or run any writing command) once to upgrade it in place",
	    (unsigned long long)v, STORE_SCHEMA);
}

static int
store_newer(uint64_t v)
{
	return eiso_seterr(EISO_VERSION, "store schema %llu is newer than this program's (%d): "
	    "use a newer binary", (unsigned long long)v, STORE_SCHEMA);
}

/*
 * The store's schema: the "schema" value of the meta table (dbi[0]). Without one, a store
 * whose tables dbi[0..ndb-1] are all empty is new (*fresh set); one holding anything was made
 * before versions were kept: schema 0.
 */
static int
store_schema_of(MDB_txn *txn, const MDB_dbi *dbi, int ndb, uint64_t *v, int *fresh)
{
	int rc = store_get_u64(txn, dbi[0], "schema", v);

	*fresh = 0;
	if (rc == EISO_NOTFOUND) {
		*v = 0;
		*fresh = 1;
		for (int i = 0; i < ndb && *fresh; i++)
			*fresh = store_count(txn, dbi[i]) == 0;
		return 0;
	}
	return rc;
}

/* Run the steps from v up to STORE_SCHEMA in txn and record the version. */
static int
store_upgrade(store_t *st, MDB_txn *txn, uint64_t v)
{
	int rc;

	while (v < STORE_SCHEMA) {
		const struct store_step *step = NULL;

		for (size_t i = 0; i < sizeof(store_steps) / sizeof(store_steps[0]); i++)
			if (store_steps[i].from == v)
				step = &store_steps[i];
		if (step == NULL)
			return eiso_seterr(EISO_VERSION, "no upgrade from store schema %llu",
			    (unsigned long long)v);
		if ((rc = step->fn(st, txn)) != 0)
			return rc;
		for (size_t i = 0; i < st->nhooks; i++)
			if (st->hooks[i].from == v && (rc = st->hooks[i].fn(st, txn)) != 0)
				return rc;
		v++;
	}
	return store_put_u64(txn, st->dbi[0], "schema", v);
}

static int store_grow(store_t *st);

static int
store_check_schema(store_t *st)
{
	MDB_txn *txn;
	uint64_t v;
	int rc, fresh;

	if (st->readonly) {
		if ((rc = store_read_begin(st, &txn)) != 0)
			return rc;
		rc = store_schema_of(txn, st->dbi, st->ndb, &v, &fresh);
		store_read_end(&txn);
		if (rc != 0)
			return rc;
		if (fresh)
			return eiso_seterr(EISO_STORE, "store has no schema version (not initialised)");
		if (v < STORE_SCHEMA)
			return store_older(v);
		return v > STORE_SCHEMA ? store_newer(v) : 0;
	}
	if ((rc = store_rc(mdb_txn_begin(st->env, NULL, 0, &txn))) != 0)
		return rc;
	if ((rc = store_schema_of(txn, st->dbi, st->ndb, &v, &fresh)) != 0)
		goto fail;
	if (v > STORE_SCHEMA) {
		rc = store_newer(v);
		goto fail;
	}
	if (fresh)
		rc = store_put_u64(txn, st->dbi[0], "schema", STORE_SCHEMA);
	else if (v < STORE_SCHEMA)
		rc = store_upgrade(st, txn, v);
	if (rc != 0)
		goto fail;
	/* The commit may be what outgrows the map (it frees the txn either way). */
	if ((rc = mdb_txn_commit(txn)) == MDB_MAP_FULL)
		return (rc = store_grow(st)) != 0 ? rc : store_check_schema(st);
	if (rc != 0)
		return store_rc(rc);
	if (!fresh && v < STORE_SCHEMA)
		st->upgraded_from = (int)v;
	return 0;
fail:
	mdb_txn_abort(txn);
	/* An upgrade that fills a table may outgrow the map: grow it and upgrade again. */
	if (rc == MDB_MAP_FULL && (rc = store_grow(st)) == 0)
		return store_check_schema(st);
	return rc;
}

/*
 * A read-only open found no table name: an older layout (which a write open upgrades), a
 * newer one, or a table added without a schema step (a write open creates it).
 */
static int
store_explain_missing(store_t *st, const char *dir, const char *name)
{
	MDB_txn *txn;
	MDB_dbi meta;
	uint64_t v;
	int rc, fresh;

	if (mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn) != 0)
		return eiso_seterr(EISO_STORE, "%s: no table %s", dir, name);
	rc = mdb_dbi_open(txn, "meta", 0, &meta) == 0 ?
	    store_schema_of(txn, &meta, 1, &v, &fresh) : EISO_NOTFOUND;
	mdb_txn_abort(txn);
	if (rc == 0 && v < STORE_SCHEMA)
		return store_older(v);
	if (rc == 0 && v > STORE_SCHEMA)
		return store_newer(v);
	return eiso_seterr(EISO_STORE, "%s: no table %s: the store was made by an older build; "
	    "start the daemon (or run any writing command) once to add it", dir, name);
}

int
store_upgraded_from(const store_t *st)
{
	return st->upgraded_from;
}

int
store_open(const char *dir, const char *const *dbnames, int ndb, int readonly, store_t **out)
{
	return store_open_hooks(dir, dbnames, ndb, readonly, NULL, 0, out);
}

int
store_open_hooks(const char *dir, const char *const *dbnames, int ndb, int readonly,
    const struct store_hook *hooks, size_t nhooks, store_t **out)
{
	store_t *st;
	MDB_txn *txn;
	int rc;

	*out = NULL;
	if (ndb < 1 || ndb > STORE_MAX_DBS || strcmp(dbnames[0], "meta") != 0)
		return EISO_INVAL;
	if (!readonly && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return eiso_seterr(EISO_STORE, "%s: %s", dir, strerror(errno));
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return EISO_NOMEM;
	{
		pthread_rwlockattr_t a;
		pthread_rwlockattr_init(&a);
		/* Back-to-back readers must not starve a writer that waits to grow the map. */
		pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&st->resize, &a);
		pthread_rwlockattr_destroy(&a);
	}
	st->ndb = ndb;
	st->readonly = readonly;
	st->upgraded_from = -1;
	st->hooks = hooks;
	st->nhooks = nhooks;
	if ((rc = mdb_env_create(&st->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(st->env, STORE_MAX_DBS)) != 0 ||
	    (rc = mdb_env_set_maxreaders(st->env, 512)) != 0 ||
	    (rc = mdb_env_set_mapsize(st->env, STORE_INITIAL_MAP)) != 0 ||
	    (rc = mdb_env_open(st->env, dir, readonly ? MDB_RDONLY : 0, 0600)) != 0) {
		rc = eiso_seterr(EISO_STORE, "%s: %s", dir, mdb_strerror(rc));
		goto fail;
	}
	/* A map grown by another process needs this to be seen here. */
	mdb_env_set_mapsize(st->env, 0);
	if ((rc = mdb_txn_begin(st->env, NULL, readonly ? MDB_RDONLY : 0, &txn)) != 0) {
		rc = eiso_seterr(EISO_STORE, "%s: %s", dir, mdb_strerror(rc));
		goto fail;
	}
	for (int i = 0; i < ndb; i++) {
		if ((rc = mdb_dbi_open(txn, dbnames[i], readonly ? 0 : MDB_CREATE,
		    &st->dbi[i])) != 0) {
			mdb_txn_abort(txn);
			if (readonly && rc == MDB_NOTFOUND && i > 0)
				rc = store_explain_missing(st, dir, dbnames[i]);
			else
				rc = eiso_seterr(EISO_STORE, "%s: table %s: %s", dir, dbnames[i],
				    mdb_strerror(rc));
			goto fail;
		}
	}
	if ((rc = mdb_txn_commit(txn)) != 0) {
		rc = eiso_seterr(EISO_STORE, "%s: %s", dir, mdb_strerror(rc));
		goto fail;
	}
	if ((rc = store_check_schema(st)) != 0)
		goto fail;
	*out = st;
	return 0;
fail:
	store_close(&st);
	return rc;
}

int
store_backup(store_t *st, const char *dir, uint64_t *bytes)
{
	char path[PATH_MAX];
	struct stat sb;
	int fd, dfd, rc;

	*bytes = 0;
	if ((rc = fsutil_mkdir(dir, 0700)) != 0 ||
	    (rc = fsutil_path(path, sizeof(path), dir, "data.mdb")) != 0)
		return rc;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		if (errno == EEXIST)
			return eiso_seterr(EISO_EXISTS, "%s exists: a backup is never written over "
			    "another", path);
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	}
	if ((rc = mdb_env_copyfd2(st->env, fd, MDB_CP_COMPACT)) != 0) {
		rc = eiso_seterr(EISO_IO, "copying the store to %s: %s", path, mdb_strerror(rc));
		goto fail;
	}
	if (fsync(fd) != 0 || fstat(fd, &sb) != 0) {
		rc = eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	/* The new name on disk too, so the copy survives a crash right after. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	*bytes = (uint64_t)sb.st_size;
	return 0;
fail:
	if (fd != -1)
		close(fd);
	unlink(path);
	return rc;
}

void
store_close(store_t **st)
{
	if (*st == NULL)
		return;
	if ((*st)->env != NULL)
		mdb_env_close((*st)->env);
	pthread_rwlock_destroy(&(*st)->resize);
	free(*st);
	*st = NULL;
}

MDB_dbi
store_dbi(const store_t *st, int i)
{
	return st->dbi[i];
}

MDB_env *
store_env(const store_t *st)
{
	return st->env;
}

/*
 * Set the map size (0: adopt the size another process grew it to) with no reader of this
 * process inside a transaction. A thread that itself reads cannot wait for itself: it goes
 * ahead as it always did.
 */
static int
store_set_mapsize(store_t *st, size_t size)
{
	int rc, locked = store_reading == 0 && pthread_rwlock_wrlock(&st->resize) == 0;

	rc = mdb_env_set_mapsize(st->env, size);
	if (locked)
		pthread_rwlock_unlock(&st->resize);
	return rc;
}

/* Double the map; only valid while this process has no transaction open. */
static int
store_grow(store_t *st)
{
	MDB_envinfo info;
	int rc;

	mdb_env_info(st->env, &info);
	if ((rc = store_set_mapsize(st, info.me_mapsize * 2)) != 0)
		return eiso_seterr(EISO_STORE, "growing the map: %s", mdb_strerror(rc));
	return 0;
}

static int
store_txn_begin(store_t *st, unsigned flags, MDB_txn **txn)
{
	int rc = mdb_txn_begin(st->env, NULL, flags, txn);

	if (rc == MDB_MAP_RESIZED) {
		store_set_mapsize(st, 0);
		rc = mdb_txn_begin(st->env, NULL, flags, txn);
	}
	return rc == 0 ? 0 : eiso_seterr(EISO_STORE, "lmdb: %s", mdb_strerror(rc));
}

int
store_write(store_t *st, store_write_fn fn, void *arg)
{
	MDB_txn *txn;
	int rc;

	for (;;) {
		if ((rc = store_txn_begin(st, 0, &txn)) != 0)
			return rc;
		rc = fn(txn, arg);
		if (rc == 0) {
			rc = mdb_txn_commit(txn);
			if (rc == 0)
				return 0;
			if (rc != MDB_MAP_FULL)
				return eiso_seterr(EISO_STORE, "commit: %s", mdb_strerror(rc));
		} else {
			mdb_txn_abort(txn);
			if (rc != MDB_MAP_FULL)
				return rc;
		}
		if ((rc = store_grow(st)) != 0)
			return rc;
	}
}

int
store_read_begin(store_t *st, MDB_txn **txn)
{
	int rc, lock = store_reading == 0;

	*txn = NULL;
	if (lock)
		pthread_rwlock_rdlock(&st->resize);
	if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, txn)) == MDB_MAP_RESIZED) {
		/* Grown by another process: adopt the new size with no reader inside. */
		if (lock)
			pthread_rwlock_unlock(&st->resize);
		store_set_mapsize(st, 0);
		if (lock)
			pthread_rwlock_rdlock(&st->resize);
		rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, txn);
	}
	if (rc != 0) {
		if (lock)
			pthread_rwlock_unlock(&st->resize);
		*txn = NULL;
		return eiso_seterr(EISO_STORE, "lmdb: %s", mdb_strerror(rc));
	}
	if (lock)
		store_locked = st;
	store_reading++;
	return 0;
}

void
store_read_end(MDB_txn **txn)
{
	if (*txn == NULL)
		return;
	mdb_txn_abort(*txn);
	*txn = NULL;
	if (store_reading > 0 && --store_reading == 0 && store_locked != NULL) {
		pthread_rwlock_unlock(&store_locked->resize);
		store_locked = NULL;
	}
}

int
store_get_str(MDB_txn *txn, MDB_dbi dbi, const char *key, MDB_val *val)
{
	MDB_val k = { strlen(key), (void *)key };

	return store_rc(mdb_get(txn, dbi, &k, val));
}

int
store_put_str(MDB_txn *txn, MDB_dbi dbi, const char *key, const void *data, size_t len)
{
	MDB_val k = { strlen(key), (void *)key }, v = { len, (void *)data };

	return store_rc(mdb_put(txn, dbi, &k, &v, 0));
}

int
store_get_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *v)
{
	MDB_val val;
	int rc;

	if ((rc = store_get_str(txn, dbi, key, &val)) != 0)
		return rc;
	if (val.mv_size != 8)
		return eiso_seterr(EISO_STORE, "meta %s: bad value size %zu", key, val.mv_size);
	*v = store_get_be64(val.mv_data);
	return 0;
}

int
store_put_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t v)
{
	uint8_t buf[8];

	store_be64(buf, v);
	return store_put_str(txn, dbi, key, buf, sizeof(buf));
}

int
store_put_pb(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
    const struct ProtobufCMessage *m, unsigned flags)
{
	MDB_val k = { klen, (void *)key }, v = { protobuf_c_message_get_packed_size(m), NULL };
	int rc;

	if ((rc = store_rc(mdb_put(txn, dbi, &k, &v, flags | MDB_RESERVE))) != 0)
		return rc;
	protobuf_c_message_pack(m, v.mv_data);
	return 0;
}

size_t
store_count(MDB_txn *txn, MDB_dbi dbi)
{
	MDB_stat s;

	if (mdb_stat(txn, dbi, &s) != 0)
		return 0;
	return s.ms_entries;
}
