/*
 * cli_case.c: `noded case ...`: administrative-procedure cases from the command line,
 * through case_do(). `show` prints the applicant (node-local data); nothing else does.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "err.h"
#include "verb.h"

struct case_args {
	const char *conf;
	struct case_request r;
	int json, open, overdue;
	enum case_op op;             /* a write verb's */
};

#define KA(m) offsetof(struct case_args, m)
static const struct cli_opt case_opts[] = {
	{ "-c", CLI_STR, KA(conf), NULL, 0, NULL },
	{ "code", CLI_STR, KA(r.code), NULL, 0, NULL },
	{ "procedure", CLI_STR, KA(r.procedure), NULL, 0, NULL },
	{ "due", CLI_TIME, KA(r.due), "due", 0, NULL },
	{ "applicant-name", CLI_STR, KA(r.name), NULL, 0, NULL },
	{ "applicant-id", CLI_STR, KA(r.id_number), NULL, 0, NULL },
	{ "applicant-address", CLI_STR, KA(r.address), NULL, 0, NULL },
	{ "applicant-contact", CLI_STR, KA(r.contact), NULL, 0, NULL },
	{ "received", CLI_TIME, KA(r.received), "received", 0, NULL },
	{ "unit", CLI_STR, KA(r.unit), NULL, 0, NULL },
	{ "record-file", CLI_STR, KA(r.record_file), NULL, 0, NULL },
	{ "note", CLI_STR, KA(r.note), NULL, 0, NULL },
	{ "status", CLI_STR, KA(r.status), NULL, 0, NULL },
	{ "at", CLI_TIME, KA(r.completed), "completed", 0, NULL },
	{ "json", CLI_FLAG, KA(json), NULL, 0, NULL },
	{ "open", CLI_FLAG, KA(open), NULL, 0, NULL },
	{ "overdue", CLI_FLAG, KA(overdue), NULL, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL }
};

static int
case_parse(const char *verb, int argc, char **argv, struct case_args *a)
{
	memset(a, 0, sizeof(*a));
	a->conf = NODED_DEFAULT_CONF;
	return cli_parse(verb, argc, argv, case_opts, a, 0);
}

static const char *
case_time(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000) + 7 * 3600;
	struct tm tm;

	if (ms == 0)
		return "-";
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

static void
case_print(const Eiso__Case *c, const Eiso__Applicant *ap)
{
	char r[32], d[32], x[32];

	printf("%s  %s  procedure %s, unit %s\n  received %s, due %s, completed %s\n", c->code,
	    c->status, c->procedure, c->unit[0] ? c->unit : "-", case_time(c->received, r, 32),
	    case_time(c->due, d, 32), case_time(c->completed, x, 32));
	if (c->record_file[0])
		printf("  record file %s\n", c->record_file);
	if (c->note[0])
		printf("  note: %s\n", c->note);
	if (ap != NULL)
		printf("  applicant (this node only): %s, id %s, %s, %s\n", ap->name, ap->id_number,
		    ap->address, ap->contact);
}

static void
case_print_one(const ProtobufCMessage *m)
{
	case_print((const Eiso__Case *)m, NULL);
}

/* cli_write's do_write: arg is the verb's case_args. */
static int
case_run(struct node *n, void *arg, ProtobufCMessage **rec)
{
	const struct case_args *a = arg;
	Eiso__Case *c = NULL;
	int rc = case_do(n, a->op, &a->r, &c);

	*rec = c != NULL ? &c->base : NULL;
	return rc;
}

static int
case_write(const char *name, enum case_op op, int argc, char **argv)
{
	char verb[32];
	struct case_args a;
	int rc;

	snprintf(verb, sizeof(verb), "case %s", name);
	if ((rc = case_parse(verb, argc, argv, &a)) != 0)
		return rc;
	a.op = op;
	return cli_write(verb, a.conf, a.json, case_run, &a, case_print_one);
}

/* A row of case list: into arr with --json, else a line. */
static int
case_list_row(const Eiso__Case *c, void *arr)
{
	char r[32], d[32];

	if (arr != NULL)
		json_array_append_new(arr, pbjson_encode(&c->base));
	else
		printf("%-20s %-11s %-16s received %s due %s\n", c->code, c->status, c->procedure,
		    case_time(c->received, r, 32), case_time(c->due, d, 32));
	return 0;
}

