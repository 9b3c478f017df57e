/*
 * view.c: what the oversight side shows, read from the hub's store inside the caller's read
 * transaction and returned as JSON. The JSON API prints these objects as they are and the
 * dashboard renders the same ones, so the two can never disagree. The per-agency figures are
 * core/figures.c's (the `hubd figures` verb's too), with the replication state, the level's
 * coverage target and the open alerts added. The agency list reads every agency as numbers (counters, never
 * its documents), filters, sorts and totals those, and builds the objects of its page only.
 *
 * The documents, record files and cases of an agency are view_records.c's.
 *
 * Figures over time come from the data itself: change sets applied per day from the
 * "sets:YYYY-MM-DD" counters kept as sets apply; documents in force at each month's end from
 * every issue's effective date and the time it was superseded or withdrawn; cases on time and
 * late by the month they were completed in. Days are Asia/Ho_Chi_Minh days.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chain.h"
#include "domain.h"
#include "err.h"
#include "grow.h"
#include "keys.h"
#include "pbjson.h"
#include "web/web.h"
#include "wire.h"

#define DAY_MS (86400LL * 1000)

/* Prefix key "agency\0" (or "" for every agency when agency is NULL). */
static size_t
view_prefix(uint8_t *key, size_t cap, const char *agency)
{
	return agency != NULL ? agency_key(key, cap, agency, NULL, 0) : 0;
}

int
view_scan(MDB_txn *txn, struct web *w, int db, const char *agency, view_row_fn fn, void *arg)
{
	uint8_t key[VIEW_KEY_MAX];
	size_t klen = view_prefix(key, sizeof(key), agency);
	MDB_cursor *c;
	MDB_val k = { klen, key }, v;
	int rc;

	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(web_hub(w)->st, db), &c))) != 0)
		return rc;
	rc = klen ? mdb_cursor_get(c, &k, &v, MDB_SET_RANGE) : mdb_cursor_get(c, &k, &v, MDB_FIRST);
	for (; rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size < klen || memcmp(k.mv_data, key, klen) != 0)
			break;
		if (fn(&k, &v, arg) != 0)
			break;
	}
	mdb_cursor_close(c);
	return 0;
}

static int
view_count_row(const MDB_val *k, const MDB_val *v, void *arg)
{
	(void)k;
	(void)v;
	(*(size_t *)arg)++;
	return 0;
}

static size_t
view_open_alerts(MDB_txn *txn, struct web *w, const char *agency)
{
	size_t n = 0;

	view_scan(txn, w, HDB_ALERTKEYS, agency, view_count_row, &n);
	return n;
}

void
view_set_time(json_t *j, const char *name, int64_t ms)
{
	char iso[40], key[64];

	json_object_set_new(j, name, ms > 0 ? json_integer(ms) : json_null());
	snprintf(key, sizeof(key), "%s_iso", name);
	i18n_iso(iso, sizeof(iso), ms);
	json_object_set_new(j, key, ms > 0 ? json_string(iso) : json_null());
}

/*
 * One agency of the list as numbers: what the filters, the sort and the province's totals
 * need, read without building any JSON, so that a list of a thousand agencies builds the
 * objects of one page only.
 */
struct view_row {
	const Eiso__AgencyRecord *a;
	Eiso__AgencyRecord *own;          /* a, when the row owns it */
	struct figures fig;
	uint64_t seq, node_head, rejected, lag;
	int64_t seen, applied_at, lag_s;
	uint8_t hash[KEYS_HASH];
	const char *status;
	size_t alerts;
	int target;                       /* percent, -1 when the level has none */
};

static void
view_row_fill(MDB_txn *txn, struct web *w, const Eiso__AgencyRecord *a, int64_t now,
    const char *today, struct view_row *row)
{
	struct hub *h = web_hub(w);
	Eiso__HeadRecord *hr = NULL;

	memset(row, 0, sizeof(*row));
	row->a = a;
	if (head_get(txn, h, a->id, &hr) == 0) {
		row->seq = hr->seq;
		if (hr->hash.len == KEYS_HASH)
			memcpy(row->hash, hr->hash.data, KEYS_HASH);
		row->seen = hr->last_seen;
		row->applied_at = hr->applied_at;
		row->node_head = hr->node_head;
		row->rejected = hr->rejected;
		eiso__head_record__free_unpacked(hr, NULL);
	}
	if (a->state == NULL || strcmp(a->state, "active") != 0)
		row->status = "retired";
	else if (row->seen == 0)
		row->status = "never";
	else if (now - row->seen <= (int64_t)h->conf.offline_after_s * 1000)
		row->status = "online";
	else
		row->status = "offline";
	/* Behind the node: how many sets, and since when the hub has applied nothing. */
	row->lag = row->node_head > row->seq ? row->node_head - row->seq : 0;
	row->lag_s = row->lag == 0 ? 0 :
	    (now - (row->applied_at ? row->applied_at : a->enrolled)) / 1000;
	figures_get(txn, h, a->id, now, today, &row->fig);
	row->alerts = view_open_alerts(txn, w, a->id);
	row->target = web_target(w, a->level);
}

