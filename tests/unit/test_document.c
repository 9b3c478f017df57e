/*
 * test_document.c: unit tests for the node's store layer (noded/core/document.c, recordfile.c,
 * casefile.c) against a real node store in a temp directory: the document lifecycle with
 * supersession in one transaction, refusals that leave every table byte-for-byte unchanged,
 * the number of pending changes each write appends (I1), record files whose totals are
 * counted, and cases whose applicant never enters a change (I10).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "domain.h"
#include "err.h"
#include "keys.h"
#include "sha256.h"
#include "fixture.h"
#include "unit.h"

#define AGENCY FIXTURE_AGENCY

static int
setup(void **state)
{
	return fixture_node_setup(state, "document");
}

#define teardown fixture_node_teardown

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

static struct doc_request
dreq(const char *code)
{
	struct doc_request r;

	memset(&r, 0, sizeof(r));
	r.code = code;
	r.review_months = -1;
	return r;
}

static struct file_request
freq(const char *code)
{
	struct file_request r;

	memset(&r, 0, sizeof(r));
	r.code = code;
	return r;
}

static struct case_request
creq(const char *code)
{
	struct case_request r;

	memset(&r, 0, sizeof(r));
	r.code = code;
	return r;
}

static size_t
pending(struct fx *f)
{
	MDB_txn *txn;
	size_t n;

	assert_int_equal(store_read_begin(f->n.st, &txn), 0);
	n = store_count(txn, store_dbi(f->n.st, NDB_PENDING));
	store_read_end(&txn);
	return n;
}

/* SHA-256 over every key and value of every table: equal digests, unchanged store. */
static void
digest(struct fx *f, uint8_t out[KEYS_HASH])
{
	struct sha256 hs;
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t len;

	assert_int_equal(sha256_init(&hs), 0);
	assert_int_equal(store_read_begin(f->n.st, &txn), 0);
	for (int i = 0; i < NDB_COUNT; i++) {
		assert_int_equal(mdb_cursor_open(txn, store_dbi(f->n.st, i), &c), 0);
		sha256_update(&hs, (const uint8_t *)&i, sizeof(i));
		for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			len = k.mv_size;
			sha256_update(&hs, (const uint8_t *)&len, sizeof(len));
			sha256_update(&hs, k.mv_data, k.mv_size);
			len = v.mv_size;
			sha256_update(&hs, (const uint8_t *)&len, sizeof(len));
			sha256_update(&hs, v.mv_data, v.mv_size);
		}
		mdb_cursor_close(c);
	}
	store_read_end(&txn);
	sha256_final(&hs, out);
}

/* The detail of the last error starts with "field:" (or "field," for a list of fields). */
static void
expect_err(int rc, int err, const char *field)
{
	const char *msg = eiso_lasterr(rc);
	size_t n = strlen(field);

	if (rc != err || strncmp(msg, field, n) != 0 || (msg[n] != ':' && msg[n] != ','))
		fail_msg("expected %s naming '%s', got rc %d: %s", eiso_strerror(err), field, rc,
		    msg);
}

/* A refused write: the right error naming the field, and not one byte of the store changed. */
#define REFUSED(f, err, field, call) do {                                              \
	uint8_t before_[KEYS_HASH], after_[KEYS_HASH];                                   \
	digest(f, before_);                                                              \
	eiso_clearerr();                                                                 \
	int rc_ = (call);                                                                \
	expect_err(rc_, err, field);                                                     \
	digest(f, after_);                                                               \
	if (memcmp(before_, after_, KEYS_HASH) != 0)                                     \
		fail_msg("refused '%s' changed the store", #call);                       \
} while (0)

static Eiso__DocIssue *
doc_do(struct fx *f, enum doc_op op, const struct doc_request *r, size_t changes)
{
	Eiso__DocIssue *d = NULL;
	size_t before = pending(f);
	int rc;

	eiso_clearerr();
	if ((rc = document_do(&f->n, op, r, &d)) != 0)
		fail_msg("doc %s %s: %s", doc_op_name(op), r->code, eiso_lasterr(rc));
	assert_non_null(d);
	if (pending(f) != before + changes)
		fail_msg("doc %s %s appended %zu changes, expected %zu", doc_op_name(op), r->code,
		    pending(f) - before, changes);
	return d;
}

static void
doc_step(struct fx *f, enum doc_op op, const char *code, const char *person, size_t changes)
{
	struct doc_request r = dreq(code);

	r.person = person;
	if (op == DOC_REVISE || op == DOC_WITHDRAW)
		r.note = "reason";
	if (op == DOC_NEW) {
		r.title = "title";
		r.kind = "procedure";
	}
	eiso__doc_issue__free_unpacked(doc_do(f, op, &r, changes), NULL);
}

static Eiso__DocIssue *
get_issue(struct fx *f, const char *code, uint32_t issue)
{
	MDB_txn *txn;
	Eiso__DocIssue *d;

	assert_int_equal(store_read_begin(f->n.st, &txn), 0);
	if (document_get(txn, &f->n, code, issue, &d) != 0)
		fail_msg("%s issue %u: %s", code, issue, eiso_lasterr(EISO_NOTFOUND));
	store_read_end(&txn);
	return d;
}

static void
get_index(struct fx *f, const char *code, uint32_t *latest, uint32_t *current)
{
	MDB_txn *txn;
	Eiso__DocRecord *rec;

	assert_int_equal(store_read_begin(f->n.st, &txn), 0);
	assert_int_equal(document_index(txn, &f->n, code, &rec), 0);
	*latest = rec->latest;
	*current = rec->current;
	eiso__doc_record__free_unpacked(rec, NULL);
	store_read_end(&txn);
}

/* The pending changes with ids > after, in order (unpacked; free each). */
static size_t
pending_since(struct fx *f, uint64_t after, Eiso__Change **out, size_t max)
{
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val k, v;
	size_t n = 0;

	assert_int_equal(store_read_begin(f->n.st, &txn), 0);
	assert_int_equal(mdb_cursor_open(txn, store_dbi(f->n.st, NDB_PENDING), &c), 0);
	for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		assert_int_equal(k.mv_size, 8);
		if (store_get_be64(k.mv_data) <= after)
			continue;
		assert_true(n < max);
		assert_non_null(out[n] = eiso__change__unpack(NULL, v.mv_size, v.mv_data));
		assert_int_equal(out[n]->id, store_get_be64(k.mv_data));
		n++;
	}
	mdb_cursor_close(c);
	store_read_end(&txn);
	return n;
}

static uint64_t
next_change(struct fx *f)
{
	MDB_txn *txn;
	uint64_t v = 1;

	assert_int_equal(store_read_begin(f->n.st, &txn), 0);
	store_get_u64(txn, store_dbi(f->n.st, NDB_META), "next_change", &v);
	store_read_end(&txn);
	return v;
}

/* A file with content; returns its attachment (stored in the node's blob tables). */
static void
attach(struct fx *f, const char *name, const char *content, struct attachment *a)
{
	char *path = unit_path(f->dir, name);
	size_t before = pending(f);

	assert_int_equal(unit_write_file(path, content, strlen(content)), 0);
	eiso_clearerr();
	if (attach_file(&f->n, path, a) != 0)
		fail_msg("attach %s: %s", name, eiso_lasterr(EISO_IO));
	assert_int_equal(pending(f), before);     /* a blob alone is not a change */
	free(path);
}

