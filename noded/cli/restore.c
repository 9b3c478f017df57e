/*
 * restore.c: `noded restore --from-hub`, a node whose store was lost rebuilt from its own
 * change sets at the hub (core/restore.c does the work), with what came back summed up.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "err.h"
#include "keys.h"

int
cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from-hub", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = NODED_DEFAULT_CONF;
	struct restore_result res;
	char hex[2 * KEYS_HASH + 1];
	int c, rc, from_hub = 0;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'H': from_hub = 1; break;
		default: return 2;
		}
	}
	if (!from_hub || optind != argc)
		return 2;
	eiso_clearerr();
	if ((rc = restore_from_hub(conf, &res)) != 0) {
		fprintf(stderr, "noded restore: %s\n", eiso_lasterr(rc));
		return 1;
	}
	keys_hex(hex, res.head.hash, KEYS_HASH);
	printf("restored from the hub: head %llu %s\n", (unsigned long long)res.head.seq, hex);
	printf("sets %llu, documents %zu, record files %zu, cases %zu, files %llu\n",
	    (unsigned long long)res.sets, res.docs, res.records, res.cases,
	    (unsigned long long)res.files);
	printf("%zu cases without applicant data (personal data never leaves the node; "
	    "restore it from a node backup)\n",
	    res.cases > res.applicants ? res.cases - res.applicants : 0);
	return 0;
}