static int
view_row_meets(const struct view_row *row)
{
	return row->target >= 0 && figures_coverage(&row->fig) >= row->target;
}

static json_t *
view_row_json(MDB_txn *txn, struct web *w, const struct view_row *row)
{
	const Eiso__AgencyRecord *a = row->a;
	char hex[2 * KEYS_HASH + 1];
	json_t *j, *cov;

	if ((j = figures_json(txn, web_hub(w), a->id, &row->fig)) == NULL)
		return NULL;
	keys_hex(hex, row->hash, KEYS_HASH);
	json_object_del(j, "agency");
	json_object_set_new(j, "id", json_string(a->id));
	json_object_set_new(j, "name_vi", json_string(a->name_vi ? a->name_vi : ""));
	json_object_set_new(j, "name_en", json_string(a->name_en ? a->name_en : ""));
	json_object_set_new(j, "level", json_string(a->level ? a->level : ""));
	json_object_set_new(j, "parent", json_string(a->parent ? a->parent : ""));
	json_object_set_new(j, "state", json_string(a->state ? a->state : ""));
	json_object_set_new(j, "status", json_string(row->status));
	json_object_set_new(j, "online", json_boolean(strcmp(row->status, "online") == 0));
	view_set_time(j, "last_seen", row->seen);
	view_set_time(j, "last_applied", row->applied_at);
	json_object_set_new(j, "applied_seq", json_integer((json_int_t)row->seq));
	json_object_set_new(j, "head_hash", json_string(hex));
	json_object_set_new(j, "node_head", json_integer((json_int_t)row->node_head));
	json_object_set_new(j, "lag", json_pack("{s:I,s:I}", "sets", (json_int_t)row->lag,
	    "seconds", (json_int_t)row->lag_s));
	json_object_set_new(j, "rejected", json_integer((json_int_t)row->rejected));
	json_object_set_new(j, "alerts_open", json_integer((json_int_t)row->alerts));
	cov = json_object_get(j, "record_coverage");
	json_object_set_new(cov, "target", row->target < 0 ? json_null() :
	    json_integer(row->target));
	json_object_set_new(cov, "meets_target", row->target < 0 ? json_null() :
	    json_boolean(view_row_meets(row)));
	return j;
}

json_t *
view_agency(MDB_txn *txn, struct web *w, const Eiso__AgencyRecord *a, int64_t now)
{
	struct view_row row;
	char today[11];

	i18n_day(today, now);
	view_row_fill(txn, w, a, now, today, &row);
	return view_row_json(txn, w, &row);
}

/* ------------------------------------------------------------------------------------------ */
/* The agency list */

static double
view_on_time_rate(const struct view_row *r)
{
	uint64_t on = r->fig.on_time, late = r->fig.late;

	return on + late > 0 ? (double)on / (double)(on + late) : -1;
}

static const char *
view_s(const char *s)
{
	return s != NULL ? s : "";
}

static int
view_status_rank(const char *s)
{
	return strcmp(s, "offline") == 0 ? 0 : strcmp(s, "never") == 0 ? 1 :
	    strcmp(s, "online") == 0 ? 2 : 3;
}

