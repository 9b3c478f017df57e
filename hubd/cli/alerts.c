/*
 * alerts.c: `hubd alerts`, the alerts the hub keeps (core/alerts.c) listed from the shell,
 * and `hubd alerts ack ID --by NAME`, a person's acknowledgement written straight to the
 * store.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "cli/cli.h"
#include "pbjson.h"

struct ack_txn {
	struct hub *h;
	uint64_t id;
	const char *by;
};

static int
alert_ack_txn(MDB_txn *txn, void *arg)
{
	struct ack_txn *a = arg;

	return alert_ack(txn, a->h, a->id, a->by);
}

int
cmd_alerts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "by", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = HUBD_DEFAULT_CONF, *by = NULL;
	struct hub h;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	json_t *list;
	int c, rc, all = 0, json = 0, n = 0;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'a': all = 1; break;
		case 'j': json = 1; break;
		case 'b': by = optarg; break;
		default: return 2;
		}
	}
	if (argc - optind == 2 && strcmp(argv[optind], "ack") == 0) {
		struct ack_txn a;
		char *end;

		a.id = strtoull(argv[optind + 1], &end, 10);
		if (*end != '\0' || a.id == 0 || by == NULL || by[0] == '\0')
			return 2;
		eiso_clearerr();
		if ((rc = hub_open(conf, 0, &h)) != 0) {
			fprintf(stderr, "hubd alerts: %s\n", eiso_lasterr(rc));
			return 1;
		}
		a.h = &h;
		a.by = by;
		rc = store_write(h.st, alert_ack_txn, &a);
		hub_close(&h);
		if (rc != 0) {
			fprintf(stderr, "hubd alerts: %s\n", eiso_lasterr(rc));
			return 1;
		}
		printf("alert %llu acknowledged by %s\n", (unsigned long long)a.id, by);
		return 0;
	}
	if (argc != optind)
		return 2;
	if (cli_open("alerts", conf, &h, &txn) != 0)
		return 1;
	list = json_array();
	if (mdb_cursor_open(txn, store_dbi(h.st, HDB_ALERTS), &cur) == 0) {
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_LAST); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
			Eiso__Alert *a = eiso__alert__unpack(NULL, v.mv_size, v.mv_data);

			if (a == NULL)
				continue;
			if (all || (a->cleared == 0 && a->acked == 0)) {
				if (json) {
					json_array_append_new(list, pbjson_encode(&a->base));
				} else {
					printf("%4llu  %-24s %-20s x%-4llu %s%s\n",
					    (unsigned long long)a->id, a->agency[0] ? a->agency : "-",
					    a->kind, (unsigned long long)a->count, a->reason,
					    a->acked ? "  (acknowledged)" : a->cleared ? "  (cleared)" : "");
				}
				n++;
			}
			eiso__alert__free_unpacked(a, NULL);
		}
		mdb_cursor_close(cur);
	}
	store_read_end(&txn);
	hub_close(&h);
	if (json)
		return pbjson_print(json_pack("{s:o}", "alerts", list)) != 0;
	json_decref(list);
	printf("%d alerts\n", n);
	return 0;
}
