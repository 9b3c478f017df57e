/* domain.c: ISO 9001 document lifecycle, record file and case rules, dates, validation. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain.h"
#include "err.h"
#include "keys.h"

#define DOMAIN_TZ_OFFSET (7 * 3600)   /* Asia/Ho_Chi_Minh has no daylight saving */

const char *const domain_doc_kinds[] = {
	"policy", "objective", "manual", "procedure", "instruction", "form", "external", "record",
	NULL
};
const char *const domain_doc_statuses[] = {
	"draft", "in_review", "effective", "superseded", "withdrawn", NULL
};
const char *const domain_route_actions[] = { "submit", "check", "return", "approve", NULL };
const char *const domain_access[] = { "public", "internal", "restricted", NULL };
const char *const domain_case_statuses[] = {
	"received", "processing", "supplement", "completed", "returned", "withdrawn", NULL
};

int
domain_one_of(const char *s, const char *const *words)
{
	if (s == NULL)
		return 0;
	for (; *words != NULL; words++)
		if (strcmp(s, *words) == 0)
			return 1;
	return 0;
}

const char *
domain_words(const char *const *words)
{
	static _Thread_local char buf[256];
	size_t n = 0;

	buf[0] = '\0';
	for (; *words != NULL && n < sizeof(buf); words++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? ", " : "", *words);
	return buf;
}

int
domain_doc_move_ok(const char *from, const char *to)
{
	static const char *const moves[][2] = {
		{ "draft", "in_review" },
		{ "in_review", "effective" },
		{ "in_review", "draft" },        /* returned to the drafter */
		{ "effective", "superseded" },
		{ "effective", "withdrawn" },
	};

	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (strcmp(moves[i][0], from) == 0 && strcmp(moves[i][1], to) == 0)
			return 1;
	return 0;
}

int
domain_case_final(const char *status)
{
	return strcmp(status, "completed") == 0 || strcmp(status, "returned") == 0 ||
	    strcmp(status, "withdrawn") == 0;
}

int
domain_code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;

	if (n == 0 || n > DOMAIN_MAX_CODE)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-' || c == '/'))
			return 0;
	}
	return 1;
}

