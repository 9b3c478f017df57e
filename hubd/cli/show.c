/*
 * show.c: what the hub holds for an agency, read-only: a document with its whole issue
 * history (`hubd doc`), a record file, a case (never any personal data: the hub has none),
 * the figures the oversight dashboard shows (`hubd figures`; core/figures.c reads them), and
 * a file's bytes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain.h"
#include "err.h"
#include "cli/cli.h"
#include "keys.h"
#include "pbjson.h"
#include "wire.h"

#define SHOW_KEY_MAX (WIRE_MAX_AGENCY + 1 + DOMAIN_MAX_CODE + 8)

/* Get agency\0code from one of the per-agency tables. */
static int
show_get(MDB_txn *txn, struct hub *h, int db, const char *agency, const char *code, MDB_val *v)
{
	uint8_t key[SHOW_KEY_MAX];
	MDB_val k;

	if (!wire_agency_ok(agency) || !domain_code_ok(code))
		return EISO_NOTFOUND;
	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), agency, code, strlen(code));
	return store_rc(mdb_get(txn, store_dbi(h->st, db), &k, v));
}

/* hubd doc, JSON: newest issue first. */
static int
show_prepend(const Eiso__DocIssue *d, void *arg)
{
	json_array_insert_new(arg, 0, pbjson_encode(&d->base));
	return 0;
}

struct show_doc {
	const char *agency;
	uint32_t current;
};

/* hubd doc, text: the history in order, oldest first. */
static int
show_print_issue(const Eiso__DocIssue *d, void *arg)
{
	const struct show_doc *sd = arg;
	char hex[2 * KEYS_HASH + 1];

	printf("%s %s issue %u  %s%s  [%s, %s]\n  %s\n", sd->agency, d->code, d->issue, d->status,
	    d->issue == sd->current ? " (in force)" : "", d->kind, d->access, d->title);
	if (d->approved != NULL)
		printf("  approved by %s%s%s, effective %s\n", d->approved->name,
		    PERSON_SEP(d->approved), d->approved->position, d->effective_date);
	for (size_t f = 0; f < d->n_files; f++) {
		keys_hex(hex, d->files[f]->sha256.data, KEYS_HASH);
		printf("  file %s %s %llu\n", d->files[f]->name, hex,
		    (unsigned long long)d->files[f]->size);
	}
	return 0;
}

