/*
 * document.c: documents and their issues at the node (ISO 9001:2015 clause 7.5).
 *
 * A document is a code with numbered issues. Each issue moves draft -> in_review ->
 * effective -> superseded | withdrawn and nowhere else; approving issue N+1 supersedes the
 * issue in force in the same transaction; every issue stays readable with its files. Each
 * operation is one write transaction that updates the tables (versions: code\0issue -> issue;
 * docs: code -> index) and appends the full new state of every issue it touched to the
 * outbox (I1). The CLI, the local API, the workspace and the scan inbox all come through
 * document_do(), so the approval route (submit -> check -> approve, or return to the drafter)
 * has its order here and nowhere else (document_next).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "keys.h"
#include "core/core.h"

#define DOC_KEY_MAX (DOMAIN_MAX_CODE + 1 + 4)

struct doc_txn {
	struct node *n;
	enum doc_op op;
	const struct doc_request *r;
	uint8_t *result;                 /* packed issue acted on, for the caller */
	size_t rlen;
};

const char *
doc_op_name(enum doc_op op)
{
	static const char *const names[] = {
		[DOC_NEW] = "new", [DOC_REVISE] = "revise", [DOC_SUBMIT] = "submit",
		[DOC_APPROVE] = "approve", [DOC_WITHDRAW] = "withdraw", [DOC_IMPORT] = "import",
		[DOC_CHECK] = "check", [DOC_RETURN] = "return", [DOC_EDIT] = "edit",
	};
	return names[op];
}

static size_t
doc_key(uint8_t *key, const char *code, uint32_t issue)
{
	size_t n = strlen(code);

	memcpy(key, code, n);
	key[n++] = '\0';
	for (int i = 3; i >= 0; i--)
		key[n++] = (uint8_t)(issue >> (8 * i));
	return n;
}

