/*
 * status.c: `hubd status`, the replication view of every agency: applied seq, head hash,
 * last seen, lag.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "cli/cli.h"
#include "keys.h"
#include "pbjson.h"
#include "wire.h"

static void
fmt_time(char *buf, size_t len, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);

	if (ms == 0)
		snprintf(buf, len, "never");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", localtime(&t));
}

int
cmd_status(int argc, char **argv)
{
	const char *conf;
	struct hub h;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	json_t *list = NULL;
	int json, rc, n = 0;

	if ((rc = cli_opts(argc, argv, &conf, &json)) >= 0)
		return rc;
	if (cli_open("status", conf, &h, &txn) != 0)
		return 1;
	if (mdb_cursor_open(txn, store_dbi(h.st, HDB_AGENCIES), &cur) != 0) {
		fprintf(stderr, "hubd status: cannot read agencies\n");
		return 1;
	}
	if (json)
		list = json_array();
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
			json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:I,s:I,s:I}",
			    "id", a->id, "name_vi", a->name_vi, "name_en", a->name_en,
			    "level", a->level, "parent", a->parent, "state", a->state,
			    "applied_seq", (json_int_t)seq, "head_hash", hex,
			    "last_seen", (json_int_t)seen, "node_head", (json_int_t)node_head,
			    "lag", (json_int_t)lag, "rejected", (json_int_t)rejected);
			json_array_append_new(list, j);
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
		pbjson_print(json_pack("{s:o}", "agencies", list));
	else
		printf("%d agencies\n", n);
	mdb_cursor_close(cur);
	store_read_end(&txn);
	hub_close(&h);
	return 0;
}

