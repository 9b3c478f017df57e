/*
 * test_reviews.c: the hub's documents in force and their reviews (hubd/core/apply.c). After a
 * random mix of new issues, issues put in force (superseding the one before), withdrawals,
 * issues sent again with another review date, and drafts, over a few agencies, the counters
 * ("in_force", "review:DATE", "doc:KIND:STATUS"), the reviews index and figures_agency must
 * equal a brute-force walk of every document. Then the store is made to look like one of
 * schema 1 (no index, no counters) and opened again: the upgrade step must fill them from the
 * documents, and a read-only open must refuse it first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "domain.h"
#include "err.h"
#include "core/core.h"
#include "keys.h"
#include "unit.h"

#define NAGENCY 3
#define NCODE 12
#define NDATE 6

static const char *const agencies[NAGENCY] = { "ubnd-a", "ubnd-b", "so-c" };
static char dates[NDATE][11];     /* past, past, yesterday, today, future, none */

struct fix {
	char *dir;
	struct hub h;
	uint32_t latest[NAGENCY][NCODE];      /* what the test has sent */
	uint32_t current[NAGENCY][NCODE];
};

static void
open_hub(struct fix *f)
{
	assert_int_equal(hub_store_open(f->dir, 0, &f->h.st), 0);
	f->h.bt.chunks = store_dbi(f->h.st, HDB_CHUNKS);
	f->h.bt.meta = store_dbi(f->h.st, HDB_BLOBMETA);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	char today[11];
	time_t yesterday = time(NULL) + 7 * 3600 - 86400;     /* Asia/Ho_Chi_Minh */
	struct tm tm;

	domain_today(today);
	snprintf(dates[0], sizeof(dates[0]), "2001-05-01");
	snprintf(dates[1], sizeof(dates[1]), "2020-02-29");
	gmtime_r(&yesterday, &tm);
	strftime(dates[2], sizeof(dates[2]), "%Y-%m-%d", &tm);
	snprintf(dates[3], sizeof(dates[3]), "%s", today);
	snprintf(dates[4], sizeof(dates[4]), "2199-12-31");
	dates[5][0] = '\0';
	f->dir = unit_mkdtemp("reviews");
	assert_non_null(f->dir);
	open_hub(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	store_close(&f->h.st);
	unit_rmtree(&f->dir);
	free(f);
	return 0;
}

struct put {
	struct fix *f;
	const char *agency;
	Eiso__DocIssue *d[2];
	int n;
};

static int
put_cb(MDB_txn *txn, void *arg)
{
	struct put *p = arg;
	int rc = 0;

	for (int i = 0; i < p->n && rc == 0; i++) {
		Eiso__Change c = EISO__CHANGE__INIT;

		c.op_case = EISO__CHANGE__OP_DOC_ISSUE;
		c.doc_issue = p->d[i];
		rc = apply_change(txn, &p->f->h, p->agency, &c);
	}
	return rc;
}

static void
issue_init(Eiso__DocIssue *d, char *code, uint32_t n, const char *status, const char *review)
{
	eiso__doc_issue__init(d);
	d->code = code;
	d->title = (char *)"Quy trình";
	d->kind = (char *)(n % 2 ? "procedure" : "form");   /* a kind per issue: counted as sent */
	d->issue = n;
	d->status = (char *)status;
	d->access = (char *)"public";
	d->effective_date = (char *)(strcmp(status, "draft") == 0 ? "" : "2024-01-01");
	d->next_review = (char *)review;
}

/* One random step of one document's life, as a node would send it. */
static void
step(struct fix *f, unsigned r)
{
	int a = (int)(r % NAGENCY), c = (int)(r / NAGENCY % NCODE);
	unsigned what = r / (NAGENCY * NCODE) % 5;
	const char *review = dates[r / (NAGENCY * NCODE * 5) % NDATE];
	Eiso__DocIssue d1, d2;
	char code[16];
	struct put p = { f, agencies[a], { &d1, &d2 }, 1 };
	uint32_t *latest = &f->latest[a][c], *cur = &f->current[a][c];

	snprintf(code, sizeof(code), "QT-%02d", c);
	if (what == 0 || *latest == 0) {                 /* a new draft issue */
		issue_init(&d1, code, ++*latest, "draft", "");
	} else if (what == 1) {                          /* the newest in force */
		issue_init(&d1, code, *latest, "effective", review);
		if (*cur != 0 && *cur != *latest) {      /* in one set with the one it supersedes */
			issue_init(&d2, code, *cur, "superseded", "");
			d2.superseded_by = *latest;
			p.n = 2;
			if (r & 1) {                     /* either order */
				p.d[0] = &d2;
				p.d[1] = &d1;
			}
		}
		*cur = *latest;
	} else if (what == 2 && *cur != 0) {             /* withdrawn */
		issue_init(&d1, code, *cur, "withdrawn", "");
		*cur = 0;
	} else if (what == 3 && *cur != 0) {             /* in force, sent again: new date */
		issue_init(&d1, code, *cur, "effective", review);
	} else {                                         /* the newest goes to review */
		if (*latest == *cur)
			issue_init(&d1, code, ++*latest, "in_review", "");
		else
			issue_init(&d1, code, *latest, "in_review", "");
	}
	assert_int_equal(store_write(f->h.st, put_cb, &p), 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Brute force: every document, every issue */

struct truth {
	uint64_t in_force[NAGENCY], overdue[NAGENCY];
	char index[NAGENCY * NCODE][64];      /* "date agency code issue", sorted by the walk */
	size_t nindex;
	json_t *docs[NAGENCY];                /* kind -> status -> count, as figures shows */
};

static int
agency_index(const char *id)
{
	for (int i = 0; i < NAGENCY; i++)
		if (strcmp(agencies[i], id) == 0)
			return i;
	fail_msg("unknown agency %s", id);
	return -1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
brute(struct fix *f, MDB_txn *txn, struct truth *t)
{
	char today[11];
	MDB_cursor *c;
	MDB_val k, v;

	memset(t, 0, sizeof(*t));
	domain_today(today);
	for (int i = 0; i < NAGENCY; i++)
		t->docs[i] = json_object();
	assert_int_equal(mdb_cursor_open(txn, store_dbi(f->h.st, HDB_DOCS), &c), 0);
	for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		Eiso__DocRecord *rec = eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data);
		const char *agency = k.mv_data;          /* agency NUL code */
		int a = agency_index(agency);
		Eiso__DocIssue *d;

		assert_non_null(rec);
		if (rec->current != 0) {
			assert_int_equal(apply_doc_version(txn, &f->h, agency, rec->code,
			    rec->current, &d), 0);
			t->in_force[a]++;
			if (d->next_review[0] != '\0') {
				snprintf(t->index[t->nindex++], sizeof(t->index[0]), "%s %s %s %u",
				    d->next_review, agency, rec->code, d->issue);
				if (strcmp(d->next_review, today) < 0)
					t->overdue[a]++;
			}
			eiso__doc_issue__free_unpacked(d, NULL);
		}
		eiso__doc_record__free_unpacked(rec, NULL);
	}
	mdb_cursor_close(c);
	qsort(t->index, t->nindex, sizeof(t->index[0]), cmp_str);

	assert_int_equal(mdb_cursor_open(txn, store_dbi(f->h.st, HDB_VERSIONS), &c), 0);
	for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		Eiso__DocIssue *d = eiso__doc_issue__unpack(NULL, v.mv_size, v.mv_data);
		json_t *docs = t->docs[agency_index(k.mv_data)], *byk;

		assert_non_null(d);
		if ((byk = json_object_get(docs, d->kind)) == NULL)
			json_object_set_new(docs, d->kind, byk = json_object());
		json_object_set_new(byk, d->status, json_integer(json_integer_value(
		    json_object_get(byk, d->status)) + 1));
		eiso__doc_issue__free_unpacked(d, NULL);
	}
	mdb_cursor_close(c);
}

struct listed {
	char (*out)[64];
	size_t n, cap;
};

static int
listed_cb(const char *date, const char *agency, const char *code, uint32_t issue, void *arg)
{
	struct listed *l = arg;

	assert_true(l->n < l->cap);
	snprintf(l->out[l->n++], 64, "%s %s %s %u", date, agency, code, issue);
	return 0;
}

/*
 * What the counters, the index and figures_agency say equals the brute-force walk. Returns
 * how many reviews are overdue, so a test can tell it checked something.
 */
static uint64_t
check(struct fix *f)
{
	struct truth t;
	char today[11], got[NAGENCY * NCODE][64];
	struct listed l = { got, 0, NAGENCY * NCODE };
	uint64_t overdue = 0;
	MDB_txn *txn;

	domain_today(today);
	assert_int_equal(store_read_begin(f->h.st, &txn), 0);
	brute(f, txn, &t);
	/* The whole index, in its order (date, agency, code), is the brute force's. */
	assert_int_equal(apply_reviews(txn, &f->h, NULL, NULL, listed_cb, &l), 0);
	assert_int_equal(l.n, t.nindex);
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(got[i], t.index[i]);
	for (int a = 0; a < NAGENCY; a++) {
		uint64_t n, due = 0;
		json_t *fig;

		assert_int_equal(apply_stat_get(txn, &f->h, agencies[a], "in_force", &n), 0);
		assert_int_equal(n, t.in_force[a]);
		assert_int_equal(apply_reviews_due(txn, &f->h, agencies[a], today, &n), 0);
		assert_int_equal(n, t.overdue[a]);
		/* The index up to today, one agency: as many as the counters say. */
		l.n = 0;
		assert_int_equal(apply_reviews(txn, &f->h, agencies[a], today, listed_cb, &l), 0);
		for (size_t i = 0; i < l.n; i++) {
			assert_true(strncmp(got[i], today, 10) < 0);
			due++;
		}
		assert_int_equal(due, t.overdue[a]);
		fig = figures_agency(txn, &f->h, agencies[a]);
		assert_int_equal(json_integer_value(json_object_get(fig, "documents_in_force")),
		    t.in_force[a]);
		assert_int_equal(json_integer_value(json_object_get(fig, "reviews_overdue")),
		    t.overdue[a]);
		assert_true(json_equal(json_object_get(fig, "documents"), t.docs[a]));
		json_decref(fig);
		json_decref(t.docs[a]);
		overdue += t.overdue[a];
	}
	store_read_end(&txn);
	return overdue;
}

static void
test_mix(void **state)
{
	struct fix *f = *state;
	unsigned seed = 12345;

	for (int i = 0; i < 1500; i++) {
		seed = seed * 1103515245u + 12345u;
		step(f, seed >> 8);
		if (i % 100 == 99)
			check(f);
	}
	assert_true(check(f) > 0);
}

/* ------------------------------------------------------------------------------------------ */
/* The upgrade from schema 1 */

static int
make_schema1(MDB_txn *txn, void *arg)
{
	struct fix *f = arg;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_drop(txn, store_dbi(f->h.st, HDB_REVIEWS), 0)) != 0 ||
	    (rc = mdb_cursor_open(txn, store_dbi(f->h.st, HDB_STATS), &c)) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const char *name = memchr(k.mv_data, '\0', k.mv_size);

		assert_non_null(name);
		name++;
		if ((strncmp(name, "in_force", 8) == 0 || strncmp(name, "review:", 7) == 0) &&
		    (rc = mdb_cursor_del(c, 0)) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return rc;
	return store_put_u64(txn, store_dbi(f->h.st, HDB_META), "schema", 1);
}

/* The days an issue was in force (issue 14, defect 2): it ends when its successor takes
 * effect, whether that day is before or after the successor was approved. */
static void
span_is(struct fix *f, const char *code, uint32_t n, const char *from, const char *until)
{
	Eiso__DocIssue *d;
	char a[11], b[11];
	MDB_txn *txn;

	assert_int_equal(store_read_begin(f->h.st, &txn), 0);
	assert_int_equal(apply_doc_version(txn, &f->h, "ubnd-a", code, n, &d), 0);
	assert_int_equal(apply_in_force_span(txn, &f->h, "ubnd-a", d, a, b), 0);
	eiso__doc_issue__free_unpacked(d, NULL);
	store_read_end(&txn);
	assert_string_equal(a, from);
	assert_string_equal(b, until);
}

static void
test_span(void **state)
{
	struct fix *f = *state;
	Eiso__DocIssue d1, d2;
	char c1[] = "QT-01", c2[] = "QT-02";
	struct put p = { f, "ubnd-a", { &d1, &d2 }, 1 };

	issue_init(&d1, c1, 1, "effective", "");
	assert_int_equal(store_write(f->h.st, put_cb, &p), 0);
	span_is(f, c1, 1, "2024-01-01", "");
	/* Issue 2 approved today, effective on a past day: issue 1 ended that day. */
	issue_init(&d1, c1, 2, "effective", "");
	d1.effective_date = (char *)"2024-03-01";
	issue_init(&d2, c1, 1, "superseded", "");
	d2.superseded_by = 2;
	d2.updated = store_now_ms();
	p.n = 2;
	assert_int_equal(store_write(f->h.st, put_cb, &p), 0);
	span_is(f, c1, 1, "2024-01-01", "2024-03-01");
	span_is(f, c1, 2, "2024-03-01", "");
	/* Issue 2 approved today, effective in the future: issue 1 stays in force until then. */
	issue_init(&d1, c2, 1, "effective", "");
	p.n = 1;
	assert_int_equal(store_write(f->h.st, put_cb, &p), 0);
	issue_init(&d1, c2, 2, "effective", "");
	d1.effective_date = (char *)"2199-12-31";
	d2.code = c2;
	p.n = 2;
	assert_int_equal(store_write(f->h.st, put_cb, &p), 0);
	span_is(f, c2, 1, "2024-01-01", "2199-12-31");
	/* Withdrawn: ends the day it was withdrawn. */
	issue_init(&d1, c2, 2, "withdrawn", "");
	d1.effective_date = (char *)"2199-12-31";
	d1.updated = 1709251200000LL;             /* 2024-03-01 07:00 in Ha Noi */
	p.n = 1;
	assert_int_equal(store_write(f->h.st, put_cb, &p), 0);
	span_is(f, c2, 2, "2199-12-31", "2199-12-31");
	/* A draft was never in force. */
	issue_init(&d1, c2, 3, "draft", "");
	assert_int_equal(store_write(f->h.st, put_cb, &p), 0);
	span_is(f, c2, 3, "", "");
}

static void
test_upgrade(void **state)
{
	struct fix *f = *state;
	store_t *ro = NULL;
	MDB_txn *txn;
	unsigned seed = 777;
	uint64_t n, total = 0;

	for (int i = 0; i < 600; i++) {
		seed = seed * 1103515245u + 12345u;
		step(f, seed >> 8);
	}
	check(f);
	assert_int_equal(store_write(f->h.st, make_schema1, f), 0);
	/* What an older build left: no index and no counters at all. */
	assert_int_equal(store_read_begin(f->h.st, &txn), 0);
	assert_int_equal(store_count(txn, store_dbi(f->h.st, HDB_REVIEWS)), 0);
	for (int a = 0; a < NAGENCY; a++) {
		assert_int_equal(apply_stat_get(txn, &f->h, agencies[a], "in_force", &n), 0);
		total += n;
	}
	store_read_end(&txn);
	assert_int_equal(total, 0);
	store_close(&f->h.st);

	/* Read-only: refused as older; a write open upgrades and the figures are whole again. */
	eiso_clearerr();
	assert_int_equal(hub_store_open(f->dir, 1, &ro), EISO_VERSION);
	assert_non_null(strstr(eiso_lasterr(EISO_VERSION), "schema 1 is older"));
	open_hub(f);
	assert_int_equal(store_upgraded_from(f->h.st), 1);
	check(f);
	/* And apply keeps them from there. */
	for (int i = 0; i < 300; i++) {
		seed = seed * 1103515245u + 12345u;
		step(f, seed >> 8);
	}
	check(f);
	store_close(&f->h.st);
	open_hub(f);
	assert_int_equal(store_upgraded_from(f->h.st), -1);
	assert_int_equal(hub_store_open(f->dir, 1, &ro), 0);
	store_close(&ro);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_span, setup, teardown),
	};

	if (keys_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