static int
domain_days_in(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int
domain_split_date(const char *s, int *y, int *m, int *d)
{
	int n = 0;

	/* sscanf's %d alone would take "2024-+1-01" and "2024- 1-01": digits only. */
	if (s == NULL || strlen(s) < 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	if (sscanf(s, "%4d-%2d-%2d%n", y, m, d, &n) != 3 ||
	    n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	return *y >= 1900 && *y <= 2200 && *m >= 1 && *m <= 12 && *d >= 1 &&
	    *d <= domain_days_in(*y, *m);
}

int
domain_date_ok(const char *s)
{
	int y, m, d;

	return s != NULL && strlen(s) == 10 && domain_split_date(s, &y, &m, &d);
}

void
domain_today(char buf[11])
{
	time_t t = time(NULL) + DOMAIN_TZ_OFFSET;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

void
domain_add_months(const char *date, unsigned months, char out[11])
{
	int y, m, d;

	if (!domain_split_date(date, &y, &m, &d)) {
		out[0] = '\0';
		return;
	}
	m += (int)months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	if (d > domain_days_in(y, m))
		d = domain_days_in(y, m);
	if (snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m, d) != 10)
		out[0] = '\0';
}

int
domain_parse_time(const char *s, int64_t *ms)
{
	int y, m, d, hh = 0, mm = 0, n = 0;
	struct tm tm;
	size_t len = s ? strlen(s) : 0;

	if (!domain_split_date(s, &y, &m, &d))
		return EISO_INVAL;
	if (len != 10) {
		if (sscanf(s + 10, " %2d:%2d%n", &hh, &mm, &n) != 2 || (size_t)n != len - 10 ||
		    hh > 23 || mm > 59 || hh < 0 || mm < 0)
			return EISO_INVAL;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	*ms = ((int64_t)timegm(&tm) - DOMAIN_TZ_OFFSET) * 1000;
	return 0;
}

int
domain_parse_deadline(const char *s, int64_t *ms)
{
	int64_t t;

	if (domain_parse_time(s, &t) != 0)
		return EISO_INVAL;
	if (strlen(s) == 10)
		t += 24 * 3600 * 1000 - 1;
	*ms = t;
	return 0;
}

static int
domain_need(const char *field, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return eiso_seterr(EISO_INVAL, "%s: required", field);
	return 0;
}

static int
domain_date_field(const char *field, const char *v, int required)
{
	if ((v == NULL || v[0] == '\0') && !required)
		return 0;
	if (!domain_date_ok(v))
		return eiso_seterr(EISO_INVAL, "%s: '%s' is not a date (YYYY-MM-DD)", field,
		    v ? v : "");
	return 0;
}

static int
domain_word_field(const char *field, const char *v, const char *const *words)
{
	if (v == NULL || v[0] == '\0')
		return eiso_seterr(EISO_INVAL, "%s: required (one of: %s)", field,
		    domain_words(words));
	if (!domain_one_of(v, words))
		return eiso_seterr(EISO_INVAL, "%s: '%s' is not one of: %s", field, v ? v : "",
		    domain_words(words));
	return 0;
}

/* The route steps: known actions, each by someone but a submit, a return with its reason. */
static int
domain_check_route(const Eiso__DocIssue *d)
{
	int rc;

	if (d->n_route > DOMAIN_MAX_ROUTE)
		return eiso_seterr(EISO_TOOBIG, "route: more than %d steps", DOMAIN_MAX_ROUTE);
	for (size_t i = 0; i < d->n_route; i++) {
		const Eiso__RouteStep *s = d->route[i];

		if ((rc = domain_word_field("route.action", s->action, domain_route_actions)) != 0)
			return rc;
		if (strcmp(s->action, "submit") != 0 && (s->by == NULL || s->by->name == NULL ||
		    s->by->name[0] == '\0'))
			return eiso_seterr(EISO_INVAL, "route: step %zu (%s) names nobody", i + 1,
			    s->action);
		if (strcmp(s->action, "return") == 0 && (s->comment == NULL ||
		    s->comment[0] == '\0'))
			return eiso_seterr(EISO_INVAL, "route: step %zu (return) has no comment", i + 1);
	}
	return 0;
}

int
domain_check_doc(const Eiso__DocIssue *d)
{
	int rc;

	if (!domain_code_ok(d->code))
		return eiso_seterr(EISO_INVAL, "code: '%s' is not a document code (1-%d of letters, "
		    "digits . _ - /)", d->code ? d->code : "", DOMAIN_MAX_CODE);
	if ((rc = domain_need("title", d->title)) != 0 ||
	    (rc = domain_word_field("kind", d->kind, domain_doc_kinds)) != 0 ||
	    (rc = domain_word_field("status", d->status, domain_doc_statuses)) != 0 ||
	    (rc = domain_word_field("access", d->access, domain_access)) != 0)
		return rc;
	if (d->issue == 0)
		return eiso_seterr(EISO_INVAL, "issue: must be 1 or more");
	if (d->issue > 1 && (d->note == NULL || d->note[0] == '\0'))
		return eiso_seterr(EISO_INVAL, "note: a revision note (the reason) is required for "
		    "issue %u", d->issue);
	if ((rc = domain_date_field("effective_date", d->effective_date, 0)) != 0 ||
	    (rc = domain_date_field("next_review", d->next_review, 0)) != 0)
		return rc;
	if (d->review_months > 120)
		return eiso_seterr(EISO_INVAL, "review_months: %u is more than 120", d->review_months);
	if (d->retention_years > 200)
		return eiso_seterr(EISO_INVAL, "retention_years: %u is more than 200",
		    d->retention_years);
	if (d->origin != NULL && (rc = domain_date_field("origin_date", d->origin->date, 0)) != 0)
		return rc;
	if (strcmp(d->status, "effective") == 0 || strcmp(d->status, "superseded") == 0 ||
	    strcmp(d->status, "withdrawn") == 0) {
		if (d->approved == NULL || d->approved->name == NULL || d->approved->name[0] == '\0')
			return eiso_seterr(EISO_INVAL, "approved_by: an %s issue needs its approver",
			    d->status);
		if ((rc = domain_date_field("effective_date", d->effective_date, 1)) != 0)
			return rc;
	}
	if (d->text != NULL && strlen(d->text) > DOMAIN_MAX_TEXT)
		return eiso_seterr(EISO_TOOBIG, "text: longer than %d bytes", DOMAIN_MAX_TEXT);
	return domain_check_route(d);
}

int
domain_check_file(const Eiso__RecordFile *f)
{
	int rc;

	if (!domain_code_ok(f->code))
		return eiso_seterr(EISO_INVAL, "code: '%s' is not a record file code", f->code ?
		    f->code : "");
	if ((rc = domain_need("organ_id", f->organ_id)) != 0 ||
	    (rc = domain_need("catalog", f->catalog)) != 0 ||
	    (rc = domain_need("notation", f->notation)) != 0 ||
	    (rc = domain_need("title", f->title)) != 0 ||
	    (rc = domain_word_field("access", f->access, domain_access)) != 0 ||
	    (rc = domain_date_field("start_date", f->start_date, 1)) != 0 ||
	    (rc = domain_date_field("end_date", f->end_date, 0)) != 0)
		return rc;
	if (f->status == NULL || (strcmp(f->status, "open") != 0 && strcmp(f->status, "closed")))
		return eiso_seterr(EISO_INVAL, "status: '%s' is not open or closed",
		    f->status ? f->status : "");
	if (f->retention_years > 200)
		return eiso_seterr(EISO_INVAL, "retention_years: %u is more than 200",
		    f->retention_years);
	if (!f->retention_permanent && f->retention_years == 0)
		return eiso_seterr(EISO_INVAL, "retention: years or permanent is required");
	if (strcmp(f->status, "closed") == 0 && (f->end_date == NULL || f->end_date[0] == '\0'))
		return eiso_seterr(EISO_INVAL, "end_date: a closed record file needs its end date");
	if (f->end_date != NULL && f->end_date[0] && strcmp(f->end_date, f->start_date) < 0)
		return eiso_seterr(EISO_INVAL, "end_date: %s is before start_date %s", f->end_date,
		    f->start_date);
	if (f->n_entries > DOMAIN_MAX_ENTRIES)
		return eiso_seterr(EISO_TOOBIG, "entries: more than %d documents in one file",
		    DOMAIN_MAX_ENTRIES);
	for (size_t i = 0; i < f->n_entries; i++)
		if (!domain_code_ok(f->entries[i]->doc_code) || f->entries[i]->issue == 0)
			return eiso_seterr(EISO_INVAL, "entries: entry %zu names no document issue",
			    i + 1);
	return 0;
}

int
domain_check_case(const Eiso__Case *c)
{
	int rc;

	if (!domain_code_ok(c->code))
		return eiso_seterr(EISO_INVAL, "code: '%s' is not a case code", c->code ? c->code : "");
	if ((rc = domain_need("procedure", c->procedure)) != 0 ||
	    (rc = domain_word_field("status", c->status, domain_case_statuses)) != 0)
		return rc;
	if (c->received <= 0)
		return eiso_seterr(EISO_INVAL, "received: required");
	if (c->due < c->received)
		return eiso_seterr(EISO_INVAL, "due: before received");
	if (domain_case_final(c->status) != (c->completed > 0))
		return eiso_seterr(EISO_INVAL, "completed: a %s case %s a completion time",
		    c->status, c->completed > 0 ? "cannot have" : "needs");
	if (c->completed > 0 && c->completed < c->received)
		return eiso_seterr(EISO_INVAL, "completed: before received");
	if (c->record_file != NULL && c->record_file[0] != '\0' && !domain_code_ok(c->record_file))
		return eiso_seterr(EISO_INVAL, "record_file: '%s' is not a record file code",
		    c->record_file);
	return 0;
}