/* The value a numeric sort key orders by. */
static double
view_key(const struct view_row *r, const char *s)
{
	if (strcmp(s, "last_seen") == 0)
		return (double)r->seen;
	if (strcmp(s, "applied_seq") == 0)
		return (double)r->seq;
	if (strcmp(s, "lag") == 0)
		return (double)r->lag;
	if (strcmp(s, "in_force") == 0)
		return (double)r->fig.in_force;
	if (strcmp(s, "reviews_overdue") == 0)
		return (double)r->fig.reviews_overdue;
	if (strcmp(s, "open") == 0)
		return (double)r->fig.cases_open;
	if (strcmp(s, "coverage") == 0)      /* as the JSON shows it, to a thousandth */
		return (double)(json_int_t)(figures_coverage(&r->fig) * 1000);
	if (strcmp(s, "alerts") == 0)
		return (double)r->alerts;
	if (strcmp(s, "rejected") == 0)
		return (double)r->rejected;
	return 0;
}

static int
view_cmp(const void *pa, const void *pb, void *arg)
{
	const struct view_filter *f = arg;
	const struct view_row *a = *(const struct view_row *const *)pa;
	const struct view_row *b = *(const struct view_row *const *)pb;
	const char *s = f->sort;
	double x = 0, y = 0;
	int c = 0;

	if (s[0] == '\0' || strcmp(s, "id") == 0)
		c = strcmp(a->a->id, b->a->id);
	else if (strcmp(s, "name") == 0)
		c = strcoll(view_s(a->a->name_vi), view_s(b->a->name_vi));
	else if (strcmp(s, "level") == 0)
		c = strcmp(view_s(a->a->level), view_s(b->a->level));
	else if (strcmp(s, "parent") == 0)
		c = strcmp(view_s(a->a->parent), view_s(b->a->parent));
	else if (strcmp(s, "status") == 0)
		c = view_status_rank(a->status) - view_status_rank(b->status);
	else if (strcmp(s, "on_time") == 0) {
		x = view_on_time_rate(a);
		y = view_on_time_rate(b);
	} else {
		x = view_key(a, s);
		y = view_key(b, s);
	}
	if (c == 0)
		c = x < y ? -1 : x > y ? 1 : 0;
	if (c == 0)                       /* a stable order whatever the key */
		return strcmp(a->a->id, b->a->id);
	return f->desc ? -c : c;
}

static const char *const view_sorts[] = {
	"id", "name", "level", "parent", "status", "last_seen", "applied_seq", "lag", "in_force",
	"reviews_overdue", "open", "on_time", "coverage", "alerts", "rejected", NULL
};

static int
view_match(const struct view_filter *f, const struct view_row *r)
{
	const Eiso__AgencyRecord *a = r->a;

	if (f->level[0] && strcmp(f->level, view_s(a->level)) != 0)
		return 0;
	/* parent "-": the agencies under no other */
	if (f->parent[0] && (strcmp(f->parent, "-") == 0 ? view_s(a->parent)[0] != '\0' :
	    strcmp(f->parent, view_s(a->parent)) != 0))
		return 0;
	if (f->status[0] && strcmp(f->status, r->status) != 0)
		return 0;
	if (f->q[0] && strcasestr(a->id, f->q) == NULL &&
	    strcasestr(view_s(a->name_vi), f->q) == NULL &&
	    strcasestr(view_s(a->name_en), f->q) == NULL)
		return 0;
	return 1;
}

