/*
 * test_published.c: unit tests for hubd/core/published.c and the portal's helpers: which issues
 * are published (public and once in force, nothing else), the public-files index kept by
 * apply_change in a real LMDB hub store (an issue's files enter when it is published, leave
 * if it stops being public, and a draft's never enter), the content hash against the vector
 * in docs/PORTAL.md, QR images and HTML escaping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "portal/portal.h"
#include "keys.h"
#include "sha256.h"
#include "unit.h"

static Eiso__DocIssue *
issue(const char *code, uint32_t n, const char *status, const char *access, const char *eff)
{
	Eiso__DocIssue *d = calloc(1, sizeof(*d));

	eiso__doc_issue__init(d);
	d->code = (char *)code;
	d->title = (char *)"Quy trình tiếp nhận hồ sơ";
	d->kind = (char *)"procedure";
	d->issue = n;
	d->status = (char *)status;
	d->access = (char *)access;
	d->effective_date = (char *)eff;
	return d;
}

static void
test_which_issues(void **state)
{
	static const struct { const char *status, *access, *eff; int want; } cases[] = {
		{ "effective", "public", "2024-01-01", 1 },
		{ "superseded", "public", "2024-01-01", 1 },
		{ "withdrawn", "public", "2024-01-01", 1 },
		{ "draft", "public", "", 0 },
		{ "in_review", "public", "", 0 },
		{ "draft", "public", "2024-01-01", 0 },       /* a revision keeps no date, but still */
		{ "effective", "internal", "2024-01-01", 0 },
		{ "effective", "restricted", "2024-01-01", 0 },
		{ "superseded", "internal", "2024-01-01", 0 },
		{ "effective", "public", "", 0 },             /* never approved: not in force */
		{ "effective", "Public", "2024-01-01", 0 },
	};

	(void)state;
	assert_false(published_issue(NULL));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Eiso__DocIssue *d = issue("QT-01", 1, cases[i].status, cases[i].access,
		    cases[i].eff);
		assert_int_equal(published_issue(d), cases[i].want);
		free(d);
	}
}

/* The vector of docs/PORTAL.md. */
static void
test_hash_vector(void **state)
{
	Eiso__DocIssue *d = issue("QT-01", 2, "effective", "public", "2025-03-01");
	Eiso__BlobRef f1 = EISO__BLOB_REF__INIT, f2 = EISO__BLOB_REF__INIT, *files[2] = { &f1, &f2 };
	uint8_t s1[KEYS_HASH], s2[KEYS_HASH], h[KEYS_HASH];
	char hex[2 * KEYS_HASH + 1];

	(void)state;
	sha256((const uint8_t *)"issue 2\n", 8, s1);
	sha256((const uint8_t *)"", 0, s2);
	f1.sha256.data = s1;
	f1.sha256.len = KEYS_HASH;
	f1.size = 8;
	f1.name = (char *)"qt-01.pdf";
	f2.sha256.data = s2;
	f2.sha256.len = KEYS_HASH;
	f2.size = 0;
	f2.name = (char *)"phụ lục.txt";
	d->files = files;
	d->n_files = 2;
	published_hash("ubnd-tam-duong", d, h);
	keys_hex(hex, h, sizeof(h));
	assert_string_equal(hex, "72d5003888c18994c36ac2f219cefd813f1eebc54bc8a0a2d209e07b4338e22d");
	/* What changes after approval is not covered: a superseded issue keeps its hash. */
	d->status = (char *)"superseded";
	d->superseded_by = 3;
	d->updated = 12345;
	published_hash("ubnd-tam-duong", d, h);
	keys_hex(hex, h, sizeof(h));
	assert_string_equal(hex, "72d5003888c18994c36ac2f219cefd813f1eebc54bc8a0a2d209e07b4338e22d");
	/* What a printout shows is: another title, another hash. */
	d->title = (char *)"Quy trình tiếp nhận hồ sơ (sửa)";
	published_hash("ubnd-tam-duong", d, h);
	keys_hex(hex, h, sizeof(h));
	assert_string_not_equal(hex,
	    "72d5003888c18994c36ac2f219cefd813f1eebc54bc8a0a2d209e07b4338e22d");
	free(d);
}

/* A hub store in a temp dir, and apply_change of one document issue in a transaction. */
struct fix {
	char *dir;
	struct hub h;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->dir = unit_mkdtemp("published");
	assert_non_null(f->dir);
	assert_int_equal(store_open(f->dir, hub_dbnames, HDB_COUNT, 0, &f->h.st), 0);
	f->h.bt.chunks = store_dbi(f->h.st, HDB_CHUNKS);
	f->h.bt.meta = store_dbi(f->h.st, HDB_BLOBMETA);
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
	Eiso__DocIssue *d;
};

static int
put_cb(MDB_txn *txn, void *arg)
{
	struct put *p = arg;
	Eiso__Change c = EISO__CHANGE__INIT;

	c.op_case = EISO__CHANGE__OP_DOC_ISSUE;
	c.doc_issue = p->d;
	return apply_change(txn, &p->f->h, "ubnd-a", &c);
}

