/*
 * apply.c: what an applied change does to the hub's tables, per agency. Every issue of every
 * document is kept (versions), with an index of the newest and the in-force issue (docs);
 * record files and cases are kept as their latest state. Counters the dashboard needs
 * (documents by kind and status, cases by status, on time and late, with an electronic record
 * file) are kept up to date in the same transaction, so reading them never scans.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain.h"
#include "err.h"
#include "hubd.h"
#include "wire.h"

#define APPLY_KEY_MAX (WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 1 + 8)

/* agency \0 code [\0 issue(be32)] */
static size_t
apply_key(uint8_t *key, const char *agency, const char *code, uint32_t issue, int with_issue)
{
	size_t n = agency_key(key, APPLY_KEY_MAX, agency, code, strlen(code));

	if (with_issue) {
		key[n++] = '\0';
		for (int i = 3; i >= 0; i--)
			key[n++] = (uint8_t)(issue >> (8 * i));
	}
	return n;
}

int
apply_stat_get(MDB_txn *txn, const struct hub *h, const char *agency, const char *name,
    uint64_t *v)
{
	uint8_t key[APPLY_KEY_MAX + 64];
	MDB_val k, d;
	int rc;

	*v = 0;
	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), agency, name, strlen(name));
	if ((rc = mdb_get(txn, store_dbi(h->st, HDB_STATS), &k, &d)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0 || d.mv_size != 8)
		return store_rc(rc ? rc : MDB_CORRUPTED);
	*v = store_get_be64(d.mv_data);
	return 0;
}

/* Add delta (+1 / -1) to one counter of an agency. */
static int
apply_stat_add(MDB_txn *txn, const struct hub *h, const char *agency, const char *name, int delta)
{
	uint8_t key[APPLY_KEY_MAX + 64], buf[8];
	MDB_val k, d = { sizeof(buf), buf };
	uint64_t v;
	int rc;

	if ((rc = apply_stat_get(txn, h, agency, name, &v)) != 0)
		return rc;
	v = delta < 0 && v == 0 ? 0 : v + (uint64_t)(int64_t)delta;
	store_be64(buf, v);
	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), agency, name, strlen(name));
	return store_rc(mdb_put(txn, store_dbi(h->st, HDB_STATS), &k, &d, 0));
}

static int
apply_doc_stats(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__DocIssue *d,
    int delta)
{
	char name[64];

	snprintf(name, sizeof(name), "doc:%s:%s", d->kind, d->status);
	return apply_stat_add(txn, h, agency, name, delta);
}

static int
apply_case_stats(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__Case *c,
    int delta)
{
	char name[64];
	int rc;

	snprintf(name, sizeof(name), "case:%s", c->status);
	if ((rc = apply_stat_add(txn, h, agency, name, delta)) != 0)
		return rc;
	if (strcmp(c->status, "completed") == 0) {
		rc = apply_stat_add(txn, h, agency, c->completed <= c->due ? "case:on_time" :
		    "case:late", delta);
		if (rc == 0 && c->record_file != NULL && c->record_file[0] != '\0')
			rc = apply_stat_add(txn, h, agency, "case:with_file", delta);
	}
	return rc;
}

