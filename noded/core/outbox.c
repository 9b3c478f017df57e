/*
 * outbox.c: the node's write path and its change sets.
 *
 * Every local write (CLI, local API, scan inbox) is a transaction of document.c,
 * recordfile.c or casefile.c that updates the node's tables and calls outbox_append() for
 * each change in the SAME transaction (invariant I1). outbox_seal() turns pending changes into
 * numbered, chained, signed change sets stored in the outbox before anything is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "grow.h"
#include "core/core.h"
#include "wire.h"

int
outbox_append(MDB_txn *txn, struct node *n, Eiso__Change *change)
{
	Eiso__ChangeSetBody probe = EISO__CHANGE_SET_BODY__INIT;
	MDB_dbi meta = store_dbi(n->st, NDB_META);
	uint8_t zero[KEYS_HASH] = { 0 }, key[8];
	uint64_t next = 1;
	int rc;

	rc = store_get_u64(txn, meta, "next_change", &next);
	if (rc != 0 && rc != EISO_NOTFOUND)
		return rc;
	change->id = next;
	change->at = store_now_ms();
	/* Refuse here what the hub would refuse, before it enters the signed chain. */
	probe.agency = n->conf.agency;
	probe.seq = 1;
	probe.prev_hash.data = zero;
	probe.prev_hash.len = sizeof(zero);
	probe.changes = &change;
	probe.n_changes = 1;
	if ((rc = wire_check_body(&probe)) != 0)
		return rc;
	store_be64(key, next);
	if ((rc = store_put_pb(txn, store_dbi(n->st, NDB_PENDING), key, sizeof(key), &change->base,
	    MDB_NOOVERWRITE)) != 0)
		return rc;
	return store_put_u64(txn, meta, "next_change", next + 1);
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
	ProtobufCBinaryData *changes = NULL;
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
		if (eiso_grow(&changes, nchanges, &cap, sizeof(*changes), 64) != 0) {
			rc = EISO_NOMEM;
			goto fail;
		}
		/*
		 * Pending entries are packed Changes, checked when they were appended: they go
		 * into the body as they are, read straight from the map of this transaction.
		 */
		changes[nchanges].data = v.mv_data;
		changes[nchanges].len = v.mv_size;
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
	if ((rc = chain_seal_packed(&head, n->conf.agency, store_now_ms(), changes, nchanges,
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
outbox_pending(struct node *n, size_t *pending)
{
	MDB_txn *txn;
	int rc;

	*pending = 0;
	if ((rc = store_read_begin(n->st, &txn)) != 0)
		return rc;
	*pending = store_count(txn, store_dbi(n->st, NDB_PENDING));
	store_read_end(&txn);
	return 0;
}

int
outbox_seal(struct node *n, const uint8_t *sign_sec, unsigned max_sets, unsigned *sealed)
{
	struct seal_txn s = { n, sign_sec, max_sets, 0 };
	int rc;

	*sealed = 0;
	if ((rc = store_write(n->st, outbox_seal_txn, &s)) != 0)
		return rc;
	*sealed = s.sealed;
	return 0;
}