static void
put(struct fix *f, Eiso__DocIssue *d)
{
	struct put p = { f, d };

	assert_int_equal(store_write(f->h.st, put_cb, &p), 0);
}

struct seen {
	char what[8][96];
	int n;
};

static int
seen_cb(const char *agency, const char *code, uint32_t n, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8)
		snprintf(s->what[s->n++], sizeof(s->what[0]), "%s %s %u", agency, code, n);
	return 0;
}

/* Who holds the file sha, as "agency code issue" lines joined by '|'. */
static const char *
holders(struct fix *f, const uint8_t *sha)
{
	static char out[800];
	struct seen s = { .n = 0 };
	MDB_txn *txn;
	int rc;

	assert_int_equal(store_read_begin(f->h.st, &txn), 0);
	rc = published_file(txn, &f->h, sha, seen_cb, &s);
	store_read_end(&txn);
	assert_true(rc == 0 || rc == EISO_NOTFOUND);
	assert_int_equal(rc == EISO_NOTFOUND, s.n == 0);
	out[0] = '\0';
	for (int i = 0; i < s.n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", i ? "|" : "",
		    s.what[i]);
	return out;
}

static void
test_index(void **state)
{
	struct fix *f = *state;
	uint8_t a[KEYS_HASH], b[KEYS_HASH], z[KEYS_HASH];
	Eiso__BlobRef fa = EISO__BLOB_REF__INIT, fb = EISO__BLOB_REF__INIT;
	Eiso__BlobRef *one[1] = { &fa }, *two[2] = { &fa, &fb };
	Eiso__DocIssue *d;

	memset(a, 0xaa, sizeof(a));
	memset(b, 0xbb, sizeof(b));
	memset(z, 0xab, sizeof(z));
	fa.sha256.data = a;
	fa.sha256.len = KEYS_HASH;
	fa.name = (char *)"a.pdf";
	fb.sha256.data = b;
	fb.sha256.len = KEYS_HASH;
	fb.name = (char *)"b.pdf";

	/* A public draft, then in review: its file is not published. */
	d = issue("QT-01", 1, "draft", "public", "");
	d->files = one;
	d->n_files = 1;
	put(f, d);
	assert_string_equal(holders(f, a), "");
	d->status = (char *)"in_review";
	put(f, d);
	assert_string_equal(holders(f, a), "");
	/* In force: it is. */
	d->status = (char *)"effective";
	d->effective_date = (char *)"2024-01-01";
	put(f, d);
	assert_string_equal(holders(f, a), "ubnd-a QT-01 1");
	/* Issue 2 drafted with a and b: b is not published, a only through issue 1. */
	free(d);
	d = issue("QT-01", 2, "draft", "public", "");
	d->files = two;
	d->n_files = 2;
	put(f, d);
	assert_string_equal(holders(f, a), "ubnd-a QT-01 1");
	assert_string_equal(holders(f, b), "");
	/* Issue 2 in force, issue 1 superseded: both publish a; b by issue 2. */
	d->status = (char *)"effective";
	d->effective_date = (char *)"2025-01-01";
	put(f, d);
	free(d);
	d = issue("QT-01", 1, "superseded", "public", "2024-01-01");
	d->superseded_by = 2;
	d->files = one;
	d->n_files = 1;
	put(f, d);
	assert_string_equal(holders(f, a), "ubnd-a QT-01 1|ubnd-a QT-01 2");
	assert_string_equal(holders(f, b), "ubnd-a QT-01 2");
	/* An issue that stops being public leaves the index. */
	d->access = (char *)"internal";
	put(f, d);
	assert_string_equal(holders(f, a), "ubnd-a QT-01 2");
	/* An internal document in force never enters it; nor does an unknown hash. */
	free(d);
	d = issue("NB-01", 1, "effective", "internal", "2024-01-01");
	fa.sha256.data = z;
	d->files = one;
	d->n_files = 1;
	put(f, d);
	assert_string_equal(holders(f, z), "");
	free(d);
}

static void
test_qr_and_html(void **state)
{
	struct html b = { 0 };
	const char *url = "https://iso.example.vn/q/ubnd-a/QT%2F03/1/0123456789ab";

	(void)state;
	assert_int_equal(qr_png(url, 4, &b), 0);
	assert_true(b.len > 100);
	assert_memory_equal(b.buf, "\x89PNG\r\n\x1a\n", 8);
	html_free(&b);
	assert_int_equal(qr_png(url, 0, &b), EISO_INVAL);
	assert_int_equal(qr_svg(url, &b), 0);
	assert_non_null(strstr(b.buf, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
	assert_non_null(strstr(b.buf, url));            /* the title names what it encodes */
	html_free(&b);

	html_esc(&b, "<a href=\"x\">Tom & Jerry's</a>");
	assert_string_equal(b.buf, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
	html_free(&b);
	html_seg(&b, "QT/03 hồ sơ?&=");
	assert_string_equal(b.buf, "QT%2F03%20h%E1%BB%93%20s%C6%A1%3F%26%3D");
	html_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_issues),
		cmocka_unit_test(test_hash_vector),
		cmocka_unit_test_setup_teardown(test_index, setup, teardown),
		cmocka_unit_test(test_qr_and_html),
	};

	if (keys_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
