/*
 * status.c: read-only views of the hub's store for operators and tests: `hubd status`
 * (per agency: applied seq, head hash, last seen, lag), `hubd doc` and `hubd blob`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "hubd.h"
#include "keys.h"
#include "wire.h"

static void
json_str(const char *s)
{
	putchar('"');
	for (; s != NULL && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void
fmt_time(char *buf, size_t len, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);

	if (ms == 0)
		snprintf(buf, len, "never");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", localtime(&t));
}

/* Parse "-c CONF [--json]" style options shared by the read-only verbs. */
static int
view_opts(int argc, char **argv, const char **conf, int *json, const char *usage)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*conf = HUBD_DEFAULT_CONF;
	*json = 0;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': *conf = optarg; break;
		case 'j': *json = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	return -1;
}

static int
view_open(const char *verb, const char *conf, struct hub *h, MDB_txn **txn)
{
	int rc;

	eiso_clearerr();
	if ((rc = hub_open(conf, 1, h)) != 0 || (rc = store_read_begin(h->st, txn)) != 0) {
		fprintf(stderr, "hubd %s: %s\n", verb, eiso_lasterr(rc));
		hub_close(h);
		return 1;
	}
	return 0;
}

int
cmd_status(int argc, char **argv)
{
	static const char usage[] =
	    "usage: hubd status [-c CONF] [--json]\n"
	    "\n"
	    "Per enrolled agency: applied seq and head hash, last message time, the node's head\n"
	    "as it last reported it, and the lag (change sets the node has that the hub has not\n"
	    "applied yet).\n";
	const char *conf;
	struct hub h;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	int json, rc, n = 0;

	if ((rc = view_opts(argc, argv, &conf, &json, usage)) >= 0)
		return rc;
	if (view_open("status", conf, &h, &txn) != 0)
		return 1;
	if (mdb_cursor_open(txn, store_dbi(h.st, HDB_AGENCIES), &cur) != 0) {
		fprintf(stderr, "hubd status: cannot read agencies\n");
		return 1;
	}
	if (json)
		printf("{\"agencies\":[");
	else
		printf("%-28s %-14s %8s %-16s %-19s %6s %8s\n", "AGENCY", "LEVEL", "APPLIED",
		    "HEAD", "LAST SEEN", "LAG", "REJECTED");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Eiso__AgencyRecord *a = eiso__agency_record__unpack(NULL, v.mv_size, v.mv_data);
		Eiso__HeadRecord *hr = NULL;
		uint64_t seq = 0, node_head = 0, rejected = 0, lag;
		int64_t seen = 0;
		char hex[2 * KEYS_HASH + 1], when[32];
		uint8_t zero[KEYS_HASH] = { 0 };

		if (a == NULL)
			continue;
		keys_hex(hex, zero, KEYS_HASH);
		if (head_get(txn, &h, a->id, &hr) == 0) {
			seq = hr->seq;
			if (hr->hash.len == KEYS_HASH)
				keys_hex(hex, hr->hash.data, KEYS_HASH);
			seen = hr->last_seen;
			node_head = hr->node_head;
			rejected = hr->rejected;
			eiso__head_record__free_unpacked(hr, NULL);
		}
		lag = node_head > seq ? node_head - seq : 0;
		if (json) {
			printf("%s{\"id\":", n ? "," : "");
			json_str(a->id);
			printf(",\"name_vi\":");
			json_str(a->name_vi);
			printf(",\"name_en\":");
			json_str(a->name_en);
			printf(",\"level\":");
			json_str(a->level);
			printf(",\"parent\":");
			json_str(a->parent);
			printf(",\"state\":");
			json_str(a->state);
			printf(",\"applied_seq\":%llu,\"head_hash\":\"%s\",\"last_seen\":%lld,"
			    "\"node_head\":%llu,\"lag\":%llu,\"rejected\":%llu}",
			    (unsigned long long)seq, hex, (long long)seen,
			    (unsigned long long)node_head, (unsigned long long)lag,
			    (unsigned long long)rejected);
		} else {
			fmt_time(when, sizeof(when), seen);
			printf("%-28s %-14s %8llu %.16s %-19s %6llu %8llu\n", a->id,
			    a->level && a->level[0] ? a->level : "-", (unsigned long long)seq,
			    hex, when, (unsigned long long)lag, (unsigned long long)rejected);
		}
		n++;
		eiso__agency_record__free_unpacked(a, NULL);
	}
	if (json)
		printf("]}\n");
	else
		printf("%d agencies\n", n);
	mdb_cursor_close(cur);
	store_read_end(&txn);
	hub_close(&h);
	return 0;
}

