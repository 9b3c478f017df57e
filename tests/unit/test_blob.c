/*
 * test_blob.c: unit tests for common/blob.c on a real LMDB store: resumable appends, hash
 * verification that discards a bad blob (I7), reads across chunk boundaries, importing
 * files (including twice, empty, and larger than one import transaction), and the running
 * hash that verifies the last chunk without reading the blob back, with the read-back it
 * falls back to whenever the memory cannot vouch for what is stored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "blob.h"
#include "eiso.pb-c.h"
#include "err.h"
#include "sha256.h"
#include "store.h"
#include "unit.h"

static const char *const names[] = { "meta", "chunks", "blobmeta" };

struct fixture {
	char *dir;          /* temp dir: store/ and files */
	char *storedir;
	store_t *st;
	struct blob_tables t;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || keys_init() != 0 || (f->dir = unit_mkdtemp("blob")) == NULL ||
	    (f->storedir = unit_path(f->dir, "store")) == NULL ||
	    store_open(f->storedir, names, 3, 0, &f->st) != 0)
		return -1;
	f->t.chunks = store_dbi(f->st, 1);
	f->t.meta = store_dbi(f->st, 2);
	blob_running_forget();   /* each test starts as a fresh process */
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(&f->st);
	free(f->storedir);
	if (unit_rmtree(&f->dir) != 0)
		return -1;
	free(f);
	return 0;
}

/* --- helpers ----------------------------------------------------------------------------- */

struct append_op {
	const struct blob_tables *t;
	const uint8_t *sha;
	uint64_t size, offset;
	const void *data;
	size_t len;
	int done;
	int rc;           /* blob_append's answer */
};

static int
append_txn(MDB_txn *txn, void *arg)
{
	struct append_op *a = arg;

	a->rc = blob_append(txn, a->t, a->sha, a->size, a->offset, a->data, a->len, &a->done);
	/*
	 * A hash mismatch has already discarded the chunks inside this transaction: commit
	 * it, as the hub must, or the discard is rolled back with the last chunk.
	 */
	return a->rc == EISO_HASH ? 0 : a->rc;
}

static int
append(struct fixture *f, const uint8_t *sha, uint64_t size, uint64_t offset, const void *data,
    size_t len, int *done)
{
	struct append_op a = { &f->t, sha, size, offset, data, len, -1, 0 };
	int rc = store_write(f->st, append_txn, &a);

	if (rc != 0 && rc != a.rc)
		fail_msg("store_write: %s", eiso_lasterr(rc));
	*done = a.done;
	return a.rc;
}

/*
 * Append data[0..upto) of a blob of the declared size as chunks of chunk bytes, each in its
 * own transaction (upto < size leaves a partial blob, as an interrupted transfer does).
 */
static void
append_all(struct fixture *f, const uint8_t *sha, const uint8_t *data, size_t size,
    size_t upto, size_t chunk)
{
	int done = 0, rc;

	for (size_t off = 0; off < upto; off += chunk) {
		size_t n = upto - off < chunk ? upto - off : chunk;

		if ((rc = append(f, sha, size, off, data + off, n, &done)) != 0)
			fail_msg("append at %zu: %s", off, eiso_lasterr(rc));
		assert_int_equal(done, off + n == size);
	}
}

struct want_op {
	const struct blob_tables *t;
	const uint8_t *sha;
	uint64_t size;
};

static int
want_txn(MDB_txn *txn, void *arg)
{
	struct want_op *w = arg;

	return blob_want(txn, w->t, w->sha, w->size);
}

static int
meta(struct fixture *f, const uint8_t *sha, struct blob_meta *m)
{
	MDB_txn *txn;
	int rc;

	assert_int_equal(store_read_begin(f->st, &txn), 0);
	rc = blob_meta(txn, &f->t, sha, m);
	store_read_end(&txn);
	return rc;
}

static size_t
count(struct fixture *f, MDB_dbi dbi)
{
	MDB_txn *txn;
	size_t n;

	assert_int_equal(store_read_begin(f->st, &txn), 0);
	n = store_count(txn, dbi);
	store_read_end(&txn);
	return n;
}