int
document_index(MDB_txn *txn, struct node *n, const char *code, Eiso__DocRecord **rec)
{
	MDB_val k = { strlen(code), (void *)code }, v;
	int rc;

	*rec = NULL;
	if (!domain_code_ok(code))
		return eiso_seterr(EISO_INVAL, "code: '%s' is not a document code", code);
	if ((rc = store_rc(mdb_get(txn, store_dbi(n->st, NDB_DOCS), &k, &v))) != 0)
		return rc == EISO_NOTFOUND ?
		    eiso_seterr(EISO_NOTFOUND, "code: no document %s", code) : rc;
	if ((*rec = eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "document %s: corrupt index", code);
	return 0;
}

int
document_get(MDB_txn *txn, struct node *n, const char *code, uint32_t issue, Eiso__DocIssue **d)
{
	Eiso__DocRecord *rec;
	uint8_t key[DOC_KEY_MAX];
	MDB_val k, v;
	int rc;

	*d = NULL;
	if (issue == 0) {
		if ((rc = document_index(txn, n, code, &rec)) != 0)
			return rc;
		issue = rec->latest;
		eiso__doc_record__free_unpacked(rec, NULL);
	}
	if (!domain_code_ok(code))
		return eiso_seterr(EISO_INVAL, "code: '%s' is not a document code", code);
	k.mv_data = key;
	k.mv_size = doc_key(key, code, issue);
	if ((rc = store_rc(mdb_get(txn, store_dbi(n->st, NDB_VERSIONS), &k, &v))) != 0)
		return rc == EISO_NOTFOUND ?
		    eiso_seterr(EISO_NOTFOUND, "issue: document %s has no issue %u", code, issue) : rc;
	if ((*d = eiso__doc_issue__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "document %s issue %u is corrupt", code, issue);
	return 0;
}

/*
 * Put issue d in the versions table (code \0 issue as be32) and bring the docs index up to
 * date (newest issue; the issue in force). No outbox: document_store appends the change, and
 * a restore replays a change the hub already holds.
 */
int
document_put(MDB_txn *txn, struct node *n, const Eiso__DocIssue *d)
{
	Eiso__DocRecord rec = EISO__DOC_RECORD__INIT, *old = NULL;
	uint8_t key[DOC_KEY_MAX];
	int rc;

	if ((rc = store_put_pb(txn, store_dbi(n->st, NDB_VERSIONS), key,
	    doc_key(key, d->code, d->issue), &d->base, 0)) != 0)
		return rc;
	rc = document_index(txn, n, d->code, &old);
	if (rc != 0 && rc != EISO_NOTFOUND)
		return rc;
	rec.code = d->code;
	rec.kind = d->kind;
	rec.latest = old ? old->latest : 0;
	rec.current = old ? old->current : 0;
	if (d->issue > rec.latest)
		rec.latest = d->issue;
	if (strcmp(d->status, "effective") == 0)
		rec.current = d->issue;
	else if (rec.current == d->issue)
		rec.current = 0;
	rc = store_put_pb(txn, store_dbi(n->st, NDB_DOCS), d->code, strlen(d->code), &rec.base,
	    0);
	if (old != NULL)
		eiso__doc_record__free_unpacked(old, NULL);
	return rc;
}

/* Store one issue: version, index, outbox. The last one stored is the caller's result. */
static int
document_store(MDB_txn *txn, struct doc_txn *t, Eiso__DocIssue *d)
{
	Eiso__Change change = EISO__CHANGE__INIT;
	int rc;

	d->updated = store_now_ms();
	if ((rc = domain_check_doc(d)) != 0 || (rc = document_put(txn, t->n, d)) != 0)
		return rc;

	change.op_case = EISO__CHANGE__OP_DOC_ISSUE;
	change.doc_issue = d;
	if ((rc = outbox_append(txn, t->n, &change)) != 0)
		return rc;
	free(t->result);
	t->rlen = eiso__doc_issue__get_packed_size(d);
	if ((t->result = malloc(t->rlen)) == NULL)
		return EISO_NOMEM;
	eiso__doc_issue__pack(d, t->result);
	return 0;
}

static int
document_retention(const char *s, Eiso__DocIssue *d)
{
	char *end;
	unsigned long y;

	if (s == NULL)
		return 0;
	if (strcmp(s, "permanent") == 0) {
		d->retention_permanent = 1;
		d->retention_years = 0;
		return 0;
	}
	y = strtoul(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || y == 0 || y > 200)
		return eiso_seterr(EISO_INVAL, "retention: '%s' is not a number of years (1-200) "
		    "or 'permanent'", s);
	d->retention_years = (uint32_t)y;
	d->retention_permanent = 0;
	return 0;
}

/* A language code as ISO 639-1 writes it, with a region perhaps: vi, en, fr, en-GB. */
static int
document_language_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz");

	if (n < 2 || n > 3)
		return 0;
	if (s[n] == '\0')
		return 1;
	return s[n] == '-' && strlen(s + n + 1) == 2 &&
	    strspn(s + n + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 2;
}

/* Fields a request may set on a new issue (new or revise). */
static int
document_fill(Eiso__DocIssue *d, const struct doc_request *r, Eiso__Origin *origin)
{
	int rc;

	if (r->title) d->title = (char *)r->title;
	if (r->kind) d->kind = (char *)r->kind;
	if (r->access) d->access = (char *)r->access;
	if (r->owner_unit) d->owner_unit = (char *)r->owner_unit;
	if (r->language) {
		if (!document_language_ok(r->language))
			return eiso_seterr(EISO_INVAL, "language: '%s' is not a language code (vi, "
			    "en, fr, zh ...: two letters, ISO 639-1)", r->language);
		d->language = (char *)r->language;
	}
	if (r->disposition) d->disposition = (char *)r->disposition;
	if (r->text) d->text = (char *)r->text;
	if (r->review_months >= 0) {
		if (r->review_months > 120)
			return eiso_seterr(EISO_INVAL, "review_months: %ld is more than 120",
			    r->review_months);
		d->review_months = (uint32_t)r->review_months;
	}
	if ((rc = document_retention(r->retention, d)) != 0)
		return rc;
	if (r->origin_issuer || r->origin_number || r->origin_date) {
		eiso__origin__init(origin);
		origin->issuer = (char *)(r->origin_issuer ? r->origin_issuer : "");
		origin->number = (char *)(r->origin_number ? r->origin_number : "");
		origin->date = (char *)(r->origin_date ? r->origin_date : "");
		d->origin = origin;
	}
	if (r->have_files) {
		d->files = r->files;
		d->n_files = r->nfiles;
	}
	return 0;
}

static void
document_person(Eiso__Person *p, const struct doc_request *r)
{
	eiso__person__init(p);
	p->name = (char *)(r->person ? r->person : "");
	p->position = (char *)(r->position ? r->position : "");
	p->at = store_now_ms();
}

/*
 * A scanned file becomes one document, once: its SHA-256 is remembered in the same
 * transaction as the document, and a file seen before reports the code it became.
 */
static int
document_inbox_once(MDB_txn *txn, struct doc_txn *t, const struct doc_request *r)
{
	char key[8 + 2 * KEYS_HASH + 1];
	MDB_dbi meta = store_dbi(t->n->st, NDB_META);
	MDB_val v;
	int rc;

	memcpy(key, "inbox:", 6);
	keys_hex(key + 6, r->inbox_sha, KEYS_HASH);
	rc = store_get_str(txn, meta, key, &v);
	if (rc == 0) {
		snprintf(r->inbox_found, 80, "%.*s", (int)v.mv_size, (const char *)v.mv_data);
		return eiso_seterr(EISO_EXISTS, "this file was imported before as %s",
		    r->inbox_found);
	}
	if (rc != EISO_NOTFOUND)
		return rc;
	return store_put_str(txn, meta, key, r->code, strlen(r->code));
}

static int
document_new_txn(MDB_txn *txn, struct doc_txn *t)
{
	const struct doc_request *r = t->r;
	Eiso__DocIssue d = EISO__DOC_ISSUE__INIT;
	Eiso__DocRecord *rec;
	Eiso__Person drafted;
	Eiso__Origin origin;
	char today[11], next[11];
	int rc;

	if (r->code == NULL)
		return eiso_seterr(EISO_INVAL, "code: required");
	if (r->inbox_sha != NULL && (rc = document_inbox_once(txn, t, r)) != 0)
		return rc;
	if ((rc = document_index(txn, t->n, r->code, &rec)) == 0) {
		rc = eiso_seterr(EISO_EXISTS, "code: document %s already exists (newest issue %u); "
		    "use revise for a new issue", r->code, rec->latest);
		eiso__doc_record__free_unpacked(rec, NULL);
		return rc;
	}
	if (rc != EISO_NOTFOUND)
		return rc;
	d.code = (char *)r->code;
	d.issue = 1;
	d.status = "draft";
	d.access = "internal";
	d.language = "vi";
	d.review_months = 12;
	d.note = (char *)(r->note ? r->note : "");
	if ((rc = document_fill(&d, r, &origin)) != 0)
		return rc;
	document_person(&drafted, r);
	if (t->op == DOC_NEW) {
		d.drafted = &drafted;
		return document_store(txn, t, &d);
	}
	/* Import: a document already approved and in force on paper enters as effective. */
	if (r->person == NULL || r->person[0] == '\0')
		return eiso_seterr(EISO_INVAL, "approved_by: the approver's name is required");
	if (r->effective_date != NULL && !domain_date_ok(r->effective_date))
		return eiso_seterr(EISO_INVAL, "effective_date: '%s' is not a date (YYYY-MM-DD)",
		    r->effective_date);
	domain_today(today);
	d.status = "effective";
	d.approved = &drafted;
	d.effective_date = (char *)(r->effective_date ? r->effective_date : today);
	next[0] = '\0';
	if (d.review_months > 0)
		domain_add_months(d.effective_date, d.review_months, next);
	d.next_review = next;
	return document_store(txn, t, &d);
}

static int
document_revise_txn(MDB_txn *txn, struct doc_txn *t)
{
	const struct doc_request *r = t->r;
	Eiso__DocIssue *latest, d;
	Eiso__Person drafted;
	Eiso__Origin origin;
	int rc;

	if (r->note == NULL || r->note[0] == '\0')
		return eiso_seterr(EISO_INVAL, "note: a revision note (the reason for the new "
		    "issue) is required");
	if ((rc = document_get(txn, t->n, r->code, 0, &latest)) != 0)
		return rc;
	if (strcmp(latest->status, "effective") != 0 && strcmp(latest->status, "withdrawn") != 0) {
		rc = eiso_seterr(EISO_INVAL, "status: issue %u of %s is %s; a new issue starts "
		    "from an effective or withdrawn one", latest->issue, r->code, latest->status);
		goto done;
	}
	/* A shallow copy: borrowed strings, never freed through d. */
	d = *latest;
	d.issue = latest->issue + 1;
	d.status = "draft";
	d.note = (char *)r->note;
	d.checked = NULL;
	d.approved = NULL;
	d.effective_date = "";
	d.next_review = "";
	d.superseded_by = 0;
	d.withdraw_note = "";
	d.route = NULL;
	d.n_route = 0;
	if ((rc = document_fill(&d, r, &origin)) != 0)
		goto done;
	document_person(&drafted, r);
	d.drafted = &drafted;
	rc = document_store(txn, t, &d);
done:
	eiso__doc_issue__free_unpacked(latest, NULL);
	return rc;
}

enum doc_op
document_next(const Eiso__DocIssue *d)
{
	if (strcmp(d->status, "draft") == 0)
		return DOC_SUBMIT;
	if (strcmp(d->status, "in_review") != 0)
		return DOC_NOPS;
	return d->checked == NULL || d->checked->name[0] == '\0' ? DOC_CHECK : DOC_APPROVE;
}

/* EISO_INVAL naming why the newest issue does not take route step op now. */
static int
document_not_now(const Eiso__DocIssue *d, enum doc_op op)
{
	enum doc_op next = document_next(d);

	if (op == DOC_APPROVE && next == DOC_CHECK)
		return eiso_seterr(EISO_INVAL, "status: issue %u of %s is in review but not checked; "
		    "the checker checks it first (doc check), then it is approved", d->issue,
		    d->code);
	if (op == DOC_CHECK && next == DOC_APPROVE)
		return eiso_seterr(EISO_INVAL, "status: issue %u of %s was checked by %s; it waits "
		    "for approval", d->issue, d->code, d->checked->name);
	return eiso_seterr(EISO_INVAL, "status: issue %u of %s is %s; %s takes %s (draft -> "
	    "submit -> in_review -> check -> approve -> effective, or return -> draft)",
	    d->issue, d->code, d->status, doc_op_name(op), op == DOC_SUBMIT ? "a draft" :
	    op == DOC_RETURN ? "an issue in review" : op == DOC_CHECK ?
	    "an issue in review not yet checked" : "a checked issue in review");
}

/* One step more on d's route (d is a shallow copy; free *steps after storing d). */
static int
document_route_add(Eiso__DocIssue *d, const char *action, Eiso__Person *by,
    const char *comment, Eiso__RouteStep *step, Eiso__RouteStep ***steps)
{
	Eiso__RouteStep **a;

	if (d->n_route >= DOMAIN_MAX_ROUTE)
		return eiso_seterr(EISO_TOOBIG, "route: issue %u of %s has %d steps already; start "
		    "a new issue", d->issue, d->code, DOMAIN_MAX_ROUTE);
	if (comment != NULL && strlen(comment) > DOC_COMMENT_MAX)
		return eiso_seterr(EISO_TOOBIG, "comment: longer than %d bytes", DOC_COMMENT_MAX);
	if ((a = malloc((d->n_route + 1) * sizeof(*a))) == NULL)
		return EISO_NOMEM;
	if (d->n_route > 0)
		memcpy(a, d->route, d->n_route * sizeof(*a));
	eiso__route_step__init(step);
	step->action = (char *)action;
	step->by = by;
	step->comment = (char *)(comment ? comment : "");
	a[d->n_route++] = step;
	d->route = a;
	*steps = a;
	return 0;
}

static int
document_need_person(const struct doc_request *r, const char *field, const char *who)
{
	if (r->person == NULL || r->person[0] == '\0')
		return eiso_seterr(EISO_INVAL, "%s: the %s's name is required", field, who);
	return 0;
}

/* Approving: the issue in force gives way in the same transaction. */
static int
document_approve(MDB_txn *txn, struct doc_txn *t, Eiso__DocIssue *d, char today[11],
    char next[11])
{
	const struct doc_request *r = t->r;
	Eiso__DocIssue *current = NULL, old;
	Eiso__DocRecord *rec = NULL;
	int rc;

	if (r->effective_date != NULL) {
		if (!domain_date_ok(r->effective_date))
			return eiso_seterr(EISO_INVAL, "effective_date: '%s' is not a date "
			    "(YYYY-MM-DD)", r->effective_date);
		d->effective_date = (char *)r->effective_date;
	} else {
		domain_today(today);
		d->effective_date = today;
	}
	next[0] = '\0';
	if (d->review_months > 0)
		domain_add_months(d->effective_date, d->review_months, next);
	d->next_review = next;
	if ((rc = document_index(txn, t->n, r->code, &rec)) != 0)
		return rc;
	if (rec->current != 0 && rec->current != d->issue &&
	    (rc = document_get(txn, t->n, r->code, rec->current, &current)) == 0) {
		old = *current;
		old.status = "superseded";
		old.superseded_by = d->issue;
		rc = document_store(txn, t, &old);
		eiso__doc_issue__free_unpacked(current, NULL);
	}
	eiso__doc_record__free_unpacked(rec, NULL);
	return rc;
}

/* A step of the route on the newest issue: submit, check, return or approve. */
static int
document_route_txn(MDB_txn *txn, struct doc_txn *t)
{
	static const char *const actions[DOC_NOPS] = {
		[DOC_SUBMIT] = "submit", [DOC_CHECK] = "check", [DOC_RETURN] = "return",
		[DOC_APPROVE] = "approve",
	};
	const struct doc_request *r = t->r;
	Eiso__DocIssue *latest, d;
	Eiso__RouteStep step, **steps = NULL;
	Eiso__Person who;
	enum doc_op next;
	char today[11], nextrev[11];
	int rc;

	if ((rc = document_get(txn, t->n, r->code, 0, &latest)) != 0)
		return rc;
	next = document_next(latest);
	if (t->op == DOC_RETURN ? next != DOC_CHECK && next != DOC_APPROVE : next != t->op) {
		rc = document_not_now(latest, t->op);
		goto done;
	}
	if ((t->op == DOC_CHECK && (rc = document_need_person(r, "checked_by", "checker"))) ||
	    (t->op == DOC_APPROVE && (rc = document_need_person(r, "approved_by", "approver"))) ||
	    (t->op == DOC_RETURN && (rc = document_need_person(r, "returned_by",
	    "person returning it"))))
		goto done;
	if (t->op == DOC_RETURN && (r->comment == NULL || r->comment[0] == '\0')) {
		rc = eiso_seterr(EISO_INVAL, "comment: the reason for returning it is required");
		goto done;
	}
	d = *latest;                     /* a shallow copy: borrowed strings, never freed */
	document_person(&who, r);
	if ((rc = document_route_add(&d, actions[t->op], &who, r->comment, &step, &steps)) != 0)
		goto done;
	switch (t->op) {
	case DOC_SUBMIT: d.status = "in_review"; d.checked = NULL; break;
	case DOC_CHECK: d.checked = &who; break;
	case DOC_RETURN: d.status = "draft"; d.checked = NULL; break;
	default:
		d.status = "effective";
		d.approved = &who;
		if ((rc = document_approve(txn, t, &d, today, nextrev)) != 0)
			goto done;
	}
	rc = document_store(txn, t, &d);
done:
	free(steps);
	eiso__doc_issue__free_unpacked(latest, NULL);
	return rc;
}

/* A draft's fields change before it is submitted (again). */
static int
document_edit_txn(MDB_txn *txn, struct doc_txn *t)
{
	const struct doc_request *r = t->r;
	Eiso__DocIssue *latest, d;
	Eiso__Origin origin;
	int rc;

	if ((rc = document_get(txn, t->n, r->code, 0, &latest)) != 0)
		return rc;
	if (strcmp(latest->status, "draft") != 0) {
		rc = eiso_seterr(EISO_INVAL, "status: issue %u of %s is %s; only a draft is edited "
		    "(a new issue starts with revise)", latest->issue, r->code, latest->status);
		goto done;
	}
	d = *latest;
	if (r->note != NULL)
		d.note = (char *)r->note;
	if ((rc = document_fill(&d, r, &origin)) == 0)
		rc = document_store(txn, t, &d);
done:
	eiso__doc_issue__free_unpacked(latest, NULL);
	return rc;
}

static int
document_withdraw_txn(MDB_txn *txn, struct doc_txn *t)
{
	const struct doc_request *r = t->r;
	Eiso__DocRecord *rec;
	Eiso__DocIssue *cur, d;
	int rc;

	if (r->note == NULL || r->note[0] == '\0')
		return eiso_seterr(EISO_INVAL, "note: the reason for withdrawing is required");
	if ((rc = document_index(txn, t->n, r->code, &rec)) != 0)
		return rc;
	if (rec->current == 0) {
		rc = eiso_seterr(EISO_INVAL, "status: %s has no effective issue to withdraw",
		    r->code);
		eiso__doc_record__free_unpacked(rec, NULL);
		return rc;
	}
	rc = document_get(txn, t->n, r->code, rec->current, &cur);
	eiso__doc_record__free_unpacked(rec, NULL);
	if (rc != 0)
		return rc;
	d = *cur;
	d.status = "withdrawn";
	d.withdraw_note = (char *)r->note;
	rc = document_store(txn, t, &d);
	eiso__doc_issue__free_unpacked(cur, NULL);
	return rc;
}

static int
document_txn(MDB_txn *txn, void *arg)
{
	struct doc_txn *t = arg;

	if (t->r->code == NULL || t->r->code[0] == '\0')
		return eiso_seterr(EISO_INVAL, "code: required");
	switch (t->op) {
	case DOC_NEW:
	case DOC_IMPORT: return document_new_txn(txn, t);
	case DOC_REVISE: return document_revise_txn(txn, t);
	case DOC_SUBMIT:
	case DOC_CHECK:
	case DOC_RETURN:
	case DOC_APPROVE: return document_route_txn(txn, t);
	case DOC_EDIT: return document_edit_txn(txn, t);
	case DOC_WITHDRAW: return document_withdraw_txn(txn, t);
	case DOC_NOPS: break;
	}
	return EISO_INVAL;
}

int
document_do(struct node *n, enum doc_op op, const struct doc_request *r,
    Eiso__DocIssue **result)
{
	struct doc_txn t = { n, op, r, NULL, 0 };
	int rc;

	*result = NULL;
	if ((rc = store_write(n->st, document_txn, &t)) == 0 &&
	    (*result = eiso__doc_issue__unpack(NULL, t.rlen, t.result)) == NULL)
		rc = EISO_NOMEM;
	free(t.result);
	return rc;
}

static int
document_list_match(const Eiso__DocIssue *d, const struct doc_filter *f, const char *today)
{
	return (f->status == NULL || strcmp(f->status, d->status) == 0) &&
	    (f->kind == NULL || strcmp(f->kind, d->kind) == 0) &&
	    (f->access == NULL || strcmp(f->access, d->access) == 0) &&
	    (!f->review_due || (strcmp(d->status, "effective") == 0 && d->next_review[0] &&
	    strcmp(d->next_review, today) <= 0));
}

static int
document_list_word(const char *field, const char *w, const char *const *words)
{
	if (w != NULL && !domain_one_of(w, words))
		return eiso_seterr(EISO_INVAL, "%s: '%s' is not one of: %s", field, w,
		    domain_words(words));
	return 0;
}

int
document_list(MDB_txn *txn, struct node *n, const struct doc_filter *f, doc_list_fn fn,
    void *arg)
{
	MDB_cursor *cur;
	MDB_val k, v;
	char today[11];
	int rc;

	if ((rc = document_list_word("status", f->status, domain_doc_statuses)) != 0 ||
	    (rc = document_list_word("kind", f->kind, domain_doc_kinds)) != 0 ||
	    (rc = document_list_word("access", f->access, domain_access)) != 0)
		return rc;
	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(n->st, f->status ? NDB_VERSIONS :
	    NDB_DOCS), &cur))) != 0)
		return rc;
	domain_today(today);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Eiso__DocIssue *d = NULL;

		if (f->status != NULL) {
			d = eiso__doc_issue__unpack(NULL, v.mv_size, v.mv_data);
		} else {
			Eiso__DocRecord *rec = eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data);
			uint32_t issue;

			if (rec == NULL)
				continue;
			issue = f->review_due ? rec->current : rec->latest;
			if (issue != 0)
				document_get(txn, n, rec->code, issue, &d);
			eiso__doc_record__free_unpacked(rec, NULL);
		}
		if (d == NULL)
			continue;
		rc = document_list_match(d, f, today) ? fn(d, arg) : 0;
		eiso__doc_issue__free_unpacked(d, NULL);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}
