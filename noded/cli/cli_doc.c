/*
 * cli_doc.c: `noded doc ...`: documents and their issues from the command line. Every write
 * verb goes through document_do() (the same path as the local API and the scan inbox); read
 * verbs open the store read-only.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "err.h"
#include "i18n.h"
#include "verb.h"
#include "wire.h"

struct doc_args {
	const char *conf;
	struct doc_request r;
	const char *text_path, *to, *status;
	const char *files[WIRE_MAX_FILES];
	uint32_t issue;
	int json, review_due;
};

/* --file FILE, up to WIRE_MAX_FILES times. */
static int
doc_file_opt(const char *verb, const char *value, void *args)
{
	struct doc_args *a = args;

	if (a->r.nfiles == WIRE_MAX_FILES) {
		fprintf(stderr, "noded %s: files: more than %d\n", verb, WIRE_MAX_FILES);
		return 1;
	}
	a->files[a->r.nfiles++] = value;
	return 0;
}

#define DA(m) offsetof(struct doc_args, m)
static const struct cli_opt doc_opts[] = {
	{ "-c", CLI_STR, DA(conf), NULL, 0, NULL },
	{ "code", CLI_STR, DA(r.code), NULL, 0, NULL },
	{ "title", CLI_STR, DA(r.title), NULL, 0, NULL },
	{ "kind", CLI_STR, DA(r.kind), NULL, 0, NULL },
	{ "access", CLI_STR, DA(r.access), NULL, 0, NULL },
	{ "note", CLI_STR, DA(r.note), NULL, 0, NULL },
	{ "owner-unit", CLI_STR, DA(r.owner_unit), NULL, 0, NULL },
	{ "language", CLI_STR, DA(r.language), NULL, 0, NULL },
	{ "disposition", CLI_STR, DA(r.disposition), NULL, 0, NULL },
	{ "retention", CLI_STR, DA(r.retention), NULL, 0, NULL },
	{ "review-months", CLI_NUM, DA(r.review_months), "review_months", 120, NULL },
	{ "text", CLI_STR, DA(text_path), NULL, 0, NULL },
	{ "file", CLI_FN, 0, NULL, 0, doc_file_opt },
	{ "by", CLI_STR, DA(r.person), NULL, 0, NULL },
	{ "position", CLI_STR, DA(r.position), NULL, 0, NULL },
	{ "effective", CLI_STR, DA(r.effective_date), NULL, 0, NULL },
	{ "origin-issuer", CLI_STR, DA(r.origin_issuer), NULL, 0, NULL },
	{ "origin-number", CLI_STR, DA(r.origin_number), NULL, 0, NULL },
	{ "origin-date", CLI_STR, DA(r.origin_date), NULL, 0, NULL },
	{ "json", CLI_FLAG, DA(json), NULL, 0, NULL },
	{ "issue", CLI_U32, DA(issue), "issue", 1000000, NULL },
	{ "status", CLI_STR, DA(status), NULL, 0, NULL },
	{ "review-due", CLI_FLAG, DA(review_due), NULL, 0, NULL },
	{ "to", CLI_STR, DA(to), NULL, 0, NULL },
	{ "comment", CLI_STR, DA(r.comment), NULL, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL }
};

static int
doc_parse(const char *verb, int argc, char **argv, struct doc_args *a)
{
	memset(a, 0, sizeof(*a));
	a->conf = NODED_DEFAULT_CONF;
	a->r.review_months = -1;
	return cli_parse(verb, argc, argv, doc_opts, a, 0);
}

