/*
 * outbox.c: the node's write path and its change sets.
 *
 * outbox_record() is the one function every local write goes through (CLI, later the local
 * API and the scan inbox): in ONE write transaction it updates the document tables and appends
 * the change to the pending queue (invariant I1). outbox_seal() turns pending changes into
 * numbered, chained, signed change sets stored in the outbox before anything is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "noded.h"
#include "wire.h"

struct record_txn {
	struct node *n;
	Eiso__Change *change;
	uint64_t id;
};

/* Apply a change to the node's own tables. */
static int
outbox_apply_local(MDB_txn *txn, struct node *n, const Eiso__Change *c)
{
	const Eiso__DocPut *d;
	uint8_t *buf;
	size_t len;
	MDB_val k, v;
	int rc;

	switch (c->op_case) {
	case EISO__CHANGE__OP_DOC_PUT:
		d = c->doc_put;
		for (size_t i = 0; i < d->n_files; i++) {
			struct blob_meta m;
			if (blob_meta(txn, &n->bt, d->files[i]->sha256.data, &m) != 0 ||
			    !m.complete)
				return eiso_seterr(EISO_NOTFOUND, "file %s is not stored whole",
				    d->files[i]->name);
		}
		len = eiso__doc_put__get_packed_size(d);
		if ((buf = malloc(len ? len : 1)) == NULL)
			return EISO_NOMEM;
		eiso__doc_put__pack(d, buf);
		k.mv_data = d->code;
		k.mv_size = strlen(d->code);
		v.mv_data = buf;
		v.mv_size = len;
		rc = store_rc(mdb_put(txn, store_dbi(n->st, NDB_DOCS), &k, &v, 0));
		free(buf);
		return rc;
	default:
		return eiso_seterr(EISO_INVAL, "unknown change operation");
	}
}

static int
outbox_record_txn(MDB_txn *txn, void *arg)
{
	struct record_txn *r = arg;
	MDB_dbi meta = store_dbi(r->n->st, NDB_META);
	uint8_t key[8], *buf;
	MDB_val k = { sizeof(key), key }, v;
	uint64_t next = 1;
	int rc;

	rc = store_get_u64(txn, meta, "next_change", &next);
	if (rc != 0 && rc != EISO_NOTFOUND)
		return rc;
	r->id = next;
	r->change->id = next;
	r->change->at = store_now_ms();
	if ((rc = outbox_apply_local(txn, r->n, r->change)) != 0)
		return rc;
	v.mv_size = eiso__change__get_packed_size(r->change);
	if ((buf = malloc(v.mv_size ? v.mv_size : 1)) == NULL)
		return EISO_NOMEM;
	eiso__change__pack(r->change, buf);
	v.mv_data = buf;
	store_be64(key, next);
	rc = store_rc(mdb_put(txn, store_dbi(r->n->st, NDB_PENDING), &k, &v, MDB_NOOVERWRITE));
	free(buf);
	if (rc != 0)
		return rc;
	return store_put_u64(txn, meta, "next_change", next + 1);
}

int
outbox_record(struct node *n, Eiso__Change *change, uint64_t *id)
{
	struct record_txn r = { n, change, 0 };
	Eiso__ChangeSetBody probe = EISO__CHANGE_SET_BODY__INIT;
	uint8_t zero[KEYS_HASH] = { 0 };
	int rc;

	/* Refuse locally what the hub would refuse, before it enters the chain. */
	probe.agency = n->conf.agency;
	probe.seq = 1;
	probe.prev_hash.data = zero;
	probe.prev_hash.len = sizeof(zero);
	probe.changes = &change;
	probe.n_changes = 1;
	if ((rc = wire_check_body(&probe)) != 0)
		return rc;
	if ((rc = store_write(n->st, outbox_record_txn, &r)) != 0)
		return rc;
	*id = r.id;
	return 0;
}