int
cmd_doc(int argc, char **argv)
{
	static const char usage[] =
	    "usage: hubd doc [-c CONF] [--json] AGENCY CODE\n"
	    "\n"
	    "Shows the hub's current copy of an agency's document and its files' SHA-256.\n";
	const char *conf;
	struct hub h;
	MDB_txn *txn;
	MDB_val k, v;
	Eiso__DocPut *d;
	uint8_t key[WIRE_MAX_AGENCY + 1 + WIRE_MAX_FIELD + 8];
	char hex[2 * KEYS_HASH + 1];
	int json, rc;

	if ((rc = view_opts(argc, argv, &conf, &json, usage)) >= 0)
		return rc;
	if (argc - optind != 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (view_open("doc", conf, &h, &txn) != 0)
		return 1;
	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), argv[optind], argv[optind + 1],
	    strlen(argv[optind + 1]));
	if (k.mv_size == 0 || mdb_get(txn, store_dbi(h.st, HDB_DOCS), &k, &v) != 0 ||
	    (d = eiso__doc_put__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
		fprintf(stderr, "hubd doc: the hub holds no document %s of agency %s\n",
		    argv[optind + 1], argv[optind]);
		store_read_end(&txn);
		hub_close(&h);
		return 1;
	}
	if (json) {
		printf("{\"agency\":");
		json_str(argv[optind]);
		printf(",\"code\":");
		json_str(d->code);
		printf(",\"title\":");
		json_str(d->title);
		printf(",\"kind\":");
		json_str(d->kind);
		printf(",\"status\":");
		json_str(d->status);
		printf(",\"access\":");
		json_str(d->access);
		printf(",\"issue\":%u,\"files\":[", d->issue);
	} else {
		printf("%s %s issue %u (%s, %s, %s)\n  %s\n", argv[optind], d->code, d->issue,
		    d->kind, d->status, d->access, d->title);
	}
	for (size_t i = 0; i < d->n_files; i++) {
		keys_hex(hex, d->files[i]->sha256.data, KEYS_HASH);
		if (json) {
			printf("%s{\"name\":", i ? "," : "");
			json_str(d->files[i]->name);
			printf(",\"sha256\":\"%s\",\"size\":%llu}", hex,
			    (unsigned long long)d->files[i]->size);
		} else {
			printf("  file %s %s %llu\n", d->files[i]->name, hex,
			    (unsigned long long)d->files[i]->size);
		}
	}
	if (json)
		printf("]}\n");
	eiso__doc_put__free_unpacked(d, NULL);
	store_read_end(&txn);
	hub_close(&h);
	return 0;
}

int
cmd_blob(int argc, char **argv)
{
	static const char usage[] =
	    "usage: hubd blob [-c CONF] SHA256\n"
	    "\n"
	    "Writes the bytes of a file the hub holds whole to standard output.\n";
	const char *conf;
	struct hub h;
	MDB_txn *txn;
	uint8_t sha[KEYS_HASH];
	int json, rc;

	if ((rc = view_opts(argc, argv, &conf, &json, usage)) >= 0)
		return rc;
	if (argc - optind != 1) {
		fputs(usage, stderr);
		return 2;
	}
	if (keys_unhex(sha, sizeof(sha), argv[optind]) != 0) {
		fprintf(stderr, "hubd blob: '%s' is not a SHA-256 (64 hex characters)\n",
		    argv[optind]);
		return 2;
	}
	if (view_open("blob", conf, &h, &txn) != 0)
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
