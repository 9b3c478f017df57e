/*
 * published.c: what the public portal may ever show of an agency's documents, decided in one
 * place: an issue is published when its access is public and it has been in force (status
 * effective, superseded or withdrawn, with an effective date). Drafts, issues in review and
 * internal or restricted documents never are, whatever their history.
 *
 * The public-files index, kept in the transaction that applies each change:
 *   pubfiles: sha256(32) agency \0 code \0 issue(be32) -> "" for every file of every
 *             published issue
 * so /files/{sha} serves a file only when a published issue holds it, and the verify page
 * answers "which published issue is this file?" with one cursor walk.
 *
 * The content hash of an issue (the QR code names its first 12 hex digits) is SHA-256 over:
 *   "eiso/issue/v1" 0x00, str(agency), str(code), be32(issue), str(title),
 *   str(effective_date), be32(file count), then per file in order: sha256(32), be64(size),
 *   str(name)
 * where str(s) is be32(byte length) followed by the bytes. It covers what a printout shows
 * and what an issue is (its files), and none of what changes after approval (status,
 * superseded_by, updated), so a sheet printed while in force still matches once superseded.
 */
#include <string.h>

#include <sodium.h>

#include "domain.h"
#include "err.h"
#include "core/core.h"
#include "keys.h"
#include "sha256.h"
#include "wire.h"

#define PUB_KEY_MAX (KEYS_HASH + WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 1 + 4)

int
published_issue(const Eiso__DocIssue *d)
{
	return d != NULL && d->access != NULL && strcmp(d->access, "public") == 0 &&
	    d->effective_date != NULL && d->effective_date[0] != '\0' &&
	    (strcmp(d->status, "effective") == 0 || strcmp(d->status, "superseded") == 0 ||
	    strcmp(d->status, "withdrawn") == 0);
}

static void
hash_be32(struct sha256 *st, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	sha256_update(st, b, sizeof(b));
}

static void
hash_str(struct sha256 *st, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	hash_be32(st, (uint32_t)n);
	sha256_update(st, (const uint8_t *)(s ? s : ""), n);
}

void
published_hash(const char *agency, const Eiso__DocIssue *d, uint8_t out[KEYS_HASH])
{
	static const char domain[] = "eiso/issue/v1";
	struct sha256 st;
	uint8_t b[8];

	if (sha256_init(&st) != 0)
		abort();   /* libcrypto out of memory: nothing sane to return */
	sha256_update(&st, (const uint8_t *)domain, sizeof(domain));  /* with NUL */
	hash_str(&st, agency);
	hash_str(&st, d->code);
	hash_be32(&st, d->issue);
	hash_str(&st, d->title);
	hash_str(&st, d->effective_date);
	hash_be32(&st, (uint32_t)d->n_files);
	for (size_t i = 0; i < d->n_files; i++) {
		const Eiso__BlobRef *f = d->files[i];
		uint8_t zero[KEYS_HASH] = { 0 };

		sha256_update(&st, f->sha256.len == KEYS_HASH ? f->sha256.data : zero,
		    KEYS_HASH);
		store_be64(b, f->size);
		sha256_update(&st, b, sizeof(b));
		hash_str(&st, f->name);
	}
	sha256_final(&st, out);
}

static size_t
pub_key(uint8_t *key, const uint8_t *sha, const char *agency, const char *code, uint32_t issue)
{
	size_t a = strlen(agency), c = strlen(code), n = 0;

	memcpy(key, sha, KEYS_HASH);
	n = KEYS_HASH;
	memcpy(key + n, agency, a);
	n += a;
	key[n++] = '\0';
	memcpy(key + n, code, c);
	n += c;
	key[n++] = '\0';
	for (int i = 3; i >= 0; i--)
		key[n++] = (uint8_t)(issue >> (8 * i));
	return n;
}

/* Put (add) or delete the index entries of one issue's files. */
static int
pub_files(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__DocIssue *d,
    int add)
{
	uint8_t key[PUB_KEY_MAX];
	MDB_val k, v = { 0, "" };
	int rc;

	if (strlen(agency) > WIRE_MAX_AGENCY || strlen(d->code) > DOMAIN_MAX_CODE)
		return 0;
	for (size_t i = 0; i < d->n_files; i++) {
		if (d->files[i]->sha256.len != KEYS_HASH)
			continue;
		k.mv_data = key;
		k.mv_size = pub_key(key, d->files[i]->sha256.data, agency, d->code, d->issue);
		rc = add ? mdb_put(txn, store_dbi(h->st, HDB_PUBFILES), &k, &v, 0) :
		    mdb_del(txn, store_dbi(h->st, HDB_PUBFILES), &k, NULL);
		if (rc != 0 && !(rc == MDB_NOTFOUND && !add))
			return store_rc(rc);
	}
	return 0;
}

int
published_update(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__DocIssue *d)
{
	Eiso__DocIssue *old = NULL;
	int rc;

	rc = apply_doc_version(txn, h, agency, d->code, d->issue, &old);
	if (rc == 0) {
		rc = published_issue(old) ? pub_files(txn, h, agency, old, 0) : 0;
		eiso__doc_issue__free_unpacked(old, NULL);
		if (rc != 0)
			return rc;
	} else if (rc != EISO_NOTFOUND) {
		return rc;
	}
	return published_issue(d) ? pub_files(txn, h, agency, d, 1) : 0;
}

int
published_file(MDB_txn *txn, const struct hub *h, const uint8_t sha[KEYS_HASH],
    published_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k = { KEYS_HASH, (void *)sha }, v;
	int rc, n = 0, stop = 0;

	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, HDB_PUBFILES), &c))) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const char *p = (const char *)k.mv_data + KEYS_HASH, *code, *end;
		char agency[WIRE_MAX_AGENCY + 1], cd[DOMAIN_MAX_CODE + 1];
		const uint8_t *be;

		if (k.mv_size < KEYS_HASH + 6 || memcmp(k.mv_data, sha, KEYS_HASH) != 0)
			break;
		end = (const char *)k.mv_data + k.mv_size - 4;
		if ((code = memchr(p, '\0', (size_t)(end - p))) == NULL ||
		    (size_t)(code - p) > WIRE_MAX_AGENCY ||
		    (size_t)(end - code - 2) > DOMAIN_MAX_CODE)
			continue;
		memcpy(agency, p, (size_t)(code - p));
		agency[code - p] = '\0';
		code++;
		memcpy(cd, code, (size_t)(end - code - 1));
		cd[end - code - 1] = '\0';
		be = (const uint8_t *)end;
		n++;
		if ((stop = fn(agency, cd, (uint32_t)be[0] << 24 | (uint32_t)be[1] << 16 |
		    (uint32_t)be[2] << 8 | be[3], arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (stop != 0)
		return stop;
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_rc(rc);
	return n > 0 ? 0 : EISO_NOTFOUND;
}