/* ------------------------------------------------------------------------------------------ */
/* Documents */

static void
test_lifecycle_supersede(void **state)
{
	struct fx *f = *state;
	struct doc_request r;
	struct attachment att;
	Eiso__BlobRef *refs[1];
	Eiso__DocIssue *d, *one, *two;
	Eiso__Change *ch[8];
	uint32_t latest, current;
	uint64_t mark;
	uint8_t sha[KEYS_HASH];

	attach(f, "qt-01.txt", "Quy trinh kiem soat tai lieu, ban 1\n", &att);
	memcpy(sha, att.sha, KEYS_HASH);
	refs[0] = &att.ref;

	r = dreq("QT-01");
	r.title = "Quy trinh kiem soat tai lieu";
	r.kind = "procedure";
	r.access = "public";
	r.person = "Tran Thi B";
	r.position = "Chuyen vien";
	r.files = refs;
	r.nfiles = 1;
	r.have_files = 1;
	d = doc_do(f, DOC_NEW, &r, 1);
	assert_int_equal(d->issue, 1);
	assert_string_equal(d->status, "draft");
	assert_string_equal(d->drafted->name, "Tran Thi B");
	assert_int_equal(d->review_months, 12);
	assert_int_equal(d->n_files, 1);
	assert_memory_equal(d->files[0]->sha256.data, sha, KEYS_HASH);
	eiso__doc_issue__free_unpacked(d, NULL);
	get_index(f, "QT-01", &latest, &current);
	assert_int_equal(latest, 1);
	assert_int_equal(current, 0);

	r = dreq("QT-01");
	r.person = "Le Van C";
	r.position = "Truong phong";
	d = doc_do(f, DOC_SUBMIT, &r, 1);
	assert_string_equal(d->status, "in_review");
	assert_null(d->checked);                          /* submitting is not checking */
	assert_int_equal(d->n_route, 1);
	assert_string_equal(d->route[0]->action, "submit");
	assert_string_equal(d->route[0]->by->name, "Le Van C");
	eiso__doc_issue__free_unpacked(d, NULL);
	doc_step(f, DOC_CHECK, "QT-01", "Le Van C", 1);

	r = dreq("QT-01");
	r.person = "Nguyen Van A";
	r.position = "Giam doc";
	r.effective_date = "2024-01-31";
	d = doc_do(f, DOC_APPROVE, &r, 1);
	assert_string_equal(d->status, "effective");
	assert_string_equal(d->approved->name, "Nguyen Van A");
	assert_string_equal(d->approved->position, "Giam doc");
	assert_true(d->approved->at > 0);
	assert_string_equal(d->effective_date, "2024-01-31");
	assert_string_equal(d->next_review, "2025-01-31");
	assert_string_equal(d->checked->name, "Le Van C");   /* kept from the check */
	eiso__doc_issue__free_unpacked(d, NULL);
	get_index(f, "QT-01", &latest, &current);
	assert_int_equal(latest, 1);
	assert_int_equal(current, 1);

	r = dreq("QT-01");
	r.note = "Cap nhat theo Nghi dinh 30/2020";
	r.title = "Quy trinh kiem soat tai lieu (sua doi)";
	r.person = "Tran Thi B";
	d = doc_do(f, DOC_REVISE, &r, 1);
	assert_int_equal(d->issue, 2);
	assert_string_equal(d->status, "draft");
	assert_string_equal(d->note, "Cap nhat theo Nghi dinh 30/2020");
	assert_string_equal(d->kind, "procedure");        /* carried over */
	assert_string_equal(d->access, "public");
	assert_null(d->approved);
	assert_null(d->checked);
	assert_string_equal(d->effective_date, "");
	assert_int_equal(d->n_files, 1);                  /* files carry over */
	assert_memory_equal(d->files[0]->sha256.data, sha, KEYS_HASH);
	eiso__doc_issue__free_unpacked(d, NULL);
	get_index(f, "QT-01", &latest, &current);
	assert_int_equal(latest, 2);
	assert_int_equal(current, 1);                     /* issue 1 still in force */
	one = get_issue(f, "QT-01", 1);
	assert_string_equal(one->status, "effective");
	eiso__doc_issue__free_unpacked(one, NULL);

	doc_step(f, DOC_SUBMIT, "QT-01", NULL, 1);
	doc_step(f, DOC_CHECK, "QT-01", "Le Van C", 1);

	/* Approving issue 2 supersedes issue 1: two changes from one write. */
	mark = next_change(f) - 1;
	r = dreq("QT-01");
	r.person = "Nguyen Van A";
	r.effective_date = "2024-06-30";
	d = doc_do(f, DOC_APPROVE, &r, 2);
	assert_int_equal(d->issue, 2);                    /* the result is the new issue */
	assert_string_equal(d->status, "effective");
	eiso__doc_issue__free_unpacked(d, NULL);

	one = get_issue(f, "QT-01", 1);
	two = get_issue(f, "QT-01", 2);
	assert_string_equal(one->status, "superseded");
	assert_int_equal(one->superseded_by, 2);
	assert_string_equal(one->effective_date, "2024-01-31");   /* history kept */
	assert_string_equal(one->title, "Quy trinh kiem soat tai lieu");
	assert_string_equal(two->status, "effective");
	assert_int_equal(two->superseded_by, 0);
	assert_string_equal(two->effective_date, "2024-06-30");
	assert_string_equal(two->next_review, "2025-06-30");
	get_index(f, "QT-01", &latest, &current);
	assert_int_equal(latest, 2);
	assert_int_equal(current, 2);

	/* Both changes carry the full new state of their issue, in that order. */
	assert_int_equal(pending_since(f, mark, ch, 8), 2);
	assert_int_equal(ch[0]->op_case, EISO__CHANGE__OP_DOC_ISSUE);
	assert_int_equal(ch[0]->doc_issue->issue, 1);
	assert_string_equal(ch[0]->doc_issue->status, "superseded");
	assert_int_equal(ch[0]->doc_issue->superseded_by, 2);
	assert_int_equal(ch[1]->doc_issue->issue, 2);
	assert_string_equal(ch[1]->doc_issue->status, "effective");
	assert_int_equal(ch[1]->id, ch[0]->id + 1);
	assert_int_equal(ch[1]->doc_issue->updated, two->updated);
	for (int i = 0; i < 2; i++)
		eiso__change__free_unpacked(ch[i], NULL);
	eiso__doc_issue__free_unpacked(one, NULL);
	eiso__doc_issue__free_unpacked(two, NULL);

	/* A third issue, approved, supersedes the second; the first stays superseded by 2. */
	doc_step(f, DOC_REVISE, "QT-01", "Tran Thi B", 1);
	doc_step(f, DOC_SUBMIT, "QT-01", NULL, 1);
	doc_step(f, DOC_CHECK, "QT-01", "Le Van C", 1);
	doc_step(f, DOC_APPROVE, "QT-01", "Nguyen Van A", 2);
	one = get_issue(f, "QT-01", 1);
	two = get_issue(f, "QT-01", 2);
	assert_int_equal(one->superseded_by, 2);
	assert_string_equal(two->status, "superseded");
	assert_int_equal(two->superseded_by, 3);
	eiso__doc_issue__free_unpacked(one, NULL);
	eiso__doc_issue__free_unpacked(two, NULL);
	get_index(f, "QT-01", &latest, &current);
	assert_int_equal(latest, 3);
	assert_int_equal(current, 3);
	/* 1 new + 1 submit + 1 check + 1 approve + (1 + 1 + 1 + 2) * 2 issues more */
	assert_int_equal(pending(f), 4 + 10);
	assert_int_equal(next_change(f), 4 + 10 + 1);
}