static int
case_read(const char *what, int argc, char **argv)
{
	char verb[32];
	struct case_args a;
	struct node n;
	struct case_filter f;
	MDB_txn *txn = NULL;
	Eiso__Case *c;
	Eiso__Applicant *ap;
	json_t *arr, *j;
	int rc, ret = 1;

	snprintf(verb, sizeof(verb), "case %s", what);
	if ((rc = case_parse(verb, argc, argv, &a)) != 0)
		return rc;
	if (strcmp(what, "show") == 0 && a.r.code == NULL) {
		fprintf(stderr, "noded %s: code: required (--code)\n", verb);
		return 1;
	}
	if (cli_open(verb, a.conf, 1, &n) != 0)
		return 1;
	eiso_clearerr();
	if ((rc = store_read_begin(n.st, &txn)) != 0) {
		cli_fail(verb, rc);
		goto done;
	}
	if (strcmp(what, "show") == 0) {
		if ((rc = case_get(txn, &n, a.r.code, &c, &ap)) != 0) {
			cli_fail(verb, rc);
			goto done;
		}
		if (a.json) {
			j = pbjson_encode(&c->base);
			if (ap != NULL)
				json_object_set_new(j, "applicant", pbjson_encode(&ap->base));
			ret = pbjson_print(j) != 0;
		} else {
			case_print(c, ap);
			ret = 0;
		}
		eiso__case__free_unpacked(c, NULL);
		if (ap != NULL)
			eiso__applicant__free_unpacked(ap, NULL);
		goto done;
	}
	f = (struct case_filter){ a.r.status, a.open, a.overdue };
	arr = a.json ? json_array() : NULL;
	if ((rc = case_list(txn, &n, &f, case_list_row, arr)) != 0) {
		json_decref(arr);
		cli_fail(verb, rc);
		goto done;
	}
	ret = a.json ? pbjson_print(json_pack("{s:o}", "cases", arr)) != 0 : 0;
done:
	store_read_end(&txn);
	node_close(&n);
	return ret;
}

static int case_receive(int argc, char **argv)
{
	return case_write("receive", CASE_RECEIVE, argc, argv);
}
static int case_update(int argc, char **argv)
{
	return case_write("update", CASE_UPDATE, argc, argv);
}
static int case_complete(int argc, char **argv)
{
	return case_write("complete", CASE_COMPLETE, argc, argv);
}
static int case_cmd_list(int argc, char **argv) { return case_read("list", argc, argv); }
static int case_show(int argc, char **argv) { return case_read("show", argc, argv); }

#define CASE_FOOT \
    "  DATE: YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (Asia/Ho_Chi_Minh); a --due date alone\n" \
    "        means the end of that day\n" \
    "  -c CONF  config file (default " NODED_DEFAULT_CONF ")\n" \
    "  --json   print the result as JSON\n"

static const struct verb case_verb_list[] = {
	{ "receive", case_receive, "receive an application: a new case",
	    "--code C --procedure P --due DATE --applicant-name NAME\n"
	    "  [--applicant-id ID] [--applicant-address A] [--applicant-contact C]\n"
	    "  [--received DATE] [--unit U] [--record-file CODE] [--note N] [-c CONF] [--json]\n"
	    "\nThe applicant's personal data stays on this node.\n" CASE_FOOT, NULL },
	{ "update", case_update, "move a case on: status, due date, unit",
	    "--code C [--status received|processing|supplement] [--due DATE]\n"
	    "  [--unit U] [--record-file CODE] [--note N] [-c CONF] [--json]\n" "\n" CASE_FOOT,
	    NULL },
	{ "complete", case_complete, "finish a case",
	    "--code C [--status completed|returned|withdrawn] [--at DATE]\n"
	    "  [--record-file CODE] [--note N] [-c CONF] [--json]\n" "\n" CASE_FOOT, NULL },
	{ "list", case_cmd_list, "the cases, without applicants",
	    "[--status S] [--open] [--overdue] [-c CONF] [--json]\n" "\n" CASE_FOOT, NULL },
	{ "show", case_show, "one case with its applicant (node-local data)",
	    "--code C [-c CONF] [--json]\n" "\n" CASE_FOOT, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct verb_table case_verbs = {
	"noded case",
	"Administrative-procedure cases. The applicant's personal data stays on this node;\n"
	"what replicates to the hub carries none of it.\n",
	case_verb_list,
};
