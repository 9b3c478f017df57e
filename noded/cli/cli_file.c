/*
 * cli_file.c: `noded file ...`: record files (ho so) from the command line, through
 * recordfile_do() like every other way in.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "err.h"
#include "verb.h"

struct file_args {
	const char *conf, *to;
	struct file_request r;
	int json;
};

enum { F_ORGAN = 256, F_CAT, F_NOT, F_TITLE, F_RET, F_ACCESS, F_CREATOR, F_START, F_END,
	F_CODE, F_DOC, F_ISSUE, F_JSON, F_TO };

static int
file_parse(const char *verb, int argc, char **argv, struct file_args *a)
{
	static const struct option opts[] = {
		{ "organ-id", required_argument, NULL, F_ORGAN },
		{ "catalog", required_argument, NULL, F_CAT },
		{ "notation", required_argument, NULL, F_NOT },
		{ "title", required_argument, NULL, F_TITLE },
		{ "retention", required_argument, NULL, F_RET },
		{ "access", required_argument, NULL, F_ACCESS },
		{ "creator", required_argument, NULL, F_CREATOR },
		{ "start", required_argument, NULL, F_START },
		{ "end", required_argument, NULL, F_END },
		{ "file-code", required_argument, NULL, F_CODE },
		{ "doc", required_argument, NULL, F_DOC },
		{ "issue", required_argument, NULL, F_ISSUE },
		{ "json", no_argument, NULL, F_JSON },
		{ "to", required_argument, NULL, F_TO },
		{ NULL, 0, NULL, 0 }
	};
	long v;
	int c;

	memset(a, 0, sizeof(*a));
	a->conf = NODED_DEFAULT_CONF;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->conf = optarg; break;
		case F_ORGAN: a->r.organ_id = optarg; break;
		case F_CAT: a->r.catalog = optarg; break;
		case F_NOT: a->r.notation = optarg; break;
		case F_TITLE: a->r.title = optarg; break;
		case F_RET: a->r.retention = optarg; break;
		case F_ACCESS: a->r.access = optarg; break;
		case F_CREATOR: a->r.creator = optarg; break;
		case F_START: a->r.start_date = optarg; break;
		case F_END: a->r.end_date = optarg; break;
		case F_CODE: a->r.code = optarg; break;
		case F_DOC: a->r.doc_code = optarg; break;
		case F_ISSUE:
			if (cli_number(verb, "issue", optarg, 1000000, &v) != 0)
				return 1;
			a->r.issue = (uint32_t)v;
			break;
		case F_JSON: a->json = 1; break;
		case F_TO: a->to = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "noded %s: unexpected argument '%s'\n", verb, argv[optind]);
		return 2;
	}
	return 0;
}

static void
file_print(const Eiso__RecordFile *f)
{
	char retention[32];

	if (f->retention_permanent)
		snprintf(retention, sizeof(retention), "permanent");
	else
		snprintf(retention, sizeof(retention), "%u years", f->retention_years);
	printf("%s  %s  [%s]\n  %s\n  %s to %s, retention %s, creator %s\n"
	    "  %u documents, %u pages\n", f->code, f->status, f->access, f->title, f->start_date,
	    f->end_date[0] ? f->end_date : "(open)", retention, f->creator[0] ? f->creator : "-",
	    f->doc_total, f->page_total);
	for (size_t i = 0; i < f->n_entries; i++)
		printf("  %3zu. %s issue %u (%u pages)\n", i + 1, f->entries[i]->doc_code,
		    f->entries[i]->issue, f->entries[i]->pages);
}

static int
file_write(const char *name, enum file_op op, int argc, char **argv)
{
	char verb[32];
	struct file_args a;
	struct node n;
	Eiso__RecordFile *f;
	int rc, ret;

	snprintf(verb, sizeof(verb), "file %s", name);
	if ((rc = file_parse(verb, argc, argv, &a)) != 0)
		return rc;
	if (cli_open(verb, a.conf, 0, &n) != 0)
		return 1;
	eiso_clearerr();
	if ((rc = recordfile_do(&n, op, &a.r, &f)) != 0) {
		node_close(&n);
		return cli_fail(verb, rc);
	}
	if (a.json)
		ret = cli_print_json(&f->base);
	else {
		file_print(f);
		ret = 0;
	}
	eiso__record_file__free_unpacked(f, NULL);
	node_close(&n);
	return ret;
}

static int
file_read(const char *what, int argc, char **argv)
{
	char verb[32], sub[96];
	struct file_args a;
	struct node n;
	MDB_txn *txn = NULL;
	MDB_cursor *cur;
	MDB_val k, v;
	Eiso__RecordFile *f = NULL;
	FILE *manifest = NULL;
	json_t *arr;
	int rc, ret = 1;

	snprintf(verb, sizeof(verb), "file %s", what);
	if ((rc = file_parse(verb, argc, argv, &a)) != 0)
		return rc;
	if (strcmp(what, "list") != 0 && a.r.code == NULL) {
		fprintf(stderr, "noded %s: file_code: required (--file-code)\n", verb);
		return 1;
	}
	if (strcmp(what, "export") == 0 && a.to == NULL) {
		fprintf(stderr, "noded %s: --to DIR is required\n", verb);
		return 1;
	}
	if (cli_open(verb, a.conf, 1, &n) != 0)
		return 1;
	eiso_clearerr();
	if ((rc = store_read_begin(n.st, &txn)) != 0) {
		cli_fail(verb, rc);
		goto done;
	}
	if (strcmp(what, "list") == 0) {
		if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(n.st, NDB_RECORDS), &cur))) != 0) {
			cli_fail(verb, rc);
			goto done;
		}
		arr = json_array();
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			Eiso__RecordFile *r = eiso__record_file__unpack(NULL, v.mv_size, v.mv_data);
			if (r == NULL)
				continue;
			if (a.json)
				json_array_append_new(arr, pbjson_encode(&r->base));
			else
				printf("%-32s %-6s %4u docs %5u pages  %s\n", r->code, r->status,
				    r->doc_total, r->page_total, r->title);
			eiso__record_file__free_unpacked(r, NULL);
		}
		mdb_cursor_close(cur);
		ret = a.json ? pbjson_print(json_pack("{s:o}", "files", arr)) != 0 :
		    (json_decref(arr), 0);
		goto done;
	}
	if ((rc = recordfile_get(txn, &n, a.r.code, &f)) != 0) {
		cli_fail(verb, rc);
		goto done;
	}
	if (strcmp(what, "show") == 0) {
		if (a.json)
			ret = cli_print_json(&f->base);
		else {
			file_print(f);
			ret = 0;
		}
		goto done;
	}
	/* export: the filed issues in the order they were filed (chronological). */
	if ((rc = cli_export_begin(a.to, &manifest)) != 0) {
		cli_fail(verb, rc);
		goto done;
	}
	ret = 0;
	for (size_t i = 0; i < f->n_entries && ret == 0; i++) {
		Eiso__DocIssue *d;

		if ((rc = document_get(txn, &n, f->entries[i]->doc_code, f->entries[i]->issue,
		    &d)) != 0) {
			ret = cli_fail(verb, rc);
			break;
		}
		snprintf(sub, sizeof(sub), "%03zu-%s-issue-%u", i + 1, d->code, d->issue);
		for (char *p = sub; *p; p++)
			if (*p == '/')
				*p = '_';
		if ((rc = cli_export_issue(txn, &n, d, a.to, sub, manifest)) != 0)
			ret = cli_fail(verb, rc);
		eiso__doc_issue__free_unpacked(d, NULL);
	}
	if (fclose(manifest) != 0 && ret == 0)
		ret = cli_fail(verb, eiso_seterr(EISO_IO, "SHA256SUMS: write failed"));
	if (ret == 0)
		printf("exported record file %s (%u documents) to %s (check: cd %s && sha256sum -c "
		    "SHA256SUMS)\n", f->code, f->doc_total, a.to, a.to);
