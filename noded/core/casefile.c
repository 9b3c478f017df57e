/*
 * casefile.c: administrative-procedure cases at the node. The applicant's name, ID number,
 * address and contact are stored here only (applicants table) and are never part of a
 * change: what replicates is the Case message, which has no field for them (I10).
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "core/core.h"

struct case_txn {
	struct node *n;
	enum case_op op;
	const struct case_request *r;
	uint8_t *result;
	size_t rlen;
};

int
case_get(MDB_txn *txn, struct node *n, const char *code, Eiso__Case **c, Eiso__Applicant **a)
{
	MDB_val k = { strlen(code), (void *)code }, v;
	int rc;

	*c = NULL;
	if (a != NULL)
		*a = NULL;
	/* Checked first: a code longer than LMDB's key limit would be a storage error. */
	if (!domain_code_ok(code))
		return eiso_seterr(EISO_INVAL, "code: '%.80s' is not a case code (1-%d of letters, "
		    "digits . _ - /)", code, DOMAIN_MAX_CODE);
	if ((rc = store_rc(mdb_get(txn, store_dbi(n->st, NDB_CASES), &k, &v))) != 0)
		return rc == EISO_NOTFOUND ?
		    eiso_seterr(EISO_NOTFOUND, "code: no case %s", code) : rc;
	if ((*c = eiso__case__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "case %s is corrupt", code);
	if (a != NULL && mdb_get(txn, store_dbi(n->st, NDB_APPLICANTS), &k, &v) == 0)
		*a = eiso__applicant__unpack(NULL, v.mv_size, v.mv_data);
	return 0;
}

static int
case_store(MDB_txn *txn, struct case_txn *t, Eiso__Case *c)
{
	Eiso__Change change = EISO__CHANGE__INIT;
	int rc;

	c->updated = store_now_ms();
	if ((rc = domain_check_case(c)) != 0 ||
	    (rc = store_put_pb(txn, store_dbi(t->n->st, NDB_CASES), c->code, strlen(c->code),
	    &c->base, 0)) != 0)
		return rc;
	change.op_case = EISO__CHANGE__OP_CASE;
	change.case_ = c;
	if ((rc = outbox_append(txn, t->n, &change)) != 0)
		return rc;
	free(t->result);
	t->rlen = eiso__case__get_packed_size(c);
	if ((t->result = malloc(t->rlen)) == NULL)
		return EISO_NOMEM;
	eiso__case__pack(c, t->result);
	return 0;
}

static int
case_record_file_ok(MDB_txn *txn, struct case_txn *t, const char *code)
{
	Eiso__RecordFile *f;
	int rc;

	if (code == NULL || code[0] == '\0')
		return 0;
	if ((rc = recordfile_get(txn, t->n, code, &f)) != 0)
		return rc;
	eiso__record_file__free_unpacked(f, NULL);
	return 0;
}

static int
case_receive_txn(MDB_txn *txn, struct case_txn *t)
{
	const struct case_request *r = t->r;
	Eiso__Case c = EISO__CASE__INIT, *old;
	Eiso__Applicant a = EISO__APPLICANT__INIT;
	int rc;

	if ((rc = case_get(txn, t->n, r->code, &old, NULL)) == 0) {
		eiso__case__free_unpacked(old, NULL);
		return eiso_seterr(EISO_EXISTS, "code: case %s already exists", r->code);
	}
	if (rc != EISO_NOTFOUND)
		return rc;
	if (r->due == 0)
		return eiso_seterr(EISO_INVAL, "due: the due date is required");
	if (r->name == NULL || r->name[0] == '\0')
		return eiso_seterr(EISO_INVAL, "applicant_name: required");
	if ((rc = case_record_file_ok(txn, t, r->record_file)) != 0)
		return rc;
	c.code = (char *)r->code;
	c.procedure = (char *)(r->procedure ? r->procedure : "");
	c.unit = (char *)(r->unit ? r->unit : "");
	c.note = (char *)(r->note ? r->note : "");
	c.record_file = (char *)(r->record_file ? r->record_file : "");
	c.received = r->received ? r->received : store_now_ms();
	c.due = r->due;
	c.status = "received";
	a.name = (char *)r->name;
	a.id_number = (char *)(r->id_number ? r->id_number : "");
	a.address = (char *)(r->address ? r->address : "");
	a.contact = (char *)(r->contact ? r->contact : "");
	if ((rc = store_put_pb(txn, store_dbi(t->n->st, NDB_APPLICANTS), c.code, strlen(c.code),
	    &a.base, 0)) != 0)
		return rc;
	return case_store(txn, t, &c);
}

