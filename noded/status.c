/*
 * status.c: `noded status`: what the node holds and how far the hub has acknowledged it,
 * read from the store (works whether or not the daemon runs).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "keys.h"
#include "noded.h"

static void
status_usage(FILE *f)
{
	fprintf(f,
	    "usage: noded status [-c CONF] [--json]\n"
	    "\n"
	    "Shows the agency id, head seq and hash, the seq the hub acknowledged, change sets\n"
	    "and changes waiting, the hub link state and the last acknowledgement time.\n");
}

int
cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = NODED_DEFAULT_CONF;
	struct node n;
	struct chain_head head;
	MDB_txn *txn;
	MDB_val v;
	MDB_dbi meta;
	uint64_t acked = 0, last_ack = 0, pid = 0;
	size_t pending;
	char hex[2 * KEYS_HASH + 1], ahex[2 * KEYS_HASH + 1], link[32] = "stopped";
	uint8_t acked_hash[KEYS_HASH];
	int c, rc, json = 0, running;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'j': json = 1; break;
		case 'h': status_usage(stdout); return 0;
		default: status_usage(stderr); return 2;
		}
	}
	eiso_clearerr();
	if ((rc = node_open(conf, 1, &n)) != 0) {
		fprintf(stderr, "noded status: %s\n", eiso_lasterr(rc));
		return 1;
	}
	if ((rc = store_read_begin(n.st, &txn)) != 0 || (rc = outbox_head(txn, &n, &head)) != 0) {
		fprintf(stderr, "noded status: %s\n", eiso_lasterr(rc));
		node_close(&n);
		return 1;
	}
	meta = store_dbi(n.st, NDB_META);
	store_get_u64(txn, meta, "acked_seq", &acked);
	store_get_u64(txn, meta, "last_ack", &last_ack);
	store_get_u64(txn, meta, "pid", &pid);
	if (store_get_str(txn, meta, "link", &v) == 0 && v.mv_size < sizeof(link)) {
		memcpy(link, v.mv_data, v.mv_size);
		link[v.mv_size] = '\0';
	}
	pending = store_count(txn, store_dbi(n.st, NDB_PENDING));
	/* The hash at the acknowledged seq is what must equal the hub's head (I6). */
	memset(acked_hash, 0, sizeof(acked_hash));
	if (acked > 0 && acked <= head.seq)
		outbox_set_hash(txn, &n, acked, acked_hash);
	store_read_end(&txn);
	running = pid != 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
	if (!running)
		strcpy(link, "stopped");
	keys_hex(hex, head.hash, KEYS_HASH);
	keys_hex(ahex, acked_hash, KEYS_HASH);
	if (json) {
		printf("{\"agency\":\"%s\",\"head_seq\":%llu,\"head_hash\":\"%s\","
		    "\"acked_seq\":%llu,\"acked_hash\":\"%s\",\"pending_sets\":%llu,"
		    "\"pending_changes\":%zu,\"link\":\"%s\",\"last_ack\":%llu,\"daemon\":%s}\n",
		    n.conf.agency, (unsigned long long)head.seq, hex, (unsigned long long)acked, ahex,
		    (unsigned long long)(head.seq - (acked < head.seq ? acked : head.seq)),
		    pending, link, (unsigned long long)last_ack, running ? "true" : "false");
	} else {
		printf("agency           %s\n", n.conf.agency);
		printf("head             %llu %s\n", (unsigned long long)head.seq, hex);
		printf("acknowledged     %llu %s\n", (unsigned long long)acked, ahex);
		printf("pending sets     %llu\n",
		    (unsigned long long)(head.seq - (acked < head.seq ? acked : head.seq)));
		printf("pending changes  %zu (not yet sealed)\n", pending);
		printf("hub link         %s (%s)\n", link, n.conf.hub_endpoint);
		if (last_ack != 0) {
			time_t t = (time_t)(last_ack / 1000);
			char when[64];
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", localtime(&t));
			printf("last ack         %s\n", when);
		} else {
			printf("last ack         never\n");
		}
	}
	node_close(&n);
	return 0;
}