/* Every move the lifecycle forbids, from every status, and every missing field. */
/* check: only an issue in review, only with a checker's name; one change, status unchanged. */
static void
test_check(void **state)
{
	struct fx *f = *state;
	struct doc_request r;
	Eiso__DocIssue *d;

	doc_step(f, DOC_NEW, "QT-09", "Tran Thi B", 1);
	r = dreq("QT-09");
	r.person = "Le Van C";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_CHECK, &r, &d));
	doc_step(f, DOC_SUBMIT, "QT-09", NULL, 1);
	r.person = NULL;
	REFUSED(f, EISO_INVAL, "checked_by", document_do(&f->n, DOC_CHECK, &r, &d));
	r.person = "Le Van C";
	r.position = "Trưởng phòng";
	d = doc_do(f, DOC_CHECK, &r, 1);
	assert_string_equal(d->status, "in_review");
	assert_string_equal(d->checked->name, "Le Van C");
	assert_string_equal(d->checked->position, "Trưởng phòng");
	assert_string_equal(d->drafted->name, "Tran Thi B");
	eiso__doc_issue__free_unpacked(d, NULL);
	doc_step(f, DOC_APPROVE, "QT-09", "Nguyen Van A", 1);
	d = get_issue(f, "QT-09", 1);
	assert_string_equal(d->status, "effective");
	assert_string_equal(d->checked->name, "Le Van C");
	eiso__doc_issue__free_unpacked(d, NULL);
	r.person = "Le Van C";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_CHECK, &r, &d));
}

/*
 * The route with a return: the checker returns before the check, the approver after it;
 * each return needs a name and a comment, sends the issue back to draft and undoes the
 * check; the drafter edits and resubmits; every step is on the issue's route, replicated.
 */
static void
test_return(void **state)
{
	struct fx *f = *state;
	struct doc_request r;
	Eiso__DocIssue *d;

	doc_step(f, DOC_NEW, "QT-20", "Tran Thi B", 1);
	r = dreq("QT-20");
	r.person = "Le Van C";
	r.comment = "why";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_RETURN, &r, &d));
	doc_step(f, DOC_SUBMIT, "QT-20", "Tran Thi B", 1);
	r.comment = NULL;
	REFUSED(f, EISO_INVAL, "comment", document_do(&f->n, DOC_RETURN, &r, &d));
	r.comment = "";
	REFUSED(f, EISO_INVAL, "comment", document_do(&f->n, DOC_RETURN, &r, &d));
	r.person = NULL;
	r.comment = "why";
	REFUSED(f, EISO_INVAL, "returned_by", document_do(&f->n, DOC_RETURN, &r, &d));
	r.person = "Le Van C";
	r.position = "Truong phong";
	r.comment = "Muc 3 thieu bieu mau";
	d = doc_do(f, DOC_RETURN, &r, 1);
	assert_string_equal(d->status, "draft");
	assert_null(d->checked);
	assert_int_equal(d->n_route, 2);
	assert_string_equal(d->route[1]->action, "return");
	assert_string_equal(d->route[1]->by->name, "Le Van C");
	assert_string_equal(d->route[1]->by->position, "Truong phong");
	assert_string_equal(d->route[1]->comment, "Muc 3 thieu bieu mau");
	assert_true(d->route[1]->by->at > 0);
	eiso__doc_issue__free_unpacked(d, NULL);

	/* The drafter edits the returned draft and submits it again. */
	r = dreq("QT-20");
	r.title = "title, fixed";
	r.note = "added the form";
	d = doc_do(f, DOC_EDIT, &r, 1);
	assert_string_equal(d->title, "title, fixed");
	assert_string_equal(d->status, "draft");
	assert_int_equal(d->n_route, 2);
	eiso__doc_issue__free_unpacked(d, NULL);
	doc_step(f, DOC_SUBMIT, "QT-20", "Tran Thi B", 1);
	doc_step(f, DOC_CHECK, "QT-20", "Le Van C", 1);
	/* Checked: only the approver's return is left, and the check is undone by it. */
	r = dreq("QT-20");
	r.person = "Nguyen Van A";
	r.comment = "Sai can cu phap ly";
	d = doc_do(f, DOC_RETURN, &r, 1);
	assert_string_equal(d->status, "draft");
	assert_null(d->checked);
	eiso__doc_issue__free_unpacked(d, NULL);
	r = dreq("QT-20");
	r.person = "Nguyen Van A";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_APPROVE, &r, &d));
	doc_step(f, DOC_SUBMIT, "QT-20", NULL, 1);
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_APPROVE, &r, &d));
	doc_step(f, DOC_CHECK, "QT-20", "Le Van C", 1);
	doc_step(f, DOC_APPROVE, "QT-20", "Nguyen Van A", 1);
	d = get_issue(f, "QT-20", 1);
	assert_string_equal(d->status, "effective");
	assert_int_equal(d->n_route, 8);
	{
		static const char *const want[] = { "submit", "return", "submit", "check",
		    "return", "submit", "check", "approve" };

		for (int i = 0; i < 8; i++)
			assert_string_equal(d->route[i]->action, want[i]);
	}
	assert_string_equal(d->route[2]->by->name, "Tran Thi B");
	assert_string_equal(d->route[5]->by->name, "");         /* submitted with no name */
	eiso__doc_issue__free_unpacked(d, NULL);
	/* Not a draft any more: no edit; a new issue starts with an empty route. */
	r = dreq("QT-20");
	r.title = "x";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_EDIT, &r, &d));
	doc_step(f, DOC_REVISE, "QT-20", "Tran Thi B", 1);
	d = get_issue(f, "QT-20", 2);
	assert_int_equal(d->n_route, 0);
	eiso__doc_issue__free_unpacked(d, NULL);
	r = dreq("QT-20");
	r.title = "";
	REFUSED(f, EISO_INVAL, "title", document_do(&f->n, DOC_EDIT, &r, &d));
}

