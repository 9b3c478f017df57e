/*
 * blob.c: SHA-256-addressed blobs stored as chunks in LMDB, appended, verified, streamed.
 *
 * A blob's hash is computed as it is appended (a running SHA-256 per blob, kept in this
 * process's memory), so that the last chunk is verified without reading the blob back. The
 * memory holds no authority: every append writes a fresh tag into the blob's meta, in the same
 * transaction, and a running hash is used only while the meta still carries its tag and its
 * length. An aborted transaction, another process's append, a discard or a restart all leave
 * a tag the memory does not know, and then the last chunk streams the stored chunks through
 * SHA-256 as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "blob.h"
#include "eiso.pb-c.h"
#include "err.h"
#include "sha256.h"

#define BLOB_KEY_LEN (KEYS_HASH + 8)
#define BLOB_TXN_BYTES ((uint64_t)32 << 20)   /* bytes per import transaction */
#define BLOB_RUNNING 64                        /* blobs hashed while appended, at most */

/* A running hash: the SHA-256 of a blob's first `have` bytes as they were appended. */
struct blob_running {
	uint8_t sha[KEYS_HASH];
	uint64_t have;
	uint64_t tag;            /* BlobMeta.tag written by the append that hashed up to have */
	uint64_t used;           /* for evicting the least recently used */
	struct sha256 h;         /* h.ctx == NULL: slot free */
};

static struct blob_running blob_run[BLOB_RUNNING];
static pthread_mutex_t blob_run_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t blob_run_clock, blob_tag_last, blob_readback_count;

static void
blob_key(uint8_t key[BLOB_KEY_LEN], const uint8_t sha[KEYS_HASH], uint64_t offset)
{
	memcpy(key, sha, KEYS_HASH);
	store_be64(key + KEYS_HASH, offset);
}

/* The meta record and the tag of the running hash that covers it (0: none). */
static int
blob_meta_tag(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    struct blob_meta *m, uint64_t *tag)
{
	MDB_val k = { KEYS_HASH, (void *)sha }, v;
	Eiso__BlobMeta *bm;
	int rc;

	if ((rc = store_rc(mdb_get(txn, t->meta, &k, &v))) != 0)
		return rc;
	if ((bm = eiso__blob_meta__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "corrupt blob meta record");
	m->size = bm->size;
	m->have = bm->have;
	m->complete = bm->complete;
	*tag = bm->tag;
	eiso__blob_meta__free_unpacked(bm, NULL);
	return 0;
}

int
blob_meta(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    struct blob_meta *m)
{
	uint64_t tag;

	return blob_meta_tag(txn, t, sha, m, &tag);
}

static int
blob_put_meta_tag(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    const struct blob_meta *m, uint64_t tag)
{
	Eiso__BlobMeta bm = EISO__BLOB_META__INIT;
	uint8_t buf[64];
	MDB_val k = { KEYS_HASH, (void *)sha }, v;

	bm.size = m->size;
	bm.have = m->have;
	bm.complete = m->complete;
	bm.tag = tag;
	v.mv_size = eiso__blob_meta__pack(&bm, buf);
	v.mv_data = buf;
	return store_rc(mdb_put(txn, t->meta, &k, &v, 0));
}

static int
blob_put_meta(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    const struct blob_meta *m)
{
	return blob_put_meta_tag(txn, t, sha, m, 0);
}

/* The running hash of sha, or NULL. Called with blob_run_lock held. */
static struct blob_running *
blob_run_find(const uint8_t sha[KEYS_HASH])
{
	for (int i = 0; i < BLOB_RUNNING; i++)
		if (blob_run[i].h.ctx != NULL && memcmp(blob_run[i].sha, sha, KEYS_HASH) == 0)
			return &blob_run[i];
	return NULL;
}

static void
blob_run_drop(struct blob_running *r)
{
	if (r != NULL)
		sha256_free(&r->h);
}

/*
 * A fresh running hash for sha at offset 0: a free slot, else the least recently used one
 * (that blob is then verified by reading it back). NULL without memory. Lock held.
 */
static struct blob_running *
blob_run_start(const uint8_t sha[KEYS_HASH])
{
	struct blob_running *r = blob_run_find(sha), *old = &blob_run[0];

	if (r == NULL) {
		for (int i = 0; i < BLOB_RUNNING && r == NULL; i++) {
			if (blob_run[i].h.ctx == NULL)
				r = &blob_run[i];
			else if (blob_run[i].used < old->used)
				old = &blob_run[i];
		}
		if (r == NULL)
			r = old;
	}
	blob_run_drop(r);
	if (sha256_init(&r->h) != 0) {
		eiso_clearerr();   /* no running hash: the last chunk reads the blob back */
		return NULL;
	}
	memcpy(r->sha, sha, KEYS_HASH);
	r->have = 0;
	r->tag = 0;
	return r;
}

/* A tag no append of this process has written yet, and never 0 (which means none). */
static uint64_t
blob_tag_new(void)
{
	if (blob_tag_last == 0)
		randombytes_buf(&blob_tag_last, sizeof(blob_tag_last));
	if (++blob_tag_last == 0)
		++blob_tag_last;
	return blob_tag_last;
}

uint64_t
blob_readbacks(void)
{
	uint64_t n;

	pthread_mutex_lock(&blob_run_lock);
	n = blob_readback_count;
	pthread_mutex_unlock(&blob_run_lock);
	return n;
}

void
blob_running_forget(void)
{
	pthread_mutex_lock(&blob_run_lock);
	for (int i = 0; i < BLOB_RUNNING; i++)
		blob_run_drop(&blob_run[i]);
	pthread_mutex_unlock(&blob_run_lock);
}

int
blob_want(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH], uint64_t size)
{
	struct blob_meta m = { size, 0, 0 };
	int rc = blob_meta(txn, t, sha, &m);

	if (rc == EISO_NOTFOUND) {
		m.size = size;
		m.have = 0;
		m.complete = 0;
		return blob_put_meta(txn, t, sha, &m);
	}
	return rc;
}

