/*
 * apply.c: what an applied change does to the hub's tables, per agency. Every issue of every
 * document is kept (versions), with an index of the newest and the in-force issue (docs);
 * record files and cases are kept as their latest state. Counters the dashboard needs
 * (documents by kind and status, cases by status, on time and late, with an electronic record
 * file) are kept up to date in the same transaction, so reading them never scans.
 *
 * The same goes for documents in force and their reviews: each agency counts its documents
 * with an issue in force ("in_force") and those by next review date ("review:YYYY-MM-DD"),
 * and the reviews table indexes them as next review date, agency, NUL, code -> issue (be32),
 * so "reviews overdue" is a range up to today, never a walk of every document. The index and
 * the counters hold exactly the issue in force of each document, when it has a review date.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain.h"
#include "err.h"
#include "i18n.h"
#include "core/core.h"
#include "wire.h"

#define APPLY_KEY_MAX (WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 1 + 8)
#define APPLY_DATE 10           /* YYYY-MM-DD */

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
	/* A counter back at zero goes: a review date long past must not stay to be read. */
	if (v == 0) {
		rc = mdb_del(txn, store_dbi(h->st, HDB_STATS), &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : store_rc(rc);
	}
	return store_rc(mdb_put(txn, store_dbi(h->st, HDB_STATS), &k, &d, 0));
}