static void
test_refused_moves(void **state)
{
	struct fx *f = *state;
	struct doc_request r;
	Eiso__DocIssue *d;

	doc_step(f, DOC_NEW, "QT-02", "Tran Thi B", 1);
	/* draft */
	r = dreq("QT-02");
	r.person = "Nguyen Van A";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_APPROVE, &r, &d));
	r.note = "reason";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_REVISE, &r, &d));
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_WITHDRAW, &r, &d));

	/* in_review */
	doc_step(f, DOC_SUBMIT, "QT-02", NULL, 1);
	r = dreq("QT-02");
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_SUBMIT, &r, &d));
	r.note = "reason";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_REVISE, &r, &d));
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_WITHDRAW, &r, &d));
	/* approve needs the check first, then an approver and a real date */
	r = dreq("QT-02");
	r.person = "Nguyen Van A";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_APPROVE, &r, &d));
	doc_step(f, DOC_CHECK, "QT-02", "Le Van C", 1);
	r = dreq("QT-02");
	r.person = "Le Van C";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_CHECK, &r, &d));
	r.person = NULL;
	REFUSED(f, EISO_INVAL, "approved_by", document_do(&f->n, DOC_APPROVE, &r, &d));
	r.person = "";
	REFUSED(f, EISO_INVAL, "approved_by", document_do(&f->n, DOC_APPROVE, &r, &d));
	r.person = "Nguyen Van A";
	r.effective_date = "2024-02-30";
	REFUSED(f, EISO_INVAL, "effective_date", document_do(&f->n, DOC_APPROVE, &r, &d));
	r.effective_date = "30/01/2024";
	REFUSED(f, EISO_INVAL, "effective_date", document_do(&f->n, DOC_APPROVE, &r, &d));

	/* effective */
	doc_step(f, DOC_APPROVE, "QT-02", "Nguyen Van A", 1);
	r = dreq("QT-02");
	r.person = "Nguyen Van A";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_SUBMIT, &r, &d));
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_APPROVE, &r, &d));
	/* revise and withdraw need a note */
	REFUSED(f, EISO_INVAL, "note", document_do(&f->n, DOC_REVISE, &r, &d));
	REFUSED(f, EISO_INVAL, "note", document_do(&f->n, DOC_WITHDRAW, &r, &d));
	r.note = "";
	REFUSED(f, EISO_INVAL, "note", document_do(&f->n, DOC_REVISE, &r, &d));
	REFUSED(f, EISO_INVAL, "note", document_do(&f->n, DOC_WITHDRAW, &r, &d));

	/* withdrawn: nothing moves it but a new issue */
	doc_step(f, DOC_WITHDRAW, "QT-02", NULL, 1);
	r = dreq("QT-02");
	r.person = "Nguyen Van A";
	r.note = "again";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_SUBMIT, &r, &d));
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_APPROVE, &r, &d));
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_WITHDRAW, &r, &d));

	/* superseded: an old issue is never moved again (moves act on the newest) */
	doc_step(f, DOC_NEW, "QT-03", "Tran Thi B", 1);
	doc_step(f, DOC_SUBMIT, "QT-03", NULL, 1);
	doc_step(f, DOC_CHECK, "QT-03", "Le Van C", 1);
	doc_step(f, DOC_APPROVE, "QT-03", "Nguyen Van A", 1);
	doc_step(f, DOC_REVISE, "QT-03", NULL, 1);
	doc_step(f, DOC_SUBMIT, "QT-03", NULL, 1);
	doc_step(f, DOC_CHECK, "QT-03", "Le Van C", 1);
	doc_step(f, DOC_APPROVE, "QT-03", "Nguyen Van A", 2);
	r = dreq("QT-03");
	r.person = "Nguyen Van A";
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_APPROVE, &r, &d));
	REFUSED(f, EISO_INVAL, "status", document_do(&f->n, DOC_SUBMIT, &r, &d));

	/* unknown and malformed codes */
	r = dreq("QT-99");
	r.person = "Nguyen Van A";
	r.note = "reason";
	REFUSED(f, EISO_NOTFOUND, "code", document_do(&f->n, DOC_SUBMIT, &r, &d));
	REFUSED(f, EISO_NOTFOUND, "code", document_do(&f->n, DOC_APPROVE, &r, &d));
	REFUSED(f, EISO_NOTFOUND, "code", document_do(&f->n, DOC_REVISE, &r, &d));
	REFUSED(f, EISO_NOTFOUND, "code", document_do(&f->n, DOC_WITHDRAW, &r, &d));
	r.code = "QT 02";
	REFUSED(f, EISO_INVAL, "code", document_do(&f->n, DOC_SUBMIT, &r, &d));
	r.code = "";
	REFUSED(f, EISO_INVAL, "code", document_do(&f->n, DOC_SUBMIT, &r, &d));
	r.code = NULL;
	REFUSED(f, EISO_INVAL, "code", document_do(&f->n, DOC_NEW, &r, &d));
}

static void
test_new_fields(void **state)
{
	struct fx *f = *state;
	struct doc_request r;
	Eiso__DocIssue *d;
	char longcode[DOMAIN_MAX_CODE + 2];

#define NEW_BAD(field, stmt) do { r = dreq("QT-05"); r.title = "t"; r.kind = "form"; \
	stmt; REFUSED(f, EISO_INVAL, field, document_do(&f->n, DOC_NEW, &r, &d)); } while (0)
	NEW_BAD("code", r.code = "QT/05 x");
	memset(longcode, 'Q', DOMAIN_MAX_CODE + 1);
	longcode[DOMAIN_MAX_CODE + 1] = '\0';
	NEW_BAD("code", r.code = longcode);
	NEW_BAD("title", r.title = NULL);
	NEW_BAD("title", r.title = "");
	NEW_BAD("kind", r.kind = NULL);
	NEW_BAD("kind", r.kind = "memo");
	NEW_BAD("access", r.access = "secret");
	NEW_BAD("review_months", r.review_months = 121);
	NEW_BAD("retention", r.retention = "abc");
	NEW_BAD("retention", r.retention = "0");
	NEW_BAD("retention", r.retention = "201");
	NEW_BAD("origin_date", { r.origin_issuer = "Bo KHCN"; r.origin_date = "2020-13-01"; });
#undef NEW_BAD
	/* Import enters a document as effective: it needs the approver and a real date. */
	r = dreq("QT-05");
	r.title = "t";
	r.kind = "form";
	REFUSED(f, EISO_INVAL, "approved_by", document_do(&f->n, DOC_IMPORT, &r, &d));
	r.person = "Nguyen Van A";
	r.effective_date = "2024-13-01";
	REFUSED(f, EISO_INVAL, "effective_date", document_do(&f->n, DOC_IMPORT, &r, &d));
	assert_int_equal(pending(f), 0);

	/* Good values are kept as given. */
	r = dreq("TL-01");
	r.title = "Tieu chuan ISO 9001:2015";
	r.kind = "external";
	r.access = "restricted";
	r.retention = "permanent";
	r.disposition = "nop luu tru lich su";
	r.owner_unit = "Van phong";
	r.language = "en";
	r.review_months = 0;
	r.origin_issuer = "ISO";
	r.origin_number = "9001:2015";
	r.origin_date = "2015-09-15";
	d = doc_do(f, DOC_NEW, &r, 1);
	assert_string_equal(d->kind, "external");
	assert_string_equal(d->access, "restricted");
	assert_true(d->retention_permanent);
	assert_int_equal(d->retention_years, 0);
	assert_string_equal(d->disposition, "nop luu tru lich su");
	assert_string_equal(d->owner_unit, "Van phong");
	assert_string_equal(d->language, "en");
	assert_int_equal(d->review_months, 0);
	assert_non_null(d->origin);
	assert_string_equal(d->origin->issuer, "ISO");
	assert_string_equal(d->origin->date, "2015-09-15");
	eiso__doc_issue__free_unpacked(d, NULL);

	/* Defaults: internal, Vietnamese, yearly review. */
	r = dreq("BM-01");
	r.title = "Phieu";
	r.kind = "form";
	r.retention = "5";
	d = doc_do(f, DOC_NEW, &r, 1);
	assert_string_equal(d->access, "internal");
	assert_string_equal(d->language, "vi");
	assert_int_equal(d->review_months, 12);
	assert_int_equal(d->retention_years, 5);
	eiso__doc_issue__free_unpacked(d, NULL);

	/* With review_months 0, approval sets no next review. */
	doc_step(f, DOC_SUBMIT, "TL-01", NULL, 1);
	doc_step(f, DOC_CHECK, "TL-01", "Le Van C", 1);
	doc_step(f, DOC_APPROVE, "TL-01", "Nguyen Van A", 1);
	d = get_issue(f, "TL-01", 0);
	assert_string_equal(d->next_review, "");
	eiso__doc_issue__free_unpacked(d, NULL);
}

