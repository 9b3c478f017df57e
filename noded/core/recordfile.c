/*
 * recordfile.c: record files (ho so) at the node, with the metadata of Decree 30/2020/ND-CP
 * Appendix VI. A record file's code is OrganId.FileCatalog.FileNotation; documents are filed
 * in it by reference (code and issue), so one document may sit in several files without
 * being copied; the document and page totals are counted from the entries, never typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "core/core.h"

struct file_txn {
	struct node *n;
	enum file_op op;
	const struct file_request *r;
	uint8_t *result;
	size_t rlen;
};

int
recordfile_get(MDB_txn *txn, struct node *n, const char *code, Eiso__RecordFile **f)
{
	MDB_val k = { strlen(code), (void *)code }, v;
	int rc;

	*f = NULL;
	/* Checked first: a code longer than LMDB's key limit would be a storage error. */
	if (!domain_code_ok(code))
		return eiso_seterr(EISO_INVAL, "file_code: '%.80s' is not a record file code (1-%d "
		    "of letters, digits . _ - /)", code, DOMAIN_MAX_CODE);
	if ((rc = store_rc(mdb_get(txn, store_dbi(n->st, NDB_RECORDS), &k, &v))) != 0)
		return rc == EISO_NOTFOUND ?
		    eiso_seterr(EISO_NOTFOUND, "file_code: no record file %s", code) : rc;
	if ((*f = eiso__record_file__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "record file %s is corrupt", code);
	return 0;
}

static int
recordfile_store(MDB_txn *txn, struct file_txn *t, Eiso__RecordFile *f)
{
	Eiso__Change change = EISO__CHANGE__INIT;
	int rc;

	/* Totals are counted, never typed. */
	f->doc_total = (uint32_t)f->n_entries;
	f->page_total = 0;
	for (size_t i = 0; i < f->n_entries; i++)
		f->page_total += f->entries[i]->pages;
	f->updated = store_now_ms();
	if ((rc = domain_check_file(f)) != 0 ||
	    (rc = store_put_pb(txn, store_dbi(t->n->st, NDB_RECORDS), f->code, strlen(f->code),
	    &f->base, 0)) != 0)
		return rc;
	change.op_case = EISO__CHANGE__OP_RECORD_FILE;
	change.record_file = f;
	if ((rc = outbox_append(txn, t->n, &change)) != 0)
		return rc;
	free(t->result);
	t->rlen = eiso__record_file__get_packed_size(f);
	if ((t->result = malloc(t->rlen)) == NULL)
		return EISO_NOMEM;
	eiso__record_file__pack(f, t->result);
	return 0;
}

static int
recordfile_new_txn(MDB_txn *txn, struct file_txn *t)
{
	const struct file_request *r = t->r;
	Eiso__RecordFile f = EISO__RECORD_FILE__INIT, *old;
	char code[3 * DOMAIN_MAX_CODE + 4], today[11], *end;
	unsigned long y;
	int rc;

	if (r->organ_id == NULL || r->catalog == NULL || r->notation == NULL)
		return eiso_seterr(EISO_INVAL, "organ_id, catalog and notation are required (the "
		    "file code is OrganId.FileCatalog.FileNotation)");
	snprintf(code, sizeof(code), "%s.%s.%s", r->organ_id, r->catalog, r->notation);
	if ((rc = recordfile_get(txn, t->n, code, &old)) == 0) {
		eiso__record_file__free_unpacked(old, NULL);
		return eiso_seterr(EISO_EXISTS, "file_code: record file %s already exists", code);
	}
	if (rc != EISO_NOTFOUND)
		return rc;
	f.code = code;
	f.organ_id = (char *)r->organ_id;
	f.catalog = (char *)r->catalog;
	f.notation = (char *)r->notation;
	f.title = (char *)(r->title ? r->title : "");
	f.access = (char *)(r->access ? r->access : "internal");
	f.creator = (char *)(r->creator ? r->creator : "");
	domain_today(today);
	f.start_date = (char *)(r->start_date ? r->start_date : today);
	f.end_date = "";
	f.status = "open";
	if (r->retention == NULL || strcmp(r->retention, "permanent") == 0) {
		f.retention_permanent = r->retention != NULL;
		if (r->retention == NULL)
			return eiso_seterr(EISO_INVAL, "retention: required (years or 'permanent')");
	} else {
		y = strtoul(r->retention, &end, 10);
		if (r->retention[0] == '\0' || *end != '\0' || y == 0 || y > 200)
			return eiso_seterr(EISO_INVAL, "retention: '%s' is not a number of years "
			    "(1-200) or 'permanent'", r->retention);
		f.retention_years = (uint32_t)y;
	}
	return recordfile_store(txn, t, &f);
}

