/*
 * status.c: `noded status`: what the node holds and how far the hub has acknowledged it,
 * read from the store through core/status.c (works whether or not the daemon runs).
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
#include "cli/cli.h"
#include "pbjson.h"

int
cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = NODED_DEFAULT_CONF;
	struct node n;
	struct node_status st;
	int c, rc, json = 0;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'j': json = 1; break;
		default: return 2;
		}
	}
	eiso_clearerr();
	if ((rc = node_open(conf, 1, &n)) != 0 || (rc = status_read(&n, &st)) != 0) {
		fprintf(stderr, "noded status: %s\n", eiso_lasterr(rc));
		if (n.st != NULL)
			node_close(&n);
		return 1;
	}
	if (json) {
		rc = pbjson_print(status_json(&n, &st));
	} else {
		printf("agency           %s\n", n.conf.agency);
		printf("head             %llu %s\n", (unsigned long long)st.head_seq, st.head_hash);
		printf("acknowledged     %llu %s\n", (unsigned long long)st.acked_seq,
		    st.acked_hash);
		printf("pending sets     %llu\n", (unsigned long long)st.pending_sets);
		printf("pending changes  %llu (not yet sealed)\n",
		    (unsigned long long)st.pending_changes);
		printf("hub link         %s (%s)\n", st.link_detail[0] ? st.link_detail : st.link,
		    n.conf.hub_endpoint);
		if (st.last_ack != 0) {
			time_t t = (time_t)(st.last_ack / 1000);
			char when[64];
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", localtime(&t));
			printf("last ack         %s\n", when);
		} else {
			printf("last ack         never\n");
		}
	}
	node_close(&n);
	return rc == 0 ? 0 : 1;
}