static void
test_duplicate_code(void **state)
{
	struct fx *f = *state;
	struct doc_request r;
	Eiso__DocIssue *d;

	doc_step(f, DOC_NEW, "QT-01", "Tran Thi B", 1);
	r = dreq("QT-01");
	r.title = "another";
	r.kind = "form";
	REFUSED(f, EISO_EXISTS, "code", document_do(&f->n, DOC_NEW, &r, &d));
	r.person = "Nguyen Van A";
	REFUSED(f, EISO_EXISTS, "code", document_do(&f->n, DOC_IMPORT, &r, &d));
	/* ...still so once the first is in force. */
	doc_step(f, DOC_SUBMIT, "QT-01", NULL, 1);
	doc_step(f, DOC_CHECK, "QT-01", "Le Van C", 1);
	doc_step(f, DOC_APPROVE, "QT-01", "Nguyen Van A", 1);
	REFUSED(f, EISO_EXISTS, "code", document_do(&f->n, DOC_NEW, &r, &d));
	assert_int_equal(pending(f), 4);
	d = get_issue(f, "QT-01", 1);
	assert_string_equal(d->title, "title");
	eiso__doc_issue__free_unpacked(d, NULL);
}

static void
test_withdraw(void **state)
{
	struct fx *f = *state;
	struct doc_request r;
	Eiso__DocIssue *d;
	uint32_t latest, current;

	doc_step(f, DOC_NEW, "QT-04", "Tran Thi B", 1);
	doc_step(f, DOC_SUBMIT, "QT-04", NULL, 1);
	doc_step(f, DOC_CHECK, "QT-04", "Le Van C", 1);
	doc_step(f, DOC_APPROVE, "QT-04", "Nguyen Van A", 1);
	r = dreq("QT-04");
	r.note = "Quy trinh bi bai bo";
	d = doc_do(f, DOC_WITHDRAW, &r, 1);
	assert_string_equal(d->status, "withdrawn");
	assert_string_equal(d->withdraw_note, "Quy trinh bi bai bo");
	assert_string_equal(d->approved->name, "Nguyen Van A");   /* kept */
	eiso__doc_issue__free_unpacked(d, NULL);
	get_index(f, "QT-04", &latest, &current);
	assert_int_equal(latest, 1);
	assert_int_equal(current, 0);

	/* A withdrawn document may come back as a new issue, which supersedes nothing. */
	doc_step(f, DOC_REVISE, "QT-04", "Tran Thi B", 1);
	doc_step(f, DOC_SUBMIT, "QT-04", NULL, 1);
	doc_step(f, DOC_CHECK, "QT-04", "Le Van C", 1);
	doc_step(f, DOC_APPROVE, "QT-04", "Nguyen Van A", 1);
	d = get_issue(f, "QT-04", 1);
	assert_string_equal(d->status, "withdrawn");
	assert_int_equal(d->superseded_by, 0);
	eiso__doc_issue__free_unpacked(d, NULL);
	get_index(f, "QT-04", &latest, &current);
	assert_int_equal(latest, 2);
	assert_int_equal(current, 2);

	/* Withdrawing while a new issue is in draft withdraws the one in force. */
	doc_step(f, DOC_REVISE, "QT-04", NULL, 1);
	doc_step(f, DOC_WITHDRAW, "QT-04", NULL, 1);
	d = get_issue(f, "QT-04", 2);
	assert_string_equal(d->status, "withdrawn");
	eiso__doc_issue__free_unpacked(d, NULL);
	d = get_issue(f, "QT-04", 3);
	assert_string_equal(d->status, "draft");
	eiso__doc_issue__free_unpacked(d, NULL);
	get_index(f, "QT-04", &latest, &current);
	assert_int_equal(latest, 3);
	assert_int_equal(current, 0);
}

static void
test_import(void **state)
{
	struct fx *f = *state;
	struct doc_request r;
	Eiso__DocIssue *d;
	char today[11], next[11];
	uint32_t latest, current;

	r = dreq("CS-01");
	r.title = "Chinh sach chat luong";
	r.kind = "policy";
	r.person = "Nguyen Van A";
	r.position = "Chu tich";
	d = doc_do(f, DOC_IMPORT, &r, 1);
	domain_today(today);
	domain_add_months(today, 12, next);
	assert_string_equal(d->status, "effective");
	assert_int_equal(d->issue, 1);
	assert_string_equal(d->approved->name, "Nguyen Van A");
	assert_string_equal(d->effective_date, today);
	assert_string_equal(d->next_review, next);
	eiso__doc_issue__free_unpacked(d, NULL);
	get_index(f, "CS-01", &latest, &current);
	assert_int_equal(current, 1);

	r = dreq("MT-01");
	r.title = "Muc tieu chat luong 2024";
	r.kind = "objective";
	r.person = "Nguyen Van A";
	r.effective_date = "2024-01-31";
	r.review_months = 1;
	d = doc_do(f, DOC_IMPORT, &r, 1);
	assert_string_equal(d->effective_date, "2024-01-31");
	assert_string_equal(d->next_review, "2024-02-29");
	eiso__doc_issue__free_unpacked(d, NULL);
}

