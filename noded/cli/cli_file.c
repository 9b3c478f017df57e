/*
 * cli_file.c: `noded file ...`: record files (ho so) from the command line, through
 * recordfile_do() like every other way in.
 */
#include <getopt.h>
#include <stddef.h>
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
	enum file_op op;             /* a write verb's */
};

#define FA(m) offsetof(struct file_args, m)
static const struct cli_opt file_opts[] = {
	{ "-c", CLI_STR, FA(conf), NULL, 0, NULL },
	{ "organ-id", CLI_STR, FA(r.organ_id), NULL, 0, NULL },
	{ "catalog", CLI_STR, FA(r.catalog), NULL, 0, NULL },
	{ "notation", CLI_STR, FA(r.notation), NULL, 0, NULL },
	{ "title", CLI_STR, FA(r.title), NULL, 0, NULL },
	{ "retention", CLI_STR, FA(r.retention), NULL, 0, NULL },
	{ "access", CLI_STR, FA(r.access), NULL, 0, NULL },
	{ "creator", CLI_STR, FA(r.creator), NULL, 0, NULL },
	{ "start", CLI_STR, FA(r.start_date), NULL, 0, NULL },
	{ "end", CLI_STR, FA(r.end_date), NULL, 0, NULL },
	{ "file-code", CLI_STR, FA(r.code), NULL, 0, NULL },
	{ "doc", CLI_STR, FA(r.doc_code), NULL, 0, NULL },
	{ "issue", CLI_U32, FA(r.issue), "issue", 1000000, NULL },
	{ "json", CLI_FLAG, FA(json), NULL, 0, NULL },
	{ "to", CLI_STR, FA(to), NULL, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL }
};

static int
file_parse(const char *verb, int argc, char **argv, struct file_args *a)
{
	memset(a, 0, sizeof(*a));
	a->conf = NODED_DEFAULT_CONF;
	return cli_parse(verb, argc, argv, file_opts, a, 0);
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

static void
file_print_one(const ProtobufCMessage *m)
{
	file_print((const Eiso__RecordFile *)m);
}

/* cli_write's do_write: arg is the verb's file_args. */
static int
file_run(struct node *n, void *arg, ProtobufCMessage **rec)
{
	const struct file_args *a = arg;
	Eiso__RecordFile *f = NULL;
	int rc = recordfile_do(n, a->op, &a->r, &f);

	*rec = f != NULL ? &f->base : NULL;
	return rc;
}

static int
file_write(const char *name, enum file_op op, int argc, char **argv)
{
	char verb[32];
	struct file_args a;
	int rc;

	snprintf(verb, sizeof(verb), "file %s", name);
	if ((rc = file_parse(verb, argc, argv, &a)) != 0)
		return rc;
	a.op = op;
	return cli_write(verb, a.conf, a.json, file_run, &a, file_print_one);
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
