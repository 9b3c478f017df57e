/*
 * cli_case.c: `noded case ...`: administrative-procedure cases from the command line,
 * through case_do(). `show` prints the applicant (node-local data); nothing else does.
 */
#include <getopt.h>
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
};

enum { K_CODE = 256, K_PROC, K_DUE, K_NAME, K_ID, K_ADDR, K_CONTACT, K_RECEIVED, K_UNIT,
	K_FILE, K_NOTE, K_STATUS, K_AT, K_JSON, K_OPEN, K_OVERDUE };

static int
case_parse(const char *verb, int argc, char **argv, struct case_args *a)
{
	static const struct option opts[] = {
		{ "code", required_argument, NULL, K_CODE },
		{ "procedure", required_argument, NULL, K_PROC },
		{ "due", required_argument, NULL, K_DUE },
		{ "applicant-name", required_argument, NULL, K_NAME },
		{ "applicant-id", required_argument, NULL, K_ID },
		{ "applicant-address", required_argument, NULL, K_ADDR },
		{ "applicant-contact", required_argument, NULL, K_CONTACT },
		{ "received", required_argument, NULL, K_RECEIVED },
		{ "unit", required_argument, NULL, K_UNIT },
		{ "record-file", required_argument, NULL, K_FILE },
		{ "note", required_argument, NULL, K_NOTE },
		{ "status", required_argument, NULL, K_STATUS },
		{ "at", required_argument, NULL, K_AT },
		{ "json", no_argument, NULL, K_JSON },
		{ "open", no_argument, NULL, K_OPEN },
		{ "overdue", no_argument, NULL, K_OVERDUE },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->conf = NODED_DEFAULT_CONF;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->conf = optarg; break;
		case K_CODE: a->r.code = optarg; break;
		case K_PROC: a->r.procedure = optarg; break;
		case K_DUE:
			if (cli_time(verb, "due", optarg, &a->r.due) != 0)
				return 1;
			break;
		case K_RECEIVED:
			if (cli_time(verb, "received", optarg, &a->r.received) != 0)
				return 1;
			break;
		case K_AT:
			if (cli_time(verb, "completed", optarg, &a->r.completed) != 0)
				return 1;
			break;
		case K_NAME: a->r.name = optarg; break;
		case K_ID: a->r.id_number = optarg; break;
		case K_ADDR: a->r.address = optarg; break;
		case K_CONTACT: a->r.contact = optarg; break;
		case K_UNIT: a->r.unit = optarg; break;
		case K_FILE: a->r.record_file = optarg; break;
		case K_NOTE: a->r.note = optarg; break;
		case K_STATUS: a->r.status = optarg; break;
		case K_JSON: a->json = 1; break;
		case K_OPEN: a->open = 1; break;
		case K_OVERDUE: a->overdue = 1; break;
		default: return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "noded %s: unexpected argument '%s'\n", verb, argv[optind]);
		return 2;
	}
	return 0;
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

static int
case_write(const char *name, enum case_op op, int argc, char **argv)
{
	char verb[32];
	struct case_args a;
	struct node n;
	Eiso__Case *c;
	int rc, ret;

	snprintf(verb, sizeof(verb), "case %s", name);
	if ((rc = case_parse(verb, argc, argv, &a)) != 0)
		return rc;
	if (cli_open(verb, a.conf, 0, &n) != 0)
		return 1;
	eiso_clearerr();
	if ((rc = case_do(&n, op, &a.r, &c)) != 0) {
		node_close(&n);
		return cli_fail(verb, rc);
	}
	if (a.json)
		ret = cli_print_json(&c->base);
	else {
		case_print(c, NULL);
		ret = 0;
	}
	eiso__case__free_unpacked(c, NULL);
	node_close(&n);
	return ret;
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
