/*
 * search.c: the public search index: an inverted index in LMDB over the documents that are
 * public and in force, kept up to date in the transaction that applies each change.
 *
 * words:   word \0 agency \0 code  -> score (be32): title and code weigh 4, file names and
 *          other metadata 2, the supplied text 1, per occurrence
 * searched: agency \0 code         -> the words indexed for it, each NUL-terminated, so
 *          re-indexing removes exactly what was added
 * Words are folded by common/text.c: a query "quy trinh tiep nhan ho so" matches
 * "Quy trình tiếp nhận hồ sơ". All query words must match; the last may be a prefix.
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "grow.h"
#include "core/core.h"
#include "text.h"
#include "wire.h"

#define SEARCH_KEY_MAX (TEXT_MAX_WORD + 1 + WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE)
#define SEARCH_MAX_WORDS 4096       /* distinct words indexed per document */
#define SEARCH_MAX_QUERY 16

struct word_score {
	char word[TEXT_MAX_WORD + 1];
	uint32_t score;
};

struct collect {
	struct word_score *w;
	size_t n, cap;
	uint32_t weight;
};

static int
search_collect(const char *word, size_t len, void *arg)
{
	struct collect *c = arg;

	(void)len;
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->w[i].word, word) == 0) {
			c->w[i].score += c->weight;
			return 0;
		}
	}
	if (c->n == SEARCH_MAX_WORDS)
		return 0;
	if (eiso_grow(&c->w, c->n, &c->cap, sizeof(*c->w), 64) != 0)
		return EISO_NOMEM;
	strcpy(c->w[c->n].word, word);
	c->w[c->n].score = c->weight;
	c->n++;
	return 0;
}

static size_t
search_key(uint8_t *key, const char *word, const char *agency, const char *code)
{
	size_t a = strlen(word), b = strlen(agency), c = strlen(code);

	memcpy(key, word, a);
	key[a] = '\0';
	memcpy(key + a + 1, agency, b);
	key[a + 1 + b] = '\0';
	memcpy(key + a + 2 + b, code, c);
	return a + 2 + b + c;
}