int
apply_stats(MDB_txn *txn, const struct hub *h, const char *agency, const char *prefix,
    const char *before, apply_stat_fn fn, void *arg)
{
	uint8_t key[APPLY_KEY_MAX + 64], end[APPLY_KEY_MAX + 64];
	size_t klen = agency_key(key, sizeof(key), agency, prefix, strlen(prefix)), elen = 0;
	size_t alen = strlen(agency) + 1;
	char name[96];
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if (before != NULL) {
		memcpy(end, key, klen);
		elen = klen + strlen(before);
		if (elen > sizeof(end))
			return EISO_INVAL;
		memcpy(end + klen, before, strlen(before));
	}
	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, HDB_STATS), &c))) != 0)
		return rc;
	k.mv_data = key;
	k.mv_size = klen;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		size_t n = k.mv_size - alen;

		if (k.mv_size < klen || memcmp(k.mv_data, key, klen) != 0)
			break;
		if (before != NULL) {
			int cmp = memcmp(k.mv_data, end, k.mv_size < elen ? k.mv_size : elen);
			if (cmp > 0 || (cmp == 0 && k.mv_size >= elen))
				break;
		}
		if (v.mv_size != 8 || n >= sizeof(name) || store_get_be64(v.mv_data) == 0)
			continue;
		memcpy(name, (const char *)k.mv_data + alen, n);
		name[n] = '\0';
		if ((rc = fn(name, store_get_be64(v.mv_data), arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int
apply_sum(const char *name, uint64_t v, void *arg)
{
	(void)name;
	*(uint64_t *)arg += v;
	return 0;
}

int
apply_reviews_due(MDB_txn *txn, const struct hub *h, const char *agency, const char *before,
    uint64_t *n)
{
	*n = 0;
	return apply_stats(txn, h, agency, "review:", before, apply_sum, n);
}

/* A review date the index can hold: YYYY-MM-DD (what domain_check_doc lets in). */
static int
apply_has_review(const char *date)
{
	return date != NULL && strlen(date) == APPLY_DATE;
}

/* date agency \0 code */
static size_t
apply_review_key(uint8_t *key, const char *date, const char *agency, const char *code)
{
	memcpy(key, date, APPLY_DATE);
	return APPLY_DATE + agency_key(key + APPLY_DATE, APPLY_KEY_MAX, agency, code,
	    strlen(code));
}

/*
 * Issue `issue` of document code enters (+1) or leaves (-1) the agency's documents in force:
 * the counters and, with a review date, the reviews index.
 */
static int
apply_in_force(MDB_txn *txn, const struct hub *h, const char *agency, const char *code,
    uint32_t issue, const char *next_review, int delta)
{
	uint8_t key[APPLY_DATE + APPLY_KEY_MAX], val[4];
	char name[24];
	MDB_val k, v = { sizeof(val), val };
	int rc;

	if ((rc = apply_stat_add(txn, h, agency, "in_force", delta)) != 0 ||
	    !apply_has_review(next_review))
		return rc;
	snprintf(name, sizeof(name), "review:%s", next_review);
	if ((rc = apply_stat_add(txn, h, agency, name, delta)) != 0)
		return rc;
	k.mv_data = key;
	k.mv_size = apply_review_key(key, next_review, agency, code);
	if (delta < 0) {
		rc = mdb_del(txn, store_dbi(h->st, HDB_REVIEWS), &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : store_rc(rc);
	}
	for (int i = 0; i < 4; i++)
		val[i] = (uint8_t)(issue >> (24 - 8 * i));
	return store_rc(mdb_put(txn, store_dbi(h->st, HDB_REVIEWS), &k, &v, 0));
}

int
apply_reviews(MDB_txn *txn, const struct hub *h, const char *agency, const char *before,
    apply_review_fn fn, void *arg)
{
	char date[APPLY_DATE + 1], ag[WIRE_MAX_AGENCY + 1], code[DOMAIN_MAX_CODE + 1];
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, HDB_REVIEWS), &c))) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const char *p = (const char *)k.mv_data + APPLY_DATE, *nul;
		size_t rest = k.mv_size - APPLY_DATE, alen;
		const uint8_t *iv = v.mv_data;

		if (k.mv_size <= APPLY_DATE || v.mv_size != 4)
			continue;
		memcpy(date, k.mv_data, APPLY_DATE);
		date[APPLY_DATE] = '\0';
		if (before != NULL && strcmp(date, before) >= 0)
			break;
		if ((nul = memchr(p, '\0', rest)) == NULL || (alen = (size_t)(nul - p)) >
		    WIRE_MAX_AGENCY || rest - alen - 1 > DOMAIN_MAX_CODE)
			continue;
		memcpy(ag, p, alen);
		ag[alen] = '\0';
		if (agency != NULL && strcmp(ag, agency) != 0)
			continue;
		memcpy(code, nul + 1, rest - alen - 1);
		code[rest - alen - 1] = '\0';
		if ((rc = fn(date, ag, code, (uint32_t)iv[0] << 24 | (uint32_t)iv[1] << 16 |
		    (uint32_t)iv[2] << 8 | iv[3], arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Is a stats name one apply_in_force keeps? */
static int
apply_in_force_stat(const uint8_t *name, size_t n)
{
	return (n == 8 && memcmp(name, "in_force", 8) == 0) ||
	    (n >= 7 && memcmp(name, "review:", 7) == 0);
}

int
apply_rebuild_in_force(MDB_txn *txn, const struct hub *h)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	/* From scratch: the index, then every agency's in-force and review counters. */
	if ((rc = store_rc(mdb_drop(txn, store_dbi(h->st, HDB_REVIEWS), 0))) != 0 ||
	    (rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, HDB_STATS), &c))) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const uint8_t *nul = memchr(k.mv_data, '\0', k.mv_size);

		if (nul != NULL && apply_in_force_stat(nul + 1, k.mv_size -
		    (size_t)(nul + 1 - (const uint8_t *)k.mv_data)) &&
		    (rc = mdb_cursor_del(c, 0)) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return store_rc(rc);
	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, HDB_DOCS), &c))) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const char *nul = memchr(k.mv_data, '\0', k.mv_size);
		char agency[WIRE_MAX_AGENCY + 1];
		Eiso__DocRecord *rec;
		Eiso__DocIssue *d;
		size_t alen;

		if (nul == NULL || (alen = (size_t)(nul - (const char *)k.mv_data)) >
		    WIRE_MAX_AGENCY)
			continue;
		memcpy(agency, k.mv_data, alen);
		agency[alen] = '\0';
		if ((rec = eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
			continue;
		rc = 0;
		if (rec->current != 0 &&
		    apply_doc_version(txn, h, agency, rec->code, rec->current, &d) == 0) {
			rc = apply_in_force(txn, h, agency, rec->code, d->issue, d->next_review, +1);
			eiso__doc_issue__free_unpacked(d, NULL);
		}
		eiso__doc_record__free_unpacked(rec, NULL);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
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
apply_in_force_span(MDB_txn *txn, const struct hub *h, const char *agency,
    const Eiso__DocIssue *d, char from[11], char until[11])
{
	Eiso__DocIssue *next = NULL;
	int rc = 0;

	from[0] = until[0] = '\0';
	if (strcmp(d->status, "effective") != 0 && strcmp(d->status, "superseded") != 0 &&
	    strcmp(d->status, "withdrawn") != 0)
		return 0;
	if (domain_date_ok(d->effective_date))
		snprintf(from, 11, "%s", d->effective_date);
	else
		i18n_day(from, d->updated);
	if (strcmp(d->status, "effective") == 0)
		return 0;
	i18n_day(until, d->updated);
	if (strcmp(d->status, "superseded") == 0 && d->superseded_by != 0) {
		rc = apply_doc_version(txn, h, agency, d->code, d->superseded_by, &next);
		if (rc == 0 && domain_date_ok(next->effective_date))
			snprintf(until, 11, "%s", next->effective_date);
		else if (rc == EISO_NOTFOUND)
			rc = 0;
		if (next != NULL)
			eiso__doc_issue__free_unpacked(next, NULL);
	}
	if (strcmp(until, from) < 0)
		memcpy(until, from, 11);
	return rc;
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

static int
apply_doc(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__DocIssue *d)
{
	Eiso__DocIssue *old = NULL, *leaving = NULL;
	Eiso__DocRecord rec = EISO__DOC_RECORD__INIT, *prev = NULL;
	uint8_t key[APPLY_KEY_MAX];
	MDB_val k, v;
	uint32_t was;
	int rc;

	rc = apply_doc_version(txn, h, agency, d->code, d->issue, &old);
	if (rc == 0)
		rc = apply_doc_stats(txn, h, agency, old, -1);
	else if (rc == EISO_NOTFOUND)
		rc = 0;
	if (rc != 0)
		goto done;

	/* The index: newest issue, and the one in force. */
	k.mv_data = key;
	k.mv_size = apply_key(key, agency, d->code, 0, 0);
	rc = mdb_get(txn, store_dbi(h->st, HDB_DOCS), &k, &v);
	if (rc == 0 && (prev = eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data)) != NULL) {
		rec.latest = prev->latest;
		rec.current = prev->current;
	} else if (rc != 0 && rc != MDB_NOTFOUND) {
		rc = store_rc(rc);
		goto done;
	}
	was = rec.current;
	rec.code = d->code;
	rec.kind = d->kind;
	if (d->issue > rec.latest)
		rec.latest = d->issue;
	if (strcmp(d->status, "effective") == 0)
		rec.current = d->issue;
	else if (rec.current == d->issue)
		rec.current = 0;   /* superseded (the next one arrives too) or withdrawn */

	/*
	 * Documents in force and their reviews: the issue that was in force leaves, the one now
	 * in force (always d when there is one) enters. The same issue sent again leaves and
	 * enters, its review date perhaps changed; another issue in force stays as it was.
	 */
	rc = 0;
	if (was != 0 && (was != rec.current || was == d->issue)) {
		if (was == d->issue)
			leaving = old;
		else if ((rc = apply_doc_version(txn, h, agency, d->code, was, &leaving)) ==
		    EISO_NOTFOUND)
			rc = 0;
		if (rc == 0)
			rc = apply_in_force(txn, h, agency, d->code, was, leaving != NULL ?
			    leaving->next_review : NULL, -1);
		if (leaving != old)
			eiso__doc_issue__free_unpacked(leaving, NULL);
	}
	if (rc == 0 && rec.current != 0 && (rec.current != was || was == d->issue))
		rc = apply_in_force(txn, h, agency, d->code, d->issue, d->next_review, +1);

	if (rc != 0 ||
	    (rc = apply_doc_stats(txn, h, agency, d, +1)) != 0 ||
	    (rc = published_update(txn, h, agency, d)) != 0 ||
	    (rc = store_put_pb(txn, store_dbi(h->st, HDB_VERSIONS), key,
	    apply_key(key, agency, d->code, d->issue, 1), &d->base, 0)) != 0)
		goto done;
	k.mv_size = apply_key(key, agency, d->code, 0, 0);
	rc = store_put_pb(txn, store_dbi(h->st, HDB_DOCS), key, k.mv_size, &rec.base, 0);
	/* The search index follows the issue in force, when it is public. */
	if (rc == 0)
		rc = search_update(txn, h, agency, d->code, rec.current);
done:
	if (prev != NULL)
		eiso__doc_record__free_unpacked(prev, NULL);
	if (old != NULL)
		eiso__doc_issue__free_unpacked(old, NULL);
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
	return store_put_pb(txn, store_dbi(h->st, HDB_RECORDS), key, k.mv_size, &f->base, 0);
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
	return store_put_pb(txn, store_dbi(h->st, HDB_CASES), key, k.mv_size, &c->base, 0);
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