/* Read the search text supplied with a document (UTF-8, bounded). */
static char *
doc_read_text(const char *verb, const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "noded %s: text: %s: %s\n", verb, path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(DOMAIN_MAX_TEXT + 2)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, DOMAIN_MAX_TEXT + 1, f);
	fclose(f);
	if (n > DOMAIN_MAX_TEXT) {
		fprintf(stderr, "noded %s: text: %s is longer than %d bytes\n", verb, path,
		    DOMAIN_MAX_TEXT);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static void
doc_print(const Eiso__DocIssue *d)
{
	printf("%s issue %u  %s  [%s, %s]\n  %s\n", d->code, d->issue, d->status, d->kind,
	    d->access, d->title);
	if (d->note && d->note[0])
		printf("  note: %s\n", d->note);
	if (d->drafted && d->drafted->name[0])
		printf("  drafted by %s%s%s\n", d->drafted->name, PERSON_SEP(d->drafted),
		    d->drafted->position);
	if (d->checked && d->checked->name[0])
		printf("  checked by %s%s%s\n", d->checked->name, PERSON_SEP(d->checked),
		    d->checked->position);
	if (d->approved && d->approved->name[0])
		printf("  approved by %s%s%s, effective %s, next review %s\n", d->approved->name,
		    PERSON_SEP(d->approved), d->approved->position, d->effective_date,
		    d->next_review[0] ? d->next_review : "none");
	if (d->superseded_by)
		printf("  superseded by issue %u\n", d->superseded_by);
	if (d->withdraw_note && d->withdraw_note[0])
		printf("  withdrawn: %s\n", d->withdraw_note);
	for (size_t i = 0; i < d->n_route; i++) {
		const Eiso__RouteStep *st = d->route[i];
		char at[32];

		i18n_time(at, sizeof(at), st->by ? st->by->at : 0, WEB_EN);
		printf("  %s %s%s%s %s%s%s\n", at, st->action, st->by && st->by->name[0] ? " by " :
		    "", st->by ? st->by->name : "", st->by ? st->by->position : "",
		    st->comment[0] ? ": " : "", st->comment);
	}
	for (size_t i = 0; i < d->n_files; i++) {
		char hex[2 * KEYS_HASH + 1];
		keys_hex(hex, d->files[i]->sha256.data, KEYS_HASH);
		printf("  file %s %s %llu bytes, %u pages, %s\n", d->files[i]->name, hex,
		    (unsigned long long)d->files[i]->size, d->files[i]->pages,
		    d->files[i]->media_type);
	}
}

static void
doc_print_one(const ProtobufCMessage *m)
{
	doc_print((const Eiso__DocIssue *)m);
}

static int
doc_write(enum doc_op op, int argc, char **argv)
{
	char verb[32];
	struct doc_args a;
	struct attachment *att = NULL;
	Eiso__BlobRef *refs[WIRE_MAX_FILES];
	Eiso__DocIssue *d = NULL;
	struct node n;
	char *text = NULL;
	int rc, ret = 1;

	snprintf(verb, sizeof(verb), "doc %s", doc_op_name(op));
	if ((rc = doc_parse(verb, argc, argv, &a)) != 0)
		return rc;
	if (a.r.code == NULL) {
		fprintf(stderr, "noded %s: code: required (--code)\n", verb);
		return 1;
	}
	if (a.text_path != NULL) {
		if ((text = doc_read_text(verb, a.text_path)) == NULL)
			return 1;
		a.r.text = text;
	}
	if (cli_open(verb, a.conf, 0, &n) != 0)
		goto done_text;
	if (a.r.nfiles > 0 && (att = calloc(a.r.nfiles, sizeof(*att))) == NULL)
		goto done;
	for (size_t i = 0; i < a.r.nfiles; i++) {
		eiso_clearerr();
		if ((rc = attach_file(&n, a.files[i], &att[i])) != 0) {
			cli_fail(verb, rc);
			attach_undo(&n, att, i);
			goto done;
		}
		refs[i] = &att[i].ref;
	}
	a.r.files = refs;
	a.r.have_files = a.r.nfiles > 0;
	eiso_clearerr();
	if ((rc = document_do(&n, op, &a.r, &d)) != 0) {
		cli_fail(verb, rc);
		/* Nothing is left behind by a refused command, not even its files. */
		attach_undo(&n, att, a.r.nfiles);
		goto done;
	}
	ret = cli_print_record(&d->base, a.json, doc_print_one);
done:
	free(att);
	node_close(&n);
done_text:
	free(text);
	return ret;
}

struct doc_list_out {
	json_t *arr;               /* --json */
	int count;
};

static int
doc_list_row(const Eiso__DocIssue *d, void *arg)
{
	struct doc_list_out *o = arg;

	if (o->arr != NULL)
		json_array_append_new(o->arr, pbjson_encode(&d->base));
	else
		printf("%-16s %3u  %-10s %-11s %-10s %-10s %s\n", d->code, d->issue, d->status,
		    d->kind, d->access, d->effective_date[0] ? d->effective_date : "-", d->title);
	o->count++;
	return 0;
}

static int
doc_list(int argc, char **argv)
{
	struct doc_args a;
	struct doc_filter f;
	struct doc_list_out o = { NULL, 0 };
	struct node n;
	MDB_txn *txn = NULL;
	int rc;

	if ((rc = doc_parse("doc list", argc, argv, &a)) != 0)
		return rc;
	if (cli_open("doc list", a.conf, 1, &n) != 0)
		return 1;
	f = (struct doc_filter){ a.r.kind, a.status, a.r.access, a.review_due };
	if (a.json)
		o.arr = json_array();
	eiso_clearerr();
	if ((rc = store_read_begin(n.st, &txn)) != 0 ||
	    (rc = document_list(txn, &n, &f, doc_list_row, &o)) != 0) {
		store_read_end(&txn);
		node_close(&n);
		json_decref(o.arr);
		return cli_fail("doc list", rc);
	}
	store_read_end(&txn);
	node_close(&n);
	if (a.json)
		return pbjson_print(json_pack("{s:o}", "documents", o.arr)) == 0 ? 0 : 1;
	printf("%d %s%s\n", o.count, a.status ? "issue" : "document", o.count == 1 ? "" : "s");
	return 0;
}

static int
doc_read(const char *what, int argc, char **argv)
{
	char verb[32];
	struct doc_args a;
	struct node n;
	MDB_txn *txn;
	Eiso__DocRecord *rec = NULL;
	Eiso__DocIssue *d;
	FILE *manifest = NULL;
	json_t *arr = NULL;
	int rc, ret = 1;

	snprintf(verb, sizeof(verb), "doc %s", what);
	if ((rc = doc_parse(verb, argc, argv, &a)) != 0)
		return rc;
	if (a.r.code == NULL) {
		fprintf(stderr, "noded %s: code: required (--code)\n", verb);
		return 1;
	}
	if (strcmp(what, "export") == 0 && a.to == NULL) {
		fprintf(stderr, "noded %s: --to DIR is required\n", verb);
		return 1;
	}
	if (cli_open(verb, a.conf, 1, &n) != 0)
		return 1;
	eiso_clearerr();
	if ((rc = store_read_begin(n.st, &txn)) != 0 ||
	    (rc = document_index(txn, &n, a.r.code, &rec)) != 0) {
		cli_fail(verb, rc);
		goto done;
	}
	if (strcmp(what, "history") == 0) {
		if (a.json)
			arr = json_array();
		for (uint32_t i = 1; i <= rec->latest; i++) {
			if ((rc = document_get(txn, &n, a.r.code, i, &d)) != 0) {
				cli_fail(verb, rc);
				goto done;
			}
			if (a.json)
				json_array_append_new(arr, pbjson_encode(&d->base));
			else
				doc_print(d);
			eiso__doc_issue__free_unpacked(d, NULL);
		}
		ret = a.json ? (pbjson_print(json_pack("{s:s,s:o}", "code", a.r.code, "issues",
		    arr)) != 0) : 0;
		goto done;
	}
	if ((rc = document_get(txn, &n, a.r.code, a.issue, &d)) != 0) {
		cli_fail(verb, rc);
		goto done;
	}
	if (strcmp(what, "export") == 0) {
		if ((rc = cli_export_begin(a.to, &manifest)) != 0 ||
		    (rc = cli_export_issue(txn, &n, d, a.to, "", manifest)) != 0)
			cli_fail(verb, rc);
		else
			ret = 0;
		if (manifest != NULL && fclose(manifest) != 0 && ret == 0)
			ret = cli_fail(verb, eiso_seterr(EISO_IO, "SHA256SUMS: write failed"));
		if (ret == 0)
			printf("exported %s issue %u to %s (check: cd %s && sha256sum -c "
			    "SHA256SUMS)\n", d->code, d->issue, a.to, a.to);
	} else if (a.json) {
		ret = cli_print_json(&d->base);
	} else {
		doc_print(d);
		ret = 0;
	}
	eiso__doc_issue__free_unpacked(d, NULL);
done:
	if (rec != NULL)
		eiso__doc_record__free_unpacked(rec, NULL);
	store_read_end(&txn);
	node_close(&n);
	return ret;
}

static int doc_new(int argc, char **argv) { return doc_write(DOC_NEW, argc, argv); }
static int doc_import(int argc, char **argv) { return doc_write(DOC_IMPORT, argc, argv); }
static int doc_revise(int argc, char **argv) { return doc_write(DOC_REVISE, argc, argv); }
static int doc_submit(int argc, char **argv) { return doc_write(DOC_SUBMIT, argc, argv); }
static int doc_check(int argc, char **argv) { return doc_write(DOC_CHECK, argc, argv); }
static int doc_approve(int argc, char **argv) { return doc_write(DOC_APPROVE, argc, argv); }
static int doc_return(int argc, char **argv) { return doc_write(DOC_RETURN, argc, argv); }
static int doc_edit(int argc, char **argv) { return doc_write(DOC_EDIT, argc, argv); }
static int doc_withdraw(int argc, char **argv) { return doc_write(DOC_WITHDRAW, argc, argv); }
static int doc_show(int argc, char **argv) { return doc_read("show", argc, argv); }
static int doc_history(int argc, char **argv) { return doc_read("history", argc, argv); }
static int doc_export(int argc, char **argv) { return doc_read("export", argc, argv); }

#define DOC_FIELDS \
    "  [--access A] [--owner-unit U] [--language L] [--review-months N]\n" \
    "  [--retention Y|permanent] [--disposition D]\n" \
    "  [--origin-issuer I --origin-number N --origin-date D] [--text FILE] [--file PATH]...\n"
#define DOC_FOOT \
    "  -c CONF   config file (default " NODED_DEFAULT_CONF ")\n" \
    "  --json    print the result as JSON\n"
#define DOC_KINDS \
    "kinds: policy objective manual procedure instruction form external record\n" \
    "access: public internal restricted; dates: YYYY-MM-DD\n" \
    "language: a language code: vi, en, fr, zh ... (ISO 639-1; default vi)\n" \
    "disposition: what happens when retention ends, in words, e.g. 'hủy' (destroy) or\n" \
    "  'nộp lưu' (transfer to the historical archive)\n"

static const struct verb doc_verb_list[] = {
	{ "new", doc_new, "a new document, issue 1, draft",
	    "--code C --kind K --title T [--by NAME --position P] [-c CONF] [--json]\n"
	    DOC_FIELDS "\nA new document enters as issue 1, a draft.\n" DOC_FOOT DOC_KINDS, NULL },
	{ "import", doc_import, "a document already approved on paper enters as effective",
	    "--code C --kind K --title T --by NAME [--position P] [--effective DATE] [-c CONF]\n"
	    DOC_FIELDS "\nA document already approved and in force on paper enters as effective;\n"
	    "--by names its approver.\n" DOC_FOOT DOC_KINDS, NULL },
	{ "revise", doc_revise, "issue N+1 of a document, draft",
	    "--code C --note REASON [-c CONF] [--json] [--kind K] [--title T]\n" DOC_FIELDS
	    "\nA new issue N+1 as a draft; its files carry over unless --file is given.\n"
	    DOC_FOOT DOC_KINDS, NULL },
	{ "edit", doc_edit, "change the fields of a draft (a returned one too)",
	    "--code C [--title T] [--kind K] [--note N] [-c CONF] [--json]\n" DOC_FIELDS
	    "\nChanges the newest issue while it is a draft, before it is submitted (again).\n"
	    DOC_FOOT DOC_KINDS, NULL },
	{ "submit", doc_submit, "draft -> in_review, to be checked",
	    "--code C [--by NAME --position P] [--comment TEXT] [-c CONF] [--json]\n"
	    "\nSends the draft to review: draft -> in_review; --by names who submits it.\n"
	    "The route: submit -> check -> approve; the checker or the approver may return it.\n"
	    DOC_FOOT, NULL },
	{ "check", doc_check, "the checker passes the issue in review on to approval",
	    "--code C --by CHECKER [--position P] [--comment TEXT] [-c CONF] [--json]\n"
	    "\nThe checker passes the issue in review (it stays in_review until approved).\n"
	    DOC_FOOT, NULL },
	{ "return", doc_return, "in_review -> draft, back to the drafter with a comment",
	    "--code C --by NAME [--position P] --comment REASON [-c CONF] [--json]\n"
	    "\nThe checker (before the check) or the approver (after it) returns the issue to\n"
	    "its drafter: in_review -> draft; it is checked again after it is resubmitted.\n"
	    DOC_FOOT, NULL },
	{ "approve", doc_approve, "a checked issue in review -> effective (supersedes the issue in force)",
	    "--code C --by NAME [--position P] [--effective DATE] [--comment TEXT] [-c CONF]\n"
	    "  [--json]\n"
	    "\nApproves the checked issue in review: in_review -> effective; the issue in force\n"
	    "before it becomes superseded. DATE: YYYY-MM-DD (default today).\n" DOC_FOOT, NULL },
	{ "withdraw", doc_withdraw, "effective -> withdrawn",
	    "--code C --note REASON [-c CONF] [--json]\n"
	    "\nWithdraws the issue in force: effective -> withdrawn.\n" DOC_FOOT, NULL },
	{ "list", doc_list, "the documents (or issues by status), with filters",
	    "[--kind K] [--status S] [--access A] [--review-due] [-c CONF] [--json]\n"
	    "\nOne line per document (per issue with --status); --review-due: reviews due.\n"
	    DOC_FOOT DOC_KINDS, NULL },
	{ "show", doc_show, "one issue of a document (default: the newest)",
	    "--code C [--issue N] [-c CONF] [--json]\n" "\n" DOC_FOOT, NULL },
	{ "history", doc_history, "every issue of a document",
	    "--code C [-c CONF] [--json]\n" "\n" DOC_FOOT, NULL },
	{ "export", doc_export, "an issue's files, metadata.json and SHA256SUMS into a directory",
	    "--code C [--issue N] --to DIR [-c CONF]\n"
	    "\nWrites the issue's files, metadata.json and a SHA256SUMS manifest into DIR.\n"
	    DOC_FOOT, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct verb_table doc_verbs = {
	"noded doc",
	"Documents (ISO 9001 clause 7.5). Each issue moves draft -> in_review -> effective ->\n"
	"superseded | withdrawn; approving a new issue supersedes the one in force.\n",
	doc_verb_list,
};