int
apply_doc_version(MDB_txn *txn, const struct hub *h, const char *agency, const char *code,
    uint32_t issue, Eiso__DocIssue **d)
{
	uint8_t key[APPLY_KEY_MAX];
	MDB_val k = { apply_key(key, agency, code, issue, 1), key }, v;
	int rc;

	*d = NULL;
	if ((rc = store_rc(mdb_get(txn, store_dbi(h->st, HDB_VERSIONS), &k, &v))) != 0)
		return rc;
	if ((*d = eiso__doc_issue__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "document %s issue %u is corrupt", code, issue);
	return 0;
}

int
apply_doc_versions(MDB_txn *txn, const struct hub *h, const char *agency, const char *code,
    apply_version_fn fn, void *arg)
{
	uint8_t key[APPLY_KEY_MAX];
	size_t klen = apply_key(key, agency, code, 0, 0);
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	key[klen++] = '\0';
	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, HDB_VERSIONS), &cur))) != 0)
		return rc;
	k.mv_data = key;
	k.mv_size = klen;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Eiso__DocIssue *d;

		if (k.mv_size != klen + 4 || memcmp(k.mv_data, key, klen) != 0)
			break;
		if ((d = eiso__doc_issue__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
			continue;
		rc = fn(d, arg);
		eiso__doc_issue__free_unpacked(d, NULL);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Store a message packed straight into the map under key. */
static int
apply_put(MDB_txn *txn, MDB_dbi dbi, const uint8_t *key, size_t klen, const ProtobufCMessage *m)
{
	MDB_val k = { klen, (void *)key }, v = { protobuf_c_message_get_packed_size(m), NULL };
	int rc;

	if ((rc = store_rc(mdb_put(txn, dbi, &k, &v, MDB_RESERVE))) != 0)
		return rc;
	protobuf_c_message_pack(m, v.mv_data);
	return 0;
}

static int
apply_doc(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__DocIssue *d)
{
	Eiso__DocIssue *old = NULL;
	Eiso__DocRecord rec = EISO__DOC_RECORD__INIT, *prev = NULL;
	uint8_t key[APPLY_KEY_MAX];
	MDB_val k, v;
	int rc;

	rc = apply_doc_version(txn, h, agency, d->code, d->issue, &old);
	if (rc == 0) {
		rc = apply_doc_stats(txn, h, agency, old, -1);
		eiso__doc_issue__free_unpacked(old, NULL);
		if (rc != 0)
			return rc;
	} else if (rc != EISO_NOTFOUND) {
		return rc;
	}
	if ((rc = apply_doc_stats(txn, h, agency, d, +1)) != 0 ||
	    (rc = published_update(txn, h, agency, d)) != 0 ||
	    (rc = apply_put(txn, store_dbi(h->st, HDB_VERSIONS), key,
	    apply_key(key, agency, d->code, d->issue, 1), &d->base)) != 0)
		return rc;

	/* The index: newest issue, and the one in force. */
	k.mv_data = key;
	k.mv_size = apply_key(key, agency, d->code, 0, 0);
	rc = mdb_get(txn, store_dbi(h->st, HDB_DOCS), &k, &v);
	if (rc == 0 && (prev = eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data)) != NULL) {
		rec.latest = prev->latest;
		rec.current = prev->current;
	} else if (rc != 0 && rc != MDB_NOTFOUND) {
		return store_rc(rc);
	}
	rec.code = d->code;
	rec.kind = d->kind;
	if (d->issue > rec.latest)
		rec.latest = d->issue;
	if (strcmp(d->status, "effective") == 0)
		rec.current = d->issue;
	else if (rec.current == d->issue)
		rec.current = 0;   /* superseded (the next one arrives too) or withdrawn */
	rc = apply_put(txn, store_dbi(h->st, HDB_DOCS), key, k.mv_size, &rec.base);
	if (prev != NULL)
		eiso__doc_record__free_unpacked(prev, NULL);
	/* The search index follows the issue in force, when it is public. */
	if (rc == 0)
		rc = search_update(txn, h, agency, d->code, rec.current);
	return rc;
}

static int
apply_file(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__RecordFile *f)
{
	uint8_t key[APPLY_KEY_MAX];
	MDB_val k = { apply_key(key, agency, f->code, 0, 0), key }, v;
	int rc, existed;

	rc = mdb_get(txn, store_dbi(h->st, HDB_RECORDS), &k, &v);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_rc(rc);
	existed = rc == 0;
	if (!existed && (rc = apply_stat_add(txn, h, agency, "file:count", +1)) != 0)
		return rc;
	return apply_put(txn, store_dbi(h->st, HDB_RECORDS), key, k.mv_size, &f->base);
}

static int
apply_case(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__Case *c)
{
	uint8_t key[APPLY_KEY_MAX];
	MDB_val k = { apply_key(key, agency, c->code, 0, 0), key }, v;
	Eiso__Case *old;
	int rc;

	rc = mdb_get(txn, store_dbi(h->st, HDB_CASES), &k, &v);
	if (rc == 0) {
		if ((old = eiso__case__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
			return eiso_seterr(EISO_STORE, "case %s is corrupt", c->code);
		rc = apply_case_stats(txn, h, agency, old, -1);
		eiso__case__free_unpacked(old, NULL);
		if (rc != 0)
			return rc;
	} else if (rc != MDB_NOTFOUND) {
		return store_rc(rc);
	}
	if ((rc = apply_case_stats(txn, h, agency, c, +1)) != 0)
		return rc;
	return apply_put(txn, store_dbi(h->st, HDB_CASES), key, k.mv_size, &c->base);
}

int
apply_count_set(MDB_txn *txn, const struct hub *h, const char *agency, int64_t now_ms)
{
	time_t t = (time_t)(now_ms / 1000) + 7 * 3600;     /* the day in Asia/Ho_Chi_Minh */
	char name[24];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(name, sizeof(name), "sets:%Y-%m-%d", &tm);
	return apply_stat_add(txn, h, agency, name, +1);
}

int
apply_change(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__Change *c)
{
	switch (c->op_case) {
	case EISO__CHANGE__OP_DOC_ISSUE:
		return apply_doc(txn, h, agency, c->doc_issue);
	case EISO__CHANGE__OP_RECORD_FILE:
		return apply_file(txn, h, agency, c->record_file);
	case EISO__CHANGE__OP_CASE:
		return apply_case(txn, h, agency, c->case_);
	default:
		return eiso_seterr(EISO_PARSE, "unknown change operation");
	}
}