int
outbox_head(MDB_txn *txn, const struct node *n, struct chain_head *head)
{
	MDB_dbi meta = store_dbi(n->st, NDB_META);
	MDB_val v;
	int rc;

	memset(head, 0, sizeof(*head));
	rc = store_get_u64(txn, meta, "head_seq", &head->seq);
	if (rc == EISO_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if ((rc = store_get_str(txn, meta, "head_hash", &v)) != 0)
		return rc;
	if (v.mv_size != KEYS_HASH)
		return eiso_seterr(EISO_STORE, "corrupt head hash");
	memcpy(head->hash, v.mv_data, KEYS_HASH);
	return 0;
}

int
outbox_get(MDB_txn *txn, const struct node *n, uint64_t seq, MDB_val *set)
{
	uint8_t key[8];
	MDB_val k = { sizeof(key), key };

	store_be64(key, seq);
	return store_rc(mdb_get(txn, store_dbi(n->st, NDB_OUTBOX), &k, set));
}

int
outbox_set_hash(MDB_txn *txn, const struct node *n, uint64_t seq, uint8_t hash[KEYS_HASH])
{
	Eiso__ChangeSet *cs;
	MDB_val v;
	int rc;

	if ((rc = outbox_get(txn, n, seq, &v)) != 0)
		return rc;
	if ((cs = eiso__change_set__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "outbox set %llu is corrupt",
		    (unsigned long long)seq);
	chain_hash(cs->body.data, cs->body.len, hash);
	eiso__change_set__free_unpacked(cs, NULL);
	return 0;
}

struct seal_txn {
	struct node *n;
	const uint8_t *sign_sec;
	unsigned max_sets;
	unsigned sealed;
};

/* Seal one set from the front of the pending queue; *empty when nothing was pending. */
static int
outbox_seal_one(MDB_txn *txn, struct seal_txn *s, int *empty)
{
	struct node *n = s->n;
	MDB_dbi meta = store_dbi(n->st, NDB_META);
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	Eiso__Change **changes = NULL;
	size_t nchanges = 0, cap = 0, bytes = 0, setlen;
	struct chain_head head, next;
	uint8_t *set = NULL, key[8];
	int rc;

	*empty = 0;
	if ((rc = outbox_head(txn, n, &head)) != 0)
		return rc;
	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(n->st, NDB_PENDING), &cur))) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (nchanges >= n->conf.max_changes ||
		    (nchanges > 0 && bytes + v.mv_size > n->conf.max_set_bytes))
			break;
		if (nchanges == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			Eiso__Change **p = realloc(changes, ncap * sizeof(*p));
			if (p == NULL) {
				rc = EISO_NOMEM;
				goto fail;
			}
			changes = p;
			cap = ncap;
		}
		changes[nchanges] = eiso__change__unpack(NULL, v.mv_size, v.mv_data);
		if (changes[nchanges] == NULL) {
			rc = eiso_seterr(EISO_STORE, "pending change is corrupt");
			goto fail;
		}
		nchanges++;
		bytes += v.mv_size;
	}
	if (rc != 0 && rc != MDB_NOTFOUND) {
		rc = store_rc(rc);
		goto fail;
	}
	if (nchanges == 0) {
		*empty = 1;
		rc = 0;
		goto fail;
	}
	if ((rc = chain_seal(&head, n->conf.agency, store_now_ms(), changes, nchanges,
	    s->sign_sec, &set, &setlen, &next)) != 0)
		goto fail;
	store_be64(key, next.seq);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	v.mv_data = set;
	v.mv_size = setlen;
	if ((rc = store_rc(mdb_put(txn, store_dbi(n->st, NDB_OUTBOX), &k, &v,
	    MDB_NOOVERWRITE))) != 0)
		goto fail;
	/* Drop exactly the changes now sealed: they are the first nchanges entries. */
	for (size_t i = 0; i < nchanges; i++) {
		if ((rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) != 0 ||
		    (rc = mdb_cursor_del(cur, 0)) != 0) {
			rc = store_rc(rc);
			goto fail;
		}
	}
	if ((rc = store_put_u64(txn, meta, "head_seq", next.seq)) != 0 ||
	    (rc = store_put_str(txn, meta, "head_hash", next.hash, KEYS_HASH)) != 0)
		goto fail;
fail:
	if (cur != NULL)
		mdb_cursor_close(cur);
	for (size_t i = 0; i < nchanges; i++)
		eiso__change__free_unpacked(changes[i], NULL);
	free(changes);
	free(set);
	return rc;
}

static int
outbox_seal_txn(MDB_txn *txn, void *arg)
{
	struct seal_txn *s = arg;
	int rc, empty = 0;

	s->sealed = 0;
	while (s->sealed < s->max_sets) {
		if ((rc = outbox_seal_one(txn, s, &empty)) != 0)
			return rc;
		if (empty)
			break;
		s->sealed++;
	}
	return 0;
}

int
outbox_seal(struct node *n, const uint8_t *sign_sec, unsigned max_sets, unsigned *sealed)
{
	struct seal_txn s = { n, sign_sec, max_sets, 0 };
	MDB_txn *txn;
	size_t pending;
	int rc;

	*sealed = 0;
	/* The common case, nothing pending, costs a read transaction and no write lock. */
	if ((rc = store_read_begin(n->st, &txn)) != 0)
		return rc;
	pending = store_count(txn, store_dbi(n->st, NDB_PENDING));
	store_read_end(&txn);
	if (pending == 0)
		return 0;
	if ((rc = store_write(n->st, outbox_seal_txn, &s)) != 0)
		return rc;
	*sealed = s.sealed;
	return 0;
}