/* Delete every chunk of a blob (after a hash mismatch). */
static int
blob_drop_chunks(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH])
{
	uint8_t key[BLOB_KEY_LEN];
	MDB_cursor *c;
	MDB_val k = { sizeof(key), key }, v;
	int rc;

	blob_key(key, sha, 0);
	if ((rc = mdb_cursor_open(txn, t->chunks, &c)) != 0)
		return store_rc(rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && k.mv_size == BLOB_KEY_LEN && memcmp(k.mv_data, sha, KEYS_HASH) == 0) {
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_GET_CURRENT);
		if (rc == EINVAL || rc == MDB_NOTFOUND)
			rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

/* Stream the held chunks through SHA-256 and compare with the address. */
static int
blob_verify(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    uint64_t size)
{
	struct sha256 hs;
	uint8_t key[BLOB_KEY_LEN], got[KEYS_HASH];
	MDB_cursor *c;
	MDB_val k = { sizeof(key), key }, v;
	uint64_t total = 0;
	int rc;

	blob_key(key, sha, 0);
	if ((rc = mdb_cursor_open(txn, t->chunks, &c)) != 0)
		return store_rc(rc);
	if ((rc = sha256_init(&hs)) != 0) {
		mdb_cursor_close(c);
		return rc;
	}
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != BLOB_KEY_LEN || memcmp(k.mv_data, sha, KEYS_HASH) != 0)
			break;
		sha256_update(&hs, v.mv_data, v.mv_size);
		total += v.mv_size;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		sha256_free(&hs);
		return store_rc(rc);
	}
	sha256_final(&hs, got);
	if (total != size || sodium_memcmp(got, sha, KEYS_HASH) != 0)
		return EISO_HASH;
	return 0;
}

/*
 * Hash data into sha's running hash, if the stored prefix is the one it hashed (tag and
 * length); start one at offset 0. Returns the tag to store with the append: 0 when no running
 * hash covers the blob any more. Sets *got when the blob is now complete and the running
 * hash's result is in got. Lock held.
 */
static uint64_t
blob_run_append(const uint8_t sha[KEYS_HASH], uint64_t tag, uint64_t offset, const void *data,
    size_t len, uint64_t size, uint8_t got[KEYS_HASH], int *final)
{
	struct blob_running *r = blob_run_find(sha);

	*final = 0;
	if (offset == 0)
		r = blob_run_start(sha);
	else if (r != NULL && (tag == 0 || r->tag != tag || r->have != offset)) {
		blob_run_drop(r);   /* it hashed something else than what is stored */
		r = NULL;
	}
	if (r == NULL)
		return 0;
	sha256_update(&r->h, data, len);
	r->have += len;
	r->used = ++blob_run_clock;
	if (r->have == size) {
		sha256_final(&r->h, got);
		*final = 1;
		return 0;
	}
	r->tag = blob_tag_new();
	return r->tag;
}