static int
recordfile_entry_txn(MDB_txn *txn, struct file_txn *t)
{
	const struct file_request *r = t->r;
	Eiso__RecordFile *old, f;
	Eiso__DocRecord *rec = NULL;
	Eiso__DocIssue *d = NULL;
	Eiso__FileEntry entry = EISO__FILE_ENTRY__INIT, **entries = NULL;
	uint32_t issue = r->issue;
	size_t n = 0;
	int rc;

	if ((rc = recordfile_get(txn, t->n, r->code, &old)) != 0)
		return rc;
	if (strcmp(old->status, "open") != 0) {
		rc = eiso_seterr(EISO_INVAL, "status: record file %s is closed", r->code);
		goto done;
	}
	if (r->doc_code == NULL) {
		rc = eiso_seterr(EISO_INVAL, "doc: the document code is required");
		goto done;
	}
	if (issue == 0) {
		if ((rc = document_index(txn, t->n, r->doc_code, &rec)) != 0)
			goto done;
		issue = rec->current ? rec->current : rec->latest;
	}
	if ((rc = document_get(txn, t->n, r->doc_code, issue, &d)) != 0)
		goto done;
	if ((entries = calloc(old->n_entries + 1, sizeof(*entries))) == NULL) {
		rc = EISO_NOMEM;
		goto done;
	}
	for (size_t i = 0; i < old->n_entries; i++) {
		int same = strcmp(old->entries[i]->doc_code, r->doc_code) == 0 &&
		    old->entries[i]->issue == issue;
		if (same && t->op == FILE_ADD) {
			rc = eiso_seterr(EISO_EXISTS, "doc: %s issue %u is already filed in %s",
			    r->doc_code, issue, r->code);
			goto done;
		}
		if (!same)
			entries[n++] = old->entries[i];
	}
	if (t->op == FILE_REMOVE && n == old->n_entries) {
		rc = eiso_seterr(EISO_NOTFOUND, "doc: %s issue %u is not filed in %s", r->doc_code,
		    issue, r->code);
		goto done;
	}
	if (t->op == FILE_ADD) {
		entry.doc_code = (char *)r->doc_code;
		entry.issue = issue;
		entry.added = store_now_ms();
		for (size_t i = 0; i < d->n_files; i++)
			entry.pages += d->files[i]->pages;
		entries[n++] = &entry;   /* entries stay in the order they were filed */
	}
	f = *old;
	f.entries = entries;
	f.n_entries = n;
	rc = recordfile_store(txn, t, &f);
done:
	free(entries);
	if (d != NULL)
		eiso__doc_issue__free_unpacked(d, NULL);
	if (rec != NULL)
		eiso__doc_record__free_unpacked(rec, NULL);
	eiso__record_file__free_unpacked(old, NULL);
	return rc;
}

static int
recordfile_close_txn(MDB_txn *txn, struct file_txn *t)
{
	Eiso__RecordFile *old, f;
	char today[11];
	int rc;

	if ((rc = recordfile_get(txn, t->n, t->r->code, &old)) != 0)
		return rc;
	if (strcmp(old->status, "open") != 0) {
		rc = eiso_seterr(EISO_INVAL, "status: record file %s is already closed",
		    t->r->code);
		goto done;
	}
	domain_today(today);
	f = *old;
	f.status = "closed";
	f.end_date = (char *)(t->r->end_date ? t->r->end_date : today);
	rc = recordfile_store(txn, t, &f);
done:
	eiso__record_file__free_unpacked(old, NULL);
	return rc;
}

static int
recordfile_txn(MDB_txn *txn, void *arg)
{
	struct file_txn *t = arg;

	if (t->op != FILE_NEW && (t->r->code == NULL || t->r->code[0] == '\0'))
		return eiso_seterr(EISO_INVAL, "file_code: required");
	switch (t->op) {
	case FILE_NEW: return recordfile_new_txn(txn, t);
	case FILE_ADD:
	case FILE_REMOVE: return recordfile_entry_txn(txn, t);
	case FILE_CLOSE: return recordfile_close_txn(txn, t);
	}
	return EISO_INVAL;
}

int
recordfile_do(struct node *n, enum file_op op, const struct file_request *r,
    Eiso__RecordFile **result)
{
	struct file_txn t = { n, op, r, NULL, 0 };
	int rc;

	*result = NULL;
	if ((rc = store_write(n->st, recordfile_txn, &t)) == 0 &&
	    (*result = eiso__record_file__unpack(NULL, t.rlen, t.result)) == NULL)
		rc = EISO_NOMEM;
	free(t.result);
	return rc;
}