done:
	if (f != NULL)
		eiso__record_file__free_unpacked(f, NULL);
	store_read_end(&txn);
	node_close(&n);
	return ret;
}

static int file_new(int argc, char **argv) { return file_write("new", FILE_NEW, argc, argv); }
static int file_add(int argc, char **argv) { return file_write("add", FILE_ADD, argc, argv); }
static int file_remove(int argc, char **argv)
{
	return file_write("remove", FILE_REMOVE, argc, argv);
}
static int file_close(int argc, char **argv)
{
	return file_write("close", FILE_CLOSE, argc, argv);
}
static int file_list(int argc, char **argv) { return file_read("list", argc, argv); }
static int file_show(int argc, char **argv) { return file_read("show", argc, argv); }
static int file_export(int argc, char **argv) { return file_read("export", argc, argv); }

#define FILE_FOOT \
    "  -c CONF   config file (default " NODED_DEFAULT_CONF ")\n" \
    "  --json    print the result as JSON\n"

static const struct verb file_verb_list[] = {
	{ "new", file_new, "open a record file",
	    "--organ-id O --catalog C --notation N --title T --retention Y|permanent\n"
	    "  [--access A] [--creator NAME] [--start DATE] [-c CONF] [--json]\n"
	    "\nOpens a record file; its code is OrganId.FileCatalog.FileNotation.\n" FILE_FOOT,
	    NULL },
	{ "add", file_add, "file a document issue",
	    "--file-code CODE --doc DOC [--issue N] [-c CONF] [--json]\n"
	    "\nFiles a document issue by reference (default: the one in force, else the newest).\n"
	    FILE_FOOT, NULL },
	{ "remove", file_remove, "take a document issue out of a record file",
	    "--file-code CODE --doc DOC [--issue N] [-c CONF] [--json]\n" "\n" FILE_FOOT, NULL },
	{ "close", file_close, "close a record file",
	    "--file-code CODE [--end DATE] [-c CONF] [--json]\n" "\n" FILE_FOOT, NULL },
	{ "list", file_list, "the record files",
	    "[-c CONF] [--json]\n" "\n" FILE_FOOT, NULL },
	{ "show", file_show, "one record file with the issues filed in it",
	    "--file-code CODE [-c CONF] [--json]\n" "\n" FILE_FOOT, NULL },
	{ "export", file_export, "every filed issue, in the order filed, into a directory",
	    "--file-code CODE --to DIR [-c CONF]\n"
	    "\nWrites every filed issue in the order filed, with a SHA256SUMS manifest.\n"
	    FILE_FOOT, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct verb_table file_verbs = {
	"noded file",
	"Record files (ho so), Decree 30/2020/ND-CP Appendix VI. The file code is\n"
	"OrganId.FileCatalog.FileNotation; documents are filed by reference.\n",
	file_verb_list,
};
