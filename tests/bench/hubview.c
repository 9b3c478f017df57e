/*
 * hubview.c: read-only access to a hub's store for the load generator, kept apart from
 * nodes.c because the hub's and the node's private headers each declare their own config
 * functions. Readers never block the hub's writer (LMDB), so polling costs the hub nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "domain.h"
#include "err.h"
#include "core/core.h"
#include "wire.h"

struct hubview {
	struct hub h;
	MDB_txn *txn;
	MDB_cursor *docs;
};

int
hubview_open(const char *conf, struct hubview **out)
{
	struct hubview *hv;
	int rc;

	if ((hv = calloc(1, sizeof(*hv))) == NULL)
		return EISO_NOMEM;
	if ((rc = hub_open(conf, 1, &hv->h)) != 0) {
		free(hv);
		return rc;
	}
	*out = hv;
	return 0;
}

void
hubview_close(struct hubview **hv)
{
	if (*hv == NULL)
		return;
	hubview_end(*hv);
	hub_close(&(*hv)->h);
	free(*hv);
	*hv = NULL;
}

store_t *
hubview_store(struct hubview *hv, struct blob_tables *bt)
{
	*bt = hv->h.bt;
	return hv->h.st;
}

int
hubview_begin(struct hubview *hv)
{
	int rc;

	if ((rc = store_read_begin(hv->h.st, &hv->txn)) != 0)
		return rc;
	if ((rc = store_rc(mdb_cursor_open(hv->txn, store_dbi(hv->h.st, HDB_DOCS),
	    &hv->docs))) != 0)
		store_read_end(&hv->txn);
	return rc;
}

void
hubview_end(struct hubview *hv)
{
	if (hv->docs != NULL) {
		mdb_cursor_close(hv->docs);
		hv->docs = NULL;
	}
	store_read_end(&hv->txn);
}

/*
 * Does the hub's docs table hold the agency's document? Its key is agency NUL code; codes of
 * one width make a key prefix name exactly one code.
 */
int
hubview_has_doc(struct hubview *hv, const char *agency, const char *code)
{
	uint8_t key[WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE], prefix[sizeof(key)];
	MDB_val k, v;
	size_t plen;

	if ((plen = agency_key(key, sizeof(key), agency, code, strlen(code))) == 0)
		return 0;
	memcpy(prefix, key, plen);
	k.mv_data = key;
	k.mv_size = plen;
	if (mdb_cursor_get(hv->docs, &k, &v, MDB_SET_RANGE) != 0)
		return 0;
	return k.mv_size >= plen && memcmp(k.mv_data, prefix, plen) == 0;
}
