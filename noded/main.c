/*
 * main.c: noded entry point: the table of verbs (init, run, doc, file, case, user, status, backup,
 * restore, config-sample) with each one's summary and usage; common/verb.c dispatches it
 * and prints the help.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "keys.h"
#include "log.h"
#include "verb.h"
#include "run.h"

#define CONF_OPT "  -c CONF        config file (default " NODED_DEFAULT_CONF ")\n"

static const struct verb noded_verbs[] = {
	{ "init", cmd_init, "create a node's data directory, keys and config",
	    "--agency ID --hub tcp://HOST:PORT --hub-key HEX --data DIR\n"
	    "\n"
	    "Creates DIR with keys/ (Ed25519 signing and CURVE transport key pairs; secret files\n"
	    "mode 0600), store/ (LMDB) and noded.conf, then prints the enrollment line\n"
	    "'ID SIGN_PUB CURVE_PUB' to give to the hub (hubd enroll).\n", NULL },
	{ "run", cmd_run, "run the daemon (replication to the hub)",
	    "[-c CONF] [-d] [-n] [--allow-root]\n"
	    "\n"
	    "Runs the node daemon in the foreground: seals pending changes into signed change\n"
	    "sets and streams them to the hub, watches the scan inbox and serves the local JSON\n"
	    "API ([api] listen, docs/API-node.md). Logs go to stderr. SIGTERM or SIGINT stop it;\n"
	    "SIGHUP reloads the log level and the [sender] settings.\n"
	    CONF_OPT
	    "  -d             debug logging\n"
	    "  -n             check the config, key files and store, print \"configuration OK\"\n"
	    "  --allow-root   run even as root (test machines only)\n", NULL },
	{ "doc", NULL, "documents and their issues (new, import, revise, submit, approve, ...)",
	    NULL, &doc_verbs },
	{ "file", NULL, "record files (ho so): new, add, remove, close, list, show, export",
	    NULL, &file_verbs },
	{ "case", NULL, "administrative-procedure cases: receive, update, complete, list, show",
	    NULL, &case_verbs },
	{ "user", NULL, "workspace accounts and roles: add, passwd, role, disable, enable, list",
	    NULL, &user_verbs },
	{ "status", cmd_status, "show head, acknowledged seq, pending work and hub link",
	    "[-c CONF] [--json]\n"
	    "\n"
	    "Shows the agency id, head seq and hash, the seq the hub acknowledged, change sets\n"
	    "and changes waiting, the hub link state and the last acknowledgement time.\n", NULL },
	{ "backup", cmd_backup, "hot, consistent copy of the store (while the daemon runs)",
	    "[-c CONF] [--with-keys] DIR\n"
	    "\n"
	    "Writes a consistent, compacted copy of the node's store to DIR/store while the\n"
	    "daemon runs (or not), checks it, and writes DIR/BACKUP.txt: agency, head, acknowledged\n"
	    "seq and how to restore. DIR may exist but must not hold a backup already.\n"
	    CONF_OPT
	    "  --with-keys    also copy keys/ (the agency's SECRET keys) into DIR/keys\n"
	    "Restore: stop noded, move DATA/store aside, copy DIR/store in its place (owned by\n"
	    "the daemon's user, mode 0700), start noded. See noded(8).\n", NULL },
	{ "restore", cmd_restore, "--from-hub: rebuild a lost store from this agency's sets at the hub",
	    "--from-hub [-c CONF]\n"
	    "\n"
	    "Rebuilds a node whose store was lost from its own change sets at the hub. Needs the\n"
	    "node's keys and config (the bundle, or a backup taken --with-keys), an empty or\n"
	    "missing store/ and the daemon stopped. Every set is verified against this node's own\n"
	    "signing key and chain; the files its documents name are fetched too. An interrupted\n"
	    "restore can be run again: it continues where it stopped. Applicants' personal data\n"
	    "never leaves the node: restore it from a node backup.\n"
	    CONF_OPT
	    "  --from-hub     fetch from the hub in the config (the only source so far)\n", NULL },
	{ "config-sample", cmd_config_sample, "print every config directive with its default",
	    "\n\n"
	    "Prints every configuration directive with its one-line explanation and default.\n"
	    "Directives marked (required) have no default: noded init fills them in.\n", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

static const struct verb_table noded_table = {
	"noded",
	"eiso agency node: keeps the agency's ISO documents in LMDB and replicates every\n"
	"change as a signed, hash-chained change set to the provincial hub.\n",
	noded_verbs,
};

int
main(int argc, char **argv)
{
	log_init("noded", 0);
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		verb_version(stdout, "noded");
		return 0;
	}
	if (keys_init() != 0)
		fatalx("libsodium failed to initialise");
	return verb_run(&noded_table, argc, argv, stdout, stderr);
}