/* Each pending change is exactly the state stored in the versions table (I1). */
static void
test_change_is_stored_state(void **state)
{
	struct fx *f = *state;
	Eiso__Change *ch[8];
	Eiso__DocIssue *d;
	uint8_t *a, *b;
	size_t n, la, lb;

	doc_step(f, DOC_NEW, "QT-01", "Tran Thi B", 1);
	doc_step(f, DOC_SUBMIT, "QT-01", "Le Van C", 1);
	n = pending_since(f, 0, ch, 8);
	assert_int_equal(n, 2);
	d = get_issue(f, "QT-01", 1);
	la = eiso__doc_issue__get_packed_size(d);
	lb = eiso__doc_issue__get_packed_size(ch[1]->doc_issue);
	assert_int_equal(la, lb);
	a = malloc(la);
	b = malloc(lb);
	eiso__doc_issue__pack(d, a);
	eiso__doc_issue__pack(ch[1]->doc_issue, b);
	assert_memory_equal(a, b, la);
	assert_string_equal(ch[0]->doc_issue->status, "draft");
	assert_true(ch[0]->at > 0 && ch[1]->at >= ch[0]->at);
	free(a);
	free(b);
	eiso__doc_issue__free_unpacked(d, NULL);
	for (size_t i = 0; i < n; i++)
		eiso__change__free_unpacked(ch[i], NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Record files */

static Eiso__RecordFile *
file_do(struct fx *f, enum file_op op, const struct file_request *r, size_t changes)
{
	Eiso__RecordFile *rf = NULL;
	size_t before = pending(f);
	int rc;

	eiso_clearerr();
	if ((rc = recordfile_do(&f->n, op, r, &rf)) != 0)
		fail_msg("file op %d %s: %s", (int)op, r->code ? r->code : "", eiso_lasterr(rc));
	assert_non_null(rf);
	assert_int_equal(pending(f), before + changes);
	return rf;
}

static void
new_doc_with_file(struct fx *f, const char *code, const char *fname, const char *content,
    int approve)
{
	struct doc_request r = dreq(code);
	struct attachment att;
	Eiso__BlobRef *refs[1];

	attach(f, fname, content, &att);
	refs[0] = &att.ref;
	r.title = code;
	r.kind = "record";
	r.files = refs;
	r.nfiles = 1;
	r.have_files = 1;
	eiso__doc_issue__free_unpacked(doc_do(f, DOC_NEW, &r, 1), NULL);
	if (approve) {
		doc_step(f, DOC_SUBMIT, code, NULL, 1);
		doc_step(f, DOC_CHECK, code, "Le Van C", 1);
		doc_step(f, DOC_APPROVE, code, "Nguyen Van A", 1);
	}
}

#define PDF3 "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" \
	"2 0 obj << /Type /Pages /Count 3 >> endobj\n" \
	"3 0 obj << /Type /Page >> endobj\n4 0 obj << /Type /Page >> endobj\n" \
	"5 0 obj <</Type/Page>> endobj\n%%EOF\n"

static void
test_recordfile(void **state)
{
	struct fx *f = *state;
	struct file_request r;
	Eiso__RecordFile *rf;
	Eiso__DocIssue *d;
	const char *code = "000.00.15.H55.01.HS-2024";

	new_doc_with_file(f, "VB-01", "vb-01.pdf", PDF3, 1);
	new_doc_with_file(f, "VB-02", "vb-02.txt", "cong van so 12\n", 0);
	d = get_issue(f, "VB-01", 1);
	assert_string_equal(d->files[0]->media_type, "application/pdf");
	assert_int_equal(d->files[0]->pages, 3);
	eiso__doc_issue__free_unpacked(d, NULL);

	r = freq(NULL);
	r.organ_id = "000.00.15.H55";
	r.catalog = "01";
	r.notation = "HS-2024";
	r.title = "Ho so ISO nam 2024";
	r.retention = "10";
	r.creator = "Tran Thi B";
	r.start_date = "2024-01-02";
	rf = file_do(f, FILE_NEW, &r, 1);
	assert_string_equal(rf->code, code);
	assert_string_equal(rf->status, "open");
	assert_string_equal(rf->access, "internal");
	assert_int_equal(rf->retention_years, 10);
	assert_int_equal(rf->doc_total, 0);
	assert_int_equal(rf->page_total, 0);
	eiso__record_file__free_unpacked(rf, NULL);

	/* Filed in the order given, totals counted from the entries. */
	r = freq(code);
	r.doc_code = "VB-02";
	rf = file_do(f, FILE_ADD, &r, 1);
	assert_int_equal(rf->doc_total, 1);
	assert_int_equal(rf->page_total, 1);
	eiso__record_file__free_unpacked(rf, NULL);
	r.doc_code = "VB-01";
	rf = file_do(f, FILE_ADD, &r, 1);
	assert_int_equal(rf->doc_total, 2);
	assert_int_equal(rf->page_total, 4);
	assert_int_equal(rf->n_entries, 2);
	assert_string_equal(rf->entries[0]->doc_code, "VB-02");
	assert_string_equal(rf->entries[1]->doc_code, "VB-01");
	assert_int_equal(rf->entries[1]->pages, 3);
	assert_int_equal(rf->entries[1]->issue, 1);
	assert_true(rf->entries[1]->added >= rf->entries[0]->added);
	eiso__record_file__free_unpacked(rf, NULL);

	/* The same issue twice is refused; another issue of it may be filed. */
	REFUSED(f, EISO_EXISTS, "doc", recordfile_do(&f->n, FILE_ADD, &r, &rf));
	r.issue = 1;
	REFUSED(f, EISO_EXISTS, "doc", recordfile_do(&f->n, FILE_ADD, &r, &rf));
	doc_step(f, DOC_REVISE, "VB-01", NULL, 1);
	r.issue = 2;
	rf = file_do(f, FILE_ADD, &r, 1);
	assert_int_equal(rf->doc_total, 3);
	assert_int_equal(rf->page_total, 7);
	assert_int_equal(rf->entries[2]->issue, 2);
	eiso__record_file__free_unpacked(rf, NULL);
	/* Unknown documents and issues. */
	r.issue = 9;
	REFUSED(f, EISO_NOTFOUND, "issue", recordfile_do(&f->n, FILE_ADD, &r, &rf));
	r.issue = 0;
	r.doc_code = "VB-99";
	REFUSED(f, EISO_NOTFOUND, "code", recordfile_do(&f->n, FILE_ADD, &r, &rf));
	r.doc_code = NULL;
	REFUSED(f, EISO_INVAL, "doc", recordfile_do(&f->n, FILE_ADD, &r, &rf));

	/* Remove takes one entry out; removing what is not filed is refused. */
	r.doc_code = "VB-02";
	rf = file_do(f, FILE_REMOVE, &r, 1);
	assert_int_equal(rf->doc_total, 2);
	assert_int_equal(rf->page_total, 6);
	assert_string_equal(rf->entries[0]->doc_code, "VB-01");
	eiso__record_file__free_unpacked(rf, NULL);
	REFUSED(f, EISO_NOTFOUND, "doc", recordfile_do(&f->n, FILE_REMOVE, &r, &rf));

	/* One document sits in two files without being copied. */
	r = freq(NULL);
	r.organ_id = "000.00.15.H55";
	r.catalog = "02";
	r.notation = "HS-TTHC";
	r.title = "Ho so thu tuc";
	r.retention = "permanent";
	r.access = "restricted";
	rf = file_do(f, FILE_NEW, &r, 1);
	assert_true(rf->retention_permanent);
	assert_string_equal(rf->access, "restricted");
	assert_string_equal(rf->code, "000.00.15.H55.02.HS-TTHC");
	eiso__record_file__free_unpacked(rf, NULL);
	r = freq("000.00.15.H55.02.HS-TTHC");
	r.doc_code = "VB-01";
	r.issue = 1;
	rf = file_do(f, FILE_ADD, &r, 1);
	assert_int_equal(rf->page_total, 3);
	eiso__record_file__free_unpacked(rf, NULL);

	/* Closing: an end date, no more adds or removes, no second close. */
	r = freq(code);
	r.end_date = "2023-12-31";
	REFUSED(f, EISO_INVAL, "end_date", recordfile_do(&f->n, FILE_CLOSE, &r, &rf));
	r.end_date = "2024-12-31";
	rf = file_do(f, FILE_CLOSE, &r, 1);
	assert_string_equal(rf->status, "closed");
	assert_string_equal(rf->end_date, "2024-12-31");
	assert_int_equal(rf->doc_total, 2);
	eiso__record_file__free_unpacked(rf, NULL);
	r = freq(code);
	r.doc_code = "VB-02";
	REFUSED(f, EISO_INVAL, "status", recordfile_do(&f->n, FILE_ADD, &r, &rf));
	r.doc_code = "VB-01";
	r.issue = 1;
	REFUSED(f, EISO_INVAL, "status", recordfile_do(&f->n, FILE_REMOVE, &r, &rf));
	REFUSED(f, EISO_INVAL, "status", recordfile_do(&f->n, FILE_CLOSE, &r, &rf));
}

static void
test_recordfile_refusals(void **state)
{
	struct fx *f = *state;
	struct file_request r;
	Eiso__RecordFile *rf;

#define FNEW(err, field, stmt) do { r = freq(NULL); r.organ_id = "H55"; r.catalog = "01"; \
	r.notation = "HS-01"; r.title = "Ho so"; r.retention = "5"; stmt; \
	REFUSED(f, err, field, recordfile_do(&f->n, FILE_NEW, &r, &rf)); } while (0)
	FNEW(EISO_INVAL, "organ_id", r.organ_id = NULL);
	FNEW(EISO_INVAL, "organ_id", r.catalog = NULL);
	FNEW(EISO_INVAL, "organ_id", r.notation = NULL);
	FNEW(EISO_INVAL, "organ_id", r.organ_id = "");
	FNEW(EISO_INVAL, "file_code", r.notation = "HS 01");
	FNEW(EISO_INVAL, "title", r.title = NULL);
	FNEW(EISO_INVAL, "retention", r.retention = NULL);
	FNEW(EISO_INVAL, "retention", r.retention = "forever");
	FNEW(EISO_INVAL, "retention", r.retention = "0");
	FNEW(EISO_INVAL, "access", r.access = "secret");
	FNEW(EISO_INVAL, "start_date", r.start_date = "2024-02-30");
#undef FNEW
	assert_int_equal(pending(f), 0);

	r = freq(NULL);
	r.organ_id = "H55";
	r.catalog = "01";
	r.notation = "HS-01";
	r.title = "Ho so";
	r.retention = "5";
	eiso__record_file__free_unpacked(file_do(f, FILE_NEW, &r, 1), NULL);
	REFUSED(f, EISO_EXISTS, "file_code", recordfile_do(&f->n, FILE_NEW, &r, &rf));

	r = freq("H55.01.HS-99");
	r.doc_code = "VB-01";
	REFUSED(f, EISO_NOTFOUND, "file_code", recordfile_do(&f->n, FILE_ADD, &r, &rf));
	REFUSED(f, EISO_NOTFOUND, "file_code", recordfile_do(&f->n, FILE_CLOSE, &r, &rf));
	r.code = "";
	REFUSED(f, EISO_INVAL, "file_code", recordfile_do(&f->n, FILE_ADD, &r, &rf));
	r.code = NULL;
	REFUSED(f, EISO_INVAL, "file_code", recordfile_do(&f->n, FILE_CLOSE, &r, &rf));
}

/* ------------------------------------------------------------------------------------------ */
/* Cases */

#define A_NAME    "Nguyen Thi Hoa Mai"
#define A_ID      "001190012345"
#define A_ADDRESS "So 12 ngo 34 pho Kim Ngoc, Vinh Yen"
#define A_CONTACT "0912345678"

static Eiso__Case *
case_call(struct fx *f, enum case_op op, const struct case_request *r, size_t changes)
{
	Eiso__Case *c = NULL;
	size_t before = pending(f);
	int rc;

	eiso_clearerr();
	if ((rc = case_do(&f->n, op, r, &c)) != 0)
		fail_msg("case op %d %s: %s", (int)op, r->code, eiso_lasterr(rc));
	assert_non_null(c);
	assert_int_equal(pending(f), before + changes);
	return c;
}

/* No pending change, and no value in any table but applicants, holds personal data. */
static void
assert_no_personal_data(struct fx *f)
{
	static const char *const personal[] = { A_NAME, A_ID, A_ADDRESS, A_CONTACT };
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val k, v;
	size_t seen = 0;

	assert_int_equal(store_read_begin(f->n.st, &txn), 0);
	for (int i = 0; i < NDB_COUNT; i++) {
		if (i == NDB_APPLICANTS)
			continue;
		assert_int_equal(mdb_cursor_open(txn, store_dbi(f->n.st, i), &c), 0);
		for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			for (size_t p = 0; p < 4; p++)
				if (memmem(v.mv_data, v.mv_size, personal[p], strlen(personal[p])) ||
				    memmem(k.mv_data, k.mv_size, personal[p], strlen(personal[p])))
					fail_msg("table %s holds '%s'", node_dbnames[i], personal[p]);
			if (i == NDB_PENDING) {
				/* Unpacked too: the case change has no field to carry them. */
				Eiso__Change *ch = eiso__change__unpack(NULL, v.mv_size, v.mv_data);
				assert_non_null(ch);
				if (ch->op_case == EISO__CHANGE__OP_CASE)
					seen++;
				eiso__change__free_unpacked(ch, NULL);
			}
		}
		mdb_cursor_close(c);
	}
	store_read_end(&txn);
	assert_true(seen > 0);
}