/* Remove what was indexed for a document. */
static int
search_remove(MDB_txn *txn, const struct hub *h, const char *agency, const char *code)
{
	uint8_t dkey[WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 1], key[SEARCH_KEY_MAX];
	MDB_val k = { agency_key(dkey, sizeof(dkey), agency, code, strlen(code)), dkey }, v, wk;
	const char *p, *end;
	int rc;

	if ((rc = mdb_get(txn, store_dbi(h->st, HDB_SEARCHED), &k, &v)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return store_rc(rc);
	for (p = v.mv_data, end = p + v.mv_size; p < end; p += strlen(p) + 1) {
		wk.mv_data = key;
		wk.mv_size = search_key(key, p, agency, code);
		rc = mdb_del(txn, store_dbi(h->st, HDB_WORDS), &wk, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return store_rc(rc);
	}
	return store_rc(mdb_del(txn, store_dbi(h->st, HDB_SEARCHED), &k, NULL));
}

static int
search_add(MDB_txn *txn, const struct hub *h, const char *agency, const Eiso__DocIssue *d)
{
	struct collect c = { NULL, 0, 0, 0 };
	uint8_t dkey[WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 1], key[SEARCH_KEY_MAX], be[4];
	MDB_val k, v;
	size_t total = 0;
	char *list = NULL, *p;
	int rc = 0;

	c.weight = 4;
	if ((rc = text_words(d->title, search_collect, &c)) != 0 ||
	    (rc = text_words(d->code, search_collect, &c)) != 0)
		goto done;
	c.weight = 2;
	for (size_t i = 0; i < d->n_files && rc == 0; i++)
		rc = text_words(d->files[i]->name, search_collect, &c);
	if (rc == 0)
		rc = text_words(d->owner_unit, search_collect, &c);
	if (rc == 0 && d->origin != NULL) {
		if ((rc = text_words(d->origin->issuer, search_collect, &c)) == 0)
			rc = text_words(d->origin->number, search_collect, &c);
	}
	c.weight = 1;
	if (rc == 0)
		rc = text_words(d->text, search_collect, &c);
	if (rc != 0)
		goto done;
	for (size_t i = 0; i < c.n; i++) {
		be[0] = (uint8_t)(c.w[i].score >> 24);
		be[1] = (uint8_t)(c.w[i].score >> 16);
		be[2] = (uint8_t)(c.w[i].score >> 8);
		be[3] = (uint8_t)c.w[i].score;
		k.mv_data = key;
		k.mv_size = search_key(key, c.w[i].word, agency, d->code);
		v.mv_data = be;
		v.mv_size = sizeof(be);
		if ((rc = store_rc(mdb_put(txn, store_dbi(h->st, HDB_WORDS), &k, &v, 0))) != 0)
			goto done;
		total += strlen(c.w[i].word) + 1;
	}
	if ((list = malloc(total ? total : 1)) == NULL) {
		rc = EISO_NOMEM;
		goto done;
	}
	for (size_t i = 0, off = 0; i < c.n; i++) {
		p = stpcpy(list + off, c.w[i].word);
		off = (size_t)(p - list) + 1;
	}
	k.mv_data = dkey;
	k.mv_size = agency_key(dkey, sizeof(dkey), agency, d->code, strlen(d->code));
	v.mv_data = list;
	v.mv_size = total;
	rc = store_rc(mdb_put(txn, store_dbi(h->st, HDB_SEARCHED), &k, &v, 0));
done:
	free(list);
	free(c.w);
	return rc;
}

int
search_update(MDB_txn *txn, const struct hub *h, const char *agency, const char *code,
    uint32_t current)
{
	Eiso__DocIssue *d = NULL;
	int rc;

	if ((rc = search_remove(txn, h, agency, code)) != 0)
		return rc;
	if (current == 0)
		return 0;
	if ((rc = apply_doc_version(txn, h, agency, code, current, &d)) != 0)
		return rc;
	if (strcmp(d->access, "public") == 0 && strcmp(d->status, "effective") == 0)
		rc = search_add(txn, h, agency, d);
	eiso__doc_issue__free_unpacked(d, NULL);
	return rc;
}

/* A candidate: agency \0 code, and its score so far. */
struct hit {
	char key[WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 1];
	size_t klen;
	uint32_t score;
};

static int
hit_cmp_key(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

static int
hit_cmp_score(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return hit_cmp_key(a, b);
}

struct hits {
	struct hit *h;
	size_t n, cap;
};

static int
hits_add(struct hits *hs, const char *key, size_t klen, uint32_t score)
{
	if (klen >= sizeof(hs->h[0].key))
		return 0;
	if (eiso_grow(&hs->h, hs->n, &hs->cap, sizeof(*hs->h), 64) != 0)
		return EISO_NOMEM;
	memcpy(hs->h[hs->n].key, key, klen);
	hs->h[hs->n].klen = klen;
	hs->h[hs->n].score = score;
	hs->n++;
	return 0;
}

/* Documents matching one word (exact, or any word it begins when prefix), merged by key. */
static int
search_word(MDB_txn *txn, const struct hub *h, const char *word, int prefix, struct hits *out)
{
	size_t wl = strlen(word);
	MDB_cursor *c;
	MDB_val k = { wl + (prefix ? 0 : 1), (void *)word }, v;
	int rc;

	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, HDB_WORDS), &c))) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const char *kp = k.mv_data, *doc;
		size_t klen = k.mv_size;

		if (klen < wl + 1 || memcmp(kp, word, wl) != 0 || (!prefix && kp[wl] != '\0'))
			break;
		if ((doc = memchr(kp, '\0', klen)) == NULL || v.mv_size != 4)
			continue;
		doc++;
		if ((rc = hits_add(out, doc, klen - (size_t)(doc - kp),
		    (uint32_t)((const uint8_t *)v.mv_data)[0] << 24 |
		    (uint32_t)((const uint8_t *)v.mv_data)[1] << 16 |
		    (uint32_t)((const uint8_t *)v.mv_data)[2] << 8 |
		    ((const uint8_t *)v.mv_data)[3])) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_rc(rc);
	/* A prefix can match several words of one document: merge them. */
	if (out->n > 1)            /* qsort of NULL, 0 is undefined (UBSan says so) */
		qsort(out->h, out->n, sizeof(*out->h), hit_cmp_key);
	size_t w = 0;
	for (size_t i = 0; i < out->n; i++) {
		if (w > 0 && hit_cmp_key(&out->h[w - 1], &out->h[i]) == 0)
			out->h[w - 1].score += out->h[i].score;
		else
			out->h[w++] = out->h[i];
	}
	out->n = w;
	return 0;
}

struct query {
	char words[SEARCH_MAX_QUERY][TEXT_MAX_WORD + 1];
	int n;
};

static int
query_collect(const char *word, size_t len, void *arg)
{
	struct query *q = arg;

	(void)len;
	for (int i = 0; i < q->n; i++)
		if (strcmp(q->words[i], word) == 0)
			return 0;
	if (q->n < SEARCH_MAX_QUERY)
		strcpy(q->words[q->n++], word);
	return 0;
}

int
search_query(MDB_txn *txn, const struct hub *h, const char *text, const char *agency,
    const char *kind, size_t offset, size_t limit, search_hit_fn fn, void *arg,
    size_t *total)
{
	struct query q;
	struct hits acc = { NULL, 0, 0 };
	int rc;

	*total = 0;
	memset(&q, 0, sizeof(q));
	if ((rc = text_words(text, query_collect, &q)) != 0)
		return rc;
	if (q.n == 0)
		return 0;
	for (int i = 0; i < q.n; i++) {
		struct hits one = { NULL, 0, 0 };
		size_t a = 0, b = 0, w = 0;

		/* The last word may be unfinished: match it as a prefix. */
		if ((rc = search_word(txn, h, q.words[i], i == q.n - 1, &one)) != 0) {
			free(one.h);
			goto done;
		}
		if (i == 0) {
			acc = one;
			continue;
		}
		while (a < acc.n && b < one.n) {   /* every word must match: intersect */
			int c = hit_cmp_key(&acc.h[a], &one.h[b]);
			if (c == 0) {
				acc.h[w] = acc.h[a];
				acc.h[w++].score += one.h[b].score;
				a++;
				b++;
			} else if (c < 0) {
				a++;
			} else {
				b++;
			}
		}
		acc.n = w;
		free(one.h);
	}
	/* Filters, then rank. */
	size_t w = 0;
	for (size_t i = 0; i < acc.n; i++) {
		const char *code = memchr(acc.h[i].key, '\0', acc.h[i].klen);
		char ag[WIRE_MAX_AGENCY + 1], cd[DOMAIN_MAX_CODE + 1];
		MDB_val v;
		uint8_t dkey[WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 1];
		MDB_val k;

		if (code == NULL)
			continue;
		snprintf(ag, sizeof(ag), "%.*s", (int)(code - acc.h[i].key), acc.h[i].key);
		code++;
		snprintf(cd, sizeof(cd), "%.*s", (int)(acc.h[i].klen - (size_t)(code - acc.h[i].key)),
		    code);
		if (agency != NULL && strcmp(agency, ag) != 0)
			continue;
		if (kind != NULL) {
			Eiso__DocRecord *rec;
			int keep = 0;

			k.mv_data = dkey;
			k.mv_size = agency_key(dkey, sizeof(dkey), ag, cd, strlen(cd));
			if (mdb_get(txn, store_dbi(h->st, HDB_DOCS), &k, &v) == 0 &&
			    (rec = eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data)) != NULL) {
				keep = strcmp(rec->kind, kind) == 0;
				eiso__doc_record__free_unpacked(rec, NULL);
			}
			if (!keep)
				continue;
		}
		acc.h[w++] = acc.h[i];
	}
	acc.n = w;
	if (acc.n > 1)
		qsort(acc.h, acc.n, sizeof(*acc.h), hit_cmp_score);
	*total = acc.n;
	for (size_t i = offset; i < acc.n && i < offset + limit; i++) {
		const char *code = memchr(acc.h[i].key, '\0', acc.h[i].klen);
		char ag[WIRE_MAX_AGENCY + 1], cd[DOMAIN_MAX_CODE + 1];

		snprintf(ag, sizeof(ag), "%.*s", (int)(code - acc.h[i].key), acc.h[i].key);
		code++;
		snprintf(cd, sizeof(cd), "%.*s", (int)(acc.h[i].klen - (size_t)(code - acc.h[i].key)),
		    code);
		if ((rc = fn(ag, cd, acc.h[i].score, arg)) != 0)
			break;
	}
done:
	free(acc.h);
	return rc;
}
