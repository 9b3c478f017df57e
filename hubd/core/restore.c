/*
 * restore.c: the hub's side of `noded restore --from-hub`.
 *
 * A node whose store was lost asks for its own agency's change sets (FetchLog) and the files
 * its documents name (FetchBlob). Both run inside ingest's batch transaction, read only, and
 * serve nothing but the connection's own agency (the ZAP User-Id): the node verifies every
 * set against its own signing key, so the hub is trusted for availability only.
 *
 * FetchLog: at most RESTORE_MAX_SETS sets per request, each its own LogSet message, and about
 * RESTORE_MAX_FRAMES * max_frame bytes per answer, then a LogEnd with the applied head and the
 * last seq sent. FetchBlob: a blob is served only when the hub holds it whole (hash verified)
 * and the document issue of this agency the request names (doc_code, issue: one lookup, no
 * walk over the agency's documents inside the batch) lists it; up to RESTORE_MAX_CHUNKS
 * BlobChunks of at most chunk_size bytes per request. Otherwise: Reject REJECT_BLOB.
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "core/core.h"
#include "keys.h"
#include "wire.h"

#define RESTORE_MAX_SETS   64
#define RESTORE_MAX_FRAMES 4
#define RESTORE_MAX_CHUNKS 4
#define RESTORE_KEY_MAX    (WIRE_MAX_AGENCY + 1 + 64)

int
restore_fetch_log(MDB_txn *txn, const struct hub *h, const char *agency, uint64_t applied_seq,
    const uint8_t applied_hash[KEYS_HASH], const Eiso__FetchLog *f, restore_reply_fn fn,
    void *arg)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT;
	Eiso__LogEnd end = EISO__LOG_END__INIT;
	uint64_t seq = f->from_seq ? f->from_seq : 1, last = seq - 1;
	uint32_t max = f->max_sets == 0 || f->max_sets > RESTORE_MAX_SETS ? RESTORE_MAX_SETS :
	    f->max_sets;
	size_t bytes = 0, budget = (size_t)h->conf.max_frame * RESTORE_MAX_FRAMES;
	int rc;

	for (uint32_t i = 0; i < max && seq <= applied_seq && bytes < budget; i++, seq++) {
		Eiso__Envelope e = EISO__ENVELOPE__INIT;
		Eiso__LogSet ls = EISO__LOG_SET__INIT;
		uint8_t key[RESTORE_KEY_MAX], be[8];
		Eiso__ChangeSet *cs;
		MDB_val k, v;
		size_t size;

		store_be64(be, seq);
		k.mv_data = key;
		k.mv_size = agency_key(key, sizeof(key), agency, be, sizeof(be));
		if ((rc = store_rc(mdb_get(txn, store_dbi(h->st, HDB_LOG), &k, &v))) != 0) {
			if (rc != EISO_NOTFOUND)
				return rc;
			break;   /* not logged here (cannot happen below applied): end early */
		}
		if ((cs = eiso__change_set__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
			break;
		ls.seq = seq;
		ls.change_set = cs;
		e.msg_case = EISO__ENVELOPE__MSG_LOG_SET;
		e.log_set = &ls;
		size = eiso__envelope__get_packed_size(&e);
		if (size > h->conf.max_frame) {
			eiso__change_set__free_unpacked(cs, NULL);
			break;
		}
		rc = fn(arg, &e);
		eiso__change_set__free_unpacked(cs, NULL);
		if (rc != 0)
			return rc;
		bytes += size;
		last = seq;
	}
	end.applied_seq = applied_seq;
	end.applied_hash.data = (uint8_t *)applied_hash;
	end.applied_hash.len = KEYS_HASH;
	end.last_sent = last;
	env.msg_case = EISO__ENVELOPE__MSG_LOG_END;
	env.log_end = &end;
	return fn(arg, &env);
}

/* Does the agency's issue doc_code/issue name the blob? One lookup, never a walk. */
static int
restore_blob_named(MDB_txn *txn, const struct hub *h, const char *agency,
    const Eiso__FetchBlob *f, int *found)
{
	Eiso__DocIssue *d;
	int rc;

	*found = 0;
	if (f->doc_code == NULL || f->doc_code[0] == '\0' || !domain_code_ok(f->doc_code))
		return 0;
	rc = apply_doc_version(txn, h, agency, f->doc_code, f->issue, &d);
	if (rc == EISO_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < d->n_files && !*found; i++)
		*found = d->files[i]->sha256.len == KEYS_HASH &&
		    memcmp(d->files[i]->sha256.data, f->sha256.data, KEYS_HASH) == 0;
	eiso__doc_issue__free_unpacked(d, NULL);
	return 0;
}

static int
restore_blob_reject(const char *reason, restore_reply_fn fn, void *arg)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT;
	Eiso__Reject r = EISO__REJECT__INIT;

	r.code = EISO__REJECT_CODE__REJECT_BLOB;
	r.reason = (char *)reason;
	env.msg_case = EISO__ENVELOPE__MSG_REJECT;
	env.reject = &r;
	return fn(arg, &env);
}

int
restore_fetch_blob(MDB_txn *txn, const struct hub *h, const char *agency,
    const Eiso__FetchBlob *f, restore_reply_fn fn, void *arg)
{
	struct blob_meta m;
	size_t chunk = h->conf.chunk_size;
	uint64_t off = f->offset;
	uint8_t *buf;
	int rc, found;

	if (f->sha256.len != KEYS_HASH)
		return restore_blob_reject("fetch_blob: sha256 must be 32 bytes", fn, arg);
	rc = blob_meta(txn, &h->bt, f->sha256.data, &m);
	if (rc != 0 && rc != EISO_NOTFOUND)
		return rc;
	if (rc == EISO_NOTFOUND || !m.complete)
		return restore_blob_reject("fetch_blob: the hub does not hold this file whole",
		    fn, arg);
	if ((rc = restore_blob_named(txn, h, agency, f, &found)) != 0)
		return rc;
	if (!found)
		return restore_blob_reject("fetch_blob: doc_code/issue is not a document issue of "
		    "this agency that names this file", fn, arg);
	if (off > m.size)
		return restore_blob_reject("fetch_blob: offset past the end of the file", fn, arg);
	if (chunk == 0 || chunk > BLOB_CHUNK_MAX)
		chunk = BLOB_CHUNK_DEFAULT;
	if (chunk + 4096 > h->conf.max_frame)
		chunk = h->conf.max_frame - 4096;
	if ((buf = malloc(chunk)) == NULL)
		return EISO_NOMEM;
	for (int i = 0; i < RESTORE_MAX_CHUNKS && off < m.size; i++) {
		Eiso__Envelope env = EISO__ENVELOPE__INIT;
		Eiso__BlobChunk bc = EISO__BLOB_CHUNK__INIT;
		size_t want = m.size - off < chunk ? (size_t)(m.size - off) : chunk, got = 0;

		if ((rc = blob_read(txn, &h->bt, f->sha256.data, off, buf, want, &got)) != 0)
			break;
		if (got != want) {
			rc = eiso_seterr(EISO_STORE, "blob shorter than its meta says");
			break;
		}
		bc.sha256 = f->sha256;
		bc.offset = off;
		bc.size = m.size;
		bc.data.data = buf;
		bc.data.len = got;
		env.msg_case = EISO__ENVELOPE__MSG_BLOB_CHUNK;
		env.blob_chunk = &bc;
		if ((rc = fn(arg, &env)) != 0)
			break;
		off += got;
	}
	free(buf);
	return rc;
}
