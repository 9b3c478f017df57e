/*
 * main.c: hubd entry point: dispatches the verbs (init, enroll, run, status, blob, doc).
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
	    "usage: hubd COMMAND [options]\n"
	    "\n"
	    "eiso provincial hub: verifies and stores the signed change sets of every enrolled\n"
	    "agency.\n"
	    "\n"
	    "commands:\n"
	    "  init     create the hub's data directory, keys and config\n"
	    "  enroll   enroll agencies (one, or a roster file)\n"
	    "  agency   list, show, rename, move or retire enrolled agencies\n"
	    "  run      run the daemon\n"
	    "  status   per-agency applied seq, head hash, last seen, lag\n"
	    "  doc      an agency's document with its whole issue history\n"
	    "  file     an agency's record file (ho so)\n"
	    "  case     an agency's case (no personal data: the hub has none)\n"
	    "  figures  per-agency figures: documents, reviews overdue, cases, coverage\n"
	    "  search   the public documents in force, diacritics and case ignored\n"
	    "  alerts   what staff should look at: list, acknowledge\n"
	    "  passwd   hash the dashboard password (web.password_hash)\n"
	    "  portal   print a page of the public portal (as the web side serves it)\n"
	    "  blob     write a stored file's bytes to stdout\n"
	    "  backup   hot, consistent copy of the store (while the daemon runs)\n"
	    "  config-sample  print every config directive with its default\n"
	    "\n"
	    "Run 'hubd COMMAND --help' for a command's options.\n");
}

int
main(int argc, char **argv)
{
	log_init("hubd", 0);
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
		printf("hubd (eiso) protocol %d\n", 1);
		return 0;
	}
	if (keys_init() != 0)
		fatalx("libsodium failed to initialise");
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (strcmp(argv[1], "enroll") == 0)
		return cmd_enroll(argc - 1, argv + 1);
	if (strcmp(argv[1], "agency") == 0)
		return cmd_agency(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return cmd_status(argc - 1, argv + 1);
	if (strcmp(argv[1], "blob") == 0)
		return cmd_blob(argc - 1, argv + 1);
	if (strcmp(argv[1], "doc") == 0)
		return cmd_doc(argc - 1, argv + 1);
	if (strcmp(argv[1], "file") == 0)
		return cmd_file(argc - 1, argv + 1);
	if (strcmp(argv[1], "case") == 0)
		return cmd_case(argc - 1, argv + 1);
	if (strcmp(argv[1], "figures") == 0)
		return cmd_figures(argc - 1, argv + 1);
	if (strcmp(argv[1], "search") == 0)
		return cmd_search(argc - 1, argv + 1);
	if (strcmp(argv[1], "alerts") == 0)
		return cmd_alerts(argc - 1, argv + 1);
	if (strcmp(argv[1], "passwd") == 0)
		return cmd_passwd(argc - 1, argv + 1);
	if (strcmp(argv[1], "portal") == 0)
		return cmd_portal(argc - 1, argv + 1);
	if (strcmp(argv[1], "backup") == 0)
		return cmd_backup(argc - 1, argv + 1);
	if (strcmp(argv[1], "config-sample") == 0)
		return cmd_config_sample(argc - 1, argv + 1);
	fprintf(stderr, "hubd: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
