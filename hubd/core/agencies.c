/*
 * agencies.c: the hub's records of its agencies as the store keeps them: an agency by id or
 * by its CURVE key, the key layout of the per-agency tables, and each agency's head record
 * (its last applied change set). Enrollment (cli/enroll.c) writes agencies; the ingest
 * thread, the web side and the verbs read them.
 */
#include <string.h>

#include "err.h"
#include "core/core.h"
#include "wire.h"

size_t
agency_key(uint8_t *key, size_t cap, const char *id, const void *suffix, size_t slen)
{
	size_t n = strlen(id);

	if (n + 1 + slen > cap)
		return 0;
	memcpy(key, id, n);
	key[n] = '\0';
	if (slen > 0)
		memcpy(key + n + 1, suffix, slen);
	return n + 1 + slen;
}

int
agency_get(MDB_txn *txn, const struct hub *h, const char *id, Eiso__AgencyRecord **rec)
{
	MDB_val k = { strlen(id), (void *)id }, v;
	int rc;

	*rec = NULL;
	if ((rc = store_rc(mdb_get(txn, store_dbi(h->st, HDB_AGENCIES), &k, &v))) != 0)
		return rc;
	if ((*rec = eiso__agency_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "agency record %s is corrupt", id);
	return 0;
}

int
agency_each(MDB_txn *txn, const struct hub *h, agency_id_fn fn, void *arg)
{
	char id[WIRE_MAX_AGENCY + 1];
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, HDB_AGENCIES), &cur))) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size > WIRE_MAX_AGENCY)
			continue;
		memcpy(id, k.mv_data, k.mv_size);
		id[k.mv_size] = '\0';
		if ((rc = fn(id, arg)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int
agency_by_curve(MDB_txn *txn, const struct hub *h, const uint8_t curve_pub[32], char *id,
    size_t idlen)
{
	MDB_val k = { KEYS_CURVE, (void *)curve_pub }, v;
	int rc;

	if ((rc = store_rc(mdb_get(txn, store_dbi(h->st, HDB_CURVEKEYS), &k, &v))) != 0)
		return rc;
	if (v.mv_size >= idlen)
		return EISO_STORE;
	memcpy(id, v.mv_data, v.mv_size);
	id[v.mv_size] = '\0';
	return 0;
}

int
head_get(MDB_txn *txn, const struct hub *h, const char *id, Eiso__HeadRecord **head)
{
	MDB_val k = { strlen(id), (void *)id }, v;
	int rc;

	*head = NULL;
	if ((rc = store_rc(mdb_get(txn, store_dbi(h->st, HDB_HEADS), &k, &v))) != 0)
		return rc;
	if ((*head = eiso__head_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "head record %s is corrupt", id);
	return 0;
}

/* Bounds the records have always had: a head is a seq and two hashes. */
#define HEAD_RECORD_MAX 256

int
head_put(MDB_txn *txn, const struct hub *h, const char *id, const Eiso__HeadRecord *head)
{
	if (eiso__head_record__get_packed_size(head) > HEAD_RECORD_MAX)
		return EISO_TOOBIG;
	return store_put_pb(txn, store_dbi(h->st, HDB_HEADS), id, strlen(id), &head->base, 0);
}