int
cmd_doc(int argc, char **argv)
{
	const char *conf;
	struct hub h;
	MDB_txn *txn;
	MDB_val v;
	Eiso__DocRecord *rec;
	json_t *out = NULL, *issues;
	int json, rc, ret = 1;

	if ((rc = cli_opts(argc, argv, &conf, &json)) >= 0)
		return rc;
	if (argc - optind != 2)
		return 2;
	if (cli_open("doc", conf, &h, &txn) != 0)
		return 1;
	if (show_get(txn, &h, HDB_DOCS, argv[optind], argv[optind + 1], &v) != 0 ||
	    (rec = eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
		fprintf(stderr, "hubd doc: the hub holds no document %s of agency %s\n",
		    argv[optind + 1], argv[optind]);
		goto done;
	}
	issues = json_array();
	if (json) {
		apply_doc_versions(txn, &h, argv[optind], rec->code, show_prepend, issues);
		if (json_array_size(issues) > 0)
			out = json_deep_copy(json_array_get(issues, 0));
	} else {
		struct show_doc sd = { argv[optind], rec->current };
		apply_doc_versions(txn, &h, argv[optind], rec->code, show_print_issue, &sd);
	}
	if (json) {
		if (out == NULL)
			out = json_object();
		json_object_set_new(out, "agency", json_string(argv[optind]));
		json_object_set_new(out, "current", json_integer(rec->current));
		json_object_set_new(out, "issues", issues);
		ret = pbjson_print(out) != 0;
	} else {
		json_decref(issues);
		ret = 0;
	}
	eiso__doc_record__free_unpacked(rec, NULL);
done:
	store_read_end(&txn);
	hub_close(&h);
	return ret;
}

/* file and case: one record of an agency, printed as JSON. */
static int
show_record(const char *verb, int db, const ProtobufCMessageDescriptor *desc, int argc,
    char **argv)
{
	const char *conf;
	struct hub h;
	MDB_txn *txn;
	MDB_val v;
	ProtobufCMessage *m;
	int json, rc, ret = 1;

	if ((rc = cli_opts(argc, argv, &conf, &json)) >= 0)
		return rc;
	if (argc - optind != 2)
		return 2;
	if (cli_open(verb, conf, &h, &txn) != 0)
		return 1;
	if (show_get(txn, &h, db, argv[optind], argv[optind + 1], &v) != 0 ||
	    (m = protobuf_c_message_unpack(desc, NULL, v.mv_size, v.mv_data)) == NULL) {
		fprintf(stderr, "hubd %s: the hub holds no %s %s of agency %s\n", verb, verb,
		    argv[optind + 1], argv[optind]);
	} else {
		json_t *j = pbjson_encode(m);
		json_object_set_new(j, "agency", json_string(argv[optind]));
		ret = json ? pbjson_print(j) != 0 :
		    (json_dumpf(j, stdout, JSON_INDENT(2)), putchar('\n'), json_decref(j), 0);
		protobuf_c_message_free_unpacked(m, NULL);
	}
	store_read_end(&txn);
	hub_close(&h);
	return ret;
}

int
cmd_file(int argc, char **argv)
{
	return show_record("file", HDB_RECORDS, &eiso__record_file__descriptor, argc, argv);
}

int
cmd_case(int argc, char **argv)
{
	return show_record("case", HDB_CASES, &eiso__case__descriptor, argc, argv);
}


struct figures_all {
	MDB_txn *txn;
	struct hub *h;
	json_t *all;
};

static int
figures_one(const char *id, void *arg)
{
	struct figures_all *fa = arg;

	json_array_append_new(fa->all, figures_agency(fa->txn, fa->h, id));
	return 0;
}

int
cmd_figures(int argc, char **argv)
{
	const char *conf;
	struct hub h;
	MDB_txn *txn;
	json_t *all = json_array();
	int json, rc;

	if ((rc = cli_opts(argc, argv, &conf, &json)) >= 0)
		return rc;
	if (argc - optind > 1)
		return 2;
	if (cli_open("figures", conf, &h, &txn) != 0)
		return 1;
	if (argc - optind == 1) {
		json_array_append_new(all, figures_agency(txn, &h, argv[optind]));
	} else {
		struct figures_all fa = { txn, &h, all };

		(void)agency_each(txn, &h, figures_one, &fa);
	}
	store_read_end(&txn);
	hub_close(&h);
	if (json)
		return pbjson_print(json_pack("{s:o}", "agencies", all)) != 0;
	printf("%-28s %8s %8s %8s %8s %8s %8s %9s\n", "AGENCY", "IN FORCE", "REVIEWS", "OPEN",
	    "OVERDUE", "ON TIME", "LATE", "COVERAGE");
	for (size_t i = 0; i < json_array_size(all); i++) {
		json_t *a = json_array_get(all, i), *c = json_object_get(a, "cases");
		printf("%-28s %8lld %8lld %8lld %8lld %8lld %8lld %8.0f%%\n",
		    json_string_value(json_object_get(a, "agency")),
		    json_integer_value(json_object_get(a, "documents_in_force")),
		    json_integer_value(json_object_get(a, "reviews_overdue")),
		    json_integer_value(json_object_get(c, "open")),
		    json_integer_value(json_object_get(c, "open_overdue")),
		    json_integer_value(json_object_get(c, "on_time")),
		    json_integer_value(json_object_get(c, "late")),
		    json_real_value(json_object_get(json_object_get(a, "record_coverage"),
		    "percent")));
	}
	json_decref(all);
	return 0;
}

int
cmd_blob(int argc, char **argv)
{
	const char *conf;
	struct hub h;
	MDB_txn *txn;
	uint8_t sha[KEYS_HASH];
	int json, rc;

	if ((rc = cli_opts(argc, argv, &conf, &json)) >= 0)
		return rc;
	if (argc - optind != 1)
		return 2;
	if (keys_unhex(sha, sizeof(sha), argv[optind]) != 0) {
		fprintf(stderr, "hubd blob: '%s' is not a SHA-256 (64 hex characters)\n",
		    argv[optind]);
		return 2;
	}
	if (cli_open("blob", conf, &h, &txn) != 0)
		return 1;
	eiso_clearerr();
	rc = blob_write_fd(txn, &h.bt, sha, STDOUT_FILENO);
	store_read_end(&txn);
	hub_close(&h);
	if (rc != 0) {
		fprintf(stderr, "hubd blob: %s: %s\n", argv[optind],
		    rc == EISO_NOTFOUND && strcmp(eiso_lasterr(rc), eiso_strerror(rc)) == 0 ?
		    "not held at the hub" : eiso_lasterr(rc));
		return 1;
	}
	return 0;
}

struct search_out {
	MDB_txn *txn;
	struct hub *h;
	json_t *list;
	int json;
};

static int
search_print(const char *agency, const char *code, uint32_t score, void *arg)
{
	struct search_out *o = arg;
	Eiso__DocIssue *d;
	uint8_t key[SHOW_KEY_MAX];
	MDB_val k = { agency_key(key, sizeof(key), agency, code, strlen(code)), key }, v;
	Eiso__DocRecord *rec;

	if (mdb_get(o->txn, store_dbi(o->h->st, HDB_DOCS), &k, &v) != 0 ||
	    (rec = eiso__doc_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return 0;
	if (apply_doc_version(o->txn, o->h, agency, code, rec->current, &d) == 0) {
		if (o->json) {
			json_t *j = pbjson_encode(&d->base);
			json_object_set_new(j, "agency", json_string(agency));
			json_object_set_new(j, "score", json_integer(score));
			json_array_append_new(o->list, j);
		} else {
			printf("%5u  %-24s %-12s issue %-3u %s\n", score, agency, code, d->issue,
			    d->title);
		}
		eiso__doc_issue__free_unpacked(d, NULL);
	}
	eiso__doc_record__free_unpacked(rec, NULL);
	return 0;
}

int
cmd_search(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "agency", required_argument, NULL, 'a' },
		{ "kind", required_argument, NULL, 'k' },
		{ "offset", required_argument, NULL, 'o' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = HUBD_DEFAULT_CONF, *agency = NULL, *kind = NULL;
	char query[1024] = "";
	size_t offset = 0, limit = 20, total, n = 0;
	struct search_out o;
	struct hub h;
	MDB_txn *txn;
	int c, rc;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'a': agency = optarg; break;
		case 'k': kind = optarg; break;
		case 'o': offset = strtoul(optarg, NULL, 10); break;
		case 'l': limit = strtoul(optarg, NULL, 10); break;
		case 'j': o.json = 1; break;
		default: return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		n += (size_t)snprintf(query + n, n < sizeof(query) ? sizeof(query) - n : 0, "%s%s",
		    i > optind ? " " : "", argv[i]);
	if (query[0] == '\0' || n >= sizeof(query) || limit == 0 || limit > 1000)
		return 2;
	if (cli_open("search", conf, &h, &txn) != 0)
		return 1;
	o.txn = txn;
	o.h = &h;
	o.list = json_array();
	eiso_clearerr();
	rc = search_query(txn, &h, query, agency, kind, offset, limit, search_print, &o, &total);
	store_read_end(&txn);
	hub_close(&h);
	if (rc != 0) {
		json_decref(o.list);
		fprintf(stderr, "hubd search: %s\n", eiso_lasterr(rc));
		return 1;
	}
	if (o.json)
		return pbjson_print(json_pack("{s:s,s:I,s:o}", "query", query, "total",
		    (json_int_t)total, "results", o.list)) != 0;
	json_decref(o.list);
	printf("%zu %s\n", total, total == 1 ? "document matches" : "documents match");
	return 0;
}