int
view_agencies(MDB_txn *txn, struct web *w, const struct view_filter *f, size_t offset,
    size_t limit, json_t **list, size_t *total, json_t **totals)
{
	struct hub *h = web_hub(w);
	struct view_filter ff = *f;
	struct view_row *rows = NULL, **order = NULL;
	MDB_cursor *c;
	MDB_val k, v;
	json_t *t;
	size_t n = 0, cap = 0, storage = 0;
	int64_t now = store_now_ms();
	uint64_t agencies = 0, by[4] = { 0 }, in_force = 0, overdue = 0, files = 0, open = 0;
	uint64_t open_overdue = 0, on_time = 0, late = 0, applied = 0, lag = 0, alerts = 0;
	uint64_t meeting = 0, with_file = 0;
	char today[11];
	int rc;

	*list = NULL;
	*totals = NULL;
	*total = 0;
	if (f->sort[0] && !domain_one_of(f->sort, view_sorts))
		return eiso_seterr(EISO_INVAL, "sort: '%s' is not one of %s", f->sort,
		    domain_words(view_sorts));
	if (f->status[0] && strcmp(f->status, "online") && strcmp(f->status, "offline") &&
	    strcmp(f->status, "never") && strcmp(f->status, "retired"))
		return eiso_seterr(EISO_INVAL, "status: '%s' is not one of online, offline, never, "
		    "retired", f->status);
	i18n_day(today, now);
	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(h->st, HDB_AGENCIES), &c))) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		Eiso__AgencyRecord *a = eiso__agency_record__unpack(NULL, v.mv_size, v.mv_data);
		struct view_row row;

		if (a == NULL)
			continue;
		view_row_fill(txn, w, a, now, today, &row);
		row.own = a;
		agencies++;
		by[view_status_rank(row.status)]++;
		in_force += row.fig.in_force;
		overdue += row.fig.reviews_overdue;
		files += row.fig.files;
		open += row.fig.cases_open;
		open_overdue += row.fig.cases_overdue;
		on_time += row.fig.on_time;
		late += row.fig.late;
		with_file += row.fig.with_file;
		applied += row.seq;
		lag += row.lag;
		alerts += row.alerts;
		meeting += view_row_meets(&row);
		if (!view_match(f, &row)) {
			eiso__agency_record__free_unpacked(a, NULL);
			continue;
		}
		if (eiso_grow(&rows, n, &cap, sizeof(*rows), 64) != 0) {
			eiso__agency_record__free_unpacked(a, NULL);
			break;
		}
		rows[n++] = row;
	}
	mdb_cursor_close(c);
	/* The hub's own alerts (storage) belong to no agency. */
	view_scan(txn, w, HDB_ALERTKEYS, "", view_count_row, &storage);
	t = json_pack("{s:I,s:{s:I,s:I,s:I,s:I},s:I,s:I,s:I,s:{s:I,s:I,s:I,s:I},s:I,"
	    "s:I,s:I,s:I}", "agencies", (json_int_t)agencies, "by_status", "online",
	    (json_int_t)by[2], "offline", (json_int_t)by[0], "never", (json_int_t)by[1],
	    "retired", (json_int_t)by[3], "documents_in_force", (json_int_t)in_force,
	    "reviews_overdue", (json_int_t)overdue, "record_files", (json_int_t)files, "cases",
	    "open", (json_int_t)open, "open_overdue", (json_int_t)open_overdue, "on_time",
	    (json_int_t)on_time, "late", (json_int_t)late, "applied_sets", (json_int_t)applied,
	    "lag_sets", (json_int_t)lag, "alerts_open", (json_int_t)(alerts + storage),
	    "meeting_target", (json_int_t)meeting);
	if (t != NULL)
		json_object_set_new(t, "record_coverage", json_pack("{s:I,s:I,s:f}",
		    "completed_cases", (json_int_t)(on_time + late), "with_record_file",
		    (json_int_t)with_file, "percent", on_time + late ? 100.0 * (double)with_file /
		    (double)(on_time + late) : 0.0));
	/* Sorted by pointer: a row is some 200 bytes. */
	if (n > 0 && (order = malloc(n * sizeof(*order))) != NULL) {
		for (size_t i = 0; i < n; i++)
			order[i] = &rows[i];
		qsort_r(order, n, sizeof(*order), view_cmp, &ff);
	}
	*list = n > 0 && order == NULL ? NULL : json_array();
	for (size_t i = offset; *list != NULL && i < n && i - offset < limit; i++)
		json_array_append_new(*list, view_row_json(txn, w, order[i]));
	for (size_t i = 0; i < n; i++)
		eiso__agency_record__free_unpacked(rows[i].own, NULL);
	free(order);
	free(rows);
	*total = n;
	*totals = t;
	if (t == NULL || *list == NULL) {
		json_decref(*list);
		json_decref(t);
		*list = *totals = NULL;
		return EISO_NOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Figures over time */

struct series {
	MDB_txn *txn;
	struct web *w;
	char months[WEB_MONTHS][16];       /* YYYY-MM, oldest first */
	char today[11];
	json_int_t in_force[WEB_MONTHS], on_time[WEB_MONTHS], late[WEB_MONTHS];
};

/* Count an issue in each month it was in force at the month's end (today for this one). */
static void
series_issue(struct series *s, const char *agency, const Eiso__DocIssue *d)
{
	char start[11], end[11];

	if (apply_in_force_span(s->txn, web_hub(s->w), agency, d, start, end) != 0 ||
	    start[0] == '\0')
		return;
	for (int m = 0; m < WEB_MONTHS; m++) {
		char last[11];

		if (m == WEB_MONTHS - 1)
			snprintf(last, sizeof(last), "%s", s->today);
		else
			snprintf(last, sizeof(last), "%s-32", s->months[m]);
		if (strcmp(start, last) <= 0 && (end[0] == '\0' || strcmp(end, last) > 0))
			s->in_force[m]++;
	}
}

/* versions: agency \0 code \0 issue */
static int
series_version(const MDB_val *k, const MDB_val *v, void *arg)
{
	const char *nul = memchr(k->mv_data, '\0', k->mv_size);
	char agency[WIRE_MAX_AGENCY + 1];
	size_t alen = nul != NULL ? (size_t)(nul - (const char *)k->mv_data) : 0;
	Eiso__DocIssue *d;

	if (nul == NULL || alen > WIRE_MAX_AGENCY)
		return 0;
	memcpy(agency, k->mv_data, alen);
	agency[alen] = '\0';
	if ((d = eiso__doc_issue__unpack(NULL, v->mv_size, v->mv_data)) != NULL) {
		series_issue(arg, agency, d);
		eiso__doc_issue__free_unpacked(d, NULL);
	}
	return 0;
}

static int
series_case(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct series *s = arg;
	Eiso__Case *c = eiso__case__unpack(NULL, v->mv_size, v->mv_data);
	char day[11];

	(void)k;
	if (c == NULL)
		return 0;
	if (strcmp(c->status, "completed") == 0 && c->completed > 0) {
		i18n_day(day, c->completed);
		for (int m = 0; m < WEB_MONTHS; m++) {
			if (strncmp(day, s->months[m], 7) == 0) {
				if (c->completed <= c->due)
					s->on_time[m]++;
				else
					s->late[m]++;
			}
		}
	}
	eiso__case__free_unpacked(c, NULL);
	return 0;
}

struct series_ids {
	char (*ids)[WIRE_MAX_AGENCY + 1];
	size_t n, cap;
};

static int
series_id(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct series_ids *s = arg;

	(void)v;
	if (k->mv_size > WIRE_MAX_AGENCY)
		return 0;
	if (eiso_grow(&s->ids, s->n, &s->cap, sizeof(*s->ids), 64) != 0)
		return 1;
	memcpy(s->ids[s->n], k->mv_data, k->mv_size);
	s->ids[s->n][k->mv_size] = '\0';
	s->n++;
	return 0;
}

json_t *
view_series(MDB_txn *txn, struct web *w, const char *agency)
{
	struct series s;
	struct series_ids ids = { 0 };
	int64_t now = store_now_ms();
	json_t *daily = json_array(), *monthly = json_array();
	int y, mo;

	memset(&s, 0, sizeof(s));
	s.txn = txn;
	s.w = w;
	i18n_day(s.today, now);
	sscanf(s.today, "%4d-%2d", &y, &mo);
	for (int m = WEB_MONTHS - 1; m >= 0; m--) {
		snprintf(s.months[m], sizeof(s.months[m]), "%04d-%02d", y % 10000, mo % 100);
		if (--mo == 0) {
			mo = 12;
			y--;
		}
	}
	if (agency != NULL) {
		ids.ids = malloc(sizeof(*ids.ids));
		if (ids.ids != NULL) {
			snprintf(ids.ids[0], sizeof(ids.ids[0]), "%s", agency);
			ids.n = 1;
		}
	} else {
		view_scan(txn, w, HDB_AGENCIES, NULL, series_id, &ids);
	}
	for (int d = WEB_DAYS - 1; d >= 0; d--) {
		char day[11], name[16];
		uint64_t total = 0, v;

		i18n_day(day, now - d * DAY_MS);
		snprintf(name, sizeof(name), "sets:%s", day);
		for (size_t i = 0; i < ids.n; i++)
			if (apply_stat_get(txn, web_hub(w), ids.ids[i], name, &v) == 0)
				total += v;
		json_array_append_new(daily, json_pack("{s:s,s:I}", "date", day, "sets",
		    (json_int_t)total));
	}
	free(ids.ids);
	view_scan(txn, w, HDB_VERSIONS, agency, series_version, &s);
	view_scan(txn, w, HDB_CASES, agency, series_case, &s);
	for (int m = 0; m < WEB_MONTHS; m++)
		json_array_append_new(monthly, json_pack("{s:s,s:I,s:I,s:I}", "month", s.months[m],
		    "in_force", s.in_force[m], "on_time", s.on_time[m], "late", s.late[m]));
	return json_pack("{s:o,s:o}", "daily", daily, "monthly", monthly);
}

/* ------------------------------------------------------------------------------------------ */
/* Change sets, re-verified */

/* A change's code and status, as the agency sent them. */
static void
view_set_words(json_t *it, const char *code, const char *status)
{
	if (it == NULL)
		return;
	json_object_set_new(it, "code", json_string_nocheck(code ? code : ""));
	json_object_set_new(it, "status", json_string_nocheck(status ? status : ""));
}

/* The logged set at seq: its body hash; *cs unpacked when wanted. 0 or EISO_NOTFOUND. */
static int
view_logged(MDB_txn *txn, struct web *w, const char *agency, uint64_t seq,
    uint8_t hash[KEYS_HASH], Eiso__ChangeSet **cs, size_t *bytes)
{
	uint8_t key[VIEW_KEY_MAX], be[8];
	Eiso__ChangeSet *s;
	MDB_val k, v;

	store_be64(be, seq);
	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), agency, be, sizeof(be));
	if (mdb_get(txn, store_dbi(web_hub(w)->st, HDB_LOG), &k, &v) != 0 ||
	    (s = eiso__change_set__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return EISO_NOTFOUND;
	chain_hash(s->body.data, s->body.len, hash);
	if (bytes != NULL)
		*bytes = v.mv_size;
	if (cs != NULL)
		*cs = s;
	else
		eiso__change_set__free_unpacked(s, NULL);
	return 0;
}

static json_t *
view_changeset(MDB_txn *txn, struct web *w, const Eiso__AgencyRecord *a, uint64_t seq)
{
	Eiso__ChangeSet *cs;
	Eiso__ChangeSetBody *body;
	uint8_t hash[KEYS_HASH], prev[KEYS_HASH] = { 0 };
	char hex[2 * KEYS_HASH + 1];
	size_t bytes, ndoc = 0, nfile = 0, ncase = 0;
	int sig_ok, linked;
	json_t *j, *items;

	if (view_logged(txn, w, a->id, seq, hash, &cs, &bytes) != 0)
		return json_pack("{s:I,s:s}", "seq", (json_int_t)seq, "outcome", "missing");
	sig_ok = a->sign_pub.len == KEYS_SIGN_PUB && chain_sig_ok(cs->body.data, cs->body.len,
	    cs->signature.data, cs->signature.len, a->sign_pub.data);
	body = eiso__change_set_body__unpack(NULL, cs->body.len, cs->body.data);
	if (seq > 1 && view_logged(txn, w, a->id, seq - 1, prev, NULL, NULL) != 0)
		memset(prev, 0xff, sizeof(prev));          /* nothing to link to */
	linked = body != NULL && body->prev_hash.len == KEYS_HASH &&
	    memcmp(body->prev_hash.data, prev, KEYS_HASH) == 0 && body->seq == seq;
	keys_hex(hex, hash, KEYS_HASH);
	j = json_pack("{s:I,s:s,s:I}", "seq", (json_int_t)seq, "hash", hex, "bytes",
	    (json_int_t)bytes);
	items = json_array();
	if (body != NULL) {
		view_set_time(j, "created", body->created);
		for (size_t i = 0; i < body->n_changes; i++) {
			const Eiso__Change *c = body->changes[i];
			json_t *it = NULL;

			/* What an agency sent: kept as sent, not checked as UTF-8 again. */
			switch (c->op_case) {
			case EISO__CHANGE__OP_DOC_ISSUE:
				ndoc++;
				it = json_pack("{s:s,s:I}", "kind", "doc_issue", "issue",
				    (json_int_t)c->doc_issue->issue);
				view_set_words(it, c->doc_issue->code, c->doc_issue->status);
				break;
			case EISO__CHANGE__OP_RECORD_FILE:
				nfile++;
				it = json_pack("{s:s}", "kind", "record_file");
				view_set_words(it, c->record_file->code, c->record_file->status);
				break;
			case EISO__CHANGE__OP_CASE:
				ncase++;
				it = json_pack("{s:s}", "kind", "case");
				view_set_words(it, c->case_->code, c->case_->status);
				break;
			default:
				break;
			}
			if (it != NULL && json_array_size(items) < 20)
				json_array_append_new(items, it);
			else
				json_decref(it);
		}
		json_object_set_new(j, "changes", json_integer((json_int_t)body->n_changes));
	}
	json_object_set_new(j, "kinds", json_pack("{s:I,s:I,s:I}", "doc_issue", (json_int_t)ndoc,
	    "record_file", (json_int_t)nfile, "case", (json_int_t)ncase));
	json_object_set_new(j, "items", items);
	json_object_set_new(j, "signature", json_string(sig_ok ? "valid" : "invalid"));
	json_object_set_new(j, "chain", json_string(linked ? "linked" : "broken"));
	json_object_set_new(j, "outcome", json_string(sig_ok && linked ? "applied, verified" :
	    "applied, verification failed"));
	if (body != NULL)
		eiso__change_set_body__free_unpacked(body, NULL);
	eiso__change_set__free_unpacked(cs, NULL);
	return j;
}

int
view_changesets(MDB_txn *txn, struct web *w, const Eiso__AgencyRecord *a, size_t offset,
    size_t limit, json_t **items, size_t *total)
{
	Eiso__HeadRecord *hr;
	uint64_t seq = 0;

	if (head_get(txn, web_hub(w), a->id, &hr) == 0) {
		seq = hr->seq;
		eiso__head_record__free_unpacked(hr, NULL);
	}
	*total = (size_t)seq;
	*items = json_array();
	for (uint64_t s = seq > offset ? seq - offset : 0; s >= 1 &&
	    json_array_size(*items) < limit; s--)
		json_array_append_new(*items, view_changeset(txn, w, a, s));
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Alerts */

static const char *
view_alert_state(const Eiso__Alert *a)
{
	return a->acked ? "acked" : a->cleared ? "cleared" : "open";
}

static json_t *
view_alert_json(const Eiso__Alert *a)
{
	json_t *j = pbjson_encode(&a->base);

	json_object_set_new(j, "state", json_string(view_alert_state(a)));
	view_set_time(j, "first", a->first);
	view_set_time(j, "last", a->last);
	view_set_time(j, "cleared", a->cleared);
	view_set_time(j, "acked", a->acked);
	json_object_set_new(j, "agency", json_string(a->agency ? a->agency : ""));
	json_object_set_new(j, "acked_by", json_string(a->acked_by ? a->acked_by : ""));
	return j;
}

int
view_alerts(MDB_txn *txn, struct web *w, const char *state, const char *agency,
    const char *kind, size_t offset, size_t limit, json_t **items, size_t *total)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	*items = NULL;
	*total = 0;
	if (state == NULL || state[0] == '\0')
		state = "open";
	if (strcmp(state, "open") && strcmp(state, "acked") && strcmp(state, "cleared") &&
	    strcmp(state, "all"))
		return eiso_seterr(EISO_INVAL, "state: '%s' is not one of open, acked, cleared, all",
		    state);
	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(web_hub(w)->st, HDB_ALERTS), &c))) != 0)
		return rc;
	*items = json_array();
	for (rc = mdb_cursor_get(c, &k, &v, MDB_LAST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_PREV)) {
		Eiso__Alert *a = eiso__alert__unpack(NULL, v.mv_size, v.mv_data);
		size_t kl = kind != NULL ? strlen(kind) : 0;

		if (a == NULL)
			continue;
		if ((strcmp(state, "all") == 0 || strcmp(state, view_alert_state(a)) == 0) &&
		    (agency == NULL || agency[0] == '\0' || strcmp(agency, a->agency) == 0) &&
		    (kl == 0 || strcmp(kind, a->kind) == 0 ||
		    (strncmp(kind, a->kind, kl) == 0 && a->kind[kl] == ':'))) {
			if ((*total)++ >= offset && json_array_size(*items) < limit)
				json_array_append_new(*items, view_alert_json(a));
		}
		eiso__alert__free_unpacked(a, NULL);
	}
	mdb_cursor_close(c);
	return 0;
}

json_t *
view_alert(MDB_txn *txn, struct web *w, uint64_t id)
{
	uint8_t key[8];
	MDB_val k = { sizeof(key), key }, v;
	Eiso__Alert *a;
	json_t *j;

	store_be64(key, id);
	if (mdb_get(txn, store_dbi(web_hub(w)->st, HDB_ALERTS), &k, &v) != 0 ||
	    (a = eiso__alert__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return NULL;
	j = view_alert_json(a);
	eiso__alert__free_unpacked(a, NULL);
	return j;
}
