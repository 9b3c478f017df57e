/*
 * alerts.c: what the provincial staff should look at, kept in the hub's store.
 *
 * One open alert per (agency, kind): a condition that recurs while open is counted on that
 * alert, not repeated. Rejected change sets raise "reject:<code>" alerts in the ingest
 * transaction that rejected them; a sweep on a timer raises and clears "offline",
 * "review_overdue" and "storage". Acknowledging is a person's act, recorded with who and
 * when; a condition that comes back after its alert was acknowledged or cleared opens a
 * new one.
 *     alerts:    id (be64) -> Alert
 *     alertkeys: agency \0 kind -> id of its open alert
 */
#include <sys/statvfs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "core/core.h"
#include "log.h"
#include "wire.h"

#define ALERT_KEY_MAX (WIRE_MAX_AGENCY + 1 + 64)

static int
alert_get(MDB_txn *txn, const struct hub *h, uint64_t id, Eiso__Alert **a)
{
	uint8_t key[8];
	MDB_val k = { sizeof(key), key }, v;
	int rc;

	store_be64(key, id);
	*a = NULL;
	if ((rc = store_rc(mdb_get(txn, store_dbi(h->st, HDB_ALERTS), &k, &v))) != 0)
		return rc;
	if ((*a = eiso__alert__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "alert %llu is corrupt", (unsigned long long)id);
	return 0;
}

static int
alert_put(MDB_txn *txn, const struct hub *h, const Eiso__Alert *a)
{
	uint8_t key[8];

	store_be64(key, a->id);
	return store_put_pb(txn, store_dbi(h->st, HDB_ALERTS), key, sizeof(key), &a->base, 0);
}

/* The id of the open alert of (agency, kind), 0 if none. */
static uint64_t
alert_open_id(MDB_txn *txn, const struct hub *h, const char *agency, const char *kind,
    uint8_t *key, size_t *klen)
{
	MDB_val k, v;

	*klen = agency_key(key, ALERT_KEY_MAX, agency, kind, strlen(kind));
	k.mv_data = key;
	k.mv_size = *klen;
	if (mdb_get(txn, store_dbi(h->st, HDB_ALERTKEYS), &k, &v) != 0 || v.mv_size != 8)
		return 0;
	return store_get_be64(v.mv_data);
}

int
alert_raise(MDB_txn *txn, const struct hub *h, const char *agency, const char *kind,
    const char *reason)
{
	Eiso__Alert a = EISO__ALERT__INIT, *old = NULL;
	uint8_t key[ALERT_KEY_MAX], be[8];
	MDB_val k, v = { sizeof(be), be };
	uint64_t id, next = 1;
	size_t klen;
	int rc;

	if ((id = alert_open_id(txn, h, agency, kind, key, &klen)) != 0 &&
	    alert_get(txn, h, id, &old) == 0) {
		Eiso__Alert upd = *old;
		upd.last = store_now_ms();
		upd.count = old->count + 1;
		upd.reason = (char *)reason;
		rc = alert_put(txn, h, &upd);
		eiso__alert__free_unpacked(old, NULL);
		return rc;
	}
	rc = store_get_u64(txn, store_dbi(h->st, HDB_META), "alert_next", &next);
	if (rc != 0 && rc != EISO_NOTFOUND)
		return rc;
	a.id = next;
	a.agency = (char *)agency;
	a.kind = (char *)kind;
	a.reason = (char *)reason;
	a.first = a.last = store_now_ms();
	a.count = 1;
	a.acked_by = "";
	if ((rc = alert_put(txn, h, &a)) != 0 ||
	    (rc = store_put_u64(txn, store_dbi(h->st, HDB_META), "alert_next", next + 1)) != 0)
		return rc;
	store_be64(be, next);
	k.mv_data = key;
	k.mv_size = klen;
	return store_rc(mdb_put(txn, store_dbi(h->st, HDB_ALERTKEYS), &k, &v, 0));
}

int
alert_clear(MDB_txn *txn, const struct hub *h, const char *agency, const char *kind)
{
	Eiso__Alert *a;
	uint8_t key[ALERT_KEY_MAX];
	MDB_val k;
	uint64_t id;
	size_t klen;
	int rc;

	if ((id = alert_open_id(txn, h, agency, kind, key, &klen)) == 0)
		return 0;
	if ((rc = alert_get(txn, h, id, &a)) == 0) {
		Eiso__Alert upd = *a;
		upd.cleared = store_now_ms();
		rc = alert_put(txn, h, &upd);
		eiso__alert__free_unpacked(a, NULL);
	}
	if (rc != 0 && rc != EISO_NOTFOUND)
		return rc;
	k.mv_data = key;
	k.mv_size = klen;
	return store_rc(mdb_del(txn, store_dbi(h->st, HDB_ALERTKEYS), &k, NULL));
}

int
alert_ack(MDB_txn *txn, const struct hub *h, uint64_t id, const char *by)
{
	Eiso__Alert *a, upd;
	uint8_t key[ALERT_KEY_MAX];
	size_t klen;
	MDB_val k;
	int rc;

	if ((rc = alert_get(txn, h, id, &a)) != 0)
		return rc == EISO_NOTFOUND ?
		    eiso_seterr(EISO_NOTFOUND, "id: no alert %llu", (unsigned long long)id) : rc;
	upd = *a;
	if (upd.acked == 0) {
		upd.acked = store_now_ms();
		upd.acked_by = (char *)by;
		rc = alert_put(txn, h, &upd);
		/* Acknowledged: if the condition goes on, it is counted on a new alert. */
		if (rc == 0 && alert_open_id(txn, h, a->agency, a->kind, key, &klen) == id) {
			k.mv_data = key;
			k.mv_size = klen;
			rc = store_rc(mdb_del(txn, store_dbi(h->st, HDB_ALERTKEYS), &k, NULL));
		}
	}
	eiso__alert__free_unpacked(a, NULL);
	return rc;
}

static int
alert_sweep_txn(MDB_txn *txn, void *arg)
{
	struct hub *h = arg;
	MDB_cursor *c;
	MDB_val k, v;
	struct statvfs fs;
	char today[11], reason[256], id[WIRE_MAX_AGENCY + 1];
	int64_t now = store_now_ms();
	int rc;

	domain_today(today);
	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, HDB_AGENCIES), &c))) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		Eiso__HeadRecord *hr = NULL;
		int64_t seen = 0;
		uint64_t overdue;

		if (k.mv_size > WIRE_MAX_AGENCY)
			continue;
		memcpy(id, k.mv_data, k.mv_size);
		id[k.mv_size] = '\0';
		if (head_get(txn, h, id, &hr) == 0) {
			seen = hr->last_seen;
			eiso__head_record__free_unpacked(hr, NULL);
		}
		/* Never seen counts from now: a new enrollment is not offline yet. */
		if (seen != 0 && now - seen > (int64_t)h->conf.offline_after_s * 1000) {
			snprintf(reason, sizeof(reason), "no message for %lld minutes",
			    (long long)((now - seen) / 60000));
			rc = alert_raise(txn, h, id, "offline", reason);
		} else {
			rc = alert_clear(txn, h, id, "offline");
		}
		if (rc != 0)
			break;
		/* The counters apply.c keeps: the write transaction walks no document. */
		if ((rc = apply_reviews_due(txn, h, id, today, &overdue)) != 0)
			break;
		if (overdue > 0) {
			snprintf(reason, sizeof(reason), "%llu documents past their review date",
			    (unsigned long long)overdue);
			rc = alert_raise(txn, h, id, "review_overdue", reason);
		} else {
			rc = alert_clear(txn, h, id, "review_overdue");
		}
		if (rc != 0)
			break;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_rc(rc);
	if (statvfs(h->conf.data, &fs) == 0 && fs.f_blocks > 0) {
		unsigned used = (unsigned)(100 - (100 * fs.f_bavail) / fs.f_blocks);
		if (used >= h->conf.storage_warn_percent) {
			snprintf(reason, sizeof(reason), "disk of the data directory is %u%% full", used);
			return alert_raise(txn, h, "", "storage", reason);
		}
		return alert_clear(txn, h, "", "storage");
	}
	return 0;
}

int
alert_sweep(struct hub *h)
{
	return store_write(h->st, alert_sweep_txn, h);
}
