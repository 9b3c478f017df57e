/*
 * test_domain.c: unit tests for common/domain.c, the ISO 9001 rules both daemons apply: every
 * allowed lifecycle move and a table of refused ones, final case statuses, code syntax,
 * calendar dates (leap years, month lengths, formats), month arithmetic with clamping,
 * parsing times in Asia/Ho_Chi_Minh (UTC+7), and the validation of each replicated record,
 * one required field or bound at a time, with an error that names the field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "domain.h"
#include "err.h"
#include "unit.h"

/* rc is err and the detail starts with "field:" (the field is named first). */
static void
expect_err(int rc, int err, const char *field)
{
	const char *msg = eiso_lasterr(rc);
	size_t n = strlen(field);

	if (rc != err || strncmp(msg, field, n) != 0 || msg[n] != ':')
		fail_msg("expected %s from field '%s', got rc %d: %s", eiso_strerror(err), field,
		    rc, msg);
}

/* ------------------------------------------------------------------------------------------ */
/* Lifecycle */

static void
test_moves_allowed(void **state)
{
	(void)state;
	assert_true(domain_doc_move_ok("draft", "in_review"));
	assert_true(domain_doc_move_ok("in_review", "effective"));
	assert_true(domain_doc_move_ok("in_review", "draft"));      /* returned */
	assert_true(domain_doc_move_ok("effective", "superseded"));
	assert_true(domain_doc_move_ok("effective", "withdrawn"));
}

/* Every ordered pair of statuses that is not one of the five moves is refused. */
static void
test_moves_refused_table(void **state)
{
	static const char *const allowed[][2] = {
		{ "draft", "in_review" }, { "in_review", "effective" }, { "in_review", "draft" },
		{ "effective", "superseded" }, { "effective", "withdrawn" },
	};
	const char *const *s = domain_doc_statuses;
	int refused = 0;

	(void)state;
	for (int i = 0; s[i] != NULL; i++) {
		for (int j = 0; s[j] != NULL; j++) {
			int want = 0;
			for (size_t a = 0; a < 5; a++)
				if (strcmp(allowed[a][0], s[i]) == 0 && strcmp(allowed[a][1], s[j]) == 0)
					want = 1;
			if (domain_doc_move_ok(s[i], s[j]) != want)
				fail_msg("%s -> %s: expected %s", s[i], s[j], want ? "allowed" :
				    "refused");
			refused += !want;
		}
	}
	assert_int_equal(refused, 5 * 5 - 5);
}