static int
case_change_txn(MDB_txn *txn, struct case_txn *t)
{
	const struct case_request *r = t->r;
	Eiso__Case *old, c;
	int rc;

	if ((rc = case_get(txn, t->n, r->code, &old, NULL)) != 0)
		return rc;
	if (domain_case_final(old->status)) {
		rc = eiso_seterr(EISO_INVAL, "status: case %s is already %s", r->code, old->status);
		goto done;
	}
	if ((rc = case_record_file_ok(txn, t, r->record_file)) != 0)
		goto done;
	c = *old;
	if (r->record_file)
		c.record_file = (char *)r->record_file;
	if (r->note)
		c.note = (char *)r->note;
	if (r->unit)
		c.unit = (char *)r->unit;
	if (r->due)
		c.due = r->due;
	if (t->op == CASE_UPDATE) {
		if (r->status != NULL) {
			if (!domain_one_of(r->status, domain_case_statuses) ||
			    domain_case_final(r->status)) {
				rc = eiso_seterr(EISO_INVAL, "status: '%s' is not one of: received, "
				    "processing, supplement (use complete to finish a case)",
				    r->status);
				goto done;
			}
			c.status = (char *)r->status;
		}
	} else {
		c.status = (char *)(r->status ? r->status : "completed");
		if (!domain_case_final(c.status)) {
			rc = eiso_seterr(EISO_INVAL, "status: '%s' does not finish a case (completed, "
			    "returned, withdrawn)", c.status);
			goto done;
		}
		c.completed = r->completed ? r->completed : store_now_ms();
	}
	rc = case_store(txn, t, &c);
done:
	eiso__case__free_unpacked(old, NULL);
	return rc;
}

static int
case_txn(MDB_txn *txn, void *arg)
{
	struct case_txn *t = arg;

	if (t->r->code == NULL || t->r->code[0] == '\0')
		return eiso_seterr(EISO_INVAL, "code: required");
	if (t->op == CASE_RECEIVE)
		return case_receive_txn(txn, t);
	return case_change_txn(txn, t);
}

int
case_do(struct node *n, enum case_op op, const struct case_request *r, Eiso__Case **result)
{
	struct case_txn t = { n, op, r, NULL, 0 };
	int rc;

	*result = NULL;
	if ((rc = store_write(n->st, case_txn, &t)) == 0 &&
	    (*result = eiso__case__unpack(NULL, t.rlen, t.result)) == NULL)
		rc = EISO_NOMEM;
	free(t.result);
	return rc;
}

int
case_list(MDB_txn *txn, struct node *n, const struct case_filter *f, case_list_fn fn,
    void *arg)
{
	int64_t now = store_now_ms();
	MDB_cursor *cur;
	MDB_val k, v;
	Eiso__Case *c;
	int rc;

	if (f->status != NULL && !domain_one_of(f->status, domain_case_statuses))
		return eiso_seterr(EISO_INVAL, "status: '%s' is not one of: %s", f->status,
		    domain_words(domain_case_statuses));
	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(n->st, NDB_CASES), &cur))) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		int open;

		if ((c = eiso__case__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
			continue;
		open = !domain_case_final(c->status);
		rc = (f->status == NULL || strcmp(f->status, c->status) == 0) && (!f->open || open) &&
		    (!f->overdue || (open && c->due < now)) ? fn(c, arg) : 0;
		eiso__case__free_unpacked(c, NULL);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}