static void
test_case_applicant(void **state)
{
	struct fx *f = *state;
	struct case_request r;
	Eiso__Case *c;
	Eiso__Applicant *a;
	Eiso__Change *ch[4];
	MDB_txn *txn;
	int64_t received, due;
	uint8_t *packed;
	size_t len;

	assert_int_equal(domain_parse_time("2024-03-01 08:30", &received), 0);
	assert_int_equal(domain_parse_time("2024-03-15", &due), 0);
	r = creq("H55-240301-0001");
	r.procedure = "1.004227";
	r.unit = "Phong Tu phap";
	r.received = received;
	r.due = due;
	r.name = A_NAME;
	r.id_number = A_ID;
	r.address = A_ADDRESS;
	r.contact = A_CONTACT;
	c = case_call(f, CASE_RECEIVE, &r, 1);
	assert_string_equal(c->status, "received");
	assert_int_equal(c->received, received);
	assert_int_equal(c->due, due);
	assert_int_equal(c->completed, 0);
	assert_string_equal(c->unit, "Phong Tu phap");
	eiso__case__free_unpacked(c, NULL);

	/* The applicant is stored, apart from the case. */
	assert_int_equal(store_read_begin(f->n.st, &txn), 0);
	assert_int_equal(case_get(txn, &f->n, "H55-240301-0001", &c, &a), 0);
	store_read_end(&txn);
	assert_non_null(a);
	assert_string_equal(a->name, A_NAME);
	assert_string_equal(a->id_number, A_ID);
	assert_string_equal(a->address, A_ADDRESS);
	assert_string_equal(a->contact, A_CONTACT);
	eiso__applicant__free_unpacked(a, NULL);
	eiso__case__free_unpacked(c, NULL);

	/* The change for the case, packed as it will be signed, holds none of it. */
	assert_int_equal(pending_since(f, 0, ch, 4), 1);
	assert_int_equal(ch[0]->op_case, EISO__CHANGE__OP_CASE);
	len = eiso__change__get_packed_size(ch[0]);
	packed = malloc(len);
	eiso__change__pack(ch[0], packed);
	assert_null(memmem(packed, len, A_NAME, strlen(A_NAME)));
	assert_null(memmem(packed, len, A_ID, strlen(A_ID)));
	assert_null(memmem(packed, len, A_ADDRESS, strlen(A_ADDRESS)));
	assert_null(memmem(packed, len, A_CONTACT, strlen(A_CONTACT)));
	assert_null(memmem(packed, len, "Hoa Mai", 7));
	assert_int_equal(ch[0]->case_->base.n_unknown_fields, 0);
	free(packed);
	eiso__change__free_unpacked(ch[0], NULL);
	assert_no_personal_data(f);

	/* Update and complete: one change each, still without the applicant. */
	r = creq("H55-240301-0001");
	r.status = "processing";
	c = case_call(f, CASE_UPDATE, &r, 1);
	assert_string_equal(c->status, "processing");
	eiso__case__free_unpacked(c, NULL);
	r.status = "supplement";
	r.note = "thieu ban sao giay khai sinh";
	c = case_call(f, CASE_UPDATE, &r, 1);
	assert_string_equal(c->status, "supplement");
	assert_string_equal(c->note, "thieu ban sao giay khai sinh");
	eiso__case__free_unpacked(c, NULL);
	r = creq("H55-240301-0001");
	assert_int_equal(domain_parse_time("2024-03-14 16:00", &r.completed), 0);
	c = case_call(f, CASE_COMPLETE, &r, 1);
	assert_string_equal(c->status, "completed");
	assert_int_equal(c->completed, r.completed);
	eiso__case__free_unpacked(c, NULL);
	assert_no_personal_data(f);
	assert_int_equal(pending(f), 4);
}