static int
read_at(struct fixture *f, const uint8_t *sha, uint64_t off, void *buf, size_t len, size_t *got)
{
	MDB_txn *txn;
	int rc;

	assert_int_equal(store_read_begin(f->st, &txn), 0);
	rc = blob_read(txn, &f->t, sha, off, buf, len, got);
	store_read_end(&txn);
	return rc;
}

/* Append in a transaction that then aborts (a hub batch that failed to commit). */
static int
append_abort_txn(MDB_txn *txn, void *arg)
{
	struct append_op *a = arg;

	a->rc = blob_append(txn, a->t, a->sha, a->size, a->offset, a->data, a->len, &a->done);
	return a->rc != 0 ? a->rc : eiso_seterr(EISO_IO, "made to abort");
}

static void
append_aborted(struct fixture *f, const uint8_t *sha, uint64_t size, uint64_t offset,
    const void *data, size_t len)
{
	struct append_op a = { &f->t, sha, size, offset, data, len, -1, 0 };

	assert_int_equal(store_write(f->st, append_abort_txn, &a), EISO_IO);
	assert_int_equal(a.rc, 0);
}

struct poke_op {
	const struct blob_tables *t;
	const uint8_t *sha;
	uint64_t offset;
	const void *data;
	size_t len;
};

/* Overwrite a stored chunk behind blob.c's back: bytes no running hash has seen. */
static int
poke_txn(MDB_txn *txn, void *arg)
{
	struct poke_op *p = arg;
	uint8_t key[KEYS_HASH + 8];
	MDB_val k = { sizeof(key), key }, v = { p->len, (void *)p->data };

	memcpy(key, p->sha, KEYS_HASH);
	store_be64(key + KEYS_HASH, p->offset);
	return store_rc(mdb_put(txn, p->t->chunks, &k, &v, 0));
}

static void
poke(struct fixture *f, const uint8_t *sha, uint64_t offset, const void *data, size_t len)
{
	struct poke_op p = { &f->t, sha, offset, data, len };

	assert_int_equal(store_write(f->st, poke_txn, &p), 0);
}

/* Rewrite a partial blob's meta with another tag, as another process's append does. */
static int
poke_tag_txn(MDB_txn *txn, void *arg)
{
	struct poke_op *p = arg;
	Eiso__BlobMeta bm = EISO__BLOB_META__INIT;
	struct blob_meta m;
	uint8_t buf[64];
	MDB_val k = { KEYS_HASH, (void *)p->sha }, v = { 0, buf };
	int rc;

	if ((rc = blob_meta(txn, p->t, p->sha, &m)) != 0)
		return rc;
	bm.size = m.size;
	bm.have = m.have;
	bm.tag = p->offset;
	v.mv_size = eiso__blob_meta__pack(&bm, buf);
	return store_rc(mdb_put(txn, p->t->meta, &k, &v, 0));
}

static void
poke_tag(struct fixture *f, const uint8_t *sha, uint64_t tag)
{
	struct poke_op p = { &f->t, sha, tag, NULL, 0 };

	assert_int_equal(store_write(f->st, poke_tag_txn, &p), 0);
}

/* Write a held blob to a file and return the file's bytes (malloc'd). */
static unsigned char *
export(struct fixture *f, const uint8_t *sha, size_t *len, int *rcp)
{
	char *out = unit_path(f->dir, "export");
	MDB_txn *txn;
	unsigned char *buf;
	int fd, rc;

	assert_non_null(out);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(store_read_begin(f->st, &txn), 0);
	rc = blob_write_fd(txn, &f->t, sha, fd);
	store_read_end(&txn);
	assert_int_equal(close(fd), 0);
	*rcp = rc;
	buf = unit_read_file(out, len);
	assert_non_null(buf);
	unlink(out);
	free(out);
	return buf;
}