static void
test_moves_refused_named(void **state)
{
	/* The moves people try: skipping review, reviving, going back, unknown words. */
	static const char *const refused[][2] = {
		{ "draft", "effective" }, { "draft", "superseded" }, { "draft", "withdrawn" },
		{ "draft", "draft" }, { "in_review", "superseded" },
		{ "in_review", "withdrawn" }, { "in_review", "in_review" },
		{ "effective", "draft" }, { "effective", "in_review" }, { "effective", "effective" },
		{ "superseded", "effective" }, { "superseded", "withdrawn" },
		{ "superseded", "draft" }, { "withdrawn", "effective" },
		{ "withdrawn", "superseded" }, { "withdrawn", "draft" },
		{ "", "in_review" }, { "draft", "" }, { "Draft", "in_review" },
		{ "draft", "In_Review" }, { "draft", "review" }, { "published", "effective" },
		{ "draft ", "in_review" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (domain_doc_move_ok(refused[i][0], refused[i][1]))
			fail_msg("'%s' -> '%s' was allowed", refused[i][0], refused[i][1]);
}

static void
test_words(void **state)
{
	(void)state;
	for (const char *const *k = domain_doc_kinds; *k != NULL; k++)
		assert_true(domain_one_of(*k, domain_doc_kinds));
	assert_true(domain_one_of("procedure", domain_doc_kinds));
	assert_true(domain_one_of("external", domain_doc_kinds));
	assert_false(domain_one_of("Procedure", domain_doc_kinds));
	assert_false(domain_one_of("", domain_doc_kinds));
	assert_false(domain_one_of(NULL, domain_doc_kinds));
	assert_true(domain_one_of("restricted", domain_access));
	assert_false(domain_one_of("secret", domain_access));
	assert_string_equal(domain_words(domain_access), "public, internal, restricted");
	assert_string_equal(domain_words(domain_doc_statuses),
	    "draft, in_review, effective, superseded, withdrawn");
}

static void
test_case_final(void **state)
{
	(void)state;
	assert_true(domain_case_final("completed"));
	assert_true(domain_case_final("returned"));
	assert_true(domain_case_final("withdrawn"));
	assert_false(domain_case_final("received"));
	assert_false(domain_case_final("processing"));
	assert_false(domain_case_final("supplement"));
	assert_false(domain_case_final(""));
	assert_false(domain_case_final("Completed"));
	/* Every case status is either final or not; exactly three are final. */
	int finals = 0;
	for (const char *const *s = domain_case_statuses; *s != NULL; s++)
		finals += domain_case_final(*s);
	assert_int_equal(finals, 3);
}

/* ------------------------------------------------------------------------------------------ */
/* Codes */

static void
test_code_syntax(void **state)
{
	char code[DOMAIN_MAX_CODE + 2];

	(void)state;
	assert_true(domain_code_ok("QT-01"));
	assert_true(domain_code_ok("BM-03"));
	assert_true(domain_code_ok("a"));
	assert_true(domain_code_ok("000.01.H55/2024_x-y"));
	assert_false(domain_code_ok(""));
	assert_false(domain_code_ok(NULL));
	assert_false(domain_code_ok("QT 01"));
	assert_false(domain_code_ok(" QT-01"));
	assert_false(domain_code_ok("QT-01\n"));
	assert_false(domain_code_ok("QT\t01"));
	assert_false(domain_code_ok("QT:01"));
	assert_false(domain_code_ok("QT\\01"));
	assert_false(domain_code_ok("QT-01;rm"));
	assert_false(domain_code_ok("QT-\xc4\x90\xe1\xbb\x8b"));   /* "QT-Đị" */
	memset(code, 'A', DOMAIN_MAX_CODE);
	code[DOMAIN_MAX_CODE] = '\0';
	assert_true(domain_code_ok(code));
	code[DOMAIN_MAX_CODE] = 'A';
	code[DOMAIN_MAX_CODE + 1] = '\0';
	assert_false(domain_code_ok(code));
}

/* ------------------------------------------------------------------------------------------ */
/* Dates */

static void
test_date_leap_years(void **state)
{
	(void)state;
	assert_true(domain_date_ok("2024-02-29"));
	assert_false(domain_date_ok("2023-02-29"));
	assert_true(domain_date_ok("2000-02-29"));     /* divisible by 400 */
	assert_false(domain_date_ok("1900-02-29"));    /* by 100, not 400 */
	assert_false(domain_date_ok("2100-02-29"));
	assert_true(domain_date_ok("2023-02-28"));
	assert_false(domain_date_ok("2024-02-30"));
}

static void
test_date_months(void **state)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	char s[32];

	(void)state;
	for (int m = 1; m <= 12; m++) {
		snprintf(s, sizeof(s), "2023-%02d-%02d", m, days[m - 1]);
		assert_true(domain_date_ok(s));
		snprintf(s, sizeof(s), "2023-%02d-%02d", m, days[m - 1] + 1);
		if (domain_date_ok(s))
			fail_msg("%s was accepted", s);
		snprintf(s, sizeof(s), "2023-%02d-00", m);
		assert_false(domain_date_ok(s));
	}
	assert_false(domain_date_ok("2024-00-10"));
	assert_false(domain_date_ok("2024-13-01"));
	assert_false(domain_date_ok("2024-99-01"));
	assert_false(domain_date_ok("2024-04-31"));
	assert_false(domain_date_ok("2024-06-31"));
	assert_false(domain_date_ok("2024-09-31"));
	assert_false(domain_date_ok("2024-11-31"));
	assert_false(domain_date_ok("2024-01-32"));
	/* Years the domain can mean: 1900..2200. */
	assert_true(domain_date_ok("1900-01-01"));
	assert_true(domain_date_ok("2200-12-31"));
	assert_false(domain_date_ok("1899-12-31"));
	assert_false(domain_date_ok("2201-01-01"));
	assert_false(domain_date_ok("0000-01-01"));
}

static void
test_date_formats(void **state)
{
	static const char *const bad[] = {
		"", "2024", "2024-1-1", "2024-01-1", "2024-1-01", "24-01-01", "2024/01/01",
		"2024.01.01", "20240101", "01-01-2024", "2024-01-01 ", " 2024-01-01",
		"2024-01-01T00:00", "2024-01-01 07:00", "2024-01-0a", "2024-0a-01", "202a-01-01",
		"2024_01_01", "2024-01--1", "2024--1-01", "2024-+1-01", "2024-01-+1",
		"+2024-01-01", "2024- 1-01", "2024-01- 1", "-2024-01-01", "2024-01-01\n",
	};

	(void)state;
	assert_true(domain_date_ok("2024-01-01"));
	assert_true(domain_date_ok("2024-12-31"));
	assert_false(domain_date_ok(NULL));
	int accepted = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (domain_date_ok(bad[i])) {
			print_error("'%s' was accepted as a date\n", bad[i]);
			accepted++;
		}
	assert_int_equal(accepted, 0);
	/* Times parse through the same date rule. */
	int64_t ms;
	assert_int_equal(domain_parse_time("2024-+1-01 07:00", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("2024-01- 1", &ms), EISO_INVAL);
}

static void
test_add_months(void **state)
{
	static const struct { const char *from; unsigned months; const char *want; } cases[] = {
		{ "2024-01-31", 1, "2024-02-29" },   /* clamped, leap year */
		{ "2023-01-31", 1, "2023-02-28" },   /* clamped */
		{ "2024-03-31", 1, "2024-04-30" },
		{ "2024-08-31", 1, "2024-09-30" },
		{ "2024-01-30", 1, "2024-02-29" },
		{ "2024-01-15", 1, "2024-02-15" },
		{ "2024-01-31", 0, "2024-01-31" },
		{ "2024-11-15", 2, "2025-01-15" },   /* across a year */
		{ "2024-12-31", 1, "2025-01-31" },
		{ "2024-12-01", 12, "2025-12-01" },
		{ "2024-02-29", 12, "2025-02-28" },  /* a leap day a year later */
		{ "2024-02-29", 48, "2028-02-29" },
		{ "2023-06-15", 120, "2033-06-15" },
		{ "2023-12-31", 14, "2025-02-28" },
	};
	char out[11];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		domain_add_months(cases[i].from, cases[i].months, out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("%s + %u months: got '%s', want %s", cases[i].from,
			    cases[i].months, out, cases[i].want);
	}
	/* Not a date: an empty answer, never a made-up one. */
	strcpy(out, "junk");
	domain_add_months("2024-02-30", 1, out);
	assert_string_equal(out, "");
	strcpy(out, "junk");
	domain_add_months("soon", 1, out);
	assert_string_equal(out, "");
}

static void
test_today(void **state)
{
	char buf[11], want[11];
	time_t t = time(NULL) + 7 * 3600;
	struct tm tm;

	(void)state;
	domain_today(buf);
	gmtime_r(&t, &tm);
	strftime(want, sizeof(want), "%Y-%m-%d", &tm);
	assert_true(domain_date_ok(buf));
	/* Seconds apart around midnight could differ; it would be one day at most. */
	if (strcmp(buf, want) != 0) {
		domain_today(buf);
		assert_string_equal(buf, want);
	}
}

/* A date alone as a deadline is the end of that day in Ha Noi (issue 14, defect 1): a case
 * due 2024-03-15 and completed at 10:00 that day is on time. */
static void
test_parse_deadline(void **state)
{
	int64_t ms = 0, ten = 0;

	(void)state;
	assert_int_equal(domain_parse_deadline("2024-01-01", &ms), 0);
	assert_int_equal(ms, 1704128399999LL);      /* 2024-01-01T16:59:59.999Z */
	assert_int_equal(domain_parse_deadline("2024-01-01 07:05", &ms), 0);
	assert_int_equal(ms, 1704067500000LL);      /* a time given is kept */
	assert_int_equal(domain_parse_deadline("2024-03-15", &ms), 0);
	assert_int_equal(domain_parse_time("2024-03-15 10:00", &ten), 0);
	assert_true(ten <= ms);
	assert_int_equal(domain_parse_time("2024-03-16", &ten), 0);
	assert_true(ten > ms);
	ms = 42;
	assert_int_equal(domain_parse_deadline("2024-02-30", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_deadline(NULL, &ms), EISO_INVAL);
	assert_int_equal(ms, 42);
}

static void
test_parse_time(void **state)
{
	int64_t ms = 0;

	(void)state;
	/* 2024-01-01 00:00 in Ha Noi is 2023-12-31 17:00 UTC. */
	assert_int_equal(domain_parse_time("2024-01-01", &ms), 0);
	assert_int_equal(ms, 1704042000000LL);
	assert_int_equal(domain_parse_time("2024-01-01 07:00", &ms), 0);
	assert_int_equal(ms, 1704067200000LL);      /* 2024-01-01T00:00:00Z */
	assert_int_equal(domain_parse_time("2024-01-01 07:05", &ms), 0);
	assert_int_equal(ms, 1704067500000LL);
	assert_int_equal(domain_parse_time("2024-02-29 23:59", &ms), 0);
	assert_int_equal(ms, 1709225940000LL);      /* 2024-02-29T16:59:00Z */
	assert_int_equal(domain_parse_time("1970-01-01 07:00", &ms), 0);
	assert_int_equal(ms, 0);

	ms = 42;
	assert_int_equal(domain_parse_time("2024-02-30", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("2024-01-01 24:00", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("2024-01-01 23:60", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("2024-01-01 -1:00", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("2024-01-01 07", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("2024-01-01 07:00:00", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("2024-01-01 07:00 ", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("2024-01-01T07:00", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("2024-01-01x", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("01/01/2024", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time("", &ms), EISO_INVAL);
	assert_int_equal(domain_parse_time(NULL, &ms), EISO_INVAL);
	assert_int_equal(ms, 42);                   /* untouched on refusal */
}

/* ------------------------------------------------------------------------------------------ */
/* Documents */

struct doc_fixture {
	Eiso__DocIssue d;
	Eiso__Person approved;
	Eiso__Origin origin;
};

/* An effective issue 2 with every field that has a rule. */
static void
good_doc(struct doc_fixture *f)
{
	Eiso__DocIssue d = EISO__DOC_ISSUE__INIT;
	Eiso__Person p = EISO__PERSON__INIT;
	Eiso__Origin o = EISO__ORIGIN__INIT;

	f->d = d;
	f->approved = p;
	f->origin = o;
	f->approved.name = "Nguyen Van A";
	f->approved.position = "Giam doc";
	f->origin.issuer = "Chinh phu";
	f->origin.number = "30/2020/ND-CP";
	f->origin.date = "2020-03-05";
	f->d.code = "QT-01";
	f->d.title = "Quy trinh kiem soat tai lieu";
	f->d.kind = "procedure";
	f->d.issue = 2;
	f->d.status = "effective";
	f->d.access = "public";
	f->d.note = "annual review";
	f->d.approved = &f->approved;
	f->d.effective_date = "2024-01-31";
	f->d.review_months = 12;
	f->d.next_review = "2025-01-31";
	f->d.retention_years = 10;
	f->d.origin = &f->origin;
}

static void
test_doc_good(void **state)
{
	struct doc_fixture f;

	(void)state;
	good_doc(&f);
	assert_int_equal(domain_check_doc(&f.d), 0);
	/* A draft issue 1 needs no note, approver or dates. */
	f.d.issue = 1;
	f.d.status = "draft";
	f.d.note = "";
	f.d.approved = NULL;
	f.d.effective_date = "";
	f.d.next_review = "";
	f.d.origin = NULL;
	assert_int_equal(domain_check_doc(&f.d), 0);
	f.d.status = "in_review";
	assert_int_equal(domain_check_doc(&f.d), 0);
	/* Every kind and access level is accepted. */
	for (const char *const *k = domain_doc_kinds; *k != NULL; k++) {
		f.d.kind = (char *)*k;
		assert_int_equal(domain_check_doc(&f.d), 0);
	}
	for (const char *const *a = domain_access; *a != NULL; a++) {
		f.d.access = (char *)*a;
		assert_int_equal(domain_check_doc(&f.d), 0);
	}
}

/* The route steps a node sends, as the hub checks them. */
static void
test_doc_route(void **state)
{
	struct doc_fixture f;
	Eiso__Person who = EISO__PERSON__INIT, nobody = EISO__PERSON__INIT;
	Eiso__RouteStep s[DOMAIN_MAX_ROUTE + 1], *p[DOMAIN_MAX_ROUTE + 1];

	(void)state;
	good_doc(&f);
	who.name = "Le Van C";
	who.position = "";
	nobody.name = "";
	nobody.position = "";
	for (int i = 0; i <= DOMAIN_MAX_ROUTE; i++) {
		eiso__route_step__init(&s[i]);
		s[i].action = "check";
		s[i].by = &who;
		s[i].comment = "";
		p[i] = &s[i];
	}
	f.d.route = p;
	f.d.n_route = 4;
	s[0].action = "submit";
	s[0].by = &nobody;                               /* a submit may name nobody */
	s[1].action = "return";
	s[1].comment = "thiếu lưu đồ";
	s[3].action = "approve";
	assert_int_equal(domain_check_doc(&f.d), 0);
	s[1].comment = "";
	assert_int_equal(domain_check_doc(&f.d), EISO_INVAL);
	assert_non_null(strstr(eiso_lasterr(EISO_INVAL), "route: step 2 (return) has no comment"));
	s[1].comment = "thiếu lưu đồ";
	s[2].action = "publish";
	assert_int_equal(domain_check_doc(&f.d), EISO_INVAL);
	assert_non_null(strstr(eiso_lasterr(EISO_INVAL), "route.action"));
	s[2].action = "check";
	s[2].by = &nobody;
	assert_int_equal(domain_check_doc(&f.d), EISO_INVAL);
	assert_non_null(strstr(eiso_lasterr(EISO_INVAL), "route: step 3 (check) names nobody"));
	s[2].by = NULL;
	assert_int_equal(domain_check_doc(&f.d), EISO_INVAL);
	s[2].by = &who;
	f.d.n_route = DOMAIN_MAX_ROUTE;
	assert_int_equal(domain_check_doc(&f.d), 0);
	f.d.n_route = DOMAIN_MAX_ROUTE + 1;
	assert_int_equal(domain_check_doc(&f.d), EISO_TOOBIG);
}

static void
test_doc_fields(void **state)
{
	struct doc_fixture f;

	(void)state;
#define DOC_BAD(field, stmt) do { good_doc(&f); stmt; eiso_clearerr(); \
	expect_err(domain_check_doc(&f.d), EISO_INVAL, field); } while (0)
	DOC_BAD("code", f.d.code = "");
	DOC_BAD("code", f.d.code = NULL);
	DOC_BAD("code", f.d.code = "QT 01");
	DOC_BAD("title", f.d.title = "");
	DOC_BAD("title", f.d.title = NULL);
	DOC_BAD("kind", f.d.kind = "");
	DOC_BAD("kind", f.d.kind = "memo");
	DOC_BAD("kind", f.d.kind = NULL);
	DOC_BAD("status", f.d.status = "");
	DOC_BAD("status", f.d.status = "published");
	DOC_BAD("status", f.d.status = NULL);
	DOC_BAD("access", f.d.access = "");
	DOC_BAD("access", f.d.access = "secret");
	DOC_BAD("issue", f.d.issue = 0);
	DOC_BAD("note", f.d.note = "");
	DOC_BAD("note", f.d.note = NULL);
	DOC_BAD("effective_date", f.d.effective_date = "2024-02-30");
	DOC_BAD("effective_date", f.d.effective_date = "31/01/2024");
	DOC_BAD("next_review", f.d.next_review = "2025-13-01");
	DOC_BAD("review_months", f.d.review_months = 121);
	DOC_BAD("retention_years", f.d.retention_years = 201);
	DOC_BAD("origin_date", f.origin.date = "2020-3-5");
	/* An issue in force (or once in force) needs its approver and its effective date. */
	DOC_BAD("approved_by", f.d.approved = NULL);
	DOC_BAD("approved_by", f.approved.name = "");
	DOC_BAD("effective_date", f.d.effective_date = "");
	DOC_BAD("approved_by", { f.d.status = "superseded"; f.d.approved = NULL; });
	DOC_BAD("effective_date", { f.d.status = "superseded"; f.d.effective_date = ""; });
	DOC_BAD("approved_by", { f.d.status = "withdrawn"; f.d.approved = NULL; });
	DOC_BAD("effective_date", { f.d.status = "withdrawn"; f.d.effective_date = NULL; });
#undef DOC_BAD
}

static void
test_doc_bounds(void **state)
{
	struct doc_fixture f;
	char *text;

	(void)state;
	good_doc(&f);
	f.d.review_months = 120;
	f.d.retention_years = 200;
	assert_int_equal(domain_check_doc(&f.d), 0);
	f.d.review_months = 0;
	f.d.retention_years = 0;
	f.d.retention_permanent = 1;
	f.d.next_review = "";
	assert_int_equal(domain_check_doc(&f.d), 0);
	f.origin.date = "";                      /* an origin without a date is allowed */
	assert_int_equal(domain_check_doc(&f.d), 0);

	assert_non_null(text = malloc(DOMAIN_MAX_TEXT + 2));
	memset(text, 'a', DOMAIN_MAX_TEXT);
	text[DOMAIN_MAX_TEXT] = '\0';
	f.d.text = text;
	assert_int_equal(domain_check_doc(&f.d), 0);
	text[DOMAIN_MAX_TEXT] = 'a';
	text[DOMAIN_MAX_TEXT + 1] = '\0';
	eiso_clearerr();
	expect_err(domain_check_doc(&f.d), EISO_TOOBIG, "text");
	free(text);
}

/* ------------------------------------------------------------------------------------------ */
/* Record files */

struct file_fixture {
	Eiso__RecordFile f;
	Eiso__FileEntry e[2];
	Eiso__FileEntry *ep[2];
};

static void
good_file(struct file_fixture *x)
{
	Eiso__RecordFile f = EISO__RECORD_FILE__INIT;
	Eiso__FileEntry e = EISO__FILE_ENTRY__INIT;

	x->f = f;
	x->e[0] = e;
	x->e[1] = e;
	x->e[0].doc_code = "QT-01";
	x->e[0].issue = 1;
	x->e[0].pages = 3;
	x->e[1].doc_code = "BM-02";
	x->e[1].issue = 2;
	x->ep[0] = &x->e[0];
	x->ep[1] = &x->e[1];
	x->f.code = "000.00.15.H55.01.HS-2024";
	x->f.organ_id = "000.00.15.H55";
	x->f.catalog = "01";
	x->f.notation = "HS-2024";
	x->f.title = "Ho so ISO 2024";
	x->f.access = "internal";
	x->f.start_date = "2024-01-02";
	x->f.end_date = "";
	x->f.status = "open";
	x->f.retention_years = 10;
	x->f.entries = x->ep;
	x->f.n_entries = 2;
}

static void
test_file_fields(void **state)
{
	struct file_fixture x;

	(void)state;
	good_file(&x);
	assert_int_equal(domain_check_file(&x.f), 0);
	x.f.status = "closed";
	x.f.end_date = "2024-01-02";             /* may close the day it opened */
	assert_int_equal(domain_check_file(&x.f), 0);
#define FILE_BAD(err, field, stmt) do { good_file(&x); stmt; eiso_clearerr(); \
	expect_err(domain_check_file(&x.f), err, field); } while (0)
	FILE_BAD(EISO_INVAL, "code", x.f.code = "");
	FILE_BAD(EISO_INVAL, "code", x.f.code = "HS 2024");
	FILE_BAD(EISO_INVAL, "retention_years", x.f.retention_years = 201);
	FILE_BAD(EISO_INVAL, "retention", x.f.retention_years = 0);
	FILE_BAD(EISO_INVAL, "end_date", x.f.status = "closed");
	FILE_BAD(EISO_INVAL, "organ_id", x.f.organ_id = "");
	FILE_BAD(EISO_INVAL, "catalog", x.f.catalog = NULL);
	FILE_BAD(EISO_INVAL, "notation", x.f.notation = "");
	FILE_BAD(EISO_INVAL, "title", x.f.title = "");
	FILE_BAD(EISO_INVAL, "access", x.f.access = "");
	FILE_BAD(EISO_INVAL, "access", x.f.access = "open");
	FILE_BAD(EISO_INVAL, "start_date", x.f.start_date = "");
	FILE_BAD(EISO_INVAL, "start_date", x.f.start_date = "2024-02-30");
	FILE_BAD(EISO_INVAL, "end_date", x.f.end_date = "tomorrow");
	FILE_BAD(EISO_INVAL, "end_date", x.f.end_date = "2024-01-01");   /* before start */
	FILE_BAD(EISO_INVAL, "status", x.f.status = "");
	FILE_BAD(EISO_INVAL, "status", x.f.status = NULL);
	FILE_BAD(EISO_INVAL, "status", x.f.status = "archived");
	FILE_BAD(EISO_INVAL, "entries", x.e[1].doc_code = "");
	FILE_BAD(EISO_INVAL, "entries", x.e[1].doc_code = "BM 02");
	FILE_BAD(EISO_INVAL, "entries", x.e[0].issue = 0);
	FILE_BAD(EISO_TOOBIG, "entries", x.f.n_entries = DOMAIN_MAX_ENTRIES + 1);
#undef FILE_BAD
}

/* ------------------------------------------------------------------------------------------ */
/* Cases */

static void
good_case(Eiso__Case *c)
{
	Eiso__Case init = EISO__CASE__INIT;

	*c = init;
	c->code = "000.00.15.H55-240101-0001";
	c->procedure = "1.004227";
	c->status = "processing";
	c->received = 1704042000000LL;
	c->due = c->received + 10LL * 86400000;
}

static void
test_case_fields(void **state)
{
	Eiso__Case c;

	(void)state;
	good_case(&c);
	assert_int_equal(domain_check_case(&c), 0);
	c.due = c.received;                      /* due the day it arrives */
	assert_int_equal(domain_check_case(&c), 0);
	/* Every final status with a completion time, every open one without. */
	for (const char *const *s = domain_case_statuses; *s != NULL; s++) {
		good_case(&c);
		c.status = (char *)*s;
		c.completed = domain_case_final(*s) ? c.received + 1000 : 0;
		if (domain_check_case(&c) != 0)
			fail_msg("a %s case was refused: %s", *s, eiso_lasterr(EISO_INVAL));
		/* ...and the other way round is refused, naming completed. */
		c.completed = domain_case_final(*s) ? 0 : c.received + 1000;
		eiso_clearerr();
		expect_err(domain_check_case(&c), EISO_INVAL, "completed");
	}
	/* Late completion is allowed (it is counted as late, not refused). */
	good_case(&c);
	c.status = "completed";
	c.completed = c.due + 86400000;
	assert_int_equal(domain_check_case(&c), 0);
#define CASE_BAD(field, stmt) do { good_case(&c); stmt; eiso_clearerr(); \
	expect_err(domain_check_case(&c), EISO_INVAL, field); } while (0)
	CASE_BAD("code", c.code = "");
	CASE_BAD("code", c.code = "HS 01");
	CASE_BAD("procedure", c.procedure = "");
	CASE_BAD("procedure", c.procedure = NULL);
	CASE_BAD("status", c.status = "");
	CASE_BAD("status", c.status = "done");
	CASE_BAD("received", c.received = 0);
	CASE_BAD("received", c.received = -5);
	CASE_BAD("due", c.due = c.received - 1);
	CASE_BAD("due", c.due = 0);
	CASE_BAD("completed", { c.status = "completed"; c.completed = c.received - 1; });
#undef CASE_BAD
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moves_allowed),
		cmocka_unit_test(test_moves_refused_table),
		cmocka_unit_test(test_moves_refused_named),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_case_final),
		cmocka_unit_test(test_code_syntax),
		cmocka_unit_test(test_date_leap_years),
		cmocka_unit_test(test_date_months),
		cmocka_unit_test(test_date_formats),
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_today),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_deadline),
		cmocka_unit_test(test_doc_good),
		cmocka_unit_test(test_doc_fields),
		cmocka_unit_test(test_doc_route),
		cmocka_unit_test(test_doc_bounds),
		cmocka_unit_test(test_file_fields),
		cmocka_unit_test(test_case_fields),
	};

	return cmocka_run_group_tests_name("domain", tests, NULL, NULL);
}