int
blob_append(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    uint64_t size, uint64_t offset, const void *data, size_t len, int *done)
{
	struct blob_meta m;
	uint8_t key[BLOB_KEY_LEN], got[KEYS_HASH];
	MDB_val k = { sizeof(key), key }, v = { len, (void *)data };
	uint64_t tag = 0;
	int rc, hashed;

	*done = 0;
	rc = blob_meta_tag(txn, t, sha, &m, &tag);
	if (rc == EISO_NOTFOUND) {
		m.size = size;
		m.have = 0;
		m.complete = 0;
		tag = 0;
	} else if (rc != 0) {
		return rc;
	}
	if (m.complete) {
		*done = 1;
		return 0;
	}
	if (m.size != size)
		return eiso_seterr(EISO_INVAL, "blob size %llu differs from declared %llu",
		    (unsigned long long)size, (unsigned long long)m.size);
	if (offset != m.have)
		return eiso_seterr(EISO_INVAL, "blob chunk at offset %llu, expected %llu",
		    (unsigned long long)offset, (unsigned long long)m.have);
	if (len == 0 && offset != size)
		return eiso_seterr(EISO_INVAL, "empty blob chunk");
	if (len > size - offset)
		return eiso_seterr(EISO_INVAL, "blob chunk runs past the declared size %llu",
		    (unsigned long long)size);
	if (len > 0) {
		blob_key(key, sha, offset);
		if ((rc = store_rc(mdb_put(txn, t->chunks, &k, &v, 0))) != 0)
			return rc;
	}
	m.have += len;
	pthread_mutex_lock(&blob_run_lock);
	tag = blob_run_append(sha, tag, offset, data, len, m.size, got, &hashed);
	pthread_mutex_unlock(&blob_run_lock);
	if (m.have == m.size) {
		if (hashed)   /* the running hash covers every stored byte: no reading back */
			rc = sodium_memcmp(got, sha, KEYS_HASH) == 0 ? 0 : EISO_HASH;
		else {
			rc = blob_verify(txn, t, sha, m.size);
			pthread_mutex_lock(&blob_run_lock);
			blob_readback_count++;
			pthread_mutex_unlock(&blob_run_lock);
		}
		if (rc != 0) {
			if (rc != EISO_HASH)
				return rc;
			m.have = 0;
			if ((rc = blob_drop_chunks(txn, t, sha)) != 0 ||
			    (rc = blob_put_meta(txn, t, sha, &m)) != 0)
				return rc;
			return eiso_seterr(EISO_HASH, "blob content does not match its SHA-256");
		}
		m.complete = 1;
		*done = 1;
	}
	return blob_put_meta_tag(txn, t, sha, &m, tag);
}

int
blob_read(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    uint64_t offset, void *buf, size_t len, size_t *got)
{
	uint8_t key[BLOB_KEY_LEN];
	MDB_cursor *c;
	MDB_val k = { sizeof(key), key }, v;
	uint64_t at;
	int rc;

	*got = 0;
	blob_key(key, sha, offset);
	if ((rc = mdb_cursor_open(txn, t->chunks, &c)) != 0)
		return store_rc(rc);
	/* Find the chunk holding offset: the last key <= (sha, offset). */
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && memcmp(k.mv_data, key, BLOB_KEY_LEN) != 0)
		rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	while (rc == 0 && *got < len) {
		if (k.mv_size != BLOB_KEY_LEN || memcmp(k.mv_data, sha, KEYS_HASH) != 0)
			break;
		at = store_get_be64((uint8_t *)k.mv_data + KEYS_HASH);
		if (at + v.mv_size > offset + *got) {
			uint64_t skip = offset + *got - at;
			size_t n = v.mv_size - skip;

			if (at > offset + *got)
				break;   /* hole: nothing contiguous beyond here */
			if (n > len - *got)
				n = len - *got;
			memcpy((uint8_t *)buf + *got, (uint8_t *)v.mv_data + skip, n);
			*got += n;
		}
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_rc(rc);
	return 0;
}