static void
expect_export(struct fixture *f, const uint8_t *sha, const uint8_t *data, size_t size)
{
	size_t len;
	int rc;
	unsigned char *got = export(f, sha, &len, &rc);

	if (rc != 0)
		fail_msg("blob_write_fd: %s", eiso_lasterr(rc));
	assert_int_equal(len, size);
	assert_memory_equal(got, data, size);
	free(got);
}

/* A file of size random bytes in the fixture dir; returns its path, data in *data. */
static char *
random_file(struct fixture *f, const char *name, size_t size, uint8_t **data)
{
	char *path = unit_path(f->dir, name);

	assert_non_null(path);
	assert_non_null(*data = unit_random(size));
	assert_int_equal(unit_write_file(path, *data, size), 0);
	return path;
}

/* --- tests ------------------------------------------------------------------------------- */

static void
test_append_in_chunks(void **state)
{
	struct fixture *f = *state;
	uint8_t sha[KEYS_HASH], *data;
	struct blob_meta m;
	struct want_op w;
	int done = -1;

	assert_non_null(data = unit_random(1000));
	sha256(data, 1000, sha);
	assert_int_equal(meta(f, sha, &m), EISO_NOTFOUND);

	/* Wanting declares the size with nothing held; wanting again changes nothing. */
	w = (struct want_op){ &f->t, sha, 1000 };
	assert_int_equal(store_write(f->st, want_txn, &w), 0);
	assert_int_equal(store_write(f->st, want_txn, &w), 0);
	assert_int_equal(meta(f, sha, &m), 0);
	assert_int_equal(m.size, 1000);
	assert_int_equal(m.have, 0);
	assert_false(m.complete);

	for (size_t off = 0; off < 1000; off += 300) {
		size_t n = off + 300 > 1000 ? 1000 - off : 300;

		assert_int_equal(append(f, sha, 1000, off, data + off, n, &done), 0);
		assert_int_equal(meta(f, sha, &m), 0);
		assert_int_equal(m.have, off + n);
		assert_int_equal(m.complete, off + n == 1000);
		assert_int_equal(done, off + n == 1000);
	}
	assert_int_equal(count(f, f->t.chunks), 4);
	expect_export(f, sha, data, 1000);

	/* A chunk for a blob already whole is a no-op that says done. */
	assert_int_equal(append(f, sha, 1000, 0, data, 300, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(count(f, f->t.chunks), 4);
	free(data);
}

static void
test_wrong_offset_refused(void **state)
{
	struct fixture *f = *state;
	uint8_t sha[KEYS_HASH], *data;
	struct blob_meta m;
	int done;

	assert_non_null(data = unit_random(1000));
	sha256(data, 1000, sha);
	assert_int_equal(append(f, sha, 1000, 0, data, 300, &done), 0);
	assert_int_equal(done, 0);

	/* Appends only at the end of what is held: no rewrite, no hole. */
	eiso_clearerr();
	assert_int_equal(append(f, sha, 1000, 0, data, 300, &done), EISO_INVAL);
	assert_non_null(strstr(eiso_lasterr(EISO_INVAL), "expected 300"));
	assert_int_equal(append(f, sha, 1000, 600, data + 600, 300, &done), EISO_INVAL);
	assert_int_equal(append(f, sha, 1000, 299, data + 299, 300, &done), EISO_INVAL);
	/* Size must match the declaration; the chunk must not run past it; no empty chunks. */
	assert_int_equal(append(f, sha, 999, 300, data + 300, 300, &done), EISO_INVAL);
	assert_int_equal(append(f, sha, 1000, 300, data + 300, 701, &done), EISO_INVAL);
	assert_int_equal(append(f, sha, 1000, 300, data + 300, 0, &done), EISO_INVAL);
	assert_int_equal(done, 0);

	assert_int_equal(meta(f, sha, &m), 0);
	assert_int_equal(m.have, 300);
	assert_false(m.complete);
	assert_int_equal(count(f, f->t.chunks), 1);

	/* The right offset still works after all that. */
	assert_int_equal(append(f, sha, 1000, 300, data + 300, 700, &done), 0);
	assert_int_equal(done, 1);
	expect_export(f, sha, data, 1000);
	free(data);
}

static void
test_mismatch_discards_everything(void **state)
{
	struct fixture *f = *state;
	uint8_t sha[KEYS_HASH], lo[KEYS_HASH], hi[KEYS_HASH], other[KEYS_HASH];
	uint8_t *good, *bad, *odata, buf[64];
	struct blob_meta m;
	size_t before, got;
	int done = -1;

	/* Data whose address has a last byte that +-1 changes without carrying. */
	assert_non_null(good = malloc(1000));
	do {
		randombytes_buf(good, 1000);
		sha256(good, 1000, sha);
	} while (sha[KEYS_HASH - 1] == 0 || sha[KEYS_HASH - 1] == 0xff);
	assert_non_null(bad = malloc(1000));
	memcpy(bad, good, 1000);
	bad[450] ^= 0x80;            /* the middle chunk is wrong */

	/*
	 * Neighbours in key order: partial blobs whose addresses are sha - 1 and sha + 1 (so
	 * their chunks sit right before and after), and one complete blob. The discard must
	 * not touch them.
	 */
	memcpy(lo, sha, KEYS_HASH);
	memcpy(hi, sha, KEYS_HASH);
	lo[KEYS_HASH - 1]--;
	hi[KEYS_HASH - 1]++;
	assert_int_equal(append(f, lo, 5000, 0, good, 64, &done), 0);
	assert_int_equal(append(f, hi, 5000, 0, good, 64, &done), 0);
	assert_int_equal(append(f, hi, 5000, 64, good, 64, &done), 0);
	assert_non_null(odata = unit_random(700));
	sha256(odata, 700, other);
	append_all(f, other, odata, 700, 700, 256);
	before = count(f, f->t.chunks);
	assert_int_equal(before, 1 + 2 + 3);

	assert_int_equal(append(f, sha, 1000, 0, bad, 400, &done), 0);
	assert_int_equal(append(f, sha, 1000, 400, bad + 400, 400, &done), 0);
	assert_int_equal(count(f, f->t.chunks), before + 2);
	assert_int_equal(append(f, sha, 1000, 800, bad + 800, 200, &done), EISO_HASH);
	assert_int_equal(done, 0);

	/* Everything discarded: the transfer restarts from 0. */
	assert_int_equal(meta(f, sha, &m), 0);
	assert_int_equal(m.have, 0);
	assert_int_equal(m.size, 1000);
	assert_false(m.complete);
	assert_int_equal(count(f, f->t.chunks), before);
	assert_int_equal(read_at(f, sha, 0, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 0);

	/* Neighbours intact. */
	assert_int_equal(meta(f, lo, &m), 0);
	assert_int_equal(m.have, 64);
	assert_int_equal(read_at(f, lo, 0, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 64);
	assert_int_equal(read_at(f, hi, 64, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 64);
	expect_export(f, other, odata, 700);

	/* A resend of the right bytes from 0 completes it. */
	append_all(f, sha, good, 1000, 1000, 400);
	assert_int_equal(meta(f, sha, &m), 0);
	assert_true(m.complete);
	expect_export(f, sha, good, 1000);

	/* A one-chunk blob that is wrong: discarded in the same call. */
	sha256(bad + 400, 100, other);     /* holds the flipped byte */
	assert_int_equal(append(f, other, 100, 0, good + 400, 100, &done), EISO_HASH);
	assert_int_equal(meta(f, other, &m), 0);
	assert_int_equal(m.have, 0);
	free(good);
	free(bad);
	free(odata);
}

static void
test_read_across_chunks(void **state)
{
	static const uint64_t offs[] = { 0, 1, 776, 777, 778, 1553, 1554, 1555, 5000, 9323,
	    9324, 9999, 10000, 10001, 50000 };
	static const size_t lens[] = { 1, 2, 776, 777, 778, 1555, 3000, 9999, 10000, 20000 };
	struct fixture *f = *state;
	const size_t size = 10000, chunk = 777;
	uint8_t sha[KEYS_HASH], *data, *buf;
	size_t got;

	assert_non_null(data = unit_random(size));
	assert_non_null(buf = malloc(20000));
	sha256(data, size, sha);
	append_all(f, sha, data, size, size, chunk);

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		for (size_t j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			size_t want = offs[i] >= size ? 0 : size - offs[i];

			if (want > lens[j])
				want = lens[j];
			assert_int_equal(read_at(f, sha, offs[i], buf, lens[j], &got), 0);
			if (got != want)
				fail_msg("read %zu at %llu: got %zu, wanted %zu", lens[j],
				    (unsigned long long)offs[i], got, want);
			assert_memory_equal(buf, data + offs[i], want);
		}
	}
	/* And arbitrary places. */
	for (int k = 0; k < 300; k++) {
		uint64_t off = randombytes_uniform((uint32_t)size + 10);
		size_t len = 1 + randombytes_uniform(4000);
		size_t want = off >= size ? 0 : size - off;

		if (want > len)
			want = len;
		assert_int_equal(read_at(f, sha, off, buf, len, &got), 0);
		assert_int_equal(got, want);
		assert_memory_equal(buf, data + off, want);
	}

	/* A partial blob reads only what is held. */
	sha256(data, size - 1, sha);
	append_all(f, sha, data, size, 2000, chunk);
	assert_int_equal(read_at(f, sha, 0, buf, 20000, &got), 0);
	assert_int_equal(got, 2000);
	assert_memory_equal(buf, data, 2000);
	assert_int_equal(read_at(f, sha, 1500, buf, 20000, &got), 0);
	assert_int_equal(got, 500);

	/* Nothing held: nothing read. */
	memset(sha, 0x11, sizeof(sha));
	got = 99;
	assert_true(read_at(f, sha, 0, buf, 100, &got) <= 0);
	assert_int_equal(got, 0);
	free(data);
	free(buf);
}

static void
test_import_file(void **state)
{
	struct fixture *f = *state;
	const size_t size = (3 << 20) + 123;
	uint8_t sha[KEYS_HASH], want[KEYS_HASH], *data;
	char *path = random_file(f, "scan.pdf", size, &data);
	struct blob_meta m;
	uint64_t got_size = 0;
	int rc;

	sha256(data, size, want);
	if ((rc = blob_import(f->st, &f->t, path, 0, sha, &got_size)) != 0)
		fail_msg("blob_import: %s", eiso_lasterr(rc));
	assert_memory_equal(sha, want, KEYS_HASH);
	assert_int_equal(got_size, size);
	assert_int_equal(meta(f, sha, &m), 0);
	assert_true(m.complete);
	assert_int_equal(m.size, size);
	assert_int_equal(m.have, size);
	/* Chunk 0 means the default chunk size. */
	assert_int_equal(count(f, f->t.chunks), (size + BLOB_CHUNK_DEFAULT - 1) /
	    BLOB_CHUNK_DEFAULT);
	expect_export(f, sha, data, size);
	free(path);
	free(data);
}

static void
test_import_twice_stored_once(void **state)
{
	struct fixture *f = *state;
	const size_t size = (2 << 20) + 7;
	uint8_t sha1[KEYS_HASH], sha2[KEYS_HASH], *data;
	char *path = random_file(f, "a.docx", size, &data);
	char *copy = unit_path(f->dir, "copy-of-a.docx");
	size_t chunks, metas;
	uint64_t s1, s2;

	assert_int_equal(blob_import(f->st, &f->t, path, 100000, sha1, &s1), 0);
	chunks = count(f, f->t.chunks);
	metas = count(f, f->t.meta);
	assert_int_equal(chunks, (size + 99999) / 100000);
	assert_int_equal(metas, 1);

	assert_int_equal(blob_import(f->st, &f->t, path, 100000, sha2, &s2), 0);
	assert_memory_equal(sha1, sha2, KEYS_HASH);
	assert_int_equal(s1, s2);
	assert_int_equal(count(f, f->t.chunks), chunks);
	assert_int_equal(count(f, f->t.meta), metas);

	/* The same bytes under another name (and another chunk size) are the same blob. */
	assert_int_equal(unit_write_file(copy, data, size), 0);
	assert_int_equal(blob_import(f->st, &f->t, copy, 0, sha2, &s2), 0);
	assert_memory_equal(sha1, sha2, KEYS_HASH);
	assert_int_equal(count(f, f->t.chunks), chunks);
	assert_int_equal(count(f, f->t.meta), metas);
	expect_export(f, sha1, data, size);
	free(copy);
	free(path);
	free(data);
}

static void
test_import_empty_file(void **state)
{
	struct fixture *f = *state;
	uint8_t sha[KEYS_HASH], want[KEYS_HASH], buf[8];
	char *path = unit_path(f->dir, "empty");
	struct blob_meta m;
	uint64_t size = 99;
	size_t got = 99;

	assert_int_equal(unit_write_file(path, "", 0), 0);
	sha256((const uint8_t *)"", 0, want);
	assert_int_equal(blob_import(f->st, &f->t, path, 0, sha, &size), 0);
	assert_memory_equal(sha, want, KEYS_HASH);
	assert_int_equal(size, 0);
	assert_int_equal(meta(f, sha, &m), 0);
	assert_true(m.complete);
	assert_int_equal(m.size, 0);
	assert_int_equal(count(f, f->t.chunks), 0);
	assert_int_equal(read_at(f, sha, 0, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 0);
	expect_export(f, sha, (const uint8_t *)"", 0);
	free(path);
}

/* Bigger than one import transaction (32 MiB), so the import resumes from what it committed. */
static void
test_import_spans_transactions(void **state)
{
	struct fixture *f = *state;
	const size_t size = (40 << 20) + 5;
	uint8_t sha[KEYS_HASH], want[KEYS_HASH], *data;
	char *path = random_file(f, "archive.tar", size, &data);
	uint64_t got_size;
	int rc;

	sha256(data, size, want);
	if ((rc = blob_import(f->st, &f->t, path, BLOB_CHUNK_MAX, sha, &got_size)) != 0)
		fail_msg("blob_import: %s", eiso_lasterr(rc));
	assert_memory_equal(sha, want, KEYS_HASH);
	assert_int_equal(got_size, size);
	assert_int_equal(count(f, f->t.chunks), 41);
	expect_export(f, sha, data, size);
	free(path);
	free(data);
}

/* A blob partly held (an interrupted transfer) is completed by importing the file. */
static void
test_import_completes_partial(void **state)
{
	struct fixture *f = *state;
	const size_t size = 1 << 20;
	uint8_t sha[KEYS_HASH], want[KEYS_HASH], *data;
	char *path = random_file(f, "partial.bin", size, &data);
	struct blob_meta m;
	uint64_t got_size;

	sha256(data, size, want);
	append_all(f, want, data, size, 300000, 100000);
	assert_int_equal(meta(f, want, &m), 0);
	assert_int_equal(m.have, 300000);

	assert_int_equal(blob_import(f->st, &f->t, path, 0, sha, &got_size), 0);
	assert_memory_equal(sha, want, KEYS_HASH);
	assert_int_equal(meta(f, sha, &m), 0);
	assert_true(m.complete);
	expect_export(f, sha, data, size);
	free(path);
	free(data);
}

static void
test_import_and_export_errors(void **state)
{
	struct fixture *f = *state;
	char *missing = unit_path(f->dir, "no-such-file");
	uint8_t sha[KEYS_HASH], *data;
	uint64_t size;
	size_t len;
	int done, rc;
	unsigned char *out;

	eiso_clearerr();
	assert_int_equal(blob_import(f->st, &f->t, missing, 0, sha, &size), EISO_IO);
	assert_non_null(strstr(eiso_lasterr(EISO_IO), "no-such-file"));
	assert_int_equal(count(f, f->t.meta), 0);

	/* Unknown and incomplete blobs cannot be exported. */
	memset(sha, 0x42, sizeof(sha));
	out = export(f, sha, &len, &rc);
	assert_int_equal(rc, EISO_NOTFOUND);
	assert_int_equal(len, 0);
	free(out);
	assert_non_null(data = unit_random(500));
	sha256(data, 500, sha);
	assert_int_equal(append(f, sha, 500, 0, data, 200, &done), 0);
	out = export(f, sha, &len, &rc);
	assert_int_equal(rc, EISO_NOTFOUND);
	assert_int_equal(len, 0);
	free(out);
	free(data);
	free(missing);
}

/* In order, one transaction per chunk: the last chunk is verified without reading back. */
static void
test_running_in_order(void **state)
{
	struct fixture *f = *state;
	const size_t size = 300000;
	uint8_t sha[KEYS_HASH], *data;
	uint64_t before = blob_readbacks();
	struct blob_meta m;
	int done = 0;

	assert_non_null(data = unit_random(size));
	sha256(data, size, sha);
	append_all(f, sha, data, size, size, 65536);
	assert_int_equal(blob_readbacks(), before);
	assert_int_equal(meta(f, sha, &m), 0);
	assert_true(m.complete);
	expect_export(f, sha, data, size);

	/* A 0-byte blob and a one-chunk blob take the same path. */
	sha256("", 0, sha);
	assert_int_equal(append(f, sha, 0, 0, "", 0, &done), 0);
	assert_int_equal(done, 1);
	sha256(data, 1000, sha);
	append_all(f, sha, data, 1000, 1000, 4096);
	assert_int_equal(blob_readbacks(), before);
	free(data);
}

/*
 * Resumed: refused and repeated chunks do not disturb the running hash; after a restart (the
 * memory forgotten) the resumed blob is read back at its last chunk, and still verified.
 */
static void
test_running_resumed(void **state)
{
	struct fixture *f = *state;
	const size_t size = 100000;
	uint8_t sha[KEYS_HASH], sha2[KEYS_HASH], *data, *data2;
	uint64_t before = blob_readbacks();
	int done;

	assert_non_null(data = unit_random(size));
	assert_non_null(data2 = unit_random(size));
	sha256(data, size, sha);
	sha256(data2, size, sha2);

	append_all(f, sha, data, size, 40000, 10000);
	assert_int_equal(append(f, sha, size, 30000, data + 30000, 10000, &done), EISO_INVAL);
	assert_int_equal(append(f, sha, size, 50000, data + 50000, 10000, &done), EISO_INVAL);
	/* Another blob's transfer interleaved with this one. */
	append_all(f, sha2, data2, size, 50000, 25000);
	for (size_t off = 40000; off < size; off += 20000) {
		assert_int_equal(append(f, sha, size, off, data + off, 20000, &done), 0);
		assert_int_equal(done, off + 20000 == size);
	}
	assert_int_equal(blob_readbacks(), before);
	expect_export(f, sha, data, size);

	/* The restart: the half-held second blob is completed by reading it back. */
	blob_running_forget();
	for (size_t off = 50000; off < size; off += 25000)
		assert_int_equal(append(f, sha2, size, off, data2 + off, 25000, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(blob_readbacks(), before + 1);
	expect_export(f, sha2, data2, size);
	free(data);
	free(data2);
}

/* A wrong last chunk is caught by the running hash; the blob is discarded and resent. */
static void
test_running_bad_last_chunk(void **state)
{
	struct fixture *f = *state;
	const size_t size = 50000;
	uint8_t sha[KEYS_HASH], *data, *bad;
	uint64_t before = blob_readbacks();
	struct blob_meta m;
	int done = -1;

	assert_non_null(data = unit_random(size));
	assert_non_null(bad = malloc(size));
	memcpy(bad, data, size);
	bad[size - 1] ^= 1;
	sha256(data, size, sha);

	append_all(f, sha, data, size, 40000, 10000);
	assert_int_equal(append(f, sha, size, 40000, bad + 40000, 10000, &done), EISO_HASH);
	assert_int_equal(done, 0);
	assert_int_equal(meta(f, sha, &m), 0);
	assert_int_equal(m.have, 0);
	assert_false(m.complete);
	assert_int_equal(count(f, f->t.chunks), 0);

	/* The resend from 0 starts a new running hash. */
	append_all(f, sha, data, size, size, 10000);
	assert_int_equal(blob_readbacks(), before);
	expect_export(f, sha, data, size);
	free(data);
	free(bad);
}

/*
 * The memory vouches only for what it saw being stored: after a restart, or after an append
 * whose transaction aborted, the last chunk reads the stored bytes back, and bytes it never
 * saw (here written behind blob.c's back) fail the hash.
 */
static void
test_running_fallback(void **state)
{
	struct fixture *f = *state;
	const size_t size = 40000;
	uint8_t sha[KEYS_HASH], *data, *bad;
	uint64_t before = blob_readbacks();
	struct blob_meta m;
	int done = -1;

	assert_non_null(data = unit_random(size));
	assert_non_null(bad = malloc(size));
	memcpy(bad, data, size);
	bad[15000] ^= 1;
	sha256(data, size, sha);

	/* Restart: the stored chunk at 10000 is not what was appended; the read-back sees it. */
	append_all(f, sha, data, size, 30000, 10000);
	blob_running_forget();
	poke(f, sha, 10000, bad + 10000, 10000);
	assert_int_equal(append(f, sha, size, 30000, data + 30000, 10000, &done), EISO_HASH);
	assert_int_equal(blob_readbacks(), before + 1);
	assert_int_equal(meta(f, sha, &m), 0);
	assert_int_equal(m.have, 0);

	/*
	 * Aborted: the memory hashed good bytes for [10000, 20000) that were never stored; the
	 * bad bytes that were stored instead must not ride on that hash.
	 */
	append_all(f, sha, data, size, 10000, 10000);
	append_aborted(f, sha, size, 10000, data + 10000, 10000);
	assert_int_equal(append(f, sha, size, 10000, bad + 10000, 10000, &done), 0);
	assert_int_equal(append(f, sha, size, 20000, data + 20000, 10000, &done), 0);
	assert_int_equal(append(f, sha, size, 30000, data + 30000, 10000, &done), EISO_HASH);
	assert_int_equal(blob_readbacks(), before + 2);

	/*
	 * Another process: it rewrote the chunk at 10000 (bad bytes) and appended up to the
	 * same length this process's memory holds; its tag in the meta disowns the memory.
	 */
	append_all(f, sha, data, size, 20000, 10000);
	poke(f, sha, 10000, bad + 10000, 10000);
	poke_tag(f, sha, 42);
	assert_int_equal(append(f, sha, size, 20000, data + 20000, 10000, &done), 0);
	assert_int_equal(append(f, sha, size, 30000, data + 30000, 10000, &done), EISO_HASH);
	assert_int_equal(blob_readbacks(), before + 3);

	/* An aborted append then the same bytes again: verified (by reading back). */
	append_all(f, sha, data, size, 20000, 10000);
	append_aborted(f, sha, size, 20000, data + 20000, 10000);
	assert_int_equal(append(f, sha, size, 20000, data + 20000, 10000, &done), 0);
	assert_int_equal(append(f, sha, size, 30000, data + 30000, 10000, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(blob_readbacks(), before + 4);
	expect_export(f, sha, data, size);

	/* An aborted last chunk: nothing is complete, and the resend completes it. */
	sha256(bad, size, sha);
	append_all(f, sha, bad, size, 30000, 10000);
	append_aborted(f, sha, size, 30000, bad + 30000, 10000);
	assert_int_equal(meta(f, sha, &m), 0);
	assert_false(m.complete);
	assert_int_equal(m.have, 30000);
	assert_int_equal(append(f, sha, size, 30000, bad + 30000, 10000, &done), 0);
	assert_int_equal(done, 1);
	expect_export(f, sha, bad, size);
	free(data);
	free(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_in_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_offset_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mismatch_discards_everything, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_read_across_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_twice_stored_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_spans_transactions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_completes_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_and_export_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_resumed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_bad_last_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_fallback, setup, teardown),
	};

	return cmocka_run_group_tests_name("blob", tests, NULL, NULL);
}
