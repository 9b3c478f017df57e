/*
 * cli.c: what the hub's read-only verbs share: their "-c CONF [--json]" options, and opening
 * the hub's store read-only with a read transaction.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "err.h"

/* Parse "-c CONF [--json]" style options shared by the read-only verbs. */
int
cli_opts(int argc, char **argv, const char **conf, int *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*conf = HUBD_DEFAULT_CONF;
	*json = 0;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': *conf = optarg; break;
		case 'j': *json = 1; break;
		default: return 2;
		}
	}
	return -1;
}

int
cli_open(const char *verb, const char *conf, struct hub *h, MDB_txn **txn)
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

