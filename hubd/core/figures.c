/*
 * figures.c: an agency's figures as the oversight side reads them: documents in force,
 * reviews overdue, cases open / overdue / on time / late, record files and electronic-record
 * coverage. Read from the counters apply.c keeps and the agency's cases, never by walking its
 * documents; `hubd figures`, the JSON API and the dashboard all show these.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "core/core.h"
#include "wire.h"

#define FIGURES_KEY_MAX (WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 8)

/* Iterate the keys of a per-agency table that start with agency\0. */
static int
figures_scan(MDB_txn *txn, struct hub *h, int db, const char *agency,
    void (*fn)(const MDB_val *k, const MDB_val *v, void *arg), void *arg)
{
	uint8_t key[FIGURES_KEY_MAX];
	size_t klen = agency_key(key, sizeof(key), agency, NULL, 0);
	MDB_cursor *c;
	MDB_val k = { klen, key }, v;
	int rc;

	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, db), &c))) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size < klen || memcmp(k.mv_data, key, klen) != 0)
			break;
		fn(&k, &v, arg);
	}
	mdb_cursor_close(c);
	return 0;
}

/* "doc:KIND:STATUS" counters: issues by kind and status. */
static int
figures_stat(const char *name, uint64_t v, void *arg)
{
	json_t *docs = arg, *byk;
	char buf[96], *kind, *status;

	snprintf(buf, sizeof(buf), "%s", name + 4);
	kind = buf;
	if ((status = strchr(kind, ':')) == NULL)
		return 0;
	*status++ = '\0';
	if ((byk = json_object_get(docs, kind)) == NULL) {
		byk = json_object();
		json_object_set_new(docs, kind, byk);
	}
	json_object_set_new(byk, status, json_integer((json_int_t)v));
	return 0;
}

struct figures_cases {
	struct figures *f;
	int64_t now;
};

static void
figures_case(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct figures_cases *fc = arg;
	Eiso__Case *c = eiso__case__unpack(NULL, v->mv_size, v->mv_data);

	(void)k;
	if (c == NULL)
		return;
	if (!domain_case_final(c->status)) {
		fc->f->cases_open++;
		if (c->due < fc->now)
			fc->f->cases_overdue++;
	}
	eiso__case__free_unpacked(c, NULL);
}

static int
figures_counter(const char *name, uint64_t v, void *arg)
{
	struct figures *f = arg;

	if (strncmp(name, "review:", 7) == 0)
		f->reviews_overdue += v;
	else if (strcmp(name, "in_force") == 0)
		f->in_force = v;
	else if (strcmp(name, "case:on_time") == 0)
		f->on_time = v;
	else if (strcmp(name, "case:late") == 0)
		f->late = v;
	else if (strcmp(name, "case:with_file") == 0)
		f->with_file = v;
	else if (strcmp(name, "file:count") == 0)
		f->files = v;
	return 0;
}

/*
 * Documents come from the counters apply.c keeps (never a walk of the documents): in force,
 * and in force with a next review date before today. The counters this needs sort before
 * "review:TODAY" (case:, doc:, file:count, in_force, the review days past; not the days'
 * sets:), so one walk of the agency's counters up to there reads them all.
 */
void
figures_get(MDB_txn *txn, struct hub *h, const char *agency, int64_t now, const char *today,
    struct figures *f)
{
	struct figures_cases fc = { f, now };
	char upto[24];

	memset(f, 0, sizeof(*f));
	snprintf(upto, sizeof(upto), "review:%s", today);
	apply_stats(txn, h, agency, "", upto, figures_counter, f);
	figures_scan(txn, h, HDB_CASES, agency, figures_case, &fc);
}

double
figures_coverage(const struct figures *f)
{
	uint64_t completed = f->on_time + f->late;

	return completed ? 100.0 * (double)f->with_file / (double)completed : 0.0;
}

json_t *
figures_json(MDB_txn *txn, struct hub *h, const char *agency, const struct figures *f)
{
	json_t *docs = json_object();

	apply_stats(txn, h, agency, "doc:", NULL, figures_stat, docs);
	return json_pack("{s:s,s:o,s:I,s:I,s:{s:I,s:I,s:I,s:I},s:I,s:{s:I,s:I,s:f}}",
	    "agency", agency, "documents", docs,
	    "documents_in_force", (json_int_t)f->in_force,
	    "reviews_overdue", (json_int_t)f->reviews_overdue,
	    "cases", "open", (json_int_t)f->cases_open, "open_overdue",
	    (json_int_t)f->cases_overdue, "on_time", (json_int_t)f->on_time, "late",
	    (json_int_t)f->late,
	    "record_files", (json_int_t)f->files,
	    "record_coverage", "completed_cases", (json_int_t)(f->on_time + f->late),
	    "with_record_file", (json_int_t)f->with_file,
	    "percent", figures_coverage(f));
}

json_t *
figures_agency(MDB_txn *txn, struct hub *h, const char *agency)
{
	struct figures f;
	char today[11];

	domain_today(today);
	figures_get(txn, h, agency, store_now_ms(), today, &f);
	return figures_json(txn, h, agency, &f);
}
