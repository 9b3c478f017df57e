/*
 * blob.h: content-addressed file contents inside LMDB (invariant I7).
 *
 * A blob is stored once, under the SHA-256 of its bytes, as chunks keyed sha256 || offset
 * (big-endian) in a "chunks" table, with a BlobMeta record (size, contiguous bytes held,
 * complete) in a "blobmeta" table. Blobs are written by appending at the end of what is held,
 * so an interrupted transfer resumes from blob_meta().have; the last append verifies the hash,
 * and a mismatch discards the whole blob. The hash is computed as the chunks are appended
 * (one running SHA-256 per blob in this process's memory, for up to 64 blobs at once); when
 * that is missing (a transfer resumed after a restart, started by another process, or
 * evicted) or does not match what is stored (an aborted transaction), the last append streams
 * the stored chunks back through SHA-256 instead. Nothing here holds a blob whole in memory.
 */
#ifndef EISO_BLOB_H
#define EISO_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "keys.h"
#include "store.h"

#define BLOB_CHUNK_DEFAULT ((size_t)256 << 10)
#define BLOB_CHUNK_MAX     ((size_t)1 << 20)

struct blob_tables {
	MDB_dbi chunks;
	MDB_dbi meta;
};

struct blob_meta {
	uint64_t size;
	uint64_t have;
	int complete;
};

/* Meta of a blob. Returns 0 or EISO_NOTFOUND (nothing held), EISO_STORE. */
int blob_meta(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    struct blob_meta *m);

/* Declare a blob of the given size that is wanted (creates meta with have = 0 if absent). */
int blob_want(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    uint64_t size);

/*
 * Append len bytes at offset, which must equal meta.have (EISO_INVAL otherwise, detail says
 * what was expected). size must match the declared size. When the blob becomes whole its hash
 * is verified: 0 and complete on success; EISO_HASH on mismatch, with every chunk deleted and
 * the meta reset so the transfer restarts from 0 -- commit the transaction to keep that reset.
 * *done is set to 1 when the blob is complete.
 */
int blob_append(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    uint64_t size, uint64_t offset, const void *data, size_t len, int *done);

/*
 * Forget every running hash, as a restart does: the next completions read their blobs back.
 * For tests; thread-safe.
 */
void blob_running_forget(void);

/* How many completed blobs this process verified by reading them back. For tests. */
uint64_t blob_readbacks(void);

/*
 * Read up to len bytes at offset of a held range into buf; *got is the count (0 when nothing
 * is held there: past the end, or a blob not held at all). Returns 0 or EISO_STORE.
 */
int blob_read(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    uint64_t offset, void *buf, size_t len, size_t *got);

/* Write a complete blob's bytes to fd. Returns 0, EISO_NOTFOUND, EISO_IO. */
int blob_write_fd(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH],
    int fd);

/*
 * Import the file at path into the store: hash it, then (unless already complete) copy it in
 * chunks of chunk bytes, committing every few megabytes so no transaction grows large.
 * sha and size receive the address. Returns 0, EISO_IO (detail names the file), EISO_HASH
 * (the file changed while it was read), EISO_STORE.
 */
int blob_import(store_t *st, const struct blob_tables *t, const char *path, size_t chunk,
    uint8_t sha[KEYS_HASH], uint64_t *size);
/*
 * The same from fd, an open regular file read from its start whatever its offset (pread);
 * name is for messages only. The caller keeps and closes fd.
 */
int blob_import_fd(store_t *st, const struct blob_tables *t, int fd, const char *name,
    size_t chunk, uint8_t sha[KEYS_HASH], uint64_t *size);

/*
 * Remove a blob whole (chunks and meta): for a command that stored a new file and then
 * failed, so that it leaves nothing behind. Returns 0 or EISO_STORE.
 */
int blob_remove(store_t *st, const struct blob_tables *t, const uint8_t sha[KEYS_HASH]);
/* The same inside a write transaction of the caller's. */
int blob_discard(MDB_txn *txn, const struct blob_tables *t, const uint8_t sha[KEYS_HASH]);

#endif