static void
test_case_rules(void **state)
{
	struct fx *f = *state;
	struct case_request r;
	struct file_request fr;
	Eiso__Case *c;
	Eiso__RecordFile *rf;
	int64_t received, due;

	assert_int_equal(domain_parse_time("2024-03-01 08:30", &received), 0);
	assert_int_equal(domain_parse_time("2024-03-15", &due), 0);
#define RECV(err, field, stmt) do { r = creq("C-01"); r.procedure = "1.004227"; \
	r.received = received; r.due = due; r.name = A_NAME; stmt; \
	REFUSED(f, err, field, case_do(&f->n, CASE_RECEIVE, &r, &c)); } while (0)
	RECV(EISO_INVAL, "code", r.code = NULL);
	RECV(EISO_INVAL, "code", r.code = "");
	RECV(EISO_INVAL, "code", r.code = "C 01");
	RECV(EISO_INVAL, "due", r.due = 0);
	RECV(EISO_INVAL, "due", r.due = received - 1);
	RECV(EISO_INVAL, "applicant_name", r.name = NULL);
	RECV(EISO_INVAL, "applicant_name", r.name = "");
	RECV(EISO_INVAL, "procedure", r.procedure = NULL);
	RECV(EISO_NOTFOUND, "file_code", r.record_file = "H55.01.HS-99");
#undef RECV
	assert_int_equal(pending(f), 0);

	r = creq("C-01");
	r.procedure = "1.004227";
	r.received = received;
	r.due = due;
	r.name = A_NAME;
	eiso__case__free_unpacked(case_call(f, CASE_RECEIVE, &r, 1), NULL);
	REFUSED(f, EISO_EXISTS, "code", case_do(&f->n, CASE_RECEIVE, &r, &c));

	r = creq("C-01");
	r.status = "completed";      /* update never finishes a case */
	REFUSED(f, EISO_INVAL, "status", case_do(&f->n, CASE_UPDATE, &r, &c));
	r.status = "archived";
	REFUSED(f, EISO_INVAL, "status", case_do(&f->n, CASE_UPDATE, &r, &c));
	r.status = "processing";     /* complete only finishes */
	REFUSED(f, EISO_INVAL, "status", case_do(&f->n, CASE_COMPLETE, &r, &c));
	r.status = NULL;
	r.completed = received - 60000;
	REFUSED(f, EISO_INVAL, "completed", case_do(&f->n, CASE_COMPLETE, &r, &c));
	r.completed = 0;
	r.record_file = "H55.01.HS-99";
	REFUSED(f, EISO_NOTFOUND, "file_code", case_do(&f->n, CASE_UPDATE, &r, &c));
	r = creq("C-99");
	r.status = "processing";
	REFUSED(f, EISO_NOTFOUND, "code", case_do(&f->n, CASE_UPDATE, &r, &c));
	REFUSED(f, EISO_NOTFOUND, "code", case_do(&f->n, CASE_COMPLETE, &r, &c));

	/* A record file that exists may be named; a returned case is final. */
	fr = freq(NULL);
	fr.organ_id = "H55";
	fr.catalog = "01";
	fr.notation = "HS-01";
	fr.title = "Ho so";
	fr.retention = "5";
	eiso__record_file__free_unpacked(file_do(f, FILE_NEW, &fr, 1), NULL);
	r = creq("C-01");
	r.record_file = "H55.01.HS-01";
	r.status = "returned";
	c = case_call(f, CASE_COMPLETE, &r, 1);
	assert_string_equal(c->status, "returned");
	assert_string_equal(c->record_file, "H55.01.HS-01");
	assert_true(c->completed > 0);
	eiso__case__free_unpacked(c, NULL);
	r = creq("C-01");
	r.status = "processing";
	REFUSED(f, EISO_INVAL, "status", case_do(&f->n, CASE_UPDATE, &r, &c));
	r.status = NULL;
	REFUSED(f, EISO_INVAL, "status", case_do(&f->n, CASE_COMPLETE, &r, &c));
	(void)rf;
}

/* Codes longer than LMDB keys allow are refused as bad codes, not as storage errors. */
static void
test_long_codes(void **state)
{
	struct fx *f = *state;
	struct doc_request dr;
	struct file_request fr;
	struct case_request cr;
	Eiso__DocIssue *d;
	Eiso__RecordFile *rf;
	Eiso__Case *c;
	char code[700];

	memset(code, 'X', sizeof(code) - 1);
	code[sizeof(code) - 1] = '\0';
	dr = dreq(code);
	dr.title = "t";
	dr.kind = "form";
	REFUSED(f, EISO_INVAL, "code", document_do(&f->n, DOC_NEW, &dr, &d));
	REFUSED(f, EISO_INVAL, "code", document_do(&f->n, DOC_SUBMIT, &dr, &d));
	cr = creq(code);
	cr.procedure = "1.004227";
	cr.due = store_now_ms() + 86400000;
	cr.name = A_NAME;
	REFUSED(f, EISO_INVAL, "code", case_do(&f->n, CASE_RECEIVE, &cr, &c));
	cr.status = "processing";
	REFUSED(f, EISO_INVAL, "code", case_do(&f->n, CASE_UPDATE, &cr, &c));
	REFUSED(f, EISO_INVAL, "code", case_do(&f->n, CASE_COMPLETE, &cr, &c));
	fr = freq(code);
	fr.doc_code = "VB-01";
	REFUSED(f, EISO_INVAL, "file_code", recordfile_do(&f->n, FILE_ADD, &fr, &rf));
	REFUSED(f, EISO_INVAL, "file_code", recordfile_do(&f->n, FILE_CLOSE, &fr, &rf));
	/* ...also when a case names one. */
	cr = creq("C-01");
	cr.procedure = "1.004227";
	cr.due = store_now_ms() + 86400000;
	cr.name = A_NAME;
	cr.record_file = code;
	REFUSED(f, EISO_INVAL, "file_code", case_do(&f->n, CASE_RECEIVE, &cr, &c));
	fr = freq(NULL);
	fr.organ_id = code;
	fr.catalog = "01";
	fr.notation = "HS";
	fr.title = "t";
	fr.retention = "5";
	REFUSED(f, EISO_INVAL, "file_code", recordfile_do(&f->n, FILE_NEW, &fr, &rf));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle_supersede, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdraw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_is_stored_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recordfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recordfile_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_applicant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_return, setup, teardown),
	};

	return cmocka_run_group_tests_name("document", tests, NULL, NULL);
}
