/*
 * main.c: noded entry point: dispatches the verbs (init, run, doc, status).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "keys.h"
#include "log.h"
#include "run.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: noded COMMAND [options]\n"
	    "\n"
	    "eiso agency node: keeps the agency's ISO documents in LMDB and replicates every\n"
	    "change as a signed, hash-chained change set to the provincial hub.\n"
	    "\n"
	    "commands:\n"
	    "  init     create a node's data directory, keys and config\n"
	    "  run      run the daemon (replication to the hub)\n"
	    "  doc      documents and their issues: new, import, revise, submit, approve,\n"
	    "           withdraw, list, show, history, export\n"
	    "  file     record files (ho so): new, add, remove, close, list, show, export\n"
	    "  case     administrative-procedure cases: receive, update, complete, list, show\n"
	    "  status   show head, acknowledged seq, pending work and hub link\n"
	    "  backup   hot, consistent copy of the store (while the daemon runs)\n"
	    "  restore  --from-hub: rebuild a lost store from this agency's sets at the hub\n"
	    "  config-sample  print every config directive with its default\n"
	    "\n"
	    "Run 'noded COMMAND --help' for a command's options.\n");
}

int
main(int argc, char **argv)
{
	log_init("noded", 0);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("noded (eiso) protocol %d\n", 1);
		return 0;
	}
	if (keys_init() != 0)
		fatalx("libsodium failed to initialise");
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "doc") == 0)
		return cmd_doc(argc - 1, argv + 1);
	if (strcmp(argv[1], "file") == 0)
		return cmd_file(argc - 1, argv + 1);
	if (strcmp(argv[1], "case") == 0)
		return cmd_case(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return cmd_status(argc - 1, argv + 1);
	if (strcmp(argv[1], "backup") == 0)
		return cmd_backup(argc - 1, argv + 1);
	if (strcmp(argv[1], "restore") == 0)
		return cmd_restore(argc - 1, argv + 1);
	if (strcmp(argv[1], "config-sample") == 0)
		return cmd_config_sample(argc - 1, argv + 1);
	fprintf(stderr, "noded: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
