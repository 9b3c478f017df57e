/* blob.c: SHA-256-addressed blobs stored as chunks in LMDB, appended, verified, streamed. */
#include <errno.h>
#include <fcntl.h>
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

static void
blob_key(uint8_t key[BLOB_KEY_LEN], const uint8_t sha[KEYS_HASH], uint64_t offset)
{
	memcpy(key, sha, KEYS_HASH);
	store_be64(key + KEYS_HASH, offset);
}

int
blob_meta(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    struct blob_meta *m)
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
	eiso__blob_meta__free_unpacked(bm, NULL);
	return 0;
}

static int
blob_put_meta(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    const struct blob_meta *m)
{
	Eiso__BlobMeta bm = EISO__BLOB_META__INIT;
	uint8_t buf[64];
	MDB_val k = { KEYS_HASH, (void *)sha }, v;

	bm.size = m->size;
	bm.have = m->have;
	bm.complete = m->complete;
	v.mv_size = eiso__blob_meta__pack(&bm, buf);
	v.mv_data = buf;
	return store_rc(mdb_put(txn, t->meta, &k, &v, 0));
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

int
blob_append(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    uint64_t size, uint64_t offset, const void *data, size_t len, int *done)
{
	struct blob_meta m;
	uint8_t key[BLOB_KEY_LEN];
	MDB_val k = { sizeof(key), key }, v = { len, (void *)data };
	int rc;

	*done = 0;
	rc = blob_meta(txn, t, sha, &m);
	if (rc == EISO_NOTFOUND) {
		m.size = size;
		m.have = 0;
		m.complete = 0;
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
	if (m.have == m.size) {
		if ((rc = blob_verify(txn, t, sha, m.size)) != 0) {
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
	return blob_put_meta(txn, t, sha, &m);
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
blob_import(store_t *st, const struct blob_tables *t, const char *path, size_t chunk,
    uint8_t sha[KEYS_HASH], uint64_t *size)
{
	struct blob_import_step s;
	int rc;

	memset(&s, 0, sizeof(s));
	if (chunk == 0 || chunk > BLOB_CHUNK_MAX)
		chunk = BLOB_CHUNK_DEFAULT;
	if ((s.fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	if ((s.buf = malloc(chunk)) == NULL) {
		rc = EISO_NOMEM;
		goto fail;
	}
	if ((rc = sha256_fd(s.fd, path, sha, size)) != 0)
		goto fail;
	s.t = t;
	s.path = path;
	s.sha = sha;
	s.size = *size;
	s.chunk = chunk;
	do {
		if ((rc = store_write(st, blob_import_txn, &s)) != 0)
			goto fail;
	} while (!s.done);
fail:
	free(s.buf);
	close(s.fd);
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