int
blob_write_fd(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH], int fd)
{
	struct blob_meta m;
	uint8_t key[BLOB_KEY_LEN];
	MDB_cursor *c;
	MDB_val k = { sizeof(key), key }, v;
	int rc;

	if ((rc = blob_meta(txn, t, sha, &m)) != 0)
		return rc;
	if (!m.complete)
		return eiso_seterr(EISO_NOTFOUND, "blob is incomplete (%llu of %llu bytes)",
		    (unsigned long long)m.have, (unsigned long long)m.size);
	blob_key(key, sha, 0);
	if ((rc = mdb_cursor_open(txn, t->chunks, &c)) != 0)
		return store_rc(rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const uint8_t *p = v.mv_data;
		size_t left = v.mv_size;

		if (k.mv_size != BLOB_KEY_LEN || memcmp(k.mv_data, sha, KEYS_HASH) != 0)
			break;
		while (left > 0) {
			ssize_t n = write(fd, p, left);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				mdb_cursor_close(c);
				return eiso_seterr(EISO_IO, "write: %s", strerror(errno));
			}
			p += n;
			left -= (size_t)n;
		}
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

struct blob_import_step {
	const struct blob_tables *t;
	const char *path;
	int fd;
	const uint8_t *sha;
	uint64_t size;
	uint8_t *buf;
	size_t chunk;
	uint64_t start;      /* offset this transaction starts at */
	uint64_t end;        /* offset after it committed */
	int done;
};

/* One transaction's worth of chunks, from the blob's current end. */
static int
blob_import_txn(MDB_txn *txn, void *arg)
{
	struct blob_import_step *s = arg;
	struct blob_meta m;
	uint64_t off, limit;
	int rc;

	s->done = 0;
	if ((rc = blob_want(txn, s->t, s->sha, s->size)) != 0 ||
	    (rc = blob_meta(txn, s->t, s->sha, &m)) != 0)
		return rc;
	if (m.complete) {
		s->done = 1;
		return 0;
	}
	off = m.have;
	limit = off + BLOB_TXN_BYTES;
	do {
		size_t want = s->chunk, got = 0;
		ssize_t n;

		if (want > s->size - off)
			want = (size_t)(s->size - off);
		while (got < want) {
			n = pread(s->fd, s->buf + got, want - got, (off_t)(off + got));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return eiso_seterr(EISO_IO, "%s: %s", s->path, strerror(errno));
			if (n == 0)
				return eiso_seterr(EISO_HASH, "%s: file shrank while importing",
				    s->path);
			got += (size_t)n;
		}
		if ((rc = blob_append(txn, s->t, s->sha, s->size, off, s->buf, want,
		    &s->done)) != 0) {
			if (rc == EISO_HASH)
				eiso_seterr(EISO_HASH, "%s: file changed while importing",
				    s->path);
			return rc;
		}
		off += want;
	} while (!s->done && off < limit);
	s->end = off;
	return 0;
}

int
blob_import_fd(store_t *st, const struct blob_tables *t, int fd, const char *name,
    size_t chunk, uint8_t sha[KEYS_HASH], uint64_t *size)
{
	struct blob_import_step s;
	int rc;

	memset(&s, 0, sizeof(s));
	if (chunk == 0 || chunk > BLOB_CHUNK_MAX)
		chunk = BLOB_CHUNK_DEFAULT;
	s.fd = fd;
	if (lseek(fd, 0, SEEK_SET) != 0)
		return eiso_seterr(EISO_IO, "%s: %s", name, strerror(errno));
	if ((s.buf = malloc(chunk)) == NULL)
		return EISO_NOMEM;
	if ((rc = sha256_fd(s.fd, name, sha, size)) != 0)
		goto fail;
	s.t = t;
	s.path = name;
	s.sha = sha;
	s.size = *size;
	s.chunk = chunk;
	do {
		if ((rc = store_write(st, blob_import_txn, &s)) != 0)
			goto fail;
	} while (!s.done);
fail:
	free(s.buf);
	return rc;
}

int
blob_import(store_t *st, const struct blob_tables *t, const char *path, size_t chunk,
    uint8_t sha[KEYS_HASH], uint64_t *size)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	rc = blob_import_fd(st, t, fd, path, chunk, sha, size);
	close(fd);
	return rc;
}

struct blob_remove_arg {
	const struct blob_tables *t;
	const uint8_t *sha;
};

int
blob_discard(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH])
{
	MDB_val k = { KEYS_HASH, (void *)sha };
	int rc;

	if ((rc = blob_drop_chunks(txn, t, sha)) != 0)
		return rc;
	pthread_mutex_lock(&blob_run_lock);
	blob_run_drop(blob_run_find(sha));
	pthread_mutex_unlock(&blob_run_lock);
	rc = mdb_del(txn, t->meta, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

static int
blob_remove_txn(MDB_txn *txn, void *arg)
{
	struct blob_remove_arg *a = arg;

	return blob_discard(txn, a->t, a->sha);
}

int
blob_remove(store_t *st, const struct blob_tables *t, const uint8_t sha[KEYS_HASH])
{
	struct blob_remove_arg a = { t, sha };

	return store_write(st, blob_remove_txn, &a);
}
